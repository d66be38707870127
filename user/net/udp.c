// SPDX-License-Identifier: GPL-2.0
#include "net/udp.h"

#include "net/csum.h"

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum xst_net_verdict xst_udp_parse(const uint8_t *frame, struct xst_pkt *p)
{
	const uint8_t *udp = frame + p->l4_off;
	uint16_t ulen;

	if (p->l4_len < XST_UDP_HLEN)
		return XST_NET_MALFORMED;
	ulen = be16(udp + 4);
	if (ulen < XST_UDP_HLEN || ulen > p->l4_len)
		return XST_NET_MALFORMED;
	p->sport = be16(udp);
	p->dport = be16(udp + 2);
	if (!p->sport)
		return XST_NET_MALFORMED;
	p->l4_len = ulen;
	return XST_NET_OK;
}

void xst_udp_set_csum(uint8_t *udp, uint32_t ulen, uint32_t psum)
{
	uint16_t check;

	udp[6] = 0;
	udp[7] = 0;
	check = xst_csum_fold(xst_csum_partial(udp, ulen, psum));
	xst_put16(udp + 6, check ? check : 0xffff);
}
