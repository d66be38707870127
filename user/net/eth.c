// SPDX-License-Identifier: GPL-2.0
#include "net/eth.h"

#include <string.h>

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum xst_net_verdict xst_eth_parse(const uint8_t *frame, uint32_t len, struct xst_eth_info *e)
{
	uint32_t off = XST_ETH_HLEN;
	uint16_t proto;
	uint8_t tags = 0;

	if (len < XST_ETH_HLEN)
		return XST_NET_MALFORMED;
	proto = be16(frame + 12);
	while (proto == XST_ETH_P_8021Q || proto == XST_ETH_P_8021AD ||
	       proto == XST_ETH_P_QINQ1) {
		if (tags == XST_VLAN_MAX)
			return XST_NET_UNSUPPORTED;
		/* TPID at off - 2 (already read), TCI at off, inner ethertype at off + 2 */
		if (len - off < XST_VLAN_HLEN)
			return XST_NET_MALFORMED;
		proto = be16(frame + off + 2);
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

void xst_eth_swap(uint8_t *frame)
{
	uint8_t tmp[XST_ETH_ALEN];

	memcpy(tmp, frame, XST_ETH_ALEN);
	memcpy(frame, frame + XST_ETH_ALEN, XST_ETH_ALEN);
	memcpy(frame + XST_ETH_ALEN, tmp, XST_ETH_ALEN);
}
