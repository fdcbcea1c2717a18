// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of mshv_root's hypercall encoding, status handling and
 * guest-memory bookkeeping.
 * These need no hypervisor; tests that issue hypercalls run against hvsim
 * (tools/testing/mshv/kunit/hvsim_kunit.c).
 */
#include <kunit/test.h>
#include <linux/mm.h>

#include "mshv_root.h"

struct control_case {
	const char *desc;
	u16 code, varhead, rep_count, rep_start;
	u64 expected;
};

/* Expected words composed by hand from the TLFS bit layout. */
static const struct control_case control_cases[] = {
	{ "simple call", 0x0040, 0, 0, 0, 0x0000000000000040ULL },
	{ "code uses all 16 bits", 0xffff, 0, 0, 0, 0x000000000000ffffULL },
	{ "varhead in bits 17-26", 0x00e3, 3, 0, 0, 0x00000000000600e3ULL },
	{ "max varhead", 0x00e4, 0x3ff, 0, 0, 0x0000000007fe00e4ULL },
	{ "rep count in bits 32-43", 0x0048, 0, 511, 0, 0x000001ff00000048ULL },
	{ "max rep count", 0x004c, 0, 0xfff, 0, 0x00000fff0000004cULL },
	{ "rep start in bits 48-59", 0x004b, 0, 509, 200, 0x00c801fd0000004bULL },
	{ "max rep start", 0x00c9, 0, 0xfff, 0xffe, 0x0ffe0fff000000c9ULL },
	{ "everything", 0x0050, 1, 2, 1, 0x0001000200020050ULL },
};

KUNIT_ARRAY_PARAM_DESC(control, control_cases, desc);

static void mshv_test_control_word(struct kunit *test)
{
	const struct control_case *c = test->param_value;
	u64 w = mshv_hvcall_control(c->code, c->varhead, c->rep_count,
				    c->rep_start);

	KUNIT_EXPECT_EQ(test, w, c->expected);
	/* Never the fast bit, the nested bit or a reserved bit. */
	KUNIT_EXPECT_EQ(test, w & (BIT_ULL(16) | GENMASK_ULL(31, 27) |
				   GENMASK_ULL(47, 44) | GENMASK_ULL(63, 60)), 0);
	/* The core's decoders read back what was encoded. */
	KUNIT_EXPECT_EQ(test, (w & HV_HYPERCALL_REP_COMP_MASK) >>
			HV_HYPERCALL_REP_COMP_OFFSET, c->rep_count);
	KUNIT_EXPECT_EQ(test, (w & HV_HYPERCALL_REP_START_MASK) >>
			HV_HYPERCALL_REP_START_OFFSET, c->rep_start);
}

struct errno_case {
	const char *desc;
	u64 status;
	int err;
};

static const struct errno_case errno_cases[] = {
	{ "success", HV_STATUS_SUCCESS, 0 },
	{ "success with reps in the high bits", 0x000001ff00000000ULL, 0 },
	{ "reserved bits 16-31 ignored", 0x00000000abcd0000ULL, 0 },
	{ "invalid code", HV_STATUS_INVALID_HYPERCALL_CODE, -EINVAL },
	{ "invalid input", HV_STATUS_INVALID_HYPERCALL_INPUT, -EINVAL },
	{ "alignment", HV_STATUS_INVALID_ALIGNMENT, -EINVAL },
	{ "parameter", HV_STATUS_INVALID_PARAMETER, -EINVAL },
	{ "partition state", HV_STATUS_INVALID_PARTITION_STATE, -EINVAL },
	{ "partition id", HV_STATUS_INVALID_PARTITION_ID, -EINVAL },
	{ "vp index", HV_STATUS_INVALID_VP_INDEX, -EINVAL },
	{ "access denied", HV_STATUS_ACCESS_DENIED, -EACCES },
	{ "operation denied", HV_STATUS_OPERATION_DENIED, -EACCES },
	{ "insufficient memory", HV_STATUS_INSUFFICIENT_MEMORY, -ENOMEM },
	{ "insufficient memory with reps", 0x0000000700000000ULL |
	  HV_STATUS_INSUFFICIENT_MEMORY, -ENOMEM },
	{ "contiguous", HV_STATUS_INSUFFICIENT_CONTIGUOUS_MEMORY, -ENOMEM },
	{ "root memory", HV_STATUS_INSUFFICIENT_ROOT_MEMORY, -ENOMEM },
	{ "contiguous root", HV_STATUS_INSUFFICIENT_CONTIGUOUS_ROOT_MEMORY, -ENOMEM },
	{ "out of range", HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE, -ERANGE },
	{ "buffers", HV_STATUS_INSUFFICIENT_BUFFERS, -ENOBUFS },
	{ "time out", HV_STATUS_TIME_OUT, -ETIMEDOUT },
	{ "unknown property", HV_STATUS_UNKNOWN_PROPERTY, -EIO },
	{ "no resources", HV_STATUS_NO_RESOURCES, -EIO },
	{ "no hypervisor", U64_MAX, -EOPNOTSUPP },
};

KUNIT_ARRAY_PARAM_DESC(errno, errno_cases, desc);

static void mshv_test_status_to_errno(struct kunit *test)
{
	const struct errno_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, mshv_hv_status_to_errno(c->status), c->err);
}

static void mshv_test_needs_memory(struct kunit *test)
{
	static const u16 needs[] = {
		HV_STATUS_INSUFFICIENT_MEMORY,
		HV_STATUS_INSUFFICIENT_CONTIGUOUS_MEMORY,
		HV_STATUS_INSUFFICIENT_ROOT_MEMORY,
		HV_STATUS_INSUFFICIENT_CONTIGUOUS_ROOT_MEMORY,
	};
	unsigned int i, s;

	for (i = 0; i < ARRAY_SIZE(needs); i++) {
		KUNIT_EXPECT_TRUE(test, mshv_hv_status_needs_memory(needs[i]));
		/* Reps completed in the high bits do not change the answer. */
		KUNIT_EXPECT_TRUE(test, mshv_hv_status_needs_memory(needs[i] |
								   (5ULL << 32)));
	}
	/* Every other status, including buffers and device domains, does not. */
	for (s = 0; s <= 0xff; s++) {
		bool expected = false;

		for (i = 0; i < ARRAY_SIZE(needs); i++)
			expected |= s == needs[i];
		KUNIT_EXPECT_EQ_MSG(test, mshv_hv_status_needs_memory(s), expected,
				    "status %#x", s);
	}
}

/* ------------------------------------------------------- regions ---- */

#define TEST_PAGE	4096ULL

static struct mshv_partition *test_partition(struct kunit *test)
{
	struct mshv_partition *pt = kunit_kzalloc(test, sizeof(*pt), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pt);
	pt->gfn_tree = RB_ROOT_CACHED;
	pt->uva_tree = RB_ROOT_CACHED;
	return pt;
}

static struct mshv_mem_region *test_region(struct kunit *test,
					   struct mshv_partition *pt,
					   u64 gfn, u64 pages, u64 uaddr)
{
	struct mshv_mem_region *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->gfn.start = gfn;
	r->gfn.last = gfn + pages - 1;
	r->uva.start = uaddr;
	r->uva.last = uaddr + pages * TEST_PAGE - 1;
	r->uaddr = uaddr;
	r->nr_pages = pages;
	mshv_region_link(pt, r);
	return r;
}

struct overlap_case {
	const char *desc;
	u64 gfn, pages, uaddr;
	bool overlaps;
};

/*
 * Existing: A = gfn [0x100, 0x10f], user [0x10000000, +16 pages);
 *           B = gfn [0x200, 0x2ff], user [0x20000000, +256 pages).
 */
#define UA	0x10000000ULL
#define UB	0x20000000ULL
#define UFREE	0x40000000ULL

static const struct overlap_case overlap_cases[] = {
	{ "disjoint", 0x400, 16, UFREE, false },
	{ "adjacent before A", 0xf0, 16, UFREE, false },
	{ "adjacent after A", 0x110, 16, UFREE, false },
	{ "between A and B", 0x110, 0xf0, UFREE, false },
	{ "last page of A", 0x10f, 1, UFREE, true },
	{ "first page of A", 0x100, 1, UFREE, true },
	{ "over A's start", 0xf8, 16, UFREE, true },
	{ "over A's end", 0x108, 16, UFREE, true },
	{ "inside B", 0x250, 4, UFREE, true },
	{ "containing A", 0x80, 0x200, UFREE, true },
	{ "containing A and B", 0, 0x1000, UFREE, true },
	{ "identical to A", 0x100, 16, UA, true },
	{ "user range inside A's", 0x800, 2, UA + 4 * TEST_PAGE, true },
	{ "user range containing B's", 0x800, 0x200, UB - 0x10 * TEST_PAGE, true },
	{ "user range touching A's end", 0x800, 4, UA + 16 * TEST_PAGE, false },
	{ "user range ending at A's start", 0x800, 4, UA - 4 * TEST_PAGE, false },
	{ "last user byte of A", 0x800, 1, UA + 15 * TEST_PAGE, true },
};

KUNIT_ARRAY_PARAM_DESC(overlap, overlap_cases, desc);

static void mshv_test_region_overlap(struct kunit *test)
{
	const struct overlap_case *c = test->param_value;
	struct mshv_partition *pt = test_partition(test);
	struct mshv_mem_region *a, *b;

	a = test_region(test, pt, 0x100, 16, UA);
	b = test_region(test, pt, 0x200, 256, UB);
	KUNIT_EXPECT_EQ(test, mshv_region_overlaps(pt, c->gfn, c->pages, c->uaddr),
			c->overlaps);
	/* Once the regions are gone nothing overlaps. */
	mshv_region_unlink(pt, a);
	mshv_region_unlink(pt, b);
	KUNIT_EXPECT_FALSE(test, mshv_region_overlaps(pt, c->gfn, c->pages, c->uaddr));
	KUNIT_EXPECT_EQ(test, pt->nr_regions, 0ULL);
}

/* A region with room for @pages entries, not linked anywhere. */
static struct mshv_mem_region *entries_region(struct kunit *test, u64 pages)
{
	struct mshv_mem_region *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->entries = kunit_kcalloc(test, pages, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->entries);
	return r;
}

static void free_folio_action(void *folio)
{
	folio_put(folio);
}

static struct page **folio_pages(struct kunit *test, unsigned int order,
				 unsigned int first, unsigned int n)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, order);
	struct page **pages;
	unsigned int i;

	if (!folio)
		kunit_skip(test, "no order-%u folio available", order);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, free_folio_action,
							   folio));
	pages = kunit_kcalloc(test, n, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < n; i++)
		pages[i] = folio_page(folio, first + i);
	return pages;
}

static void mshv_test_region_large_chunk(struct kunit *test)
{
	struct mshv_mem_region *r = entries_region(test, 512);
	struct page **pages = folio_pages(test, 9, 0, 512);

	/* Aligned guest chunk of a 2 MiB folio: one entry. */
	mshv_region_add_pages(r, 0x200, pages, 512);
	KUNIT_EXPECT_EQ(test, r->nr_entries, 1ULL);
	KUNIT_EXPECT_EQ(test, r->nr_large, 1ULL);
	KUNIT_EXPECT_EQ(test, r->entries[0], page_to_pfn(pages[0]) | MSHV_ENTRY_LARGE);
	/* 8 bytes of metadata for those 2 MiB. */
	KUNIT_EXPECT_EQ(test, mshv_region_size(r), sizeof(*r) + 8);
}

static void mshv_test_region_small_cases(struct kunit *test)
{
	struct page **pages = folio_pages(test, 9, 0, 512);
	struct mshv_mem_region *r;
	struct page *tmp;

	/* Same folio, but the guest chunk is not 2 MiB aligned. */
	r = entries_region(test, 512);
	mshv_region_add_pages(r, 0x201, pages, 512);
	KUNIT_EXPECT_EQ(test, r->nr_entries, 512ULL);
	KUNIT_EXPECT_EQ(test, r->nr_large, 0ULL);

	/* Only part of a chunk. */
	r = entries_region(test, 512);
	mshv_region_add_pages(r, 0x200, pages, 256);
	KUNIT_EXPECT_EQ(test, r->nr_entries, 256ULL);
	KUNIT_EXPECT_EQ(test, r->nr_large, 0ULL);

	/* Pages of the folio out of order: not one host range. */
	tmp = pages[3];
	pages[3] = pages[4];
	pages[4] = tmp;
	r = entries_region(test, 512);
	mshv_region_add_pages(r, 0x200, pages, 512);
	KUNIT_EXPECT_EQ(test, r->nr_large, 0ULL);
	KUNIT_EXPECT_EQ(test, MSHV_ENTRY_LARGE & r->entries[3], 0ULL);
	KUNIT_EXPECT_EQ(test, r->entries[3], page_to_pfn(pages[3]));
}

static void mshv_test_region_bigger_folio(struct kunit *test)
{
	/* The second 2 MiB of a 4 MiB folio is a large page too. */
	struct page **pages = folio_pages(test, 10, 512, 512);
	struct mshv_mem_region *r = entries_region(test, 512);

	mshv_region_add_pages(r, 0x400, pages, 512);
	KUNIT_EXPECT_EQ(test, r->nr_large, 1ULL);
}

static void mshv_test_region_small_folios(struct kunit *test)
{
	struct mshv_mem_region *r = entries_region(test, 512);
	struct page **pages = kunit_kcalloc(test, 512, sizeof(*pages), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < 512; i++) {
		struct folio *folio = folio_alloc(GFP_KERNEL, 0);

		KUNIT_ASSERT_NOT_NULL(test, folio);
		KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
								   free_folio_action,
								   folio));
		pages[i] = &folio->page;
	}
	mshv_region_add_pages(r, 0, pages, 512);
	KUNIT_EXPECT_EQ(test, r->nr_entries, 512ULL);
	KUNIT_EXPECT_EQ(test, r->nr_large, 0ULL);
	KUNIT_EXPECT_EQ(test, mshv_region_size(r), sizeof(*r) + 512 * 8);
}

static struct kunit_case mshv_root_cases[] = {
	KUNIT_CASE_PARAM(mshv_test_control_word, control_gen_params),
	KUNIT_CASE_PARAM(mshv_test_status_to_errno, errno_gen_params),
	KUNIT_CASE(mshv_test_needs_memory),
	KUNIT_CASE_PARAM(mshv_test_region_overlap, overlap_gen_params),
	KUNIT_CASE(mshv_test_region_large_chunk),
	KUNIT_CASE(mshv_test_region_small_cases),
	KUNIT_CASE(mshv_test_region_bigger_folio),
	KUNIT_CASE(mshv_test_region_small_folios),
	{}
};

static struct kunit_suite mshv_root_suite = {
	.name = "mshv_root",
	.test_cases = mshv_root_cases,
};

kunit_test_suite(mshv_root_suite);

MODULE_DESCRIPTION("KUnit tests for mshv_root");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
