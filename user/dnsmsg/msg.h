/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS message basics that need no answer database: the header, the question
 * (qname in place or through compression pointers, lower-cased copy), the
 * EDNS OPT record, and the replies that can be built from a query alone
 * (TC=1, REFUSED, FORMERR, NOTIMP). Below dns/ (the authoritative responder)
 * and filter/ (the flood filter); pure functions on one message, no
 * allocation, never reads outside msg[0..len).
 *
 * The checks and their order are NSD 4.6's (query.c), so that dns/ answers
 * exactly as before it was split out.
 */
#ifndef XST_DNSMSG_MSG_H
#define XST_DNSMSG_MSG_H

#include <stddef.h>
#include <stdint.h>

#define XST_DNS_HDR		12
#define XST_DNAME_MAX		255	/* wire-format name, root label included */

/* What xst_dnsmsg_parse() made of a message. */
enum xst_dnsmsg_status {
	XST_DNSMSG_OK,		/* a query with one question, parsed */
	XST_DNSMSG_SHORT,	/* shorter than a header: drop */
	XST_DNSMSG_RESPONSE,	/* QR=1: drop */
	XST_DNSMSG_NOTIMP,	/* opcode other than QUERY and NOTIFY */
	XST_DNSMSG_FORMERR,	/* malformed (see xst_dnsmsg_parse()) */
	XST_DNSMSG_BADVERS,	/* EDNS version other than 0 (question parsed) */
	XST_DNSMSG_STATUS_MAX
};

struct xst_dnsmsg_query {
	uint16_t id;		/* host order */
	uint16_t flags;		/* header flags word, host order */
	uint16_t qdcount, ancount, nscount, arcount;
	uint16_t qtype, qclass;	/* host order */
	uint16_t qname_len;	/* wire length of the qname, root label included */
	uint16_t qend;		/* end of the question in the message as received */
	uint8_t opcode;
	uint8_t compressed;	/* the qname uses compression pointers */
	uint8_t edns;		/* an OPT RR is present */
	uint8_t edns_version;
	uint8_t dnssec_ok;	/* DO bit */
	uint8_t pad;
	uint16_t udp_size;	/* OPT's payload size as sent (0 without EDNS) */
	uint16_t opt_off;	/* offset of the OPT RR (0 without EDNS) */
	uint16_t opt_len;	/* its whole length: 11 + RDLENGTH */
	uint8_t qname[XST_DNAME_MAX];	/* the qname as written (expanded if compressed) */
	uint8_t lname[XST_DNAME_MAX];	/* the same, lower-cased */
};

/*
 * Parse the header, question and EDNS of msg[0..len) into *q. On
 * XST_DNSMSG_OK every field is set. On FORMERR, NOTIMP and BADVERS the
 * fields up to the point of failure are set (flags always). Never reads
 * outside msg[0..len); follows at most 64 compression pointers, each to an
 * earlier offset... (see msg.c for the exact rules, which are NSD's).
 */
enum xst_dnsmsg_status xst_dnsmsg_parse(const uint8_t *msg, size_t len,
					struct xst_dnsmsg_query *q);

/*
 * Replies built from a query alone, written over msg (cap bytes of room);
 * each returns the reply length, or 0 when it does not fit.
 *   xst_dnsmsg_tc(): the question, no records, TC=1 (AA clear), our OPT
 *     when the query had EDNS: a resolver retries over TCP.
 *   xst_dnsmsg_refused(): the question, REFUSED.
 *   xst_dnsmsg_formerr(), xst_dnsmsg_notimp(): header only, as NSD.
 */
size_t xst_dnsmsg_tc(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q);
size_t xst_dnsmsg_refused(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q);
size_t xst_dnsmsg_formerr(uint8_t *msg, const struct xst_dnsmsg_query *q);
size_t xst_dnsmsg_notimp(uint8_t *msg, const struct xst_dnsmsg_query *q);

#endif /* XST_DNSMSG_MSG_H */
