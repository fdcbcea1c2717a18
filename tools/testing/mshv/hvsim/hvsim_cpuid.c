// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: the CPUID a child's VP sees -- HVCALL_GET_VP_CPUID_VALUES and the
 * per-VP overrides of HVCALL_REGISTER_INTERCEPT_RESULT.
 *
 * The modelled processor is a GenuineIntel x86-64 (family 6, model 0x8f)
 * whose feature bits follow the partition's PROCESSOR_FEATURES0/1 and
 * PROCESSOR_XSAVE_FEATURES (the host's minus the banks disabled at
 * CREATE_PARTITION), with a Hyper-V leaf range for the guest.  Leaves hvsim
 * does not model read as zero.  hvsim.rst lists every value.
 *
 * An override replaces the bits its mask selects:
 * effective = (default & ~mask) | (value & mask); it matches the leaf and,
 * when subleaf_specific, the subleaf.  always_override is stored; every
 * override applies whenever overrides are asked for (flag
 * APPLY_REGISTERED_VALUES, and always for a running VP).
 */
#include <linux/slab.h>

#include "hvsim.h"

#define MAX_BASIC_LEAF		0xd
#define MAX_HV_LEAF		0x40000006
#define MAX_EXT_LEAF		0x80000008
#define SIGNATURE		0x000806f8	/* family 6, model 0x8f, stepping 8 */
#define HV_BUILD		27744		/* in the root driver's known range */
#define HV_VERSION		0x000a0000	/* 10.0 */
#define LINEAR_BITS		48
#define MAX_RESULTS_PER_VP	256

/* "GenuineIntel", "Microsoft Hv", "Hv#1" */
#define VENDOR_EBX		0x756e6547
#define VENDOR_EDX		0x49656e69
#define VENDOR_ECX		0x6c65746e
#define HV_VENDOR_EBX		0x7263694d
#define HV_VENDOR_ECX		0x666f736f
#define HV_VENDOR_EDX		0x76482074
#define HV_INTERFACE		0x31237648

/* One CPUID bit: set when the partition has feature @feat (bank bit). */
struct feat_bit {
	u8 reg;		/* 0 EAX .. 3 EDX */
	u8 bit;
	s16 feat;	/* HV_PROC_FEATURE_* (0-127), or -1 - XSAVE feature bit */
};

#define PF(r, b, f)	{ r, b, f }
#define XF(r, b, x)	{ r, b, -1 - (x) }

enum { EAX, EBX, ECX, EDX };

static const struct feat_bit leaf1[] = {
	PF(ECX, 0, HV_PROC_FEATURE_SSE3), PF(ECX, 1, HV_PROC_FEATURE_PCLMULQDQ),
	PF(ECX, 9, HV_PROC_FEATURE_SSSE3), XF(ECX, 12, 4 /* FMA */),
	PF(ECX, 13, HV_PROC_FEATURE_CMPXCHG16B), PF(ECX, 17, HV_PROC_FEATURE_PCID),
	PF(ECX, 19, HV_PROC_FEATURE_SSE4_1), PF(ECX, 20, HV_PROC_FEATURE_SSE4_2),
	PF(ECX, 22, HV_PROC_FEATURE_MOVBE), PF(ECX, 23, HV_PROC_FEATURE_POPCNT),
	PF(ECX, 24, HV_PROC_FEATURE_TSC_DEADLINE_TMR), PF(ECX, 25, HV_PROC_FEATURE_AES),
	XF(ECX, 26, 0 /* XSAVE */), XF(ECX, 28, 2 /* AVX */),
	PF(ECX, 29, HV_PROC_FEATURE_F16C), PF(ECX, 30, HV_PROC_FEATURE_RDRAND),
};

static const struct feat_bit leaf7[] = {
	PF(EBX, 0, HV_PROC_FEATURE_RD_WR_FS_GS), PF(EBX, 1, HV_PROC_FEATURE_TSC_ADJUST),
	PF(EBX, 3, HV_PROC_FEATURE_BMI1), PF(EBX, 4, HV_PROC_FEATURE_HLE),
	XF(EBX, 5, 3 /* AVX2 */), PF(EBX, 7, HV_PROC_FEATURE_SMEP),
	PF(EBX, 8, HV_PROC_FEATURE_BMI2), PF(EBX, 9, HV_PROC_FEATURE_ENHANCED_FAST_STRING),
	PF(EBX, 10, HV_PROC_FEATURE_INVPCID), PF(EBX, 11, HV_PROC_FEATURE_RTM),
	XF(EBX, 16, 6 /* AVX512F */), XF(EBX, 17, 7 /* AVX512DQ */),
	PF(EBX, 18, HV_PROC_FEATURE_RDSEED), PF(EBX, 19, HV_PROC_FEATURE_ADX),
	PF(EBX, 20, HV_PROC_FEATURE_SMAP), XF(EBX, 21, 15 /* AVX512_IFMA */),
	PF(EBX, 23, HV_PROC_FEATURE_CLFLUSHOPT), PF(EBX, 24, HV_PROC_FEATURE_CLWB),
	XF(EBX, 28, 8 /* AVX512CD */), PF(EBX, 29, HV_PROC_FEATURE_SHA),
	XF(EBX, 30, 9 /* AVX512BW */), XF(EBX, 31, 10 /* AVX512VL */),
	XF(ECX, 1, 16 /* AVX512_VBMI */), PF(ECX, 2, HV_PROC_FEATURE_UMIP),
	XF(ECX, 6, 17 /* AVX512_VBMI2 */), PF(ECX, 7, HV_PROC_FEATURE_CET_SS),
	XF(ECX, 8, 19 /* GFNI */), XF(ECX, 9, 20 /* VAES */),
	XF(ECX, 10, 22 /* VPCLMULQDQ */), XF(ECX, 11, 18 /* AVX512_VNNI */),
	XF(ECX, 12, 14 /* AVX512_BITALG */), XF(ECX, 14, 21 /* AVX512_VPOPCNTDQ */),
	PF(ECX, 22, HV_PROC_FEATURE_RD_PID), PF(ECX, 27, HV_PROC_FEATURE_MOVDIRI),
	PF(ECX, 28, HV_PROC_FEATURE_MOVDIR64B),
	PF(EDX, 4, HV_PROC_FEATURE_FAST_SHORT_REP_MOV),
	XF(EDX, 8, 24 /* AVX512_VP2INTERSECT */), PF(EDX, 10, HV_PROC_FEATURE_MB_CLEAR),
	PF(EDX, 14, HV_PROC_FEATURE_SERIALIZE), PF(EDX, 20, HV_PROC_FEATURE_CET_IBT),
	XF(EDX, 22, 28 /* AMX_BF16 */), XF(EDX, 23, 25 /* AVX512_FP16 */),
	XF(EDX, 24, 27 /* AMX_TILE */), XF(EDX, 25, 29 /* AMX_INT8 */),
	PF(EDX, 26, HV_PROC_FEATURE_IBRS), PF(EDX, 27, HV_PROC_FEATURE_STIBP),
	PF(EDX, 28, HV_PROC_FEATURE_L1DCACHE_FLUSH),
};

static const struct feat_bit leaf7_1[] = {
	XF(EAX, 4, 30 /* AVX_VNNI */), XF(EAX, 5, 23 /* AVX512_BF16 */),
};

static const struct feat_bit leaf_ext1[] = {
	PF(ECX, 0, HV_PROC_FEATURE_LAHF_SAHF), PF(ECX, 5, HV_PROC_FEATURE_LZCNT),
	PF(ECX, 8, HV_PROC_FEATURE_INTEL_PREFETCH),
	PF(EDX, 26, HV_PROC_FEATURE_PAGE_1GB), PF(EDX, 27, HV_PROC_FEATURE_RDTSCP),
};

/* XSAVE components: XCR0 bit, size and standard-format offset. */
static const struct {
	u8 bit;
	u32 size;
	u32 offset;
} xsave_comp[] = {
	{ 2, 256, 576 }, { 3, 64, 960 }, { 4, 64, 1024 }, { 5, 64, 1088 },
	{ 6, 512, 1152 }, { 7, 1024, 1664 }, { 9, 8, 2688 }, { 17, 64, 2752 },
	{ 18, 8192, 2816 },
};

static void set_bits(const struct hvsim_partition *pt, const struct feat_bit *b,
		     unsigned int n, u32 res[4])
{
	u64 f[2] = { hvsim_partition_features(pt, 0), hvsim_partition_features(pt, 1) };
	u64 x = hvsim_partition_xsave_features(pt);
	unsigned int i;

	for (i = 0; i < n; i++) {
		bool on;

		if (b[i].feat >= 0)
			on = f[b[i].feat / 64] & BIT_ULL(b[i].feat % 64);
		else	/* XSAVE-dependent features need XSAVE itself */
			on = (x & HV_XSAVE_FEATURE_XSAVE) && (x & BIT_ULL(-1 - b[i].feat));
		if (on)
			res[b[i].reg] |= BIT(b[i].bit);
	}
}

/* Bytes of a standard-format XSAVE area holding components @xcr0. */
static u32 xsave_size_of(u64 xcr0)
{
	u32 size = 576;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xsave_comp); i++)
		if (xcr0 & BIT_ULL(xsave_comp[i].bit))
			size = max(size, xsave_comp[i].offset + xsave_comp[i].size);
	return size;
}

/**
 * hvsim_cpuid_hv_leaf() - a Hyper-V leaf (0x40000000-0x400000ff) of a child
 * @pt: the partition
 * @leaf: the leaf
 * @res: EAX, EBX, ECX, EDX
 *
 * Also the value of HV_REGISTER_HYPERVISOR_VERSION and the feature-info
 * registers (0x200-0x208 are leaves 0x40000003-0x4000000b).
 */
void hvsim_cpuid_hv_leaf(const struct hvsim_partition *pt, u32 leaf, u32 res[4])
{
	memset(res, 0, 4 * sizeof(u32));
	switch (leaf) {
	case 0x40000000:
		res[EAX] = MAX_HV_LEAF;
		res[EBX] = HV_VENDOR_EBX;
		res[ECX] = HV_VENDOR_ECX;
		res[EDX] = HV_VENDOR_EDX;
		break;
	case 0x40000001:
		res[EAX] = HV_INTERFACE;
		break;
	case 0x40000002:
		res[EAX] = HV_BUILD;
		res[EBX] = HV_VERSION;
		break;
	case 0x40000003:
		res[EAX] = lower_32_bits(pt->props.privilege_flags);
		res[EBX] = upper_32_bits(pt->props.privilege_flags);
		/* XMM fast hypercall input, guest crash MSRs */
		res[EDX] = BIT(4) | BIT(10);
		break;
	case 0x40000004:
		res[EAX] = BIT(5);			/* relaxed timing */
		res[EBX] = 0xffffffff;			/* never notify long spins */
		res[ECX] = hvsim_partition_pa_width(pt) & 0x7f;
		break;
	case 0x40000005:
		res[EAX] = HVSIM_MAX_VPS;
		res[EBX] = num_possible_cpus();
		break;
	case 0x40000006:
		res[EAX] = BIT(1) | BIT(3);		/* MSR bitmaps, SLAT */
		break;
	}
}

/* The default result, before overrides. */
static void cpuid_default(struct hvsim_vp *vp, u32 leaf, u32 subleaf, u64 xcr0,
			  u64 xss, u32 res[4])
{
	const struct hvsim_partition *pt = vp->pt;
	u64 states = hvsim_partition_xsave_states(pt);
	u64 xf = hvsim_partition_xsave_features(pt);
	unsigned int i;

	memset(res, 0, 4 * sizeof(u32));
	switch (leaf) {
	case 0:
		res[EAX] = MAX_BASIC_LEAF;
		res[EBX] = VENDOR_EBX;
		res[ECX] = VENDOR_ECX;
		res[EDX] = VENDOR_EDX;
		break;
	case 1:
		res[EAX] = SIGNATURE;
		res[EBX] = vp->index << 24 | 1 << 16 | 8 << 8;	/* APIC id, 1 LP, clflush 64 */
		res[ECX] = BIT(31);				/* hypervisor present */
		/* FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA CMOV
		 * PAT PSE36 CLFSH MMX FXSR SSE SSE2
		 */
		res[EDX] = 0x078bfbff;
		set_bits(pt, leaf1, ARRAY_SIZE(leaf1), res);
		if (pt->flags & HV_PARTITION_CREATION_FLAG_X2APIC_CAPABLE)
			res[ECX] |= BIT(21);
		if (vp->cpu.cr4 & BIT_ULL(18))		/* CR4.OSXSAVE */
			res[ECX] |= BIT(27);
		if (!(vp->cpu.apic_base & BIT_ULL(11)))	/* APIC disabled */
			res[EDX] &= ~BIT(9);
		break;
	case 7:
		if (subleaf == 0) {
			res[EAX] = 1;
			set_bits(pt, leaf7, ARRAY_SIZE(leaf7), res);
		} else if (subleaf == 1) {
			set_bits(pt, leaf7_1, ARRAY_SIZE(leaf7_1), res);
		}
		break;
	case 0xd:
		if (!(xf & HV_XSAVE_FEATURE_XSAVE))
			break;
		if (subleaf == 0) {
			res[EAX] = lower_32_bits(states);
			res[EBX] = xsave_size_of(xcr0 & states);
			res[ECX] = hvsim_partition_max_xsave_size(pt);
			res[EDX] = upper_32_bits(states);
		} else if (subleaf == 1) {
			res[EAX] = (xf & HV_XSAVE_FEATURE_XSAVEOPT ? BIT(0) : 0) |
				   (xf & HV_XSAVE_FEATURE_XSAVE_COMP ? BIT(1) : 0);
			res[EBX] = xsave_size_of((xcr0 | xss) & states);
		} else {
			for (i = 0; i < ARRAY_SIZE(xsave_comp); i++) {
				if (xsave_comp[i].bit != subleaf ||
				    !(states & BIT_ULL(subleaf)))
					continue;
				res[EAX] = xsave_comp[i].size;
				res[EBX] = xsave_comp[i].offset;
			}
		}
		break;
	case 0x40000000 ... 0x400000ff:
		hvsim_cpuid_hv_leaf(pt, leaf, res);
		break;
	case 0x80000000:
		res[EAX] = MAX_EXT_LEAF;
		break;
	case 0x80000001:
		res[EDX] = BIT(11) | BIT(20) | BIT(29);	/* SYSCALL, NX, LM */
		set_bits(pt, leaf_ext1, ARRAY_SIZE(leaf_ext1), res);
		break;
	case 0x80000002 ... 0x80000004: {
		/* Brand string, 16 bytes per leaf. */
		static const char brand[48] = "hvsim virtual x86-64 processor";

		memcpy(res, brand + 16 * (leaf - 0x80000002), 16);
		break;
	}
	case 0x80000006:
		res[ECX] = 1024 << 16 | 6 << 12 | 64;	/* 1 MiB L2, 64-byte lines */
		break;
	case 0x80000007:
		if (hvsim_partition_features(pt, 1) &
		    BIT_ULL(HV_PROC_FEATURE_TSC_INVARIANT - 64))
			res[EDX] = BIT(8);
		break;
	case 0x80000008:
		res[EAX] = LINEAR_BITS << 8 | (u32)hvsim_partition_pa_width(pt);
		break;
	}
}

static void cpuid_apply(const struct hvsim_vp *vp, u32 leaf, u32 subleaf, u32 res[4])
{
	const struct hvsim_cpuid_result *r;
	unsigned int i, k;

	for (i = 0; i < vp->nr_cpuid; i++) {
		r = &vp->cpuid[i];
		if (r->leaf != leaf || (r->subleaf_specific && r->subleaf != subleaf))
			continue;
		for (k = 0; k < 4; k++)
			res[k] = (res[k] & ~r->mask[k]) | (r->value[k] & r->mask[k]);
	}
}

/**
 * hvsim_vp_cpuid() - CPUID of a VP, as its guest would execute it
 * @vp: the VP (hvsim.lock held)
 * @leaf: EAX
 * @subleaf: ECX
 * @apply: apply the REGISTER_INTERCEPT_RESULT overrides (the execution
 *	engine passes true)
 * @res: EAX, EBX, ECX, EDX
 *
 * Uses the VP's own XCR0 for leaf 0xD.
 */
void hvsim_vp_cpuid(struct hvsim_vp *vp, u32 leaf, u32 subleaf, bool apply,
		    u32 res[4])
{
	cpuid_default(vp, leaf, subleaf, vp->cpu.xcr0, 0, res);
	if (apply)
		cpuid_apply(vp, leaf, subleaf, res);
}

/* ----------------------------------------------------------- calls ---- */

static u16 hvsim_get_vp_cpuid_values_check(struct hvsim_call *c)
{
	const struct hv_input_get_vp_cpuid_values *in = c->in;
	struct hvsim_vp *vp;
	u16 status;

	status = hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (status)
		return status;
	if (in->reserved || in->padding ||
	    (in->flags & ~(HV_GET_VP_CPUID_VALUES_USE_VP_XFEM_XSS |
			   HV_GET_VP_CPUID_VALUES_APPLY_REGISTERED_VALUES)))
		return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_get_vp_cpuid_values_rep(struct hvsim_call *c, u16 i)
{
	const struct hv_input_get_vp_cpuid_values *in = c->in;
	const struct hv_cpuid_leaf_info *li = &in->cpuid_leaf_info[i];
	union hv_output_get_vp_cpuid_values *out = c->out;
	struct hvsim_vp *vp;
	u64 xfem = li->xfem, xss = li->xss;

	hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (in->flags & HV_GET_VP_CPUID_VALUES_USE_VP_XFEM_XSS) {
		xfem = vp->cpu.xcr0;
		xss = 0;
	}
	cpuid_default(vp, li->eax, li->ecx, xfem, xss, out[i].as_uint32);
	if (in->flags & HV_GET_VP_CPUID_VALUES_APPLY_REGISTERED_VALUES)
		cpuid_apply(vp, li->eax, li->ecx, out[i].as_uint32);
	return HV_STATUS_SUCCESS;
}

static u16 register_cpuid(struct hvsim_vp *vp,
			  const struct hv_register_x64_cpuid_result_parameters *p)
{
	struct hvsim_cpuid_result *r = NULL;
	unsigned int i;

	if (p->input.padding || p->input.subleaf_specific > 1 ||
	    p->input.always_override > 1)
		return HV_STATUS_INVALID_PARAMETER;
	/* The same (leaf, subleaf) registered again replaces the old result. */
	for (i = 0; i < vp->nr_cpuid; i++)
		if (vp->cpuid[i].leaf == p->input.eax &&
		    vp->cpuid[i].subleaf_specific == p->input.subleaf_specific &&
		    (!p->input.subleaf_specific || vp->cpuid[i].subleaf == p->input.ecx))
			r = &vp->cpuid[i];
	if (!r) {
		if (vp->nr_cpuid == MAX_RESULTS_PER_VP)
			return HV_STATUS_NO_RESOURCES;
		if (vp->nr_cpuid == vp->max_cpuid) {
			u32 n = max(16U, vp->max_cpuid * 2);
			struct hvsim_cpuid_result *t;

			t = krealloc_array(vp->cpuid, n, sizeof(*t), GFP_ATOMIC | __GFP_NOWARN);
			if (!t)
				return HV_STATUS_INSUFFICIENT_MEMORY;
			vp->cpuid = t;
			vp->max_cpuid = n;
		}
		r = &vp->cpuid[vp->nr_cpuid++];
	}
	*r = (struct hvsim_cpuid_result) {
		.leaf = p->input.eax,
		.subleaf = p->input.subleaf_specific ? p->input.ecx : 0,
		.subleaf_specific = p->input.subleaf_specific,
		.always_override = p->input.always_override,
		.value = { p->result.eax, p->result.ebx, p->result.ecx, p->result.edx },
		.mask = { p->result.eax_mask, p->result.ebx_mask, p->result.ecx_mask,
			  p->result.edx_mask },
	};
	return HV_STATUS_SUCCESS;
}

static u16 register_msr(struct hvsim_vp *vp, const union hv_register_intercept_result_parameters *u)
{
	const struct hv_register_x64_msr_result_parameters *p = &u->msr;
	struct hvsim_msr_result *r = NULL;
	unsigned int i;

	if ((p->access_type & ~(HV_INTERCEPT_ACCESS_MASK_READ |
				HV_INTERCEPT_ACCESS_MASK_WRITE)) || p->action > 1 ||
	    memchr_inv((const u8 *)u + sizeof(*p), 0, sizeof(*u) - sizeof(*p)))
		return HV_STATUS_INVALID_PARAMETER;
	for (i = 0; i < vp->nr_msr; i++)
		if (vp->msr[i].index == p->msr_index)
			r = &vp->msr[i];
	if (!r) {
		if (vp->nr_msr == MAX_RESULTS_PER_VP)
			return HV_STATUS_NO_RESOURCES;
		if (vp->nr_msr == vp->max_msr) {
			u32 n = max(16U, vp->max_msr * 2);
			struct hvsim_msr_result *t;

			t = krealloc_array(vp->msr, n, sizeof(*t), GFP_ATOMIC | __GFP_NOWARN);
			if (!t)
				return HV_STATUS_INSUFFICIENT_MEMORY;
			vp->msr = t;
			vp->max_msr = n;
		}
		r = &vp->msr[vp->nr_msr++];
	}
	*r = (struct hvsim_msr_result) {
		.index = p->msr_index, .access = p->access_type, .action = p->action,
	};
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_register_intercept_result(struct hvsim_call *c)
{
	const struct hv_input_register_intercept_result *in = c->in;
	struct hvsim_vp *vp;
	u16 status;

	status = hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (status)
		return status;
	switch (in->intercept_type) {
	case HV_INTERCEPT_TYPE_X64_CPUID:
		return register_cpuid(vp, &in->parameters.cpuid);
	case HV_INTERCEPT_TYPE_X64_MSR:
		return register_msr(vp, &in->parameters);
	}
	return HV_STATUS_INVALID_PARAMETER;
}

/**
 * hvsim_vp_cpuid_id() - hvsim_vp_cpuid() for tests
 * @partition_id: partition
 * @vp_index: VP
 * @leaf: EAX
 * @subleaf: ECX
 * @res: EAX, EBX, ECX, EDX with the overrides applied
 *
 * Return: 0 or -ESRCH.
 */
int hvsim_vp_cpuid_id(u64 partition_id, u32 vp_index, u32 leaf, u32 subleaf,
		      u32 res[4])
{
	struct hvsim_partition *pt;
	struct hvsim_vp *vp = NULL;
	unsigned long flags;

	spin_lock_irqsave(&hvsim.lock, flags);
	pt = hvsim_partition_get(partition_id);
	if (pt)
		vp = hvsim_vp_get(pt, vp_index);
	if (vp)
		hvsim_vp_cpuid(vp, leaf, subleaf, true, res);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return vp ? 0 : -ESRCH;
}
EXPORT_SYMBOL_GPL(hvsim_vp_cpuid_id);

const struct hvsim_hcall hvsim_cpuid_hcalls[] = {
	{
		.code = HVCALL_REGISTER_INTERCEPT_RESULT,
		.name = "REGISTER_INTERCEPT_RESULT", .slow = true,
		.in_size = sizeof(struct hv_input_register_intercept_result),
		.call = hvsim_register_intercept_result,
	}, {
		.code = HVCALL_GET_VP_CPUID_VALUES, .name = "GET_VP_CPUID_VALUES",
		.is_rep = true, .slow = true,
		.in_size = sizeof(struct hv_input_get_vp_cpuid_values),
		.rep_in_size = sizeof(struct hv_cpuid_leaf_info),
		.rep_out_size = sizeof(union hv_output_get_vp_cpuid_values),
		.call = hvsim_get_vp_cpuid_values_check,
		.rep = hvsim_get_vp_cpuid_values_rep,
	},
};

const unsigned int hvsim_cpuid_nr_hcalls = ARRAY_SIZE(hvsim_cpuid_hcalls);
