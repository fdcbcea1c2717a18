/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the mshv selftests: partition setup, MSHV_ROOT_HVCALL,
 * and hvsim's debugfs bookkeeping (absent on a real root partition, where
 * the checks that need it are skipped).
 */
#ifndef _MSHV_SELFTEST_UTIL_H
#define _MSHV_SELFTEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/mshv.h>

#define HVSIM_DEBUGFS		"/sys/kernel/debug/hvsim"
#define MSHV_DEBUGFS		"/sys/kernel/debug/mshv_root"

#define PT_BIT(b)		(1ULL << (b))
#define HV_PAGE			4096ULL
#define HV_PARTITION_ID_SELF	(~0ULL)

/* Hypercall codes and statuses the tests pass through (hv-abi.md). */
#define HVCALL_GET_PARTITION_PROPERTY		0x0044
#define HVCALL_SET_PARTITION_PROPERTY		0x0045
#define HVCALL_SCRUB_PARTITION			0x008d
#define HVCALL_GET_GPA_PAGES_ACCESS_STATES	0x00c9
#define HVCALL_GET_PARTITION_PROPERTY_EX	0x0101
#define HVCALL_MAP_GPA_PAGES			0x004b

#define HV_STATUS_SUCCESS			0x0000
#define HV_STATUS_INVALID_PARTITION_STATE	0x0007
#define HV_STATUS_UNKNOWN_PROPERTY		0x0009
#define HV_STATUS_INSUFFICIENT_MEMORY		0x000b

#define HV_PROP_PRIVILEGE_FLAGS			0x00010000
#define HV_PROP_SYNTHETIC_PROC_FEATURES		0x00010001
#define HV_PROP_GPA_PAGE_ACCESS_TRACKING	0x00050005
#define HV_PROP_PROCESSOR_FEATURES0		0x0006000a
#define HV_PROP_ASSIGNABLE_SYNTHETIC_PROC_FEATURES 0x00090009

struct hvsim_stats {
	long partitions;
	long root_deposited;
	long child_deposited;	/* summed over partitions */
	long mapped4k;		/* summed over partitions */
	long mapped2m;
};

/* Returns false when not running on hvsim. */
static inline bool hvsim_stats(struct hvsim_stats *s)
{
	char line[512], *p;
	long a, b;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen(HVSIM_DEBUGFS "/partitions", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "partitions %ld", &a) == 1) {
			s->partitions = a;
		} else if (sscanf(line, "root_pool deposited %ld used %ld", &a, &b) == 2) {
			s->root_deposited = a;
		} else if (sscanf(line, "partition %*x state %*d deposited %ld", &a) == 1) {
			s->child_deposited += a;
			p = strstr(line, "mapped4k ");
			if (p && sscanf(p, "mapped4k %ld mapped2m %ld", &a, &b) == 2) {
				s->mapped4k += a;
				s->mapped2m += b;
			}
		}
	}
	fclose(f);
	return true;
}

/* Write a command to one of hvsim's debugfs control files. */
static inline int hvsim_ctl(const char *file, const char *cmd)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), HVSIM_DEBUGFS "/%s", file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, cmd, strlen(cmd)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static inline int create_partition(int sys_fd, bool initialize)
{
	struct mshv_create_partition v1 = {
		.pt_flags = PT_BIT(MSHV_PT_BIT_LAPIC) |
			    PT_BIT(MSHV_PT_BIT_GPA_SUPER_PAGES),
	};
	int pt = ioctl(sys_fd, MSHV_CREATE_PARTITION, &v1);

	if (pt >= 0 && initialize && ioctl(pt, MSHV_INITIALIZE_PARTITION)) {
		close(pt);
		return -1;
	}
	return pt;
}

/* hvsim's id of the most recently created partition; 0 if not on hvsim. */
static inline uint64_t hvsim_newest_partition(void)
{
	char line[512];
	uint64_t id, max = 0;
	FILE *f = fopen(HVSIM_DEBUGFS "/partitions", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "partition %lx", &id) == 1 && id > max)
			max = id;
	fclose(f);
	return max;
}

static inline int create_vp(int pt, uint32_t index)
{
	struct mshv_create_vp vp = { .vp_index = index };

	return ioctl(pt, MSHV_CREATE_VP, &vp);
}

static inline double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Sleeps the whole time, through signals (the tests send SIGUSR1 around). */
static inline void sleep_us(long us)
{
	struct timespec t = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

static inline void sleep_ms(long ms)
{
	sleep_us(ms * 1000);
}

/*
 * MSHV_ROOT_HVCALL; returns the ioctl result and leaves the written-back
 * status/reps in *call.
 */
static inline int root_hvcall(int fd, struct mshv_root_hvcall *call, uint16_t code,
			      uint16_t reps, void *in, uint16_t in_sz,
			      void *out, uint16_t out_sz)
{
	memset(call, 0, sizeof(*call));
	call->code = code;
	call->reps = reps;
	call->in_sz = in_sz;
	call->out_sz = out_sz;
	call->in_ptr = (uintptr_t)in;
	call->out_ptr = (uintptr_t)out;
	return ioctl(fd, MSHV_ROOT_HVCALL, call);
}

static inline int get_property(int fd, uint32_t code, uint64_t *value,
			       uint16_t *status)
{
	struct mshv_root_hvcall call;
	uint64_t in[2] = { 0, code };
	int ret;

	ret = root_hvcall(fd, &call, HVCALL_GET_PARTITION_PROPERTY, 0, in,
			  sizeof(in), value, sizeof(*value));
	if (status)
		*status = call.status;
	return ret;
}

static inline int set_property(int fd, uint32_t code, uint64_t value,
			       uint16_t *status)
{
	struct mshv_root_hvcall call;
	uint64_t in[3] = { 0, code, value };
	int ret;

	ret = root_hvcall(fd, &call, HVCALL_SET_PARTITION_PROPERTY, 0, in,
			  sizeof(in), NULL, 0);
	if (status)
		*status = call.status;
	return ret;
}

static inline int set_memory(int pt, uint64_t gfn, void *addr, uint64_t size,
			     uint8_t flags)
{
	struct mshv_user_mem_region r = {
		.size = size,
		.guest_pfn = gfn,
		.userspace_addr = (uintptr_t)addr,
		.flags = flags,
	};

	return ioctl(pt, MSHV_SET_GUEST_MEMORY, &r);
}

#define MEM_RW	((1 << MSHV_SET_MEM_BIT_WRITABLE) | (1 << MSHV_SET_MEM_BIT_EXECUTABLE))
#define MEM_UNMAP (1 << MSHV_SET_MEM_BIT_UNMAP)

/* hvsim's counters of one hypercall code (debugfs "hypercalls"). */
struct hvsim_hcall_count {
	unsigned long long calls;
	unsigned long long reps;
	unsigned long long failures;
	char name[64];		/* "UNKNOWN": hvsim has no handler for the code */
};

/*
 * Read the counters of @code; a code hvsim never saw reads as zeros named
 * "UNKNOWN".  Returns false when not running on hvsim.
 */
static inline bool hvsim_hcall_count(unsigned int code, struct hvsim_hcall_count *c)
{
	unsigned long long calls, reps, failures;
	char line[256], name[64];
	unsigned int x;
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "UNKNOWN");
	f = fopen(HVSIM_DEBUGFS "/hypercalls", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%x %63s %llu %llu %llu", &x, name, &calls, &reps,
			   &failures) != 5 || x != code)
			continue;
		c->calls = calls;
		c->reps = reps;
		c->failures = failures;
		snprintf(c->name, sizeof(c->name), "%s", name);
		break;
	}
	fclose(f);
	return true;
}

#endif /* _MSHV_SELFTEST_UTIL_H */
