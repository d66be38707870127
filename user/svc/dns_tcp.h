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

#include "svc/worker.h"

struct xst_dns_tcp;

struct xst_dns_tcp_cfg {
	const char *ifname;	/* SO_BINDTODEVICE: only this interface's traffic */
	uint16_t port;		/* host order, normally 53 */
	unsigned int max_conns;	/* connections beyond are refused (closed at accept) */
	int idle_ms;		/* a connection with nothing to do for this long is closed */
};

/*
 * Bind [::]:port (dual stack) to cfg->ifname and listen; registers a db
 * reader in ref. Returns 0 or -errno (e.g. -EADDRINUSE); *out only on success.
 */
int xst_dns_tcp_create(struct xst_dns_tcp **out, const struct xst_dns_tcp_cfg *cfg,
		       struct xst_dbref *ref, const atomic_int *stop);
/* Start the thread (all signals blocked in it). 0 or -errno. */
int xst_dns_tcp_start(struct xst_dns_tcp *t);
/* Join (after *stop was set), close every socket, free. NULL is a no-op. */
void xst_dns_tcp_destroy(struct xst_dns_tcp *t);

/* Queries answered so far (relaxed read, for the stats line). */
uint64_t xst_dns_tcp_answered(const struct xst_dns_tcp *t);

#endif /* XST_SVC_DNS_TCP_H */
