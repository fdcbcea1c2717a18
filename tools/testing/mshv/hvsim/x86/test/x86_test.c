// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven tests of the hvsim x86 engine: guest memory model, mode
 * setup helpers and the cases.  Guest code comes from x86_test_code.h
 * (generated from snippets.txt with GNU as; see gen_code.sh).
 *
 * Guest physical layout used by every case:
 *   0x00000 IVT                    0x00500 GDT        0x00600 TSS
 *   0x01000 code                   0x04000 IDT
 *   0x05000 handlers: HLT at 0x5000 + 8 * vector (IVT and IDT point there)
 *   0x08000 data                   0x0f000 stack top
 *   0x10000 PML4, 0x11000 PDPT, 0x12000 PD, 0x13000 PT (first 2 MiB in 4 KiB
 *           pages, 2 MiB..4 MiB as one 2 MiB page), 0x14000 32-bit PD,
 *           0x15000 32-bit PT
 *   0x30000 unmapped GPA page      0x31000 read/execute-only GPA page
 *   0x32000 read/write (no execute) GPA page
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#else
#include <stdio.h>
#endif
#include "x86_test.h"
#include "x86_test_code.h"

#define CODE		0x1000
#define HANDLER(v)	(0x5000 + 8 * (v))
#define GDT		0x500
#define TSS		0x600
#define IDT		0x4000
#define STACK		0xf000
#define PML4		0x10000
#define PT		0x13000
#define PD32		0x14000
#define PT32		0x15000
#define MMIO		0x30000
#define ROPAGE		0x31000
#define NXPAGE		0x32000

/* ---- the GPA map ---- */

static int xt_gpa(void *ctx, u64 gpa, void *buf, unsigned int len,
		  enum x86_access type)
{
	struct xt *t = ctx;
	u64 pg = gpa >> 12;
	u8 p;

	if (gpa >= XT_MEM_SIZE || ((gpa + len - 1) >> 12) != pg)
		return X86_GPA_UNMAPPED;
	p = t->perm[pg];
	if (!(p & XT_MAPPED))
		return X86_GPA_UNMAPPED;
	if ((type == X86_ACCESS_READ && !(p & XT_R)) ||
	    (type == X86_ACCESS_WRITE && !(p & XT_W)) ||
	    (type == X86_ACCESS_EXECUTE && !(p & XT_X)))
		return X86_GPA_DENIED;
	if (!buf)
		return X86_GPA_OK;
	if (type == X86_ACCESS_WRITE) {
		memcpy(t->mem + gpa, buf, len);
		t->dirty[pg] = 1;
	} else {
		memcpy(buf, t->mem + gpa, len);
	}
	return X86_GPA_OK;
}

static bool xt_cpuid(void *ctx, u32 leaf, u32 subleaf, u32 res[4])
{
	struct xt *t = ctx;

	(void)subleaf;
	(void)res;
	(void)leaf;
	return t->cpuid_exit;
}

static int xt_msr(void *ctx, u32 index, bool write, u64 *value)
{
	struct xt *t = ctx;

	(void)write;
	(void)value;
	if (t->msr_exit_index && index == t->msr_exit_index)
		return X86_MSR_EXIT;
	return X86_MSR_UNHANDLED;
}

static bool xt_cancel(void *ctx)
{
	struct xt *t = ctx;

	return ++t->cancel_calls > t->cancel_after;
}

/* A write sink (hvsim: doorbells) taking writes to [sink_base, sink_end). */
static bool xt_sink(void *ctx, u64 gpa, const void *data, unsigned int len,
		    bool commit)
{
	struct xt *t = ctx;
	const u8 *p = data;
	unsigned int i;

	if (!commit)
		t->sink_probes++;
	if (gpa < t->sink_base || gpa + len > t->sink_end)
		return false;
	if (!commit)
		return true;
	t->sink_commits++;
	t->sink_gpa = gpa;
	t->sink_len = len;
	t->sink_value = 0;
	for (i = 0; i < len; i++)
		t->sink_value |= (u64)p[i] << (8 * i);
	return true;
}

static void put(struct xt *t, u64 gpa, u64 v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		t->mem[gpa + i] = (u8)(v >> (8 * i));
}

static u64 get(struct xt *t, u64 gpa, int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | t->mem[gpa + n];
	return v;
}

void xt_load(struct xt *t, u64 gpa, const u8 *code, unsigned int len)
{
	memcpy(t->mem + gpa, code, len);
}

void xt_init(struct xt *t)
{
	unsigned int i;

	memset(t->mem, 0, XT_MEM_SIZE);
	for (i = 0; i < XT_PAGES; i++) {
		t->perm[i] = XT_RWX;
		t->dirty[i] = 0;
	}
	t->perm[MMIO >> 12] = 0;
	t->perm[ROPAGE >> 12] = XT_MAPPED | XT_R | XT_X;
	t->perm[NXPAGE >> 12] = XT_MAPPED | XT_R | XT_W;
	memset(&t->env, 0, sizeof(t->env));
	t->env.ctx = t;
	t->env.gpa_access = xt_gpa;
	t->env.cpuid = xt_cpuid;
	t->env.msr = xt_msr;
	memset(&t->exit, 0, sizeof(t->exit));
	t->cpuid_exit = false;
	t->msr_exit_index = 0;
	t->cancel_after = 0;
	t->cancel_calls = 0;
	t->sink_base = 0;
	t->sink_end = 0;
	t->sink_probes = 0;
	t->sink_commits = 0;
	t->sink_gpa = 0;
	t->sink_value = 0;
	t->sink_len = 0;
	t->fails = 0;
	t->msg[0] = 0;
	/* handlers, IVT */
	for (i = 0; i < 256; i++) {
		t->mem[HANDLER(i)] = 0xf4;
		put(t, i * 4, HANDLER(i), 2);
		put(t, i * 4 + 2, 0, 2);
	}
	/* GDT */
	put(t, GDT + 0x08, 0x00cf9b000000ffffULL, 8);	/* code32 */
	put(t, GDT + 0x10, 0x00cf93000000ffffULL, 8);	/* data32 */
	put(t, GDT + 0x18, 0x00af9b000000ffffULL, 8);	/* code64 */
	put(t, GDT + 0x20, 0x00009b000000ffffULL, 8);	/* code16 */
	put(t, GDT + 0x28, 0x0040931000000fffULL, 8);	/* data, base 1M, 4K */
	put(t, GDT + 0x30, 0x00cffb000000ffffULL, 8);	/* code32 ring 3 */
	put(t, GDT + 0x38, 0x00cff3000000ffffULL, 8);	/* data32 ring 3 */
	put(t, GDT + 0x40, 0x0000890006000067ULL, 8);	/* TSS at 0x600 */
	put(t, GDT + 0x50, 0x00affb000000ffffULL, 8);	/* code64 ring 3 */
	/* LGDT image used by the mode-switch code */
	put(t, 0x1f00, 0x4f, 2);
	put(t, 0x1f02, GDT, 4);
	/* long-mode page tables: identity map of 0..4 MiB */
	put(t, PML4, 0x11000 | 7, 8);
	put(t, 0x11000, 0x12000 | 7, 8);
	put(t, 0x12000, PT | 7, 8);
	put(t, 0x12008, 0x200000 | 0x87, 8);
	for (i = 0; i < 512; i++)
		put(t, PT + i * 8, (i << 12) | 7, 8);
	/* 32-bit paging tables: identity map of 0..4 MiB in 4 KiB pages */
	put(t, PD32, PT32 | 7, 4);
	for (i = 0; i < 1024; i++)
		put(t, PT32 + i * 4, (i << 12) | 7, 4);
}

static void seg(struct x86_segment *s, u16 sel, u64 base, u32 limit,
		u16 attr)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attributes = attr;
}

void xt_mode_real(struct xt *t)
{
	struct x86_cpu *c = &t->cpu;
	int i;

	x86_cpu_reset(c);
	for (i = 0; i < X86_NR_SREGS; i++)
		seg(&c->seg[i], 0, 0, 0xffff, 0x93);
	c->seg[X86_CS].attributes = 0x9b;
	c->idtr.base = 0;
	c->idtr.limit = 0x3ff;
	c->cr0 = X86_CR0_ET;
	c->rip = CODE;
	c->gpr[X86_RSP] = STACK;
	c->gpr[X86_RDX] = 0;
}

static void idt32(struct xt *t)
{
	int i;

	for (i = 0; i < 256; i++) {
		u64 h = HANDLER(i);

		put(t, IDT + i * 8, (h & 0xffff) | (0x08 << 16) |
		    (0x8eULL << 40) | ((h >> 16) << 48), 8);
	}
}

static void idt64(struct xt *t)
{
	int i;

	for (i = 0; i < 256; i++) {
		u64 h = HANDLER(i);

		put(t, IDT + i * 16, (h & 0xffff) | (0x18 << 16) |
		    (0x8eULL << 40) | (((h >> 16) & 0xffff) << 48), 8);
		put(t, IDT + i * 16 + 8, h >> 32, 8);
	}
}

void xt_mode_pm32(struct xt *t)
{
	struct x86_cpu *c = &t->cpu;
	int i;

	x86_cpu_reset(c);
	for (i = 0; i < X86_NR_SREGS; i++)
		seg(&c->seg[i], 0x10, 0, 0xffffffff, 0xc093);
	seg(&c->seg[X86_CS], 0x08, 0, 0xffffffff, 0xc09b);
	seg(&c->tr, 0x40, TSS, 0x67, 0x8b);
	c->gdtr.base = GDT;
	c->gdtr.limit = 0x4f;
	c->idtr.base = IDT;
	c->idtr.limit = 0x7ff;
	c->cr0 = X86_CR0_PE | X86_CR0_ET;
	c->rip = CODE;
	c->gpr[X86_RSP] = STACK;
	c->gpr[X86_RDX] = 0;
	put(t, TSS + 4, 0xe000, 4);	/* esp0 */
	put(t, TSS + 8, 0x10, 2);	/* ss0 */
	idt32(t);
}

void xt_mode_lm64(struct xt *t)
{
	struct x86_cpu *c = &t->cpu;

	xt_mode_pm32(t);
	seg(&c->seg[X86_CS], 0x18, 0, 0xffffffff, 0xa09b);
	c->gdtr.limit = 0x57;
	c->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG | X86_CR0_WP;
	c->cr4 = X86_CR4_PAE;
	c->cr3 = PML4;
	c->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;
	c->idtr.limit = 0xfff;
	put(t, GDT + 0x48, 0, 8);	/* upper half of the 64-bit TSS */
	put(t, TSS + 4, 0xe000, 8);	/* rsp0 */
	idt64(t);
}

/* ---- checking ---- */

static void xt_fail(struct xt *t, int line, const char *what, u64 got,
		    u64 want)
{
	if (!t->fails++)
		snprintf(t->msg, sizeof(t->msg),
			 "line %d: %s = 0x%llx, expected 0x%llx", line, what,
			 (unsigned long long)got, (unsigned long long)want);
}

#define EQ(a, b) do {							\
	u64 _a = (u64)(a), _b = (u64)(b);				\
	if (_a != _b)							\
		xt_fail(t, __LINE__, #a, _a, _b);			\
} while (0)

#define LOAD(name) xt_load(t, CODE, code_##name, sizeof(code_##name))
#define RUN(budget) x86_run(&t->cpu, &t->env, &t->exit, (budget))
#define R(r) (t->cpu.gpr[X86_##r])
#define FL(f) (!!(t->cpu.rflags & X86_FLAGS_##f))

/* the snippet ends in HLT at CODE + sizeof(snippet) - 1 */
#define RUN_TO_END(name) do {						\
	EQ(RUN(1000), X86_EXIT_HLT);					\
	EQ(t->exit.rip, CODE + sizeof(code_##name) - 1);		\
} while (0)

/* ---- real mode ---- */

static void t_add16(struct xt *t)
{
	xt_mode_real(t);
	LOAD(add16);
	RUN_TO_END(add16);
	EQ(R(RAX) & 0xffff, 0x8000);
	EQ(FL(OF), 1);
	EQ(FL(SF), 1);
	EQ(FL(ZF), 0);
	EQ(FL(CF), 0);
	EQ(FL(AF), 1);
	EQ(FL(PF), 1);
	EQ(t->cpu.rip, CODE + sizeof(code_add16));
	EQ(t->cpu.halted, 1);
	EQ(t->exit.insn_len, 1);
	/* a halted CPU stays halted */
	EQ(RUN(10), X86_EXIT_HLT);
}

static void t_sub8(struct xt *t)
{
	xt_mode_real(t);
	LOAD(sub8);
	RUN_TO_END(sub8);
	EQ(R(RAX) & 0xff, 0xff);
	EQ(FL(CF), 1);
	EQ(FL(SF), 1);
	EQ(FL(AF), 1);
	EQ(FL(OF), 0);
	EQ(FL(ZF), 0);
	EQ(FL(PF), 1);
}

static void t_adcsbb(struct xt *t)
{
	xt_mode_real(t);
	LOAD(adcsbb);
	RUN_TO_END(adcsbb);
	EQ(R(RAX) & 0xffff, 0);		/* ffff + 0 + 1 */
	EQ(R(RBX) & 0xffff, 0xffff);	/* 5 - 5 - 1 */
	EQ(FL(CF), 1);
	EQ(FL(SF), 1);
	EQ(FL(OF), 0);
	EQ(FL(AF), 1);
}

static void t_logic(struct xt *t)
{
	xt_mode_real(t);
	LOAD(logic);
	RUN_TO_END(logic);
	EQ(R(RAX) & 0xffff, 0xff01);
	EQ(FL(CF), 0);
	EQ(FL(OF), 0);
	EQ(FL(ZF), 0);
	EQ(FL(SF), 1);
	EQ(FL(PF), 1);	/* low byte of 0x8000 & ... = 0: even */
}

static void t_incneg(struct xt *t)
{
	xt_mode_real(t);
	LOAD(incneg);
	RUN_TO_END(incneg);
	EQ(R(RAX) & 0xff, 0x80);
	EQ(R(RBX) & 0xff, 0);
	EQ(R(RCX) & 0xff, 0xfb);
	EQ(R(RDX) & 0xffff, 0xffff);
	EQ(FL(CF), 1);		/* NEG 5 sets CF; DEC keeps it */
	EQ(FL(SF), 1);
	EQ(FL(ZF), 0);
	EQ(FL(OF), 0);
}

static void t_cmpjcc(struct xt *t)
{
	xt_mode_real(t);
	LOAD(cmpjcc);
	RUN_TO_END(cmpjcc);
	EQ(R(RCX) & 0xffff, 0);
	EQ(R(RDX) & 0xff, 1);
}

static void t_loop16(struct xt *t)
{
	xt_mode_real(t);
	LOAD(loop16);
	RUN_TO_END(loop16);
	EQ(R(RAX) & 0xffff, 20);
	EQ(R(RCX) & 0xffff, 0);
}

static void t_stack16(struct xt *t)
{
	xt_mode_real(t);
	LOAD(stack16);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(R(RBX) & 0xffff, 0x55);
	EQ(R(RCX) & 0xffff, 0x1234);
	EQ(R(RDX) & 0xffff, 0x77);
	EQ(R(RSP), STACK);
	EQ(get(t, STACK - 2, 2), t->exit.rip);	/* CALL's return address */
	EQ(get(t, STACK - 4, 2), 0x55);
}

static void t_shifts(struct xt *t)
{
	xt_mode_real(t);
	LOAD(shifts);
	RUN_TO_END(shifts);
	EQ(R(RAX) & 0xff, 0x02);
	EQ(R(RBX) & 0xff, 0x40);
	EQ(R(RCX) & 0xff, 0xc0);
	EQ(R(RDX) & 0xff, 0x03);
	EQ((R(RAX) >> 8) & 0xff, 0x80);
	EQ((R(RBX) >> 8) & 0xff, 0x00);
	EQ(FL(CF), 1);		/* RCL 0x80 by 1 */
	EQ(FL(OF), 1);		/* msb(0) ^ CF */
}

static void t_shift_flags(struct xt *t)
{
	static const u8 code[] = {
		0xb0, 0x81,		/* mov al, 0x81 */
		0xc0, 0xe0, 0x01,	/* shl al, 1: CF=1 OF=1 */
		0xf4,
	};
	static const u8 code2[] = {
		0xb0, 0x40,		/* mov al, 0x40 */
		0xd0, 0xe8,		/* shr al, 1: CF=0 OF=0 */
		0xb3, 0x80,		/* mov bl, 0x80 */
		0xd0, 0xfb,		/* sar bl, 1: CF=0 OF=0 SF=1 */
		0xf4,
	};

	xt_mode_real(t);
	xt_load(t, CODE, code, sizeof(code));
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(FL(CF), 1);
	EQ(FL(OF), 1);
	EQ(FL(ZF), 0);
	EQ(FL(PF), 0);
	xt_mode_real(t);
	xt_load(t, CODE, code2, sizeof(code2));
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(R(RBX) & 0xff, 0xc0);
	EQ(FL(CF), 0);
	EQ(FL(OF), 0);
	EQ(FL(SF), 1);
}

static void t_muldiv16(struct xt *t)
{
	xt_mode_real(t);
	LOAD(muldiv16);
	RUN_TO_END(muldiv16);
	EQ(R(RSI) & 0xffff, 90000 & 0xffff);
	EQ(R(RDI) & 0xffff, 90000 >> 16);
	EQ(R(RCX) & 0xffff, 142);
	EQ(R(RBP) & 0xffff, 6);
}

static void t_idiv16(struct xt *t)
{
	xt_mode_real(t);
	LOAD(idiv16);
	RUN_TO_END(idiv16);
	EQ(R(RAX) & 0xffff, 0xfffd);	/* -3 */
	EQ(R(RDX) & 0xffff, 0xffff);	/* -1 */
}

static void t_div0_real(struct xt *t)
{
	xt_mode_real(t);
	LOAD(div0);
	t->cpu.rflags |= X86_FLAGS_IF;
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_DE));
	/* IVT frame: IP of the faulting DIV, CS, FLAGS */
	EQ(R(RSP), STACK - 6);
	EQ(get(t, STACK - 6, 2), CODE + 5);
	EQ(get(t, STACK - 4, 2), 0);
	EQ(get(t, STACK - 2, 2) & X86_FLAGS_IF, X86_FLAGS_IF);
	EQ(FL(IF), 0);
}

static void t_ud_real(struct xt *t)
{
	xt_mode_real(t);
	LOAD(ud2);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_UD));
	EQ(get(t, STACK - 6, 2), CODE + 1);
}

static void t_undefined_opcodes(struct xt *t)
{
	static const u8 ops[][3] = {
		{ 0x0f, 0x0b },		/* UD2 */
		{ 0xd8, 0xc0 },		/* x87 */
		{ 0x0f, 0x38, 0x00 },	/* 3-byte map */
		{ 0x0f, 0x05 },		/* SYSCALL (not implemented) */
		{ 0x8e, 0xc8 },		/* MOV CS, AX */
		{ 0xfe, 0xd0 },		/* FE /2 */
		{ 0xf0, 0x90 },		/* LOCK NOP */
		{ 0x8d, 0xc0 },		/* LEA with a register */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		xt_mode_real(t);
		xt_load(t, CODE, ops[i], 3);
		EQ(RUN(10), X86_EXIT_HLT);
		EQ(t->exit.rip, HANDLER(X86_UD));
		EQ(get(t, STACK - 6, 2), CODE);
	}
}

static void t_int_iret(struct xt *t)
{
	xt_mode_real(t);
	LOAD(int_iret);
	xt_load(t, 0x2000, code_iret_handler, sizeof(code_iret_handler));
	put(t, 0x21 * 4, 0x2000, 2);
	RUN_TO_END(int_iret);
	EQ(R(RAX) & 0xffff, 1);
	EQ(R(RBX) & 0xffff, 2);
	EQ(R(RCX) & 0xffff, 3);
	EQ(R(RSP), STACK);
}

static void t_strings(struct xt *t)
{
	xt_mode_real(t);
	LOAD(strcopy);
	memcpy(t->mem + 0x8000, "hello", 5);
	RUN_TO_END(strcopy);
	EQ(memcmp(t->mem + 0x9000, "hello", 5), 0);
	EQ(get(t, 0x9100, 2), 0xabcd);
	EQ(get(t, 0x9104, 2), 0xabcd);
	EQ(get(t, 0x9106, 2), 0);
	EQ(R(RCX) & 0xffff, 0);
	EQ(R(RSI) & 0xffff, 0x8005);
	EQ(R(RDI) & 0xffff, 0x9005);
	EQ(FL(ZF), 1);
	EQ(t->dirty[0x9], 1);
}

static void t_scas(struct xt *t)
{
	xt_mode_real(t);
	LOAD(scas);
	t->mem[0x8003] = 0x33;
	RUN_TO_END(scas);
	EQ(R(RDI) & 0xffff, 0x8004);
	EQ(R(RCX) & 0xffff, 6);
	EQ(FL(ZF), 1);
}

static void t_io_out(struct xt *t)
{
	xt_mode_real(t);
	LOAD(io_out);
	EQ(RUN(100), X86_EXIT_IO);
	EQ(t->exit.rip, CODE + 2);
	EQ(t->cpu.rip, CODE + 2);
	EQ(t->exit.io.port, 0x80);
	EQ(t->exit.io.size, 1);
	EQ(t->exit.io.in, 0);
	EQ(t->exit.io.string, 0);
	EQ(t->exit.io.rax & 0xff, 0x5a);
	EQ(t->exit.access, X86_ACCESS_WRITE);
	EQ(t->exit.insn_len, 2);
	EQ(t->exit.insn_bytes[0], 0xe6);
	EQ(t->exit.insn_bytes[1], 0x80);
	/* the VMM completes it and resumes */
	t->cpu.rip += t->exit.insn_len;
	EQ(RUN(100), X86_EXIT_HLT);
}

static void t_io_in_dx(struct xt *t)
{
	xt_mode_real(t);
	LOAD(io_in_dx);
	EQ(RUN(100), X86_EXIT_IO);
	EQ(t->exit.io.port, 0x3f8);
	EQ(t->exit.io.size, 2);
	EQ(t->exit.io.in, 1);
	EQ(t->exit.access, X86_ACCESS_READ);
	EQ(t->exit.insn_len, 1);
}

static void t_io_outsb(struct xt *t)
{
	xt_mode_real(t);
	LOAD(io_outsb);
	EQ(RUN(100), X86_EXIT_IO);
	EQ(t->exit.io.string, 1);
	EQ(t->exit.io.rep, 1);
	EQ(t->exit.io.size, 1);
	EQ(t->exit.io.seg, X86_DS);
	EQ(t->exit.io.addr_size, 2);
	EQ(t->exit.insn_len, 2);
	EQ(R(RCX) & 0xffff, 4);
	EQ(R(RSI) & 0xffff, 0x8000);
}

static void t_mmio_exit(struct xt *t)
{
	struct x86_cpu before;

	xt_mode_real(t);
	LOAD(mmio_write);
	EQ(RUN(2), X86_EXIT_BUDGET);
	before = t->cpu;
	EQ(RUN(100), X86_EXIT_MEMORY);
	EQ(t->exit.mem.denied, 0);
	EQ(t->exit.access, X86_ACCESS_WRITE);
	EQ(t->exit.mem.gpa, MMIO + 0x30);
	EQ(t->exit.mem.gva, MMIO + 0x30);
	EQ(t->exit.mem.gva_valid, 1);
	EQ(t->exit.insn_len, 6);
	EQ(t->exit.insn_bytes[0], 0xc7);
	EQ(t->exit.rip, CODE + 5);
	EQ(memcmp(&before, &t->cpu, sizeof(before)), 0);
}

static void t_cpuid(struct xt *t)
{
	xt_mode_real(t);
	LOAD(cpuid);
	RUN_TO_END(cpuid);
	EQ(R(RBX), 0x53766848);
	EQ(R(RAX), 1);
	xt_mode_real(t);
	t->cpuid_exit = true;
	R(RCX) = 7;
	EQ(RUN(100), X86_EXIT_CPUID);
	EQ(t->exit.cpuid.eax, 0);
	EQ(t->exit.cpuid.ecx, 7);
	EQ(t->exit.cpuid.res[1], 0x53766848);
	EQ(t->exit.insn_len, 2);
	EQ(t->exit.rip, CODE + 3);
	EQ(t->cpu.rip, CODE + 3);
}

static void t_msr(struct xt *t)
{
	xt_mode_real(t);
	LOAD(msr);
	EQ(RUN(100), X86_EXIT_HLT);	/* unknown MSR: #GP via IVT */
	EQ(t->exit.rip, HANDLER(X86_GP));
	xt_mode_real(t);
	t->msr_exit_index = 0x40000000;
	EQ(RUN(100), X86_EXIT_MSR);
	EQ(t->exit.msr.index, 0x40000000);
	EQ(t->exit.msr.write, 0);
	EQ(t->exit.rip, CODE + 6);
	EQ(t->exit.insn_len, 2);
}

static void t_budget(struct xt *t)
{
	xt_mode_real(t);
	LOAD(spin);
	EQ(RUN(12345), X86_EXIT_BUDGET);
	EQ(t->cpu.retired, 12345);
	EQ(t->cpu.rip, CODE);
	EQ(RUN(0), X86_EXIT_BUDGET);
	EQ(t->cpu.retired, 12345);
}

static void t_cancel(struct xt *t)
{
	xt_mode_real(t);
	LOAD(spin);
	t->env.cancel = xt_cancel;
	t->cancel_after = 3;
	EQ(RUN(1000000), X86_EXIT_CANCELLED);
	EQ(t->cpu.retired, 3 * X86_CANCEL_INTERVAL);
}

static void t_inject_real(struct xt *t)
{
	xt_mode_real(t);
	LOAD(sti_hlt);
	EQ(x86_can_inject_interrupt(&t->cpu), 0);
	EQ(RUN(1), X86_EXIT_BUDGET);
	/* STI shadow */
	EQ(x86_can_inject_interrupt(&t->cpu), 0);
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(x86_can_inject_interrupt(&t->cpu), 1);
	EQ(x86_inject_interrupt(&t->cpu, &t->env, 0x20, &t->exit), X86_EXIT_NONE);
	EQ(t->cpu.halted, 0);
	EQ(t->cpu.rip, HANDLER(0x20));
	EQ(get(t, STACK - 6, 2), CODE + 2);	/* returns after the HLT */
	EQ(FL(IF), 0);
}

static void t_mode_switch(struct xt *t)
{
	xt_mode_real(t);
	LOAD(pm_switch);
	xt_load(t, 0x1100, code_pm_part, sizeof(code_pm_part));
	xt_load(t, 0x1200, code_lm_part, sizeof(code_lm_part));
	EQ(RUN(1000), X86_EXIT_HLT);
	EQ(t->exit.rip, 0x1200 + sizeof(code_lm_part) - 1);
	EQ(!!(t->cpu.efer & X86_EFER_LMA), 1);
	EQ(t->cpu.seg[X86_CS].selector, 0x18);
	EQ(R(RBX), 0x1122334455667788ULL);
	EQ(get(t, 0x1311, 8), 0x1122334455667788ULL);
	EQ(x86_execution_state(&t->cpu), (1 << 2) | (1 << 4));
	EQ(t->cpu.gdtr.base, GDT);
	/* accessed and dirty bits of the 4 KiB PTE of page 1 */
	EQ(get(t, PT + 8, 8) & 0x60, 0x60);
}

/* ---- 32-bit protected mode ---- */

static void t_alu32(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(alu32);
	t->mem[0x8000] = 0x80;
	RUN_TO_END(alu32);
	EQ(R(RAX), 0);
	EQ(FL(CF), 0);	/* from MOVSX? no: flags of ADD survive */
	EQ(R(RCX), 0x78);
	EQ(R(RDX), 0xffffff80);
	EQ(R(RSI), 0x12345678 + 0x78 * 4 + 0x10);
	EQ(R(RDI), (u32)(-3 * (s64)(0x12345678 + 0x78 * 4 + 0x10)));
	EQ(FL(OF), 0);
}

static void t_setcmov(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(setcmov);
	R(RDX) = 0x99;
	RUN_TO_END(setcmov);
	EQ(R(RAX) & 0xff, 1);	/* XCHG: old EBX low byte = SETL result */
	EQ(R(RBX), 1);
	EQ(R(RCX), 1);
	EQ(R(RDX), 0x99);
	EQ(R(RSI), 0);
	EQ(FL(CF), 1);
}

static void t_gp_limit(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(gp_limit);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	/* 32-bit frame: error code 0, EIP of the faulting MOV, CS, EFLAGS */
	EQ(R(RSP), STACK - 16);
	EQ(get(t, STACK - 16, 4), 0);
	EQ(get(t, STACK - 12, 4), CODE + 6);
	EQ(get(t, STACK - 8, 4), 0x08);
	EQ(t->cpu.seg[X86_DS].base, 0x100000);
}

static void t_int32(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(int32);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(0x30));
	EQ(get(t, STACK - 12, 4), CODE + 2);
	/* IRETD from the handler */
	t->mem[HANDLER(0x30)] = 0xcf;
	t->cpu.rip = HANDLER(0x30);
	t->cpu.halted = false;
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, CODE + 2);
	EQ(R(RSP), STACK);
}

static void t_pf32(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(pf32);
	t->cpu.cr0 |= X86_CR0_PG;
	t->cpu.cr3 = PD32;
	put(t, PT32 + (0x20000 >> 12) * 4, 0, 4);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_PF));
	EQ(t->cpu.cr2, 0x20000);
	EQ(get(t, STACK - 16, 4), 0);	/* not present, read, supervisor */
	EQ(get(t, STACK - 12, 4), CODE);
	/* map it and retry */
	put(t, PT32 + (0x20000 >> 12) * 4, 0x21000 | 3, 4);
	put(t, 0x21000, 0xcafe, 4);
	xt_mode_pm32(t);
	t->cpu.cr0 |= X86_CR0_PG;
	t->cpu.cr3 = PD32;
	RUN_TO_END(pf32);
	EQ(R(RAX), 0xcafe);
	EQ(get(t, PT32 + 0x20 * 4, 4) & 0x60, 0x20);	/* accessed only */
}

static void t_ring3_int(struct xt *t)
{
	/* INT 0x30 from ring 3 through a DPL-3 gate: stack switch via TSS */
	static const u8 code[] = { 0xcd, 0x30, 0xf4 };
	struct x86_cpu *c = &t->cpu;

	xt_mode_pm32(t);
	xt_load(t, CODE, code, sizeof(code));
	put(t, IDT + 0x30 * 8 + 5, 0xee, 1);	/* DPL 3 */
	seg(&c->seg[X86_CS], 0x33, 0, 0xffffffff, 0xc0fb);
	seg(&c->seg[X86_SS], 0x3b, 0, 0xffffffff, 0xc0f3);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(0x30));
	EQ(c->seg[X86_CS].selector, 0x08);
	EQ(c->seg[X86_SS].selector, 0x10);
	EQ(R(RSP), 0xe000 - 20);
	EQ(get(t, 0xe000 - 4, 4), 0x3b);
	EQ(get(t, 0xe000 - 8, 4), STACK);
	EQ(get(t, 0xe000 - 16, 4), 0x33);
	EQ(get(t, 0xe000 - 20, 4), CODE + 2);
	/* the gate DPL is checked for INT n */
	xt_mode_pm32(t);
	xt_load(t, CODE, code, sizeof(code));
	seg(&c->seg[X86_CS], 0x33, 0, 0xffffffff, 0xc0fb);
	seg(&c->seg[X86_SS], 0x3b, 0, 0xffffffff, 0xc0f3);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	EQ(get(t, 0xe000 - 24, 4), 0x30 * 8 + 2);
	/* HLT at CPL 3 is #GP too */
	xt_mode_pm32(t);
	t->mem[CODE] = 0xf4;
	seg(&c->seg[X86_CS], 0x33, 0, 0xffffffff, 0xc0fb);
	seg(&c->seg[X86_SS], 0x3b, 0, 0xffffffff, 0xc0f3);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
}

/* ---- long mode ---- */

static void t_alu64(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(alu64);
	RUN_TO_END(alu64);
	EQ(t->cpu.gpr[X86_R9], 0x1122334455668788ULL);
	EQ(t->cpu.gpr[X86_R10], ~0ULL);
	EQ(t->cpu.gpr[X86_R11], 0x100000000ULL);
	EQ(R(RAX), (u64)-6);
	EQ(R(RDX), ~0ULL);
	EQ(t->cpu.gpr[X86_R12], 0x1122334455667788ULL);
	EQ(R(RSP), STACK);
}

static void t_muldiv64(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(muldiv64);
	RUN_TO_END(muldiv64);
	EQ(t->cpu.gpr[X86_R8], 1);
	EQ(t->cpu.gpr[X86_R9], 0xfffffffffffffffeULL);
	EQ(R(RAX), (u64)-4);
	EQ(R(RDX), (u64)-1);
}

static void t_div_overflow(struct xt *t)
{
	/* RDX:RAX = 2^64 / 1 overflows: #DE */
	static const u8 code[] = {
		0x48, 0xc7, 0xc2, 0x01, 0x00, 0x00, 0x00,	/* mov rdx, 1 */
		0x48, 0xc7, 0xc3, 0x01, 0x00, 0x00, 0x00,	/* mov rbx, 1 */
		0x48, 0xf7, 0xf3,				/* div rbx */
		0xf4,
	};

	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_DE));
	EQ(get(t, STACK - 40, 8), CODE + 14);
}

static void t_pf64(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(pf64);
	put(t, PT + (0x20000 >> 12) * 8, 0, 8);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_PF));
	EQ(t->cpu.cr2, 0x20000);
	/* 64-bit frame: err, RIP, CS, RFLAGS, RSP, SS */
	EQ(R(RSP), STACK - 48);
	EQ(get(t, STACK - 48, 8), X86_PF_W);
	EQ(get(t, STACK - 40, 8), CODE + 7);
	EQ(get(t, STACK - 32, 8), 0x18);
	EQ(get(t, STACK - 16, 8), STACK);
	EQ(get(t, STACK - 8, 8), 0x10);
	/* read-only PTE: protection fault with WP=1 */
	xt_mode_lm64(t);
	put(t, PT + (0x20000 >> 12) * 8, 0x20000 | 5, 8);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_PF));
	EQ(get(t, STACK - 48, 8), X86_PF_W | X86_PF_P);
}

static void t_paging_2m(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(read2m);
	put(t, 0x200010, 0x5566, 8);
	RUN_TO_END(read2m);
	EQ(R(RAX), 0x5566);
	EQ(get(t, 0x3ff000, 8), 7);
	EQ(get(t, 0x12008, 8) & 0x60, 0x60);	/* 2 MiB PDE: A and D */
	EQ(get(t, PML4, 8) & 0x20, 0x20);
	EQ(t->dirty[0x3ff], 1);
}

static void t_translate(struct xt *t)
{
	u64 gpa = 0;
	u32 err = 0;

	xt_mode_lm64(t);
	put(t, PT + 0x40 * 8, 0x77000 | 7, 8);
	EQ(x86_translate(&t->cpu, &t->env, 0x40123, X86_ACCESS_READ, false,
			 &gpa, &err), 0);
	EQ(gpa, 0x77123);
	EQ(x86_translate(&t->cpu, &t->env, 0x200123, X86_ACCESS_WRITE, true,
			 &gpa, &err), 0);
	EQ(gpa, 0x200123);
	EQ(x86_translate(&t->cpu, &t->env, 0x40000000, X86_ACCESS_READ, false,
			 &gpa, &err), X86_PF);
	EQ(err, 0);
	put(t, PT + 0x41 * 8, 0x41000 | 7 | (1ULL << 63), 8);
	EQ(x86_translate(&t->cpu, &t->env, 0x41000, X86_ACCESS_EXECUTE, false,
			 &gpa, &err), X86_PF);
	EQ(err, X86_PF_P | X86_PF_I);
}

static void t_rep_fault(struct xt *t)
{
	/*
	 * REP MOVSQ writing 0x2ffe8..: three qwords fit below the unmapped
	 * page at 0x30000; the fourth iteration exits with the state of
	 * three completed iterations.
	 */
	xt_mode_lm64(t);
	LOAD(rep_movsq_fault);
	put(t, 0x8000, 0x1111, 8);
	put(t, 0x8008, 0x2222, 8);
	put(t, 0x8010, 0x3333, 8);
	EQ(RUN(100), X86_EXIT_MEMORY);
	EQ(t->exit.rip, CODE + 0x16);
	EQ(t->cpu.rip, CODE + 0x16);
	EQ(t->exit.access, X86_ACCESS_WRITE);
	EQ(t->exit.mem.gpa, 0x30000);
	EQ(t->exit.insn_len, 3);
	EQ(R(RCX), 5);
	EQ(R(RSI), 0x8018);
	EQ(R(RDI), 0x30000);
	EQ(get(t, 0x2fff8, 8), 0x3333);
}

static void t_triple(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(triple);
	t->cpu.idtr.limit = 0;
	EQ(RUN(100), X86_EXIT_TRIPLE_FAULT);
	EQ(t->exit.rip, CODE);
	EQ(t->cpu.rip, CODE);
	EQ(t->exit.exception.vector, X86_GP);
}

static void t_double_fault(struct xt *t)
{
	/* #UD handler gate not present -> #NP; #NP gate too -> #DF */
	xt_mode_lm64(t);
	LOAD(triple);
	put(t, IDT + X86_UD * 16 + 5, 0x0e, 1);
	put(t, IDT + X86_NP * 16 + 5, 0x0e, 1);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_DF));
	EQ(get(t, STACK - 48, 8), 0);
}

static void t_exception_intercept(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(triple);
	t->env.exception_bitmap = 1U << X86_UD;
	EQ(RUN(100), X86_EXIT_EXCEPTION);
	EQ(t->exit.exception.vector, X86_UD);
	EQ(t->exit.exception.error_code_valid, 0);
	EQ(t->exit.rip, CODE);
	EQ(t->exit.insn_count > 1, 1);
	/* #PF intercept carries CR2 and the error code */
	xt_mode_lm64(t);
	LOAD(pf64);
	put(t, PT + (0x20000 >> 12) * 8, 0, 8);
	t->env.exception_bitmap = 1U << X86_PF;
	EQ(RUN(100), X86_EXIT_EXCEPTION);
	EQ(t->exit.exception.vector, X86_PF);
	EQ(t->exit.exception.error_code, X86_PF_W);
	EQ(t->exit.exception.cr2, 0x20000);
	EQ(t->cpu.rip, CODE + 7);
	/* hvsim re-injects it */
	EQ(x86_inject_exception(&t->cpu, &t->env, X86_PF, true, X86_PF_W,
				&t->exit), X86_EXIT_NONE);
	EQ(t->cpu.rip, HANDLER(X86_PF));
}

static void t_call64(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(call64);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, CODE + 5);
	EQ(R(RAX), CODE + 5);
	EQ(R(RSP), STACK);
}

static void t_int3_64(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(int3_64);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_BP));
	EQ(get(t, STACK - 40, 8), CODE + 2);	/* trap: after INT3 */
	t->env.exception_bitmap = 1U << X86_BP;
	xt_mode_lm64(t);
	EQ(RUN(100), X86_EXIT_EXCEPTION);
	EQ(t->exit.exception.software, 1);
	EQ(t->exit.rip, CODE + 1);
}

static void t_gpa_permissions(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(ro_write);
	EQ(RUN(100), X86_EXIT_MEMORY);
	EQ(t->exit.mem.denied, 1);
	EQ(t->exit.access, X86_ACCESS_WRITE);
	EQ(t->exit.mem.gpa, ROPAGE);
	EQ(t->exit.mem.gva_gpa_valid, 1);
	EQ(t->exit.insn_len, 11);
	xt_mode_lm64(t);
	LOAD(xd_exec);
	t->mem[NXPAGE] = 0x90;
	EQ(RUN(100), X86_EXIT_MEMORY);
	EQ(t->exit.mem.denied, 1);
	EQ(t->exit.access, X86_ACCESS_EXECUTE);
	EQ(t->exit.mem.gpa, NXPAGE);
	EQ(t->exit.rip, NXPAGE);
	EQ(t->exit.insn_count, 0);
	EQ(t->exit.insn_len, 0);
	/* page tables in unmapped GPA: exit with the walk's GPA */
	xt_mode_lm64(t);
	LOAD(pf64);
	put(t, 0x12000, MMIO | 7, 8);
	EQ(RUN(100), X86_EXIT_MEMORY);
	EQ(t->exit.mem.gva_gpa_valid, 0);
	EQ(t->exit.access, X86_ACCESS_READ);
	EQ(t->exit.mem.gpa, MMIO + 8);	/* PTE of the code page */
	EQ(t->exit.mem.gva, CODE);
}

static void t_ud_64(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(ud_64);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_UD));
}

static void t_inject64(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(spin);
	t->cpu.rflags |= X86_FLAGS_IF;
	EQ(RUN(5), X86_EXIT_BUDGET);
	EQ(x86_can_inject_interrupt(&t->cpu), 1);
	EQ(x86_inject_interrupt(&t->cpu, &t->env, 0x41, &t->exit), X86_EXIT_NONE);
	EQ(t->cpu.rip, HANDLER(0x41));
	EQ(get(t, STACK - 40, 8), CODE);
	EQ(get(t, STACK - 24, 8) & X86_FLAGS_IF, X86_FLAGS_IF);
	EQ(FL(IF), 0);
}

/* ---- more instruction families ---- */

static void t_far_call_ret(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(farcall32);
	xt_load(t, 0x1100, code_farret32, sizeof(code_farret32));
	RUN_TO_END(farcall32);
	EQ(R(RAX), 5);
	EQ(R(RBX), 7);
	EQ(R(RSP), STACK);
	EQ(get(t, STACK - 4, 4), 0x08);
	EQ(get(t, STACK - 8, 4), CODE + 7);
}

static void t_pusha(struct xt *t)
{
	xt_mode_real(t);
	LOAD(pusha16);
	RUN_TO_END(pusha16);
	EQ(R(RAX) & 0xffff, 1);
	EQ(R(RCX) & 0xffff, 2);
	EQ(R(RDI) & 0xffff, 8);
	EQ(R(RSP), STACK);
	EQ(get(t, STACK - 10, 2), STACK);
	EQ(get(t, STACK - 16, 2), 8);
}

static void t_enter_leave(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(enterleave);
	RUN_TO_END(enterleave);
	EQ(R(RAX), STACK - 4);
	EQ(R(RBX), STACK - 4 - 0x20);
	EQ(R(RBP), 0x1234);
	EQ(R(RSP), STACK);
}

static void t_lgdt_sgdt(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(lgdt_sgdt);
	put(t, 0x8000, 0x37, 2);
	put(t, 0x8002, 0x12345678, 4);
	RUN_TO_END(lgdt_sgdt);
	EQ(t->cpu.gdtr.limit, 0x37);
	EQ(t->cpu.gdtr.base, 0x12345678);
	EQ(get(t, 0x8010, 2), 0x37);
	EQ(get(t, 0x8012, 4), 0x12345678);
	EQ(get(t, 0x8020, 2), 0x7ff);
	EQ(get(t, 0x8022, 4), IDT);
}

static void t_xlat_moffs(struct xt *t)
{
	xt_mode_real(t);
	LOAD(xlat_moffs);
	put(t, 0x8002, 0x2211, 2);
	RUN_TO_END(xlat_moffs);
	EQ(t->mem[0x9000], 0x22);
	EQ(R(RAX) & 0xffff, 0x2211);
}

static void t_addr16(struct xt *t)
{
	xt_mode_real(t);
	LOAD(addr16);
	put(t, 0x18006, 0xaaaa, 2);
	put(t, 0x8004, 0xbbbb, 2);
	put(t, 0x18004, 0xcccc, 2);
	RUN_TO_END(addr16);
	EQ(R(RAX) & 0xffff, 0xaaaa);
	EQ(R(RCX) & 0xffff, 0xbbbb);
	EQ(R(RDX) & 0xffff, 0xcccc);
	EQ(t->cpu.seg[X86_SS].base, 0x10000);
}

static void t_movs_df(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(movs_df);
	memcpy(t->mem + 0x7fff, "zabcd", 5);
	RUN_TO_END(movs_df);
	EQ(memcmp(t->mem + 0x9000, "abcd", 4), 0);
	EQ(t->mem[0x8fff], 0);
	EQ(R(RDI), 0x8fff);
	EQ(R(RSI), 0x7ffe);
	EQ(R(RAX) & 0xff, 'z');
	EQ(FL(DF), 1);
}

static void t_lock_mem(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(lock_mem);
	put(t, 0x8000, 10, 4);
	put(t, 0x8010, 0, 8);
	RUN_TO_END(lock_mem);
	EQ(get(t, 0x8000, 4), 16);
	EQ(R(RAX), 100);
	EQ(R(RDX), 15);
	EQ(get(t, 0x8010, 8), 1ULL << 36);
	EQ(FL(CF), 0);
}

static void t_fs_msr(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(fs_msr);
	put(t, 0x8010, 0x4242, 8);
	t->cpu.kernel_gs_base = 0x777;
	RUN_TO_END(fs_msr);
	EQ(t->cpu.seg[X86_FS].base, 0x8000);
	EQ(t->cpu.seg[X86_GS].base, 0x777);
	EQ(t->cpu.kernel_gs_base, 0);
	EQ(R(RAX), 0x8000);
	EQ(R(RDX), 0);
}

static void t_compat(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(compat32);
	t->cpu.seg[X86_CS] = (struct x86_segment){ 0, 0xffffffff, 0x08,
						   0xc09b };
	RUN_TO_END(compat32);
	EQ(R(RAX), 0);
	EQ(FL(ZF), 1);
	EQ(R(RBX), 0x12345678);
	EQ(R(RSP), STACK);
	EQ(get(t, STACK - 4, 4), 0x12345678);
}

static void t_long_insn(struct xt *t)
{
	u8 code[17];

	memset(code, 0x66, sizeof(code));
	code[14] = 0x90;
	code[15] = 0xf4;
	xt_mode_real(t);
	xt_load(t, CODE, code, 16);
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(t->exit.rip, CODE + 15);
	code[14] = 0x66;
	code[15] = 0x90;
	code[16] = 0xf4;
	xt_mode_real(t);
	xt_load(t, CODE, code, 17);
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
}

static void t_cpl3_priv(struct xt *t)
{
	static const u8 in[] = { 0xe4, 0x60, 0xf4 };
	struct x86_cpu *c = &t->cpu;

	xt_mode_pm32(t);
	LOAD(cpl3);
	seg(&c->seg[X86_CS], 0x33, 0, 0xffffffff, 0xc0fb);
	seg(&c->seg[X86_SS], 0x3b, 0, 0xffffffff, 0xc0f3);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	/* with IOPL 3, CLI works (and HLT is still privileged) */
	xt_mode_pm32(t);
	seg(&c->seg[X86_CS], 0x33, 0, 0xffffffff, 0xc0fb);
	seg(&c->seg[X86_SS], 0x3b, 0, 0xffffffff, 0xc0f3);
	c->rflags |= X86_FLAGS_IOPL | X86_FLAGS_IF;
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(FL(IF), 0);
	EQ(get(t, 0xe000 - 20, 4), CODE + 1);
	/* IN at CPL 3 with IOPL 0 */
	xt_mode_pm32(t);
	xt_load(t, CODE, in, sizeof(in));
	seg(&c->seg[X86_CS], 0x33, 0, 0xffffffff, 0xc0fb);
	seg(&c->seg[X86_SS], 0x3b, 0, 0xffffffff, 0xc0f3);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
}

static void t_sreg_load(struct xt *t)
{
	xt_mode_pm32(t);
	LOAD(sreg_bad);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	EQ(get(t, STACK - 16, 4), 0x60);
	/* not-present data segment: #NP(selector) */
	xt_mode_pm32(t);
	EQ(code_sreg_bad[2], 0x60);
	xt_load(t, CODE, code_sreg_bad, sizeof(code_sreg_bad));
	t->mem[CODE + 2] = 0x38;
	put(t, GDT + 0x38 + 5, 0x73, 1);	/* DPL 3, P = 0 */
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_NP));
	EQ(get(t, STACK - 16, 4), 0x38);
	/* a code segment into SS: #GP */
	xt_mode_pm32(t);
	xt_load(t, CODE, code_sreg_bad, sizeof(code_sreg_bad));
	t->mem[CODE + 2] = 0x08;
	t->mem[CODE + 5] = 0xd0;		/* mov ss, ax */
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	EQ(get(t, STACK - 16, 4), 0x08);
}

static void t_push64(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(push64);
	RUN_TO_END(push64);
	EQ(R(RAX) & 0xffff, 5);
	EQ(R(RBX), ~0ULL);
	EQ(R(RSP), STACK);
}

static void t_cr0_gp(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(cr0_gp);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	EQ(!!(t->cpu.cr0 & X86_CR0_PG), 1);
}

static void t_iret_ring3(struct xt *t)
{
	/* IRETD to ring 3 pops SS:ESP and nulls DS/ES with DPL 0 */
	static const u8 code[] = { 0xcf };
	struct x86_cpu *c = &t->cpu;

	xt_mode_pm32(t);
	xt_load(t, CODE, code, sizeof(code));
	put(t, STACK - 20, 0x2000, 4);		/* EIP */
	put(t, STACK - 16, 0x33, 4);		/* CS */
	put(t, STACK - 12, 0x202, 4);		/* EFLAGS */
	put(t, STACK - 8, 0x7000, 4);		/* ESP */
	put(t, STACK - 4, 0x3b, 4);		/* SS */
	t->mem[0x2000] = 0x90;
	R(RSP) = STACK - 20;
	EQ(RUN(2), X86_EXIT_BUDGET);
	EQ(c->rip, 0x2001);
	EQ(c->seg[X86_CS].selector, 0x33);
	EQ(c->seg[X86_SS].selector, 0x3b);
	EQ(R(RSP), 0x7000);
	EQ(c->seg[X86_DS].selector, 0);
	EQ(FL(IF), 1);
	EQ(x86_execution_state(c) & 3, 3);
}

static void t_fetch_page_cross(struct xt *t)
{
	/* MOV EAX, imm32 split across a page boundary into unmapped GPA */
	xt_mode_pm32(t);
	t->cpu.rip = MMIO - 2;
	t->mem[MMIO - 2] = 0x90;
	t->mem[MMIO - 1] = 0xb8;
	EQ(RUN(10), X86_EXIT_MEMORY);
	EQ(t->exit.rip, MMIO - 1);
	EQ(t->exit.access, X86_ACCESS_EXECUTE);
	EQ(t->exit.mem.gpa, MMIO);
	EQ(t->exit.insn_count, 1);
	EQ(t->exit.insn_bytes[0], 0xb8);
	EQ(t->exit.insn_len, 0);
	EQ(t->cpu.retired, 1);
}

static void t_pae32(struct xt *t)
{
	/* 32-bit PAE paging: PDPT at 0x16000 -> PD 0x12000 (2 MiB + PT) */
	xt_mode_pm32(t);
	LOAD(pf32);
	put(t, 0x16000, 0x12000 | 1, 8);
	put(t, 0x21000, 0xbeef, 4);
	put(t, PT + 0x20 * 8, 0x21000 | 3, 8);
	t->cpu.cr4 |= X86_CR4_PAE;
	t->cpu.cr3 = 0x16000;
	t->cpu.cr0 |= X86_CR0_PG;
	RUN_TO_END(pf32);
	EQ(R(RAX), 0xbeef);
	EQ(!!(t->cpu.efer & X86_EFER_LMA), 0);
}

static void t_lm_ring3_int_iretq(struct xt *t)
{
	static const u8 code[] = { 0xcd, 0x30, 0xf4 };
	struct x86_cpu *c = &t->cpu;

	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	put(t, IDT + 0x30 * 16 + 5, 0xee, 1);	/* DPL 3 */
	seg(&c->seg[X86_CS], 0x53, 0, 0xffffffff, 0xa0fb);
	seg(&c->seg[X86_SS], 0x3b, 0, 0xffffffff, 0xc0f3);
	c->rflags |= X86_FLAGS_IF;
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(0x30));
	EQ(c->seg[X86_CS].selector, 0x18);
	EQ(c->seg[X86_SS].selector, 0);
	EQ(R(RSP), 0xe000 - 40);
	EQ(get(t, 0xe000 - 8, 8), 0x3b);
	EQ(get(t, 0xe000 - 16, 8), STACK);
	EQ(get(t, 0xe000 - 32, 8), 0x53);
	EQ(get(t, 0xe000 - 40, 8), CODE + 2);
	EQ(FL(IF), 0);
	/* IRETQ back to ring 3 */
	put(t, HANDLER(0x30), 0xcf48, 2);
	c->rip = HANDLER(0x30);
	c->halted = false;
	EQ(RUN(1), X86_EXIT_BUDGET);
	EQ(c->rip, CODE + 2);
	EQ(c->seg[X86_CS].selector, 0x53);
	EQ(c->seg[X86_SS].selector, 0x3b);
	EQ(R(RSP), STACK);
	EQ(FL(IF), 1);
	EQ(x86_execution_state(c) & 3, 3);
	/* HLT at CPL 3: #GP */
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
}

static void t_lm_ist(struct xt *t)
{
	static const u8 code[] = { 0xcd, 0x31, 0xf4 };

	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	put(t, IDT + 0x31 * 16 + 4, 1, 1);	/* IST 1 */
	put(t, TSS + 0x24, 0xd008, 8);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(0x31));
	EQ(R(RSP), 0xd000 - 40);		/* aligned down to 16 */
	EQ(get(t, 0xd000 - 16, 8), STACK);
}

static void t_ltr_str(struct xt *t)
{
	static const u8 code[] = {
		0x66, 0xb8, 0x40, 0x00,		/* mov ax, 0x40 */
		0x0f, 0x00, 0xd8,		/* ltr ax */
		0x0f, 0x00, 0xcb,		/* str ebx */
		0xf4,
	};

	xt_mode_pm32(t);
	xt_load(t, CODE, code, sizeof(code));
	t->cpu.tr.selector = 0;
	t->cpu.tr.base = 0;
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, CODE + 10);
	EQ(t->cpu.tr.base, TSS);
	EQ(t->cpu.tr.limit, 0x67);
	EQ(t->cpu.tr.attributes & 0xf, 0xb);
	EQ(R(RBX), 0x40);
}

static void t_far_jmp_mem64(struct xt *t)
{
	/* jmp far qword [0x8000] (REX.W FF /5): m16:64 to a 32-bit segment */
	static const u8 code[] = {
		0x48, 0xff, 0x2c, 0x25, 0x00, 0x80, 0x00, 0x00,
	};

	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	put(t, 0x8000, 0x2000, 8);
	put(t, 0x8008, 0x08, 2);
	t->mem[0x2000] = 0xf4;
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(t->exit.rip, 0x2000);
	EQ(t->cpu.seg[X86_CS].selector, 0x08);
	EQ(x86_execution_state(&t->cpu), (1 << 2) | (1 << 4));
}

static void t_enter_nested(struct xt *t)
{
	/* ENTER 8, 3 copies two frame pointers; all or nothing */
	static const u8 code[] = { 0xc8, 0x08, 0x00, 0x03, 0xf4 };

	xt_mode_pm32(t);
	xt_load(t, CODE, code, sizeof(code));
	R(RBP) = 0x9000;
	put(t, 0x9000 - 4, 0x1111, 4);
	put(t, 0x9000 - 8, 0x2222, 4);
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(get(t, STACK - 4, 4), 0x9000);
	EQ(get(t, STACK - 8, 4), 0x1111);
	EQ(get(t, STACK - 12, 4), 0x2222);
	EQ(get(t, STACK - 16, 4), STACK - 4);
	EQ(R(RBP), STACK - 4);
	EQ(R(RSP), STACK - 16 - 8);
	/* third push hits unmapped GPA: exit, nothing written */
	xt_mode_pm32(t);
	xt_load(t, CODE, code, sizeof(code));
	R(RBP) = 0x9000;
	R(RSP) = 0x2f008;
	t->perm[0x2e] = 0;
	EQ(RUN(10), X86_EXIT_MEMORY);
	EQ(t->exit.access, X86_ACCESS_WRITE);
	EQ(t->exit.mem.gpa, 0x2effc);
	EQ(R(RSP), 0x2f008);
	EQ(get(t, 0x2f000, 8), 0);
	EQ(t->dirty[0x2f], 0);
}

static int xt_msr_handled(void *ctx, u32 index, bool write, u64 *value)
{
	(void)ctx;
	if (index == 0x40000001 && !write) {
		*value = 0xaabbccdd11223344ULL;
		return X86_MSR_HANDLED;
	}
	if (index == 0x40000002)
		return X86_MSR_GP;
	return X86_MSR_UNHANDLED;
}

static u64 xt_tsc(void *ctx)
{
	(void)ctx;
	return 0x500000007ULL;
}

static void t_msrs(struct xt *t)
{
	static const u8 code[] = {
		0xb9, 0x01, 0x00, 0x00, 0x40,	/* mov ecx, 0x40000001 */
		0x0f, 0x32,			/* rdmsr */
		0x0f, 0x01, 0xf9,		/* rdtscp */
		0xb9, 0x02, 0x00, 0x00, 0x40,	/* mov ecx, 0x40000002 */
		0x0f, 0x32,			/* rdmsr: #GP */
	};

	xt_mode_lm64(t);
	LOAD(msr_rt);
	RUN_TO_END(msr_rt);
	EQ(t->cpu.sysenter_eip, 0xffffffff12345678ULL);
	EQ(t->cpu.gpr[X86_R8], 0x12345678);
	EQ(t->cpu.gpr[X86_R9], 0xffffffff);
	EQ(t->cpu.gpr[X86_R10], 1001);	/* one instruction later */
	/* non-canonical LSTAR: #GP, MSR unchanged */
	xt_mode_lm64(t);
	LOAD(msr_bad);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	EQ(t->cpu.lstar, 0);
	/* clearing EFER.LME with paging on: #GP */
	xt_mode_lm64(t);
	LOAD(efer_lme);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	EQ(t->cpu.efer, X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE);
	/* callback-handled MSR, TSC callback, callback #GP */
	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	t->env.msr = xt_msr_handled;
	t->env.read_tsc = xt_tsc;
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	EQ(R(RAX), 7);
	EQ(R(RDX), 5);
	EQ(R(RCX), 0x40000002);
	EQ(get(t, STACK - 40, 8), CODE + 15);
}

static void t_crs(struct xt *t)
{
	xt_mode_lm64(t);
	LOAD(cr_misc);
	t->cpu.cr0 |= X86_CR0_TS;
	RUN_TO_END(cr_misc);
	EQ(t->cpu.cr8, 5);
	EQ(R(RBX), 5);
	EQ(R(RCX), 0x1234);
	EQ(R(RDX), (t->cpu.cr0 | X86_CR0_TS) & 0xffffffff);
	EQ(t->cpu.cr0 & X86_CR0_TS, 0);
	EQ(t->cpu.gpr[X86_R11], X86_CR4_PAE);
	xt_mode_lm64(t);
	LOAD(cr4_rsvd);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	xt_mode_lm64(t);
	LOAD(cr8_big);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	/* LMSW sets PE (and cannot clear it), SMSW reads it back */
	xt_mode_real(t);
	LOAD(lmsw);
	RUN_TO_END(lmsw);
	EQ(t->cpu.cr0 & 0xf, 0xf);
	EQ(R(RBX) & 0xffff, (t->cpu.cr0 & 0xffff));
	/* CR0.PG without PE: #GP */
	xt_mode_pm32(t);
	t->mem[CODE] = 0x0f;
	t->mem[CODE + 1] = 0x22;
	t->mem[CODE + 2] = 0xc0;		/* mov cr0, eax */
	R(RAX) = X86_CR0_PG | X86_CR0_ET;
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
}

static void t_lldt(struct xt *t)
{
	/* LDT at 0x7000 (GDT 0x58), descriptor 0 = data segment base 0x8000 */
	xt_mode_pm32(t);
	LOAD(lldt);
	put(t, GDT + 0x58, 0x0000820070000fffULL, 8);
	put(t, 0x7000, 0x00cf93008000ffffULL, 8);
	put(t, 0x8010, 0x5a5a, 4);
	t->cpu.gdtr.limit = 0x5f;
	RUN_TO_END(lldt);
	EQ(t->cpu.ldtr.base, 0x7000);
	EQ(t->cpu.seg[X86_DS].base, 0x8000);
	EQ(R(RAX), 0x5a5a);
	EQ(R(RCX), 0x58);
}

static void t_retf_outer(struct xt *t)
{
	/* RETF 8 from ring 0 to ring 3: pops CS:EIP, skips 8, pops SS:ESP */
	static const u8 code[] = { 0xca, 0x08, 0x00 };
	struct x86_cpu *c = &t->cpu;

	xt_mode_pm32(t);
	xt_load(t, CODE, code, sizeof(code));
	put(t, STACK - 24, 0x2000, 4);		/* EIP */
	put(t, STACK - 20, 0x33, 4);		/* CS */
	put(t, STACK - 8, 0x7010, 4);		/* ESP */
	put(t, STACK - 4, 0x3b, 4);		/* SS */
	t->mem[0x2000] = 0x90;
	R(RSP) = STACK - 24;
	EQ(RUN(1), X86_EXIT_BUDGET);
	EQ(c->rip, 0x2000);
	EQ(c->seg[X86_CS].selector, 0x33);
	EQ(c->seg[X86_SS].selector, 0x3b);
	EQ(R(RSP), 0x7018);
	EQ(c->seg[X86_DS].selector, 0);
	EQ(c->seg[X86_ES].attributes, 0);
	/* returning to a more privileged level is #GP(selector) */
	xt_mode_pm32(t);
	xt_load(t, CODE, code, sizeof(code));
	put(t, STACK - 24, 0x2000, 4);
	put(t, STACK - 20, 0x08, 4);
	R(RSP) = STACK - 24;
	seg(&c->seg[X86_CS], 0x33, 0, 0xffffffff, 0xc0fb);
	seg(&c->seg[X86_SS], 0x3b, 0, 0xffffffff, 0xc0f3);
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_GP));
	EQ(get(t, 0xe000 - 24, 4), 0x08);
}

static void t_pop_rsp_mem(struct xt *t)
{
	/* pop qword [rsp + 8]: the address uses RSP after the increment */
	static const u8 code[] = {
		0x6a, 0x11,			/* push 0x11 */
		0x8f, 0x44, 0x24, 0x08,		/* pop qword [rsp + 8] */
		0xf4,
	};

	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(R(RSP), STACK);
	EQ(get(t, STACK + 8, 8), 0x11);
}

static void t_irq_window(struct xt *t)
{
	/* cli; nop; sti; nop; nop: the window opens after the shadow */
	static const u8 code[] = { 0xfa, 0x90, 0xfb, 0x90, 0x90, 0xf4 };

	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	t->cpu.rflags |= X86_FLAGS_IF;
	t->env.irq_window_exit = true;
	EQ(RUN(100), X86_EXIT_IRQ_WINDOW);
	EQ(t->exit.rip, CODE);
	t->cpu.rflags &= ~X86_FLAGS_IF;
	EQ(RUN(100), X86_EXIT_IRQ_WINDOW);
	EQ(t->exit.rip, CODE + 4);
	EQ(t->cpu.retired, 4);
	EQ(x86_inject_interrupt(&t->cpu, &t->env, 0x40, &t->exit),
	   X86_EXIT_NONE);
	EQ(t->cpu.rip, HANDLER(0x40));
	EQ(get(t, STACK - 40, 8), CODE + 4);
}

/* ---- the write sink ---- */

/* Install the sink for the unmapped page at MMIO, offsets [@from, @to). */
static void sink_on(struct xt *t, u64 from, u64 to)
{
	t->env.write_sink = xt_sink;
	t->sink_base = MMIO + from;
	t->sink_end = MMIO + to;
}

static void t_sink_taken(struct xt *t)
{
	static const u8 code[] = {
		/* mov dword [0x30010], 0x12345678 */
		0xc7, 0x04, 0x25, 0x10, 0x00, 0x03, 0x00, 0x78, 0x56, 0x34, 0x12,
		0xf4,
	};

	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	sink_on(t, 0, 0x1000);
	/* No exit at the MOV: it completes and the sink performs it once. */
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(t->exit.rip, CODE + 11);
	EQ(t->cpu.retired, 2);
	EQ(t->sink_probes, 1);
	EQ(t->sink_commits, 1);
	EQ(t->sink_gpa, MMIO + 0x10);
	EQ(t->sink_len, 4);
	EQ(t->sink_value, 0x12345678);
	/* Guest memory behind the unmapped GPA is untouched. */
	EQ(get(t, MMIO + 0x10, 4), 0);
	EQ(t->dirty[MMIO >> 12], 0);
}

static void t_sink_refused(struct xt *t)
{
	static const u8 code[] = {
		/* mov dword [0x30010], 0x12345678 */
		0xc7, 0x04, 0x25, 0x10, 0x00, 0x03, 0x00, 0x78, 0x56, 0x34, 0x12,
		0xf4,
	};
	static const u8 read[] = {
		0x8b, 0x04, 0x25, 0x40, 0x00, 0x03, 0x00,	/* mov eax, [0x30040] */
		0xf4,
	};
	struct x86_cpu before;

	/* The sink does not take this address: the usual memory exit. */
	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	sink_on(t, 0x20, 0x1000);
	before = t->cpu;
	EQ(RUN(10), X86_EXIT_MEMORY);
	EQ(t->exit.rip, CODE);
	EQ(t->exit.access, X86_ACCESS_WRITE);
	EQ(t->exit.mem.gpa, MMIO + 0x10);
	EQ(t->exit.insn_len, 11);
	EQ(t->sink_probes, 1);
	EQ(t->sink_commits, 0);
	EQ(memcmp(&before, &t->cpu, sizeof(before)), 0);
	/* Reads never go to the sink. */
	xt_mode_lm64(t);
	xt_load(t, CODE, read, sizeof(read));
	EQ(RUN(10), X86_EXIT_MEMORY);
	EQ(t->exit.access, X86_ACCESS_READ);
	EQ(t->exit.mem.gpa, MMIO + 0x40);
	EQ(t->sink_probes, 1);
	EQ(t->sink_commits, 0);
}

static void t_sink_no_commit(struct xt *t)
{
	static const u8 code[] = {
		0x48, 0x89, 0x04, 0x25, 0xfc, 0x0f, 0x03, 0x00,	/* mov [0x30ffc], rax */
		0xf4,
	};

	/*
	 * The first half goes to the sink, the second to the read-only page
	 * behind it: the instruction exits, the sink's half is not performed.
	 */
	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	sink_on(t, 0, 0x1000);
	R(RAX) = 0x1122334455667788ULL;
	EQ(RUN(10), X86_EXIT_MEMORY);
	EQ(t->exit.rip, CODE);
	EQ(t->exit.mem.denied, 1);
	EQ(t->exit.mem.gpa, ROPAGE);
	EQ(t->sink_probes, 1);
	EQ(t->sink_commits, 0);
	EQ(t->cpu.rip, CODE);
	/* The same with a page fault on the second half: #PF, no commit. */
	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	put(t, PT + (ROPAGE >> 12) * 8, 0, 8);
	R(RAX) = 0x1122334455667788ULL;
	EQ(RUN(10), X86_EXIT_HLT);
	EQ(t->exit.rip, HANDLER(X86_PF));
	EQ(t->cpu.cr2, ROPAGE);
	EQ(t->sink_probes, 2);
	EQ(t->sink_commits, 0);
	EQ(get(t, STACK - 40, 8), CODE);	/* the faulting RIP was pushed */
}

static void t_sink_rep_stos(struct xt *t)
{
	static const u8 code[] = {
		0x48, 0xc7, 0xc7, 0x40, 0x00, 0x03, 0x00,	/* mov rdi, 0x30040 */
		0xb9, 0x03, 0x00, 0x00, 0x00,			/* mov ecx, 3 */
		0xb8, 0xcd, 0xab, 0x00, 0x00,			/* mov eax, 0xabcd */
		0xf3, 0xab,					/* rep stosd */
		0xf4,
	};

	/* Every iteration is one write, performed once. */
	xt_mode_lm64(t);
	xt_load(t, CODE, code, sizeof(code));
	sink_on(t, 0, 0x1000);
	EQ(RUN(100), X86_EXIT_HLT);
	EQ(t->exit.rip, CODE + sizeof(code) - 1);
	EQ(t->sink_commits, 3);
	EQ(t->sink_gpa, MMIO + 0x48);
	EQ(t->sink_len, 4);
	EQ(t->sink_value, 0xabcd);
	EQ(R(RDI), MMIO + 0x4c);
	EQ(R(RCX), 0);
	EQ(get(t, MMIO + 0x40, 8), 0);
}

const struct xt_case xt_cases[] = {
	{ "real/add16 flags", t_add16 },
	{ "real/sub8 flags", t_sub8 },
	{ "real/adc sbb", t_adcsbb },
	{ "real/logic", t_logic },
	{ "real/inc dec neg", t_incneg },
	{ "real/cmp jcc setcc", t_cmpjcc },
	{ "real/loop jcxz", t_loop16 },
	{ "real/push pop call ret", t_stack16 },
	{ "real/shifts rotates", t_shifts },
	{ "real/shift flags", t_shift_flags },
	{ "real/mul div", t_muldiv16 },
	{ "real/idiv", t_idiv16 },
	{ "real/DE via IVT", t_div0_real },
	{ "real/UD via IVT", t_ud_real },
	{ "real/undefined opcodes", t_undefined_opcodes },
	{ "real/int iret", t_int_iret },
	{ "real/rep movs stos cmps", t_strings },
	{ "real/repne scas", t_scas },
	{ "exit/io out imm8", t_io_out },
	{ "exit/io in dx", t_io_in_dx },
	{ "exit/io rep outsb", t_io_outsb },
	{ "exit/mmio write", t_mmio_exit },
	{ "exit/cpuid", t_cpuid },
	{ "exit/msr", t_msr },
	{ "exit/budget", t_budget },
	{ "exit/cancel", t_cancel },
	{ "irq/inject real", t_inject_real },
	{ "mode/real-prot-long", t_mode_switch },
	{ "pm32/alu lea movzx imul", t_alu32 },
	{ "pm32/setcc cmov bt bsf xchg", t_setcmov },
	{ "pm32/GP segment limit", t_gp_limit },
	{ "pm32/int iretd", t_int32 },
	{ "pm32/paging PF", t_pf32 },
	{ "pm32/ring3 int, gate dpl", t_ring3_int },
	{ "lm64/alu rex", t_alu64 },
	{ "lm64/mul div 128", t_muldiv64 },
	{ "lm64/DE overflow", t_div_overflow },
	{ "lm64/PF not present, protection", t_pf64 },
	{ "lm64/2M page, A/D bits", t_paging_2m },
	{ "lm64/x86_translate", t_translate },
	{ "lm64/rep movsq exit mid-way", t_rep_fault },
	{ "lm64/triple fault", t_triple },
	{ "lm64/double fault", t_double_fault },
	{ "lm64/exception intercept", t_exception_intercept },
	{ "lm64/call ret", t_call64 },
	{ "lm64/int3", t_int3_64 },
	{ "lm64/gpa permissions", t_gpa_permissions },
	{ "lm64/UD invalid in 64-bit", t_ud_64 },
	{ "irq/inject 64", t_inject64 },
	{ "pm32/far call, far ret", t_far_call_ret },
	{ "real/pusha popa", t_pusha },
	{ "pm32/enter leave", t_enter_leave },
	{ "pm32/lgdt sgdt sidt", t_lgdt_sgdt },
	{ "real/xlat moffs", t_xlat_moffs },
	{ "real/16-bit addressing, SS default", t_addr16 },
	{ "pm32/rep movs std, rep count 0, lods", t_movs_df },
	{ "lm64/lock add cmpxchg xadd, bts mem", t_lock_mem },
	{ "lm64/wrmsr fs_base, swapgs", t_fs_msr },
	{ "lm64/compatibility mode", t_compat },
	{ "real/15-byte limit", t_long_insn },
	{ "pm32/cpl3 cli in hlt", t_cpl3_priv },
	{ "pm32/segment load GP NP", t_sreg_load },
	{ "lm64/push imm sizes", t_push64 },
	{ "lm64/clear PG in 64-bit GP", t_cr0_gp },
	{ "pm32/iret to ring 3", t_iret_ring3 },
	{ "exit/fetch across page into mmio", t_fetch_page_cross },
	{ "pm32/PAE paging", t_pae32 },
	{ "lm64/ring3 int, iretq", t_lm_ring3_int_iretq },
	{ "lm64/IST stack", t_lm_ist },
	{ "pm32/ltr str", t_ltr_str },
	{ "lm64/far jmp m16:64 to compat", t_far_jmp_mem64 },
	{ "pm32/enter nested, atomic", t_enter_nested },
	{ "sys/msrs", t_msrs },
	{ "sys/control registers", t_crs },
	{ "sys/lldt ldt segment", t_lldt },
	{ "pm32/retf imm16 to ring 3", t_retf_outer },
	{ "lm64/pop to rsp-based memory", t_pop_rsp_mem },
	{ "irq/interrupt window exit", t_irq_window },
	{ "sink/write taken, committed once", t_sink_taken },
	{ "sink/write refused exits, reads exit", t_sink_refused },
	{ "sink/faulting write never commits", t_sink_no_commit },
	{ "sink/rep stos commits per iteration", t_sink_rep_stos },
};

const unsigned int xt_ncases = ARRAY_SIZE(xt_cases);

bool xt_run_case(struct xt *t, const struct xt_case *tc)
{
	xt_init(t);
	tc->fn(t);
	return t->fails == 0;
}
