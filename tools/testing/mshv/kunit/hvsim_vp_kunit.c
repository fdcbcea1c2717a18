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
#include "hvsim_kunit_raw.h"

/* ------------------------------------------------------- partitions ---- */

static u64 pt_create_banks(struct kunit *test, u64 dis0, u64 flags)
{
	struct hv_input_create_partition in = {
		.flags = HV_PARTITION_CREATION_FLAG_EXO_PARTITION | flags,
		.compatibility_version = HV_PARTITION_COMPATIBILITY_VERSION_21H2,
		.disabled_processor_features.as_uint64 = { dis0, 0 },
	};

	return pt_create_in(test, &in);
}

/* ------------------------------------------------------- registers ---- */

static u16 set_reg128(u64 id, u32 name, union hv_register_value v)
{
	struct hv_register_assoc a = { .name = name, .value = v };

	return hv_result(set_regs_raw(id, 0, &a, 1));
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
	KUNIT_EXPECT_EQ(test, raw_deposit(id, VP_COST), 0);
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
#define CN(n, k, g, b)	{ .name = (n), .count = (k), .has_bad = true, \
			  .good = V64(g), .bad = V64(b) }
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
	  .good = { .segment = { .base = 0x1000, .limit = 0xfffff, .selector = 0x10,
				.attributes = 0xa09b } },
	  .bad = { .segment = { .limit = 0xffff, .attributes = 0x193 } } },
	{ .name = HV_X64_REGISTER_LDTR, .count = 2, .wide = true, .has_bad = true,
	  .good = { .segment = { .base = 0x3000, .limit = 0x67, .selector = 0x28,
				.attributes = 0x8b } },
	  .bad = { .segment = { .limit = 0xffff, .attributes = 0x88b } } },
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
}

static void vp_test_special_registers(struct kunit *test)
{
	static const u32 commands[] = {
		HV_REGISTER_EOM, HV_REGISTER_NESTED_EOM, HV_X64_REGISTER_SYNTHETIC_EOI,
		HV_X64_REGISTER_PRED_CMD,
	};
	u64 id = pt_with_vp(test, 0);
	u32 *all = kunit_kcalloc(test, 1024, sizeof(u32), GFP_KERNEL);
	u32 *rw = kunit_kcalloc(test, 1024, sizeof(u32), GFP_KERNEL);
	unsigned int n_all, n_rw, i, j, ro = 0;
	struct hv_register_assoc a[4] = {
		{ .name = HV_X64_REGISTER_RAX, .value.reg64 = 1 },
		{ .name = HV_X64_REGISTER_RBX, .value.reg64 = 2 },
		{ .name = HV_X64_REGISTER_CR0, .value.reg64 = BIT(6) },
		{ .name = HV_X64_REGISTER_RCX, .value.reg64 = 3 },
	};
	union hv_register_value v;
	u64 status, val;

	KUNIT_ASSERT_NOT_NULL(test, all);
	KUNIT_ASSERT_NOT_NULL(test, rw);
	n_all = hvsim_vp_reg_names(all, 1024, false);
	n_rw = hvsim_vp_reg_names(rw, 1024, true);
	/* Read-only registers read fine and refuse writes (of any value). */
	for (i = 0; i < n_all; i++) {
		bool cmd = false;

		for (j = 0; j < n_rw && rw[j] != all[i]; j++)
			;
		if (j < n_rw)
			continue;
		for (j = 0; j < ARRAY_SIZE(commands); j++)
			cmd |= all[i] == commands[j];
		KUNIT_EXPECT_EQ_MSG(test, get_reg(id, all[i], &v), 0, "reg %#x", all[i]);
		if (cmd) {
			/* Commands: accepted, read as 0. */
			KUNIT_EXPECT_EQ(test, v.reg64, 0ULL);
			KUNIT_EXPECT_EQ_MSG(test, set_reg(id, all[i], 1), 0, "reg %#x", all[i]);
			KUNIT_EXPECT_EQ(test, get64(test, id, all[i]), 0ULL);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, set_reg128(id, all[i], v),
				    HV_STATUS_INVALID_PARAMETER, "reg %#x", all[i]);
		ro++;
	}
	KUNIT_EXPECT_GE(test, ro, 20U);
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_X64_REGISTER_PRED_CMD, 2),
			HV_STATUS_INVALID_PARAMETER);
	/* Identification registers are the CPUID leaves. */
	KUNIT_ASSERT_EQ(test, get_reg(id, HV_REGISTER_HYPERVISOR_VERSION, &v), 0);
	KUNIT_EXPECT_EQ(test, lower_32_bits(v.reg128.low_part), 27744U);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_PROCESSOR_CLOCK_FREQUENCY) > 0, true);
	/* Unknown names. */
	KUNIT_EXPECT_EQ(test, get_reg(id, 0x12345678, &v), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, set_reg(id, 0x12345678, 0), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_X64_REGISTER_PMC(8), 0),
			HV_STATUS_INVALID_PARAMETER);
	/* In order, stopping at the first failure: reps completed = its index. */
	status = set_regs_raw(id, 0, a, 4);
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hv_repcomp(status), 2);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RBX), 2ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RCX), 0ULL);
	a[0].reserved1 = 1;
	KUNIT_EXPECT_EQ(test, hv_result(set_regs_raw(id, 0, a, 1)), HV_STATUS_INVALID_PARAMETER);
	/* Suspend order as the driver uses it; GUEST_OS_ID is partition-wide. */
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_REGISTER_EXPLICIT_SUSPEND, 0), 0);
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_REGISTER_GUEST_OS_ID, 0x8100ULL), 0);
	KUNIT_EXPECT_EQ(test, hvsim_get_property(id, HV_PARTITION_PROPERTY_GUEST_OS_ID,
						 &val), 0);
	KUNIT_EXPECT_EQ(test, val, 0x8100ULL);
	/* XFEM: only enabled components. */
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_X64_REGISTER_XFEM, BIT(9) | 3),
			HV_STATUS_INVALID_PARAMETER);
	/* Timers registers are the SYNTHETIC_TIMERS state. */
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_REGISTER_STIMER2_COUNT, 12345), 0);
	KUNIT_EXPECT_EQ(test, hvsim_vp_set_root_signal_count(id, 0, 9), 0);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_VP_ROOT_SIGNAL_COUNT), 9ULL);
}

static void vp_test_header_checks(struct kunit *test)
{
	u64 id = pt_with_vp(test, 0);
	struct {
		struct hv_input_get_vp_registers h;
		u32 name;
	} in = { .h = { .partition_id = id }, .name = HV_X64_REGISTER_RIP };
	union hv_register_value v;

	in.h.input_vtl.as_uint8 = 1;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(CTL(HVCALL_GET_VP_REGISTERS, 1), &in,
						 sizeof(in), &v, 16)),
			HV_STATUS_INVALID_PARAMETER);
	in.h.input_vtl.as_uint8 = 0x10;	/* target VTL 0 */
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(CTL(HVCALL_GET_VP_REGISTERS, 1), &in,
						 sizeof(in), &v, 16)), 0);
	in.h.input_vtl.as_uint8 = 0;
	in.h.rsvd_z16 = 1;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(CTL(HVCALL_GET_VP_REGISTERS, 1), &in,
						 sizeof(in), &v, 16)),
			HV_STATUS_INVALID_PARAMETER);
	in.h.rsvd_z16 = 0;
	in.h.vp_index = 1;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(CTL(HVCALL_GET_VP_REGISTERS, 1), &in,
						 sizeof(in), &v, 16)),
			HV_STATUS_INVALID_VP_INDEX);
	in.h.partition_id = HV_PARTITION_ID_SELF;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(CTL(HVCALL_GET_VP_REGISTERS, 1), &in,
						 sizeof(in), &v, 16)),
			HV_STATUS_ACCESS_DENIED);
}

/* ---------------------------------------------------- register page ---- */

static u16 unmap_state_page(u64 id, u32 vp, u16 type)
{
	struct hv_input_unmap_vp_state_page in = {
		.partition_id = id, .vp_index = vp, .type = type,
	};

	return hv_result(raw_call(HVCALL_UNMAP_VP_STATE_PAGE, &in, sizeof(in), NULL, 0));
}

static void vp_test_register_page(struct kunit *test)
{
	u64 id = pt_with_vp(test, 0), pfn = 0, pfn2 = 0;
	struct hv_vp_register_page *p;
	union hv_register_value v = {};

	KUNIT_EXPECT_EQ(test, map_state_page_raw(id, 0, HV_VP_STATE_PAGE_GHCB, 0, &pfn),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, map_state_page_raw(id, 0, HV_VP_STATE_PAGE_REGISTERS,
						 HV_MAP_VP_STATE_PAGE_MAP_LOCATION_PROVIDED, &pfn),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, map_state_page_raw(id, 1, HV_VP_STATE_PAGE_REGISTERS, 0, &pfn),
			HV_STATUS_INVALID_VP_INDEX);
	KUNIT_EXPECT_EQ(test, unmap_state_page(id, 0, HV_VP_STATE_PAGE_REGISTERS),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_ASSERT_EQ(test, map_state_page_raw(id, 0, HV_VP_STATE_PAGE_INTERCEPT_MESSAGE, 0,
						 &pfn2), 0);
	KUNIT_ASSERT_EQ(test, map_state_page_raw(id, 0, HV_VP_STATE_PAGE_REGISTERS, 0, &pfn), 0);
	KUNIT_ASSERT_TRUE(test, pfn_valid(pfn));
	KUNIT_EXPECT_NE(test, pfn, pfn2);
	p = page_address(pfn_to_page(pfn));
	KUNIT_EXPECT_EQ(test, p->version, 1);
	KUNIT_EXPECT_EQ(test, p->isvalid, 1);
	KUNIT_EXPECT_EQ(test, p->dirty, 0U);
	KUNIT_EXPECT_EQ(test, p->rip, 0xfff0ULL);
	KUNIT_EXPECT_EQ(test, p->rflags, 0x2ULL);
	KUNIT_EXPECT_EQ(test, p->cs.selector, 0xf000);
	KUNIT_EXPECT_EQ(test, p->cs.base, 0xffff0000ULL);
	KUNIT_EXPECT_EQ(test, p->cr0, 0x60000010ULL);
	KUNIT_EXPECT_EQ(test, p->xfem, 1ULL);
	/* Hypercall writes show in the page, without dirty bits. */
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_X64_REGISTER_RAX, 0x1111), 0);
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_X64_REGISTER_R15, 0x1515), 0);
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_X64_REGISTER_INTERMEDIATE_CR0, 0x11), 0);
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_X64_REGISTER_INTERMEDIATE_CR4, 0x20), 0);
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_X64_REGISTER_EFER, 0x500), 0);
	KUNIT_EXPECT_EQ(test, set_reg(id, HV_REGISTER_PENDING_INTERRUPTION, 0x300001), 0);
	v.reg128.low_part = 0xaa;
	v.reg128.high_part = 0xbb;
	KUNIT_EXPECT_EQ(test, set_reg128(id, HV_X64_REGISTER_XMM5, v), 0);
	v.segment = (struct hv_x64_segment_register){
		.base = 0x10000, .limit = 0xffff, .selector = 0x1000, .attributes = 0x93,
	};
	KUNIT_EXPECT_EQ(test, set_reg128(id, HV_X64_REGISTER_GS, v), 0);
	KUNIT_EXPECT_EQ(test, p->rax, 0x1111ULL);
	KUNIT_EXPECT_EQ(test, p->r15, 0x1515ULL);
	KUNIT_EXPECT_EQ(test, p->cr0, 0x11ULL);
	KUNIT_EXPECT_EQ(test, p->cr4, 0x20ULL);
	KUNIT_EXPECT_EQ(test, p->efer, 0x500ULL);
	KUNIT_EXPECT_EQ(test, p->pending_interruption, 0x300001ULL);
	KUNIT_EXPECT_EQ(test, p->xmm5.low_part, 0xaaULL);
	KUNIT_EXPECT_EQ(test, p->xmm5.high_part, 0xbbULL);
	KUNIT_EXPECT_EQ(test, p->gs.selector, 0x1000);
	KUNIT_EXPECT_EQ(test, p->gs.base, 0x10000ULL);
	KUNIT_EXPECT_EQ(test, p->dirty, 0U);
	/* Page writes with dirty bits: loaded before the next run. */
	p->rbx = 0xb0b0;
	p->rip = 0x7c00;
	p->rflags = 0x246;
	p->xmm0.low_part = 0x5a5a;
	p->ds.selector = 0x18;
	p->ds.attributes = 0x93;
	p->r8 = 0x8888;		/* no dirty bit set for the class: see below */
	p->dirty = HV_VP_REGISTER_PAGE_DIRTY_GENERAL_PURPOSE |
		   HV_VP_REGISTER_PAGE_DIRTY_INSTRUCTION_POINTER |
		   HV_VP_REGISTER_PAGE_DIRTY_FLAGS | HV_VP_REGISTER_PAGE_DIRTY_XMM |
		   HV_VP_REGISTER_PAGE_DIRTY_SEGMENTS;
	/* Not applied until the scheduler runs the VP. */
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RBX), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_vp_apply_dirty_id(id, 0), 0);
	KUNIT_EXPECT_EQ(test, p->dirty, 0U);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RBX), 0xb0b0ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_R8), 0x8888ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RIP), 0x7c00ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RFLAGS), 0x246ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_XMM0), 0x5a5aULL);
	KUNIT_ASSERT_EQ(test, get_reg(id, HV_X64_REGISTER_DS, &v), 0);
	KUNIT_EXPECT_EQ(test, v.segment.selector, 0x18);
	/* A class without its dirty bit is not loaded. */
	p->rip = 0x1234;
	p->dirty = HV_VP_REGISTER_PAGE_DIRTY_GENERAL_PURPOSE;
	KUNIT_EXPECT_EQ(test, hvsim_vp_apply_dirty_id(id, 0), 0);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RIP), 0x7c00ULL);
	/* A refused class stays as it was, and the page is restored. */
	p->rflags = 0;
	p->dirty = HV_VP_REGISTER_PAGE_DIRTY_FLAGS;
	KUNIT_EXPECT_EQ(test, hvsim_vp_apply_dirty_id(id, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, p->dirty, 0U);
	KUNIT_EXPECT_EQ(test, p->rflags, 0x246ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_X64_REGISTER_RFLAGS), 0x246ULL);
	KUNIT_EXPECT_EQ(test, unmap_state_page(id, 0, HV_VP_STATE_PAGE_REGISTERS), 0);
	KUNIT_EXPECT_EQ(test, unmap_state_page(id, 0, HV_VP_STATE_PAGE_REGISTERS),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, unmap_state_page(id, 0, HV_VP_STATE_PAGE_INTERCEPT_MESSAGE), 0);
}

/* ------------------------------------------------------- VP state ---- */

static void fill(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = seed + i * 7;
}

static void vp_test_state_blobs(struct kunit *test)
{
	u64 id = pt_with_vp(test, 0), size, states, pfns[4];
	struct hv_local_interrupt_controller_state *l;
	struct hv_synthetic_timers_state t, t2;
	u32 types[] = { HV_GET_SET_VP_STATE_LAPIC_STATE, HV_GET_SET_VP_STATE_XSAVE,
			HV_GET_SET_VP_STATE_SIM_PAGE, HV_GET_SET_VP_STATE_SIEF_PAGE };
	u8 *buf = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	u8 *pat = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	unsigned int i, k, pages;
	union hv_register_value v;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, pat);
	KUNIT_ASSERT_EQ(test, hvsim_get_property(id, HV_PARTITION_PROPERTY_MAX_XSAVE_DATA_SIZE,
						 &size), 0);
	KUNIT_ASSERT_EQ(test, hvsim_get_property(id, HV_PARTITION_PROPERTY_XSAVE_STATES,
						 &states), 0);
	for (i = 0; i < 4; i++) {
		struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);

		KUNIT_ASSERT_NOT_NULL(test, pg);
		pfns[i] = page_to_pfn(pg);
	}
	/* Reset LAPIC. */
	KUNIT_ASSERT_EQ(test, vp_state_raw(id, 0, false, types[0], 0, pfns, 1, NULL, 0), 0);
	l = page_address(pfn_to_page(pfns[0]));
	KUNIT_EXPECT_EQ(test, l->apic_id, 0U);
	KUNIT_EXPECT_EQ(test, l->apic_version, 0x50014U);
	KUNIT_EXPECT_EQ(test, l->apic_spurious, 0xffU);
	KUNIT_EXPECT_EQ(test, l->apic_lvt_lint0, 0x10000U);
	for (k = 0; k < ARRAY_SIZE(types); k++) {
		u32 bytes = k == 0 ? sizeof(*l) : k == 1 ? size : PAGE_SIZE;

		pages = DIV_ROUND_UP(k == 1 ? size : PAGE_SIZE, PAGE_SIZE);
		fill(pat, 4 * PAGE_SIZE, 0x11 * (k + 1));
		if (k == 1) {
			/* A valid XSAVE image: standard format, known components. */
			*(u32 *)(pat + 24) = 0x1f80;
			*(u64 *)(pat + 512) = states;
			memset(pat + 520, 0, 56);
		}
		for (i = 0; i < pages; i++)
			memcpy(page_address(pfn_to_page(pfns[i])), pat + i * PAGE_SIZE,
			       PAGE_SIZE);
		/* Wrong PFN counts. */
		KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, true, types[k], k == 1 ? states : 0,
						   pfns, pages + 1, NULL, 0),
				HV_STATUS_INVALID_PARAMETER);
		KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, true, types[k], k == 1 ? states : 0,
						   pfns, pages - 1, NULL, 0),
				HV_STATUS_INVALID_PARAMETER);
		/* Without the PFN flag. */
		KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, true,
						   types[k] & ~HV_GET_SET_VP_STATE_TYPE_PFN,
						   k == 1 ? states : 0, pfns, pages, NULL, 0),
				HV_STATUS_INVALID_PARAMETER);
		KUNIT_ASSERT_EQ(test, vp_state_raw(id, 0, true, types[k], k == 1 ? states : 0,
						   pfns, pages, NULL, 0), 0);
		for (i = 0; i < pages; i++)
			memset(page_address(pfn_to_page(pfns[i])), 0xee, PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, vp_state_raw(id, 0, false, types[k], k == 1 ? states : 0,
						   pfns, pages, NULL, 0), 0);
		for (i = 0; i < pages; i++)
			memcpy(buf + i * PAGE_SIZE, page_address(pfn_to_page(pfns[i])),
			       PAGE_SIZE);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, pat, bytes), 0, "type %#x", types[k]);
		KUNIT_EXPECT_NULL(test, memchr_inv(buf + bytes, 0, pages * PAGE_SIZE - bytes));
	}
	/* The XSAVE image holds the FP/XMM registers. */
	KUNIT_ASSERT_EQ(test, get_reg(id, HV_X64_REGISTER_XMM3, &v), 0);
	fill(pat, 4 * PAGE_SIZE, 0x22);
	KUNIT_EXPECT_EQ(test, memcmp(&v, pat + 160 + 3 * 16, 16), 0);
	/* XSAVE: states must have x87|SSE, only known components, flags zero. */
	KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, false, types[1], 1, pfns,
					   DIV_ROUND_UP(size, PAGE_SIZE), NULL, 0),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, false, types[1], states | BIT_ULL(40), pfns,
					   DIV_ROUND_UP(size, PAGE_SIZE), NULL, 0),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, false, types[0], 3, pfns, 1, NULL, 0),
			HV_STATUS_INVALID_PARAMETER);
	/* A compacted image is refused. */
	*(u64 *)((u8 *)page_address(pfn_to_page(pfns[0])) + 520) = BIT_ULL(63) | 3;
	KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, true, types[1], states, pfns,
					   DIV_ROUND_UP(size, PAGE_SIZE), NULL, 0),
			HV_STATUS_INVALID_PARAMETER);
	/* Synthetic timers: inline both ways. */
	memset(&t, 0, sizeof(t));
	for (i = 0; i < HV_SYNIC_STIMER_COUNT; i++) {
		t.timers[i].flags = i & 1;
		t.timers[i].config.as_uint64 = 0x30401 + (i << 4);
		t.timers[i].count = 1000 * (i + 1);
		t.timers[i].adjustment = 7 + i;
		t.timers[i].undelivered_expiration_time = 0x123456789ULL * i;
	}
	KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, true, HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS, 0,
					   (const u64 *)&t, 24, NULL, 0),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_ASSERT_EQ(test, vp_state_raw(id, 0, true, HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS, 0,
					   (const u64 *)&t, 25, NULL, 0), 0);
	KUNIT_ASSERT_EQ(test, vp_state_raw(id, 0, false, HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS, 0,
					   NULL, 0, &t2, sizeof(t2)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&t, &t2, sizeof(t)), 0);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_STIMER1_COUNT), 2000ULL);
	KUNIT_EXPECT_EQ(test, get64(test, id, HV_REGISTER_STIMER3_CONFIG), 0x30431ULL);
	t.reserved[2] = 1;
	KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, true, HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS, 0,
					   (const u64 *)&t, 25, NULL, 0),
			HV_STATUS_INVALID_PARAMETER);
	/* The timers with the PFN flag are not a type. */
	KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, false, HV_GET_SET_VP_STATE_TYPE_PFN | 4, 0,
					   pfns, 1, NULL, 0), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, vp_state_raw(id, 0, false, 5, 0, NULL, 0, NULL, 0),
			HV_STATUS_INVALID_PARAMETER);
	for (i = 0; i < 4; i++)
		__free_page(pfn_to_page(pfns[i]));
}

/* ------------------------------------------------------------ CPUID ---- */

static void cpuid_values(u64 id, u32 flags, u32 leaf, u32 subleaf, u32 res[4])
{
	struct {
		struct hv_input_get_vp_cpuid_values h;
		struct hv_cpuid_leaf_info l;
	} in = { .h = { .partition_id = id, .flags = flags },
		 .l = { .eax = leaf, .ecx = subleaf, .xfem = 3 } };
	u64 status;

	status = raw_call(CTL(HVCALL_GET_VP_CPUID_VALUES, 1), &in, sizeof(in), res, 16);
	WARN_ON(hv_result(status));
}

static u16 register_cpuid(u64 id, u32 leaf, u32 ecx_val, u32 ecx_mask)
{
	struct hv_input_register_intercept_result in = {
		.partition_id = id, .intercept_type = HV_INTERCEPT_TYPE_X64_CPUID,
		.parameters.cpuid = { .input = { .eax = leaf },
				      .result = { .ecx = ecx_val, .ecx_mask = ecx_mask } },
	};

	return hv_result(raw_call(HVCALL_REGISTER_INTERCEPT_RESULT, &in, sizeof(in),
				  NULL, 0));
}

static void vp_test_cpuid(struct kunit *test)
{
	u64 id = pt_with_vp(test, 0), size;
	u64 id2 = pt_create_banks(test, BIT_ULL(HV_PROC_FEATURE_AES), 0);
	struct hv_input_register_intercept_result msr = {
		.partition_id = id, .intercept_type = HV_INTERCEPT_TYPE_X64_MSR,
		.parameters.msr = { .msr_index = 0x10, .access_type = 1, .action = 1 },
	};
	u32 r[4], r2[4];

	cpuid_values(id, 0, 0, 0, r);
	KUNIT_EXPECT_EQ(test, r[1], 0x756e6547U);	/* "Genu" */
	KUNIT_EXPECT_GE(test, r[0], 0xdU);
	cpuid_values(id, 0, 1, 0, r);
	KUNIT_EXPECT_TRUE(test, r[2] & BIT(31));	/* hypervisor */
	KUNIT_EXPECT_TRUE(test, r[2] & BIT(25));	/* AES, host has it */
	KUNIT_EXPECT_TRUE(test, r[3] & BIT(0));		/* FPU */
	cpuid_values(id, 0, 0x40000000, 0, r);
	KUNIT_EXPECT_EQ(test, r[1], 0x7263694dU);	/* "Micr" */
	KUNIT_EXPECT_GE(test, r[0], 0x40000006U);
	cpuid_values(id, 0, 0x40000001, 0, r);
	KUNIT_EXPECT_EQ(test, r[0], 0x31237648U);
	cpuid_values(id, 0, 0x80000000, 0, r);
	KUNIT_EXPECT_EQ(test, r[0], 0x80000008U);
	cpuid_values(id, 0, 0x80000001, 0, r);
	KUNIT_EXPECT_TRUE(test, r[3] & BIT(29));	/* long mode */
	KUNIT_ASSERT_EQ(test, hvsim_get_property(id, HV_PARTITION_PROPERTY_MAX_XSAVE_DATA_SIZE,
						 &size), 0);
	cpuid_values(id, 0, 0xd, 0, r);
	KUNIT_EXPECT_EQ(test, (u64)r[2], size);
	KUNIT_EXPECT_EQ(test, r[1], 576U);		/* xfem 3 */
	cpuid_values(id, 0, 0xd, 2, r);
	KUNIT_EXPECT_EQ(test, r[0], 256U);		/* AVX */
	KUNIT_EXPECT_EQ(test, r[1], 576U);
	cpuid_values(id, 0, 7, 0, r);
	KUNIT_EXPECT_TRUE(test, r[1] & BIT(5));		/* AVX2 */
	/* A disabled feature bank bit disappears from CPUID. */
	pt_init(test, id2, VP_COST);
	KUNIT_ASSERT_EQ(test, create_vp(id2, 0), 0);
	cpuid_values(id2, 0, 1, 0, r);
	KUNIT_EXPECT_FALSE(test, r[2] & BIT(25));
	/* Overrides: (default & ~mask) | (value & mask), per VP. */
	KUNIT_EXPECT_EQ(test, register_cpuid(id, 1, BIT(5), BIT(5) | BIT(25)), 0);
	cpuid_values(id, 0, 1, 0, r);
	cpuid_values(id, HV_GET_VP_CPUID_VALUES_APPLY_REGISTERED_VALUES, 1, 0, r2);
	KUNIT_EXPECT_FALSE(test, r[2] & BIT(5));
	KUNIT_EXPECT_TRUE(test, r2[2] & BIT(5));
	KUNIT_EXPECT_FALSE(test, r2[2] & BIT(25));
	KUNIT_EXPECT_EQ(test, r2[2] & ~(BIT(5) | BIT(25)), r[2] & ~(BIT(5) | BIT(25)));
	KUNIT_EXPECT_EQ(test, r2[3], r[3]);
	KUNIT_ASSERT_EQ(test, hvsim_vp_cpuid_id(id, 0, 1, 0, r), 0);
	KUNIT_EXPECT_EQ(test, r[2], r2[2]);
	/* Registering the leaf again replaces it. */
	KUNIT_EXPECT_EQ(test, register_cpuid(id, 1, 0, BIT(31)), 0);
	cpuid_values(id, HV_GET_VP_CPUID_VALUES_APPLY_REGISTERED_VALUES, 1, 0, r2);
	KUNIT_EXPECT_FALSE(test, r2[2] & BIT(31));
	KUNIT_EXPECT_TRUE(test, r2[2] & BIT(25));
	/* MSR results are stored; bad ones refused. */
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_REGISTER_INTERCEPT_RESULT, &msr,
						 sizeof(msr), NULL, 0)), 0);
	msr.parameters.msr.action = 2;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_REGISTER_INTERCEPT_RESULT, &msr,
						 sizeof(msr), NULL, 0)),
			HV_STATUS_INVALID_PARAMETER);
	msr.intercept_type = HV_INTERCEPT_TYPE_X64_IO_PORT;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_REGISTER_INTERCEPT_RESULT, &msr,
						 sizeof(msr), NULL, 0)),
			HV_STATUS_INVALID_PARAMETER);
}

/* ------------------------------------------------------- translation ---- */

#define TGFN		0x100ULL	/* guest page tables and data at 1 MiB */
#define TPAGES		8

static u64 translate(u64 id, u64 gva, u64 flags, u32 *code)
{
	struct hv_input_translate_virtual_address in = {
		.partition_id = id, .control_flags = flags, .gva_page = gva >> 12,
	};
	struct hv_output_translate_virtual_address out;
	u64 status;

	status = raw_call(HVCALL_TRANSLATE_VIRTUAL_ADDRESS, &in, sizeof(in), &out,
			  sizeof(out));
	WARN_ON(hv_result(status));
	*code = out.translation_result.result_code;
	return out.gpa_page << 12 | (gva & 0xfff);
}

static u64 *gpage(u64 *pfns, unsigned int i)
{
	return page_address(pfn_to_page(pfns[i]));
}

static void vp_test_translate(struct kunit *test)
{
	u64 id = pt_with_vp(test, 4), pfns[TPAGES], gpa;
	struct {
		struct hv_input_map_gpa_pages h;
		u64 pfn[TPAGES];
	} map = { .h = { .target_gpa_base = TGFN, .map_flags = 3 } };
	const u64 p = 1, rw = 2, us = 4, ps = 0x80, a = 0x20, d = 0x40;
	u64 t = TGFN << 12;	/* GPA of guest page 0 */
	unsigned int i;
	u32 code;

	for (i = 0; i < TPAGES; i++) {
		struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);

		KUNIT_ASSERT_NOT_NULL(test, pg);
		pfns[i] = page_to_pfn(pg);
	}
	map.h.target_partition_id = id;
	memcpy(map.pfn, pfns, sizeof(pfns));
	KUNIT_ASSERT_EQ(test, hv_result(raw_call(CTL(HVCALL_MAP_GPA_PAGES, TPAGES), &map,
						 sizeof(map), NULL, 0)), 0);

	/* Paging off: identity (real mode). */
	gpa = translate(id, 0x12345678, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpa, 0x12345678ULL);

	/* Long mode: PML4 0, PDPT 1, PD 2, PT 3, data 4. */
	gpage(pfns, 0)[0] = (t + 0x1000) | p | rw | us;
	gpage(pfns, 1)[0] = (t + 0x2000) | p | rw | us;
	gpage(pfns, 1)[1] = 0xc0000000ULL | p | rw | us | ps;	/* 1 GiB */
	gpage(pfns, 2)[2] = (t + 0x3000) | p | rw | us;		/* 4 MiB */
	gpage(pfns, 2)[3] = 0x80000000ULL | p | rw | us | ps;	/* 2 MiB at 6 MiB */
	gpage(pfns, 3)[0] = (t + 0x4000) | p | rw | us;
	gpage(pfns, 3)[1] = (t + 0x4000) | p | us;		/* read-only */
	gpage(pfns, 3)[2] = (t + 0x4000) | p | rw;		/* supervisor */
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_CR3, t), 0);
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_CR4, 0x20), 0);
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_EFER, 0x500), 0);
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_CR0, 0x80000011), 0);

	gpa = translate(id, 0x400123, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpa, t + 0x4123);
	gpa = translate(id, 0x654321, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpa, 0x80054321ULL);
	gpa = translate(id, 0x40005abc, HV_TRANSLATE_GVA_VALIDATE_WRITE, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpa, 0xc0005abcULL);
	translate(id, 0x800000, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, (u32)HV_TRANSLATE_GVA_PAGE_NOT_PRESENT);
	translate(id, 0x8000000000000000ULL, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, (u32)HV_TRANSLATE_GVA_PAGE_NOT_PRESENT);
	/* Write to read-only: only with CR0.WP for a supervisor. */
	translate(id, 0x401000, HV_TRANSLATE_GVA_VALIDATE_WRITE, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	translate(id, 0x401000, HV_TRANSLATE_GVA_VALIDATE_WRITE |
		  HV_TRANSLATE_GVA_USER_ACCESS, &code);
	KUNIT_EXPECT_EQ(test, code, (u32)HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION);
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_CR0, 0x80010011), 0);
	translate(id, 0x401000, HV_TRANSLATE_GVA_VALIDATE_WRITE, &code);
	KUNIT_EXPECT_EQ(test, code, (u32)HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION);
	/* User access to a supervisor page; PRIVILEGE_EXEMPT allows it. */
	translate(id, 0x402000, HV_TRANSLATE_GVA_VALIDATE_READ |
		  HV_TRANSLATE_GVA_USER_ACCESS, &code);
	KUNIT_EXPECT_EQ(test, code, (u32)HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION);
	translate(id, 0x402000, HV_TRANSLATE_GVA_VALIDATE_READ |
		  HV_TRANSLATE_GVA_PRIVILEGE_EXEMPT, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	/* A reserved bit (XD without EFER.NXE). */
	gpage(pfns, 3)[5] = (t + 0x4000) | p | BIT_ULL(63);
	translate(id, 0x405000, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, (u32)HV_TRANSLATE_GVA_INVALID_PAGE_TABLE_FLAGS);
	/* No accessed/dirty bits without SET_PAGE_TABLE_BITS; then set. */
	KUNIT_EXPECT_EQ(test, gpage(pfns, 3)[0] & (a | d), 0ULL);
	translate(id, 0x400000, HV_TRANSLATE_GVA_VALIDATE_WRITE |
		  HV_TRANSLATE_GVA_SET_PAGE_TABLE_BITS, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpage(pfns, 3)[0] & (a | d), a | d);
	KUNIT_EXPECT_EQ(test, gpage(pfns, 2)[2] & (a | d), a);
	KUNIT_EXPECT_EQ(test, gpage(pfns, 0)[0] & a, a);
	/* A page table at an unmapped GPA. */
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_CR3, 0x7000000), 0);
	translate(id, 0x400000, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, (u32)HV_TRANSLATE_GVA_GPA_UNMAPPED);

	/* PAE: PDPT at page 5 (offset 0x20), PD 6, PT 7. */
	gpage(pfns, 5)[4] = (t + 0x6000) | p;
	gpage(pfns, 6)[2] = (t + 0x7000) | p | rw;
	gpage(pfns, 6)[3] = 0x00e00000ULL | p | rw | ps;
	gpage(pfns, 7)[1] = (t + 0x4000) | p | rw;
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_EFER, 0), 0);
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_CR3, t + 0x5020), 0);
	gpa = translate(id, 0x401abc, HV_TRANSLATE_GVA_VALIDATE_WRITE, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpa, t + 0x4abc);
	gpa = translate(id, 0x612345, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpa, 0xe12345ULL);
	translate(id, 0x40000000, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, (u32)HV_TRANSLATE_GVA_PAGE_NOT_PRESENT);
	/* 32-bit paging: PD page 5 at 0, 4 MiB page with PSE. */
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_CR4, 0x10), 0);
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_CR3, t + 0x5000), 0);
	((u32 *)gpage(pfns, 5))[1] = 0x01000000 | p | ps;
	((u32 *)gpage(pfns, 5))[2] = (u32)(t + 0x7000) | p;
	((u32 *)gpage(pfns, 7))[3] = (u32)(t + 0x4000) | p;
	gpa = translate(id, 0x00512345, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpa, 0x01112345ULL);
	gpa = translate(id, 0x00803456, HV_TRANSLATE_GVA_VALIDATE_READ, &code);
	KUNIT_EXPECT_EQ(test, code, 0U);
	KUNIT_EXPECT_EQ(test, gpa, t + 0x4456);
	for (i = 0; i < TPAGES; i++)
		__free_page(pfn_to_page(pfns[i]));
}

/* ------------------------------------------------------------ stats ---- */

static u16 stats_call(u16 code, u32 type, u64 id, u32 vp, u8 area, u64 *pfn)
{
	struct hv_input_map_stats_page in = { .type = type };

	if (type == HV_STATS_OBJECT_VP) {
		in.identity.vp.partition_id = id;
		in.identity.vp.vp_index = vp;
		in.identity.vp.stats_area_type = area;
	} else {
		in.identity.partition.partition_id = id;
		in.identity.partition.stats_area_type = area;
	}
	return hv_result(raw_call(code, &in, sizeof(in), pfn, pfn ? 8 : 0));
}

static void vp_test_stats(struct kunit *test)
{
	u64 id = pt_with_vp(test, 0), pfn = 0, pfn2 = 0, root;
	u64 *page;
	u16 s;

	/* The root's pool pays: deposit into SELF on INSUFFICIENT_MEMORY. */
	while ((s = stats_call(HVCALL_MAP_STATS_PAGE, HV_STATS_OBJECT_VP, id, 0,
			       HV_STATS_AREA_SELF, &pfn)) == HV_STATUS_INSUFFICIENT_MEMORY)
		KUNIT_ASSERT_EQ(test, raw_deposit(HV_PARTITION_ID_SELF, 1), 0);
	KUNIT_ASSERT_EQ(test, s, 0);
	page = page_address(pfn_to_page(pfn));
	KUNIT_EXPECT_NULL(test, memchr_inv(page, 0, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, hvsim_vp_set_dispatch_blocked(id, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, page[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED], 1ULL);
	KUNIT_EXPECT_EQ(test, hvsim_vp_set_dispatch_blocked(id, 0, 0), 0);
	/* Mapped again: the same page. */
	KUNIT_EXPECT_EQ(test, stats_call(HVCALL_MAP_STATS_PAGE, HV_STATS_OBJECT_VP, id, 0,
					 HV_STATS_AREA_SELF, &pfn2), 0);
	KUNIT_EXPECT_EQ(test, pfn, pfn2);
	while ((s = stats_call(HVCALL_MAP_STATS_PAGE, HV_STATS_OBJECT_VP, id, 0,
			       HV_STATS_AREA_PARENT, &pfn2)) == HV_STATUS_INSUFFICIENT_MEMORY)
		KUNIT_ASSERT_EQ(test, raw_deposit(HV_PARTITION_ID_SELF, 1), 0);
	KUNIT_EXPECT_EQ(test, s, 0);
	KUNIT_EXPECT_NE(test, pfn, pfn2);
	while ((s = stats_call(HVCALL_MAP_STATS_PAGE, HV_STATS_OBJECT_PARTITION, id, 0,
			       HV_STATS_AREA_SELF, &pfn2)) == HV_STATUS_INSUFFICIENT_MEMORY)
		KUNIT_ASSERT_EQ(test, raw_deposit(HV_PARTITION_ID_SELF, 1), 0);
	KUNIT_EXPECT_EQ(test, s, 0);
	KUNIT_EXPECT_EQ(test, stats_call(HVCALL_MAP_STATS_PAGE, HV_STATS_OBJECT_VP, id, 3,
					 HV_STATS_AREA_SELF, &pfn2),
			HV_STATUS_INVALID_VP_INDEX);
	KUNIT_EXPECT_EQ(test, stats_call(HVCALL_MAP_STATS_PAGE, HV_STATS_OBJECT_VP, id, 0,
					 HV_STATS_AREA_INTERNAL, &pfn2),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, stats_call(HVCALL_MAP_STATS_PAGE, HV_STATS_OBJECT_HYPERVISOR,
					 0, 0, HV_STATS_AREA_SELF, &pfn2),
			HV_STATUS_INVALID_PARAMETER);
	root = hvsim_deposited_pages(HV_PARTITION_ID_SELF);
	KUNIT_EXPECT_EQ(test, stats_call(HVCALL_UNMAP_STATS_PAGE, HV_STATS_OBJECT_VP, id, 0,
					 HV_STATS_AREA_SELF, NULL), 0);
	KUNIT_EXPECT_EQ(test, stats_call(HVCALL_UNMAP_STATS_PAGE, HV_STATS_OBJECT_VP, id, 0,
					 HV_STATS_AREA_SELF, NULL), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, stats_call(HVCALL_UNMAP_STATS_PAGE, HV_STATS_OBJECT_PARTITION,
					 id, 0, HV_STATS_AREA_SELF, NULL), 0);
	KUNIT_EXPECT_EQ(test, hvsim_deposited_pages(HV_PARTITION_ID_SELF), root);
	/* The VP PARENT page goes with the VP at FINALIZE. */
}

static struct kunit_case hvsim_vp_cases[] = {
	KUNIT_CASE(vp_test_create_delete),
	KUNIT_CASE(vp_test_reset_state),
	KUNIT_CASE(vp_test_register_roundtrip),
	KUNIT_CASE(vp_test_special_registers),
	KUNIT_CASE(vp_test_header_checks),
	KUNIT_CASE(vp_test_register_page),
	KUNIT_CASE(vp_test_state_blobs),
	KUNIT_CASE(vp_test_cpuid),
	KUNIT_CASE(vp_test_translate),
	KUNIT_CASE(vp_test_stats),
	{}
};

static struct kunit_suite hvsim_vp_suite = {
	.name = "hvsim_vp",
	.init = raw_suite_init,
	.exit = raw_suite_exit,
	.test_cases = hvsim_vp_cases,
};

kunit_test_suites(&hvsim_vp_suite);

MODULE_DESCRIPTION("KUnit tests of hvsim's virtual processors");
MODULE_LICENSE("GPL");
