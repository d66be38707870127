// SPDX-License-Identifier: GPL-2.0
/*
 * Sending: control segments built here, stream segments through the app's
 * xmit (ACK-clocked, min(cwnd, peer's window)), retransmission (RTO, RFC
 * 6298, Karn's rule, exponential backoff; go-back-N from snd_una with a
 * one-segment window after a timeout, RFC 5681 3.1), the persist timer
 * (1-byte probes into a zero window, RFC 9293 3.8.6.1), and the life timer
 * (deadlines, FIN_WAIT_2, TIME_WAIT).
 */
#include "tcp/tcp.h"

#include <errno.h>
#include <stddef.h>

#include "core/clock.h"
#include "tcp/tcp_priv.h"

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

static inline uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int xst_tcp_ctl(struct xst_tcp *t, const struct xst_tcp_flow *fl, uint32_t seq, uint32_t ack,
		uint8_t flags, uint16_t win, const uint8_t *opts, uint32_t optlen, void *out)
{
	uint8_t *data;
	uint32_t cap, len;
	void *tok;

	if (t->app.ctl_frame(t->arg, out, &data, &cap, &tok)) {
		t->stats.ctl_nobufs++;
		return -ENOBUFS;
	}
	if (cap < xst_tcp_payload_off(fl, optlen)) {
		t->app.ctl_drop(t->arg, out, tok);
		t->stats.ctl_nobufs++;
		return -ENOBUFS;
	}
	len = xst_tcp_build(data, fl, seq, ack, flags, win, opts, optlen, 0);
	t->app.ctl_send(t->arg, out, tok, len);
	if (flags & XST_TCP_RST)
		t->stats.resets_sent++;
	return 0;
}

/* The window we advertise: the free receive buffer, scaled (never shrinks:
 * buffered bytes only grow as rcv_nxt does). */
uint16_t xst_tcp_win(const struct xst_tcp *t, const struct xst_tcp_conn *c)
{
	uint32_t w = (t->cfg.rcv_buf - c->rcv_len) >> c->rcv_wscale;

	return w > 65535 ? 65535 : (uint16_t)w;
}

void xst_tcp_send_ack(struct xst_tcp *t, struct xst_tcp_conn *c, void *out)
{
	if (!xst_tcp_ctl(t, &c->flow, seq_of(c, c->snd_nxt), c->rcv_nxt, XST_TCP_ACK,
			 xst_tcp_win(t, c), NULL, 0, out))
		c->ack_pending = 0;
}

/* SYN-ACK: MSS, and window scale only when the peer sent one (RFC 7323 1.3). */
void xst_tcp_send_synack(struct xst_tcp *t, struct xst_tcp_conn *c, void *out)
{
	uint8_t opts[8];
	uint32_t optlen = 4;
	uint32_t w = t->cfg.rcv_buf > 65535 ? 65535 : t->cfg.rcv_buf;

	opts[0] = XST_TCP_OPT_MSS;
	opts[1] = 4;
	xst_put_be16(opts + 2, xst_tcp_mss_max(t, c->flow.v6));
	if (c->snd_wscale != XST_TCP_WS_NONE) {
		opts[4] = XST_TCP_OPT_NOP;
		opts[5] = XST_TCP_OPT_WS;
		opts[6] = 3;
		opts[7] = c->rcv_wscale;
		optlen = 8;
	}
	xst_tcp_ctl(t, &c->flow, c->iss, c->rcv_nxt, XST_TCP_SYN | XST_TCP_ACK, (uint16_t)w, opts,
		    optlen, out);
}

void xst_tcp_send_rst(struct xst_tcp *t, struct xst_tcp_conn *c, void *out)
{
	xst_tcp_ctl(t, &c->flow, seq_of(c, c->snd_nxt), c->rcv_nxt, XST_TCP_RST | XST_TCP_ACK, 0,
		    NULL, 0, out);
}

/* RFC 5961 7: a global limit on challenge ACKs per second. */
void xst_tcp_challenge_ack(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	uint64_t sec = now / XST_NS_PER_SEC;

	if (sec != t->chal_sec) {
		t->chal_sec = sec;
		t->chal_count = 0;
	}
	if (t->chal_count >= t->cfg.challenge_acks_per_sec) {
		t->stats.challenge_limited++;
		return;
	}
	t->chal_count++;
	t->stats.challenge_acks++;
	xst_tcp_send_ack(t, c, out);
}

/*
 * One segment at off, at most max bytes (max <= snd_end - off), FIN on it
 * when fin_ok and it ends the stream; off == snd_end: a FIN alone. Returns
 * the sequence space it took (bytes, + 1 for a FIN), 0 if nothing went.
 */
static uint32_t send_at(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t off, uint32_t max,
			int fin_ok, void *out)
{
	uint8_t flags = XST_TCP_ACK;
	int fin;
	uint32_t n;

	if (off >= c->snd_end) {
		if (!fin_ok)
			return 0;
		if (xst_tcp_ctl(t, &c->flow, seq_of(c, c->snd_end), c->rcv_nxt,
				XST_TCP_FIN | XST_TCP_ACK, xst_tcp_win(t, c), NULL, 0, out))
			return 0;
		c->ack_pending = 0;
		return 1;
	}
	fin = fin_ok && off + max == c->snd_end;
	if (off + max == c->snd_end)
		flags |= XST_TCP_PSH;
	if (fin)
		flags |= XST_TCP_FIN;
	n = t->app.xmit(t->arg, c, off, max, seq_of(c, off), c->rcv_nxt, xst_tcp_win(t, c), flags,
			out);
	if (n > max)
		n = max;	/* a broken app: never count more than was allowed */
	if (!n) {
		t->stats.xmit_stalls++;
		return 0;
	}
	c->ack_pending = 0;
	return n + (fin && n == max);
}

static uint64_t rto_now(const struct xst_tcp_conn *c)
{
	uint64_t r = c->rto;
	uint8_t b = c->backoff;

	while (b-- && r < XST_TCP_RTO_MAX_NS)
		r <<= 1;
	return min64(r, XST_TCP_RTO_MAX_NS);
}

void xst_tcp_rtx_arm(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now)
{
	c->persist = 0;
	xst_timer_arm(t->timers, &c->rtx, now + rto_now(c));
}

/* RFC 6298 2.2-2.3, G = one timer tick. */
void xst_tcp_rtt_sample(struct xst_tcp_conn *c, uint64_t r)
{
	uint64_t var, g = 1ull << XST_TIMER_TICK_SHIFT;

	if (!r)
		r = 1;
	if (!c->srtt) {
		c->srtt = r;
		c->rttvar = r / 2;
	} else {
		uint64_t d = c->srtt > r ? c->srtt - r : r - c->srtt;

		c->rttvar = (3 * c->rttvar + d) / 4;
		c->srtt = (7 * c->srtt + r) / 8;
	}
	var = 4 * c->rttvar;
	c->rto = c->srtt + (var > g ? var : g);
	if (c->rto < XST_TCP_RTO_MIN_NS)
		c->rto = XST_TCP_RTO_MIN_NS;
	if (c->rto > XST_TCP_RTO_MAX_NS)
		c->rto = XST_TCP_RTO_MAX_NS;
}

static int can_send_data(const struct xst_tcp_conn *c)
{
	return c->state == XST_TCP_ESTABLISHED || c->state == XST_TCP_CLOSE_WAIT ||
	       c->state == XST_TCP_FIN_WAIT_1 || c->state == XST_TCP_LAST_ACK;
}

static void arm_persist(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now)
{
	if (c->persist && xst_timer_armed(&c->rtx))
		return;
	c->persist = 1;
	c->persist_ns = rto_now(c);
	xst_timer_arm(t->timers, &c->rtx, now + c->persist_ns);
}

/* Send what the windows allow, then an owed ACK if nothing carried it. */
void xst_tcp_output(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	while (can_send_data(c)) {
		uint64_t inflight = c->snd_nxt - c->snd_una, room, start = c->snd_nxt;
		uint32_t wnd = xst_tcp_wnd(c), max, n;

		room = wnd > inflight ? wnd - inflight : 0;
		if (c->snd_nxt < c->snd_end) {
			max = (uint32_t)min64(c->snd_end - c->snd_nxt, c->mss);
			if (room < max) {
				/* sender SWS avoidance: wait for the ACK clock unless idle */
				if (inflight || !room) {
					if (!inflight && !c->snd_wnd)
						arm_persist(t, c, now);
					break;
				}
				max = (uint32_t)room;
			}
		} else if (c->closing && c->snd_nxt == c->snd_end) {
			max = 0;	/* the FIN alone: needs no window */
		} else {
			break;
		}
		n = send_at(t, c, c->snd_nxt, max, c->closing, out);
		if (c->state == XST_TCP_CLOSED)
			return;
		if (!n)
			break;
		c->snd_nxt += n;
		if (start >= c->snd_max) {	/* new data: time it unless one is timed (Karn) */
			if (!c->rtt_on) {
				c->rtt_on = 1;
				c->rtt_off = c->snd_nxt;
				c->rtt_start = now;
			}
			c->snd_max = c->snd_nxt;
		} else if (c->snd_nxt > c->snd_max) {
			c->snd_max = c->snd_nxt;
		}
		if (c->persist) {
			xst_timer_cancel(t->timers, &c->rtx);
			c->persist = 0;
		}
	}
	if (c->snd_una < c->snd_max && !xst_timer_armed(&c->rtx))
		xst_tcp_rtx_arm(t, c, now);
	if (c->ack_pending)
		xst_tcp_send_ack(t, c, out);
}

/* Fast retransmit or a NewReno partial ACK: the first unacked segment again. */
void xst_tcp_retransmit_una(struct xst_tcp *t, struct xst_tcp_conn *c, void *out)
{
	uint64_t sent_end = min64(c->snd_max, c->snd_end);
	uint32_t max = sent_end > c->snd_una ? (uint32_t)min64(sent_end - c->snd_una, c->mss) : 0;

	if (!max && c->snd_max <= c->snd_end)
		return;
	if (send_at(t, c, c->snd_una, max, c->snd_max > c->snd_end, out))
		t->stats.retransmits_fast++;
	c->rtt_on = 0;	/* Karn: the timed segment may be this one */
}

static void zero_window_probe(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	uint32_t n;

	if (c->snd_wnd || c->snd_nxt >= c->snd_end || !can_send_data(c)) {
		c->persist = 0;
		xst_tcp_output(t, c, now, out);
		return;
	}
	/* one new byte beyond the window; snd_nxt stays, snd_max covers it so
	 * the peer's ACK of it is acceptable */
	n = send_at(t, c, c->snd_nxt, 1, c->closing, out);
	if (c->state == XST_TCP_CLOSED)
		return;
	if (n) {
		t->stats.zero_window_probes++;
		if (c->snd_nxt + n > c->snd_max)
			c->snd_max = c->snd_nxt + n;
	}
	c->persist = 1;
	c->persist_ns = min64(c->persist_ns * 2, XST_TCP_RTO_MAX_NS);
	xst_timer_arm(t->timers, &c->rtx, now + c->persist_ns);
}

void xst_tcp_rtx_fire(struct xst_timer *tm, uint64_t now, void *out)
{
	struct xst_tcp_conn *c = container_of(tm, struct xst_tcp_conn, rtx);
	struct xst_tcp *t = c->owner;
	uint64_t flight;

	if (c->persist) {
		zero_window_probe(t, c, now, out);
		return;
	}
	if (c->state == XST_TCP_SYN_RCVD) {
		if (++c->retries > t->cfg.syn_retrans) {
			t->stats.timeouts_syn++;
			xst_tcp_conn_free(t, c, ETIMEDOUT, out);
			return;
		}
		t->stats.retransmits_syn++;
		c->backoff++;
		xst_tcp_send_synack(t, c, out);
		xst_tcp_rtx_arm(t, c, now);
		return;
	}
	if (c->snd_una >= c->snd_max)
		return;
	if (++c->retries > t->cfg.max_retrans) {
		t->stats.timeouts_rto++;
		xst_tcp_send_rst(t, c, out);
		xst_tcp_conn_free(t, c, ETIMEDOUT, out);
		return;
	}
	t->stats.retransmits_rto++;
	flight = c->snd_max - c->snd_una;
	if (c->retries == 1) {	/* RFC 5681 (4): once per loss episode */
		c->ssthresh = (uint32_t)min64(flight / 2, UINT32_MAX);
		if (c->ssthresh < 2u * c->mss)
			c->ssthresh = 2u * c->mss;
	}
	c->cwnd = c->mss;
	c->in_recovery = 0;
	c->dupacks = 0;
	c->recover = c->snd_max;	/* RFC 6582 4.1: no fast retransmit of older data */
	c->rtt_on = 0;
	if (c->backoff < 30)
		c->backoff++;
	c->snd_nxt = c->snd_una;
	xst_tcp_output(t, c, now, out);
	if (c->state != XST_TCP_CLOSED && !xst_timer_armed(&c->rtx))
		xst_tcp_rtx_arm(t, c, now);
}

void xst_tcp_life_fire(struct xst_timer *tm, uint64_t now, void *out)
{
	struct xst_tcp_conn *c = container_of(tm, struct xst_tcp_conn, life);
	struct xst_tcp *t = c->owner;

	(void)now;
	if (c->state == XST_TCP_TIME_WAIT) {
		xst_tcp_conn_free(t, c, XST_TCP_WHY_DONE, out);
		return;
	}
	if (c->state == XST_TCP_FIN_WAIT_2)
		t->stats.timeouts_fin_wait2++;
	else if (c->deadline_kind == XST_TCP_TIMEOUT_IDLE)
		t->stats.timeouts_idle++;
	else if (c->deadline_kind == XST_TCP_TIMEOUT_SEND)
		t->stats.timeouts_send++;
	else
		t->stats.timeouts_header++;
	xst_tcp_send_rst(t, c, out);
	xst_tcp_conn_free(t, c, ETIMEDOUT, out);
}

void xst_tcp_stream_push(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t n, uint64_t now,
			 void *out)
{
	if (!can_send_data(c) || c->closing)
		return;
	c->snd_end += n;
	if (!c->in_recv)	/* from recv(): input sends once recv() returns */
		xst_tcp_output(t, c, now, out);
}

void xst_tcp_stream_close(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	if (c->closing || (c->state != XST_TCP_ESTABLISHED && c->state != XST_TCP_CLOSE_WAIT))
		return;
	c->closing = 1;
	xst_tcp_set_state(t, c, c->state == XST_TCP_ESTABLISHED ? XST_TCP_FIN_WAIT_1
								 : XST_TCP_LAST_ACK);
	if (!c->in_recv)	/* a push and a close from recv(): FIN on the last segment */
		xst_tcp_output(t, c, now, out);
}

void xst_tcp_abort(struct xst_tcp *t, struct xst_tcp_conn *c, void *out)
{
	if (c->state == XST_TCP_CLOSED)
		return;
	if (c->state != XST_TCP_TIME_WAIT)
		xst_tcp_send_rst(t, c, out);
	xst_tcp_conn_free(t, c, ECONNABORTED, out);
}
