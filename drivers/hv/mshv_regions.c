// SPDX-License-Identifier: GPL-2.0-only
/*
 * mshv_root: guest memory regions (MSHV_SET_GUEST_MEMORY).
 *
 * A region maps a range of the VMM's address space into the guest's
 * physical address space.  RAM regions are pinned for their lifetime
 * (long-term pins, so the hypervisor can use the pages while Linux cannot
 * move them) and mapped with HVCALL_MAP_GPA_PAGES; device regions (a VFIO
 * BAR mapped VM_IO | VM_PFNMAP) are mapped uncached without pinning.
 *
 * Every 2 MiB-aligned stretch of guest memory backed by 2 MiB of one large
 * folio (hugetlbfs or THP) at a 2 MiB-aligned PFN is mapped as one large
 * page; everything else with 4 KiB pages, and both kinds mix freely in one
 * region.  The region remembers one 8-byte entry per mapping unit -- a PFN,
 * flagged when it heads a 2 MiB page -- so huge-page-backed memory costs
 * 8 bytes of metadata per 2 MiB, not per 4 KiB.
 *
 * Regions are kept in two interval trees, by guest page and by user
 * address, so that a new region is checked against every existing one for
 * overlap in either space in O(log n), including one that would contain an
 * existing region entirely.  The partition's ioctl mutex serializes all of
 * it.
 */
#include <linux/interval_tree_generic.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mshv_root.h"

#define MSHV_LARGE_PAGES	MSHV_LARGE_PAGE_PAGES
#define MSHV_LARGE_ORDER	ilog2(MSHV_LARGE_PAGES)

#define MSHV_ENTRY_PFN(e)	((e) & ~MSHV_ENTRY_LARGE)

/*
 * pin_user_pages() batch: one page of page pointers, which is also one
 * 2 MiB guest chunk (batches end on 2 MiB guest boundaries, so a chunk is
 * never split between two batches).
 */
#define MSHV_PIN_BATCH		MSHV_LARGE_PAGES

#define MSHV_RANGE_START(n)	((n)->start)
#define MSHV_RANGE_LAST(n)	((n)->last)

INTERVAL_TREE_DEFINE(struct mshv_range, rb, u64, subtree_last,
		     MSHV_RANGE_START, MSHV_RANGE_LAST, static, mshv_range);

/**
 * mshv_region_overlaps() - would a new region overlap an existing one?
 * @pt: the partition
 * @gfn: first guest page of the new region
 * @nr_pages: its size in 4 KiB pages
 * @uaddr: its first user address
 *
 * Any intersection counts, in guest or user address space, including a new
 * region containing an existing one.  O(log n) per tree.
 *
 * Return: true if it would overlap.
 */
VISIBLE_IF_KUNIT bool mshv_region_overlaps(struct mshv_partition *pt, u64 gfn,
					   u64 nr_pages, u64 uaddr)
{
	return mshv_range_iter_first(&pt->gfn_tree, gfn, gfn + nr_pages - 1) ||
	       mshv_range_iter_first(&pt->uva_tree, uaddr,
				     uaddr + nr_pages * HV_HYP_PAGE_SIZE - 1);
}
EXPORT_SYMBOL_IF_KUNIT(mshv_region_overlaps);

/**
 * mshv_region_link() - enter a region in the partition's trees
 * @pt: the partition
 * @r: the region, with its ranges set
 */
VISIBLE_IF_KUNIT void mshv_region_link(struct mshv_partition *pt,
				       struct mshv_mem_region *r)
{
	mshv_range_insert(&r->gfn, &pt->gfn_tree);
	mshv_range_insert(&r->uva, &pt->uva_tree);
	pt->nr_regions++;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_region_link);

/**
 * mshv_region_unlink() - remove a region from the partition's trees
 * @pt: the partition
 * @r: the region
 */
VISIBLE_IF_KUNIT void mshv_region_unlink(struct mshv_partition *pt,
					 struct mshv_mem_region *r)
{
	mshv_range_remove(&r->gfn, &pt->gfn_tree);
	mshv_range_remove(&r->uva, &pt->uva_tree);
	pt->nr_regions--;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_region_unlink);

/**
 * mshv_region_size() - bytes of driver metadata a region uses
 * @r: the region
 *
 * Return: the size of the structure plus its entry array.
 */
size_t mshv_region_size(const struct mshv_mem_region *r)
{
	return sizeof(*r) + r->nr_entries * sizeof(r->entries[0]);
}
EXPORT_SYMBOL_IF_KUNIT(mshv_region_size);

/*
 * Are these MSHV_LARGE_PAGES pinned pages one 2 MiB-aligned piece of a
 * folio of at least 2 MiB?  Then the hypervisor can map them as one large
 * page (it needs the host range 2 MiB aligned and contiguous).
 */
static bool mshv_pages_are_large(struct page **pages)
{
	struct folio *folio = page_folio(pages[0]);
	unsigned long pfn = page_to_pfn(pages[0]);
	unsigned int i;

	if (!IS_ALIGNED(pfn, MSHV_LARGE_PAGES) ||
	    folio_order(folio) < MSHV_LARGE_ORDER)
		return false;
	for (i = 1; i < MSHV_LARGE_PAGES; i++)
		if (page_to_pfn(pages[i]) != pfn + i)
			return false;
	return page_folio(pages[MSHV_LARGE_PAGES - 1]) == folio;
}

/**
 * mshv_region_add_pages() - record pinned pages as mapping entries
 * @r: region being built
 * @gfn: guest page of @pages[0]
 * @pages: pinned pages
 * @n: number of pages, never crossing a 2 MiB guest boundary
 *
 * A whole 2 MiB-aligned guest chunk backed by a large folio becomes one
 * large entry; anything else one entry per 4 KiB page.
 */
void mshv_region_add_pages(struct mshv_mem_region *r, u64 gfn,
			   struct page **pages, unsigned int n)
{
	unsigned int i;

	if (n == MSHV_LARGE_PAGES && IS_ALIGNED(gfn, MSHV_LARGE_PAGES) &&
	    mshv_pages_are_large(pages)) {
		r->entries[r->nr_entries++] = page_to_pfn(pages[0]) | MSHV_ENTRY_LARGE;
		r->nr_large++;
		return;
	}
	for (i = 0; i < n; i++)
		r->entries[r->nr_entries++] = page_to_pfn(pages[i]);
}
EXPORT_SYMBOL_IF_KUNIT(mshv_region_add_pages);

static unsigned int mshv_entry_pages(u64 entry)
{
	return entry & MSHV_ENTRY_LARGE ? MSHV_LARGE_PAGES : 1;
}

static void mshv_region_unpin(struct mshv_mem_region *r)
{
	bool dirty = r->hv_flags & HV_MAP_GPA_WRITABLE;
	u64 i;

	for (i = 0; i < r->nr_entries; i++) {
		unpin_user_page_range_dirty_lock(pfn_to_page(MSHV_ENTRY_PFN(r->entries[i])),
						 mshv_entry_pages(r->entries[i]), dirty);
		if (!(i % MSHV_PIN_BATCH))
			cond_resched();
	}
	r->nr_entries = 0;
}

static int mshv_region_pin(struct mshv_mem_region *r)
{
	unsigned int gup_flags = FOLL_LONGTERM;
	u64 done = 0, gfn;
	struct page **pages;
	unsigned int n;
	int got, ret = 0;

	if (r->hv_flags & HV_MAP_GPA_WRITABLE)
		gup_flags |= FOLL_WRITE;
	pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	while (done < r->nr_pages) {
		gfn = r->gfn.start + done;
		n = min_t(u64, r->nr_pages - done,
			  MSHV_LARGE_PAGES - (gfn & (MSHV_LARGE_PAGES - 1)));
		got = pin_user_pages_fast(r->uaddr + done * HV_HYP_PAGE_SIZE, n,
					  gup_flags, pages);
		if (got != n) {
			if (got > 0)
				unpin_user_pages(pages, got);
			ret = got < 0 ? got : -EFAULT;
			break;
		}
		mshv_region_add_pages(r, gfn, pages, n);
		done += n;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}

	free_page((unsigned long)pages);
	if (ret)
		mshv_region_unpin(r);
	return ret;
}

/*
 * Issue MAP for every run of same-sized entries.  Runs are copied without
 * the flag bit into a buffer of exactly one MAP_GPA_PAGES batch, so each
 * run costs one hypercall (plus deposits).
 */
#define MSHV_MAP_BATCH_ENTRIES	HV_MAP_GPA_PAGES_MAX_REPS

static int mshv_region_map_ram(u64 pt_id, struct mshv_mem_region *r)
{
	u64 i = 0, gfn = r->gfn.start, *buf;
	unsigned int n;
	bool large;
	int ret = 0;

	buf = (u64 *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (i < r->nr_entries && !ret) {
		large = r->entries[i] & MSHV_ENTRY_LARGE;
		for (n = 0; i + n < r->nr_entries && n < MSHV_MAP_BATCH_ENTRIES &&
		     !!(r->entries[i + n] & MSHV_ENTRY_LARGE) == large; n++)
			buf[n] = MSHV_ENTRY_PFN(r->entries[i + n]);
		ret = mshv_hvcall_map_gpa_pages(pt_id, gfn, buf, n,
						r->hv_flags |
						(large ? HV_MAP_GPA_LARGE_PAGE : 0),
						r->gfn.last + 1 - gfn);
		gfn += (u64)n * (large ? MSHV_LARGE_PAGES : 1);
		i += n;
	}
	free_page((unsigned long)buf);
	return ret;
}

static int mshv_region_map_mmio(u64 pt_id, struct mshv_mem_region *r)
{
	u64 done = 0, *buf;
	unsigned int n, i;
	int ret = 0;

	buf = (u64 *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (done < r->nr_pages && !ret) {
		n = min_t(u64, r->nr_pages - done, MSHV_MAP_BATCH_ENTRIES);
		for (i = 0; i < n; i++)
			buf[i] = r->mmio_pfn + done + i;
		ret = mshv_hvcall_map_gpa_pages(pt_id, r->gfn.start + done, buf, n,
						r->hv_flags, r->nr_pages - done);
		done += n;
	}
	free_page((unsigned long)buf);
	return ret;
}

/* Remove the region's mappings from the hypervisor (errors are reported). */
static int mshv_region_unmap(u64 pt_id, struct mshv_mem_region *r)
{
	u64 i = 0, gfn = r->gfn.start, n;
	int ret = 0, err;
	bool large;

	if (r->mmio)
		return mshv_hvcall_unmap_gpa_pages(pt_id, gfn, r->nr_pages, false);
	while (i < r->nr_entries) {
		large = r->entries[i] & MSHV_ENTRY_LARGE;
		for (n = 0; i + n < r->nr_entries &&
		     !!(r->entries[i + n] & MSHV_ENTRY_LARGE) == large; n++)
			;
		err = mshv_hvcall_unmap_gpa_pages(pt_id, gfn, n, large);
		ret = ret ?: err;
		gfn += n * (large ? MSHV_LARGE_PAGES : 1);
		i += n;
	}
	return ret;
}

static void mshv_region_free(struct mshv_mem_region *r)
{
	kvfree(r->entries);
	kfree(r);
}

/*
 * Find the device memory behind [uaddr, uaddr + size): a VM_IO | VM_PFNMAP
 * mapping whose vm_pgoff is the first host PFN (the VFIO convention).
 * Returns 0 with *mmio false for ordinary memory.
 */
static int mshv_region_find_mmio(struct mshv_mem_region *r, bool *mmio)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int ret = 0;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, r->uaddr);
	if (!vma) {
		ret = -EINVAL;
		goto out;
	}
	*mmio = (vma->vm_flags & (VM_IO | VM_PFNMAP)) == (VM_IO | VM_PFNMAP);
	if (!*mmio)
		goto out;
	if (r->uaddr + r->nr_pages * HV_HYP_PAGE_SIZE > vma->vm_end) {
		ret = -EINVAL;
		goto out;
	}
	r->mmio_pfn = vma->vm_pgoff + ((r->uaddr - vma->vm_start) >> PAGE_SHIFT);
out:
	mmap_read_unlock(mm);
	if (ret || !*mmio)
		return ret;

	/*
	 * Device memory must not be RAM: one check of the whole range against
	 * the resource tree (and of its ends, where RAM is not registered).
	 */
	if (r->mmio_pfn + r->nr_pages < r->mmio_pfn ||
	    pfn_valid(r->mmio_pfn) || pfn_valid(r->mmio_pfn + r->nr_pages - 1) ||
	    region_intersects(PFN_PHYS(r->mmio_pfn), r->nr_pages * HV_HYP_PAGE_SIZE,
			      IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) != REGION_DISJOINT)
		return -EINVAL;
	return 0;
}

static u32 mshv_region_hv_flags(u8 flags, bool mmio)
{
	u32 hv = HV_MAP_GPA_READABLE;

	/* Device memory: uncached, readable and writable, never executable. */
	if (mmio)
		return hv | HV_MAP_GPA_WRITABLE | HV_MAP_GPA_NOT_CACHED;
	hv |= HV_MAP_GPA_ADJUSTABLE;
	if (flags & BIT(MSHV_SET_MEM_BIT_WRITABLE))
		hv |= HV_MAP_GPA_WRITABLE;
	if (flags & BIT(MSHV_SET_MEM_BIT_EXECUTABLE))
		hv |= HV_MAP_GPA_EXECUTABLE;
	return hv;
}

static int mshv_region_add(struct mshv_partition *pt,
			   const struct mshv_user_mem_region *mem)
{
	u64 nr_pages = mem->size >> HV_HYP_PAGE_SHIFT;
	struct mshv_mem_region *r;
	bool mmio = false;
	int ret;

	if (mshv_region_overlaps(pt, mem->guest_pfn, nr_pages, mem->userspace_addr))
		return -EEXIST;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->gfn.start = mem->guest_pfn;
	r->gfn.last = mem->guest_pfn + nr_pages - 1;
	r->uva.start = mem->userspace_addr;
	r->uva.last = mem->userspace_addr + mem->size - 1;
	r->uaddr = mem->userspace_addr;
	r->nr_pages = nr_pages;

	ret = mshv_region_find_mmio(r, &mmio);
	if (ret)
		goto err_free;
	r->mmio = mmio;
	r->hv_flags = mshv_region_hv_flags(mem->flags, mmio);

	if (mmio) {
		ret = mshv_region_map_mmio(pt->id, r);
		if (ret)
			goto err_unmap;
		goto publish;
	}

	/* Worst case (all 4 KiB); shrunk to what the backing needed below. */
	r->entries = kvmalloc_array(nr_pages, sizeof(r->entries[0]),
				    GFP_KERNEL_ACCOUNT);
	if (!r->entries) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = mshv_region_pin(r);
	if (ret)
		goto err_free;
	if (r->nr_entries < nr_pages) {
		u64 *shrunk = kvrealloc(r->entries,
					r->nr_entries * sizeof(r->entries[0]),
					GFP_KERNEL_ACCOUNT);

		if (shrunk)
			r->entries = shrunk;
	}
	ret = mshv_region_map_ram(pt->id, r);
	if (ret)
		goto err_unmap_unpin;

publish:
	mshv_region_link(pt, r);
	return 0;

err_unmap_unpin:
	mshv_region_unmap(pt->id, r);
	mshv_region_unpin(r);
	goto err_free;
err_unmap:
	mshv_region_unmap(pt->id, r);
err_free:
	mshv_region_free(r);
	return ret;
}

static void mshv_region_remove(struct mshv_partition *pt,
			       struct mshv_mem_region *r, bool unmap)
{
	mshv_region_unlink(pt, r);
	/*
	 * The pages may only go back to Linux once the hypervisor no longer
	 * maps them.  If it refuses to unmap, keep them pinned (leaked) rather
	 * than let the guest write into memory Linux reuses.
	 */
	if (unmap && mshv_region_unmap(pt->id, r)) {
		pr_err("mshv_root: partition %#llx: cannot unmap gfn %#llx+%llu; leaking its pages\n",
		       pt->id, r->gfn.start, r->nr_pages);
		kfree(r);
		return;
	}
	mshv_region_unpin(r);
	mshv_region_free(r);
}

static struct mshv_mem_region *mshv_region_containing(struct mshv_partition *pt,
						      u64 gfn)
{
	struct mshv_range *n = mshv_range_iter_first(&pt->gfn_tree, gfn, gfn);

	return n ? container_of(n, struct mshv_mem_region, gfn) : NULL;
}

/**
 * mshv_partition_ioctl_set_guest_memory() - MSHV_SET_GUEST_MEMORY
 * @pt: the partition (its mutex held)
 * @uarg: struct mshv_user_mem_region
 *
 * Return: 0 or a negative errno; on error nothing is mapped or pinned.
 */
long mshv_partition_ioctl_set_guest_memory(struct mshv_partition *pt,
					   void __user *uarg)
{
	struct mshv_user_mem_region mem;
	struct mshv_mem_region *r;
	u64 nr_pages, end;

	if (copy_from_user(&mem, uarg, sizeof(mem)))
		return -EFAULT;
	if (mem.flags & ~(BIT(MSHV_SET_MEM_BIT_COUNT) - 1) ||
	    memchr_inv(mem.rsvd, 0, sizeof(mem.rsvd)) ||
	    !mem.size || !IS_ALIGNED(mem.size, HV_HYP_PAGE_SIZE) ||
	    !IS_ALIGNED(mem.userspace_addr, HV_HYP_PAGE_SIZE))
		return -EINVAL;
	nr_pages = mem.size >> HV_HYP_PAGE_SHIFT;
	if (check_add_overflow(mem.guest_pfn, nr_pages, &end) ||
	    check_add_overflow(mem.userspace_addr, mem.size, &end))
		return -EINVAL;

	if (mem.flags & BIT(MSHV_SET_MEM_BIT_UNMAP)) {
		r = mshv_region_containing(pt, mem.guest_pfn);
		if (!r || r->gfn.start != mem.guest_pfn ||
		    r->nr_pages != nr_pages || r->uaddr != mem.userspace_addr)
			return -EINVAL;
		mshv_region_remove(pt, r, true);
		return 0;
	}

	/* The hypervisor maps guest memory only in initialized partitions. */
	if (!pt->initialized)
		return -EINVAL;
	if (!access_ok((void __user *)mem.userspace_addr, mem.size))
		return -EFAULT;
	return mshv_region_add(pt, &mem);
}

/**
 * mshv_partition_release_regions() - drop every region of a dying partition
 * @pt: the partition
 * @unmap: also remove the hypervisor mappings (not needed after a
 *	successful FINALIZE_PARTITION, which deletes them all)
 */
void mshv_partition_release_regions(struct mshv_partition *pt, bool unmap)
{
	struct mshv_range *n;

	while ((n = mshv_range_iter_first(&pt->gfn_tree, 0, U64_MAX)))
		mshv_region_remove(pt, container_of(n, struct mshv_mem_region, gfn),
				   unmap);
}

/*
 * MSHV_GET_GPAP_ACCESS_BITMAP works in chunks that fill whole bitmap bytes
 * and fit one GET_GPA_PAGES_ACCESS_STATES batch (4095 reps): 4088 pages,
 * 511 bitmap bytes, with a bounded kernel buffer whatever page_count is.
 */
#define MSHV_GPAP_CHUNK		round_down(HV_GET_GPA_PAGES_ACCESS_STATES_MAX_REPS, 8)

static u64 mshv_gpap_hv_flags(u8 type, u8 op)
{
	static const u64 flags[MSHV_GPAP_ACCESS_TYPE_COUNT][MSHV_GPAP_ACCESS_OP_COUNT] = {
		[MSHV_GPAP_ACCESS_TYPE_ACCESSED] = {
			[MSHV_GPAP_ACCESS_OP_NOOP] = 0,
			[MSHV_GPAP_ACCESS_OP_CLEAR] = HV_GPA_PAGE_ACCESS_CLEAR_ACCESSED,
			[MSHV_GPAP_ACCESS_OP_SET] = HV_GPA_PAGE_ACCESS_SET_ACCESSED,
		},
		[MSHV_GPAP_ACCESS_TYPE_DIRTY] = {
			[MSHV_GPAP_ACCESS_OP_NOOP] = 0,
			[MSHV_GPAP_ACCESS_OP_CLEAR] = HV_GPA_PAGE_ACCESS_CLEAR_DIRTY,
			/* A dirty page has been accessed, too. */
			[MSHV_GPAP_ACCESS_OP_SET] = HV_GPA_PAGE_ACCESS_SET_DIRTY |
						    HV_GPA_PAGE_ACCESS_SET_ACCESSED,
		},
	};

	return flags[type][op];
}

/**
 * mshv_partition_ioctl_get_gpap_access_bitmap() - MSHV_GET_GPAP_ACCESS_BITMAP
 * @pt: the partition (its mutex held)
 * @uarg: struct mshv_gpap_access_bitmap
 *
 * Writes bit i (LSB first) = accessed/dirty state of page gpap_base + i
 * before the operation, exactly DIV_ROUND_UP(page_count, 8) bytes, the
 * unused high bits of the last byte zero.
 *
 * Return: 0 or a negative errno.
 */
long mshv_partition_ioctl_get_gpap_access_bitmap(struct mshv_partition *pt,
						 void __user *uarg)
{
	struct mshv_gpap_access_bitmap args;
	u64 done, end, nbytes, flags;
	u8 *states, *bits, bit;
	unsigned int n, i;
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.access_type >= MSHV_GPAP_ACCESS_TYPE_COUNT ||
	    args.access_op >= MSHV_GPAP_ACCESS_OP_COUNT ||
	    memchr_inv(args.rsvd, 0, sizeof(args.rsvd)) ||
	    !args.page_count || !args.bitmap_ptr)
		return -EINVAL;
	if (check_add_overflow(args.gpap_base, args.page_count, &end) ||
	    check_add_overflow(args.page_count, 7ULL, &nbytes))
		return -E2BIG;
	nbytes /= 8;
	if (!access_ok(u64_to_user_ptr(args.bitmap_ptr), nbytes))
		return -EFAULT;

	flags = mshv_gpap_hv_flags(args.access_type, args.access_op);
	bit = args.access_type == MSHV_GPAP_ACCESS_TYPE_DIRTY ?
	      HV_GPA_PAGE_ACCESS_STATE_DIRTY : HV_GPA_PAGE_ACCESS_STATE_ACCESSED;
	states = kmalloc(MSHV_GPAP_CHUNK + MSHV_GPAP_CHUNK / 8, GFP_KERNEL);
	if (!states)
		return -ENOMEM;
	bits = states + MSHV_GPAP_CHUNK;

	for (done = 0; done < args.page_count; done += n) {
		n = min_t(u64, args.page_count - done, MSHV_GPAP_CHUNK);
		ret = mshv_hvcall_get_gpa_access_states(pt->id, args.gpap_base + done,
							n, flags, states);
		if (ret)
			break;
		memset(bits, 0, DIV_ROUND_UP(n, 8));
		for (i = 0; i < n; i++)
			if (states[i] & bit)
				bits[i / 8] |= BIT(i % 8);
		if (copy_to_user(u64_to_user_ptr(args.bitmap_ptr) + done / 8, bits,
				 DIV_ROUND_UP(n, 8))) {
			ret = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	kfree(states);
	return ret;
}

/**
 * mshv_regions_show() - debugfs: the regions of a partition
 * @m: seq_file whose private data is the partition
 * @unused: unused
 *
 * One line per region: guest page range, size, kind, mapping units and the
 * bytes of metadata the driver keeps for it.
 *
 * Return: 0.
 */
int mshv_regions_show(struct seq_file *m, void *unused)
{
	struct mshv_partition *pt = m->private;
	struct mshv_range *n;
	u64 total = 0;

	mutex_lock(&pt->lock);
	for (n = mshv_range_iter_first(&pt->gfn_tree, 0, U64_MAX); n;
	     n = mshv_range_iter_next(n, 0, U64_MAX)) {
		struct mshv_mem_region *r = container_of(n, struct mshv_mem_region, gfn);

		seq_printf(m, "gfn %#llx pages %llu %s entries %llu large %llu metadata %zu\n",
			   r->gfn.start, r->nr_pages, r->mmio ? "mmio" : "ram",
			   r->nr_entries, r->nr_large, mshv_region_size(r));
		total += mshv_region_size(r);
	}
	seq_printf(m, "regions %llu metadata %llu\n", pt->nr_regions, total);
	mutex_unlock(&pt->lock);
	return 0;
}
