/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hyper-V core primitives for the mshv_root driver when it runs on hvsim.
 *
 * On x86_64 the driver includes the kernel's <asm/mshyperv.h>, whose
 * hypercall, per-CPU page, SynIC MSR and partition-identity primitives talk
 * to the real hypervisor.  User-Mode Linux has no such header; the rig puts
 * this directory first on the include path of the driver so that the same
 * driver source binds to hvsim instead.  Every declaration here has the
 * signature of its x86_64 counterpart (or of the one added by the core
 * patches in tools/testing/mshv/core-patches/), and hvsim.ko exports the
 * definitions.  Nothing else of hvsim is visible to the driver.
 */
#ifndef _HVSIM_ASM_MSHYPERV_H
#define _HVSIM_ASM_MSHYPERV_H

#include <linux/types.h>
#include <asm/hyperv-tlfs.h>

/* The root partition's own id, read with HVCALL_GET_PARTITION_ID at boot. */
extern u64 hv_current_partition_id;

/* Memory-based hypercall: input and output are kernel virtual addresses. */
u64 hv_do_hypercall(u64 control, void *input, void *output);

/* Register-based ("fast") hypercalls with 8 and 16 bytes of input. */
u64 hv_do_fast_hypercall8(u16 code, u64 input1);
u64 hv_do_fast_hypercall16(u16 code, u64 input1, u64 input2);

/* Synthetic MSRs of this CPU's SynIC. */
u64 hv_get_msr(unsigned int reg);
void hv_set_msr(unsigned int reg, u64 value);

/*
 * The vector the root programs into its SINTs.  On x86 it comes from
 * <asm/irq_vectors.h>; hvsim ignores the value beyond its validity check.
 */
#define HYPERVISOR_CALLBACK_VECTOR	0xf3

/* The HYPERVISOR_CALLBACK_VECTOR hook added by core patch 0001. */
void hv_setup_mshv_handler(void (*handler)(void));
void hv_remove_mshv_handler(void);

/* Event-ring consumer positions, kept in the core by core patch 0002. */
#include <linux/percpu.h>
DECLARE_PER_CPU(u8 [HV_SYNIC_SINT_COUNT], hv_synic_eventring_tail);

#include <asm-generic/mshyperv.h>

#endif /* _HVSIM_ASM_MSHYPERV_H */
