// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: HVCALL_TRANSLATE_VIRTUAL_ADDRESS -- a guest page walk with the
 * VP's CR0/CR3/CR4/EFER through the partition's GPA map.
 *
 * Modes: paging off (CR0.PG = 0, real or protected mode): GVA = GPA (low
 * 32 bits); 32-bit paging (4 KiB, and 4 MiB pages with CR4.PSE); PAE
 * (4 KiB, 2 MiB); 4-level long mode (EFER.LMA, or LME with PG) with 4 KiB,
 * 2 MiB and 1 GiB pages.  The hypercall status is SUCCESS whenever the walk
 * was done; the outcome is the result code:
 *
 *  - PAGE_NOT_PRESENT: a non-present entry, or a non-canonical GVA;
 *  - INVALID_PAGE_TABLE_FLAGS: a reserved bit set in an entry (address
 *    bits beyond the partition's physical address width, PS in a PML4E,
 *    reserved large-page bits, XD without EFER.NXE, PDPTE bits in PAE);
 *  - PRIVILEGE_VIOLATION: the access the control flags validate is not
 *    allowed by the entries (write to read-only with CR0.WP or from user,
 *    user access to a supervisor page, execute of an XD page, SMEP, SMAP);
 *  - GPA_UNMAPPED / GPA_NO_READ_ACCESS / GPA_NO_WRITE_ACCESS: a page-table
 *    page is unmapped, not readable, or not writable when accessed/dirty
 *    bits must be set; INTERCEPT: a page table in device memory.
 * The translated GPA itself is not checked against the GPA map: VMMs
 * translate the GVAs of MMIO accesses, whose GPAs are unmapped.
 *
 * The access is a user access with USER_ACCESS, or with CPL 3 (CS.DPL)
 * unless SUPERVISOR_ACCESS; PRIVILEGE_EXEMPT makes it a supervisor access
 * without CPL checks.  SET_PAGE_TABLE_BITS sets the accessed bit of every
 * entry used (and dirty in the leaf for VALIDATE_WRITE) on success.
 */
#include "hvsim.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_A		BIT_ULL(5)
#define PTE_D		BIT_ULL(6)
#define PTE_PS		BIT_ULL(7)
#define PTE_XD		BIT_ULL(63)
#define PTE_ADDR	GENMASK_ULL(51, 12)

#define CR4_PSE		BIT_ULL(4)
#define CR4_PAE		BIT_ULL(5)
#define CR4_SMEP	BIT_ULL(20)
#define CR4_SMAP	BIT_ULL(21)

#define KNOWN_FLAGS	(GENMASK_ULL(10, 0) | HV_TRANSLATE_GVA_INPUT_VTL_MASK)

struct walk {
	struct hvsim_partition *pt;
	u64 entry_gpa[4];	/* GPAs of the entries used, for A/D */
	u8 entry_size[4];
	unsigned int nr;
	u64 rsvd;		/* address bits beyond the physical width */
};

static u32 gpa_error(int err, bool write)
{
	switch (err) {
	case -ENOENT:
		return HV_TRANSLATE_GVA_GPA_UNMAPPED;
	case -EACCES:
		return write ? HV_TRANSLATE_GVA_GPA_NO_WRITE_ACCESS :
			       HV_TRANSLATE_GVA_GPA_NO_READ_ACCESS;
	}
	return HV_TRANSLATE_GVA_INTERCEPT;
}

/* Read one entry of @size bytes at @gpa; 0 or a result code. */
static u32 read_entry(struct walk *w, u64 gpa, unsigned int size, u64 *e)
{
	int err;

	*e = 0;
	err = hvsim_gpa_rw(w->pt, gpa, e, size, false);
	if (err)
		return gpa_error(err, false);
	w->entry_gpa[w->nr] = gpa;
	w->entry_size[w->nr++] = size;
	return 0;
}

static u32 set_bits(struct walk *w, bool dirty)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++) {
		u64 e = 0, bits = PTE_A;
		int err;

		if (i == w->nr - 1 && dirty)
			bits |= PTE_D;
		err = hvsim_gpa_rw(w->pt, w->entry_gpa[i], &e, w->entry_size[i], false);
		if (!err && (e & bits) != bits) {
			e |= bits;
			err = hvsim_gpa_rw(w->pt, w->entry_gpa[i], &e, w->entry_size[i], true);
		}
		if (err)
			return gpa_error(err, true);
	}
	return 0;
}

struct access {
	bool write, exec, user, wp, nxe, smep, smap;
};

/* Walk with the VP's paging mode; 0 and *gpa, or a result code. */
static u32 walk(struct hvsim_vp *vp, struct walk *w, u64 gva, const struct access *a,
		u64 *gpa)
{
	const struct x86_cpu *c = &vp->cpu;
	bool lm = (c->efer & X86_EFER_LMA) || (c->efer & X86_EFER_LME);
	bool rw = true, us = true, xd = false;
	u64 e, table, size;
	int level, levels;
	u32 r;

	if (lm) {
		/* Canonical: bits 63-47 all equal. */
		if ((s64)(gva << 16) >> 16 != (s64)gva)
			return HV_TRANSLATE_GVA_PAGE_NOT_PRESENT;
		levels = 4;
		table = c->cr3 & PTE_ADDR;
	} else if (c->cr4 & CR4_PAE) {
		gva &= 0xffffffff;
		r = read_entry(w, (c->cr3 & GENMASK_ULL(31, 5)) + ((gva >> 30) & 3) * 8, 8, &e);
		if (r)
			return r;
		w->nr--;	/* PDPTEs have no accessed bit to set by a walk */
		if (!(e & PTE_P))
			return HV_TRANSLATE_GVA_PAGE_NOT_PRESENT;
		if (e & (w->rsvd | GENMASK_ULL(8, 5) | GENMASK_ULL(2, 1) | PTE_XD))
			return HV_TRANSLATE_GVA_INVALID_PAGE_TABLE_FLAGS;
		levels = 2;
		table = e & PTE_ADDR;
	} else {
		/* 32-bit paging: 4-byte entries, 10 bits per level. */
		gva &= 0xffffffff;
		table = c->cr3 & GENMASK_ULL(31, 12);
		for (level = 1; level >= 0; level--) {
			r = read_entry(w, table + ((gva >> (12 + 10 * level)) & 0x3ff) * 4, 4, &e);
			if (r)
				return r;
			if (!(e & PTE_P))
				return HV_TRANSLATE_GVA_PAGE_NOT_PRESENT;
			rw &= !!(e & PTE_RW);
			us &= !!(e & PTE_US);
			if (level && (e & PTE_PS) && (c->cr4 & CR4_PSE)) {
				/* 4 MiB page; PSE-36 address bits 39:32 in 20:13. */
				if (e & BIT_ULL(21))
					return HV_TRANSLATE_GVA_INVALID_PAGE_TABLE_FLAGS;
				*gpa = (e & GENMASK_ULL(31, 22)) |
				       ((e & GENMASK_ULL(20, 13)) << 19) |
				       (gva & GENMASK_ULL(21, 0));
				goto check;
			}
			table = e & GENMASK_ULL(31, 12);
		}
		*gpa = table | (gva & 0xfff);
		goto check;
	}

	for (level = levels - 1; level >= 0; level--) {
		unsigned int shift = 12 + 9 * level;

		r = read_entry(w, table + ((gva >> shift) & 0x1ff) * 8, 8, &e);
		if (r)
			return r;
		if (!(e & PTE_P))
			return HV_TRANSLATE_GVA_PAGE_NOT_PRESENT;
		if ((e & w->rsvd) || ((e & PTE_XD) && !a->nxe) ||
		    (level == 3 && (e & PTE_PS)))
			return HV_TRANSLATE_GVA_INVALID_PAGE_TABLE_FLAGS;
		rw &= !!(e & PTE_RW);
		us &= !!(e & PTE_US);
		xd |= !!(e & PTE_XD);
		if (level && level < 3 && (e & PTE_PS)) {
			size = BIT_ULL(shift);
			/* Bits 12 (PAT) .. shift-1 other than PAT are reserved. */
			if (e & GENMASK_ULL(shift - 1, 13))
				return HV_TRANSLATE_GVA_INVALID_PAGE_TABLE_FLAGS;
			*gpa = (e & PTE_ADDR & ~(size - 1)) | (gva & (size - 1));
			goto check;
		}
		table = e & PTE_ADDR;
	}
	*gpa = table | (gva & 0xfff);
check:
	if (a->user && !us)
		return HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION;
	if (a->write && !rw && (a->user || a->wp))
		return HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION;
	if (a->exec && xd)
		return HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION;
	if (!a->user && us && a->exec && a->smep)
		return HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION;
	if (!a->user && us && !a->exec && a->smap)
		return HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION;
	return 0;
}

static u16 hvsim_translate_va(struct hvsim_call *c)
{
	const struct hv_input_translate_virtual_address *in = c->in;
	struct hv_output_translate_virtual_address *out = c->out;
	u64 f = in->control_flags, gva = in->gva_page << HV_HYP_PAGE_SHIFT, gpa;
	struct walk w = {};
	struct access a = {};
	struct hvsim_vp *vp;
	u16 status;
	u32 r = 0;

	status = hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (status)
		return status;
	/* Only VTL 0 exists; SUPERVISOR and USER at once make no sense. */
	if (in->reserved || (f & ~KNOWN_FLAGS) || (f & HV_TRANSLATE_GVA_INPUT_VTL_MASK) ||
	    ((f & HV_TRANSLATE_GVA_SUPERVISOR_ACCESS) && (f & HV_TRANSLATE_GVA_USER_ACCESS)))
		return HV_STATUS_INVALID_PARAMETER;

	w.pt = vp->pt;
	w.rsvd = GENMASK_ULL(51, hvsim_partition_pa_width(vp->pt));
	a.write = f & HV_TRANSLATE_GVA_VALIDATE_WRITE;
	a.exec = f & HV_TRANSLATE_GVA_VALIDATE_EXECUTE;
	if (!(f & HV_TRANSLATE_GVA_PRIVILEGE_EXEMPT))
		a.user = (f & HV_TRANSLATE_GVA_USER_ACCESS) ||
			 (!(f & HV_TRANSLATE_GVA_SUPERVISOR_ACCESS) &&
			  (vp->cpu.seg[X86_CS].attributes & X86_SEG_DPL) == X86_SEG_DPL);
	a.wp = vp->cpu.cr0 & X86_CR0_WP;
	a.nxe = vp->cpu.efer & X86_EFER_NXE;
	a.smep = vp->cpu.cr4 & CR4_SMEP;
	a.smap = (vp->cpu.cr4 & CR4_SMAP) && !(f & HV_TRANSLATE_GVA_OVERRIDE_SMAP) &&
		 ((f & HV_TRANSLATE_GVA_ENFORCE_SMAP) || !(vp->cpu.rflags & X86_FLAGS_AC));

	if (!(vp->cpu.cr0 & X86_CR0_PG)) {
		gpa = gva & 0xffffffff;
	} else {
		r = walk(vp, &w, gva, &a, &gpa);
		if (!r && (f & HV_TRANSLATE_GVA_SET_PAGE_TABLE_BITS))
			r = set_bits(&w, a.write);
	}
	out->translation_result.result_code = r;
	out->translation_result.flags = r ? 0 : HV_CACHE_TYPE_WRITE_BACK;
	out->gpa_page = r ? 0 : gpa >> HV_HYP_PAGE_SHIFT;
	return HV_STATUS_SUCCESS;
}

const struct hvsim_hcall hvsim_translate_hcalls[] = {
	{
		.code = HVCALL_TRANSLATE_VIRTUAL_ADDRESS,
		.name = "TRANSLATE_VIRTUAL_ADDRESS", .slow = true,
		.in_size = sizeof(struct hv_input_translate_virtual_address),
		.out_size = sizeof(struct hv_output_translate_virtual_address),
		.call = hvsim_translate_va,
	},
};

const unsigned int hvsim_translate_nr_hcalls = ARRAY_SIZE(hvsim_translate_hcalls);
