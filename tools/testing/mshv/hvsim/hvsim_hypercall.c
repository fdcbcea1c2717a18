// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: hypercall entry points, control-word decoding, parameter checks,
 * per-code counters and fault injection.
 *
 * The checks follow the TLFS rules a root partition is held to:
 *  - reserved control-word bits set, a rep count on a simple call or none
 *    on a rep call, rep start >= rep count, a variable header on a call
 *    that takes none, the fast convention on a memory-only call (and the
 *    reverse): HV_STATUS_INVALID_HYPERCALL_INPUT;
 *  - an unknown code: HV_STATUS_INVALID_HYPERCALL_CODE;
 *  - parameter blocks not 8-byte aligned, crossing a 4 KiB page, or not in
 *    the root's memory: HV_STATUS_INVALID_ALIGNMENT.
 * On top of that hvsim catches driver mistakes the hypervisor cannot see
 * but which break a real system: using this CPU's hypercall page with
 * interrupts enabled, or passing a stack buffer as a "GPA".
 */
#include <linux/module.h>
#include <linux/bitfield.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/sched/task_stack.h>
#include <linux/irqflags.h>

#include "hvsim.h"

#define HV_CTRL_CODE		GENMASK_ULL(15, 0)
#define HV_CTRL_FAST		BIT_ULL(16)
#define HV_CTRL_VARHEAD		GENMASK_ULL(26, 17)
#define HV_CTRL_REP_COUNT	GENMASK_ULL(43, 32)
#define HV_CTRL_REP_START	GENMASK_ULL(59, 48)
/* Bits 27-31 (31 is "nested", meaningless to a root at level 0), 44-47, 60-63. */
#define HV_CTRL_RESERVED	(GENMASK_ULL(31, 27) | GENMASK_ULL(47, 44) | \
				 GENMASK_ULL(63, 60))

/* Fast calls pass at most two registers of input. */
#define HVSIM_FAST_INPUT_MAX	16

static const struct hvsim_hcall *hcall_table[HVSIM_MAX_CODE];

struct hvsim_counter {
	u64 calls;
	u64 reps;
	u64 failures;
};

static DEFINE_SPINLOCK(counter_lock);
static struct hvsim_counter counters[HVSIM_MAX_CODE];

struct hvsim_fault {
	struct list_head node;
	u16 code;
	u16 status;
	unsigned int nth;	/* fire at the nth matching call from now */
	unsigned int reps;	/* reps to complete before failing */
	int times;		/* how often to fire, -1 = forever */
};

static LIST_HEAD(faults);

const struct hvsim_hcall *hvsim_find_hcall(u16 code)
{
	return code < HVSIM_MAX_CODE ? hcall_table[code] : NULL;
}

static void hvsim_register_hcalls(const struct hvsim_hcall *tbl, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (WARN_ON(tbl[i].code >= HVSIM_MAX_CODE || hcall_table[tbl[i].code]))
			continue;
		hcall_table[tbl[i].code] = &tbl[i];
	}
}

int hvsim_hypercall_init(void)
{
	hvsim_register_hcalls(hvsim_partition_hcalls, hvsim_partition_nr_hcalls);
	hvsim_register_hcalls(hvsim_property_hcalls, hvsim_property_nr_hcalls);
	hvsim_register_hcalls(hvsim_intercept_hcalls, hvsim_intercept_nr_hcalls);
	hvsim_register_hcalls(hvsim_memory_hcalls, hvsim_memory_nr_hcalls);
	hvsim_register_hcalls(hvsim_vp_hcalls, hvsim_vp_nr_hcalls);
	hvsim_register_hcalls(hvsim_vp_state_hcalls, hvsim_vp_state_nr_hcalls);
	hvsim_register_hcalls(hvsim_cpuid_hcalls, hvsim_cpuid_nr_hcalls);
	hvsim_register_hcalls(hvsim_translate_hcalls, hvsim_translate_nr_hcalls);
	hvsim_register_hcalls(hvsim_stats_hcalls, hvsim_stats_nr_hcalls);
	hvsim_register_hcalls(hvsim_run_hcalls, hvsim_run_nr_hcalls);
	hvsim_register_hcalls(hvsim_lapic_hcalls, hvsim_lapic_nr_hcalls);
	hvsim_register_hcalls(hvsim_port_hcalls, hvsim_port_nr_hcalls);
	return 0;
}

/* ------------------------------------------------------------ faults ---- */

int hvsim_inject_fault(u16 code, u16 status, unsigned int nth,
		       unsigned int reps, int times)
{
	struct hvsim_fault *f;
	unsigned long flags;

	if (!nth || !times)
		return -EINVAL;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->code = code;
	f->status = status;
	f->nth = nth;
	f->reps = reps;
	f->times = times;
	spin_lock_irqsave(&counter_lock, flags);
	list_add_tail(&f->node, &faults);
	spin_unlock_irqrestore(&counter_lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(hvsim_inject_fault);

void hvsim_clear_faults(void)
{
	struct hvsim_fault *f, *tmp;
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&counter_lock, flags);
	list_splice_init(&faults, &gone);
	spin_unlock_irqrestore(&counter_lock, flags);
	list_for_each_entry_safe(f, tmp, &gone, node)
		kfree(f);
}
EXPORT_SYMBOL_GPL(hvsim_clear_faults);

int hvsim_faults_show(struct seq_file *m, void *unused)
{
	struct hvsim_fault *f;
	unsigned long flags;

	spin_lock_irqsave(&counter_lock, flags);
	list_for_each_entry(f, &faults, node)
		seq_printf(m, "code=%#x status=%#x nth=%u reps=%u times=%d\n",
			   f->code, f->status, f->nth, f->reps, f->times);
	spin_unlock_irqrestore(&counter_lock, flags);
	return 0;
}

/*
 * Find the fault to inject into this call, if any.  Returns true and sets
 * @status/@reps when one fires.  Called with counter_lock held.
 */
static bool hvsim_fault_fires(u16 code, u16 *status, unsigned int *reps)
{
	struct hvsim_fault *f;

	list_for_each_entry(f, &faults, node) {
		if (f->code != code)
			continue;
		if (--f->nth)
			continue;
		*status = f->status;
		*reps = f->reps;
		if (f->times > 0 && !--f->times) {
			list_del(&f->node);
			kfree(f);
		} else {
			f->nth = 1;
		}
		return true;
	}
	return false;
}

/* ---------------------------------------------------------- counters ---- */

u64 hvsim_calls(u16 code)
{
	return code < HVSIM_MAX_CODE ? READ_ONCE(counters[code].calls) : 0;
}
EXPORT_SYMBOL_GPL(hvsim_calls);

u64 hvsim_reps(u16 code)
{
	return code < HVSIM_MAX_CODE ? READ_ONCE(counters[code].reps) : 0;
}
EXPORT_SYMBOL_GPL(hvsim_reps);

void hvsim_counters_reset(void)
{
	unsigned long flags;

	spin_lock_irqsave(&counter_lock, flags);
	memset(counters, 0, sizeof(counters));
	spin_unlock_irqrestore(&counter_lock, flags);
}
EXPORT_SYMBOL_GPL(hvsim_counters_reset);

int hvsim_counters_show(struct seq_file *m, void *unused)
{
	unsigned int code;

	seq_puts(m, "# code name calls reps failures\n");
	for (code = 0; code < HVSIM_MAX_CODE; code++) {
		const struct hvsim_hcall *h = hcall_table[code];
		struct hvsim_counter c = counters[code];

		if (!c.calls && !h)
			continue;
		seq_printf(m, "%#06x %s %llu %llu %llu\n", code,
			   h ? h->name : "UNKNOWN", c.calls, c.reps, c.failures);
	}
	return 0;
}

static void hvsim_count(u16 code, u16 status, unsigned int reps)
{
	unsigned long flags;

	if (code >= HVSIM_MAX_CODE)
		code = 0;	/* unknown codes are counted at 0 */
	spin_lock_irqsave(&counter_lock, flags);
	counters[code].calls++;
	counters[code].reps += reps;
	if (status != HV_STATUS_SUCCESS)
		counters[code].failures++;
	spin_unlock_irqrestore(&counter_lock, flags);
}

/* ------------------------------------------------------------- entry ---- */

/*
 * A memory-based parameter block is a guest physical address to the
 * hypervisor: it must be 8-byte aligned, lie inside one 4 KiB page and be
 * memory of the root (on x86 the driver passes virt_to_phys() of it).
 */
static bool hvsim_gpa_ok(const void *p, size_t len)
{
	unsigned long a = (unsigned long)p;

	if (!len)
		return true;
	if (!p || !IS_ALIGNED(a, 8))
		return false;
	if ((a & (HV_HYP_PAGE_SIZE - 1)) + len > HV_HYP_PAGE_SIZE)
		return false;
	if (!virt_addr_valid(p))
		return false;
	/*
	 * The hypervisor would happily read a stack page, but on x86 with
	 * VMAP_STACK virt_to_phys() of a stack address is not the page the
	 * caller filled: treat it as the driver bug it is.
	 */
	if (WARN_ONCE(object_is_on_stack(p),
		      "hvsim: hypercall parameter block on the stack\n"))
		return false;
	return true;
}

/*
 * Hypercall pages of this CPU may only be used with interrupts disabled,
 * otherwise an interrupt handler issuing a hypercall would overwrite them.
 */
static void hvsim_check_pcpu_discipline(const void *in, const void *out)
{
	if ((hvsim_is_pcpu_page(in) || hvsim_is_pcpu_page(out)) &&
	    !irqs_disabled())
		WARN_ONCE(1, "hvsim: per-CPU hypercall page used with interrupts enabled\n");
}

static u64 hvsim_result(u16 status, u16 reps_done)
{
	return (u64)status | ((u64)reps_done << HV_HYPERCALL_REP_COMP_OFFSET);
}

static u64 hvsim_dispatch(u64 control, const void *in, void *out,
			  u64 fast_in[2])
{
	u16 code = FIELD_GET(HV_CTRL_CODE, control);
	const struct hvsim_hcall *h = hvsim_find_hcall(code);
	struct hvsim_call c = {
		.code = code,
		.fast = !!(control & HV_CTRL_FAST),
		.varhead = FIELD_GET(HV_CTRL_VARHEAD, control),
		.rep_count = FIELD_GET(HV_CTRL_REP_COUNT, control),
		.rep_start = FIELD_GET(HV_CTRL_REP_START, control),
	};
	unsigned int inject_reps = 0;
	size_t in_len, out_len;
	u16 status = HV_STATUS_SUCCESS, inject_status;
	bool inject;
	unsigned long flags;
	u16 i;

	c.reps_done = c.rep_start;
	if (!h) {
		status = HV_STATUS_INVALID_HYPERCALL_CODE;
		goto out;
	}
	if ((control & HV_CTRL_RESERVED) ||
	    (c.fast ? !h->fast : !h->slow) ||
	    (c.varhead && !h->varhead) ||
	    (h->is_rep ? (!c.rep_count || c.rep_start >= c.rep_count) :
			 (c.rep_count || c.rep_start))) {
		status = HV_STATUS_INVALID_HYPERCALL_INPUT;
		goto out;
	}

	in_len = h->in_size + c.varhead * 8 + (size_t)c.rep_count * h->rep_in_size;
	out_len = h->out_size + (size_t)c.rep_count * h->rep_out_size;
	if (c.fast) {
		/* Register input; there is no output block for fast calls here. */
		if (in_len > HVSIM_FAST_INPUT_MAX || out_len) {
			status = HV_STATUS_INVALID_HYPERCALL_INPUT;
			goto out;
		}
		c.in = fast_in;
	} else {
		hvsim_check_pcpu_discipline(in, out);
		if (!hvsim_gpa_ok(in, in_len) || !hvsim_gpa_ok(out, out_len)) {
			status = HV_STATUS_INVALID_ALIGNMENT;
			goto out;
		}
		if (in_len && out_len && in < out + out_len && out < in + in_len) {
			status = HV_STATUS_INVALID_PARAMETER;
			goto out;
		}
		c.in = in;
		c.out = out;
	}

	/* Time slice: a rep call may return early with SUCCESS. */
	c.rep_limit = c.rep_count;
	if (h->is_rep && hvsim_rep_slice &&
	    c.rep_count - c.rep_start > hvsim_rep_slice)
		c.rep_limit = c.rep_start + hvsim_rep_slice;

	spin_lock_irqsave(&counter_lock, flags);
	inject = hvsim_fault_fires(code, &inject_status, &inject_reps);
	spin_unlock_irqrestore(&counter_lock, flags);
	if (inject) {
		if (!h->is_rep) {
			status = inject_status;
			goto out;
		}
		if (c.rep_start + inject_reps < c.rep_limit)
			c.rep_limit = c.rep_start + inject_reps;
	}

	spin_lock_irqsave(&hvsim.lock, flags);
	if (h->call)
		status = h->call(&c);
	c.reps_done = c.rep_start;
	if (h->is_rep && status == HV_STATUS_SUCCESS) {
		for (i = c.rep_start; i < c.rep_limit; i++) {
			status = h->rep(&c, i);
			if (status != HV_STATUS_SUCCESS)
				break;
		}
		c.reps_done = i;
		if (inject && status == HV_STATUS_SUCCESS &&
		    c.reps_done == c.rep_start + inject_reps)
			status = inject_status;
	}
	spin_unlock_irqrestore(&hvsim.lock, flags);
out:
	hvsim_count(code, status, c.reps_done - c.rep_start);
	return hvsim_result(status, c.reps_done);
}

u64 hv_do_hypercall(u64 control, void *input, void *output)
{
	if (WARN_ON_ONCE(control & HV_CTRL_FAST))
		return hvsim_result(HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
	return hvsim_dispatch(control, input, output, NULL);
}
EXPORT_SYMBOL_GPL(hv_do_hypercall);

u64 hv_do_fast_hypercall8(u16 code, u64 input1)
{
	/*
	 * The hypervisor reads R8 for a 16-byte input whether or not the
	 * caller loaded it: model the stale register with a poison value so
	 * that a call issued with too little input fails its field checks.
	 */
	u64 in[2] = { input1, 0xbad0bad0bad0bad0ULL };

	return hvsim_dispatch((u64)code | HV_CTRL_FAST, NULL, NULL, in);
}
EXPORT_SYMBOL_GPL(hv_do_fast_hypercall8);

u64 hv_do_fast_hypercall16(u16 code, u64 input1, u64 input2)
{
	u64 in[2] = { input1, input2 };

	return hvsim_dispatch((u64)code | HV_CTRL_FAST, NULL, NULL, in);
}
EXPORT_SYMBOL_GPL(hv_do_fast_hypercall16);
