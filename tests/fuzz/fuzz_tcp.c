// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for user/tcp: the input is a script of records, each a
 * received frame for xst_tcp_input (raw bytes, or a client segment built
 * from a few fuzzed fields against the sequence numbers seen so far, so
 * mutations reach the synchronized states), a clock step that runs the
 * timer wheel, or an application action (push, close, abort, rx_kick,
 * deadline). The fake app (tests/lib/tcp_fake.h) parses back and
 * checksums every frame TCP emits. Invariants: no crash, no leak, no frame
 * with a bad checksum or header, gauges within their bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timer.h"
#include "net/net.h"
#include "net/tcp.h"
#include "tcp/tcp.h"
#include "../lib/tcp_fake.h"

#define NPORTS	4

static struct fake_app F;
static struct xst_timer_wheel W;

static void check(int ok)
{
	if (!ok)
		abort();
}

struct script {
	const uint8_t *p;
	size_t left;
};

static int take(struct script *s, void *dst, size_t n)
{
	if (s->left < n)
		return 0;
	memcpy(dst, s->p, n);
	s->p += n;
	s->left -= n;
	return 1;
}

static void feed(struct xst_tcp *t, const uint8_t *frame, uint32_t len, uint64_t now)
{
	struct xst_pkt p;

	if (xst_net_parse(frame, len, &p) != XST_NET_OK || p.l4_proto != XST_IPPROTO_TCP)
		return;
	xst_tcp_input(t, frame, &p, now, &F);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_tcp_cfg cfg = {
		.max_conns = 4,
		.half_open_max = 2,
		.syn_cookies = XST_TCP_COOKIES_AUTO,
		.mss_max = 1460,
		.rcv_buf = 512,
		.header_timeout_ns = 5000000000ull,
		.idle_timeout_ns = 8000000000ull,
		.time_wait_ns = 3000000000ull,
		.time_wait_max = 2,
		.max_retrans = 4,
	};
	struct script s = { data, size };
	uint32_t srv_iss[NPORTS] = { 0 }, scanned = 0;
	uint64_t now = 1000000000000ull;
	struct xst_tcp *t;
	uint8_t op;

	memset(&F, 0, sizeof(F));
	if (size) {	/* the first byte picks the cookie mode */
		if (data[0] & 1)
			cfg.syn_cookies = data[0] & 2 ? XST_TCP_COOKIES_ALWAYS : XST_TCP_COOKIES_NEVER;
		s.p++;
		s.left--;
	}
	xst_timer_wheel_init(&W, now);
	check(xst_tcp_create(&t, &cfg, &fake_ops, &F, &W, now) == 0);
	F.t = t;
	F.resp_len = 3000;
	F.consume_max = 37;
	while (take(&s, &op, 1)) {
		switch (op % 6) {
		case 0: {	/* a raw frame */
			uint8_t frame[1600], l[2];
			uint32_t len;

			if (!take(&s, l, 2))
				break;
			len = (uint32_t)(l[0] | l[1] << 8) % sizeof(frame);
			if (len > s.left)
				len = (uint32_t)s.left;
			take(&s, frame, len);
			feed(t, frame, len, now);
			break;
		}
		case 1:
		case 2: {	/* a client segment relative to what was seen */
			uint8_t f[12], frame[1600], opts[8] = { XST_TCP_OPT_MSS, 4, 0x05, 0xb4,
								XST_TCP_OPT_NOP, XST_TCP_OPT_WS, 3, 7 };
			struct xst_tcp_flow fl;
			uint32_t port, seq, ack, dlen, optlen, len, i;

			if (!take(&s, f, sizeof(f)))
				break;
			port = f[0] % NPORTS;
			fake_client_flow(&fl, (uint16_t)(40000 + port));
			seq = 1000u * (port + 1) + 1 + (uint32_t)(f[2] | f[3] << 8) - 64;
			ack = srv_iss[port] + 1 + (uint32_t)(f[4] | f[5] << 8 | f[6] << 16) - 256;
			dlen = f[7] % 64 == 63 ? 1200 : f[7] % 64;
			optlen = f[1] & XST_TCP_SYN ? (f[8] & 1 ? 8 : 4) : 0;
			if (f[1] & XST_TCP_SYN && f[8] & 2)
				seq = 1000u * (port + 1);
			for (i = 0; i < dlen; i++)	/* ends in an empty line sometimes */
				frame[xst_tcp_payload_off(&fl, optlen) + i] =
					(f[9] & 1) && i + 4 >= dlen ? "\r\n\r\n"[i + 4 - dlen] : 'a';
			len = xst_tcp_build(frame, &fl, seq, ack, f[1], (uint16_t)(f[10] | f[11] << 8),
					    opts, optlen, dlen);
			feed(t, frame, len, now);
			break;
		}
		case 3: {	/* time passes */
			uint8_t d;

			if (!take(&s, &d, 1))
				break;
			now += (uint64_t)d * 50000000ull;
			xst_timer_run(&W, now, &F);
			break;
		}
		case 4: {	/* the app acts on its latest connection */
			uint8_t a;

			if (!take(&s, &a, 1) || !F.last)
				break;
			switch (a % 6) {
			case 0: xst_tcp_stream_push(t, F.last, a, now, &F); break;
			case 1: xst_tcp_stream_close(t, F.last, now, &F); break;
			case 2: xst_tcp_abort(t, F.last, &F); break;
			case 3: F.consume_max = 0; xst_tcp_rx_kick(t, F.last, now, &F); F.consume_max = 37; break;
			case 4: xst_tcp_set_timeout(t, F.last, (enum xst_tcp_timeout)(a % 3), now); break;
			default: F.xmit_fail = !F.xmit_fail; F.ctl_fail = a & 0x40; break;
			}
			break;
		}
		default:	/* app behaviour switches */
			F.close_after = !F.close_after;
			F.close_on_fin = op & 0x80;
			F.responded = 0;
			F.req_len = 0;
			break;
		}
		/* learn the server's ISS per port from its SYN-ACKs */
		for (; scanned < F.n; scanned++) {
			const struct fake_seg *g = &F.segs[scanned];

			if ((g->flags & XST_TCP_SYN) && g->dport >= 40000 && g->dport < 40000 + NPORTS)
				srv_iss[g->dport - 40000] = g->seq;
		}
		if (F.n > FAKE_SEGS - 64)
			F.n = scanned = 0;
		check(F.bad_frames == 0);
		check(xst_tcp_stats(t)->conns <= cfg.max_conns);
		check(xst_tcp_stats(t)->time_wait_now <= cfg.time_wait_max);
		check(xst_tcp_stats(t)->half_open <= xst_tcp_stats(t)->conns);
		check(!F.ctl_taken);
	}
	xst_tcp_destroy(t);
	check(F.bad_frames == 0);
	return 0;
}
