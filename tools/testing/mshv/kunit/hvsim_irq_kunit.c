// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvsim_irq": hvsim's local APIC model --
 * HVCALL_ASSERT_VIRTUAL_INTERRUPT and HVCALL_CLEAR_VIRTUAL_INTERRUPT,
 * acceptance and destinations, the LAPIC VP state, delivery into a
 * running guest, priorities, EOI and the APIC EOI message, waking a halted
 * VP under both scheduler models -- driven with raw hypercalls on this
 * CPU's hypercall pages (no driver involved).
 *
 * The guest runs in real mode: its code page is at GPA 0xFF000 (CS 0xF000,
 * so IP 0xF000 is the page's first byte, also after an interrupt loads CS
 * from the IVT), guest page 0 holds the IVT and the stack.  Every IVT entry points at a
 * stub "MOV AL, vector; JMP handler"; the handler does OUT 0x84 (the test
 * sees the vector in RAX), an EOI through the xAPIC page (DS has the APIC
 * base as its cached base) or the x2APIC EOI MSR, OUT 0x86 and IRET.  The
 * scheduler model is fixed per boot: root-scheduler cases dispatch the VP
 * with HVCALL_DISPATCH_VP, hypervisor-scheduler cases release it and wait
 * for hvsim-sched to stop it; cases that apply to one model skip on the
 * other.
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

#define MAP_COST		4	/* two 1 GiB directories, two tables */

#define CODE_GFN		0xffULL	/* CS 0xf000, IP 0xf000: GPA 0xff000 */
#define CODE_CS			0xf000
#define APIC_GPA		0xfee00000ULL
#define APIC_BASE_BSP		BIT_ULL(8)
#define APIC_BASE_EXTD		BIT_ULL(10)
#define APIC_BASE_EN		BIT_ULL(11)
#define SVR_ON			0x1ff
#define GUEST_SP		0xf00
#define RFLAGS_IF		0x200

/* Code page offsets; the guest's IP is 0xf000 + offset. */
#define IP(off)			(0xf000 + (off))
#define OFF_MAIN		0x000	/* SVR on (xAPIC page), STI, OUT 0x85, spin */
#define OFF_SPIN		0x00c
#define OFF_HALT		0x010	/* STI, HLT, OUT 0x87, loop */
#define OFF_AFTER_HLT		0x012
#define OFF_MAIN_X2		0x020	/* SVR on (x2APIC MSR), STI, OUT 0x85, spin */
#define OFF_SELF_IPI		0x040	/* SVR on, STI, self IPI 0x31 (ICR), spin */
#define OFF_HANDLER		0x060	/* OUT 0x84, EOI (xAPIC), OUT 0x86, IRET */
#define OFF_SNIPPET		0x0a0	/* a test's code, ending in OUT 0x88 */
#define OFF_HANDLER_X2		0x080	/* OUT 0x84, EOI (x2APIC), OUT 0x86, IRET */
#define OFF_STUBS		0x100	/* 8 bytes per vector */

#define PORT_HANDLER		0x84
#define PORT_READY		0x85
#define PORT_EOI_DONE		0x86
#define PORT_WOKE		0x87
#define PORT_SNIPPET		0x88
#define GP_VECTOR		13

static const u8 code_main[] = {
	0x66, 0xc7, 0x06, 0xf0, 0x00, 0xff, 0x01, 0x00, 0x00,	/* mov dword [0xf0], 0x1ff */
	0xfb,							/* sti */
	0xe6, PORT_READY,					/* out 0x85, al */
	0xeb, 0xfe,						/* jmp $ */
};

static const u8 code_halt[] = {
	0xfb,							/* sti */
	0xf4,							/* hlt */
	0xe6, PORT_WOKE,					/* out 0x87, al */
	0xeb, 0xfa,						/* jmp sti */
};

static const u8 code_main_x2[] = {
	0x66, 0xb9, 0x0f, 0x08, 0x00, 0x00,			/* mov ecx, 0x80f (SVR) */
	0x66, 0xb8, 0xff, 0x01, 0x00, 0x00,			/* mov eax, 0x1ff */
	0x66, 0x31, 0xd2,					/* xor edx, edx */
	0x0f, 0x30,						/* wrmsr */
	0xfb,							/* sti */
	0xe6, PORT_READY,					/* out 0x85, al */
	0xeb, 0xfe,						/* jmp $ */
};

static const u8 code_self_ipi[] = {
	0x66, 0xc7, 0x06, 0xf0, 0x00, 0xff, 0x01, 0x00, 0x00,	/* mov dword [0xf0], 0x1ff */
	0xfb,							/* sti */
	0x66, 0xc7, 0x06, 0x00, 0x03, 0x31, 0x00, 0x04, 0x00,	/* ICR: self, fixed 0x31 */
	0xeb, 0xfe,						/* jmp $ */
};

static const u8 code_handler[] = {
	0xe6, PORT_HANDLER,					/* out 0x84, al */
	0x66, 0xa3, 0xb0, 0x00,					/* mov [0xb0], eax: EOI */
	0xe6, PORT_EOI_DONE,					/* out 0x86, al */
	0xcf,							/* iret */
};

static const u8 code_handler_x2[] = {
	0xe6, PORT_HANDLER,					/* out 0x84, al */
	0x66, 0x31, 0xc0,					/* xor eax, eax */
	0x66, 0x31, 0xd2,					/* xor edx, edx */
	0x66, 0xb9, 0x0b, 0x08, 0x00, 0x00,			/* mov ecx, 0x80b (EOI) */
	0x0f, 0x30,						/* wrmsr */
	0xe6, PORT_EOI_DONE,					/* out 0x86, al */
	0xcf,							/* iret */
};

/* How long to watch a VP that must not run. */
#define QUIET_MS		50
/* DISPATCH_VP slices a spinning guest may need before it intercepts. */
#define MAX_SLICES		8

struct irq_ctx {
	u64 id;
	bool root;			/* scheduler=root in this boot */
	bool x2apic;
	struct page *code;		/* at CODE_GFN */
	struct page *low;		/* guest page 0: IVT and stack */
	struct hv_vp_register_page *regs;
	struct hv_message *msg;
	u64 *stats;			/* VP 0's SELF stats page */
};

/* ------------------------------------------------------------ calls ---- */

static u16 assert_raw(const struct hv_input_assert_virtual_interrupt *in)
{
	return hv_result(raw_call(HVCALL_ASSERT_VIRTUAL_INTERRUPT, in, sizeof(*in),
				  NULL, 0));
}

#define FIXED			HV_X64_INTERRUPT_TYPE_FIXED
#define LOWEST			HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY
#define NMI			HV_X64_INTERRUPT_TYPE_NMI
#define EXTINT			HV_X64_INTERRUPT_TYPE_EXTINT
#define LEVEL			HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED
#define LOGICAL			HV_INTERRUPT_CONTROL_LOGICAL_DEST_MODE

static u16 assert_irq(u64 id, u64 control, u64 dest, u32 vector)
{
	struct hv_input_assert_virtual_interrupt in = {
		.partition_id = id, .control = control, .dest_addr = dest,
		.vector = vector,
	};

	return assert_raw(&in);
}

/* GET (@set false) or SET the LAPIC state of a VP through a root page. */
static void lapic_state(struct kunit *test, u64 id, u32 vp, bool set,
			struct hv_local_interrupt_controller_state *l)
{
	struct page *pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	u64 pfn;
	u16 status;

	KUNIT_ASSERT_NOT_NULL(test, pg);
	pfn = page_to_pfn(pg);
	if (set)
		memcpy(page_address(pg), l, sizeof(*l));
	status = vp_state_raw(id, vp, set, HV_GET_SET_VP_STATE_LAPIC_STATE, 0, &pfn, 1,
			      NULL, 0);
	if (!set)
		memcpy(l, page_address(pg), sizeof(*l));
	__free_page(pg);
	KUNIT_ASSERT_EQ(test, status, 0);
}

static bool vec_test(const u32 *reg, u8 v)
{
	return reg[v / 32] & BIT(v % 32);
}

static bool irr_has(struct kunit *test, u64 id, u32 vp, u8 v)
{
	struct hv_local_interrupt_controller_state l;

	lapic_state(test, id, vp, false, &l);
	return vec_test(l.apic_irr, v);
}

static void svr(struct kunit *test, u64 id, u32 vp, u32 value)
{
	struct hv_local_interrupt_controller_state l;

	lapic_state(test, id, vp, false, &l);
	l.apic_spurious = value;
	lapic_state(test, id, vp, true, &l);
}

static struct hvsim_irq_stats irq_stats(struct kunit *test, u64 id, u32 vp)
{
	struct hvsim_irq_stats st = {};

	KUNIT_EXPECT_EQ(test, hvsim_vp_irq_stats(id, vp, &st), 0);
	return st;
}

/* ------------------------------------------------------------ setup ---- */

/* The guest's code page and IVT (see the top of the file). */
static void write_guest(struct irq_ctx *c)
{
	u8 *code = page_address(c->code);
	u16 *ivt = page_address(c->low);
	u16 handler = IP(c->x2apic ? OFF_HANDLER_X2 : OFF_HANDLER);
	unsigned int v;

	memcpy(code + OFF_MAIN, code_main, sizeof(code_main));
	memcpy(code + OFF_HALT, code_halt, sizeof(code_halt));
	memcpy(code + OFF_MAIN_X2, code_main_x2, sizeof(code_main_x2));
	memcpy(code + OFF_SELF_IPI, code_self_ipi, sizeof(code_self_ipi));
	memcpy(code + OFF_HANDLER, code_handler, sizeof(code_handler));
	memcpy(code + OFF_HANDLER_X2, code_handler_x2, sizeof(code_handler_x2));
	for (v = 0; v < 256; v++) {
		u8 *stub = code + OFF_STUBS + 8 * v;
		u16 rel = handler - (IP(OFF_STUBS + 8 * v) + 5);

		stub[0] = 0xb0;			/* mov al, v */
		stub[1] = v;
		stub[2] = 0xe9;			/* jmp handler */
		stub[3] = rel & 0xff;
		stub[4] = rel >> 8;
		ivt[2 * v] = IP(OFF_STUBS + 8 * v);
		ivt[2 * v + 1] = CODE_CS;
	}
}

/*
 * Partition with VP 0 ready to run the guest from @start_off: code in
 * CS 0xF000, IVT and stack in page 0 (mapped unless @no_ivt), DS based at
 * the xAPIC page, the APIC in x2APIC mode if @x2apic, the register,
 * intercept and stats pages mapped.
 */
static void ctx_setup(struct kunit *test, struct irq_ctx *c, bool x2apic,
		      unsigned int start_off, bool no_ivt)
{
	struct hv_register_assoc segs[] = {
		{ .name = HV_X64_REGISTER_CS,
		  .value.segment = { .base = CODE_CS << 4, .selector = CODE_CS,
				     .limit = 0xffff,
				     .attributes = 0x9b } },
		{ .name = HV_X64_REGISTER_DS,
		  .value.segment = { .base = APIC_GPA, .limit = 0xffff,
				     .attributes = 0x93 } },
	};

	memset(c, 0, sizeof(*c));
	c->root = scheduler_type() == HV_SCHEDULER_TYPE_ROOT;
	c->x2apic = x2apic;
	c->code = guest_page(test);
	c->low = guest_page(test);
	write_guest(c);
	c->id = pt_with_vps(test, 1, MAP_COST);
	map_guest_page(test, c->id, CODE_GFN, c->code);
	if (!no_ivt)
		map_guest_page(test, c->id, 0, c->low);
	c->regs = map_state_page(test, c->id, HV_VP_STATE_PAGE_REGISTERS);
	c->msg = map_state_page(test, c->id, HV_VP_STATE_PAGE_INTERCEPT_MESSAGE);
	c->stats = map_stats_page(test, c->id);
	KUNIT_ASSERT_EQ(test, hv_result(set_regs_raw(c->id, 0, segs, ARRAY_SIZE(segs))), 0);
	KUNIT_ASSERT_EQ(test, set_vp_reg(c->id, 0, HV_X64_REGISTER_RIP, IP(start_off)), 0);
	KUNIT_ASSERT_EQ(test, set_vp_reg(c->id, 0, HV_X64_REGISTER_RSP, GUEST_SP), 0);
	if (x2apic)
		KUNIT_ASSERT_EQ(test, set_vp_reg(c->id, 0, HV_X64_REGISTER_APIC_BASE,
						 APIC_GPA | APIC_BASE_EN | APIC_BASE_EXTD |
						 APIC_BASE_BSP), 0);
	/* Root scheduler: a new VP is explicitly suspended until released. */
	if (c->root)
		KUNIT_ASSERT_EQ(test, set_vp_reg(c->id, 0, HV_REGISTER_EXPLICIT_SUSPEND, 0), 0);
}

/* ------------------------------------------------------------- runs ---- */

/*
 * Run VP 0 until it stops with a message: root scheduler, dispatch until
 * READY + INTERCEPT; hypervisor scheduler, release it (unless @running:
 * it already runs) and wait for INTERCEPT_SUSPEND.
 */
static void run_to_stop(struct kunit *test, struct irq_ctx *c, bool running,
			const char *what)
{
	struct hv_output_dispatch_vp out;
	int i;

	/* A VP that already runs may have written its message. */
	if (c->root || !running)
		c->msg->header.message_type = HVMSG_NONE;
	if (!c->root) {
		if (!running)
			resume_vp(test, c->id);
		KUNIT_ASSERT_TRUE_MSG(test, wait_vp_reg(test, c->id, 0,
							HV_REGISTER_INTERCEPT_SUSPEND, 1),
				      "%s: the VP did not stop", what);
		return;
	}
	for (i = 0; i < MAX_SLICES; i++) {
		KUNIT_ASSERT_EQ(test, dispatch(c->id, 0,
					       HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND,
					       0, 0, &out), 0);
		if (out.dispatch_state != HV_VP_DISPATCH_STATE_READY ||
		    out.dispatch_event != HV_VP_DISPATCH_EVENT_INVALID)
			break;
	}
	KUNIT_ASSERT_EQ_MSG(test, out.dispatch_state, HV_VP_DISPATCH_STATE_READY, "%s", what);
	KUNIT_ASSERT_EQ_MSG(test, out.dispatch_event, HV_VP_DISPATCH_EVENT_INTERCEPT,
			    "%s", what);
}

/*
 * The VP stopped at OUT @port: return AL and let the VMM step over the
 * OUT through the register page.
 */
static u8 expect_out(struct kunit *test, struct irq_ctx *c, u16 port, const char *what)
{
	struct hv_x64_io_port_intercept_message *m = (void *)c->msg->u.payload;

	KUNIT_EXPECT_EQ_MSG(test, c->msg->header.message_type, HVMSG_X64_IOPORT_INTERCEPT,
			    "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, m->port_number, port, "%s: AL %#llx", what,
			    m->rax & 0xff);
	c->regs->rip = m->header.rip + 2;
	c->regs->dirty |= HV_VP_REGISTER_PAGE_DIRTY_INSTRUCTION_POINTER;
	return m->rax & 0xff;
}

static u8 run_to_out(struct kunit *test, struct irq_ctx *c, u16 port, const char *what)
{
	run_to_stop(test, c, false, what);
	return expect_out(test, c, port, what);
}

/*
 * Run VP 0 while it must not stop (nothing to deliver): one time slice
 * (root) or a short while, then EXPLICIT_SUSPEND (hypervisor scheduler).
 */
static void run_quiet(struct kunit *test, struct irq_ctx *c, const char *what)
{
	struct hv_output_dispatch_vp out;

	c->msg->header.message_type = HVMSG_NONE;
	if (c->root) {
		KUNIT_ASSERT_EQ(test, dispatch(c->id, 0,
					       HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND,
					       0, 0, &out), 0);
		KUNIT_EXPECT_EQ_MSG(test, out.dispatch_state, HV_VP_DISPATCH_STATE_READY,
				    "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, out.dispatch_event, HV_VP_DISPATCH_EVENT_INVALID,
				    "%s", what);
	} else {
		resume_vp(test, c->id);
		msleep(QUIET_MS);
		KUNIT_ASSERT_EQ(test, set_vp_reg(c->id, 0, HV_REGISTER_EXPLICIT_SUSPEND, 1), 0);
		KUNIT_EXPECT_EQ_MSG(test, vp_reg(test, c->id, 0, HV_REGISTER_INTERCEPT_SUSPEND),
				    0ULL, "%s", what);
	}
	KUNIT_EXPECT_EQ_MSG(test, c->msg->header.message_type, HVMSG_NONE, "%s", what);
}

/* Run the guest's main until its APIC is on and it spins with IF = 1. */
static void run_to_ready(struct kunit *test, struct irq_ctx *c)
{
	run_to_out(test, c, PORT_READY, "ready");
}

/* Run VP 0 until it blocks in HLT with IF = 1 (at OFF_HALT). */
static void run_to_block(struct kunit *test, struct irq_ctx *c, const char *what)
{
	struct hv_output_dispatch_vp out;

	if (c->root) {
		KUNIT_ASSERT_EQ(test, dispatch(c->id, 0,
					       HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND,
					       0, 0, &out), 0);
		KUNIT_EXPECT_EQ_MSG(test, out.dispatch_state, HV_VP_DISPATCH_STATE_BLOCKED,
				    "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, out.dispatch_event, HV_VP_DISPATCH_EVENT_INVALID,
				    "%s", what);
		KUNIT_EXPECT_EQ(test, c->stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED],
				1ULL);
	} else {
		resume_vp(test, c->id);
		KUNIT_ASSERT_TRUE_MSG(test, wait_vp_reg(test, c->id, 0, HV_X64_REGISTER_RIP,
							IP(OFF_AFTER_HLT)), "%s", what);
		msleep(QUIET_MS);
		KUNIT_EXPECT_EQ(test, vp_reg(test, c->id, 0, HV_REGISTER_INTERCEPT_SUSPEND), 0ULL);
	}
	KUNIT_EXPECT_EQ(test, vp_reg(test, c->id, 0, HV_X64_REGISTER_RIP), (u64)IP(OFF_AFTER_HLT));
}

/*
 * Take one interrupt in the handler: it reports @vector at OUT 0x84, EOIs,
 * reports again at OUT 0x86 and IRETs when next run.
 */
static void take_interrupt(struct kunit *test, struct irq_ctx *c, bool running,
			   u8 vector, const char *what)
{
	run_to_stop(test, c, running, what);
	KUNIT_EXPECT_EQ_MSG(test, expect_out(test, c, PORT_HANDLER, what), vector,
			    "%s", what);
	run_to_out(test, c, PORT_EOI_DONE, what);
}

/*
 * Run @len bytes of code at OFF_SNIPPET with interrupts off; they end in
 * OUT 0x88 (whose RAX is returned) or fault into the IVT stub of their
 * exception, whose OUT 0x84 reports the vector (returned as vector << 32).
 */
static u64 run_snippet(struct kunit *test, struct irq_ctx *c, const u8 *code,
		       size_t len)
{
	struct hv_x64_io_port_intercept_message *m = (void *)c->msg->u.payload;

	memcpy((u8 *)page_address(c->code) + OFF_SNIPPET, code, len);
	KUNIT_EXPECT_EQ(test, set_vp_reg(c->id, 0, HV_X64_REGISTER_RIP, IP(OFF_SNIPPET)), 0);
	KUNIT_EXPECT_EQ(test, set_vp_reg(c->id, 0, HV_X64_REGISTER_RFLAGS, 2), 0);
	run_to_stop(test, c, false, "snippet");
	KUNIT_EXPECT_EQ(test, c->msg->header.message_type, HVMSG_X64_IOPORT_INTERCEPT);
	if (m->port_number == PORT_HANDLER)
		return (m->rax & 0xff) << 32;
	KUNIT_EXPECT_EQ(test, m->port_number, PORT_SNIPPET);
	return m->rax;
}

#define SNIPPET(code)	run_snippet(test, &c, code, sizeof(code))

/* ------------------------------------------------------------ cases ---- */

/* ASSERT/CLEAR_VIRTUAL_INTERRUPT refusals, with the exact statuses. */
static void irq_test_checks(struct kunit *test)
{
	struct hv_input_assert_virtual_interrupt in;
	u64 id = pt_with_vps(test, 1, MAP_COST), created = pt_create(test), bit;
	struct hvsim_irq_stats st;
	u32 type;

	svr(test, id, 0, SVR_ON);
	/* The partition. */
	KUNIT_EXPECT_EQ(test, assert_irq(HV_PARTITION_ID_SELF, FIXED, 0, 0x30),
			HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, assert_irq(0x7777777, FIXED, 0, 0x30),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, assert_irq(created, FIXED, 0, 0x30),
			HV_STATUS_INVALID_PARTITION_STATE);
	/* Control: reserved bits 34-63 but 62 (some clients set it). */
	for (bit = 34; bit < 64; bit++) {
		u16 want = bit == 62 ? HV_STATUS_SUCCESS : HV_STATUS_INVALID_PARAMETER;

		KUNIT_EXPECT_EQ_MSG(test, assert_irq(id, FIXED | BIT_ULL(bit), 0, 0x30),
				    want, "control bit %llu", bit);
	}
	/* Types: SMI, REMOTEREAD, INIT, SIPI, LOCALINTx are not modelled. */
	for (type = 0; type <= HV_X64_INTERRUPT_TYPE_MAXIMUM; type++) {
		bool ok = type == FIXED || type == LOWEST || type == NMI || type == EXTINT;

		KUNIT_EXPECT_EQ_MSG(test, assert_irq(id, type, 0, 0x30),
				    ok ? HV_STATUS_SUCCESS : HV_STATUS_INVALID_PARAMETER,
				    "type %u", type);
	}
	KUNIT_EXPECT_EQ(test, assert_irq(id, 0xffffffff, 0, 0x30),
			HV_STATUS_INVALID_PARAMETER);
	/* Vectors: 16-255 for fixed and lowest priority, 0-255 for ExtINT. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 15), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 0), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 256), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, assert_irq(id, LOWEST, 0, 2), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, assert_irq(id, EXTINT, 0, 256), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 16), 0);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 255), 0);
	KUNIT_EXPECT_EQ(test, assert_irq(id, EXTINT, 0, 8), 0);
	/* The NMI vector is ignored. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, NMI, 0, 0x12345678), 0);
	/* Destination above 32 bits, VTL, reserved bytes. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, BIT_ULL(32), 0x30),
			HV_STATUS_INVALID_PARAMETER);
	in = (struct hv_input_assert_virtual_interrupt){
		.partition_id = id, .vector = 0x40, .target_vtl = 1,
	};
	KUNIT_EXPECT_EQ(test, assert_raw(&in), HV_STATUS_INVALID_PARAMETER);
	in.target_vtl = 0;
	in.rsvd_z0 = 1;
	KUNIT_EXPECT_EQ(test, assert_raw(&in), HV_STATUS_INVALID_PARAMETER);
	in.rsvd_z0 = 0;
	in.rsvd_z1 = 0x100;
	KUNIT_EXPECT_EQ(test, assert_raw(&in), HV_STATUS_INVALID_PARAMETER);
	/* Refusals had no effect; a destination nobody has is dropped. */
	KUNIT_EXPECT_FALSE(test, irr_has(test, id, 0, 0x40));
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 5, 0x40), 0);
	KUNIT_EXPECT_FALSE(test, irr_has(test, id, 0, 0x40));
	/* A memory-only call: the fast form is a malformed hypercall. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_ASSERT_VIRTUAL_INTERRUPT,
							       id, FIXED)),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
	st = irq_stats(test, id, 0);
	KUNIT_EXPECT_TRUE(test, st.nmi_pending);
	KUNIT_EXPECT_TRUE(test, st.extint_pending);

	/* CLEAR: fast 8-byte (as Linux issues it) or memory input. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_CLEAR_VIRTUAL_INTERRUPT,
							      HV_PARTITION_ID_SELF)),
			HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_CLEAR_VIRTUAL_INTERRUPT,
							      0x7777777)),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_CLEAR_VIRTUAL_INTERRUPT,
							      created)),
			HV_STATUS_INVALID_PARTITION_STATE);
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(CTL(HVCALL_CLEAR_VIRTUAL_INTERRUPT, 1), &id,
						 8, NULL, 0)),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_CLEAR_VIRTUAL_INTERRUPT,
							      id)), 0);
	st = irq_stats(test, id, 0);
	KUNIT_EXPECT_FALSE(test, st.extint_pending);
	KUNIT_EXPECT_TRUE(test, st.nmi_pending);
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_CLEAR_VIRTUAL_INTERRUPT, &id, 8,
						 NULL, 0)), 0);
}

/*
 * Acceptance as the LAPIC VP state shows it: IRR, TMR by trigger mode,
 * nothing for a disabled APIC; SET_VP_STATE loads what GET shows.
 */
static void irq_test_accept_state(struct kunit *test)
{
	u64 id = pt_with_vps(test, 1, MAP_COST);
	struct hv_local_interrupt_controller_state l;
	struct hvsim_irq_stats st;

	/* Reset: SVR 0xff, software-disabled: fixed interrupts are dropped. */
	lapic_state(test, id, 0, false, &l);
	KUNIT_EXPECT_EQ(test, l.apic_spurious, 0xffU);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 0x31), 0);
	KUNIT_EXPECT_FALSE(test, irr_has(test, id, 0, 0x31));
	st = irq_stats(test, id, 0);
	KUNIT_EXPECT_EQ(test, st.dropped, 1ULL);
	/* Lowest priority finds no enabled APIC: dropped before any VP. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, LOWEST, 0, 0x32), 0);
	KUNIT_EXPECT_EQ(test, irq_stats(test, id, 0).dropped, 1ULL);
	KUNIT_EXPECT_EQ(test, st.accepted, 0ULL);

	svr(test, id, 0, SVR_ON);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 0x31), 0);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LEVEL, 0, 0x42), 0);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LEVEL, 0, 0xff), 0);
	lapic_state(test, id, 0, false, &l);
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_irr, 0x31));
	KUNIT_EXPECT_FALSE(test, vec_test(l.apic_tmr, 0x31));
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_irr, 0x42));
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_tmr, 0x42));
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_tmr, 0xff));
	KUNIT_EXPECT_EQ(test, l.apic_isr[0] | l.apic_isr[1] | l.apic_isr[2], 0U);
	/* Edge again: coalesced in IRR, TMR follows the trigger mode. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 0x42), 0);
	lapic_state(test, id, 0, false, &l);
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_irr, 0x42));
	KUNIT_EXPECT_FALSE(test, vec_test(l.apic_tmr, 0x42));
	st = irq_stats(test, id, 0);
	KUNIT_EXPECT_EQ(test, st.accepted, 4ULL);
	KUNIT_EXPECT_EQ(test, st.delivered, 0ULL);

	/* SET loads IRR/ISR: the model uses them (PPR from the ISR). */
	memset(l.apic_irr, 0, sizeof(l.apic_irr));
	l.apic_isr[0x50 / 32] = BIT(0x50 % 32);
	lapic_state(test, id, 0, true, &l);
	KUNIT_EXPECT_FALSE(test, irr_has(test, id, 0, 0x31));
	KUNIT_EXPECT_EQ(test, irq_stats(test, id, 0).ppr, 0x50U);
	KUNIT_ASSERT_EQ(test, set_vp_reg(id, 0, HV_X64_REGISTER_CR8, 7), 0);
	KUNIT_EXPECT_EQ(test, irq_stats(test, id, 0).ppr, 0x70U);

	/* A hardware-disabled APIC (IA32_APIC_BASE.EN = 0) accepts nothing. */
	KUNIT_ASSERT_EQ(test, set_vp_reg(id, 0, HV_X64_REGISTER_APIC_BASE,
					 APIC_GPA | APIC_BASE_BSP), 0);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0, 0x33), 0);
	KUNIT_EXPECT_FALSE(test, irr_has(test, id, 0, 0x33));
	/* NMI and ExtINT do not depend on the APIC's state. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, NMI, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, assert_irq(id, EXTINT, 0, 0x20), 0);
	st = irq_stats(test, id, 0);
	KUNIT_EXPECT_TRUE(test, st.nmi_pending);
	KUNIT_EXPECT_TRUE(test, st.extint_pending);
	KUNIT_EXPECT_EQ(test, st.dropped, 2ULL);
}

/* Which of VPs 0-2 have @v in IRR: "1" or "0" per VP in @vps. */
static void expect_irr(struct kunit *test, u64 id, u8 v, const char *vps)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, irr_has(test, id, i, v), vps[i] == '1',
				    "vector %#x, VP %u", v, i);
}

/* Physical, broadcast, logical flat and cluster, x2APIC, lowest priority. */
static void irq_test_destinations(struct kunit *test)
{
	static const u32 flat_ldr[] = { 0x01000000, 0x02000000, 0 };
	static const u32 cluster_ldr[] = { 0x11000000, 0x12000000, 0x21000000 };
	struct hv_local_interrupt_controller_state l;
	u64 id = pt_with_vps(test, 3, MAP_COST);
	unsigned int i;
	u8 v = 0x40;

	for (i = 0; i < 3; i++) {
		lapic_state(test, id, i, false, &l);
		KUNIT_EXPECT_EQ(test, l.apic_id, i << 24);
		KUNIT_EXPECT_EQ(test, l.apic_dfr, 0xffffffffU);
		l.apic_spurious = SVR_ON;
		l.apic_ldr = flat_ldr[i];
		lapic_state(test, id, i, true, &l);
	}
	/* Physical: APIC id = VP index; 0xff and 0xffffffff broadcast. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 1, v), 0);
	expect_irr(test, id, v, "010");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0xff, ++v), 0);
	expect_irr(test, id, v, "111");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0xffffffff, ++v), 0);
	expect_irr(test, id, v, "111");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0x102, ++v), 0);
	expect_irr(test, id, v, "000");
	/* Lowest priority: the lowest-numbered match. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, LOWEST, 0xff, ++v), 0);
	expect_irr(test, id, v, "100");

	/* Logical, flat model: LDR bits 24-31 & destination; LDR 0 never. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LOGICAL, 0x02, ++v), 0);
	expect_irr(test, id, v, "010");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LOGICAL, 0x03, ++v), 0);
	expect_irr(test, id, v, "110");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LOGICAL, 0xff, ++v), 0);
	expect_irr(test, id, v, "110");
	KUNIT_EXPECT_EQ(test, assert_irq(id, LOWEST | LOGICAL, 0x06, ++v), 0);
	expect_irr(test, id, v, "010");
	/* Lowest priority skips a disabled APIC. */
	svr(test, id, 0, 0xff);
	KUNIT_EXPECT_EQ(test, assert_irq(id, LOWEST | LOGICAL, 0x03, ++v), 0);
	expect_irr(test, id, v, "010");
	svr(test, id, 0, SVR_ON);

	/* Cluster model (DFR 0x0fffffff): cluster bits 4-7, members 0-3. */
	for (i = 0; i < 3; i++) {
		lapic_state(test, id, i, false, &l);
		l.apic_dfr = 0x0fffffff;
		l.apic_ldr = cluster_ldr[i];
		lapic_state(test, id, i, true, &l);
	}
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LOGICAL, 0x13, ++v), 0);
	expect_irr(test, id, v, "110");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LOGICAL, 0x21, ++v), 0);
	expect_irr(test, id, v, "001");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LOGICAL, 0x22, ++v), 0);
	expect_irr(test, id, v, "000");

	/* x2APIC (VP 2): the LDR is derived from the id (cluster 0, bit 2). */
	KUNIT_ASSERT_EQ(test, set_vp_reg(id, 2, HV_X64_REGISTER_APIC_BASE,
					 APIC_GPA | APIC_BASE_EN | APIC_BASE_EXTD), 0);
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LOGICAL, 0x00000004, ++v), 0);
	expect_irr(test, id, v, "001");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED | LOGICAL, 0x00010004, ++v), 0);
	expect_irr(test, id, v, "000");
	/* 0xff is not a broadcast for an x2APIC. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 0xff, ++v), 0);
	expect_irr(test, id, v, "110");
	KUNIT_EXPECT_EQ(test, assert_irq(id, FIXED, 2, ++v), 0);
	expect_irr(test, id, v, "001");

	/* NMI to VP 1 only. */
	KUNIT_EXPECT_EQ(test, assert_irq(id, NMI, 1, 0), 0);
	KUNIT_EXPECT_FALSE(test, irq_stats(test, id, 0).nmi_pending);
	KUNIT_EXPECT_TRUE(test, irq_stats(test, id, 1).nmi_pending);
}

/*
 * A running guest takes a fixed interrupt: IRR -> ISR on delivery, its
 * handler runs, the EOI clears ISR; an edge interrupt posts no EOI
 * message.  Pending vectors are taken highest first.
 */
static void irq_test_fixed_delivery(struct kunit *test)
{
	struct hv_local_interrupt_controller_state l;
	struct hvsim_irq_stats st;
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_MAIN, false);
	run_to_ready(test, &c);
	/* The guest's write to the xAPIC page reached the APIC. */
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_EQ(test, l.apic_spurious, (u32)SVR_ON);

	/* Asserted while the VP is stopped: pending in IRR. */
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x30), 0);
	KUNIT_EXPECT_TRUE(test, irr_has(test, c.id, 0, 0x30));
	run_to_stop(test, &c, false, "fixed 0x30");
	KUNIT_EXPECT_EQ(test, expect_out(test, &c, PORT_HANDLER, "fixed 0x30"), 0x30);
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_FALSE(test, vec_test(l.apic_irr, 0x30));
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_isr, 0x30));
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).ppr, 0x30U);
	/* The real-mode frame: IF was set when it was interrupted. */
	KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_X64_REGISTER_RFLAGS) & RFLAGS_IF,
			0ULL);
	KUNIT_EXPECT_EQ(test, ((u16 *)page_address(c.low))[(GUEST_SP - 2) / 2] &
			RFLAGS_IF, RFLAGS_IF);
	KUNIT_EXPECT_EQ(test, ((u16 *)page_address(c.low))[(GUEST_SP - 6) / 2],
			(u16)IP(OFF_SPIN));

	run_to_out(test, &c, PORT_EOI_DONE, "eoi 0x30");
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_FALSE(test, vec_test(l.apic_isr, 0x30));
	st = irq_stats(test, c.id, 0);
	KUNIT_EXPECT_EQ(test, st.delivered, 1ULL);
	KUNIT_EXPECT_EQ(test, st.eois, 1ULL);
	KUNIT_EXPECT_EQ(test, st.eoi_messages, 0ULL);

	/* Two pending: the higher priority class first, then the other. */
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x32), 0);
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x51), 0);
	take_interrupt(test, &c, false, 0x51, "0x51 first");
	take_interrupt(test, &c, false, 0x32, "then 0x32");
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).eois, 3ULL);
	/* Back in the spin loop with nothing pending. */
	run_quiet(test, &c, "nothing pending");
	KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_X64_REGISTER_RIP), (u64)IP(OFF_SPIN));
}

/*
 * The task priority (CR8, the xAPIC TPR): a vector whose class is not
 * above the PPR waits in IRR, a higher one is taken, a lowered TPR lets
 * the waiting one in.  An in-service vector blocks its own class.
 */
static void irq_test_priority(struct kunit *test)
{
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_MAIN, false);
	run_to_ready(test, &c);
	KUNIT_ASSERT_EQ(test, set_vp_reg(c.id, 0, HV_X64_REGISTER_CR8, 4), 0);
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x45), 0);
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x3f), 0);
	run_quiet(test, &c, "TPR 4 holds 0x45 and 0x3f");
	KUNIT_EXPECT_TRUE(test, irr_has(test, c.id, 0, 0x45));
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).ppr, 0x40U);

	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x50), 0);
	run_to_stop(test, &c, false, "0x50 above the TPR");
	KUNIT_EXPECT_EQ(test, expect_out(test, &c, PORT_HANDLER, "0x50"), 0x50);
	/* In service: 0x5x is blocked, 0x45 too (TPR), until the EOI. */
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x5f), 0);
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).ppr, 0x50U);
	run_to_out(test, &c, PORT_EOI_DONE, "eoi 0x50");
	/* After the IRET 0x5f, then nothing: 0x45 and 0x3f still held. */
	take_interrupt(test, &c, false, 0x5f, "0x5f after the eoi");
	run_quiet(test, &c, "TPR 4 still holds 0x45");

	/* Lowering the TPR lets 0x45, then 0x3f, in. */
	KUNIT_ASSERT_EQ(test, set_vp_reg(c.id, 0, HV_X64_REGISTER_CR8, 0), 0);
	take_interrupt(test, &c, false, 0x45, "0x45 after TPR 0");
	take_interrupt(test, &c, false, 0x3f, "0x3f last");
}

/*
 * Level-triggered: the EOI posts HVMSG_X64_APIC_EOI (vector, VP) and the
 * VP runs on -- it reaches the OUT after its EOI.  TMR stays set.
 */
static void irq_test_level_eoi(struct kunit *test)
{
	struct hv_local_interrupt_controller_state l;
	struct hvsim_irq_stats st;
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_MAIN, false);
	run_to_ready(test, &c);
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED | LEVEL, 0, 0x61), 0);
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_tmr, 0x61));
	run_to_stop(test, &c, false, "level 0x61");
	KUNIT_EXPECT_EQ(test, expect_out(test, &c, PORT_HANDLER, "level 0x61"), 0x61);
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).eoi_messages, 0ULL);
	run_to_out(test, &c, PORT_EOI_DONE, "level eoi");
	st = irq_stats(test, c.id, 0);
	KUNIT_EXPECT_EQ(test, st.eoi_messages, 1ULL);
	KUNIT_EXPECT_EQ(test, st.last_eoi_vector, 0x61U);
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_FALSE(test, vec_test(l.apic_isr, 0x61));
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_tmr, 0x61));

	/* A lowest-priority level interrupt behaves the same; an edge one does not. */
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, LOWEST | LEVEL, 0, 0x62), 0);
	take_interrupt(test, &c, false, 0x62, "level 0x62");
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x63), 0);
	take_interrupt(test, &c, false, 0x63, "edge 0x63");
	st = irq_stats(test, c.id, 0);
	KUNIT_EXPECT_EQ(test, st.eoi_messages, 2ULL);
	KUNIT_EXPECT_EQ(test, st.last_eoi_vector, 0x62U);
	KUNIT_EXPECT_EQ(test, st.eois, 3ULL);
}

/* x2APIC mode: SVR and EOI through the MSRs, the xAPIC page gone. */
static void irq_test_x2apic(struct kunit *test)
{
	struct hv_local_interrupt_controller_state l;
	struct hvsim_irq_stats st;
	struct irq_ctx c;

	ctx_setup(test, &c, true, OFF_MAIN_X2, false);
	run_to_ready(test, &c);
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_EQ(test, l.apic_spurious, (u32)SVR_ON);
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED | LEVEL, 0, 0x71), 0);
	take_interrupt(test, &c, false, 0x71, "x2apic level 0x71");
	st = irq_stats(test, c.id, 0);
	KUNIT_EXPECT_EQ(test, st.eois, 1ULL);
	KUNIT_EXPECT_EQ(test, st.eoi_messages, 1ULL);
	KUNIT_EXPECT_EQ(test, st.last_eoi_vector, 0x71U);

	/*
	 * The xAPIC handler's EOI store goes to memory now: an unmapped GPA
	 * (the APIC page decodes in xAPIC mode only).
	 */
	KUNIT_ASSERT_EQ(test, set_vp_reg(c.id, 0, HV_X64_REGISTER_RIP, IP(OFF_HANDLER)), 0);
	KUNIT_ASSERT_EQ(test, set_vp_reg(c.id, 0, HV_X64_REGISTER_RFLAGS, 2), 0);
	run_to_out(test, &c, PORT_HANDLER, "xAPIC handler");
	run_to_stop(test, &c, false, "xAPIC EOI in x2APIC mode");
	KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_UNMAPPED_GPA);
	KUNIT_EXPECT_EQ(test, ((struct hv_x64_memory_intercept_message *)
			       c.msg->u.payload)->guest_physical_address,
			APIC_GPA + 0xb0);
}

/* Snippets for the register tests (real mode, DS based at the APIC page). */
static const u8 rd_version[] = {
	0x66, 0xa1, 0x30, 0x00,					/* mov eax, [0x30] */
	0xe6, PORT_SNIPPET,
};

static const u8 wr_rd_tpr[] = {
	0x66, 0xc7, 0x06, 0x80, 0x00, 0x5f, 0x00, 0x00, 0x00,	/* TPR = 0x5f */
	0x66, 0xa1, 0x80, 0x00,					/* mov eax, [TPR] */
	0xe6, PORT_SNIPPET,
};

static const u8 rd_ppr[] = {
	0x66, 0xa1, 0xa0, 0x00,					/* mov eax, [PPR] */
	0xe6, PORT_SNIPPET,
};

static const u8 rd_irr2[] = {
	0x66, 0xa1, 0x20, 0x02,			/* mov eax, [IRR 64-95] */
	0xe6, PORT_SNIPPET,
};

static const u8 wr_rd_ldr[] = {
	0x66, 0xc7, 0x06, 0xd0, 0x00, 0xff, 0xff, 0xff, 0x03,	/* LDR = 0x03ffffff */
	0x66, 0xa1, 0xd0, 0x00,
	0xe6, PORT_SNIPPET,
};

static const u8 wr_rd_dfr[] = {
	0x66, 0xc7, 0x06, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00,	/* DFR = 0 */
	0x66, 0xa1, 0xe0, 0x00,
	0xe6, PORT_SNIPPET,
};

static const u8 illegal_ipi_esr[] = {
	0x66, 0xc7, 0x06, 0x00, 0x03, 0x05, 0x00, 0x04, 0x00,	/* ICR: self, vector 5 */
	0x66, 0xc7, 0x06, 0x80, 0x02, 0x00, 0x00, 0x00, 0x00,	/* ESR = 0: latch */
	0x66, 0xa1, 0x80, 0x02,					/* mov eax, [ESR] */
	0xe6, PORT_SNIPPET,
};

static const u8 disable_lvt_lint0[] = {
	0x66, 0xc7, 0x06, 0xf0, 0x00, 0xff, 0x00, 0x00, 0x00,	/* SVR = 0xff */
	0x66, 0xc7, 0x06, 0x50, 0x03, 0x00, 0x07, 0x00, 0x00,	/* LINT0 = 0x700 */
	0x66, 0xa1, 0x50, 0x03,
	0xe6, PORT_SNIPPET,
};

static const u8 rdmsr_version[] = {
	0x66, 0xb9, 0x03, 0x08, 0x00, 0x00,			/* mov ecx, 0x803 */
	0x0f, 0x32,						/* rdmsr */
	0xe6, PORT_SNIPPET,
};

static const u8 rdmsr_id[] = {
	0x66, 0xb9, 0x02, 0x08, 0x00, 0x00,			/* mov ecx, 0x802 */
	0x0f, 0x32,
	0xe6, PORT_SNIPPET,
};

static const u8 rdmsr_ldr[] = {
	0x66, 0xb9, 0x0d, 0x08, 0x00, 0x00,			/* mov ecx, 0x80d */
	0x0f, 0x32,
	0xe6, PORT_SNIPPET,
};

static const u8 wrmsr_tpr_rdmsr_ppr[] = {
	0x66, 0xb9, 0x08, 0x08, 0x00, 0x00,			/* mov ecx, 0x808 */
	0x66, 0xb8, 0x30, 0x00, 0x00, 0x00,			/* mov eax, 0x30 */
	0x66, 0x31, 0xd2,					/* xor edx, edx */
	0x0f, 0x30,						/* wrmsr */
	0x66, 0xb9, 0x0a, 0x08, 0x00, 0x00,			/* mov ecx, 0x80a */
	0x0f, 0x32,						/* rdmsr */
	0xe6, PORT_SNIPPET,
};

static const u8 rdmsr_eoi[] = {
	0x66, 0xb9, 0x0b, 0x08, 0x00, 0x00,			/* mov ecx, 0x80b */
	0x0f, 0x32,
	0xe6, PORT_SNIPPET,
};

static const u8 wrmsr_ldr[] = {
	0x66, 0xb9, 0x0d, 0x08, 0x00, 0x00,			/* mov ecx, 0x80d */
	0x66, 0x31, 0xd2,
	0x0f, 0x30,
	0xe6, PORT_SNIPPET,
};

static const u8 rdmsr_dfr[] = {
	0x66, 0xb9, 0x0e, 0x08, 0x00, 0x00,			/* mov ecx, 0x80e */
	0x0f, 0x32,
	0xe6, PORT_SNIPPET,
};

static const u8 wrmsr_eoi_1[] = {
	0x66, 0xb9, 0x0b, 0x08, 0x00, 0x00,			/* mov ecx, 0x80b */
	0x66, 0xb8, 0x01, 0x00, 0x00, 0x00,			/* mov eax, 1 */
	0x66, 0x31, 0xd2,
	0x0f, 0x30,
	0xe6, PORT_SNIPPET,
};

/*
 * The guest's view of its APIC through the xAPIC page, and the x2APIC MSRs
 * refused in xAPIC mode.
 */
static void irq_test_registers(struct kunit *test)
{
	struct hv_local_interrupt_controller_state l;
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_MAIN, false);
	run_to_ready(test, &c);
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(rd_version), 0x50014U);
	/* TPR is CR8 (bits 0-3 are lost); PPR follows it. */
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(wr_rd_tpr), 0x50U);
	KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_X64_REGISTER_CR8), 5ULL);
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(rd_ppr), 0x50U);
	/* A held-back vector shows in IRR. */
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x45), 0);
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(rd_irr2), 0x20U);
	/* LDR keeps bits 24-31, DFR reads ones in bits 0-27. */
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(wr_rd_ldr), 0x03000000U);
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(wr_rd_dfr), 0x0fffffffU);
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_EQ(test, l.apic_ldr, 0x03000000U);
	KUNIT_EXPECT_EQ(test, l.apic_dfr, 0x0fffffffU);
	/* An IPI with an illegal vector: ESR bit 5 after an ESR write. */
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(illegal_ipi_esr), 0x20U);
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).delivered, 0ULL);
	/* Software-disabled: the LVTs are masked and stay masked. */
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(disable_lvt_lint0), 0x10700U);
	/* No x2APIC MSRs in xAPIC mode: #GP. */
	KUNIT_EXPECT_EQ(test, SNIPPET(rdmsr_version) >> 32, (u64)GP_VECTOR);
}

/* x2APIC registers through the MSRs, and their #GP cases. */
static void irq_test_x2apic_registers(struct kunit *test)
{
	struct irq_ctx c;

	ctx_setup(test, &c, true, OFF_MAIN_X2, false);
	run_to_ready(test, &c);
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(rdmsr_version), 0x50014U);
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(rdmsr_id), 0U);
	/* The LDR is derived from the ID: cluster 0, bit 0. */
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(rdmsr_ldr), 1U);
	KUNIT_EXPECT_EQ(test, (u32)SNIPPET(wrmsr_tpr_rdmsr_ppr), 0x30U);
	KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_X64_REGISTER_CR8), 3ULL);
	/* #GP: reading EOI, writing LDR, the absent DFR, a non-zero EOI. */
	KUNIT_EXPECT_EQ(test, SNIPPET(rdmsr_eoi) >> 32, (u64)GP_VECTOR);
	KUNIT_EXPECT_EQ(test, SNIPPET(wrmsr_ldr) >> 32, (u64)GP_VECTOR);
	KUNIT_EXPECT_EQ(test, SNIPPET(rdmsr_dfr) >> 32, (u64)GP_VECTOR);
	KUNIT_EXPECT_EQ(test, SNIPPET(wrmsr_eoi_1) >> 32, (u64)GP_VECTOR);
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).eois, 0ULL);
}

/* A self IPI through the xAPIC ICR is taken like any fixed interrupt. */
static void irq_test_self_ipi(struct kunit *test)
{
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_SELF_IPI, false);
	take_interrupt(test, &c, false, 0x31, "self IPI 0x31");
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).delivered, 1ULL);
	run_quiet(test, &c, "after the self IPI");
}

/*
 * A VP halted with IF = 1 is blocked until an interrupt: ASSERT wakes it
 * (root scheduler: VpRootDispatchThreadBlocked cleared, one scheduler
 * signal counted in VP_ROOT_SIGNAL_COUNT; hypervisor scheduler: it runs
 * by itself), and so does a SET_VP_STATE that loads a pending vector.  A
 * vector the TPR holds back does not wake it.
 */
static void irq_test_halt_wake(struct kunit *test)
{
	struct hv_local_interrupt_controller_state l;
	u64 signals;
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_MAIN, false);
	run_to_ready(test, &c);
	c.regs->rip = IP(OFF_HALT);
	run_to_block(test, &c, "hlt with IF = 1");
	signals = vp_reg(test, c.id, 0, HV_REGISTER_VP_ROOT_SIGNAL_COUNT);

	/* Held back by the TPR: still blocked, no signal. */
	KUNIT_ASSERT_EQ(test, set_vp_reg(c.id, 0, HV_X64_REGISTER_CR8, 8), 0);
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x80), 0);
	if (c.root)
		KUNIT_EXPECT_EQ(test,
				c.stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED], 1ULL);
	else
		msleep(QUIET_MS);
	KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_REGISTER_VP_ROOT_SIGNAL_COUNT), signals);
	KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_REGISTER_INTERCEPT_SUSPEND), 0ULL);
	KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_X64_REGISTER_RIP), (u64)IP(OFF_AFTER_HLT));
	KUNIT_EXPECT_TRUE(test, irr_has(test, c.id, 0, 0x80));

	/* Deliverable: it wakes. */
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x90), 0);
	if (c.root) {
		KUNIT_EXPECT_EQ(test,
				c.stats[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED], 0ULL);
		KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_REGISTER_VP_ROOT_SIGNAL_COUNT),
				signals + 1);
	} else {
		KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_REGISTER_VP_ROOT_SIGNAL_COUNT),
				signals);
	}
	take_interrupt(test, &c, true, 0x90, "woken by 0x90");
	/* IRET to after the HLT: OUT 0x87, then the next HLT. */
	run_to_out(test, &c, PORT_WOKE, "after the hlt");
	KUNIT_ASSERT_EQ(test, set_vp_reg(c.id, 0, HV_X64_REGISTER_CR8, 0), 0);
	take_interrupt(test, &c, false, 0x80, "0x80 after TPR 0");
	run_to_block(test, &c, "hlt again");

	/* A LAPIC state with a pending vector wakes it as well. */
	signals = vp_reg(test, c.id, 0, HV_REGISTER_VP_ROOT_SIGNAL_COUNT);
	lapic_state(test, c.id, 0, false, &l);
	l.apic_irr[0xa1 / 32] |= BIT(0xa1 % 32);
	lapic_state(test, c.id, 0, true, &l);
	if (c.root)
		KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_REGISTER_VP_ROOT_SIGNAL_COUNT),
				signals + 1);
	take_interrupt(test, &c, true, 0xa1, "woken by SET_VP_STATE");
}

/*
 * An injection that needs the root (the IVT unmapped) stops the VP with
 * the memory message; the interrupt stays pending and is taken once the
 * page is mapped.
 */
static void irq_test_injection_exit(struct kunit *test)
{
	struct hv_x64_memory_intercept_message *m;
	struct hv_local_interrupt_controller_state l;
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_SPIN, true);
	m = (void *)c.msg->u.payload;
	svr(test, c.id, 0, SVR_ON);
	KUNIT_ASSERT_EQ(test, set_vp_reg(c.id, 0, HV_X64_REGISTER_RFLAGS, 0x202), 0);
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, FIXED, 0, 0x30), 0);
	run_to_stop(test, &c, false, "IVT unmapped");
	KUNIT_EXPECT_EQ(test, c.msg->header.message_type, HVMSG_UNMAPPED_GPA);
	KUNIT_EXPECT_EQ(test, m->guest_physical_address, 0x30ULL * 4);
	KUNIT_EXPECT_EQ(test, m->header.rip, (u64)IP(OFF_SPIN));
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_TRUE(test, vec_test(l.apic_irr, 0x30));
	KUNIT_EXPECT_FALSE(test, vec_test(l.apic_isr, 0x30));
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).delivered, 0ULL);

	map_guest_page(test, c.id, 0, c.low);
	take_interrupt(test, &c, false, 0x30, "IVT mapped");
}

/*
 * NMI: taken with IF = 0.  ExtINT: waits for IF = 1, bypasses IRR/ISR; a
 * level ExtINT blocks the next until CLEAR_VIRTUAL_INTERRUPT.
 */
static void irq_test_nmi_extint(struct kunit *test)
{
	struct hv_local_interrupt_controller_state l;
	struct hvsim_irq_stats st;
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_SPIN, false);
	svr(test, c.id, 0, SVR_ON);
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, NMI, 0, 0x77), 0);
	take_interrupt(test, &c, false, 2, "NMI with IF = 0");
	KUNIT_EXPECT_FALSE(test, irq_stats(test, c.id, 0).nmi_pending);
	/* Its EOI found no ISR vector. */
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).eois, 0ULL);

	KUNIT_ASSERT_EQ(test, assert_irq(c.id, EXTINT | LEVEL, 0, 0x08), 0);
	run_quiet(test, &c, "ExtINT with IF = 0");
	KUNIT_EXPECT_TRUE(test, irq_stats(test, c.id, 0).extint_pending);
	KUNIT_ASSERT_EQ(test, set_vp_reg(c.id, 0, HV_X64_REGISTER_RFLAGS, 0x202), 0);
	run_to_stop(test, &c, false, "ExtINT 0x08");
	KUNIT_EXPECT_EQ(test, expect_out(test, &c, PORT_HANDLER, "ExtINT 0x08"), 0x08);
	lapic_state(test, c.id, 0, false, &l);
	KUNIT_EXPECT_EQ(test, l.apic_isr[0], 0U);
	run_to_out(test, &c, PORT_EOI_DONE, "ExtINT eoi");
	st = irq_stats(test, c.id, 0);
	KUNIT_EXPECT_FALSE(test, st.extint_pending);
	KUNIT_EXPECT_TRUE(test, st.extint_acked);

	/* Acknowledged level ExtINT: the next one waits for CLEAR. */
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, EXTINT, 0, 0x09), 0);
	run_quiet(test, &c, "ExtINT while acknowledged");
	KUNIT_EXPECT_TRUE(test, irq_stats(test, c.id, 0).extint_pending);
	KUNIT_ASSERT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_CLEAR_VIRTUAL_INTERRUPT,
							      c.id)), 0);
	st = irq_stats(test, c.id, 0);
	KUNIT_EXPECT_FALSE(test, st.extint_pending);
	KUNIT_EXPECT_FALSE(test, st.extint_acked);
	/* An edge ExtINT after CLEAR is taken and leaves nothing behind. */
	KUNIT_ASSERT_EQ(test, assert_irq(c.id, EXTINT, 0, 0x09), 0);
	take_interrupt(test, &c, false, 0x09, "ExtINT 0x09 after CLEAR");
	KUNIT_EXPECT_FALSE(test, irq_stats(test, c.id, 0).extint_acked);
	KUNIT_EXPECT_EQ(test, irq_stats(test, c.id, 0).delivered, 3ULL);
}

/*
 * Root scheduler: DISPATCH_VP with SCAN_INTERRUPT_INJECTION accepts the
 * register page's interrupt_vectors and clears the field; a malformed
 * field refuses the dispatch and changes nothing.
 */
static void irq_test_scan_injection(struct kunit *test)
{
	union hv_vp_register_page_interrupt_vectors iv = {};
	struct hv_output_dispatch_vp out;
	struct irq_ctx c;

	ctx_setup(test, &c, false, OFF_MAIN, false);
	if (!c.root)
		kunit_skip(test, "hypervisor scheduler (type %u): DISPATCH_VP needs scheduler=root",
			   scheduler_type());
	run_to_ready(test, &c);

	iv.vector_count = 8;
	c.regs->interrupt_vectors = iv;
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, HV_DISPATCH_VP_FLAG_SCAN_INTERRUPT_INJECTION |
				       HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND, 0, 0, &out),
			HV_STATUS_INVALID_PARAMETER);
	iv.vector_count = 2;
	iv.vector[0] = 0x33;
	iv.vector[1] = 0x0f;
	c.regs->interrupt_vectors = iv;
	KUNIT_EXPECT_EQ(test, dispatch(c.id, 0, HV_DISPATCH_VP_FLAG_SCAN_INTERRUPT_INJECTION |
				       HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND, 0, 0, &out),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, c.regs->interrupt_vectors.as_uint64, iv.as_uint64);
	KUNIT_EXPECT_EQ(test, vp_reg(test, c.id, 0, HV_REGISTER_INTERCEPT_SUSPEND), 1ULL);
	KUNIT_EXPECT_FALSE(test, irr_has(test, c.id, 0, 0x33));

	iv.vector[1] = 0x44;
	c.regs->interrupt_vectors = iv;
	KUNIT_ASSERT_EQ(test, dispatch(c.id, 0, HV_DISPATCH_VP_FLAG_SCAN_INTERRUPT_INJECTION |
				       HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND, 0, 0, &out), 0);
	KUNIT_EXPECT_EQ(test, out.dispatch_event, HV_VP_DISPATCH_EVENT_INTERCEPT);
	KUNIT_EXPECT_EQ(test, c.regs->interrupt_vectors.as_uint64, 0ULL);
	KUNIT_EXPECT_EQ(test, expect_out(test, &c, PORT_HANDLER, "scanned 0x44"), 0x44);
	KUNIT_EXPECT_TRUE(test, irr_has(test, c.id, 0, 0x33));
	run_to_out(test, &c, PORT_EOI_DONE, "eoi 0x44");
	take_interrupt(test, &c, false, 0x33, "scanned 0x33");
}

static struct kunit_case hvsim_irq_cases[] = {
	KUNIT_CASE(irq_test_checks),
	KUNIT_CASE(irq_test_accept_state),
	KUNIT_CASE(irq_test_destinations),
	KUNIT_CASE(irq_test_fixed_delivery),
	KUNIT_CASE(irq_test_priority),
	KUNIT_CASE(irq_test_level_eoi),
	KUNIT_CASE(irq_test_x2apic),
	KUNIT_CASE(irq_test_registers),
	KUNIT_CASE(irq_test_x2apic_registers),
	KUNIT_CASE(irq_test_self_ipi),
	KUNIT_CASE(irq_test_halt_wake),
	KUNIT_CASE(irq_test_injection_exit),
	KUNIT_CASE(irq_test_nmi_extint),
	KUNIT_CASE(irq_test_scan_injection),
	{}
};

static struct kunit_suite hvsim_irq_suite = {
	.name = "hvsim_irq",
	.init = raw_suite_init,
	.exit = raw_suite_exit,
	.test_cases = hvsim_irq_cases,
};

kunit_test_suites(&hvsim_irq_suite);

MODULE_DESCRIPTION("KUnit tests of hvsim's local APIC model: ASSERT/CLEAR_VIRTUAL_INTERRUPT, delivery, EOI");
MODULE_LICENSE("GPL");
