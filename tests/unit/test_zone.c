// SPDX-License-Identifier: GPL-2.0
/*
 * Master-file parser (user/dns/zone*.c): every construct of issue 3 item 3
 * in valid files, checked record by record in wire form, and broken files
 * with the file:line and reason they must stop with. The expected errors
 * were compared with nsd-checkzone 4.6 on the same text where NSD rejects it.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/zone.h"
#include "dns/wire.h"
#include "../lib/dns_text.h"
#include "../lib/guard.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct valid_case {
	const char *name;
	const char *text;
	const char *origin;	/* NULL: from the file */
	const char *apex;
	const char *want[12];	/* records in file order, NULL-terminated */
};

#define SOA_T "@ SOA ns h 1 2 3 4 5\n"
/* SOA RDATA of "ns h 1 2 3 4 5" relative to t. */
#define SOA_RD "026e730174000168017400" "00000001" "00000002" "00000003" "00000004" "00000005"

static const struct valid_case valid[] = {
	{ "DNAME: one name, relative or absolute; other data beside it", "$ORIGIN t.\n" SOA_T
	  "d DNAME x\nd A 1.2.3.4\ne DNAME y.example.\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "d.t. 3600 DNAME 01780174" "00", "d.t. 3600 A 01020304",
	    "e.t. 3600 DNAME 0179076578616d706c6500" } },
	{ "origin, ttl, @, relative and absolute names", "$ORIGIN t.\n$TTL 60\n" SOA_T
	  "www A 192.0.2.1\nabs.t. 10 A 192.0.2.2\n", NULL, "t.",
	  { "t. 60 SOA " SOA_RD, "www.t. 60 A c0000201", "abs.t. 10 A c0000202" } },
	{ "default TTL is 3600 without $TTL (NSD)", "$ORIGIN t.\n" SOA_T "a A 1.2.3.4\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "a.t. 3600 A 01020304" } },
	{ "TTL units and TTL/class in either order", "$ORIGIN t.\n$TTL 1h30m\n" SOA_T
	  "a IN 2w A 1.2.3.4\nb 1D IN A 1.2.3.5\nc 10m5s A 1.2.3.6\n", NULL, "t.",
	  { "t. 5400 SOA " SOA_RD, "a.t. 1209600 A 01020304", "b.t. 86400 A 01020305",
	    "c.t. 605 A 01020306" } },
	{ "blank owner repeats the previous one", "$ORIGIN t.\n" SOA_T "a A 1.2.3.4\n"
	  "\tAAAA ::1\n  TXT x\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "a.t. 3600 A 01020304",
	    "a.t. 3600 AAAA 00000000000000000000000000000001", "a.t. 3600 TXT 0178" } },
	{ "parentheses over lines, comments inside", "$ORIGIN t.\n@ SOA ns h ( ; c\n 1 ; serial\n"
	  " 2 3\n 4 5 ) ; end\nmx MX ( 10\n  mail )\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "mx.t. 3600 MX 000a046d61696c017400" } },
	{ "quoted strings and escapes", "$ORIGIN t.\n" SOA_T
	  "a TXT \"a\\\"b\" \\040x \"\\065\\066\" \"semi;colon (paren)\"\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD,
	    "a.t. 3600 TXT 03612262022878024142" "1273656d693b636f6c6f6e2028706172656e29" } },
	{ "escaped dot and \\DDD in names", "$ORIGIN t.\n" SOA_T "a\\.b A 1.2.3.4\n"
	  "\\065\\066 PTR x\\.y.z.\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "a\\.b.t. 3600 A 01020304",
	    "AB.t. 3600 PTR 03782e79017a00" } },
	{ "letter case kept", "$ORIGIN T.\n" SOA_T "MiXeD CNAME WwW\n", NULL, "t.",
	  { "T. 3600 SOA 026e730154000168015400" "00000001000000020000000300000004"
	    "00000005", "MiXeD.T. 3600 CNAME 03577757015400" } },
	{ "every type in text form", "$ORIGIN t.\n" SOA_T
	  "@ NS ns\n@ MX 10 mail\n@ TXT \"v=spf1\"\n@ CAA 0 issue \"ca.test\"\n"
	  "s SRV 1 2 53 target\nr PTR x.\nd DS 1 8 2 ( AB CD )\nz AAAA 2001:db8::1\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "t. 3600 NS 026e730174" "00", "t. 3600 MX 000a046d61696c017400",
	    "t. 3600 TXT 06763d73706631", "t. 3600 CAA 00056973737565" "63612e74657374",
	    "s.t. 3600 SRV 000100020035067461726765740174" "00", "r.t. 3600 PTR 017800",
	    "d.t. 3600 DS 00010802abcd", "z.t. 3600 AAAA 20010db8000000000000000000000001" } },
	{ "RFC 3597 unknown and known types", "$ORIGIN t.\n" SOA_T
	  "u TYPE65280 \\# 3 0a0B0c\ne TYPE1234 \\# 0\ni A \\# 4 01020304\n"
	  "k CLASS1 TYPE16 \\# 2 ( 01 41 )\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "u.t. 3600 TYPE65280 0a0b0c", "e.t. 3600 TYPE1234 ",
	    "i.t. 3600 A 01020304", "k.t. 3600 TXT 0141" } },
	{ "more types: HINFO SSHFP TLSA NAPTR DNSKEY RP SPF", "$ORIGIN t.\n" SOA_T
	  "h HINFO \"PC\" unix\nh2 SSHFP 1 1 aa\nt TLSA 3 1 1 bb\n"
	  "n NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:a@b!\" .\nk DNSKEY 256 3 8 AwEAAQ==\n"
	  "rp RP a.b. c.d.\nsp SPF x\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "h.t. 3600 HINFO 02504304756e6978", "h2.t. 3600 SSHFP 0101aa",
	    "t.t. 3600 TLSA 030101bb",
	    "n.t. 3600 NAPTR 0064000a017507453255" "2b736970" "0e215e2e2a24217369703a6140622100",
	    "k.t. 3600 DNSKEY 0100030803010001", "rp.t. 3600 RP 016101620001630164" "00",
	    "sp.t. 3600 SPF 0178" } },
	{ "duplicates dropped, also with names in other case", "$ORIGIN t.\n" SOA_T
	  "a A 1.2.3.4\na A 1.2.3.4\nA A 1.2.3.4\nn NS x\nN NS X\nb A 1.2.3.4\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "a.t. 3600 A 01020304", "n.t. 3600 NS 01780174" "00",
	    "b.t. 3600 A 01020304" } },
	{ "duplicates of an owner met again in a later run (not next to each other)",
	  "$ORIGIN t.\n" SOA_T "a A 1.2.3.4\nb A 1.2.3.4\na A 1.2.3.4\nA A 5.6.7.8\nb A 5.6.7.8\n"
	  "a A 5.6.7.8\nb A 1.2.3.4\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "a.t. 3600 A 01020304", "b.t. 3600 A 01020304",
	    "A.t. 3600 A 05060708", "b.t. 3600 A 05060708" } },
	{ "only the names of an RDATA fold for duplicates: MX 65 and MX 97 are two records (NSD)",
	  "$ORIGIN t.\n" SOA_T "m MX 65 x\nm MX 97 x\nm MX 65 X\ns SRV 65 1 2 x\ns SRV 97 1 2 x\n",
	  NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "m.t. 3600 MX 0041017801740" "0", "m.t. 3600 MX 0061017801740" "0",
	    "s.t. 3600 SRV 004100010002017801740" "0", "s.t. 3600 SRV 006100010002017801740" "0" } },
	{ "apex from an absolute SOA owner, relative names after it", "$TTL 5\n"
	  "zone.test. SOA ns h 1 2 3 4 5\nwww A 1.2.3.4\n", NULL, "zone.test.",
	  { "zone.test. 5 SOA 026e73047a6f6e65047465737400"
	    "01680" "47a6f6e650474657374" "00" "00000001000000020000000300000004" "00000005",
	    "www.zone.test. 5 A 01020304" } },
	{ "origin given by the caller", SOA_T "a A 1.2.3.4\n", "given.test", "given.test.",
	  { "given.test. 3600 SOA 026e7305676976656e047465737400" "016805676976656e04746573740000"
	    "000001000000020000000300000004" "00000005", "a.given.test. 3600 A 01020304" } },
	{ "$ORIGIN below the apex, CNAME beside RRSIG", "$ORIGIN t.\n" SOA_T "$ORIGIN sub.t.\n"
	  "a CNAME b\na RRSIG \\# 19 0005 08 03 0000003c 00000002 00000001 3039 00\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "a.sub.t. 3600 CNAME 0162037375620174" "00",
	    "a.sub.t. 3600 RRSIG 00050803" "0000003c" "00000002" "00000001" "303900" } },
	{ "RFC 3597 TXT is taken unchecked, empty or not strings (NSD)", "$ORIGIN t.\n" SOA_T
	  "u TXT \\# 4 01616263\nv TXT \\# 0\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "u.t. 3600 TXT 01616263", "v.t. 3600 TXT " } },
	{ "RFC 3597 length word ignored, as NSD 4.6.1 does", "$ORIGIN t.\n" SOA_T
	  "u TYPE9999 \\# 3 0102\nv TYPE9999 \\# abc 0304\nw TYPE9999 \\# 2\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "u.t. 3600 TYPE9999 0102", "v.t. 3600 TYPE9999 0304",
	    "w.t. 3600 TYPE9999 " } },
	{ "8- and 16-bit numbers wrap as NSD's strtol() and cast: 70000 is 4464, -1 is 65535",
	  "$ORIGIN t.\n" SOA_T "m MX 70000 x\nn MX -1 x\nc CAA 256 issue \"x\"\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "m.t. 3600 MX 1170017801740" "0", "n.t. 3600 MX ffff017801740" "0",
	    "c.t. 3600 CAA 00056973737565" "78" } },
	{ "newline inside a quoted string (NSD takes it)", "$ORIGIN t.\n" SOA_T "a TXT \"x\ny\"\nb A 1.2.3.4\n",
	  NULL, "t.", { "t. 3600 SOA " SOA_RD, "a.t. 3600 TXT 03780a79", "b.t. 3600 A 01020304" } },
	{ "TTLs over 2^31-1 as NSD stores them: 32-bit wrap, top bit set -> 3600",
	  "$ORIGIN t.\n$TTL 100\n@ 2147483648 SOA ns h 1 2147483648 4294967295 9999999999 5\n"
	  "a 4294967297 A 1.2.3.4\nb 2147483647 A 1.2.3.4\n", NULL, "t.",
	  { "t. 3600 SOA 026e730174000168017400" "00000001" "00000e10" "00000e10" "540be3ff"
	    "00000005", "a.t. 1 A 01020304", "b.t. 2147483647 A 01020304" } },
	{ "escapes as NSD's lexer: \\2 is '2', \\256 is '2' then '56'", "$ORIGIN t.\n" SOA_T
	  "n NAPTR 1 1 \"u\" \"s\" \"!^(.*)$!\\2!\" .\na\\256 TXT \"\\256x\"\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "n.t. 3600 NAPTR 0001000101750173" "0a215e282e2a2924213221" "00",
	    "a256.t. 3600 TXT 0432353678" } },
	{ "CAA with a quoted tag", "$ORIGIN t.\n" SOA_T "@ CAA 0 \"issue\" \"x\"\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "t. 3600 CAA 0005697373756578" } },
	{ "an escaped backslash before a blank: the word goes on, as NSD's flex lexer reads it",
	  "$ORIGIN t.\n" SOA_T "a TXT foo\\\\ bar\nb TXT x\\\\\nc\nd A 1.2.3.4\n", NULL, "t.",
	  { "t. 3600 SOA " SOA_RD, "a.t. 3600 TXT 08666f6f5c20626172", "b.t. 3600 TXT 04785c0a63",
	    "d.t. 3600 A 01020304" } },
	{ "CRLF line ends, no newline at the end", "$ORIGIN t.\r\n" SOA_T "a A 1.2.3.4", NULL,
	  "t.", { "t. 3600 SOA " SOA_RD, "a.t. 3600 A 01020304" } },
};

START_TEST(test_zone_valid)
{
	const struct valid_case *c = &valid[_i];
	size_t len = strlen(c->text), n = 0, i;
	uint8_t *text = guard_copy(c->text, len + 1);	/* the NUL ends right at the guard */
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	char apex[1024], line[2048];
	int r;

	ck_assert_ptr_nonnull(text);
	r = xst_zone_parse_string(&z, (const char *)text, "test.zone", c->origin, &err);
	ck_assert_msg(r == 0, "%s: %s:%u: %s", c->name, err.file, err.line, err.reason);
	ck_assert_int_ge(xst_dname_to_text(z->apex, z->apex_len, apex, sizeof(apex)), 1);
	ck_assert_msg(!strcmp(apex, c->apex), "%s: apex %s, want %s", c->name, apex, c->apex);
	while (c->want[n])
		n++;
	for (i = 0; i < z->nr_rrs && i < n; i++) {
		test_rr_line(z, i, line, sizeof(line));
		ck_assert_msg(!strcmp(line, c->want[i]), "%s: record %zu is\n  '%s', want\n  '%s'",
			      c->name, i, line, c->want[i]);
		ck_assert_int_eq(z->rrs[i].rclass, XST_C_IN);
	}
	ck_assert_msg(z->nr_rrs == n, "%s: %zu records, want %zu", c->name, z->nr_rrs, n);
	xst_zone_destroy(z);
	guard_free(text, len + 1);
}
END_TEST

struct bad_case {
	const char *name;
	const char *text;
	unsigned int line;
	const char *reason;	/* substring of the reason */
};

static const struct bad_case bad[] = {
	{ "no SOA", "$ORIGIN t.\na A 1.2.3.4\n", 0, "no SOA record" },
	{ "second SOA", "$ORIGIN t.\n" SOA_T SOA_T, 3, "SOA record was already encountered" },
	{ "SOA below the apex", "$ORIGIN t.\n" SOA_T "x SOA ns h 1 2 3 4 5\n", 3, "not at the zone apex" },
	{ "out of zone data", "$ORIGIN t.\n" SOA_T "x.other. A 1.2.3.4\n", 3, "out of zone data" },
	{ "class CH", "$ORIGIN t.\n" SOA_T "@ CH TXT x\n", 3, "only class IN" },
	{ "class after TTL", "$ORIGIN t.\n" SOA_T "a 60 HS A 1.2.3.4\n", 3, "only class IN" },
	{ "CNAME and other data", "$ORIGIN t.\n" SOA_T "c CNAME a\nc A 1.2.3.4\n", 4,
	  "CNAME and other data" },
	{ "other data then CNAME", "$ORIGIN t.\n" SOA_T "c A 1.2.3.4\nc CNAME a\n", 4,
	  "CNAME and other data" },
	{ "two CNAMEs", "$ORIGIN t.\n" SOA_T "c CNAME a\nC CNAME b\n", 4, "multiple CNAMEs" },
	{ "CNAME, then other data at its name after another owner", "$ORIGIN t.\n" SOA_T
	  "c CNAME a\nd A 1.2.3.4\nc A 1.2.3.4\n", 5, "CNAME and other data" },
	{ "unknown type", "$ORIGIN t.\n" SOA_T "a FOO 1\n", 3, "unknown RR type 'FOO'" },
	{ "missing type", "$ORIGIN t.\n" SOA_T "a 60 IN\n", 3, "missing RR type" },
	{ "bad IPv4", "$ORIGIN t.\n" SOA_T "a A 1.2.3\n", 3, "bad IPv4 address '1.2.3'" },
	{ "bad IPv6", "$ORIGIN t.\n" SOA_T "a AAAA 1.2.3.4\n", 3, "bad IPv6 address" },
	{ "trailing data", "$ORIGIN t.\n" SOA_T "a A 1.2.3.4 5\n", 3, "unexpected '5'" },
	{ "missing field", "$ORIGIN t.\n" SOA_T "m MX 10\n", 3, "missing exchange" },
	{ "not a number", "$ORIGIN t.\n" SOA_T "m MX 1x x\n", 3, "preference" },
	{ "bad TTL", "$ORIGIN t.\n$TTL 1x\n" SOA_T, 2, "expected a TTL" },
	{ "empty label", "$ORIGIN t.\n" SOA_T "a..b A 1.2.3.4\n", 3, "empty label" },
	{ "label too long", "$ORIGIN t.\n" SOA_T
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa A 1.2.3.4\n", 3,
	  "longer than 63" },
	{ "name too long", "$ORIGIN t.\n" SOA_T "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z."
	  "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r."
	  "s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j."
	  "k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l A 1.2.3.4\n", 3, "longer than 255" },
	{ "string too long", "$ORIGIN t.\n" SOA_T "a TXT "
	  "\"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
	  "8901234567890123456789012345678901234567890123456789012345678901234567890123456789012345"
	  "67890123456789012345678901234567890123456789012345678901234567890123456789012345678901\"\n",
	  3, "longer than 255" },
	{ "unterminated string", "$ORIGIN t.\n" SOA_T "a TXT \"abc\n\n", 3, "unterminated quoted" },
	{ "stray ')'", "$ORIGIN t.\n" SOA_T "a TXT x )\n", 3, "')' without '('" },
	{ "error on a later line of a record", "$ORIGIN t.\n@ SOA ns h (\n 1 2\n 3 x 5 )\n", 4,
	  "expire" },
	{ "RFC 3597 odd hex", "$ORIGIN t.\n" SOA_T "u TYPE9999 \\# 1 012\n", 3, "odd number" },
	{ "RFC 3597 A of 3 bytes", "$ORIGIN t.\n" SOA_T "u A \\# 3 010203\n", 3, "not a valid A" },
	{ "RFC 3597 HINFO with a bad length byte", "$ORIGIN t.\n" SOA_T "u TYPE13 \\# 4 01610263\n", 3,
	  "not a valid HINFO" },
	{ "RFC 3597 NS that is not a name", "$ORIGIN t.\n" SOA_T "u NS \\# 2 0161\n", 3,
	  "not a valid NS" },
	{ "unknown directive: the rest is a record (NSD)", "$ORIGIN t.\n$FOO bar\n", 2,
	  "unknown RR type 'bar'" },
	{ "$ORIGIN without a name", "$ORIGIN\n", 1, "$ORIGIN takes one" },
	{ "type without text form (NULL: NSD reads only RFC 3597)", "$ORIGIN t.\n" SOA_T
	  "n NULL 00\n", 3, "RFC 3597" },
	{ "nested parentheses (NSD refuses them)", "$ORIGIN t.\n" SOA_T "a A ( 1.2.3.4 ( ) )\n", 3,
	  "nested parentheses" },
	{ "TYPE0 is no type (NSD)", "$ORIGIN t.\n" SOA_T "a TYPE0 \\# 0\n", 3,
	  "unknown RR type 'TYPE0'" },
	{ "A6 is no mnemonic in NSD 4.6.1", "$ORIGIN t.\n" SOA_T "a A6 \\# 1 00\n", 3,
	  "unknown RR type 'A6'" },
	/* DNAME: NSD's zonec checks (RFC 6672; data below refused, not occluded) */
	{ "two DNAMEs at a name", "$ORIGIN t.\n" SOA_T "d DNAME x\nd DNAME y\n", 4,
	  "multiple DNAMEs" },
	{ "DNAME beside a CNAME", "$ORIGIN t.\n" SOA_T "d CNAME x\nd DNAME y\n", 4,
	  "CNAME and other data" },
	{ "data below a DNAME", "$ORIGIN t.\n" SOA_T "d DNAME x\na.b.d A 1.2.3.4\n", 4,
	  "DNAME at d.t. has data below it" },
	{ "data below an apex DNAME", "$ORIGIN t.\n" SOA_T "@ DNAME x.\nns A 1.2.3.4\n", 4,
	  "DNAME at t. has data below it" },
	{ "DNAME with two names", "$ORIGIN t.\n" SOA_T "d DNAME x y\n", 3, "" },
	{ "missing $INCLUDE file", "$ORIGIN t.\n" SOA_T "$INCLUDE /nonexistent/xst.inc\n", 3,
	  "cannot read included file '/nonexistent/xst.inc'" },
	{ "CAA bad tag", "$ORIGIN t.\n" SOA_T "@ CAA 0 is-sue x\n", 3, "other than a-z and 0-9" },
	{ "CAA upper-case tag (NSD)", "$ORIGIN t.\n" SOA_T "@ CAA 0 ISSUE x\n", 3,
	  "other than a-z and 0-9" },
	{ "CAA tag over 15", "$ORIGIN t.\n" SOA_T "@ CAA 0 abcdefghijklmnop x\n", 3,
	  "longer than 15" },
	{ "CAA empty tag", "$ORIGIN t.\n" SOA_T "@ CAA 0 \"\" x\n", 3, "empty tag" },
	{ "bad base64", "$ORIGIN t.\n" SOA_T "k DNSKEY 256 3 8 A*==\n", 3, "base64" },
};

START_TEST(test_zone_bad)
{
	const struct bad_case *c = &bad[_i];
	size_t len = strlen(c->text);
	uint8_t *text = guard_copy(c->text, len + 1);
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	int r;

	ck_assert_ptr_nonnull(text);
	r = xst_zone_parse_string(&z, (const char *)text, "bad.zone", NULL, &err);
	ck_assert_msg(r == -EINVAL, "%s: returned %d", c->name, r);
	ck_assert_ptr_null(z);
	ck_assert_msg(!strcmp(err.file, "bad.zone"), "%s: file '%s'", c->name, err.file);
	ck_assert_msg(err.line == c->line, "%s: line %u, want %u (%s)", c->name, err.line, c->line,
		      err.reason);
	ck_assert_msg(strstr(err.reason, c->reason), "%s: reason '%s', want '%s'", c->name,
		      err.reason, c->reason);
	guard_free(text, len + 1);
}
END_TEST

/* ---- files: $INCLUDE, origin from the file name, I/O errors ---------------------- */

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void files_setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/xst-zone-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	{
		char sub[96];

		snprintf(sub, sizeof(sub), "%s/d", dir);
		ck_assert_int_eq(mkdir(sub, 0700), 0);
	}
}

static void files_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_zone_include)
{
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	char path[256], line[1024];
	size_t i;
	static const char *const want[] = {
		"inc.test. 60 SOA 026e7303696e6304746573740001680" "3696e630474657374"
		"000000000100000002000000030000000400000005",
		"a.inc.test. 60 A 01020304",
		"b.sub.inc.test. 60 A 01020305",	/* included with origin sub */
		"deep.sub.inc.test. 7 A 01020306",	/* nested, relative to the first include */
		"c.sub.inc.test. 60 A 01020307",	/* back in part.inc after the nested one */
		"z.inc.test. 60 A 01020308",		/* origin restored after the include */
	};

	write_file("inc.test.zone", "$TTL 60\n@ SOA ns h 1 2 3 4 5\na A 1.2.3.4\n"
				    "$INCLUDE part.inc sub.inc.test.\nz A 1.2.3.8\n");
	write_file("part.inc", "b A 1.2.3.5\n$INCLUDE d/deep.inc\nc A 1.2.3.7\n");
	write_file("d/deep.inc", "deep 7 A 1.2.3.6\n");
	snprintf(path, sizeof(path), "%s/inc.test.zone", dir);
	ck_assert_msg(xst_zone_load(&z, path, NULL, &err) == 0, "%s:%u: %s", err.file, err.line,
		      err.reason);
	ck_assert_uint_eq(z->nr_rrs, ARRAY_SIZE(want));
	for (i = 0; i < z->nr_rrs; i++) {
		test_rr_line(z, i, line, sizeof(line));
		ck_assert_msg(!strcmp(line, want[i]), "record %zu '%s', want '%s'", i, line, want[i]);
	}
	/* Records remember the file they came from, for the db's messages. */
	ck_assert_ptr_nonnull(strstr(z->rrs[2].file, "part.inc"));
	ck_assert_ptr_nonnull(strstr(z->rrs[3].file, "deep.inc"));
	ck_assert_uint_eq(z->rrs[3].line, 1);
	ck_assert_uint_eq(z->rrs[4].line, 3);
	xst_zone_destroy(z);
}
END_TEST

START_TEST(test_zone_include_errors)
{
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	char path[256];

	/* An error inside an included file names that file and its line. */
	write_file("e.test.zone", "@ SOA ns h 1 2 3 4 5\n$INCLUDE e.inc\n");
	write_file("e.inc", "ok A 1.2.3.4\n\nbad A 300.1.1.1\n");
	snprintf(path, sizeof(path), "%s/e.test.zone", dir);
	ck_assert_int_eq(xst_zone_load(&z, path, NULL, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.file, "e.inc"));
	ck_assert_uint_eq(err.line, 3);
	ck_assert_ptr_nonnull(strstr(err.reason, "bad IPv4"));

	/* A file including itself stops at the nesting limit. */
	write_file("loop.test.zone", "@ SOA ns h 1 2 3 4 5\n$INCLUDE self.inc\n");
	write_file("self.inc", "$INCLUDE self.inc\n");
	snprintf(path, sizeof(path), "%s/loop.test.zone", dir);
	ck_assert_int_eq(xst_zone_load(&z, path, NULL, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.reason, "nested more than"));

	/* A missing zone file: -ENOENT, the path in the message. */
	snprintf(path, sizeof(path), "%s/absent.zone", dir);
	ck_assert_int_eq(xst_zone_load(&z, path, NULL, &err), -ENOENT);
	ck_assert_str_eq(err.file, path);
	ck_assert_ptr_nonnull(strstr(err.reason, "cannot read zone file"));
	ck_assert_ptr_null(z);
}
END_TEST

/*
 * Files that are not what a regular file's size says (issue 11 item 8): a
 * procfs file read as empty with success, a sysfs one as its text; a FIFO
 * blocked the open. Each is refused, naming the file and what it is.
 */
START_TEST(test_zone_include_not_regular)
{
	static const struct {
		const char *target, *reason;
	} cases[] = {
		{ "/proc/self/status", "procfs pseudo-file" },
		{ "/proc/version", "procfs pseudo-file" },
		{ "/sys/devices/system/cpu/online", "sysfs pseudo-file" },
		{ "FIFO", "a FIFO" },
		{ "/dev/null", "a device" },
		{ "d", "Is a directory" },
	};
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	char path[256], text[512], fifo[256];
	size_t i;

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *t = strcmp(cases[i].target, "FIFO") ? cases[i].target : fifo;

		if (t[0] == '/' && access(t, R_OK))
			continue;	/* not mounted here */
		snprintf(text, sizeof(text), "$TTL 60\n@ SOA ns h 1 2 3 4 5\n$INCLUDE %s\n", t);
		write_file("np.test.zone", text);
		snprintf(path, sizeof(path), "%s/np.test.zone", dir);
		ck_assert_int_eq(xst_zone_load(&z, path, NULL, &err), -EINVAL);
		ck_assert_ptr_null(z);
		ck_assert_msg(strstr(err.reason, cases[i].reason), "%s: '%s'", t, err.reason);
		ck_assert_msg(strstr(err.reason, "cannot read included file"), "%s", err.reason);
		ck_assert_uint_eq(err.line, 3);

		/* and as the zone file itself */
		if (t[0] == '/' || t == fifo) {
			ck_assert_int_lt(xst_zone_load(&z, t, "np.test.", &err), 0);
			ck_assert_ptr_null(z);
			ck_assert_msg(strstr(err.reason, cases[i].reason), "%s: '%s'", t, err.reason);
		}
	}
}
END_TEST

START_TEST(test_zone_origin_from_name)
{
	static const struct { const char *file, *apex; } cases[] = {
		{ "example.org.zone", "example.org." },
		{ "db.example.net", "example.net." },
		{ "other.test.db", "other.test." },
		{ "plain.test.", "plain.test." },
	};
	struct xst_zone_error err;
	struct xst_zone *z;
	char path[256], apex[300];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		z = NULL;
		write_file(cases[i].file, "@ SOA ns h 1 2 3 4 5\nwww A 1.2.3.4\n");
		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].file);
		ck_assert_msg(xst_zone_load(&z, path, NULL, &err) == 0, "%s: %s", cases[i].file,
			      err.reason);
		xst_dname_to_text(z->apex, z->apex_len, apex, sizeof(apex));
		ck_assert_str_eq(apex, cases[i].apex);
		xst_zone_destroy(z);
	}
}
END_TEST

/* ---- helpers exported with the parser -------------------------------------------- */

START_TEST(test_zone_helpers)
{
	static const uint8_t name[] = "\x03" "a.b" "\x02" "\"x" "\x01" "\x07" "\x00";
	char buf[64], tb[12];

	ck_assert_int_eq(xst_dname_to_text(name, sizeof(name) - 1, buf, sizeof(buf)), 14);
	ck_assert_str_eq(buf, "a\\.b.\\\"x.\\007.");
	ck_assert_int_eq(xst_dname_to_text((const uint8_t *)"", 1, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, ".");
	ck_assert_int_eq(xst_dname_to_text(name, sizeof(name) - 1, buf, 8), -ENOSPC);
	ck_assert_int_eq(xst_rrtype_from_text("aaaa", 4), 28);
	ck_assert_int_eq(xst_rrtype_from_text("TYPE65280", 9), 65280);
	ck_assert_int_eq(xst_rrtype_from_text("TYPE65536", 9), -EINVAL);
	ck_assert_int_eq(xst_rrtype_from_text("TYPE01", 6), 1);	/* NSD: strtol */
	ck_assert_int_eq(xst_rrtype_from_text("TYPE0", 5), -EINVAL);
	ck_assert_int_eq(xst_rrtype_from_text("BOGUS", 5), -EINVAL);
	ck_assert_str_eq(xst_rrtype_to_text(257, tb), "CAA");
	ck_assert_str_eq(xst_rrtype_to_text(65280, tb), "TYPE65280");
}
END_TEST

/* A zone of n names is loaded with one record per name and no loss. */
START_TEST(test_zone_many)
{
	size_t n = 20000, i, cap = n * 32 + 128, o;
	char *text = malloc(cap);
	struct xst_zone_error err;
	struct xst_zone *z = NULL;

	ck_assert_ptr_nonnull(text);
	o = (size_t)snprintf(text, cap, "$ORIGIN big.test.\n@ SOA ns h 1 2 3 4 5\n");
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(text + o, cap - o, "h%zu A 10.%zu.%zu.1\n", i, i >> 8 & 255,
				      i & 255);
	ck_assert_int_eq(xst_zone_parse_string(&z, text, "big.zone", NULL, &err), 0);
	ck_assert_uint_eq(z->nr_rrs, n + 1);
	ck_assert_uint_eq(z->rrs[n].line, n + 2);
	xst_zone_destroy(z);
	free(text);
}
END_TEST

/*
 * Duplicates among many records of one owner (more than the dedup compares
 * one by one within a run), in its first run and in a later one.
 */
START_TEST(test_zone_dedup_long_run)
{
	size_t cap = 64 * 1024, o = 0, i;
	char *text = malloc(cap);
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	int r;

	ck_assert_ptr_nonnull(text);
	o += (size_t)snprintf(text + o, cap - o, "$ORIGIN t.\n" SOA_T);
	for (i = 0; i < 40; i++)	/* 40 records, each also written right after it */
		o += (size_t)snprintf(text + o, cap - o, "a A 10.0.0.%zu\na A 10.0.0.%zu\n", i, i);
	o += (size_t)snprintf(text + o, cap - o, "b A 10.0.0.1\n");
	for (i = 0; i < 45; i++)	/* again, and 5 new ones at the end */
		o += (size_t)snprintf(text + o, cap - o, "a A 10.0.0.%zu\n", i);
	for (i = 0; i < 20; i++)	/* a long run of a third owner, repeated */
		o += (size_t)snprintf(text + o, cap - o, "c A 10.0.1.%zu\n", i % 18);
	r = xst_zone_parse_string(&z, text, "test.zone", NULL, &err);
	ck_assert_msg(r == 0, "%s:%u: %s", err.file, err.line, err.reason);
	ck_assert_uint_eq(z->nr_rrs, 1 + 40 + 1 + 5 + 18);
	for (i = 0; i < 45; i++) {
		const struct xst_rr *rr = &z->rrs[i < 40 ? 1 + i : 2 + i];

		ck_assert_uint_eq(rr->rdlen, 4);
		ck_assert_uint_eq(rr->rdata[3], i);
		ck_assert_uint_eq(rr->owner[1], 'a');
	}
	ck_assert_uint_eq(z->rrs[41].owner[1], 'b');
	for (i = 0; i < 18; i++)
		ck_assert_uint_eq(z->rrs[47 + i].rdata[3], i);
	xst_zone_destroy(z);
	free(text);
}
END_TEST

Suite *zone_suite(void)
{
	Suite *s = suite_create("zone");
	TCase *tc = tcase_create("parse");
	TCase *tf = tcase_create("files");

	tcase_add_loop_test(tc, test_zone_valid, 0, ARRAY_SIZE(valid));
	tcase_add_loop_test(tc, test_zone_bad, 0, ARRAY_SIZE(bad));
	tcase_add_test(tc, test_zone_helpers);
	tcase_add_test(tc, test_zone_dedup_long_run);
	tcase_add_test(tc, test_zone_many);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, files_setup, files_teardown);
	tcase_add_test(tf, test_zone_include);
	tcase_add_test(tf, test_zone_include_errors);
	tcase_add_test(tf, test_zone_include_not_regular);
	tcase_add_test(tf, test_zone_origin_from_name);
	suite_add_tcase(s, tf);
	return s;
}
