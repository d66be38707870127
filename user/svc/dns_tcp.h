/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS over TCP (RFC 7766) with an ordinary kernel socket: TCP/53 is not
 * steered, so the kernel stack terminates it and this thread answers from the
 * same prepared database as the AF_XDP workers (TC=1 retries land here).
 * One thread, epoll, bounded connections, 2-byte length framing, several
 * queries per connection, idle timeout.
 */
#ifndef XST_SVC_DNS_TCP_H
#define XST_SVC_DNS_TCP_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/rcu.h"

#include "dns/db.h"

struct xst_dns_tcp;

/* Counters of the TCP thread, written by it only (relaxed reads elsewhere). */
struct xst_dns_tcp_stats {
	struct xst_dns_stats dns;	/* per query and rcode */
};

struct xst_dns_tcp_cfg {
	const char *ifname;	/* SO_BINDTODEVICE: only this interface's traffic */
	uint16_t port;		/* host order, normally 53 */
	unsigned int max_conns;	/* connections beyond are refused (closed at accept) */
	int idle_ms;		/* a connection with nothing to do for this long is closed */
};

/*
 * Bind [::]:port (dual stack) to cfg->ifname and listen; registers an RCU
 * reader in rcu and answers from the database *db (const struct
 * xst_dns_db *). Returns 0 or -errno (e.g. -EADDRINUSE); *out only on success.
 */
int xst_dns_tcp_create(struct xst_dns_tcp **out, const struct xst_dns_tcp_cfg *cfg,
		       struct xst_rcu *rcu, struct xst_rcu_ptr *db, const atomic_int *stop);
/* Start the thread (all signals blocked in it). 0 or -errno. */
int xst_dns_tcp_start(struct xst_dns_tcp *t);
/* Join (after *stop was set), close every socket, free. NULL is a no-op. */
void xst_dns_tcp_destroy(struct xst_dns_tcp *t);

const struct xst_dns_tcp_stats *xst_dns_tcp_stats(const struct xst_dns_tcp *t);

#endif /* XST_SVC_DNS_TCP_H */
