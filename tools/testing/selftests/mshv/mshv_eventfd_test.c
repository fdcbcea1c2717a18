// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and events: MSHV_SET_MSI_ROUTING, MSHV_IRQFD (with
 * resampling) and MSHV_IOEVENTFD.
 *
 * Validation follows the errnos of the uapi kernel-doc.  Injection is
 * checked three ways: hvsim's hypercall counters (one eventfd write is
 * one HVCALL_ASSERT_VIRTUAL_INTERRUPT), the VP's LAPIC state (IRR/TMR
 * through MSHV_GET_VP_STATE) and a guest that takes the interrupt.  The
 * guest runs in 32-bit protected mode with a flat GDT and an IDT whose
 * handler for vector v is "mov al, v; out 0x50, al; EOI; iret" (returning
 * with IF clear); its main loop is "sti; hlt; out 0x51, al; cli; jmp", so
 * it takes interrupts only at its HLT and every interrupt shows as two
 * exits: the handler's OUT and the OUT after the IRET.  EOI is a write of 0
 * to the xAPIC EOI register (GPA 0xFEE000B0).  Doorbells are guest MOVs to
 * an unmapped GPA.
 *
 * The stress tests race assign/deassign cycles with eventfd writes,
 * interrupts taken by a running guest, guest doorbell writes, and the
 * partition going away; the rig fails the run on any KASAN, lockdep or
 * kmemleak report.
 *
 * Layouts: messages hv-abi.md §13, LAPIC state §11.6, register page §11.7.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mshv_guest.h"

#define HVCALL_CLEAR_VIRTUAL_INTERRUPT	0x0056
#define HVCALL_NOTIFY_PORT_RING_EMPTY	0x008b
#define HVCALL_ASSERT_VIRTUAL_INTERRUPT	0x0094
#define HVCALL_CREATE_PORT		0x0095
#define HVCALL_CONNECT_PORT		0x0096

/* LAPIC state (hv_local_interrupt_controller_state, hv-abi.md §11.6). */
#define LAPIC_SPURIOUS		16
#define LAPIC_ISR		20
#define LAPIC_TMR		52
#define LAPIC_IRR		84
#define SVR_ENABLE		0x100

/* MSI (uapi mshv_user_irq_entry). */
#define MSI_ADDR		0xfee00000u
#define MSI_LEVEL		0x8000u
#define MSI_ASSERT		0x4000u
#define MSI_MODE_NMI		(4u << 8)

/*
 * Guest physical layout: 64 KiB of RAM at GPA 0.  The GDT, the IDT, a
 * 16-byte handler per vector, a quiet handler (counts interrupts in RAM,
 * no exit) for the stress tests, then code.  The doorbell is an unmapped
 * GPA; the xAPIC page is the hypervisor's.
 */
#define GDT_GPA			0x0800
#define IDT_GPA			0x1000
#define STUB_GPA		0x2000	/* 32 bytes per vector */
#define STUB_SIZE		32
#define QUIET_GPA		0x4000
#define COUNT_GPA		0x4800
#define CODE_GPA		0x8000	/* the halt loop */
#define QUIET_LOOP_GPA		0x8100
#define PROG_GPA		0x8200
#define STACK_TOP		0xf000
#define DB_GPA			0xd0000000ULL
#define APIC_EOI_GPA		0xfee000b0u

#define PORT_VECTOR		0x50	/* handler: AL = its vector */
#define PORT_IRET		0x51	/* main loop: back from the handler */
#define PORT_DONE		0x52
#define PORT_DONE2		0x53
#define PORT_DONE3		0x54
#define PORT_DONE4		0x55

/* Vectors whose IDT entry is the quiet handler. */
#define QUIET_VEC0		0xa0
#define QUIET_VEC1		0xa1
#define QUIET_VEC2		0xa2

#define IRQFD_DEASSIGN		(1u << MSHV_IRQFD_BIT_DEASSIGN)
#define IRQFD_RESAMPLE		(1u << MSHV_IRQFD_BIT_RESAMPLE)
#define IOE_DATAMATCH		(1u << MSHV_IOEVENTFD_BIT_DATAMATCH)
#define IOE_PIO			(1u << MSHV_IOEVENTFD_BIT_PIO)
#define IOE_DEASSIGN		(1u << MSHV_IOEVENTFD_BIT_DEASSIGN)

/* ----------------------------------------------------------- eventfds -- */

static int efd_new(void)
{
	return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

static int efd_signal(int fd)
{
	uint64_t one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

/* The count, reset to 0; 0 if there is none. */
static uint64_t efd_take(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* Sum of the counts read within @ms, stopping as soon as @want is reached. */
static uint64_t efd_wait(int fd, uint64_t want, long ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double end = now_s() + ms / 1e3;
	uint64_t total = 0;
	int left;

	while (total < want) {
		left = (int)((end - now_s()) * 1000);
		if (left <= 0)
			break;
		if (poll(&p, 1, left) > 0)
			total += efd_take(fd);
	}
	return total;
}

/* ------------------------------------------------------------- ioctls -- */

static struct mshv_user_irq_entry msi(uint32_t gsi, uint8_t vector, bool level,
				      uint8_t dest)
{
	return (struct mshv_user_irq_entry){
		.gsi = gsi,
		.address_lo = MSI_ADDR | (uint32_t)dest << 12,
		.data = vector | (level ? MSI_LEVEL | MSI_ASSERT : 0),
	};
}

static int set_routes(int pt, const struct mshv_user_irq_entry *e, uint32_t n)
{
	size_t size = sizeof(struct mshv_user_irq_table) + n * sizeof(*e);
	struct mshv_user_irq_table *t = calloc(1, size);
	int ret, err;

	if (!t)
		return -1;
	t->nr = n;
	if (n)
		memcpy(t->entries, e, n * sizeof(*e));
	ret = ioctl(pt, MSHV_SET_MSI_ROUTING, t);
	err = errno;
	free(t);
	errno = err;
	return ret;
}

static int set_route(int pt, struct mshv_user_irq_entry e)
{
	return set_routes(pt, &e, 1);
}

static int irqfd(int pt, int fd, uint32_t gsi, uint32_t flags, int resamplefd)
{
	struct mshv_user_irqfd a = {
		.fd = fd, .resamplefd = resamplefd, .gsi = gsi, .flags = flags,
	};

	return ioctl(pt, MSHV_IRQFD, &a);
}

static int ioeventfd(int pt, int fd, uint64_t addr, uint32_t len, uint64_t datamatch,
		     uint32_t flags)
{
	struct mshv_user_ioeventfd a = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = fd,
		.flags = flags,
	};

	return ioctl(pt, MSHV_IOEVENTFD, &a);
}

/* -1 with @err, checked with the expression in the log. */
#define EXPECT_ERRNO(err, expr) do {						\
	int __ret, __err;							\
	errno = 0;								\
	__ret = (expr);								\
	__err = errno;								\
	EXPECT_EQ(-1, __ret) TH_LOG("%s succeeded", #expr);			\
	EXPECT_EQ(err, __err) TH_LOG("%s: %s (want %s)", #expr, strerror(__err),	\
				     strerror(err));				\
} while (0)

#define EXPECT_OK(expr) do {							\
	int __ret = (expr);							\
	EXPECT_EQ(0, __ret) TH_LOG("%s: %s", #expr, strerror(errno));		\
} while (0)

#define ASSERT_OK(expr) do {							\
	int __ret = (expr);							\
	ASSERT_EQ(0, __ret) TH_LOG("%s: %s", #expr, strerror(errno));		\
} while (0)

/* ------------------------------------------------------ hvsim counters -- */

struct calls {
	unsigned long long calls;
	unsigned long long failures;
};

static struct calls hcalls(unsigned int code)
{
	struct hvsim_hcall_count c;

	hvsim_hcall_count(code, &c);
	return (struct calls){ c.calls, c.failures };
}

static bool hvsim_implements(unsigned int code)
{
	struct hvsim_hcall_count c;

	return hvsim_hcall_count(code, &c) && strcmp(c.name, "UNKNOWN");
}

/* ASSERTs since @from; waits up to @ms for them to reach @want. */
static unsigned long long asserts_since(struct calls from, unsigned long long want,
					long ms)
{
	double end = now_s() + ms / 1e3;
	struct calls now;

	for (;;) {
		now = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
		if (now.calls - from.calls >= want || now_s() >= end)
			return now.calls - from.calls;
		sleep_ms(1);
	}
}

/* ------------------------------------------------------------- LAPIC ---- */

static int lapic_state(int vp, uint8_t *page, bool set)
{
	struct mshv_get_set_vp_state s = {
		.type = MSHV_VP_STATE_LAPIC, .buf_sz = HV_PAGE,
		.buf_ptr = (uintptr_t)page,
	};

	return ioctl(vp, set ? MSHV_SET_VP_STATE : MSHV_GET_VP_STATE, &s);
}

/* Software-enable the APIC (SVR bit 8, spurious vector 0xFF), as a guest would. */
static int lapic_enable(int vp)
{
	uint8_t *page = aligned_alloc(HV_PAGE, HV_PAGE);
	uint32_t svr;
	int ret;

	if (!page)
		return -1;
	ret = lapic_state(vp, page, false);
	if (!ret) {
		memcpy(&svr, page + LAPIC_SPURIOUS, 4);
		svr = (svr & ~0x3ffu) | SVR_ENABLE | 0xff;
		memcpy(page + LAPIC_SPURIOUS, &svr, 4);
		ret = lapic_state(vp, page, true);
	}
	free(page);
	return ret;
}

/* Bit @vector of the 256-bit register at @off of the LAPIC state; -1 on error. */
static int lapic_bit(int vp, unsigned int off, uint8_t vector)
{
	uint8_t *page = aligned_alloc(HV_PAGE, HV_PAGE);
	uint32_t word;
	int ret;

	if (!page)
		return -1;
	ret = lapic_state(vp, page, false);
	memcpy(&word, page + off + 4 * (vector / 32), 4);
	free(page);
	return ret ? -1 : !!(word & (1u << (vector % 32)));
}

/* -------------------------------------------------------------- guest --- */

static void idt_set(uint8_t *ram, unsigned int v, uint32_t handler)
{
	/* 32-bit interrupt gate, DPL 0, present. */
	uint64_t g = (handler & 0xffff) | (uint64_t)FLAT_CS << 16 | 0x8eULL << 40 |
		     (uint64_t)(handler >> 16) << 48;

	memcpy(ram + IDT_GPA + 8 * v, &g, sizeof(g));
}

static void guest_build(uint8_t *ram)
{
	static const uint64_t gdt[] = {
		0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL,
	};
	static const uint8_t halt_loop[] = {
		0xfb,			/* 00: sti */
		0xf4,			/* 01: hlt (in the STI shadow) */
		0xe6, PORT_IRET,	/* 02: out 0x51, al */
		0xfa,			/* 04: cli */
		0xeb, 0xf9,		/* 05: jmp 00 */
	};
	static const uint8_t quiet_stub[] = {
		0xff, 0x05, 0x00, 0x48, 0x00, 0x00,	/* inc dword [COUNT_GPA] */
		0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe,
		0x00, 0x00, 0x00, 0x00,			/* mov dword [0xfee000b0], 0 */
		0xcf,					/* iret */
	};
	static const uint8_t quiet_loop[] = {
		0xf4,			/* 00: hlt (IF = 1) */
		0xeb, 0xfd,		/* 01: jmp 00 */
	};
	unsigned int v;

	memset(ram, 0xf4, RAM_SIZE);
	memcpy(ram + GDT_GPA, gdt, sizeof(gdt));
	for (v = 0; v < 256; v++) {
		const uint8_t stub[STUB_SIZE] = {
			0xb0, v,			/* mov al, v */
			0xe6, PORT_VECTOR,		/* out 0x50, al */
			0x81, 0x64, 0x24, 0x08,
			0xff, 0xfd, 0xff, 0xff,		/* and dword [esp+8], ~IF */
			0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe,
			0x00, 0x00, 0x00, 0x00,		/* mov dword [0xfee000b0], 0 */
			0xcf,				/* iret */
		};

		memcpy(ram + STUB_GPA + STUB_SIZE * v, stub, sizeof(stub));
		idt_set(ram, v, STUB_GPA + STUB_SIZE * v);
	}
	memcpy(ram + QUIET_GPA, quiet_stub, sizeof(quiet_stub));
	idt_set(ram, QUIET_VEC0, QUIET_GPA);
	idt_set(ram, QUIET_VEC1, QUIET_GPA);
	idt_set(ram, QUIET_VEC2, QUIET_GPA);
	memset(ram + COUNT_GPA, 0, 4);
	memcpy(ram + CODE_GPA, halt_loop, sizeof(halt_loop));
	memcpy(ram + QUIET_LOOP_GPA, quiet_loop, sizeof(quiet_loop));
}

/* 32-bit flat protected mode at @rip, GDT and IDT loaded. */
static int guest_start(int vp_fd, uint32_t vp, uint64_t rip, uint64_t rflags)
{
	const struct reg r[] = {
		REG(HV_X64_REGISTER_CR0, CR0_PE | CR0_ET),
		SEG(HV_X64_REGISTER_DS, 0, 0xffffffff, FLAT_DS, SEG_DATA32),
		SEG(HV_X64_REGISTER_ES, 0, 0xffffffff, FLAT_DS, SEG_DATA32),
		SEG(HV_X64_REGISTER_SS, 0, 0xffffffff, FLAT_DS, SEG_DATA32),
		SEG(HV_X64_REGISTER_CS, 0, 0xffffffff, FLAT_CS, SEG_CODE32),
		TABLE(HV_X64_REGISTER_GDTR, GDT_GPA, 0x17),
		TABLE(HV_X64_REGISTER_IDTR, IDT_GPA, 0x7ff),
		REG(HV_X64_REGISTER_RIP, rip),
		REG(HV_X64_REGISTER_RFLAGS, rflags),
		REG(HV_X64_REGISTER_RSP, STACK_TOP - 0x400 * vp),
		REG(HV_X64_REGISTER_RAX, 0),
	};

	return set_regs(vp_fd, vp, r, ARRAY_SIZE(r));
}

/* Sends SIGUSR1 to @target after @ms, then every 100 ms until stopped. */
struct watchdog {
	pthread_t target;
	pthread_t thread;
	long ms;
	atomic_int stop;
	atomic_int fired;
};

static void *watchdog_fn(void *arg)
{
	struct watchdog *w = arg;
	double end = now_s() + w->ms / 1e3;

	while (!atomic_load(&w->stop) && now_s() < end)
		sleep_ms(5);
	while (!atomic_load(&w->stop)) {
		atomic_store(&w->fired, 1);
		pthread_kill(w->target, SIGUSR1);
		sleep_ms(100);
	}
	return NULL;
}

static int watchdog_start(struct watchdog *w, long ms)
{
	w->target = pthread_self();
	w->ms = ms;
	atomic_store(&w->stop, 0);
	atomic_store(&w->fired, 0);
	return pthread_create(&w->thread, NULL, watchdog_fn, w);
}

static void watchdog_stop(struct watchdog *w)
{
	atomic_store(&w->stop, 1);
	pthread_join(w->thread, NULL);
}

/*
 * One MSHV_RUN_VP that gives up after @ms (a signal: -1, EINTR); EAGAIN
 * is retried.
 */
static int run_vp_within(int vp, struct hv_msg *m, long ms)
{
	struct watchdog w;
	int ret, err;

	if (watchdog_start(&w, ms))
		return -1;
	do {
		ret = run_vp_once(vp, m);
		err = errno;
	} while (ret == -1 && err == EAGAIN);
	watchdog_stop(&w);
	errno = err;
	return ret;
}

/* ------------------------------------------------------------- fixture -- */

FIXTURE(ev) {
	struct guest_vm vm;
};

FIXTURE_SETUP(ev)
{
	guest_vm_setup(_metadata, &self->vm, guest_build);
	ASSERT_EQ(0, lapic_enable(self->vm.vp)) TH_LOG("LAPIC: %s", strerror(errno));
}

FIXTURE_TEARDOWN(ev)
{
	guest_vm_teardown(_metadata, &self->vm);
}

static void load_prog(FIXTURE_DATA(ev) *self, const uint8_t *code, size_t len)
{
	memcpy(self->vm.ram + PROG_GPA, code, len);
}

/* Where a VP is, for failure reports: RIP, RFLAGS, LAPIC IRR/ISR/TMR. */
static void log_vp(struct __test_metadata *_metadata, int vp_fd, uint32_t vp)
{
	uint8_t *page = aligned_alloc(HV_PAGE, HV_PAGE);
	char buf[3][72];
	int i, j;

	TH_LOG("VP %u: rip %#lx rflags %#lx suspend explicit %lu intercept %lu activity %#lx",
	       vp, reg_value(vp_fd, vp, HV_X64_REGISTER_RIP),
	       reg_value(vp_fd, vp, HV_X64_REGISTER_RFLAGS),
	       reg_value(vp_fd, vp, HV_REGISTER_EXPLICIT_SUSPEND),
	       reg_value(vp_fd, vp, HV_REGISTER_INTERCEPT_SUSPEND),
	       reg_value(vp_fd, vp, HV_REGISTER_INTERNAL_ACTIVITY_STATE));
	if (!page || lapic_state(vp_fd, page, false)) {
		free(page);
		return;
	}
	for (i = 0; i < 3; i++) {
		static const unsigned int off[] = { LAPIC_IRR, LAPIC_ISR, LAPIC_TMR };
		uint32_t w[8];

		memcpy(w, page + off[i], sizeof(w));
		buf[i][0] = 0;
		for (j = 7; j >= 0; j--)
			snprintf(buf[i] + strlen(buf[i]), 9, "%08x", w[j]);
	}
	TH_LOG("  IRR %s", buf[0]);
	TH_LOG("  ISR %s", buf[1]);
	TH_LOG("  TMR %s", buf[2]);
	free(page);
}

/*
 * Run VP 0 to its next exit (within @ms), which must be an OUT of AL to
 * @port; step over it and return AL.
 */
#define expect_out(_metadata, self, port, ms) \
	__expect_out(_metadata, self, port, ms, __LINE__)

static uint8_t __expect_out(struct __test_metadata *_metadata, FIXTURE_DATA(ev) *self,
			    uint16_t port, long ms, int line)
{
	struct hv_msg m;

	if (run_vp_within(self->vm.vp, &m, ms)) {
		int err = errno;

		log_vp(_metadata, self->vm.vp, 0);
		ASSERT_EQ(0, err) TH_LOG("line %d: RUN_VP, waiting for OUT %#x: %s", line,
					 port, strerror(err));
	}
	ASSERT_EQ(HVMSG_X64_IO_PORT_INTERCEPT, m.type)
		TH_LOG("line %d: type %#x at rip %#lx (vector %u), want OUT %#x", line,
		       m.type, m.h.rip, m.type == HVMSG_X64_APIC_EOI ? m.eoi.vector : 0,
		       port);
	EXPECT_EQ(ACCESS_WRITE, m.h.access_type);
	EXPECT_EQ(port, m.io.port) TH_LOG("line %d: OUT %#x (AL %#lx) at rip %#lx, want %#x",
					  line, m.io.port, m.io.rax & 0xff, m.h.rip, port);
	EXPECT_EQ(1, m.io.access_info);
	skip_insn(self->vm.regs, &m);
	return m.io.rax & 0xff;
}

/* VP 0 stays stopped: RUN_VP returns nothing within @ms. */
static void expect_no_exit(struct __test_metadata *_metadata, FIXTURE_DATA(ev) *self,
			   long ms)
{
	struct hv_msg m;
	int ret;

	ret = run_vp_within(self->vm.vp, &m, ms);
	EXPECT_EQ(-1, ret) TH_LOG("unexpected exit: type %#x rip %#lx port %#x vector %u",
				  m.type, m.h.rip, m.io.port, m.eoi.vector);
	if (ret)
		EXPECT_EQ(EINTR, errno);
}

/* An HVMSG_X64_APIC_EOI as RUN_VP returns it. */
static void check_eoi(struct __test_metadata *_metadata, FIXTURE_DATA(ev) *self,
		      const struct hv_msg *m, uint32_t vp, uint8_t vector)
{
	EXPECT_EQ(HVMSG_X64_APIC_EOI, m->type);
	EXPECT_EQ(sizeof(struct eoi_payload), m->payload_size);
	if (self->vm.pt_id)
		EXPECT_EQ(self->vm.pt_id, m->sender);
	EXPECT_EQ(vp, m->eoi.vp_index);
	EXPECT_EQ(vector, m->eoi.vector);
}

/*
 * After the handler's OUT: the guest EOIs a level-triggered vector and
 * returns to the main loop's OUT.  The EOI message is asynchronous, so the
 * two exits come in either order.  Returns the number of EOI messages.
 */
static int eoi_and_iret(struct __test_metadata *_metadata, FIXTURE_DATA(ev) *self,
			uint8_t vector)
{
	bool iret = false;
	int eois = 0, i;
	struct hv_msg m;

	for (i = 0; i < 2; i++) {
		if (run_vp_within(self->vm.vp, &m, 3000)) {
			EXPECT_EQ(EINTR, errno);
			log_vp(_metadata, self->vm.vp, 0);
			break;
		}
		if (m.type == HVMSG_X64_APIC_EOI) {
			check_eoi(_metadata, self, &m, 0, vector);
			eois++;
			continue;
		}
		EXPECT_EQ(HVMSG_X64_IO_PORT_INTERCEPT, m.type)
			TH_LOG("type %#x at rip %#lx", m.type, m.h.rip);
		EXPECT_EQ(PORT_IRET, m.io.port);
		EXPECT_FALSE(iret);
		if (m.type != HVMSG_X64_IO_PORT_INTERCEPT)
			break;
		skip_insn(self->vm.regs, &m);
		iret = true;
	}
	EXPECT_TRUE(iret) TH_LOG("no OUT after the IRET");
	return eois;
}

/* ====================================================== MSI routing ==== */

TEST_F(ev, msi_routing_validation)
{
	struct mshv_user_irq_entry *e;
	struct mshv_user_irq_table *t;
	uint32_t i;

	e = calloc(MSHV_MAX_GUEST_IRQS + 1, sizeof(*e));
	ASSERT_NE(NULL, e);

	/* nr bounds: 0 and MSHV_MAX_GUEST_IRQS are fine, one more is not. */
	EXPECT_OK(set_routes(self->vm.pt, NULL, 0));
	for (i = 0; i <= MSHV_MAX_GUEST_IRQS; i++)
		e[i] = msi(i, 0x30 + i % 0x80, false, 0);
	EXPECT_OK(set_routes(self->vm.pt, e, MSHV_MAX_GUEST_IRQS));
	e[MSHV_MAX_GUEST_IRQS].gsi = 0;	/* would also be a duplicate */
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, MSHV_MAX_GUEST_IRQS + 1));
	t = calloc(1, sizeof(*t));
	ASSERT_NE(NULL, t);
	t->nr = MSHV_MAX_GUEST_IRQS + 1;	/* refused before the entries are read */
	EXPECT_ERRNO(EINVAL, ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, t));
	t->nr = ~0u;
	EXPECT_ERRNO(EINVAL, ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, t));

	/* rsvd */
	t->nr = 0;
	t->rsvd = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, t));
	t->rsvd = 0x80000000;
	EXPECT_ERRNO(EINVAL, ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, t));
	t->rsvd = 0;
	EXPECT_OK(ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, t));
	free(t);

	/* gsi bound */
	e[0] = msi(MSHV_MAX_GUEST_IRQS - 1, 0x30, false, 0);
	EXPECT_OK(set_routes(self->vm.pt, e, 1));
	e[0].gsi = MSHV_MAX_GUEST_IRQS;
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 1));
	e[0].gsi = ~0u;
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 1));
	e[0] = msi(1, 0x30, false, 0);
	e[1] = msi(MSHV_MAX_GUEST_IRQS, 0x31, false, 0);	/* not the first entry */
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 2));

	/* address_hi */
	e[0] = msi(1, 0x30, false, 0);
	e[0].address_hi = 1;
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 1));
	e[0].address_hi = 0x80000000;
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 1));
	e[0].address_hi = 0;
	e[1] = msi(2, 0x31, false, 0);
	e[1].address_hi = 0xfee;
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 2));

	/* Duplicate GSIs, GSI 0 included, adjacent or not. */
	e[0] = msi(5, 0x30, false, 0);
	e[1] = msi(5, 0x31, false, 0);
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 2));
	e[0] = msi(0, 0x30, false, 0);
	e[1] = msi(0, 0x31, false, 0);
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 2));
	memset(e, 0, 2 * sizeof(*e));		/* two all-zero entries: GSI 0 twice */
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 2));
	e[0] = msi(0, 0x30, false, 0);
	e[1] = msi(3, 0x31, false, 0);
	e[2] = msi(0, 0x32, false, 0);
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 3));
	e[2] = msi(MSHV_MAX_GUEST_IRQS - 1, 0x32, false, 0);
	e[3] = msi(MSHV_MAX_GUEST_IRQS - 1, 0x33, false, 0);
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 4));

	/* Entries the driver cannot inject are still a valid table. */
	memset(e, 0, 3 * sizeof(*e));
	e[1].gsi = 1;
	e[2].gsi = 2;
	EXPECT_OK(set_routes(self->vm.pt, e, 3));
	e[0] = msi(0, 0x30, false, 0);
	e[1] = msi(1, 0x31, true, 3);
	e[2] = msi(7, 0, false, 0);
	e[2].data = MSI_MODE_NMI;
	EXPECT_OK(set_routes(self->vm.pt, e, 3));
	free(e);
}

TEST_F(ev, msi_routing_efault)
{
	struct mshv_user_irq_table *t;
	uint8_t *p;

	EXPECT_ERRNO(EFAULT, ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, (void *)8));

	/* A header whose entries run into an inaccessible page. */
	p = mmap(NULL, 2 * HV_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + HV_PAGE, HV_PAGE, PROT_NONE));
	t = (void *)(p + HV_PAGE - sizeof(*t));
	t->nr = 1;
	t->rsvd = 0;
	EXPECT_ERRNO(EFAULT, ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, t));
	/* ... or end in it. */
	t = (void *)(p + HV_PAGE - sizeof(*t) - 2 * sizeof(struct mshv_user_irq_entry));
	t->nr = 3;
	t->rsvd = 0;
	t->entries[0] = msi(1, 0x30, false, 0);
	t->entries[1] = msi(2, 0x31, false, 0);
	EXPECT_ERRNO(EFAULT, ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, t));
	t->nr = 2;
	EXPECT_OK(ioctl(self->vm.pt, MSHV_SET_MSI_ROUTING, t));
	munmap(p, 2 * HV_PAGE);
}

/*
 * A table replaces the previous one as a whole, and a refused table
 * changes nothing.  Observed through the resample rule (the route in
 * effect must be level triggered) and, on hvsim, through injections.
 */
TEST_F(ev, msi_routing_replaces_table)
{
	struct mshv_user_irq_entry e[2];
	int efd = efd_new(), rfd = efd_new(), efd2 = efd_new();
	struct calls c;

	ASSERT_GE(efd, 0);
	ASSERT_GE(rfd, 0);
	ASSERT_GE(efd2, 0);

	e[0] = msi(1, 0x40, true, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 1));
	EXPECT_OK(irqfd(self->vm.pt, efd, 1, IRQFD_RESAMPLE, rfd));
	EXPECT_OK(irqfd(self->vm.pt, efd, 1, IRQFD_DEASSIGN, -1));

	/* Table B has GSI 2 only: GSI 1 is gone. */
	e[0] = msi(2, 0x41, true, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 1));
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 1, IRQFD_RESAMPLE, rfd));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, rfd));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_DEASSIGN, -1));

	/* A refused table leaves B in place. */
	e[0] = msi(1, 0x40, true, 0);
	e[1] = msi(1, 0x40, true, 0);
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 2));
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 1, IRQFD_RESAMPLE, rfd));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, rfd));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_DEASSIGN, -1));

	/* GSI 2 becomes edge triggered. */
	e[0] = msi(2, 0x41, false, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 1));
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, rfd));

	/* An empty table removes everything. */
	ASSERT_OK(set_routes(self->vm.pt, NULL, 0));
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, rfd));

	if (!self->vm.on_hvsim)
		goto out;
	/* Live irqfds follow the table too. */
	e[0] = msi(1, 0x42, false, 0);
	e[1] = msi(2, 0x43, false, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 2));
	ASSERT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
	ASSERT_OK(irqfd(self->vm.pt, efd2, 2, 0, -1));
	c = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(1, asserts_since(c, 1, 1000));
	e[0] = msi(2, 0x43, false, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 1));
	c = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd));	/* GSI 1 has no route any more */
	sleep_ms(50);
	EXPECT_EQ(0, asserts_since(c, 0, 0));
	ASSERT_OK(efd_signal(efd2));	/* GSI 2 still has */
	EXPECT_EQ(1, asserts_since(c, 1, 1000));
	/* A refused table changes no live route either. */
	e[0] = msi(1, 0x42, false, 0);
	e[1] = msi(4096, 0x42, false, 0);
	EXPECT_ERRNO(EINVAL, set_routes(self->vm.pt, e, 2));
	c = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd));
	ASSERT_OK(efd_signal(efd2));
	EXPECT_EQ(1, asserts_since(c, 2, 200));
out:
	close(efd);
	close(efd2);
	close(rfd);
}

/* ============================================================ irqfd ==== */

TEST_F(ev, irqfd_validation)
{
	int efd = efd_new(), efd2 = efd_new(), rfd = efd_new();
	struct mshv_user_irq_entry e[2] = {
		msi(1, 0x40, false, 0), msi(2, 0x41, true, 0),
	};
	int pipefd[2], devnull;

	ASSERT_GE(efd, 0);
	ASSERT_GE(efd2, 0);
	ASSERT_GE(rfd, 0);
	ASSERT_EQ(0, pipe(pipefd));
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_GE(devnull, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 2));

	/* Unknown flags, with assign and deassign. */
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 1, 1u << MSHV_IRQFD_BIT_COUNT, -1));
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 1, 1u << 31, -1));
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 1, IRQFD_DEASSIGN | 1u << 5, -1));
	/* A GSI no routing table can hold. */
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, MSHV_MAX_GUEST_IRQS, 0, -1));
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, ~0u, 0, -1));

	/* Not an eventfd. */
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, pipefd[0], 1, 0, -1));
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, pipefd[1], 1, 0, -1));
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, devnull, 1, 0, -1));
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, -1, 1, 0, -1));
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, 1000000, 1, 0, -1));
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, self->vm.pt, 1, 0, -1));
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, pipefd[0], 1, IRQFD_DEASSIGN, -1));

	/* One irqfd per eventfd, whatever the GSI. */
	EXPECT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
	EXPECT_ERRNO(EBUSY, irqfd(self->vm.pt, efd, 1, 0, -1));
	EXPECT_ERRNO(EBUSY, irqfd(self->vm.pt, efd, 2, 0, -1));
	EXPECT_ERRNO(EBUSY, irqfd(self->vm.pt, efd, 77, 0, -1));
	EXPECT_ERRNO(EBUSY, irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, rfd));
	/* Another eventfd on the same GSI is fine. */
	EXPECT_OK(irqfd(self->vm.pt, efd2, 1, 0, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd2, 1, IRQFD_DEASSIGN, -1));

	/* Deassign of a pair that is not assigned: 0, the real one stays. */
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_DEASSIGN, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd2, 1, IRQFD_DEASSIGN, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd2, 4095, IRQFD_DEASSIGN, -1));
	EXPECT_ERRNO(EBUSY, irqfd(self->vm.pt, efd, 1, 0, -1));
	/* A deassign with the resample flag still deassigns. */
	EXPECT_OK(irqfd(self->vm.pt, efd, 1, IRQFD_DEASSIGN | IRQFD_RESAMPLE, -1));
	/* After the deassign the eventfd can be assigned again, anywhere. */
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, 0, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_DEASSIGN, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd, 1, IRQFD_DEASSIGN, -1));

	/* Resample: the route in effect must be level triggered. */
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 1, IRQFD_RESAMPLE, rfd));	/* edge */
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 3, IRQFD_RESAMPLE, rfd));	/* absent */
	EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd, 4095, IRQFD_RESAMPLE, rfd));
	/* ... and resamplefd an eventfd. */
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, pipefd[0]));
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, devnull));
	EXPECT_ERRNO(EBADF, irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, -1));
	/* resamplefd is ignored without the flag. */
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, 0, pipefd[0]));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_DEASSIGN, pipefd[0]));
	/* No failed assign left anything behind. */
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, rfd));
	EXPECT_ERRNO(EBUSY, irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, rfd));
	/* Resamplers share a GSI; a resamplefd may serve several irqfds. */
	EXPECT_OK(irqfd(self->vm.pt, efd2, 2, IRQFD_RESAMPLE, rfd));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_DEASSIGN, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd2, 2, IRQFD_DEASSIGN, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, 0, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_DEASSIGN, -1));

	/* A premature irqfd (no route yet) is accepted. */
	EXPECT_OK(irqfd(self->vm.pt, efd, 9, 0, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd, 9, IRQFD_DEASSIGN, -1));

	/* The same eventfd in another partition is another irqfd. */
	{
		int pt2 = create_partition(self->vm.sys_fd, true);

		ASSERT_GE(pt2, 0);
		EXPECT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
		EXPECT_OK(irqfd(pt2, efd, 1, 0, -1));
		EXPECT_ERRNO(EBUSY, irqfd(pt2, efd, 1, 0, -1));
		close(pt2);
		/* pt2's irqfd went with it; ours stays. */
		EXPECT_ERRNO(EBUSY, irqfd(self->vm.pt, efd, 1, 0, -1));
		EXPECT_OK(irqfd(self->vm.pt, efd, 1, IRQFD_DEASSIGN, -1));
	}

	/* Bad argument pointer. */
	EXPECT_ERRNO(EFAULT, ioctl(self->vm.pt, MSHV_IRQFD, NULL));
	EXPECT_ERRNO(EFAULT, ioctl(self->vm.pt, MSHV_IOEVENTFD, NULL));

	close(pipefd[0]);
	close(pipefd[1]);
	close(devnull);
	close(efd);
	close(efd2);
	close(rfd);
}

/* An eventfd write is exactly one ASSERT_VIRTUAL_INTERRUPT. */
TEST_F(ev, irqfd_one_write_one_assert)
{
	int efd = efd_new(), i;
	struct calls c0, c1;
	const int n = 50;

	if (!self->vm.on_hvsim)
		SKIP(return, "needs hvsim's hypercall counters");
	if (!hvsim_implements(HVCALL_ASSERT_VIRTUAL_INTERRUPT))
		TH_LOG("hvsim does not implement ASSERT_VIRTUAL_INTERRUPT (yet)");
	ASSERT_GE(efd, 0);
	ASSERT_OK(set_route(self->vm.pt, msi(3, 0x70, false, 0)));
	ASSERT_OK(irqfd(self->vm.pt, efd, 3, 0, -1));

	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(1, asserts_since(c0, 1, 1000));
	sleep_ms(50);
	c1 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	EXPECT_EQ(1, c1.calls - c0.calls);
	EXPECT_EQ(0, c1.failures - c0.failures)
		TH_LOG("ASSERT_VIRTUAL_INTERRUPT failed in the hypervisor");
	/* The irqfd consumed the count. */
	EXPECT_EQ(0, efd_take(efd));

	/* N writes, N asserts: wait for each so that none coalesce. */
	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	for (i = 0; i < n; i++) {
		ASSERT_OK(efd_signal(efd));
		if (asserts_since(c0, i + 1, 1000) != (unsigned long long)i + 1)
			break;
	}
	EXPECT_EQ(n, i);
	sleep_ms(50);
	c1 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	EXPECT_EQ(n, c1.calls - c0.calls);
	EXPECT_EQ(0, c1.failures - c0.failures);

	/* Deassigned: nothing any more, the count stays in the eventfd. */
	ASSERT_OK(irqfd(self->vm.pt, efd, 3, IRQFD_DEASSIGN, -1));
	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd));
	sleep_ms(50);
	EXPECT_EQ(0, asserts_since(c0, 0, 0));
	EXPECT_EQ(1, efd_take(efd));
	close(efd);
}

/* A signalled eventfd injects once when it is assigned, not more. */
TEST_F(ev, irqfd_signalled_before_assign)
{
	int efd = efd_new(), quiet = efd_new();
	struct calls c0, c1;

	if (!self->vm.on_hvsim)
		SKIP(return, "needs hvsim's hypercall counters");
	ASSERT_GE(efd, 0);
	ASSERT_GE(quiet, 0);
	ASSERT_OK(set_route(self->vm.pt, msi(3, 0x71, false, 0)));
	ASSERT_OK(efd_signal(efd));
	ASSERT_OK(efd_signal(efd));
	ASSERT_OK(efd_signal(efd));

	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(irqfd(self->vm.pt, efd, 3, 0, -1));
	EXPECT_EQ(1, asserts_since(c0, 1, 1000));
	sleep_ms(100);
	c1 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	EXPECT_EQ(1, c1.calls - c0.calls);
	EXPECT_EQ(0, c1.failures - c0.failures);
	/* The next write is one more. */
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(2, asserts_since(c0, 2, 1000));

	/* An eventfd with no count injects nothing when assigned. */
	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(irqfd(self->vm.pt, quiet, 3, 0, -1));
	sleep_ms(50);
	EXPECT_EQ(0, asserts_since(c0, 0, 0));
	close(efd);
	close(quiet);
}

/* An irqfd assigned before its GSI has a route injects once it has one. */
TEST_F(ev, irqfd_premature_route)
{
	int efd = efd_new();
	struct calls c0;

	if (!self->vm.on_hvsim)
		SKIP(return, "needs hvsim's hypercall counters");
	ASSERT_GE(efd, 0);
	ASSERT_OK(set_route(self->vm.pt, msi(8, 0x72, false, 0)));
	ASSERT_OK(irqfd(self->vm.pt, efd, 9, 0, -1));

	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd));
	sleep_ms(50);
	EXPECT_EQ(0, asserts_since(c0, 0, 0)) TH_LOG("injected without a route");
	EXPECT_EQ(0, efd_take(efd)) TH_LOG("the dropped signal stays counted");

	/* Installing the route does not replay the dropped signal ... */
	ASSERT_OK(set_route(self->vm.pt, msi(9, 0x72, false, 0)));
	sleep_ms(50);
	EXPECT_EQ(0, asserts_since(c0, 0, 0));
	/* ... the next write injects. */
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(1, asserts_since(c0, 1, 1000));
	sleep_ms(50);
	EXPECT_EQ(1, asserts_since(c0, 0, 0));
	EXPECT_EQ(0, hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT).failures - c0.failures);

	/* A premature resample irqfd is refused: its route is not level. */
	{
		int efd2 = efd_new(), rfd = efd_new();

		EXPECT_ERRNO(EINVAL, irqfd(self->vm.pt, efd2, 10, IRQFD_RESAMPLE, rfd));
		close(efd2);
		close(rfd);
	}
	close(efd);
}

/*
 * Routes that cannot be injected -- absent, or the all-zero entries VMMs
 * install for masked MSI-X vectors -- inject nothing, GSI 0 included.
 */
TEST_F(ev, irqfd_invalid_routes_do_not_inject)
{
	struct mshv_user_irq_entry e[3];
	int efd0 = efd_new(), efd7 = efd_new(), efd4 = efd_new();
	struct calls c0;

	if (!self->vm.on_hvsim)
		SKIP(return, "needs hvsim's hypercall counters");
	ASSERT_GE(efd0, 0);
	ASSERT_GE(efd7, 0);
	ASSERT_GE(efd4, 0);
	memset(e, 0, sizeof(e));
	e[1].gsi = 7;
	e[2] = msi(4, 0x73, false, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 3));
	ASSERT_OK(irqfd(self->vm.pt, efd0, 0, 0, -1));
	ASSERT_OK(irqfd(self->vm.pt, efd7, 7, 0, -1));
	ASSERT_OK(irqfd(self->vm.pt, efd4, 4, 0, -1));

	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd0));
	ASSERT_OK(efd_signal(efd7));
	sleep_ms(50);
	EXPECT_EQ(0, asserts_since(c0, 0, 0)) TH_LOG("a zeroed route injected");
	ASSERT_OK(efd_signal(efd4));
	EXPECT_EQ(1, asserts_since(c0, 1, 1000));

	/* GSI 0 absent from a table that has others. */
	ASSERT_OK(set_routes(self->vm.pt, &e[2], 1));
	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd0));
	sleep_ms(50);
	EXPECT_EQ(0, asserts_since(c0, 0, 0)) TH_LOG("GSI 0 without a route injected");
	/* ... and present: it works like any GSI. */
	e[0] = msi(0, 0x74, false, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 1));
	ASSERT_OK(efd_signal(efd0));
	EXPECT_EQ(1, asserts_since(c0, 1, 1000));
	close(efd0);
	close(efd7);
	close(efd4);
}

/*
 * What the ASSERTs do, in the LAPIC state: the vector of the route in
 * effect lands in IRR (TMR for level routes) of the destination's LAPIC.
 */
TEST_F(ev, irqfd_vectors_in_lapic)
{
	int efd = efd_new(), vp1;

	ASSERT_GE(efd, 0);
	if (self->vm.on_hvsim && !hvsim_implements(HVCALL_ASSERT_VIRTUAL_INTERRUPT))
		TH_LOG("hvsim does not implement ASSERT_VIRTUAL_INTERRUPT (yet)");
	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x80, false, 0)));
	ASSERT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
	EXPECT_EQ(0, lapic_bit(self->vm.vp, LAPIC_IRR, 0x80));
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(1, lapic_bit(self->vm.vp, LAPIC_IRR, 0x80));
	EXPECT_EQ(0, lapic_bit(self->vm.vp, LAPIC_TMR, 0x80));

	/* The route is replaced by one for another vector, level triggered. */
	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x91, true, 0)));
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(1, lapic_bit(self->vm.vp, LAPIC_IRR, 0x91));
	EXPECT_EQ(1, lapic_bit(self->vm.vp, LAPIC_TMR, 0x91));

	/* Destination APIC id 1 is VP 1, not VP 0. */
	vp1 = create_vp(self->vm.pt, 1);
	ASSERT_GE(vp1, 0);
	ASSERT_OK(lapic_enable(vp1));
	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x92, false, 1)));
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(1, lapic_bit(vp1, LAPIC_IRR, 0x92));
	EXPECT_EQ(0, lapic_bit(self->vm.vp, LAPIC_IRR, 0x92));
	EXPECT_EQ(0, lapic_bit(vp1, LAPIC_IRR, 0x80));
	close(vp1);
	close(efd);
}

/* Closing an assigned eventfd removes its irqfd. */
TEST_F(ev, irqfd_eventfd_closed_while_assigned)
{
	struct calls c0;
	int efd, i;

	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x75, false, 0)));
	for (i = 0; i < 200; i++) {
		efd = efd_new();
		ASSERT_GE(efd, 0);
		ASSERT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
		ASSERT_OK(efd_signal(efd));
		ASSERT_EQ(0, close(efd));
	}
	/* Also a resample irqfd, closing the resamplefd first. */
	{
		struct mshv_user_irq_entry e[2] = {
			msi(1, 0x75, false, 0), msi(2, 0x76, true, 0),
		};

		ASSERT_OK(set_routes(self->vm.pt, e, 2));
	}
	for (i = 0; i < 50; i++) {
		int rfd = efd_new();

		efd = efd_new();
		ASSERT_GE(efd, 0);
		ASSERT_GE(rfd, 0);
		ASSERT_OK(irqfd(self->vm.pt, efd, 2, IRQFD_RESAMPLE, rfd));
		ASSERT_EQ(0, close(i & 1 ? efd : rfd));
		ASSERT_EQ(0, close(i & 1 ? rfd : efd));
	}
	if (!self->vm.on_hvsim)
		return;
	/* A new eventfd (probably the same number) injects once per write. */
	efd = efd_new();
	ASSERT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(1, asserts_since(c0, 1, 1000));
	sleep_ms(50);
	EXPECT_EQ(1, asserts_since(c0, 0, 0));
	close(efd);
}

/* A partition that goes away takes its irqfds and ioeventfds with it. */
TEST_F(ev, partition_closed_with_eventfds_assigned)
{
	int efd = efd_new(), efd2 = efd_new(), rfd = efd_new(), iofd = efd_new();
	int pt2, vp2;
	struct calls c0;

	ASSERT_GE(efd, 0);
	ASSERT_GE(efd2, 0);
	ASSERT_GE(rfd, 0);
	ASSERT_GE(iofd, 0);
	pt2 = create_partition(self->vm.sys_fd, true);
	ASSERT_GE(pt2, 0);
	vp2 = create_vp(pt2, 0);
	ASSERT_GE(vp2, 0);
	ASSERT_OK(lapic_enable(vp2));
	ASSERT_OK(set_route(pt2, msi(1, 0x77, false, 0)));
	ASSERT_OK(irqfd(pt2, efd, 1, 0, -1));
	ASSERT_OK(set_route(pt2, msi(2, 0x78, true, 0)));
	ASSERT_OK(irqfd(pt2, efd2, 2, IRQFD_RESAMPLE, rfd));
	EXPECT_OK(ioeventfd(pt2, iofd, DB_GPA, 4, 0, 0));
	close(vp2);
	close(pt2);

	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_OK(efd_signal(efd));
	ASSERT_OK(efd_signal(efd2));
	sleep_ms(50);
	if (self->vm.on_hvsim)
		EXPECT_EQ(0, asserts_since(c0, 0, 0)) TH_LOG("injected into a dead partition");
	/* They are free for this partition now. */
	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x77, false, 0)));
	EXPECT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
	EXPECT_OK(irqfd(self->vm.pt, efd2, 1, 0, -1));
	EXPECT_OK(ioeventfd(self->vm.pt, iofd, DB_GPA, 4, 0, 0));
	close(efd);
	close(efd2);
	close(rfd);
	close(iofd);
}

/* ============================================== the guest's view ==== */

/* An irqfd's interrupt reaches the guest's IDT, with the route's vector. */
TEST_F(ev, guest_takes_the_interrupt)
{
	int efd = efd_new();

	ASSERT_GE(efd, 0);
	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x40, false, 0)));
	ASSERT_OK(irqfd(self->vm.pt, efd, 1, 0, -1));
	ASSERT_OK(guest_start(self->vm.vp, 0, CODE_GPA, RFLAGS_FIXED));

	/* Pending before the VP runs: taken after "sti; hlt". */
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(0x40, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(0x40, expect_out(_metadata, self, PORT_IRET, 3000));
	/* Edge triggered: the EOI is not the VMM's business; the VP halts. */
	expect_no_exit(_metadata, self, 300);

	/* The route now says another vector: the next injection uses it. */
	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x41, false, 0)));
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(0x41, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(0x41, expect_out(_metadata, self, PORT_IRET, 3000));

	/*
	 * An NMI route delivers vector 2 whatever its vector field.  IF does
	 * not hold an NMI back: send it once the VP waits in its HLT.
	 */
	{
		struct mshv_user_irq_entry nmi = msi(1, 0x42, false, 0);

		nmi.data = 0x42 | MSI_MODE_NMI;
		ASSERT_OK(set_route(self->vm.pt, nmi));
	}
	expect_no_exit(_metadata, self, 300);
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(2, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(2, expect_out(_metadata, self, PORT_IRET, 3000));

	/* Deassigned: writes do nothing. */
	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x43, false, 0)));
	ASSERT_OK(irqfd(self->vm.pt, efd, 1, IRQFD_DEASSIGN, -1));
	ASSERT_OK(efd_signal(efd));
	expect_no_exit(_metadata, self, 300);
	close(efd);
}

struct delayed_write {
	pthread_t thread;
	int fd;
	long ms;
	atomic_int done;
};

static void *delayed_write_fn(void *arg)
{
	struct delayed_write *d = arg;

	sleep_ms(d->ms);
	atomic_store(&d->done, 1);
	efd_signal(d->fd);
	return NULL;
}

/* A VP halted in RUN_VP is woken by the injection. */
TEST_F(ev, guest_halted_is_woken)
{
	struct delayed_write d = { .fd = efd_new(), .ms = 200 };
	int i;

	ASSERT_GE(d.fd, 0);
	ASSERT_OK(set_route(self->vm.pt, msi(1, 0x44, false, 0)));
	ASSERT_OK(irqfd(self->vm.pt, d.fd, 1, 0, -1));
	ASSERT_OK(guest_start(self->vm.vp, 0, CODE_GPA, RFLAGS_FIXED));
	for (i = 0; i < 3; i++) {
		atomic_store(&d.done, 0);
		ASSERT_EQ(0, pthread_create(&d.thread, NULL, delayed_write_fn, &d));
		EXPECT_EQ(0x44, expect_out(_metadata, self, PORT_VECTOR, 5000))
			TH_LOG("round %d", i);
		pthread_join(d.thread, NULL);
		EXPECT_TRUE(atomic_load(&d.done));
		EXPECT_EQ(0x44, expect_out(_metadata, self, PORT_IRET, 3000));
	}
	close(d.fd);
}

/*
 * A level-triggered EOI that no resampler takes comes back from RUN_VP as
 * HVMSG_X64_APIC_EOI, once.
 */
TEST_F(ev, level_eoi_returned_by_run_vp)
{
	int efd = efd_new();

	ASSERT_GE(efd, 0);
	ASSERT_OK(set_route(self->vm.pt, msi(4, 0x48, true, 0)));
	ASSERT_OK(irqfd(self->vm.pt, efd, 4, 0, -1));
	ASSERT_OK(guest_start(self->vm.vp, 0, CODE_GPA, RFLAGS_FIXED));

	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(0x48, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(1, eoi_and_iret(_metadata, self, 0x48));
	expect_no_exit(_metadata, self, 300);

	/* Twice more: one EOI each. */
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(0x48, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(1, eoi_and_iret(_metadata, self, 0x48));
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(0x48, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(1, eoi_and_iret(_metadata, self, 0x48));
	expect_no_exit(_metadata, self, 300);

	/* Edge routes produce none. */
	ASSERT_OK(set_route(self->vm.pt, msi(4, 0x49, false, 0)));
	ASSERT_OK(efd_signal(efd));
	EXPECT_EQ(0x49, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(0x49, expect_out(_metadata, self, PORT_IRET, 3000));
	expect_no_exit(_metadata, self, 300);
	close(efd);
}

/*
 * Resampling: the guest's EOI of a level-triggered route signals every
 * resamplefd of the GSI and is not returned by RUN_VP; resamplers follow
 * the route's vector; once the last is gone the EOI goes to the VMM again.
 */
TEST_F(ev, resample_on_guest_eoi)
{
	int efd1 = efd_new(), efd2 = efd_new(), efd3 = efd_new();
	int rfd1 = efd_new(), rfd2 = efd_new();

	ASSERT_GE(efd1, 0);
	ASSERT_GE(efd2, 0);
	ASSERT_GE(efd3, 0);
	ASSERT_GE(rfd1, 0);
	ASSERT_GE(rfd2, 0);
	ASSERT_OK(set_route(self->vm.pt, msi(5, 0x58, true, 0)));
	ASSERT_OK(irqfd(self->vm.pt, efd1, 5, IRQFD_RESAMPLE, rfd1));
	ASSERT_OK(irqfd(self->vm.pt, efd2, 5, IRQFD_RESAMPLE, rfd2));
	ASSERT_OK(guest_start(self->vm.vp, 0, CODE_GPA, RFLAGS_FIXED));

	ASSERT_OK(efd_signal(efd1));
	EXPECT_EQ(0x58, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(0, efd_take(rfd1)) TH_LOG("resampled before the EOI");
	/* The EOI is consumed in the kernel: the next exit is the OUT. */
	EXPECT_EQ(0x58, expect_out(_metadata, self, PORT_IRET, 3000));
	EXPECT_EQ(1, efd_wait(rfd1, 1, 2000));
	EXPECT_EQ(1, efd_wait(rfd2, 1, 2000));
	expect_no_exit(_metadata, self, 300);
	EXPECT_EQ(0, efd_take(rfd1));
	EXPECT_EQ(0, efd_take(rfd2));

	/* The route moves to another vector: the resampler follows it. */
	ASSERT_OK(set_route(self->vm.pt, msi(5, 0x59, true, 0)));
	ASSERT_OK(efd_signal(efd2));
	EXPECT_EQ(0x59, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(0x59, expect_out(_metadata, self, PORT_IRET, 3000));
	EXPECT_EQ(1, efd_wait(rfd1, 1, 2000));
	EXPECT_EQ(1, efd_wait(rfd2, 1, 2000));
	expect_no_exit(_metadata, self, 300);

	/* One irqfd left: only its resamplefd. */
	ASSERT_OK(irqfd(self->vm.pt, efd1, 5, IRQFD_DEASSIGN, -1));
	ASSERT_OK(efd_signal(efd2));
	EXPECT_EQ(0x59, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(0x59, expect_out(_metadata, self, PORT_IRET, 3000));
	EXPECT_EQ(1, efd_wait(rfd2, 1, 2000));
	EXPECT_EQ(0, efd_wait(rfd1, 1, 100));
	expect_no_exit(_metadata, self, 300);

	/* No resampler any more: the EOI is the VMM's again. */
	ASSERT_OK(irqfd(self->vm.pt, efd2, 5, IRQFD_DEASSIGN, -1));
	ASSERT_OK(irqfd(self->vm.pt, efd3, 5, 0, -1));
	ASSERT_OK(efd_signal(efd3));
	EXPECT_EQ(0x59, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(1, eoi_and_iret(_metadata, self, 0x59));
	EXPECT_EQ(0, efd_wait(rfd2, 1, 100));
	expect_no_exit(_metadata, self, 300);
	close(efd1);
	close(efd2);
	close(efd3);
	close(rfd1);
	close(rfd2);
}

/* A resampler takes only the EOIs of its GSI's vector. */
TEST_F(ev, resample_only_its_vector)
{
	struct mshv_user_irq_entry e[2] = {
		msi(6, 0x5a, true, 0), msi(7, 0x5b, true, 0),
	};
	int efd6 = efd_new(), efd7 = efd_new(), rfd = efd_new();

	ASSERT_GE(efd6, 0);
	ASSERT_GE(efd7, 0);
	ASSERT_GE(rfd, 0);
	ASSERT_OK(set_routes(self->vm.pt, e, 2));
	ASSERT_OK(irqfd(self->vm.pt, efd6, 6, IRQFD_RESAMPLE, rfd));
	ASSERT_OK(irqfd(self->vm.pt, efd7, 7, 0, -1));
	ASSERT_OK(guest_start(self->vm.vp, 0, CODE_GPA, RFLAGS_FIXED));

	ASSERT_OK(efd_signal(efd7));
	EXPECT_EQ(0x5b, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(1, eoi_and_iret(_metadata, self, 0x5b));
	EXPECT_EQ(0, efd_wait(rfd, 1, 100));

	ASSERT_OK(efd_signal(efd6));
	EXPECT_EQ(0x5a, expect_out(_metadata, self, PORT_VECTOR, 3000));
	EXPECT_EQ(0x5a, expect_out(_metadata, self, PORT_IRET, 3000));
	EXPECT_EQ(1, efd_wait(rfd, 1, 2000));
	expect_no_exit(_metadata, self, 300);
	close(efd6);
	close(efd7);
	close(rfd);
}

/* ======================================================== ioeventfd ==== */

TEST_F(ev, ioeventfd_validation)
{
	struct mshv_user_ioeventfd a;
	int efd = efd_new(), pipefd[2], devnull;

	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, pipe(pipefd));
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_GE(devnull, 0);

	/* Unknown flags, assign or deassign. */
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA, 4, 0,
				       1u << MSHV_IOEVENTFD_BIT_COUNT));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA, 4, 0, 1u << 31));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA, 4, 0, IOE_DEASSIGN | 1u << 4));

	/* rsvd */
	memset(&a, 0, sizeof(a));
	a.addr = DB_GPA;
	a.len = 4;
	a.fd = efd;
	a.rsvd[0] = 1;
	EXPECT_ERRNO(EINVAL, ioctl(self->vm.pt, MSHV_IOEVENTFD, &a));
	a.rsvd[0] = 0;
	a.rsvd[3] = 0x80;
	EXPECT_ERRNO(EINVAL, ioctl(self->vm.pt, MSHV_IOEVENTFD, &a));
	a.flags = IOE_DEASSIGN;
	EXPECT_ERRNO(EINVAL, ioctl(self->vm.pt, MSHV_IOEVENTFD, &a));

	/* len */
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA, 3, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA, 5, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA, 16, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA, ~0u, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA, 3, 0, IOE_DEASSIGN));

	/* addr + len overflowing */
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, ~0ULL - 1, 4, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, ~0ULL - 6, 8, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, ~0ULL, 1, 0, 0));

	/* crossing a page */
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA + 0xffe, 4, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA + 0xffc, 8, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA + 0xfff, 2, 0, 0));
	EXPECT_ERRNO(EINVAL, ioeventfd(self->vm.pt, efd, DB_GPA + 0x1ff9, 8, 7,
				       IOE_DATAMATCH));

	/* PIO */
	EXPECT_ERRNO(EOPNOTSUPP, ioeventfd(self->vm.pt, efd, 0x80, 1, 0, IOE_PIO));
	EXPECT_ERRNO(EOPNOTSUPP, ioeventfd(self->vm.pt, efd, 0xcf8, 4, 5,
					   IOE_PIO | IOE_DATAMATCH));
	EXPECT_ERRNO(EOPNOTSUPP, ioeventfd(self->vm.pt, efd, 0x80, 1, 0,
					   IOE_PIO | IOE_DEASSIGN));

	/* Not an eventfd. */
	EXPECT_ERRNO(EBADF, ioeventfd(self->vm.pt, pipefd[0], DB_GPA, 4, 0, 0));
	EXPECT_ERRNO(EBADF, ioeventfd(self->vm.pt, devnull, DB_GPA, 4, 0, 0));
	EXPECT_ERRNO(EBADF, ioeventfd(self->vm.pt, -1, DB_GPA, 4, 0, 0));
	EXPECT_ERRNO(EBADF, ioeventfd(self->vm.pt, self->vm.pt, DB_GPA, 4, 0, 0));
	EXPECT_ERRNO(EBADF, ioeventfd(self->vm.pt, pipefd[1], DB_GPA, 4, 0, IOE_DEASSIGN));

	/* Deassign of nothing. */
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, efd, DB_GPA, 4, 0, IOE_DEASSIGN));

	/* The boundaries that are fine. */
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 0xffc, 4, 0, 0));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 0xffc, 4, 0, IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 0xff8, 8, 1, IOE_DATAMATCH));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 0xff8, 8, 1,
			    IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 0xfff, 1, 0, 0));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 0xfff, 1, 0, IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 0xfff, 0, 0, 0));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 0xfff, 0, 0, IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 2, 2, 0, 0));
	EXPECT_OK(ioeventfd(self->vm.pt, efd, DB_GPA + 2, 2, 0, IOE_DEASSIGN));

	close(pipefd[0]);
	close(pipefd[1]);
	close(devnull);
	close(efd);
}

TEST_F(ev, ioeventfd_collisions_and_deassign)
{
	int a = efd_new(), b = efd_new();

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);

	/* A wildcard collides with anything at the same addr and len. */
	ASSERT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 4, 0, 0));
	EXPECT_ERRNO(EEXIST, ioeventfd(self->vm.pt, b, DB_GPA, 4, 0, 0));
	EXPECT_ERRNO(EEXIST, ioeventfd(self->vm.pt, b, DB_GPA, 4, 7, IOE_DATAMATCH));
	EXPECT_ERRNO(EEXIST, ioeventfd(self->vm.pt, a, DB_GPA, 4, 0, 0));
	EXPECT_ERRNO(EEXIST, ioeventfd(self->vm.pt, a, DB_GPA, 4, 0, IOE_DATAMATCH));
	/* Another addr or len is another doorbell. */
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA + 4, 4, 0, 0));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA + 0x1000, 4, 0, 0));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 2, 0, 0));

	/* Deassign needs fd, addr, len and the datamatch setting to match. */
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 4, 0, IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 2, 0, IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 0, 0, IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA + 4, 4, 0, IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, b, DB_GPA + 8, 4, 0, IOE_DEASSIGN));
	/* Without DATAMATCH the datamatch value is ignored. */
	EXPECT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 4, 0x1234, IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 4, 0, IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA + 4, 4, 0, IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA + 0x1000, 4, 0, IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 2, 0, IOE_DEASSIGN));

	/* Datamatch entries: equal values collide, different ones do not. */
	ASSERT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 4, 7, IOE_DATAMATCH));
	EXPECT_ERRNO(EEXIST, ioeventfd(self->vm.pt, b, DB_GPA, 4, 7, IOE_DATAMATCH));
	EXPECT_ERRNO(EEXIST, ioeventfd(self->vm.pt, b, DB_GPA, 4, 0, 0));
	EXPECT_ERRNO(EEXIST, ioeventfd(self->vm.pt, a, DB_GPA, 4, 7, IOE_DATAMATCH));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 4, 8, IOE_DATAMATCH));
	EXPECT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 4, 9, IOE_DATAMATCH));
	EXPECT_ERRNO(EEXIST, ioeventfd(self->vm.pt, b, DB_GPA, 4, 9, IOE_DATAMATCH));
	/* The datamatch of a doorbell is 64-bit. */
	EXPECT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 8, 0x100000007ULL, IOE_DATAMATCH));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 8, 7, IOE_DATAMATCH));

	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 4, 8, IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 4, 0, IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 2, 7, IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 8, 7, IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 4, 7, IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_ERRNO(ENOENT, ioeventfd(self->vm.pt, a, DB_GPA, 4, 7, IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 4, 9, IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 4, 8, IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 8, 0x100000007ULL,
			    IOE_DATAMATCH | IOE_DEASSIGN));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 8, 7, IOE_DATAMATCH | IOE_DEASSIGN));

	/* All gone: a wildcard fits again, and goes again. */
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 4, 0, 0));
	EXPECT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 4, 0, IOE_DEASSIGN));
	close(a);
	close(b);
}

/* Check an UNMAPPED_GPA exit of VP 0 and step over the instruction. */
static void expect_unmapped(struct __test_metadata *_metadata, FIXTURE_DATA(ev) *self,
			    uint8_t access, uint64_t gpa, uint64_t rip)
{
	struct hv_msg m;

	ASSERT_EQ(0, run_vp_within(self->vm.vp, &m, 3000)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(HVMSG_UNMAPPED_GPA, m.type)
		TH_LOG("type %#x at rip %#lx (port %#x), want UNMAPPED_GPA at %#lx",
		       m.type, m.h.rip, m.io.port, rip);
	EXPECT_EQ(access, m.h.access_type);
	EXPECT_EQ(gpa, m.mem.gpa);
	EXPECT_EQ(rip, m.h.rip);
	skip_insn(self->vm.regs, &m);
}

/*
 * A matching guest write completes without an exit and signals the
 * eventfd; writes of another value or size, and reads, exit as usual.
 */
TEST_F(ev, ioeventfd_guest_doorbell)
{
	static const uint8_t code[] = {
		0xc7, 0x05, 0x00, 0x00, 0x00, 0xd0,
		0x78, 0x56, 0x34, 0x12,		/* 00: mov dword [DB], 0x12345678 */
		0xe6, PORT_DONE,		/* 0a: out 0x52, al */
		0xc7, 0x05, 0x00, 0x00, 0x00, 0xd0,
		0x11, 0x11, 0x11, 0x11,		/* 0c: mov dword [DB], 0x11111111 */
		0xe6, PORT_DONE2,		/* 16: out 0x53, al */
		0x66, 0xc7, 0x05, 0x00, 0x00,
		0x00, 0xd0, 0x78, 0x56,		/* 18: mov word [DB], 0x5678 */
		0xe6, PORT_DONE3,		/* 21: out 0x54, al */
		0x8b, 0x05, 0x00, 0x00, 0x00, 0xd0,	/* 23: mov eax, [DB] */
		0xe6, PORT_DONE4,		/* 29: out 0x55, al */
		0xc7, 0x05, 0x00, 0x00, 0x00, 0xd0,
		0x78, 0x56, 0x34, 0x12,		/* 2b: mov dword [DB], 0x12345678 */
		0xe6, PORT_DONE,		/* 35: out 0x52, al */
		0xf4,				/* 37: hlt */
	};
	int efd = efd_new();
	struct hv_msg m;

	ASSERT_GE(efd, 0);
	ASSERT_OK(ioeventfd(self->vm.pt, efd, DB_GPA, 4, 0x12345678, IOE_DATAMATCH));
	load_prog(self, code, sizeof(code));
	ASSERT_OK(guest_start(self->vm.vp, 0, PROG_GPA, RFLAGS_FIXED));

	expect_out(_metadata, self, PORT_DONE, 3000);
	EXPECT_EQ(1, efd_wait(efd, 1, 2000));
	expect_unmapped(_metadata, self, ACCESS_WRITE, DB_GPA, PROG_GPA + 0x0c);
	expect_out(_metadata, self, PORT_DONE2, 3000);
	expect_unmapped(_metadata, self, ACCESS_WRITE, DB_GPA, PROG_GPA + 0x18);
	expect_out(_metadata, self, PORT_DONE3, 3000);
	expect_unmapped(_metadata, self, ACCESS_READ, DB_GPA, PROG_GPA + 0x23);
	expect_out(_metadata, self, PORT_DONE4, 3000);
	EXPECT_EQ(0, efd_wait(efd, 1, 100));

	/* Deassigned: the same write exits. */
	ASSERT_OK(ioeventfd(self->vm.pt, efd, DB_GPA, 4, 0x12345678,
			    IOE_DATAMATCH | IOE_DEASSIGN));
	expect_unmapped(_metadata, self, ACCESS_WRITE, DB_GPA, PROG_GPA + 0x2b);
	expect_out(_metadata, self, PORT_DONE, 3000);
	ASSERT_EQ(0, run_vp_within(self->vm.vp, &m, 3000));
	EXPECT_EQ(HVMSG_X64_HALT, m.type);
	EXPECT_EQ(0, efd_wait(efd, 1, 100));
	close(efd);
}

/* len 0 without datamatch: writes of any size and value ring. */
TEST_F(ev, ioeventfd_any_size_any_value)
{
	static const uint8_t code[] = {
		0xc6, 0x05, 0x00, 0x00, 0x00, 0xd0, 0x01,	/* 00: mov byte [DB], 1 */
		0x66, 0xc7, 0x05, 0x00, 0x00,
		0x00, 0xd0, 0x02, 0x00,			/* 07: mov word [DB], 2 */
		0xc7, 0x05, 0x00, 0x00, 0x00, 0xd0,
		0x03, 0x00, 0x00, 0x00,			/* 10: mov dword [DB], 3 */
		0xe6, PORT_DONE,			/* 1a: out 0x52, al */
		0xc7, 0x05, 0x04, 0x00, 0x00, 0xd0,
		0x03, 0x00, 0x00, 0x00,			/* 1c: mov dword [DB+4], 3 */
		0xe6, PORT_DONE2,			/* 26: out 0x53, al */
		0xf4,					/* 28: hlt */
	};
	int efd = efd_new();

	ASSERT_GE(efd, 0);
	ASSERT_OK(ioeventfd(self->vm.pt, efd, DB_GPA, 0, 0, 0));
	load_prog(self, code, sizeof(code));
	ASSERT_OK(guest_start(self->vm.vp, 0, PROG_GPA, RFLAGS_FIXED));
	expect_out(_metadata, self, PORT_DONE, 3000);
	EXPECT_EQ(3, efd_wait(efd, 3, 2000));
	/* The doorbell is its address only. */
	expect_unmapped(_metadata, self, ACCESS_WRITE, DB_GPA + 4, PROG_GPA + 0x1c);
	expect_out(_metadata, self, PORT_DONE2, 3000);
	EXPECT_EQ(0, efd_wait(efd, 1, 100));
	close(efd);
}

/* Two datamatch doorbells on one address: the value picks the eventfd. */
TEST_F(ev, ioeventfd_datamatch_selects_eventfd)
{
	static const uint8_t code[] = {
		0xc7, 0x05, 0x00, 0x00, 0x00, 0xd0,
		0x01, 0x00, 0x00, 0x00,			/* 00: mov dword [DB], 1 */
		0xc7, 0x05, 0x00, 0x00, 0x00, 0xd0,
		0x02, 0x00, 0x00, 0x00,			/* 0a: mov dword [DB], 2 */
		0xc7, 0x05, 0x00, 0x00, 0x00, 0xd0,
		0x02, 0x00, 0x00, 0x00,			/* 14: mov dword [DB], 2 */
		0xe6, PORT_DONE,			/* 1e: out 0x52, al */
		0xc7, 0x05, 0x00, 0x00, 0x00, 0xd0,
		0x01, 0x00, 0x00, 0x00,			/* 20: mov dword [DB], 1 */
		0xe6, PORT_DONE2,			/* 2a: out 0x53, al */
		0xf4,					/* 2c: hlt */
	};
	int a = efd_new(), b = efd_new();

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 4, 1, IOE_DATAMATCH));
	ASSERT_OK(ioeventfd(self->vm.pt, b, DB_GPA, 4, 2, IOE_DATAMATCH));
	load_prog(self, code, sizeof(code));
	ASSERT_OK(guest_start(self->vm.vp, 0, PROG_GPA, RFLAGS_FIXED));
	expect_out(_metadata, self, PORT_DONE, 3000);
	EXPECT_EQ(2, efd_wait(b, 2, 2000));
	EXPECT_EQ(1, efd_wait(a, 1, 2000));
	EXPECT_EQ(0, efd_wait(a, 1, 100));

	/* Without a's doorbell, its value exits; b's still rings. */
	ASSERT_OK(ioeventfd(self->vm.pt, a, DB_GPA, 4, 1, IOE_DATAMATCH | IOE_DEASSIGN));
	expect_unmapped(_metadata, self, ACCESS_WRITE, DB_GPA, PROG_GPA + 0x20);
	expect_out(_metadata, self, PORT_DONE2, 3000);
	EXPECT_EQ(0, efd_wait(a, 1, 100));
	EXPECT_EQ(0, efd_wait(b, 1, 100));
	close(a);
	close(b);
}

/*
 * A guest ringing a doorbell far faster than the root drains its event
 * ring: the ring fills up, signals may be dropped while it is full, but at
 * least one arrives, none is invented, and the doorbell works afterwards.
 */
TEST_F(ev, ioeventfd_doorbell_storm)
{
	static const uint8_t code[] = {
		0xb9, 0xd0, 0x07, 0x00, 0x00,		/* 00: mov ecx, 2000 */
		0x89, 0x05, 0x00, 0x00, 0x00, 0xd0,	/* 05: 1: mov [DB], eax */
		0xe2, 0xf8,				/* 0b: loop 1b */
		0xe6, PORT_DONE,			/* 0d: out 0x52, al */
		0x89, 0x05, 0x00, 0x00, 0x00, 0xd0,	/* 0f: mov [DB], eax */
		0x89, 0x05, 0x08, 0x00, 0x00, 0xd0,	/* 15: mov [DB+8], eax */
		0xe6, PORT_DONE2,			/* 1b: out 0x53, al */
		0xf4,					/* 1d: hlt */
	};
	int efd = efd_new(), efd2 = efd_new();
	struct calls n0;
	uint64_t got, late;

	ASSERT_GE(efd, 0);
	ASSERT_GE(efd2, 0);
	n0 = hcalls(HVCALL_NOTIFY_PORT_RING_EMPTY);
	ASSERT_OK(ioeventfd(self->vm.pt, efd, DB_GPA, 4, 0, 0));
	ASSERT_OK(ioeventfd(self->vm.pt, efd2, DB_GPA + 8, 4, 0, 0));
	load_prog(self, code, sizeof(code));
	ASSERT_OK(guest_start(self->vm.vp, 0, PROG_GPA, RFLAGS_FIXED));
	expect_out(_metadata, self, PORT_DONE, 10000);
	got = efd_wait(efd, 2000, 1000);
	EXPECT_GE(got, 1);
	EXPECT_LE(got, 2000);
	/* Afterwards both doorbells (the ring is shared) signal again. */
	expect_out(_metadata, self, PORT_DONE2, 3000);
	EXPECT_EQ(1, efd_wait(efd2, 1, 2000)) TH_LOG("no signal after the storm");
	late = efd_wait(efd, 1, 2000);
	EXPECT_GE(late, 1) TH_LOG("the storm's doorbell is dead after it");
	EXPECT_LE(got + late, 2001);
	TH_LOG("2000 doorbell writes: %lu signals, %llu NOTIFY_PORT_RING_EMPTY", got,
	       hcalls(HVCALL_NOTIFY_PORT_RING_EMPTY).calls - n0.calls);
	close(efd);
	close(efd2);
}

/* ========================================================== stress ==== */

#define STRESS_CYCLES		10000
#define STRESS_BUDGET_S		20.0

struct writer {
	pthread_t thread;
	int fds[4];
	int nr;
	atomic_int stop;
	long writes;
	int err;
};

static void *writer_fn(void *arg)
{
	struct writer *w = arg;
	uint64_t one = 1;
	int i;

	while (!atomic_load(&w->stop)) {
		for (i = 0; i < w->nr; i++) {
			if (write(w->fds[i], &one, sizeof(one)) != sizeof(one) && !w->err)
				w->err = errno;
			w->writes++;
		}
		if (!(w->writes & 63))
			sched_yield();
	}
	return NULL;
}

static int writer_start(struct writer *w)
{
	atomic_store(&w->stop, 0);
	w->writes = 0;
	w->err = 0;
	return pthread_create(&w->thread, NULL, writer_fn, w);
}

static void writer_stop(struct writer *w)
{
	atomic_store(&w->stop, 1);
	pthread_join(w->thread, NULL);
}

/*
 * A VP thread that keeps VP 0 running: exits it expects (APIC EOIs, OUTs
 * to @port, UNMAPPED_GPA writes at @db) are counted and stepped over,
 * anything else stops it.  A signal with @stop set ends it.
 */
struct runner {
	pthread_t thread;
	int vp;
	uint8_t *regs;
	atomic_int stop;
	long eois;
	long unmapped;
	long eintr;
	int err;
	uint32_t bad_type;
	uint64_t bad_rip;
};

static void *runner_fn(void *arg)
{
	struct runner *r = arg;
	struct mshv_run_vp run;
	struct hv_msg m;

	while (!atomic_load(&r->stop)) {
		if (ioctl(r->vp, MSHV_RUN_VP, &run)) {
			if (errno == EINTR || errno == EAGAIN) {
				r->eintr++;
				continue;
			}
			r->err = errno;
			return NULL;
		}
		memcpy(&m, &run, sizeof(m));
		if (m.type == HVMSG_X64_APIC_EOI) {
			r->eois++;
		} else if (m.type == HVMSG_UNMAPPED_GPA && m.h.access_type == ACCESS_WRITE &&
			   m.mem.gpa == DB_GPA) {
			r->unmapped++;
			skip_insn(r->regs, &m);
		} else {
			r->bad_type = m.type;
			r->bad_rip = m.h.rip;
			return NULL;
		}
	}
	return NULL;
}

static int runner_start(struct runner *r, int vp, uint8_t *regs)
{
	memset(r, 0, sizeof(*r));
	r->vp = vp;
	r->regs = regs;
	return pthread_create(&r->thread, NULL, runner_fn, r);
}

/* Signal the runner until it leaves RUN_VP; false if it does not within 10 s. */
static bool runner_stop(struct runner *r)
{
	double end = now_s() + 10;
	int ret;

	atomic_store(&r->stop, 1);
	while ((ret = pthread_tryjoin_np(r->thread, NULL)) == EBUSY && now_s() < end) {
		pthread_kill(r->thread, SIGUSR1);
		sleep_ms(20);
	}
	return ret == 0;
}

static uint32_t guest_count(FIXTURE_DATA(ev) *self)
{
	uint32_t v;

	memcpy(&v, self->vm.ram + COUNT_GPA, sizeof(v));
	return v;
}

/*
 * irqfd assign/deassign cycles on two GSIs while a thread writes the
 * eventfds, the routing table changes now and then, and the guest takes
 * the interrupts.
 */
TEST_F_TIMEOUT(ev, stress_irqfd_cycles, 120)
{
	struct mshv_user_irq_entry e[2][2] = {
		{ msi(1, QUIET_VEC0, false, 0), msi(2, QUIET_VEC1, false, 0) },
		{ msi(1, QUIET_VEC1, false, 0), msi(2, QUIET_VEC0, false, 0) },
	};
	struct writer w = { .nr = 2 };
	struct runner r;
	struct calls c0, c1;
	double start = now_s();
	int i, ret = 0, err = 0;

	w.fds[0] = efd_new();
	w.fds[1] = efd_new();
	ASSERT_GE(w.fds[0], 0);
	ASSERT_GE(w.fds[1], 0);
	ASSERT_OK(set_routes(self->vm.pt, e[0], 2));
	ASSERT_OK(guest_start(self->vm.vp, 0, QUIET_LOOP_GPA, RFLAGS_FIXED | RFLAGS_IF));
	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	ASSERT_EQ(0, runner_start(&r, self->vm.vp, self->vm.regs));
	ASSERT_EQ(0, writer_start(&w));

	for (i = 0; i < STRESS_CYCLES && now_s() - start < STRESS_BUDGET_S; i++) {
		int fd = w.fds[i & 1], gsi = 1 + ((i >> 1) & 1);

		ret = irqfd(self->vm.pt, fd, gsi, 0, -1);
		if (ret) {
			err = errno;
			break;
		}
		if (!(i % 64)) {
			ret = set_routes(self->vm.pt, e[(i / 64) & 1], 2);
			if (ret) {
				err = errno;
				break;
			}
		}
		ret = irqfd(self->vm.pt, fd, gsi, IRQFD_DEASSIGN, -1);
		if (ret) {
			err = errno;
			break;
		}
	}
	writer_stop(&w);
	EXPECT_TRUE(runner_stop(&r));
	c1 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);

	EXPECT_EQ(0, ret) TH_LOG("cycle %d: %s", i, strerror(err));
	EXPECT_EQ(0, w.err) TH_LOG("eventfd write: %s", strerror(w.err));
	EXPECT_EQ(0, r.err) TH_LOG("RUN_VP: %s", strerror(r.err));
	EXPECT_EQ(0, r.bad_type) TH_LOG("exit %#x at %#lx", r.bad_type, r.bad_rip);
	if (self->vm.on_hvsim) {
		EXPECT_GT(c1.calls - c0.calls, 0);
		EXPECT_EQ(0, c1.failures - c0.failures)
			TH_LOG("%llu of %llu ASSERTs failed", c1.failures - c0.failures,
			       c1.calls - c0.calls);
	}
	EXPECT_GT(guest_count(self), 0) TH_LOG("the guest took no interrupt");
	TH_LOG("%d irqfd assign/deassign cycles in %.1f s; %ld writes, %llu ASSERTs, %u taken by the guest",
	       i, now_s() - start, w.writes, c1.calls - c0.calls, guest_count(self));
	close(w.fds[0]);
	close(w.fds[1]);
}

/*
 * Resampling irqfd cycles on a level-triggered route while the guest
 * takes and EOIs the interrupts: each EOI goes to the resampler when one
 * is attached, to RUN_VP otherwise.
 */
TEST_F_TIMEOUT(ev, stress_resample_cycles, 120)
{
	struct writer w = { .nr = 1 };
	int rfd = efd_new(), i, ret = 0, err = 0;
	double start = now_s();
	struct runner r;
	uint64_t resampled;

	w.fds[0] = efd_new();
	ASSERT_GE(w.fds[0], 0);
	ASSERT_GE(rfd, 0);
	ASSERT_OK(set_route(self->vm.pt, msi(3, QUIET_VEC2, true, 0)));
	ASSERT_OK(guest_start(self->vm.vp, 0, QUIET_LOOP_GPA, RFLAGS_FIXED | RFLAGS_IF));
	/* A second irqfd keeps injecting when the resampling one is away. */
	w.fds[1] = efd_new();
	ASSERT_GE(w.fds[1], 0);
	ASSERT_OK(irqfd(self->vm.pt, w.fds[1], 3, 0, -1));
	w.nr = 2;
	ASSERT_EQ(0, runner_start(&r, self->vm.vp, self->vm.regs));
	ASSERT_EQ(0, writer_start(&w));
	for (i = 0; i < STRESS_CYCLES && now_s() - start < STRESS_BUDGET_S; i++) {
		ret = irqfd(self->vm.pt, w.fds[0], 3, IRQFD_RESAMPLE, rfd);
		if (ret) {
			err = errno;
			break;
		}
		ret = irqfd(self->vm.pt, w.fds[0], 3, IRQFD_DEASSIGN, -1);
		if (ret) {
			err = errno;
			break;
		}
	}
	writer_stop(&w);
	EXPECT_TRUE(runner_stop(&r));
	resampled = efd_take(rfd);
	EXPECT_EQ(0, ret) TH_LOG("cycle %d: %s", i, strerror(err));
	EXPECT_EQ(0, w.err) TH_LOG("eventfd write: %s", strerror(w.err));
	EXPECT_EQ(0, r.err) TH_LOG("RUN_VP: %s", strerror(r.err));
	EXPECT_EQ(0, r.bad_type) TH_LOG("exit %#x at %#lx", r.bad_type, r.bad_rip);
	EXPECT_GT(guest_count(self), 0) TH_LOG("the guest took no interrupt");
	EXPECT_GT(resampled + r.eois, 0) TH_LOG("no EOI seen at all");
	TH_LOG("%d resample irqfd cycles in %.1f s; %u interrupts taken, %lu resampled, %ld EOIs to RUN_VP",
	       i, now_s() - start, guest_count(self), resampled, r.eois);
	close(w.fds[0]);
	close(w.fds[1]);
	close(rfd);
}

/*
 * ioeventfd assign/deassign cycles while the guest rings the doorbell in
 * a loop (a doorbell signal or an UNMAPPED_GPA exit, depending on the
 * moment) and another thread writes one of the eventfds.
 */
TEST_F_TIMEOUT(ev, stress_ioeventfd_cycles, 120)
{
	static const uint8_t code[] = {
		0x89, 0x05, 0x00, 0x00, 0x00, 0xd0,	/* 00: mov [DB], eax */
		0x40,					/* 06: inc eax */
		0xb9, 0x40, 0x00, 0x00, 0x00,		/* 07: mov ecx, 64 */
		0xe2, 0xfe,				/* 0c: loop $ */
		0xeb, 0xf0,				/* 0e: jmp 00 */
	};
	struct writer w = { .nr = 1 };
	int quiet = efd_new(), i, ret = 0, err = 0;
	double start = now_s();
	struct runner r;
	uint64_t rung;

	w.fds[0] = efd_new();
	ASSERT_GE(w.fds[0], 0);
	ASSERT_GE(quiet, 0);
	load_prog(self, code, sizeof(code));
	ASSERT_OK(guest_start(self->vm.vp, 0, PROG_GPA, RFLAGS_FIXED));
	ASSERT_EQ(0, runner_start(&r, self->vm.vp, self->vm.regs));
	ASSERT_EQ(0, writer_start(&w));
	for (i = 0; i < STRESS_CYCLES && now_s() - start < STRESS_BUDGET_S; i++) {
		int fd = i & 1 ? w.fds[0] : quiet;
		uint32_t len = i & 2 ? 4 : 0;

		ret = ioeventfd(self->vm.pt, fd, DB_GPA, len, 0, 0);
		if (ret) {
			err = errno;
			break;
		}
		ret = ioeventfd(self->vm.pt, fd, DB_GPA, len, 0, IOE_DEASSIGN);
		if (ret) {
			err = errno;
			break;
		}
	}
	writer_stop(&w);
	EXPECT_TRUE(runner_stop(&r));
	rung = efd_take(quiet);
	EXPECT_EQ(0, ret) TH_LOG("cycle %d: %s", i, strerror(err));
	EXPECT_EQ(0, w.err) TH_LOG("eventfd write: %s", strerror(w.err));
	EXPECT_EQ(0, r.err) TH_LOG("RUN_VP: %s", strerror(r.err));
	EXPECT_EQ(0, r.bad_type) TH_LOG("exit %#x at %#lx", r.bad_type, r.bad_rip);
	EXPECT_GT(r.unmapped, 0);
	EXPECT_GT(rung, 0) TH_LOG("no doorbell signal arrived");
	TH_LOG("%d ioeventfd assign/deassign cycles in %.1f s; %ld doorbell exits, %lu signals on the quiet eventfd",
	       i, now_s() - start, r.unmapped, rung);
	close(w.fds[0]);
	close(quiet);
}

/*
 * Partitions with irqfds (plain and resampling) and ioeventfds go away
 * while a thread keeps writing their eventfds; afterwards nothing is
 * injected any more and the eventfds are free.
 */
TEST_F_TIMEOUT(ev, stress_close_partition_while_writing, 120)
{
	struct mshv_user_irq_entry e[2] = {
		msi(1, 0x60, false, 0), msi(2, 0x61, true, 0),
	};
	struct writer w = { .nr = 3 };
	int rfd = efd_new(), i, rounds = 0, failed = 0;
	double start = now_s();
	struct calls c0;

	for (i = 0; i < 3; i++) {
		w.fds[i] = efd_new();
		ASSERT_GE(w.fds[i], 0);
	}
	ASSERT_GE(rfd, 0);
	ASSERT_EQ(0, writer_start(&w));
	for (i = 0; i < 40 && now_s() - start < STRESS_BUDGET_S; i++) {
		int pt, vp;

		pt = create_partition(self->vm.sys_fd, true);
		if (pt < 0) {
			failed = errno;
			break;
		}
		vp = create_vp(pt, 0);
		if (vp < 0 || lapic_enable(vp) || set_routes(pt, e, 2) ||
		    irqfd(pt, w.fds[0], 1, 0, -1) ||
		    irqfd(pt, w.fds[1], 2, IRQFD_RESAMPLE, rfd) ||
		    ioeventfd(pt, w.fds[2], DB_GPA, 4, 0, 0)) {
			failed = errno;
			close(pt);
			if (vp >= 0)
				close(vp);
			break;
		}
		sleep_ms(i % 5);
		/* The VP fd holds the partition too: the last close releases it. */
		if (i & 1) {
			close(pt);
			close(vp);
		} else {
			close(vp);
			close(pt);
		}
		rounds++;
	}
	/* The partitions are gone, the writer still writes: nothing is injected. */
	sleep_ms(20);
	c0 = hcalls(HVCALL_ASSERT_VIRTUAL_INTERRUPT);
	sleep_ms(200);
	if (self->vm.on_hvsim)
		EXPECT_EQ(0, asserts_since(c0, 0, 0)) TH_LOG("injections after release");
	writer_stop(&w);
	EXPECT_EQ(0, failed) TH_LOG("round %d: %s", rounds, strerror(failed));
	EXPECT_EQ(0, w.err) TH_LOG("eventfd write: %s", strerror(w.err));
	/* The eventfds are free: they can be assigned here. */
	ASSERT_OK(set_routes(self->vm.pt, e, 2));
	EXPECT_OK(irqfd(self->vm.pt, w.fds[0], 1, 0, -1));
	EXPECT_OK(irqfd(self->vm.pt, w.fds[1], 2, IRQFD_RESAMPLE, rfd));
	EXPECT_OK(ioeventfd(self->vm.pt, w.fds[2], DB_GPA, 4, 0, 0));
	TH_LOG("%d partitions closed under %ld eventfd writes in %.1f s", rounds, w.writes,
	       now_s() - start);
	for (i = 0; i < 3; i++)
		close(w.fds[i]);
	close(rfd);
}

/* Closing the partition fd with a writer running, the VP never created. */
TEST_F(ev, close_partition_fd_while_writer_writes)
{
	struct mshv_user_irq_entry e = msi(1, 0x62, false, 0);
	struct writer w = { .nr = 2 };
	int pt, i;

	for (i = 0; i < 2; i++) {
		w.fds[i] = efd_new();
		ASSERT_GE(w.fds[i], 0);
	}
	pt = create_partition(self->vm.sys_fd, false);
	ASSERT_GE(pt, 0);
	ASSERT_OK(set_route(pt, e));
	ASSERT_OK(irqfd(pt, w.fds[0], 1, 0, -1));
	ASSERT_OK(irqfd(pt, w.fds[1], 7, 0, -1));	/* premature */
	ASSERT_EQ(0, writer_start(&w));
	sleep_ms(50);
	close(pt);
	sleep_ms(100);
	writer_stop(&w);
	EXPECT_EQ(0, w.err) TH_LOG("eventfd write: %s", strerror(w.err));
	EXPECT_GT(w.writes, 0);
	for (i = 0; i < 2; i++)
		close(w.fds[i]);
}

TEST_HARNESS_MAIN
