// SPDX-License-Identifier: GPL-2.0
/*
 * Master-file parser, the record types of zone_rdata_misc.c (LOC, SVCB,
 * HTTPS, APL, WKS, X25, ISDN, NSAP, PX, DNAME, NID, L32, L64, LP, EUI48,
 * EUI64, URI, AVC) and the RFC 1183 / RFC 1035 name types beside them: text
 * form -> wire bytes, RFC 3597 form of each checked for its type, and the
 * text that must be refused. Every case was run through nsd-checkzone 4.6.1
 * on the same zone: the good ones load there, the refused ones fail there.
 * The bytes are dnspython's (from_text().to_wire()) where it reads the text;
 * where it does not (NSD's quirks: "LOC 91 N", lat/lon swapped, "APL .../",
 * EUI groups of one digit, relative names, RFC 3597) they are what
 * nsd-checkzone -p prints. tests/dns/zone_misc_nsd.py re-runs the check.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/zone.h"
#include "dns/zone_priv.h"
#include "dns/wire.h"
#include "../lib/guard.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The zone each case is the fourth line of, owner "x". */
#define HEAD "$ORIGIN example.\n$TTL 3600\n@ SOA ns hm 1 2 3 4 5\nx "

struct good_case {
	const char *rr;		/* type and RDATA as written */
	const char *hex;	/* wire RDATA */
};

struct refused_case {
	const char *rr;
	const char *reason;	/* substring of the reason */
};

static const struct good_case good[] = {
	{ "LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
	  "000016138b3cf018810cbce0009895b8" },
	{ "LOC 52 N 4 E 10", "001216138b28720080dbba0000989a68" },
	{ "LOC 4 E 52 N 10m 1 2 3 4", "001222328b28720080dbba0000989a68" },
	{ "LOC 91 N 4 E 10", "001216139386c78080dbba0000989a68" },
	{ "LOC 52 22 23.5 S 4 53 W 10.5m 90000000m", "0099161374c30df47ef3c02000989a9a" },
	{ "LOC 0 0 0.001 s 180 59 59.999 w +0.01m 0m 0.5m 1.23m",
	  "000051127fffffff59295f8100989681" },
	{ "LOC 42 21 54 N 71 06 18 W -24m 30m", "0033161389172dd070be15f000988d20" },
	{ "LOC 60 N 1 E 0", "001216138cdfe6008036ee8000989680" },
	{ "SVCB 1 . alpn=h2,h3 port=443", "000100000100060268320268330003000201bb" },
	{ "SVCB 1 . port=443 alpn=h2", "000100000100030268320003000201bb" },
	{ "SVCB 0 foo. alpn=h2", "000003666f6f0000010003026832" },
	{ "SVCB 0 foo.example.", "000003666f6f076578616d706c6500" },
	{ "SVCB 1 . mandatory=alpn,port alpn=h2 port=1",
	  "0001000000000400010003000100030268320003" "00020001" },
	{ "HTTPS 1 . alpn=\"h2,h3\" no-default-alpn", "0001000001000602683202683300020000" },
	{ "HTTPS 1 . key8", "00010000080000" },
	{ "HTTPS 1 . alpn=a\\\\,b", "0001000001000403612c62" },
	{ "HTTPS 1 . alpn=a\\,b", "0001000001000401610162" },
	{ "HTTPS 1 . key65535", "000100ffff0000" },
	{ "HTTPS 1 .", "000100" },
	{ "HTTPS 1 . dohpath=/q{?dns} ipv4hint=1.2.3.4,5.6.7.8 ipv6hint=::1",
	  "0001000004000801020304050607080006001000" "000000000000000000000000000001000700082f"
	  "717b3f646e737d" },
	{ "HTTPS 1 . key7=x key65000=\"\" ech=AAA=", "0001000005000200000007000178fde80000" },
	{ "HTTPS 1 svc.example.net. echconfig=\"AAA=\"",
	  "000103737663076578616d706c65036e65740000" "0500020000" },
	{ "HTTPS 1 . \"alpn=h3\"", "00010000010003026833" },
	{ "APL 1:192.168.32.0/21 !1:192.168.38.0/28 2:2001:db8::/32",
	  "00011503c0a82000011c83c0a826000220042001" "0db8" },
	{ "APL", "" },
	{ "APL 1:1.2.3.4/", "0001000401020304" },
	{ "APL \"1:0.0.0.0/0\"", "00010000" },
	{ "APL 2:::/0 !2:fe80::1/128", "0002000000028090fe800000000000000000000000000001" },
	{ "WKS 192.0.2.1 tcp smtp 80 domain", "c0000201060000004000000400000080" },
	{ "WKS 192.0.2.1 6 25", "c00002010600000040" },
	{ "WKS 192.0.2.1 foo 25", "c00002010000000040" },
	{ "WKS 192.0.2.1 17 domain", "c00002011100000000000004" },
	{ "WKS 192.0.2.1 TCP 0", "c00002010680" },
	{ "EUI48 00-00-5e-00-53-2a", "00005e00532a" },
	{ "EUI48 0-0-5e-0-53-2a", "00005e00532a" },
	{ "EUI64 00-00-5e-ef-10-00-00-2a", "00005eef1000002a" },
	{ "NID 10 0014:4fff:ff20:ee64", "000a00144fffff20ee64" },
	{ "L64 10 14:4fff:ff20:e", "000a00144fffff20000e" },
	{ "L32 10 10.1.2.0", "000a0a010200" },
	{ "LP 10 l64-subnet1.example.com.",
	  "000a0b6c36342d7375626e657431076578616d70" "6c6503636f6d00" },
	{ "LP 10 sub", "000a03737562076578616d706c6500" },
	{ "URI 10 1 \"ftp://ftp1.example.com/public\"",
	  "000a00016674703a2f2f667470312e6578616d70" "6c652e636f6d2f7075626c6963" },
	{ "URI 10 1 ftp://x", "000a00016674703a2f2f78" },
	{ "URI 10 1 \"\"", "000a0001" },
	{ "PX 10 net2.it. PRMD-net2.ADMD-p400.C-it.",
	  "000a046e657432026974000950524d442d6e6574" "320941444d442d7034303004432d697400" },
	{ "ISDN \"150862028003217\" \"004\"", "0f31353038363230323830303332313703303034" },
	{ "ISDN \"150862028003217\"", "0f313530383632303238303033323137" },
	{ "X25 \"311061700956\"", "0c333131303631373030393536" },
	{ "NSAP 0x47.0005.80.005a00.0000.0001.e133.ffffff000161.00",
	  "47000580005a0000000001e133ffffff00016100" },
	{ "NSAP 0X4700", "4700" },
	{ "NSAP 0x", "" },
	{ "DNAME foo.example.net.", "03666f6f076578616d706c65036e657400" },
	{ "DNAME sub", "03737562076578616d706c6500" },
	{ "AVC \"app-name:WOLFGANG|app-class:OAM\"",
	  "1f6170702d6e616d653a574f4c4647414e477c61" "70702d636c6173733a4f414d" },
	{ "AVC a \"b c\"", "016103622063" },
	{ "RP mbox.example.net. txt.example.net.",
	  "046d626f78076578616d706c65036e6574000374" "7874076578616d706c65036e657400" },
	{ "AFSDB 1 afs.example.net.", "000103616673076578616d706c65036e657400" },
	{ "KX 10 kx.example.net.", "000a026b78076578616d706c65036e657400" },
	{ "RT 10 rt.example.net.", "000a027274076578616d706c65036e657400" },
	{ "MINFO a b", "0161076578616d706c65000162076578616d706c6500" },
	{ "MB mb.example.", "026d62076578616d706c6500" },
	{ "MG mg.example.", "026d67076578616d706c6500" },
	{ "MR mr.example.", "026d72076578616d706c6500" },
	{ "MD md.example.", "026d64076578616d706c6500" },
	{ "MF mf.example.", "026d66076578616d706c6500" },
	{ "LOC \\# 3 010203", "010203" },
	{ "WKS \\# 5 c000020106", "c000020106" },
	{ "WKS \\# 4 c0000201", "c0000201" },
	{ "X25 \\# 2 0161", "0161" },
	{ "ISDN \\# 4 01610162", "01610162" },
	{ "PX \\# 4 000a0000", "000a0000" },
	{ "DNAME \\# 1 00", "00" },
	{ "NID \\# 10 000a0001000200030004", "000a0001000200030004" },
	{ "L32 \\# 6 000a01020304", "000a01020304" },
	{ "LP \\# 3 000a00", "000a00" },
	{ "EUI48 \\# 6 00005e00532a", "00005e00532a" },
	{ "EUI64 \\# 8 00005e00532a0000", "00005e00532a0000" },
	{ "URI \\# 4 000a0001", "000a0001" },
	{ "APL \\# 0", "" },
	{ "APL \\# 5 0001080101", "0001080101" },
	{ "SVCB \\# 3 000100", "000100" },
	{ "SVCB \\# 7 00010000030000", "00010000030000" },
	{ "SVCB \\# 11 0001000003000000010000", "0001000003000000010000" },
	{ "AVC \\# 0", "" },
	{ "NSAP \\# 0", "" },
	{ "TXT x.", "02782e" },
	{ "TXT ..x", "032e2e78" },
	{ "TXT .", "012e" },
	{ "URI 1 1 ..x", "000100012e2e78" },
	{ "HINFO \"a.b\" c", "03612e620163" },
	{ "X25 a\\.b", "03612e62" },
	{ "CAA 0 issue ca.example", "0005697373756563612e6578616d706c65" },
	{ "LOC 52 N 4 E 10 \"1.\"", "001216138b28720080dbba0000989a68" },
	{ "NAPTR 100 10 \"u\" \"E2U+sip\" \"!^(.*)$!\\\\2@example.com!\" .",
	  "0064000a0175074532552b73697017215e282e2a" "2924215c32406578616d706c652e636f6d2100" },
	{ "TXT \"a\\2b\" \"\\256x\" \"\\065\"", "0361326204323536780141" },
	{ "CAA 0 \"issue\" \"x\"", "0005697373756578" },
};

static const struct refused_case refused[] = {
	{ "LOC 52 N 4 E", "LOC record: unexpected end of LOC data" },
	{ "LOC 52 N 4 E 10x", "LOC record: altitude must be expressed in meters" },
	{ "LOC 52 61 N 4 E 10", "LOC record: minutes must be within the range [0 .. 60]" },
	{ "LOC 181 N 4 E 10", "LOC record: degrees must be within the range [0 .. 180]" },
	{ "LOC 52 22 61 N 4 E 10", "LOC record: seconds must be within the range [0 .. 60]" },
	{ "LOC 52 22 23.1000 N 4 E 10",
	  "LOC record: seconds fraction must be within the range [0 .. 999]" },
	{ "LOC 52 X 4 E 10", "LOC record: invalid latitude/longitude: 'X'" },
	{ "LOC 52 N 4 E 10 1x", "LOC record: invalid size or precision" },
	{ "LOC 1 2 3", "LOC record: space expected after seconds" },
	{ "LOC 52 N 4 E 10.123",
	  "LOC record: altitude fraction must be within the range [0 .. 99]" },
	{ "HTTPS 1 . mandatory=key7,ipv4hint key7 ipv4hint=1.2.3.4",
	  "HTTPS record: value expected for SvcParam: key7" },
	{ "HTTPS 1 . alpn=h2 alpn=h3", "HTTPS record: duplicate key found: alpn" },
	{ "HTTPS 1 . mandatory=alpn",
	  "HTTPS record: mandatory SvcParamKey: alpn is missing the record" },
	{ "HTTPS 1 . ohttp", "HTTPS record: unknown SvcParamKey: ohttp" },
	{ "HTTPS 1 . ech=0", "HTTPS record: invalid SVCB or HTTPS rdata (ech=0)" },
	{ "HTTPS 1 . alpn= \"h2\"", "HTTPS record: value expected for SvcParam: alpn" },
	{ "HTTPS 1 . mandatory=mandatory",
	  "HTTPS record: mandatory MUST not be included as mandatory parameter" },
	{ "HTTPS 1 . port", "HTTPS record: value expected for SvcParam: port" },
	{ "HTTPS 1 . no-default-alpn=x", "HTTPS record: no-default-alpn should not have a value" },
	{ "HTTPS 1 . port=65536", "HTTPS record: could not parse port SvcParamValue: \"65536\"" },
	{ "HTTPS 1 . port=x", "HTTPS record: could not parse port SvcParamValue: \"x\"" },
	{ "HTTPS 1 . ipv4hint=1.2.3.4,", "HTTPS record: could not parse address ''" },
	{ "HTTPS 1 . ipv6hint=1.2.3.4", "HTTPS record: could not parse address '1.2.3.4'" },
	{ "HTTPS 1 . key65536", "HTTPS record: unknown SvcParamKey: key65536" },
	{ "HTTPS 1 . Alpn=h2", "HTTPS record: unknown SvcParamKey: Alpn" },
	{ "HTTPS 1 . alpn\"h2\"", "HTTPS record: SvcParam syntax error in param: alpn" },
	{ "HTTPS 1 . key7 key7", "HTTPS record: value expected for SvcParam: key7" },
	{ "HTTPS 1 . mandatory=alpn,alpn alpn=h2",
	  "HTTPS record: keys in SvcParam mandatory MUST NOT appear more than once" },
	{ "HTTPS 1 . ech=%%%", "HTTPS record: invalid base64 data in ech" },
	{ "APL 1:1.2.3.4/33", "APL record: prefix not in the range 0 .. 32" },
	{ "APL 3:1.2.3.4/8", "APL record: invalid address family '3'" },
	{ "APL 1:1.2.3.4", "APL record: prefix separator is missing" },
	{ "APL 1.2.3.4/8", "APL record: address family separator is missing" },
	{ "APL 1:1.2.3/8", "APL record: invalid address '1:1.2.3/8'" },
	{ "APL 1:1.2.3.4/8x", "APL record: invalid prefix '8x'" },
	{ "WKS 192.0.2.1 udp", "WKS record: missing services" },
	{ "WKS 192.0.2.1 tcp nosuch", "WKS record: unknown service 'nosuch' for protocol 'tcp'" },
	{ "WKS 192.0.2.1 tcp 65536", "WKS record: bad port number 65536" },
	{ "WKS 192.0.2.1 999 25", "WKS record: unknown protocol '999'" },
	{ "WKS 192.0.2 tcp 25", "bad IPv4 address '192.0.2'" },
	{ "EUI48 00-00-5e-00-53", "EUI48 record: wrong number of hex numbers" },
	{ "EUI48 00:00:5e:00:53:2a", "EUI48 record: invalid (non-hexadecimal) character :" },
	{ "EUI48 000-00-5e-00-53-2a", "EUI48 record: invalid address '000-00-5e-00-53-2a'" },
	{ "EUI64 00-00-5e-00-53-2a", "EUI64 record: wrong number of hex numbers" },
	{ "NID 10 0014:4fff:ff20", "NID record: less than 4 groups of digits in '0014:4fff:ff20'" },
	{ "NID 10 1:2:3:4:5", "NID record: more than 4 groups of digits in '1:2:3:4:5'" },
	{ "NID 10 1:2::4", "NID record: empty group of digits in '1:2::4'" },
	{ "NID 10 1:2:3:12345", "NID record: more than 4 digits in a group of '1:2:3:12345'" },
	{ "L64 10 1:2:3:g", "L64 record: invalid (non-hexadecimal) character g" },
	{ "L32 10 10.1.2", "bad IPv4 address '10.1.2'" },
	{ "URI 10 1", "URI record: missing target" },
	{ "URI 10 1 \"a\" \"b\"", "URI record: unexpected 'b' after the data" },
	{ "PX 10 net2.it.", "PX record: missing MAPX400" },
	{ "ISDN a b c", "ISDN record: unexpected 'c' after the data" },
	{ "X25 a b", "X25 record: unexpected 'b' after the data" },
	{ "NSAP 47.0005", "NSAP record: data must start with '0x'" },
	{ "NSAP 0x4", "odd number of hex digits" },
	{ "NSAP 0x4g", "bad hex digit in '4g'" },
	{ "DNAME a b", "DNAME record: unexpected 'b' after the data" },
	{ "NULL 00",
	  "NULL record: text form not supported, write it as 'NULL \\# <length> <hex>' (RFC 3597)" },
	{ "X25 \\# 3 016162", "X25 record: RFC 3597 data is not a valid X25 RDATA" },
	{ "ISDN \\# 5 0161016263", "ISDN record: RFC 3597 data is not a valid ISDN RDATA" },
	{ "PX \\# 3 000a00", "PX record: RFC 3597 data is not a valid PX RDATA" },
	{ "DNAME \\# 2 0161", "DNAME record: RFC 3597 data is not a valid DNAME RDATA" },
	{ "NID \\# 9 000a00010002000300", "NID record: RFC 3597 data is not a valid NID RDATA" },
	{ "EUI48 \\# 5 00005e0053", "EUI48 record: RFC 3597 data is not a valid EUI48 RDATA" },
	{ "URI \\# 3 000a00", "URI record: RFC 3597 data is not a valid URI RDATA" },
	{ "APL \\# 5 0001080201", "APL record: RFC 3597 data is not a valid APL RDATA" },
	{ "SVCB \\# 7 00010000030001", "SVCB record: RFC 3597 data is not a valid SVCB RDATA" },
	{ "WKS 192.0.2.1 tcp ..25", "WKS record: unknown service '..25' for protocol 'tcp'" },
	{ "WKS 192.0.2.1 tcp .", "WKS record: unknown service '.' for protocol 'tcp'" },
	{ "TXT .x", "TXT record: syntax error at '.x' (a '.' where NSD takes none)" },
	{ "CAA 0 issue .x", "CAA record: syntax error at '.x' (a '.' where NSD takes none)" },
	{ "LOC .52 N 4 E 10", "LOC record: syntax error at '.52' (a '.' where NSD takes none)" },
	{ "LOC 52 N 4 E 10.", "LOC record: syntax error at '10.' (a '.' where NSD takes none)" },
	{ "LOC 52 N 4 E 10 .", "LOC record: syntax error at '.' (a '.' where NSD takes none)" },
	{ "WKS 192.0.2.1 tcp .25",
	  "WKS record: syntax error at '.25' (a '.' where NSD takes none)" },
	{ "WKS 192.0.2.1 tcp 25 .",
	  "WKS record: syntax error at '.' (a '.' where NSD takes none)" },
	{ "WKS 1.2.3.4 t.cp 25",
	  "WKS record: syntax error at 't.cp' (a '.' where NSD takes none)" },
	{ "URI 1 1 .x", "URI record: syntax error at '.x' (a '.' where NSD takes none)" },
	{ "NSAP 0x47.", "NSAP record: syntax error at '0x47.' (a '.' where NSD takes none)" },
	{ "NSAP .0x47", "NSAP record: syntax error at '.0x47' (a '.' where NSD takes none)" },
	{ "NSAP 0x4..7", "NSAP record: syntax error at '0x4..7' (a '.' where NSD takes none)" },
	{ "NSAP \"0x4.7\"", "bad hex digit in '4.7'" },
	{ "HINFO Intel.x86 Linux",
	  "HINFO record: syntax error at 'Intel.x86' (a '.' where NSD takes none)" },
	{ "X25 1.2", "X25 record: syntax error at '1.2' (a '.' where NSD takes none)" },
	{ "ISDN 1 2.3", "ISDN record: syntax error at '2.3' (a '.' where NSD takes none)" },
	{ "NAPTR 1 1 u.x \"s\" \"r\" .",
	  "NAPTR record: syntax error at 'u.x' (a '.' where NSD takes none)" },
	{ "NAPTR 1 1 \"u\" \"s\" !a.b! .",
	  "NAPTR record: syntax error at '!a.b!' (a '.' where NSD takes none)" },
};

static int parse(const char *rr, struct xst_zone **z, struct xst_zone_error *err)
{
	char text[4096];
	size_t len = (size_t)snprintf(text, sizeof(text), HEAD "%s\n", rr);
	uint8_t *copy;
	int r;

	ck_assert_uint_lt(len, sizeof(text));
	copy = guard_copy(text, len + 1);	/* the NUL ends right at the guard */
	ck_assert_ptr_nonnull(copy);
	r = xst_zone_parse_string(z, (const char *)copy, "misc.zone", NULL, err);
	guard_free(copy, len + 1);
	return r;
}

START_TEST(test_misc_good)
{
	const struct good_case *c = &good[_i];
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	const struct xst_rr *rr;
	char hex[2 * XST_ZONE_RDATA_MAX + 1];
	size_t k;

	ck_assert_msg(parse(c->rr, &z, &err) == 0, "'%s': %s:%u: %s", c->rr, err.file, err.line,
		      err.reason);
	ck_assert_uint_eq(z->nr_rrs, 2);
	rr = &z->rrs[1];
	for (k = 0; k < rr->rdlen; k++)
		snprintf(hex + 2 * k, 3, "%02x", rr->rdata[k]);
	hex[2 * k] = 0;
	ck_assert_msg(!strcmp(hex, c->hex), "'%s':\n  got  %s\n  want %s", c->rr, hex, c->hex);
	ck_assert_uint_eq(rr->line, 4);
	xst_zone_destroy(z);
}
END_TEST

START_TEST(test_misc_refused)
{
	const struct refused_case *c = &refused[_i];
	struct xst_zone_error err;
	struct xst_zone *z = NULL;

	ck_assert_msg(parse(c->rr, &z, &err) == -EINVAL, "'%s' was not refused", c->rr);
	ck_assert_ptr_null(z);
	ck_assert_str_eq(err.file, "misc.zone");
	ck_assert_msg(err.line == 4, "'%s': line %u (%s)", c->rr, err.line, err.reason);
	ck_assert_msg(strstr(err.reason, c->reason), "'%s': reason '%s', want '%s'", c->rr,
		      err.reason, c->reason);
}
END_TEST

/* Records over several lines: the bytes, and the line of the field at fault. */
START_TEST(test_misc_lines)
{
	static const struct {
		const char *rr;
		unsigned int line;	/* 0: loads */
		const char *reason;
	} c[] = {
		{ "HTTPS 1 . (\n alpn=h2\n port=443 )", 0, NULL },
		{ "HTTPS 1 . (\n alpn=h2\n port=x )", 6, "could not parse port" },
		{ "HTTPS 1 . (\n alpn=h2\n alpn=h3 )", 6, "duplicate key found: alpn" },
		{ "LOC ( 52 22 23.000 N\n 4 53 32.000 E -2.00m )", 0, NULL },
		{ "APL ( 1:1.2.3.0/24\n 1:1.2.3.0/40 )", 5, "prefix not in the range" },
		{ "WKS 192.0.2.1 tcp ( smtp\n 80 )", 0, NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct xst_zone_error err;
		struct xst_zone *z = NULL;
		int r = parse(c[i].rr, &z, &err);

		if (!c[i].line) {
			ck_assert_msg(r == 0, "'%s': %u: %s", c[i].rr, err.line, err.reason);
			xst_zone_destroy(z);
			continue;
		}
		ck_assert_msg(r == -EINVAL, "'%s' was not refused", c[i].rr);
		ck_assert_msg(err.line == c[i].line, "'%s': line %u, want %u (%s)", c[i].rr, err.line,
			      c[i].line, err.reason);
		ck_assert_msg(strstr(err.reason, c[i].reason), "'%s': reason '%s'", c[i].rr,
			      err.reason);
	}
}
END_TEST

/* NSD's zone checks on DNAME (zonec.c), each run through nsd-checkzone too. */
START_TEST(test_misc_dname_zone)
{
	static const struct {
		const char *rr;		/* after "x " */
		unsigned int line;	/* 0: loads */
		const char *reason;
	} c[] = {
		{ "DNAME t.\na.x A 1.2.3.4", 5, "DNAME at x.example. has data below it" },
		{ "DNAME t.\nb.a.x TXT y", 5, "DNAME at x.example. has data below it" },
		{ "DNAME t.\nx DNAME u.", 5, "multiple DNAMEs at the same name" },
		{ "DNAME t.\nx CNAME u.", 5, "CNAME and other data" },
		{ "DNAME t.\ne.x RRSIG \\# 29 0032080200000e1000000001000000010001076578616d706c6500aabb",
		  5, "has data below it" },
		/* A name with only NSEC3 and its RRSIG may be below (signed zone). */
		{ "DNAME t.\ne.x NSEC3 \\# 26 0100000000140000000000000000000000000000000000000000\n"
		  "e.x RRSIG \\# 29 0032080200000e1000000001000000010001076578616d706c6500aabb", 0, NULL },
		{ "DNAME t.\nxx A 1.2.3.4\nx.t A 1.2.3.4\nx A 1.2.3.4", 0, NULL },
		{ "DNAME t.\nx DNAME T.", 0, NULL },	/* a duplicate, dropped */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct xst_zone_error err;
		struct xst_zone *z = NULL;
		int r = parse(c[i].rr, &z, &err);

		if (!c[i].line) {
			ck_assert_msg(r == 0, "'%s': %u: %s", c[i].rr, err.line, err.reason);
			xst_zone_destroy(z);
			continue;
		}
		ck_assert_msg(r == -EINVAL, "'%s' was not refused", c[i].rr);
		ck_assert_msg(err.line == c[i].line && strstr(err.reason, c[i].reason),
			      "'%s': line %u: %s", c[i].rr, err.line, err.reason);
	}
}
END_TEST

/* NSD keeps at most 64 RDATA fields: 62 SvcParams, 64 APL items (both checked
 * with nsd-checkzone: one more is "too many rdata elements"). */
START_TEST(test_misc_limits)
{
	static const struct { const char *type, *fmt; int max; const char *reason; } c[] = {
		{ "HTTPS 1 .", " key%d", 62, "more than 62 SvcParams" },
		{ "APL", " 1:10.0.%d.0/24", 64, "more than 64 items" },
	};
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	char rr[1000];
	size_t i, n;
	int k, extra;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		for (extra = 0; extra <= 1; extra++) {
			n = (size_t)snprintf(rr, sizeof(rr), "%s", c[i].type);
			for (k = 0; k < c[i].max + extra; k++)
				n += (size_t)snprintf(rr + n, sizeof(rr) - n, c[i].fmt, k + 10);
			if (!extra) {
				ck_assert_msg(parse(rr, &z, &err) == 0, "%s: %s", c[i].type, err.reason);
				xst_zone_destroy(z);
				continue;
			}
			ck_assert_int_eq(parse(rr, &z, &err), -EINVAL);
			ck_assert_msg(strstr(err.reason, c[i].reason), "%s", err.reason);
		}
	}
}
END_TEST

/* Duplicates whose names differ in case only are dropped, as NSD does. */
START_TEST(test_misc_dedup)
{
	struct xst_zone_error err;
	struct xst_zone *z = NULL;

	ck_assert_int_eq(parse("DNAME Foo.Ex.\nx DNAME foo.ex.\nx PX 1 Aa.Ex. Bb.Ex.\n"
			       "x PX 1 aa.ex. bb.ex.\nx LP 1 Foo.Ex.\nx LP 1 foo.ex.", &z, &err), 0);
	ck_assert_uint_eq(z->nr_rrs, 4);
	xst_zone_destroy(z);
}
END_TEST

/* The RFC 3597 checker on its own, for a case the text form cannot make. */
START_TEST(test_misc_wire)
{
	static const uint8_t svcb_trunc[] = { 0, 1, 0, 0, 1, 0, 5, 'h' };
	static const uint8_t apl_neg[] = { 0, 1, 24, 0x83, 10, 0, 0 };
	uint8_t many[2 + 1 + 4 * 63];
	size_t i;

	ck_assert_int_eq(xst_zwire_misc(64, svcb_trunc, sizeof(svcb_trunc)), -EINVAL);
	ck_assert_int_eq(xst_zwire_misc(42, apl_neg, sizeof(apl_neg)), 0);
	ck_assert_int_eq(xst_zwire_misc(42, apl_neg, sizeof(apl_neg) - 1), -EINVAL);
	/* NSD keeps at most 64 RDATA fields: 62 SvcParams after priority and target. */
	memset(many, 0, sizeof(many));
	for (i = 0; i < 63; i++)
		many[3 + 4 * i + 1] = (uint8_t)i;
	ck_assert_int_eq(xst_zwire_misc(65, many, sizeof(many) - 4), 0);
	ck_assert_int_eq(xst_zwire_misc(65, many, sizeof(many)), -EINVAL);
}
END_TEST

Suite *zone_misc_suite(void)
{
	Suite *s = suite_create("zone_misc");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_misc_good, 0, ARRAY_SIZE(good));
	tcase_add_loop_test(tc, test_misc_refused, 0, ARRAY_SIZE(refused));
	tcase_add_test(tc, test_misc_lines);
	tcase_add_test(tc, test_misc_dname_zone);
	tcase_add_test(tc, test_misc_limits);
	tcase_add_test(tc, test_misc_dedup);
	tcase_add_test(tc, test_misc_wire);
	suite_add_tcase(s, tc);
	return s;
}
