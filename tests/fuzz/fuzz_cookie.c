// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for DNS cookies (user/filter/cookie.c): the first byte
 * picks the client address family and the clock, the rest is a DNS message
 * in a buffer of exactly its length (a read past it is an ASan report). The
 * message is parsed, its COOKIE option found and verified, a TC=1 reply is
 * built over it and our cookie appended. The invariants:
 *   - find() gives NONE without EDNS, MALFORMED only for a COOKIE option of
 *     a length RFC 7873 refuses, a server_len of 0 or 8..32 otherwise;
 *   - verify() gives VALID or INVALID from SERVER, leaves the rest alone;
 *     and a server cookie the fuzzer copied from our own reply verifies;
 *   - append() returns 0 (msg unchanged) or len + 28 within cap, and the
 *     reply parses again with a COOKIE option holding the query's client
 *     cookie and a server cookie that verifies now and from no other address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg/msg.h"
#include "filter/cookie.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static const struct xst_cookie_keys keys = {
	.cur = { 0xe5, 0xe9, 0x73, 0xe5, 0xa6, 0xb2, 0xa4, 0x3f,
		 0x48, 0xe7, 0xdc, 0x84, 0x9e, 0x37, 0xbf, 0xcf },
	.prev = { 0xdd, 0x3b, 0xdf, 0x93, 0x44, 0xb6, 0x78, 0xb1,
		  0x85, 0xa6, 0xf5, 0xcb, 0x60, 0xfc, 0xa7, 0x15 },
	.has_prev = 1,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, 2, 0x20, 0, 1,
					 0x59, 0xde, 0xd0, 0xf4, 0x87, 0x69, 0x82, 0xb8 };
	const uint8_t *ip;
	struct xst_dnsmsg_query q, q2;
	struct xst_cookie c, c2;
	enum xst_cookie_status st;
	uint8_t *msg, *out, other[16];
	size_t len, ip_len, n, r, cap;
	uint32_t now;

	if (size < 1)
		return 0;
	ip_len = data[0] & 1 ? 16 : 4;
	ip = ip6;
	now = 1559731985u + (uint32_t)(data[0] >> 1) * 600u;
	data++;
	len = size - 1;
	msg = malloc(len ? len : 1);
	check(msg != NULL);
	memcpy(msg, data, len);
	xst_dnsmsg_parse(msg, len, &q);
	st = xst_cookie_find(msg, len, &q, &c);
	check(st == c.status && st < XST_COOKIE_STATUS_MAX);
	check(st != XST_COOKIE_VALID && st != XST_COOKIE_INVALID);
	if (!q.edns)
		check(st == XST_COOKIE_NONE);
	if (st == XST_COOKIE_CLIENT_ONLY)
		check(c.server_len == 0);
	if (st == XST_COOKIE_SERVER)
		check(c.server_len >= 8 && c.server_len <= 32);
	check(!memcmp(msg, data, len));	/* find reads only */
	st = xst_cookie_verify(&keys, &c, ip, ip_len, now);
	check(st != XST_COOKIE_SERVER);
	if (st == XST_COOKIE_VALID)	/* only ours: 16 bytes, version 1 */
		check(c.server_len == 16 && c.server[0] == 1);
	if (q.status != XST_DNSMSG_OK || !q.edns || st == XST_COOKIE_NONE ||
	    st == XST_COOKIE_MALFORMED) {
		free(msg);
		return 0;
	}

	/* The challenge the filter sends: TC=1 with our OPT, then our cookie. */
	cap = xst_dnsmsg_qend(&q) + XST_DNS_OPT_LEN + (len ? data[len - 1] % 48 : 0);
	out = malloc(cap);
	check(out != NULL);
	memcpy(out, data, len < cap ? len : cap);
	n = xst_dnsmsg_tc(out, cap, &q);
	if (!n) {
		free(out);
		free(msg);
		return 0;
	}
	check(n == xst_dnsmsg_qend(&q) + XST_DNS_OPT_LEN);
	r = xst_cookie_append(out, n, cap, n - XST_DNS_OPT_LEN, &c, &keys, ip, ip_len, now);
	check(r == 0 || r == n + XST_COOKIE_OPT_ADD);
	check(r <= cap);
	if (r) {
		out[2] &= 0x07;	/* a query again (QR and TC off) for the parser */
		out[3] &= 0xf0;
		check(xst_dnsmsg_parse(out, r, &q2) == XST_DNSMSG_OK);
		check(xst_cookie_find(out, r, &q2, &c2) == XST_COOKIE_SERVER);
		check(c2.server_len == 16 && !memcmp(c2.client, c.client, 8));
		c = c2;
		check(xst_cookie_verify(&keys, &c2, ip, ip_len, now + 100) == XST_COOKIE_VALID);
		memcpy(other, ip, 16);
		other[ip_len - 1] ^= 1;
		check(xst_cookie_verify(&keys, &c, other, ip_len, now) == XST_COOKIE_INVALID);
	} else {
		check(cap - n < XST_COOKIE_OPT_ADD);
	}
	free(out);
	free(msg);
	return 0;
}
