/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvsim: message delivery to the root's SynIC and its event rings
 * (hvsim_synic.c).
 */
#ifndef _HVSIM_SYNIC_H
#define _HVSIM_SYNIC_H

#include <linux/types.h>

struct dentry;
struct hv_message;

int hvsim_synic_post(int cpu, unsigned int sint, const struct hv_message *msg);
int hvsim_synic_post_async_completion(u64 partition_id, u16 status);
int hvsim_synic_signal_port(int cpu, unsigned int sint, u32 port_id);
void hvsim_synic_ring_empty(int cpu, unsigned int sint);
void hvsim_synic_debugfs_init(struct dentry *dir);

#endif /* _HVSIM_SYNIC_H */
