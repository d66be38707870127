// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving one segment (RFC 9293 3.10.7): new connections (SYN, SYN
 * cookies), segments for no connection (RFC 793 reset rules), and the
 * synchronized states: RST and SYN checks (RFC 5961), sequence
 * acceptability, the ACK (NewReno, RFC 5681/6582; RTT samples, RFC 6298),
 * data and FIN.
 */
#include "tcp/tcp.h"

#include <errno.h>
#include <string.h>

#include "tcp/tcp_priv.h"

static inline uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static int cookies_counted(const struct xst_tcp *t, uint64_t now)
{
	return t->cfg.syn_cookies == XST_TCP_COOKIES_ALWAYS ||
	       (t->last_cookie_ns && now - (t->last_cookie_ns - 1) < 2 * XST_TCP_COOKIE_PERIOD_NS);
}

/* RFC 793 "If the state is CLOSED": never answer a RST; an ACK gets a RST at
 * its ack number, anything else a RST/ACK acknowledging it. */
static void reset_no_conn(struct xst_tcp *t, const uint8_t *frame, const struct xst_pkt *p,
			  const struct xst_tcp_seg *s, void *out)
{
	struct xst_tcp_flow fl;

	if (s->flags & XST_TCP_RST)
		return;
	xst_tcp_flow_init(&fl, frame, p);
	if (s->flags & XST_TCP_ACK)
		xst_tcp_ctl(t, &fl, s->ack, 0, XST_TCP_RST, 0, NULL, 0, out);
	else
		xst_tcp_ctl(t, &fl, 0,
			    s->seq + s->len + !!(s->flags & XST_TCP_SYN) + !!(s->flags & XST_TCP_FIN),
			    XST_TCP_RST | XST_TCP_ACK, 0, NULL, 0, out);
}

static uint16_t use_mss(const struct xst_tcp *t, const struct xst_tcp_seg *s, int v6)
{
	uint32_t m = s->mss ? s->mss : XST_TCP_MSS_DEFAULT;

	m = min32(m, xst_tcp_mss_max(t, v6));
	return (uint16_t)(m < XST_TCP_MSS_FLOOR ? XST_TCP_MSS_FLOOR : m);
}

/* The state every new connection starts from (SYN or cookie ACK). */
static void conn_init(struct xst_tcp *t, struct xst_tcp_conn *c, const uint8_t *frame,
		      const struct xst_pkt *p, uint16_t mss, uint8_t wscale)
{
	xst_tcp_flow_init(&c->flow, frame, p);
	c->mss = mss;
	c->snd_wscale = wscale;
	c->rcv_wscale = wscale == XST_TCP_WS_NONE ? 0 : t->rcv_wscale;
	/* RFC 6928: min(10 * MSS, max(2 * MSS, 14600)) */
	c->cwnd = 2u * mss > 14600 ? 2u * mss : 14600;
	c->cwnd = min32(c->cwnd, 10u * mss);
	c->ssthresh = UINT32_MAX;
	c->rto = XST_TCP_RTO_INIT_NS;
}

static uint32_t scaled_wnd(const struct xst_tcp_conn *c, uint16_t win)
{
	return (uint32_t)win << (c->snd_wscale == XST_TCP_WS_NONE ? 0 : c->snd_wscale);
}

static void syn_in(struct xst_tcp *t, const uint8_t *frame, const struct xst_pkt *p,
		   const struct xst_tcp_seg *s, const struct xst_tcp_key *k, uint32_t h, uint64_t now,
		   void *out)
{
	uint16_t mss = use_mss(t, s, p->l3_proto == XST_ETH_P_IPV6);
	struct xst_tcp_conn *c;

	t->stats.syn++;
	if (t->cfg.syn_cookies == XST_TCP_COOKIES_ALWAYS ||
	    (t->cfg.syn_cookies == XST_TCP_COOKIES_AUTO && t->stats.half_open >= t->cfg.half_open_max)) {
		struct xst_tcp_conn tmp;	/* only to build the SYN-ACK: nothing kept */

		memset(&tmp, 0, sizeof(tmp));
		conn_init(t, &tmp, frame, p, mss, s->wscale);
		tmp.iss = xst_tcp_cookie_make(t, k, s->seq, mss, s->wscale, now);
		tmp.rcv_nxt = s->seq + 1;
		xst_tcp_send_synack(t, &tmp, out);
		t->stats.syn_cookies_sent++;
		t->last_cookie_ns = now + 1;
		return;
	}
	c = xst_tcp_conn_new(t, h, out);
	if (!c) {
		t->stats.table_full++;
		reset_no_conn(t, frame, p, s, out);
		return;
	}
	conn_init(t, c, frame, p, mss, s->wscale);
	xst_tcp_set_state(t, c, XST_TCP_SYN_RCVD);
	c->iss = xst_tcp_iss(t, k, now);
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->snd_wnd = s->win;	/* never scaled in a SYN (RFC 7323 2.2) */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
	c->rtt_start = now;
	xst_tcp_send_synack(t, c, out);
	xst_tcp_rtx_arm(t, c, now);
}

/* 3WHS done: the app gets the connection. 0, or -1 when it is gone. */
static int establish(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	int err;

	xst_tcp_set_state(t, c, XST_TCP_ESTABLISHED);
	t->stats.established++;
	xst_timer_cancel(t->timers, &c->rtx);
	c->retries = 0;
	c->backoff = 0;
	c->deadline_kind = XST_TCP_TIMEOUT_HEADER;
	xst_timer_arm(t->timers, &c->life, now + t->cfg.header_timeout_ns);
	c->app_open = 1;	/* an abort() inside open() gets its closed() */
	err = t->app.open(t->arg, c, now, out);
	if (c->state == XST_TCP_CLOSED)
		return -1;
	if (err) {
		t->stats.open_failed++;
		c->app_open = 0;
		xst_tcp_send_rst(t, c, out);
		xst_tcp_conn_free(t, c, -err, out);
		return -1;
	}
	return 0;
}

static int conn_input(struct xst_tcp *t, struct xst_tcp_conn *c, const struct xst_tcp_seg *s,
		      uint64_t now, void *out);

/* An ACK for no connection that may complete a cookie handshake. 0: done
 * (connection made, or refused with a RST); -errno: no valid cookie. */
static int cookie_ack(struct xst_tcp *t, const uint8_t *frame, const struct xst_pkt *p,
		      const struct xst_tcp_seg *s, const struct xst_tcp_key *k, uint32_t h,
		      uint64_t now, void *out)
{
	struct xst_tcp_conn *c;
	uint16_t mss;
	uint8_t ws;
	int err;

	err = xst_tcp_cookie_check(t, k, s->seq - 1, s->ack - 1, now, &mss, &ws);
	if (err) {
		if (cookies_counted(t, now))
			t->stats.cookies_bad++;
		return err;
	}
	t->stats.cookies_ok++;
	c = xst_tcp_conn_new(t, h, out);
	if (!c) {
		t->stats.table_full++;
		reset_no_conn(t, frame, p, s, out);
		return 0;
	}
	mss = min32(mss, xst_tcp_mss_max(t, p->l3_proto == XST_ETH_P_IPV6));
	conn_init(t, c, frame, p, mss, ws);
	xst_tcp_set_state(t, c, XST_TCP_SYN_RCVD);
	c->from_cookie = 1;
	c->iss = s->ack - 1;
	c->irs = s->seq - 1;
	c->rcv_nxt = s->seq;
	c->snd_wl1 = s->seq - 1;	/* this segment's window applies */
	if (establish(t, c, now, out))
		return 0;
	conn_input(t, c, s, now, out);
	return 0;
}

/* RFC 9293 3.10.7.4 first check; a zero window still accepts a segment at
 * rcv_nxt (its data is dropped, its ACK processed, as Linux). */
static int acceptable(const struct xst_tcp_conn *c, uint32_t seq, uint32_t seglen, uint32_t wnd)
{
	uint32_t rn = c->rcv_nxt;

	if (!wnd)
		return seq == rn;
	if (!seglen)
		return xst_seq_le(rn, seq) && xst_seq_lt(seq, rn + wnd);
	return (xst_seq_le(rn, seq) && xst_seq_lt(seq, rn + wnd)) ||
	       (xst_seq_le(rn, seq + seglen - 1) && xst_seq_lt(seq + seglen - 1, rn + wnd));
}

/* Hand buffered bytes to the app until it stops consuming. */
static void offer_buffered(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	uint8_t *buf = conn_rbuf(t, c);
	uint32_t n;

	if (!c->app_open || !c->rcv_len)
		return;
	c->in_recv = 1;
	n = t->app.recv(t->arg, c, buf, c->rcv_len, now, out);
	c->in_recv = 0;
	if (c->state == XST_TCP_CLOSED || !c->app_open)
		return;
	n = min32(n, c->rcv_len);
	if (n) {
		memmove(buf, buf + n, c->rcv_len - n);
		c->rcv_len -= n;
	}
}

/* In-order bytes (len <= free buffer): straight to the app when nothing is
 * buffered (the common case: no copy), the rest kept. */
void xst_tcp_deliver(struct xst_tcp *t, struct xst_tcp_conn *c, const uint8_t *data,
		     uint32_t len, uint64_t now, void *out)
{
	uint8_t *buf = conn_rbuf(t, c);
	uint32_t n;

	if (!c->app_open)
		return;
	if (c->rcv_len) {
		memcpy(buf + c->rcv_len, data, len);
		c->rcv_len += len;
		offer_buffered(t, c, now, out);
		return;
	}
	/* the bytes occupy the window while the app looks at them (segments it
	 * sends from recv() advertise it so) */
	c->rcv_len = len;
	c->in_recv = 1;
	n = t->app.recv(t->arg, c, data, len, now, out);
	c->in_recv = 0;
	if (c->state == XST_TCP_CLOSED || !c->app_open)
		return;
	n = min32(n, len);
	memcpy(buf, data + n, len - n);
	c->rcv_len = len - n;
}

void xst_tcp_rx_kick(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	uint32_t before = c->rcv_len;

	if (c->in_recv || c->state == XST_TCP_CLOSED)
		return;
	offer_buffered(t, c, now, out);
	if (c->state == XST_TCP_CLOSED)
		return;
	if (c->rcv_len < before)
		c->ack_pending = 1;	/* window update */
	xst_tcp_output(t, c, now, out);
}

/* Our FIN is acked: the closing states move on. 1 when c is gone. */
static int fin_acked(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	switch (c->state) {
	case XST_TCP_FIN_WAIT_1:
		xst_tcp_set_state(t, c, XST_TCP_FIN_WAIT_2);
		c->deadline_kind = XST_TCP_TIMEOUT_NONE;
		xst_timer_arm(t->timers, &c->life, now + t->cfg.fin_wait2_ns);
		return 0;
	case XST_TCP_CLOSING:
		xst_tcp_enter_time_wait(t, c, now, out);
		return 0;
	case XST_TCP_LAST_ACK:
		xst_tcp_conn_free(t, c, XST_TCP_WHY_DONE, out);
		return 1;
	default:
		return 0;
	}
}

static void new_ack(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t ack_off, uint64_t now,
		    void *out)
{
	uint64_t acked = ack_off - c->snd_una;

	if (c->rtt_on && ack_off >= c->rtt_off) {
		xst_tcp_rtt_sample(c, now - c->rtt_start);
		c->rtt_on = 0;
	}
	c->snd_una = ack_off;
	if (c->snd_nxt < c->snd_una)
		c->snd_nxt = c->snd_una;
	if (c->deadline_kind == XST_TCP_TIMEOUT_SEND)	/* the peer takes data: not stuck */
		xst_timer_arm(t->timers, &c->life, now + t->cfg.idle_timeout_ns);
	c->retries = 0;
	c->backoff = 0;
	if (c->in_recovery) {
		if (ack_off >= c->recover) {	/* full ACK: RFC 6582 3.2 (3) */
			uint64_t w = c->snd_max - c->snd_una + c->mss;

			c->cwnd = w < c->ssthresh ? (uint32_t)w : c->ssthresh;
			c->in_recovery = 0;
			c->dupacks = 0;
		} else {			/* partial ACK: (5) */
			t->stats.partial_acks++;
			xst_tcp_retransmit_una(t, c, out);
			if (c->state == XST_TCP_CLOSED)
				return;
			c->cwnd = c->cwnd > acked ? c->cwnd - (uint32_t)acked : 0;
			c->cwnd += c->mss;
			xst_tcp_rtx_arm(t, c, now);
		}
	} else {
		c->dupacks = 0;
		if (c->cwnd < c->ssthresh)	/* slow start, ABC L = 1 SMSS */
			c->cwnd += acked < c->mss ? (uint32_t)acked : c->mss;
		else {
			uint32_t inc = (uint32_t)((uint64_t)c->mss * c->mss / c->cwnd);

			c->cwnd += inc ? inc : 1;
		}
		/* a window the peer never lets us fill grows without end: cap it
		 * far below 2^32 so that it cannot wrap (to 0: a stall) */
		if (c->cwnd > XST_TCP_CWND_MAX)
			c->cwnd = XST_TCP_CWND_MAX;
	}
	if (c->snd_una >= c->snd_max) {
		if (!c->persist)
			xst_timer_cancel(t->timers, &c->rtx);
	} else if (!c->in_recovery || !xst_timer_armed(&c->rtx)) {
		xst_tcp_rtx_arm(t, c, now);	/* RFC 6298 5.3 */
	}
}

static void dup_ack(struct xst_tcp *t, struct xst_tcp_conn *c, void *out)
{
	t->stats.dup_acks++;
	if (c->dupacks < 255)
		c->dupacks++;
	if (c->in_recovery) {
		if (c->cwnd < XST_TCP_CWND_MAX)
			c->cwnd += c->mss;	/* RFC 6582 3.2 (4): inflate */
	} else if (c->dupacks == 3 && c->snd_una >= c->recover) {
		uint64_t flight = c->snd_max - c->snd_una;

		c->ssthresh = flight / 2 > 2u * c->mss ? (uint32_t)(flight / 2) : 2u * c->mss;
		c->recover = c->snd_max;
		c->in_recovery = 1;
		xst_tcp_retransmit_una(t, c, out);
		c->cwnd = c->ssthresh + 3u * c->mss;
	}
}

/* The ACK field (RFC 9293 3.10.7.4 fifth check, RFC 5961 5). 1: drop the rest (or c gone). */
static int ack_in(struct xst_tcp *t, struct xst_tcp_conn *c, const struct xst_tcp_seg *s,
		  uint64_t now, void *out)
{
	uint32_t una_seq = seq_of(c, c->snd_una), prev_wnd = c->snd_wnd;
	uint32_t max_wnd = c->max_snd_wnd ? c->max_snd_wnd : 1;
	uint64_t ack_off;

	if (xst_seq_lt(seq_of(c, c->snd_max), s->ack) || xst_seq_lt(s->ack, una_seq - max_wnd)) {
		xst_tcp_challenge_ack(t, c, now, out);
		return 1;
	}
	if (xst_seq_lt(s->ack, una_seq))
		return 0;	/* old duplicate: the rest of the segment still counts */
	ack_off = c->snd_una + (uint32_t)(s->ack - una_seq);
	if (xst_seq_lt(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && xst_seq_le(c->snd_wl2, s->ack))) {
		c->snd_wnd = scaled_wnd(c, s->win);
		if (c->snd_wnd > c->max_snd_wnd)
			c->max_snd_wnd = c->snd_wnd;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
	}
	if (ack_off > c->snd_una) {
		new_ack(t, c, ack_off, now, out);
		if (c->state == XST_TCP_CLOSED)
			return 1;
		if (c->closing && c->snd_una == c->snd_end + 1 && fin_acked(t, c, now, out))
			return 1;
		/* every byte pushed is acknowledged: the app may start an idle timer */
		if (c->snd_una >= c->snd_end && c->app_open && t->app.acked) {
			t->app.acked(t->arg, c, now, out);
			if (c->state == XST_TCP_CLOSED)
				return 1;
		}
	} else if (!s->len && !(s->flags & XST_TCP_FIN) && c->snd_una < c->snd_max &&
		   c->snd_wnd == prev_wnd && !c->persist) {
		dup_ack(t, c, out);
		if (c->state == XST_TCP_CLOSED)
			return 1;
	}
	if (c->persist && c->snd_wnd) {	/* the window opened: probing is over */
		xst_timer_cancel(t->timers, &c->rtx);
		c->persist = 0;
	}
	return 0;
}

static void fin_in(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	uint8_t was = c->state;

	c->rcv_nxt++;
	c->ack_pending = 1;
	if (was == XST_TCP_ESTABLISHED)
		xst_tcp_set_state(t, c, XST_TCP_CLOSE_WAIT);
	else if (was == XST_TCP_FIN_WAIT_1)
		xst_tcp_set_state(t, c, XST_TCP_CLOSING);
	if (c->app_open)
		t->app.peer_fin(t->arg, c, now, out);
	if (c->state == XST_TCP_CLOSED)
		return;
	if (was == XST_TCP_FIN_WAIT_2) {
		xst_tcp_send_ack(t, c, out);
		xst_tcp_enter_time_wait(t, c, now, out);
	}
}

static void data_in(struct xst_tcp *t, struct xst_tcp_conn *c, const struct xst_tcp_seg *s,
		    uint64_t now, void *out)
{
	const uint8_t *d = s->data;
	uint32_t len = s->len, seq = s->seq, room;
	int fin = !!(s->flags & XST_TCP_FIN);

	if (c->state != XST_TCP_ESTABLISHED && c->state != XST_TCP_FIN_WAIT_1 &&
	    c->state != XST_TCP_FIN_WAIT_2)
		return;	/* after the peer's FIN: nothing more is data */
	if (!len && !fin)
		return;
	if (xst_seq_lt(seq, c->rcv_nxt)) {	/* overlaps what we have */
		uint32_t skip = c->rcv_nxt - seq;

		t->stats.dup_segments++;
		c->ack_pending = 1;
		if (skip > len)
			return;	/* only an old FIN left */
		d += skip;
		len -= skip;
		seq = c->rcv_nxt;
	}
	if (seq != c->rcv_nxt) {	/* a hole before it: dropped, duplicate ACK */
		t->stats.ooo_segments++;
		c->ack_pending = 1;
		return;
	}
	room = t->cfg.rcv_buf - c->rcv_len;
	if (len > room) {
		len = room;
		fin = 0;
	}
	c->ack_pending = 1;
	if (len) {
		c->rcv_nxt += len;
		xst_tcp_deliver(t, c, d, len, now, out);
		if (c->state == XST_TCP_CLOSED)
			return;
	}
	if (fin)
		fin_in(t, c, now, out);
}

static int conn_input(struct xst_tcp *t, struct xst_tcp_conn *c, const struct xst_tcp_seg *s,
		      uint64_t now, void *out)
{
	uint32_t wnd, seglen = s->len + !!(s->flags & XST_TCP_FIN);

	if (c->state == XST_TCP_SYN_RCVD) {
		if (s->flags & XST_TCP_RST) {
			if (s->seq == c->rcv_nxt) {
				t->stats.resets_rcvd++;
				xst_tcp_conn_free(t, c, ECONNREFUSED, out);
			}
			return 0;
		}
		if (s->flags & XST_TCP_SYN) {	/* the peer's SYN again: SYN-ACK again */
			if (!(s->flags & XST_TCP_ACK))
				xst_tcp_send_synack(t, c, out);
			return 0;
		}
		if (!(s->flags & XST_TCP_ACK))
			return 0;
		if (s->ack != c->iss + 1) {
			xst_tcp_ctl(t, &c->flow, s->ack, 0, XST_TCP_RST, 0, NULL, 0, out);
			return 0;
		}
		if (!acceptable(c, s->seq, seglen, t->cfg.rcv_buf - c->rcv_len)) {
			xst_tcp_send_synack(t, c, out);
			return 0;
		}
		if (!c->retries)
			xst_tcp_rtt_sample(c, now - c->rtt_start);
		c->snd_wl1 = s->seq - 1;
		if (establish(t, c, now, out))
			return 0;
	}

	wnd = t->cfg.rcv_buf - c->rcv_len;
	if (s->flags & XST_TCP_RST) {	/* RFC 5961 3.2 */
		if (s->seq == c->rcv_nxt) {
			t->stats.resets_rcvd++;
			xst_tcp_conn_free(t, c, ECONNRESET, out);
		} else if (xst_seq_lt(c->rcv_nxt, s->seq) &&
			   xst_seq_lt(s->seq, c->rcv_nxt + (wnd ? wnd : 1))) {
			xst_tcp_challenge_ack(t, c, now, out);
		}
		return 0;
	}
	if (s->flags & XST_TCP_SYN) {	/* RFC 5961 4.2: whatever its sequence number */
		xst_tcp_challenge_ack(t, c, now, out);
		return 0;
	}
	if (!acceptable(c, s->seq, seglen, wnd)) {
		if (s->len && xst_seq_le(s->seq + s->len, c->rcv_nxt))
			t->stats.dup_segments++;
		else if (s->len && xst_seq_lt(c->rcv_nxt, s->seq))
			t->stats.ooo_segments++;
		xst_tcp_send_ack(t, c, out);
		return 0;
	}
	if (!(s->flags & XST_TCP_ACK))
		return 0;
	if (ack_in(t, c, s, now, out) || c->state == XST_TCP_CLOSED)
		return 0;
	data_in(t, c, s, now, out);
	if (c->state == XST_TCP_CLOSED)
		return 0;
	xst_tcp_output(t, c, now, out);
	return 0;
}

int xst_tcp_input(struct xst_tcp *t, const uint8_t *frame, const struct xst_pkt *p, uint64_t now,
		  void *out)
{
	struct xst_tcp_conn *c;
	struct xst_tcp_seg s;
	struct xst_tcp_key k;
	uint32_t h;

	t->stats.segs_in++;
	if (p->l4_proto != XST_IPPROTO_TCP || xst_tcp_parse(frame, p, &s) != XST_NET_OK) {
		t->stats.malformed++;
		return -EBADMSG;
	}
	xst_tcp_key_of(&k, frame, p);
	h = (uint32_t)xst_tcp_siphash(t->key, &k, sizeof(k));
	c = xst_tcp_lookup(t, &k, h);
	/* a new SYN above an old connection's sequence space ends its TIME_WAIT (RFC 6191) */
	if (c && c->state == XST_TCP_TIME_WAIT &&
	    (s.flags & (XST_TCP_SYN | XST_TCP_ACK | XST_TCP_RST)) == XST_TCP_SYN &&
	    xst_seq_lt(c->rcv_nxt, s.seq)) {
		t->stats.time_wait_evicted++;
		xst_tcp_conn_free(t, c, XST_TCP_WHY_DONE, out);
		c = NULL;
	}
	if (c)
		return conn_input(t, c, &s, now, out);

	if ((s.flags & (XST_TCP_SYN | XST_TCP_ACK | XST_TCP_RST)) == XST_TCP_SYN) {
		if (!(s.flags & XST_TCP_FIN))	/* SYN+FIN: dropped */
			syn_in(t, frame, p, &s, &k, h, now, out);
		return 0;
	}
	if ((s.flags & (XST_TCP_SYN | XST_TCP_ACK)) == XST_TCP_ACK &&
	    t->cfg.syn_cookies != XST_TCP_COOKIES_NEVER &&
	    !cookie_ack(t, frame, p, &s, &k, h, now, out))
		return 0;
	t->stats.no_conn++;
	reset_no_conn(t, frame, p, &s, out);
	return 0;
}
