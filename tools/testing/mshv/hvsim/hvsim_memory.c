// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: the guest physical address space of a child partition --
 * HVCALL_MAP_GPA_PAGES, HVCALL_UNMAP_GPA_PAGES,
 * HVCALL_GET_GPA_PAGES_ACCESS_STATES, the per-page accessed/dirty state,
 * and the guest-access helpers the x86 engine and tests use.
 *
 * Representation.  pt->gpa.map is an xarray indexed by 2 MiB slot (gfn /
 * 512).  A slot holds nothing, a value entry (a 2 MiB mapping: PFN, flags
 * and one accessed and one dirty bit for all 512 pages), or a struct
 * hvsim_gpa_chunk: a table of 512 4 KiB mappings, or a 2 MiB mapping whose
 * pages' accessed/dirty bits differ.  So an 8 GiB region costs 4096 xarray
 * entries mapped with 2 MiB pages, and a 4 KiB mapping allocates a page
 * table per 512 pages, never one object per page.
 *
 * Pool cost (the hypervisor builds its page tables from the partition's
 * pool): one page per 2 MiB slot holding 4 KiB mappings (a page table) and
 * one per 1 GiB of GPA space holding any mapping (a page directory).  A
 * 2 MiB mapping costs no page of its own.  When the pool is short a MAP
 * stops with INSUFFICIENT_MEMORY, reps completed = entries mapped; unmapping
 * returns the pages.  Unmapping or remapping 4 KiB of a 2 MiB mapping splits
 * it into a page table: that costs a page too (INSUFFICIENT_MEMORY, nothing
 * changed, when short).
 *
 * Accessed/dirty state is kept whether or not GPA_PAGE_ACCESS_TRACKING is
 * enabled (the property only gates GET_GPA_PAGES_ACCESS_STATES), so pages
 * the guest wrote before tracking started read as dirty -- the safe answer
 * for a migration.  Guest accesses (hvsim_gpa_rw(), hvsim_touch_gpa()) set
 * them; accesses the root makes through its own mapping of the same pages
 * do not.
 */
#include <linux/module.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hvsim.h"

#define SLOT_SHIFT		9	/* 4 KiB pages per 2 MiB: 512 */
#define SLOT_PAGES		HV_LARGE_PAGE_HV_PAGES
#define DIR_SLOTS		512	/* 2 MiB slots per 1 GiB page directory */

/*
 * A mapping ("pte"): root PFN in bits 0-39, the HV_MAP_GPA_* flags a
 * mapping keeps shifted up by 40, and hvsim's own bits in map-flag
 * positions the TLFS leaves unused (4-14).  It fits a value entry (63 bits).
 */
#define PTE_PFN			GENMASK_ULL(39, 0)
#define PTE_FLAGS_SHIFT		40
#define PTE_FLAG(f)		((u64)(f) << PTE_FLAGS_SHIFT)
#define HVSIM_MAP_KEPT		(HV_MAP_GPA_PERMISSIONS_MASK | HV_MAP_GPA_ADJUSTABLE | \
				 HV_MAP_GPA_SPECIAL_MASK | HV_MAP_GPA_NO_OVERLAY | \
				 HV_MAP_GPA_NOT_CACHED)
#define PTE_PRESENT		PTE_FLAG(BIT(4))
#define PTE_ACCESSED		PTE_FLAG(BIT(5))	/* value entries only */
#define PTE_DIRTY		PTE_FLAG(BIT(6))	/* value entries only */
static_assert(!(HVSIM_MAP_KEPT & GENMASK(14, 4)));
static_assert(PTE_FLAG(HVSIM_MAP_KEPT) < BIT_ULL(62));

#define HVSIM_MAP_FLAGS		(HVSIM_MAP_KEPT | HV_MAP_GPA_CLEAR_ACCESSED | \
				 HV_MAP_GPA_SET_ACCESSED | HV_MAP_GPA_CLEAR_DIRTY | \
				 HV_MAP_GPA_SET_DIRTY | \
				 HV_MAP_GPA_DONT_SET_RANGE_ACCESSED | \
				 HV_MAP_GPA_LARGE_PAGE)
#define HVSIM_UNMAP_FLAGS	(HV_UNMAP_GPA_KEEP_PRECOMMITTED | HV_UNMAP_GPA_LARGE_PAGE)

#define STATE_A			HV_GPA_PAGE_ACCESS_STATE_ACCESSED
#define STATE_D			HV_GPA_PAGE_ACCESS_STATE_DIRTY

struct hvsim_gpa_chunk {
	u64 large;		/* 2 MiB pte (no A/D bits), or 0: @pte is used */
	u64 *pte;		/* 512 4 KiB ptes (one page), NULL if @large */
	unsigned int nr;	/* present entries of @pte */
	DECLARE_BITMAP(accessed, SLOT_PAGES);
	DECLARE_BITMAP(dirty, SLOT_PAGES);
};

static u64 gpte_pfn(u64 pte)
{
	return pte & PTE_PFN;
}

static u32 gpte_flags(u64 pte)
{
	return (pte >> PTE_FLAGS_SHIFT) & HVSIM_MAP_KEPT;
}

static bool gpte_special(u64 pte)
{
	return gpte_flags(pte) & HV_MAP_GPA_SPECIAL_MASK;
}

/* The 4 KiB pte of page @j of a 2 MiB pte. */
static u64 large_page_pte(u64 large, unsigned int j)
{
	large &= ~(PTE_ACCESSED | PTE_DIRTY);
	return gpte_special(large) ? large : large + j;
}

/* ------------------------------------------------------------ chunks ---- */

static struct hvsim_gpa_chunk *chunk_alloc(bool table)
{
	struct hvsim_gpa_chunk *c = kzalloc(sizeof(*c), GFP_ATOMIC | __GFP_NOWARN);

	if (c && table) {
		c->pte = (u64 *)get_zeroed_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!c->pte) {
			kfree(c);
			return NULL;
		}
	}
	return c;
}

static void chunk_free(struct hvsim_gpa_chunk *c)
{
	free_page((unsigned long)c->pte);
	kfree(c);
}

static bool slot_is_large(void *e)
{
	return xa_is_value(e) || ((struct hvsim_gpa_chunk *)e)->large;
}

/* ------------------------------------------------------ pool pages ---- */

static void gpa_take(struct hvsim_partition *pt, u64 n)
{
	WARN_ON_ONCE(!hvsim_pool_take(&pt->pool, n));
	pt->gpa.pool_pages += n;
}

static void gpa_give(struct hvsim_partition *pt, u64 n)
{
	hvsim_pool_give(&pt->pool, n);
	pt->gpa.pool_pages -= n;
}

/* No slot of the 1 GiB directory of slot @idx is in use. */
static bool dir_empty(struct hvsim_gpa_space *g, unsigned long idx)
{
	unsigned long first = idx & ~(DIR_SLOTS - 1UL);

	return !xa_find(&g->map, &first, idx | (DIR_SLOTS - 1UL), XA_PRESENT);
}

/* Account for the content of a slot that is gone, and free it. */
static void slot_drop(struct hvsim_partition *pt, void *e)
{
	struct hvsim_gpa_chunk *c = e;

	if (!e)
		return;
	if (xa_is_value(e)) {
		pt->gpa.mapped2m--;
		return;
	}
	if (c->large) {
		pt->gpa.mapped2m--;
	} else {
		pt->gpa.mapped4k -= c->nr;
		gpa_give(pt, 1);
	}
	chunk_free(c);
}

static void slot_erase(struct hvsim_partition *pt, unsigned long idx)
{
	void *e = xa_erase(&pt->gpa.map, idx);

	if (!e)
		return;
	slot_drop(pt, e);
	if (dir_empty(&pt->gpa, idx))
		gpa_give(pt, 1);
}

/*
 * Turn the 2 MiB mapping in slot @idx into a table of 512 4 KiB mappings
 * (same PFNs, flags and accessed/dirty bits).  Costs a pool page.
 */
static u16 slot_split(struct hvsim_partition *pt, unsigned long idx, void *e,
		      struct hvsim_gpa_chunk **cp)
{
	struct hvsim_gpa_chunk *c;
	unsigned int j;
	u64 large;

	if (hvsim_pool_free(&pt->pool) < 1)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	if (xa_is_value(e)) {
		c = chunk_alloc(true);
		if (!c)
			return HV_STATUS_INSUFFICIENT_MEMORY;
		large = xa_to_value(e);
		if (large & PTE_ACCESSED)
			bitmap_fill(c->accessed, SLOT_PAGES);
		if (large & PTE_DIRTY)
			bitmap_fill(c->dirty, SLOT_PAGES);
		/* Replacing a present entry allocates nothing. */
		if (xa_is_err(xa_store(&pt->gpa.map, idx, c, GFP_ATOMIC))) {
			chunk_free(c);
			return HV_STATUS_INSUFFICIENT_MEMORY;
		}
	} else {
		c = e;
		c->pte = (u64 *)get_zeroed_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!c->pte)
			return HV_STATUS_INSUFFICIENT_MEMORY;
		large = c->large;
		c->large = 0;
	}
	for (j = 0; j < SLOT_PAGES; j++)
		c->pte[j] = large_page_pte(large, j);
	c->nr = SLOT_PAGES;
	pt->gpa.mapped2m--;
	pt->gpa.mapped4k += SLOT_PAGES;
	gpa_take(pt, 1);
	*cp = c;
	return HV_STATUS_SUCCESS;
}

/* ------------------------------------------------- page lookups ---- */

static u64 gpa_pte(struct hvsim_gpa_space *g, u64 gfn)
{
	void *e = xa_load(&g->map, gfn >> SLOT_SHIFT);
	unsigned int j = gfn & (SLOT_PAGES - 1);
	struct hvsim_gpa_chunk *c = e;

	if (!e)
		return 0;
	if (xa_is_value(e))
		return large_page_pte(xa_to_value(e), j);
	return c->large ? large_page_pte(c->large, j) : c->pte[j];
}

/* Accessed/dirty state (STATE_A | STATE_D) of a page; 0 when unmapped. */
static u8 gpa_state(struct hvsim_gpa_space *g, u64 gfn)
{
	void *e = xa_load(&g->map, gfn >> SLOT_SHIFT);
	unsigned int j = gfn & (SLOT_PAGES - 1);
	struct hvsim_gpa_chunk *c = e;
	u64 v;

	if (!e)
		return 0;
	if (xa_is_value(e)) {
		v = xa_to_value(e);
		return (v & PTE_ACCESSED ? STATE_A : 0) | (v & PTE_DIRTY ? STATE_D : 0);
	}
	if (!c->large && !(c->pte[j] & PTE_PRESENT))
		return 0;
	return (test_bit(j, c->accessed) ? STATE_A : 0) |
	       (test_bit(j, c->dirty) ? STATE_D : 0);
}

/*
 * Set and clear accessed/dirty bits of a mapped page (unmapped: nothing).
 * A 2 MiB value entry becomes a chunk when one of its pages changes alone.
 */
static int gpa_mark(struct hvsim_gpa_space *g, u64 gfn, u8 set, u8 clear)
{
	unsigned long idx = gfn >> SLOT_SHIFT;
	unsigned int j = gfn & (SLOT_PAGES - 1);
	void *e = xa_load(&g->map, idx);
	struct hvsim_gpa_chunk *c = e;
	u8 old;

	if (!e)
		return 0;
	if (xa_is_value(e)) {
		u64 v = xa_to_value(e);

		old = gpa_state(g, gfn);
		if (((old & ~clear) | set) == old)
			return 0;
		c = chunk_alloc(false);
		if (!c)
			return -ENOMEM;
		c->large = v & ~(PTE_ACCESSED | PTE_DIRTY);
		if (v & PTE_ACCESSED)
			bitmap_fill(c->accessed, SLOT_PAGES);
		if (v & PTE_DIRTY)
			bitmap_fill(c->dirty, SLOT_PAGES);
		if (xa_is_err(xa_store(&g->map, idx, c, GFP_ATOMIC))) {
			chunk_free(c);
			return -ENOMEM;
		}
	}
	if (!c->large && !(c->pte[j] & PTE_PRESENT))
		return 0;
	if (clear & STATE_A)
		__clear_bit(j, c->accessed);
	if (clear & STATE_D)
		__clear_bit(j, c->dirty);
	if (set & STATE_A)
		__set_bit(j, c->accessed);
	if (set & STATE_D)
		__set_bit(j, c->dirty);
	return 0;
}

/* May the guest read (or write) through this pte?  0, -ENOENT, -EACCES. */
static int gpte_allows(u64 pte, bool write)
{
	u32 f = gpte_flags(pte);

	if (!(pte & PTE_PRESENT))
		return -ENOENT;
	switch (f & HV_MAP_GPA_SPECIAL_MASK) {
	case HV_MAP_GPA_NO_ACCESS:
		return -EACCES;
	case HV_MAP_GPA_ZEROED:
	case HV_MAP_GPA_ONES:
		return write ? -EACCES : 0;
	}
	return f & (write ? HV_MAP_GPA_WRITABLE : HV_MAP_GPA_READABLE) ? 0 : -EACCES;
}

/* Guest page numbers end at the partition's physical address width. */
static bool gfn_range_ok(const struct hvsim_partition *pt, u64 gfn, u64 count)
{
	u64 limit = 1ULL << (pt->props.physical_address_width - HV_HYP_PAGE_SHIFT);

	return gfn <= limit && count <= limit - gfn;
}

/* --------------------------------------------------------- sources ---- */

/*
 * Source pages of a RAM mapping must be allocated RAM of the root that is
 * not in a hypervisor pool (ACCESS_DENIED otherwise); a NOT_CACHED mapping
 * is device memory: any page that is not RAM, and RAM is refused
 * (INVALID_PARAMETER).  hvsim sees host physical pages, like the
 * hypervisor: it does not care which folio or VMA they belong to.
 */
static u16 check_source(u64 pfn, u64 n, bool device)
{
	u64 p;

	if (pfn > PTE_PFN || PTE_PFN - pfn < n - 1)
		return HV_STATUS_INVALID_PARAMETER;
	if (device) {
		for (p = pfn; p < pfn + n; p++)
			if (pfn_valid(p))
				return HV_STATUS_INVALID_PARAMETER;
		return HV_STATUS_SUCCESS;
	}
	for (p = pfn; p < pfn + n; ) {
		struct folio *folio;

		if (!pfn_valid(p))
			return HV_STATUS_ACCESS_DENIED;
		folio = page_folio(pfn_to_page(p));
		if (!folio_ref_count(folio))
			return HV_STATUS_ACCESS_DENIED;
		p = folio_pfn(folio) + folio_nr_pages(folio);
	}
	if (hvsim_pfn_range_deposited(pfn, n))
		return HV_STATUS_ACCESS_DENIED;
	return HV_STATUS_SUCCESS;
}

/* ------------------------------------------------------------- MAP ---- */

/* The child a memory call names: Initialized, never the root. */
static u16 gpa_target(u64 id, struct hvsim_partition **ptp)
{
	struct hvsim_partition *pt;

	/* The root's GPA space is the identity map: not the root's to change. */
	if (id == HV_PARTITION_ID_SELF)
		return HV_STATUS_ACCESS_DENIED;
	pt = hvsim_partition_get(id);
	if (!pt)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (pt->state != HVSIM_PT_INITIALIZED)
		return HV_STATUS_INVALID_PARTITION_STATE;
	*ptp = pt;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_map_check(struct hvsim_call *c)
{
	const struct hv_input_map_gpa_pages *in = c->in;
	u32 flags = in->map_flags;
	bool large = flags & HV_MAP_GPA_LARGE_PAGE;
	struct hvsim_partition *pt;
	u16 status;

	status = gpa_target(in->target_partition_id, &pt);
	if (status)
		return status;
	if (in->padding || (flags & ~HVSIM_MAP_FLAGS) ||
	    ((flags & HV_MAP_GPA_CLEAR_ACCESSED) && (flags & HV_MAP_GPA_SET_ACCESSED)) ||
	    ((flags & HV_MAP_GPA_CLEAR_DIRTY) && (flags & HV_MAP_GPA_SET_DIRTY)))
		return HV_STATUS_INVALID_PARAMETER;
	if (large && !IS_ALIGNED(in->target_gpa_base, SLOT_PAGES))
		return HV_STATUS_INVALID_PARAMETER;
	if (!gfn_range_ok(pt, in->target_gpa_base,
			  (u64)c->rep_count * (large ? SLOT_PAGES : 1)))
		return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

static u16 map_large(struct hvsim_partition *pt, unsigned long idx, u64 pte)
{
	struct hvsim_gpa_space *g = &pt->gpa;
	void *e = xa_load(&g->map, idx);
	u64 need = !e && dir_empty(g, idx);
	void *old;

	if (hvsim_pool_free(&pt->pool) < need)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	old = xa_store(&g->map, idx, xa_mk_value(pte), GFP_ATOMIC | __GFP_NOWARN);
	if (xa_is_err(old))
		return HV_STATUS_INSUFFICIENT_MEMORY;
	gpa_take(pt, need);
	slot_drop(pt, old);
	g->mapped2m++;
	return HV_STATUS_SUCCESS;
}

static u16 map_4k(struct hvsim_partition *pt, u64 gfn, u64 pte, u8 state)
{
	struct hvsim_gpa_space *g = &pt->gpa;
	unsigned long idx = gfn >> SLOT_SHIFT;
	unsigned int j = gfn & (SLOT_PAGES - 1);
	void *e = xa_load(&g->map, idx);
	struct hvsim_gpa_chunk *c = e;
	u16 status;

	if (!e) {
		u64 need = 1 + dir_empty(g, idx);

		if (hvsim_pool_free(&pt->pool) < need)
			return HV_STATUS_INSUFFICIENT_MEMORY;
		c = chunk_alloc(true);
		if (!c)
			return HV_STATUS_INSUFFICIENT_MEMORY;
		if (xa_is_err(xa_store(&g->map, idx, c, GFP_ATOMIC | __GFP_NOWARN))) {
			chunk_free(c);
			return HV_STATUS_INSUFFICIENT_MEMORY;
		}
		gpa_take(pt, need);
	} else if (slot_is_large(e)) {
		status = slot_split(pt, idx, e, &c);
		if (status)
			return status;
	}
	if (!(c->pte[j] & PTE_PRESENT)) {
		c->nr++;
		g->mapped4k++;
	}
	c->pte[j] = pte;
	__assign_bit(j, c->accessed, state & STATE_A);
	__assign_bit(j, c->dirty, state & STATE_D);
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_map_rep(struct hvsim_call *c, u16 i)
{
	const struct hv_input_map_gpa_pages *in = c->in;
	struct hvsim_partition *pt = hvsim_partition_get(in->target_partition_id);
	u32 flags = in->map_flags;
	bool large = flags & HV_MAP_GPA_LARGE_PAGE;
	u64 pfn = 0, pte;
	u8 state = 0;
	u16 status;

	/* Special encodings ignore the source list (Linux passes zeros). */
	if (!(flags & HV_MAP_GPA_SPECIAL_MASK)) {
		pfn = in->source_gpa_page_list[i];
		if (large && !IS_ALIGNED(pfn, SLOT_PAGES))
			return HV_STATUS_INVALID_PARAMETER;
		status = check_source(pfn, large ? SLOT_PAGES : 1,
				      flags & HV_MAP_GPA_NOT_CACHED);
		if (status)
			return status;
	}
	/*
	 * A new mapping starts accessed unless told otherwise (that is what
	 * DONT_SET_RANGE_ACCESSED exists for), and clean unless SET_DIRTY.
	 */
	if ((!(flags & (HV_MAP_GPA_DONT_SET_RANGE_ACCESSED |
			HV_MAP_GPA_CLEAR_ACCESSED))) ||
	    (flags & HV_MAP_GPA_SET_ACCESSED))
		state |= STATE_A;
	if (flags & HV_MAP_GPA_SET_DIRTY)
		state |= STATE_D;
	pte = pfn | PTE_FLAG(flags & HVSIM_MAP_KEPT) | PTE_PRESENT;
	if (large)
		return map_large(pt, (in->target_gpa_base >> SLOT_SHIFT) + i,
				 pte | (state & STATE_A ? PTE_ACCESSED : 0) |
				 (state & STATE_D ? PTE_DIRTY : 0));
	return map_4k(pt, in->target_gpa_base + i, pte, state);
}

/* ----------------------------------------------------------- UNMAP ---- */

static u16 hvsim_unmap_check(struct hvsim_call *c)
{
	const struct hv_input_unmap_gpa_pages *in = c->in;
	bool large = in->unmap_flags & HV_UNMAP_GPA_LARGE_PAGE;
	struct hvsim_partition *pt;
	u16 status;

	status = gpa_target(in->target_partition_id, &pt);
	if (status)
		return status;
	if (in->padding || (in->unmap_flags & ~HVSIM_UNMAP_FLAGS))
		return HV_STATUS_INVALID_PARAMETER;
	if (large && !IS_ALIGNED(in->target_gpa_base, SLOT_PAGES))
		return HV_STATUS_INVALID_PARAMETER;
	if (!gfn_range_ok(pt, in->target_gpa_base,
			  (u64)c->rep_count * (large ? SLOT_PAGES : 1)))
		return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_unmap_rep(struct hvsim_call *c, u16 i)
{
	const struct hv_input_unmap_gpa_pages *in = c->in;
	struct hvsim_partition *pt = hvsim_partition_get(in->target_partition_id);
	u64 gfn = in->target_gpa_base + i;
	unsigned long idx = gfn >> SLOT_SHIFT;
	unsigned int j = gfn & (SLOT_PAGES - 1);
	struct hvsim_gpa_chunk *chunk;
	void *e;
	u16 status;

	if (in->unmap_flags & HV_UNMAP_GPA_LARGE_PAGE) {
		slot_erase(pt, (in->target_gpa_base >> SLOT_SHIFT) + i);
		return HV_STATUS_SUCCESS;
	}
	e = xa_load(&pt->gpa.map, idx);
	if (!e)
		return HV_STATUS_SUCCESS;
	chunk = e;
	if (slot_is_large(e)) {
		/*
		 * The call unmaps the whole 2 MiB page (its first 4 KiB page
		 * and 511 more reps to go): no need to split it.
		 */
		if (!j && c->rep_count - i >= SLOT_PAGES) {
			slot_erase(pt, idx);
			return HV_STATUS_SUCCESS;
		}
		status = slot_split(pt, idx, e, &chunk);
		if (status)
			return status;
	}
	if (!(chunk->pte[j] & PTE_PRESENT))
		return HV_STATUS_SUCCESS;
	chunk->pte[j] = 0;
	chunk->nr--;
	pt->gpa.mapped4k--;
	__clear_bit(j, chunk->accessed);
	__clear_bit(j, chunk->dirty);
	if (!chunk->nr)
		slot_erase(pt, idx);
	return HV_STATUS_SUCCESS;
}

/* ---------------------------------------------- access states ---- */

static u16 hvsim_access_states_check(struct hvsim_call *c)
{
	const struct hv_input_get_gpa_pages_access_states *in = c->in;
	u64 f = in->flags;
	struct hvsim_partition *pt;
	u16 status;

	status = gpa_target(in->partition_id, &pt);
	if (status)
		return status;
	if ((f & HV_GPA_PAGE_ACCESS_RSVD_MASK) ||
	    ((f & HV_GPA_PAGE_ACCESS_CLEAR_ACCESSED) &&
	     (f & HV_GPA_PAGE_ACCESS_SET_ACCESSED)) ||
	    ((f & HV_GPA_PAGE_ACCESS_CLEAR_DIRTY) && (f & HV_GPA_PAGE_ACCESS_SET_DIRTY)))
		return HV_STATUS_INVALID_PARAMETER;
	if (!gfn_range_ok(pt, in->hv_gpa_page_number, c->rep_count))
		return HV_STATUS_INVALID_PARAMETER;
	/* No accessed/dirty reporting unless the VMM enabled tracking. */
	if (!pt->props.gpa_access_tracking)
		return HV_STATUS_INVALID_PARTITION_STATE;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_access_states_rep(struct hvsim_call *c, u16 i)
{
	const struct hv_input_get_gpa_pages_access_states *in = c->in;
	struct hv_output_get_gpa_pages_access_states *out = c->out;
	struct hvsim_partition *pt = hvsim_partition_get(in->partition_id);
	u64 gfn = in->hv_gpa_page_number + i, f = in->flags;
	u8 set = 0, clear = 0;

	if (f & HV_GPA_PAGE_ACCESS_CLEAR_ACCESSED)
		clear |= STATE_A;
	if (f & HV_GPA_PAGE_ACCESS_CLEAR_DIRTY)
		clear |= STATE_D;
	if (f & HV_GPA_PAGE_ACCESS_SET_ACCESSED)
		set |= STATE_A;
	if (f & HV_GPA_PAGE_ACCESS_SET_DIRTY)
		set |= STATE_D;
	/* The state before the flags apply. */
	out->states[i] = gpa_state(&pt->gpa, gfn);
	if ((set || clear) && gpa_mark(&pt->gpa, gfn, set, clear))
		return HV_STATUS_INSUFFICIENT_MEMORY;
	return HV_STATUS_SUCCESS;
}

/* ---------------------------------------------------- guest access ---- */

/**
 * hvsim_gpa_translate() - the mapping of one 4 KiB guest page
 * @pt: the partition (hvsim.lock held)
 * @gfn: guest page number
 * @pfn: root PFN (0 for the special encodings)
 * @flags: HV_MAP_GPA_* flags of the mapping (permissions, special
 *	encoding, NOT_CACHED, ADJUSTABLE, NO_OVERLAY)
 *
 * Return: 0, or -ENOENT when @gfn is not mapped.
 */
int hvsim_gpa_translate(struct hvsim_partition *pt, u64 gfn, u64 *pfn, u32 *flags)
{
	u64 pte;

	lockdep_assert_held(&hvsim.lock);
	pte = gpa_pte(&pt->gpa, gfn);
	if (!(pte & PTE_PRESENT))
		return -ENOENT;
	*pfn = gpte_pfn(pte);
	*flags = gpte_flags(pte);
	return 0;
}

/* Device memory (NOT_CACHED) has no page behind it that hvsim could use. */
static int gpte_usable(u64 pte, bool write)
{
	int ret = gpte_allows(pte, write);

	if (ret)
		return ret;
	if (!gpte_special(pte) &&
	    ((gpte_flags(pte) & HV_MAP_GPA_NOT_CACHED) || !pfn_valid(gpte_pfn(pte))))
		return -EIO;
	return 0;
}

/**
 * hvsim_gpa_rw() - read or write guest memory as the guest would
 * @pt: the partition (hvsim.lock held)
 * @gpa: guest physical address
 * @buf: data to write or buffer to read into; NULL only checks the access
 * @len: bytes (may cross pages)
 * @write: write rather than read
 *
 * Honours the GPA map: every page must be mapped with the permission the
 * access needs (zero and ones pages read as such and refuse writes).  On
 * success every page is marked accessed, and dirty for a write; on failure
 * nothing is accessed or marked.
 *
 * Return: 0; -ENOENT a page is unmapped (UNMAPPED_GPA for the guest);
 * -EACCES the mapping forbids the access (GPA_INTERCEPT); -EIO the page is
 * device memory hvsim cannot access; -EINVAL a range that wraps; -ENOMEM.
 */
int hvsim_gpa_rw(struct hvsim_partition *pt, u64 gpa, void *buf, size_t len,
		 bool write)
{
	struct hvsim_gpa_space *g = &pt->gpa;
	u64 gfn, first, last;
	u8 *p = buf;
	int ret;

	lockdep_assert_held(&hvsim.lock);
	if (!len)
		return 0;
	if (gpa + len - 1 < gpa)
		return -EINVAL;
	first = gpa >> HV_HYP_PAGE_SHIFT;
	last = (gpa + len - 1) >> HV_HYP_PAGE_SHIFT;
	for (gfn = first; gfn <= last; gfn++) {
		ret = gpte_usable(gpa_pte(g, gfn), write);
		if (ret)
			return ret;
	}
	if (!buf)
		return 0;
	for (gfn = first; gfn <= last; gfn++) {
		ret = gpa_mark(g, gfn, STATE_A | (write ? STATE_D : 0), 0);
		if (ret)
			return ret;
	}
	while (len) {
		unsigned int off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, HV_HYP_PAGE_SIZE - off);
		u64 pte = gpa_pte(g, gpa >> HV_HYP_PAGE_SHIFT);
		u8 *va;

		switch (gpte_flags(pte) & HV_MAP_GPA_SPECIAL_MASK) {
		case HV_MAP_GPA_ZEROED:
			memset(p, 0, n);
			break;
		case HV_MAP_GPA_ONES:
			memset(p, 0xff, n);
			break;
		default:
			va = kmap_local_page(pfn_to_page(gpte_pfn(pte)));
			if (write)
				memcpy(va + off, p, n);
			else
				memcpy(p, va + off, n);
			kunmap_local(va);
		}
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

/**
 * hvsim_touch_gpa() - access guest pages as the guest would, for tests
 * @partition_id: the partition
 * @gfn: first guest page
 * @count: pages
 * @write: write access (marks dirty too) rather than read
 *
 * Marks every page accessed (and dirty for writes), exactly as a guest
 * access through hvsim_gpa_rw() would, without changing their content.
 * All or nothing: nothing is marked if one page cannot be accessed.
 *
 * Return: 0; -ESRCH no such partition; -EINVAL empty or wrapping range;
 * -ENOENT a page is unmapped; -EACCES a mapping forbids the access (or is
 * device memory); -ENOMEM.
 */
int hvsim_touch_gpa(u64 partition_id, u64 gfn, u64 count, bool write)
{
	struct hvsim_partition *pt;
	unsigned long flags;
	int ret = 0;
	u64 i;

	if (!count || gfn + count - 1 < gfn)
		return -EINVAL;
	spin_lock_irqsave(&hvsim.lock, flags);
	pt = hvsim_partition_get(partition_id);
	if (!pt) {
		ret = -ESRCH;
		goto out;
	}
	for (i = 0; i < count && !ret; i++)
		ret = gpte_usable(gpa_pte(&pt->gpa, gfn + i), write);
	if (ret == -EIO)
		ret = -EACCES;
	for (i = 0; i < count && !ret; i++)
		ret = gpa_mark(&pt->gpa, gfn + i, STATE_A | (write ? STATE_D : 0), 0);
out:
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_touch_gpa);

/**
 * hvsim_gpa_lookup() - the mapping of one 4 KiB guest page, for tests
 * @partition_id: the partition
 * @gfn: guest page number
 * @pfn: root PFN backing it (the page inside a 2 MiB mapping)
 * @flags: HV_MAP_GPA_* flags the mapping keeps
 *
 * Return: 0, or -ENOENT when the partition or the mapping does not exist.
 */
int hvsim_gpa_lookup(u64 partition_id, u64 gfn, u64 *pfn, u32 *flags)
{
	struct hvsim_partition *pt;
	unsigned long irqflags;
	int ret = -ENOENT;

	spin_lock_irqsave(&hvsim.lock, irqflags);
	pt = hvsim_partition_get(partition_id);
	if (pt)
		ret = hvsim_gpa_translate(pt, gfn, pfn, flags);
	spin_unlock_irqrestore(&hvsim.lock, irqflags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_gpa_lookup);

static u64 gpa_counter(u64 partition_id, size_t offset)
{
	struct hvsim_partition *pt;
	unsigned long flags;
	u64 n = 0;

	spin_lock_irqsave(&hvsim.lock, flags);
	pt = hvsim_partition_get(partition_id);
	if (pt)
		n = *(u64 *)((u8 *)&pt->gpa + offset);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return n;
}

/**
 * hvsim_mapped_pages() - mapping entries of a partition, for tests
 * @partition_id: the partition
 * @large: count 2 MiB mappings rather than 4 KiB ones
 *
 * Return: the number of entries (0 for an unknown partition).
 */
u64 hvsim_mapped_pages(u64 partition_id, bool large)
{
	return gpa_counter(partition_id, large ?
			   offsetof(struct hvsim_gpa_space, mapped2m) :
			   offsetof(struct hvsim_gpa_space, mapped4k));
}
EXPORT_SYMBOL_GPL(hvsim_mapped_pages);

/**
 * hvsim_gpa_pool_pages() - pool pages a partition's GPA map uses
 * @partition_id: the partition
 *
 * Return: page-table pages taken from the partition's pool.
 */
u64 hvsim_gpa_pool_pages(u64 partition_id)
{
	return gpa_counter(partition_id, offsetof(struct hvsim_gpa_space, pool_pages));
}
EXPORT_SYMBOL_GPL(hvsim_gpa_pool_pages);

/* ------------------------------------------------------- lifecycle ---- */

void hvsim_gpa_init(struct hvsim_partition *pt)
{
	xa_init(&pt->gpa.map);
	pt->gpa.mapped4k = 0;
	pt->gpa.mapped2m = 0;
	pt->gpa.pool_pages = 0;
}

/* Remove every mapping (FINALIZE, DELETE) and give the pool pages back. */
void hvsim_gpa_destroy(struct hvsim_partition *pt)
{
	unsigned long idx;
	void *e;

	xa_for_each(&pt->gpa.map, idx, e)
		if (!xa_is_value(e))
			chunk_free(e);
	xa_destroy(&pt->gpa.map);
	hvsim_pool_give(&pt->pool, pt->gpa.pool_pages);
	hvsim_gpa_init(pt);
}

/* --------------------------------------------------------- debugfs ---- */

/* A run of mappings with consecutive guest and root pages. */
struct gpa_run {
	u64 partition;
	u64 gfn;
	u64 pages;
	u64 pfn;
	u32 flags;
	bool large;
};

static void run_flush(struct seq_file *m, struct gpa_run *r)
{
	if (r->pages)
		seq_printf(m, "%#llx %#llx %llu %#llx %#x %s\n", r->partition,
			   r->gfn, r->pages, r->pfn, r->flags, r->large ? "2m" : "4k");
	r->pages = 0;
}

static void run_add(struct seq_file *m, struct gpa_run *r, u64 partition,
		    u64 gfn, u64 pages, u64 pte, bool large)
{
	u64 pfn = gpte_pfn(pte);
	u32 flags = gpte_flags(pte);

	if (r->pages && r->partition == partition && r->large == large &&
	    r->flags == flags && r->gfn + r->pages == gfn &&
	    ((flags & HV_MAP_GPA_SPECIAL_MASK) || r->pfn + r->pages == pfn)) {
		r->pages += pages;
		return;
	}
	run_flush(m, r);
	*r = (struct gpa_run) { partition, gfn, pages, pfn, flags, large };
}

static int hvsim_gpa_map_show(struct seq_file *m, void *unused)
{
	struct hvsim_partition *pt;
	struct gpa_run run = {};
	unsigned long flags, idx;
	unsigned int j;
	void *e;

	seq_puts(m, "# partition gfn pages pfn flags size\n");
	spin_lock_irqsave(&hvsim.lock, flags);
	list_for_each_entry(pt, &hvsim.partitions, node) {
		xa_for_each(&pt->gpa.map, idx, e) {
			struct hvsim_gpa_chunk *c = e;
			u64 gfn = (u64)idx << SLOT_SHIFT;

			if (xa_is_value(e) || c->large) {
				u64 v = xa_is_value(e) ? xa_to_value(e) : c->large;

				run_add(m, &run, pt->id, gfn, SLOT_PAGES, v, true);
				continue;
			}
			for (j = 0; j < SLOT_PAGES; j++)
				if (c->pte[j] & PTE_PRESENT)
					run_add(m, &run, pt->id, gfn + j, 1,
						c->pte[j], false);
		}
	}
	run_flush(m, &run);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_gpa_map);

/* "partition=<id> gfn=<n> count=<n> [write=<0|1>]" */
static ssize_t hvsim_touch_write(struct file *f, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	static const char * const keys[] = { "partition", "gfn", "count", "write" };
	u64 v[ARRAY_SIZE(keys)] = {};
	unsigned int seen = 0, k;
	char buf[160], *p, *tok;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	while ((tok = strsep(&p, " \t")) != NULL) {
		char *val;

		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(tok, keys[k]))
				break;
		if (k == ARRAY_SIZE(keys))
			return -EINVAL;
		ret = kstrtou64(val, 0, &v[k]);
		if (ret)
			return ret;
		seen |= BIT(k);
	}
	/* partition, gfn and count are required; write is 0 or 1. */
	if ((seen & 7) != 7 || v[3] > 1)
		return -EINVAL;
	ret = hvsim_touch_gpa(v[0], v[1], v[2], v[3]);
	return ret ?: len;
}

static const struct file_operations hvsim_touch_fops = {
	.owner = THIS_MODULE,
	.write = hvsim_touch_write,
};

void hvsim_memory_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("gpa_map", 0444, dir, NULL, &hvsim_gpa_map_fops);
	debugfs_create_file("touch", 0200, dir, NULL, &hvsim_touch_fops);
}

const struct hvsim_hcall hvsim_memory_hcalls[] = {
	{
		.code = HVCALL_MAP_GPA_PAGES, .name = "MAP_GPA_PAGES",
		.is_rep = true, .slow = true,
		.in_size = sizeof(struct hv_input_map_gpa_pages),
		.rep_in_size = sizeof(u64),
		.call = hvsim_map_check, .rep = hvsim_map_rep,
	}, {
		.code = HVCALL_UNMAP_GPA_PAGES, .name = "UNMAP_GPA_PAGES",
		.is_rep = true, .slow = true,
		.in_size = sizeof(struct hv_input_unmap_gpa_pages),
		.call = hvsim_unmap_check, .rep = hvsim_unmap_rep,
	}, {
		.code = HVCALL_GET_GPA_PAGES_ACCESS_STATES,
		.name = "GET_GPA_PAGES_ACCESS_STATES",
		.is_rep = true, .slow = true,
		.in_size = sizeof(struct hv_input_get_gpa_pages_access_states),
		.rep_out_size = sizeof(u8),
		.call = hvsim_access_states_check, .rep = hvsim_access_states_rep,
	},
};

const unsigned int hvsim_memory_nr_hcalls = ARRAY_SIZE(hvsim_memory_hcalls);
