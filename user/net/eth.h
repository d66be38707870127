/* SPDX-License-Identifier: GPL-2.0 */
/* Ethernet and 802.1Q/802.1ad VLAN tags. */
#ifndef XST_NET_ETH_H
#define XST_NET_ETH_H

#include <stdbool.h>
#include <stdint.h>

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

/* Parse the Ethernet header and tags of frame[0..len). XST_NET_OK, MALFORMED
 * (truncated), UNSUPPORTED (3+ tags, 802.3 length field), NOT_UNICAST
 * (group source or destination MAC). */
enum xst_net_verdict xst_eth_parse(const uint8_t *frame, uint32_t len, struct xst_eth_info *e);

static inline bool xst_eth_is_group(const uint8_t *mac)
{
	return mac[0] & 1;	/* I/G bit: multicast and broadcast */
}

/* Exchange destination and source MAC: the reply goes to the sender's link address. */
void xst_eth_swap(uint8_t *frame);

#endif /* XST_NET_ETH_H */
