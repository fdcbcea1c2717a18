/* SPDX-License-Identifier: GPL-2.0 */
/* hvsim x86 engine: internal decoder interface. */
#ifndef _HVSIM_X86_ENGINE_DECODE_H
#define _HVSIM_X86_ENGINE_DECODE_H

#include "x86_engine_priv.h"

/* opcode attribute flags */
#define D_MODRM		0x01
#define D_IMM8		0x02	/* imm8, sign-extended into ctx->imm */
#define D_IMMZ		0x04	/* imm16/imm32 by operand size (imm64: MOV) */
#define D_IMM16		0x08
#define D_DEF64		0x10	/* 64-bit default operand size in long mode */
#define D_F64		0x20	/* 64-bit operand size in long mode, always */
#define D_INV64		0x40	/* #UD in 64-bit mode */
#define D_UD		0x80	/* not implemented: #UD (one-byte map) */
#define D_OK		0x80	/* implemented (two-byte map) */

/* Decode the instruction at ctx->rip0 into ctx. */
int x86_decode(struct x86_ctx *c);

#endif /* _HVSIM_X86_ENGINE_DECODE_H */
