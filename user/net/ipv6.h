/* SPDX-License-Identifier: GPL-2.0 */
/* IPv6 fixed header validation and reply rewriting (inline: per-frame path). */
#ifndef XST_NET_IPV6_H
#define XST_NET_IPV6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "net/csum.h"
#include "net/eth.h"
#include "net/net.h"

#define XST_IPV6_HLEN		40
#define XST_IPV6_ALEN		16
#define XST_REPLY_HOPLIMIT	64
#define XST_IPV6_NH_FRAG	44

/* ff00::/8 */
static inline bool xst_ipv6_is_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

static inline bool xst_ipv6_is_unspecified(const uint8_t *a)
{
	return !(xst_load32(a) | xst_load32(a + 4) | xst_load32(a + 8) | xst_load32(a + 12));
}

/* Next-header values that are extension headers, not upper layers. */
static inline bool xst_ipv6_is_extension(uint8_t nh)
{
	switch (nh) {
	case 0:		/* hop-by-hop */
	case 43:	/* routing */
	case 44:	/* fragment */
	case 50:	/* ESP */
	case 51:	/* AH */
	case 60:	/* destination options */
	case 135:	/* mobility */
	case 139:	/* HIP */
	case 140:	/* shim6 */
	case 253:	/* experimental */
	case 254:
		return true;
	}
	return false;
}

/*
 * Validate the IPv6 header at frame + off; the frame has len bytes. On
 * XST_NET_OK, p->l3_* and p->l4_off/l4_len/l4_proto are set (l4_len =
 * payload length). MALFORMED: version, payload length beyond the frame.
 * FRAGMENT: next header is a fragment header. UNSUPPORTED: any other
 * extension header (the steering program does not hand those over either).
 * NOT_UNICAST: multicast or unspecified source, multicast destination.
 */
static inline enum xst_net_verdict xst_ipv6_parse(const uint8_t *frame, uint32_t len,
						  uint32_t off, struct xst_pkt *p)
{
	const uint8_t *ip = frame + off;
	uint32_t plen;

	if (off > len || len - off < XST_IPV6_HLEN)
		return XST_NET_MALFORMED;
	if (ip[0] >> 4 != 6)
		return XST_NET_MALFORMED;
	plen = xst_get_be16(ip + 4);
	if (plen > len - off - XST_IPV6_HLEN)
		return XST_NET_MALFORMED;
	if (xst_ipv6_is_extension(ip[6]))
		return ip[6] == XST_IPV6_NH_FRAG ? XST_NET_FRAGMENT : XST_NET_UNSUPPORTED;
	if (xst_ipv6_is_multicast(ip + 8) || xst_ipv6_is_unspecified(ip + 8) ||
	    xst_ipv6_is_multicast(ip + 24))
		return XST_NET_NOT_UNICAST;

	p->l3_off = (uint16_t)off;
	p->l3_hlen = XST_IPV6_HLEN;
	p->l4_off = (uint16_t)(off + XST_IPV6_HLEN);
	p->l4_len = (uint16_t)plen;
	p->l4_proto = ip[6];
	return XST_NET_OK;
}

/* Rewrite the IPv6 header at ip for a reply: swap addresses, hop limit 64,
 * clear ECN, keep traffic class and flow label, payload length plen. */
static inline void xst_ipv6_reply(uint8_t *ip, uint16_t plen)
{
	uint8_t tmp[XST_IPV6_ALEN];

	ip[1] &= 0xcf;			/* ECN: the low two traffic-class bits */
	xst_store16(ip + 4, xst_htobe16(plen));
	ip[7] = XST_REPLY_HOPLIMIT;
	memcpy(tmp, ip + 8, XST_IPV6_ALEN);
	memcpy(ip + 8, ip + 24, XST_IPV6_ALEN);
	memcpy(ip + 24, tmp, XST_IPV6_ALEN);
}

#endif /* XST_NET_IPV6_H */
