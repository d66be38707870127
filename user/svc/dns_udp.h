/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS over UDP as a service of the generic worker (svc/svc.h): a query to
 * port 53 is answered from the prepared-answer database (dns/db.h), the reply
 * built over the received frame (--send memcpy), or sent from a ready copy
 * kept in the worker's copy pool and patched for this client (--send
 * precopy; svc/copypool.h).
 *
 * The precopy key is the part of the query that decides the reply: the VLAN
 * tags, IPv4 or IPv6, the lower-cased qname, qtype and qclass, RD, whether
 * EDNS is present and DO, and the size limit the reply was cut to. The
 * qname's letter case and the EDNS options (cookies, padding...) are not in
 * it: the responder ignores the options, and a hit copies the client's qname
 * bytes into the copy, so 0x20-randomising and cookie-sending resolvers hit.
 * Only plain queries are looked up (QUERY, one question, no compression
 * pointer, EDNS version 0, class IN); every other message takes the memcpy
 * path. A hit patches what the memcpy path would have written differently
 * for this client: MACs, addresses, ports, IPv4 TOS/ID/DF or the IPv6
 * traffic class and flow label, the DNS ID, the qname bytes, and both
 * checksums (the UDP one by RFC 1624 over the changed fields), so that a copy
 * is byte for byte the reply the memcpy path would send.
 *
 * Flood defence (both send modes alike, issue 9):
 *   cookies  a query's COOKIE option (filter/cookie.h) is checked against
 *            the keys behind cfg.cookies; the reply carries the client
 *            cookie and a fresh server cookie, appended after the copy or
 *            the memcpy reply is built (a copy never holds a cookie: the UDP
 *            length and checksum of the frame are moved on by RFC 1624).
 *            When the cookie would push the reply past the client's UDP
 *            size it is left out (cookie_no_room). A COOKIE option of a
 *            length RFC 7873 5.2.2 refuses is answered FORMERR.
 *   RRL      every UDP reply is classified (filter/rrl.h) and accounted per
 *            client prefix; over the limit it is dropped or, every slip-th
 *            time, replaced by TC=1 built from the query. A query with a
 *            valid server cookie is not limited (as BIND): its source
 *            address is proven. A copy keeps its class and name with it.
 */
#ifndef XST_SVC_DNS_UDP_H
#define XST_SVC_DNS_UDP_H

#include <stdint.h>

#include "core/rcu.h"
#include "core/timer.h"
#include "dns/db.h"
#include "filter/cookie.h"
#include "filter/rrl.h"
#include "io/io.h"
#include "svc/copypool.h"
#include "svc/svc.h"

#define XST_DNS_PORT		53

enum xst_ahead_mode {
	XST_AHEAD_AUTO,		/* when xst_dns_db_ahead() says the zones are large */
	XST_AHEAD_ON,
	XST_AHEAD_OFF,
};

struct xst_dns_udp_cfg {
	struct xst_rcu_ptr *db;		/* const struct xst_dns_db *, replaced on reload */
	enum xst_send_mode send;
	enum xst_ahead_mode ahead;
	struct xst_io *io;		/* precopy: the worker's io, for the copy pool */
	struct xst_copypool_cfg pool;	/* precopy: 0 fields take defaults */
	const struct xst_rrl_cfg *rrl;	/* NULL: no response rate limiting */
	struct xst_rcu_ptr *cookies;	/* const struct xst_cookie_keys *, replaced on
					 * rotation; NULL: no cookies (options ignored) */
	uint32_t (*wall_s)(void);	/* Unix time for cookies; NULL: CLOCK_REALTIME */
};

/* Counters of one worker's DNS service (names in xst_dns_udp_ops.counters). */
struct xst_dns_udp_stats {
	struct xst_dns_stats dns;	/* per query and per rcode (dns/db.h) */
	uint64_t dropped_not_udp;	/* given a frame that is not UDP */
	uint64_t precopy_hits;		/* replies sent from a ready copy */
	uint64_t precopy_misses;	/* a plain query with no idle copy: built by memcpy */
	uint64_t precopy_uncacheable;	/* not a plain query: never looked up */
	struct xst_copypool_stats pool;	/* copy of the pool's, refreshed every iteration */
	uint64_t rrl_limited[XST_RRL_CLASS_MAX];	/* over the limit, per class */
	uint64_t rrl_dropped;		/* limited and dropped */
	uint64_t rrl_slipped;		/* limited and sent as TC=1 */
	uint64_t rrl_exempt;		/* not limited: a valid server cookie */
	uint64_t cookie_valid;		/* our server cookie, good */
	uint64_t cookie_invalid;	/* a server cookie not ours (any more) */
	uint64_t cookie_client_only;	/* a client cookie alone */
	uint64_t cookie_malformed;	/* a COOKIE option of a bad length: FORMERR */
	uint64_t cookie_no_room;	/* reply sent without our cookie: no room */
};

struct xst_dns_udp;

/* Per-worker state. 0 or -errno; *out only on success. */
int xst_dns_udp_create(struct xst_dns_udp **out, const struct xst_dns_udp_cfg *cfg);
/* Before the worker it was added to: the sweep timer leaves the worker's wheel. */
void xst_dns_udp_destroy(struct xst_dns_udp *d);

/* The service's ops for xst_worker_add_service(), state: a struct xst_dns_udp. */
extern const struct xst_svc_ops xst_dns_udp_ops;

/* The counters, for the stats thread (relaxed reads) and tests. */
const struct xst_dns_udp_stats *xst_dns_udp_stats(const struct xst_dns_udp *d);

#endif /* XST_SVC_DNS_UDP_H */
