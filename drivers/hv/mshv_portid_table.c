// SPDX-License-Identifier: GPL-2.0-only
/*
 * mshv_root: the root's port ids.
 *
 * Every doorbell port the root creates gets an id here, with the callback
 * the SynIC event-ring handler runs when the hypervisor signals the port.
 * Ids are handed out with an IDR; the event-ring handler looks them up in
 * interrupt context under RCU, so an entry is freed only after a grace
 * period.  Allocation preloads outside the spinlock, so nothing sleeps
 * under it.
 */
#include <linux/idr.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "mshv_root.h"

struct mshv_port {
	mshv_port_fn fn;
	void *data;
	struct rcu_head rcu;
};

static DEFINE_IDR(mshv_ports);
static DEFINE_SPINLOCK(mshv_ports_lock);	/* protects writers of mshv_ports */

/**
 * mshv_portid_alloc() - allocate a port id
 * @fn: called (in interrupt context, under RCU) when the port is signalled
 * @data: passed to @fn
 *
 * Return: an id in [1, HV_PORT_ID_MASK], or a negative errno.
 */
int mshv_portid_alloc(mshv_port_fn fn, void *data)
{
	struct mshv_port *port;
	int id;

	port = kmalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return -ENOMEM;
	port->fn = fn;
	port->data = data;

	idr_preload(GFP_KERNEL);
	spin_lock_irq(&mshv_ports_lock);
	/* 0 is not a valid port id; the hypervisor's ids are 24-bit. */
	id = idr_alloc(&mshv_ports, port, 1, HV_PORT_ID_MASK + 1, GFP_NOWAIT);
	spin_unlock_irq(&mshv_ports_lock);
	idr_preload_end();
	if (id < 0)
		kfree(port);
	return id;
}

/**
 * mshv_portid_free() - release a port id
 * @id: an id from mshv_portid_alloc() whose port the hypervisor deleted
 *
 * A signal handler already running for @id may still use its data; the
 * caller waits for it with synchronize_rcu() before freeing that data.
 */
void mshv_portid_free(int id)
{
	struct mshv_port *port;

	spin_lock_irq(&mshv_ports_lock);
	port = idr_remove(&mshv_ports, id);
	spin_unlock_irq(&mshv_ports_lock);
	if (!WARN_ON_ONCE(!port))
		kfree_rcu(port, rcu);
}

/**
 * mshv_portid_signal() - the hypervisor signalled port @id
 * @id: from the event ring; may name no port of ours
 *
 * Called in interrupt context.
 *
 * Return: true if a port took the signal.
 */
bool mshv_portid_signal(u32 id)
{
	struct mshv_port *port;

	rcu_read_lock();
	port = idr_find(&mshv_ports, id);
	if (port)
		port->fn(port->data);
	rcu_read_unlock();
	return port;
}
