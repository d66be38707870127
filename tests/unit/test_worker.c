// SPDX-License-Identifier: GPL-2.0
/*
 * The generic worker loop (svc/worker.h) over the in-memory backend, with
 * fake services that count what they see: RX batches of 1..64 through
 * xst_worker_poll(), every verdict (REPLY in place, CONSUMED after emitting
 * frames from xst_tx_alloc() + xst_tx_send(), DROP, PASS with and without a
 * pass hook), frames no service may see (no service, malformed, fragment,
 * not unicast, unsupported) counted by reason, per-service and worker
 * totals that add up, the begin hook every iteration, prepare given exactly
 * the frames then handled, a TX ring that stays full (replies counted as TX
 * errors, frames back on the free stack), timers firing in polls with no RX
 * and the idle wait bounded by them, and xst_io_census() == 0 after every
 * iteration of every scenario.
 *
 * Regression tests (the regressions tcase) hold contracts an earlier version
 * of the code broke.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/ref_csum.h"
#include "core/clock.h"
#include "core/rcu.h"
#include "core/timer.h"
#include "io/io.h"
#include "io/io_priv.h"	/* only to let xst_io_wait() really wait (idle_measured()) */
#include "net/net.h"
#include "svc/svc.h"
#include "svc/tx.h"
#include "svc/worker.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TICK (1ull << XST_TIMER_TICK_SHIFT)
#define MS XST_NS_PER_MS

/* Every passing ck_assert_*() sends its location to the runner (a write);
 * in loops of thousands, check cheaply and report only a failure. */
#define OK(c)                                                                  \
	do {                                                                   \
		if (!(c))                                                      \
			ck_abort_msg("line %d: %s", __LINE__, #c);             \
	} while (0)
#define OK_EQ(a, b)                                                            \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_)                                                  \
			ck_abort_msg("line %d: %s = %lld, want %s = %lld",     \
				     __LINE__, #a, a_, #b, b_);                \
	} while (0)

/* ---- frames ------------------------------------------------------------------ */

static const uint8_t MAC_C[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };	/* client */
static const uint8_t MAC_S[6] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };	/* server */

enum bad {
	GOOD,
	BAD_IPLEN,	/* IPv4 total length beyond the frame */
	BAD_UDPLEN,	/* UDP length beyond the IP payload */
	BAD_SPORT0,	/* UDP source port 0 */
	BAD_SHORT,	/* 10 bytes: not even Ethernet */
	BAD_FRAG,	/* IPv4 MF */
	BAD_MCAST,	/* IPv4 destination 224.0.0.5 */
	BAD_ARP,	/* ethertype 0x0806 */
	BAD_V6FRAG,	/* IPv6 next header 44 */
};

/* What the fake service does with a frame (payload byte 4). */
enum cmd { CMD_DROP, CMD_REPLY, CMD_CONSUME, CMD_PASS };

struct fs {
	int v6;
	int vlan;
	uint8_t proto;		/* 17, 6 or 1 */
	uint16_t dport;
	enum bad bad;
	uint8_t cmd;
	uint8_t nemit;		/* CMD_CONSUME: frames to emit */
};

#define PAYLOAD 24
#define REPLY_MARK 0xee

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32le(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* client -> server frame; payload: seq (LE), cmd, nemit, reply mark 0, pattern */
static uint32_t build(uint8_t *f, const struct fs *s, uint32_t seq)
{
	uint32_t off = 12, l4len, hl, i;
	uint8_t proto = s->proto ? s->proto : 17;
	uint8_t *ip, *l4, *pl;

	memset(f, 0, 256);
	if (s->bad == BAD_SHORT) {
		memcpy(f, MAC_S, 6);
		return 10;
	}
	memcpy(f, MAC_S, 6);
	memcpy(f + 6, MAC_C, 6);
	if (s->vlan) {
		put16(f + off, 0x8100);
		put16(f + off + 2, 10);
		off += 4;
	}
	put16(f + off, s->bad == BAD_ARP ? 0x0806 : s->v6 ? 0x86dd : 0x0800);
	ip = f + off + 2;
	hl = s->v6 ? 40 : 20;
	l4 = ip + hl;
	l4len = (proto == 6 ? 20 : 8) + PAYLOAD;
	pl = l4 + (proto == 6 ? 20 : 8);
	put32le(pl, seq);
	pl[4] = s->cmd;
	pl[5] = s->nemit;
	pl[6] = 0;
	for (i = 7; i < PAYLOAD; i++)
		pl[i] = (uint8_t)(seq + i);
	if (s->v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = s->bad == BAD_V6FRAG ? 44 : proto;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[9] = 0x58;
		ip[23] = 2;
		ip[24] = 0xfd;
		ip[25] = 0x58;
		ip[39] = 1;
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(hl + l4len + (s->bad == BAD_IPLEN ? 200 : 0)));
		put16(ip + 4, (uint16_t)seq);
		put16(ip + 6, s->bad == BAD_FRAG ? 0x2000 : 0x4000);
		ip[8] = 64;
		ip[9] = proto;
		ip[12] = 198, ip[13] = 18, ip[14] = 0, ip[15] = 2;
		if (s->bad == BAD_MCAST)
			ip[16] = 224, ip[17] = 0, ip[18] = 0, ip[19] = 5;
		else
			ip[16] = 198, ip[17] = 18, ip[18] = 0, ip[19] = 1;
		put16(ip + 10, (uint16_t)~ref_csum_sum(ip, hl, 0));
	}
	if (proto == 17) {
		put16(l4, s->bad == BAD_SPORT0 ? 0 : 33333);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, (uint16_t)(l4len + (s->bad == BAD_UDPLEN ? 100 : 0)));
		/* what a CHECKSUM_PARTIAL sender leaves (IPv6 UDP may not go without) */
		put16(l4 + 6, 0x1234);
	} else if (proto == 6) {
		put16(l4, 44444);
		put16(l4 + 2, s->dport);
		l4[12] = 5 << 4;
		l4[13] = 0x10;	/* ACK */
		put16(l4 + 14, 65535);
	} else {
		l4[0] = 8;	/* ICMP echo request */
	}
	return (uint32_t)(l4 - f) + l4len;
}

/* The payload of a parsed frame (UDP or TCP). */
static uint8_t *payload(uint8_t *frame, const struct xst_pkt *p)
{
	return frame + p->l4_off + (p->l4_proto == 6 ? 20 : 8);
}

/* ---- fake services ------------------------------------------------------------ */

struct iter {
	uint64_t now;		/* of the poll in progress */
	uint32_t handled;	/* frame() calls this iteration, all services */
};

struct fake {
	struct iter *it;
	struct xst_worker *w;
	uint64_t begins;
	uint64_t prepares;	/* prepare() calls */
	uint64_t prepared;	/* frames given to prepare() */
	uint64_t frames;	/* frame() calls */
	uint64_t emitted;	/* xst_tx_send() that returned 0 */
	uint64_t alloc_failed;
	uint64_t send_failed;
	uint32_t begin_emit;	/* frames the begin hook sends through the TX context */
	uint64_t begin_emitted;
	uint32_t batch_seq[XST_BATCH];	/* seq of the frames of the last prepare() */
	uint32_t nbatch, idx;
	/* a timer armed by the handler through tx->timers */
	struct xst_timer timer;
	uint64_t timer_in;	/* arm at now + timer_in on each frame (0: no) */
	uint64_t timer_fired, timer_fired_at;
};

static void fake_begin(void *state, uint64_t now, struct xst_tx *tx)
{
	struct fake *s = state;
	uint32_t k;

	OK_EQ(now, s->it->now);
	OK(tx == &s->w->tx);
	/* Every frame given to the last prepare() was handled. */
	OK_EQ(s->idx, s->nbatch);
	s->nbatch = s->idx = 0;
	s->it->handled = 0;
	s->begins++;
	for (k = 0; k < s->begin_emit; k++) {
		struct xst_io_buf b;

		if (xst_tx_alloc(tx, &b)) {
			s->alloc_failed++;
			continue;
		}
		memcpy(b.data, "EMIT", 4);
		b.len = 64;
		if (!xst_tx_send(tx, &b))
			s->begin_emitted++;
	}
}

static void fake_prepare(void *state, struct xst_frame *const *frames, uint32_t n)
{
	struct fake *s = state;
	uint32_t i;

	OK(n >= 1 && n <= XST_BATCH);
	OK_EQ(s->nbatch, 0);	/* once per iteration */
	OK_EQ(s->it->handled, 0);	/* every prepare() runs before any frame() */
	for (i = 0; i < n; i++)
		s->batch_seq[i] = get32le(payload(frames[i]->buf.data, &frames[i]->pkt));
	s->nbatch = n;
	s->idx = 0;
	s->prepares++;
	s->prepared += n;
}

static void timer_fn(struct xst_timer *t, uint64_t now, void *ctx)
{
	struct fake *s = (struct fake *)((char *)t - offsetof(struct fake, timer));

	(void)ctx;
	s->timer_fired++;
	s->timer_fired_at = now;
}

static enum xst_verdict fake_frame(void *state, struct xst_frame *f, uint64_t now,
				   struct xst_tx *tx)
{
	struct fake *s = state;
	uint8_t *pl = payload(f->buf.data, &f->pkt);
	uint32_t seq = get32le(pl), k;

	OK_EQ(now, s->it->now);
	/* In the order given to prepare(), exactly those. */
	OK(s->idx < s->nbatch);
	OK_EQ(seq, s->batch_seq[s->idx]);
	s->idx++;
	s->it->handled++;
	s->frames++;
	if (s->timer_in)
		xst_timer_arm(tx->timers, &s->timer, now + s->timer_in);
	switch (pl[4]) {
	case CMD_REPLY:
		pl[6] = REPLY_MARK;	/* the reply, built in place: same length */
		return XST_VERDICT_REPLY;
	case CMD_CONSUME:
		for (k = 0; k < pl[5]; k++) {
			struct xst_io_buf b;

			if (xst_tx_alloc(tx, &b)) {
				s->alloc_failed++;
				continue;
			}
			OK(b.len == 0 && b.cap >= 64);
			memcpy(b.data, "EMIT", 4);
			put32le(b.data + 4, seq);
			b.data[8] = (uint8_t)k;
			b.len = 64;
			if (xst_tx_send(tx, &b))
				s->send_failed++;
			else
				s->emitted++;
		}
		return XST_VERDICT_CONSUMED;
	case CMD_PASS:
		return XST_VERDICT_PASS;
	default:
		return XST_VERDICT_DROP;
	}
}

static const struct xst_svc_ops fake_ops = {
	.name = "fake",
	.begin = fake_begin,
	.prepare = fake_prepare,
	.frame = fake_frame,
};

/* A service with the frame hook only (every other hook optional). */
static const struct xst_svc_ops bare_ops = {
	.name = "bare",
	.frame = fake_frame,
};

struct pass_log {
	uint64_t n;
	uint32_t last_seq;
};

static void pass_fn(void *arg, struct xst_io *io, struct xst_frame *f)
{
	struct pass_log *p = arg;

	p->n++;
	p->last_seq = get32le(payload(f->buf.data, &f->pkt));
	xst_io_free(io, f->buf.addr);	/* the hook takes the frame */
}

/* ---- the rig: io + worker + two fake services ------------------------------ */

struct sink {
	uint64_t replies, emitted, bad;
};

static void sink_fn(void *arg, const uint8_t *d, uint32_t len)
{
	struct sink *s = arg;
	struct xst_pkt p;

	if (len == 64 && !memcmp(d, "EMIT", 4)) {
		s->emitted++;
		return;
	}
	if (xst_net_parse(d, len, &p) != XST_NET_OK ||
	    payload((uint8_t *)d, &p)[6] != REPLY_MARK) {
		s->bad++;
		return;
	}
	s->replies++;
}

struct rig {
	struct xst_io *io;
	struct xst_rcu rcu;
	atomic_int stop;
	struct xst_worker *w;
	struct iter it;
	struct fake svc[2];
	int slot[2];
	struct pass_log pass;
	struct sink sink;
	uint32_t seq;
	uint64_t now;
	uint64_t expect_drop[XST_WDROP_MAX];
};

static struct rig R;

/* A: udp/53, udp/5353; B: tcp/80 */
static const struct xst_svc_rule rules_a[] = { { XST_IPPROTO_UDP, 53 }, { XST_IPPROTO_UDP, 5353 } };
static const struct xst_svc_rule rules_b[] = { { XST_IPPROTO_TCP, 80 } };

static struct xst_io_cfg io_cfg(uint32_t tx)
{
	struct xst_io_cfg c = {
		.nr_frames = 4096,
		.frame_size = 4096,
		.fill_size = 1024,
		.rx_size = 1024,
		.tx_size = tx,
		.mem_headroom = XST_IO_RX_HEADROOM,
	};
	return c;
}

static void rig_up(const struct xst_io_cfg *icfg, unsigned int batch, int idle_ms)
{
	struct xst_worker_cfg wc;
	int i;

	memset(&R, 0, sizeof(R));
	ck_assert_int_eq(xst_io_mem_create(&R.io, icfg), 0);
	xst_rcu_init(&R.rcu);
	memset(&wc, 0, sizeof(wc));
	wc.io = R.io;
	wc.rcu = &R.rcu;
	wc.stop = &R.stop;
	wc.cpu = -1;
	wc.batch = batch;
	wc.idle_timeout_ms = idle_ms;
	ck_assert_int_eq(xst_worker_create(&R.w, &wc), 0);
	for (i = 0; i < 2; i++) {
		R.svc[i].it = &R.it;
		R.svc[i].w = R.w;
		xst_timer_init(&R.svc[i].timer, timer_fn);
	}
	R.slot[0] = xst_worker_add_service(R.w, &fake_ops, &R.svc[0], rules_a, 2);
	R.slot[1] = xst_worker_add_service(R.w, &fake_ops, &R.svc[1], rules_b, 1);
	ck_assert_int_eq(R.slot[0], 0);
	ck_assert_int_eq(R.slot[1], 1);
	/* the worker's clock domain: its wheel started at create */
	R.now = xst_clock_ns();
}

static void rig_down(void)
{
	xst_worker_destroy(R.w);
	xst_io_destroy(R.io);
}

static void inject(const struct fs *s)
{
	uint8_t f[512];
	uint32_t len = build(f, s, R.seq++);

	OK_EQ(xst_io_mem_inject(R.io, f, len), 0);
}

#define census_ok() census_ok_at(__LINE__)
static struct xst_io_census census_ok_at(int line)
{
	struct xst_io_census c;
	int err = xst_io_census(R.io, &c);
	uint32_t sum = c.free + c.fill + c.rx + c.kernel_rx + c.user + c.tx + c.comp +
		       c.kernel_tx + c.held;

	if (err || sum != xst_io_nr_frames(R.io) || c.user)
		ck_abort_msg("line %d: census %d: free %u fill %u rx %u user %u tx %u comp %u "
			     "held %u, sum %u",
			     line, err, c.free, c.fill, c.rx, c.user, c.tx, c.comp, c.held, sum);
	return c;
}

/* Every counter relation the worker promises, after an iteration. */
#define totals_ok() totals_ok_at(__LINE__)
static void totals_ok_at(int line)
{
	const struct xst_worker_stats *st = &R.w->stats;
	uint64_t svc_rx = 0, svc_drop = 0, svc_pass = 0, out = 0, wdrop = 0;
	uint32_t i;

	census_ok_at(line);
	for (i = 0; i < XST_WDROP_MAX; i++) {
		wdrop += st->drop[i];
		if (st->drop[i] != R.expect_drop[i])
			ck_abort_msg("line %d: drop[%u] = %llu, want %llu", line, i,
				     (unsigned long long)st->drop[i],
				     (unsigned long long)R.expect_drop[i]);
	}
	for (i = 0; i < R.w->nr_svc; i++) {
		const struct xst_svc_counts *c = &R.w->svc[i].c;

		if (c->rx != c->replied + c->consumed + c->passed + c->dropped)
			ck_abort_msg("line %d: service %u: rx %llu != replied %llu + consumed %llu "
				     "+ passed %llu + dropped %llu",
				     line, i, (unsigned long long)c->rx,
				     (unsigned long long)c->replied, (unsigned long long)c->consumed,
				     (unsigned long long)c->passed, (unsigned long long)c->dropped);
		if (c->rx != R.svc[i].frames ||
		    c->emitted != R.svc[i].emitted + R.svc[i].begin_emitted)
			ck_abort_msg("line %d: service %u: worker says rx %llu emitted %llu, the "
				     "service saw %llu and emitted %llu",
				     line, i, (unsigned long long)c->rx,
				     (unsigned long long)c->emitted,
				     (unsigned long long)R.svc[i].frames,
				     (unsigned long long)(R.svc[i].emitted + R.svc[i].begin_emitted));
		if (R.svc[i].prepared != R.svc[i].frames && R.w->svc[i].ops->prepare)
			ck_abort_msg("line %d: service %u: %llu prepared, %llu handled", line, i,
				     (unsigned long long)R.svc[i].prepared,
				     (unsigned long long)R.svc[i].frames);
		svc_rx += c->rx;
		svc_drop += c->dropped;
		svc_pass += c->passed;
		/* begin-hook frames count in their service's emitted too */
		out += c->replied + c->emitted;
	}
	if (st->rx_packets != svc_rx + wdrop)
		ck_abort_msg("line %d: rx_packets %llu != services' rx %llu + worker drops %llu",
			     line, (unsigned long long)st->rx_packets, (unsigned long long)svc_rx,
			     (unsigned long long)wdrop);
	if (st->rx_dropped != wdrop + svc_drop)
		ck_abort_msg("line %d: rx_dropped %llu != worker drops %llu + services' drops %llu",
			     line, (unsigned long long)st->rx_dropped, (unsigned long long)wdrop,
			     (unsigned long long)svc_drop);
	if (st->passed != svc_pass)
		ck_abort_msg("line %d: passed %llu != services' %llu", line,
			     (unsigned long long)st->passed, (unsigned long long)svc_pass);
	if (st->tx_packets + st->tx_errors != out)
		ck_abort_msg("line %d: tx_packets %llu + tx_errors %llu != replied + emitted %llu",
			     line, (unsigned long long)st->tx_packets,
			     (unsigned long long)st->tx_errors, (unsigned long long)out);
}

/* One iteration at R.now (then R.now moves on by step). */
static uint32_t poll_at(uint64_t now)
{
	R.it.now = now;
	return xst_worker_poll(R.w, now);
}

static uint32_t poll1(void)
{
	uint32_t n = poll_at(R.now);

	R.now += 1000;
	return n;
}

static uint32_t drain(void)
{
	return xst_io_mem_drain_tx(R.io, 0, sink_fn, &R.sink);
}

/* ---- create and registration ------------------------------------------------ */

START_TEST(test_worker_create_and_register)
{
	struct xst_io_cfg ic = io_cfg(256);
	struct xst_worker_cfg wc;
	struct xst_worker *w = (struct xst_worker *)0x1;
	static const struct xst_svc_rule one[] = { { XST_IPPROTO_UDP, 7 } };
	static const struct xst_svc_rule dup[] = { { XST_IPPROTO_UDP, 99 }, { XST_IPPROTO_UDP, 53 } };
	static const struct xst_svc_rule tcp53[] = { { XST_IPPROTO_TCP, 53 } };
	struct xst_svc_rule many[XST_WORKER_RULES_MAX];
	uint32_t i;

	rig_up(&ic, 0, 0);
	ck_assert_uint_eq(R.w->cfg.batch, XST_BATCH);
	ck_assert_uint_eq(R.w->cfg.idle_timeout_ms, 100);
	/* Bad configs. */
	memset(&wc, 0, sizeof(wc));
	wc.io = R.io;
	wc.rcu = &R.rcu;
	wc.stop = &R.stop;
	wc.batch = XST_BATCH + 1;
	ck_assert_int_eq(xst_worker_create(&w, &wc), -EINVAL);
	wc.batch = 0;
	wc.io = NULL;
	ck_assert_int_eq(xst_worker_create(&w, &wc), -EINVAL);
	wc.io = R.io;
	wc.rcu = NULL;
	ck_assert_int_eq(xst_worker_create(&w, &wc), -EINVAL);
	wc.rcu = &R.rcu;
	wc.stop = NULL;
	ck_assert_int_eq(xst_worker_create(&w, &wc), -EINVAL);
	ck_assert_ptr_eq(w, (struct xst_worker *)0x1);

	/* A (proto, port) pair is one service's: the same port on TCP is another pair. */
	ck_assert_int_eq(xst_worker_add_service(R.w, &fake_ops, &R.svc[0], dup, 2), -EEXIST);
	ck_assert_uint_eq(R.w->nr_svc, 2);
	ck_assert_int_eq(xst_worker_add_service(R.w, &bare_ops, &R.svc[0], tcp53, 1), 2);
	ck_assert_int_eq(xst_worker_add_service(R.w, &bare_ops, &R.svc[0], one, 1), 3);
	ck_assert_int_eq(xst_worker_add_service(R.w, &bare_ops, &R.svc[0], NULL, 0), -ENOSPC);
	rig_down();

	/* Too many rules in all. */
	rig_up(&ic, 0, 0);
	for (i = 0; i < XST_WORKER_RULES_MAX; i++) {
		many[i].proto = XST_IPPROTO_UDP;
		many[i].port = (uint16_t)(1000 + i);
	}
	ck_assert_int_eq(xst_worker_add_service(R.w, &bare_ops, &R.svc[0], many,
						XST_WORKER_RULES_MAX - 3 + 1),
			 -ENOSPC);
	ck_assert_int_eq(xst_worker_add_service(R.w, &bare_ops, &R.svc[0], many,
						XST_WORKER_RULES_MAX - 3),
			 2);
	rig_down();
	xst_worker_destroy(NULL);
}
END_TEST

/* ---- verdicts over batches of 1..64 ------------------------------------------ */

static const struct verdict_case {
	const char *name;
	uint8_t cmd;
	uint8_t nemit;
	int hook;		/* pass hook installed */
} verdict_cases[] = {
	{ "reply in place", CMD_REPLY, 0, 0 },
	{ "consumed, nothing emitted", CMD_CONSUME, 0, 0 },
	{ "consumed after emitting 1", CMD_CONSUME, 1, 0 },
	{ "consumed after emitting 3", CMD_CONSUME, 3, 0 },
	{ "drop", CMD_DROP, 0, 0 },
	{ "pass, no hook", CMD_PASS, 0, 0 },
	{ "pass to the hook", CMD_PASS, 0, 1 },
};

START_TEST(test_worker_verdicts)
{
	const struct verdict_case *tc = &verdict_cases[_i];
	struct xst_io_cfg ic = io_cfg(256);
	struct fs s = { .dport = 53, .cmd = tc->cmd, .nemit = tc->nemit };
	const struct xst_svc_counts *c;
	uint64_t total = 0;
	uint32_t b, i, n;

	rig_up(&ic, XST_BATCH, 0);
	if (tc->hook)
		xst_worker_set_pass(R.w, pass_fn, &R.pass);
	c = &R.w->svc[R.slot[0]].c;
	for (b = 1; b <= XST_BATCH; b++) {
		uint64_t batches = R.w->stats.batches;

		for (i = 0; i < b; i++) {
			s.v6 = (int)(i & 1);
			s.vlan = i % 3 == 0;
			inject(&s);
		}
		n = poll1();
		OK_EQ(n, b);
		OK_EQ(R.w->stats.batches, batches + 1);
		total += b;
		OK_EQ(R.w->stats.rx_packets, total);
		OK_EQ(c->rx, total);
		OK_EQ(R.svc[0].prepares, b);
		OK_EQ(R.svc[1].frames, 0);
		OK_EQ(c->replied, tc->cmd == CMD_REPLY ? total : 0);
		OK_EQ(c->consumed, tc->cmd == CMD_CONSUME ? total : 0);
		OK_EQ(c->dropped, tc->cmd == CMD_DROP ? total : 0);
		OK_EQ(c->passed, tc->cmd == CMD_PASS ? total : 0);
		OK_EQ(c->emitted, total * tc->nemit);
		OK_EQ(R.pass.n, tc->hook ? total : 0);
		if (tc->hook)
			OK_EQ(R.pass.last_seq, R.seq - 1);
		totals_ok();
		/* What was sent is on the TX ring now, nothing else. */
		n = drain();
		OK_EQ(n, tc->cmd == CMD_REPLY ? b : tc->cmd == CMD_CONSUME ? b * tc->nemit : 0);
		OK_EQ(R.sink.bad, 0);
		totals_ok();
	}
	ck_assert_uint_eq(R.sink.replies, tc->cmd == CMD_REPLY ? total : 0);
	ck_assert_uint_eq(R.sink.emitted, total * tc->nemit);
	ck_assert_uint_eq(R.w->stats.tx_packets, R.sink.replies + R.sink.emitted);
	ck_assert_uint_eq(R.w->stats.tx_errors, 0);
	ck_assert_uint_eq(R.w->stats.rx_dropped, tc->cmd == CMD_DROP ? total : 0);
	ck_assert_uint_eq(R.svc[0].alloc_failed + R.svc[0].send_failed, 0);
	ck_assert_uint_eq(xst_io_stats(R.io)->misuse, 0);
	/* Last completions reaped: every frame free or on the fill ring. */
	poll1();
	ck_assert_uint_eq(census_ok().free + census_ok().fill, 4096);
	rig_down();
}
END_TEST

START_TEST(test_worker_batch_limit)
{
	static const unsigned int sizes[] = { 1, 7, 32, 64 };
	unsigned int batch = sizes[_i];
	struct xst_io_cfg ic = io_cfg(256);
	struct fs s = { .dport = 53, .cmd = CMD_REPLY };
	uint32_t left = 300, i, polls = 0;

	rig_up(&ic, batch, 0);
	for (i = 0; i < left; i++)
		inject(&s);
	while (left) {
		uint32_t want = left < batch ? left : batch;

		OK_EQ(poll1(), want);
		left -= want;
		polls++;
		drain();
		totals_ok();
	}
	ck_assert_uint_eq(R.w->stats.batches, polls);
	ck_assert_uint_eq(polls, (300 + batch - 1) / batch);
	ck_assert_uint_eq(R.sink.replies, 300);
	ck_assert_uint_eq(poll1(), 0);
	ck_assert_uint_eq(R.w->stats.batches, polls);	/* an empty poll is no batch */
	rig_down();
}
END_TEST

/* ---- frames no service sees ------------------------------------------------- */

static const struct drop_case {
	const char *name;
	struct fs s;
	int want_drop;	/* enum xst_wdrop, or -1 */
	int want_slot;	/* service, or -1 */
} drop_cases[] = {
	{ "udp/53 to A", { .dport = 53, .cmd = CMD_DROP }, -1, 0 },
	{ "udp/5353 to A", { .dport = 5353, .cmd = CMD_DROP }, -1, 0 },
	{ "IPv6 udp/53 to A", { .v6 = 1, .dport = 53, .cmd = CMD_DROP }, -1, 0 },
	{ "VLAN udp/53 to A", { .vlan = 1, .dport = 53, .cmd = CMD_DROP }, -1, 0 },
	{ "tcp/80 to B", { .proto = 6, .dport = 80, .cmd = CMD_DROP }, -1, 1 },
	{ "IPv6 tcp/80 to B", { .v6 = 1, .proto = 6, .dport = 80, .cmd = CMD_DROP }, -1, 1 },
	{ "udp/9999: no service", { .dport = 9999 }, XST_WDROP_NO_SERVICE, -1 },
	{ "tcp/53: no service (udp/53 only)", { .proto = 6, .dport = 53 }, XST_WDROP_NO_SERVICE,
	  -1 },
	{ "udp/80: no service (tcp/80 only)", { .dport = 80 }, XST_WDROP_NO_SERVICE, -1 },
	{ "ICMP: no service", { .proto = 1 }, XST_WDROP_NO_SERVICE, -1 },
	{ "IPv4 total length beyond the frame", { .dport = 53, .bad = BAD_IPLEN },
	  XST_WDROP_MALFORMED, -1 },
	{ "UDP length beyond the IP payload", { .dport = 53, .bad = BAD_UDPLEN },
	  XST_WDROP_MALFORMED, -1 },
	{ "UDP source port 0", { .dport = 53, .bad = BAD_SPORT0 }, XST_WDROP_MALFORMED, -1 },
	{ "10-byte frame", { .bad = BAD_SHORT }, XST_WDROP_MALFORMED, -1 },
	{ "IPv4 fragment", { .dport = 53, .bad = BAD_FRAG }, XST_WDROP_FRAGMENT, -1 },
	{ "IPv6 fragment header", { .v6 = 1, .dport = 53, .bad = BAD_V6FRAG }, XST_WDROP_FRAGMENT,
	  -1 },
	{ "multicast destination", { .dport = 53, .bad = BAD_MCAST }, XST_WDROP_NOT_UNICAST, -1 },
	{ "ARP", { .bad = BAD_ARP }, XST_WDROP_UNSUPPORTED, -1 },
};

START_TEST(test_worker_drop_reasons)
{
	const struct drop_case *tc = &drop_cases[_i];
	struct xst_io_cfg ic = io_cfg(256);
	int k;

	rig_up(&ic, XST_BATCH, 0);
	for (k = 0; k < 3; k++)
		inject(&tc->s);
	ck_assert_uint_eq(poll1(), 3);
	if (tc->want_drop >= 0)
		R.expect_drop[tc->want_drop] = 3;
	totals_ok();
	ck_assert_uint_eq(R.w->stats.rx_packets, 3);
	ck_assert_uint_eq(R.w->stats.rx_dropped, 3);	/* drop verdict or dropped by the worker */
	ck_assert_uint_eq(R.svc[0].frames, tc->want_slot == 0 ? 3u : 0u);
	ck_assert_uint_eq(R.svc[1].frames, tc->want_slot == 1 ? 3u : 0u);
	ck_assert_uint_eq(R.svc[0].prepares + R.svc[1].prepares, tc->want_slot >= 0 ? 1u : 0u);
	ck_assert_uint_eq(census_ok().user, 0);
	rig_down();
}
END_TEST

/* ---- a mixed stream: everything adds up in every iteration ------------------ */

static uint32_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

START_TEST(test_worker_mixed_stream)
{
	struct xst_io_cfg ic = io_cfg(256);
	uint64_t want_rx[2] = { 0 }, want_emit[2] = { 0 }, want_pass = 0, want_replies = 0;
	uint32_t it, i;

	rig_up(&ic, XST_BATCH, 0);
	xst_worker_set_pass(R.w, pass_fn, &R.pass);
	rng_state = 0xc0ffee;
	for (it = 0; it < 600; it++) {
		uint32_t n = rnd() % (XST_BATCH + 1), got;

		if (it % 7 == 3)
			n = 0;	/* idle iterations too */
		for (i = 0; i < n; i++) {
			struct fs s = { 0 };
			uint32_t r = rnd() % 16;
			int slot = -1;

			s.cmd = (uint8_t)(rnd() % 4);
			s.nemit = (uint8_t)(rnd() % 4);
			s.v6 = (int)(rnd() & 1);
			s.vlan = rnd() % 4 == 0;
			if (r < 6) {
				s.dport = r & 1 ? 5353 : 53;
				slot = 0;
			} else if (r < 10) {
				s.proto = 6;
				s.dport = 80;
				slot = 1;
			} else if (r == 10) {
				s.dport = 9999;
				R.expect_drop[XST_WDROP_NO_SERVICE]++;
			} else if (r == 11) {
				s.proto = 6;
				s.dport = 53;
				R.expect_drop[XST_WDROP_NO_SERVICE]++;
			} else if (r == 12) {
				s.v6 = 0;
				s.dport = 53;
				s.bad = BAD_IPLEN;
				R.expect_drop[XST_WDROP_MALFORMED]++;
			} else if (r == 13) {
				s.dport = 53;
				s.bad = BAD_UDPLEN;
				R.expect_drop[XST_WDROP_MALFORMED]++;
			} else if (r == 14) {
				s.v6 = 0;
				s.dport = 53;
				s.bad = BAD_FRAG;
				R.expect_drop[XST_WDROP_FRAGMENT]++;
			} else {
				s.v6 = 0;
				s.dport = 53;
				s.bad = BAD_MCAST;
				R.expect_drop[XST_WDROP_NOT_UNICAST]++;
			}
			if (slot >= 0) {
				want_rx[slot]++;
				if (s.cmd == CMD_CONSUME)
					want_emit[slot] += s.nemit;
				want_pass += s.cmd == CMD_PASS;
				want_replies += s.cmd == CMD_REPLY;
			}
			inject(&s);
		}
		got = poll1();
		OK_EQ(got, n);
		OK_EQ(R.svc[0].begins, it + 1);	/* begin runs every iteration */
		OK_EQ(R.svc[1].begins, it + 1);
		OK_EQ(R.svc[0].frames, want_rx[0]);
		OK_EQ(R.svc[1].frames, want_rx[1]);
		OK_EQ(R.svc[0].emitted, want_emit[0]);
		OK_EQ(R.svc[1].emitted, want_emit[1]);
		OK_EQ(R.pass.n, want_pass);
		totals_ok();
		drain();
		totals_ok();
	}
	ck_assert_uint_eq(R.sink.bad, 0);
	ck_assert_uint_eq(R.sink.replies, want_replies);
	ck_assert_uint_eq(R.sink.emitted, want_emit[0] + want_emit[1]);
	ck_assert_uint_eq(R.w->stats.tx_errors, 0);
	ck_assert_uint_eq(R.svc[0].alloc_failed + R.svc[1].alloc_failed, 0);
	ck_assert_uint_eq(xst_io_stats(R.io)->misuse, 0);
	ck_assert_uint_gt(R.svc[0].frames, 5000);
	ck_assert_uint_gt(R.svc[1].frames, 3000);
	rig_down();
}
END_TEST

/* A service with only a frame hook: no prepare, no begin needed. */
START_TEST(test_worker_bare_service)
{
	struct xst_io_cfg ic = io_cfg(256);
	struct xst_worker_cfg wc;
	struct fs s = { .dport = 7, .cmd = CMD_REPLY };
	static const struct xst_svc_rule r7[] = { { XST_IPPROTO_UDP, 7 } };
	int i;

	memset(&R, 0, sizeof(R));
	ck_assert_int_eq(xst_io_mem_create(&R.io, &ic), 0);
	xst_rcu_init(&R.rcu);
	memset(&wc, 0, sizeof(wc));
	wc.io = R.io;
	wc.rcu = &R.rcu;
	wc.stop = &R.stop;
	wc.cpu = -1;
	ck_assert_int_eq(xst_worker_create(&R.w, &wc), 0);
	R.svc[0].it = &R.it;
	R.svc[0].w = R.w;
	ck_assert_int_eq(xst_worker_add_service(R.w, &bare_ops, &R.svc[0], r7, 1), 0);
	for (i = 0; i < 10; i++) {
		/* without prepare(), frame() checks the order against nothing: feed it */
		R.svc[0].nbatch = 1;
		R.svc[0].idx = 0;
		R.svc[0].batch_seq[0] = R.seq;
		inject(&s);
		ck_assert_uint_eq(poll1(), 1);
		ck_assert_uint_eq(drain(), 1);
		totals_ok();
	}
	ck_assert_uint_eq(R.w->svc[0].c.replied, 10);
	rig_down();
}
END_TEST

/* ---- TX ring full ---------------------------------------------------------------- */

START_TEST(test_worker_tx_full_replies)
{
	struct xst_io_cfg ic = io_cfg(64);
	struct fs s = { .dport = 53, .cmd = CMD_REPLY };
	struct xst_io_census c;
	uint32_t it, i;

	rig_up(&ic, XST_BATCH, 0);
	for (it = 0; it < 4; it++) {
		for (i = 0; i < 64; i++)
			inject(&s);
		ck_assert_uint_eq(poll1(), 64);
		totals_ok();
		ck_assert_uint_eq(R.w->stats.tx_packets, 64);
		ck_assert_uint_eq(R.w->stats.tx_errors, 64 * it);
		c = census_ok();
		ck_assert_uint_eq(c.tx, 64);	/* the cap: never more in flight */
		ck_assert_uint_eq(c.user, 0);	/* rejected replies went back */
		ck_assert_uint_eq(c.free + c.fill + c.tx, 4096);
	}
	/* The kernel takes 24: the next iteration sends 24 and rejects 40. */
	ck_assert_uint_eq(xst_io_mem_drain_tx(R.io, 24, sink_fn, &R.sink), 24);
	for (i = 0; i < 64; i++)
		inject(&s);
	ck_assert_uint_eq(poll1(), 64);
	totals_ok();
	ck_assert_uint_eq(R.w->stats.tx_packets, 64 + 24);
	ck_assert_uint_eq(R.w->stats.tx_errors, 3 * 64 + 40);
	ck_assert_uint_eq(R.w->svc[0].c.replied, 5 * 64);
	/* Drained and reaped: every frame back. */
	drain();
	poll1();
	c = census_ok();
	ck_assert_uint_eq(c.free + c.fill, 4096);
	ck_assert_uint_eq(R.sink.replies, 64 + 24);
	ck_assert_uint_eq(R.sink.bad, 0);
	ck_assert_uint_eq(xst_io_stats(R.io)->misuse, 0);
	rig_down();
}
END_TEST

START_TEST(test_worker_tx_full_emits)
{
	struct xst_io_cfg ic = io_cfg(64);
	struct fs s = { .dport = 53, .cmd = CMD_CONSUME, .nemit = 4 };
	struct xst_io_census c;
	uint32_t i;

	rig_up(&ic, XST_BATCH, 0);
	/* 16 frames x 4: exactly the cap. */
	for (i = 0; i < 16; i++)
		inject(&s);
	ck_assert_uint_eq(poll1(), 16);
	totals_ok();
	ck_assert_uint_eq(R.svc[0].emitted, 64);
	ck_assert_uint_eq(R.svc[0].alloc_failed, 0);
	/* Nothing drained: no frame may be taken for TX. */
	for (i = 0; i < 16; i++)
		inject(&s);
	ck_assert_uint_eq(poll1(), 16);
	totals_ok();
	ck_assert_uint_eq(R.svc[0].emitted, 64);
	ck_assert_uint_eq(R.svc[0].alloc_failed, 64);
	ck_assert_uint_eq(R.w->tx.alloc_failed, 64);
	ck_assert_uint_eq(R.w->svc[0].c.consumed, 32);
	c = census_ok();
	ck_assert_uint_eq(c.tx, 64);
	drain();
	poll1();
	c = census_ok();
	ck_assert_uint_eq(c.free + c.fill, 4096);
	ck_assert_uint_eq(R.sink.emitted, 64);
	rig_down();
}
END_TEST

START_TEST(test_worker_alloc_budget)
{
	/* A large TX ring: the per-iteration allocation budget is the limit. */
	struct xst_io_cfg ic = io_cfg(1024);
	struct fs s = { .dport = 53, .cmd = CMD_CONSUME, .nemit = 5 };
	uint32_t i;

	ic.comp_size = 1024;
	rig_up(&ic, XST_BATCH, 0);
	for (i = 0; i < 64; i++)
		inject(&s);
	ck_assert_uint_eq(poll1(), 64);
	totals_ok();
	ck_assert_uint_eq(R.svc[0].emitted, XST_TX_ALLOC_BUDGET);
	ck_assert_uint_eq(R.svc[0].alloc_failed, 64 * 5 - XST_TX_ALLOC_BUDGET);
	ck_assert_uint_eq(drain(), XST_TX_ALLOC_BUDGET);
	/* Renewed next iteration. */
	for (i = 0; i < 10; i++)
		inject(&s);
	ck_assert_uint_eq(poll1(), 10);
	ck_assert_uint_eq(R.svc[0].emitted, XST_TX_ALLOC_BUDGET + 50);
	ck_assert_uint_eq(drain(), 50);
	totals_ok();
	rig_down();
}
END_TEST

/* ---- TX flushed in every iteration ------------------------------------------ */

START_TEST(test_worker_flush_without_rx)
{
	/* A begin hook sends frames in an iteration that receives nothing:
	 * they are on the TX ring when the poll returns. */
	struct xst_io_cfg ic = io_cfg(256);

	rig_up(&ic, XST_BATCH, 0);
	R.svc[0].begin_emit = 3;
	ck_assert_uint_eq(poll1(), 0);
	R.svc[0].begin_emit = 0;
	ck_assert_uint_eq(R.svc[0].begin_emitted, 3);
	ck_assert_uint_eq(census_ok().tx, 3);
	ck_assert_uint_eq(drain(), 3);
	ck_assert_uint_eq(R.sink.emitted, 3);
	ck_assert_uint_eq(R.w->stats.tx_packets, 3);
	ck_assert_uint_eq(R.w->stats.batches, 0);
	totals_ok();
	ck_assert_uint_eq(poll1(), 0);
	ck_assert_uint_eq(drain(), 0);
	totals_ok();
	rig_down();
}
END_TEST

/*
 * KNOWN BUG (accounting): svc.h gives the begin hook the TX context, and
 * xst_svc_counts.emitted is "frames sent through the TX context" per
 * service; xst_worker_poll() sets tx->emitted only around frame(), so what a
 * service sends from its begin hook is counted in tx_packets but in no
 * service's emitted (per-service counters then do not add up to the
 * worker's). Timer callbacks have the same gap.
 */
START_TEST(test_worker_begin_emits_counted)
{
	struct xst_io_cfg ic = io_cfg(256);

	rig_up(&ic, XST_BATCH, 0);
	R.svc[0].begin_emit = 3;
	poll1();
	ck_assert_uint_eq(R.w->svc[R.slot[0]].c.emitted, 3);
	rig_down();
}
END_TEST

/* ---- timers -------------------------------------------------------------------- */

struct wtimer {
	struct xst_timer t;
	uint64_t fired, at;
};

static void wtimer_fn(struct xst_timer *t, uint64_t now, void *ctx)
{
	struct wtimer *x = (struct wtimer *)t;

	(void)ctx;
	x->fired++;
	x->at = now;
}

/* Poll with no RX every step from start; returns the now of the poll that fired it. */
static uint64_t poll_until_fired(struct wtimer *x, uint64_t start, uint64_t step, uint64_t until)
{
	uint64_t now;

	for (now = start; now <= until; now += step) {
		uint32_t n = poll_at(now);

		totals_ok();
		if (x->fired) {
			OK_EQ(n, 1);	/* the work of a timer counts */
			return now;
		}
		OK_EQ(n, 0);
	}
	return 0;
}

START_TEST(test_worker_timer_fires_idle)
{
	struct xst_io_cfg ic = io_cfg(256);
	struct wtimer x;
	uint64_t base, exp, at;

	rig_up(&ic, XST_BATCH, 0);
	/* A tick-aligned expiry 5 ticks on (see the known bug for others). */
	base = (R.now / TICK + 1) * TICK;
	exp = base + 5 * TICK;
	xst_timer_init(&x.t, wtimer_fn);
	x.fired = 0;
	xst_timer_arm(&R.w->timers, &x.t, exp);
	at = poll_until_fired(&x, base, 100000, exp + 100 * MS);
	ck_assert_msg(at, "never fired");
	ck_assert_uint_ge(at, exp);	/* never early */
	ck_assert_uint_lt(at, exp + 100000);	/* the first poll at or after it */
	ck_assert_uint_eq(x.fired, 1);
	ck_assert_uint_eq(R.w->stats.timers, 1);
	ck_assert_uint_eq(R.w->stats.batches, 0);
	rig_down();
}
END_TEST

/*
 * REGRESSION (core/timer.c, see test_core's test_timer_midtick_on_time):
 * a timer armed on w->timers for about now + 5 ms, polled every 100 us with no RX,
 * is visited by a poll in its tick before its expiry and then waits a whole
 * wheel turn: it fires ~4.3 s late instead of in the first poll after 5 ms.
 */
START_TEST(test_worker_timer_5ms)
{
	struct xst_io_cfg ic = io_cfg(256);
	struct wtimer x;
	uint64_t exp, at;

	rig_up(&ic, XST_BATCH, 0);
	/* ~5 ms ahead, in the middle of a tick (deterministic: an expiry within
	 * 100 us after a tick's start would escape the bug) */
	exp = (R.now / TICK + 6) * TICK + TICK / 2;
	xst_timer_init(&x.t, wtimer_fn);
	x.fired = 0;
	xst_timer_arm(&R.w->timers, &x.t, exp);
	at = poll_until_fired(&x, R.now, 100000, exp + 50 * MS);
	ck_assert_msg(at, "a 5 ms timer did not fire within 55 ms of polls");
	ck_assert_uint_lt(at, exp + 100000);
	rig_down();
}
END_TEST

START_TEST(test_worker_timer_from_handler)
{
	/* A handler arms a timer through tx->timers; it fires later with no RX. */
	struct xst_io_cfg ic = io_cfg(256);
	struct fs s = { .dport = 53, .cmd = CMD_DROP };
	uint64_t base;
	uint32_t i;

	rig_up(&ic, XST_BATCH, 0);
	base = (R.now / TICK + 1) * TICK;
	R.svc[0].timer_in = 3 * TICK;
	inject(&s);
	ck_assert_uint_eq(poll_at(base), 1);
	ck_assert(xst_timer_armed(&R.svc[0].timer));
	R.svc[0].timer_in = 0;
	for (i = 1; i < 3 * 4; i++)
		ck_assert_uint_eq(poll_at(base + i * TICK / 4), 0);
	ck_assert_uint_eq(R.svc[0].timer_fired, 0);
	ck_assert_uint_eq(poll_at(base + 3 * TICK), 1);
	ck_assert_uint_eq(R.svc[0].timer_fired, 1);
	ck_assert_uint_eq(R.svc[0].timer_fired_at, base + 3 * TICK);
	ck_assert_uint_eq(R.w->stats.timers, 1);
	totals_ok();
	rig_down();
}
END_TEST

/*
 * xst_io_wait() returns at once for the mem backend, so over mem the idle
 * wait cannot be timed. For one call, the io is made to look like a socket
 * whose fd is an idle pipe: xst_io_wait() then poll()s it for exactly the
 * timeout xst_worker_idle() asked for. Nothing must be in flight (a socket
 * with TX outstanding caps its wait at 1 ms).
 */
static int idle_measured(uint64_t now, uint64_t *elapsed)
{
	struct xst_io *io = R.io;
	uint64_t t0;
	int fds[2], r;

	ck_assert_uint_eq(census_ok().tx + census_ok().comp, 0);
	ck_assert_int_eq(pipe(fds), 0);
	io->kind = XST_IO_KIND_XSK;
	io->fd = fds[0];
	t0 = xst_clock_ns();
	r = xst_worker_idle(R.w, now);
	*elapsed = xst_clock_ns() - t0;
	io->kind = XST_IO_KIND_MEM;
	io->fd = -1;
	close(fds[0]);
	close(fds[1]);
	return r;
}

START_TEST(test_worker_idle_bounded_by_timer)
{
	struct xst_io_cfg ic = io_cfg(256);
	struct wtimer x;
	uint64_t now, el, waits;

	rig_up(&ic, XST_BATCH, 0);	/* idle timeout: the default 100 ms */
	now = xst_clock_ns();
	ck_assert_uint_eq(poll_at(now), 0);
	xst_timer_init(&x.t, wtimer_fn);
	x.fired = 0;
	now = xst_clock_ns();
	xst_timer_arm(&R.w->timers, &x.t, now + 5 * MS);
	ck_assert_uint_eq(poll_at(now), 0);	/* the idle iteration that precedes a wait */
	waits = R.w->stats.idle_waits;
	ck_assert_int_eq(idle_measured(now, &el), 0);
	ck_assert_uint_eq(R.w->stats.idle_waits, waits + 1);
	/* About the timer's time (a wake-up up to a tick early is allowed), not 100 ms. */
	ck_assert_msg(el >= 3 * MS && el < 50 * MS, "idle waited %llu us for a 5 ms timer",
		      (unsigned long long)(el / 1000));
	/* Offline for RCU after the wait, online again at the next poll. */
	ck_assert_msg(atomic_load(&R.w->reader.seen) == XST_RCU_OFFLINE, "online while waiting");
	poll_at(xst_clock_ns());
	ck_assert_msg(atomic_load(&R.w->reader.seen) != XST_RCU_OFFLINE, "offline after a poll");
	rig_down();
}
END_TEST

struct sync_thread {
	struct xst_rcu *rcu;
	uint64_t done_at;
	pthread_t th;
};

static void *sync_main(void *arg)
{
	struct sync_thread *s = arg;
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	xst_rcu_synchronize(s->rcu);
	s->done_at = xst_clock_ns();
	return NULL;
}

START_TEST(test_worker_idle_timeout_offline)
{
	struct xst_io_cfg ic = io_cfg(256);
	struct sync_thread st = { 0 };
	uint64_t now, el, end;

	rig_up(&ic, XST_BATCH, 40);
	now = xst_clock_ns();
	ck_assert_uint_eq(poll_at(now), 0);
	/* Online (past a quiescent point): a reload now waits for the worker... */
	ck_assert_msg(atomic_load(&R.w->reader.seen) != XST_RCU_OFFLINE, "offline after a poll");
	st.rcu = &R.rcu;
	ck_assert_int_eq(pthread_create(&st.th, NULL, sync_main, &st), 0);
	/* ...but not while it waits: it is offline then. */
	ck_assert_int_eq(idle_measured(now, &el), 0);
	end = xst_clock_ns();
	pthread_join(st.th, NULL);
	ck_assert_msg(el >= 35 * MS && el < 500 * MS, "idle waited %llu us, timeout 40 ms",
		      (unsigned long long)(el / 1000));
	ck_assert_msg(st.done_at < end, "synchronize waited for the idle worker");
	rig_down();
}
END_TEST

START_TEST(test_worker_idle_due_timer_no_wait)
{
	struct xst_io_cfg ic = io_cfg(256);
	struct wtimer x;
	uint64_t now, el, waits;

	rig_up(&ic, XST_BATCH, 0);
	now = xst_clock_ns();
	xst_timer_init(&x.t, wtimer_fn);
	x.fired = 0;
	xst_timer_arm(&R.w->timers, &x.t, now + TICK);
	/* Time has moved past it, no poll ran it: do not sleep. */
	waits = R.w->stats.idle_waits;
	ck_assert_int_eq(idle_measured(now + 5 * TICK, &el), 0);
	ck_assert_uint_lt(el, 5 * MS);
	ck_assert_uint_eq(R.w->stats.idle_waits, waits);
	ck_assert_uint_eq(poll_at(now + 5 * TICK), 1);
	ck_assert_uint_eq(x.fired, 1);
	/* Over mem the wait returns at once, counted, 0. */
	ck_assert_int_eq(xst_worker_idle(R.w, now + 5 * TICK), 0);
	ck_assert_uint_eq(R.w->stats.idle_waits, waits + 1);
	rig_down();
}
END_TEST

Suite *worker_suite(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("mem");
	TCase *tm = tcase_create("timers");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_worker_create_and_register);
	tcase_add_loop_test(tc, test_worker_verdicts, 0, ARRAY_SIZE(verdict_cases));
	tcase_add_loop_test(tc, test_worker_batch_limit, 0, 4);
	tcase_add_loop_test(tc, test_worker_drop_reasons, 0, ARRAY_SIZE(drop_cases));
	tcase_add_test(tc, test_worker_mixed_stream);
	tcase_add_test(tc, test_worker_bare_service);
	tcase_add_test(tc, test_worker_tx_full_replies);
	tcase_add_test(tc, test_worker_tx_full_emits);
	tcase_add_test(tc, test_worker_alloc_budget);
	tcase_add_test(tc, test_worker_flush_without_rx);
	suite_add_tcase(s, tc);

	tcase_set_timeout(tm, 30);
	tcase_add_test(tm, test_worker_timer_fires_idle);
	tcase_add_test(tm, test_worker_timer_from_handler);
	tcase_add_test(tm, test_worker_idle_bounded_by_timer);
	tcase_add_test(tm, test_worker_idle_timeout_offline);
	tcase_add_test(tm, test_worker_idle_due_timer_no_wait);
	suite_add_tcase(s, tm);

	/* Failing on purpose: contracts the code does not keep (see the comments). */
	{
		TCase *bugs = tcase_create("regressions");

		tcase_set_timeout(bugs, 30);
		tcase_add_test(bugs, test_worker_timer_5ms);
		tcase_add_test(bugs, test_worker_begin_emits_counted);
		suite_add_tcase(s, bugs);
	}
	return s;
}
