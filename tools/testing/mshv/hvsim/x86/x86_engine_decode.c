// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim x86 engine: instruction decoder (prefixes, REX, opcode maps,
 * ModRM/SIB/displacement, immediates).  Bounded to 15 bytes.
 */
#include "x86_engine_decode.h"

#define M	D_MODRM
#define I8	D_IMM8
#define IZ	D_IMMZ
#define IW	D_IMM16
#define X64	D_INV64
#define UD	D_UD
#define DEF64	D_DEF64
#define F64	D_F64

static const u8 op1_flags[256] = {
	[0x00 ... 0x03] = M, [0x04] = I8, [0x05] = IZ, [0x06 ... 0x07] = X64,
	[0x08 ... 0x0b] = M, [0x0c] = I8, [0x0d] = IZ, [0x0e] = X64,
	[0x10 ... 0x13] = M, [0x14] = I8, [0x15] = IZ, [0x16 ... 0x17] = X64,
	[0x18 ... 0x1b] = M, [0x1c] = I8, [0x1d] = IZ, [0x1e ... 0x1f] = X64,
	[0x20 ... 0x23] = M, [0x24] = I8, [0x25] = IZ, [0x27] = UD,
	[0x28 ... 0x2b] = M, [0x2c] = I8, [0x2d] = IZ, [0x2f] = UD,
	[0x30 ... 0x33] = M, [0x34] = I8, [0x35] = IZ, [0x37] = UD,
	[0x38 ... 0x3b] = M, [0x3c] = I8, [0x3d] = IZ, [0x3f] = UD,
	[0x50 ... 0x5f] = DEF64,
	[0x60 ... 0x61] = X64, [0x62] = UD, [0x63] = M,
	[0x68] = IZ | DEF64, [0x69] = M | IZ, [0x6a] = I8 | DEF64,
	[0x6b] = M | I8,
	[0x70 ... 0x7f] = I8 | F64,
	[0x80] = M | I8, [0x81] = M | IZ, [0x82] = M | I8 | X64,
	[0x83] = M | I8, [0x84 ... 0x8e] = M, [0x8f] = M | DEF64,
	[0x9a] = X64, [0x9c ... 0x9d] = DEF64,
	[0xa8] = I8, [0xa9] = IZ,
	[0xb0 ... 0xb7] = I8, [0xb8 ... 0xbf] = IZ,
	[0xc0 ... 0xc1] = M | I8, [0xc2] = IW | F64, [0xc3] = F64,
	[0xc4 ... 0xc5] = UD, [0xc6] = M | I8, [0xc7] = M | IZ,
	[0xc8] = IW | I8 | DEF64, [0xc9] = DEF64, [0xca] = IW,
	[0xcd] = I8, [0xce] = X64,
	[0xd0 ... 0xd3] = M, [0xd4 ... 0xd6] = UD, [0xd8 ... 0xdf] = UD,
	[0xe0 ... 0xe3] = I8 | F64, [0xe4 ... 0xe7] = I8,
	[0xe8 ... 0xe9] = IZ | F64, [0xea] = X64, [0xeb] = I8 | F64,
	[0xf1] = UD, [0xf6 ... 0xf7] = M, [0xfe ... 0xff] = M,
};

/* Two-byte map (0F xx): D_OK marks the opcodes the engine implements. */
static const u8 op2_flags[256] = {
	[0x00 ... 0x01] = D_OK | M, [0x06] = D_OK, [0x08 ... 0x09] = D_OK,
	[0x0b] = D_OK, [0x0d] = D_OK | M, [0x18 ... 0x1f] = D_OK | M,
	[0x20 ... 0x23] = D_OK | M, [0x30 ... 0x32] = D_OK,
	[0x40 ... 0x4f] = D_OK | M, [0x80 ... 0x8f] = D_OK | IZ | F64,
	[0x90 ... 0x9f] = D_OK | M,
	[0xa0 ... 0xa1] = D_OK | DEF64, [0xa2] = D_OK, [0xa3] = D_OK | M,
	[0xa4] = D_OK | M | I8, [0xa5] = D_OK | M,
	[0xa8 ... 0xa9] = D_OK | DEF64, [0xab] = D_OK | M,
	[0xac] = D_OK | M | I8, [0xad] = D_OK | M, [0xaf] = D_OK | M,
	[0xb0 ... 0xb1] = D_OK | M, [0xb3] = D_OK | M,
	[0xb6 ... 0xb7] = D_OK | M, [0xba] = D_OK | M | I8,
	[0xbb ... 0xbf] = D_OK | M, [0xc0 ... 0xc1] = D_OK | M,
	[0xc8 ... 0xcf] = D_OK,
};

static int getb(struct x86_ctx *c, u8 *v)
{
	int r = x86_fetch(c, c->pos + 1);

	if (r)
		return r;
	*v = c->bytes[c->pos++];
	return XRC_OK;
}

static int getimm(struct x86_ctx *c, int n, u64 *v)
{
	int r = x86_fetch(c, c->pos + n), i;
	u64 x = 0;

	if (r)
		return r;
	for (i = n - 1; i >= 0; i--)
		x = (x << 8) | c->bytes[c->pos + i];
	c->pos += n;
	*v = x;
	return XRC_OK;
}

static int decode_ea16(struct x86_ctx *c, u8 rm)
{
	u64 *g = c->cpu->gpr, ea = 0, d = 0;
	int r;

	c->ea_seg = X86_DS;
	switch (rm) {
	case 0:
		ea = g[X86_RBX] + g[X86_RSI];
		break;
	case 1:
		ea = g[X86_RBX] + g[X86_RDI];
		break;
	case 2:
		ea = g[X86_RBP] + g[X86_RSI];
		c->ea_seg = X86_SS;
		break;
	case 3:
		ea = g[X86_RBP] + g[X86_RDI];
		c->ea_seg = X86_SS;
		break;
	case 4:
		ea = g[X86_RSI];
		break;
	case 5:
		ea = g[X86_RDI];
		break;
	case 6:
		if (c->mod == 0) {
			r = getimm(c, 2, &d);
			if (r)
				return r;
			c->ea = d & 0xffff;
			return XRC_OK;
		}
		ea = g[X86_RBP];
		c->ea_seg = X86_SS;
		break;
	default:
		ea = g[X86_RBX];
		break;
	}
	if (c->mod == 1) {
		r = getimm(c, 1, &d);
		d = x86_sext(d, 1);
	} else if (c->mod == 2) {
		r = getimm(c, 2, &d);
	} else {
		r = 0;
	}
	if (r)
		return r;
	c->ea = (ea + d) & 0xffff;
	return XRC_OK;
}

static int decode_ea32(struct x86_ctx *c, u8 rm)
{
	u64 *g = c->cpu->gpr, ea = 0, d = 0;
	int base = -1, r;
	u8 sib;

	c->ea_seg = X86_DS;
	if (rm == 4) {
		int idx, scale;

		r = getb(c, &sib);
		if (r)
			return r;
		scale = sib >> 6;
		idx = ((sib >> 3) & 7) | ((c->rex & 2) << 2);
		base = (sib & 7) | ((c->rex & 1) << 3);
		if (idx != 4)
			ea = g[idx] << scale;
		if ((sib & 7) == 5 && c->mod == 0) {
			base = -1;
			r = getimm(c, 4, &d);
			if (r)
				return r;
			d = x86_sext(d, 4);
		}
	} else if (rm == 5 && c->mod == 0) {
		r = getimm(c, 4, &d);
		if (r)
			return r;
		d = x86_sext(d, 4);
		c->rip_rel = c->code == 8;
	} else {
		base = rm | ((c->rex & 1) << 3);
	}
	if (base >= 0) {
		ea += g[base];
		if (base == X86_RSP || base == X86_RBP)
			c->ea_seg = X86_SS;
		c->ea_rsp = base == X86_RSP;
	}
	if (c->mod == 1) {
		r = getimm(c, 1, &d);
		d = x86_sext(d, 1);
	} else if (c->mod == 2) {
		r = getimm(c, 4, &d);
		d = x86_sext(d, 4);
	} else {
		r = 0;
	}
	if (r)
		return r;
	c->ea = (ea + d) & x86_mask(c->adsize);
	return XRC_OK;
}

int x86_decode(struct x86_ctx *c)
{
	bool o16 = false, a16 = false;
	u8 b, fl, rex = 0;
	u64 v = 0;
	int r;

	c->rex = 0;
	c->rep = 0;
	c->lock = false;
	c->seg_ovr = -1;
	c->has_modrm = false;
	c->mem = false;
	c->rip_rel = false;
	c->ea_rsp = false;
	c->imm = 0;
	c->imm2 = 0;
	c->mod = 3;
	c->reg = 0;
	c->rm = 0;
	for (;;) {
		r = getb(c, &b);
		if (r)
			return r;
		switch (b) {
		case 0x66:
			o16 = true;
			break;
		case 0x67:
			a16 = true;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			c->seg_ovr = (b >> 3) & 3;
			break;
		case 0x64:
		case 0x65:
			c->seg_ovr = b - 0x64 + X86_FS;
			break;
		case 0xf0:
			c->lock = true;
			break;
		case 0xf2:
		case 0xf3:
			c->rep = b;
			break;
		default:
			if (c->code == 8 && (b & 0xf0) == 0x40) {
				rex = b;
				continue;
			}
			goto opcode;
		}
		rex = 0;	/* a legacy prefix after REX cancels it */
	}
opcode:
	c->rex = rex;
	if (b == 0x0f) {
		r = getb(c, &b);
		if (r)
			return r;
		c->op = 0x0f00 | b;
		fl = op2_flags[b];
		if (!(fl & D_OK))
			return x86_fault(c, X86_UD, 0);
		fl &= ~D_OK;
	} else {
		c->op = b;
		fl = op1_flags[b];
	}
	if ((fl & D_UD) || (c->code == 8 && (fl & D_INV64)))
		return x86_fault(c, X86_UD, 0);
	if (c->code == 8) {
		if (rex & 8)
			c->opsize = 8;
		else if (fl & D_F64)
			c->opsize = 8;
		else if (o16)
			c->opsize = 2;
		else
			c->opsize = (fl & D_DEF64) ? 8 : 4;
		c->adsize = a16 ? 4 : 8;
	} else {
		c->opsize = ((c->code == 4) != o16) ? 4 : 2;
		c->adsize = ((c->code == 4) != a16) ? 4 : 2;
	}
	if (fl & D_MODRM) {
		r = getb(c, &b);
		if (r)
			return r;
		c->has_modrm = true;
		c->mod = b >> 6;
		c->reg = ((b >> 3) & 7) | ((rex & 4) << 1);
		c->rm = (b & 7) | ((rex & 1) << 3);
		/* MOV to/from CRn/DRn: always a register operand */
		if (c->op >= 0x0f20 && c->op <= 0x0f23)
			c->mod = 3;
		if (c->mod != 3) {
			c->mem = true;
			if (c->adsize == 2)
				r = decode_ea16(c, b & 7);
			else
				r = decode_ea32(c, b & 7);
			if (r)
				return r;
			if (c->seg_ovr >= 0)
				c->ea_seg = c->seg_ovr;
		}
		/* FF /2 /4 near CALL/JMP: 64-bit; FF /6 PUSH: default 64 */
		if (c->code == 8 && c->op == 0xff) {
			int rg = c->reg & 7;

			if (rg == 2 || rg == 4)
				c->opsize = 8;
			else if (rg == 6 && !o16)
				c->opsize = 8;
		}
	}
	/* immediates */
	r = 0;
	if (c->op == 0xc8) {
		r = getimm(c, 2, &c->imm);
		if (!r)
			r = getimm(c, 1, &c->imm2);
	} else if (fl & D_IMM8) {
		r = getimm(c, 1, &v);
		c->imm = x86_sext(v, 1);
	} else if (fl & D_IMM16) {
		r = getimm(c, 2, &c->imm);
	} else if (fl & D_IMMZ) {
		if (c->opsize == 8 && c->op >= 0xb8 && c->op <= 0xbf) {
			r = getimm(c, 8, &c->imm);
		} else {
			int n = c->opsize == 2 ? 2 : 4;

			r = getimm(c, n, &v);
			c->imm = x86_sext(v, n);
		}
	} else if (c->op >= 0xa0 && c->op <= 0xa3) {
		r = getimm(c, c->adsize, &c->imm);
	} else if (c->op == 0x9a || c->op == 0xea) {
		r = getimm(c, c->opsize == 2 ? 2 : 4, &c->imm);
		if (!r)
			r = getimm(c, 2, &c->imm2);
	} else if ((c->op == 0xf6 || c->op == 0xf7) && (c->reg & 7) < 2) {
		int n = c->op == 0xf6 ? 1 : (c->opsize == 2 ? 2 : 4);

		r = getimm(c, n, &v);
		c->imm = x86_sext(v, n);
	}
	if (r)
		return r;
	if (c->rip_rel)
		c->ea = (c->ea + c->rip0 + c->pos) & x86_mask(c->adsize);
	return XRC_OK;
}
