/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw hypercalls for the hvsim KUnit suites: issued on this CPU's
 * hypercall pages with interrupts disabled, exactly as a root driver must,
 * but without the driver, so that the model's own rules can be tested.
 */
#ifndef _HVSIM_KUNIT_RAW_H
#define _HVSIM_KUNIT_RAW_H

#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>

#include "../hvsim/hvsim_test.h"

/* Control word: rep count at bit 32, rep start at 48, varhead at 17. */
#define CTL(code, reps)		((u64)(code) | ((u64)(reps) << 32))
#define CTL_START(start)	((u64)(start) << 48)
#define CTL_VARHEAD(q)		((u64)(q) << 17)

/* Pool pages one VP costs (hvsim.rst, "VPs"). */
#define VP_COST			8

/* How long the hvsim-sched thread may take to stop a VP. */
#define WAIT_MS			5000

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

/*
 * The helpers below are shared by the hvsim_* suites, each its own module:
 * static inline in this header keeps one copy of the logic without a
 * second object per module, and a suite that leaves one unused gets no
 * warning for it.
 */

/* ------------------------------------------------------- partitions ---- */

/*
 * Deferred action of pt_create_in(): FINALIZE (which deletes the VPs),
 * give back the pool and DELETE.
 */
static inline void pt_destroy(void *data)
{
	struct kunit *test = kunit_get_current_test();
	u64 id = (uintptr_t)data;

	hv_do_fast_hypercall8(HVCALL_FINALIZE_PARTITION, id);
	KUNIT_EXPECT_EQ(test, hvsim_vp_count(id), 0U);
	raw_withdraw_all(test, id);
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_DELETE_PARTITION,
							      id)), 0);
}

/*
 * CREATE_PARTITION from @in, depositing into the root's pool while it asks
 * for memory; the partition is destroyed when the test ends.
 */
static inline u64 pt_create_in(struct kunit *test, struct hv_input_create_partition *in)
{
	u64 status, id = 0;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		status = raw_call(HVCALL_CREATE_PARTITION, in, sizeof(*in), &id, 8);
		if (hv_result(status) != HV_STATUS_INSUFFICIENT_MEMORY)
			break;
		/* The root's pool: deposited for good, as a root does. */
		KUNIT_ASSERT_EQ(test, raw_deposit(HV_PARTITION_ID_SELF, 16), 0);
	}
	KUNIT_ASSERT_EQ(test, hv_result(status), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, pt_destroy,
							   (void *)(uintptr_t)id));
	return id;
}

/* A plain EXO partition, no processor feature disabled. */
static inline u64 pt_create(struct kunit *test)
{
	struct hv_input_create_partition in = {
		.flags = HV_PARTITION_CREATION_FLAG_EXO_PARTITION,
		.compatibility_version = HV_PARTITION_COMPATIBILITY_VERSION_21H2,
	};

	return pt_create_in(test, &in);
}

/* Initialize, leaving exactly @spare free pages in the pool. */
static inline void pt_init(struct kunit *test, u64 id, unsigned int spare)
{
	u64 status;

	/* INITIALIZE consumes the pool; keep depositing until it passes. */
	for (;;) {
		status = hv_do_fast_hypercall8(HVCALL_INITIALIZE_PARTITION, id);
		if (hv_result(status) != HV_STATUS_INSUFFICIENT_MEMORY)
			break;
		KUNIT_ASSERT_EQ(test, raw_deposit(id, 8), 0);
	}
	KUNIT_ASSERT_EQ(test, hv_result(status), 0);
	/* The deposits above were exact multiples: the pool is now full. */
	if (spare)
		KUNIT_ASSERT_EQ(test, raw_deposit(id, spare), 0);
}

static inline u16 create_vp(u64 id, u32 index)
{
	struct hv_create_vp in = { .partition_id = id, .vp_index = index };

	return hv_result(raw_call(HVCALL_CREATE_VP, &in, sizeof(in), NULL, 0));
}

/* An initialized partition with VPs 0..@nr_vps-1 and @spare free pool pages. */
static inline u64 pt_with_vps(struct kunit *test, unsigned int nr_vps, unsigned int spare)
{
	u64 id = pt_create(test);
	unsigned int i;

	pt_init(test, id, nr_vps * VP_COST + spare);
	for (i = 0; i < nr_vps; i++)
		KUNIT_ASSERT_EQ(test, create_vp(id, i), 0);
	return id;
}

static inline u64 pt_with_vp(struct kunit *test, unsigned int spare)
{
	return pt_with_vps(test, 1, spare);
}

/* Status of GET_SYSTEM_PROPERTY(SCHEDULER_TYPE); the type in @type. */
static inline u16 get_scheduler_type(u32 *type)
{
	struct hv_input_get_system_property in = {
		.property_id = HV_SYSTEM_PROPERTY_SCHEDULER_TYPE,
	};
	union hv_output_get_system_property out = {};
	u16 status;

	status = hv_result(raw_call(HVCALL_GET_SYSTEM_PROPERTY, &in, sizeof(in), &out,
				    sizeof(out)));
	*type = out.scheduler_type;
	return status;
}

/* The scheduler model of this boot (0 if the property cannot be read). */
static inline u32 scheduler_type(void)
{
	u32 type;

	return get_scheduler_type(&type) ? 0 : type;
}

/* ------------------------------------------------------- guest pages ---- */

static inline void free_guest_page(void *page)
{
	__free_page(page);
}

/*
 * A zeroed page, freed when the test ends: after the partitions created
 * later (actions run in reverse), before those created earlier.
 */
static inline struct page *guest_page(struct kunit *test)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);

	KUNIT_ASSERT_NOT_NULL(test, pg);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, free_guest_page, pg));
	return pg;
}

/* Map @pg at @gfn of partition @id, readable, writable and executable. */
static inline void map_guest_page(struct kunit *test, u64 id, u64 gfn, struct page *pg)
{
	struct {
		struct hv_input_map_gpa_pages h;
		u64 pfn;
	} map = { .h = { .target_partition_id = id, .target_gpa_base = gfn,
			 .map_flags = HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE |
				      HV_MAP_GPA_KERNEL_EXECUTABLE |
				      HV_MAP_GPA_USER_EXECUTABLE },
		  .pfn = page_to_pfn(pg) };

	KUNIT_ASSERT_EQ(test, hv_result(raw_call(CTL(HVCALL_MAP_GPA_PAGES, 1), &map,
						 sizeof(map), NULL, 0)), 0);
}

/* --------------------------------------------------------- registers ---- */

/* SET_VP_REGISTERS of @n (at most 8) registers of VP @vp: the raw status. */
static inline u64 set_regs_raw(u64 id, u32 vp, const struct hv_register_assoc *a,
			       unsigned int n)
{
	struct {
		struct hv_input_set_vp_registers h;
		struct hv_register_assoc a[8];
	} in = { .h = { .partition_id = id, .vp_index = vp } };

	memcpy(in.a, a, n * sizeof(*a));
	return raw_call(CTL(HVCALL_SET_VP_REGISTERS, n), &in,
			sizeof(in.h) + n * sizeof(*a), NULL, 0);
}

static inline u16 set_vp_reg(u64 id, u32 vp, u32 name, u64 v)
{
	struct hv_register_assoc a = { .name = name, .value.reg64 = v };

	return hv_result(set_regs_raw(id, vp, &a, 1));
}

/* A register of VP 0. */
static inline u16 set_reg(u64 id, u32 name, u64 v)
{
	return set_vp_reg(id, 0, name, v);
}

/* VP @vp's register through the test hook (the model's lock is taken). */
static inline u64 vp_reg(struct kunit *test, u64 id, u32 vp, u32 name)
{
	union hv_register_value v = {};

	KUNIT_EXPECT_EQ_MSG(test, hvsim_vp_get_reg(id, vp, name, &v), 0,
			    "register %#x", name);
	return v.reg64;
}

static inline u64 reg(struct kunit *test, u64 id, u32 name)
{
	return vp_reg(test, id, 0, name);
}

/* Wait until VP @vp's register @name reads @value (hypervisor scheduler). */
static inline bool wait_vp_reg(struct kunit *test, u64 id, u32 vp, u32 name, u64 value)
{
	unsigned long end = jiffies + msecs_to_jiffies(WAIT_MS);

	do {
		if (vp_reg(test, id, vp, name) == value)
			return true;
		usleep_range(1000, 2000);
	} while (time_before(jiffies, end));
	return false;
}

/*
 * Release VP 0 from both suspend registers, in the order the driver uses
 * (INTERCEPT_SUSPEND first, so that an intercept of the now running VP is
 * not wiped by the second element).
 */
static inline void resume_vp(struct kunit *test, u64 id)
{
	static const struct hv_register_assoc clear[] = {
		{ .name = HV_REGISTER_INTERCEPT_SUSPEND },
		{ .name = HV_REGISTER_EXPLICIT_SUSPEND },
	};

	KUNIT_ASSERT_EQ(test, hv_result(set_regs_raw(id, 0, clear, ARRAY_SIZE(clear))), 0);
}

static inline u16 dispatch(u64 id, u32 vp, u32 flags, u64 time_slice, u64 spec_ctrl,
			   struct hv_output_dispatch_vp *out)
{
	struct hv_input_dispatch_vp in = {
		.partition_id = id, .vp_index = vp, .flags = flags,
		.time_slice = time_slice, .spec_ctrl = spec_ctrl,
	};

	memset(out, 0xee, sizeof(*out));
	return hv_result(raw_call(HVCALL_DISPATCH_VP, &in, sizeof(in), out,
				  sizeof(*out)));
}

/* --------------------------------------------------------- VP pages ---- */

static inline u16 map_state_page_raw(u64 id, u32 vp, u16 type, u8 flags, u64 *pfn)
{
	struct hv_input_map_vp_state_page in = {
		.partition_id = id, .vp_index = vp, .type = type, .flags = flags,
	};

	return hv_result(raw_call(HVCALL_MAP_VP_STATE_PAGE, &in, sizeof(in), pfn, 8));
}

/* VP 0's state page @type (register or intercept page), mapped. */
static inline void *map_state_page(struct kunit *test, u64 id, u16 type)
{
	u64 pfn = 0;

	KUNIT_ASSERT_EQ(test, map_state_page_raw(id, 0, type, 0, &pfn), 0);
	KUNIT_ASSERT_TRUE(test, pfn_valid(pfn));
	return page_address(pfn_to_page(pfn));
}

/* VP 0's SELF stats page; the root's pool pays (hvsim.rst, "Stats pages"). */
static inline u64 *map_stats_page(struct kunit *test, u64 id)
{
	struct hv_input_map_stats_page in = { .type = HV_STATS_OBJECT_VP };
	u64 status, pfn = 0;

	in.identity.vp.partition_id = id;
	in.identity.vp.stats_area_type = HV_STATS_AREA_SELF;
	while (hv_result(status = raw_call(HVCALL_MAP_STATS_PAGE, &in, sizeof(in),
					   &pfn, 8)) == HV_STATUS_INSUFFICIENT_MEMORY)
		KUNIT_ASSERT_EQ(test, raw_deposit(HV_PARTITION_ID_SELF, 1), 0);
	KUNIT_ASSERT_EQ(test, hv_result(status), 0);
	return page_address(pfn_to_page(pfn));
}

/*
 * GET_VP_STATE or SET_VP_STATE of VP @vp, state @type (@states: the xsave
 * components), through the @n root pages @pfns or with @out_len bytes of
 * output into @out.
 */
static inline u16 vp_state_raw(u64 id, u32 vp, bool set, u32 type, u64 states,
			       const u64 *pfns, unsigned int n, void *out, size_t out_len)
{
	struct {
		struct hv_input_get_vp_state h;
		u64 data[32];
	} in = {
		.h = { .partition_id = id, .vp_index = vp, .state_data = {
			.type = type, .xsave.states = states } },
	};

	memcpy(in.data, pfns, n * 8);
	return hv_result(raw_call((set ? HVCALL_SET_VP_STATE : HVCALL_GET_VP_STATE) |
				  CTL_VARHEAD(n), &in, sizeof(in.h) + n * 8, out, out_len));
}

/* GET (@set false) or SET VP @vp's state @type through the root page @pg. */
static inline void vp_state_page(struct kunit *test, u64 id, u32 vp, bool set, u32 type,
				 struct page *pg)
{
	u64 pfn = page_to_pfn(pg);

	KUNIT_ASSERT_EQ(test, vp_state_raw(id, vp, set, type, 0, &pfn, 1, NULL, 0), 0);
}

/* ------------------------------------------------------------ suites ---- */

/*
 * Suite init and exit: no fault injected, whole rep calls (these tests
 * issue each call once); hvsim_rep_slice is restored from test->priv.
 */
static inline int raw_suite_init(struct kunit *test)
{
	hvsim_clear_faults();
	test->priv = (void *)(uintptr_t)hvsim_rep_slice;
	hvsim_rep_slice = 0;
	return 0;
}

static inline void raw_suite_exit(struct kunit *test)
{
	hvsim_rep_slice = (uintptr_t)test->priv;
}

#endif /* _HVSIM_KUNIT_RAW_H */
