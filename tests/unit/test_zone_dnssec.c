// SPDX-License-Identifier: GPL-2.0
/*
 * Master-file parser, DNSSEC-family types (user/dns/zone_rdata_dnssec.c)
 * and the RFC 3597 wire checks (user/dns/zone_wire.c). Every expected
 * RDATA is NSD 4.6.1's: printed by `nsd-checkzone -p` in RFC 3597 form, or
 * where NSD prints text, ldns-read-zone -U's wire form of the same record
 * (and where neither, NSD's text print of our bytes read back). Every
 * refused record was refused by nsd-checkzone 4.6.1 too; the reasons are
 * ours. Each valid record is also parsed in RFC 3597 form of the expected
 * bytes and must give the same RDATA.
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
#define HEAD "$ORIGIN t.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n"

struct text_case {
	const char *rr;		/* one record, owner first, names relative to t. */
	const char *hex;	/* its RDATA */
};

static const struct text_case text_cases[] = {
	{ "k DNSKEY 257 3 8 AwEAAag/lLmhoD7RWbsqiNPdvM9h/ivEm9B8HJcP8bKEwLMxbihrXHLsv6vv7DnZ+oAlY/Glh6ZFZ5jxRHRk2eDdbFU=",
	  "0101030803010001a83f94b9a1a03ed159bb2a88d3ddbccf61fe2bc49bd07c1c970ff1b284c0b3316e286b5c72ecbfabefec39d9fa802563f1a587a6456798f1447464d9e0dd6c55" },
	{ "k DNSKEY 256 3 ECDSAP256SHA256 AwE AAQ==", "0100030d03010001" },
	{ "k DNSKEY 256 3 rsasha1-nsec3-sha1 ( AwEA\n AQ== )", "0100030703010001" },
	{ "k DNSKEY 256 3 8 0", "01000308" },	/* "0": no key (NSD) */
	{ "k DNSKEY 256 3 8 AQ= =", "0100030801" },
	{ "k CDNSKEY 0 3 0 AA==", "0000030000" },
	{ "k KEY 512 3 DSA AQI=", "020003030102" },
	{ "k KEY 256 3 PRIVATEOID AQ==", "010003fe01" },
	{ "d DS 60485 RSASHA1 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
	  "ec4505012bb183af5f22588179a53b0a98631fad1a292118" },
	{ "d DS 60485 5 2 2BB183AF 5F225881 79A53B0A 98631FAD 1A292118 2BB183AF 5F225881 79A53B0A",
	  "ec4505022bb183af5f22588179a53b0a98631fad1a2921182bb183af5f22588179a53b0a" },
	{ "d DS 60485 5 1 0", "ec450501" },
	{ "d CDS 0 0 0 00", "0000000000" },
	{ "d DLV 60485 ED448 1 2bb1", "ec4510012bb1" },
	{ "r RRSIG A 8 2 60 20240101000000 20231201000000 12345 t. AwEAAQ==",
	  "000108020000003c6592008065692200303901740003010001" },
	{ "r RRSIG TYPE999 RSASHA256 2 1h 20380119031408 19700101000000 65535 Sub AwEAAQ==",
	  "03e7080200000e108000000000000000ffff0353756201740003010001" },	/* signer case kept */
	{ "r RRSIG NSEC3PARAM ECDSAP384SHA384 0 2147483647 99991231235959 20240229120000 1 . AwEA AQ==",
	  "00330e007ffffffffff4417f65e071c000010003010001" },
	/* strptime as NSD calls it: 13 digits, day 31 of February, second 61, text after. */
	{ "r RRSIG A 8 2 60 2024010100000 20240231000000 1 t. AQ==",
	  "000108020000003c6592008065e26c00000101740001" },
	{ "r RRSIG A 8 2 60 20240101000061xyz 19600101000000 1 t. AQ==",
	  "000108020000003c659200bded300880000101740001" },
	/* An original TTL over 2^31-1 is NSD's default TTL, 3600. */
	{ "r RRSIG A 8 2 4294967295 20240101000000 20231201000000 1 t. AQ==",
	  "0001080200000e106592008065692200000101740001" },
	{ "r RRSIG A 8 2 1h30m5 20240101000000 20231201000000 1 t. AQ==",
	  "000108020000151d6592008065692200000101740001" },
	{ "r SIG A 5 2 60 20240101000000 20231201000000 12345 t. AwEAAQ==",
	  "000105020000003c6592008065692200303901740003010001" },
	{ "n NSEC next A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY", "046e657874017400000762018008000380" },
	{ "n NSEC Next.T. A TYPE1234 CAA TYPE65535",
	  "044e657874015400000140010140041b000000000000000000000000000000000000000000000000000020"
	  "ff200000000000000000000000000000000000000000000000000000000000000001" },
	{ "n NSEC @", "017400" },
	{ "n NSEC t. OPT TYPE38 TYPE255 type1", "01740000204000000002400000000000000000000000000000000000000000000000000001" },
	/* meta types: loaded by number in RFC 3597 form, as NSD loads them */
	{ "x TYPE255 \\# 2 AB CD", "abcd" },
	{ "x TYPE249 \\# 0", "" },
	{ "x OPT \\# 3 000000", "000000" },
	{ "x TYPE41 \\# 1 00", "00" },
	{ "x NSEC3 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG",
	  "0101000c04aabbccdd1417f3df17b2b2adaef615257de4d2020b80ac6c7c0006400000000002" },
	{ "x NSEC3 1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S",
	  "01000000001417f3df17b2b2adaef615257de4d2020b80ac6c7c" },
	{ "x NSEC3 1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s NS DS RRSIG TYPE300",
	  "01000000001417f3df17b2b2adaef615257de4d2020b80ac6c7c00062000000000120106000000000008" },
	{ "@ NSEC3PARAM 1 0 0 -", "0100000000" },
	{ "@ NSEC3PARAM 1 0 10 aabbccdd", "0100000a04aabbccdd" },
	{ "x NXT next A NS SOA MX", "046e6578740174006201" },
	{ "x NXT next.t. TYPE127", "046e65787401740000000000000000000000000000000001" },
	{ "@ CSYNC 66 3 A NS AAAA", "000000420003000460000008" },
	{ "@ CSYNC 4294967295 0", "ffffffff0000" },
	{ "@ ZONEMD 2018031500 1 1 FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE",
	  "7848b78c0101febe3d4ce2ec2ffa4ba99d46cd69d6d29711e55217057bee7eb1a7b641a47ba7fed2dd5b97ae499fafa4f22c6bd647de" },
	{ "@ ZONEMD 2018031500 1 1 0", "7848b78c0101" },
	{ "c CERT PGP 0 0 AwEAAQ==", "000300000003010001" },
	{ "c CERT pkix 65535 RSASHA256 AwEAAQ==", "0001ffff0803010001" },
	{ "c CERT 65535 1 2 AQ==", "ffff00010201" },
	{ "c CERT IACPKIX 1 PRIVATEDNS AQ==", "00080001fd01" },
	{ "i IPSECKEY 10 0 2 . AwEAAQ==", "0a000203010001" },
	{ "i IPSECKEY 10 0 2 anything", "0a0002" },	/* NSD does not read a type-0 gateway */
	{ "i IPSECKEY 10 1 2 192.0.2.38 AwEAAQ==", "0a0102c000022603010001" },
	{ "i IPSECKEY 10 2 2 2001:db8::1 AwEAAQ==", "0a020220010db800000000000000000000000103010001" },
	{ "i IPSECKEY 10 3 2 Gw.Example. AwEAAQ==", "0a0302026777076578616d706c650003010001" },
	{ "i IPSECKEY 10 3 2 gw", "0a0302026777017400" },
	{ "h DHCID AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
	  "000201636fc0b8271c82825bb1ac5c41cf5351aa69b4febd94e8f17cdb95000da48c40" },
	{ "h DHCID 0", "" },
	{ "h OPENPGPKEY AwEAAQ==", "03010001" },
	{ "s SSHFP 1 1 0123456789abcdef0123456789abcdef01234567",
	  "01010123456789abcdef0123456789abcdef01234567" },
	{ "s SSHFP 1 1 0", "0101" },
	{ "s TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  "0301010123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
	{ "s TLSA 3 1 1 0", "030101" },
	{ "s SMIMEA 3 1 1 0123456789ABCDEF", "0301010123456789abcdef" },
	{ "x AVC \"app:foo\" \"bar\"", "076170703a666f6f03626172" },
};

static void hex_of(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	out[0] = 0;
	for (i = 0; i < n && o + 3 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%02x", p[i]);
}

/* Parses HEAD + rr; the last record's RDATA as hex into out. 0, or the error. */
static int parse_last(const char *rr, char *out, size_t cap, struct xst_zone_error *err)
{
	char text[4096];
	size_t len = (size_t)snprintf(text, sizeof(text), HEAD "%s\n", rr);
	uint8_t *g = guard_copy(text, len + 1);
	struct xst_zone *z = NULL;
	int r;

	ck_assert_ptr_nonnull(g);
	r = xst_zone_parse_string(&z, (const char *)g, "d.zone", NULL, err);
	if (!r) {
		const struct xst_rr *last = &z->rrs[z->nr_rrs - 1];

		hex_of(last->rdata, last->rdlen, out, cap);
		xst_zone_destroy(z);
	} else {
		ck_assert_ptr_null(z);
	}
	guard_free(g, len + 1);
	return r;
}

START_TEST(test_dnssec_text)
{
	const struct text_case *c = &text_cases[_i];
	struct xst_zone_error err;
	char got[8192], generic[8192], owner[64], type[32];
	size_t hl = strlen(c->hex);
	int r;

	r = parse_last(c->rr, got, sizeof(got), &err);
	ck_assert_msg(r == 0, "'%s': %s:%u: %s", c->rr, err.file, err.line, err.reason);
	ck_assert_msg(!strcmp(got, c->hex), "'%s':\n  got  %s\n  want %s", c->rr, got, c->hex);

	/* The same bytes in RFC 3597 form give the same RDATA. */
	ck_assert_int_eq(sscanf(c->rr, "%63s %31s", owner, type), 2);
	snprintf(generic, sizeof(generic), "%s %s \\# %zu %s", owner, type, hl / 2, hl ? c->hex : "");
	r = parse_last(generic, got, sizeof(got), &err);
	ck_assert_msg(r == 0, "'%s': %s:%u: %s", generic, err.file, err.line, err.reason);
	ck_assert_msg(!strcmp(got, c->hex), "'%s': got %s", generic, got);
}
END_TEST

struct bad_case {
	const char *rr;
	unsigned int line;
	const char *reason;	/* a substring of ours */
};

/* Each refused by nsd-checkzone 4.6.1 as well. */
static const struct bad_case bad_cases[] = {
	{ "k DNSKEY 256 3 8 AwEAAQ", 4, "bad base64 padding" },	/* padding missing */
	{ "k DNSKEY 256 3 8 AwEAAR==", 4, "nonzero bits" },
	{ "k DNSKEY 256 3 8 AB==", 4, "nonzero bits" },
	{ "k DNSKEY 256 3 8 A===", 4, "bad base64 padding" },
	{ "k DNSKEY 256 3 8 AwEAAQ== =", 4, "bad base64 padding" },
	{ "k DNSKEY 256 3 8 AwEAAQ==AA", 4, "bad base64" },
	{ "k DNSKEY 256 3 8 Aw*AAQ==", 4, "bad base64" },
	{ "k DNSKEY 256 3 FOO AwEAAQ==", 4, "algorithm expected, found 'FOO'" },
	{ "k KEY 256 3 5", 4, "missing public key" },
	{ "h HIP 2 200100107B1A74DF365639CC39F1D578 AwEA", 4, "unknown RR type 'HIP'" },
	{ "x TYPE0 \\# 0", 4, "unknown RR type 'TYPE0'" },
	{ "x ANY \\# 2 ABCD", 4, "unknown RR type 'ANY'" },	/* no mnemonic in NSD */
	{ "x AXFR \\# 0", 4, "unknown RR type 'AXFR'" },
	{ "x TSIG \\# 0", 4, "unknown RR type 'TSIG'" },
	{ "x TYPE255 1.2.3.4", 4, "ANY is a meta type: its data only in RFC 3597 form" },
	{ "x OPT 1.2.3.4", 4, "OPT is a meta type: its data only in RFC 3597 form" },
	{ "r RRSIG A 8 2 60 1704067200 1701388800 1 t. AQ==", 4, "YYYYMMDDHHmmSS" },
	{ "r RRSIG A 8 2 60 20241301000000 20231201000000 1 t. AQ==", 4, "signature expiration" },
	{ "r RRSIG A 8 2 60 20240101000000 20231201240000 1 t. AQ==", 4, "signature inception" },
	{ "r RRSIG A 8 2 60 2024-01-01 20231201000000 1 t. AQ==", 4, "YYYYMMDDHHmmSS" },
	{ "r RRSIG TYPE0 8 2 60 20240101000000 20231201000000 1 t. AQ==", 4,
	  "unrecognized RR type 'TYPE0'" },
	{ "r RRSIG FOO 8 2 60 20240101000000 20231201000000 1 t. AQ==", 4, "unrecognized RR type 'FOO'" },
	{ "r RRSIG A 8 2 60 20240101000000 20231201000000 1 t.", 4, "missing signature" },
	{ "r RRSIG A 8 2 1x 20240101000000 20231201000000 1 t. AQ==", 4, "expected a time period" },
	{ "r RRSIG A 8 2 60 20240101000000 20231201000000 1 t. AwEAAQ== AAAA", 4, "bad base64" },
	{ "r RRSIG A 8 2 60 ( 20240101000000\n 202312010000 1 t. AQ== )", 5, "signature inception" },
	{ "n NSEC t. A FOO", 4, "bad type 'FOO'" },
	{ "n NSEC t. TYPE0", 4, "bad type 'TYPE0'" },
	{ "n NSEC t. A ANY", 4, "bad type 'ANY'" },	/* NSD names no meta type, nor A6 */
	{ "n NSEC t. A6", 4, "bad type 'A6'" },
	{ "x NXT t. AXFR", 4, "bad type 'AXFR'" },
	{ "r RRSIG TSIG 8 2 60 20240101000000 20231201000000 1 t. AQ==", 4, "unrecognized RR type 'TSIG'" },
	{ "x NSEC3 1 1 12 abc 2vptu5timamqttgl4luu9kg21e0aor3s", 4, "odd number of hex digits" },
	{ "x NSEC3 1 1 12 0 2vptu5timamqttgl4luu9kg21e0aor3s", 4, "odd number of hex digits" },
	{ "x NSEC3 1 1 12 aa 2vptu5timamqttgl4luu9kg21e0aor3w", 4, "bad base32hex" },
	{ "x NSEC3 1 1 12 aa 2vptu5timamqttgl4luu9kg21e0aor3s= A", 4, "bad base32hex" },
	{ "@ NSEC3PARAM 1 0 0 aabb cc", 4, "unexpected 'cc'" },
	{ "@ NSEC3PARAM 1 0 0", 4, "missing salt" },
	{ "x NXT t.", 4, "missing type list" },
	{ "x NXT t. TYPE200", 4, "types 1-127" },
	{ "@ ZONEMD 2018031500 1 1", 4, "missing digest" },
	{ "i IPSECKEY 10 1 2 ::1 AQ==", 4, "bad IPv4 address" },
	{ "i IPSECKEY 10 3 2 @ AQ==", 4, "bad gateway name" },
	{ "i IPSECKEY 10 4 2 . AQ==", 4, "unknown gateway type 4" },
	{ "i IPSECKEY 10 1 RSASHA1 1.2.3.4 AQ==", 4, "algorithm" },
	{ "i IPSECKEY 10 1 2 1.2.3.4 AwEAAQ== AAAA", 4, "bad base64" },
	{ "c CERT FOO 0 0 AQ==", 4, "certificate type expected" },
	{ "d DS 60485 5 SHA1 2BB183AF", 4, "digest type" },
	{ "d DS 1 2 3 zz", 4, "bad hex digit" },
	{ "d DS 1 2 3 abc", 4, "odd number of hex digits" },
	{ "s TLSA 3 1 1 abc", 4, "odd number of hex digits" },
};

START_TEST(test_dnssec_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct xst_zone_error err;
	char got[256];
	int r = parse_last(c->rr, got, sizeof(got), &err);

	ck_assert_msg(r == -EINVAL, "'%s': returned %d", c->rr, r);
	ck_assert_msg(!strcmp(err.file, "d.zone"), "'%s': file %s", c->rr, err.file);
	ck_assert_msg(err.line == c->line, "'%s': line %u, want %u (%s)", c->rr, err.line, c->line,
		      err.reason);
	ck_assert_msg(strstr(err.reason, c->reason), "'%s': reason '%s', want '%s'", c->rr,
		      err.reason, c->reason);
}
END_TEST

/* RFC 3597 data NSD 4.6.1 takes for a known type (each checked with nsd-checkzone). */
static const char *const generic_ok[] = {
	"TXT \\# 4 01616263",
	"TXT \\# 0",
	"DS \\# 4 00010203",
	"DNSKEY \\# 4 01000308",
	"NSEC \\# 1 00",
	"NSEC \\# 3 00 0001",
	"RRSIG \\# 19 0001 08 02 0000003c 00000000 00000000 3039 00",
	"IPSECKEY \\# 3 0a0002",
	"IPSECKEY \\# 4 0a0402ff",
	"IPSECKEY \\# 7 0a010201020304",
	"IPSECKEY \\# 4 0a0302 00",
	"NSEC3 \\# 6 010000 0c 00 00",
	"NSEC3 \\# 7 010000 0c 01 00 00",
	"NSEC3PARAM \\# 5 010000 0c 00",
	"CSYNC \\# 6 00000001 0003",
	"ZONEMD \\# 6 00000001 0101",
	"CERT \\# 5 0001 0000 00",
	"DHCID \\# 0",
	"OPENPGPKEY \\# 0",
	"NXT \\# 1 00",
	"KEY \\# 4 01000308",
	"SSHFP \\# 2 0101",
	"TLSA \\# 3 030101",
	"NS \\# 3 01 41 00",
	"MX \\# 3 0001 00",
	"HINFO \\# 2 0000",
	"SPF \\# 2 0161",
	"SPF \\# 3 0161 00",
	"APL \\# 0",
	"HTTPS \\# 3 000100",
	"HTTPS \\# 8 000100 0001 0001 61",
	"APL \\# 7 0001 18 03 c00002",
	"AAAA \\# 16 00000000000000000000000000000001",
	"NULL \\# 0",
	"LOC \\# 0",
	"WKS \\# 4 01020304",
	"ISDN \\# 2 0161",
	"ISDN \\# 3 0161 00",
	"ISDN \\# 4 0161 0161",
	"NAPTR \\# 8 0001 0001 00 00 00 00",
	"EUI48 \\# 6 010203040506",
	"EUI64 \\# 8 0102030405060708",
	"NID \\# 10 0001 0102030405060708",
	"L32 \\# 6 0001 01020304",
	"LP \\# 3 0001 00",
	"URI \\# 4 0001 0001",
	"CAA \\# 2 00 00",
	"AVC \\# 0",
	"PX \\# 4 0001 00 00",
	"SRV \\# 7 0001 0001 0001 00",
};

/* ... and RFC 3597 data it refuses ("bad unknown RDATA"): cut short, bad names, left-over bytes. */
static const char *const generic_bad[] = {
	"NS \\# 0",
	"DS \\# 0",
	"DS \\# 3 000102",
	"DNSKEY \\# 3 010003",
	"NSEC \\# 0",
	"RRSIG \\# 18 0001 08 02 0000003c 00000000 00000000 3039",
	"RRSIG \\# 19 0001 08 02 0000003c 00000000 00000000 3039 01",
	"IPSECKEY \\# 3 0a0102",
	"IPSECKEY \\# 3 0a0302",
	"IPSECKEY \\# 6 0a0302 026774",
	"NSEC3 \\# 5 010000 0c 00",
	"NSEC3PARAM \\# 6 010000 0c 00 00",
	"NSEC3PARAM \\# 5 010000 0c 01",
	"CSYNC \\# 5 00000001 00",
	"ZONEMD \\# 5 00000001 01",
	"CERT \\# 4 0001 0000",
	"NXT \\# 0",
	"SIG \\# 18 0001 08 02 0000003c 00000000 00000000 3039",
	"SSHFP \\# 1 01",
	"TLSA \\# 2 0301",
	"SMIMEA \\# 2 0301",
	"CDS \\# 3 000102",
	"CDNSKEY \\# 3 010003",
	"DLV \\# 3 000102",
	"A \\# 3 010203",
	"NS \\# 2 c000",
	"NS \\# 3 01 41 01",
	"MX \\# 2 0001",
	"SOA \\# 23 00 00 00000001 00000002 00000003 00000004 00000005 00",
	"HINFO \\# 1 00",
	"SPF \\# 0",
	"APL \\# 6 0001 18 03 c000",
	"HTTPS \\# 6 000100 0001 00",
	"HTTPS \\# 7 000100 0001 0001",
	"HTTPS \\# 2 0001",
	"AAAA \\# 4 01020304",
	"WKS \\# 3 010203",
	"X25 \\# 0",
	"NAPTR \\# 7 0001 0001 00 00 00",
	"EUI48 \\# 5 0102030405",
	"LP \\# 2 0001",
	"URI \\# 3 0001 00",
	"CAA \\# 1 00",
	"PX \\# 3 0001 00",
	"CNAME \\# 0",
	"PTR \\# 0",
	"NAPTR \\# 0",
	"SRV \\# 6 0001 0001 0001",
};

START_TEST(test_generic_ok)
{
	struct xst_zone_error err;
	char rr[512], got[512];
	int r;

	snprintf(rr, sizeof(rr), "u %s", generic_ok[_i]);
	r = parse_last(rr, got, sizeof(got), &err);
	ck_assert_msg(r == 0, "'%s': %s:%u: %s", rr, err.file, err.line, err.reason);
}
END_TEST

START_TEST(test_generic_bad)
{
	struct xst_zone_error err;
	char rr[512], got[512];
	int r;

	snprintf(rr, sizeof(rr), "u %s", generic_bad[_i]);
	r = parse_last(rr, got, sizeof(got), &err);
	ck_assert_msg(r == -EINVAL, "'%s': accepted as %s", rr, got);
	ck_assert_int_eq(err.line, 4);
	ck_assert_msg(strstr(err.reason, "RFC 3597 data is not a valid"), "'%s': %s", rr, err.reason);
}
END_TEST

/* The checker on its own: bounds, repeated fields, the IPSECKEY gateway. */
START_TEST(test_wire_check)
{
	static const uint8_t ns[] = { 1, 'a', 0 }, ptr[] = { 0xc0, 0 };
	static const uint8_t apl[] = { 0, 1, 24, 3, 192, 0, 2, 0, 2, 0, 0 };
	static const uint8_t ipsec_name[] = { 10, 3, 2, 1, 'g', 0, 1, 2 };
	char why[96];

	ck_assert_int_eq(xst_zwire_check(2, ns, sizeof(ns), why, sizeof(why)), 0);
	ck_assert_int_eq(xst_zwire_check(2, ns, 2, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(xst_zwire_check(2, ptr, sizeof(ptr), why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "bad domain name"));
	ck_assert_int_eq(xst_zwire_check(2, ns, 0, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(xst_zwire_check(42, apl, sizeof(apl), why, sizeof(why)), 0);
	ck_assert_int_eq(xst_zwire_check(42, apl, 7, why, sizeof(why)), 0);
	ck_assert_int_eq(xst_zwire_check(42, apl, 9, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(xst_zwire_check(45, ipsec_name, sizeof(ipsec_name), why, sizeof(why)), 0);
	ck_assert_int_eq(xst_zwire_check(45, ipsec_name, 5, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(xst_zwire_check(48, ns, 3, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "field 3"));
	/* A type without a row takes anything, as NSD's unknown types. */
	ck_assert_int_eq(xst_zwire_check(65280, ptr, sizeof(ptr), why, sizeof(why)), 0);
	ck_assert_int_eq(xst_zwire_check(55, NULL, 0, why, sizeof(why)), 0);
}
END_TEST

/* Type mnemonics: every one NSD 4.6.1 knows, and none it does not. */
START_TEST(test_dnssec_types)
{
	static const struct { const char *name; int type; } known[] = {
		{ "SIG", 24 }, { "KEY", 25 }, { "NXT", 30 }, { "CERT", 37 }, { "DS", 43 },
		{ "SSHFP", 44 }, { "IPSECKEY", 45 }, { "RRSIG", 46 }, { "NSEC", 47 },
		{ "DNSKEY", 48 }, { "DHCID", 49 }, { "NSEC3", 50 }, { "NSEC3PARAM", 51 },
		{ "TLSA", 52 }, { "SMIMEA", 53 }, { "CDS", 59 }, { "CDNSKEY", 60 },
		{ "OPENPGPKEY", 61 }, { "CSYNC", 62 }, { "ZONEMD", 63 }, { "AVC", 258 },
		{ "DLV", 32769 },
	};
	char buf[12];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		ck_assert_int_eq(xst_rrtype_from_text(known[i].name, strlen(known[i].name)),
				 known[i].type);
		ck_assert_str_eq(xst_rrtype_to_text((uint16_t)known[i].type, buf), known[i].name);
		ck_assert(xst_zrdata_known((uint16_t)known[i].type));
	}
	ck_assert_int_eq(xst_rrtype_from_text("HIP", 3), -EINVAL);
	ck_assert_str_eq(xst_rrtype_to_text(55, buf), "TYPE55");
	ck_assert_int_eq(xst_rrtype_from_text("TYPE0", 5), -EINVAL);
	ck_assert_int_eq(xst_rrtype_from_text("TYPE55", 6), 55);
}
END_TEST

/* Signature times against values computed independently (RFC 4034 3.2 examples). */
START_TEST(test_sigtime)
{
	static const struct { const char *s; uint32_t v; } t[] = {
		{ "19700101000000", 0 }, { "20030322173103", 1048354263u },
		{ "20380119031408", 0x80000000u }, { "21060207062815", 4294967295u }, { "21060207062816", 0 /* wraps at 2^32 */ },
		{ "20000229000000", 951782400u },
	};
	struct xst_zfail f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct xst_ztok tok = { .s = t[i].s, .len = (uint32_t)strlen(t[i].s), .line = 1 };
		uint32_t v = 1;

		ck_assert_int_eq(xst_zsigtime(&tok, &v, &f), 0);
		ck_assert_msg(v == t[i].v, "%s: %u, want %u", t[i].s, v, t[i].v);
	}
}
END_TEST

/* Records signed by Knot's kzonesign (ED25519, NSEC3 with salt; an empty-bitmap NSEC3 for an
 * empty non-terminal), laid out as it writes them; RDATA from ldns-read-zone -U. */
static const char knot_zone[] =
	"example.            \t300\tSOA\tns1.example. hostmaster.example. 2024010101 3600 900 604800 300\n"
	"example.            \t300\tDNSKEY\t256 3 15 tYTcWMeIkPVXrhB6P1hIu/EdFzTaP7w5J1vyd/EwWgA=\n"
	"example.            \t300\tDNSKEY\t257 3 15 70O+B+6DeT6ZP2FVY+p+Fk5t1SdqPs7hxX3O3+TXVS4=\n"
	"example.            \t300\tNSEC3PARAM\t1 0 0 A13472A19D5F3B9C\n"
	"example.            \t0\tCDS\t8397 15 2 125C073FAFFD466D236FC6671725440E0C48637E4AC509DBB2B99EA34BE414C7\n"
	"example.            \t0\tCDNSKEY\t257 3 15 70O+B+6DeT6ZP2FVY+p+Fk5t1SdqPs7hxX3O3+TXVS4=\n"
	"example.            \t300\tRRSIG\tDNSKEY 15 1 300 20261217164257 20261203151257 8397 example. w6G/ouAhkxNOnLbvpXH2C8lIPCUI9VVlu3e78YqDQowuDOqRdSwjntdv/xAGpxKT42Pg+0zSygXYrWi0r/BeAw==\n"
	"c80dtc0id8ad9hs9ocgl72h8vg070fe8.example. 300\tNSEC3\t1 0 0 A13472A19D5F3B9C e19mqoi9p38nondjl8dhqv71lffh8quk NS SOA RRSIG DNSKEY NSEC3PARAM CDS CDNSKEY\n"
	"e19mqoi9p38nondjl8dhqv71lffh8quk.example. 300\tNSEC3\t1 0 0 A13472A19D5F3B9C fokg3uksshbskk76shdvj4gl8ce83hhj \n"
	"c80dtc0id8ad9hs9ocgl72h8vg070fe8.example. 300\tRRSIG\tNSEC3 15 2 300 20261217164257 20261203151257 57974 example. V8MTQyt4H1FeJaKV2KW9eNPlMMMSN2xJn1QL0qbw4RIZYAGVUYADaVECbvABmdPfUEVkrUtnzsr7tYSqr3ydDA==\n"
	;
static const char *const knot_rdata[] = {
	"0100030fb584dc58c78890f557ae107a3f5848bbf11d1734da3fbc39275bf277f1305a00",
	"0101030fef43be07ee83793e993f615563ea7e164e6dd5276a3ecee1c57dcedfe4d7552e",
	"0100000008a13472a19d5f3b9c",
	"20cd0f02125c073faffd466d236fc6671725440e0c48637e4ac509dbb2b99ea34be414c7",
	"0101030fef43be07ee83793e993f615563ea7e164e6dd5276a3ecee1c57dcedfe4d7552e",
	"00300f010000012c6b2411116b1186f920cd076578616d706c6500c3a1bfa2e02193134e9cb6efa571f60bc9483c2508f55565bb77bbf18a83428c2e0cea91752c239ed76fff1006a71293e363e0fb4cd2ca05d8ad68b4aff05e03",
	"0100000008a13472a19d5f3b9c1470536d6249c8d17c5db3aa1b1d7ce1abdf146bd400082200000000029018",
	"0100000008a13472a19d5f3b9c147e2901fa9ce457ca50e6e45bf99215431c81c633",
	"00320f020000012c6b2411116b1186f9e276076578616d706c650057c313432b781f515e25a295d8a5bd78d3e530c312376c499f540bd2a6f0e112196001955180036951026ef00199d3df504564ad4b67cecafbb584aaaf7c9d0c",
};

START_TEST(test_dnssec_knot_zone)
{
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	size_t len = strlen(knot_zone), i;
	uint8_t *g = guard_copy(knot_zone, len + 1);
	char got[512];
	int r;

	ck_assert_ptr_nonnull(g);
	r = xst_zone_parse_string(&z, (const char *)g, "knot.zone", "example.", &err);
	ck_assert_msg(r == 0, "%s:%u: %s", err.file, err.line, err.reason);
	ck_assert_uint_eq(z->nr_rrs, ARRAY_SIZE(knot_rdata) + 1);	/* and the SOA */
	for (i = 0; i < ARRAY_SIZE(knot_rdata); i++) {
		const struct xst_rr *rr = &z->rrs[i + 1];

		hex_of(rr->rdata, rr->rdlen, got, sizeof(got));
		ck_assert_msg(!strcmp(got, knot_rdata[i]), "record %zu: %s, want %s", i + 1, got,
			      knot_rdata[i]);
	}
	xst_zone_destroy(z);
	guard_free(g, len + 1);
}
END_TEST

/* Beside a CNAME NSD allows RRSIG, NSEC, NSEC3, SIG and NXT, and nothing else. */
START_TEST(test_dnssec_beside_cname)
{
	struct xst_zone_error err;
	char got[512];
	int r;

	r = parse_last("c CNAME ns\nc SIG A 5 2 60 20240101000000 20231201000000 1 t. AQ==\n"
		       "c NXT t. A CNAME\nc NSEC3 1 0 0 - - A\n"
		       "c RRSIG CNAME 5 2 60 20240101000000 20231201000000 1 t. AQ==\nc NSEC t. CNAME",
		       got, sizeof(got), &err);
	ck_assert_msg(r == 0, "%s:%u: %s", err.file, err.line, err.reason);
	r = parse_last("c CNAME ns\nc RRSIG CNAME 5 2 60 20240101000000 20231201000000 1 t. AQ==\n"
		       "c DNSKEY 256 3 8 AQ==", got, sizeof(got), &err);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_int_eq(err.line, 6);
	ck_assert_ptr_nonnull(strstr(err.reason, "CNAME and other data"));
}
END_TEST

Suite *zone_dnssec_suite(void)
{
	Suite *s = suite_create("zone_dnssec");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_dnssec_text, 0, ARRAY_SIZE(text_cases));
	tcase_add_loop_test(tc, test_dnssec_bad, 0, ARRAY_SIZE(bad_cases));
	tcase_add_loop_test(tc, test_generic_ok, 0, ARRAY_SIZE(generic_ok));
	tcase_add_loop_test(tc, test_generic_bad, 0, ARRAY_SIZE(generic_bad));
	tcase_add_test(tc, test_wire_check);
	tcase_add_test(tc, test_dnssec_types);
	tcase_add_test(tc, test_sigtime);
	tcase_add_test(tc, test_dnssec_beside_cname);
	tcase_add_test(tc, test_dnssec_knot_zone);
	suite_add_tcase(s, tc);
	return s;
}
