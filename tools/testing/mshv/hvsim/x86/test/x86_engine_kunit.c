// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite running the hvsim x86 engine's table-driven tests
 * (x86_test.c), one parameterised case per table entry, and the fuzzer
 * (x86_fuzz_core.c) for fuzz_instructions instructions (module parameter,
 * 0 skips it), so it also runs under KASAN/UBSAN.  The host-CPU oracle is
 * userspace only.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "x86_test.h"

static unsigned long fuzz_instructions = 2000000;
module_param(fuzz_instructions, ulong, 0444);
MODULE_PARM_DESC(fuzz_instructions, "instructions run by the fuzz case");

static unsigned long fuzz_seed = 1;
module_param(fuzz_seed, ulong, 0444);
MODULE_PARM_DESC(fuzz_seed, "seed of the fuzz case");

static void x86_engine_case(struct kunit *test)
{
	const struct xt_case *tc = test->param_value;
	struct xt *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->mem = vmalloc(XT_MEM_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, t->mem);
	if (!xt_run_case(t, tc))
		KUNIT_FAIL(test, "%s: %s", tc->name, t->msg);
	vfree(t->mem);
}

static const void *x86_engine_gen(const void *prev, char *desc)
{
	const struct xt_case *tc = prev ? (const struct xt_case *)prev + 1 :
					  xt_cases;

	if (tc >= xt_cases + xt_ncases)
		return NULL;
	strscpy(desc, tc->name, KUNIT_PARAM_DESC_SIZE);
	return tc;
}

static void x86_engine_fuzz(struct kunit *test)
{
	struct xt *t;
	u64 done, runs;

	if (!fuzz_instructions)
		kunit_skip(test, "fuzz_instructions=0");
	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->mem = vmalloc(XT_MEM_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, t->mem);
	xt_init(t);
	done = xt_fuzz(t, fuzz_seed, fuzz_instructions, &runs);
	kunit_info(test, "fuzz: seed %lu: %llu instructions in %llu runs\n",
		   fuzz_seed, done, runs);
	KUNIT_EXPECT_GE(test, done, (u64)fuzz_instructions);
	vfree(t->mem);
}

static struct kunit_case x86_engine_cases[] = {
	KUNIT_CASE_PARAM(x86_engine_case, x86_engine_gen),
	KUNIT_CASE_SLOW(x86_engine_fuzz),
	{}
};

static struct kunit_suite x86_engine_suite = {
	.name = "hvsim_x86_engine",
	.test_cases = x86_engine_cases,
};

kunit_test_suite(x86_engine_suite);

MODULE_DESCRIPTION("hvsim x86 engine tests");
MODULE_LICENSE("GPL");
