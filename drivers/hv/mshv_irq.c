// SPDX-License-Identifier: GPL-2.0-only
/*
 * mshv_root: guest interrupt routes (MSHV_SET_MSI_ROUTING).
 *
 * A route maps a GSI to an x86 MSI message, decoded once when the table is
 * installed into what HVCALL_ASSERT_VIRTUAL_INTERRUPT takes.  The table is
 * indexed by GSI and replaced as a whole: the partition mutex serializes
 * writers, readers outside it use RCU, and every irqfd keeps its own copy
 * of its route (refreshed before the old table is freed), so the injection
 * path never touches the table at all.
 */
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mshv_root.h"

/* The xAPIC MSI address window: 0xFEExxxxx. */
#define MSHV_MSI_ADDR_BASE_MASK		GENMASK(31, 20)
#define MSHV_MSI_ADDR_BASE		0xfee00000
#define MSHV_MSI_ADDR_DEST_ID		GENMASK(19, 12)
#define MSHV_MSI_ADDR_DEST_LOGICAL	BIT(2)
#define MSHV_MSI_DATA_VECTOR		GENMASK(7, 0)
#define MSHV_MSI_DATA_DELIVERY_MODE	GENMASK(10, 8)
#define MSHV_MSI_DATA_LEVEL		BIT(15)

/*
 * Decode one MSI message.  An entry that installs fine but cannot be
 * injected (an address outside the xAPIC window, a delivery mode with no
 * interrupt type, a fixed/lowest-priority vector below 16) stays in the
 * table as invalid: its irqfds inject nothing.  VMMs install such entries
 * for masked MSI-X vectors (all zeros), so refusing the table would break
 * them.
 */
static void mshv_girq_decode(const struct mshv_user_irq_entry *e, struct mshv_girq *g)
{
	u32 mode = FIELD_GET(MSHV_MSI_DATA_DELIVERY_MODE, e->data);

	memset(g, 0, sizeof(*g));
	g->present = true;
	g->vector = FIELD_GET(MSHV_MSI_DATA_VECTOR, e->data);
	g->level = e->data & MSHV_MSI_DATA_LEVEL;
	g->logical = e->address_lo & MSHV_MSI_ADDR_DEST_LOGICAL;
	g->dest = FIELD_GET(MSHV_MSI_ADDR_DEST_ID, e->address_lo);
	/* x86 delivery modes 0-2, 4, 5 and 7 are the same numbers as the types. */
	switch (mode) {
	case HV_X64_INTERRUPT_TYPE_FIXED:
	case HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY:
		if (g->vector < 16)
			return;
		break;
	case HV_X64_INTERRUPT_TYPE_SMI:
	case HV_X64_INTERRUPT_TYPE_NMI:
	case HV_X64_INTERRUPT_TYPE_INIT:
	case HV_X64_INTERRUPT_TYPE_EXTINT:
		break;
	default:
		return;
	}
	if ((e->address_lo & MSHV_MSI_ADDR_BASE_MASK) != MSHV_MSI_ADDR_BASE)
		return;
	g->type = mode;
	g->valid = true;
}

/**
 * mshv_girq_lookup() - the route of a GSI
 * @pt: the partition (its mutex held, or in an RCU read-side section)
 * @gsi: the GSI
 * @g: the route, or a zeroed (not present, not valid) one
 */
void mshv_girq_lookup(struct mshv_partition *pt, u32 gsi, struct mshv_girq *g)
{
	const struct mshv_girq_table *t;

	t = rcu_dereference_check(pt->girqs, lockdep_is_held(&pt->lock));
	if (t && gsi < t->nr_gsis)
		*g = t->routes[gsi];
	else
		memset(g, 0, sizeof(*g));
}

/**
 * mshv_girq_inject() - assert the interrupt of a route
 * @pt: the partition
 * @g: a route copy; nothing happens unless it is valid
 *
 * Safe in atomic context.
 *
 * Return: 0, -ENOENT for an invalid route, or the hypercall's errno.
 */
int mshv_girq_inject(struct mshv_partition *pt, const struct mshv_girq *g)
{
	u64 control;

	if (!g->valid)
		return -ENOENT;
	control = FIELD_PREP(HV_INTERRUPT_CONTROL_TYPE_MASK, g->type) |
		  (g->level ? HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED : 0) |
		  (g->logical ? HV_INTERRUPT_CONTROL_LOGICAL_DEST_MODE : 0);
	return mshv_hvcall_assert_virtual_interrupt(pt->id, control, g->dest, g->vector);
}

/**
 * mshv_partition_ioctl_set_msi_routing() - MSHV_SET_MSI_ROUTING
 * @pt: the partition (its mutex held)
 * @uarg: struct mshv_user_irq_table followed by its entries
 *
 * Return: 0, or a negative errno with the previous table in place.
 */
long mshv_partition_ioctl_set_msi_routing(struct mshv_partition *pt, void __user *uarg)
{
	struct mshv_user_irq_table hdr;
	struct mshv_user_irq_entry *entries = NULL;
	struct mshv_girq_table *new, *old;
	unsigned long *seen;
	u32 i, nr_gsis = 0;
	long ret = 0;

	if (copy_from_user(&hdr, uarg, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nr > MSHV_MAX_GUEST_IRQS || hdr.rsvd)
		return -EINVAL;
	if (hdr.nr) {
		entries = vmemdup_array_user(uarg + sizeof(hdr), hdr.nr, sizeof(*entries));
		if (IS_ERR(entries))
			return PTR_ERR(entries);
	}

	seen = bitmap_zalloc(MSHV_MAX_GUEST_IRQS, GFP_KERNEL);
	if (!seen) {
		ret = -ENOMEM;
		goto out_free_entries;
	}
	/* A GSI appears at most once; GSI 0 is a GSI like any other. */
	for (i = 0; i < hdr.nr; i++) {
		const struct mshv_user_irq_entry *e = &entries[i];

		if (e->gsi >= MSHV_MAX_GUEST_IRQS || e->address_hi ||
		    test_and_set_bit(e->gsi, seen)) {
			ret = -EINVAL;
			goto out_free_seen;
		}
		nr_gsis = max(nr_gsis, e->gsi + 1);
	}

	new = kvzalloc(struct_size(new, routes, nr_gsis), GFP_KERNEL_ACCOUNT);
	if (!new) {
		ret = -ENOMEM;
		goto out_free_seen;
	}
	new->nr_gsis = nr_gsis;
	for (i = 0; i < hdr.nr; i++)
		mshv_girq_decode(&entries[i], &new->routes[entries[i].gsi]);

	old = rcu_replace_pointer(pt->girqs, new, lockdep_is_held(&pt->lock));
	/* Every irqfd and resampler moves to its new route ... */
	mshv_irqfd_routes_update(pt);
	/* ... before readers of the old table may be gone. */
	if (old)
		kvfree_rcu(old, rcu);

out_free_seen:
	bitmap_free(seen);
out_free_entries:
	kvfree(entries);
	return ret;
}

/**
 * mshv_partition_free_girqs() - drop the route table of a dying partition
 * @pt: the partition, no longer reachable
 */
void mshv_partition_free_girqs(struct mshv_partition *pt)
{
	kvfree(rcu_dereference_protected(pt->girqs, 1));
	RCU_INIT_POINTER(pt->girqs, NULL);
}
