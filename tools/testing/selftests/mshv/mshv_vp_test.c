// SPDX-License-Identifier: GPL-2.0
/*
 * MSHV_CREATE_VP, the VP fd's mmap, MSHV_GET/SET_VP_STATE,
 * MSHV_VP_TRANSLATE_GVA and MSHV_ROOT_HVCALL on the VP fd.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "mshv_guest.h"

FIXTURE(vp) {
	int sys_fd;
	int pt;
	int vp;
	bool on_hvsim;
	struct hvsim_stats before;
};

FIXTURE_SETUP(vp)
{
	self->on_hvsim = hvsim_stats(&self->before);
	self->sys_fd = open("/dev/mshv", O_RDWR | O_CLOEXEC);
	ASSERT_GE(self->sys_fd, 0);
	self->pt = create_partition(self->sys_fd, true);
	ASSERT_GE(self->pt, 0);
	self->vp = create_vp(self->pt, 0);
	ASSERT_GE(self->vp, 0) TH_LOG("create VP 0: %s", strerror(errno));
}

FIXTURE_TEARDOWN(vp)
{
	struct hvsim_stats after;

	close(self->vp);
	close(self->pt);
	close(self->sys_fd);
	if (self->on_hvsim && hvsim_stats(&after)) {
		EXPECT_EQ(self->before.partitions, after.partitions);
		EXPECT_EQ(self->before.child_deposited, after.child_deposited);
	}
}

TEST_F(vp, create_rules)
{
	struct mshv_create_vp bad = { .vp_index = MSHV_MAX_VPS };
	int fd, unin;

	EXPECT_EQ(FD_CLOEXEC, fcntl(self->vp, F_GETFD) & FD_CLOEXEC);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_CREATE_VP, &bad));
	EXPECT_EQ(EINVAL, errno);
	bad.vp_index = ~0u;
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_CREATE_VP, &bad));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->pt, MSHV_CREATE_VP, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, create_vp(self->pt, 0));
	EXPECT_EQ(EEXIST, errno);

	fd = create_vp(self->pt, MSHV_MAX_VPS - 1);
	ASSERT_GE(fd, 0);
	close(fd);
	/* The VP outlives its fd: the index stays taken. */
	EXPECT_EQ(-1, create_vp(self->pt, MSHV_MAX_VPS - 1));
	EXPECT_EQ(EEXIST, errno);

	unin = create_partition(self->sys_fd, false);
	ASSERT_GE(unin, 0);
	EXPECT_EQ(-1, create_vp(unin, 0));
	EXPECT_EQ(EINVAL, errno);
	close(unin);
}

static long vp_count(void)
{
	FILE *f = fopen(HVSIM_DEBUGFS "/vps", "r");
	char line[256];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += line[0] != '#';
	fclose(f);
	return n;
}

TEST_F(vp, create_unwinds_and_deposits)
{
	long before;
	int fd;

	if (!self->on_hvsim)
		SKIP(return, "needs hvsim fault injection");
	before = vp_count();
	/* The second state page (the register page) cannot be mapped. */
	ASSERT_EQ(0, hvsim_ctl("fault", "code=0xe1 status=0x5 nth=2"));
	errno = 0;
	EXPECT_EQ(-1, create_vp(self->pt, 7));
	EXPECT_EQ(EINVAL, errno);
	/* Nothing is left: the hypervisor VP was deleted, the index is free. */
	EXPECT_EQ(before, vp_count());
	hvsim_ctl("fault", "clear");

	/* The partition's pool runs dry twice: deposit and retry inside. */
	ASSERT_EQ(0, hvsim_ctl("fault", "code=0x4e status=0xb nth=1 times=2"));
	fd = create_vp(self->pt, 7);
	EXPECT_GE(fd, 0) TH_LOG("%s", strerror(errno));
	hvsim_ctl("fault", "clear");
	EXPECT_EQ(before + 1, vp_count());
	close(fd);
}

TEST_F(vp, sixty_four_vps)
{
	int fds[64], i;

	for (i = 1; i < 64; i++) {
		fds[i] = create_vp(self->pt, i);
		ASSERT_GE(fds[i], 0) TH_LOG("VP %d: %s", i, strerror(errno));
	}
	for (i = 1; i < 64; i++)
		close(fds[i]);
}

TEST_F(vp, partition_outlives_its_fd)
{
	uint64_t v[2];

	/* Closing the partition fd first: the VP fd keeps it alive. */
	close(self->pt);
	EXPECT_EQ(0, get_reg128(self->vp, 0, HV_X64_REGISTER_RIP, v));
	self->pt = create_partition(self->sys_fd, true);
	ASSERT_GE(self->pt, 0);
}

TEST_F(vp, mmap_rules)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *regs, *msg;
	void *p;

	regs = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, self->vp,
		    MSHV_VP_MMAP_OFFSET_REGISTERS * pg);
	ASSERT_NE(MAP_FAILED, regs);
	EXPECT_EQ(1, *(uint16_t *)(regs + RP_VERSION));
	EXPECT_NE(0, regs[RP_ISVALID]);

	msg = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->vp,
		   MSHV_VP_MMAP_OFFSET_INTERCEPT_MESSAGE * pg);
	ASSERT_NE(MAP_FAILED, msg);
	/* Read-only for good: it cannot be made writable later. */
	EXPECT_EQ(-1, mprotect(msg, pg, PROT_READ | PROT_WRITE));

	errno = 0;
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, self->vp,
		 MSHV_VP_MMAP_OFFSET_INTERCEPT_MESSAGE * pg);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->vp,
		 MSHV_VP_MMAP_OFFSET_GHCB * pg);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno);
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->vp,
		 MSHV_VP_MMAP_OFFSET_COUNT * pg);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, self->vp, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, self->vp, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);

	/* The mappings stay valid after the VP fd is closed. */
	close(self->vp);
	self->vp = -1;
	EXPECT_EQ(1, *(uint16_t *)(regs + RP_VERSION));
	/* The VP never ran: no intercept message (type NONE) in the page. */
	EXPECT_EQ(0, *(uint32_t *)msg);
	munmap(regs, pg);
	munmap(msg, pg);
}

TEST_F(vp, register_page_is_coherent)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *regs;
	uint64_t v[2];

	regs = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, self->vp, 0);
	ASSERT_NE(MAP_FAILED, regs);
	/* Reset state, seen through both paths. */
	ASSERT_EQ(0, get_reg128(self->vp, 0, HV_X64_REGISTER_RIP, v));
	EXPECT_EQ(0xfff0, v[0]);
	EXPECT_EQ(0xfff0, *(uint64_t *)(regs + RP_RIP));
	ASSERT_EQ(0, get_reg128(self->vp, 0, HV_X64_REGISTER_CS, v));
	EXPECT_EQ(0xffff0000, v[0]);			/* base */
	EXPECT_EQ(0xf000, (v[1] >> 32) & 0xffff);	/* selector */
	ASSERT_EQ(0, get_reg128(self->vp, 0, HV_REGISTER_EXPLICIT_SUSPEND, v));
	EXPECT_EQ(1, v[0]);

	/* A hypercall write shows in the page without a dirty bit. */
	ASSERT_EQ(0, set_reg(self->vp, 0, HV_X64_REGISTER_RAX, 0x1234abcd));
	EXPECT_EQ(0x1234abcd, *(uint64_t *)(regs + RP_GP(GP_RAX)));
	EXPECT_EQ(0, *(uint32_t *)(regs + RP_DIRTY));
	munmap(regs, pg);
}

TEST_F(vp, unknown_ioctls_and_other_process)
{
	int status;
	pid_t pid;

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vp, _IO(MSHV_IOCTL, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->vp, MSHV_INITIALIZE_PARTITION));
	EXPECT_EQ(ENOTTY, errno);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		uint64_t v[2];

		_exit(get_reg128(self->vp, 0, HV_X64_REGISTER_RIP, v) == -1 &&
		      errno == EIO ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(vp, hvcall_on_vp_fd)
{
	struct mshv_root_hvcall call;
	uint64_t in[3] = { 0, HV_PROP_GPA_PAGE_ACCESS_TRACKING, 1 }, value;

	/* Asynchronous-capable calls belong to the partition fd. */
	errno = 0;
	EXPECT_EQ(-1, root_hvcall(self->vp, &call, HVCALL_SET_PARTITION_PROPERTY, 0,
				  in, sizeof(in), NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, call.status);
	EXPECT_EQ(0, get_property(self->vp, HV_PROP_GPA_PAGE_ACCESS_TRACKING, &value,
				  NULL));
}

static int vp_state(int vp, bool set, uint8_t type, void *buf, uint32_t *size)
{
	struct mshv_get_set_vp_state s = {
		.type = type, .buf_sz = *size, .buf_ptr = (uintptr_t)buf,
	};
	int ret = ioctl(vp, set ? MSHV_SET_VP_STATE : MSHV_GET_VP_STATE, &s);

	*size = s.buf_sz;
	return ret;
}

TEST_F(vp, state_round_trips)
{
	static const uint32_t expected_size[MSHV_VP_STATE_COUNT] = {
		[MSHV_VP_STATE_LAPIC] = 4096, [MSHV_VP_STATE_SIMP] = 4096,
		[MSHV_VP_STATE_SIEFP] = 4096, [MSHV_VP_STATE_SYNTHETIC_TIMERS] = 200,
	};
	uint8_t *buf, *again;
	uint32_t sz, len;
	uint8_t type;

	buf = aligned_alloc(4096, 4096);
	again = aligned_alloc(4096, 4096);
	ASSERT_TRUE(buf && again);
	for (type = 0; type < MSHV_VP_STATE_COUNT; type++) {
		sz = 4096;
		memset(buf, 0, 4096);
		ASSERT_EQ(0, vp_state(self->vp, false, type, buf, &sz))
			TH_LOG("get type %u: %s", type, strerror(errno));
		if (expected_size[type])
			EXPECT_EQ(expected_size[type], sz) TH_LOG("type %u", type);
		ASSERT_LE(sz, 4096);
		/* Change something the hypervisor keeps, then read it back. */
		switch (type) {
		case MSHV_VP_STATE_LAPIC:
			buf[140] = 0x00;	/* LVT LINT0: ExtINT delivery */
			buf[141] = 0x07;
			buf[144] = 0x00;	/* LVT LINT1: NMI delivery */
			buf[145] = 0x04;
			break;
		case MSHV_VP_STATE_SYNTHETIC_TIMERS:
			buf[16] = 0x42;		/* timer 0 count */
			break;
		case MSHV_VP_STATE_SIMP:
		case MSHV_VP_STATE_SIEFP:
			memset(buf + 256, 0x5a, 64);
			break;
		}
		/* buf_sz now holds the data size; pass the buffer's size again. */
		len = sz;
		sz = 4096;
		ASSERT_EQ(0, vp_state(self->vp, true, type, buf, &sz))
			TH_LOG("set type %u: %s", type, strerror(errno));
		EXPECT_EQ(len, sz);
		memset(again, 0xee, 4096);
		sz = 4096;
		ASSERT_EQ(0, vp_state(self->vp, false, type, again, &sz));
		EXPECT_EQ(0, memcmp(buf, again, len)) TH_LOG("type %u round trip", type);
	}
	free(buf);
	free(again);
}

TEST_F(vp, state_invalid_fields)
{
	struct mshv_get_set_vp_state good = { .type = MSHV_VP_STATE_LAPIC,
					      .buf_sz = 4096 }, s;
	uint8_t *buf = aligned_alloc(4096, 8192);
	unsigned int i;

	ASSERT_NE(NULL, buf);
	good.buf_ptr = (uintptr_t)buf;
#define EXPECT_STATE_ERR(mutate, err) do {				\
	s = good; mutate;						\
	errno = 0;							\
	EXPECT_EQ(-1, ioctl(self->vp, MSHV_GET_VP_STATE, &s)) TH_LOG(#mutate); \
	EXPECT_EQ(err, errno) TH_LOG(#mutate);				\
} while (0)
	EXPECT_STATE_ERR(s.type = MSHV_VP_STATE_COUNT, EINVAL);
	for (i = 0; i < sizeof(s.rsvd); i++)
		EXPECT_STATE_ERR(s.rsvd[i] = 1, EINVAL);
	EXPECT_STATE_ERR(s.buf_sz = 0, EINVAL);
	EXPECT_STATE_ERR(s.buf_sz = 100, EINVAL);
	EXPECT_STATE_ERR(s.buf_ptr += 8, EINVAL);
	EXPECT_STATE_ERR(s.buf_ptr = 0xffff800000000000ULL, EFAULT);
#undef EXPECT_STATE_ERR
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vp, MSHV_GET_VP_STATE, NULL));
	EXPECT_EQ(EFAULT, errno);
	free(buf);
}

TEST_F(vp, translate_gva_real_mode)
{
	struct mshv_translate_gva t = { .gva = 0x12345, .flags = 1 };
	uint64_t result = ~0ULL, gpa = 0;

	t.result = (uintptr_t)&result;
	t.gpa = (uintptr_t)&gpa;
	/* Paging is off at reset: GVA == GPA. */
	ASSERT_EQ(0, ioctl(self->vp, MSHV_VP_TRANSLATE_GVA, &t));
	EXPECT_EQ(0, (uint32_t)result);
	EXPECT_EQ(0x12345, gpa);
	t.result = 0xffff800000000000ULL;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vp, MSHV_VP_TRANSLATE_GVA, &t));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
