// SPDX-License-Identifier: GPL-2.0-only
/*
 * mshv_root: hypercall wrappers.
 *
 * This file is the only part of the driver that knows hypercall layouts.
 * Its rules:
 *  - Memory-based calls use this CPU's hypercall input/output pages, which
 *    the Hyper-V core allocates.  An interrupt handler may issue hypercalls
 *    on the same pages, so local interrupts are disabled exactly while a
 *    page is being filled, used by the hypervisor and read back (a scoped
 *    guard, so no return path can leave them disabled) -- never around
 *    memory allocation, and never around fast calls, which use no page.
 *  - The fixed input header is zeroed before it is filled, so no stale
 *    reserved field reaches the hypervisor.  Output pages are not zeroed:
 *    outputs are only read when the status says they are valid.
 *  - The status is read with hv_result()/hv_result_success()/hv_repcomp(),
 *    never by masking in place, and the full 64-bit result is kept.
 *  - Rep calls resume at the rep index the hypervisor reports completed;
 *    every batch size is a named constant bounded by what it batches.
 *  - "Needs memory" statuses go through one deposit-and-retry policy,
 *    mshv_deposit_for_status().
 */
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "mshv_root.h"

/*
 * DEPOSIT_MEMORY input: the partition id, then one PFN per rep; the batch is
 * what fits in the 4 KiB input page.
 */
#define MSHV_DEPOSIT_BATCH \
	((HV_HYP_PAGE_SIZE - sizeof(u64)) / sizeof(u64))

/* WITHDRAW_MEMORY output: one PFN per rep, as many as the output page holds. */
#define MSHV_WITHDRAW_BATCH	(HV_HYP_PAGE_SIZE / sizeof(u64))

/*
 * The hypervisor reports INSUFFICIENT_CONTIGUOUS_[ROOT_]MEMORY when it needs
 * physically contiguous memory; it is satisfied with chunks of this many
 * pages (order 3).
 */
#define MSHV_CONTIGUOUS_DEPOSIT_PAGES	8

/*
 * Pages deposited per "needs memory" status when the caller has no better
 * estimate.  One page per retry (as early root drivers did) costs a
 * hypercall round trip per page for objects that need several; 16 pages
 * cover every object hvsim and the hypervisor create for a partition's
 * control structures in one retry, and stay in the pool for the next.
 */
#define MSHV_DEPOSIT_DEFAULT_PAGES	16

/*
 * A call that keeps asking for memory after this many deposits is not
 * going to be satisfied (or the hypervisor leaks); fail it with -ENOMEM.
 */
#define MSHV_DEPOSIT_RETRIES		32

static atomic64_t mshv_deposited = ATOMIC64_INIT(0);

/**
 * mshv_pages_deposited() - pages this driver has deposited and not withdrawn
 *
 * Return: the number of pages, counting deposits into the root's own pool.
 */
u64 mshv_pages_deposited(void)
{
	return atomic64_read(&mshv_deposited);
}
EXPORT_SYMBOL_IF_KUNIT(mshv_pages_deposited);

/**
 * mshv_hv_status_to_errno() - map a hypercall result to an errno
 * @status: the 64-bit hypercall result
 *
 * The VMM gets the raw status wherever the ABI has a field for it; this is
 * the errno for everything else.
 *
 * Return: 0 for success, else a negative errno.
 */
int mshv_hv_status_to_errno(u64 status)
{
	switch (hv_result(status)) {
	case HV_STATUS_SUCCESS:
		return 0;
	case HV_STATUS_INVALID_HYPERCALL_CODE:
	case HV_STATUS_INVALID_HYPERCALL_INPUT:
	case HV_STATUS_INVALID_ALIGNMENT:
	case HV_STATUS_INVALID_PARAMETER:
	case HV_STATUS_INVALID_PARTITION_STATE:
	case HV_STATUS_INVALID_PARTITION_ID:
	case HV_STATUS_INVALID_VP_INDEX:
	case HV_STATUS_INVALID_PORT_ID:
	case HV_STATUS_INVALID_CONNECTION_ID:
	case HV_STATUS_INVALID_VP_STATE:
	case HV_STATUS_INVALID_LP_INDEX:
	case HV_STATUS_INVALID_REGISTER_VALUE:
		return -EINVAL;
	case HV_STATUS_ACCESS_DENIED:
	case HV_STATUS_OPERATION_DENIED:
		return -EACCES;
	case HV_STATUS_INSUFFICIENT_MEMORY:
	case HV_STATUS_INSUFFICIENT_CONTIGUOUS_MEMORY:
	case HV_STATUS_INSUFFICIENT_ROOT_MEMORY:
	case HV_STATUS_INSUFFICIENT_CONTIGUOUS_ROOT_MEMORY:
		return -ENOMEM;
	case HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE:
		return -ERANGE;
	case HV_STATUS_INSUFFICIENT_BUFFERS:
		return -ENOBUFS;
	case HV_STATUS_TIME_OUT:
		return -ETIMEDOUT;
	case U16_MAX:
		/* hv_do_hypercall() without a hypercall page: no hypervisor. */
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hv_status_to_errno);

/**
 * mshv_hv_status_needs_memory() - does the hypervisor ask for a deposit?
 * @status: the 64-bit hypercall result
 *
 * Return: true for the four "insufficient memory" statuses.
 */
bool mshv_hv_status_needs_memory(u64 status)
{
	switch (hv_result(status)) {
	case HV_STATUS_INSUFFICIENT_MEMORY:
	case HV_STATUS_INSUFFICIENT_CONTIGUOUS_MEMORY:
	case HV_STATUS_INSUFFICIENT_ROOT_MEMORY:
	case HV_STATUS_INSUFFICIENT_CONTIGUOUS_ROOT_MEMORY:
		return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hv_status_needs_memory);

/**
 * mshv_do_rep_hypercall() - issue a rep hypercall to completion
 * @code: hypercall code
 * @varhead: variable header size in 8-byte units
 * @rep_count: total reps (1..4095)
 * @rep_start: first rep to process
 * @input: input parameter page (this CPU's, interrupts disabled)
 * @output: output parameter page or NULL
 *
 * The hypervisor may return success before processing every rep (its time
 * slice ran out).  Re-issue the call from the rep it reports completed until
 * all reps are done, an error is returned, or no progress is made.
 *
 * Return: the last hypercall result; hv_repcomp() of it is the absolute
 * number of reps completed.  On success with hv_repcomp() < @rep_count the
 * hypervisor stopped making progress and the caller must fail the request.
 */
u64 mshv_do_rep_hypercall(u16 code, u16 varhead, u16 rep_count, u16 rep_start,
			  void *input, void *output)
{
	u64 status;

	if (WARN_ON_ONCE(!rep_count || rep_count > HV_HYPERCALL_REP_COMP_MASK >>
					  HV_HYPERCALL_REP_COMP_OFFSET ||
			 rep_start >= rep_count))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;

	for (;;) {
		status = hv_do_hypercall(mshv_hvcall_control(code, varhead,
							     rep_count, rep_start),
					 input, output);
		if (!hv_result_success(status) ||
		    hv_repcomp(status) >= rep_count ||
		    WARN_ON_ONCE(hv_repcomp(status) <= rep_start))
			return status;
		rep_start = hv_repcomp(status);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mshv_do_rep_hypercall);

static void mshv_free_pfns(const u64 *pfns, unsigned int n)
{
	while (n--)
		__free_page(pfn_to_page(pfns[n]));
}

/*
 * Allocate @n pages for a deposit into @pfns, largest blocks first, split
 * into 4 KiB pages (withdrawal returns pages one at a time, in any order).
 * @contiguous: only whole MSHV_CONTIGUOUS_DEPOSIT_PAGES chunks will do.
 */
static int mshv_alloc_deposit_pages(u64 *pfns, unsigned int n, bool contiguous)
{
	unsigned int got = 0, order, i;
	struct page *page;

	while (got < n) {
		order = contiguous ? ilog2(MSHV_CONTIGUOUS_DEPOSIT_PAGES) :
				     min_t(unsigned int, ilog2(n - got),
					   PAGE_ALLOC_COSTLY_ORDER);
		for (;;) {
			page = alloc_pages(GFP_KERNEL | (order ? __GFP_NOWARN |
					   __GFP_NORETRY : 0), order);
			if (page || contiguous || !order)
				break;
			order--;
		}
		if (!page) {
			mshv_free_pfns(pfns, got);
			return -ENOMEM;
		}
		split_page(page, order);
		for (i = 0; i < (1U << order) && got < n; i++)
			pfns[got++] = page_to_pfn(page) + i;
		/* A contiguous chunk may overshoot @n: free the tail. */
		for (; i < (1U << order); i++)
			__free_page(page + i);
	}
	return 0;
}

/**
 * mshv_deposit_pages() - give the hypervisor memory for a partition's pool
 * @partition_id: the partition, or HV_PARTITION_ID_SELF for the root's pool
 * @num_pages: pages to deposit
 * @contiguous: deposit physically contiguous 8-page chunks
 *
 * Pages are allocated before interrupts are disabled; the PFN list is
 * copied into the input page and deposited in batches of
 * MSHV_DEPOSIT_BATCH.  Pages the hypervisor accepted before a failure stay
 * deposited (they come back with withdrawal); the rest are freed.
 *
 * Return: 0 when every page was accepted, else a negative errno.
 */
int mshv_deposit_pages(u64 partition_id, u32 num_pages, bool contiguous)
{
	struct hv_deposit_memory *input;
	unsigned int batch, done;
	u64 *pfns, status;
	int ret = 0;

	pfns = (u64 *)__get_free_page(GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;

	while (num_pages) {
		batch = min_t(u32, num_pages, MSHV_DEPOSIT_BATCH);
		if (contiguous)
			batch = round_down(batch, MSHV_CONTIGUOUS_DEPOSIT_PAGES) ?:
				MSHV_CONTIGUOUS_DEPOSIT_PAGES;
		ret = mshv_alloc_deposit_pages(pfns, batch, contiguous);
		if (ret)
			break;

		scoped_guard(irqsave) {
			input = *this_cpu_ptr(hyperv_pcpu_input_arg);
			input->partition_id = partition_id;
			memcpy(input->gpa_page_list, pfns, batch * sizeof(u64));
			status = mshv_do_rep_hypercall(HVCALL_DEPOSIT_MEMORY, 0,
						       batch, 0, input, NULL);
		}

		done = hv_repcomp(status);
		atomic64_add(done, &mshv_deposited);
		mshv_free_pfns(pfns + done, batch - done);
		if (!hv_result_success(status) || done < batch) {
			ret = mshv_hv_status_to_errno(status) ?: -EIO;
			break;
		}
		num_pages -= min(num_pages, batch);
	}

	free_page((unsigned long)pfns);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_deposit_pages);

/**
 * mshv_deposit_for_status() - the deposit-and-retry policy
 * @status: result of a call that failed
 * @partition_id: the partition whose pool the failed call draws from
 * @num_pages: pages to deposit for INSUFFICIENT_MEMORY (0: the default)
 *
 * INSUFFICIENT_MEMORY and INSUFFICIENT_CONTIGUOUS_MEMORY refill the pool of
 * @partition_id; the _ROOT_ variants always refill the root's own pool.
 * The contiguous variants deposit one 8-page physically contiguous chunk.
 *
 * Return: 0 if memory was deposited and the caller should retry the call,
 * else the errno for @status (or for a failed deposit).
 */
int mshv_deposit_for_status(u64 status, u64 partition_id, u32 num_pages)
{
	num_pages = num_pages ?: MSHV_DEPOSIT_DEFAULT_PAGES;

	switch (hv_result(status)) {
	case HV_STATUS_INSUFFICIENT_MEMORY:
		return mshv_deposit_pages(partition_id, num_pages, false);
	case HV_STATUS_INSUFFICIENT_CONTIGUOUS_MEMORY:
		return mshv_deposit_pages(partition_id,
					  MSHV_CONTIGUOUS_DEPOSIT_PAGES, true);
	case HV_STATUS_INSUFFICIENT_ROOT_MEMORY:
		return mshv_deposit_pages(HV_PARTITION_ID_SELF, num_pages, false);
	case HV_STATUS_INSUFFICIENT_CONTIGUOUS_ROOT_MEMORY:
		return mshv_deposit_pages(HV_PARTITION_ID_SELF,
					  MSHV_CONTIGUOUS_DEPOSIT_PAGES, true);
	}
	return mshv_hv_status_to_errno(status);
}
EXPORT_SYMBOL_IF_KUNIT(mshv_deposit_for_status);

/**
 * mshv_withdraw_all() - take back every page deposited into a partition
 * @partition_id: a child partition (finalized or never initialized)
 *
 * Withdraws MSHV_WITHDRAW_BATCH pages per call until the hypervisor answers
 * NO_RESOURCES (pool empty).  The PFNs are copied out of the output page
 * with interrupts disabled and freed after they are enabled again.
 *
 * Return: 0, or a negative errno if the hypervisor failed the withdrawal.
 */
int mshv_withdraw_all(u64 partition_id)
{
	struct hv_input_withdraw_memory *input;
	struct hv_output_withdraw_memory *output;
	unsigned int n;
	u64 *pfns, status;
	int ret;

	pfns = (u64 *)__get_free_page(GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;

	for (;;) {
		scoped_guard(irqsave) {
			input = *this_cpu_ptr(hyperv_pcpu_input_arg);
			output = *this_cpu_ptr(hyperv_pcpu_output_arg);
			memset(input, 0, sizeof(*input));
			input->partition_id = partition_id;
			status = hv_do_hypercall(mshv_hvcall_control(HVCALL_WITHDRAW_MEMORY,
								     0, MSHV_WITHDRAW_BATCH, 0),
						 input, output);
			/* Completed reps are valid even with NO_RESOURCES. */
			n = min_t(unsigned int, hv_repcomp(status), MSHV_WITHDRAW_BATCH);
			memcpy(pfns, output->gpa_page_list, n * sizeof(u64));
		}

		mshv_free_pfns(pfns, n);
		atomic64_sub(n, &mshv_deposited);
		if (hv_result(status) == HV_STATUS_NO_RESOURCES) {
			ret = 0;
			break;
		}
		if (!hv_result_success(status)) {
			ret = mshv_hv_status_to_errno(status);
			break;
		}
		cond_resched();
	}

	free_page((unsigned long)pfns);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_withdraw_all);

/**
 * mshv_hvcall_create_partition() - HVCALL_CREATE_PARTITION
 * @flags: HV_PARTITION_CREATION_FLAG_* bits
 * @isolation: the isolation properties word
 * @disabled_features: processor feature banks to hide from the guest
 * @disabled_xsave: XSAVE features to hide from the guest
 * @partition_id: the new partition's id on success
 *
 * The partition object is allocated from the root's pool: deposit into the
 * root and retry while the hypervisor asks for memory.
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_create_partition(u64 flags, u64 isolation,
				 const u64 disabled_features[2],
				 u64 disabled_xsave, u64 *partition_id)
{
	struct hv_input_create_partition *input;
	struct hv_output_create_partition *output;
	unsigned int attempt;
	u64 status;
	int ret;

	for (attempt = 0; attempt < MSHV_DEPOSIT_RETRIES; attempt++) {
		scoped_guard(irqsave) {
			input = *this_cpu_ptr(hyperv_pcpu_input_arg);
			output = *this_cpu_ptr(hyperv_pcpu_output_arg);
			memset(input, 0, sizeof(*input));
			input->flags = flags;
			input->compatibility_version = HV_PARTITION_COMPATIBILITY_VERSION_21H2;
			input->disabled_processor_features.as_uint64[0] = disabled_features[0];
			input->disabled_processor_features.as_uint64[1] = disabled_features[1];
			input->disabled_processor_xsave_features = disabled_xsave;
			input->isolation_properties = isolation;
			status = hv_do_hypercall(HVCALL_CREATE_PARTITION, input, output);
			if (hv_result_success(status))
				*partition_id = output->partition_id;
		}
		if (!mshv_hv_status_needs_memory(status))
			return mshv_hv_status_to_errno(status);
		ret = mshv_deposit_for_status(status, HV_PARTITION_ID_SELF, 0);
		if (ret)
			return ret;
	}
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hvcall_create_partition);

/**
 * mshv_hvcall_initialize_partition() - HVCALL_INITIALIZE_PARTITION
 * @partition_id: a partition in the created state
 *
 * Return: 0 or a negative errno; deposits into the partition on demand.
 */
int mshv_hvcall_initialize_partition(u64 partition_id)
{
	unsigned int attempt;
	u64 status;
	int ret;

	for (attempt = 0; attempt < MSHV_DEPOSIT_RETRIES; attempt++) {
		status = hv_do_fast_hypercall8(HVCALL_INITIALIZE_PARTITION,
					       partition_id);
		if (!mshv_hv_status_needs_memory(status))
			return mshv_hv_status_to_errno(status);
		ret = mshv_deposit_for_status(status, partition_id, 0);
		if (ret)
			return ret;
	}
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hvcall_initialize_partition);

/**
 * mshv_hvcall_finalize_partition() - HVCALL_FINALIZE_PARTITION
 * @partition_id: the partition; its VPs, ports and mappings are deleted
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_finalize_partition(u64 partition_id)
{
	return mshv_hv_status_to_errno(hv_do_fast_hypercall8(HVCALL_FINALIZE_PARTITION,
							     partition_id));
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hvcall_finalize_partition);

/**
 * mshv_hvcall_delete_partition() - HVCALL_DELETE_PARTITION
 * @partition_id: a partition whose pool has been withdrawn
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_delete_partition(u64 partition_id)
{
	return mshv_hv_status_to_errno(hv_do_fast_hypercall8(HVCALL_DELETE_PARTITION,
							     partition_id));
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hvcall_delete_partition);

/**
 * mshv_hvcall_get_scheduler_type() - which scheduler runs guest VPs
 * @type: HV_SCHEDULER_TYPE_* on success
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_get_scheduler_type(u32 *type)
{
	struct hv_input_get_system_property *input;
	union hv_output_get_system_property *output;
	u64 status;

	scoped_guard(irqsave) {
		input = *this_cpu_ptr(hyperv_pcpu_input_arg);
		output = *this_cpu_ptr(hyperv_pcpu_output_arg);
		memset(input, 0, sizeof(*input));
		input->property_id = HV_SYSTEM_PROPERTY_SCHEDULER_TYPE;
		status = hv_do_hypercall(HVCALL_GET_SYSTEM_PROPERTY, input, output);
		if (hv_result_success(status))
			*type = output->scheduler_type;
	}
	return mshv_hv_status_to_errno(status);
}
