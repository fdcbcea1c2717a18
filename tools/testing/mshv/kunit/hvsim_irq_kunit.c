// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvsim_irq": hvsim's local APIC model: ASSERT/CLEAR_VIRTUAL_INTERRUPT, delivery, EOI.
 * (Skeleton: the suite is being written.)
 */
#include <kunit/test.h>

static void irq_test_placeholder(struct kunit *test)
{
	kunit_skip(test, "suite being written");
}

static struct kunit_case hvsim_irq_cases[] = {
	KUNIT_CASE(irq_test_placeholder),
	{}
};

static struct kunit_suite hvsim_irq_suite = {
	.name = "hvsim_irq",
	.test_cases = hvsim_irq_cases,
};

kunit_test_suites(&hvsim_irq_suite);

MODULE_DESCRIPTION("KUnit tests of hvsim's local APIC model: ASSERT/CLEAR_VIRTUAL_INTERRUPT, delivery, EOI");
MODULE_LICENSE("GPL");
