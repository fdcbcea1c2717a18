/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory map and device constants shared by the demo guest (guest.S, run
 * through the C preprocessor) and the C code that hosts it (the demo VMM
 * and the userspace check).  Only plain #defines of integer constants so
 * that both languages can use them; the build copies this file into the
 * generated guest_image.h, which is therefore self-contained.
 *
 * Guest-physical memory map:
 *
 *   0x00000000 - 0x001FFFFF  RAM, 2 MiB (read/write/execute).  The guest
 *                            only touches 0x1000-0x7FFF: page tables at
 *                            0x1000-0x4FFF, the IDT at 0x5000, the page it
 *                            shares with the virtio-style device at 0x6000,
 *                            stack below 0x8000.
 *   0xD0000000 - 0xD0000FFF  the demo MMIO device: NOT mapped, every access
 *                            is an UNMAPPED_GPA intercept the VMM emulates.
 *   0xD0001000 - 0xD0001FFF  the virtio-style device's notify register: NOT
 *                            mapped; the VMM makes it an ioeventfd, so the
 *                            guest's writes signal an eventfd without an
 *                            exit.
 *   0xFEE00000 - 0xFEE00FFF  the local APIC (xAPIC page), provided by the
 *                            hypervisor: the guest writes SVR and EOI.
 *   0xFFFFF000 - 0xFFFFFFFF  the guest image ("ROM", 4 KiB, read+execute;
 *                            the guest never writes it).  The architectural
 *                            reset vector CS.base 0xFFFF0000 + RIP 0xFFF0 =
 *                            GPA 0xFFFFFFF0 lies in its last 16 bytes.
 *
 * I/O ports: COM1 at 0x3F8 (THR, byte OUT) and 0x3FD (LSR, byte IN).
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/*
 * Addresses and sizes are 64-bit in C (GUEST_IMAGE_GPA + GUEST_IMAGE_SIZE
 * is 4 GiB, which would wrap to 0 in 32-bit unsigned arithmetic); the
 * assembler takes the bare number.
 */
#ifdef __ASSEMBLER__
#define GUEST_U64(x)	x
#else
#define GUEST_U64(x)	x##ULL
#endif

/* RAM at GPA 0; the guest needs the first 32 KiB, 2 MiB is recommended. */
#define GUEST_RAM_GPA		GUEST_U64(0x0)
#define GUEST_RAM_SIZE		GUEST_U64(0x200000)
#define GUEST_RAM_MIN		GUEST_U64(0x8000)

/* The image: 4 KiB at the top of the 4 GiB space, ending at 4 GiB. */
#define GUEST_IMAGE_GPA		GUEST_U64(0xFFFFF000)
#define GUEST_IMAGE_SIZE	GUEST_U64(0x1000)
/* Where the VP starts: the reset vector (CS 0xF000 base 0xFFFF0000, IP 0xFFF0). */
#define GUEST_RESET_GPA		GUEST_U64(0xFFFFFFF0)
#define GUEST_RESET_CS_SEL	0xF000
#define GUEST_RESET_CS_BASE	GUEST_U64(0xFFFF0000)
#define GUEST_RESET_RIP		GUEST_U64(0xFFF0)

/* Long-mode page tables the guest builds in RAM (4 pages). */
#define GUEST_PML4_GPA		GUEST_U64(0x1000)
#define GUEST_PDPT_GPA		GUEST_U64(0x2000)
#define GUEST_PD_LOW_GPA	GUEST_U64(0x3000)	/* 0 - 1 GiB: 2 x 2 MiB identity */
#define GUEST_PD_HIGH_GPA	GUEST_U64(0x4000)	/* 3 - 4 GiB: MMIO, APIC, image */
/* The 64-bit IDT (256 16-byte gates; only GUEST_VDEV_VECTOR is present). */
#define GUEST_IDT_GPA		GUEST_U64(0x5000)
#define GUEST_IDT_LIMIT		(256 * 16 - 1)
#define GUEST_STACK_TOP		GUEST_U64(0x8000)

/* GDT selectors (the GDT lives in the image). */
#define GUEST_CODE32_SEL	0x08
#define GUEST_DATA_SEL		0x10
#define GUEST_CODE64_SEL	0x18

/* Serial port: a 16550-style UART, transmit side only. */
#define GUEST_COM1_BASE		0x3F8
#define GUEST_COM1_THR		0x3F8	/* transmit holding register */
#define GUEST_COM1_LSR		0x3FD	/* line status register */
#define GUEST_LSR_THRE		0x20	/* transmit holding register empty */

/* The demo MMIO device: one 4 KiB page, two registers. */
#define GUEST_MMIO_GPA		GUEST_U64(0xD0000000)
#define GUEST_MMIO_SIZE		GUEST_U64(0x1000)
#define GUEST_DEV_ID_REG	0x0	/* 32-bit, read-only */
#define GUEST_DEV_SCRATCH_REG	0x8	/* 64-bit, read/write */
#define GUEST_DEV_ID		0x4D534856	/* what the guest expects */
/* The guest writes this to SCRATCH, reads it back and compares. */
#define GUEST_SCRATCH_MAGIC_HI	0x11223344
#define GUEST_SCRATCH_MAGIC_LO	0x55667788

/*
 * The local APIC's xAPIC page (the hypervisor's).  Out of reset the APIC is
 * software-disabled (SVR bit 8 clear) and drops fixed interrupts: the guest
 * enables it through SVR, then only writes EOI.
 */
#define GUEST_APIC_GPA		GUEST_U64(0xFEE00000)
#define GUEST_APIC_EOI_REG	0xB0	/* 32-bit write (any value): end of interrupt */
#define GUEST_APIC_SVR_REG	0xF0	/* spurious-interrupt vector register */
#define GUEST_APIC_SVR_VALUE	0x1FF	/* bit 8 APIC enable, spurious vector 0xFF */

/*
 * The virtio-style device.  For each request the guest writes the request
 * number (1, 2, ...) to REQ in the shared page, then the same number to
 * the notify register (one 32-bit write); the device answers by storing
 * ~REQ in RESP and raising an edge-triggered MSI with GUEST_VDEV_VECTOR
 * for APIC id 0.  The guest's interrupt handler counts in IRQ_COUNT and
 * writes EOI; the guest sends the next request once the interrupt for the
 * previous one has arrived, GUEST_VDEV_REQUESTS in all.
 */
#define GUEST_VDEV_NOTIFY_GPA	GUEST_U64(0xD0001000)
#define GUEST_VDEV_NOTIFY_SIZE	4
#define GUEST_VDEV_VECTOR	0x40
#define GUEST_VDEV_REQUESTS	8
/* The page shared with the device (RAM), and its 32-bit fields. */
#define GUEST_VDEV_SHARED_GPA	GUEST_U64(0x6000)
#define GUEST_VDEV_IRQ_COUNT	0x0	/* interrupts the guest's handler saw */
#define GUEST_VDEV_REQ		0x8	/* written by the guest */
#define GUEST_VDEV_RESP		0xC	/* written by the device: ~REQ */

#endif /* GUEST_LAYOUT_H */
