// SPDX-License-Identifier: GPL-2.0
/*
 * MSHV_ROOT_HVCALL on /dev/mshv and on a partition fd: allow-lists,
 * argument checks, partition-id forcing, status/reps write-back,
 * deposit-and-retry, early vs late partition properties.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "mshv_util.h"

FIXTURE(hvcall) {
	int sys_fd;
	int pt;
	bool on_hvsim;
};

FIXTURE_SETUP(hvcall)
{
	struct hvsim_stats s;

	self->on_hvsim = hvsim_stats(&s);
	self->sys_fd = open("/dev/mshv", O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->sys_fd, 0);
	self->pt = create_partition(self->sys_fd, false);
	ASSERT_GE(self->pt, 0);
	if (self->on_hvsim)
		hvsim_ctl("fault", "clear");
}

FIXTURE_TEARDOWN(hvcall)
{
	if (self->on_hvsim)
		hvsim_ctl("fault", "clear");
	close(self->pt);
	close(self->sys_fd);
}

TEST_F(hvcall, system_fd_reads_root_properties)
{
	struct mshv_root_hvcall call;
	uint64_t in[2] = { 0x1234, HV_PROP_PROCESSOR_FEATURES0 }, value = 0;
	uint64_t ex_in[3] = { 0, HV_PROP_ASSIGNABLE_SYNTHETIC_PROC_FEATURES, 0 };
	uint8_t ex_out[4072];

	/* The partition id is forced to SELF whatever the VMM put there. */
	ASSERT_EQ(0, root_hvcall(self->sys_fd, &call, HVCALL_GET_PARTITION_PROPERTY,
				 0, in, sizeof(in), &value, sizeof(value)));
	EXPECT_EQ(HV_STATUS_SUCCESS, call.status);
	EXPECT_NE(0, value);
	EXPECT_EQ(0x1234, in[0]);	/* the VMM's buffer is not modified */

	memset(ex_out, 0xcc, sizeof(ex_out));
	ASSERT_EQ(0, root_hvcall(self->sys_fd, &call, HVCALL_GET_PARTITION_PROPERTY_EX,
				 0, ex_in, sizeof(ex_in), ex_out, sizeof(ex_out)));
	EXPECT_EQ(HV_STATUS_SUCCESS, call.status);
	EXPECT_EQ(1, *(uint16_t *)ex_out);	/* bank count */
}

TEST_F(hvcall, system_fd_allows_only_queries)
{
	struct mshv_root_hvcall call;
	uint64_t in[3] = { 0, HV_PROP_PRIVILEGE_FLAGS, 0 };

	errno = 0;
	EXPECT_EQ(-1, root_hvcall(self->sys_fd, &call, HVCALL_SET_PARTITION_PROPERTY,
				  0, in, sizeof(in), NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, call.status);	/* refused before any hypercall */
	EXPECT_EQ(-1, root_hvcall(self->sys_fd, &call, HVCALL_MAP_GPA_PAGES,
				  1, in, sizeof(in), NULL, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(hvcall, argument_checks)
{
	struct mshv_root_hvcall good = {
		.code = HVCALL_GET_PARTITION_PROPERTY, .in_sz = 16, .out_sz = 8,
	}, c;
	uint64_t in[2] = { 0, HV_PROP_PROCESSOR_FEATURES0 }, out;
	unsigned int i;

	good.in_ptr = (uintptr_t)in;
	good.out_ptr = (uintptr_t)&out;
	c = good;
	ASSERT_EQ(0, ioctl(self->pt, MSHV_ROOT_HVCALL, &c));

#define EXPECT_EINVAL(mutate) do {					\
	c = good; mutate;						\
	errno = 0;							\
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_ROOT_HVCALL, &c)) TH_LOG(#mutate); \
	EXPECT_EQ(EINVAL, errno) TH_LOG(#mutate);			\
} while (0)
	EXPECT_EINVAL(c.status = 1);
	for (i = 0; i < sizeof(c.rsvd); i++)
		EXPECT_EINVAL(c.rsvd[i] = 1);
	EXPECT_EINVAL(c.in_ptr = 0);
	EXPECT_EINVAL(c.in_sz = 7);
	EXPECT_EINVAL(c.in_sz = 4097);
	EXPECT_EINVAL(c.out_sz = 0);
	EXPECT_EINVAL(c.out_sz = 4097);
	EXPECT_EINVAL(c.reps = 4096);
	EXPECT_EINVAL(c.code = HVCALL_SCRUB_PARTITION);
	EXPECT_EINVAL(c.code = HVCALL_MAP_GPA_PAGES);
	EXPECT_EINVAL(c.code = 0xffff);
#undef EXPECT_EINVAL

	c = good;
	c.in_ptr = 8;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_ROOT_HVCALL, &c));
	EXPECT_EQ(EFAULT, errno);
	c = good;
	c.out_ptr = 0xffff800000000000ULL;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_ROOT_HVCALL, &c));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_ROOT_HVCALL, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(hvcall, status_written_back_on_failure)
{
	uint64_t value = 0x5555;
	uint16_t status = 0;

	errno = 0;
	EXPECT_EQ(-1, get_property(self->pt, 0x7fff1234, &value, &status));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(HV_STATUS_UNKNOWN_PROPERTY, status);
	EXPECT_EQ(0x5555, value);	/* no output on failure */
}

TEST_F(hvcall, early_and_late_properties)
{
	uint64_t assignable = 0;
	uint16_t status;
	uint8_t ex_out[4072];
	uint64_t ex_in[3] = { 0, HV_PROP_ASSIGNABLE_SYNTHETIC_PROC_FEATURES, 0 };
	struct mshv_root_hvcall call;

	ASSERT_EQ(0, root_hvcall(self->sys_fd, &call, HVCALL_GET_PARTITION_PROPERTY_EX,
				 0, ex_in, sizeof(ex_in), ex_out, sizeof(ex_out)));
	memcpy(&assignable, ex_out + 8, sizeof(assignable));

	/* An early property before INITIALIZE, as cloud-hypervisor sets it. */
	EXPECT_EQ(0, set_property(self->pt, HV_PROP_SYNTHETIC_PROC_FEATURES,
				  0x0020004006400FFBULL & assignable, &status));
	EXPECT_EQ(HV_STATUS_SUCCESS, status);
	ASSERT_EQ(0, ioctl(self->pt, MSHV_INITIALIZE_PARTITION));
	/* ... and refused after. */
	errno = 0;
	EXPECT_EQ(-1, set_property(self->pt, HV_PROP_PRIVILEGE_FLAGS, 0, &status));
	EXPECT_EQ(HV_STATUS_INVALID_PARTITION_STATE, status);
	EXPECT_EQ(EINVAL, errno);
	/* A late one is accepted now. */
	EXPECT_EQ(0, set_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 1, &status));
	EXPECT_EQ(HV_STATUS_SUCCESS, status);
}

TEST_F(hvcall, partition_id_is_forced)
{
	uint64_t value = 0;
	struct mshv_root_hvcall call;
	uint64_t in[3] = { HV_PARTITION_ID_SELF, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 1 };

	ASSERT_EQ(0, ioctl(self->pt, MSHV_INITIALIZE_PARTITION));
	/* A VMM naming the root (or anyone) still reaches its own partition. */
	ASSERT_EQ(0, root_hvcall(self->pt, &call, HVCALL_SET_PARTITION_PROPERTY, 0,
				 in, sizeof(in), NULL, 0));
	ASSERT_EQ(0, get_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, &value,
				  NULL));
	EXPECT_EQ(1, value);
}

TEST_F(hvcall, deposit_and_retry_inside_the_kernel)
{
	uint16_t status = 0xffff;

	if (!self->on_hvsim)
		SKIP(return, "needs hvsim fault injection");
	ASSERT_EQ(0, ioctl(self->pt, MSHV_INITIALIZE_PARTITION));
	/* The next two SET_PARTITION_PROPERTY calls ask for memory. */
	ASSERT_EQ(0, hvsim_ctl("fault", "code=0x45 status=0xb nth=1 times=2"));
	EXPECT_EQ(0, set_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 1, &status));
	EXPECT_EQ(HV_STATUS_SUCCESS, status);
}

TEST_F(hvcall, rep_call_resumes_and_reports_reps)
{
	struct mshv_root_hvcall call;
	uint64_t in[3] = { 0, 0, 0x100 };	/* flags 0: read only */
	uint8_t states[300];

	if (!self->on_hvsim)
		SKIP(return, "needs hvsim fault injection");
	ASSERT_EQ(0, ioctl(self->pt, MSHV_INITIALIZE_PARTITION));
	ASSERT_EQ(0, set_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 1, NULL));
	/* A partial success at rep 17, then memory at rep 200. */
	ASSERT_EQ(0, hvsim_ctl("fault", "code=0xc9 status=0 reps=17 nth=1"));
	ASSERT_EQ(0, hvsim_ctl("fault", "code=0xc9 status=0xb reps=183 nth=2"));
	ASSERT_EQ(0, root_hvcall(self->pt, &call, HVCALL_GET_GPA_PAGES_ACCESS_STATES,
				 300, in, sizeof(in), states, sizeof(states)));
	EXPECT_EQ(HV_STATUS_SUCCESS, call.status);
	EXPECT_EQ(300, call.reps);
}

static long synic_delivered(void)
{
	FILE *f = fopen(HVSIM_DEBUGFS "/synic", "r");
	long posted = -1, delivered = -1;

	if (f) {
		if (fscanf(f, "posted %ld delivered %ld", &posted, &delivered) != 2)
			delivered = -1;
		fclose(f);
	}
	return delivered;
}

static int hvsim_param(const char *name, const char *value)
{
	char path[128];
	int fd, ret;

	snprintf(path, sizeof(path), "/sys/module/hvsim/parameters/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, value, strlen(value)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

TEST_F(hvcall, async_set_property_completes_through_synic)
{
	uint64_t value = 0;
	uint16_t status = 0xffff;
	long delivered;

	if (!self->on_hvsim)
		SKIP(return, "needs hvsim's asynchronous mode");
	ASSERT_EQ(0, ioctl(self->pt, MSHV_INITIALIZE_PARTITION));
	delivered = synic_delivered();
	ASSERT_EQ(0, hvsim_param("async_set_property", "1"));
	/* CALL_PENDING, then the completion message on SINT0. */
	EXPECT_EQ(0, set_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 1, &status));
	hvsim_param("async_set_property", "0");
	EXPECT_EQ(HV_STATUS_SUCCESS, status);
	EXPECT_EQ(delivered + 1, synic_delivered());
	ASSERT_EQ(0, get_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, &value,
				  NULL));
	EXPECT_EQ(1, value);
}

TEST_F(hvcall, unknown_and_stray_messages_never_wedge_sint0)
{
	uint16_t status = 0xffff;
	long delivered;
	int i;

	if (!self->on_hvsim)
		SKIP(return, "needs hvsim to post messages");
	ASSERT_EQ(0, ioctl(self->pt, MSHV_INITIALIZE_PARTITION));
	delivered = synic_delivered();
	/* A completion nobody waits for, unknown types, several queued. */
	ASSERT_EQ(0, hvsim_ctl("post", "sint=0 type=80000070 partition=7777 status=0"));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, hvsim_ctl("post", "sint=0 type=80000999"));
	/* Intercept notifications naming nobody, or an impossible VP. */
	ASSERT_EQ(0, hvsim_ctl("post", "sint=0 type=8000003f partition=7777 vp=0"));
	ASSERT_EQ(0, hvsim_ctl("post", "sint=0 type=8000003f partition=7777 vp=4294967295"));
	/* Each was consumed and acknowledged (EOM fetched the queued ones). */
	EXPECT_EQ(delivered + 7, synic_delivered());
	/* And the next real completion still gets through. */
	ASSERT_EQ(0, hvsim_param("async_set_property", "1"));
	EXPECT_EQ(0, set_property(self->pt, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 1, &status));
	hvsim_param("async_set_property", "0");
	EXPECT_EQ(HV_STATUS_SUCCESS, status);
}

TEST_F(hvcall, other_process_gets_eio)
{
	uint64_t value;
	int status;
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(get_property(self->pt, HV_PROP_PROCESSOR_FEATURES0, &value, NULL) == -1 &&
		      errno == EIO ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_HARNESS_MAIN
