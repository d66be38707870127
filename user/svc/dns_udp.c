// SPDX-License-Identifier: GPL-2.0
/*
 * Per-frame path: parse -> dispatch on protocol and port -> DNS responder
 * writes its reply over the query payload -> packet layers finish the
 * headers (addresses, lengths, checksums) around it.
 */
#include "svc/dns_udp.h"

#include "dns/db.h"
#include "net/net.h"
#include "net/udp.h"

static uint32_t drop_other(uint64_t *why, struct xst_service_stats *st)
{
	(*why)++;
	st->dropped_other++;
	return 0;
}

uint32_t xst_service_frame(const struct xst_dns_db *db, uint8_t *frame, uint32_t len,
			   uint32_t cap, struct xst_service_stats *st)
{
	struct xst_pkt p;
	uint32_t room;
	size_t rlen;

	st->rx_frames++;
	if (len > cap) {
		st->dropped_malformed++;
		return 0;
	}
	switch (xst_net_parse(frame, len, &p)) {
	case XST_NET_OK:
		break;
	case XST_NET_UNSUPPORTED:
		return drop_other(&st->dropped_unsupported, st);
	case XST_NET_FRAGMENT:
		return drop_other(&st->dropped_fragment, st);
	case XST_NET_NOT_UNICAST:
		return drop_other(&st->dropped_not_unicast, st);
	case XST_NET_OTHER_PROTO:
		return drop_other(&st->dropped_proto, st);
	case XST_NET_MALFORMED:
	default:
		st->dropped_malformed++;
		return 0;
	}

	switch (p.l4_proto) {
	case XST_IPPROTO_UDP:
		break;
	case XST_IPPROTO_TCP:
		/* Dispatch point for the TCP/HTTP service (user/tcp, user/http):
		 * until it exists, TCP is not ours (the steering program does
		 * not send TCP/53; DNS over TCP uses a kernel socket). */
		return drop_other(&st->dropped_proto, st);
	default:
		return drop_other(&st->dropped_proto, st);
	}
	if (p.dport != XST_DNS_PORT)
		return drop_other(&st->dropped_port, st);

	room = xst_net_udp_room(&p, cap, XST_SERVICE_MTU);
	/* a query larger than a reply may be (beyond the MTU) is not a sane query */
	if (room < (uint32_t)p.l4_len - XST_UDP_HLEN) {
		st->dropped_malformed++;
		return 0;
	}
	rlen = xst_dns_respond(db, frame + p.l4_off + XST_UDP_HLEN, p.l4_len - XST_UDP_HLEN,
			       room, XST_DNS_UDP, &st->dns);
	if (!rlen || rlen > room)
		return drop_other(&st->dropped_dns, st);
	st->tx_frames++;
	return xst_net_udp_reply(frame, &p, (uint32_t)rlen);
}

void xst_service_ahead(const struct xst_dns_db *db, const uint8_t *frame, uint32_t len,
		       struct xst_dns_ahead *a)
{
	struct xst_pkt p;

	a->step = 0;
	if (xst_net_parse(frame, len, &p) != XST_NET_OK || p.l4_proto != XST_IPPROTO_UDP ||
	    p.dport != XST_DNS_PORT)
		return;
	xst_dns_ahead_start(db, a, frame + p.l4_off + XST_UDP_HLEN, p.l4_len - XST_UDP_HLEN);
}
