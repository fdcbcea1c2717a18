/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven tests of the hvsim x86 engine.  The cases (x86_test.c) use
 * only this interface, so the same table runs in the userspace runner
 * (x86_test_main.c) and can be wrapped by a KUnit suite: allocate a
 * struct xt with XT_MEM_SIZE bytes of guest memory, call xt_run_case() for
 * every entry of xt_cases[], report t->msg when it returns false.
 */
#ifndef _HVSIM_X86_TEST_H
#define _HVSIM_X86_TEST_H

#include "../x86_engine.h"

#define XT_MEM_SIZE	(4u << 20)
#define XT_PAGES	(XT_MEM_SIZE >> 12)

/* per-page GPA permissions of the test's GPA map */
#define XT_R		0x01
#define XT_W		0x02
#define XT_X		0x04
#define XT_MAPPED	0x80
#define XT_RWX		(XT_MAPPED | XT_R | XT_W | XT_X)

struct xt {
	u8 *mem;			/* XT_MEM_SIZE bytes, caller-allocated */
	u8 perm[XT_PAGES];
	u8 dirty[XT_PAGES];
	struct x86_cpu cpu;
	struct x86_env env;
	struct x86_exit exit;
	/* policy knobs used by the callbacks */
	bool cpuid_exit;
	u32 msr_exit_index;
	u64 cancel_after;		/* cancel() calls before it says yes */
	u64 cancel_calls;
	/* &x86_env.write_sink, installed by the cases that test it */
	u64 sink_base, sink_end;	/* it takes writes to [base, end) */
	unsigned int sink_probes;	/* calls with commit false, taken or not */
	unsigned int sink_commits;	/* calls with commit true */
	u64 sink_gpa;			/* the last commit */
	u64 sink_value;
	unsigned int sink_len;
	/* result */
	int fails;
	char msg[200];
};

struct xt_case {
	const char *name;
	void (*fn)(struct xt *t);
};

extern const struct xt_case xt_cases[];
extern const unsigned int xt_ncases;

/* Run one case on @t (reinitialised first); true if it passed. */
bool xt_run_case(struct xt *t, const struct xt_case *tc);

/* environment used by the tests and the fuzzer */
void xt_init(struct xt *t);
void xt_mode_real(struct xt *t);
void xt_mode_pm32(struct xt *t);
void xt_mode_lm64(struct xt *t);
void xt_load(struct xt *t, u64 gpa, const u8 *code, unsigned int len);

/* fuzzer (x86_fuzz_core.c) */
void xt_fuzz_seed(u64 seed);
void xt_fuzz_load(struct xt *t, const u8 *data, unsigned int size);
u64 xt_fuzz_step(struct xt *t, u64 budget);
u64 xt_fuzz(struct xt *t, u64 seed, u64 target, u64 *runs);

#endif /* _HVSIM_X86_TEST_H */
