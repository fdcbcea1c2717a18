// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: running virtual processors -- the two scheduler models, the
 * execution engine's environment and the intercept messages.
 *
 * A VP is runnable when none of its suspend registers (EXPLICIT, INTERCEPT,
 * DISPATCH) is set and it is not halted waiting for an interrupt (HLT with
 * RFLAGS.IF = 1).  Guest code runs in slices of at most HVSIM_SLICE
 * instructions on the execution engine (x86/), each slice under hvsim.lock,
 * so that every hypercall sees a VP between two instructions: setting
 * EXPLICIT_SUSPEND stops a running VP at the next slice boundary, and
 * INTERCEPT_SUSPEND is then set only if the VP really produced an
 * intercept.  Before each slice the register page's dirty classes are
 * loaded into the VP; after an intercept the page is rewritten.
 *
 * Hypervisor scheduler (SCHEDULER_TYPE 1-3): VPs run on hvsim's own kernel
 * thread, round robin over a run queue.  A hypercall that makes a VP
 * runnable queues it.  An intercept writes the full message into the VP's
 * intercept page, sets INTERCEPT_SUSPEND and posts HVMSG_OPAQUE_INTERCEPT
 * (sender = partition id, payload = VP index) to SINT0 of a root CPU,
 * whose interrupt the root sees asynchronously, as on Hyper-V.
 *
 * Root scheduler (SCHEDULER_TYPE 4): nothing runs on its own;
 * HVCALL_DISPATCH_VP runs the VP synchronously in the caller for at most
 * HVSIM_DISPATCH_MAX instructions (the model's time slice: the real
 * hypervisor also returns to the root on its own timer) and reports
 * READY + INTERCEPT, BLOCKED (halted; VpRootDispatchThreadBlocked is set
 * in the VP's stats page), BLOCKED + SUSPEND or READY (slice over).  No
 * SINT0 notification is posted for an intercept: the dispatching thread
 * has it.
 *
 * Interrupts (hvsim_lapic.c): before every stretch of guest code the VP's
 * local APIC delivers its highest-priority pending event (NMI, ExtINT, the
 * highest IRR vector above the PPR) if the VP can take it; otherwise the
 * engine's irq_window_exit stops the VP as soon as it can, and the cancel
 * poll catches a TPR lowered with MOV CR8.  A halted VP with RFLAGS.IF = 1
 * is blocked only while nothing is pending: an accepted interrupt requeues
 * it (hypervisor scheduler) or, if the last DISPATCH_VP reported it
 * BLOCKED, clears VpRootDispatchThreadBlocked and posts
 * HVMSG_SCHEDULER_VP_SIGNAL_PAIR to SINT0 (root scheduler).  The xAPIC
 * page and the x2APIC MSRs are the APIC's, not memory or MSR intercepts.
 *
 * What stops a VP (hvsim.rst, "Execution"): port I/O (always), unmapped
 * GPAs, accesses the GPA mapping forbids, HLT with interrupts disabled (the
 * VP can never wake: HVMSG_X64_HALT), CPUID/MSR/exception intercepts the
 * partition installed, a triple fault (HVMSG_UNRECOVERABLE_EXCEPTION, and
 * the VP stays shut down), and a dirty register-page class holding a value
 * the hypervisor refuses (HVMSG_INVALID_VP_REGISTER_VALUE).  RIP is never
 * advanced past an intercepted instruction.
 */
#include <linux/bitfield.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "hvsim.h"
#include "hvsim_synic.h"

/* Instructions per run-queue slice (hypervisor scheduler). */
#define HVSIM_SLICE		1024
/*
 * Instructions per DISPATCH_VP at most; the model retires 10 instructions
 * per 100 ns time-slice unit.
 */
#define HVSIM_DISPATCH_MAX	16384
#define HVSIM_INSNS_PER_100NS	10

#define HVSIM_DISPATCH_FLAGS	(HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND | \
				 HV_DISPATCH_VP_FLAG_ENABLE_CALLER_INTERRUPTS | \
				 HV_DISPATCH_VP_FLAG_SET_CALLER_SPEC_CTRL | \
				 HV_DISPATCH_VP_FLAG_SKIP_FLUSH_MASK | \
				 HV_DISPATCH_VP_FLAG_SCAN_INTERRUPT_INJECTION)

/* The run queue of the hypervisor scheduler, under hvsim.lock. */
static LIST_HEAD(hvsim_runq);
static struct task_struct *hvsim_runner;

enum hvsim_outcome {
	HVSIM_RAN,		/* slice over, still runnable */
	HVSIM_STOPPED,		/* a message is in the intercept page */
	HVSIM_BLOCKED,		/* halted, waiting for an interrupt */
	HVSIM_SUSPENDED,	/* a suspend register is set */
};

static bool hvsim_vp_suspended(struct hvsim_vp *vp)
{
	return *hvsim_vp_misc_reg(vp, HV_REGISTER_EXPLICIT_SUSPEND) ||
	       *hvsim_vp_misc_reg(vp, HV_REGISTER_INTERCEPT_SUSPEND) ||
	       *hvsim_vp_misc_reg(vp, HV_REGISTER_DISPATCH_SUSPEND);
}

/* Halted with interrupts enabled and nothing to take: waiting for one. */
static bool hvsim_vp_blocked(struct hvsim_vp *vp)
{
	return vp->cpu.halted && (vp->cpu.rflags & X86_FLAGS_IF) &&
	       !hvsim_lapic_pending(vp);
}

/* ------------------------------------------------------ environment ---- */

static int hvsim_env_gpa(void *ctx, u64 gpa, void *buf, unsigned int len,
			 enum x86_access type)
{
	struct hvsim_vp *vp = ctx;
	u64 pfn;
	u32 flags;
	int ret;

	/* The xAPIC page decodes before guest memory. */
	if (type != X86_ACCESS_EXECUTE &&
	    hvsim_lapic_mmio(vp, gpa, buf, len, type == X86_ACCESS_WRITE))
		return X86_GPA_OK;
	if (type == X86_ACCESS_EXECUTE) {
		/* The engine never crosses a page: one translation covers it. */
		ret = hvsim_gpa_translate(vp->pt, gpa >> HV_HYP_PAGE_SHIFT, &pfn, &flags);
		if (ret == -ENOENT)
			return X86_GPA_UNMAPPED;
		if (!ret && !(flags & HV_MAP_GPA_KERNEL_EXECUTABLE))
			return X86_GPA_DENIED;
	}
	ret = hvsim_gpa_rw(vp->pt, gpa, buf, len, type == X86_ACCESS_WRITE);
	switch (ret) {
	case 0:
		return X86_GPA_OK;
	case -EACCES:
		return X86_GPA_DENIED;
	default:
		/* Unmapped, or device memory the model cannot touch. */
		return X86_GPA_UNMAPPED;
	}
}

/* A write to an unmapped GPA may ring a doorbell instead of exiting. */
static bool hvsim_env_write_sink(void *ctx, u64 gpa, const void *data,
				 unsigned int len, bool commit)
{
	return hvsim_port_doorbell(ctx, gpa, data, len, commit);
}

static bool hvsim_env_cpuid(void *ctx, u32 leaf, u32 subleaf, u32 res[4])
{
	struct hvsim_vp *vp = ctx;

	/* hvsim's CPUID model (with the root's overrides) is authoritative. */
	hvsim_vp_cpuid(vp, leaf, subleaf, true, res);
	return hvsim_intercept_access(vp->pt, HV_INTERCEPT_TYPE_X64_CPUID, leaf);
}

static int hvsim_env_msr(void *ctx, u32 index, bool write, u64 *value)
{
	struct hvsim_vp *vp = ctx;
	u32 access = hvsim_intercept_access(vp->pt, HV_INTERCEPT_TYPE_X64_MSR, index);

	if (access & (write ? HV_INTERCEPT_ACCESS_MASK_WRITE : HV_INTERCEPT_ACCESS_MASK_READ))
		return X86_MSR_EXIT;
	/* The x2APIC registers; anything else is the engine's. */
	return hvsim_lapic_msr(vp, index, write, value);
}

/*
 * Polled by the engine every X86_CANCEL_INTERVAL instructions: stop when
 * an interrupt became deliverable behind the model's back (MOV CR8).
 */
static bool hvsim_env_cancel(void *ctx)
{
	return hvsim_lapic_deliverable(ctx);
}

static u32 hvsim_exception_bitmap(struct hvsim_vp *vp)
{
	u32 bitmap = 0, v;

	if (!vp->pt->nr_intercepts)
		return 0;
	for (v = 0; v < 32; v++)
		if (hvsim_intercept_access(vp->pt, HV_INTERCEPT_TYPE_EXCEPTION, v))
			bitmap |= BIT(v);
	return bitmap;
}

/* --------------------------------------------------------- messages ---- */

static void *msg_begin(struct hvsim_vp *vp, u32 type, size_t payload_size)
{
	struct hv_message *msg = vp->msg_page;

	memset(msg, 0, sizeof(*msg));
	msg->header.message_type = type;
	msg->header.payload_size = payload_size;
	msg->header.sender = vp->pt->id;
	return msg->u.payload;
}

static void seg_out(struct hv_x64_segment_register *d, const struct x86_segment *s)
{
	d->base = s->base;
	d->limit = s->limit;
	d->selector = s->selector;
	d->attributes = s->attributes;
}

static void msg_header(struct hvsim_vp *vp, struct hv_x64_intercept_message_header *h,
		       const struct x86_exit *e, u8 access)
{
	h->vp_index = vp->index;
	h->instruction_length_cr8 =
		FIELD_PREP(HV_X64_INTERCEPT_INSTRUCTION_LENGTH_MASK, e->insn_len) |
		FIELD_PREP(HV_X64_INTERCEPT_CR8_MASK, vp->cpu.cr8 & 0xf);
	h->intercept_access_type = access;
	h->execution_state = x86_execution_state(&vp->cpu);
	seg_out(&h->cs_segment, &vp->cpu.seg[X86_CS]);
	h->rip = e->rip;
	h->rflags = vp->cpu.rflags;
}

static void msg_io(struct hvsim_vp *vp, const struct x86_exit *e)
{
	struct hv_x64_io_port_intercept_message *m;

	m = msg_begin(vp, HVMSG_X64_IOPORT_INTERCEPT, sizeof(*m));
	msg_header(vp, &m->header, e, e->io.in ? HV_INTERCEPT_ACCESS_READ :
						 HV_INTERCEPT_ACCESS_WRITE);
	m->port_number = e->io.port;
	m->access_info = FIELD_PREP(HV_X64_IO_PORT_ACCESS_SIZE_MASK, e->io.size) |
			 (e->io.string ? HV_X64_IO_PORT_ACCESS_STRING_OP : 0) |
			 (e->io.rep ? HV_X64_IO_PORT_ACCESS_REP_PREFIX : 0);
	m->instruction_byte_count = e->insn_count;
	m->rax = e->io.rax;
	memcpy(m->instruction_bytes, e->insn_bytes, sizeof(m->instruction_bytes));
	seg_out(&m->ds_segment, &vp->cpu.seg[e->io.string && !e->io.in ? e->io.seg : X86_DS]);
	seg_out(&m->es_segment, &vp->cpu.seg[X86_ES]);
	m->rcx = vp->cpu.gpr[X86_RCX];
	m->rsi = vp->cpu.gpr[X86_RSI];
	m->rdi = vp->cpu.gpr[X86_RDI];
}

static void msg_memory(struct hvsim_vp *vp, const struct x86_exit *e)
{
	struct hv_x64_memory_intercept_message *m;

	m = msg_begin(vp, e->mem.denied ? HVMSG_GPA_INTERCEPT : HVMSG_UNMAPPED_GPA,
		      sizeof(*m));
	msg_header(vp, &m->header, e, e->access);
	m->cache_type = HV_CACHE_TYPE_WRITE_BACK;
	m->instruction_byte_count = e->insn_count;
	m->memory_access_info = (e->mem.gva_valid ? HV_X64_MEMORY_ACCESS_GVA_VALID : 0) |
				(e->mem.gva_gpa_valid ? HV_X64_MEMORY_ACCESS_GVA_GPA_VALID : 0);
	m->tpr_priority = vp->cpu.cr8 & 0xf;
	m->guest_virtual_address = e->mem.gva;
	m->guest_physical_address = e->mem.gpa;
	memcpy(m->instruction_bytes, e->insn_bytes, sizeof(m->instruction_bytes));
}

static void msg_cpuid(struct hvsim_vp *vp, const struct x86_exit *e)
{
	struct hv_x64_cpuid_intercept_message *m;

	m = msg_begin(vp, HVMSG_X64_CPUID_INTERCEPT, sizeof(*m));
	msg_header(vp, &m->header, e, HV_INTERCEPT_ACCESS_EXECUTE);
	m->rax = vp->cpu.gpr[X86_RAX];
	m->rcx = vp->cpu.gpr[X86_RCX];
	m->rdx = vp->cpu.gpr[X86_RDX];
	m->rbx = vp->cpu.gpr[X86_RBX];
	m->default_result_rax = e->cpuid.res[0];
	m->default_result_rbx = e->cpuid.res[1];
	m->default_result_rcx = e->cpuid.res[2];
	m->default_result_rdx = e->cpuid.res[3];
}

static void msg_msr(struct hvsim_vp *vp, const struct x86_exit *e)
{
	struct hv_x64_msr_intercept_message *m;

	m = msg_begin(vp, HVMSG_X64_MSR_INTERCEPT, sizeof(*m));
	msg_header(vp, &m->header, e, e->msr.write ? HV_INTERCEPT_ACCESS_WRITE :
						     HV_INTERCEPT_ACCESS_READ);
	m->msr_number = e->msr.index;
	m->rdx = vp->cpu.gpr[X86_RDX];
	m->rax = vp->cpu.gpr[X86_RAX];
}

static void msg_exception(struct hvsim_vp *vp, const struct x86_exit *e)
{
	struct hv_x64_exception_intercept_message *m;
	const u64 *g = vp->cpu.gpr;

	m = msg_begin(vp, HVMSG_X64_EXCEPTION_INTERCEPT, sizeof(*m));
	msg_header(vp, &m->header, e, HV_INTERCEPT_ACCESS_EXECUTE);
	m->exception_vector = e->exception.vector;
	m->exception_info =
		(e->exception.error_code_valid ? HV_X64_EXCEPTION_INFO_ERROR_CODE_VALID : 0) |
		(e->exception.software ? HV_X64_EXCEPTION_INFO_SOFTWARE_EXCEPTION : 0);
	m->instruction_byte_count = e->insn_count;
	m->error_code = e->exception.error_code;
	m->exception_parameter = e->exception.cr2;
	memcpy(m->instruction_bytes, e->insn_bytes, sizeof(m->instruction_bytes));
	seg_out(&m->ds_segment, &vp->cpu.seg[X86_DS]);
	seg_out(&m->ss_segment, &vp->cpu.seg[X86_SS]);
	m->rax = g[X86_RAX];
	m->rcx = g[X86_RCX];
	m->rdx = g[X86_RDX];
	m->rbx = g[X86_RBX];
	m->rsp = g[X86_RSP];
	m->rbp = g[X86_RBP];
	m->rsi = g[X86_RSI];
	m->rdi = g[X86_RDI];
	m->r8 = g[X86_R8];
	m->r9 = g[X86_R9];
	m->r10 = g[X86_R10];
	m->r11 = g[X86_R11];
	m->r12 = g[X86_R12];
	m->r13 = g[X86_R13];
	m->r14 = g[X86_R14];
	m->r15 = g[X86_R15];
}

/* Header-only messages: HALT and UNRECOVERABLE_EXCEPTION. */
static void msg_header_only(struct hvsim_vp *vp, u32 type, const struct x86_exit *e)
{
	struct hv_x64_intercept_message_header *h;

	h = msg_begin(vp, type, sizeof(*h));
	msg_header(vp, h, e, HV_INTERCEPT_ACCESS_EXECUTE);
}

static void msg_invalid_register(struct hvsim_vp *vp)
{
	struct hv_invalid_vp_register_message *m;

	m = msg_begin(vp, HVMSG_INVALID_VP_REGISTER_VALUE, sizeof(*m));
	m->vp_index = vp->index;
}

/*
 * The VP stopped with a message in its intercept page: suspend it, publish
 * its registers and, under the hypervisor scheduler, tell the root.
 */
static void hvsim_vp_stop(struct hvsim_vp *vp)
{
	struct hv_opaque_intercept_message *n;
	struct hv_message note = {};

	*hvsim_vp_misc_reg(vp, HV_REGISTER_INTERCEPT_SUSPEND) = 1;
	hvsim_vp_refresh_page(vp);
	vp->intercepts++;
	if (hvsim_scheduler == HV_SCHEDULER_TYPE_ROOT)
		return;
	note.header.message_type = HVMSG_OPAQUE_INTERCEPT;
	note.header.payload_size = sizeof(*n);
	note.header.sender = vp->pt->id;
	n = (void *)note.u.payload;
	n->vp_index = vp->index;
	if (hvsim_synic_post(cpumask_first(cpu_online_mask),
			     HV_SYNIC_INTERCEPTION_SINT_INDEX, &note))
		pr_warn_ratelimited("hvsim: intercept notification of VP %u lost\n",
				    vp->index);
}

/* ------------------------------------------------------------ slices ---- */

/*
 * Deliver the VP's interrupts and execute it until an exit that needs the
 * root, until it blocks (reported as HLT with RFLAGS.IF = 1) or until
 * @budget instructions are spent; every delivery counts as one.
 */
static enum x86_exit_reason hvsim_vp_execute(struct hvsim_vp *vp,
					     struct x86_env *env, u64 budget)
{
	enum x86_exit_reason r;
	bool injected;
	u64 start;

	for (;;) {
		r = hvsim_lapic_inject(vp, env, &injected);
		if (r != X86_EXIT_NONE)
			return r;
		if (injected && budget)
			budget--;
		if (hvsim_vp_blocked(vp))
			return X86_EXIT_HLT;
		start = vp->cpu.retired;
		r = x86_run(&vp->cpu, env, vp->exit, budget);
		/* At least one per round: the loop always ends. */
		budget -= min(budget, max(vp->cpu.retired - start, 1ULL));
		switch (r) {
		case X86_EXIT_IRQ_WINDOW:
		case X86_EXIT_CANCELLED:
			continue;
		case X86_EXIT_HLT:
			/* With interrupts enabled: take one or block. */
			if (vp->cpu.rflags & X86_FLAGS_IF)
				continue;
			return r;
		default:
			return r;
		}
	}
}

/* Run @vp for at most @budget instructions (hvsim.lock held). */
static enum hvsim_outcome hvsim_vp_run(struct hvsim_vp *vp, u64 budget)
{
	struct x86_exit *e = vp->exit;
	struct x86_env env = {
		.ctx = vp,
		.gpa_access = hvsim_env_gpa,
		.msr = hvsim_env_msr,
		.cpuid = hvsim_env_cpuid,
		.cancel = hvsim_env_cancel,
		.write_sink = hvsim_env_write_sink,
	};
	enum x86_exit_reason r;

	lockdep_assert_held(&hvsim.lock);
	if (hvsim_vp_suspended(vp))
		return HVSIM_SUSPENDED;
	if (hvsim_vp_apply_dirty(vp)) {
		msg_invalid_register(vp);
		hvsim_vp_stop(vp);
		return HVSIM_STOPPED;
	}
	if (vp->shutdown) {
		msg_header_only(vp, HVMSG_UNRECOVERABLE_EXCEPTION, e);
		hvsim_vp_stop(vp);
		return HVSIM_STOPPED;
	}

	env.exception_bitmap = hvsim_exception_bitmap(vp);
	vp->run_env = &env;
	r = hvsim_vp_execute(vp, &env, budget);
	vp->run_env = NULL;
	switch (r) {
	case X86_EXIT_IO:
		msg_io(vp, e);
		break;
	case X86_EXIT_MEMORY:
		msg_memory(vp, e);
		break;
	case X86_EXIT_HLT:
		/* A HLT retired now, or the VP was halted before (length 0). */
		if (e->insn_len)
			vp->halt_rip = e->rip;
		else
			e->rip = vp->halt_rip;
		if (vp->cpu.rflags & X86_FLAGS_IF) {
			hvsim_vp_refresh_page(vp);
			return HVSIM_BLOCKED;
		}
		/* A VP halted with interrupts off can never wake: tell the root. */
		e->insn_len = 1;
		msg_header_only(vp, HVMSG_X64_HALT, e);
		break;
	case X86_EXIT_CPUID:
		msg_cpuid(vp, e);
		break;
	case X86_EXIT_MSR:
		msg_msr(vp, e);
		break;
	case X86_EXIT_EXCEPTION:
		msg_exception(vp, e);
		break;
	case X86_EXIT_TRIPLE_FAULT:
		vp->shutdown = true;
		msg_header_only(vp, HVMSG_UNRECOVERABLE_EXCEPTION, e);
		break;
	default:
		return HVSIM_RAN;
	}
	hvsim_vp_stop(vp);
	return HVSIM_STOPPED;
}

static void hvsim_dispatch_blocked(struct hvsim_vp *vp, u64 value)
{
	u64 *self = vp->stats.page[HV_STATS_AREA_SELF];

	vp->dispatch_blocked = value;
	if (self)
		WRITE_ONCE(self[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED], value);
}

/*
 * Root scheduler: a VP the last DISPATCH_VP reported BLOCKED can run
 * again.  Its dispatch thread sleeps until told: clear
 * VpRootDispatchThreadBlocked and post a scheduler signal for it, counted
 * in VP_ROOT_SIGNAL_COUNT (the teardown handshake compares the count with
 * the signals the root processed, so only a posted signal counts).
 */
static void hvsim_root_signal(struct hvsim_vp *vp)
{
	struct hv_scheduler_vp_signal_pair_message *p;
	struct hv_message msg = {};

	hvsim_dispatch_blocked(vp, 0);
	msg.header.message_type = HVMSG_SCHEDULER_VP_SIGNAL_PAIR;
	msg.header.payload_size = sizeof(*p);
	p = (void *)msg.u.payload;
	p->vp_count = 1;
	p->partition_ids[0] = vp->pt->id;
	p->vp_indexes[0] = vp->index;
	if (hvsim_synic_post(cpumask_first(cpu_online_mask),
			     HV_SYNIC_INTERCEPTION_SINT_INDEX, &msg)) {
		pr_warn_ratelimited("hvsim: scheduler signal of VP %u lost\n",
				    vp->index);
		return;
	}
	vp->root_signal_count++;
}

/**
 * hvsim_run_update() - a VP's run state may have changed
 * @vp: the VP (hvsim.lock held), not the one running a slice
 *
 * Called after every register write of the root and whenever the VP's
 * APIC accepted an event.  Under the hypervisor scheduler a VP that became
 * runnable joins the run queue; under the root scheduler a VP reported
 * BLOCKED that became runnable gets a scheduler signal.
 */
void hvsim_run_update(struct hvsim_vp *vp)
{
	bool runnable = !hvsim_vp_suspended(vp) && !hvsim_vp_blocked(vp);

	lockdep_assert_held(&hvsim.lock);
	if (hvsim_scheduler == HV_SCHEDULER_TYPE_ROOT) {
		if (runnable && vp->dispatch_blocked)
			hvsim_root_signal(vp);
		return;
	}
	if (!hvsim_runner)
		return;
	if (!runnable && !list_empty(&vp->run_node)) {
		/*
		 * A running VP was suspended (the runner holds the lock for a
		 * whole slice, so a running VP is always queued here): it
		 * stops between two instructions, with no message, and its
		 * register page must show where.
		 */
		list_del_init(&vp->run_node);
		hvsim_vp_apply_dirty(vp);
		hvsim_vp_refresh_page(vp);
		return;
	}
	if (!runnable || !list_empty(&vp->run_node))
		return;
	list_add_tail(&vp->run_node, &hvsim_runq);
	wake_up_process(hvsim_runner);
}

/* The VP is going away (hvsim.lock held). */
void hvsim_run_forget(struct hvsim_vp *vp)
{
	lockdep_assert_held(&hvsim.lock);
	list_del_init(&vp->run_node);
}

/*
 * The hypervisor scheduler: one thread runs every runnable VP round robin,
 * a slice at a time.  The VP is looked up afresh on every slice (it is on
 * the queue only while it exists: deletion takes it off under the lock).
 */
static int hvsim_runner_fn(void *unused)
{
	struct hvsim_vp *vp;

	while (!kthread_should_stop()) {
		spin_lock_irq(&hvsim.lock);
		vp = list_first_entry_or_null(&hvsim_runq, struct hvsim_vp, run_node);
		if (!vp) {
			/* Queueing wakes us; the state is set before we look. */
			set_current_state(TASK_IDLE);
			spin_unlock_irq(&hvsim.lock);
			if (!kthread_should_stop())
				schedule();
			__set_current_state(TASK_RUNNING);
			continue;
		}
		list_del_init(&vp->run_node);
		if (hvsim_vp_run(vp, HVSIM_SLICE) == HVSIM_RAN)
			list_add_tail(&vp->run_node, &hvsim_runq);
		spin_unlock_irq(&hvsim.lock);
		cond_resched();
	}
	return 0;
}

/* -------------------------------------------------------- DISPATCH_VP ---- */

static u16 hvsim_dispatch_vp(struct hvsim_call *c)
{
	const struct hv_input_dispatch_vp *in = c->in;
	struct hv_output_dispatch_vp *out = c->out;
	struct hvsim_vp *vp;
	enum hvsim_outcome o;
	u64 budget;
	u16 status;

	if (hvsim_scheduler != HV_SCHEDULER_TYPE_ROOT)
		return HV_STATUS_ACCESS_DENIED;
	if ((in->flags & ~HVSIM_DISPATCH_FLAGS) ||
	    (in->spec_ctrl && !(in->flags & HV_DISPATCH_VP_FLAG_SET_CALLER_SPEC_CTRL)))
		return HV_STATUS_INVALID_PARAMETER;
	status = hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (status)
		return status;
	/* Refused (nothing changed) for a malformed interrupt_vectors. */
	if (in->flags & HV_DISPATCH_VP_FLAG_SCAN_INTERRUPT_INJECTION) {
		status = hvsim_lapic_scan(vp);
		if (status)
			return status;
	}

	if (in->flags & HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND)
		*hvsim_vp_misc_reg(vp, HV_REGISTER_INTERCEPT_SUSPEND) = 0;
	/* Clamped before scaling: any time slice fits in a u64. */
	budget = in->time_slice ? min_t(u64, in->time_slice,
					HVSIM_DISPATCH_MAX / HVSIM_INSNS_PER_100NS) *
				  HVSIM_INSNS_PER_100NS : HVSIM_DISPATCH_MAX;
	o = hvsim_vp_run(vp, budget);
	/* The dispatch is over: the root sees where the VP is. */
	if (o == HVSIM_RAN)
		hvsim_vp_refresh_page(vp);
	hvsim_dispatch_blocked(vp, o == HVSIM_BLOCKED);
	vp->dispatches++;
	switch (o) {
	case HVSIM_STOPPED:
		out->dispatch_state = HV_VP_DISPATCH_STATE_READY;
		out->dispatch_event = HV_VP_DISPATCH_EVENT_INTERCEPT;
		break;
	case HVSIM_SUSPENDED:
		out->dispatch_state = HV_VP_DISPATCH_STATE_BLOCKED;
		out->dispatch_event = HV_VP_DISPATCH_EVENT_SUSPEND;
		break;
	case HVSIM_BLOCKED:
		out->dispatch_state = HV_VP_DISPATCH_STATE_BLOCKED;
		out->dispatch_event = HV_VP_DISPATCH_EVENT_INVALID;
		break;
	default:
		out->dispatch_state = HV_VP_DISPATCH_STATE_READY;
		out->dispatch_event = HV_VP_DISPATCH_EVENT_INVALID;
		break;
	}
	return HV_STATUS_SUCCESS;
}

const struct hvsim_hcall hvsim_run_hcalls[] = {
	{
		.code = HVCALL_DISPATCH_VP, .name = "DISPATCH_VP", .slow = true,
		.in_size = sizeof(struct hv_input_dispatch_vp),
		.out_size = sizeof(struct hv_output_dispatch_vp),
		.call = hvsim_dispatch_vp,
	},
};

const unsigned int hvsim_run_nr_hcalls = ARRAY_SIZE(hvsim_run_hcalls);

int hvsim_run_init(void)
{
	struct task_struct *t;

	if (hvsim_scheduler == HV_SCHEDULER_TYPE_ROOT)
		return 0;
	t = kthread_run(hvsim_runner_fn, NULL, "hvsim-sched");
	if (IS_ERR(t))
		return PTR_ERR(t);
	hvsim_runner = t;
	return 0;
}

/* Before the partitions go: nothing may run any more. */
void hvsim_run_exit(void)
{
	if (hvsim_runner)
		kthread_stop(hvsim_runner);
	hvsim_runner = NULL;
}

