// SPDX-License-Identifier: GPL-2.0
/*
 * DNS over UDP on the generic worker (svc/dns_udp.h): parse -> (precopy:
 * ready copy patched and sent) -> responder over the query payload -> packet
 * layers finish the reply headers around it.
 */
#include "svc/dns_udp.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/byteorder.h"
#include "core/clock.h"
#include "dns/db.h"
#include "dns/wire.h"
#include "dnsmsg/msg.h"
#include "net/csum.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/udp.h"
#include "svc/tx.h"
#include "xdpstorm/steer_abi.h"

/* Copy pool defaults: 4096 keys, up to a batch of copies each (a name asked
 * 64 times in one batch can be answered from 64 copies). */
#define POOL_SLOTS	4096
#define POOL_COPIES	XST_BATCH
#define POOL_IDLE_NS	(10 * XST_NS_PER_SEC)	/* an entry unused this long goes */
#define SWEEP_NS	XST_NS_PER_SEC
/* key: l3 kind, tag bytes, 8 tag bytes, flags, limit (2), qtype (2), qclass (2), qname */
#define KEY_MAX		(1 + 1 + 8 + 1 + 2 + 2 + 2 + XST_DNAME_MAX)

#define KF_RD		0x01
#define KF_EDNS		0x02
#define KF_DO		0x04

struct xst_dns_udp {
	struct xst_dns_udp_cfg cfg;
	const struct xst_dns_db *db;	/* this iteration's (RCU) */
	uint64_t pool_serial;		/* serial of the db the pool's copies come from */
	uint64_t ahead_serial;		/* ... that ahead_on was decided for */
	struct xst_copypool *pool;	/* precopy only */
	struct xst_timer sweep;
	struct xst_timer_wheel *timers;	/* the sweep's (the worker's), once armed */
	int ahead_on;			/* lookahead for db */
	struct xst_rrl *rrl;		/* NULL: no RRL */
	const struct xst_cookie_keys *keys;	/* this iteration's (RCU); NULL: no cookies */
	uint32_t wall;			/* Unix seconds at this iteration's start */
	struct xst_dns_udp_stats st;
};

/* The names the stats show, in the order of struct xst_dns_udp_stats. */
#define C(name, field) { name, offsetof(struct xst_dns_udp_stats, field) }
static const struct xst_svc_counter counters[] = {
	C("queries", dns.queries),
	C("answered", dns.answered),
	C("noerror", dns.noerror),
	C("nodata", dns.nodata),
	C("nxdomain", dns.nxdomain),
	C("referral", dns.referral),
	C("refused", dns.refused),
	C("formerr", dns.formerr),
	C("notimp", dns.notimp),
	C("badvers", dns.badvers),
	C("notauth", dns.notauth),
	C("truncated", dns.truncated),
	C("dropped_qr", dns.dropped_qr),
	C("dropped_short", dns.dropped_short),
	C("dropped_not_udp", dropped_not_udp),
	C("precopy_hits", precopy_hits),
	C("precopy_misses", precopy_misses),
	C("precopy_uncacheable", precopy_uncacheable),
	C("pool_busy", pool.busy),
	C("pool_stored", pool.stored),
	C("pool_no_frame", pool.no_frame),
	C("pool_evicted", pool.evicted),
	C("pool_flushes", pool.flushes),
	C("pool_entries", pool.entries),
	C("pool_frames", pool.frames),
	C("rrl_limited_answer", rrl_limited[XST_RRL_ANSWER]),
	C("rrl_limited_nodata", rrl_limited[XST_RRL_NODATA]),
	C("rrl_limited_nxdomain", rrl_limited[XST_RRL_NXDOMAIN]),
	C("rrl_limited_referral", rrl_limited[XST_RRL_REFERRAL]),
	C("rrl_limited_error", rrl_limited[XST_RRL_ERROR]),
	C("rrl_dropped", rrl_dropped),
	C("rrl_slipped", rrl_slipped),
	C("rrl_exempt", rrl_exempt),
	C("cookie_valid", cookie_valid),
	C("cookie_invalid", cookie_invalid),
	C("cookie_client_only", cookie_client_only),
	C("cookie_malformed", cookie_malformed),
	C("cookie_no_room", cookie_no_room),
};
_Static_assert(sizeof(counters) / sizeof(counters[0]) <= XST_QSTATS_CTR_MAX,
	       "the DNS service's named counters fit the stats map");
#undef C

static void sweep(struct xst_timer *t, uint64_t now, void *ctx)
{
	struct xst_dns_udp *d = (struct xst_dns_udp *)((char *)t - offsetof(struct xst_dns_udp, sweep));
	struct xst_tx *tx = ctx;

	xst_copypool_sweep(d->pool, now);
	xst_timer_arm(tx->timers, t, now + SWEEP_NS);
}

int xst_dns_udp_create(struct xst_dns_udp **out, const struct xst_dns_udp_cfg *cfg)
{
	struct xst_copypool_cfg pc = cfg->pool;
	struct xst_dns_udp *d;
	int err;

	if (!cfg->db || (cfg->send == XST_SEND_PRECOPY && !cfg->io))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = *cfg;
	xst_timer_init(&d->sweep, sweep);
	if (cfg->rrl) {
		const char *why;

		err = xst_rrl_create(&d->rrl, cfg->rrl, &why);
		if (err) {
			free(d);
			return err;
		}
	}
	if (cfg->send == XST_SEND_PRECOPY) {
		if (!pc.slots)
			pc.slots = POOL_SLOTS;
		if (!pc.copies_max)
			pc.copies_max = POOL_COPIES;
		if (!pc.max_frames)
			pc.max_frames = xst_io_cfg(cfg->io)->max_held;
		if (!pc.idle_ns)
			pc.idle_ns = POOL_IDLE_NS;
		pc.key_max = KEY_MAX;
		err = xst_copypool_create(&d->pool, cfg->io, &pc);
		if (err) {
			xst_rrl_destroy(d->rrl);
			free(d);
			return err;
		}
	}
	*out = d;
	return 0;
}

void xst_dns_udp_destroy(struct xst_dns_udp *d)
{
	if (!d)
		return;
	/* Out of the worker's wheel (still there: services go first) before
	 * the memory the timer lives in. */
	if (xst_timer_armed(&d->sweep))
		xst_timer_cancel(d->timers, &d->sweep);
	xst_copypool_destroy(d->pool);
	xst_rrl_destroy(d->rrl);
	free(d);
}

const struct xst_dns_udp_stats *xst_dns_udp_stats(const struct xst_dns_udp *d)
{
	return &d->st;
}

static void dns_begin(void *state, uint64_t now, struct xst_tx *tx)
{
	struct xst_dns_udp *d = state;

	uint64_t serial;

	d->db = xst_rcu_deref(d->cfg.db);
	if (d->cfg.cookies) {
		/* Cookies carry Unix time (RFC 9018): read once per iteration. */
		d->keys = xst_rcu_deref(d->cfg.cookies);
		if (d->cfg.wall_s) {
			d->wall = d->cfg.wall_s();
		} else {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			d->wall = (uint32_t)ts.tv_sec;
		}
	}
	/* By serial, not address: a reloaded db may sit where a freed one was. */
	serial = xst_dns_db_serial(d->db);
	if (serial != d->ahead_serial) {
		d->ahead_serial = serial;
		d->ahead_on = d->cfg.ahead == XST_AHEAD_ON ||
			      (d->cfg.ahead == XST_AHEAD_AUTO && xst_dns_db_ahead(d->db));
	}
	if (!d->pool)
		return;
	if (serial != d->pool_serial) {
		/* Copies answered from the old zones must not be sent again. */
		if (d->pool_serial)
			xst_copypool_flush(d->pool);
		d->pool_serial = serial;
	}
	if (!xst_timer_armed(&d->sweep)) {
		d->timers = tx->timers;
		xst_timer_arm(tx->timers, &d->sweep, now + SWEEP_NS);
	}
	d->st.pool = *xst_copypool_stats(d->pool);
}

/* Overlap the batch's database misses before answering it (dns/db.h). */
static void dns_prepare(void *state, struct xst_frame *const *frames, uint32_t n)
{
	struct xst_dns_udp *d = state;
	struct xst_dns_ahead a[XST_BATCH];
	uint32_t i, step;

	if (!d->ahead_on)
		return;
	for (i = 0; i < n; i++) {
		const struct xst_pkt *p = &frames[i]->pkt;

		a[i].step = 0;
		if (p->l4_proto == XST_IPPROTO_UDP)
			xst_dns_ahead_start(d->db, &a[i], frames[i]->buf.data + p->l4_off + XST_UDP_HLEN,
					    p->l4_len - XST_UDP_HLEN);
	}
	for (step = 0; step < XST_DNS_AHEAD_STEPS; step++)
		for (i = 0; i < n; i++)
			xst_dns_ahead_step(d->db, &a[i]);
}

/*
 * Room for the reply message: within the frame and the interface MTU, and
 * never less than the query itself (a query that arrived fitted the MTU;
 * the responder builds the reply over it).
 */
static inline uint32_t reply_cap(const struct xst_pkt *p, uint32_t cap, uint32_t mtu,
				 uint32_t qlen)
{
	uint32_t room = xst_net_udp_room(p, cap, mtu);

	/* rare: a query longer than an MTU-sized reply may be (jumbo frames) */
	return room >= qlen ? room : xst_net_udp_room(p, cap, 0);
}

/* The size limit the responder will cut a UDP reply to (dns/respond.c). */
static uint32_t udp_limit(const struct xst_dnsmsg_query *q, uint32_t cap)
{
	uint32_t lim = XST_DNS_UDP_MIN;

	if (q->edns) {
		lim = q->udp_size < XST_DNS_UDP_MIN ? XST_DNS_UDP_MIN : q->udp_size;
		if (lim > XST_DNS_EDNS_SIZE)
			lim = XST_DNS_EDNS_SIZE;
	}
	return lim < cap ? lim : cap;
}

struct key {
	uint32_t len;
	uint64_t hash;
	uint16_t qlen;		/* the qname's wire length */
	uint8_t b[KEY_MAX];
};

/*
 * The key of a plain query q (parsed), or 0 when it is not one. Its hash
 * mixes the parse's qname hash with the few other fields: the name is
 * hashed once per query, by the parse.
 */
static int make_key(const uint8_t *frame, const struct xst_pkt *p,
		    const struct xst_dnsmsg_query *q, enum xst_dnsmsg_status st, uint32_t cap,
		    struct key *k)
{
	uint32_t tags = 4u * p->nr_vlans, lim, n = 0;
	uint64_t mix, t = 0;
	uint8_t flags;

	if (st != XST_DNSMSG_OK || q->compressed || q->opcode || q->qclass != XST_C_IN ||
	    q->qtype == XST_T_AXFR || q->qtype == XST_T_IXFR)
		return 0;
	lim = udp_limit(q, cap);
	flags = (uint8_t)(((q->flags & XST_DNS_F_RD) ? KF_RD : 0) | (q->edns ? KF_EDNS : 0) |
			  (q->dnssec_ok ? KF_DO : 0));
	k->b[n++] = p->l3_proto == XST_ETH_P_IP ? 4 : 6;
	k->b[n++] = (uint8_t)tags;
	if (tags) {	/* TPIDs and TCIs: copied into the reply */
		memcpy(k->b + n, frame + 12, tags);
		memcpy(&t, frame + 12, tags);
		n += tags;
	}
	k->b[n++] = flags;
	xst_put_be16(k->b + n, (uint16_t)lim);
	xst_put_be16(k->b + n + 2, q->qtype);
	xst_put_be16(k->b + n + 4, q->qclass);
	n += 6;
	memcpy(k->b + n, q->lname, q->qname_len);
	n += q->qname_len;
	k->len = n;
	k->qlen = q->qname_len;
	mix = ((uint64_t)lim << 32 | (uint64_t)q->qtype << 16 | (uint64_t)flags << 8 | k->b[0]) ^
	      t * 0x9e3779b97f4a7c15ull;
	mix = (mix ^ q->hash) * 0xff51afd7ed558ccdull;
	k->hash = mix ^ mix >> 29;
	return 1;
}

/*
 * The one's-complement sum of p[0..n) (n small, p at an even offset of the
 * checksummed data) in memory order, unfolded: 32-bit native loads into a
 * 64-bit accumulator, which cannot overflow for the spans patched here.
 */
static inline uint64_t span(const uint8_t *p, uint32_t n)
{
	uint64_t s = 0;
	uint32_t i;

	for (i = 0; i + 4 <= n; i += 4)
		s += xst_load32(p + i);
	if (i + 2 <= n) {
		s += xst_load16(p + i);
		i += 2;
	}
	if (i < n)	/* the high-order byte of a zero-padded word */
		s += xst_load16((const uint8_t[2]){ p[i], 0 });
	return s;
}

static inline uint16_t fold16(uint64_t s)
{
	return (uint16_t)~xst_csum_fold(xst_csum_fold64(s));
}

/* The sum of what differs per client in a reply: pseudo-header addresses, ports, DNS id, qname. */
static inline uint16_t client_sum(const uint8_t *ip, uint32_t soff, uint32_t alen,
				  const uint8_t *udp, uint32_t qlen)
{
	const uint8_t *dns = udp + 8;

	return fold16(span(ip + soff, 2 * alen) + xst_load32(udp) + xst_load16(dns) +
		      span(dns + XST_DNS_HDR, qlen));
}

/*
 * A stored copy's UDP checksum sum without its client's part (kept with the
 * entry: every copy of an entry shares it). A hit adds the new client's part.
 */
static uint16_t base_sum(const uint8_t *r, const struct xst_pkt *p, uint32_t qlen)
{
	int v6 = p->l3_proto == XST_ETH_P_IPV6;
	const uint8_t *ip = r + p->l3_off, *udp = ip + (v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN);
	uint16_t s = (uint16_t)~xst_load16(udp + 6);

	return fold16((uint64_t)s + (uint16_t)~client_sum(ip, v6 ? 8 : 12, v6 ? 16 : 4, udp, qlen));
}

/*
 * Rewrite copy c (a reply to an earlier client) for the query frame q, as
 * the memcpy path would have built it: see svc/dns_udp.h. The UDP checksum
 * is the entry's base sum plus this client's part (RFC 1624's idea: only the
 * changed fields are summed); every span starts at an even offset of the
 * checksummed data.
 */
static void patch(uint8_t *c, const uint8_t *q, const struct xst_pkt *p, uint32_t qlen,
		  uint16_t base)
{
	int v6 = p->l3_proto == XST_ETH_P_IPV6;
	uint32_t alen = v6 ? 16 : 4, soff = v6 ? 8 : 12, l2 = p->l3_off;
	uint8_t *ip = c + l2, *udp = ip + (v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN), *dns = udp + 8;
	const uint8_t *qip = q + l2, *qudp = q + p->l4_off, *qdns = qudp + 8;
	uint16_t check;

	memcpy(c, q + XST_ETH_ALEN, XST_ETH_ALEN);	/* to the sender's link-layer address */
	memcpy(c + XST_ETH_ALEN, q, XST_ETH_ALEN);
	memcpy(ip + soff, qip + soff + alen, alen);
	memcpy(ip + soff + alen, qip + soff, alen);
	memcpy(udp, qudp + 2, 2);
	memcpy(udp + 2, qudp, 2);
	memcpy(dns, qdns, 2);
	memcpy(dns + XST_DNS_HDR, qdns + XST_DNS_HDR, qlen);	/* the client's letter case */
	check = xst_csum_fold((uint32_t)base + client_sum(ip, soff, alen, udp, qlen));
	xst_store16(udp + 6, check ? check : 0xffff);

	if (v6) {
		/* version, traffic class (ECN cleared) and flow label as received */
		memcpy(ip, qip, 4);
		ip[1] &= 0xcf;
	} else {
		ip[1] = qip[1] & 0xfc;			/* DSCP kept, ECN cleared */
		memcpy(ip + 4, qip + 4, 2);		/* identification */
		ip[6] = qip[6] & (XST_IPV4_DF >> 8);
		ip[7] = 0;
		ip[10] = ip[11] = 0;
		xst_store16(ip + 10, xst_csum_ipv4hdr(ip));
	}
}

/*
 * Which counters of a struct xst_dns_stats one answer moved (queries,
 * answered, its rcode's, truncated): their indexes, kept with the copy so
 * that a hit counts exactly what the memcpy path counted. 0xff ends the list.
 */
#define NR_DNS_CTRS	(sizeof(struct xst_dns_stats) / sizeof(uint64_t))
_Static_assert(NR_DNS_CTRS < 0xff, "counter indexes fit a byte");

/* meta: the counter list (0xff-terminated, at most 7 entries: an answer moves
 * 3 or 4), the RRL class and name hash of the reply, the base sum last */
#define META_LIST_MAX	7
#define META_RRL	8
#define META_NAME	9
#define META_OPT	13	/* length of the OPT RR ending the copy (0: none) */
#define META_BASE	(XST_CP_META_MAX - 2)
_Static_assert(META_OPT < META_BASE, "meta layout");

static void moved(const struct xst_dns_stats *before, const struct xst_dns_stats *after,
		  uint8_t *list)
{
	const uint64_t *a = (const uint64_t *)before, *b = (const uint64_t *)after;
	size_t i, n = 0;

	for (i = 0; i < NR_DNS_CTRS && n < META_LIST_MAX; i++)
		if (a[i] != b[i])
			list[n++] = (uint8_t)i;
	list[n] = 0xff;
}

static inline void replay(struct xst_dns_stats *st, const uint8_t *list)
{
	uint64_t *c = (uint64_t *)st;

	for (; *list != 0xff; list++)
		c[*list]++;
}

/* The query's source address (before the reply swaps it): its length, 4 or 16. */
static inline size_t client_ip(const uint8_t *frame, const struct xst_pkt *p, uint8_t *ip)
{
	if (p->l3_proto == XST_ETH_P_IPV6) {
		memcpy(ip, frame + p->l3_off + 8, 16);
		return 16;
	}
	memcpy(ip, frame + p->l3_off + 12, 4);
	return 4;
}

/*
 * The OPT RR ending the reply msg[0..len) as dnsmsg and dns/ write it (no
 * options, or one EDE option of 2 bytes): its offset, or -1 (no OPT).
 */
static long reply_opt(const uint8_t *msg, size_t len)
{
	static const size_t sizes[] = { XST_DNS_OPT_LEN, XST_DNS_OPT_LEN + 6 };
	size_t i;

	if (len < XST_DNS_HDR + XST_DNS_OPT_LEN || !xst_get_be16(msg + 10))
		return -1;
	for (i = 0; i < 2; i++) {
		size_t off = len - sizes[i];

		if (len >= XST_DNS_HDR + sizes[i] && !msg[off] &&
		    xst_get_be16(msg + off + 1) == XST_T_OPT &&
		    xst_get_be16(msg + off + 9) == sizes[i] - XST_DNS_OPT_LEN)
			return (long)off;
	}
	return -1;
}

/* What a query brings for this reply: its cookie, address, limits. */
struct qctx {
	struct xst_cookie ck;
	uint8_t ip[16];
	size_t ip_len;
	uint32_t lim;		/* the client's UDP size (cookies must stay within it) */
};

/* Our cookie onto the reply message msg[0..rlen) (the memcpy path). */
static size_t add_cookie(struct xst_dns_udp *d, uint8_t *msg, size_t rlen, const struct qctx *x)
{
	long opt;
	size_t n;

	if (x->ck.status == XST_COOKIE_NONE || x->ck.status == XST_COOKIE_MALFORMED)
		return rlen;
	opt = reply_opt(msg, rlen);
	n = opt < 0 ? 0 : xst_cookie_append(msg, rlen, x->lim, (size_t)opt, &x->ck, d->keys,
					   x->ip, x->ip_len, d->wall);
	if (!n) {
		d->st.cookie_no_room++;
		return rlen;
	}
	return n;
}

/*
 * Our cookie onto a finished reply frame[0..*flen) (a copy, or a reply
 * built for the pool): the DNS message grows at its end, the IP and UDP
 * lengths with it; the UDP checksum moves by the changed words only (RFC
 * 1624): the lengths (in the header and the pseudo-header) and the bytes
 * from the OPT's RDLENGTH to the end, summed before and after from the same
 * even offset, so that the frame is the one the memcpy path sends.
 */
static void add_cookie_frame(struct xst_dns_udp *d, uint8_t *frame, uint32_t *flen,
			     const struct xst_pkt *p, const struct qctx *x)
{
	int v6 = p->l3_proto == XST_ETH_P_IPV6;
	uint8_t *ip = frame + p->l3_off, *udp = ip + (v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN);
	uint8_t *dns = udp + XST_UDP_HLEN;
	size_t dlen = *flen - (size_t)(dns - frame), n, a;
	uint16_t ulen_old, ulen_new, check;
	uint32_t before, after;
	uint64_t sum;
	long opt;

	if (x->ck.status == XST_COOKIE_NONE || x->ck.status == XST_COOKIE_MALFORMED)
		return;
	opt = reply_opt(dns, dlen);
	if (opt < 0) {
		d->st.cookie_no_room++;
		return;
	}
	a = ((size_t)opt + 9) & ~(size_t)1;	/* even: the UDP header is 8 bytes */
	before = xst_csum_partial(dns + a, dlen - a, 0);
	n = xst_cookie_append(dns, dlen, x->lim, (size_t)opt, &x->ck, d->keys, x->ip, x->ip_len,
			      d->wall);
	if (!n) {
		d->st.cookie_no_room++;
		return;
	}
	after = xst_csum_partial(dns + a, n - a, 0);
	ulen_old = xst_load16(udp + 4);
	ulen_new = xst_htobe16((uint16_t)(XST_UDP_HLEN + n));
	sum = (uint16_t)~xst_load16(udp + 6);
	sum += (uint32_t)xst_csum_fold(before) + (uint16_t)~xst_csum_fold(after);
	sum += 2u * ((uint32_t)(uint16_t)~ulen_old + ulen_new);
	check = xst_csum_fold(xst_csum_fold64(sum));
	xst_store16(udp + 4, ulen_new);
	xst_store16(udp + 6, check ? check : 0xffff);
	if (v6) {
		xst_store16(ip + 4, ulen_new);
	} else {
		xst_put_be16(ip + 2, (uint16_t)(XST_IPV4_HLEN + XST_UDP_HLEN + n));
		ip[10] = ip[11] = 0;
		xst_store16(ip + 10, xst_csum_ipv4hdr(ip));
	}
	*flen += (uint32_t)(n - dlen);
}

/*
 * A copy as it was stored (len bytes): the cookie a previous client's reply
 * got was appended to the copy itself, past len, and moved the IP and UDP
 * lengths and the OPT's RDLENGTH; put them back (patch() then recomputes
 * both checksums from the stored sums). opt_len: the OPT RR's length when
 * stored (11, or 17 with an EDE option), 0 when the copy has none.
 */
static void unappend(uint8_t *c, uint32_t len, const struct xst_pkt *p, uint8_t opt_len)
{
	int v6 = p->l3_proto == XST_ETH_P_IPV6;
	uint8_t *ip = c + p->l3_off, *udp = ip + (v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN);
	uint16_t ulen = (uint16_t)(len - (uint32_t)(udp - c));

	if (!opt_len)
		return;
	xst_put_be16(udp + 4, ulen);
	if (v6)
		xst_put_be16(ip + 4, ulen);
	else
		xst_put_be16(ip + 2, (uint16_t)(XST_IPV4_HLEN + ulen));
	xst_put_be16(c + len - opt_len + 9, (uint16_t)(opt_len - XST_DNS_OPT_LEN));
}

/* Mixed into a wildcard's key, so that it differs from its encloser's own answers. */
#define RRL_WILDCARD_SALT	0x2a2a2a2au

/* RRL's word on a reply of class cls (name hash nh) to a query q. */
static enum xst_rrl_verdict limit(struct xst_dns_udp *d, enum xst_rrl_class cls, uint32_t nh,
				  const struct xst_dnsmsg_query *q, const struct qctx *x,
				  uint64_t now)
{
	enum xst_rrl_verdict v;

	if (!d->rrl)
		return XST_RRL_SEND;
	if (x->ck.status == XST_COOKIE_VALID) {
		d->st.rrl_exempt++;
		return XST_RRL_SEND;
	}
	v = xst_rrl_account(d->rrl, cls, x->ip, x->ip_len, nh, q->qtype, now);
	if (v == XST_RRL_SEND)
		return v;
	d->st.rrl_limited[cls]++;
	/* A slip needs the question; a reply to what has none is dropped. */
	if (v == XST_RRL_SLIP && q->status == XST_DNSMSG_OK) {
		d->st.rrl_slipped++;
		return XST_RRL_SLIP;
	}
	d->st.rrl_dropped++;
	return XST_RRL_DROP;
}

/* The cookie of the query msg[0..mlen) (parsed into q), looked at and counted. */
static void query_cookie(struct xst_dns_udp *d, const uint8_t *msg, uint32_t mlen,
			 const struct xst_dnsmsg_query *q, struct qctx *x)
{
	x->ck.status = XST_COOKIE_NONE;
	if (!d->keys || q->status != XST_DNSMSG_OK)
		return;
	switch (xst_cookie_find(msg, mlen, q, &x->ck)) {
	case XST_COOKIE_NONE:
		return;
	case XST_COOKIE_CLIENT_ONLY:
		d->st.cookie_client_only++;
		return;
	case XST_COOKIE_MALFORMED:
		d->st.cookie_malformed++;
		return;
	default:
		break;
	}
	if (xst_cookie_verify(d->keys, &x->ck, x->ip, x->ip_len, d->wall) == XST_COOKIE_VALID)
		d->st.cookie_valid++;
	else
		d->st.cookie_invalid++;
}

static enum xst_verdict dns_frame(void *state, struct xst_frame *f, uint64_t now,
				  struct xst_tx *tx)
{
	struct xst_dns_udp *d = state;
	const struct xst_pkt *p = &f->pkt;
	uint8_t *frame = f->buf.data, *msg;
	enum xst_dnsmsg_status ps;
	struct xst_dnsmsg_query q;
	struct xst_dns_stats before;
	enum xst_rrl_class cls;
	enum xst_rrl_verdict v;
	struct qctx x;
	uint32_t mlen, cap, nh, wh;
	struct key k;
	size_t rlen;
	int keyed = 0;
	long opt;

	if (p->l4_proto != XST_IPPROTO_UDP) {
		d->st.dropped_not_udp++;
		return XST_VERDICT_DROP;
	}
	msg = frame + p->l4_off + XST_UDP_HLEN;
	mlen = p->l4_len - XST_UDP_HLEN;
	cap = reply_cap(p, f->buf.cap, tx->mtu, mlen);
	if (!d->pool && !d->rrl && !d->keys) {	/* no defence: the shortest path */
		rlen = xst_dns_respond(d->db, msg, mlen, cap, XST_DNS_UDP, &d->st.dns);
		if (!rlen)
			return XST_VERDICT_DROP;	/* counted by the responder */
		f->buf.len = xst_net_udp_reply(frame, p, (uint32_t)rlen);
		return XST_VERDICT_REPLY;
	}

	/* parse once, for the key, the cookie and (on a miss) the responder */
	ps = xst_dnsmsg_parse(msg, mlen, &q);
	x.ip_len = client_ip(frame, p, x.ip);
	x.lim = udp_limit(&q, cap);
	query_cookie(d, msg, mlen, &q, &x);
	if (x.ck.status == XST_COOKIE_MALFORMED) {
		/* RFC 7873 5.2.2: FORMERR, counted as the responder counts its own. */
		d->st.dns.queries++;
		d->st.dns.answered++;
		d->st.dns.formerr++;
		rlen = xst_dnsmsg_formerr(msg, &q);
		goto limited;
	}
	keyed = d->pool ? make_key(frame, p, &q, ps, cap, &k) : 0;
	if (d->pool && !keyed) {
		d->st.precopy_uncacheable++;
	} else if (keyed) {
		struct xst_copy c;

		if (!xst_copypool_take(d->pool, k.hash, k.b, k.len, now, &c)) {
			struct xst_io_buf b = { .addr = c.addr, .data = c.data, .len = c.len };

			replay(&d->st.dns, c.meta);
			v = limit(d, (enum xst_rrl_class)c.meta[META_RRL], xst_load32(c.meta + META_NAME),
				  &q, &x, now);
			if (v != XST_RRL_SEND) {
				xst_copypool_untake(d->pool, c.addr);
				if (v == XST_RRL_DROP)
					return XST_VERDICT_DROP;
				/* msg still holds the query: TC=1 from it */
				rlen = xst_dnsmsg_tc(msg, cap, &q);
				goto reply;
			}
			unappend(c.data, c.len, p, c.meta[META_OPT]);
			patch(c.data, frame, p, k.qlen, xst_load16(c.meta + META_BASE));
			add_cookie_frame(d, c.data, &b.len, p, &x);
			d->st.precopy_hits++;
			/* On a full TX queue the copy is back in the pool, counted. */
			xst_tx_send(tx, &b);
			return XST_VERDICT_CONSUMED;
		}
		before = d->st.dns;
	}
	rlen = xst_dns_respond_parsed(d->db, msg, mlen, cap, XST_DNS_UDP, &q, &d->st.dns);
	if (!rlen)
		return XST_VERDICT_DROP;
	if (keyed)
		d->st.precopy_misses++;
	cls = xst_rrl_classify(msg, rlen, q.hash, &nh);
	/* Answers a wildcard makes count by the wildcard (BIND): else every
	 * random name under it is a key of its own, never limited. */
	if (d->rrl && (cls == XST_RRL_ANSWER || cls == XST_RRL_NODATA) && ps == XST_DNSMSG_OK &&
	    xst_dns_db_wildcard(d->db, q.lname, q.qname_len, q.hash, &wh))
		nh = wh ^ RRL_WILDCARD_SALT;
	v = limit(d, cls, nh, &q, &x, now);
	if (v == XST_RRL_DROP)
		return XST_VERDICT_DROP;
	if (v == XST_RRL_SLIP) {
		rlen = xst_dnsmsg_tc(msg, cap, &q);
		goto reply;
	}
	/* Only replies that carry the question where the query had it can be
	 * patched for the next client; the copy is stored without a cookie. */
	if (keyed && rlen >= XST_DNS_HDR + k.qlen + 4u && xst_get_be16(msg + 4) == 1) {
		uint8_t meta[XST_CP_META_MAX];

		f->buf.len = xst_net_udp_reply(frame, p, (uint32_t)rlen);
		moved(&before, &d->st.dns, meta);
		opt = reply_opt(msg, rlen);
		meta[META_OPT] = (uint8_t)(opt < 0 ? 0 : rlen - (size_t)opt);
		meta[META_RRL] = (uint8_t)cls;
		xst_store32(meta + META_NAME, nh);
		xst_store16(meta + META_BASE, base_sum(frame, p, k.qlen));
		xst_copypool_store(d->pool, k.hash, k.b, k.len, frame, f->buf.len, meta, now);
		add_cookie_frame(d, frame, &f->buf.len, p, &x);
		return XST_VERDICT_REPLY;
	}
	goto reply;

limited:
	v = limit(d, XST_RRL_ERROR, 0, &q, &x, now);
	if (v == XST_RRL_DROP)
		return XST_VERDICT_DROP;
	if (v == XST_RRL_SLIP)
		rlen = xst_dnsmsg_tc(msg, cap, &q);
reply:
	if (!rlen)
		return XST_VERDICT_DROP;
	rlen = add_cookie(d, msg, rlen, &x);
	f->buf.len = xst_net_udp_reply(frame, p, (uint32_t)rlen);
	return XST_VERDICT_REPLY;
}

static const void *dns_counters(const void *state)
{
	return &((const struct xst_dns_udp *)state)->st;
}

const struct xst_svc_ops xst_dns_udp_ops = {
	.name = "dns",
	.begin = dns_begin,
	.prepare = dns_prepare,
	.frame = dns_frame,
	.counters = counters,
	.nr_counters = sizeof(counters) / sizeof(counters[0]),
	.counter_block = dns_counters,
};
