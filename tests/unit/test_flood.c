// SPDX-License-Identifier: GPL-2.0
/*
 * The flood generator's packet builder (tools/flood/pkt.c): every kind, over
 * IPv4 and IPv6, gives a frame whose IPv4 header and UDP checksums verify
 * with the reference sum (tests/lib/ref_csum.h), whose lengths agree, whose
 * source lies in the prefix (or the fixed set), and whose DNS content is
 * what the kind promises.
 */
#include <check.h>
#include <net/if.h>
#include <errno.h>
#include <string.h>

#include "../../tools/flood/netcheck.h"
#include "../../tools/flood/pkt.h"
#include "../lib/ref_csum.h"

static void target(struct flood_target *t, int v6)
{
	static const uint8_t d4[4] = { 198, 18, 0, 1 };
	static const uint8_t d6[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 1 };

	memset(t, 0, sizeof(*t));
	t->v6 = v6;
	memcpy(t->dst, v6 ? d6 : d4, v6 ? 16 : 4);
	memset(t->dst_mac, 0x02, 6);
	memset(t->src_mac, 0x04, 6);
	t->dport = 53;
	strcpy(t->zone, "flood.test");
	strcpy(t->name, "www.flood.test");
}

static void prefix(struct flood_sources *s, int v6)
{
	memset(s, 0, sizeof(*s));
	if (v6) {
		s->prefix[0] = 0xfd;
		s->prefix[3] = 0x99;
		s->plen = 48;
	} else {
		s->prefix[0] = 10;
		s->prefix[1] = 99;
		s->plen = 16;
	}
}

/* Checks the frame; returns the DNS payload and its length. */
static const uint8_t *check_frame(const uint8_t *f, int len, int v6, const struct flood_sources *s,
				  int *dlen)
{
	const uint8_t *ip = f + 14, *udp;
	unsigned iplen = v6 ? 40 : 20, ulen;

	ck_assert_int_ge(len, 14 + (int)iplen + 8);
	ck_assert_uint_eq(f[12] << 8 | f[13], v6 ? 0x86dd : 0x0800);
	ck_assert_mem_eq(f, "\x02\x02\x02\x02\x02\x02", 6);
	udp = ip + iplen;
	ulen = (unsigned)(udp[4] << 8 | udp[5]);
	ck_assert_uint_eq(ulen, (unsigned)len - 14 - iplen);
	if (v6) {
		ck_assert_uint_eq(ip[0] >> 4, 6);
		ck_assert_uint_eq((unsigned)(ip[4] << 8 | ip[5]), ulen);
		ck_assert_uint_eq(ip[6], 17);
		ck_assert_mem_eq(ip + 8, s->prefix, 6);		/* /48 */
	} else {
		ck_assert_uint_eq(ip[0], 0x45);
		ck_assert_uint_eq((unsigned)(ip[2] << 8 | ip[3]), (unsigned)len - 14);
		ck_assert_uint_eq(ip[9], 17);
		ck_assert_uint_eq(ref_csum_sum(ip, 20, 0), 0xffff);
		ck_assert_mem_eq(ip + 12, s->prefix, 2);	/* /16 */
		ck_assert_uint_ne(ip[15], 0);
		ck_assert_uint_ne(ip[15], 255);
	}
	ck_assert_uint_ne((unsigned)(udp[6] << 8 | udp[7]), 0);
	ck_assert_uint_eq(ref_csum_l4(ip, v6, 17, udp, ulen), 0xffff);
	ck_assert_uint_eq((unsigned)(udp[2] << 8 | udp[3]), 53);
	*dlen = (int)ulen - 8;
	return udp + 8;
}

static int ends_with_zone(const uint8_t *q, int len)
{
	static const uint8_t zone[] = "\x05" "flood" "\x04" "test";	/* + the NUL: root */

	/* question name at 12: one label, then the zone */
	if (len < 12 + 1 + q[12] + (int)sizeof(zone) + 4)
		return 0;
	return !memcmp(q + 13 + q[12], zone, sizeof(zone));
}

START_TEST(every_kind_checksums)
{
	struct flood_target t;
	struct flood_sources s;
	uint8_t f[FLOOD_FRAME_MAX];
	uint64_t rng = 12345;
	int v6 = _i & 1, kind = _i >> 1, i, len, dlen;
	const uint8_t *d;

	target(&t, v6);
	prefix(&s, v6);
	for (i = 0; i < 500; i++) {
		len = flood_build(&t, &s, (enum flood_kind)kind, &rng, f);
		ck_assert_int_gt(len, 0);
		ck_assert_int_le(len, FLOOD_FRAME_MAX);
		d = check_frame(f, len, v6, &s, &dlen);
		switch (kind) {
		case FLOOD_RANDSUB:
			ck_assert_uint_eq(d[2] & 0x80, 0);		/* QR=0 */
			ck_assert(ends_with_zone(d, dlen));
			ck_assert_uint_ge(d[12], 8);
			ck_assert_uint_le(d[12], 16);
			break;
		case FLOOD_FIXED:
			ck_assert_uint_eq(d[2] & 0x80, 0);
			ck_assert_mem_eq(d + 12, "\x03www\x05" "flood\x04test", 16);
			break;
		case FLOOD_RESPONSES:
			ck_assert_uint_eq(d[2] & 0x80, 0x80);		/* QR=1 */
			ck_assert_uint_eq(d[7], 1);			/* ANCOUNT */
			ck_assert_uint_eq(f[14 + (v6 ? 40 : 20)], 0);	/* sport 53 */
			ck_assert_uint_eq(f[15 + (v6 ? 40 : 20)], 53);
			break;
		case FLOOD_GARBAGE:
			ck_assert_int_le(dlen, FLOOD_GARBAGE_MAX);
			break;
		default:
			break;
		}
	}
}
END_TEST

START_TEST(fixed_sources_only)
{
	struct flood_target t;
	struct flood_sources s;
	uint8_t f[FLOOD_FRAME_MAX], set[3][16];
	uint64_t rng = 99;
	int i, j, len, dlen, hit[3] = { 0 };

	target(&t, 0);
	prefix(&s, 0);
	for (i = 0; i < 3; i++)
		flood_rand_addr(&s, 0, &rng, set[i]);
	s.fixed = set;
	s.nfixed = 3;
	for (i = 0; i < 300; i++) {
		len = flood_build(&t, &s, FLOOD_FIXED, &rng, f);
		check_frame(f, len, 0, &s, &dlen);
		for (j = 0; j < 3; j++)
			if (!memcmp(f + 26, set[j], 4))
				break;
		ck_assert_int_lt(j, 3);
		hit[j]++;
	}
	ck_assert(hit[0] && hit[1] && hit[2]);
}
END_TEST

START_TEST(names_and_kinds)
{
	uint8_t w[256];
	char big[300];

	ck_assert_int_eq(flood_encode_name("a.b", w, sizeof(w)), 5);
	ck_assert_mem_eq(w, "\x01" "a\x01" "b", 5);
	ck_assert_int_eq(flood_encode_name("a.b.", w, sizeof(w)), 5);
	ck_assert_int_eq(flood_encode_name("", w, sizeof(w)), 1);
	ck_assert_int_eq(flood_encode_name("a..b", w, sizeof(w)), -EINVAL);
	memset(big, 'x', 64);
	big[64] = 0;
	ck_assert_int_eq(flood_encode_name(big, w, sizeof(w)), -EINVAL);
	ck_assert_int_eq(flood_kind_parse("random-subdomain"), FLOOD_RANDSUB);
	ck_assert_int_eq(flood_kind_parse("mix"), FLOOD_MIX);
	ck_assert_int_eq(flood_kind_parse("nope"), -EINVAL);
	ck_assert_str_eq(flood_kind_name(FLOOD_GARBAGE), "garbage");
}
END_TEST

/* The generator's interface check: loopback is no veth, a missing interface
 * cannot be read; both refused with a reason. */
START_TEST(iface_not_veth_refused)
{
	char why[160] = "";

	ck_assert_int_lt(flood_check_veth((int)if_nametoindex("lo"), why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "not a veth"));
	why[0] = 0;
	ck_assert_int_lt(flood_check_veth(0x7ffffff0, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "cannot read"));
}
END_TEST

Suite *flood_suite(void)
{
	Suite *s = suite_create("flood");
	TCase *tc = tcase_create("pkt");

	tcase_add_loop_test(tc, every_kind_checksums, 0, 2 * FLOOD_NKINDS);
	tcase_add_test(tc, fixed_sources_only);
	tcase_add_test(tc, names_and_kinds);
	tcase_add_test(tc, iface_not_veth_refused);
	suite_add_tcase(s, tc);
	return s;
}
