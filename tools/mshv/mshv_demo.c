// SPDX-License-Identifier: GPL-2.0
/*
 * mshv_demo: a small VMM written against <linux/mshv.h> alone.
 *
 * It boots the demo guest (guest/, linked in as guest_image.h) in a child
 * partition of the Microsoft Hypervisor:
 *
 *   - open /dev/mshv, create and initialize a partition;
 *   - map 2 MiB of anonymous memory at GPA 0 (read/write/execute) and a
 *     copy of the 4 KiB guest image at GPA 0xFFFFF000 (read/execute), and
 *     leave the demo device's page at 0xD0000000 unmapped;
 *   - create VP 0, which starts in the architectural reset state (CS base
 *     0xFFFF0000, IP 0xFFF0: the last 16 bytes of the image), map its
 *     register page;
 *   - set up the virtio-style device: an MSI route (GSI 0 -> vector 0x40
 *     on APIC 0), an ioeventfd on its notify register (0xD0001000) and an
 *     irqfd on GSI 0, and start its thread;
 *   - call MSHV_RUN_VP until the guest halts.
 *
 * Every intercept is completed here, as the hypervisor never advances RIP:
 * port I/O goes to a COM1 UART model, accesses to the unmapped device page
 * arrive as UNMAPPED_GPA messages whose instruction bytes are decoded and
 * emulated against the demo MMIO device (guest/vmm_emul.c).  The new RAX and
 * RIP are written through the register page with its dirty bits.
 *
 * The virtio-style device involves no intercept at all: the guest's notify
 * write signals the ioeventfd inside the kernel, the device thread answers
 * the request in guest RAM and signals the irqfd, from which the driver
 * asserts the interrupt; the hypervisor's local APIC delivers it and takes
 * the guest's EOI.  Meanwhile the guest waits in HLT with interrupts on,
 * which the hypervisor keeps to itself: MSHV_RUN_VP just does not return.
 *
 * The guest's serial output goes to stdout as it arrives.  At the end the
 * demo prints exit statistics and checks the transcript: the exit status
 * is 0 only if the guest printed its lines in real, protected and long
 * mode, passed its MMIO checks, got one interrupt per device request and
 * halted.
 *
 * Usage: mshv_demo [-q] [-v] [-t SECONDS]
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/mshv.h>

#include "guest_image.h"
#include "vmm_emul.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PT_BIT(b)	(1ULL << (b))
#define MEM_BIT(b)	(1U << (b))

/*
 * Hypervisor message layouts (TLFS).  The uapi passes them as raw bytes, so
 * a VMM carries its own copies of the ones it handles.
 */

#define HVMSG_NONE			0x00000000
#define HVMSG_UNMAPPED_GPA		0x80000000
#define HVMSG_GPA_INTERCEPT		0x80000001
#define HVMSG_UNRECOVERABLE_EXCEPTION	0x80000021
#define HVMSG_X64_IO_PORT_INTERCEPT	0x80010000
#define HVMSG_X64_MSR_INTERCEPT		0x80010001
#define HVMSG_X64_CPUID_INTERCEPT	0x80010002
#define HVMSG_X64_EXCEPTION_INTERCEPT	0x80010003
#define HVMSG_X64_APIC_EOI		0x80010004
#define HVMSG_X64_HALT			0x80010007

/* Segment register, hypervisor format. */
struct hv_segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint16_t attributes;		/* bit 13 L, bit 14 D/B */
};

#define HV_SEG_ATTR_L			0x2000

/* Intercept access types (header.access_type). */
#define HV_ACCESS_READ			0	/* also IN */
#define HV_ACCESS_WRITE			1	/* also OUT */
#define HV_ACCESS_EXECUTE		2

#define RFLAGS_IF			0x200

/* header.execution_state bits */
#define HV_EXEC_CR0_PE			0x0004
#define HV_EXEC_EFER_LMA		0x0010

/* The first 40 bytes of every x64 intercept payload. */
struct hv_intercept_header {
	uint32_t vp_index;
	uint8_t insn_len_cr8;		/* bits 0-3 instruction length */
	uint8_t access_type;
	uint16_t execution_state;
	struct hv_segment cs;
	uint64_t rip;			/* of the intercepted instruction */
	uint64_t rflags;
};

/* io_port.access_info bits */
#define HV_IO_SIZE_MASK			0x07
#define HV_IO_STRING			0x08
#define HV_IO_REP			0x10

struct hv_io_port_intercept {
	struct hv_intercept_header header;
	uint16_t port;
	uint8_t access_info;
	uint8_t insn_byte_count;
	uint32_t rsvd;
	uint64_t rax;			/* OUT: data in the low bytes */
	uint8_t insn_bytes[16];
	struct hv_segment ds;
	struct hv_segment es;
	uint64_t rcx;
	uint64_t rsi;
	uint64_t rdi;
};

struct hv_memory_intercept {
	struct hv_intercept_header header;
	uint32_t cache_type;
	uint8_t insn_byte_count;
	uint8_t access_info;
	uint8_t tpr_priority;
	uint8_t rsvd;
	uint64_t gva;
	uint64_t gpa;
	uint8_t insn_bytes[16];
};

/* What MSHV_RUN_VP returns: one hv_message. */
struct hv_message {
	uint32_t type;
	uint8_t payload_size;
	uint8_t flags;
	uint16_t rsvd;
	uint64_t sender;
	union {
		uint64_t qwords[30];
		struct hv_intercept_header header;
		struct hv_io_port_intercept io;
		struct hv_memory_intercept mem;
	} u;
};

/* The part of the VP register page (mmap offset 0 of the VP fd) used here. */
struct hv_vp_register_page {
	uint16_t version;
	uint8_t isvalid;
	uint8_t rsvdz;
	uint32_t dirty;
	uint64_t gpr[16];		/* RAX RCX RDX RBX RSP RBP RSI RDI R8-R15 */
	uint64_t rip;
	uint64_t rflags;
	uint64_t rsvd;
	uint8_t xmm[6][16];
	struct hv_segment es, cs, ss, ds, fs, gs;
	uint64_t cr0;
	uint64_t cr3;
	uint64_t cr4;
	uint64_t cr8;
	uint64_t efer;
};

/* The x86 MSI message (xAPIC format) of an MSHV_SET_MSI_ROUTING entry. */
#define MSI_ADDR_BASE			0xFEE00000U
#define MSI_ADDR_DEST_ID(id)		((uint32_t)(id) << 12)
#define MSI_DATA_VECTOR(v)		((uint32_t)(v) & 0xff)
/* Data bits 10:8 (delivery mode) 0 = fixed; bit 15 (trigger) 0 = edge. */

#define HV_REGPAGE_VERSION		1
#define HV_REGPAGE_DIRTY_GP		0x1	/* RAX-R15 */
#define HV_REGPAGE_DIRTY_RIP		0x2	/* RIP */

static_assert(sizeof(struct hv_intercept_header) == 40, "header size");
static_assert(sizeof(struct hv_io_port_intercept) == 128, "io size");
static_assert(offsetof(struct hv_io_port_intercept, rax) == 48, "io rax");
static_assert(sizeof(struct hv_memory_intercept) == 80, "memory size");
static_assert(offsetof(struct hv_memory_intercept, gpa) == 56, "mem gpa");
static_assert(sizeof(struct hv_message) == MSHV_RUN_VP_BUF_SZ, "message");
static_assert(offsetof(struct hv_message, u) == 16, "message payload");
static_assert(offsetof(struct hv_vp_register_page, rip) == 136, "rip");
static_assert(offsetof(struct hv_vp_register_page, cs) == 272, "cs");
static_assert(offsetof(struct hv_vp_register_page, efer) == 384, "efer");

/* ------------------------------------------------------------------ */

enum cpu_mode { MODE_REAL, MODE_PROTECTED, MODE_COMPAT, MODE_LONG };

static const char *const mode_name[] = {
	[MODE_REAL] = "real",
	[MODE_PROTECTED] = "protected",
	[MODE_COMPAT] = "compatibility",
	[MODE_LONG] = "long",
};

#define STR_(x)		#x
#define STR(x)		STR_(x)
#define VDEV_PREFIX	"Virtio-style device: "
/* What the guest prints when every request got its interrupt and reply. */
#define VDEV_LINE	VDEV_PREFIX STR(GUEST_VDEV_REQUESTS) " requests, "	\
			STR(GUEST_VDEV_REQUESTS) " interrupts, "		\
			STR(GUEST_VDEV_REQUESTS) " replies OK"
/* The device's interrupt route: GSI 0, an MSI to APIC id 0 (VP 0). */
#define VDEV_GSI	0
#define VDEV_APIC_ID	0

/* The guest's transcript and the mode each line must be printed in. */
static const struct {
	const char *text;
	enum cpu_mode mode;
} expected[] = {
	{ "Hello from the guest (real mode)", MODE_REAL },
	{ "Hello from the guest (protected mode)", MODE_PROTECTED },
	{ "Hello from the guest (long mode)", MODE_LONG },
	{ "MMIO: scratch register read back OK", MODE_LONG },
	{ "MMIO: device ID OK", MODE_LONG },
	{ VDEV_LINE, MODE_LONG },
	{ "Guest halting", MODE_LONG },
};

#define NR_EXPECTED	ARRAY_SIZE(expected)
#define MAX_LINES	32
#define SCRATCH_MAGIC	(((uint64_t)GUEST_SCRATCH_MAGIC_HI << 32) | \
			 GUEST_SCRATCH_MAGIC_LO)

/*
 * The virtio-style device: three eventfds and a thread.  The counters are
 * the thread's; the main thread reads them after joining it.
 */
struct vdev {
	int notify_fd;			/* ioeventfd on the notify register */
	int irq_fd;			/* irqfd on VDEV_GSI */
	int stop_fd;			/* wakes the thread to exit */
	uint8_t *shared;		/* the page shared with the guest */
	pthread_t thread;
	bool running;
	unsigned long notifies;		/* notify writes (eventfd counts) */
	unsigned long wakeups;		/* reads of notify_fd */
	unsigned long irqs;		/* irq_fd signals */
	int err;			/* errno of a failed eventfd call */
};

struct vm {
	int sys_fd;
	int pt_fd;
	int vp_fd;
	void *ram;
	void *rom;
	struct hv_vp_register_page *regs;

	struct vmm_uart uart;
	struct vmm_demo_dev dev;
	struct vdev vdev;

	/* guest output */
	char out[4096];
	size_t out_len;
	char linebuf[128];
	size_t linebuf_len;
	bool line_start;
	unsigned int lines;
	size_t line_off[MAX_LINES];
	enum cpu_mode line_mode[MAX_LINES];
	enum cpu_mode mode;		/* at the current intercept */

	/* statistics */
	unsigned long runs;		/* MSHV_RUN_VP calls */
	unsigned long interrupted;	/* of which EINTR/EAGAIN */
	unsigned long io_in, io_out;
	unsigned long mmio_read, mmio_write;
	unsigned long halts;
	uint64_t halt_rip;
};

static bool quiet, verbose;
/* Set by the signal handler (lock-free, so async-signal-safe). */
static atomic_int stop_signal;

static int fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "mshv_demo: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int sys_fail(const char *what)
{
	return fail("%s: %s", what, strerror(errno));
}

static void info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	printf("mshv_demo: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	stop_signal = sig;
	/*
	 * Keep the timeout firing: one that hit just before MSHV_RUN_VP was
	 * entered must not leave the run loop blocked in it.
	 */
	if (sig == SIGALRM)
		alarm(1);
}

static const char *msg_name(uint32_t type)
{
	switch (type) {
	case HVMSG_NONE:			return "NONE";
	case HVMSG_UNMAPPED_GPA:		return "UNMAPPED_GPA";
	case HVMSG_GPA_INTERCEPT:		return "GPA_INTERCEPT";
	case HVMSG_UNRECOVERABLE_EXCEPTION:	return "UNRECOVERABLE_EXCEPTION";
	case HVMSG_X64_IO_PORT_INTERCEPT:	return "IO_PORT_INTERCEPT";
	case HVMSG_X64_MSR_INTERCEPT:		return "MSR_INTERCEPT";
	case HVMSG_X64_CPUID_INTERCEPT:		return "CPUID_INTERCEPT";
	case HVMSG_X64_EXCEPTION_INTERCEPT:	return "EXCEPTION_INTERCEPT";
	case HVMSG_X64_APIC_EOI:		return "APIC_EOI";
	case HVMSG_X64_HALT:			return "HALT";
	default:				return "unknown";
	}
}

static enum cpu_mode header_mode(const struct hv_intercept_header *h)
{
	if (h->execution_state & HV_EXEC_EFER_LMA)
		return h->cs.attributes & HV_SEG_ATTR_L ? MODE_LONG : MODE_COMPAT;
	return h->execution_state & HV_EXEC_CR0_PE ? MODE_PROTECTED : MODE_REAL;
}

/* -------------------------------------------- virtio-style device ---- */

/*
 * The device thread: wait for a notify, answer the request in the shared
 * page (RESP = ~REQ), signal the completion interrupt.  The guest has one
 * request outstanding at a time, so every wake-up is one notify.
 */
static void *vdev_thread(void *arg)
{
	struct vdev *d = arg;
	uint32_t *req = (uint32_t *)(d->shared + GUEST_VDEV_REQ);
	uint32_t *resp = (uint32_t *)(d->shared + GUEST_VDEV_RESP);
	struct pollfd pfd[2] = {
		{ .fd = d->notify_fd, .events = POLLIN },
		{ .fd = d->stop_fd, .events = POLLIN },
	};
	uint64_t count, one = 1;
	uint32_t r;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			d->err = errno;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		if (read(d->notify_fd, &count, sizeof(count)) != sizeof(count)) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			d->err = errno;
			break;
		}
		d->notifies += count;
		d->wakeups++;

		/* The guest wrote REQ before its notify write. */
		r = __atomic_load_n(req, __ATOMIC_ACQUIRE);
		__atomic_store_n(resp, ~r, __ATOMIC_RELEASE);
		if (verbose)
			printf("mshv_demo: device: notify (%llu), request %u answered\n",
			       (unsigned long long)count, r);

		/* The driver injects the interrupt from this write. */
		if (write(d->irq_fd, &one, sizeof(one)) != sizeof(one)) {
			d->err = errno;
			break;
		}
		d->irqs++;
	}
	return NULL;
}

/*
 * The device's wiring: the MSI route of its interrupt, the ioeventfd on its
 * notify register (any 32-bit value: no datamatch), the irqfd on the route.
 */
static int vdev_create(struct vm *vm)
{
	struct vdev *d = &vm->vdev;
	struct mshv_user_irq_table *routes;
	struct mshv_user_ioeventfd ioeventfd = {
		.addr = GUEST_VDEV_NOTIFY_GPA,
		.len = GUEST_VDEV_NOTIFY_SIZE,
	};
	struct mshv_user_irqfd irqfd = { .gsi = VDEV_GSI };
	int ret;

	d->shared = (uint8_t *)vm->ram + GUEST_VDEV_SHARED_GPA;
	d->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->irq_fd = eventfd(0, EFD_CLOEXEC);
	d->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (d->notify_fd < 0 || d->irq_fd < 0 || d->stop_fd < 0)
		return sys_fail("eventfd");

	/* Fixed delivery, edge triggered, physical destination. */
	routes = calloc(1, sizeof(*routes) + sizeof(routes->entries[0]));
	if (!routes)
		return sys_fail("calloc");
	routes->nr = 1;
	routes->entries[0].gsi = VDEV_GSI;
	routes->entries[0].address_lo = MSI_ADDR_BASE | MSI_ADDR_DEST_ID(VDEV_APIC_ID);
	routes->entries[0].data = MSI_DATA_VECTOR(GUEST_VDEV_VECTOR);
	ret = ioctl(vm->pt_fd, MSHV_SET_MSI_ROUTING, routes);
	free(routes);
	if (ret)
		return sys_fail("MSHV_SET_MSI_ROUTING");

	ioeventfd.fd = d->notify_fd;
	if (ioctl(vm->pt_fd, MSHV_IOEVENTFD, &ioeventfd))
		return sys_fail("MSHV_IOEVENTFD (notify register)");
	irqfd.fd = d->irq_fd;
	if (ioctl(vm->pt_fd, MSHV_IRQFD, &irqfd))
		return sys_fail("MSHV_IRQFD");
	return 0;
}

static int vdev_start(struct vdev *d)
{
	sigset_t all, old;
	int err;

	/*
	 * The thread blocks every signal, so that the timeout and ^C go to
	 * the main thread and interrupt MSHV_RUN_VP.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&d->thread, NULL, vdev_thread, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		errno = err;
		return sys_fail("pthread_create (device thread)");
	}
	d->running = true;
	return 0;
}

static void vdev_stop(struct vdev *d)
{
	uint64_t one = 1;

	if (!d->running)
		return;
	if (write(d->stop_fd, &one, sizeof(one)) != sizeof(one))
		pthread_cancel(d->thread);	/* poll() is a cancellation point */
	pthread_join(d->thread, NULL);
	d->running = false;
}

/* ------------------------------------------------------------ setup ---- */

static int map_memory(struct vm *vm, uint64_t gpa, void *addr, uint64_t size,
		      uint8_t flags, const char *what)
{
	struct mshv_user_mem_region r = {
		.size = size,
		.guest_pfn = gpa / MSHV_HV_PAGE_SIZE,
		.userspace_addr = (uintptr_t)addr,
		.flags = flags,
	};

	if (ioctl(vm->pt_fd, MSHV_SET_GUEST_MEMORY, &r))
		return sys_fail(what);
	return 0;
}

static int vm_create(struct vm *vm)
{
	struct mshv_create_partition args = {
		/*
		 * No flag is needed for intercept delivery: the driver always
		 * creates partitions whose intercepts go to the per-VP
		 * intercept message page, which MSHV_RUN_VP returns.
		 */
		.pt_flags = PT_BIT(MSHV_PT_BIT_LAPIC) |
			    PT_BIT(MSHV_PT_BIT_X2APIC) |
			    PT_BIT(MSHV_PT_BIT_GPA_SUPER_PAGES),
		.pt_isolation = MSHV_PT_ISOLATION_NONE,
	};
	struct mshv_create_vp vp_args = { .vp_index = 0 };

	vm->sys_fd = open("/dev/mshv", O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0)
		return sys_fail("open /dev/mshv");

	do {
		vm->pt_fd = ioctl(vm->sys_fd, MSHV_CREATE_PARTITION, &args);
	} while (vm->pt_fd < 0 && errno == EINTR);
	if (vm->pt_fd < 0)
		return sys_fail("MSHV_CREATE_PARTITION");
	if (ioctl(vm->pt_fd, MSHV_INITIALIZE_PARTITION))
		return sys_fail("MSHV_INITIALIZE_PARTITION");

	/* RAM at GPA 0; anonymous memory starts out zeroed. */
	vm->ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		return sys_fail("mmap guest RAM");
	}
	if (map_memory(vm, GUEST_RAM_GPA, vm->ram, GUEST_RAM_SIZE,
		       MEM_BIT(MSHV_SET_MEM_BIT_WRITABLE) |
		       MEM_BIT(MSHV_SET_MEM_BIT_EXECUTABLE),
		       "MSHV_SET_GUEST_MEMORY (RAM)"))
		return -1;

	/*
	 * The image: a page-aligned copy, read-only for the VMM too, mapped
	 * read + execute.  A guest write to it would be a GPA_INTERCEPT.
	 */
	vm->rom = mmap(NULL, GUEST_IMAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->rom == MAP_FAILED) {
		vm->rom = NULL;
		return sys_fail("mmap guest image");
	}
	memcpy(vm->rom, guest_image, GUEST_IMAGE_SIZE);
	if (mprotect(vm->rom, GUEST_IMAGE_SIZE, PROT_READ))
		return sys_fail("mprotect guest image");
	if (map_memory(vm, GUEST_IMAGE_GPA, vm->rom, GUEST_IMAGE_SIZE,
		       MEM_BIT(MSHV_SET_MEM_BIT_EXECUTABLE),
		       "MSHV_SET_GUEST_MEMORY (image)"))
		return -1;

	/* VP 0, in the reset state: the first MSHV_RUN_VP starts it. */
	vm->vp_fd = ioctl(vm->pt_fd, MSHV_CREATE_VP, &vp_args);
	if (vm->vp_fd < 0)
		return sys_fail("MSHV_CREATE_VP");
	vm->regs = mmap(NULL, MSHV_HV_PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_SHARED, vm->vp_fd,
			MSHV_VP_MMAP_OFFSET_REGISTERS * MSHV_HV_PAGE_SIZE);
	if (vm->regs == MAP_FAILED) {
		vm->regs = NULL;
		return sys_fail("mmap register page");
	}

	if (vdev_create(vm))
		return -1;

	vm->uart.base = GUEST_COM1_BASE;
	vm->uart.ctx = vm;
	vm->dev.base = GUEST_MMIO_GPA;
	vm->dev.id = GUEST_DEV_ID;
	vm->line_start = true;
	return 0;
}

static void vm_destroy(struct vm *vm)
{
	/* The device thread uses guest RAM: stop it first. */
	vdev_stop(&vm->vdev);
	/*
	 * Otherwise any order works; the partition goes away with its last
	 * fd, and its irqfd and ioeventfd with it.
	 */
	if (vm->vdev.notify_fd >= 0)
		close(vm->vdev.notify_fd);
	if (vm->vdev.irq_fd >= 0)
		close(vm->vdev.irq_fd);
	if (vm->vdev.stop_fd >= 0)
		close(vm->vdev.stop_fd);
	if (vm->regs)
		munmap(vm->regs, MSHV_HV_PAGE_SIZE);
	if (vm->vp_fd >= 0)
		close(vm->vp_fd);
	if (vm->pt_fd >= 0)
		close(vm->pt_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	if (vm->rom)
		munmap(vm->rom, GUEST_IMAGE_SIZE);
	if (vm->ram)
		munmap(vm->ram, GUEST_RAM_SIZE);
}

/* --------------------------------------------------------- intercepts ---- */

/* Print the guest's current output line (complete or not). */
static void flush_line(struct vm *vm)
{
	if (vm->linebuf_len && !quiet)
		fwrite(vm->linebuf, 1, vm->linebuf_len, stdout);
	vm->linebuf_len = 0;
}

/*
 * The UART's transmitter: record the transcript with the CPU mode at the
 * start of each line, and print it a line at a time (so that -v output
 * does not cut guest lines).
 */
static void uart_putc(void *ctx, uint8_t c)
{
	struct vm *vm = ctx;

	if (vm->line_start && vm->lines < MAX_LINES) {
		vm->line_off[vm->lines] = vm->out_len;
		vm->line_mode[vm->lines] = vm->mode;
		vm->lines++;
	}
	vm->line_start = c == '\n';
	if (vm->out_len < sizeof(vm->out) - 1)
		vm->out[vm->out_len++] = c;
	vm->linebuf[vm->linebuf_len++] = c;
	if (c == '\n' || vm->linebuf_len == sizeof(vm->linebuf))
		flush_line(vm);
}

/* The register page must be valid whenever the VP stopped on an intercept. */
static int check_regs(struct vm *vm, const struct hv_intercept_header *h)
{
	struct hv_vp_register_page *regs = vm->regs;

	if (regs->version != HV_REGPAGE_VERSION || !regs->isvalid)
		return fail("register page not usable (version %u, isvalid %u)",
			    regs->version, regs->isvalid);
	if (regs->rip != h->rip)
		return fail("register page RIP 0x%llx differs from the intercept's 0x%llx",
			    (unsigned long long)regs->rip,
			    (unsigned long long)h->rip);
	return 0;
}

static int handle_io(struct vm *vm, const struct hv_io_port_intercept *io)
{
	struct hv_vp_register_page *regs = vm->regs;
	unsigned int size = io->access_info & HV_IO_SIZE_MASK;
	unsigned int len = io->header.insn_len_cr8 & 0xf;
	bool in = io->header.access_type == HV_ACCESS_READ;
	uint32_t data = in ? 0 : (uint32_t)io->rax;

	if (io->access_info & (HV_IO_STRING | HV_IO_REP))
		return fail("string I/O (%s%s port 0x%x) at 0x%llx is not supported",
			    io->access_info & HV_IO_REP ? "REP " : "",
			    in ? "INS" : "OUTS", io->port,
			    (unsigned long long)io->header.rip);
	if ((size != 1 && size != 2 && size != 4) || !len)
		return fail("bad I/O intercept: access_info 0x%x, instruction length %u",
			    io->access_info, len);
	if (check_regs(vm, &io->header))
		return -1;

	if (size < 4)
		data &= (1U << (8 * size)) - 1;
	vm->mode = header_mode(&io->header);
	if (!vmm_uart_pio(&vm->uart, io->port, size, in, &data))
		return fail("%s of port 0x%x at 0x%llx: no device there",
			    in ? "IN" : "OUT", io->port,
			    (unsigned long long)io->header.rip);
	if (verbose)
		printf("mshv_demo: exit IO %s port 0x%x size %u data 0x%x at 0x%llx\n",
		       in ? "in " : "out", io->port, size, data,
		       (unsigned long long)io->header.rip);
	if (in) {
		vm->io_in++;
		regs->gpr[0] = vmm_pio_in_rax(regs->gpr[0], size, data);
		regs->dirty |= HV_REGPAGE_DIRTY_GP;
	} else {
		vm->io_out++;
	}
	regs->rip += len;
	regs->dirty |= HV_REGPAGE_DIRTY_RIP;
	return 0;
}

static void dev_mmio(void *ctx, uint64_t gpa, unsigned int size, bool write,
		     uint64_t *value)
{
	struct vm *vm = ctx;

	vmm_demo_dev_mmio(&vm->dev, gpa, size, write, value);
	if (write)
		vm->mmio_write++;
	else
		vm->mmio_read++;
	if (verbose)
		printf("mshv_demo: exit MMIO %s gpa 0x%llx size %u value 0x%llx\n",
		       write ? "write" : "read ", (unsigned long long)gpa, size,
		       (unsigned long long)*value);
}

static int handle_mmio(struct vm *vm, uint32_t type,
		       const struct hv_memory_intercept *m)
{
	static const char *const access[] = { "read", "write", "execute" };
	const struct hv_intercept_header *h = &m->header;
	struct hv_vp_register_page *regs = vm->regs;
	unsigned int count = m->insn_byte_count, bits, i, len;
	bool lma = h->execution_state & HV_EXEC_EFER_LMA, write;
	struct vmm_mmio_insn insn;
	uint64_t gpr[16], rip;
	char hex[16 * 3 + 1] = "";

	if (h->access_type > HV_ACCESS_EXECUTE)
		return fail("%s with access type %u at 0x%llx", msg_name(type),
			    h->access_type, (unsigned long long)h->rip);
	/* These two pages are not the VMM's: the kernel handles them. */
	if (m->gpa >= GUEST_VDEV_NOTIFY_GPA &&
	    m->gpa < GUEST_VDEV_NOTIFY_GPA + MSHV_HV_PAGE_SIZE)
		return fail("%s: %s of the notify register at 0x%llx: no ioeventfd took it",
			    msg_name(type), access[h->access_type],
			    (unsigned long long)h->rip);
	if (m->gpa >= GUEST_APIC_GPA &&
	    m->gpa < GUEST_APIC_GPA + MSHV_HV_PAGE_SIZE)
		return fail("%s: %s of the local APIC at 0x%llx (GPA 0x%llx) reached the VMM",
			    msg_name(type), access[h->access_type],
			    (unsigned long long)h->rip,
			    (unsigned long long)m->gpa);
	if (type == HVMSG_GPA_INTERCEPT ||
	    m->gpa < GUEST_MMIO_GPA ||
	    m->gpa >= GUEST_MMIO_GPA + GUEST_MMIO_SIZE ||
	    h->access_type == HV_ACCESS_EXECUTE)
		return fail("%s: guest %s of GPA 0x%llx at 0x%llx, not a device access",
			    msg_name(type), access[h->access_type],
			    (unsigned long long)m->gpa,
			    (unsigned long long)h->rip);
	if (check_regs(vm, h))
		return -1;

	if (count > sizeof(m->insn_bytes))
		count = sizeof(m->insn_bytes);
	for (i = 0; i < count; i++)
		sprintf(hex + 3 * i, " %02x", m->insn_bytes[i]);
	bits = vmm_code_bits(h->cs.attributes, lma);
	if (vmm_mmio_decode(m->insn_bytes, count, bits, &insn))
		return fail("cannot emulate the %u-bit instruction at 0x%llx (bytes:%s)",
			    bits, (unsigned long long)h->rip,
			    count ? hex : " none");
	len = h->insn_len_cr8 & 0xf;
	write = h->access_type == HV_ACCESS_WRITE;
	if (insn.write != write || (len && len != insn.len))
		return fail("decoded a %u-byte %s at 0x%llx (bytes:%s), intercept: %u-byte %s",
			    insn.len, insn.write ? "write" : "read",
			    (unsigned long long)h->rip, hex, len,
			    access[h->access_type]);

	memcpy(gpr, regs->gpr, sizeof(gpr));
	rip = regs->rip;
	vmm_mmio_emulate(&insn, m->gpa, gpr, &rip, dev_mmio, vm);
	if (!insn.write) {
		memcpy(regs->gpr, gpr, sizeof(gpr));
		regs->dirty |= HV_REGPAGE_DIRTY_GP;
	}
	regs->rip = rip;
	regs->dirty |= HV_REGPAGE_DIRTY_RIP;
	return 0;
}

/*
 * Run VP 0 until the guest halts.  Returns 0 at HALT, -1 on anything the
 * demo cannot handle (after saying why).
 */
static int vm_run(struct vm *vm)
{
	union {
		struct mshv_run_vp run;
		struct hv_message msg;
	} buf;
	const struct hv_message *msg = &buf.msg;
	const struct hv_intercept_header *h = &msg->u.header;
	unsigned int need;

	for (;;) {
		if (stop_signal)
			return fail("stopped by signal %d (%s) before the guest halted",
				    stop_signal, strsignal(stop_signal));
		vm->runs++;
		if (ioctl(vm->vp_fd, MSHV_RUN_VP, &buf.run)) {
			if (errno == EINTR || errno == EAGAIN) {
				vm->interrupted++;
				continue;
			}
			return sys_fail("MSHV_RUN_VP");
		}

		switch (msg->type) {
		case HVMSG_X64_IO_PORT_INTERCEPT:
			need = sizeof(struct hv_io_port_intercept);
			break;
		case HVMSG_UNMAPPED_GPA:
		case HVMSG_GPA_INTERCEPT:
			need = sizeof(struct hv_memory_intercept);
			break;
		case HVMSG_X64_HALT:
		case HVMSG_UNRECOVERABLE_EXCEPTION:
			need = sizeof(struct hv_intercept_header);
			break;
		default:
			return fail("unexpected message 0x%08x (%s) from MSHV_RUN_VP",
				    msg->type, msg_name(msg->type));
		}
		if (msg->payload_size < need)
			return fail("%s message with a %u-byte payload (expected %u)",
				    msg_name(msg->type), msg->payload_size, need);

		switch (msg->type) {
		case HVMSG_X64_IO_PORT_INTERCEPT:
			if (handle_io(vm, &msg->u.io))
				return -1;
			break;
		case HVMSG_UNMAPPED_GPA:
		case HVMSG_GPA_INTERCEPT:
			if (handle_mmio(vm, msg->type, &msg->u.mem))
				return -1;
			break;
		case HVMSG_X64_HALT:
			vm->halts++;
			vm->halt_rip = h->rip;
			if (verbose)
				printf("mshv_demo: exit HALT at 0x%llx (%s mode)\n",
				       (unsigned long long)h->rip,
				       mode_name[header_mode(h)]);
			/*
			 * A HLT with interrupts on waits for one inside the
			 * hypervisor; only one with interrupts off (nothing
			 * will wake the guest) is reported.
			 */
			if (h->rflags & RFLAGS_IF)
				return fail("HALT at 0x%llx with interrupts on (should wait)",
					    (unsigned long long)h->rip);
			return 0;
		case HVMSG_UNRECOVERABLE_EXCEPTION:
			return fail("the guest triple-faulted at 0x%llx (%s mode)",
				    (unsigned long long)h->rip,
				    mode_name[header_mode(h)]);
		}
	}
}

/* ----------------------------------------------------------- results ---- */

static void print_stats(const struct vm *vm, double setup, double run)
{
	unsigned long io = vm->io_in + vm->io_out;
	unsigned long mmio = vm->mmio_read + vm->mmio_write;
	unsigned long exits = io + mmio + vm->halts;

	printf("mshv_demo: exits %lu: IO %lu (in %lu, out %lu), ",
	       exits, io, vm->io_in, vm->io_out);
	printf("MMIO %lu (read %lu, write %lu), halt %lu\n",
	       mmio, vm->mmio_read, vm->mmio_write, vm->halts);
	printf("mshv_demo: MSHV_RUN_VP calls: %lu (%lu interrupted)\n",
	       vm->runs, vm->interrupted);
	printf("mshv_demo: device: %lu notifies (ioeventfd, %lu wake-ups), ",
	       vm->vdev.notifies, vm->vdev.wakeups);
	printf("%lu interrupts (irqfd), no exits\n", vm->vdev.irqs);
	printf("mshv_demo: wall time: %.3f s (setup %.3f s, guest %.3f s, %.0f exits/s)\n",
	       setup + run, setup, run, run > 0 ? exits / run : 0.0);
}

/*
 * The virtio-style device: the guest's line must report as many interrupts
 * as requests, and the device must have seen as many notifies and sent as
 * many interrupts.
 */
static int check_vdev(struct vm *vm)
{
	const unsigned int n = GUEST_VDEV_REQUESTS;
	unsigned int i, requests, irqs, replies;
	const char *line = NULL;
	uint32_t guest_irqs;
	int bad = 0;

	for (i = 0; i < vm->lines && !line; i++)
		if (!strncmp(vm->out + vm->line_off[i], VDEV_PREFIX, strlen(VDEV_PREFIX)))
			line = vm->out + vm->line_off[i];
	if (!line)
		bad = fail("the guest did not report its device interrupts");
	else if (sscanf(line + strlen(VDEV_PREFIX),
			"%u requests, %u interrupts, %u replies OK",
			&requests, &irqs, &replies) != 3)
		bad = fail("cannot read the guest's device line \"%.*s\"",
			   (int)strcspn(line, "\n"), line);
	else if (requests != n || irqs != requests || replies != requests)
		bad = fail("the guest got %u interrupts, %u replies for %u requests (not %u)",
			   irqs, replies, requests, n);

	memcpy(&guest_irqs, vm->vdev.shared + GUEST_VDEV_IRQ_COUNT,
	       sizeof(guest_irqs));
	if (vm->vdev.notifies != n || vm->vdev.irqs != n || guest_irqs != n)
		bad = fail("device: %lu notifies, %lu interrupts, %u handled (not %u)",
			   vm->vdev.notifies, vm->vdev.irqs, guest_irqs, n);
	if (vm->vdev.err)
		bad = fail("device thread: %s", strerror(vm->vdev.err));
	return bad;
}

/* Compare the transcript line by line, with the mode of each line. */
static int check_results(struct vm *vm)
{
	unsigned int i;
	int bad = 0;

	vm->out[vm->out_len] = '\0';
	for (i = 0; i < NR_EXPECTED || i < vm->lines; i++) {
		const char *line = i < vm->lines ? vm->out + vm->line_off[i] : NULL;
		size_t n = line ? strcspn(line, "\n") : 0;

		if (i >= NR_EXPECTED) {
			bad = fail("unexpected guest line %u: \"%.*s\"", i + 1,
				   (int)n, line);
		} else if (!line) {
			bad = fail("the guest did not print \"%s\"",
				   expected[i].text);
		} else if (strlen(expected[i].text) != n ||
			   strncmp(line, expected[i].text, n)) {
			bad = fail("guest line %u is \"%.*s\", expected \"%s\"",
				   i + 1, (int)n, line, expected[i].text);
		} else if (!line[n]) {
			bad = fail("guest line %u (\"%s\") has no end of line",
				   i + 1, expected[i].text);
		} else if (vm->line_mode[i] != expected[i].mode) {
			bad = fail("guest line %u (\"%s\") printed in %s mode, not %s mode",
				   i + 1, expected[i].text,
				   mode_name[vm->line_mode[i]],
				   mode_name[expected[i].mode]);
		}
	}
	if (vm->dev.scratch != SCRATCH_MAGIC || vm->dev.bad)
		bad = fail("MMIO device: scratch 0x%llx (expected 0x%llx), %llu bad accesses",
			   (unsigned long long)vm->dev.scratch,
			   (unsigned long long)SCRATCH_MAGIC,
			   (unsigned long long)vm->dev.bad);
	if (vm->halt_rip != GUEST_SYM_halt_loop)
		bad = fail("the guest halted at 0x%llx, not at halt_loop (0x%llx)",
			   (unsigned long long)vm->halt_rip,
			   (unsigned long long)GUEST_SYM_halt_loop);
	if (check_vdev(vm))
		bad = -1;
	return bad;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: mshv_demo [-q] [-v] [-t SECONDS]\n"
		"Boot the demo guest in an mshv partition and check its output.\n"
		"  -q          quiet: print only the statistics (and errors)\n"
		"  -v          print every intercept\n"
		"  -t SECONDS  give up if the guest has not halted by then\n"
		"              (default 60, 0: wait forever)\n");
}

int main(int argc, char **argv)
{
	struct vm vm = {
		.sys_fd = -1, .pt_fd = -1, .vp_fd = -1,
		.vdev = { .notify_fd = -1, .irq_fd = -1, .stop_fd = -1 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int timeout = 60;
	double t0, t1, t2;
	char *end;
	int opt, ret;

	while ((opt = getopt(argc, argv, "qvt:h")) != -1) {
		switch (opt) {
		case 'q':
			quiet = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 't':
			errno = 0;
			timeout = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg) {
				print_usage(stderr);
				return 2;
			}
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	/* No operands; empty ones (from wrapper scripts) are harmless. */
	for (; optind < argc; optind++) {
		if (argv[optind][0]) {
			print_usage(stderr);
			return 2;
		}
	}
	if (quiet)
		verbose = false;
	setvbuf(stdout, NULL, _IOLBF, 0);
	vm.uart.putc = uart_putc;

	/*
	 * No SA_RESTART: a signal makes MSHV_RUN_VP return EINTR, and the
	 * run loop then stops (a timeout, or the user interrupting us).
	 */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	t0 = now();
	ret = vm_create(&vm);
	if (!ret)
		ret = vdev_start(&vm.vdev);
	if (!ret) {
		info("partition ready: %llu KiB RAM at 0, %llu-byte image at 0x%llx; starting VP 0",
		     (unsigned long long)GUEST_RAM_SIZE / 1024,
		     (unsigned long long)GUEST_IMAGE_SIZE,
		     (unsigned long long)GUEST_IMAGE_GPA);
		info("device: notify at 0x%llx = ioeventfd; interrupt = irqfd on GSI %u",
		     (unsigned long long)GUEST_VDEV_NOTIFY_GPA, VDEV_GSI);
		info("device: GSI %u = MSI to APIC %u, vector 0x%x, fixed, edge",
		     VDEV_GSI, VDEV_APIC_ID, GUEST_VDEV_VECTOR);
		t1 = now();
		alarm(timeout);
		ret = vm_run(&vm);
		alarm(0);
		t2 = now();
		vdev_stop(&vm.vdev);	/* its counters are final now */
		if (!vm.line_start && !quiet) {
			flush_line(&vm);
			putchar('\n');	/* the guest stopped mid-line */
		}
		if (!ret)
			info("guest halted at 0x%llx",
			     (unsigned long long)vm.halt_rip);
		print_stats(&vm, t1 - t0, t2 - t1);
		if (!ret)
			ret = check_results(&vm);
	}
	vm_destroy(&vm);
	if (ret) {
		fprintf(stderr, "mshv_demo: FAILED\n");
		return 1;
	}
	info("OK: real, protected and long mode lines, MMIO checks, %u interrupts",
	     GUEST_VDEV_REQUESTS);
	return 0;
}
