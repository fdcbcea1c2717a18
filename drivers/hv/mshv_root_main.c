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
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mshv_root.h"

struct mshv_root mshv_root;
static struct dentry *mshv_debugfs;

/*
 * An asynchronous hypercall (HV_STATUS_CALL_PENDING) completes with a SynIC
 * message.  The wait is killable and bounded, because it holds the
 * partition's ioctl mutex.
 */
#define MSHV_ASYNC_TIMEOUT	(30 * HZ)

/* Creation flags the driver always sets, whatever the VMM asks for. */
#define MSHV_PT_ALWAYS_FLAGS \
	(HV_PARTITION_CREATION_FLAG_EXO_PARTITION | \
	 HV_PARTITION_CREATION_FLAG_INTERCEPT_MESSAGE_PAGE_ENABLED)

#define MSHV_PT_VALID_FLAGS	(BIT_ULL(MSHV_PT_BIT_COUNT) - 1)

/* ------------------------------------------------------- partitions ---- */

/**
 * mshv_partition_find_rcu() - look a partition up by hypervisor id
 * @partition_id: the id, from a hypervisor message
 *
 * For the SynIC handler: the partition stays valid until
 * rcu_read_unlock(), because teardown unpublishes it and waits for a grace
 * period before freeing anything a handler could reach.
 *
 * Return: the partition, or NULL.
 */
struct mshv_partition *mshv_partition_find_rcu(u64 partition_id)
{
	struct mshv_partition *pt;

	hash_for_each_possible_rcu(mshv_root.partitions, pt, hnode, partition_id)
		if (pt->id == partition_id)
			return pt;
	return NULL;
}

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

	/*
	 * While still published: nothing signals its eventfds or injects
	 * into it after this, and scheduler signals for its VPs drain.
	 */
	mshv_partition_release_eventfds(pt);
	mshv_partition_suspend_vps(pt);
	spin_lock(&mshv_root.lock);
	hash_del_rcu(&pt->hnode);
	spin_unlock(&mshv_root.lock);
	synchronize_rcu();
	debugfs_remove_recursive(pt->debugfs);

	/* The hypervisor's VP pages go back before the VPs are deleted. */
	mshv_partition_release_vps(pt);
	ret = 0;
	if (pt->initialized) {
		ret = mshv_hvcall_finalize_partition(pt->id);
		if (ret)
			pr_err("partition %#llx: finalize failed: %d\n", pt->id, ret);
	}
	/* Finalizing removed every GPA mapping; otherwise unmap explicitly. */
	mshv_partition_release_regions(pt, ret);
	mshv_partition_free_vps(pt);
	mshv_partition_free_girqs(pt);

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

void mshv_partition_put(struct mshv_partition *pt)
{
	kref_put(&pt->ref, mshv_partition_release);
}

static int mshv_partition_ioctl_initialize(struct mshv_partition *pt)
{
	int ret;

	if (pt->initialized)
		return 0;
	ret = mshv_hvcall_initialize_partition(pt->id);
	if (ret) {
		/* Give back what the attempt deposited. */
		mshv_withdraw_all(pt->id);
		return ret;
	}
	pt->initialized = true;
	return 0;
}

/* ----------------------------------------------------- ROOT_HVCALL ---- */

/**
 * struct mshv_passthrough - a hypercall VMMs may issue with MSHV_ROOT_HVCALL
 * @code: hypercall code
 * @fds: MSHV_FD_* kinds that may issue it
 * @async: may return CALL_PENDING and complete with a SynIC message; only
 *	the partition fd can wait for that (it owns the completion)
 *
 * Only hypercalls that change no state the driver tracks (memory maps, VP
 * lifecycle and suspend registers, ports, partition lifecycle) belong here;
 * every one has the target partition id as its first input field, which
 * the driver forces.  SEV-SNP calls are absent: this driver creates no
 * isolated partitions.
 */
struct mshv_passthrough {
	u16 code;
	u8 fds;
	bool async;
};

static const struct mshv_passthrough mshv_passthrough_calls[] = {
	/* Read-only queries, also of the root itself on /dev/mshv. */
	{ HVCALL_GET_PARTITION_PROPERTY, MSHV_FD_SYSTEM | MSHV_FD_GUEST },
	{ HVCALL_GET_PARTITION_PROPERTY_EX, MSHV_FD_SYSTEM | MSHV_FD_GUEST },
	/* Listed for the VP fd too, where it fails as an async call. */
	{ HVCALL_SET_PARTITION_PROPERTY, MSHV_FD_GUEST, true },
	{ HVCALL_INSTALL_INTERCEPT, MSHV_FD_GUEST },
	{ HVCALL_GET_VP_REGISTERS, MSHV_FD_GUEST },
	{ HVCALL_SET_VP_REGISTERS, MSHV_FD_GUEST },
	{ HVCALL_TRANSLATE_VIRTUAL_ADDRESS, MSHV_FD_GUEST },
	{ HVCALL_READ_GPA, MSHV_FD_GUEST },
	{ HVCALL_WRITE_GPA, MSHV_FD_GUEST },
	{ HVCALL_CLEAR_VIRTUAL_INTERRUPT, MSHV_FD_GUEST },
	{ HVCALL_REGISTER_INTERCEPT_RESULT, MSHV_FD_GUEST },
	{ HVCALL_ASSERT_VIRTUAL_INTERRUPT, MSHV_FD_GUEST },
	{ HVCALL_SIGNAL_EVENT_DIRECT, MSHV_FD_GUEST },
	{ HVCALL_POST_MESSAGE_DIRECT, MSHV_FD_GUEST },
	{ HVCALL_GET_GPA_PAGES_ACCESS_STATES, MSHV_FD_GUEST },
	{ HVCALL_GET_VP_CPUID_VALUES, MSHV_FD_GUEST },
};

static const struct mshv_passthrough *mshv_passthrough_find(u16 code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mshv_passthrough_calls); i++)
		if (mshv_passthrough_calls[i].code == code)
			return &mshv_passthrough_calls[i];
	return NULL;
}

/**
 * mshv_partition_async_complete() - an asynchronous hypercall completed
 * @partition_id: the partition named in the completion message
 * @status: the call's final status
 *
 * Called from the SynIC message handler.  A completion nobody waits for
 * (late, after a timeout, or bogus) is dropped.
 */
void mshv_partition_async_complete(u64 partition_id, u16 status)
{
	struct mshv_partition *pt;
	bool matched = false;

	rcu_read_lock();
	pt = mshv_partition_find_rcu(partition_id);
	if (pt) {
		spin_lock(&pt->async_lock);
		if (pt->async_pending) {
			pt->async_pending = false;
			pt->async_status = status;
			complete(&pt->async_done);
			matched = true;
		}
		spin_unlock(&pt->async_lock);
	}
	rcu_read_unlock();
	if (!matched)
		pr_warn_ratelimited("unexpected async completion for partition %#llx\n",
				    partition_id);
}

/* Wait for the completion of @pt's pending asynchronous call. */
static u16 mshv_partition_async_wait(struct mshv_partition *pt)
{
	long left = wait_for_completion_killable_timeout(&pt->async_done,
							 MSHV_ASYNC_TIMEOUT);
	u16 status;

	spin_lock_irq(&pt->async_lock);
	if (left > 0) {
		status = pt->async_status;
	} else {
		/* Killed or timed out: a late completion will be dropped. */
		pt->async_pending = false;
		status = HV_STATUS_TIME_OUT;
	}
	spin_unlock_irq(&pt->async_lock);
	return status;
}

/*
 * MSHV_ROOT_HVCALL on any fd: @fd is the MSHV_FD_* kind, @pt the partition
 * (NULL on /dev/mshv, which targets the root itself).
 */
long mshv_ioctl_root_hvcall(unsigned int fd, struct mshv_partition *pt,
			    void __user *uarg)
{
	u64 target = pt ? pt->id : HV_PARTITION_ID_SELF, result;
	const struct mshv_passthrough *call;
	struct mshv_root_hvcall args;
	void *in, *out = NULL;
	u16 status;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.status || memchr_inv(args.rsvd, 0, sizeof(args.rsvd)) ||
	    !args.in_ptr || args.in_sz < sizeof(u64) ||
	    args.in_sz > HV_HYP_PAGE_SIZE ||
	    (args.out_ptr && (!args.out_sz || args.out_sz > HV_HYP_PAGE_SIZE)) ||
	    args.reps > HV_HYPERCALL_REP_MAX)
		return -EINVAL;
	call = mshv_passthrough_find(args.code);
	if (!call || !(call->fds & fd) ||
	    (call->async && fd != MSHV_FD_PARTITION))
		return -EINVAL;

	in = kzalloc(HV_HYP_PAGE_SIZE, GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	if (copy_from_user(in, u64_to_user_ptr(args.in_ptr), args.in_sz)) {
		ret = -EFAULT;
		goto out_free;
	}
	/* Every allowed call names its target partition first: force it. */
	*(u64 *)in = target;
	if (args.out_ptr) {
		out = kzalloc(args.out_sz, GFP_KERNEL);
		if (!out) {
			ret = -ENOMEM;
			goto out_free;
		}
	}

	/*
	 * The partition mutex serializes async calls (and every exit below
	 * clears the flag), so at most one is outstanding per partition.
	 */
	if (call->async) {
		spin_lock_irq(&pt->async_lock);
		pt->async_pending = true;
		reinit_completion(&pt->async_done);
		spin_unlock_irq(&pt->async_lock);
	}

	result = U64_MAX;
	ret = mshv_hvcall_passthrough(args.code, args.reps, in, args.in_sz, out,
				      args.out_ptr ? args.out_sz : 0, target,
				      &result);
	status = hv_result(result);
	if (status == HV_STATUS_CALL_PENDING && !ret) {
		if (call->async)
			status = mshv_partition_async_wait(pt);
		else
			ret = -EBADFD;	/* the hypervisor broke the call's contract */
	} else if (call->async) {
		spin_lock_irq(&pt->async_lock);
		pt->async_pending = false;
		spin_unlock_irq(&pt->async_lock);
	}
	if (result == U64_MAX)
		goto out_free;		/* never issued: nothing to report */

	/* Status and completed reps go back also on failure. */
	args.status = status;
	args.reps = args.reps && status != HV_STATUS_CALL_PENDING ?
		    hv_repcomp(result) : 0;
	if (copy_to_user(uarg, &args, sizeof(args))) {
		ret = -EFAULT;
		goto out_free;
	}
	if (!ret && status == HV_STATUS_SUCCESS && out &&
	    copy_to_user(u64_to_user_ptr(args.out_ptr), out, args.out_sz))
		ret = -EFAULT;
	if (!ret)
		ret = mshv_hv_status_to_errno(status);
out_free:
	kfree(out);
	kfree(in);
	return ret;
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
	case MSHV_CREATE_VP:
		ret = mshv_partition_ioctl_create_vp(pt, (void __user *)arg);
		break;
	case MSHV_SET_GUEST_MEMORY:
		ret = mshv_partition_ioctl_set_guest_memory(pt, (void __user *)arg);
		break;
	case MSHV_GET_GPAP_ACCESS_BITMAP:
		ret = mshv_partition_ioctl_get_gpap_access_bitmap(pt,
								  (void __user *)arg);
		break;
	case MSHV_ROOT_HVCALL:
		ret = mshv_ioctl_root_hvcall(MSHV_FD_PARTITION, pt,
					     (void __user *)arg);
		break;
	case MSHV_SET_MSI_ROUTING:
		ret = mshv_partition_ioctl_set_msi_routing(pt, (void __user *)arg);
		break;
	case MSHV_IRQFD:
		ret = mshv_partition_ioctl_irqfd(pt, (void __user *)arg);
		break;
	case MSHV_IOEVENTFD:
		ret = mshv_partition_ioctl_ioeventfd(pt, (void __user *)arg);
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

DEFINE_SHOW_ATTRIBUTE(mshv_regions);

/* debugfs: mshv_root/partition-<id>/regions (bookkeeping, for tests). */
static void mshv_partition_debugfs_init(struct mshv_partition *pt)
{
	char name[32];

	snprintf(name, sizeof(name), "partition-%llx", pt->id);
	pt->debugfs = debugfs_create_dir(name, mshv_debugfs);
	debugfs_create_file("regions", 0400, pt->debugfs, pt, &mshv_regions_fops);
}

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
	pt->gfn_tree = RB_ROOT_CACHED;
	pt->uva_tree = RB_ROOT_CACHED;
	spin_lock_init(&pt->async_lock);
	spin_lock_init(&pt->irqfds_lock);
	INIT_LIST_HEAD(&pt->irqfds);
	mutex_init(&pt->resampler_lock);
	INIT_LIST_HEAD(&pt->resamplers);
	INIT_LIST_HEAD(&pt->ioeventfds);
	init_completion(&pt->async_done);
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

	mshv_partition_debugfs_init(pt);

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
	case MSHV_ROOT_HVCALL:
		return mshv_ioctl_root_hvcall(MSHV_FD_SYSTEM, NULL, (void __user *)arg);
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
	if (mshv_root.scheduler_type == HV_SCHEDULER_TYPE_ROOT) {
		ret = mshv_hvcall_dispatch_init();
		if (ret)
			return ret;
	}
	ret = mshv_eventfd_init();
	if (ret)
		goto err_free_dispatch;
	ret = mshv_synic_init();
	if (ret)
		goto err_eventfd;
	mshv_debugfs = debugfs_create_dir("mshv_root", NULL);

	/* Last: the device may be opened as soon as it is registered. */
	ret = misc_register(&mshv_dev);
	if (ret)
		goto err_synic;
	pr_info("scheduler type %u\n", mshv_root.scheduler_type);
	return 0;

err_synic:
	debugfs_remove_recursive(mshv_debugfs);
	mshv_synic_exit();
err_eventfd:
	mshv_eventfd_exit();
err_free_dispatch:
	mshv_hvcall_dispatch_exit();
	return ret;
}

static void __exit mshv_root_exit(void)
{
	/* First: no new opens while the rest goes away. */
	misc_deregister(&mshv_dev);
	/* Partitions hold module references through their files. */
	rcu_barrier();
	debugfs_remove_recursive(mshv_debugfs);
	mshv_synic_exit();
	mshv_eventfd_exit();
	mshv_hvcall_dispatch_exit();
}

module_init(mshv_root_init);
module_exit(mshv_root_exit);

MODULE_DESCRIPTION("Microsoft Hyper-V root partition VMM interface (/dev/mshv)");
MODULE_LICENSE("GPL");
