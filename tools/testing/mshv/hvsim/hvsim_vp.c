// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: virtual processors without execution -- HVCALL_CREATE_VP,
 * HVCALL_DELETE_VP, the x64 register file (HVCALL_GET/SET_VP_REGISTERS),
 * the VP state pages (HVCALL_MAP/UNMAP_VP_STATE_PAGE) and the register
 * page's dirty protocol.
 *
 * Register file.  Every register name of hv-abi.md §11.4.1 is a row of
 * hvsim_regs[] below (indexed families are one row with a count).  A row
 * says where the value lives -- in the execution engine's struct x86_cpu,
 * in the XSAVE area (FP/XMM registers are windows into its legacy region,
 * so the XSAVE VP state and the registers can never disagree), in the
 * synthetic-timer state, or in a per-VP array of other values -- its
 * reserved bits and whether it is read-only.  SET validates like the
 * hypervisor (reserved bits, architecturally fixed bits, value width: the
 * unused high bytes of a 64-bit value must be zero) and has no side
 * effect beyond the register itself; every failure is INVALID_PARAMETER.
 *
 * The register page mirrors the registers it has: every write through
 * SET_VP_REGISTERS updates that register's field in the page (and only
 * that field, so a root write pending under a dirty bit is not lost)
 * without setting dirty bits; hvsim_vp_apply_dirty() loads the dirty
 * classes back before the VP runs.
 */
#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "hvsim.h"

/* Child-pool pages a VP costs (its hypervisor-side structures). */
#define HVSIM_COST_VP		8

/* Where a register lives. */
enum {
	R_MISC,		/* vp->misc[slot + i] (u64) */
	R_CPU,		/* u64 at @off (+ 8 * i) in struct x86_cpu */
	R_SEG,		/* struct x86_segment at @off (+ 16 * i) in x86_cpu */
	R_TABLE,	/* struct x86_table at @off in x86_cpu */
	R_XSAVE,	/* 16 bytes at @off (+ 16 * i) in the XSAVE area */
	R_SPECIAL,	/* computed or stored elsewhere: see reg_special_*() */
};

#define F_RO		BIT(0)	/* read-only: SET refused */
#define F_WO		BIT(1)	/* a command: SET accepted, reads 0 */
#define F_128		BIT(2)	/* all 16 bytes are significant */

struct hvsim_reg {
	u32 name;
	u16 count;
	u8 kind;
	u8 flags;
	u16 off;
	u16 page_off;	/* field of member 0 in the register page; 0: none */
	u64 rsvd;	/* reserved bits of the low qword */
	u64 reset;	/* R_MISC: value at creation (and of a read-only row) */
};

#define CPU(f)		offsetof(struct x86_cpu, f)
#define PAGE_OFF(f)	offsetof(struct hv_vp_register_page, f)

#define MISC(_n, _cnt, _fl, _rsvd, _reset) \
	{ .name = (_n), .count = (_cnt), .kind = R_MISC, .flags = (_fl), \
	  .rsvd = (_rsvd), .reset = (_reset) }
#define RW(_n)			MISC(_n, 1, 0, 0, 0)
#define RWN(_n, _cnt)		MISC(_n, _cnt, 0, 0, 0)
#define RSV(_n, _rsvd)		MISC(_n, 1, 0, _rsvd, 0)
#define RO(_n, _val)		MISC(_n, 1, F_RO, 0, _val)
#define ZERO_ONLY(_n)		MISC(_n, 1, 0, ~0ULL, 0)
#define INCPU(_n, _cnt, _f, _rsvd, _poff) \
	{ .name = (_n), .count = (_cnt), .kind = R_CPU, .off = CPU(_f), \
	  .rsvd = (_rsvd), .page_off = (_poff) }
#define SPECIAL(_n, _cnt, _fl, _rsvd) \
	{ .name = (_n), .count = (_cnt), .kind = R_SPECIAL, .flags = (_fl), \
	  .rsvd = (_rsvd) }
#define XSAVE(_n, _cnt, _off, _poff) \
	{ .name = (_n), .count = (_cnt), .kind = R_XSAVE, .flags = F_128, \
	  .off = (_off), .page_off = (_poff) }

/* Legacy-region offsets of the XSAVE (FXSAVE) image. */
#define XS_FP_CONTROL		0
#define XS_XMM_CONTROL		16
#define XS_MXCSR		24
#define XS_MXCSR_MASK		28
#define XS_ST0			32
#define XS_XMM0			160
#define XS_XSTATE_BV		512
#define XS_XCOMP_BV		520
#define XS_MIN_SIZE		576

#define RSVD_SUSPEND		GENMASK_ULL(63, 1)
#define RSVD_PAGE_MSR		GENMASK_ULL(11, 1)	/* enable + GPA page */
#define RSVD_CR0		(GENMASK_ULL(63, 32) | GENMASK_ULL(28, 19) | \
				 BIT_ULL(17) | GENMASK_ULL(15, 6))
/* VME..UMIP, VMXE, FSGSBASE, PCIDE, OSXSAVE, SMEP, SMAP, PKE, CET. */
#define CR4_VALID		(GENMASK_ULL(11, 0) | BIT_ULL(13) | \
				 GENMASK_ULL(18, 16) | GENMASK_ULL(23, 20))
#define EFER_VALID		(BIT_ULL(0) | BIT_ULL(8) | BIT_ULL(10) | BIT_ULL(11))
#define RSVD_RFLAGS		(GENMASK_ULL(63, 22) | BIT_ULL(15) | BIT_ULL(5) | \
				 BIT_ULL(3))
#define RSVD_APIC_BASE		(GENMASK_ULL(63, 52) | BIT_ULL(9) | GENMASK_ULL(7, 0))
#define APIC_BASE_BSP		BIT_ULL(8)
#define APIC_BASE_EXTD		BIT_ULL(10)
#define APIC_BASE_EN		BIT_ULL(11)
#define RSVD_HI32		GENMASK_ULL(63, 32)
#define RSVD_SEG_ATTR		GENMASK(11, 8)
#define RSVD_STIMER_CONFIG	(GENMASK_ULL(63, 20) | GENMASK_ULL(15, 13))
#define RSVD_PENDING_DEBUG	(~(GENMASK_ULL(3, 0) | BIT_ULL(12) | BIT_ULL(14) | \
				   BIT_ULL(16)))

/* Reset values (documented in hvsim.rst, "VPs"). */
#define RESET_CR0		0x60000010ULL
#define RESET_RIP		0xfff0ULL
#define RESET_RFLAGS		0x2ULL
#define RESET_CS_BASE		0xffff0000ULL
#define RESET_CS_SEL		0xf000
#define RESET_APIC_BASE		(0xfee00000ULL | APIC_BASE_EN)
#define RESET_PAT		0x0007040600070406ULL
#define RESET_DR6		0xffff0ff0ULL
#define RESET_DR7		0x400ULL
#define RESET_MTRR_CAP		0x510ULL	/* 16 variable, fixed, WC */
#define RESET_MISC_ENABLE	0x1ULL		/* fast strings */
#define RESET_FCW		0x37f
#define RESET_MXCSR		0x1f80
#define RESET_MXCSR_MASK	0xffff
#define INTERRUPT_CLOCK_HZ	200000000ULL	/* APIC timer, as Hyper-V reports */

static const struct hvsim_reg hvsim_regs[] = {
	/* Suspend and activity state */
	MISC(HV_REGISTER_EXPLICIT_SUSPEND, 1, 0, RSVD_SUSPEND, 1),
	RSV(HV_REGISTER_INTERCEPT_SUSPEND, RSVD_SUSPEND),
	{ .name = HV_REGISTER_INSTRUCTION_EMULATION_HINTS, .count = 1,
	  .kind = R_MISC, .page_off = PAGE_OFF(instruction_emulation_hints) },
	RSV(HV_REGISTER_DISPATCH_SUSPEND, RSVD_SUSPEND),
	SPECIAL(HV_REGISTER_INTERNAL_ACTIVITY_STATE, 1, 0, HV_INTERNAL_ACTIVITY_RSVD_MASK),
	/* Identification: CPUID 0x40000002..0x4000000a as 128-bit values */
	SPECIAL(HV_REGISTER_HYPERVISOR_VERSION, 1, F_RO | F_128, 0),
	SPECIAL(HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO, 9, F_RO | F_128, 0),
	/* Guest crash MSRs */
	RWN(HV_REGISTER_GUEST_CRASH_P0, 5),
	RSV(HV_REGISTER_GUEST_CRASH_CTL, GENMASK_ULL(61, 0)),
	/* Power states, frequencies, misc */
	RWN(HV_REGISTER_POWER_STATE_CONFIG_C1, 6),
	SPECIAL(HV_REGISTER_PROCESSOR_CLOCK_FREQUENCY, 1, F_RO, 0),
	RO(HV_REGISTER_INTERRUPT_CLOCK_FREQUENCY, INTERRUPT_CLOCK_HZ),
	RW(HV_REGISTER_GUEST_IDLE),
	RW(HV_REGISTER_DEBUG_DEVICE_OPTIONS),
	RW(HV_REGISTER_MEMORY_ZEROING_CONTROL),
	/* Interruption and event state */
	{ .name = HV_REGISTER_PENDING_INTERRUPTION, .count = 1, .kind = R_MISC,
	  .rsvd = HV_X64_PENDING_INTERRUPTION_RSVD_MASK,
	  .page_off = PAGE_OFF(pending_interruption) },
	{ .name = HV_REGISTER_INTERRUPT_STATE, .count = 1, .kind = R_SPECIAL,
	  .rsvd = HV_X64_INTERRUPT_STATE_RSVD_MASK,
	  .page_off = PAGE_OFF(interrupt_state) },
	SPECIAL(HV_REGISTER_PENDING_EVENT0, 2, F_128, 0),
	/* Deliverability notifications are not modelled: only 0 is accepted. */
	ZERO_ONLY(HV_X64_REGISTER_DELIVERABILITY_NOTIFICATIONS),
	RSV(HV_X64_REGISTER_PENDING_DEBUG_EXCEPTION, RSVD_PENDING_DEBUG),
	/* Hypervisor-defined synthetic */
	RO(HV_REGISTER_VP_RUNTIME, 0),
	SPECIAL(HV_X64_REGISTER_HYPERCALL, 1, 0, GENMASK_ULL(11, 2)),
	SPECIAL(HV_REGISTER_GUEST_OS_ID, 1, 0, 0),
	SPECIAL(HV_REGISTER_VP_INDEX, 1, F_RO, 0),
	SPECIAL(HV_REGISTER_TIME_REF_COUNT, 1, F_RO, 0),
	RO(HV_REGISTER_CPU_MANAGEMENT_VERSION, 0),
	SPECIAL(HV_X64_REGISTER_SYNTHETIC_EOI, 1, F_WO, 0),
	RW(HV_X64_REGISTER_SYNTHETIC_ICR),
	RSV(HV_X64_REGISTER_SYNTHETIC_TPR, GENMASK_ULL(63, 8)),
	RSV(HV_REGISTER_VP_ASSIST_PAGE, RSVD_PAGE_MSR),
	SPECIAL(HV_REGISTER_VP_ROOT_SIGNAL_COUNT, 1, F_RO, 0),
	SPECIAL(HV_REGISTER_REFERENCE_TSC, 1, 0, RSVD_PAGE_MSR),
	ZERO_ONLY(HV_X64_REGISTER_GHCB),
	RW(HV_X64_REGISTER_REG_PAGE),
	RWN(HV_REGISTER_STATS_PARTITION_RETAIL, 4),
	RWN(HV_X64_REGISTER_EMULATED_TIMER_PERIOD, 3),
	ZERO_ONLY(HV_X64_REGISTER_SEV_CONTROL),
	ZERO_ONLY(HV_X64_REGISTER_SEV_GHCB_GPA),
	ZERO_ONLY(HV_X64_REGISTER_SEV_DOORBELL_GPA),
	SPECIAL(HV_REGISTER_NESTED_VP_INDEX, 1, F_RO, 0),
	/* SynIC (and the nested SynIC, same rules) */
	MISC(HV_REGISTER_SINT0, 16, 0, HV_SYNIC_SINT_RSVD_MASK, HV_SYNIC_SINT_MASKED),
	RSV(HV_REGISTER_SCONTROL, GENMASK_ULL(63, 1)),
	RO(HV_REGISTER_SVERSION, HV_SYNIC_VERSION_1),
	RSV(HV_REGISTER_SIEFP, RSVD_PAGE_MSR),
	RSV(HV_REGISTER_SIMP, RSVD_PAGE_MSR),
	SPECIAL(HV_REGISTER_EOM, 1, F_WO, 0),
	RSV(HV_REGISTER_SIRBP, RSVD_PAGE_MSR),
	MISC(HV_REGISTER_NESTED_SINT0, 16, 0, HV_SYNIC_SINT_RSVD_MASK,
	     HV_SYNIC_SINT_MASKED),
	RSV(HV_REGISTER_NESTED_SCONTROL, GENMASK_ULL(63, 1)),
	RO(HV_REGISTER_NESTED_SVERSION, HV_SYNIC_VERSION_1),
	RSV(HV_REGISTER_NESTED_SIFP, RSVD_PAGE_MSR),
	RSV(HV_REGISTER_NESTED_SIPP, RSVD_PAGE_MSR),
	SPECIAL(HV_REGISTER_NESTED_EOM, 1, F_WO, 0),
	RSV(HV_REGISTER_NESTED_SIRBP, RSVD_PAGE_MSR),
	/* Synthetic timers: windows into the SYNTHETIC_TIMERS state */
	SPECIAL(HV_REGISTER_STIMER0_CONFIG, 8, 0, 0),
	RSV(HV_REGISTER_STIME_UNHALTED_TIMER_CONFIG, RSVD_STIMER_CONFIG),
	RW(HV_REGISTER_STIME_UNHALTED_TIMER_COUNT),
	/* VSM and isolation: VTL 1 is not modelled, the controls stay 0. */
	RO(HV_REGISTER_VSM_CODE_PAGE_OFFSETS, 0),
	RO(HV_REGISTER_VSM_VP_STATUS, 0),
	RO(HV_REGISTER_VSM_PARTITION_STATUS, 0),
	ZERO_ONLY(HV_REGISTER_VSM_VINA),
	RO(HV_REGISTER_VSM_CAPABILITIES, 0),
	ZERO_ONLY(HV_REGISTER_VSM_PARTITION_CONFIG),
	MISC(HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, 15, 0, ~0ULL, 0),
	ZERO_ONLY(HV_REGISTER_VSM_VP_WAIT_FOR_TLB_LOCK),
	RO(HV_REGISTER_ISOLATION_CAPABILITIES, 0),
	/* General purpose */
	INCPU(HV_X64_REGISTER_RAX, 16, gpr, 0, PAGE_OFF(gp_registers)),
	INCPU(HV_X64_REGISTER_RIP, 1, rip, 0, PAGE_OFF(rip)),
	INCPU(HV_X64_REGISTER_RFLAGS, 1, rflags, RSVD_RFLAGS, PAGE_OFF(rflags)),
	/* FP / vector: windows into the XSAVE legacy region */
	XSAVE(HV_X64_REGISTER_XMM0, 6, XS_XMM0, PAGE_OFF(xmm_registers)),
	XSAVE(HV_X64_REGISTER_XMM6, 10, XS_XMM0 + 6 * 16, 0),
	XSAVE(HV_X64_REGISTER_FP_MMX0, 8, XS_ST0, 0),
	XSAVE(HV_X64_REGISTER_FP_CONTROL_STATUS, 1, XS_FP_CONTROL, 0),
	XSAVE(HV_X64_REGISTER_XMM_CONTROL_STATUS, 1, XS_XMM_CONTROL, 0),
	/* Control */
	INCPU(HV_X64_REGISTER_CR0, 1, cr0, RSVD_CR0, PAGE_OFF(cr0)),
	INCPU(HV_X64_REGISTER_CR2, 1, cr2, 0, 0),
	INCPU(HV_X64_REGISTER_CR3, 1, cr3, GENMASK_ULL(63, 52), PAGE_OFF(cr3)),
	INCPU(HV_X64_REGISTER_CR4, 1, cr4, ~CR4_VALID, PAGE_OFF(cr4)),
	INCPU(HV_X64_REGISTER_CR8, 1, cr8, GENMASK_ULL(63, 4), PAGE_OFF(cr8)),
	INCPU(HV_X64_REGISTER_XFEM, 1, xcr0, 0, PAGE_OFF(xfem)),
	/* INTERMEDIATE_CRn: the names VMMs write CR0/3/4/8 with */
	SPECIAL(HV_X64_REGISTER_INTERMEDIATE_CR0, 1, 0, 0),
	SPECIAL(HV_X64_REGISTER_INTERMEDIATE_CR3, 3, 0, 0),
	/* Debug */
	INCPU(HV_X64_REGISTER_DR0, 4, dr, 0, 0),
	INCPU(HV_X64_REGISTER_DR6, 1, dr6, RSVD_HI32, 0),
	INCPU(HV_X64_REGISTER_DR7, 1, dr7, RSVD_HI32, PAGE_OFF(dr7)),
	/* Segments and descriptor tables */
	{ .name = HV_X64_REGISTER_ES, .count = 6, .kind = R_SEG, .flags = F_128,
	  .off = CPU(seg), .page_off = PAGE_OFF(segment_registers) },
	{ .name = HV_X64_REGISTER_LDTR, .count = 1, .kind = R_SEG, .flags = F_128,
	  .off = CPU(ldtr) },
	{ .name = HV_X64_REGISTER_TR, .count = 1, .kind = R_SEG, .flags = F_128,
	  .off = CPU(tr) },
	{ .name = HV_X64_REGISTER_IDTR, .count = 1, .kind = R_TABLE, .flags = F_128,
	  .off = CPU(idtr) },
	{ .name = HV_X64_REGISTER_GDTR, .count = 1, .kind = R_TABLE, .flags = F_128,
	  .off = CPU(gdtr) },
	/* MSR-backed */
	INCPU(HV_X64_REGISTER_TSC, 1, tsc, 0, 0),
	INCPU(HV_X64_REGISTER_EFER, 1, efer, ~EFER_VALID, PAGE_OFF(efer)),
	INCPU(HV_X64_REGISTER_KERNEL_GS_BASE, 1, kernel_gs_base, 0, 0),
	INCPU(HV_X64_REGISTER_APIC_BASE, 1, apic_base, RSVD_APIC_BASE, 0),
	INCPU(HV_X64_REGISTER_PAT, 1, pat, 0, 0),
	INCPU(HV_X64_REGISTER_SYSENTER_CS, 1, sysenter_cs, 0, 0),
	INCPU(HV_X64_REGISTER_SYSENTER_EIP, 1, sysenter_eip, 0, 0),
	INCPU(HV_X64_REGISTER_SYSENTER_ESP, 1, sysenter_esp, 0, 0),
	INCPU(HV_X64_REGISTER_STAR, 1, star, 0, 0),
	INCPU(HV_X64_REGISTER_LSTAR, 1, lstar, 0, 0),
	INCPU(HV_X64_REGISTER_CSTAR, 1, cstar, 0, 0),
	INCPU(HV_X64_REGISTER_SFMASK, 1, sfmask, 0, 0),
	SPECIAL(HV_X64_REGISTER_INITIAL_APIC_ID, 1, F_RO, 0),
	RO(HV_X64_REGISTER_MSR_MTRR_CAP, RESET_MTRR_CAP),
	RSV(HV_X64_REGISTER_MSR_MTRR_DEF_TYPE, GENMASK_ULL(63, 12) | GENMASK_ULL(9, 8)),
	MISC(HV_X64_REGISTER_MSR_MTRR_PHYS_BASE0, 16, 0,
	     GENMASK_ULL(63, 52) | GENMASK_ULL(11, 8), 0),
	MISC(HV_X64_REGISTER_MSR_MTRR_PHYS_MASK0, 16, 0,
	     GENMASK_ULL(63, 52) | GENMASK_ULL(10, 0), 0),
	RWN(HV_X64_REGISTER_MSR_MTRR_FIX64K00000, 11),
	RSV(HV_X64_REGISTER_TSC_AUX, RSVD_HI32),
	RSV(HV_X64_REGISTER_BNDCFGS, GENMASK_ULL(11, 2)),
	RSV(HV_X64_REGISTER_DEBUG_CTL, GENMASK_ULL(63, 16) | GENMASK_ULL(5, 2)),
	RWN(HV_X64_REGISTER_SGX_LAUNCH_CONTROL0, 4),
	RSV(HV_X64_REGISTER_SPEC_CTRL, ~(GENMASK_ULL(2, 0) | BIT_ULL(7))),
	MISC(HV_X64_REGISTER_PRED_CMD, 1, F_WO, ~BIT_ULL(0), 0),
	RSV(HV_X64_REGISTER_VIRT_SPEC_CTRL, ~BIT_ULL(2)),
	RSV(HV_X64_REGISTER_U_XSS, ~(GENMASK_ULL(16, 10) | BIT_ULL(8))),
	RSV(HV_X64_REGISTER_U_CET, GENMASK_ULL(9, 6)),
	RSV(HV_X64_REGISTER_S_CET, GENMASK_ULL(9, 6)),
	RW(HV_X64_REGISTER_SSP),
	MISC(HV_X64_REGISTER_PL0_SSP, 4, 0, GENMASK_ULL(1, 0), 0),
	RW(HV_X64_REGISTER_INTERRUPT_SSP_TABLE_ADDR),
	RW(HV_X64_REGISTER_TSC_ADJUST),
	MISC(HV_X64_REGISTER_MSR_IA32_MISC_ENABLE, 1, 0, 0, RESET_MISC_ENABLE),
	RW(HV_X64_REGISTER_IA32_FEATURE_CONTROL),
	/* VMX capability MSRs: nested virtualization is not modelled */
	MISC(HV_X64_REGISTER_IA32_VMX_BASIC, 17, F_RO, 0, 0),
	/* Performance monitoring, LBR, processor trace (stored only) */
	RWN(HV_X64_REGISTER_PERF_GLOBAL_CTRL, 8),
	RWN(HV_X64_REGISTER_RTIT_CTL, 5),
	RWN(HV_X64_REGISTER_PERF_EVT_SEL0, 8),
	RWN(HV_X64_REGISTER_PMC0, 8),
	RWN(HV_X64_REGISTER_FIXED_CTR0, 4),
	RWN(HV_X64_REGISTER_RTIT_ADDR0A, 8),
	RWN(HV_X64_REGISTER_LBR_TOS, 4),
	RWN(HV_X64_REGISTER_LBR_FROM0, 32),
	RWN(HV_X64_REGISTER_LBR_TO0, 32),
	RWN(HV_X64_REGISTER_LBR_INFO0, 32),
	SPECIAL(HV_X64_REGISTER_APIC_ID, 2, F_RO, 0),
	/* Intercept control (stored for the execution engine) */
	RWN(HV_X64_REGISTER_CR_INTERCEPT_CONTROL, 4),
};

/* Slot in vp->misc of member 0 of each R_MISC row. */
static u16 reg_slot[ARRAY_SIZE(hvsim_regs)];
static unsigned int nr_misc;

int hvsim_vp_init(void)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(hvsim_regs); i++) {
		const struct hvsim_reg *r = &hvsim_regs[i];

		/* Rows must not overlap: a name belongs to one row. */
		for (j = 0; j < i; j++)
			if (WARN_ON(r->name < hvsim_regs[j].name + hvsim_regs[j].count &&
				    hvsim_regs[j].name < r->name + r->count))
				return -EINVAL;
		if (r->kind == R_MISC) {
			reg_slot[i] = nr_misc;
			nr_misc += r->count;
		}
	}
	return 0;
}

static const struct hvsim_reg *reg_find(u32 name, unsigned int *member)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvsim_regs); i++) {
		if (name - hvsim_regs[i].name < hvsim_regs[i].count) {
			*member = name - hvsim_regs[i].name;
			return &hvsim_regs[i];
		}
	}
	return NULL;
}

static u64 *reg_misc(struct hvsim_vp *vp, const struct hvsim_reg *r, unsigned int m)
{
	return &vp->misc[reg_slot[r - hvsim_regs] + m];
}

/**
 * hvsim_vp_misc_reg() - where a stored register of a VP lives
 * @vp: the VP (hvsim.lock held)
 * @name: a register of hvsim_regs[] stored in vp->misc (e.g. the suspend
 *	registers)
 *
 * Return: the value's address.
 */
u64 *hvsim_vp_misc_reg(struct hvsim_vp *vp, u32 name)
{
	static u64 nowhere;
	const struct hvsim_reg *r;
	unsigned int m;

	r = reg_find(name, &m);
	if (WARN_ON_ONCE(!r || r->kind != R_MISC))
		return &nowhere;
	return reg_misc(vp, r, m);
}

static u64 *reg_cpu64(struct hvsim_vp *vp, const struct hvsim_reg *r, unsigned int m)
{
	return (u64 *)((u8 *)&vp->cpu + r->off) + m;
}

static struct x86_segment *reg_seg(struct hvsim_vp *vp, const struct hvsim_reg *r,
				   unsigned int m)
{
	return (struct x86_segment *)((u8 *)&vp->cpu + r->off) + m;
}

static union hv_stimer_config *stimer_config(struct hvsim_vp *vp, unsigned int m)
{
	return &vp->stimers.timers[m / 2].config;
}

/* ------------------------------------------------------------- get ---- */

static void reg_special_get(struct hvsim_vp *vp, u32 name, unsigned int m,
			    union hv_register_value *v)
{
	struct hvsim_partition *pt = vp->pt;
	u32 res[4];

	switch (name - m) {
	case HV_REGISTER_HYPERVISOR_VERSION:
	case HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO:
		/* EAX in bits 0-31 ... EDX in bits 96-127. */
		hvsim_cpuid_hv_leaf(pt, name == HV_REGISTER_HYPERVISOR_VERSION ?
				    0x40000002 : 0x40000003 + m, res);
		v->reg128.low_part = res[0] | (u64)res[1] << 32;
		v->reg128.high_part = res[2] | (u64)res[3] << 32;
		break;
	case HV_REGISTER_PROCESSOR_CLOCK_FREQUENCY:
		v->reg64 = hvsim_clock_frequency();
		break;
	case HV_REGISTER_INTERNAL_ACTIVITY_STATE:
		/* Halted is the execution engine's state; the rest is stored. */
		v->reg64 = vp->activity | (vp->cpu.halted ? HV_INTERNAL_ACTIVITY_HALT_SUSPEND : 0);
		break;
	case HV_REGISTER_INTERRUPT_STATE:
		v->reg64 = (vp->cpu.interrupt_shadow ?
			    HV_X64_INTERRUPT_STATE_INTERRUPT_SHADOW : 0) |
			   (vp->cpu.nmi_masked ? HV_X64_INTERRUPT_STATE_NMI_MASKED : 0);
		break;
	case HV_REGISTER_PENDING_EVENT0:
		v->reg128 = vp->pending_event[m];
		break;
	case HV_X64_REGISTER_HYPERCALL:
		v->reg64 = pt->hypercall_msr;
		break;
	case HV_REGISTER_GUEST_OS_ID:
		v->reg64 = pt->props.guest_os_id;
		break;
	case HV_REGISTER_VP_INDEX:
	case HV_REGISTER_NESTED_VP_INDEX:
	case HV_X64_REGISTER_INITIAL_APIC_ID:
		v->reg64 = vp->index;
		break;
	case HV_REGISTER_TIME_REF_COUNT:
		v->reg64 = hvsim_partition_reference_time(pt);
		break;
	case HV_REGISTER_VP_ROOT_SIGNAL_COUNT:
		v->reg64 = vp->root_signal_count;
		break;
	case HV_REGISTER_REFERENCE_TSC:
		v->reg64 = pt->reference_tsc_msr;
		break;
	case HV_REGISTER_STIMER0_CONFIG:
		if (m & 1)
			v->reg64 = vp->stimers.timers[m / 2].count;
		else
			v->reg64 = stimer_config(vp, m)->as_uint64;
		break;
	case HV_X64_REGISTER_INTERMEDIATE_CR0:
		v->reg64 = vp->cpu.cr0;
		break;
	case HV_X64_REGISTER_INTERMEDIATE_CR3:
		v->reg64 = m == 0 ? vp->cpu.cr3 : m == 1 ? vp->cpu.cr4 : vp->cpu.cr8;
		break;
	case HV_X64_REGISTER_APIC_ID:
		/* x2APIC register forms of the LAPIC state. */
		if (m)
			v->reg64 = vp->lapic.apic_version;
		else if (vp->cpu.apic_base & APIC_BASE_EXTD)
			v->reg64 = vp->lapic.apic_id;
		else
			v->reg64 = vp->lapic.apic_id >> 24;
		break;
	default:
		/* EOM, NESTED_EOM, SYNTHETIC_EOI: commands, read as 0. */
		break;
	}
}

static void reg_get(struct hvsim_vp *vp, const struct hvsim_reg *r, u32 name,
		    unsigned int m, union hv_register_value *v)
{
	struct x86_segment *s;
	struct x86_table *t;

	memset(v, 0, sizeof(*v));
	if (r->flags & F_WO)
		return;
	switch (r->kind) {
	case R_MISC:
		v->reg64 = *reg_misc(vp, r, m);
		break;
	case R_CPU:
		v->reg64 = *reg_cpu64(vp, r, m);
		break;
	case R_SEG:
		s = reg_seg(vp, r, m);
		v->segment.base = s->base;
		v->segment.limit = s->limit;
		v->segment.selector = s->selector;
		v->segment.attributes = s->attributes;
		break;
	case R_TABLE:
		t = (struct x86_table *)((u8 *)&vp->cpu + r->off);
		v->table.limit = t->limit;
		v->table.base = t->base;
		break;
	case R_XSAVE:
		memcpy(v, vp->xsave + r->off + 16 * m, 16);
		break;
	case R_SPECIAL:
		reg_special_get(vp, name, m, v);
		break;
	}
}

/* ------------------------------------------------------------- set ---- */

/* PAT and fixed-MTRR bytes: UC, WC, WT, WP, WB (and UC- for PAT). */
static bool mem_types_ok(u64 v, bool pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++, v >>= 8) {
		u8 t = v & 0xff;

		if (t != 0 && t != 1 && !(t >= 4 && t <= 6) && !(pat && t == 7))
			return false;
	}
	return true;
}

/* Checks beyond the row's reserved mask; true if @v is acceptable. */
static bool reg_value_ok(struct hvsim_vp *vp, const struct hvsim_reg *r, u32 name,
			 const union hv_register_value *v)
{
	u64 x = v->reg64;

	switch (name) {
	case HV_X64_REGISTER_CR0:
	case HV_X64_REGISTER_INTERMEDIATE_CR0:
		/* PG needs PE, NW needs CD (#GP on MOV to CR0). */
		return !((x & X86_CR0_PG) && !(x & X86_CR0_PE)) &&
		       !((x & X86_CR0_NW) && !(x & X86_CR0_CD));
	case HV_X64_REGISTER_RFLAGS:
		return x & X86_FLAGS_FIXED;
	case HV_X64_REGISTER_XFEM:
		/* XCR0: x87 always, SSE with AVX, only enabled components. */
		return (x & HV_X64_XFEM_LEGACY_X87) &&
		       !(x & ~hvsim_partition_xsave_states(vp->pt)) &&
		       !((x & HV_X64_XFEM_AVX) && !(x & HV_X64_XFEM_LEGACY_SSE));
	case HV_X64_REGISTER_APIC_BASE:
		return !((x & APIC_BASE_EXTD) && !(x & APIC_BASE_EN));
	case HV_X64_REGISTER_PAT:
		return mem_types_ok(x, true);
	case HV_X64_REGISTER_MSR_MTRR_DEF_TYPE:
		return mem_types_ok(x & 0xff, false);
	case HV_X64_REGISTER_MSR_MTRR_FIX64K00000 ... HV_X64_REGISTER_MSR_MTRR_FIX4KF8000:
		return mem_types_ok(x, false);
	case HV_X64_REGISTER_MSR_MTRR_PHYS_BASE0 ... HV_X64_REGISTER_MSR_MTRR_PHYS_BASEF:
		return mem_types_ok(x & 0xff, false);
	case HV_REGISTER_SINT0 ... HV_REGISTER_SINT15:
	case HV_REGISTER_NESTED_SINT0 ... HV_REGISTER_NESTED_SINT15:
		/* Vectors 0-15 are reserved unless the SINT is masked. */
		return (x & HV_SYNIC_SINT_MASKED) ||
		       (x & HV_SYNIC_SINT_VECTOR_MASK) >= HV_SYNIC_FIRST_VALID_VECTOR;
	case HV_REGISTER_PENDING_INTERRUPTION: {
		u64 type = FIELD_GET(HV_X64_PENDING_INTERRUPTION_TYPE_MASK, x);

		return type != 1 && type != 7;
	}
	case HV_REGISTER_PENDING_EVENT0:
	case HV_REGISTER_PENDING_EVENT1:
		/* event_info bits 4-7 and 9-15 are reserved. */
		return !(v->pending_event.exception.event_info &
			 (GENMASK(7, 4) | GENMASK(15, 9)));
	case HV_REGISTER_STIMER0_CONFIG ... HV_REGISTER_STIMER3_COUNT:
		return (name & 1) || !(x & RSVD_STIMER_CONFIG);
	}
	switch (r->kind) {
	case R_SEG:
		return !(v->segment.attributes & RSVD_SEG_ATTR);
	case R_TABLE:
		return !v->table.pad[0] && !v->table.pad[1] && !v->table.pad[2];
	case R_XSAVE:
		if (r->off == XS_FP_CONTROL)
			return !v->fp_control_status.reserved;
		if (r->off == XS_XMM_CONTROL)
			return !(v->xmm_control_status.xmm_status_control &
				 GENMASK(31, 16));
		if (r->off == XS_ST0)
			return !v->fp.reserved0 && !v->fp.reserved1;
		break;
	}
	return true;
}

static void reg_special_set(struct hvsim_vp *vp, u32 name, unsigned int m,
			    const union hv_register_value *v)
{
	struct hvsim_partition *pt = vp->pt;

	switch (name - m) {
	case HV_REGISTER_INTERNAL_ACTIVITY_STATE:
		/* A VMM restoring or resetting a VP takes it out of HLT here. */
		vp->cpu.halted = v->reg64 & HV_INTERNAL_ACTIVITY_HALT_SUSPEND;
		vp->activity = v->reg64 & ~HV_INTERNAL_ACTIVITY_HALT_SUSPEND;
		break;
	case HV_REGISTER_INTERRUPT_STATE:
		vp->cpu.interrupt_shadow = v->reg64 & HV_X64_INTERRUPT_STATE_INTERRUPT_SHADOW;
		vp->cpu.nmi_masked = v->reg64 & HV_X64_INTERRUPT_STATE_NMI_MASKED;
		break;
	case HV_REGISTER_PENDING_EVENT0:
		vp->pending_event[m] = v->reg128;
		break;
	case HV_X64_REGISTER_HYPERCALL:
		pt->hypercall_msr = v->reg64;
		break;
	case HV_REGISTER_GUEST_OS_ID:
		/* Partition-wide: also the GUEST_OS_ID property. */
		pt->props.guest_os_id = v->reg64;
		break;
	case HV_REGISTER_REFERENCE_TSC:
		pt->reference_tsc_msr = v->reg64;
		break;
	case HV_REGISTER_STIMER0_CONFIG:
		if (m & 1)
			vp->stimers.timers[m / 2].count = v->reg64;
		else
			stimer_config(vp, m)->as_uint64 = v->reg64;
		break;
	}
}

/* INTERMEDIATE_CRn names are CRn; the register page has the CRn name. */
static u32 reg_canonical(u32 name)
{
	switch (name) {
	case HV_X64_REGISTER_INTERMEDIATE_CR0:
		return HV_X64_REGISTER_CR0;
	case HV_X64_REGISTER_INTERMEDIATE_CR3:
		return HV_X64_REGISTER_CR3;
	case HV_X64_REGISTER_INTERMEDIATE_CR4:
		return HV_X64_REGISTER_CR4;
	case HV_X64_REGISTER_INTERMEDIATE_CR8:
		return HV_X64_REGISTER_CR8;
	}
	return name;
}

/* Copy register @name into its register-page field, if it has one. */
static void reg_mirror(struct hvsim_vp *vp, const struct hvsim_reg *r, u32 name,
		       unsigned int m)
{
	union hv_register_value v;
	size_t size;

	if (!r->page_off)
		return;
	reg_get(vp, r, name, m, &v);
	size = (r->kind == R_SEG || r->kind == R_XSAVE) ? 16 : 8;
	memcpy((u8 *)vp->reg_page + r->page_off + m * size, &v, size);
}

/* Validate and store one register; returns an HV status. */
static u16 reg_set(struct hvsim_vp *vp, u32 name, const union hv_register_value *v)
{
	const struct hvsim_reg *r;
	unsigned int m;
	u32 canon = reg_canonical(name);

	r = reg_find(canon, &m);
	if (!r || (r->flags & F_RO))
		return HV_STATUS_INVALID_PARAMETER;
	if (!(r->flags & F_128) && v->reg128.high_part)
		return HV_STATUS_INVALID_PARAMETER;
	if (!(r->flags & F_128) && (v->reg64 & r->rsvd))
		return HV_STATUS_INVALID_PARAMETER;
	if (!reg_value_ok(vp, r, name, v) ||
	    (canon != name && !reg_value_ok(vp, r, canon, v)))
		return HV_STATUS_INVALID_PARAMETER;
	if (r->flags & F_WO)
		return HV_STATUS_SUCCESS;

	switch (r->kind) {
	case R_MISC:
		*reg_misc(vp, r, m) = v->reg64;
		break;
	case R_CPU:
		*reg_cpu64(vp, r, m) = v->reg64;
		break;
	case R_SEG: {
		struct x86_segment *s = reg_seg(vp, r, m);

		s->base = v->segment.base;
		s->limit = v->segment.limit;
		s->selector = v->segment.selector;
		s->attributes = v->segment.attributes;
		break;
	}
	case R_TABLE: {
		struct x86_table *t = (struct x86_table *)((u8 *)&vp->cpu + r->off);

		t->limit = v->table.limit;
		t->base = v->table.base;
		break;
	}
	case R_XSAVE: {
		u64 *bv = (u64 *)(vp->xsave + XS_XSTATE_BV);

		memcpy(vp->xsave + r->off + 16 * m, v, 16);
		/* The component now holds state: XSTATE_BV says so. */
		*bv |= (r->off == XS_FP_CONTROL || r->off == XS_ST0) ?
		       HV_X64_XFEM_LEGACY_X87 : HV_X64_XFEM_LEGACY_SSE;
		break;
	}
	case R_SPECIAL:
		reg_special_set(vp, canon, m, v);
		break;
	}
	reg_mirror(vp, r, canon, m);
	return HV_STATUS_SUCCESS;
}

/* ------------------------------------------------------ reset state ---- */

static void vp_reset_cpu(struct hvsim_vp *vp)
{
	struct x86_cpu *c = &vp->cpu;
	u32 res[4];
	int i;

	memset(c, 0, sizeof(*c));
	/* Real mode at the reset vector. */
	c->rip = RESET_RIP;
	c->rflags = RESET_RFLAGS;
	for (i = 0; i < X86_NR_SREGS; i++) {
		c->seg[i].limit = 0xffff;
		/* Present, read/write data, accessed. */
		c->seg[i].attributes = X86_SEG_P | X86_SEG_S | 0x3;
	}
	c->seg[X86_CS].selector = RESET_CS_SEL;
	c->seg[X86_CS].base = RESET_CS_BASE;
	/* Present, execute/read code, accessed. */
	c->seg[X86_CS].attributes = X86_SEG_P | X86_SEG_S | 0xb;
	c->ldtr.limit = 0xffff;
	c->ldtr.attributes = X86_SEG_P | 0x2;		/* LDT */
	c->tr.limit = 0xffff;
	c->tr.attributes = X86_SEG_P | 0xb;		/* busy 32-bit TSS */
	c->gdtr.limit = 0xffff;
	c->idtr.limit = 0xffff;
	c->cr0 = RESET_CR0;
	c->dr6 = RESET_DR6;
	c->dr7 = RESET_DR7;
	c->apic_base = RESET_APIC_BASE | (vp->index ? 0 : APIC_BASE_BSP);
	c->pat = RESET_PAT;
	c->xcr0 = HV_X64_XFEM_LEGACY_X87;
	/* EDX holds the processor signature after reset. */
	hvsim_vp_cpuid(vp, 1, 0, false, res);
	c->gpr[X86_RDX] = res[0];
}

static void vp_reset(struct hvsim_vp *vp)
{
	unsigned int i, j;

	vp_reset_cpu(vp);
	for (i = 0; i < ARRAY_SIZE(hvsim_regs); i++)
		if (hvsim_regs[i].kind == R_MISC)
			for (j = 0; j < hvsim_regs[i].count; j++)
				vp->misc[reg_slot[i] + j] = hvsim_regs[i].reset;
	memset(vp->xsave, 0, vp->xsave_size);
	*(u16 *)(vp->xsave + XS_FP_CONTROL) = RESET_FCW;
	*(u32 *)(vp->xsave + XS_MXCSR) = RESET_MXCSR;
	*(u32 *)(vp->xsave + XS_MXCSR_MASK) = RESET_MXCSR_MASK;
	hvsim_vp_state_reset(vp);
}

/* ---------------------------------------------------- register page ---- */

/**
 * hvsim_vp_refresh_page() - rewrite the whole register page from the VP
 * @vp: the VP (hvsim.lock held)
 *
 * What the hypervisor does when the VP stops: every mirrored field is
 * current, isvalid = 1, dirty = 0.
 */
void hvsim_vp_refresh_page(struct hvsim_vp *vp)
{
	struct hv_vp_register_page *p = vp->reg_page;
	unsigned int i, m;

	lockdep_assert_held(&hvsim.lock);
	p->version = HV_VP_REGISTER_PAGE_VERSION_1;
	p->isvalid = 1;
	p->dirty = 0;
	for (i = 0; i < ARRAY_SIZE(hvsim_regs); i++)
		for (m = 0; m < hvsim_regs[i].count; m++)
			reg_mirror(vp, &hvsim_regs[i], hvsim_regs[i].name + m, m);
}

static bool page_seg_ok(const struct hv_x64_segment_register *s)
{
	return !(s->attributes & RSVD_SEG_ATTR);
}

/**
 * hvsim_vp_apply_dirty() - load the register page's dirty classes
 * @vp: the VP (hvsim.lock held)
 *
 * The scheduler calls this before every run of @vp: each class whose
 * dirty bit the root set (GENERAL_PURPOSE, INSTRUCTION_POINTER, XMM,
 * SEGMENTS, FLAGS) is loaded from the page into the VP, then dirty is
 * cleared.  A class holding a value SET_VP_REGISTERS would refuse (RFLAGS
 * reserved bits or bit 1 clear, segment attribute bits 8-11) is not
 * loaded and its page fields are restored from the VP.
 *
 * Return: 0, or -EINVAL when a class was refused (the scheduler reports
 * it as HVMSG_INVALID_VP_REGISTER_VALUE).
 */
int hvsim_vp_apply_dirty(struct hvsim_vp *vp)
{
	struct hv_vp_register_page *p = vp->reg_page;
	u32 dirty = READ_ONCE(p->dirty);
	int ret = 0, i;

	lockdep_assert_held(&hvsim.lock);
	if (dirty & HV_VP_REGISTER_PAGE_DIRTY_GENERAL_PURPOSE)
		memcpy(vp->cpu.gpr, p->gp_registers, sizeof(vp->cpu.gpr));
	if (dirty & HV_VP_REGISTER_PAGE_DIRTY_INSTRUCTION_POINTER)
		vp->cpu.rip = p->rip;
	if (dirty & HV_VP_REGISTER_PAGE_DIRTY_FLAGS) {
		if ((p->rflags & RSVD_RFLAGS) || !(p->rflags & X86_FLAGS_FIXED)) {
			p->rflags = vp->cpu.rflags;
			ret = -EINVAL;
		} else {
			vp->cpu.rflags = p->rflags;
		}
	}
	if (dirty & HV_VP_REGISTER_PAGE_DIRTY_XMM) {
		memcpy(vp->xsave + XS_XMM0, p->xmm_registers, sizeof(p->xmm_registers));
		*(u64 *)(vp->xsave + XS_XSTATE_BV) |= HV_X64_XFEM_LEGACY_SSE;
	}
	if (dirty & HV_VP_REGISTER_PAGE_DIRTY_SEGMENTS) {
		bool ok = true;

		for (i = 0; i < X86_NR_SREGS; i++)
			ok &= page_seg_ok(&p->segment_registers[i]);
		for (i = 0; ok && i < X86_NR_SREGS; i++) {
			const struct hv_x64_segment_register *s = &p->segment_registers[i];

			vp->cpu.seg[i].base = s->base;
			vp->cpu.seg[i].limit = s->limit;
			vp->cpu.seg[i].selector = s->selector;
			vp->cpu.seg[i].attributes = s->attributes;
		}
		if (!ok) {
			const struct hvsim_reg *r;
			unsigned int m;

			r = reg_find(HV_X64_REGISTER_ES, &m);
			for (m = 0; m < X86_NR_SREGS; m++)
				reg_mirror(vp, r, HV_X64_REGISTER_ES + m, m);
			ret = -EINVAL;
		}
	}
	WRITE_ONCE(p->dirty, 0);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_vp_apply_dirty);

/* --------------------------------------------------------- objects ---- */

/**
 * hvsim_vp_get() - a VP of a partition
 * @pt: the partition (hvsim.lock held)
 * @index: VP index
 *
 * Return: the VP, or NULL.
 */
struct hvsim_vp *hvsim_vp_get(struct hvsim_partition *pt, u32 index)
{
	lockdep_assert_held(&hvsim.lock);
	return index < HVSIM_MAX_VPS ? pt->vps[index] : NULL;
}

/* The input VTL of a VP call: only VTL 0 (current, or targeted) exists. */
u16 hvsim_vtl_check(union hv_input_vtl vtl)
{
	if (!vtl.as_uint8 || (vtl.use_target_vtl && !vtl.target_vtl && !vtl.reserved_z))
		return HV_STATUS_SUCCESS;
	return HV_STATUS_INVALID_PARAMETER;
}

/*
 * The VP a call names: SELF ACCESS_DENIED (the root's own VPs are not
 * modelled), unknown partition INVALID_PARTITION_ID, not Initialized
 * INVALID_PARTITION_STATE, no such VP INVALID_VP_INDEX.
 */
u16 hvsim_vp_lookup(u64 partition_id, u32 index, struct hvsim_vp **vpp)
{
	struct hvsim_partition *pt;

	if (partition_id == HV_PARTITION_ID_SELF)
		return HV_STATUS_ACCESS_DENIED;
	pt = hvsim_partition_get(partition_id);
	if (!pt)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (pt->state != HVSIM_PT_INITIALIZED)
		return HV_STATUS_INVALID_PARTITION_STATE;
	*vpp = hvsim_vp_get(pt, index);
	return *vpp ? HV_STATUS_SUCCESS : HV_STATUS_INVALID_VP_INDEX;
}

static void vp_free(struct hvsim_vp *vp)
{
	if (!vp)
		return;
	hvsim_stats_free(&vp->stats);
	free_page((unsigned long)vp->reg_page);
	free_page((unsigned long)vp->msg_page);
	free_page((unsigned long)vp->simp);
	free_page((unsigned long)vp->siefp);
	kfree(vp->xsave);
	kfree(vp->misc);
	kfree(vp->cpuid);
	kfree(vp->msr);
	kfree(vp->exit);
	kfree(vp);
}

/* The model's lock is held with interrupts off: atomic allocations only. */
static struct hvsim_vp *vp_alloc(struct hvsim_partition *pt, u32 index)
{
	const gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN;
	struct hvsim_vp *vp = kzalloc(sizeof(*vp), gfp);

	if (!vp)
		return NULL;
	vp->pt = pt;
	vp->index = index;
	vp->xsave_size = max_t(u32, hvsim_partition_max_xsave_size(pt), XS_MIN_SIZE);
	vp->xsave = kzalloc(vp->xsave_size, gfp);
	vp->misc = kcalloc(nr_misc, sizeof(u64), gfp);
	vp->reg_page = (void *)get_zeroed_page(gfp);
	vp->msg_page = (void *)get_zeroed_page(gfp);
	vp->simp = (void *)get_zeroed_page(gfp);
	vp->siefp = (void *)get_zeroed_page(gfp);
	vp->exit = kzalloc(sizeof(*vp->exit), gfp);
	INIT_LIST_HEAD(&vp->run_node);
	if (!vp->xsave || !vp->misc || !vp->reg_page || !vp->msg_page ||
	    !vp->simp || !vp->siefp || !vp->exit) {
		vp_free(vp);
		return NULL;
	}
	vp_reset(vp);
	hvsim_vp_refresh_page(vp);
	return vp;
}

static void vp_delete(struct hvsim_vp *vp)
{
	struct hvsim_partition *pt = vp->pt;

	hvsim_run_forget(vp);
	pt->vps[vp->index] = NULL;
	pt->nr_vps--;
	hvsim_pool_give(&pt->pool, HVSIM_COST_VP);
	vp_free(vp);
}

/* FINALIZE and partition teardown: every VP goes, with its pool pages. */
void hvsim_vps_destroy(struct hvsim_partition *pt)
{
	unsigned int i;

	for (i = 0; i < HVSIM_MAX_VPS; i++)
		if (pt->vps[i])
			vp_delete(pt->vps[i]);
}

static u16 hvsim_create_vp(struct hvsim_call *c)
{
	const struct hv_create_vp *in = c->in;
	struct hvsim_partition *pt;
	struct hvsim_vp *vp;

	if (in->partition_id == HV_PARTITION_ID_SELF)
		return HV_STATUS_ACCESS_DENIED;
	pt = hvsim_partition_get(in->partition_id);
	if (!pt)
		return HV_STATUS_INVALID_PARTITION_ID;
	/* Padding, subnode, proximity and flags: all zero for a root. */
	if (memchr_inv(&in->padding, 0, sizeof(*in) - offsetof(struct hv_create_vp, padding)))
		return HV_STATUS_INVALID_PARAMETER;
	if (pt->state != HVSIM_PT_INITIALIZED)
		return HV_STATUS_INVALID_PARTITION_STATE;
	if (in->vp_index >= HVSIM_MAX_VPS)
		return HV_STATUS_INVALID_VP_INDEX;
	if (pt->vps[in->vp_index])
		return HV_STATUS_OBJECT_IN_USE;
	if (!hvsim_pool_take(&pt->pool, HVSIM_COST_VP))
		return HV_STATUS_INSUFFICIENT_MEMORY;
	vp = vp_alloc(pt, in->vp_index);
	if (!vp) {
		hvsim_pool_give(&pt->pool, HVSIM_COST_VP);
		return HV_STATUS_INSUFFICIENT_MEMORY;
	}
	pt->vps[in->vp_index] = vp;
	pt->nr_vps++;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_delete_vp(struct hvsim_call *c)
{
	const struct hv_input_delete_vp *in = c->in;
	struct hvsim_vp *vp;
	u16 status;

	if (in->reserved)
		return HV_STATUS_INVALID_PARAMETER;
	status = hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (status)
		return status;
	vp_delete(vp);
	return HV_STATUS_SUCCESS;
}

/* ------------------------------------------------- GET/SET registers ---- */

static u16 vp_regs_header(u64 partition_id, u32 vp_index, union hv_input_vtl vtl,
			  u8 rsvd8, u16 rsvd16, struct hvsim_vp **vpp)
{
	u16 status = hvsim_vp_lookup(partition_id, vp_index, vpp);

	if (status)
		return status;
	if (rsvd8 || rsvd16)
		return HV_STATUS_INVALID_PARAMETER;
	return hvsim_vtl_check(vtl);
}

static u16 hvsim_get_vp_registers_check(struct hvsim_call *c)
{
	const struct hv_input_get_vp_registers *in = c->in;
	struct hvsim_vp *vp;

	return vp_regs_header(in->partition_id, in->vp_index, in->input_vtl,
			      in->rsvd_z8, in->rsvd_z16, &vp);
}

static u16 hvsim_get_vp_registers_rep(struct hvsim_call *c, u16 i)
{
	const struct hv_input_get_vp_registers *in = c->in;
	union hv_register_value *out = c->out;
	const struct hvsim_reg *r;
	struct hvsim_vp *vp;
	unsigned int m;
	u32 name = reg_canonical(in->names[i]);

	hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	r = reg_find(name, &m);
	if (!r)
		return HV_STATUS_INVALID_PARAMETER;
	reg_get(vp, r, name, m, &out[i]);
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_set_vp_registers_check(struct hvsim_call *c)
{
	const struct hv_input_set_vp_registers *in = c->in;
	struct hvsim_vp *vp;

	return vp_regs_header(in->partition_id, in->vp_index, in->input_vtl,
			      in->rsvd_z8, in->rsvd_z16, &vp);
}

static u16 hvsim_set_vp_registers_rep(struct hvsim_call *c, u16 i)
{
	const struct hv_input_set_vp_registers *in = c->in;
	const struct hv_register_assoc *a = &in->elements[i];
	struct hvsim_vp *vp;

	u16 status;

	if (a->reserved1 || a->reserved2)
		return HV_STATUS_INVALID_PARAMETER;
	hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	status = reg_set(vp, a->name, &a->value);
	/* Elements apply in order: the VP may start (or stop) after this one. */
	if (!status)
		hvsim_run_update(vp);
	return status;
}

/* ----------------------------------------------------- state pages ---- */

static u16 state_page_check(u16 type, union hv_input_vtl vtl)
{
	/* GHCB pages exist for SEV-SNP VPs only; hvsim has no isolation. */
	if (type != HV_VP_STATE_PAGE_REGISTERS &&
	    type != HV_VP_STATE_PAGE_INTERCEPT_MESSAGE)
		return HV_STATUS_INVALID_PARAMETER;
	return vtl.as_uint8 ? HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
}

static void *state_page(struct hvsim_vp *vp, u16 type)
{
	return type == HV_VP_STATE_PAGE_REGISTERS ? (void *)vp->reg_page : vp->msg_page;
}

static u16 hvsim_map_vp_state_page(struct hvsim_call *c)
{
	const struct hv_input_map_vp_state_page *in = c->in;
	struct hv_output_map_vp_state_page *out = c->out;
	struct hvsim_vp *vp;
	u16 status;

	status = hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (status)
		return status;
	status = state_page_check(in->type, in->input_vtl);
	if (status)
		return status;
	/*
	 * The root maps the page hvsim chose; a caller-provided location is
	 * for L1VH hosts (hvsim models a root).
	 */
	if (in->flags || in->requested_map_location)
		return HV_STATUS_INVALID_PARAMETER;
	vp->mapped |= BIT(in->type);
	out->map_location = page_to_pfn(virt_to_page(state_page(vp, in->type)));
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_unmap_vp_state_page(struct hvsim_call *c)
{
	const struct hv_input_unmap_vp_state_page *in = c->in;
	struct hvsim_vp *vp;
	u16 status;

	status = hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (status)
		return status;
	status = state_page_check(in->type, in->input_vtl);
	if (status)
		return status;
	if (in->reserved || !(vp->mapped & BIT(in->type)))
		return HV_STATUS_INVALID_PARAMETER;
	vp->mapped &= ~BIT(in->type);
	return HV_STATUS_SUCCESS;
}

/* ------------------------------------------------------- test hooks ---- */

static struct hvsim_vp *vp_find(u64 partition_id, u32 index)
{
	struct hvsim_partition *pt = hvsim_partition_get(partition_id);

	return pt ? hvsim_vp_get(pt, index) : NULL;
}

/**
 * hvsim_vp_get_reg() - read a VP register as GET_VP_REGISTERS would
 * @partition_id: partition
 * @vp_index: VP
 * @name: register name
 * @v: the value
 *
 * Return: 0, -ESRCH no such VP, -ENOENT unknown register.
 */
int hvsim_vp_get_reg(u64 partition_id, u32 vp_index, u32 name,
		     union hv_register_value *v)
{
	const struct hvsim_reg *r;
	struct hvsim_vp *vp;
	unsigned long flags;
	unsigned int m;
	int ret = -ESRCH;

	spin_lock_irqsave(&hvsim.lock, flags);
	vp = vp_find(partition_id, vp_index);
	if (vp) {
		name = reg_canonical(name);
		r = reg_find(name, &m);
		ret = -ENOENT;
		if (r) {
			reg_get(vp, r, name, m, v);
			ret = 0;
		}
	}
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_vp_get_reg);

/**
 * hvsim_vp_set_reg() - write a VP register as SET_VP_REGISTERS would
 * @partition_id: partition
 * @vp_index: VP
 * @name: register name
 * @v: the value
 *
 * Return: 0, -ESRCH no such VP, -EINVAL refused (unknown, read-only, bad
 * value).
 */
int hvsim_vp_set_reg(u64 partition_id, u32 vp_index, u32 name,
		     const union hv_register_value *v)
{
	struct hvsim_vp *vp;
	unsigned long flags;
	int ret = -ESRCH;

	spin_lock_irqsave(&hvsim.lock, flags);
	vp = vp_find(partition_id, vp_index);
	if (vp)
		ret = reg_set(vp, name, v) ? -EINVAL : 0;
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_vp_set_reg);

/* VPs of a partition (0 for an unknown one). */
u32 hvsim_vp_count(u64 partition_id)
{
	struct hvsim_partition *pt;
	unsigned long flags;
	u32 n = 0;

	spin_lock_irqsave(&hvsim.lock, flags);
	pt = hvsim_partition_get(partition_id);
	if (pt)
		n = pt->nr_vps;
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return n;
}
EXPORT_SYMBOL_GPL(hvsim_vp_count);

/**
 * hvsim_vp_apply_dirty_id() - hvsim_vp_apply_dirty() for tests
 * @partition_id: partition
 * @vp_index: VP
 *
 * Return: as hvsim_vp_apply_dirty(), or -ESRCH.
 */
int hvsim_vp_apply_dirty_id(u64 partition_id, u32 vp_index)
{
	struct hvsim_vp *vp;
	unsigned long flags;
	int ret = -ESRCH;

	spin_lock_irqsave(&hvsim.lock, flags);
	vp = vp_find(partition_id, vp_index);
	if (vp)
		ret = hvsim_vp_apply_dirty(vp);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_vp_apply_dirty_id);

/**
 * hvsim_vp_set_root_signal_count() - HV_REGISTER_VP_ROOT_SIGNAL_COUNT
 * @partition_id: partition
 * @vp_index: VP
 * @count: new value (the root scheduler model maintains it)
 *
 * Return: 0 or -ESRCH.
 */
int hvsim_vp_set_root_signal_count(u64 partition_id, u32 vp_index, u64 count)
{
	struct hvsim_vp *vp;
	unsigned long flags;
	int ret = -ESRCH;

	spin_lock_irqsave(&hvsim.lock, flags);
	vp = vp_find(partition_id, vp_index);
	if (vp) {
		vp->root_signal_count = count;
		ret = 0;
	}
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_vp_set_root_signal_count);

/* The register names hvsim knows, for table-driven tests. */
unsigned int hvsim_vp_reg_names(u32 *names, unsigned int max, bool writable)
{
	unsigned int i, m, n = 0;

	for (i = 0; i < ARRAY_SIZE(hvsim_regs); i++) {
		if (writable && (hvsim_regs[i].flags & (F_RO | F_WO)))
			continue;
		for (m = 0; m < hvsim_regs[i].count; m++, n++)
			if (n < max)
				names[n] = hvsim_regs[i].name + m;
	}
	return n;
}
EXPORT_SYMBOL_GPL(hvsim_vp_reg_names);

/* ---------------------------------------------------------- debugfs ---- */

static int hvsim_vps_show(struct seq_file *m, void *unused)
{
	const struct hvsim_reg *r;
	struct hvsim_partition *pt;
	unsigned long flags;
	unsigned int i, k;

	seq_puts(m, "# partition vp explicit intercept dispatch rip mapped\n");
	spin_lock_irqsave(&hvsim.lock, flags);
	list_for_each_entry(pt, &hvsim.partitions, node) {
		for (i = 0; i < HVSIM_MAX_VPS; i++) {
			struct hvsim_vp *vp = pt->vps[i];
			u64 s[3];

			if (!vp)
				continue;
			r = reg_find(HV_REGISTER_EXPLICIT_SUSPEND, &k);
			s[0] = *reg_misc(vp, r, 0);
			r = reg_find(HV_REGISTER_INTERCEPT_SUSPEND, &k);
			s[1] = *reg_misc(vp, r, 0);
			r = reg_find(HV_REGISTER_DISPATCH_SUSPEND, &k);
			s[2] = *reg_misc(vp, r, 0);
			seq_printf(m, "%#llx %u %llu %llu %llu %#llx %#x\n", pt->id, i,
				   s[0], s[1], s[2], vp->cpu.rip, vp->mapped);
		}
	}
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_vps);

void hvsim_vp_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("vps", 0444, dir, NULL, &hvsim_vps_fops);
}

const struct hvsim_hcall hvsim_vp_hcalls[] = {
	{
		.code = HVCALL_CREATE_VP, .name = "CREATE_VP", .slow = true,
		.in_size = sizeof(struct hv_create_vp),
		.call = hvsim_create_vp,
	}, {
		.code = HVCALL_DELETE_VP, .name = "DELETE_VP",
		.fast = true, .slow = true,
		.in_size = sizeof(struct hv_input_delete_vp),
		.call = hvsim_delete_vp,
	}, {
		.code = HVCALL_GET_VP_REGISTERS, .name = "GET_VP_REGISTERS",
		.is_rep = true, .slow = true,
		.in_size = sizeof(struct hv_input_get_vp_registers),
		.rep_in_size = sizeof(u32),
		.rep_out_size = sizeof(union hv_register_value),
		.call = hvsim_get_vp_registers_check,
		.rep = hvsim_get_vp_registers_rep,
	}, {
		.code = HVCALL_SET_VP_REGISTERS, .name = "SET_VP_REGISTERS",
		.is_rep = true, .slow = true,
		.in_size = sizeof(struct hv_input_set_vp_registers),
		.rep_in_size = sizeof(struct hv_register_assoc),
		.call = hvsim_set_vp_registers_check,
		.rep = hvsim_set_vp_registers_rep,
	}, {
		.code = HVCALL_MAP_VP_STATE_PAGE, .name = "MAP_VP_STATE_PAGE",
		.slow = true,
		.in_size = sizeof(struct hv_input_map_vp_state_page),
		.out_size = sizeof(struct hv_output_map_vp_state_page),
		.call = hvsim_map_vp_state_page,
	}, {
		.code = HVCALL_UNMAP_VP_STATE_PAGE, .name = "UNMAP_VP_STATE_PAGE",
		.slow = true,
		.in_size = sizeof(struct hv_input_unmap_vp_state_page),
		.call = hvsim_unmap_vp_state_page,
	},
};

const unsigned int hvsim_vp_nr_hcalls = ARRAY_SIZE(hvsim_vp_hcalls);
