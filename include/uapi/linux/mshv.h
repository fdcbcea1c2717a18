/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/mshv: userspace interface of the Microsoft Hypervisor root partition
 * driver (mshv_root).
 *
 * A virtual machine monitor (VMM) running in the Hyper-V root partition uses
 * this interface to create child partitions (guests), give them memory,
 * virtual processors and interrupts, and run them.  The layouts below are
 * binary compatible with the rust-vmm "mshv" crates, version 0.7.0.
 */
#ifndef _UAPI_LINUX_MSHV_H
#define _UAPI_LINUX_MSHV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: File descriptors
 *
 * Four kinds of file descriptor carry mshv ioctls:
 *
 * - the system fd, from open("/dev/mshv", O_RDWR).  O_NONBLOCK and O_CLOEXEC
 *   are accepted; O_NONBLOCK has no effect.  The device node is mode 0600
 *   and only exists when Linux runs as the Hyper-V root partition;
 * - a partition fd, returned by MSHV_CREATE_PARTITION on the system fd;
 * - a VP (virtual processor) fd, returned by MSHV_CREATE_VP on a partition
 *   fd;
 * - a device fd, stored by MSHV_CREATE_DEVICE into its argument.
 *
 * Partition, VP and device fds are created with O_RDWR | O_CLOEXEC.  Every
 * VP fd and device fd holds a reference on its partition: the guest is
 * destroyed only when the partition fd and all VP and device fds created
 * from it have been closed, in whatever order.
 */

/**
 * DOC: ioctl numbering
 *
 * All mshv ioctls use the standard _IOC() encoding with type (magic)
 * MSHV_IOCTL (0xB8).  Numbers start again at 0x00 for every fd kind, so one
 * number names different requests on different fd kinds (for instance
 * MSHV_GET_HOST_PARTITION_PROPERTY on the system fd and MSHV_GET_VP_STATE on
 * a VP fd have the same 32-bit value).  The driver dispatches on the fd kind
 * first and then on the full 32-bit value (number, size and direction); an
 * ioctl that is unknown for the fd kind fails with ENOTTY.
 *
 * The magic 0xB8 is shared with the Marvell CN10K DPI driver
 * (uapi/misc/mrvl_cn10k_dpi.h, numbers 0x01 and 0x02).  This is harmless
 * because ioctl numbers are only interpreted by the device they are issued
 * on, but it means the value alone does not identify an mshv request.  It is
 * kept for compatibility with existing VMMs.
 *
 * Ioctls numbered 0xF0 and above on partition and VP fds, and
 * MSHV_GET_HOST_PARTITION_PROPERTY, are legacy requests that current VMMs
 * no longer issue (MSHV_ROOT_HVCALL replaces them); a driver may fail them
 * with ENOTTY.  The exceptions are MSHV_VP_TRANSLATE_GVA, which VMMs try
 * first (falling back to MSHV_ROOT_HVCALL on ENOTTY), and the SEV-SNP
 * requests, which are only issued for SEV-SNP isolated guests and which a
 * driver without SEV-SNP support fails with ENOTTY or EOPNOTSUPP.  There is
 * no version or capability ioctl.
 */

/**
 * DOC: Error conventions
 *
 * Errors are named by the errno value userspace sees (ioctl() returns -1 and
 * sets errno).  In addition to the errors listed for each request:
 *
 * - EFAULT: an argument structure or a buffer it points to could not be
 *   read or written;
 * - EINTR: a fatal signal arrived while waiting for the per-partition or
 *   per-VP lock that serializes requests on a partition or VP fd;
 * - ENOTTY: the request is not implemented for this fd kind.
 *
 * When a hypercall the driver issues on the caller's behalf fails, the
 * hypervisor status is turned into an errno: invalid code, input, parameter,
 * partition id, VP index, port id, connection id, LP index or register value
 * give EINVAL; insufficient memory gives ENOMEM (only after the driver's own
 * deposit-and-retry gave up); an absent hypervisor gives EOPNOTSUPP; every
 * other status gives EIO.  Newer drivers may return more specific values
 * (EACCES, ERANGE, ENOBUFS, ETIMEDOUT) for some statuses, so VMMs that need
 * the exact reason should read the status that MSHV_ROOT_HVCALL returns
 * rather than the errno.
 */

/**
 * DOC: Hypervisor pages
 *
 * Sizes, alignments, page frame numbers and mmap offsets in this interface
 * are expressed in 4 KiB hypervisor pages (MSHV_HV_PAGE_SIZE).  A guest page
 * frame number ("pfn" in field names) is a guest physical address divided
 * by MSHV_HV_PAGE_SIZE.  The driver is only available on kernels that also
 * use 4 KiB pages.
 */

/* ioctl type (magic) of every mshv request, see "ioctl numbering" above */
#define MSHV_IOCTL		0xB8
/* Magic of downstream diagnostic requests; none is defined by this header */
#define MSHV_DIAG_IOCTL		0xB9
/* Magic of downstream tracing requests (see struct mshv_trace_config) */
#define MSHV_TRACE_IOCTL	0xBA

/* The 4 KiB hypervisor page size, the unit of all sizes in this interface */
#define MSHV_HV_PAGE_SIZE	0x1000

/* Highest number of VPs per partition: vp_index is below this */
#define MSHV_MAX_VPS		256
/* Number of interrupt routes per partition: a gsi is below this */
#define MSHV_MAX_GUEST_IRQS	4096
/* Highest register count of one MSHV_GET/SET_VP_REGISTERS request */
#define MSHV_VP_MAX_REGISTERS	128
/* Size of the intercept message returned by MSHV_RUN_VP */
#define MSHV_RUN_VP_BUF_SZ	256
/* Processor-feature banks in struct mshv_create_partition_v2 */
#define MSHV_NUM_CPU_FEATURES_BANKS	2

/*
 * Bit numbers in mshv_create_partition.pt_flags: the flag value is
 * (1ULL << MSHV_PT_BIT_x).  Bits at or above MSHV_PT_BIT_COUNT must be 0.
 */
/* local APIC emulated by the hypervisor */
#define MSHV_PT_BIT_LAPIC			0
/* guest may use x2APIC mode */
#define MSHV_PT_BIT_X2APIC			1
/* guest memory may be mapped with 2 MiB pages */
#define MSHV_PT_BIT_GPA_SUPER_PAGES		2
/* the argument is a struct mshv_create_partition_v2 */
#define MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES	3
/* guest may run its own hypervisor */
#define MSHV_PT_BIT_NESTED_VIRTUALIZATION	4
/* guest topology has more than one thread per core */
#define MSHV_PT_BIT_SMT_ENABLED_GUEST		5
#define MSHV_PT_BIT_COUNT			6

/* Values of mshv_create_partition.pt_isolation */
/* ordinary guest, memory shared with the root */
#define MSHV_PT_ISOLATION_NONE		0
/* AMD SEV-SNP isolated guest (only with SEV-SNP support) */
#define MSHV_PT_ISOLATION_SNP		1
#define MSHV_PT_ISOLATION_COUNT		2

/**
 * struct mshv_create_partition - argument of MSHV_CREATE_PARTITION
 * @pt_flags: set of (1ULL << MSHV_PT_BIT_x) flags.  Bits at or above
 *	MSHV_PT_BIT_COUNT must be 0.  If MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES is
 *	set, the argument is the larger struct mshv_create_partition_v2.
 * @pt_isolation: MSHV_PT_ISOLATION_x; must be below MSHV_PT_ISOLATION_COUNT.
 *
 * MSHV_CREATE_PARTITION is issued on the system fd and returns the new
 * partition fd (a non-negative number).  The driver first reads these 16
 * bytes; only when MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES is set in @pt_flags
 * does it read the 64-byte struct mshv_create_partition_v2 from the same
 * address, keeping the @pt_flags and @pt_isolation it already validated.
 * The size encoded in the ioctl number is 16 in both cases.  Without the v2
 * layout every processor and XSAVE feature the hypervisor supports is
 * offered to the guest.
 *
 * The partition is created in the hypervisor's "created" state: early
 * partition properties can be set with MSHV_ROOT_HVCALL until
 * MSHV_INITIALIZE_PARTITION is called.
 *
 * Errors: EINVAL for unknown @pt_flags bits, an out-of-range @pt_isolation or
 * an invalid v2 structure; EOPNOTSUPP or EINVAL for MSHV_PT_ISOLATION_SNP on
 * a driver without SEV-SNP support; ENOMEM; errors mapped from the
 * hypervisor status.  VMMs retry the request while it fails with EINTR.
 */
struct mshv_create_partition {
	__u64 pt_flags;
	__u64 pt_isolation;
};

/**
 * struct mshv_create_partition_v2 - extended argument of MSHV_CREATE_PARTITION
 * @pt_flags: as in struct mshv_create_partition; bit
 *	MSHV_PT_BIT_CPU_AND_XSAVE_FEATURES must be set, otherwise only the first
 *	16 bytes are read.
 * @pt_isolation: as in struct mshv_create_partition.
 * @pt_num_cpu_fbanks: number of valid entries in @pt_cpu_fbanks; must be
 *	MSHV_NUM_CPU_FEATURES_BANKS.
 * @pt_rsvd: must be 0.
 * @pt_cpu_fbanks: processor features to hide from the guest, in the layout
 *	of the hypervisor's partition processor features (bank 0 holds feature
 *	bits 0-63, bank 1 bits 64-127).  A set bit disables the feature.
 * @pt_rsvd1: must be 0 (room for more banks).
 * @pt_disabled_xsave: x86: XSAVE features to hide from the guest, in the
 *	layout of the hypervisor's partition XSAVE features.  A set bit
 *	disables the feature.
 * @pt_rsvd2: name of the same 8 bytes on arm64, where they must be 0.
 *
 * Packed 64-byte structure; every field is naturally aligned.  The driver
 * reads it at most once after the 16-byte header and validates that copy.
 *
 * Errors (in addition to those of struct mshv_create_partition): EINVAL if
 * @pt_num_cpu_fbanks is not MSHV_NUM_CPU_FEATURES_BANKS or a reserved field
 * is not 0; EFAULT if the 64 bytes cannot be read.
 */
struct mshv_create_partition_v2 {
	__u64 pt_flags;
	__u64 pt_isolation;
	__u16 pt_num_cpu_fbanks;
	__u16 pt_rsvd[3];
	__u64 pt_cpu_fbanks[MSHV_NUM_CPU_FEATURES_BANKS];
	__u64 pt_rsvd1[2];
	union {
		__u64 pt_disabled_xsave;
		__u64 pt_rsvd2;
	};
} __attribute__((packed));

/**
 * struct mshv_partition_property - a hypervisor partition property
 * @property_code: hypervisor partition property code.
 * @property_value: value to set (input), or value read (output).
 *
 * Argument of the legacy requests MSHV_GET_HOST_PARTITION_PROPERTY (system
 * fd; reads a property of the root partition itself),
 * MSHV_SET_PARTITION_PROPERTY and MSHV_GET_PARTITION_PROPERTY (partition
 * fd).  The GET requests write @property_value back.  Current VMMs use
 * MSHV_ROOT_HVCALL instead; a driver may fail these requests with ENOTTY.
 *
 * Errors: errors mapped from the hypervisor status (an unknown property or a
 * value out of range gives EIO).
 */
struct mshv_partition_property {
	__u64 property_code;
	__u64 property_value;
};

/**
 * struct mshv_root_hvcall - argument of MSHV_ROOT_HVCALL
 * @code: hypervisor call code; must be allowed for the fd kind (see below).
 * @reps: input: repetition count of a rep hypercall, or 0 for a simple
 *	hypercall.  Output: repetitions completed (0 for a simple hypercall).
 * @in_sz: size of the input in bytes, 8 to MSHV_HV_PAGE_SIZE.
 * @out_sz: number of output bytes to copy to @out_ptr, 1 to
 *	MSHV_HV_PAGE_SIZE when @out_ptr is not 0; ignored otherwise.
 * @status: input: must be 0.  Output: the 16-bit hypervisor status of the
 *	call.
 * @rsvd: must be 0.
 * @in_ptr: user address of the input bytes, in the hypervisor's layout for
 *	@code; must not be 0.
 * @out_ptr: user address of the output buffer, or 0 for no output.
 *
 * MSHV_ROOT_HVCALL lets a VMM issue selected hypercalls whose input and
 * output it builds itself.  It is accepted on the system fd, partition fds
 * and VP fds.  The driver copies @in_sz bytes into a zeroed 4 KiB hypervisor
 * page and overwrites the first 8 input bytes with the target partition id:
 * that of the fd's partition on partition and VP fds, the root partition
 * itself (HV_PARTITION_ID_SELF, all ones) on the system fd.  Every allowed
 * call takes the partition id as its first 8 input bytes; a VP index, where
 * needed, comes from the input unchanged.  Fast and variable-header
 * hypercalls cannot be expressed; a rep call starts at repetition 0 and is
 * continued by the driver until all @reps are done or the hypervisor fails.
 * When the hypervisor needs more memory the driver deposits pages and
 * retries by itself.  The output page is zeroed before the call and copied
 * to @out_ptr when the call succeeds.
 *
 * Allowed codes: on the system fd 0x0044 (get partition property) and
 * 0x0101 (get partition property, extended).  On partition and VP fds
 * 0x0044, 0x0045 (set partition property; partition fd only), 0x004D
 * (install intercept), 0x0050 and 0x0051 (get and set VP registers, rep),
 * 0x0052 (translate virtual address), 0x0053 and 0x0054 (read and write
 * GPA), 0x0056 (clear virtual interrupt), 0x0091 (register intercept
 * result), 0x0094 (assert virtual interrupt), 0x00C0 (signal event direct),
 * 0x00C1 (post message direct), 0x00C9 (get GPA pages access states, rep),
 * 0x00F4 (get VP CPUID values, rep) and 0x0101.  Drivers with SEV-SNP
 * support also allow, on partition fds only, 0x00EF (import isolated pages),
 * 0x00F1 (complete isolated import) and 0x00F2 (issue PSP guest request).
 * Calls that may complete asynchronously (0x0045, 0x00EF, 0x00F2) are only
 * accepted on the partition fd, one at a time per partition; the driver
 * waits for their completion and reports its status.
 *
 * Unless the request is rejected before the hypercall is issued, @status
 * and @reps are written back even when the request fails, so a non-zero
 * @status after a failure is the hypervisor's reason.  For rep calls, VMMs
 * should also check that @reps came back equal to the count requested.
 *
 * Errors: EINVAL (nothing written back) if @status or @rsvd is not 0,
 * @in_ptr is 0, @in_sz or @out_sz is out of range, or @code is not allowed
 * on this fd kind (including an asynchronous code on a VP fd); EPERM if an
 * asynchronous call of the partition is still outstanding; EBADFD if the
 * hypervisor reports a pending completion for a synchronous code; errors
 * mapped from the hypervisor status otherwise.
 */
struct mshv_root_hvcall {
	__u16 code;
	__u16 reps;
	__u16 in_sz;
	__u16 out_sz;
	__u16 status;
	__u8 rsvd[6];
	__u64 in_ptr;
	__u64 out_ptr;
};

/* ioctls on the system fd (/dev/mshv) */
#define MSHV_CREATE_PARTITION \
	_IOW(MSHV_IOCTL, 0x00, struct mshv_create_partition)
/* legacy, see struct mshv_partition_property */
#define MSHV_GET_HOST_PARTITION_PROPERTY \
	_IOWR(MSHV_IOCTL, 0x01, struct mshv_partition_property)
/* also on partition and VP fds */
#define MSHV_ROOT_HVCALL \
	_IOWR(MSHV_IOCTL, 0x07, struct mshv_root_hvcall)

/* ioctls on a partition fd */

/*
 * MSHV_INITIALIZE_PARTITION (no argument) moves the partition from the
 * "created" to the "initialized" state; memory, VPs and interrupts are set
 * up afterwards.  Calling it again returns 0.  Errors: ENOMEM; errors mapped
 * from the hypervisor status.
 */
#define MSHV_INITIALIZE_PARTITION	_IO(MSHV_IOCTL, 0x00)

/**
 * struct mshv_create_vp - argument of MSHV_CREATE_VP
 * @vp_index: index of the new virtual processor, below MSHV_MAX_VPS.
 *
 * Creates a VP in an initialized partition and returns its fd.  The VP
 * starts in its architectural reset state and explicitly suspended: it
 * first runs when MSHV_RUN_VP is called on its fd.  Pages of the VP can be
 * mapped with mmap() on the VP fd, see MSHV_VP_MMAP_OFFSET_REGISTERS.
 *
 * Errors: EINVAL if @vp_index is not below MSHV_MAX_VPS or the partition is
 * not initialized; EEXIST if a VP with this index exists; ENOMEM; errors
 * mapped from the hypervisor status.
 */
struct mshv_create_vp {
	__u32 vp_index;
};

/* Bit numbers in mshv_user_mem_region.flags; guest memory is always readable */
/* guest may write the region */
#define MSHV_SET_MEM_BIT_WRITABLE	0
/* guest may execute from the region */
#define MSHV_SET_MEM_BIT_EXECUTABLE	1
/* remove the region instead of adding it */
#define MSHV_SET_MEM_BIT_UNMAP		2
#define MSHV_SET_MEM_BIT_COUNT		3

/**
 * struct mshv_user_mem_region - argument of MSHV_SET_GUEST_MEMORY
 * @size: size of the region in bytes; a non-zero multiple of
 *	MSHV_HV_PAGE_SIZE.
 * @guest_pfn: first guest page frame number of the region (guest physical
 *	address / MSHV_HV_PAGE_SIZE).
 * @userspace_addr: start of the VMM mapping that backs the region; aligned
 *	to MSHV_HV_PAGE_SIZE.
 * @flags: set of (1 << MSHV_SET_MEM_BIT_x) flags; bits at or above
 *	MSHV_SET_MEM_BIT_COUNT must be 0.
 * @rsvd: must be 0.
 *
 * Without MSHV_SET_MEM_BIT_UNMAP the request maps @size bytes of the
 * calling process's memory at @userspace_addr into the guest at @guest_pfn,
 * readable and, per @flags, writable and executable.  Ordinary memory is
 * pinned and shared coherently between the VMM and the guest; 2 MiB backing
 * pages are mapped as 2 MiB guest pages where possible.  A range backed by
 * an I/O mapping (VM_IO | VM_PFNMAP, such as an mmap()ed VFIO device BAR)
 * is mapped as uncached device memory without pinning; it must not contain
 * RAM.  Regions up to many GiB are supported.
 *
 * With MSHV_SET_MEM_BIT_UNMAP the region that was added with exactly the
 * same @guest_pfn, @size and @userspace_addr is removed; leave the other
 * flag bits clear.
 *
 * Errors: EINVAL if @size is 0 or not aligned, @userspace_addr is not
 * aligned, @flags has unknown bits, @rsvd is not 0, the guest frame range
 * overflows, no mapping exists at @userspace_addr, an I/O mapping contains
 * RAM, or (unmap) no region matches exactly; EEXIST if the guest frame range
 * or the user address range overlaps an existing region; EFAULT if the user
 * range is not accessible or cannot be pinned; ENOMEM; errors mapped from
 * the hypervisor status.
 */
struct mshv_user_mem_region {
	__u64 size;
	__u64 guest_pfn;
	__u64 userspace_addr;
	__u8 flags;
	__u8 rsvd[7];
};

/* Bit numbers in mshv_user_irqfd.flags */
/* remove the irqfd (fd, gsi) instead of adding it */
#define MSHV_IRQFD_BIT_DEASSIGN		0
/* signal resamplefd when the guest ends a level-triggered interrupt */
#define MSHV_IRQFD_BIT_RESAMPLE		1
#define MSHV_IRQFD_BIT_COUNT		2

/**
 * struct mshv_user_irqfd - argument of MSHV_IRQFD
 * @fd: eventfd whose signalling injects the interrupt routed at @gsi.
 * @resamplefd: with MSHV_IRQFD_BIT_RESAMPLE, an eventfd the driver signals
 *	when the guest ends (EOIs) the level-triggered interrupt; ignored
 *	otherwise.
 * @gsi: interrupt route number (an entry of the MSHV_SET_MSI_ROUTING
 *	table).
 * @flags: set of (1 << MSHV_IRQFD_BIT_x) flags; bits at or above
 *	MSHV_IRQFD_BIT_COUNT must be 0.
 *
 * Assign: every signal of @fd injects the interrupt currently routed at
 * @gsi.  The route may be installed later; until then signals are dropped.
 * If @fd is already signalled when it is assigned, the interrupt is injected
 * once right away.  With MSHV_IRQFD_BIT_RESAMPLE the route in effect must be
 * level triggered.
 *
 * Deassign (MSHV_IRQFD_BIT_DEASSIGN): every irqfd with this @fd and @gsi is
 * removed and in-flight injections are waited for; 0 is returned even when
 * nothing matched.
 *
 * Errors: EINVAL for unknown @flags bits, @gsi not below
 * MSHV_MAX_GUEST_IRQS, or a resample request on a route that is not level
 * triggered; EBADF if @fd (or, with resampling,
 * @resamplefd) is not an eventfd; EBUSY if @fd is already assigned to an
 * irqfd of this partition; ENOMEM.
 */
struct mshv_user_irqfd {
	__s32 fd;
	__s32 resamplefd;
	__u32 gsi;
	__u32 flags;
};

/* Bit numbers in mshv_user_ioeventfd.flags */
/* signal only when the value written equals datamatch */
#define MSHV_IOEVENTFD_BIT_DATAMATCH	0
/* addr is an I/O port (not supported) instead of an MMIO address */
#define MSHV_IOEVENTFD_BIT_PIO		1
/* remove the ioeventfd instead of adding it */
#define MSHV_IOEVENTFD_BIT_DEASSIGN	2
#define MSHV_IOEVENTFD_BIT_COUNT	3

/**
 * struct mshv_user_ioeventfd - argument of MSHV_IOEVENTFD
 * @datamatch: with MSHV_IOEVENTFD_BIT_DATAMATCH, the value a guest write
 *	must have to signal @fd; ignored otherwise.
 * @addr: guest physical address of the MMIO location.
 * @len: access size in bytes: 1, 2, 4 or 8, or 0 for any size.
 * @fd: eventfd to signal.
 * @flags: set of (1 << MSHV_IOEVENTFD_BIT_x) flags; bits at or above
 *	MSHV_IOEVENTFD_BIT_COUNT must be 0.
 * @rsvd: must be 0.
 *
 * Assign: a guest write of @len bytes at @addr (matching @datamatch if
 * requested) signals @fd without an exit to the VMM.  Without
 * MSHV_IOEVENTFD_BIT_DATAMATCH any value matches.
 *
 * Deassign (MSHV_IOEVENTFD_BIT_DEASSIGN): removes the ioeventfd with the
 * same @fd, @addr, @len and datamatch setting (and, with
 * MSHV_IOEVENTFD_BIT_DATAMATCH, the same @datamatch).
 *
 * Errors: EINVAL for unknown @flags bits, non-zero @rsvd, an invalid @len,
 * @addr + @len overflowing, or a range crossing a 4 KiB page (a doorbell
 * lies within one page); EOPNOTSUPP for MSHV_IOEVENTFD_BIT_PIO; EBADF
 * if @fd is not an eventfd; EEXIST if an ioeventfd with the same @addr and
 * @len exists and either has no datamatch or both have the same
 * @datamatch; ENOENT (deassign) if nothing matches; ENOMEM; errors mapped
 * from the hypervisor status.
 */
struct mshv_user_ioeventfd {
	__u64 datamatch;
	__u64 addr;
	__u32 len;
	__s32 fd;
	__u32 flags;
	__u8 rsvd[4];
};

/**
 * struct mshv_user_irq_entry - one interrupt route of MSHV_SET_MSI_ROUTING
 * @gsi: route number, below MSHV_MAX_GUEST_IRQS; unique within a table.
 * @address_lo: low half of the x86 MSI address in xAPIC format
 *	(0xFEExxxxx): destination APIC id in bits 19:12, logical destination
 *	mode in bit 2.
 * @address_hi: high half of the MSI address; must be 0.
 * @data: x86 MSI data: vector in bits 7:0, delivery mode in bits 10:8,
 *	level trigger in bit 15.
 */
struct mshv_user_irq_entry {
	__u32 gsi;
	__u32 address_lo;
	__u32 address_hi;
	__u32 data;
};

/**
 * struct mshv_user_irq_table - argument of MSHV_SET_MSI_ROUTING
 * @nr: number of entries, at most MSHV_MAX_GUEST_IRQS; may be 0.
 * @rsvd: must be 0.
 * @entries: @nr routes.
 *
 * The size encoded in the ioctl number covers only the 8-byte header; the
 * driver reads 8 + 16 * @nr bytes.  The new table replaces the whole
 * previous table atomically, and every irqfd then uses its route from the
 * new table.  An entry is an x86 MSI message; I/O APIC pins are expressed as
 * MSI entries too.
 *
 * Errors: EINVAL if @nr exceeds MSHV_MAX_GUEST_IRQS, @rsvd is not 0, or an
 * entry has a gsi not below MSHV_MAX_GUEST_IRQS, a non-zero address_hi or a
 * gsi used by an earlier entry; ENOMEM.
 */
struct mshv_user_irq_table {
	__u32 nr;
	__u32 rsvd;
	struct mshv_user_irq_entry entries[];
};

/* Values of mshv_gpap_access_bitmap.access_type */
#define MSHV_GPAP_ACCESS_TYPE_ACCESSED	0
#define MSHV_GPAP_ACCESS_TYPE_DIRTY	1
#define MSHV_GPAP_ACCESS_TYPE_COUNT	2

/* Values of mshv_gpap_access_bitmap.access_op */
/* leave the hypervisor's bits unchanged */
#define MSHV_GPAP_ACCESS_OP_NOOP	0
/* clear the bits after reading them */
#define MSHV_GPAP_ACCESS_OP_CLEAR	1
/* set the bits after reading them (DIRTY also sets ACCESSED) */
#define MSHV_GPAP_ACCESS_OP_SET		2
#define MSHV_GPAP_ACCESS_OP_COUNT	3

/**
 * struct mshv_gpap_access_bitmap - argument of MSHV_GET_GPAP_ACCESS_BITMAP
 * @access_type: bit to report, MSHV_GPAP_ACCESS_TYPE_x.
 * @access_op: change to apply after reading, MSHV_GPAP_ACCESS_OP_x.
 * @rsvd: must be 0.
 * @page_count: number of guest pages; must not be 0.
 * @gpap_base: guest page frame number of the first page.
 * @bitmap_ptr: user address of the output bitmap; must not be 0.
 *
 * Reads the hypervisor's accessed or dirty bit of @page_count guest pages
 * starting at @gpap_base, as they were before @access_op is applied.  Bit i
 * of the bitmap (bit i % 8 of byte i / 8, least significant bit first)
 * describes page @gpap_base + i.  Exactly (@page_count + 7) / 8 bytes are
 * written; unused high bits of the last byte are 0.  Nothing is written
 * back into this structure.  Two MSHV_GPAP_ACCESS_OP_NOOP reads in a row
 * return the same bitmap.  Tracking must first be enabled through the
 * hypervisor's GPA page access tracking partition property
 * (MSHV_ROOT_HVCALL); otherwise the hypervisor fails the request.
 *
 * Errors: EINVAL if @access_type or @access_op is out of range, @rsvd is not
 * 0, or @page_count or @bitmap_ptr is 0; E2BIG if a size computation
 * overflows; errors mapped from the hypervisor status.
 */
struct mshv_gpap_access_bitmap {
	__u8 access_type;
	__u8 access_op;
	__u8 rsvd[6];
	__u64 page_count;
	__u64 gpap_base;
	__u64 bitmap_ptr;
};

/* Values of mshv_create_device.type */
#define MSHV_DEV_TYPE_VFIO		0
#define MSHV_DEV_TYPE_MAX		1

/* Flag in mshv_create_device.flags: only test whether the type exists */
#define MSHV_CREATE_DEVICE_TEST		1

/**
 * struct mshv_create_device - argument of MSHV_CREATE_DEVICE
 * @type: device type, MSHV_DEV_TYPE_x.
 * @fd: output: fd of the new device (O_RDWR | O_CLOEXEC).
 * @flags: 0, or MSHV_CREATE_DEVICE_TEST.
 *
 * Creates an in-kernel device of the partition and stores its fd in @fd;
 * the ioctl returns 0.  With MSHV_CREATE_DEVICE_TEST nothing is created and
 * 0 only reports that @type is supported.  Creating the VFIO device (one per
 * partition) makes the partition keep all guest memory pinned, as needed for
 * device DMA.
 *
 * Errors: ENODEV if @type is not supported; EINVAL if @flags has unknown
 * bits; EBUSY if the partition already has a device of this type; EFAULT if
 * @fd cannot be stored (no fd is left open); ENOMEM.
 */
struct mshv_create_device {
	__u32 type;
	__u32 fd;
	__u32 flags;
};

/*
 * SEV-SNP isolated guests only.  A driver without SEV-SNP support fails the
 * requests using the structures below with ENOTTY or EOPNOTSUPP.
 */

/* Bit numbers in mshv_modify_gpa_host_access.flags */
/* set: give the host access; clear: make the pages private to the guest */
#define MSHV_GPA_HOST_ACCESS_BIT_ACQUIRE	0
/* with ACQUIRE: the host may read the pages */
#define MSHV_GPA_HOST_ACCESS_BIT_READABLE	1
/* with ACQUIRE: the host may write the pages */
#define MSHV_GPA_HOST_ACCESS_BIT_WRITABLE	2
/* each frame number names a 2 MiB unit */
#define MSHV_GPA_HOST_ACCESS_BIT_LARGE_PAGE	3
#define MSHV_GPA_HOST_ACCESS_BIT_COUNT		4

/**
 * struct mshv_modify_gpa_host_access - argument of MSHV_MODIFY_GPA_HOST_ACCESS
 * @flags: set of (1 << MSHV_GPA_HOST_ACCESS_BIT_x) flags; bits at or above
 *	MSHV_GPA_HOST_ACCESS_BIT_COUNT must be 0.
 * @rsvd: must be 0.
 * @page_count: number of entries in @guest_pfns.
 * @guest_pfns: guest page frame numbers whose host access changes.
 *
 * SEV-SNP only.  Makes guest pages accessible to the host (shared) or
 * private to the guest again.  The size encoded in the ioctl number covers
 * only the 16-byte header; the driver reads 16 + 8 * @page_count bytes.
 *
 * Errors: EINVAL for unknown @flags bits or non-zero @rsvd; errors mapped
 * from the hypervisor status.
 */
struct mshv_modify_gpa_host_access {
	__u8 flags;
	__u8 rsvd[7];
	__u64 page_count;
	__u64 guest_pfns[];
};

/* Values of mshv_import_isolated_pages.page_type */
#define MSHV_ISOLATED_PAGE_NORMAL	0
#define MSHV_ISOLATED_PAGE_VMSA		1
#define MSHV_ISOLATED_PAGE_ZERO		2
#define MSHV_ISOLATED_PAGE_UNMEASURED	3
#define MSHV_ISOLATED_PAGE_SECRETS	4
#define MSHV_ISOLATED_PAGE_CPUID	5
#define MSHV_ISOLATED_PAGE_COUNT	6

/**
 * struct mshv_import_isolated_pages - argument of MSHV_IMPORT_ISOLATED_PAGES
 * @page_type: kind of the pages, MSHV_ISOLATED_PAGE_x.
 * @rsvd: must be 0.
 * @page_count: number of entries in @guest_pfns.
 * @guest_pfns: guest page frame numbers to import into the guest's
 *	initial, measured image.
 *
 * SEV-SNP only.  The size encoded in the ioctl number covers only the
 * 16-byte header; the driver reads 16 + 8 * @page_count bytes.
 *
 * Errors: EINVAL if @page_type is not below MSHV_ISOLATED_PAGE_COUNT or
 * @rsvd is not 0; errors mapped from the hypervisor status.
 */
struct mshv_import_isolated_pages {
	__u8 page_type;
	__u8 rsvd[7];
	__u64 page_count;
	__u64 guest_pfns[];
};

/**
 * struct mshv_complete_isolated_import - argument of
 *	MSHV_COMPLETE_ISOLATED_IMPORT
 * @import_data: the AMD SEV-SNP launch-finish parameters, passed to the
 *	hypervisor unchanged (3334 bytes).
 * @import_data.id_block: the ID block.
 * @import_data.id_auth_info: the ID authentication information.
 * @import_data.host_data: data supplied by the host.
 * @import_data.id_block_enabled: 1 if @import_data.id_block is valid.
 * @import_data.author_key_enabled: 1 if the author key in
 *	@import_data.id_auth_info is valid.
 *
 * SEV-SNP only.  Ends the import of the guest image started with
 * MSHV_IMPORT_ISOLATED_PAGES.  Packed, 3334 bytes.
 *
 * Errors: errors mapped from the hypervisor status.
 */
struct mshv_complete_isolated_import {
	struct {
		__u8 id_block[96];
		__u8 id_auth_info[3204];
		__u8 host_data[32];
		__u8 id_block_enabled;
		__u8 author_key_enabled;
	} __attribute__((packed)) import_data;
} __attribute__((packed));

/**
 * struct mshv_issue_psp_guest_request - argument of
 *	MSHV_ISSUE_PSP_GUEST_REQUEST
 * @req_gpa: guest physical address of the page holding the guest's request
 *	to the AMD platform security processor.
 * @rsp_gpa: guest physical address of the page that receives the response.
 *
 * SEV-SNP only.  Errors: errors mapped from the hypervisor status.
 */
struct mshv_issue_psp_guest_request {
	__u64 req_gpa;
	__u64 rsp_gpa;
};

/**
 * struct mshv_sev_snp_ap_create - argument of MSHV_SEV_SNP_AP_CREATE
 * @vp_id: index of the application processor to start.
 * @vmsa_gpa: guest physical address of its VM save area (VMSA).
 *
 * SEV-SNP only.  Errors: errors mapped from the hypervisor status.
 */
struct mshv_sev_snp_ap_create {
	__u64 vp_id;
	__u64 vmsa_gpa;
};

/**
 * struct mshv_install_intercept - argument of MSHV_INSTALL_INTERCEPT
 * @access_type_mask: accesses to intercept (read, write, execute bits).
 * @intercept_type: hypervisor intercept type.
 * @intercept_parameter: parameter of the intercept type (for instance an
 *	I/O port or an exception vector).
 *
 * Legacy request (may fail with ENOTTY); the VMM now issues the "install
 * intercept" hypercall (0x004D) through MSHV_ROOT_HVCALL.  Errors: errors
 * mapped from the hypervisor status.
 */
struct mshv_install_intercept {
	__u32 access_type_mask;
	__u32 intercept_type;
	__u64 intercept_parameter;
};

/**
 * struct mshv_assert_interrupt - argument of MSHV_ASSERT_INTERRUPT
 * @control: hypervisor interrupt control word (interrupt type, level
 *	triggered and logical destination flags).
 * @dest_addr: destination APIC id, or logical destination.
 * @vector: interrupt vector.
 * @rsvd: must be 0.
 *
 * Legacy request (may fail with ENOTTY); the VMM now issues the "assert
 * virtual interrupt" hypercall (0x0094) through MSHV_ROOT_HVCALL.  Errors:
 * EINVAL if @rsvd is not 0; errors mapped from the hypervisor status.
 */
struct mshv_assert_interrupt {
	__u64 control;
	__u64 dest_addr;
	__u32 vector;
	__u32 rsvd;
};

/**
 * struct mshv_signal_event_direct - argument of MSHV_SIGNAL_EVENT_DIRECT
 * @vp: target VP index.
 * @vtl: target virtual trust level.
 * @sint: target synthetic interrupt source.
 * @flag: event flag number to set.
 * @newly_signaled: output: 1 if the flag was not already set.
 * @pad: must be 0.
 *
 * Legacy request (may fail with ENOTTY); the VMM now issues the "signal
 * event direct" hypercall (0x00C0) through MSHV_ROOT_HVCALL.  Errors: errors
 * mapped from the hypervisor status.
 */
struct mshv_signal_event_direct {
	__u32 vp;
	__u8 vtl;
	__u8 sint;
	__u16 flag;
	__u8 newly_signaled;
	__u8 pad[3];
};

/**
 * struct mshv_post_message_direct - argument of MSHV_POST_MESSAGE_DIRECT
 * @vp: target VP index.
 * @vtl: target virtual trust level.
 * @sint: target synthetic interrupt source.
 * @length: message payload size in bytes, at most 240.
 * @message: user address of the @length payload bytes.
 *
 * Legacy request (may fail with ENOTTY); the VMM now issues the "post
 * message direct" hypercall (0x00C1) through MSHV_ROOT_HVCALL.  Errors:
 * EINVAL if @length exceeds 240; errors mapped from the hypervisor status.
 */
struct mshv_post_message_direct {
	__u32 vp;
	__u8 vtl;
	__u8 sint;
	__u16 length;
	__u64 message;
};

/**
 * struct mshv_register_deliverabilty_notifications - argument of
 *	MSHV_REGISTER_DELIVERABILITY_NOTIFICATIONS
 * @vp: VP index.
 * @pad: must be 0.
 * @flag: value for the VP's deliverability notifications register.
 *
 * Legacy request (may fail with ENOTTY); the VMM now sets the register with
 * the "set VP registers" hypercall through MSHV_ROOT_HVCALL.  The structure
 * name keeps its historical spelling.  Errors: errors mapped from the
 * hypervisor status.
 */
struct mshv_register_deliverabilty_notifications {
	__u32 vp;
	__u32 pad;
	__u64 flag;
};

/* more ioctls on a partition fd */
#define MSHV_CREATE_VP \
	_IOW(MSHV_IOCTL, 0x01, struct mshv_create_vp)
#define MSHV_SET_GUEST_MEMORY \
	_IOW(MSHV_IOCTL, 0x02, struct mshv_user_mem_region)
#define MSHV_IRQFD \
	_IOW(MSHV_IOCTL, 0x03, struct mshv_user_irqfd)
#define MSHV_IOEVENTFD \
	_IOW(MSHV_IOCTL, 0x04, struct mshv_user_ioeventfd)
#define MSHV_SET_MSI_ROUTING \
	_IOW(MSHV_IOCTL, 0x05, struct mshv_user_irq_table)
#define MSHV_GET_GPAP_ACCESS_BITMAP \
	_IOWR(MSHV_IOCTL, 0x06, struct mshv_gpap_access_bitmap)
/* 0x07 is MSHV_ROOT_HVCALL */
#define MSHV_CREATE_DEVICE \
	_IOWR(MSHV_IOCTL, 0x08, struct mshv_create_device)
/* SEV-SNP only */
#define MSHV_MODIFY_GPA_HOST_ACCESS \
	_IOW(MSHV_IOCTL, 0x09, struct mshv_modify_gpa_host_access)
#define MSHV_IMPORT_ISOLATED_PAGES \
	_IOW(MSHV_IOCTL, 0x0A, struct mshv_import_isolated_pages)
#define MSHV_COMPLETE_ISOLATED_IMPORT \
	_IOW(MSHV_IOCTL, 0xF4, struct mshv_complete_isolated_import)
#define MSHV_ISSUE_PSP_GUEST_REQUEST \
	_IOW(MSHV_IOCTL, 0xF5, struct mshv_issue_psp_guest_request)
#define MSHV_SEV_SNP_AP_CREATE \
	_IOW(MSHV_IOCTL, 0xF6, struct mshv_sev_snp_ap_create)
/* legacy, may fail with ENOTTY */
#define MSHV_INSTALL_INTERCEPT \
	_IOW(MSHV_IOCTL, 0xF0, struct mshv_install_intercept)
#define MSHV_ASSERT_INTERRUPT \
	_IOW(MSHV_IOCTL, 0xF1, struct mshv_assert_interrupt)
#define MSHV_SET_PARTITION_PROPERTY \
	_IOW(MSHV_IOCTL, 0xF2, struct mshv_partition_property)
#define MSHV_GET_PARTITION_PROPERTY \
	_IOWR(MSHV_IOCTL, 0xF3, struct mshv_partition_property)
#define MSHV_SIGNAL_EVENT_DIRECT \
	_IOWR(MSHV_IOCTL, 0xF7, struct mshv_signal_event_direct)
#define MSHV_POST_MESSAGE_DIRECT \
	_IOW(MSHV_IOCTL, 0xF8, struct mshv_post_message_direct)
#define MSHV_REGISTER_DELIVERABILITY_NOTIFICATIONS \
	_IOW(MSHV_IOCTL, 0xF9, struct mshv_register_deliverabilty_notifications)

/**
 * struct mshv_run_vp - argument of MSHV_RUN_VP
 * @msg_buf: output: the intercept message, one 256-byte hypervisor message
 *	(16-byte header followed by a 240-byte payload).
 *
 * Runs the VP until it produces an intercept, then returns 0 with the
 * message in @msg_buf.  Neither the driver nor the hypervisor advances the
 * instruction pointer past the intercepted instruction: the VMM does that.
 * The VP stays stopped until the next MSHV_RUN_VP.
 *
 * A pending signal makes the request return EINTR promptly, with the VP
 * stopped.  No intercept is lost: one that was generated meanwhile is
 * returned by this or the next MSHV_RUN_VP.  VMMs treat EINTR and EAGAIN as
 * "no message, call again".
 *
 * Errors: EINTR, EAGAIN; EFAULT if @msg_buf cannot be written; errors mapped
 * from the hypervisor status.
 */
struct mshv_run_vp {
	__u8 msg_buf[MSHV_RUN_VP_BUF_SZ];
};

/* Values of mshv_get_set_vp_state.type */
/* local APIC state: 4096 bytes */
#define MSHV_VP_STATE_LAPIC		0
/* XSAVE area: size given by the partition's maximum XSAVE size property */
#define MSHV_VP_STATE_XSAVE		1
/* synthetic interrupt message page: 4096 bytes */
#define MSHV_VP_STATE_SIMP		2
/* synthetic interrupt event flags page: 4096 bytes */
#define MSHV_VP_STATE_SIEFP		3
/* synthetic timers: 200 bytes */
#define MSHV_VP_STATE_SYNTHETIC_TIMERS	4
#define MSHV_VP_STATE_COUNT		5

/**
 * struct mshv_get_set_vp_state - argument of MSHV_GET_VP_STATE and
 *	MSHV_SET_VP_STATE
 * @type: state component, MSHV_VP_STATE_x.
 * @rsvd: must be 0.
 * @buf_sz: input: size of the buffer at @buf_ptr, a non-zero multiple of
 *	MSHV_HV_PAGE_SIZE.  Output: size of the state data.
 * @buf_ptr: user address of the buffer, aligned to MSHV_HV_PAGE_SIZE.
 *
 * MSHV_GET_VP_STATE copies one state component of the VP into the buffer;
 * MSHV_SET_VP_STATE loads it from the buffer.  A GET followed by a SET of
 * the same data restores the state exactly.  Both requests write the size of
 * the state data back into @buf_sz, even when they then fail because the
 * buffer is too small.  The local APIC component is a 4 KiB page whose first
 * 176 bytes hold the hypervisor's local interrupt controller state.  The
 * XSAVE size depends on the XSAVE features enabled for the partition; VMMs
 * usually pass one hypervisor page for every component.
 *
 * Errors: EINVAL if @type is not below MSHV_VP_STATE_COUNT, @rsvd is not 0,
 * @buf_sz is 0, not a multiple of MSHV_HV_PAGE_SIZE or smaller than the
 * state data, or @buf_ptr is not aligned; EFAULT if the buffer is not
 * accessible; ENOMEM; errors mapped from the hypervisor status.
 */
struct mshv_get_set_vp_state {
	__u8 type;
	__u8 rsvd[3];
	__u32 buf_sz;
	__u64 buf_ptr;
};

/*
 * Pages of a VP that can be mapped with mmap() on its fd.  Pass
 * MSHV_VP_MMAP_OFFSET_x * MSHV_HV_PAGE_SIZE as the mmap() offset and map
 * exactly one page with MAP_SHARED (the driver may reject other lengths and
 * private mappings with EINVAL).  A page the VP does not have (the register
 * page of an isolated VP, the GHCB page of a VP that is not SEV-SNP) fails
 * with ENODEV; any other offset fails with EINVAL; a writable mapping of
 * the intercept message page fails with EACCES.
 */
/* register page, read-write, valid only if its isvalid field is not 0 */
#define MSHV_VP_MMAP_OFFSET_REGISTERS		0
/* intercept message page; map it read-only */
#define MSHV_VP_MMAP_OFFSET_INTERCEPT_MESSAGE	1
/* SEV-SNP GHCB page */
#define MSHV_VP_MMAP_OFFSET_GHCB		2
#define MSHV_VP_MMAP_OFFSET_COUNT		3

/**
 * struct mshv_vp_registers - argument of MSHV_GET_VP_REGISTERS and
 *	MSHV_SET_VP_REGISTERS
 * @count: number of registers, 1 to MSHV_VP_MAX_REGISTERS.
 * @pad: must be 0.
 * @regs: user address of @count 32-byte hypervisor register name/value
 *	pairs (name u32 at offset 0, value at offset 16).
 *
 * Legacy requests (may fail with ENOTTY); the VMM now issues the "get/set
 * VP registers" hypercalls through MSHV_ROOT_HVCALL.  GET writes the values
 * back into the pairs.
 *
 * Errors: EINVAL if @count is out of range, or if SET names one of the
 * suspend registers the driver owns (explicit, intercept and dispatch
 * suspend); ENOMEM; errors mapped from the hypervisor status.
 */
struct mshv_vp_registers {
	__s32 count;
	__u32 pad;
	__u64 regs;
};

/**
 * struct mshv_translate_gva - argument of MSHV_VP_TRANSLATE_GVA
 * @gva: guest virtual address to translate (a byte address).
 * @flags: hypervisor translation control flags (validate read 0x1, write
 *	0x2, execute 0x4, ...).
 * @result: user address of an 8-byte translation result: result code in
 *	bits 31:0 (0 is success), cache type in bits 39:32, overlay page in
 *	bit 40.
 * @gpa: user address of a 64-bit value receiving the guest physical
 *	address, including the offset of @gva within its page.
 *
 * Translates @gva in the VP's current paging mode.  The request returns 0
 * whenever the translation was performed, also when the result code
 * reports a failed translation, so the caller must check the result code.
 * A driver without this request fails it with ENOTTY; VMMs then issue the
 * "translate virtual address" hypercall (0x0052) through MSHV_ROOT_HVCALL.
 *
 * Errors: EFAULT if @result or @gpa cannot be written; errors mapped from
 * the hypervisor status.
 */
struct mshv_translate_gva {
	__u64 gva;
	__u64 flags;
	__u64 result;
	__u64 gpa;
};

/**
 * struct mshv_register_intercept_result - argument of
 *	MSHV_VP_REGISTER_INTERCEPT_RESULT
 * @intercept_type: hypervisor intercept type: 1 (MSR) or 2 (CPUID).
 * @parameters: parameters of @intercept_type, in the hypervisor's layout
 *	(offsets relative to @parameters).  CPUID: leaf u32 at 0, subleaf u32
 *	at 4, subleaf-specific u8 at 8, always-override u8 at 9, then
 *	(value, mask) u32 pairs for eax at 12, ebx at 20, ecx at 28 and edx at
 *	36.  MSR: MSR index u32 at 0, access type u32 at 4, action u32 at 8.
 *
 * Legacy request (may fail with ENOTTY); the VMM now issues the "register
 * intercept result" hypercall (0x0091) through MSHV_ROOT_HVCALL.  Errors:
 * errors mapped from the hypervisor status.
 */
struct mshv_register_intercept_result {
	__u32 intercept_type;
	__u8 parameters[44];
};

/**
 * struct mshv_get_vp_cpuid_values - argument of MSHV_GET_VP_CPUID_VALUES
 * @function: CPUID leaf (eax input).
 * @index: CPUID subleaf (ecx input).
 * @xfem: XCR0 value to evaluate the leaf with.
 * @xss: IA32_XSS value to evaluate the leaf with.
 * @eax: output: eax result.
 * @ebx: output: ebx result.
 * @ecx: output: ecx result.
 * @edx: output: edx result.
 *
 * Legacy request (may fail with ENOTTY); the VMM now issues the "get VP
 * CPUID values" hypercall (0x00F4) through MSHV_ROOT_HVCALL.  Errors: errors
 * mapped from the hypervisor status.
 */
struct mshv_get_vp_cpuid_values {
	__u32 function;
	__u32 index;
	__u64 xfem;
	__u64 xss;
	__u32 eax;
	__u32 ebx;
	__u32 ecx;
	__u32 edx;
};

/**
 * struct mshv_read_write_gpa - argument of MSHV_READ_GPA and MSHV_WRITE_GPA
 * @base_gpa: guest physical address of the first byte.
 * @byte_count: number of bytes, at most 16.
 * @flags: hypervisor access control flags.
 * @data: input (write) or output (read) bytes.
 *
 * Legacy requests (may fail with ENOTTY); the VMM now issues the "read GPA"
 * and "write GPA" hypercalls (0x0053, 0x0054) through MSHV_ROOT_HVCALL.  The
 * access is made as the VP would make it.  Errors: EINVAL if @byte_count
 * exceeds 16; errors mapped from the hypervisor status.
 */
struct mshv_read_write_gpa {
	__u64 base_gpa;
	__u32 byte_count;
	__u32 flags;
	__u8 data[16];
};

/* ioctls on a VP fd (0x07 is MSHV_ROOT_HVCALL) */
#define MSHV_RUN_VP \
	_IOR(MSHV_IOCTL, 0x00, struct mshv_run_vp)
#define MSHV_GET_VP_STATE \
	_IOWR(MSHV_IOCTL, 0x01, struct mshv_get_set_vp_state)
/* _IOWR, not _IOW: buf_sz is written back */
#define MSHV_SET_VP_STATE \
	_IOWR(MSHV_IOCTL, 0x02, struct mshv_get_set_vp_state)
#define MSHV_VP_TRANSLATE_GVA \
	_IOWR(MSHV_IOCTL, 0xF2, struct mshv_translate_gva)
/* legacy, may fail with ENOTTY */
#define MSHV_GET_VP_REGISTERS \
	_IOWR(MSHV_IOCTL, 0xF0, struct mshv_vp_registers)
#define MSHV_SET_VP_REGISTERS \
	_IOW(MSHV_IOCTL, 0xF1, struct mshv_vp_registers)
#define MSHV_VP_REGISTER_INTERCEPT_RESULT \
	_IOW(MSHV_IOCTL, 0xF3, struct mshv_register_intercept_result)
#define MSHV_GET_VP_CPUID_VALUES \
	_IOWR(MSHV_IOCTL, 0xF4, struct mshv_get_vp_cpuid_values)
#define MSHV_READ_GPA \
	_IOWR(MSHV_IOCTL, 0xF5, struct mshv_read_write_gpa)
#define MSHV_WRITE_GPA \
	_IOW(MSHV_IOCTL, 0xF6, struct mshv_read_write_gpa)

/* Attribute group of the VFIO device, and its attributes */
#define MSHV_DEV_VFIO_FILE		1
/* attach a VFIO group or device file to the partition */
#define MSHV_DEV_VFIO_FILE_ADD		1
/* detach it */
#define MSHV_DEV_VFIO_FILE_DEL		2

/**
 * struct mshv_device_attr - argument of the device fd ioctls
 * @flags: must be 0.
 * @group: attribute group.
 * @attr: attribute within @group.
 * @addr: user address of the attribute's payload.
 *
 * MSHV_SET_DEVICE_ATTR sets an attribute, MSHV_HAS_DEVICE_ATTR returns 0 if
 * the attribute exists, MSHV_GET_DEVICE_ATTR reads one (it is encoded as
 * _IOW although it reads).  The VFIO device has the group
 * MSHV_DEV_VFIO_FILE with the attributes MSHV_DEV_VFIO_FILE_ADD and
 * MSHV_DEV_VFIO_FILE_DEL, whose payload at @addr is an int holding the fd of
 * a VFIO group or device file; it has no readable attribute, so
 * MSHV_GET_DEVICE_ATTR always fails (ENXIO or ENOTTY).
 *
 * Errors: EFAULT if the payload cannot be read (also for @addr 0); EBADF if
 * it is not an open fd; EINVAL if the file is not a VFIO file; EEXIST if
 * the file was already added; ENOENT if the file to delete was not added;
 * ENXIO for an unknown @group or @attr.
 */
struct mshv_device_attr {
	__u32 flags;
	__u32 group;
	__u64 attr;
	__u64 addr;
};

/* ioctls on a device fd */
#define MSHV_SET_DEVICE_ATTR \
	_IOW(MSHV_IOCTL, 0x00, struct mshv_device_attr)
#define MSHV_GET_DEVICE_ATTR \
	_IOW(MSHV_IOCTL, 0x01, struct mshv_device_attr)
#define MSHV_HAS_DEVICE_ATTR \
	_IOW(MSHV_IOCTL, 0x02, struct mshv_device_attr)

/* Bit numbers in mshv_vtl_capabilities.bits */
#define MSHV_VTL_CAP_BIT_REGISTER_PAGE	0
#define MSHV_VTL_CAP_BIT_RETURN_ACTION	1
#define MSHV_VTL_CAP_BIT_DR6_SHARED	2

/**
 * struct mshv_vtl_capabilities - capabilities of the VTL driver
 * @bits: set of (1ULL << MSHV_VTL_CAP_BIT_x) flags.
 *
 * Belongs to the separate virtual trust level driver interface; mshv_root
 * does not use it.
 */
struct mshv_vtl_capabilities {
	__u64 bits;
};

/**
 * struct mshv_trace_config - hypervisor trace buffer configuration
 * @mode: trace mode.
 * @max_buffers_count: highest number of trace buffers.
 * @pages_per_buffer: size of one buffer in hypervisor pages.
 * @buffers_threshold: number of full buffers that triggers a notification.
 * @time_basis: time source of the trace timestamps.
 * @system_time: system time at which tracing starts.
 *
 * Belongs to the downstream tracing interface (MSHV_TRACE_IOCTL); mshv_root
 * does not use it.
 */
struct mshv_trace_config {
	__u32 mode;
	__u32 max_buffers_count;
	__u32 pages_per_buffer;
	__u32 buffers_threshold;
	__u64 time_basis;
	__u64 system_time;
};

#endif /* _UAPI_LINUX_MSHV_H */
