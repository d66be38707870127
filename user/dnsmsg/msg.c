// SPDX-License-Identifier: GPL-2.0
/*
 * DNS message parsing and the replies built from a query alone (msg.h).
 * The order of the checks is NSD 4.6's query_process(), because the reply
 * (and whether there is one) depends on which check fails first.
 */
#include "dnsmsg/msg.h"

#include <stddef.h>
#include <string.h>

#include "dnsmsg/parse.h"

#define MAX_HOPS	64	/* compression pointers followed in a question */

/*
 * The qname at msg[12..) when it has compression pointers: follows them
 * (each must point before itself, at most MAX_HOPS) and writes the name as
 * sent into q->qname and lower-cased into q->lname. Returns the wire length,
 * or 0 if malformed; *end is where the question's name ends in the message.
 */
size_t xst_dnsmsg_qname_slow(const uint8_t *msg, size_t len, struct xst_dnsmsg_query *q,
			     size_t *end)
{
	size_t off = XST_DNS_HDR, lp = 0, hops = 0;

	*end = 0;
	for (;;) {
		size_t to, i;
		uint8_t l;

		if (off >= len)
			return 0;
		l = msg[off];
		if ((l & 0xc0) == 0xc0) {
			if (off + 1 >= len || ++hops > MAX_HOPS)
				return 0;
			to = (size_t)(l & 0x3f) << 8 | msg[off + 1];
			/* Only a prior occurrence is a name (RFC 1035 4.1.4); a
			 * pointer to itself or beyond is FORMERR, as NSD says. */
			if (to >= off)
				return 0;
			if (!*end)
				*end = off + 2;
			off = to;
			continue;
		}
		if (l & 0xc0)
			return 0;
		if (lp + l + 1 > XST_DNAME_MAX || off + l + 1 > len)
			return 0;
		q->qname[lp] = q->lname[lp] = l;
		lp++;
		if (!l)
			break;
		for (i = 1; i <= l; i++) {
			q->qname[lp] = msg[off + i];
			q->lname[lp] = xst_lower(msg[off + i]);
			lp++;
		}
		off += l + 1u;
	}
	if (!*end)
		*end = off + 1;
	return lp;
}

/*
 * NSD packet_skip_rr(): skips a question (name + 4) or an RR (name + 10 +
 * RDATA) at *off without looking into it: any label with a high bit set is
 * taken for a 2-byte pointer. 0, or -1 if it runs past len.
 */
static int skip_rr(const uint8_t *msg, size_t len, size_t *off, int question)
{
	size_t o = *off;

	for (;;) {
		unsigned int l;

		if (o >= len)
			return -1;
		l = msg[o++];
		if (!l)
			break;
		if (l & 0xc0) {
			if (o >= len)
				return -1;
			o++;
			break;
		}
		if (o + l > len)
			return -1;
		o += l;
	}
	if (question) {
		if (o + 4 > len)
			return -1;
		*off = o + 4;
		return 0;
	}
	if (o + 10 > len || o + 10 + xst_get_be16(msg + o + 8) > len)
		return -1;
	*off = o + 10 + xst_get_be16(msg + o + 8);
	return 0;
}

/*
 * NSD dname_make_wire_from_packet() with pointers allowed: the name at *off
 * (pointers to anywhere in the message, at most MAX_HOPS), lower-cased into
 * out. Returns its length, or 0 if malformed; *off moves past it.
 */
static size_t read_name(const uint8_t *msg, size_t len, size_t *off, uint8_t *out)
{
	size_t o = *off, n = 0, end = 0, hops = 0;

	for (;;) {
		unsigned int l;
		size_t i;

		if (o >= len)
			return 0;
		l = msg[o];
		if ((l & 0xc0) == 0xc0) {
			if (o + 1 >= len || ++hops > MAX_HOPS)
				return 0;
			if (!end)
				end = o + 2;
			o = (size_t)(l & 0x3f) << 8 | msg[o + 1];
			continue;
		}
		if (l & 0xc0 || o + l + 1 > len || n + l + 1 > XST_DNAME_MAX)
			return 0;
		out[n++] = (uint8_t)l;
		for (i = 1; i <= l; i++)
			out[n++] = xst_lower(msg[o + i]);
		o += l + 1;
		if (!l)
			break;
	}
	*off = end ? end : o;
	return n;
}

/* A TSIG RR, as far as the BADKEY reply needs it. */
struct tsig {
	uint8_t key[XST_DNAME_MAX], alg[XST_DNAME_MAX];
	size_t key_len, alg_len;
	const uint8_t *time_fudge;	/* time signed (6 bytes) and fudge (2), as sent */
	const uint8_t *orig_id;		/* 2 bytes, as sent */
	const uint8_t *other;
	size_t other_len;		/* at most 16 (NSD's limit) */
};

/*
 * NSD tsig_parse_rr() at off: 1 for a TSIG (type TSIG, class ANY), filled
 * into *t; 0 for another record (not looked into); -1 if malformed. Like
 * NSD, it checks every field against the message, not against RDLENGTH.
 */
static int parse_tsig(const uint8_t *msg, size_t len, size_t off, struct tsig *t)
{
	size_t mac;

	t->key_len = read_name(msg, len, &off, t->key);
	if (!t->key_len || off + 10 > len)
		return -1;
	if (xst_get_be16(msg + off) != XST_T_TSIG || xst_get_be16(msg + off + 2) != XST_C_ANY)
		return 0;
	if (xst_get_be32(msg + off + 4) || xst_get_be16(msg + off + 8) > len - off - 10)
		return -1;
	off += 10;
	t->alg_len = read_name(msg, len, &off, t->alg);
	if (!t->alg_len || off + 10 > len)
		return -1;
	t->time_fudge = msg + off;
	mac = xst_get_be16(msg + off + 8);
	off += 10;
	if (mac > 16384 || mac > len - off)
		return -1;
	off += mac;
	if (off + 6 > len)
		return -1;
	t->orig_id = msg + off;
	t->other_len = xst_get_be16(msg + off + 4);
	off += 6;
	if (t->other_len > 16 || t->other_len > len - off)
		return -1;
	t->other = msg + off;
	return 1;
}

/*
 * The authority and additional sections of a QUERY that are not just one
 * OPT (NSD query_process()): IXFR's authority skipped (64 records at most),
 * then an OPT if one is first, then a TSIG if one is next, then nothing.
 */
enum xst_dnsmsg_status xst_dnsmsg_parse_records(const uint8_t *msg, size_t len, size_t off,
						struct xst_dnsmsg_query *q)
{
	enum xst_dnsmsg_status edns = XST_DNSMSG_OK;
	unsigned int ar = q->arcount, i;
	struct tsig t;
	int r;

	if (q->nscount > 64)
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_SECTION);
	for (i = 0; i < q->nscount; i++)
		if (skip_rr(msg, len, &off, 0))
			return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_SECTION);
	if (ar && dnsmsg_is_opt(msg, len, off)) {
		edns = dnsmsg_opt(msg, len, off, q);
		if (edns == XST_DNSMSG_FORMERR)
			return edns;
		/* NSD reads no further into an OPT of another version. */
		off += XST_DNS_OPT_LEN + (edns == XST_DNSMSG_OK ? q->opt_len - XST_DNS_OPT_LEN : 0);
		ar--;
	}
	if (ar) {
		r = parse_tsig(msg, len, off, &t);
		if (r < 0)
			return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL);
		if (r) {
			q->tsig_off = (uint16_t)off;
			ar--;
		}
	}
	if (ar)
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL);
	/* NSD checks the TSIG before the EDNS version. */
	if (q->tsig_off)
		return dnsmsg_fail(q, XST_DNSMSG_TSIG, XST_DNSMSG_E_NONE);
	return dnsmsg_fail(q, edns, XST_DNSMSG_E_NONE);
}

enum xst_dnsmsg_status xst_dnsmsg_parse_notify(const uint8_t *msg, size_t len,
					       struct xst_dnsmsg_query *q)
{
	size_t total = (size_t)q->qdcount + q->ancount + q->nscount + q->arcount, off = XST_DNS_HDR;
	struct tsig t;
	size_t i;
	int r;

	/* NSD tsig_find_rr(): the TSIG, if any, is the last record. */
	if (!q->arcount)
		return dnsmsg_fail(q, XST_DNSMSG_NOTIFY, XST_DNSMSG_E_NONE);
	if (len > XST_DNS_MSG_MAX)
		len = XST_DNS_MSG_MAX;
	if (total > 65530)	/* NSD: more than 64k could hold */
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL);
	for (i = 0; i + 1 < total; i++)
		if (skip_rr(msg, len, &off, i < q->qdcount))
			return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL);
	r = parse_tsig(msg, len, off, &t);
	if (r < 0)
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL);
	q->tsig_off = r ? (uint16_t)off : 0;
	return dnsmsg_fail(q, r ? XST_DNSMSG_TSIG : XST_DNSMSG_NOTIFY, XST_DNSMSG_E_NONE);
}

enum xst_dnsmsg_status xst_dnsmsg_parse(const uint8_t *msg, size_t len,
					struct xst_dnsmsg_query *q)
{
	return xst_dnsmsg_parse_inline(msg, len, q);
}

/* ---- replies ------------------------------------------------------------------ */

size_t xst_dnsmsg_question(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q)
{
	size_t qend = xst_dnsmsg_qend(q);

	if (!q->compressed)
		return qend;
	if (qend > cap)
		return 0;
	/* From q, not from msg: a second call (the responder expands, then a
	 * builder does) must not move bytes the first one already moved. */
	memcpy(msg + XST_DNS_HDR, q->qname, q->qname_len);
	xst_put_be16(msg + XST_DNS_HDR + q->qname_len, q->qtype);
	xst_put_be16(msg + XST_DNS_HDR + q->qname_len + 2, q->qclass);
	return qend;
}

size_t xst_dnsmsg_hdr_error(uint8_t *msg, const struct xst_dnsmsg_query *q, unsigned int rcode)
{
	uint16_t flags = q->flags;

	flags = (uint16_t)(((flags | XST_DNS_F_QR) & ~(XST_DNS_F_AD | XST_DNS_F_RCODE)) | rcode);
	xst_put_be16(msg + 2, flags);
	memset(msg + 4, 0, 8);
	return XST_DNS_HDR;
}

size_t xst_dnsmsg_formerr(uint8_t *msg, const struct xst_dnsmsg_query *q)
{
	struct xst_dnsmsg_query k = *q;

	if (q->error == XST_DNSMSG_E_NOQUESTION) {
		/* NSD: query_error(FORMAT), its OPT added, then the flags set to
		 * RD alone, which clears the rcode too. The query held an OPT at
		 * offset 12, so the 23 bytes fit where it was. */
		xst_put_be16(msg + 2, (uint16_t)(XST_DNS_F_QR | (q->flags & (XST_DNS_F_RD |
									XST_DNS_F_OPCODE))));
		memset(msg + 4, 0, 6);
		xst_put_be16(msg + 10, 1);
		return XST_DNS_HDR + xst_dnsmsg_put_opt(msg + XST_DNS_HDR, q->dnssec_ok, 0, -1);
	}

	/* NSD: FLAGS_SET(0) before query_formerr() for QDCOUNT != 1. */
	k.flags = q->error == XST_DNSMSG_E_QDCOUNT ? 0 : q->flags & (XST_DNS_F_RD | XST_DNS_F_OPCODE);
	return xst_dnsmsg_hdr_error(msg, &k, XST_RCODE_FORMERR);
}

size_t xst_dnsmsg_notimp(uint8_t *msg, const struct xst_dnsmsg_query *q)
{
	return xst_dnsmsg_hdr_error(msg, q, XST_RCODE_NOTIMP);
}

size_t xst_dnsmsg_put_opt(uint8_t *p, int dnssec_ok, unsigned int rcode, int ede)
{
	return xst_dnsmsg_put_opt_inline(p, dnssec_ok, rcode, ede);
}

/* The question, no records, flags as given; our OPT when the query had EDNS. */
static size_t reply_q(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q, uint16_t flags,
		      unsigned int rcode, int dnssec_ok, int ede)
{
	size_t pos = xst_dnsmsg_question(msg, cap, q);

	if (!pos || (q->edns && pos + XST_DNSMSG_OPT_MAX > cap))
		return 0;
	xst_put_be16(msg + 2, (uint16_t)(flags | (rcode & XST_DNS_F_RCODE)));
	xst_put_be16(msg + 4, 1);
	xst_put_be16(msg + 6, 0);
	xst_put_be16(msg + 8, 0);
	xst_put_be16(msg + 10, (uint16_t)q->edns);
	if (q->edns)
		pos += xst_dnsmsg_put_opt(msg + pos, dnssec_ok, rcode, ede);
	return pos;
}

size_t xst_dnsmsg_bare(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q,
		       unsigned int rcode, int ede)
{
	return reply_q(msg, cap, q, (uint16_t)(XST_DNS_F_QR | (q->flags & XST_DNS_F_RD)), rcode,
		       q->dnssec_ok, ede);
}

size_t xst_dnsmsg_refused(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q, int ede)
{
	return xst_dnsmsg_bare(msg, cap, q, XST_RCODE_REFUSED, ede);
}

size_t xst_dnsmsg_badvers(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q)
{
	return reply_q(msg, cap, q, (uint16_t)(XST_DNS_F_QR | (q->flags & XST_DNS_F_RD)),
		       XST_RCODE_BADVERS, 0, -1);
}

size_t xst_dnsmsg_badkey(uint8_t *msg, size_t len, size_t cap, const struct xst_dnsmsg_query *q)
{
	uint8_t rr[XST_DNAME_MAX * 2 + 10 + 16 + 16], *p = rr;
	size_t pos = XST_DNS_HDR, rdlen;
	struct tsig t;

	if (len > XST_DNS_MSG_MAX)
		len = XST_DNS_MSG_MAX;
	if (!q->tsig_off || parse_tsig(msg, len, q->tsig_off, &t) != 1)
		return 0;
	/* Built aside first: its fields are read from where the reply goes. */
	memcpy(p, t.key, t.key_len);
	p += t.key_len;
	xst_put_be16(p, XST_T_TSIG);
	xst_put_be16(p + 2, XST_C_ANY);
	xst_put_be32(p + 4, 0);
	rdlen = t.alg_len + 16 + t.other_len;
	xst_put_be16(p + 8, (uint16_t)rdlen);
	p += 10;
	memcpy(p, t.alg, t.alg_len);
	p += t.alg_len;
	memcpy(p, t.time_fudge, 8);
	xst_put_be16(p + 8, 0);		/* MAC size: no MAC without the key */
	memcpy(p + 10, t.orig_id, 2);
	xst_put_be16(p + 12, XST_TSIG_BADKEY);
	xst_put_be16(p + 14, (uint16_t)t.other_len);
	memcpy(p + 16, t.other, t.other_len);
	p += 16 + t.other_len;

	if (pos + (q->edns ? XST_DNS_OPT_LEN : 0) + (size_t)(p - rr) > cap)
		return 0;
	xst_dnsmsg_hdr_error(msg, q, XST_RCODE_NOTAUTH);
	xst_put_be16(msg + 10, (uint16_t)(q->edns + 1));
	if (q->edns)
		pos += xst_dnsmsg_put_opt(msg + pos, q->edns_version ? 0 : q->dnssec_ok,
					  q->edns_version ? XST_RCODE_BADVERS : 0, -1);
	memcpy(msg + pos, rr, (size_t)(p - rr));
	return pos + (size_t)(p - rr);
}

size_t xst_dnsmsg_tc(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q)
{
	return reply_q(msg, cap, q,
		       (uint16_t)(XST_DNS_F_QR | XST_DNS_F_TC | (q->flags & XST_DNS_F_RD)),
		       XST_RCODE_NOERROR, q->dnssec_ok, -1);
}
