// SPDX-License-Identifier: GPL-2.0
/*
 * The services' DNS server-cookie secrets (daemon/cookies.h): a random
 * secret replaced after XST_COOKIE_ROTATE_S with the old one kept as the
 * previous, a fixed one (--cookie-secret) never rotated and re-read on
 * SIGHUP, none with --no-cookies; and the filter service (--dns-filter)
 * taking them from the same options as the DNS service: --cookie-secret
 * is its secret, a bad file fails its start and its reload, its tick is
 * what rotates (the registry has no other periodic hook).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/cookies.h"
#include "daemon/daemon.h"
#include "daemon/registry.h"
#include "daemon/svc_filter.h"

#define SECRET_A	"00112233445566778899aabbccddeeff"
#define SECRET_B	"ffeeddccbbaa99887766554433221100"

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static void secret(const char *hex, uint8_t out[XST_COOKIE_SECRET_LEN])
{
	const char *why;

	ck_assert_int_eq(xst_cookie_secret_parse(hex, 32, out, &why), 0);
}

START_TEST(test_cookies_rotate_random)
{
	struct xst_config cfg = { .dns = { .cookies = 1 } };
	struct xst_daemon_cookies c;
	struct xst_cookie_keys first;
	const struct xst_cookie_keys *k;
	struct xst_rcu rcu;

	xst_rcu_init(&rcu);
	ck_assert_int_eq(xst_daemon_cookies_init(&c, &cfg, 100), 0);
	ck_assert_ptr_eq(xst_daemon_cookies_ptr(&c), &c.keys);
	k = xst_rcu_deref(&c.keys);
	ck_assert_ptr_nonnull(k);
	ck_assert(!k->fixed);
	first = *k;
	/* not before the hour */
	ck_assert_int_eq(xst_daemon_cookies_tick(&c, &rcu, 100 + XST_COOKIE_ROTATE_S - 1), 0);
	ck_assert_mem_eq(((const struct xst_cookie_keys *)xst_rcu_deref(&c.keys))->cur, first.cur,
			 XST_COOKIE_SECRET_LEN);
	/* at the hour: a new current, the old one still verifies */
	ck_assert_int_eq(xst_daemon_cookies_tick(&c, &rcu, 100 + XST_COOKIE_ROTATE_S), 1);
	k = xst_rcu_deref(&c.keys);
	ck_assert(memcmp(k->cur, first.cur, XST_COOKIE_SECRET_LEN) != 0);
	ck_assert(k->has_prev);
	ck_assert_mem_eq(k->prev, first.cur, XST_COOKIE_SECRET_LEN);
	/* and the next hour counts from then, not from the start */
	ck_assert_int_eq(xst_daemon_cookies_tick(&c, &rcu, 100 + 2 * XST_COOKIE_ROTATE_S - 1), 0);
	ck_assert_int_eq(xst_daemon_cookies_tick(&c, &rcu, 100 + 2 * XST_COOKIE_ROTATE_S), 1);
	xst_daemon_cookies_fini(&c);
	ck_assert_ptr_null(xst_rcu_deref(&c.keys));
}
END_TEST

START_TEST(test_cookies_fixed_and_off)
{
	char dir[] = "/tmp/xst-dck-XXXXXX", path[64];
	struct xst_config cfg = { .dns = { .cookies = 1 } };
	struct xst_daemon_cookies c;
	struct xst_cookie_keys *re;
	const struct xst_cookie_keys *k;
	uint8_t a[XST_COOKIE_SECRET_LEN], b[XST_COOKIE_SECRET_LEN];
	struct xst_rcu rcu;

	xst_rcu_init(&rcu);
	secret(SECRET_A, a);
	secret(SECRET_B, b);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cookie.key", dir);
	put_file(path, SECRET_A "\n");
	cfg.dns.cookie_secret = path;

	ck_assert_int_eq(xst_daemon_cookies_init(&c, &cfg, 0), 0);
	k = xst_rcu_deref(&c.keys);
	ck_assert(k->fixed);
	ck_assert_mem_eq(k->cur, a, sizeof(a));
	/* never rotated by us */
	ck_assert_int_eq(xst_daemon_cookies_tick(&c, &rcu, 10 * XST_COOKIE_ROTATE_S), 0);
	ck_assert_mem_eq(((const struct xst_cookie_keys *)xst_rcu_deref(&c.keys))->cur, a,
			 sizeof(a));
	/* SIGHUP after the operator's rotation */
	put_file(path, SECRET_B "\n" SECRET_A "\n");
	ck_assert_int_eq(xst_daemon_cookies_reread(&cfg, &re), 0);
	ck_assert_ptr_nonnull(re);
	xst_daemon_cookies_set(&c, &rcu, re, 5);
	k = xst_rcu_deref(&c.keys);
	ck_assert_mem_eq(k->cur, b, sizeof(b));
	ck_assert_mem_eq(k->prev, a, sizeof(a));
	/* a broken file: an error, nothing to publish */
	put_file(path, "not hex\n");
	ck_assert_int_lt(xst_daemon_cookies_reread(&cfg, &re), 0);
	xst_daemon_cookies_fini(&c);

	/* no --cookie-secret: nothing to re-read */
	cfg.dns.cookie_secret = NULL;
	re = (void *)1;
	ck_assert_int_eq(xst_daemon_cookies_reread(&cfg, &re), 0);
	ck_assert_ptr_null(re);
	/* --no-cookies: no keys, no pointer for the workers, nothing rotated */
	cfg.dns.cookies = 0;
	ck_assert_int_eq(xst_daemon_cookies_init(&c, &cfg, 0), 0);
	ck_assert_ptr_null(xst_daemon_cookies_ptr(&c));
	ck_assert_int_eq(xst_daemon_cookies_tick(&c, &rcu, 10 * XST_COOKIE_ROTATE_S), 0);
	xst_daemon_cookies_fini(&c);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* The filter service: --cookie-secret is its secret too (filter mode is
 * where the kernel server hands out cookies of its own secret). */
START_TEST(test_filter_cookie_secret)
{
	static struct xst_daemon d;	/* large */
	char dir[] = "/tmp/xst-fck-XXXXXX", path[64];
	uint8_t a[XST_COOKIE_SECRET_LEN], b[XST_COOKIE_SECRET_LEN];
	const struct xst_cookie_keys *k;
	void *state = NULL;

	secret(SECRET_A, a);
	secret(SECRET_B, b);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cookie.key", dir);
	memset(&d, 0, sizeof(d));
	d.cfg.queues = 1;
	d.cfg.guard.filter = 1;
	d.cfg.dns.cookies = 1;
	d.cfg.dns.cookie_secret = path;
	xst_rcu_init(&d.rcu);

	/* the one periodic hook */
	ck_assert_ptr_nonnull(xst_service_filter.tick);
	/* a missing file fails the start, as in serve mode */
	ck_assert_int_lt(xst_service_filter.load(&d, &state), 0);

	put_file(path, SECRET_A "\n");
	ck_assert_int_eq(xst_service_filter.load(&d, &state), 0);
	k = xst_svc_filter_cookies(state);
	ck_assert_ptr_nonnull(k);
	ck_assert(k->fixed);
	ck_assert_mem_eq(k->cur, a, sizeof(a));
	xst_service_filter.tick(&d, state);
	ck_assert_mem_eq(xst_svc_filter_cookies(state)->cur, a, sizeof(a));

	/* SIGHUP re-reads it; a broken file keeps the one in use */
	put_file(path, SECRET_B "\n" SECRET_A "\n");
	ck_assert_int_eq(xst_service_filter.reload(&d, state), 0);
	k = xst_svc_filter_cookies(state);
	ck_assert_mem_eq(k->cur, b, sizeof(b));
	ck_assert_mem_eq(k->prev, a, sizeof(a));
	put_file(path, "zz\n");
	ck_assert_int_lt(xst_service_filter.reload(&d, state), 0);
	ck_assert_mem_eq(xst_svc_filter_cookies(state)->cur, b, sizeof(b));
	xst_service_filter.destroy(&d, state);

	/* --no-cookies: none */
	d.cfg.dns.cookies = 0;
	ck_assert_int_eq(xst_service_filter.load(&d, &state), 0);
	ck_assert_ptr_null(xst_svc_filter_cookies(state));
	xst_service_filter.destroy(&d, state);
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *daemon_cookies_suite(void)
{
	Suite *s = suite_create("daemon_cookies");
	TCase *tc = tcase_create("cookies");

	tcase_add_test(tc, test_cookies_rotate_random);
	tcase_add_test(tc, test_cookies_fixed_and_off);
	tcase_add_test(tc, test_filter_cookie_secret);
	suite_add_tcase(s, tc);
	return s;
}
