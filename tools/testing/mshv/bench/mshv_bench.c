// SPDX-License-Identifier: GPL-2.0
/*
 * mshv_bench: guest-memory mapping costs, run inside the rig by "make bench".
 *
 * For 1 GiB of guest memory backed by 4 KiB pages and by 2 MiB folios it
 * prints the hypercalls MSHV_SET_GUEST_MEMORY issued (from hvsim's
 * counters), the bytes of region metadata the driver keeps (from its
 * debugfs), and the time of the map and unmap ioctls next to the time of
 * bare long-term pinning of the same memory in the same boot (io_uring
 * fixed-buffer registration, which pins with FOLL_LONGTERM and nothing
 * else).  Absolute times in the rig include KASAN and lockdep; compare the
 * ratios.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <linux/mshv.h>

#define GIB		(1024ULL * 1024 * 1024)
#define SZ_2M		(2ULL << 20)
#define ROUNDS		3

struct counters {
	unsigned long long calls[0x200];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void read_counters(struct counters *c)
{
	FILE *f = fopen("/sys/kernel/debug/hvsim/hypercalls", "r");
	unsigned int code;
	unsigned long long calls;
	char line[256];

	memset(c, 0, sizeof(*c));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%x %*s %llu", &code, &calls) == 2 && code < 0x200)
			c->calls[code] = calls;
	fclose(f);
}

static long region_metadata(void)
{
	FILE *p = popen("cat /sys/kernel/debug/mshv_root/partition-*/regions 2>/dev/null",
			"r");
	char line[256];
	long total = -1, n;

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "regions %*u metadata %ld", &n) == 1)
			total = n;
	pclose(p);
	return total;
}

static int set_memory(int pt, void *addr, uint64_t size, uint8_t flags)
{
	struct mshv_user_mem_region r = {
		.size = size, .guest_pfn = 0x100000,
		.userspace_addr = (uintptr_t)addr, .flags = flags,
	};

	return ioctl(pt, MSHV_SET_GUEST_MEMORY, &r);
}

/* Bare long-term pinning: register @addr as an io_uring fixed buffer. */
static double bare_pin_ms(void *addr, uint64_t size)
{
	struct io_uring_params p = { 0 };
	struct iovec iov = { .iov_base = addr, .iov_len = size };
	double t;
	int ring;

	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return -1;
	t = now_ms();
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1)) {
		close(ring);
		return -1;
	}
	syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
	t = now_ms() - t;
	close(ring);
	return t;
}

static void bench(int sys_fd, const char *what, void *mem)
{
	double map_ms = 1e30, unmap_ms = 1e30, pin_ms = 1e30, t;
	struct counters before, after;
	unsigned long long map_calls = 0, deposit_calls = 0, unmap_calls = 0;
	long metadata = -1;
	int round, pt;

	memset(mem, 0x5a, GIB);		/* fault everything in first */
	for (round = 0; round < ROUNDS; round++) {
		struct mshv_create_partition v1 = {
			.pt_flags = 1ULL << MSHV_PT_BIT_GPA_SUPER_PAGES,
		};

		pt = ioctl(sys_fd, MSHV_CREATE_PARTITION, &v1);
		if (pt < 0 || ioctl(pt, MSHV_INITIALIZE_PARTITION)) {
			perror("mshv_bench: partition");
			exit(1);
		}
		read_counters(&before);
		t = now_ms();
		if (set_memory(pt, mem, GIB, 3)) {
			perror("mshv_bench: MSHV_SET_GUEST_MEMORY");
			exit(1);
		}
		t = now_ms() - t;
		map_ms = t < map_ms ? t : map_ms;
		read_counters(&after);
		map_calls = after.calls[0x4b] - before.calls[0x4b];
		deposit_calls = after.calls[0x48] - before.calls[0x48];
		metadata = region_metadata();

		read_counters(&before);
		t = now_ms();
		if (set_memory(pt, mem, GIB, 1 << MSHV_SET_MEM_BIT_UNMAP)) {
			perror("mshv_bench: unmap");
			exit(1);
		}
		t = now_ms() - t;
		unmap_ms = t < unmap_ms ? t : unmap_ms;
		read_counters(&after);
		unmap_calls = after.calls[0x4c] - before.calls[0x4c];
		close(pt);

		t = bare_pin_ms(mem, GIB);
		if (t >= 0 && t < pin_ms)
			pin_ms = t;
	}

	printf("%-28s MAP_GPA_PAGES %5llu  DEPOSIT_MEMORY %3llu  UNMAP_GPA_PAGES %4llu\n",
	       what, map_calls, deposit_calls, unmap_calls);
	printf("%-28s region metadata %ld bytes (%.1f bytes per 2 MiB)\n", "",
	       metadata, metadata * (double)SZ_2M / GIB);
	if (pin_ms < 1e30)
		printf("%-28s map %.1f ms, unmap %.1f ms, bare pin+unpin %.1f ms: map = %.2f x bare pinning\n",
		       "", map_ms, unmap_ms, pin_ms, map_ms / pin_ms);
	else
		printf("%-28s map %.1f ms, unmap %.1f ms (no io_uring for a bare-pinning baseline)\n",
		       "", map_ms, unmap_ms);
}

int main(void)
{
	int sys_fd = open("/dev/mshv", O_RDWR | O_CLOEXEC);
	void *small, *huge;
	int hfd;

	if (sys_fd < 0) {
		perror("mshv_bench: /dev/mshv");
		return 1;
	}
	small = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (small == MAP_FAILED) {
		perror("mshv_bench: mmap");
		return 1;
	}
	madvise(small, GIB, MADV_NOHUGEPAGE);
	printf("mshv_bench: 1 GiB of guest memory, best of %d rounds\n", ROUNDS);
	bench(sys_fd, "4 KiB pages:", small);
	munmap(small, GIB);

	hfd = open("/dev/hvsim_hugemem", O_RDWR);
	if (hfd >= 0)
		huge = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
	else
		huge = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (huge == MAP_FAILED) {
		printf("mshv_bench: no 2 MiB-folio memory, skipping the large-page run\n");
		return 0;
	}
	bench(sys_fd, "2 MiB folios:", huge);
	munmap(huge, GIB);
	return 0;
}
