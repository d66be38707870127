/* SPDX-License-Identifier: GPL-2.0 */
/* IPv4 header validation and reply rewriting. */
#ifndef XST_NET_IPV4_H
#define XST_NET_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "net/net.h"

#define XST_IPV4_HLEN		20	/* without options */
#define XST_IPV4_HLEN_MAX	60
#define XST_IPV4_DF		0x4000	/* frag_off bits, host order */
#define XST_IPV4_MF		0x2000
#define XST_IPV4_OFFMASK	0x1fff
#define XST_REPLY_TTL		64

/*
 * Validate the IPv4 header at frame + off; the frame has len bytes. On
 * XST_NET_OK, p->l3_* and p->l4_off/l4_len/l4_proto are set (l4_len = total
 * length - IHL * 4). MALFORMED: version, IHL < 5, header or total length
 * beyond the frame, total length < IHL * 4. FRAGMENT: MF set or offset != 0.
 * NOT_UNICAST: source or destination 0.0.0.0, multicast, class E or broadcast.
 */
enum xst_net_verdict xst_ipv4_parse(const uint8_t *frame, uint32_t len, uint32_t off,
				    struct xst_pkt *p);

/* True for an address (network order bytes) that must never get a reply: 0/32,
 * 224/4 multicast, 240/4 (class E and 255.255.255.255). */
bool xst_ipv4_is_group(const uint8_t *addr);

/*
 * Rewrite the IPv4 header at ip (IHL already 5) of a reply: swap addresses,
 * TTL 64, clear ECN, keep id and DF, clear the other fragment bits, total
 * length tot_len, header checksum recomputed.
 */
void xst_ipv4_reply(uint8_t *ip, uint16_t tot_len);

#endif /* XST_NET_IPV4_H */
