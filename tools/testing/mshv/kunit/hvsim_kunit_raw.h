/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw hypercalls for the hvsim KUnit suites: issued on this CPU's
 * hypercall pages with interrupts disabled, exactly as a root driver must,
 * but without the driver, so that the model's own rules can be tested.
 */
#ifndef _HVSIM_KUNIT_RAW_H
#define _HVSIM_KUNIT_RAW_H

#include <kunit/test.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>

/* Control word: rep count at bit 32, rep start at 48, varhead at 17. */
#define CTL(code, reps)		((u64)(code) | ((u64)(reps) << 32))
#define CTL_START(start)	((u64)(start) << 48)
#define CTL_VARHEAD(q)		((u64)(q) << 17)

/*
 * Issue a memory-based call; the output (@out_len bytes) is copied out
 * while the page is still ours.
 */
static inline u64 raw_call(u64 control, const void *in, size_t in_len,
			   void *out, size_t out_len)
{
	void *input, *output;
	unsigned long flags;
	u64 status;

	local_irq_save(flags);
	input = *this_cpu_ptr(hyperv_pcpu_input_arg);
	output = *this_cpu_ptr(hyperv_pcpu_output_arg);
	memset(input, 0, HV_HYP_PAGE_SIZE);
	memset(output, 0, HV_HYP_PAGE_SIZE);
	memcpy(input, in, in_len);
	status = hv_do_hypercall(control, input, output);
	if (out)
		memcpy(out, output, out_len);
	local_irq_restore(flags);
	return status;
}

/* Deposit @n freshly allocated pages into partition @id (or SELF). */
static inline u16 raw_deposit(u64 id, unsigned int n)
{
	struct {
		u64 id;
		u64 pfn[64];
	} in = { .id = id };
	unsigned int i, done = 0;
	u64 status;

	while (done < n) {
		unsigned int k = min(n - done, 64U);

		for (i = 0; i < k; i++) {
			struct page *p = alloc_page(GFP_KERNEL);

			if (!p)
				return HV_STATUS_INSUFFICIENT_MEMORY;
			in.pfn[i] = page_to_pfn(p);
		}
		status = raw_call(CTL(HVCALL_DEPOSIT_MEMORY, k), &in, 8 + 8 * k,
				  NULL, 0);
		if (hv_result(status)) {
			for (i = hv_repcomp(status); i < k; i++)
				__free_page(pfn_to_page(in.pfn[i]));
			return hv_result(status);
		}
		done += k;
	}
	return HV_STATUS_SUCCESS;
}

/* Take back and free every page of partition @id's pool. */
static inline void raw_withdraw_all(struct kunit *test, u64 id)
{
	struct hv_input_withdraw_memory in = { .partition_id = id };
	u64 *pfns = kmalloc(HV_HYP_PAGE_SIZE, GFP_KERNEL);
	u64 status;
	u16 i;

	KUNIT_ASSERT_NOT_NULL(test, pfns);
	do {
		status = raw_call(CTL(HVCALL_WITHDRAW_MEMORY, 512), &in, sizeof(in),
				  pfns, HV_HYP_PAGE_SIZE);
		for (i = 0; i < hv_repcomp(status); i++)
			__free_page(pfn_to_page(pfns[i]));
	} while (hv_result(status) == HV_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, hv_result(status), HV_STATUS_NO_RESOURCES);
	kfree(pfns);
}

#endif /* _HVSIM_KUNIT_RAW_H */
