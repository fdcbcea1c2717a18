// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: HVCALL_INSTALL_INTERCEPT bookkeeping.
 *
 * Intercepts are partition-wide.  hvsim validates and records them; the x86
 * execution engine asks hvsim_intercept_access() whether an operation of the
 * guest must exit to the root.  Installing the same (type, parameter) again
 * replaces its access mask, and an access mask of NONE removes it.
 *
 * Validation (statuses the TLFS does not pin down are model choices,
 * documented in hvsim.rst):
 *  - the target is a child in the Initialized state (SELF: ACCESS_DENIED,
 *    unknown: INVALID_PARTITION_ID, other states: INVALID_PARTITION_STATE);
 *  - access mask: only READ|WRITE|EXECUTE, and no EXECUTE for port and MSR
 *    intercepts (INVALID_PARAMETER);
 *  - type: x64 types hvsim knows; RESERVED0, MMIO and the arm64 types are
 *    refused (INVALID_PARAMETER);
 *  - parameter: the union member of the type, every other byte zero; port
 *    ranges with base <= end; exception vectors below 32
 *    (INVALID_PARAMETER).
 */
#include <linux/slab.h>

#include "hvsim.h"

/* Distinct (type, parameter) entries per partition; a model limit. */
#define HVSIM_MAX_INTERCEPTS	1024

#define HVSIM_ACCESS_RW		(HV_INTERCEPT_ACCESS_MASK_READ | \
				 HV_INTERCEPT_ACCESS_MASK_WRITE)
#define HVSIM_ACCESS_ALL	(HVSIM_ACCESS_RW | HV_INTERCEPT_ACCESS_MASK_EXECUTE)

/* The parameter must fit in the low @bits bits. */
static bool param_fits(u64 param, unsigned int bits)
{
	return bits == 64 || !(param >> bits);
}

/* Returns the status of the (type, access, parameter) triple. */
static u16 hvsim_intercept_check(u32 type, u32 access, u64 param)
{
	union hv_intercept_parameters p = { .as_uint64 = param };

	if (access & ~HVSIM_ACCESS_ALL)
		return HV_STATUS_INVALID_PARAMETER;
	switch (type) {
	case HV_INTERCEPT_TYPE_X64_IO_PORT:
		return access & ~HVSIM_ACCESS_RW || !param_fits(param, 16) ?
		       HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
	case HV_INTERCEPT_TYPE_X64_IO_PORT_RANGE:
		return access & ~HVSIM_ACCESS_RW || !param_fits(param, 32) ||
		       p.io_port_range.base > p.io_port_range.end ?
		       HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
	case HV_INTERCEPT_TYPE_X64_MSR:
	case HV_INTERCEPT_TYPE_X64_MSR_INDEX:
		return access & ~HVSIM_ACCESS_RW || !param_fits(param, 32) ?
		       HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
	case HV_INTERCEPT_TYPE_X64_CPUID:
	case HV_INTERCEPT_TYPE_X64_APIC_WRITE:
		return param_fits(param, 32) ?
		       HV_STATUS_SUCCESS : HV_STATUS_INVALID_PARAMETER;
	case HV_INTERCEPT_TYPE_EXCEPTION:
	case HV_INTERCEPT_TYPE_X64_EXCEPTION_TRAP:
		return param_fits(param, 16) && p.exception_vector < 32 ?
		       HV_STATUS_SUCCESS : HV_STATUS_INVALID_PARAMETER;
	case HV_INTERCEPT_TYPE_X64_GLOBAL_CPUID:
	case HV_INTERCEPT_TYPE_X64_APIC_SMI:
	case HV_INTERCEPT_TYPE_HYPERCALL:
	case HV_INTERCEPT_TYPE_X64_APIC_INIT_SIPI:
	case HV_INTERCEPT_TYPE_MC_UPDATE_PATCH_LEVEL_MSR_READ:
	case HV_INTERCEPT_TYPE_UNKNOWN_SYNIC_CONNECTION:
	case HV_INTERCEPT_TYPE_X64_APIC_EOI:
	case HV_INTERCEPT_TYPE_RETARGET_INTERRUPT_WITH_UNKNOWN_DEVICE_ID:
		/* No parameter. */
		return param ? HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
	}
	return HV_STATUS_INVALID_PARAMETER;
}

static struct hvsim_intercept *hvsim_intercept_find(const struct hvsim_partition *pt,
						    u32 type, u64 param)
{
	u32 i;

	for (i = 0; i < pt->nr_intercepts; i++)
		if (pt->intercepts[i].type == type && pt->intercepts[i].param == param)
			return &pt->intercepts[i];
	return NULL;
}

static u16 hvsim_install_intercept(struct hvsim_call *c)
{
	const struct hv_input_install_intercept *in = c->in;
	u64 param = in->intercept_parameter.as_uint64;
	struct hvsim_partition *pt;
	struct hvsim_intercept *ic;
	u16 status;

	if (in->partition_id == HV_PARTITION_ID_SELF)
		return HV_STATUS_ACCESS_DENIED;
	pt = hvsim_partition_get(in->partition_id);
	if (!pt)
		return HV_STATUS_INVALID_PARTITION_ID;
	status = hvsim_intercept_check(in->intercept_type, in->access_type, param);
	if (status)
		return status;
	if (pt->state != HVSIM_PT_INITIALIZED)
		return HV_STATUS_INVALID_PARTITION_STATE;

	ic = hvsim_intercept_find(pt, in->intercept_type, param);
	if (ic) {
		if (in->access_type) {
			ic->access = in->access_type;
		} else {
			/* Removal: the last entry takes its place. */
			*ic = pt->intercepts[--pt->nr_intercepts];
		}
		return HV_STATUS_SUCCESS;
	}
	if (!in->access_type)
		return HV_STATUS_SUCCESS;
	if (pt->nr_intercepts == HVSIM_MAX_INTERCEPTS)
		return HV_STATUS_NO_RESOURCES;
	if (pt->nr_intercepts == pt->max_intercepts) {
		u32 n = max(8U, pt->max_intercepts * 2);
		struct hvsim_intercept *tbl;

		tbl = krealloc_array(pt->intercepts, n, sizeof(*tbl),
				     GFP_ATOMIC | __GFP_NOWARN);
		if (!tbl)
			return HV_STATUS_INSUFFICIENT_MEMORY;
		pt->intercepts = tbl;
		pt->max_intercepts = n;
	}
	pt->intercepts[pt->nr_intercepts++] = (struct hvsim_intercept) {
		.type = in->intercept_type,
		.access = in->access_type,
		.param = param,
	};
	return HV_STATUS_SUCCESS;
}

/**
 * hvsim_intercept_access() - which accesses of an operation are intercepted
 * @pt: the partition (hvsim.lock held)
 * @type: HV_INTERCEPT_TYPE_* of the operation: X64_IO_PORT (@param: port),
 *	X64_MSR (@param: MSR index), X64_CPUID (@param: leaf), EXCEPTION
 *	(@param: vector) or any other type (@param as installed)
 * @param: the operation's parameter
 *
 * A port also matches installed X64_IO_PORT_RANGE entries containing it, an
 * MSR matches X64_MSR_INDEX entries of its index and X64_MSR entries (all
 * MSRs), a CPUID leaf matches X64_GLOBAL_CPUID.
 *
 * Return: the union of the HV_INTERCEPT_ACCESS_MASK_* of the matching
 * intercepts (0: none installed).
 */
u32 hvsim_intercept_access(const struct hvsim_partition *pt, u32 type, u64 param)
{
	const struct hvsim_intercept *ic;
	u32 access = 0, i;

	lockdep_assert_held(&hvsim.lock);
	for (i = 0; i < pt->nr_intercepts; i++) {
		ic = &pt->intercepts[i];
		if (ic->type == type && ic->param == param) {
			access |= ic->access;
			continue;
		}
		switch (type) {
		case HV_INTERCEPT_TYPE_X64_IO_PORT:
			if (ic->type == HV_INTERCEPT_TYPE_X64_IO_PORT_RANGE &&
			    param >= (ic->param & 0xffff) &&
			    param <= ((ic->param >> 16) & 0xffff))
				access |= ic->access;
			break;
		case HV_INTERCEPT_TYPE_X64_MSR:
			if (ic->type == HV_INTERCEPT_TYPE_X64_MSR ||
			    (ic->type == HV_INTERCEPT_TYPE_X64_MSR_INDEX &&
			     ic->param == param))
				access |= ic->access;
			break;
		case HV_INTERCEPT_TYPE_X64_CPUID:
			if (ic->type == HV_INTERCEPT_TYPE_X64_GLOBAL_CPUID)
				access |= ic->access;
			break;
		}
	}
	return access;
}

/**
 * hvsim_intercept_installed() - hvsim_intercept_access() for tests
 * @partition_id: the partition
 * @type: see hvsim_intercept_access()
 * @param: see hvsim_intercept_access()
 *
 * Return: the intercepted access mask, 0 also for an unknown partition.
 */
u32 hvsim_intercept_installed(u64 partition_id, u32 type, u64 param)
{
	struct hvsim_partition *pt;
	unsigned long flags;
	u32 access = 0;

	spin_lock_irqsave(&hvsim.lock, flags);
	pt = hvsim_partition_get(partition_id);
	if (pt)
		access = hvsim_intercept_access(pt, type, param);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return access;
}
EXPORT_SYMBOL_GPL(hvsim_intercept_installed);

void hvsim_intercepts_free(struct hvsim_partition *pt)
{
	kfree(pt->intercepts);
	pt->intercepts = NULL;
	pt->nr_intercepts = 0;
	pt->max_intercepts = 0;
}

const struct hvsim_hcall hvsim_intercept_hcalls[] = {
	{
		.code = HVCALL_INSTALL_INTERCEPT, .name = "INSTALL_INTERCEPT",
		.slow = true,
		.in_size = sizeof(struct hv_input_install_intercept),
		.call = hvsim_install_intercept,
	},
};

const unsigned int hvsim_intercept_nr_hcalls = ARRAY_SIZE(hvsim_intercept_hcalls);
