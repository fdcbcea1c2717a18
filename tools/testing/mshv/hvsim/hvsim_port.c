// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: ports and connections (HVCALL_CREATE_PORT, CONNECT_PORT,
 * DISCONNECT_PORT, DELETE_PORT), doorbells, the root's "ring drained" call
 * (HVCALL_NOTIFY_PORT_RING_EMPTY) and direct signalling of a guest VP's
 * SynIC (HVCALL_SIGNAL_EVENT_DIRECT, HVCALL_POST_MESSAGE_DIRECT).
 *
 * A port belongs to its owner (the root or a child) and names the one
 * partition that may connect to it, always the other side: port ids are
 * 24-bit and unique per owner, connection ids per connecting partition,
 * doorbell connections in a name space of their own (DISCONNECT_PORT says
 * which one it means).  A port costs HVSIM_COST_PORT pages of its owner's
 * pool, a connection HVSIM_COST_CONNECTION of the connecting partition's
 * pool.  Deleting a port leaves its connections without a port (they
 * signal nothing) until they are disconnected.  FINALIZE_PARTITION frees
 * the ports and connections of the partition (its pool is free again);
 * DELETE_PARTITION also frees everything of the root's that names it.
 *
 * Doorbells: a port of the root (type DOORBELL, a target SINT and root
 * CPU) and a child's connection to it (a GPA, a trigger value, a size).
 * The x86 engine offers hvsim_port_doorbell() every guest write to an
 * unmapped GPA; a matching write completes without an exit and without
 * touching guest memory, and the port id goes to the event ring of the
 * target SINT of the target CPU (the first online CPU for HV_ANY_VP; see
 * hvsim_synic.c for the ring).  Message and event ports are kept and
 * validated, but nothing in the model signals them.
 *
 * Everything runs under hvsim.lock.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "hvsim.h"
#include "hvsim_synic.h"

/* Pool pages of a port (owner's pool) and of a connection (connector's). */
#define HVSIM_COST_PORT		1
#define HVSIM_COST_CONNECTION	1

#define HVSIM_PORT_ID_RESERVED		(~(u32)HV_PORT_ID_MASK)
#define HVSIM_CONNECTION_ID_RESERVED	(~(u32)HV_CONNECTION_ID_MASK)
#define HVSIM_DOORBELL_FLAGS		(HV_DOORBELL_FLAG_TRIGGER_SIZE_MASK | \
					 HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE)
#define HVSIM_SIEF_FLAGS		(HV_HYP_PAGE_SIZE / HV_SYNIC_SINT_COUNT * 8)
#define HVSIM_MSG_PAYLOAD_MAX		(HV_MESSAGE_PAYLOAD_QWORD_COUNT * 8)
/* Message types from 0x80000000 on belong to the hypervisor. */
#define HVSIM_MSG_TYPE_HYPERVISOR	0x80000000U

/**
 * struct hvsim_port - a port
 * @node: in the owner's list
 * @owner: partition id of the owner (the root's: hv_current_partition_id)
 * @connector: the partition that may connect to it
 * @id: port id
 * @info: type and target, as created
 * @signals: times a doorbell signalled it
 */
struct hvsim_port {
	struct hlist_node node;
	u64 owner;
	u64 connector;
	u32 id;
	struct hv_port_info info;
	u64 signals;
};

/**
 * struct hvsim_connection - a connection to a port
 * @node: in the connecting partition's list
 * @id: connection id
 * @port: the port, NULL once the port is deleted
 * @port_owner: owner of the port (kept for teardown)
 * @port_id: the port's id (for debugfs)
 * @info: type and, for a doorbell, GPA, trigger value and flags
 */
struct hvsim_connection {
	struct hlist_node node;
	u32 id;
	struct hvsim_port *port;
	u64 port_owner;
	u32 port_id;
	struct hv_connection_info info;
};

/* The root's ports and connections; a child's are in its partition. */
static HLIST_HEAD(hvsim_root_ports);
static HLIST_HEAD(hvsim_root_connections);

/* ------------------------------------------------------------ lookup ---- */

static bool hvsim_is_root(u64 id)
{
	return id == HV_PARTITION_ID_SELF || id == hv_current_partition_id;
}

/*
 * The partition a port call names: the root (*@ptp = NULL) or a child.
 * Return: 0 or INVALID_PARTITION_ID.
 */
static u16 port_partition(u64 id, struct hvsim_partition **ptp)
{
	*ptp = NULL;
	if (hvsim_is_root(id))
		return HV_STATUS_SUCCESS;
	*ptp = hvsim_partition_get(id);
	return *ptp ? HV_STATUS_SUCCESS : HV_STATUS_INVALID_PARTITION_ID;
}

static u64 side_id(const struct hvsim_partition *pt)
{
	return pt ? pt->id : hv_current_partition_id;
}

static struct hlist_head *side_ports(struct hvsim_partition *pt)
{
	return pt ? &pt->ports : &hvsim_root_ports;
}

static struct hlist_head *side_connections(struct hvsim_partition *pt)
{
	return pt ? &pt->connections : &hvsim_root_connections;
}

static struct hvsim_pool *side_pool(struct hvsim_partition *pt)
{
	return pt ? &pt->pool : &hvsim.root_pool;
}

/* No ports or connections may be made for a finalized partition. */
static bool side_finalized(const struct hvsim_partition *pt)
{
	return pt && pt->state == HVSIM_PT_FINALIZED;
}

static struct hvsim_port *port_find(struct hvsim_partition *owner, u32 id)
{
	struct hvsim_port *port;

	hlist_for_each_entry(port, side_ports(owner), node)
		if (port->id == id)
			return port;
	return NULL;
}

static struct hvsim_connection *connection_find(struct hvsim_partition *pt,
						u32 id, bool doorbell)
{
	struct hvsim_connection *conn;
	bool is_doorbell;

	hlist_for_each_entry(conn, side_connections(pt), node) {
		is_doorbell = conn->info.port_type == HV_PORT_TYPE_DOORBELL;
		if (conn->id == id && is_doorbell == doorbell)
			return conn;
	}
	return NULL;
}

static bool proximity_ok(const struct hv_proximity_domain_info *p)
{
	return !p->flags.reserved;
}

/* Target SINT and VP: at the same place for message, event and doorbell ports. */
static unsigned int port_sint(const struct hvsim_port *port)
{
	return port->info.message_port_info.target_sint;
}

static u32 port_vp(const struct hvsim_port *port)
{
	return port->info.message_port_info.target_vp;
}

/* -------------------------------------------------------- create/delete ---- */

/*
 * Target VP of a port: HV_ANY_VP, a root CPU for a port of the root, a VP
 * index hvsim can have for a port of a child.
 */
static u16 port_target_vp(const struct hvsim_partition *owner, u32 vp)
{
	if (vp == HV_ANY_VP)
		return HV_STATUS_SUCCESS;
	if (owner ? vp < HVSIM_MAX_VPS : vp < nr_cpu_ids && cpu_possible(vp))
		return HV_STATUS_SUCCESS;
	return HV_STATUS_INVALID_VP_INDEX;
}

static u16 port_info_check(const struct hv_port_info *pi,
			   const struct hvsim_partition *owner,
			   const struct hvsim_partition *connector)
{
	u32 sint, vp;

	if (pi->padding)
		return HV_STATUS_INVALID_PARAMETER;
	switch (pi->port_type) {
	case HV_PORT_TYPE_MESSAGE:
		if (pi->message_port_info.rsvdz)
			return HV_STATUS_INVALID_PARAMETER;
		sint = pi->message_port_info.target_sint;
		vp = pi->message_port_info.target_vp;
		break;
	case HV_PORT_TYPE_EVENT:
		if (pi->event_port_info.rsvdz || !pi->event_port_info.flag_count ||
		    pi->event_port_info.base_flag_number +
		    pi->event_port_info.flag_count > HVSIM_SIEF_FLAGS)
			return HV_STATUS_INVALID_PARAMETER;
		sint = pi->event_port_info.target_sint;
		vp = pi->event_port_info.target_vp;
		break;
	case HV_PORT_TYPE_DOORBELL:
		/* Doorbells of a child's guest writes, signalled to the root. */
		if (pi->doorbell_port_info.rsvdz || owner || !connector)
			return HV_STATUS_INVALID_PARAMETER;
		sint = pi->doorbell_port_info.target_sint;
		vp = pi->doorbell_port_info.target_vp;
		break;
	default:
		/* MONITOR ports (monitor pages) are not modelled. */
		return HV_STATUS_INVALID_PARAMETER;
	}
	if (sint >= HV_SYNIC_SINT_COUNT)
		return HV_STATUS_INVALID_PARAMETER;
	return port_target_vp(owner, vp);
}

static u16 hvsim_create_port(struct hvsim_call *c)
{
	const struct hv_input_create_port *in = c->in;
	struct hvsim_partition *owner, *connector;
	struct hvsim_port *port;
	u32 id = in->port_id.asu32;
	u16 status;

	status = port_partition(in->port_partition_id, &owner);
	if (!status)
		status = port_partition(in->connection_partition_id, &connector);
	if (status)
		return status;
	/* A port connects two partitions. */
	if (owner == connector)
		return HV_STATUS_INVALID_PARAMETER;
	if (in->padding || in->port_vtl || in->min_connection_vtl ||
	    !proximity_ok(&in->proximity_domain_info) ||
	    (id & HVSIM_PORT_ID_RESERVED))
		return HV_STATUS_INVALID_PARAMETER;
	if (!id)
		return HV_STATUS_INVALID_PORT_ID;
	status = port_info_check(&in->port_info, owner, connector);
	if (status)
		return status;
	if (side_finalized(owner) || side_finalized(connector))
		return HV_STATUS_INVALID_PARTITION_STATE;
	if (port_find(owner, id))
		return HV_STATUS_OBJECT_IN_USE;

	if (!hvsim_pool_take(side_pool(owner), HVSIM_COST_PORT))
		return HV_STATUS_INSUFFICIENT_MEMORY;
	port = kzalloc(sizeof(*port), GFP_ATOMIC | __GFP_NOWARN);
	if (!port) {
		hvsim_pool_give(side_pool(owner), HVSIM_COST_PORT);
		return HV_STATUS_INSUFFICIENT_MEMORY;
	}
	port->owner = side_id(owner);
	port->connector = side_id(connector);
	port->id = id;
	port->info = in->port_info;
	hlist_add_head(&port->node, side_ports(owner));
	return HV_STATUS_SUCCESS;
}

/* Connections of the partition that may connect to @port (NULL: gone). */
static struct hlist_head *port_connections(const struct hvsim_port *port)
{
	struct hvsim_partition *pt;

	return port_partition(port->connector, &pt) ? NULL : side_connections(pt);
}

/* Free a port of @owner; the connections to it, in @conns, lose it. */
static void port_free(struct hvsim_port *port, struct hvsim_partition *owner,
		      struct hlist_head *conns)
{
	struct hvsim_connection *conn;

	if (conns)
		hlist_for_each_entry(conn, conns, node)
			if (conn->port == port)
				conn->port = NULL;
	hlist_del(&port->node);
	hvsim_pool_give(side_pool(owner), HVSIM_COST_PORT);
	kfree(port);
}

static u16 hvsim_delete_port(struct hvsim_call *c)
{
	const struct hv_input_delete_port *in = c->in;
	struct hvsim_partition *owner;
	struct hvsim_port *port;
	u32 id = in->port_id.asu32;
	u16 status;

	status = port_partition(in->port_partition_id, &owner);
	if (status)
		return status;
	if (in->reserved || (id & HVSIM_PORT_ID_RESERVED))
		return HV_STATUS_INVALID_PARAMETER;
	port = port_find(owner, id);
	if (!port)
		return HV_STATUS_INVALID_PORT_ID;
	port_free(port, owner, port_connections(port));
	return HV_STATUS_SUCCESS;
}

/* ---------------------------------------------------- connect/disconnect ---- */

/* Trigger size of a doorbell in bytes; 0: any. */
static unsigned int doorbell_size(u64 flags)
{
	u64 size = flags & HV_DOORBELL_FLAG_TRIGGER_SIZE_MASK;

	return size ? 1U << (size - 1) : 0;
}

static u16 connection_info_check(const struct hv_connection_info *ci,
				 const struct hvsim_port *port,
				 const struct hvsim_partition *pt)
{
	u64 gpa = ci->doorbell_connection_info.gpa;
	u64 flags = ci->doorbell_connection_info.flags;

	if (ci->padding || ci->port_type != port->info.port_type)
		return HV_STATUS_INVALID_PARAMETER;
	switch (ci->port_type) {
	case HV_PORT_TYPE_MESSAGE:
		return ci->message_connection_info.rsvdz ?
		       HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
	case HV_PORT_TYPE_EVENT:
		return ci->event_connection_info.rsvdz ?
		       HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS;
	case HV_PORT_TYPE_DOORBELL:
		/* Known flags, sizes up to QWORD. */
		if ((flags & ~(u64)HVSIM_DOORBELL_FLAGS) ||
		    (flags & HV_DOORBELL_FLAG_TRIGGER_SIZE_MASK) >
		    HV_DOORBELL_FLAG_TRIGGER_SIZE_QWORD)
			return HV_STATUS_INVALID_PARAMETER;
		/* A guest physical address of the partition, within one page. */
		if (gpa >> hvsim_partition_pa_width(pt) ||
		    (gpa & (HV_HYP_PAGE_SIZE - 1)) + max(doorbell_size(flags), 1U) >
		    HV_HYP_PAGE_SIZE)
			return HV_STATUS_INVALID_PARAMETER;
		return HV_STATUS_SUCCESS;
	}
	return HV_STATUS_INVALID_PARAMETER;
}

static u16 hvsim_connect_port(struct hvsim_call *c)
{
	const struct hv_input_connect_port *in = c->in;
	struct hvsim_partition *pt, *owner;
	struct hvsim_connection *conn;
	struct hvsim_port *port;
	u32 port_id = in->port_id.asu32;
	u16 status;

	status = port_partition(in->connection_partition_id, &pt);
	if (status)
		return status;
	if (in->connection_vtl || in->rsvdz0 || in->rsvdz1 || in->reserved2 ||
	    !proximity_ok(&in->proximity_domain_info) ||
	    (in->connection_id & HVSIM_CONNECTION_ID_RESERVED) ||
	    (port_id & HVSIM_PORT_ID_RESERVED))
		return HV_STATUS_INVALID_PARAMETER;
	if (!in->connection_id)
		return HV_STATUS_INVALID_CONNECTION_ID;
	status = port_partition(in->port_partition_id, &owner);
	if (status)
		return status;
	port = port_find(owner, port_id);
	if (!port)
		return HV_STATUS_INVALID_PORT_ID;
	/* Only the partition the port was created for may connect. */
	if (port->connector != side_id(pt))
		return HV_STATUS_ACCESS_DENIED;
	status = connection_info_check(&in->connection_info, port, pt);
	if (status)
		return status;
	if (side_finalized(pt))
		return HV_STATUS_INVALID_PARTITION_STATE;
	if (connection_find(pt, in->connection_id,
			    port->info.port_type == HV_PORT_TYPE_DOORBELL))
		return HV_STATUS_OBJECT_IN_USE;

	if (!hvsim_pool_take(side_pool(pt), HVSIM_COST_CONNECTION))
		return HV_STATUS_INSUFFICIENT_MEMORY;
	conn = kzalloc(sizeof(*conn), GFP_ATOMIC | __GFP_NOWARN);
	if (!conn) {
		hvsim_pool_give(side_pool(pt), HVSIM_COST_CONNECTION);
		return HV_STATUS_INSUFFICIENT_MEMORY;
	}
	conn->id = in->connection_id;
	conn->port = port;
	conn->port_owner = port->owner;
	conn->port_id = port->id;
	conn->info = in->connection_info;
	hlist_add_head(&conn->node, side_connections(pt));
	return HV_STATUS_SUCCESS;
}

static void connection_free(struct hvsim_connection *conn,
			    struct hvsim_partition *pt)
{
	hlist_del(&conn->node);
	hvsim_pool_give(side_pool(pt), HVSIM_COST_CONNECTION);
	kfree(conn);
}

static u16 hvsim_disconnect_port(struct hvsim_call *c)
{
	const struct hv_input_disconnect_port *in = c->in;
	struct hvsim_connection *conn;
	struct hvsim_partition *pt;
	u16 status;

	status = port_partition(in->connection_partition_id, &pt);
	if (status)
		return status;
	if ((in->flags & ~HV_DISCONNECT_PORT_IS_DOORBELL) ||
	    (in->connection_id & HVSIM_CONNECTION_ID_RESERVED))
		return HV_STATUS_INVALID_PARAMETER;
	conn = connection_find(pt, in->connection_id,
			       in->flags & HV_DISCONNECT_PORT_IS_DOORBELL);
	if (!conn)
		return HV_STATUS_INVALID_CONNECTION_ID;
	connection_free(conn, pt);
	return HV_STATUS_SUCCESS;
}

/**
 * hvsim_ports_release() - a partition's ports and connections go away
 * @pt: the partition (hvsim.lock held)
 * @deleted: false: FINALIZE_PARTITION -- free the ports it owns and the
 *	connections it made (objects of its pool); true: it is being deleted
 *	(and may have left the partition list already) -- also free the
 *	root's ports it could connect to and the root's connections to its
 *	ports
 */
void hvsim_ports_release(struct hvsim_partition *pt, bool deleted)
{
	struct hvsim_connection *conn;
	struct hlist_node *tmp;
	struct hvsim_port *port;

	lockdep_assert_held(&hvsim.lock);
	hlist_for_each_entry_safe(conn, tmp, &pt->connections, node)
		connection_free(conn, pt);
	hlist_for_each_entry_safe(port, tmp, &pt->ports, node)
		port_free(port, pt, port_connections(port));
	if (!deleted)
		return;
	/* Its connections are gone: nothing refers to these ports. */
	hlist_for_each_entry_safe(port, tmp, &hvsim_root_ports, node)
		if (port->connector == pt->id)
			port_free(port, NULL, NULL);
	hlist_for_each_entry_safe(conn, tmp, &hvsim_root_connections, node)
		if (conn->port_owner == pt->id)
			connection_free(conn, NULL);
}

/* ----------------------------------------------------------- doorbells ---- */

static bool doorbell_matches(const struct hvsim_connection *conn, u64 gpa,
			     u64 value, unsigned int len)
{
	u64 flags = conn->info.doorbell_connection_info.flags;
	unsigned int size = doorbell_size(flags);

	if (!conn->port || conn->info.port_type != HV_PORT_TYPE_DOORBELL ||
	    conn->info.doorbell_connection_info.gpa != gpa)
		return false;
	if (size && size != len)
		return false;
	return (flags & HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE) ||
	       conn->info.doorbell_connection_info.trigger_value == value;
}

/* Put the port in the event ring of its target SINT and CPU. */
static void doorbell_signal(struct hvsim_port *port)
{
	u32 vp = port_vp(port);
	int cpu;

	if (vp != HV_ANY_VP && vp < nr_cpu_ids && cpu_online(vp))
		cpu = vp;
	else
		cpu = cpumask_first(cpu_online_mask);
	port->signals++;
	hvsim_synic_signal_port(cpu, port_sint(port), port->id);
}

/**
 * hvsim_port_doorbell() - a guest write to an unmapped GPA: a doorbell?
 * @vp: the writing VP (hvsim.lock held)
 * @gpa: guest physical address written
 * @data: the bytes written
 * @len: how many (1-8, within one page)
 * @commit: false: only say whether a connected doorbell takes the write
 *	(no side effect); true: the instruction completed, signal the port of
 *	every doorbell the write matches
 *
 * A doorbell matches a write that starts at its GPA, has its trigger size
 * (any size for TRIGGER_SIZE_ANY) and, unless TRIGGER_ANY_VALUE, whose
 * value (the bytes written, zero-extended) equals the trigger value.
 *
 * Return: whether a doorbell takes the write.
 */
bool hvsim_port_doorbell(struct hvsim_vp *vp, u64 gpa, const void *data,
			 unsigned int len, bool commit)
{
	struct hvsim_connection *conn;
	u8 bytes[sizeof(u64)] = {};
	bool taken = false;
	u64 value;

	lockdep_assert_held(&hvsim.lock);
	if (WARN_ON_ONCE(!len || len > sizeof(bytes)))
		return false;
	memcpy(bytes, data, len);
	value = get_unaligned_le64(bytes);
	hlist_for_each_entry(conn, &vp->pt->connections, node) {
		if (!doorbell_matches(conn, gpa, value, len))
			continue;
		taken = true;
		if (!commit)
			break;
		doorbell_signal(conn->port);
	}
	return taken;
}

/* -------------------------------------------------- root's event rings ---- */

static u16 hvsim_notify_port_ring_empty(struct hvsim_call *c)
{
	const struct hv_input_notify_port_ring_empty *in = c->in;

	if (in->sint_index >= HV_SYNIC_SINT_COUNT || in->reserved)
		return HV_STATUS_INVALID_PARAMETER;
	hvsim_synic_ring_empty(smp_processor_id(), in->sint_index);
	return HV_STATUS_SUCCESS;
}

/* ------------------------------------------------- direct signalling ---- */

/* The guest's SynIC must take @sint: SCONTROL, the page and the SINT enabled. */
static bool guest_sint_ready(struct hvsim_vp *vp, u32 page_msr, unsigned int sint)
{
	return (*hvsim_vp_misc_reg(vp, HV_REGISTER_SCONTROL) & HV_SYNIC_CONTROL_ENABLE) &&
	       (*hvsim_vp_misc_reg(vp, page_msr) & 1) &&
	       !(*hvsim_vp_misc_reg(vp, HV_REGISTER_SINT0 + sint) & HV_SYNIC_SINT_MASKED);
}

static u8 guest_sint_vector(struct hvsim_vp *vp, unsigned int sint)
{
	return *hvsim_vp_misc_reg(vp, HV_REGISTER_SINT0 + sint) & 0xff;
}

static u16 hvsim_signal_event_direct(struct hvsim_call *c)
{
	const struct hv_input_signal_event_direct *in = c->in;
	struct hv_output_signal_event_direct *out = c->out;
	struct hv_synic_event_flags_page *page;
	struct hvsim_vp *vp;
	u16 status;

	status = hvsim_vp_lookup(in->target_partition, in->target_vp, &vp);
	if (status)
		return status;
	if (in->target_vtl || in->target_sint >= HV_SYNIC_SINT_COUNT ||
	    in->flag_number >= HVSIM_SIEF_FLAGS)
		return HV_STATUS_INVALID_PARAMETER;
	if (!guest_sint_ready(vp, HV_REGISTER_SIEFP, in->target_sint))
		return HV_STATUS_INVALID_SYNIC_STATE;
	page = vp->siefp;
	out->newly_signaled = !test_and_set_bit(in->flag_number,
						page->sintevent_flags[in->target_sint].flags);
	/* A flag that was clear interrupts the guest on the SINT's vector. */
	if (out->newly_signaled)
		hvsim_lapic_raise(vp, guest_sint_vector(vp, in->target_sint));
	return HV_STATUS_SUCCESS;
}

static u16 hvsim_post_message_direct(struct hvsim_call *c)
{
	const struct hv_input_post_message_direct *in = c->in;
	const struct hv_message *msg = &in->message;
	struct hv_message_page *page;
	struct hv_message *slot;
	struct hvsim_vp *vp;
	u16 status;

	status = hvsim_vp_lookup(in->partition_id, in->vp_index, &vp);
	if (status)
		return status;
	if (in->vtl || memchr_inv(in->padding, 0, sizeof(in->padding)) ||
	    in->padding2 || in->sint_index >= HV_SYNIC_SINT_COUNT)
		return HV_STATUS_INVALID_PARAMETER;
	/* A message a partition may send: not one of the hypervisor's. */
	if (msg->header.message_type == HVMSG_NONE ||
	    msg->header.message_type >= HVSIM_MSG_TYPE_HYPERVISOR ||
	    msg->header.payload_size > HVSIM_MSG_PAYLOAD_MAX ||
	    msg->header.message_flags.asu8 ||
	    memchr_inv(msg->header.reserved, 0, sizeof(msg->header.reserved)))
		return HV_STATUS_INVALID_PARAMETER;
	if (!guest_sint_ready(vp, HV_REGISTER_SIMP, in->sint_index))
		return HV_STATUS_INVALID_SYNIC_STATE;
	page = vp->simp;
	slot = &page->sint_message[in->sint_index];
	if (READ_ONCE(slot->header.message_type) != HVMSG_NONE) {
		/* No queue behind the slot: ask the guest for an EOM, retry. */
		slot->header.message_flags.msg_pending = 1;
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	}
	memcpy((u8 *)slot + sizeof(slot->header.message_type),
	       (const u8 *)msg + sizeof(msg->header.message_type),
	       sizeof(*slot) - sizeof(slot->header.message_type));
	/* The type last: a non-NONE type means "complete". */
	smp_wmb();
	WRITE_ONCE(slot->header.message_type, msg->header.message_type);
	hvsim_lapic_raise(vp, guest_sint_vector(vp, in->sint_index));
	return HV_STATUS_SUCCESS;
}

/* --------------------------------------------------------- test hooks ---- */

/* The ports or connections list of partition @id, or NULL. */
static struct hlist_head *test_list(u64 id, bool ports)
{
	struct hvsim_partition *pt;

	if (port_partition(id, &pt))
		return NULL;
	return ports ? side_ports(pt) : side_connections(pt);
}

static u32 test_count(u64 id, bool ports)
{
	struct hlist_head *head;
	struct hlist_node *n;
	unsigned long flags;
	u32 count = 0;

	spin_lock_irqsave(&hvsim.lock, flags);
	head = test_list(id, ports);
	if (head)
		hlist_for_each(n, head)
			count++;
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return count;
}

/**
 * hvsim_nr_ports() - ports a partition owns, for tests
 * @partition_id: the owner (the root: HV_PARTITION_ID_SELF or its id)
 *
 * Return: the number of ports, 0 for an unknown partition.
 */
u32 hvsim_nr_ports(u64 partition_id)
{
	return test_count(partition_id, true);
}
EXPORT_SYMBOL_GPL(hvsim_nr_ports);

/**
 * hvsim_nr_connections() - connections a partition made, for tests
 * @partition_id: the connecting partition (the root: HV_PARTITION_ID_SELF)
 *
 * Return: the number of connections, 0 for an unknown partition.
 */
u32 hvsim_nr_connections(u64 partition_id)
{
	return test_count(partition_id, false);
}
EXPORT_SYMBOL_GPL(hvsim_nr_connections);

/**
 * hvsim_doorbell_write() - a guest write to an unmapped GPA, for tests
 * @partition_id: the guest
 * @vp_index: the writing VP
 * @gpa: the address written
 * @value: the value; its low @len bytes are written
 * @len: 1-8
 * @commit: as for hvsim_port_doorbell()
 *
 * Return: 1 a doorbell takes the write, 0 none does, -ESRCH no such VP,
 * -EINVAL bad @len.
 */
int hvsim_doorbell_write(u64 partition_id, u32 vp_index, u64 gpa, u64 value,
			 unsigned int len, bool commit)
{
	struct hvsim_partition *pt;
	struct hvsim_vp *vp = NULL;
	u8 bytes[sizeof(u64)];
	unsigned long flags;
	int ret = -ESRCH;

	if (!len || len > sizeof(bytes))
		return -EINVAL;
	put_unaligned_le64(value, bytes);
	spin_lock_irqsave(&hvsim.lock, flags);
	pt = hvsim_partition_get(partition_id);
	if (pt)
		vp = hvsim_vp_get(pt, vp_index);
	if (vp)
		ret = hvsim_port_doorbell(vp, gpa, bytes, len, commit);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_doorbell_write);

/* ------------------------------------------------------------ debugfs ---- */

static void ports_show_side(struct seq_file *m, struct hvsim_partition *pt)
{
	struct hvsim_connection *conn;
	struct hvsim_port *port;

	hlist_for_each_entry(port, side_ports(pt), node)
		seq_printf(m, "port %#llx %#x type %u sint %u vp %#x connector %#llx signals %llu\n",
			   port->owner, port->id, port->info.port_type,
			   port_sint(port), port_vp(port), port->connector,
			   port->signals);
	hlist_for_each_entry(conn, side_connections(pt), node) {
		seq_printf(m, "connection %#llx %#x type %u port %#llx %#x%s",
			   side_id(pt), conn->id, conn->info.port_type,
			   conn->port_owner, conn->port_id,
			   conn->port ? "" : " deleted");
		if (conn->info.port_type == HV_PORT_TYPE_DOORBELL)
			seq_printf(m, " gpa %#llx value %#llx flags %#llx",
				   conn->info.doorbell_connection_info.gpa,
				   conn->info.doorbell_connection_info.trigger_value,
				   conn->info.doorbell_connection_info.flags);
		seq_putc(m, '\n');
	}
}

static int hvsim_ports_show(struct seq_file *m, void *unused)
{
	struct hvsim_partition *pt;
	unsigned long flags;

	spin_lock_irqsave(&hvsim.lock, flags);
	ports_show_side(m, NULL);
	list_for_each_entry(pt, &hvsim.partitions, node)
		ports_show_side(m, pt);
	spin_unlock_irqrestore(&hvsim.lock, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_ports);

/**
 * hvsim_port_debugfs_init() - debugfs "ports"
 * @dir: hvsim's debugfs directory
 *
 * One line per port ("port <owner> <id> type <n> sint <n> vp <n> connector
 * <id> signals <n>") and per connection ("connection <partition> <id> type
 * <n> port <owner> <id>[ deleted][ gpa <a> value <v> flags <f>]"), numbers
 * in hex but type, sint and signals.
 */
void hvsim_port_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("ports", 0444, dir, NULL, &hvsim_ports_fops);
}

const struct hvsim_hcall hvsim_port_hcalls[] = {
	{
		.code = HVCALL_CREATE_PORT, .name = "CREATE_PORT", .slow = true,
		.in_size = sizeof(struct hv_input_create_port),
		.call = hvsim_create_port,
	}, {
		.code = HVCALL_CONNECT_PORT, .name = "CONNECT_PORT", .slow = true,
		.in_size = sizeof(struct hv_input_connect_port),
		.call = hvsim_connect_port,
	}, {
		.code = HVCALL_DISCONNECT_PORT, .name = "DISCONNECT_PORT",
		.fast = true, .slow = true,
		.in_size = sizeof(struct hv_input_disconnect_port),
		.call = hvsim_disconnect_port,
	}, {
		.code = HVCALL_DELETE_PORT, .name = "DELETE_PORT",
		.fast = true, .slow = true,
		.in_size = sizeof(struct hv_input_delete_port),
		.call = hvsim_delete_port,
	}, {
		.code = HVCALL_NOTIFY_PORT_RING_EMPTY, .name = "NOTIFY_PORT_RING_EMPTY",
		.fast = true, .slow = true,
		.in_size = sizeof(struct hv_input_notify_port_ring_empty),
		.call = hvsim_notify_port_ring_empty,
	}, {
		.code = HVCALL_SIGNAL_EVENT_DIRECT, .name = "SIGNAL_EVENT_DIRECT",
		.slow = true,
		.in_size = sizeof(struct hv_input_signal_event_direct),
		.out_size = sizeof(struct hv_output_signal_event_direct),
		.call = hvsim_signal_event_direct,
	}, {
		.code = HVCALL_POST_MESSAGE_DIRECT, .name = "POST_MESSAGE_DIRECT",
		.slow = true,
		.in_size = sizeof(struct hv_input_post_message_direct),
		.call = hvsim_post_message_direct,
	},
};

const unsigned int hvsim_port_nr_hcalls = ARRAY_SIZE(hvsim_port_hcalls);
