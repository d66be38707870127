/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xdpstorm's own server-side TCP: a protocol library driven one received
 * segment at a time and run to completion, one instance per worker (no
 * shared state, no lock, no allocation after xst_tcp_create()).
 *
 * The application (HTTP) gets in-order request bytes and answers by
 * appending bytes to the connection's send stream, which it produces itself
 * from prepared segments. TCP keeps no payload to retransmit: it keeps the
 * sequence state and asks the application to (re)send the stream range at a
 * given offset (xst_tcp_app.xmit). Control segments (SYN-ACK, bare ACK, FIN
 * without data, RST, challenge ACKs) are built by TCP (xst_tcp_build) into
 * frames the application lends (ctl_frame/ctl_send/ctl_drop).
 *
 * Choices (RFC refs in the .c files):
 *   - SYN-ACK announces MSS (mss_max) and window scale (only when the peer
 *     offered it); SACK and timestamps are declined (not echoed).
 *   - ISS: SipHash-2-4 of the 4-tuple under a per-instance secret plus a
 *     4 us clock (RFC 6528). SYN cookies: see cookie.c.
 *   - Out-of-order data is dropped and answered by an immediate duplicate
 *     ACK (no out-of-order buffering); duplicate data is ACKed, never
 *     delivered twice. Every data segment is ACKed at once unless the ACK
 *     rides on a response segment (no delayed ACK).
 *   - NewReno (RFC 5681, 6582), IW10 (RFC 6928), RTO per RFC 6298 with
 *     Karn's rule (one timed segment at a time, no timestamps), persist
 *     timer with 1-byte probes.
 *
 * Memory: xst_tcp_create() allocates max_conns * (sizeof(struct
 * xst_tcp_conn) + rcv_buf) bytes plus a hash table of 4 bytes per bucket
 * (buckets: max_conns rounded up to a power of two). sizeof(struct
 * xst_tcp_conn) is 312 bytes on x86-64 (asserted in table.c), so with the
 * daemon's rcv_buf of 9216 a connection costs about 9.5 KB (the receive
 * buffers are calloc'ed: pages never touched are not resident).
 */
#ifndef XST_TCP_TCP_H
#define XST_TCP_TCP_H

#include <stdint.h>

#include "core/timer.h"
#include "net/net.h"
#include "net/tcp.h"

#define XST_TCP_COOKIES_AUTO	0	/* when half_open >= half_open_max */
#define XST_TCP_COOKIES_ALWAYS	1
#define XST_TCP_COOKIES_NEVER	2

#define XST_TCP_RTO_INIT_NS	1000000000ull	/* RFC 6298 2.1 */
#define XST_TCP_RTO_MIN_NS	200000000ull	/* below RFC 6298's 1 s, as Linux */
#define XST_TCP_RTO_MAX_NS	60000000000ull
#define XST_TCP_CWND_MAX	(1u << 30)	/* bytes: congestion window cap (no wrap) */
#define XST_TCP_COOKIE_PERIOD_NS (64ull * 1000000000ull) /* one cookie time counter step */

enum xst_tcp_state {
	XST_TCP_CLOSED = 0,	/* free slot */
	XST_TCP_SYN_RCVD,
	XST_TCP_ESTABLISHED,
	XST_TCP_CLOSE_WAIT,	/* peer's FIN received, we have not closed */
	XST_TCP_LAST_ACK,	/* closed after the peer's FIN: our FIN pending or unacked */
	XST_TCP_FIN_WAIT_1,	/* closed first: our FIN pending or unacked */
	XST_TCP_FIN_WAIT_2,	/* our FIN acked, waiting for the peer's */
	XST_TCP_CLOSING,	/* both FINs, ours unacked */
	XST_TCP_TIME_WAIT,
	XST_TCP_STATE_MAX
};

/* Why a connection went (closed()'s why: 0 or a positive errno value). */
#define XST_TCP_WHY_DONE	0		/* orderly close (TIME_WAIT or LAST_ACK done) */

struct xst_tcp_cfg {
	uint32_t max_conns;		/* connection table size (--max-conns) */
	uint32_t half_open_max;		/* SYN_RCVD entries before SYN cookies are used */
	int syn_cookies;		/* XST_TCP_COOKIES_* */
	uint16_t mss_max;		/* largest MSS we send/announce over IPv4 (MTU - 40),
					 * >= 536; IPv6 gets 20 bytes less */
	uint32_t rcv_buf;		/* request bytes buffered per connection (e.g. 8192) */
	uint64_t header_timeout_ns;	/* from accept until the app moves the deadline */
	uint64_t idle_timeout_ns;	/* keep-alive (xst_tcp_set_timeout IDLE) */
	uint64_t fin_wait2_ns;		/* FIN_WAIT_2 limit; 0: idle_timeout_ns */
	uint64_t time_wait_ns;		/* TIME_WAIT duration */
	uint32_t time_wait_max;		/* TIME_WAIT entries; over it the oldest is dropped */
	uint32_t max_retrans;		/* RTOs in a row before RST; 0: 8 */
	uint32_t syn_retrans;		/* SYN-ACK retransmissions; 0: 3 */
	uint32_t challenge_acks_per_sec; /* RFC 5961 rate limit; 0: 1000 */
	uint64_t key[2];		/* SipHash key (ISS, cookies, table hash); 0, 0: random.
					 * Tests set one: two instances fed the same segments at
					 * the same times then send the same bytes. */
};

struct xst_tcp;

/*
 * One connection. The app may read the fields marked "app:"; everything else
 * is TCP's. Stream offsets are 64-bit: offset 0 is the first byte after our
 * SYN; our FIN, once sent, occupies offset snd_end.
 */
struct xst_tcp_conn {
	struct xst_tcp_flow flow;	/* app: where segments go */
	void *app;			/* app: its per-connection state (set in open()) */
	uint64_t snd_una;		/* app: first unacknowledged offset */
	uint64_t snd_nxt;		/* app: next offset to send */
	uint64_t snd_max;		/* highest offset sent + 1 (FIN counted) */
	uint64_t snd_end;		/* app: bytes the app pushed (stream length) */
	uint16_t mss;			/* app: payload bytes per segment we send */
	uint8_t state;			/* enum xst_tcp_state */
	uint8_t closing;		/* app called stream_close: FIN after snd_end */
	uint8_t snd_wscale;		/* shift of the peer's window */
	uint8_t rcv_wscale;		/* shift of ours (0 when the peer offered none) */
	uint8_t app_open;		/* open() succeeded, closed() not yet called */
	uint8_t persist;		/* rtx timer is the persist timer */
	uint8_t in_recovery;		/* NewReno fast recovery */
	uint8_t dupacks;
	uint8_t retries;		/* RTOs (or SYN-ACKs) in a row */
	uint8_t backoff;		/* RTO exponent */
	uint8_t rtt_on;			/* a segment is being timed */
	uint8_t ack_pending;		/* an ACK is owed (data or FIN received) */
	uint8_t deadline_kind;		/* XST_TCP_TIMEOUT_* of the life timer */
	uint8_t from_cookie;
	uint8_t in_recv;		/* inside app recv(): rx_kick is a no-op */
	uint32_t iss, irs;
	uint32_t rcv_nxt;
	uint32_t rcv_len;		/* bytes buffered, not yet consumed by the app */
	uint32_t snd_wnd;		/* the peer's window, scaled, in bytes */
	uint32_t max_snd_wnd;		/* largest seen (RFC 5961 ACK check) */
	uint32_t snd_wl1, snd_wl2;	/* seq and ack of the last window update */
	uint32_t cwnd, ssthresh;	/* bytes */
	uint64_t recover;		/* NewReno: snd_max when recovery began */
	uint64_t rtt_off;		/* timed segment: sample when acked past this offset */
	uint64_t rtt_start;		/* ns */
	uint64_t srtt, rttvar, rto;	/* ns; srtt 0: no sample yet */
	uint64_t persist_ns;		/* current persist interval */
	struct xst_timer rtx;		/* retransmission (or persist) */
	struct xst_timer life;		/* header/idle deadline, FIN_WAIT_2, TIME_WAIT */
	struct xst_tcp *owner;		/* for the timer callbacks */
	uint32_t next;			/* hash chain or free list (index + 1; 0: end) */
	uint32_t tw_prev, tw_next;	/* TIME_WAIT list, oldest first (index + 1) */
	uint32_t hash;
};

/* Life-timer kinds (xst_tcp_set_timeout), counted on expiry. */
enum xst_tcp_timeout {
	XST_TCP_TIMEOUT_NONE = 0,	/* disarm */
	XST_TCP_TIMEOUT_HEADER,		/* now + header_timeout_ns: waiting for a request */
	XST_TCP_TIMEOUT_IDLE,		/* now + idle_timeout_ns: keep-alive between requests */
	XST_TCP_TIMEOUT_SEND,		/* now + idle_timeout_ns, moved on by every ACK of new
					 * data: a peer that stops taking what we send (a zero
					 * window held for ever, a reader gone) is reset */
};

/*
 * What the application gives TCP. `out` is the opaque per-call output
 * context the caller passed to xst_tcp_input() or as the timer wheel's ctx
 * (the data path's TX context); it is NULL from xst_tcp_destroy().
 * Callbacks may call xst_tcp_stream_push/close/abort on the same connection.
 */
struct xst_tcp_app {
	/* 3WHS complete (or cookie ACK accepted): set c->app. 0 or -errno (-> RST) */
	int (*open)(void *app, struct xst_tcp_conn *c, uint64_t now, void *out);
	/* in-order bytes [data, data+len) at the head of the receive buffer; returns
	 * how many the app consumed (the rest stays and is offered again with more) */
	uint32_t (*recv)(void *app, struct xst_tcp_conn *c, const uint8_t *data, uint32_t len,
			 uint64_t now, void *out);
	/* the peer sent FIN (after all its data was offered) */
	void (*peer_fin)(void *app, struct xst_tcp_conn *c, uint64_t now, void *out);
	/* optional: an ACK covered every byte pushed so far (the stream is idle:
	 * a keep-alive timeout may start); may call xst_tcp_set_timeout() */
	void (*acked)(void *app, struct xst_tcp_conn *c, uint64_t now, void *out);
	/*
	 * Send ONE segment of stream bytes starting at offset off, at most max
	 * bytes, with these header fields (xst_tcp_patch). Returns bytes sent
	 * (0: no frame, TCP retries later), never more than max. flags may hold
	 * FIN: it belongs on the segment only if all max bytes are sent (the app
	 * clears it when it sends fewer).
	 */
	uint32_t (*xmit)(void *app, struct xst_tcp_conn *c, uint64_t off, uint32_t max,
			 uint32_t seq, uint32_t ack, uint16_t win, uint8_t flags, void *out);
	/* lend a frame for a control segment: 0 with data, cap and token set, or -ENOBUFS;
	 * then TCP calls exactly one of ctl_send (len bytes built) or ctl_drop */
	int (*ctl_frame)(void *app, void *out, uint8_t **data, uint32_t *cap, void **token);
	void (*ctl_send)(void *app, void *out, void *token, uint32_t len);
	void (*ctl_drop)(void *app, void *out, void *token);
	/* the connection's app state is done (closed, reset, timed out, evicted, or
	 * TIME_WAIT entered): free c->app; c must not be used after this */
	void (*closed)(void *app, struct xst_tcp_conn *c, int why, void *out);
};

struct xst_tcp_stats {
	uint64_t segs_in;
	uint64_t malformed;		/* xst_tcp_parse failed */
	uint64_t syn;			/* SYNs for new connections */
	uint64_t syn_cookies_sent;
	uint64_t cookies_ok;
	uint64_t cookies_bad;		/* bad MAC or stale counter while cookies are in use */
	uint64_t established;
	uint64_t closed;		/* connections gone, any reason */
	uint64_t resets_sent;
	uint64_t resets_rcvd;		/* accepted RSTs */
	uint64_t challenge_acks;
	uint64_t challenge_limited;	/* challenge ACKs not sent: rate limit */
	uint64_t retransmits_rto;
	uint64_t retransmits_fast;
	uint64_t retransmits_syn;
	uint64_t dup_acks;
	uint64_t partial_acks;
	uint64_t ooo_segments;		/* dropped with a duplicate ACK */
	uint64_t dup_segments;		/* entirely old data */
	uint64_t zero_window_probes;
	uint64_t time_wait;		/* entries into TIME_WAIT */
	uint64_t time_wait_evicted;	/* dropped over time_wait_max or for a new conn */
	uint64_t table_full;
	uint64_t timeouts_header;
	uint64_t timeouts_idle;
	uint64_t timeouts_send;		/* no new data acknowledged for idle_timeout_ns */
	uint64_t timeouts_rto;		/* gave up after max_retrans */
	uint64_t timeouts_fin_wait2;
	uint64_t timeouts_syn;		/* SYN_RCVD given up */
	uint64_t no_conn;		/* segments for no connection (RST sent unless RST) */
	uint64_t ctl_nobufs;		/* control segment not sent: no frame */
	uint64_t xmit_stalls;		/* xmit returned 0 */
	uint64_t open_failed;
	/* gauges */
	uint64_t conns;			/* slots in use (TIME_WAIT included) */
	uint64_t half_open;
	uint64_t time_wait_now;
};

/*
 * Create an instance for one worker; timers go on `timers`, which the worker
 * runs with ctx = the `out` it passes to xst_tcp_input(). 0 or -EINVAL (bad
 * cfg), -ENOMEM. *out written on success only.
 */
int xst_tcp_create(struct xst_tcp **out, const struct xst_tcp_cfg *cfg,
		   const struct xst_tcp_app *app, void *app_arg, struct xst_timer_wheel *timers,
		   uint64_t now);

/* Close every connection (closed() called with out NULL, nothing sent), free t. NULL: no-op. */
void xst_tcp_destroy(struct xst_tcp *t);

/*
 * One received frame parsed by xst_net_parse() with l4_proto TCP, addressed
 * to us. Handles everything; may emit through the app. Returns 0 (consumed)
 * or -EBADMSG for a malformed segment (counted; the caller drops the frame).
 */
int xst_tcp_input(struct xst_tcp *t, const uint8_t *frame, const struct xst_pkt *p, uint64_t now,
		  void *out);

/* The app appended n bytes to c's send stream; TCP sends what the windows allow. */
void xst_tcp_stream_push(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t n, uint64_t now,
			 void *out);

/* Nothing more after the current end: FIN after the last byte. */
void xst_tcp_stream_close(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out);

/* Reset c (RST sent, closed() called with ECONNABORTED). */
void xst_tcp_abort(struct xst_tcp *t, struct xst_tcp_conn *c, void *out);

/* Offer the buffered request bytes again (the app declined them earlier and
 * is now ready); sends a window update if it consumed any. */
void xst_tcp_rx_kick(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out);

/* Arm c's deadline (header or idle timeout from now, or none); expiry -> RST. */
void xst_tcp_set_timeout(struct xst_tcp *t, struct xst_tcp_conn *c, enum xst_tcp_timeout kind,
			 uint64_t now);

const struct xst_tcp_stats *xst_tcp_stats(const struct xst_tcp *t);

/* The send window in bytes now: min(cwnd, peer's window) (for tests and stats). */
static inline uint32_t xst_tcp_wnd(const struct xst_tcp_conn *c)
{
	return c->cwnd < c->snd_wnd ? c->cwnd : c->snd_wnd;
}

#endif /* XST_TCP_TCP_H */
