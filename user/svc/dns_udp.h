/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-frame service: one received Ethernet frame in, the reply frame
 * (built over the same buffer) or a drop out. Joins the packet layers
 * (net/) and the DNS responder (dns/db.h); knows nothing of I/O.
 */
#ifndef XST_SVC_DNS_UDP_H
#define XST_SVC_DNS_UDP_H

#include <stdint.h>

#include "dns/db.h"

#define XST_DNS_PORT		53
/* Largest IP packet a reply may be: the interface MTU we assume (replies
 * that would be larger are truncated by the DNS layer, TC=1). */
#define XST_SERVICE_MTU		1500

/*
 * Per-worker counters, written by one thread only. Every frame is counted in
 * rx_frames and in exactly one of tx_frames, dropped_malformed and
 * dropped_other; the dropped_* counters after dropped_other break it down
 * (their sum equals dropped_other).
 */
struct xst_service_stats {
	uint64_t rx_frames;
	uint64_t tx_frames;		/* replies produced */
	uint64_t dropped_malformed;	/* failed a length/format check (any layer) */
	uint64_t dropped_other;		/* valid but not answered: the sum of the below */
	uint64_t dropped_unsupported;	/* non-IP, 3+ VLAN tags, IPv6 extension headers */
	uint64_t dropped_fragment;	/* IPv4 fragments, IPv6 fragment headers */
	uint64_t dropped_not_unicast;	/* group/unspecified MAC or IP source/destination */
	uint64_t dropped_proto;		/* not UDP (TCP included, until a TCP service exists) */
	uint64_t dropped_port;		/* UDP to a port other than 53 */
	uint64_t dropped_dns;		/* the DNS layer dropped it (see dns.dropped_*) */
	struct xst_dns_stats dns;
};

/*
 * Handle one received Ethernet frame in place (Ethernet, up to two VLAN tags,
 * IPv4/IPv6, UDP to port 53, DNS). Returns the length of the reply frame,
 * written over the same buffer (cap bytes of room), or 0 to drop; every
 * outcome counted in *st. No allocation, no lock, no syscall. Reads nothing
 * at or beyond frame + len before the DNS layer has written there.
 */
uint32_t xst_service_frame(const struct xst_dns_db *db, uint8_t *frame, uint32_t len,
			   uint32_t cap, struct xst_service_stats *st);

/*
 * Start the DNS lookahead (dns/db.h) for a received frame, read only: the
 * lookup xst_service_frame() will make for it, if it is a UDP query to port
 * 53; otherwise a is left with nothing to do. For a batch, call this on every
 * frame, then the XST_DNS_AHEAD_STEPS rounds of xst_dns_ahead_step(), then
 * xst_service_frame() on each.
 */
void xst_service_ahead(const struct xst_dns_db *db, const uint8_t *frame, uint32_t len,
		       struct xst_dns_ahead *a);

#endif /* XST_SVC_DNS_UDP_H */
