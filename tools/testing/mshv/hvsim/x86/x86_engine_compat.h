/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types used by the hvsim x86 engine, so that the same source builds in the
 * kernel (hvsim module) and as a userspace library (tests, fuzzing).
 */
#ifndef _HVSIM_X86_ENGINE_COMPAT_H
#define _HVSIM_X86_ENGINE_COMPAT_H

#ifdef __KERNEL__
#include <linux/array_size.h>
#include <linux/export.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/string.h>
#else
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* hvsim.ko exports the engine to its KUnit suite; userspace: a no-op. */
#define EXPORT_SYMBOL_GPL(sym)	struct x86_engine_exports_##sym
#endif

#endif /* _HVSIM_X86_ENGINE_COMPAT_H */
