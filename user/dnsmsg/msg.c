// SPDX-License-Identifier: GPL-2.0
/*
 * TEMPORARY (the lead's stand-in until branch dns lands the real module): a
 * conservative parse of plain queries only. Anything unusual is reported as
 * FORMERR, which callers treat as "not for the fast path".
 */
#include "dnsmsg/msg.h"

#include <string.h>

#include "core/byteorder.h"

static uint8_t lower(uint8_t c)
{
	return (uint8_t)((unsigned int)(c - 'A') < 26u ? c + 32 : c);
}

enum xst_dnsmsg_status xst_dnsmsg_parse(const uint8_t *msg, size_t len,
					struct xst_dnsmsg_query *q)
{
	size_t off = XST_DNS_HDR, i;

	memset(q, 0, offsetof(struct xst_dnsmsg_query, qname));
	if (len < XST_DNS_HDR)
		return XST_DNSMSG_SHORT;
	q->id = xst_get_be16(msg);
	q->flags = xst_get_be16(msg + 2);
	q->qdcount = xst_get_be16(msg + 4);
	q->ancount = xst_get_be16(msg + 6);
	q->nscount = xst_get_be16(msg + 8);
	q->arcount = xst_get_be16(msg + 10);
	q->opcode = (uint8_t)((q->flags >> 11) & 0xf);
	if (q->flags & 0x8000)
		return XST_DNSMSG_RESPONSE;
	if (q->opcode != 0 || q->qdcount != 1 || q->ancount || q->nscount || q->arcount > 1 ||
	    (q->flags & 0xf))
		return XST_DNSMSG_FORMERR;
	for (;;) {
		uint8_t l;

		if (off >= len)
			return XST_DNSMSG_FORMERR;
		l = msg[off];
		if (l & 0xc0)
			return XST_DNSMSG_FORMERR;
		if (off - XST_DNS_HDR + l + 1 > XST_DNAME_MAX || off + l + 1 > len)
			return XST_DNSMSG_FORMERR;
		off += l + 1u;
		if (!l)
			break;
	}
	q->qname_len = (uint16_t)(off - XST_DNS_HDR);
	for (i = 0; i < q->qname_len; i++) {
		q->qname[i] = msg[XST_DNS_HDR + i];
		q->lname[i] = lower(msg[XST_DNS_HDR + i]);
	}
	if (off + 4 > len)
		return XST_DNSMSG_FORMERR;
	q->qtype = xst_get_be16(msg + off);
	q->qclass = xst_get_be16(msg + off + 2);
	off += 4;
	q->qend = (uint16_t)off;
	if (q->arcount) {
		size_t rdlen, end;

		if (off + 11 > len || msg[off] || xst_get_be16(msg + off + 1) != 41)
			return XST_DNSMSG_FORMERR;
		rdlen = xst_get_be16(msg + off + 9);
		if (off + 11 + rdlen > len)
			return XST_DNSMSG_FORMERR;
		q->edns = 1;
		q->udp_size = xst_get_be16(msg + off + 3);
		q->edns_version = msg[off + 6];
		q->dnssec_ok = !!(msg[off + 7] & 0x80);
		q->opt_off = (uint16_t)off;
		q->opt_len = (uint16_t)(11 + rdlen);
		end = off + 11 + rdlen;
		off += 11;
		while (off + 4 <= end) {
			size_t ol = xst_get_be16(msg + off + 2);

			if (off + 4 + ol > end)
				return XST_DNSMSG_FORMERR;
			off += 4 + ol;
		}
		if (off != end)
			return XST_DNSMSG_FORMERR;
		if (q->edns_version)
			return XST_DNSMSG_BADVERS;
	}
	return XST_DNSMSG_OK;
}

size_t xst_dnsmsg_tc(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q)
{
	(void)msg;
	(void)cap;
	(void)q;
	return 0;
}

size_t xst_dnsmsg_refused(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q)
{
	(void)msg;
	(void)cap;
	(void)q;
	return 0;
}

size_t xst_dnsmsg_formerr(uint8_t *msg, const struct xst_dnsmsg_query *q)
{
	(void)msg;
	(void)q;
	return 0;
}

size_t xst_dnsmsg_notimp(uint8_t *msg, const struct xst_dnsmsg_query *q)
{
	(void)msg;
	(void)q;
	return 0;
}
