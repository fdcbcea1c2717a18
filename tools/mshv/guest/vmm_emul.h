/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device and instruction emulation a VMM needs to run the demo guest,
 * independent of how the exits are obtained: the hvsim x86 engine in the
 * userspace check (guest_check.c), MSHV_RUN_VP intercept messages in the
 * demo VMM.  Plain C99 + <stdint.h>; no engine or uapi header needed.
 *
 * GPR arrays are in hardware encoding order (RAX, RCX, RDX, RBX, RSP,
 * RBP, RSI, RDI, R8..R15), the order of the Hyper-V register page and of
 * the x86 engine's x86_cpu.gpr.
 *
 * Completing an intercept (the hypervisor never advances RIP):
 *   - port I/O: for IN, RAX = vmm_pio_in_rax(RAX, size, data);
 *     then RIP += the header's instruction_length.
 *   - MMIO (UNMAPPED_GPA / GPA_INTERCEPT): vmm_mmio_decode() the message's
 *     instruction bytes, vmm_mmio_emulate() it against the device at the
 *     message's GPA; it updates the destination GPR and RIP (+= decoded
 *     length).
 */
#ifndef VMM_EMUL_H
#define VMM_EMUL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- serial port: 16550-style UART, transmit side only ---- */

#define VMM_UART_PORTS		8	/* base .. base + 7 */
#define VMM_UART_LSR_THRE	0x20	/* transmit holding register empty */
#define VMM_UART_LSR_TEMT	0x40	/* transmitter empty */

/**
 * struct vmm_uart - a UART whose transmitter is always ready
 * @base: first port (0x3F8 for COM1)
 * @putc: called for every byte the guest transmits
 * @ctx: passed to @putc
 * @ier, @lcr, @mcr, @scr, @dll, @dlm: stored and read back, no effect
 * @tx_count: bytes transmitted
 *
 * Reads of the receive buffer return 0 and the line status never reports
 * received data, so a guest that only writes works unchanged.
 */
struct vmm_uart {
	uint16_t base;
	void (*putc)(void *ctx, uint8_t c);
	void *ctx;
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint64_t tx_count;
};

/**
 * vmm_uart_pio() - emulate one port access
 * @u: the UART
 * @port: port number
 * @size: access size in bytes (only 1 is a valid UART access)
 * @in: true for IN (read)
 * @data: OUT: the value written; IN: filled with the value read
 *
 * Return: true when @port belongs to the UART and the access was handled
 * (a wrong size reads all ones and ignores writes: still "handled").
 */
bool vmm_uart_pio(struct vmm_uart *u, uint16_t port, unsigned int size,
		  bool in, uint32_t *data);

/**
 * vmm_pio_in_rax() - RAX after an IN of @size bytes that read @data
 * @rax: RAX before the IN
 * @size: 1, 2 or 4
 * @data: value read from the port
 *
 * As the CPU does: IN AL/AX replace the low 8/16 bits and keep the rest;
 * IN EAX zero-extends into RAX.
 */
uint64_t vmm_pio_in_rax(uint64_t rax, unsigned int size, uint32_t data);

/* ---- MMIO: the MOV forms between a GPR (or an immediate) and memory ---- */

/**
 * struct vmm_mmio_insn - a decoded MMIO instruction
 * @len: instruction length in bytes (RIP advance)
 * @size: access size: 1, 2, 4 or 8
 * @write: true for a store (88/89/C6/C7), false for a load (8A/8B)
 * @has_imm: the store's source is @imm (C6/C7)
 * @imm: immediate, sign-extended to 64 bits for an 8-byte C7 store
 * @reg: GPR index of the register operand (load destination or store
 *	source) when !@has_imm
 * @high8: @reg names AH/CH/DH/BH (byte operand, no REX, reg 4-7)
 */
struct vmm_mmio_insn {
	unsigned int len;
	unsigned int size;
	bool write;
	bool has_imm;
	uint64_t imm;
	unsigned int reg;
	bool high8;
};

/**
 * vmm_code_bits() - default operand/address size of the code segment
 * @cs_attributes: CS attributes, Hyper-V segment format (bit 13 L, 14 D/B)
 * @lma: EFER.LMA (intercept header execution_state bit 4)
 *
 * Return: 64, 32 or 16.
 */
unsigned int vmm_code_bits(uint16_t cs_attributes, bool lma);

/**
 * vmm_mmio_decode() - decode the instruction that made an MMIO access
 * @bytes: instruction bytes (the intercept message's instruction_bytes)
 * @count: number of valid bytes (instruction_byte_count)
 * @code_bits: vmm_code_bits() of the guest at the exit
 * @insn: result
 *
 * Handles MOV r/m,r (88/89), MOV r,r/m (8A/8B) and MOV r/m,imm (C6 /0,
 * C7 /0) with a memory operand, the prefixes 66 (operand size), 67
 * (address size), segment overrides (ignored: the exit gives the GPA) and
 * REX in 64-bit mode; all ModRM/SIB/displacement forms including 16-bit
 * addressing and RIP-relative.  Anything else (LOCK/REP, other opcodes,
 * register operands, truncated bytes) is refused: the VMM must then
 * report an emulation failure rather than guess.
 *
 * Return: 0 on success, -1 if unsupported or truncated.
 */
int vmm_mmio_decode(const uint8_t *bytes, unsigned int count,
		    unsigned int code_bits, struct vmm_mmio_insn *insn);

/**
 * typedef vmm_mmio_fn - a device's MMIO handler
 * @ctx: device
 * @gpa: address accessed
 * @size: 1, 2, 4 or 8
 * @write: true for a store of *@value; false: fill *@value
 * @value: data (the low @size bytes are significant)
 */
typedef void (*vmm_mmio_fn)(void *ctx, uint64_t gpa, unsigned int size,
			    bool write, uint64_t *value);

/**
 * vmm_mmio_emulate() - perform a decoded MMIO instruction
 * @insn: from vmm_mmio_decode()
 * @gpa: the GPA of the access (intercept message guest_physical_address)
 * @gpr: the 16 GPRs; a load's destination register is updated (8/16-bit
 *	loads keep the other bits, a 32-bit load zero-extends)
 * @rip: advanced by @insn->len
 * @dev: device handler
 * @ctx: passed to @dev
 */
void vmm_mmio_emulate(const struct vmm_mmio_insn *insn, uint64_t gpa,
		      uint64_t gpr[16], uint64_t *rip, vmm_mmio_fn dev,
		      void *ctx);

/* ---- the demo MMIO device ---- */

/**
 * struct vmm_demo_dev - the demo guest's MMIO device (one 4 KiB page)
 * @base: GPA of the page (GUEST_MMIO_GPA)
 * @id: value of the 32-bit read-only ID register at offset 0
 * @scratch: the 64-bit read/write scratch register at offset 8
 * @reads: loads performed
 * @writes: stores performed
 * @bad: accesses to no register (offsets other than 0-3 and 8-15; they
 *	read 0 and ignore writes)
 *
 * A register access may be narrower than the register (bytes at the
 * offset within it); one crossing a register boundary counts as @bad.
 */
struct vmm_demo_dev {
	uint64_t base;
	uint32_t id;
	uint64_t scratch;
	uint64_t reads, writes, bad;
};

/* vmm_mmio_fn for struct vmm_demo_dev (pass the device as @ctx). */
void vmm_demo_dev_mmio(void *ctx, uint64_t gpa, unsigned int size,
		       bool write, uint64_t *value);

#endif /* VMM_EMUL_H */
