/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded header parsing for XDP programs: one cursor over [data, data_end)
 * and one pull() helper through which every bounds check goes, so the
 * verifier sees the same comparison pattern everywhere.
 */
#ifndef XST_BPF_PARSE_BPF_H
#define XST_BPF_PARSE_BPF_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Kernel-internal (net/ip.h), not in UAPI: fragment bits of iphdr.frag_off. */
#define XST_IP_MF	0x2000
#define XST_IP_OFFSET	0x1fff

/* IANA protocol numbers of IPv6 extension headers missing from linux/in.h. */
#define XST_IPPROTO_MH		135	/* mobility */
#define XST_IPPROTO_HIP		139
#define XST_IPPROTO_SHIM6	140

#ifndef ETH_P_8021AD
#define ETH_P_8021AD	0x88a8
#endif

/* struct vlan_hdr lives in the kernel-internal linux/if_vlan.h. */
struct xst_vlan_hdr {
	__be16 tci;
	__be16 proto;		/* network order: the encapsulated ethertype */
};

struct cursor {
	void *pos;		/* next unread byte */
	void *end;		/* ctx->data_end */
};

/* Returns the start of the next len bytes and advances past them, or NULL
 * (cursor unchanged) when they are not all inside the frame. */
static __always_inline void *pull(struct cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

static __always_inline int is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

#endif /* XST_BPF_PARSE_BPF_H */
