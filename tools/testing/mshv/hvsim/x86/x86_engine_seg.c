// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim x86 engine: segment loading, far transfers and event (interrupt and
 * exception) delivery through the IVT/IDT.
 */
#include "x86_engine_seg.h"

static u64 rd_le(const u8 *b, int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | b[n];
	return v;
}

int x86_stack_size(const struct x86_cpu *cpu)
{
	if (x86_long64(cpu))
		return 8;
	if ((cpu->cr0 & X86_CR0_PE) &&
	    (cpu->seg[X86_SS].attributes & X86_SEG_DB))
		return 4;
	return 2;
}

static void set_reg_sized(struct x86_cpu *cpu, int r, int size, u64 v)
{
	if (size == 2)
		cpu->gpr[r] = (cpu->gpr[r] & ~0xffffULL) | (v & 0xffff);
	else if (size == 4)
		cpu->gpr[r] = v & 0xffffffffULL;
	else
		cpu->gpr[r] = v;
}

int x86_push(struct x86_ctx *c, u64 v, int size)
{
	int ss = x86_stack_size(c->cpu);
	u64 sp = (c->cpu->gpr[X86_RSP] - size) & x86_mask(ss);
	int r;

	r = x86_vwrite(c, X86_SS, sp, size, v);
	if (r)
		return r;
	set_reg_sized(c->cpu, X86_RSP, ss, sp);
	return XRC_OK;
}

/* Read the stack at offset @skip from the top without popping. */
int x86_peek(struct x86_ctx *c, int skip, int size, u64 *v)
{
	int ss = x86_stack_size(c->cpu);
	u64 sp = (c->cpu->gpr[X86_RSP] + skip) & x86_mask(ss);

	return x86_vread(c, X86_SS, sp, size, v);
}

void x86_sp_add(struct x86_ctx *c, u64 n)
{
	int ss = x86_stack_size(c->cpu);

	set_reg_sized(c->cpu, X86_RSP, ss, c->cpu->gpr[X86_RSP] + n);
}

int x86_pop(struct x86_ctx *c, int size, u64 *v)
{
	int r = x86_peek(c, 0, size, v);

	if (r)
		return r;
	x86_sp_add(c, size);
	return XRC_OK;
}

void x86_desc_unpack(const u8 *d, u16 sel, struct x86_segment *s)
{
	u32 lim = d[0] | (d[1] << 8) | ((d[6] & 0xf) << 16);

	if (d[6] & 0x80)
		lim = (lim << 12) | 0xfff;
	s->base = d[2] | (d[3] << 8) | (d[4] << 16) | ((u64)d[7] << 24);
	s->limit = lim;
	s->selector = sel;
	s->attributes = d[5] | ((d[6] & 0xf0) << 8);
}

/* Read the 8-byte descriptor of @sel; errors are #GP(@sel) (+ @ext). */
int x86_read_desc(struct x86_ctx *c, u16 sel, u8 *d, int len, u32 ext)
{
	const struct x86_cpu *cpu = c->cpu;
	u64 base = cpu->gdtr.base, limit = cpu->gdtr.limit;
	u32 idx = sel & ~7U;
	bool sv = c->implicit_sv;
	int r;

	if (sel & 4) {
		if (!(cpu->ldtr.attributes & X86_SEG_P) ||
		    (cpu->ldtr.selector & ~3) == 0)
			return x86_fault(c, X86_GP, (sel & 0xfffc) | ext);
		base = cpu->ldtr.base;
		limit = cpu->ldtr.limit;
	}
	if (idx + len - 1 > limit)
		return x86_fault(c, X86_GP, (sel & 0xfffc) | ext);
	c->implicit_sv = true;
	r = x86_lin_read(c, (base + idx) & ((cpu->efer & X86_EFER_LMA) ?
			 ~0ULL : 0xffffffffULL), d, len, X86_ACCESS_READ);
	c->implicit_sv = sv;
	return r;
}

/* MOV/POP/LxS to a data segment register or SS, in the current mode. */
int x86_load_sreg(struct x86_ctx *c, int sreg, u16 sel)
{
	struct x86_cpu *cpu = c->cpu;
	struct x86_segment *s = &cpu->seg[sreg];
	int cpl = x86_cpl(cpu), rpl = sel & 3, dpl;
	u16 err = sel & 0xfffc;
	u8 d[8], a;
	int r;

	if (sreg == X86_SS)
		c->new_shadow = true;
	if (!(cpu->cr0 & X86_CR0_PE) || (cpu->rflags & X86_FLAGS_VM)) {
		s->selector = sel;
		s->base = (u64)sel << 4;
		return XRC_OK;
	}
	if ((sel & ~3) == 0) {
		if (sreg == X86_SS && !(x86_long64(cpu) && cpl != 3 &&
					rpl == cpl))
			return x86_fault(c, X86_GP, 0);
		s->selector = sel;
		if (sreg == X86_SS)
			s->attributes = X86_SEG_S | 0x3 | (cpl << 5) |
					X86_SEG_DB;
		else
			s->attributes = 0;
		if (sreg != X86_FS && sreg != X86_GS)
			s->base = 0;
		return XRC_OK;
	}
	r = x86_read_desc(c, sel, d, 8, 0);
	if (r)
		return r;
	a = d[5];
	dpl = (a >> 5) & 3;
	if (!(a & X86_SEG_S))
		return x86_fault(c, X86_GP, err);
	if (sreg == X86_SS) {
		if (rpl != cpl || dpl != cpl || (a & 0x8) || !(a & 0x2))
			return x86_fault(c, X86_GP, err);
		if (!(a & X86_SEG_P))
			return x86_fault(c, X86_SS_VEC, err);
	} else {
		if ((a & 0x8) && !(a & 0x2))
			return x86_fault(c, X86_GP, err);
		if ((!(a & 0x8) || !(a & 0x4)) && (dpl < cpl || dpl < rpl))
			return x86_fault(c, X86_GP, err);
		if (!(a & X86_SEG_P))
			return x86_fault(c, X86_NP, err);
	}
	x86_desc_unpack(d, sel, s);
	s->attributes |= 1;
	return XRC_OK;
}

/*
 * Check a code-segment descriptor for a far JMP/CALL (@ret == false) or a
 * far RET/IRET (@ret == true, privilege taken from the selector's RPL).
 */
static int check_cs(struct x86_ctx *c, u16 sel, const u8 *d, bool ret)
{
	int cpl = x86_cpl(c->cpu), rpl = sel & 3;
	u8 a = d[5];
	int dpl = (a >> 5) & 3;
	u16 err = sel & 0xfffc;

	if (!(a & X86_SEG_S) || !(a & 0x8))
		return x86_fault(c, X86_GP, err);
	if (ret) {
		if (rpl < cpl)
			return x86_fault(c, X86_GP, err);
		if ((a & 0x4) ? dpl > rpl : dpl != rpl)
			return x86_fault(c, X86_GP, err);
	} else {
		if ((a & 0x4) ? dpl > cpl : (rpl > cpl || dpl != cpl))
			return x86_fault(c, X86_GP, err);
	}
	if (!(a & X86_SEG_P))
		return x86_fault(c, X86_NP, err);
	if ((c->cpu->efer & X86_EFER_LMA) && (d[6] & 0x20) && (d[6] & 0x40))
		return x86_fault(c, X86_GP, err);
	return XRC_OK;
}

static int check_target(struct x86_ctx *c, u64 off)
{
	const struct x86_cpu *cpu = c->cpu;

	if (x86_long64(cpu)) {
		if (!x86_canonical(off))
			return x86_fault(c, X86_GP, 0);
	} else if (off > cpu->seg[X86_CS].limit) {
		return x86_fault(c, X86_GP, 0);
	}
	return XRC_OK;
}

/* Far JMP (@call false) or far CALL to @sel:@off, operand size @osz. */
int x86_far_jump(struct x86_ctx *c, u16 sel, u64 off, bool call, int osz)
{
	struct x86_cpu *cpu = c->cpu;
	u64 old_cs = cpu->seg[X86_CS].selector, old_ip = cpu->rip;
	struct x86_segment ncs;
	u8 d[8];
	int r;

	off &= x86_mask(osz);
	if (!(cpu->cr0 & X86_CR0_PE) || (cpu->rflags & X86_FLAGS_VM)) {
		if (call) {
			r = x86_push(c, old_cs, osz);
			if (!r)
				r = x86_push(c, old_ip, osz);
			if (r)
				return r;
		}
		cpu->seg[X86_CS].selector = sel;
		cpu->seg[X86_CS].base = (u64)sel << 4;
		r = check_target(c, off);
		if (r)
			return r;
		cpu->rip = off;
		return XRC_OK;
	}
	if ((sel & ~3) == 0)
		return x86_fault(c, X86_GP, 0);
	r = x86_read_desc(c, sel, d, 8, 0);
	if (r)
		return r;
	if (!(d[5] & X86_SEG_S))	/* call/task gates, TSS: unsupported */
		return x86_fault(c, X86_GP, sel & 0xfffc);
	r = check_cs(c, sel, d, false);
	if (r)
		return r;
	if (call) {
		r = x86_push(c, old_cs, osz);
		if (!r)
			r = x86_push(c, old_ip, osz);
		if (r)
			return r;
	}
	x86_desc_unpack(d, (sel & ~3) | x86_cpl(cpu), &ncs);
	ncs.attributes |= 1;
	cpu->seg[X86_CS] = ncs;
	r = check_target(c, off);
	if (r)
		return r;
	cpu->rip = off;
	return XRC_OK;
}

/* Null data segment registers not accessible at the new (outer) CPL. */
static void null_outer_segs(struct x86_cpu *cpu)
{
	static const u8 regs[] = { X86_ES, X86_DS, X86_FS, X86_GS };
	int cpl = x86_cpl(cpu), i;

	for (i = 0; i < 4; i++) {
		struct x86_segment *s = &cpu->seg[regs[i]];
		int dpl = (s->attributes >> 5) & 3;
		bool conf_code = (s->attributes & 0xc) == 0xc;

		if ((s->attributes & X86_SEG_S) && !conf_code && dpl < cpl) {
			s->selector = 0;
			s->attributes = 0;
		}
	}
}

/* Load CS for a far return/IRET to @sel (already popped). */
static int ret_load_cs(struct x86_ctx *c, u16 sel)
{
	struct x86_cpu *cpu = c->cpu;
	u8 d[8];
	int r;

	if ((sel & ~3) == 0)
		return x86_fault(c, X86_GP, 0);
	r = x86_read_desc(c, sel, d, 8, 0);
	if (r)
		return r;
	r = check_cs(c, sel, d, true);
	if (r)
		return r;
	x86_desc_unpack(d, sel, &cpu->seg[X86_CS]);
	cpu->seg[X86_CS].attributes |= 1;
	return XRC_OK;
}

/* Far RET [imm16]. */
int x86_far_ret(struct x86_ctx *c, int osz, u16 imm)
{
	struct x86_cpu *cpu = c->cpu;
	u64 ip, cs, sp, ss;
	int r, cpl = x86_cpl(cpu);

	r = x86_peek(c, 0, osz, &ip);
	if (!r)
		r = x86_peek(c, osz, osz, &cs);
	if (r)
		return r;
	ip &= x86_mask(osz);
	if (!(cpu->cr0 & X86_CR0_PE) || (cpu->rflags & X86_FLAGS_VM)) {
		x86_sp_add(c, 2 * osz + imm);
		cpu->seg[X86_CS].selector = cs;
		cpu->seg[X86_CS].base = (cs & 0xffff) << 4;
		r = check_target(c, ip);
		if (r)
			return r;
		cpu->rip = ip;
		return XRC_OK;
	}
	if ((int)(cs & 3) > cpl) {
		r = x86_peek(c, 2 * osz + imm, osz, &sp);
		if (!r)
			r = x86_peek(c, 3 * osz + imm, osz, &ss);
		if (r)
			return r;
		r = ret_load_cs(c, cs);
		if (!r)
			r = x86_load_sreg(c, X86_SS, ss);
		if (r)
			return r;
		c->new_shadow = false;
		set_reg_sized(cpu, X86_RSP, x86_stack_size(cpu), sp);
		x86_sp_add(c, imm);
		null_outer_segs(cpu);
	} else {
		r = ret_load_cs(c, cs);
		if (r)
			return r;
		x86_sp_add(c, 2 * osz + imm);
	}
	r = check_target(c, ip);
	if (r)
		return r;
	cpu->rip = ip;
	return XRC_OK;
}

/* Write flags popped by POPF/IRET with the privilege rules of @cpl. */
void x86_write_flags(struct x86_cpu *cpu, u64 v, int osz, int cpl)
{
	u64 mask = X86_FLAGS_CF | X86_FLAGS_PF | X86_FLAGS_AF |
		   X86_FLAGS_ZF | X86_FLAGS_SF | X86_FLAGS_TF |
		   X86_FLAGS_DF | X86_FLAGS_OF | X86_FLAGS_NT |
		   X86_FLAGS_AC | X86_FLAGS_ID;
	int iopl = (cpu->rflags >> 12) & 3;

	if (cpl == 0)
		mask |= X86_FLAGS_IOPL;
	if (cpl <= iopl)
		mask |= X86_FLAGS_IF;
	if (osz == 2)
		mask &= 0xffff;
	cpu->rflags = (cpu->rflags & ~mask) | (v & mask) | X86_FLAGS_FIXED;
}

/* IRET/IRETD/IRETQ. */
int x86_iret(struct x86_ctx *c, int osz)
{
	struct x86_cpu *cpu = c->cpu;
	int cpl = x86_cpl(cpu), r;
	bool l64 = x86_long64(cpu);
	u64 ip, cs, fl, sp = 0, ss = 0;

	r = x86_peek(c, 0, osz, &ip);
	if (!r)
		r = x86_peek(c, osz, osz, &cs);
	if (!r)
		r = x86_peek(c, 2 * osz, osz, &fl);
	if (r)
		return r;
	ip &= x86_mask(osz);
	cs &= 0xffff;
	if (!(cpu->cr0 & X86_CR0_PE)) {
		x86_sp_add(c, 3 * osz);
		cpu->seg[X86_CS].selector = cs;
		cpu->seg[X86_CS].base = cs << 4;
		r = check_target(c, ip);
		if (r)
			return r;
		cpu->rip = ip;
		x86_write_flags(cpu, fl, osz, 0);
		cpu->rflags &= ~X86_FLAGS_RF;
		return XRC_OK;
	}
	if ((cpu->rflags & X86_FLAGS_NT) || (cpu->rflags & X86_FLAGS_VM))
		return x86_fault(c, X86_GP, 0);	/* task return, VM86 */
	if (osz != 2 && (fl & X86_FLAGS_VM) && cpl == 0 &&
	    !(cpu->efer & X86_EFER_LMA))
		return x86_fault(c, X86_GP, 0);	/* to VM86: unsupported */
	if (l64 || (int)(cs & 3) > cpl) {
		r = x86_peek(c, 3 * osz, osz, &sp);
		if (!r)
			r = x86_peek(c, 4 * osz, osz, &ss);
		if (r)
			return r;
	}
	r = ret_load_cs(c, cs);
	if (r)
		return r;
	if (l64 || (int)(cs & 3) > cpl) {
		r = x86_load_sreg(c, X86_SS, ss);
		if (r)
			return r;
		c->new_shadow = false;
		if (x86_long64(cpu) || osz == 8)
			cpu->gpr[X86_RSP] = sp;
		else
			set_reg_sized(cpu, X86_RSP, x86_stack_size(cpu), sp);
		if ((int)(cs & 3) > cpl)
			null_outer_segs(cpu);
	} else {
		x86_sp_add(c, 3 * osz);
	}
	r = check_target(c, ip);
	if (r)
		return r;
	cpu->rip = ip;
	x86_write_flags(cpu, fl, osz, cpl);
	cpu->rflags &= ~(X86_FLAGS_RF | X86_FLAGS_VM);
	return XRC_OK;
}

static int tss_read(struct x86_ctx *c, u32 off, int len, u64 *v, u32 ext)
{
	const struct x86_cpu *cpu = c->cpu;
	u8 b[8];
	int r;

	if (!(cpu->tr.attributes & X86_SEG_P) || off + len - 1 > cpu->tr.limit)
		return x86_fault(c, X86_TS, (cpu->tr.selector & 0xfffc) | ext);
	c->implicit_sv = true;
	r = x86_lin_read(c, cpu->tr.base + off, b, len, X86_ACCESS_READ);
	if (r)
		return r;
	*v = rd_le(b, len);
	return XRC_OK;
}

/* Real-mode delivery through the IVT. */
static int deliver_real(struct x86_ctx *c, u8 vec, u64 ret_rip)
{
	struct x86_cpu *cpu = c->cpu;
	u8 g[4];
	u64 oldcs = cpu->seg[X86_CS].selector;
	int r;

	if ((u32)vec * 4 + 3 > cpu->idtr.limit)
		return x86_fault(c, X86_GP, 0);
	c->implicit_sv = true;
	r = x86_lin_read(c, (cpu->idtr.base + vec * 4) & 0xffffffffULL, g, 4,
			 X86_ACCESS_READ);
	c->implicit_sv = false;
	if (!r)
		r = x86_push(c, cpu->rflags, 2);
	if (!r)
		r = x86_push(c, oldcs, 2);
	if (!r)
		r = x86_push(c, ret_rip, 2);
	if (r)
		return r;
	cpu->rflags &= ~(X86_FLAGS_IF | X86_FLAGS_TF | X86_FLAGS_AC |
			 X86_FLAGS_RF);
	cpu->seg[X86_CS].selector = g[2] | (g[3] << 8);
	cpu->seg[X86_CS].base = (u64)cpu->seg[X86_CS].selector << 4;
	cpu->rip = g[0] | (g[1] << 8);
	return XRC_OK;
}

/*
 * Deliver an event.  The CPU state is the one at the start of the
 * instruction (or at the boundary, for an external interrupt); @ret_rip is
 * the return address to push.
 */
int x86_deliver(struct x86_ctx *c, u8 vec, bool has_err, u32 err, int kind,
		u64 ret_rip)
{
	struct x86_cpu *cpu = c->cpu;
	bool l64 = cpu->efer & X86_EFER_LMA;
	bool soft = kind == X86_EV_SOFTINT || kind == X86_EV_SOFTEXC;
	u32 ext = kind == X86_EV_SOFTINT ? 0 : 1;
	u32 gerr = vec * 8 + 2 + ext;
	int gsz = l64 ? 16 : 8, cpl = x86_cpl(cpu), ncpl, type, r;
	u64 off, nsp = 0, nss = 0;
	u64 old_ss = cpu->seg[X86_SS].selector, old_sp = cpu->gpr[X86_RSP];
	u64 old_fl = cpu->rflags, old_cs = cpu->seg[X86_CS].selector;
	bool switch_stack = false, gate16;
	u16 sel;
	u8 g[16], d[8];
	int ist;

	if (kind == X86_EV_SOFTEXC)
		ext = 0;
	if (!(cpu->cr0 & X86_CR0_PE))
		return deliver_real(c, vec, ret_rip);
	if ((u32)vec * gsz + gsz - 1 > cpu->idtr.limit)
		return x86_fault(c, X86_GP, gerr);
	c->implicit_sv = true;
	r = x86_lin_read(c, l64 ? cpu->idtr.base + vec * gsz :
			 (cpu->idtr.base + vec * gsz) & 0xffffffffULL,
			 g, gsz, X86_ACCESS_READ);
	if (r)
		return r;
	off = g[0] | (g[1] << 8) | (g[6] << 16) | ((u64)g[7] << 24);
	if (l64)
		off |= rd_le(&g[8], 4) << 32;
	sel = g[2] | (g[3] << 8);
	ist = l64 ? (g[4] & 7) : 0;
	type = g[5] & 0x1f;
	if (l64 ? (type != 0xe && type != 0xf) :
		  (type != 0x6 && type != 0x7 && type != 0xe && type != 0xf))
		return x86_fault(c, X86_GP, gerr);
	if (soft && ((g[5] >> 5) & 3) < cpl)
		return x86_fault(c, X86_GP, vec * 8 + 2);
	if (!(g[5] & 0x80))
		return x86_fault(c, X86_NP, gerr);
	gate16 = !(type & 8);
	if ((sel & ~3) == 0)
		return x86_fault(c, X86_GP, ext);
	r = x86_read_desc(c, sel, d, 8, ext);
	if (r)
		return r;
	if (!(d[5] & X86_SEG_S) || !(d[5] & 0x8) || ((d[5] >> 5) & 3) > cpl)
		return x86_fault(c, X86_GP, (sel & 0xfffc) | ext);
	if (!(d[5] & 0x80))
		return x86_fault(c, X86_NP, (sel & 0xfffc) | ext);
	if (l64 && (!(d[6] & 0x20) || (d[6] & 0x40)))
		return x86_fault(c, X86_GP, (sel & 0xfffc) | ext);
	ncpl = (d[5] & 0x4) ? cpl : (d[5] >> 5) & 3;
	if (ncpl < cpl) {
		switch_stack = true;
		if (l64) {
			r = tss_read(c, 4 + ncpl * 8, 8, &nsp, ext);
			nss = ncpl;
		} else if ((cpu->tr.attributes & 0xf) == 0x9 ||
			   (cpu->tr.attributes & 0xf) == 0xb) {
			r = tss_read(c, 4 + ncpl * 8, 4, &nsp, ext);
			if (!r)
				r = tss_read(c, 8 + ncpl * 8, 2, &nss, ext);
		} else {
			r = tss_read(c, 2 + ncpl * 4, 2, &nsp, ext);
			if (!r)
				r = tss_read(c, 4 + ncpl * 4, 2, &nss, ext);
		}
		if (r)
			return r;
	}
	if (ist) {
		r = tss_read(c, 0x24 + (ist - 1) * 8, 8, &nsp, ext);
		if (r)
			return r;
	}
	/* switch to the handler's CS (so pushes are made at its CPL) */
	x86_desc_unpack(d, (sel & ~3) | ncpl, &cpu->seg[X86_CS]);
	cpu->seg[X86_CS].attributes |= 1;
	if (switch_stack && !l64) {
		u16 ssel = nss;

		if ((ssel & ~3) == 0 || (ssel & 3) != ncpl)
			return x86_fault(c, X86_TS, (ssel & 0xfffc) | ext);
		c->implicit_sv = true;
		r = x86_load_sreg(c, X86_SS, ssel);
		if (r)
			return r;
		cpu->gpr[X86_RSP] = nsp;
	} else if (switch_stack) {
		cpu->seg[X86_SS].selector = ncpl;
		cpu->seg[X86_SS].attributes = X86_SEG_P | X86_SEG_S | 0x3 |
					      (ncpl << 5);
		cpu->seg[X86_SS].base = 0;
		cpu->seg[X86_SS].limit = 0xffffffff;
	}
	if (ist || (switch_stack && l64))
		cpu->gpr[X86_RSP] = nsp;
	c->new_shadow = false;
	c->implicit_sv = false;
	if (l64) {
		cpu->gpr[X86_RSP] &= ~0xfULL;
		r = x86_push(c, old_ss, 8);
		if (!r)
			r = x86_push(c, old_sp, 8);
		if (!r)
			r = x86_push(c, old_fl, 8);
		if (!r)
			r = x86_push(c, old_cs, 8);
		if (!r)
			r = x86_push(c, ret_rip, 8);
		if (!r && has_err)
			r = x86_push(c, err, 8);
	} else {
		int psz = gate16 ? 2 : 4;

		r = 0;
		if (switch_stack) {
			r = x86_push(c, old_ss, psz);
			if (!r)
				r = x86_push(c, old_sp, psz);
		}
		if (!r)
			r = x86_push(c, old_fl, psz);
		if (!r)
			r = x86_push(c, old_cs, psz);
		if (!r)
			r = x86_push(c, ret_rip, psz);
		if (!r && has_err)
			r = x86_push(c, err, psz);
		off &= gate16 ? 0xffff : 0xffffffff;
	}
	if (r)
		return r;
	if (!l64 && off > cpu->seg[X86_CS].limit)
		return x86_fault(c, X86_GP, ext);
	cpu->rflags &= ~(X86_FLAGS_TF | X86_FLAGS_NT | X86_FLAGS_RF |
			 X86_FLAGS_VM);
	if (!(type & 1))
		cpu->rflags &= ~X86_FLAGS_IF;
	cpu->rip = off;
	return XRC_OK;
}
