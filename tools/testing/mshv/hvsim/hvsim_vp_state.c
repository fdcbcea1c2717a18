// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: VP state blobs -- HVCALL_GET_VP_STATE and HVCALL_SET_VP_STATE.
 *
 * LAPIC, XSAVE, SIM page and SIEF page travel through root pages named in
 * the variable header (one PFN per page of data); SYNTHETIC_TIMERS travels
 * inline (GET: output page offset 0; SET: right after the 40-byte header).
 * A SET followed by a GET returns the same bytes.  The XSAVE area is also
 * the storage of the FP/XMM registers (hvsim_vp.c), and the timer state
 * that of STIMERn_CONFIG/COUNT, so registers and blobs always agree.
 *
 * Validation (every failure INVALID_PARAMETER unless noted): the VP as for
 * every VP call (hvsim_vp_lookup()); input VTL 0; reserved header fields
 * zero; a known type (0-3 only with the PFN flag, 4 only without);
 * xsave.flags zero, xsave.states zero except for XSAVE, where it must
 * include x87 and SSE and be a subset of the XSAVE_STATES property; the
 * variable header exactly the data's pages (PFN types), 25 qwords (SET of
 * the timers) or empty (GET of the timers); every PFN allocated root RAM
 * outside any hypervisor pool.  Data checks on SET: XSAVE header
 * XSTATE_BV within xsave.states, XCOMP_BV zero (standard format only),
 * MXCSR bits 16-31 zero; timer flags (bit 0 only), reserved fields and
 * config reserved bits zero.  The LAPIC page's bytes past the 176-byte
 * structure are ignored on SET and zero on GET.
 *
 * The LAPIC blob is the interrupt model's own state (hvsim_lapic.c): GET
 * shows IRR, ISR and TMR as they are, a SET loads them and may make an
 * interrupt deliverable (a blocked VP then wakes).  The TPR is CR8.
 */
#include <linux/highmem.h>
#include <linux/mm.h>

#include "hvsim.h"

#define XS_MXCSR		24
#define XS_XMM0			160
#define XS_XSTATE_BV		512
#define XS_XCOMP_BV		520

#define STATE_TYPES_PFN		(HV_GET_SET_VP_STATE_TYPE_PFN | 3)
#define TIMERS_QWORDS		DIV_ROUND_UP(sizeof(struct hv_synthetic_timers_state), 8)

#define LAPIC_RESET_VERSION	0x00050014	/* version 0x14, max LVT 5 */
#define LAPIC_LVT_MASKED	BIT(16)

/* Reset state of the LAPIC, timers and SynIC pages at CREATE_VP. */
void hvsim_vp_state_reset(struct hvsim_vp *vp)
{
	struct hv_local_interrupt_controller_state *l = &vp->lapic;

	memset(l, 0, sizeof(*l));
	/* xAPIC register format: the ID is in bits 24-31. */
	l->apic_id = vp->index << 24;
	l->apic_version = LAPIC_RESET_VERSION;
	l->apic_dfr = 0xffffffff;
	l->apic_spurious = 0xff;
	l->apic_lvt_timer = LAPIC_LVT_MASKED;
	l->apic_lvt_thermal = LAPIC_LVT_MASKED;
	l->apic_lvt_perfmon = LAPIC_LVT_MASKED;
	l->apic_lvt_lint0 = LAPIC_LVT_MASKED;
	l->apic_lvt_lint1 = LAPIC_LVT_MASKED;
	l->apic_lvt_error = LAPIC_LVT_MASKED;
	l->apic_lvt_cmci = LAPIC_LVT_MASKED;
	memset(&vp->stimers, 0, sizeof(vp->stimers));
	memset(vp->simp, 0, HV_HYP_PAGE_SIZE);
	memset(vp->siefp, 0, HV_HYP_PAGE_SIZE);
}

/* Bytes of data of a state type. */
static u32 state_size(struct hvsim_vp *vp, u32 type)
{
	switch (type) {
	case HV_GET_SET_VP_STATE_XSAVE:
		return vp->xsave_size;
	case HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS:
		return sizeof(struct hv_synthetic_timers_state);
	}
	return HV_HYP_PAGE_SIZE;
}

/* A page the root may hand the hypervisor to read or fill. */
static bool root_page_ok(u64 pfn)
{
	if (!pfn_valid(pfn) || !page_count(pfn_to_page(pfn)))
		return false;
	return !hvsim_pfn_range_deposited(pfn, 1);
}

static u16 state_check(struct hvsim_call *c, bool set, struct hvsim_vp **vpp)
{
	/* GET and SET share the 40-byte header layout. */
	const struct hv_input_get_vp_state *in = c->in;
	const struct hv_get_set_vp_state_data *d = &in->state_data;
	u32 type = d->type, i, pages;
	u16 status;

	status = hvsim_vp_lookup(in->partition_id, in->vp_index, vpp);
	if (status)
		return status;
	if (hvsim_vtl_check(in->input_vtl) || in->rsvd_z8 || in->rsvd_z16 ||
	    d->rsvd || d->xsave.flags)
		return HV_STATUS_INVALID_PARAMETER;
	if (type == HV_GET_SET_VP_STATE_XSAVE) {
		u64 legacy = HV_X64_XFEM_LEGACY_X87 | HV_X64_XFEM_LEGACY_SSE;

		if ((d->xsave.states & legacy) != legacy ||
		    (d->xsave.states & ~hvsim_partition_xsave_states((*vpp)->pt)))
			return HV_STATUS_INVALID_PARAMETER;
	} else if (d->xsave.states) {
		return HV_STATUS_INVALID_PARAMETER;
	}
	if (type == HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS)
		return c->varhead == (set ? TIMERS_QWORDS : 0) ?
		       HV_STATUS_SUCCESS : HV_STATUS_INVALID_PARAMETER;
	if (type < HV_GET_SET_VP_STATE_TYPE_PFN || type > STATE_TYPES_PFN)
		return HV_STATUS_INVALID_PARAMETER;
	pages = DIV_ROUND_UP(state_size(*vpp, type), HV_HYP_PAGE_SIZE);
	if (c->varhead != pages)
		return HV_STATUS_INVALID_PARAMETER;
	for (i = 0; i < pages; i++)
		if (!root_page_ok(in->output_data_pfns[i]))
			return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

/* Where a PFN-type blob lives in the VP. */
static void *state_data(struct hvsim_vp *vp, u32 type)
{
	switch (type) {
	case HV_GET_SET_VP_STATE_LAPIC_STATE:
		return &vp->lapic;
	case HV_GET_SET_VP_STATE_XSAVE:
		return vp->xsave;
	case HV_GET_SET_VP_STATE_SIM_PAGE:
		return vp->simp;
	}
	return vp->siefp;
}

static u32 state_bytes(struct hvsim_vp *vp, u32 type)
{
	return type == HV_GET_SET_VP_STATE_LAPIC_STATE ?
	       sizeof(vp->lapic) : state_size(vp, type);
}

/* Copy between the blob and the root pages; GET zeroes the pages' tails. */
static void state_copy(struct hvsim_vp *vp, u32 type, const u64 *pfns, bool to_root)
{
	u32 pages = DIV_ROUND_UP(state_size(vp, type), HV_HYP_PAGE_SIZE);
	u32 len = state_bytes(vp, type), i;
	u8 *data = state_data(vp, type);

	for (i = 0; i < pages; i++) {
		u32 off = i * HV_HYP_PAGE_SIZE;
		u32 n = off < len ? min_t(u32, len - off, HV_HYP_PAGE_SIZE) : 0;
		u8 *va = kmap_local_page(pfn_to_page(pfns[i]));

		if (to_root) {
			memcpy(va, data + off, n);
			memset(va + n, 0, HV_HYP_PAGE_SIZE - n);
		} else {
			memcpy(data + off, va, n);
		}
		kunmap_local(va);
	}
}

static u16 hvsim_get_vp_state(struct hvsim_call *c)
{
	const struct hv_input_get_vp_state *in = c->in;
	u32 type = in->state_data.type;
	struct hvsim_vp *vp;
	u16 status;

	status = state_check(c, false, &vp);
	if (status)
		return status;
	if (type == HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS) {
		union hv_output_get_vp_state *out = c->out;

		/* Inline output: the caller must supply an output page. */
		if (!out || !IS_ALIGNED((unsigned long)out, 8) ||
		    offset_in_page(out) + sizeof(*out) > HV_HYP_PAGE_SIZE ||
		    !virt_addr_valid(out))
			return HV_STATUS_INVALID_ALIGNMENT;
		out->synthetic_timers_state = vp->stimers;
		return HV_STATUS_SUCCESS;
	}
	state_copy(vp, type, in->output_data_pfns, true);
	return HV_STATUS_SUCCESS;
}

static bool timers_ok(const struct hv_synthetic_timers_state *t)
{
	unsigned int i;

	for (i = 0; i < HV_SYNIC_STIMER_COUNT; i++) {
		if (t->timers[i].reserved ||
		    (t->timers[i].flags & ~HV_STIMER_STATE_UNDELIVERED_MESSAGE_PENDING) ||
		    (t->timers[i].config.as_uint64 &
		     (GENMASK_ULL(63, 20) | GENMASK_ULL(15, 13))))
			return false;
	}
	return !memchr_inv(t->reserved, 0, sizeof(t->reserved));
}

/* The XSAVE image a SET carries, read from the first root page. */
static bool xsave_ok(struct hvsim_vp *vp, const struct hv_input_set_vp_state *in)
{
	u8 *va = kmap_local_page(pfn_to_page(in->data.pfns[0]));
	u64 bv = *(u64 *)(va + XS_XSTATE_BV), comp = *(u64 *)(va + XS_XCOMP_BV);
	u32 mxcsr = *(u32 *)(va + XS_MXCSR);

	kunmap_local(va);
	return !(bv & ~in->state_data.xsave.states) && !comp && !(mxcsr >> 16);
}

static u16 hvsim_set_vp_state(struct hvsim_call *c)
{
	const struct hv_input_set_vp_state *in = c->in;
	u32 type = in->state_data.type;
	struct hvsim_vp *vp;
	u16 status;

	status = state_check(c, true, &vp);
	if (status)
		return status;
	if (type == HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS) {
		struct hv_synthetic_timers_state t;

		memcpy(&t, in->data.bytes, sizeof(t));
		if (!timers_ok(&t))
			return HV_STATUS_INVALID_PARAMETER;
		vp->stimers = t;
		return HV_STATUS_SUCCESS;
	}
	if (type == HV_GET_SET_VP_STATE_XSAVE && !xsave_ok(vp, in))
		return HV_STATUS_INVALID_PARAMETER;
	state_copy(vp, type, in->data.pfns, false);
	/* The LAPIC state is the interrupt model's: it may have work now. */
	if (type == HV_GET_SET_VP_STATE_LAPIC_STATE)
		hvsim_lapic_state_loaded(vp);
	/* XMM0-5 live in the XSAVE area and are mirrored in the page. */
	if (type == HV_GET_SET_VP_STATE_XSAVE)
		memcpy(vp->reg_page->xmm_registers, vp->xsave + XS_XMM0,
		       sizeof(vp->reg_page->xmm_registers));
	return HV_STATUS_SUCCESS;
}

const struct hvsim_hcall hvsim_vp_state_hcalls[] = {
	{
		.code = HVCALL_GET_VP_STATE, .name = "GET_VP_STATE",
		.slow = true, .varhead = true,
		.in_size = sizeof(struct hv_input_get_vp_state),
		.call = hvsim_get_vp_state,
	}, {
		.code = HVCALL_SET_VP_STATE, .name = "SET_VP_STATE",
		.slow = true, .varhead = true,
		.in_size = sizeof(struct hv_input_set_vp_state),
		.call = hvsim_set_vp_state,
	},
};

const unsigned int hvsim_vp_state_nr_hcalls = ARRAY_SIZE(hvsim_vp_state_hcalls);
