/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of xst_dnsmsg_parse(), inline: the responder runs it once per
 * query, and as a call into another file (no LTO here) it cost the DNS path
 * about 20 instructions per query in calls and in reloading the fields it had
 * just stored (bench-dns-path under callgrind). Only the common case is
 * inline (a plain qname, at most an OPT); compressed qnames, IXFR's
 * authority records and TSIG go through msg.c. Our OPT RR is written inline
 * too. Include
 * this only on a per-packet path; everyone else calls xst_dnsmsg_parse().
 */
#ifndef XST_DNSMSG_PARSE_H
#define XST_DNSMSG_PARSE_H

#include <stddef.h>
#include <string.h>

#include "dnsmsg/msg.h"

/* Out of line, for xst_dnsmsg_parse_inline() only (msg.c). */
size_t xst_dnsmsg_qname_slow(const uint8_t *msg, size_t len, struct xst_dnsmsg_query *q,
			     size_t *end);
enum xst_dnsmsg_status xst_dnsmsg_parse_records(const uint8_t *msg, size_t len, size_t off,
						struct xst_dnsmsg_query *q);

static inline enum xst_dnsmsg_status dnsmsg_fail(struct xst_dnsmsg_query *q,
						 enum xst_dnsmsg_status s,
						 enum xst_dnsmsg_error e)
{
	q->status = (uint8_t)s;
	q->error = (uint8_t)e;
	return s;
}

/*
 * The OPT RR at msg[off..) (11 bytes there, the caller checked the owner
 * and type), as NSD's edns_parse_record(): the version is looked at before
 * the RDATA. Returns OK, BADVERS or FORMERR (E_OPT).
 */
static inline enum xst_dnsmsg_status dnsmsg_opt(const uint8_t *msg, size_t len, size_t off,
						struct xst_dnsmsg_query *q)
{
	unsigned int rdlen = xst_get_be16(msg + off + 9);

	q->edns = 1;
	q->edns_version = msg[off + 6];
	q->udp_size = xst_get_be16(msg + off + 3);
	q->dnssec_ok = !!(msg[off + 7] & 0x80);
	q->opt_off = (uint16_t)off;
	q->opt_len = (uint16_t)(XST_DNS_OPT_LEN + rdlen);
	if (q->edns_version)
		return XST_DNSMSG_BADVERS;
	if (!rdlen)	/* the usual OPT: no options */
		return XST_DNSMSG_OK;
	off += XST_DNS_OPT_LEN;
	if (rdlen > len - off)
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_OPT);
	while (rdlen >= 4) {
		unsigned int optlen = xst_get_be16(msg + off + 2);

		rdlen -= 4;
		if (rdlen < optlen)
			return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_OPT);
		off += 4 + optlen;
		rdlen -= optlen;
	}
	if (rdlen)
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_OPT);
	return XST_DNSMSG_OK;
}

/* Is there an OPT RR at msg[off..)? (root owner, type OPT, 11 bytes) */
static inline int dnsmsg_is_opt(const uint8_t *msg, size_t len, size_t off)
{
	return off + XST_DNS_OPT_LEN <= len && !msg[off] && xst_get_be16(msg + off + 1) == XST_T_OPT;
}

/* xst_dnsmsg_parse() (msg.h has the contract). */
static inline __attribute__((always_inline)) enum xst_dnsmsg_status
xst_dnsmsg_parse_inline(const uint8_t *msg, size_t len, struct xst_dnsmsg_query *q)
{
	size_t off, lp, lim;

	memset(q, 0, offsetof(struct xst_dnsmsg_query, lname));
	if (len - XST_DNS_HDR > XST_DNS_MSG_MAX - XST_DNS_HDR) {	/* one test for both */
		if (len < XST_DNS_HDR)
			return dnsmsg_fail(q, XST_DNSMSG_SHORT, XST_DNSMSG_E_NONE);
		len = XST_DNS_MSG_MAX;
	}
	q->id = xst_get_be16(msg);
	q->flags = xst_get_be16(msg + 2);
	q->qdcount = xst_get_be16(msg + 4);
	q->ancount = xst_get_be16(msg + 6);
	q->nscount = xst_get_be16(msg + 8);
	q->arcount = xst_get_be16(msg + 10);
	q->opcode = (uint8_t)((q->flags & XST_DNS_F_OPCODE) >> 11);
	/* One test for the usual case, a QUERY with no QR and no RCODE bits. */
	if (q->flags & (XST_DNS_F_QR | XST_DNS_F_OPCODE | XST_DNS_F_RCODE)) {
		if (q->flags & XST_DNS_F_QR)
			return dnsmsg_fail(q, XST_DNSMSG_RESPONSE, XST_DNSMSG_E_NONE);
		if (q->opcode != XST_DNS_OPCODE_QUERY && q->opcode != XST_DNS_OPCODE_NOTIFY)
			return dnsmsg_fail(q, XST_DNSMSG_NOTIMP, XST_DNSMSG_E_NONE);
		if (q->flags & XST_DNS_F_RCODE)
			return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_RCODE);
	}

	/* The qname: find its end (labels only); a pointer sends it the slow
	 * way. Past lim it is either cut short or longer than 255 bytes. */
	lim = len < XST_DNS_HDR + XST_DNAME_MAX ? len : XST_DNS_HDR + XST_DNAME_MAX;
	off = XST_DNS_HDR;
	for (;;) {
		unsigned int l;

		if (off >= lim)
			return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME);
		l = msg[off];
		if (!l)
			break;
		if (l & 0xc0) {
			if ((l & 0xc0) != 0xc0)
				return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME);
			q->compressed = 1;
			break;
		}
		off += l + 1;
	}
	if (q->compressed) {
		lp = xst_dnsmsg_qname_slow(msg, len, q, &off);
		if (!lp)
			return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME);
		q->hash = xst_name_hash(q->lname, lp);
	} else {
		/* The one copy of the qname: lower-cased (and hashed) for lookups. */
		lp = off + 1 - XST_DNS_HDR;
		q->hash = xst_lower_copy_hash(q->lname, msg + XST_DNS_HDR, lp);
		off++;
	}
	q->qname_len = (uint16_t)lp;
	if (off + 4 > len)
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_QUESTION);
	q->qtype = xst_get_be16(msg + off);
	q->qclass = xst_get_be16(msg + off + 2);
	off += 4;
	q->qend = (uint16_t)off;

	if (q->opcode == XST_DNS_OPCODE_NOTIFY)
		return dnsmsg_fail(q, XST_DNSMSG_NOTIFY, XST_DNSMSG_E_NONE);
	if (q->qdcount != 1) {
		/* NSD: no question and only an OPT (a DNS cookie exchange,
		 * RFC 7873 5.4) gets its OPT back; the "question" parsed above
		 * was that OPT's first bytes. */
		if (!q->qdcount && !q->ancount && !q->nscount && q->arcount == 1 &&
		    dnsmsg_is_opt(msg, len, XST_DNS_HDR) &&
		    dnsmsg_opt(msg, len, XST_DNS_HDR, q) == XST_DNSMSG_OK)
			return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_NOQUESTION);
		q->edns = q->edns_version = q->dnssec_ok = 0;
		q->udp_size = q->opt_off = q->opt_len = 0;
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_QDCOUNT);
	}
	if (q->ancount || (q->nscount && q->qtype != XST_T_IXFR))
		return dnsmsg_fail(q, XST_DNSMSG_FORMERR, XST_DNSMSG_E_SECTION);
	/* Inline: nothing, or one OPT and nothing else; IXFR's authority, a
	 * TSIG and whatever is wrong go the general way. */
	if (!(q->nscount | q->arcount))
		return XST_DNSMSG_OK;
	if (!q->nscount && q->arcount == 1 && dnsmsg_is_opt(msg, len, off)) {
		enum xst_dnsmsg_status s = dnsmsg_opt(msg, len, off, q);

		if (s == XST_DNSMSG_BADVERS)
			q->status = XST_DNSMSG_BADVERS;
		return s;
	}
	return xst_dnsmsg_parse_records(msg, len, off, q);
}

/* xst_dnsmsg_put_opt(), inline for the answer path (every EDNS reply). */
static inline size_t xst_dnsmsg_put_opt_inline(uint8_t *p, int dnssec_ok, unsigned int rcode,
						int ede)
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

#endif /* XST_DNSMSG_PARSE_H */
