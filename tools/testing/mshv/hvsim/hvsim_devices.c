// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: test memory for the rig, which has neither hugetlbfs nor THP nor
 * PCI devices.
 *
 * /dev/hvsim_hugemem: MAP_SHARED mappings (length and file offset multiples
 * of 2 MiB) backed by order-9 folios, so user memory a VMM hands to
 * MSHV_SET_GUEST_MEMORY pins (pin_user_pages(FOLL_LONGTERM | FOLL_WRITE))
 * into pages whose folio is 2 MiB and 2 MiB aligned, as hugetlbfs or THP
 * memory would.  Each mmap() gets its own memory, zeroed, allocated one
 * folio at a time on first touch and freed when the last VMA (and the last
 * pin) goes away; mappings are placed at 2 MiB-aligned addresses like THP.
 * The folios are neither hugetlb nor THP folios: code that wants to know
 * whether memory is "huge" must look at folio_size(), as it should.
 *
 * /dev/hvsim_mmio: MAP_SHARED mappings of a window of device memory that
 * is not RAM, at HVSIM_MMIO_BASE_PFN, as VFIO maps a PCI BAR: a VM_IO |
 * VM_PFNMAP VMA whose vm_pgoff is the first PFN, so host PFN =
 * vma->vm_pgoff + page index.  The file offset selects the page in the
 * window.  Nothing backs these PFNs in User-Mode Linux, and UML copies every
 * page table entry of a process into the host's mapping when it returns to
 * user space (a PFN beyond its memory file kills the process), so unlike
 * VFIO's remap_pfn_range() no entry is ever populated: the mapping exists
 * to be handed to the driver, and touching it raises SIGBUS.
 *
 * Both nodes are 0600 and exist only where hvsim is loaded.
 */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "hvsim.h"

#define HUGEMEM_ORDER		9	/* 2 MiB folios */
#define HUGEMEM_SIZE		(PAGE_SIZE << HUGEMEM_ORDER)

/* ----------------------------------------------------------- hugemem ---- */

struct hugemem {
	struct kref ref;	/* one per VMA */
	struct mutex lock;	/* serializes folio allocation */
	unsigned long nr_folios;
	struct folio *folios[] __counted_by(nr_folios);
};

static void hugemem_free(struct kref *ref)
{
	struct hugemem *hm = container_of(ref, struct hugemem, ref);
	unsigned long i;

	/* Pinned folios stay until the last unpin. */
	for (i = 0; i < hm->nr_folios; i++)
		if (hm->folios[i])
			folio_put(hm->folios[i]);
	kvfree(hm);
}

static void hugemem_vm_open(struct vm_area_struct *vma)
{
	struct hugemem *hm = vma->vm_private_data;

	kref_get(&hm->ref);
}

static void hugemem_vm_close(struct vm_area_struct *vma)
{
	struct hugemem *hm = vma->vm_private_data;

	kref_put(&hm->ref, hugemem_free);
}

static vm_fault_t hugemem_fault(struct vm_fault *vmf)
{
	struct hugemem *hm = vmf->vma->vm_private_data;
	unsigned long i = vmf->pgoff >> HUGEMEM_ORDER;
	struct folio *folio;

	if (i >= hm->nr_folios)
		return VM_FAULT_SIGBUS;
	mutex_lock(&hm->lock);
	folio = hm->folios[i];
	if (!folio) {
		/* Unmovable, so that long-term pins need no migration. */
		folio = folio_alloc(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
				    __GFP_RETRY_MAYFAIL, HUGEMEM_ORDER);
		hm->folios[i] = folio;
	}
	mutex_unlock(&hm->lock);
	if (!folio)
		return VM_FAULT_OOM;
	/* The fault code maps the page, locks the folio and drops this ref. */
	vmf->page = folio_page(folio, vmf->pgoff & ((1UL << HUGEMEM_ORDER) - 1));
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct hugemem_vm_ops = {
	.open = hugemem_vm_open,
	.close = hugemem_vm_close,
	.fault = hugemem_fault,
};

static int hugemem_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long n = len / HUGEMEM_SIZE;
	struct hugemem *hm;

	if (!(vma->vm_flags & VM_SHARED) || !IS_ALIGNED(len, HUGEMEM_SIZE) ||
	    !IS_ALIGNED(vma->vm_start, HUGEMEM_SIZE) ||
	    !IS_ALIGNED(vma->vm_pgoff, 1UL << HUGEMEM_ORDER))
		return -EINVAL;
	hm = kvzalloc(struct_size(hm, folios, n), GFP_KERNEL);
	if (!hm)
		return -ENOMEM;
	kref_init(&hm->ref);
	mutex_init(&hm->lock);
	hm->nr_folios = n;
	/* The file offset only has to be aligned: memory is per mmap(). */
	vma->vm_pgoff = 0;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
	vma->vm_private_data = hm;
	vma->vm_ops = &hugemem_vm_ops;
	return 0;
}

/* Place mappings at 2 MiB boundaries, as THP does for large mappings. */
static unsigned long hugemem_get_unmapped_area(struct file *file,
					       unsigned long addr,
					       unsigned long len,
					       unsigned long pgoff,
					       unsigned long flags)
{
	unsigned long ret;

	if (addr || (flags & MAP_FIXED) || len > TASK_SIZE - HUGEMEM_SIZE)
		return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
	ret = mm_get_unmapped_area(current->mm, file, 0, len + HUGEMEM_SIZE, 0, flags);
	if (IS_ERR_VALUE(ret))
		return ret;
	return ALIGN(ret, HUGEMEM_SIZE);
}

static const struct file_operations hugemem_fops = {
	.owner = THIS_MODULE,
	.mmap = hugemem_mmap,
	.get_unmapped_area = hugemem_get_unmapped_area,
};

static struct miscdevice hugemem_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hvsim_hugemem",
	.fops = &hugemem_fops,
	.mode = 0600,
};

/* -------------------------------------------------------------- mmio ---- */

static vm_fault_t mmio_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct mmio_vm_ops = {
	.fault = mmio_fault,
};

static int mmio_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long pages = vma_pages(vma);

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff >= HVSIM_MMIO_PAGES ||
	    pages > HVSIM_MMIO_PAGES - vma->vm_pgoff)
		return -EINVAL;
	/* The VFIO convention: vm_pgoff is the PFN of the first page. */
	vma->vm_pgoff += HVSIM_MMIO_BASE_PFN;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	/* What remap_pfn_range() sets, without the page table entries. */
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &mmio_vm_ops;
	return 0;
}

static const struct file_operations mmio_fops = {
	.owner = THIS_MODULE,
	.mmap = mmio_mmap,
};

static struct miscdevice mmio_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hvsim_mmio",
	.fops = &mmio_fops,
	.mode = 0600,
};

int hvsim_devices_init(void)
{
	int ret;

	/* The window must not overlap RAM, whatever mem= the rig uses. */
	if (WARN_ON(pfn_valid(HVSIM_MMIO_BASE_PFN)))
		return -EINVAL;
	ret = misc_register(&hugemem_dev);
	if (ret)
		return ret;
	ret = misc_register(&mmio_dev);
	if (ret)
		misc_deregister(&hugemem_dev);
	return ret;
}

void hvsim_devices_exit(void)
{
	misc_deregister(&mmio_dev);
	misc_deregister(&hugemem_dev);
}
