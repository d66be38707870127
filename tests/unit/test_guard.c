// SPDX-License-Identifier: GPL-2.0
/*
 * The flood defence's pure parts in the daemon: the blocklist learner
 * (daemon/learn.h) over fake bucket scans -- deltas, the threshold per second
 * of the interval, the first scan only recording, counters that restart
 * after an LRU eviction, keys forgotten when a scan misses them, the top
 * list, the rate flood's start and end with its hold, a full table, the
 * prefixes of the four levels -- and the sock_diag reply parser
 * (daemon/sockdiag.h) on canned dumps.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/guard.h"
#include "daemon/learn.h"
#include "daemon/learnt.h"
#include "daemon/sockdiag.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SEC 1000000000ULL

static struct xst_bucket_sum bsum(uint32_t level, uint8_t a0, uint8_t a1, uint8_t a2,
				  uint64_t dropped, uint64_t passed)
{
	struct xst_bucket_sum b;

	memset(&b, 0, sizeof(b));
	b.key.level = level;
	b.key.addr[0] = a0;
	b.key.addr[1] = a1;
	b.key.addr[2] = a2;
	b.dropped = dropped;
	b.passed = passed;
	return b;
}

/* One scan of n keys at now; returns how many were to be blocked, deltas in d[]. */
static int scan(struct xst_learn *l, uint64_t now, const struct xst_bucket_sum *b, int n,
		uint64_t *d, enum xst_learn_change *ch)
{
	uint64_t dummy[64];
	int i, blocked = 0;

	if (!d)
		d = dummy;
	xst_learn_begin(l, now);
	for (i = 0; i < n; i++)
		blocked += xst_learn_observe(l, &b[i], &d[i]);
	*ch = xst_learn_end(l);
	return blocked;
}

START_TEST(test_learn_threshold)
{
	struct xst_learn l;
	struct xst_bucket_sum b[3];
	enum xst_learn_change ch;
	uint64_t d[3];

	ck_assert_int_eq(xst_learn_init(&l, 64, 1000, 5 * SEC), 0);
	b[0] = bsum(XST_BUCKET_HOST4, 192, 0, 2, 50000, 10);	/* dropping before we started */
	b[1] = bsum(XST_BUCKET_NET4, 198, 51, 100, 0, 500);	/* never dropped */
	/* The first scan records: history unknown, nothing blocked. */
	ck_assert_int_eq(scan(&l, 10 * SEC, b, 2, d, &ch), 0);
	ck_assert_uint_eq(d[0], 0);
	ck_assert_int_eq(ch, XST_LEARN_SAME);
	ck_assert_uint_eq(l.nr, 1);	/* only the dropping key is remembered */

	/* +999 in one second: under 1000/s. */
	b[0].dropped += 999;
	ck_assert_int_eq(scan(&l, 11 * SEC, b, 2, d, &ch), 0);
	ck_assert_uint_eq(d[0], 999);
	ck_assert_uint_eq(d[1], 0);
	/* +1000 in one second: at the threshold. */
	b[0].dropped += 1000;
	ck_assert_int_eq(scan(&l, 12 * SEC, b, 2, d, &ch), 1);
	ck_assert_uint_eq(d[0], 1000);
	ck_assert_uint_eq(l.over, 1);
	/* +1500 over two seconds: 750/s, under. */
	b[0].dropped += 1500;
	ck_assert_int_eq(scan(&l, 14 * SEC, b, 2, d, &ch), 0);
	ck_assert_uint_eq(d[0], 1500);
	/* +600 in half a second: 1200/s, over. */
	b[0].dropped += 600;
	ck_assert_int_eq(scan(&l, 14 * SEC + SEC / 2, b, 2, d, &ch), 1);
	/* A new key that drops: nothing before, its whole count is the delta. */
	b[2] = bsum(XST_BUCKET_HOST6, 0x20, 0x01, 0x0d, 3000, 0);
	ck_assert_int_eq(scan(&l, 15 * SEC + SEC / 2, b, 3, d, &ch), 1);
	ck_assert_uint_eq(d[0], 0);
	ck_assert_uint_eq(d[2], 3000);
	ck_assert_uint_eq(l.nr, 2);
	xst_learn_fini(&l);
}
END_TEST

START_TEST(test_learn_evicted_and_forgotten)
{
	struct xst_learn l;
	struct xst_bucket_sum b = bsum(XST_BUCKET_HOST4, 10, 0, 0, 100, 0);
	enum xst_learn_change ch;
	uint64_t d;

	ck_assert_int_eq(xst_learn_init(&l, 16, 1000, SEC), 0);
	scan(&l, 1 * SEC, &b, 1, &d, &ch);
	b.dropped = 5000;
	ck_assert_int_eq(scan(&l, 2 * SEC, &b, 1, &d, &ch), 1);
	ck_assert_uint_eq(d, 4900);
	/* Evicted and re-created by the LRU map: counts restart from 0. */
	b.dropped = 30;
	ck_assert_int_eq(scan(&l, 3 * SEC, &b, 1, &d, &ch), 0);
	ck_assert_uint_eq(d, 30);
	/* A scan without the key forgets it ... */
	scan(&l, 4 * SEC, NULL, 0, NULL, &ch);
	ck_assert_uint_eq(l.nr, 0);
	/* ... so when it comes back its whole count is new. */
	b.dropped = 2000;
	ck_assert_int_eq(scan(&l, 5 * SEC, &b, 1, &d, &ch), 1);
	ck_assert_uint_eq(d, 2000);
	xst_learn_fini(&l);
}
END_TEST

START_TEST(test_learn_top)
{
	struct xst_learn l;
	struct xst_bucket_sum b[40];
	enum xst_learn_change ch;
	uint32_t i;

	ck_assert_int_eq(xst_learn_init(&l, 256, 1000000, SEC), 0);
	for (i = 0; i < ARRAY_SIZE(b); i++)
		b[i] = bsum(XST_BUCKET_HOST4, 10, 0, (uint8_t)i, 1, 0);
	scan(&l, SEC, b, ARRAY_SIZE(b), NULL, &ch);
	/* Deltas 0..39 * 10 in a scrambled order; 0 is never ranked. */
	for (i = 0; i < ARRAY_SIZE(b); i++)
		b[i].dropped += ((i * 7) % ARRAY_SIZE(b)) * 10;
	scan(&l, 2 * SEC, b, ARRAY_SIZE(b), NULL, &ch);
	ck_assert_uint_eq(l.nr_top, XST_GUARD_TOP);
	for (i = 0; i < XST_GUARD_TOP; i++) {
		ck_assert_uint_eq(l.top[i].dropped, (39 - i) * 10);
		ck_assert_uint_eq(l.top[i].level, XST_BUCKET_HOST4);
		/* the key that got that delta: (idx * 7) % 40 == 39 - i */
		ck_assert_uint_eq((l.top[i].addr[2] * 7u) % 40, 39 - i);
	}
	ck_assert_uint_eq(l.dropped, 10 * (39 * 40 / 2));
	xst_learn_fini(&l);
}
END_TEST

START_TEST(test_learn_flood)
{
	struct xst_learn l;
	struct xst_bucket_sum b[2] = { bsum(XST_BUCKET_HOST4, 1, 2, 3, 0, 0),
				       bsum(XST_BUCKET_NET4, 1, 2, 0, 0, 0) };
	enum xst_learn_change ch;
	uint64_t t = 100 * SEC;

	ck_assert_int_eq(xst_learn_init(&l, 64, 1000, 3 * SEC), 0);
	scan(&l, t, b, 2, NULL, &ch);
	ck_assert_int_eq(ch, XST_LEARN_SAME);
	/* 600 + 600 in a second: each under, together over: a flood starts. */
	b[0].dropped += 600;
	b[1].dropped += 600;
	ck_assert_int_eq(scan(&l, t += SEC, b, 2, NULL, &ch), 0);
	ck_assert_int_eq(ch, XST_LEARN_FLOOD_START);
	ck_assert_uint_eq(xst_learn_rate(&l), 1200);
	ck_assert_uint_eq(l.flood_since_ns, t);
	/* Still on: no new start. */
	b[0].dropped += 5000;
	scan(&l, t += SEC, b, 2, NULL, &ch);
	ck_assert_int_eq(ch, XST_LEARN_SAME);
	ck_assert_uint_eq(l.flood_peak, 5000);
	/* Quiet for 2 s: held. A burst in between restarts the hold. */
	scan(&l, t += SEC, b, 2, NULL, &ch);
	ck_assert_int_eq(ch, XST_LEARN_SAME);
	scan(&l, t += SEC, b, 2, NULL, &ch);
	ck_assert_int_eq(ch, XST_LEARN_SAME);
	b[1].dropped += 2000;
	scan(&l, t += SEC, b, 2, NULL, &ch);
	ck_assert_int_eq(ch, XST_LEARN_SAME);
	ck_assert(l.flood);
	scan(&l, t += SEC, b, 2, NULL, &ch);
	scan(&l, t += SEC, b, 2, NULL, &ch);
	scan(&l, t += SEC, b, 2, NULL, &ch);
	ck_assert_int_eq(ch, XST_LEARN_SAME);
	/* 3 s below since the first quiet scan: it ends. */
	scan(&l, t += SEC, b, 2, NULL, &ch);
	ck_assert_int_eq(ch, XST_LEARN_FLOOD_END);
	ck_assert_uint_eq(l.flood_dropped, 1200 + 5000 + 2000);
	ck_assert(!l.flood);
	xst_learn_fini(&l);
}
END_TEST

START_TEST(test_learn_full)
{
	struct xst_learn l;
	struct xst_bucket_sum b[20];
	enum xst_learn_change ch;
	uint64_t d[20];
	int i;

	/* 16 slots: at most 12 kept; the others are not judged (counted). */
	ck_assert_int_eq(xst_learn_init(&l, 16, 10, SEC), 0);
	for (i = 0; i < 20; i++)
		b[i] = bsum(XST_BUCKET_HOST4, 10, 1, (uint8_t)i, 1, 0);
	scan(&l, SEC, b, 20, d, &ch);
	ck_assert_uint_eq(l.nr, 12);
	ck_assert_uint_eq(l.untracked, 8);
	for (i = 0; i < 20; i++)
		b[i].dropped += 100;
	ck_assert_int_eq(scan(&l, 2 * SEC, b, 20, d, &ch), 12);
	for (i = 0; i < 12; i++)
		ck_assert_uint_eq(d[i], 100);
	for (i = 12; i < 20; i++)
		ck_assert_uint_eq(d[i], 0);
	xst_learn_fini(&l);
	ck_assert_int_eq(xst_learn_init(&l, 12, 10, SEC), -EINVAL);
	ck_assert_int_eq(xst_learn_init(&l, 16, 0, SEC), -EINVAL);
}
END_TEST

START_TEST(test_learn_prefix)
{
	static const struct { uint32_t level; int family; uint32_t len; } lv[] = {
		{ XST_BUCKET_HOST4, AF_INET, 32 }, { XST_BUCKET_NET4, AF_INET, 24 },
		{ XST_BUCKET_HOST6, AF_INET6, 64 }, { XST_BUCKET_NET6, AF_INET6, 56 },
	};
	struct xst_bucket_key k;
	struct xst_prefix p;
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lv); i++) {
		memset(&k, 0, sizeof(k));
		k.level = lv[i].level;
		memset(k.addr, 0xff, lv[i].family == AF_INET ? 4 : 16);
		xst_learn_prefix(&k, &p);
		ck_assert_int_eq(p.family, lv[i].family);
		ck_assert_uint_eq(p.len, lv[i].len);
		ck_assert_uint_eq(p.addr[lv[i].len / 8 - 1], 0xff);
		if (lv[i].len < (lv[i].family == AF_INET ? 32u : 128u))
			ck_assert_uint_eq(p.addr[lv[i].len / 8], 0);	/* host bits cleared */
	}
	memset(&k, 0, sizeof(k));
	k.level = XST_BUCKET_NET4;
	k.addr[0] = 192;
	k.addr[2] = 2;
	k.addr[3] = 77;
	xst_learn_prefix(&k, &p);
	xst_prefix_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.0/24");
}
END_TEST

/* ---- sock_diag ------------------------------------------------------------ */

struct seen {
	int n;
	int family[8];
	uint8_t addr[8][16];
};

static void on_addr(void *arg, int family, const uint8_t *addr)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, 8);
	s->family[s->n] = family;
	memcpy(s->addr[s->n], addr, family == AF_INET ? 4 : 16);
	s->n++;
}

/* Append one inet_diag_msg to buf at *off. */
static void put_msg(uint8_t *buf, size_t *off, int family, uint16_t sport, const char *dst,
		    size_t extra)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(buf + *off);
	struct inet_diag_msg *m = NLMSG_DATA(h);

	memset(h, 0, NLMSG_SPACE(sizeof(*m) + extra));
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*m) + extra);
	h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	h->nlmsg_flags = NLM_F_MULTI;
	m->idiag_family = (uint8_t)family;
	m->idiag_state = 1;	/* TCP_ESTABLISHED */
	m->id.idiag_sport = htons(sport);
	m->id.idiag_dport = htons(40000);
	ck_assert_int_eq(inet_pton(family, dst, m->id.idiag_dst), 1);
	*off += NLMSG_SPACE(sizeof(*m) + extra);
}

static void put_done(uint8_t *buf, size_t *off)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(buf + *off);

	memset(h, 0, NLMSG_SPACE(sizeof(int)));
	h->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	h->nlmsg_type = NLMSG_DONE;
	*off += NLMSG_SPACE(sizeof(int));
}

START_TEST(test_sockdiag_parse)
{
	uint32_t store[1024];
	uint8_t *buf = (uint8_t *)store;
	struct seen s = { 0 };
	size_t off = 0;
	int done = 0;

	put_msg(buf, &off, AF_INET, 53, "192.0.2.7", 0);
	put_msg(buf, &off, AF_INET, 8080, "192.0.2.8", 0);		/* another port */
	put_msg(buf, &off, AF_INET6, 53, "2001:db8::53", 24);		/* with attributes */
	put_msg(buf, &off, AF_INET6, 53, "::ffff:198.51.100.9", 0);	/* v4-mapped */
	/* a truncated one: header says less than an inet_diag_msg */
	{
		struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);

		memset(h, 0, NLMSG_SPACE(8));
		h->nlmsg_len = NLMSG_LENGTH(8);
		h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		off += NLMSG_SPACE(8);
	}
	ck_assert_int_eq(xst_sockdiag_parse(buf, off, 53, on_addr, &s, &done), 3);
	ck_assert_int_eq(done, 0);
	ck_assert_int_eq(s.n, 3);
	ck_assert_int_eq(s.family[0], AF_INET);
	ck_assert_mem_eq(s.addr[0], "\xc0\x00\x02\x07", 4);
	ck_assert_int_eq(s.family[1], AF_INET6);
	ck_assert_mem_eq(s.addr[1], "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x53", 16);
	ck_assert_int_eq(s.family[2], AF_INET);
	ck_assert_mem_eq(s.addr[2], "\xc6\x33\x64\x09", 4);

	/* The last datagram: one more and DONE; nothing after DONE is read. */
	off = 0;
	memset(&s, 0, sizeof(s));
	put_msg(buf, &off, AF_INET, 53, "203.0.113.1", 0);
	put_done(buf, &off);
	put_msg(buf, &off, AF_INET, 53, "203.0.113.2", 0);
	ck_assert_int_eq(xst_sockdiag_parse(buf, off, 53, on_addr, &s, &done), 1);
	ck_assert_int_eq(done, 1);

	/* A datagram cut inside a message: only the whole ones. */
	off = 0;
	memset(&s, 0, sizeof(s));
	done = 0;
	put_msg(buf, &off, AF_INET, 53, "203.0.113.3", 0);
	put_msg(buf, &off, AF_INET, 53, "203.0.113.4", 0);
	ck_assert_int_eq(xst_sockdiag_parse(buf, off - 10, 53, on_addr, &s, &done), 1);
	ck_assert_int_eq(xst_sockdiag_parse(buf, 0, 53, on_addr, &s, &done), 0);
}
END_TEST

START_TEST(test_sockdiag_error)
{
	uint32_t store[64];
	struct nlmsghdr *h = (struct nlmsghdr *)store;
	struct nlmsgerr *e = NLMSG_DATA(h);
	struct seen s = { 0 };
	int done = 0;

	memset(store, 0, sizeof(store));
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	h->nlmsg_type = NLMSG_ERROR;
	e->error = -EPERM;
	ck_assert_int_eq(xst_sockdiag_parse(store, h->nlmsg_len, 53, on_addr, &s, &done), -EPERM);
	/* too short to say which */
	h->nlmsg_len = NLMSG_LENGTH(2);
	ck_assert_int_eq(xst_sockdiag_parse(store, NLMSG_ALIGN(h->nlmsg_len), 53, on_addr, &s,
					    &done), -EPROTO);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

/* The real thing, when the kernel lets us (no listener of our own needed:
 * the dump must at least succeed and report nothing bogus). */
START_TEST(test_sockdiag_live)
{
	struct seen s = { 0 };
	int fd = xst_sockdiag_open(), n;

	if (fd < 0)
		return;	/* no NETLINK_SOCK_DIAG here */
	n = xst_sockdiag_established(fd, 1, on_addr, &s);	/* nothing is on port 1 */
	close(fd);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(s.n, 0);
}
END_TEST

/* The prefixes blocked lately: found until their expiry, per family and
 * length, a collision replaces; no table: nothing is known. */
START_TEST(test_learnt)
{
	struct xst_learnt t;
	struct xst_prefix a = { .family = AF_INET, .len = 32, .addr = { 192, 0, 2, 1 } };
	struct xst_prefix a24 = { .family = AF_INET, .len = 24, .addr = { 192, 0, 2, 0 } };
	struct xst_prefix b = { .family = AF_INET, .len = 32, .addr = { 192, 0, 2, 2 } };
	struct xst_prefix v6 = { .family = AF_INET6, .len = 64, .addr = { 0x20, 0x01, 0x0d, 0xb8 } };
	struct xst_prefix a_junk = a;
	uint32_t i;

	ck_assert_int_eq(xst_learnt_init(&t, 3), -EINVAL);
	ck_assert_int_eq(xst_learnt_init(&t, 0), -EINVAL);
	ck_assert_int_eq(xst_learnt_has(&t, &a, 0), 0);	/* no table */
	xst_learnt_put(&t, &a, 10 * SEC);			/* no table: ignored */
	ck_assert_int_eq(xst_learnt_init(&t, 1024), 0);
	ck_assert_int_eq(xst_learnt_has(&t, &a, 1 * SEC), 0);
	xst_learnt_put(&t, &a, 10 * SEC);
	ck_assert_int_eq(xst_learnt_has(&t, &a, 1 * SEC), 1);
	ck_assert_int_eq(xst_learnt_has(&t, &a, 10 * SEC - 1), 1);
	ck_assert_int_eq(xst_learnt_has(&t, &a, 10 * SEC), 0);	/* expired */
	/* bytes past an IPv4 address do not matter */
	a_junk.addr[9] = 0x55;
	ck_assert_int_eq(xst_learnt_has(&t, &a_junk, 1 * SEC), 1);
	ck_assert_int_eq(xst_learnt_has(&t, &a24, 1 * SEC), 0);
	ck_assert_int_eq(xst_learnt_has(&t, &b, 1 * SEC), 0);
	ck_assert_int_eq(xst_learnt_has(&t, &v6, 1 * SEC), 0);
	xst_learnt_put(&t, &v6, 5 * SEC);
	ck_assert_int_eq(xst_learnt_has(&t, &v6, 1 * SEC), 1);
	ck_assert_int_eq(xst_learnt_has(&t, &a, 1 * SEC), 1);
	/* re-put extends */
	xst_learnt_put(&t, &a, 20 * SEC);
	ck_assert_int_eq(xst_learnt_has(&t, &a, 15 * SEC), 1);
	/* many others: a collides sooner or later and is replaced, never confused */
	for (i = 0; i < 4096; i++) {
		struct xst_prefix p = { .family = AF_INET, .len = 32,
					.addr = { 10, (uint8_t)(i >> 8), (uint8_t)i, 1 } };

		xst_learnt_put(&t, &p, 20 * SEC);
		ck_assert_int_eq(xst_learnt_has(&t, &p, 1 * SEC), 1);
	}
	ck_assert_int_eq(xst_learnt_has(&t, &b, 1 * SEC), 0);
	xst_learnt_fini(&t);
	ck_assert_ptr_null(t.slot);
	ck_assert_int_eq(xst_learnt_has(&t, &a, 1 * SEC), 0);
}
END_TEST

/* The detector's peacetime scale from XDP's counters. */
START_TEST(test_guard_scale)
{
	ck_assert_uint_eq(xst_guard_scale(100, 6300, 64), 64);	/* sampling as configured */
	ck_assert_uint_eq(xst_guard_scale(100, 100000, 64), 64);	/* never above the sample */
	ck_assert_uint_eq(xst_guard_scale(10000, 0, 64), 1);	/* over the peace rate: all */
	ck_assert_uint_eq(xst_guard_scale(1000, 1000, 64), 2);	/* half */
	ck_assert_uint_eq(xst_guard_scale(1000, 1400, 64), 2);	/* 2.4 rounds to 2 */
	ck_assert_uint_eq(xst_guard_scale(1000, 1600, 64), 3);	/* 2.6 rounds to 3 */
	ck_assert_uint_eq(xst_guard_scale(0, 5000, 64), 64);	/* nothing steered */
	ck_assert_uint_eq(xst_guard_scale(0, 0, 0), 1);
	ck_assert_uint_eq(xst_guard_scale(5, 5, 1), 1);
}
END_TEST

Suite *guard_suite(void)
{
	Suite *s = suite_create("guard");
	TCase *tc = tcase_create("learn");

	tcase_add_test(tc, test_learn_threshold);
	tcase_add_test(tc, test_learn_evicted_and_forgotten);
	tcase_add_test(tc, test_learn_top);
	tcase_add_test(tc, test_learn_flood);
	tcase_add_test(tc, test_learn_full);
	tcase_add_test(tc, test_learn_prefix);
	tcase_add_test(tc, test_learnt);
	tcase_add_test(tc, test_guard_scale);
	suite_add_tcase(s, tc);
	tc = tcase_create("sockdiag");
	tcase_add_test(tc, test_sockdiag_parse);
	tcase_add_test(tc, test_sockdiag_error);
	tcase_add_test(tc, test_sockdiag_live);
	suite_add_tcase(s, tc);
	return s;
}
