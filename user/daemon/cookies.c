// SPDX-License-Identifier: GPL-2.0
/* The DNS server-cookie secrets of a service (daemon/cookies.h). */
#include "daemon/cookies.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

uint64_t xst_daemon_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

int xst_daemon_cookie_keys(const struct xst_config *cfg, struct xst_cookie_keys **out)
{
	struct xst_cookie_keys *k = calloc(1, sizeof(*k));
	char why[512];
	int err;

	if (!k)
		return -ENOMEM;
	if (cfg->dns.cookie_secret) {
		err = xst_cookie_keys_load(cfg->dns.cookie_secret, k, why, sizeof(why));
		if (err)
			pr_err("--cookie-secret %s\n", why);
	} else {
		err = xst_cookie_keys_random(k);
		if (err)
			pr_err("a random cookie secret (getrandom): %s\n", strerror(-err));
	}
	if (err) {
		free(k);
		return err;
	}
	*out = k;
	return 0;
}

int xst_daemon_cookies_reread(const struct xst_config *cfg, struct xst_cookie_keys **out)
{
	*out = NULL;
	if (!cfg->dns.cookies || !cfg->dns.cookie_secret)
		return 0;
	return xst_daemon_cookie_keys(cfg, out);
}

int xst_daemon_cookies_init(struct xst_daemon_cookies *c, const struct xst_config *cfg,
			    uint64_t now_s)
{
	struct xst_cookie_keys *k = NULL;
	int err;

	if (cfg->dns.cookies) {
		err = xst_daemon_cookie_keys(cfg, &k);
		if (err)
			return err;
	}
	xst_rcu_ptr_init(&c->keys, k);
	c->made_s = now_s;
	return 0;
}

struct xst_rcu_ptr *xst_daemon_cookies_ptr(struct xst_daemon_cookies *c)
{
	return xst_rcu_deref(&c->keys) ? &c->keys : NULL;
}

int xst_daemon_cookies_tick(struct xst_daemon_cookies *c, struct xst_rcu *rcu, uint64_t now_s)
{
	struct xst_cookie_keys *old = xst_rcu_deref(&c->keys), *next;
	int err;

	if (!old || old->fixed || now_s - c->made_s < XST_COOKIE_ROTATE_S)
		return 0;
	/* Whatever happens, not again before the next period. */
	c->made_s = now_s;
	next = malloc(sizeof(*next));
	err = next ? xst_cookie_keys_rotate(old, next) : -ENOMEM;
	if (err) {
		pr_warn("rotate the cookie secret: %s (the old one stays for another hour)\n",
			strerror(-err));
		free(next);
		return 0;
	}
	free(xst_rcu_replace(rcu, &c->keys, next));
	pr_debug("cookie secret rotated (the previous one is still accepted)\n");
	return 1;
}

void xst_daemon_cookies_set(struct xst_daemon_cookies *c, struct xst_rcu *rcu,
			    struct xst_cookie_keys *keys, uint64_t now_s)
{
	free(xst_rcu_replace(rcu, &c->keys, keys));
	c->made_s = now_s;
}

void xst_daemon_cookies_fini(struct xst_daemon_cookies *c)
{
	free(xst_rcu_deref(&c->keys));
	xst_rcu_ptr_init(&c->keys, NULL);
}
