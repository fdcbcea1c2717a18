/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvsim x86 engine: internal interfaces shared by the engine's source files.
 * Not for users of the engine (see x86_engine.h).
 */
#ifndef _HVSIM_X86_ENGINE_PRIV_H
#define _HVSIM_X86_ENGINE_PRIV_H

#include "x86_engine.h"

/* Internal return codes of everything that can fail inside an instruction. */
enum {
	XRC_OK = 0,
	XRC_FAULT = 1,		/* exception recorded in the context */
	XRC_EXIT = 2,		/* exit recorded in ctx->exit */
};

#define X86_MAX_INSN	15
#define X86_WLOG_MAX	72	/* ENTER 31: 33 pushes, each may span 2 pages */

/* One buffered guest-physical write of the current instruction. */
struct x86_wlog {
	u64 gpa;
	u8 len;
	bool sink;		/* taken by &x86_env.write_sink */
	u8 data[8];
};

/* Per-instruction execution context (lives on the stack of x86_run()). */
struct x86_ctx {
	struct x86_cpu *cpu;
	const struct x86_env *env;
	struct x86_exit *exit;
	struct x86_cpu saved;	/* state at instruction start, for rollback */

	/* instruction bytes */
	u64 rip0;
	u8 bytes[16];
	u8 nbytes;		/* bytes fetched */
	u8 pos;			/* bytes consumed by the decoder */

	/* decoded instruction */
	u8 code;		/* 2, 4, 8: default size of the code segment */
	u8 opsize;
	u8 adsize;
	u8 rex;			/* REX byte, 0 if none */
	u8 rep;			/* 0, 0xf2, 0xf3 */
	bool lock;
	s8 seg_ovr;		/* -1 or an &enum x86_sreg */
	u16 op;			/* 0x00..0xff, 0x0f00..0x0fff */
	bool has_modrm;
	u8 mod, reg, rm;	/* reg and rm include REX.R/REX.B */
	bool mem;		/* ModRM r/m is a memory operand */
	bool rip_rel;
	bool ea_rsp;		/* the address uses rSP as its base */
	u8 ea_seg;
	u64 ea;
	u64 imm, imm2;

	/* pending exception */
	u8 vec;
	bool has_err;
	u32 err;
	u64 fault_cr2;

	/* buffered writes */
	u8 nw;
	struct x86_wlog w[X86_WLOG_MAX];

	int ev_kind;		/* X86_EV_*: kind of the pending event */
	u64 ret_rip;		/* return address of a software event */
	bool decoded;		/* whole instruction decoded (length known) */
	bool new_shadow;	/* instruction sets the interrupt shadow */
	bool halt;		/* instruction was HLT */
	bool implicit_sv;	/* accesses are implicit supervisor accesses */
};

/* x86_engine_mem.c */
int x86_fault(struct x86_ctx *c, u8 vec, u32 err);
int x86_cpl(const struct x86_cpu *cpu);
bool x86_long64(const struct x86_cpu *cpu);
int x86_lin_read(struct x86_ctx *c, u64 la, void *buf, unsigned int len,
		 enum x86_access acc);
int x86_lin_write(struct x86_ctx *c, u64 la, const void *buf,
		  unsigned int len);
int x86_seg_addr(struct x86_ctx *c, int sreg, u64 off, unsigned int len,
		 enum x86_access acc, u64 *la);
int x86_vread(struct x86_ctx *c, int sreg, u64 off, unsigned int len,
	      u64 *val);
int x86_vwrite(struct x86_ctx *c, int sreg, u64 off, unsigned int len,
	       u64 val);
void x86_commit(struct x86_ctx *c);
int x86_fetch(struct x86_ctx *c, unsigned int need);

static inline u64 x86_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static inline u64 x86_sext(u64 v, unsigned int size)
{
	switch (size) {
	case 1:
		return (u64)(s64)(s8)v;
	case 2:
		return (u64)(s64)(s16)v;
	case 4:
		return (u64)(s64)(s32)v;
	default:
		return v;
	}
}

static inline bool x86_canonical(u64 la)
{
	return (u64)((s64)(la << 16) >> 16) == la;
}

/* x86_engine_exec.c */
int x86_exec_one(struct x86_ctx *c);
int x86_deliver(struct x86_ctx *c, u8 vec, bool has_err, u32 err, int kind,
		u64 ret_rip);
u32 x86_default_cpuid(u32 leaf, u32 subleaf, u32 res[4]);

/* kinds of event delivery */
enum {
	X86_EV_EXCEPTION = 0,
	X86_EV_SOFTINT = 1,	/* INT n */
	X86_EV_SOFTEXC = 2,	/* INT3, INTO */
	X86_EV_EXTERNAL = 3,
};

#endif /* _HVSIM_X86_ENGINE_PRIV_H */
