// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the DNS message basics (user/dnsmsg): any bytes are
 * parsed from a buffer of exactly their length (a read past the end is an
 * ASan report), and every reply the query allows is built into a buffer of a
 * size taken from the input, which must hold it. The invariants:
 *   - the parse never reads outside the input, its fields agree with its
 *     status (question inside the message, lname lower-cased, its hash);
 *   - no reply is longer than cap, none is written past it;
 *   - a TC reply has QR and TC set, one question, and that question, parsed
 *     again, is the query's (same lower-cased name, type and class);
 *   - the error replies are a 12-byte header with the query's id (NSD's
 *     reply to a lone OPT: 23 bytes, no more than the query).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg/msg.h"
#include "dnsmsg/name.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

/* The reply at r[0..n) (cap bytes of room) carries q's question uncompressed. */
static void check_question(const uint8_t *r, size_t n, const struct xst_dnsmsg_query *q)
{
	struct xst_dnsmsg_query again;
	uint8_t *copy;

	check(n >= xst_dnsmsg_qend(q));
	check(xst_get_be16(r + 4) == 1);
	copy = malloc(n);
	check(copy != NULL);
	memcpy(copy, r, n);
	copy[2] &= 0x07;	/* a query again: QR, opcode cleared */
	copy[3] &= 0xf0;	/* and its rcode */
	xst_dnsmsg_parse(copy, n, &again);
	check(again.qname_len == q->qname_len && !again.compressed);
	check(!memcmp(again.lname, q->lname, q->qname_len));
	check(again.qtype == q->qtype && again.qclass == q->qclass);
	check(again.qend == xst_dnsmsg_qend(q));
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_dnsmsg_query q;
	enum xst_dnsmsg_status s;
	size_t cap, n, i;
	uint8_t *msg, *out;

	msg = malloc(size ? size : 1);
	if (!msg)
		return 0;
	memcpy(msg, data, size);
	s = xst_dnsmsg_parse(msg, size, &q);
	check(s < XST_DNSMSG_STATUS_MAX && q.status == s && q.error < XST_DNSMSG_E_MAX);
	check(!!q.error == (s == XST_DNSMSG_FORMERR));
	if (s == XST_DNSMSG_SHORT) {
		check(size < XST_DNS_HDR);
		free(msg);
		return 0;
	}
	check(q.id == xst_get_be16(data) && q.flags == xst_get_be16(data + 2));
	if (s == XST_DNSMSG_OK || s == XST_DNSMSG_BADVERS || s == XST_DNSMSG_NOTIFY) {
		check(q.qend <= size && q.qname_len >= 1 && q.qname_len <= XST_DNAME_MAX);
		check(q.hash == xst_name_hash(q.lname, q.qname_len));
		for (i = 0; i < q.qname_len; i++)
			check(q.lname[i] == xst_lower(q.lname[i]));
		if (!q.compressed)
			check(q.qend == xst_dnsmsg_qend(&q));
		if (q.edns)
			check((size_t)q.opt_off + q.opt_len <= size || s == XST_DNSMSG_BADVERS);
	}

	/* Room for the replies: the query's own buffer size or a bit more. */
	cap = size + (size ? data[size - 1] % 64 : 0);
	out = malloc(cap);
	check(out != NULL);
	if (s == XST_DNSMSG_OK || s == XST_DNSMSG_BADVERS || s == XST_DNSMSG_NOTIFY) {
		memcpy(out, data, size);
		n = xst_dnsmsg_tc(out, cap, &q);
		check(n <= cap);
		if (n) {
			check((xst_get_be16(out + 2) & (XST_DNS_F_QR | XST_DNS_F_TC)) ==
			      (XST_DNS_F_QR | XST_DNS_F_TC));
			check(xst_get_be16(out + 10) == q.edns);
			check_question(out, n, &q);
		}
		memcpy(out, data, size);
		n = xst_dnsmsg_refused(out, cap, &q, XST_EDE_NOT_AUTH);
		check(n <= cap);
		if (n) {
			check((xst_get_be16(out + 2) & XST_DNS_F_RCODE) == XST_RCODE_REFUSED);
			check_question(out, n, &q);
		}
		memcpy(out, data, size);
		n = xst_dnsmsg_badvers(out, cap, &q);
		check(n <= cap);
		if (n)
			check_question(out, n, &q);
	}
	memcpy(out, data, size);
	n = xst_dnsmsg_formerr(out, &q);
	check(xst_get_be16(out) == q.id);
	if (q.error == XST_DNSMSG_E_NOQUESTION) {
		/* NSD's reply to a lone OPT: NOERROR, that OPT, within the query's size */
		check(n == XST_DNS_HDR + XST_DNS_OPT_LEN && n <= size);
		check((xst_get_be16(out + 2) & XST_DNS_F_RCODE) == 0 && xst_get_be16(out + 10) == 1);
	} else {
		check(n == XST_DNS_HDR);
		check((xst_get_be16(out + 2) & XST_DNS_F_RCODE) == XST_RCODE_FORMERR);
	}
	memcpy(out, data, size);
	check(xst_dnsmsg_notimp(out, &q) == XST_DNS_HDR && xst_get_be16(out) == q.id);
	free(out);
	free(msg);
	return 0;
}
