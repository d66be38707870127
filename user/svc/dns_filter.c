// SPDX-License-Identifier: GPL-2.0
/*
 * Filter mode's service (svc/dns_filter.h): parse -> checks in the header's
 * order -> PASS (frame untouched), DROP, or a TC=1 challenge built in place.
 */
#include "svc/dns_filter.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/byteorder.h"
#include "core/clock.h"
#include "dns/db.h"
#include "dnsmsg/msg.h"
#include "filter/budget.h"
#include "filter/cookie.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/udp.h"
#include "svc/tx.h"

/* One source seen recently, for the BLOCK and VERIFIED rates (direct-mapped). */
struct source {
	uint8_t addr[16];
	uint8_t family;		/* 0: empty */
	uint8_t block_sent;	/* a BLOCK event went out in sec */
	uint8_t pad[2];
	uint32_t malformed;	/* in sec */
	uint32_t nx;		/* unknown names of attacked zones in sec */
	uint64_t sec;
	uint64_t verified_sec;	/* + 1 of the second a VERIFIED event went out (0: never) */
};

struct xst_dns_filter {
	struct xst_dns_filter_cfg cfg;
	const struct xst_dns_db *db;		/* this iteration's (RCU) */
	const struct xst_cookie_keys *keys;	/* this iteration's (RCU) */
	struct xst_budget pass_b;		/* PASS* (header) */
	struct xst_budget chal_b;		/* every challenge */
	uint32_t now_s;				/* wall clock (cookie timestamps) */
	uint64_t wall_next;			/* worker time to refresh now_s */
	/* event ring: head written by the worker, tail by the main thread */
	_Atomic uint32_t head __attribute__((aligned(64)));
	_Atomic uint32_t tail __attribute__((aligned(64)));
	uint32_t mask;
	struct xst_filter_event *ring;
	struct xst_dns_filter_stats st __attribute__((aligned(64)));
	struct source src[XST_FILTER_SOURCES];
};

#define C(field) { #field, offsetof(struct xst_dns_filter_stats, field) }
static const struct xst_svc_counter counters[] = {
	C(queries), C(passed_known), C(passed_outside), C(passed_no_zone),
	C(passed_verified_cookie), C(passed_unknown), C(passed_class_ch), C(passed_other),
	C(challenged_any), C(challenged_unknown), C(challenged_budget), C(challenge_cookies),
	C(challenge_failed), C(dropped_unknown), C(dropped_challenge_budget), C(dropped_short),
	C(dropped_response), C(dropped_malformed), C(dropped_cookie), C(dropped_not_udp),
	C(dropped_other_budget),
	C(unknown_reported), C(local_attack), C(events_verified),
	C(events_block), C(events_dropped), C(passback_passed), C(passback_bytes),
	C(passback_errors),
};
#undef C
_Static_assert(sizeof(counters) / sizeof(counters[0]) <= XST_QSTATS_CTR_MAX, "too many counters");
_Static_assert(sizeof(counters) / sizeof(counters[0]) * 8 == sizeof(struct xst_dns_filter_stats),
	       "every counter named");

int xst_dns_filter_create(struct xst_dns_filter **out, const struct xst_dns_filter_cfg *cfg)
{
	uint32_t n = cfg->events ? cfg->events : XST_FILTER_EVENTS;
	struct xst_dns_filter *f;

	if (n & (n - 1) || (cfg->unknown != XST_FILTER_CHALLENGE && cfg->unknown != XST_FILTER_DROP))
		return -EINVAL;
	f = aligned_alloc(64, (sizeof(*f) + 63) & ~(size_t)63);
	if (!f)
		return -ENOMEM;
	memset(f, 0, sizeof(*f));
	f->ring = calloc(n, sizeof(*f->ring));
	if (!f->ring) {
		free(f);
		return -ENOMEM;
	}
	f->cfg = *cfg;
	f->mask = n - 1;
	xst_budget_init(&f->pass_b, cfg->pass_rate, cfg->pass_burst);
	xst_budget_init(&f->chal_b, cfg->challenge_rate, cfg->challenge_burst);
	*out = f;
	return 0;
}

void xst_dns_filter_destroy(struct xst_dns_filter *f)
{
	if (!f)
		return;
	free(f->ring);
	free(f);
}

const struct xst_dns_filter_stats *xst_dns_filter_stats(const struct xst_dns_filter *f)
{
	return &f->st;
}

uint32_t xst_dns_filter_events(struct xst_dns_filter *f, struct xst_filter_event *out,
			       uint32_t max)
{
	uint32_t tail = atomic_load_explicit(&f->tail, memory_order_relaxed);
	uint32_t head = atomic_load_explicit(&f->head, memory_order_acquire), n = 0;

	while (tail != head && n < max)
		out[n++] = f->ring[tail++ & f->mask];
	atomic_store_explicit(&f->tail, tail, memory_order_release);
	return n;
}

static inline void bump(uint64_t *c)
{
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

static void event(struct xst_dns_filter *f, const struct xst_filter_event *ev, uint64_t *counter)
{
	uint32_t head = atomic_load_explicit(&f->head, memory_order_relaxed);
	uint32_t tail = atomic_load_explicit(&f->tail, memory_order_acquire);

	if (head - tail > f->mask) {
		bump(&f->st.events_dropped);
		return;
	}
	f->ring[head & f->mask] = *ev;
	atomic_store_explicit(&f->head, head + 1, memory_order_release);
	bump(counter);
}

static void fb_begin(void *state, uint64_t now, struct xst_tx *tx)
{
	struct xst_dns_filter *f = state;
	(void)tx;

	f->db = f->cfg.db ? xst_rcu_deref(f->cfg.db) : NULL;
	f->keys = f->cfg.cookies ? xst_rcu_deref(f->cfg.cookies) : NULL;
	if (now >= f->wall_next) {
		/* cookie timestamps are Unix seconds: one vDSO read a second */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		f->now_s = (uint32_t)ts.tv_sec;
		f->wall_next = now + XST_NS_PER_SEC;
	}
	if (f->cfg.passback) {
		const struct xst_passback_stats *p = xst_passback_stats(f->cfg.passback);

		__atomic_store_n(&f->st.passback_passed, p->passed, __ATOMIC_RELAXED);
		__atomic_store_n(&f->st.passback_bytes, p->bytes, __ATOMIC_RELAXED);
		__atomic_store_n(&f->st.passback_errors, p->errors + p->dropped_full + p->dropped_bad,
				 __ATOMIC_RELAXED);
	}
}

/* The source address of the frame: family, bytes, length. */
static inline const uint8_t *src_addr(const struct xst_frame *fr, int *family, size_t *alen)
{
	const uint8_t *ip = fr->buf.data + fr->pkt.l3_off;

	if (fr->pkt.l3_proto == XST_ETH_P_IPV6) {
		*family = 6;
		*alen = 16;
		return ip + 8;
	}
	*family = 4;
	*alen = 4;
	return ip + 12;
}

static struct source *source(struct xst_dns_filter *f, const uint8_t *a, int family, size_t alen,
			     uint64_t sec)
{
	uint64_t h = 0;
	struct source *s;
	size_t i;

	for (i = 0; i < alen; i += 4)
		h = (h ^ xst_load32(a + i)) * 0x9e3779b97f4a7c15ull;
	s = &f->src[(h >> 40) & (XST_FILTER_SOURCES - 1)];
	if (s->family != family || memcmp(s->addr, a, alen)) {
		memset(s, 0, sizeof(*s));
		memcpy(s->addr, a, alen);
		s->family = (uint8_t)family;
		s->sec = sec;
	} else if (s->sec != sec) {
		s->sec = sec;
		s->malformed = s->nx = 0;
		s->block_sent = 0;
	}
	return s;
}

/* Count a bad query of the source; a BLOCK event once it passes the limit in one second. */
static void count_bad(struct xst_dns_filter *f, const struct xst_frame *fr, uint64_t now,
		      int nx, uint32_t zone)
{
	uint32_t limit = nx ? f->cfg.block_nxflood : f->cfg.block_malformed, *c;
	size_t alen;
	int family;
	const uint8_t *a = src_addr(fr, &family, &alen);
	struct source *s;

	if (!limit)
		return;
	s = source(f, a, family, alen, now / XST_NS_PER_SEC);
	c = nx ? &s->nx : &s->malformed;
	if (++*c > limit && !s->block_sent) {
		struct xst_filter_event ev = {
			.kind = XST_FILTER_EV_BLOCK, .family = (uint8_t)family,
			.reason = nx ? XST_BLOCK_NXFLOOD : XST_BLOCK_MALFORMED,
			.zone = nx ? zone : 0,
		};

		memcpy(ev.addr, a, alen);
		s->block_sent = 1;
		event(f, &ev, &f->st.events_block);
	}
}

static void verified(struct xst_dns_filter *f, const struct xst_frame *fr, uint64_t now)
{
	uint64_t sec = now / XST_NS_PER_SEC;
	size_t alen;
	int family;
	const uint8_t *a = src_addr(fr, &family, &alen);
	struct source *s = source(f, a, family, alen, sec);
	struct xst_filter_event ev = { .kind = XST_FILTER_EV_VERIFIED, .family = (uint8_t)family };

	if (s->verified_sec == sec + 1)
		return;		/* said already this second */
	s->verified_sec = sec + 1;
	memcpy(ev.addr, a, alen);
	event(f, &ev, &f->st.events_verified);
}

/*
 * TC=1 over the query (with a server cookie when it had a client cookie),
 * then the reply headers around it. REPLY, or DROP when over the challenge
 * budget (a reply to a maybe spoofed source: bounded reflection) or when it
 * cannot be built.
 */
static enum xst_verdict challenge(struct xst_dns_filter *f, struct xst_frame *fr,
				  const struct xst_dnsmsg_query *q, const struct xst_cookie *ck,
				  struct xst_tx *tx, uint64_t now, uint64_t *counter)
{
	const struct xst_pkt *p = &fr->pkt;
	uint8_t *msg = fr->buf.data + p->l4_off + XST_UDP_HLEN;
	uint32_t mlen = p->l4_len - XST_UDP_HLEN;
	uint32_t cap = xst_net_udp_room(p, fr->buf.cap, tx->mtu);
	const uint8_t *a;
	uint8_t ip[16];
	size_t len, alen, l2;
	int family;

	if (!xst_budget_take(&f->chal_b, now)) {
		bump(&f->st.dropped_challenge_budget);
		return XST_VERDICT_DROP;
	}
	if (cap < mlen)
		cap = xst_net_udp_room(p, fr->buf.cap, 0);
	/* the address before the reply overwrites anything */
	a = src_addr(fr, &family, &alen);
	memcpy(ip, a, alen);
	len = xst_dnsmsg_tc(msg, cap, q);
	if (!len)
		goto fail;
	if (q->edns && f->keys && ck->status != XST_COOKIE_NONE &&
	    ck->status != XST_COOKIE_MALFORMED) {
		l2 = xst_cookie_append(msg, len, cap, len - XST_DNS_OPT_LEN, ck, f->keys, ip, alen,
				       f->now_s);
		if (l2) {
			len = l2;
			bump(&f->st.challenge_cookies);
		}
	}
	fr->buf.len = xst_net_udp_reply(fr->buf.data, p, (uint32_t)len);
	bump(counter);
	return XST_VERDICT_REPLY;
fail:
	bump(&f->st.challenge_failed);
	return XST_VERDICT_DROP;
}

/*
 * PASS* of the header: an unverified query passed on its name alone spends
 * a token of the pass budget; over it, a challenge instead (a resolver
 * comes back over TCP, a spoofed source does not).
 */
static enum xst_verdict pass_name(struct xst_dns_filter *f, struct xst_frame *fr,
				  const struct xst_dnsmsg_query *q, const struct xst_cookie *ck,
				  struct xst_tx *tx, uint64_t now, uint64_t *counter)
{
	if (xst_budget_take(&f->pass_b, now)) {
		bump(counter);
		return XST_VERDICT_PASS;
	}
	return challenge(f, fr, q, ck, tx, now, &f->st.challenged_budget);
}

/* The zone is attacked: the detector said so, or this worker's own count of this second. */
static int attacked(struct xst_dns_filter *f, uint32_t zone, uint64_t now)
{
	if (xst_detect_active(f->cfg.detect, zone))
		return 1;
	if (f->cfg.local_unknown == XST_FILTER_LOCAL_OFF ||
	    !xst_detect_local(f->cfg.detect, f->cfg.worker, zone, now, f->cfg.local_unknown,
			      f->cfg.local_distinct))
		return 0;
	bump(&f->st.local_attack);
	return 1;
}

static enum xst_verdict fb_frame(void *state, struct xst_frame *fr, uint64_t now,
				 struct xst_tx *tx)
{
	struct xst_dns_filter *f = state;
	const struct xst_pkt *p = &fr->pkt;
	struct xst_dnsmsg_query q;
	struct xst_cookie ck = { .status = XST_COOKIE_NONE };
	enum xst_verdict v;
	const uint8_t *msg;
	uint32_t mlen, zone = 0;
	size_t alen;
	int family;

	bump(&f->st.queries);
	if (p->l4_proto != XST_IPPROTO_UDP || p->l4_len < XST_UDP_HLEN) {
		bump(&f->st.dropped_not_udp);
		return XST_VERDICT_DROP;
	}
	msg = fr->buf.data + p->l4_off + XST_UDP_HLEN;
	mlen = p->l4_len - XST_UDP_HLEN;
	switch (xst_dnsmsg_parse(msg, mlen, &q)) {
	case XST_DNSMSG_OK:
		break;
	case XST_DNSMSG_SHORT:
		bump(&f->st.dropped_short);
		return XST_VERDICT_DROP;
	case XST_DNSMSG_RESPONSE:
		bump(&f->st.dropped_response);
		return XST_VERDICT_DROP;
	case XST_DNSMSG_FORMERR:
		bump(&f->st.dropped_malformed);
		count_bad(f, fr, now, 0, 0);
		return XST_VERDICT_DROP;
	default:
		/* NOTIMP, BADVERS, TSIG, NOTIFY: the server answers as it would,
		 * but they are unverified queries like any other (EDNS version
		 * 1 or a bogus TSIG on a random-subdomain flood would otherwise
		 * carry it to the server whole): a pass token each. Over the
		 * budget, dropped: no question to challenge with for some, and
		 * a real primary retries its NOTIFY. */
		if (!xst_budget_take(&f->pass_b, now)) {
			bump(&f->st.dropped_other_budget);
			return XST_VERDICT_DROP;
		}
		bump(&f->st.passed_other);
		return XST_VERDICT_PASS;
	}

	if (q.edns && f->cfg.cookies) {
		xst_cookie_find(msg, mlen, &q, &ck);
		if (ck.status == XST_COOKIE_MALFORMED) {
			bump(&f->st.dropped_cookie);
			count_bad(f, fr, now, 0, 0);
			return XST_VERDICT_DROP;
		}
		if (ck.status == XST_COOKIE_SERVER) {
			const uint8_t *a = src_addr(fr, &family, &alen);

			if (xst_cookie_verify(f->keys, &ck, a, alen, f->now_s) == XST_COOKIE_VALID) {
				bump(&f->st.passed_verified_cookie);
				verified(f, fr, now);
				return XST_VERDICT_PASS;
			}
		}
	}
	if (q.qclass == XST_C_CH)	/* a flood of CH names is a flood too: a token */
		return pass_name(f, fr, &q, &ck, tx, now, &f->st.passed_class_ch);
	if (q.qtype == XST_T_ANY && f->cfg.challenge_any)
		return challenge(f, fr, &q, &ck, tx, now, &f->st.challenged_any);
	if (!f->db)
		return pass_name(f, fr, &q, &ck, tx, now, &f->st.passed_no_zone);
	switch (xst_dns_db_classify(f->db, q.lname, q.qname_len, q.hash, &zone)) {
	case XST_DNS_NAME_OUTSIDE:
		return pass_name(f, fr, &q, &ck, tx, now, &f->st.passed_outside);
	case XST_DNS_NAME_KNOWN:
		return pass_name(f, fr, &q, &ck, tx, now, &f->st.passed_known);
	case XST_DNS_NAME_UNKNOWN:
		break;
	}
	if (!f->cfg.detect)
		return pass_name(f, fr, &q, &ck, tx, now, &f->st.passed_unknown);
	xst_detect_report(f->cfg.detect, f->cfg.worker, zone, q.hash, now);
	bump(&f->st.unknown_reported);
	if (!attacked(f, zone, now))
		return pass_name(f, fr, &q, &ck, tx, now, &f->st.passed_unknown);
	count_bad(f, fr, now, 1, zone);
	if (f->cfg.unknown == XST_FILTER_DROP) {
		v = XST_VERDICT_DROP;
		bump(&f->st.dropped_unknown);
	} else {
		v = challenge(f, fr, &q, &ck, tx, now, &f->st.challenged_unknown);
	}
	/* what was done to it, for the zone's "ended" line and guard_map */
	xst_detect_outcome(f->cfg.detect, f->cfg.worker, zone, v == XST_VERDICT_REPLY);
	return v;
}

static const void *fb_counters(const void *state)
{
	return &((const struct xst_dns_filter *)state)->st;
}

const struct xst_svc_ops xst_dns_filter_ops = {
	.name = "dns-filter",
	.begin = fb_begin,
	.frame = fb_frame,
	.counters = counters,
	.nr_counters = sizeof(counters) / sizeof(counters[0]),
	.counter_block = fb_counters,
};
