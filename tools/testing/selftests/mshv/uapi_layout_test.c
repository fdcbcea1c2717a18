// SPDX-License-Identifier: GPL-2.0
/*
 * Layout test of the /dev/mshv userspace ABI (include/uapi/linux/mshv.h).
 *
 * Every structure size, field offset and field size, every alignment, every
 * constant and every full 32-bit ioctl value that the ABI reference lists is
 * compared with a literal expected value.  Each comparison is made twice:
 * at build time (_Static_assert, so a wrong header does not even compile)
 * and at run time, where every group of comparisons prints one KTAP result
 * line and the program ends with "N passed, N failed" and exits non-zero if
 * any group failed.
 *
 * Build options:
 *   -DMSHV_UAPI_TEST_RUNTIME_ONLY    skip the build-time copies of the checks
 *   -DMSHV_UAPI_TEST_INJECT_FAILURE  add one group with a deliberately wrong
 *                                    expectation (needs RUNTIME_ONLY); used
 *                                    to prove that failures are reported
 *
 * No kernel, device or privilege is needed.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/mshv.h>

#if defined(__has_include)
# if __has_include("../kselftest.h")
#  include "../kselftest.h"
#  define HAVE_KSELFTEST_H 1
# elif __has_include("kselftest.h")
#  include "kselftest.h"
#  define HAVE_KSELFTEST_H 1
# endif
#endif

#ifndef HAVE_KSELFTEST_H
/* The few kselftest.h helpers this test uses, with the same output format */
#include <stdarg.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))

static unsigned int ksft_pass_cnt, ksft_fail_cnt, ksft_plan;

static inline void ksft_print_header(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!getenv("KSFT_TAP_LEVEL"))
		printf("TAP version 13\n");
}

static inline void ksft_set_plan(unsigned int plan)
{
	ksft_plan = plan;
	printf("1..%u\n", plan);
}

static inline void ksft_print_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	va_end(ap);
}

#define ksft_test_result(cond, fmt, ...) do {				\
	if (cond)							\
		printf("ok %u " fmt, ++ksft_pass_cnt + ksft_fail_cnt,	\
		       ##__VA_ARGS__);					\
	else								\
		printf("not ok %u " fmt, ksft_pass_cnt + ++ksft_fail_cnt, \
		       ##__VA_ARGS__);					\
} while (0)

static inline int ksft_get_pass_cnt(void) { return ksft_pass_cnt; }
static inline int ksft_get_fail_cnt(void) { return ksft_fail_cnt; }

static inline void ksft_print_cnts(void)
{
	if (ksft_plan != ksft_pass_cnt + ksft_fail_cnt)
		printf("# Planned tests != run tests (%u != %u)\n",
		       ksft_plan, ksft_pass_cnt + ksft_fail_cnt);
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:0 error:0\n",
	       ksft_pass_cnt, ksft_fail_cnt);
}
#endif /* !HAVE_KSELFTEST_H */

#ifndef MSHV_PT_BIT_SMT_ENABLED_GUEST
#error "this is not the mshv.h of this repository (add -I<repo>/include/uapi)"
#endif

/* ------------------------------------------------------------------------ */
/* Checking machinery                                                       */

#ifdef MSHV_UAPI_TEST_RUNTIME_ONLY
#define BUILD_CHECK(cond, msg) ((void)(cond), (void)(msg))
#else
#define BUILD_CHECK(cond, msg) _Static_assert(cond, msg)
#endif

static unsigned int group_checks, group_fails, total_checks;

static void expect_eq(const char *what, unsigned long long got,
		      unsigned long long want, int line)
{
	group_checks++;
	total_checks++;
	if (got == want)
		return;
	group_fails++;
	ksft_print_msg("line %d: %s is %llu (0x%llx), expected %llu (0x%llx)\n",
		       line, what, got, got, want, want);
}

/* Compare a constant expression with its expected value, twice */
#define EXPECT_EQ(actual, expected) do {				\
	BUILD_CHECK((actual) == (expected), #actual " == " #expected);	\
	expect_eq(#actual, (unsigned long long)(actual),		\
		  (unsigned long long)(expected), __LINE__);		\
} while (0)

#define MSIZE(t, m)		sizeof(((struct t *)0)->m)
#define ESIZE(t, m)		sizeof(((struct t *)0)->m[0])
/* a member type is unsigned if (type)-1 is its largest value */
#define IS_UNSIGNED(t, m)						\
	((__typeof__(((struct t *)0)->m))-1 > (__typeof__(((struct t *)0)->m))1)

#define STRUCT_SIZE(t, size)	EXPECT_EQ(sizeof(struct t), size)

/*
 * The alignments of the reference are those of an LP64 target (x86_64,
 * arm64); on 32-bit x86 a __u64 field is only 4-byte aligned.
 */
#if defined(__LP64__)
#define STRUCT_ALIGN(t, a)	EXPECT_EQ(_Alignof(struct t), a)
#else
#define STRUCT_ALIGN(t, a)	EXPECT_EQ(_Alignof(struct t) <= (a), 1)
#endif

#define FIELD(t, m, off, size) do {					\
	EXPECT_EQ(offsetof(struct t, m), off);				\
	EXPECT_EQ(MSIZE(t, m), size);					\
} while (0)

/* a flexible array member: offset and element size */
#define FLEX(t, m, off, esize) do {					\
	EXPECT_EQ(offsetof(struct t, m), off);				\
	EXPECT_EQ(ESIZE(t, m), esize);					\
} while (0)

#define SIGNED_FIELD(t, m)	EXPECT_EQ(IS_UNSIGNED(t, m), 0)
#define UNSIGNED_FIELD(t, m)	EXPECT_EQ(IS_UNSIGNED(t, m), 1)

/* ioctl directions as in the reference tables */
#define DIR_NONE	0	/* _IO */
#define DIR_W		1	/* _IOW */
#define DIR_R		2	/* _IOR */
#define DIR_WR		3	/* _IOWR */

struct seen_ioctl {
	const char *name;
	unsigned long long value;
};

static struct seen_ioctl seen[32];
static unsigned int nr_seen;

/*
 * The full value and, separately, each field of the encoding: direction,
 * type 0xB8, number and argument size.
 */
#define IOCTL(name, dir, nr, size, full) do {				\
	EXPECT_EQ(name, full);						\
	EXPECT_EQ(_IOC_DIR(name), dir);					\
	EXPECT_EQ(_IOC_TYPE(name), 0xB8);				\
	EXPECT_EQ(_IOC_NR(name), nr);					\
	EXPECT_EQ(_IOC_SIZE(name), size);				\
	note_ioctl(#name, name);					\
} while (0)

static void note_ioctl(const char *name, unsigned long long value)
{
	if (nr_seen < ARRAY_SIZE(seen)) {
		seen[nr_seen].name = name;
		seen[nr_seen].value = value;
	}
	nr_seen++;
}

/* The driver dispatches on the full value: it must be unique per fd kind */
static void expect_distinct_ioctls(void)
{
	unsigned int i, j, dups = 0;

	if (nr_seen > ARRAY_SIZE(seen)) {
		expect_eq("ioctls per fd kind fit the table", nr_seen,
			  ARRAY_SIZE(seen), __LINE__);
		nr_seen = ARRAY_SIZE(seen);
	}
	for (i = 0; i < nr_seen; i++)
		for (j = i + 1; j < nr_seen; j++)
			if (seen[i].value == seen[j].value) {
				ksft_print_msg("%s and %s are both 0x%llx\n",
					       seen[i].name, seen[j].name,
					       seen[i].value);
				dups++;
			}
	expect_eq("duplicate ioctl values within one fd kind", dups, 0,
		  __LINE__);
	nr_seen = 0;
}

/* ------------------------------------------------------------------------ */
/* 1. Magics and general constants (mshv-uapi.md 1.3, 4.2, 4.11)           */

static void test_misc_constants(void)
{
	EXPECT_EQ(MSHV_IOCTL, 0xB8);
	EXPECT_EQ(MSHV_DIAG_IOCTL, 0xB9);
	EXPECT_EQ(MSHV_TRACE_IOCTL, 0xBA);
	EXPECT_EQ(MSHV_HV_PAGE_SIZE, 0x1000);
	EXPECT_EQ(MSHV_MAX_VPS, 256);
	EXPECT_EQ(MSHV_MAX_GUEST_IRQS, 4096);
	EXPECT_EQ(MSHV_VP_MAX_REGISTERS, 128);
	EXPECT_EQ(MSHV_RUN_VP_BUF_SZ, 256);
	EXPECT_EQ(MSHV_NUM_CPU_FEATURES_BANKS, 2);
}

/* 4.1 */
static void test_partition_flags(void)
{
	EXPECT_EQ(MSHV_PT_BIT_LAPIC, 0);
	EXPECT_EQ(MSHV_PT_BIT_X2APIC, 1);
	EXPECT_EQ(MSHV_PT_BIT_GPA_SUPER_PAGES, 2);
	EXPECT_EQ(MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES, 3);
	EXPECT_EQ(MSHV_PT_BIT_NESTED_VIRTUALIZATION, 4);
	EXPECT_EQ(MSHV_PT_BIT_SMT_ENABLED_GUEST, 5);
	EXPECT_EQ(MSHV_PT_BIT_COUNT, 6);
	EXPECT_EQ((1ULL << MSHV_PT_BIT_COUNT) - 1, 0x3F);
}

/* 4.2 */
static void test_isolation(void)
{
	EXPECT_EQ(MSHV_PT_ISOLATION_NONE, 0);
	EXPECT_EQ(MSHV_PT_ISOLATION_SNP, 1);
	EXPECT_EQ(MSHV_PT_ISOLATION_COUNT, 2);
}

/* 4.3, 4.4, 4.5 */
static void test_region_and_eventfd_flags(void)
{
	EXPECT_EQ(MSHV_SET_MEM_BIT_WRITABLE, 0);
	EXPECT_EQ(MSHV_SET_MEM_BIT_EXECUTABLE, 1);
	EXPECT_EQ(MSHV_SET_MEM_BIT_UNMAP, 2);
	EXPECT_EQ(MSHV_SET_MEM_BIT_COUNT, 3);
	EXPECT_EQ((1U << MSHV_SET_MEM_BIT_COUNT) - 1, 0x7);

	EXPECT_EQ(MSHV_IRQFD_BIT_DEASSIGN, 0);
	EXPECT_EQ(MSHV_IRQFD_BIT_RESAMPLE, 1);
	EXPECT_EQ(MSHV_IRQFD_BIT_COUNT, 2);
	EXPECT_EQ((1U << MSHV_IRQFD_BIT_COUNT) - 1, 0x3);

	EXPECT_EQ(MSHV_IOEVENTFD_BIT_DATAMATCH, 0);
	EXPECT_EQ(MSHV_IOEVENTFD_BIT_PIO, 1);
	EXPECT_EQ(MSHV_IOEVENTFD_BIT_DEASSIGN, 2);
	EXPECT_EQ(MSHV_IOEVENTFD_BIT_COUNT, 3);
	EXPECT_EQ((1U << MSHV_IOEVENTFD_BIT_COUNT) - 1, 0x7);
}

/* 4.6 */
static void test_gpap_constants(void)
{
	EXPECT_EQ(MSHV_GPAP_ACCESS_TYPE_ACCESSED, 0);
	EXPECT_EQ(MSHV_GPAP_ACCESS_TYPE_DIRTY, 1);
	EXPECT_EQ(MSHV_GPAP_ACCESS_TYPE_COUNT, 2);
	EXPECT_EQ(MSHV_GPAP_ACCESS_OP_NOOP, 0);
	EXPECT_EQ(MSHV_GPAP_ACCESS_OP_CLEAR, 1);
	EXPECT_EQ(MSHV_GPAP_ACCESS_OP_SET, 2);
	EXPECT_EQ(MSHV_GPAP_ACCESS_OP_COUNT, 3);
}

/* 4.7, 4.8 */
static void test_vp_constants(void)
{
	EXPECT_EQ(MSHV_VP_MMAP_OFFSET_REGISTERS, 0);
	EXPECT_EQ(MSHV_VP_MMAP_OFFSET_INTERCEPT_MESSAGE, 1);
	EXPECT_EQ(MSHV_VP_MMAP_OFFSET_GHCB, 2);
	EXPECT_EQ(MSHV_VP_MMAP_OFFSET_COUNT, 3);

	EXPECT_EQ(MSHV_VP_STATE_LAPIC, 0);
	EXPECT_EQ(MSHV_VP_STATE_XSAVE, 1);
	EXPECT_EQ(MSHV_VP_STATE_SIMP, 2);
	EXPECT_EQ(MSHV_VP_STATE_SIEFP, 3);
	EXPECT_EQ(MSHV_VP_STATE_SYNTHETIC_TIMERS, 4);
	EXPECT_EQ(MSHV_VP_STATE_COUNT, 5);
}

/* 4.9 */
static void test_device_constants(void)
{
	EXPECT_EQ(MSHV_DEV_TYPE_VFIO, 0);
	EXPECT_EQ(MSHV_DEV_TYPE_MAX, 1);
	EXPECT_EQ(MSHV_CREATE_DEVICE_TEST, 1);
	EXPECT_EQ(MSHV_DEV_VFIO_FILE, 1);
	EXPECT_EQ(MSHV_DEV_VFIO_FILE_ADD, 1);
	EXPECT_EQ(MSHV_DEV_VFIO_FILE_DEL, 2);
}

/* 4.10 */
static void test_snp_constants(void)
{
	EXPECT_EQ(MSHV_GPA_HOST_ACCESS_BIT_ACQUIRE, 0);
	EXPECT_EQ(MSHV_GPA_HOST_ACCESS_BIT_READABLE, 1);
	EXPECT_EQ(MSHV_GPA_HOST_ACCESS_BIT_WRITABLE, 2);
	EXPECT_EQ(MSHV_GPA_HOST_ACCESS_BIT_LARGE_PAGE, 3);
	EXPECT_EQ(MSHV_GPA_HOST_ACCESS_BIT_COUNT, 4);

	EXPECT_EQ(MSHV_ISOLATED_PAGE_NORMAL, 0);
	EXPECT_EQ(MSHV_ISOLATED_PAGE_VMSA, 1);
	EXPECT_EQ(MSHV_ISOLATED_PAGE_ZERO, 2);
	EXPECT_EQ(MSHV_ISOLATED_PAGE_UNMEASURED, 3);
	EXPECT_EQ(MSHV_ISOLATED_PAGE_SECRETS, 4);
	EXPECT_EQ(MSHV_ISOLATED_PAGE_CPUID, 5);
	EXPECT_EQ(MSHV_ISOLATED_PAGE_COUNT, 6);
}

/* 3.18 (mshv_vtl_capabilities bits) */
static void test_vtl_constants(void)
{
	EXPECT_EQ(MSHV_VTL_CAP_BIT_REGISTER_PAGE, 0);
	EXPECT_EQ(MSHV_VTL_CAP_BIT_RETURN_ACTION, 1);
	EXPECT_EQ(MSHV_VTL_CAP_BIT_DR6_SHARED, 2);
}

/* ------------------------------------------------------------------------ */
/* 2. Full ioctl values                                                     */

/* 2.1 */
static void test_ioctls_system_fd(void)
{
	IOCTL(MSHV_CREATE_PARTITION, DIR_W, 0x00, 16, 0x4010B800);
	IOCTL(MSHV_GET_HOST_PARTITION_PROPERTY, DIR_WR, 0x01, 16, 0xC010B801);
	IOCTL(MSHV_ROOT_HVCALL, DIR_WR, 0x07, 32, 0xC020B807);
	expect_distinct_ioctls();
}

/* 2.2 */
static void test_ioctls_partition_fd(void)
{
	IOCTL(MSHV_INITIALIZE_PARTITION, DIR_NONE, 0x00, 0, 0x0000B800);
	IOCTL(MSHV_CREATE_VP, DIR_W, 0x01, 4, 0x4004B801);
	IOCTL(MSHV_SET_GUEST_MEMORY, DIR_W, 0x02, 32, 0x4020B802);
	IOCTL(MSHV_IRQFD, DIR_W, 0x03, 16, 0x4010B803);
	IOCTL(MSHV_IOEVENTFD, DIR_W, 0x04, 32, 0x4020B804);
	IOCTL(MSHV_SET_MSI_ROUTING, DIR_W, 0x05, 8, 0x4008B805);
	IOCTL(MSHV_GET_GPAP_ACCESS_BITMAP, DIR_WR, 0x06, 32, 0xC020B806);
	IOCTL(MSHV_ROOT_HVCALL, DIR_WR, 0x07, 32, 0xC020B807);
	IOCTL(MSHV_CREATE_DEVICE, DIR_WR, 0x08, 12, 0xC00CB808);
	IOCTL(MSHV_MODIFY_GPA_HOST_ACCESS, DIR_W, 0x09, 16, 0x4010B809);
	IOCTL(MSHV_IMPORT_ISOLATED_PAGES, DIR_W, 0x0A, 16, 0x4010B80A);
	IOCTL(MSHV_INSTALL_INTERCEPT, DIR_W, 0xF0, 16, 0x4010B8F0);
	IOCTL(MSHV_ASSERT_INTERRUPT, DIR_W, 0xF1, 24, 0x4018B8F1);
	IOCTL(MSHV_SET_PARTITION_PROPERTY, DIR_W, 0xF2, 16, 0x4010B8F2);
	IOCTL(MSHV_GET_PARTITION_PROPERTY, DIR_WR, 0xF3, 16, 0xC010B8F3);
	IOCTL(MSHV_COMPLETE_ISOLATED_IMPORT, DIR_W, 0xF4, 3334, 0x4D06B8F4);
	IOCTL(MSHV_ISSUE_PSP_GUEST_REQUEST, DIR_W, 0xF5, 16, 0x4010B8F5);
	IOCTL(MSHV_SEV_SNP_AP_CREATE, DIR_W, 0xF6, 16, 0x4010B8F6);
	IOCTL(MSHV_SIGNAL_EVENT_DIRECT, DIR_WR, 0xF7, 12, 0xC00CB8F7);
	IOCTL(MSHV_POST_MESSAGE_DIRECT, DIR_W, 0xF8, 16, 0x4010B8F8);
	IOCTL(MSHV_REGISTER_DELIVERABILITY_NOTIFICATIONS, DIR_W, 0xF9, 16,
	      0x4010B8F9);
	expect_distinct_ioctls();
}

/* 2.3 */
static void test_ioctls_vp_fd(void)
{
	IOCTL(MSHV_RUN_VP, DIR_R, 0x00, 256, 0x8100B800);
	IOCTL(MSHV_GET_VP_STATE, DIR_WR, 0x01, 16, 0xC010B801);
	IOCTL(MSHV_SET_VP_STATE, DIR_WR, 0x02, 16, 0xC010B802);
	IOCTL(MSHV_ROOT_HVCALL, DIR_WR, 0x07, 32, 0xC020B807);
	IOCTL(MSHV_GET_VP_REGISTERS, DIR_WR, 0xF0, 16, 0xC010B8F0);
	IOCTL(MSHV_SET_VP_REGISTERS, DIR_W, 0xF1, 16, 0x4010B8F1);
	IOCTL(MSHV_VP_TRANSLATE_GVA, DIR_WR, 0xF2, 32, 0xC020B8F2);
	IOCTL(MSHV_VP_REGISTER_INTERCEPT_RESULT, DIR_W, 0xF3, 48, 0x4030B8F3);
	IOCTL(MSHV_GET_VP_CPUID_VALUES, DIR_WR, 0xF4, 40, 0xC028B8F4);
	IOCTL(MSHV_READ_GPA, DIR_WR, 0xF5, 32, 0xC020B8F5);
	IOCTL(MSHV_WRITE_GPA, DIR_W, 0xF6, 32, 0x4020B8F6);
	expect_distinct_ioctls();
}

/* 2.4 */
static void test_ioctls_device_fd(void)
{
	IOCTL(MSHV_SET_DEVICE_ATTR, DIR_W, 0x00, 24, 0x4018B800);
	IOCTL(MSHV_GET_DEVICE_ATTR, DIR_W, 0x01, 24, 0x4018B801);
	IOCTL(MSHV_HAS_DEVICE_ATTR, DIR_W, 0x02, 24, 0x4018B802);
	expect_distinct_ioctls();
}

/* 1.3: the same number means different requests on different fd kinds */
static void test_ioctl_cross_fd_facts(void)
{
	EXPECT_EQ(MSHV_GET_HOST_PARTITION_PROPERTY == MSHV_GET_VP_STATE, 1);
	EXPECT_EQ(_IOC_NR(MSHV_CREATE_PARTITION), _IOC_NR(MSHV_RUN_VP));
	EXPECT_EQ(_IOC_NR(MSHV_INITIALIZE_PARTITION),
		  _IOC_NR(MSHV_SET_DEVICE_ATTR));
	/* the v2 create argument is not reflected in the ioctl number */
	EXPECT_EQ(_IOC_SIZE(MSHV_CREATE_PARTITION),
		  sizeof(struct mshv_create_partition));
	EXPECT_EQ(_IOC_SIZE(MSHV_CREATE_PARTITION) ==
		  sizeof(struct mshv_create_partition_v2), 0);
	/* variable-size arguments: the number encodes the header only */
	EXPECT_EQ(_IOC_SIZE(MSHV_SET_MSI_ROUTING),
		  offsetof(struct mshv_user_irq_table, entries));
	EXPECT_EQ(_IOC_SIZE(MSHV_MODIFY_GPA_HOST_ACCESS),
		  offsetof(struct mshv_modify_gpa_host_access, guest_pfns));
	EXPECT_EQ(_IOC_SIZE(MSHV_IMPORT_ISOLATED_PAGES),
		  offsetof(struct mshv_import_isolated_pages, guest_pfns));
}

/* ------------------------------------------------------------------------ */
/* 3. Structure layouts                                                     */

/* 3.1 */
static void test_create_partition(void)
{
	STRUCT_SIZE(mshv_create_partition, 16);
	STRUCT_ALIGN(mshv_create_partition, 8);
	FIELD(mshv_create_partition, pt_flags, 0, 8);
	FIELD(mshv_create_partition, pt_isolation, 8, 8);
}

/* 3.2 */
static void test_create_partition_v2(void)
{
	STRUCT_SIZE(mshv_create_partition_v2, 64);
	EXPECT_EQ(_Alignof(struct mshv_create_partition_v2), 1);
	FIELD(mshv_create_partition_v2, pt_flags, 0, 8);
	FIELD(mshv_create_partition_v2, pt_isolation, 8, 8);
	FIELD(mshv_create_partition_v2, pt_num_cpu_fbanks, 16, 2);
	FIELD(mshv_create_partition_v2, pt_rsvd, 18, 6);
	EXPECT_EQ(ESIZE(mshv_create_partition_v2, pt_rsvd), 2);
	FIELD(mshv_create_partition_v2, pt_cpu_fbanks, 24, 16);
	EXPECT_EQ(ESIZE(mshv_create_partition_v2, pt_cpu_fbanks), 8);
	FIELD(mshv_create_partition_v2, pt_rsvd1, 40, 16);
	EXPECT_EQ(ESIZE(mshv_create_partition_v2, pt_rsvd1), 8);
	FIELD(mshv_create_partition_v2, pt_disabled_xsave, 56, 8);
	FIELD(mshv_create_partition_v2, pt_rsvd2, 56, 8);
	/* the first 16 bytes are the v1 structure */
	EXPECT_EQ(offsetof(struct mshv_create_partition_v2, pt_flags),
		  offsetof(struct mshv_create_partition, pt_flags));
	EXPECT_EQ(offsetof(struct mshv_create_partition_v2, pt_isolation),
		  offsetof(struct mshv_create_partition, pt_isolation));
}

/* 3.3 */
static void test_partition_property(void)
{
	STRUCT_SIZE(mshv_partition_property, 16);
	STRUCT_ALIGN(mshv_partition_property, 8);
	FIELD(mshv_partition_property, property_code, 0, 8);
	FIELD(mshv_partition_property, property_value, 8, 8);
}

/* 3.4 */
static void test_create_vp(void)
{
	STRUCT_SIZE(mshv_create_vp, 4);
	STRUCT_ALIGN(mshv_create_vp, 4);
	FIELD(mshv_create_vp, vp_index, 0, 4);
}

/* 3.5 */
static void test_user_mem_region(void)
{
	STRUCT_SIZE(mshv_user_mem_region, 32);
	STRUCT_ALIGN(mshv_user_mem_region, 8);
	FIELD(mshv_user_mem_region, size, 0, 8);
	FIELD(mshv_user_mem_region, guest_pfn, 8, 8);
	FIELD(mshv_user_mem_region, userspace_addr, 16, 8);
	FIELD(mshv_user_mem_region, flags, 24, 1);
	FIELD(mshv_user_mem_region, rsvd, 25, 7);
}

/* 3.6 */
static void test_user_irqfd(void)
{
	STRUCT_SIZE(mshv_user_irqfd, 16);
	STRUCT_ALIGN(mshv_user_irqfd, 4);
	FIELD(mshv_user_irqfd, fd, 0, 4);
	FIELD(mshv_user_irqfd, resamplefd, 4, 4);
	FIELD(mshv_user_irqfd, gsi, 8, 4);
	FIELD(mshv_user_irqfd, flags, 12, 4);
	SIGNED_FIELD(mshv_user_irqfd, fd);
	SIGNED_FIELD(mshv_user_irqfd, resamplefd);
	UNSIGNED_FIELD(mshv_user_irqfd, gsi);
	UNSIGNED_FIELD(mshv_user_irqfd, flags);
}

/* 3.7 */
static void test_user_ioeventfd(void)
{
	STRUCT_SIZE(mshv_user_ioeventfd, 32);
	STRUCT_ALIGN(mshv_user_ioeventfd, 8);
	FIELD(mshv_user_ioeventfd, datamatch, 0, 8);
	FIELD(mshv_user_ioeventfd, addr, 8, 8);
	FIELD(mshv_user_ioeventfd, len, 16, 4);
	FIELD(mshv_user_ioeventfd, fd, 20, 4);
	FIELD(mshv_user_ioeventfd, flags, 24, 4);
	FIELD(mshv_user_ioeventfd, rsvd, 28, 4);
	SIGNED_FIELD(mshv_user_ioeventfd, fd);
	UNSIGNED_FIELD(mshv_user_ioeventfd, len);
}

/* 3.8 */
static void test_user_irq_entry(void)
{
	STRUCT_SIZE(mshv_user_irq_entry, 16);
	STRUCT_ALIGN(mshv_user_irq_entry, 4);
	FIELD(mshv_user_irq_entry, gsi, 0, 4);
	FIELD(mshv_user_irq_entry, address_lo, 4, 4);
	FIELD(mshv_user_irq_entry, address_hi, 8, 4);
	FIELD(mshv_user_irq_entry, data, 12, 4);
}

/* 3.9 */
static void test_user_irq_table(void)
{
	STRUCT_SIZE(mshv_user_irq_table, 8);
	STRUCT_ALIGN(mshv_user_irq_table, 4);
	FIELD(mshv_user_irq_table, nr, 0, 4);
	FIELD(mshv_user_irq_table, rsvd, 4, 4);
	FLEX(mshv_user_irq_table, entries, 8, 16);
}

/* 3.10 */
static void test_gpap_access_bitmap(void)
{
	STRUCT_SIZE(mshv_gpap_access_bitmap, 32);
	STRUCT_ALIGN(mshv_gpap_access_bitmap, 8);
	FIELD(mshv_gpap_access_bitmap, access_type, 0, 1);
	FIELD(mshv_gpap_access_bitmap, access_op, 1, 1);
	FIELD(mshv_gpap_access_bitmap, rsvd, 2, 6);
	FIELD(mshv_gpap_access_bitmap, page_count, 8, 8);
	FIELD(mshv_gpap_access_bitmap, gpap_base, 16, 8);
	FIELD(mshv_gpap_access_bitmap, bitmap_ptr, 24, 8);
}

/* 3.11 */
static void test_root_hvcall(void)
{
	STRUCT_SIZE(mshv_root_hvcall, 32);
	STRUCT_ALIGN(mshv_root_hvcall, 8);
	FIELD(mshv_root_hvcall, code, 0, 2);
	FIELD(mshv_root_hvcall, reps, 2, 2);
	FIELD(mshv_root_hvcall, in_sz, 4, 2);
	FIELD(mshv_root_hvcall, out_sz, 6, 2);
	FIELD(mshv_root_hvcall, status, 8, 2);
	FIELD(mshv_root_hvcall, rsvd, 10, 6);
	FIELD(mshv_root_hvcall, in_ptr, 16, 8);
	FIELD(mshv_root_hvcall, out_ptr, 24, 8);
}

/* 3.12 */
static void test_run_vp(void)
{
	STRUCT_SIZE(mshv_run_vp, 256);
	EXPECT_EQ(_Alignof(struct mshv_run_vp), 1);
	FIELD(mshv_run_vp, msg_buf, 0, 256);
}

/* 3.13 */
static void test_get_set_vp_state(void)
{
	STRUCT_SIZE(mshv_get_set_vp_state, 16);
	STRUCT_ALIGN(mshv_get_set_vp_state, 8);
	FIELD(mshv_get_set_vp_state, type, 0, 1);
	FIELD(mshv_get_set_vp_state, rsvd, 1, 3);
	FIELD(mshv_get_set_vp_state, buf_sz, 4, 4);
	FIELD(mshv_get_set_vp_state, buf_ptr, 8, 8);
}

/* 3.14 */
static void test_create_device(void)
{
	STRUCT_SIZE(mshv_create_device, 12);
	STRUCT_ALIGN(mshv_create_device, 4);
	FIELD(mshv_create_device, type, 0, 4);
	FIELD(mshv_create_device, fd, 4, 4);
	FIELD(mshv_create_device, flags, 8, 4);
}

/* 3.15 */
static void test_device_attr(void)
{
	STRUCT_SIZE(mshv_device_attr, 24);
	STRUCT_ALIGN(mshv_device_attr, 8);
	FIELD(mshv_device_attr, flags, 0, 4);
	FIELD(mshv_device_attr, group, 4, 4);
	FIELD(mshv_device_attr, attr, 8, 8);
	FIELD(mshv_device_attr, addr, 16, 8);
}

/* 3.16 */
static void test_translate_gva(void)
{
	STRUCT_SIZE(mshv_translate_gva, 32);
	STRUCT_ALIGN(mshv_translate_gva, 8);
	FIELD(mshv_translate_gva, gva, 0, 8);
	FIELD(mshv_translate_gva, flags, 8, 8);
	FIELD(mshv_translate_gva, result, 16, 8);
	FIELD(mshv_translate_gva, gpa, 24, 8);
}

/* 3.17 */
static void test_modify_gpa_host_access(void)
{
	STRUCT_SIZE(mshv_modify_gpa_host_access, 16);
	STRUCT_ALIGN(mshv_modify_gpa_host_access, 8);
	FIELD(mshv_modify_gpa_host_access, flags, 0, 1);
	FIELD(mshv_modify_gpa_host_access, rsvd, 1, 7);
	FIELD(mshv_modify_gpa_host_access, page_count, 8, 8);
	FLEX(mshv_modify_gpa_host_access, guest_pfns, 16, 8);
}

/* 3.17 */
static void test_import_isolated_pages(void)
{
	STRUCT_SIZE(mshv_import_isolated_pages, 16);
	STRUCT_ALIGN(mshv_import_isolated_pages, 8);
	FIELD(mshv_import_isolated_pages, page_type, 0, 1);
	FIELD(mshv_import_isolated_pages, rsvd, 1, 7);
	FIELD(mshv_import_isolated_pages, page_count, 8, 8);
	FLEX(mshv_import_isolated_pages, guest_pfns, 16, 8);
}

/* 3.17 */
static void test_complete_isolated_import(void)
{
	STRUCT_SIZE(mshv_complete_isolated_import, 3334);
	EXPECT_EQ(_Alignof(struct mshv_complete_isolated_import), 1);
	FIELD(mshv_complete_isolated_import, import_data, 0, 3334);
	FIELD(mshv_complete_isolated_import, import_data.id_block, 0, 96);
	FIELD(mshv_complete_isolated_import, import_data.id_auth_info, 96,
	      3204);
	FIELD(mshv_complete_isolated_import, import_data.host_data, 3300, 32);
	FIELD(mshv_complete_isolated_import, import_data.id_block_enabled,
	      3332, 1);
	FIELD(mshv_complete_isolated_import, import_data.author_key_enabled,
	      3333, 1);
}

/* 3.17 */
static void test_psp_and_ap_create(void)
{
	STRUCT_SIZE(mshv_issue_psp_guest_request, 16);
	STRUCT_ALIGN(mshv_issue_psp_guest_request, 8);
	FIELD(mshv_issue_psp_guest_request, req_gpa, 0, 8);
	FIELD(mshv_issue_psp_guest_request, rsp_gpa, 8, 8);

	STRUCT_SIZE(mshv_sev_snp_ap_create, 16);
	STRUCT_ALIGN(mshv_sev_snp_ap_create, 8);
	FIELD(mshv_sev_snp_ap_create, vp_id, 0, 8);
	FIELD(mshv_sev_snp_ap_create, vmsa_gpa, 8, 8);
}

/* 3.18 */
static void test_vp_registers(void)
{
	STRUCT_SIZE(mshv_vp_registers, 16);
	STRUCT_ALIGN(mshv_vp_registers, 8);
	FIELD(mshv_vp_registers, count, 0, 4);
	FIELD(mshv_vp_registers, pad, 4, 4);
	FIELD(mshv_vp_registers, regs, 8, 8);
	SIGNED_FIELD(mshv_vp_registers, count);
}

/* 3.18 */
static void test_install_intercept(void)
{
	STRUCT_SIZE(mshv_install_intercept, 16);
	STRUCT_ALIGN(mshv_install_intercept, 8);
	FIELD(mshv_install_intercept, access_type_mask, 0, 4);
	FIELD(mshv_install_intercept, intercept_type, 4, 4);
	FIELD(mshv_install_intercept, intercept_parameter, 8, 8);
}

/* 3.18 */
static void test_assert_interrupt(void)
{
	STRUCT_SIZE(mshv_assert_interrupt, 24);
	STRUCT_ALIGN(mshv_assert_interrupt, 8);
	FIELD(mshv_assert_interrupt, control, 0, 8);
	FIELD(mshv_assert_interrupt, dest_addr, 8, 8);
	FIELD(mshv_assert_interrupt, vector, 16, 4);
	FIELD(mshv_assert_interrupt, rsvd, 20, 4);
}

/* 3.18 */
static void test_register_intercept_result(void)
{
	STRUCT_SIZE(mshv_register_intercept_result, 48);
	STRUCT_ALIGN(mshv_register_intercept_result, 4);
	FIELD(mshv_register_intercept_result, intercept_type, 0, 4);
	FIELD(mshv_register_intercept_result, parameters, 4, 44);
}

/* 3.18 */
static void test_signal_event_direct(void)
{
	STRUCT_SIZE(mshv_signal_event_direct, 12);
	STRUCT_ALIGN(mshv_signal_event_direct, 4);
	FIELD(mshv_signal_event_direct, vp, 0, 4);
	FIELD(mshv_signal_event_direct, vtl, 4, 1);
	FIELD(mshv_signal_event_direct, sint, 5, 1);
	FIELD(mshv_signal_event_direct, flag, 6, 2);
	FIELD(mshv_signal_event_direct, newly_signaled, 8, 1);
	FIELD(mshv_signal_event_direct, pad, 9, 3);
}

/* 3.18 */
static void test_post_message_direct(void)
{
	STRUCT_SIZE(mshv_post_message_direct, 16);
	STRUCT_ALIGN(mshv_post_message_direct, 8);
	FIELD(mshv_post_message_direct, vp, 0, 4);
	FIELD(mshv_post_message_direct, vtl, 4, 1);
	FIELD(mshv_post_message_direct, sint, 5, 1);
	FIELD(mshv_post_message_direct, length, 6, 2);
	FIELD(mshv_post_message_direct, message, 8, 8);
}

/* 3.18 */
static void test_register_deliverability_notifications(void)
{
	STRUCT_SIZE(mshv_register_deliverabilty_notifications, 16);
	STRUCT_ALIGN(mshv_register_deliverabilty_notifications, 8);
	FIELD(mshv_register_deliverabilty_notifications, vp, 0, 4);
	FIELD(mshv_register_deliverabilty_notifications, pad, 4, 4);
	FIELD(mshv_register_deliverabilty_notifications, flag, 8, 8);
}

/* 3.18 */
static void test_get_vp_cpuid_values(void)
{
	STRUCT_SIZE(mshv_get_vp_cpuid_values, 40);
	STRUCT_ALIGN(mshv_get_vp_cpuid_values, 8);
	FIELD(mshv_get_vp_cpuid_values, function, 0, 4);
	FIELD(mshv_get_vp_cpuid_values, index, 4, 4);
	FIELD(mshv_get_vp_cpuid_values, xfem, 8, 8);
	FIELD(mshv_get_vp_cpuid_values, xss, 16, 8);
	FIELD(mshv_get_vp_cpuid_values, eax, 24, 4);
	FIELD(mshv_get_vp_cpuid_values, ebx, 28, 4);
	FIELD(mshv_get_vp_cpuid_values, ecx, 32, 4);
	FIELD(mshv_get_vp_cpuid_values, edx, 36, 4);
}

/* 3.18 */
static void test_read_write_gpa(void)
{
	STRUCT_SIZE(mshv_read_write_gpa, 32);
	STRUCT_ALIGN(mshv_read_write_gpa, 8);
	FIELD(mshv_read_write_gpa, base_gpa, 0, 8);
	FIELD(mshv_read_write_gpa, byte_count, 8, 4);
	FIELD(mshv_read_write_gpa, flags, 12, 4);
	FIELD(mshv_read_write_gpa, data, 16, 16);
}

/* 3.18 */
static void test_vtl_capabilities(void)
{
	STRUCT_SIZE(mshv_vtl_capabilities, 8);
	STRUCT_ALIGN(mshv_vtl_capabilities, 8);
	FIELD(mshv_vtl_capabilities, bits, 0, 8);
}

/* 3.18 */
static void test_trace_config(void)
{
	STRUCT_SIZE(mshv_trace_config, 32);
	STRUCT_ALIGN(mshv_trace_config, 8);
	FIELD(mshv_trace_config, mode, 0, 4);
	FIELD(mshv_trace_config, max_buffers_count, 4, 4);
	FIELD(mshv_trace_config, pages_per_buffer, 8, 4);
	FIELD(mshv_trace_config, buffers_threshold, 12, 4);
	FIELD(mshv_trace_config, time_basis, 16, 8);
	FIELD(mshv_trace_config, system_time, 24, 8);
}

#ifdef MSHV_UAPI_TEST_INJECT_FAILURE
#ifndef MSHV_UAPI_TEST_RUNTIME_ONLY
#error "MSHV_UAPI_TEST_INJECT_FAILURE needs MSHV_UAPI_TEST_RUNTIME_ONLY"
#endif
/* Proves that a wrong expectation is reported: this group must fail */
static void test_injected_failure(void)
{
	STRUCT_SIZE(mshv_run_vp, 255);
}
#endif

/* ------------------------------------------------------------------------ */

struct test_group {
	const char *name;
	void (*run)(void);
};

static const struct test_group groups[] = {
	{ "constants: magics and limits", test_misc_constants },
	{ "constants: MSHV_PT_BIT_*", test_partition_flags },
	{ "constants: MSHV_PT_ISOLATION_*", test_isolation },
	{ "constants: region, irqfd and ioeventfd flag bits",
	  test_region_and_eventfd_flags },
	{ "constants: MSHV_GPAP_ACCESS_*", test_gpap_constants },
	{ "constants: VP mmap offsets and VP state types", test_vp_constants },
	{ "constants: devices", test_device_constants },
	{ "constants: SEV-SNP", test_snp_constants },
	{ "constants: VTL capability bits", test_vtl_constants },
	{ "ioctls: system fd", test_ioctls_system_fd },
	{ "ioctls: partition fd", test_ioctls_partition_fd },
	{ "ioctls: VP fd", test_ioctls_vp_fd },
	{ "ioctls: device fd", test_ioctls_device_fd },
	{ "ioctls: cross-fd and argument-size facts",
	  test_ioctl_cross_fd_facts },
	{ "struct mshv_create_partition", test_create_partition },
	{ "struct mshv_create_partition_v2", test_create_partition_v2 },
	{ "struct mshv_partition_property", test_partition_property },
	{ "struct mshv_create_vp", test_create_vp },
	{ "struct mshv_user_mem_region", test_user_mem_region },
	{ "struct mshv_user_irqfd", test_user_irqfd },
	{ "struct mshv_user_ioeventfd", test_user_ioeventfd },
	{ "struct mshv_user_irq_entry", test_user_irq_entry },
	{ "struct mshv_user_irq_table", test_user_irq_table },
	{ "struct mshv_gpap_access_bitmap", test_gpap_access_bitmap },
	{ "struct mshv_root_hvcall", test_root_hvcall },
	{ "struct mshv_run_vp", test_run_vp },
	{ "struct mshv_get_set_vp_state", test_get_set_vp_state },
	{ "struct mshv_create_device", test_create_device },
	{ "struct mshv_device_attr", test_device_attr },
	{ "struct mshv_translate_gva", test_translate_gva },
	{ "struct mshv_modify_gpa_host_access", test_modify_gpa_host_access },
	{ "struct mshv_import_isolated_pages", test_import_isolated_pages },
	{ "struct mshv_complete_isolated_import",
	  test_complete_isolated_import },
	{ "struct mshv_issue_psp_guest_request, mshv_sev_snp_ap_create",
	  test_psp_and_ap_create },
	{ "struct mshv_vp_registers", test_vp_registers },
	{ "struct mshv_install_intercept", test_install_intercept },
	{ "struct mshv_assert_interrupt", test_assert_interrupt },
	{ "struct mshv_register_intercept_result",
	  test_register_intercept_result },
	{ "struct mshv_signal_event_direct", test_signal_event_direct },
	{ "struct mshv_post_message_direct", test_post_message_direct },
	{ "struct mshv_register_deliverabilty_notifications",
	  test_register_deliverability_notifications },
	{ "struct mshv_get_vp_cpuid_values", test_get_vp_cpuid_values },
	{ "struct mshv_read_write_gpa", test_read_write_gpa },
	{ "struct mshv_vtl_capabilities", test_vtl_capabilities },
	{ "struct mshv_trace_config", test_trace_config },
#ifdef MSHV_UAPI_TEST_INJECT_FAILURE
	{ "injected failure (must fail)", test_injected_failure },
#endif
};

int main(void)
{
	unsigned int i;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(groups));

	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		group_checks = 0;
		group_fails = 0;
		groups[i].run();
		if (!group_checks) {
			ksft_print_msg("group made no check\n");
			group_fails = 1;
		}
		ksft_test_result(!group_fails, "%s (%u checks)\n",
				 groups[i].name, group_checks);
	}

	ksft_print_msg("%u checks in %u groups\n", total_checks,
		       (unsigned int)ARRAY_SIZE(groups));
	ksft_print_cnts();
	printf("%d passed, %d failed\n", ksft_get_pass_cnt(),
	       ksft_get_fail_cnt());
	return ksft_get_fail_cnt() ? KSFT_FAIL : KSFT_PASS;
}
