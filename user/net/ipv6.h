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

#define XST_IPV6_NH_HOPOPTS	0
#define XST_IPV6_NH_ROUTING	43
#define XST_IPV6_NH_DSTOPTS	60
#define XST_IPV6_EXT_MAX	4	/* steer_abi.h XST_MAX_IPV6_EXT: the steering program's bound */

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
 * The TLV options of a hop-by-hop or destination-options header at h (len
 * bytes, the 2-byte prefix included). We recognise no option, so any whose
 * type says "discard if not recognised" (the two high bits not 00, RFC 8200
 * 4.2) makes the packet one we must not answer. Returns XST_NET_OK,
 * MALFORMED (an option runs past the header) or UNSUPPORTED.
 */
static inline enum xst_net_verdict xst_ipv6_options(const uint8_t *h, uint32_t len)
{
	uint32_t off = 2;

	while (off < len) {
		uint8_t type = h[off];

		if (type == 0) {	/* Pad1 */
			off++;
			continue;
		}
		if (off + 2 > len || off + 2 + h[off + 1] > len)
			return XST_NET_MALFORMED;
		if (type & 0xc0)
			return XST_NET_UNSUPPORTED;
		off += 2u + h[off + 1];
	}
	return XST_NET_OK;
}

/*
 * Validate the IPv6 header at frame + off and its extension headers; the
 * frame has len bytes. The chain accepted is the steering program's (steer
 * rule of bpf/steer.bpf.c): at most XST_IPV6_EXT_MAX headers among
 * hop-by-hop (first only), destination options, and routing headers with
 * Segments Left 0, inside the payload. On XST_NET_OK, p->l3_* and
 * p->l4_off/l4_len/l4_proto are set (l3_hlen = 40 + extension headers,
 * l4_len = payload length - extension headers). MALFORMED: version, payload
 * length beyond the frame, a header running past the payload. FRAGMENT: a
 * fragment header. UNSUPPORTED: any other extension header, a routing
 * header still to be followed, an option that must not be skipped.
 * NOT_UNICAST: multicast or unspecified source, multicast destination.
 */
static inline enum xst_net_verdict xst_ipv6_parse(const uint8_t *frame, uint32_t len,
						  uint32_t off, struct xst_pkt *p)
{
	const uint8_t *ip = frame + off;
	uint32_t plen, ext = 0, n;
	uint8_t nh;

	if (off > len || len - off < XST_IPV6_HLEN)
		return XST_NET_MALFORMED;
	if (ip[0] >> 4 != 6)
		return XST_NET_MALFORMED;
	plen = xst_get_be16(ip + 4);
	if (plen > len - off - XST_IPV6_HLEN)
		return XST_NET_MALFORMED;
	if (xst_ipv6_is_multicast(ip + 8) || xst_ipv6_is_unspecified(ip + 8) ||
	    xst_ipv6_is_multicast(ip + 24))
		return XST_NET_NOT_UNICAST;
	nh = ip[6];
	for (n = 0; xst_ipv6_is_extension(nh); n++) {
		const uint8_t *h = ip + XST_IPV6_HLEN + ext;
		uint32_t hlen;
		enum xst_net_verdict v;

		if (nh == XST_IPV6_NH_FRAG)
			return XST_NET_FRAGMENT;
		if (n == XST_IPV6_EXT_MAX ||
		    (nh != XST_IPV6_NH_HOPOPTS && nh != XST_IPV6_NH_DSTOPTS &&
		     nh != XST_IPV6_NH_ROUTING) ||
		    (nh == XST_IPV6_NH_HOPOPTS && n))
			return XST_NET_UNSUPPORTED;
		if (plen - ext < 8)
			return XST_NET_MALFORMED;
		hlen = 8u + 8u * h[1];
		if (hlen > plen - ext)
			return XST_NET_MALFORMED;
		if (nh == XST_IPV6_NH_ROUTING) {
			if (h[3])	/* Segments Left: not our packet yet */
				return XST_NET_UNSUPPORTED;
		} else {
			v = xst_ipv6_options(h, hlen);
			if (v != XST_NET_OK)
				return v;
		}
		nh = h[0];
		ext += hlen;
	}

	p->l3_off = (uint16_t)off;
	p->l3_hlen = (uint16_t)(XST_IPV6_HLEN + ext);
	p->l4_off = (uint16_t)(off + XST_IPV6_HLEN + ext);
	p->l4_len = (uint16_t)(plen - ext);
	p->l4_proto = nh;
	return XST_NET_OK;
}

/* Rewrite the IPv6 header at ip for a reply carrying proto (extension
 * headers already removed): swap addresses, hop limit 64, clear ECN, keep
 * traffic class and flow label, payload length plen. */
static inline void xst_ipv6_reply(uint8_t *ip, uint8_t proto, uint16_t plen)
{
	uint8_t tmp[XST_IPV6_ALEN];

	ip[1] &= 0xcf;			/* ECN: the low two traffic-class bits */
	xst_store16(ip + 4, xst_htobe16(plen));
	ip[6] = proto;
	ip[7] = XST_REPLY_HOPLIMIT;
	memcpy(tmp, ip + 8, XST_IPV6_ALEN);
	memcpy(ip + 8, ip + 24, XST_IPV6_ALEN);
	memcpy(ip + 24, tmp, XST_IPV6_ALEN);
}

#endif /* XST_NET_IPV6_H */
