// SPDX-License-Identifier: GPL-2.0
/*
 * The per-frame service path: crafted DNS query frames (IPv4, IPv6, VLAN,
 * QinQ, IPv4 options) through xst_service_frame() with a db built from a
 * small zone; the reply frame is checked field by field with independently
 * computed checksums. Malformed and foreign frames are dropped and counted.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/guard.h"
#include "../lib/ref_csum.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "svc/dns_udp.h"

static const char ZONE[] =
	"$ORIGIN example.test.\n"
	"$TTL 300\n"
	"@	IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
	"@	IN NS ns1\n"
	"ns1	IN A 192.0.2.53\n"
	"www	IN A 192.0.2.1\n"
	"www	IN AAAA 2001:db8::1\n";

static struct xst_dns_db *db;
static struct xst_zone *zone;

static void setup(void)
{
	struct xst_zone_error err;
	struct xst_zone *zs[1];

	memset(&err, 0, sizeof(err));
	ck_assert_msg(xst_zone_parse_string(&zone, ZONE, "test.zone", NULL, &err) == 0,
		      "%s:%u: %s", err.file, err.line, err.reason);
	zs[0] = zone;
	ck_assert_int_eq(xst_dns_db_create(&db, zs, 1, &err), 0);
}

static void teardown(void)
{
	xst_dns_db_destroy(db);
	xst_zone_destroy(zone);
	db = NULL;
	zone = NULL;
}

/* ---- reference helpers (independent of user/net) ----------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static const uint8_t MAC_C[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };	/* client */
static const uint8_t MAC_S[6] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };	/* server */
static const uint8_t IP4_C[4] = { 198, 18, 0, 2 };
static const uint8_t IP4_S[4] = { 198, 18, 0, 1 };
static const uint8_t IP6_C[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 2 };
static const uint8_t IP6_S[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 1 };

struct q {
	int v6;
	int vlans;
	int optlen;		/* IPv4 options */
	uint16_t qtype;
	uint16_t id;
	const char *qname;	/* dotted, no trailing dot */
	uint16_t dport;
	uint8_t proto;
};

static uint32_t dns_query(uint8_t *m, const struct q *q)
{
	uint32_t n = 12;
	const char *s = q->qname;

	memset(m, 0, 12);
	put16(m, q->id);
	m[2] = 0x01;		/* RD */
	put16(m + 4, 1);
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		m[n++] = (uint8_t)l;
		memcpy(m + n, s, l);
		n += (uint32_t)l;
		s += l + (dot ? 1 : 0);
	}
	m[n++] = 0;
	put16(m + n, q->qtype);
	put16(m + n + 2, 1);
	return n + 4;
}

/* client -> server query frame; *dns_off gets the DNS message offset */
static uint32_t build(uint8_t *f, const struct q *q, uint32_t *dns_off)
{
	uint32_t off = 12, dlen, ulen;
	uint8_t *ip, *udp;
	int i, hl;

	memcpy(f, MAC_S, 6);
	memcpy(f + 6, MAC_C, 6);
	for (i = 0; i < q->vlans; i++) {
		put16(f + off, i == 0 && q->vlans > 1 ? 0x88a8 : 0x8100);
		put16(f + off + 2, (uint16_t)(10 + i));
		off += 4;
	}
	put16(f + off, q->v6 ? 0x86dd : 0x0800);
	ip = f + off + 2;
	hl = q->v6 ? 40 : 20 + q->optlen;
	udp = ip + hl;
	dlen = dns_query(udp + 8, q);
	ulen = 8 + dlen;
	memset(ip, 0, (size_t)hl);
	if (q->v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)ulen);
		ip[6] = q->proto ? q->proto : 17;
		ip[7] = 64;
		memcpy(ip + 8, IP6_C, 16);
		memcpy(ip + 24, IP6_S, 16);
	} else {
		ip[0] = (uint8_t)(0x40 | hl / 4);
		put16(ip + 2, (uint16_t)(hl + ulen));
		put16(ip + 4, 0xbeef);
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = q->proto ? q->proto : 17;
		memcpy(ip + 12, IP4_C, 4);
		memcpy(ip + 16, IP4_S, 4);
		memset(ip + 20, 1, (size_t)q->optlen);	/* NOPs */
		put16(ip + 10, (uint16_t)~ref_csum_sum(ip, (size_t)hl, 0));
	}
	put16(udp, 33333);
	put16(udp + 2, q->dport ? q->dport : 53);
	put16(udp + 4, (uint16_t)ulen);
	/* what a CHECKSUM_PARTIAL sender leaves: pseudo-header sum only (must not matter) */
	put16(udp + 6, 0x1234);
	*dns_off = (uint32_t)(udp + 8 - f);
	return *dns_off + dlen;
}

static const struct q good[] = {
	{ .v6 = 0, .qtype = 1, .id = 0x1111, .qname = "www.example.test" },
	{ .v6 = 1, .qtype = 1, .id = 0x2222, .qname = "www.example.test" },
	{ .v6 = 0, .vlans = 1, .qtype = 1, .id = 0x3333, .qname = "WwW.example.TEST" },
	{ .v6 = 1, .vlans = 1, .qtype = 1, .id = 0x4444, .qname = "www.example.test" },
	{ .v6 = 0, .vlans = 2, .qtype = 1, .id = 0x5555, .qname = "www.example.test" },
	{ .v6 = 1, .vlans = 2, .qtype = 1, .id = 0x6666, .qname = "www.example.test" },
	{ .v6 = 0, .optlen = 12, .qtype = 1, .id = 0x7777, .qname = "www.example.test" },
};

static void check_stats(const struct xst_service_stats *st)
{
	ck_assert_uint_eq(st->rx_frames, st->tx_frames + st->dropped_malformed + st->dropped_other);
	ck_assert_uint_eq(st->dropped_other,
			  st->dropped_unsupported + st->dropped_fragment +
				  st->dropped_not_unicast + st->dropped_proto +
				  st->dropped_port + st->dropped_dns);
}

START_TEST(test_answer)
{
	const struct q *q = &good[_i];
	struct xst_service_stats st;
	uint8_t f[4096], query[512];
	uint32_t len, rlen, doff, qlen, l2, ulen, i;
	const uint8_t *ip, *udp, *dns;
	uint8_t ph[40];
	uint32_t psum;
	static const uint8_t a_rdata[] = { 0, 4, 192, 0, 2, 1 };	/* RDLENGTH 4, 192.0.2.1 */
	int found = 0;

	memset(&st, 0, sizeof(st));
	len = build(f, q, &doff);
	memcpy(query, f, len);
	qlen = len - doff;
	rlen = xst_service_frame(db, f, len, sizeof(f), &st);
	ck_assert_uint_gt(rlen, 0);
	ck_assert_uint_eq(st.rx_frames, 1);
	ck_assert_uint_eq(st.tx_frames, 1);
	ck_assert_uint_eq(st.dns.answered, 1);
	check_stats(&st);

	/* Ethernet: MACs swapped, tags kept */
	ck_assert_mem_eq(f, MAC_C, 6);
	ck_assert_mem_eq(f + 6, MAC_S, 6);
	l2 = 12 + 4 * (uint32_t)q->vlans;
	ck_assert_mem_eq(f + 12, query + 12, l2 + 2 - 12);
	ip = f + l2 + 2;
	if (q->v6) {
		ck_assert_uint_eq(ip[0] >> 4, 6);
		ck_assert_mem_eq(ip + 8, IP6_S, 16);
		ck_assert_mem_eq(ip + 24, IP6_C, 16);
		ck_assert_uint_eq(ip[6], 17);
		ck_assert_uint_gt(ip[7], 0);
		udp = ip + 40;
		ulen = get16(ip + 4);
		memcpy(ph, ip + 8, 32);
		memset(ph + 32, 0, 8);
		put16(ph + 34, (uint16_t)ulen);
		ph[39] = 17;
		psum = ref_csum_sum(ph, 40, 0);
	} else {
		uint32_t hl = (ip[0] & 15) * 4u;

		ck_assert_uint_eq(ip[0] >> 4, 4);
		ck_assert_mem_eq(ip + 12, IP4_S, 4);
		ck_assert_mem_eq(ip + 16, IP4_C, 4);
		ck_assert_uint_eq(ip[9], 17);
		ck_assert_uint_gt(ip[8], 0);
		ck_assert_uint_eq(get16(ip + 6) & 0x3fff, 0);	/* not a fragment */
		ck_assert_uint_eq(ref_csum_sum(ip, hl, 0), 0xffff);	/* header checksum */
		udp = ip + hl;
		ulen = get16(ip + 2) - hl;
		ck_assert_uint_eq(get16(udp + 4), ulen);
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		put16(ph + 10, (uint16_t)ulen);
		psum = ref_csum_sum(ph, 12, 0);
	}
	ck_assert_uint_eq(get16(udp), 53);
	ck_assert_uint_eq(get16(udp + 2), 33333);
	ck_assert_uint_eq(get16(udp + 4), ulen);
	ck_assert_uint_eq(rlen, (uint32_t)(udp - f) + ulen);
	ck_assert_uint_ne(get16(udp + 6), 0);
	ck_assert_uint_eq(ref_csum_sum(udp, ulen, psum), 0xffff);	/* UDP checksum verifies */

	/* DNS: same id, a response, NOERROR, the question echoed, an answer with the A rdata */
	dns = udp + 8;
	ck_assert_uint_eq(get16(dns), q->id);
	ck_assert_uint_eq(dns[2] & 0x80, 0x80);
	ck_assert_uint_eq(dns[3] & 0x0f, 0);
	ck_assert_uint_eq(get16(dns + 4), 1);
	ck_assert_uint_ge(get16(dns + 6), 1);
	ck_assert_mem_eq(dns + 12, query + doff + 12, qlen - 12);	/* 0x20 case kept */
	for (i = qlen; i + sizeof(a_rdata) <= ulen - 8; i++)
		if (!memcmp(dns + i, a_rdata, sizeof(a_rdata)))
			found = 1;
	ck_assert_msg(found, "no A 192.0.2.1 in the answer");
}
END_TEST

enum bad {
	B_PORT, B_TCP, B_ICMP, B_FRAG, B_MF6, B_THREE_TAGS, B_MCAST, B_QR, B_SHORT_DNS,
	B_TOTLEN, B_ULEN, B_ARP, B_CAP, B_MAX
};

START_TEST(test_drop)
{
	struct q q = { .v6 = _i == B_MF6, .qtype = 1, .id = 9, .qname = "www.example.test" };
	struct xst_service_stats st;
	uint8_t f[4096];
	uint32_t len, doff, cap = sizeof(f);
	uint64_t *want;
	uint8_t *ip;

	memset(&st, 0, sizeof(st));
	if (_i == B_PORT)
		q.dport = 5353;
	if (_i == B_TCP)
		q.proto = 6;
	if (_i == B_ICMP)
		q.proto = 1;
	if (_i == B_THREE_TAGS)
		q.vlans = 3;
	len = build(f, &q, &doff);
	ip = f + 14 + 4 * q.vlans;
	switch (_i) {
	case B_PORT: want = &st.dropped_port; break;
	case B_TCP: want = &st.dropped_proto; break;
	case B_ICMP: want = &st.dropped_proto; break;
	case B_FRAG: put16(ip + 6, 0x2000); want = &st.dropped_fragment; break;
	case B_MF6: ip[6] = 44; want = &st.dropped_fragment; break;
	case B_THREE_TAGS: want = &st.dropped_unsupported; break;
	case B_MCAST: ip[16] = 239; want = &st.dropped_not_unicast; break;
	case B_QR: f[doff + 2] |= 0x80; want = &st.dropped_dns; break;
	case B_SHORT_DNS:	/* 11-byte DNS message, lengths consistent */
		put16(ip + 2, 20 + 8 + 11);
		put16(ip + 20 + 4, 8 + 11);
		len = doff + 11;
		want = &st.dropped_dns;
		break;
	case B_TOTLEN: put16(ip + 2, (uint16_t)(get16(ip + 2) + 1)); want = &st.dropped_malformed; break;
	case B_ULEN: put16(ip + 24, (uint16_t)(get16(ip + 24) + 1)); want = &st.dropped_malformed; break;
	case B_ARP: put16(f + 12, 0x0806); want = &st.dropped_unsupported; break;
	case B_CAP: cap = len - 1; want = &st.dropped_malformed; break;
	default: ck_abort(); return;
	}
	ck_assert_uint_eq(xst_service_frame(db, f, len, cap, &st), 0);
	ck_assert_uint_eq(st.rx_frames, 1);
	ck_assert_uint_eq(st.tx_frames, 0);
	ck_assert_msg(*want == 1, "case %d: not counted where expected", _i);
	check_stats(&st);
	if (_i == B_QR)
		ck_assert_uint_eq(st.dns.dropped_qr, 1);
}
END_TEST

START_TEST(test_truncated)
{
	const struct q *q = &good[_i];
	struct xst_service_stats st;
	uint8_t f[4096];
	uint32_t len, doff, cut;

	memset(&st, 0, sizeof(st));
	len = build(f, q, &doff);
	for (cut = 0; cut < len; cut++) {
		uint8_t *g = guard_copy(f, cut);

		ck_assert_ptr_nonnull(g);
		ck_assert_uint_eq(xst_service_frame(db, g, cut, cut, &st), 0);
		guard_free(g, cut);
	}
	ck_assert_uint_eq(st.rx_frames, len);
	ck_assert_uint_eq(st.dropped_malformed, len);
	check_stats(&st);
}
END_TEST

START_TEST(test_many)
{
	/* the same buffer reused, as a worker does: every reply must verify */
	struct xst_service_stats st;
	uint8_t f[2048];
	uint32_t doff, n;

	memset(&st, 0, sizeof(st));
	for (n = 0; n < 1000; n++) {
		struct q q = good[n % (sizeof(good) / sizeof(good[0]))];
		uint32_t len;

		q.id = (uint16_t)(n * 7919);
		len = build(f, &q, &doff);
		ck_assert_uint_gt(xst_service_frame(db, f, len, sizeof(f), &st), 0);
		ck_assert_uint_eq(get16(f + doff - (q.optlen ? (uint32_t)q.optlen : 0)), q.id);
	}
	ck_assert_uint_eq(st.tx_frames, 1000);
	check_stats(&st);
}
END_TEST

Suite *service_suite(void)
{
	Suite *s = suite_create("service");
	TCase *tc = tcase_create("frames");
	int ngood = (int)(sizeof(good) / sizeof(good[0]));

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_answer, 0, ngood);
	tcase_add_loop_test(tc, test_drop, 0, B_MAX);
	tcase_add_loop_test(tc, test_truncated, 0, ngood);
	tcase_add_test(tc, test_many);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
