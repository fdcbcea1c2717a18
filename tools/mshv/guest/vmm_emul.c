// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O and MMIO emulation for the demo guest; see vmm_emul.h.
 */
#include "vmm_emul.h"

/* ---- serial port ---- */

bool vmm_uart_pio(struct vmm_uart *u, uint16_t port, unsigned int size,
		  bool in, uint32_t *data)
{
	bool dlab = u->lcr & 0x80;
	uint8_t v = 0, w = *data & 0xff;

	if (port < u->base || port >= u->base + VMM_UART_PORTS)
		return false;
	if (size != 1) {
		/* Not a UART access: reads float high, writes are dropped. */
		if (in)
			*data = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
		return true;
	}
	switch (port - u->base) {
	case 0:	/* THR / RBR, or divisor latch low */
		if (dlab) {
			if (in)
				v = u->dll;
			else
				u->dll = w;
		} else if (!in) {
			u->tx_count++;
			if (u->putc)
				u->putc(u->ctx, w);
		}
		break;
	case 1:	/* IER, or divisor latch high */
		if (dlab) {
			if (in)
				v = u->dlm;
			else
				u->dlm = w;
		} else {
			if (in)
				v = u->ier;
			else
				u->ier = w & 0x0f;
		}
		break;
	case 2:	/* IIR (read): no interrupt pending; FCR (write): ignored */
		v = 0x01;
		break;
	case 3:	/* LCR */
		if (in)
			v = u->lcr;
		else
			u->lcr = w;
		break;
	case 4:	/* MCR */
		if (in)
			v = u->mcr;
		else
			u->mcr = w & 0x1f;
		break;
	case 5:	/* LSR: transmitter always ready, nothing received */
		v = VMM_UART_LSR_THRE | VMM_UART_LSR_TEMT;
		break;
	case 6:	/* MSR: no modem lines */
		v = 0;
		break;
	case 7:	/* SCR */
		if (in)
			v = u->scr;
		else
			u->scr = w;
		break;
	}
	if (in)
		*data = v;
	return true;
}

uint64_t vmm_pio_in_rax(uint64_t rax, unsigned int size, uint32_t data)
{
	switch (size) {
	case 1:
		return (rax & ~0xffull) | (data & 0xff);
	case 2:
		return (rax & ~0xffffull) | (data & 0xffff);
	default:
		return data;	/* a 32-bit register write zero-extends */
	}
}

/* ---- MMIO instruction decoding ---- */

unsigned int vmm_code_bits(uint16_t cs_attributes, bool lma)
{
	if (lma && (cs_attributes & 0x2000))	/* L */
		return 64;
	return (cs_attributes & 0x4000) ? 32 : 16;	/* D/B */
}

#define REX_W	0x8
#define REX_R	0x4

int vmm_mmio_decode(const uint8_t *b, unsigned int n, unsigned int code_bits,
		    struct vmm_mmio_insn *insn)
{
	bool opsz = false, adsz = false;
	unsigned int i, rex = 0, addr_bits, mod, rm, regf, need = 0;
	uint8_t op;

	if (code_bits != 16 && code_bits != 32 && code_bits != 64)
		return -1;
	if (n > 15)
		n = 15;		/* longer instructions do not exist (#GP) */

	/* Legacy prefixes; LOCK and REP are refused (not valid on MOV). */
	for (i = 0; i < n; i++) {
		if (b[i] == 0x66)
			opsz = true;
		else if (b[i] == 0x67)
			adsz = true;
		else if (b[i] == 0x26 || b[i] == 0x2e || b[i] == 0x36 ||
			 b[i] == 0x3e || b[i] == 0x64 || b[i] == 0x65)
			;	/* segment: the exit already gives the GPA */
		else
			break;
	}
	/* REX: 64-bit mode only, immediately before the opcode. */
	if (i < n && code_bits == 64 && (b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (i + 2 > n)		/* opcode + ModRM */
		return -1;
	op = b[i++];
	if (op != 0x88 && op != 0x89 && op != 0x8a && op != 0x8b &&
	    op != 0xc6 && op != 0xc7)
		return -1;

	mod = b[i] >> 6;
	regf = ((b[i] >> 3) & 7) | ((rex & REX_R) ? 8 : 0);
	rm = b[i] & 7;
	i++;
	if (mod == 3)		/* register operand: no memory access */
		return -1;
	if ((op == 0xc6 || op == 0xc7) && (regf & 7) != 0)
		return -1;	/* C6/C7 /1-/7 are not MOV */

	if (code_bits == 64)
		addr_bits = adsz ? 32 : 64;
	else if (code_bits == 32)
		addr_bits = adsz ? 16 : 32;
	else
		addr_bits = adsz ? 32 : 16;

	if (addr_bits == 16) {
		if (mod == 1)
			need = 1;
		else if (mod == 2 || (mod == 0 && rm == 6))
			need = 2;
	} else {
		if (rm == 4) {		/* SIB */
			if (i >= n)
				return -1;
			if (mod == 0 && (b[i] & 7) == 5)
				need = 4;	/* no base: disp32 */
			i++;
		}
		if (mod == 1)
			need = 1;
		else if (mod == 2 || (mod == 0 && rm == 5))
			need = 4;	/* disp32 or RIP-relative */
	}
	i += need;

	insn->write = op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7;
	insn->has_imm = op == 0xc6 || op == 0xc7;
	if (op == 0x88 || op == 0x8a || op == 0xc6)
		insn->size = 1;
	else if (rex & REX_W)
		insn->size = 8;
	else if (code_bits == 16)
		insn->size = opsz ? 4 : 2;
	else
		insn->size = opsz ? 2 : 4;

	insn->imm = 0;
	if (insn->has_imm) {
		unsigned int isz = insn->size == 8 ? 4 : insn->size;

		if (i + isz > n)
			return -1;
		for (unsigned int k = 0; k < isz; k++)
			insn->imm |= (uint64_t)b[i + k] << (8 * k);
		if (insn->size == 8 && (insn->imm & 0x80000000u))
			insn->imm |= 0xffffffff00000000ull;
		i += isz;
	}
	if (i > n)
		return -1;

	insn->len = i;
	insn->reg = regf;
	insn->high8 = false;
	if (insn->size == 1 && !rex && regf >= 4 && !insn->has_imm) {
		insn->high8 = true;	/* AH, CH, DH, BH */
		insn->reg = regf - 4;
	}
	if (insn->has_imm)
		insn->reg = 0;
	return 0;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

void vmm_mmio_emulate(const struct vmm_mmio_insn *insn, uint64_t gpa,
		      uint64_t gpr[16], uint64_t *rip, vmm_mmio_fn dev,
		      void *ctx)
{
	uint64_t mask = size_mask(insn->size);
	uint64_t *r = &gpr[insn->reg & 15];
	uint64_t val = 0;

	if (insn->write) {
		if (insn->has_imm)
			val = insn->imm;
		else
			val = insn->high8 ? *r >> 8 : *r;
		val &= mask;
		dev(ctx, gpa, insn->size, true, &val);
	} else {
		dev(ctx, gpa, insn->size, false, &val);
		val &= mask;
		if (insn->high8)
			*r = (*r & ~0xff00ull) | (val << 8);
		else if (insn->size == 4)
			*r = val;	/* zero-extends */
		else
			*r = (*r & ~mask) | val;
	}
	*rip += insn->len;
}

/* ---- the demo MMIO device ---- */

void vmm_demo_dev_mmio(void *ctx, uint64_t gpa, unsigned int size,
		       bool write, uint64_t *value)
{
	struct vmm_demo_dev *d = ctx;
	uint64_t off = gpa - d->base, mask = size_mask(size);
	unsigned int shift;

	if (write)
		d->writes++;
	else
		d->reads++;
	if (off < 4 && off + size <= 4) {	/* ID, read-only */
		shift = 8 * off;
		if (!write)
			*value = ((uint64_t)d->id >> shift) & mask;
	} else if (off >= 8 && off + size <= 16) {	/* SCRATCH */
		shift = 8 * (off - 8);
		if (write)
			d->scratch = (d->scratch & ~(mask << shift)) |
				     ((*value & mask) << shift);
		else
			*value = (d->scratch >> shift) & mask;
	} else {
		d->bad++;
		if (!write)
			*value = 0;
	}
}
