/* SPDX-License-Identifier: GPL-2.0 */
/* IPv6 fixed header validation and reply rewriting. */
#ifndef XST_NET_IPV6_H
#define XST_NET_IPV6_H

#include <stdbool.h>
#include <stdint.h>

#include "net/net.h"

#define XST_IPV6_HLEN		40
#define XST_IPV6_ALEN		16
#define XST_REPLY_HOPLIMIT	64

/*
 * Validate the IPv6 header at frame + off; the frame has len bytes. On
 * XST_NET_OK, p->l3_* and p->l4_off/l4_len/l4_proto are set (l4_len =
 * payload length). MALFORMED: version, payload length beyond the frame.
 * FRAGMENT: next header is a fragment header. UNSUPPORTED: any other
 * extension header (the steering program does not hand those over either).
 * NOT_UNICAST: multicast or unspecified source, multicast destination.
 */
enum xst_net_verdict xst_ipv6_parse(const uint8_t *frame, uint32_t len, uint32_t off,
				    struct xst_pkt *p);

/* ff00::/8 */
static inline bool xst_ipv6_is_multicast(const uint8_t *a)
{
	return a[0] == 0xff;
}

/* Rewrite the IPv6 header at ip for a reply: swap addresses, hop limit 64,
 * clear ECN, keep traffic class and flow label, payload length plen. */
void xst_ipv6_reply(uint8_t *ip, uint16_t plen);

#endif /* XST_NET_IPV6_H */
