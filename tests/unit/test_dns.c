// SPDX-License-Identifier: GPL-2.0
/*
 * Answer construction (user/dns/db.c, respond.c): one case per behaviour of
 * issue 3 item 4, on small zones parsed with xst_zone_parse_string(). The
 * expected values were checked against NSD 4.6 serving the same zones.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/db.h"
#include "dns/db_priv.h"
#include "dns/zone.h"
#include "dns/wire.h"
#include "../lib/dns_text.h"
#include "../lib/guard.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char zone_example[] =
	"$ORIGIN example.test.\n"
	"$TTL 3600\n"
	"@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"@ NS ns2.example.test.\n"
	"@ MX 10 mail\n"
	"@ A 192.0.2.1\n"
	"ns1 A 192.0.2.53\n"
	"ns1 AAAA 2001:db8::53\n"
	"ns2 A 192.0.2.54\n"
	"mail A 192.0.2.25\n"
	"www 300 A 192.0.2.80\n"
	"www 300 A 192.0.2.81\n"
	"www AAAA 2001:db8::80\n"
	"alias CNAME www\n"
	"c1 CNAME c2\n"
	"c2 CNAME www\n"
	"cnx CNAME nothere\n"
	"cout CNAME www.outside.invalid.\n"
	"loop1 CNAME loop2\n"
	"loop2 CNAME loop1\n"
	"a.b.ent A 192.0.2.100\n"
	"*.wild A 192.0.2.200\n"
	"*.wild MX 10 mail\n"
	"*.cw CNAME www\n"
	"sub NS ns1.sub\n"
	"sub NS ns.outside.invalid.\n"
	"sub DS 12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE3F3B5C9A9E4B0F3B1C2D3E4F\n"
	"ns1.sub A 192.0.2.150\n"
	"nods NS ns.outside.invalid.\n"
	"_sip._udp SRV 10 60 5060 sip\n"
	"sip A 192.0.2.60\n"
	"many MX 10 h1\n"
	"many MX 10 h2\n"
	"many MX 10 h3\n"
	"many MX 10 h4\n"
	"h1 AAAA 2001:db8::1:1\n"
	"h1 AAAA 2001:db8::1:2\n"
	"h1 AAAA 2001:db8::1:3\n"
	"h1 AAAA 2001:db8::1:4\n"
	"h2 AAAA 2001:db8::2:1\n"
	"h2 AAAA 2001:db8::2:2\n"
	"h2 AAAA 2001:db8::2:3\n"
	"h2 AAAA 2001:db8::2:4\n"
	"h3 AAAA 2001:db8::3:1\n"
	"h3 AAAA 2001:db8::3:2\n"
	"h3 AAAA 2001:db8::3:3\n"
	"h3 AAAA 2001:db8::3:4\n"
	"h4 AAAA 2001:db8::4:1\n"
	"h4 AAAA 2001:db8::4:2\n"
	"h4 AAAA 2001:db8::4:3\n"
	"h4 AAAA 2001:db8::4:4\n"
	"big TXT \"0123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"1123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"2123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"3123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"4123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"5123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"6123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"7123456789012345678901234567890123456789012345678901234567890123456789\"\n";

/* A second zone with a wildcard at its apex, and a child zone nested in it. */
static const char zone_other[] =
	"$ORIGIN other.test.\n"
	"$TTL 600\n"
	"@ SOA ns admin 1 3600 600 86400 900\n"
	"@ NS ns\n"
	"ns A 198.51.100.1\n"
	"* A 198.51.100.9\n"
	"child NS ns.child\n"
	"ns.child A 198.51.100.3\n"
	"to-example CNAME www.example.test.\n";

static const char zone_child[] =
	"$ORIGIN child.other.test.\n"
	"$TTL 60\n"
	"@ SOA ns admin 1 3600 600 86400 30\n"
	"@ NS ns\n"
	"ns A 198.51.100.3\n"
	"www A 198.51.100.4\n";

static struct xst_zone *zones[3];
static struct xst_dns_db *db;

static void setup(void)
{
	struct xst_zone_error err;
	const char *texts[3] = { zone_example, zone_other, zone_child };
	const char *names[3] = { "example.test.zone", "other.test.zone", "child.other.test.zone" };
	size_t i;

	for (i = 0; i < 3; i++) {
		int r = xst_zone_parse_string(&zones[i], texts[i], names[i], NULL, &err);

		ck_assert_msg(r == 0, "%s:%u: %s", err.file, err.line, err.reason);
	}
	ck_assert_int_eq(xst_dns_db_create(&db, zones, 3, &err), 0);
}

static void teardown(void)
{
	size_t i;

	xst_dns_db_destroy(db);
	db = NULL;
	for (i = 0; i < 3; i++) {
		xst_zone_destroy(zones[i]);
		zones[i] = NULL;
	}
}

/* ---- query building and reply parsing --------------------------------------- */

#define Q_EDNS		0x01
#define Q_DO		0x02
#define Q_TCP		0x04
#define Q_NORD		0x08
#define Q_CD		0x10
#define Q_COMPRESS	0x20	/* question name as "www" + a pointer back to offset 4 (QDCOUNT's
				 * high byte, 0: the root), the one kind of compressed
				 * question that is not FORMERR */

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

static size_t mkquery(uint8_t *m, const char *qname, uint16_t qtype, uint16_t qclass, int flags,
		      uint16_t payload, uint8_t version)
{
	size_t o = 12;

	memset(m, 0, 12);
	m[0] = 0xbe;
	m[1] = 0xef;
	xst_put_be16(m + 2, (uint16_t)((flags & Q_NORD ? 0 : XST_DNS_F_RD) | (flags & Q_CD ? XST_DNS_F_CD : 0)));
	xst_put_be16(m + 4, 1);
	o += text_to_wire(qname, m + o);
	xst_put_be16(m + o, qtype);
	xst_put_be16(m + o + 2, qclass);
	o += 4;
	if (flags & Q_EDNS) {
		xst_put_be16(m + 10, 1);
		m[o] = 0;
		xst_put_be16(m + o + 1, XST_T_OPT);
		xst_put_be16(m + o + 3, payload);
		m[o + 5] = 0;
		m[o + 6] = version;
		xst_put_be16(m + o + 7, flags & Q_DO ? 0x8000 : 0);
		xst_put_be16(m + o + 9, 0);
		o += 11;
	}
	return o;
}

struct rrv {
	char owner[300];
	uint16_t type, rclass, rdlen;
	uint32_t ttl;
	const uint8_t *rdata;
};

struct reply {
	uint16_t flags, qd, an, ns, ar;
	int rcode;		/* extended when an OPT is present */
	int has_opt, opt_do;
	uint16_t opt_size;
	uint8_t opt_version;
	struct rrv rr[64];
	unsigned int nr;
};

static void parse_reply(const uint8_t *m, size_t len, struct reply *r)
{
	size_t off = 12;
	unsigned int i, total;
	char tmp[300];

	memset(r, 0, sizeof(*r));
	ck_assert_uint_ge(len, 12);
	r->flags = xst_get_be16(m + 2);
	r->qd = xst_get_be16(m + 4);
	r->an = xst_get_be16(m + 6);
	r->ns = xst_get_be16(m + 8);
	r->ar = xst_get_be16(m + 10);
	r->rcode = r->flags & 0xf;
	for (i = 0; i < r->qd; i++) {
		ck_assert_int_eq(test_read_name(m, len, &off, tmp, sizeof(tmp)), 0);
		off += 4;
	}
	total = r->an + r->ns + r->ar;
	ck_assert_uint_le(total, ARRAY_SIZE(r->rr));
	for (i = 0; i < total; i++) {
		struct rrv *v = &r->rr[i];

		ck_assert_int_eq(test_read_name(m, len, &off, v->owner, sizeof(v->owner)), 0);
		ck_assert_uint_le(off + 10, len);
		v->type = xst_get_be16(m + off);
		v->rclass = xst_get_be16(m + off + 2);
		v->ttl = xst_get_be32(m + off + 4);
		v->rdlen = xst_get_be16(m + off + 8);
		v->rdata = m + off + 10;
		off += 10u + v->rdlen;
		ck_assert_uint_le(off, len);
		if (v->type == XST_T_OPT) {
			r->has_opt = 1;
			r->opt_size = v->rclass;
			r->rcode |= (int)(v->ttl >> 24) << 4;
			r->opt_version = (uint8_t)(v->ttl >> 16);
			r->opt_do = !!(v->ttl & 0x8000);
		}
	}
	ck_assert_uint_eq(off, len);	/* no trailing bytes: counts match the content */
	r->nr = total;
}

/* The lookahead the worker runs before answering: a hint that must never
 * change the answer, so every case runs it first. */
static void run_ahead(const uint8_t *buf, size_t qlen)
{
	struct xst_dns_ahead a;
	unsigned int i;

	xst_dns_ahead_start(db, &a, buf, qlen);
	for (i = 0; i < XST_DNS_AHEAD_STEPS; i++)
		xst_dns_ahead_step(db, &a);
	ck_assert_uint_eq(a.step, 0);
}

static size_t ask(uint8_t *buf, size_t qlen, size_t cap, int tcp, struct xst_dns_stats *st)
{
	run_ahead(buf, qlen);
	return xst_dns_respond(db, buf, qlen, cap, tcp ? XST_DNS_TCP : XST_DNS_UDP, st);
}

/* ---- the behaviour table ------------------------------------------------------ */

struct dns_case {
	const char *name;
	const char *qname;
	uint16_t qtype, qclass;
	int flags;
	uint16_t payload;
	int rcode, aa, tc;
	int an, ns, ar;		/* RR counts, OPT excluded; -1: do not check */
	const char *owner0;	/* owner of the first answer RR (case-sensitive), or NULL */
	uint16_t type0;
	uint32_t ttl0;
	const char *last_owner;	/* owner of the last answer RR, or NULL */
	uint16_t auth_type;	/* type of the first authority RR, 0: none expected/checked */
	uint32_t auth_ttl;
};

static const struct dns_case cases[] = {
	{ "exact A", "www.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 2, 2, 3,
	  "www.example.test.", XST_T_A, 300, NULL, XST_T_NS, 3600 },
	{ "exact, 0x20 case kept in owner", "wWw.ExAmPlE.tEsT", XST_T_A, 1, 0, 0, 0, 1, 0, 2, 2, 3,
	  "wWw.ExAmPlE.tEsT.", XST_T_A, 300, NULL, XST_T_NS, 3600 },
	{ "apex A", "example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 1, 2, 3,
	  "example.test.", XST_T_A, 3600, NULL, XST_T_NS, 3600 },
	{ "apex NS: no authority, glue", "example.test", XST_T_NS, 1, 0, 0, 0, 1, 0, 2, 0, 3,
	  "example.test.", XST_T_NS, 3600, NULL, 0, 0 },
	{ "apex MX: A/AAAA of target and NS", "example.test", XST_T_MX, 1, 0, 0, 0, 1, 0, 1, 2, 4,
	  "example.test.", XST_T_MX, 3600, NULL, XST_T_NS, 3600 },
	{ "SRV target A in additional", "_sip._udp.example.test", XST_T_SRV, 1, 0, 0, 0, 1, 0, 1, 2, 4,
	  "_sip._udp.example.test.", XST_T_SRV, 3600, NULL, XST_T_NS, 3600 },
	{ "NODATA: SOA with min TTL", "www.example.test", XST_T_TXT, 1, 0, 0, 0, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 300 },
	{ "NXDOMAIN", "nothere.example.test", XST_T_A, 1, 0, 0, 3, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 300 },
	{ "NXDOMAIN deep", "a.b.c.nothere.example.test", XST_T_MX, 1, 0, 0, 3, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 300 },
	{ "empty non-terminal: NODATA", "ent.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 300 },
	{ "empty non-terminal 2", "b.ent.example.test", XST_T_AAAA, 1, 0, 0, 0, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 300 },
	{ "below an ENT: NXDOMAIN", "x.b.ent.example.test", XST_T_A, 1, 0, 0, 3, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 300 },
	{ "CNAME chased", "alias.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 3, 2, 3,
	  "alias.example.test.", XST_T_CNAME, 3600, "www.example.test.", XST_T_NS, 3600 },
	{ "CNAME chain", "c1.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 4, 2, 3,
	  "c1.example.test.", XST_T_CNAME, 3600, "www.example.test.", XST_T_NS, 3600 },
	{ "CNAME chain to NODATA", "c1.example.test", XST_T_TXT, 1, 0, 0, 0, 1, 0, 2, 1, 0,
	  "c1.example.test.", XST_T_CNAME, 3600, NULL, XST_T_SOA, 300 },
	{ "CNAME query type CNAME", "alias.example.test", XST_T_CNAME, 1, 0, 0, 0, 1, 0, 1, 2, 3,
	  "alias.example.test.", XST_T_CNAME, 3600, NULL, XST_T_NS, 3600 },
	{ "CNAME to NXDOMAIN", "cnx.example.test", XST_T_A, 1, 0, 0, 3, 1, 0, 1, 1, 0,
	  "cnx.example.test.", XST_T_CNAME, 3600, NULL, XST_T_SOA, 300 },
	{ "CNAME out of zone", "cout.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 1, 0, 0,
	  "cout.example.test.", XST_T_CNAME, 3600, NULL, 0, 0 },
	{ "CNAME loop stops", "loop1.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 2, 0, 0,
	  "loop1.example.test.", XST_T_CNAME, 3600, "loop2.example.test.", 0, 0 },
	{ "CNAME into another zone", "to-example.other.test", XST_T_A, 1, 0, 0, 0, 1, 0, 3, 2, 3,
	  "to-example.other.test.", XST_T_CNAME, 600, "www.example.test.", XST_T_NS, 3600 },
	{ "wildcard A, owner = qname", "Foo.wild.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 1, 2, 3,
	  "Foo.wild.example.test.", XST_T_A, 3600, NULL, XST_T_NS, 3600 },
	{ "wildcard, several labels", "x.y.z.wild.example.test", XST_T_MX, 1, 0, 0, 0, 1, 0, 1, 2, 4,
	  "x.y.z.wild.example.test.", XST_T_MX, 3600, NULL, XST_T_NS, 3600 },
	{ "wildcard NODATA", "foo.wild.example.test", XST_T_TXT, 1, 0, 0, 0, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 300 },
	{ "wildcard CNAME", "q.cw.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 3, 2, 3,
	  "q.cw.example.test.", XST_T_CNAME, 3600, "www.example.test.", XST_T_NS, 3600 },
	{ "wildcard at the apex", "anything.other.test", XST_T_A, 1, 0, 0, 0, 1, 0, 1, 1, 1,
	  "anything.other.test.", XST_T_A, 600, NULL, XST_T_NS, 600 },
	{ "referral below a cut", "host.sub.example.test", XST_T_A, 1, 0, 0, 0, 0, 0, 0, 2, 1,
	  NULL, 0, 0, NULL, XST_T_NS, 3600 },
	{ "referral at the cut", "sub.example.test", XST_T_NS, 1, 0, 0, 0, 0, 0, 0, 2, 1,
	  NULL, 0, 0, NULL, XST_T_NS, 3600 },
	{ "glue name gets the referral", "ns1.sub.example.test", XST_T_A, 1, 0, 0, 0, 0, 0, 0, 2, 1,
	  NULL, 0, 0, NULL, XST_T_NS, 3600 },
	{ "DS at the cut: parent answers", "sub.example.test", XST_T_DS, 1, 0, 0, 0, 1, 0, 1, 0, 0,
	  "sub.example.test.", XST_T_DS, 3600, NULL, 0, 0 },
	{ "DS absent at the cut: NODATA", "nods.example.test", XST_T_DS, 1, 0, 0, 0, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 300 },
	{ "DS below the cut: referral", "a.sub.example.test", XST_T_DS, 1, 0, 0, 0, 0, 0, 0, 2, 1,
	  NULL, 0, 0, NULL, XST_T_NS, 3600 },
	{ "nested zone answers its names", "www.child.other.test", XST_T_A, 1, 0, 0, 0, 1, 0, 1, 1, 1,
	  "www.child.other.test.", XST_T_A, 60, NULL, XST_T_NS, 60 },
	{ "nested zone NXDOMAIN", "nx.child.other.test", XST_T_A, 1, 0, 0, 3, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 30 },
	{ "DS at nested apex: from the parent", "child.other.test", XST_T_DS, 1, 0, 0, 0, 1, 0, 0, 1, 0,
	  NULL, 0, 0, NULL, XST_T_SOA, 600 },
	{ "out of zone: REFUSED", "www.outside.invalid", XST_T_A, 1, 0, 0, 5, 0, 0, 0, 0, 0,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "above the zone: REFUSED", "test", XST_T_SOA, 1, 0, 0, 5, 0, 0, 0, 0, 0,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "class CH: REFUSED", "example.test", XST_T_A, 3, 0, 0, 5, 0, 0, 0, 0, 0,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "class ANY: no AA, no NS", "www.example.test", XST_T_A, 255, 0, 0, 0, 0, 0, 2, 0, 0,
	  "www.example.test.", XST_T_A, 300, NULL, 0, 0 },
	{ "ANY: one RRset (RFC 8482)", "www.example.test", XST_T_ANY, 1, 0, 0, 0, 1, 0, 2, 0, 0,
	  "www.example.test.", XST_T_A, 300, NULL, 0, 0 },
	{ "ANY over TCP too", "www.example.test", XST_T_ANY, 1, Q_TCP, 0, 0, 1, 0, 2, 0, 0,
	  "www.example.test.", XST_T_A, 300, NULL, 0, 0 },
	{ "ANY at the apex: the SOA", "example.test", XST_T_ANY, 1, 0, 0, 0, 1, 0, 1, 0, 0,
	  "example.test.", XST_T_SOA, 3600, NULL, 0, 0 },
	{ "AXFR over UDP: NOTIMP", "example.test", XST_T_AXFR, 1, 0, 0, 4, 0, 0, 0, 0, 0,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "IXFR over UDP: REFUSED", "example.test", XST_T_IXFR, 1, 0, 0, 5, 0, 0, 0, 0, 0,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "EDNS echo, DO copied", "www.example.test", XST_T_A, 1, Q_EDNS | Q_DO, 4096, 0, 1, 0, 2, 2, 3,
	  "www.example.test.", XST_T_A, 300, NULL, XST_T_NS, 3600 },
	{ "TC at 512 without EDNS", "big.example.test", XST_T_TXT, 1, 0, 0, 0, 1, 1, 0, 0, 0,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "TC at 512 with EDNS 512", "big.example.test", XST_T_TXT, 1, Q_EDNS, 512, 0, 1, 1, 0, 0, 0,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "EDNS size below 512 means 512", "big.example.test", XST_T_TXT, 1, Q_EDNS, 100, 0, 1, 1, 0, 0, 0,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "fits with EDNS 1232", "big.example.test", XST_T_TXT, 1, Q_EDNS, 1232, 0, 1, 0, 8, 2, 3,
	  "big.example.test.", XST_T_TXT, 3600, NULL, XST_T_NS, 3600 },
	{ "fits over TCP", "big.example.test", XST_T_TXT, 1, Q_TCP, 0, 0, 1, 0, 8, 2, 3,
	  "big.example.test.", XST_T_TXT, 3600, NULL, XST_T_NS, 3600 },
	{ "additional dropped at 512, no TC", "many.example.test", XST_T_MX, 1, 0, 0, 0, 1, 0, 4, 2, -1,
	  "many.example.test.", XST_T_MX, 3600, NULL, XST_T_NS, 3600 },
	{ "compressed question: expanded in the reply", "www", XST_T_A, 1, Q_COMPRESS, 0, 5, 0, 0, 0,
	  0, 0, NULL, 0, 0, NULL, 0, 0 },
	{ "RD copied", "www.example.test", XST_T_A, 1, 0, 0, 0, 1, 0, 2, 2, 3,
	  NULL, 0, 0, NULL, 0, 0 },
	{ "RD clear stays clear, CD not copied (NSD)", "www.example.test", XST_T_A, 1, Q_NORD | Q_CD, 0,
	  0, 1, 0, 2, 2, 3, NULL, 0, 0, NULL, 0, 0 },
};

START_TEST(test_dns_cases)
{
	const struct dns_case *tc = &cases[_i];
	struct xst_dns_stats st = { 0 };
	uint8_t q[4096] = { 0 }, *buf;
	struct reply r;
	size_t qlen, len, qname_end;
	int i;

	if (tc->flags & Q_COMPRESS) {
		memset(q, 0, 12);
		q[0] = 0xbe;
		xst_put_be16(q + 2, XST_DNS_F_RD);
		xst_put_be16(q + 4, 1);
		memcpy(q + 12, "\x03www\xc0\x04", 6);
		xst_put_be16(q + 18, tc->qtype);
		xst_put_be16(q + 20, tc->qclass);
		qlen = 22;
	} else {
		qlen = mkquery(q, tc->qname, tc->qtype, tc->qclass, tc->flags, tc->payload, 0);
	}
	buf = guard_copy(q, 4096);	/* room for the reply; the guard page stays after it */
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, q, qlen);
	len = ask(buf, qlen, 4096, tc->flags & Q_TCP, &st);
	ck_assert_msg(len > 0, "%s: dropped", tc->name);
	parse_reply(buf, len, &r);

	ck_assert_msg(r.rcode == tc->rcode, "%s: rcode %d, want %d", tc->name, r.rcode, tc->rcode);
	ck_assert_msg(!!(r.flags & XST_DNS_F_QR), "%s: QR", tc->name);
	ck_assert_msg(!!(r.flags & XST_DNS_F_AA) == tc->aa, "%s: AA %d", tc->name, !tc->aa);
	ck_assert_msg(!!(r.flags & XST_DNS_F_TC) == tc->tc, "%s: TC %d", tc->name, !tc->tc);
	ck_assert_msg(!!(r.flags & XST_DNS_F_RD) == !(tc->flags & Q_NORD), "%s: RD", tc->name);
	ck_assert_msg(!(r.flags & (XST_DNS_F_CD | XST_DNS_F_RA | XST_DNS_F_AD)), "%s: CD/RA/AD set",
		      tc->name);
	ck_assert_uint_eq(r.qd, 1);
	ck_assert_msg(buf[0] == 0xbe && buf[1] == (tc->flags & Q_COMPRESS ? 0 : 0xef), "%s: id", tc->name);

	/* The question, byte for byte (expanded when it was compressed). */
	if (tc->flags & Q_COMPRESS) {
		ck_assert(!memcmp(buf + 12, "\x03www\x00", 5));
		qname_end = 17;
	} else {
		qname_end = 12 + text_to_wire(tc->qname, q + 512);
		ck_assert_msg(!memcmp(buf + 12, q + 12, qname_end + 4 - 12), "%s: question", tc->name);
	}
	ck_assert_uint_eq(xst_get_be16(buf + qname_end), tc->qtype);

	ck_assert_msg(r.an == tc->an, "%s: an %u want %d", tc->name, r.an, tc->an);
	ck_assert_msg(r.ns == tc->ns, "%s: ns %u want %d", tc->name, r.ns, tc->ns);
	if (tc->ar >= 0)
		ck_assert_msg(r.ar - r.has_opt == tc->ar, "%s: ar %u want %d", tc->name,
			      r.ar - r.has_opt, tc->ar);
	ck_assert_int_eq(r.has_opt, !!(tc->flags & Q_EDNS));
	if (r.has_opt) {
		ck_assert_uint_eq(r.opt_size, 1232);
		ck_assert_uint_eq(r.opt_version, 0);
		ck_assert_int_eq(r.opt_do, !!(tc->flags & Q_DO));
	}
	if (tc->owner0) {
		ck_assert_str_eq(r.rr[0].owner, tc->owner0);
		ck_assert_uint_eq(r.rr[0].type, tc->type0);
		ck_assert_uint_eq(r.rr[0].ttl, tc->ttl0);
		ck_assert_uint_eq(r.rr[0].rclass, XST_C_IN);
	}
	if (tc->last_owner)
		ck_assert_str_eq(r.rr[r.an - 1].owner, tc->last_owner);
	if (tc->auth_type) {
		ck_assert_uint_eq(r.rr[r.an].type, tc->auth_type);
		ck_assert_uint_eq(r.rr[r.an].ttl, tc->auth_ttl);
	}
	for (i = 0; i < (int)r.nr; i++)
		ck_assert_msg(r.rr[i].type == XST_T_OPT || r.rr[i].rclass == XST_C_IN, "%s: class",
			      tc->name);
	ck_assert_uint_eq(st.queries, 1);
	ck_assert_uint_eq(st.answered, 1);
	ck_assert_uint_eq(st.truncated, (uint64_t)tc->tc);
	if (tc->rcode == 3)
		ck_assert_uint_eq(st.nxdomain, 1);
	if (tc->rcode == 5)
		ck_assert_uint_eq(st.refused, 1);
	guard_free(buf, 4096);
}
END_TEST

/* Referral: no AA, glue only for in-zone names, the out-of-zone NS has none. */
START_TEST(test_dns_referral_glue)
{
	struct xst_dns_stats st = { 0 };
	uint8_t buf[4096];
	struct reply r;
	size_t len = mkquery(buf, "x.y.SUB.example.test", XST_T_A, 1, 0, 0, 0);

	len = ask(buf, len, sizeof(buf), 0, &st);
	parse_reply(buf, len, &r);
	ck_assert_str_eq(r.rr[0].owner, "SUB.example.test.");	/* compressed into the question */
	ck_assert_str_eq(r.rr[2].owner, "ns1.SUB.example.test.");
	ck_assert_uint_eq(r.rr[2].type, XST_T_A);
	ck_assert(!memcmp(r.rr[2].rdata, "\xc0\x00\x02\x96", 4));
	ck_assert_uint_eq(st.referral, 1);
}
END_TEST

/* Error replies: header only as NSD sends them. */
START_TEST(test_dns_errors)
{
	struct xst_dns_stats st = { 0 };
	uint8_t q[512], buf[512];
	size_t qlen = mkquery(q, "www.example.test", XST_T_A, 1, Q_EDNS, 1232, 0), len;

	/* QR=1: dropped and counted. */
	memcpy(buf, q, qlen);
	buf[2] |= 0x80;
	ck_assert_uint_eq(ask(buf, qlen, sizeof(buf), 0, &st), 0);
	ck_assert_uint_eq(st.dropped_qr, 1);

	/* Shorter than a header: dropped. */
	ck_assert_uint_eq(ask(buf, 11, sizeof(buf), 0, &st), 0);
	ck_assert_uint_eq(st.dropped_short, 1);

	/* Opcode STATUS: NOTIMP, header only, opcode kept. */
	memcpy(buf, q, qlen);
	buf[2] = (uint8_t)((buf[2] & 0x87) | (2 << 3));
	len = ask(buf, qlen, sizeof(buf), 0, &st);
	ck_assert_uint_eq(len, 12);
	ck_assert_uint_eq(xst_get_be16(buf + 2), 0x9104);
	ck_assert_uint_eq(xst_get_be16(buf + 4), 0);
	ck_assert_uint_eq(st.notimp, 1);

	/* NOTIFY for a name that is no zone of ours: NXDOMAIN, header only
	 * (NSD; issue 11 item 8: was REFUSED). The zone apexes: test_dns_notify. */
	memcpy(buf, q, qlen);
	buf[2] = (uint8_t)((buf[2] & 0x87) | (4 << 3));
	len = ask(buf, qlen, sizeof(buf), 0, &st);
	ck_assert_uint_eq(len, 12);
	ck_assert_uint_eq(xst_get_be16(buf + 2), 0xa103);

	/* QDCOUNT 2: FORMERR, flags cleared (RD too). */
	memcpy(buf, q, qlen);
	buf[5] = 2;
	len = ask(buf, qlen, sizeof(buf), 0, &st);
	ck_assert_uint_eq(len, 12);
	ck_assert_uint_eq(xst_get_be16(buf + 2), 0x8001);
	ck_assert_uint_eq(xst_get_be16(buf + 10), 0);

	/* ANCOUNT 1: FORMERR, RD kept. */
	memcpy(buf, q, qlen);
	buf[7] = 1;
	len = ask(buf, qlen, sizeof(buf), 0, &st);
	ck_assert_uint_eq(len, 12);
	ck_assert_uint_eq(xst_get_be16(buf + 2), 0x8101);

	/* Two OPT RRs: FORMERR. */
	memcpy(buf, q, qlen);
	memcpy(buf + qlen, q + qlen - 11, 11);
	buf[11] = 2;
	len = ask(buf, qlen + 11, sizeof(buf), 0, &st);
	ck_assert_uint_eq(len, 12);
	ck_assert_uint_eq(xst_get_be16(buf + 2) & 0xf, XST_RCODE_FORMERR);

	/* A pointer loop in the question: FORMERR. */
	memcpy(buf, q, 12);
	buf[10] = buf[11] = 0;
	memcpy(buf + 12, "\xc0\x0c\x00\x01\x00\x01", 6);
	len = ask(buf, 18, sizeof(buf), 0, &st);
	ck_assert_uint_eq(len, 12);
	ck_assert_uint_eq(xst_get_be16(buf + 2) & 0xf, XST_RCODE_FORMERR);

	/* A forward pointer in the question ("www" + the origin written after
	 * the question): FORMERR, header only, as NSD (issue 11 item 8). */
	memcpy(buf, q, 12);
	buf[10] = buf[11] = 0;
	memcpy(buf + 12, "\x03www\xc0\x16\x00\x01\x00\x01\x07" "example\x04test\x00", 24);
	len = ask(buf, 36, sizeof(buf), 0, &st);
	ck_assert_uint_eq(len, 12);
	ck_assert_uint_eq(xst_get_be16(buf + 2), 0x8101);
	ck_assert_uint_eq(xst_get_be16(buf + 4), 0);
	ck_assert_uint_eq(st.formerr, 5);
}
END_TEST

/*
 * NOTIFY as NSD 4.6.1 answers it without an allow-notify (issue 11 item 8):
 * a zone apex REFUSED after the TSIG check, any other name NXDOMAIN, header
 * only; a TSIG-signed query NOTAUTH (no keys). Checked against NSD.
 */
static const struct notify_case {
	const char *name;
	const char *qname;
	const char *extra;	/* additional records (bytes), NULL: none */
	size_t extra_len;
	int nr_extra;
	int opcode;
	uint16_t flags;		/* the reply's flags word */
	size_t len;		/* the reply's length */
} notify_cases[] = {
	{ "apex", "example.test", NULL, 0, 0, 4, 0xa105, 12 },
	{ "apex, letter case", "ExAmPle.TEST", NULL, 0, 0, 4, 0xa105, 12 },
	{ "nested zone apex", "child.other.test", NULL, 0, 0, 4, 0xa105, 12 },
	{ "name in the zone", "www.example.test", NULL, 0, 0, 4, 0xa103, 12 },
	{ "empty non-terminal", "ent.example.test", NULL, 0, 0, 4, 0xa103, 12 },
	{ "absent name", "nothere.example.test", NULL, 0, 0, 4, 0xa103, 12 },
	{ "out of zone", "www.outside.invalid", NULL, 0, 0, 4, 0xa103, 12 },
	{ "above the zones", "test", NULL, 0, 0, 4, 0xa103, 12 },
	{ "apex, additional A", "example.test",
	  "\x00\x00\x01\x00\x01\x00\x00\x00\x00\x00\x04\x7f\x00\x00\x01", 15, 1, 4, 0xa105, 12 },
	{ "apex, additional cut short", "example.test", "\x00\x00\x01", 3, 1, 4, 0xa101, 12 },
	{ "apex, TSIG", "example.test",
	  "\x02K1\x00\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x1d\x0bhmac-sha256\x00\x00\x00\x12\x34\x56\x78"
	  "\x01\x2c\x00\x00\x42\x42\x00\x00\x00\x00", 43, 1, 4, 0xa109, 12 + 43 },
	{ "in the zone, TSIG: not read", "www.example.test",
	  "\x02K1\x00\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x1d\x0bhmac-sha256\x00\x00\x00\x12\x34\x56\x78"
	  "\x01\x2c\x00\x00\x42\x42\x00\x00\x00\x00", 43, 1, 4, 0xa103, 12 },
	{ "query with a TSIG", "www.example.test",
	  "\x02K1\x00\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x1d\x0bhmac-sha256\x00\x00\x00\x12\x34\x56\x78"
	  "\x01\x2c\x00\x00\x42\x42\x00\x00\x00\x00", 43, 1, 0, 0x8109, 12 + 43 },
	{ "out-of-zone query with a TSIG", "www.outside.invalid",
	  "\x02K1\x00\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x1d\x0bhmac-sha256\x00\x00\x00\x12\x34\x56\x78"
	  "\x01\x2c\x00\x00\x42\x42\x00\x00\x00\x00", 43, 1, 0, 0x8109, 12 + 43 },
};

START_TEST(test_dns_notify)
{
	const struct notify_case *tc = &notify_cases[_i];
	struct xst_dns_stats st = { 0 };
	uint8_t q[512], *buf;
	size_t qlen = mkquery(q, tc->qname, XST_T_SOA, 1, 0, 0, 0), len;

	q[2] = (uint8_t)((q[2] & 0x87) | tc->opcode << 3);
	if (tc->extra) {
		memcpy(q + qlen, tc->extra, tc->extra_len);
		qlen += tc->extra_len;
		q[11] = (uint8_t)tc->nr_extra;
	}
	buf = guard_copy(q, qlen);
	ck_assert_ptr_nonnull(buf);
	len = ask(buf, qlen, qlen, 0, &st);
	ck_assert_msg(len == tc->len, "%s: %zu bytes, want %zu", tc->name, len, tc->len);
	ck_assert_msg(xst_get_be16(buf + 2) == tc->flags, "%s: flags %04x, want %04x", tc->name,
		      xst_get_be16(buf + 2), tc->flags);
	ck_assert_uint_eq(xst_get_be16(buf + 4), 0);	/* no question, as NSD's query_error() */
	ck_assert_uint_eq(xst_get_be16(buf + 10), len > 12);
	if (len > 12) {
		/* the TSIG of a BADKEY: key lower-cased, no MAC, error 17 */
		ck_assert(!memcmp(buf + 12, "\x02k1\x00\x00\xfa\x00\xff", 8));
		ck_assert_uint_eq(xst_get_be16(buf + len - 4), 17);
		ck_assert_uint_eq(st.notauth, 1);
	}
	ck_assert_uint_eq(st.answered, 1);
	ck_assert_uint_eq(st.refused + st.nxdomain + st.formerr + st.notauth, 1);
	guard_free(buf, qlen);
}
END_TEST

START_TEST(test_dns_badvers)
{
	struct xst_dns_stats st = { 0 };
	uint8_t buf[512];
	struct reply r;
	size_t len = mkquery(buf, "www.example.test", XST_T_A, 1, Q_EDNS | Q_DO, 1232, 1);

	len = ask(buf, len, sizeof(buf), 0, &st);
	parse_reply(buf, len, &r);
	ck_assert_int_eq(r.flags & 0xf, 0);
	ck_assert_int_eq(r.rcode, XST_RCODE_BADVERS);
	ck_assert_uint_eq(r.an + r.ns, 0);
	ck_assert_uint_eq(r.ar, 1);
	ck_assert_uint_eq(r.opt_version, 0);
	ck_assert_uint_eq(st.badvers, 1);
}
END_TEST

/* The additional section is cut RRset by RRset at 512 and kept whole over TCP. */
START_TEST(test_dns_additional_cut)
{
	struct xst_dns_stats st = { 0 };
	uint8_t udp[4096], tcp[4096];
	struct reply ru, rt;
	size_t lu = mkquery(udp, "many.example.test", XST_T_MX, 1, 0, 0, 0), lt;

	memcpy(tcp, udp, lu);
	lt = ask(tcp, lu, sizeof(tcp), 1, &st);
	lu = ask(udp, lu, sizeof(udp), 0, &st);
	ck_assert_uint_le(lu, 512);
	parse_reply(udp, lu, &ru);
	parse_reply(tcp, lt, &rt);
	ck_assert_uint_gt(lt, 512);
	ck_assert_uint_eq(rt.ar, 4 * 4 + 3);
	ck_assert_uint_lt(ru.ar, rt.ar);
	ck_assert_uint_eq(ru.ar % 4 == 3 || ru.ar % 4 == 0, 1);	/* whole RRsets only */
	ck_assert(!(ru.flags & XST_DNS_F_TC));
	ck_assert_uint_eq(st.truncated, 0);
}
END_TEST

/* A reply never exceeds cap: a small buffer truncates instead of overflowing. */
START_TEST(test_dns_small_cap)
{
	struct xst_dns_stats st = { 0 };
	uint8_t q[512];
	size_t qlen = mkquery(q, "www.example.test", XST_T_A, 1, 0, 0, 0), len;
	uint8_t *buf = guard_copy(q, qlen + 20);

	ck_assert_ptr_nonnull(buf);
	len = ask(buf, qlen, qlen + 20, 0, &st);
	ck_assert_uint_le(len, qlen + 20);
	ck_assert_uint_ge(len, qlen);
	ck_assert(xst_get_be16(buf + 2) & XST_DNS_F_TC);
	guard_free(buf, qlen + 20);
}
END_TEST

/* Every prefix of a valid query: dropped or a FORMERR reply, never a crash. */
START_TEST(test_dns_prefixes)
{
	struct xst_dns_stats st = { 0 };
	uint8_t q[512];
	size_t qlen = mkquery(q, "www.example.test", XST_T_A, 1, Q_EDNS, 1232, 0), n;

	for (n = 0; n < qlen; n++) {
		uint8_t *buf = guard_copy(q, n);
		size_t len;

		ck_assert_ptr_nonnull(buf);
		len = xst_dns_respond(db, buf, n, n, XST_DNS_UDP, &st);
		if (n < 12)
			ck_assert_uint_eq(len, 0);
		else
			ck_assert_msg(len == 12 && (xst_get_be16(buf + 2) & 0xf) == XST_RCODE_FORMERR,
				      "prefix %zu: len %zu", n, len);
		guard_free(buf, n);
	}
}
END_TEST

/* Random garbage and mutated queries: no crash, the reply fits in cap. */
START_TEST(test_dns_garbage)
{
	struct xst_dns_stats st = { 0 };
	uint8_t q[512];
	size_t qlen = mkquery(q, "x.wild.example.test", XST_T_MX, 1, Q_EDNS, 1232, 0);
	unsigned int seed = 12345, i, j;

	for (i = 0; i < 20000; i++) {
		uint8_t m[4096] = { 0 }, *buf;
		size_t n = i % 2 ? qlen : (size_t)rand_r(&seed) % 300, len, cap;

		if (i % 2) {
			memcpy(m, q, qlen);
			for (j = 0; j < 1 + (unsigned int)rand_r(&seed) % 4; j++)
				m[rand_r(&seed) % qlen] = (uint8_t)rand_r(&seed);
		} else {
			for (j = 0; j < n; j++)
				m[j] = (uint8_t)rand_r(&seed);
			if (n > 12)
				m[2] &= 0x7f;
		}
		cap = i % 3 ? n : 4096;
		buf = guard_copy(m, cap);
		ck_assert_ptr_nonnull(buf);
		run_ahead(buf, n);
		len = xst_dns_respond(db, buf, n, cap, i % 5 ? XST_DNS_UDP : XST_DNS_TCP, &st);
		ck_assert_uint_le(len, cap);
		guard_free(buf, cap);
	}
	ck_assert_uint_eq(st.queries, 20000);
}
END_TEST

/* The lookahead follows a query's lookup link by link, to the node the
 * responder will use, and drops out where it cannot follow. */
START_TEST(test_dns_ahead_follows)
{
	static const uint8_t want[] = "\003www\007example\004test";
	const struct xst_dns_node *n;
	struct xst_dns_ahead a;
	uint8_t q[512];
	size_t qlen;

	ck_assert_int_eq(xst_dns_db_ahead(db), 0);	/* a small zone: not worth it */

	qlen = mkquery(q, "wWw.ExAmple.TEST", XST_T_MX, 1, Q_EDNS, 1232, 0);
	xst_dns_ahead_start(db, &a, q, qlen);
	ck_assert_uint_eq(a.step, 1);
	ck_assert_uint_eq(a.qtype, XST_T_MX);
	ck_assert_uint_eq(a.hash, xst_name_hash(want, sizeof(want)));
	xst_dns_ahead_step(db, &a);
	ck_assert_uint_eq(a.step, 2);
	n = a.node;
	ck_assert_uint_eq(n->name_len, sizeof(want));
	ck_assert_mem_eq(db->names + n->name, want, sizeof(want));
	xst_dns_ahead_step(db, &a);
	ck_assert_uint_eq(a.step, 3);
	xst_dns_ahead_step(db, &a);
	ck_assert_uint_eq(a.step, 0);

	/* absent name: stops after the slot (or at a colliding node) */
	qlen = mkquery(q, "absent.example.test", XST_T_A, 1, 0, 0, 0);
	xst_dns_ahead_start(db, &a, q, qlen);
	ck_assert_uint_eq(a.step, 1);
	xst_dns_ahead_step(db, &a);
	if (a.step) {
		xst_dns_ahead_step(db, &a);
		ck_assert_uint_eq(a.step, 0);
	}

	/* out of every zone: the node of a name above the apexes is not ours */
	qlen = mkquery(q, "test", XST_T_A, 1, 0, 0, 0);
	xst_dns_ahead_start(db, &a, q, qlen);
	xst_dns_ahead_step(db, &a);
	if (a.step)
		xst_dns_ahead_step(db, &a);
	ck_assert_uint_eq(a.step, 0);

	/* a response (QR=1) and a compressed qname are not followed */
	qlen = mkquery(q, "www.example.test", XST_T_A, 1, 0, 0, 0);
	q[2] |= 0x80;
	xst_dns_ahead_start(db, &a, q, qlen);
	ck_assert_uint_eq(a.step, 0);
	memcpy(q + 12, "\003www\300\014", 6);
	q[2] &= 0x7f;
	xst_dns_ahead_start(db, &a, q, 22);
	ck_assert_uint_eq(a.step, 0);
}
END_TEST

/* Every prefix of a query: the lookahead reads nothing past it, and starts
 * only once the whole question is there. */
START_TEST(test_dns_ahead_prefixes)
{
	uint8_t q[512];
	size_t qlen = mkquery(q, "www.example.test", XST_T_A, 1, Q_EDNS, 1232, 0), n;
	size_t qend = 12 + 18 + 4;

	for (n = 0; n <= qlen; n++) {
		uint8_t *buf = guard_copy(q, n);
		struct xst_dns_ahead a;
		unsigned int i;

		ck_assert_ptr_nonnull(buf);
		xst_dns_ahead_start(db, &a, buf, n);
		ck_assert_msg(!!a.step == (n >= qend), "prefix %zu: step %u", n, a.step);
		for (i = 0; i < XST_DNS_AHEAD_STEPS; i++)
			xst_dns_ahead_step(db, &a);
		guard_free(buf, n);
	}
}
END_TEST

START_TEST(test_dns_dup_apex)
{
	struct xst_zone *two[2] = { zones[0], zones[0] };
	struct xst_zone_error err;
	struct xst_dns_db *d2 = NULL;
	size_t names, msgs, bytes;

	ck_assert_int_eq(xst_dns_db_create(&d2, two, 2, &err), -EINVAL);
	ck_assert_ptr_null(d2);
	ck_assert(strstr(err.reason, "example.test") != NULL);
	xst_dns_db_sizes(db, &names, &msgs, &bytes);
	ck_assert_uint_gt(names, 30);
	ck_assert_uint_gt(msgs, names);
	ck_assert_uint_gt(bytes, 1000);
}
END_TEST

/* ---- very large RRsets (issue 11 item 7) ---------------------------------------- */

static struct xst_zone *big_zone;
static struct xst_dns_db *big_db;

/* " \"...\"" strings of up to 255 characters, size bytes of TXT RDATA in all. */
static size_t put_txt(char *o, size_t size, char tag)
{
	size_t w = 0;

	while (size) {
		size_t n = size - 1 < 255 ? size - 1 : 255;

		o[w++] = ' ';
		o[w++] = '"';
		memset(o + w, tag, n);
		w += n;
		o[w++] = '"';
		size -= n + 1;
	}
	return w;
}

static void big_setup(void)
{
	struct xst_zone_error err;
	size_t cap = 400000, o;
	char *t = malloc(cap);

	ck_assert_ptr_nonnull(t);
	o = (size_t)snprintf(t, cap, "$ORIGIN big.test.\n$TTL 3600\n"
			     "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\n"
			     "ns1 A 192.0.2.1\nns2 A 192.0.2.2\ntxt TXT");
	o += put_txt(t + o, 65280, 'm');	/* the largest TXT: 255 strings of 255 */
	o += (size_t)snprintf(t + o, cap - o, "\ntwo TXT");
	o += put_txt(t + o, 40000, 'a');
	o += (size_t)snprintf(t + o, cap - o, "\ntwo TXT");
	o += put_txt(t + o, 40000, 'b');	/* 80 kB: never whole */
	o += (size_t)snprintf(t + o, cap - o, "\nnsfit TXT");
	o += put_txt(t + o, 65490, 'n');	/* fits, the apex NS after it does not */
	o += (size_t)snprintf(t + o, cap - o, "\n*.wild TXT");
	o += put_txt(t + o, 65200, 'w');
	o += (size_t)snprintf(t + o, cap - o, "\n");
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

static const struct big_case {
	const char *name;
	const char *qname;
	int flags;		/* Q_TCP, Q_EDNS */
	uint16_t payload;
	size_t cap;		/* 0: 65535 */
	int tc, an, ns, ar;
	size_t len;		/* 0: not checked */
} big_cases[] = {
	/* Sizes and sections as NSD 4.6.1 sends them for this zone: TC over
	 * UDP, the whole answer over TCP (65398 bytes without EDNS, 65409 with),
	 * TC over TCP only for the RRset that fits in no message. */
	{ "65280-byte TXT over UDP: TC", "txt.big.test", 0, 0, 0, 1, 0, 0, 0, 30 },
	{ "65280-byte TXT over UDP, EDNS 4096: TC", "txt.big.test", Q_EDNS, 4096, 0, 1, 0, 0, 1, 41 },
	{ "65280-byte TXT over TCP: whole", "txt.big.test", Q_TCP, 0, 0, 0, 1, 2, 2, 65398 },
	{ "65280-byte TXT over TCP with EDNS: whole", "txt.big.test", Q_TCP | Q_EDNS, 1232, 0, 0, 1, 2,
	  3, 65409 },
	{ "65280-byte TXT over TCP, 64000 bytes of room: TC", "txt.big.test", Q_TCP, 0, 64000, 1, 0, 0,
	  0, 30 },
	{ "80 kB RRset over TCP: TC, never cut", "two.big.test", Q_TCP, 0, 0, 1, 0, 0, 0, 30 },
	{ "80 kB RRset over UDP: TC", "two.big.test", Q_EDNS, 1232, 0, 1, 0, 0, 1, 41 },
	{ "answer fits, the apex NS does not: dropped, no TC", "nsfit.big.test", Q_TCP, 0, 0, 0, 1, 0,
	  0, 65534 },
	{ "wildcard, short qname over TCP", "a.wild.big.test", Q_TCP, 0, 0, 0, 1, 2, 2, 65321 },
	{ "wildcard, long qname over TCP: pointers moved, still whole",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.wild.big.test", Q_TCP, 0, 0,
	  0, 1, 2, 2, 65447 },
};

START_TEST(test_dns_big)
{
	const struct big_case *tc = &big_cases[_i];
	size_t cap = tc->cap ? tc->cap : 65535, qlen, len;
	struct xst_dns_stats st = { 0 };
	uint8_t q[512], *buf;
	struct reply *r = malloc(sizeof(*r));

	ck_assert_ptr_nonnull(r);
	qlen = mkquery(q, tc->qname, XST_T_TXT, 1, tc->flags | Q_NORD, tc->payload, 0);
	buf = guard_copy(q, qlen);
	ck_assert_ptr_nonnull(buf);
	guard_free(buf, qlen);
	buf = malloc(cap + 4096);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, q, qlen);
	memset(buf + cap, 0x5a, 4096);	/* nothing past cap is written */
	len = xst_dns_respond(big_db, buf, qlen, cap, tc->flags & Q_TCP ? XST_DNS_TCP : XST_DNS_UDP,
			      &st);
	ck_assert_msg(len > 0 && len <= cap, "%s: %zu bytes", tc->name, len);
	for (size_t i = cap; i < cap + 4096; i++)
		ck_assert_uint_eq(buf[i], 0x5a);
	parse_reply(buf, len, r);
	ck_assert_msg(!!(r->flags & XST_DNS_F_TC) == tc->tc, "%s: TC %d", tc->name, !tc->tc);
	ck_assert_int_eq(r->rcode, 0);
	ck_assert(r->flags & XST_DNS_F_AA);
	ck_assert_msg(r->an == tc->an, "%s: an %u", tc->name, r->an);
	if (tc->ns >= 0)
		ck_assert_msg(r->ns == tc->ns, "%s: ns %u", tc->name, r->ns);
	if (tc->ar >= 0)
		ck_assert_msg(r->ar == tc->ar, "%s: ar %u", tc->name, r->ar);
	if (tc->len)
		ck_assert_msg(len == tc->len, "%s: %zu bytes, want %zu", tc->name, len, tc->len);
	/* An answer is whole or truncated with TC=1, never silently empty. */
	ck_assert_msg(r->an || tc->tc, "%s: empty answer without TC", tc->name);
	if (r->an) {
		const struct xst_rr *want = NULL;
		size_t i;

		ck_assert_uint_eq(r->rr[0].type, XST_T_TXT);
		for (i = 0; i < big_zone->nr_rrs; i++)
			if (big_zone->rrs[i].type == XST_T_TXT && big_zone->rrs[i].rdlen == r->rr[0].rdlen)
				want = &big_zone->rrs[i];
		ck_assert_ptr_nonnull(want);
		ck_assert(!memcmp(r->rr[0].rdata, want->rdata, want->rdlen));
	}
	ck_assert_uint_eq(st.truncated, (uint64_t)tc->tc);
	free(buf);
	free(r);
}
END_TEST

/* What --check can tell the operator about these answers. */
START_TEST(test_dns_big_report)
{
	struct xst_dns_db_big big;

	xst_dns_db_big(big_db, &big);
	ck_assert_uint_ge(big.udp, 4);	/* txt, two, nsfit, *.wild: TXT (and ANY) */
	ck_assert_uint_ge(big.tcp, 1);	/* two: TXT (and ANY) */
	ck_assert_uint_le(big.tcp, 2);
	ck_assert_ptr_nonnull(strstr(big.tcp_example, "two.big.test. TXT"));
	ck_assert_ptr_nonnull(strstr(big.udp_example, " TXT"));
	xst_dns_db_big(db, &big);	/* the small zones: nothing */
	ck_assert_uint_eq(big.udp, 0);
	ck_assert_uint_eq(big.tcp, 0);
	ck_assert_str_eq(big.udp_example, "");
}
END_TEST

Suite *dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("respond");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_dns_cases, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, test_dns_referral_glue);
	tcase_add_test(tc, test_dns_errors);
	tcase_add_loop_test(tc, test_dns_notify, 0, ARRAY_SIZE(notify_cases));
	tcase_add_test(tc, test_dns_badvers);
	tcase_add_test(tc, test_dns_additional_cut);
	tcase_add_test(tc, test_dns_small_cap);
	tcase_add_test(tc, test_dns_prefixes);
	tcase_add_test(tc, test_dns_garbage);
	tcase_add_test(tc, test_dns_ahead_follows);
	tcase_add_test(tc, test_dns_ahead_prefixes);
	tcase_add_test(tc, test_dns_dup_apex);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("big");
	tcase_add_checked_fixture(tc, big_setup, big_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_dns_big, 0, ARRAY_SIZE(big_cases));
	tcase_add_test(tc, test_dns_big_report);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
