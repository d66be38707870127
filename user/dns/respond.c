// SPDX-License-Identifier: GPL-2.0
/*
 * The per-query responder: parse the header and question in place, one hash
 * lookup on the lower-cased qname, pick the prepared form for the qtype and
 * copy it after the question, which stays where the client wrote it (its
 * letter case included). No allocation, no lock, no system call.
 *
 * Error and edge cases follow NSD 4.6 (query.c) so that a differential test
 * against it passes: header-only FORMERR/NOTIMP, REFUSED with the question,
 * RD the only flag copied from the query, truncation per RRset.
 */
#include "dns/db.h"

#include <string.h>

#include "dns/db_priv.h"
#include "dns/wire.h"

#define MAX_HOPS	64	/* compression pointers followed in a question */
#define SLOW_SETS	1024	/* RRsets handled when a form must be cut */

/* Extended DNS Errors (RFC 8914) NSD 4.6 attaches to its REFUSED replies. */
#define XST_EDNS_EDE		15
#define XST_EDE_PROHIBITED	18	/* IXFR/AXFR refused */
#define XST_EDE_NOT_AUTH	20	/* name in none of our zones */
#define XST_EDE_NOT_SUPPORTED	21	/* class other than IN */

struct query {
	uint16_t flags;		/* the query's header flags */
	uint16_t qtype, qclass;
	size_t qlen;		/* wire length of the qname */
	size_t qend;		/* end of the question in the reply */
	int edns, dnssec_ok;
	unsigned int udp_size;
};

/* NSD query_error(): header only, the query's flags kept. */
static size_t hdr_error(uint8_t *msg, uint16_t flags, unsigned int rcode)
{
	flags = (uint16_t)(((flags | XST_DNS_F_QR) & ~(XST_DNS_F_AD | XST_DNS_F_RCODE)) | rcode);
	xst_put_be16(msg + 2, flags);
	memset(msg + 4, 0, 8);
	return XST_DNS_HDR;
}

/* NSD query_formerr(): header only, RD and the opcode kept. */
static size_t formerr(uint8_t *msg, uint16_t flags, struct xst_dns_stats *st)
{
	st->formerr++;
	st->answered++;
	return hdr_error(msg, flags & (XST_DNS_F_RD | XST_DNS_F_OPCODE), XST_RCODE_FORMERR);
}

/* Our OPT RR; ede >= 0 adds an Extended DNS Error option (RFC 8914) as NSD does. */
static size_t put_opt(uint8_t *p, const struct query *q, unsigned int ext_rcode, int ede)
{
	p[0] = 0;
	xst_put_be16(p + 1, XST_T_OPT);
	xst_put_be16(p + 3, XST_DNS_EDNS_SIZE);
	p[5] = (uint8_t)ext_rcode;
	p[6] = 0;
	xst_put_be16(p + 7, q->dnssec_ok ? 0x8000 : 0);
	if (ede < 0) {
		xst_put_be16(p + 9, 0);
		return XST_DNS_OPT_LEN;
	}
	xst_put_be16(p + 9, 6);
	xst_put_be16(p + 11, XST_EDNS_EDE);
	xst_put_be16(p + 13, 2);
	xst_put_be16(p + 15, (uint16_t)ede);
	return XST_DNS_OPT_LEN + 6;
}

/* Reply with the question and no records (REFUSED, NOTIMP, BADVERS). */
static size_t bare(uint8_t *msg, size_t cap, const struct query *q, unsigned int rcode, int ede)
{
	size_t pos = q->qend;

	if (q->edns && pos + XST_DNS_OPT_LEN + 6 > cap)
		return 0;
	xst_put_be16(msg + 2, (uint16_t)(XST_DNS_F_QR | (q->flags & XST_DNS_F_RD) | (rcode & 0xf)));
	xst_put_be16(msg + 4, 1);
	xst_put_be16(msg + 6, 0);
	xst_put_be16(msg + 8, 0);
	xst_put_be16(msg + 10, (uint16_t)q->edns);
	if (q->edns)
		pos += put_opt(msg + pos, q, rcode >> 4, ede);
	return pos;
}

/*
 * General qname parser, used when the question has compression pointers:
 * follows them (at most MAX_HOPS, each must land inside the message) and
 * writes the name in its original case into name and lower-cased into
 * lname. Returns the wire length, or 0 if malformed; *end is where the
 * question's name ends in the message.
 */
static size_t parse_qname_slow(const uint8_t *msg, size_t len, uint8_t *name, uint8_t *lname,
			       size_t *end)
{
	size_t off = XST_DNS_HDR, lp = 0, hops = 0;

	*end = 0;
	for (;;) {
		uint8_t l;
		size_t i;

		if (off >= len)
			return 0;
		l = msg[off];
		if ((l & 0xc0) == 0xc0) {
			if (off + 1 >= len || ++hops > MAX_HOPS)
				return 0;
			if (!*end)
				*end = off + 2;
			off = (size_t)(l & 0x3f) << 8 | msg[off + 1];
			continue;
		}
		if (l & 0xc0)
			return 0;
		if (lp + l + 1 > XST_DNAME_MAX || off + l + 1 > len)
			return 0;
		name[lp] = lname[lp] = l;
		lp++;
		if (!l)
			break;
		for (i = 1; i <= l; i++) {
			name[lp] = msg[off + i];
			lname[lp] = xst_lower(msg[off + i]);
			lp++;
		}
		off += l + 1u;
	}
	if (!*end)
		*end = off + 1;
	return lp;
}

/* Index of the form RRset holding body offset b (sets are in body order). */
static size_t set_of(const struct xst_dns_fset *s, size_t nr, size_t b)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s[mid].end <= b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The form does not fit in limit (or the class is ANY): copy it RRset by
 * RRset as NSD's encode_answer() would write it. Answer and authority
 * RRsets that do not fit set TC and end the reply; optional ones (apex NS,
 * additional) that do not fit are left out and end the reply after their
 * section. Pointers are then moved to where their targets went.
 */
static size_t emit_slow(uint8_t *msg, size_t limit, const struct query *q,
			const struct xst_dns_form *f, int class_any, uint16_t *counts, int *tc)
{
	const struct xst_dns_fset *s = xst_form_sets(f);
	const uint16_t *ptr = xst_form_ptrs(f);
	const uint8_t *body = xst_form_body(f);
	uint16_t rm[SLOW_SETS];
	uint8_t keep[SLOW_SETS];
	size_t nsets = f->nr_set < SLOW_SETS ? f->nr_set : SLOW_SETS;
	size_t pos = q->qend, removed = 0, i, j;
	long delta = (long)q->qend - (long)f->ref_qend;
	int done = 0, done_sec = -1, cur = -1;
	unsigned int nr_a = 0;

	counts[0] = counts[1] = counts[2] = 0;
	memset(keep, 0, nsets);
	for (i = 0; i < nsets; i++) {
		size_t start = i ? s[i - 1].end : 0, size = s[i].end - start;
		int sec = s[i].section;

		if (sec != cur) {
			if (done)
				break;
			cur = sec;
		}
		rm[i] = (uint16_t)removed;
		if (class_any && (sec == XST_SEC_OPT_AUTH || (s[i].flags & (XST_FSET_NS_ONLY | XST_FSET_NEG)))) {
			removed += size;
			continue;
		}
		if (pos + size > limit) {
			if (sec <= XST_SEC_AUTHORITY) {
				*tc = 1;
				break;
			}
			removed += size;
			done = 1;
			done_sec = sec;
			continue;
		}
		memcpy(msg + pos, body + start, size);
		pos += size;
		keep[i] = 1;
		counts[sec == XST_SEC_ANSWER ? 0 : sec <= XST_SEC_OPT_AUTH ? 1 : 2] += s[i].nr_rr;
		if (sec == XST_SEC_ADD_A)
			nr_a += s[i].nr_rr;
	}
	/* NSD: a referral must carry a usable address or say TC. */
	if (done && done_sec == XST_SEC_ADD_A && !nr_a && f->kind == XST_KIND_REFERRAL)
		*tc = 1;

	for (i = 0, j = 0; i < f->nr_ptr; i++) {
		size_t p = ptr[i], np, v, k;

		while (j < nsets && s[j].end <= p)
			j++;
		if (j >= nsets)
			break;
		if (!keep[j])
			continue;
		np = q->qend + p - rm[j];
		v = xst_get_be16(msg + np) & 0x3fff;
		if (v == XST_DNS_HDR && f->p12_fixed)
			continue;
		if (v < f->ref_qend) {
			v = (size_t)((long)v + delta);
		} else {
			k = set_of(s, nsets, v - f->ref_qend);
			if (k >= nsets)
				continue;
			v = q->qend + (v - f->ref_qend) - rm[k];
		}
		xst_put_be16(msg + np, (uint16_t)(0xc000 | (v & 0x3fff)));
	}
	return pos;
}

static size_t answer(const struct xst_dns_db *db, uint8_t *msg, size_t cap, int transport,
		     const struct query *q, uint32_t form, struct xst_dns_stats *st)
{
	const struct xst_dns_form *f = xst_db_form(db, form);
	size_t limit, optlen = q->edns ? XST_DNS_OPT_LEN : 0, pos;
	int class_any = q->qclass == XST_C_ANY, tc = 0;
	uint16_t flags, counts[3];

	if (transport == XST_DNS_TCP) {
		limit = 65535;
	} else if (q->edns) {
		limit = q->udp_size < XST_DNS_UDP_MIN ? XST_DNS_UDP_MIN : q->udp_size;
		if (limit > XST_DNS_EDNS_SIZE)
			limit = XST_DNS_EDNS_SIZE;
	} else {
		limit = XST_DNS_UDP_MIN;
	}
	if (limit > cap)
		limit = cap;
	if (q->qend + optlen > limit) {
		st->dropped_short++;
		return 0;
	}
	limit -= optlen;

	if (q->qend + f->body_len <= limit && !class_any) {
		uint8_t *out = msg + q->qend;
		long delta = (long)q->qend - (long)f->ref_qend;

		memcpy(out, xst_form_body(f), f->body_len);
		if (delta) {
			const uint16_t *ptr = xst_form_ptrs(f);
			unsigned int i;

			for (i = 0; i < f->nr_ptr; i++) {
				uint8_t *p = out + ptr[i];
				unsigned int v = xst_get_be16(p) & 0x3fff;

				if (v == XST_DNS_HDR && f->p12_fixed)
					continue;
				xst_put_be16(p, (uint16_t)(0xc000 | ((v + delta) & 0x3fff)));
			}
		}
		pos = q->qend + f->body_len;
		counts[0] = f->count[0];
		counts[1] = f->count[1];
		counts[2] = f->count[2];
	} else {
		pos = emit_slow(msg, limit, q, f, class_any, counts, &tc);
	}

	flags = (uint16_t)(f->flags | (q->flags & XST_DNS_F_RD));
	if (class_any && !f->aa_any)
		flags &= (uint16_t)~XST_DNS_F_AA;
	if (tc) {
		flags |= XST_DNS_F_TC;
		st->truncated++;
	}
	xst_put_be16(msg + 2, flags);
	xst_put_be16(msg + 4, 1);
	xst_put_be16(msg + 6, counts[0]);
	xst_put_be16(msg + 8, counts[1]);
	xst_put_be16(msg + 10, (uint16_t)(counts[2] + !!q->edns));
	if (q->edns)
		pos += put_opt(msg + pos, q, 0, -1);

	st->answered++;
	switch (f->kind) {
	case XST_KIND_ANSWER:
		st->noerror++;
		break;
	case XST_KIND_NODATA:
		st->nodata++;
		break;
	case XST_KIND_NXDOMAIN:
		st->nxdomain++;
		break;
	default:
		st->referral++;
		break;
	}
	return pos;
}

/* Skips one RR at *off; 0, or -1 if it runs past len. */
static int skip_rr(const uint8_t *msg, size_t len, size_t *off)
{
	size_t o = *off;

	for (;;) {
		if (o >= len)
			return -1;
		if ((msg[o] & 0xc0) == 0xc0) {
			o += 2;
			break;
		}
		if (msg[o] & 0xc0)
			return -1;
		if (!msg[o]) {
			o++;
			break;
		}
		o += msg[o] + 1u;
	}
	if (o + 10 > len || o + 10 + xst_get_be16(msg + o + 8) > len)
		return -1;
	*off = o + 10 + xst_get_be16(msg + o + 8);
	return 0;
}

size_t xst_dns_respond(const struct xst_dns_db *db, uint8_t *msg, size_t len, size_t cap,
		       int transport, struct xst_dns_stats *st)
{
	uint8_t lname[XST_DNAME_MAX], name[XST_DNAME_MAX];
	const struct xst_dns_node *n;
	struct query q;
	size_t off, lp, qin_end;
	unsigned int opcode, ancount, nscount, arcount, i;
	uint32_t h, form;
	int compressed = 0;

	st->queries++;
	if (len < XST_DNS_HDR || cap < len) {
		st->dropped_short++;
		return 0;
	}
	if (len > 65535)
		len = 65535;
	q.flags = xst_get_be16(msg + 2);
	if (q.flags & XST_DNS_F_QR) {
		st->dropped_qr++;
		return 0;
	}
	opcode = (q.flags & XST_DNS_F_OPCODE) >> 11;
	if (opcode != XST_DNS_OPCODE_QUERY && opcode != XST_DNS_OPCODE_NOTIFY) {
		st->notimp++;
		st->answered++;
		return hdr_error(msg, q.flags, XST_RCODE_NOTIMP);
	}
	if (q.flags & XST_DNS_F_RCODE)
		return formerr(msg, q.flags, st);

	/* The qname: find its end (labels only), then lower-case and hash
	 * it 8 bytes at a time. */
	off = XST_DNS_HDR;
	for (;;) {
		unsigned int l;

		if (off >= len)
			return formerr(msg, q.flags, st);
		l = msg[off];
		if (!l)
			break;
		if (l & 0xc0) {
			if ((l & 0xc0) != 0xc0)
				return formerr(msg, q.flags, st);
			compressed = 1;
			break;
		}
		off += l + 1;
		if (off - XST_DNS_HDR > XST_DNAME_MAX - 1)
			return formerr(msg, q.flags, st);
	}
	if (compressed) {
		lp = parse_qname_slow(msg, len, name, lname, &off);
		if (!lp)
			return formerr(msg, q.flags, st);
	} else {
		lp = off + 1 - XST_DNS_HDR;
		xst_lower_copy(lname, msg + XST_DNS_HDR, lp);
		off++;
	}
	h = xst_name_hash(lname, lp);
	qin_end = off + 4;
	if (qin_end > len)
		return formerr(msg, q.flags, st);
	q.qtype = xst_get_be16(msg + off);
	q.qclass = xst_get_be16(msg + off + 2);
	q.qlen = lp;
	q.qend = XST_DNS_HDR + lp + 4;

	if (opcode == XST_DNS_OPCODE_NOTIFY) {
		/* NSD without an allow-notify: REFUSED, header only. */
		st->refused++;
		st->answered++;
		return hdr_error(msg, q.flags, XST_RCODE_REFUSED);
	}
	if (xst_get_be16(msg + 4) != 1)
		return formerr(msg, 0, st);
	ancount = xst_get_be16(msg + 6);
	nscount = xst_get_be16(msg + 8);
	arcount = xst_get_be16(msg + 10);
	if (ancount || (nscount && q.qtype != XST_T_IXFR))
		return formerr(msg, q.flags, st);

	/* EDNS: the only additional record we accept is one OPT RR. */
	q.edns = 0;
	q.dnssec_ok = 0;
	q.udp_size = XST_DNS_UDP_MIN;
	if (arcount) {
		unsigned int version, rdlen;

		off = qin_end;
		for (i = 0; i < nscount; i++)
			if (skip_rr(msg, len, &off))
				return formerr(msg, q.flags, st);
		if (arcount > 1 || off + XST_DNS_OPT_LEN > len || msg[off] ||
		    xst_get_be16(msg + off + 1) != XST_T_OPT)
			return formerr(msg, q.flags, st);
		version = msg[off + 6];
		rdlen = xst_get_be16(msg + off + 9);
		q.edns = 1;
		q.udp_size = xst_get_be16(msg + off + 3);
		q.dnssec_ok = !!(msg[off + 7] & 0x80);
		if (version) {
			/* RFC 6891 6.1.3: BADVERS, question echoed, our OPT
			 * (NSD does not copy DO into it). */
			q.dnssec_ok = 0;
			if (compressed) {
				if (q.qend > cap) {
					st->dropped_short++;
					return 0;
				}
				memmove(msg + XST_DNS_HDR + lp, msg + qin_end - 4, 4);
				memcpy(msg + XST_DNS_HDR, name, lp);
			}
			st->badvers++;
			st->answered++;
			return bare(msg, cap, &q, XST_RCODE_BADVERS, -1);
		}
		off += XST_DNS_OPT_LEN;
		if (rdlen > len - off)
			return formerr(msg, q.flags, st);
		while (rdlen >= 4) {
			unsigned int optlen = xst_get_be16(msg + off + 2);

			rdlen -= 4;
			if (rdlen < optlen)
				return formerr(msg, q.flags, st);
			off += 4 + optlen;
			rdlen -= optlen;
		}
		if (rdlen)
			return formerr(msg, q.flags, st);
	}

	if (compressed) {
		/* Expanded in the reply: the question must not point anywhere. */
		if (q.qend > cap) {
			st->dropped_short++;
			return 0;
		}
		memmove(msg + XST_DNS_HDR + lp, msg + qin_end - 4, 4);
		memcpy(msg + XST_DNS_HDR, name, lp);
	}

	if (q.qclass != XST_C_IN && q.qclass != XST_C_ANY) {
		st->refused++;
		st->answered++;
		if (q.qclass == XST_C_NONE)
			return hdr_error(msg, q.flags, XST_RCODE_REFUSED);
		return bare(msg, cap, &q, XST_RCODE_REFUSED, XST_EDE_NOT_SUPPORTED);
	}
	if (q.qtype == XST_T_AXFR || q.qtype == XST_T_IXFR) {
		/* No zone transfers. NSD over UDP: AXFR NOTIMP, IXFR REFUSED. */
		if (q.qtype == XST_T_AXFR && transport != XST_DNS_TCP) {
			st->notimp++;
			st->answered++;
			return bare(msg, cap, &q, XST_RCODE_NOTIMP, -1);
		}
		st->refused++;
		st->answered++;
		return bare(msg, cap, &q, XST_RCODE_REFUSED, XST_EDE_PROHIBITED);
	}

	n = xst_db_find(db, lname, lp, h);
	if (n) {
		form = n->zone == XST_DNS_NOZONE ? XST_DNS_NONE : xst_db_pick(db, n, q.qtype);
	} else {
		/* Walk up to the closest encloser. */
		off = 0;
		form = XST_DNS_NONE;
		while (lname[off]) {
			off += lname[off] + 1u;
			n = xst_db_find(db, lname + off, lp - off, xst_name_hash(lname + off, lp - off));
			if (n)
				break;
		}
		if (n && n->zone != XST_DNS_NOZONE)
			form = n->wild != XST_DNS_NONE ? xst_db_pick(db, &db->nodes[n->wild], q.qtype) :
							  n->below;
	}
	if (form == XST_DNS_NONE) {
		st->refused++;
		st->answered++;
		return bare(msg, cap, &q, XST_RCODE_REFUSED, XST_EDE_NOT_AUTH);
	}
	return answer(db, msg, cap, transport, &q, form, st);
}
