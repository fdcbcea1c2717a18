// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the hvsim x86 engine against the host CPU (userspace
 * on x86-64 only): each instruction form below operates on RAX/RCX/RDX and
 * the flags only.  It is executed natively (inside a small generated
 * function) and by the engine in 64-bit mode - and, without REX, in 32-bit
 * protected mode and in real mode with the operand-size prefix toggled - on
 * random operands and random input flags, and the registers and the
 * architecturally defined flags are compared.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "x86_test.h"

static u64 x86_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

#define ARITH	0x8d5ULL	/* OF SF ZF AF PF CF */
#define NOAF	0x8c5ULL
#define CF_OF	0x801ULL

enum kind {
	K_PLAIN,	/* defined flags = mask */
	K_SHIFT,	/* shift/rotate by CL: mask depends on the count */
	K_ROT,
	K_SHD,		/* SHLD/SHRD by CL */
	K_DIV,		/* constrain operands to avoid #DE */
	K_IDIV,
	K_BSX,		/* BSF/BSR: destination undefined for a zero source */
};

struct form {
	const char *name;
	u8 len;
	u8 bytes[5];
	u64 mask;
	u8 size;
	u8 kind;
};

#define F(n, m, s, k, ...) { n, sizeof((u8[]){ __VA_ARGS__ }), \
			     { __VA_ARGS__ }, m, s, k }

static const struct form forms[] = {
	F("add8", ARITH, 1, K_PLAIN, 0x00, 0xc8),
	F("add16", ARITH, 2, K_PLAIN, 0x66, 0x01, 0xc8),
	F("add32", ARITH, 4, K_PLAIN, 0x01, 0xc8),
	F("add64", ARITH, 8, K_PLAIN, 0x48, 0x01, 0xc8),
	F("or8", NOAF, 1, K_PLAIN, 0x08, 0xc8),
	F("or64", NOAF, 8, K_PLAIN, 0x48, 0x09, 0xc8),
	F("adc8", ARITH, 1, K_PLAIN, 0x10, 0xc8),
	F("adc16", ARITH, 2, K_PLAIN, 0x66, 0x11, 0xc8),
	F("adc32", ARITH, 4, K_PLAIN, 0x11, 0xc8),
	F("adc64", ARITH, 8, K_PLAIN, 0x48, 0x11, 0xc8),
	F("sbb8", ARITH, 1, K_PLAIN, 0x18, 0xc8),
	F("sbb16", ARITH, 2, K_PLAIN, 0x66, 0x19, 0xc8),
	F("sbb32", ARITH, 4, K_PLAIN, 0x19, 0xc8),
	F("sbb64", ARITH, 8, K_PLAIN, 0x48, 0x19, 0xc8),
	F("and32", NOAF, 4, K_PLAIN, 0x21, 0xc8),
	F("sub8", ARITH, 1, K_PLAIN, 0x28, 0xc8),
	F("sub16", ARITH, 2, K_PLAIN, 0x66, 0x29, 0xc8),
	F("sub32", ARITH, 4, K_PLAIN, 0x29, 0xc8),
	F("sub64", ARITH, 8, K_PLAIN, 0x48, 0x29, 0xc8),
	F("xor16", NOAF, 2, K_PLAIN, 0x66, 0x31, 0xc8),
	F("cmp8", ARITH, 1, K_PLAIN, 0x38, 0xc8),
	F("cmp64", ARITH, 8, K_PLAIN, 0x48, 0x39, 0xc8),
	F("test32", NOAF, 4, K_PLAIN, 0x85, 0xc8),
	F("add_ah_ch", ARITH, 1, K_PLAIN, 0x00, 0xec),
	F("inc8", ARITH, 1, K_PLAIN, 0xfe, 0xc0),
	F("inc16", ARITH, 2, K_PLAIN, 0x66, 0xff, 0xc0),
	F("inc64", ARITH, 8, K_PLAIN, 0x48, 0xff, 0xc0),
	F("dec8", ARITH, 1, K_PLAIN, 0xfe, 0xc8),
	F("dec32", ARITH, 4, K_PLAIN, 0xff, 0xc8),
	F("neg8", ARITH, 1, K_PLAIN, 0xf6, 0xd8),
	F("neg16", ARITH, 2, K_PLAIN, 0x66, 0xf7, 0xd8),
	F("neg64", ARITH, 8, K_PLAIN, 0x48, 0xf7, 0xd8),
	F("not32", ARITH, 4, K_PLAIN, 0xf7, 0xd0),
	F("rol8", 0, 1, K_ROT, 0xd2, 0xc0),
	F("rol16", 0, 2, K_ROT, 0x66, 0xd3, 0xc0),
	F("rol64", 0, 8, K_ROT, 0x48, 0xd3, 0xc0),
	F("ror8", 0, 1, K_ROT, 0xd2, 0xc8),
	F("ror32", 0, 4, K_ROT, 0xd3, 0xc8),
	F("rcl8", 0, 1, K_ROT, 0xd2, 0xd0),
	F("rcl16", 0, 2, K_ROT, 0x66, 0xd3, 0xd0),
	F("rcl32", 0, 4, K_ROT, 0xd3, 0xd0),
	F("rcl64", 0, 8, K_ROT, 0x48, 0xd3, 0xd0),
	F("rcr8", 0, 1, K_ROT, 0xd2, 0xd8),
	F("rcr16", 0, 2, K_ROT, 0x66, 0xd3, 0xd8),
	F("rcr64", 0, 8, K_ROT, 0x48, 0xd3, 0xd8),
	F("shl8", 0, 1, K_SHIFT, 0xd2, 0xe0),
	F("shl16", 0, 2, K_SHIFT, 0x66, 0xd3, 0xe0),
	F("shl32", 0, 4, K_SHIFT, 0xd3, 0xe0),
	F("shl64", 0, 8, K_SHIFT, 0x48, 0xd3, 0xe0),
	F("shr8", 0, 1, K_SHIFT, 0xd2, 0xe8),
	F("shr16", 0, 2, K_SHIFT, 0x66, 0xd3, 0xe8),
	F("shr64", 0, 8, K_SHIFT, 0x48, 0xd3, 0xe8),
	F("sar8", 0, 1, K_SHIFT, 0xd2, 0xf8),
	F("sar32", 0, 4, K_SHIFT, 0xd3, 0xf8),
	F("sar64", 0, 8, K_SHIFT, 0x48, 0xd3, 0xf8),
	F("shld32", 0, 4, K_SHD, 0x0f, 0xa5, 0xd0),
	F("shld64", 0, 8, K_SHD, 0x48, 0x0f, 0xa5, 0xd0),
	F("shrd32", 0, 4, K_SHD, 0x0f, 0xad, 0xd0),
	F("shrd16", 0, 2, K_SHD, 0x66, 0x0f, 0xad, 0xd0),
	F("mul8", CF_OF, 1, K_PLAIN, 0xf6, 0xe2),
	F("mul16", CF_OF, 2, K_PLAIN, 0x66, 0xf7, 0xe1),
	F("mul32", CF_OF, 4, K_PLAIN, 0xf7, 0xe1),
	F("mul64", CF_OF, 8, K_PLAIN, 0x48, 0xf7, 0xe1),
	F("imul8", CF_OF, 1, K_PLAIN, 0xf6, 0xe9),
	F("imul16", CF_OF, 2, K_PLAIN, 0x66, 0xf7, 0xe9),
	F("imul32", CF_OF, 4, K_PLAIN, 0xf7, 0xe9),
	F("imul64", CF_OF, 8, K_PLAIN, 0x48, 0xf7, 0xe9),
	F("imul2_32", CF_OF, 4, K_PLAIN, 0x0f, 0xaf, 0xc1),
	F("imul2_64", CF_OF, 8, K_PLAIN, 0x48, 0x0f, 0xaf, 0xc1),
	F("imul3_16", CF_OF, 2, K_PLAIN, 0x66, 0x6b, 0xc1, 0x85),
	F("div32", 0, 4, K_DIV, 0xf7, 0xf1),
	F("div64", 0, 8, K_DIV, 0x48, 0xf7, 0xf1),
	F("idiv32", 0, 4, K_IDIV, 0xf7, 0xf9),
	F("idiv64", 0, 8, K_IDIV, 0x48, 0xf7, 0xf9),
	F("bt32", 0x41, 4, K_PLAIN, 0x0f, 0xa3, 0xc8),
	F("bts64", 0x41, 8, K_PLAIN, 0x48, 0x0f, 0xab, 0xc8),
	F("btr16", 0x41, 2, K_PLAIN, 0x66, 0x0f, 0xb3, 0xc8),
	F("btc32", 0x41, 4, K_PLAIN, 0x0f, 0xbb, 0xc8),
	F("bts_imm", 0x41, 4, K_PLAIN, 0x0f, 0xba, 0xe8, 0x25),
	F("bsf32", 0x40, 4, K_BSX, 0x0f, 0xbc, 0xc1),
	F("bsr64", 0x40, 8, K_BSX, 0x48, 0x0f, 0xbd, 0xc1),
	F("cmpxchg32", ARITH, 4, K_PLAIN, 0x0f, 0xb1, 0xca),
	F("cmpxchg8", ARITH, 1, K_PLAIN, 0x0f, 0xb0, 0xca),
	F("xadd64", ARITH, 8, K_PLAIN, 0x48, 0x0f, 0xc1, 0xc8),
	F("cbw", ~0ULL, 2, K_PLAIN, 0x66, 0x98),
	F("cdqe", ~0ULL, 8, K_PLAIN, 0x48, 0x98),
	F("cwd", ~0ULL, 2, K_PLAIN, 0x66, 0x99),
	F("cqo", ~0ULL, 8, K_PLAIN, 0x48, 0x99),
	F("bswap32", ~0ULL, 4, K_PLAIN, 0x0f, 0xc8),
	F("bswap64", ~0ULL, 8, K_PLAIN, 0x48, 0x0f, 0xc9),
	F("setbe", ~0ULL, 1, K_PLAIN, 0x0f, 0x96, 0xc0),
	F("setl", ~0ULL, 1, K_PLAIN, 0x0f, 0x9c, 0xc0),
	F("setle", ~0ULL, 1, K_PLAIN, 0x0f, 0x9e, 0xc0),
	F("setp", ~0ULL, 1, K_PLAIN, 0x0f, 0x9a, 0xc0),
	F("cmovo32", ~0ULL, 4, K_PLAIN, 0x0f, 0x40, 0xc1),
	F("cmovg64", ~0ULL, 8, K_PLAIN, 0x48, 0x0f, 0x4f, 0xc1),
	F("lahf", ~0ULL, 1, K_PLAIN, 0x9f),
	F("sahf", ~0ULL, 1, K_PLAIN, 0x9e),
	F("cmc", ~0ULL, 1, K_PLAIN, 0xf5),
	F("movsx8_16", ~0ULL, 2, K_PLAIN, 0x66, 0x0f, 0xbe, 0xc1),
	F("movzx16_64", ~0ULL, 8, K_PLAIN, 0x48, 0x0f, 0xb7, 0xc1),
	F("movsxd", ~0ULL, 8, K_PLAIN, 0x48, 0x63, 0xc1),
	F("movsxd16", ~0ULL, 2, K_PLAIN, 0x66, 0x63, 0xc1),
	F("movsxd32", ~0ULL, 4, K_PLAIN, 0x63, 0xc1),
	F("xchg8", ~0ULL, 1, K_PLAIN, 0x86, 0xe1),
	F("lea_sib", ~0ULL, 8, K_PLAIN, 0x48, 0x8d, 0x44, 0x48, 0x85),
};

/* [rax, rcx, rdx, rflags] */
typedef void (*native_fn)(u64 *regs);

static u8 *jit;

static native_fn build(const struct form *f)
{
	static const u8 pre[] = {
		0x48, 0x8b, 0x07,		/* mov rax, [rdi] */
		0x48, 0x8b, 0x4f, 0x08,		/* mov rcx, [rdi + 8] */
		0x48, 0x8b, 0x57, 0x10,		/* mov rdx, [rdi + 16] */
		0xff, 0x77, 0x18,		/* push qword [rdi + 24] */
		0x9d,				/* popfq */
	};
	static const u8 post[] = {
		0x9c,				/* pushfq */
		0x8f, 0x47, 0x18,		/* pop qword [rdi + 24] */
		0x48, 0x89, 0x07,		/* mov [rdi], rax */
		0x48, 0x89, 0x4f, 0x08,		/* mov [rdi + 8], rcx */
		0x48, 0x89, 0x57, 0x10,		/* mov [rdi + 16], rdx */
		0xc3,				/* ret */
	};
	u8 *p = jit;

	memcpy(p, pre, sizeof(pre));
	p += sizeof(pre);
	memcpy(p, f->bytes, f->len);
	p += f->len;
	memcpy(p, post, sizeof(post));
	__builtin___clear_cache((char *)jit, (char *)p + sizeof(post));
	return (native_fn)(void *)jit;
}

static u64 rnd_state = 88172645463325252ULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static u64 operand(void)
{
	static const u64 special[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, ~0ULL,
	};

	switch (rnd() % 4) {
	case 0:
		return special[rnd() % ARRAY_SIZE(special)];
	case 1:
		return rnd() & 0xff;
	default:
		return rnd();
	}
}

static u64 defined_mask(const struct form *f, u64 cnt)
{
	unsigned int bits = f->size * 8, c;

	switch (f->kind) {
	case K_SHIFT:
		c = cnt & (f->size == 8 ? 63 : 31);
		if (!c)
			return ~0ULL;
		/* CF undefined once everything is shifted out (8/16-bit) */
		return (c == 1 ? 0x8c5ULL : 0x0c4ULL) | (c <= bits ? 1 : 0);
	case K_ROT:
		c = cnt & (f->size == 8 ? 63 : 31);
		if (!c)
			return ~0ULL;
		return ~0ULL & ~0x10ULL & ~(c == 1 ? 0 : 0x800ULL);
	case K_SHD:
		c = cnt & (f->size == 8 ? 63 : 31);
		if (!c)
			return ~0ULL;
		if (c > bits)
			return 0;
		return c == 1 ? 0x8c5ULL : 0x0c5ULL;
	default:
		return f->mask;
	}
}

/*
 * The engine's copy of the instruction for @mode (0: 64-bit, 1: 32-bit
 * protected, 2: real mode, where the operand-size prefix is toggled so the
 * operation is the same).  Returns its length, 0 if not applicable.
 */
static int engine_bytes(const struct form *f, int mode, u8 *out)
{
	if (mode == 0) {
		memcpy(out, f->bytes, f->len);
		return f->len;
	}
	if ((f->bytes[0] & 0xf0) == 0x40)	/* REX */
		return 0;
	if (f->bytes[f->bytes[0] == 0x66] == 0x63)	/* ARPL outside 64-bit */
		return 0;
	if (mode == 1) {
		memcpy(out, f->bytes, f->len);
		return f->len;
	}
	if (f->bytes[0] == 0x66) {
		memcpy(out, f->bytes + 1, f->len - 1);
		return f->len - 1;
	}
	out[0] = 0x66;
	memcpy(out + 1, f->bytes, f->len);
	return f->len + 1;
}

/* Returns the number of mismatches; prints the first one. */
static int check_form(struct xt *t, const struct form *f, int iters,
		      int mode)
{
	native_fn fn = build(f);
	int i, bad = 0, len;
	u8 code[8];

	len = engine_bytes(f, mode, code);
	if (!len)
		return -1;

	for (i = 0; i < iters; i++) {
		u64 in[4], hw[4], fm, rm = ~0ULL;
		struct x86_cpu *c = &t->cpu;

		in[0] = operand();
		in[1] = operand();
		in[2] = operand();
		in[3] = (rnd() & 0x8d5) | 2;
		if (f->kind == K_SHIFT || f->kind == K_ROT ||
		    f->kind == K_SHD)
			in[1] = (in[1] & ~0xffULL) | (rnd() % 72);
		if (f->kind == K_DIV) {
			if (!(in[1] & x86_mask(f->size)))
				in[1] |= 1;
			in[2] = (in[2] & x86_mask(f->size)) %
				(in[1] & x86_mask(f->size));
		}
		if (f->kind == K_IDIV) {
			in[0] = (u64)(s64)(s16)in[0];
			in[2] = (s64)in[0] < 0 ? ~0ULL : 0;
			in[1] = (u64)(s64)(s8)in[1];
			if (!(u8)in[1])
				in[1] = 3;
		}
		memcpy(hw, in, sizeof(hw));
		fn(hw);

		if (mode == 0)
			xt_mode_lm64(t);
		else if (mode == 1)
			xt_mode_pm32(t);
		else
			xt_mode_real(t);
		xt_load(t, 0x1000, code, len);
		t->mem[0x1000 + len] = 0xf4;
		c->gpr[X86_RAX] = in[0];
		c->gpr[X86_RCX] = in[1];
		c->gpr[X86_RDX] = in[2];
		c->rflags = in[3];
		if (x86_run(c, &t->env, &t->exit, 10) != X86_EXIT_HLT) {
			if (!bad++)
				printf("  %s: exit %d\n", f->name, t->exit.reason);
			continue;
		}
		fm = defined_mask(f, in[1]) & ARITH;
		if (f->kind == K_BSX && !(in[1] & x86_mask(f->size)))
			rm = 0;
		if (f->kind == K_SHD && (in[1] & 31) > f->size * 8u)
			rm = 0;		/* result undefined */
		if (((c->rflags ^ hw[3]) & fm) ||
		    ((c->gpr[X86_RAX] ^ hw[0]) & rm) ||
		    c->gpr[X86_RCX] != hw[1] || c->gpr[X86_RDX] != hw[2]) {
			if (!bad++) {
				printf("  %s: in %llx %llx %llx fl %llx\n",
				       f->name, (unsigned long long)in[0],
				       (unsigned long long)in[1],
				       (unsigned long long)in[2],
				       (unsigned long long)in[3]);
				printf("  engine %llx %llx %llx fl %llx\n",
				       (unsigned long long)c->gpr[X86_RAX],
				       (unsigned long long)c->gpr[X86_RCX],
				       (unsigned long long)c->gpr[X86_RDX],
				       (unsigned long long)c->rflags);
				printf("  cpu    %llx %llx %llx fl %llx mask %llx\n",
				       (unsigned long long)hw[0],
				       (unsigned long long)hw[1],
				       (unsigned long long)hw[2],
				       (unsigned long long)hw[3],
				       (unsigned long long)fm);
			}
		}
	}
	return bad;
}

/* Run the oracle; prints one line per form, updates the counters. */
void xt_oracle(struct xt *t, int iters, unsigned int *pass,
	       unsigned int *fail)
{
	unsigned int i;

	jit = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (jit == MAP_FAILED) {
		printf("skip oracle: no executable memory\n");
		return;
	}
	static const char * const modes[] = { "lm64", "pm32", "real" };
	int m;

	for (m = 0; m < 3; m++) {
		for (i = 0; i < ARRAY_SIZE(forms); i++) {
			int bad;

			xt_init(t);
			bad = check_form(t, &forms[i], iters, m);
			if (bad < 0)
				continue;
			printf("%s oracle/%s/%s%s\n", bad ? "FAIL" : "ok  ",
			       modes[m], forms[i].name,
			       bad ? " (mismatches)" : "");
			if (bad)
				(*fail)++;
			else
				(*pass)++;
		}
	}
	munmap(jit, 4096);
}
