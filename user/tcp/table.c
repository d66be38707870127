// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table: max_conns preallocated slots, a chained hash of the
 * 4-tuple (keyed SipHash, chains by slot index), a free list, and the
 * TIME_WAIT list (oldest first: every entry has the same lifetime, so the
 * list is in expiry order and the head is the one to drop over the bound).
 *
 * A freed slot stays readable (state CLOSED) until the next SYN reuses it:
 * code that called an app callback checks the state afterwards, since the
 * callback may have aborted the connection. Only input of a new SYN or a
 * cookie ACK allocates, never from inside a callback.
 */
#include "tcp/tcp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "tcp/tcp_priv.h"

#if defined(__x86_64__)
_Static_assert(sizeof(struct xst_tcp_conn) <= 312, "update the memory figure in tcp.h");
#endif

static int key_eq(const struct xst_tcp_conn *c, const struct xst_tcp_key *k)
{
	uint32_t alen = k->v6 ? 16 : 4;

	return c->flow.v6 == k->v6 && c->flow.sport == k->sport && c->flow.dport == k->dport &&
	       !memcmp(c->flow.daddr, k->daddr, alen) && !memcmp(c->flow.saddr, k->saddr, alen);
}

struct xst_tcp_conn *xst_tcp_lookup(struct xst_tcp *t, const struct xst_tcp_key *k, uint32_t h)
{
	uint32_t i = t->bucket[h & t->bucket_mask];

	while (i) {
		struct xst_tcp_conn *c = &t->conns[i - 1];

		if (c->hash == h && key_eq(c, k))
			return c;
		i = c->next;
	}
	return NULL;
}

static void unhash(struct xst_tcp *t, struct xst_tcp_conn *c)
{
	uint32_t *pp = &t->bucket[c->hash & t->bucket_mask], me = conn_idx(t, c) + 1;

	while (*pp && *pp != me)
		pp = &t->conns[*pp - 1].next;
	if (*pp)
		*pp = c->next;
	c->next = 0;
}

static void tw_unlink(struct xst_tcp *t, struct xst_tcp_conn *c)
{
	if (c->tw_prev)
		t->conns[c->tw_prev - 1].tw_next = c->tw_next;
	else
		t->tw_head = c->tw_next;
	if (c->tw_next)
		t->conns[c->tw_next - 1].tw_prev = c->tw_prev;
	else
		t->tw_tail = c->tw_prev;
	c->tw_prev = c->tw_next = 0;
}

/* Keeps the gauges in step with every state change. */
void xst_tcp_set_state(struct xst_tcp *t, struct xst_tcp_conn *c, uint8_t state)
{
	if (c->state == XST_TCP_SYN_RCVD)
		t->stats.half_open--;
	if (c->state == XST_TCP_TIME_WAIT) {
		t->stats.time_wait_now--;
		tw_unlink(t, c);
	}
	c->state = state;
	if (state == XST_TCP_SYN_RCVD)
		t->stats.half_open++;
	if (state == XST_TCP_TIME_WAIT) {
		uint32_t me = conn_idx(t, c) + 1;

		t->stats.time_wait_now++;
		t->stats.time_wait++;
		c->tw_prev = t->tw_tail;
		c->tw_next = 0;
		if (t->tw_tail)
			t->conns[t->tw_tail - 1].tw_next = me;
		else
			t->tw_head = me;
		t->tw_tail = me;
	}
}

/* A free slot hashed in under h, zeroed, state CLOSED: the caller sets the
 * flow (the key) and the state at once;
 * the oldest TIME_WAIT entry is dropped when none is free. NULL: full. */
struct xst_tcp_conn *xst_tcp_conn_new(struct xst_tcp *t, uint32_t h, void *out)
{
	struct xst_tcp_conn *c;
	uint32_t *b;

	if (!t->free_head && t->tw_head) {
		t->stats.time_wait_evicted++;
		xst_tcp_conn_free(t, &t->conns[t->tw_head - 1], XST_TCP_WHY_DONE, out);
	}
	if (!t->free_head)
		return NULL;
	c = &t->conns[t->free_head - 1];
	t->free_head = c->next;
	memset(c, 0, sizeof(*c));
	xst_timer_init(&c->rtx, xst_tcp_rtx_fire);
	xst_timer_init(&c->life, xst_tcp_life_fire);
	c->hash = h;
	c->owner = t;
	b = &t->bucket[h & t->bucket_mask];
	c->next = *b;
	*b = conn_idx(t, c) + 1;
	t->stats.conns++;
	return c;
}

/* c goes: timers off, closed() if the app has it, out of the hash, onto the free list. */
void xst_tcp_conn_free(struct xst_tcp *t, struct xst_tcp_conn *c, int why, void *out)
{
	if (c->state == XST_TCP_CLOSED)
		return;
	xst_timer_cancel(t->timers, &c->rtx);
	xst_timer_cancel(t->timers, &c->life);
	xst_tcp_set_state(t, c, XST_TCP_CLOSED);
	if (c->app_open) {
		c->app_open = 0;
		t->app.closed(t->arg, c, why, out);
		c->app = NULL;
	}
	unhash(t, c);
	c->next = t->free_head;
	t->free_head = conn_idx(t, c) + 1;
	t->stats.conns--;
	t->stats.closed++;
}

/* The app is done with c (closed() now); the slot stays to absorb the
 * peer's retransmitted FIN for time_wait_ns, at most time_wait_max of them. */
void xst_tcp_enter_time_wait(struct xst_tcp *t, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	xst_timer_cancel(t->timers, &c->rtx);
	xst_tcp_set_state(t, c, XST_TCP_TIME_WAIT);
	if (c->app_open) {
		c->app_open = 0;
		t->app.closed(t->arg, c, XST_TCP_WHY_DONE, out);
		c->app = NULL;
	}
	c->deadline_kind = XST_TCP_TIMEOUT_NONE;
	xst_timer_arm(t->timers, &c->life, now + t->cfg.time_wait_ns);
	while (t->stats.time_wait_now > t->cfg.time_wait_max && t->tw_head) {
		t->stats.time_wait_evicted++;
		xst_tcp_conn_free(t, &t->conns[t->tw_head - 1], XST_TCP_WHY_DONE, out);
	}
}

void xst_tcp_set_timeout(struct xst_tcp *t, struct xst_tcp_conn *c, enum xst_tcp_timeout kind,
			 uint64_t now)
{
	if (c->state == XST_TCP_CLOSED || c->state == XST_TCP_TIME_WAIT ||
	    c->state == XST_TCP_FIN_WAIT_2)
		return;	/* those states' own limits hold */
	c->deadline_kind = (uint8_t)kind;
	if (kind == XST_TCP_TIMEOUT_HEADER)
		xst_timer_arm(t->timers, &c->life, now + t->cfg.header_timeout_ns);
	else if (kind == XST_TCP_TIMEOUT_IDLE || kind == XST_TCP_TIMEOUT_SEND)
		xst_timer_arm(t->timers, &c->life, now + t->cfg.idle_timeout_ns);
	else
		xst_timer_cancel(t->timers, &c->life);
}

const struct xst_tcp_stats *xst_tcp_stats(const struct xst_tcp *t)
{
	return &t->stats;
}

int xst_tcp_create(struct xst_tcp **out, const struct xst_tcp_cfg *cfg,
		   const struct xst_tcp_app *app, void *app_arg, struct xst_timer_wheel *timers,
		   uint64_t now)
{
	struct xst_tcp *t;
	uint32_t nb = 1, i;
	int err;

	(void)now;
	if (!cfg->max_conns || cfg->max_conns > (1u << 24) || cfg->mss_max < XST_TCP_MSS_DEFAULT ||
	    !cfg->rcv_buf || cfg->rcv_buf > (1u << 24) || !app->open || !app->recv ||
	    !app->peer_fin || !app->xmit || !app->ctl_frame || !app->ctl_send || !app->ctl_drop ||
	    !app->closed || !timers || cfg->syn_cookies < XST_TCP_COOKIES_AUTO ||
	    cfg->syn_cookies > XST_TCP_COOKIES_NEVER)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cfg = *cfg;
	if (!t->cfg.fin_wait2_ns)
		t->cfg.fin_wait2_ns = t->cfg.idle_timeout_ns;
	if (!t->cfg.max_retrans)
		t->cfg.max_retrans = 8;
	if (t->cfg.max_retrans > 30)
		t->cfg.max_retrans = 30;	/* c->backoff and c->retries are 8-bit */
	if (!t->cfg.syn_retrans)
		t->cfg.syn_retrans = 3;
	if (t->cfg.syn_retrans > 30)
		t->cfg.syn_retrans = 30;
	if (!t->cfg.challenge_acks_per_sec)
		t->cfg.challenge_acks_per_sec = 1000;
	t->app = *app;
	t->arg = app_arg;
	t->timers = timers;
	while (t->rcv_wscale < XST_TCP_WS_MAX && (cfg->rcv_buf >> t->rcv_wscale) > 65535)
		t->rcv_wscale++;
	while (nb < cfg->max_conns)
		nb <<= 1;
	t->bucket_mask = nb - 1;
	err = -ENOMEM;
	t->bucket = calloc(nb, sizeof(*t->bucket));
	if (!t->bucket)
		goto err_free;
	t->conns = calloc(cfg->max_conns, sizeof(*t->conns));
	if (!t->conns)
		goto err_bucket;
	t->rbuf = calloc(cfg->max_conns, cfg->rcv_buf);
	if (!t->rbuf)
		goto err_conns;
	for (i = cfg->max_conns; i > 0; i--) {
		t->conns[i - 1].next = t->free_head;
		t->free_head = i;
	}
	if (cfg->key[0] | cfg->key[1]) {
		t->key[0] = cfg->key[0];
		t->key[1] = cfg->key[1];
	} else if (getrandom(t->key, sizeof(t->key), 0) != sizeof(t->key)) {
		err = -EIO;
		goto err_rbuf;
	}
	*out = t;
	return 0;

err_rbuf:
	free(t->rbuf);
err_conns:
	free(t->conns);
err_bucket:
	free(t->bucket);
err_free:
	free(t);
	return err;
}

void xst_tcp_destroy(struct xst_tcp *t)
{
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < t->cfg.max_conns; i++)
		xst_tcp_conn_free(t, &t->conns[i], ECONNABORTED, NULL);
	free(t->rbuf);
	free(t->conns);
	free(t->bucket);
	free(t);
}
