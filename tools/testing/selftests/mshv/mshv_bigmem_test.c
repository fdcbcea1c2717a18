// SPDX-License-Identifier: GPL-2.0
/*
 * An 8 GiB MAP_NORESERVE guest memory region, mapped and unmapped (the
 * rust-vmm crate's own tests map 8 GiB).  Pinning touches every page, so
 * this needs more than 8 GiB of memory: "make check" runs it in a rig
 * booted with 10 GiB; elsewhere it skips.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>

#include "kselftest_harness.h"
#include "mshv_util.h"

#define SZ_8G	(8ULL << 30)

FIXTURE(bigmem) {};
FIXTURE_SETUP(bigmem) {}
FIXTURE_TEARDOWN(bigmem) {}

/* Faulting in and pinning 8 GiB under KASAN takes a while. */
TEST_F_TIMEOUT(bigmem, map_8gib_noreserve, 900)
{
	struct hvsim_stats before, during, after;
	bool on_hvsim = hvsim_stats(&before);
	struct sysinfo si;
	int sys_fd, pt;
	void *mem;

	ASSERT_EQ(0, sysinfo(&si));
	if ((unsigned long long)si.totalram * si.mem_unit < SZ_8G + (1ULL << 30))
		SKIP(return, "needs more than 9 GiB of memory");

	sys_fd = open("/dev/mshv", O_RDWR | O_CLOEXEC);
	ASSERT_GE(sys_fd, 0);
	pt = create_partition(sys_fd, true);
	ASSERT_GE(pt, 0);
	mem = mmap(NULL, SZ_8G, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);

	ASSERT_EQ(0, set_memory(pt, 1ULL << 20, mem, SZ_8G, MEM_RW))
		TH_LOG("map 8 GiB: %s", strerror(errno));
	if (on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&during));
		EXPECT_EQ(before.mapped4k + (long)(SZ_8G / HV_PAGE),
			  during.mapped4k + 512 * (during.mapped2m - before.mapped2m));
	}
	ASSERT_EQ(0, set_memory(pt, 1ULL << 20, mem, SZ_8G, MEM_UNMAP));
	if (on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&after));
		EXPECT_EQ(before.mapped4k, after.mapped4k);
		EXPECT_EQ(before.mapped2m, after.mapped2m);
	}
	close(pt);
	close(sys_fd);
	munmap(mem, SZ_8G);
}

TEST_HARNESS_MAIN
