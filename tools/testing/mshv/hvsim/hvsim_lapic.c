// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: the local APIC of each VP -- HVCALL_ASSERT_VIRTUAL_INTERRUPT,
 * HVCALL_CLEAR_VIRTUAL_INTERRUPT, delivery into the execution engine, the
 * guest's xAPIC page and x2APIC MSRs, EOI and the APIC EOI message.
 *
 * State.  The model works on the VP's LOCAL_INTERRUPT_CONTROLLER_STATE
 * (vp->lapic: what GET/SET_VP_STATE transfer, so the blob always shows
 * IRR, ISR, TMR, LDR, DFR, SVR and the LVTs as the model has them) and on
 * CR8, which is the task priority (the blob has no TPR: TPR = CR8 << 4).
 * Outside the blob a VP has a pending-NMI latch, a pending-ExtINT latch
 * (with its vector and trigger mode) and the acknowledgment state of a
 * level-triggered ExtINT.  The APIC ID is kept in xAPIC format (bits
 * 24-31 of apic_id) in both modes; it is the VP index unless the root
 * loads another one.
 *
 * Acceptance (ASSERT, IPIs, the register page's interrupt_vectors): a
 * fixed or lowest-priority interrupt sets IRR and sets (level) or clears
 * (edge) TMR, but only in an enabled APIC (IA32_APIC_BASE bit 11 and SVR
 * bit 8); a disabled one drops it, as hardware does.  An NMI sets the NMI
 * latch, an ExtINT the ExtINT latch (its vector comes from the external
 * controller: no IRR/ISR, no EOI), whatever the APIC's state.
 *
 * Delivery (hvsim_lapic_inject(), before every stretch of guest code): a
 * pending NMI first (not gated by RFLAGS.IF; blocked by NMI_MASKED and the
 * interrupt shadow), then, with RFLAGS.IF = 1 and no interrupt shadow, a
 * pending ExtINT (held back while a level ExtINT stays acknowledged),
 * then the highest IRR vector whose priority class is above the PPR's
 * (PPR = max(TPR, class of the highest ISR vector)), which moves from IRR
 * to ISR.  One event per call; hvsim_run.c keeps calling while events
 * remain and sets the engine's irq_window_exit so that a guest that
 * enables interrupts takes them before its next instruction.  An injection
 * that exits (IVT/IDT or stack unmapped, triple fault) leaves the event
 * pending.
 *
 * EOI (xAPIC offset 0xB0, x2APIC MSR 0x80B): clears the highest ISR
 * vector; if its TMR bit is set (level-triggered) HVMSG_X64_APIC_EOI goes
 * to SINT0 of the first online root CPU, sender the partition id.  The VP
 * is not suspended.
 */
#include <linux/bitfield.h>
#include <linux/cpumask.h>

#include "hvsim.h"
#include "hvsim_synic.h"

/* IA32_APIC_BASE */
#define APIC_BASE_EXTD		BIT_ULL(10)
#define APIC_BASE_EN		BIT_ULL(11)
#define APIC_BASE_ADDR		GENMASK_ULL(51, 12)

/* Register offsets in the xAPIC page; x2APIC MSR = 0x800 + offset / 16. */
#define LAPIC_ID		0x020
#define LAPIC_VERSION		0x030
#define LAPIC_TPR		0x080
#define LAPIC_APR		0x090
#define LAPIC_PPR		0x0a0
#define LAPIC_EOI		0x0b0
#define LAPIC_RRD		0x0c0
#define LAPIC_LDR		0x0d0
#define LAPIC_DFR		0x0e0
#define LAPIC_SVR		0x0f0
#define LAPIC_ISR		0x100
#define LAPIC_TMR		0x180
#define LAPIC_IRR		0x200
#define LAPIC_ESR		0x280
#define LAPIC_LVT_CMCI		0x2f0
#define LAPIC_ICR		0x300
#define LAPIC_ICR2		0x310
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_THERMAL	0x330
#define LAPIC_LVT_PERF		0x340
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TMICT		0x380
#define LAPIC_TMCCT		0x390
#define LAPIC_TDCR		0x3e0
#define LAPIC_SELF_IPI		0x3f0	/* x2APIC only */

#define X2APIC_MSR_BASE		0x800
#define X2APIC_MSR_LAST		0x8ff

#define SVR_WRITABLE		GENMASK(9, 0)	/* vector, enable, focus */
#define SVR_ENABLE		BIT(8)
#define LVT_MASKED		BIT(16)
#define LVT_WRITABLE_TIMER	(GENMASK(7, 0) | GENMASK(18, 16))
#define LVT_WRITABLE_LINT	(GENMASK(10, 0) | BIT(13) | GENMASK(16, 15))
#define LVT_WRITABLE_MODE	(GENMASK(10, 0) | BIT(16))
#define LVT_WRITABLE_ERROR	(GENMASK(7, 0) | BIT(16))
#define TDCR_WRITABLE		(BIT(3) | GENMASK(1, 0))
#define DFR_RESERVED_ONES	GENMASK(27, 0)
#define DFR_MODEL_FLAT		0xf
#define DFR_MODEL_CLUSTER	0x0
#define XAPIC_DEST		GENMASK(31, 24)
#define XAPIC_BROADCAST		0xffU
#define X2APIC_BROADCAST	0xffffffffU
#define ESR_SEND_ILLEGAL_VECTOR	BIT(5)

/* ICR */
#define ICR_VECTOR		GENMASK(7, 0)
#define ICR_DELIVERY_MODE	GENMASK(10, 8)
#define ICR_LOGICAL		BIT(11)
#define ICR_SHORTHAND		GENMASK(19, 18)
#define ICR_WRITABLE		(GENMASK(11, 8) | ICR_VECTOR | GENMASK(15, 14) | \
				 ICR_SHORTHAND)

enum lapic_shorthand {
	SHORTHAND_NONE,
	SHORTHAND_SELF,
	SHORTHAND_ALL,
	SHORTHAND_OTHERS,
};

#define FIRST_VECTOR		16	/* vectors 0-15 are illegal for fixed */

/* The control bits ASSERT_VIRTUAL_INTERRUPT accepts (bit 62: see hv_root.h). */
#define CONTROL_KNOWN		(HV_INTERRUPT_CONTROL_TYPE_MASK | \
				 HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED | \
				 HV_INTERRUPT_CONTROL_LOGICAL_DEST_MODE | \
				 HV_INTERRUPT_CONTROL_CLIENT_BIT62)

/* An interrupt message on its way to the APICs of a partition. */
struct lapic_irq {
	u32 type;			/* HV_X64_INTERRUPT_TYPE_* */
	u8 vector;
	bool level;
	bool logical;
	u32 dest;
	enum lapic_shorthand shorthand;
	struct hvsim_vp *src;		/* IPI sender, for the shorthands */
};

/* ---------------------------------------------------- vector bitmaps ---- */

static void vec_set(u32 *reg, u8 v)
{
	reg[v / 32] |= BIT(v % 32);
}

static void vec_clear(u32 *reg, u8 v)
{
	reg[v / 32] &= ~BIT(v % 32);
}

static bool vec_test(const u32 *reg, u8 v)
{
	return reg[v / 32] & BIT(v % 32);
}

/* Highest vector set in an IRR/ISR/TMR image, or -1. */
static int vec_highest(const u32 *reg)
{
	int i;

	for (i = 7; i >= 0; i--)
		if (reg[i])
			return i * 32 + fls(reg[i]) - 1;
	return -1;
}

/* ---------------------------------------------------------- registers ---- */

static bool lapic_x2apic(const struct hvsim_vp *vp)
{
	return vp->cpu.apic_base & APIC_BASE_EXTD;
}

/* Hardware-enabled (IA32_APIC_BASE) and software-enabled (SVR). */
static bool lapic_enabled(const struct hvsim_vp *vp)
{
	return (vp->cpu.apic_base & APIC_BASE_EN) &&
	       (vp->lapic.apic_spurious & SVR_ENABLE);
}

static u32 lapic_id(const struct hvsim_vp *vp)
{
	return vp->lapic.apic_id >> 24;
}

/* x2APIC mode derives the LDR from the ID: cluster << 16 | 1 << (id % 16). */
static u32 lapic_ldr(const struct hvsim_vp *vp)
{
	u32 id = lapic_id(vp);

	if (lapic_x2apic(vp))
		return (id >> 4) << 16 | BIT(id & 0xf);
	return vp->lapic.apic_ldr;
}

static u32 lapic_tpr(const struct hvsim_vp *vp)
{
	return (vp->cpu.cr8 & 0xf) << 4;
}

static u32 lapic_ppr(const struct hvsim_vp *vp)
{
	int isrv = vec_highest(vp->lapic.apic_isr);
	u32 tpr = lapic_tpr(vp);

	if (isrv < 0 || (tpr & 0xf0) >= (isrv & 0xf0))
		return tpr;
	return isrv & 0xf0;
}

/* The IRR vector the APIC presents to the CPU, or -1. */
static int lapic_ready_vector(const struct hvsim_vp *vp)
{
	int v;

	if (!(vp->cpu.apic_base & APIC_BASE_EN))
		return -1;
	v = vec_highest(vp->lapic.apic_irr);
	if (v < 0 || (v & 0xf0) <= (lapic_ppr(vp) & 0xf0))
		return -1;
	return v;
}

static bool lapic_extint_ready(const struct hvsim_vp *vp)
{
	return vp->extint_pending && !vp->extint_acked;
}

static bool lapic_nmi_ready(const struct hvsim_vp *vp)
{
	return vp->nmi_pending && !vp->cpu.nmi_masked;
}

/**
 * hvsim_lapic_pending() - does the VP have an event to take?
 * @vp: the VP (hvsim.lock held)
 *
 * Return: true when an NMI, an ExtINT or an IRR vector above the PPR is
 * waiting -- delivered at once if RFLAGS.IF and the interrupt shadow allow
 * it.  A halted VP with interrupts enabled is blocked only while this is
 * false.
 */
bool hvsim_lapic_pending(const struct hvsim_vp *vp)
{
	return lapic_nmi_ready(vp) || lapic_extint_ready(vp) ||
	       lapic_ready_vector(vp) >= 0;
}

/**
 * hvsim_lapic_deliverable() - can an event be injected right now?
 * @vp: the VP (hvsim.lock held)
 *
 * Return: hvsim_lapic_pending() with the CPU's interruptibility applied.
 */
bool hvsim_lapic_deliverable(const struct hvsim_vp *vp)
{
	if (lapic_nmi_ready(vp) && !vp->cpu.interrupt_shadow)
		return true;
	if (!x86_can_inject_interrupt(&vp->cpu))
		return false;
	return lapic_extint_ready(vp) || lapic_ready_vector(vp) >= 0;
}

/*
 * Something the VP could take may have changed: a running VP (this is its
 * own APIC access) stops at its next interrupt window; otherwise the
 * scheduler model decides whether it wakes.
 */
static void lapic_kick(struct hvsim_vp *vp)
{
	if (vp->run_env)
		vp->run_env->irq_window_exit = hvsim_lapic_pending(vp);
	else
		hvsim_run_update(vp);
}

/* ------------------------------------------------------- acceptance ---- */

static bool lapic_targets(struct hvsim_vp *vp, const struct lapic_irq *irq)
{
	u32 dest = irq->dest, ldr, model;

	switch (irq->shorthand) {
	case SHORTHAND_SELF:
		return vp == irq->src;
	case SHORTHAND_ALL:
		return true;
	case SHORTHAND_OTHERS:
		return vp != irq->src;
	default:
		break;
	}
	if (!irq->logical)
		return dest == X2APIC_BROADCAST || dest == lapic_id(vp) ||
		       (!lapic_x2apic(vp) && dest == XAPIC_BROADCAST);
	ldr = lapic_ldr(vp);
	if (lapic_x2apic(vp))
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	/* xAPIC: an 8-bit destination against LDR bits 24-31. */
	ldr >>= 24;
	model = vp->lapic.apic_dfr >> 28;
	if (dest > 0xff)
		return false;
	if (model == DFR_MODEL_FLAT)
		return dest & ldr;
	if (model == DFR_MODEL_CLUSTER)
		return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
	return false;
}

/* The APIC of @vp takes @irq (or drops it); false if dropped. */
static bool lapic_latch(struct hvsim_vp *vp, const struct lapic_irq *irq)
{
	struct hv_local_interrupt_controller_state *l = &vp->lapic;

	switch (irq->type) {
	case HV_X64_INTERRUPT_TYPE_NMI:
		vp->nmi_pending = true;
		break;
	case HV_X64_INTERRUPT_TYPE_EXTINT:
		vp->extint_pending = true;
		vp->extint_vector = irq->vector;
		vp->extint_level = irq->level;
		break;
	default:
		if (!lapic_enabled(vp)) {
			vp->irq.dropped++;
			return false;
		}
		vec_set(l->apic_irr, irq->vector);
		if (irq->level)
			vec_set(l->apic_tmr, irq->vector);
		else
			vec_clear(l->apic_tmr, irq->vector);
		break;
	}
	vp->irq.accepted++;
	return true;
}

/* ... and wakes it (or lets it take the interrupt) when it can. */
static void lapic_accept(struct hvsim_vp *vp, const struct lapic_irq *irq)
{
	if (lapic_latch(vp, irq))
		lapic_kick(vp);
}

/**
 * hvsim_lapic_raise() - a fixed, edge-triggered interrupt for one VP
 * @vp: the VP (hvsim.lock held)
 * @vector: the vector (16-255; lower ones are dropped as illegal)
 *
 * For the VP's own synthetic interrupt sources (its SynIC SINTs).
 */
void hvsim_lapic_raise(struct hvsim_vp *vp, u8 vector)
{
	const struct lapic_irq irq = {
		.type = HV_X64_INTERRUPT_TYPE_FIXED,
		.vector = vector,
	};

	lockdep_assert_held(&hvsim.lock);
	if (vector >= FIRST_VECTOR)
		lapic_accept(vp, &irq);
}

/*
 * Deliver @irq to every matching APIC of @pt; a lowest-priority interrupt
 * goes to the lowest-numbered matching VP whose APIC is enabled.  No match:
 * dropped, as on the bus.
 */
static void lapic_send(struct hvsim_partition *pt, const struct lapic_irq *irq)
{
	bool lowest = irq->type == HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY;
	struct hvsim_vp *vp;
	unsigned int i;

	for (i = 0; i < HVSIM_MAX_VPS; i++) {
		vp = pt->vps[i];
		if (!vp || !lapic_targets(vp, irq))
			continue;
		if (lowest && !lapic_enabled(vp))
			continue;
		lapic_accept(vp, irq);
		if (lowest)
			return;
	}
}

/* An IPI: ICR written by @vp; @dest from ICR2 (xAPIC) or ICR bits 32-63. */
static void lapic_ipi(struct hvsim_vp *vp, u32 icr, u32 dest)
{
	struct lapic_irq irq = {
		.vector = FIELD_GET(ICR_VECTOR, icr),
		.logical = icr & ICR_LOGICAL,
		.dest = dest,
		.shorthand = FIELD_GET(ICR_SHORTHAND, icr),
		.src = vp,
	};

	switch (FIELD_GET(ICR_DELIVERY_MODE, icr)) {
	case 0:
		irq.type = HV_X64_INTERRUPT_TYPE_FIXED;
		break;
	case 1:
		irq.type = HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY;
		break;
	case 4:
		irq.type = HV_X64_INTERRUPT_TYPE_NMI;
		break;
	default:
		/* SMI, INIT, SIPI and the reserved modes are not modelled. */
		return;
	}
	if (irq.type != HV_X64_INTERRUPT_TYPE_NMI && irq.vector < FIRST_VECTOR) {
		vp->lapic.apic_error_status |= ESR_SEND_ILLEGAL_VECTOR;
		return;
	}
	/* The trigger mode bit is for INIT de-assert only: IPIs are edge. */
	lapic_send(vp->pt, &irq);
}

/* ---------------------------------------------------------------- EOI ---- */

static void lapic_post_eoi(struct hvsim_vp *vp, u8 vector)
{
	struct hv_x64_apic_eoi_message *p;
	struct hv_message msg = {};

	msg.header.message_type = HVMSG_X64_APIC_EOI;
	msg.header.payload_size = sizeof(*p);
	msg.header.sender = vp->pt->id;
	p = (void *)msg.u.payload;
	p->vp_index = vp->index;
	p->interrupt_vector = vector;
	if (hvsim_synic_post(cpumask_first(cpu_online_mask),
			     HV_SYNIC_INTERCEPTION_SINT_INDEX, &msg)) {
		pr_warn_ratelimited("hvsim: APIC EOI message of VP %u lost\n",
				    vp->index);
		return;
	}
	vp->irq.eoi_messages++;
	vp->irq.last_eoi_vector = vector;
}

static void lapic_eoi(struct hvsim_vp *vp)
{
	int v = vec_highest(vp->lapic.apic_isr);

	if (v < 0)
		return;
	vec_clear(vp->lapic.apic_isr, v);
	vp->irq.eois++;
	if (vec_test(vp->lapic.apic_tmr, v))
		lapic_post_eoi(vp, v);
	/* The PPR dropped: a held-back vector may be deliverable now. */
	lapic_kick(vp);
}

/* ------------------------------------------------- register accesses ---- */

static u32 *lapic_lvt(struct hvsim_vp *vp, u32 reg, u32 *writable)
{
	struct hv_local_interrupt_controller_state *l = &vp->lapic;

	switch (reg) {
	case LAPIC_LVT_CMCI:
		*writable = LVT_WRITABLE_MODE;
		return &l->apic_lvt_cmci;
	case LAPIC_LVT_TIMER:
		*writable = LVT_WRITABLE_TIMER;
		return &l->apic_lvt_timer;
	case LAPIC_LVT_THERMAL:
		*writable = LVT_WRITABLE_MODE;
		return &l->apic_lvt_thermal;
	case LAPIC_LVT_PERF:
		*writable = LVT_WRITABLE_MODE;
		return &l->apic_lvt_perfmon;
	case LAPIC_LVT_LINT0:
		*writable = LVT_WRITABLE_LINT;
		return &l->apic_lvt_lint0;
	case LAPIC_LVT_LINT1:
		*writable = LVT_WRITABLE_LINT;
		return &l->apic_lvt_lint1;
	case LAPIC_LVT_ERROR:
		*writable = LVT_WRITABLE_ERROR;
		return &l->apic_lvt_error;
	}
	return NULL;
}

/*
 * Read register @reg (a 16-byte aligned offset).  False when there is no
 * such register in the current mode (x2APIC: #GP; xAPIC: reads as 0).
 */
static bool lapic_read(struct hvsim_vp *vp, u32 reg, u32 *val)
{
	struct hv_local_interrupt_controller_state *l = &vp->lapic;
	bool x2 = lapic_x2apic(vp);
	u32 writable, *lvt;

	if (reg >= LAPIC_ISR && reg < LAPIC_ISR + 0x80) {
		*val = l->apic_isr[(reg - LAPIC_ISR) / 16];
		return true;
	}
	if (reg >= LAPIC_TMR && reg < LAPIC_TMR + 0x80) {
		*val = l->apic_tmr[(reg - LAPIC_TMR) / 16];
		return true;
	}
	if (reg >= LAPIC_IRR && reg < LAPIC_IRR + 0x80) {
		*val = l->apic_irr[(reg - LAPIC_IRR) / 16];
		return true;
	}
	lvt = lapic_lvt(vp, reg, &writable);
	if (lvt) {
		*val = *lvt;
		return true;
	}
	switch (reg) {
	case LAPIC_ID:
		*val = x2 ? lapic_id(vp) : l->apic_id;
		return true;
	case LAPIC_VERSION:
		*val = l->apic_version;
		return true;
	case LAPIC_TPR:
		*val = lapic_tpr(vp);
		return true;
	case LAPIC_PPR:
		*val = lapic_ppr(vp);
		return true;
	case LAPIC_LDR:
		*val = lapic_ldr(vp);
		return true;
	case LAPIC_SVR:
		*val = l->apic_spurious;
		return true;
	case LAPIC_ESR:
		*val = l->apic_esr;
		return true;
	case LAPIC_ICR:
		*val = l->apic_icr_low;
		return true;
	case LAPIC_TMICT:
		*val = l->apic_initial_count;
		return true;
	case LAPIC_TMCCT:
		*val = l->apic_counter_value;
		return true;
	case LAPIC_TDCR:
		*val = l->apic_divide_configuration;
		return true;
	}
	if (x2)
		return false;
	/* xAPIC only: EOI (write-only, reads 0), APR, RRD, DFR, ICR2. */
	switch (reg) {
	case LAPIC_EOI:
	case LAPIC_APR:
		*val = 0;
		return true;
	case LAPIC_RRD:
		*val = l->apic_remote_read;
		return true;
	case LAPIC_DFR:
		*val = l->apic_dfr;
		return true;
	case LAPIC_ICR2:
		*val = l->apic_icr_high;
		return true;
	}
	return false;
}

static void lapic_write_svr(struct hvsim_vp *vp, u32 val)
{
	static const u32 lvts[] = {
		LAPIC_LVT_CMCI, LAPIC_LVT_TIMER, LAPIC_LVT_THERMAL,
		LAPIC_LVT_PERF, LAPIC_LVT_LINT0, LAPIC_LVT_LINT1,
		LAPIC_LVT_ERROR,
	};
	u32 writable;
	unsigned int i;

	vp->lapic.apic_spurious = val & SVR_WRITABLE;
	/* Software-disabling the APIC masks every LVT entry. */
	if (!(val & SVR_ENABLE))
		for (i = 0; i < ARRAY_SIZE(lvts); i++)
			*lapic_lvt(vp, lvts[i], &writable) |= LVT_MASKED;
}

/*
 * Write register @reg.  -EINVAL only in x2APIC mode, for a register that
 * is absent or read-only or a reserved bit (the guest takes #GP); the
 * xAPIC page ignores such writes.
 */
static int lapic_write(struct hvsim_vp *vp, u32 reg, u32 val)
{
	struct hv_local_interrupt_controller_state *l = &vp->lapic;
	bool x2 = lapic_x2apic(vp);
	u32 writable, *lvt;

	lvt = lapic_lvt(vp, reg, &writable);
	if (lvt) {
		/* A software-disabled APIC keeps every LVT entry masked. */
		*lvt = (val & writable) |
		       (l->apic_spurious & SVR_ENABLE ? 0 : LVT_MASKED);
		return 0;
	}
	switch (reg) {
	case LAPIC_TPR:
		if (x2 && (val & ~0xffU))
			return -EINVAL;
		vp->cpu.cr8 = (val >> 4) & 0xf;
		lapic_kick(vp);
		return 0;
	case LAPIC_EOI:
		if (x2 && val)
			return -EINVAL;
		lapic_eoi(vp);
		return 0;
	case LAPIC_SVR:
		if (x2 && (val & ~SVR_WRITABLE))
			return -EINVAL;
		lapic_write_svr(vp, val);
		return 0;
	case LAPIC_ESR:
		if (x2 && val)
			return -EINVAL;
		/* A write latches the errors seen since the last one. */
		l->apic_esr = l->apic_error_status;
		l->apic_error_status = 0;
		return 0;
	case LAPIC_TMICT:
		/* Stored: the APIC timer does not run. */
		l->apic_initial_count = val;
		return 0;
	case LAPIC_TDCR:
		if (x2 && (val & ~TDCR_WRITABLE))
			return -EINVAL;
		l->apic_divide_configuration = val & TDCR_WRITABLE;
		return 0;
	}
	if (x2) {
		if (reg != LAPIC_SELF_IPI || (val & ~ICR_VECTOR))
			return -EINVAL;
		/* A fixed, edge-triggered IPI to this APIC. */
		lapic_ipi(vp, val | FIELD_PREP(ICR_SHORTHAND, SHORTHAND_SELF), 0);
		return 0;
	}
	switch (reg) {
	case LAPIC_ID:
		l->apic_id = val & XAPIC_DEST;
		break;
	case LAPIC_LDR:
		l->apic_ldr = val & XAPIC_DEST;
		break;
	case LAPIC_DFR:
		l->apic_dfr = val | DFR_RESERVED_ONES;
		break;
	case LAPIC_ICR2:
		l->apic_icr_high = val & XAPIC_DEST;
		break;
	case LAPIC_ICR:
		l->apic_icr_low = val & ICR_WRITABLE;
		lapic_ipi(vp, l->apic_icr_low, l->apic_icr_high >> 24);
		break;
	}
	/* Read-only and reserved offsets: ignored. */
	return 0;
}

/**
 * hvsim_lapic_mmio() - a guest access to the xAPIC page?
 * @vp: the accessing VP (hvsim.lock held)
 * @gpa: guest physical address
 * @buf: bytes to write or room for the bytes read; NULL: only say whether
 *	the access is the APIC's (the engine probes writes first)
 * @len: bytes (within one page)
 * @write: a write
 *
 * The page at IA32_APIC_BASE decodes while the APIC is enabled in xAPIC
 * mode, whatever the GPA map has there.  Reads of any size return the
 * registers' bytes (bytes 4-15 of each 16-byte slot, and unknown offsets,
 * read 0); a write is a 4-byte write at the start of a slot, anything else
 * is ignored.
 *
 * Return: whether the APIC took the access.
 */
bool hvsim_lapic_mmio(struct hvsim_vp *vp, u64 gpa, void *buf, unsigned int len,
		      bool write)
{
	u64 base = vp->cpu.apic_base;
	u32 off = gpa & (HV_HYP_PAGE_SIZE - 1), reg = U32_MAX, val = 0;
	u8 *p = buf;
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	if (!(base & APIC_BASE_EN) || (base & APIC_BASE_EXTD) ||
	    (gpa & APIC_BASE_ADDR) != (base & APIC_BASE_ADDR))
		return false;
	if (!buf)
		return true;
	if (write) {
		if (len == sizeof(val) && !(off & 0xf)) {
			memcpy(&val, buf, sizeof(val));
			lapic_write(vp, off, val);
		}
		return true;
	}
	for (i = 0; i < len; i++, off++) {
		if ((off & ~0xfU) != reg) {
			reg = off & ~0xfU;
			if (!lapic_read(vp, reg, &val))
				val = 0;
		}
		p[i] = (off & 0xf) < sizeof(val) ? val >> (8 * (off & 0xf)) : 0;
	}
	return true;
}

/**
 * hvsim_lapic_msr() - RDMSR/WRMSR of an x2APIC register
 * @vp: the VP (hvsim.lock held)
 * @index: MSR
 * @write: WRMSR (*@value is EDX:EAX)
 * @value: value written or read
 *
 * MSRs 0x800-0x8ff are the x2APIC registers: #GP unless the APIC is in
 * x2APIC mode, for an absent or read-only register (writes), a
 * write-only one (reads: EOI, SELF_IPI) and reserved bits set.
 *
 * Return: &enum x86_msr_result.
 */
int hvsim_lapic_msr(struct hvsim_vp *vp, u32 index, bool write, u64 *value)
{
	u64 base = vp->cpu.apic_base;
	u32 reg = (index - X2APIC_MSR_BASE) << 4, val;

	lockdep_assert_held(&hvsim.lock);
	if (index < X2APIC_MSR_BASE || index > X2APIC_MSR_LAST)
		return X86_MSR_UNHANDLED;
	if (!(base & APIC_BASE_EN) || !(base & APIC_BASE_EXTD))
		return X86_MSR_GP;
	if (reg == LAPIC_ICR) {
		/* One 64-bit register: destination in bits 32-63. */
		if (!write) {
			*value = (u64)vp->lapic.apic_icr_high << 32 | vp->lapic.apic_icr_low;
			return X86_MSR_HANDLED;
		}
		if ((u32)*value & ~ICR_WRITABLE)
			return X86_MSR_GP;
		vp->lapic.apic_icr_low = (u32)*value;
		vp->lapic.apic_icr_high = *value >> 32;
		lapic_ipi(vp, vp->lapic.apic_icr_low, vp->lapic.apic_icr_high);
		return X86_MSR_HANDLED;
	}
	if (write) {
		if (*value >> 32 || lapic_write(vp, reg, *value))
			return X86_MSR_GP;
		return X86_MSR_HANDLED;
	}
	if (!lapic_read(vp, reg, &val))
		return X86_MSR_GP;
	*value = val;
	return X86_MSR_HANDLED;
}

/* --------------------------------------------------------- delivery ---- */

/**
 * hvsim_lapic_inject() - deliver the VP's highest-priority event, if it can
 * @vp: the VP (hvsim.lock held), about to run
 * @env: the engine environment of the run
 * @injected: set when an event was delivered
 *
 * Order: NMI, ExtINT, the highest IRR vector above the PPR (IRR -> ISR).
 * Afterwards @env->irq_window_exit says whether an event is still pending.
 *
 * Return: %X86_EXIT_NONE, or the exit the delivery needs (in vp->exit:
 * MEMORY for an unmapped or disallowed IVT/IDT/stack, TRIPLE_FAULT); the
 * event then stays pending.
 */
enum x86_exit_reason hvsim_lapic_inject(struct hvsim_vp *vp, struct x86_env *env,
					bool *injected)
{
	struct x86_cpu *cpu = &vp->cpu;
	enum x86_exit_reason r = X86_EXIT_NONE;
	int v;

	lockdep_assert_held(&hvsim.lock);
	*injected = false;
	if (lapic_nmi_ready(vp) && !cpu->interrupt_shadow) {
		/*
		 * Vector 2 through the IVT/IDT.  The engine does not track
		 * IRET, so NMI blocking after delivery is not modelled.
		 */
		r = x86_inject_exception(cpu, env, X86_NMI, false, 0, vp->exit);
		if (r == X86_EXIT_NONE) {
			vp->nmi_pending = false;
			*injected = true;
		}
	} else if (x86_can_inject_interrupt(cpu) && lapic_extint_ready(vp)) {
		r = x86_inject_interrupt(cpu, env, vp->extint_vector, vp->exit);
		if (r == X86_EXIT_NONE) {
			vp->extint_pending = false;
			/* A level ExtINT stays acknowledged until CLEAR. */
			vp->extint_acked = vp->extint_level;
			*injected = true;
		}
	} else if (x86_can_inject_interrupt(cpu)) {
		v = lapic_ready_vector(vp);
		if (v >= 0) {
			r = x86_inject_interrupt(cpu, env, v, vp->exit);
			if (r == X86_EXIT_NONE) {
				vec_clear(vp->lapic.apic_irr, v);
				vec_set(vp->lapic.apic_isr, v);
				*injected = true;
			}
		}
	}
	if (*injected)
		vp->irq.delivered++;
	env->irq_window_exit = hvsim_lapic_pending(vp);
	return r;
}

/**
 * hvsim_lapic_scan() - DISPATCH_VP's SCAN_INTERRUPT_INJECTION
 * @vp: the VP about to be dispatched (hvsim.lock held)
 *
 * The register page's interrupt_vectors holds a count (0-7) and that many
 * fixed vectors the root queued: each is accepted as an edge-triggered
 * fixed interrupt and the field is cleared.  A count above 7 or a vector
 * below 16 refuses the dispatch with nothing changed.  The VP is being
 * dispatched: nobody needs waking.
 *
 * Return: an HV status.
 */
u16 hvsim_lapic_scan(struct hvsim_vp *vp)
{
	union hv_vp_register_page_interrupt_vectors iv;
	struct lapic_irq irq = { .type = HV_X64_INTERRUPT_TYPE_FIXED };
	unsigned int i;

	lockdep_assert_held(&hvsim.lock);
	iv.as_uint64 = READ_ONCE(vp->reg_page->interrupt_vectors.as_uint64);
	if (iv.vector_count > HV_VP_REGISTER_PAGE_MAX_VECTOR_COUNT)
		return HV_STATUS_INVALID_PARAMETER;
	for (i = 0; i < iv.vector_count; i++)
		if (iv.vector[i] < FIRST_VECTOR)
			return HV_STATUS_INVALID_PARAMETER;
	for (i = 0; i < iv.vector_count; i++) {
		irq.vector = iv.vector[i];
		lapic_latch(vp, &irq);
	}
	WRITE_ONCE(vp->reg_page->interrupt_vectors.as_uint64, 0);
	return HV_STATUS_SUCCESS;
}

/**
 * hvsim_lapic_state_loaded() - SET_VP_STATE replaced the LAPIC state
 * @vp: the VP (hvsim.lock held)
 *
 * The new IRR/ISR may let the VP take an interrupt (and wake).
 */
void hvsim_lapic_state_loaded(struct hvsim_vp *vp)
{
	lockdep_assert_held(&hvsim.lock);
	lapic_kick(vp);
}

/* ------------------------------------------------------- hypercalls ---- */

static u16 lapic_partition(u64 id, struct hvsim_partition **ptp)
{
	if (id == HV_PARTITION_ID_SELF)
		return HV_STATUS_ACCESS_DENIED;
	*ptp = hvsim_partition_get(id);
	if (!*ptp)
		return HV_STATUS_INVALID_PARTITION_ID;
	if ((*ptp)->state != HVSIM_PT_INITIALIZED)
		return HV_STATUS_INVALID_PARTITION_STATE;
	return HV_STATUS_SUCCESS;
}

/*
 * HVCALL_ASSERT_VIRTUAL_INTERRUPT: the partition (SELF: ACCESS_DENIED,
 * unknown: INVALID_PARTITION_ID, not Initialized: INVALID_PARTITION_STATE),
 * then INVALID_PARAMETER for reserved control bits (bit 62 is ignored), a
 * type that is not FIXED, LOWESTPRIORITY, NMI or EXTINT, a FIXED or
 * LOWESTPRIORITY vector outside 16-255, an EXTINT vector above 255, a
 * destination above 32 bits, a target VTL or reserved byte not zero.
 */
static u16 hvsim_assert_virtual_interrupt(struct hvsim_call *c)
{
	const struct hv_input_assert_virtual_interrupt *in = c->in;
	u32 type = FIELD_GET(HV_INTERRUPT_CONTROL_TYPE_MASK, in->control);
	struct lapic_irq irq = {
		.type = type,
		.level = in->control & HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED,
		.logical = in->control & HV_INTERRUPT_CONTROL_LOGICAL_DEST_MODE,
		.dest = in->dest_addr,
	};
	struct hvsim_partition *pt;
	u16 status;

	status = lapic_partition(in->partition_id, &pt);
	if (status)
		return status;
	if ((in->control & ~CONTROL_KNOWN) || in->target_vtl || in->rsvd_z0 ||
	    in->rsvd_z1 || in->dest_addr > U32_MAX)
		return HV_STATUS_INVALID_PARAMETER;
	switch (type) {
	case HV_X64_INTERRUPT_TYPE_FIXED:
	case HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY:
		if (in->vector < FIRST_VECTOR || in->vector > 0xff)
			return HV_STATUS_INVALID_PARAMETER;
		break;
	case HV_X64_INTERRUPT_TYPE_EXTINT:
		if (in->vector > 0xff)
			return HV_STATUS_INVALID_PARAMETER;
		break;
	case HV_X64_INTERRUPT_TYPE_NMI:
		/* The vector is ignored (architecturally 2). */
		break;
	default:
		/* SMI, REMOTEREAD, INIT, SIPI, LOCALINTx: not modelled. */
		return HV_STATUS_INVALID_PARAMETER;
	}
	irq.vector = in->vector;
	lapic_send(pt, &irq);
	return HV_STATUS_SUCCESS;
}

/*
 * HVCALL_CLEAR_VIRTUAL_INTERRUPT: deassert the partition's ExtINT line --
 * every VP's undelivered ExtINT is dropped and a level ExtINT's
 * acknowledgment is cleared, so the next ExtINT asserted is delivered.
 * Checks as for ASSERT; the only input is the partition id.
 */
static u16 hvsim_clear_virtual_interrupt(struct hvsim_call *c)
{
	const struct hv_input_clear_virtual_interrupt *in = c->in;
	struct hvsim_partition *pt;
	struct hvsim_vp *vp;
	unsigned int i;
	u16 status;

	status = lapic_partition(in->partition_id, &pt);
	if (status)
		return status;
	for (i = 0; i < HVSIM_MAX_VPS; i++) {
		vp = pt->vps[i];
		if (!vp)
			continue;
		vp->extint_pending = false;
		vp->extint_acked = false;
	}
	return HV_STATUS_SUCCESS;
}

const struct hvsim_hcall hvsim_lapic_hcalls[] = {
	{
		.code = HVCALL_ASSERT_VIRTUAL_INTERRUPT,
		.name = "ASSERT_VIRTUAL_INTERRUPT", .slow = true,
		.in_size = sizeof(struct hv_input_assert_virtual_interrupt),
		.call = hvsim_assert_virtual_interrupt,
	}, {
		.code = HVCALL_CLEAR_VIRTUAL_INTERRUPT,
		.name = "CLEAR_VIRTUAL_INTERRUPT", .fast = true, .slow = true,
		.in_size = sizeof(struct hv_input_clear_virtual_interrupt),
		.call = hvsim_clear_virtual_interrupt,
	},
};

const unsigned int hvsim_lapic_nr_hcalls = ARRAY_SIZE(hvsim_lapic_hcalls);

/* ------------------------------------------------------- test hooks ---- */

/**
 * hvsim_vp_irq_stats() - a VP's interrupt counters and latches
 * @partition_id: partition
 * @vp_index: VP
 * @st: filled
 *
 * Return: 0 or -ESRCH.
 */
int hvsim_vp_irq_stats(u64 partition_id, u32 vp_index, struct hvsim_irq_stats *st)
{
	struct hvsim_partition *pt;
	struct hvsim_vp *vp = NULL;
	unsigned long flags;

	spin_lock_irqsave(&hvsim.lock, flags);
	pt = hvsim_partition_get(partition_id);
	if (pt)
		vp = hvsim_vp_get(pt, vp_index);
	if (vp) {
		*st = vp->irq;
		st->nmi_pending = vp->nmi_pending;
		st->extint_pending = vp->extint_pending;
		st->extint_acked = vp->extint_acked;
		st->ppr = lapic_ppr(vp);
	}
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return vp ? 0 : -ESRCH;
}
EXPORT_SYMBOL_GPL(hvsim_vp_irq_stats);
