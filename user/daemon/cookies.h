/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DNS server-cookie secrets of a service, one copy for both modes: the
 * DNS service (daemon/svc_dns.c) makes and checks server cookies with them,
 * the filter service (daemon/svc_filter.c) challenges with them and
 * verifies the cookies a client returns -- with --cookie-secret the same
 * secret as the kernel server's (NSD's cookie-secret-file, BIND's
 * cookie-secret), so that the cookies it hands out verify too.
 *
 * The keys are published by RCU to the workers (filter/cookie.h). A random
 * secret is replaced every XST_COOKIE_ROTATE_S by the service's tick (the
 * previous one still verifies for as long); a fixed one (--cookie-secret)
 * is never rotated by us, only re-read on SIGHUP. Main thread only.
 */
#ifndef XST_DAEMON_COOKIES_H
#define XST_DAEMON_COOKIES_H

#include <stdint.h>

#include "core/rcu.h"
#include "daemon/config.h"
#include "filter/cookie.h"

/* Covers RFC 9018's one-hour cookie lifetime with the previous secret. */
#define XST_COOKIE_ROTATE_S	3600

struct xst_daemon_cookies {
	struct xst_rcu_ptr keys;	/* struct xst_cookie_keys *; NULL: --no-cookies */
	uint64_t made_s;		/* CLOCK_MONOTONIC seconds of the current secret */
};

/* New keys as cfg says: from --cookie-secret, or random. 0 or -errno (logged). */
int xst_daemon_cookie_keys(const struct xst_config *cfg, struct xst_cookie_keys **out);

/* SIGHUP, before anything else changes: --cookie-secret read again into
 * *out; *out NULL without one (or with --no-cookies). 0 or -errno (logged). */
int xst_daemon_cookies_reread(const struct xst_config *cfg, struct xst_cookie_keys **out);
/* Keys for cfg (none with --no-cookies) made at now_s. 0 or -errno (logged). */
int xst_daemon_cookies_init(struct xst_daemon_cookies *c, const struct xst_config *cfg,
			    uint64_t now_s);
/* The workers' pointer (dns_udp, dns_filter cfg.cookies); NULL: cookies off. */
struct xst_rcu_ptr *xst_daemon_cookies_ptr(struct xst_daemon_cookies *c);
/* A random secret older than XST_COOKIE_ROTATE_S at now_s is replaced
 * (the old one freed after rcu's grace period). Returns 1 if it was. */
int xst_daemon_cookies_tick(struct xst_daemon_cookies *c, struct xst_rcu *rcu, uint64_t now_s);
/* Publishes keys (from xst_daemon_cookie_keys(), e.g. a re-read fixed secret). */
void xst_daemon_cookies_set(struct xst_daemon_cookies *c, struct xst_rcu *rcu,
			    struct xst_cookie_keys *keys, uint64_t now_s);
/* Frees the keys (no reader left). */
void xst_daemon_cookies_fini(struct xst_daemon_cookies *c);
/* CLOCK_MONOTONIC seconds. */
uint64_t xst_daemon_mono_s(void);

#endif /* XST_DAEMON_COOKIES_H */
