/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvsim models the x86_64 hypervisor, so on User-Mode Linux the TLFS
 * definitions are exactly the x86 ones: include the kernel's x86 header
 * (resolved through the kernel's own include/ directory).
 */
#ifndef _HVSIM_ASM_HYPERV_TLFS_H
#define _HVSIM_ASM_HYPERV_TLFS_H

#include <../arch/x86/include/asm/hyperv-tlfs.h>

#endif /* _HVSIM_ASM_HYPERV_TLFS_H */
