// SPDX-License-Identifier: GPL-2.0
/*
 * hvsim: ports and connections (HVCALL_CREATE_PORT, CONNECT_PORT,
 * DISCONNECT_PORT, DELETE_PORT), doorbells and direct signalling.
 * (Skeleton: being written.)
 */
#include "hvsim.h"

/**
 * hvsim_port_doorbell() - a guest write to an unmapped GPA: a doorbell?
 * @vp: the writing VP (hvsim.lock held)
 * @gpa: guest physical address written
 * @data: the bytes written
 * @len: how many (1-8, within one page)
 * @commit: false: only say whether a connected doorbell takes the write;
 *	true: the instruction completed, signal the doorbell's port
 *
 * Return: whether a doorbell takes the write.
 */
bool hvsim_port_doorbell(struct hvsim_vp *vp, u64 gpa, const void *data,
			 unsigned int len, bool commit)
{
	return false;
}

const struct hvsim_hcall hvsim_port_hcalls[] = {};
const unsigned int hvsim_port_nr_hcalls = ARRAY_SIZE(hvsim_port_hcalls);
