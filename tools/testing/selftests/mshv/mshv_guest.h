/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the mshv selftests that run a guest: the TLFS register
 * names, register-page and intercept-message layouts, VP register access
 * through MSHV_ROOT_HVCALL, MSHV_RUN_VP, and a partition with guest RAM at
 * GPA 0 and VP 0.  They live here, not in each test, so that a layout or
 * hypercall input is written (and fixed) once.
 *
 * Layouts: messages hv-abi.md §13, registers §11.4.1, register page §11.7.
 * Include after kselftest_harness.h.
 */
#ifndef _MSHV_SELFTEST_GUEST_H
#define _MSHV_SELFTEST_GUEST_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>

#include "mshv_util.h"

#define HVCALL_GET_VP_REGISTERS		0x0050
#define HVCALL_SET_VP_REGISTERS		0x0051

/* Message types (hv-abi.md §13.3). */
#define HVMSG_UNMAPPED_GPA		0x80000000
#define HVMSG_GPA_INTERCEPT		0x80000001
#define HVMSG_X64_IO_PORT_INTERCEPT	0x80010000
#define HVMSG_X64_CPUID_INTERCEPT	0x80010002
#define HVMSG_X64_APIC_EOI		0x80010004
#define HVMSG_X64_HALT			0x80010007

/* intercept_access_type */
#define ACCESS_READ		0	/* also IN */
#define ACCESS_WRITE		1	/* also OUT */
#define ACCESS_EXECUTE		2

/* execution_state bits */
#define EXEC_CR0_PE		(1 << 2)
#define EXEC_EFER_LMA		(1 << 4)

/* Register names (hv-abi.md §11.4.1). */
#define HV_REGISTER_EXPLICIT_SUSPEND		0x00000000
#define HV_REGISTER_INTERCEPT_SUSPEND		0x00000001
#define HV_REGISTER_INTERNAL_ACTIVITY_STATE	0x00000004
#define HV_X64_REGISTER_RAX	0x00020000
#define HV_X64_REGISTER_RCX	0x00020001
#define HV_X64_REGISTER_RDX	0x00020002
#define HV_X64_REGISTER_RBX	0x00020003
#define HV_X64_REGISTER_RSP	0x00020004
#define HV_X64_REGISTER_RSI	0x00020006
#define HV_X64_REGISTER_RDI	0x00020007
#define HV_X64_REGISTER_RIP	0x00020010
#define HV_X64_REGISTER_RFLAGS	0x00020011
#define HV_X64_REGISTER_CR0	0x00040000
#define HV_X64_REGISTER_CR3	0x00040002
#define HV_X64_REGISTER_CR4	0x00040003
#define HV_X64_REGISTER_ES	0x00060000
#define HV_X64_REGISTER_CS	0x00060001
#define HV_X64_REGISTER_SS	0x00060002
#define HV_X64_REGISTER_DS	0x00060003
#define HV_X64_REGISTER_IDTR	0x00070000
#define HV_X64_REGISTER_GDTR	0x00070001
#define HV_X64_REGISTER_EFER	0x00080001

/* Register page (hv-abi.md §11.7). */
#define RP_VERSION		0
#define RP_ISVALID		2
#define RP_DIRTY		4
#define RP_GP(i)		(8 + 8 * (i))	/* rax rcx rdx rbx rsp rbp rsi rdi r8.. */
#define RP_RIP			136
#define RP_RFLAGS		144
#define RP_DIRTY_GP		(1u << 0)
#define RP_DIRTY_IP		(1u << 1)
#define GP_RAX			0
#define GP_RCX			1
#define GP_RDX			2
#define GP_RBX			3

/* x86 */
#define RFLAGS_FIXED		0x2ULL
#define RFLAGS_IF		0x200ULL
#define RFLAGS_IOPL3		0x3000ULL
#define CR0_PE			0x1ULL
#define CR0_ET			0x10ULL
#define CR0_PG			0x80000000ULL
#define CR4_PAE			0x20ULL
#define EFER_LME		0x100ULL
#define EFER_LMA		0x400ULL

/* Flat 32-bit segments: GDT selectors and attributes. */
#define FLAT_CS			0x08
#define FLAT_DS			0x10
#define SEG_CODE32		0xc09b	/* P, S, execute/read, accessed, D/B, G */
#define SEG_DATA32		0xc093	/* P, S, read/write, accessed, D/B, G */

/* Guest RAM at GPA 0 (struct guest_vm). */
#define RAM_SIZE		0x10000ULL

/* TLFS message layouts (hv-abi.md §13.1, §13.4). */
struct hv_seg {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint16_t attributes;
};

struct icpt_header {
	uint32_t vp_index;
	uint8_t insn_len_cr8;	/* bits 0-3 instruction length, 4-7 CR8 */
	uint8_t access_type;
	uint16_t exec_state;
	struct hv_seg cs;
	uint64_t rip;
	uint64_t rflags;
};

struct io_payload {
	struct icpt_header h;
	uint16_t port;
	uint8_t access_info;	/* bits 0-2 size, 3 string, 4 rep */
	uint8_t insn_count;
	uint32_t rsvd;
	uint64_t rax;
	uint8_t insn[16];
	struct hv_seg ds;
	struct hv_seg es;
	uint64_t rcx;
	uint64_t rsi;
	uint64_t rdi;
};

struct mem_payload {
	struct icpt_header h;
	uint32_t cache_type;
	uint8_t insn_count;
	uint8_t access_info;	/* bit 0 gva valid, bit 1 gva->gpa valid */
	uint8_t tpr;
	uint8_t rsvd;
	uint64_t gva;
	uint64_t gpa;
	uint8_t insn[16];
};

struct cpuid_payload {
	struct icpt_header h;
	uint64_t rax, rcx, rdx, rbx;
	uint64_t def_rax, def_rcx, def_rdx, def_rbx;
};

struct eoi_payload {
	uint32_t vp_index;
	uint32_t vector;
};

struct hv_msg {
	uint32_t type;
	uint8_t payload_size;
	uint8_t flags;
	uint16_t rsvd;
	uint64_t sender;
	union {
		uint8_t payload[240];
		struct icpt_header h;
		struct io_payload io;
		struct mem_payload mem;
		struct cpuid_payload cpuid;
		struct eoi_payload eoi;
	};
};

_Static_assert(sizeof(struct hv_msg) == MSHV_RUN_VP_BUF_SZ, "hv_message");
_Static_assert(sizeof(struct icpt_header) == 40, "intercept header");
_Static_assert(sizeof(struct io_payload) == 128, "io payload");
_Static_assert(sizeof(struct mem_payload) == 80, "memory payload");
_Static_assert(sizeof(struct cpuid_payload) == 104, "cpuid payload");
_Static_assert(offsetof(struct hv_msg, h.rip) == 16 + 24, "header rip");
_Static_assert(offsetof(struct hv_msg, io.rax) == 16 + 48, "io rax");
_Static_assert(offsetof(struct hv_msg, io.rdi) == 16 + 120, "io rdi");
_Static_assert(offsetof(struct hv_msg, mem.gpa) == 16 + 56, "mem gpa");
_Static_assert(offsetof(struct hv_msg, cpuid.def_rbx) == 16 + 96, "cpuid");
_Static_assert(offsetof(struct hv_msg, eoi.vector) == 16 + 4, "eoi vector");

/* A SET_VP_REGISTERS element (hv_register_assoc, 32 bytes). */
struct reg {
	uint32_t name;
	uint32_t rsvd;
	uint64_t rsvd2;
	uint64_t lo;
	uint64_t hi;
};

#define REG(n, v)	{ .name = (n), .lo = (v) }
#define SEG(n, base, limit, sel, attr) { .name = (n), .lo = (base),	\
	.hi = (uint64_t)(limit) | (uint64_t)(sel) << 32 | (uint64_t)(attr) << 48 }
/* Table register: pad u16[3], limit u16 @6, base u64 @8. */
#define TABLE(n, base, limit) { .name = (n), .lo = (uint64_t)(limit) << 48, .hi = (base) }
#define MAX_REGS	32

/* ---------------------------------------------------------- registers -- */

/* HVCALL_SET_VP_REGISTERS of @n registers; -1 (errno EIO) on a short call. */
static inline int set_regs(int vp_fd, uint32_t vp, const struct reg *r, unsigned int n)
{
	uint8_t in[16 + 32 * MAX_REGS];
	struct mshv_root_hvcall call;
	int ret;

	if (n > MAX_REGS) {
		errno = EINVAL;
		return -1;
	}
	memset(in, 0, 16);
	memcpy(in + 8, &vp, sizeof(vp));
	memcpy(in + 16, r, 32 * n);
	ret = root_hvcall(vp_fd, &call, HVCALL_SET_VP_REGISTERS, n, in,
			  16 + 32 * n, NULL, 0);
	if (!ret && (call.status != HV_STATUS_SUCCESS || call.reps != n)) {
		errno = EIO;
		return -1;
	}
	return ret;
}

static inline int set_reg(int vp_fd, uint32_t vp, uint32_t name, uint64_t value)
{
	struct reg r = REG(name, value);

	return set_regs(vp_fd, vp, &r, 1);
}

/*
 * HVCALL_GET_VP_REGISTERS of one register into both halves of @value
 * (segments and table registers use the high one); @value is left as it
 * was when the ioctl fails.
 */
static inline int get_reg128(int vp_fd, uint32_t vp, uint32_t name, uint64_t value[2])
{
	struct mshv_root_hvcall call;
	uint32_t in[5] = { 0, 0, vp, 0, name };

	return root_hvcall(vp_fd, &call, HVCALL_GET_VP_REGISTERS, 1, in,
			   sizeof(in), value, 2 * sizeof(uint64_t));
}

/* The low 64 bits of a register; 0 when the ioctl fails. */
static inline int get_reg(int vp_fd, uint32_t vp, uint32_t name, uint64_t *value)
{
	uint64_t out[2] = { 0, 0 };
	int ret;

	ret = get_reg128(vp_fd, vp, name, out);
	*value = out[0];
	return ret;
}

/* For failure reports: the low 64 bits of a register, all ones on error. */
static inline uint64_t reg_value(int vp_fd, uint32_t vp, uint32_t name)
{
	uint64_t out[2] = { ~0ULL, 0 };

	get_reg128(vp_fd, vp, name, out);
	return out[0];
}

/* ------------------------------------------------------ register page -- */

static inline uint8_t *map_regs(int vp)
{
	void *p = mmap(NULL, HV_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vp,
		       MSHV_VP_MMAP_OFFSET_REGISTERS * HV_PAGE);

	return p == MAP_FAILED ? NULL : p;
}

static inline uint64_t *rp64(uint8_t *regs, unsigned int off)
{
	return (uint64_t *)(regs + off);
}

static inline uint32_t *rp_dirty(uint8_t *regs)
{
	return (uint32_t *)(regs + RP_DIRTY);
}

/* The VMM's part of an intercept: step past the instruction. */
static inline void skip_insn(uint8_t *regs, const struct hv_msg *m)
{
	*rp64(regs, RP_RIP) = m->h.rip + (m->h.insn_len_cr8 & 0xf);
	*rp_dirty(regs) |= RP_DIRTY_IP;
}

static inline void page_set_gp(uint8_t *regs, unsigned int gp, uint64_t v)
{
	*rp64(regs, RP_GP(gp)) = v;
	*rp_dirty(regs) |= RP_DIRTY_GP;
}

/* ---------------------------------------------------------- MSHV_RUN_VP -- */

/*
 * One MSHV_RUN_VP ioctl into a poisoned buffer, copied to @m when it
 * succeeds: a field the driver forgets to write shows as 0xcc.
 */
static inline int run_vp_once(int vp, struct hv_msg *m)
{
	struct mshv_run_vp run;
	int ret;

	memset(&run, 0xcc, sizeof(run));
	ret = ioctl(vp, MSHV_RUN_VP, &run);
	if (!ret)
		memcpy(m, &run, sizeof(*m));
	return ret;
}

/* One MSHV_RUN_VP, retried while it says EAGAIN. */
static inline int run_vp(int vp, struct hv_msg *m)
{
	int ret, tries = 0;

	do
		ret = run_vp_once(vp, m);
	while (ret == -1 && errno == EAGAIN && ++tries < 1000);
	return ret;
}

/* -------------------------------------------------------------- signals -- */

static atomic_int sigusr1_count;

static inline void on_sigusr1(int sig)
{
	atomic_fetch_add(&sigusr1_count, 1);
}

/* SIGUSR1 without SA_RESTART: a blocked ioctl (RUN_VP) returns EINTR. */
static inline int install_sigusr1(void)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	return sigaction(SIGUSR1, &sa, NULL);
}

/* ------------------------------------------------------------ guest VM -- */

/*
 * What a guest-running fixture holds: an initialized partition, RAM_SIZE
 * bytes of RAM at GPA 0 and VP 0 with its register page; plus hvsim's
 * bookkeeping from before, which must be back where it was after teardown.
 */
struct guest_vm {
	int sys_fd;
	int pt;
	int vp;			/* VP 0 */
	uint8_t *regs;		/* VP 0's register page */
	uint8_t *ram;
	uint64_t pt_id;		/* 0: unknown (not on hvsim) */
	bool on_hvsim;
	struct hvsim_stats before;
};

/*
 * Fixture setup: SIGUSR1 for EINTR, the partition, RAM (filled by @fill
 * before it is mapped), VP 0 and its register page.
 */
static inline void guest_vm_setup(struct __test_metadata *_metadata, struct guest_vm *vm,
				  void (*fill)(uint8_t *ram))
{
	vm->sys_fd = -1;
	vm->pt = -1;
	vm->vp = -1;
	vm->on_hvsim = hvsim_stats(&vm->before);
	ASSERT_EQ(0, install_sigusr1());
	vm->sys_fd = open("/dev/mshv", O_RDWR | O_CLOEXEC);
	ASSERT_GE(vm->sys_fd, 0);
	vm->pt = create_partition(vm->sys_fd, true);
	ASSERT_GE(vm->pt, 0) TH_LOG("create: %s", strerror(errno));
	vm->pt_id = hvsim_newest_partition();

	vm->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, vm->ram);
	fill(vm->ram);
	ASSERT_EQ(0, set_memory(vm->pt, 0, vm->ram, RAM_SIZE, MEM_RW))
		TH_LOG("map RAM: %s", strerror(errno));

	vm->vp = create_vp(vm->pt, 0);
	ASSERT_GE(vm->vp, 0) TH_LOG("create VP 0: %s", strerror(errno));
	vm->regs = map_regs(vm->vp);
	ASSERT_NE(NULL, vm->regs);
}

/* Fixture teardown; on hvsim, checks that nothing was left behind. */
static inline void guest_vm_teardown(struct __test_metadata *_metadata, struct guest_vm *vm)
{
	struct hvsim_stats after;

	if (vm->regs)
		munmap(vm->regs, HV_PAGE);
	if (vm->vp >= 0)
		close(vm->vp);
	if (vm->pt >= 0)
		close(vm->pt);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, RAM_SIZE);
	if (vm->on_hvsim && hvsim_stats(&after)) {
		EXPECT_EQ(vm->before.partitions, after.partitions);
		EXPECT_EQ(vm->before.child_deposited, after.child_deposited);
		EXPECT_EQ(vm->before.mapped4k, after.mapped4k);
	}
}

#endif /* _MSHV_SELFTEST_GUEST_H */
