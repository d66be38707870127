// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP over our own TCP on the generic worker (svc/http_serve.h): TCP input
 * -> request parse -> a prepared response queued on the connection's send
 * stream -> TCP asks for segments (xmit) -> prepared frame copied, patched.
 */
#include "svc/http_serve.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "http/date.h"
#include "http/url.h"
#include "net/tcp.h"
#include "svc/tx.h"
#include "xdpstorm/steer_abi.h"

#define PATH_MAX_BYTES	4096	/* a normalised path longer than this is 414 */

/* Copy pool defaults (precopy). A copy is busy only from its send until the
 * completion (no retransmit buffers: a retransmission is another send), so
 * a batch's worth of copies per segment serves the connections sending it
 * at once. Slots: twice the frames the pool may hold, at least POOL_SLOTS. */
#define POOL_SLOTS	4096
#define POOL_SLOTS_MAX	(1u << 20)
#define POOL_COPIES	XST_BATCH
#define POOL_IDLE_NS	(10 * XST_NS_PER_SEC)	/* an entry unused this long goes */
#define SWEEP_NS	XST_NS_PER_SEC
#define RANGE_HDR_MAX	512

static const char conn_keep[XST_HTTP_CONN_LEN] = "keep-alive";
static const char conn_close[XST_HTTP_CONN_LEN] = "close     ";

/* One queued response: stream bytes [start, start + len) of the connection. */
struct resp {
	const struct xst_http_prep_resp *rp;	/* prepared; NULL: the connection's range response */
	uint64_t start;
	uint64_t len;
	uint8_t close;		/* send the Connection: close variant */
};

/* Per-connection state, preallocated (one per TCP connection slot). */
struct hconn {
	struct xst_http_prepared *prep;	/* the site generation this connection holds */
	struct xst_tcp_conn *c;		/* NULL while free */
	uint32_t next_free;		/* free list: index + 1 */
	uint8_t head, n;		/* the response queue */
	uint8_t closing;		/* no more requests: FIN after the queue */
	uint8_t kick;			/* on the kick list */
	uint8_t peer_fin;		/* the peer sent FIN: close once its requests are answered */
	uint8_t range_busy;		/* rst holds a queued range response */
	struct resp q[XST_HTTP_PIPELINE];
	struct xst_http_stream rst;	/* the range response: rhdr + a slice of the object */
	uint32_t rdate_off;
	char rhdr[RANGE_HDR_MAX];
};

struct xst_http_serve {
	struct xst_http_serve_cfg cfg;
	struct xst_tcp *tcp;
	struct xst_http_prepared *cur;	/* this iteration's generation (RCU) */
	uint64_t now;			/* this iteration's clock */
	struct xst_copypool *pool;	/* precopy only */
	uint64_t pool_serial;		/* generation current when the pool was last flushed */
	struct xst_timer_wheel *timers;
	struct xst_timer sweep;
	struct xst_http_date_patch date;
	uint64_t next_date;		/* worker clock: when the Date changes */
	struct hconn *conns;
	uint32_t nr_conns;
	uint32_t free_head;		/* index + 1 */
	uint32_t *kick;			/* connections to offer their buffered bytes again */
	uint32_t nr_kick;
	struct xst_http_serve_stats st;
};

/* ---- counters ------------------------------------------------------------------- */

#define C(name, field) { name, offsetof(struct xst_http_serve_stats, field) }
static const struct xst_svc_counter counters[] = {
	C("requests", requests),
	C("status_200", status_200),
	C("status_206", status_206),
	C("status_301", status_301),
	C("status_304", status_304),
	C("status_4xx", status_4xx),
	C("status_5xx", status_5xx),
	C("bad_requests", bad_requests),
	C("segs_prepared", segs_prepared),
	C("segs_built", segs_built),
	C("precopy_hits", precopy_hits),
	C("precopy_misses", precopy_misses),
	C("payload_bytes", payload_bytes),
	C("xmit_nobufs", xmit_nobufs),
	C("no_conn_state", no_conn_state),
	C("tcp_malformed", tcp.malformed),
	C("tcp_syn", tcp.syn),
	C("tcp_syn_cookies_sent", tcp.syn_cookies_sent),
	C("tcp_cookies_ok", tcp.cookies_ok),
	C("tcp_cookies_bad", tcp.cookies_bad),
	C("tcp_established", tcp.established),
	C("tcp_closed", tcp.closed),
	C("tcp_resets_sent", tcp.resets_sent),
	C("tcp_resets_rcvd", tcp.resets_rcvd),
	C("tcp_challenge_acks", tcp.challenge_acks),
	C("tcp_retransmits_rto", tcp.retransmits_rto),
	C("tcp_retransmits_fast", tcp.retransmits_fast),
	C("tcp_dup_acks", tcp.dup_acks),
	C("tcp_ooo_segments", tcp.ooo_segments),
	C("tcp_zero_window_probes", tcp.zero_window_probes),
	C("tcp_timeouts_send", tcp.timeouts_send),
	C("tcp_table_full", tcp.table_full),
	C("tcp_timeouts_header", tcp.timeouts_header),
	C("tcp_timeouts_idle", tcp.timeouts_idle),
	C("tcp_timeouts_rto", tcp.timeouts_rto),
	C("tcp_no_conn", tcp.no_conn),
	C("tcp_ctl_nobufs", tcp.ctl_nobufs),
	C("tcp_conns", tcp.conns),
	C("tcp_half_open", tcp.half_open),
	C("tcp_time_wait_now", tcp.time_wait_now),
};
#undef C
/* "head" and "dropped_not_tcp" are counted but not named: the list is full
 * (and the steering gives this service TCP only). */
_Static_assert(sizeof(counters) / sizeof(counters[0]) <= XST_QSTATS_CTR_MAX,
	       "the stats map has room for every counter");

static void count_status(struct xst_http_serve *s, int status)
{
	switch (status) {
	case 200: s->st.status_200++; break;
	case 206: s->st.status_206++; break;
	case 301: s->st.status_301++; break;
	case 304: s->st.status_304++; break;
	default:
		if (status >= 500)
			s->st.status_5xx++;
		else
			s->st.status_4xx++;
	}
}

/* ---- the response queue -------------------------------------------------------- */

static uint32_t conn_index(const struct xst_http_serve *s, const struct hconn *h)
{
	return (uint32_t)(h - s->conns);
}

/* Responses whose every byte the peer has acknowledged leave the queue. */
static void pop_acked(struct hconn *h, uint64_t snd_una)
{
	while (h->n) {
		struct resp *r = &h->q[h->head];

		if (r->start + r->len > snd_una)
			break;
		if (!r->rp)
			h->range_busy = 0;
		h->head = (uint8_t)((h->head + 1) % XST_HTTP_PIPELINE);
		h->n--;
	}
}

static struct resp *find_resp(struct hconn *h, uint64_t off)
{
	uint32_t i;

	for (i = 0; i < h->n; i++) {
		struct resp *r = &h->q[(h->head + i) % XST_HTTP_PIPELINE];

		if (off >= r->start && off - r->start < r->len)
			return r;
	}
	return NULL;
}

/* Queue a response of len stream bytes at the end of what was pushed. */
static uint64_t queue(struct hconn *h, const struct xst_http_prep_resp *rp, uint64_t len,
		      uint64_t end, int close)
{
	struct resp *r = &h->q[(h->head + h->n) % XST_HTTP_PIPELINE];

	r->rp = rp;
	r->start = end;
	r->len = len;
	r->close = (uint8_t)close;
	h->n++;
	return len;
}

/* ---- requests ------------------------------------------------------------------- */

/* If-None-Match decides over If-Modified-Since (RFC 9110 13.2.2). */
static int not_modified(const struct xst_http_req *req, const struct xst_http_obj *o)
{
	int64_t t;

	if (req->if_none_match.ptr)
		return xst_http_etag_match(req->if_none_match.ptr, req->if_none_match.len, o->etag,
					   o->etag_len);
	if (req->if_modified_since.ptr &&
	    !xst_http_date_parse(req->if_modified_since.ptr, req->if_modified_since.len, &t))
		return o->mtime <= t;
	return 0;
}

/* Range applies without If-Range, or with one naming the current entity (strong
 * ETag or the exact Last-Modified date). */
static int range_applies(const struct xst_http_req *req, const struct xst_http_obj *o)
{
	const struct xst_http_str *ir = &req->if_range;

	if (!req->range.ptr)
		return 0;
	if (!ir->ptr)
		return 1;
	if (ir->len == o->etag_len && !memcmp(ir->ptr, o->etag, ir->len))
		return 1;
	return ir->len == 29 && !memcmp(ir->ptr, o->last_modified, 29);
}

/*
 * The response to one parsed request, queued at stream offset end. Returns
 * the stream bytes it adds.
 */
static uint64_t answer(struct xst_http_serve *s, struct hconn *h, const struct xst_http_req *req,
		       uint64_t end, int close)
{
	const struct xst_http_prepared *p = h->prep;
	const struct xst_http_prep_resp *rp;
	const struct xst_http_prep_obj *po;
	const struct xst_http_obj *o;
	int head = req->method == XST_HTTP_HEAD, status;
	char path[PATH_MAX_BYTES];
	size_t plen;
	uint64_t first, last;

	s->st.requests++;
	if (head)
		s->st.head++;
	if (req->method == XST_HTTP_OTHER) {
		rp = xst_http_prep_error(p, 405, 0);
		goto prepared;
	}
	status = xst_http_url_path(req->target.ptr, req->target.len, path, sizeof(path), &plen);
	if (status < 0) {
		rp = xst_http_prep_error(p, -status, head);
		goto prepared;
	}
	o = xst_http_site_find(p->site, path, plen, &status);
	if (!o) {
		rp = xst_http_prep_error(p, 404, head);
		goto prepared;
	}
	po = xst_http_prep_of(o);
	if (status == 301) {
		rp = head ? &po->head : &po->get;
		goto prepared;
	}
	if (status == 403) {
		rp = head ? &po->alt_head : &po->alt;
		goto prepared;
	}
	if (o->index)		/* a directory path: its index.html (status 200) */
		o = o->index, po = xst_http_prep_of(o);
	if (not_modified(req, o)) {
		rp = &po->alt;
		goto prepared;
	}
	if (!head && !h->range_busy && range_applies(req, o)) {
		int r = xst_http_range(req->range.ptr, req->range.len, o->size, &first, &last);

		if (r != 1) {
			int n;

			if (r < 0) {	/* 416: first > last says so */
				first = 1;
				last = 0;
			}
			n = xst_http_prep_range_header(h->rhdr, sizeof(h->rhdr), o, first, last, !close,
						       &h->rdate_off, &(uint32_t){ 0 });
			if (n > 0) {
				size_t blen = 0;

				h->rst.hdr = (const uint8_t *)h->rhdr;
				h->rst.hlen = (uint32_t)n;
				if (r < 0) {
					h->rst.body = (const uint8_t *)xst_http_error_body(416, &blen);
					h->rst.blen = blen;
				} else {
					h->rst.body = o->data + first;
					h->rst.blen = last - first + 1;
				}
				h->range_busy = 1;
				count_status(s, r < 0 ? 416 : 206);
				return queue(h, NULL, h->rst.hlen + h->rst.blen, end, 0);
			}
		}
	}
	rp = head ? &po->head : &po->get;
prepared:
	count_status(s, rp->status);
	return queue(h, rp, rp->st.hlen + rp->st.blen, end, close);
}

/* ---- TCP's application ops ------------------------------------------------------ */

static void kick_later(struct xst_http_serve *s, struct hconn *h)
{
	if (h->kick || s->nr_kick == s->nr_conns)
		return;
	h->kick = 1;
	s->kick[s->nr_kick++] = conn_index(s, h);
}

static int hs_open(void *app, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	struct xst_http_serve *s = app;
	struct hconn *h;

	(void)now;
	(void)out;
	if (!s->free_head || !s->cur) {
		s->st.no_conn_state++;
		return -ENOMEM;
	}
	h = &s->conns[s->free_head - 1];
	s->free_head = h->next_free;
	memset(h, 0, offsetof(struct hconn, rst));
	h->c = c;
	h->prep = s->cur;
	xst_http_site_hold(h->prep->site, s->cfg.worker);
	c->app = h;
	return 0;
}

static uint32_t hs_recv(void *app, struct xst_tcp_conn *c, const uint8_t *data, uint32_t len,
			uint64_t now, void *out)
{
	struct xst_http_serve *s = app;
	struct hconn *h = c->app;
	uint64_t end = c->snd_end, added = 0;
	uint32_t used = 0;
	int was_closing = h->closing;

	pop_acked(h, c->snd_una);
	while (used < len && !h->closing && h->n < XST_HTTP_PIPELINE) {
		struct xst_http_req req;
		int rc = xst_http_req_parse(data + used, len - used, &s->cfg.limits, &req);

		if (!rc)
			break;
		if (rc < 0) {
			const struct xst_http_prep_resp *rp = xst_http_prep_error(h->prep, -rc, 0);

			s->st.bad_requests++;
			count_status(s, rp->status);
			added += queue(h, rp, rp->st.hlen + rp->st.blen, end + added, 1);
			h->closing = 1;
			used = len;	/* nothing after a bad request is read */
			break;
		}
		if (req.close)
			h->closing = 1;
		added += answer(s, h, &req, end + added, req.close);
		used += (uint32_t)rc;
	}
	/* the peer has finished: what is left is an incomplete request (or
	 * nothing), unless the queue is full and more requests wait */
	if (h->peer_fin && !h->closing && (used == len || h->n < XST_HTTP_PIPELINE))
		h->closing = 1;
	if (added) {
		/* a response in flight: the peer must keep taking it (a send
		 * timeout moved on by every ACK of new data) */
		xst_tcp_set_timeout(s->tcp, c, XST_TCP_TIMEOUT_SEND, now);
		xst_tcp_stream_push(s->tcp, c, added, now, out);
	} else if (used < len && c->deadline_kind == XST_TCP_TIMEOUT_IDLE) {
		/* a new request has begun: it must be complete within the header timeout */
		xst_tcp_set_timeout(s->tcp, c, XST_TCP_TIMEOUT_HEADER, now);
	}
	if (h->closing && !was_closing && c->state != XST_TCP_CLOSED)
		xst_tcp_stream_close(s->tcp, c, now, out);
	return used;
}

static void hs_peer_fin(void *app, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	struct xst_http_serve *s = app;
	struct hconn *h = c->app;

	/* the queued responses still go, then our FIN (a half-closed client
	 * reads them); requests still buffered because the queue was full are
	 * answered first (hs_acked() offers them again) */
	h->peer_fin = 1;
	if (!h->closing && (!c->rcv_len || h->n < XST_HTTP_PIPELINE)) {
		h->closing = 1;
		xst_tcp_stream_close(s->tcp, c, now, out);
	}
}

static void hs_acked(void *app, struct xst_tcp_conn *c, uint64_t now, void *out)
{
	struct xst_http_serve *s = app;
	struct hconn *h = c->app;

	(void)out;
	pop_acked(h, c->snd_una);
	if (h->n || h->closing)
		return;
	xst_tcp_set_timeout(s->tcp, c, XST_TCP_TIMEOUT_IDLE, now);
	if (c->rcv_len) {	/* requests waited for room in the queue */
		kick_later(s, h);
	} else if (h->peer_fin) {
		h->closing = 1;
		xst_tcp_stream_close(s->tcp, c, now, out);
	}
}

/*
 * The Connection value inside the segment [rel, rel + n) whose IP header is
 * at ip: the close variant or the keep-alive one, from whatever the frame
 * holds (a prepared frame's copy holds keep-alive, a ready copy either).
 */
static void set_conn(uint8_t *ip, int v6, uint64_t rel, uint32_t n, uint32_t conn_off,
		     int close)
{
	const uint8_t *want = (const uint8_t *)(close ? conn_close : conn_keep);
	uint64_t a = conn_off > rel ? conn_off : rel;
	uint64_t b = conn_off + XST_HTTP_CONN_LEN, e = rel + n;
	uint8_t *p;

	if (b > e)
		b = e;
	if (a >= b)
		return;
	p = ip + (v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN) + XST_TCP_HLEN + (a - rel);
	if (!memcmp(p, want + (a - conn_off), b - a))
		return;
	xst_http_seg_patch_payload(ip, v6, (uint32_t)(a - rel), p, want + (a - conn_off),
				   (uint32_t)(b - a));
}

/* ---- precopy ------------------------------------------------------------------- */

/* key: generation serial (8), prepared response (8), segment index (4), family (1) */
#define KEY_LEN		21

struct key {
	uint64_t hash;
	uint8_t b[KEY_LEN];
};

static void make_key(struct key *k, const struct hconn *h, const struct xst_http_prep_resp *rp,
		     const struct xst_http_seg *sg, int v6)
{
	uint64_t ptr = (uint64_t)(uintptr_t)rp, serial = h->prep->serial, mix;
	uint32_t idx = (uint32_t)(sg - rp->segs[v6].seg);

	memcpy(k->b, &serial, 8);
	memcpy(k->b + 8, &ptr, 8);
	memcpy(k->b + 16, &idx, 4);
	k->b[20] = (uint8_t)v6;
	mix = (ptr ^ serial * 0x9e3779b97f4a7c15ull) + ((uint64_t)idx << 1 | (uint64_t)v6);
	mix = (mix ^ mix >> 31) * 0xff51afd7ed558ccdull;
	k->hash = mix ^ mix >> 29;
}

/*
 * Send copy cp of prepared segment sg (response r) on connection c: what
 * xst_http_seg_copy() and the Date/Connection patches of the memcpy path
 * would have written, written over what the copy's last send left. 0, or
 * -ENOSPC when the TX queue refused it (the copy is back in the pool).
 */
static int send_copy(struct xst_http_serve *s, const struct xst_copy *cp, const struct resp *r,
		     const struct xst_http_seg *sg, const struct xst_tcp_conn *c, uint32_t seq,
		     uint32_t ack, uint16_t win, uint8_t fin, struct xst_tx *tx)
{
	struct xst_io_buf b = { .addr = cp->addr, .data = cp->data, .len = cp->len };
	uint8_t *ip = cp->data + XST_ETH_HLEN;
	int v6 = c->flow.v6;

	xst_tcp_flow_l2(cp->data, &c->flow);	/* no VLAN: the ethertype stays */
	xst_http_seg_repatch(ip, sg, &c->flow, seq, ack, win, fin);
	if (sg->off < r->rp->st.hlen) {
		xst_http_date_patch_apply(ip, sg, v6, r->rp->date_off, &s->date);
		set_conn(ip, v6, sg->off, sg->len, r->rp->conn_off, r->close);
	}
	return xst_tx_send(tx, &b);
}

static uint32_t hs_xmit(void *app, struct xst_tcp_conn *c, uint64_t off, uint32_t max,
			uint32_t seq, uint32_t ack, uint16_t win, uint8_t flags, void *out)
{
	struct xst_http_serve *s = app;
	struct hconn *h = c->app;
	struct xst_tx *tx = out;
	const struct xst_http_stream *st;
	const struct xst_http_seg *sg = NULL;
	struct xst_http_seg cur;
	struct xst_io_buf b;
	struct resp *r;
	struct key k;
	uint64_t rel, rem;
	uint32_t n, flen, date_off;
	uint8_t fin;
	int v6 = c->flow.v6, keyed = 0;

	pop_acked(h, c->snd_una);
	r = find_resp(h, off);
	if (!r || !tx)
		return 0;
	rel = off - r->start;
	rem = r->len - rel;
	st = r->rp ? &r->rp->st : &h->rst;
	if (r->rp && r->rp->segs[v6].mss <= c->mss) {
		sg = xst_http_segs_at(&r->rp->segs[v6], rel);
		if (sg && (sg->off != rel || sg->len > max))
			sg = NULL;
	}
	/* precopy: a prepared segment to a flow without VLAN tags (a copy is
	 * laid out as the prepared frame) */
	if (sg && s->pool && !c->flow.nr_vlans) {
		struct xst_copy cp;

		make_key(&k, h, r->rp, sg, v6);
		if (!xst_copypool_take(s->pool, k.hash, k.b, KEY_LEN, s->now, &cp)) {
			n = sg->len;
			fin = (flags & XST_TCP_FIN) && n == max ? XST_TCP_FIN : 0;
			s->st.precopy_hits++;
			s->st.segs_prepared++;
			if (send_copy(s, &cp, r, sg, c, seq, ack, win, fin, tx)) {
				kick_later(s, h);	/* TX queue full: try again next iteration */
				return 0;
			}
			s->st.payload_bytes += n;
			return n;
		}
		s->st.precopy_misses++;
		keyed = 1;
	}
	if (xst_tx_alloc(tx, &b)) {
		s->st.xmit_nobufs++;
		kick_later(s, h);
		return 0;
	}
	if (sg) {
		n = sg->len;
		fin = (flags & XST_TCP_FIN) && n == max ? XST_TCP_FIN : 0;
		flen = xst_http_seg_copy(b.data, b.cap, sg, &c->flow, seq, ack, win, fin);
		s->st.segs_prepared++;
	} else {
		n = rem < max ? (uint32_t)rem : max;
		fin = XST_TCP_ACK | (n == rem ? XST_TCP_PSH : 0) |
		      ((flags & XST_TCP_FIN) && n == max ? XST_TCP_FIN : 0);
		flen = xst_http_seg_build_any(b.data, b.cap, st, rel, n, &c->flow, seq, ack, win, fin);
		s->st.segs_built++;
	}
	if (!flen) {
		xst_tx_drop(tx, b.addr);
		return 0;
	}
	if (rel < st->hlen) {	/* per-request header bytes: Date, Connection */
		uint8_t *ip = b.data + xst_tcp_flow_l3_off(&c->flow);

		cur.off = rel;
		cur.len = n;
		date_off = r->rp ? r->rp->date_off : h->rdate_off;
		xst_http_date_patch_apply(ip, &cur, v6, date_off, &s->date);
		if (r->close && r->rp)
			set_conn(ip, v6, rel, n, r->rp->conn_off, 1);
	}
	b.len = flen;
	/* a copy for the next time (failure only means no copy: the pool is full) */
	if (keyed)
		xst_copypool_store(s->pool, k.hash, k.b, KEY_LEN, b.data, flen, NULL, s->now);
	if (xst_tx_send(tx, &b)) {
		kick_later(s, h);	/* TX queue full: try again next iteration */
		return 0;
	}
	s->st.payload_bytes += n;
	return n;
}

static int hs_ctl_frame(void *app, void *out, uint8_t **data, uint32_t *cap, void **token)
{
	struct xst_tx *tx = out;
	struct xst_io_buf b;

	(void)app;
	if (!tx || xst_tx_alloc(tx, &b))
		return -ENOBUFS;
	*data = b.data;
	*cap = b.cap;
	*token = (void *)(uintptr_t)b.addr;
	return 0;
}

static void hs_ctl_send(void *app, void *out, void *token, uint32_t len)
{
	struct xst_tx *tx = out;
	struct xst_io_buf b;

	(void)app;
	b.addr = (uint64_t)(uintptr_t)token;
	b.data = NULL;
	b.len = len;
	b.cap = 0;
	xst_tx_send(tx, &b);
}

static void hs_ctl_drop(void *app, void *out, void *token)
{
	(void)app;
	xst_tx_drop(out, (uint64_t)(uintptr_t)token);
}

static void hs_closed(void *app, struct xst_tcp_conn *c, int why, void *out)
{
	struct xst_http_serve *s = app;
	struct hconn *h = c->app;

	(void)why;
	(void)out;
	if (!h)
		return;
	xst_http_site_release(h->prep->site, s->cfg.worker);
	h->c = NULL;
	h->prep = NULL;
	c->app = NULL;
	if (!h->kick) {		/* on the kick list, it is freed when the list is run */
		h->next_free = s->free_head;
		s->free_head = conn_index(s, h) + 1;
	}
}

static const struct xst_tcp_app tcp_app = {
	.open = hs_open,
	.recv = hs_recv,
	.peer_fin = hs_peer_fin,
	.acked = hs_acked,
	.xmit = hs_xmit,
	.ctl_frame = hs_ctl_frame,
	.ctl_send = hs_ctl_send,
	.ctl_drop = hs_ctl_drop,
	.closed = hs_closed,
};

/* ---- the worker's hooks ---------------------------------------------------------- */

/* Connections that waited for a frame or for room in their queue: try again. */
static void run_kicks(struct xst_http_serve *s, uint64_t now, struct xst_tx *tx)
{
	uint32_t i, n = s->nr_kick;

	s->nr_kick = 0;
	for (i = 0; i < n; i++) {
		struct hconn *h = &s->conns[s->kick[i]];

		h->kick = 0;
		if (!h->c) {	/* closed meanwhile: free it now */
			h->next_free = s->free_head;
			s->free_head = s->kick[i] + 1;
			continue;
		}
		xst_tcp_rx_kick(s->tcp, h->c, now, tx);
	}
}

static void refresh_date(struct xst_http_serve *s, uint64_t now)
{
	struct timespec ts;
	char d[30];

	if (s->cfg.realtime)
		s->cfg.realtime(&ts);
	else
		clock_gettime(CLOCK_REALTIME, &ts);
	xst_http_date((int64_t)ts.tv_sec, d);
	xst_http_date_patch_init(&s->date, (const uint8_t *)XST_HTTP_PREP_DATE, (const uint8_t *)d);
	s->next_date = now + (uint64_t)(XST_NS_PER_SEC - ts.tv_nsec);
}

static void sweep(struct xst_timer *t, uint64_t now, void *ctx)
{
	struct xst_http_serve *s =
		(struct xst_http_serve *)((char *)t - offsetof(struct xst_http_serve, sweep));

	(void)ctx;
	xst_copypool_sweep(s->pool, now);
	xst_timer_arm(s->timers, t, now + SWEEP_NS);
}

/*
 * A new generation is current: its copies start from an empty pool. Those
 * of the older ones could only age out (their keys carry their serials, so
 * none is ever sent for this one); connections still on an older
 * generation store copies of it again as they go.
 */
static void pool_begin(struct xst_http_serve *s, uint64_t now)
{
	if (s->cur && s->cur->serial != s->pool_serial) {
		if (s->pool_serial)
			xst_copypool_flush(s->pool);
		s->pool_serial = s->cur->serial;
	}
	if (!xst_timer_armed(&s->sweep))
		xst_timer_arm(s->timers, &s->sweep, now + SWEEP_NS);
	s->st.pool = *xst_copypool_stats(s->pool);
}

static void hs_begin(void *state, uint64_t now, struct xst_tx *tx)
{
	struct xst_http_serve *s = state;

	s->now = now;
	s->cur = xst_rcu_deref(s->cfg.prep);
	if (s->pool)
		pool_begin(s, now);
	if (now >= s->next_date)
		refresh_date(s, now);
	if (s->nr_kick)
		run_kicks(s, now, tx);
	s->st.tcp = *xst_tcp_stats(s->tcp);
}

static enum xst_verdict hs_frame(void *state, struct xst_frame *f, uint64_t now, struct xst_tx *tx)
{
	struct xst_http_serve *s = state;

	if (f->pkt.l4_proto != XST_IPPROTO_TCP) {
		s->st.dropped_not_tcp++;
		return XST_VERDICT_DROP;
	}
	if (xst_tcp_input(s->tcp, f->buf.data, &f->pkt, now, tx))
		return XST_VERDICT_DROP;
	return XST_VERDICT_CONSUMED;
}

static const void *hs_counter_block(const void *state)
{
	return &((const struct xst_http_serve *)state)->st;
}

const struct xst_svc_ops xst_http_serve_ops = {
	.name = "http",
	.begin = hs_begin,
	.frame = hs_frame,
	.counters = counters,
	.nr_counters = sizeof(counters) / sizeof(counters[0]),
	.counter_block = hs_counter_block,
};

/* ---- life ------------------------------------------------------------------------ */

static int pool_create(struct xst_http_serve *s)
{
	struct xst_copypool_cfg pc = s->cfg.pool;

	if (!pc.max_frames)
		pc.max_frames = xst_io_cfg(s->cfg.io)->max_held;
	if (!pc.slots) {
		pc.slots = POOL_SLOTS;
		while (pc.slots < POOL_SLOTS_MAX && pc.slots / 2 < pc.max_frames)
			pc.slots *= 2;
	}
	if (!pc.copies_max)
		pc.copies_max = POOL_COPIES;
	if (!pc.idle_ns)
		pc.idle_ns = POOL_IDLE_NS;
	pc.key_max = KEY_LEN;
	return xst_copypool_create(&s->pool, s->cfg.io, &pc);
}

int xst_http_serve_create(struct xst_http_serve **out, const struct xst_http_serve_cfg *cfg,
			  struct xst_timer_wheel *timers, uint64_t now)
{
	struct xst_http_limits def = XST_HTTP_LIMITS_DEFAULT;
	struct xst_http_serve *s;
	uint32_t i;
	int err;

	if (!cfg->prep || !cfg->tcp.max_conns || (cfg->send == XST_SEND_PRECOPY && !cfg->io))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->timers = timers;
	s->now = now;
	xst_timer_init(&s->sweep, sweep);
	if (!s->cfg.limits.max_header)
		s->cfg.limits = def;
	s->nr_conns = cfg->tcp.max_conns;
	s->conns = calloc(s->nr_conns, sizeof(*s->conns));
	s->kick = calloc(s->nr_conns, sizeof(*s->kick));
	if (!s->conns || !s->kick) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < s->nr_conns; i++)
		s->conns[i].next_free = i + 2 <= s->nr_conns ? i + 2 : 0;
	s->free_head = 1;
	s->cur = xst_rcu_deref(cfg->prep);
	refresh_date(s, now);
	if (cfg->send == XST_SEND_PRECOPY) {
		err = pool_create(s);
		if (err)
			goto fail;
	}
	err = xst_tcp_create(&s->tcp, &s->cfg.tcp, &tcp_app, s, timers, now);
	if (err)
		goto fail;
	*out = s;
	return 0;
fail:
	xst_copypool_destroy(s->pool);
	free(s->kick);
	free(s->conns);
	free(s);
	return err;
}

void xst_http_serve_destroy(struct xst_http_serve *s)
{
	if (!s)
		return;
	xst_tcp_destroy(s->tcp);	/* closed() for every connection: their sites released */
	if (xst_timer_armed(&s->sweep))
		xst_timer_cancel(s->timers, &s->sweep);
	xst_copypool_destroy(s->pool);
	free(s->kick);
	free(s->conns);
	free(s);
}

const struct xst_http_serve_stats *xst_http_serve_stats(const struct xst_http_serve *s)
{
	return &s->st;
}
