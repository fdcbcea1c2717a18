// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "hvsim_port": hvsim's ports, connections and doorbells, the
 * root's event rings (ring_full, HVCALL_NOTIFY_PORT_RING_EMPTY, the
 * SINT-intercept notification in SINT0) and direct signalling of a guest
 * VP's SynIC, driven with raw hypercalls on this CPU's hypercall pages and
 * hvsim's test hooks (no driver involved).
 *
 * mshv_root is loaded while this runs and owns SINT0 (and SINT5) of the
 * root's SynIC: the cases use event rings 9 and 10, which it leaves alone,
 * and keep SINT0 masked while they look at what hvsim queues for it
 * (hvsim_synic_take() consumes those messages before SINT0 is unmasked).
 */
#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/smp.h>

#include <asm/mshyperv.h>
#include <hyperv/hv_root.h>

#include "../hvsim/hvsim_test.h"
#include "hvsim_kunit_raw.h"

/* Pool pages (hvsim.rst): a 4 KiB mapping, a port, a connection. */
#define MAP_COST		2
#define PORT_COST		1
#define CONN_COST		1

/* Event rings of the root no one else uses. */
#define RING_SINT		9
#define PLAIN_SINT		10
#define RING_ENTRIES		HV_SYNIC_EVENT_RING_MESSAGE_COUNT

#define SELF			HV_PARTITION_ID_SELF
#define ANY_MSG			HVMSG_NONE	/* hvsim_synic_take(): any type */
#define NO_SUCH_PARTITION	0x7777777ULL
#define SIEF_FLAGS		2048

/* ------------------------------------------------------------ ports ---- */

static struct hv_port_info port_info(u32 type, u32 sint, u32 vp)
{
	struct hv_port_info pi = { .port_type = type };

	/* Target SINT and VP sit at the same offsets for every type. */
	pi.message_port_info.target_sint = sint;
	pi.message_port_info.target_vp = vp;
	if (type == HV_PORT_TYPE_EVENT)
		pi.event_port_info.flag_count = 1;
	return pi;
}

static u16 create_port_in(struct hv_input_create_port *in)
{
	return hv_result(raw_call(HVCALL_CREATE_PORT, in, sizeof(*in), NULL, 0));
}

static u16 create_port(u64 owner, u32 id, u64 connector, struct hv_port_info pi)
{
	struct hv_input_create_port in = {
		.port_partition_id = owner, .port_id.asu32 = id,
		.connection_partition_id = connector, .port_info = pi,
	};

	return create_port_in(&in);
}

/* A port of the root, depositing into SELF as the driver does. */
static void root_port(struct kunit *test, u32 id, u64 connector, struct hv_port_info pi)
{
	u16 status;

	while ((status = create_port(SELF, id, connector, pi)) ==
	       HV_STATUS_INSUFFICIENT_MEMORY)
		KUNIT_ASSERT_EQ(test, raw_deposit(SELF, 1), 0);
	KUNIT_ASSERT_EQ(test, status, 0);
}

static u16 delete_port(u64 owner, u32 id)
{
	return hv_result(hv_do_fast_hypercall16(HVCALL_DELETE_PORT, owner, id));
}

static struct hv_connection_info conn_info(u32 type)
{
	return (struct hv_connection_info){ .port_type = type };
}

static struct hv_connection_info doorbell(u64 gpa, u64 value, u64 flags)
{
	struct hv_connection_info ci = { .port_type = HV_PORT_TYPE_DOORBELL };

	ci.doorbell_connection_info.gpa = gpa;
	ci.doorbell_connection_info.trigger_value = value;
	ci.doorbell_connection_info.flags = flags;
	return ci;
}

static u16 connect_in(struct hv_input_connect_port *in)
{
	return hv_result(raw_call(HVCALL_CONNECT_PORT, in, sizeof(*in), NULL, 0));
}

static u16 connect(u64 pt, u32 conn_id, u64 owner, u32 port_id,
		   struct hv_connection_info ci)
{
	struct hv_input_connect_port in = {
		.connection_partition_id = pt, .connection_id = conn_id,
		.port_partition_id = owner, .port_id.asu32 = port_id,
		.connection_info = ci,
	};

	return connect_in(&in);
}

static u16 disconnect(u64 pt, u32 conn_id, u32 flags)
{
	return hv_result(hv_do_fast_hypercall16(HVCALL_DISCONNECT_PORT, pt,
						conn_id | (u64)flags << 32));
}

/* A doorbell port of the root for @pt, and @pt's connection to it. */
static void doorbell_pair(struct kunit *test, u64 pt, u32 id, u32 sint, u32 vp,
			  u64 gpa, u64 value, u64 flags)
{
	root_port(test, id, pt, port_info(HV_PORT_TYPE_DOORBELL, sint, vp));
	KUNIT_ASSERT_EQ(test, connect(pt, id, SELF, id, doorbell(gpa, value, flags)), 0);
}

/* ------------------------------------------------------ the root's SynIC ---- */

struct msr_op {
	unsigned int msr;
	u64 value;
	bool write;
};

static void msr_on_cpu(void *data)
{
	struct msr_op *op = data;

	if (op->write)
		hv_set_msr(op->msr, op->value);
	else
		op->value = hv_get_msr(op->msr);
}

static u64 root_msr(int cpu, unsigned int msr)
{
	struct msr_op op = { .msr = msr };

	smp_call_function_single(cpu, msr_on_cpu, &op, 1);
	return op.value;
}

static void root_msr_write(int cpu, unsigned int msr, u64 value)
{
	struct msr_op op = { .msr = msr, .value = value, .write = true };

	smp_call_function_single(cpu, msr_on_cpu, &op, 1);
}

/* The CPU doorbells with HV_ANY_VP signal. */
static int ring_cpu(void)
{
	return cpumask_first(cpu_online_mask);
}

/* Event ring @sint of @cpu, reset; skips unless the root enabled SIRBP. */
static struct hv_synic_event_ring *ring_get(struct kunit *test, int cpu,
					    unsigned int sint)
{
	struct hv_synic_event_ring_page *page;

	if (!(root_msr(cpu, HV_X64_MSR_SIRBP) & HV_SYNIC_SIRBP_ENABLE))
		kunit_skip(test, "the root has not enabled SIRBP on CPU %d", cpu);
	page = hvsim_synic_page(cpu, HV_X64_MSR_SIRBP);
	KUNIT_ASSERT_NOT_NULL(test, page);
	hvsim_synic_ring_reset(cpu, sint);
	return &page->sint_event_ring[sint];
}

static u32 ring_used(const struct hv_synic_event_ring *ring)
{
	u32 i, n = 0;

	for (i = 0; i < RING_ENTRIES; i++)
		n += !!READ_ONCE(ring->data[i]);
	return n;
}

struct notify_op {
	u64 input;
	u16 status;
};

static void notify_on_cpu(void *data)
{
	struct notify_op *op = data;

	op->status = hv_result(hv_do_fast_hypercall8(HVCALL_NOTIFY_PORT_RING_EMPTY,
						     op->input));
}

/* HVCALL_NOTIFY_PORT_RING_EMPTY on @cpu (it acts on the caller's CPU). */
static u16 notify_ring_empty(int cpu, u64 input)
{
	struct notify_op op = { .input = input };

	smp_call_function_single(cpu, notify_on_cpu, &op, 1);
	return op.status;
}

struct sint_save {
	int cpu;
	unsigned int sint;
	u64 value;
};

static void sint_restore(void *data)
{
	struct sint_save *s = data;

	/* Nothing of ours may reach mshv_root through SINT0. */
	hvsim_synic_ring_reset(s->cpu, RING_SINT);
	hvsim_synic_ring_reset(s->cpu, PLAIN_SINT);
	root_msr_write(s->cpu, HV_X64_MSR_SINT0 + s->sint, s->value);
}

/* Program SINT@sint of @cpu for the rest of the case; restored at the end. */
static void sint_set(struct kunit *test, int cpu, unsigned int sint, u64 value)
{
	struct sint_save *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->cpu = cpu;
	s->sint = sint;
	s->value = root_msr(cpu, HV_X64_MSR_SINT0 + sint);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, sint_restore, s));
	root_msr_write(cpu, HV_X64_MSR_SINT0 + sint, value);
}

/* ------------------------------------------------------------ cases ---- */

/* CREATE_PORT: every refusal, with its status and no side effect. */
static void port_test_create_checks(struct kunit *test)
{
	struct hv_port_info db = port_info(HV_PORT_TYPE_DOORBELL, RING_SINT, HV_ANY_VP);
	struct hv_port_info msg = port_info(HV_PORT_TYPE_MESSAGE, 2, 0);
	u64 id = pt_create(test), other = pt_create(test), done = pt_create(test);
	u32 ports = hvsim_nr_ports(SELF);
	struct hv_input_create_port in;
	struct hv_port_info pi;

	KUNIT_ASSERT_EQ(test, raw_deposit(id, 4), 0);
	KUNIT_ASSERT_EQ(test, raw_deposit(SELF, 4), 0);

	/* Partitions: unknown, the same on both sides. */
	KUNIT_EXPECT_EQ(test, create_port(NO_SUCH_PARTITION, 1, id, msg),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, NO_SUCH_PARTITION, db),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, SELF, msg), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, hv_current_partition_id, msg),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_port(id, 1, id, msg), HV_STATUS_INVALID_PARAMETER);

	/* Reserved fields, VTLs, reserved id bits, id 0. */
	memset(&in, 0, sizeof(in));
	in.port_partition_id = SELF;
	in.connection_partition_id = id;
	in.port_info = db;
	in.port_id.asu32 = 1;
	in.padding = 1;
	KUNIT_EXPECT_EQ(test, create_port_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.padding = 0;
	in.port_vtl = 1;
	KUNIT_EXPECT_EQ(test, create_port_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.port_vtl = 0;
	in.min_connection_vtl = 1;
	KUNIT_EXPECT_EQ(test, create_port_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.min_connection_vtl = 0;
	in.proximity_domain_info.flags.reserved = 1;
	KUNIT_EXPECT_EQ(test, create_port_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.proximity_domain_info.flags.reserved = 0;
	in.port_id.asu32 = BIT(24) | 1;
	KUNIT_EXPECT_EQ(test, create_port_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.port_id.asu32 = 0;
	KUNIT_EXPECT_EQ(test, create_port_in(&in), HV_STATUS_INVALID_PORT_ID);

	/* Port info: padding, types, reserved fields, SINT, flags. */
	pi = db;
	pi.padding = 1;
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, pi), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, port_info(0, 2, 0)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id,
					  port_info(HV_PORT_TYPE_MONITOR, 2, 0)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, port_info(5, 2, 0)),
			HV_STATUS_INVALID_PARAMETER);
	pi = msg;
	pi.message_port_info.rsvdz = 1;
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, pi), HV_STATUS_INVALID_PARAMETER);
	pi = db;
	pi.doorbell_port_info.rsvdz = BIT_ULL(63);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, pi), HV_STATUS_INVALID_PARAMETER);
	pi = port_info(HV_PORT_TYPE_EVENT, 2, 0);
	pi.event_port_info.rsvdz = 1;
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, pi), HV_STATUS_INVALID_PARAMETER);
	pi.event_port_info.rsvdz = 0;
	pi.event_port_info.flag_count = 0;
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, pi), HV_STATUS_INVALID_PARAMETER);
	pi.event_port_info.base_flag_number = SIEF_FLAGS - 4;
	pi.event_port_info.flag_count = 5;
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, pi), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id,
					  port_info(HV_PORT_TYPE_DOORBELL, 16, HV_ANY_VP)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, port_info(HV_PORT_TYPE_MESSAGE, 16, 0)),
			HV_STATUS_INVALID_PARAMETER);
	/* Doorbells are the root's, for a child's writes. */
	KUNIT_EXPECT_EQ(test, create_port(id, 1, SELF, db), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, create_port(id, 1, other, db), HV_STATUS_INVALID_PARAMETER);

	/* Target VP: a root CPU for the root's ports, a VP index for a child's. */
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id,
					  port_info(HV_PORT_TYPE_DOORBELL, 5, nr_cpu_ids)),
			HV_STATUS_INVALID_VP_INDEX);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id,
					  port_info(HV_PORT_TYPE_DOORBELL, 5, HV_VP_INDEX_SELF)),
			HV_STATUS_INVALID_VP_INDEX);
	KUNIT_EXPECT_EQ(test, create_port(id, 1, SELF, port_info(HV_PORT_TYPE_MESSAGE, 2, 256)),
			HV_STATUS_INVALID_VP_INDEX);

	/* A finalized partition on either side. */
	pt_init(test, done, 0);
	KUNIT_ASSERT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_FINALIZE_PARTITION,
							      done)), 0);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, done, db),
			HV_STATUS_INVALID_PARTITION_STATE);
	KUNIT_EXPECT_EQ(test, create_port(done, 1, SELF, msg),
			HV_STATUS_INVALID_PARTITION_STATE);

	/* Nothing was created. */
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(SELF), ports);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(id), 0U);

	/* What is accepted: SELF or the root's id, every type, any VP. */
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, db), 0);
	KUNIT_EXPECT_EQ(test, create_port(hv_current_partition_id, 2, id,
					  port_info(HV_PORT_TYPE_DOORBELL, 0, 0)), 0);
	KUNIT_EXPECT_EQ(test, create_port(SELF, 3, id, msg), 0);
	pi = port_info(HV_PORT_TYPE_EVENT, 15, HV_ANY_VP);
	pi.event_port_info.base_flag_number = SIEF_FLAGS - 5;
	pi.event_port_info.flag_count = 5;
	KUNIT_EXPECT_EQ(test, create_port(SELF, 4, id, pi), 0);
	KUNIT_EXPECT_EQ(test, create_port(SELF, HV_PORT_ID_MASK, id, db), 0);
	KUNIT_EXPECT_EQ(test, create_port(id, 1, SELF, port_info(HV_PORT_TYPE_MESSAGE, 2, 255)),
			0);
	pi = port_info(HV_PORT_TYPE_EVENT, 3, HV_ANY_VP);
	KUNIT_EXPECT_EQ(test, create_port(id, 2, other, pi), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(SELF), ports + 5);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(id), 2U);

	/* Ids are unique per owner: OBJECT_IN_USE, whatever the type. */
	KUNIT_EXPECT_EQ(test, create_port(SELF, 1, id, db), HV_STATUS_OBJECT_IN_USE);
	KUNIT_EXPECT_EQ(test, create_port(hv_current_partition_id, 3, other, db),
			HV_STATUS_OBJECT_IN_USE);
	KUNIT_EXPECT_EQ(test, create_port(id, 2, SELF, msg), HV_STATUS_OBJECT_IN_USE);
	KUNIT_EXPECT_EQ(test, create_port(other, 1, id, msg), HV_STATUS_INSUFFICIENT_MEMORY);

	/* Memory-based only. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_CREATE_PORT, SELF, 9)),
			HV_STATUS_INVALID_HYPERCALL_INPUT);

	/*
	 * The root's ports go with the partition they are for (pt_destroy);
	 * those of a partition that was never initialized hold pages of its
	 * pool, which must be empty before it can be deleted.
	 */
	KUNIT_EXPECT_EQ(test, delete_port(SELF, 1), 0);
	KUNIT_EXPECT_EQ(test, delete_port(hv_current_partition_id, 2), 0);
	KUNIT_EXPECT_EQ(test, delete_port(id, 1), 0);
	KUNIT_EXPECT_EQ(test, delete_port(id, 2), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(id), 0U);
}

/* A port takes a page of its owner's pool: INSUFFICIENT_MEMORY when empty. */
static void port_test_pools(struct kunit *test)
{
	struct hv_port_info db = port_info(HV_PORT_TYPE_DOORBELL, RING_SINT, HV_ANY_VP);
	struct hv_port_info msg = port_info(HV_PORT_TYPE_MESSAGE, 2, 0);
	u64 id = pt_create(test);
	u32 n, k, ports = hvsim_nr_ports(SELF);
	u16 status;

	/* Use up the root's pool: then exactly one port per deposited page. */
	for (n = 1; n < HV_PORT_ID_MASK; n++) {
		status = create_port(SELF, n, id, db);
		if (status)
			break;
	}
	KUNIT_ASSERT_EQ(test, status, HV_STATUS_INSUFFICIENT_MEMORY);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(SELF), ports + n - 1);
	KUNIT_ASSERT_EQ(test, raw_deposit(SELF, 1), 0);
	KUNIT_EXPECT_EQ(test, create_port(SELF, n, id, db), 0);
	KUNIT_EXPECT_EQ(test, create_port(SELF, n + 1, id, db), HV_STATUS_INSUFFICIENT_MEMORY);
	/* DELETE_PORT gives the page back. */
	KUNIT_EXPECT_EQ(test, delete_port(SELF, 1), 0);
	KUNIT_EXPECT_EQ(test, create_port(SELF, n + 1, id, db), 0);
	KUNIT_EXPECT_EQ(test, create_port(SELF, n + 2, id, db), HV_STATUS_INSUFFICIENT_MEMORY);

	/* A child's port: from the child's pool. */
	KUNIT_EXPECT_EQ(test, create_port(id, 1, SELF, msg), HV_STATUS_INSUFFICIENT_MEMORY);
	KUNIT_ASSERT_EQ(test, raw_deposit(id, 1), 0);
	KUNIT_EXPECT_EQ(test, create_port(id, 1, SELF, msg), 0);
	KUNIT_EXPECT_EQ(test, create_port(id, 2, SELF, msg), HV_STATUS_INSUFFICIENT_MEMORY);
	KUNIT_EXPECT_EQ(test, delete_port(id, 1), 0);
	raw_withdraw_all(test, id);
	KUNIT_EXPECT_EQ(test, hvsim_deposited_pages(id), 0ULL);

	/*
	 * Deleting the partition frees the root's n ports for it and their
	 * pages (the new partition takes back the pages of the old one).
	 */
	kunit_release_action(test, pt_destroy, (void *)(uintptr_t)id);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(SELF), ports);
	id = pt_create(test);
	for (k = 1; k < HV_PORT_ID_MASK; k++) {
		status = create_port(SELF, k, id, db);
		if (status)
			break;
	}
	KUNIT_EXPECT_EQ(test, status, HV_STATUS_INSUFFICIENT_MEMORY);
	KUNIT_EXPECT_EQ(test, k - 1, n);
}

/* CONNECT_PORT: every refusal, with its status and no side effect. */
static void port_test_connect_checks(struct kunit *test)
{
	struct hv_connection_info any = doorbell(0x1000, 0, HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE);
	u64 id = pt_create(test), other = pt_create(test), width = 0;
	struct hv_input_connect_port in;
	struct hv_connection_info ci;
	u64 bad_flags[] = { BIT(3), BIT(8), BIT(30), BIT_ULL(32), BIT_ULL(63), 5, 6, 7 };
	unsigned int i;

	pt_init(test, id, 8);
	root_port(test, 1, id, port_info(HV_PORT_TYPE_DOORBELL, RING_SINT, HV_ANY_VP));
	root_port(test, 2, id, port_info(HV_PORT_TYPE_MESSAGE, 2, 0));
	root_port(test, 3, id, port_info(HV_PORT_TYPE_EVENT, 2, 0));
	KUNIT_ASSERT_EQ(test, hvsim_get_property(id, HV_PARTITION_PROPERTY_PHYSICAL_ADDRESS_WIDTH,
						 &width), 0);

	/* Partitions and ports. */
	KUNIT_EXPECT_EQ(test, connect(NO_SUCH_PARTITION, 1, SELF, 1, any),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, connect(id, 1, NO_SUCH_PARTITION, 1, any),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 99, any), HV_STATUS_INVALID_PORT_ID);
	KUNIT_EXPECT_EQ(test, connect(id, 1, other, 1, any), HV_STATUS_INVALID_PORT_ID);
	/* Only the partition the port is for. */
	KUNIT_EXPECT_EQ(test, connect(other, 1, SELF, 1, any), HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, connect(SELF, 1, SELF, 2, conn_info(HV_PORT_TYPE_MESSAGE)),
			HV_STATUS_ACCESS_DENIED);

	/* Reserved fields, VTL, reserved id bits, connection id 0. */
	memset(&in, 0, sizeof(in));
	in.connection_partition_id = id;
	in.connection_id = 1;
	in.port_partition_id = SELF;
	in.port_id.asu32 = 1;
	in.connection_info = any;
	in.connection_vtl = 1;
	KUNIT_EXPECT_EQ(test, connect_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.connection_vtl = 0;
	in.rsvdz0 = 1;
	KUNIT_EXPECT_EQ(test, connect_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.rsvdz0 = 0;
	in.rsvdz1 = 1;
	KUNIT_EXPECT_EQ(test, connect_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.rsvdz1 = 0;
	in.reserved2 = 1;
	KUNIT_EXPECT_EQ(test, connect_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.reserved2 = 0;
	in.proximity_domain_info.flags.reserved = 4;
	KUNIT_EXPECT_EQ(test, connect_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.proximity_domain_info.flags.reserved = 0;
	in.connection_id = BIT(24) | 1;
	KUNIT_EXPECT_EQ(test, connect_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.connection_id = 1;
	in.port_id.asu32 = BIT(31) | 1;
	KUNIT_EXPECT_EQ(test, connect_in(&in), HV_STATUS_INVALID_PARAMETER);
	in.port_id.asu32 = 1;
	in.connection_id = 0;
	KUNIT_EXPECT_EQ(test, connect_in(&in), HV_STATUS_INVALID_CONNECTION_ID);

	/* Connection info: the port's type, padding, reserved fields. */
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1, conn_info(HV_PORT_TYPE_MESSAGE)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 2, any), HV_STATUS_INVALID_PARAMETER);
	ci = any;
	ci.padding = 1;
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1, ci), HV_STATUS_INVALID_PARAMETER);
	ci = conn_info(HV_PORT_TYPE_MESSAGE);
	ci.message_connection_info.rsvdz = 1;
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 2, ci), HV_STATUS_INVALID_PARAMETER);
	ci = conn_info(HV_PORT_TYPE_EVENT);
	ci.event_connection_info.rsvdz = 1;
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 3, ci), HV_STATUS_INVALID_PARAMETER);

	/* Doorbell flags: sizes 0-4 and ANY_VALUE only. */
	for (i = 0; i < ARRAY_SIZE(bad_flags); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    connect(id, 1, SELF, 1, doorbell(0x1000, 0, bad_flags[i])),
				    HV_STATUS_INVALID_PARAMETER, "flags %#llx", bad_flags[i]);
	/* The range must not cross a page, the GPA must be the partition's. */
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1,
				      doorbell(0x1ffe, 0, HV_DOORBELL_FLAG_TRIGGER_SIZE_DWORD)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1,
				      doorbell(0x1ff9, 0, HV_DOORBELL_FLAG_TRIGGER_SIZE_QWORD)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1,
				      doorbell(0x1fff, 0, HV_DOORBELL_FLAG_TRIGGER_SIZE_WORD)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1,
				      doorbell(BIT_ULL(width), 0, 0)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 0U);

	/* Accepted: the last bytes of a page, the last GPA. */
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1,
				      doorbell(0x1ffc, 7, HV_DOORBELL_FLAG_TRIGGER_SIZE_DWORD)), 0);
	KUNIT_EXPECT_EQ(test, disconnect(id, 1, HV_DISCONNECT_PORT_IS_DOORBELL), 0);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1,
				      doorbell(0x1ff8, 7, HV_DOORBELL_FLAG_TRIGGER_SIZE_QWORD)), 0);
	KUNIT_EXPECT_EQ(test, disconnect(id, 1, HV_DISCONNECT_PORT_IS_DOORBELL), 0);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1,
				      doorbell(BIT_ULL(width) - 1, 0,
					       HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE)), 0);

	/* Ids are unique per partition, doorbells in a name space of their own. */
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1, any), HV_STATUS_OBJECT_IN_USE);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 2, conn_info(HV_PORT_TYPE_MESSAGE)), 0);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 3, conn_info(HV_PORT_TYPE_EVENT)),
			HV_STATUS_OBJECT_IN_USE);
	/* A port may have several connections. */
	KUNIT_EXPECT_EQ(test, connect(id, 2, SELF, 1, any), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 3U);

	/* Memory-based only. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_CONNECT_PORT, id, 9)),
			HV_STATUS_INVALID_HYPERCALL_INPUT);

	/* No more connections once finalized (FINALIZE freed them). */
	KUNIT_ASSERT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_FINALIZE_PARTITION,
							      id)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 0U);
	KUNIT_EXPECT_EQ(test, connect(id, 3, SELF, 1, any), HV_STATUS_INVALID_PARTITION_STATE);
}

/* A connection takes a page of the connecting partition's pool. */
static void port_test_connect_pool(struct kunit *test)
{
	struct hv_connection_info any = doorbell(0x1000, 0, 0);
	u32 root_conns = hvsim_nr_connections(SELF);
	u64 id = pt_create(test);

	pt_init(test, id, 0);
	root_port(test, 1, id, port_info(HV_PORT_TYPE_DOORBELL, RING_SINT, HV_ANY_VP));
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1, any), HV_STATUS_INSUFFICIENT_MEMORY);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 0U);
	KUNIT_ASSERT_EQ(test, raw_deposit(id, CONN_COST), 0);
	KUNIT_EXPECT_EQ(test, connect(id, 1, SELF, 1, any), 0);
	KUNIT_EXPECT_EQ(test, connect(id, 2, SELF, 1, any), HV_STATUS_INSUFFICIENT_MEMORY);
	/* DISCONNECT_PORT returns it. */
	KUNIT_EXPECT_EQ(test, disconnect(id, 1, HV_DISCONNECT_PORT_IS_DOORBELL), 0);
	KUNIT_EXPECT_EQ(test, connect(id, 2, SELF, 1, any), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 1U);
	/* A connection of the root: the root's pool. */
	KUNIT_ASSERT_EQ(test, raw_deposit(id, PORT_COST), 0);
	KUNIT_ASSERT_EQ(test, create_port(id, 5, SELF, port_info(HV_PORT_TYPE_EVENT, 3, 0)), 0);
	while (connect(SELF, 7, id, 5, conn_info(HV_PORT_TYPE_EVENT)) ==
	       HV_STATUS_INSUFFICIENT_MEMORY)
		KUNIT_ASSERT_EQ(test, raw_deposit(SELF, 1), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(SELF), root_conns + 1);
	KUNIT_EXPECT_EQ(test, disconnect(SELF, 7, 0), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(SELF), root_conns);
}

/* DISCONNECT_PORT and DELETE_PORT: statuses; a deleted port's connections. */
static void port_test_disconnect_delete(struct kunit *test)
{
	u64 id = pt_with_vp(test, 4 * CONN_COST);
	struct hv_input_delete_port del = { .port_partition_id = SELF };
	struct hv_input_disconnect_port dis = { .connection_partition_id = id };

	doorbell_pair(test, id, 1, RING_SINT, HV_ANY_VP, 0x1000, 0,
		      HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE);
	root_port(test, 2, id, port_info(HV_PORT_TYPE_MESSAGE, 2, 0));
	KUNIT_ASSERT_EQ(test, connect(id, 2, SELF, 2, conn_info(HV_PORT_TYPE_MESSAGE)), 0);

	/* DISCONNECT_PORT */
	KUNIT_EXPECT_EQ(test, disconnect(NO_SUCH_PARTITION, 1, HV_DISCONNECT_PORT_IS_DOORBELL),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, disconnect(id, 1, BIT(1) | HV_DISCONNECT_PORT_IS_DOORBELL),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, disconnect(id, 1, BIT(31)), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, disconnect(id, BIT(24) | 1, HV_DISCONNECT_PORT_IS_DOORBELL),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, disconnect(id, 3, HV_DISCONNECT_PORT_IS_DOORBELL),
			HV_STATUS_INVALID_CONNECTION_ID);
	/* The flag names the name space. */
	KUNIT_EXPECT_EQ(test, disconnect(id, 1, 0), HV_STATUS_INVALID_CONNECTION_ID);
	KUNIT_EXPECT_EQ(test, disconnect(id, 2, HV_DISCONNECT_PORT_IS_DOORBELL),
			HV_STATUS_INVALID_CONNECTION_ID);
	KUNIT_EXPECT_EQ(test, disconnect(SELF, 1, HV_DISCONNECT_PORT_IS_DOORBELL),
			HV_STATUS_INVALID_CONNECTION_ID);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 2U);
	/* Memory-based too. */
	dis.connection_id = 2;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_DISCONNECT_PORT, &dis, sizeof(dis),
						 NULL, 0)), 0);
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_DISCONNECT_PORT, &dis, sizeof(dis),
						 NULL, 0)), HV_STATUS_INVALID_CONNECTION_ID);

	/* DELETE_PORT */
	KUNIT_EXPECT_EQ(test, delete_port(NO_SUCH_PARTITION, 1), HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_DELETE_PORT, SELF,
							       1 | BIT_ULL(32))),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, delete_port(SELF, BIT(24) | 1), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, delete_port(SELF, 3), HV_STATUS_INVALID_PORT_ID);
	KUNIT_EXPECT_EQ(test, delete_port(id, 1), HV_STATUS_INVALID_PORT_ID);
	del.port_id.asu32 = 2;
	KUNIT_EXPECT_EQ(test, hv_result(raw_call(HVCALL_DELETE_PORT, &del, sizeof(del),
						 NULL, 0)), 0);
	KUNIT_EXPECT_EQ(test, delete_port(SELF, 2), HV_STATUS_INVALID_PORT_ID);

	/* A port deleted under its connection: the doorbell rings no more. */
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 1, 4, false), 1);
	KUNIT_EXPECT_EQ(test, delete_port(hv_current_partition_id, 1), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 1U);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 1, 4, false), 0);
	/* A new port of that id is another port. */
	root_port(test, 1, id, port_info(HV_PORT_TYPE_DOORBELL, RING_SINT, HV_ANY_VP));
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 1, 4, false), 0);
	KUNIT_EXPECT_EQ(test, disconnect(id, 1, HV_DISCONNECT_PORT_IS_DOORBELL), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 0U);
	KUNIT_EXPECT_EQ(test, delete_port(SELF, 1), 0);
}

/* Which writes a doorbell takes: GPA, size and value rules. */
static void port_test_doorbell_match(struct kunit *test)
{
	static const struct {
		u64 gpa;
		u64 trigger;
		u64 flags;
	} bells[] = {
		{ 0x1000, 0x5a, HV_DOORBELL_FLAG_TRIGGER_SIZE_BYTE },
		{ 0x2000, 0x99, HV_DOORBELL_FLAG_TRIGGER_SIZE_WORD |
				HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE },
		{ 0x3000, 0x1234, HV_DOORBELL_FLAG_TRIGGER_SIZE_ANY },
		{ 0x4000, 0x77, HV_DOORBELL_FLAG_TRIGGER_SIZE_ANY |
				HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE },
		{ 0x5000, 0x1122334455667788ULL, HV_DOORBELL_FLAG_TRIGGER_SIZE_QWORD },
		{ 0x6000, 0x1ff, HV_DOORBELL_FLAG_TRIGGER_SIZE_BYTE },
		{ 0x7000, 0x87654321, HV_DOORBELL_FLAG_TRIGGER_SIZE_DWORD },
	};
	static const struct {
		u64 gpa;
		u64 value;
		unsigned int len;
		int taken;
	} writes[] = {
		/* BYTE + value: exactly that. */
		{ 0x1000, 0x5a, 1, 1 }, { 0x1000, 0x5b, 1, 0 }, { 0x1000, 0x5a, 2, 0 },
		{ 0x1000, 0x5a, 4, 0 }, { 0x1001, 0x5a, 1, 0 }, { 0xfff, 0x5a00, 2, 0 },
		/* WORD + ANY_VALUE: any 2-byte write. */
		{ 0x2000, 0, 2, 1 }, { 0x2000, 0xffff, 2, 1 }, { 0x2000, 0x99, 1, 0 },
		{ 0x2000, 0x99, 4, 0 }, { 0x2002, 0x99, 2, 0 },
		/* ANY size + value: a write of any size with that value. */
		{ 0x3000, 0x1234, 2, 1 }, { 0x3000, 0x1234, 4, 1 }, { 0x3000, 0x1234, 8, 1 },
		{ 0x3000, 0x34, 1, 0 }, { 0x3000, 0x1235, 2, 0 }, { 0x3000, 0x11234, 4, 0 },
		/* ANY + ANY_VALUE: every write at the address. */
		{ 0x4000, 0, 1, 1 }, { 0x4000, ~0ULL, 8, 1 }, { 0x4000, 3, 3, 1 },
		{ 0x4001, 0, 1, 0 },
		/* QWORD + value. */
		{ 0x5000, 0x1122334455667788ULL, 8, 1 }, { 0x5000, 0x55667788, 4, 0 },
		{ 0x5000, 0x1122334455667789ULL, 8, 0 },
		/* A BYTE trigger value that does not fit never matches. */
		{ 0x6000, 0xff, 1, 0 }, { 0x6000, 0x1ff, 2, 0 },
		/* DWORD + value: the bytes written, zero-extended. */
		{ 0x7000, 0x87654321, 4, 1 }, { 0x7000, 0xffffffff87654321ULL, 4, 1 },
		{ 0x7000, 0x87654321, 8, 0 },
	};
	u64 id = pt_with_vp(test, ARRAY_SIZE(bells) * CONN_COST);
	int cpu = ring_cpu();
	struct hv_synic_event_ring *ring = ring_get(test, cpu, RING_SINT);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bells); i++)
		doorbell_pair(test, id, 0x100 + i, RING_SINT, HV_ANY_VP, bells[i].gpa,
			      bells[i].trigger, bells[i].flags);
	/* Probes first: they have no effect. */
	for (i = 0; i < ARRAY_SIZE(writes); i++)
		KUNIT_EXPECT_EQ_MSG(test, hvsim_doorbell_write(id, 0, writes[i].gpa,
							       writes[i].value, writes[i].len,
							       false),
				    writes[i].taken, "write %u: %#llx/%u at %#llx", i,
				    writes[i].value, writes[i].len, writes[i].gpa);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 0U);
	/* Committed: one ring entry per taken write, the port's id, in order. */
	for (i = 0; i < ARRAY_SIZE(writes); i++)
		hvsim_doorbell_write(id, 0, writes[i].gpa, writes[i].value, writes[i].len, true);
	{
		unsigned int n = 0;

		for (i = 0; i < ARRAY_SIZE(writes); i++) {
			unsigned int b = (writes[i].gpa >> 12) - 1;

			if (!writes[i].taken)
				continue;
			KUNIT_EXPECT_EQ_MSG(test, ring->data[n], 0x100 + b, "entry %u", n);
			n++;
		}
		KUNIT_EXPECT_EQ(test, ring_used(ring), n);
	}
	KUNIT_EXPECT_EQ(test, ring->ring_full, 0);

	/* Several doorbells on one GPA: each one that matches is signalled. */
	hvsim_synic_ring_reset(cpu, RING_SINT);
	KUNIT_ASSERT_EQ(test, raw_deposit(id, 2 * CONN_COST), 0);
	doorbell_pair(test, id, 0x200, RING_SINT, HV_ANY_VP, 0x1000, 0,
		      HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE);
	doorbell_pair(test, id, 0x201, RING_SINT, HV_ANY_VP, 0x1000, 0x5b, 0);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0x5a, 1, true), 1);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 2U);
	hvsim_synic_ring_reset(cpu, RING_SINT);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0x5b, 1, true), 1);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 2U);
	/* Another partition's writes, another VP. */
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 1, 0x1000, 0x5a, 1, false), -ESRCH);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(NO_SUCH_PARTITION, 0, 0x1000, 0x5a, 1, false),
			-ESRCH);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0x5a, 0, false), -EINVAL);
	hvsim_synic_ring_reset(cpu, RING_SINT);
}

/* The event ring: order, wrap-around, ring_full and NOTIFY_PORT_RING_EMPTY. */
static void port_test_event_ring(struct kunit *test)
{
	u64 id = pt_with_vp(test, 2 * CONN_COST), sirbp;
	int cpu = ring_cpu();
	struct hv_synic_event_ring *ring = ring_get(test, cpu, RING_SINT);
	u32 i;

	doorbell_pair(test, id, 0xabcdef, RING_SINT, HV_ANY_VP, 0x1000, 0,
		      HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE);
	doorbell_pair(test, id, 0x42, RING_SINT, cpu, 0x2000, 0,
		      HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE);

	/* 63 entries fill the ring, in signal order. */
	for (i = 0; i < RING_ENTRIES; i++)
		KUNIT_ASSERT_EQ(test, hvsim_doorbell_write(id, 0, i & 1 ? 0x2000 : 0x1000,
							   i, 4, true), 1);
	for (i = 0; i < RING_ENTRIES; i++)
		KUNIT_EXPECT_EQ_MSG(test, ring->data[i], i & 1 ? 0x42U : 0xabcdefU,
				    "entry %u", i);
	KUNIT_EXPECT_EQ(test, ring->ring_full, 0);

	/* Full: the write is still consumed, the signal dropped, ring_full set. */
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x2000, 0, 4, true), 1);
	KUNIT_EXPECT_EQ(test, ring->ring_full, 1);
	KUNIT_EXPECT_EQ(test, ring->data[0], 0xabcdefU);
	/* A free entry does not help until the root says the ring is empty. */
	WRITE_ONCE(ring->data[0], 0);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x2000, 0, 4, true), 1);
	KUNIT_EXPECT_EQ(test, ring->data[0], 0U);
	KUNIT_EXPECT_EQ(test, ring->ring_full, 1);

	/* The consumer's protocol: drain, clear ring_full, notify. */
	for (i = 0; i < RING_ENTRIES; i++)
		WRITE_ONCE(ring->data[i], 0);
	WRITE_ONCE(ring->ring_full, 0);
	KUNIT_EXPECT_EQ(test, notify_ring_empty(cpu, 16), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, notify_ring_empty(cpu, RING_SINT | BIT_ULL(32)),
			HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x2000, 0, 4, true), 1);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 0U);
	KUNIT_EXPECT_EQ(test, ring->ring_full, 1);
	WRITE_ONCE(ring->ring_full, 0);
	KUNIT_EXPECT_EQ(test, notify_ring_empty(cpu, RING_SINT), 0);
	/* The hypervisor went on where it was: entry 0 after a full lap. */
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x2000, 0, 4, true), 1);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 4, true), 1);
	KUNIT_EXPECT_EQ(test, ring->data[0], 0x42U);
	KUNIT_EXPECT_EQ(test, ring->data[1], 0xabcdefU);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 2U);
	KUNIT_EXPECT_EQ(test, ring->ring_full, 0);
	/* Notifying a ring that is not full is harmless. */
	KUNIT_EXPECT_EQ(test, notify_ring_empty(cpu, PLAIN_SINT), 0);

	/* With SIRBP disabled the signal is lost; the write is still consumed. */
	sirbp = root_msr(cpu, HV_X64_MSR_SIRBP);
	root_msr_write(cpu, HV_X64_MSR_SIRBP, sirbp & ~HV_SYNIC_SIRBP_ENABLE);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 4, true), 1);
	root_msr_write(cpu, HV_X64_MSR_SIRBP, sirbp);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 2U);
	hvsim_synic_ring_reset(cpu, RING_SINT);
}

/*
 * A SINT with as_intercept: new ring entries are announced as
 * HVMSG_SYNIC_SINT_INTERCEPT in SINT0, at most one waiting per SINT; not
 * while the consumer has signal_masked set; later when the SINT is masked.
 */
static void port_test_sint_intercept(struct kunit *test)
{
	u64 id = pt_with_vp(test, 2 * CONN_COST), sint0;
	int cpu = ring_cpu();
	struct hv_synic_event_ring *ring = ring_get(test, cpu, RING_SINT);
	struct hv_synic_event_ring *plain = ring_get(test, cpu, PLAIN_SINT);
	struct hv_notification_message_payload *p;
	u64 vec = HYPERVISOR_CALLBACK_VECTOR;
	struct hv_message msg;

	doorbell_pair(test, id, 0x300, RING_SINT, cpu, 0x1000, 0,
		      HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE);
	doorbell_pair(test, id, 0x301, PLAIN_SINT, cpu, 0x2000, 0,
		      HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE);
	/* SINT0 masked: its messages wait in hvsim's queue, where we take them. */
	sint0 = root_msr(cpu, HV_X64_MSR_SINT0);
	sint_set(test, cpu, 0, sint0 | HV_SYNIC_SINT_MASKED);
	sint_set(test, cpu, RING_SINT, vec | HV_SYNIC_SINT_AS_INTERCEPT);
	sint_set(test, cpu, PLAIN_SINT, vec);

	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 1, true), 1);
	KUNIT_EXPECT_EQ(test, ring->data[0], 0x300U);
	KUNIT_ASSERT_EQ(test, hvsim_synic_take(cpu, 0, HVMSG_SYNIC_SINT_INTERCEPT, &msg), 0);
	p = (void *)msg.u.payload;
	KUNIT_EXPECT_EQ(test, msg.header.payload_size, (u8)sizeof(*p));
	KUNIT_EXPECT_EQ(test, msg.header.message_flags.asu8, 0);
	KUNIT_EXPECT_EQ(test, p->sint_index, (u32)RING_SINT);
	KUNIT_EXPECT_EQ(test, hvsim_synic_take(cpu, 0, ANY_MSG, &msg), -ENOENT);

	/* One announcement waits at a time. */
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 1, true), 1);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 1, true), 1);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 3U);
	KUNIT_EXPECT_EQ(test, hvsim_synic_take(cpu, 0, HVMSG_SYNIC_SINT_INTERCEPT, &msg), 0);
	KUNIT_EXPECT_EQ(test, hvsim_synic_take(cpu, 0, ANY_MSG, &msg), -ENOENT);

	/* The consumer is draining (signal_masked): no announcement. */
	WRITE_ONCE(ring->signal_masked, 1);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 1, true), 1);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 4U);
	KUNIT_EXPECT_EQ(test, hvsim_synic_take(cpu, 0, ANY_MSG, &msg), -ENOENT);
	WRITE_ONCE(ring->signal_masked, 0);

	/* The SINT masked: the entry is written, announced once unmasked. */
	root_msr_write(cpu, HV_X64_MSR_SINT0 + RING_SINT,
		       vec | HV_SYNIC_SINT_AS_INTERCEPT | HV_SYNIC_SINT_MASKED);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 1, true), 1);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 5U);
	KUNIT_EXPECT_EQ(test, hvsim_synic_take(cpu, 0, ANY_MSG, &msg), -ENOENT);
	root_msr_write(cpu, HV_X64_MSR_SINT0 + RING_SINT, vec | HV_SYNIC_SINT_AS_INTERCEPT);
	KUNIT_EXPECT_EQ(test, hvsim_synic_take(cpu, 0, HVMSG_SYNIC_SINT_INTERCEPT, &msg), 0);
	KUNIT_EXPECT_EQ(test, p->sint_index, (u32)RING_SINT);

	/* A dropped signal (full ring) announces nothing new. */
	hvsim_synic_ring_reset(cpu, RING_SINT);
	WRITE_ONCE(ring->signal_masked, 1);
	while (ring_used(ring) < RING_ENTRIES)
		KUNIT_ASSERT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 1, true), 1);
	WRITE_ONCE(ring->signal_masked, 0);
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x1000, 0, 1, true), 1);
	KUNIT_EXPECT_EQ(test, ring->ring_full, 1);
	KUNIT_EXPECT_EQ(test, hvsim_synic_take(cpu, 0, ANY_MSG, &msg), -ENOENT);

	/* Without as_intercept the SINT's own interrupt, no SINT0 message. */
	KUNIT_EXPECT_EQ(test, hvsim_doorbell_write(id, 0, 0x2000, 0, 1, true), 1);
	KUNIT_EXPECT_EQ(test, plain->data[0], 0x301U);
	KUNIT_EXPECT_EQ(test, hvsim_synic_take(cpu, 0, ANY_MSG, &msg), -ENOENT);
}

/* A guest's writes ring doorbells without an exit; other writes exit. */

#define CODE_IP		0xff00
#define CODE_OFF	0xf00
#define RESET_GFN	0xfffffULL
#define IP_OUT		0xff14
#define IP_MISS		0xff16

static const u8 doorbell_code[] = {
	0xc6, 0x06, 0x00, 0x10, 0x5a,		/* ff00: mov byte [0x1000], 0x5a */
	0xc7, 0x06, 0x08, 0x10, 0xcd, 0xab,	/* ff05: mov word [0x1008], 0xabcd */
	0x66, 0xc7, 0x06, 0x10, 0x10,		/* ff0b: mov dword [0x1010], */
	0x78, 0x56, 0x34, 0x12,			/*       0x12345678 */
	0xe6, 0x80,				/* ff14: out 0x80, al */
	0xc6, 0x06, 0x00, 0x10, 0x5b,		/* ff16: mov byte [0x1000], 0x5b */
	0xf4,					/* ff1b: hlt */
};

/* Run VP 0 from @ip until it stops with a message (either scheduler). */
static void run_to_stop(struct kunit *test, u64 id, bool root, u64 ip)
{
	KUNIT_ASSERT_EQ(test, set_reg(id, HV_X64_REGISTER_RIP, ip), 0);
	if (root) {
		struct hv_output_dispatch_vp out;

		KUNIT_ASSERT_EQ(test, set_reg(id, HV_REGISTER_EXPLICIT_SUSPEND, 0), 0);
		KUNIT_ASSERT_EQ(test, dispatch(id, 0, HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND,
					       0, 0, &out), 0);
		KUNIT_EXPECT_EQ(test, out.dispatch_event, HV_VP_DISPATCH_EVENT_INTERCEPT);
		return;
	}
	resume_vp(test, id);
	KUNIT_ASSERT_TRUE_MSG(test, wait_vp_reg(test, id, 0, HV_REGISTER_INTERCEPT_SUSPEND, 1),
			      "the VP did not stop");
}

static void port_test_guest_doorbell(struct kunit *test)
{
	struct hv_x64_memory_intercept_message *mem;
	u64 id = pt_with_vp(test, MAP_COST + 3 * CONN_COST);
	int cpu = ring_cpu();
	struct hv_synic_event_ring *ring = ring_get(test, cpu, RING_SINT);
	struct hv_message *msg;
	struct page *guest;
	u32 sched;
	bool root;

	KUNIT_ASSERT_EQ(test, get_scheduler_type(&sched), 0);
	root = sched == HV_SCHEDULER_TYPE_ROOT;
	guest = guest_page(test);
	memcpy(page_address(guest) + CODE_OFF, doorbell_code, sizeof(doorbell_code));
	map_guest_page(test, id, RESET_GFN, guest);
	msg = map_state_page(test, id, HV_VP_STATE_PAGE_INTERCEPT_MESSAGE);
	mem = (void *)msg->u.payload;

	doorbell_pair(test, id, 0x401, RING_SINT, HV_ANY_VP, 0x1000, 0x5a,
		      HV_DOORBELL_FLAG_TRIGGER_SIZE_BYTE);
	doorbell_pair(test, id, 0x402, RING_SINT, HV_ANY_VP, 0x1008, 0,
		      HV_DOORBELL_FLAG_TRIGGER_SIZE_WORD | HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE);
	doorbell_pair(test, id, 0x403, RING_SINT, HV_ANY_VP, 0x1010, 0x12345678,
		      HV_DOORBELL_FLAG_TRIGGER_SIZE_DWORD);

	/* Three doorbell writes, no exit: the VP stops at the OUT after them. */
	run_to_stop(test, id, root, CODE_IP);
	KUNIT_EXPECT_EQ(test, msg->header.message_type, HVMSG_X64_IOPORT_INTERCEPT);
	KUNIT_EXPECT_EQ(test, reg(test, id, HV_X64_REGISTER_RIP), (u64)IP_OUT);
	KUNIT_EXPECT_EQ(test, ring->data[0], 0x401U);
	KUNIT_EXPECT_EQ(test, ring->data[1], 0x402U);
	KUNIT_EXPECT_EQ(test, ring->data[2], 0x403U);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 3U);

	/* A write no doorbell takes: the usual UNMAPPED_GPA intercept. */
	msg->header.message_type = HVMSG_NONE;
	run_to_stop(test, id, root, IP_MISS);
	KUNIT_EXPECT_EQ(test, msg->header.message_type, HVMSG_UNMAPPED_GPA);
	KUNIT_EXPECT_EQ(test, mem->header.rip, (u64)IP_MISS);
	KUNIT_EXPECT_EQ(test, mem->guest_physical_address, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, mem->header.intercept_access_type, HV_INTERCEPT_ACCESS_WRITE);
	KUNIT_EXPECT_EQ(test, reg(test, id, HV_X64_REGISTER_RIP), (u64)IP_MISS);
	KUNIT_EXPECT_EQ(test, ring_used(ring), 3U);
	hvsim_synic_ring_reset(cpu, RING_SINT);
}

/*
 * FINALIZE frees a partition's ports and connections; DELETE also the
 * root's ports for it and the root's connections to its ports.
 */
static void port_test_teardown(struct kunit *test)
{
	u64 id = pt_create(test);
	u32 root_ports = hvsim_nr_ports(SELF), root_conns = hvsim_nr_connections(SELF);

	pt_init(test, id, 2 * CONN_COST + PORT_COST);
	root_port(test, 1, id, port_info(HV_PORT_TYPE_DOORBELL, RING_SINT, HV_ANY_VP));
	root_port(test, 2, id, port_info(HV_PORT_TYPE_MESSAGE, 2, 0));
	KUNIT_ASSERT_EQ(test, connect(id, 1, SELF, 1, doorbell(0x1000, 0, 0)), 0);
	KUNIT_ASSERT_EQ(test, connect(id, 2, SELF, 2, conn_info(HV_PORT_TYPE_MESSAGE)), 0);
	KUNIT_ASSERT_EQ(test, create_port(id, 3, SELF, port_info(HV_PORT_TYPE_EVENT, 1, 0)), 0);
	while (connect(SELF, 3, id, 3, conn_info(HV_PORT_TYPE_EVENT)) ==
	       HV_STATUS_INSUFFICIENT_MEMORY)
		KUNIT_ASSERT_EQ(test, raw_deposit(SELF, 1), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(SELF), root_ports + 2);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(id), 1U);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 2U);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(SELF), root_conns + 1);

	KUNIT_ASSERT_EQ(test, hv_result(hv_do_fast_hypercall8(HVCALL_FINALIZE_PARTITION,
							      id)), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(id), 0U);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(id), 0U);
	/* The root's objects stay (its connection has lost its port). */
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(SELF), root_ports + 2);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(SELF), root_conns + 1);
	KUNIT_EXPECT_EQ(test, delete_port(SELF, 2), 0);
	KUNIT_EXPECT_EQ(test, delete_port(id, 3), HV_STATUS_INVALID_PORT_ID);
	/* Every pool page is free again. */
	raw_withdraw_all(test, id);
	KUNIT_EXPECT_EQ(test, hvsim_deposited_pages(id), 0ULL);

	kunit_release_action(test, pt_destroy, (void *)(uintptr_t)id);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(SELF), root_ports);
	KUNIT_EXPECT_EQ(test, hvsim_nr_connections(SELF), root_conns);
	KUNIT_EXPECT_EQ(test, delete_port(SELF, 1), HV_STATUS_INVALID_PORT_ID);
	KUNIT_EXPECT_EQ(test, disconnect(SELF, 3, 0), HV_STATUS_INVALID_CONNECTION_ID);

	/* A partition deleted without FINALIZE (never initialized). */
	id = pt_create(test);
	root_port(test, 5, id, port_info(HV_PORT_TYPE_DOORBELL, RING_SINT, HV_ANY_VP));
	kunit_release_action(test, pt_destroy, (void *)(uintptr_t)id);
	KUNIT_EXPECT_EQ(test, hvsim_nr_ports(SELF), root_ports);
}

/* ------------------------------------------------- direct signalling ---- */

static void guest_synic_on(struct kunit *test, u64 id, unsigned int sint)
{
	union hv_register_value v = { .reg64 = 1 };

	KUNIT_ASSERT_EQ(test, hvsim_vp_set_reg(id, 0, HV_REGISTER_SCONTROL, &v), 0);
	v.reg64 = 0x10000 | 1;
	KUNIT_ASSERT_EQ(test, hvsim_vp_set_reg(id, 0, HV_REGISTER_SIMP, &v), 0);
	v.reg64 = 0x11000 | 1;
	KUNIT_ASSERT_EQ(test, hvsim_vp_set_reg(id, 0, HV_REGISTER_SIEFP, &v), 0);
	v.reg64 = 0x50;
	KUNIT_ASSERT_EQ(test, hvsim_vp_set_reg(id, 0, HV_REGISTER_SINT0 + sint, &v), 0);
}

static u16 signal_event(u64 id, u32 vp, u8 vtl, u8 sint, u16 flag, u8 *newly)
{
	struct hv_input_signal_event_direct in = {
		.target_partition = id, .target_vp = vp, .target_vtl = vtl,
		.target_sint = sint, .flag_number = flag,
	};
	struct hv_output_signal_event_direct out;
	u16 status;

	memset(&out, 0xee, sizeof(out));
	status = hv_result(raw_call(HVCALL_SIGNAL_EVENT_DIRECT, &in, sizeof(in),
				    &out, sizeof(out)));
	if (newly)
		*newly = out.newly_signaled;
	return status;
}

static void port_test_signal_event_direct(struct kunit *test)
{
	u64 id = pt_with_vp(test, 0), created = pt_create(test);
	struct page *page = alloc_page(GFP_KERNEL);
	struct hv_synic_event_flags_page *f;
	struct hvsim_irq_stats st0, st1;
	u8 newly = 0xee;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, free_guest_page, page));
	f = page_address(page);

	/* The VP, as every VP call names it. */
	KUNIT_EXPECT_EQ(test, signal_event(SELF, 0, 0, 3, 5, NULL), HV_STATUS_ACCESS_DENIED);
	KUNIT_EXPECT_EQ(test, signal_event(NO_SUCH_PARTITION, 0, 0, 3, 5, NULL),
			HV_STATUS_INVALID_PARTITION_ID);
	KUNIT_EXPECT_EQ(test, signal_event(created, 0, 0, 3, 5, NULL),
			HV_STATUS_INVALID_PARTITION_STATE);
	KUNIT_EXPECT_EQ(test, signal_event(id, 1, 0, 3, 5, NULL), HV_STATUS_INVALID_VP_INDEX);
	/* VTL, SINT, flag. */
	KUNIT_EXPECT_EQ(test, signal_event(id, 0, 1, 3, 5, NULL), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 16, 5, NULL), HV_STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 3, SIEF_FLAGS, NULL),
			HV_STATUS_INVALID_PARAMETER);
	/* The guest's SynIC is off. */
	KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 3, 5, NULL), HV_STATUS_INVALID_SYNIC_STATE);
	guest_synic_on(test, id, 3);
	KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 4, 5, NULL), HV_STATUS_INVALID_SYNIC_STATE);

	/* A newly set flag raises the SINT's vector; a set one does not. */
	KUNIT_ASSERT_EQ(test, hvsim_vp_irq_stats(id, 0, &st0), 0);
	KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 3, 5, &newly), 0);
	KUNIT_EXPECT_EQ(test, newly, 1);
	KUNIT_ASSERT_EQ(test, hvsim_vp_irq_stats(id, 0, &st1), 0);
	/* Offered to the APIC (which a new VP has software-disabled). */
	KUNIT_EXPECT_EQ(test, st1.accepted + st1.dropped, st0.accepted + st0.dropped + 1);
	KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 3, 5, &newly), 0);
	KUNIT_EXPECT_EQ(test, newly, 0);
	KUNIT_ASSERT_EQ(test, hvsim_vp_irq_stats(id, 0, &st0), 0);
	KUNIT_EXPECT_EQ(test, st0.accepted + st0.dropped, st1.accepted + st1.dropped);
	KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 3, SIEF_FLAGS - 1, &newly), 0);
	KUNIT_EXPECT_EQ(test, newly, 1);
	vp_state_page(test, id, 0, false, HV_GET_SET_VP_STATE_SIEF_PAGE, page);
	KUNIT_EXPECT_EQ(test, f->sintevent_flags[3].flags[0], (unsigned long)BIT(5));
	KUNIT_EXPECT_TRUE(test, test_bit(SIEF_FLAGS - 1, f->sintevent_flags[3].flags));
	KUNIT_EXPECT_EQ(test, f->sintevent_flags[2].flags[0], 0UL);
	KUNIT_EXPECT_EQ(test, f->sintevent_flags[4].flags[0], 0UL);

	/* SCONTROL, SIEFP each needed. */
	{
		union hv_register_value v = { .reg64 = 0x11000 };

		KUNIT_ASSERT_EQ(test, hvsim_vp_set_reg(id, 0, HV_REGISTER_SIEFP, &v), 0);
		KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 3, 6, NULL),
				HV_STATUS_INVALID_SYNIC_STATE);
		guest_synic_on(test, id, 3);
		v.reg64 = 0;
		KUNIT_ASSERT_EQ(test, hvsim_vp_set_reg(id, 0, HV_REGISTER_SCONTROL, &v), 0);
		KUNIT_EXPECT_EQ(test, signal_event(id, 0, 0, 3, 6, NULL),
				HV_STATUS_INVALID_SYNIC_STATE);
	}
	/* Memory-based only. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_SIGNAL_EVENT_DIRECT,
							       id, 3ULL << 40)),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static u16 post_message(struct hv_input_post_message_direct *in)
{
	return hv_result(raw_call(HVCALL_POST_MESSAGE_DIRECT, in, sizeof(*in), NULL, 0));
}

static void port_test_post_message_direct(struct kunit *test)
{
	u64 id = pt_with_vp(test, 0);
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	struct hv_input_post_message_direct *in;
	struct hvsim_irq_stats st0, st1;
	struct hv_message_page *simp;
	struct hv_message *slot;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, free_guest_page, page));
	simp = page_address(page);
	slot = &simp->sint_message[2];
	in = kunit_kzalloc(test, sizeof(*in), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);

	in->partition_id = id;
	in->sint_index = 2;
	in->message.header.message_type = 0x1234;
	in->message.header.payload_size = 16;
	in->message.u.payload[0] = 0x1122334455667788ULL;
	in->message.u.payload[1] = 42;

	/* The VP. */
	in->partition_id = SELF;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_ACCESS_DENIED);
	in->partition_id = NO_SUCH_PARTITION;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARTITION_ID);
	in->partition_id = id;
	in->vp_index = 3;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_VP_INDEX);
	in->vp_index = 0;
	/* Reserved fields, SINT. */
	in->vtl = 1;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->vtl = 0;
	in->padding[2] = 1;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->padding[2] = 0;
	in->padding2 = 1;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->padding2 = 0;
	in->sint_index = 16;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->sint_index = 2;
	/* The message: a partition's type, a payload that fits, no flags. */
	in->message.header.message_type = HVMSG_NONE;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->message.header.message_type = HVMSG_SYNIC_SINT_INTERCEPT;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->message.header.message_type = 0x80000000U;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->message.header.message_type = 0x1234;
	in->message.header.payload_size = HV_MESSAGE_PAYLOAD_BYTE_COUNT + 1;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->message.header.payload_size = 16;
	in->message.header.message_flags.msg_pending = 1;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->message.header.message_flags.msg_pending = 0;
	in->message.header.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_PARAMETER);
	in->message.header.reserved[1] = 0;
	/* The guest's SynIC is off. */
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_SYNIC_STATE);
	guest_synic_on(test, id, 3);
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INVALID_SYNIC_STATE);
	guest_synic_on(test, id, 2);

	/* Into the slot, as posted, and the SINT's vector is raised. */
	KUNIT_ASSERT_EQ(test, hvsim_vp_irq_stats(id, 0, &st0), 0);
	KUNIT_EXPECT_EQ(test, post_message(in), 0);
	KUNIT_ASSERT_EQ(test, hvsim_vp_irq_stats(id, 0, &st1), 0);
	KUNIT_EXPECT_EQ(test, st1.accepted + st1.dropped, st0.accepted + st0.dropped + 1);
	vp_state_page(test, id, 0, false, HV_GET_SET_VP_STATE_SIM_PAGE, page);
	KUNIT_EXPECT_EQ(test, memcmp(slot, &in->message, sizeof(*slot)), 0);
	KUNIT_EXPECT_EQ(test, simp->sint_message[3].header.message_type, HVMSG_NONE);
	/* The slot is taken: INSUFFICIENT_BUFFERS, and the guest is asked for an EOM. */
	in->message.u.payload[1] = 43;
	KUNIT_EXPECT_EQ(test, post_message(in), HV_STATUS_INSUFFICIENT_BUFFERS);
	vp_state_page(test, id, 0, false, HV_GET_SET_VP_STATE_SIM_PAGE, page);
	KUNIT_EXPECT_EQ(test, slot->u.payload[1], 42ULL);
	KUNIT_EXPECT_EQ(test, slot->header.message_flags.asu8, HV_MESSAGE_FLAG_MSG_PENDING);
	/* Another SINT has its own slot. */
	guest_synic_on(test, id, 3);
	in->sint_index = 3;
	KUNIT_EXPECT_EQ(test, post_message(in), 0);
	/* Memory-based only. */
	KUNIT_EXPECT_EQ(test, hv_result(hv_do_fast_hypercall16(HVCALL_POST_MESSAGE_DIRECT,
							       id, 0)),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static struct kunit_case hvsim_port_cases[] = {
	KUNIT_CASE(port_test_create_checks),
	KUNIT_CASE(port_test_pools),
	KUNIT_CASE(port_test_connect_checks),
	KUNIT_CASE(port_test_connect_pool),
	KUNIT_CASE(port_test_disconnect_delete),
	KUNIT_CASE(port_test_doorbell_match),
	KUNIT_CASE(port_test_event_ring),
	KUNIT_CASE(port_test_sint_intercept),
	KUNIT_CASE(port_test_guest_doorbell),
	KUNIT_CASE(port_test_teardown),
	KUNIT_CASE(port_test_signal_event_direct),
	KUNIT_CASE(port_test_post_message_direct),
	{}
};

static struct kunit_suite hvsim_port_suite = {
	.name = "hvsim_port",
	.test_cases = hvsim_port_cases,
};

kunit_test_suites(&hvsim_port_suite);

MODULE_DESCRIPTION("KUnit tests of hvsim's ports and doorbells, the root's event ring, direct signalling");
MODULE_LICENSE("GPL");
