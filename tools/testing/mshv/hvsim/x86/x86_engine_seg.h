/* SPDX-License-Identifier: GPL-2.0 */
/* hvsim x86 engine: internal segment/stack/far-transfer helpers. */
#ifndef _HVSIM_X86_ENGINE_SEG_H
#define _HVSIM_X86_ENGINE_SEG_H

#include "x86_engine_priv.h"

int x86_stack_size(const struct x86_cpu *cpu);
int x86_push(struct x86_ctx *c, u64 v, int size);
int x86_peek(struct x86_ctx *c, int skip, int size, u64 *v);
int x86_pop(struct x86_ctx *c, int size, u64 *v);
void x86_sp_add(struct x86_ctx *c, u64 n);
void x86_desc_unpack(const u8 *d, u16 sel, struct x86_segment *s);
int x86_read_desc(struct x86_ctx *c, u16 sel, u8 *d, int len, u32 ext);
int x86_load_sreg(struct x86_ctx *c, int sreg, u16 sel);
int x86_far_jump(struct x86_ctx *c, u16 sel, u64 off, bool call, int osz);
int x86_far_ret(struct x86_ctx *c, int osz, u16 imm);
int x86_iret(struct x86_ctx *c, int osz);
void x86_write_flags(struct x86_cpu *cpu, u64 v, int osz, int cpl);

#endif /* _HVSIM_X86_ENGINE_SEG_H */
