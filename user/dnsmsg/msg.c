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

/* Skips one RR at *off; 0, or -1 if it runs past len. */
int xst_dnsmsg_skip_rr(const uint8_t *msg, size_t len, size_t *off)
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
	p[0] = 0;
	xst_put_be16(p + 1, XST_T_OPT);
	xst_put_be16(p + 3, XST_DNS_EDNS_SIZE);
	p[5] = (uint8_t)(rcode >> 4);
	p[6] = 0;
	xst_put_be16(p + 7, dnssec_ok ? 0x8000 : 0);
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

size_t xst_dnsmsg_tc(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q)
{
	return reply_q(msg, cap, q,
		       (uint16_t)(XST_DNS_F_QR | XST_DNS_F_TC | (q->flags & XST_DNS_F_RD)),
		       XST_RCODE_NOERROR, q->dnssec_ok, -1);
}
