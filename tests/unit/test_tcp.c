// SPDX-License-Identifier: GPL-2.0
/*
 * user/tcp driven with crafted client segments (built with xst_tcp_build
 * from the client's side) through a fake application that serves a byte
 * stream and records every emitted segment, parsed back and checksummed
 * (tests/lib/tcp_fake.h); a fake clock runs the timer wheel.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/timer.h"
#include "net/net.h"
#include "net/tcp.h"
#include "tcp/tcp.h"
#include "../lib/tcp_fake.h"

#define SEC	1000000000ull
#define MS	1000000ull

static struct fake_app F;
static struct xst_timer_wheel W;
static struct xst_tcp *T;
static uint64_t NOW;

struct cli {
	uint16_t port;
	uint32_t nxt;	/* the client's next seq */
	uint32_t iss;	/* the server's */
};

static struct xst_tcp_cfg defcfg(void)
{
	struct xst_tcp_cfg c = {
		.max_conns = 16,
		.half_open_max = 8,
		.syn_cookies = XST_TCP_COOKIES_AUTO,
		.mss_max = 1460,
		.rcv_buf = 4096,
		.header_timeout_ns = 10 * SEC,
		.idle_timeout_ns = 30 * SEC,
		.fin_wait2_ns = 20 * SEC,
		.time_wait_ns = 60 * SEC,
		.time_wait_max = 16,
	};
	return c;
}

static void env(const struct xst_tcp_cfg *cfg)
{
	memset(&F, 0, sizeof(F));
	NOW = 1000 * XST_TCP_COOKIE_PERIOD_NS + SEC;	/* 1 s into a cookie period */
	xst_timer_wheel_init(&W, NOW);
	ck_assert_int_eq(xst_tcp_create(&T, cfg, &fake_ops, &F, &W, NOW), 0);
	F.t = T;
}

static void env_default(void)
{
	struct xst_tcp_cfg c = defcfg();

	env(&c);
}

static void teardown(void)
{
	ck_assert_int_eq(F.bad_frames, 0);
	xst_tcp_destroy(T);
	T = NULL;
}

static int in_opts(uint16_t port, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
		   const void *data, uint32_t len, const uint8_t *opts, uint32_t optlen)
{
	uint8_t frame[8192];
	struct xst_tcp_flow fl;
	struct xst_pkt p;
	uint32_t n;

	ck_assert_uint_le(len, 8000);
	fake_client_flow(&fl, port);
	if (len)
		memcpy(frame + xst_tcp_payload_off(&fl, optlen), data, len);
	n = xst_tcp_build(frame, &fl, seq, ack, flags, win, opts, optlen, len);
	ck_assert_int_eq(xst_net_parse(frame, n, &p), XST_NET_OK);
	return xst_tcp_input(T, frame, &p, NOW, &F);
}

static int in(uint16_t port, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
	      const void *data, uint32_t len)
{
	return in_opts(port, seq, ack, flags, win, data, len, NULL, 0);
}

static void tick(uint64_t ns)
{
	NOW += ns;
	xst_timer_run(&W, NOW, &F);
}

static const struct fake_seg *last(void)
{
	ck_assert_uint_gt(F.n, 0);
	return &F.segs[F.n - 1];
}

static int syn(uint16_t port, uint32_t isn, uint16_t mss, int ws)
{
	uint8_t o[12];
	uint32_t n = 0;

	if (mss) {
		o[n++] = XST_TCP_OPT_MSS;
		o[n++] = 4;
		o[n++] = (uint8_t)(mss >> 8);
		o[n++] = (uint8_t)mss;
	}
	if (ws >= 0) {
		o[n++] = XST_TCP_OPT_NOP;
		o[n++] = XST_TCP_OPT_WS;
		o[n++] = 3;
		o[n++] = (uint8_t)ws;
	}
	/* SACK permitted and timestamps offered: both must be declined */
	o[n++] = XST_TCP_OPT_SACK_OK;
	o[n++] = 2;
	o[n++] = XST_TCP_OPT_NOP;
	o[n++] = XST_TCP_OPT_NOP;
	return in_opts(port, isn, 0, XST_TCP_SYN, 65535, NULL, 0, o, n);
}

/* Three-way handshake from port; the final ACK advertises win. */
static void cli_connect(struct cli *c, uint16_t port, uint16_t mss, int ws, uint16_t win)
{
	uint32_t n0 = F.n, isn = 1000u * port;

	c->port = port;
	ck_assert_int_eq(syn(port, isn, mss, ws), 0);
	ck_assert_uint_eq(F.n, n0 + 1);
	ck_assert_uint_eq(last()->flags, XST_TCP_SYN | XST_TCP_ACK);
	ck_assert_uint_eq(last()->ack, isn + 1);
	c->iss = last()->seq;
	c->nxt = isn + 1;
	ck_assert_int_eq(in(port, c->nxt, c->iss + 1, XST_TCP_ACK, win, NULL, 0), 0);
}

static uint32_t srv_seq(const struct cli *c, uint64_t off)
{
	return c->iss + 1 + (uint32_t)off;
}

static void req(struct cli *c, const char *s, uint8_t more, uint16_t win)
{
	uint32_t len = (uint32_t)strlen(s);

	ck_assert_int_eq(in(c->port, c->nxt, c->iss + 1, XST_TCP_ACK | XST_TCP_PSH | more, win, s,
			    len), 0);
	c->nxt += len + !!(more & XST_TCP_FIN);
}

static void ack(const struct cli *c, uint64_t off, uint16_t win)
{
	ck_assert_int_eq(in(c->port, c->nxt, srv_seq(c, off), XST_TCP_ACK, win, NULL, 0), 0);
}

/* Data segments recorded since index from; their stream offsets into offs. */
static uint32_t data_since(uint32_t from, uint64_t *offs, uint32_t cap)
{
	uint32_t i, k = 0;

	for (i = from; i < F.n; i++)
		if (F.segs[i].len && F.segs[i].off != UINT64_MAX) {
			if (offs && k < cap)
				offs[k] = F.segs[i].off;
			k++;
		}
	return k;
}

static const char *GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

/* ---- handshake ---------------------------------------------------------- */

START_TEST(test_handshake)
{
	const struct xst_tcp_stats *st;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	ck_assert_int_eq(syn(1234, 5000, 1400, 7), 0);
	ck_assert_uint_eq(F.n, 1);
	ck_assert_uint_eq(last()->flags, XST_TCP_SYN | XST_TCP_ACK);
	ck_assert_uint_eq(last()->ack, 5001);
	ck_assert_uint_eq(last()->mss, 1460);
	ck_assert_uint_eq(last()->wscale, 0);	/* rcv_buf 4096 needs no shift */
	ck_assert_uint_eq(last()->sack_ok, 0);
	ck_assert_uint_eq(last()->ts_ok, 0);
	ck_assert_uint_eq(last()->dport, 1234);
	ck_assert_uint_eq(st->half_open, 1);
	c.iss = last()->seq;
	ck_assert_int_eq(in(1234, 5001, c.iss + 1, XST_TCP_ACK, 1000, NULL, 0), 0);
	ck_assert_int_eq(F.opened, 1);
	ck_assert_uint_eq(st->half_open, 0);
	ck_assert_uint_eq(st->established, 1);
	ck_assert_uint_eq(F.last->mss, 1400);
	ck_assert_uint_eq(F.last->snd_wscale, 7);
	ck_assert_uint_eq(F.last->snd_wnd, 1000u << 7);
	ck_assert_uint_eq(F.n, 1);	/* nothing sent for a bare ACK */

	/* no options: MSS 536, no window scale echoed */
	ck_assert_int_eq(in_opts(1235, 7000, 0, XST_TCP_SYN, 65535, NULL, 0, NULL, 0), 0);
	ck_assert_uint_eq(last()->wscale, XST_TCP_WS_NONE);
	ck_assert_uint_ne(last()->seq, c.iss);	/* ISS differs per 4-tuple */
	ck_assert_int_eq(in(1235, 7001, last()->seq + 1, XST_TCP_ACK, 65535, NULL, 0), 0);
	ck_assert_uint_eq(F.last->mss, 536);

	/* request and response */
	F.resp_len = 3000;
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, GET, 0, 65535);
	ck_assert_uint_eq(F.req_len, strlen(GET));
	ck_assert_uint_eq(data_since(0, NULL, 0), 3);
	ck_assert_uint_eq(last()->seq, srv_seq(&c, 2000));
	ck_assert_uint_eq(last()->ack, c.nxt);
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK | XST_TCP_PSH);
	ck_assert_uint_eq(last()->win, 4096);
	teardown();
}
END_TEST

START_TEST(test_syn_retransmit)
{
	const struct xst_tcp_stats *st;
	int i;

	env_default();
	st = xst_tcp_stats(T);
	ck_assert_int_eq(syn(1234, 5000, 1460, -1), 0);
	tick(1100 * MS);
	ck_assert_uint_eq(F.n, 2);
	ck_assert_uint_eq(last()->flags, XST_TCP_SYN | XST_TCP_ACK);
	ck_assert_uint_eq(st->retransmits_syn, 1);
	for (i = 0; i < 10; i++)
		tick(20 * SEC);
	ck_assert_uint_eq(st->timeouts_syn, 1);
	ck_assert_uint_eq(st->conns, 0);
	ck_assert_uint_eq(st->half_open, 0);
	teardown();
}
END_TEST

/* ---- SYN cookies ---------------------------------------------------------- */

START_TEST(test_cookie_always)
{
	struct xst_tcp_cfg cfg = defcfg();
	const struct xst_tcp_stats *st;
	uint32_t cookie;

	cfg.syn_cookies = XST_TCP_COOKIES_ALWAYS;
	env(&cfg);
	st = xst_tcp_stats(T);
	F.resp_len = 100;
	ck_assert_int_eq(syn(3000, 9000, 1460, 7), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_SYN | XST_TCP_ACK);
	ck_assert_uint_eq(last()->mss, 1460);
	ck_assert_uint_eq(last()->wscale, 0);
	ck_assert_uint_eq(st->conns, 0);	/* no state */
	ck_assert_uint_eq(st->syn_cookies_sent, 1);
	cookie = last()->seq;

	/* a wrong cookie: RST at its ack, counted */
	ck_assert_int_eq(in(3000, 9001, cookie + 2, XST_TCP_ACK, 100, NULL, 0), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST);
	ck_assert_uint_eq(last()->seq, cookie + 2);
	ck_assert_uint_eq(st->cookies_bad, 1);
	ck_assert_uint_eq(st->conns, 0);
	/* the same peer ISN from another port: the MAC covers the 4-tuple */
	ck_assert_int_eq(in(3001, 9001, cookie + 1, XST_TCP_ACK, 100, NULL, 0), 0);
	ck_assert_uint_eq(st->cookies_bad, 2);

	/* the right one, carrying the request */
	ck_assert_int_eq(in(3000, 9001, cookie + 1, XST_TCP_ACK | XST_TCP_PSH, 100, GET,
			    (uint32_t)strlen(GET)), 0);
	ck_assert_uint_eq(st->cookies_ok, 1);
	ck_assert_uint_eq(st->conns, 1);
	ck_assert_int_eq(F.opened, 1);
	ck_assert_uint_eq(F.last->mss, 1460);
	ck_assert_uint_eq(F.last->snd_wscale, 7);
	ck_assert_uint_eq(F.last->snd_wnd, 100u << 7);
	ck_assert_uint_eq(F.req_len, strlen(GET));
	ck_assert_uint_eq(last()->len, 100);
	ck_assert_uint_eq(last()->seq, cookie + 1);
	ck_assert_uint_eq(last()->ack, 9001 + strlen(GET));
	teardown();
}
END_TEST

START_TEST(test_cookie_periods)
{
	struct xst_tcp_cfg cfg = defcfg();
	const struct xst_tcp_stats *st;
	uint32_t c1, c2;

	cfg.syn_cookies = XST_TCP_COOKIES_ALWAYS;
	env(&cfg);
	st = xst_tcp_stats(T);
	ck_assert_int_eq(syn(4000, 100, 1000, -1), 0);
	c1 = last()->seq;
	ck_assert_int_eq(syn(4001, 200, 1000, -1), 0);
	c2 = last()->seq;
	NOW += XST_TCP_COOKIE_PERIOD_NS;	/* the next period: still accepted */
	ck_assert_int_eq(in(4000, 101, c1 + 1, XST_TCP_ACK, 65535, NULL, 0), 0);
	ck_assert_uint_eq(st->cookies_ok, 1);
	ck_assert_uint_eq(F.last->mss, 536);	/* 1000 rounds down in the table */
	ck_assert_uint_eq(F.last->snd_wscale, XST_TCP_WS_NONE);
	NOW += XST_TCP_COOKIE_PERIOD_NS;	/* two periods old: refused */
	ck_assert_int_eq(in(4001, 201, c2 + 1, XST_TCP_ACK, 65535, NULL, 0), 0);
	ck_assert_uint_eq(st->cookies_ok, 1);
	ck_assert_uint_eq(st->cookies_bad, 1);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST);
	ck_assert_uint_eq(st->conns, 1);
	teardown();
}
END_TEST

START_TEST(test_cookie_auto)
{
	struct xst_tcp_cfg cfg = defcfg();
	const struct xst_tcp_stats *st;
	uint32_t cookie;
	int i;

	cfg.half_open_max = 2;
	env(&cfg);
	st = xst_tcp_stats(T);
	ck_assert_int_eq(syn(5000, 1, 1460, -1), 0);
	ck_assert_int_eq(syn(5001, 1, 1460, -1), 0);
	ck_assert_uint_eq(st->half_open, 2);
	ck_assert_uint_eq(st->syn_cookies_sent, 0);
	/* a flood past the threshold grows nothing */
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(syn((uint16_t)(6000 + i), (uint32_t)i, 1460, -1), 0);
	ck_assert_uint_eq(st->conns, 2);
	ck_assert_uint_eq(st->syn_cookies_sent, 100);
	ck_assert_int_eq(syn(5002, 77, 1460, 2), 0);
	cookie = last()->seq;
	ck_assert_int_eq(in(5002, 78, cookie + 1, XST_TCP_ACK, 65535, NULL, 0), 0);
	ck_assert_uint_eq(st->conns, 3);
	ck_assert_uint_eq(st->cookies_ok, 1);
	ck_assert_uint_eq(F.last->snd_wscale, 2);
	teardown();
}
END_TEST

/* ---- sending ---------------------------------------------------------- */

START_TEST(test_ack_clocked)
{
	const struct xst_tcp_stats *st;
	uint64_t offs[64], acked = 0;
	uint32_t n0, i, k;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	F.resp_len = 30000;
	cli_connect(&c, 2000, 1000, -1, 65535);
	n0 = F.n;
	req(&c, GET, 0, 65535);
	ck_assert_uint_eq(data_since(n0, offs, 64), 10);	/* IW10 */
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(offs[i], 1000u * i);
	ck_assert_uint_eq(F.last->cwnd, 10000);
	/* the first ACK of one segment: slow start sends two more */
	n0 = F.n;
	acked = 1000;
	ack(&c, acked, 65535);
	ck_assert_uint_eq(data_since(n0, offs, 64), 2);
	ck_assert_uint_eq(offs[0], 10000);
	ck_assert_uint_eq(offs[1], 11000);
	while (acked < 30000) {
		acked += 1000;
		ack(&c, acked, 65535);
	}
	k = data_since(0, offs, 64);
	ck_assert_uint_eq(k, 30);
	for (i = 0; i < 30; i++)
		ck_assert_uint_eq(offs[i], 1000u * i);	/* each once, in order */
	ck_assert_uint_eq(F.last->snd_una, 30000);
	ck_assert_uint_gt(F.last->cwnd, 30000);
	ck_assert_uint_eq(st->retransmits_rto + st->retransmits_fast, 0);
	teardown();
}
END_TEST

/* Segment `lost` (of 30) is lost: the client ACKs what it has. by_rto: its
 * duplicate ACKs are lost too, so only the RTO repairs it. */
static void loss_case(uint32_t lost, int by_rto)
{
	const struct xst_tcp_stats *st;
	uint64_t offs[128];
	uint32_t n0, i, k, seen[30] = { 0 }, dropped = 0;
	uint64_t got = 0;	/* the client's cumulative offset */
	int rounds = 0;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	F.resp_len = 30000;
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, GET, 0, 65535);
	n0 = 0;
	/* the client: walk new segments, deliver unless lost, ACK each */
	while (got < 30000 && rounds++ < 200) {
		uint32_t from = n0;

		n0 = F.n;
		k = 0;
		for (i = from; i < n0; i++) {
			const struct fake_seg *s = &F.segs[i];
			uint32_t idx;

			if (!s->len || s->off == UINT64_MAX)
				continue;
			idx = (uint32_t)(s->off / 1000);
			k++;
			if (idx == lost && !dropped++)
				continue;	/* first copy dropped */
			seen[idx]++;
			while (got < 30000 && seen[got / 1000])
				got += 1000;
			if (by_rto && got == 1000u * lost && idx > lost)
				continue;	/* the duplicate ACK is lost as well */
			ack(&c, got, 65535);
		}
		if (!k)
			tick(300 * MS);	/* nothing in flight reached us: let the RTO run */
	}
	ck_assert_uint_eq(got, 30000);
	ck_assert_uint_eq(F.last->snd_una, 30000);
	if (by_rto) {
		ck_assert_uint_ge(st->retransmits_rto, 1);
	} else {
		ck_assert_uint_eq(st->retransmits_rto, 0);
		ck_assert_uint_eq(st->retransmits_fast, 1);
		ck_assert_uint_ge(st->dup_acks, 3);
	}
	/* the lost one went exactly twice, with the same sequence number */
	k = data_since(0, offs, 128);
	for (i = 0, n0 = 0; i < k && i < 128; i++)
		n0 += offs[i] == 1000u * lost;
	ck_assert_uint_ge(n0, 2);
}

START_TEST(test_loss_fast_retransmit)
{
	/* every segment but the last three, which leave too few dup ACKs */
	loss_case((uint32_t)_i, 0);
	teardown();
}
END_TEST

START_TEST(test_loss_rto)
{
	loss_case((uint32_t)_i, 1);
	teardown();
}
END_TEST

START_TEST(test_newreno_partial)
{
	const struct xst_tcp_stats *st;
	uint32_t n0;
	struct cli c;
	int i;

	env_default();
	st = xst_tcp_stats(T);
	F.resp_len = 30000;
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, GET, 0, 65535);	/* segments 0..9 out; 3 and 7 lost */
	ack(&c, 1000, 65535);
	ack(&c, 2000, 65535);
	ack(&c, 3000, 65535);	/* 4 new segments sent by now: 10..13 */
	for (i = 0; i < 3; i++)	/* 4, 5, 6 arrive */
		ack(&c, 3000, 65535);
	ck_assert_uint_eq(st->retransmits_fast, 1);
	ck_assert_uint_eq(last()->off, 3000);
	ck_assert(F.last->in_recovery);
	ck_assert_uint_eq(F.last->ssthresh, 6500);	/* flight 3000..16000, halved */
	for (i = 0; i < 6; i++)	/* 8, 9, 10..13 */
		ack(&c, 3000, 65535);
	/* the retransmitted 3 arrives: partial ACK up to the hole at 7 */
	n0 = F.n;
	ack(&c, 7000, 65535);
	ck_assert_uint_eq(st->partial_acks, 1);
	ck_assert_uint_eq(st->retransmits_fast, 2);
	ck_assert_uint_eq(F.segs[n0].off, 7000);
	ck_assert(F.last->in_recovery);
	/* then everything: full ACK ends recovery, cwnd deflated to ssthresh */
	ack(&c, F.last->snd_max, 65535);
	ck_assert(!F.last->in_recovery);
	ck_assert_uint_le(F.last->cwnd, 6500 + 1000);
	ck_assert_uint_eq(st->retransmits_rto, 0);
	teardown();
}
END_TEST

START_TEST(test_rto_give_up)
{
	struct xst_tcp_cfg cfg = defcfg();
	const struct xst_tcp_stats *st;
	struct cli c;
	int i;

	cfg.max_retrans = 3;
	env(&cfg);
	st = xst_tcp_stats(T);
	F.resp_len = 1000;
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, GET, 0, 65535);
	ck_assert_uint_eq(last()->len, 1000);
	for (i = 0; i < 20 && st->conns; i++)
		tick(2 * SEC);
	ck_assert_uint_eq(st->retransmits_rto, 3);
	ck_assert_uint_eq(st->timeouts_rto, 1);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST | XST_TCP_ACK);
	ck_assert_int_eq(F.why, ETIMEDOUT);
	ck_assert_uint_eq(st->conns, 0);
	teardown();
}
END_TEST

START_TEST(test_rtt_backoff)
{
	struct cli c;
	uint64_t t0;

	env_default();
	F.resp_len = 1000;
	cli_connect(&c, 2000, 1000, -1, 65535);
	/* a 50 ms RTT sample: RTO = max(200 ms, srtt + 4 rttvar) */
	req(&c, GET, 0, 65535);
	NOW += 50 * MS;
	ack(&c, 1000, 65535);
	/* after the handshake's ~0 sample: 7/8 * 1 ns + 1/8 * 50 ms */
	ck_assert_uint_eq(F.last->srtt, (7 + 50 * MS) / 8);
	ck_assert_uint_eq(F.last->rto, 200 * MS);	/* the floor */
	F.responded = 0;
	t0 = NOW;
	req(&c, GET, 0, 65535);
	tick(190 * MS);
	ck_assert_uint_eq(xst_tcp_stats(T)->retransmits_rto, 0);
	tick(20 * MS);
	ck_assert_uint_eq(xst_tcp_stats(T)->retransmits_rto, 1);
	tick(300 * MS);	/* backed off to 400 ms */
	ck_assert_uint_eq(xst_tcp_stats(T)->retransmits_rto, 1);
	tick(200 * MS);
	ck_assert_uint_eq(xst_tcp_stats(T)->retransmits_rto, 2);
	/* Karn: the ACK of a retransmitted segment gives no sample */
	ack(&c, 2000, 65535);
	ck_assert_uint_eq(F.last->srtt, (7 + 50 * MS) / 8);
	(void)t0;
	teardown();
}
END_TEST

START_TEST(test_zero_window)
{
	const struct xst_tcp_stats *st;
	uint64_t offs[16];
	uint32_t n0;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	F.resp_len = 5000;
	cli_connect(&c, 2000, 1000, -1, 0);
	n0 = F.n;
	req(&c, GET, 0, 0);
	ck_assert_uint_eq(data_since(n0, NULL, 0), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK);	/* the request's ACK */
	ck_assert(F.last->persist);
	tick(250 * MS);	/* the RTO (its 200 ms floor) */
	ck_assert_uint_eq(st->zero_window_probes, 1);
	ck_assert_uint_eq(last()->len, 1);
	ck_assert_uint_eq(last()->seq, srv_seq(&c, 0));
	ack(&c, 0, 0);	/* still closed */
	ck_assert_uint_eq(st->dup_acks, 0);
	tick(300 * MS);
	ck_assert_uint_eq(st->zero_window_probes, 1);	/* backed off: 400 ms */
	tick(150 * MS);
	ck_assert_uint_eq(st->zero_window_probes, 2);
	/* the window opens */
	n0 = F.n;
	ack(&c, 0, 65535);
	ck_assert_uint_eq(data_since(n0, offs, 16), 5);
	ck_assert_uint_eq(offs[0], 0);
	ck_assert(!F.last->persist);
	ack(&c, 5000, 65535);
	ck_assert_uint_eq(F.last->snd_una, 5000);
	/* a small window: what fits goes, the rest waits for it */
	F.responded = 0;
	n0 = F.n;
	ck_assert_int_eq(in(c.port, c.nxt, srv_seq(&c, 5000), XST_TCP_ACK, 1500, GET,
			    (uint32_t)strlen(GET)), 0);
	ck_assert_uint_eq(data_since(n0, NULL, 0), 1);
	ck_assert_uint_eq(last()->len, 1000);
	teardown();
}
END_TEST

START_TEST(test_xmit_stall)
{
	const struct xst_tcp_stats *st;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	F.resp_len = 2000;
	F.xmit_fail = 1;
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, GET, 0, 65535);
	ck_assert_uint_ge(st->xmit_stalls, 1);
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK);	/* the ACK still went */
	F.xmit_fail = 0;
	/* the next input sends the stream */
	ack(&c, 0, 65535);
	ck_assert_uint_eq(data_since(0, NULL, 0), 2);
	teardown();
}
END_TEST

START_TEST(test_prepared_cut)
{
	uint64_t offs[16];
	struct cli c;

	env_default();
	F.resp_len = 2500;
	F.cut = 700;	/* the app's segments end at multiples of 700 */
	F.close_after = 1;
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, GET, 0, 65535);
	ck_assert_uint_eq(data_since(0, offs, 16), 4);
	ck_assert_uint_eq(offs[1], 700);
	ck_assert_uint_eq(offs[3], 2100);
	ck_assert_uint_eq(last()->len, 400);
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK | XST_TCP_PSH | XST_TCP_FIN);
	teardown();
}
END_TEST

/* ---- receiving ---------------------------------------------------------- */

START_TEST(test_reorder_dup)
{
	const struct xst_tcp_stats *st;
	const char *a = "GET / HT", *b = "TP/1.1\r\nHost: a\r\n", *cc = "\r\n";
	uint32_t la = 8, lb = (uint32_t)strlen(b), base;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	F.resp_len = 10;
	cli_connect(&c, 2000, 1000, -1, 65535);
	base = c.nxt;
	/* b before a: dropped, duplicate ACK */
	ck_assert_int_eq(in(c.port, base + la, c.iss + 1, XST_TCP_ACK, 65535, b, lb), 0);
	ck_assert_uint_eq(F.req_len, 0);
	ck_assert_uint_eq(last()->ack, base);
	ck_assert_uint_eq(st->ooo_segments, 1);
	ck_assert_int_eq(in(c.port, base, c.iss + 1, XST_TCP_ACK, 65535, a, la), 0);
	ck_assert_uint_eq(F.req_len, la);
	ck_assert_uint_eq(last()->ack, base + la);
	/* a again: ACKed, not delivered twice */
	ck_assert_int_eq(in(c.port, base, c.iss + 1, XST_TCP_ACK, 65535, a, la), 0);
	ck_assert_uint_eq(F.req_len, la);
	ck_assert_uint_eq(last()->ack, base + la);
	ck_assert_uint_eq(st->dup_segments, 1);
	/* a + b overlapping: only b is new */
	{
		char ab[64];

		memcpy(ab, a, la);
		memcpy(ab + la, b, lb);
		ck_assert_int_eq(in(c.port, base, c.iss + 1, XST_TCP_ACK, 65535, ab, la + lb), 0);
	}
	ck_assert_uint_eq(F.req_len, la + lb);
	ck_assert_int_eq(in(c.port, base + la + lb, c.iss + 1, XST_TCP_ACK, 65535, cc, 2), 0);
	ck_assert_uint_eq(F.req_len, strlen(GET));
	ck_assert(!memcmp(F.req, GET, F.req_len));
	ck_assert_uint_eq(last()->len, 10);	/* the response carries the ACK */
	ck_assert_uint_eq(last()->ack, base + F.req_len);
	teardown();
}
END_TEST

START_TEST(test_rcv_buffer)
{
	uint8_t big[5000];
	struct cli c;

	env_default();
	memset(big, 'x', sizeof(big));
	F.consume_max = 100;	/* the app takes 100 bytes per call */
	cli_connect(&c, 2000, 1000, -1, 65535);
	ck_assert_int_eq(in(c.port, c.nxt, c.iss + 1, XST_TCP_ACK, 65535, big, 1000), 0);
	ck_assert_uint_eq(F.req_len, 100);
	ck_assert_uint_eq(F.last->rcv_len, 900);
	ck_assert_uint_eq(last()->win, 4096 - 900);
	/* more than the window: trimmed to it */
	ck_assert_int_eq(in(c.port, c.nxt + 1000, c.iss + 1, XST_TCP_ACK, 65535, big, 4000), 0);
	ck_assert_uint_eq(last()->ack, c.nxt + 1000 + 4096 - 900);
	ck_assert_uint_eq(F.req_len, 200);
	/* the app is ready again: it takes all */
	F.consume_max = 0;
	xst_tcp_rx_kick(T, F.last, NOW, &F);
	ck_assert_uint_eq(F.req_len, 200 + 4096 - 100);
	ck_assert_uint_eq(F.last->rcv_len, 0);
	ck_assert_uint_eq(last()->win, 4096);	/* window update */
	teardown();
}
END_TEST

/* ---- RST, SYN, ACK checks (RFC 5961) ---------------------------------------- */

START_TEST(test_rst)
{
	const struct xst_tcp_stats *st;
	struct cli c;
	uint32_t n0;

	env_default();
	st = xst_tcp_stats(T);
	cli_connect(&c, 2000, 1000, -1, 65535);
	/* in the window, not exact: challenge ACK */
	ck_assert_int_eq(in(c.port, c.nxt + 100, 0, XST_TCP_RST, 0, NULL, 0), 0);
	ck_assert_uint_eq(st->challenge_acks, 1);
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK);
	ck_assert_uint_eq(last()->ack, c.nxt);
	/* out of the window: ignored */
	n0 = F.n;
	ck_assert_int_eq(in(c.port, c.nxt + 100000, 0, XST_TCP_RST, 0, NULL, 0), 0);
	ck_assert_uint_eq(F.n, n0);
	ck_assert_uint_eq(st->conns, 1);
	/* a SYN on the connection: challenge ACK */
	ck_assert_int_eq(syn(2000, 12345, 1460, -1), 0);
	ck_assert_uint_eq(st->challenge_acks, 2);
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK);
	/* an ACK of data never sent: challenge ACK, dropped */
	ck_assert_int_eq(in(c.port, c.nxt, c.iss + 5000, XST_TCP_ACK, 65535, NULL, 0), 0);
	ck_assert_uint_eq(st->challenge_acks, 3);
	/* exact: reset */
	n0 = F.n;
	ck_assert_int_eq(in(c.port, c.nxt, 0, XST_TCP_RST, 0, NULL, 0), 0);
	ck_assert_uint_eq(F.n, n0);	/* never RST a RST */
	ck_assert_uint_eq(st->resets_rcvd, 1);
	ck_assert_int_eq(F.closed, 1);
	ck_assert_int_eq(F.why, ECONNRESET);
	ck_assert_uint_eq(st->conns, 0);
	teardown();
}
END_TEST

START_TEST(test_challenge_limit)
{
	struct xst_tcp_cfg cfg = defcfg();
	const struct xst_tcp_stats *st;
	struct cli c;
	int i;

	cfg.challenge_acks_per_sec = 5;
	env(&cfg);
	st = xst_tcp_stats(T);
	cli_connect(&c, 2000, 1000, -1, 65535);
	for (i = 0; i < 20; i++)
		in(c.port, c.nxt + 10, 0, XST_TCP_RST, 0, NULL, 0);
	ck_assert_uint_eq(st->challenge_acks, 5);
	ck_assert_uint_eq(st->challenge_limited, 15);
	NOW += SEC;
	in(c.port, c.nxt + 10, 0, XST_TCP_RST, 0, NULL, 0);
	ck_assert_uint_eq(st->challenge_acks, 6);
	teardown();
}
END_TEST

START_TEST(test_no_conn)
{
	struct xst_tcp_cfg cfg = defcfg();
	const struct xst_tcp_stats *st;
	uint32_t n0;

	cfg.syn_cookies = XST_TCP_COOKIES_NEVER;
	env(&cfg);
	st = xst_tcp_stats(T);
	ck_assert_int_eq(in(7000, 100, 5555, XST_TCP_ACK, 65535, "x", 1), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST);
	ck_assert_uint_eq(last()->seq, 5555);
	ck_assert_int_eq(in(7000, 100, 0, XST_TCP_PSH, 65535, "xyz", 3), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST | XST_TCP_ACK);
	ck_assert_uint_eq(last()->seq, 0);
	ck_assert_uint_eq(last()->ack, 103);
	n0 = F.n;
	ck_assert_int_eq(in(7000, 100, 0, XST_TCP_RST, 0, NULL, 0), 0);
	ck_assert_int_eq(in(7000, 100, 0, XST_TCP_RST | XST_TCP_ACK, 0, NULL, 0), 0);
	ck_assert_uint_eq(F.n, n0);
	/* a SYN-ACK is not ours to take */
	ck_assert_int_eq(in(7000, 100, 9, XST_TCP_SYN | XST_TCP_ACK, 0, NULL, 0), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST);
	ck_assert_uint_eq(st->no_conn, 5);	/* the RSTs too */
	ck_assert_uint_eq(st->conns, 0);
	teardown();
}
END_TEST

START_TEST(test_malformed)
{
	const struct xst_tcp_stats *st;
	uint8_t frame[256];
	static const uint8_t bad_mss[4] = { XST_TCP_OPT_MSS, 3, 5, 0 };
	static const uint8_t bad_len[4] = { XST_TCP_OPT_NOP, XST_TCP_OPT_WS, 9, 0 };
	struct xst_tcp_flow fl;
	struct xst_pkt p;
	uint32_t n;

	env_default();
	st = xst_tcp_stats(T);
	fake_client_flow(&fl, 1234);
	n = xst_tcp_build(frame, &fl, 1, 0, XST_TCP_SYN, 65535, NULL, 0, 0);
	frame[xst_tcp_flow_l3_off(&fl) + 20 + 12] = 0x40;	/* data offset 4 */
	ck_assert_int_eq(xst_net_parse(frame, n, &p), XST_NET_OK);
	ck_assert_int_eq(xst_tcp_input(T, frame, &p, NOW, &F), -EBADMSG);
	frame[xst_tcp_flow_l3_off(&fl) + 20 + 12] = 0xf0;	/* 60: past the segment */
	ck_assert_int_eq(xst_tcp_input(T, frame, &p, NOW, &F), -EBADMSG);
	ck_assert_int_eq(in_opts(1234, 1, 0, XST_TCP_SYN, 65535, NULL, 0, bad_mss, 4), -EBADMSG);
	ck_assert_int_eq(in_opts(1234, 1, 0, XST_TCP_SYN, 65535, NULL, 0, bad_len, 4), -EBADMSG);
	ck_assert_uint_eq(st->malformed, 4);
	ck_assert_uint_eq(F.n, 0);
	ck_assert_uint_eq(st->conns, 0);
	teardown();
}
END_TEST

/* ---- FIN, TIME_WAIT ---------------------------------------------------------- */

START_TEST(test_fin_from_client)
{
	const struct xst_tcp_stats *st;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	F.resp_len = 3000;
	F.close_on_fin = 1;
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, GET, XST_TCP_FIN, 65535);
	ck_assert_int_eq(F.fins, 1);
	ck_assert_uint_eq(data_since(0, NULL, 0), 3);
	ck_assert_uint_eq(F.last->state, XST_TCP_LAST_ACK);
	/* our FIN rides on the last segment, which acks theirs */
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK | XST_TCP_PSH | XST_TCP_FIN);
	ck_assert_uint_eq(last()->seq, srv_seq(&c, 2000));
	ck_assert_uint_eq(last()->len, 1000);
	ck_assert_uint_eq(last()->ack, c.nxt);
	ack(&c, 3000, 65535);
	ck_assert_uint_eq(st->conns, 1);
	ack(&c, 3001, 65535);
	ck_assert_uint_eq(st->conns, 0);
	ck_assert_int_eq(F.closed, 1);
	ck_assert_int_eq(F.why, 0);
	teardown();
}
END_TEST

static void close_by_server(struct cli *c, uint16_t port)
{
	F.resp_len = 2000;
	F.close_after = 1;
	F.responded = 0;
	F.req_len = 0;
	cli_connect(c, port, 1000, -1, 65535);
	req(c, GET, 0, 65535);
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK | XST_TCP_PSH | XST_TCP_FIN);
	ck_assert_uint_eq(last()->off, 1000);
	ack(c, 2001, 65535);
	ck_assert_uint_eq(F.last->state, XST_TCP_FIN_WAIT_2);
}

START_TEST(test_fin_from_server)
{
	const struct xst_tcp_stats *st;
	struct xst_tcp_conn *conn;
	struct cli c;
	uint32_t n0;

	env_default();
	st = xst_tcp_stats(T);
	close_by_server(&c, 2000);
	conn = F.last;
	ck_assert_int_eq(in(c.port, c.nxt, srv_seq(&c, 2001), XST_TCP_ACK | XST_TCP_FIN, 65535,
			    NULL, 0), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_ACK);
	ck_assert_uint_eq(last()->ack, c.nxt + 1);
	ck_assert_uint_eq(conn->state, XST_TCP_TIME_WAIT);
	ck_assert_int_eq(F.closed, 1);	/* the app is done at TIME_WAIT */
	ck_assert_uint_eq(st->time_wait_now, 1);
	/* their FIN again: ACKed again */
	n0 = F.n;
	ck_assert_int_eq(in(c.port, c.nxt, srv_seq(&c, 2001), XST_TCP_ACK | XST_TCP_FIN, 65535,
			    NULL, 0), 0);
	ck_assert_uint_eq(F.n, n0 + 1);
	ck_assert_uint_eq(last()->ack, c.nxt + 1);
	tick(61 * SEC);
	ck_assert_uint_eq(st->time_wait_now, 0);
	ck_assert_uint_eq(st->conns, 0);
	teardown();
}
END_TEST

START_TEST(test_simultaneous_close)
{
	struct cli c;

	env_default();
	F.resp_len = 1000;
	F.close_after = 1;
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, GET, 0, 65535);
	/* their FIN crosses ours (it does not ack it) */
	ck_assert_int_eq(in(c.port, c.nxt, srv_seq(&c, 0), XST_TCP_ACK | XST_TCP_FIN, 65535, NULL,
			    0), 0);
	ck_assert_uint_eq(F.last == NULL, 0);
	ck_assert_uint_eq(F.last->state, XST_TCP_CLOSING);
	{
		struct xst_tcp_conn *conn = F.last;

		ack(&(struct cli){ c.port, c.nxt + 1, c.iss }, 1001, 65535);
		ck_assert_uint_eq(conn->state, XST_TCP_TIME_WAIT);
	}
	teardown();
}
END_TEST

START_TEST(test_time_wait_bound)
{
	struct xst_tcp_cfg cfg = defcfg();
	const struct xst_tcp_stats *st;
	struct cli c[3];
	int i;

	cfg.time_wait_max = 2;
	env(&cfg);
	st = xst_tcp_stats(T);
	for (i = 0; i < 3; i++) {
		close_by_server(&c[i], (uint16_t)(3000 + i));
		ck_assert_int_eq(in(c[i].port, c[i].nxt, srv_seq(&c[i], 2001),
				    XST_TCP_ACK | XST_TCP_FIN, 65535, NULL, 0), 0);
	}
	ck_assert_uint_eq(st->time_wait, 3);
	ck_assert_uint_eq(st->time_wait_now, 2);
	ck_assert_uint_eq(st->time_wait_evicted, 1);
	ck_assert_uint_eq(st->conns, 2);
	/* the oldest (port 3000) is the one gone: its FIN now gets a RST */
	ck_assert_int_eq(in(3000, c[0].nxt, srv_seq(&c[0], 2001), XST_TCP_ACK | XST_TCP_FIN,
			    65535, NULL, 0), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST);
	/* a new SYN from port 3001 above its old sequence space reopens */
	ck_assert_int_eq(syn(3001, c[1].nxt + 100000, 1460, -1), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_SYN | XST_TCP_ACK);
	ck_assert_uint_eq(st->time_wait_now, 1);
	teardown();
}
END_TEST

START_TEST(test_fin_wait2_timeout)
{
	const struct xst_tcp_stats *st;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	close_by_server(&c, 2000);
	tick(21 * SEC);
	ck_assert_uint_eq(st->timeouts_fin_wait2, 1);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST | XST_TCP_ACK);
	ck_assert_uint_eq(st->conns, 0);
	teardown();
}
END_TEST

/* ---- limits and timeouts ------------------------------------------------------ */

START_TEST(test_table_full)
{
	struct xst_tcp_cfg cfg = defcfg();
	const struct xst_tcp_stats *st;
	struct cli c;

	cfg.max_conns = 2;
	cfg.syn_cookies = XST_TCP_COOKIES_NEVER;
	env(&cfg);
	st = xst_tcp_stats(T);
	cli_connect(&c, 2000, 1000, -1, 65535);
	cli_connect(&c, 2001, 1000, -1, 65535);
	ck_assert_int_eq(syn(2002, 777, 1460, -1), 0);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST | XST_TCP_ACK);
	ck_assert_uint_eq(last()->ack, 778);
	ck_assert_uint_eq(st->table_full, 1);
	ck_assert_uint_eq(st->conns, 2);
	/* one closes: room again */
	xst_tcp_abort(T, F.last, &F);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST | XST_TCP_ACK);
	ck_assert_uint_eq(st->conns, 1);
	cli_connect(&c, 2002, 1000, -1, 65535);
	ck_assert_uint_eq(st->conns, 2);
	teardown();
}
END_TEST

START_TEST(test_timeouts)
{
	const struct xst_tcp_stats *st;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	cli_connect(&c, 2000, 1000, -1, 65535);
	req(&c, "GET / HTTP/1.1\r\n", 0, 65535);	/* never finished */
	tick(9 * SEC);
	ck_assert_uint_eq(st->conns, 1);
	tick(2 * SEC);
	ck_assert_uint_eq(st->timeouts_header, 1);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST | XST_TCP_ACK);
	ck_assert_int_eq(F.why, ETIMEDOUT);
	ck_assert_uint_eq(st->conns, 0);

	/* keep-alive: the app moves the deadline to idle */
	cli_connect(&c, 2001, 1000, -1, 65535);
	xst_tcp_set_timeout(T, F.last, XST_TCP_TIMEOUT_IDLE, NOW);
	tick(29 * SEC);
	ck_assert_uint_eq(st->conns, 1);
	tick(2 * SEC);
	ck_assert_uint_eq(st->timeouts_idle, 1);
	ck_assert_uint_eq(st->conns, 0);
	teardown();
}
END_TEST

START_TEST(test_open_refused)
{
	const struct xst_tcp_stats *st;
	struct cli c;

	env_default();
	st = xst_tcp_stats(T);
	F.open_err = -ENOMEM;
	cli_connect(&c, 2000, 1000, -1, 65535);
	ck_assert_uint_eq(last()->flags, XST_TCP_RST | XST_TCP_ACK);
	ck_assert_uint_eq(st->open_failed, 1);
	ck_assert_uint_eq(st->conns, 0);
	ck_assert_int_eq(F.closed, 0);
	teardown();
}
END_TEST

START_TEST(test_destroy_closes)
{
	struct cli c;

	env_default();
	cli_connect(&c, 2000, 1000, -1, 65535);
	cli_connect(&c, 2001, 1000, -1, 65535);
	ck_assert_int_eq(F.bad_frames, 0);
	xst_tcp_destroy(T);
	T = NULL;
	ck_assert_int_eq(F.closed, 2);
	ck_assert_int_eq(F.why, ECONNABORTED);
}
END_TEST

Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("tcp");

	tcase_add_test(tc, test_handshake);
	tcase_add_test(tc, test_syn_retransmit);
	tcase_add_test(tc, test_cookie_always);
	tcase_add_test(tc, test_cookie_periods);
	tcase_add_test(tc, test_cookie_auto);
	tcase_add_test(tc, test_ack_clocked);
	tcase_add_loop_test(tc, test_loss_fast_retransmit, 0, 27);
	tcase_add_loop_test(tc, test_loss_rto, 0, 30);
	tcase_add_test(tc, test_newreno_partial);
	tcase_add_test(tc, test_rto_give_up);
	tcase_add_test(tc, test_rtt_backoff);
	tcase_add_test(tc, test_zero_window);
	tcase_add_test(tc, test_xmit_stall);
	tcase_add_test(tc, test_prepared_cut);
	tcase_add_test(tc, test_reorder_dup);
	tcase_add_test(tc, test_rcv_buffer);
	tcase_add_test(tc, test_rst);
	tcase_add_test(tc, test_challenge_limit);
	tcase_add_test(tc, test_no_conn);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_fin_from_client);
	tcase_add_test(tc, test_fin_from_server);
	tcase_add_test(tc, test_simultaneous_close);
	tcase_add_test(tc, test_time_wait_bound);
	tcase_add_test(tc, test_fin_wait2_timeout);
	tcase_add_test(tc, test_table_full);
	tcase_add_test(tc, test_timeouts);
	tcase_add_test(tc, test_open_refused);
	tcase_add_test(tc, test_destroy_closes);
	suite_add_tcase(s, tc);
	return s;
}
