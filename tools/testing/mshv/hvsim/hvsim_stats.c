// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: statistics pages -- HVCALL_MAP_STATS_PAGE / HVCALL_UNMAP_STATS_PAGE
 * for VPs and partitions (SELF and PARENT areas).
 *
 * A stats page is a zeroed hvsim page of 512 u64 counters that the root
 * reads through its direct map.  Mapping an (object, area) costs one page
 * of the root's pool on the first map (INSUFFICIENT_MEMORY: the root
 * deposits into SELF and retries); mapping it again returns the same page.
 * UNMAP returns the pool page; deleting the VP or partition does too.
 * The only counter kept is VpRootDispatchThreadBlocked (index 201) of the
 * VP SELF page, 0 until the root scheduler model sets it.
 *
 * Statuses: a type other than VP or PARTITION, area not SELF/PARENT, a
 * non-zero padding/flags/reserved field: INVALID_PARAMETER; unknown
 * partition INVALID_PARTITION_ID; no such VP INVALID_VP_INDEX; UNMAP of a
 * page that is not mapped: INVALID_PARAMETER.
 */
#include <linux/mm.h>

#include "hvsim.h"

void hvsim_stats_free(struct hvsim_stats *st)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(st->page); i++) {
		if (!st->page[i])
			continue;
		free_page((unsigned long)st->page[i]);
		st->page[i] = NULL;
		hvsim_pool_give(&hvsim.root_pool, 1);
	}
}

/* The stats pages an identity names, and the area; 0 or a status. */
static u16 stats_object(u32 type, u32 padding, const union hv_stats_object_identity *id,
			struct hvsim_stats **stp, unsigned int *area)
{
	struct hvsim_partition *pt;
	struct hvsim_vp *vp;

	if (padding)
		return HV_STATUS_INVALID_PARAMETER;
	switch (type) {
	case HV_STATS_OBJECT_VP:
		if (id->vp.flags || id->vp.reserved)
			return HV_STATUS_INVALID_PARAMETER;
		*area = id->vp.stats_area_type;
		pt = hvsim_partition_get(id->vp.partition_id);
		if (!pt)
			return HV_STATUS_INVALID_PARTITION_ID;
		vp = hvsim_vp_get(pt, id->vp.vp_index);
		if (!vp)
			return HV_STATUS_INVALID_VP_INDEX;
		*stp = &vp->stats;
		break;
	case HV_STATS_OBJECT_PARTITION:
		if (memchr_inv(id->partition.reserved, 0, sizeof(id->partition.reserved)))
			return HV_STATUS_INVALID_PARAMETER;
		*area = id->partition.stats_area_type;
		pt = hvsim_partition_get(id->partition.partition_id);
		if (!pt)
			return HV_STATUS_INVALID_PARTITION_ID;
		*stp = &pt->stats;
		break;
	default:
		return HV_STATUS_INVALID_PARAMETER;
	}
	if (*area != HV_STATS_AREA_SELF && *area != HV_STATS_AREA_PARENT)
		return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_map_stats_page(struct hvsim_call *c)
{
	const struct hv_input_map_stats_page *in = c->in;
	struct hv_output_map_stats_page *out = c->out;
	struct hvsim_stats *st;
	unsigned int area;
	u16 status;

	status = stats_object(in->type, in->padding, &in->identity, &st, &area);
	if (status)
		return status;
	if (!st->page[area]) {
		if (!hvsim_pool_take(&hvsim.root_pool, 1))
			return HV_STATUS_INSUFFICIENT_MEMORY;
		st->page[area] = (u64 *)get_zeroed_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!st->page[area]) {
			hvsim_pool_give(&hvsim.root_pool, 1);
			return HV_STATUS_INSUFFICIENT_MEMORY;
		}
	}
	out->map_location = page_to_pfn(virt_to_page(st->page[area]));
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_unmap_stats_page(struct hvsim_call *c)
{
	const struct hv_input_unmap_stats_page *in = c->in;
	struct hvsim_stats *st;
	unsigned int area;
	u16 status;

	status = stats_object(in->type, in->padding, &in->identity, &st, &area);
	if (status)
		return status;
	if (!st->page[area])
		return HV_STATUS_INVALID_PARAMETER;
	free_page((unsigned long)st->page[area]);
	st->page[area] = NULL;
	hvsim_pool_give(&hvsim.root_pool, 1);
	return HV_STATUS_SUCCESS;
}

/**
 * hvsim_vp_set_dispatch_blocked() - VpRootDispatchThreadBlocked of a VP
 * @partition_id: partition
 * @vp_index: VP
 * @value: counter value (written to the SELF page, if mapped)
 *
 * For the root scheduler model and tests.  Return: 0 or -ESRCH.
 */
int hvsim_vp_set_dispatch_blocked(u64 partition_id, u32 vp_index, u64 value)
{
	struct hvsim_partition *pt;
	struct hvsim_vp *vp = NULL;
	unsigned long flags;

	spin_lock_irqsave(&hvsim.lock, flags);
	pt = hvsim_partition_get(partition_id);
	if (pt)
		vp = hvsim_vp_get(pt, vp_index);
	if (vp && vp->stats.page[HV_STATS_AREA_SELF])
		WRITE_ONCE(vp->stats.page[HV_STATS_AREA_SELF]
			   [HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED], value);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return vp ? 0 : -ESRCH;
}
EXPORT_SYMBOL_GPL(hvsim_vp_set_dispatch_blocked);

const struct hvsim_hcall hvsim_stats_hcalls[] = {
	{
		.code = HVCALL_MAP_STATS_PAGE, .name = "MAP_STATS_PAGE", .slow = true,
		.in_size = sizeof(struct hv_input_map_stats_page),
		.out_size = sizeof(struct hv_output_map_stats_page),
		.call = hvsim_map_stats_page,
	}, {
		.code = HVCALL_UNMAP_STATS_PAGE, .name = "UNMAP_STATS_PAGE", .slow = true,
		.in_size = sizeof(struct hv_input_unmap_stats_page),
		.call = hvsim_unmap_stats_page,
	},
};

const unsigned int hvsim_stats_nr_hcalls = ARRAY_SIZE(hvsim_stats_hcalls);
