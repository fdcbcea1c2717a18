// SPDX-License-Identifier: GPL-2.0
/*
 * guest_check: run the demo guest (guest.bin, via the generated
 * guest_image.h) on the hvsim x86 engine with a tiny VMM loop, the same
 * loop the demo VMM runs on MSHV_RUN_VP intercepts:
 *
 *   - guest memory: RAM at GPA 0 (GUEST_RAM_SIZE), the image read+execute
 *     at GUEST_IMAGE_GPA (writes are denied and would be a failure),
 *     nothing else: the device pages and the local APIC page are unmapped,
 *     so their accesses exit;
 *   - the VP starts in the architectural reset state (x86_cpu_reset():
 *     CS 0xF000 base 0xFFFF0000, RIP 0xFFF0);
 *   - IO exits go to the COM1 UART model; RIP += the exit's instruction
 *     length (the intercept header's instruction_length on mshv);
 *   - MEMORY exits are decoded from the exit's instruction bytes with
 *     vmm_mmio_decode() and emulated against the demo device, the
 *     virtio-style device's notify register or the local APIC's EOI
 *     register; RIP += the decoded length, which is checked against the
 *     engine's;
 *   - the virtio-style device and a one-vector local APIC stand in for
 *     what the demo VMM gets from the driver and the hypervisor: a notify
 *     write (an ioeventfd there, an MMIO exit here) answers the request in
 *     the shared page at once and makes GUEST_VDEV_VECTOR pending; a HLT
 *     with RFLAGS.IF = 1 is the guest waiting for it, and the interrupt is
 *     then delivered with x86_inject_interrupt(); the EOI write ends it
 *     (no new delivery before);
 *   - HLT with interrupts off ends the run.
 *
 * Checks the exact output, the count of each exit type, the CPU mode in
 * which each line was printed, the final paging and IDT state, and a few
 * variants (busy UART, wrong device ID, scratch not retained; interrupts
 * delivered at the first opportunity, notify writes taken without an exit
 * as hvsim's doorbells do, wrong replies, a device that never answers),
 * plus table tests of the vmm_emul helpers.  Prints "N passed, N failed";
 * exit status 1 on any failure.  -v prints every exit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86_engine.h"
#include "guest_image.h"
#include "vmm_emul.h"

static_assert(sizeof(guest_image) == GUEST_IMAGE_SIZE, "image size");

#define STR_(x)		#x
#define STR(x)		STR_(x)
#define VDEV_LINE(replies)						\
	"Virtio-style device: " STR(GUEST_VDEV_REQUESTS) " requests, "	\
	STR(GUEST_VDEV_REQUESTS) " interrupts, " replies " replies OK\n"

static const char expected_output[] =
	"Hello from the guest (real mode)\n"
	"Hello from the guest (protected mode)\n"
	"Hello from the guest (long mode)\n"
	"MMIO: scratch register read back OK\n"
	"MMIO: device ID OK\n"
	VDEV_LINE(STR(GUEST_VDEV_REQUESTS))
	"Guest halting\n";

#define SCRATCH_MAGIC	(((uint64_t)GUEST_SCRATCH_MAGIC_HI << 32) | GUEST_SCRATCH_MAGIC_LO)
#define MAX_LINES	16
#define NR_REQ		GUEST_VDEV_REQUESTS
#define APIC_EOI_GPA	(GUEST_APIC_GPA + GUEST_APIC_EOI_REG)
#define NR_REASONS	(X86_EXIT_IRQ_WINDOW + 1)

static int passed, failed, verbose;

static void check(bool ok, const char *what, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL line %d: %s", line, what);
	if (fmt) {
		printf(": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
}

#define CHECK(cond)		check(!!(cond), #cond, __LINE__, NULL)
#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long _a = (a), _b = (b);			\
		check(_a == _b, #a " == " #b, __LINE__,			\
		      "0x%llx != 0x%llx", _a, _b);			\
	} while (0)

struct line_mode {
	u64 cr0, efer;
	u16 cs_sel, cs_attr;
};

struct vm {
	u8 *ram;
	struct x86_cpu cpu;
	struct x86_exit exit;
	struct x86_env env;
	struct vmm_uart uart;
	struct vmm_demo_dev dev;

	/* variants */
	unsigned int lsr_busy;		/* LSR polls reporting "busy" per byte */
	bool dev_drops_writes;		/* the device forgets SCRATCH writes */
	bool irq_eager;			/* deliver at the first IF=1 window */
	bool doorbell;			/* notify writes complete without an exit */
	bool vdev_wrong;		/* replies REQ instead of ~REQ */
	bool vdev_mute;			/* never raises its interrupt */

	/* the virtio-style device and the local APIC */
	u32 apic_svr;			/* bit 8: software enabled */
	bool irq_pending;		/* raised, not delivered yet */
	bool irq_in_service;		/* delivered, not ended by EOI yet */
	unsigned long notifies, doorbells, irqs, eois, svr_writes, idle_halts, irqs_dropped;
	unsigned long vdev_bad;		/* reads, wrong sizes/values/places */
	unsigned long idle_halt_elsewhere;	/* waits not at vdev_hlt */

	/* results */
	char out[1024];
	size_t out_len;
	bool line_start;
	struct line_mode line[MAX_LINES];
	unsigned int lines;
	unsigned int busy_left;
	unsigned long exits[NR_REASONS];
	unsigned long pio_in, pio_out, mmio_read, mmio_write;
	unsigned long rom_writes, budget_exits;
	char err[256];
};

static int gpa_access(void *ctx, u64 gpa, void *buf, unsigned int len,
		      enum x86_access type)
{
	struct vm *vm = ctx;

	if (gpa + len <= GUEST_RAM_GPA + GUEST_RAM_SIZE) {
		if (buf && type == X86_ACCESS_WRITE)
			memcpy(vm->ram + gpa, buf, len);
		else if (buf)
			memcpy(buf, vm->ram + gpa, len);
		return X86_GPA_OK;
	}
	if (gpa >= GUEST_IMAGE_GPA && gpa + len <= GUEST_IMAGE_GPA + GUEST_IMAGE_SIZE) {
		if (type == X86_ACCESS_WRITE) {
			vm->rom_writes++;
			return X86_GPA_DENIED;
		}
		if (buf)
			memcpy(buf, guest_image + (gpa - GUEST_IMAGE_GPA), len);
		return X86_GPA_OK;
	}
	return X86_GPA_UNMAPPED;
}

/* The UART's output: collect it and note the CPU mode at each line start. */
static void uart_putc(void *ctx, u8 c)
{
	struct vm *vm = ctx;

	if (vm->line_start && vm->lines < MAX_LINES) {
		vm->line[vm->lines++] = (struct line_mode) {
			.cr0 = vm->cpu.cr0, .efer = vm->cpu.efer,
			.cs_sel = vm->cpu.seg[X86_CS].selector,
			.cs_attr = vm->cpu.seg[X86_CS].attributes,
		};
	}
	vm->line_start = c == '\n';
	if (vm->out_len < sizeof(vm->out) - 1)
		vm->out[vm->out_len++] = c;
}

static u32 ram_get32(const struct vm *vm, u64 gpa)
{
	u32 v;

	memcpy(&v, vm->ram + gpa, 4);
	return v;
}

/*
 * A notify of the virtio-style device (the guest wrote @value): answer the
 * request in the shared page and raise the completion interrupt.
 */
static void vdev_notify(struct vm *vm, u32 value)
{
	u32 req = ram_get32(vm, GUEST_VDEV_SHARED_GPA + GUEST_VDEV_REQ);
	u32 resp = vm->vdev_wrong ? req : ~req;

	vm->notifies++;
	if (value != req)
		vm->vdev_bad++;
	memcpy(vm->ram + GUEST_VDEV_SHARED_GPA + GUEST_VDEV_RESP, &resp, 4);
	if (vm->vdev_mute)
		return;
	/* a software-disabled APIC drops fixed interrupts, as hardware does */
	if (vm->apic_svr & 0x100)
		vm->irq_pending = true;
	else
		vm->irqs_dropped++;
}

static bool vdev_is_notify(u64 gpa, unsigned int size, bool write)
{
	return write && gpa == GUEST_VDEV_NOTIFY_GPA && size == GUEST_VDEV_NOTIFY_SIZE;
}

/* The notify page (any access but the notify write is bad). */
static void vdev_mmio(struct vm *vm, u64 gpa, unsigned int size, bool write, u64 *value)
{
	if (vdev_is_notify(gpa, size, write)) {
		vdev_notify(vm, (u32)*value);
		return;
	}
	vm->vdev_bad++;
	if (!write)
		*value = 0;
}

/* The local APIC page: only the SVR and EOI writes are used. */
static void apic_mmio(struct vm *vm, u64 gpa, unsigned int size, bool write, u64 *value)
{
	if (write && gpa == GUEST_APIC_GPA + GUEST_APIC_SVR_REG && size == 4) {
		vm->apic_svr = (u32)*value;
		vm->svr_writes++;
		return;
	}
	if (write && gpa == APIC_EOI_GPA && size == 4 && vm->irq_in_service) {
		vm->irq_in_service = false;
		vm->eois++;
		return;
	}
	vm->vdev_bad++;
	if (!write)
		*value = 0;
}

static void dev_mmio(void *ctx, u64 gpa, unsigned int size, bool write, u64 *value)
{
	struct vm *vm = ctx;

	if (gpa >= GUEST_VDEV_NOTIFY_GPA && gpa < GUEST_VDEV_NOTIFY_GPA + 4096) {
		vdev_mmio(vm, gpa, size, write, value);
		return;
	}
	if (gpa >= GUEST_APIC_GPA && gpa < GUEST_APIC_GPA + 4096) {
		apic_mmio(vm, gpa, size, write, value);
		return;
	}
	if (write)
		vm->mmio_write++;
	else
		vm->mmio_read++;
	if (write && vm->dev_drops_writes) {
		vm->dev.writes++;
		return;
	}
	vmm_demo_dev_mmio(&vm->dev, gpa, size, write, value);
}

/*
 * The doorbell variant: the notify write completes inside the "hypervisor"
 * (hvsim's doorbell ports use this engine hook), without an exit.
 */
static bool write_sink(void *ctx, u64 gpa, const void *data, unsigned int len, bool commit)
{
	struct vm *vm = ctx;
	u32 value;

	if (!vm->doorbell || !vdev_is_notify(gpa, len, true))
		return false;
	if (commit) {
		memcpy(&value, data, 4);
		vm->doorbells++;
		vdev_notify(vm, value);
	}
	return true;
}

static bool irq_deliverable(const struct vm *vm)
{
	return vm->irq_pending && !vm->irq_in_service;
}

/* Deliver the pending interrupt now, as the local APIC would. */
static int deliver_irq(struct vm *vm)
{
	enum x86_exit_reason r;

	if (!x86_can_inject_interrupt(&vm->cpu)) {
		snprintf(vm->err, sizeof(vm->err), "interrupt not deliverable at 0x%llx",
			 (unsigned long long)vm->cpu.rip);
		return -1;
	}
	r = x86_inject_interrupt(&vm->cpu, &vm->env, GUEST_VDEV_VECTOR, &vm->exit);
	if (r != X86_EXIT_NONE) {
		snprintf(vm->err, sizeof(vm->err), "delivery of vector 0x%x failed: exit %d",
			 GUEST_VDEV_VECTOR, r);
		return -1;
	}
	vm->irq_pending = false;
	vm->irq_in_service = true;
	vm->irqs++;
	return 0;
}

static struct vm *vm_create(void)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	if (vm)
		vm->ram = calloc(1, GUEST_RAM_SIZE);
	if (!vm || !vm->ram) {
		perror("calloc");
		exit(2);
	}
	vm->env.ctx = vm;
	vm->env.gpa_access = gpa_access;
	vm->env.write_sink = write_sink;
	vm->uart.base = GUEST_COM1_BASE;
	vm->uart.putc = uart_putc;
	vm->uart.ctx = vm;
	vm->dev.base = GUEST_MMIO_GPA;
	vm->dev.id = GUEST_DEV_ID;
	vm->apic_svr = 0xff;		/* reset: software-disabled */
	vm->line_start = true;
	x86_cpu_reset(&vm->cpu);
	return vm;
}

static void vm_destroy(struct vm *vm)
{
	free(vm->ram);
	free(vm);
}

static int handle_io(struct vm *vm)
{
	const struct x86_exit *e = &vm->exit;
	u32 data = e->io.in ? 0 : (u32)e->io.rax;

	if (e->io.string || e->io.rep || e->insn_len == 0) {
		snprintf(vm->err, sizeof(vm->err), "unexpected string/rep IO at 0x%llx",
			 (unsigned long long)e->rip);
		return -1;
	}
	if (e->io.in && e->io.port == GUEST_COM1_LSR && vm->busy_left) {
		vm->busy_left--;	/* variant: transmitter still busy */
		data = 0;
	} else if (!vmm_uart_pio(&vm->uart, e->io.port, e->io.size, e->io.in, &data)) {
		snprintf(vm->err, sizeof(vm->err), "IO to unknown port 0x%x", e->io.port);
		return -1;
	}
	if (e->io.in) {
		vm->pio_in++;
		vm->cpu.gpr[X86_RAX] = vmm_pio_in_rax(vm->cpu.gpr[X86_RAX], e->io.size, data);
	} else {
		vm->pio_out++;
		if (e->io.port == GUEST_COM1_THR)
			vm->busy_left = vm->lsr_busy;
	}
	vm->cpu.rip += e->insn_len;	/* mshv: header.instruction_length */
	return 0;
}

static int handle_mmio(struct vm *vm)
{
	const struct x86_exit *e = &vm->exit;
	struct vmm_mmio_insn insn;
	unsigned int bits;

	bool dev = e->mem.gpa >= GUEST_MMIO_GPA && e->mem.gpa < GUEST_MMIO_GPA + GUEST_MMIO_SIZE;
	bool notify = e->mem.gpa >= GUEST_VDEV_NOTIFY_GPA &&
		      e->mem.gpa < GUEST_VDEV_NOTIFY_GPA + 4096;
	bool apic = e->mem.gpa >= GUEST_APIC_GPA && e->mem.gpa < GUEST_APIC_GPA + 4096;

	if (e->mem.denied || !e->mem.gva_gpa_valid || !(dev || notify || apic) ||
	    e->access == X86_ACCESS_EXECUTE) {
		snprintf(vm->err, sizeof(vm->err),
			 "memory exit not for the device: gpa 0x%llx access %d denied %d rip 0x%llx",
			 (unsigned long long)e->mem.gpa, e->access, e->mem.denied,
			 (unsigned long long)e->rip);
		return -1;
	}
	bits = vmm_code_bits(vm->cpu.seg[X86_CS].attributes, vm->cpu.efer & X86_EFER_LMA);
	if (vmm_mmio_decode(e->insn_bytes, e->insn_count, bits, &insn)) {
		snprintf(vm->err, sizeof(vm->err), "cannot decode the MMIO instruction at 0x%llx",
			 (unsigned long long)e->rip);
		return -1;
	}
	/* the decoder must agree with the engine (the hypervisor) */
	CHECK_EQ(insn.len, e->insn_len);
	CHECK_EQ(insn.write, e->access == X86_ACCESS_WRITE);
	vmm_mmio_emulate(&insn, e->mem.gpa, vm->cpu.gpr, &vm->cpu.rip, dev_mmio, vm);
	return 0;
}

static const char *const reason_name[NR_REASONS] = {
	"NONE", "IO", "MEMORY", "HLT", "CPUID", "MSR", "EXCEPTION",
	"TRIPLE_FAULT", "BUDGET", "CANCELLED", "IRQ_WINDOW",
};

/*
 * Run from reset to the guest's final HLT (interrupts off).  Returns 0, or
 * -1 with vm->err set.
 */
static int vm_run(struct vm *vm)
{
	enum x86_exit_reason r;

	vm->busy_left = vm->lsr_busy;
	for (;;) {
		vm->env.irq_window_exit = vm->irq_eager && irq_deliverable(vm);
		r = x86_run(&vm->cpu, &vm->env, &vm->exit, 100000);
		vm->exits[r]++;
		if (verbose)
			printf("  exit %-6s rip 0x%llx\n", reason_name[r],
			       (unsigned long long)vm->exit.rip);
		switch (r) {
		case X86_EXIT_IO:
			if (handle_io(vm))
				return -1;
			break;
		case X86_EXIT_MEMORY:
			if (handle_mmio(vm))
				return -1;
			break;
		case X86_EXIT_HLT:
			if (!(vm->cpu.rflags & X86_FLAGS_IF))
				return 0;	/* nothing can wake it: done */
			/* Waiting for an interrupt. */
			vm->idle_halts++;
			if (vm->exit.rip != GUEST_SYM_vdev_hlt)
				vm->idle_halt_elsewhere++;
			if (!irq_deliverable(vm)) {
				snprintf(vm->err, sizeof(vm->err),
					 "guest waits at 0x%llx for an interrupt that never comes",
					 (unsigned long long)vm->exit.rip);
				return -1;
			}
			if (deliver_irq(vm))
				return -1;
			break;
		case X86_EXIT_IRQ_WINDOW:
			if (deliver_irq(vm))
				return -1;
			break;
		case X86_EXIT_BUDGET:
			if (++vm->budget_exits > 10) {
				snprintf(vm->err, sizeof(vm->err), "guest runs away (rip 0x%llx)",
					 (unsigned long long)vm->cpu.rip);
				return -1;
			}
			break;
		default:
			snprintf(vm->err, sizeof(vm->err), "unexpected exit %s at 0x%llx",
				 reason_name[r], (unsigned long long)vm->exit.rip);
			return -1;
		}
	}
}

static u64 ram_get64(const struct vm *vm, u64 gpa)
{
	u64 v;

	memcpy(&v, vm->ram + gpa, 8);
	return v;
}

static void print_stats(const struct vm *vm)
{
	printf("exits: IO %lu (IN %lu, OUT %lu), ",
	       vm->exits[X86_EXIT_IO], vm->pio_in, vm->pio_out);
	printf("MEMORY %lu (device read %lu, write %lu; notify %lu; APIC SVR %lu, EOI %lu), ",
	       vm->exits[X86_EXIT_MEMORY], vm->mmio_read, vm->mmio_write,
	       vm->notifies - vm->doorbells, vm->svr_writes, vm->eois);
	printf("HLT %lu (%lu waiting)\n", vm->exits[X86_EXIT_HLT], vm->idle_halts);
	printf("virtio-style device: %lu notifies, %lu interrupts delivered\n",
	       vm->notifies, vm->irqs);
	printf("instructions retired: %llu\n", (unsigned long long)vm->cpu.retired);
}

/* The device side after a complete run: every request answered and ended. */
static void check_vdev(const struct vm *vm)
{
	CHECK_EQ(vm->notifies, NR_REQ);
	CHECK_EQ(vm->irqs, NR_REQ);
	CHECK_EQ(vm->eois, vm->irqs);
	CHECK_EQ(vm->vdev_bad, 0);
	CHECK_EQ(vm->irqs_dropped, 0);
	CHECK_EQ(vm->apic_svr, GUEST_APIC_SVR_VALUE);
	CHECK_EQ(vm->svr_writes, 1);
	CHECK_EQ(vm->idle_halt_elsewhere, 0);
	CHECK(!vm->irq_pending && !vm->irq_in_service);
	CHECK_EQ(ram_get32(vm, GUEST_VDEV_SHARED_GPA + GUEST_VDEV_IRQ_COUNT), vm->irqs);
	CHECK_EQ(ram_get32(vm, GUEST_VDEV_SHARED_GPA + GUEST_VDEV_REQ), NR_REQ);
}

/* ---- the guest itself ---- */

static void test_image(void)
{
	printf("test: image layout\n");
	CHECK_EQ(GUEST_SYM_reset_vector, GUEST_RESET_GPA);
	CHECK_EQ((u64)GUEST_RESET_CS_BASE + GUEST_RESET_RIP, GUEST_RESET_GPA);
	CHECK_EQ((u64)GUEST_IMAGE_GPA + GUEST_IMAGE_SIZE, 0x100000000ull);
	/* a JMP (E9 rel16 or EB rel8) at the reset vector */
	CHECK(guest_image[GUEST_RESET_GPA - GUEST_IMAGE_GPA] == 0xe9 ||
	      guest_image[GUEST_RESET_GPA - GUEST_IMAGE_GPA] == 0xeb);
	CHECK(GUEST_SYM_real_start >= GUEST_IMAGE_GPA && GUEST_SYM_real_start < GUEST_RESET_GPA);
}

static void test_boot(void)
{
	struct vm *vm = vm_create();
	size_t n = strlen(expected_output);
	u64 gate;
	int rc;

	printf("test: boot from reset to HLT\n");
	rc = vm_run(vm);
	check(rc == 0, "run", __LINE__, "%s", vm->err);
	vm->out[vm->out_len] = 0;
	printf("--- guest output ---\n%s--- end of guest output ---\n", vm->out);
	print_stats(vm);

	check(!strcmp(vm->out, expected_output), "exact output", __LINE__, NULL);
	/* one LSR poll and one THR write per byte (the UART is always ready) */
	CHECK_EQ(vm->pio_in, n);
	CHECK_EQ(vm->pio_out, n);
	CHECK_EQ(vm->uart.tx_count, n);
	CHECK_EQ(vm->exits[X86_EXIT_IO], 2 * n);
	/* MMIO: SCRATCH write and read, ID read, APIC SVR; a notify and an EOI per request */
	CHECK_EQ(vm->exits[X86_EXIT_MEMORY], 4 + 2 * NR_REQ);
	CHECK_EQ(vm->mmio_write, 1);
	CHECK_EQ(vm->mmio_read, 2);
	CHECK_EQ(vm->dev.scratch, SCRATCH_MAGIC);
	CHECK_EQ(vm->dev.bad, 0);
	/* the device answers at once: the guest waits in HLT for each interrupt */
	CHECK_EQ(vm->exits[X86_EXIT_HLT], 1 + NR_REQ);
	CHECK_EQ(vm->idle_halts, NR_REQ);
	for (int r = 0; r < NR_REASONS; r++)
		if (r != X86_EXIT_IO && r != X86_EXIT_MEMORY && r != X86_EXIT_HLT)
			CHECK_EQ(vm->exits[r], 0);
	CHECK_EQ(vm->rom_writes, 0);
	check_vdev(vm);
	CHECK_EQ(ram_get32(vm, GUEST_VDEV_SHARED_GPA + GUEST_VDEV_RESP), ~(u32)NR_REQ);

	/* HLT: exit.rip at the HLT, RIP past it, halted */
	CHECK_EQ(vm->exit.rip, GUEST_SYM_halt_loop);
	CHECK_EQ(vm->cpu.rip, GUEST_SYM_halt_loop + 1);
	CHECK(vm->cpu.halted);
	CHECK_EQ(vm->cpu.rflags & X86_FLAGS_IF, 0);

	/* the mode each line was printed in */
	CHECK_EQ(vm->lines, 7);
	/* line 1: real mode, still the reset CS */
	CHECK_EQ(vm->line[0].cr0 & X86_CR0_PE, 0);
	CHECK_EQ(vm->line[0].cs_sel, GUEST_RESET_CS_SEL);
	/* line 2: 32-bit protected mode, no paging, flat code32 */
	CHECK_EQ(vm->line[1].cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE);
	CHECK_EQ(vm->line[1].efer & X86_EFER_LMA, 0);
	CHECK_EQ(vm->line[1].cs_sel, GUEST_CODE32_SEL);
	CHECK_EQ(vm->line[1].cs_attr & (X86_SEG_DB | X86_SEG_L), X86_SEG_DB);
	/* lines 3-7: 64-bit mode */
	for (int i = 2; i < 7; i++) {
		CHECK_EQ(vm->line[i].cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE | X86_CR0_PG);
		CHECK_EQ(vm->line[i].efer & (X86_EFER_LME | X86_EFER_LMA),
			 X86_EFER_LME | X86_EFER_LMA);
		CHECK_EQ(vm->line[i].cs_sel, GUEST_CODE64_SEL);
		CHECK_EQ(vm->line[i].cs_attr & (X86_SEG_DB | X86_SEG_L), X86_SEG_L);
	}
	CHECK_EQ(x86_execution_state(&vm->cpu), (1 << 2) | (1 << 4));	/* PE, LMA, CPL 0 */

	/* final paging state and the page tables the guest built */
	CHECK_EQ(vm->cpu.cr3, GUEST_PML4_GPA);
	CHECK(vm->cpu.cr4 & X86_CR4_PAE);
	CHECK_EQ(vm->cpu.cr0 & (X86_CR0_CD | X86_CR0_NW), 0);
	CHECK_EQ(vm->cpu.gdtr.base, GUEST_SYM_gdt);	/* in the image */
	CHECK_EQ(vm->cpu.gdtr.limit, 4 * 8 - 1);
	/* ignore the accessed/dirty bits (0x60) the walks set */
	CHECK_EQ(ram_get64(vm, GUEST_PML4_GPA) & ~0x60ull, GUEST_PDPT_GPA | 3);
	CHECK_EQ(ram_get64(vm, GUEST_PDPT_GPA) & ~0x60ull, GUEST_PD_LOW_GPA | 3);
	CHECK_EQ(ram_get64(vm, GUEST_PDPT_GPA + 24) & ~0x60ull, GUEST_PD_HIGH_GPA | 3);
	CHECK_EQ(ram_get64(vm, GUEST_PD_LOW_GPA) & ~0x60ull, 0x83);
	CHECK_EQ(ram_get64(vm, GUEST_PD_LOW_GPA + 8) & ~0x60ull, 0x200083);
	CHECK_EQ(ram_get64(vm, GUEST_PD_HIGH_GPA + 128 * 8) & ~0x60ull, GUEST_MMIO_GPA | 0x9b);
	CHECK_EQ(ram_get64(vm, GUEST_PD_HIGH_GPA + 503 * 8) & ~0x60ull, GUEST_APIC_GPA | 0x9b);
	CHECK_EQ(ram_get64(vm, GUEST_PD_HIGH_GPA + 511 * 8) & ~0x60ull, 0xffe00081);

	/* the IDT: one 64-bit interrupt gate, to vdev_irq */
	CHECK_EQ(vm->cpu.idtr.base, GUEST_IDT_GPA);
	CHECK_EQ(vm->cpu.idtr.limit, GUEST_IDT_LIMIT);
	gate = ram_get64(vm, GUEST_IDT_GPA + GUEST_VDEV_VECTOR * 16);
	CHECK_EQ((gate & 0xffff) | ((gate >> 32) & 0xffff0000), GUEST_SYM_vdev_irq);
	CHECK_EQ((gate >> 16) & 0xffff, GUEST_CODE64_SEL);
	CHECK_EQ((gate >> 32) & 0xffff, 0x8e00);
	CHECK_EQ(ram_get64(vm, GUEST_IDT_GPA + GUEST_VDEV_VECTOR * 16 + 8), 0);
	CHECK_EQ(ram_get64(vm, GUEST_IDT_GPA + (GUEST_VDEV_VECTOR - 1) * 16), 0);

	/* a halted VP stays halted */
	CHECK_EQ(x86_run(&vm->cpu, &vm->env, &vm->exit, 1000), X86_EXIT_HLT);
	vm_destroy(vm);
}

static void test_busy_uart(void)
{
	struct vm *vm = vm_create();
	size_t n = strlen(expected_output);

	printf("test: UART busy for 3 polls before each byte\n");
	vm->lsr_busy = 3;
	check(vm_run(vm) == 0, "run", __LINE__, "%s", vm->err);
	vm->out[vm->out_len] = 0;
	check(!strcmp(vm->out, expected_output), "exact output", __LINE__, NULL);
	CHECK_EQ(vm->pio_in, 4 * n);
	CHECK_EQ(vm->pio_out, n);
	CHECK_EQ(vm->exits[X86_EXIT_MEMORY], 4 + 2 * NR_REQ);
	vm_destroy(vm);
}

static void test_variant(const char *name, u32 id, bool drop, const char *line4,
			 const char *line5)
{
	struct vm *vm = vm_create();
	char want[512];

	printf("test: %s\n", name);
	vm->dev.id = id;
	vm->dev_drops_writes = drop;
	snprintf(want, sizeof(want),
		 "Hello from the guest (real mode)\n"
		 "Hello from the guest (protected mode)\n"
		 "Hello from the guest (long mode)\n"
		 "%s%s" VDEV_LINE(STR(GUEST_VDEV_REQUESTS)) "Guest halting\n", line4, line5);
	check(vm_run(vm) == 0, "run", __LINE__, "%s", vm->err);
	vm->out[vm->out_len] = 0;
	check(!strcmp(vm->out, want), "exact output", __LINE__, "got:\n%s", vm->out);
	CHECK_EQ(vm->exits[X86_EXIT_MEMORY], 4 + 2 * NR_REQ);
	CHECK_EQ(vm->exits[X86_EXIT_HLT], 1 + NR_REQ);
	vm_destroy(vm);
}

/* Variants of the virtio-style device and of interrupt delivery. */
static void test_vdev_eager(void)
{
	struct vm *vm = vm_create();

	printf("test: interrupt delivered as soon as IF=1 (before the guest waits)\n");
	vm->irq_eager = true;
	check(vm_run(vm) == 0, "run", __LINE__, "%s", vm->err);
	vm->out[vm->out_len] = 0;
	check(!strcmp(vm->out, expected_output), "exact output", __LINE__, "got:\n%s", vm->out);
	CHECK_EQ(vm->idle_halts, 0);
	CHECK_EQ(vm->exits[X86_EXIT_IRQ_WINDOW], NR_REQ);
	CHECK_EQ(vm->exits[X86_EXIT_HLT], 1);
	check_vdev(vm);
	vm_destroy(vm);
}

static void test_vdev_doorbell(void)
{
	struct vm *vm = vm_create();

	printf("test: notify writes taken without an exit (doorbell)\n");
	vm->doorbell = true;
	check(vm_run(vm) == 0, "run", __LINE__, "%s", vm->err);
	vm->out[vm->out_len] = 0;
	check(!strcmp(vm->out, expected_output), "exact output", __LINE__, "got:\n%s", vm->out);
	CHECK_EQ(vm->doorbells, NR_REQ);
	CHECK_EQ(vm->exits[X86_EXIT_MEMORY], 4 + NR_REQ);	/* SVR, EOIs still exit */
	CHECK_EQ(vm->idle_halts, NR_REQ);
	check_vdev(vm);
	vm_destroy(vm);
}

static void test_vdev_wrong(void)
{
	struct vm *vm = vm_create();
	char want[512];

	printf("test: the device answers wrongly\n");
	vm->vdev_wrong = true;
	snprintf(want, sizeof(want), "%s", expected_output);
	*strstr(want, VDEV_LINE(STR(GUEST_VDEV_REQUESTS))) = 0;
	strcat(want, VDEV_LINE("0") "Guest halting\n");
	check(vm_run(vm) == 0, "run", __LINE__, "%s", vm->err);
	vm->out[vm->out_len] = 0;
	check(!strcmp(vm->out, want), "exact output", __LINE__, "got:\n%s", vm->out);
	check_vdev(vm);
	vm_destroy(vm);
}

static void test_vdev_mute(void)
{
	struct vm *vm = vm_create();

	printf("test: the device never interrupts: the guest waits in HLT\n");
	vm->vdev_mute = true;
	CHECK(vm_run(vm) == -1);
	CHECK(strstr(vm->err, "never comes"));
	CHECK_EQ(vm->exit.rip, GUEST_SYM_vdev_hlt);
	CHECK(vm->cpu.halted && (vm->cpu.rflags & X86_FLAGS_IF));
	CHECK_EQ(vm->notifies, 1);
	CHECK_EQ(vm->irqs, 0);
	vm_destroy(vm);
}

/* ---- the helpers on their own ---- */

struct decode_case {
	const char *name;
	unsigned int bits, count;
	u8 bytes[15];
	int rc;
	unsigned int len, size, reg;
	bool write, has_imm, high8;
	u64 imm;
};

#define BYTES(...)	.bytes = { __VA_ARGS__ }, .count = sizeof((u8[]){ __VA_ARGS__ })
/* register <-> memory: name, mode, length, size, register, store?, AH-BH? */
#define MOVR(n, b, l, s, r, w, h, ...)					\
	{ .name = n, .bits = b, .len = l, .size = s, .reg = r, .write = w,	\
	  .high8 = h, BYTES(__VA_ARGS__) }
/* immediate -> memory */
#define MOVI(n, b, l, s, i, ...)						\
	{ .name = n, .bits = b, .len = l, .size = s, .write = true,		\
	  .has_imm = true, .imm = i, BYTES(__VA_ARGS__) }
#define BAD(n, b, ...)	{ .name = n, .bits = b, .rc = -1, BYTES(__VA_ARGS__) }

static const struct decode_case decode_cases[] = {
	MOVR("mov %rax,8(%rbx)", 64, 4, 8, 0, true, false, 0x48, 0x89, 0x43, 0x08),
	MOVR("mov 8(%rbx),%rdx", 64, 4, 8, 2, false, false, 0x48, 0x8b, 0x53, 0x08),
	MOVR("mov (%rbx),%eax", 64, 2, 4, 0, false, false, 0x8b, 0x03),
	MOVR("mov %ah,1(%rbx)", 64, 3, 1, 0, true, true, 0x88, 0x63, 0x01),
	MOVR("mov %spl,1(%rbx)", 64, 4, 1, 4, true, false, 0x40, 0x88, 0x63, 0x01),
	MOVR("mov %r8d,abs32 (SIB, no base)", 64, 8, 4, 8, true, false,
	     0x44, 0x89, 0x04, 0x25, 0, 0, 0, 0x10),
	MOVI("movw $0x1234,0x10(%rip)", 64, 9, 2, 0x1234,
	     0x66, 0xc7, 0x05, 0x10, 0, 0, 0, 0x34, 0x12),
	MOVI("movq $-1,0x100(%rbx)", 64, 11, 8, ~0ull,
	     0x48, 0xc7, 0x83, 0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff),
	MOVI("movb $0x5a,(%rax)", 64, 3, 1, 0x5a, 0xc6, 0x00, 0x5a),
	MOVR("mov (%eax),%eax", 64, 3, 4, 0, false, false, 0x67, 0x8b, 0x00),
	MOVR("mov %r9,(%r12,%r13,8)", 64, 4, 8, 9, true, false, 0x4f, 0x89, 0x0c, 0xec),
	MOVR("mov rel32(%rip),%cl", 64, 6, 1, 1, false, false,
	     0x8a, 0x0d, 0x78, 0x56, 0x34, 0x12),
	MOVR("fs: mov %eax,(%rbx) + trailing bytes", 64, 3, 4, 0, true, false,
	     0x64, 0x89, 0x03, 0x90, 0x90, 0x90),
	MOVR("mov abs32,%edx (32-bit)", 32, 6, 4, 2, false, false,
	     0x8b, 0x15, 0, 0, 0, 0xd0),
	MOVR("mov %bh,(%esi,%edi,2) (32-bit)", 32, 3, 1, 3, true, true, 0x88, 0x3c, 0x7e),
	MOVR("mov 2(%bx),%ax (16-bit)", 16, 3, 2, 0, false, false, 0x8b, 0x47, 0x02),
	MOVR("mov %esi,0x1234 (16-bit)", 16, 5, 4, 6, true, false,
	     0x66, 0x89, 0x36, 0x34, 0x12),
	MOVR("mov (%esp),%ax (16-bit, addr32)", 16, 4, 2, 0, false, false,
	     0x67, 0x8b, 0x04, 0x24),
	MOVI("movb $7,(%bp) (16-bit)", 16, 4, 1, 7, 0xc6, 0x46, 0x00, 0x07),
	/* refused */
	BAD("lock mov", 64, 0xf0, 0x89, 0x03),
	BAD("mov %eax,%ebx (no memory)", 64, 0x89, 0xc3),
	BAD("c7 /1", 64, 0xc7, 0x0b, 1, 2, 3, 4),
	BAD("movzbl (%rbx),%eax", 64, 0x0f, 0xb6, 0x03),
	BAD("truncated disp8", 64, 0x48, 0x89, 0x43),
	BAD("truncated imm32", 64, 0xc7, 0x00, 1, 2),
	BAD("prefix only", 64, 0x65),
	BAD("inc %eax is not REX in 32-bit", 32, 0x40, 0x89, 0x03),
	BAD("bad mode", 8, 0x8b, 0x03),
};

static void test_decode(void)
{
	printf("test: vmm_mmio_decode (%zu cases)\n", ARRAY_SIZE(decode_cases));
	for (size_t i = 0; i < ARRAY_SIZE(decode_cases); i++) {
		const struct decode_case *c = &decode_cases[i];
		struct vmm_mmio_insn insn;
		int rc = vmm_mmio_decode(c->bytes, c->count, c->bits, &insn);
		bool ok = rc == c->rc;

		if (ok && rc == 0)
			ok = insn.len == c->len && insn.size == c->size &&
			     insn.write == c->write && insn.has_imm == c->has_imm &&
			     insn.high8 == c->high8 &&
			     (c->has_imm ? insn.imm == c->imm : insn.reg == c->reg);
		check(ok, c->name, __LINE__,
		      "rc %d len %u size %u reg %u write %d imm %d/0x%llx high8 %d",
		      rc, rc ? 0 : insn.len, rc ? 0 : insn.size, rc ? 0 : insn.reg,
		      rc ? 0 : insn.write, rc ? 0 : insn.has_imm,
		      rc ? 0ull : (unsigned long long)insn.imm, rc ? 0 : insn.high8);
	}
}

static void test_emulate(void)
{
	struct vmm_demo_dev dev = { .base = 0x1000, .id = 0xaabbccdd, .scratch = 0 };
	struct vmm_mmio_insn insn;
	u64 gpr[16], rip = 0x100;

	printf("test: vmm_mmio_emulate and the demo device\n");
	for (int i = 0; i < 16; i++)
		gpr[i] = 0x1111111111111111ull * (i + 1);

	/* mov %ah,1(%rbx) -> SCRATCH byte 1... use offset 9 */
	vmm_mmio_decode((const u8[]){ 0x88, 0x63, 0x01 }, 3, 64, &insn);
	vmm_mmio_emulate(&insn, 0x1009, gpr, &rip, vmm_demo_dev_mmio, &dev);
	CHECK_EQ(dev.scratch, 0x1100);
	CHECK_EQ(rip, 0x103);
	/* movq $-1 into SCRATCH */
	vmm_mmio_decode((const u8[]){ 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff }, 7, 64, &insn);
	vmm_mmio_emulate(&insn, 0x1008, gpr, &rip, vmm_demo_dev_mmio, &dev);
	CHECK_EQ(dev.scratch, ~0ull);
	CHECK_EQ(rip, 0x10a);
	/* mov (%rbx),%eax from ID: zero-extends */
	vmm_mmio_decode((const u8[]){ 0x8b, 0x03 }, 2, 64, &insn);
	vmm_mmio_emulate(&insn, 0x1000, gpr, &rip, vmm_demo_dev_mmio, &dev);
	CHECK_EQ(gpr[0], 0xaabbccdd);
	/* 16-bit load of ID bytes 2-3 into %cx: merges */
	vmm_mmio_decode((const u8[]){ 0x66, 0x8b, 0x0b }, 3, 64, &insn);
	vmm_mmio_emulate(&insn, 0x1002, gpr, &rip, vmm_demo_dev_mmio, &dev);
	CHECK_EQ(gpr[1], 0x222222222222aabbull);
	/* byte load into %bh: only bits 15:8 change */
	vmm_mmio_decode((const u8[]){ 0x8a, 0x3b }, 2, 64, &insn);
	vmm_mmio_emulate(&insn, 0x1000, gpr, &rip, vmm_demo_dev_mmio, &dev);
	CHECK_EQ(gpr[3], 0x444444444444dd44ull);
	/* ID is read-only; unknown offsets read 0 and count as bad */
	vmm_mmio_decode((const u8[]){ 0x89, 0x03 }, 2, 64, &insn);
	vmm_mmio_emulate(&insn, 0x1000, gpr, &rip, vmm_demo_dev_mmio, &dev);
	CHECK_EQ(dev.id, 0xaabbccdd);
	vmm_mmio_decode((const u8[]){ 0x48, 0x8b, 0x13 }, 3, 64, &insn);
	vmm_mmio_emulate(&insn, 0x1004, gpr, &rip, vmm_demo_dev_mmio, &dev);
	CHECK_EQ(gpr[2], 0);
	CHECK_EQ(dev.bad, 1);
	CHECK_EQ(dev.reads, 4);
	CHECK_EQ(dev.writes, 3);
}

static void uart_sink(void *ctx, u8 c)
{
	*(u8 *)ctx = c;
}

static void test_pio(void)
{
	u8 last = 0;
	struct vmm_uart u = { .base = 0x3f8, .putc = uart_sink, .ctx = &last };
	u32 d;

	printf("test: vmm_uart_pio and vmm_pio_in_rax\n");
	CHECK_EQ(vmm_pio_in_rax(0x1122334455667788ull, 1, 0xab), 0x11223344556677abull);
	CHECK_EQ(vmm_pio_in_rax(0x1122334455667788ull, 2, 0xabcd), 0x112233445566abcdull);
	CHECK_EQ(vmm_pio_in_rax(0x1122334455667788ull, 4, 0xabcdef01), 0xabcdef01ull);

	d = 0;
	CHECK(vmm_uart_pio(&u, 0x3fd, 1, true, &d));
	CHECK_EQ(d, VMM_UART_LSR_THRE | VMM_UART_LSR_TEMT);
	d = 'x';
	CHECK(vmm_uart_pio(&u, 0x3f8, 1, false, &d));
	CHECK_EQ(last, 'x');
	CHECK_EQ(u.tx_count, 1);
	/* DLAB: port 0 is the divisor latch, not the transmitter */
	d = 0x83;
	vmm_uart_pio(&u, 0x3fb, 1, false, &d);
	d = 0x01;
	vmm_uart_pio(&u, 0x3f8, 1, false, &d);
	CHECK_EQ(u.tx_count, 1);
	CHECK_EQ(u.dll, 1);
	d = 0x03;
	vmm_uart_pio(&u, 0x3fb, 1, false, &d);
	d = 0x5a;
	vmm_uart_pio(&u, 0x3ff, 1, false, &d);
	d = 0;
	vmm_uart_pio(&u, 0x3ff, 1, true, &d);
	CHECK_EQ(d, 0x5a);
	vmm_uart_pio(&u, 0x3fa, 1, true, &d);
	CHECK_EQ(d, 1);		/* IIR: no interrupt pending */
	CHECK(!vmm_uart_pio(&u, 0x2f8, 1, true, &d));
	CHECK(!vmm_uart_pio(&u, 0x400, 1, true, &d));
	CHECK(vmm_uart_pio(&u, 0x3f8, 2, true, &d));
	CHECK_EQ(d, 0xffff);
	CHECK_EQ(vmm_code_bits(0xa09b, true), 64);	/* L */
	CHECK_EQ(vmm_code_bits(0xc09b, true), 32);	/* compatibility mode */
	CHECK_EQ(vmm_code_bits(0x009b, false), 16);
	CHECK_EQ(vmm_code_bits(0xa09b, false), 16);	/* L ignored without LMA */
}

int main(int argc, char **argv)
{
	verbose = argc > 1 && !strcmp(argv[1], "-v");
	test_image();
	test_boot();
	test_busy_uart();
	test_variant("device returns a wrong ID", 0x12345678, false,
		     "MMIO: scratch register read back OK\n", "MMIO: device ID WRONG\n");
	test_variant("device drops SCRATCH writes", GUEST_DEV_ID, true,
		     "MMIO: scratch register read back WRONG\n", "MMIO: device ID OK\n");
	test_vdev_eager();
	test_vdev_doorbell();
	test_vdev_wrong();
	test_vdev_mute();
	test_decode();
	test_emulate();
	test_pio();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
