// SPDX-License-Identifier: GPL-2.0-only
/*
 * mshv_root: /dev/mshv for VMMs in the Microsoft Hyper-V root partition.
 *
 * /dev/mshv ("system fd") creates partitions; each partition is an
 * anonymous-inode file ("partition fd") whose last reference tears the
 * hypervisor partition down.  Documentation/virt/mshv/ describes the ABI
 * and the driver's structure.
 */
#define pr_fmt(fmt) "mshv_root: " fmt

#include <linux/anon_inodes.h>
#include <linux/crash_dump.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mshv_root.h"

struct mshv_root mshv_root;

/* Creation flags the driver always sets, whatever the VMM asks for. */
#define MSHV_PT_ALWAYS_FLAGS \
	(HV_PARTITION_CREATION_FLAG_EXO_PARTITION | \
	 HV_PARTITION_CREATION_FLAG_INTERCEPT_MESSAGE_PAGE_ENABLED)

#define MSHV_PT_VALID_FLAGS	(BIT_ULL(MSHV_PT_BIT_COUNT) - 1)

/* ------------------------------------------------------- partitions ---- */

static void mshv_partition_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct mshv_partition, rcu));
}

/*
 * The last reference is gone: nothing in the kernel can reach the partition
 * except an interrupt handler looking it up by id.  Unpublish it, wait for
 * such readers, then dismantle the hypervisor side in the order the
 * hypervisor requires: finalize (deletes VPs, ports and mappings), withdraw
 * the whole pool, delete.
 */
static void mshv_partition_release(struct kref *ref)
{
	struct mshv_partition *pt = container_of(ref, struct mshv_partition, ref);
	int ret;

	spin_lock(&mshv_root.lock);
	hash_del_rcu(&pt->hnode);
	spin_unlock(&mshv_root.lock);
	synchronize_rcu();

	if (pt->initialized) {
		ret = mshv_hvcall_finalize_partition(pt->id);
		if (ret)
			pr_err("partition %#llx: finalize failed: %d\n", pt->id, ret);
	}
	ret = mshv_withdraw_all(pt->id);
	if (ret)
		pr_err("partition %#llx: withdrawing its memory failed: %d\n",
		       pt->id, ret);
	ret = mshv_hvcall_delete_partition(pt->id);
	if (ret)
		pr_err("partition %#llx: delete failed: %d\n", pt->id, ret);

	mmdrop(pt->mm);
	call_rcu(&pt->rcu, mshv_partition_free_rcu);
}

static void mshv_partition_put(struct mshv_partition *pt)
{
	kref_put(&pt->ref, mshv_partition_release);
}

static int mshv_partition_ioctl_initialize(struct mshv_partition *pt)
{
	int ret;

	if (pt->initialized)
		return 0;
	ret = mshv_hvcall_initialize_partition(pt->id);
	if (ret)
		return ret;
	pt->initialized = true;
	return 0;
}

static long mshv_partition_ioctl(struct file *filp, unsigned int ioctl,
				 unsigned long arg)
{
	struct mshv_partition *pt = filp->private_data;
	long ret;

	/* Guest memory and events belong to the creator's address space. */
	if (pt->mm != current->mm)
		return -EIO;

	if (mutex_lock_killable(&pt->lock))
		return -EINTR;

	switch (ioctl) {
	case MSHV_INITIALIZE_PARTITION:
		ret = mshv_partition_ioctl_initialize(pt);
		break;
	default:
		ret = -ENOTTY;
	}

	mutex_unlock(&pt->lock);
	return ret;
}

static int mshv_partition_file_release(struct inode *inode, struct file *filp)
{
	mshv_partition_put(filp->private_data);
	return 0;
}

static const struct file_operations mshv_partition_fops = {
	.owner = THIS_MODULE,
	.release = mshv_partition_file_release,
	.unlocked_ioctl = mshv_partition_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* Map the VMM's MSHV_PT_BIT_* flags to hypervisor creation flags. */
static u64 mshv_pt_creation_flags(u64 pt_flags)
{
	static const u64 map[MSHV_PT_BIT_COUNT] = {
		[MSHV_PT_BIT_LAPIC] = HV_PARTITION_CREATION_FLAG_LAPIC_ENABLED,
		[MSHV_PT_BIT_X2APIC] = HV_PARTITION_CREATION_FLAG_X2APIC_CAPABLE,
		[MSHV_PT_BIT_GPA_SUPER_PAGES] =
			HV_PARTITION_CREATION_FLAG_GPA_SUPER_PAGES_ENABLED,
		[MSHV_PT_BIT_NESTED_VIRTUALIZATION] =
			HV_PARTITION_CREATION_FLAG_NESTED_VIRTUALIZATION_CAPABLE,
		[MSHV_PT_BIT_SMT_ENABLED_GUEST] =
			HV_PARTITION_CREATION_FLAG_SMT_ENABLED_GUEST,
	};
	u64 flags = MSHV_PT_ALWAYS_FLAGS;
	unsigned int bit;

	for (bit = 0; bit < MSHV_PT_BIT_COUNT; bit++)
		if (pt_flags & BIT_ULL(bit))
			flags |= map[bit];
	return flags;
}

/*
 * Read and validate the creation argument.  The 16-byte v1 header is copied
 * first; only when it announces the v2 layout are the full 64 bytes copied,
 * and the flags/isolation already validated from the first copy are kept
 * (re-reading them from the second copy would be a double fetch).
 */
static int mshv_copy_create_args(void __user *uarg,
				 struct mshv_create_partition_v2 *args)
{
	struct mshv_create_partition v1;
	unsigned int i;

	if (copy_from_user(&v1, uarg, sizeof(v1)))
		return -EFAULT;
	if (v1.pt_flags & ~MSHV_PT_VALID_FLAGS ||
	    v1.pt_isolation >= MSHV_PT_ISOLATION_COUNT)
		return -EINVAL;
	/* SEV-SNP partitions need the isolated-import ABI: not supported. */
	if (v1.pt_isolation != MSHV_PT_ISOLATION_NONE)
		return -EOPNOTSUPP;

	memset(args, 0, sizeof(*args));
	if (v1.pt_flags & BIT_ULL(MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES)) {
		if (copy_from_user(args, uarg, sizeof(*args)))
			return -EFAULT;
		if (args->pt_num_cpu_fbanks != MSHV_NUM_CPU_FEATURES_BANKS)
			return -EINVAL;
		for (i = 0; i < ARRAY_SIZE(args->pt_rsvd); i++)
			if (args->pt_rsvd[i])
				return -EINVAL;
		for (i = 0; i < ARRAY_SIZE(args->pt_rsvd1); i++)
			if (args->pt_rsvd1[i])
				return -EINVAL;
	}
	args->pt_flags = v1.pt_flags;
	args->pt_isolation = v1.pt_isolation;
	return 0;
}

static long mshv_dev_ioctl_create_partition(void __user *uarg)
{
	struct mshv_create_partition_v2 args;
	struct mshv_partition *pt;
	struct file *file;
	int fd, ret;

	ret = mshv_copy_create_args(uarg, &args);
	if (ret)
		return ret;

	pt = kzalloc(sizeof(*pt), GFP_KERNEL_ACCOUNT);
	if (!pt)
		return -ENOMEM;
	kref_init(&pt->ref);
	mutex_init(&pt->lock);
	pt->mm = current->mm;
	mmgrab(pt->mm);

	ret = mshv_hvcall_create_partition(mshv_pt_creation_flags(args.pt_flags),
					   HV_ISOLATION_TYPE_NONE,
					   args.pt_cpu_fbanks,
					   args.pt_disabled_xsave, &pt->id);
	if (ret)
		goto err_free;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_delete;
	}
	file = anon_inode_getfile("mshv_partition", &mshv_partition_fops, pt,
				  O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}

	/* Visible to the interrupt handler from here on. */
	spin_lock(&mshv_root.lock);
	hash_add_rcu(mshv_root.partitions, &pt->hnode, pt->id);
	spin_unlock(&mshv_root.lock);

	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_delete:
	/* CREATE_PARTITION draws on the root's pool: nothing to withdraw. */
	mshv_hvcall_delete_partition(pt->id);
err_free:
	mmdrop(pt->mm);
	kfree(pt);
	return ret;
}

static long mshv_dev_ioctl(struct file *filp, unsigned int ioctl,
			   unsigned long arg)
{
	switch (ioctl) {
	case MSHV_CREATE_PARTITION:
		return mshv_dev_ioctl_create_partition((void __user *)arg);
	}
	return -ENOTTY;
}

static const struct file_operations mshv_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mshv_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice mshv_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mshv",
	.fops = &mshv_dev_fops,
	.mode = 0600,
};

/* ------------------------------------------------------------- module ---- */

static int __init mshv_root_init(void)
{
	int ret;

	/* Only the root partition may create partitions; never in kdump. */
	if (!hv_root_partition || is_kdump_kernel())
		return -ENODEV;

	ret = mshv_hvcall_get_scheduler_type(&mshv_root.scheduler_type);
	if (ret)
		return ret;
	switch (mshv_root.scheduler_type) {
	case HV_SCHEDULER_TYPE_LP:
	case HV_SCHEDULER_TYPE_LP_SMT:
	case HV_SCHEDULER_TYPE_CORE_SMT:
	case HV_SCHEDULER_TYPE_ROOT:
		break;
	default:
		pr_err("unsupported scheduler type %u\n", mshv_root.scheduler_type);
		return -EOPNOTSUPP;
	}

	spin_lock_init(&mshv_root.lock);
	hash_init(mshv_root.partitions);

	/* Last: the device may be opened as soon as it is registered. */
	ret = misc_register(&mshv_dev);
	if (ret)
		return ret;
	pr_info("scheduler type %u\n", mshv_root.scheduler_type);
	return 0;
}

static void __exit mshv_root_exit(void)
{
	/* First: no new opens while the rest goes away. */
	misc_deregister(&mshv_dev);
	/* Partitions hold module references through their files. */
	rcu_barrier();
}

module_init(mshv_root_init);
module_exit(mshv_root_exit);

MODULE_DESCRIPTION("Microsoft Hyper-V root partition VMM interface (/dev/mshv)");
MODULE_LICENSE("GPL");
