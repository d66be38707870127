// SPDX-License-Identifier: GPL-2.0
/*
 * DNSSEC for pre-signed zones (user/dns/db.c, dnssec.c, respond.c): SHA-1
 * and the NSEC3 hash against their reference vectors (FIPS 180 examples,
 * RFC 5155 appendix A), and the sections of the replies, with DO=1 and
 * DO=0, on the signed fixtures of tests/dns/signed (NSEC, NSEC3, NSEC3
 * opt-out). The expected sections were checked against NSD 4.6.1 serving
 * the same zones (tests/dns/diff.py --do).
 */
#include <check.h>

#include "../lib/dns_text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha1.h"
#include "dns/db.h"
#include "dns/db_priv.h"
#include "dns/nsec3hash.h"
#include "dns/wire.h"
#include "dns/zone.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void hex(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

START_TEST(test_sha1_vectors)
{
	static const struct { const char *in; const char *out; } v[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	uint8_t h[XST_SHA1_LEN];
	char t[41];
	struct xst_sha1 s;
	static char a[1000];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		xst_sha1(v[i].in, strlen(v[i].in), h);
		hex(h, sizeof(h), t);
		ck_assert_str_eq(t, v[i].out);
	}
	/* a million 'a', fed in pieces that straddle the 64-byte blocks */
	memset(a, 'a', sizeof(a));
	xst_sha1_init(&s);
	for (i = 0; i < 1000; i++)
		xst_sha1_update(&s, a, 1000);
	xst_sha1_final(&s, h);
	hex(h, sizeof(h), t);
	ck_assert_str_eq(t, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}
END_TEST

static size_t text_to_wire(const char *text, uint8_t *out)
{
	size_t o = 0;

	while (*text && strcmp(text, ".")) {
		const char *dot = strchr(text, '.');
		size_t l = dot ? (size_t)(dot - text) : strlen(text);
		size_t k;

		out[o++] = (uint8_t)l;
		for (k = 0; k < l; k++)
			out[o++] = (uint8_t)(text[k] >= 'A' && text[k] <= 'Z' ? text[k] + 32 : text[k]);
		text += l + (dot ? 1 : 0);
	}
	out[o++] = 0;
	return o;
}

START_TEST(test_nsec3_hash_rfc5155)
{
	/* RFC 5155 appendix A: salt aabbccdd, 12 iterations */
	static const struct { const char *name; const char *hash; } v[] = {
		{ "example", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
		{ "a.example", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
		{ "ai.example", "gjeqe526plbf1g8mklp59enfd789njgi" },
		{ "ns1.example", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
		{ "w.example", "k8udemvp1j2f7eg6jebps17vp3n8i58h" },
		{ "*.w.example", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
		{ "x.w.example", "b4um86eghhds6nea196smvmlo4ors995" },
		{ "xx.example", "t644ebqk9bibcna874givr6joj62mlhv" },
		{ "A.EXAMPLE", "35mthgpgcu1qg68fab165klnsnk3dpvl" },	/* lower-cased first */
	};
	static const uint8_t salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	uint8_t w[256], h[XST_NSEC3_HASH_LEN], back[XST_NSEC3_HASH_LEN];
	char b32[33];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		size_t len = text_to_wire(v[i].name, w);

		xst_nsec3_hash(w, len, salt, sizeof(salt), 12, h);
		xst_nsec3_b32(h, b32);
		b32[32] = 0;
		ck_assert_str_eq(b32, v[i].hash);
		ck_assert_int_eq(xst_nsec3_unb32((const uint8_t *)v[i].hash, 32, back), 0);
		ck_assert_mem_eq(back, h, sizeof(h));
	}
	ck_assert_int_eq(xst_nsec3_unb32((const uint8_t *)"0p9mhaveqvm6t7vbl5lop2u3t2rp3toz", 32, back),
			 -22);
	ck_assert_int_eq(xst_nsec3_unb32((const uint8_t *)"0p9m", 4, back), -22);
}
END_TEST

START_TEST(test_canon_order)
{
	/* RFC 4034 6.1's example, in order */
	static const char *const names[] = {
		"example", "a.example", "yljkjljk.a.example", "Z.a.example", "zABC.a.EXAMPLE",
		"z.example", "\\001.z.example", "*.z.example", "\\200.z.example",
	};
	uint8_t a[256], b[256];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		for (j = 0; j < ARRAY_SIZE(names); j++) {
			size_t la, lb;
			int c;

			/* \DDD escapes by hand: one byte */
			la = text_to_wire(names[i], a);
			lb = text_to_wire(names[j], b);
			if (names[i][0] == '\\') {
				a[1] = (uint8_t)strtol(names[i] + 1, NULL, 10);
				memmove(a + 2, a + 5, la - 5);
				a[0] = 1;
				la -= 3;
			}
			if (names[j][0] == '\\') {
				b[1] = (uint8_t)strtol(names[j] + 1, NULL, 10);
				memmove(b + 2, b + 5, lb - 5);
				b[0] = 1;
				lb -= 3;
			}
			c = xst_dns_canon_cmp(a, la, b, lb);
			ck_assert_msg((i < j && c < 0) || (i == j && c == 0) || (i > j && c > 0),
				      "%s vs %s: %d", names[i], names[j], c);
		}
}
END_TEST

/* ---- replies on the signed fixtures ----------------------------------------- */

static const char *const fixtures[] = {
	"tests/dns/signed/nsec.3597.zone",
	"tests/dns/signed/nsec3.3597.zone",
	"tests/dns/signed/optout.3597.zone",
};

static struct xst_zone *fz[3];
static struct xst_dns_db *fdb[3];

static void setup(void)
{
	struct xst_zone_error err;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixtures); i++) {
		ck_assert_msg(xst_zone_load(&fz[i], fixtures[i], "signed.test.", &err) == 0,
			      "%s:%u: %s", err.file, err.line, err.reason);
		ck_assert_int_eq(xst_dns_db_create(&fdb[i], &fz[i], 1, &err), 0);
	}
}

static void teardown(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixtures); i++) {
		xst_dns_db_destroy(fdb[i]);
		xst_zone_destroy(fz[i]);
		fdb[i] = NULL;
		fz[i] = NULL;
	}
}

static size_t mkquery(uint8_t *m, const char *qname, uint16_t qtype, int dnssec_ok)
{
	size_t o = 12;

	memset(m, 0, 12);
	m[0] = 0x12;
	m[1] = 0x34;
	xst_put_be16(m + 4, 1);
	xst_put_be16(m + 10, 1);
	o += text_to_wire(qname, m + o);
	xst_put_be16(m + o, qtype);
	xst_put_be16(m + o + 2, XST_C_IN);
	o += 4;
	m[o] = 0;
	xst_put_be16(m + o + 1, XST_T_OPT);
	xst_put_be16(m + o + 3, 4096);
	m[o + 5] = 0;
	m[o + 6] = 0;
	xst_put_be16(m + o + 7, dnssec_ok ? 0x8000 : 0);
	xst_put_be16(m + o + 9, 0);
	return o + 11;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * "rcode|answer types|authority types|additional types|denial owners": the
 * types of each section sorted (numbers), the owners of the authority's
 * NSEC/NSEC3 RRs as their first 4 characters, sorted.
 */
static void summarize(const uint8_t *m, size_t len, char *out, size_t cap)
{
	uint16_t cnt[3], types[3][64];
	char owners[16][8];
	size_t off = 12, o = 0, s, i, nr_own = 0;
	char name[300];

	ck_assert_uint_ge(len, 12);
	cnt[0] = xst_get_be16(m + 6);
	cnt[1] = xst_get_be16(m + 8);
	cnt[2] = xst_get_be16(m + 10);
	ck_assert_int_eq(test_read_name(m, len, &off, name, sizeof(name)), 0);
	off += 4;
	o += (size_t)snprintf(out + o, cap - o, "%u%s", m[3] & 0xf, m[2] & 0x02 ? " TC" : "");
	for (s = 0; s < 3; s++) {
		size_t n = 0;

		for (i = 0; i < cnt[s]; i++) {
			uint16_t t;

			ck_assert_int_eq(test_read_name(m, len, &off, name, sizeof(name)), 0);
			ck_assert_uint_le(off + 10, len);
			t = xst_get_be16(m + off);
			if (t != XST_T_OPT && n < 64)
				types[s][n++] = t;
			if (s == 1 && (t == 47 || t == 50) && nr_own < 16) {
				memcpy(owners[nr_own], name, 4);
				owners[nr_own++][4] = 0;
			}
			off += 10u + xst_get_be16(m + off + 8);
			ck_assert_uint_le(off, len);
		}
		qsort(types[s], n, sizeof(uint16_t), cmp_u16);
		o += (size_t)snprintf(out + o, cap - o, "|");
		for (i = 0; i < n; i++)
			o += (size_t)snprintf(out + o, cap - o, "%s%u", i ? "," : "", types[s][i]);
	}
	ck_assert_uint_eq(off, len);
	qsort(owners, nr_own, sizeof(owners[0]), (int (*)(const void *, const void *))strcmp);
	o += (size_t)snprintf(out + o, cap - o, "|");
	for (i = 0; i < nr_own; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? "," : "", owners[i]);
}

static void ask(unsigned int z, const char *qname, uint16_t qtype, int dnssec_ok, char *out,
		size_t cap)
{
	uint8_t buf[65535];
	struct xst_dns_stats st;
	size_t qlen, len;

	memset(&st, 0, sizeof(st));
	qlen = mkquery(buf, qname, qtype, dnssec_ok);
	len = xst_dns_respond(fdb[z], buf, qlen, sizeof(buf), XST_DNS_TCP, &st);
	ck_assert_uint_gt(len, 0);
	/* the OPT echoes DO */
	ck_assert_uint_eq(buf[len - 4] & 0x80, dnssec_ok ? 0x80 : 0);
	summarize(buf, len, out, cap);
}

struct dcase {
	const char *what, *qname;
	uint16_t qtype;
	const char *nodo[3];		/* DO=0: NSEC, NSEC3, NSEC3 opt-out */
	const char *want[3];		/* DO=1 */
};

#include "test_dnssec_cases.h"

/* "@apexhash": the NSEC3 owner of the apex in fixture z (NSEC: some absent name). */
static const char *case_name(unsigned int z, const char *qname, char *buf)
{
	const struct xst_dns_dzone *dz;
	uint8_t w[256], h[XST_NSEC3_HASH_LEN];
	size_t len;

	if (strcmp(qname, "@apexhash"))
		return qname;
	dz = &fdb[z]->dsec->zones[0];
	len = text_to_wire("signed.test", w);
	xst_nsec3_hash(w, len, dz->salt, dz->salt_len, dz->iterations, h);
	xst_nsec3_b32(h, buf);
	strcpy(buf + 32, ".signed.test");
	return buf;
}

START_TEST(test_dnssec_cases)
{
	char got[1024], nb[64];
	size_t i, z;
	int dump = getenv("DNSSEC_DUMP") != NULL;

	for (i = 0; i < ARRAY_SIZE(dcases); i++) {
		const struct dcase *c = &dcases[i];

		if (dump) {
			int d;

			printf("\t{ \"%s\", \"%s\", %u,\n", c->what, c->qname, c->qtype);
			for (d = 0; d < 2; d++)
				for (z = 0; z < ARRAY_SIZE(fixtures); z++) {
					ask((unsigned int)z, case_name((unsigned int)z, c->qname, nb),
					    c->qtype, d, got, sizeof(got));
					printf("\t  %s\"%s\"%s\n", z ? "  " : "{ ", got,
					       z < 2 ? "," : d ? " } }," : " },");
				}
			continue;
		}
		for (z = 0; z < ARRAY_SIZE(fixtures); z++) {
			const char *qn = case_name((unsigned int)z, c->qname, nb);

			ask((unsigned int)z, qn, c->qtype, 0, got, sizeof(got));
			ck_assert_msg(!strcmp(got, c->nodo[z]), "%s (%s) DO=0 %s: got \"%s\" want \"%s\"",
				      c->what, c->qname, fixtures[z], got, c->nodo[z]);
			ask((unsigned int)z, qn, c->qtype, 1, got, sizeof(got));
			ck_assert_msg(!strcmp(got, c->want[z]), "%s (%s) DO=1 %s: got \"%s\" want \"%s\"",
				      c->what, c->qname, fixtures[z], got, c->want[z]);
		}
	}
}
END_TEST

/*
 * DNAME and a wildcard that owns NS with DO=1, on a small zone with NSEC
 * (signatures are not checked: placeholders), the expected replies those
 * NSD 4.6.1 gives (checked with tests/dns/diff.py --do on this zone): the
 * DNAME with its RRSIG, the CNAME unsigned, the new name's DO=1 answer and
 * denial (the NSEC at or before the DNAME's target for an absent one);
 * names the wildcard matches answer from it with the wildcard proof, names
 * below it are referred to its cut with the NSEC proof of no DS.
 */
static const char dname_zone[] =
	"$ORIGIN d.test.\n"
	"$TTL 300\n"
	"@\tSOA\tns hostmaster 1 7200 3600 1209600 60\n"
	"@\tRRSIG\tSOA 13 2 300 20371231000000 20240101000000 1 d.test. AAAA\n"
	"@\tNS\tns\n"
	"@\tRRSIG\tNS 13 2 300 20371231000000 20240101000000 1 d.test. AAAA\n"
	"@\tDNSKEY\t257 3 13 AAAA\n"
	"@\tRRSIG\tDNSKEY 13 2 300 20371231000000 20240101000000 1 d.test. AAAA\n"
	"@\tNSEC\tdn NS SOA RRSIG NSEC DNSKEY\n"
	"@\tRRSIG\tNSEC 13 2 60 20371231000000 20240101000000 1 d.test. AAAA\n"
	"dn\tDNAME\tt\n"
	"dn\tRRSIG\tDNAME 13 3 300 20371231000000 20240101000000 1 d.test. AAAA\n"
	"dn\tNSEC\tns DNAME RRSIG NSEC\n"
	"dn\tRRSIG\tNSEC 13 3 60 20371231000000 20240101000000 1 d.test. AAAA\n"
	"ns\tA\t192.0.2.1\n"
	"ns\tRRSIG\tA 13 3 300 20371231000000 20240101000000 1 d.test. AAAA\n"
	"ns\tNSEC\t*.nsw A RRSIG NSEC\n"
	"ns\tRRSIG\tNSEC 13 3 60 20371231000000 20240101000000 1 d.test. AAAA\n"
	"*.nsw\tNS\tns\n"
	"*.nsw\tNSEC\tt NS RRSIG NSEC\n"
	"*.nsw\tRRSIG\tNSEC 13 3 60 20371231000000 20240101000000 1 d.test. AAAA\n"
	"t\tA\t192.0.2.2\n"
	"t\tRRSIG\tA 13 3 300 20371231000000 20240101000000 1 d.test. AAAA\n"
	"t\tNSEC\twww.t A RRSIG NSEC\n"
	"t\tRRSIG\tNSEC 13 3 60 20371231000000 20240101000000 1 d.test. AAAA\n"
	"www.t\tA\t192.0.2.3\n"
	"www.t\tRRSIG\tA 13 4 300 20371231000000 20240101000000 1 d.test. AAAA\n"
	"www.t\tNSEC\td.test. A RRSIG NSEC\n"
	"www.t\tRRSIG\tNSEC 13 4 60 20371231000000 20240101000000 1 d.test. AAAA\n"
;

START_TEST(test_dnssec_dname)
{
	static const struct {
		const char *qname;
		uint16_t qtype;
		const char *want;
	} cases[] = {
		{ "www.dn.d.test", XST_T_A, "0|1,5,39,46,46|2,46|1,46|" },
		{ "t.dn.d.test", XST_T_TXT, "3|5,39,46|6,46,46,47||t.d." },
		{ "nx.dn.d.test", XST_T_A, "3|5,39,46|6,46,46,47||t.d." },
		{ "a.b.dn.d.test", XST_T_A, "3|5,39,46|6,46,46,47||t.d." },
		{ "www.dn.d.test", XST_T_CNAME, "0|5,39,46|||" },
		{ "x.nsw.d.test", XST_T_A, "0||6,46,46,47||*.ns" },
		{ "x.nsw.d.test", XST_T_NS, "0|2|2,46,46,47|1,46|*.ns" },
		{ "a.*.nsw.d.test", XST_T_A, "0||2,46,47|1,46|*.ns" },
		{ "a.*.nsw.d.test", XST_T_DS, "0||2,46,47|1,46|*.ns" },
	};
	struct xst_zone_error err;
	struct xst_zone *z;
	struct xst_dns_db *d;
	uint8_t buf[65535];
	char got[1024];
	size_t i;

	ck_assert_int_eq(xst_zone_parse_string(&z, dname_zone, "d.test", "d.test.", &err), 0);
	ck_assert_int_eq(xst_dns_db_create(&d, &z, 1, &err), 0);
	ck_assert_ptr_nonnull(d->dsec);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct xst_dns_stats st;
		size_t qlen = mkquery(buf, cases[i].qname, cases[i].qtype, 1), len;

		memset(&st, 0, sizeof(st));
		len = xst_dns_respond(d, buf, qlen, sizeof(buf), XST_DNS_UDP, &st);
		ck_assert_uint_gt(len, 0);
		ck_assert_uint_eq(buf[len - 4] & 0x80, 0x80);
		summarize(buf, len, got, sizeof(got));
		if (getenv("DNSSEC_DUMP"))
			printf("\t\t{ \"%s\", %u, \"%s\" },\n", cases[i].qname, cases[i].qtype, got);
		else
			ck_assert_msg(!strcmp(got, cases[i].want), "%s/%u: got \"%s\" want \"%s\"",
				      cases[i].qname, cases[i].qtype, got, cases[i].want);
	}
	xst_dns_db_destroy(d);
	xst_zone_destroy(z);
}
END_TEST

/* A name that owns only NSEC3 below a DNAME at the apex (NSD's own test
 * zone, tests/dns/thirdparty): with DO=1 the DNAME comes with its RRSIG, the
 * CNAME made for the name after it, as for any absent name there. */
START_TEST(test_dnssec_only3_below_dname)
{
	static const char *const qnames[] = { "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example", "y.example" };
	struct xst_zone_error err;
	struct xst_zone *z;
	struct xst_dns_db *d;
	uint8_t buf[65535];
	char got[1024];
	size_t i;

	ck_assert_msg(xst_zone_load(&z, "tests/dns/thirdparty/nsd/nsec3_dname_nsec3_dname.zone",
				    "example.", &err) == 0, "%s:%u: %s", err.file, err.line, err.reason);
	ck_assert_int_eq(xst_dns_db_create(&d, &z, 1, &err), 0);
	ck_assert_ptr_nonnull(d->dsec);
	for (i = 0; i < ARRAY_SIZE(qnames); i++) {
		struct xst_dns_stats st;
		size_t qlen = mkquery(buf, qnames[i], XST_T_MX, 1), len;

		memset(&st, 0, sizeof(st));
		len = xst_dns_respond(d, buf, qlen, sizeof(buf), XST_DNS_UDP, &st);
		ck_assert_uint_gt(len, 0);
		summarize(buf, len, got, sizeof(got));
		ck_assert_msg(!strncmp(got, "0|5,39,46|", 10), "%s: got \"%s\"", qnames[i], got);
	}
	xst_dns_db_destroy(d);
	xst_zone_destroy(z);
}
END_TEST

/* An NSEC3 zone's NODATA forms hold no NSEC3 of their own: each name's
 * record (XST_DINS_FIXED) names its chain entry, and many names share
 * one form (db.c fixed_item()). The replies are test_dnssec_cases'. */
START_TEST(test_dnssec_fixed_shared)
{
	const struct xst_dns_dsec *d = fdb[1]->dsec;
	uint32_t forms[64];
	size_t i, k, nr_fixed = 0, nr_forms = 0;

	ck_assert_ptr_nonnull(d);
	for (i = 0; i < d->nr_ins; i++) {
		const struct xst_dns_dins *in = &d->ins[i];

		if (in->how != XST_DINS_FIXED)
			continue;
		nr_fixed++;
		ck_assert_uint_eq(in->nr_have, 0);
		ck_assert_uint_lt(in->have[0], d->nr_chain);
		ck_assert_uint_eq(d->zones[in->zone].kind, 2);
		for (k = 0; k < nr_forms && forms[k] != in->form; k++)
			;
		if (k == nr_forms && nr_forms < ARRAY_SIZE(forms))
			forms[nr_forms++] = in->form;
	}
	ck_assert_uint_ge(nr_fixed, 4);
	ck_assert_uint_lt(nr_forms, nr_fixed);
	/* the NSEC fixture has no such records (its NSEC owner is the qname) */
	for (i = 0; i < fdb[0]->dsec->nr_ins; i++)
		ck_assert_uint_ne(fdb[0]->dsec->ins[i].how, XST_DINS_FIXED);
}
END_TEST

/* A database without DNSSEC data has no DO forms: DO=1 is served the plain ones. */
START_TEST(test_dnssec_unsigned_free)
{
	static const char text[] = "$ORIGIN u.test.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
	struct xst_zone_error err;
	struct xst_zone *z;
	struct xst_dns_db *d;

	ck_assert_int_eq(xst_zone_parse_string(&z, text, "u.test", "u.test.", &err), 0);
	ck_assert_int_eq(xst_dns_db_create(&d, &z, 1, &err), 0);
	ck_assert_ptr_null(d->dsec);
	xst_dns_db_destroy(d);
	xst_zone_destroy(z);
}
END_TEST

/* ---- names past the 16 kB pointer reach ------------------------------------- */

/*
 * Name at m[*off]: every compression pointer aims inside the message,
 * at or after the question's name and before itself; the name it leads to
 * is well formed in turn. *off moves past the name as written.
 */
static void check_name(const uint8_t *m, size_t len, size_t *off, const char *what)
{
	size_t o = *off, hops = 0, total = 0;
	int first = 1;

	for (;;) {
		uint8_t l;

		ck_assert_msg(o < len, "%s: name runs past the message at %zu", what, o);
		l = m[o];
		if ((l & 0xc0) == 0xc0) {
			size_t t;

			ck_assert_msg(o + 2 <= len, "%s: cut pointer at %zu", what, o);
			t = ((size_t)(l & 0x3f) << 8) | m[o + 1];
			ck_assert_msg(t >= 12 && t < o && t < len,
				      "%s: pointer at %zu aims at %zu (message of %zu)", what, o, t, len);
			if (first)
				*off = o + 2;
			first = 0;
			o = t;
			ck_assert_uint_lt(++hops, 128);
			continue;
		}
		ck_assert_msg(!(l & 0xc0), "%s: label type 0x%02x at %zu", what, l, o);
		total += l + 1u;
		ck_assert_msg(total <= 255, "%s: name longer than 255 bytes", what);
		if (!l) {
			if (first)
				*off = o + 1;
			return;
		}
		o += l + 1u;
	}
}

/* Every name of reply m (owners; NS, CNAME, PTR, MX and SOA rdata). */
static void check_pointers(const uint8_t *m, size_t len, const char *what)
{
	size_t off = 12, i, nr = (size_t)xst_get_be16(m + 6) + xst_get_be16(m + 8) +
				 xst_get_be16(m + 10);

	ck_assert_uint_eq(xst_get_be16(m + 4), 1);
	check_name(m, len, &off, what);
	off += 4;
	for (i = 0; i < nr; i++) {
		size_t rd, end;
		uint16_t t;

		check_name(m, len, &off, what);
		ck_assert_uint_le(off + 10, len);
		t = xst_get_be16(m + off);
		rd = off + 10;
		end = rd + xst_get_be16(m + off + 8);
		ck_assert_uint_le(end, len);
		if (t == XST_T_NS || t == XST_T_CNAME || t == XST_T_PTR || t == XST_T_SOA) {
			check_name(m, len, &rd, what);
			if (t == XST_T_SOA)
				check_name(m, len, &rd, what);
		} else if (t == XST_T_MX) {
			rd += 2;
			check_name(m, len, &rd, what);
		}
		off = end;
	}
	ck_assert_uint_eq(off, len);
}

static size_t ask_wide(const struct xst_dns_db *db, uint8_t *buf, size_t cap, const char *qname,
		       uint16_t qtype, int dnssec_ok, int transport, uint16_t udp)
{
	struct xst_dns_stats st;
	size_t qlen = mkquery(buf, qname, qtype, dnssec_ok);

	memset(&st, 0, sizeof(st));
	xst_put_be16(buf + qlen - 11 + 3, udp);
	return xst_dns_respond(db, buf, qlen, cap, transport, &st);
}

/*
 * tests/dns/signed/wide.*.zone (sign-wide.sh): a 15.8 kB wildcard TXT
 * RRset. Asked for with a 180-byte name (three labels of 60), DO=1, over
 * TCP, the proof of the wildcard answer starts past 0x3fff: NSD writes its
 * owners uncompressed (the hashed label, a pointer to the apex) and sends
 * it all, TC=0. Every reply around it must keep every pointer in reach.
 */
START_TEST(test_dnssec_pointer_reach)
{
	static const char *const files[] = {
		"tests/dns/signed/wide.nsec3.zone", "tests/dns/signed/wide.nsec.zone",
	};
	static const uint16_t qtypes[] = { XST_T_TXT, XST_T_ANY, XST_T_MX, XST_T_A, XST_T_NS };
	static const int transports[] = { XST_DNS_TCP, XST_DNS_UDP, XST_DNS_UDP };
	static const uint16_t sizes[] = { 0, 4096, 512 };
	static uint8_t buf[65535];
	char qn[300], what[400];
	size_t f;

	for (f = 0; f < ARRAY_SIZE(files); f++) {
		struct xst_zone_error err;
		struct xst_zone *z;
		struct xst_dns_db *db;
		size_t k, t, x, len, o;
		int d;

		ck_assert_msg(xst_zone_load(&z, files[f], "wide.test.", &err) == 0, "%s:%u: %s",
			      err.file, err.line, err.reason);
		ck_assert_int_eq(xst_dns_db_create(&db, &z, 1, &err), 0);
		for (k = 0; k <= 3; k++) {
			o = 0;
			for (x = 0; x < k; x++)
				o += (size_t)snprintf(qn + o, sizeof(qn) - o, "%.60s.",
						      "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789" + x);
			snprintf(qn + o, sizeof(qn) - o, "%sw.wide.test", k ? "" : "q.");
			for (t = 0; t < ARRAY_SIZE(qtypes); t++)
				for (x = 0; x < ARRAY_SIZE(transports); x++)
					for (d = 0; d < 2; d++) {
						len = ask_wide(db, buf, sizeof(buf), qn, qtypes[t], d,
							       transports[x], sizes[x] ? sizes[x] : 4096);
						snprintf(what, sizeof(what), "%s %s/%u do=%d %s %u", files[f],
							 qn, qtypes[t], d,
							 transports[x] == XST_DNS_TCP ? "tcp" : "udp",
							 sizes[x]);
						ck_assert_msg(len > 12, "%s: no reply", what);
						check_pointers(buf, len, what);
					}
		}
		/* the fixture's case: whole, TC=0, the proof past 0x3fff */
		len = ask_wide(db, buf, sizeof(buf), qn, XST_T_TXT, 1, XST_DNS_TCP, 4096);
		ck_assert_uint_gt(len, 0x4000);
		ck_assert_msg(!(buf[2] & 0x02), "%s: TC set", files[f]);
		ck_assert_uint_eq(xst_get_be16(buf + 6), 75);	/* 74 TXT, their RRSIG */
		/* the proof (NSEC3 or NSEC, RRSIG), the apex NS and its RRSIG */
		ck_assert_uint_eq(xst_get_be16(buf + 8), 4);
		ck_assert_uint_eq(xst_get_be16(buf + 10), 3);	/* ns1 A, RRSIG, OPT */
		xst_dns_db_destroy(db);
		xst_zone_destroy(z);
	}
}
END_TEST

Suite *dnssec_suite(void)
{
	Suite *s = suite_create("dnssec");
	TCase *t = tcase_create("hash");
	TCase *r = tcase_create("replies");

	tcase_add_test(t, test_sha1_vectors);
	tcase_add_test(t, test_nsec3_hash_rfc5155);
	tcase_add_test(t, test_canon_order);
	tcase_add_test(t, test_dnssec_unsigned_free);
	tcase_add_test(t, test_dnssec_dname);
	tcase_add_test(t, test_dnssec_only3_below_dname);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(r, setup, teardown);
	tcase_add_test(r, test_dnssec_cases);
	tcase_add_test(r, test_dnssec_pointer_reach);
	tcase_add_test(r, test_dnssec_fixed_shared);
	tcase_set_timeout(r, 30);
	suite_add_tcase(s, r);
	return s;
}
