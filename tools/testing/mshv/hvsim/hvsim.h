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

struct dentry;
#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>

#include "hvsim_test.h"
#include "x86/x86_engine.h"

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

/*
 * Partition properties a child stores (hvsim_property.c has the table of
 * every modelled property code, its default, range and when it may be set).
 */
struct hvsim_props {
	u64 privilege_flags;
	u64 synthetic_proc_features;
	u64 time_freeze;
	u64 reference_time;		/* 100 ns units at @ref_stamp_ns */
	u64 ref_stamp_ns;		/* ktime when @reference_time was taken */
	u64 processors_per_socket;
	u64 gpa_access_tracking;
	u64 unimplemented_msr_action;
	u64 guest_os_id;
	u64 physical_address_width;
	/* Asynchronous SET_PARTITION_PROPERTY hook (see hvsim.rst). */
	bool async_pending;
	u16 async_status;
};

/* One installed intercept (HVCALL_INSTALL_INTERCEPT). */
struct hvsim_intercept {
	u32 type;			/* enum hv_intercept_type */
	u32 access;			/* HV_INTERCEPT_ACCESS_MASK_* */
	u64 param;			/* union hv_intercept_parameters */
};

/*
 * Guest physical address space of a child (hvsim_memory.c).  @map holds
 * one entry per 2 MiB of GPA space (index gfn / 512): a value entry for a
 * 2 MiB mapping, or a struct hvsim_gpa_chunk for 4 KiB mappings (and for a
 * 2 MiB mapping whose per-4 KiB accessed/dirty bits differ).
 */
struct hvsim_gpa_space {
	struct xarray map;
	u64 mapped4k;			/* 4 KiB mapping entries */
	u64 mapped2m;			/* 2 MiB mapping entries */
	u64 pool_pages;			/* pool pages used as page tables */
};

/* VPs per partition hvsim models (the driver's MSHV_MAX_VPS). */
#define HVSIM_MAX_VPS		256

/* Stats pages of one object: HV_STATS_AREA_SELF and HV_STATS_AREA_PARENT. */
struct hvsim_stats {
	u64 *page[2];
};

/* A CPUID result override (HVCALL_REGISTER_INTERCEPT_RESULT). */
struct hvsim_cpuid_result {
	u32 leaf;
	u32 subleaf;
	bool subleaf_specific;
	bool always_override;
	u32 value[4];			/* EAX, EBX, ECX, EDX */
	u32 mask[4];
};

/* An MSR result override (stored for the execution engine). */
struct hvsim_msr_result {
	u32 index;
	u32 access;
	u32 action;
};

/**
 * struct hvsim_vp - one virtual processor (hvsim_vp.c)
 * @pt: its partition
 * @index: VP index
 * @cpu: architectural state in the execution engine's format, so the
 *	scheduler runs it in place (x86/x86_engine.h)
 * @misc: value of every other stored register, indexed by the register
 *	table's slot numbers (hvsim_vp.c)
 * @pending_event: HV_REGISTER_PENDING_EVENT0/1
 * @xsave: XSAVE area (standard format) of @xsave_size bytes; FP_MMX*,
 *	XMM*, FP/XMM_CONTROL_STATUS are windows into its legacy region
 * @lapic: LOCAL_INTERRUPT_CONTROLLER_STATE
 * @stimers: SYNTHETIC_TIMERS state; STIMERn_CONFIG/COUNT are windows into it
 * @reg_page: the register page (HV_VP_STATE_PAGE_REGISTERS)
 * @msg_page: the intercept message page (HV_VP_STATE_PAGE_INTERCEPT_MESSAGE)
 * @simp: SIM page contents (VP state SIM_PAGE)
 * @siefp: SIEF page contents (VP state SIEF_PAGE)
 * @mapped: bit per HV_VP_STATE_PAGE_* type currently mapped by the root
 * @stats: VP stats pages
 * @root_signal_count: HV_REGISTER_VP_ROOT_SIGNAL_COUNT
 * @cpuid: CPUID overrides, @nr_cpuid used of @max_cpuid allocated
 * @msr: MSR overrides, @nr_msr used of @max_msr allocated
 * @run_node: on the hypervisor scheduler's run queue (hvsim_run.c)
 * @exit: the execution engine's exit record (about 2.6 KiB)
 * @halt_rip: address of the HLT the VP is halted at
 * @activity: INTERNAL_ACTIVITY_STATE bits other than halt_suspend (which is
 *	@cpu.halted)
 * @shutdown: the VP triple-faulted; it only reports that from now on
 * @intercepts: messages the VP produced (debugfs)
 * @dispatches: DISPATCH_VP calls for the VP (debugfs)
 * @run_env: the engine environment while the VP runs a slice, else NULL
 *	(its APIC writes set irq_window_exit there)
 * @dispatch_blocked: root scheduler: the last DISPATCH_VP reported BLOCKED
 *	(the VP gets a scheduler signal when it can run again)
 * @nmi_pending: an NMI was accepted and not yet delivered
 * @extint_pending: an ExtINT was accepted and not yet delivered
 * @extint_level: it was asserted level-triggered
 * @extint_acked: a level ExtINT was delivered and not yet cleared
 *	(HVCALL_CLEAR_VIRTUAL_INTERRUPT); further ExtINTs wait
 * @extint_vector: its vector
 * @irq: interrupt counters (hvsim_lapic.c, hvsim_vp_irq_stats())
 */
struct hvsim_vp {
	struct hvsim_partition *pt;
	u32 index;
	struct x86_cpu cpu;
	u64 *misc;
	struct hv_u128 pending_event[2];
	u8 *xsave;
	u32 xsave_size;
	struct hv_local_interrupt_controller_state lapic;
	struct hv_synthetic_timers_state stimers;
	struct hv_vp_register_page *reg_page;
	void *msg_page;
	void *simp;
	void *siefp;
	u32 mapped;
	struct hvsim_stats stats;
	u64 root_signal_count;
	struct hvsim_cpuid_result *cpuid;
	u32 nr_cpuid, max_cpuid;
	struct hvsim_msr_result *msr;
	u32 nr_msr, max_msr;
	struct list_head run_node;
	struct x86_exit *exit;
	u64 halt_rip;
	u64 activity;
	bool shutdown;
	u64 intercepts;
	u64 dispatches;
	struct x86_env *run_env;
	bool dispatch_blocked;
	bool nmi_pending;
	bool extint_pending;
	bool extint_level;
	bool extint_acked;
	u8 extint_vector;
	struct hvsim_irq_stats irq;
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
	struct hvsim_props props;
	struct hvsim_intercept *intercepts;
	u32 nr_intercepts;
	u32 max_intercepts;		/* allocated entries */
	struct hvsim_gpa_space gpa;
	/* VPs (hvsim_vp.c) */
	struct hvsim_vp *vps[HVSIM_MAX_VPS];
	u32 nr_vps;
	u64 hypercall_msr;		/* partition-wide HV_X64_REGISTER_HYPERCALL */
	u64 reference_tsc_msr;		/* partition-wide HV_REGISTER_REFERENCE_TSC */
	struct hvsim_stats stats;
	/* Ports it owns and connections it made (hvsim_port.c). */
	struct hlist_head ports;
	struct hlist_head connections;
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

bool hvsim_pool_take(struct hvsim_pool *pool, u64 pages);
void hvsim_pool_give(struct hvsim_pool *pool, u64 pages);
u64 hvsim_pool_free(const struct hvsim_pool *pool);
bool hvsim_pfn_range_deposited(u64 pfn, u64 count);

/* hvsim_property.c */
extern const struct hvsim_hcall hvsim_property_hcalls[];
extern const unsigned int hvsim_property_nr_hcalls;
void hvsim_props_init(struct hvsim_partition *pt);
u64 hvsim_partition_xsave_states(const struct hvsim_partition *pt);
u64 hvsim_partition_max_xsave_size(const struct hvsim_partition *pt);
u64 hvsim_partition_features(const struct hvsim_partition *pt, unsigned int bank);
u64 hvsim_partition_xsave_features(const struct hvsim_partition *pt);
u64 hvsim_partition_reference_time(const struct hvsim_partition *pt);
u64 hvsim_partition_pa_width(const struct hvsim_partition *pt);
u64 hvsim_clock_frequency(void);

/* hvsim_intercept.c */
extern const struct hvsim_hcall hvsim_intercept_hcalls[];
extern const unsigned int hvsim_intercept_nr_hcalls;
u32 hvsim_intercept_access(const struct hvsim_partition *pt, u32 type, u64 param);
void hvsim_intercepts_free(struct hvsim_partition *pt);

/* hvsim_memory.c */
extern const struct hvsim_hcall hvsim_memory_hcalls[];
extern const unsigned int hvsim_memory_nr_hcalls;
void hvsim_gpa_init(struct hvsim_partition *pt);
void hvsim_gpa_destroy(struct hvsim_partition *pt);
int hvsim_gpa_translate(struct hvsim_partition *pt, u64 gfn, u64 *pfn, u32 *flags);
int hvsim_gpa_rw(struct hvsim_partition *pt, u64 gpa, void *buf, size_t len,
		 bool write);
void hvsim_memory_debugfs_init(struct dentry *dir);

/* hvsim_vp.c */
extern const struct hvsim_hcall hvsim_vp_hcalls[];
extern const unsigned int hvsim_vp_nr_hcalls;
int hvsim_vp_init(void);
struct hvsim_vp *hvsim_vp_get(struct hvsim_partition *pt, u32 index);
void hvsim_vps_destroy(struct hvsim_partition *pt);
int hvsim_vp_apply_dirty(struct hvsim_vp *vp);
void hvsim_vp_refresh_page(struct hvsim_vp *vp);
void hvsim_vp_debugfs_init(struct dentry *dir);
u16 hvsim_vtl_check(union hv_input_vtl vtl);
u16 hvsim_vp_lookup(u64 partition_id, u32 index, struct hvsim_vp **vpp);
u64 *hvsim_vp_misc_reg(struct hvsim_vp *vp, u32 name);

/* hvsim_run.c */
extern const struct hvsim_hcall hvsim_run_hcalls[];
extern const unsigned int hvsim_run_nr_hcalls;
int hvsim_run_init(void);
void hvsim_run_exit(void);
void hvsim_run_update(struct hvsim_vp *vp);
void hvsim_run_forget(struct hvsim_vp *vp);

/* hvsim_lapic.c */
extern const struct hvsim_hcall hvsim_lapic_hcalls[];
extern const unsigned int hvsim_lapic_nr_hcalls;
void hvsim_lapic_raise(struct hvsim_vp *vp, u8 vector);
bool hvsim_lapic_pending(const struct hvsim_vp *vp);
bool hvsim_lapic_deliverable(const struct hvsim_vp *vp);
enum x86_exit_reason hvsim_lapic_inject(struct hvsim_vp *vp, struct x86_env *env,
					bool *injected);
bool hvsim_lapic_mmio(struct hvsim_vp *vp, u64 gpa, void *buf, unsigned int len,
		      bool write);
int hvsim_lapic_msr(struct hvsim_vp *vp, u32 index, bool write, u64 *value);
u16 hvsim_lapic_scan(struct hvsim_vp *vp);
void hvsim_lapic_state_loaded(struct hvsim_vp *vp);

/* hvsim_port.c */
extern const struct hvsim_hcall hvsim_port_hcalls[];
extern const unsigned int hvsim_port_nr_hcalls;
bool hvsim_port_doorbell(struct hvsim_vp *vp, u64 gpa, const void *data,
			 unsigned int len, bool commit);
void hvsim_ports_release(struct hvsim_partition *pt, bool deleted);
void hvsim_port_debugfs_init(struct dentry *dir);

/* hvsim_vp_state.c */
extern const struct hvsim_hcall hvsim_vp_state_hcalls[];
extern const unsigned int hvsim_vp_state_nr_hcalls;
void hvsim_vp_state_reset(struct hvsim_vp *vp);

/* hvsim_cpuid.c */
extern const struct hvsim_hcall hvsim_cpuid_hcalls[];
extern const unsigned int hvsim_cpuid_nr_hcalls;
void hvsim_vp_cpuid(struct hvsim_vp *vp, u32 leaf, u32 subleaf, bool apply,
		    u32 res[4]);
void hvsim_cpuid_hv_leaf(const struct hvsim_partition *pt, u32 leaf, u32 res[4]);

/* hvsim_translate.c */
extern const struct hvsim_hcall hvsim_translate_hcalls[];
extern const unsigned int hvsim_translate_nr_hcalls;

/* hvsim_stats.c */
extern const struct hvsim_hcall hvsim_stats_hcalls[];
extern const unsigned int hvsim_stats_nr_hcalls;
void hvsim_stats_free(struct hvsim_stats *st);

/* hvsim_devices.c */
int hvsim_devices_init(void);
void hvsim_devices_exit(void);

/* hvsim_synic.c */
int hvsim_synic_init(void);
void hvsim_synic_exit(void);

#endif /* _HVSIM_H */
