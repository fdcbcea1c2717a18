// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite running the hvsim x86 engine's table-driven tests
 * (x86_test.c): one parameterised case per table entry.  The host-CPU
 * oracle and the fuzzer are userspace only.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "x86_test.h"

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

static struct kunit_case x86_engine_cases[] = {
	KUNIT_CASE_PARAM(x86_engine_case, x86_engine_gen),
	{}
};

static struct kunit_suite x86_engine_suite = {
	.name = "hvsim_x86_engine",
	.test_cases = x86_engine_cases,
};

kunit_test_suite(x86_engine_suite);

MODULE_DESCRIPTION("hvsim x86 engine tests");
MODULE_LICENSE("GPL");
