// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim x86 engine: instruction execution.
 *
 * x86_exec_one() decodes and executes one instruction on ctx->cpu.  It may
 * modify the CPU state freely: on a fault or an exit the caller restores
 * the state saved at the start of the instruction, and guest memory writes
 * are only buffered (see x86_engine_mem.c).
 */
#include "x86_engine_decode.h"
#include "x86_engine_seg.h"

#define ARITH_FLAGS (X86_FLAGS_CF | X86_FLAGS_PF | X86_FLAGS_AF | \
		     X86_FLAGS_ZF | X86_FLAGS_SF | X86_FLAGS_OF)

/* ---- registers and operands ---- */

static u64 rget(struct x86_ctx *c, int r, int size)
{
	r &= 15;
	if (size == 1 && !c->rex && r >= 4 && r < 8)
		return (c->cpu->gpr[r - 4] >> 8) & 0xff;
	return c->cpu->gpr[r] & x86_mask(size);
}

static void rset(struct x86_ctx *c, int r, int size, u64 v)
{
	u64 *g;

	r &= 15;
	if (size == 1) {
		if (!c->rex && r >= 4 && r < 8) {
			g = &c->cpu->gpr[r - 4];
			*g = (*g & ~0xff00ULL) | ((v & 0xff) << 8);
		} else {
			g = &c->cpu->gpr[r];
			*g = (*g & ~0xffULL) | (v & 0xff);
		}
		return;
	}
	g = &c->cpu->gpr[r];
	if (size == 2)
		*g = (*g & ~0xffffULL) | (v & 0xffff);
	else if (size == 4)
		*g = v & 0xffffffffULL;
	else
		*g = v;
}

static int rm_get(struct x86_ctx *c, int size, u64 *v)
{
	if (!c->mem) {
		*v = rget(c, c->rm, size);
		return XRC_OK;
	}
	return x86_vread(c, c->ea_seg, c->ea, size, v);
}

static int rm_set(struct x86_ctx *c, int size, u64 v)
{
	if (!c->mem) {
		rset(c, c->rm, size, v);
		return XRC_OK;
	}
	return x86_vwrite(c, c->ea_seg, c->ea, size, v);
}

/* memory operand at ModRM address + @k */
static int mem_get(struct x86_ctx *c, u64 k, int size, u64 *v)
{
	return x86_vread(c, c->ea_seg, (c->ea + k) & x86_mask(c->adsize),
			 size, v);
}

static int mem_set(struct x86_ctx *c, u64 k, int size, u64 v)
{
	return x86_vwrite(c, c->ea_seg, (c->ea + k) & x86_mask(c->adsize),
			  size, v);
}

/* Like rset(), but size 1 is always the low byte (AL, SIL...). */
static void set_reg_sz(struct x86_ctx *c, int r, int size, u64 v)
{
	u64 *g = &c->cpu->gpr[r & 15];

	if (size == 1) {
		*g = (*g & ~0xffULL) | (v & 0xff);
		return;
	}
	rset(c, r, size, v);
}

/* ---- flags ---- */

static u64 szp(u64 r, int size)
{
	u64 f = 0;
	u8 p = r & 0xff;

	r &= x86_mask(size);
	if (!r)
		f |= X86_FLAGS_ZF;
	if (r & (1ULL << (size * 8 - 1)))
		f |= X86_FLAGS_SF;
	p ^= p >> 4;
	if (!((0x6996 >> (p & 0xf)) & 1))
		f |= X86_FLAGS_PF;
	return f;
}

static void setf(struct x86_ctx *c, u64 f, u64 mask)
{
	c->cpu->rflags = (c->cpu->rflags & ~mask) | (f & mask);
}

static bool flag(struct x86_ctx *c, u64 f)
{
	return c->cpu->rflags & f;
}

/* ADD OR ADC SBB AND SUB XOR CMP (the ModRM /digit order) */
static u64 alu(struct x86_ctx *c, int op, u64 a, u64 b, int size)
{
	u64 m = x86_mask(size), sb = 1ULL << (size * 8 - 1), res, f = 0;
	u64 cin;

	a &= m;
	b &= m;
	switch (op) {
	case 0:
	case 2:
		cin = op == 2 && flag(c, X86_FLAGS_CF);
		res = (a + b + cin) & m;
		if (cin ? res <= a : res < a)
			f |= X86_FLAGS_CF;
		if ((a ^ res) & (b ^ res) & sb)
			f |= X86_FLAGS_OF;
		f |= (a ^ b ^ res) & X86_FLAGS_AF;
		break;
	case 3:
	case 5:
	case 7:
		cin = op == 3 && flag(c, X86_FLAGS_CF);
		res = (a - b - cin) & m;
		if (cin ? a <= b : a < b)
			f |= X86_FLAGS_CF;
		if ((a ^ b) & (a ^ res) & sb)
			f |= X86_FLAGS_OF;
		f |= (a ^ b ^ res) & X86_FLAGS_AF;
		break;
	case 1:
		res = a | b;
		break;
	case 4:
		res = a & b;
		break;
	default:
		res = a ^ b;
		break;
	}
	setf(c, f | szp(res, size), ARITH_FLAGS);
	return res;
}

static u64 incdec(struct x86_ctx *c, u64 v, bool dec, int size)
{
	u64 cf = c->cpu->rflags & X86_FLAGS_CF;
	u64 r = alu(c, dec ? 5 : 0, v, 1, size);

	setf(c, cf, X86_FLAGS_CF);
	return r;
}

static bool cond(struct x86_ctx *c, int cc)
{
	bool of = flag(c, X86_FLAGS_OF), sf = flag(c, X86_FLAGS_SF);
	bool zf = flag(c, X86_FLAGS_ZF), cf = flag(c, X86_FLAGS_CF);
	bool r;

	switch ((cc >> 1) & 7) {
	case 0:
		r = of;
		break;
	case 1:
		r = cf;
		break;
	case 2:
		r = zf;
		break;
	case 3:
		r = cf || zf;
		break;
	case 4:
		r = sf;
		break;
	case 5:
		r = flag(c, X86_FLAGS_PF);
		break;
	case 6:
		r = sf != of;
		break;
	default:
		r = zf || sf != of;
		break;
	}
	return (cc & 1) ? !r : r;
}

/* ROL ROR RCL RCR SHL SHR SAL SAR; AF is cleared, OF uses the 1-bit rule */
static u64 shift(struct x86_ctx *c, int op, u64 v, unsigned int cnt, int size)
{
	unsigned int bits = size * 8, n, i;
	u64 m = x86_mask(size), r = v & m, cf = flag(c, X86_FLAGS_CF);
	u64 msb, of = 0;
	s64 sv;

	v &= m;
	cnt &= size == 8 ? 63 : 31;
	if (!cnt)
		return v;
	switch (op & 7) {
	case 0:
		n = cnt % bits;
		if (n)
			r = ((v << n) | (v >> (bits - n))) & m;
		cf = r & 1;
		of = ((r >> (bits - 1)) & 1) ^ cf;
		goto cf_of;
	case 1:
		n = cnt % bits;
		if (n)
			r = ((v >> n) | (v << (bits - n))) & m;
		cf = (r >> (bits - 1)) & 1;
		of = cf ^ ((r >> (bits - 2)) & 1);
		goto cf_of;
	case 2:
		n = cnt % (bits + 1);
		for (i = 0; i < n; i++) {
			msb = (r >> (bits - 1)) & 1;
			r = ((r << 1) | cf) & m;
			cf = msb;
		}
		of = ((r >> (bits - 1)) & 1) ^ cf;
		goto cf_of;
	case 3:
		n = cnt % (bits + 1);
		of = ((v >> (bits - 1)) & 1) ^ cf;
		for (i = 0; i < n; i++) {
			msb = r & 1;
			r = (r >> 1) | (cf << (bits - 1));
			cf = msb;
		}
		goto cf_of;
	case 4:
	case 6:
		r = (v << cnt) & m;
		cf = cnt <= bits ? (v >> (bits - cnt)) & 1 : 0;
		of = ((r >> (bits - 1)) & 1) ^ cf;
		break;
	case 5:
		r = v >> cnt;
		cf = (v >> (cnt - 1)) & 1;
		of = (v >> (bits - 1)) & 1;
		break;
	default:
		sv = (s64)x86_sext(v, size);
		r = (u64)(sv >> cnt) & m;
		cf = (u64)(sv >> (cnt - 1)) & 1;
		of = 0;
		break;
	}
	setf(c, szp(r, size) | (cf ? X86_FLAGS_CF : 0) |
		(of ? X86_FLAGS_OF : 0), ARITH_FLAGS);
	return r;
cf_of:
	setf(c, (cf ? X86_FLAGS_CF : 0) | (of ? X86_FLAGS_OF : 0),
	     X86_FLAGS_CF | X86_FLAGS_OF);
	return r;
}

/* SHLD (@left) / SHRD of @dst with bits from @src */
static u64 shiftd(struct x86_ctx *c, u64 dst, u64 src, unsigned int cnt,
		  int size, bool left)
{
	unsigned int bits = size * 8;
	u64 m = x86_mask(size), r, cf;

	dst &= m;
	src &= m;
	cnt &= size == 8 ? 63 : 31;
	if (!cnt)
		return dst;
	if (cnt > bits)		/* undefined: 16-bit operands only */
		cnt = bits;
	if (left) {
		r = cnt == bits ? src : ((dst << cnt) | (src >> (bits - cnt))) & m;
		cf = (dst >> (bits - cnt)) & 1;
	} else {
		r = cnt == bits ? src : ((dst >> cnt) | (src << (bits - cnt))) & m;
		cf = (dst >> (cnt - 1)) & 1;
	}
	setf(c, szp(r, size) | (cf ? X86_FLAGS_CF : 0) |
		((((r ^ dst) >> (bits - 1)) & 1) ? X86_FLAGS_OF : 0),
	     ARITH_FLAGS);
	return r;
}

/* ---- multiply / divide ---- */

static void mul64(u64 a, u64 b, u64 *lo, u64 *hi)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;

	*lo = (mid << 32) | (u32)ll;
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static void mulw(u64 a, u64 b, int size, bool sgn, u64 *lo, u64 *hi)
{
	u64 m = x86_mask(size);

	if (size < 8) {
		u64 p;

		if (sgn)
			p = (u64)((s64)x86_sext(a, size) *
				  (s64)x86_sext(b, size));
		else
			p = (a & m) * (b & m);
		*lo = p & m;
		*hi = (p >> (size * 8)) & m;
		return;
	}
	mul64(a, b, lo, hi);
	if (sgn) {
		if ((s64)a < 0)
			*hi -= b;
		if ((s64)b < 0)
			*hi -= a;
	}
}

/* (hi:lo) / d, unsigned; false if the quotient does not fit 64 bits */
static bool div128(u64 hi, u64 lo, u64 d, u64 *q, u64 *r)
{
	int i;

	if (!d || hi >= d)
		return false;
	for (i = 0; i < 64; i++) {
		u64 carry = hi >> 63;

		hi = (hi << 1) | (lo >> 63);
		lo <<= 1;
		if (carry || hi >= d) {
			hi -= d;
			lo |= 1;
		}
	}
	*q = lo;
	*r = hi;
	return true;
}

/* Divide the 2*@size dividend @hi:@lo by @d; #DE on error. */
static int divw(struct x86_ctx *c, u64 hi, u64 lo, u64 d, int size, bool sgn,
		u64 *q, u64 *r)
{
	u64 m = x86_mask(size), sb = 1ULL << (size * 8 - 1);
	u64 fh, fl, qm, rm, dm;
	bool nneg = false, dneg = false;

	hi &= m;
	lo &= m;
	d &= m;
	if (!d)
		return x86_fault(c, X86_DE, 0);
	if (size < 8) {
		fl = (hi << (size * 8)) | lo;
		fh = 0;
		if (sgn && (hi & sb)) {
			fl |= ~x86_mask(size * 2);
			fh = ~0ULL;
		}
	} else {
		fl = lo;
		fh = hi;
	}
	dm = d;
	if (sgn) {
		nneg = (hi & sb) != 0;
		dneg = (d & sb) != 0;
		if (nneg) {
			fl = ~fl + 1;
			fh = ~fh + (fl == 0);
		}
		if (dneg)
			dm = (~x86_sext(d, size) + 1);
	}
	if (!div128(fh, fl, dm, &qm, &rm))
		return x86_fault(c, X86_DE, 0);
	if (sgn) {
		if (nneg != dneg) {
			if (qm > sb)
				return x86_fault(c, X86_DE, 0);
			qm = ~qm + 1;
		} else if (qm > sb - 1) {
			return x86_fault(c, X86_DE, 0);
		}
		if (nneg)
			rm = ~rm + 1;
	} else if (qm > m) {
		return x86_fault(c, X86_DE, 0);
	}
	*q = qm & m;
	*r = rm & m;
	return XRC_OK;
}

/* ---- control transfer ---- */

static int jump(struct x86_ctx *c, u64 target)
{
	const struct x86_cpu *cpu = c->cpu;

	target &= x86_mask(c->opsize);
	if (x86_long64(cpu)) {
		if (!x86_canonical(target))
			return x86_fault(c, X86_GP, 0);
	} else if (target > cpu->seg[X86_CS].limit) {
		return x86_fault(c, X86_GP, 0);
	}
	c->cpu->rip = target;
	return XRC_OK;
}

static int priv0(struct x86_ctx *c)
{
	return x86_cpl(c->cpu) ? x86_fault(c, X86_GP, 0) : XRC_OK;
}

static bool protected(struct x86_ctx *c)
{
	return (c->cpu->cr0 & X86_CR0_PE) && !(c->cpu->rflags & X86_FLAGS_VM);
}

/* ---- I/O ---- */

static int io_exit(struct x86_ctx *c, u16 port, int size, bool in,
		   bool string)
{
	struct x86_cpu *cpu = c->cpu;
	struct x86_exit *ex = c->exit;

	if ((cpu->cr0 & X86_CR0_PE) &&
	    ((cpu->rflags & X86_FLAGS_VM) ||
	     x86_cpl(cpu) > (int)((cpu->rflags >> 12) & 3)))
		return x86_fault(c, X86_GP, 0);
	ex->reason = X86_EXIT_IO;
	ex->access = in ? X86_ACCESS_READ : X86_ACCESS_WRITE;
	ex->io.port = port;
	ex->io.size = size;
	ex->io.in = in;
	ex->io.string = string;
	ex->io.rep = string && c->rep;
	ex->io.seg = c->seg_ovr >= 0 ? c->seg_ovr : X86_DS;
	ex->io.addr_size = c->adsize;
	ex->io.rax = cpu->gpr[X86_RAX];
	return XRC_EXIT;
}

/* ---- string instructions: one iteration per call ---- */

static int op_string(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	int size = (c->op & 1) ? c->opsize : 1;
	int src = c->seg_ovr >= 0 ? c->seg_ovr : X86_DS;
	u64 am = x86_mask(c->adsize);
	u64 si = cpu->gpr[X86_RSI] & am, di = cpu->gpr[X86_RDI] & am;
	u64 cnt = cpu->gpr[X86_RCX] & am;
	u64 delta = flag(c, X86_FLAGS_DF) ? -(u64)size : (u64)size;
	bool cmp = false, use_si = false, use_di = false;
	u64 a, b;
	int r;

	if (c->rep && !cnt)
		return XRC_OK;
	switch (c->op) {
	case 0xa4:
	case 0xa5:
		r = x86_vread(c, src, si, size, &a);
		if (!r)
			r = x86_vwrite(c, X86_ES, di, size, a);
		use_si = true;
		use_di = true;
		break;
	case 0xa6:
	case 0xa7:
		r = x86_vread(c, src, si, size, &a);
		if (!r)
			r = x86_vread(c, X86_ES, di, size, &b);
		if (!r)
			alu(c, 7, a, b, size);
		use_si = true;
		use_di = true;
		cmp = true;
		break;
	case 0xaa:
	case 0xab:
		r = x86_vwrite(c, X86_ES, di, size, cpu->gpr[X86_RAX]);
		use_di = true;
		break;
	case 0xac:
	case 0xad:
		r = x86_vread(c, src, si, size, &a);
		if (!r)
			set_reg_sz(c, X86_RAX, size, a);
		use_si = true;
		break;
	default:
		r = x86_vread(c, X86_ES, di, size, &b);
		if (!r)
			alu(c, 7, cpu->gpr[X86_RAX], b, size);
		use_di = true;
		cmp = true;
		break;
	}
	if (r)
		return r;
	if (use_si)
		set_reg_sz(c, X86_RSI, c->adsize, si + delta);
	if (use_di)
		set_reg_sz(c, X86_RDI, c->adsize, di + delta);
	if (c->rep) {
		cnt = (cnt - 1) & am;
		set_reg_sz(c, X86_RCX, c->adsize, cnt);
		if (cnt) {
			bool stop = cmp &&
				    ((c->rep == 0xf3 && !flag(c, X86_FLAGS_ZF)) ||
				     (c->rep == 0xf2 && flag(c, X86_FLAGS_ZF)));

			if (!stop)
				cpu->rip = c->rip0;	/* next iteration */
		}
	}
	return XRC_OK;
}

/* ---- system instructions ---- */

#define CR4_VALID 0x3507ffULL	/* bits 0-10, 16, 18, 20, 21 */

static int write_cr(struct x86_ctx *c, int n, u64 v)
{
	struct x86_cpu *cpu = c->cpu;

	switch (n) {
	case 0:
		if (v >> 32)
			return x86_fault(c, X86_GP, 0);
		v |= X86_CR0_ET;
		if ((v & X86_CR0_PG) && !(v & X86_CR0_PE))
			return x86_fault(c, X86_GP, 0);
		if ((v & X86_CR0_NW) && !(v & X86_CR0_CD))
			return x86_fault(c, X86_GP, 0);
		if (!(cpu->cr0 & X86_CR0_PG) && (v & X86_CR0_PG) &&
		    (cpu->efer & X86_EFER_LME)) {
			if (!(cpu->cr4 & X86_CR4_PAE))
				return x86_fault(c, X86_GP, 0);
			cpu->efer |= X86_EFER_LMA;
		}
		if ((cpu->cr0 & X86_CR0_PG) && !(v & X86_CR0_PG) &&
		    (cpu->efer & X86_EFER_LMA)) {
			if (x86_long64(cpu))
				return x86_fault(c, X86_GP, 0);
			cpu->efer &= ~X86_EFER_LMA;
		}
		cpu->cr0 = v;
		return XRC_OK;
	case 2:
		cpu->cr2 = v;
		return XRC_OK;
	case 3:
		if ((cpu->efer & X86_EFER_LMA) ? (v >> 52) : 0)
			return x86_fault(c, X86_GP, 0);
		cpu->cr3 = v;
		return XRC_OK;
	case 4:
		if ((v & ~CR4_VALID) ||
		    ((cpu->efer & X86_EFER_LMA) && !(v & X86_CR4_PAE)))
			return x86_fault(c, X86_GP, 0);
		cpu->cr4 = v;
		return XRC_OK;
	case 8:
		if (v > 15)
			return x86_fault(c, X86_GP, 0);
		cpu->cr8 = v;
		return XRC_OK;
	default:
		return x86_fault(c, X86_UD, 0);
	}
}

static int op_mov_cr(struct x86_ctx *c, bool to_cr)
{
	struct x86_cpu *cpu = c->cpu;
	int size = c->code == 8 ? 8 : 4, n = c->reg, r;
	u64 v;

	if (n != 0 && n != 2 && n != 3 && n != 4 && n != 8)
		return x86_fault(c, X86_UD, 0);
	r = priv0(c);
	if (r)
		return r;
	if (to_cr)
		return write_cr(c, n, rget(c, c->rm, size));
	switch (n) {
	case 0:
		v = cpu->cr0;
		break;
	case 2:
		v = cpu->cr2;
		break;
	case 3:
		v = cpu->cr3;
		break;
	case 4:
		v = cpu->cr4;
		break;
	default:
		v = cpu->cr8;
		break;
	}
	rset(c, c->rm, size, v);
	return XRC_OK;
}

static int op_mov_dr(struct x86_ctx *c, bool to_dr)
{
	struct x86_cpu *cpu = c->cpu;
	int size = c->code == 8 ? 8 : 4, n = c->reg, r;
	u64 *d;

	if (n > 7)
		return x86_fault(c, X86_UD, 0);
	if ((n == 4 || n == 5) && (cpu->cr4 & (1ULL << 3)))
		return x86_fault(c, X86_UD, 0);
	r = priv0(c);
	if (r)
		return r;
	if (n < 4)
		d = &cpu->dr[n];
	else if (n == 4 || n == 6)
		d = &cpu->dr6;
	else
		d = &cpu->dr7;
	if (to_dr) {
		u64 v = rget(c, c->rm, size);

		if (size == 8 && n >= 6 && (v >> 32))
			return x86_fault(c, X86_GP, 0);
		*d = v;
	} else {
		rset(c, c->rm, size, *d);
	}
	return XRC_OK;
}

#define MSR_TSC			0x10
#define MSR_APIC_BASE		0x1b
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_PAT			0x277
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102

static u64 *msr_slot(struct x86_cpu *cpu, u32 idx)
{
	switch (idx) {
	case MSR_APIC_BASE:
		return &cpu->apic_base;
	case MSR_SYSENTER_CS:
		return &cpu->sysenter_cs;
	case MSR_SYSENTER_ESP:
		return &cpu->sysenter_esp;
	case MSR_SYSENTER_EIP:
		return &cpu->sysenter_eip;
	case MSR_PAT:
		return &cpu->pat;
	case MSR_STAR:
		return &cpu->star;
	case MSR_LSTAR:
		return &cpu->lstar;
	case MSR_CSTAR:
		return &cpu->cstar;
	case MSR_SFMASK:
		return &cpu->sfmask;
	case MSR_FS_BASE:
		return &cpu->seg[X86_FS].base;
	case MSR_GS_BASE:
		return &cpu->seg[X86_GS].base;
	case MSR_KERNEL_GS_BASE:
		return &cpu->kernel_gs_base;
	default:
		return NULL;
	}
}

static u64 read_tsc(struct x86_ctx *c)
{
	if (c->env->read_tsc)
		return c->env->read_tsc(c->env->ctx);
	return c->cpu->tsc;
}

static int op_msr(struct x86_ctx *c, bool write)
{
	struct x86_cpu *cpu = c->cpu;
	u32 idx = (u32)cpu->gpr[X86_RCX];
	u64 v = 0, *slot;
	int r = priv0(c);

	if (r)
		return r;
	if (write)
		v = ((cpu->gpr[X86_RDX] & 0xffffffffULL) << 32) |
		    (cpu->gpr[X86_RAX] & 0xffffffffULL);
	r = c->env->msr ? c->env->msr(c->env->ctx, idx, write, &v) :
			  X86_MSR_UNHANDLED;
	switch (r) {
	case X86_MSR_HANDLED:
		goto done;
	case X86_MSR_EXIT:
		c->exit->reason = X86_EXIT_MSR;
		c->exit->access = write ? X86_ACCESS_WRITE : X86_ACCESS_READ;
		c->exit->msr.index = idx;
		c->exit->msr.write = write;
		c->exit->msr.value = v;
		return XRC_EXIT;
	case X86_MSR_GP:
		return x86_fault(c, X86_GP, 0);
	default:
		break;
	}
	if (idx == MSR_TSC) {
		if (write)
			cpu->tsc = v;
		else
			v = read_tsc(c);
		goto done;
	}
	if (idx == MSR_EFER) {
		if (!write) {
			v = cpu->efer;
			goto done;
		}
		if (v & ~(X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA |
			  X86_EFER_NXE))
			return x86_fault(c, X86_GP, 0);
		if ((cpu->cr0 & X86_CR0_PG) &&
		    ((v ^ cpu->efer) & X86_EFER_LME))
			return x86_fault(c, X86_GP, 0);
		cpu->efer = (v & ~X86_EFER_LMA) | (cpu->efer & X86_EFER_LMA);
		goto done;
	}
	slot = msr_slot(cpu, idx);
	if (!slot)
		return x86_fault(c, X86_GP, 0);
	if (write) {
		if ((idx == MSR_FS_BASE || idx == MSR_GS_BASE ||
		     idx == MSR_KERNEL_GS_BASE || idx == MSR_LSTAR ||
		     idx == MSR_CSTAR || idx == MSR_SYSENTER_ESP ||
		     idx == MSR_SYSENTER_EIP) && !x86_canonical(v))
			return x86_fault(c, X86_GP, 0);
		*slot = v;
	} else {
		v = *slot;
	}
done:
	if (!write) {
		cpu->gpr[X86_RAX] = v & 0xffffffffULL;
		cpu->gpr[X86_RDX] = v >> 32;
	}
	return XRC_OK;
}

u32 x86_default_cpuid(u32 leaf, u32 subleaf, u32 res[4])
{
	(void)subleaf;
	res[0] = 0;
	res[1] = 0;
	res[2] = 0;
	res[3] = 0;
	switch (leaf) {
	case 0:
		res[0] = 1;
		res[1] = 0x53766848;	/* "HvSi" */
		res[3] = 0x3638586d;	/* "mX86" */
		res[2] = 0x6e676e45;	/* "Engn" */
		break;
	case 1:
		res[0] = 0x00000663;
		/* PSE, TSC, MSR, PAE, PGE, CMOV, PAT */
		res[3] = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) |
			 (1 << 13) | (1 << 15) | (1 << 16);
		break;
	case 0x80000000:
		res[0] = 0x80000008;
		break;
	case 0x80000001:
		res[2] = 1;			/* LAHF/SAHF in 64-bit mode */
		res[3] = (1 << 20) | (1 << 29);	/* NX, LM */
		break;
	case 0x80000008:
		res[0] = 0x3034;		/* 48-bit linear, 52 physical */
		break;
	default:
		break;
	}
	return res[0];
}

static int op_cpuid(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	u32 leaf = (u32)cpu->gpr[X86_RAX], sub = (u32)cpu->gpr[X86_RCX];
	u32 res[4];

	x86_default_cpuid(leaf, sub, res);
	if (c->env->cpuid && c->env->cpuid(c->env->ctx, leaf, sub, res)) {
		c->exit->reason = X86_EXIT_CPUID;
		c->exit->cpuid.eax = leaf;
		c->exit->cpuid.ecx = sub;
		memcpy(c->exit->cpuid.res, res, sizeof(res));
		return XRC_EXIT;
	}
	cpu->gpr[X86_RAX] = res[0];
	cpu->gpr[X86_RBX] = res[1];
	cpu->gpr[X86_RCX] = res[2];
	cpu->gpr[X86_RDX] = res[3];
	return XRC_OK;
}

/* LLDT / LTR */
static int load_sys_seg(struct x86_ctx *c, bool tr)
{
	struct x86_cpu *cpu = c->cpu;
	struct x86_segment s;
	u8 d[16];
	u64 sel;
	int r, len = (cpu->efer & X86_EFER_LMA) ? 16 : 8, type;

	r = priv0(c);
	if (!r)
		r = rm_get(c, 2, &sel);
	if (r)
		return r;
	if ((sel & ~3) == 0) {
		if (tr)
			return x86_fault(c, X86_GP, 0);
		cpu->ldtr.selector = sel;
		cpu->ldtr.attributes = 0;
		return XRC_OK;
	}
	if (sel & 4)
		return x86_fault(c, X86_GP, sel & 0xfffc);
	r = x86_read_desc(c, sel, d, len, 0);
	if (r)
		return r;
	type = d[5] & 0x1f;
	if (tr ? (type != 0x9 && (len == 16 || type != 0x1)) : type != 0x2)
		return x86_fault(c, X86_GP, sel & 0xfffc);
	if (!(d[5] & 0x80))
		return x86_fault(c, X86_NP, sel & 0xfffc);
	x86_desc_unpack(d, sel, &s);
	if (len == 16)
		s.base |= (u64)(d[8] | (d[9] << 8) | (d[10] << 16) |
				((u32)d[11] << 24)) << 32;
	if (tr) {
		s.attributes |= 2;	/* busy (not written back) */
		cpu->tr = s;
	} else {
		cpu->ldtr = s;
	}
	return XRC_OK;
}

static int op_grp6(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;

	if (!protected(c))
		return x86_fault(c, X86_UD, 0);
	switch (c->reg & 7) {
	case 0:
		return rm_set(c, c->mem ? 2 : c->opsize, cpu->ldtr.selector);
	case 1:
		return rm_set(c, c->mem ? 2 : c->opsize, cpu->tr.selector);
	case 2:
		return load_sys_seg(c, false);
	case 3:
		return load_sys_seg(c, true);
	default:
		return x86_fault(c, X86_UD, 0);
	}
}

static int op_grp7(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	struct x86_table *t;
	int rg = c->reg & 7, r;
	u64 lim, base;

	if (!c->mem) {
		if (rg == 4)
			return rm_set(c, c->opsize, cpu->cr0);
		if (rg == 6)
			goto lmsw;
		if (rg == 7 && (c->rm & 7) == 0 && c->code == 8) {
			r = priv0(c);
			if (r)
				return r;
			base = cpu->seg[X86_GS].base;
			cpu->seg[X86_GS].base = cpu->kernel_gs_base;
			cpu->kernel_gs_base = base;
			return XRC_OK;
		}
		if (rg == 7 && (c->rm & 7) == 1) {
			base = read_tsc(c);
			cpu->gpr[X86_RAX] = base & 0xffffffffULL;
			cpu->gpr[X86_RDX] = base >> 32;
			cpu->gpr[X86_RCX] = 0;
			return XRC_OK;
		}
		return x86_fault(c, X86_UD, 0);
	}
	t = (rg & 1) ? &cpu->idtr : &cpu->gdtr;
	switch (rg) {
	case 0:
	case 1:
		r = mem_set(c, 0, 2, t->limit);
		if (!r)
			r = mem_set(c, 2, c->code == 8 ? 8 : 4,
				    c->opsize == 2 && c->code != 8 ?
				    t->base & 0xffffff : t->base);
		return r;
	case 2:
	case 3:
		r = priv0(c);
		if (!r)
			r = mem_get(c, 0, 2, &lim);
		if (!r)
			r = mem_get(c, 2, c->code == 8 ? 8 : 4, &base);
		if (r)
			return r;
		if (c->code == 8 && !x86_canonical(base))
			return x86_fault(c, X86_GP, 0);
		if (c->code != 8 && c->opsize == 2)
			base &= 0xffffff;
		t->limit = lim;
		t->base = base;
		return XRC_OK;
	case 4:
		return rm_set(c, 2, cpu->cr0);
	case 6:
		goto lmsw;
	case 7:
		return priv0(c);	/* INVLPG: no TLB is modelled */
	default:
		return x86_fault(c, X86_UD, 0);
	}
lmsw:
	r = priv0(c);
	if (!r)
		r = rm_get(c, 2, &lim);
	if (r)
		return r;
	/* LMSW can set PE but not clear it */
	cpu->cr0 = (cpu->cr0 & ~0xeULL) | (lim & 0xf) | (cpu->cr0 & 1);
	return XRC_OK;
}

/* ---- groups ---- */

static int op_grp3(struct x86_ctx *c, int size)
{
	struct x86_cpu *cpu = c->cpu;
	u64 v, lo, hi, q = 0, rem = 0, m = x86_mask(size);
	int rg = c->reg & 7, r;
	bool ovf;

	r = rm_get(c, size, &v);
	if (r)
		return r;
	switch (rg) {
	case 0:
	case 1:
		alu(c, 4, v, c->imm, size);
		return XRC_OK;
	case 2:
		return rm_set(c, size, ~v);
	case 3:
		return rm_set(c, size, alu(c, 5, 0, v, size));
	case 4:
	case 5:
		mulw(rget(c, X86_RAX, size), v, size, rg == 5, &lo, &hi);
		if (rg == 4)
			ovf = hi != 0;
		else
			ovf = hi != ((lo >> (size * 8 - 1)) & 1 ? m : 0);
		if (size == 1) {
			rset(c, X86_RAX, 2, lo | (hi << 8));
		} else {
			rset(c, X86_RAX, size, lo);
			rset(c, X86_RDX, size, hi);
		}
		setf(c, szp(lo, size) |
			(ovf ? X86_FLAGS_CF | X86_FLAGS_OF : 0), ARITH_FLAGS);
		return XRC_OK;
	default:
		if (size == 1) {
			hi = (cpu->gpr[X86_RAX] >> 8) & 0xff;
			lo = cpu->gpr[X86_RAX] & 0xff;
		} else {
			hi = rget(c, X86_RDX, size);
			lo = rget(c, X86_RAX, size);
		}
		r = divw(c, hi, lo, v, size, rg == 7, &q, &rem);
		if (r)
			return r;
		if (size == 1) {
			rset(c, X86_RAX, 2, q | (rem << 8));
		} else {
			rset(c, X86_RAX, size, q);
			rset(c, X86_RDX, size, rem);
		}
		return XRC_OK;
	}
}

static int op_grp5(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	int rg = c->reg & 7, osz = c->opsize, r;
	u64 v, sel;

	switch (rg) {
	case 0:
	case 1:
		r = rm_get(c, osz, &v);
		if (r)
			return r;
		return rm_set(c, osz, incdec(c, v, rg == 1, osz));
	case 2:
	case 4:
		r = rm_get(c, osz, &v);
		if (r)
			return r;
		if (rg == 2) {
			r = x86_push(c, cpu->rip, osz);
			if (r)
				return r;
		}
		return jump(c, v);
	case 3:
	case 5:
		if (!c->mem)
			return x86_fault(c, X86_UD, 0);
		r = mem_get(c, 0, osz, &v);
		if (!r)
			r = mem_get(c, osz, 2, &sel);
		if (r)
			return r;
		return x86_far_jump(c, sel, v, rg == 3, osz);
	case 6:
		r = rm_get(c, osz, &v);
		if (r)
			return r;
		return x86_push(c, v, osz);
	default:
		return x86_fault(c, X86_UD, 0);
	}
}

/* BT/BTS/BTR/BTC: @op 0..3, bit offset @off (register: signed) */
static int op_bt(struct x86_ctx *c, int op, u64 off, bool reg_off)
{
	int size = c->opsize, bits = size * 8, r;
	u64 v, bit, k = 0;

	if (c->mem && reg_off) {
		s64 so = (s64)x86_sext(off, size);

		k = (u64)((so >> (bits == 16 ? 4 : bits == 32 ? 5 : 6)) *
			  (s64)size);
	}
	bit = off & (bits - 1);
	r = c->mem ? mem_get(c, k, size, &v) : rm_get(c, size, &v);
	if (r)
		return r;
	setf(c, ((v >> bit) & 1) ? X86_FLAGS_CF : 0, X86_FLAGS_CF);
	if (!op)
		return XRC_OK;
	if (op == 1)
		v |= 1ULL << bit;
	else if (op == 2)
		v &= ~(1ULL << bit);
	else
		v ^= 1ULL << bit;
	return c->mem ? mem_set(c, k, size, v) : rm_set(c, size, v);
}

static bool lock_ok(struct x86_ctx *c)
{
	u16 op = c->op;

	if (!c->mem)
		return false;
	if (op < 0x40)
		return (op & 7) <= 1 && (op & 0x38) != 0x38;
	switch (op) {
	case 0x80:
	case 0x81:
	case 0x83:
		return (c->reg & 7) != 7;
	case 0x86:
	case 0x87:
	case 0x0fab:
	case 0x0fb3:
	case 0x0fbb:
	case 0x0fb0:
	case 0x0fb1:
	case 0x0fc0:
	case 0x0fc1:
		return true;
	case 0xf6:
	case 0xf7:
		return (c->reg & 7) == 2 || (c->reg & 7) == 3;
	case 0xfe:
	case 0xff:
		return (c->reg & 7) < 2;
	case 0x0fba:
		return (c->reg & 7) >= 5;
	default:
		return false;
	}
}

static int push_sreg(struct x86_ctx *c, int s)
{
	return x86_push(c, c->cpu->seg[s].selector, c->opsize);
}

static int pop_sreg(struct x86_ctx *c, int s)
{
	u64 v;
	int r = x86_peek(c, 0, c->opsize, &v);

	if (!r)
		r = x86_load_sreg(c, s, v);
	if (r)
		return r;
	x86_sp_add(c, c->opsize);
	return XRC_OK;
}

static int op_enter(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	int osz = c->opsize, ss = x86_stack_size(cpu), level = c->imm2 & 31;
	u64 frame, bp = cpu->gpr[X86_RBP], v;
	int r, i;

	r = x86_push(c, bp, osz);
	if (r)
		return r;
	frame = cpu->gpr[X86_RSP] & x86_mask(ss);
	for (i = 1; i < level; i++) {
		bp = (bp - osz) & x86_mask(ss);
		r = x86_vread(c, X86_SS, bp, osz, &v);
		if (!r)
			r = x86_push(c, v, osz);
		if (r)
			return r;
	}
	if (level) {
		r = x86_push(c, frame, osz);
		if (r)
			return r;
	}
	/* the write of the lowest byte of the new frame must be possible */
	if (c->imm) {
		u64 la, nsp = (cpu->gpr[X86_RSP] - c->imm) & x86_mask(ss);

		r = x86_seg_addr(c, X86_SS, nsp, 1, X86_ACCESS_WRITE, &la);
		if (r)
			return r;
	}
	rset(c, X86_RBP, osz, frame);
	x86_sp_add(c, -(u64)c->imm);
	return XRC_OK;
}

static int op_pusha(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	u64 sp = cpu->gpr[X86_RSP];
	int i, r;

	for (i = 0; i < 8; i++) {
		r = x86_push(c, i == X86_RSP ? sp : cpu->gpr[i], c->opsize);
		if (r)
			return r;
	}
	return XRC_OK;
}

static int op_popa(struct x86_ctx *c)
{
	u64 v;
	int i, r;

	for (i = 7; i >= 0; i--) {
		r = x86_pop(c, c->opsize, &v);
		if (r)
			return r;
		if (i != X86_RSP)
			rset(c, i, c->opsize, v);
	}
	return XRC_OK;
}

/* Everything in the two-byte map. */
static int exec_0f(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	int osz = c->opsize, r;
	u8 op = c->op & 0xff;
	u64 a, b, v;

	if (op >= 0x40 && op <= 0x4f) {			/* CMOVcc */
		r = rm_get(c, osz, &v);
		if (r)
			return r;
		if (cond(c, op & 15))
			rset(c, c->reg, osz, v);
		else if (osz == 4)
			rset(c, c->reg, 4, rget(c, c->reg, 4));
		return XRC_OK;
	}
	if (op >= 0x80 && op <= 0x8f) {			/* Jcc rel32 */
		if (cond(c, op & 15))
			return jump(c, cpu->rip + c->imm);
		return XRC_OK;
	}
	if (op >= 0x90 && op <= 0x9f)			/* SETcc */
		return rm_set(c, 1, cond(c, op & 15));
	if (op >= 0xc8) {				/* BSWAP */
		int rr = (op & 7) | ((c->rex & 1) << 3);

		v = rget(c, rr, osz == 8 ? 8 : 4);
		a = 0;
		for (r = 0; r < (osz == 8 ? 8 : 4); r++)
			a |= ((v >> (8 * r)) & 0xff) <<
			     (8 * ((osz == 8 ? 7 : 3) - r));
		if (osz == 2)
			rset(c, rr, 2, 0);
		else
			rset(c, rr, osz, a);
		return XRC_OK;
	}
	if (op >= 0x18 && op <= 0x1f)			/* hint NOPs */
		return XRC_OK;
	switch (op) {
	case 0x00:
		return op_grp6(c);
	case 0x01:
		return op_grp7(c);
	case 0x06:
		r = priv0(c);
		if (!r)
			cpu->cr0 &= ~X86_CR0_TS;
		return r;
	case 0x08:
	case 0x09:
		return priv0(c);
	case 0x0b:
		return x86_fault(c, X86_UD, 0);
	case 0x0d:
		return c->mem ? XRC_OK : x86_fault(c, X86_UD, 0);
	case 0x20:
	case 0x22:
		return op_mov_cr(c, op == 0x22);
	case 0x21:
	case 0x23:
		return op_mov_dr(c, op == 0x23);
	case 0x30:
	case 0x32:
		return op_msr(c, op == 0x30);
	case 0x31:
		if ((cpu->cr4 & (1ULL << 2)) && x86_cpl(cpu))
			return x86_fault(c, X86_GP, 0);
		v = read_tsc(c);
		cpu->gpr[X86_RAX] = v & 0xffffffffULL;
		cpu->gpr[X86_RDX] = v >> 32;
		return XRC_OK;
	case 0xa0:
		return push_sreg(c, X86_FS);
	case 0xa1:
		return pop_sreg(c, X86_FS);
	case 0xa8:
		return push_sreg(c, X86_GS);
	case 0xa9:
		return pop_sreg(c, X86_GS);
	case 0xa2:
		return op_cpuid(c);
	case 0xa3:
		return op_bt(c, 0, rget(c, c->reg, osz), true);
	case 0xab:
		return op_bt(c, 1, rget(c, c->reg, osz), true);
	case 0xb3:
		return op_bt(c, 2, rget(c, c->reg, osz), true);
	case 0xbb:
		return op_bt(c, 3, rget(c, c->reg, osz), true);
	case 0xba:
		if ((c->reg & 7) < 4)
			return x86_fault(c, X86_UD, 0);
		return op_bt(c, (c->reg & 7) - 4, c->imm & 0xff, false);
	case 0xa4:
	case 0xa5:
	case 0xac:
	case 0xad:
		r = rm_get(c, osz, &a);
		if (r)
			return r;
		v = shiftd(c, a, rget(c, c->reg, osz),
			   (op & 1) ? cpu->gpr[X86_RCX] & 0xff : c->imm & 0xff,
			   osz, op < 0xa8);
		return rm_set(c, osz, v);
	case 0xaf:
		r = rm_get(c, osz, &b);
		if (r)
			return r;
		goto imul2;
	case 0xb0:
	case 0xb1:
		osz = op == 0xb0 ? 1 : osz;
		r = rm_get(c, osz, &v);
		if (r)
			return r;
		a = rget(c, X86_RAX, osz);
		alu(c, 7, a, v, osz);
		if (flag(c, X86_FLAGS_ZF))
			return rm_set(c, osz, rget(c, c->reg, osz));
		/* a memory destination is always written back */
		r = c->mem ? rm_set(c, osz, v) : 0;
		if (!r)
			rset(c, X86_RAX, osz, v);
		return r;
	case 0xb6:
	case 0xb7:
	case 0xbe:
	case 0xbf:
		r = rm_get(c, (op & 1) ? 2 : 1, &v);
		if (r)
			return r;
		if (op & 8)
			v = x86_sext(v, (op & 1) ? 2 : 1);
		rset(c, c->reg, osz, v);
		return XRC_OK;
	case 0xbc:
	case 0xbd:
		r = rm_get(c, osz, &v);
		if (r)
			return r;
		if (!v) {
			setf(c, X86_FLAGS_ZF, X86_FLAGS_ZF);
			return XRC_OK;
		}
		setf(c, 0, X86_FLAGS_ZF);
		if (op == 0xbc) {
			for (a = 0; !((v >> a) & 1); a++)
				;
		} else {
			for (a = osz * 8 - 1; !((v >> a) & 1); a--)
				;
		}
		rset(c, c->reg, osz, a);
		return XRC_OK;
	case 0xc0:
	case 0xc1:
		osz = op == 0xc0 ? 1 : osz;
		r = rm_get(c, osz, &v);
		if (r)
			return r;
		a = rget(c, c->reg, osz);
		b = alu(c, 0, v, a, osz);
		r = rm_set(c, osz, b);
		if (!r)
			rset(c, c->reg, osz, v);
		return r;
	default:
		return x86_fault(c, X86_UD, 0);
	}
imul2:
	{
		u64 lo, hi, m = x86_mask(osz);
		bool ovf;

		mulw(rget(c, c->reg, osz), b, osz, true, &lo, &hi);
		ovf = hi != ((lo >> (osz * 8 - 1)) & 1 ? m : 0);
		rset(c, c->reg, osz, lo);
		setf(c, szp(lo, osz) |
			(ovf ? X86_FLAGS_CF | X86_FLAGS_OF : 0), ARITH_FLAGS);
		return XRC_OK;
	}
}

static int exec(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	int osz = c->opsize, size, r, op = c->op;
	u64 a, b, v;

	if (c->lock && !lock_ok(c))
		return x86_fault(c, X86_UD, 0);
	if (op >= 0x100)
		return exec_0f(c);
	if (op < 0x40 && (op & 7) < 6) {			/* ALU */
		int form = op & 7, aop = (op >> 3) & 7;

		size = (form & 1) ? osz : 1;
		switch (form) {
		case 0:
		case 1:
			r = rm_get(c, size, &a);
			b = rget(c, c->reg, size);
			break;
		case 2:
		case 3:
			a = rget(c, c->reg, size);
			r = rm_get(c, size, &b);
			break;
		default:
			a = rget(c, X86_RAX, size);
			b = c->imm;
			r = 0;
			break;
		}
		if (r)
			return r;
		v = alu(c, aop, a, b, size);
		if (aop == 7)
			return XRC_OK;
		if (form < 2)
			return rm_set(c, size, v);
		rset(c, form < 4 ? c->reg : X86_RAX, size, v);
		return XRC_OK;
	}
	if (op >= 0x40 && op <= 0x4f) {				/* INC/DEC */
		rset(c, op & 7, osz,
		     incdec(c, rget(c, op & 7, osz), op >= 0x48, osz));
		return XRC_OK;
	}
	if (op >= 0x50 && op <= 0x57)
		return x86_push(c, rget(c, (op & 7) | ((c->rex & 1) << 3),
					osz), osz);
	if (op >= 0x58 && op <= 0x5f) {
		r = x86_pop(c, osz, &v);
		if (!r)
			rset(c, (op & 7) | ((c->rex & 1) << 3), osz, v);
		return r;
	}
	if (op >= 0x70 && op <= 0x7f) {
		if (cond(c, op & 15))
			return jump(c, cpu->rip + c->imm);
		return XRC_OK;
	}
	if (op >= 0x91 && op <= 0x97) {				/* XCHG rAX */
		int rr = (op & 7) | ((c->rex & 1) << 3);

		v = rget(c, rr, osz);
		rset(c, rr, osz, rget(c, X86_RAX, osz));
		rset(c, X86_RAX, osz, v);
		return XRC_OK;
	}
	if (op >= 0xb0 && op <= 0xb7) {
		rset(c, (op & 7) | ((c->rex & 1) << 3), 1, c->imm);
		return XRC_OK;
	}
	if (op >= 0xb8 && op <= 0xbf) {
		rset(c, (op & 7) | ((c->rex & 1) << 3), osz, c->imm);
		return XRC_OK;
	}
	if ((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf))
		return op_string(c);

	switch (op) {
	case 0x06:
	case 0x0e:
	case 0x16:
	case 0x1e:
		return push_sreg(c, op >> 3);
	case 0x07:
	case 0x17:
	case 0x1f:
		return pop_sreg(c, op >> 3);
	case 0x60:
		return op_pusha(c);
	case 0x61:
		return op_popa(c);
	case 0x63:
		if (c->code != 8)
			return x86_fault(c, X86_UD, 0);	/* ARPL */
		r = rm_get(c, osz == 8 ? 4 : osz, &v);
		if (!r)
			rset(c, c->reg, osz, x86_sext(v, 4));
		return r;
	case 0x68:
	case 0x6a:
		return x86_push(c, c->imm, osz);
	case 0x69:
	case 0x6b:
		r = rm_get(c, osz, &a);
		if (r)
			return r;
		{
			u64 lo, hi, m = x86_mask(osz);
			bool ovf;

			mulw(a, c->imm, osz, true, &lo, &hi);
			ovf = hi != ((lo >> (osz * 8 - 1)) & 1 ? m : 0);
			rset(c, c->reg, osz, lo);
			setf(c, szp(lo, osz) |
				(ovf ? X86_FLAGS_CF | X86_FLAGS_OF : 0),
			     ARITH_FLAGS);
		}
		return XRC_OK;
	case 0x6c:
	case 0x6d:
	case 0x6e:
	case 0x6f:
		return io_exit(c, cpu->gpr[X86_RDX],
			       (op & 1) ? (osz == 2 ? 2 : 4) : 1, op < 0x6e,
			       true);
	case 0x80:
	case 0x81:
	case 0x82:
	case 0x83:
		size = op == 0x80 || op == 0x82 ? 1 : osz;
		r = rm_get(c, size, &a);
		if (r)
			return r;
		v = alu(c, c->reg & 7, a, c->imm, size);
		if ((c->reg & 7) == 7)
			return XRC_OK;
		return rm_set(c, size, v);
	case 0x84:
	case 0x85:
		size = op & 1 ? osz : 1;
		r = rm_get(c, size, &a);
		if (!r)
			alu(c, 4, a, rget(c, c->reg, size), size);
		return r;
	case 0x86:
	case 0x87:
		size = op & 1 ? osz : 1;
		r = rm_get(c, size, &a);
		if (!r)
			r = rm_set(c, size, rget(c, c->reg, size));
		if (!r)
			rset(c, c->reg, size, a);
		return r;
	case 0x88:
	case 0x89:
		size = op & 1 ? osz : 1;
		return rm_set(c, size, rget(c, c->reg, size));
	case 0x8a:
	case 0x8b:
		size = op & 1 ? osz : 1;
		r = rm_get(c, size, &v);
		if (!r)
			rset(c, c->reg, size, v);
		return r;
	case 0x8c:
		if ((c->reg & 7) > 5)
			return x86_fault(c, X86_UD, 0);
		return rm_set(c, c->mem ? 2 : osz,
			      cpu->seg[c->reg & 7].selector);
	case 0x8d:
		if (!c->mem)
			return x86_fault(c, X86_UD, 0);
		rset(c, c->reg, osz, c->ea);
		return XRC_OK;
	case 0x8e:
		if ((c->reg & 7) > 5 || (c->reg & 7) == X86_CS)
			return x86_fault(c, X86_UD, 0);
		r = rm_get(c, 2, &v);
		if (!r)
			r = x86_load_sreg(c, c->reg & 7, v);
		return r;
	case 0x8f:
		if (c->reg & 7)
			return x86_fault(c, X86_UD, 0);
		r = x86_pop(c, osz, &v);
		if (r)
			return r;
		if (c->ea_rsp)	/* address computed after the increment */
			c->ea = (c->ea + osz) & x86_mask(c->adsize);
		return rm_set(c, osz, v);
	case 0x90:
		if (c->rex & 1) {			/* XCHG R8, RAX */
			v = rget(c, 8, osz);
			rset(c, 8, osz, rget(c, X86_RAX, osz));
			rset(c, X86_RAX, osz, v);
		}
		return XRC_OK;				/* NOP, PAUSE */
	case 0x98:
		rset(c, X86_RAX, osz, x86_sext(cpu->gpr[X86_RAX], osz / 2));
		return XRC_OK;
	case 0x99:
		v = rget(c, X86_RAX, osz) >> (osz * 8 - 1);
		rset(c, X86_RDX, osz, v ? ~0ULL : 0);
		return XRC_OK;
	case 0x9a:
		return x86_far_jump(c, c->imm2, c->imm, true, osz);
	case 0x9b:
		return XRC_OK;				/* WAIT */
	case 0x9c:
		if ((cpu->rflags & X86_FLAGS_VM) &&
		    ((cpu->rflags >> 12) & 3) < 3)
			return x86_fault(c, X86_GP, 0);
		return x86_push(c, cpu->rflags & ~(X86_FLAGS_VM | X86_FLAGS_RF),
				osz);
	case 0x9d:
		r = x86_pop(c, osz, &v);
		if (!r)
			x86_write_flags(cpu, v, osz, x86_cpl(cpu));
		return r;
	case 0x9e:
		setf(c, (cpu->gpr[X86_RAX] >> 8) & 0xd5,
		     X86_FLAGS_SF | X86_FLAGS_ZF | X86_FLAGS_AF |
		     X86_FLAGS_PF | X86_FLAGS_CF);
		return XRC_OK;
	case 0x9f:
		cpu->gpr[X86_RAX] = (cpu->gpr[X86_RAX] & ~0xff00ULL) |
				    (((cpu->rflags & 0xd5) | 2) << 8);
		return XRC_OK;
	case 0xa0:
	case 0xa1:
		size = op & 1 ? osz : 1;
		r = x86_vread(c, c->seg_ovr >= 0 ? c->seg_ovr : X86_DS,
			      c->imm, size, &v);
		if (!r)
			rset(c, X86_RAX, size, v);
		return r;
	case 0xa2:
	case 0xa3:
		size = op & 1 ? osz : 1;
		return x86_vwrite(c, c->seg_ovr >= 0 ? c->seg_ovr : X86_DS,
				  c->imm, size, cpu->gpr[X86_RAX]);
	case 0xa8:
	case 0xa9:
		size = op & 1 ? osz : 1;
		alu(c, 4, cpu->gpr[X86_RAX], c->imm, size);
		return XRC_OK;
	case 0xc0:
	case 0xc1:
	case 0xd0:
	case 0xd1:
	case 0xd2:
	case 0xd3:
		size = op & 1 ? osz : 1;
		r = rm_get(c, size, &v);
		if (r)
			return r;
		a = op <= 0xc1 ? c->imm : op <= 0xd1 ? 1 : cpu->gpr[X86_RCX];
		return rm_set(c, size, shift(c, c->reg, v, a & 0xff, size));
	case 0xc2:
	case 0xc3:
		r = x86_pop(c, osz, &v);
		if (r)
			return r;
		if (op == 0xc2)
			x86_sp_add(c, c->imm);
		return jump(c, v);
	case 0xc6:
	case 0xc7:
		if (c->reg & 7)
			return x86_fault(c, X86_UD, 0);
		return rm_set(c, op & 1 ? osz : 1, c->imm);
	case 0xc8:
		return op_enter(c);
	case 0xc9:
		set_reg_sz(c, X86_RSP, x86_stack_size(cpu), cpu->gpr[X86_RBP]);
		r = x86_pop(c, osz, &v);
		if (!r)
			rset(c, X86_RBP, osz, v);
		return r;
	case 0xca:
	case 0xcb:
		return x86_far_ret(c, osz, op == 0xca ? c->imm : 0);
	case 0xcc:
		c->ev_kind = X86_EV_SOFTEXC;
		c->ret_rip = cpu->rip;
		return x86_fault(c, X86_BP, 0);
	case 0xcd:
		if ((cpu->rflags & X86_FLAGS_VM) &&
		    ((cpu->rflags >> 12) & 3) < 3)
			return x86_fault(c, X86_GP, 0);
		c->ev_kind = X86_EV_SOFTINT;
		c->ret_rip = cpu->rip;
		return x86_fault(c, c->imm & 0xff, 0);
	case 0xce:
		if (!flag(c, X86_FLAGS_OF))
			return XRC_OK;
		c->ev_kind = X86_EV_SOFTEXC;
		c->ret_rip = cpu->rip;
		return x86_fault(c, X86_OF, 0);
	case 0xcf:
		return x86_iret(c, osz);
	case 0xd7:
		r = x86_vread(c, c->seg_ovr >= 0 ? c->seg_ovr : X86_DS,
			      (cpu->gpr[X86_RBX] + (cpu->gpr[X86_RAX] & 0xff)) &
			      x86_mask(c->adsize), 1, &v);
		if (!r)
			rset(c, X86_RAX, 1, v);
		return r;
	case 0xe0:
	case 0xe1:
	case 0xe2:
	case 0xe3:
		v = cpu->gpr[X86_RCX] & x86_mask(c->adsize);
		if (op != 0xe3) {
			v = (v - 1) & x86_mask(c->adsize);
			set_reg_sz(c, X86_RCX, c->adsize, v);
			a = op == 0xe1;		/* LOOPE: loop while ZF=1 */
			if (v && (op == 0xe2 || flag(c, X86_FLAGS_ZF) == a))
				return jump(c, cpu->rip + c->imm);
			return XRC_OK;
		}
		if (!v)
			return jump(c, cpu->rip + c->imm);
		return XRC_OK;
	case 0xe4:
	case 0xe5:
	case 0xe6:
	case 0xe7:
	case 0xec:
	case 0xed:
	case 0xee:
	case 0xef:
		return io_exit(c, op >= 0xec ? (u16)cpu->gpr[X86_RDX] :
			       (u16)(c->imm & 0xff),
			       (op & 1) ? (osz == 2 ? 2 : 4) : 1,
			       !(op & 2), false);
	case 0xe8:
		r = x86_push(c, cpu->rip, osz);
		if (r)
			return r;
		return jump(c, cpu->rip + c->imm);
	case 0xe9:
	case 0xeb:
		return jump(c, cpu->rip + c->imm);
	case 0xea:
		return x86_far_jump(c, c->imm2, c->imm, false, osz);
	case 0xf4:
		r = priv0(c);
		if (!r)
			c->halt = true;
		return r;
	case 0xf5:
		cpu->rflags ^= X86_FLAGS_CF;
		return XRC_OK;
	case 0xf6:
	case 0xf7:
		return op_grp3(c, op & 1 ? osz : 1);
	case 0xf8:
	case 0xf9:
		setf(c, op & 1 ? X86_FLAGS_CF : 0, X86_FLAGS_CF);
		return XRC_OK;
	case 0xfa:
	case 0xfb:
		if ((cpu->cr0 & X86_CR0_PE) &&
		    x86_cpl(cpu) > (int)((cpu->rflags >> 12) & 3))
			return x86_fault(c, X86_GP, 0);
		if (op == 0xfb && !flag(c, X86_FLAGS_IF))
			c->new_shadow = true;
		setf(c, op & 1 ? X86_FLAGS_IF : 0, X86_FLAGS_IF);
		return XRC_OK;
	case 0xfc:
	case 0xfd:
		setf(c, op & 1 ? X86_FLAGS_DF : 0, X86_FLAGS_DF);
		return XRC_OK;
	case 0xfe:
		if ((c->reg & 7) > 1)
			return x86_fault(c, X86_UD, 0);
		r = rm_get(c, 1, &v);
		if (!r)
			r = rm_set(c, 1, incdec(c, v, c->reg & 1, 1));
		return r;
	case 0xff:
		return op_grp5(c);
	default:
		return x86_fault(c, X86_UD, 0);
	}
}

int x86_exec_one(struct x86_ctx *c)
{
	struct x86_cpu *cpu = c->cpu;
	int r;

	c->code = x86_long64(cpu) ? 8 :
		  ((cpu->cr0 & X86_CR0_PE) && !(cpu->rflags & X86_FLAGS_VM) &&
		   (cpu->seg[X86_CS].attributes & X86_SEG_DB)) ? 4 : 2;
	r = x86_decode(c);
	if (r)
		return r;
	c->decoded = true;
	cpu->rip = (c->rip0 + c->pos) & (c->code == 8 ? ~0ULL :
					 c->code == 4 ? 0xffffffffULL : 0xffff);
	return exec(c);
}
