// SPDX-License-Identifier: GPL-2.0
/*
 * svc/dns_filter.h through the generic worker and the mem backend: every
 * branch of the classification (drop, pass, challenge) with its counter;
 * a passed frame reaches the pass hook byte for byte as received; a
 * challenge is a well-formed reply frame (checksums by the reference
 * summer, TC=1, the question echoed, our OPT with the client cookie echoed
 * and a server cookie that verifies); events (VERIFIED, BLOCK) come out of
 * the ring; under attack unknown names are challenged or dropped while
 * known names still pass.
 */
#include <check.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/ref_csum.h"
#include "core/clock.h"
#include "core/rcu.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "filter/cookie.h"
#include "filter/detect.h"
#include "io/io.h"
#include "svc/dns_filter.h"
#include "svc/worker.h"

static const char ZONE[] =
	"$ORIGIN example.test.\n"
	"$TTL 300\n"
	"@	IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
	"@	IN NS ns1\n"
	"ns1	IN A 192.0.2.53\n"
	"www	IN A 192.0.2.1\n"
	"*.wild	IN A 192.0.2.7\n"
	"sub	IN NS ns.sub\n"
	"ns.sub	IN A 192.0.2.54\n"
	"a.b.c	IN A 192.0.2.8\n";

struct harness {
	struct xst_rcu rcu;
	struct xst_rcu_ptr db;
	struct xst_rcu_ptr keys_ptr;
	struct xst_cookie_keys keys;
	struct xst_detect *det;
	struct xst_io *io;
	struct xst_worker *w;
	struct xst_dns_filter *f;
	atomic_int stop;
	uint64_t now;
	uint32_t nout, npass;
	uint32_t out_len, pass_len;
	uint8_t out[4096], pass[4096];
};

static struct xst_dns_db *mkdb(void)
{
	struct xst_zone_error err;
	struct xst_zone *z;
	struct xst_dns_db *db;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(xst_zone_parse_string(&z, ZONE, "test.zone", NULL, &err) == 0, "%s",
		      err.reason);
	ck_assert_int_eq(xst_dns_db_create(&db, &z, 1, &err), 0);
	xst_zone_destroy(z);
	return db;
}

static void pass_hook(void *arg, struct xst_io *io, struct xst_frame *f)
{
	struct harness *h = arg;

	h->npass++;
	h->pass_len = f->buf.len;
	memcpy(h->pass, f->buf.data, f->buf.len);
	xst_io_free(io, f->buf.addr);
}

/* Budgets and local detection for up_cfg(); up(): none of them. */
struct knobs {
	uint32_t pass_rate, pass_burst, challenge_rate, challenge_burst;
	uint32_t local_unknown, local_distinct;
};

static const struct knobs NO_KNOBS = { .local_unknown = XST_FILTER_LOCAL_OFF };

static void up_cfg(struct harness *h, int with_db, enum xst_filter_unknown mode,
		   const struct knobs *k)
{
	struct xst_io_cfg icfg = { .nr_frames = 256, .frame_size = 4096, .mem_headroom = 256 };
	struct xst_worker_cfg wcfg = { 0 };
	struct xst_dns_filter_cfg fcfg = { 0 };
	struct xst_detect_cfg dcfg = { .nr_workers = 1, .nr_zones = 1, .unknown_min = 20,
				       .distinct_min = 10, .hold_s = 5 };
	struct xst_svc_rule rule = { XST_IPPROTO_UDP, 53 };

	memset(h, 0, sizeof(*h));
	xst_rcu_init(&h->rcu);
	xst_rcu_ptr_init(&h->db, with_db ? mkdb() : NULL);
	ck_assert_int_eq(xst_cookie_keys_random(&h->keys), 0);
	xst_rcu_ptr_init(&h->keys_ptr, &h->keys);
	ck_assert_int_eq(xst_detect_create(&h->det, &dcfg), 0);
	ck_assert_int_eq(xst_io_mem_create(&h->io, &icfg), 0);
	wcfg.io = h->io;
	wcfg.rcu = &h->rcu;
	wcfg.stop = &h->stop;
	wcfg.cpu = -1;
	ck_assert_int_eq(xst_worker_create(&h->w, &wcfg), 0);
	fcfg.db = with_db ? &h->db : NULL;
	fcfg.cookies = &h->keys_ptr;
	fcfg.detect = h->det;
	fcfg.unknown = mode;
	fcfg.challenge_any = 1;
	fcfg.block_malformed = 3;
	fcfg.block_nxflood = 5;
	fcfg.events = 8;
	fcfg.pass_rate = k->pass_rate;
	fcfg.pass_burst = k->pass_burst;
	fcfg.challenge_rate = k->challenge_rate;
	fcfg.challenge_burst = k->challenge_burst;
	fcfg.local_unknown = k->local_unknown;
	fcfg.local_distinct = k->local_distinct;
	ck_assert_int_eq(xst_dns_filter_create(&h->f, &fcfg), 0);
	ck_assert_int_ge(xst_worker_add_service(h->w, &xst_dns_filter_ops, h->f, &rule, 1), 0);
	xst_worker_set_pass(h->w, pass_hook, h);
	h->now = 100 * XST_NS_PER_SEC;
}

static void up(struct harness *h, int with_db, enum xst_filter_unknown mode)
{
	up_cfg(h, with_db, mode, &NO_KNOBS);
}

static void down(struct harness *h)
{
	struct xst_io_census c;

	ck_assert_int_eq(xst_io_census(h->io, &c), 0);
	xst_dns_filter_destroy(h->f);
	xst_worker_destroy(h->w);
	xst_io_destroy(h->io);
	xst_detect_destroy(h->det);
	xst_dns_db_destroy(xst_rcu_deref(&h->db));
}

static void take(void *arg, const uint8_t *data, uint32_t len)
{
	struct harness *h = arg;

	h->nout++;
	h->out_len = len;
	memcpy(h->out, data, len);
}

static void roundtrip(struct harness *h, const uint8_t *fr, uint32_t len)
{
	h->nout = h->npass = 0;
	ck_assert_int_eq(xst_io_mem_inject(h->io, fr, len), 0);
	h->now += 1000;
	xst_worker_poll(h->w, h->now);
	xst_io_mem_drain_tx(h->io, 0, take, h);
}

/* ---- frames ----------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static const uint8_t MAC_C[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_S[6] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };
static const uint8_t IP4_S[4] = { 198, 18, 0, 1 };
static const uint8_t IP6_S[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 1 };

struct q {
	const char *qname;
	uint16_t qtype, qclass;		/* 0: A, IN */
	uint16_t flags;			/* header flags (0: RD) */
	uint16_t qdcount;		/* 0: 1 */
	int v6;
	uint8_t client;			/* last address byte (0: 2) */
	int edns;
	uint8_t edns_version;		/* with edns (0: 0) */
	const uint8_t *opt;		/* OPT RDATA */
	uint16_t opt_len;
	uint32_t raw_len;		/* non-zero: DNS payload is this many zero bytes */
};

static uint32_t dns_msg(uint8_t *m, const struct q *q)
{
	const char *s = q->qname;
	uint32_t n = 12;

	if (q->raw_len) {
		memset(m, 0, q->raw_len);
		return q->raw_len;
	}
	memset(m, 0, 12);
	put16(m, 0x4242);
	put16(m + 2, q->flags ? q->flags : 0x0100);
	put16(m + 4, q->qdcount ? q->qdcount : 1);
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		m[n++] = (uint8_t)l;
		memcpy(m + n, s, l);
		n += (uint32_t)l;
		s += l + (dot ? 1 : 0);
	}
	m[n++] = 0;
	put16(m + n, q->qtype ? q->qtype : 1);
	put16(m + n + 2, q->qclass ? q->qclass : 1);
	n += 4;
	if (q->edns) {
		put16(m + 10, 1);
		m[n] = 0;
		put16(m + n + 1, 41);
		put16(m + n + 3, 1232);
		memset(m + n + 5, 0, 4);
		m[n + 6] = q->edns_version;
		put16(m + n + 9, q->opt_len);
		if (q->opt_len)
			memcpy(m + n + 11, q->opt, q->opt_len);
		n += 11 + q->opt_len;
	}
	return n;
}

static void client_ip(const struct q *q, uint8_t *a)
{
	if (q->v6) {
		memcpy(a, IP6_S, 16);
		a[15] = q->client ? q->client : 2;
		a[14] = 0x99;
	} else {
		a[0] = 198;
		a[1] = 18;
		a[2] = 9;
		a[3] = q->client ? q->client : 2;
	}
}

static uint32_t build(uint8_t *f, const struct q *q)
{
	uint8_t *ip = f + 14, *udp, ca[16];
	uint32_t hl = q->v6 ? 40 : 20, dlen, ulen;

	client_ip(q, ca);
	memcpy(f, MAC_S, 6);
	memcpy(f + 6, MAC_C, 6);
	put16(f + 12, q->v6 ? 0x86dd : 0x0800);
	udp = ip + hl;
	dlen = dns_msg(udp + 8, q);
	ulen = 8 + dlen;
	memset(ip, 0, hl);
	if (q->v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)ulen);
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, ca, 16);
		memcpy(ip + 24, IP6_S, 16);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(hl + ulen));
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, ca, 4);
		memcpy(ip + 16, IP4_S, 4);
		put16(ip + 10, (uint16_t)~ref_csum_sum(ip, hl, 0));
	}
	put16(udp, 33333);
	put16(udp + 2, 53);
	put16(udp + 4, (uint16_t)ulen);
	put16(udp + 6, 0x1234);	/* pseudo-header only (CHECKSUM_PARTIAL): must not matter */
	return 14 + hl + ulen;
}

static const uint8_t CLIENT[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* OPT RDATA: a COOKIE option with the client cookie and, if server, our valid server cookie. */
static uint16_t cookie_opt(uint8_t *o, const struct harness *h, const struct q *q, int server)
{
	uint8_t ca[16];

	put16(o, 10);
	put16(o + 2, server ? 24 : 8);
	memcpy(o + 4, CLIENT, 8);
	if (server) {
		client_ip(q, ca);
		xst_cookie_make(h->keys.cur, CLIENT, ca, q->v6 ? 16 : 4, (uint32_t)time(NULL),
				o + 12);
	}
	return server ? 28 : 12;
}

/* ---- the reply of a challenge ------------------------------------------ */

static void check_challenge(const struct harness *h, const uint8_t *query, const struct q *q,
			    int want_cookie)
{
	const uint8_t *r = h->out, *ip = r + 14, *udp, *dns, *qdns;
	uint32_t hl = q->v6 ? 40 : 20, ulen, qlen, n, rdlen;
	uint8_t ca[16];

	ck_assert_uint_eq(h->nout, 1);
	ck_assert_uint_eq(h->npass, 0);
	ck_assert_mem_eq(r, MAC_C, 6);
	ck_assert_mem_eq(r + 6, MAC_S, 6);
	client_ip(q, ca);
	udp = ip + hl;
	if (q->v6) {
		ck_assert_mem_eq(ip + 8, IP6_S, 16);
		ck_assert_mem_eq(ip + 24, ca, 16);
		ulen = get16(ip + 4);
	} else {
		ck_assert_mem_eq(ip + 12, IP4_S, 4);
		ck_assert_mem_eq(ip + 16, ca, 4);
		ck_assert_uint_eq(ref_csum_sum(ip, 20, 0), 0xffff);
		ulen = get16(ip + 2) - 20;
	}
	ck_assert_uint_eq(h->out_len, 14 + hl + ulen);
	ck_assert_uint_eq(get16(udp), 53);
	ck_assert_uint_eq(get16(udp + 2), 33333);
	ck_assert_uint_eq(get16(udp + 4), ulen);
	ck_assert_uint_eq(ref_csum_l4(ip, q->v6, 17, udp, ulen), 0xffff);
	dns = udp + 8;
	qdns = query + 14 + hl + 8;
	ck_assert_uint_eq(get16(dns), 0x4242);
	ck_assert_uint_eq(get16(dns + 2) & 0x8200, 0x8200);	/* QR, TC */
	ck_assert_uint_eq(get16(dns + 2) & 0x000f, 0);
	ck_assert_uint_eq(get16(dns + 4), 1);
	ck_assert_uint_eq(get16(dns + 6), 0);
	ck_assert_uint_eq(get16(dns + 8), 0);
	qlen = (uint32_t)strlen(q->qname) + 2 + 4;
	ck_assert_mem_eq(dns + 12, qdns + 12, qlen);
	n = 12 + qlen;
	if (!q->edns) {
		ck_assert_uint_eq(get16(dns + 10), 0);
		ck_assert_uint_eq(ulen - 8, n);
		return;
	}
	ck_assert_uint_eq(get16(dns + 10), 1);
	ck_assert_uint_eq(dns[n], 0);
	ck_assert_uint_eq(get16(dns + n + 1), 41);
	rdlen = get16(dns + n + 9);
	ck_assert_uint_eq(ulen - 8, n + 11 + rdlen);
	if (!want_cookie) {
		ck_assert_uint_eq(rdlen, 0);
		return;
	}
	ck_assert_uint_eq(rdlen, 28);
	ck_assert_uint_eq(get16(dns + n + 11), 10);
	ck_assert_uint_eq(get16(dns + n + 13), 24);
	ck_assert_mem_eq(dns + n + 15, CLIENT, 8);
	{
		struct xst_cookie c = { .status = XST_COOKIE_SERVER, .server_len = 16 };

		memcpy(c.client, CLIENT, 8);
		memcpy(c.server, dns + n + 23, 16);
		ck_assert_int_eq(xst_cookie_verify(&h->keys, &c, ca, q->v6 ? 16 : 4,
						   (uint32_t)time(NULL)),
				 XST_COOKIE_VALID);
	}
}

/* ---- cases ------------------------------------------------------------- */

enum want { W_DROP, W_PASS, W_CHALLENGE };

static const struct fcase {
	const char *name;
	struct q q;
	int cookie;		/* 1 client cookie, 2 client + valid server cookie, 3 malformed */
	enum want want;
	size_t counter;		/* offsetof the counter that must move by 1 */
} cases[] = {
	{ "short", { .raw_len = 8 }, 0, W_DROP,
	  offsetof(struct xst_dns_filter_stats, dropped_short) },
	{ "response", { .qname = "www.example.test", .flags = 0x8100 }, 0, W_DROP,
	  offsetof(struct xst_dns_filter_stats, dropped_response) },
	{ "formerr qdcount 2", { .qname = "www.example.test", .qdcount = 2 }, 0, W_DROP,
	  offsetof(struct xst_dns_filter_stats, dropped_malformed) },
	{ "notimp opcode", { .qname = "www.example.test", .flags = 0x1100 }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_other) },
	{ "notify", { .qname = "example.test", .flags = 0x2000, .qtype = 6 }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_other) },
	{ "badvers", { .qname = "nx3.example.test", .edns = 1, .edns_version = 1 }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_other) },
	{ "known", { .qname = "www.example.test" }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_known) },
	{ "known, case", { .qname = "WwW.Example.TEST", .v6 = 1 }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_known) },
	{ "apex", { .qname = "example.test", .qtype = 6 }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_known) },
	{ "empty non-terminal", { .qname = "b.c.example.test" }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_known) },
	{ "wildcard", { .qname = "anything.wild.example.test" }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_known) },
	{ "under delegation", { .qname = "deep.x.sub.example.test" }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_known) },
	{ "outside", { .qname = "www.example.org" }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_outside) },
	{ "unknown, no attack", { .qname = "nx1.example.test" }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_unknown) },
	{ "class CH", { .qname = "version.bind", .qtype = 16, .qclass = 3 }, 0, W_PASS,
	  offsetof(struct xst_dns_filter_stats, passed_class_ch) },
	{ "ANY", { .qname = "www.example.test", .qtype = 255 }, 0, W_CHALLENGE,
	  offsetof(struct xst_dns_filter_stats, challenged_any) },
	{ "ANY v6 with a client cookie", { .qname = "www.example.test", .qtype = 255, .v6 = 1,
	  .edns = 1 }, 1, W_CHALLENGE, offsetof(struct xst_dns_filter_stats, challenged_any) },
	{ "ANY with EDNS, no cookie", { .qname = "www.example.test", .qtype = 255, .edns = 1 }, 0,
	  W_CHALLENGE, offsetof(struct xst_dns_filter_stats, challenged_any) },
	{ "malformed cookie", { .qname = "www.example.test", .edns = 1 }, 3, W_DROP,
	  offsetof(struct xst_dns_filter_stats, dropped_cookie) },
	{ "valid server cookie", { .qname = "nx2.example.test", .qtype = 255, .edns = 1 }, 2,
	  W_PASS, offsetof(struct xst_dns_filter_stats, passed_verified_cookie) },
	{ "valid server cookie v6", { .qname = "www.example.test", .v6 = 1, .edns = 1 }, 2,
	  W_PASS, offsetof(struct xst_dns_filter_stats, passed_verified_cookie) },
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

static uint64_t ctr(const struct harness *h, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)xst_dns_filter_stats(h->f) + off);
}

static uint32_t frame_of(const struct harness *h, const struct fcase *c, uint8_t *fr)
{
	static const uint8_t bad[] = { 0, 10, 0, 5, 1, 2, 3, 4, 5 };
	uint8_t opt[64];
	struct q q = c->q;

	if (c->cookie == 3) {
		q.opt = bad;
		q.opt_len = sizeof(bad);
	} else if (c->cookie) {
		q.opt_len = cookie_opt(opt, h, &q, c->cookie == 2);
		q.opt = opt;
	}
	return build(fr, &q);
}

START_TEST(test_branch)
{
	const struct fcase *c = &cases[_i];
	struct harness h;
	uint8_t fr[2048];
	uint32_t len;
	uint64_t before;

	up(&h, 1, XST_FILTER_CHALLENGE);
	len = frame_of(&h, c, fr);
	before = ctr(&h, c->counter);
	roundtrip(&h, fr, len);
	ck_assert_msg(ctr(&h, c->counter) == before + 1, "%s: counter", c->name);
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->queries, 1);
	switch (c->want) {
	case W_DROP:
		ck_assert_msg(!h.nout && !h.npass, "%s: dropped", c->name);
		break;
	case W_PASS:
		ck_assert_msg(h.npass == 1 && !h.nout, "%s: passed", c->name);
		ck_assert_uint_eq(h.pass_len, len);
		ck_assert_msg(!memcmp(h.pass, fr, len), "%s: frame untouched", c->name);
		break;
	case W_CHALLENGE:
		check_challenge(&h, fr, &c->q, c->cookie == 1);
		break;
	}
	down(&h);
}
END_TEST

START_TEST(test_no_db)
{
	struct harness h;
	uint8_t fr[2048];
	struct q q = { .qname = "nx.example.test" };

	up(&h, 0, XST_FILTER_CHALLENGE);
	roundtrip(&h, fr, build(fr, &q));
	ck_assert_uint_eq(h.npass, 1);
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->passed_no_zone, 1);
	q.qtype = 255;	/* ANY is still challenged */
	roundtrip(&h, fr, build(fr, &q));
	check_challenge(&h, fr, &q, 0);
	down(&h);
}
END_TEST

START_TEST(test_verified_event)
{
	struct harness h;
	struct xst_filter_event ev[16];
	uint8_t fr[2048], opt[64], ca[16];
	struct q q = { .qname = "www.example.test", .edns = 1, .v6 = _i };
	uint32_t len;

	up(&h, 1, XST_FILTER_CHALLENGE);
	q.opt_len = cookie_opt(opt, &h, &q, 1);
	q.opt = opt;
	len = build(fr, &q);
	roundtrip(&h, fr, len);
	roundtrip(&h, fr, len);	/* the same second: one event */
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->passed_verified_cookie, 2);
	ck_assert_uint_eq(xst_dns_filter_events(h.f, ev, 16), 1);
	ck_assert_uint_eq(ev[0].kind, XST_FILTER_EV_VERIFIED);
	ck_assert_uint_eq(ev[0].family, q.v6 ? 6 : 4);
	client_ip(&q, ca);
	ck_assert_mem_eq(ev[0].addr, ca, q.v6 ? 16 : 4);
	h.now += XST_NS_PER_SEC;
	roundtrip(&h, fr, len);	/* a second later: said again */
	ck_assert_uint_eq(xst_dns_filter_events(h.f, ev, 16), 1);
	ck_assert_uint_eq(xst_dns_filter_events(h.f, ev, 16), 0);
	/* a server cookie under another secret: not verified, a plain query (known) */
	opt[20] ^= 0xff;
	roundtrip(&h, fr, build(fr, &q));
	ck_assert_uint_eq(h.npass, 1);
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->passed_verified_cookie, 3);
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->passed_known, 1);
	ck_assert_uint_eq(xst_dns_filter_events(h.f, ev, 16), 0);
	down(&h);
}
END_TEST

START_TEST(test_block_malformed)
{
	struct harness h;
	struct xst_filter_event ev[16];
	uint8_t fr[2048];
	struct q q = { .qname = "www.example.test", .qdcount = 2, .client = 77 };
	uint32_t len, i;

	up(&h, 1, XST_FILTER_CHALLENGE);
	len = build(fr, &q);
	for (i = 0; i < 3; i++)
		roundtrip(&h, fr, len);
	ck_assert_uint_eq(xst_dns_filter_events(h.f, ev, 16), 0);	/* 3: at the limit */
	for (i = 0; i < 3; i++)
		roundtrip(&h, fr, len);
	ck_assert_uint_eq(xst_dns_filter_events(h.f, ev, 16), 1);	/* once per second */
	ck_assert_uint_eq(ev[0].kind, XST_FILTER_EV_BLOCK);
	ck_assert_uint_eq(ev[0].reason, XST_BLOCK_MALFORMED);
	ck_assert_uint_eq(ev[0].addr[3], 77);
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->dropped_malformed, 6);
	down(&h);
}
END_TEST

START_TEST(test_event_ring_full)
{
	struct harness h;
	struct xst_filter_event ev[16];
	uint8_t fr[2048], opt[64];
	struct q q = { .qname = "www.example.test", .edns = 1 };
	uint32_t i;

	up(&h, 1, XST_FILTER_CHALLENGE);	/* 8 slots */
	for (i = 0; i < 12; i++) {
		q.client = (uint8_t)(10 + i);
		q.opt_len = cookie_opt(opt, &h, &q, 1);
		q.opt = opt;
		roundtrip(&h, fr, build(fr, &q));
	}
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->events_verified, 8);
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->events_dropped, 4);
	ck_assert_uint_eq(xst_dns_filter_events(h.f, ev, 16), 8);
	ck_assert_uint_eq(ev[0].addr[3], 10);
	ck_assert_uint_eq(ev[7].addr[3], 17);
	down(&h);
}
END_TEST

/* _i: 0 challenge mode, 1 drop mode */
START_TEST(test_attack)
{
	enum xst_filter_unknown mode = _i ? XST_FILTER_DROP : XST_FILTER_CHALLENGE;
	struct xst_detect_event dev[4];
	struct xst_filter_event ev[16];
	struct harness h;
	uint8_t fr[2048], opt[64];
	char name[64];
	struct q q = { 0 };
	uint32_t i;

	up(&h, 1, mode);
	/* 30 random names in one second, from one source: the attack starts */
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "r%u.example.test", i);
		q = (struct q){ .qname = name, .client = 9 };
		roundtrip(&h, fr, build(fr, &q));
		ck_assert_uint_eq(h.npass, 1);
	}
	ck_assert_uint_eq(xst_dns_filter_stats(h.f)->unknown_reported, 30);
	ck_assert_uint_eq(xst_detect_tick(h.det, h.now + XST_NS_PER_SEC, dev, 4), 1);
	ck_assert_uint_eq(dev[0].started, 1);
	ck_assert_int_eq(xst_detect_active(h.det, 0), 1);

	/* known names still pass */
	q = (struct q){ .qname = "www.example.test" };
	roundtrip(&h, fr, build(fr, &q));
	ck_assert_uint_eq(h.npass, 1);
	/* names outside the zone too */
	q = (struct q){ .qname = "nx.example.org" };
	roundtrip(&h, fr, build(fr, &q));
	ck_assert_uint_eq(h.npass, 1);

	/* an unknown name with a client cookie: challenged (cookie added) or dropped */
	q = (struct q){ .qname = "zz9.example.test", .edns = 1, .client = 3 };
	q.opt_len = cookie_opt(opt, &h, &q, 0);
	q.opt = opt;
	roundtrip(&h, fr, build(fr, &q));
	if (mode == XST_FILTER_CHALLENGE) {
		check_challenge(&h, fr, &q, 1);
		ck_assert_uint_eq(xst_dns_filter_stats(h.f)->challenged_unknown, 1);
		ck_assert_uint_eq(xst_dns_filter_stats(h.f)->challenge_cookies, 1);
	} else {
		ck_assert_uint_eq(h.nout + h.npass, 0);
		ck_assert_uint_eq(xst_dns_filter_stats(h.f)->dropped_unknown, 1);
	}
	/* the flooding source passes its per-second limit (5): one BLOCK nxflood */
	h.now += XST_NS_PER_SEC;
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "s%u.example.test", i);
		q = (struct q){ .qname = name, .client = 9, .v6 = 1 };
		roundtrip(&h, fr, build(fr, &q));
		ck_assert_uint_eq(h.npass, 0);
	}
	ck_assert_uint_eq(xst_dns_filter_events(h.f, ev, 16), 1);
	ck_assert_uint_eq(ev[0].kind, XST_FILTER_EV_BLOCK);
	ck_assert_uint_eq(ev[0].reason, XST_BLOCK_NXFLOOD);
	ck_assert_uint_eq(ev[0].family, 6);
	ck_assert_uint_eq(ev[0].zone, 0);
	{
		struct xst_guard_zone gz;

		xst_detect_zone_info(h.det, 0, &gz);
		(void)gz;
		/* the outcomes are counted per zone in the detector */
		xst_detect_tick(h.det, h.now + XST_NS_PER_SEC, dev, 4);
		xst_detect_zone_info(h.det, 0, &gz);
		ck_assert_uint_eq(mode == XST_FILTER_CHALLENGE ? gz.challenged : gz.dropped, 9);
	}
	down(&h);
}
END_TEST

/* ---- budgets and local detection -------------------------------------- */

#define ST(h) xst_dns_filter_stats((h)->f)

/*
 * The pass budget (3/s, burst 3): each kind of PASS* spends a token
 * (_i: 0 known, 1 outside, 2 unknown while not attacked, 3 no database);
 * the 4th is challenged (with the server cookie when the query had a
 * client cookie); a verified cookie, class CH and NOTIFY pass without a
 * token while the bucket is empty; a token comes back after 1/3 s.
 */
static const struct {
	const char *qname;
	int with_db;
	size_t counter;
} pass_kinds[] = {
	{ "www.example.test", 1, offsetof(struct xst_dns_filter_stats, passed_known) },
	{ "www.example.org", 1, offsetof(struct xst_dns_filter_stats, passed_outside) },
	{ "nx7.example.test", 1, offsetof(struct xst_dns_filter_stats, passed_unknown) },
	{ "www.example.test", 0, offsetof(struct xst_dns_filter_stats, passed_no_zone) },
};

START_TEST(test_pass_budget)
{
	struct knobs k = NO_KNOBS;
	struct harness h;
	uint8_t fr[2048], opt[64];
	struct q q = { .qname = pass_kinds[_i].qname, .edns = 1, .client = 40 };
	uint32_t len, i;

	k.pass_rate = 3;
	k.pass_burst = 3;
	up_cfg(&h, pass_kinds[_i].with_db, XST_FILTER_CHALLENGE, &k);
	q.opt_len = cookie_opt(opt, &h, &q, 0);
	q.opt = opt;
	len = build(fr, &q);
	for (i = 0; i < 3; i++) {
		roundtrip(&h, fr, len);
		ck_assert_uint_eq(h.npass, 1);
		ck_assert_uint_eq(h.nout, 0);
	}
	ck_assert_uint_eq(ctr(&h, pass_kinds[_i].counter), 3);
	roundtrip(&h, fr, len);
	check_challenge(&h, fr, &q, 1);
	ck_assert_uint_eq(ST(&h)->challenged_budget, 1);
	ck_assert_uint_eq(ST(&h)->challenge_cookies, 1);
	ck_assert_uint_eq(ctr(&h, pass_kinds[_i].counter), 3);

	/* while the bucket is empty: a valid cookie still passes; class CH is
	 * challenged; NOTIFY, BADVERS, TSIG (no token either) are dropped, so
	 * that a flood cannot reach the server by wearing one of them */
	{
		struct q v = { .qname = "www.example.test", .edns = 1, .client = 41 };
		struct q ch = { .qname = "version.bind", .qtype = 16, .qclass = 3 };
		struct q nf = { .qname = "example.test", .flags = 0x2000, .qtype = 6 };
		struct q bv = { .qname = "nx9.example.test", .edns = 1, .edns_version = 1 };

		uint8_t vopt[64];

		v.opt_len = cookie_opt(vopt, &h, &v, 2);
		v.opt = vopt;
		roundtrip(&h, fr, build(fr, &v));
		ck_assert_uint_eq(h.npass, 1);
		ck_assert_uint_eq(ST(&h)->passed_verified_cookie, 1);
		roundtrip(&h, fr, build(fr, &ch));
		check_challenge(&h, fr, &ch, 0);
		ck_assert_uint_eq(ST(&h)->challenged_budget, 2);
		ck_assert_uint_eq(ST(&h)->passed_class_ch, 0);
		roundtrip(&h, fr, build(fr, &nf));
		ck_assert_uint_eq(h.npass + h.nout, 0);
		roundtrip(&h, fr, build(fr, &bv));
		ck_assert_uint_eq(h.npass + h.nout, 0);
		ck_assert_uint_eq(ST(&h)->dropped_other_budget, 2);
		ck_assert_uint_eq(ST(&h)->passed_other, 0);
	}
	/* a third of a second later: one token, not two */
	len = build(fr, &q);
	h.now += XST_NS_PER_SEC / 3 + 1000;
	roundtrip(&h, fr, len);
	ck_assert_uint_eq(h.npass, 1);
	roundtrip(&h, fr, len);
	ck_assert_uint_eq(h.npass, 0);
	ck_assert_uint_eq(h.nout, 1);
	ck_assert_uint_eq(ST(&h)->challenged_budget, 3);
	ck_assert_uint_eq(ctr(&h, pass_kinds[_i].counter), 4);
	down(&h);
}
END_TEST

/* No budget (rate 0): a thousand queries in the same microseconds all pass. */
START_TEST(test_pass_budget_off)
{
	struct harness h;
	uint8_t fr[2048];
	struct q q = { .qname = "www.example.test" };
	uint32_t len = 0, i;

	up(&h, 1, XST_FILTER_CHALLENGE);
	len = build(fr, &q);
	for (i = 0; i < 1000; i++)
		roundtrip(&h, fr, len);
	ck_assert_uint_eq(ST(&h)->passed_known, 1000);
	ck_assert_uint_eq(ST(&h)->challenged_budget + ST(&h)->dropped_challenge_budget, 0);
	down(&h);
}
END_TEST

/*
 * The challenge budget (2/s, burst 2) bounds every kind of challenge: ANY,
 * then a budget challenge; the 3rd is dropped; a token is back after 1/2 s.
 * With no challenge budget, many ANY queries are all challenged.
 */
START_TEST(test_challenge_budget)
{
	struct knobs k = NO_KNOBS;
	struct harness h;
	uint8_t fr[2048];
	struct q any = { .qname = "www.example.test", .qtype = 255 };
	struct q known = { .qname = "www.example.test" };
	uint32_t i;

	k.pass_rate = 1;
	k.pass_burst = 1;
	k.challenge_rate = 2;
	k.challenge_burst = 2;
	up_cfg(&h, 1, XST_FILTER_CHALLENGE, &k);
	roundtrip(&h, fr, build(fr, &known));		/* the one pass token */
	ck_assert_uint_eq(h.npass, 1);
	roundtrip(&h, fr, build(fr, &any));
	check_challenge(&h, fr, &any, 0);
	roundtrip(&h, fr, build(fr, &known));		/* over the pass budget */
	check_challenge(&h, fr, &known, 0);
	ck_assert_uint_eq(ST(&h)->challenged_budget, 1);
	roundtrip(&h, fr, build(fr, &any));		/* over the challenge budget */
	ck_assert_uint_eq(h.nout + h.npass, 0);
	roundtrip(&h, fr, build(fr, &known));
	ck_assert_uint_eq(h.nout + h.npass, 0);
	ck_assert_uint_eq(ST(&h)->dropped_challenge_budget, 2);
	ck_assert_uint_eq(ST(&h)->challenged_any, 1);
	ck_assert_uint_eq(ST(&h)->challenged_budget, 1);
	h.now += XST_NS_PER_SEC / 2 + 1000;
	roundtrip(&h, fr, build(fr, &any));
	check_challenge(&h, fr, &any, 0);
	roundtrip(&h, fr, build(fr, &any));
	ck_assert_uint_eq(h.nout, 0);
	ck_assert_uint_eq(ST(&h)->dropped_challenge_budget, 3);
	down(&h);

	up(&h, 1, XST_FILTER_CHALLENGE);
	for (i = 0; i < 500; i++)
		roundtrip(&h, fr, build(fr, &any));
	ck_assert_uint_eq(ST(&h)->challenged_any, 500);
	ck_assert_uint_eq(ST(&h)->dropped_challenge_budget, 0);
	down(&h);
}
END_TEST

/* Under attack, an unknown name over the challenge budget is dropped and counted as such. */
START_TEST(test_challenge_budget_attack)
{
	struct xst_detect_event dev[4];
	struct xst_guard_zone gz;
	struct knobs k = NO_KNOBS;
	struct harness h;
	uint8_t fr[2048];
	char name[64];
	struct q q;
	uint32_t i;

	k.challenge_rate = 1;
	k.challenge_burst = 3;
	up_cfg(&h, 1, XST_FILTER_CHALLENGE, &k);
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "r%u.example.test", i);
		q = (struct q){ .qname = name };
		roundtrip(&h, fr, build(fr, &q));
	}
	ck_assert_uint_eq(xst_detect_tick(h.det, h.now + XST_NS_PER_SEC, dev, 4), 1);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "t%u.example.test", i);
		q = (struct q){ .qname = name, .client = (uint8_t)(50 + i) };
		roundtrip(&h, fr, build(fr, &q));
		ck_assert_uint_eq(h.npass, 0);
		ck_assert_uint_eq(h.nout, i < 3);
	}
	ck_assert_uint_eq(ST(&h)->challenged_unknown, 3);
	ck_assert_uint_eq(ST(&h)->dropped_challenge_budget, 2);
	xst_detect_tick(h.det, h.now + 2 * XST_NS_PER_SEC, dev, 4);
	xst_detect_zone_info(h.det, 0, &gz);
	ck_assert_uint_eq(gz.challenged, 3);
	ck_assert_uint_eq(gz.dropped, 2);
	down(&h);
}
END_TEST

/*
 * Local detection, thresholds derived from the detector's (unknown_min 20,
 * distinct_min 10, one worker, scale 1): 19 random unknown names pass, the
 * 20th and every later one of that second is challenged (_i 0) or dropped
 * (_i 1) at once, without a tick: the detector itself has declared nothing.
 * Known names still pass. The next second starts from zero again.
 */
START_TEST(test_local_attack)
{
	enum xst_filter_unknown mode = _i ? XST_FILTER_DROP : XST_FILTER_CHALLENGE;
	struct knobs k = NO_KNOBS;
	struct harness h;
	uint8_t fr[2048];
	char name[64];
	struct q q;
	uint32_t i;

	k.local_unknown = 0;
	up_cfg(&h, 1, mode, &k);
	for (i = 0; i < 25; i++) {
		snprintf(name, sizeof(name), "r%u.example.test", i);
		q = (struct q){ .qname = name, .client = 9 };
		roundtrip(&h, fr, build(fr, &q));
		if (i < 19) {
			ck_assert_msg(h.npass == 1, "query %u passes", i);
			continue;
		}
		ck_assert_msg(h.npass == 0, "query %u not passed", i);
		if (mode == XST_FILTER_CHALLENGE)
			check_challenge(&h, fr, &q, 0);
		else
			ck_assert_uint_eq(h.nout, 0);
	}
	ck_assert_uint_eq(ST(&h)->local_attack, 6);
	ck_assert_uint_eq(mode == XST_FILTER_CHALLENGE ? ST(&h)->challenged_unknown :
			  ST(&h)->dropped_unknown, 6);
	ck_assert_uint_eq(ST(&h)->passed_unknown, 19);
	ck_assert_int_eq(xst_detect_active(h.det, 0), 0);
	q = (struct q){ .qname = "www.example.test" };
	roundtrip(&h, fr, build(fr, &q));
	ck_assert_uint_eq(h.npass, 1);
	/* a new second */
	h.now += XST_NS_PER_SEC;
	q = (struct q){ .qname = "x1.example.test" };
	roundtrip(&h, fr, build(fr, &q));
	ck_assert_uint_eq(h.npass, 1);
	ck_assert_uint_eq(ST(&h)->local_attack, 6);
	down(&h);
}
END_TEST

/*
 * Not local: one repeated unknown name (distinct 1 < 10) 40 times passes;
 * XST_FILTER_LOCAL_OFF: 40 random names pass; explicit thresholds (5, 3)
 * trip at the 5th; derived under scale 4 (20/4 = 5, 10/4 -> 3) too.
 */
START_TEST(test_local_thresholds)
{
	struct knobs k = NO_KNOBS;
	struct harness h;
	uint8_t fr[2048];
	char name[64];
	struct q q;
	uint32_t i, variant;

	k.local_unknown = 0;
	up_cfg(&h, 1, XST_FILTER_CHALLENGE, &k);
	q = (struct q){ .qname = "same.example.test" };
	for (i = 0; i < 40; i++)
		roundtrip(&h, fr, build(fr, &q));
	ck_assert_uint_eq(ST(&h)->passed_unknown, 40);
	ck_assert_uint_eq(ST(&h)->local_attack, 0);
	down(&h);

	up(&h, 1, XST_FILTER_CHALLENGE);	/* local off */
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "r%u.example.test", i);
		q = (struct q){ .qname = name };
		roundtrip(&h, fr, build(fr, &q));
	}
	ck_assert_uint_eq(ST(&h)->passed_unknown, 40);
	ck_assert_uint_eq(ST(&h)->local_attack, 0);
	down(&h);

	for (variant = 0; variant < 2; variant++) {
		k.local_unknown = variant ? 0 : 5;
		k.local_distinct = variant ? 0 : 3;
		up_cfg(&h, 1, XST_FILTER_CHALLENGE, &k);
		if (variant)
			xst_detect_set_scale(h.det, 4);
		for (i = 0; i < 8; i++) {
			snprintf(name, sizeof(name), "r%u.example.test", i);
			q = (struct q){ .qname = name };
			roundtrip(&h, fr, build(fr, &q));
			ck_assert_msg(h.npass == (i < 4), "variant %u query %u", variant, i);
		}
		ck_assert_uint_eq(ST(&h)->local_attack, 4);
		down(&h);
	}
}
END_TEST

START_TEST(test_counters_named)
{
	const struct xst_svc_ops *o = &xst_dns_filter_ops;
	uint32_t i;

	ck_assert_uint_le(o->nr_counters, 40);
	for (i = 0; i < o->nr_counters; i++) {
		ck_assert_uint_lt(strlen(o->counters[i].name), 32);
		ck_assert_uint_eq(o->counters[i].off, i * 8);
	}
}
END_TEST

Suite *dns_filter_suite(void)
{
	Suite *s = suite_create("dns_filter");
	TCase *tc = tcase_create("dns_filter");

	tcase_add_loop_test(tc, test_branch, 0, NCASES);
	tcase_add_test(tc, test_no_db);
	tcase_add_loop_test(tc, test_verified_event, 0, 2);
	tcase_add_test(tc, test_block_malformed);
	tcase_add_test(tc, test_event_ring_full);
	tcase_add_loop_test(tc, test_attack, 0, 2);
	tcase_add_loop_test(tc, test_pass_budget, 0, 4);
	tcase_add_test(tc, test_pass_budget_off);
	tcase_add_test(tc, test_challenge_budget);
	tcase_add_test(tc, test_challenge_budget_attack);
	tcase_add_loop_test(tc, test_local_attack, 0, 2);
	tcase_add_test(tc, test_local_thresholds);
	tcase_add_test(tc, test_counters_named);
	suite_add_tcase(s, tc);
	return s;
}
