// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim x86 engine: guest memory access - segmentation, paging, the
 * instruction fetch and the per-instruction write buffer.
 *
 * Guest memory is reached only through &x86_env.gpa_access.  Every write of
 * an instruction is translated and probed first and buffered; the buffer is
 * written out only when the whole instruction has succeeded, so a fault or
 * an exit leaves guest memory untouched.
 */
#include "x86_engine_priv.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_A		BIT_ULL(5)
#define PTE_D		BIT_ULL(6)
#define PTE_PS		BIT_ULL(7)
#define PTE_NX		BIT_ULL(63)
#define PTE_ADDR	0x000ffffffffff000ULL

int x86_fault(struct x86_ctx *c, u8 vec, u32 err)
{
	c->vec = vec;
	switch (vec) {
	case X86_DF:
	case X86_TS:
	case X86_NP:
	case X86_SS_VEC:
	case X86_GP:
	case X86_PF:
	case X86_AC:
		c->has_err = true;
		c->err = err;
		break;
	default:
		c->has_err = false;
		c->err = 0;
		break;
	}
	return XRC_FAULT;
}

int x86_cpl(const struct x86_cpu *cpu)
{
	if (!(cpu->cr0 & X86_CR0_PE))
		return 0;
	if (cpu->rflags & X86_FLAGS_VM)
		return 3;
	return cpu->seg[X86_CS].selector & 3;
}

bool x86_long64(const struct x86_cpu *cpu)
{
	return (cpu->efer & X86_EFER_LMA) &&
	       (cpu->seg[X86_CS].attributes & X86_SEG_L);
}

static int gpa_rw(const struct x86_env *env, u64 gpa, void *buf,
		  unsigned int len, enum x86_access acc)
{
	return env->gpa_access(env->ctx, gpa, buf, len, acc);
}

static int pte_read(const struct x86_env *env, u64 gpa, bool wide, u64 *e)
{
	u8 b[8];
	int r, i;

	memset(b, 0, sizeof(b));
	r = gpa_rw(env, gpa, b, wide ? 8 : 4, X86_ACCESS_READ);
	if (r)
		return r;
	*e = 0;
	for (i = 7; i >= 0; i--)
		*e = (*e << 8) | b[i];
	return 0;
}

struct walk {
	u64 gpa;		/* result */
	u32 pferr;		/* #PF error code */
	u64 bad_gpa;		/* page-table GPA that could not be read */
	int gres;		/* its &enum x86_gpa_result */
	u8 n;
	u64 ent_gpa[4];
	u64 ent[4];
};

/*
 * Walk the guest page tables.  Return 0, X86_PF (w->pferr set) or -1 (a
 * page-table read failed; w->bad_gpa/gres set).
 */
static int walk(const struct x86_cpu *cpu, const struct x86_env *env,
		u64 la, enum x86_access acc, bool user, struct walk *w)
{
	bool wr = acc == X86_ACCESS_WRITE, fetch = acc == X86_ACCESS_EXECUTE;
	bool nxe = cpu->efer & X86_EFER_NXE;
	bool lm = cpu->efer & X86_EFER_LMA;
	bool allow_w = true, allow_u = true, nx = false;
	u64 table, e = 0;
	int level, shift = 12, r;

	w->n = 0;
	w->pferr = (wr ? X86_PF_W : 0) | (user ? X86_PF_U : 0) |
		   (fetch && nxe ? X86_PF_I : 0);
	if (!(cpu->cr0 & X86_CR0_PG)) {
		w->gpa = la & 0xffffffffULL;
		return 0;
	}
	if (!(cpu->cr4 & X86_CR4_PAE)) {
		/* legacy 32-bit paging: 4-byte entries, 4 MiB pages with PSE */
		table = cpu->cr3 & 0xfffff000ULL;
		for (level = 2; level >= 1; level--) {
			shift = level == 2 ? 22 : 12;
			w->ent_gpa[w->n] = table + ((la >> shift) & 0x3ff) * 4;
			r = pte_read(env, w->ent_gpa[w->n], false, &e);
			if (r) {
				w->bad_gpa = w->ent_gpa[w->n];
				w->gres = r;
				return -1;
			}
			w->ent[w->n++] = e;
			if (!(e & PTE_P))
				return X86_PF;
			allow_w &= !!(e & PTE_RW);
			allow_u &= !!(e & PTE_US);
			if (level == 2 && (e & PTE_PS) &&
			    (cpu->cr4 & X86_CR4_PSE)) {
				if (e & 0x3fe000ULL) {
					w->pferr |= X86_PF_RSVD | X86_PF_P;
					return X86_PF;
				}
				w->gpa = (e & 0xffc00000ULL) | (la & 0x3fffff);
				goto perms;
			}
			table = e & 0xfffff000ULL;
		}
		w->gpa = (e & 0xfffff000ULL) | (la & 0xfff);
		goto perms;
	}
	if (lm) {
		table = cpu->cr3 & PTE_ADDR;
		level = 4;
	} else {
		u64 a = (cpu->cr3 & 0xffffffe0ULL) + ((la >> 30) & 3) * 8;

		r = pte_read(env, a, true, &e);
		if (r) {
			w->bad_gpa = a;
			w->gres = r;
			return -1;
		}
		if (!(e & PTE_P))
			return X86_PF;
		if (e & (0x1e6ULL | PTE_NX)) {
			w->pferr |= X86_PF_RSVD | X86_PF_P;
			return X86_PF;
		}
		table = e & PTE_ADDR;
		level = 2;
	}
	for (; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		w->ent_gpa[w->n] = table + ((la >> shift) & 511) * 8;
		r = pte_read(env, w->ent_gpa[w->n], true, &e);
		if (r) {
			w->bad_gpa = w->ent_gpa[w->n];
			w->gres = r;
			return -1;
		}
		w->ent[w->n++] = e;
		if (!(e & PTE_P))
			return X86_PF;
		if (((e & PTE_NX) && !nxe) || (level == 4 && (e & PTE_PS)) ||
		    (e & 0x000f000000000000ULL)) {
			w->pferr |= X86_PF_RSVD | X86_PF_P;
			return X86_PF;
		}
		allow_w &= !!(e & PTE_RW);
		allow_u &= !!(e & PTE_US);
		nx |= !!(e & PTE_NX);
		if (level > 1 && (e & PTE_PS) && (level == 2 || lm)) {
			u64 lo = (1ULL << shift) - 1;

			if (e & lo & ~0x1fffULL & PTE_ADDR) {
				w->pferr |= X86_PF_RSVD | X86_PF_P;
				return X86_PF;
			}
			w->gpa = (e & PTE_ADDR & ~lo) | (la & lo);
			goto perms;
		}
		table = e & PTE_ADDR;
	}
	w->gpa = (e & PTE_ADDR) | (la & 0xfff);
perms:
	if (wr && !allow_w && (user || (cpu->cr0 & X86_CR0_WP)))
		goto prot;
	if (user && !allow_u)
		goto prot;
	if (fetch && nx && nxe)
		goto prot;
	return 0;
prot:
	w->pferr |= X86_PF_P;
	return X86_PF;
}

/* Set accessed bits along the walk and the dirty bit of a written page. */
static void walk_set_ad(const struct x86_env *env, struct walk *w, bool wr)
{
	int i;

	for (i = 0; i < w->n; i++) {
		u8 lo = (u8)w->ent[i], nlo = lo | PTE_A;

		if (i == w->n - 1 && wr)
			nlo |= PTE_D;
		if (nlo != lo)
			gpa_rw(env, w->ent_gpa[i], &nlo, 1, X86_ACCESS_WRITE);
	}
}

int x86_translate(const struct x86_cpu *cpu, const struct x86_env *env,
		  u64 gva, enum x86_access access, bool user, u64 *gpa,
		  u32 *pf_error)
{
	struct walk w;
	int r = walk(cpu, env, gva, access, user, &w);

	if (r == X86_PF)
		*pf_error = w.pferr;
	if (r)
		return r;
	*gpa = w.gpa;
	return 0;
}
EXPORT_SYMBOL_GPL(x86_translate);

static int mem_exit(struct x86_ctx *c, u64 gva, u64 gpa, bool gva_gpa_valid,
		    enum x86_access acc, int gres)
{
	struct x86_exit *ex = c->exit;

	ex->reason = X86_EXIT_MEMORY;
	ex->access = acc;
	ex->mem.denied = gres == X86_GPA_DENIED;
	ex->mem.gva_valid = true;
	ex->mem.gva_gpa_valid = gva_gpa_valid;
	ex->mem.gva = gva;
	ex->mem.gpa = gpa;
	return XRC_EXIT;
}

/* Translate one linear address of the current instruction. */
static int xlate(struct x86_ctx *c, u64 la, enum x86_access acc, u64 *gpa)
{
	bool user = !c->implicit_sv && x86_cpl(c->cpu) == 3;
	struct walk w;
	int r;

	r = walk(c->cpu, c->env, la, acc, user, &w);
	if (r == X86_PF) {
		c->fault_cr2 = la;
		return x86_fault(c, X86_PF, w.pferr);
	}
	if (r) {
		/* a page-table walk touched a GPA the VMM must handle */
		return mem_exit(c, la, w.bad_gpa, false, X86_ACCESS_READ,
				w.gres);
	}
	walk_set_ad(c->env, &w, acc == X86_ACCESS_WRITE);
	*gpa = w.gpa;
	return XRC_OK;
}

static u64 lin_wrap(const struct x86_cpu *cpu, u64 la)
{
	return (cpu->efer & X86_EFER_LMA) ? la : (la & 0xffffffffULL);
}

/* Overlay buffered writes of this instruction onto data just read. */
static void wlog_overlay(struct x86_ctx *c, u64 gpa, u8 *buf,
			 unsigned int len)
{
	int i;
	unsigned int k;

	for (i = 0; i < c->nw; i++) {
		struct x86_wlog *w = &c->w[i];

		for (k = 0; k < w->len; k++) {
			u64 a = w->gpa + k;

			if (a >= gpa && a < gpa + len)
				buf[a - gpa] = w->data[k];
		}
	}
}

int x86_lin_read(struct x86_ctx *c, u64 la, void *buf, unsigned int len,
		 enum x86_access acc)
{
	u8 *p = buf;

	while (len) {
		unsigned int n = 4096 - (la & 0xfff);
		u64 gpa;
		int r;

		if (n > len)
			n = len;
		r = xlate(c, la, acc, &gpa);
		if (r)
			return r;
		r = gpa_rw(c->env, gpa, p, n, acc);
		if (r)
			return mem_exit(c, la, gpa, true, acc, r);
		if (acc == X86_ACCESS_READ)
			wlog_overlay(c, gpa, p, n);
		p += n;
		len -= n;
		la = lin_wrap(c->cpu, la + n);
	}
	return XRC_OK;
}

/* Flush the buffered writes. */
void x86_commit(struct x86_ctx *c)
{
	int i;

	for (i = 0; i < c->nw; i++) {
		if (c->w[i].sink)
			c->env->write_sink(c->env->ctx, c->w[i].gpa, c->w[i].data,
					   c->w[i].len, true);
		else
			gpa_rw(c->env, c->w[i].gpa, c->w[i].data, c->w[i].len,
			       X86_ACCESS_WRITE);
	}
	c->nw = 0;
}

int x86_lin_write(struct x86_ctx *c, u64 la, const void *buf,
		  unsigned int len)
{
	const u8 *p = buf;

	while (len) {
		unsigned int n = 4096 - (la & 0xfff);
		bool sink;
		u64 gpa;
		int r;

		if (n > len)
			n = len;
		if (n > 8)
			n = 8;
		r = xlate(c, la, X86_ACCESS_WRITE, &gpa);
		if (r)
			return r;
		r = gpa_rw(c->env, gpa, NULL, n, X86_ACCESS_WRITE);
		sink = r == X86_GPA_UNMAPPED && c->env->write_sink &&
		       c->env->write_sink(c->env->ctx, gpa, p, n, false);
		if (r && !sink)
			return mem_exit(c, la, gpa, true, X86_ACCESS_WRITE, r);
		if (c->nw == X86_WLOG_MAX)
			x86_commit(c);	/* not reached: see X86_WLOG_MAX */
		c->w[c->nw].gpa = gpa;
		c->w[c->nw].len = n;
		c->w[c->nw].sink = sink;
		memcpy(c->w[c->nw].data, p, n);
		c->nw++;
		p += n;
		len -= n;
		la = lin_wrap(c->cpu, la + n);
	}
	return XRC_OK;
}

static int seg_fault(struct x86_ctx *c, int sreg)
{
	return x86_fault(c, sreg == X86_SS ? X86_SS_VEC : X86_GP, 0);
}

/*
 * Segmentation: check an access of @len bytes at @off in segment @sreg and
 * return its linear address.  @off is already truncated to the address
 * size.
 */
int x86_seg_addr(struct x86_ctx *c, int sreg, u64 off, unsigned int len,
		 enum x86_access acc, u64 *la)
{
	const struct x86_cpu *cpu = c->cpu;
	const struct x86_segment *s = &cpu->seg[sreg];
	u64 last = off + len - 1;
	u16 a = s->attributes;

	if (x86_long64(cpu)) {
		u64 l = off + ((sreg == X86_FS || sreg == X86_GS) ? s->base : 0);

		if (!x86_canonical(l) || !x86_canonical(l + len - 1))
			return seg_fault(c, sreg);
		*la = l;
		return XRC_OK;
	}
	if ((cpu->cr0 & X86_CR0_PE) && !(cpu->rflags & X86_FLAGS_VM)) {
		if (!(a & X86_SEG_P))
			return seg_fault(c, sreg);
		if (a & X86_SEG_S) {
			bool code = a & 0x8;

			if (acc == X86_ACCESS_WRITE && (code || !(a & 0x2)))
				return seg_fault(c, sreg);
			if (acc == X86_ACCESS_READ && code && !(a & 0x2) &&
			    sreg != X86_CS)
				return seg_fault(c, sreg);
			if (!code && (a & 0x4)) {
				/* expand-down */
				u64 top = (a & X86_SEG_DB) ? 0xffffffffULL :
							     0xffffULL;

				if (off <= s->limit || last > top)
					return seg_fault(c, sreg);
				goto ok;
			}
		}
	}
	if (last > s->limit || last < off)
		return seg_fault(c, sreg);
ok:
	*la = (s->base + off) & 0xffffffffULL;
	return XRC_OK;
}

int x86_vread(struct x86_ctx *c, int sreg, u64 off, unsigned int len,
	      u64 *val)
{
	u8 b[8];
	u64 la, v = 0;
	int r, i;

	r = x86_seg_addr(c, sreg, off, len, X86_ACCESS_READ, &la);
	if (r)
		return r;
	r = x86_lin_read(c, la, b, len, X86_ACCESS_READ);
	if (r)
		return r;
	for (i = len - 1; i >= 0; i--)
		v = (v << 8) | b[i];
	*val = v;
	return XRC_OK;
}

int x86_vwrite(struct x86_ctx *c, int sreg, u64 off, unsigned int len,
	       u64 val)
{
	u8 b[8];
	u64 la;
	unsigned int i;
	int r;

	r = x86_seg_addr(c, sreg, off, len, X86_ACCESS_WRITE, &la);
	if (r)
		return r;
	for (i = 0; i < len; i++)
		b[i] = (u8)(val >> (8 * i));
	return x86_lin_write(c, la, b, len);
}

/* Make sure at least @need instruction bytes are fetched. */
int x86_fetch(struct x86_ctx *c, unsigned int need)
{
	const struct x86_cpu *cpu = c->cpu;
	const struct x86_segment *cs = &cpu->seg[X86_CS];
	bool l64 = x86_long64(cpu);
	bool saved_sv = c->implicit_sv;

	if (need > X86_MAX_INSN)
		return x86_fault(c, X86_GP, 0);
	while (c->nbytes < need) {
		u64 off = c->rip0 + c->nbytes, la;
		unsigned int n;
		int r;

		if (l64) {
			la = off;
			if (!x86_canonical(la))
				return x86_fault(c, X86_GP, 0);
		} else {
			off &= c->code == 2 ? 0xffffULL : 0xffffffffULL;
			if (off > cs->limit)
				return x86_fault(c, X86_GP, 0);
			la = (cs->base + off) & 0xffffffffULL;
		}
		n = 4096 - (la & 0xfff);
		if (n > X86_MAX_INSN - (unsigned int)c->nbytes)
			n = X86_MAX_INSN - c->nbytes;
		if (!l64 && n > cs->limit - off + 1)
			n = cs->limit - off + 1;
		if (c->code == 2 && n > 0x10000 - off)
			n = 0x10000 - off;
		c->implicit_sv = false;
		r = x86_lin_read(c, la, &c->bytes[c->nbytes], n,
				 X86_ACCESS_EXECUTE);
		c->implicit_sv = saved_sv;
		if (r)
			return r;
		c->nbytes += n;
	}
	return XRC_OK;
}
