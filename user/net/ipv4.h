/* SPDX-License-Identifier: GPL-2.0 */
/* IPv4 header validation and reply rewriting (inline: per-frame path). */
#ifndef XST_NET_IPV4_H
#define XST_NET_IPV4_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "net/csum.h"
#include "net/eth.h"
#include "net/net.h"

#define XST_IPV4_HLEN		20	/* without options */
#define XST_IPV4_HLEN_MAX	60
#define XST_IPV4_DF		0x4000	/* frag_off bits, host order */
#define XST_IPV4_MF		0x2000
#define XST_IPV4_OFFMASK	0x1fff
#define XST_REPLY_TTL		64

/* True for an address (network order bytes) that must never get a reply: 0/32,
 * 224/4 multicast, 240/4 (class E and 255.255.255.255). */
static inline bool xst_ipv4_is_group(const uint8_t *a)
{
	return a[0] >= 224 || !xst_load32(a);
}

/*
 * Validate the IPv4 header at frame + off; the frame has len bytes. On
 * XST_NET_OK, p->l3_* and p->l4_off/l4_len/l4_proto are set (l4_len = total
 * length - IHL * 4). MALFORMED: version, IHL < 5, header or total length
 * beyond the frame, total length < IHL * 4, a wrong header checksum. FRAGMENT: MF set or offset != 0.
 * NOT_UNICAST: source or destination 0.0.0.0, multicast, class E or broadcast.
 */
static inline enum xst_net_verdict xst_ipv4_parse(const uint8_t *frame, uint32_t len,
						  uint32_t off, struct xst_pkt *p)
{
	const uint8_t *ip = frame + off;
	uint32_t avail, hlen, tot;

	if (off > len || len - off < XST_IPV4_HLEN)
		return XST_NET_MALFORMED;
	avail = len - off;
	if (ip[0] >> 4 != 4)
		return XST_NET_MALFORMED;
	hlen = (ip[0] & 0x0f) * 4u;
	tot = xst_get_be16(ip + 2);
	if (hlen < XST_IPV4_HLEN || hlen > tot || tot > avail)
		return XST_NET_MALFORMED;
	/* The kernel drops a header whose checksum is wrong; so do we (the
	 * header checksum is never left to offload, unlike UDP's). */
	if (hlen == XST_IPV4_HLEN ? xst_csum_ipv4hdr(ip) : xst_csum(ip, hlen))
		return XST_NET_MALFORMED;
	if (xst_get_be16(ip + 6) & (XST_IPV4_MF | XST_IPV4_OFFMASK))
		return XST_NET_FRAGMENT;
	if (xst_ipv4_is_group(ip + 12) || xst_ipv4_is_group(ip + 16))
		return XST_NET_NOT_UNICAST;

	p->l3_off = (uint16_t)off;
	p->l3_hlen = (uint16_t)hlen;
	p->l4_off = (uint16_t)(off + hlen);
	p->l4_len = (uint16_t)(tot - hlen);
	p->l4_proto = ip[9];
	return XST_NET_OK;
}

/*
 * Rewrite the IPv4 header at ip (options already removed) of a reply: IHL 5,
 * swap addresses, TTL 64, clear ECN, keep id and DF, clear the other
 * fragment bits, total length tot_len, header checksum recomputed (20 bytes:
 * a full sum costs no more than an RFC 1624 update of four fields, and does
 * not carry over an error of the received header).
 */
static inline void xst_ipv4_reply(uint8_t *ip, uint16_t tot_len)
{
	uint32_t a;

	ip[0] = 0x45;
	ip[1] &= 0xfc;			/* keep DSCP; ECN belongs to the sender's flow */
	xst_store16(ip + 2, xst_htobe16(tot_len));
	ip[6] &= XST_IPV4_DF >> 8;	/* not a fragment: only DF can remain */
	ip[7] = 0;
	ip[8] = XST_REPLY_TTL;
	ip[10] = 0;
	ip[11] = 0;
	memcpy(&a, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, &a, 4);
	xst_store16(ip + 10, xst_csum_ipv4hdr(ip));
}

#endif /* XST_NET_IPV4_H */
