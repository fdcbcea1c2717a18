// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvsim_vp": hvsim's virtual processors without execution --
 * creation and deletion, the register file, the register page, VP state
 * blobs, CPUID, GVA translation and stats pages -- driven with raw
 * hypercalls on this CPU's hypercall pages (no driver involved).
 */
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>

#include "../hvsim/hvsim_test.h"

#define CTL(code, reps)		((u64)(code) | ((u64)(reps) << 32))
#define CTL_VARHEAD(q)		((u64)(q) << 17)

/* Pool pages one VP costs (hvsim.rst, "VPs"). */
#define VP_COST			8

static u64 raw_call(u64 control, const void *in, size_t in_len, void *out,
		    size_t out_len)
{
	void *input, *output;
	unsigned long flags;
	u64 status;

	local_irq_save(flags);
	input = *this_cpu_ptr(hyperv_pcpu_input_arg);
	output = *this_cpu_ptr(hyperv_pcpu_output_arg);
	memset(input, 0, HV_HYP_PAGE_SIZE);
	memset(output, 0, HV_HYP_PAGE_SIZE);
	memcpy(input, in, in_len);
	status = hv_do_hypercall(control, input, output);
	if (out)
		memcpy(out, output, out_len);
	local_irq_restore(flags);
	return status;
}

/* ------------------------------------------------------- partitions ---- */

static u16 deposit(u64 id, unsigned int n)
{
	struct {
		u64 id;
		u64 pfn[64];
	} in = { .id = id };
	unsigned int i, done = 0;
	u64 status;

	while (done < n) {
		unsigned int k = min(n - done, 64U);

		for (i = 0; i < k; i++) {
			struct page *p = alloc_page(GFP_KERNEL);

			if (!p)
				return HV_STATUS_INSUFFICIENT_MEMORY;
			in.pfn[i] = page_to_pfn(p);
		}
		status = raw_call(CTL(HVCALL_DEPOSIT_MEMORY, k), &in, 8 + 8 * k, NULL, 0);
		if (hv_result(status)) {
			for (i = hv_repcomp(status); i < k; i++)
				__free_page(pfn_to_page(in.pfn[i]));
			return hv_result(status);
		}
		done += k;
	}
	return HV_STATUS_SUCCESS;
}

static void withdraw_all(struct kunit *test, u64 id)
{
	struct hv_input_withdraw_memory in = { .partition_id = id };
	u64 *pfns = kmalloc(HV_HYP_PAGE_SIZE, GFP_KERNEL);
	u64 status;
	u16 i;

	KUNIT_ASSERT_NOT_NULL(test, pfns);
	do {
		status = raw_call(CTL(HVCALL_WITHDRAW_MEMORY, 512), &in, sizeof(in),
				  pfns, HV_HYP_PAGE_SIZE);
		for (i = 0; i < hv_repcomp(status); i++)
			__free_page(pfn_to_page(pfns[i]));
	} while (hv_result(status) == HV_STATUS_SUCCESS);
	kfree(pfns);
}

static void pt_destroy(void *data)
{
	struct kunit *test = kunit_get_current_test();
	u64 id = (uintptr_t)data;

	hv_do_fast_hypercall8(HVCALL_FINALIZE_PARTITION, id);
	KUNIT_EXPECT_EQ(test, hvsim_vp_count(id), 0U);
	withdraw_all(test, id);
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_DELETE_PARTITION,
							      id)), 0);
}

static u64 pt_create_banks(struct kunit *test, u64 dis0, u64 flags)
{
	struct hv_input_create_partition in = {
		.flags = HV_PARTITION_CREATION_FLAG_EXO_PARTITION | flags,
		.compatibility_version = HV_PARTITION_COMPATIBILITY_VERSION_21H2,
		.disabled_processor_features.as_uint64 = { dis0, 0 },
	};
	u64 status, id = 0;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		status = raw_call(HVCALL_CREATE_PARTITION, &in, sizeof(in), &id, 8);
		if (hv_result(status) != HV_STATUS_INSUFFICIENT_MEMORY)
			break;
		KUNIT_ASSERT_EQ(test, deposit(HV_PARTITION_ID_SELF, 16), 0);
	}
	KUNIT_ASSERT_EQ(test, hv_result(status), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, pt_destroy,
							   (void *)(uintptr_t)id));
	return id;
}

/* Initialize, leaving exactly @spare free pages in the pool. */
static void pt_init(struct kunit *test, u64 id, unsigned int spare)
{
	u64 status;

	for (;;) {
		status = hv_do_fast_hypercall8(HVCALL_INITIALIZE_PARTITION, id);
		if (hv_result(status) != HV_STATUS_INSUFFICIENT_MEMORY)
			break;
		KUNIT_ASSERT_EQ(test, deposit(id, 8), 0);
	}
	KUNIT_ASSERT_EQ(test, hv_result(status), 0);
	if (spare)
		KUNIT_ASSERT_EQ(test, deposit(id, spare), 0);
}

static u16 create_vp(u64 id, u32 index)
{
	struct hv_create_vp in = { .partition_id = id, .vp_index = index };

	return hv_result(raw_call(HVCALL_CREATE_VP, &in, sizeof(in), NULL, 0));
}

/* An initialized partition with VP 0 and @spare more free pool pages. */
static u64 pt_with_vp(struct kunit *test, unsigned int spare)
{
	u64 id = pt_create_banks(test, 0, 0);

	pt_init(test, id, VP_COST + spare);
	KUNIT_ASSERT_EQ(test, create_vp(id, 0), 0);
	return id;
}

/* ------------------------------------------------------- registers ---- */

static u64 set_regs(u64 id, u32 vp, const struct hv_register_assoc *a, unsigned int n)
{
	struct {
		struct hv_input_set_vp_registers h;
		struct hv_register_assoc a[8];
	} in = { .h = { .partition_id = id, .vp_index = vp } };

	memcpy(in.a, a, n * sizeof(*a));
	return raw_call(CTL(HVCALL_SET_VP_REGISTERS, n), &in,
			sizeof(in.h) + n * sizeof(*a), NULL, 0);
}

static u16 set_reg128(u64 id, u32 name, union hv_register_value v)
{
	struct hv_register_assoc a = { .name = name, .value = v };

	return hv_result(set_regs(id, 0, &a, 1));
}

static u16 set_reg(u64 id, u32 name, u64 v)
{
	return set_reg128(id, name, (union hv_register_value){ .reg64 = v });
}

static u16 get_reg(u64 id, u32 name, union hv_register_value *v)
{
	struct {
		struct hv_input_get_vp_registers h;
		u32 name;
	} in = { .h = { .partition_id = id }, .name = name };

	return hv_result(raw_call(CTL(HVCALL_GET_VP_REGISTERS, 1), &in, sizeof(in),
				  v, sizeof(*v)));
}

static u64 get64(struct kunit *test, u64 id, u32 name)
{
	union hv_register_value v;

	KUNIT_EXPECT_EQ_MSG(test, get_reg(id, name, &v), 0, "register %#x", name);
	return v.reg64;
}

static void vp_test_create_delete(struct kunit *test)
{
	u64 id = pt_create_banks(test, 0, 0);
	struct hv_create_vp in = { .partition_id = id, .vp_index = 3 };
	struct hv_input_delete_vp del = { .partition_id = id, .vp_index = 1 };

	/* Created, not initialized. */
	KUNIT_EXPECT_EQ(test, create_vp(id, 0), HV_STATUS_INVALID_PARTITION_STATE);
	pt_init(test, id, 2 * VP_COST);
	KUNIT_EXPECT_EQ(test, create_vp(HV_PARTITION_ID_SELF, 0), HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, create_vp(0x7777777, 0), HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, create_vp(id, 256), HV_STATUS_INVALID_VP_INDEX);
	KUNIT_EXPECT_EQ(test, create_vp(id, 0), 0);
	KUNIT_EXPECT_EQ(test, create_vp(id, 0), HV_STATUS_OBJECT_IN_USE);
	in.flags = 1;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_CREATE_VP, &in, sizeof(in),
						 NULL, 0)), HV_STATUS_INVALID_PARAMETER);
	in.flags = 0;
	in.subnode_type = 1;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_CREATE_VP, &in, sizeof(in),
						 NULL, 0)), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_vp(id, 255), 0);
	KUNIT_EXPECT_EQ(test, hvsim_vp_count(id), 2U);
	/* The pool is empty now: no side effect. */
	KUNIT_EXPECT_EQ(test, create_vp(id, 1), HV_STATUS_INSUFFICIENT_MEMORY);
	KUNIT_EXPECT_EQ(test, hvsim_vp_count(id), 2U);
	KUNIT_EXPECT_EQ(test, deposit(id, VP_COST), 0);
	KUNIT_EXPECT_EQ(test, create_vp(id, 1), 0);
	/* Fast 16: fine; fast 8: the poisoned second register is "reserved". */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_DELETE_VP,
							      id)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_DELETE_VP, id,
							       1)), 0);
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_DELETE_VP, id,
							       1)),
			HV_STATUS_INVALID_VP_INDEX);
	/* Its pages went back to the pool: it can be created again (slow delete). */
	KUNIT_EXPECT_EQ(test, create_vp(id, 1), 0);
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_DELETE_VP, &del, sizeof(del),
						 NULL, 0)), 0);
	del.reserved = 1;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_DELETE_VP, &del, sizeof(del),
						 NULL, 0)), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hvsim_vp_count(id), 2U);
	/* FINALIZE deletes the rest (checked in pt_destroy). */
}

static void vp_test_reset_state(struct kunit *test)
{
	u64 id = pt_with_vp(test, VP_COST);
	union hv_register_value v;
	u32 res[4];

	KUNIT_ASSERT_EQ(test, get_reg(id, HV_X64_REGISTER_CS, &v), 0);
	KUNIT_EXPECT_EQ(test, v.segment.selector, 0xf000);
	KUNIT_EXPECT_EQ(test, v.segment.base, 0xffff0000ULL);
	KUNIT_EXPECT_EQ(test, v.segment.limit, 0xffffU);
	KUNIT_EXPECT_EQ(test, v.segment.attributes, 0x9b);
	KUNIT_ASSERT_EQ(test, get_reg(id, HV_X64_REGISTER_DS, &v), 0);
	KUNIT_EXPECT_EQ(test, v.segment.selector, 0);
	KUNIT_EXPECT_EQ(test, v.segment.limit, 0xffffU);
	KUNIT_EXPECT_EQ(test, v.segment.attributes, 0x93);
	KUNIT_ASSERT_EQ(test, get_reg(id, HV_X64_REGISTER_GDTR, &v), 0);
	KUNIT_EXPECT_EQ(test, v.table.limit, 0xffff);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RIP), 0xfff0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RFLAGS), 0x2ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_CR0), 0x60000010ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_CR3), 0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_CR4), 0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_EFER), 0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_XFEM), 1ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_DR6), 0xffff0ff0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_DR7), 0x400ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_APIC_BASE), 0xfee00900ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_PAT),
			0x0007040600070406ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_MSR_MTRR_CAP), 0x510ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_MSR_MTRR_DEF_TYPE), 0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_EXPLICIT_SUSPEND), 1ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_INTERCEPT_SUSPEND), 0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_DISPATCH_SUSPEND), 0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_SINT0), 0x10000ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_VP_INDEX), 0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_EOM), 0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_SVERSION), 1ULL);
	KUNIT_ASSERT_EQ(test, get_reg(id, HV_X64_REGISTER_XMM_CONTROL_STATUS, &v), 0);
	KUNIT_EXPECT_EQ(test, v.xmm_control_status.xmm_status_control, 0x1f80U);
	KUNIT_ASSERT_EQ(test, get_reg(id, HV_X64_REGISTER_FP_CONTROL_STATUS, &v), 0);
	KUNIT_EXPECT_EQ(test, v.fp_control_status.fp_control, 0x37f);
	/* RDX: the processor signature, as CPUID.1:EAX. */
	KUNIT_ASSERT_EQ(test, hvsim_vp_cpuid_id(id, 0, 1, 0, res), 0);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RDX), (u64)res[0]);
	/* A second VP: not the BSP, its own index. */
	KUNIT_ASSERT_EQ(test, create_vp(id, 7), 0);
	KUNIT_ASSERT_EQ(test, hvsim_vp_get_reg(id, 7, HV_X64_REGISTER_APIC_BASE, &v), 0);
	KUNIT_EXPECT_EQ(test, v.reg64, 0xfee00800ULL);
	KUNIT_ASSERT_EQ(test, hvsim_vp_get_reg(id, 7, HV_REGISTER_VP_INDEX, &v), 0);
	KUNIT_EXPECT_EQ(test, v.reg64, 7ULL);
}

/*
 * Registers with constraints: a value SET accepts and one it refuses.
 * Every other writable register takes any 64-bit (or, with .wide, any
 * 128-bit) value; vp_test_register_roundtrip checks that claim too.
 */
struct reg_case {
	u32 name;
	u32 count;
	bool wide;		/* 128-bit value */
	bool has_bad;
	union hv_register_value good, bad;
};

#define V64(x)		{ .reg64 = (x) }
#define C(n, g, b)	{ .name = (n), .count = 1, .has_bad = true, .good = V64(g), .bad = V64(b) }
#define CN(n, k, g, b)	{ .name = (n), .count = (k), .has_bad = true, .good = V64(g), .bad = V64(b) }
#define PAGE_MSR_GOOD	0x5001ULL

static const struct reg_case reg_cases[] = {
	C(HV_REGISTER_EXPLICIT_SUSPEND, 1, 2),
	C(HV_REGISTER_INTERCEPT_SUSPEND, 1, 2),
	C(HV_REGISTER_DISPATCH_SUSPEND, 1, 2),
	C(HV_REGISTER_INTERNAL_ACTIVITY_STATE, 5, 8),
	C(HV_REGISTER_GUEST_CRASH_CTL, BIT_ULL(63), 1),
	C(HV_REGISTER_PENDING_INTERRUPTION, 0x000e0007, 0x400),
	C(HV_REGISTER_INTERRUPT_STATE, 3, 4),
	{ .name = HV_REGISTER_PENDING_EVENT0, .count = 2, .wide = true, .has_bad = true,
	  .good = { .reg128 = { 0x00000001000e0101ULL, 0xdeadbeef000ULL } },
	  .bad = { .reg128 = { 0x10, 0 } } },
	C(HV_X64_REGISTER_DELIVERABILITY_NOTIFICATIONS, 0, 1),
	C(HV_X64_REGISTER_PENDING_DEBUG_EXCEPTION, 0x4001, 0x20),
	C(HV_X64_REGISTER_HYPERCALL, 0x1001, 0x4),
	C(HV_X64_REGISTER_SYNTHETIC_TPR, 0x20, 0x100),
	C(HV_REGISTER_VP_ASSIST_PAGE, PAGE_MSR_GOOD, 2),
	C(HV_REGISTER_REFERENCE_TSC, PAGE_MSR_GOOD, 2),
	C(HV_X64_REGISTER_GHCB, 0, 1),
	C(HV_X64_REGISTER_SEV_CONTROL, 0, 1),
	C(HV_X64_REGISTER_SEV_GHCB_GPA, 0, 1),
	C(HV_X64_REGISTER_SEV_DOORBELL_GPA, 0, 1),
	CN(HV_REGISTER_SINT0, 16, 0x20031, 0x5),
	CN(HV_REGISTER_NESTED_SINT0, 16, 0x20031, 0x100),
	C(HV_REGISTER_SCONTROL, 1, 2),
	C(HV_REGISTER_NESTED_SCONTROL, 1, 2),
	C(HV_REGISTER_SIEFP, PAGE_MSR_GOOD, 2),
	C(HV_REGISTER_SIMP, PAGE_MSR_GOOD, 2),
	C(HV_REGISTER_SIRBP, PAGE_MSR_GOOD, 2),
	C(HV_REGISTER_NESTED_SIFP, PAGE_MSR_GOOD, 2),
	C(HV_REGISTER_NESTED_SIPP, PAGE_MSR_GOOD, 2),
	C(HV_REGISTER_NESTED_SIRBP, PAGE_MSR_GOOD, 2),
	C(HV_REGISTER_STIMER0_CONFIG, 0x30401, BIT(13)),
	C(HV_REGISTER_STIMER1_CONFIG, 0x30401, BIT(20)),
	C(HV_REGISTER_STIMER2_CONFIG, 0x30401, BIT(14)),
	C(HV_REGISTER_STIMER3_CONFIG, 0x30401, BIT_ULL(40)),
	C(HV_REGISTER_STIME_UNHALTED_TIMER_CONFIG, 0x30401, BIT(15)),
	C(HV_REGISTER_VSM_VINA, 0, 1),
	C(HV_REGISTER_VSM_PARTITION_CONFIG, 0, 1),
	CN(HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, 15, 0, 1),
	C(HV_REGISTER_VSM_VP_WAIT_FOR_TLB_LOCK, 0, 1),
	C(HV_X64_REGISTER_RFLAGS, 0x202, 0x20a),
	C(HV_X64_REGISTER_CR0, 0x80050033, BIT(6)),
	C(HV_X64_REGISTER_CR3, 0x1000, BIT_ULL(63)),
	C(HV_X64_REGISTER_CR4, 0x20, BIT(15)),
	C(HV_X64_REGISTER_CR8, 0xf, 0x10),
	C(HV_X64_REGISTER_XFEM, 3, 2),
	C(HV_X64_REGISTER_INTERMEDIATE_CR0, 0x80000011, 0x80000000),
	C(HV_X64_REGISTER_INTERMEDIATE_CR3, 0x2000, BIT_ULL(60)),
	C(HV_X64_REGISTER_INTERMEDIATE_CR4, 0x6a0, BIT_ULL(12)),
	C(HV_X64_REGISTER_INTERMEDIATE_CR8, 0x3, 0x30),
	C(HV_X64_REGISTER_DR6, 0xffff0ff1, BIT_ULL(32)),
	C(HV_X64_REGISTER_DR7, 0x401, BIT_ULL(40)),
	C(HV_X64_REGISTER_EFER, 0xd01, 0x2),
	C(HV_X64_REGISTER_APIC_BASE, 0xfee00d00, 0xfee00400),
	C(HV_X64_REGISTER_PAT, 0x0007040600070406ULL, 0x2),
	C(HV_X64_REGISTER_MSR_MTRR_DEF_TYPE, 0xc06, 0x100),
	CN(HV_X64_REGISTER_MSR_MTRR_PHYS_BASE0, 16, 0x80000006, 0x100),
	CN(HV_X64_REGISTER_MSR_MTRR_PHYS_MASK0, 16, 0xfff80000800ULL, 1),
	CN(HV_X64_REGISTER_MSR_MTRR_FIX64K00000, 11, 0x0606060606060606ULL, 0x2),
	C(HV_X64_REGISTER_TSC_AUX, 5, BIT_ULL(32)),
	C(HV_X64_REGISTER_BNDCFGS, 0x1003, 0x4),
	C(HV_X64_REGISTER_DEBUG_CTL, 0x3, 0x4),
	C(HV_X64_REGISTER_SPEC_CTRL, 0x7, 0x8),
	C(HV_X64_REGISTER_VIRT_SPEC_CTRL, 0x4, 0x1),
	C(HV_X64_REGISTER_U_XSS, 0x1800, 0x1),
	C(HV_X64_REGISTER_U_CET, 0x5, 0x40),
	C(HV_X64_REGISTER_S_CET, 0x5, 0x80),
	CN(HV_X64_REGISTER_PL0_SSP, 4, 0x1000, 0x1),
	{ .name = HV_X64_REGISTER_ES, .count = 6, .wide = true, .has_bad = true,
	  .good = { .segment = { 0x1000, 0xfffff, 0x10, 0xa09b } },
	  .bad = { .segment = { 0, 0xffff, 0, 0x193 } } },
	{ .name = HV_X64_REGISTER_LDTR, .count = 2, .wide = true, .has_bad = true,
	  .good = { .segment = { 0x3000, 0x67, 0x28, 0x8b } },
	  .bad = { .segment = { 0, 0xffff, 0, 0x88b } } },
	{ .name = HV_X64_REGISTER_IDTR, .count = 2, .wide = true, .has_bad = true,
	  .good = { .table = { .limit = 0x7ff, .base = 0x2000 } },
	  .bad = { .table = { .pad = { 1 }, .limit = 0x7ff } } },
	{ .name = HV_X64_REGISTER_XMM0, .count = 16, .wide = true,
	  .good = { .reg128 = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL } } },
	{ .name = HV_X64_REGISTER_FP_MMX0, .count = 8, .wide = true, .has_bad = true,
	  .good = { .fp = { .mantissa = 0x8000000000000001ULL, .exponent_sign = 0xbfff } },
	  .bad = { .fp = { .mantissa = 1, .reserved1 = 1 } } },
	{ .name = HV_X64_REGISTER_FP_CONTROL_STATUS, .count = 1, .wide = true,
	  .has_bad = true,
	  .good = { .fp_control_status = { .fp_control = 0x27f, .fp_status = 0x3800,
					   .fp_tag = 0x81, .last_fp_op = 0x5d9,
					   .last_fp_rip = 0xffffffff81000000ULL } },
	  .bad = { .fp_control_status = { .fp_control = 0x37f, .reserved = 1 } } },
	{ .name = HV_X64_REGISTER_XMM_CONTROL_STATUS, .count = 1, .wide = true,
	  .has_bad = true,
	  .good = { .xmm_control_status = { .last_fp_rdp = 0x7fff0000ULL,
					    .xmm_status_control = 0x9fc0,
					    .xmm_status_control_mask = 0xffff } },
	  .bad = { .xmm_control_status = { .xmm_status_control = 0x11f80 } } },
};

static const struct reg_case *reg_case_find(u32 name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reg_cases); i++)
		if (name - reg_cases[i].name < reg_cases[i].count)
			return &reg_cases[i];
	return NULL;
}

/* INTERMEDIATE_CRn reads back as CRn. */
static u32 alias_of(u32 name)
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

static void vp_test_register_roundtrip(struct kunit *test)
{
	u64 id = pt_with_vp(test, 0);
	u32 *names = kunit_kcalloc(test, 1024, sizeof(u32), GFP_KERNEL);
	unsigned int n, i, cases = 0, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, names);
	n = hvsim_vp_reg_names(names, 1024, true);
	KUNIT_ASSERT_LE(test, n, 1024U);
	/* Every register of the hv-abi.md table that is not read-only. */
	KUNIT_EXPECT_GT(test, n, 380U);
	for (i = 0; i < n; i++) {
		const struct reg_case *rc = reg_case_find(names[i]);
		union hv_register_value good = {
			.reg64 = 0x0123456789abcdefULL ^ names[i],
		}, before, v;
		bool wide = rc && rc->wide;

		if (rc)
			good = rc->good;
		KUNIT_EXPECT_EQ_MSG(test, set_reg128(id, names[i], good), 0,
				    "register %#x", names[i]);
		KUNIT_ASSERT_EQ(test, get_reg(id, alias_of(names[i]), &v), 0);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&v, &good, sizeof(v)), 0,
				    "register %#x: %#llx:%#llx", names[i],
				    v.reg128.high_part, v.reg128.low_part);
		cases++;
		/* A 64-bit register: the high bytes must be zero. */
		if (!wide) {
			union hv_register_value w = good;

			w.reg128.high_part = 1;
			KUNIT_EXPECT_EQ_MSG(test, set_reg128(id, names[i], w),
					    HV_STATUS_INVALID_PARAMETER,
					    "register %#x", names[i]);
		}
		if (!rc || !rc->has_bad)
			continue;
		/* Refused, and nothing changed. */
		KUNIT_ASSERT_EQ(test, get_reg(id, alias_of(names[i]), &before), 0);
		KUNIT_EXPECT_EQ_MSG(test, set_reg128(id, names[i], rc->bad),
				    HV_STATUS_INVALID_PARAMETER, "register %#x", names[i]);
		KUNIT_ASSERT_EQ(test, get_reg(id, alias_of(names[i]), &v), 0);
		KUNIT_EXPECT_EQ(test, memcmp(&v, &before, sizeof(v)), 0);
		bad++;
	}
	kunit_info(test, "%u writable registers round-tripped, %u refusals\n",
		   cases, bad);
	/* GUEST_OS_ID is partition-wide: the property follows it. */
	KUNIT_EXPECT_EQ(test, hvsim_get_property(id, HV_PARTITION_PROPERTY_GUEST_OS_ID,
						 (u64 *)&good_os_id), 0);
}
