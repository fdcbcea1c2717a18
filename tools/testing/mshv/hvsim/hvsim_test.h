/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvsim's interface for tests running inside the rig kernel (KUnit suites
 * in tools/testing/mshv/kunit).  The same controls are in debugfs under
 * /sys/kernel/debug/hvsim/ for selftests.
 */
#ifndef _HVSIM_TEST_H
#define _HVSIM_TEST_H

#include <linux/types.h>

/*
 * Make the nth call of @code from now fail with @status after completing
 * @reps reps (rep calls), @times times (-1: every matching call from then
 * on).  A @status of HV_STATUS_SUCCESS models a partial completion.
 */
int hvsim_inject_fault(u16 code, u16 status, unsigned int nth,
		       unsigned int reps, int times);
void hvsim_clear_faults(void);

/* Calls and completed reps of @code since load or the last reset. */
u64 hvsim_calls(u16 code);
u64 hvsim_reps(u16 code);
void hvsim_counters_reset(void);

/* Live partitions; pages deposited into a partition (or the root: SELF). */
u64 hvsim_nr_partitions(void);
u64 hvsim_deposited_pages(u64 id);

/* Reps a rep call processes before returning early (0: all). */
extern unsigned int hvsim_rep_slice;

#endif /* _HVSIM_TEST_H */
