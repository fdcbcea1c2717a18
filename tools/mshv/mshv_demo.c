// SPDX-License-Identifier: GPL-2.0
/*
 * mshv_demo: a minimal VMM written against <linux/mshv.h> alone.
 *
 * It opens /dev/mshv the way cloud-hypervisor does, creates one partition
 * with the 16-byte v1 argument and one with the 64-byte v2 argument
 * (feature banks), initializes them, and tears them down again.  Later
 * stages of the project grow it into a VMM that boots a guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/mshv.h>

#define PT_BIT(b)	(1ULL << (b))

static int fail(const char *what)
{
	fprintf(stderr, "mshv_demo: %s: %s\n", what, strerror(errno));
	return 1;
}

static int make_partition(int sys_fd, void *arg, const char *kind)
{
	int pt;

	do {
		pt = ioctl(sys_fd, MSHV_CREATE_PARTITION, arg);
	} while (pt < 0 && errno == EINTR);	/* as cloud-hypervisor does */
	if (pt < 0)
		return fail(kind);
	printf("mshv_demo: created a partition (%s argument): fd %d\n", kind, pt);
	if (ioctl(pt, MSHV_INITIALIZE_PARTITION))
		return fail("MSHV_INITIALIZE_PARTITION");
	printf("mshv_demo: initialized it\n");
	close(pt);
	printf("mshv_demo: closed it; the driver deleted it and took its memory back\n");
	return 0;
}

int main(void)
{
	struct mshv_create_partition v1 = {
		.pt_flags = PT_BIT(MSHV_PT_BIT_LAPIC) | PT_BIT(MSHV_PT_BIT_X2APIC),
		.pt_isolation = MSHV_PT_ISOLATION_NONE,
	};
	struct mshv_create_partition_v2 v2 = {
		.pt_flags = PT_BIT(MSHV_PT_BIT_LAPIC) | PT_BIT(MSHV_PT_BIT_X2APIC) |
			    PT_BIT(MSHV_PT_BIT_GPA_SUPER_PAGES) |
			    PT_BIT(MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES),
		.pt_isolation = MSHV_PT_ISOLATION_NONE,
		.pt_num_cpu_fbanks = MSHV_NUM_CPU_FEATURES_BANKS,
		/* Bank 0 bit 63 is reserved: always "disabled". */
		.pt_cpu_fbanks = { 1ULL << 63, 0 },
		/* Offer x87/SSE/AVX/AVX2/FMA/XSAVEC/supervisor state only. */
		.pt_disabled_xsave = 0xFFFFFFFFFFFFE7E0ULL,
	};
	int sys_fd;

	sys_fd = open("/dev/mshv", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (sys_fd < 0)
		return fail("open /dev/mshv");
	printf("mshv_demo: opened /dev/mshv\n");
	if (make_partition(sys_fd, &v1, "v1") ||
	    make_partition(sys_fd, &v2, "v2 with feature banks"))
		return 1;
	close(sys_fd);
	printf("mshv_demo: done\n");
	return 0;
}
