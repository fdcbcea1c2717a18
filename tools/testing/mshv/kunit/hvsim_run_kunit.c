// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvsim_run": hvsim's execution model -- HVCALL_DISPATCH_VP
 * (root scheduler), the hvsim-sched thread (hypervisor scheduler), the
 * intercept page, the suspend registers and the register page's dirty
 * classes -- driven with raw hypercalls on this CPU's hypercall pages (no
 * driver involved).
 *
 * The scheduler model is fixed per boot by hvsim's module parameter: each
 * case runs what applies to the current one and skips the rest ("make
 * check" boots both scheduler=core and scheduler=root).  A guest page at
 * the reset vector (GPA 0xFFFFF000) holds the code below; the VP starts
 * there in real mode (CS base 0xFFFF0000, IP 0xFFF0).
 */
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>

#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>

#include "../hvsim/hvsim_test.h"
#include "hvsim_kunit_raw.h"

/* Pool pages of a 4 KiB mapping (directory + table). */
#define MAP_COST		2

#define RESET_GFN		0xfffffULL
#define CODE_OFF		0xff0

/* Guest code, at IP 0xfff0 (CS base 0xffff0000). */
static const u8 guest_code[] = {
	0xe6, 0x80,		/* fff0: out 0x80, al */
	0xeb, 0xfc,		/* fff2: jmp fff0 */
	0xe6, 0x81,		/* fff4: out 0x81, al */
	0xf4,			/* fff6: hlt */
	0xeb, 0xfd,		/* fff7: jmp fff6 */
	0xe4, 0x82,		/* fff9: in al, 0x82 */
	0xeb, 0xfe,		/* fffb: jmp fffb */
};

#define IP_OUT80		0xfff0
#define IP_JMP			0xfff2
#define IP_OUT81		0xfff4
#define IP_HLT			0xfff6
#define IP_AFTER_HLT		0xfff7
#define IP_IN82			0xfff9
#define IP_SPIN			0xfffb

/* At the start of the page (IP 0xf000): count loop iterations in CX. */
static const u8 count_code[] = {
	0x41,			/* f000: inc cx */
	0xeb, 0xfd,		/* f001: jmp f000 */
};

#define IP_COUNT		0xf000

/* How long to watch a VP that must not run. */
#define QUIET_MS		50

struct run_ctx {
	u64 id;
	bool root;			/* scheduler=root in this boot */
	struct page *guest;
	struct hv_vp_register_page *regs;
	struct hv_message *msg;
	u64 *stats;			/* VP 0's SELF stats page, if mapped */
};

/* ------------------------------------------------------------ calls ---- */

/* DISPATCH_VP of VP 0 that must succeed with @state and @event. */
static void expect_dispatch(struct kunit *test, struct run_ctx *c, u32 flags,
			    u64 time_slice, u32 state, u32 event, const char *what)
{
	struct hv_output_dispatch_vp out;

	KUNIT_ASSERT_EQ_MSG(test, dispatch(c->id, 0, flags, time_slice, 0, &out),
			    HV_STATUS_SUCCESS, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, out.dispatch_state, state, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, out.dispatch_event, event, "%s", what);
}

/* ------------------------------------------------------------ setup ---- */

/*
 * An initialized partition with VP 0 in its reset state (explicitly
 * suspended), the guest code mapped at the reset vector, and VP 0's
 * register and intercept pages (and, with @stats, its SELF stats page).
 * The guest page is freed after the partition is gone.
 */
static void ctx_setup(struct kunit *test, struct run_ctx *c, bool stats)
{
	memset(c, 0, sizeof(*c));
	c->root = scheduler_type() == HV_SCHEDULER_TYPE_ROOT;
	c->guest = guest_page(test);
	memcpy(page_address(c->guest), count_code, sizeof(count_code));
	memcpy(page_address(c->guest) + CODE_OFF, guest_code, sizeof(guest_code));

	c->id = pt_with_vp(test, MAP_COST);
	map_guest_page(test, c->id, RESET_GFN, c->guest);
	c->regs = map_state_page(test, c->id, HV_VP_STATE_PAGE_REGISTERS);
	c->msg = map_state_page(test, c->id, HV_VP_STATE_PAGE_INTERCEPT_MESSAGE);
	if (stats)
		c->stats = map_stats_page(test, c->id);
}

static void *payload(struct run_ctx *c)
{
	return c->msg->u.payload;
}

/* ------------------------------------------------------------- runs ---- */

/*
 * Run VP 0 until it stops with a message in its intercept page: under the
 * root scheduler clear EXPLICIT_SUSPEND and dispatch with
 * CLEAR_INTERCEPT_SUSPEND (expecting READY + INTERCEPT); under the
 * hypervisor scheduler clear both suspend registers and wait for
 * hvsim-sched.  Either way INTERCEPT_SUSPEND is 1 afterwards.
 */
static void run_to_stop(struct kunit *test, struct run_ctx *c, const char *what)
{
	if (c->root) {
		KUNIT_ASSERT_EQ(test, set_reg(c->id, HV_REGISTER_EXPLICIT_SUSPEND, 0), 0);
		expect_dispatch(test, c, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND, 0,
				HV_VP_DISPATCH_STATE_READY,
				HV_VP_DISPATCH_EVENT_INTERCEPT, what);
	} else {
		resume_vp(test, c->id);
		KUNIT_ASSERT_TRUE_MSG(test, wait_vp_reg(test, c->id, 0,
							HV_REGISTER_INTERCEPT_SUSPEND, 1),
				      "%s: the VP did not stop", what);
	}
	KUNIT_EXPECT_EQ_MSG(test, reg(test, c->id, HV_REGISTER_INTERCEPT_SUSPEND), 1ULL,
			    "%s", what);
}

/* The VMM's move: set the next RIP through the register page. */
static void page_set_rip(struct run_ctx *c, u64 rip)
{
	c->regs->rip = rip;
	c->regs->dirty |= HV_VP_REGISTER_PAGE_DIRTY_INSTRUCTION_POINTER;
}

/* The register page as the hypervisor leaves it after a stop. */
static void expect_page_fresh(struct kunit *test, struct run_ctx *c, u64 rip)
{
	KUNIT_EXPECT_EQ(test, c->regs->version, HV_VP_REGISTER_PAGE_VERSION_1);
	KUNIT_EXPECT_EQ(test, c->regs->isvalid, 1);
	KUNIT_EXPECT_EQ(test, c->regs->dirty, 0U);
	KUNIT_EXPECT_EQ(test, c->regs->rip, rip);
}

/* An IO port intercept of VP 0 in real mode, at @rip. */
static void expect_io(struct kunit *test, struct run_ctx *c, u64 rip, u16 port,
		      bool in, u64 rax)
{
	struct hv_x64_io_port_intercept_message *m = payload(c);

	KUNIT_EXPECT_EQ(test, c->msg->header.message_type, HVMSG_X64_IOPORT_INTERCEPT);
	KUNIT_EXPECT_EQ(test, c->msg->header.payload_size, (u8)sizeof(*m));
	KUNIT_EXPECT_EQ(test, c->msg->header.sender, c->id);
	KUNIT_EXPECT_EQ(test, m->header.vp_index, 0U);
	KUNIT_EXPECT_EQ(test, m->header.instruction_length_cr8 &
			HV_X64_INTERCEPT_INSTRUCTION_LENGTH_MASK, 2);
	KUNIT_EXPECT_EQ(test, m->header.intercept_access_type,
			in ? HV_INTERCEPT_ACCESS_READ : HV_INTERCEPT_ACCESS_WRITE);
	/* Real mode, CPL 0: no state bit. */
	KUNIT_EXPECT_EQ(test, m->header.execution_state, 0);
	KUNIT_EXPECT_EQ(test, m->header.cs_segment.selector, 0xf000);
	KUNIT_EXPECT_EQ(test, m->header.cs_segment.base, 0xffff0000ULL);
	KUNIT_EXPECT_EQ(test, m->header.rip, rip);
	KUNIT_EXPECT_EQ(test, m->port_number, port);
	KUNIT_EXPECT_EQ(test, m->access_info, 1);	/* 1 byte, no string/rep */
	KUNIT_EXPECT_GE(test, m->instruction_byte_count, 2);
	KUNIT_EXPECT_EQ(test, m->instruction_bytes[0], in ? 0xe4 : 0xe6);
	KUNIT_EXPECT_EQ(test, m->instruction_bytes[1], port & 0xff);
	KUNIT_EXPECT_EQ(test, m->rax, rax);
	/* Nobody advances RIP past an intercepted instruction. */
	KUNIT_EXPECT_EQ(test, reg(test, c->id, HV_X64_REGISTER_RIP), rip);
	expect_page_fresh(test, c, rip);
}

/* ------------------------------------------------------------ cases ---- */

/* Hypervisor scheduler: DISPATCH_VP is refused before anything else. */
static void run_test_dispatch_denied(struct kunit *test)
{
	struct hv_output_dispatch_vp out;
	struct run_ctx c;

	ctx_setup(test, &c, false);
	if (c.root)
		kunit_skip(test, "scheduler=root allows DISPATCH_VP");
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, 0, 0, 0, &out), HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND,
				       0, 0, &out), HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 7, 0, 0, 0, &out), HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, BIT(31), 0, 0, &out),
			HV_STATUS_ACCESS_DENIED);
	/* Nothing happened to the VP. */
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_EXPLICIT_SUSPEND), 1ULL);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP), (u64)IP_OUT80);
}

/* Root scheduler: what DISPATCH_VP refuses, with the exact statuses. */
static void run_test_dispatch_checks(struct kunit *test)
{
	struct hv_input_dispatch_vp in = {};
	struct hv_output_dispatch_vp out;
	struct run_ctx c;
	u64 created;
	u32 bit;

	ctx_setup(test, &c, false);
	in.partition_id = c.id;
	if (!c.root)
		kunit_skip(test, "scheduler type %u refuses DISPATCH_VP first: needs root",
			   scheduler_type());
	created = pt_create(test);

	/* Unknown flag bits (0x7f are known). */
	for (bit = 7; bit < 32; bit++)
		KUNIT_EXPECT_EQ_MSG(test, dispatch(c.id, 0, BIT(bit), 0, 0, &out),
				    HV_STATUS_INVALID_PARAMETER, "flag bit %u", bit);
	/* spec_ctrl only with SET_CALLER_SPEC_CTRL. */
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, 0, 0, 1, &out),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND |
				       HV_DISPATCH_VP_FLAG_ENABLE_CALLER_INTERRUPTS,
				       0, BIT_ULL(63), &out), HV_STATUS_INVALID_PARAMETER);

	/* The VP each call names. */
	KUNIT_EXPECT_EQ(test, dispatch(HV_PARTITION_ID_SELF, 0, 0, 0, 0, &out),
			HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, dispatch(0x7777777, 0, 0, 0, 0, &out),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, dispatch(created, 0, 0, 0, 0, &out),
			HV_STATUS_INVALID_PARTITION_STATE);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 1, 0, 0, 0, &out), HV_STATUS_INVALID_VP_INDEX);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 256, 0, 0, 0, &out), HV_STATUS_INVALID_VP_INDEX);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, U32_MAX, 0, 0, 0, &out),
			HV_STATUS_INVALID_VP_INDEX);

	/* A memory call with no reps. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_DISPATCH_VP, c.id, 0)),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(CTL(HVCALL_DISPATCH_VP, 1), &in,
						 sizeof(in), &out, sizeof(out))),
			HV_STATUS_INVALID_HYPERCALL_INPUT);

	/* A refused dispatch has no effect: CLEAR_INTERCEPT_SUSPEND is not applied. */
	KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_REGISTER_INTERCEPT_SUSPEND, 1), 0);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND |
				       BIT(7), 0, 0, &out), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND,
				       0, 5, &out), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_INTERCEPT_SUSPEND), 1ULL);
	KUNIT_EXPECT_EQ(test, c.regs->dirty, 0U);

	/* Every known flag, spec_ctrl with its flag: accepted (still suspended). */
	expect_dispatch(test, &c, 0x7f, 0, HV_VP_DISPATCH_STATE_BLOCKED,
			HV_VP_DISPATCH_EVENT_SUSPEND, "all known flags");
	KUNIT_ASSERT_EQ(test, dispatch(c.id, 0, HV_DISPATCH_VP_FLAG_SET_CALLER_SPEC_CTRL,
				       0, 1, &out), 0);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP), (u64)IP_OUT80);
}

/* A new VP is EXPLICIT_SUSPENDed: it does not run until released. */
static void run_test_new_vp_suspended(struct kunit *test)
{
	struct run_ctx c;

	ctx_setup(test, &c, true);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_EXPLICIT_SUSPEND), 1ULL);
	if (c.root) {
		expect_dispatch(test, &c, 0, 0, HV_VP_DISPATCH_STATE_BLOCKED,
				HV_VP_DISPATCH_EVENT_SUSPEND, "first dispatch");
		/* CLEAR_INTERCEPT_SUSPEND does not touch EXPLICIT_SUSPEND. */
		expect_dispatch(test, &c, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND, 0,
				HV_VP_DISPATCH_STATE_BLOCKED, HV_VP_DISPATCH_EVENT_SUSPEND,
				"second dispatch");
	} else {
		msleep(QUIET_MS);
	}
	/* Nothing ran, nothing was reported. */
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_EXPLICIT_SUSPEND), 1ULL);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_INTERCEPT_SUSPEND), 0ULL);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP), (u64)IP_OUT80);
	KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_NONE);
	KUNIT_EXPECT_EQ(test, c.stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED], 0ULL);
}

/*
 * OUT: READY + INTERCEPT with the IO message, INTERCEPT_SUSPEND set, RIP
 * not advanced; the VMM's dirty RIP is applied at the next run.
 */
static void run_test_io_intercept(struct kunit *test)
{
	struct run_ctx c;

	ctx_setup(test, &c, false);
	KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_X64_REGISTER_RAX, 0x12345a5aULL), 0);
	KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_X64_REGISTER_RCX, 0x77), 0);
	run_to_stop(test, &c, "out 0x80");
	expect_io(test, &c, IP_OUT80, 0x80, false, 0x12345a5aULL);
	KUNIT_EXPECT_EQ(test, ((struct hv_x64_io_port_intercept_message *)payload(&c))->rcx,
			0x77ULL);

	if (c.root) {
		/* Still INTERCEPT_SUSPENDed without CLEAR_INTERCEPT_SUSPEND. */
		c.msg->header.message_type = HVMSG_NONE;
		expect_dispatch(test, &c, 0, 0, HV_VP_DISPATCH_STATE_BLOCKED,
				HV_VP_DISPATCH_EVENT_SUSPEND, "no CLEAR_INTERCEPT_SUSPEND");
		KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_INTERCEPT_SUSPEND), 1ULL);
		KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP), (u64)IP_OUT80);
		KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_NONE);
		/* With it the VP runs on: the same OUT again. */
		expect_dispatch(test, &c, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND, 0,
				HV_VP_DISPATCH_STATE_READY, HV_VP_DISPATCH_EVENT_INTERCEPT,
				"CLEAR_INTERCEPT_SUSPEND");
		expect_io(test, &c, IP_OUT80, 0x80, false, 0x12345a5aULL);
	}

	/* The VMM steps over the OUT: the jmp brings it back to the OUT. */
	page_set_rip(&c, IP_JMP);
	run_to_stop(test, &c, "past the out");
	expect_io(test, &c, IP_OUT80, 0x80, false, 0x12345a5aULL);
	/* Elsewhere: the dirty RIP is what the VP runs from. */
	page_set_rip(&c, IP_OUT81);
	run_to_stop(test, &c, "dirty rip");
	expect_io(test, &c, IP_OUT81, 0x81, false, 0x12345a5aULL);
	/* A class without its dirty bit is not loaded. */
	c.regs->rip = IP_IN82;
	run_to_stop(test, &c, "rip without its dirty bit");
	expect_io(test, &c, IP_OUT81, 0x81, false, 0x12345a5aULL);
}

/*
 * IN: the VMM completes it through the register page (RAX and RIP); a VP
 * that never stops runs until its time slice is over (root scheduler) or
 * until EXPLICIT_SUSPEND stops it between two instructions, with no
 * message (hypervisor scheduler).
 */
static void run_test_io_in_and_slice(struct kunit *test)
{
	struct run_ctx c;

	ctx_setup(test, &c, false);
	page_set_rip(&c, IP_IN82);
	run_to_stop(test, &c, "in al, 0x82");
	expect_io(test, &c, IP_IN82, 0x82, true, 0);

	c.regs->rax = 0xab;
	c.regs->dirty |= HV_VP_REGISTER_PAGE_DIRTY_GENERAL_PURPOSE;
	page_set_rip(&c, IP_SPIN);
	c.msg->header.message_type = HVMSG_NONE;
	if (c.root) {
		/* 1 x 100 ns: a few instructions, then READY without an event. */
		expect_dispatch(test, &c, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND, 1,
				HV_VP_DISPATCH_STATE_READY, HV_VP_DISPATCH_EVENT_INVALID,
				"time slice");
		expect_dispatch(test, &c, 0, 0, HV_VP_DISPATCH_STATE_READY,
				HV_VP_DISPATCH_EVENT_INVALID, "default time slice");
	} else {
		resume_vp(test, c.id);
		msleep(QUIET_MS);
		KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_REGISTER_EXPLICIT_SUSPEND, 1), 0);
	}
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_INTERCEPT_SUSPEND), 0ULL);
	KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_NONE);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RAX), 0xabULL);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP), (u64)IP_SPIN);
	/* The root sees where it stopped. */
	expect_page_fresh(test, &c, IP_SPIN);
	KUNIT_EXPECT_EQ(test, c.regs->rax, 0xabULL);
}

/* Root scheduler: loop iterations (CX) of one dispatch with @time_slice. */
static u64 count_slice(struct kunit *test, struct run_ctx *c, u64 time_slice)
{
	KUNIT_EXPECT_EQ(test, set_reg(c->id, HV_X64_REGISTER_RCX, 0), 0);
	expect_dispatch(test, c, 0, time_slice, HV_VP_DISPATCH_STATE_READY,
			HV_VP_DISPATCH_EVENT_INVALID, "counting");
	return reg(test, c->id, HV_X64_REGISTER_RCX);
}

/*
 * Root scheduler: time_slice (100 ns units) bounds a dispatch, 0 meaning
 * the model's longest slice; a longer slice never runs less.
 */
static void run_test_time_slice(struct kunit *test)
{
	u64 one, some, dflt, huge;
	struct run_ctx c;

	ctx_setup(test, &c, false);
	if (!c.root)
		kunit_skip(test, "DISPATCH_VP time slices need scheduler=root");
	KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_X64_REGISTER_RIP, IP_COUNT), 0);
	KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_REGISTER_EXPLICIT_SUSPEND, 0), 0);
	one = count_slice(test, &c, 1);
	some = count_slice(test, &c, 100);
	dflt = count_slice(test, &c, 0);
	huge = count_slice(test, &c, 0x199999999999999aULL);
	kunit_info(test, "iterations: slice 1 %llu, 100 %llu, 0 %llu, huge %llu\n",
		   one, some, dflt, huge);
	KUNIT_EXPECT_GT(test, one, 0ULL);
	KUNIT_EXPECT_GT(test, some, one);
	KUNIT_EXPECT_GE(test, dflt, some);
	KUNIT_EXPECT_GE(test, huge, some);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_INTERCEPT_SUSPEND), 0ULL);
	KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_NONE);
}

/*
 * HLT with IF = 0: HVMSG_X64_HALT (RIP of the HLT), the VP halted past it;
 * it reports HALT again when run again.
 */
static void run_test_halt(struct kunit *test)
{
	struct hv_x64_intercept_message_header *h;
	struct run_ctx c;
	int i;

	ctx_setup(test, &c, true);
	h = payload(&c);
	page_set_rip(&c, IP_HLT);
	for (i = 0; i < 2; i++) {
		c.msg->header.message_type = HVMSG_NONE;
		run_to_stop(test, &c, i ? "hlt again" : "hlt");
		KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_X64_HALT);
		KUNIT_EXPECT_EQ(test, c.msg->header.payload_size, (u8)sizeof(*h));
		KUNIT_EXPECT_EQ(test, c.msg->header.sender, c.id);
		KUNIT_EXPECT_EQ(test, h->rip, (u64)IP_HLT);
		KUNIT_EXPECT_EQ(test, h->instruction_length_cr8 &
				HV_X64_INTERCEPT_INSTRUCTION_LENGTH_MASK, 1);
		KUNIT_EXPECT_EQ(test, h->rflags, 2ULL);
		KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP),
				(u64)IP_AFTER_HLT);
		KUNIT_EXPECT_EQ(test, c.stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED],
				0ULL);
	}
}

/*
 * HLT with IF = 1: the VP blocks waiting for an interrupt, with no message
 * (root scheduler: BLOCKED, and VpRootDispatchThreadBlocked = 1).  If the
 * root then clears IF, the VP can never wake and reports HVMSG_X64_HALT
 * with the RIP of its HLT.
 */
static void run_test_halt_blocked(struct kunit *test)
{
	struct hv_x64_intercept_message_header *h;
	struct run_ctx c;

	ctx_setup(test, &c, true);
	h = payload(&c);
	KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_X64_REGISTER_RIP, IP_HLT), 0);
	KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_X64_REGISTER_RFLAGS, 0x202), 0);
	if (c.root) {
		KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_REGISTER_EXPLICIT_SUSPEND, 0), 0);
		expect_dispatch(test, &c, 0, 0, HV_VP_DISPATCH_STATE_BLOCKED,
				HV_VP_DISPATCH_EVENT_INVALID, "hlt, IF = 1");
		KUNIT_EXPECT_EQ(test, c.stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED],
				1ULL);
		expect_dispatch(test, &c, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND, 0,
				HV_VP_DISPATCH_STATE_BLOCKED, HV_VP_DISPATCH_EVENT_INVALID,
				"still blocked");
		KUNIT_EXPECT_EQ(test, c.stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED],
				1ULL);
	} else {
		resume_vp(test, c.id);
		KUNIT_ASSERT_TRUE(test, wait_vp_reg(test, c.id, 0, HV_X64_REGISTER_RIP,
						    IP_AFTER_HLT));
		msleep(QUIET_MS);
		/* The counter belongs to the root scheduler. */
		KUNIT_EXPECT_EQ(test, c.stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED],
				0ULL);
	}
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_REGISTER_INTERCEPT_SUSPEND), 0ULL);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP), (u64)IP_AFTER_HLT);
	KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_NONE);
	expect_page_fresh(test, &c, IP_AFTER_HLT);

	/* Interrupts off while halted: it can never wake. */
	KUNIT_ASSERT_EQ(test, set_reg(c.id, HV_X64_REGISTER_RFLAGS, 2), 0);
	run_to_stop(test, &c, "halted, IF cleared");
	KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_X64_HALT);
	KUNIT_EXPECT_EQ(test, h->rip, (u64)IP_HLT);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP), (u64)IP_AFTER_HLT);
	if (c.root)
		KUNIT_EXPECT_EQ(test, c.stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED],
				0ULL);
}

/*
 * A dirty register-page class the hypervisor refuses: nothing runs, the
 * VP stops with HVMSG_INVALID_VP_REGISTER_VALUE and the page shows the
 * VP's own value again; fixed, the VP runs.
 */
static void run_test_invalid_dirty_register(struct kunit *test)
{
	static const u64 bad[] = { 0x0a, 0x0, BIT_ULL(22) | 2 };
	struct hv_invalid_vp_register_message *m;
	struct run_ctx c;
	unsigned int i;

	ctx_setup(test, &c, false);
	m = payload(&c);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c.regs->rflags = bad[i];
		c.regs->dirty |= HV_VP_REGISTER_PAGE_DIRTY_FLAGS;
		run_to_stop(test, &c, "bad rflags");
		KUNIT_EXPECT_EQ_MSG(test, c.msg->header.message_type,
				    HVMSG_INVALID_VP_REGISTER_VALUE, "rflags %#llx", bad[i]);
		KUNIT_EXPECT_EQ(test, c.msg->header.payload_size, (u8)sizeof(*m));
		KUNIT_EXPECT_EQ(test, c.msg->header.sender, c.id);
		KUNIT_EXPECT_EQ(test, m->vp_index, 0U);
		KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RFLAGS), 2ULL);
		KUNIT_EXPECT_EQ(test, c.regs->rflags, 2ULL);
		KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RIP), (u64)IP_OUT80);
		expect_page_fresh(test, &c, IP_OUT80);
	}
	/* A good value: loaded, and the guest runs to its OUT. */
	c.regs->rflags = 0x46;
	c.regs->dirty |= HV_VP_REGISTER_PAGE_DIRTY_FLAGS;
	run_to_stop(test, &c, "good rflags");
	expect_io(test, &c, IP_OUT80, 0x80, false, 0);
	KUNIT_EXPECT_EQ(test, reg(test, c.id, HV_X64_REGISTER_RFLAGS), 0x46ULL);
}

static struct kunit_case hvsim_run_cases[] = {
	KUNIT_CASE(run_test_dispatch_denied),
	KUNIT_CASE(run_test_dispatch_checks),
	KUNIT_CASE(run_test_new_vp_suspended),
	KUNIT_CASE(run_test_io_intercept),
	KUNIT_CASE(run_test_io_in_and_slice),
	KUNIT_CASE(run_test_time_slice),
	KUNIT_CASE(run_test_halt),
	KUNIT_CASE(run_test_halt_blocked),
	KUNIT_CASE(run_test_invalid_dirty_register),
	{}
};

static struct kunit_suite hvsim_run_suite = {
	.name = "hvsim_run",
	.init = raw_suite_init,
	.exit = raw_suite_exit,
	.test_cases = hvsim_run_cases,
};

kunit_test_suites(&hvsim_run_suite);

MODULE_DESCRIPTION("KUnit tests of hvsim's execution model");
MODULE_LICENSE("GPL");
