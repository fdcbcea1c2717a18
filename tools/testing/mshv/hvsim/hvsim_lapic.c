// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: the local APIC of each VP (HVCALL_ASSERT_VIRTUAL_INTERRUPT,
 * HVCALL_CLEAR_VIRTUAL_INTERRUPT, delivery to the engine, EOI).
 * (Skeleton: being written.)
 */
#include "hvsim.h"

const struct hvsim_hcall hvsim_lapic_hcalls[] = {};
const unsigned int hvsim_lapic_nr_hcalls = ARRAY_SIZE(hvsim_lapic_hcalls);
