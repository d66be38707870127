// SPDX-License-Identifier: GPL-2.0
/*
 * Packet layers: checksum against RFC 1071 and a naive implementation,
 * RFC 1624 updates against full recomputation, parsing of crafted frames
 * (every truncation under a guard page), and the in-place UDP reply checked
 * with independently computed checksums.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/guard.h"
#include "net/csum.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/udp.h"
#include "../lib/ref_csum.h"

/* ---- independent reference: big-endian 16-bit words, end-around carry ---- */

static uint16_t naive_csum(const uint8_t *p, size_t len)
{
	return (uint16_t)~ref_csum_sum(p, len, 0);
}

/* checksum field as a host-order number */
static uint16_t field(uint16_t mem)
{
	return ntohs(mem);
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	/* xorshift32: deterministic, so a failure reproduces */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void fill(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)rnd();
}

START_TEST(test_csum_rfc1071)
{
	/* RFC 1071 section 3 example: sum ddf2 (one's complement), checksum 220d */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t *g = guard_copy(v, sizeof(v));
	uint32_t part;

	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(field(xst_csum(g, sizeof(v))), 0x220d);
	part = xst_csum_partial(g, sizeof(v), 0);
	ck_assert_uint_eq(field((uint16_t)~xst_csum_fold(part)), 0xddf2);
	guard_free(g, sizeof(v));

	/* an IPv4 header with a known checksum (0xb861, a common textbook example) */
	static const uint8_t ip[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
				      0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	ck_assert_uint_eq(field(xst_csum(ip, sizeof(ip))), 0xb861);
}
END_TEST

START_TEST(test_csum_random)
{
	uint8_t buf[2100];

	rnd_state = 0x9e3779b9u;
	for (int iter = 0; iter < 3000; iter++) {
		size_t len = iter < 300 ? (size_t)iter : rnd() % 2049;
		size_t off = rnd() % 8;	/* unaligned starts */
		uint8_t *g;

		fill(buf, len);
		g = guard_copy(buf, len);
		ck_assert_ptr_nonnull(g);
		ck_assert_msg(field(xst_csum(g, len)) == naive_csum(buf, len),
			      "len %zu", len);
		/* same data at another alignment (partial sum is not guarded here) */
		memmove(buf + off, buf, len);
		ck_assert_uint_eq(field(xst_csum(buf + off, len)), naive_csum(g, len));
		/* an even split adds up */
		if (len >= 2) {
			size_t cut = (rnd() % len) & ~(size_t)1;
			uint32_t a = xst_csum_partial(g, cut, 0);
			uint32_t b = xst_csum_partial(g + cut, len - cut, 0);

			ck_assert_uint_eq(xst_csum_fold(xst_csum_add(a, b)), xst_csum(g, len));
			/* chaining through the sum argument too */
			ck_assert_uint_eq(xst_csum_fold(xst_csum_partial(g + cut, len - cut, a)),
					  xst_csum(g, len));
		}
		guard_free(g, len);
	}
}
END_TEST

START_TEST(test_csum_all_ones)
{
	/* big inputs of 0xff stress the carries of the accumulator */
	static uint8_t buf[65536];

	memset(buf, 0xff, sizeof(buf));
	for (size_t len = 65536 - 40; len <= 65536; len++)
		ck_assert_uint_eq(field(xst_csum(buf, len)), naive_csum(buf, len));
	ck_assert_uint_eq(field(xst_csum_fold(xst_csum_partial(buf, 64, 0xffffffffu))),
			  (uint16_t)~ref_csum_sum(buf, 64, 0xffff + 0xffff));
}
END_TEST

START_TEST(test_csum_pseudo)
{
	uint8_t s6[16], d6[16], ph[40];
	uint8_t s4[4], d4[4];

	rnd_state = 777;
	for (int i = 0; i < 1000; i++) {
		uint32_t len = rnd() & 0xffff;
		uint8_t proto = (uint8_t)rnd();

		fill(s4, 4);
		fill(d4, 4);
		memcpy(ph, s4, 4);
		memcpy(ph + 4, d4, 4);
		ph[8] = 0;
		ph[9] = proto;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		ck_assert_uint_eq(field(xst_csum_fold(xst_csum_pseudo4(s4, d4, proto, len))),
				  naive_csum(ph, 12));

		fill(s6, 16);
		fill(d6, 16);
		memcpy(ph, s6, 16);
		memcpy(ph + 16, d6, 16);
		ph[32] = 0;
		ph[33] = 0;
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		ck_assert_uint_eq(field(xst_csum_fold(xst_csum_pseudo6(s6, d6, proto, len))),
				  naive_csum(ph, 40));
	}
}
END_TEST

/* Make the 16-bit word at even offset `at` such that the data sums to 0xffff
 * (checksum 0x0000), the corner RFC 1624 is about. */
static void force_sum_ffff(uint8_t *p, size_t len, size_t at)
{
	uint32_t rest;
	uint16_t w;

	p[at] = p[at + 1] = 0;
	rest = ref_csum_sum(p, len, 0);
	w = (uint16_t)(0xffff - rest);	/* rest + w == 0xffff without carry */
	p[at] = (uint8_t)(w >> 8);
	p[at + 1] = (uint8_t)w;
}

START_TEST(test_csum_rfc1624)
{
	uint8_t buf[128];
	int corners = 0;

	rnd_state = 4242;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 4 + 2 * (rnd() % 60);
		size_t at = 2 * (rnd() % (len / 2));
		uint16_t check, old, new;

		fill(buf, len);
		if (iter % 4 == 0)	/* start from checksum 0x0000 */
			force_sum_ffff(buf, len, (at + 2) % len);
		check = xst_csum(buf, len);
		old = xst_load16(buf + at);
		if (iter % 4 == 1) {	/* edit so that the result is checksum 0x0000 */
			force_sum_ffff(buf, len, at);
			new = xst_load16(buf + at);
		} else {
			new = (uint16_t)rnd();
			if (iter % 8 == 2)
				new = old;	/* no-op edit */
			xst_store16(buf + at, new);
		}
		if (ref_csum_sum(buf, len, 0) == 0)
			continue;	/* all-zero data: +0/-0 ambiguity, never a real header */
		if (xst_csum(buf, len) == 0)
			corners++;
		ck_assert_msg(xst_csum_replace2(check, old, new) == xst_csum(buf, len),
			      "iter %d: %04x -> %04x", iter, field(check), field(xst_csum(buf, len)));

		/* 32-bit fields (addresses) at 4-byte aligned offsets */
		if (len >= 8) {
			size_t at4 = 4 * (rnd() % (len / 4));
			uint32_t o4, n4;

			check = xst_csum(buf, len);
			memcpy(&o4, buf + at4, 4);
			n4 = rnd();
			memcpy(buf + at4, &n4, 4);
			if (ref_csum_sum(buf, len, 0) == 0)
				continue;
			ck_assert_uint_eq(xst_csum_replace4(check, o4, n4), xst_csum(buf, len));
		}
	}
	ck_assert_int_gt(corners, 1000);
}
END_TEST

/* ---- crafted frames ---------------------------------------------------- */

static const uint8_t MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t IP4_A[4] = { 198, 18, 0, 1 };
static const uint8_t IP4_B[4] = { 198, 18, 0, 2 };
static const uint8_t IP6_A[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 1 };
static const uint8_t IP6_B[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 2 };

struct spec {
	int v6;
	int vlans;		/* 0..3 */
	int optlen;		/* IPv4 option bytes (multiple of 4) */
	uint8_t proto;
	uint16_t sport, dport;
	uint32_t plen;		/* UDP payload bytes */
	uint32_t pad;		/* bytes after the IP packet */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Client A -> server B query frame; returns its length. */
static uint32_t build(uint8_t *f, const struct spec *s)
{
	uint32_t off = 12, ulen = 8 + s->plen, l4len;
	uint8_t *ip, *udp;
	int i;

	memcpy(f, MAC_B, 6);
	memcpy(f + 6, MAC_A, 6);
	for (i = 0; i < s->vlans; i++) {
		put16(f + off, i == 0 && s->vlans > 1 ? 0x88a8 : 0x8100);
		put16(f + off + 2, (uint16_t)(100 + i));
		off += 4;
	}
	put16(f + off, s->v6 ? 0x86dd : 0x0800);
	off += 2;
	ip = f + off;
	l4len = s->proto == XST_IPPROTO_UDP ? ulen : 8 + s->plen;
	if (s->v6) {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = s->proto;
		ip[7] = 57;
		memcpy(ip + 8, IP6_A, 16);
		memcpy(ip + 24, IP6_B, 16);
		udp = ip + 40;
	} else {
		int hl = 20 + s->optlen;

		memset(ip, 0, (size_t)hl);
		ip[0] = (uint8_t)(0x40 | hl / 4);
		put16(ip + 2, (uint16_t)(hl + l4len));
		put16(ip + 4, 0x1234);
		put16(ip + 6, 0x4000);
		ip[8] = 57;
		ip[9] = s->proto;
		memcpy(ip + 12, IP4_A, 4);
		memcpy(ip + 16, IP4_B, 4);
		for (i = 0; i < s->optlen; i++)
			ip[20 + i] = 1;	/* NOP options */
		xst_store16(ip + 10, xst_csum(ip, (size_t)hl));
		udp = ip + hl;
	}
	put16(udp, s->sport);
	put16(udp + 2, s->dport);
	put16(udp + 4, (uint16_t)ulen);
	/* IPv6 UDP may not go without a checksum: what a CHECKSUM_PARTIAL sender leaves */
	put16(udp + 6, s->v6 ? 0x1234 : 0);
	for (i = 0; i < (int)s->plen; i++)
		udp[8 + i] = (uint8_t)(0x30 + i);
	memset(udp + ulen, 0xee, s->pad);
	return (uint32_t)(udp - f) + l4len + s->pad;
}

static enum xst_net_verdict parse_guarded(const uint8_t *f, uint32_t len, struct xst_pkt *p)
{
	uint8_t *g = guard_copy(f, len);
	enum xst_net_verdict v;

	ck_assert_ptr_nonnull(g);
	v = xst_net_parse(g, len, p);
	guard_free(g, len);
	return v;
}

static const struct spec good[] = {
	{ .v6 = 0, .proto = 17, .sport = 40000, .dport = 53, .plen = 29 },
	{ .v6 = 1, .proto = 17, .sport = 40001, .dport = 53, .plen = 29 },
	{ .v6 = 0, .vlans = 1, .proto = 17, .sport = 1, .dport = 53, .plen = 17 },
	{ .v6 = 1, .vlans = 1, .proto = 17, .sport = 2, .dport = 53, .plen = 0 },
	{ .v6 = 0, .vlans = 2, .proto = 17, .sport = 3, .dport = 53, .plen = 33 },
	{ .v6 = 1, .vlans = 2, .proto = 17, .sport = 4, .dport = 5353, .plen = 33 },
	{ .v6 = 0, .optlen = 8, .proto = 17, .sport = 5, .dport = 53, .plen = 31 },
	{ .v6 = 0, .optlen = 40, .vlans = 2, .proto = 17, .sport = 6, .dport = 53, .plen = 1 },
	{ .v6 = 0, .proto = 17, .sport = 7, .dport = 53, .plen = 3, .pad = 15 },
	{ .v6 = 0, .proto = 6, .sport = 8, .dport = 80, .plen = 12 },
	{ .v6 = 1, .proto = 6, .sport = 9, .dport = 80, .plen = 12 },
};

START_TEST(test_parse_good)
{
	const struct spec *s = &good[_i];
	uint8_t f[512];
	struct xst_pkt p;
	uint32_t len = build(f, s);
	uint32_t l3 = 14 + 4 * (uint32_t)s->vlans;
	uint32_t hl = s->v6 ? 40 : 20 + (uint32_t)s->optlen;

	ck_assert_int_eq(parse_guarded(f, len, &p), XST_NET_OK);
	ck_assert_uint_eq(p.nr_vlans, s->vlans);
	ck_assert_uint_eq(p.l3_off, l3);
	ck_assert_uint_eq(p.l3_hlen, hl);
	ck_assert_uint_eq(p.l4_off, l3 + hl);
	ck_assert_uint_eq(p.l4_len, 8 + s->plen);
	ck_assert_uint_eq(p.l3_proto, s->v6 ? XST_ETH_P_IPV6 : XST_ETH_P_IP);
	ck_assert_uint_eq(p.l4_proto, s->proto);
	ck_assert_uint_eq(p.sport, s->sport);
	ck_assert_uint_eq(p.dport, s->dport);
}
END_TEST

START_TEST(test_parse_truncated)
{
	const struct spec *s = &good[_i];
	uint8_t f[512];
	struct xst_pkt p;
	uint32_t len = build(f, s), cut;

	/* without padding every shorter frame is short somewhere; with padding,
	 * cutting into the padding only is still a whole IP packet */
	for (cut = 0; cut < len - s->pad; cut++)
		ck_assert_msg(parse_guarded(f, cut, &p) == XST_NET_MALFORMED,
			      "spec %d cut %u of %u", _i, cut, len);
	for (; cut <= len; cut++)
		ck_assert_int_eq(parse_guarded(f, cut, &p), XST_NET_OK);
}
END_TEST

enum mut {
	M_THREE_TAGS, M_IHL_4, M_IHL_15, M_VERSION, M_TOTLEN_BIG, M_TOTLEN_SMALL,
	M_ULEN_BIG, M_ULEN_SMALL, M_MF, M_FRAGOFF, M_SPORT0, M_V6_PLEN_BIG, M_V6_FRAG,
	M_V6_ESP, M_V6_CSUM0, M_V6_VERSION, M_MCAST_DST4, M_BCAST_SRC4, M_ZERO_SRC4, M_MCAST_DST6,
	M_MCAST_SRC6, M_BCAST_MAC, M_GROUP_SRC_MAC, M_ARP, M_ICMP, M_8023, M_IPV4_CSUM, M_MAX
};

static const struct {
	int v6;
	enum xst_net_verdict want;
} muts[M_MAX] = {
	[M_THREE_TAGS] = { 0, XST_NET_UNSUPPORTED },
	[M_IHL_4] = { 0, XST_NET_MALFORMED },
	[M_IHL_15] = { 0, XST_NET_MALFORMED },
	[M_VERSION] = { 0, XST_NET_MALFORMED },
	[M_TOTLEN_BIG] = { 0, XST_NET_MALFORMED },
	[M_TOTLEN_SMALL] = { 0, XST_NET_MALFORMED },
	[M_ULEN_BIG] = { 0, XST_NET_MALFORMED },
	[M_ULEN_SMALL] = { 0, XST_NET_MALFORMED },
	[M_MF] = { 0, XST_NET_FRAGMENT },
	[M_FRAGOFF] = { 0, XST_NET_FRAGMENT },
	[M_SPORT0] = { 0, XST_NET_MALFORMED },
	[M_V6_PLEN_BIG] = { 1, XST_NET_MALFORMED },
	[M_V6_FRAG] = { 1, XST_NET_FRAGMENT },
	[M_V6_ESP] = { 1, XST_NET_UNSUPPORTED },
	[M_V6_CSUM0] = { 1, XST_NET_MALFORMED },
	[M_V6_VERSION] = { 1, XST_NET_MALFORMED },
	[M_MCAST_DST4] = { 0, XST_NET_NOT_UNICAST },
	[M_BCAST_SRC4] = { 0, XST_NET_NOT_UNICAST },
	[M_ZERO_SRC4] = { 0, XST_NET_NOT_UNICAST },
	[M_MCAST_DST6] = { 1, XST_NET_NOT_UNICAST },
	[M_MCAST_SRC6] = { 1, XST_NET_NOT_UNICAST },
	[M_BCAST_MAC] = { 0, XST_NET_NOT_UNICAST },
	[M_GROUP_SRC_MAC] = { 1, XST_NET_NOT_UNICAST },
	[M_ARP] = { 0, XST_NET_UNSUPPORTED },
	[M_ICMP] = { 0, XST_NET_OTHER_PROTO },
	[M_8023] = { 0, XST_NET_UNSUPPORTED },
	[M_IPV4_CSUM] = { 0, XST_NET_MALFORMED },
};

START_TEST(test_parse_bad)
{
	struct spec s = { .v6 = muts[_i].v6, .proto = 17, .sport = 1000, .dport = 53,
			  .plen = 20 };
	uint8_t f[512];
	struct xst_pkt p;
	uint32_t len;
	uint8_t *ip, *udp;

	if (_i == M_THREE_TAGS)
		s.vlans = 3;
	if (_i == M_ICMP)
		s.proto = 1;
	if (_i == M_SPORT0)
		s.sport = 0;
	len = build(f, &s);
	/* the unmutated frame is good (except the ones built bad on purpose) */
	if (_i != M_THREE_TAGS && _i != M_ICMP && _i != M_SPORT0)
		ck_assert_int_eq(parse_guarded(f, len, &p), XST_NET_OK);
	ip = f + 14;
	udp = ip + (s.v6 ? 40 : 20);
	switch (_i) {
	case M_IHL_4: ip[0] = 0x44; break;
	case M_IHL_15: ip[0] = 0x4f; break;	/* 60 bytes of header > 48 in the frame */
	case M_VERSION: ip[0] = 0x55; break;
	case M_TOTLEN_BIG: put16(ip + 2, (uint16_t)(get16(ip + 2) + 1)); break;
	case M_TOTLEN_SMALL: put16(ip + 2, 19); break;
	case M_ULEN_BIG: put16(udp + 4, (uint16_t)(get16(udp + 4) + 1)); break;
	case M_ULEN_SMALL: put16(udp + 4, 7); break;
	case M_MF: put16(ip + 6, 0x2000); break;
	case M_FRAGOFF: put16(ip + 6, 0x0001); break;
	case M_V6_PLEN_BIG: put16(ip + 4, (uint16_t)(get16(ip + 4) + 1)); break;
	case M_V6_FRAG: ip[6] = 44; break;
	case M_V6_ESP: ip[6] = 50; break;
	case M_V6_CSUM0: put16(udp + 6, 0); break;	/* RFC 8200 8.1: discarded */
	case M_V6_VERSION: ip[0] = 0x40; break;
	case M_MCAST_DST4: ip[16] = 224; ip[19] = 251; break;
	case M_BCAST_SRC4: memset(ip + 12, 0xff, 4); break;
	case M_ZERO_SRC4: memset(ip + 12, 0, 4); break;
	case M_MCAST_DST6: ip[24] = 0xff; ip[25] = 0x02; break;
	case M_MCAST_SRC6: ip[8] = 0xff; break;
	case M_BCAST_MAC: memset(f, 0xff, 6); break;
	case M_GROUP_SRC_MAC: f[6] |= 1; break;
	case M_ARP: put16(f + 12, 0x0806); break;
	case M_8023: put16(f + 12, 0x0100); break;
	case M_IPV4_CSUM: ip[10] ^= 0x01; break;
	default: break;
	}
	/* A mutated IPv4 header gets its checksum made right again, so that
	 * each case is about its own field (M_IPV4_CSUM excepted). */
	if (!s.v6 && _i != M_IPV4_CSUM && (ip[0] >> 4) == 4 && (ip[0] & 15) * 4u <= len - 14 &&
	    (ip[0] & 15) >= 5) {
		uint32_t hl = (ip[0] & 15) * 4u;

		put16(ip + 10, 0);
		xst_store16(ip + 10, xst_csum(ip, hl));
	}
	ck_assert_msg(parse_guarded(f, len, &p) == muts[_i].want, "mutation %d", _i);
}
END_TEST

/* ---- in-place UDP reply ------------------------------------------------- */

/* Verify IPv4 header and UDP checksums of a reply frame independently. */
static void check_reply(const uint8_t *r, uint32_t rlen, const struct spec *s,
			const uint8_t *payload, uint32_t plen)
{
	uint32_t off = 12 + 4 * (uint32_t)s->vlans, ulen = 8 + plen, i;
	const uint8_t *ip, *udp;
	uint8_t ph[40];
	uint32_t sum;

	ck_assert_mem_eq(r, MAC_A, 6);
	ck_assert_mem_eq(r + 6, MAC_B, 6);
	for (i = 0; i < (uint32_t)s->vlans; i++) {	/* tags as received */
		ck_assert_uint_eq(get16(r + 12 + 4 * i), i == 0 && s->vlans > 1 ? 0x88a8 : 0x8100);
		ck_assert_uint_eq(get16(r + 14 + 4 * i), 100 + i);
	}
	ck_assert_uint_eq(get16(r + off), s->v6 ? 0x86dd : 0x0800);
	ip = r + off + 2;
	if (s->v6) {
		ck_assert_uint_eq(ip[0] >> 4, 6);
		ck_assert_uint_eq(get16(ip + 4), ulen);
		ck_assert_uint_eq(ip[6], 17);
		ck_assert_uint_eq(ip[7], 64);
		ck_assert_mem_eq(ip + 8, IP6_B, 16);
		ck_assert_mem_eq(ip + 24, IP6_A, 16);
		udp = ip + 40;
		memcpy(ph, ip + 8, 32);
		memset(ph + 32, 0, 8);
		put16(ph + 34, (uint16_t)ulen);
		ph[39] = 17;
		sum = ref_csum_sum(ph, 40, 0);
	} else {
		ck_assert_uint_eq(ip[0], 0x45);	/* options dropped */
		ck_assert_uint_eq(get16(ip + 2), 20 + ulen);
		ck_assert_uint_eq(get16(ip + 4), 0x1234);	/* id kept */
		ck_assert_uint_eq(get16(ip + 6), 0x4000);	/* DF kept */
		ck_assert_uint_eq(ip[8], 64);
		ck_assert_uint_eq(ip[9], 17);
		ck_assert_mem_eq(ip + 12, IP4_B, 4);
		ck_assert_mem_eq(ip + 16, IP4_A, 4);
		ck_assert_uint_eq(ref_csum_sum(ip, 20, 0), 0xffff);	/* header checksum verifies */
		udp = ip + 20;
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		put16(ph + 10, (uint16_t)ulen);
		sum = ref_csum_sum(ph, 12, 0);
	}
	ck_assert_uint_eq(get16(udp), s->dport);
	ck_assert_uint_eq(get16(udp + 2), s->sport);
	ck_assert_uint_eq(get16(udp + 4), ulen);
	ck_assert_uint_ne(get16(udp + 6), 0);
	ck_assert_uint_eq(ref_csum_sum(udp, ulen, sum), 0xffff);	/* UDP checksum verifies */
	ck_assert_mem_eq(udp + 8, payload, plen);
	ck_assert_uint_eq(rlen, (uint32_t)(udp - r) + ulen);
}

START_TEST(test_reply)
{
	const struct spec *s = &good[_i];
	uint8_t f[2048], payload[1500];
	struct xst_pkt p;
	uint32_t len, room, plen, rlen;

	if (s->proto != XST_IPPROTO_UDP)
		return;
	rnd_state = 99 + (uint32_t)_i;
	for (int iter = 0; iter < 50; iter++) {
		len = build(f, s);
		ck_assert_int_eq(xst_net_parse(f, len, &p), XST_NET_OK);
		room = xst_net_udp_room(&p, sizeof(f), 1500);
		ck_assert_uint_eq(room, 1500 - 8 - (s->v6 ? 40 : 20));
		plen = iter == 0 ? 0 : rnd() % (room + 1);
		fill(payload, plen);
		memcpy(f + p.l4_off + 8, payload, plen);
		rlen = xst_net_udp_reply(f, &p, plen);
		check_reply(f, rlen, s, payload, plen);
	}
}
END_TEST

START_TEST(test_reply_csum_never_zero)
{
	/* a payload whose words cancel the rest of the sum: the computed
	 * checksum is 0, which UDP sends as 0xffff (0 means "no checksum") */
	struct spec s = { .proto = 17, .sport = 1234, .dport = 53, .plen = 4 };
	uint8_t f[256], tmp[256];
	struct xst_pkt p;
	uint32_t len, rlen;
	uint16_t c;

	len = build(f, &s);
	ck_assert_int_eq(xst_net_parse(f, len, &p), XST_NET_OK);
	memset(f + p.l4_off + 8, 0, 4);
	memcpy(tmp, f, len);
	xst_net_udp_reply(tmp, &p, 4);
	c = get16(tmp + p.l4_off + 6);	/* ~S, S: sum of everything else */
	/* a payload word w = c makes the sum S + c = 0xffff, i.e. checksum 0 */
	put16(f + p.l4_off + 8, c);
	rlen = xst_net_udp_reply(f, &p, 4);
	ck_assert_uint_eq(rlen, len);
	ck_assert_uint_eq(get16(f + p.l4_off + 6), 0xffff);
	check_reply(f, rlen, &s, f + p.l4_off + 8, 4);
}
END_TEST

/* ---- IPv6 extension headers ------------------------------------------------ */

/* One extension header: next-header value, and its bytes after the 2-byte prefix. */
struct ext {
	uint8_t type;		/* 0 hop-by-hop, 43 routing, 60 destination options, ... */
	uint8_t units;		/* Hdr Ext Len: 8-byte units after the first 8 */
	uint8_t segleft;	/* routing: Segments Left */
	uint8_t opt;		/* options: the type of one option filling the header (0: PadN) */
	int overrun;		/* options: the option's length runs past the header */
};

static const struct {
	const char *name;
	struct ext e[6];
	int n;
	enum xst_net_verdict want;
} ext_cases[] = {
	{ "hop-by-hop PadN", { { 0, 0, 0, 1, 0 } }, 1, XST_NET_OK },
	{ "hop-by-hop 24 bytes", { { 0, 2, 0, 1, 0 } }, 1, XST_NET_OK },
	{ "destination options", { { 60, 0, 0, 1, 0 } }, 1, XST_NET_OK },
	{ "routing, segments left 0", { { 43, 0, 0, 0, 0 } }, 1, XST_NET_OK },
	{ "hbh + routing + dstopts", { { 0, 0, 0, 1, 0 }, { 43, 1, 0, 0, 0 }, { 60, 0, 0, 1, 0 } },
	  3, XST_NET_OK },
	{ "four headers (the limit)", { { 0, 0, 0, 1, 0 }, { 60, 0, 0, 1, 0 }, { 43, 0, 0, 0, 0 },
					{ 60, 0, 0, 1, 0 } }, 4, XST_NET_OK },
	{ "five headers", { { 0, 0, 0, 1, 0 }, { 60, 0, 0, 1, 0 }, { 43, 0, 0, 0, 0 },
			    { 60, 0, 0, 1, 0 }, { 60, 0, 0, 1, 0 } }, 5, XST_NET_UNSUPPORTED },
	{ "routing, segments left 1", { { 43, 0, 1, 0, 0 } }, 1, XST_NET_UNSUPPORTED },
	{ "hop-by-hop not first", { { 60, 0, 0, 1, 0 }, { 0, 0, 0, 1, 0 } }, 2, XST_NET_UNSUPPORTED },
	{ "option 0xc2 (jumbo: discard)", { { 0, 0, 0, 0xc2, 0 } }, 1, XST_NET_UNSUPPORTED },
	{ "option 0x4f (discard)", { { 60, 0, 0, 0x4f, 0 } }, 1, XST_NET_UNSUPPORTED },
	{ "option 0x1e (skip)", { { 60, 0, 0, 0x1e, 0 } }, 1, XST_NET_OK },
	{ "option past the header", { { 60, 0, 0, 1, 1 } }, 1, XST_NET_MALFORMED },
	{ "fragment after hbh", { { 0, 0, 0, 1, 0 }, { 44, 0, 0, 0, 0 } }, 2, XST_NET_FRAGMENT },
	{ "mobility", { { 135, 0, 0, 0, 0 } }, 1, XST_NET_UNSUPPORTED },
};

/* An IPv6/UDP frame with the extension headers of case c; *ext_len gets their bytes. */
static uint32_t build_ext(uint8_t *f, int c, uint32_t plen, uint32_t *ext_len)
{
	struct spec s = { .v6 = 1, .proto = 17, .sport = 4242, .dport = 53, .plen = plen };
	uint32_t len = build(f, &s), off = 14 + 40, total = 0;
	uint8_t udp[600];
	int k;

	memcpy(udp, f + off, len - off);
	for (k = 0; k < ext_cases[c].n; k++) {
		const struct ext *e = &ext_cases[c].e[k];
		uint32_t hl = 8u + 8u * e->units;
		uint8_t *h = f + off + total;

		memset(h, 0, hl);
		h[0] = k + 1 < ext_cases[c].n ? ext_cases[c].e[k + 1].type : 17;
		h[1] = e->units;
		if (e->type == 43) {
			h[2] = 4;	/* routing type: any; only Segments Left matters */
			h[3] = e->segleft;
		} else if (e->type == 0 || e->type == 60) {
			h[2] = e->opt;	/* one option filling the rest */
			h[3] = (uint8_t)(hl - 4 + (e->overrun ? 1 : 0));
		}
		total += hl;
	}
	f[14 + 6] = ext_cases[c].n ? ext_cases[c].e[0].type : 17;
	memcpy(f + off + total, udp, len - off);
	put16(f + 14 + 4, (uint16_t)(get16(f + 14 + 4) + total));
	*ext_len = total;
	return len + total;
}

START_TEST(test_parse_ipv6_ext)
{
	uint8_t f[1024], payload[64];
	struct xst_pkt p;
	uint32_t len, ext, rlen;
	struct spec s = { .v6 = 1, .proto = 17, .sport = 4242, .dport = 53, .plen = 24 };

	len = build_ext(f, _i, 24, &ext);
	ck_assert_msg(parse_guarded(f, len, &p) == ext_cases[_i].want, "%s: verdict",
		      ext_cases[_i].name);
	if (ext_cases[_i].want != XST_NET_OK)
		return;
	ck_assert_uint_eq(p.l3_hlen, 40 + ext);
	ck_assert_uint_eq(p.l4_off, 14 + 40 + ext);
	ck_assert_uint_eq(p.l4_len, 8 + 24);
	ck_assert_uint_eq(p.l4_proto, 17);
	ck_assert_uint_eq(p.sport, 4242);
	ck_assert_uint_eq(p.dport, 53);
	/* every cut of the frame is refused, never a read past it */
	for (uint32_t cut = 0; cut < len; cut++) {
		struct xst_pkt q;

		ck_assert_int_ne(parse_guarded(f, cut, &q), XST_NET_OK);
	}
	/* a reply carries no extension header: UDP right after the fixed header */
	memcpy(payload, f + p.l4_off + 8, 24);
	rlen = xst_net_udp_reply(f, &p, 24);
	check_reply(f, rlen, &s, payload, 24);
}
END_TEST

Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("csum");
	int ngood = (int)(sizeof(good) / sizeof(good[0]));

	tcase_add_test(tc, test_csum_rfc1071);
	tcase_add_test(tc, test_csum_random);
	tcase_add_test(tc, test_csum_all_ones);
	tcase_add_test(tc, test_csum_pseudo);
	tcase_add_test(tc, test_csum_rfc1624);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_good, 0, ngood);
	tcase_add_loop_test(tc, test_parse_truncated, 0, ngood);
	tcase_add_loop_test(tc, test_parse_bad, 0, M_MAX);
	tcase_add_loop_test(tc, test_parse_ipv6_ext, 0,
			    (int)(sizeof(ext_cases) / sizeof(ext_cases[0])));
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply");
	tcase_add_loop_test(tc, test_reply, 0, ngood);
	tcase_add_test(tc, test_reply_csum_never_zero);
	suite_add_tcase(s, tc);
	return s;
}
