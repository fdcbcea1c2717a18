// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: module setup, the root partition's identity, per-CPU hypercall
 * pages and the debugfs control/inspection files.
 *
 * Load parameters:
 *   root=0|1            whether "this kernel" is the root partition
 *   scheduler=classic|core|root|<n>
 *                       what GET_SYSTEM_PROPERTY(SCHEDULER_TYPE) reports
 *   rep_slice=<n>       a rep hypercall processes at most n reps per call
 *                       before returning SUCCESS with partial completion
 *                       (0 = unlimited); models the hypervisor's time slice
 *   root_pool=<pages>   pages already in the root's pool at "boot"
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hvsim.h"
#include "hvsim_synic.h"

struct hvsim_state hvsim = {
	.lock = __SPIN_LOCK_UNLOCKED(hvsim.lock),
	.partitions = LIST_HEAD_INIT(hvsim.partitions),
};

static bool root = true;
module_param(root, bool, 0444);
MODULE_PARM_DESC(root, "Model a root partition (the driver refuses to load otherwise)");

unsigned int hvsim_scheduler = HV_SCHEDULER_TYPE_CORE_SMT;

static int scheduler_set(const char *val, const struct kernel_param *kp)
{
	static const char * const names[] = {
		[HV_SCHEDULER_TYPE_LP] = "classic",
		[HV_SCHEDULER_TYPE_CORE_SMT] = "core",
		[HV_SCHEDULER_TYPE_ROOT] = "root",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i] && sysfs_streq(val, names[i])) {
			hvsim_scheduler = i;
			return 0;
		}
	}
	/* Any number, so tests can make the driver see an unknown type. */
	return kstrtouint(val, 0, &hvsim_scheduler);
}

static const struct kernel_param_ops scheduler_ops = {
	.set = scheduler_set,
	.get = param_get_uint,
};
module_param_cb(scheduler, &scheduler_ops, &hvsim_scheduler, 0444);
MODULE_PARM_DESC(scheduler, "Scheduler type reported: classic (1), core (3), root (4) or a number");

unsigned int hvsim_rep_slice = 64;
EXPORT_SYMBOL_GPL(hvsim_rep_slice);
module_param_named(rep_slice, hvsim_rep_slice, uint, 0644);
MODULE_PARM_DESC(rep_slice, "Reps processed per rep hypercall before a SUCCESS partial return (0 = all)");

static unsigned int root_pool;
module_param(root_pool, uint, 0444);
MODULE_PARM_DESC(root_pool, "Pages in the root's hypervisor pool at load (model bookkeeping only)");

/* --------------------------------------------- the seam's global data ---- */

bool hv_root_partition;
EXPORT_SYMBOL_GPL(hv_root_partition);

u64 hv_current_partition_id = HV_PARTITION_ID_SELF;
EXPORT_SYMBOL_GPL(hv_current_partition_id);

/* The core's event-ring consumer positions (core patch 0002). */
DEFINE_PER_CPU(u8 [HV_SYNIC_SINT_COUNT], hv_synic_eventring_tail);
EXPORT_PER_CPU_SYMBOL_GPL(hv_synic_eventring_tail);

void * __percpu *hyperv_pcpu_input_arg;
EXPORT_SYMBOL_GPL(hyperv_pcpu_input_arg);

void * __percpu *hyperv_pcpu_output_arg;
EXPORT_SYMBOL_GPL(hyperv_pcpu_output_arg);

/* The root's own partition id, as HVCALL_GET_PARTITION_ID would report. */
#define HVSIM_ROOT_PARTITION_ID	0x1ULL

bool hvsim_is_pcpu_page(const void *p)
{
	unsigned long page = (unsigned long)p & ~(HV_HYP_PAGE_SIZE - 1UL);

	if (!p || !hyperv_pcpu_input_arg)
		return false;
	return page == (unsigned long)*this_cpu_ptr(hyperv_pcpu_input_arg) ||
	       page == (unsigned long)*this_cpu_ptr(hyperv_pcpu_output_arg);
}

static void hvsim_free_pcpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (hyperv_pcpu_input_arg)
			free_page((unsigned long)*per_cpu_ptr(hyperv_pcpu_input_arg, cpu));
		if (hyperv_pcpu_output_arg)
			free_page((unsigned long)*per_cpu_ptr(hyperv_pcpu_output_arg, cpu));
	}
	free_percpu(hyperv_pcpu_input_arg);
	free_percpu(hyperv_pcpu_output_arg);
	hyperv_pcpu_input_arg = NULL;
	hyperv_pcpu_output_arg = NULL;
}

/* As the Hyper-V core does at boot: one input and one output page per CPU. */
static int hvsim_alloc_pcpu_pages(void)
{
	int cpu;

	hyperv_pcpu_input_arg = alloc_percpu(void *);
	hyperv_pcpu_output_arg = alloc_percpu(void *);
	if (!hyperv_pcpu_input_arg || !hyperv_pcpu_output_arg)
		goto err;
	for_each_possible_cpu(cpu) {
		void *in = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);
		void *out = (void *)__get_free_page(GFP_KERNEL | __GFP_ZERO);

		*per_cpu_ptr(hyperv_pcpu_input_arg, cpu) = in;
		*per_cpu_ptr(hyperv_pcpu_output_arg, cpu) = out;
		if (!in || !out)
			goto err;
	}
	return 0;
err:
	hvsim_free_pcpu_pages();
	return -ENOMEM;
}

/* ------------------------------------------------------------ debugfs ---- */

static struct dentry *hvsim_debugfs;

static int hvsim_partitions_show(struct seq_file *m, void *unused)
{
	struct hvsim_partition *pt;
	unsigned long flags;

	spin_lock_irqsave(&hvsim.lock, flags);
	seq_printf(m, "partitions %llu\n", hvsim.nr_partitions);
	seq_printf(m, "root_pool deposited %llu used %llu\n",
		   hvsim.root_pool.deposited, hvsim.root_pool.used);
	list_for_each_entry(pt, &hvsim.partitions, node)
		seq_printf(m, "partition %#llx state %d deposited %llu used %llu mapped4k %llu mapped2m %llu\n",
			   pt->id, pt->state, pt->pool.deposited, pt->pool.used,
			   pt->gpa.mapped4k, pt->gpa.mapped2m);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_partitions);
DEFINE_SHOW_ATTRIBUTE(hvsim_counters);

/* The fault file is read like a show attribute and written to arm faults. */
static int hvsim_faults_open(struct inode *inode, struct file *file)
{
	return single_open(file, hvsim_faults_show, inode->i_private);
}

/* Writing anything resets every hypercall counter. */
static ssize_t hvsim_reset_write(struct file *f, const char __user *buf,
				 size_t len, loff_t *ppos)
{
	hvsim_counters_reset();
	return len;
}

static const struct file_operations hvsim_reset_fops = {
	.owner = THIS_MODULE,
	.write = hvsim_reset_write,
};

/*
 * "code=0x48 status=0xb nth=1 reps=0 times=1" arms one fault; "clear"
 * removes them all.  Fields other than code and status are optional.
 */
static ssize_t hvsim_fault_write(struct file *f, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	unsigned int code = ~0u, status = ~0u, nth = 1, reps = 0;
	int times = 1, ret;
	char buf[128], *p, *tok;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	if (!strcmp(p, "clear")) {
		hvsim_clear_faults();
		return len;
	}
	while ((tok = strsep(&p, " \t")) != NULL) {
		if (!*tok)
			continue;
		if (sscanf(tok, "code=%i", &code) == 1 ||
		    sscanf(tok, "status=%i", &status) == 1 ||
		    sscanf(tok, "nth=%u", &nth) == 1 ||
		    sscanf(tok, "reps=%u", &reps) == 1 ||
		    sscanf(tok, "times=%d", &times) == 1)
			continue;
		return -EINVAL;
	}
	if (code > U16_MAX || status > U16_MAX)
		return -EINVAL;
	ret = hvsim_inject_fault(code, status, nth, reps, times);
	return ret ?: len;
}

static const struct file_operations hvsim_fault_fops = {
	.owner = THIS_MODULE,
	.open = hvsim_faults_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = hvsim_fault_write,
};

static void hvsim_debugfs_init(void)
{
	hvsim_debugfs = debugfs_create_dir("hvsim", NULL);
	debugfs_create_file("partitions", 0444, hvsim_debugfs, NULL,
			    &hvsim_partitions_fops);
	debugfs_create_file("hypercalls", 0444, hvsim_debugfs, NULL,
			    &hvsim_counters_fops);
	debugfs_create_file("reset_counters", 0200, hvsim_debugfs, NULL,
			    &hvsim_reset_fops);
	debugfs_create_file("fault", 0600, hvsim_debugfs, NULL,
			    &hvsim_fault_fops);
	debugfs_create_u32("rep_slice", 0644, hvsim_debugfs, &hvsim_rep_slice);
	hvsim_synic_debugfs_init(hvsim_debugfs);
	hvsim_memory_debugfs_init(hvsim_debugfs);
	hvsim_vp_debugfs_init(hvsim_debugfs);
}

/* ---------------------------------------------------------------- init ---- */

static int __init hvsim_init(void)
{
	int ret;

	ret = hvsim_alloc_pcpu_pages();
	if (ret)
		return ret;
	ret = hvsim_synic_init();
	if (ret)
		goto err_free_pages;
	ret = hvsim_devices_init();
	if (ret)
		goto err_synic;
	ret = hvsim_vp_init();
	if (ret)
		goto err_devices;
	ret = hvsim_run_init();
	if (ret)
		goto err_devices;
	hvsim_hypercall_init();
	hvsim.next_id = 0x1000;
	hvsim_pool_init(&hvsim.root_pool);
	hvsim.root_pool.deposited = root_pool;
	hvsim_debugfs_init();

	/* What the Hyper-V core learns from CPUID and GET_PARTITION_ID. */
	hv_current_partition_id = HVSIM_ROOT_PARTITION_ID;
	hv_root_partition = root;
	pr_info("hvsim: modelling a %s partition, scheduler type %u, rep slice %u\n",
		root ? "root" : "guest", hvsim_scheduler, hvsim_rep_slice);
	return 0;

err_devices:
	hvsim_devices_exit();
err_synic:
	hvsim_synic_exit();
err_free_pages:
	hvsim_free_pcpu_pages();
	return ret;
}

static void __exit hvsim_exit(void)
{
	debugfs_remove_recursive(hvsim_debugfs);
	hvsim_run_exit();
	hvsim_devices_exit();
	hvsim_partitions_destroy_all();
	hvsim_clear_faults();
	hvsim_synic_exit();
	hvsim_free_pcpu_pages();
}

module_init(hvsim_init);
module_exit(hvsim_exit);
MODULE_DESCRIPTION("hvsim: software model of the Hyper-V root partition interface");
MODULE_LICENSE("GPL");
