// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites that need hvsim:
 *  - hvsim: the model rejects what the hypervisor rejects (control word,
 *    alignment, partition state, pools);
 *  - mshv_hv_call: the driver's hypercall layer under hvsim's fault
 *    injection -- partial completion at every rep position, "needs memory"
 *    at every call, hard failures -- with no page leaked.
 */
#include <kunit/test.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "mshv_root.h"
#include "../hvsim/hvsim_test.h"
#include "hvsim_kunit_raw.h"

/* ------------------------------------------------------------------ */

struct hvsim_test_ctx {
	unsigned int saved_slice;
	u64 deposited_before;
};

static int hvsim_test_init(struct kunit *test)
{
	struct hvsim_test_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->saved_slice = hvsim_rep_slice;
	ctx->deposited_before = mshv_pages_deposited() -
				hvsim_deposited_pages(HV_PARTITION_ID_SELF);
	test->priv = ctx;
	hvsim_clear_faults();
	return 0;
}

static void hvsim_test_exit(struct kunit *test)
{
	struct hvsim_test_ctx *ctx = test->priv;

	hvsim_clear_faults();
	hvsim_rep_slice = ctx->saved_slice;
	/* Every page deposited into a child during the test came back. */
	KUNIT_EXPECT_EQ(test, mshv_pages_deposited() -
			hvsim_deposited_pages(HV_PARTITION_ID_SELF),
			ctx->deposited_before);
}

static u64 create_partition(struct kunit *test)
{
	static const u64 none[2];
	u64 id = 0;

	KUNIT_ASSERT_EQ(test, 0,
			mshv_hvcall_create_partition(HV_PARTITION_CREATION_FLAG_EXO_PARTITION,
						     0, none, 0, &id));
	KUNIT_ASSERT_NE(test, id, 0);
	return id;
}

static void destroy_partition(struct kunit *test, u64 id)
{
	KUNIT_EXPECT_EQ(test, 0, mshv_withdraw_all(id));
	KUNIT_EXPECT_EQ(test, 0ULL, hvsim_deposited_pages(id));
	KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_delete_partition(id));
}

/* ---------------------------------------------- hvsim: control word ---- */

struct ctrl_case {
	const char *desc;
	u64 control;
	u16 status;
};

static const struct ctrl_case ctrl_cases[] = {
	{ "unknown code", 0x01ff, HV_STATUS_INVALID_HYPERCALL_CODE },
	{ "reserved bit 27", HVCALL_GET_PARTITION_ID | BIT_ULL(27),
	  HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "nested bit 31", HVCALL_GET_PARTITION_ID | BIT_ULL(31),
	  HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "reserved bit 44", HVCALL_GET_PARTITION_ID | BIT_ULL(44),
	  HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "reserved bit 63", HVCALL_GET_PARTITION_ID | BIT_ULL(63),
	  HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "rep count on a simple call", HVCALL_GET_PARTITION_ID | (1ULL << 32),
	  HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "rep start on a simple call", HVCALL_GET_PARTITION_ID | (1ULL << 48),
	  HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "no rep count on a rep call", HVCALL_WITHDRAW_MEMORY,
	  HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "rep start == rep count", HVCALL_WITHDRAW_MEMORY | (2ULL << 32) |
	  (2ULL << 48), HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "varhead on a call without one", HVCALL_GET_PARTITION_ID | (1ULL << 17),
	  HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "valid", HVCALL_GET_PARTITION_ID, HV_STATUS_SUCCESS },
};

KUNIT_ARRAY_PARAM_DESC(ctrl, ctrl_cases, desc);

static void hvsim_test_control_word(struct kunit *test)
{
	const struct ctrl_case *c = test->param_value;
	u64 zero[2] = { HV_PARTITION_ID_SELF, 0 };

	KUNIT_EXPECT_EQ(test, hv_result(raw_call(c->control, zero, sizeof(zero),
						 NULL, 0)), c->status);
}

static void hvsim_test_fast_conventions(struct kunit *test)
{
	/* A memory-only call issued fast. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_GET_PARTITION_ID, 0)),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
	/* A fast-capable call with a bad partition id. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_DELETE_PARTITION,
							      0x7777777)),
			HV_STATUS_INVALID_PARTITION_ID);
}

static void hvsim_test_alignment(struct kunit *test)
{
	struct hv_input_get_system_property *in;
	void *output;
	unsigned long flags;
	u8 *input;
	u64 status;

	local_irq_save(flags);
	input = *this_cpu_ptr(hyperv_pcpu_input_arg);
	output = *this_cpu_ptr(hyperv_pcpu_output_arg);
	memset(input, 0, HV_HYP_PAGE_SIZE);
	/* Not 8-byte aligned. */
	in = (void *)(input + 4);
	in->property_id = HV_SYSTEM_PROPERTY_SCHEDULER_TYPE;
	status = hv_do_hypercall(HVCALL_GET_SYSTEM_PROPERTY, in, output);
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_INVALID_ALIGNMENT);
	/* Crossing the end of the page. */
	in = (void *)(input + HV_HYP_PAGE_SIZE - 8);
	status = hv_do_hypercall(HVCALL_GET_SYSTEM_PROPERTY, in, output);
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_INVALID_ALIGNMENT);
	/* Output overlapping input. */
	in = (void *)input;
	in->property_id = HV_SYSTEM_PROPERTY_SCHEDULER_TYPE;
	status = hv_do_hypercall(HVCALL_GET_SYSTEM_PROPERTY, in, input + 8);
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_INVALID_PARAMETER);
	/* Reserved field of the input. */
	in->reserved = 1;
	status = hv_do_hypercall(HVCALL_GET_SYSTEM_PROPERTY, in, output);
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_INVALID_PARAMETER);
	local_irq_restore(flags);
}

/* ----------------------------------------------- hvsim: partitions ---- */

static void hvsim_test_partition_lifecycle(struct kunit *test)
{
	u64 before = hvsim_nr_partitions();
	u64 id = create_partition(test);

	KUNIT_EXPECT_EQ(test, hvsim_nr_partitions(), before + 1);
	/* Finalize is only for an initialized partition. */
	KUNIT_EXPECT_EQ(test, -EINVAL, mshv_hvcall_finalize_partition(id));
	KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_initialize_partition(id));
	KUNIT_EXPECT_GT(test, hvsim_deposited_pages(id), 0ULL);
	/* Initialize twice: INVALID_PARTITION_STATE. */
	KUNIT_EXPECT_EQ(test, -EINVAL, mshv_hvcall_initialize_partition(id));
	/* Delete while initialized, or with pages deposited: refused. */
	KUNIT_EXPECT_EQ(test, -EINVAL, mshv_hvcall_delete_partition(id));
	KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_finalize_partition(id));
	KUNIT_EXPECT_EQ(test, -EINVAL, mshv_hvcall_delete_partition(id));
	/* After finalize no deposit is accepted. */
	KUNIT_EXPECT_EQ(test, -EINVAL, mshv_deposit_pages(id, 1, false));
	destroy_partition(test, id);
	KUNIT_EXPECT_EQ(test, hvsim_nr_partitions(), before);
	/* The id is gone. */
	KUNIT_EXPECT_EQ(test, -EINVAL, mshv_hvcall_delete_partition(id));
}

static void hvsim_test_withdraw_empty(struct kunit *test)
{
	struct hv_input_withdraw_memory in = {};
	u64 id = create_partition(test), status;

	in.partition_id = id;
	status = raw_call(mshv_hvcall_control(HVCALL_WITHDRAW_MEMORY, 0, 4, 0),
			  &in, sizeof(in), NULL, 0);
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_NO_RESOURCES);
	KUNIT_EXPECT_EQ(test, hv_repcomp(status), 0);
	/* The root's own pool cannot be withdrawn from. */
	in.partition_id = HV_PARTITION_ID_SELF;
	status = raw_call(mshv_hvcall_control(HVCALL_WITHDRAW_MEMORY, 0, 4, 0),
			  &in, sizeof(in), NULL, 0);
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_INVALID_PARAMETER);
	destroy_partition(test, id);
}

static void hvsim_test_double_deposit(struct kunit *test)
{
	struct hv_input_withdraw_memory wd = {};
	struct hv_deposit_memory *in;
	u64 out[2];
	u64 id = create_partition(test), status;
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long flags;

	KUNIT_ASSERT_NOT_NULL(test, page);
	local_irq_save(flags);
	in = *this_cpu_ptr(hyperv_pcpu_input_arg);
	in->partition_id = id;
	in->gpa_page_list[0] = page_to_pfn(page);
	in->gpa_page_list[1] = page_to_pfn(page);
	status = hv_do_hypercall(mshv_hvcall_control(HVCALL_DEPOSIT_MEMORY, 0, 2, 0),
				 in, NULL);
	local_irq_restore(flags);
	/* The first rep went in; the same page again is refused. */
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, hv_repcomp(status), 1);
	KUNIT_EXPECT_EQ(test, hvsim_deposited_pages(id), 1ULL);

	/* Take exactly that page back (the driver never counted it). */
	wd.partition_id = id;
	status = raw_call(mshv_hvcall_control(HVCALL_WITHDRAW_MEMORY, 0, 2, 0),
			  &wd, sizeof(wd), out, sizeof(out));
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_NO_RESOURCES);
	KUNIT_EXPECT_EQ(test, hv_repcomp(status), 1);
	KUNIT_EXPECT_EQ(test, out[0], (u64)page_to_pfn(page));
	__free_page(page);
	destroy_partition(test, id);
}

/* ------------------------------------------ driver: rep restarts ---- */

static const unsigned int slices[] = { 0, 1, 7, 64, 510 };

static void mshv_test_deposit_time_slices(struct kunit *test)
{
	unsigned int i, n = 511;

	for (i = 0; i < ARRAY_SIZE(slices); i++) {
		u64 id = create_partition(test), calls;

		hvsim_rep_slice = slices[i];
		calls = hvsim_calls(HVCALL_DEPOSIT_MEMORY);
		KUNIT_EXPECT_EQ(test, 0, mshv_deposit_pages(id, n, false));
		KUNIT_EXPECT_EQ(test, hvsim_deposited_pages(id), (u64)n);
		/* One call per slice: the driver resumed, never restarted. */
		KUNIT_EXPECT_EQ_MSG(test, hvsim_calls(HVCALL_DEPOSIT_MEMORY) - calls,
				    (u64)(slices[i] ? DIV_ROUND_UP(n, slices[i]) : 1),
				    "slice %u", slices[i]);
		destroy_partition(test, id);
	}
}

/* Partial success ("time slice") injected at every rep position. */
static void mshv_test_deposit_partial_everywhere(struct kunit *test)
{
	unsigned int k, n = 40;

	hvsim_rep_slice = 0;
	for (k = 1; k < n; k++) {
		u64 id = create_partition(test);

		KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_DEPOSIT_MEMORY,
							    HV_STATUS_SUCCESS, 1, k, 1));
		KUNIT_EXPECT_EQ(test, 0, mshv_deposit_pages(id, n, false));
		KUNIT_EXPECT_EQ_MSG(test, hvsim_deposited_pages(id), (u64)n,
				    "partial at rep %u", k);
		destroy_partition(test, id);
	}
}

/* A hard failure at every rep position: accepted pages stay, rest freed. */
static void mshv_test_deposit_failure_everywhere(struct kunit *test)
{
	unsigned int k, n = 40;

	hvsim_rep_slice = 0;
	for (k = 0; k < n; k++) {
		u64 id = create_partition(test);

		KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_DEPOSIT_MEMORY,
							    HV_STATUS_INVALID_PARAMETER,
							    1, k, 1));
		KUNIT_EXPECT_EQ(test, -EINVAL, mshv_deposit_pages(id, n, false));
		KUNIT_EXPECT_EQ_MSG(test, hvsim_deposited_pages(id), (u64)k,
				    "failure at rep %u", k);
		destroy_partition(test, id);
	}
}

/* INSUFFICIENT_MEMORY at each call of a create/initialize sequence. */
static void mshv_test_needs_memory_everywhere(struct kunit *test)
{
	static const u16 statuses[] = {
		HV_STATUS_INSUFFICIENT_MEMORY,
		HV_STATUS_INSUFFICIENT_CONTIGUOUS_MEMORY,
		HV_STATUS_INSUFFICIENT_ROOT_MEMORY,
		HV_STATUS_INSUFFICIENT_CONTIGUOUS_ROOT_MEMORY,
	};
	unsigned int s, nth;

	for (s = 0; s < ARRAY_SIZE(statuses); s++) {
		for (nth = 1; nth <= 3; nth++) {
			u64 id, root_before = hvsim_deposited_pages(HV_PARTITION_ID_SELF);

			hvsim_clear_faults();
			KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_CREATE_PARTITION,
								    statuses[s], nth, 0, 1));
			KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_INITIALIZE_PARTITION,
								    statuses[s], nth, 0, 1));
			id = create_partition(test);
			KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_initialize_partition(id));
			/* Root statuses fed the root's pool. */
			if (statuses[s] == HV_STATUS_INSUFFICIENT_ROOT_MEMORY ||
			    statuses[s] == HV_STATUS_INSUFFICIENT_CONTIGUOUS_ROOT_MEMORY)
				KUNIT_EXPECT_GT(test,
						hvsim_deposited_pages(HV_PARTITION_ID_SELF),
						root_before);
			KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_finalize_partition(id));
			destroy_partition(test, id);
		}
	}
}

/* A call that never stops asking for memory gives up with -ENOMEM. */
static void mshv_test_needs_memory_forever(struct kunit *test)
{
	u64 id = create_partition(test);

	KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_INITIALIZE_PARTITION,
						    HV_STATUS_INSUFFICIENT_MEMORY,
						    1, 0, -1));
	KUNIT_EXPECT_EQ(test, -ENOMEM, mshv_hvcall_initialize_partition(id));
	hvsim_clear_faults();
	/* Everything it deposited meanwhile is withdrawn. */
	destroy_partition(test, id);
}

static void mshv_test_withdraw_partial(struct kunit *test)
{
	unsigned int i, n = 1100;

	for (i = 0; i < ARRAY_SIZE(slices); i++) {
		u64 id = create_partition(test);

		hvsim_rep_slice = 0;
		KUNIT_ASSERT_EQ(test, 0, mshv_deposit_pages(id, n, false));
		hvsim_rep_slice = slices[i];
		KUNIT_EXPECT_EQ(test, 0, mshv_withdraw_all(id));
		KUNIT_EXPECT_EQ(test, hvsim_deposited_pages(id), 0ULL);
		KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_delete_partition(id));
	}
}

/* -------------------------------------- driver: map/unmap wrappers ---- */

#define MAP_N	1200	/* three MAP_GPA_PAGES batches of 509 */

struct map_ctx {
	u64 id;
	u64 pfns[MAP_N];
	struct page *pages[MAP_N];
};

static void map_ctx_free(void *data)
{
	struct map_ctx *m = data;
	unsigned int i;

	for (i = 0; i < MAP_N; i++)
		if (m->pages[i])
			__free_page(m->pages[i]);
	vfree(m);
}

static struct map_ctx *map_ctx_new(struct kunit *test)
{
	struct map_ctx *m = vzalloc(sizeof(*m));
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, map_ctx_free, m));
	for (i = 0; i < MAP_N; i++) {
		m->pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, m->pages[i]);
		m->pfns[i] = page_to_pfn(m->pages[i]);
	}
	m->id = create_partition(test);
	KUNIT_ASSERT_EQ(test, 0, mshv_hvcall_initialize_partition(m->id));
	/*
	 * Enough pool for the page tables of MAP_N pages, so that only the
	 * injected faults make a MAP_GPA_PAGES call fail.
	 */
	KUNIT_ASSERT_EQ(test, 0, mshv_deposit_pages(m->id, 16, false));
	return m;
}

static void map_ctx_done(struct kunit *test, struct map_ctx *m)
{
	KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_unmap_gpa_pages(m->id, 0x1000, MAP_N, false));
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(m->id, false), 0ULL);
	KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_finalize_partition(m->id));
	destroy_partition(test, m->id);
}

static void expect_mapped(struct kunit *test, struct map_ctx *m)
{
	static const unsigned int probe[] = { 0, 1, 508, 509, 510, 1017, 1018, MAP_N - 1 };
	unsigned int i;
	u64 pfn;
	u32 flags;

	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(m->id, false), (u64)MAP_N);
	for (i = 0; i < ARRAY_SIZE(probe); i++) {
		KUNIT_EXPECT_EQ(test, 0, hvsim_gpa_lookup(m->id, 0x1000 + probe[i],
							  &pfn, &flags));
		KUNIT_EXPECT_EQ_MSG(test, pfn, m->pfns[probe[i]], "gfn offset %u",
				    probe[i]);
	}
}

/* The pool runs dry at a rep of each batch: deposit and continue there. */
static void mshv_test_map_needs_memory_everywhere(struct kunit *test)
{
	static const unsigned int at[] = { 0, 1, 300, 508 };
	unsigned int batch, i;

	hvsim_rep_slice = 0;
	for (batch = 1; batch <= 3; batch++) {
		for (i = 0; i < ARRAY_SIZE(at); i++) {
			struct map_ctx *m;
			u64 deposits;

			/* The last batch is shorter (1200 = 509 + 509 + 182). */
			if (at[i] >= min(509, MAP_N - (batch - 1) * 509))
				continue;
			m = map_ctx_new(test);
			deposits = hvsim_calls(HVCALL_DEPOSIT_MEMORY);

			KUNIT_ASSERT_EQ(test, 0,
					hvsim_inject_fault(HVCALL_MAP_GPA_PAGES,
							   HV_STATUS_INSUFFICIENT_MEMORY,
							   batch, at[i], 1));
			KUNIT_EXPECT_EQ(test, 0,
					mshv_hvcall_map_gpa_pages(m->id, 0x1000, m->pfns,
								  MAP_N, HV_MAP_GPA_READABLE, MAP_N));
			/* The injected shortage was met with exactly one deposit. */
			KUNIT_EXPECT_EQ(test, hvsim_calls(HVCALL_DEPOSIT_MEMORY),
					deposits + 1);
			expect_mapped(test, m);
			map_ctx_done(test, m);
			hvsim_clear_faults();
		}
	}
}

/* Early returns (time slice) at every position of the first batch. */
static void mshv_test_map_partial_everywhere(struct kunit *test)
{
	struct map_ctx *m = map_ctx_new(test);
	unsigned int k;

	hvsim_rep_slice = 0;
	for (k = 1; k < 509; k += 13) {
		u64 calls = hvsim_calls(HVCALL_MAP_GPA_PAGES);

		KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_MAP_GPA_PAGES,
							    HV_STATUS_SUCCESS, 1, k, 1));
		KUNIT_EXPECT_EQ(test, 0,
				mshv_hvcall_map_gpa_pages(m->id, 0x1000, m->pfns, MAP_N,
							  HV_MAP_GPA_READABLE, MAP_N));
		/* Three batches, one of them resumed once. */
		KUNIT_EXPECT_EQ(test, hvsim_calls(HVCALL_MAP_GPA_PAGES), calls + 4);
		expect_mapped(test, m);
		KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_unmap_gpa_pages(m->id, 0x1000,
								     MAP_N, false));
	}
	map_ctx_done(test, m);
}

/* A hard failure in any batch is reported; the caller unmaps the range. */
static void mshv_test_map_failure_each_batch(struct kunit *test)
{
	unsigned int batch;

	hvsim_rep_slice = 0;
	for (batch = 1; batch <= 3; batch++) {
		struct map_ctx *m = map_ctx_new(test);

		KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_MAP_GPA_PAGES,
							    HV_STATUS_INVALID_PARAMETER,
							    batch, 7, 1));
		KUNIT_EXPECT_EQ(test, -EINVAL,
				mshv_hvcall_map_gpa_pages(m->id, 0x1000, m->pfns, MAP_N,
							  HV_MAP_GPA_READABLE, MAP_N));
		KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(m->id, false),
				(u64)(batch - 1) * 509 + 7);
		map_ctx_done(test, m);
		hvsim_clear_faults();
	}
}

/* Unmap keeps going past a failing batch and reports the first error. */
static void mshv_test_unmap_failure(struct kunit *test)
{
	struct map_ctx *m = map_ctx_new(test);

	KUNIT_ASSERT_EQ(test, 0, mshv_hvcall_map_gpa_pages(m->id, 0x1000, m->pfns,
							   MAP_N, HV_MAP_GPA_READABLE, MAP_N));
	KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_UNMAP_GPA_PAGES,
						    HV_STATUS_INVALID_PARAMETER, 1, 0, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, mshv_hvcall_unmap_gpa_pages(m->id, 0x1000,
								    MAP_N, false));
	/* Only the first batch (512) stayed mapped. */
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(m->id, false), 512ULL);
	map_ctx_done(test, m);
}

static void put_folio(void *folio)
{
	folio_put(folio);
}

/* Unmapping 4 KiB of a 2 MiB mapping splits it: that may need memory. */
static void mshv_test_unmap_split_needs_memory(struct kunit *test)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, 9);
	u64 id, pfn, deposits;

	if (!folio)
		kunit_skip(test, "no 2 MiB folio");
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, put_folio, folio));
	pfn = folio_pfn(folio);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(pfn, 512));

	id = create_partition(test);
	KUNIT_ASSERT_EQ(test, 0, mshv_hvcall_initialize_partition(id));
	KUNIT_ASSERT_EQ(test, 0, mshv_hvcall_map_gpa_pages(id, 0x200, &pfn, 1,
							   HV_MAP_GPA_READABLE |
							   HV_MAP_GPA_LARGE_PAGE, 512));
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), 1ULL);

	/* Whatever the pool holds, the split's page is missing once. */
	KUNIT_ASSERT_EQ(test, 0, hvsim_inject_fault(HVCALL_UNMAP_GPA_PAGES,
						    HV_STATUS_INSUFFICIENT_MEMORY,
						    1, 0, 1));
	deposits = hvsim_calls(HVCALL_DEPOSIT_MEMORY);
	KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_unmap_gpa_pages(id, 0x200 + 7, 1, false));
	KUNIT_EXPECT_EQ(test, hvsim_calls(HVCALL_DEPOSIT_MEMORY), deposits + 1);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, true), 0ULL);
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 511ULL);

	KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_unmap_gpa_pages(id, 0x200, 512, false));
	KUNIT_EXPECT_EQ(test, hvsim_mapped_pages(id, false), 0ULL);
	KUNIT_EXPECT_EQ(test, 0, mshv_hvcall_finalize_partition(id));
	destroy_partition(test, id);
}

static struct kunit_case hvsim_cases[] = {
	KUNIT_CASE_PARAM(hvsim_test_control_word, ctrl_gen_params),
	KUNIT_CASE(hvsim_test_fast_conventions),
	KUNIT_CASE(hvsim_test_alignment),
	KUNIT_CASE(hvsim_test_partition_lifecycle),
	KUNIT_CASE(hvsim_test_withdraw_empty),
	KUNIT_CASE(hvsim_test_double_deposit),
	{}
};

static struct kunit_suite hvsim_suite = {
	.name = "hvsim",
	.init = hvsim_test_init,
	.exit = hvsim_test_exit,
	.test_cases = hvsim_cases,
};

static struct kunit_case mshv_hv_call_cases[] = {
	KUNIT_CASE(mshv_test_deposit_time_slices),
	KUNIT_CASE(mshv_test_deposit_partial_everywhere),
	KUNIT_CASE(mshv_test_deposit_failure_everywhere),
	KUNIT_CASE(mshv_test_needs_memory_everywhere),
	KUNIT_CASE(mshv_test_needs_memory_forever),
	KUNIT_CASE(mshv_test_withdraw_partial),
	KUNIT_CASE(mshv_test_map_needs_memory_everywhere),
	KUNIT_CASE(mshv_test_map_partial_everywhere),
	KUNIT_CASE(mshv_test_map_failure_each_batch),
	KUNIT_CASE(mshv_test_unmap_failure),
	KUNIT_CASE(mshv_test_unmap_split_needs_memory),
	{}
};

static struct kunit_suite mshv_hv_call_suite = {
	.name = "mshv_hv_call",
	.init = hvsim_test_init,
	.exit = hvsim_test_exit,
	.test_cases = mshv_hv_call_cases,
};

kunit_test_suites(&hvsim_suite, &mshv_hv_call_suite);

MODULE_DESCRIPTION("KUnit tests of hvsim and of mshv_root against hvsim");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
