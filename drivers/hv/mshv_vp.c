// SPDX-License-Identifier: GPL-2.0-only
/*
 * mshv_root: virtual processors and the VP fd.
 *
 * MSHV_CREATE_VP creates the hypervisor VP, maps the pages the hypervisor
 * shares for it (intercept message page; register page; statistics pages
 * under the root scheduler) and returns a VP fd.  The VP object lives until
 * the partition is torn down, because the hypervisor's VP does too (only
 * FINALIZE_PARTITION deletes VPs): closing a VP fd only drops the fd's
 * reference to the partition, and a second MSHV_CREATE_VP with the same
 * index fails with -EEXIST.
 */
#include <linux/anon_inodes.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mshv_root.h"

/* Teardown handshake: polls of VP_ROOT_SIGNAL_COUNT, 1-2 ms apart. */
#define MSHV_SIGNAL_DRAIN_TRIES	500

static struct page *mshv_vp_map_page(struct mshv_vp *vp, u32 type, int *err)
{
	u64 pfn;

	*err = mshv_hvcall_map_vp_state_page(vp->partition->id, vp->index, type, &pfn);
	if (*err)
		return NULL;
	/* A root page of the hypervisor's choosing, in the direct map. */
	if (!pfn_valid(pfn)) {
		mshv_hvcall_unmap_vp_state_page(vp->partition->id, vp->index, type);
		*err = -EIO;
		return NULL;
	}
	return pfn_to_page(pfn);
}

static void mshv_vp_unmap_stats(struct mshv_vp *vp)
{
	unsigned int area;

	for (area = 0; area < ARRAY_SIZE(vp->stats_pages); area++) {
		if (!vp->stats_pages[area])
			continue;
		mshv_hvcall_unmap_vp_stats_page(vp->partition->id, vp->index, area);
		vp->stats_pages[area] = NULL;
	}
}

/*
 * The root scheduler needs the VP's dispatch-thread counter, which the
 * hypervisor publishes in statistics pages.  Hypervisors that do not offer
 * the PARENT area reject it: that one is optional.
 */
static int mshv_vp_map_stats(struct mshv_vp *vp)
{
	unsigned int area;
	u64 pfn;
	int ret;

	for (area = HV_STATS_AREA_SELF; area <= HV_STATS_AREA_PARENT; area++) {
		ret = mshv_hvcall_map_vp_stats_page(vp->partition->id, vp->index,
						    area, &pfn);
		if (ret && area == HV_STATS_AREA_PARENT)
			break;
		if (ret)
			return ret;
		if (!pfn_valid(pfn)) {
			mshv_hvcall_unmap_vp_stats_page(vp->partition->id, vp->index,
							area);
			return -EIO;
		}
		vp->stats_pages[area] = pfn_to_page(pfn);
	}
	return 0;
}

/* Give the hypervisor's pages back (before FINALIZE_PARTITION). */
static void mshv_vp_unmap_pages(struct mshv_vp *vp)
{
	mshv_vp_unmap_stats(vp);
	if (vp->register_page)
		mshv_hvcall_unmap_vp_state_page(vp->partition->id, vp->index,
						HV_VP_STATE_PAGE_REGISTERS);
	if (vp->intercept_page)
		mshv_hvcall_unmap_vp_state_page(vp->partition->id, vp->index,
						HV_VP_STATE_PAGE_INTERCEPT_MESSAGE);
	vp->register_page = NULL;
	vp->intercept_page = NULL;
}

/**
 * mshv_partition_release_vps() - dismantle every VP of a dying partition
 * @pt: the partition, already unpublished from the interrupt handler's table
 *
 * Unmaps the hypervisor pages of each VP; the VPs themselves are deleted by
 * FINALIZE_PARTITION, after which mshv_partition_free_vps() frees them.
 */
void mshv_partition_release_vps(struct mshv_partition *pt)
{
	unsigned int i;

	for (i = 0; i < MSHV_MAX_VPS; i++) {
		struct mshv_vp *vp = rcu_dereference_protected(pt->vps[i], 1);

		if (vp)
			mshv_vp_unmap_pages(vp);
	}
}

/**
 * mshv_partition_free_vps() - free the VP objects of a finalized partition
 * @pt: the partition
 */
void mshv_partition_free_vps(struct mshv_partition *pt)
{
	unsigned int i;

	for (i = 0; i < MSHV_MAX_VPS; i++) {
		struct mshv_vp *vp = rcu_dereference_protected(pt->vps[i], 1);

		if (!vp)
			continue;
		RCU_INIT_POINTER(pt->vps[i], NULL);
		kfree(vp);
	}
}

/**
 * mshv_vp_kick() - the hypervisor signalled a VP of a partition
 * @partition_id: from the message; may name no partition of ours
 * @vp_index: from the message; may be out of range or name no VP
 * @scheduler: a root-scheduler signal (counted for the teardown handshake),
 *	not an intercept notification
 *
 * Called from the SynIC handler.  Both values come from the hypervisor and
 * are checked: anything unknown is dropped.
 */
void mshv_vp_kick(u64 partition_id, u32 vp_index, bool scheduler)
{
	struct mshv_partition *pt;
	struct mshv_vp *vp;

	if (vp_index >= MSHV_MAX_VPS) {
		pr_warn_ratelimited("mshv_root: signal for VP index %u out of range\n",
				    vp_index);
		return;
	}
	rcu_read_lock();
	pt = mshv_partition_find_rcu(partition_id);
	vp = pt ? rcu_dereference(pt->vps[vp_index]) : NULL;
	if (vp) {
		if (scheduler)
			atomic64_inc(&vp->signals);
		/*
		 * Release: the VP's thread, once it sees the flag, reads what
		 * the hypervisor wrote before it sent the message.
		 */
		smp_store_release(&vp->kicked, true);
		wake_up(&vp->kick_wq);
	}
	rcu_read_unlock();
	if (!vp)
		pr_warn_ratelimited("mshv_root: signal for unknown VP %u of partition %#llx\n",
				    vp_index, partition_id);
}

/* -------------------------------------------------------------- run ---- */

static int mshv_vp_set_reg(struct mshv_vp *vp, u32 name, u64 value)
{
	struct hv_register_assoc reg = { .name = name, .value.reg64 = value };

	return mshv_hvcall_set_vp_registers(vp->partition->id, vp->index, 1, &reg);
}

static bool mshv_vp_kicked(struct mshv_vp *vp)
{
	/* Pairs with the release in mshv_vp_kick(). */
	return smp_load_acquire(&vp->kicked);
}

/*
 * Root scheduler: the hypervisor's VpRootDispatchThreadBlocked counter --
 * non-zero while it considers the VP's dispatch thread blocked (the VP
 * halted); the SELF area's value, else the PARENT area's.
 */
static bool mshv_vp_dispatch_blocked(struct mshv_vp *vp)
{
	unsigned int area;

	for (area = HV_STATS_AREA_SELF; area <= HV_STATS_AREA_PARENT; area++) {
		const u64 *counters;

		if (!vp->stats_pages[area])
			continue;
		counters = page_address(vp->stats_pages[area]);
		if (READ_ONCE(counters[HV_VP_COUNTER_ROOT_DISPATCH_THREAD_BLOCKED]))
			return true;
	}
	return false;
}

/* Return values of the run loops besides errnos (and 0 for "nothing"). */
enum {
	MSHV_RUN_INTERCEPT = 1,	/* a message is in the intercept page */
	MSHV_RUN_EOI,		/* a forwarded EOI is pending */
};

static bool mshv_vp_eoi_pending(struct mshv_vp *vp)
{
	return !bitmap_empty(vp->eoi_pending, MSHV_EOI_VECTORS);
}

/**
 * mshv_vp_queue_eoi() - hand a guest EOI to the VMM through RUN_VP
 * @pt: the partition (RCU read-side section held)
 * @vp_index: the VP that EOI'd, from the hypervisor's message
 * @vector: the vector
 *
 * Called from the SynIC handler for level-triggered EOIs no resampler
 * took.  Pending EOIs of the same vector coalesce: the VMM learns that
 * the vector was ended, which is what it re-evaluates its lines on.
 */
void mshv_vp_queue_eoi(struct mshv_partition *pt, u32 vp_index, u32 vector)
{
	struct mshv_vp *vp;

	if (vp_index >= MSHV_MAX_VPS || vector >= MSHV_EOI_VECTORS)
		return;
	vp = rcu_dereference(pt->vps[vp_index]);
	if (!vp)
		return;
	set_bit(vector, vp->eoi_pending);
	wake_up(&vp->kick_wq);
}

static int mshv_vp_copy_eoi(struct mshv_vp *vp, void __user *uarg)
{
	struct hv_x64_apic_eoi_message *eoi;
	struct hv_message msg = {};
	u32 vector;

	vector = find_first_bit(vp->eoi_pending, MSHV_EOI_VECTORS);
	msg.header.message_type = HVMSG_X64_APIC_EOI;
	msg.header.payload_size = sizeof(*eoi);
	msg.header.sender = vp->partition->id;
	eoi = (void *)msg.u.payload;
	eoi->vp_index = vp->index;
	eoi->interrupt_vector = vector;
	if (copy_to_user(uarg, &msg, sizeof(msg)))
		return -EFAULT;
	/* Consumed only once the VMM has it. */
	clear_bit(vector, vp->eoi_pending);
	return 0;
}

/*
 * Hypervisor scheduler: stop a VP that may be running.  0 when it stopped
 * with no intercept; MSHV_RUN_INTERCEPT when an intercept beat the suspend
 * (its notification is on the way: wait for it, it must not be lost --
 * only a fatal signal abandons it, the VMM is then going away).
 */
static int mshv_vp_stop_classic(struct mshv_vp *vp)
{
	u64 intercept;
	int ret;

	ret = mshv_vp_set_reg(vp, HV_REGISTER_EXPLICIT_SUSPEND, 1);
	if (!ret)
		ret = mshv_hvcall_get_vp_register(vp->partition->id, vp->index,
						  HV_REGISTER_INTERCEPT_SUSPEND,
						  &intercept);
	if (ret)
		return ret;
	if (!intercept)
		return 0;
	if (wait_event_killable(vp->kick_wq, mshv_vp_kicked(vp)))
		return -EINTR;
	return MSHV_RUN_INTERCEPT;
}

/*
 * Hypervisor scheduler: let the VP run and sleep until its intercept
 * notification, a signal or an EOI to forward.
 */
static int mshv_vp_run_classic(struct mshv_vp *vp)
{
	/*
	 * Cleared in this order in one call (hv-abi 17.2): clearing
	 * EXPLICIT_SUSPEND first could let the VP run and intercept before
	 * the second element wiped the INTERCEPT_SUSPEND of that intercept.
	 */
	static const struct hv_register_assoc resume[] = {
		{ .name = HV_REGISTER_INTERCEPT_SUSPEND },
		{ .name = HV_REGISTER_EXPLICIT_SUSPEND },
	};
	int ret;

	if (mshv_vp_eoi_pending(vp))
		return MSHV_RUN_EOI;
	/*
	 * Before the VP can run: its notification may arrive as soon as the
	 * hypercall below returns (the hypercall orders the store).
	 */
	WRITE_ONCE(vp->kicked, false);
	ret = mshv_hvcall_set_vp_registers(vp->partition->id, vp->index,
					   ARRAY_SIZE(resume), resume);
	if (ret)
		return ret;
	ret = wait_event_interruptible(vp->kick_wq, mshv_vp_kicked(vp) ||
				       mshv_vp_eoi_pending(vp));
	if (!ret && mshv_vp_kicked(vp))
		return MSHV_RUN_INTERCEPT;

	/* A signal or an EOI to forward: the VP stops first. */
	ret = mshv_vp_stop_classic(vp);
	if (ret)
		return ret;
	return mshv_vp_eoi_pending(vp) ? MSHV_RUN_EOI : -EINTR;
}

/*
 * Work the task owes before the guest runs again on its CPU: rescheduling
 * happens here, and a signal (including TIF_NOTIFY_SIGNAL task work) ends
 * the run -- checked after rescheduling, since that is when the sender
 * often gets to run.
 */
static int mshv_vp_guest_work(void)
{
	cond_resched();
	return signal_pending(current) ? -EINTR : 0;
}

/*
 * Root scheduler: dispatch the VP from this thread until it intercepts or
 * an EOI is to be forwarded.  Intercepts exist only inside a dispatch that
 * returns them, so stopping between dispatches loses nothing.
 */
static int mshv_vp_run_root(struct mshv_vp *vp)
{
	bool suspended = false;
	u32 state, event, flags;
	int ret;

	for (;;) {
		if (mshv_vp_eoi_pending(vp))
			return MSHV_RUN_EOI;
		ret = mshv_vp_guest_work();
		if (ret)
			return ret;
		flags = HV_DISPATCH_VP_FLAG_ENABLE_CALLER_INTERRUPTS;
		if (vp->intercept_suspended)
			flags |= HV_DISPATCH_VP_FLAG_CLEAR_INTERCEPT_SUSPEND;
		/* A scheduler signal during the dispatch must not be lost. */
		WRITE_ONCE(vp->kicked, false);
		ret = mshv_hvcall_dispatch_vp(vp->partition->id, vp->index, flags,
					      &state, &event);
		if (ret)
			return ret;
		vp->intercept_suspended = false;

		if (state == HV_VP_DISPATCH_STATE_READY &&
		    event == HV_VP_DISPATCH_EVENT_INTERCEPT) {
			vp->intercept_suspended = true;
			return MSHV_RUN_INTERCEPT;
		}
		if (state != HV_VP_DISPATCH_STATE_BLOCKED)
			continue;	/* time slice over, or a root interrupt */

		if (event == HV_VP_DISPATCH_EVENT_SUSPEND && !suspended) {
			/*
			 * A new VP, or one a signal stopped: explicitly
			 * suspended.  Running it is what RUN_VP asks for.
			 */
			suspended = true;
			ret = mshv_vp_set_reg(vp, HV_REGISTER_EXPLICIT_SUSPEND, 0);
			if (ret)
				return ret;
			continue;
		}
		/*
		 * Halted (or still suspended by someone else): sleep until a
		 * scheduler signal for the VP, until the hypervisor no longer
		 * considers it blocked, or until an EOI is to be forwarded.
		 */
		if (wait_event_interruptible(vp->kick_wq, mshv_vp_kicked(vp) ||
					     mshv_vp_eoi_pending(vp) ||
					     (event != HV_VP_DISPATCH_EVENT_SUSPEND &&
					      !mshv_vp_dispatch_blocked(vp))))
			return -EINTR;
		suspended = false;
	}
}

static long mshv_vp_ioctl_run_vp(struct mshv_vp *vp, void __user *uarg)
{
	int ret;

	if (mshv_root.scheduler_type == HV_SCHEDULER_TYPE_ROOT)
		ret = mshv_vp_run_root(vp);
	else
		ret = mshv_vp_run_classic(vp);
	if (ret == MSHV_RUN_EOI)
		return mshv_vp_copy_eoi(vp, uarg);
	if (ret != MSHV_RUN_INTERCEPT)
		return ret;
	/*
	 * The VP stays suspended until the next RUN_VP, so the message is
	 * stable; the acquire of the kick (or the dispatch call) orders this
	 * read after the hypervisor's write.
	 */
	if (copy_to_user(uarg, page_address(vp->intercept_page),
			 sizeof(struct hv_message)))
		return -EFAULT;
	return 0;
}

/**
 * mshv_partition_suspend_vps() - root scheduler teardown handshake
 * @pt: the partition, still published to the SynIC handler
 *
 * Stops every VP from being dispatched again, then waits until the
 * hypervisor's count of scheduler signals sent for each VP equals the
 * count the root processed, so that no signal for a VP about to be freed
 * is still in flight.  The wait is bounded: a hypervisor that never
 * converges costs a warning, not a hung release.
 */
void mshv_partition_suspend_vps(struct mshv_partition *pt)
{
	unsigned int i, tries;
	u64 sent;

	if (mshv_root.scheduler_type != HV_SCHEDULER_TYPE_ROOT)
		return;
	for (i = 0; i < MSHV_MAX_VPS; i++) {
		struct mshv_vp *vp = rcu_dereference_protected(pt->vps[i], 1);

		if (!vp || mshv_vp_set_reg(vp, HV_REGISTER_DISPATCH_SUSPEND, 1))
			continue;
		for (tries = 0; tries < MSHV_SIGNAL_DRAIN_TRIES; tries++) {
			if (mshv_hvcall_get_vp_register(pt->id, i,
							HV_REGISTER_VP_ROOT_SIGNAL_COUNT,
							&sent) ||
			    sent == atomic64_read(&vp->signals))
				break;
			usleep_range(1000, 2000);
		}
		if (tries == MSHV_SIGNAL_DRAIN_TRIES)
			pr_warn("mshv_root: VP %u of partition %#llx: scheduler signals still in flight\n",
				i, pt->id);
	}
}

/* ----------------------------------------------------------- VP fd ---- */

static long mshv_vp_ioctl_get_set_state(struct mshv_vp *vp, bool set,
					void __user *uarg)
{
	struct mshv_get_set_vp_state args;
	u64 xsave_states = 0, size, *pfns = NULL;
	struct page **pages = NULL;
	unsigned int nr_pages = 0;
	u8 *bytes = NULL;
	u32 type, buf_sz;
	int ret, got;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.type >= MSHV_VP_STATE_COUNT ||
	    memchr_inv(args.rsvd, 0, sizeof(args.rsvd)) || !args.buf_sz ||
	    !IS_ALIGNED(args.buf_sz, HV_HYP_PAGE_SIZE) ||
	    !IS_ALIGNED(args.buf_ptr, HV_HYP_PAGE_SIZE))
		return -EINVAL;

	switch (args.type) {
	case MSHV_VP_STATE_LAPIC:
		type = HV_GET_SET_VP_STATE_LAPIC_STATE;
		size = HV_HYP_PAGE_SIZE;
		break;
	case MSHV_VP_STATE_XSAVE:
		type = HV_GET_SET_VP_STATE_XSAVE;
		ret = mshv_hvcall_get_partition_property(vp->partition->id,
							 HV_PARTITION_PROPERTY_MAX_XSAVE_DATA_SIZE,
							 &size);
		if (!ret)
			ret = mshv_hvcall_get_partition_property(vp->partition->id,
								 HV_PARTITION_PROPERTY_XSAVE_STATES,
								 &xsave_states);
		if (ret)
			return ret;
		/* x87 and SSE state always travel (they are XSAVE's legacy area). */
		xsave_states |= HV_X64_XFEM_LEGACY_X87 | HV_X64_XFEM_LEGACY_SSE;
		break;
	case MSHV_VP_STATE_SIMP:
		type = HV_GET_SET_VP_STATE_SIM_PAGE;
		size = HV_HYP_PAGE_SIZE;
		break;
	case MSHV_VP_STATE_SIEFP:
		type = HV_GET_SET_VP_STATE_SIEF_PAGE;
		size = HV_HYP_PAGE_SIZE;
		break;
	default:
		type = HV_GET_SET_VP_STATE_SYNTHETIC_TIMERS;
		size = sizeof(struct hv_synthetic_timers_state);
		break;
	}

	/* The VMM learns the size even if its buffer is too small. */
	buf_sz = args.buf_sz;
	args.buf_sz = size;
	if (copy_to_user(uarg, &args, sizeof(args)))
		return -EFAULT;
	if (size > buf_sz)
		return -EINVAL;
	/* A zero-sized component would be a hypervisor inconsistency. */
	if (!size)
		return -EIO;
	if (!access_ok(u64_to_user_ptr(args.buf_ptr), size))
		return -EFAULT;

	if (!(type & HV_GET_SET_VP_STATE_TYPE_PFN)) {
		bytes = kzalloc(size, GFP_KERNEL);
		if (!bytes)
			return -ENOMEM;
		if (set && copy_from_user(bytes, u64_to_user_ptr(args.buf_ptr), size)) {
			ret = -EFAULT;
			goto out;
		}
		ret = mshv_hvcall_vp_state(set, vp->partition->id, vp->index, type, 0,
					   NULL, 0, bytes, size);
		if (!ret && !set &&
		    copy_to_user(u64_to_user_ptr(args.buf_ptr), bytes, size))
			ret = -EFAULT;
		goto out;
	}

	/* The hypervisor reads or writes the VMM's pages directly. */
	nr_pages = DIV_ROUND_UP(size, HV_HYP_PAGE_SIZE);
	pages = kcalloc(nr_pages, sizeof(*pages), GFP_KERNEL);
	pfns = kcalloc(nr_pages, sizeof(*pfns), GFP_KERNEL);
	if (!pages || !pfns) {
		ret = -ENOMEM;
		goto out;
	}
	got = pin_user_pages_fast(args.buf_ptr, nr_pages, set ? 0 : FOLL_WRITE, pages);
	if (got != nr_pages) {
		ret = got < 0 ? got : -EFAULT;
		if (got > 0)
			unpin_user_pages(pages, got);
		goto out;
	}
	for (got = 0; got < nr_pages; got++)
		pfns[got] = page_to_pfn(pages[got]);
	ret = mshv_hvcall_vp_state(set, vp->partition->id, vp->index, type,
				   xsave_states, pfns, nr_pages, NULL, 0);
	unpin_user_pages_dirty_lock(pages, nr_pages, !set && !ret);
out:
	kfree(pfns);
	kfree(pages);
	kfree(bytes);
	return ret;
}

static long mshv_vp_ioctl_translate_gva(struct mshv_vp *vp, void __user *uarg)
{
	struct mshv_translate_gva args;
	u64 result, gpa_page, gpa;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	ret = mshv_hvcall_translate_gva(vp->partition->id, vp->index,
					args.gva >> HV_HYP_PAGE_SHIFT, args.flags,
					&result, &gpa_page);
	if (ret)
		return ret;
	/* The walk happened; a failed translation is in the result code. */
	gpa = (gpa_page << HV_HYP_PAGE_SHIFT) | (args.gva & (HV_HYP_PAGE_SIZE - 1));
	if (copy_to_user(u64_to_user_ptr(args.result), &result, sizeof(result)) ||
	    copy_to_user(u64_to_user_ptr(args.gpa), &gpa, sizeof(gpa)))
		return -EFAULT;
	return 0;
}

static long mshv_vp_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg)
{
	struct mshv_vp *vp = filp->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (vp->partition->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vp->lock))
		return -EINTR;

	switch (ioctl) {
	case MSHV_RUN_VP:
		ret = mshv_vp_ioctl_run_vp(vp, uarg);
		break;
	case MSHV_GET_VP_STATE:
		ret = mshv_vp_ioctl_get_set_state(vp, false, uarg);
		break;
	case MSHV_SET_VP_STATE:
		ret = mshv_vp_ioctl_get_set_state(vp, true, uarg);
		break;
	case MSHV_VP_TRANSLATE_GVA:
		ret = mshv_vp_ioctl_translate_gva(vp, uarg);
		break;
	case MSHV_ROOT_HVCALL:
		ret = mshv_ioctl_root_hvcall(MSHV_FD_VP, vp->partition, uarg);
		break;
	default:
		ret = -ENOTTY;
	}

	mutex_unlock(&vp->lock);
	return ret;
}

/*
 * One page, MAP_SHARED only: offset 0 the register page (read-write),
 * offset 1 the intercept message page (read-only).  The VMA keeps the VP
 * file, and so the VP and its pages, alive while it exists.
 */
static int mshv_vp_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct mshv_vp *vp = filp->private_data;
	struct page *page;

	if (vma->vm_end - vma->vm_start != PAGE_SIZE ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	switch (vma->vm_pgoff) {
	case MSHV_VP_MMAP_OFFSET_REGISTERS:
		page = vp->register_page;
		break;
	case MSHV_VP_MMAP_OFFSET_INTERCEPT_MESSAGE:
		/* Only the hypervisor writes intercept messages. */
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vm_flags_clear(vma, VM_MAYWRITE);
		page = vp->intercept_page;
		break;
	case MSHV_VP_MMAP_OFFSET_GHCB:
		return -ENODEV;		/* SEV-SNP only */
	default:
		return -EINVAL;
	}
	if (!page)
		return -ENODEV;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	return vm_insert_page(vma, vma->vm_start, page);
}

static int mshv_vp_release(struct inode *inode, struct file *filp)
{
	struct mshv_vp *vp = filp->private_data;

	mshv_partition_put(vp->partition);
	return 0;
}

static const struct file_operations mshv_vp_fops = {
	.owner = THIS_MODULE,
	.release = mshv_vp_release,
	.unlocked_ioctl = mshv_vp_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = mshv_vp_mmap,
	.llseek = noop_llseek,
};

/**
 * mshv_partition_ioctl_create_vp() - MSHV_CREATE_VP
 * @pt: the partition (its mutex held)
 * @uarg: struct mshv_create_vp
 *
 * Return: the new VP fd, or a negative errno with nothing created.
 */
long mshv_partition_ioctl_create_vp(struct mshv_partition *pt, void __user *uarg)
{
	struct mshv_create_vp args;
	struct mshv_vp *vp;
	struct file *file;
	int fd, ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.vp_index >= MSHV_MAX_VPS)
		return -EINVAL;
	/* The hypervisor creates VPs only in initialized partitions. */
	if (!pt->initialized)
		return -EINVAL;
	if (rcu_access_pointer(pt->vps[args.vp_index]))
		return -EEXIST;

	vp = kzalloc(sizeof(*vp), GFP_KERNEL_ACCOUNT);
	if (!vp)
		return -ENOMEM;
	vp->partition = pt;
	vp->index = args.vp_index;
	mutex_init(&vp->lock);
	init_waitqueue_head(&vp->kick_wq);

	ret = mshv_hvcall_create_vp(pt->id, vp->index);
	if (ret)
		goto err_free;
	vp->intercept_page = mshv_vp_map_page(vp, HV_VP_STATE_PAGE_INTERCEPT_MESSAGE,
					      &ret);
	if (!vp->intercept_page)
		goto err_delete;
	/* Non-isolated partitions (the only kind created here) have one. */
	vp->register_page = mshv_vp_map_page(vp, HV_VP_STATE_PAGE_REGISTERS, &ret);
	if (!vp->register_page)
		goto err_unmap;
	if (mshv_root.scheduler_type == HV_SCHEDULER_TYPE_ROOT) {
		ret = mshv_vp_map_stats(vp);
		if (ret)
			goto err_unmap;
	}

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_unmap;
	}
	file = anon_inode_getfile("mshv_vp", &mshv_vp_fops, vp, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}
	/* The VP fd keeps the partition alive. */
	kref_get(&pt->ref);
	/* Published only now that it has an fd; the fd is usable last. */
	rcu_assign_pointer(pt->vps[vp->index], vp);
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_unmap:
	mshv_vp_unmap_pages(vp);
err_delete:
	mshv_hvcall_delete_vp(pt->id, vp->index);
err_free:
	kfree(vp);
	return ret;
}
