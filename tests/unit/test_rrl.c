// SPDX-License-Identifier: GPL-2.0
/*
 * Response Rate Limiting (user/filter/rrl.c) in simulated time: BIND's
 * accounting to the response (rate, window, recovery), slip ratios, keys
 * per class, prefix folding for IPv4 and IPv6, the table's replacement of
 * its least recently used entry, and the configuration's limits.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "core/clock.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "dnsmsg/msg.h"
#include "dnsmsg/name.h"
#include "filter/rrl.h"

#define S(x) ((uint64_t)(x) * XST_NS_PER_SEC)

static const uint8_t v4a[4] = { 192, 0, 2, 1 };

static struct xst_rrl *make(uint32_t rate, uint32_t window, uint32_t slip, uint32_t entries)
{
	struct xst_rrl_cfg cfg;
	struct xst_rrl *r = NULL;
	const char *err;

	xst_rrl_cfg_default(&cfg);
	cfg.responses_per_sec = cfg.nxdomains_per_sec = cfg.errors_per_sec = rate;
	cfg.window = window;
	cfg.slip = slip;
	if (entries)
		cfg.entries = entries;
	ck_assert_int_eq(xst_rrl_create(&r, &cfg, &err), 0);
	return r;
}

/* n answers for (name 1, A) from ip at time t: how many were sent. */
static unsigned int burst(struct xst_rrl *r, const uint8_t *ip, size_t ip_len, unsigned int n,
			  uint64_t t)
{
	unsigned int sent = 0, i;

	for (i = 0; i < n; i++)
		sent += xst_rrl_account(r, XST_RRL_ANSWER, ip, ip_len, 1, 1, t) == XST_RRL_SEND;
	return sent;
}

START_TEST(rate_exact)
{
	struct xst_rrl *r = make(5, 15, 0, 0);
	unsigned int s;

	/* At the rate: every second's 5 go, for a minute. */
	for (s = 0; s < 60; s++)
		ck_assert_uint_eq(burst(r, v4a, 4, 5, S(s) + s * 1000), 5);
	ck_assert_uint_eq(xst_rrl_stats(r)->limited[XST_RRL_ANSWER], 0);
	/* One more in a second: limited responses cost too (BIND), so the
	 * second after gets one fewer, and so on down. */
	ck_assert_uint_eq(burst(r, v4a, 4, 6, S(60)), 5);
	ck_assert_uint_eq(burst(r, v4a, 4, 6, S(61)), 4);
	ck_assert_uint_eq(burst(r, v4a, 4, 6, S(62)), 3);
	ck_assert_uint_eq(xst_rrl_stats(r)->limited[XST_RRL_ANSWER], 1 + 2 + 3);
	ck_assert_uint_eq(xst_rrl_stats(r)->dropped, 6);
	xst_rrl_destroy(r);
}
END_TEST

START_TEST(window_recovery)
{
	struct xst_rrl *r = make(5, 15, 0, 0);
	unsigned int s;

	/* A flood of 100/s for 20 s: 5 answers in its first second, then none
	 * (the balance sinks to -window * rate = -75 and stays there). */
	ck_assert_uint_eq(burst(r, v4a, 4, 100, S(0)), 5);
	for (s = 1; s < 20; s++)
		ck_assert_uint_eq(burst(r, v4a, 4, 100, S(s)), 0);
	/* Then quiet: 15 s of credit bring -75 to 0: still limited. */
	ck_assert_uint_eq(burst(r, v4a, 4, 1, S(19 + 15)), 0);
	/* That response took it to -1; a second more, +5: 4 go. */
	ck_assert_uint_eq(burst(r, v4a, 4, 5, S(19 + 16)), 4);
	/* A long silence credits at most rate (a burst of 5 again, not more). */
	ck_assert_uint_eq(burst(r, v4a, 4, 10, S(100000)), 5);
	xst_rrl_destroy(r);
}
END_TEST

static void slip_pattern(uint32_t slip, const char *want)
{
	struct xst_rrl *r = make(1, 1, slip, 0);
	size_t i, n = strlen(want);
	char got[32];

	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_ANSWER, v4a, 4, 1, 1, S(1)), XST_RRL_SEND);
	for (i = 0; i < n; i++) {
		enum xst_rrl_verdict v = xst_rrl_account(r, XST_RRL_ANSWER, v4a, 4, 1, 1, S(1));

		got[i] = v == XST_RRL_SEND ? 'S' : v == XST_RRL_SLIP ? 'T' : 'D';
	}
	got[n] = 0;
	ck_assert_msg(!strcmp(got, want), "slip %u: %s, want %s", slip, got, want);
	ck_assert_uint_eq(xst_rrl_stats(r)->slipped + xst_rrl_stats(r)->dropped, n);
	xst_rrl_destroy(r);
}

START_TEST(slip_ratios)
{
	slip_pattern(0, "DDDDDD");
	slip_pattern(1, "TTTTTT");
	slip_pattern(2, "DTDTDT");	/* every other limited response as TC=1 */
	slip_pattern(3, "DDTDDT");
}
END_TEST

START_TEST(classes_and_keys)
{
	struct xst_rrl *r = make(2, 5, 0, 0);
	const uint64_t t = S(7);

	/* (name 1, A) used up... */
	ck_assert_uint_eq(burst(r, v4a, 4, 3, t), 2);
	/* ... another name, or another type of it, have their own. */
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_ANSWER, v4a, 4, 2, 1, t), XST_RRL_SEND);
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_ANSWER, v4a, 4, 1, 28, t), XST_RRL_SEND);
	/* NODATA counts by name, whatever the type: 2 go, the third type is limited. */
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_NODATA, v4a, 4, 1, 1, t), XST_RRL_SEND);
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_NODATA, v4a, 4, 1, 2, t), XST_RRL_SEND);
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_NODATA, v4a, 4, 1, 3, t), XST_RRL_DROP);
	/* NXDOMAIN by zone: random names of one zone share the key (the caller
	 * passes the apex's hash); another zone does not. */
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_NXDOMAIN, v4a, 4, 77, 1, t), XST_RRL_SEND);
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_NXDOMAIN, v4a, 4, 77, 16, t), XST_RRL_SEND);
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_NXDOMAIN, v4a, 4, 77, 1, t), XST_RRL_DROP);
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_NXDOMAIN, v4a, 4, 78, 1, t), XST_RRL_SEND);
	/* ERROR by prefix alone. */
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_ERROR, v4a, 4, 5, 1, t), XST_RRL_SEND);
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_ERROR, v4a, 4, 6, 2, t), XST_RRL_SEND);
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_ERROR, v4a, 4, 7, 3, t), XST_RRL_DROP);
	/* REFERRAL apart from ANSWER for the same name hash. */
	ck_assert_int_eq(xst_rrl_account(r, XST_RRL_REFERRAL, v4a, 4, 1, 1, t), XST_RRL_SEND);
	ck_assert_uint_eq(xst_rrl_stats(r)->limited[XST_RRL_ANSWER], 1);
	ck_assert_uint_eq(xst_rrl_stats(r)->limited[XST_RRL_NODATA], 1);
	ck_assert_uint_eq(xst_rrl_stats(r)->limited[XST_RRL_NXDOMAIN], 1);
	ck_assert_uint_eq(xst_rrl_stats(r)->limited[XST_RRL_ERROR], 1);
	ck_assert_uint_eq(xst_rrl_stats(r)->limited[XST_RRL_REFERRAL], 0);
	ck_assert_str_eq(xst_rrl_class_name(XST_RRL_NXDOMAIN), "nxdomain");
	xst_rrl_destroy(r);
}
END_TEST

START_TEST(prefix_folding)
{
	static const uint8_t same4[4] = { 192, 0, 2, 200 }, other4[4] = { 192, 0, 3, 1 };
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x01, [15] = 1 };
	static const uint8_t same6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0xff, [8] = 9 };
	static const uint8_t other6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x01, 0x01 };
	struct xst_rrl_cfg cfg;
	struct xst_rrl *r = make(1, 5, 0, 0);
	const char *err;

	/* IPv4 /24: .1 uses it up for .200; 192.0.3.1 is another prefix. */
	ck_assert_uint_eq(burst(r, v4a, 4, 1, S(1)), 1);
	ck_assert_uint_eq(burst(r, same4, 4, 1, S(1)), 0);
	ck_assert_uint_eq(burst(r, other4, 4, 1, S(1)), 1);
	/* IPv6 /56: the 8th byte is inside the prefix's host part, the 7th not. */
	ck_assert_uint_eq(burst(r, a6, 16, 1, S(1)), 1);
	ck_assert_uint_eq(burst(r, same6, 16, 1, S(1)), 0);
	ck_assert_uint_eq(burst(r, other6, 16, 1, S(1)), 1);
	/* The IPv4 address's bytes as the start of an IPv6 one: another family. */
	{
		uint8_t mapped[16] = { 192, 0, 2, 1 };

		ck_assert_uint_eq(burst(r, mapped, 16, 1, S(1)), 1);
	}
	xst_rrl_destroy(r);

	/* /20 and /64. */
	xst_rrl_cfg_default(&cfg);
	cfg.responses_per_sec = 1;
	cfg.ipv4_prefix = 20;
	cfg.ipv6_prefix = 64;
	ck_assert_int_eq(xst_rrl_create(&r, &cfg, &err), 0);
	ck_assert_uint_eq(burst(r, (const uint8_t[]){ 10, 1, 16, 1 }, 4, 1, S(1)), 1);
	ck_assert_uint_eq(burst(r, (const uint8_t[]){ 10, 1, 31, 9 }, 4, 1, S(1)), 0);
	ck_assert_uint_eq(burst(r, (const uint8_t[]){ 10, 1, 32, 1 }, 4, 1, S(1)), 1);
	ck_assert_uint_eq(burst(r, a6, 16, 1, S(1)), 1);
	ck_assert_uint_eq(burst(r, same6, 16, 1, S(1)), 1);	/* byte 7 differs: /64 apart */
	xst_rrl_destroy(r);
}
END_TEST

/* One answer for name n from v4a at second s. */
static enum xst_rrl_verdict one(struct xst_rrl *r, uint32_t n, uint32_t s)
{
	return xst_rrl_account(r, XST_RRL_ANSWER, v4a, 4, n, 1, S(s));
}

START_TEST(table_full)
{
	/* 4 entries: one set, so every key meets every other. */
	struct xst_rrl *r = make(1, 10, 0, 4);
	uint32_t n;

	ck_assert_int_eq(one(r, 1, 0), XST_RRL_SEND);
	for (n = 0; n < 30; n++)	/* name 1 flooded: balance at -window * rate */
		ck_assert_int_eq(one(r, 1, 0), XST_RRL_DROP);
	for (n = 2; n <= 4; n++)
		ck_assert_int_eq(one(r, n, 1), XST_RRL_SEND);
	ck_assert_uint_eq(xst_rrl_stats(r)->evicted, 0);
	ck_assert_int_eq(one(r, 1, 2), XST_RRL_DROP);	/* still limited, and now the newest */
	/* A fifth key replaces the least recently updated one (name 2), not 1. */
	ck_assert_int_eq(one(r, 5, 3), XST_RRL_SEND);
	ck_assert_uint_eq(xst_rrl_stats(r)->evicted, 1);
	ck_assert_int_eq(one(r, 1, 3), XST_RRL_DROP);
	/* Name 2 comes back fresh (its entry was gone), replacing name 3. */
	ck_assert_int_eq(one(r, 2, 3), XST_RRL_SEND);
	ck_assert_int_eq(one(r, 2, 3), XST_RRL_DROP);
	ck_assert_uint_eq(xst_rrl_stats(r)->evicted, 2);
	/* A flood of new keys churns the table; every new key gets its credit. */
	for (n = 100; n < 200; n++)
		ck_assert_int_eq(one(r, n, 4), XST_RRL_SEND);
	ck_assert_uint_eq(xst_rrl_stats(r)->evicted, 102);
	xst_rrl_destroy(r);

	/* A larger table keeps many keys apart: 1000 names in 4096 entries.
	 * Sets overflow by chance (1000 keys over 1024 sets of 4, about 4
	 * expected); the keys that lost their entry start afresh, and each
	 * one's return pushes out another of its full set. */
	r = make(1, 10, 0, 4096);
	for (n = 0; n < 1000; n++)
		ck_assert_int_eq(one(r, n, 1), XST_RRL_SEND);
	ck_assert_uint_le(xst_rrl_stats(r)->evicted, 30);
	{
		unsigned int sent = 0;

		for (n = 0; n < 1000; n++)
			sent += one(r, n, 1) == XST_RRL_SEND;
		ck_assert_uint_le(sent, 100);
	}
	xst_rrl_destroy(r);
}
END_TEST

START_TEST(zero_rate_and_cfg)
{
	struct xst_rrl_cfg cfg;
	struct xst_rrl *r;
	const char *err;

	xst_rrl_cfg_default(&cfg);
	ck_assert_uint_eq(cfg.responses_per_sec, 200);
	ck_assert_uint_eq(cfg.slip, 2);
	ck_assert_uint_eq(cfg.window, 15);
	cfg.nxdomains_per_sec = 0;	/* NXDOMAIN unlimited, answers limited */
	cfg.responses_per_sec = 1;
	ck_assert_int_eq(xst_rrl_create(&r, &cfg, &err), 0);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(xst_rrl_account(r, XST_RRL_NXDOMAIN, v4a, 4, 1, 1, 0), XST_RRL_SEND);
	ck_assert_int_eq(one(r, 1, 0), XST_RRL_SEND);
	ck_assert_int_ne(one(r, 1, 0), XST_RRL_SEND);
	xst_rrl_destroy(r);

#define BAD(field, val, text) do {					\
		xst_rrl_cfg_default(&cfg);				\
		cfg.field = (val);					\
		ck_assert_int_eq(xst_rrl_create(&r, &cfg, &err), -EINVAL);	\
		ck_assert_ptr_nonnull(strstr(err, text));		\
	} while (0)
	BAD(window, 0, "window");
	BAD(window, 3601, "window");
	BAD(slip, 11, "slip");
	BAD(ipv4_prefix, 33, "IPv4");
	BAD(ipv4_prefix, 0, "IPv4");
	BAD(ipv6_prefix, 129, "IPv6");
	BAD(responses_per_sec, 1000000, "rate");
#undef BAD
}
END_TEST

/* ---- classification of real replies (dns/ responder) --------------------- */

static const char CZONE[] =
	"$ORIGIN example.test.\n"
	"$TTL 300\n"
	"@	IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
	"@	IN NS ns1\n"
	"ns1	IN A 192.0.2.53\n"
	"www	IN A 192.0.2.1\n"
	"alias	IN CNAME gone\n"
	"sub	IN NS ns.sub\n"
	"ns.sub	IN A 192.0.2.54\n";

/* A query for name (wire) and qtype, answered by db: the class of the reply. */
static enum xst_rrl_class classify(const struct xst_dns_db *db, const char *wire, size_t wlen,
				   uint16_t qtype, uint32_t *nh, uint32_t *qh)
{
	uint8_t m[512] = { 0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	struct xst_dnsmsg_query q;
	struct xst_dns_stats st = { 0 };
	size_t n = 12 + wlen, r;

	memcpy(m + 12, wire, wlen);
	m[n++] = (uint8_t)(qtype >> 8);
	m[n++] = (uint8_t)qtype;
	m[n++] = 0;
	m[n++] = 1;
	ck_assert_int_eq(xst_dnsmsg_parse(m, n, &q), XST_DNSMSG_OK);
	*qh = q.hash;
	r = xst_dns_respond_parsed(db, m, n, sizeof(m), XST_DNS_UDP, &q, &st);
	ck_assert_uint_gt(r, 12);
	return xst_rrl_classify(m, r, q.hash, nh);
}

#define N(s) s, sizeof(s) - 1

START_TEST(classify_replies)
{
	static const uint8_t apex[] = "\x07" "example\x04test";
	static const uint8_t sub[] = "\x03sub\x07" "example\x04test";
	struct xst_zone_error err;
	struct xst_dns_db *db;
	struct xst_zone *z;
	uint32_t nh, qh;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(xst_zone_parse_string(&z, CZONE, "c.zone", NULL, &err), 0);
	ck_assert_int_eq(xst_dns_db_create(&db, &z, 1, &err), 0);
	xst_zone_destroy(z);

	ck_assert_int_eq(classify(db, N("\x03www\x07" "example\x04test\x00"), 1, &nh, &qh),
			 XST_RRL_ANSWER);
	ck_assert_uint_eq(nh, qh);
	ck_assert_int_eq(classify(db, N("\x03WwW\x07" "example\x04test\x00"), 28, &nh, &qh),
			 XST_RRL_NODATA);
	ck_assert_uint_eq(nh, qh);
	/* NXDOMAIN: keyed by the SOA owner, the apex, whatever the name and case. */
	ck_assert_int_eq(classify(db, N("\x05r1234\x07" "example\x04test\x00"), 1, &nh, &qh),
			 XST_RRL_NXDOMAIN);
	ck_assert_uint_eq(nh, xst_name_hash(apex, sizeof(apex)));
	ck_assert_int_eq(classify(db, N("\x02Xy\x01z\x07" "EXAMPLE\x04test\x00"), 16, &nh, &qh),
			 XST_RRL_NXDOMAIN);
	ck_assert_uint_eq(nh, xst_name_hash(apex, sizeof(apex)));
	/* A CNAME to a name that does not exist: NXDOMAIN with an answer record. */
	ck_assert_int_eq(classify(db, N("\x05" "alias\x07" "example\x04test\x00"), 1, &nh, &qh),
			 XST_RRL_NXDOMAIN);
	ck_assert_uint_eq(nh, xst_name_hash(apex, sizeof(apex)));
	/* A referral: the delegation point. */
	ck_assert_int_eq(classify(db, N("\x04host\x03sub\x07" "example\x04test\x00"), 1, &nh, &qh),
			 XST_RRL_REFERRAL);
	ck_assert_uint_eq(nh, xst_name_hash(sub, sizeof(sub)));
	/* Outside our zones: REFUSED, an error. */
	ck_assert_int_eq(classify(db, N("\x03www\x05other\x04test\x00"), 1, &nh, &qh),
			 XST_RRL_ERROR);
	ck_assert_uint_eq(nh, 0);
	/* Cut short or garbage: by the header alone, never a read past the end. */
	ck_assert_int_eq(xst_rrl_classify((const uint8_t *)"\x00\x00\x81\x83\x00\x01\x00\x00"
					  "\x00\x01\x00\x00\x03www", 17, 5, &nh), XST_RRL_NXDOMAIN);
	ck_assert_uint_eq(nh, 5);
	ck_assert_int_eq(xst_rrl_classify((const uint8_t *)"\x00\x00\x81\x80", 4, 5, &nh),
			 XST_RRL_ERROR);
	xst_dns_db_destroy(db);
}
END_TEST

Suite *rrl_suite(void)
{
	Suite *s = suite_create("rrl");
	TCase *tc = tcase_create("rrl");

	tcase_add_test(tc, rate_exact);
	tcase_add_test(tc, window_recovery);
	tcase_add_test(tc, slip_ratios);
	tcase_add_test(tc, classes_and_keys);
	tcase_add_test(tc, prefix_folding);
	tcase_add_test(tc, table_full);
	tcase_add_test(tc, zero_rate_and_cfg);
	tcase_add_test(tc, classify_replies);
	suite_add_tcase(s, tc);
	return s;
}
