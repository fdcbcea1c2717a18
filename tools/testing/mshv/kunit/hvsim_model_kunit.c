// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvsim_model": hvsim's partition properties, intercepts, GPA
 * map and accessed/dirty state, driven with raw hypercalls on this CPU's
 * hypercall pages (no driver involved), so the model's rules are pinned
 * down independently of mshv_root.
 */
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>

#include "../hvsim/hvsim_test.h"
#include "hvsim_kunit_raw.h"

/* ------------------------------------------------------- partitions ---- */

static u64 pt_create_banks(struct kunit *test, u64 dis0, u64 dis1, u64 dis_xsave)
{
	struct hv_input_create_partition in = {
		.flags = HV_PARTITION_CREATION_FLAG_EXO_PARTITION,
		.compatibility_version = HV_PARTITION_COMPATIBILITY_VERSION_21H2,
		.disabled_processor_features.as_uint64 = { dis0, dis1 },
		.disabled_processor_xsave_features = dis_xsave,
	};

	return pt_create_in(test, &in);
}

static u64 pt_initialized(struct kunit *test, unsigned int spare)
{
	u64 id = pt_create(test);

	pt_init(test, id, spare);
	return id;
}

/* ------------------------------------------------------- properties ---- */

static u16 get_prop(u64 id, u32 code, u64 *value)
{
	struct hv_input_get_partition_property in = {
		.partition_id = id, .property_code = code,
	};

	return hv_result(raw_call(HVCALL_GET_PARTITION_PROPERTY, &in, sizeof(in),
				  value, 8));
}

static u16 set_prop(u64 id, u32 code, u64 value)
{
	struct hv_input_set_partition_property in = {
		.partition_id = id, .property_code = code, .property_value = value,
	};

	return hv_result(raw_call(HVCALL_SET_PARTITION_PROPERTY, &in, sizeof(in),
				  NULL, 0));
}

static u16 get_prop_ex(u64 id, u32 code, u64 arg, struct hv_partition_property_banks *b)
{
	struct hv_input_get_partition_property_ex in = {
		.partition_id = id, .property_code = code, .arg.as_uint64 = arg,
	};

	return hv_result(raw_call(HVCALL_GET_PARTITION_PROPERTY_EX, &in, sizeof(in),
				  b, sizeof(*b)));
}

static void model_test_self_properties(struct kunit *test)
{
	struct hv_partition_property_banks b;
	u64 v, f0, assignable;

	KUNIT_EXPECT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_PROCESSOR_FEATURES0, &f0), 0);
	KUNIT_EXPECT_FALSE(test, f0 & BIT_ULL(HV_PROC_FEATURE_RESERVED_BANK0));
	KUNIT_EXPECT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_PHYSICAL_ADDRESS_WIDTH, &v), 0);
	KUNIT_EXPECT_GE(test, v, 36ULL);
	KUNIT_EXPECT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_PROCESSOR_CLOCK_FREQUENCY, &v), 0);
	KUNIT_EXPECT_NE(test, v, 0ULL);
	KUNIT_EXPECT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_MAX_XSAVE_DATA_SIZE, &v), 0);
	KUNIT_EXPECT_GE(test, v, 576ULL);
	KUNIT_EXPECT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_XSAVE_STATES, &v), 0);
	KUNIT_EXPECT_EQ(test, v & 3, 3ULL);

	/* Banked properties: _EX only, one bank at offset 8. */
	KUNIT_EXPECT_EQ(test, get_prop_ex(HV_PARTITION_ID_SELF,
					  HV_PARTITION_PROPERTY_ASSIGNABLE_SYNTHETIC_PROC_FEATURES,
					  0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.bank_count, 1);
	assignable = b.banks[0];
	KUNIT_EXPECT_TRUE(test, assignable & HV_SYNTHETIC_PROC_FEATURE_HYPERVISOR_PRESENT);
	KUNIT_EXPECT_EQ(test, get_prop_ex(HV_PARTITION_ID_SELF,
					  HV_PARTITION_PROPERTY_VMM_CAPABILITIES, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, b.bank_count, 1);
	KUNIT_EXPECT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_VMM_CAPABILITIES, &v),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, get_prop_ex(HV_PARTITION_ID_SELF,
					  HV_PARTITION_PROPERTY_VMM_CAPABILITIES, 1, &b),
			HV_STATUS_INVALID_PARAMETER);
	/* Plain properties through _EX: the value in the first 8 bytes. */
	KUNIT_EXPECT_EQ(test, get_prop_ex(HV_PARTITION_ID_SELF,
					  HV_PARTITION_PROPERTY_PROCESSOR_FEATURES0, 0, &b), 0);
	KUNIT_EXPECT_EQ(test, *(u64 *)&b, f0);

	/* Nothing is set on the root; per-partition settings are not kept. */
	KUNIT_EXPECT_EQ(test, set_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_TIME_FREEZE, 1),
			HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_TIME_FREEZE, &v),
			HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, get_prop(HV_PARTITION_ID_SELF, 0x12345, &v),
			HV_STATUS_UNKNOWN_PROPERTY);
	KUNIT_EXPECT_EQ(test, get_prop(0x7777777, HV_PARTITION_PROPERTY_TIME_FREEZE, &v),
			HV_STATUS_INVALID_PARTITION_ID);
}

static void model_test_padding(struct kunit *test)
{
	struct hv_input_set_partition_property in = {
		.partition_id = HV_PARTITION_ID_SELF,
		.property_code = HV_PARTITION_PROPERTY_PROCESSOR_FEATURES0,
		.padding = 1,
	};
	u64 v;

	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_GET_PARTITION_PROPERTY, &in, 16,
						 &v, 8)), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_GET_PARTITION_PROPERTY_EX, &in, 24,
						 NULL, 0)), HV_STATUS_INVALID_PARAMETER);
	in.partition_id = pt_create(test);
	in.property_code = HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_SET_PARTITION_PROPERTY, &in,
						 sizeof(in), NULL, 0)),
			HV_STATUS_INVALID_PARAMETER);
}

static void model_test_child_features(struct kunit *test)
{
	const u64 dis0 = BIT_ULL(HV_PROC_FEATURE_RESERVED_BANK0) | BIT_ULL(HV_PROC_FEATURE_SSE3);
	const u64 dis1 = BIT_ULL(HV_PROC_FEATURE_NESTED_VIRT_SUPPORT - 64);
	const u64 dis_x = 0xFFFFFFFFFFFFE7E0ULL;	/* the rust-vmm default */
	u64 host0, host1, hostx, v, id;

	KUNIT_ASSERT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_PROCESSOR_FEATURES0, &host0), 0);
	KUNIT_ASSERT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_PROCESSOR_FEATURES1, &host1), 0);
	KUNIT_ASSERT_EQ(test, get_prop(HV_PARTITION_ID_SELF,
				       HV_PARTITION_PROPERTY_PROCESSOR_XSAVE_FEATURES, &hostx), 0);
	id = pt_create_banks(test, dis0, dis1, dis_x);
	KUNIT_EXPECT_EQ(test, get_prop(id, HV_PARTITION_PROPERTY_PROCESSOR_FEATURES0, &v), 0);
	KUNIT_EXPECT_EQ(test, v, host0 & ~dis0);
	KUNIT_EXPECT_EQ(test, get_prop(id, HV_PARTITION_PROPERTY_PROCESSOR_FEATURES1, &v), 0);
	KUNIT_EXPECT_EQ(test, v, host1 & ~dis1);
	KUNIT_EXPECT_EQ(test, get_prop(id, HV_PARTITION_PROPERTY_PROCESSOR_XSAVE_FEATURES,
				       &v), 0);
	KUNIT_EXPECT_EQ(test, v, hostx & ~dis_x);
	/* x87, SSE, AVX: 832 bytes of standard-format XSAVE area. */
	KUNIT_EXPECT_EQ(test, get_prop(id, HV_PARTITION_PROPERTY_XSAVE_STATES, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 7ULL);
	KUNIT_EXPECT_EQ(test, get_prop(id, HV_PARTITION_PROPERTY_MAX_XSAVE_DATA_SIZE, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 832ULL);
	KUNIT_EXPECT_EQ(test, get_prop(id, HV_PARTITION_PROPERTY_COMPATIBILITY_VERSION, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (u64)HV_PARTITION_COMPATIBILITY_VERSION_21H2);
}

struct prop_case {
	const char *desc;
	u32 code;
	u64 value;
	bool initialized;
	u16 status;
};

static const struct prop_case prop_cases[] = {
	{ "privilege flags early", HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS,
	  HV_PARTITION_PRIV_ACCESS_VP_INDEX, false, 0 },
	{ "privilege flags late", HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS,
	  HV_PARTITION_PRIV_ACCESS_VP_INDEX, true, HV_STATUS_INVALID_PARTITION_STATE },
	{ "privilege flags root-only bit", HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS,
	  HV_PARTITION_PRIV_CREATE_PARTITIONS, false, HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE },
	{ "synthetic features early", HV_PARTITION_PROPERTY_SYNTHETIC_PROC_FEATURES,
	  HV_SYNTHETIC_PROC_FEATURE_HYPERVISOR_PRESENT | HV_SYNTHETIC_PROC_FEATURE_HV1,
	  false, 0 },
	{ "synthetic features not assignable", HV_PARTITION_PROPERTY_SYNTHETIC_PROC_FEATURES,
	  BIT_ULL(63), false, HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE },
	{ "synthetic features late", HV_PARTITION_PROPERTY_SYNTHETIC_PROC_FEATURES,
	  HV_SYNTHETIC_PROC_FEATURE_HYPERVISOR_PRESENT, true,
	  HV_STATUS_INVALID_PARTITION_STATE },
	{ "time freeze before initialize", HV_PARTITION_PROPERTY_TIME_FREEZE, 1, false,
	  HV_STATUS_INVALID_PARTITION_STATE },
	{ "time freeze", HV_PARTITION_PROPERTY_TIME_FREEZE, 1, true, 0 },
	{ "time freeze 2", HV_PARTITION_PROPERTY_TIME_FREEZE, 2, true,
	  HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE },
	{ "unimplemented msr ignore", HV_PARTITION_PROPERTY_UNIMPLEMENTED_MSR_ACTION,
	  HV_UNIMPLEMENTED_MSR_ACTION_IGNORE_WRITE_READ_ZERO, true, 0 },
	{ "unimplemented msr 2", HV_PARTITION_PROPERTY_UNIMPLEMENTED_MSR_ACTION, 2, true,
	  HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE },
	{ "processors per socket", HV_PARTITION_PROPERTY_PROCESSORS_PER_SOCKET, 2, true, 0 },
	{ "processors per socket 0", HV_PARTITION_PROPERTY_PROCESSORS_PER_SOCKET, 0, true,
	  HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE },
	{ "access tracking", HV_PARTITION_PROPERTY_GPA_PAGE_ACCESS_TRACKING, 1, true, 0 },
	{ "access tracking 5", HV_PARTITION_PROPERTY_GPA_PAGE_ACCESS_TRACKING, 5, true,
	  HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE },
	{ "reference time", HV_PARTITION_PROPERTY_REFERENCE_TIME, 123456789, true, 0 },
	{ "read-only features", HV_PARTITION_PROPERTY_PROCESSOR_FEATURES0, 0, true,
	  HV_STATUS_ACCESS_DENIED },
	{ "read-only banked", HV_PARTITION_PROPERTY_VMM_CAPABILITIES, 0, false,
	  HV_STATUS_ACCESS_DENIED },
	{ "unknown code", 0x00050099, 0, true, HV_STATUS_UNKNOWN_PROPERTY },
};

KUNIT_ARRAY_PARAM_DESC(prop, prop_cases, desc);

static void model_test_set_property(struct kunit *test)
{
	const struct prop_case *pc = test->param_value;
	u64 id = pt_create(test), v;

	if (pc->initialized)
		pt_init(test, id, 0);
	KUNIT_EXPECT_EQ(test, set_prop(id, pc->code, pc->value), pc->status);
	if (!pc->status && pc->code != HV_PARTITION_PROPERTY_REFERENCE_TIME) {
		KUNIT_EXPECT_EQ(test, get_prop(id, pc->code, &v), 0);
		KUNIT_EXPECT_EQ(test, v, pc->value);
	}
	/* Nothing may be set after FINALIZE. */
	if (pc->initialized && !pc->status) {
		hv_do_fast_hypercall8(HVCALL_FINALIZE_PARTITION, id);
		KUNIT_EXPECT_EQ(test, set_prop(id, pc->code, pc->value),
				HV_STATUS_INVALID_PARTITION_STATE);
	}
}

static void model_test_reference_time(struct kunit *test)
{
	u64 id = pt_initialized(test, 0), t1, t2;

	KUNIT_ASSERT_EQ(test, set_prop(id, HV_PARTITION_PROPERTY_TIME_FREEZE, 1), 0);
	KUNIT_ASSERT_EQ(test, set_prop(id, HV_PARTITION_PROPERTY_REFERENCE_TIME, 5000), 0);
	usleep_range(50, 100);
	KUNIT_EXPECT_EQ(test, get_prop(id, HV_PARTITION_PROPERTY_REFERENCE_TIME, &t1), 0);
	KUNIT_EXPECT_EQ(test, t1, 5000ULL);
	KUNIT_ASSERT_EQ(test, set_prop(id, HV_PARTITION_PROPERTY_TIME_FREEZE, 0), 0);
	usleep_range(50, 100);
	KUNIT_EXPECT_EQ(test, get_prop(id, HV_PARTITION_PROPERTY_REFERENCE_TIME, &t2), 0);
	KUNIT_EXPECT_GT(test, t2, t1);
}

/* ------------------------------------------------------- intercepts ---- */

struct icpt_case {
	const char *desc;
	u32 type;
	u32 access;
	u64 param;
	u16 status;
};

static const struct icpt_case icpt_cases[] = {
	{ "io port", HV_INTERCEPT_TYPE_X64_IO_PORT, 3, 0x3f8, 0 },
	{ "io port execute", HV_INTERCEPT_TYPE_X64_IO_PORT, 4, 0x3f8,
	  HV_STATUS_INVALID_PARAMETER },
	{ "io port wide", HV_INTERCEPT_TYPE_X64_IO_PORT, 1, 0x10000,
	  HV_STATUS_INVALID_PARAMETER },
	{ "io range", HV_INTERCEPT_TYPE_X64_IO_PORT_RANGE, 2, 0x00ff0010, 0 },
	{ "io range reversed", HV_INTERCEPT_TYPE_X64_IO_PORT_RANGE, 2, 0x001000ff,
	  HV_STATUS_INVALID_PARAMETER },
	{ "msr index", HV_INTERCEPT_TYPE_X64_MSR_INDEX, 2, 0xc0000080, 0 },
	{ "cpuid", HV_INTERCEPT_TYPE_X64_CPUID, HV_INTERCEPT_ACCESS_MASK_EXECUTE, 1, 0 },
	{ "cpuid high bits", HV_INTERCEPT_TYPE_X64_CPUID, 4, 1ULL << 32,
	  HV_STATUS_INVALID_PARAMETER },
	{ "exception", HV_INTERCEPT_TYPE_EXCEPTION, 4, 6, 0 },
	{ "exception 32", HV_INTERCEPT_TYPE_EXCEPTION, 4, 32, HV_STATUS_INVALID_PARAMETER },
	{ "global cpuid", HV_INTERCEPT_TYPE_X64_GLOBAL_CPUID, 4, 0, 0 },
	{ "global cpuid parameter", HV_INTERCEPT_TYPE_X64_GLOBAL_CPUID, 4, 1,
	  HV_STATUS_INVALID_PARAMETER },
	{ "reserved access bit", HV_INTERCEPT_TYPE_X64_CPUID, 8, 1,
	  HV_STATUS_INVALID_PARAMETER },
	{ "reserved type", HV_INTERCEPT_TYPE_RESERVED0, 1, 0, HV_STATUS_INVALID_PARAMETER },
	{ "arm64 type", HV_INTERCEPT_TYPE_REGISTER, 1, 0, HV_STATUS_INVALID_PARAMETER },
	{ "invalid type", HV_INTERCEPT_TYPE_INVALID, 1, 0, HV_STATUS_INVALID_PARAMETER },
};

KUNIT_ARRAY_PARAM_DESC(icpt, icpt_cases, desc);

static u16 install(u64 id, u32 type, u32 access, u64 param)
{
	struct hv_input_install_intercept in = {
		.partition_id = id, .access_type = access, .intercept_type = type,
		.intercept_parameter.as_uint64 = param,
	};

	return hv_result(raw_call(HVCALL_INSTALL_INTERCEPT, &in, sizeof(in), NULL, 0));
}

static void model_test_install_intercept(struct kunit *test)
{
	const struct icpt_case *ic = test->param_value;
	u64 id = pt_create(test);

	/* Requires an initialized partition. */
	KUNIT_EXPECT_EQ(test, install(id, ic->type, ic->access, ic->param),
			ic->status ?: HV_STATUS_INVALID_PARTITION_STATE);
	pt_init(test, id, 0);
	KUNIT_EXPECT_EQ(test, install(id, ic->type, ic->access, ic->param), ic->status);
	if (!ic->status && ic->type != HV_INTERCEPT_TYPE_X64_IO_PORT_RANGE)
		KUNIT_EXPECT_EQ(test, hvsim_intercept_installed(id, ic->type, ic->param),
				ic->access);
}

static void model_test_intercept_lookup(struct kunit *test)
{
	u64 id = pt_initialized(test, 0);

	KUNIT_EXPECT_EQ(test, install(HV_PARTITION_ID_SELF, HV_INTERCEPT_TYPE_X64_IO_PORT,
				      1, 0x60), HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, install(0x7777777, HV_INTERCEPT_TYPE_X64_IO_PORT, 1, 0x60),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_ASSERT_EQ(test, install(id, HV_INTERCEPT_TYPE_X64_IO_PORT_RANGE, 2,
				      0x00ff0010), 0);
	KUNIT_EXPECT_EQ(test, hvsim_intercept_installed(id, HV_INTERCEPT_TYPE_X64_IO_PORT,
							0x80), 2U);
	KUNIT_EXPECT_EQ(test, hvsim_intercept_installed(id, HV_INTERCEPT_TYPE_X64_IO_PORT,
							0x100), 0U);
	KUNIT_ASSERT_EQ(test, install(id, HV_INTERCEPT_TYPE_X64_IO_PORT, 1, 0x80), 0);
	KUNIT_EXPECT_EQ(test, hvsim_intercept_installed(id, HV_INTERCEPT_TYPE_X64_IO_PORT,
							0x80), 3U);
	/* Installing again replaces; access NONE removes. */
	KUNIT_ASSERT_EQ(test, install(id, HV_INTERCEPT_TYPE_X64_IO_PORT, 2, 0x80), 0);
	KUNIT_ASSERT_EQ(test, install(id, HV_INTERCEPT_TYPE_X64_IO_PORT_RANGE, 0,
				      0x00ff0010), 0);
	KUNIT_EXPECT_EQ(test, hvsim_intercept_installed(id, HV_INTERCEPT_TYPE_X64_IO_PORT,
							0x80), 2U);
	KUNIT_ASSERT_EQ(test, install(id, HV_INTERCEPT_TYPE_X64_GLOBAL_CPUID, 4, 0), 0);
	KUNIT_EXPECT_EQ(test, hvsim_intercept_installed(id, HV_INTERCEPT_TYPE_X64_CPUID,
							0x4000), 4U);
}

/* ---------------------------------------------------------- GPA map ---- */

#define BASE_GFN	0x100000ULL	/* 4 GiB: a 1 GiB directory of its own */

static u64 map_from(u64 id, u64 gfn, u32 flags, const u64 *pfns, unsigned int n,
		    unsigned int start)
{
	struct {
		struct hv_input_map_gpa_pages h;
		u64 pfn[HV_MAP_GPA_PAGES_MAX_REPS];
	} *in = kzalloc(sizeof(*in), GFP_KERNEL);
	u64 status;

	if (!in)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	in->h.target_partition_id = id;
	in->h.target_gpa_base = gfn;
	in->h.map_flags = flags;
	memcpy(in->pfn, pfns, n * sizeof(u64));
	status = raw_call(CTL(HVCALL_MAP_GPA_PAGES, n) | CTL_START(start), in,
			  sizeof(in->h) + 8 * n, NULL, 0);
	kfree(in);
	return status;
}

static u64 map(u64 id, u64 gfn, u32 flags, const u64 *pfns, unsigned int n)
{
	return map_from(id, gfn, flags, pfns, n, 0);
}

static u64 unmap(u64 id, u64 gfn, u32 flags, unsigned int n)
{
	struct hv_input_unmap_gpa_pages in = {
		.target_partition_id = id, .target_gpa_base = gfn, .unmap_flags = flags,
	};

	return raw_call(CTL(HVCALL_UNMAP_GPA_PAGES, n), &in, sizeof(in), NULL, 0);
}

struct test_pages {
	unsigned int n;
	u64 pfns[];
};

static void test_pages_free(void *data)
{
	struct test_pages *tp = data;
	unsigned int i;

	for (i = 0; i < tp->n; i++)
		__free_page(pfn_to_page(tp->pfns[i]));
	kvfree(tp);
}

/* @n order-0 pages, freed at the end of the test. */
static u64 *test_pages(struct kunit *test, unsigned int n)
{
	struct test_pages *tp = kvzalloc(struct_size(tp, pfns, n), GFP_KERNEL);
	struct page *p;

	KUNIT_ASSERT_NOT_NULL(test, tp);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, test_pages_free, tp));
	while (tp->n < n) {
		p = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, p);
		tp->pfns[tp->n++] = page_to_pfn(p);
	}
	return tp->pfns;
}

static void folio_put_action(void *f)
{
	folio_put(f);
}

/* The head PFN of a 2 MiB folio, freed at the end of the test. */
static u64 test_large_page(struct kunit *test)
{
	struct folio *f = folio_alloc(GFP_KERNEL | __GFP_ZERO, 9);

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, folio_put_action, f));
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(folio_pfn(f), 512));
	return folio_pfn(f);
}

static void model_test_map_rules(struct kunit *test)
{
	u64 id = pt_create(test), *pfns = test_pages(test, 4), status, pfn;
	struct page *freed = alloc_page(GFP_KERNEL);
	u64 free_pfn = page_to_pfn(freed), mmio = HVSIM_MMIO_BASE_PFN;
	u32 flags;

	__free_page(freed);
	/* Created: not yet. */
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, 1, pfns, 1)),
			HV_STATUS_INVALID_PARTITION_STATE);
	pt_init(test, id, 16);
	KUNIT_EXPECT_EQ(test, hv_result(map(HV_PARTITION_ID_SELF, BASE_GFN, 1, pfns, 1)),
			HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, BIT(4), pfns, 1)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, HV_MAP_GPA_SET_DIRTY |
					    HV_MAP_GPA_CLEAR_DIRTY, pfns, 1)),
			HV_STATUS_INVALID_PARAMETER);
	/* Beyond the partition's physical address width. */
	KUNIT_EXPECT_EQ(test, hv_result(map(id, 1ULL << 40, 1, pfns, 1)),
			HV_STATUS_INVALID_PARAMETER);
	/* Sources: a free page, a non-RAM page, a deposited page, RAM as device. */
	/*
	 * The freed page is only "not the root's" while nobody reallocated
	 * it; other tests run in this kernel, so check that it still is free.
	 */
	if (!page_count(pfn_to_page(free_pfn))) {
		status = map(id, BASE_GFN, 1, (u64[]){ pfns[0], free_pfn }, 2);
		KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_ACCESS_DENIED);
		KUNIT_EXPECT_EQ(test, hv_repcomp(status), 1);
	} else {
		/* Same first rep as above, so the mapping counts below hold. */
		KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, 1, pfns, 1)), 0);
	}
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, 1, &mmio, 1)),
			HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, 3 | HV_MAP_GPA_NOT_CACHED,
					    pfns, 1)), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN + 8, 3 | HV_MAP_GPA_NOT_CACHED,
					    &mmio, 1)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_lookup(id, BASE_GFN + 8, &pfn, &flags), 0);
	KUNIT_EXPECT_EQ(test, pfn, mmio);
	KUNIT_EXPECT_EQ(test, flags, 3U | HV_MAP_GPA_NOT_CACHED);
	/* Remapping replaces. */
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, 1, &pfns[2], 1)), 0);
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, 3 | HV_MAP_GPA_ADJUSTABLE,
					    &pfns[3], 1)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_lookup(id, BASE_GFN, &pfn, &flags), 0);
	KUNIT_EXPECT_EQ(test, pfn, pfns[3]);
	KUNIT_EXPECT_EQ(test, flags, 3U | HV_MAP_GPA_ADJUSTABLE);
	/* +0 (rep 0 of the failed call, then replaced twice) and +8. */
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 2ULL);
	/* Unmapping what is not mapped succeeds. */
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN + 100, 0, 10)), 0);
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN, 0x100, 1)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN, 0, 16)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_lookup(id, BASE_GFN, &pfn, &flags), -ENOENT);
}

static void model_test_map_deposited_page(struct kunit *test)
{
	u64 id = pt_initialized(test, 0), other = pt_create(test);
	struct hv_deposit_memory *in;
	struct page *p = alloc_page(GFP_KERNEL);
	u64 pfn, status;
	unsigned long flags;

	KUNIT_ASSERT_NOT_NULL(test, p);
	pfn = page_to_pfn(p);
	local_irq_save(flags);
	in = *this_cpu_ptr(hyperv_pcpu_input_arg);
	in->partition_id = other;
	in->gpa_page_list[0] = pfn;
	status = hv_do_hypercall(CTL(HVCALL_DEPOSIT_MEMORY, 1), in, NULL);
	local_irq_restore(flags);
	KUNIT_ASSERT_EQ(test, hv_result(status), 0);
	/* The hypervisor owns it now: the root cannot map it. */
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, 1, &pfn, 1)),
			HV_STATUS_ACCESS_DENIED);
	/* pt_destroy(other) withdraws and frees it. */
}

static void model_test_pool_consumption(struct kunit *test)
{
	/* 509 pages over two 2 MiB slots: a directory and two page tables. */
	u64 id = pt_initialized(test, 2), *pfns = test_pages(test, 509), status;

	status = map(id, BASE_GFN + 256, 1, pfns, 509);
	/* Directory + first table fit; the second table does not. */
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_INSUFFICIENT_MEMORY);
	KUNIT_EXPECT_EQ(test, hv_repcomp(status), 256);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 256ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 2ULL);
	KUNIT_ASSERT_EQ(test, raw_deposit(id, 1), 0);
	/* Resume at the completed rep. */
	status = map_from(id, BASE_GFN + 256, 1, pfns, 509, 256);
	KUNIT_EXPECT_EQ(test, hv_result(status), 0);
	KUNIT_EXPECT_EQ(test, hv_repcomp(status), 509);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 509ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 3ULL);
	/* Emptying a table gives its page back; the last one the directory. */
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN, 0, 512)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 2ULL);
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN + 512, 0, 253)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 0ULL);
}

static void model_test_large_pages(struct kunit *test)
{
	u64 id = pt_initialized(test, 1), big = test_large_page(test), pfn, status;
	u64 big2 = test_large_page(test);
	const u32 f = 3 | HV_MAP_GPA_LARGE_PAGE;
	u32 flags;

	/* Alignment of the target and of the source. */
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN + 1, f, &big, 1)),
			HV_STATUS_INVALID_PARAMETER);
	pfn = big + 1;
	KUNIT_EXPECT_EQ(test, hv_result(map(id, BASE_GFN, f, &pfn, 1)),
			HV_STATUS_INVALID_PARAMETER);
	/* Two 2 MiB pages: one directory page, no table. */
	status = map(id, BASE_GFN, f, (u64[]){ big, big2 }, 2);
	KUNIT_EXPECT_EQ(test, hv_result(status), 0);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), 2ULL);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 1ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_lookup(id, BASE_GFN + 512 + 77, &pfn, &flags), 0);
	KUNIT_EXPECT_EQ(test, pfn, big2 + 77);
	KUNIT_EXPECT_EQ(test, flags, 3U);
	/* Unmapping one 4 KiB page splits: a table page the pool lacks. */
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN + 5, 0, 1)),
			HV_STATUS_INSUFFICIENT_MEMORY);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), 2ULL);
	KUNIT_ASSERT_EQ(test, raw_deposit(id, 1), 0);
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN + 5, 0, 1)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), 1ULL);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 511ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 2ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_lookup(id, BASE_GFN + 5, &pfn, &flags), -ENOENT);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_lookup(id, BASE_GFN + 6, &pfn, &flags), 0);
	KUNIT_EXPECT_EQ(test, pfn, big + 6);
	/* A 4 KiB unmap covering a whole 2 MiB page needs no split. */
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN + 512, 0, 512)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), 0ULL);
	/* Large unmap: 2 MiB units, aligned. */
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN + 1, HV_UNMAP_GPA_LARGE_PAGE, 1)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN, HV_UNMAP_GPA_LARGE_PAGE, 1)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 0ULL);
}

/*
 * 8 GiB of guest space (2M guest pages), mapped with 4 KiB and with 2 MiB
 * entries, every entry backed by the same root memory (the hypervisor
 * allows that): pool cost and bookkeeping stay bounded.
 */
static void model_test_8gib(struct kunit *test)
{
	const u64 gfns = 8ULL << (30 - 12), slots = gfns / 512;
	u64 id = pt_initialized(test, 0), big = test_large_page(test);
	u64 *pfns = kunit_kmalloc_array(test, HV_MAP_GPA_PAGES_MAX_REPS, sizeof(u64),
					GFP_KERNEL);
	u64 gfn, status, t0, t4k, t2m;
	unsigned int i, n;

	KUNIT_ASSERT_NOT_NULL(test, pfns);
	for (i = 0; i < HV_MAP_GPA_PAGES_MAX_REPS; i++)
		pfns[i] = big + i % 512;
	/* A table per 2 MiB and a directory per 1 GiB. */
	KUNIT_ASSERT_EQ(test, raw_deposit(id, slots + 8), 0);
	t0 = ktime_get_ns();
	for (gfn = 0; gfn < gfns; gfn += n) {
		n = min_t(u64, HV_MAP_GPA_PAGES_MAX_REPS, gfns - gfn);
		status = map(id, BASE_GFN + gfn, 3, pfns, n);
		KUNIT_ASSERT_EQ(test, hv_result(status), 0);
	}
	t4k = ktime_get_ns() - t0;
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), gfns);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), slots + 8);
	/* 2 MiB entries over the same range replace the tables. */
	t0 = ktime_get_ns();
	for (gfn = 0; gfn < slots; gfn += n) {
		n = min_t(u64, HV_MAP_GPA_PAGES_MAX_REPS, slots - gfn);
		for (i = 0; i < n; i++)
			pfns[i] = big;
		status = map(id, BASE_GFN + gfn * 512, 3 | HV_MAP_GPA_LARGE_PAGE, pfns, n);
		KUNIT_ASSERT_EQ(test, hv_result(status), 0);
	}
	t2m = ktime_get_ns() - t0;
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), slots);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 8ULL);
	kunit_info(test, "8 GiB: 4 KiB map %llu ms, 2 MiB remap %llu ms\n",
		   t4k / 1000000, t2m / 1000000);
	for (gfn = 0; gfn < slots; gfn += 4095)
		KUNIT_ASSERT_EQ(test, hv_result(unmap(id, BASE_GFN + gfn * 512,
						      HV_UNMAP_GPA_LARGE_PAGE,
						      min_t(u64, 4095, slots - gfn))), 0);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 0ULL);
}

/* ------------------------------------------------ accessed / dirty ---- */

static u16 states(u64 id, u64 gfn, u64 flags, u8 *out, unsigned int n)
{
	struct hv_input_get_gpa_pages_access_states in = {
		.partition_id = id, .flags = flags, .hv_gpa_page_number = gfn,
	};

	return hv_result(raw_call(CTL(HVCALL_GET_GPA_PAGES_ACCESS_STATES, n), &in,
				  sizeof(in), out, n));
}

#define A	HV_GPA_PAGE_ACCESS_STATE_ACCESSED
#define D	HV_GPA_PAGE_ACCESS_STATE_DIRTY

static void model_test_access_states(struct kunit *test)
{
	u64 id = pt_initialized(test, 4), *pfns = test_pages(test, 4);
	u8 s[8], s2[8];

	/* gfn +0 read-only, +1..+3 writable, +4 unmapped. */
	KUNIT_ASSERT_EQ(test, hv_result(map(id, BASE_GFN, 1, pfns, 1)), 0);
	KUNIT_ASSERT_EQ(test, hv_result(map(id, BASE_GFN + 1, 3, &pfns[1], 3)), 0);
	/* Tracking off: refused. */
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, 0, s, 5),
			HV_STATUS_INVALID_PARTITION_STATE);
	KUNIT_ASSERT_EQ(test, set_prop(id, HV_PARTITION_PROPERTY_GPA_PAGE_ACCESS_TRACKING, 1), 0);
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, BIT(4), s, 5), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, HV_GPA_PAGE_ACCESS_SET_ACCESSED |
				     HV_GPA_PAGE_ACCESS_CLEAR_ACCESSED, s, 5),
			HV_STATUS_INVALID_PARAMETER);
	/* New mappings start accessed and clean; CLEAR returns that. */
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, HV_GPA_PAGE_ACCESS_CLEAR_ACCESSED |
				     HV_GPA_PAGE_ACCESS_CLEAR_DIRTY, s, 5), 0);
	KUNIT_EXPECT_EQ(test, s[0], A);
	KUNIT_EXPECT_EQ(test, s[3], A);
	KUNIT_EXPECT_EQ(test, s[4], 0);
	/* The guest reads +0 and +2, writes +1. */
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN, 1, false), 0);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN + 2, 1, false), 0);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN + 1, 1, true), 0);
	/* NOOP twice: identical, exact. */
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, 0, s, 5), 0);
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, 0, s2, 5), 0);
	KUNIT_EXPECT_EQ(test, memcmp(s, s2, 5), 0);
	KUNIT_EXPECT_EQ(test, s[0], A);
	KUNIT_EXPECT_EQ(test, s[1], A | D);
	KUNIT_EXPECT_EQ(test, s[2], A);
	KUNIT_EXPECT_EQ(test, s[3], 0);
	KUNIT_EXPECT_EQ(test, s[4], 0);
	/* CLEAR_DIRTY returns the old state; then SET_DIRTY on everything. */
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN + 1, HV_GPA_PAGE_ACCESS_CLEAR_DIRTY, s, 1), 0);
	KUNIT_EXPECT_EQ(test, s[0], A | D);
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, HV_GPA_PAGE_ACCESS_SET_DIRTY, s, 5), 0);
	KUNIT_EXPECT_EQ(test, s[1], A);
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, 0, s, 5), 0);
	KUNIT_EXPECT_EQ(test, s[0], A | D);
	KUNIT_EXPECT_EQ(test, s[3], D);
	/* An unmapped page has no state to set. */
	KUNIT_EXPECT_EQ(test, s[4], 0);
	/* Disabling tracking is accepted any time. */
	KUNIT_EXPECT_EQ(test, set_prop(id, HV_PARTITION_PROPERTY_GPA_PAGE_ACCESS_TRACKING, 0), 0);
}

static void model_test_access_states_large(struct kunit *test)
{
	u64 id = pt_initialized(test, 1), big = test_large_page(test);
	u8 *s = kunit_kzalloc(test, 512, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, hv_result(map(id, BASE_GFN, 3 | HV_MAP_GPA_LARGE_PAGE |
					    HV_MAP_GPA_DONT_SET_RANGE_ACCESSED, &big, 1)), 0);
	KUNIT_ASSERT_EQ(test, set_prop(id, HV_PARTITION_PROPERTY_GPA_PAGE_ACCESS_TRACKING, 1), 0);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN, 512, true), 0);
	/* Clear part of the 2 MiB page (a batch boundary inside it). */
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, HV_GPA_PAGE_ACCESS_CLEAR_DIRTY |
				     HV_GPA_PAGE_ACCESS_CLEAR_ACCESSED, s, 300), 0);
	KUNIT_EXPECT_EQ(test, s[0], A | D);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN + 7, 1, false), 0);
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, 0, s, 512), 0);
	for (i = 0; i < 512; i++)
		if (s[i] != (i == 7 ? A : i < 300 ? 0 : A | D))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, 512U, "page %u state %#x", i, i < 512 ? s[i] : 0);
	/* Still one 2 MiB mapping. */
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), 1ULL);
}

static void model_test_touch(struct kunit *test)
{
	u64 id = pt_initialized(test, 2), *pfns = test_pages(test, 3);
	u8 s[4];

	KUNIT_ASSERT_EQ(test, hv_result(map(id, BASE_GFN, 1 | HV_MAP_GPA_CLEAR_ACCESSED,
					    pfns, 1)), 0);
	KUNIT_ASSERT_EQ(test, hv_result(map(id, BASE_GFN + 1, 3 |
					    HV_MAP_GPA_DONT_SET_RANGE_ACCESSED,
					    &pfns[1], 1)), 0);
	KUNIT_ASSERT_EQ(test, hv_result(map(id, BASE_GFN + 2, HV_MAP_GPA_NO_ACCESS,
					    (u64[]){ 0 }, 1)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(0x7777777, BASE_GFN, 1, false), -ESRCH);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN, 0, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN + 3, 1, false), -ENOENT);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN, 1, true), -EACCES);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN + 2, 1, false), -EACCES);
	/* All or nothing: +1 writable, +2 not: nothing marked. */
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN + 1, 2, true), -EACCES);
	KUNIT_ASSERT_EQ(test, set_prop(id, HV_PARTITION_PROPERTY_GPA_PAGE_ACCESS_TRACKING, 1), 0);
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, 0, s, 4), 0);
	KUNIT_EXPECT_EQ(test, s[0], 0);
	KUNIT_EXPECT_EQ(test, s[1], 0);
	KUNIT_EXPECT_EQ(test, hvsim_touch_gpa(id, BASE_GFN, 2, false), 0);
	KUNIT_EXPECT_EQ(test, states(id, BASE_GFN, 0, s, 2), 0);
	KUNIT_EXPECT_EQ(test, s[0], A);
	KUNIT_EXPECT_EQ(test, s[1], A);
}

static void model_test_finalize_unmaps(struct kunit *test)
{
	u64 id = pt_initialized(test, 2), *pfns = test_pages(test, 2);

	KUNIT_ASSERT_EQ(test, hv_result(map(id, BASE_GFN, 3, pfns, 2)), 0);
	KUNIT_ASSERT_EQ(test, install(id, HV_INTERCEPT_TYPE_X64_IO_PORT, 1, 0x60), 0);
	KUNIT_ASSERT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_FINALIZE_PARTITION,
							      id)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_gpa_pool_pages(id), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_intercept_installed(id, HV_INTERCEPT_TYPE_X64_IO_PORT,
							0x60), 0U);
	KUNIT_EXPECT_EQ(test, hv_result(unmap(id, BASE_GFN, 0, 2)),
			HV_STATUS_INVALID_PARTITION_STATE);
}

static struct kunit_case hvsim_model_cases[] = {
	KUNIT_CASE(model_test_self_properties),
	KUNIT_CASE(model_test_padding),
	KUNIT_CASE(model_test_child_features),
	KUNIT_CASE_PARAM(model_test_set_property, prop_gen_params),
	KUNIT_CASE(model_test_reference_time),
	KUNIT_CASE_PARAM(model_test_install_intercept, icpt_gen_params),
	KUNIT_CASE(model_test_intercept_lookup),
	KUNIT_CASE(model_test_map_rules),
	KUNIT_CASE(model_test_map_deposited_page),
	KUNIT_CASE(model_test_pool_consumption),
	KUNIT_CASE(model_test_large_pages),
	KUNIT_CASE_SLOW(model_test_8gib),
	KUNIT_CASE(model_test_access_states),
	KUNIT_CASE(model_test_access_states_large),
	KUNIT_CASE(model_test_touch),
	KUNIT_CASE(model_test_finalize_unmaps),
	{}
};

static struct kunit_suite hvsim_model_suite = {
	.name = "hvsim_model",
	.init = raw_suite_init,
	.exit = raw_suite_exit,
	.test_cases = hvsim_model_cases,
};

kunit_test_suites(&hvsim_model_suite);

MODULE_DESCRIPTION("KUnit tests of hvsim's partition, memory and intercept model");
MODULE_LICENSE("GPL");
