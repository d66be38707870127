// SPDX-License-Identifier: GPL-2.0
#include "net/ipv6.h"

#include <string.h>

static bool is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[XST_IPV6_ALEN];

	return !memcmp(a, zero, XST_IPV6_ALEN);
}

static bool is_extension(uint8_t nh)
{
	switch (nh) {
	case 0:		/* hop-by-hop */
	case 43:	/* routing */
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

enum xst_net_verdict xst_ipv6_parse(const uint8_t *frame, uint32_t len, uint32_t off,
				    struct xst_pkt *p)
{
	const uint8_t *ip = frame + off;
	uint32_t plen;

	if (off > len || len - off < XST_IPV6_HLEN)
		return XST_NET_MALFORMED;
	if (ip[0] >> 4 != 6)
		return XST_NET_MALFORMED;
	plen = (uint32_t)(ip[4] << 8 | ip[5]);
	if (plen > len - off - XST_IPV6_HLEN)
		return XST_NET_MALFORMED;
	if (ip[6] == 44)
		return XST_NET_FRAGMENT;
	if (is_extension(ip[6]))
		return XST_NET_UNSUPPORTED;
	if (xst_ipv6_is_multicast(ip + 8) || is_unspecified(ip + 8) ||
	    xst_ipv6_is_multicast(ip + 24))
		return XST_NET_NOT_UNICAST;

	p->l3_off = (uint16_t)off;
	p->l3_hlen = XST_IPV6_HLEN;
	p->l4_off = (uint16_t)(off + XST_IPV6_HLEN);
	p->l4_len = (uint16_t)plen;
	p->l4_proto = ip[6];
	return XST_NET_OK;
}

void xst_ipv6_reply(uint8_t *ip, uint16_t plen)
{
	uint8_t tmp[XST_IPV6_ALEN];

	ip[1] &= 0xcf;			/* ECN: the low two traffic-class bits */
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[7] = XST_REPLY_HOPLIMIT;
	memcpy(tmp, ip + 8, XST_IPV6_ALEN);
	memcpy(ip + 8, ip + 24, XST_IPV6_ALEN);
	memcpy(ip + 24, tmp, XST_IPV6_ALEN);
}
