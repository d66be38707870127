// SPDX-License-Identifier: GPL-2.0
/*
 * Answers third-party zones showed to differ from NSD (issue 10): DNAME
 * (user/dns/dname.c and the builder), answers near the 65,535-byte limit,
 * a wildcard that owns NS, DNSKEY and DS at the apex, the CHAOS identity
 * answers, and referrals below a glue name. Expected values checked
 * against NSD 4.6.1 serving the same zones (tests/dns/zones/dname.test.zone,
 * wildns.test.zone and genzone.big() cover the same cases in the
 * differential test).
 */
#include <check.h>

#include "../lib/dns_text.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/db.h"
#include "dns/db_priv.h"
#include "dns/wire.h"
#include "dns/zone.h"

#define Q_EDNS	0x01
#define Q_TCP	0x02

static const char zone_ans[] =
	"$ORIGIN ans.test.\n"
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"@ NS ns2\n"
	"@ DNSKEY 257 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF\n"
	"@ DS 12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE3F3B5C9A9E4B0F3B1C2D3E4F\n"
	"ns1 A 192.0.2.1\n"
	"ns2 A 192.0.2.2\n"
	"www A 192.0.2.80\n"
	"* NS ns1\n"
	"sub 600 DNAME tgt.ans.test.\n"
	"a.tgt A 192.0.2.10\n"
	"grow DNAME a-rather-long-label-to-make-names-grow-past-255-bytes.with.more.labels.ans.test.\n"
	"loop DNAME b.loop.ans.test.\n"
	"out DNAME example.invalid.\n"
	"chain DNAME sub.ans.test.\n"
	"cn CNAME a.sub\n";

static struct xst_zone *zone;
static struct xst_dns_db *db;

static void setup(void)
{
	struct xst_zone_error err;

	ck_assert_msg(xst_zone_parse_string(&zone, zone_ans, "ans.test.zone", NULL, &err) == 0,
		      "%s:%u: %s", err.file, err.line, err.reason);
	ck_assert_int_eq(xst_dns_db_create(&db, &zone, 1, &err), 0);
}

static void teardown(void)
{
	xst_dns_db_destroy(db);
	db = NULL;
	xst_zone_destroy(zone);
	zone = NULL;
}

static size_t text_to_wire(const char *text, uint8_t *out)
{
	size_t o = 0;

	while (*text && strcmp(text, ".")) {
		const char *dot = strchr(text, '.');
		size_t l = dot ? (size_t)(dot - text) : strlen(text);

		out[o++] = (uint8_t)l;
		memcpy(out + o, text, l);
		o += l;
		text += l + (dot ? 1 : 0);
	}
	out[o++] = 0;
	return o;
}

static size_t mkquery(uint8_t *m, const char *qname, uint16_t qtype, uint16_t qclass, int flags)
{
	size_t o = 12;

	memset(m, 0, 12);
	m[0] = 0x12;
	m[1] = 0x34;
	xst_put_be16(m + 4, 1);
	o += text_to_wire(qname, m + o);
	xst_put_be16(m + o, qtype);
	xst_put_be16(m + o + 2, qclass);
	o += 4;
	if (flags & Q_EDNS) {
		xst_put_be16(m + 10, 1);
		m[o] = 0;
		xst_put_be16(m + o + 1, XST_T_OPT);
		xst_put_be16(m + o + 3, 1232);
		memset(m + o + 5, 0, 6);
		o += 11;
	}
	return o;
}

struct rrv {
	char owner[300];
	char name[300];		/* the first rdata name (CNAME, DNAME, NS), decompressed */
	uint16_t type, rdlen;
	uint32_t ttl;
	const uint8_t *rdata;
};

struct reply {
	uint16_t flags, an, ns, ar;
	int rcode;
	struct rrv *rr;		/* an + ns + ar of them */
	unsigned int nr;
	size_t opt_rdlen;	/* OPT's option bytes */
};

/* Parses the whole reply; every name must decompress, counts match the content. */
static void parse(const uint8_t *m, size_t len, struct reply *r)
{
	size_t off = 12;
	unsigned int i;
	char tmp[300];

	memset(r, 0, sizeof(*r));
	ck_assert_uint_ge(len, 12);
	r->flags = xst_get_be16(m + 2);
	r->an = xst_get_be16(m + 6);
	r->ns = xst_get_be16(m + 8);
	r->ar = xst_get_be16(m + 10);
	r->rcode = r->flags & 0xf;
	ck_assert_uint_eq(xst_get_be16(m + 4), 1);
	ck_assert_int_eq(test_read_name(m, len, &off, tmp, sizeof(tmp)), 0);
	off += 4;
	r->nr = (unsigned int)r->an + r->ns + r->ar;
	r->rr = calloc(r->nr + 1, sizeof(*r->rr));
	ck_assert_ptr_nonnull(r->rr);
	for (i = 0; i < r->nr; i++) {
		struct rrv *v = &r->rr[i];

		ck_assert_int_eq(test_read_name(m, len, &off, v->owner, sizeof(v->owner)), 0);
		ck_assert_uint_le(off + 10, len);
		v->type = xst_get_be16(m + off);
		v->ttl = xst_get_be32(m + off + 4);
		v->rdlen = xst_get_be16(m + off + 8);
		v->rdata = m + off + 10;
		if (v->type == XST_T_CNAME || v->type == 39 || v->type == XST_T_NS) {
			size_t o = off + 10;

			ck_assert_int_eq(test_read_name(m, len, &o, v->name, sizeof(v->name)), 0);
			ck_assert_uint_eq(o, off + 10 + v->rdlen);
		}
		if (v->type == XST_T_OPT)
			r->opt_rdlen = v->rdlen;
		off += 10u + v->rdlen;
		ck_assert_uint_le(off, len);
	}
	ck_assert_uint_eq(off, len);
}

static size_t ask(const struct xst_dns_db *d, const char *qname, uint16_t qtype, uint16_t qclass,
		  int flags, uint8_t *buf, size_t cap, struct reply *r)
{
	struct xst_dns_stats st = { 0 };
	size_t qlen = mkquery(buf, qname, qtype, qclass, flags), len;

	len = xst_dns_respond(d, buf, qlen, cap, flags & Q_TCP ? XST_DNS_TCP : XST_DNS_UDP, &st);
	ck_assert_msg(len > 0 && len <= cap, "%s: %zu bytes", qname, len);
	ck_assert_uint_eq(st.answered, 1);
	parse(buf, len, r);
	return len;
}

/* ---- DNAME ----------------------------------------------------------------------- */

START_TEST(test_dname_below)
{
	uint8_t buf[4096];
	struct reply r;

	ask(db, "a.sub.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_int_eq(r.rcode, XST_RCODE_NOERROR);
	ck_assert(r.flags & XST_DNS_F_AA);
	ck_assert_uint_eq(r.an, 3);
	ck_assert_uint_eq(r.rr[0].type, 39);
	ck_assert_str_eq(r.rr[0].owner, "sub.ans.test.");
	ck_assert_str_eq(r.rr[0].name, "tgt.ans.test.");
	ck_assert_uint_eq(r.rr[1].type, XST_T_CNAME);
	ck_assert_str_eq(r.rr[1].owner, "a.sub.ans.test.");
	ck_assert_str_eq(r.rr[1].name, "a.tgt.ans.test.");
	ck_assert_uint_eq(r.rr[1].ttl, 600);	/* the DNAME's TTL, as NSD */
	ck_assert_uint_eq(r.rr[2].type, XST_T_A);
	ck_assert_str_eq(r.rr[2].owner, "a.tgt.ans.test.");
	ck_assert_uint_eq(r.ns, 2);	/* the apex NS of the answer at the target */
	free(r.rr);

	/* the query's letter case is kept in the question; the answer reads the same */
	ask(db, "A.Sub.ANS.test", XST_T_A, XST_C_IN, Q_EDNS, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 3);
	ck_assert_uint_eq(r.ar, 3);	/* glue A of ns1, ns2, and OPT */
	free(r.rr);

	/* qtype CNAME: the synthesised CNAME is the answer, not followed */
	ask(db, "a.sub.ans.test", XST_T_CNAME, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 2);
	ck_assert_uint_eq(r.ns, 0);
	free(r.rr);

	/* the new name does not exist: NXDOMAIN after the CNAME */
	ask(db, "zz.sub.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_int_eq(r.rcode, XST_RCODE_NXDOMAIN);
	ck_assert_uint_eq(r.an, 2);
	ck_assert_uint_eq(r.ns, 1);
	ck_assert_uint_eq(r.rr[2].type, XST_T_SOA);
	free(r.rr);

	/* at the owner: an ordinary answer */
	ask(db, "sub.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 0);
	ck_assert_uint_eq(r.ns, 1);
	free(r.rr);
	ask(db, "sub.ans.test", 39, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 1);
	free(r.rr);
}
END_TEST

START_TEST(test_dname_edges)
{
	char longq[300];
	uint8_t buf[4096];
	struct reply r;

	/* outside our zones: DNAME and CNAME, NOERROR, AA */
	ask(db, "x.out.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_int_eq(r.rcode, XST_RCODE_NOERROR);
	ck_assert(r.flags & XST_DNS_F_AA);
	ck_assert_uint_eq(r.an, 2);
	ck_assert_str_eq(r.rr[1].name, "x.example.invalid.");
	free(r.rr);

	/* a target below its own owner: the DNAME once, one CNAME */
	ask(db, "x.loop.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_int_eq(r.rcode, XST_RCODE_NOERROR);
	ck_assert_uint_eq(r.an, 2);
	ck_assert_str_eq(r.rr[1].name, "x.b.loop.ans.test.");
	free(r.rr);

	/* two DNAMEs in a chain, then the A */
	ask(db, "a.chain.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 5);
	ck_assert_str_eq(r.rr[1].name, "a.sub.ans.test.");
	ck_assert_str_eq(r.rr[2].owner, "sub.ans.test.");
	ck_assert_str_eq(r.rr[3].owner, "a.sub.ans.test.");
	ck_assert_str_eq(r.rr[3].name, "a.tgt.ans.test.");
	ck_assert_uint_eq(r.rr[4].type, XST_T_A);
	free(r.rr);

	/* a CNAME into a name below the DNAME: made at load time, the same answer */
	ask(db, "cn.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 4);
	ck_assert_str_eq(r.rr[2].owner, "a.sub.ans.test.");
	ck_assert_str_eq(r.rr[2].name, "a.tgt.ans.test.");
	free(r.rr);

	/* too long once substituted: YXDOMAIN, the DNAME only; EDE with EDNS */
	snprintf(longq, sizeof(longq), "%s.%s.%s.grow.ans.test",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		 "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	ask(db, longq, XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_int_eq(r.rcode, XST_DNS_RCODE_YXDOMAIN);
	ck_assert_uint_eq(r.an, 1);
	ck_assert_uint_eq(r.rr[0].type, 39);
	free(r.rr);
	ask(db, longq, XST_T_A, XST_C_IN, Q_EDNS, buf, sizeof(buf), &r);
	ck_assert_int_eq(r.rcode, XST_DNS_RCODE_YXDOMAIN);
	ck_assert_uint_gt(r.opt_rdlen, 6);	/* EDE 0 "DNAME expansion became too large" */
	free(r.rr);
}
END_TEST

/* Filter mode and RRL see names below a DNAME as known, and as no wildcard's. */
START_TEST(test_dname_classify)
{
	static const uint8_t below[] = "\001a\003sub\003ans\004test";
	static const uint8_t wild[] = "\001q\003ans\004test";
	uint32_t zone = 99, enc = 0;

	ck_assert_int_eq(xst_dns_db_classify(db, below, sizeof(below), xst_name_hash(below,
			 sizeof(below)), &zone), XST_DNS_NAME_KNOWN);
	ck_assert_uint_eq(zone, 0);
	ck_assert_int_eq(xst_dns_db_wildcard(db, below, sizeof(below),
					     xst_name_hash(below, sizeof(below)), &enc), 0);
	/* q.ans.test: matched by the apex wildcard (which owns NS) */
	ck_assert_int_eq(xst_dns_db_wildcard(db, wild, sizeof(wild),
					     xst_name_hash(wild, sizeof(wild)), &enc), 1);
}
END_TEST

/* NSD's check_dname() spans zones: a zone below another's DNAME is refused. */
START_TEST(test_dname_zone_below)
{
	static const char child[] = "$ORIGIN z.y.sub.ans.test.\n@ SOA ns h 1 2 3 4 5\n"
				    "@ NS ns.outside.invalid.\n";
	struct xst_zone *zs[2] = { zone, NULL };
	struct xst_zone_error err;
	struct xst_dns_db *d2 = NULL;

	ck_assert_int_eq(xst_zone_parse_string(&zs[1], child, "child.zone", NULL, &err), 0);
	ck_assert_int_eq(xst_dns_db_create(&d2, zs, 2, &err), -EINVAL);
	ck_assert_ptr_null(d2);
	ck_assert_str_eq(err.file, "child.zone");
	ck_assert_ptr_nonnull(strstr(err.reason, "below the DNAME at sub.ans.test."));
	xst_zone_destroy(zs[1]);
}
END_TEST

/* Every buffer size from the question's end up: never past cap, always parseable. */
START_TEST(test_dname_small_cap)
{
	uint8_t q[512], *buf;
	size_t qlen = mkquery(q, "a.chain.ans.test", XST_T_A, XST_C_IN, 0), cap;

	for (cap = qlen; cap < 400; cap++) {
		struct xst_dns_stats st = { 0 };
		struct reply r;
		size_t len;

		buf = malloc(cap + 64);
		ck_assert_ptr_nonnull(buf);
		memcpy(buf, q, qlen);
		memset(buf + cap, 0xa5, 64);
		len = xst_dns_respond(db, buf, qlen, cap, XST_DNS_TCP, &st);
		ck_assert_uint_le(len, cap);
		for (size_t i = cap; i < cap + 64; i++)
			ck_assert_uint_eq(buf[i], 0xa5);
		if (len) {
			parse(buf, len, &r);
			ck_assert(r.an == 5 || (r.flags & XST_DNS_F_TC));
			free(r.rr);
		}
		free(buf);
	}
}
END_TEST

/* ---- wildcard NS, DNSKEY, DS at the apex ------------------------------------------ */

START_TEST(test_wildcard_ns)
{
	uint8_t buf[4096];
	struct reply r;

	/* below the wildcard: referred to the cut at *.ans.test, not the qname */
	ask(db, "nx.*.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert(!(r.flags & XST_DNS_F_AA));
	ck_assert_uint_eq(r.an, 0);
	ck_assert_uint_eq(r.ns, 1);
	ck_assert_str_eq(r.rr[0].owner, "*.ans.test.");
	free(r.rr);
	/* a name the wildcard matches: its NS are data there (NSD) */
	ask(db, "x.ans.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert(r.flags & XST_DNS_F_AA);
	ck_assert_uint_eq(r.an, 0);
	ck_assert_uint_eq(r.rr[0].type, XST_T_SOA);
	free(r.rr);
	ask(db, "x.ans.test", XST_T_NS, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert(r.flags & XST_DNS_F_AA);
	ck_assert_uint_eq(r.an, 1);
	ck_assert_str_eq(r.rr[0].owner, "x.ans.test.");
	ck_assert_str_eq(r.rr[0].name, "ns1.ans.test.");
	free(r.rr);
}
END_TEST

START_TEST(test_apex_dnskey_ds)
{
	uint8_t buf[4096];
	struct reply r;

	ask(db, "ans.test", 48, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 1);
	ck_assert_uint_eq(r.ns, 0);	/* NSD answer_needs_ns(): no NS for DNSKEY */
	ck_assert_uint_eq(r.ar, 0);
	free(r.rr);
	/* DS at the apex, parent not loaded: NODATA though the zone has one */
	ask(db, "ans.test", XST_T_DS, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert(r.flags & XST_DNS_F_AA);
	ck_assert_uint_eq(r.an, 0);
	ck_assert_uint_eq(r.ns, 1);
	ck_assert_uint_eq(r.rr[0].type, XST_T_SOA);
	free(r.rr);
}
END_TEST

/* ---- CHAOS identity ---------------------------------------------------------------- */

static void chaos_txt(const char *qname, uint16_t qtype, int flags, const char *want, int rcode)
{
	uint8_t buf[1024];
	struct reply r;

	ask(db, qname, qtype, XST_C_CH, flags, buf, sizeof(buf), &r);
	ck_assert_msg(r.rcode == rcode, "%s: rcode %d", qname, r.rcode);
	ck_assert(!(r.flags & XST_DNS_F_AA));
	if (want) {
		ck_assert_uint_eq(r.an, 1);
		ck_assert_uint_eq(r.rr[0].type, XST_T_TXT);
		ck_assert_uint_eq(r.rr[0].ttl, 0);
		ck_assert_uint_eq(r.rr[0].rdlen, strlen(want) + 1);
		ck_assert_uint_eq(r.rr[0].rdata[0], strlen(want));
		ck_assert(!memcmp(r.rr[0].rdata + 1, want, strlen(want)));
	} else {
		ck_assert_uint_eq(r.an, 0);
	}
	free(r.rr);
}

START_TEST(test_chaos)
{
	struct xst_dns_identity id = { .identity = "ns1.example", .version = "v 1.2" };
	char host[256] = "";
	char big[400];

	/* defaults: the host name, "xdpstorm" */
	ck_assert_int_eq(gethostname(host, sizeof(host) - 1), 0);
	chaos_txt("id.server", XST_T_TXT, 0, host, XST_RCODE_NOERROR);
	chaos_txt("version.bind", XST_T_TXT, 0, XST_DNS_VERSION_DEFAULT, XST_RCODE_NOERROR);

	xst_dns_db_set_identity(db, &id);
	chaos_txt("id.server", XST_T_TXT, 0, "ns1.example", XST_RCODE_NOERROR);
	chaos_txt("HOSTNAME.bind", XST_T_ANY, Q_EDNS, "ns1.example", XST_RCODE_NOERROR);
	chaos_txt("version.server", XST_T_TXT, Q_TCP, "v 1.2", XST_RCODE_NOERROR);
	chaos_txt("Version.Bind", XST_T_TXT, 0, "v 1.2", XST_RCODE_NOERROR);
	chaos_txt("version.bind", XST_T_A, 0, NULL, XST_RCODE_REFUSED);
	chaos_txt("authors.bind", XST_T_TXT, 0, NULL, XST_RCODE_REFUSED);
	chaos_txt("ans.test", XST_T_SOA, 0, NULL, XST_RCODE_REFUSED);

	id.hide_version = 1;
	xst_dns_db_set_identity(db, &id);
	chaos_txt("version.bind", XST_T_TXT, 0, NULL, XST_RCODE_REFUSED);
	chaos_txt("id.server", XST_T_TXT, 0, "ns1.example", XST_RCODE_NOERROR);
	id.hide_version = 0;
	id.hide_identity = 1;
	xst_dns_db_set_identity(db, &id);
	chaos_txt("id.server", XST_T_TXT, 0, NULL, XST_RCODE_REFUSED);
	chaos_txt("version.bind", XST_T_TXT, 0, "v 1.2", XST_RCODE_NOERROR);

	/* one TXT string: longer is cut at 255 */
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	id.version = big;
	xst_dns_db_set_identity(db, &id);
	big[255] = 0;
	chaos_txt("version.bind", XST_T_TXT, 0, big, XST_RCODE_NOERROR);
}
END_TEST

/* ---- answers near 65,535 bytes --------------------------------------------------- */

static struct xst_zone *big_zone;
static struct xst_dns_db *big_db;

static void big_setup(void)
{
	static const struct { const char *owner; int n; } sets[] = {
		{ "a4091", 4091 }, { "a4092", 4092 }, { "a5000", 5000 },
	};
	struct xst_zone_error err;
	size_t cap = 1 << 20, o, i;
	char *t = malloc(cap);
	int k;

	ck_assert_ptr_nonnull(t);
	o = (size_t)snprintf(t, cap, "$ORIGIN big.test.\n$TTL 3600\n"
			     "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\n"
			     "ns1 A 192.0.2.1\nns2 A 192.0.2.2\n");
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		for (k = 0; k < sets[i].n; k++)
			o += (size_t)snprintf(t + o, cap - o, "%s A 10.0.%d.%d\n", sets[i].owner,
					      k >> 8, k & 255);
	ck_assert_uint_lt(o, cap);
	ck_assert_msg(xst_zone_parse_string(&big_zone, t, "big.test.zone", NULL, &err) == 0,
		      "%s:%u: %s", err.file, err.line, err.reason);
	ck_assert_int_eq(xst_dns_db_create(&big_db, &big_zone, 1, &err), 0);
	free(t);
}

static void big_teardown(void)
{
	xst_dns_db_destroy(big_db);
	big_db = NULL;
	xst_zone_destroy(big_zone);
	big_zone = NULL;
}

START_TEST(test_big_a)
{
	uint8_t *buf = malloc(65536);
	struct reply r;
	size_t len;

	ck_assert_ptr_nonnull(buf);
	/* 4,091 A (65,474 bytes with the question): whole over TCP, no TC */
	len = ask(big_db, "a4091.big.test", XST_T_A, XST_C_IN, Q_TCP, buf, 65535, &r);
	ck_assert(!(r.flags & XST_DNS_F_TC));
	ck_assert_uint_eq(r.an, 4091);
	ck_assert_uint_le(len, 65535);
	free(r.rr);
	/* 4,092: the answer fits, one apex NS of two does too (NSD over TCP) */
	ask(big_db, "a4092.big.test", XST_T_A, XST_C_IN, Q_TCP, buf, 65535, &r);
	ck_assert(!(r.flags & XST_DNS_F_TC));
	ck_assert_uint_eq(r.an, 4092);
	ck_assert_uint_eq(r.ns, 1);
	ck_assert_uint_eq(r.ar, 0);
	free(r.rr);
	/* 5,000 never fit: TC=1 over TCP too, nothing cut silently */
	ask(big_db, "a5000.big.test", XST_T_A, XST_C_IN, Q_TCP, buf, 65535, &r);
	ck_assert(r.flags & XST_DNS_F_TC);
	ck_assert_uint_eq(r.an, 0);
	free(r.rr);
	/* over UDP at 1232 bytes: TC */
	ask(big_db, "a4091.big.test", XST_T_A, XST_C_IN, Q_EDNS, buf, 65535, &r);
	ck_assert(r.flags & XST_DNS_F_TC);
	ck_assert_uint_eq(r.an, 0);
	free(r.rr);
	free(buf);
}
END_TEST

/* ---- Referrals below a glue name: compressed as NSD does ----------------------- */

/*
 * BIND's glue system-test zone (tc-test-unsigned, crafted for sizes near
 * 512) and its nsprocessinglimit one, shortened: NSD compresses a referral
 * against the closest encloser in the question, so below a glue name the
 * NS set fits where the cut's own encoding does not (TC with empty
 * sections), and one more glue record fits. Sizes are NSD 4.6.1's.
 */
static struct xst_zone *ref_zone;
static struct xst_dns_db *ref_db;

static void ref_setup(void)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz";
	static const char *const subs[2][3] = { { "subdomain-a", "A", "10.53.0.1" },
						{ "subdomain-aaaa", "AAAA", "fd92::1" } };
	struct xst_zone_error err;
	size_t cap = 16384, o = 0;
	char *z = malloc(cap);
	int s, i;

	ck_assert_ptr_nonnull(z);
	o += (size_t)snprintf(z + o, cap - o, "$ORIGIN tc-test-unsigned.\n$TTL 300\n"
			      "@ SOA ns hostmaster 1 3600 1800 1814400 3600\n@ NS ns\n"
			      "ns A 10.53.0.1\n");
	for (s = 0; s < 2; s++) {
		for (i = 0; i < 13; i++)
			o += (size_t)snprintf(z + o, cap - o, "%s NS %s.%s\n", subs[s][0], abc + i,
					      subs[s][0]);
		for (i = 0; i < 13; i++)
			o += (size_t)snprintf(z + o, cap - o, "%s.%s %s %s\n", abc + i, subs[s][0],
					      subs[s][1], subs[s][2]);
	}
	for (i = 1; i <= 20; i++)
		o += (size_t)snprintf(z + o, cap - o, "sub NS ns%02d.sub\n", i);
	for (i = 1; i <= 20; i++)
		o += (size_t)snprintf(z + o, cap - o, "ns%02d.sub A 127.0.0.%d\n", i, i);
	o += (size_t)snprintf(z + o, cap - o, "sub NS *.w.sub\n*.w.sub A 127.0.0.99\n"
			      "x.*.w.sub A 127.0.0.98\n");
	ck_assert_uint_lt(o, cap);
	ck_assert_msg(xst_zone_parse_string(&ref_zone, z, "ref.zone", NULL, &err) == 0,
		      "%s:%u: %s", err.file, err.line, err.reason);
	ck_assert_int_eq(xst_dns_db_create(&ref_db, &ref_zone, 1, &err), 0);
	free(z);
}

static void ref_teardown(void)
{
	xst_dns_db_destroy(ref_db);
	ref_db = NULL;
	xst_zone_destroy(ref_zone);
	ref_zone = NULL;
}

/* One UDP query without EDNS: the reply's length, TC, ns and ar as NSD's. */
static void ref_check(const char *qname, size_t want_len, int want_tc, unsigned int want_ns,
		      unsigned int want_ar)
{
	uint8_t buf[4096];
	struct reply r;
	size_t len = ask(ref_db, qname, XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);

	ck_assert_msg(len == want_len, "%s: %zu bytes, NSD %zu", qname, len, want_len);
	ck_assert_msg(!!(r.flags & XST_DNS_F_TC) == want_tc, "%s: TC", qname);
	ck_assert_msg(r.an == 0 && r.ns == want_ns && r.ar == want_ar, "%s: %u/%u/%u", qname,
		      r.an, r.ns, r.ar);
	if (want_ns)
		ck_assert_uint_eq(r.rr[0].type, XST_T_NS);
	free(r.rr);
}

START_TEST(test_referral_below_glue)
{
	uint8_t buf[4096];
	struct reply r;

	/* at the glue name and below it: the 13 NS fit (no address: TC, as NSD) */
	ref_check("abcdefghijklmnopqrstuvwxyz.subdomain-a.tc-test-unsigned", 501, 1, 13, 0);
	ref_check("a.b.c.abcdefghijklmnopqrstuvwxyz.subdomain-a.tc-test-unsigned", 507, 1, 13, 0);
	ref_check("a.b.c.mnopqrstuvwxyz.subdomain-a.tc-test-unsigned", 507, 1, 13, 0);
	ref_check("nx.bcdefghijklmnopqrstuvwxyz.subdomain-aaaa.tc-test-unsigned", 507, 0, 13, 0);
	/* one more glue A than with the cut's encoding */
	ref_check("nx.ns01.sub.tc-test-unsigned", 503, 0, 21, 4);
	ref_check("nx.ns20.sub.tc-test-unsigned", 503, 0, 21, 4);
	/* an empty non-terminal below the cut, and "*" names there (no wildcard
	 * matching below a cut; the "*" name in the NS set points into the
	 * question only where the question holds it) */
	ref_check("q.w.sub.tc-test-unsigned", 502, 0, 21, 4);
	ref_check("*.w.sub.tc-test-unsigned", 500, 0, 21, 4);
	ref_check("z.*.w.sub.tc-test-unsigned", 502, 0, 21, 4);
	ref_check("x.*.w.sub.tc-test-unsigned", 502, 0, 21, 4);
	ref_check("y.x.*.w.sub.tc-test-unsigned", 504, 0, 21, 4);

	/* the names read back whole; those pointing into the question in its
	 * letter case, as NSD's do */
	ask(ref_db, "A.B.NS07.Sub.tc-test-unsigned", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.ns, 21);
	ck_assert_str_eq(r.rr[0].owner, "Sub.tc-test-unsigned.");
	ck_assert_str_eq(r.rr[6].name, "NS07.Sub.tc-test-unsigned.");
	ck_assert_str_eq(r.rr[20].name, "*.w.Sub.tc-test-unsigned.");
	ck_assert_str_eq(r.rr[21].owner, "ns01.Sub.tc-test-unsigned.");
	free(r.rr);
	/* over TCP: everything, no TC */
	ask(ref_db, "a.b.c.abcdefghijklmnopqrstuvwxyz.subdomain-a.tc-test-unsigned", XST_T_A,
	    XST_C_IN, Q_TCP, buf, sizeof(buf), &r);
	ck_assert(!(r.flags & XST_DNS_F_TC));
	ck_assert_uint_eq(r.ns, 13);
	ck_assert_uint_eq(r.ar, 13);
	ck_assert_str_eq(r.rr[13].owner, "abcdefghijklmnopqrstuvwxyz.subdomain-a.tc-test-unsigned.");
	free(r.rr);
}
END_TEST

/* ---- ANY from another type's form, CNAME loops, meta types --------------------- */

/* h0..h99 own one A each; l0 -> l1 -> ... -> l18 -> l0 is a CNAME loop. */
static struct xst_dns_db *any_db(struct xst_zone **z)
{
	static const char head[] = "$ORIGIN any.test.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\n"
				   "ns A 192.0.2.1\ntwo A 192.0.2.2\ntwo TXT \"x\"\n"
				   "meta TYPE255 \\# 2 ABCD\nmeta A 192.0.2.3\nm255 TYPE255 \\# 2 ABCD\n";
	char text[8192];
	struct xst_zone_error err;
	struct xst_dns_db *d;
	size_t o = 0;
	int i;

	o += (size_t)snprintf(text + o, sizeof(text) - o, "%s", head);
	for (i = 0; i < 100; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "h%d A 192.0.2.%d\n", i, 10 + i);
	for (i = 0; i < 19; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "l%d CNAME l%d\n", i, (i + 1) % 19);
	ck_assert_uint_lt(o, sizeof(text));
	ck_assert_msg(xst_zone_parse_string(z, text, "any.test.zone", NULL, &err) == 0, "%s:%u: %s",
		      err.file, err.line, err.reason);
	ck_assert_int_eq(xst_dns_db_create(&d, z, 1, &err), 0);
	return d;
}

START_TEST(test_any_shared)
{
	struct xst_zone *z;
	struct xst_dns_db *d = any_db(&z);
	uint8_t buf[4096];
	struct reply r;
	size_t names, messages;

	/* qtype ANY at a name with one RRset: that RRset alone, AA */
	ask(d, "h7.any.test", XST_T_ANY, XST_C_IN, Q_EDNS, buf, sizeof(buf), &r);
	ck_assert(r.flags & XST_DNS_F_AA);
	ck_assert_uint_eq(r.an, 1);
	ck_assert_uint_eq(r.ns, 0);
	ck_assert_uint_eq(r.ar, 1);	/* the OPT */
	ck_assert_str_eq(r.rr[0].owner, "h7.any.test.");
	ck_assert_uint_eq(r.rr[0].type, XST_T_A);
	ck_assert_uint_eq(r.rr[0].rdata[3], 17);
	free(r.rr);
	/* the same over TCP, and with class ANY (no AA then) */
	ask(d, "h7.any.test", XST_T_ANY, XST_C_IN, Q_TCP, buf, sizeof(buf), &r);
	ck_assert(r.flags & XST_DNS_F_AA);
	ck_assert_uint_eq(r.an + r.ns + r.ar, 1);
	free(r.rr);
	ask(d, "h7.any.test", XST_T_ANY, XST_C_ANY, 0, buf, sizeof(buf), &r);
	ck_assert(!(r.flags & XST_DNS_F_AA));
	ck_assert_uint_eq(r.an + r.ns + r.ar, 1);
	free(r.rr);
	/* the form it comes from still carries the apex NS and its glue */
	ask(d, "h7.any.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 1);
	ck_assert_uint_eq(r.ns, 1);
	ck_assert_uint_eq(r.ar, 1);
	ck_assert_str_eq(r.rr[2].owner, "ns.any.test.");
	free(r.rr);
	/* two RRsets: NSD answers one (RFC 8482), the A: again the A form less the NS */
	ask(d, "two.any.test", XST_T_ANY, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 1);
	ck_assert_uint_eq(r.rr[0].type, XST_T_A);
	ck_assert_uint_eq(r.ns + r.ar, 0);
	free(r.rr);
	/* one form per single-A name, not two (A and ANY) */
	xst_dns_db_sizes(d, &names, &messages, NULL);
	ck_assert_uint_lt(messages, 100 + 60);
	xst_dns_db_destroy(d);
	xst_zone_destroy(z);
}
END_TEST

START_TEST(test_cname_loop_meta)
{
	struct xst_zone *z;
	struct xst_dns_db *d = any_db(&z);
	uint8_t buf[4096];
	struct reply r;
	unsigned int i;

	/* NSD follows a CNAME loop until the next CNAME is in the answer already */
	ask(d, "l3.any.test", XST_T_A, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_int_eq(r.rcode, 0);
	ck_assert_uint_eq(r.an, 19);
	ck_assert_str_eq(r.rr[0].owner, "l3.any.test.");
	ck_assert_str_eq(r.rr[18].owner, "l2.any.test.");
	ck_assert_str_eq(r.rr[18].name, "l3.any.test.");
	for (i = 0; i < 19; i++)
		ck_assert_uint_eq(r.rr[i].type, XST_T_CNAME);
	free(r.rr);
	/* a TYPE255 record (NSD loads it by number) is an RRset of its name:
	 * the one ANY answers when there is no A, AAAA, SOA, MX or PTR */
	ask(d, "meta.any.test", XST_T_ANY, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 1);
	ck_assert_uint_eq(r.rr[0].type, XST_T_A);
	free(r.rr);
	ask(d, "m255.any.test", XST_T_ANY, XST_C_IN, 0, buf, sizeof(buf), &r);
	ck_assert_uint_eq(r.an, 1);
	ck_assert_uint_eq(r.rr[0].type, 255);
	ck_assert_uint_eq(r.rr[0].rdlen, 2);
	free(r.rr);
	xst_dns_db_destroy(d);
	xst_zone_destroy(z);
}
END_TEST

Suite *dns_answers_suite(void)
{
	Suite *s = suite_create("dns_answers");
	TCase *tc = tcase_create("dname");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dname_below);
	tcase_add_test(tc, test_dname_edges);
	tcase_add_test(tc, test_dname_small_cap);
	tcase_add_test(tc, test_dname_classify);
	tcase_add_test(tc, test_dname_zone_below);
	tcase_add_test(tc, test_wildcard_ns);
	tcase_add_test(tc, test_apex_dnskey_ds);
	tcase_add_test(tc, test_chaos);
	tcase_add_test(tc, test_any_shared);
	tcase_add_test(tc, test_cname_loop_meta);
	suite_add_tcase(s, tc);

	tc = tcase_create("big");
	tcase_add_checked_fixture(tc, big_setup, big_teardown);
	tcase_add_test(tc, test_big_a);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("referral");
	tcase_add_checked_fixture(tc, ref_setup, ref_teardown);
	tcase_add_test(tc, test_referral_below_glue);
	suite_add_tcase(s, tc);
	return s;
}
