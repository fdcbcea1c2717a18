// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: partitions, their memory pools, and system properties.
 *
 * Pool model.  Every partition (and the root, as HV_PARTITION_ID_SELF) has a
 * pool of pages the root deposited.  Hypervisor objects consume pages from
 * a pool at a fixed, documented cost; when the pool lacks them the call
 * fails with INSUFFICIENT_MEMORY and no side effect, as on Hyper-V:
 *
 *   object                      pool      pages
 *   partition (CREATE)          root      HVSIM_COST_PARTITION
 *   initialized partition       child     HVSIM_COST_INITIALIZE
 *   GPA page table / directory  child     1 (hvsim_memory.c)
 *   VP                          child     8 (hvsim_vp.c)
 *   mapped stats page           root      1 (hvsim_stats.c)
 *
 * Deposited pages belong to the hypervisor: hvsim fills them with a poison
 * pattern and checks it when they are withdrawn, so a root that keeps
 * using (or frees) a deposited page is caught.  Withdrawal returns only
 * pages no object uses; FINALIZE frees every object of a partition.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hvsim.h"

#define HVSIM_COST_PARTITION	8
#define HVSIM_COST_INITIALIZE	64

#define HVSIM_POISON		0x5a

/* Creation flags hvsim knows (hv-abi.md §8.1). */
#define HVSIM_CREATION_FLAGS \
	(HV_PARTITION_CREATION_FLAG_SMT_ENABLED_GUEST | \
	 HV_PARTITION_CREATION_FLAG_NESTED_VIRTUALIZATION_CAPABLE | \
	 HV_PARTITION_CREATION_FLAG_GPA_SUPER_PAGES_ENABLED | \
	 HV_PARTITION_CREATION_FLAG_EXO_PARTITION | \
	 HV_PARTITION_CREATION_FLAG_LAPIC_ENABLED | \
	 HV_PARTITION_CREATION_FLAG_INTERCEPT_MESSAGE_PAGE_ENABLED | \
	 HV_PARTITION_CREATION_FLAG_X2APIC_CAPABLE)

/* Every PFN deposited anywhere, so a page cannot be deposited twice. */
static DEFINE_XARRAY(hvsim_deposited);

void hvsim_pool_init(struct hvsim_pool *pool)
{
	xa_init(&pool->pfns);
	pool->deposited = 0;
	pool->used = 0;
}

u64 hvsim_pool_free(const struct hvsim_pool *pool)
{
	return pool->deposited - pool->used;
}

/* Consume @pages of a pool for a hypervisor object; false if short. */
bool hvsim_pool_take(struct hvsim_pool *pool, u64 pages)
{
	if (hvsim_pool_free(pool) < pages)
		return false;
	pool->used += pages;
	return true;
}

/* The object that used @pages is gone. */
void hvsim_pool_give(struct hvsim_pool *pool, u64 pages)
{
	if (WARN_ON_ONCE(pool->used < pages))
		pages = pool->used;
	pool->used -= pages;
}

/* Is any page of [@pfn, @pfn + @count) in a hypervisor pool? */
bool hvsim_pfn_range_deposited(u64 pfn, u64 count)
{
	unsigned long first = pfn;

	lockdep_assert_held(&hvsim.lock);
	return count && xa_find(&hvsim_deposited, &first, pfn + count - 1, XA_PRESENT);
}

struct hvsim_partition *hvsim_partition_get(u64 id)
{
	struct hvsim_partition *pt;

	lockdep_assert_held(&hvsim.lock);
	list_for_each_entry(pt, &hvsim.partitions, node)
		if (pt->id == id)
			return pt;
	return NULL;
}

/* The pool a deposit or withdrawal names: a child's, or the root's. */
static struct hvsim_pool *hvsim_pool_of(u64 id, struct hvsim_partition **ptp)
{
	struct hvsim_partition *pt = NULL;

	if (id != HV_PARTITION_ID_SELF) {
		pt = hvsim_partition_get(id);
		if (!pt)
			return NULL;
	}
	if (ptp)
		*ptp = pt;
	return pt ? &pt->pool : &hvsim.root_pool;
}

u64 hvsim_nr_partitions(void)
{
	return READ_ONCE(hvsim.nr_partitions);
}
EXPORT_SYMBOL_GPL(hvsim_nr_partitions);

/**
 * hvsim_deposited_pages() - pages in a pool, for tests
 * @id: partition id, or HV_PARTITION_ID_SELF for the root's pool
 *
 * Return: pages deposited and not withdrawn, or 0 for an unknown id.
 */
u64 hvsim_deposited_pages(u64 id)
{
	struct hvsim_pool *pool;
	unsigned long flags;
	u64 n = 0;

	spin_lock_irqsave(&hvsim.lock, flags);
	pool = hvsim_pool_of(id, NULL);
	if (pool)
		n = pool->deposited;
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return n;
}
EXPORT_SYMBOL_GPL(hvsim_deposited_pages);

/* --------------------------------------------------------- handlers ---- */

static u16 hvsim_create_partition(struct hvsim_call *c)
{
	const struct hv_input_create_partition *in = c->in;
	struct hv_output_create_partition *out = c->out;
	struct hvsim_partition *pt;
	u64 iso_type;

	if (in->flags & ~HVSIM_CREATION_FLAGS || in->padding ||
	    in->proximity_domain_info.flags.reserved ||
	    in->compatibility_version != HV_PARTITION_COMPATIBILITY_VERSION_21H2)
		return HV_STATUS_INVALID_PARAMETER;
	iso_type = in->isolation_properties & HV_PARTITION_ISOLATION_TYPE_MASK;
	/* hvsim models non-isolated partitions only; no reserved bits. */
	if (in->isolation_properties & ~HV_PARTITION_ISOLATION_TYPE_MASK ||
	    iso_type != HV_ISOLATION_TYPE_NONE)
		return HV_STATUS_INVALID_PARAMETER;

	if (!hvsim_pool_take(&hvsim.root_pool, HVSIM_COST_PARTITION))
		return HV_STATUS_INSUFFICIENT_MEMORY;
	pt = kzalloc(sizeof(*pt), GFP_ATOMIC | __GFP_NOWARN);
	if (!pt) {
		hvsim.root_pool.used -= HVSIM_COST_PARTITION;
		return HV_STATUS_INSUFFICIENT_MEMORY;
	}
	pt->id = hvsim.next_id++;
	pt->state = HVSIM_PT_CREATED;
	pt->flags = in->flags;
	pt->isolation = in->isolation_properties;
	pt->disabled_features[0] = in->disabled_processor_features.as_uint64[0];
	pt->disabled_features[1] = in->disabled_processor_features.as_uint64[1];
	pt->disabled_xsave = in->disabled_processor_xsave_features;
	pt->compat_version = in->compatibility_version;
	pt->root_pages = HVSIM_COST_PARTITION;
	hvsim_pool_init(&pt->pool);
	hvsim_props_init(pt);
	hvsim_gpa_init(pt);
	list_add_tail(&pt->node, &hvsim.partitions);
	hvsim.nr_partitions++;
	out->partition_id = pt->id;
	return HV_STATUS_SUCCESS;
}

/* Fast or slow: the partition id is the first (only) input qword. */
static struct hvsim_partition *hvsim_input_partition(struct hvsim_call *c)
{
	const u64 *id = c->in;

	return *id == HV_PARTITION_ID_SELF ? NULL : hvsim_partition_get(*id);
}

static u16 hvsim_initialize_partition(struct hvsim_call *c)
{
	struct hvsim_partition *pt = hvsim_input_partition(c);

	if (!pt)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (pt->state != HVSIM_PT_CREATED)
		return HV_STATUS_INVALID_PARTITION_STATE;
	if (!hvsim_pool_take(&pt->pool, HVSIM_COST_INITIALIZE))
		return HV_STATUS_INSUFFICIENT_MEMORY;
	pt->state = HVSIM_PT_INITIALIZED;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_finalize_partition(struct hvsim_call *c)
{
	struct hvsim_partition *pt = hvsim_input_partition(c);

	if (!pt)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (pt->state != HVSIM_PT_INITIALIZED)
		return HV_STATUS_INVALID_PARTITION_STATE;
	/* Every object of the partition is gone: its pool is free again. */
	hvsim_vps_destroy(pt);
	hvsim_gpa_destroy(pt);
	hvsim_intercepts_free(pt);
	hvsim_ports_release(pt, false);
	pt->props.async_pending = false;
	pt->pool.used = 0;
	pt->state = HVSIM_PT_FINALIZED;
	return HV_STATUS_SUCCESS;
}

static void hvsim_partition_free(struct hvsim_partition *pt)
{
	list_del(&pt->node);
	hvsim.nr_partitions--;
	hvsim.root_pool.used -= pt->root_pages;
	hvsim_vps_destroy(pt);
	hvsim_stats_free(&pt->stats);
	hvsim_gpa_destroy(pt);
	hvsim_intercepts_free(pt);
	hvsim_ports_release(pt, true);
	xa_destroy(&pt->pool.pfns);
	kfree(pt);
}

static u16 hvsim_delete_partition(struct hvsim_call *c)
{
	struct hvsim_partition *pt = hvsim_input_partition(c);

	if (!pt)
		return HV_STATUS_INVALID_PARTITION_ID;
	/*
	 * An initialized partition must be finalized, and the root must take
	 * back its pool first (the pages would be lost otherwise).
	 */
	if (pt->state == HVSIM_PT_INITIALIZED || pt->pool.deposited)
		return HV_STATUS_INVALID_PARTITION_STATE;
	hvsim_partition_free(pt);
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_get_partition_id(struct hvsim_call *c)
{
	u64 *out = c->out;

	*out = hv_current_partition_id;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_deposit_check(struct hvsim_call *c)
{
	const struct hv_deposit_memory *in = c->in;
	struct hvsim_partition *pt;

	if (!hvsim_pool_of(in->partition_id, &pt))
		return HV_STATUS_INVALID_PARTITION_ID;
	if (pt && pt->state == HVSIM_PT_FINALIZED)
		return HV_STATUS_INVALID_PARTITION_STATE;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_deposit_rep(struct hvsim_call *c, u16 i)
{
	const struct hv_deposit_memory *in = c->in;
	struct hvsim_pool *pool = hvsim_pool_of(in->partition_id, NULL);
	u64 pfn = in->gpa_page_list[i];
	struct page *page;

	if (!pfn_valid(pfn))
		return HV_STATUS_INVALID_PARAMETER;
	page = pfn_to_page(pfn);
	/* Depositing a free page means the root gave away memory it does not own. */
	if (WARN_ONCE(!page_count(page), "hvsim: deposit of free page %#llx\n", pfn))
		return HV_STATUS_INVALID_PARAMETER;
	if (xa_load(&hvsim_deposited, pfn))
		return HV_STATUS_ACCESS_DENIED;
	if (xa_err(xa_store(&hvsim_deposited, pfn, xa_mk_value(1), GFP_ATOMIC)))
		return HV_STATUS_INSUFFICIENT_MEMORY;
	if (xa_err(xa_store(&pool->pfns, pfn, xa_mk_value(1), GFP_ATOMIC))) {
		xa_erase(&hvsim_deposited, pfn);
		return HV_STATUS_INSUFFICIENT_MEMORY;
	}
	memset(page_address(page), HVSIM_POISON, PAGE_SIZE);
	pool->deposited++;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_withdraw_check(struct hvsim_call *c)
{
	const struct hv_input_withdraw_memory *in = c->in;

	if (in->partition_id == HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARAMETER;
	if (!hvsim_partition_get(in->partition_id))
		return HV_STATUS_INVALID_PARTITION_ID;
	if (in->proximity_domain_info.domain_id ||
	    in->proximity_domain_info.flags.reserved)
		return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_withdraw_rep(struct hvsim_call *c, u16 i)
{
	const struct hv_input_withdraw_memory *in = c->in;
	struct hv_output_withdraw_memory *out = c->out;
	struct hvsim_partition *pt = hvsim_partition_get(in->partition_id);
	unsigned long pfn = 0;
	u8 *va;

	if (!hvsim_pool_free(&pt->pool) ||
	    !xa_find(&pt->pool.pfns, &pfn, ULONG_MAX, XA_PRESENT))
		return HV_STATUS_NO_RESOURCES;
	xa_erase(&pt->pool.pfns, pfn);
	xa_erase(&hvsim_deposited, pfn);
	pt->pool.deposited--;
	va = page_address(pfn_to_page(pfn));
	WARN_ONCE(memchr_inv(va, HVSIM_POISON, PAGE_SIZE),
		  "hvsim: the root wrote to deposited page %#lx\n", pfn);
	out->gpa_page_list[i] = pfn;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_get_system_property(struct hvsim_call *c)
{
	const struct hv_input_get_system_property *in = c->in;
	union hv_output_get_system_property *out = c->out;

	if (in->reserved)
		return HV_STATUS_INVALID_PARAMETER;
	switch (in->property_id) {
	case HV_SYSTEM_PROPERTY_SCHEDULER_TYPE:
		if (in->as_uint64)
			return HV_STATUS_INVALID_PARAMETER;
		out->scheduler_type = hvsim_scheduler;
		return HV_STATUS_SUCCESS;
	}
	return HV_STATUS_INVALID_PARAMETER;
}

void hvsim_partitions_destroy_all(void)
{
	struct hvsim_partition *pt, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&hvsim.lock, flags);
	list_for_each_entry_safe(pt, tmp, &hvsim.partitions, node) {
		WARN(1, "hvsim: partition %#llx leaked by the root (%llu pages)\n",
		     pt->id, pt->pool.deposited);
		hvsim_partition_free(pt);
	}
	spin_unlock_irqrestore(&hvsim.lock, flags);
	xa_destroy(&hvsim_deposited);
	xa_destroy(&hvsim.root_pool.pfns);
}

const struct hvsim_hcall hvsim_partition_hcalls[] = {
	{
		.code = HVCALL_CREATE_PARTITION, .name = "CREATE_PARTITION",
		.slow = true,
		.in_size = sizeof(struct hv_input_create_partition),
		.out_size = sizeof(struct hv_output_create_partition),
		.call = hvsim_create_partition,
	}, {
		.code = HVCALL_INITIALIZE_PARTITION, .name = "INITIALIZE_PARTITION",
		.fast = true, .slow = true, .in_size = sizeof(u64),
		.call = hvsim_initialize_partition,
	}, {
		.code = HVCALL_FINALIZE_PARTITION, .name = "FINALIZE_PARTITION",
		.fast = true, .slow = true, .in_size = sizeof(u64),
		.call = hvsim_finalize_partition,
	}, {
		.code = HVCALL_DELETE_PARTITION, .name = "DELETE_PARTITION",
		.fast = true, .slow = true, .in_size = sizeof(u64),
		.call = hvsim_delete_partition,
	}, {
		.code = HVCALL_GET_PARTITION_ID, .name = "GET_PARTITION_ID",
		.slow = true, .out_size = sizeof(u64),
		.call = hvsim_get_partition_id,
	}, {
		.code = HVCALL_DEPOSIT_MEMORY, .name = "DEPOSIT_MEMORY",
		.is_rep = true, .slow = true,
		.in_size = sizeof(u64), .rep_in_size = sizeof(u64),
		.call = hvsim_deposit_check, .rep = hvsim_deposit_rep,
	}, {
		.code = HVCALL_WITHDRAW_MEMORY, .name = "WITHDRAW_MEMORY",
		.is_rep = true, .slow = true,
		.in_size = sizeof(struct hv_input_withdraw_memory),
		.rep_out_size = sizeof(u64),
		.call = hvsim_withdraw_check, .rep = hvsim_withdraw_rep,
	}, {
		.code = HVCALL_GET_SYSTEM_PROPERTY, .name = "GET_SYSTEM_PROPERTY",
		.slow = true,
		.in_size = sizeof(struct hv_input_get_system_property),
		.out_size = sizeof(union hv_output_get_system_property),
		.call = hvsim_get_system_property,
	},
};

const unsigned int hvsim_partition_nr_hcalls = ARRAY_SIZE(hvsim_partition_hcalls);
