/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS over TCP (RFC 7766) with ordinary kernel sockets: TCP/53 is not
 * steered, so the kernel stack terminates it and this thread answers from
 * the same prepared database as the AF_XDP workers (TC=1 retries land here).
 * One thread, epoll, 2-byte length framing, several queries per connection,
 * pipelined queries answered in order.
 *
 * Listeners: one per served local address (and device), opened and closed
 * at run time with xst_dns_tcp_listen()/unlisten() as addresses come and go
 * (daemon/hostwatch.c), never a wildcard: a wildcard [::]:53 collides with
 * any other DNS server bound to one address of the host (systemd-resolved
 * on 127.0.0.53, a resolver on another interface).
 *
 * Connections cannot be held hostage (NSD's and Knot's defences):
 *  - a complete query must arrive within query_timeout_ms of the
 *    connection's start, or of the first byte after an answer (pipelined
 *    bytes already there: of the answer); bytes trickling in do not extend
 *    it;
 *  - between queries, with nothing received, a connection is closed after
 *    idle_timeout_ms; a reply the client does not read, likewise;
 *  - at most per_source connections per IPv4 address / IPv6 /64;
 *  - when all max_conns slots are taken, a new connection is admitted by
 *    closing the one idle longest after an answer; if none is idle, the one
 *    whose query has been due longest (silent or mid-query: the oldest, so
 *    that a flood of reconnecting clients cannot push out a resolver that
 *    has just connected); if none, the oldest blocked reply.
 */
#ifndef XST_SVC_DNS_TCP_H
#define XST_SVC_DNS_TCP_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/rcu.h"
#include "dns/db.h"

struct xst_dns_tcp;

#define XST_DNS_TCP_MAX_CONNS		256
#define XST_DNS_TCP_PER_SOURCE		16
/* Longer than a query takes over a lossy path (a lost segment costs one
 * initial RTO of 1 s, RFC 6298; two cost 3 s), far shorter than a slow
 * client's 4 s per byte; Knot's 500 ms cuts off slow links, NSD's 120 s
 * lets a slot be held for minutes. */
#define XST_DNS_TCP_QUERY_TIMEOUT_MS	3000
/* Knot's tcp-idle-timeout; RFC 7766 section 6.2.3: seconds, not minutes. */
#define XST_DNS_TCP_IDLE_TIMEOUT_MS	10000
#define XST_DNS_TCP_MAX_LISTENERS	1024

struct xst_dns_tcp_cfg {
	uint16_t port;			/* host order, normally 53 */
	unsigned int max_conns;		/* 0: XST_DNS_TCP_MAX_CONNS */
	unsigned int per_source;	/* per IPv4 address / IPv6 /64; 0: XST_DNS_TCP_PER_SOURCE;
					 * >= max_conns: no limit */
	unsigned int query_timeout_ms;	/* 0: XST_DNS_TCP_QUERY_TIMEOUT_MS */
	unsigned int idle_timeout_ms;	/* 0: XST_DNS_TCP_IDLE_TIMEOUT_MS */
};

/*
 * Counters, written by the TCP thread only; other threads read them with
 * __atomic_load_n(..., __ATOMIC_RELAXED).
 */
struct xst_dns_tcp_stats {
	uint64_t accepted;		/* connections admitted */
	uint64_t refused_per_source;	/* closed at accept: the source had per_source already */
	uint64_t evicted;		/* closed to admit a new one: nothing of a query received */
	uint64_t evicted_busy;		/* closed to admit a new one: mid-query or reply blocked */
	uint64_t query_timeouts;	/* no complete query within query_timeout_ms */
	uint64_t idle_closes;		/* nothing received for idle_timeout_ms after an answer */
	uint64_t write_timeouts;	/* reply not read by the client for idle_timeout_ms */
	uint64_t closed;		/* closed by the peer, or a socket error */
	uint64_t bad_frames;		/* a zero length prefix, or a message that gets no
					 * answer (QR=1, a runt): closed, as NSD does */
	uint64_t accept_errors;		/* accept() failed (EMFILE...), or no memory */
	uint64_t queries;		/* complete messages received */
	uint64_t answered;		/* replies sent */
	struct xst_dns_stats dns;	/* the responder's, as for UDP */
} __attribute__((aligned(64)));

/* One listener: an address and the device whose traffic it takes. */
struct xst_dns_tcp_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; IPv4 in addr[0..3] */
	int scope_id;		/* IPv6 link-local: the ifindex of its link; else 0 */
	int ifindex;		/* SO_BINDTOIFINDEX: only connections arriving on this device; 0: any */
};

/*
 * Set up (no listener yet); registers a reader in rcu, which the thread
 * keeps offline while it waits in epoll. db holds the struct xst_dns_db *.
 * Returns 0 or -errno; *out only on success.
 */
int xst_dns_tcp_create(struct xst_dns_tcp **out, const struct xst_dns_tcp_cfg *cfg,
		       struct xst_rcu *rcu, struct xst_rcu_ptr *db, const atomic_int *stop);
/* Start the thread (all signals blocked in it). 0 or -errno. */
int xst_dns_tcp_start(struct xst_dns_tcp *t);
/* Join (after *stop was set), close every socket, free. NULL is a no-op. */
void xst_dns_tcp_destroy(struct xst_dns_tcp *t);

/*
 * Open a listener on a:port (SO_REUSEADDR, IPV6_V6ONLY, IP_FREEBIND /
 * IPV6_FREEBIND so that a tentative address binds, SO_BINDTOIFINDEX when
 * a->ifindex). Callable from one other thread while the TCP thread runs.
 * 0, -EEXIST (already listening there), -ENOSPC (XST_DNS_TCP_MAX_LISTENERS),
 * or the -errno of socket/bind/listen (-EADDRINUSE: another server has it).
 */
int xst_dns_tcp_listen(struct xst_dns_tcp *t, const struct xst_dns_tcp_addr *a);
/* Close that listener (connections accepted on it go on). 0 or -ENOENT. */
int xst_dns_tcp_unlisten(struct xst_dns_tcp *t, const struct xst_dns_tcp_addr *a);
unsigned int xst_dns_tcp_nr_listeners(struct xst_dns_tcp *t);

/* The counters (see struct xst_dns_tcp_stats for how to read them). */
const struct xst_dns_tcp_stats *xst_dns_tcp_stats(const struct xst_dns_tcp *t);
/* Replies sent so far (relaxed read). */
uint64_t xst_dns_tcp_answered(const struct xst_dns_tcp *t);
/* Connections open now (relaxed read). */
unsigned int xst_dns_tcp_nr_conns(const struct xst_dns_tcp *t);

#endif /* XST_SVC_DNS_TCP_H */
