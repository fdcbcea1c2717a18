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
#include <linux/spinlock.h>
#include <linux/types.h>
#include <kunit/visibility.h>
#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>
#include <uapi/linux/mshv.h>

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
 * @rcu: frees the structure after concurrent RCU readers are done
 */
struct mshv_partition {
	struct kref ref;
	struct hlist_node hnode;
	u64 id;
	struct mm_struct *mm;
	struct mutex lock;	/* serializes partition-fd ioctls */
	bool initialized;
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

#endif /* _MSHV_ROOT_H_ */
