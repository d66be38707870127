// SPDX-License-Identifier: GPL-2.0
/* The parse chain and the UDP reply builder over eth/ipv4/ipv6/udp. */
#include "net/net.h"

#include <string.h>

#include "net/csum.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/udp.h"

enum xst_net_verdict xst_net_parse(const uint8_t *frame, uint32_t len, struct xst_pkt *p)
{
	struct xst_eth_info e;
	enum xst_net_verdict v;

	/* offsets are 16-bit; no frame of ours (UMEM chunk) comes near that */
	if (len > UINT16_MAX)
		return XST_NET_MALFORMED;
	v = xst_eth_parse(frame, len, &e);
	if (v != XST_NET_OK)
		return v;
	p->nr_vlans = e.nr_vlans;
	p->l3_proto = e.proto;
	p->sport = 0;
	p->dport = 0;
	if (e.proto == XST_ETH_P_IP)
		v = xst_ipv4_parse(frame, len, e.l3_off, p);
	else if (e.proto == XST_ETH_P_IPV6)
		v = xst_ipv6_parse(frame, len, e.l3_off, p);
	else
		return XST_NET_UNSUPPORTED;
	if (v != XST_NET_OK)
		return v;

	if (p->l4_proto == XST_IPPROTO_UDP)
		return xst_udp_parse(frame, p, e.proto == XST_ETH_P_IPV6);
	if (p->l4_proto == XST_IPPROTO_TCP) {
		/* validated by the TCP layer; ports are here for the dispatch */
		if (p->l4_len >= 4) {
			p->sport = xst_get_be16(frame + p->l4_off);
			p->dport = xst_get_be16(frame + p->l4_off + 2);
		}
		return XST_NET_OK;
	}
	return XST_NET_OTHER_PROTO;
}

uint32_t xst_net_udp_reply(uint8_t *frame, const struct xst_pkt *p, uint32_t plen)
{
	uint8_t *ip = frame + p->l3_off;
	uint32_t ulen = XST_UDP_HLEN + plen;
	uint8_t *udp;
	uint32_t psum, ports;

	xst_eth_swap(frame);
	if (p->l3_proto == XST_ETH_P_IP) {
		udp = ip + XST_IPV4_HLEN;
		/* IP options (record route, timestamps, source routes) are not
		 * ours to echo: drop them by moving the datagram up (rare path) */
		if (p->l3_hlen > XST_IPV4_HLEN)
			memmove(udp, frame + p->l4_off, ulen);
		xst_ipv4_reply(ip, (uint16_t)(XST_IPV4_HLEN + ulen));
		psum = xst_csum_pseudo4(ip + 12, ip + 16, XST_IPPROTO_UDP, ulen);
	} else {
		udp = ip + XST_IPV6_HLEN;
		/* extension headers are not echoed either */
		if (p->l3_hlen > XST_IPV6_HLEN)
			memmove(udp, frame + p->l4_off, ulen);
		xst_ipv6_reply(ip, XST_IPPROTO_UDP, (uint16_t)ulen);
		psum = xst_csum_pseudo6(ip + 8, ip + 24, XST_IPPROTO_UDP, ulen);
	}
	ports = xst_load32(udp);
	ports = ports << 16 | ports >> 16;	/* swap the two 16-bit ports, either byte order */
	memcpy(udp, &ports, 4);
	xst_store16(udp + 4, xst_htobe16((uint16_t)ulen));
	/* the per-query cost: a full sum over the answer (see net/csum.c) */
	xst_udp_set_csum(udp, ulen, psum);
	return (uint32_t)(udp - frame) + ulen;
}
