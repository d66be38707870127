// SPDX-License-Identifier: GPL-2.0
#include "net/ipv4.h"

#include <string.h>

#include "net/csum.h"

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

bool xst_ipv4_is_group(const uint8_t *a)
{
	if (a[0] >= 224)	/* 224/4 multicast, 240/4 reserved and limited broadcast */
		return true;
	return !a[0] && !a[1] && !a[2] && !a[3];
}

enum xst_net_verdict xst_ipv4_parse(const uint8_t *frame, uint32_t len, uint32_t off,
				    struct xst_pkt *p)
{
	const uint8_t *ip = frame + off;
	uint32_t avail, hlen, tot;

	if (off > len || len - off < XST_IPV4_HLEN)
		return XST_NET_MALFORMED;
	avail = len - off;
	if (ip[0] >> 4 != 4)
		return XST_NET_MALFORMED;
	hlen = (ip[0] & 0x0f) * 4u;
	if (hlen < XST_IPV4_HLEN || hlen > avail)
		return XST_NET_MALFORMED;
	tot = be16(ip + 2);
	if (tot < hlen || tot > avail)
		return XST_NET_MALFORMED;
	if (be16(ip + 6) & (XST_IPV4_MF | XST_IPV4_OFFMASK))
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

void xst_ipv4_reply(uint8_t *ip, uint16_t tot_len)
{
	uint8_t tmp[4];

	ip[0] = 0x45;
	ip[1] &= 0xfc;			/* keep DSCP; ECN belongs to the sender's flow */
	ip[2] = (uint8_t)(tot_len >> 8);
	ip[3] = (uint8_t)tot_len;
	ip[6] &= XST_IPV4_DF >> 8;	/* not a fragment: only DF can remain */
	ip[7] = 0;
	ip[8] = XST_REPLY_TTL;
	memcpy(tmp, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, tmp, 4);
	ip[10] = 0;
	ip[11] = 0;
	/* 20 bytes: a full sum is as cheap as an incremental update of four fields */
	xst_put16(ip + 10, xst_csum(ip, XST_IPV4_HLEN));
}
