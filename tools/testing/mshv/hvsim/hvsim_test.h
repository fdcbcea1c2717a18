/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvsim's interface for tests running inside the rig kernel (KUnit suites
 * in tools/testing/mshv/kunit).  The same controls are in debugfs under
 * /sys/kernel/debug/hvsim/ for selftests.
 */
#ifndef _HVSIM_TEST_H
#define _HVSIM_TEST_H

#include <linux/types.h>

/*
 * Make the nth call of @code from now fail with @status after completing
 * @reps reps (rep calls), @times times (-1: every matching call from then
 * on).  A @status of HV_STATUS_SUCCESS models a partial completion.
 */
int hvsim_inject_fault(u16 code, u16 status, unsigned int nth,
		       unsigned int reps, int times);
void hvsim_clear_faults(void);

/* Calls and completed reps of @code since load or the last reset. */
u64 hvsim_calls(u16 code);
u64 hvsim_reps(u16 code);
void hvsim_counters_reset(void);

/* Live partitions; pages deposited into a partition (or the root: SELF). */
u64 hvsim_nr_partitions(void);
u64 hvsim_deposited_pages(u64 id);

/*
 * Guest memory of a child (hvsim_memory.c):
 *  - hvsim_touch_gpa(): access @count guest pages from @gfn as the guest
 *    would (read, or write when @write), marking them accessed (and dirty);
 *    all-or-nothing: -ESRCH no such partition, -ENOENT a page is unmapped,
 *    -EACCES the mapping does not allow the access, -EINVAL bad range;
 *  - hvsim_mapped_pages(): 4 KiB (!@large) or 2 MiB (@large) mapping
 *    entries of a partition;
 *  - hvsim_gpa_lookup(): root PFN and HV_MAP_GPA_* flags of the 4 KiB guest
 *    page @gfn (inside a 2 MiB mapping too); -ENOENT when unmapped.
 */
int hvsim_touch_gpa(u64 partition_id, u64 gfn, u64 count, bool write);
u64 hvsim_mapped_pages(u64 partition_id, bool large);
int hvsim_gpa_lookup(u64 partition_id, u64 gfn, u64 *pfn, u32 *flags);

/*
 * /dev/hvsim_mmio maps this window of device memory: PFN
 * HVSIM_MMIO_BASE_PFN + file page offset (physical address 1 TiB, far above
 * any RAM the rig has), HVSIM_MMIO_PAGES pages (1 GiB).
 */
#define HVSIM_MMIO_BASE_PFN	0x10000000UL
#define HVSIM_MMIO_PAGES	0x40000UL

/* Pool pages a partition's GPA map uses as page tables. */
u64 hvsim_gpa_pool_pages(u64 partition_id);

/*
 * Partition state as hvsim sees it: a property value (-ENOENT: no such
 * partition or property is not stored), the installed intercept access mask
 * for (@type, @param).
 */
int hvsim_get_property(u64 partition_id, u32 code, u64 *value);
u32 hvsim_intercept_installed(u64 partition_id, u32 type, u64 param);

/*
 * VPs (hvsim_vp.c, hvsim_cpuid.c, hvsim_stats.c): read or write a register
 * as GET/SET_VP_REGISTERS would (-ESRCH no such VP; get: -ENOENT unknown
 * name; set: -EINVAL refused), VPs of a partition, load the register
 * page's dirty classes as the scheduler does before a run, the register
 * names hvsim has (all, or only the writable ones; returns the count and
 * fills at most @max), CPUID of a VP with its overrides applied, and the
 * counters the root scheduler model will maintain.
 */
union hv_register_value;
int hvsim_vp_get_reg(u64 partition_id, u32 vp_index, u32 name,
		     union hv_register_value *v);
int hvsim_vp_set_reg(u64 partition_id, u32 vp_index, u32 name,
		     const union hv_register_value *v);
u32 hvsim_vp_count(u64 partition_id);
int hvsim_vp_apply_dirty_id(u64 partition_id, u32 vp_index);
unsigned int hvsim_vp_reg_names(u32 *names, unsigned int max, bool writable);
int hvsim_vp_cpuid_id(u64 partition_id, u32 vp_index, u32 leaf, u32 subleaf,
		      u32 res[4]);
int hvsim_vp_set_root_signal_count(u64 partition_id, u32 vp_index, u64 count);
int hvsim_vp_set_dispatch_blocked(u64 partition_id, u32 vp_index, u64 value);

/*
 * Ports and doorbells (hvsim_port.c) and the root's SynIC (hvsim_synic.c):
 *  - hvsim_nr_ports(), hvsim_nr_connections(): ports a partition owns and
 *    connections it made (the root: HV_PARTITION_ID_SELF);
 *  - hvsim_doorbell_write(): a guest write of the low @len bytes of @value
 *    at @gpa by a VP, as the x86 engine reports one to an unmapped GPA:
 *    1 a connected doorbell takes it (and, with @commit, is signalled), 0
 *    not, -ESRCH no such VP, -EINVAL bad @len;
 *  - hvsim_synic_page(): the SIMP, SIEFP or SIRBP page of a root CPU;
 *  - hvsim_synic_ring_reset(): zero an event ring and the hypervisor's
 *    state for it;
 *  - hvsim_synic_take(): remove the first queued (not yet delivered)
 *    message of @type (HVMSG_NONE: any) for a SINT of a root CPU, as if the
 *    root had consumed it; -ENOENT when none waits.
 */
struct hv_message;
u32 hvsim_nr_ports(u64 partition_id);
u32 hvsim_nr_connections(u64 partition_id);
int hvsim_doorbell_write(u64 partition_id, u32 vp_index, u64 gpa, u64 value,
			 unsigned int len, bool commit);
void *hvsim_synic_page(int cpu, unsigned int msr);
void hvsim_synic_ring_reset(int cpu, unsigned int sint);
int hvsim_synic_take(int cpu, unsigned int sint, u32 type, struct hv_message *msg);

/* Reps a rep call processes before returning early (0: all). */
extern unsigned int hvsim_rep_slice;

/*
 * Local APIC model (hvsim_lapic.c): a VP's interrupt counters since its
 * creation and its latches: interrupts its APIC accepted (IRR set, NMI or
 * ExtINT latched) or dropped (fixed/lowest-priority to a disabled APIC),
 * events injected into the guest, EOIs that retired an ISR vector,
 * HVMSG_X64_APIC_EOI messages posted (and the vector of the last one),
 * the PPR, and the pending NMI / ExtINT and the ExtINT acknowledgment.
 * -ESRCH: no such VP.
 */
struct hvsim_irq_stats {
	u64 accepted;
	u64 dropped;
	u64 delivered;
	u64 eois;
	u64 eoi_messages;
	u32 last_eoi_vector;
	u32 ppr;
	bool nmi_pending;
	bool extint_pending;
	bool extint_acked;
};

int hvsim_vp_irq_stats(u64 partition_id, u32 vp_index, struct hvsim_irq_stats *st);

#endif /* _HVSIM_TEST_H */
