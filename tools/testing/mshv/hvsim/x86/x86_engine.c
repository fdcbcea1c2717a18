// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim x86 engine: run loop, exits, event orchestration (double and triple
 * faults, exception intercepts) and the public entry points.
 */
#include "x86_engine_priv.h"

static_assert(sizeof(struct x86_ctx) <=
	      sizeof(((struct x86_exit *)0)->scratch),
	      "X86_SCRATCH_WORDS too small");
/* The working storage is an array of u64: that is all the alignment it has. */
static_assert(__alignof__(struct x86_ctx) <= __alignof__(u64),
	      "struct x86_ctx needs more alignment than the scratch area");

#define EXIT_HDR_SIZE	offsetof(struct x86_exit, scratch)

static struct x86_ctx *exit_ctx(struct x86_exit *exit)
{
	return (struct x86_ctx *)exit->scratch;
}

void x86_cpu_reset(struct x86_cpu *cpu)
{
	int i;

	memset(cpu, 0, sizeof(*cpu));
	for (i = 0; i < X86_NR_SREGS; i++) {
		cpu->seg[i].limit = 0xffff;
		cpu->seg[i].attributes = X86_SEG_P | X86_SEG_S | 0x3;
	}
	cpu->seg[X86_CS].selector = 0xf000;
	cpu->seg[X86_CS].base = 0xffff0000ULL;
	cpu->seg[X86_CS].attributes = X86_SEG_P | X86_SEG_S | 0xb;
	cpu->ldtr.limit = 0xffff;
	cpu->ldtr.attributes = X86_SEG_P | 0x2;
	cpu->tr.limit = 0xffff;
	cpu->tr.attributes = X86_SEG_P | 0xb;
	cpu->gdtr.limit = 0xffff;
	cpu->idtr.limit = 0xffff;
	cpu->rip = 0xfff0;
	cpu->rflags = X86_FLAGS_FIXED;
	cpu->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	cpu->gpr[X86_RDX] = 0x600;
	cpu->pat = 0x0007040600070406ULL;
	cpu->apic_base = 0xfee00900ULL;
	cpu->dr6 = 0xffff0ff0ULL;
	cpu->dr7 = 0x400;
}
EXPORT_SYMBOL_GPL(x86_cpu_reset);

static void ctx_init(struct x86_ctx *c, struct x86_cpu *cpu,
		     const struct x86_env *env, struct x86_exit *exit)
{
	c->cpu = cpu;
	c->env = env;
	c->exit = exit;
	c->rip0 = cpu->rip;
	c->nbytes = 0;
	c->pos = 0;
	c->nw = 0;
	c->code = 2;
	c->vec = 0;
	c->has_err = false;
	c->err = 0;
	c->fault_cr2 = 0;
	c->ev_kind = X86_EV_EXCEPTION;
	c->ret_rip = 0;
	c->decoded = false;
	c->new_shadow = false;
	c->halt = false;
	c->implicit_sv = false;
	c->saved = *cpu;
}

static void fill_insn(struct x86_ctx *c)
{
	struct x86_exit *ex = c->exit;

	ex->rip = c->rip0;
	ex->insn_count = c->nbytes;
	memcpy(ex->insn_bytes, c->bytes, c->nbytes);
	ex->insn_len = c->decoded ? c->pos : 0;
}

/* 0 benign, 1 contributory, 2 page fault */
static int exc_class(u8 v)
{
	if (v == X86_DE || (v >= X86_TS && v <= X86_GP))
		return 1;
	return v == X86_PF ? 2 : 0;
}

static void exc_exit(struct x86_ctx *c, enum x86_exit_reason reason, u8 vec,
		     bool has_err, u32 err, bool soft)
{
	struct x86_exit *ex = c->exit;

	ex->reason = reason;
	ex->exception.vector = vec;
	ex->exception.error_code_valid = has_err;
	ex->exception.error_code = has_err ? err : 0;
	ex->exception.cr2 = vec == X86_PF ? c->fault_cr2 : 0;
	ex->exception.software = soft;
}

/*
 * Deliver the event pending in @c (vec/has_err/err/ev_kind/ret_rip) from
 * the state saved in c->saved, handling faults during delivery (#DF,
 * triple fault) and exception intercepts.
 */
static int raise(struct x86_ctx *c, bool intercepts)
{
	u8 vec = c->vec;
	bool has_err = c->has_err;
	u32 err = c->err;
	int kind = c->ev_kind, tries, r, c1, c2;
	u64 ret = (kind == X86_EV_SOFTINT || kind == X86_EV_SOFTEXC) ?
		  c->ret_rip : c->saved.rip;

	for (tries = 0; tries < 6; tries++) {
		*c->cpu = c->saved;
		c->nw = 0;
		if (intercepts && kind != X86_EV_SOFTINT &&
		    kind != X86_EV_EXTERNAL && vec < 32 &&
		    (c->env->exception_bitmap & (1U << vec))) {
			exc_exit(c, X86_EXIT_EXCEPTION, vec, has_err, err,
				 kind == X86_EV_SOFTEXC);
			return XRC_EXIT;
		}
		if (vec == X86_PF && kind == X86_EV_EXCEPTION) {
			c->cpu->cr2 = c->fault_cr2;
			c->saved.cr2 = c->fault_cr2;
		}
		c->implicit_sv = false;
		c->new_shadow = false;
		r = x86_deliver(c, vec, has_err, err, kind, ret);
		if (r == XRC_OK) {
			x86_commit(c);
			return XRC_OK;
		}
		if (r == XRC_EXIT) {
			*c->cpu = c->saved;
			c->nw = 0;
			return XRC_EXIT;
		}
		if (vec == X86_DF)
			break;
		c1 = (kind == X86_EV_EXTERNAL || kind == X86_EV_SOFTINT) ?
		     0 : exc_class(vec);
		c2 = exc_class(c->vec);
		if ((c1 == 1 && c2 == 1) || (c1 == 2 && c2 != 0)) {
			vec = X86_DF;
			has_err = true;
			err = 0;
		} else {
			vec = c->vec;
			has_err = c->has_err;
			err = c->err;
		}
		kind = X86_EV_EXCEPTION;
		ret = c->saved.rip;
	}
	*c->cpu = c->saved;
	c->nw = 0;
	exc_exit(c, X86_EXIT_TRIPLE_FAULT, c->vec, c->has_err, c->err, false);
	return XRC_EXIT;
}

static int step(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	int r;

	r = x86_exec_one(c);
	if (r == XRC_OK) {
		x86_commit(c);
		cpu->interrupt_shadow = c->new_shadow;
		return XRC_OK;
	}
	if (r == XRC_EXIT) {
		*cpu = c->saved;
		c->nw = 0;
		return XRC_EXIT;
	}
	r = raise(c, true);
	if (r == XRC_OK)
		cpu->interrupt_shadow = false;
	return r;
}

enum x86_exit_reason x86_run(struct x86_cpu *cpu, const struct x86_env *env,
			     struct x86_exit *exit, u64 budget)
{
	struct x86_ctx *c = exit_ctx(exit);
	u64 n;
	int r;

	memset(exit, 0, EXIT_HDR_SIZE);
	exit->rip = cpu->rip;
	if (cpu->halted) {
		exit->reason = X86_EXIT_HLT;
		return exit->reason;
	}
	for (n = 0;; n++) {
		if (n >= budget) {
			exit->reason = X86_EXIT_BUDGET;
			exit->rip = cpu->rip;
			break;
		}
		if (env->cancel && !(n % X86_CANCEL_INTERVAL) &&
		    env->cancel(env->ctx)) {
			exit->reason = X86_EXIT_CANCELLED;
			exit->rip = cpu->rip;
			break;
		}
		if (env->irq_window_exit && x86_can_inject_interrupt(cpu)) {
			exit->reason = X86_EXIT_IRQ_WINDOW;
			exit->rip = cpu->rip;
			break;
		}
		ctx_init(c, cpu, env, exit);
		r = step(c);
		if (r == XRC_EXIT) {
			fill_insn(c);
			break;
		}
		cpu->retired++;
		if (!env->read_tsc)
			cpu->tsc++;
		if (r == XRC_OK && c->halt) {
			cpu->halted = true;
			exit->reason = X86_EXIT_HLT;
			fill_insn(c);
			break;
		}
	}
	return exit->reason;
}
EXPORT_SYMBOL_GPL(x86_run);

bool x86_can_inject_interrupt(const struct x86_cpu *cpu)
{
	return (cpu->rflags & X86_FLAGS_IF) && !cpu->interrupt_shadow;
}
EXPORT_SYMBOL_GPL(x86_can_inject_interrupt);

static enum x86_exit_reason inject(struct x86_cpu *cpu,
				   const struct x86_env *env, u8 vector,
				   int kind, bool has_error, u32 error_code,
				   struct x86_exit *exit)
{
	struct x86_ctx *c = exit_ctx(exit);
	int r;

	memset(exit, 0, EXIT_HDR_SIZE);
	cpu->halted = false;
	ctx_init(c, cpu, env, exit);
	c->vec = vector;
	c->has_err = has_error;
	c->err = error_code;
	c->ev_kind = kind;
	r = raise(c, false);
	if (r == XRC_OK) {
		cpu->interrupt_shadow = false;
		return X86_EXIT_NONE;
	}
	fill_insn(c);
	return exit->reason;
}

enum x86_exit_reason x86_inject_interrupt(struct x86_cpu *cpu,
					  const struct x86_env *env, u8 vector,
					  struct x86_exit *exit)
{
	return inject(cpu, env, vector, X86_EV_EXTERNAL, false, 0, exit);
}
EXPORT_SYMBOL_GPL(x86_inject_interrupt);

enum x86_exit_reason x86_inject_exception(struct x86_cpu *cpu,
					  const struct x86_env *env, u8 vector,
					  bool has_error, u32 error_code,
					  struct x86_exit *exit)
{
	return inject(cpu, env, vector, X86_EV_EXCEPTION, has_error,
		      error_code, exit);
}
EXPORT_SYMBOL_GPL(x86_inject_exception);

u16 x86_execution_state(const struct x86_cpu *cpu)
{
	u16 s = x86_cpl(cpu) & 3;

	if (cpu->cr0 & X86_CR0_PE)
		s |= 1 << 2;
	if (cpu->cr0 & X86_CR0_AM)
		s |= 1 << 3;
	if (cpu->efer & X86_EFER_LMA)
		s |= 1 << 4;
	if (cpu->interrupt_shadow)
		s |= 1 << 12;
	return s;
}
EXPORT_SYMBOL_GPL(x86_execution_state);
