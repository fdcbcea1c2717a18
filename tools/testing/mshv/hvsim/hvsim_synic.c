// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: the root partition's synthetic interrupt controller, as seen
 * through hv_get_msr()/hv_set_msr().
 *
 * For the root the hypervisor provides the SIMP, SIEFP and SIRBP pages:
 * reading the MSR returns the hypervisor-chosen base, and the root writes
 * it back with the enable bit set.  hvsim allocates those pages per CPU at
 * load.  Writes that would #GP on hardware (reserved bits, a different page
 * base, a SINT vector below 16, writing a read-only MSR) are reported as
 * driver bugs and ignored.
 */
#include <linux/module.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>

#include "hvsim.h"

#define HVSIM_SINT_COUNT	16
/* SINTx: vector 0-7, masked 16, auto_eoi 17, polling 18, as_intercept 19, proxy 20. */
#define HVSIM_SINT_VALID	(GENMASK_ULL(7, 0) | GENMASK_ULL(20, 16))
#define HVSIM_SINT_MASKED	BIT_ULL(16)
/* SIMP/SIEFP/SIRBP: enable bit 0, bits 1-11 preserved, base 12-63. */
#define HVSIM_PAGE_ENABLE	BIT_ULL(0)
#define HVSIM_PAGE_BASE		GENMASK_ULL(63, 12)

struct hvsim_synic {
	u64 scontrol;
	u64 simp;
	u64 siefp;
	u64 sirbp;
	u64 sint[HVSIM_SINT_COUNT];
	void *msg_page;
	void *flag_page;
	void *ring_page;
};

static DEFINE_PER_CPU(struct hvsim_synic, hvsim_synic);
static void (*mshv_handler)(void);

void hv_setup_mshv_handler(void (*handler)(void))
{
	WRITE_ONCE(mshv_handler, handler);
}
EXPORT_SYMBOL_GPL(hv_setup_mshv_handler);

void hv_remove_mshv_handler(void)
{
	WRITE_ONCE(mshv_handler, NULL);
}
EXPORT_SYMBOL_GPL(hv_remove_mshv_handler);

static u64 *hvsim_page_msr(struct hvsim_synic *s, unsigned int reg, void **page)
{
	switch (reg) {
	case HV_X64_MSR_SIMP:
		*page = s->msg_page;
		return &s->simp;
	case HV_X64_MSR_SIEFP:
		*page = s->flag_page;
		return &s->siefp;
	case HV_X64_MSR_SIRBP:
		*page = s->ring_page;
		return &s->sirbp;
	}
	return NULL;
}

u64 hv_get_msr(unsigned int reg)
{
	struct hvsim_synic *s = this_cpu_ptr(&hvsim_synic);
	void *page;
	u64 *msr;

	if (reg >= HV_X64_MSR_SINT0 && reg < HV_X64_MSR_SINT0 + HVSIM_SINT_COUNT)
		return s->sint[reg - HV_X64_MSR_SINT0];
	msr = hvsim_page_msr(s, reg, &page);
	if (msr)
		return *msr;
	switch (reg) {
	case HV_X64_MSR_SCONTROL:
		return s->scontrol;
	case HV_X64_MSR_SVERSION:
		return 1;
	case HV_X64_MSR_EOM:
		return 0;
	}
	WARN_ONCE(1, "hvsim: rdmsr of unmodelled MSR %#x (#GP on hardware)\n", reg);
	return 0;
}
EXPORT_SYMBOL_GPL(hv_get_msr);

void hv_set_msr(unsigned int reg, u64 value)
{
	struct hvsim_synic *s = this_cpu_ptr(&hvsim_synic);
	void *page;
	u64 *msr;

	if (reg >= HV_X64_MSR_SINT0 && reg < HV_X64_MSR_SINT0 + HVSIM_SINT_COUNT) {
		if (WARN_ONCE((value & ~HVSIM_SINT_VALID) ||
			      (!(value & HVSIM_SINT_MASKED) && (value & 0xff) < 16),
			      "hvsim: invalid SINT%u value %#llx (#GP)\n",
			      reg - HV_X64_MSR_SINT0, value))
			return;
		s->sint[reg - HV_X64_MSR_SINT0] = value;
		return;
	}
	msr = hvsim_page_msr(s, reg, &page);
	if (msr) {
		/* The root must keep the base the hypervisor chose. */
		if (WARN_ONCE((value & HVSIM_PAGE_BASE) != (*msr & HVSIM_PAGE_BASE),
			      "hvsim: root moved hypervisor page of MSR %#x\n", reg))
			return;
		*msr = value;
		return;
	}
	switch (reg) {
	case HV_X64_MSR_SCONTROL:
		if (WARN_ONCE(value & ~1ULL, "hvsim: SCONTROL reserved bits %#llx\n", value))
			return;
		s->scontrol = value;
		return;
	case HV_X64_MSR_EOM:
		/* Message re-delivery arrives with the message queues. */
		return;
	}
	WARN_ONCE(1, "hvsim: wrmsr of unmodelled/read-only MSR %#x (#GP)\n", reg);
}
EXPORT_SYMBOL_GPL(hv_set_msr);

void hvsim_synic_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);

		free_page((unsigned long)s->msg_page);
		free_page((unsigned long)s->flag_page);
		free_page((unsigned long)s->ring_page);
		memset(s, 0, sizeof(*s));
	}
}

int hvsim_synic_init(void)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);

		s->msg_page = (void *)get_zeroed_page(GFP_KERNEL);
		s->flag_page = (void *)get_zeroed_page(GFP_KERNEL);
		s->ring_page = (void *)get_zeroed_page(GFP_KERNEL);
		if (!s->msg_page || !s->flag_page || !s->ring_page) {
			hvsim_synic_exit();
			return -ENOMEM;
		}
		/* Reset state: disabled, bases chosen by "the hypervisor". */
		s->simp = virt_to_phys(s->msg_page) & HVSIM_PAGE_BASE;
		s->siefp = virt_to_phys(s->flag_page) & HVSIM_PAGE_BASE;
		s->sirbp = virt_to_phys(s->ring_page) & HVSIM_PAGE_BASE;
		for (i = 0; i < HVSIM_SINT_COUNT; i++)
			s->sint[i] = HVSIM_SINT_MASKED;
	}
	return 0;
}
