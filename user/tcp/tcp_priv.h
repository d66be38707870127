/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of user/tcp shared by its files (not for the application). */
#ifndef XST_TCP_TCP_PRIV_H
#define XST_TCP_TCP_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "tcp/tcp.h"

#define XST_TCP_MSS_DEFAULT	536	/* RFC 9293 3.7.1: no MSS option */
#define XST_TCP_MSS_FLOOR	64	/* a smaller peer MSS is raised to this */

/* Lookup key: the 4-tuple as on the wire (peer's address and port first). */
struct xst_tcp_key {
	uint8_t daddr[16];	/* the peer's (IPv4: first 4 bytes, rest 0) */
	uint8_t saddr[16];	/* ours */
	uint16_t dport;		/* the peer's, network order */
	uint16_t sport;		/* ours, network order */
	uint32_t v6;
};

struct xst_tcp {
	struct xst_tcp_cfg cfg;
	struct xst_tcp_app app;
	void *arg;
	struct xst_timer_wheel *timers;
	struct xst_tcp_conn *conns;	/* max_conns */
	uint8_t *rbuf;			/* max_conns * rcv_buf */
	uint32_t *bucket;		/* index + 1, 0: empty */
	uint32_t bucket_mask;
	uint32_t free_head;		/* index + 1 */
	uint32_t tw_head, tw_tail;	/* TIME_WAIT, oldest first (index + 1) */
	uint8_t rcv_wscale;		/* ours when the peer offers scaling */
	uint64_t key[2];		/* SipHash key: hashes, ISS, cookies */
	uint64_t last_cookie_ns;	/* a cookie was sent at this time (+1: never 0) */
	uint64_t chal_sec;		/* challenge-ACK rate limit: current second */
	uint32_t chal_count;
	struct xst_tcp_stats stats;
};

static inline uint32_t conn_idx(const struct xst_tcp *t, const struct xst_tcp_conn *c)
{
	return (uint32_t)(c - t->conns);
}

static inline uint8_t *conn_rbuf(const struct xst_tcp *t, const struct xst_tcp_conn *c)
{
	return t->rbuf + (size_t)conn_idx(t, c) * t->cfg.rcv_buf;
}

/* Sequence number of stream offset off (offset 0 follows our SYN). */
static inline uint32_t seq_of(const struct xst_tcp_conn *c, uint64_t off)
{
	return c->iss + 1 + (uint32_t)off;
}

static inline int synchronized(const struct xst_tcp_conn *c)
{
	return c->state >= XST_TCP_ESTABLISHED;
}

/* hash.c */
uint64_t xst_tcp_siphash(const uint64_t key[2], const void *data, size_t len);
void xst_tcp_key_of(struct xst_tcp_key *k, const uint8_t *frame, const struct xst_pkt *p);
uint32_t xst_tcp_iss(const struct xst_tcp *t, const struct xst_tcp_key *k, uint64_t now);

/* cookie.c */
uint32_t xst_tcp_cookie_make(const struct xst_tcp *t, const struct xst_tcp_key *k,
			     uint32_t peer_isn, uint16_t mss, uint8_t wscale, uint64_t now);
int xst_tcp_cookie_check(const struct xst_tcp *t, const struct xst_tcp_key *k, uint32_t peer_isn,
			 uint32_t cookie, uint64_t now, uint16_t *mss, uint8_t *wscale);

/* table.c */
struct xst_tcp_conn *xst_tcp_lookup(struct xst_tcp *t, const struct xst_tcp_key *k, uint32_t h);
struct xst_tcp_conn *xst_tcp_conn_new(struct xst_tcp *t, uint32_t h, void *out);
void xst_tcp_conn_free(struct xst_tcp *t, struct xst_tcp_conn *c, int why, void *out);
void xst_tcp_enter_time_wait(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out);
void xst_tcp_set_state(struct xst_tcp *t, struct xst_tcp_conn *c, uint8_t state);

/* output.c */
int xst_tcp_ctl(struct xst_tcp *t, const struct xst_tcp_flow *fl, uint32_t seq, uint32_t ack,
		uint8_t flags, uint16_t win, const uint8_t *opts, uint32_t optlen, void *out);
uint16_t xst_tcp_win(const struct xst_tcp *t, const struct xst_tcp_conn *c);
void xst_tcp_send_ack(struct xst_tcp *t, struct xst_tcp_conn *c, void *out);
void xst_tcp_send_synack(struct xst_tcp *t, struct xst_tcp_conn *c, void *out);
void xst_tcp_send_rst(struct xst_tcp *t, struct xst_tcp_conn *c, void *out);
void xst_tcp_challenge_ack(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out);
void xst_tcp_output(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out);
void xst_tcp_retransmit_una(struct xst_tcp *t, struct xst_tcp_conn *c, void *out);
void xst_tcp_rtt_sample(struct xst_tcp_conn *c, uint64_t rtt);
void xst_tcp_rtx_arm(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now);
void xst_tcp_rtx_fire(struct xst_timer *tm, uint64_t now, void *out);
void xst_tcp_life_fire(struct xst_timer *tm, uint64_t now, void *out);
void xst_tcp_deliver(struct xst_tcp *t, struct xst_tcp_conn *c, const uint8_t *data,
		     uint32_t len, uint64_t now, void *out);

/* mss_max is the IPv4 one (MTU - 40): IPv6's header is 20 bytes longer. */
static inline uint16_t xst_tcp_mss_max(const struct xst_tcp *t, int v6)
{
	uint16_t m = t->cfg.mss_max;

	return (uint16_t)(v6 && m >= XST_TCP_MSS_FLOOR + 20 ? m - 20 : m);
}

#endif /* XST_TCP_TCP_PRIV_H */
