/* SPDX-License-Identifier: GPL-2.0 */
/* UDP header validation and checksum. */
#ifndef XST_NET_UDP_H
#define XST_NET_UDP_H

#include <stdint.h>

#include "net/net.h"

#define XST_UDP_HLEN		8

/*
 * Validate the UDP header at frame + p->l4_off, p->l4_len bytes of IP
 * payload (already checked to lie inside the frame). MALFORMED: fewer than 8
 * bytes, UDP length < 8 or beyond the IP payload, source port 0 (no reply
 * possible). On XST_NET_OK, p->l4_len becomes the UDP length and the ports
 * are set. The received checksum is not looked at.
 */
enum xst_net_verdict xst_udp_parse(const uint8_t *frame, struct xst_pkt *p);

/*
 * Write the UDP checksum of the datagram at udp (ulen bytes, checksum field
 * zeroed by this function), with the pseudo-header partial sum psum (see
 * net/csum.h). A result of 0 is sent as 0xffff (RFC 768).
 */
void xst_udp_set_csum(uint8_t *udp, uint32_t ulen, uint32_t psum);

#endif /* XST_NET_UDP_H */
