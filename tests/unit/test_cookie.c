// SPDX-License-Identifier: GPL-2.0
/*
 * DNS cookies (user/filter/cookie.c) and SipHash-2-4: the reference vectors
 * of the SipHash paper, the worked examples of RFC 9018 appendix A (IPv4,
 * IPv6, a client that sets the reserved bytes, a secret rolled over), the
 * validity window's edges (and the 2^32 wrap), rotation, the option lengths
 * RFC 7873 5.2.2 allows and refuses, appending to a reply (fits, does not),
 * and the secret file's parser. Queries go through guard_copy(), so a read
 * past the message faults.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "dnsmsg/msg.h"
#include "filter/cookie.h"
#include "core/siphash.h"
#include "../lib/guard.h"

static void unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	unsigned int b;

	ck_assert_uint_eq(strlen(s), 2 * n);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(sscanf(s + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

static void key_of(const char *hex, uint8_t key[16])
{
	unhex(hex, key, 16);
}

/* Address text -> bytes; returns 4 or 16. */
static size_t ip_of(const char *s, uint8_t ip[16])
{
	if (inet_pton(AF_INET, s, ip) == 1)
		return 4;
	ck_assert_int_eq(inet_pton(AF_INET6, s, ip), 1);
	return 16;
}

START_TEST(siphash_reference_vectors)
{
	/* The paper's appendix A: key 00..0f, message 00..0e -> a129ca6149be45e5
	 * (written little-endian); the reference code's vectors.h entries 0 and 1. */
	static const uint8_t v0[8] = { 0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72 };
	static const uint8_t v1[8] = { 0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74 };
	static const uint8_t v15[8] = { 0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1 };
	uint8_t key[16], msg[15], out[8];
	int i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	xst_siphash24(key, NULL, 0, out);
	ck_assert_mem_eq(out, v0, 8);
	xst_siphash24(key, msg, 1, out);
	ck_assert_mem_eq(out, v1, 8);
	xst_siphash24(key, msg, 15, out);
	ck_assert_mem_eq(out, v15, 8);
}
END_TEST

/* RFC 9018 appendix A: the server cookies its examples' replies carry. */
static const struct make_case {
	const char *name, *secret, *client, *ip;
	uint32_t now;
	const char *want;
} make_cases[] = {
	{ "A.1 new cookie", "e5e973e5a6b2a43f48e7dc849e37bfcf", "2464c4abcf10c957",
	  "198.51.100.100", 1559731985, "010000005cf79f111f8130c3eee29480" },
	{ "A.2 renewed", "e5e973e5a6b2a43f48e7dc849e37bfcf", "2464c4abcf10c957",
	  "198.51.100.100", 1559734385, "010000005cf7a871d4a564a1442aca77" },
	{ "A.3 another client", "e5e973e5a6b2a43f48e7dc849e37bfcf", "fc93fc62807ddb86",
	  "203.0.113.203", 1559734700, "010000005cf7a9acf73a7810aca2381e" },
	{ "A.4 IPv6, new secret", "445536bcd2513298075a5d379663c962", "22681ab97d52c298",
	  "2001:db8:220:1:59de:d0f4:8769:82b8", 1559741961, "010000005cf7c609a6bb79d16625507a" },
};

START_TEST(rfc9018_make)
{
	const struct make_case *tc = &make_cases[_i];
	uint8_t key[16], client[8], ip[16], want[16], out[16];
	size_t ip_len = ip_of(tc->ip, ip);

	key_of(tc->secret, key);
	unhex(tc->client, client, 8);
	unhex(tc->want, want, 16);
	xst_cookie_make(key, client, ip, ip_len, tc->now, out);
	ck_assert_msg(!memcmp(out, want, 16), "%s", tc->name);
}
END_TEST

/* A cookie option's bytes (client | server) as a struct from find(). */
static void cookie_of(const char *hex, struct xst_cookie *c)
{
	uint8_t b[40];
	size_t n = strlen(hex) / 2;

	unhex(hex, b, n);
	memset(c, 0, sizeof(*c));
	memcpy(c->client, b, 8);
	c->server_len = (uint8_t)(n - 8);
	memcpy(c->server, b + 8, n - 8);
	c->status = c->server_len ? XST_COOKIE_SERVER : XST_COOKIE_CLIENT_ONLY;
}

static enum xst_cookie_status check(const struct xst_cookie_keys *k, const char *cookie,
				    const char *ipstr, uint32_t now)
{
	struct xst_cookie c;
	uint8_t ip[16];
	size_t ip_len = ip_of(ipstr, ip);

	cookie_of(cookie, &c);
	return xst_cookie_verify(k, &c, ip, ip_len, now);
}

START_TEST(rfc9018_verify)
{
	struct xst_cookie_keys k = { 0 };

	key_of("e5e973e5a6b2a43f48e7dc849e37bfcf", k.cur);
	/* A.2: the cookie of A.1 comes back 40 minutes later. */
	ck_assert_int_eq(check(&k, "2464c4abcf10c957010000005cf79f111f8130c3eee29480",
			       "198.51.100.100", 1559734385), XST_COOKIE_VALID);
	/* ... and not from another address, nor with one bit of the hash off. */
	ck_assert_int_eq(check(&k, "2464c4abcf10c957010000005cf79f111f8130c3eee29480",
			       "198.51.100.101", 1559734385), XST_COOKIE_INVALID);
	ck_assert_int_eq(check(&k, "2464c4abcf10c957010000005cf79f111f8130c3eee29481",
			       "198.51.100.100", 1559734385), XST_COOKIE_INVALID);
	/* A.3: the client set the reserved bytes; they are hashed as sent. The
	 * example's cookie is 1 h 52 min old at the example's reply: out of our
	 * window, so it is checked when it was 10 minutes old, and at the reply. */
	ck_assert_int_eq(check(&k, "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5",
			       "203.0.113.203", 1559727985 + 600), XST_COOKIE_VALID);
	ck_assert_int_eq(check(&k, "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5",
			       "203.0.113.203", 1559734700), XST_COOKIE_INVALID);
	/* A.4: made with the old secret, checked after the roll-over. */
	key_of("445536bcd2513298075a5d379663c962", k.cur);
	ck_assert_int_eq(check(&k, "22681ab97d52c298010000005cf7c57926556bd0934c72f8",
			       "2001:db8:220:1:59de:d0f4:8769:82b8", 1559741961), XST_COOKIE_INVALID);
	key_of("dd3bdf9344b678b185a6f5cb60fca715", k.prev);
	k.has_prev = 1;
	ck_assert_int_eq(check(&k, "22681ab97d52c298010000005cf7c57926556bd0934c72f8",
			       "2001:db8:220:1:59de:d0f4:8769:82b8", 1559741961), XST_COOKIE_VALID);
	/* No keys (cookies off): nothing verifies. */
	ck_assert_int_eq(check(NULL, "22681ab97d52c298010000005cf7c57926556bd0934c72f8",
			       "2001:db8:220:1:59de:d0f4:8769:82b8", 1559741961), XST_COOKIE_INVALID);
	/* Statuses other than SERVER are left alone. */
	ck_assert_int_eq(check(&k, "22681ab97d52c298", "192.0.2.1", 1), XST_COOKIE_CLIENT_ONLY);
}
END_TEST

/* A cookie made at ts, checked at now (IPv4 192.0.2.1). */
static enum xst_cookie_status at(const struct xst_cookie_keys *k, uint32_t ts, uint32_t now)
{
	static const uint8_t client[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t ip[4] = { 192, 0, 2, 1 };
	struct xst_cookie c = { .status = XST_COOKIE_SERVER, .server_len = 16 };

	memcpy(c.client, client, 8);
	xst_cookie_make(k->cur, client, ip, 4, ts, c.server);
	return xst_cookie_verify(k, &c, ip, 4, now);
}

START_TEST(window_edges)
{
	const uint32_t now = 1559731985;
	struct xst_cookie_keys k = { .cur = "0123456789abcdef" };

	ck_assert_int_eq(at(&k, now, now), XST_COOKIE_VALID);
	ck_assert_int_eq(at(&k, now - 3600, now), XST_COOKIE_VALID);
	ck_assert_int_eq(at(&k, now - 3601, now), XST_COOKIE_INVALID);
	ck_assert_int_eq(at(&k, now + 300, now), XST_COOKIE_VALID);
	ck_assert_int_eq(at(&k, now + 301, now), XST_COOKIE_INVALID);
	/* Serial arithmetic: stamped just before 2^32, read just after. */
	ck_assert_int_eq(at(&k, 4294964696u, 1000), XST_COOKIE_VALID);
	ck_assert_int_eq(at(&k, 4294964696u, 1001), XST_COOKIE_INVALID);
	ck_assert_int_eq(at(&k, 100, 4294967196u), XST_COOKIE_VALID);	/* 200 s ahead */
	/* Far away either way (half the number space) is never valid. */
	ck_assert_int_eq(at(&k, now + 0x80000000u, now), XST_COOKIE_INVALID);
}
END_TEST

START_TEST(rotation)
{
	struct xst_cookie_keys k1, k2, k3, f;
	const uint32_t now = 1700000000;

	ck_assert_int_eq(xst_cookie_keys_random(&k1), 0);
	ck_assert(!k1.has_prev && !k1.fixed);
	ck_assert_int_eq(xst_cookie_keys_rotate(&k1, &k2), 0);
	ck_assert(k2.has_prev);
	ck_assert_mem_eq(k2.prev, k1.cur, 16);
	ck_assert(memcmp(k2.cur, k1.cur, 16));
	ck_assert_int_eq(xst_cookie_keys_rotate(&k2, &k3), 0);

	/* Made under k1: valid under k1 and k2 (previous), not after two rotations. */
	{
		static const uint8_t client[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
		static const uint8_t ip[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
		struct xst_cookie c = { .status = XST_COOKIE_SERVER, .server_len = 16 };
		struct xst_cookie c2, c3;

		memcpy(c.client, client, 8);
		xst_cookie_make(k1.cur, client, ip, 16, now, c.server);
		c2 = c;
		c3 = c;
		ck_assert_int_eq(xst_cookie_verify(&k1, &c, ip, 16, now), XST_COOKIE_VALID);
		ck_assert_int_eq(xst_cookie_verify(&k2, &c2, ip, 16, now), XST_COOKIE_VALID);
		ck_assert_int_eq(xst_cookie_verify(&k3, &c3, ip, 16, now), XST_COOKIE_INVALID);
		/* The same bytes from the IPv4 address of the same first bytes: not ours. */
		c2.status = XST_COOKIE_SERVER;
		ck_assert_int_eq(xst_cookie_verify(&k2, &c2, ip, 4, now), XST_COOKIE_INVALID);
	}
	/* A fixed key set does not rotate. */
	f = k1;
	f.fixed = 1;
	ck_assert_int_eq(xst_cookie_keys_rotate(&f, &k2), 0);
	ck_assert_mem_eq(&k2, &f, sizeof(f));
}
END_TEST

START_TEST(other_versions_and_lengths)
{
	struct xst_cookie_keys k = { .cur = "0123456789abcdef" };
	static const uint8_t ip[4] = { 192, 0, 2, 1 };
	struct xst_cookie c = { .status = XST_COOKIE_SERVER, .server_len = 16 };

	xst_cookie_make(k.cur, c.client, ip, 4, 1000, c.server);
	c.server[0] = 2;	/* another version: not ours, whatever the hash */
	ck_assert_int_eq(xst_cookie_verify(&k, &c, ip, 4, 1000), XST_COOKIE_INVALID);
	c.status = XST_COOKIE_SERVER;
	c.server[0] = 1;
	c.server_len = 24;	/* another implementation's length */
	ck_assert_int_eq(xst_cookie_verify(&k, &c, ip, 4, 1000), XST_COOKIE_INVALID);
	c.status = XST_COOKIE_SERVER;
	c.server_len = 16;
	ck_assert_int_eq(xst_cookie_verify(&k, &c, ip, 4, 1000), XST_COOKIE_VALID);
}
END_TEST

/* A query for www.example.test A with an OPT holding rdata[0..rdlen). */
static size_t query(uint8_t *buf, const uint8_t *rdata, size_t rdlen, int edns)
{
	static const uint8_t head[] = "\xbe\xef\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01"
				      "\x03www\x07" "example\x04test\x00\x00\x01\x00\x01";
	size_t n = sizeof(head) - 1;

	memcpy(buf, head, n);
	if (!edns) {
		buf[11] = 0;
		return n;
	}
	memcpy(buf + n, "\x00\x00\x29\x04\xd0\x00\x00\x00\x00", 9);
	buf[n + 9] = (uint8_t)(rdlen >> 8);
	buf[n + 10] = (uint8_t)rdlen;
	if (rdlen)
		memcpy(buf + n + 11, rdata, rdlen);
	return n + 11 + rdlen;
}

/* find() on a query whose OPT holds a COOKIE of olen bytes (after a padding option). */
static enum xst_cookie_status find_len(size_t olen, struct xst_cookie *c)
{
	uint8_t rd[64], msg[128], *g;
	struct xst_dnsmsg_query q;
	enum xst_cookie_status st;
	size_t i, n, rdlen;

	memcpy(rd, "\x00\x0c\x00\x02\x00\x00", 6);	/* PADDING, 2 bytes: skipped */
	rd[6] = 0;
	rd[7] = XST_EDNS_COOKIE;
	rd[8] = 0;
	rd[9] = (uint8_t)olen;
	for (i = 0; i < olen; i++)
		rd[10 + i] = (uint8_t)(0xa0 + i);
	rdlen = 10 + olen;
	n = query(msg, rd, rdlen, 1);
	g = guard_copy(msg, n);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(xst_dnsmsg_parse(g, n, &q), XST_DNSMSG_OK);
	st = xst_cookie_find(g, n, &q, c);
	guard_free(g, n);
	return st;
}

START_TEST(find_lengths)
{
	static const struct { size_t len; enum xst_cookie_status st; } cases[] = {
		{ 0, XST_COOKIE_MALFORMED }, { 7, XST_COOKIE_MALFORMED },
		{ 8, XST_COOKIE_CLIENT_ONLY }, { 9, XST_COOKIE_MALFORMED },
		{ 15, XST_COOKIE_MALFORMED }, { 16, XST_COOKIE_SERVER },
		{ 24, XST_COOKIE_SERVER }, { 40, XST_COOKIE_SERVER },
		{ 41, XST_COOKIE_MALFORMED },
	};
	struct xst_cookie c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(find_len(cases[i].len, &c) == cases[i].st, "length %zu", cases[i].len);
		ck_assert_int_eq(c.status, cases[i].st);
		if (cases[i].st == XST_COOKIE_SERVER || cases[i].st == XST_COOKIE_CLIENT_ONLY) {
			ck_assert_uint_eq(c.client[0], 0xa0);
			ck_assert_uint_eq(c.client[7], 0xa7);
			ck_assert_uint_eq(c.server_len, cases[i].len - 8);
			if (c.server_len)
				ck_assert_uint_eq(c.server[c.server_len - 1], 0xa0 + cases[i].len - 1);
		}
	}
}
END_TEST

START_TEST(find_none_and_first)
{
	uint8_t msg[128], rd[40];
	struct xst_dnsmsg_query q;
	struct xst_cookie c;
	size_t n;

	/* No EDNS at all. */
	n = query(msg, NULL, 0, 0);
	ck_assert_int_eq(xst_dnsmsg_parse(msg, n, &q), XST_DNSMSG_OK);
	ck_assert_int_eq(xst_cookie_find(msg, n, &q, &c), XST_COOKIE_NONE);
	/* An OPT without options, and one with another option only. */
	n = query(msg, NULL, 0, 1);
	ck_assert_int_eq(xst_dnsmsg_parse(msg, n, &q), XST_DNSMSG_OK);
	ck_assert_int_eq(xst_cookie_find(msg, n, &q, &c), XST_COOKIE_NONE);
	n = query(msg, (const uint8_t *)"\x00\x0c\x00\x00", 4, 1);
	ck_assert_int_eq(xst_dnsmsg_parse(msg, n, &q), XST_DNSMSG_OK);
	ck_assert_int_eq(xst_cookie_find(msg, n, &q, &c), XST_COOKIE_NONE);
	/* Two COOKIE options: the first counts (a good one, then a 7-byte one). */
	memcpy(rd, "\x00\x0a\x00\x08" "ABCDEFGH" "\x00\x0a\x00\x07" "1234567", 12 + 11);
	n = query(msg, rd, 23, 1);
	ck_assert_int_eq(xst_dnsmsg_parse(msg, n, &q), XST_DNSMSG_OK);
	ck_assert_int_eq(xst_cookie_find(msg, n, &q, &c), XST_COOKIE_CLIENT_ONLY);
	ck_assert_mem_eq(c.client, "ABCDEFGH", 8);
	/* A q that does not belong to a message that short: nothing read. */
	ck_assert_int_eq(xst_cookie_find(msg, q.opt_off + 5, &q, &c), XST_COOKIE_NONE);
}
END_TEST

START_TEST(append_fits)
{
	struct xst_cookie_keys k = { 0 };
	uint8_t msg[256], want[16], *g;
	static const uint8_t ip[4] = { 198, 51, 100, 100 };
	struct xst_dnsmsg_query q;
	struct xst_cookie c;
	size_t n, r, cap;

	key_of("e5e973e5a6b2a43f48e7dc849e37bfcf", k.cur);
	n = query(msg, (const uint8_t *)"\x00\x0a\x00\x08\x24\x64\xc4\xab\xcf\x10\xc9\x57", 12, 1);
	ck_assert_int_eq(xst_dnsmsg_parse(msg, n, &q), XST_DNSMSG_OK);
	ck_assert_int_eq(xst_cookie_find(msg, n, &q, &c), XST_COOKIE_CLIENT_ONLY);
	r = xst_dnsmsg_tc(msg, sizeof(msg), &q);
	ck_assert_uint_eq(r, 34 + 11);
	/* Exactly enough room, at a guard page: RFC 9018 A.1's reply option. */
	cap = r + XST_COOKIE_OPT_ADD;
	g = guard_copy(msg, cap);
	ck_assert_uint_eq(xst_cookie_append(g, r, cap, r - XST_DNS_OPT_LEN, &c, &k, ip, 4,
					    1559731985), cap);
	ck_assert_uint_eq(xst_get_be16(g + r - 2), XST_COOKIE_OPT_ADD);	/* rdlength */
	ck_assert_mem_eq(g + r, "\x00\x0a\x00\x18\x24\x64\xc4\xab\xcf\x10\xc9\x57", 12);
	unhex("010000005cf79f111f8130c3eee29480", want, 16);
	ck_assert_mem_eq(g + r + 12, want, 16);
	ck_assert_uint_eq(xst_get_be16(g + 10), 1);	/* ARCOUNT: still the one OPT */
	/* The reply parses as a message with an OPT whose cookie is ours. */
	{
		struct xst_dnsmsg_query q2;
		struct xst_cookie c2;

		g[2] &= 0x7f;	/* as a query again, so that the parser takes it */
		g[3] &= 0xf0;
		ck_assert_int_eq(xst_dnsmsg_parse(g, cap, &q2), XST_DNSMSG_OK);
		ck_assert_int_eq(xst_cookie_find(g, cap, &q2, &c2), XST_COOKIE_SERVER);
		ck_assert_int_eq(xst_cookie_verify(&k, &c2, ip, 4, 1559731985 + 60),
				 XST_COOKIE_VALID);
	}
	guard_free(g, cap);
}
END_TEST

START_TEST(append_after_options)
{
	struct xst_cookie_keys k = { .cur = "0123456789abcdef" };
	static const uint8_t ip[4] = { 192, 0, 2, 1 };
	struct xst_cookie c = { .status = XST_COOKIE_VALID };
	uint8_t msg[128];
	size_t n;

	/* Our OPT already holds an EDE option (6 bytes): the cookie goes after it. */
	n = query(msg, (const uint8_t *)"\x00\x0f\x00\x02\x00\x12", 6, 1);
	ck_assert_uint_eq(xst_cookie_append(msg, n, sizeof(msg), n - 17, &c, &k, ip, 4, 5),
			  n + XST_COOKIE_OPT_ADD);
	ck_assert_uint_eq(xst_get_be16(msg + n - 17 + 9), 6 + XST_COOKIE_OPT_ADD);
	ck_assert_mem_eq(msg + n - 6, "\x00\x0f\x00\x02\x00\x12\x00\x0a\x00\x18", 10);
}
END_TEST

START_TEST(append_refused)
{
	struct xst_cookie_keys k = { .cur = "0123456789abcdef" };
	static const uint8_t ip[4] = { 192, 0, 2, 1 };
	struct xst_cookie c = { .status = XST_COOKIE_CLIENT_ONLY };
	uint8_t msg[128], copy[128];
	size_t n;

	n = query(msg, NULL, 0, 1);
	memcpy(copy, msg, sizeof(msg));
	/* One byte short of room. */
	ck_assert_uint_eq(xst_cookie_append(msg, n, n + XST_COOKIE_OPT_ADD - 1, n - 11, &c, &k,
					    ip, 4, 5), 0);
	/* The record at opt_off is not the last one, or no OPT. */
	ck_assert_uint_eq(xst_cookie_append(msg, n - 1, sizeof(msg), n - 11, &c, &k, ip, 4, 5), 0);
	ck_assert_uint_eq(xst_cookie_append(msg, n, sizeof(msg), n - 12, &c, &k, ip, 4, 5), 0);
	ck_assert_uint_eq(xst_cookie_append(msg, n, sizeof(msg), n, &c, &k, ip, 4, 5), 0);
	/* Nothing to echo, malformed, no keys, or no address length we know. */
	c.status = XST_COOKIE_NONE;
	ck_assert_uint_eq(xst_cookie_append(msg, n, sizeof(msg), n - 11, &c, &k, ip, 4, 5), 0);
	c.status = XST_COOKIE_MALFORMED;
	ck_assert_uint_eq(xst_cookie_append(msg, n, sizeof(msg), n - 11, &c, &k, ip, 4, 5), 0);
	c.status = XST_COOKIE_INVALID;
	ck_assert_uint_eq(xst_cookie_append(msg, n, sizeof(msg), n - 11, &c, NULL, ip, 4, 5), 0);
	ck_assert_uint_eq(xst_cookie_append(msg, n, sizeof(msg), n - 11, &c, &k, ip, 5, 5), 0);
	ck_assert_mem_eq(msg, copy, sizeof(msg));
	/* An invalid server cookie is answered with a fresh one (RFC 7873 5.2.4). */
	ck_assert_uint_eq(xst_cookie_append(msg, n, sizeof(msg), n - 11, &c, &k, ip, 4, 5),
			  n + XST_COOKIE_OPT_ADD);
}
END_TEST

START_TEST(secret_parse)
{
	struct xst_cookie_keys k;
	uint8_t want[16];
	char err[160];
	const char *why;
	uint8_t s[16];

	key_of("e5e973e5a6b2a43f48e7dc849e37bfcf", want);
	ck_assert_int_eq(xst_cookie_secret_parse("E5E973E5A6B2A43F48E7DC849E37BFCF", 32, s, &why), 0);
	ck_assert_mem_eq(s, want, 16);
	ck_assert_int_eq(xst_cookie_secret_parse("e5e973e5a6b2a43f48e7dc849e37bfc", 31, s, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "too short"));
	ck_assert_int_eq(xst_cookie_secret_parse("e5e973e5a6b2a43f48e7dc849e37bfcf0", 33, s, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "too long"));
	ck_assert_int_eq(xst_cookie_secret_parse("g5e973e5a6b2a43f48e7dc849e37bfcf", 32, s, &why),
			 -EINVAL);

#define T(s) s, sizeof(s) - 1
	ck_assert_int_eq(xst_cookie_keys_parse(T("e5e973e5a6b2a43f48e7dc849e37bfcf\n"), &k,
					       err, sizeof(err)), 0);
	ck_assert(k.fixed && !k.has_prev);
	ck_assert_mem_eq(k.cur, want, 16);
	ck_assert_int_eq(xst_cookie_keys_parse(T("# shared by ns1 and ns2\n\n"
						 "  445536bcd2513298075a5d379663c962 \r\n"
						 "e5e973e5a6b2a43f48e7dc849e37bfcf"), &k,
					       err, sizeof(err)), 0);
	ck_assert(k.fixed && k.has_prev);
	ck_assert_mem_eq(k.prev, want, 16);
	ck_assert_uint_eq(k.cur[0], 0x44);
	ck_assert_int_eq(xst_cookie_keys_parse(T("# nothing\n\n"), &k, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no secret"));
	ck_assert_int_eq(xst_cookie_keys_parse(T("e5e973e5a6b2a43f48e7dc849e37bfcf\nxyz\n"), &k,
					       err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "line 2: a secret is 32 hex digits (128 bits): too short");
	ck_assert_int_eq(xst_cookie_keys_parse(T("e5e973e5a6b2a43f48e7dc849e37bfcf\n"
						 "e5e973e5a6b2a43f48e7dc849e37bfcf\n"
						 "e5e973e5a6b2a43f48e7dc849e37bfcf\n"), &k,
					       err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "line 3: a third secret"));
#undef T
}
END_TEST

START_TEST(secret_load)
{
	char path[] = "/tmp/xst-cookie-XXXXXX", err[256];
	struct xst_cookie_keys k;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "e5e973e5a6b2a43f48e7dc849e37bfcf\n", 33), 33);
	close(fd);
	ck_assert_int_eq(xst_cookie_keys_load(path, &k, err, sizeof(err)), 0);
	ck_assert(k.fixed);
	ck_assert_uint_eq(k.cur[0], 0xe5);
	unlink(path);
	ck_assert_int_eq(xst_cookie_keys_load(path, &k, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, path));
}
END_TEST

Suite *cookie_suite(void)
{
	Suite *s = suite_create("cookie");
	TCase *tc = tcase_create("cookie");

	tcase_add_test(tc, siphash_reference_vectors);
	tcase_add_loop_test(tc, rfc9018_make, 0, sizeof(make_cases) / sizeof(make_cases[0]));
	tcase_add_test(tc, rfc9018_verify);
	tcase_add_test(tc, window_edges);
	tcase_add_test(tc, rotation);
	tcase_add_test(tc, other_versions_and_lengths);
	tcase_add_test(tc, find_lengths);
	tcase_add_test(tc, find_none_and_first);
	tcase_add_test(tc, append_fits);
	tcase_add_test(tc, append_after_options);
	tcase_add_test(tc, append_refused);
	tcase_add_test(tc, secret_parse);
	tcase_add_test(tc, secret_load);
	suite_add_tcase(s, tc);
	return s;
}
