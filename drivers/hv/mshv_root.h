/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mshv_root: internal definitions shared by the driver's components.
 */
#ifndef _MSHV_ROOT_H_
#define _MSHV_ROOT_H_

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/completion.h>
#include <linux/types.h>
#include <kunit/visibility.h>
#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>
#include <uapi/linux/mshv.h>

/* 4 KiB hypervisor pages per 2 MiB large page (HV_MAP_GPA_LARGE_PAGE). */
#define MSHV_LARGE_PAGE_PAGES	(SZ_2M / HV_HYP_PAGE_SIZE)

/* Entry flag of struct mshv_mem_region: this PFN heads a 2 MiB page. */
#define MSHV_ENTRY_LARGE	BIT_ULL(63)

/* A node of an interval tree of u64 ranges [start, last]. */
struct mshv_range {
	struct rb_node rb;
	u64 start;
	u64 last;
	u64 subtree_last;
};

/**
 * struct mshv_mem_region - guest memory mapped by MSHV_SET_GUEST_MEMORY
 * @gfn: guest page range, in the partition's gfn_tree
 * @uva: user address range (bytes), in the partition's uva_tree
 * @uaddr: first user address
 * @nr_pages: size in 4 KiB pages
 * @hv_flags: HV_MAP_GPA_* permissions the range is mapped with
 * @mmio: device memory (VM_IO | VM_PFNMAP), mapped uncached, not pinned
 * @mmio_pfn: first host PFN of device memory
 * @nr_entries: used entries of @entries
 * @nr_large: how many of them are 2 MiB pages
 * @entries: RAM: one host PFN per mapping unit in guest order, with
 *	MSHV_ENTRY_LARGE set on PFNs that head a 2 MiB page (8 bytes per
 *	2 MiB of huge-page-backed memory, per 4 KiB otherwise)
 */
struct mshv_mem_region {
	struct mshv_range gfn;
	struct mshv_range uva;
	u64 uaddr;
	u64 nr_pages;
	u32 hv_flags;
	bool mmio;
	u64 mmio_pfn;
	u64 nr_entries;
	u64 nr_large;
	u64 *entries;
};

struct mshv_partition;

/* x86 interrupt vectors, for EOIs forwarded to the VMM. */
#define MSHV_EOI_VECTORS	256

/**
 * struct mshv_girq - a decoded interrupt route (MSHV_SET_MSI_ROUTING)
 * @present: the GSI has an entry in the table
 * @valid: the entry decodes to an interrupt the driver can inject
 * @level: level triggered (MSI data bit 15)
 * @logical: logical destination mode (MSI address bit 2)
 * @vector: vector (MSI data bits 7:0)
 * @type: HV_X64_INTERRUPT_TYPE_* (the MSI delivery mode, data bits 10:8)
 * @dest: destination APIC id (MSI address bits 19:12)
 */
struct mshv_girq {
	bool present;
	bool valid;
	bool level;
	bool logical;
	u8 vector;
	u32 type;
	u32 dest;
};

/**
 * struct mshv_girq_table - the routes of a partition, indexed by GSI
 * @rcu: frees a replaced table after its readers
 * @nr_gsis: entries in @routes (the highest GSI + 1)
 * @routes: by GSI; absent GSIs are zeroed
 */
struct mshv_girq_table {
	struct rcu_head rcu;
	u32 nr_gsis;
	struct mshv_girq routes[] __counted_by(nr_gsis);
};

/**
 * struct mshv_vp - a virtual processor
 * @partition: its partition (a VP lives as long as the partition; each VP
 *	fd holds a reference on the partition)
 * @index: the hypervisor's VP index
 * @lock: serializes VP-fd ioctls
 * @register_page: the hypervisor's register page of the VP (mmap offset 0)
 * @intercept_page: where the hypervisor writes the VP's intercept
 *	messages (mmap offset 1)
 * @stats_pages: statistics pages (SELF, PARENT) under the root scheduler
 * @kicked: the hypervisor signalled the VP (intercept or scheduler message)
 *	since the VP's thread last looked; set by the SynIC handler
 * @kick_wq: where the VP's thread waits for @kicked
 * @intercept_suspended: root scheduler: the last dispatch ended in an
 *	intercept, so the next one must clear INTERCEPT_SUSPEND
 * @signals: root scheduler: scheduler signals the root processed for the
 *	VP (the teardown handshake compares it with VP_ROOT_SIGNAL_COUNT)
 * @eoi_pending: level-triggered vectors the guest EOI'd on this VP that no
 *	resampler took; RUN_VP returns them as HVMSG_X64_APIC_EOI
 */
struct mshv_vp {
	struct mshv_partition *partition;
	u32 index;
	struct mutex lock;	/* serializes VP-fd ioctls */
	struct page *register_page;
	struct page *intercept_page;
	struct page *stats_pages[2];
	bool kicked;
	wait_queue_head_t kick_wq;
	bool intercept_suspended;
	atomic64_t signals;
	DECLARE_BITMAP(eoi_pending, MSHV_EOI_VECTORS);
};

/**
 * struct mshv_partition - a guest partition owned by a VMM
 * @ref: references: the partition fd, and later each VP and device fd
 * @hnode: entry in mshv_root.partitions, looked up under RCU by @id from
 *	the SynIC interrupt handler
 * @id: the hypervisor's partition id
 * @mm: the creating process's mm; the partition fd is refused (-EIO) in any
 *	other address space, as KVM does, because guest memory regions refer
 *	to user addresses of this mm
 * @lock: serializes partition-fd ioctls
 * @initialized: MSHV_INITIALIZE_PARTITION succeeded (finalize on teardown)
 * @gfn_tree: regions by guest page range
 * @uva_tree: regions by user address range
 * @nr_regions: regions in the trees
 * @async_lock: protects @async_pending and @async_status
 * @async_pending: an asynchronous hypercall awaits its completion message
 * @async_status: status delivered by the completion message
 * @async_done: completed by the SynIC handler for the pending call
 * @debugfs: the partition's debugfs directory
 * @vps: VPs by index, published under RCU once they have an fd
 * @girqs: interrupt routes (writers hold @lock; RCU for other readers)
 * @irqfds_lock: protects @irqfds and the irqfds' route copies; taken in
 *	eventfd wake-ups, hence irqsave
 * @irqfds: active irqfds (mshv_eventfd.c)
 * @resampler_lock: serializes changes of @resamplers
 * @resamplers: irqfd resamplers, one per GSI (RCU, read by the EOI handler)
 * @ioeventfds: doorbell ioeventfds, under @lock
 * @rcu: frees the structure after concurrent RCU readers are done
 */
struct mshv_partition {
	struct kref ref;
	struct hlist_node hnode;
	u64 id;
	struct mm_struct *mm;
	struct mutex lock;	/* serializes partition-fd ioctls */
	bool initialized;
	struct rb_root_cached gfn_tree;
	struct rb_root_cached uva_tree;
	u64 nr_regions;
	spinlock_t async_lock;	/* protects async_pending, async_status */
	bool async_pending;
	u16 async_status;
	struct completion async_done;
	struct dentry *debugfs;
	struct mshv_vp __rcu *vps[MSHV_MAX_VPS];
	struct mshv_girq_table __rcu *girqs;
	spinlock_t irqfds_lock;	/* protects irqfds, irqfd route copies */
	struct list_head irqfds;
	struct mutex resampler_lock;	/* serializes resampler changes */
	struct list_head resamplers;
	struct list_head ioeventfds;
	struct rcu_head rcu;
};

/**
 * struct mshv_root - global driver state
 * @lock: protects writers of @partitions
 * @partitions: every live partition, keyed by hypervisor partition id
 * @scheduler_type: HV_SCHEDULER_TYPE_* reported by the hypervisor at load
 */
struct mshv_root {
	spinlock_t lock;	/* protects writers of @partitions */
	DECLARE_HASHTABLE(partitions, 7);
	u32 scheduler_type;
};

extern struct mshv_root mshv_root;

/* mshv_root_hv_call.c: the only code that knows hypercall layouts. */

/**
 * mshv_hvcall_control() - encode a hypercall input value ("control word")
 * @code: hypercall code
 * @varhead: variable input header size, in 8-byte units (10 bits)
 * @rep_count: total rep count of a rep call, 0 for a simple call (12 bits)
 * @rep_start: first rep to process (12 bits)
 *
 * Return: the 64-bit control word passed to hv_do_hypercall().
 */
static inline u64 mshv_hvcall_control(u16 code, u16 varhead, u16 rep_count,
				      u16 rep_start)
{
	return (u64)code |
	       ((u64)varhead << HV_HYPERCALL_VARHEAD_OFFSET) |
	       ((u64)rep_count << HV_HYPERCALL_REP_COMP_OFFSET) |
	       ((u64)rep_start << HV_HYPERCALL_REP_START_OFFSET);
}

u64 mshv_do_rep_hypercall(u16 code, u16 varhead, u16 rep_count, u16 rep_start,
			  void *input, void *output);
int mshv_hv_status_to_errno(u64 status);
bool mshv_hv_status_needs_memory(u64 status);
int mshv_deposit_for_status(u64 status, u64 partition_id, u32 num_pages);
int mshv_deposit_pages(u64 partition_id, u32 num_pages, bool contiguous);
int mshv_withdraw_all(u64 partition_id);
u64 mshv_pages_deposited(void);

int mshv_hvcall_create_partition(u64 flags, u64 isolation,
				 const u64 disabled_features[2],
				 u64 disabled_xsave, u64 *partition_id);
int mshv_hvcall_initialize_partition(u64 partition_id);
int mshv_hvcall_finalize_partition(u64 partition_id);
int mshv_hvcall_delete_partition(u64 partition_id);
int mshv_hvcall_get_scheduler_type(u32 *type);
int mshv_hvcall_map_gpa_pages(u64 partition_id, u64 gfn, const u64 *pfns,
			      u64 count, u32 flags, u64 pages_left);
int mshv_hvcall_unmap_gpa_pages(u64 partition_id, u64 gfn, u64 count, bool large);
int mshv_hvcall_get_gpa_access_states(u64 partition_id, u64 gfn, u32 count,
				      u64 flags, u8 *states);
int mshv_hvcall_passthrough(u16 code, u16 reps, const void *in, u16 in_sz,
			    void *out, u16 out_sz, u64 deposit_id, u64 *result);
int mshv_hvcall_create_vp(u64 partition_id, u32 vp_index);
int mshv_hvcall_delete_vp(u64 partition_id, u32 vp_index);
int mshv_hvcall_map_vp_state_page(u64 partition_id, u32 vp_index, u32 type,
				  u64 *pfn);
int mshv_hvcall_unmap_vp_state_page(u64 partition_id, u32 vp_index, u32 type);
int mshv_hvcall_map_vp_stats_page(u64 partition_id, u32 vp_index, u32 area,
				  u64 *pfn);
int mshv_hvcall_unmap_vp_stats_page(u64 partition_id, u32 vp_index, u32 area);
int mshv_hvcall_get_partition_property(u64 partition_id, u32 code, u64 *value);
int mshv_hvcall_vp_state(bool set, u64 partition_id, u32 vp_index, u32 type,
			 u64 xsave_states, const u64 *pfns, unsigned int nr_pfns,
			 void *bytes, unsigned int nr_bytes);
int mshv_hvcall_translate_gva(u64 partition_id, u32 vp_index, u64 gva_page,
			      u64 flags, u64 *result, u64 *gpa_page);
int mshv_hvcall_set_vp_registers(u64 partition_id, u32 vp_index, unsigned int count,
				 const struct hv_register_assoc *regs);
int mshv_hvcall_get_vp_register(u64 partition_id, u32 vp_index, u32 name, u64 *value);
int mshv_hvcall_dispatch_init(void);
void mshv_hvcall_dispatch_exit(void);
int mshv_hvcall_dispatch_vp(u64 partition_id, u32 vp_index, u32 flags,
			    u32 *state, u32 *event);

/* mshv_regions.c */
long mshv_partition_ioctl_set_guest_memory(struct mshv_partition *pt,
					   void __user *uarg);
long mshv_partition_ioctl_get_gpap_access_bitmap(struct mshv_partition *pt,
						 void __user *uarg);
void mshv_partition_release_regions(struct mshv_partition *pt, bool unmap);
size_t mshv_region_size(const struct mshv_mem_region *r);
void mshv_region_add_pages(struct mshv_mem_region *r, u64 gfn,
			   struct page **pages, unsigned int n);
int mshv_regions_show(struct seq_file *m, void *unused);
#if IS_ENABLED(CONFIG_KUNIT)
bool mshv_region_overlaps(struct mshv_partition *pt, u64 gfn, u64 nr_pages,
			  u64 uaddr);
void mshv_region_link(struct mshv_partition *pt, struct mshv_mem_region *r);
void mshv_region_unlink(struct mshv_partition *pt, struct mshv_mem_region *r);
#endif

int mshv_hvcall_assert_virtual_interrupt(u64 partition_id, u64 control, u64 dest,
					 u32 vector);
int mshv_hvcall_clear_virtual_interrupt(u64 partition_id);
int mshv_hvcall_create_doorbell_port(u64 partition_id, u32 port_id, u32 sint);
int mshv_hvcall_connect_doorbell(u64 partition_id, u32 port_id, u64 gpa,
				 u64 trigger_value, u64 flags);
int mshv_hvcall_disconnect_doorbell(u64 partition_id, u32 connection_id);
int mshv_hvcall_delete_port(u32 port_id);
int mshv_hvcall_notify_port_ring_empty(u32 sint);

/* mshv_portid_table.c */
typedef void (*mshv_port_fn)(void *data);
int mshv_portid_alloc(mshv_port_fn fn, void *data);
void mshv_portid_free(int id);
bool mshv_portid_signal(u32 id);

/* mshv_irq.c */
long mshv_partition_ioctl_set_msi_routing(struct mshv_partition *pt, void __user *uarg);
void mshv_girq_lookup(struct mshv_partition *pt, u32 gsi, struct mshv_girq *g);
int mshv_girq_inject(struct mshv_partition *pt, const struct mshv_girq *g);
void mshv_partition_free_girqs(struct mshv_partition *pt);

/* mshv_eventfd.c */
long mshv_partition_ioctl_irqfd(struct mshv_partition *pt, void __user *uarg);
long mshv_partition_ioctl_ioeventfd(struct mshv_partition *pt, void __user *uarg);
void mshv_irqfd_routes_update(struct mshv_partition *pt);
bool mshv_irqfd_eoi(struct mshv_partition *pt, u32 vector);
void mshv_partition_release_eventfds(struct mshv_partition *pt);
int mshv_eventfd_init(void);
void mshv_eventfd_exit(void);

/* mshv_synic.c */
int mshv_synic_init(void);
void mshv_synic_exit(void);

/* mshv_vp.c */
long mshv_partition_ioctl_create_vp(struct mshv_partition *pt, void __user *uarg);
void mshv_partition_release_vps(struct mshv_partition *pt);
void mshv_partition_free_vps(struct mshv_partition *pt);
void mshv_partition_suspend_vps(struct mshv_partition *pt);
void mshv_vp_queue_eoi(struct mshv_partition *pt, u32 vp_index, u32 vector);

/* mshv_root_main.c */
/* Kinds of fd that may pass a hypercall through (MSHV_ROOT_HVCALL). */
#define MSHV_FD_SYSTEM		BIT(0)
#define MSHV_FD_PARTITION	BIT(1)
#define MSHV_FD_VP		BIT(2)
#define MSHV_FD_GUEST		(MSHV_FD_PARTITION | MSHV_FD_VP)

void mshv_partition_async_complete(u64 partition_id, u16 status);
void mshv_vp_kick(u64 partition_id, u32 vp_index, bool scheduler);
void mshv_partition_put(struct mshv_partition *pt);
struct mshv_partition *mshv_partition_find_rcu(u64 partition_id);
long mshv_ioctl_root_hvcall(unsigned int fd, struct mshv_partition *pt,
			    void __user *uarg);

#endif /* _MSHV_ROOT_H_ */
