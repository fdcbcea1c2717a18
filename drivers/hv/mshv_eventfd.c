// SPDX-License-Identifier: GPL-2.0-only
/*
 * mshv_root: eventfds wired to the guest -- irqfds (MSHV_IRQFD) inject an
 * interrupt when signalled, ioeventfds (MSHV_IOEVENTFD) are signalled when
 * the guest writes a doorbell address.
 *
 * irqfd.  The irqfd's wait-queue entry sits on the eventfd; the wake-up
 * callback consumes the count and asserts the interrupt right there, in
 * the signaller's context (ASSERT_VIRTUAL_INTERRUPT does not sleep), from a
 * private copy of the GSI's route that MSHV_SET_MSI_ROUTING refreshes under
 * a seqcount.  Removal (deassign, the eventfd being closed, the partition
 * going away) unlinks the irqfd under the partition's irqfds_lock and hands
 * the rest to a work item, because taking the entry off the eventfd's
 * queue, dropping the eventfd and detaching a resampler may sleep -- this
 * is the only deferred work, and never on the injection path.  Deassign and
 * release flush that work, so when they return no callback runs any more.
 *
 * Lock order: eventfd wait-queue lock -> irqfds_lock (the wake-up callback
 * unlinks on EPOLLHUP); pt->lock -> resampler_lock.
 *
 * Resampling (level-triggered routes).  Irqfds of one GSI share a
 * resampler.  When the guest EOIs a level-triggered vector the hypervisor
 * posts HVMSG_X64_APIC_EOI; the SynIC handler passes the vector here, and
 * each resampler whose route has that vector signals the resamplefds of
 * its irqfds (the VMM re-asserts if the line is still high).  Notifiers are
 * keyed by GSI and matched by the vector of the GSI's current route,
 * because the EOI names only a vector.
 *
 * ioeventfd.  Each is a doorbell: a root port (CREATE_PORT, target SINT
 * HV_SYNIC_DOORBELL_SINT_INDEX) and the guest's connection to it
 * (CONNECT_PORT with the GPA, size and value to match).  A matching guest
 * write completes in the hypervisor, which puts the port id on the root's
 * event ring; the SynIC handler looks the port up and signals the eventfd.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "mshv_root.h"

struct mshv_irqfd_resampler;

struct mshv_irqfd {
	struct mshv_partition *pt;
	struct eventfd_ctx *eventfd;
	u32 gsi;
	seqcount_spinlock_t route_seq;	/* route; writers hold pt->irqfds_lock */
	struct mshv_girq route;
	struct list_head node;		/* pt->irqfds */
	wait_queue_entry_t wait;
	poll_table poll;
	struct mshv_irqfd_resampler *resampler;
	struct eventfd_ctx *resamplefd;
	struct list_head resampler_node;	/* resampler->irqfds (RCU) */
	struct work_struct shutdown;
	struct rcu_head rcu;
};

struct mshv_irqfd_resampler {
	u32 gsi;
	struct list_head irqfds;	/* RCU; writers hold pt->resampler_lock */
	struct list_head node;		/* pt->resamplers (RCU) */
	struct rcu_head rcu;
};

struct mshv_ioeventfd {
	struct list_head node;		/* pt->ioeventfds, under pt->lock */
	struct eventfd_ctx *eventfd;
	u64 addr;
	u32 len;
	bool wildcard;
	u64 datamatch;
	int port_id;
	struct rcu_head rcu;
};

static struct workqueue_struct *mshv_irqfd_wq;

/* ------------------------------------------------------------- irqfd ---- */

static void mshv_irqfd_route(struct mshv_irqfd *irqfd, struct mshv_girq *g)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&irqfd->route_seq);
		*g = irqfd->route;
	} while (read_seqcount_retry(&irqfd->route_seq, seq));
}

static void mshv_irqfd_inject(struct mshv_irqfd *irqfd)
{
	struct mshv_girq g;

	mshv_irqfd_route(irqfd, &g);
	/* No route yet (or not an injectable one): the signal is dropped. */
	mshv_girq_inject(irqfd->pt, &g);
}

/* Unlink and schedule the teardown; pt->irqfds_lock held. */
static void mshv_irqfd_deactivate(struct mshv_irqfd *irqfd)
{
	lockdep_assert_held(&irqfd->pt->irqfds_lock);
	if (list_empty(&irqfd->node))
		return;		/* already on its way out */
	list_del_init(&irqfd->node);
	queue_work(mshv_irqfd_wq, &irqfd->shutdown);
}

static int mshv_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			     int sync, void *key)
{
	struct mshv_irqfd *irqfd = container_of(wait, struct mshv_irqfd, wait);
	__poll_t events = key_to_poll(key);
	unsigned long flags;
	u64 count;

	if (events & EPOLLIN) {
		/* Called with the eventfd's queue lock held, as this requires. */
		eventfd_ctx_do_read(irqfd->eventfd, &count);
		mshv_irqfd_inject(irqfd);
	}
	if (events & EPOLLHUP) {
		/* The eventfd is being released. */
		spin_lock_irqsave(&irqfd->pt->irqfds_lock, flags);
		mshv_irqfd_deactivate(irqfd);
		spin_unlock_irqrestore(&irqfd->pt->irqfds_lock, flags);
	}
	return 0;
}

static void mshv_irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
				  poll_table *poll)
{
	struct mshv_irqfd *irqfd = container_of(poll, struct mshv_irqfd, poll);

	add_wait_queue_priority(wqh, &irqfd->wait);
}

static void mshv_irqfd_resampler_detach(struct mshv_irqfd *irqfd)
{
	struct mshv_irqfd_resampler *r = irqfd->resampler;
	struct mshv_partition *pt = irqfd->pt;

	mutex_lock(&pt->resampler_lock);
	list_del_rcu(&irqfd->resampler_node);
	if (list_empty(&r->irqfds)) {
		list_del_rcu(&r->node);
		kfree_rcu(r, rcu);
	}
	mutex_unlock(&pt->resampler_lock);
}

/* The EOI handler may still be walking to the irqfd and its resamplefd. */
static void mshv_irqfd_free_rcu(struct rcu_head *rcu)
{
	struct mshv_irqfd *irqfd = container_of(rcu, struct mshv_irqfd, rcu);

	if (irqfd->resamplefd)
		eventfd_ctx_put(irqfd->resamplefd);
	kfree(irqfd);
}

static void mshv_irqfd_shutdown(struct work_struct *work)
{
	struct mshv_irqfd *irqfd = container_of(work, struct mshv_irqfd, shutdown);
	u64 count;

	/* Waits for a running wake-up; none starts after this. */
	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &count);
	if (irqfd->resampler)
		mshv_irqfd_resampler_detach(irqfd);
	eventfd_ctx_put(irqfd->eventfd);
	call_rcu(&irqfd->rcu, mshv_irqfd_free_rcu);
}

static int mshv_irqfd_resampler_attach(struct mshv_irqfd *irqfd)
{
	struct mshv_partition *pt = irqfd->pt;
	struct mshv_irqfd_resampler *r;

	mutex_lock(&pt->resampler_lock);
	list_for_each_entry(r, &pt->resamplers, node)
		if (r->gsi == irqfd->gsi)
			goto found;
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r) {
		mutex_unlock(&pt->resampler_lock);
		return -ENOMEM;
	}
	r->gsi = irqfd->gsi;
	INIT_LIST_HEAD(&r->irqfds);
	list_add_rcu(&r->node, &pt->resamplers);
found:
	irqfd->resampler = r;
	list_add_rcu(&irqfd->resampler_node, &r->irqfds);
	mutex_unlock(&pt->resampler_lock);
	return 0;
}

static int mshv_irqfd_assign(struct mshv_partition *pt, const struct mshv_user_irqfd *args)
{
	struct mshv_irqfd *irqfd, *other;
	struct eventfd_ctx *eventfd;
	unsigned long flags;
	struct fd f;
	__poll_t events;
	int ret;

	f = fdget(args->fd);
	if (!fd_file(f))
		return -EBADF;
	eventfd = eventfd_ctx_fileget(fd_file(f));
	if (IS_ERR(eventfd)) {
		ret = -EBADF;
		goto err_fdput;
	}

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd) {
		ret = -ENOMEM;
		goto err_put_eventfd;
	}
	irqfd->pt = pt;
	irqfd->eventfd = eventfd;
	irqfd->gsi = args->gsi;
	INIT_LIST_HEAD(&irqfd->node);
	INIT_LIST_HEAD(&irqfd->resampler_node);
	INIT_WORK(&irqfd->shutdown, mshv_irqfd_shutdown);
	seqcount_spinlock_init(&irqfd->route_seq, &pt->irqfds_lock);
	init_waitqueue_func_entry(&irqfd->wait, mshv_irqfd_wakeup);
	init_poll_funcptr(&irqfd->poll, mshv_irqfd_queue_proc);
	/* The table cannot change: MSHV_SET_MSI_ROUTING needs pt->lock too. */
	mshv_girq_lookup(pt, args->gsi, &irqfd->route);

	if (args->flags & BIT(MSHV_IRQFD_BIT_RESAMPLE)) {
		/* Checked against the route just read, not a default. */
		if (!irqfd->route.valid || !irqfd->route.level) {
			ret = -EINVAL;
			goto err_free;
		}
		irqfd->resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(irqfd->resamplefd)) {
			ret = -EBADF;
			goto err_free;
		}
	}

	/* One irqfd per eventfd in a partition. */
	spin_lock_irqsave(&pt->irqfds_lock, flags);
	list_for_each_entry(other, &pt->irqfds, node) {
		if (other->eventfd == eventfd) {
			spin_unlock_irqrestore(&pt->irqfds_lock, flags);
			ret = -EBUSY;
			goto err_put_resamplefd;
		}
	}
	spin_unlock_irqrestore(&pt->irqfds_lock, flags);

	if (irqfd->resamplefd) {
		ret = mshv_irqfd_resampler_attach(irqfd);
		if (ret)
			goto err_put_resamplefd;
	}

	spin_lock_irqsave(&pt->irqfds_lock, flags);
	list_add_tail(&irqfd->node, &pt->irqfds);
	spin_unlock_irqrestore(&pt->irqfds_lock, flags);

	/*
	 * Hook onto the eventfd last: from here on a signal injects and a
	 * close unlinks.  A count already there injects once now.
	 */
	events = vfs_poll(fd_file(f), &irqfd->poll);
	if (events & EPOLLIN)
		mshv_irqfd_inject(irqfd);
	fdput(f);
	return 0;

err_put_resamplefd:
	if (irqfd->resamplefd)
		eventfd_ctx_put(irqfd->resamplefd);
err_free:
	kfree(irqfd);
err_put_eventfd:
	eventfd_ctx_put(eventfd);
err_fdput:
	fdput(f);
	return ret;
}

static int mshv_irqfd_deassign(struct mshv_partition *pt, const struct mshv_user_irqfd *args)
{
	struct mshv_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;
	unsigned long flags;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return -EBADF;
	spin_lock_irqsave(&pt->irqfds_lock, flags);
	list_for_each_entry_safe(irqfd, tmp, &pt->irqfds, node)
		if (irqfd->eventfd == eventfd && irqfd->gsi == args->gsi)
			mshv_irqfd_deactivate(irqfd);
	spin_unlock_irqrestore(&pt->irqfds_lock, flags);
	eventfd_ctx_put(eventfd);
	/* In-flight injections and the teardown are over when we return. */
	flush_workqueue(mshv_irqfd_wq);
	return 0;
}

/**
 * mshv_partition_ioctl_irqfd() - MSHV_IRQFD
 * @pt: the partition (its mutex held)
 * @uarg: struct mshv_user_irqfd
 *
 * Return: 0 or a negative errno.
 */
long mshv_partition_ioctl_irqfd(struct mshv_partition *pt, void __user *uarg)
{
	struct mshv_user_irqfd args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	/* A GSI no table can route would never inject: refuse it. */
	if ((args.flags & ~GENMASK(MSHV_IRQFD_BIT_COUNT - 1, 0)) ||
	    args.gsi >= MSHV_MAX_GUEST_IRQS)
		return -EINVAL;
	if (args.flags & BIT(MSHV_IRQFD_BIT_DEASSIGN))
		return mshv_irqfd_deassign(pt, &args);
	return mshv_irqfd_assign(pt, &args);
}

/**
 * mshv_irqfd_routes_update() - every irqfd takes its route from the new table
 * @pt: the partition (its mutex held), with the new table published
 */
void mshv_irqfd_routes_update(struct mshv_partition *pt)
{
	struct mshv_irqfd *irqfd;
	unsigned long flags;

	spin_lock_irqsave(&pt->irqfds_lock, flags);
	list_for_each_entry(irqfd, &pt->irqfds, node) {
		write_seqcount_begin(&irqfd->route_seq);
		mshv_girq_lookup(pt, irqfd->gsi, &irqfd->route);
		write_seqcount_end(&irqfd->route_seq);
	}
	spin_unlock_irqrestore(&pt->irqfds_lock, flags);
}

/**
 * mshv_irqfd_eoi() - the guest ended a level-triggered interrupt
 * @pt: the partition (RCU read-side section held by the caller)
 * @vector: the vector from HVMSG_X64_APIC_EOI
 *
 * Called from the SynIC handler.  Signals the resamplefds of every
 * resampler whose GSI currently routes @vector.
 *
 * Return: true if a resampler took the EOI.
 */
bool mshv_irqfd_eoi(struct mshv_partition *pt, u32 vector)
{
	struct mshv_irqfd_resampler *r;
	struct mshv_irqfd *irqfd;
	struct mshv_girq g;
	bool taken = false;

	list_for_each_entry_rcu(r, &pt->resamplers, node) {
		/* The irqfds of a resampler share its GSI, hence its route. */
		irqfd = list_first_or_null_rcu(&r->irqfds, struct mshv_irqfd,
					       resampler_node);
		if (!irqfd)
			continue;
		mshv_irqfd_route(irqfd, &g);
		if (!g.valid || !g.level || g.vector != vector)
			continue;
		/* An ExtINT stays acknowledged until the hypervisor is told. */
		if (g.type == HV_X64_INTERRUPT_TYPE_EXTINT)
			mshv_hvcall_clear_virtual_interrupt(pt->id);
		list_for_each_entry_rcu(irqfd, &r->irqfds, resampler_node)
			eventfd_signal(irqfd->resamplefd);
		taken = true;
	}
	return taken;
}

/* ---------------------------------------------------------- ioeventfd ---- */

static void mshv_ioeventfd_signal(void *data)
{
	struct mshv_ioeventfd *p = data;

	eventfd_signal(p->eventfd);
}

/* Doorbell trigger size of an ioeventfd length (0: any size). */
static int mshv_ioeventfd_size(u32 len, u64 *flags)
{
	switch (len) {
	case 0:
		*flags = HV_DOORBELL_FLAG_TRIGGER_SIZE_ANY;
		return 0;
	case 1:
		*flags = HV_DOORBELL_FLAG_TRIGGER_SIZE_BYTE;
		return 0;
	case 2:
		*flags = HV_DOORBELL_FLAG_TRIGGER_SIZE_WORD;
		return 0;
	case 4:
		*flags = HV_DOORBELL_FLAG_TRIGGER_SIZE_DWORD;
		return 0;
	case 8:
		*flags = HV_DOORBELL_FLAG_TRIGGER_SIZE_QWORD;
		return 0;
	}
	return -EINVAL;
}

/* Give the doorbell back to the hypervisor; @p stays allocated. */
static void mshv_ioeventfd_unregister(struct mshv_partition *pt, struct mshv_ioeventfd *p)
{
	int ret;

	ret = mshv_hvcall_disconnect_doorbell(pt->id, p->port_id);
	if (ret)
		pr_warn("mshv_root: partition %#llx: disconnecting doorbell %d: %d\n",
			pt->id, p->port_id, ret);
	ret = mshv_hvcall_delete_port(p->port_id);
	if (ret)
		pr_warn("mshv_root: deleting doorbell port %d: %d\n", p->port_id, ret);
	mshv_portid_free(p->port_id);
}

/* After the doorbell handlers that may be signalling it. */
static void mshv_ioeventfd_free_rcu(struct rcu_head *rcu)
{
	struct mshv_ioeventfd *p = container_of(rcu, struct mshv_ioeventfd, rcu);

	eventfd_ctx_put(p->eventfd);
	kfree(p);
}

static int mshv_ioeventfd_assign(struct mshv_partition *pt,
				 const struct mshv_user_ioeventfd *args, u64 flags)
{
	bool wildcard = !(args->flags & BIT(MSHV_IOEVENTFD_BIT_DATAMATCH));
	struct mshv_ioeventfd *p, *other;
	struct eventfd_ctx *eventfd;
	int ret;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return -EBADF;
	list_for_each_entry(other, &pt->ioeventfds, node) {
		if (other->addr == args->addr && other->len == args->len &&
		    (other->wildcard || wildcard || other->datamatch == args->datamatch)) {
			ret = -EEXIST;
			goto err_put_eventfd;
		}
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		ret = -ENOMEM;
		goto err_put_eventfd;
	}
	p->eventfd = eventfd;
	p->addr = args->addr;
	p->len = args->len;
	p->wildcard = wildcard;
	p->datamatch = wildcard ? 0 : args->datamatch;

	p->port_id = mshv_portid_alloc(mshv_ioeventfd_signal, p);
	if (p->port_id < 0) {
		ret = p->port_id;
		goto err_free;
	}
	ret = mshv_hvcall_create_doorbell_port(pt->id, p->port_id,
					       HV_SYNIC_DOORBELL_SINT_INDEX);
	if (ret)
		goto err_free_id;
	if (wildcard)
		flags |= HV_DOORBELL_FLAG_TRIGGER_ANY_VALUE;
	ret = mshv_hvcall_connect_doorbell(pt->id, p->port_id, p->addr, p->datamatch,
					   flags);
	if (ret)
		goto err_delete_port;
	list_add_tail(&p->node, &pt->ioeventfds);
	return 0;

err_delete_port:
	mshv_hvcall_delete_port(p->port_id);
err_free_id:
	/* Never connected, so never signalled: no grace period needed. */
	mshv_portid_free(p->port_id);
err_free:
	kfree(p);
err_put_eventfd:
	eventfd_ctx_put(eventfd);
	return ret;
}

static int mshv_ioeventfd_deassign(struct mshv_partition *pt,
				   const struct mshv_user_ioeventfd *args)
{
	bool wildcard = !(args->flags & BIT(MSHV_IOEVENTFD_BIT_DATAMATCH));
	struct mshv_ioeventfd *p;
	struct eventfd_ctx *eventfd;
	int ret = -ENOENT;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return -EBADF;
	list_for_each_entry(p, &pt->ioeventfds, node) {
		if (p->eventfd != eventfd || p->addr != args->addr ||
		    p->len != args->len || p->wildcard != wildcard ||
		    (!wildcard && p->datamatch != args->datamatch))
			continue;
		list_del(&p->node);
		mshv_ioeventfd_unregister(pt, p);
		/* An event-ring handler may be signalling it right now. */
		call_rcu(&p->rcu, mshv_ioeventfd_free_rcu);
		ret = 0;
		break;
	}
	eventfd_ctx_put(eventfd);
	return ret;
}

/**
 * mshv_partition_ioctl_ioeventfd() - MSHV_IOEVENTFD
 * @pt: the partition (its mutex held)
 * @uarg: struct mshv_user_ioeventfd
 *
 * Return: 0 or a negative errno.
 */
long mshv_partition_ioctl_ioeventfd(struct mshv_partition *pt, void __user *uarg)
{
	struct mshv_user_ioeventfd args;
	u64 flags, end;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~GENMASK(MSHV_IOEVENTFD_BIT_COUNT - 1, 0)) ||
	    memchr_inv(args.rsvd, 0, sizeof(args.rsvd)))
		return -EINVAL;
	/* Port I/O has no doorbells. */
	if (args.flags & BIT(MSHV_IOEVENTFD_BIT_PIO))
		return -EOPNOTSUPP;
	if (mshv_ioeventfd_size(args.len, &flags) ||
	    check_add_overflow(args.addr, (u64)args.len, &end))
		return -EINVAL;
	/* A doorbell lies within one page. */
	if ((args.addr & (HV_HYP_PAGE_SIZE - 1)) + max(args.len, 1U) > HV_HYP_PAGE_SIZE)
		return -EINVAL;
	if (args.flags & BIT(MSHV_IOEVENTFD_BIT_DEASSIGN))
		return mshv_ioeventfd_deassign(pt, &args);
	return mshv_ioeventfd_assign(pt, &args, flags);
}

/* ---------------------------------------------------------- lifetime ---- */

/**
 * mshv_partition_release_eventfds() - tear down every irqfd and ioeventfd
 * @pt: a dying partition, before FINALIZE_PARTITION
 *
 * When this returns no irqfd callback, resampler or doorbell handler runs
 * for @pt any more.
 */
void mshv_partition_release_eventfds(struct mshv_partition *pt)
{
	struct mshv_ioeventfd *p, *tmp;
	struct mshv_irqfd *irqfd, *next;
	unsigned long flags;

	spin_lock_irqsave(&pt->irqfds_lock, flags);
	list_for_each_entry_safe(irqfd, next, &pt->irqfds, node)
		mshv_irqfd_deactivate(irqfd);
	spin_unlock_irqrestore(&pt->irqfds_lock, flags);
	flush_workqueue(mshv_irqfd_wq);

	list_for_each_entry_safe(p, tmp, &pt->ioeventfds, node) {
		list_del(&p->node);
		mshv_ioeventfd_unregister(pt, p);
		call_rcu(&p->rcu, mshv_ioeventfd_free_rcu);
	}
}

/**
 * mshv_eventfd_init() - the irqfd teardown workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int mshv_eventfd_init(void)
{
	mshv_irqfd_wq = alloc_workqueue("mshv_irqfd", 0, 0);
	return mshv_irqfd_wq ? 0 : -ENOMEM;
}

void mshv_eventfd_exit(void)
{
	destroy_workqueue(mshv_irqfd_wq);
}
