/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet layers: pure functions on Ethernet frames (no state, no allocation).
 * xst_net_parse() validates a received frame down to its L4 header;
 * xst_net_udp_reply() turns a parsed UDP frame, whose payload the caller has
 * overwritten with a reply, into the reply frame.
 */
#ifndef XST_NET_NET_H
#define XST_NET_NET_H

#include <stdint.h>

/* Outcome of parsing one frame; the service counts each one. */
enum xst_net_verdict {
	XST_NET_OK = 0,
	XST_NET_MALFORMED,	/* failed a length or format check */
	XST_NET_UNSUPPORTED,	/* valid but not handled here: 3+ VLAN tags, non-IP
				 * ethertype, IPv6 extension headers */
	XST_NET_FRAGMENT,	/* IPv4 fragment or IPv6 fragment header: never answered */
	XST_NET_NOT_UNICAST,	/* multicast/broadcast/unspecified source or destination
				 * (MAC or IP): a reply would go to a group */
	XST_NET_OTHER_PROTO,	/* L4 protocol other than UDP and TCP */
	XST_NET_VERDICT_MAX
};

#define XST_IPPROTO_TCP		6
#define XST_IPPROTO_UDP		17

/* Where the layers of a parsed frame are. Offsets from the frame start. */
struct xst_pkt {
	uint16_t l3_off;	/* IPv4/IPv6 header */
	uint16_t l3_hlen;	/* IPv4: IHL * 4 (options included); IPv6: 40 */
	uint16_t l4_off;	/* UDP/TCP header: l3_off + l3_hlen */
	uint16_t l4_len;	/* UDP: the UDP length (header included, validated);
				 * other L4: bytes of IP payload */
	uint16_t l3_proto;	/* XST_ETH_P_IP or XST_ETH_P_IPV6, host order */
	uint16_t sport;		/* UDP/TCP ports, host order (0 for other L4) */
	uint16_t dport;
	uint8_t l4_proto;	/* XST_IPPROTO_* */
	uint8_t nr_vlans;	/* 0..2 tags between the MACs and the ethertype */
};

/*
 * Parse frame[0..len): Ethernet, up to two 802.1Q/802.1ad tags, IPv4 (with
 * options) or IPv6 (no extension headers), and for UDP the UDP header and
 * length. Returns XST_NET_OK with *p filled, or why the frame is not usable.
 * Reads nothing at or beyond frame + len. Trailing bytes after the IP packet
 * (Ethernet padding) are allowed. Received checksums are not verified: on
 * veth they hold only the pseudo-header sum (CHECKSUM_PARTIAL).
 */
enum xst_net_verdict xst_net_parse(const uint8_t *frame, uint32_t len, struct xst_pkt *p);

/* Room for a UDP reply payload at frame + p->l4_off + 8, given cap bytes of
 * frame, keeping the IP packet within mtu bytes (0: only the 16-bit IP length
 * limits). The reply's IP header has no options (20 or 40 bytes). */
static inline uint32_t xst_net_udp_room(const struct xst_pkt *p, uint32_t cap, uint32_t mtu)
{
	uint32_t hdr = (uint32_t)p->l4_off + 8;
	uint32_t iphdr = p->l3_proto == 0x0800 ? 20 : 40;
	uint32_t room, lim;

	if (cap <= hdr)
		return 0;
	room = cap - hdr;
	/* IPv4 total length and IPv6 payload length are 16-bit */
	lim = UINT16_MAX - 8 - (p->l3_proto == 0x0800 ? 20 : 0);
	if (mtu) {
		uint32_t m = mtu > iphdr + 8 ? mtu - iphdr - 8 : 0;

		if (m < lim)
			lim = m;
	}
	return room < lim ? room : lim;
}

/*
 * Build the UDP reply in place: the caller has written plen bytes of payload
 * at frame + p->l4_off + 8 (plen <= xst_net_udp_room()). Swaps MACs, IP
 * addresses and ports, keeps VLAN tags as received, drops IPv4 options
 * (moving the UDP datagram up), sets TTL/hop limit 64, clears ECN, keeps the
 * IPv4 id and DF, fixes every length, the IPv4 header checksum and the full
 * UDP checksum (never 0). Returns the reply frame length.
 */
uint32_t xst_net_udp_reply(uint8_t *frame, const struct xst_pkt *p, uint32_t plen);

#endif /* XST_NET_NET_H */
