// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of mshv_root's hypercall encoding and status handling.
 * These need no hypervisor; tests that issue hypercalls run against hvsim
 * (tools/testing/mshv/kunit/hvsim_kunit.c).
 */
#include <kunit/test.h>

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

static struct kunit_case mshv_root_cases[] = {
	KUNIT_CASE_PARAM(mshv_test_control_word, control_gen_params),
	KUNIT_CASE_PARAM(mshv_test_status_to_errno, errno_gen_params),
	KUNIT_CASE(mshv_test_needs_memory),
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
