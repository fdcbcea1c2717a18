// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: partition properties -- HVCALL_GET_PARTITION_PROPERTY,
 * HVCALL_SET_PARTITION_PROPERTY and HVCALL_GET_PARTITION_PROPERTY_EX.
 *
 * Every modelled property code is a row of hvsim_properties[] below, with
 * its default, the states in which it may be set and its range; the same
 * table is in Documentation/virt/mshv/hvsim.rst.  A code that is not in
 * the table answers HV_STATUS_UNKNOWN_PROPERTY, also when the real
 * hypervisor knows it (arm64, SEV-SNP, SGX, VSM and scheduler properties
 * are not modelled).
 *
 * HV_PARTITION_ID_SELF (and the root's own partition id) names the root: it
 * answers the host's capabilities, which the root's VMM reads before it
 * creates a partition; a child's feature properties are the host's minus
 * the banks disabled at CREATE_PARTITION.  Nothing may be set on the root.
 */
#include <linux/module.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "hvsim.h"
#include "hvsim_synic.h"

/* --------------------------------------------------- host capabilities ---- */

/*
 * The host hvsim pretends to be: a recent x86_64 server.  Each value is a
 * load parameter so tests can model other hosts.
 */
static unsigned long long host_features0 =
	GENMASK_ULL(4, 0) |		/* sse3 .. sse4_2 */
	BIT_ULL(HV_PROC_FEATURE_POPCNT) | BIT_ULL(HV_PROC_FEATURE_CMPXCHG16B) |
	BIT_ULL(HV_PROC_FEATURE_LZCNT) |
	GENMASK_ULL(HV_PROC_FEATURE_PCID, HV_PROC_FEATURE_PAGE_1GB) |
	GENMASK_ULL(HV_PROC_FEATURE_BMI2, HV_PROC_FEATURE_F16C) |
	BIT_ULL(HV_PROC_FEATURE_MOVBE) | BIT_ULL(HV_PROC_FEATURE_DEP_X87_FPU_SAVE) |
	BIT_ULL(HV_PROC_FEATURE_RDSEED) | BIT_ULL(HV_PROC_FEATURE_ADX) |
	BIT_ULL(HV_PROC_FEATURE_SMAP) |
	GENMASK_ULL(HV_PROC_FEATURE_SHA, HV_PROC_FEATURE_RDTSCP) |
	GENMASK_ULL(HV_PROC_FEATURE_SSB_NO, HV_PROC_FEATURE_INVPCID) |
	BIT_ULL(HV_PROC_FEATURE_UMIP);
module_param(host_features0, ullong, 0444);
MODULE_PARM_DESC(host_features0, "PROCESSOR_FEATURES0 of the host (SELF)");

static unsigned long long host_features1 =
	BIT_ULL(HV_PROC_FEATURE_TSC_INVARIANT - 64) |
	BIT_ULL(HV_PROC_FEATURE_NESTED_VIRT_SUPPORT - 64) |
	BIT_ULL(HV_PROC_FEATURE_PSFD - 64) |
	GENMASK_ULL(HV_PROC_FEATURE_FS_REP_CMPSB - 64, HV_PROC_FEATURE_SERIALIZE - 64) |
	BIT_ULL(HV_PROC_FEATURE_GDS_NO - 64);
module_param(host_features1, ullong, 0444);
MODULE_PARM_DESC(host_features1, "PROCESSOR_FEATURES1 of the host (SELF)");

static unsigned long long host_xsave =
	GENMASK_ULL(4, 0) |		/* xsave, xsaveopt, avx, avx2, fma */
	GENMASK_ULL(12, 6) |		/* avx512 .. xsave_supervisor */
	GENMASK_ULL(22, 14) |		/* avx512_bitalg .. vpclmulqdq */
	HV_XSAVE_FEATURE_AVX_VNNI;
module_param(host_xsave, ullong, 0444);
MODULE_PARM_DESC(host_xsave, "PROCESSOR_XSAVE_FEATURES of the host (SELF)");

static unsigned int phys_addr_bits = 46;
module_param(phys_addr_bits, uint, 0444);
MODULE_PARM_DESC(phys_addr_bits, "PHYSICAL_ADDRESS_WIDTH of the host (bits)");

static unsigned long long clock_hz = 2400000000ULL;
module_param(clock_hz, ullong, 0444);
MODULE_PARM_DESC(clock_hz, "PROCESSOR_CLOCK_FREQUENCY (Hz)");

/*
 * Synthetic features a VMM may give a child: cloud-hypervisor's request
 * (hv-abi.md 7.8) plus a few more it does not ask for.
 */
static unsigned long long assignable_synthetic =
	GENMASK_ULL(11, 0) |
	HV_SYNTHETIC_PROC_FEATURE_DIRECT_SYNTHETIC_TIMERS |
	HV_SYNTHETIC_PROC_FEATURE_EXTENDED_PROCESSOR_MASKS |
	HV_SYNTHETIC_PROC_FEATURE_TB_FLUSH_HYPERCALLS |
	HV_SYNTHETIC_PROC_FEATURE_SYNTHETIC_CLUSTER_IPI |
	HV_SYNTHETIC_PROC_FEATURE_NOTIFY_LONG_SPIN_WAIT |
	HV_SYNTHETIC_PROC_FEATURE_ACCESS_VP_REGS |
	HV_SYNTHETIC_PROC_FEATURE_FLUSH_GUEST_PHYSICAL_ADDRESS_SPACE;
module_param(assignable_synthetic, ullong, 0444);
MODULE_PARM_DESC(assignable_synthetic, "ASSIGNABLE_SYNTHETIC_PROC_FEATURES bank 0");

static unsigned long long vmm_capabilities =
	HV_VMM_CAP_ASSIGNABLE_SYNTHETIC_PROC_FEATURES;
module_param(vmm_capabilities, ullong, 0444);
MODULE_PARM_DESC(vmm_capabilities, "VMM_CAPABILITIES bank 0");

/* Older hypervisors do not know VMM_CAPABILITIES and deny it. */
static bool vmm_caps_denied;
module_param(vmm_caps_denied, bool, 0644);
MODULE_PARM_DESC(vmm_caps_denied, "GET_PARTITION_PROPERTY_EX(VMM_CAPABILITIES) answers ACCESS_DENIED");

/*
 * Hook for asynchronous SET_PARTITION_PROPERTY (off by default): the set is
 * applied and the call returns CALL_PENDING; the ASYNC_CALL_COMPLETION
 * message is recorded in the partition (props.async_pending/async_status)
 * and delivered by the SynIC message queues, which land with the VP work.
 */
static bool async_set_property;
module_param(async_set_property, bool, 0644);
MODULE_PARM_DESC(async_set_property, "SET_PARTITION_PROPERTY returns CALL_PENDING (needs SynIC message delivery)");

/* Privileges hvsim gives the root, and what the root may give a child. */
#define HVSIM_ROOT_PRIVILEGES						\
	(GENMASK_ULL(11, 0) | HV_PARTITION_PRIV_ACCESS_REENLIGHTENMENT_CONTROLS | \
	 GENMASK_ULL(40, 32) | HV_PARTITION_PRIV_DEBUGGING |		\
	 HV_PARTITION_PRIV_CPU_MANAGEMENT | HV_PARTITION_PRIV_ACCESS_VSM | \
	 HV_PARTITION_PRIV_ACCESS_VP_REGISTERS |				\
	 HV_PARTITION_PRIV_FAST_HYPERCALL_OUTPUT |			\
	 HV_PARTITION_PRIV_ENABLE_EXTENDED_HYPERCALLS |			\
	 HV_PARTITION_PRIV_START_VIRTUAL_PROCESSOR)
/* Not for a non-isolated child: creating partitions, pools, CPUs, isolation. */
#define HVSIM_CHILD_PRIVILEGES						\
	(HVSIM_ROOT_PRIVILEGES & ~(HV_PARTITION_PRIV_CREATE_PARTITIONS |	\
				   HV_PARTITION_PRIV_ACCESS_MEMORY_POOL |	\
				   HV_PARTITION_PRIV_CPU_MANAGEMENT))
#define HVSIM_DEFAULT_PRIVILEGES					\
	(GENMASK_ULL(11, 0) | HV_PARTITION_PRIV_POST_MESSAGES |		\
	 HV_PARTITION_PRIV_SIGNAL_EVENTS)

/* Hyper-V partitions have at most this many VPs (unverified for all versions). */
#define HVSIM_MAX_VPS_PER_PARTITION	2048

/* 64-byte cache lines, in the 8-byte units CPUID.1:EBX[15:8] uses. */
#define HVSIM_CL_FLUSH_SIZE		8

/* ------------------------------------------------------ derived values ---- */

static u64 features(const struct hvsim_partition *pt, unsigned int bank)
{
	u64 host = bank ? host_features1 : host_features0;

	return pt ? host & ~pt->disabled_features[bank] : host;
}

static u64 xsave_features(const struct hvsim_partition *pt)
{
	return pt ? host_xsave & ~pt->disabled_xsave : host_xsave;
}

/*
 * XSAVE state components (XCR0 bits) a set of XSAVE features enables, and
 * the end of each component in the standard (non-compacted) XSAVE layout,
 * which is fixed on x86: legacy area + header 576, AVX 832, MPX 1088,
 * AVX-512 2688, PKRU 2696, AMX 11008.
 */
static const struct {
	u64 feature;
	u64 states;
	u32 end;
} xsave_components[] = {
	{ HV_XSAVE_FEATURE_AVX, BIT_ULL(2), 832 },
	{ HV_XSAVE_FEATURE_MPX, BIT_ULL(3) | BIT_ULL(4), 1088 },
	{ HV_XSAVE_FEATURE_AVX512, GENMASK_ULL(7, 5), 2688 },
	{ HV_XSAVE_FEATURE_AMX_TILE, BIT_ULL(17) | BIT_ULL(18), 11008 },
};

static u64 xsave_states(u64 xfeatures)
{
	u64 states = BIT_ULL(0) | BIT_ULL(1);	/* x87, SSE: always */
	unsigned int i;

	if (!(xfeatures & HV_XSAVE_FEATURE_XSAVE))
		return states;
	for (i = 0; i < ARRAY_SIZE(xsave_components); i++)
		if (xfeatures & xsave_components[i].feature)
			states |= xsave_components[i].states;
	return states;
}

static u64 xsave_size(u64 xfeatures)
{
	u32 size = 576;
	unsigned int i;

	if (!(xfeatures & HV_XSAVE_FEATURE_XSAVE))
		return size;
	for (i = 0; i < ARRAY_SIZE(xsave_components); i++)
		if (xfeatures & xsave_components[i].feature)
			size = max(size, xsave_components[i].end);
	return size;
}

/**
 * hvsim_partition_xsave_states() - XSAVE components enabled in a partition
 * @pt: the partition, or NULL for the root
 *
 * Return: the XFEM (XCR0) mask the XSAVE_STATES property reports.
 */
u64 hvsim_partition_xsave_states(const struct hvsim_partition *pt)
{
	return xsave_states(xsave_features(pt));
}

/**
 * hvsim_partition_max_xsave_size() - bytes of XSAVE data of a partition's VP
 * @pt: the partition, or NULL for the root
 *
 * Return: the MAX_XSAVE_DATA_SIZE property (standard-format XSAVE area).
 */
u64 hvsim_partition_max_xsave_size(const struct hvsim_partition *pt)
{
	return xsave_size(xsave_features(pt));
}

/* Feature bank @bank (0, 1) of a partition (NULL: the host), for CPUID. */
u64 hvsim_partition_features(const struct hvsim_partition *pt, unsigned int bank)
{
	return features(pt, bank);
}

/* PROCESSOR_XSAVE_FEATURES of a partition (NULL: the host), for CPUID. */
u64 hvsim_partition_xsave_features(const struct hvsim_partition *pt)
{
	return xsave_features(pt);
}

/* PHYSICAL_ADDRESS_WIDTH of a partition (NULL: the host). */
u64 hvsim_partition_pa_width(const struct hvsim_partition *pt)
{
	return pt ? pt->props.physical_address_width : phys_addr_bits;
}

/* PROCESSOR_CLOCK_FREQUENCY, for HV_REGISTER_PROCESSOR_CLOCK_FREQUENCY. */
u64 hvsim_clock_frequency(void)
{
	return clock_hz;
}

/* Partition reference time in 100 ns units; it stops while frozen. */
static u64 reference_time(const struct hvsim_partition *pt)
{
	const struct hvsim_props *p = &pt->props;

	if (p->time_freeze)
		return p->reference_time;
	return p->reference_time + div_u64(ktime_get_ns() - p->ref_stamp_ns, 100);
}

/* ---------------------------------------------------------- the table ---- */

#define P_RO		BIT(0)	/* read-only: SET answers ACCESS_DENIED */
#define P_EARLY		BIT(1)	/* settable only while Created */
#define P_LATE		BIT(2)	/* settable only while Initialized */
#define P_SELF		BIT(3)	/* readable on the root (host value) */
#define P_EX		BIT(4)	/* only through GET_PARTITION_PROPERTY_EX */

struct hvsim_property {
	u32 code;
	const char *name;
	u32 flags;
	/* Value of a child (SELF: @pt is NULL, only with P_SELF). */
	u64 (*get)(const struct hvsim_partition *pt);
	/* Range check of a SET; 0 or a status. */
	u16 (*check)(const struct hvsim_partition *pt, u64 value);
	void (*set)(struct hvsim_partition *pt, u64 value);
};

static u16 check_bool(const struct hvsim_partition *pt, u64 v)
{
	return v <= 1 ? HV_STATUS_SUCCESS : HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE;
}

static u64 get_privileges(const struct hvsim_partition *pt)
{
	return pt ? pt->props.privilege_flags : HVSIM_ROOT_PRIVILEGES;
}

static u16 check_privileges(const struct hvsim_partition *pt, u64 v)
{
	return v & ~HVSIM_CHILD_PRIVILEGES ?
	       HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE : HV_STATUS_SUCCESS;
}

static void set_privileges(struct hvsim_partition *pt, u64 v)
{
	pt->props.privilege_flags = v;
}

static u64 get_synthetic(const struct hvsim_partition *pt)
{
	return pt ? pt->props.synthetic_proc_features : assignable_synthetic;
}

static u16 check_synthetic(const struct hvsim_partition *pt, u64 v)
{
	return v & ~assignable_synthetic ?
	       HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE : HV_STATUS_SUCCESS;
}

static void set_synthetic(struct hvsim_partition *pt, u64 v)
{
	pt->props.synthetic_proc_features = v;
}

static u64 get_time_freeze(const struct hvsim_partition *pt)
{
	return pt->props.time_freeze;
}

static void set_time_freeze(struct hvsim_partition *pt, u64 v)
{
	struct hvsim_props *p = &pt->props;

	if (v == p->time_freeze)
		return;
	/* Freezing latches the clock; thawing restarts it from there. */
	if (v)
		p->reference_time = reference_time(pt);
	else
		p->ref_stamp_ns = ktime_get_ns();
	p->time_freeze = v;
}

/* Partition reference time (100 ns), for HV_REGISTER_TIME_REF_COUNT. */
u64 hvsim_partition_reference_time(const struct hvsim_partition *pt)
{
	return reference_time(pt);
}

static u64 get_reference_time(const struct hvsim_partition *pt)
{
	return reference_time(pt);
}

static u16 check_any(const struct hvsim_partition *pt, u64 v)
{
	return HV_STATUS_SUCCESS;
}

static void set_reference_time(struct hvsim_partition *pt, u64 v)
{
	pt->props.reference_time = v;
	pt->props.ref_stamp_ns = ktime_get_ns();
}

static u64 get_per_socket(const struct hvsim_partition *pt)
{
	return pt->props.processors_per_socket;
}

static u16 check_per_socket(const struct hvsim_partition *pt, u64 v)
{
	return v >= 1 && v <= HVSIM_MAX_VPS_PER_PARTITION ?
	       HV_STATUS_SUCCESS : HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE;
}

static void set_per_socket(struct hvsim_partition *pt, u64 v)
{
	pt->props.processors_per_socket = v;
}

static u64 get_tracking(const struct hvsim_partition *pt)
{
	return pt->props.gpa_access_tracking;
}

static void set_tracking(struct hvsim_partition *pt, u64 v)
{
	pt->props.gpa_access_tracking = v;
}

static u64 get_msr_action(const struct hvsim_partition *pt)
{
	return pt->props.unimplemented_msr_action;
}

static void set_msr_action(struct hvsim_partition *pt, u64 v)
{
	pt->props.unimplemented_msr_action = v;
}

static u64 get_pa_width(const struct hvsim_partition *pt)
{
	return pt ? pt->props.physical_address_width : phys_addr_bits;
}

static u64 get_xsave_features(const struct hvsim_partition *pt)
{
	return xsave_features(pt);
}

static u64 get_cl_flush_size(const struct hvsim_partition *pt)
{
	return HVSIM_CL_FLUSH_SIZE;
}

static u64 get_compat_version(const struct hvsim_partition *pt)
{
	return pt ? pt->compat_version : HV_PARTITION_COMPATIBILITY_VERSION_21H2;
}

static u64 get_xsave_states(const struct hvsim_partition *pt)
{
	return hvsim_partition_xsave_states(pt);
}

static u64 get_xsave_size(const struct hvsim_partition *pt)
{
	return hvsim_partition_max_xsave_size(pt);
}

static u64 get_clock(const struct hvsim_partition *pt)
{
	return clock_hz;
}

static u64 get_features0(const struct hvsim_partition *pt)
{
	return features(pt, 0);
}

static u64 get_features1(const struct hvsim_partition *pt)
{
	return features(pt, 1);
}

static u64 get_guest_os_id(const struct hvsim_partition *pt)
{
	return pt->props.guest_os_id;
}

static u64 get_vmm_caps(const struct hvsim_partition *pt)
{
	return vmm_capabilities;
}

static u64 get_assignable(const struct hvsim_partition *pt)
{
	return assignable_synthetic;
}

#define PROP(_code, _flags, _get, _check, _set) {			\
	.code = HV_PARTITION_PROPERTY_##_code, .name = #_code,		\
	.flags = (_flags), .get = (_get), .check = (_check), .set = (_set) }
#define PROP_RO(_code, _flags, _get) PROP(_code, P_RO | (_flags), _get, NULL, NULL)

static const struct hvsim_property hvsim_properties[] = {
	PROP(PRIVILEGE_FLAGS, P_EARLY | P_SELF, get_privileges,
	     check_privileges, set_privileges),
	PROP(SYNTHETIC_PROC_FEATURES, P_EARLY | P_SELF, get_synthetic,
	     check_synthetic, set_synthetic),
	PROP(TIME_FREEZE, P_LATE, get_time_freeze, check_bool, set_time_freeze),
	PROP(REFERENCE_TIME, P_LATE, get_reference_time, check_any,
	     set_reference_time),
	PROP(PROCESSORS_PER_SOCKET, P_LATE, get_per_socket, check_per_socket,
	     set_per_socket),
	PROP(GPA_PAGE_ACCESS_TRACKING, P_LATE, get_tracking, check_bool,
	     set_tracking),
	PROP(UNIMPLEMENTED_MSR_ACTION, P_LATE, get_msr_action, check_bool,
	     set_msr_action),
	PROP_RO(IMPLEMENTED_PHYSICAL_ADDRESS_BITS, P_SELF, get_pa_width),
	PROP_RO(PROCESSOR_XSAVE_FEATURES, P_SELF, get_xsave_features),
	PROP_RO(PROCESSOR_CL_FLUSH_SIZE, P_SELF, get_cl_flush_size),
	PROP_RO(COMPATIBILITY_VERSION, P_SELF, get_compat_version),
	PROP_RO(PHYSICAL_ADDRESS_WIDTH, P_SELF, get_pa_width),
	PROP_RO(XSAVE_STATES, P_SELF, get_xsave_states),
	PROP_RO(MAX_XSAVE_DATA_SIZE, P_SELF, get_xsave_size),
	PROP_RO(PROCESSOR_CLOCK_FREQUENCY, P_SELF, get_clock),
	PROP_RO(PROCESSOR_FEATURES0, P_SELF, get_features0),
	PROP_RO(PROCESSOR_FEATURES1, P_SELF, get_features1),
	PROP_RO(GUEST_OS_ID, 0, get_guest_os_id),
	PROP_RO(VMM_CAPABILITIES, P_SELF | P_EX, get_vmm_caps),
	PROP_RO(ASSIGNABLE_SYNTHETIC_PROC_FEATURES, P_SELF | P_EX, get_assignable),
};

static const struct hvsim_property *hvsim_property_find(u32 code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvsim_properties); i++)
		if (hvsim_properties[i].code == code)
			return &hvsim_properties[i];
	return NULL;
}

void hvsim_props_init(struct hvsim_partition *pt)
{
	struct hvsim_props *p = &pt->props;

	memset(p, 0, sizeof(*p));
	p->privilege_flags = HVSIM_DEFAULT_PRIVILEGES;
	p->processors_per_socket = 1;
	p->physical_address_width = phys_addr_bits;
	p->ref_stamp_ns = ktime_get_ns();
}

/* The root names itself with SELF or with its own partition id. */
static bool hvsim_is_root_id(u64 id)
{
	return id == HV_PARTITION_ID_SELF || id == hv_current_partition_id;
}

/*
 * Common part of the two GETs: find the partition and the property and
 * check that it may be read this way.  *@ptp is NULL for the root.
 */
static u16 hvsim_property_lookup(u64 id, u32 code, bool ex,
				 struct hvsim_partition **ptp,
				 const struct hvsim_property **propp)
{
	const struct hvsim_property *prop;
	struct hvsim_partition *pt = NULL;

	if (!hvsim_is_root_id(id)) {
		pt = hvsim_partition_get(id);
		if (!pt)
			return HV_STATUS_INVALID_PARTITION_ID;
	}
	prop = hvsim_property_find(code);
	if (!prop)
		return HV_STATUS_UNKNOWN_PROPERTY;
	/* Multi-bank values do not fit the 8-byte output of the plain GET. */
	if ((prop->flags & P_EX) && !ex)
		return HV_STATUS_INVALID_PARAMETER;
	/* hvsim keeps no root state for per-partition settings. */
	if (!pt && !(prop->flags & P_SELF))
		return HV_STATUS_ACCESS_DENIED;
	*ptp = pt;
	*propp = prop;
	return HV_STATUS_SUCCESS;
}

/* ---------------------------------------------------------- handlers ---- */

static u16 hvsim_get_partition_property(struct hvsim_call *c)
{
	const struct hv_input_get_partition_property *in = c->in;
	struct hv_output_get_partition_property *out = c->out;
	const struct hvsim_property *prop;
	struct hvsim_partition *pt;
	u16 status;

	if (in->padding)
		return HV_STATUS_INVALID_PARAMETER;
	status = hvsim_property_lookup(in->partition_id, in->property_code,
				       false, &pt, &prop);
	if (status)
		return status;
	out->property_value = prop->get(pt);
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_get_partition_property_ex(struct hvsim_call *c)
{
	const struct hv_input_get_partition_property_ex *in = c->in;
	struct hv_output_get_partition_property_ex *out = c->out;
	union hv_partition_property_ex *v = &out->property_value;
	const struct hvsim_property *prop;
	struct hvsim_partition *pt;
	u16 status;

	/* No modelled property is VP-scoped or takes an argument. */
	if (in->padding || in->arg.as_uint64)
		return HV_STATUS_INVALID_PARAMETER;
	status = hvsim_property_lookup(in->partition_id, in->property_code,
				       true, &pt, &prop);
	if (status)
		return status;
	if (prop->code == HV_PARTITION_PROPERTY_VMM_CAPABILITIES && vmm_caps_denied)
		return HV_STATUS_ACCESS_DENIED;
	memset(v, 0, sizeof(*v));
	if (prop->flags & P_EX) {
		/* Same layout for both banked properties. */
		v->vmm_capabilities.bank_count = 1;
		v->vmm_capabilities.banks[0] = prop->get(pt);
	} else {
		v->property_value = prop->get(pt);
	}
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_set_partition_property(struct hvsim_call *c)
{
	const struct hv_input_set_partition_property *in = c->in;
	const struct hvsim_property *prop;
	struct hvsim_partition *pt;
	u16 status;

	if (in->padding)
		return HV_STATUS_INVALID_PARAMETER;
	if (hvsim_is_root_id(in->partition_id))
		return HV_STATUS_ACCESS_DENIED;
	pt = hvsim_partition_get(in->partition_id);
	if (!pt)
		return HV_STATUS_INVALID_PARTITION_ID;
	prop = hvsim_property_find(in->property_code);
	if (!prop)
		return HV_STATUS_UNKNOWN_PROPERTY;
	if (prop->flags & P_RO)
		return HV_STATUS_ACCESS_DENIED;
	if (pt->state == HVSIM_PT_FINALIZED ||
	    ((prop->flags & P_EARLY) && pt->state != HVSIM_PT_CREATED) ||
	    ((prop->flags & P_LATE) && pt->state != HVSIM_PT_INITIALIZED))
		return HV_STATUS_INVALID_PARTITION_STATE;
	status = prop->check(pt, in->property_value);
	if (status)
		return status;
	if (async_set_property) {
		/* One outstanding asynchronous call per partition. */
		if (pt->props.async_pending)
			return HV_STATUS_OBJECT_IN_USE;
		/*
		 * The completion is queued now and reaches the root through
		 * its SynIC interrupt after this call returns; the call is no
		 * longer outstanding inside the model.
		 */
		if (hvsim_synic_post_async_completion(pt->id, HV_STATUS_SUCCESS))
			return HV_STATUS_INSUFFICIENT_BUFFERS;
		prop->set(pt, in->property_value);
		return HV_STATUS_CALL_PENDING;
	}
	prop->set(pt, in->property_value);
	return HV_STATUS_SUCCESS;
}

/**
 * hvsim_get_property() - a property of a partition, as a GET would read it
 * @partition_id: partition id, or HV_PARTITION_ID_SELF for the host
 * @code: property code
 * @value: the value (bank 0 for the banked properties)
 *
 * Return: 0, or -ENOENT for an unknown partition or a property hvsim does
 * not model for it.
 */
int hvsim_get_property(u64 partition_id, u32 code, u64 *value)
{
	const struct hvsim_property *prop;
	struct hvsim_partition *pt;
	unsigned long flags;
	int ret = -ENOENT;

	spin_lock_irqsave(&hvsim.lock, flags);
	if (!hvsim_property_lookup(partition_id, code, true, &pt, &prop)) {
		*value = prop->get(pt);
		ret = 0;
	}
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_get_property);

const struct hvsim_hcall hvsim_property_hcalls[] = {
	{
		.code = HVCALL_GET_PARTITION_PROPERTY,
		.name = "GET_PARTITION_PROPERTY", .slow = true,
		.in_size = sizeof(struct hv_input_get_partition_property),
		.out_size = sizeof(struct hv_output_get_partition_property),
		.call = hvsim_get_partition_property,
	}, {
		.code = HVCALL_SET_PARTITION_PROPERTY,
		.name = "SET_PARTITION_PROPERTY", .slow = true,
		.in_size = sizeof(struct hv_input_set_partition_property),
		.call = hvsim_set_partition_property,
	}, {
		.code = HVCALL_GET_PARTITION_PROPERTY_EX,
		.name = "GET_PARTITION_PROPERTY_EX", .slow = true,
		.in_size = sizeof(struct hv_input_get_partition_property_ex),
		.out_size = sizeof(struct hv_output_get_partition_property_ex),
		.call = hvsim_get_partition_property_ex,
	},
};

const unsigned int hvsim_property_nr_hcalls = ARRAY_SIZE(hvsim_property_hcalls);
