// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/mshv and partition-fd tests, run as root inside the rig (or on a
 * real root partition, where the hvsim bookkeeping checks are skipped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/mshv.h>

#include "kselftest_harness.h"

#define HVSIM_PARTITIONS "/sys/kernel/debug/hvsim/partitions"

#define PT_BIT(b)	(1ULL << (b))
#define V2_FLAGS	(PT_BIT(MSHV_PT_BIT_LAPIC) | PT_BIT(MSHV_PT_BIT_X2APIC) | \
			 PT_BIT(MSHV_PT_BIT_GPA_SUPER_PAGES) | \
			 PT_BIT(MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES))

struct hvsim_stats {
	long partitions;
	long root_deposited;
	long child_deposited;	/* summed over partitions */
};

/* Returns false when not running on hvsim. */
static bool hvsim_stats(struct hvsim_stats *s)
{
	char line[256];
	long a, b;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen(HVSIM_PARTITIONS, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "partitions %ld", &a) == 1)
			s->partitions = a;
		else if (sscanf(line, "root_pool deposited %ld used %ld", &a, &b) == 2)
			s->root_deposited = a;
		else if (sscanf(line, "partition %*x state %*d deposited %ld", &a) == 1)
			s->child_deposited += a;
	}
	fclose(f);
	return true;
}

static struct mshv_create_partition_v2 good_v2(void)
{
	struct mshv_create_partition_v2 v2 = {
		.pt_flags = V2_FLAGS,
		.pt_isolation = MSHV_PT_ISOLATION_NONE,
		.pt_num_cpu_fbanks = MSHV_NUM_CPU_FEATURES_BANKS,
		.pt_cpu_fbanks = { 1ULL << 63, 0 },
		.pt_disabled_xsave = 0xFFFFFFFFFFFFE7E0ULL,
	};

	return v2;
}

FIXTURE(mshv) {
	int sys_fd;
	bool on_hvsim;
	struct hvsim_stats before;
};

FIXTURE_SETUP(mshv)
{
	self->sys_fd = open("/dev/mshv", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ASSERT_GE(self->sys_fd, 0) TH_LOG("open /dev/mshv: %s", strerror(errno));
	self->on_hvsim = hvsim_stats(&self->before);
}

FIXTURE_TEARDOWN(mshv)
{
	struct hvsim_stats after;

	close(self->sys_fd);
	/* Whatever a test did, nothing may be left in the hypervisor. */
	if (self->on_hvsim && hvsim_stats(&after)) {
		EXPECT_EQ(self->before.partitions, after.partitions);
		EXPECT_EQ(self->before.child_deposited, after.child_deposited);
	}
}

TEST_F(mshv, device_node_is_root_only)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/mshv", &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0u, st.st_uid);
}

TEST(unprivileged_open_refused)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(open("/dev/mshv", O_RDWR) < 0 && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(mshv, create_v1)
{
	struct mshv_create_partition v1 = {
		.pt_flags = PT_BIT(MSHV_PT_BIT_LAPIC),
		.pt_isolation = MSHV_PT_ISOLATION_NONE,
	};
	struct hvsim_stats during;
	int fd;

	fd = ioctl(self->sys_fd, MSHV_CREATE_PARTITION, &v1);
	ASSERT_GE(fd, 0) TH_LOG("create: %s", strerror(errno));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
	if (self->on_hvsim) {
		ASSERT_TRUE(hvsim_stats(&during));
		EXPECT_EQ(self->before.partitions + 1, during.partitions);
	}
	EXPECT_EQ(0, close(fd));
}

TEST_F(mshv, create_v2)
{
	struct mshv_create_partition_v2 v2 = good_v2();
	int fd;

	fd = ioctl(self->sys_fd, MSHV_CREATE_PARTITION, &v2);
	ASSERT_GE(fd, 0) TH_LOG("create v2: %s", strerror(errno));
	close(fd);

	/* Every flag the ABI defines is accepted. */
	v2.pt_flags = PT_BIT(MSHV_PT_BIT_COUNT) - 1;
	fd = ioctl(self->sys_fd, MSHV_CREATE_PARTITION, &v2);
	ASSERT_GE(fd, 0) TH_LOG("create v2, all flags: %s", strerror(errno));
	close(fd);
}

static void expect_create_fails(struct __test_metadata *_metadata, int sys_fd,
				void *arg, int err, const char *what)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(sys_fd, MSHV_CREATE_PARTITION, arg)) TH_LOG("%s", what);
	EXPECT_EQ(err, errno) TH_LOG("%s: %s", what, strerror(errno));
}

TEST_F(mshv, create_invalid_fields)
{
	struct mshv_create_partition_v2 v2;
	struct mshv_create_partition v1;
	unsigned int i, bit;
	char what[64];

	for (bit = MSHV_PT_BIT_COUNT; bit < 64; bit++) {
		v1 = (struct mshv_create_partition){ .pt_flags = PT_BIT(bit) };
		snprintf(what, sizeof(what), "v1 flag bit %u", bit);
		expect_create_fails(_metadata, self->sys_fd, &v1, EINVAL, what);
	}
	v1 = (struct mshv_create_partition){ .pt_isolation = MSHV_PT_ISOLATION_COUNT };
	expect_create_fails(_metadata, self->sys_fd, &v1, EINVAL, "isolation COUNT");
	v1.pt_isolation = ~0ULL;
	expect_create_fails(_metadata, self->sys_fd, &v1, EINVAL, "isolation ~0");
	v1.pt_isolation = MSHV_PT_ISOLATION_SNP;
	expect_create_fails(_metadata, self->sys_fd, &v1, EOPNOTSUPP, "SNP");

	for (bit = MSHV_PT_BIT_COUNT; bit < 64; bit += 7) {
		v2 = good_v2();
		v2.pt_flags |= PT_BIT(bit);
		expect_create_fails(_metadata, self->sys_fd, &v2, EINVAL, "v2 flag");
	}
	for (i = 0; i < 4; i++) {
		v2 = good_v2();
		v2.pt_num_cpu_fbanks = i == 3 ? 3 : i == 2 ? 0xffff : i;
		snprintf(what, sizeof(what), "bank count %u", v2.pt_num_cpu_fbanks);
		expect_create_fails(_metadata, self->sys_fd, &v2, EINVAL, what);
	}
	for (i = 0; i < 3; i++) {
		v2 = good_v2();
		v2.pt_rsvd[i] = 1;
		expect_create_fails(_metadata, self->sys_fd, &v2, EINVAL, "pt_rsvd");
	}
	for (i = 0; i < 2; i++) {
		v2 = good_v2();
		v2.pt_rsvd1[i] = 1ULL << 40;
		expect_create_fails(_metadata, self->sys_fd, &v2, EINVAL, "pt_rsvd1");
	}
}

TEST_F(mshv, create_bad_pointer)
{
	long page = sysconf(_SC_PAGESIZE);
	struct mshv_create_partition_v2 v2 = good_v2();
	char *map;

	expect_create_fails(_metadata, self->sys_fd, NULL, EFAULT, "NULL");
	expect_create_fails(_metadata, self->sys_fd, (void *)-4096L, EFAULT,
			    "kernel address");

	/* v2 flags in the last 16 bytes of a page followed by a hole. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	memcpy(map + page - 16, &v2, 16);
	expect_create_fails(_metadata, self->sys_fd, map + page - 16, EFAULT,
			    "v2 crossing into a hole");
	munmap(map, page);
}

TEST_F(mshv, unknown_ioctls)
{
	struct mshv_create_partition v1 = { 0 };
	int pt;

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->sys_fd, _IO(MSHV_IOCTL, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->sys_fd, MSHV_INITIALIZE_PARTITION));
	EXPECT_EQ(ENOTTY, errno);

	pt = ioctl(self->sys_fd, MSHV_CREATE_PARTITION, &v1);
	ASSERT_GE(pt, 0);
	errno = 0;
	EXPECT_EQ(-1, ioctl(pt, _IO(MSHV_IOCTL, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	/* The system fd's CREATE_PARTITION means nothing on a partition fd. */
	EXPECT_EQ(-1, ioctl(pt, MSHV_CREATE_PARTITION, &v1));
	EXPECT_EQ(ENOTTY, errno);
	close(pt);
}

TEST_F(mshv, initialize_is_idempotent)
{
	struct mshv_create_partition v1 = { .pt_flags = PT_BIT(MSHV_PT_BIT_LAPIC) };
	int pt;

	pt = ioctl(self->sys_fd, MSHV_CREATE_PARTITION, &v1);
	ASSERT_GE(pt, 0);
	EXPECT_EQ(0, ioctl(pt, MSHV_INITIALIZE_PARTITION));
	EXPECT_EQ(0, ioctl(pt, MSHV_INITIALIZE_PARTITION));
	close(pt);
}

static int hvsim_fault(const char *cmd)
{
	int fd = open("/sys/kernel/debug/hvsim/fault", O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, cmd, strlen(cmd)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

TEST_F(mshv, failed_initialize_gives_memory_back)
{
	struct mshv_create_partition v1 = { 0 };
	struct hvsim_stats s;
	int pt;

	if (!self->on_hvsim)
		SKIP(return, "needs hvsim fault injection");
	pt = ioctl(self->sys_fd, MSHV_CREATE_PARTITION, &v1);
	ASSERT_GE(pt, 0);
	/* First attempt asks for memory (a deposit), the retry fails hard. */
	ASSERT_EQ(0, hvsim_fault("code=0x41 status=0xb nth=1"));
	ASSERT_EQ(0, hvsim_fault("code=0x41 status=0x5 nth=2"));
	errno = 0;
	EXPECT_EQ(-1, ioctl(pt, MSHV_INITIALIZE_PARTITION));
	EXPECT_EQ(EINVAL, errno);
	/* The partition lives on, holding no hypervisor memory. */
	ASSERT_TRUE(hvsim_stats(&s));
	EXPECT_EQ(self->before.partitions + 1, s.partitions);
	EXPECT_EQ(self->before.child_deposited, s.child_deposited);
	/* And it can still be initialized. */
	hvsim_fault("clear");
	EXPECT_EQ(0, ioctl(pt, MSHV_INITIALIZE_PARTITION));
	close(pt);
}

TEST_F(mshv, other_process_gets_eio)
{
	struct mshv_create_partition v1 = { 0 };
	int pt, status;
	pid_t pid;

	pt = ioctl(self->sys_fd, MSHV_CREATE_PARTITION, &v1);
	ASSERT_GE(pt, 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(ioctl(pt, MSHV_INITIALIZE_PARTITION) == -1 && errno == EIO ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The creator still can. */
	EXPECT_EQ(0, ioctl(pt, MSHV_INITIALIZE_PARTITION));
	close(pt);
}

TEST_F(mshv, close_order_system_fd_first)
{
	struct mshv_create_partition v1 = { 0 };
	int sys2 = open("/dev/mshv", O_RDWR);
	int pt;

	ASSERT_GE(sys2, 0);
	pt = ioctl(sys2, MSHV_CREATE_PARTITION, &v1);
	ASSERT_GE(pt, 0);
	close(sys2);
	EXPECT_EQ(0, ioctl(pt, MSHV_INITIALIZE_PARTITION));
	close(pt);
}

TEST_F(mshv, create_close_1000_cycles)
{
	struct mshv_create_partition_v2 v2 = good_v2();
	struct hvsim_stats first, last;
	int i, pt;

	for (i = 0; i < 1000; i++) {
		pt = ioctl(self->sys_fd, MSHV_CREATE_PARTITION, &v2);
		ASSERT_GE(pt, 0) TH_LOG("cycle %d: %s", i, strerror(errno));
		if (i & 1)
			ASSERT_EQ(0, ioctl(pt, MSHV_INITIALIZE_PARTITION));
		ASSERT_EQ(0, close(pt));
		if (i == 0 && self->on_hvsim)
			ASSERT_TRUE(hvsim_stats(&first));
	}
	if (!self->on_hvsim)
		return;
	ASSERT_TRUE(hvsim_stats(&last));
	EXPECT_EQ(self->before.partitions, last.partitions);
	EXPECT_EQ(0, last.child_deposited);
	/* The root's pool reaches a steady size instead of growing per cycle. */
	EXPECT_EQ(first.root_deposited, last.root_deposited);
}

TEST_HARNESS_MAIN
