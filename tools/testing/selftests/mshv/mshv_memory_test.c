// SPDX-License-Identifier: GPL-2.0
/*
 * MSHV_SET_GUEST_MEMORY and MSHV_GET_GPAP_ACCESS_BITMAP through /dev/mshv.
 * Checks against hvsim's bookkeeping run only on hvsim.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "mshv_util.h"

#define SZ_2M		(2ULL << 20)
#define PAGES_2M	512

/* The driver's own view of a region: entries/large/metadata by gfn. */
static bool region_info(uint64_t pt_id, uint64_t gfn, long *entries, long *large,
			long *metadata)
{
	char path[256], line[256];
	unsigned long long g;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), MSHV_DEBUGFS "/partition-%lx/regions", pt_id);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "gfn %llx pages %*u %*s entries %ld large %ld metadata %ld",
			   &g, entries, large, metadata) == 4 && g == gfn) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

static void *map_anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* 2 MiB-aligned memory backed by 2 MiB folios: hvsim's device, or hugetlb. */
static void *map_huge(size_t size, int *fd)
{
	void *p;

	*fd = open("/dev/hvsim_hugemem", O_RDWR);
	if (*fd >= 0) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

FIXTURE(mem) {
	int sys_fd;
	int pt;
	uint64_t pt_id;
	bool on_hvsim;
	struct hvsim_stats before;
	char *buf;
	size_t buf_size;
};

FIXTURE_SETUP(mem)
{
	self->on_hvsim = hvsim_stats(&self->before);
	self->sys_fd = open("/dev/mshv", O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->sys_fd, 0);
	self->pt = create_partition(self->sys_fd, true);
	ASSERT_GE(self->pt, 0) TH_LOG("create: %s", strerror(errno));
	self->pt_id = hvsim_newest_partition();
	self->buf_size = 64 * HV_PAGE;
	self->buf = map_anon(self->buf_size, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, self->buf);
	memset(self->buf, 0x11, self->buf_size);
}

FIXTURE_TEARDOWN(mem)
{
	struct hvsim_stats after;

	close(self->pt);
	close(self->sys_fd);
	munmap(self->buf, self->buf_size);
	if (self->on_hvsim && hvsim_stats(&after)) {
		EXPECT_EQ(self->before.partitions, after.partitions);
		EXPECT_EQ(self->before.child_deposited, after.child_deposited);
		EXPECT_EQ(self->before.mapped4k, after.mapped4k);
		EXPECT_EQ(self->before.mapped2m, after.mapped2m);
	}
}

TEST_F(mem, map_unmap)
{
	struct hvsim_stats s;

	ASSERT_EQ(0, set_memory(self->pt, 0x100, self->buf, self->buf_size, MEM_RW));
	if (self->on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&s));
		EXPECT_EQ(self->before.mapped4k + 64, s.mapped4k);
	}
	ASSERT_EQ(0, set_memory(self->pt, 0x100, self->buf, self->buf_size, MEM_UNMAP));
	if (self->on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&s));
		EXPECT_EQ(self->before.mapped4k, s.mapped4k);
	}
	/* Gone: a second unmap finds nothing. */
	errno = 0;
	EXPECT_EQ(-1, set_memory(self->pt, 0x100, self->buf, self->buf_size, MEM_UNMAP));
	EXPECT_EQ(EINVAL, errno);
}

static void expect_set_memory_fails(struct __test_metadata *_metadata, int pt,
				    struct mshv_user_mem_region *r, int err,
				    const char *what)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(pt, MSHV_SET_GUEST_MEMORY, r)) TH_LOG("%s", what);
	EXPECT_EQ(err, errno) TH_LOG("%s: %s", what, strerror(errno));
}

TEST_F(mem, invalid_fields)
{
	struct mshv_user_mem_region good = {
		.size = self->buf_size, .guest_pfn = 0x100,
		.userspace_addr = (uintptr_t)self->buf, .flags = MEM_RW,
	}, r;
	struct hvsim_stats s;
	unsigned int i;

	r = good; r.size = 0;
	expect_set_memory_fails(_metadata, self->pt, &r, EINVAL, "size 0");
	r = good; r.size = 100;
	expect_set_memory_fails(_metadata, self->pt, &r, EINVAL, "size unaligned");
	r = good; r.userspace_addr += 8;
	expect_set_memory_fails(_metadata, self->pt, &r, EINVAL, "address unaligned");
	for (i = MSHV_SET_MEM_BIT_COUNT; i < 8; i++) {
		r = good; r.flags |= 1 << i;
		expect_set_memory_fails(_metadata, self->pt, &r, EINVAL, "unknown flag");
	}
	for (i = 0; i < sizeof(r.rsvd); i++) {
		r = good; r.rsvd[i] = 1;
		expect_set_memory_fails(_metadata, self->pt, &r, EINVAL, "rsvd");
	}
	r = good; r.guest_pfn = ~0ULL - 3;
	expect_set_memory_fails(_metadata, self->pt, &r, EINVAL, "gfn overflow");
	r = good; r.userspace_addr = ~0ULL & ~(HV_PAGE - 1);
	expect_set_memory_fails(_metadata, self->pt, &r, EINVAL, "address overflow");
	r = good; r.userspace_addr = 0x10000;	/* no mapping there */
	expect_set_memory_fails(_metadata, self->pt, &r, EINVAL, "no vma");
	r = good; r.userspace_addr = 0xffff800000000000ULL;
	expect_set_memory_fails(_metadata, self->pt, &r, EFAULT, "kernel address");
	expect_set_memory_fails(_metadata, self->pt, NULL, EFAULT, "NULL argument");

	if (self->on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&s));
		EXPECT_EQ(self->before.mapped4k, s.mapped4k);
	}
}

TEST_F(mem, hole_in_the_middle_leaves_nothing)
{
	struct hvsim_stats s;

	/* Pinning fails at the hole; what was pinned before is released. */
	ASSERT_EQ(0, munmap(self->buf + 32 * HV_PAGE, HV_PAGE));
	errno = 0;
	EXPECT_EQ(-1, set_memory(self->pt, 0x100, self->buf, self->buf_size, MEM_RW));
	EXPECT_EQ(EFAULT, errno);
	if (self->on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&s));
		EXPECT_EQ(self->before.mapped4k, s.mapped4k);
	}
	/* And the same memory, without the hole, maps fine afterwards. */
	EXPECT_EQ(0, set_memory(self->pt, 0x100, self->buf, 32 * HV_PAGE, MEM_RW));
}

TEST_F(mem, needs_initialized_partition)
{
	int pt = create_partition(self->sys_fd, false);

	ASSERT_GE(pt, 0);
	errno = 0;
	EXPECT_EQ(-1, set_memory(pt, 0, self->buf, HV_PAGE, MEM_RW));
	EXPECT_EQ(EINVAL, errno);
	close(pt);
}

TEST_F(mem, overlaps)
{
	char *b = self->buf;
	const uint64_t P = HV_PAGE;

	/* Region A: gfn [0x100, 0x110), memory [b, b + 16 pages). */
	ASSERT_EQ(0, set_memory(self->pt, 0x100, b, 16 * P, MEM_RW));

	/* Guest range overlaps, in every way, with other memory. */
	errno = 0;
	EXPECT_EQ(-1, set_memory(self->pt, 0x10f, b + 32 * P, 4 * P, MEM_RW));
	EXPECT_EQ(EEXIST, errno) TH_LOG("overlapping A's end");
	EXPECT_EQ(-1, set_memory(self->pt, 0xfe, b + 32 * P, 4 * P, MEM_RW));
	EXPECT_EQ(EEXIST, errno) TH_LOG("overlapping A's start");
	EXPECT_EQ(-1, set_memory(self->pt, 0x104, b + 32 * P, 2 * P, MEM_RW));
	EXPECT_EQ(EEXIST, errno) TH_LOG("inside A");
	EXPECT_EQ(-1, set_memory(self->pt, 0xf0, b + 32 * P, 32 * P, MEM_RW));
	EXPECT_EQ(EEXIST, errno) TH_LOG("containing A");
	/* Same memory at another guest address. */
	EXPECT_EQ(-1, set_memory(self->pt, 0x400, b + 8 * P, 16 * P, MEM_RW));
	EXPECT_EQ(EEXIST, errno) TH_LOG("memory overlapping A's");

	/* Adjacent in both spaces is fine. */
	EXPECT_EQ(0, set_memory(self->pt, 0x110, b + 16 * P, 16 * P, MEM_RW));
	EXPECT_EQ(0, set_memory(self->pt, 0xf0, b + 32 * P, 16 * P, MEM_RW));

	/* Unmap must match a region exactly. */
	EXPECT_EQ(-1, set_memory(self->pt, 0x100, b, 8 * P, MEM_UNMAP));
	EXPECT_EQ(EINVAL, errno) TH_LOG("unmap with the wrong size");
	EXPECT_EQ(-1, set_memory(self->pt, 0x100, b + P, 16 * P, MEM_UNMAP));
	EXPECT_EQ(EINVAL, errno) TH_LOG("unmap with the wrong address");
	EXPECT_EQ(-1, set_memory(self->pt, 0x101, b + P, 15 * P, MEM_UNMAP));
	EXPECT_EQ(EINVAL, errno) TH_LOG("unmap from inside a region");
	EXPECT_EQ(-1, set_memory(self->pt, 0x900, b, 16 * P, MEM_UNMAP));
	EXPECT_EQ(EINVAL, errno) TH_LOG("unmap of nothing");

	EXPECT_EQ(0, set_memory(self->pt, 0x100, b, 16 * P, MEM_UNMAP));
	EXPECT_EQ(0, set_memory(self->pt, 0x110, b + 16 * P, 16 * P, MEM_UNMAP));
	/* Closing the partition releases the last one. */
}

TEST_F(mem, read_only_memory)
{
	char *ro = map_anon(4 * HV_PAGE, PROT_READ);

	ASSERT_NE(NULL, ro);
	/* A ROM-like region needs no write access to the backing. */
	EXPECT_EQ(0, set_memory(self->pt, 0xf0, ro, 4 * HV_PAGE,
				1 << MSHV_SET_MEM_BIT_EXECUTABLE));
	/* A writable guest mapping of read-only memory cannot be pinned. */
	errno = 0;
	EXPECT_EQ(-1, set_memory(self->pt, 0x200, ro, 4 * HV_PAGE, MEM_RW));
	EXPECT_TRUE(errno == EFAULT || errno == EEXIST) TH_LOG("%s", strerror(errno));
	close(self->pt);
	self->pt = create_partition(self->sys_fd, true);
	ASSERT_GE(self->pt, 0);
	munmap(ro, 4 * HV_PAGE);
}

TEST_F(mem, large_pages)
{
	long entries, large, metadata;
	struct hvsim_stats s;
	size_t size = 8 * SZ_2M;
	int fd = -1;
	char *huge;

	huge = map_huge(size, &fd);
	if (!huge)
		SKIP(return, "no 2 MiB-folio memory (hvsim_hugemem or hugetlb)");
	memset(huge, 0x22, size);

	/* Aligned: four 2 MiB pages. */
	ASSERT_EQ(0, set_memory(self->pt, 0, huge, 4 * SZ_2M, MEM_RW));
	if (self->on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&s));
		EXPECT_EQ(self->before.mapped2m + 4, s.mapped2m);
		EXPECT_EQ(self->before.mapped4k, s.mapped4k);
		ASSERT_TRUE(region_info(self->pt_id, 0, &entries, &large, &metadata));
		EXPECT_EQ(4, entries);
		EXPECT_EQ(4, large);
	}

	/*
	 * Mixed: 6 MiB at guest 9 MiB, from 1 MiB into the second half of the
	 * buffer.  [9M, 10M) and [14M, 15M) are not whole 2 MiB chunks (4 KiB
	 * pages), [10M, 14M) are two large pages.
	 */
	ASSERT_EQ(0, set_memory(self->pt, 9 * 256, huge + 4 * SZ_2M + SZ_2M / 2,
				6 << 20, MEM_RW));
	if (self->on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&s));
		EXPECT_EQ(self->before.mapped2m + 6, s.mapped2m);
		EXPECT_EQ(self->before.mapped4k + 512, s.mapped4k);
		ASSERT_TRUE(region_info(self->pt_id, 9 * 256, &entries, &large, &metadata));
		EXPECT_EQ(514, entries);
		EXPECT_EQ(2, large);
	}

	/* Guest-misaligned by 4 KiB: no large page can be used. */
	ASSERT_EQ(0, set_memory(self->pt, 0, huge, 4 * SZ_2M, MEM_UNMAP));
	ASSERT_EQ(0, set_memory(self->pt, 1, huge, 2 * SZ_2M, MEM_RW));
	if (self->on_hvsim) {
		ASSERT_TRUE(region_info(self->pt_id, 1, &entries, &large, &metadata));
		EXPECT_EQ(1024, entries);
		EXPECT_EQ(0, large);
	}
	close(self->pt);
	self->pt = create_partition(self->sys_fd, true);
	ASSERT_GE(self->pt, 0);
	munmap(huge, size);
	if (fd >= 0)
		close(fd);
}

TEST_F(mem, mmio_region)
{
	struct hvsim_stats s;
	int fd = open("/dev/hvsim_mmio", O_RDWR);
	void *bar;

	if (fd < 0)
		SKIP(return, "no device memory to map (hvsim_mmio)");
	bar = mmap(NULL, 16 * HV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, bar);
	ASSERT_EQ(0, set_memory(self->pt, 0xfe000, bar, 16 * HV_PAGE, MEM_RW));
	if (self->on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&s));
		EXPECT_EQ(self->before.mapped4k + 16, s.mapped4k);
	}
	/* Device memory overlapping it in guest space is refused. */
	errno = 0;
	EXPECT_EQ(-1, set_memory(self->pt, 0xfe008, self->buf, 16 * HV_PAGE, MEM_RW));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(0, set_memory(self->pt, 0xfe000, bar, 16 * HV_PAGE, MEM_UNMAP));
	munmap(bar, 16 * HV_PAGE);
	close(fd);
}

/* ------------------------------------------------- dirty tracking ---- */

static int bitmap(int pt, uint8_t type, uint8_t op, uint64_t gfn, uint64_t count,
		  void *bits)
{
	struct mshv_gpap_access_bitmap a = {
		.access_type = type, .access_op = op, .page_count = count,
		.gpap_base = gfn, .bitmap_ptr = (uintptr_t)bits,
	};

	return ioctl(pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a);
}

static int touch(uint64_t pt_id, uint64_t gfn, uint64_t count, bool write)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "partition=%#lx gfn=%#lx count=%lu write=%d",
		 pt_id, gfn, count, write);
	return hvsim_ctl("touch", cmd);
}

TEST_F(mem, dirty_tracking)
{
	const uint64_t base = 0x100, n = 61;	/* not a multiple of 8 */
	uint8_t bits[16], again[16], zero[16] = { 0 };
	unsigned int i;

	if (!self->on_hvsim)
		SKIP(return, "needs hvsim to touch guest pages");
	ASSERT_EQ(0, set_memory(self->pt, base, self->buf, 64 * HV_PAGE, MEM_RW));
	ASSERT_EQ(0, set_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 1, NULL));

	/* Start clean. */
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_DIRTY,
			    MSHV_GPAP_ACCESS_OP_CLEAR, base, 64, bits));
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_ACCESSED,
			    MSHV_GPAP_ACCESS_OP_CLEAR, base, 64, bits));

	ASSERT_EQ(0, touch(self->pt_id, base + 0, 1, true));
	ASSERT_EQ(0, touch(self->pt_id, base + 5, 1, true));
	ASSERT_EQ(0, touch(self->pt_id, base + 60, 1, true));
	ASSERT_EQ(0, touch(self->pt_id, base + 9, 2, false));

	/* NOOP reads exactly the touched pages, twice the same. */
	memset(bits, 0xff, sizeof(bits));
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_DIRTY,
			    MSHV_GPAP_ACCESS_OP_NOOP, base, n, bits));
	EXPECT_EQ(0x21, bits[0]);			/* pages 0 and 5 */
	for (i = 1; i < 7; i++)
		EXPECT_EQ(0, bits[i]) TH_LOG("byte %u", i);
	EXPECT_EQ(0x10, bits[7]);			/* page 60; 61-63 zero */
	EXPECT_EQ(0xff, bits[8]);			/* not written */
	memset(again, 0xff, sizeof(again));
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_DIRTY,
			    MSHV_GPAP_ACCESS_OP_NOOP, base, n, again));
	EXPECT_EQ(0, memcmp(bits, again, 8));

	/* Accessed: written and read pages. */
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_ACCESSED,
			    MSHV_GPAP_ACCESS_OP_NOOP, base, n, bits));
	EXPECT_EQ(0x21, bits[0]);
	EXPECT_EQ(0x06, bits[1]);			/* pages 9 and 10 */

	/* CLEAR returns the state before clearing, then it is clean. */
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_DIRTY,
			    MSHV_GPAP_ACCESS_OP_CLEAR, base, n, bits));
	EXPECT_EQ(0x21, bits[0]);
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_DIRTY,
			    MSHV_GPAP_ACCESS_OP_NOOP, base, n, bits));
	EXPECT_EQ(0, memcmp(bits, zero, 8));

	/* SET marks every page dirty (as VMMs do before disabling tracking). */
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_DIRTY,
			    MSHV_GPAP_ACCESS_OP_SET, base, 64, bits));
	EXPECT_EQ(0, memcmp(bits, zero, 8));
	ASSERT_EQ(0, bitmap(self->pt, MSHV_GPAP_ACCESS_TYPE_DIRTY,
			    MSHV_GPAP_ACCESS_OP_NOOP, base, 64, bits));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0xff, bits[i]);
	ASSERT_EQ(0, set_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 0, NULL));
}

TEST_F(mem, bitmap_invalid_fields)
{
	struct mshv_gpap_access_bitmap good = {
		.access_type = MSHV_GPAP_ACCESS_TYPE_DIRTY,
		.access_op = MSHV_GPAP_ACCESS_OP_NOOP,
		.page_count = 8, .gpap_base = 0x100,
		.bitmap_ptr = (uintptr_t)self->buf,
	}, a;
	unsigned int i;

	a = good; a.access_type = MSHV_GPAP_ACCESS_TYPE_COUNT;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a));
	EXPECT_EQ(EINVAL, errno);
	a = good; a.access_op = MSHV_GPAP_ACCESS_OP_COUNT;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a));
	EXPECT_EQ(EINVAL, errno);
	for (i = 0; i < sizeof(a.rsvd); i++) {
		a = good; a.rsvd[i] = 1;
		EXPECT_EQ(-1, ioctl(self->pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a));
		EXPECT_EQ(EINVAL, errno);
	}
	a = good; a.page_count = 0;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a));
	EXPECT_EQ(EINVAL, errno);
	a = good; a.bitmap_ptr = 0;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a));
	EXPECT_EQ(EINVAL, errno);
	a = good; a.gpap_base = ~0ULL - 2;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a));
	EXPECT_EQ(E2BIG, errno);
	a = good; a.page_count = ~0ULL;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a));
	EXPECT_EQ(E2BIG, errno);
	a = good; a.bitmap_ptr = 0xffff800000000000ULL;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_GET_GPAP_ACCESS_BITMAP, &a));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
