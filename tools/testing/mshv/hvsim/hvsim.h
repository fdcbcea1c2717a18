/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvsim: a software model of the Hyper-V root-partition interface.
 *
 * hvsim implements, inside a User-Mode Linux kernel, the primitives that
 * mshv_root uses on a real root partition (see asm/mshyperv.h in
 * tools/testing/mshv/include) and validates every hypercall the way the
 * hypervisor does: control word, alignment, reserved fields, partition
 * state, memory pools.  Documentation/virt/mshv/hvsim.rst describes the
 * model and its knobs.
 */
#ifndef _HVSIM_H
#define _HVSIM_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/xarray.h>
#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>

#include "hvsim_test.h"

#define HVSIM_MAX_CODE		0x200

/* Decoded control word and parameters of one hypercall invocation. */
struct hvsim_call {
	u16 code;
	bool fast;
	u16 varhead;		/* variable header size, in 8-byte units */
	u16 rep_count;
	u16 rep_start;
	u16 rep_limit;		/* process reps [rep_start, rep_limit) now */
	const void *in;		/* fixed header, then varhead, then rep list */
	void *out;
	u16 reps_done;		/* absolute index of the first unprocessed rep */
};

/**
 * struct hvsim_hcall - what hvsim knows about one hypercall code
 * @code: the hypercall code
 * @name: for counters and messages
 * @rep: a rep call (rep count must be non-zero) or a simple call
 * @fast: may be issued with the fast (register) convention
 * @slow: may be issued with memory-based parameters
 * @varhead: accepts a variable-size input header
 * @in_size: bytes of fixed input header
 * @rep_in_size: bytes of each rep input element
 * @out_size: bytes of fixed output
 * @rep_out_size: bytes of each rep output element
 * @call: simple call handler, or the header check of a rep call (optional)
 * @rep: handler of rep number @i of a rep call
 *
 * hvsim's core validates the control word and the parameter addresses
 * against this description before a handler runs, so handlers only check
 * the fields of their own input.
 */
struct hvsim_hcall {
	u16 code;
	const char *name;
	bool is_rep;
	bool fast;
	bool slow;
	bool varhead;
	u16 in_size;
	u16 rep_in_size;
	u16 out_size;
	u16 rep_out_size;
	u16 (*call)(struct hvsim_call *c);
	u16 (*rep)(struct hvsim_call *c, u16 i);
};

/* Memory pool of a partition (or of the root, for HV_PARTITION_ID_SELF). */
struct hvsim_pool {
	struct xarray pfns;	/* deposited PFN -> xa_mk_value(1) */
	u64 deposited;		/* pages deposited and not withdrawn */
	u64 used;		/* pages consumed by hypervisor objects */
};

enum hvsim_pt_state {
	HVSIM_PT_CREATED,
	HVSIM_PT_INITIALIZED,
	HVSIM_PT_FINALIZED,
};

struct hvsim_partition {
	struct list_head node;
	u64 id;
	enum hvsim_pt_state state;
	u64 flags;			/* creation flags */
	u64 isolation;			/* isolation properties */
	u64 disabled_features[2];
	u64 disabled_xsave;
	u32 compat_version;
	struct hvsim_pool pool;
	u64 root_pages;			/* pages it holds in the root's pool */
};

/* Global model state, protected by hvsim.lock (a hypercall may run with
 * interrupts disabled, so nothing in the model may sleep).
 */
struct hvsim_state {
	spinlock_t lock;	/* the whole model; taken with irqs off */
	struct list_head partitions;
	u64 nr_partitions;
	u64 next_id;
	struct hvsim_pool root_pool;
};

extern struct hvsim_state hvsim;

/* Module parameters (hvsim_main.c). */
extern unsigned int hvsim_scheduler;

/* hvsim_hypercall.c */
int hvsim_hypercall_init(void);
const struct hvsim_hcall *hvsim_find_hcall(u16 code);
int hvsim_counters_show(struct seq_file *m, void *unused);
int hvsim_faults_show(struct seq_file *m, void *unused);
bool hvsim_is_pcpu_page(const void *p);

/* hvsim_partition.c */
extern const struct hvsim_hcall hvsim_partition_hcalls[];
extern const unsigned int hvsim_partition_nr_hcalls;
struct hvsim_partition *hvsim_partition_get(u64 id);
void hvsim_pool_init(struct hvsim_pool *pool);
void hvsim_partitions_destroy_all(void);

/* hvsim_synic.c */
int hvsim_synic_init(void);
void hvsim_synic_exit(void);

#endif /* _HVSIM_H */
