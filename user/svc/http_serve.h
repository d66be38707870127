/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The static HTTP server as a service of the generic worker (svc/svc.h):
 * TCP segments to the HTTP port go to the worker's own TCP (tcp/tcp.h);
 * request bytes are parsed in place (http/request.h), answered by choosing
 * a prepared response of the site (http/prepared.h), and every segment TCP
 * asks for is a prepared frame copied into a free UMEM frame and patched
 * (addresses, ports, seq/ack, window, the Date and Connection values, both
 * checksums by RFC 1624). A connection with a smaller MSS than the prepared
 * one, an ACK that ends mid-segment and byte ranges (206) are sent through
 * the slow path: the same bytes, summed in full (xst_http_seg_build_any()).
 *
 * Per connection: up to XST_HTTP_PIPELINE responses queued (pipelining;
 * more requests wait in TCP's receive buffer, and its window closes), and
 * one range response at a time (a second pipelined range request gets the
 * whole object: RFC 9110 14.2 lets a server ignore Range).
 *
 * Reloads: each connection holds the site generation it started with (the
 * site's holder counters); new connections take the current one.
 *
 * --send precopy: a prepared segment (not the slow path, no VLAN tag) is
 * sent from a ready copy in the worker's copy pool (svc/copypool.h), keyed
 * by (site generation's serial, prepared response, family, segment index):
 * the copy, last sent to any connection with any date and either Connection
 * value, gets the flow's MACs, is repatched for this flow's addresses,
 * ports, seq/ack/window/FIN (xst_http_seg_repatch()), and its Date and
 * Connection bytes are rewritten from what it holds, so that it is byte for
 * byte the frame the memcpy path would build. A miss (no entry, or every
 * copy in flight) takes the memcpy path and stores a copy of what it built.
 * The serial in the key means a copy of a replaced (maybe freed) generation
 * is never sent for another one, whatever address that one got; the pool is
 * also flushed when the current generation changes (its copies would only
 * age out otherwise).
 */
#ifndef XST_SVC_HTTP_SERVE_H
#define XST_SVC_HTTP_SERVE_H

#include <stdint.h>
#include <time.h>

#include "core/rcu.h"
#include "http/prepared.h"
#include "http/request.h"
#include "io/io.h"
#include "svc/copypool.h"
#include "svc/svc.h"
#include "tcp/tcp.h"

#define XST_HTTP_PIPELINE	8	/* responses queued per connection */

struct xst_http_serve_cfg {
	struct xst_rcu_ptr *prep;	/* struct xst_http_prepared *, replaced on reload */
	unsigned int worker;		/* this worker's holder id (< the site's nr_workers) */
	struct xst_tcp_cfg tcp;
	struct xst_http_limits limits;	/* 0 fields: XST_HTTP_LIMITS_DEFAULT */
	enum xst_send_mode send;
	struct xst_io *io;		/* precopy: the worker's io, for the copy pool */
	struct xst_copypool_cfg pool;	/* precopy: 0 fields take defaults (max_frames:
					 * the io's max_held) */
	/* The wall clock the Date comes from (read once per second); NULL:
	 * CLOCK_REALTIME. Tests set their own. */
	void (*realtime)(struct timespec *ts);
};

/* Counters of one worker's HTTP service (names in xst_http_serve_ops.counters). */
struct xst_http_serve_stats {
	uint64_t requests;		/* complete requests parsed */
	uint64_t status_200;
	uint64_t status_206;
	uint64_t status_301;
	uint64_t status_304;
	uint64_t status_4xx;
	uint64_t status_5xx;
	uint64_t head;			/* HEAD requests */
	uint64_t bad_requests;		/* the parser refused the bytes (400, 413, 414, 431, 501, 505) */
	uint64_t segs_prepared;		/* segments sent from a prepared frame (copied or precopied) */
	uint64_t precopy_hits;		/* ... of them sent from a ready copy */
	uint64_t precopy_misses;	/* ... of them that could have been: memcpy, copy stored */
	uint64_t segs_built;		/* segments built by the slow path */
	uint64_t payload_bytes;		/* stream bytes sent (retransmissions included) */
	uint64_t xmit_nobufs;		/* no free frame: the segment waits */
	uint64_t no_conn_state;		/* a connection refused: no per-connection state left */
	uint64_t dropped_not_tcp;	/* given a frame that is not TCP */
	struct xst_tcp_stats tcp;	/* copy of TCP's, refreshed every iteration */
	struct xst_copypool_stats pool;	/* precopy: copy of the pool's, refreshed likewise */
};

struct xst_http_serve;

/* Per-worker state (the TCP instance on the worker's timer wheel). 0 or -errno. */
int xst_http_serve_create(struct xst_http_serve **out, const struct xst_http_serve_cfg *cfg,
			  struct xst_timer_wheel *timers, uint64_t now);
/* Closes every connection (nothing sent) and releases their sites. NULL: no-op.
 * Before the worker (its wheel): the connections' and the pool's timers leave it. */
void xst_http_serve_destroy(struct xst_http_serve *s);

extern const struct xst_svc_ops xst_http_serve_ops;

const struct xst_http_serve_stats *xst_http_serve_stats(const struct xst_http_serve *s);

#endif /* XST_SVC_HTTP_SERVE_H */
