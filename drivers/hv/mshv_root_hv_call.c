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
 * Batch sizes.  Calls with a PFN list are bounded by how many entries fit in
 * the 4 KiB input page after the fixed header (the hv_root.h *_MAX_REPS
 * values are derived from the structures and checked at compile time);
 * calls with per-rep output by the output page and the 12-bit rep count.
 */
/* DEPOSIT_MEMORY: 8-byte partition id, then 511 PFNs. */
#define MSHV_DEPOSIT_BATCH	HV_DEPOSIT_MEMORY_MAX_REPS
/* WITHDRAW_MEMORY: 512 PFNs fill the output page. */
#define MSHV_WITHDRAW_BATCH	HV_WITHDRAW_MEMORY_MAX_REPS
/* MAP_GPA_PAGES: 24-byte header, then 509 PFNs (4 KiB or 2 MiB each). */
#define MSHV_MAP_BATCH		HV_MAP_GPA_PAGES_MAX_REPS
/*
 * UNMAP_GPA_PAGES has no list: its rep count only bounds how long the
 * hypervisor runs with this CPU's interrupts disabled and the input page
 * in use; 512 pages (one page-table page of 4 KiB mappings) per call.
 */
#define MSHV_UNMAP_BATCH	512
/* GET_GPA_PAGES_ACCESS_STATES: one byte per rep, 12-bit rep count. */
#define MSHV_ACCESS_STATES_BATCH	HV_GET_GPA_PAGES_ACCESS_STATES_MAX_REPS

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

/*
 * Issue a simple call whose input is built by @fill on this CPU's input
 * page, depositing into @deposit_id while the hypervisor asks for memory
 * (calls that never need memory simply never retry).  The output page is
 * handed to @read, if any, on success.
 */
static int mshv_hvcall_simple_deposit(u16 code, u64 deposit_id,
				      void (*fill)(void *input, const void *ctx),
				      void (*read)(const void *output, void *ctx),
				      const void *in_ctx, void *out_ctx)
{
	unsigned int attempt;
	void *input, *output;
	u64 status;
	int ret;

	for (attempt = 0; attempt <= MSHV_DEPOSIT_RETRIES; attempt++) {
		scoped_guard(irqsave) {
			input = *this_cpu_ptr(hyperv_pcpu_input_arg);
			output = *this_cpu_ptr(hyperv_pcpu_output_arg);
			fill(input, in_ctx);
			status = hv_do_hypercall(code, input, output);
			if (read && hv_result_success(status))
				read(output, out_ctx);
		}
		if (!mshv_hv_status_needs_memory(status))
			return mshv_hv_status_to_errno(status);
		ret = mshv_deposit_for_status(status, deposit_id, 0);
		if (ret)
			return ret;
	}
	return -ENOMEM;
}

static void mshv_fill_create_partition(void *input, const void *ctx)
{
	/* Copies the whole fixed header: nothing stale survives. */
	memcpy(input, ctx, sizeof(struct hv_input_create_partition));
}

static void mshv_read_partition_id(const void *output, void *ctx)
{
	const struct hv_output_create_partition *out = output;

	*(u64 *)ctx = out->partition_id;
}

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
	struct hv_input_create_partition in = {
		.flags = flags,
		.compatibility_version = HV_PARTITION_COMPATIBILITY_VERSION_21H2,
		.disabled_processor_features.as_uint64 = {
			disabled_features[0], disabled_features[1],
		},
		.disabled_processor_xsave_features = disabled_xsave,
		.isolation_properties = isolation,
	};

	return mshv_hvcall_simple_deposit(HVCALL_CREATE_PARTITION,
					  HV_PARTITION_ID_SELF,
					  mshv_fill_create_partition,
					  mshv_read_partition_id, &in, partition_id);
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

/*
 * Pages to deposit when mapping runs out of memory with @pages 4 KiB pages
 * still to map: the hypervisor's second-level tables need about one page
 * per 512 mappings, so deposit for the rest of the request at once (at
 * least the default, at most one deposit batch) instead of one small
 * deposit per table page.
 */
static u32 mshv_map_deposit_pages(u64 pages)
{
	return clamp_t(u64, DIV_ROUND_UP(pages, 512) + 1,
		       MSHV_DEPOSIT_DEFAULT_PAGES, MSHV_DEPOSIT_BATCH);
}

/**
 * mshv_hvcall_map_gpa_pages() - HVCALL_MAP_GPA_PAGES for a list of PFNs
 * @partition_id: the guest partition
 * @gfn: first guest page (4 KiB units, also for large pages)
 * @pfns: host PFNs, one per 4 KiB page, or one (2 MiB aligned) per 2 MiB
 *	page with HV_MAP_GPA_LARGE_PAGE in @flags
 * @count: entries in @pfns
 * @flags: HV_MAP_GPA_* flags
 * @pages_left: 4 KiB pages the caller's whole operation still maps,
 *	including these (sizes deposits; at least what @pfns covers)
 *
 * Maps in batches of MSHV_MAP_BATCH.  When the partition's pool runs dry
 * the hypervisor stops with INSUFFICIENT_MEMORY after mapping some entries;
 * deposit and continue from the first unmapped entry.
 *
 * Return: 0, or a negative errno with *nothing* unmapped: the caller unmaps
 * the whole range it asked for.
 */
int mshv_hvcall_map_gpa_pages(u64 partition_id, u64 gfn, const u64 *pfns,
			      u64 count, u32 flags, u64 pages_left)
{
	u64 pages_per_entry = flags & HV_MAP_GPA_LARGE_PAGE ? MSHV_LARGE_PAGE_PAGES : 1;
	struct hv_input_map_gpa_pages *input;
	unsigned int attempt = 0, batch, done;
	u64 status;
	int ret;

	while (count) {
		batch = min_t(u64, count, MSHV_MAP_BATCH);
		scoped_guard(irqsave) {
			input = *this_cpu_ptr(hyperv_pcpu_input_arg);
			memset(input, 0, sizeof(*input));
			input->target_partition_id = partition_id;
			input->target_gpa_base = gfn;
			input->map_flags = flags;
			memcpy(input->source_gpa_page_list, pfns, batch * sizeof(u64));
			status = mshv_do_rep_hypercall(HVCALL_MAP_GPA_PAGES, 0, batch,
						       0, input, NULL);
		}
		done = hv_repcomp(status);
		pfns += done;
		count -= done;
		gfn += done * pages_per_entry;
		pages_left -= min(pages_left, done * pages_per_entry);
		if (hv_result_success(status) && done == batch) {
			attempt = 0;
			continue;
		}
		if (!mshv_hv_status_needs_memory(status))
			return mshv_hv_status_to_errno(status) ?: -EIO;
		if (done)
			attempt = 0;	/* progress: the deposit budget restarts */
		if (++attempt > MSHV_DEPOSIT_RETRIES)
			return -ENOMEM;
		ret = mshv_deposit_for_status(status, partition_id,
					      mshv_map_deposit_pages(max(pages_left,
									 count * pages_per_entry)));
		if (ret)
			return ret;
		cond_resched();
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hvcall_map_gpa_pages);

/**
 * mshv_hvcall_unmap_gpa_pages() - HVCALL_UNMAP_GPA_PAGES
 * @partition_id: the guest partition
 * @gfn: first guest page (4 KiB units)
 * @count: pages to unmap, in 2 MiB units if @large
 * @large: the range was mapped with 2 MiB pages
 *
 * Return: 0 or the errno of the first failure (the rest is still unmapped).
 */
int mshv_hvcall_unmap_gpa_pages(u64 partition_id, u64 gfn, u64 count, bool large)
{
	u64 pages_per_entry = large ? MSHV_LARGE_PAGE_PAGES : 1;
	struct hv_input_unmap_gpa_pages *input;
	unsigned int batch, done, attempt = 0;
	int ret = 0;
	u64 status;

	while (count) {
		batch = min_t(u64, count, MSHV_UNMAP_BATCH);
		scoped_guard(irqsave) {
			input = *this_cpu_ptr(hyperv_pcpu_input_arg);
			memset(input, 0, sizeof(*input));
			input->target_partition_id = partition_id;
			input->target_gpa_base = gfn;
			input->unmap_flags = large ? HV_UNMAP_GPA_LARGE_PAGE : 0;
			status = mshv_do_rep_hypercall(HVCALL_UNMAP_GPA_PAGES, 0, batch,
						       0, input, NULL);
		}
		done = hv_result_success(status) ? batch : hv_repcomp(status);
		/*
		 * Unmapping part of a large page splits it, which can need
		 * memory: deposit and go on from the first rep not done.
		 */
		if (mshv_hv_status_needs_memory(status) &&
		    ++attempt <= MSHV_DEPOSIT_RETRIES &&
		    !mshv_deposit_for_status(status, partition_id, 0)) {
			count -= done;
			gfn += done * pages_per_entry;
			continue;
		}
		if (!hv_result_success(status) || hv_repcomp(status) < batch)
			ret = ret ?: (mshv_hv_status_to_errno(status) ?: -EIO);
		attempt = 0;
		/* Whatever failed, go on with the rest of the range. */
		count -= batch;
		gfn += batch * pages_per_entry;
		cond_resched();
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hvcall_unmap_gpa_pages);

/**
 * mshv_hvcall_get_gpa_access_states() - HVCALL_GET_GPA_PAGES_ACCESS_STATES
 * @partition_id: the guest partition
 * @gfn: first guest page
 * @count: pages (at most MSHV_ACCESS_STATES_BATCH)
 * @flags: HV_GPA_PAGE_ACCESS_* clear/set flags applied after reading
 * @states: receives one HV_GPA_PAGE_ACCESS_STATE_* byte per page, the state
 *	before @flags applied
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_get_gpa_access_states(u64 partition_id, u64 gfn, u32 count,
				      u64 flags, u8 *states)
{
	struct hv_input_get_gpa_pages_access_states *input;
	struct hv_output_get_gpa_pages_access_states *output;
	u64 status;

	if (WARN_ON_ONCE(!count || count > MSHV_ACCESS_STATES_BATCH))
		return -EINVAL;

	scoped_guard(irqsave) {
		input = *this_cpu_ptr(hyperv_pcpu_input_arg);
		output = *this_cpu_ptr(hyperv_pcpu_output_arg);
		memset(input, 0, sizeof(*input));
		input->partition_id = partition_id;
		input->flags = flags;
		input->hv_gpa_page_number = gfn;
		status = mshv_do_rep_hypercall(HVCALL_GET_GPA_PAGES_ACCESS_STATES, 0,
					       count, 0, input, output);
		if (hv_result_success(status) && hv_repcomp(status) == count)
			memcpy(states, output->states, count);
	}
	if (!hv_result_success(status))
		return mshv_hv_status_to_errno(status);
	return hv_repcomp(status) == count ? 0 : -EIO;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hvcall_get_gpa_access_states);

/**
 * mshv_hvcall_passthrough() - issue a VMM-built hypercall
 * @code: hypercall code (checked against the allow-list by the caller)
 * @reps: rep count, 0 for a simple call
 * @in: @in_sz bytes of input; the first 8 bytes are the target partition id
 * @in_sz: 8..4096
 * @out: output buffer of @out_sz bytes (zeroed here), or NULL
 * @out_sz: 0..4096
 * @deposit_id: partition whose pool an INSUFFICIENT_MEMORY refills
 * @result: the final 64-bit hypercall result, also when an errno is returned
 *
 * Deposits and retries inside the kernel while the hypervisor asks for
 * memory, resuming a rep call at the reps it completed.  @out receives the
 * first @out_sz bytes of the output page; they are only meaningful (and
 * only shown to the VMM) if the final status is SUCCESS.
 *
 * Return: 0 if the hypercall was issued (its status is in @result), or a
 * negative errno if it could not be issued or its memory demand could not
 * be met (then @result holds the last status, if any).
 */
int mshv_hvcall_passthrough(u16 code, u16 reps, const void *in, u16 in_sz,
			    void *out, u16 out_sz, u64 deposit_id, u64 *result)
{
	unsigned int attempt;
	u16 rep_start = 0;
	void *input, *output;
	u64 status = U64_MAX;
	int ret;

	if (out)
		memset(out, 0, out_sz);
	for (attempt = 0; attempt <= MSHV_DEPOSIT_RETRIES; attempt++) {
		scoped_guard(irqsave) {
			input = *this_cpu_ptr(hyperv_pcpu_input_arg);
			output = *this_cpu_ptr(hyperv_pcpu_output_arg);
			memcpy(input, in, in_sz);
			memset(input + in_sz, 0, HV_HYP_PAGE_SIZE - in_sz);
			/*
			 * A resumed rep call must find the outputs of the reps
			 * it completed before the deposit (the page may have
			 * served other calls, or be another CPU's, since).
			 */
			if (out)
				memcpy(output, out, out_sz);
			if (reps)
				status = mshv_do_rep_hypercall(code, 0, reps, rep_start,
							       input, output);
			else
				status = hv_do_hypercall(code, input, output);
			if (out)
				memcpy(out, output, out_sz);
		}
		*result = status;
		if (!mshv_hv_status_needs_memory(status))
			return 0;
		if (reps)
			rep_start = hv_repcomp(status);
		ret = mshv_deposit_for_status(status, deposit_id, 0);
		if (ret)
			return ret;
	}
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(mshv_hvcall_passthrough);

struct mshv_vp_id {
	u64 partition_id;
	u32 vp_index;
	u32 type;
};

static void mshv_fill_create_vp(void *input, const void *ctx)
{
	const struct mshv_vp_id *id = ctx;
	struct hv_create_vp *in = input;

	memset(in, 0, sizeof(*in));
	in->partition_id = id->partition_id;
	in->vp_index = id->vp_index;
}

/**
 * mshv_hvcall_create_vp() - HVCALL_CREATE_VP
 * @partition_id: an initialized partition
 * @vp_index: the new VP's index
 *
 * The VP's structures come from the partition's pool.
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_create_vp(u64 partition_id, u32 vp_index)
{
	struct mshv_vp_id id = { .partition_id = partition_id, .vp_index = vp_index };

	return mshv_hvcall_simple_deposit(HVCALL_CREATE_VP, partition_id,
					  mshv_fill_create_vp, NULL, &id, NULL);
}

/**
 * mshv_hvcall_delete_vp() - HVCALL_DELETE_VP (error paths only; finalize
 *	deletes every VP)
 * @partition_id: the partition
 * @vp_index: the VP
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_delete_vp(u64 partition_id, u32 vp_index)
{
	return mshv_hv_status_to_errno(hv_do_fast_hypercall16(HVCALL_DELETE_VP,
							      partition_id, vp_index));
}

static void mshv_fill_map_vp_state_page(void *input, const void *ctx)
{
	const struct mshv_vp_id *id = ctx;
	struct hv_input_map_vp_state_page *in = input;

	/* Zero flags and requested location: the hypervisor picks the page. */
	memset(in, 0, sizeof(*in));
	in->partition_id = id->partition_id;
	in->vp_index = id->vp_index;
	in->type = id->type;
}

static void mshv_fill_unmap_vp_state_page(void *input, const void *ctx)
{
	const struct mshv_vp_id *id = ctx;
	struct hv_input_unmap_vp_state_page *in = input;

	memset(in, 0, sizeof(*in));
	in->partition_id = id->partition_id;
	in->vp_index = id->vp_index;
	in->type = id->type;
}

static void mshv_read_map_location(const void *output, void *ctx)
{
	const struct hv_output_map_vp_state_page *out = output;

	*(u64 *)ctx = out->map_location;
}

/**
 * mshv_hvcall_map_vp_state_page() - HVCALL_MAP_VP_STATE_PAGE
 * @partition_id: the partition
 * @vp_index: the VP
 * @type: HV_VP_STATE_PAGE_*
 * @pfn: the root page the hypervisor shares for it
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_map_vp_state_page(u64 partition_id, u32 vp_index, u32 type,
				  u64 *pfn)
{
	struct mshv_vp_id id = {
		.partition_id = partition_id, .vp_index = vp_index, .type = type,
	};

	return mshv_hvcall_simple_deposit(HVCALL_MAP_VP_STATE_PAGE, partition_id,
					  mshv_fill_map_vp_state_page,
					  mshv_read_map_location, &id, pfn);
}

/**
 * mshv_hvcall_unmap_vp_state_page() - HVCALL_UNMAP_VP_STATE_PAGE
 * @partition_id: the partition
 * @vp_index: the VP
 * @type: HV_VP_STATE_PAGE_*
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_unmap_vp_state_page(u64 partition_id, u32 vp_index, u32 type)
{
	struct mshv_vp_id id = {
		.partition_id = partition_id, .vp_index = vp_index, .type = type,
	};

	return mshv_hvcall_simple_deposit(HVCALL_UNMAP_VP_STATE_PAGE, partition_id,
					  mshv_fill_unmap_vp_state_page, NULL,
					  &id, NULL);
}

static void mshv_fill_stats_page(void *input, const void *ctx)
{
	const struct mshv_vp_id *id = ctx;
	struct hv_input_map_stats_page *in = input;

	memset(in, 0, sizeof(*in));
	in->type = HV_STATS_OBJECT_VP;
	in->identity.vp.partition_id = id->partition_id;
	in->identity.vp.vp_index = id->vp_index;
	in->identity.vp.stats_area_type = id->type;
}

/**
 * mshv_hvcall_map_vp_stats_page() - HVCALL_MAP_STATS_PAGE for a VP
 * @partition_id: the partition
 * @vp_index: the VP
 * @area: HV_STATS_AREA_SELF or HV_STATS_AREA_PARENT
 * @pfn: the root page holding the counters
 *
 * The mapping draws on the root's own pool.
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_map_vp_stats_page(u64 partition_id, u32 vp_index, u32 area,
				  u64 *pfn)
{
	struct mshv_vp_id id = {
		.partition_id = partition_id, .vp_index = vp_index, .type = area,
	};

	return mshv_hvcall_simple_deposit(HVCALL_MAP_STATS_PAGE, HV_PARTITION_ID_SELF,
					  mshv_fill_stats_page,
					  mshv_read_map_location, &id, pfn);
}

/**
 * mshv_hvcall_unmap_vp_stats_page() - HVCALL_UNMAP_STATS_PAGE for a VP
 * @partition_id: the partition
 * @vp_index: the VP
 * @area: HV_STATS_AREA_SELF or HV_STATS_AREA_PARENT
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_unmap_vp_stats_page(u64 partition_id, u32 vp_index, u32 area)
{
	struct mshv_vp_id id = {
		.partition_id = partition_id, .vp_index = vp_index, .type = area,
	};

	/* The unmap input has the map input's layout. */
	return mshv_hvcall_simple_deposit(HVCALL_UNMAP_STATS_PAGE, HV_PARTITION_ID_SELF,
					  mshv_fill_stats_page, NULL, &id, NULL);
}

/**
 * mshv_hvcall_get_partition_property() - HVCALL_GET_PARTITION_PROPERTY
 * @partition_id: the partition, or HV_PARTITION_ID_SELF
 * @code: the property code
 * @value: the value on success
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_get_partition_property(u64 partition_id, u32 code, u64 *value)
{
	struct hv_input_get_partition_property *input;
	struct hv_output_get_partition_property *output;
	u64 status;

	scoped_guard(irqsave) {
		input = *this_cpu_ptr(hyperv_pcpu_input_arg);
		output = *this_cpu_ptr(hyperv_pcpu_output_arg);
		memset(input, 0, sizeof(*input));
		input->partition_id = partition_id;
		input->property_code = code;
		status = hv_do_hypercall(HVCALL_GET_PARTITION_PROPERTY, input, output);
		if (hv_result_success(status))
			*value = output->property_value;
	}
	return mshv_hv_status_to_errno(status);
}

/*
 * VP state transfer: at most this many PFNs follow the 40-byte header in
 * the input page (the variable header holds them).
 */
#define MSHV_VP_STATE_MAX_PFNS \
	((HV_HYP_PAGE_SIZE - sizeof(struct hv_input_get_vp_state)) / sizeof(u64))

/**
 * mshv_hvcall_vp_state() - HVCALL_GET_VP_STATE or HVCALL_SET_VP_STATE
 * @set: SET (else GET)
 * @partition_id: the partition
 * @vp_index: the VP
 * @type: HV_GET_SET_VP_STATE_*
 * @xsave_states: XFEM mask of the components (XSAVE only, else 0)
 * @pfns: the root pages holding/receiving the data (PFN types)
 * @nr_pfns: their number
 * @bytes: inline data (HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS): the source
 *	for SET, the destination for GET
 * @nr_bytes: its size
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_vp_state(bool set, u64 partition_id, u32 vp_index, u32 type,
			 u64 xsave_states, const u64 *pfns, unsigned int nr_pfns,
			 void *bytes, unsigned int nr_bytes)
{
	unsigned int attempt, varhead;
	struct hv_input_set_vp_state *input;
	void *output;
	u64 status;
	int ret;

	/* The page count derives from a hypervisor property: not a WARN. */
	if (nr_pfns > MSHV_VP_STATE_MAX_PFNS)
		return -E2BIG;
	if (WARN_ON_ONCE(nr_bytes > HV_HYP_PAGE_SIZE - sizeof(*input)))
		return -EINVAL;
	varhead = nr_pfns ?: (set ? DIV_ROUND_UP(nr_bytes, sizeof(u64)) : 0);

	for (attempt = 0; attempt <= MSHV_DEPOSIT_RETRIES; attempt++) {
		scoped_guard(irqsave) {
			input = *this_cpu_ptr(hyperv_pcpu_input_arg);
			output = *this_cpu_ptr(hyperv_pcpu_output_arg);
			/* GET and SET share the layout of the fixed header. */
			memset(input, 0, sizeof(*input) + varhead * sizeof(u64));
			input->partition_id = partition_id;
			input->vp_index = vp_index;
			input->state_data.type = type;
			input->state_data.xsave.states = xsave_states;
			if (nr_pfns)
				memcpy(input->data.pfns, pfns, nr_pfns * sizeof(u64));
			else if (set)
				memcpy(input->data.bytes, bytes, nr_bytes);
			status = hv_do_hypercall(mshv_hvcall_control(set ? HVCALL_SET_VP_STATE :
								     HVCALL_GET_VP_STATE,
								     varhead, 0, 0),
						 input, output);
			if (!set && !nr_pfns && hv_result_success(status))
				memcpy(bytes, output, nr_bytes);
		}
		if (!mshv_hv_status_needs_memory(status))
			return mshv_hv_status_to_errno(status);
		ret = mshv_deposit_for_status(status, partition_id, 0);
		if (ret)
			return ret;
	}
	return -ENOMEM;
}

/**
 * mshv_hvcall_translate_gva() - HVCALL_TRANSLATE_VIRTUAL_ADDRESS
 * @partition_id: the partition
 * @vp_index: the VP whose paging state is used
 * @gva_page: guest virtual page (GVA >> 12)
 * @flags: HV_TRANSLATE_GVA_* control flags
 * @result: the translation result (its code may report a failure)
 * @gpa_page: the guest physical page on success of the walk
 *
 * Return: 0 if the walk was performed, else a negative errno.
 */
int mshv_hvcall_translate_gva(u64 partition_id, u32 vp_index, u64 gva_page,
			      u64 flags, u64 *result, u64 *gpa_page)
{
	struct hv_input_translate_virtual_address *input;
	struct hv_output_translate_virtual_address *output;
	u64 status;

	scoped_guard(irqsave) {
		input = *this_cpu_ptr(hyperv_pcpu_input_arg);
		output = *this_cpu_ptr(hyperv_pcpu_output_arg);
		memset(input, 0, sizeof(*input));
		input->partition_id = partition_id;
		input->vp_index = vp_index;
		input->control_flags = flags;
		input->gva_page = gva_page;
		status = hv_do_hypercall(HVCALL_TRANSLATE_VIRTUAL_ADDRESS, input,
					 output);
		if (hv_result_success(status)) {
			memcpy(result, &output->translation_result, sizeof(*result));
			*gpa_page = output->gpa_page;
		}
	}
	return mshv_hv_status_to_errno(status);
}

/*
 * Registers per GET/SET_VP_REGISTERS call.  The run loop needs two; the
 * bound keeps the element list inside the input page with room to spare.
 */
#define MSHV_VP_REGISTERS_BATCH		16

/**
 * mshv_hvcall_set_vp_registers() - HVCALL_SET_VP_REGISTERS
 * @partition_id: the partition
 * @vp_index: the VP
 * @count: elements of @regs (at most MSHV_VP_REGISTERS_BATCH)
 * @regs: names and values, applied by the hypervisor in this order
 *
 * Return: 0 or a negative errno (the elements before a failing one stay
 * applied).
 */
int mshv_hvcall_set_vp_registers(u64 partition_id, u32 vp_index, unsigned int count,
				 const struct hv_register_assoc *regs)
{
	struct hv_input_set_vp_registers *input;
	u64 status;

	if (WARN_ON_ONCE(!count || count > MSHV_VP_REGISTERS_BATCH))
		return -EINVAL;
	scoped_guard(irqsave) {
		input = *this_cpu_ptr(hyperv_pcpu_input_arg);
		memset(input, 0, sizeof(*input));
		input->partition_id = partition_id;
		input->vp_index = vp_index;
		memcpy(input->elements, regs, count * sizeof(*regs));
		status = mshv_do_rep_hypercall(HVCALL_SET_VP_REGISTERS, 0, count, 0,
					       input, NULL);
	}
	if (hv_result_success(status) && hv_repcomp(status) < count)
		return -EIO;
	return mshv_hv_status_to_errno(status);
}

/**
 * mshv_hvcall_get_vp_register() - HVCALL_GET_VP_REGISTERS of one register
 * @partition_id: the partition
 * @vp_index: the VP
 * @name: HV_REGISTER_* name
 * @value: the low 64 bits of the value on success
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_get_vp_register(u64 partition_id, u32 vp_index, u32 name, u64 *value)
{
	struct hv_input_get_vp_registers *input;
	union hv_register_value *output;
	u64 status;

	scoped_guard(irqsave) {
		input = *this_cpu_ptr(hyperv_pcpu_input_arg);
		output = *this_cpu_ptr(hyperv_pcpu_output_arg);
		memset(input, 0, sizeof(*input));
		input->partition_id = partition_id;
		input->vp_index = vp_index;
		input->names[0] = name;
		status = mshv_do_rep_hypercall(HVCALL_GET_VP_REGISTERS, 0, 1, 0,
					       input, output);
		if (hv_result_success(status))
			*value = output->reg64;
	}
	return mshv_hv_status_to_errno(status);
}

/*
 * DISPATCH_VP runs with interrupts enabled, so it cannot use the per-CPU
 * hypercall pages an interrupt handler may fill: each CPU has a dedicated
 * pair, used only by DISPATCH_VP with preemption disabled.
 */
struct mshv_dispatch_pages {
	struct hv_input_dispatch_vp *in;
	struct hv_output_dispatch_vp *out;
};

static DEFINE_PER_CPU(struct mshv_dispatch_pages, mshv_dispatch_pages);

/**
 * mshv_hvcall_dispatch_exit() - free the dedicated DISPATCH_VP pages
 */
void mshv_hvcall_dispatch_exit(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct mshv_dispatch_pages *p = per_cpu_ptr(&mshv_dispatch_pages, cpu);

		free_page((unsigned long)p->in);
		free_page((unsigned long)p->out);
		p->in = NULL;
		p->out = NULL;
	}
}

/**
 * mshv_hvcall_dispatch_init() - allocate the dedicated DISPATCH_VP pages
 *
 * For every possible CPU, so that hotplug needs nothing.
 *
 * Return: 0 or -ENOMEM.
 */
int mshv_hvcall_dispatch_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct mshv_dispatch_pages *p = per_cpu_ptr(&mshv_dispatch_pages, cpu);

		p->in = (void *)__get_free_page(GFP_KERNEL);
		p->out = (void *)__get_free_page(GFP_KERNEL);
		if (!p->in || !p->out) {
			mshv_hvcall_dispatch_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * mshv_hvcall_dispatch_vp() - HVCALL_DISPATCH_VP (root scheduler)
 * @partition_id: the partition
 * @vp_index: the VP
 * @flags: HV_DISPATCH_VP_FLAG_*
 * @state: enum hv_vp_dispatch_state on success
 * @event: enum hv_vp_dispatch_event on success
 *
 * Runs the VP on this CPU until it needs the root, the hypervisor's time
 * slice ends or a root interrupt arrives.  Preemption is disabled only for
 * the call itself; interrupts stay enabled.
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_dispatch_vp(u64 partition_id, u32 vp_index, u32 flags,
			    u32 *state, u32 *event)
{
	struct mshv_dispatch_pages *p;
	u64 status;

	scoped_guard(preempt) {
		p = this_cpu_ptr(&mshv_dispatch_pages);
		memset(p->in, 0, sizeof(*p->in));
		p->in->partition_id = partition_id;
		p->in->vp_index = vp_index;
		p->in->flags = flags;
		status = hv_do_hypercall(HVCALL_DISPATCH_VP, p->in, p->out);
		if (hv_result_success(status)) {
			*state = p->out->dispatch_state;
			*event = p->out->dispatch_event;
		}
	}
	return mshv_hv_status_to_errno(status);
}

/**
 * mshv_hvcall_assert_virtual_interrupt() - HVCALL_ASSERT_VIRTUAL_INTERRUPT
 * @partition_id: the guest
 * @control: HV_INTERRUPT_CONTROL_* (type, trigger, destination mode)
 * @dest: destination APIC id (physical or logical per @control)
 * @vector: the vector
 *
 * Usable in atomic context (it is issued from eventfd wake-ups): the input
 * page is filled with interrupts disabled and nothing here sleeps.
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_assert_virtual_interrupt(u64 partition_id, u64 control, u64 dest,
					 u32 vector)
{
	struct hv_input_assert_virtual_interrupt *input;
	u64 status;

	scoped_guard(irqsave) {
		input = *this_cpu_ptr(hyperv_pcpu_input_arg);
		memset(input, 0, sizeof(*input));
		input->partition_id = partition_id;
		input->control = control;
		input->dest_addr = dest;
		input->vector = vector;
		status = hv_do_hypercall(HVCALL_ASSERT_VIRTUAL_INTERRUPT, input, NULL);
	}
	return mshv_hv_status_to_errno(status);
}

/**
 * mshv_hvcall_clear_virtual_interrupt() - HVCALL_CLEAR_VIRTUAL_INTERRUPT
 * @partition_id: the guest
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_clear_virtual_interrupt(u64 partition_id)
{
	return mshv_hv_status_to_errno(hv_do_fast_hypercall8(HVCALL_CLEAR_VIRTUAL_INTERRUPT,
							     partition_id));
}

static void mshv_fill_create_port(void *input, const void *ctx)
{
	memcpy(input, ctx, sizeof(struct hv_input_create_port));
}

static void mshv_fill_connect_port(void *input, const void *ctx)
{
	memcpy(input, ctx, sizeof(struct hv_input_connect_port));
}

/**
 * mshv_hvcall_create_doorbell_port() - HVCALL_CREATE_PORT of a doorbell port
 * @partition_id: the guest allowed to connect to it
 * @port_id: the port id (24 bits), owned by the root
 * @sint: the root SINT whose event ring receives the port's signals
 *
 * The port lives in the root: its memory comes from the root's pool.
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_create_doorbell_port(u64 partition_id, u32 port_id, u32 sint)
{
	struct hv_input_create_port in = {
		.port_partition_id = hv_current_partition_id,
		.port_id.u.id = port_id,
		.connection_partition_id = partition_id,
		.port_info = {
			.port_type = HV_PORT_TYPE_DOORBELL,
			.doorbell_port_info = {
				.target_sint = sint,
				.target_vp = HV_ANY_VP,
			},
		},
	};

	return mshv_hvcall_simple_deposit(HVCALL_CREATE_PORT, HV_PARTITION_ID_SELF,
					  mshv_fill_create_port, NULL, &in, NULL);
}

/**
 * mshv_hvcall_connect_doorbell() - HVCALL_CONNECT_PORT of a guest doorbell
 * @partition_id: the guest
 * @port_id: the root's doorbell port, also used as the connection id
 * @gpa: the guest physical address whose writes ring it
 * @trigger_value: the value a write must have (unless ANY_VALUE)
 * @flags: HV_DOORBELL_FLAG_* (trigger size, ANY_VALUE)
 *
 * The connection lives in the guest: its memory comes from the guest's pool.
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_connect_doorbell(u64 partition_id, u32 port_id, u64 gpa,
				 u64 trigger_value, u64 flags)
{
	struct hv_input_connect_port in = {
		.connection_partition_id = partition_id,
		.connection_id = port_id,
		.port_partition_id = hv_current_partition_id,
		.port_id.u.id = port_id,
		.connection_info = {
			.port_type = HV_PORT_TYPE_DOORBELL,
			.doorbell_connection_info = {
				.gpa = gpa,
				.trigger_value = trigger_value,
				.flags = flags,
			},
		},
	};

	return mshv_hvcall_simple_deposit(HVCALL_CONNECT_PORT, partition_id,
					  mshv_fill_connect_port, NULL, &in, NULL);
}

/**
 * mshv_hvcall_disconnect_doorbell() - HVCALL_DISCONNECT_PORT of a doorbell
 * @partition_id: the guest
 * @connection_id: the connection (the port id)
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_disconnect_doorbell(u64 partition_id, u32 connection_id)
{
	u64 second = connection_id | ((u64)HV_DISCONNECT_PORT_IS_DOORBELL << 32);

	return mshv_hv_status_to_errno(hv_do_fast_hypercall16(HVCALL_DISCONNECT_PORT,
							      partition_id, second));
}

/**
 * mshv_hvcall_delete_port() - HVCALL_DELETE_PORT of a root port
 * @port_id: the port
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_delete_port(u32 port_id)
{
	return mshv_hv_status_to_errno(hv_do_fast_hypercall16(HVCALL_DELETE_PORT,
							      hv_current_partition_id,
							      port_id));
}

/**
 * mshv_hvcall_notify_port_ring_empty() - HVCALL_NOTIFY_PORT_RING_EMPTY
 * @sint: the SINT whose event ring the root drained after it was full
 *
 * Return: 0 or a negative errno.
 */
int mshv_hvcall_notify_port_ring_empty(u32 sint)
{
	return mshv_hv_status_to_errno(hv_do_fast_hypercall8(HVCALL_NOTIFY_PORT_RING_EMPTY,
							     sint));
}
