// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzer core of the hvsim x86 engine (kernel and userspace): random bytes
 * and instruction-shaped random code as guest code (with random data,
 * registers and, sometimes, random system state) in real, 32-bit protected
 * (with and without paging) and 64-bit long mode.  Exits are handled the
 * way a VMM would (skip the instruction, inject an interrupt after HLT,
 * start over after a triple fault or MMIO access).  Deterministic for a
 * given seed.
 */
#include "x86_test.h"

#define CODE	0x1000

static u64 rng_state;

static u64 rnd(void)
{
	u64 x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static void rnd_fill(u8 *p, unsigned int n)
{
	while (n--)
		*p++ = (u8)rnd();
}

static void setup(struct xt *t, int mode)
{
	xt_init(t);
	switch (mode & 3) {
	case 0:
		xt_mode_real(t);
		break;
	case 1:
		xt_mode_pm32(t);
		break;
	case 2:
		xt_mode_pm32(t);
		t->cpu.cr0 |= X86_CR0_PG;
		t->cpu.cr3 = 0x14000;
		break;
	default:
		xt_mode_lm64(t);
		break;
	}
}

/* Arbitrary system state: the engine must cope with anything. */
static void chaos(struct xt *t)
{
	struct x86_cpu *c = &t->cpu;
	int i;

	for (i = 0; i < X86_NR_SREGS; i++) {
		if (rnd() & 1)
			continue;
		c->seg[i].attributes = rnd();
		c->seg[i].limit = (rnd() & 1) ? rnd() : 0xffffffff;
		c->seg[i].base = (rnd() & 1) ? rnd() & 0xfffff : 0;
		c->seg[i].selector = rnd();
	}
	if (rnd() & 1)
		c->cr0 ^= 1ULL << (rnd() % 32);
	if (rnd() & 1)
		c->cr4 ^= 1ULL << (rnd() % 22);
	if (rnd() & 1)
		c->efer ^= 1ULL << (rnd() % 12);
	if (rnd() & 1)
		c->rflags = (rnd() & 0x3f7fd5) | 2;
	if (rnd() & 1)
		c->idtr.limit = rnd();
	if (rnd() & 1)
		c->gdtr.limit = rnd();
	if (rnd() & 1)
		c->tr.limit = rnd();
	if (rnd() & 1)
		c->cr3 = rnd() & 0x3ff000;
	c->interrupt_shadow = rnd() & 1;
	/* random page-table and descriptor-table bytes */
	if (rnd() & 1)
		rnd_fill(t->mem + 0x10000 + (rnd() % 0x6000), 64);
	if (rnd() & 1)
		rnd_fill(t->mem + 0x500 + (rnd() % 0x100), 16);
	if (rnd() & 1)
		rnd_fill(t->mem + 0x4000 + (rnd() % 0x1000), 32);
}

/*
 * Instruction-shaped random code: optional prefixes, a one- or two-byte
 * opcode, then random ModRM/SIB/displacement/immediate bytes (whatever the
 * decoder does not consume starts the next instruction).
 */
static void shaped_code(u8 *p, unsigned int n)
{
	static const u8 prefixes[] = {
		0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36, 0x3e, 0x64,
		0x65, 0x40, 0x41, 0x44, 0x48, 0x49, 0x4c, 0x4f,
	};
	unsigned int i = 0, k;

	while (i + 16 <= n) {
		while (!(rnd() % 3))
			p[i++] = prefixes[rnd() % ARRAY_SIZE(prefixes)];
		if (rnd() % 3 == 0)
			p[i++] = 0x0f;
		p[i++] = (u8)rnd();
		for (k = 0; k < 6; k++) {
			/* ModRM: favour register and simple memory forms */
			p[i++] = k == 0 && (rnd() & 1) ? 0xc0 | (rnd() & 0x3f) :
				 (u8)rnd();
		}
	}
	while (i < n)
		p[i++] = 0x90;
}

static u64 rnd_reg(void)
{
	switch (rnd() % 4) {
	case 0:
		return rnd();
	case 1:
		return 0x8000 + (rnd() & 0x1fff);
	default:
		return rnd() & 0xffff;
	}
}

static void new_program(struct xt *t)
{
	int mode = rnd() % 4, i;

	setup(t, mode);
	if (rnd() & 1)
		rnd_fill(t->mem + CODE, 0x2000);
	else
		shaped_code(t->mem + CODE, 0x2000);
	rnd_fill(t->mem + 0x8000, 0x2000);
	for (i = 0; i < X86_NR_GPRS; i++)
		t->cpu.gpr[i] = rnd_reg();
	t->cpu.gpr[X86_RSP] = 0xf000;
	t->env.irq_window_exit = !(rnd() % 4);
	if (!(rnd() % 8))
		chaos(t);
}

u64 xt_fuzz_step(struct xt *t, u64 budget)
{
	struct x86_exit *ex = &t->exit;
	u64 before = t->cpu.retired, done;
	enum x86_exit_reason r;
	u64 gpa;
	u32 err;

	r = x86_run(&t->cpu, &t->env, ex, budget);
	done = t->cpu.retired - before;
	x86_translate(&t->cpu, &t->env, t->cpu.rip, X86_ACCESS_EXECUTE,
		      rnd() & 1, &gpa, &err);
	x86_execution_state(&t->cpu);
	switch (r) {
	case X86_EXIT_IO:
	case X86_EXIT_CPUID:
	case X86_EXIT_MSR:
	case X86_EXIT_EXCEPTION:
		if (ex->insn_len && ex->insn_len <= 15 && (rnd() & 7))
			t->cpu.rip += ex->insn_len;
		else if (r == X86_EXIT_EXCEPTION)
			x86_inject_exception(&t->cpu, &t->env,
					     ex->exception.vector,
					     ex->exception.error_code_valid,
					     ex->exception.error_code, ex);
		else
			new_program(t);
		break;
	case X86_EXIT_HLT:
		if (rnd() & 3)
			x86_inject_interrupt(&t->cpu, &t->env, rnd(), ex);
		else
			new_program(t);
		break;
	case X86_EXIT_IRQ_WINDOW:
		x86_inject_interrupt(&t->cpu, &t->env, 0x20 + rnd() % 32, ex);
		t->env.irq_window_exit = !(rnd() % 4);
		break;
	case X86_EXIT_BUDGET:
		if (x86_can_inject_interrupt(&t->cpu) && !(rnd() % 4))
			x86_inject_interrupt(&t->cpu, &t->env, 0x20 + rnd() % 32,
					     ex);
		if (!(rnd() % 16))
			new_program(t);
		break;
	default:
		new_program(t);
		break;
	}
	return done;
}

void xt_fuzz_seed(u64 seed)
{
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
}

void xt_fuzz_load(struct xt *t, const u8 *data, unsigned int size)
{
	if (!size) {
		new_program(t);
		return;
	}
	setup(t, data[0]);
	if (size - 1 > 0x2000)
		size = 0x2001;
	memcpy(t->mem + CODE, data + 1, size - 1);
}

u64 xt_fuzz(struct xt *t, u64 seed, u64 target, u64 *runs)
{
	u64 done = 0;

	xt_fuzz_seed(seed);
	new_program(t);
	*runs = 0;
	while (done < target) {
		done += xt_fuzz_step(t, 1 + rnd() % 5000);
		(*runs)++;
	}
	return done;
}
