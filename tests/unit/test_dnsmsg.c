// SPDX-License-Identifier: GPL-2.0
/*
 * DNS message basics (user/dnsmsg): the parser's verdict and fields for each
 * kind of query NSD tells apart, the replies built from a query alone (byte
 * for byte), and the name helpers. Every parser input goes through
 * guard_copy(), so a read past the message faults.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg/msg.h"
#include "dnsmsg/name.h"
#include "../lib/guard.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A wire literal and its length (the literal's NUL excluded). */
#define W(s) (const uint8_t *)(s), sizeof(s) - 1
/* A parse case that ends in status st (and error e) before any field is checked. */
#define ERR(n, s, st, e) { .name = (n), .wire = (const uint8_t *)(s), .len = sizeof(s) - 1, \
			   .want = (st), .error = (e) }

/* Header: id beef, flags, QD/AN/NS/AR. */
#define HDR(fl, qd, an, ns, ar) "\xbe\xef" fl "\x00" qd "\x00" an "\x00" ns "\x00" ar
#define QHDR HDR("\x01\x00", "\x01", "\x00", "\x00", "\x00")	/* a query, RD */
#define QHDR_AR HDR("\x01\x00", "\x01", "\x00", "\x00", "\x01")
#define WWW "\x03www\x07" "example\x04test\x00"	/* 18 bytes */
#define T_A "\x00\x01\x00\x01"
/* A TSIG RR as dnspython would sign with key "K1": algorithm hmac-sha256,
 * time 0x12345678, fudge 0x1234, a 3-byte MAC, original id 0x4242. */
#define TSIG_RR "\x02K1\x00\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x20" \
	"\x0bhmac-sha256\x00" "\x00\x00\x12\x34\x56\x78\x12\x34" "\x00\x03\x01\x02\x03" \
	"\x42\x42\x00\x00\x00\x00"
/* An SOA in IXFR's authority section: owner the qname, empty names. */
#define SOA_RR "\xc0\x0c\x00\x06\x00\x01\x00\x00\x00\x00\x00\x16\x00\x00" \
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
#define NAME255 "\x3f" A63 "\x3f" A63 "\x3f" A63 "\x3d" A61 "\x00"
#define A61 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A63 A61 "aa"
#define OPT(size_hi, size_lo, ver, doflag) "\x00\x00\x29" size_hi size_lo "\x00" ver doflag "\x00\x00\x00"

struct parse_case {
	const char *name;
	const uint8_t *wire;
	size_t len;
	enum xst_dnsmsg_status want;
	enum xst_dnsmsg_error error;
	uint16_t qtype, qclass;
	unsigned int qname_len, qend;	/* 0: not checked */
	int compressed, edns, dnssec_ok, version;
	unsigned int udp_size, opt_off, opt_len;
	const char *lname;		/* expected lower-cased qname (wire), or NULL */
	unsigned int lname_len;
};

static const struct parse_case parse_cases[] = {
	{ "plain A", W(QHDR WWW T_A), XST_DNSMSG_OK, 0, 1, 1, 18, 34, 0, 0, 0, 0, 0, 0, 0,
	  WWW, 18 },
	{ "letter case: lname lower, qname in place", W(QHDR "\x03WwW\x07" "ExAmPlE\x04TEST\x00" T_A),
	  XST_DNSMSG_OK, 0, 1, 1, 18, 34, 0, 0, 0, 0, 0, 0, 0, WWW, 18 },
	{ "root name", W(QHDR "\x00\x00\x06\x00\x01"), XST_DNSMSG_OK, 0, 6, 1, 1, 17, 0, 0, 0, 0,
	  0, 0, 0, "\x00", 1 },
	{ "EDNS 4096 DO", W(QHDR_AR WWW T_A OPT("\x10", "\x00", "\x00", "\x80")), XST_DNSMSG_OK, 0,
	  1, 1, 18, 34, 0, 1, 1, 0, 4096, 34, 11, WWW, 18 },
	{ "EDNS with an option", W(QHDR_AR WWW T_A "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x08"
				   "\x00\x0a\x00\x04" "abcd"),
	  XST_DNSMSG_OK, 0, 1, 1, 18, 34, 0, 1, 0, 0, 1232, 34, 19, WWW, 18 },
	{ "BADVERS: version 1, DO as sent", W(QHDR_AR WWW T_A OPT("\x04", "\xd0", "\x01", "\x80")),
	  XST_DNSMSG_BADVERS, 0, 1, 1, 18, 34, 0, 1, 1, 1, 1232, 34, 11, WWW, 18 },
	{ "IXFR with its authority SOA", W(HDR("\x00\x00", "\x01", "\x00", "\x01", "\x00")
					   WWW "\x00\xfb\x00\x01" SOA_RR),
	  XST_DNSMSG_OK, 0, 251, 1, 18, 34, 0, 0, 0, 0, 0, 0, 0, NULL, 0 },
	/* Issue 11 item 8, checked against NSD 4.6.1: IXFR's authority is read
	 * whatever the additional count, 64 records at most. */
	ERR("IXFR authority record missing", HDR("\x00\x00", "\x01", "\x00", "\x01", "\x00")
	    WWW "\x00\xfb\x00\x01", XST_DNSMSG_FORMERR, XST_DNSMSG_E_SECTION),
	ERR("IXFR authority record cut short", HDR("\x00\x00", "\x01", "\x00", "\x01", "\x00")
	    WWW "\x00\xfb\x00\x01" "\xc0\x0c\x00\x06\x00\x01\x00\x00\x00\x00\x00\x09zz",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_SECTION),
	ERR("IXFR with 65 authority records", HDR("\x00\x00", "\x01", "\x00", "\x41", "\x00")
	    WWW "\x00\xfb\x00\x01", XST_DNSMSG_FORMERR, XST_DNSMSG_E_SECTION),
	/* TSIG: NSD checks it (and answers NOTAUTH, no keys) before EDNS. */
	{ "TSIG alone", W(QHDR_AR WWW T_A TSIG_RR), XST_DNSMSG_TSIG, 0, 1, 1, 18, 34, 0, 0, 0, 0, 0,
	  0, 0, WWW, 18 },
	{ "OPT, then TSIG", W(HDR("\x01\x00", "\x01", "\x00", "\x00", "\x02") WWW T_A
			      OPT("\x10", "\x00", "\x00", "\x80") TSIG_RR),
	  XST_DNSMSG_TSIG, 0, 1, 1, 18, 34, 0, 1, 1, 0, 4096, 34, 11, WWW, 18 },
	{ "OPT version 1, then TSIG: TSIG first", W(HDR("\x01\x00", "\x01", "\x00", "\x00", "\x02")
						    WWW T_A OPT("\x10", "\x00", "\x01", "\x00")
						    TSIG_RR),
	  XST_DNSMSG_TSIG, 0, 1, 1, 18, 34, 0, 1, 0, 1, 4096, 34, 11, WWW, 18 },
	ERR("TSIG, then OPT", HDR("\x01\x00", "\x01", "\x00", "\x00", "\x02") WWW T_A TSIG_RR
	    OPT("\x10", "\x00", "\x00", "\x00"), XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	ERR("two TSIG", HDR("\x01\x00", "\x01", "\x00", "\x00", "\x02") WWW T_A TSIG_RR TSIG_RR,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	ERR("TSIG with TTL 1", QHDR_AR WWW T_A "\x03key\x00\x00\xfa\x00\xff\x00\x00\x00\x01\x00\x00",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	ERR("TSIG RDATA missing", QHDR_AR WWW T_A "\x03key\x00\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x00",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	ERR("TSIG other data of 17 bytes", QHDR_AR WWW T_A "\x03key\x00\x00\xfa\x00\xff\x00\x00\x00\x00"
	    "\x00\x2a\x00" "\x00\x00\x00\x00\x00\x01\x01\x2c" "\x00\x00" "\x42\x42\x00\x00\x00\x11"
	    "0123456789abcdefg", XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	ERR("TSIG class IN: another record", QHDR_AR WWW T_A "\x03key\x00\x00\xfa\x00\x01"
	    "\x00\x00\x00\x00\x00\x00", XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	/* No question and a good OPT alone (a cookie exchange): NSD's own reply. */
	{ "no question, lone OPT", W(HDR("\x01\x00", "\x00", "\x00", "\x00", "\x01")
				     OPT("\x10", "\x00", "\x00", "\x80")),
	  XST_DNSMSG_FORMERR, XST_DNSMSG_E_NOQUESTION, 41, 4096, 1, 17, 0, 1, 1, 0, 4096, 12, 11,
	  NULL, 0 },
	ERR("no question, lone OPT of version 1", HDR("\x01\x00", "\x00", "\x00", "\x00", "\x01")
	    OPT("\x10", "\x00", "\x01", "\x00"), XST_DNSMSG_FORMERR, XST_DNSMSG_E_QDCOUNT),
	ERR("no question, lone A record", HDR("\x01\x00", "\x00", "\x00", "\x00", "\x01")
	    "\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00", XST_DNSMSG_FORMERR, XST_DNSMSG_E_QDCOUNT),
	{ "IXFR authority skipped before the OPT",
	  W(HDR("\x00\x00", "\x01", "\x00", "\x01", "\x01") WWW "\x00\xfb\x00\x01"
	    "\xc0\x0c\x00\x06\x00\x01\x00\x00\x00\x00\x00\x02zz" OPT("\x04", "\xd0", "\x00", "\x00")),
	  XST_DNSMSG_OK, 0, 251, 1, 18, 34, 0, 1, 0, 0, 1232, 48, 11, NULL, 0 },
	{ "NOTIFY stops after the question", W(HDR("\x21\x00", "\x02", "\x05", "\x00", "\x00")
					       WWW "\x00\x06\x00\x01"),
	  XST_DNSMSG_NOTIFY, 0, 6, 1, 18, 34, 0, 0, 0, 0, 0, 0, 0, WWW, 18 },
	ERR("shorter than a header", "\xbe\xef\x01\x00\x00\x01\x00\x00\x00\x00\x00",
	    XST_DNSMSG_SHORT, XST_DNSMSG_E_NONE),
	ERR("QR set", HDR("\x81\x00", "\x01", "\x00", "\x00", "\x00") WWW T_A,
	    XST_DNSMSG_RESPONSE, XST_DNSMSG_E_NONE),
	ERR("QR wins over a bad opcode", HDR("\xf9\x0f", "\x01", "\x00", "\x00", "\x00"),
	    XST_DNSMSG_RESPONSE, XST_DNSMSG_E_NONE),
	ERR("opcode STATUS", HDR("\x11\x00", "\x01", "\x00", "\x00", "\x00") WWW T_A,
	    XST_DNSMSG_NOTIMP, XST_DNSMSG_E_NONE),
	ERR("opcode UPDATE, garbage after the header", HDR("\x29\x00", "\x00", "\x00", "\x00", "\x00")
						       "\xff\xff",
	    XST_DNSMSG_NOTIMP, XST_DNSMSG_E_NONE),
	ERR("rcode bits in a query", HDR("\x01\x03", "\x01", "\x00", "\x00", "\x00") WWW T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_RCODE),
	ERR("header only", QHDR,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("qname cut short", QHDR "\x03www\x07" "exa",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("label type 01", QHDR "\x43www\x00" T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("label type 10", QHDR "\x83www\x00" T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("name of 256 bytes", QHDR "\x3f" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\x3f" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\x3f" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\x3e" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x00" T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	{ "name of 255 bytes",
	  W(QHDR "\x3f" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\x3f" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\x3f" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\x3d" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x00" T_A),
	  XST_DNSMSG_OK, 0, 1, 1, 255, 271, 0, 0, 0, 0, 0, 0, 0, NULL, 0 },
	ERR("QTYPE/QCLASS cut short", QHDR WWW "\x00\x01\x00",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QUESTION),
	ERR("QDCOUNT 0", HDR("\x01\x00", "\x00", "\x00", "\x00", "\x00") WWW T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QDCOUNT),
	ERR("QDCOUNT 2", HDR("\x01\x00", "\x02", "\x00", "\x00", "\x00") WWW T_A WWW T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QDCOUNT),
	ERR("ANCOUNT 1", HDR("\x01\x00", "\x01", "\x01", "\x00", "\x00") WWW T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_SECTION),
	ERR("NSCOUNT 1 outside IXFR", HDR("\x01\x00", "\x01", "\x00", "\x01", "\x00") WWW T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_SECTION),
	ERR("two OPT RRs", HDR("\x01\x00", "\x01", "\x00", "\x00", "\x02") WWW T_A
			   OPT("\x04", "\xd0", "\x00", "\x00") OPT("\x04", "\xd0", "\x00", "\x00"),
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	ERR("additional A record", QHDR_AR WWW T_A "\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	ERR("OPT cut short", QHDR_AR WWW T_A "\x00\x00\x29\x04\xd0\x00\x00\x00",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_ADDITIONAL),
	ERR("OPT RDLENGTH past the end", QHDR_AR WWW T_A "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x04"
					 "\x00\x0a",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_OPT),
	ERR("OPT option longer than RDATA", QHDR_AR WWW T_A "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00"
					    "\x06\x00\x0a\x00\x09zz",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_OPT),
	ERR("OPT RDATA with a stray byte", QHDR_AR WWW T_A "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00"
					   "\x05\x00\x0a\x00\x00z",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_OPT),
	ERR("pointer to itself", QHDR "\xc0\x0c" T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("pointer loop through a label", QHDR "\x01" "a\xc0\x0c" T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("pointer cut short", QHDR "\x03www\xc0",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("pointer past the end", QHDR "\x03www\xc0\x40" T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	{ "pointer back into the header", W(QHDR "\x03WWW\xc0\x04" T_A), XST_DNSMSG_OK, 0, 1, 1,
	  5, 22, 1, 0, 0, 0, 0, 0, 0, "\x03www\x00", 5 },
	/* Issue 11 item 8: NSD answers FORMERR; we used to follow it. */
	ERR("pointer forward to the name after the question",
	    QHDR "\x03www\xc0\x16" T_A "\x07" "Example\x04test\x00",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("pointer forward into the qname", QHDR "\xc0\x0e\x01" "a\x00" T_A,
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
	ERR("pointer back into the header, there a pointer forward",
	    "\xc0\x20\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" "\x01" "a\xc0\x00" T_A "\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00",
	    XST_DNSMSG_FORMERR, XST_DNSMSG_E_QNAME),
};

START_TEST(test_dnsmsg_parse)
{
	const struct parse_case *tc = &parse_cases[_i];
	uint8_t *buf = guard_copy(tc->wire, tc->len);
	struct xst_dnsmsg_query q;
	enum xst_dnsmsg_status s;

	ck_assert_ptr_nonnull(buf);
	memset(&q, 0x5a, sizeof(q));
	s = xst_dnsmsg_parse(buf, tc->len, &q);
	ck_assert_msg(s == tc->want, "%s: status %d, want %d", tc->name, s, tc->want);
	ck_assert_uint_eq(q.status, s);
	ck_assert_msg(q.error == tc->error, "%s: error %u, want %u", tc->name, q.error, tc->error);
	if (s == XST_DNSMSG_SHORT) {
		guard_free(buf, tc->len);
		return;
	}
	ck_assert_uint_eq(q.id, (unsigned int)buf[0] << 8 | buf[1]);
	ck_assert_uint_eq(q.flags, (unsigned int)buf[2] << 8 | buf[3]);
	ck_assert_uint_eq(q.opcode, buf[2] >> 3 & 15);
	ck_assert_uint_eq(q.qdcount, buf[5]);
	ck_assert_uint_eq(q.arcount, buf[11]);
	if (tc->qname_len) {
		ck_assert_msg(q.qname_len == tc->qname_len, "%s: qname_len %u", tc->name, q.qname_len);
		ck_assert_msg(q.qend == tc->qend, "%s: qend %u", tc->name, q.qend);
		ck_assert_uint_eq(q.qtype, tc->qtype);
		ck_assert_uint_eq(q.qclass, tc->qclass);
		ck_assert_int_eq(q.compressed, tc->compressed);
		ck_assert_int_eq(q.edns, tc->edns);
		ck_assert_int_eq(q.dnssec_ok, tc->dnssec_ok);
		ck_assert_int_eq(q.edns_version, tc->version);
		ck_assert_uint_eq(q.udp_size, tc->udp_size);
		ck_assert_uint_eq(q.opt_off, tc->opt_off);
		ck_assert_uint_eq(q.opt_len, tc->opt_len);
		ck_assert_uint_eq(q.hash, xst_name_hash(q.lname, q.qname_len));
		ck_assert_uint_eq(xst_dnsmsg_qend(&q), XST_DNS_HDR + q.qname_len + 4u);
		if (!q.compressed)
			ck_assert(!memcmp(buf + XST_DNS_HDR + q.qname_len, buf + q.qend - 4, 4));
	}
	if (tc->lname) {
		ck_assert_uint_eq(q.qname_len, tc->lname_len);
		ck_assert_msg(!memcmp(q.lname, tc->lname, tc->lname_len), "%s: lname", tc->name);
	}
	if (s != XST_DNSMSG_OK && s != XST_DNSMSG_BADVERS && s != XST_DNSMSG_NOTIFY &&
	    s != XST_DNSMSG_TSIG)
		ck_assert_msg(!q.edns || s == XST_DNSMSG_FORMERR, "%s: edns on error", tc->name);
	guard_free(buf, tc->len);
}
END_TEST

/* ---- replies, byte for byte ---------------------------------------------------- */

struct reply_case {
	const char *name;
	const uint8_t *query;
	size_t qlen;
	int kind;		/* which builder, below */
	size_t cap;		/* 0: 512 */
	const uint8_t *want;	/* NULL: the builder returns 0 */
	size_t want_len;
};

enum { R_BADKEY, R_TC, R_TC_TWICE, R_REFUSED, R_REFUSED_EDE, R_FORMERR, R_NOTIMP, R_BADVERS, R_BARE_NOTIMP, R_HDR_REFUSED };

#define OPT_OUT(do_hi) "\x00\x00\x29\x04\xd0\x00\x00" do_hi "\x00\x00\x00"

static const struct reply_case reply_cases[] = {
	{ "TC, no EDNS: question kept as sent", W(QHDR "\x03wWw\x07" "example\x04test\x00" T_A), R_TC,
	  0, W("\xbe\xef\x83\x00\x00\x01\x00\x00\x00\x00\x00\x00" "\x03wWw\x07" "example\x04test\x00"
	       T_A) },
	{ "TC with EDNS DO: our OPT, DO echoed",
	  W(QHDR_AR WWW T_A OPT("\x10", "\x00", "\x00", "\x80")), R_TC, 0,
	  W("\xbe\xef\x83\x00\x00\x01\x00\x00\x00\x00\x00\x01" WWW T_A OPT_OUT("\x80")) },
	{ "TC, RD clear stays clear, AA/CD/AD not copied",
	  W(HDR("\x04\x30", "\x01", "\x00", "\x00", "\x00") WWW T_A), R_TC, 0,
	  W("\xbe\xef\x82\x00\x00\x01\x00\x00\x00\x00\x00\x00" WWW T_A) },
	{ "TC of a compressed question: expanded",
	  W(QHDR "\x03WWW\xc0\x04" T_A), R_TC, 0,
	  W("\xbe\xef\x83\x00\x00\x01\x00\x00\x00\x00\x00\x00" "\x03WWW\x00" T_A) },
	/* The next three: NSD 4.6.1's replies, byte for byte. */
	{ "BADKEY: NOTAUTH, no question, TSIG without a MAC, names lower-cased",
	  W(QHDR_AR "\x03ns1\x03" "big\x04test\x00" T_A TSIG_RR), R_BADKEY, 0,
	  W("\xbe\xef\x81\x09\x00\x00\x00\x00\x00\x00\x00\x01" "\x02k1\x00\x00\xfa\x00\xff\x00\x00\x00\x00"
	    "\x00\x1d\x0bhmac-sha256\x00\x00\x00\x12\x34\x56\x78\x12\x34\x00\x00\x42\x42\x00\x11\x00\x00") },
	{ "BADKEY after an OPT of version 1: its BADVERS bits, DO clear",
	  W(HDR("\x01\x00", "\x01", "\x00", "\x00", "\x02") "\x03ns1\x03" "big\x04test\x00" T_A
	    OPT("\x10", "\x00", "\x01", "\x80") TSIG_RR), R_BADKEY, 0,
	  W("\xbe\xef\x81\x09\x00\x00\x00\x00\x00\x00\x00\x02" "\x00\x00\x29\x04\xd0\x01\x00\x00\x00\x00\x00"
	    "\x02k1\x00\x00\xfa\x00\xff\x00\x00\x00\x00"
	    "\x00\x1d\x0bhmac-sha256\x00\x00\x00\x12\x34\x56\x78\x12\x34\x00\x00\x42\x42\x00\x11\x00\x00") },
	{ "no question, lone OPT: NOERROR (sic), RD, our OPT with DO",
	  W(HDR("\x05\x00", "\x00", "\x00", "\x00", "\x01") OPT("\x10", "\x00", "\x00", "\x80")),
	  R_FORMERR, 0, W("\xbe\xef\x81\x00\x00\x00\x00\x00\x00\x00\x00\x01" OPT_OUT("\x80")) },
	{ "BADKEY: names through pointers to a 255-byte qname do not fit in the query's room",
	  W(QHDR_AR NAME255 T_A "\xc0\x0c\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x12\xc0\x0c"
	    "\x00\x00\x12\x34\x56\x78\x12\x34\x00\x00\x42\x42\x00\x00\x00\x00"), R_BADKEY, 12 + 259 + 30,
	  NULL, 0 },
	{ "TC after the question was expanded already",
	  W(QHDR "\x03WWW\xc0\x04" T_A), R_TC_TWICE, 0,
	  W("\xbe\xef\x83\x00\x00\x01\x00\x00\x00\x00\x00\x00" "\x03WWW\x00" T_A) },
	{ "TC with EDNS does not fit", W(QHDR_AR WWW T_A OPT("\x10", "\x00", "\x00", "\x00")), R_TC,
	  34 + 16, NULL, 0 },
	{ "REFUSED, no EDE", W(QHDR_AR WWW T_A OPT("\x10", "\x00", "\x00", "\x00")), R_REFUSED, 0,
	  W("\xbe\xef\x81\x05\x00\x01\x00\x00\x00\x00\x00\x01" WWW T_A OPT_OUT("\x00")) },
	{ "REFUSED with EDE 20 (NSD: not authoritative)",
	  W(QHDR_AR WWW T_A OPT("\x10", "\x00", "\x00", "\x80")), R_REFUSED_EDE, 0,
	  W("\xbe\xef\x81\x05\x00\x01\x00\x00\x00\x00\x00\x01" WWW T_A
	    "\x00\x00\x29\x04\xd0\x00\x00\x80\x00\x00\x06\x00\x0f\x00\x02\x00\x14") },
	{ "REFUSED without EDNS: no OPT, no EDE", W(QHDR WWW T_A), R_REFUSED_EDE, 0,
	  W("\xbe\xef\x81\x05\x00\x01\x00\x00\x00\x00\x00\x00" WWW T_A) },
	{ "FORMERR: RD and opcode kept, AA dropped",
	  W(HDR("\x25\x03", "\x01", "\x00", "\x00", "\x00") WWW T_A), R_FORMERR, 0,
	  W("\xbe\xef\xa1\x01\x00\x00\x00\x00\x00\x00\x00\x00") },
	{ "FORMERR for QDCOUNT 2: every flag cleared",
	  W(HDR("\x01\x00", "\x02", "\x00", "\x00", "\x00") WWW T_A), R_FORMERR, 0,
	  W("\xbe\xef\x80\x01\x00\x00\x00\x00\x00\x00\x00\x00") },
	{ "NOTIMP: flags kept but AD, header only",
	  W(HDR("\x15\x20", "\x01", "\x00", "\x00", "\x00") WWW T_A), R_NOTIMP, 0,
	  W("\xbe\xef\x95\x04\x00\x00\x00\x00\x00\x00\x00\x00") },
	{ "BADVERS: question, OPT with extended rcode 1, DO clear",
	  W(QHDR_AR WWW T_A OPT("\x04", "\xd0", "\x01", "\x80")), R_BADVERS, 0,
	  W("\xbe\xef\x81\x00\x00\x01\x00\x00\x00\x00\x00\x01" WWW T_A
	    "\x00\x00\x29\x04\xd0\x01\x00\x00\x00\x00\x00") },
	{ "bare NOTIMP (AXFR over UDP)", W(QHDR WWW "\x00\xfc\x00\x01"), R_BARE_NOTIMP, 0,
	  W("\xbe\xef\x81\x04\x00\x01\x00\x00\x00\x00\x00\x00" WWW "\x00\xfc\x00\x01") },
	{ "header-only REFUSED", W(HDR("\x21\x00", "\x01", "\x00", "\x00", "\x00") WWW T_A),
	  R_HDR_REFUSED, 0, W("\xbe\xef\xa1\x05\x00\x00\x00\x00\x00\x00\x00\x00") },
};

START_TEST(test_dnsmsg_replies)
{
	const struct reply_case *tc = &reply_cases[_i];
	size_t cap = tc->cap ? tc->cap : 512, n = 0;
	struct xst_dnsmsg_query q;
	uint8_t *buf;

	static const uint8_t room[512];

	ck_assert_uint_ge(cap, tc->qlen);
	ck_assert_uint_le(cap, sizeof(room));
	buf = guard_copy(room, cap);	/* the reply's room ends at the guard page */
	ck_assert_ptr_nonnull(buf);
	memset(buf, 0xee, cap);
	memcpy(buf, tc->query, tc->qlen);
	xst_dnsmsg_parse(buf, tc->qlen, &q);
	switch (tc->kind) {
	case R_BADKEY:
		n = xst_dnsmsg_badkey(buf, tc->qlen, cap, &q);
		break;
	case R_TC:
		n = xst_dnsmsg_tc(buf, cap, &q);
		break;
	case R_TC_TWICE:
		ck_assert_uint_eq(xst_dnsmsg_question(buf, cap, &q), xst_dnsmsg_qend(&q));
		n = xst_dnsmsg_tc(buf, cap, &q);
		break;
	case R_REFUSED:
		n = xst_dnsmsg_refused(buf, cap, &q, -1);
		break;
	case R_REFUSED_EDE:
		n = xst_dnsmsg_refused(buf, cap, &q, XST_EDE_NOT_AUTH);
		break;
	case R_FORMERR:
		n = xst_dnsmsg_formerr(buf, &q);
		break;
	case R_NOTIMP:
		n = xst_dnsmsg_notimp(buf, &q);
		break;
	case R_BADVERS:
		n = xst_dnsmsg_badvers(buf, cap, &q);
		break;
	case R_BARE_NOTIMP:
		n = xst_dnsmsg_bare(buf, cap, &q, XST_RCODE_NOTIMP, -1);
		break;
	case R_HDR_REFUSED:
		n = xst_dnsmsg_hdr_error(buf, &q, XST_RCODE_REFUSED);
		break;
	}
	if (!tc->want) {
		ck_assert_msg(n == 0, "%s: %zu bytes, want none", tc->name, n);
	} else {
		ck_assert_msg(n == tc->want_len, "%s: %zu bytes, want %zu", tc->name, n, tc->want_len);
		ck_assert_msg(!memcmp(buf, tc->want, n), "%s: bytes differ", tc->name);
	}
	guard_free(buf, cap);
}
END_TEST

/*
 * A NOTIFY for one of our zones: the records NSD reads before answering
 * REFUSED (no allow-notify): all skipped but the last, a TSIG or not.
 */
static const struct notify_case {
	const char *name;
	const uint8_t *wire;
	size_t len;
	enum xst_dnsmsg_status want;
} notify_cases[] = {
	{ "no additional: not looked at", W(HDR("\x21\x00", "\x01", "\x07", "\x00", "\x00") WWW
					    "\x00\x06\x00\x01" "garbage"), XST_DNSMSG_NOTIFY },
	{ "an A record", W(HDR("\x21\x00", "\x01", "\x00", "\x00", "\x01") WWW "\x00\x06\x00\x01"
			   "\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x04\x7f\x00\x00\x01"),
	  XST_DNSMSG_NOTIFY },
	{ "a record cut short", W(HDR("\x21\x00", "\x01", "\x00", "\x00", "\x01") WWW
				  "\x00\x06\x00\x01" "\x00\x00"), XST_DNSMSG_FORMERR },
	{ "a TSIG", W(HDR("\x21\x00", "\x01", "\x00", "\x00", "\x01") WWW "\x00\x06\x00\x01"
		      TSIG_RR), XST_DNSMSG_TSIG },
	{ "two TSIG: the last counts", W(HDR("\x21\x00", "\x01", "\x00", "\x00", "\x02") WWW
					 "\x00\x06\x00\x01" TSIG_RR TSIG_RR), XST_DNSMSG_TSIG },
	{ "a TSIG, then an A record", W(HDR("\x21\x00", "\x01", "\x00", "\x00", "\x02") WWW
					"\x00\x06\x00\x01" TSIG_RR
					"\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00"),
	  XST_DNSMSG_NOTIFY },
	{ "an answer SOA then a TSIG", W(HDR("\x21\x00", "\x01", "\x01", "\x00", "\x01") WWW
					 "\x00\x06\x00\x01" SOA_RR TSIG_RR), XST_DNSMSG_TSIG },
	{ "a malformed TSIG", W(HDR("\x21\x00", "\x01", "\x00", "\x00", "\x01") WWW
				"\x00\x06\x00\x01" "\x03key\x00\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x00"),
	  XST_DNSMSG_FORMERR },
	{ "QDCOUNT 2: two questions skipped", W(HDR("\x21\x00", "\x02", "\x00", "\x00", "\x01") WWW
						"\x00\x06\x00\x01" WWW "\x00\x06\x00\x01" TSIG_RR),
	  XST_DNSMSG_TSIG },
};

START_TEST(test_dnsmsg_notify)
{
	const struct notify_case *tc = &notify_cases[_i];
	uint8_t *buf = guard_copy(tc->wire, tc->len);
	struct xst_dnsmsg_query q;
	enum xst_dnsmsg_status s;

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(xst_dnsmsg_parse(buf, tc->len, &q), XST_DNSMSG_NOTIFY);
	s = xst_dnsmsg_parse_notify(buf, tc->len, &q);
	ck_assert_msg(s == tc->want, "%s: %d, want %d", tc->name, s, tc->want);
	ck_assert_uint_eq(q.status, s);
	ck_assert_int_eq(!!q.tsig_off, s == XST_DNSMSG_TSIG);
	if (s == XST_DNSMSG_TSIG) {
		ck_assert_uint_lt(q.tsig_off, tc->len);
		ck_assert_uint_gt(xst_dnsmsg_badkey(buf, tc->len, tc->len, &q), XST_DNS_HDR);
		ck_assert_uint_eq(xst_get_be16(buf + 2), 0xa109);	/* QR, NOTIFY, RD, NOTAUTH */
	}
	guard_free(buf, tc->len);
}
END_TEST

/* Every prefix of a valid EDNS query: SHORT, or FORMERR, never a read past it. */
START_TEST(test_dnsmsg_prefixes)
{
	static const uint8_t q[] = QHDR_AR WWW T_A "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x04"
				   "\x00\x0a\x00\x00";
	size_t n;

	for (n = 0; n <= sizeof(q) - 1; n++) {
		uint8_t *buf = guard_copy(q, n);
		struct xst_dnsmsg_query m;
		enum xst_dnsmsg_status s;

		ck_assert_ptr_nonnull(buf);
		s = xst_dnsmsg_parse(buf, n, &m);
		if (n < XST_DNS_HDR)
			ck_assert_int_eq(s, XST_DNSMSG_SHORT);
		else if (n < sizeof(q) - 1)
			ck_assert_msg(s == XST_DNSMSG_FORMERR, "prefix %zu: %d", n, s);
		else
			ck_assert_int_eq(s, XST_DNSMSG_OK);
		guard_free(buf, n);
	}
}
END_TEST

/*
 * Random and mutated messages: no read past the end (guard page), fields
 * consistent with the status, and every reply builder stays within cap.
 */
START_TEST(test_dnsmsg_garbage)
{
	static const uint8_t base[] = QHDR_AR WWW T_A OPT("\x04", "\xd0", "\x00", "\x80");
	unsigned int seed = 4242, i, j;

	for (i = 0; i < 30000; i++) {
		uint8_t m[600];
		size_t n, cap, r;
		struct xst_dnsmsg_query q;
		enum xst_dnsmsg_status s;
		uint8_t *buf;

		if (i % 2) {
			n = sizeof(base) - 1;
			memcpy(m, base, n);
			for (j = 0; j < 1 + (unsigned int)rand_r(&seed) % 4; j++)
				m[rand_r(&seed) % n] = (uint8_t)rand_r(&seed);
		} else {
			n = (size_t)rand_r(&seed) % 300;
			for (j = 0; j < n; j++)
				m[j] = (uint8_t)rand_r(&seed);
			if (n > 2)
				m[2] &= 0x07;	/* mostly QUERY, so the parser gets further */
		}
		cap = n + (size_t)rand_r(&seed) % 40;
		memset(m + n, 0, cap - n);
		buf = guard_copy(m, cap);
		ck_assert_ptr_nonnull(buf);
		s = xst_dnsmsg_parse(buf, n, &q);
		ck_assert_uint_lt(s, XST_DNSMSG_STATUS_MAX);
		ck_assert_uint_lt(q.error, XST_DNSMSG_E_MAX);
		ck_assert_int_eq(!!q.error, s == XST_DNSMSG_FORMERR);
		if (s == XST_DNSMSG_OK || s == XST_DNSMSG_BADVERS || s == XST_DNSMSG_NOTIFY) {
			ck_assert_uint_le(q.qend, n);
			ck_assert_uint_ge(q.qname_len, 1);
			ck_assert_uint_le(q.qname_len, XST_DNAME_MAX);
			ck_assert_uint_eq(q.hash, xst_name_hash(q.lname, q.qname_len));
			for (j = 0; j < q.qname_len; j++)
				ck_assert(q.lname[j] < 'A' || q.lname[j] > 'Z');
			if (q.edns)
				ck_assert_uint_le((size_t)q.opt_off + XST_DNS_OPT_LEN, n);
			ck_assert_uint_le(xst_dnsmsg_tc(buf, cap, &q), cap);
			ck_assert_uint_le(xst_dnsmsg_refused(buf, cap, &q, XST_EDE_PROHIBITED), cap);
			r = xst_dnsmsg_badvers(buf, cap, &q);
			ck_assert(r == 0 || (r >= xst_dnsmsg_qend(&q) && r <= cap));
		}
		if (s != XST_DNSMSG_SHORT) {
			ck_assert_uint_eq(xst_dnsmsg_formerr(buf, &q),
					  q.error == XST_DNSMSG_E_NOQUESTION ? 23 : XST_DNS_HDR);
			ck_assert_uint_eq(xst_dnsmsg_notimp(buf, &q), XST_DNS_HDR);
		}
		guard_free(buf, cap);
	}
}
END_TEST

/* The one-pass lower-case + hash equals the two passes, for every length. */
START_TEST(test_dnsmsg_name_hash)
{
	unsigned int seed = 99, len, i;

	for (len = 1; len <= XST_DNAME_MAX; len++) {
		uint8_t src[XST_DNAME_MAX], a[XST_DNAME_MAX], b[XST_DNAME_MAX];
		uint8_t *g = NULL;
		uint32_t h;

		for (i = 0; i < len; i++)
			src[i] = (uint8_t)rand_r(&seed);
		g = guard_copy(src, len);
		ck_assert_ptr_nonnull(g);
		xst_lower_copy(a, g, len);
		h = xst_lower_copy_hash(b, g, len);
		ck_assert(!memcmp(a, b, len));
		ck_assert_uint_eq(h, xst_name_hash(a, len));
		for (i = 0; i < len; i++)
			ck_assert_uint_eq(a[i], xst_lower(src[i]));
		guard_free(g, len);
	}
	ck_assert_uint_eq(xst_lower('A'), 'a');
	ck_assert_uint_eq(xst_lower('Z'), 'z');
	ck_assert_uint_eq(xst_lower('@'), '@');
	ck_assert_uint_eq(xst_lower('['), '[');
	ck_assert_uint_eq(xst_lower(0xc1), 0xc1);
}
END_TEST

Suite *dnsmsg_suite(void)
{
	Suite *s = suite_create("dnsmsg");
	TCase *tc = tcase_create("msg");

	tcase_add_loop_test(tc, test_dnsmsg_parse, 0, ARRAY_SIZE(parse_cases));
	tcase_add_loop_test(tc, test_dnsmsg_replies, 0, ARRAY_SIZE(reply_cases));
	tcase_add_loop_test(tc, test_dnsmsg_notify, 0, ARRAY_SIZE(notify_cases));
	tcase_add_test(tc, test_dnsmsg_prefixes);
	tcase_add_test(tc, test_dnsmsg_garbage);
	tcase_add_test(tc, test_dnsmsg_name_hash);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
