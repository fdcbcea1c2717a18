// SPDX-License-Identifier: GPL-2.0-only
/*
 * mshv_root: the root partition's synthetic interrupt controller.
 *
 * The hypervisor tells the root about its guests through SINT0 of the
 * root's own SynIC on each CPU: intercept notifications, scheduler
 * signals, completions of asynchronous hypercalls.  For the root the
 * hypervisor provides the message, event-flag and event-ring pages; each
 * CPU maps them and enables them when it comes online, and gives them back
 * when it goes offline or the module unloads.
 *
 * The interrupt handler consumes one message per SINT0 slot and always
 * acknowledges it -- known or not, valid or not -- so that a slot never
 * stays occupied and blocks every later message of that CPU.
 *
 * Doorbells (ioeventfds) arrive on SINT5 (HV_SYNIC_DOORBELL_SINT_INDEX),
 * programmed "as intercept": the hypervisor appends the signalled port id
 * to SINT5's ring in the event-ring page and announces it with an
 * HVMSG_SYNIC_SINT_INTERCEPT message in SINT0, so one handler sees
 * everything.  The ring's consumer positions live in the Hyper-V core
 * (hv_synic_eventring_tail, core patch 0002) because the hypervisor's
 * producer position outlives this module.
 */
#define pr_fmt(fmt) "mshv_root: " fmt

#include <linux/cpuhotplug.h>
#include <linux/io.h>
#include <linux/percpu.h>

#include "mshv_root.h"

/* The root's SynIC pages on one CPU. */
struct mshv_synic {
	struct hv_message_page *msg;
	union hv_synic_event_flags *flags;
	void *ring;
};

static DEFINE_PER_CPU(struct mshv_synic, mshv_synic);
static enum cpuhp_state mshv_synic_cpuhp;

/* Bits 0 (enable) and 12-63 (page base) of SIMP, SIEFP and SIRBP. */
#define MSHV_SYNIC_PAGE_ENABLE	BIT_ULL(0)
#define MSHV_SYNIC_PAGE_BASE	GENMASK_ULL(63, 12)

/*
 * Map the page the hypervisor chose for @msr and enable it, keeping the
 * base and the preserved bits 1-11 as read.
 */
static void *mshv_synic_enable_page(unsigned int msr)
{
	u64 val = hv_get_msr(msr);
	void *page;

	page = memremap(val & MSHV_SYNIC_PAGE_BASE, HV_HYP_PAGE_SIZE, MEMREMAP_WB);
	if (!page)
		return NULL;
	hv_set_msr(msr, val | MSHV_SYNIC_PAGE_ENABLE);
	return page;
}

static void mshv_synic_disable_page(unsigned int msr, void *page)
{
	if (!page)
		return;
	hv_set_msr(msr, hv_get_msr(msr) & ~MSHV_SYNIC_PAGE_ENABLE);
	memunmap(page);
}

static void mshv_synic_mask_sint(unsigned int index)
{
	union hv_synic_sint sint;

	sint.as_uint64 = hv_get_msr(HV_MSR_SINT0 + index);
	sint.masked = 1;
	hv_set_msr(HV_MSR_SINT0 + index, sint.as_uint64);
}

/* SINTs the root driver uses: unmasked, on the callback vector. */
static void mshv_synic_program_sint(unsigned int index, bool as_intercept)
{
	union hv_synic_sint sint = { .as_uint64 = 0 };

	sint.vector = HYPERVISOR_CALLBACK_VECTOR;
	sint.masked = 0;
	/* Hypervisors that deprecate auto-EOI want an explicit APIC EOI. */
	sint.auto_eoi = !(ms_hyperv.hints & HV_DEPRECATING_AEOI_RECOMMENDED);
	hv_set_msr(HV_MSR_SINT0 + index,
		   sint.as_uint64 | (as_intercept ? HV_SYNIC_SINT_AS_INTERCEPT : 0));
}

static int mshv_synic_cpu_offline(unsigned int cpu)
{
	struct mshv_synic *s = this_cpu_ptr(&mshv_synic);

	mshv_synic_mask_sint(HV_SYNIC_DOORBELL_SINT_INDEX);
	mshv_synic_mask_sint(HV_SYNIC_INTERCEPTION_SINT_INDEX);

	mshv_synic_disable_page(HV_MSR_SIRBP, s->ring);
	mshv_synic_disable_page(HV_MSR_SIEFP, s->flags);
	mshv_synic_disable_page(HV_MSR_SIMP, s->msg);
	memset(s, 0, sizeof(*s));
	/* Leave SCONTROL alone: the root's VMBus stack may share the SynIC. */
	return 0;
}

static int mshv_synic_cpu_online(unsigned int cpu)
{
	struct mshv_synic *s = this_cpu_ptr(&mshv_synic);
	union hv_synic_scontrol sctrl;

	s->msg = mshv_synic_enable_page(HV_MSR_SIMP);
	s->flags = mshv_synic_enable_page(HV_MSR_SIEFP);
	s->ring = mshv_synic_enable_page(HV_MSR_SIRBP);
	if (!s->msg || !s->flags || !s->ring) {
		mshv_synic_cpu_offline(cpu);
		return -EFAULT;
	}

	mshv_synic_program_sint(HV_SYNIC_INTERCEPTION_SINT_INDEX, false);
	mshv_synic_program_sint(HV_SYNIC_DOORBELL_SINT_INDEX, true);

	sctrl.as_uint64 = hv_get_msr(HV_MSR_SCONTROL);
	sctrl.enable = 1;
	hv_set_msr(HV_MSR_SCONTROL, sctrl.as_uint64);
	return 0;
}

/*
 * SCHEDULER_VP_SIGNAL_BITSET: the VPs of one partition.  Only the sparse
 * format is produced for the root; banks past what the payload holds, or
 * VP indexes the driver does not have, are dropped (mshv_vp_kick() checks).
 */
static void mshv_synic_signal_bitset(const struct hv_scheduler_vp_signal_bitset_message *m)
{
	const struct hv_vpset *set = &m->vp_bitset.bitset;
	unsigned int max_banks = HV_SCHEDULER_VP_SIGNAL_BITSET_MAX_QWORDS -
				 offsetof(struct hv_vpset, bank_contents) / sizeof(u64);
	unsigned int bank, n = 0, bit;
	unsigned long bits;

	if (set->format != HV_GENERIC_SET_SPARSE_4K) {
		pr_warn_ratelimited("scheduler signal with VP set format %llu\n",
				    set->format);
		return;
	}
	for (bank = 0; bank < BITS_PER_LONG && n < max_banks; bank++) {
		if (!(set->valid_bank_mask & BIT_ULL(bank)))
			continue;
		bits = set->bank_contents[n++];
		for_each_set_bit(bit, &bits, BITS_PER_LONG)
			mshv_vp_kick(m->partition_id, bank * BITS_PER_LONG + bit, true);
	}
}

static void mshv_synic_signal_pair(const struct hv_scheduler_vp_signal_pair_message *m)
{
	unsigned int i, n = min_t(unsigned int, m->vp_count,
				  HV_SCHEDULER_VP_SIGNAL_PAIR_MAX);

	for (i = 0; i < n; i++)
		mshv_vp_kick(m->partition_ids[i], m->vp_indexes[i], true);
}

/*
 * Take the next port id off this CPU's ring for @sint, or 0.  The
 * hypervisor writes an entry before it announces it; a zero entry is free.
 */
static u32 mshv_synic_ring_pop(struct hv_synic_event_ring *ring, u8 *tail)
{
	u32 id = READ_ONCE(ring->data[*tail]);

	if (!id)
		return 0;
	WRITE_ONCE(ring->data[*tail], 0);
	*tail = (*tail + 1) % HV_SYNIC_EVENT_RING_MESSAGE_COUNT;
	return id;
}

/*
 * Drain @sint's event ring (hv-abi 12.6): signal every port on it; when
 * it is empty, tell the hypervisor if it had filled up (entries were
 * dropped meanwhile and it stopped producing), and close the window in
 * which an entry lands while signal_masked is being cleared.
 */
static void mshv_synic_drain_ring(struct mshv_synic *s, unsigned int sint)
{
	struct hv_synic_event_ring *ring = &((struct hv_synic_event_ring_page *)
					     s->ring)->sint_event_ring[sint];
	u8 *tail = &this_cpu_ptr(hv_synic_eventring_tail)[sint];
	u32 id;

	WRITE_ONCE(ring->signal_masked, 1);
	for (;;) {
		while ((id = mshv_synic_ring_pop(ring, tail)))
			if (!mshv_portid_signal(id & HV_PORT_ID_MASK))
				pr_warn_ratelimited("signal for unknown port %u\n", id);
		if (READ_ONCE(ring->ring_full)) {
			WRITE_ONCE(ring->ring_full, 0);
			mshv_hvcall_notify_port_ring_empty(sint);
			continue;
		}
		WRITE_ONCE(ring->signal_masked, 0);
		/* Unmask before the last look, or a new entry could be missed. */
		virt_mb();
		if (!READ_ONCE(ring->data[*tail]))
			break;
		WRITE_ONCE(ring->signal_masked, 1);
	}
}

/* A level-triggered EOI: a resampler's, else the VMM's (via its VP). */
static void mshv_synic_apic_eoi(u64 partition_id, const struct hv_x64_apic_eoi_message *eoi)
{
	struct mshv_partition *pt;

	rcu_read_lock();
	pt = mshv_partition_find_rcu(partition_id);
	if (pt && !mshv_irqfd_eoi(pt, eoi->interrupt_vector))
		mshv_vp_queue_eoi(pt, eoi->vp_index, eoi->interrupt_vector);
	rcu_read_unlock();
}

static void mshv_synic_handle(struct mshv_synic *s, const struct hv_message *msg)
{
	const struct hv_notification_message_payload *note;

	const struct hv_async_completion_message_payload *done;
	const struct hv_opaque_intercept_message *intercept;

	switch (msg->header.message_type) {
	case HVMSG_OPAQUE_INTERCEPT:
		/* The full message is in the VP's intercept page. */
		intercept = (const void *)msg->u.payload;
		mshv_vp_kick(msg->header.sender, intercept->vp_index, false);
		break;
	case HVMSG_SCHEDULER_VP_SIGNAL_BITSET:
		mshv_synic_signal_bitset((const void *)msg->u.payload);
		break;
	case HVMSG_SCHEDULER_VP_SIGNAL_PAIR:
		mshv_synic_signal_pair((const void *)msg->u.payload);
		break;
	case HVMSG_SYNIC_SINT_INTERCEPT:
		note = (const void *)msg->u.payload;
		if (note->sint_index == HV_SYNIC_DOORBELL_SINT_INDEX)
			mshv_synic_drain_ring(s, HV_SYNIC_DOORBELL_SINT_INDEX);
		else
			pr_warn_ratelimited("event on unused SINT %u\n", note->sint_index);
		break;
	case HVMSG_X64_APIC_EOI:
		mshv_synic_apic_eoi(msg->header.sender, (const void *)msg->u.payload);
		break;
	case HVMSG_ASYNC_CALL_COMPLETION:
		done = (const void *)msg->u.payload;
		mshv_partition_async_complete(done->partition_id, done->status);
		break;
	default:
		pr_warn_ratelimited("unexpected hypervisor message %#x\n",
				    msg->header.message_type);
		break;
	}
}

/*
 * Called from the hypervisor callback vector on this CPU.  A message the
 * hypervisor delivers while we acknowledge raises the vector again, so one
 * message per call is enough.
 */
static void mshv_synic_isr(void)
{
	struct mshv_synic *s = this_cpu_ptr(&mshv_synic);
	struct hv_message *msg;
	u32 type;

	if (!s->msg)
		return;
	msg = &s->msg->sint_message[HV_SYNIC_INTERCEPTION_SINT_INDEX];
	type = READ_ONCE(msg->header.message_type);
	if (type == HVMSG_NONE)
		return;
	/* The payload was written before the type. */
	virt_rmb();
	mshv_synic_handle(s, msg);
	/* Free the slot; EOM if the hypervisor has more queued for it. */
	vmbus_signal_eom(msg, type);
}

/**
 * mshv_synic_init() - enable SINT0 on every CPU and install the handler
 *
 * Return: 0 or a negative errno.
 */
int mshv_synic_init(void)
{
	int ret;

	hv_setup_mshv_handler(mshv_synic_isr);
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "mshv_root/synic:online",
				mshv_synic_cpu_online, mshv_synic_cpu_offline);
	if (ret < 0) {
		hv_remove_mshv_handler();
		return ret;
	}
	mshv_synic_cpuhp = ret;
	return 0;
}

/**
 * mshv_synic_exit() - disable SINT0 everywhere and remove the handler
 *
 * After this no handler runs: every CPU's SINT0 is masked and its pages are
 * disabled before the handler is removed, and synchronize_rcu() waits for
 * handlers already running (they run with interrupts disabled).
 */
void mshv_synic_exit(void)
{
	cpuhp_remove_state(mshv_synic_cpuhp);
	hv_remove_mshv_handler();
	synchronize_rcu();
}
