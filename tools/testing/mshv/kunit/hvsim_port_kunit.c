// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvsim_port": hvsim's ports and doorbells, the root's event ring, direct signalling.
 * (Skeleton: the suite is being written.)
 */
#include <kunit/test.h>

static void port_test_placeholder(struct kunit *test)
{
	kunit_skip(test, "suite being written");
}

static struct kunit_case hvsim_port_cases[] = {
	KUNIT_CASE(port_test_placeholder),
	{}
};

static struct kunit_suite hvsim_port_suite = {
	.name = "hvsim_port",
	.test_cases = hvsim_port_cases,
};

kunit_test_suites(&hvsim_port_suite);

MODULE_DESCRIPTION("KUnit tests of hvsim's ports and doorbells, the root's event ring, direct signalling");
MODULE_LICENSE("GPL");
