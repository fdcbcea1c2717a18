// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: the root partition's synthetic interrupt controller, as seen
 * through hv_get_msr()/hv_set_msr(), and its message delivery.
 *
 * For the root the hypervisor provides the SIMP, SIEFP and SIRBP pages:
 * reading the MSR returns the hypervisor-chosen base, and the root writes
 * it back with the enable bit set.  hvsim allocates those pages per CPU at
 * load.  Writes that would #GP on hardware (reserved bits, a different page
 * base, a SINT vector below 16, writing a read-only MSR) are reported as
 * driver bugs and ignored.
 *
 * Messages for the root queue per CPU and SINT.  One is copied into the
 * SINT's slot of the message page when the slot is empty (message type 0),
 * SIMP and SCONTROL are enabled and the SINT is unmasked; then the SINT's
 * interrupt is raised.  While more messages wait, the slot's message gets
 * msg_pending; the root's EOM write makes hvsim deliver the next one.  A
 * slot the root never clears blocks its SINT, as on Hyper-V.
 *
 * The interrupt is real: a host pipe whose read end is a UML interrupt
 * line.  Writing a byte makes the host send UML a SIGIO, and UML runs
 * hvsim_synic_irq() in hard interrupt context, which calls the handler the root installed with
 * hv_setup_mshv_handler() -- never a direct call from the thread that
 * caused the message.
 *
 * Event rings (SIRBP page, hv-abi.md section 12.6): a signalled port's id is
 * written at the hypervisor's head index of the SINT's ring, which wraps at
 * 63 entries.  A non-zero entry at the head means the ring is full: the
 * signal is dropped, ring_full is set, and every later signal for that ring
 * is dropped too until the root issues HVCALL_NOTIFY_PORT_RING_EMPTY.  A
 * new entry is announced unless the consumer set signal_masked: with
 * as_intercept set in the SINT as HVMSG_SYNIC_SINT_INTERCEPT in SINT0 (one
 * queued per SINT at a time), otherwise by the SINT's interrupt.  While
 * SCONTROL is disabled or the SINT masked, the announcement waits for the
 * root to enable them.  With SIRBP disabled the signal is lost.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <irq_kern.h>
#include <os.h>
#include <linux/mm.h>
#include <linux/percpu.h>

#include "hvsim.h"
#include "hvsim_synic.h"

#define HVSIM_SINT_COUNT	16
/* SINTx: vector 0-7, masked 16, auto_eoi 17, polling 18, as_intercept 19, proxy 20. */
#define HVSIM_SINT_VALID	(GENMASK_ULL(7, 0) | GENMASK_ULL(20, 16))
#define HVSIM_SINT_MASKED	BIT_ULL(16)
#define HVSIM_SINT_AS_INTERCEPT	BIT_ULL(19)
/* SIMP/SIEFP/SIRBP: enable bit 0, bits 1-11 preserved, base 12-63. */
#define HVSIM_PAGE_ENABLE	BIT_ULL(0)
#define HVSIM_PAGE_BASE		GENMASK_ULL(63, 12)

struct hvsim_synic {
	u64 scontrol;
	u64 simp;
	u64 siefp;
	u64 sirbp;
	u64 sint[HVSIM_SINT_COUNT];
	void *msg_page;
	void *flag_page;
	void *ring_page;
	struct list_head queue[HVSIM_SINT_COUNT];
	/* Event rings: the next entry hvsim writes, per SINT (kept across SIRBP off). */
	u8 ring_head[HVSIM_SINT_COUNT];
	/* Full: signals are dropped until NOTIFY_PORT_RING_EMPTY. */
	bool ring_blocked[HVSIM_SINT_COUNT];
	/* New entries whose announcement waits for SCONTROL / the SINT. */
	bool ring_unannounced[HVSIM_SINT_COUNT];
};

struct hvsim_queued_msg {
	struct list_head node;
	struct hv_message msg;
};

/* Protects every CPU's queues and slots against concurrent delivery. */
static DEFINE_SPINLOCK(hvsim_synic_lock);
static int hvsim_irq_fds[2] = { -1, -1 };	/* read end, write end */
static int hvsim_irq = -1;
static atomic64_t hvsim_msgs_posted, hvsim_msgs_delivered, hvsim_irqs;
static atomic64_t hvsim_ring_signals, hvsim_ring_dropped, hvsim_ring_lost;
static atomic64_t hvsim_sint_intercepts;

static DEFINE_PER_CPU(struct hvsim_synic, hvsim_synic);

#ifndef CONFIG_HAS_IOMEM
/*
 * User-Mode Linux without its PCI emulation has no I/O memory (no
 * HAS_IOMEM), so the kernel lacks memremap().  The root driver maps the
 * hypervisor-provided SynIC pages with it, as it must on x86; the pages
 * hvsim provides are RAM, which memremap() maps through the direct map
 * anyway.  Nothing else is offered.
 */
void *memremap(resource_size_t offset, size_t size, unsigned long flags)
{
	if (WARN_ON_ONCE(!(flags & MEMREMAP_WB) ||
			 !pfn_valid(PHYS_PFN(offset)) ||
			 !pfn_valid(PHYS_PFN(offset + size - 1))))
		return NULL;
	return __va(offset);
}
EXPORT_SYMBOL_GPL(memremap);

void memunmap(void *addr)
{
}
EXPORT_SYMBOL_GPL(memunmap);
#endif /* !CONFIG_HAS_IOMEM */

/* What the Hyper-V core learns from CPUID: no recommendations. */
struct ms_hyperv_info ms_hyperv;
EXPORT_SYMBOL_GPL(ms_hyperv);
static void (*mshv_handler)(void);

/*
 * Raise the SynIC interrupt: the pipe becomes readable.  If it is full, an
 * interrupt is pending anyway.
 */
static void hvsim_raise_irq(void)
{
	char one = 1;

	if (hvsim_irq_fds[1] >= 0)
		os_write_file(hvsim_irq_fds[1], &one, sizeof(one));
}

/*
 * Move the next queued message of @sint into its slot if the slot is free
 * and delivery is enabled.  Returns true if the interrupt must be raised.
 * Called with hvsim_synic_lock held.
 */
static bool hvsim_deliver(struct hvsim_synic *s, unsigned int sint)
{
	struct hv_message_page *page = s->msg_page;
	struct hv_message *slot = &page->sint_message[sint];
	struct hvsim_queued_msg *m;

	if (list_empty(&s->queue[sint]) || !(s->scontrol & 1) ||
	    !(s->simp & HVSIM_PAGE_ENABLE) || (s->sint[sint] & HVSIM_SINT_MASKED))
		return false;
	if (READ_ONCE(slot->header.message_type) != HVMSG_NONE) {
		/* Tell the consumer to EOM once it has freed the slot. */
		slot->header.message_flags.msg_pending = 1;
		return false;
	}
	m = list_first_entry(&s->queue[sint], struct hvsim_queued_msg, node);
	list_del(&m->node);
	/* Everything but the type first: a non-NONE type means "complete". */
	memcpy((u8 *)slot + sizeof(slot->header.message_type),
	       (u8 *)&m->msg + sizeof(m->msg.header.message_type),
	       sizeof(*slot) - sizeof(slot->header.message_type));
	slot->header.message_flags.msg_pending = !list_empty(&s->queue[sint]);
	/* Payload before the type that announces it (the root reads the type first). */
	smp_wmb();
	WRITE_ONCE(slot->header.message_type, m->msg.header.message_type);
	kfree(m);
	atomic64_inc(&hvsim_msgs_delivered);
	return true;
}

/*
 * Queue HVMSG_SYNIC_SINT_INTERCEPT for @sint in SINT0 unless one is still
 * queued (the root has not seen it yet, so it will drain the ring after
 * this entry anyway).  Returns true if the interrupt must be raised.
 * Called with hvsim_synic_lock held.
 */
static bool hvsim_queue_sint_intercept(struct hvsim_synic *s, unsigned int sint)
{
	struct list_head *q = &s->queue[HV_SYNIC_INTERCEPTION_SINT_INDEX];
	struct hv_notification_message_payload *p;
	struct hvsim_queued_msg *m;

	list_for_each_entry(m, q, node) {
		p = (void *)m->msg.u.payload;
		if (m->msg.header.message_type == HVMSG_SYNIC_SINT_INTERCEPT &&
		    p->sint_index == sint)
			return false;
	}
	m = kzalloc(sizeof(*m), GFP_ATOMIC | __GFP_NOWARN);
	if (!m) {
		/* Out of message buffers: announce at the next chance. */
		s->ring_unannounced[sint] = true;
		return false;
	}
	m->msg.header.message_type = HVMSG_SYNIC_SINT_INTERCEPT;
	m->msg.header.payload_size = sizeof(*p);
	p = (void *)m->msg.u.payload;
	p->sint_index = sint;
	list_add_tail(&m->node, q);
	atomic64_inc(&hvsim_msgs_posted);
	atomic64_inc(&hvsim_sint_intercepts);
	return hvsim_deliver(s, HV_SYNIC_INTERCEPTION_SINT_INDEX);
}

/*
 * Announce new entries of event ring @sint: as a SINT0 message if the SINT
 * is "as intercept", else by its interrupt; later if SCONTROL is disabled or
 * the SINT masked.  Returns true if the interrupt must be raised.  Called
 * with hvsim_synic_lock held.
 */
static bool hvsim_ring_announce(struct hvsim_synic *s, unsigned int sint)
{
	u64 sint_msr = s->sint[sint];

	if (!(s->scontrol & 1) || (sint_msr & HVSIM_SINT_MASKED)) {
		s->ring_unannounced[sint] = true;
		return false;
	}
	s->ring_unannounced[sint] = false;
	if (sint_msr & HVSIM_SINT_AS_INTERCEPT)
		return hvsim_queue_sint_intercept(s, sint);
	return true;
}

static bool hvsim_deliver_all(struct hvsim_synic *s)
{
	bool raise = false;
	unsigned int sint;

	for (sint = 0; sint < HVSIM_SINT_COUNT; sint++)
		if (s->ring_unannounced[sint])
			raise |= hvsim_ring_announce(s, sint);
	for (sint = 0; sint < HVSIM_SINT_COUNT; sint++)
		raise |= hvsim_deliver(s, sint);
	return raise;
}

static struct hv_synic_event_ring *hvsim_ring(struct hvsim_synic *s,
					      unsigned int sint)
{
	struct hv_synic_event_ring_page *page = s->ring_page;

	return &page->sint_event_ring[sint];
}

/**
 * hvsim_synic_signal_port() - add a port id to an event ring of the root
 * @cpu: the root CPU whose SynIC receives it
 * @sint: the SINT (ring) index, below 16
 * @port_id: the port signalled (non-zero)
 *
 * May be called in any context, including under hvsim.lock.
 *
 * Return: 0 when the id was added, -ENOSPC when the ring is full (or still
 * waits for HVCALL_NOTIFY_PORT_RING_EMPTY; ring_full is set), -ENODEV when
 * SIRBP is disabled, -EINVAL for a bad @sint.  The signal is lost on an
 * error.
 */
int hvsim_synic_signal_port(int cpu, unsigned int sint, u32 port_id)
{
	struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);
	struct hv_synic_event_ring *ring;
	unsigned long flags;
	bool raise = false;
	u8 *head;
	int ret = 0;

	if (WARN_ON_ONCE(sint >= HVSIM_SINT_COUNT))
		return -EINVAL;
	spin_lock_irqsave(&hvsim_synic_lock, flags);
	if (!(s->sirbp & HVSIM_PAGE_ENABLE)) {
		atomic64_inc(&hvsim_ring_lost);
		ret = -ENODEV;
		goto out;
	}
	ring = hvsim_ring(s, sint);
	head = &s->ring_head[sint];
	if (s->ring_blocked[sint] || READ_ONCE(ring->data[*head])) {
		s->ring_blocked[sint] = true;
		WRITE_ONCE(ring->ring_full, 1);
		atomic64_inc(&hvsim_ring_dropped);
		ret = -ENOSPC;
		goto out;
	}
	WRITE_ONCE(ring->data[*head], port_id);
	*head = (*head + 1) % HV_SYNIC_EVENT_RING_MESSAGE_COUNT;
	atomic64_inc(&hvsim_ring_signals);
	/*
	 * The entry before signal_masked: the consumer clears signal_masked,
	 * issues a full barrier and looks at its slot once more, so either it
	 * sees the entry or this sees signal_masked clear.
	 */
	smp_mb();
	if (!READ_ONCE(ring->signal_masked))
		raise = hvsim_ring_announce(s, sint);
out:
	spin_unlock_irqrestore(&hvsim_synic_lock, flags);
	if (raise)
		hvsim_raise_irq();
	return ret;
}

/**
 * hvsim_synic_ring_empty() - HVCALL_NOTIFY_PORT_RING_EMPTY
 * @cpu: the calling CPU
 * @sint: the ring the root drained
 *
 * Signals for the ring are added again.
 */
void hvsim_synic_ring_empty(int cpu, unsigned int sint)
{
	struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);
	unsigned long flags;

	if (WARN_ON_ONCE(sint >= HVSIM_SINT_COUNT))
		return;
	spin_lock_irqsave(&hvsim_synic_lock, flags);
	s->ring_blocked[sint] = false;
	spin_unlock_irqrestore(&hvsim_synic_lock, flags);
}

/**
 * hvsim_synic_post() - queue a message for the root
 * @cpu: the root CPU whose SynIC receives it
 * @sint: the SINT
 * @msg: the message (copied)
 *
 * May be called in any context, including under hvsim.lock.
 *
 * Return: 0, or -ENOMEM (the hypervisor's message buffers are exhausted).
 */
int hvsim_synic_post(int cpu, unsigned int sint, const struct hv_message *msg)
{
	struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);
	struct hvsim_queued_msg *m;
	unsigned long flags;
	bool raise;

	m = kmalloc(sizeof(*m), GFP_ATOMIC | __GFP_NOWARN);
	if (!m)
		return -ENOMEM;
	m->msg = *msg;
	spin_lock_irqsave(&hvsim_synic_lock, flags);
	list_add_tail(&m->node, &s->queue[sint]);
	raise = hvsim_deliver(s, sint);
	spin_unlock_irqrestore(&hvsim_synic_lock, flags);
	atomic64_inc(&hvsim_msgs_posted);
	if (raise)
		hvsim_raise_irq();
	return 0;
}

/**
 * hvsim_synic_post_async_completion() - an asynchronous call completed
 * @partition_id: the partition the call was for
 * @status: its final status
 *
 * Posts HVMSG_ASYNC_CALL_COMPLETION to SINT0 of the first online CPU.
 *
 * Return: 0 or -ENOMEM.
 */
int hvsim_synic_post_async_completion(u64 partition_id, u16 status)
{
	struct hv_async_completion_message_payload *p;
	struct hv_message msg = {};

	msg.header.message_type = HVMSG_ASYNC_CALL_COMPLETION;
	msg.header.payload_size = sizeof(*p);
	p = (void *)msg.u.payload;
	p->partition_id = partition_id;
	p->status = status;
	return hvsim_synic_post(cpumask_first(cpu_online_mask),
				HV_SYNIC_INTERCEPTION_SINT_INDEX, &msg);
}

static irqreturn_t hvsim_synic_irq(int irq, void *dev)
{
	void (*handler)(void);
	char buf[64];

	/* Drain the pipe: one handler run serves every raise so far. */
	while (os_read_file(hvsim_irq_fds[0], buf, sizeof(buf)) == sizeof(buf))
		;
	atomic64_inc(&hvsim_irqs);
	handler = READ_ONCE(mshv_handler);
	if (handler)
		handler();
	return IRQ_HANDLED;
}

void hv_setup_mshv_handler(void (*handler)(void))
{
	WRITE_ONCE(mshv_handler, handler);
}
EXPORT_SYMBOL_GPL(hv_setup_mshv_handler);

void hv_remove_mshv_handler(void)
{
	WRITE_ONCE(mshv_handler, NULL);
}
EXPORT_SYMBOL_GPL(hv_remove_mshv_handler);

static u64 *hvsim_page_msr(struct hvsim_synic *s, unsigned int reg, void **page)
{
	switch (reg) {
	case HV_X64_MSR_SIMP:
		*page = s->msg_page;
		return &s->simp;
	case HV_X64_MSR_SIEFP:
		*page = s->flag_page;
		return &s->siefp;
	case HV_X64_MSR_SIRBP:
		*page = s->ring_page;
		return &s->sirbp;
	}
	return NULL;
}

/* Delivery may have become possible: try every SINT of this SynIC. */
static void hvsim_synic_kick(struct hvsim_synic *s)
{
	unsigned long flags;
	bool raise;

	spin_lock_irqsave(&hvsim_synic_lock, flags);
	raise = hvsim_deliver_all(s);
	spin_unlock_irqrestore(&hvsim_synic_lock, flags);
	if (raise)
		hvsim_raise_irq();
}

u64 hv_get_msr(unsigned int reg)
{
	struct hvsim_synic *s = this_cpu_ptr(&hvsim_synic);
	void *page;
	u64 *msr;

	if (reg >= HV_X64_MSR_SINT0 && reg < HV_X64_MSR_SINT0 + HVSIM_SINT_COUNT)
		return s->sint[reg - HV_X64_MSR_SINT0];
	msr = hvsim_page_msr(s, reg, &page);
	if (msr)
		return *msr;
	switch (reg) {
	case HV_X64_MSR_SCONTROL:
		return s->scontrol;
	case HV_X64_MSR_SVERSION:
		return 1;
	case HV_X64_MSR_EOM:
		return 0;
	}
	WARN_ONCE(1, "hvsim: rdmsr of unmodelled MSR %#x (#GP on hardware)\n", reg);
	return 0;
}
EXPORT_SYMBOL_GPL(hv_get_msr);

void hv_set_msr(unsigned int reg, u64 value)
{
	struct hvsim_synic *s = this_cpu_ptr(&hvsim_synic);
	void *page;
	u64 *msr;

	if (reg >= HV_X64_MSR_SINT0 && reg < HV_X64_MSR_SINT0 + HVSIM_SINT_COUNT) {
		if (WARN_ONCE((value & ~HVSIM_SINT_VALID) ||
			      (!(value & HVSIM_SINT_MASKED) && (value & 0xff) < 16),
			      "hvsim: invalid SINT%u value %#llx (#GP)\n",
			      reg - HV_X64_MSR_SINT0, value))
			return;
		s->sint[reg - HV_X64_MSR_SINT0] = value;
		hvsim_synic_kick(s);
		return;
	}
	msr = hvsim_page_msr(s, reg, &page);
	if (msr) {
		/* The root must keep the base the hypervisor chose. */
		if (WARN_ONCE((value & HVSIM_PAGE_BASE) != (*msr & HVSIM_PAGE_BASE),
			      "hvsim: root moved hypervisor page of MSR %#x\n", reg))
			return;
		*msr = value;
		hvsim_synic_kick(s);
		return;
	}
	switch (reg) {
	case HV_X64_MSR_SCONTROL:
		if (WARN_ONCE(value & ~1ULL, "hvsim: SCONTROL reserved bits %#llx\n", value))
			return;
		s->scontrol = value;
		hvsim_synic_kick(s);
		return;
	case HV_X64_MSR_EOM:
		/* The root freed a slot: deliver what waits. */
		hvsim_synic_kick(s);
		return;
	}
	WARN_ONCE(1, "hvsim: wrmsr of unmodelled/read-only MSR %#x (#GP)\n", reg);
}
EXPORT_SYMBOL_GPL(hv_set_msr);

void hvsim_synic_exit(void)
{
	struct hvsim_queued_msg *m, *tmp;
	int cpu, sint, i;

	if (hvsim_irq >= 0)
		um_free_irq(hvsim_irq, NULL);
	for (i = 0; i < ARRAY_SIZE(hvsim_irq_fds); i++) {
		if (hvsim_irq_fds[i] >= 0)
			os_close_file(hvsim_irq_fds[i]);
		hvsim_irq_fds[i] = -1;
	}
	hvsim_irq = -1;
	for_each_possible_cpu(cpu) {
		struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);

		for (sint = 0; sint < HVSIM_SINT_COUNT; sint++)
			list_for_each_entry_safe(m, tmp, &s->queue[sint], node)
				kfree(m);

		free_page((unsigned long)s->msg_page);
		free_page((unsigned long)s->flag_page);
		free_page((unsigned long)s->ring_page);
		memset(s, 0, sizeof(*s));
	}
}

int hvsim_synic_init(void)
{
	int cpu, i, ret;

	/* Queues first: the error path walks them on every CPU. */
	for_each_possible_cpu(cpu)
		for (i = 0; i < HVSIM_SINT_COUNT; i++)
			INIT_LIST_HEAD(&per_cpu_ptr(&hvsim_synic, cpu)->queue[i]);
	for_each_possible_cpu(cpu) {
		struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);

		s->msg_page = (void *)get_zeroed_page(GFP_KERNEL);
		s->flag_page = (void *)get_zeroed_page(GFP_KERNEL);
		s->ring_page = (void *)get_zeroed_page(GFP_KERNEL);
		if (!s->msg_page || !s->flag_page || !s->ring_page) {
			ret = -ENOMEM;
			goto err;
		}
		/* Reset state: disabled, bases chosen by "the hypervisor". */
		s->simp = virt_to_phys(s->msg_page) & HVSIM_PAGE_BASE;
		s->siefp = virt_to_phys(s->flag_page) & HVSIM_PAGE_BASE;
		s->sirbp = virt_to_phys(s->ring_page) & HVSIM_PAGE_BASE;
		for (i = 0; i < HVSIM_SINT_COUNT; i++)
			s->sint[i] = HVSIM_SINT_MASKED;
	}

	/* The interrupt line: a host pipe, never blocking the writer. */
	ret = os_pipe(hvsim_irq_fds, 1, 1);
	if (ret)
		goto err;
	ret = os_set_fd_block(hvsim_irq_fds[1], 0);
	if (ret)
		goto err;
	hvsim_irq = um_request_irq(UM_IRQ_ALLOC, hvsim_irq_fds[0], IRQ_READ,
				   hvsim_synic_irq, 0, "hvsim-synic", NULL);
	if (hvsim_irq < 0) {
		ret = hvsim_irq;
		goto err;
	}
	return 0;
err:
	hvsim_synic_exit();
	return ret;
}

static int hvsim_synic_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "posted %lld delivered %lld interrupts %lld\n",
		   atomic64_read(&hvsim_msgs_posted),
		   atomic64_read(&hvsim_msgs_delivered), atomic64_read(&hvsim_irqs));
	seq_printf(m, "ring signals %lld dropped %lld lost %lld sint_intercepts %lld\n",
		   atomic64_read(&hvsim_ring_signals),
		   atomic64_read(&hvsim_ring_dropped), atomic64_read(&hvsim_ring_lost),
		   atomic64_read(&hvsim_sint_intercepts));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_synic_stats);

/*
 * debugfs "post": write "sint=<n> type=<hex> [partition=<id>] [status=<n>]
 * [vp=<n>]" to queue a message for CPU 0's SynIC as the hypervisor would
 * (tests use it to send unexpected or unknown messages).
 */
static ssize_t hvsim_synic_post_write(struct file *f, const char __user *ubuf,
				      size_t len, loff_t *ppos)
{
	unsigned int sint = 0, type = 0, status = 0, vp = 0;
	unsigned long long partition = 0;
	struct hv_message msg = {};
	char buf[128], *p, *tok;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	while ((tok = strsep(&p, " \t")) != NULL) {
		if (!*tok)
			continue;
		if (sscanf(tok, "sint=%u", &sint) == 1 ||
		    sscanf(tok, "type=%x", &type) == 1 ||
		    sscanf(tok, "partition=%llx", &partition) == 1 ||
		    sscanf(tok, "status=%u", &status) == 1 ||
		    sscanf(tok, "vp=%u", &vp) == 1)
			continue;
		return -EINVAL;
	}
	if (sint >= HVSIM_SINT_COUNT || !type)
		return -EINVAL;
	msg.header.message_type = type;
	if (type == HVMSG_ASYNC_CALL_COMPLETION) {
		struct hv_async_completion_message_payload *pl = (void *)msg.u.payload;

		msg.header.payload_size = sizeof(*pl);
		pl->partition_id = partition;
		pl->status = status;
	} else {
		struct hv_opaque_intercept_message *pl = (void *)msg.u.payload;

		msg.header.payload_size = sizeof(*pl);
		msg.header.sender = partition;
		pl->vp_index = vp;
	}
	ret = hvsim_synic_post(0, sint, &msg);
	return ret ?: len;
}

static const struct file_operations hvsim_synic_post_fops = {
	.owner = THIS_MODULE,
	.write = hvsim_synic_post_write,
};

/**
 * hvsim_synic_debugfs_init() - the debugfs files of the SynIC and its ports
 * @dir: hvsim's debugfs directory
 */
void hvsim_synic_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("synic", 0444, dir, NULL, &hvsim_synic_stats_fops);
	debugfs_create_file("post", 0200, dir, NULL, &hvsim_synic_post_fops);
	hvsim_port_debugfs_init(dir);
}

/* ------------------------------------------------------- test hooks ---- */

/**
 * hvsim_synic_page() - a SynIC page of the root, for tests
 * @cpu: the root CPU
 * @msr: HV_X64_MSR_SIMP, HV_X64_MSR_SIEFP or HV_X64_MSR_SIRBP
 *
 * Return: the page (enabled or not), or NULL for another MSR.
 */
void *hvsim_synic_page(int cpu, unsigned int msr)
{
	void *page = NULL;

	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return NULL;
	hvsim_page_msr(per_cpu_ptr(&hvsim_synic, cpu), msr, &page);
	return page;
}
EXPORT_SYMBOL_GPL(hvsim_synic_page);

/**
 * hvsim_synic_ring_reset() - reset an event ring, for tests
 * @cpu: the root CPU
 * @sint: the ring
 *
 * Zeroes the ring, moves the hypervisor's head to entry 0, forgets a full
 * ring and an announcement that waits, and drops a queued
 * HVMSG_SYNIC_SINT_INTERCEPT for @sint.
 */
void hvsim_synic_ring_reset(int cpu, unsigned int sint)
{
	struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);
	struct hv_notification_message_payload *p;
	struct hvsim_queued_msg *m, *tmp;
	unsigned long flags;

	if (cpu < 0 || cpu >= nr_cpu_ids || sint >= HVSIM_SINT_COUNT)
		return;
	spin_lock_irqsave(&hvsim_synic_lock, flags);
	memset(hvsim_ring(s, sint), 0, sizeof(struct hv_synic_event_ring));
	s->ring_head[sint] = 0;
	s->ring_blocked[sint] = false;
	s->ring_unannounced[sint] = false;
	list_for_each_entry_safe(m, tmp, &s->queue[HV_SYNIC_INTERCEPTION_SINT_INDEX], node) {
		p = (void *)m->msg.u.payload;
		if (m->msg.header.message_type == HVMSG_SYNIC_SINT_INTERCEPT &&
		    p->sint_index == sint) {
			list_del(&m->node);
			kfree(m);
		}
	}
	spin_unlock_irqrestore(&hvsim_synic_lock, flags);
}
EXPORT_SYMBOL_GPL(hvsim_synic_ring_reset);

/**
 * hvsim_synic_take() - consume a queued message, for tests
 * @cpu: the root CPU
 * @sint: the SINT whose queue to search
 * @type: the message type (HVMSG_NONE: any)
 * @msg: the message is copied here
 *
 * Removes the first message of @type that waits in the queue of @sint
 * (not one already in the SINT's slot), as if the root had consumed it.
 *
 * Return: 0, or -ENOENT when none waits.
 */
int hvsim_synic_take(int cpu, unsigned int sint, u32 type, struct hv_message *msg)
{
	struct hvsim_synic *s = per_cpu_ptr(&hvsim_synic, cpu);
	struct hvsim_queued_msg *m;
	unsigned long flags;
	int ret = -ENOENT;

	if (cpu < 0 || cpu >= nr_cpu_ids || sint >= HVSIM_SINT_COUNT)
		return -ENOENT;
	spin_lock_irqsave(&hvsim_synic_lock, flags);
	list_for_each_entry(m, &s->queue[sint], node) {
		if (type != HVMSG_NONE && m->msg.header.message_type != type)
			continue;
		*msg = m->msg;
		list_del(&m->node);
		kfree(m);
		ret = 0;
		break;
	}
	spin_unlock_irqrestore(&hvsim_synic_lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(hvsim_synic_take);
