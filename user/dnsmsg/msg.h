/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS message basics that need no answer database: the header, the question
 * (qname in place or through compression pointers, lower-cased copy), the
 * EDNS OPT record, and the replies that can be built from a query alone
 * (TC=1, REFUSED, FORMERR, NOTIMP, BADVERS). Below dns/ (the authoritative
 * responder) and filter/ (the flood filter); pure functions on one message,
 * no allocation, never reads outside msg[0..len).
 *
 * The checks and their order are NSD 4.6's (query.c, packet.c, edns.c), so
 * that dns/ answers as NSD does; where we differ on purpose it is said below.
 */
#ifndef XST_DNSMSG_MSG_H
#define XST_DNSMSG_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "core/byteorder.h"
#include "dnsmsg/name.h"

#define XST_DNS_HDR		12
#define XST_DNAME_MAX		255	/* wire-format name, root label included */
#define XST_DNS_MSG_MAX		65535	/* largest message (the TCP length prefix) */
#define XST_DNS_OPT_LEN		11	/* root owner, type, class, ttl, rdlen 0 */
#define XST_DNS_EDNS_SIZE	1232	/* our UDP payload size (DNS flag day 2020) */
#define XST_DNS_UDP_MIN		512

/* Header flag bits (host order, second 16-bit word). */
#define XST_DNS_F_QR		0x8000
#define XST_DNS_F_OPCODE	0x7800
#define XST_DNS_F_AA		0x0400
#define XST_DNS_F_TC		0x0200
#define XST_DNS_F_RD		0x0100
#define XST_DNS_F_RA		0x0080
#define XST_DNS_F_Z		0x0040
#define XST_DNS_F_AD		0x0020
#define XST_DNS_F_CD		0x0010
#define XST_DNS_F_RCODE		0x000f

#define XST_DNS_OPCODE_QUERY	0
#define XST_DNS_OPCODE_NOTIFY	4

enum {
	XST_RCODE_NOERROR = 0,
	XST_RCODE_FORMERR = 1,
	XST_RCODE_SERVFAIL = 2,
	XST_RCODE_NXDOMAIN = 3,
	XST_RCODE_NOTIMP = 4,
	XST_RCODE_REFUSED = 5,
	XST_RCODE_NOTAUTH = 9,
	XST_RCODE_BADVERS = 16,	/* extended: OPT ttl upper byte 1, header 0 */
};

#define XST_TSIG_BADKEY		17	/* TSIG error field: key not known */

enum {
	XST_T_A = 1, XST_T_NS = 2, XST_T_MD = 3, XST_T_MF = 4, XST_T_CNAME = 5, XST_T_SOA = 6,
	XST_T_MB = 7, XST_T_MG = 8, XST_T_MR = 9, XST_T_PTR = 12, XST_T_MINFO = 14,
	XST_T_MX = 15, XST_T_TXT = 16, XST_T_AAAA = 28, XST_T_SRV = 33, XST_T_OPT = 41,
	XST_T_DS = 43, XST_T_TSIG = 250, XST_T_IXFR = 251, XST_T_AXFR = 252, XST_T_ANY = 255,
};

#define XST_C_IN	1
#define XST_C_CH	3
#define XST_C_NONE	254
#define XST_C_ANY	255

/* Extended DNS Errors (RFC 8914): the option code and the info codes we send. */
#define XST_EDNS_EDE		15
#define XST_EDE_PROHIBITED	18
#define XST_EDE_NOT_AUTH	20
#define XST_EDE_NOT_SUPPORTED	21

/* What xst_dnsmsg_parse() made of a message. */
enum xst_dnsmsg_status {
	XST_DNSMSG_OK,		/* a QUERY with one question (and an OPT): parsed */
	XST_DNSMSG_SHORT,	/* shorter than a header: drop */
	XST_DNSMSG_RESPONSE,	/* QR=1: drop */
	XST_DNSMSG_NOTIMP,	/* opcode other than QUERY and NOTIFY: xst_dnsmsg_notimp() */
	XST_DNSMSG_FORMERR,	/* malformed (error says what): xst_dnsmsg_formerr() */
	XST_DNSMSG_BADVERS,	/* EDNS version other than 0, question parsed: xst_dnsmsg_badvers() */
	XST_DNSMSG_NOTIFY,	/* a NOTIFY: header and question parsed, nothing after them
				 * (see xst_dnsmsg_parse_notify()) */
	XST_DNSMSG_TSIG,	/* signed with TSIG (tsig_off): we hold no keys, so
				 * xst_dnsmsg_badkey(), before anything else is looked at */
	XST_DNSMSG_STATUS_MAX
};

/* With XST_DNSMSG_FORMERR: what was wrong, in the order NSD checks. */
enum xst_dnsmsg_error {
	XST_DNSMSG_E_NONE,
	XST_DNSMSG_E_RCODE,	/* a query with RCODE bits set */
	XST_DNSMSG_E_QNAME,	/* bad label type, longer than 255, past the end, or a
				 * compression pointer that does not point back */
	XST_DNSMSG_E_QUESTION,	/* QTYPE/QCLASS past the end */
	XST_DNSMSG_E_QDCOUNT,	/* QDCOUNT != 1: NSD clears every flag of the reply */
	XST_DNSMSG_E_NOQUESTION,	/* QDCOUNT 0 and nothing but a good OPT: NSD's reply
				 * is its OPT, RD kept and (sic) rcode NOERROR */
	XST_DNSMSG_E_SECTION,	/* answer records, authority ones outside IXFR, more
				 * than 64 of those or one cut short */
	XST_DNSMSG_E_ADDITIONAL,	/* additional records other than an OPT and then a
				 * TSIG, or one cut short (a malformed TSIG too) */
	XST_DNSMSG_E_OPT,	/* OPT RDATA whose options do not add up */
	XST_DNSMSG_E_MAX
};

struct xst_dnsmsg_query {
	uint16_t id;		/* host order */
	uint16_t flags;		/* header flags word, host order */
	uint16_t qdcount, ancount, nscount, arcount;	/* host order */
	uint16_t qtype, qclass;	/* host order */
	uint16_t qname_len;	/* wire length of the (expanded) qname, root label included */
	uint16_t qend;		/* end of the question in the message as received */
	uint8_t status;		/* enum xst_dnsmsg_status, as returned */
	uint8_t error;		/* enum xst_dnsmsg_error: why FORMERR */
	uint8_t opcode;
	uint8_t compressed;	/* the qname uses compression pointers: see qname[] */
	uint8_t edns;		/* an OPT RR is present (and was parsed) */
	uint8_t edns_version;
	uint8_t dnssec_ok;	/* DO bit */
	uint8_t pad;
	uint16_t udp_size;	/* OPT's payload size as sent (0 without EDNS) */
	uint16_t opt_off;	/* offset of the OPT RR in the message (0 without EDNS) */
	uint16_t opt_len;	/* its whole length: 11 + RDLENGTH */
	uint16_t tsig_off;	/* offset of the TSIG RR (0 without one) */
	uint32_t hash;		/* xst_name_hash(lname, qname_len), what dns/ looks up */
	uint8_t lname[XST_DNAME_MAX];	/* the qname lower-cased (expanded if compressed) */
	uint8_t qname[XST_DNAME_MAX];	/* only when compressed: the qname expanded, case as
					 * sent; otherwise it is msg[12..12 + qname_len) */
};

/*
 * Parse the header, question and EDNS of msg[0..len) into *q (q->status is
 * the return value). Every field is set on every status; those past the point
 * of failure are 0. Never reads outside msg[0..len), writes only *q.
 * Compression pointers in the qname are followed when they point back
 * (RFC 1035 4.1.4: to a prior occurrence), at most 64 of them; one to its own
 * offset or beyond is FORMERR. NSD answers FORMERR to every pointer in a
 * question; we follow the backward ones (issue 3: compressed questions are
 * answered), which can only point into the header. A NOTIFY stops after its
 * question: what follows matters only to a server that takes notifies. The
 * additional section is NSD's: an OPT first (optional), then a TSIG
 * (optional, the last record), nothing else; a QUERY for IXFR may carry up
 * to 64 authority records (its SOA), skipped.
 */
enum xst_dnsmsg_status xst_dnsmsg_parse(const uint8_t *msg, size_t len,
					struct xst_dnsmsg_query *q);

/*
 * A NOTIFY for one of our zones (the caller knows its zones: NSD answers
 * NXDOMAIN, header only, to any other name): what NSD's answer_notify()
 * reads before its allow-notify list, which we do not have (REFUSED, header
 * only): every record is skipped but the last, which may be a TSIG. Returns
 * XST_DNSMSG_NOTIFY (no TSIG: REFUSED), XST_DNSMSG_TSIG (q->tsig_off set)
 * or XST_DNSMSG_FORMERR, and sets q->status. q is what xst_dnsmsg_parse()
 * made of msg[0..len) (status NOTIFY).
 */
enum xst_dnsmsg_status xst_dnsmsg_parse_notify(const uint8_t *msg, size_t len,
					       struct xst_dnsmsg_query *q);

/* End of the question in a reply built from q: 12 + the expanded qname + 4. */
static inline size_t xst_dnsmsg_qend(const struct xst_dnsmsg_query *q)
{
	return XST_DNS_HDR + (size_t)q->qname_len + 4;
}

/*
 * Replies built from a parsed query, written over msg (the query itself, cap
 * bytes of room). Each returns the reply length, or 0 when it does not fit.
 * Those that carry the question write it expanded when it was compressed (a
 * pointer into the query's header would not survive the new header).
 *
 *   xst_dnsmsg_question(): only that: msg[12..qend) holds the question
 *     uncompressed; returns xst_dnsmsg_qend(q). Idempotent (written from q).
 *   xst_dnsmsg_hdr_error(): NSD query_error(): header only, the query's
 *     flags kept (QR set, AD cleared), all counts 0, the given rcode.
 *   xst_dnsmsg_formerr(): NSD query_formerr(): header only, RD and the opcode
 *     kept (nothing kept for QDCOUNT != 1); for E_NOQUESTION, NSD's header
 *     with RD kept, rcode 0 and our OPT (23 bytes, no more than the query).
 *   xst_dnsmsg_notimp(): hdr_error() with NOTIMP.
 *   xst_dnsmsg_bare(): the question and no records, QR, RD copied, rcode (an
 *     extended one goes into the OPT), our OPT when the query had EDNS, with
 *     an Extended DNS Error option when ede >= 0.
 *   xst_dnsmsg_refused(): bare() with REFUSED.
 *   xst_dnsmsg_badvers(): bare() with BADVERS, DO clear (RFC 6891 6.1.3; NSD).
 *   xst_dnsmsg_tc(): the question, no records, TC=1 (AA clear), our OPT when
 *     the query had EDNS: a resolver retries over TCP.
 *   xst_dnsmsg_badkey(): to a message signed with TSIG (status TSIG): we hold
 *     no keys, so NSD's reply: NOTAUTH, no question, our OPT when a QUERY
 *     had one (with BADVERS' bits for a version other than 0, as NSD), and a
 *     TSIG RR with error BADKEY and no MAC (RFC 8945 5.3.2): key and
 *     algorithm names expanded and lower-cased, time signed, fudge, original
 *     id and other data copied. msg[0..len) must still be the message q was
 *     parsed from.
 */
size_t xst_dnsmsg_question(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q);
size_t xst_dnsmsg_hdr_error(uint8_t *msg, const struct xst_dnsmsg_query *q, unsigned int rcode);
size_t xst_dnsmsg_formerr(uint8_t *msg, const struct xst_dnsmsg_query *q);
size_t xst_dnsmsg_notimp(uint8_t *msg, const struct xst_dnsmsg_query *q);
size_t xst_dnsmsg_bare(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q,
		       unsigned int rcode, int ede);
size_t xst_dnsmsg_refused(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q, int ede);
size_t xst_dnsmsg_badvers(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q);
size_t xst_dnsmsg_tc(uint8_t *msg, size_t cap, const struct xst_dnsmsg_query *q);
size_t xst_dnsmsg_badkey(uint8_t *msg, size_t len, size_t cap, const struct xst_dnsmsg_query *q);

/* Room our OPT RR takes: XST_DNS_OPT_LEN, 6 more with an EDE option. */
#define XST_DNSMSG_OPT_MAX	(XST_DNS_OPT_LEN + 6)

/*
 * Writes our OPT RR at p (XST_DNSMSG_OPT_MAX bytes of room): payload size
 * XST_DNS_EDNS_SIZE, the upper bits of an extended rcode, DO as given, and an
 * EDE option when ede >= 0 (NSD 4.6 does so on its REFUSED). Returns its length.
 */
size_t xst_dnsmsg_put_opt(uint8_t *p, int dnssec_ok, unsigned int rcode, int ede);

#endif /* XST_DNSMSG_MSG_H */
