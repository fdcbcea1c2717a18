/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The demo guest: boots from the x86 reset vector in real mode, switches
 * to 32-bit protected mode and then to 64-bit long mode, printing a line
 * in each mode through the COM1 serial port, exercises the demo MMIO
 * device, drives the virtio-style device (requests through its notify
 * register, completions as interrupts) and halts.  It is linked to run from a 4 KiB "ROM" at the top of
 * the 4 GiB space (see guest_layout.h for the memory map and guest.lds).
 *
 * Only instructions the hvsim x86 engine implements are used
 * (Documentation/virt/mshv/x86-engine.rst): no FPU/SSE, no string I/O.
 * Comments use C syntax because the file goes through the C preprocessor.
 */
#include "guest_layout.h"

#define CR0_PE		0x00000001
#define CR0_NW		0x20000000
#define CR0_CD		0x40000000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xC0000080
#define EFER_LME	0x00000100

/* Page-table entry bits. */
#define PTE_P		0x001
#define PTE_RW		0x002
#define PTE_PWT		0x008
#define PTE_PCD		0x010
#define PTE_PS		0x080	/* 2 MiB page in a PD entry */

/* Index of the 2 MiB entry mapping @gpa in the PD covering its GiB. */
#define PD_INDEX(gpa)	(((gpa) >> 21) & 511)

/*
 * Real-mode code runs with the reset CS (selector 0xF000, base
 * 0xFFFF0000) for as long as only near jumps are used, so a label's
 * offset within CS is its address minus 0xFFFF0000.  Written as a
 * difference of two labels of this section, the assembler resolves it
 * without a (16-bit, unrepresentable) relocation.
 */
#define CS16(label)	((label) - rom_start + (GUEST_IMAGE_GPA - GUEST_RESET_CS_BASE))

	.text
rom_start:

/* ---------------------------------------------------------------- */
	.code16
	.globl real_start
real_start:
	/* No interrupts: there is no IVT/IDT the guest would trust. */
	cli
	cld
	/* Flat real-mode data segments and a stack in low RAM. */
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$GUEST_STACK_TOP, %sp

	mov	$CS16(msg_real), %si
	call	print16

	/*
	 * Load the GDT.  The 32-bit operand size (lgdtl) makes the CPU take
	 * all 32 bits of the base, which lies above 16 MiB.
	 */
	lgdtl	%cs:CS16(gdt_desc)

	/* Protection on; also clear CD/NW (reset value) as firmware does. */
	mov	%cr0, %eax
	and	$~(CR0_CD | CR0_NW), %eax
	or	$CR0_PE, %eax
	mov	%eax, %cr0
	/*
	 * A far jump loads CS from the GDT (flat 32-bit code); its 32-bit
	 * offset (66 EA) reaches the image above 4 GiB - 64 KiB.
	 */
	ljmpl	$GUEST_CODE32_SEL, $pm_start

/* Print the NUL-terminated string at CS:SI.  Clobbers AX, DX, SI. */
print16:
1:	lodsb	%cs:(%si), %al
	test	%al, %al
	jz	2f
	call	putc16
	jmp	1b
2:	ret

/* Send AL to COM1 once the transmitter is ready.  Clobbers AX, DX. */
putc16:
	mov	%al, %ah
	mov	$GUEST_COM1_LSR, %dx
1:	in	%dx, %al
	test	$GUEST_LSR_THRE, %al
	jz	1b
	mov	$GUEST_COM1_THR, %dx
	mov	%ah, %al
	out	%al, %dx
	ret

/* ---------------------------------------------------------------- */
	.code32
	.globl pm_start
pm_start:
	/* Flat data segments, same stack. */
	mov	$GUEST_DATA_SEL, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	$GUEST_STACK_TOP, %esp

	mov	$msg_pm, %esi
	call	print32

	/*
	 * 4-level page tables in RAM, identity mapping with 2 MiB pages:
	 *   0 - 4 MiB      RAM (page tables, IDT, shared page, stack)
	 *   0xD0000000     the device pages (uncached: PCD|PWT): the MMIO
	 *                  device and the virtio-style device's notify page
	 *   0xFEE00000     the local APIC (uncached)
	 *   0xFFE00000     the 2 MiB holding the image, so that the 64-bit
	 *                  code keeps executing where it is (read-only)
	 * Start from zeroed pages (the tables, the IDT and the shared page):
	 * every entry not set is not present.
	 */
	mov	$GUEST_PML4_GPA, %edi
	mov	$((GUEST_VDEV_SHARED_GPA + 4096 - GUEST_PML4_GPA) / 4), %ecx
	xor	%eax, %eax
	rep stosl
	/* Entries are 64-bit; their high halves stay 0 (all below 4 GiB). */
	movl	$(GUEST_PDPT_GPA | PTE_P | PTE_RW), GUEST_PML4_GPA
	movl	$(GUEST_PD_LOW_GPA | PTE_P | PTE_RW), GUEST_PDPT_GPA + 0 * 8
	movl	$(GUEST_PD_HIGH_GPA | PTE_P | PTE_RW), GUEST_PDPT_GPA + 3 * 8
	movl	$(0x000000 | PTE_P | PTE_RW | PTE_PS), GUEST_PD_LOW_GPA + 0 * 8
	movl	$(0x200000 | PTE_P | PTE_RW | PTE_PS), GUEST_PD_LOW_GPA + 1 * 8
	movl	$(GUEST_MMIO_GPA | PTE_P | PTE_RW | PTE_PCD | PTE_PWT | PTE_PS), \
		GUEST_PD_HIGH_GPA + PD_INDEX(GUEST_MMIO_GPA) * 8
	movl	$(GUEST_APIC_GPA | PTE_P | PTE_RW | PTE_PCD | PTE_PWT | PTE_PS), \
		GUEST_PD_HIGH_GPA + PD_INDEX(GUEST_APIC_GPA) * 8
	movl	$((GUEST_IMAGE_GPA & ~0x1FFFFF) | PTE_P | PTE_PS), \
		GUEST_PD_HIGH_GPA + PD_INDEX(GUEST_IMAGE_GPA) * 8

	/* Long mode: CR3, then PAE, then EFER.LME, then paging (-> LMA). */
	mov	$GUEST_PML4_GPA, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$CR0_PG, %eax
	mov	%eax, %cr0
	/* Now in compatibility mode; load the 64-bit code segment. */
	ljmp	$GUEST_CODE64_SEL, $lm_start

/* Print the NUL-terminated string at ESI.  Clobbers EAX, EDX, ESI. */
print32:
1:	lodsb
	test	%al, %al
	jz	2f
	mov	%al, %ah
	mov	$GUEST_COM1_LSR, %dx
3:	in	%dx, %al
	test	$GUEST_LSR_THRE, %al
	jz	3b
	mov	$GUEST_COM1_THR, %dx
	mov	%ah, %al
	out	%al, %dx
	jmp	1b
2:	ret

/* ---------------------------------------------------------------- */
	.code64
	.globl lm_start
lm_start:
	mov	$GUEST_STACK_TOP, %esp	/* zero-extends into RSP */

	lea	msg_lm(%rip), %rsi
	call	print64

	/*
	 * The MMIO device.  Every access below is an unmapped-GPA exit the
	 * VMM emulates; only plain MOVs between a register and memory are
	 * used, the forms the VMM's small decoder handles.
	 */
	mov	$GUEST_MMIO_GPA, %ebx		/* zero-extends into RBX */
	mov	$GUEST_SCRATCH_MAGIC_HI, %eax
	shl	$32, %rax
	or	$GUEST_SCRATCH_MAGIC_LO, %rax	/* sign-extended imm32, positive */
	mov	%rax, GUEST_DEV_SCRATCH_REG(%rbx)	/* 64-bit MMIO write */
	mov	GUEST_DEV_SCRATCH_REG(%rbx), %rdx	/* 64-bit MMIO read */
	lea	msg_scratch_ok(%rip), %rsi
	cmp	%rax, %rdx
	je	1f
	lea	msg_scratch_bad(%rip), %rsi
1:	call	print64

	mov	GUEST_DEV_ID_REG(%rbx), %eax	/* 32-bit MMIO read */
	lea	msg_id_ok(%rip), %rsi
	cmp	$GUEST_DEV_ID, %eax
	je	1f
	lea	msg_id_bad(%rip), %rsi
1:	call	print64

	/*
	 * The virtio-style device.  Its completion interrupt arrives through
	 * the IDT: one 64-bit interrupt gate, for GUEST_VDEV_VECTOR.
	 */
	mov	$(GUEST_IDT_GPA + GUEST_VDEV_VECTOR * 16), %edi
	lea	vdev_irq(%rip), %rax
	mov	%ax, (%rdi)			/* offset 15:0 */
	movw	$GUEST_CODE64_SEL, 2(%rdi)	/* selector */
	movw	$0x8E00, 4(%rdi)		/* P, DPL 0, interrupt gate; IST 0 */
	shr	$16, %rax
	mov	%ax, 6(%rdi)			/* offset 31:16 */
	shr	$16, %rax
	mov	%eax, 8(%rdi)			/* offset 63:32; 12-15 stay 0 */
	lidt	idt_desc(%rip)
	/* Software-enable the local APIC: a disabled one drops the interrupt. */
	mov	$GUEST_APIC_GPA, %eax
	movl	$GUEST_APIC_SVR_VALUE, GUEST_APIC_SVR_REG(%rax)

	/*
	 * GUEST_VDEV_REQUESTS requests, one at a time: REQ in the shared
	 * page, then the notify write.  The notify page is an ioeventfd: the
	 * write completes without an exit and wakes the VMM's device thread,
	 * which answers in RESP and signals an irqfd, which the hypervisor
	 * delivers as an interrupt.  R12: requests sent, R13: good replies.
	 */
	mov	$GUEST_VDEV_SHARED_GPA, %ebp
	mov	$GUEST_VDEV_NOTIFY_GPA, %ebx
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	sti
vdev_next:
	inc	%r12d
	mov	%r12d, GUEST_VDEV_REQ(%rbp)
	mov	%r12d, (%rbx)			/* notify: a 32-bit write */
	/*
	 * Wait for the interrupt of this request.  Test with interrupts
	 * off; STI's one-instruction shadow keeps an interrupt that arrives
	 * in between pending until HLT has started, so it wakes the HLT
	 * instead of being lost before it.
	 */
	.globl vdev_wait
vdev_wait:
	cli
	cmp	%r12d, GUEST_VDEV_IRQ_COUNT(%rbp)
	jae	1f
	sti
	.globl vdev_hlt
vdev_hlt:
	hlt
	jmp	vdev_wait
1:	sti
	mov	GUEST_VDEV_RESP(%rbp), %eax
	not	%eax
	cmp	%r12d, %eax
	jne	2f
	inc	%r13d
2:	cmp	$GUEST_VDEV_REQUESTS, %r12d
	jb	vdev_next
	cli

	/* "Virtio-style device: N requests, N interrupts, N replies OK" */
	lea	msg_vdev(%rip), %rsi
	call	print64
	mov	%r12d, %eax
	call	print_u32
	lea	msg_vdev_requests(%rip), %rsi
	call	print64
	mov	GUEST_VDEV_IRQ_COUNT(%rbp), %eax
	call	print_u32
	lea	msg_vdev_irqs(%rip), %rsi
	call	print64
	mov	%r13d, %eax
	call	print_u32
	lea	msg_vdev_replies(%rip), %rsi
	call	print64

	lea	msg_halt(%rip), %rsi
	call	print64

	/* Done: halt with interrupts off; loop in case something wakes us. */
	.globl halt_loop
halt_loop:
	hlt
	jmp	halt_loop

/* Print the NUL-terminated string at RSI.  Clobbers RAX, RDX, RSI. */
print64:
1:	lodsb
	test	%al, %al
	jz	2f
	mov	%al, %ah
	mov	$GUEST_COM1_LSR, %dx
3:	in	%dx, %al
	test	$GUEST_LSR_THRE, %al
	jz	3b
	mov	$GUEST_COM1_THR, %dx
	mov	%ah, %al
	out	%al, %dx
	jmp	1b
2:	ret

/* Print EAX in decimal.  Clobbers RAX, RCX, RDX, RSI. */
print_u32:
	sub	$16, %rsp			/* up to 10 digits and a NUL */
	lea	15(%rsp), %rsi
	movb	$0, (%rsi)
	mov	$10, %ecx
1:	xor	%edx, %edx
	div	%ecx
	add	$'0', %dl
	dec	%rsi
	mov	%dl, (%rsi)
	test	%eax, %eax
	jnz	1b
	call	print64
	add	$16, %rsp
	ret

/*
 * The virtio-style device's completion interrupt: count it in the shared
 * page and end it at the local APIC (a write to its EOI register, which
 * the hypervisor handles).  Edge triggered: nothing to acknowledge at the
 * device.
 */
	.globl vdev_irq
vdev_irq:
	push	%rax
	incl	GUEST_VDEV_SHARED_GPA + GUEST_VDEV_IRQ_COUNT
	mov	$(GUEST_APIC_GPA + GUEST_APIC_EOI_REG), %eax
	movl	$0, (%rax)
	pop	%rax
	iretq

/* ---------------------------------------------------------------- */
/*
 * GDT: flat 4 GiB code32/data, and a 64-bit code segment.  The accessed
 * bit is preset (type 0x9B/0x93) so that loading a selector never makes
 * the CPU write the descriptor back into the read-only image.
 */
	.balign 8
	.globl gdt
gdt:
	.quad	0				/* null */
	.quad	0x00CF9B000000FFFF		/* 0x08 code32: G, D, P, ER */
	.quad	0x00CF93000000FFFF		/* 0x10 data: G, B, P, RW */
	.quad	0x00AF9B000000FFFF		/* 0x18 code64: G, L, P, ER */
gdt_end:

gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

/* LIDT operand in 64-bit mode: limit, 64-bit base. */
idt_desc:
	.word	GUEST_IDT_LIMIT
	.quad	GUEST_IDT_GPA

msg_real:	.asciz	"Hello from the guest (real mode)\n"
msg_pm:		.asciz	"Hello from the guest (protected mode)\n"
msg_lm:		.asciz	"Hello from the guest (long mode)\n"
msg_scratch_ok:	.asciz	"MMIO: scratch register read back OK\n"
msg_scratch_bad: .asciz	"MMIO: scratch register read back WRONG\n"
msg_id_ok:	.asciz	"MMIO: device ID OK\n"
msg_id_bad:	.asciz	"MMIO: device ID WRONG\n"
msg_vdev:	.asciz	"Virtio-style device: "
msg_vdev_requests: .asciz " requests, "
msg_vdev_irqs:	.asciz	" interrupts, "
msg_vdev_replies: .asciz " replies OK\n"
msg_halt:	.asciz	"Guest halting\n"

/* ---------------------------------------------------------------- */
/*
 * The reset vector: the first instruction fetch after reset is at
 * CS.base + IP = 0xFFFF0000 + 0xFFF0 = the last 16 bytes of the image.
 */
	.org	GUEST_RESET_GPA - GUEST_IMAGE_GPA
	.code16
	.globl reset_vector
reset_vector:
	jmp	real_start
	.org	GUEST_IMAGE_SIZE, 0xF4		/* pad with HLT */
