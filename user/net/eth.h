/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ethernet and 802.1Q/802.1ad VLAN tags. Inline: the per-frame path runs
 * through every layer once per packet, and calls between tiny parsers cost
 * as much as the parsing.
 */
#ifndef XST_NET_ETH_H
#define XST_NET_ETH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/byteorder.h"
#include "net/net.h"

#define XST_ETH_ALEN		6
#define XST_ETH_HLEN		14
#define XST_VLAN_HLEN		4
#define XST_VLAN_MAX		2	/* QinQ; a third tag is XST_NET_UNSUPPORTED */

#define XST_ETH_P_IP		0x0800
#define XST_ETH_P_IPV6		0x86dd
#define XST_ETH_P_8021Q		0x8100
#define XST_ETH_P_8021AD	0x88a8
#define XST_ETH_P_QINQ1		0x9100	/* pre-802.1ad QinQ outer tag */

struct xst_eth_info {
	uint16_t proto;		/* ethertype after the tags, host order */
	uint16_t l3_off;	/* first byte after the Ethernet header and tags */
	uint8_t nr_vlans;
};

static inline bool xst_eth_is_group(const uint8_t *mac)
{
	return mac[0] & 1;	/* I/G bit: multicast and broadcast */
}

static inline bool xst_eth_is_tag(uint16_t proto)
{
	return proto == XST_ETH_P_8021Q || proto == XST_ETH_P_8021AD || proto == XST_ETH_P_QINQ1;
}

/* Parse the Ethernet header and tags of frame[0..len). XST_NET_OK, MALFORMED
 * (truncated), UNSUPPORTED (3+ tags, 802.3 length field), NOT_UNICAST
 * (group source or destination MAC). */
static inline enum xst_net_verdict xst_eth_parse(const uint8_t *frame, uint32_t len,
						 struct xst_eth_info *e)
{
	uint32_t off = XST_ETH_HLEN;
	uint16_t proto;
	uint8_t tags = 0;

	if (len < XST_ETH_HLEN)
		return XST_NET_MALFORMED;
	proto = xst_get_be16(frame + 12);
	while (xst_eth_is_tag(proto)) {
		if (tags == XST_VLAN_MAX)
			return XST_NET_UNSUPPORTED;
		/* TPID at off - 2 (already read), TCI at off, inner ethertype at off + 2 */
		if (len - off < XST_VLAN_HLEN)
			return XST_NET_MALFORMED;
		proto = xst_get_be16(frame + off + 2);
		off += XST_VLAN_HLEN;
		tags++;
	}
	if (proto < 0x0600)	/* 802.3 length field, LLC follows */
		return XST_NET_UNSUPPORTED;
	if (xst_eth_is_group(frame) || xst_eth_is_group(frame + XST_ETH_ALEN))
		return XST_NET_NOT_UNICAST;
	e->proto = proto;
	e->l3_off = (uint16_t)off;
	e->nr_vlans = tags;
	return XST_NET_OK;
}

/* Exchange destination and source MAC: the reply goes to the sender's link address. */
static inline void xst_eth_swap(uint8_t *frame)
{
	uint8_t tmp[XST_ETH_ALEN];

	memcpy(tmp, frame, XST_ETH_ALEN);
	memcpy(frame, frame + XST_ETH_ALEN, XST_ETH_ALEN);
	memcpy(frame + XST_ETH_ALEN, tmp, XST_ETH_ALEN);
}

#endif /* XST_NET_ETH_H */
