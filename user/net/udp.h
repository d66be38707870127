/* SPDX-License-Identifier: GPL-2.0 */
/* UDP header validation and checksum (inline: per-frame path). */
#ifndef XST_NET_UDP_H
#define XST_NET_UDP_H

#include <stdint.h>

#include "net/csum.h"
#include "net/eth.h"
#include "net/net.h"

#define XST_UDP_HLEN		8

/*
 * Validate the UDP header at frame + p->l4_off, p->l4_len bytes of IP
 * payload (already checked to lie inside the frame). MALFORMED: fewer than 8
 * bytes, UDP length < 8 or beyond the IP payload, source port 0 (no reply
 * possible), and over IPv6 a checksum of 0 (RFC 8200 8.1: such a datagram
 * is discarded). On XST_NET_OK, p->l4_len becomes the UDP length and the
 * ports are set. The checksum is not verified otherwise (CHECKSUM_PARTIAL on
 * veth leaves only the pseudo-header sum, never 0).
 */
static inline enum xst_net_verdict xst_udp_parse(const uint8_t *frame, struct xst_pkt *p, int v6)
{
	const uint8_t *udp = frame + p->l4_off;
	uint16_t ulen;

	if (p->l4_len < XST_UDP_HLEN)
		return XST_NET_MALFORMED;
	ulen = xst_get_be16(udp + 4);
	if (ulen < XST_UDP_HLEN || ulen > p->l4_len)
		return XST_NET_MALFORMED;
	p->sport = xst_get_be16(udp);
	p->dport = xst_get_be16(udp + 2);
	if (!p->sport || (v6 && !xst_load16(udp + 6)))
		return XST_NET_MALFORMED;
	p->l4_len = ulen;
	return XST_NET_OK;
}

/*
 * Write the UDP checksum of the datagram at udp (ulen bytes, checksum field
 * zeroed by this function), with the pseudo-header partial sum psum (see
 * net/csum.h). A result of 0 is sent as 0xffff (RFC 768: 0 means none).
 */
static inline void xst_udp_set_csum(uint8_t *udp, uint32_t ulen, uint32_t psum)
{
	uint16_t check;

	udp[6] = 0;
	udp[7] = 0;
	check = xst_csum_fold(xst_csum_partial(udp, ulen, psum));
	xst_store16(udp + 6, check ? check : 0xffff);
}

#endif /* XST_NET_UDP_H */
