// SPDX-License-Identifier: GPL-2.0
/*
 * MSHV_RUN_VP and the intercept messages it returns: I/O ports from real,
 * protected and long mode, MMIO (unmapped and read-only GPAs), HLT, CPUID
 * intercepts, the register page's dirty protocol, signals (prompt EINTR,
 * no lost or duplicated intercept under a signal storm), 64 VPs running in
 * parallel, closing fds while VPs run, and bad callers.
 *
 * Guests are hand-assembled machine code (the assembly is in the comments)
 * placed in guest RAM; the start state is set with HVCALL_SET_VP_REGISTERS
 * through MSHV_ROOT_HVCALL on the VP fd.  Message and register-page layouts
 * are the TLFS ones (hv-abi.md §11.7, §13).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mshv_guest.h"

#define HVCALL_INSTALL_INTERCEPT	0x004d

#define HV_INTERCEPT_ACCESS_MASK_EXECUTE	0x4
#define HV_INTERCEPT_TYPE_X64_CPUID		2

/*
 * Guest physical layout: 64 KiB of RAM at GPA 0 with the long-mode page
 * tables at 0x1000-0x3fff and the code at 0x8000; one read-only,
 * non-executable page right after it.  In long mode GVA 0-2 MiB is
 * identity-mapped and GVA 2-4 MiB maps GPA 1 GiB, which is unmapped: so an
 * access there has a GVA different from its GPA.
 */
#define PML4_GPA		0x1000ULL
#define PDPT_GPA		0x2000ULL
#define PD_GPA			0x3000ULL
#define CODE_GPA		0x8000ULL
#define STACK_TOP		0xf000ULL
#define RO_GPA			0x10000ULL
#define MMIO_GVA		0x200000ULL
#define MMIO_GPA		0x40000000ULL
#define PTE_P_RW		0x3ULL
#define PTE_PS			0x80ULL

/* Real mode: CS = 0x0700 (base 0x7000), so the code runs at IP 0x1000. */
#define REAL_CS			0x0700
#define REAL_DS			0x0100
#define REAL_ES			0x0200
#define FLAT_ES			0x18
#define USER_CS			0x1b
#define USER_DS			0x23

#define SEG_CODE16		0x009b	/* P, S, execute/read, accessed */
#define SEG_DATA16		0x0093	/* P, S, read/write, accessed */
#define SEG_CODE32_DPL3		0xc0fb
#define SEG_DATA32_DPL3		0xc0f3
#define SEG_CODE64		0xa09b	/* P, S, execute/read, accessed, L, G */

enum mode { MODE_REAL, MODE_PROT32, MODE_USER32, MODE_LONG };

/* Address of code byte @off in the segment the mode runs it with. */
static uint64_t code_rip(enum mode mode, uint64_t off)
{
	return mode == MODE_REAL ? CODE_GPA - (REAL_CS << 4) + off : CODE_GPA + off;
}

static struct hv_seg mode_cs(enum mode mode)
{
	switch (mode) {
	case MODE_REAL:
		return (struct hv_seg){ REAL_CS << 4, 0xffff, REAL_CS, SEG_CODE16 };
	case MODE_PROT32:
		return (struct hv_seg){ 0, 0xffffffff, FLAT_CS, SEG_CODE32 };
	case MODE_USER32:
		return (struct hv_seg){ 0, 0xffffffff, USER_CS, SEG_CODE32_DPL3 };
	case MODE_LONG:
		break;
	}
	return (struct hv_seg){ 0, 0xffffffff, FLAT_CS, SEG_CODE64 };
}

/*
 * Start state: @mode, code byte @off of CODE_GPA as the next instruction,
 * @rflags, plus @n_extra more registers (set last, so they may override).
 */
static int setup_vp(int vp_fd, uint32_t vp, enum mode mode, uint64_t off,
		    uint64_t rflags, const struct reg *extra, unsigned int n_extra)
{
	struct hv_seg cs = mode_cs(mode);
	struct reg r[MAX_REGS];
	unsigned int n = 0;

	switch (mode) {
	case MODE_REAL:
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_DS, REAL_DS << 4, 0xffff,
					 REAL_DS, SEG_DATA16);
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_ES, REAL_ES << 4, 0xffff,
					 REAL_ES, SEG_DATA16);
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_SS, 0, 0xffff, 0, SEG_DATA16);
		break;
	case MODE_PROT32:
	case MODE_LONG:
		if (mode == MODE_LONG) {
			r[n++] = (struct reg)REG(HV_X64_REGISTER_CR4, CR4_PAE);
			r[n++] = (struct reg)REG(HV_X64_REGISTER_EFER, EFER_LME | EFER_LMA);
			r[n++] = (struct reg)REG(HV_X64_REGISTER_CR3, PML4_GPA);
			r[n++] = (struct reg)REG(HV_X64_REGISTER_CR0,
						 CR0_PG | CR0_ET | CR0_PE);
		} else {
			r[n++] = (struct reg)REG(HV_X64_REGISTER_CR0, CR0_ET | CR0_PE);
		}
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_DS, 0, 0xffffffff, FLAT_DS,
					 SEG_DATA32);
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_ES, 0, 0xffffffff, FLAT_ES,
					 SEG_DATA32);
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_SS, 0, 0xffffffff, FLAT_DS,
					 SEG_DATA32);
		break;
	case MODE_USER32:
		r[n++] = (struct reg)REG(HV_X64_REGISTER_CR0, CR0_ET | CR0_PE);
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_DS, 0, 0xffffffff, USER_DS,
					 SEG_DATA32_DPL3);
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_ES, 0, 0xffffffff, USER_DS,
					 SEG_DATA32_DPL3);
		r[n++] = (struct reg)SEG(HV_X64_REGISTER_SS, 0, 0xffffffff, USER_DS,
					 SEG_DATA32_DPL3);
		break;
	}
	r[n++] = (struct reg)SEG(HV_X64_REGISTER_CS, cs.base, cs.limit, cs.selector,
				 cs.attributes);
	r[n++] = (struct reg)REG(HV_X64_REGISTER_RIP, code_rip(mode, off));
	r[n++] = (struct reg)REG(HV_X64_REGISTER_RFLAGS, rflags);
	r[n++] = (struct reg)REG(HV_X64_REGISTER_RSP, STACK_TOP);
	if (n + n_extra > MAX_REGS) {
		errno = EINVAL;
		return -1;
	}
	memcpy(r + n, extra, n_extra * sizeof(*extra));
	return set_regs(vp_fd, vp, r, n + n_extra);
}

/* ------------------------------------------------------------- fixture -- */

FIXTURE(run) {
	struct guest_vm vm;
};

/*
 * HLT everywhere, so that a runaway guest stops with a HALT message, and
 * the long-mode page tables.
 */
static void fill_ram(uint8_t *ram)
{
	uint64_t *pml4 = (uint64_t *)(ram + PML4_GPA);
	uint64_t *pdpt = (uint64_t *)(ram + PDPT_GPA);
	uint64_t *pd = (uint64_t *)(ram + PD_GPA);

	memset(ram, 0xf4, RAM_SIZE);
	memset(ram + PML4_GPA, 0, 3 * HV_PAGE);
	pml4[0] = PDPT_GPA | PTE_P_RW;
	pdpt[0] = PD_GPA | PTE_P_RW;
	pd[0] = 0 | PTE_PS | PTE_P_RW;			/* GVA 0-2M -> GPA 0 */
	pd[1] = MMIO_GPA | PTE_PS | PTE_P_RW;		/* GVA 2-4M -> GPA 1G */
}

FIXTURE_SETUP(run)
{
	guest_vm_setup(_metadata, &self->vm, fill_ram);
}

FIXTURE_TEARDOWN(run)
{
	guest_vm_teardown(_metadata, &self->vm);
}

static void load_code(FIXTURE_DATA(run) *self, const uint8_t *code, size_t len)
{
	memcpy(self->vm.ram + CODE_GPA, code, len);
}

/* Fields every intercept message has. */
static void check_header(struct __test_metadata *_metadata, FIXTURE_DATA(run) *self,
			 const struct hv_msg *m, uint32_t type, uint8_t size,
			 uint32_t vp, uint64_t rip)
{
	EXPECT_EQ(type, m->type) TH_LOG("message type %#x", m->type);
	EXPECT_EQ(size, m->payload_size);
	if (self->vm.pt_id)
		EXPECT_EQ(self->vm.pt_id, m->sender);
	EXPECT_EQ(vp, m->h.vp_index);
	EXPECT_EQ(rip, m->h.rip);
	EXPECT_EQ(0, m->h.insn_len_cr8 >> 4);	/* CR8 */
}

static void check_cs(struct __test_metadata *_metadata, const struct hv_msg *m,
		     struct hv_seg cs)
{
	EXPECT_EQ(cs.base, m->h.cs.base);
	EXPECT_EQ(cs.limit, m->h.cs.limit);
	EXPECT_EQ(cs.selector, m->h.cs.selector);
	EXPECT_EQ(cs.attributes, m->h.cs.attributes);
}

/* After an exit the page is valid, clean and agrees with the message. */
static void check_regpage(struct __test_metadata *_metadata, uint8_t *regs,
			  const struct hv_msg *m)
{
	EXPECT_EQ(1, *(uint16_t *)(regs + RP_VERSION));
	EXPECT_EQ(1, regs[RP_ISVALID]);
	EXPECT_EQ(0, *rp_dirty(regs));
	EXPECT_EQ(m->h.rip, *rp64(regs, RP_RIP));
	EXPECT_EQ(m->h.rflags, *rp64(regs, RP_RFLAGS));
	if (m->type == HVMSG_X64_IO_PORT_INTERCEPT)
		EXPECT_EQ(m->io.rax, *rp64(regs, RP_GP(GP_RAX)));
}

static void check_insn(struct __test_metadata *_metadata, const uint8_t *bytes,
		       uint8_t count, const uint8_t *want, uint8_t len)
{
	EXPECT_GE(count, len);
	EXPECT_LE(count, 16);
	EXPECT_EQ(0, memcmp(bytes, want, len)) TH_LOG("instruction bytes");
}

/*
 * Run @vp to its next exit, which must be an OUT of @size bytes to @port
 * by the instruction at @rip; step past it and return RAX.
 */
static uint64_t expect_out(struct __test_metadata *_metadata, int vp, uint8_t *regs,
			   uint16_t port, uint8_t size, uint64_t rip)
{
	struct hv_msg m;

	ASSERT_EQ(0, run_vp(vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	ASSERT_EQ(HVMSG_X64_IO_PORT_INTERCEPT, m.type)
		TH_LOG("type %#x at rip %#lx, want OUT %#x at %#lx", m.type,
		       m.h.rip, port, rip);
	EXPECT_EQ(ACCESS_WRITE, m.h.access_type);
	EXPECT_EQ(port, m.io.port);
	EXPECT_EQ(size, m.io.access_info);
	EXPECT_EQ(rip, m.h.rip);
	skip_insn(regs, &m);
	return m.io.rax;
}

static void expect_halt(struct __test_metadata *_metadata, FIXTURE_DATA(run) *self,
			uint64_t rip)
{
	struct hv_msg m;

	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_HALT, 40, 0, rip);
	EXPECT_EQ(1, m.h.insn_len_cr8 & 0xf);
}

/* ------------------------------------------------------------ I/O ports -- */

struct io_step {
	uint8_t off;		/* code offset of the instruction */
	uint8_t len;		/* its length */
	bool out;
	uint8_t size;
	uint16_t port;
	uint64_t rax;		/* RAX in the message */
};

struct io_prog {
	enum mode mode;
	const uint8_t *code;
	size_t code_len;
	uint64_t rax0;		/* initial RAX */
	struct io_step out1;	/* OUT of a constant */
	struct io_step in;	/* IN; the VMM then sets RAX to in_result */
	uint64_t in_result;
	struct io_step out2;	/* OUT of what the IN read */
	uint8_t hlt_off;
	uint16_t exec_state;
	uint16_t ds_sel, es_sel;
};

#define IO_RCX	0x1c1c1c1cULL
#define IO_RSI	0x5151ULL
#define IO_RDI	0xd1d1ULL

static void check_io(struct __test_metadata *_metadata, FIXTURE_DATA(run) *self,
		     const struct io_prog *p, const struct io_step *s,
		     const struct hv_msg *m)
{
	check_header(_metadata, self, m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0,
		     code_rip(p->mode, s->off));
	EXPECT_EQ(s->len, m->h.insn_len_cr8 & 0xf);
	EXPECT_EQ(s->out ? ACCESS_WRITE : ACCESS_READ, m->h.access_type);
	EXPECT_EQ(p->exec_state, m->h.exec_state);
	check_cs(_metadata, m, mode_cs(p->mode));
	EXPECT_EQ(RFLAGS_FIXED, m->h.rflags);
	EXPECT_EQ(s->port, m->io.port);
	EXPECT_EQ(s->size, m->io.access_info);
	EXPECT_EQ(s->rax, m->io.rax);
	check_insn(_metadata, m->io.insn, m->io.insn_count, p->code + s->off, s->len);
	EXPECT_EQ(p->ds_sel, m->io.ds.selector);
	EXPECT_EQ(p->es_sel, m->io.es.selector);
	EXPECT_EQ(IO_RCX, m->io.rcx);
	EXPECT_EQ(IO_RSI, m->io.rsi);
	EXPECT_EQ(IO_RDI, m->io.rdi);
	check_regpage(_metadata, self->vm.regs, m);
}

/* OUT, IN (the VMM supplies the value), OUT of that value, HLT. */
static void io_round_trip(struct __test_metadata *_metadata, FIXTURE_DATA(run) *self,
			  const struct io_prog *p)
{
	const struct reg extra[] = {
		REG(HV_X64_REGISTER_RAX, p->rax0),
		REG(HV_X64_REGISTER_RCX, IO_RCX),
		REG(HV_X64_REGISTER_RSI, IO_RSI),
		REG(HV_X64_REGISTER_RDI, IO_RDI),
	};
	struct hv_msg m;

	load_code(self, p->code, p->code_len);
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, p->mode, 0, RFLAGS_FIXED, extra,
			      ARRAY_SIZE(extra))) TH_LOG("%s", strerror(errno));

	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_io(_metadata, self, p, &p->out1, &m);
	skip_insn(self->vm.regs, &m);

	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_io(_metadata, self, p, &p->in, &m);
	page_set_gp(self->vm.regs, GP_RAX, p->in_result);
	skip_insn(self->vm.regs, &m);

	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_io(_metadata, self, p, &p->out2, &m);
	skip_insn(self->vm.regs, &m);

	expect_halt(_metadata, self, code_rip(p->mode, p->hlt_off));
	/* The VP stays halted with RIP past the HLT. */
	EXPECT_EQ(code_rip(p->mode, p->hlt_off + 1), *rp64(self->vm.regs, RP_RIP));
}

TEST_F(run, io_real_mode)
{
	static const uint8_t code[] = {
		0xb0, 0xa5,		/* 00: mov al, 0xa5 */
		0xe6, 0x80,		/* 02: out 0x80, al */
		0xba, 0x34, 0x12,	/* 04: mov dx, 0x1234 */
		0xed,			/* 07: in ax, dx */
		0xef,			/* 08: out dx, ax */
		0xf4,			/* 09: hlt */
	};
	const struct io_prog p = {
		.mode = MODE_REAL, .code = code, .code_len = sizeof(code),
		.rax0 = 0x11223344,
		.out1 = { 0x02, 2, true, 1, 0x80, 0x112233a5 },
		.in = { 0x07, 1, false, 2, 0x1234, 0x112233a5 },
		.in_result = 0x1122beef,
		.out2 = { 0x08, 1, true, 2, 0x1234, 0x1122beef },
		.hlt_off = 0x09,
		.exec_state = 0,
		.ds_sel = REAL_DS, .es_sel = REAL_ES,
	};

	io_round_trip(_metadata, self, &p);
}

TEST_F(run, io_protected_mode)
{
	static const uint8_t code[] = {
		0xb8, 0xef, 0xcd, 0xab, 0x89,	/* 00: mov eax, 0x89abcdef */
		0x66, 0xba, 0xf8, 0x03,		/* 05: mov dx, 0x3f8 */
		0xef,				/* 09: out dx, eax */
		0xe4, 0x71,			/* 0a: in al, 0x71 */
		0xe6, 0x72,			/* 0c: out 0x72, al */
		0xf4,				/* 0e: hlt */
	};
	const struct io_prog p = {
		.mode = MODE_PROT32, .code = code, .code_len = sizeof(code),
		.rax0 = 0,
		.out1 = { 0x09, 1, true, 4, 0x3f8, 0x89abcdef },
		.in = { 0x0a, 2, false, 1, 0x71, 0x89abcdef },
		.in_result = 0x89abcd5c,
		.out2 = { 0x0c, 2, true, 1, 0x72, 0x89abcd5c },
		.hlt_off = 0x0e,
		.exec_state = EXEC_CR0_PE,
		.ds_sel = FLAT_DS, .es_sel = FLAT_ES,
	};

	io_round_trip(_metadata, self, &p);
}

TEST_F(run, io_long_mode)
{
	static const uint8_t code[] = {
		0x48, 0xb8, 0x88, 0x77, 0x66, 0x55,
		0x44, 0x33, 0x22, 0x11,		/* 00: mov rax, 0x1122334455667788 */
		0x66, 0xe7, 0x90,		/* 0a: out 0x90, ax */
		0xba, 0xf8, 0x0c, 0x00, 0x00,	/* 0d: mov edx, 0xcf8 */
		0xed,				/* 12: in eax, dx */
		0xef,				/* 13: out dx, eax */
		0xf4,				/* 14: hlt */
	};
	const struct io_prog p = {
		.mode = MODE_LONG, .code = code, .code_len = sizeof(code),
		.rax0 = 0,
		.out1 = { 0x0a, 3, true, 2, 0x90, 0x1122334455667788ULL },
		.in = { 0x12, 1, false, 4, 0xcf8, 0x1122334455667788ULL },
		/* A 32-bit IN zero-extends into RAX in 64-bit mode. */
		.in_result = 0xcafebabe,
		.out2 = { 0x13, 1, true, 4, 0xcf8, 0xcafebabe },
		.hlt_off = 0x14,
		.exec_state = EXEC_CR0_PE | EXEC_EFER_LMA,
		.ds_sel = FLAT_DS, .es_sel = FLAT_ES,
	};

	io_round_trip(_metadata, self, &p);
}

TEST_F(run, io_user_mode)
{
	static const uint8_t code[] = {
		0xe6, 0x21,		/* 00: out 0x21, al (CPL 3, IOPL 3) */
	};
	struct hv_msg m;

	load_code(self, code, sizeof(code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_USER32, 0,
			      RFLAGS_FIXED | RFLAGS_IOPL3, NULL, 0));
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0, CODE_GPA);
	EXPECT_EQ(3 | EXEC_CR0_PE, m.h.exec_state);	/* CPL 3 */
	check_cs(_metadata, &m, mode_cs(MODE_USER32));
	EXPECT_EQ(RFLAGS_FIXED | RFLAGS_IOPL3, m.h.rflags);
	EXPECT_EQ(0x21, m.io.port);
	EXPECT_EQ(USER_DS, m.io.ds.selector);
}

TEST_F(run, reset_vector)
{
	static const uint8_t code[] = {
		0xb0, 0x5a,		/* fff0: mov al, 0x5a */
		0xe6, 0x80,		/* fff2: out 0x80, al */
		0xf4,			/* fff4: hlt */
	};
	const struct hv_seg reset_cs = { 0xffff0000, 0xffff, 0xf000, SEG_CODE16 };
	uint8_t *top;
	struct hv_msg m;

	/* No register set up: a new VP starts at F000:FFF0 (GPA FFFFFFF0). */
	top = mmap(NULL, HV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, top);
	memset(top, 0xf4, HV_PAGE);
	memcpy(top + 0xff0, code, sizeof(code));
	ASSERT_EQ(0, set_memory(self->vm.pt, 0xfffff, top, HV_PAGE, MEM_RW))
		TH_LOG("%s", strerror(errno));

	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0, 0xfff2);
	EXPECT_EQ(2, m.h.insn_len_cr8 & 0xf);
	EXPECT_EQ(ACCESS_WRITE, m.h.access_type);
	EXPECT_EQ(0, m.h.exec_state);
	check_cs(_metadata, &m, reset_cs);
	EXPECT_EQ(RFLAGS_FIXED, m.h.rflags);
	EXPECT_EQ(0x80, m.io.port);
	EXPECT_EQ(1, m.io.access_info);
	EXPECT_EQ(0x5a, m.io.rax);
	check_insn(_metadata, m.io.insn, m.io.insn_count, code + 2, 2);
	check_regpage(_metadata, self->vm.regs, &m);
	skip_insn(self->vm.regs, &m);
	expect_halt(_metadata, self, 0xfff4);

	EXPECT_EQ(0, set_memory(self->vm.pt, 0xfffff, top, HV_PAGE, MEM_UNMAP));
	munmap(top, HV_PAGE);
}

/* ----------------------------------------------------------------- MMIO -- */

TEST_F(run, mmio)
{
	static const uint8_t code[] = {
		0xbb, 0x10, 0x00, 0x20, 0x00,	/* 00: mov ebx, 0x200010 */
		0x8b, 0x03,			/* 05: mov eax, [rbx]  (unmapped) */
		0xe7, 0x10,			/* 07: out 0x10, eax */
		0xc7, 0x43, 0x04,
		0x0d, 0xf0, 0xfe, 0xca,		/* 09: mov dword [rbx+4], 0xcafef00d */
		0xb9, 0x00, 0x00, 0x01, 0x00,	/* 10: mov ecx, 0x10000 */
		0x89, 0x01,			/* 15: mov [rcx], eax  (read-only) */
		0x8b, 0x01,			/* 17: mov eax, [rcx]  (allowed) */
		0xe7, 0x11,			/* 19: out 0x11, eax */
		0xff, 0xe1,			/* 1b: jmp rcx         (not executable) */
	};
	uint8_t *ro;
	struct hv_msg m;

	ro = mmap(NULL, HV_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	memset(ro, 0, HV_PAGE);
	*(uint32_t *)ro = 0x600df00d;
	ASSERT_EQ(0, set_memory(self->vm.pt, RO_GPA / HV_PAGE, ro, HV_PAGE, 0))
		TH_LOG("%s", strerror(errno));
	load_code(self, code, sizeof(code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_LONG, 0, RFLAGS_FIXED, NULL, 0));

	/* Read of an unmapped GPA: the VMM emulates it. */
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_UNMAPPED_GPA, 80, 0, CODE_GPA + 0x05);
	EXPECT_EQ(2, m.h.insn_len_cr8 & 0xf);
	EXPECT_EQ(ACCESS_READ, m.h.access_type);
	EXPECT_EQ(EXEC_CR0_PE | EXEC_EFER_LMA, m.h.exec_state);
	EXPECT_EQ(MMIO_GVA + 0x10, m.mem.gva);
	EXPECT_EQ(MMIO_GPA + 0x10, m.mem.gpa);
	EXPECT_EQ(3, m.mem.access_info & 3);
	check_insn(_metadata, m.mem.insn, m.mem.insn_count, code + 0x05, 2);
	check_regpage(_metadata, self->vm.regs, &m);
	page_set_gp(self->vm.regs, GP_RAX, 0x7e57da7a);
	skip_insn(self->vm.regs, &m);
	EXPECT_EQ(0x7e57da7a,
		  expect_out(_metadata, self->vm.vp, self->vm.regs, 0x10, 4, CODE_GPA + 0x07));

	/* Write of an unmapped GPA. */
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_UNMAPPED_GPA, 80, 0, CODE_GPA + 0x09);
	EXPECT_EQ(7, m.h.insn_len_cr8 & 0xf);
	EXPECT_EQ(ACCESS_WRITE, m.h.access_type);
	EXPECT_EQ(MMIO_GVA + 0x14, m.mem.gva);
	EXPECT_EQ(MMIO_GPA + 0x14, m.mem.gpa);
	EXPECT_EQ(3, m.mem.access_info & 3);
	check_insn(_metadata, m.mem.insn, m.mem.insn_count, code + 0x09, 7);
	skip_insn(self->vm.regs, &m);

	/* Write of a read-only page: GPA_INTERCEPT, nothing written. */
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_GPA_INTERCEPT, 80, 0, CODE_GPA + 0x15);
	EXPECT_EQ(2, m.h.insn_len_cr8 & 0xf);
	EXPECT_EQ(ACCESS_WRITE, m.h.access_type);
	EXPECT_EQ(RO_GPA, m.mem.gva);
	EXPECT_EQ(RO_GPA, m.mem.gpa);
	EXPECT_EQ(3, m.mem.access_info & 3);
	check_insn(_metadata, m.mem.insn, m.mem.insn_count, code + 0x15, 2);
	EXPECT_EQ(0x600df00d, *(uint32_t *)ro);
	skip_insn(self->vm.regs, &m);

	/* Reading it is fine. */
	EXPECT_EQ(0x600df00d,
		  expect_out(_metadata, self->vm.vp, self->vm.regs, 0x11, 4, CODE_GPA + 0x19));

	/* Executing from it is not. */
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_GPA_INTERCEPT, 80, 0, RO_GPA);
	EXPECT_EQ(ACCESS_EXECUTE, m.h.access_type);
	EXPECT_EQ(RO_GPA, m.mem.gpa);
	EXPECT_EQ(RO_GPA, m.mem.gva);
	EXPECT_EQ(1, m.mem.access_info & 1);
	EXPECT_EQ(0x600df00d, *(uint32_t *)ro);

	EXPECT_EQ(0, set_memory(self->vm.pt, RO_GPA / HV_PAGE, ro, HV_PAGE, MEM_UNMAP));
	munmap(ro, HV_PAGE);
}

/* ------------------------------------------------------------------ HLT -- */

TEST_F(run, halt_with_interrupts_off)
{
	static const uint8_t code[] = {
		0x90,			/* 00: nop */
		0xf4,			/* 01: hlt */
		0xe6, 0x99,		/* 02: out 0x99, al (never reached) */
	};
	struct hv_msg m;

	load_code(self, code, sizeof(code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_PROT32, 0, RFLAGS_FIXED, NULL, 0));
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_HALT, 40, 0, CODE_GPA + 1);
	EXPECT_EQ(1, m.h.insn_len_cr8 & 0xf);
	EXPECT_EQ(EXEC_CR0_PE, m.h.exec_state);
	check_cs(_metadata, &m, mode_cs(MODE_PROT32));
	EXPECT_EQ(RFLAGS_FIXED, m.h.rflags);
	EXPECT_EQ(1, *(uint16_t *)(self->vm.regs + RP_VERSION));
	EXPECT_EQ(1, self->vm.regs[RP_ISVALID]);
	EXPECT_EQ(0, *rp_dirty(self->vm.regs));
	/* The VP is halted past the HLT ... */
	EXPECT_EQ(CODE_GPA + 2, *rp64(self->vm.regs, RP_RIP));

	/* ... and with IF still 0 it halts again. */
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	EXPECT_EQ(HVMSG_X64_HALT, m.type);
	EXPECT_EQ(40, m.payload_size);
}

/* Sends SIGUSR1 to @target after @delay_ms, then every 250 ms until stopped. */
struct killer {
	pthread_t target;
	pthread_t thread;
	long delay_ms;
	double sent;		/* time of the first signal */
	atomic_int stop;
};

static void *killer_fn(void *arg)
{
	struct killer *k = arg;
	int i;

	sleep_ms(k->delay_ms);
	k->sent = now_s();
	while (!atomic_load(&k->stop)) {
		pthread_kill(k->target, SIGUSR1);
		for (i = 0; i < 25 && !atomic_load(&k->stop); i++)
			sleep_ms(10);
	}
	return NULL;
}

static int start_killer(struct killer *k, long delay_ms)
{
	k->target = pthread_self();
	k->delay_ms = delay_ms;
	k->sent = 0;
	atomic_store(&k->stop, 0);
	return pthread_create(&k->thread, NULL, killer_fn, k);
}

static void stop_killer(struct killer *k)
{
	atomic_store(&k->stop, 1);
	pthread_join(k->thread, NULL);
}

TEST_F(run, halt_with_interrupts_on_waits_for_a_signal)
{
	static const uint8_t code[] = {
		0xf4,			/* 00: hlt (IF = 1: wait for an interrupt) */
	};
	struct mshv_run_vp run;
	struct killer k;
	double done;
	int ret, err;

	load_code(self, code, sizeof(code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_PROT32, 0,
			      RFLAGS_FIXED | RFLAGS_IF, NULL, 0));
	ASSERT_EQ(0, start_killer(&k, 200));
	ret = ioctl(self->vm.vp, MSHV_RUN_VP, &run);
	err = errno;
	done = now_s();
	stop_killer(&k);
	EXPECT_EQ(-1, ret) TH_LOG("message %#x instead of waiting",
				  *(uint32_t *)run.msg_buf);
	EXPECT_EQ(EINTR, err);
	EXPECT_NE(0, k.sent);
	EXPECT_LT(done - k.sent, 1.0) TH_LOG("EINTR %.3f s after the signal",
					     done - k.sent);
}

/* ---------------------------------------------------------------- CPUID -- */

static int install_cpuid_intercept(int pt, uint32_t leaf, uint16_t *status)
{
	struct mshv_root_hvcall call;
	struct {
		uint64_t partition_id;
		uint32_t access_type_mask;
		uint32_t intercept_type;
		uint64_t parameter;
	} in = {
		.access_type_mask = HV_INTERCEPT_ACCESS_MASK_EXECUTE,
		.intercept_type = HV_INTERCEPT_TYPE_X64_CPUID,
		.parameter = leaf,
	};
	int ret;

	ret = root_hvcall(pt, &call, HVCALL_INSTALL_INTERCEPT, 0, &in, sizeof(in),
			  NULL, 0);
	*status = call.status;
	return ret;
}

TEST_F(run, cpuid_intercept)
{
	static const uint8_t code[] = {
		0xb8, 0x01, 0x00, 0x00, 0x00,	/* 00: mov eax, 1 */
		0x0f, 0xa2,			/* 05: cpuid (no intercept yet) */
		0xe7, 0x10,			/* 07: out 0x10, eax */
		0x89, 0xd8,			/* 09: mov eax, ebx */
		0xe7, 0x10,			/* 0b: out 0x10, eax */
		0x89, 0xc8,			/* 0d: mov eax, ecx */
		0xe7, 0x10,			/* 0f: out 0x10, eax */
		0x89, 0xd0,			/* 11: mov eax, edx */
		0xe7, 0x10,			/* 13: out 0x10, eax */
		0xb8, 0x01, 0x00, 0x00, 0x00,	/* 15: mov eax, 1 */
		0xb9, 0x55, 0x00, 0x00, 0x00,	/* 1a: mov ecx, 0x55 */
		0x0f, 0xa2,			/* 1f: cpuid (intercepted) */
		0xe7, 0x11,			/* 21: out 0x11, eax */
		0x89, 0xd8,			/* 23: mov eax, ebx */
		0xe7, 0x11,			/* 25: out 0x11, eax */
		0x89, 0xc8,			/* 27: mov eax, ecx */
		0xe7, 0x11,			/* 29: out 0x11, eax */
		0x89, 0xd0,			/* 2b: mov eax, edx */
		0xe7, 0x11,			/* 2d: out 0x11, eax */
		0x31, 0xc0,			/* 2f: xor eax, eax */
		0x0f, 0xa2,			/* 31: cpuid (leaf 0: not intercepted) */
		0xe7, 0x12,			/* 33: out 0x12, eax */
		0xf4,				/* 35: hlt */
	};
	uint64_t a, b, c, d;
	uint16_t status = 0xffff;
	struct hv_msg m;

	load_code(self, code, sizeof(code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_PROT32, 0, RFLAGS_FIXED, NULL, 0));

	/* Without an intercept CPUID completes in the hypervisor. */
	a = expect_out(_metadata, self->vm.vp, self->vm.regs, 0x10, 4, CODE_GPA + 0x07);
	b = expect_out(_metadata, self->vm.vp, self->vm.regs, 0x10, 4, CODE_GPA + 0x0b);
	c = expect_out(_metadata, self->vm.vp, self->vm.regs, 0x10, 4, CODE_GPA + 0x0f);
	d = expect_out(_metadata, self->vm.vp, self->vm.regs, 0x10, 4, CODE_GPA + 0x13);

	ASSERT_EQ(0, install_cpuid_intercept(self->vm.pt, 1, &status))
		TH_LOG("%s status %#x", strerror(errno), status);
	EXPECT_EQ(HV_STATUS_SUCCESS, status);

	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_CPUID_INTERCEPT, 104, 0,
		     CODE_GPA + 0x1f);
	EXPECT_EQ(2, m.h.insn_len_cr8 & 0xf);
	EXPECT_EQ(EXEC_CR0_PE, m.h.exec_state);
	check_cs(_metadata, &m, mode_cs(MODE_PROT32));
	EXPECT_EQ(1, m.cpuid.rax);
	EXPECT_EQ(0x55, m.cpuid.rcx);
	EXPECT_EQ(b, m.cpuid.rbx);
	EXPECT_EQ(d, m.cpuid.rdx);
	/* What the hypervisor would have returned: what it did return above. */
	EXPECT_EQ(a, m.cpuid.def_rax);
	EXPECT_EQ(b, m.cpuid.def_rbx);
	EXPECT_EQ(c, m.cpuid.def_rcx);
	EXPECT_EQ(d, m.cpuid.def_rdx);
	check_regpage(_metadata, self->vm.regs, &m);

	/* The VMM's result. */
	page_set_gp(self->vm.regs, GP_RAX, 0xa1);
	page_set_gp(self->vm.regs, GP_RBX, 0xb2);
	page_set_gp(self->vm.regs, GP_RCX, 0xc3);
	page_set_gp(self->vm.regs, GP_RDX, 0xd4);
	skip_insn(self->vm.regs, &m);
	EXPECT_EQ(0xa1, expect_out(_metadata, self->vm.vp, self->vm.regs, 0x11, 4,
				   CODE_GPA + 0x21));
	EXPECT_EQ(0xb2, expect_out(_metadata, self->vm.vp, self->vm.regs, 0x11, 4,
				   CODE_GPA + 0x25));
	EXPECT_EQ(0xc3, expect_out(_metadata, self->vm.vp, self->vm.regs, 0x11, 4,
				   CODE_GPA + 0x29));
	EXPECT_EQ(0xd4, expect_out(_metadata, self->vm.vp, self->vm.regs, 0x11, 4,
				   CODE_GPA + 0x2d));
	/* Another leaf is not intercepted. */
	EXPECT_LE(1, expect_out(_metadata, self->vm.vp, self->vm.regs, 0x12, 4,
				CODE_GPA + 0x33));
	expect_halt(_metadata, self, CODE_GPA + 0x35);
}

/* -------------------------------------------------------- register page -- */

TEST_F(run, register_page)
{
	static const uint8_t code[] = {
		0xe7, 0x10,		/* 00: out 0x10, eax */
		0x89, 0xd8,		/* 02: mov eax, ebx */
		0xe7, 0x10,		/* 04: out 0x10, eax */
		0x89, 0xc8,		/* 06: mov eax, ecx */
		0xe7, 0x10,		/* 08: out 0x10, eax */
		0x89, 0xd0,		/* 0a: mov eax, edx */
		0xe7, 0x10,		/* 0c: out 0x10, eax */
		0xf4,			/* 0e: hlt */
	};
	const struct reg extra[] = {
		REG(HV_X64_REGISTER_RAX, 0xa0a0),
		REG(HV_X64_REGISTER_RBX, 0xb0b0),
		REG(HV_X64_REGISTER_RCX, 0xc0c0),
		REG(HV_X64_REGISTER_RDX, 0xd0d0),
	};
	uint8_t *regs = self->vm.regs;
	uint64_t v;
	struct hv_msg m;

	load_code(self, code, sizeof(code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_PROT32, 0, RFLAGS_FIXED, extra,
			      ARRAY_SIZE(extra)));
	/* Hypercall writes show in the page, without dirty bits. */
	EXPECT_EQ(0xb0b0, *rp64(regs, RP_GP(GP_RBX)));
	EXPECT_EQ(CODE_GPA, *rp64(regs, RP_RIP));
	EXPECT_EQ(0, *rp_dirty(regs));

	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0, CODE_GPA);
	check_regpage(_metadata, regs, &m);
	EXPECT_EQ(0xa0a0, m.io.rax);
	EXPECT_EQ(0xb0b0, *rp64(regs, RP_GP(GP_RBX)));
	EXPECT_EQ(0xd0d0, *rp64(regs, RP_GP(GP_RDX)));
	EXPECT_EQ(RFLAGS_FIXED, *rp64(regs, RP_RFLAGS));

	/* A dirty GP write reaches the guest. */
	page_set_gp(regs, GP_RBX, 0x0b0b0b0b);
	skip_insn(regs, &m);
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0,
		     CODE_GPA + 4);
	EXPECT_EQ(0x0b0b0b0b, m.io.rax);
	check_regpage(_metadata, regs, &m);
	EXPECT_EQ(0x0b0b0b0b, *rp64(regs, RP_GP(GP_RBX)));

	/* SET_VP_REGISTERS on a stopped VP: mirrored in the page, clean. */
	ASSERT_EQ(0, set_reg(self->vm.vp, 0, HV_X64_REGISTER_RCX, 0x13579bdf));
	ASSERT_EQ(0, set_reg(self->vm.vp, 0, HV_X64_REGISTER_RIP, CODE_GPA + 6));
	EXPECT_EQ(0x13579bdf, *rp64(regs, RP_GP(GP_RCX)));
	EXPECT_EQ(CODE_GPA + 6, *rp64(regs, RP_RIP));
	EXPECT_EQ(0, *rp_dirty(regs));
	ASSERT_EQ(0, get_reg(self->vm.vp, 0, HV_X64_REGISTER_RBX, &v));
	EXPECT_EQ(0x0b0b0b0b, v);
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0,
		     CODE_GPA + 8);
	EXPECT_EQ(0x13579bdf, m.io.rax);
	check_regpage(_metadata, regs, &m);

	/* A page write without its dirty bit is not loaded ... */
	*rp64(regs, RP_GP(GP_RDX)) = 0x5555;
	skip_insn(regs, &m);
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0,
		     CODE_GPA + 0xc);
	EXPECT_EQ(0xd0d0, m.io.rax);
	/* ... and the page is refreshed at the next exit. */
	EXPECT_EQ(0xd0d0, *rp64(regs, RP_GP(GP_RDX)));
	check_regpage(_metadata, regs, &m);
	skip_insn(regs, &m);
	expect_halt(_metadata, self, CODE_GPA + 0xe);
}

/* -------------------------------------------------------------- signals -- */

TEST_F(run, signal_interrupts_a_spinning_guest)
{
	static const uint8_t code[] = {
		0xeb, 0xfe,		/* 00: jmp $ */
		0xe6, 0x33,		/* 02: out 0x33, al */
		0xf4,			/* 04: hlt */
	};
	struct mshv_run_vp run;
	struct hv_msg m;
	struct killer k;
	double done;
	int i, ret, err;

	load_code(self, code, sizeof(code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_PROT32, 0, RFLAGS_FIXED, NULL, 0));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, start_killer(&k, 100));
		ret = ioctl(self->vm.vp, MSHV_RUN_VP, &run);
		err = errno;
		done = now_s();
		stop_killer(&k);
		EXPECT_EQ(-1, ret) TH_LOG("round %d: message %#x", i,
					  *(uint32_t *)run.msg_buf);
		EXPECT_EQ(EINTR, err);
		EXPECT_NE(0, k.sent);
		EXPECT_LT(done - k.sent, 1.0)
			TH_LOG("round %d: EINTR %.3f s after the signal", i,
			       done - k.sent);
	}
	/* The VP is stopped and can be redirected and run on. */
	ASSERT_EQ(0, set_reg(self->vm.vp, 0, HV_X64_REGISTER_RIP, CODE_GPA + 2));
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0,
		     CODE_GPA + 2);
	EXPECT_EQ(0x33, m.io.port);
}

struct storm {
	pthread_t target;
	atomic_int stop;
	long sent;
};

static void *storm_fn(void *arg)
{
	struct storm *s = arg;
	unsigned int seed = 1;

	while (!atomic_load(&s->stop)) {
		pthread_kill(s->target, SIGUSR1);
		s->sent++;
		sleep_us(20 + rand_r(&seed) % 300);
	}
	return NULL;
}

#define STORM_OUTS	2000

TEST_F(run, signal_storm_loses_no_intercept)
{
	/*
	 * Every 128th OUT is followed by a spin of 50000 instructions, so
	 * that signals also land while the guest runs (under the root
	 * scheduler that takes several DISPATCH_VP calls).
	 */
	static const uint8_t code[] = {
		0x31, 0xc0,			/* 00: xor eax, eax */
		0xe7, 0x42,			/* 02: 1: out 0x42, eax */
		0x89, 0xc1,			/* 04: mov ecx, eax */
		0x83, 0xe1, 0x7f,		/* 06: and ecx, 127 */
		0x75, 0x07,			/* 09: jnz 2f */
		0xb9, 0x50, 0xc3, 0x00, 0x00,	/* 0b: mov ecx, 50000 */
		0xe2, 0xfe,			/* 10: 3: loop 3b */
		0x40,				/* 12: 2: inc eax */
		0x3d, 0xd0, 0x07, 0x00, 0x00,	/* 13: cmp eax, 2000 */
		0x75, 0xe8,			/* 18: jne 1b */
		0xf4,				/* 1a: hlt */
	};
	struct mshv_run_vp run;
	struct storm s = { .target = pthread_self() };
	pthread_t thread;
	long interrupted = 0;
	uint32_t seen = 0, bad_type = 0;
	uint64_t bad_rip = 0, bad_rax = 0;
	bool bad = false;
	double deadline = now_s() + 20;
	struct hv_msg m = { .type = 0 };
	int ret = 0, err = 0;

	load_code(self, code, sizeof(code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_PROT32, 0, RFLAGS_FIXED, NULL, 0));
	atomic_store(&sigusr1_count, 0);
	ASSERT_EQ(0, pthread_create(&thread, NULL, storm_fn, &s));
	for (;;) {
		if (now_s() > deadline) {
			err = ETIMEDOUT;
			break;
		}
		ret = ioctl(self->vm.vp, MSHV_RUN_VP, &run);
		if (ret == -1 && (errno == EINTR || errno == EAGAIN)) {
			interrupted++;
			continue;
		}
		if (ret) {
			err = errno;
			break;
		}
		memcpy(&m, &run, sizeof(m));
		if (m.type == HVMSG_X64_HALT)
			break;
		if (m.type != HVMSG_X64_IO_PORT_INTERCEPT || m.h.rip != CODE_GPA + 2 ||
		    (uint32_t)m.io.rax != seen) {
			bad = true;
			bad_type = m.type;
			bad_rip = m.h.rip;
			bad_rax = m.io.rax;
			break;
		}
		seen++;
		skip_insn(self->vm.regs, &m);
	}
	atomic_store(&s.stop, 1);
	pthread_join(thread, NULL);

	EXPECT_EQ(0, err) TH_LOG("after %u OUTs: %s", seen, strerror(err));
	EXPECT_FALSE(bad)
		TH_LOG("after %u OUTs: type %#x rip %#lx rax %#lx", seen, bad_type,
		       bad_rip, bad_rax);
	EXPECT_EQ(STORM_OUTS, seen);
	EXPECT_EQ(HVMSG_X64_HALT, m.type);
	EXPECT_EQ(CODE_GPA + 0x1a, m.h.rip);
	EXPECT_GT(interrupted, 0)
		TH_LOG("%ld signals sent, %d handled, no RUN_VP interrupted", s.sent,
		       atomic_load(&sigusr1_count));
	TH_LOG("%u OUTs, %ld signals sent, %ld RUN_VP interrupted", seen, s.sent,
	       interrupted);
}

/* ---------------------------------------------------------- 64 VPs ------ */

#define NR_PARALLEL_VPS	64
#define VP_OUTS		32

struct vp_worker {
	int fd;
	uint32_t index;
	uint8_t *regs;
	pthread_t thread;
	int count;
	int err;
	bool halted;
	uint32_t bad_type;
	uint32_t bad_vp;
	uint16_t bad_port;
	uint64_t bad_rax;
};

static void *vp_worker_fn(void *arg)
{
	struct vp_worker *w = arg;
	struct hv_msg m;

	for (;;) {
		if (run_vp(w->fd, &m)) {
			w->err = errno;
			return NULL;
		}
		if (m.type == HVMSG_X64_HALT && m.h.vp_index == w->index) {
			w->halted = true;
			return NULL;
		}
		if (m.type != HVMSG_X64_IO_PORT_INTERCEPT || m.h.vp_index != w->index ||
		    m.io.port != 0x20 || m.io.access_info != 2 ||
		    (uint16_t)m.io.rax != w->index) {
			w->bad_type = m.type;
			w->bad_vp = m.h.vp_index;
			w->bad_port = m.io.port;
			w->bad_rax = m.io.rax;
			return NULL;
		}
		w->count++;
		skip_insn(w->regs, &m);
	}
}

TEST_F(run, sixty_four_vps_in_parallel)
{
	static const uint8_t code[] = {
		0xe7, 0x20,		/* 00: 1: out 0x20, ax */
		0xe2, 0xfc,		/* 02: loop 1b */
		0xf4,			/* 04: hlt */
	};
	struct vp_worker w[NR_PARALLEL_VPS];
	pthread_attr_t attr;
	int i, started = 0;

	memset(w, 0, sizeof(w));
	load_code(self, code, sizeof(code));
	w[0].fd = self->vm.vp;
	w[0].regs = self->vm.regs;
	for (i = 1; i < NR_PARALLEL_VPS; i++) {
		w[i].fd = create_vp(self->vm.pt, i);
		ASSERT_GE(w[i].fd, 0) TH_LOG("VP %d: %s", i, strerror(errno));
		w[i].regs = map_regs(w[i].fd);
		ASSERT_NE(NULL, w[i].regs);
	}
	for (i = 0; i < NR_PARALLEL_VPS; i++) {
		const struct reg extra[] = {
			REG(HV_X64_REGISTER_RAX, i),
			REG(HV_X64_REGISTER_RCX, VP_OUTS),
		};

		w[i].index = i;
		ASSERT_EQ(0, setup_vp(w[i].fd, i, MODE_REAL, 0, RFLAGS_FIXED, extra,
				      ARRAY_SIZE(extra))) TH_LOG("VP %d", i);
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (i = 0; i < NR_PARALLEL_VPS; i++) {
		if (pthread_create(&w[i].thread, &attr, vp_worker_fn, &w[i]))
			break;
		started++;
	}
	pthread_attr_destroy(&attr);
	for (i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	EXPECT_EQ(NR_PARALLEL_VPS, started);
	for (i = 0; i < started; i++) {
		EXPECT_EQ(0, w[i].err) TH_LOG("VP %d: %s", i, strerror(w[i].err));
		EXPECT_EQ(0, w[i].bad_type)
			TH_LOG("VP %d: type %#x vp %u port %#x rax %#lx", i,
			       w[i].bad_type, w[i].bad_vp, w[i].bad_port, w[i].bad_rax);
		EXPECT_EQ(VP_OUTS, w[i].count) TH_LOG("VP %d", i);
		EXPECT_TRUE(w[i].halted) TH_LOG("VP %d", i);
	}
	for (i = 1; i < NR_PARALLEL_VPS; i++) {
		munmap(w[i].regs, HV_PAGE);
		close(w[i].fd);
	}
}

/* ------------------------------------------------- closing while running -- */

/*
 * A VP thread: OUT 0x10 (reported), then spin in "jmp $" until a signal;
 * then, if told to go on, redirect to OUT 0x11 and run to it.
 */
struct spinner {
	int fd;
	uint32_t index;
	pthread_t thread;
	atomic_int state;	/* 1: entering the spinning run; 2: it returned */
	atomic_int go;		/* 1: run on; -1: stop */
	int first_ret;
	uint32_t first_type;
	uint16_t first_port;
	int spin_ret;
	int spin_errno;
	int set_ret;
	int run2_ret;
	int run2_errno;
	struct hv_msg run2;
};

static const uint8_t spinner_code[] = {
	0xe6, 0x10,		/* 00: out 0x10, al */
	0xeb, 0xfe,		/* 02: jmp $ */
	0xe6, 0x11,		/* 04: out 0x11, al */
	0xf4,			/* 06: hlt */
};

static void *spinner_fn(void *arg)
{
	struct spinner *s = arg;
	struct mshv_run_vp run;
	struct hv_msg m;
	int i;

	s->first_ret = run_vp(s->fd, &m);
	if (!s->first_ret) {
		s->first_type = m.type;
		s->first_port = m.io.port;
	}
	s->spin_ret = -2;
	if (s->first_ret || set_reg(s->fd, s->index, HV_X64_REGISTER_RIP, CODE_GPA + 2)) {
		atomic_store(&s->state, 2);
		return NULL;
	}
	atomic_store(&s->state, 1);
	s->spin_ret = ioctl(s->fd, MSHV_RUN_VP, &run);
	s->spin_errno = errno;
	atomic_store(&s->state, 2);
	for (i = 0; i < 5000 && !atomic_load(&s->go); i++)
		sleep_ms(1);
	if (atomic_load(&s->go) != 1)
		return NULL;
	s->set_ret = set_reg(s->fd, s->index, HV_X64_REGISTER_RIP, CODE_GPA + 4);
	s->run2_ret = run_vp(s->fd, &s->run2);
	s->run2_errno = errno;
	return NULL;
}

/* Wait (up to 5 s) until every spinner reached @state; signal them meanwhile if asked. */
static bool spinners_reach(struct spinner *s, int n, int state, bool signal)
{
	double deadline = now_s() + 5;
	int i, done;

	while (now_s() < deadline) {
		for (i = 0, done = 0; i < n; i++) {
			if (atomic_load(&s[i].state) >= state)
				done++;
			else if (signal)
				pthread_kill(s[i].thread, SIGUSR1);
		}
		if (done == n)
			return true;
		sleep_ms(20);
	}
	return false;
}

static int start_spinners(FIXTURE_DATA(run) *self, struct spinner *s, int n)
{
	int i;

	load_code(self, spinner_code, sizeof(spinner_code));
	/* The register page mapping holds the VP fd's file: drop it. */
	munmap(self->vm.regs, HV_PAGE);
	self->vm.regs = NULL;
	for (i = 0; i < n; i++) {
		s[i].index = i;
		s[i].fd = i ? create_vp(self->vm.pt, i) : self->vm.vp;
		if (s[i].fd < 0)
			return -1;
		if (setup_vp(s[i].fd, i, MODE_PROT32, 0, RFLAGS_FIXED, NULL, 0))
			return -1;
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&s[i].thread, NULL, spinner_fn, &s[i]))
			return -1;
	return 0;
}

static void partition_is_gone_and_another_works(struct __test_metadata *_metadata,
						FIXTURE_DATA(run) *self)
{
	struct hvsim_stats now;
	int pt, vp;

	if (self->vm.on_hvsim && hvsim_stats(&now))
		EXPECT_EQ(self->vm.before.partitions, now.partitions);
	pt = create_partition(self->vm.sys_fd, true);
	ASSERT_GE(pt, 0) TH_LOG("%s", strerror(errno));
	vp = create_vp(pt, 0);
	EXPECT_GE(vp, 0) TH_LOG("%s", strerror(errno));
	if (vp >= 0)
		close(vp);
	close(pt);
}

TEST_F(run, close_partition_and_vp_fds_while_running)
{
	struct spinner s[3];
	int i;

	memset(s, 0, sizeof(s));
	ASSERT_EQ(0, start_spinners(self, s, 3)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(spinners_reach(s, 3, 1, false));
	sleep_ms(100);

	/* The VP fds keep the partition: the VPs keep running. */
	close(self->vm.pt);
	self->vm.pt = -1;
	sleep_ms(50);
	/* Close VP 1's fd while its thread is in RUN_VP. */
	close(s[1].fd);
	sleep_ms(50);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(1, atomic_load(&s[i].state)) TH_LOG("VP %d returned unsignalled", i);

	/* Signalled, every thread sees EINTR. */
	EXPECT_TRUE(spinners_reach(s, 3, 2, true));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, s[i].first_ret) TH_LOG("VP %d", i);
		EXPECT_EQ(HVMSG_X64_IO_PORT_INTERCEPT, s[i].first_type);
		EXPECT_EQ(0x10, s[i].first_port);
		EXPECT_EQ(-1, s[i].spin_ret) TH_LOG("VP %d", i);
		EXPECT_EQ(EINTR, s[i].spin_errno) TH_LOG("VP %d", i);
	}
	/* The open VP fds still work. */
	atomic_store(&s[0].go, 1);
	atomic_store(&s[1].go, -1);
	atomic_store(&s[2].go, 1);
	for (i = 0; i < 3; i++)
		pthread_join(s[i].thread, NULL);
	for (i = 0; i < 3; i += 2) {
		EXPECT_EQ(0, s[i].set_ret) TH_LOG("VP %d: %s", i, strerror(s[i].run2_errno));
		EXPECT_EQ(0, s[i].run2_ret) TH_LOG("VP %d: %s", i, strerror(s[i].run2_errno));
		EXPECT_EQ(HVMSG_X64_IO_PORT_INTERCEPT, s[i].run2.type);
		EXPECT_EQ(i, s[i].run2.h.vp_index);
		EXPECT_EQ(CODE_GPA + 4, s[i].run2.h.rip);
		EXPECT_EQ(0x11, s[i].run2.io.port);
	}
	close(s[2].fd);
	close(self->vm.vp);
	self->vm.vp = -1;
	partition_is_gone_and_another_works(_metadata, self);
}

TEST_F(run, close_every_fd_while_running)
{
	struct spinner s[2];
	int i;

	memset(s, 0, sizeof(s));
	ASSERT_EQ(0, start_spinners(self, s, 2)) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(spinners_reach(s, 2, 1, false));
	sleep_ms(100);
	close(self->vm.pt);
	self->vm.pt = -1;
	close(self->vm.vp);
	self->vm.vp = -1;
	close(s[1].fd);
	/* The last reference goes when the last RUN_VP returns. */
	EXPECT_TRUE(spinners_reach(s, 2, 2, true));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-1, s[i].spin_ret) TH_LOG("VP %d", i);
		EXPECT_EQ(EINTR, s[i].spin_errno) TH_LOG("VP %d", i);
		atomic_store(&s[i].go, -1);
	}
	for (i = 0; i < 2; i++)
		pthread_join(s[i].thread, NULL);
	partition_is_gone_and_another_works(_metadata, self);
}

/* ------------------------------------------------------------ bad input -- */

static const uint8_t out_hlt_code[] = {
	0xe6, 0x10,		/* 00: out 0x10, al */
	0xf4,			/* 02: hlt */
};

TEST_F(run, bad_buffer_efault)
{
	struct hv_msg m;
	void *ro;

	load_code(self, out_hlt_code, sizeof(out_hlt_code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_PROT32, 0, RFLAGS_FIXED, NULL, 0));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vm.vp, MSHV_RUN_VP, NULL));
	EXPECT_EQ(EFAULT, errno);
	ro = mmap(NULL, HV_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->vm.vp, MSHV_RUN_VP, ro));
	EXPECT_EQ(EFAULT, errno);
	munmap(ro, HV_PAGE);

	/* The OUT is neither lost nor skipped. */
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0, CODE_GPA);
	EXPECT_EQ(0x10, m.io.port);
	skip_insn(self->vm.regs, &m);
	expect_halt(_metadata, self, CODE_GPA + 2);
}

TEST_F(run, other_process_gets_eio)
{
	struct hv_msg m;
	int status;
	pid_t pid;

	load_code(self, out_hlt_code, sizeof(out_hlt_code));
	ASSERT_EQ(0, setup_vp(self->vm.vp, 0, MODE_PROT32, 0, RFLAGS_FIXED, NULL, 0));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct mshv_run_vp run;

		_exit(ioctl(self->vm.vp, MSHV_RUN_VP, &run) == -1 && errno == EIO ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* The child did not run the VP. */
	ASSERT_EQ(0, run_vp(self->vm.vp, &m)) TH_LOG("RUN_VP: %s", strerror(errno));
	check_header(_metadata, self, &m, HVMSG_X64_IO_PORT_INTERCEPT, 128, 0, CODE_GPA);
	EXPECT_EQ(0x10, m.io.port);
}

TEST_HARNESS_MAIN
