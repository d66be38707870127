/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake TCP application for the tcp unit tests and fuzzer: it serves a byte
 * stream from a buffer (stream byte i is fake_byte(i)), records every segment
 * TCP emits (parsed back with xst_net_parse and xst_tcp_parse, checksums
 * verified with the reference sum), and builds client frames with
 * xst_tcp_build from the client's side. Header-only so both link it.
 */
#ifndef XST_TESTS_TCP_FAKE_H
#define XST_TESTS_TCP_FAKE_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "net/tcp.h"
#include "tcp/tcp.h"
#include "ref_csum.h"

#define FAKE_SEGS	4096
#define FAKE_FRAME	2048

static inline uint8_t fake_byte(uint64_t i)
{
	return (uint8_t)(i * 7 + 3);
}

struct fake_seg {
	uint32_t seq, ack, len;
	uint16_t win, mss;
	uint8_t flags, wscale, sack_ok, ts_ok;
	uint16_t dport;		/* the client's port */
	uint64_t off;		/* xmit: stream offset; control: UINT64_MAX */
	int bad;		/* checksum, parse or payload mismatch */
};

struct fake_app {
	struct xst_tcp *t;
	struct fake_seg segs[FAKE_SEGS];
	uint32_t n;
	uint8_t req[16384];
	uint32_t req_len;
	uint32_t consume_max;	/* bytes consumed per recv call; 0: all */
	uint64_t resp_len;	/* pushed once a request ends with an empty line */
	int close_after;	/* stream_close after the response */
	int close_on_fin;
	int responded, opened, fins, closed, why, open_err;
	int xmit_fail, ctl_fail;
	uint32_t cut;		/* xmit stops at multiples of cut (prepared segments) */
	int bad_frames;
	uint8_t ctl_buf[FAKE_FRAME];
	int ctl_taken;
	struct xst_tcp_conn *last;
};

/* Checks frame[0..len) as a receiver would and records it. */
static inline void fake_record(struct fake_app *f, const uint8_t *frame, uint32_t len,
			       uint64_t off, const uint8_t *expect)
{
	struct fake_seg r = { .off = off };
	struct xst_tcp_seg s;
	struct xst_pkt p;
	uint8_t ph[12];
	uint32_t sum;

	if (xst_net_parse(frame, len, &p) != XST_NET_OK || p.l4_proto != XST_IPPROTO_TCP ||
	    p.l3_proto != XST_ETH_P_IP || xst_tcp_parse(frame, &p, &s) != XST_NET_OK) {
		r.bad = 1;
	} else {
		const uint8_t *ip = frame + p.l3_off;

		if (ref_csum_sum(ip, 20, 0) != 0xffff)
			r.bad = 1;
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = XST_IPPROTO_TCP;
		ph[10] = (uint8_t)(p.l4_len >> 8);
		ph[11] = (uint8_t)p.l4_len;
		sum = ref_csum_sum(ph, 12, 0);
		sum = ref_csum_sum(frame + p.l4_off, p.l4_len, sum);
		if (sum != 0xffff)
			r.bad = 1;
		if (expect && (s.len == 0 || memcmp(s.data, expect, s.len)))
			r.bad = 1;
		r.seq = s.seq;
		r.ack = s.ack;
		r.len = s.len;
		r.win = s.win;
		r.flags = s.flags;
		r.mss = s.mss;
		r.wscale = s.wscale;
		r.sack_ok = s.sack_ok;
		r.ts_ok = s.ts_ok;
		r.dport = s.dport;
	}
	if (r.bad)
		f->bad_frames++;
	if (f->n < FAKE_SEGS)
		f->segs[f->n++] = r;
}

static inline int fake_open(void *app, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	struct fake_app *f = app;

	(void)now;
	(void)out;
	if (f->open_err)
		return f->open_err;
	f->opened++;
	f->last = c;
	c->app = f;
	return 0;
}

static inline uint32_t fake_recv(void *app, struct xst_tcp_conn *c, const uint8_t *data,
				 uint32_t len, uint64_t now, void *out)
{
	struct fake_app *f = app;
	uint32_t n = len;

	if (f->consume_max && n > f->consume_max)
		n = f->consume_max;
	if (n > sizeof(f->req) - f->req_len)
		n = (uint32_t)sizeof(f->req) - f->req_len;
	memcpy(f->req + f->req_len, data, n);
	f->req_len += n;
	if (f->resp_len && !f->responded && f->req_len >= 4 &&
	    !memcmp(f->req + f->req_len - 4, "\r\n\r\n", 4)) {
		f->responded = 1;
		xst_tcp_stream_push(f->t, c, f->resp_len, now, out);
		if (f->close_after)
			xst_tcp_stream_close(f->t, c, now, out);
	}
	return n;
}

static inline void fake_peer_fin(void *app, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	struct fake_app *f = app;

	f->fins++;
	if (f->close_on_fin)
		xst_tcp_stream_close(f->t, c, now, out);
}

static inline uint32_t fake_xmit(void *app, struct xst_tcp_conn *c, uint64_t off, uint32_t max,
				 uint32_t seq, uint32_t ack, uint16_t win, uint8_t flags, void *out)
{
	struct fake_app *f = app;
	uint8_t frame[FAKE_FRAME], *pl;
	uint32_t n = max, poff, len;

	(void)out;
	if (f->xmit_fail || !max)
		return 0;
	if (f->cut && n > f->cut - off % f->cut)
		n = f->cut - (uint32_t)(off % f->cut);
	poff = xst_tcp_payload_off(&c->flow, 0);
	if (n > FAKE_FRAME - poff)
		n = FAKE_FRAME - poff;
	if (n < max)
		flags &= (uint8_t)~XST_TCP_FIN;
	pl = frame + poff;
	for (uint32_t i = 0; i < n; i++)
		pl[i] = fake_byte(off + i);
	len = xst_tcp_build(frame, &c->flow, seq, ack, flags, win, NULL, 0, n);
	fake_record(f, frame, len, off, pl);
	return n;
}

static inline int fake_ctl_frame(void *app, void *out, uint8_t **data, uint32_t *cap, void **tok)
{
	struct fake_app *f = app;

	(void)out;
	if (f->ctl_fail || f->ctl_taken)
		return -ENOBUFS;
	f->ctl_taken = 1;
	*data = f->ctl_buf;
	*cap = sizeof(f->ctl_buf);
	*tok = f;
	return 0;
}

static inline void fake_ctl_send(void *app, void *out, void *tok, uint32_t len)
{
	struct fake_app *f = app;

	(void)out;
	(void)tok;
	f->ctl_taken = 0;
	fake_record(f, f->ctl_buf, len, UINT64_MAX, NULL);
}

static inline void fake_ctl_drop(void *app, void *out, void *tok)
{
	struct fake_app *f = app;

	(void)out;
	(void)tok;
	f->ctl_taken = 0;
}

static inline void fake_closed(void *app, struct xst_tcp_conn *c, int why, void *out)
{
	struct fake_app *f = app;

	(void)out;
	f->closed++;
	f->why = why;
	if (f->last == c)
		f->last = NULL;
	c->app = NULL;
}

static const struct xst_tcp_app fake_ops = {
	.open = fake_open,
	.recv = fake_recv,
	.peer_fin = fake_peer_fin,
	.xmit = fake_xmit,
	.ctl_frame = fake_ctl_frame,
	.ctl_send = fake_ctl_send,
	.ctl_drop = fake_ctl_drop,
	.closed = fake_closed,
};

/* The client's flow: 10.0.0.2:port -> 10.0.0.1:80, its MAC 02::02, ours 02::01. */
static inline void fake_client_flow(struct xst_tcp_flow *fl, uint16_t port)
{
	static const uint8_t eth[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	static const uint8_t cli[4] = { 10, 0, 0, 2 }, srv[4] = { 10, 0, 0, 1 };

	memset(fl, 0, sizeof(*fl));
	memcpy(fl->eth, eth, 12);
	memcpy(fl->saddr, cli, 4);
	memcpy(fl->daddr, srv, 4);
	fl->sport = xst_htobe16(port);
	fl->dport = xst_htobe16(80);
}

#endif /* XST_TESTS_TCP_FAKE_H */
