// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-segmentation (http/segment.h) and the net/tcp.h send paths under it.
 * Every frame sent is parsed back with xst_net_parse() + xst_tcp_parse() and
 * its checksums are recomputed from scratch with the reference summer of
 * tests/lib/ref_csum.h (independent of net/csum.c): lengths, flags,
 * addresses, ports, sequence fields and payload bytes are all compared with
 * what was asked for. Random inputs come from a fixed-seed xorshift, so a
 * failure reproduces.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/byteorder.h"
#include "http/arena.h"
#include "http/segment.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/tcp.h"
#include "../lib/ref_csum.h"

#define FRAME_CAP	(XST_ETH_HLEN + 2 * XST_VLAN_HLEN + XST_IPV6_HLEN + XST_TCP_HLEN_MAX + 70000)

static const uint16_t mss_list[] = { 536, 1220, 1400, 1440, 1448, 1460 };
#define NR_MSS (sizeof(mss_list) / sizeof(mss_list[0]))

static uint32_t rnd_state = 0x9e3779b9;

static uint32_t rnd(void)
{
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

static uint8_t *xmalloc(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	return p;
}

/*
 * A passing ck_assert writes a mark point to check's pipe (a syscall): the
 * helpers below run hundreds of thousands of comparisons, so they call
 * check only when a comparison fails (to report it).
 */
#define EQ(a, b)                                                        \
	do {                                                            \
		if ((uint64_t)(uintptr_t)(a) != (uint64_t)(uintptr_t)(b)) \
			ck_assert_uint_eq((uintptr_t)(a), (uintptr_t)(b)); \
	} while (0)
#define GE(a, b)                                                        \
	do {                                                            \
		if (!((a) >= (b)))                                      \
			ck_assert_uint_ge(a, b);                        \
	} while (0)
#define LE(a, b)                                                        \
	do {                                                            \
		if (!((a) <= (b)))                                      \
			ck_assert_uint_le(a, b);                        \
	} while (0)
#define MEMEQ(a, b, n)                                                  \
	do {                                                            \
		if (memcmp(a, b, n))                                    \
			ck_assert_mem_eq(a, b, n);                      \
	} while (0)
#define ISNULL(p)                                                       \
	do {                                                            \
		if (p)                                                  \
			ck_assert_ptr_null(p);                          \
	} while (0)

/* ---- reference checks --------------------------------------------------- */

/* The full TCP checksum over the pseudo header and the segment: 0xffff when valid. */
static uint32_t ref_tcp_sum(const uint8_t *ip, int v6, const uint8_t *tcp, uint32_t l4len)
{
	return ref_csum_l4(ip, v6, XST_IPPROTO_TCP, tcp, l4len);
}

struct expect {
	const struct xst_tcp_flow *fl;
	uint32_t seq, ack;
	uint16_t win;
	uint8_t flags;
	const uint8_t *payload;	/* plen bytes expected after the TCP header */
	uint32_t plen;
	uint32_t optlen;
};

/* Parse frame[0..len) and check every field against e, and both checksums. */
static void verify(const uint8_t *frame, uint32_t len, const struct expect *e)
{
	const struct xst_tcp_flow *fl = e->fl;
	uint32_t iph = fl->v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN;
	uint32_t l3 = XST_ETH_HLEN + fl->nr_vlans * XST_VLAN_HLEN;
	uint32_t l4len = XST_TCP_HLEN + e->optlen + e->plen;
	const uint8_t *ip = frame + l3;
	struct xst_tcp_seg s;
	struct xst_pkt p;

	EQ(len, l3 + iph + l4len);
	EQ(xst_net_parse(frame, len, &p), XST_NET_OK);
	EQ(p.l4_proto, XST_IPPROTO_TCP);
	EQ(p.nr_vlans, fl->nr_vlans);
	EQ(p.l3_off, l3);
	EQ(p.l3_proto, fl->v6 ? XST_ETH_P_IPV6 : XST_ETH_P_IP);
	EQ(p.l4_len, l4len);
	MEMEQ(frame, fl->eth, 12);
	if (fl->nr_vlans)
		MEMEQ(frame + 12, fl->vlan, fl->nr_vlans * XST_VLAN_HLEN);
	if (fl->v6) {
		EQ(xst_get_be32(ip), 0x60000000u);
		EQ(ip[6], XST_IPPROTO_TCP);
		EQ(ip[7], 64);
		MEMEQ(ip + 8, fl->saddr, 16);
		MEMEQ(ip + 24, fl->daddr, 16);
	} else {
		EQ(ip[0], 0x45);
		EQ(xst_get_be16(ip + 2), iph + l4len);
		EQ(xst_get_be16(ip + 6), XST_IPV4_DF);
		EQ(ip[8], 64);
		EQ(ip[9], XST_IPPROTO_TCP);
		MEMEQ(ip + 12, fl->saddr, 4);
		MEMEQ(ip + 16, fl->daddr, 4);
		EQ(ref_csum_sum(ip, XST_IPV4_HLEN, 0), 0xffff);
	}
	EQ(xst_tcp_parse(frame, &p, &s), XST_NET_OK);
	MEMEQ(s.hdr, &fl->sport, 2);
	MEMEQ(s.hdr + 2, &fl->dport, 2);
	EQ(s.seq, e->seq);
	EQ(s.ack, e->ack);
	EQ(s.win, e->win);
	EQ(s.flags, e->flags);
	EQ(s.hlen, XST_TCP_HLEN + e->optlen);
	EQ(s.len, e->plen);
	EQ(xst_get_be16(s.hdr + 18), 0);	/* urgent pointer */
	if (e->plen)
		MEMEQ(s.data, e->payload, e->plen);
	EQ(ref_tcp_sum(ip, fl->v6, s.hdr, l4len), 0xffff);
}

/* ---- flows: from a crafted received frame, through xst_tcp_flow_init() --- */

static void rnd_addr(uint8_t *a, int v6)
{
	if (v6) {
		fill(a, 16);
		a[0] = (uint8_t)(rnd() % 0xff);	/* never ff00::/8 */
		a[15] |= 1;			/* never :: */
	} else {
		fill(a, 4);
		a[0] = (uint8_t)(1 + rnd() % 223);	/* 1..223: unicast */
	}
}

static void make_flow(struct xst_tcp_flow *fl, int v6, unsigned nr_vlans)
{
	uint8_t rx[128], ours[16], peer[16], *ip, *tcp;
	uint16_t oport = (uint16_t)(1 + rnd() % 65535), pport = (uint16_t)(1 + rnd() % 65535);
	uint32_t off = 12, i;
	struct xst_pkt p;

	memset(rx, 0, sizeof(rx));
	fill(rx, 12);
	rx[0] &= 0xfe;		/* unicast MACs: ours (destination), the peer's */
	rx[6] &= 0xfe;
	for (i = 0; i < nr_vlans; i++) {
		xst_put_be16(rx + off, i == 0 && nr_vlans == 2 ? XST_ETH_P_8021AD : XST_ETH_P_8021Q);
		xst_put_be16(rx + off + 2, (uint16_t)rnd());
		off += 4;
	}
	xst_put_be16(rx + off, v6 ? XST_ETH_P_IPV6 : XST_ETH_P_IP);
	ip = rx + off + 2;
	rnd_addr(ours, v6);
	rnd_addr(peer, v6);
	if (v6) {
		xst_put_be32(ip, 0x60000000u);
		xst_put_be16(ip + 4, XST_TCP_HLEN);
		ip[6] = XST_IPPROTO_TCP;
		ip[7] = 55;
		memcpy(ip + 8, peer, 16);
		memcpy(ip + 24, ours, 16);
		tcp = ip + XST_IPV6_HLEN;
	} else {
		ip[0] = 0x45;
		xst_put_be16(ip + 2, XST_IPV4_HLEN + XST_TCP_HLEN);
		ip[8] = 55;
		ip[9] = XST_IPPROTO_TCP;
		memcpy(ip + 12, peer, 4);
		memcpy(ip + 16, ours, 4);
		xst_put_be16(ip + 10, (uint16_t)~ref_csum_sum(ip, XST_IPV4_HLEN, 0));
		tcp = ip + XST_IPV4_HLEN;
	}
	xst_put_be16(tcp, pport);
	xst_put_be16(tcp + 2, oport);
	tcp[12] = 5 << 4;
	tcp[13] = XST_TCP_ACK;
	EQ(xst_net_parse(rx, (uint32_t)(tcp - rx) + XST_TCP_HLEN, &p), XST_NET_OK);
	xst_tcp_flow_init(fl, rx, &p);
	/* the reply flow is the received one swapped */
	MEMEQ(fl->eth, rx + 6, 6);
	MEMEQ(fl->eth + 6, rx, 6);
	EQ(fl->nr_vlans, nr_vlans);
	EQ(fl->v6, !!v6);
	MEMEQ(fl->saddr, ours, v6 ? 16 : 4);
	MEMEQ(fl->daddr, peer, v6 ? 16 : 4);
	EQ(xst_get_be16(&fl->sport), oport);
	EQ(xst_get_be16(&fl->dport), pport);
}

static void rnd_flow(struct xst_tcp_flow *fl, int v6)
{
	make_flow(fl, v6, rnd() % 3);
}

/* ---- streams ------------------------------------------------------------- */

struct stream {
	uint8_t *bytes;		/* hdr + body, concatenated: the expected payloads */
	struct xst_http_stream st;
};

static void stream_make(struct stream *s, uint32_t hlen, uint64_t blen)
{
	s->bytes = xmalloc(hlen + blen);
	fill(s->bytes, hlen + blen);
	s->st.hdr = hlen ? s->bytes : NULL;
	s->st.hlen = hlen;
	s->st.body = blen ? s->bytes + hlen : NULL;
	s->st.blen = blen;
}

static void stream_free(struct stream *s)
{
	free(s->bytes);
}

/* The prepared frame itself is valid for the all-zero flow. */
static void verify_prepared(const struct xst_http_segs *ss, uint32_t i, const uint8_t *bytes)
{
	const struct xst_http_seg *sg = &ss->seg[i];
	const uint8_t *f = sg->frame, *ip = f + XST_ETH_HLEN;
	const uint8_t *tcp = ip + (ss->v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN);
	static const uint8_t zero[16];
	uint32_t l4len = XST_TCP_HLEN + sg->len;

	EQ(sg->frame_len, (ss->v6 ? XST_HTTP_SEG_HDR6 : XST_HTTP_SEG_HDR4) + sg->len);
	MEMEQ(f, zero, 12);
	EQ(xst_get_be16(f + 12), ss->v6 ? XST_ETH_P_IPV6 : XST_ETH_P_IP);
	MEMEQ(ip + (ss->v6 ? 8 : 12), zero, ss->v6 ? 16 : 8);
	if (ss->v6) {
		EQ(xst_get_be16(ip + 4), l4len);
	} else {
		EQ(xst_get_be16(ip + 2), XST_IPV4_HLEN + l4len);
		EQ(xst_get_be16(ip + 4), 0);	/* id */
		EQ(ref_csum_sum(ip, XST_IPV4_HLEN, 0), 0xffff);
	}
	MEMEQ(tcp, zero, 12);	/* ports, seq, ack */
	EQ(tcp[12], 5 << 4);
	EQ(tcp[13], i + 1 == ss->nr ? XST_TCP_ACK | XST_TCP_PSH : XST_TCP_ACK);
	MEMEQ(tcp + 14, zero, 2);	/* window */
	MEMEQ(tcp + XST_TCP_HLEN, bytes + sg->off, sg->len);
	EQ(ref_tcp_sum(ip, ss->v6, tcp, l4len), 0xffff);
}

/* Structure: contiguous, at most mss each, all mss but the last, the
 * concatenation is the stream, xst_http_segs_at() right at every offset. */
static void check_segs(const struct xst_http_segs *ss, const uint8_t *bytes, uint64_t len,
		       uint16_t mss, int v6)
{
	uint64_t off = 0, o;
	uint32_t i;

	EQ(ss->mss, mss);
	EQ(ss->v6, !!v6);
	EQ(ss->stream_len, len);
	EQ(ss->nr, (len + mss - 1) / mss);
	if (!len)
		ISNULL(xst_http_segs_at(ss, 0));
	for (i = 0; i < ss->nr; i++) {
		const struct xst_http_seg *sg = &ss->seg[i];

		EQ(sg->off, off);
		GE(sg->len, 1);
		LE(sg->len, mss);
		if (i + 1 < ss->nr)
			EQ(sg->len, mss);
		verify_prepared(ss, i, bytes);
		for (o = off; o < off + sg->len; o++)
			EQ(xst_http_segs_at(ss, o), sg);
		off += sg->len;
	}
	EQ(off, len);
	ISNULL(xst_http_segs_at(ss, len));
	ISNULL(xst_http_segs_at(ss, len + 12345));
}

/* Send every segment with xst_http_seg_copy() for random flows; verify. */
static void copy_all(const struct xst_http_segs *ss, const uint8_t *bytes, uint8_t *buf)
{
	uint32_t i;

	for (i = 0; i < ss->nr; i++) {
		const struct xst_http_seg *sg = &ss->seg[i];
		struct xst_tcp_flow fl;
		uint8_t fin = rnd() & 1 ? XST_TCP_FIN : 0;
		struct expect e = { .fl = &fl, .seq = rnd(), .ack = rnd(), .win = (uint16_t)rnd(),
				    .payload = bytes + sg->off, .plen = sg->len };
		uint32_t len;

		rnd_flow(&fl, ss->v6);
		e.flags = (uint8_t)(XST_TCP_ACK | fin | (i + 1 == ss->nr ? XST_TCP_PSH : 0));
		len = xst_http_seg_copy(buf, FRAME_CAP, sg, &fl, e.seq, e.ack, e.win, fin);
		verify(buf, len, &e);
		/* exactly enough room, one byte short */
		EQ(xst_http_seg_copy(buf, len, sg, &fl, e.seq, e.ack, e.win, fin),
				  len);
		EQ(xst_http_seg_copy(buf, len - 1, sg, &fl, e.seq, e.ack, e.win, fin),
				  0);
		fl.v6 = !fl.v6;		/* a flow of the other family */
		EQ(xst_http_seg_copy(buf, FRAME_CAP, sg, &fl, 1, 2, 3, 0), 0);
	}
}

/* One stream length of the list, hdr/body split at random. */
static uint64_t case_len(int c, uint16_t mss, uint32_t *hlen)
{
	static const uint64_t rnd_lens[] = { 4097, 77777, 31337 };
	uint64_t len;

	switch (c) {
	case 0: len = 0; break;
	case 1: len = 1; break;
	case 2: len = 200 + rnd() % 300; *hlen = (uint32_t)len; return len;	/* header only */
	case 3: len = mss - 1u; break;
	case 4: len = mss; break;
	case 5: len = mss + 1u; break;
	case 6: len = 3u * mss + 7; break;
	case 7: len = 100000; break;
	default: len = rnd_lens[c - 8] + rnd() % 1000; break;
	}
	*hlen = (uint32_t)(rnd() % 400 < len ? rnd() % (len + 1 < 400 ? len + 1 : 400) : 0);
	return len;
}
#define NR_CASES 11

START_TEST(test_segs_lengths)
{
	uint8_t *buf = xmalloc(FRAME_CAP);
	int v6 = _i & 1, c = _i >> 1;
	size_t m;

	for (m = 0; m < NR_MSS; m++) {
		struct xst_http_arena a;
		struct xst_http_segs ss;
		struct stream s;
		uint32_t hlen = 0;
		uint64_t len = case_len(c, mss_list[m], &hlen);

		xst_http_arena_init(&a, 0);
		stream_make(&s, hlen, len - hlen);
		EQ(xst_http_segs_build(&ss, &a, s.st.hdr, s.st.hlen, s.st.body,
						     s.st.blen, v6, mss_list[m]),
				 0);
		check_segs(&ss, s.bytes, len, mss_list[m], v6);
		if (len < 20000 || m == 0)
			copy_all(&ss, s.bytes, buf);
		GE(a.reserved, a.used);
		GE(a.used, len + (uint64_t)ss.nr * sizeof(struct xst_http_seg));
		stream_free(&s);
		xst_http_arena_fini(&a);
	}
	free(buf);
}
END_TEST

START_TEST(test_segs_small_mss)
{
	uint8_t *buf = xmalloc(FRAME_CAP);
	struct xst_http_arena a;
	struct stream s;
	uint16_t mss;
	int v6 = _i;

	xst_http_arena_init(&a, 4096);	/* small chunks: many of them */
	stream_make(&s, 37, 150);
	for (mss = 1; mss <= 64; mss++) {
		struct xst_http_segs ss;

		EQ(xst_http_segs_build(&ss, &a, s.st.hdr, s.st.hlen, s.st.body,
						     s.st.blen, v6, mss),
				 0);
		check_segs(&ss, s.bytes, 187, mss, v6);
		copy_all(&ss, s.bytes, buf);
	}
	stream_free(&s);
	xst_http_arena_fini(&a);
	EQ(a.reserved, 0);
	free(buf);
}
END_TEST

START_TEST(test_segs_errors)
{
	static const uint8_t h[4] = "HTTP";
	struct xst_http_segs ss, keep;
	struct xst_http_arena a;

	xst_http_arena_init(&a, 0);
	memset(&ss, 0x5a, sizeof(ss));
	keep = ss;
	EQ(xst_http_segs_build(&ss, &a, h, 4, NULL, 0, 0, 0), -EINVAL);
	EQ(xst_http_segs_build(&ss, &a, h, 4, NULL, 0, 0, 65496), -EINVAL);
	EQ(xst_http_segs_build(&ss, &a, h, 4, NULL, 0, 1, 65516), -EINVAL);
	/* 2^32 segments of one byte: refused before any allocation */
	EQ(xst_http_segs_build(&ss, &a, h, 4, h, (uint64_t)1 << 32, 0, 1), -EFBIG);
	EQ(xst_http_segs_build(&ss, &a, h, 4, h, UINT64_MAX - 2, 0, 1460), -EFBIG);
	MEMEQ(&ss, &keep, sizeof(ss));	/* *out untouched on failure */
	EQ(a.reserved, 0);
	/* the largest MSS of each family */
	EQ(xst_http_segs_build(&ss, &a, h, 4, NULL, 0, 0, 65495), 0);
	EQ(ss.nr, 1);
	EQ(xst_http_segs_build(&ss, &a, h, 4, NULL, 0, 1, 65515), 0);
	EQ(ss.nr, 1);
	/* empty stream */
	EQ(xst_http_segs_build(&ss, &a, NULL, 0, NULL, 0, 1, 1460), 0);
	EQ(ss.nr, 0);
	ck_assert_ptr_null(ss.seg);
	xst_http_arena_fini(&a);
}
END_TEST

/* Big segments end to end. The largest MSS (65495, 65515) makes frames
 * longer than xst_net_parse() takes (65535 bytes with two VLAN tags), so
 * the MSS here is the largest whose frames it parses; the limits themselves
 * are in test_segs_errors. */
START_TEST(test_segs_max_mss)
{
	uint8_t *buf = xmalloc(FRAME_CAP);
	struct xst_http_arena a;
	struct xst_http_segs ss;
	struct stream s;
	int v6;

	xst_http_arena_init(&a, 0);
	stream_make(&s, 300, 200000);
	for (v6 = 0; v6 < 2; v6++) {
		uint16_t mss = (uint16_t)(UINT16_MAX - (XST_ETH_HLEN + 2 * XST_VLAN_HLEN) -
					  (v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN) - XST_TCP_HLEN);

		EQ(xst_http_segs_build(&ss, &a, s.st.hdr, s.st.hlen, s.st.body,
						     s.st.blen, v6, mss),
				 0);
		check_segs(&ss, s.bytes, 200300, mss, v6);
		copy_all(&ss, s.bytes, buf);
	}
	stream_free(&s);
	xst_http_arena_fini(&a);
	free(buf);
}
END_TEST

/* ---- precopy: a copy patched, then patched again for other flows ------- */

START_TEST(test_precopy_repatch)
{
	uint8_t *copy = xmalloc(FRAME_CAP);
	struct xst_http_arena a;
	struct xst_http_segs ss;
	struct stream s;
	int v6 = _i, round;
	uint32_t i;

	xst_http_arena_init(&a, 0);
	stream_make(&s, 250, 5000);
	EQ(xst_http_segs_build(&ss, &a, s.st.hdr, s.st.hlen, s.st.body, s.st.blen,
					     v6, 1448),
			 0);
	for (i = 0; i < ss.nr; i++) {
		const struct xst_http_seg *sg = &ss.seg[i];
		uint8_t last = i + 1 == ss.nr ? XST_TCP_PSH : 0;
		struct xst_tcp_flow fl;
		struct expect e = { .fl = &fl, .payload = s.bytes + sg->off, .plen = sg->len };

		memcpy(copy, sg->frame, sg->frame_len);	/* the copy pool's copy */
		for (round = 0; round < 40; round++) {
			uint8_t fin = round % 3 == 1 ? XST_TCP_FIN : 0;

			make_flow(&fl, v6, 0);	/* a ready copy has no VLAN tag */
			e.seq = rnd();
			e.ack = rnd();
			e.win = (uint16_t)rnd();
			e.flags = (uint8_t)(XST_TCP_ACK | last | fin);
			xst_tcp_flow_l2(copy, &fl);
			if (!round)
				xst_tcp_patch(copy + XST_ETH_HLEN, &fl, e.seq, e.ack, e.win, fin);
			else
				xst_http_seg_repatch(copy + XST_ETH_HLEN, sg, &fl, e.seq, e.ack,
						     e.win, fin);
			verify(copy, sg->frame_len, &e);
		}
		/* Why repatch exists: xst_tcp_patch() over a patched copy adds the
		 * new fields without taking the old ones out. */
		make_flow(&fl, v6, 0);
		xst_tcp_patch(copy + XST_ETH_HLEN, &fl, 1, 2, 3, 0);
		ck_assert_uint_ne(ref_tcp_sum(copy + XST_ETH_HLEN, v6,
					      copy + XST_ETH_HLEN + (v6 ? 40 : 20),
					      XST_TCP_HLEN + sg->len),
				  0xffff);
	}
	stream_free(&s);
	xst_http_arena_fini(&a);
	free(copy);
}
END_TEST

/* ---- slow path: any offset, any length ----------------------------------- */

START_TEST(test_build_any)
{
	static const uint8_t flag_set[] = { XST_TCP_ACK, XST_TCP_ACK | XST_TCP_PSH,
					    XST_TCP_ACK | XST_TCP_FIN,
					    XST_TCP_ACK | XST_TCP_PSH | XST_TCP_FIN };
	uint8_t *buf = xmalloc(FRAME_CAP);
	struct stream s, body_only, hdr_only;
	int v6 = _i, n;

	stream_make(&s, 311, 20000);
	stream_make(&body_only, 0, 3000);
	stream_make(&hdr_only, 700, 0);
	for (n = 0; n < 3000; n++) {
		struct stream *st = n % 5 == 3 ? &body_only : n % 5 == 4 ? &hdr_only : &s;
		uint64_t total = st->st.hlen + st->st.blen, off;
		uint32_t len, flen;
		struct xst_tcp_flow fl;
		struct expect e = { .fl = &fl };

		rnd_flow(&fl, v6);
		off = rnd() % (total + 1);
		if (n % 7 == 0 && st == &s)	/* straddle the header/body boundary */
			off = 311 - rnd() % 40;
		len = rnd() % 1461;
		if (n % 11 == 0)
			len = 0;	/* bare ACK / FIN */
		if (len > total - off)
			len = (uint32_t)(total - off);
		e.seq = rnd();
		e.ack = rnd();
		e.win = (uint16_t)rnd();
		e.flags = flag_set[n % 4];
		e.payload = st->bytes + off;
		e.plen = len;
		flen = xst_http_seg_build_any(buf, FRAME_CAP, &st->st, off, len, &fl, e.seq, e.ack,
					      e.win, e.flags);
		verify(buf, flen, &e);
		EQ(xst_http_seg_build_any(buf, flen - 1, &st->st, off, len, &fl, 1, 2,
							 3, XST_TCP_ACK),
				  0);
		/* past the end of the stream */
		EQ(xst_http_seg_build_any(buf, FRAME_CAP, &st->st, off, total - off + 1, &fl, 1, 2,
					  3, XST_TCP_ACK),
		   0);
		EQ(xst_http_seg_build_any(buf, FRAME_CAP, &st->st, total + 1, 0, &fl,
							 1, 2, 3, XST_TCP_ACK),
				  0);
	}
	/* a large segment (parseable: see test_segs_max_mss), the 16-bit IP
	 * length limit itself, and one byte over it */
	{
		struct stream big;
		struct xst_tcp_flow fl;
		uint32_t max = v6 ? 65515 : 65495, iph = v6 ? 40 : 20, flen;
		struct expect e = { .fl = &fl, .seq = 7, .ack = 9, .win = 1,
				    .flags = XST_TCP_ACK };

		stream_make(&big, 100, 70000);
		make_flow(&fl, v6, 2);
		e.payload = big.bytes + 5;
		e.plen = UINT16_MAX - 22 - iph - 20;
		verify(buf,
		       xst_http_seg_build_any(buf, FRAME_CAP, &big.st, 5, e.plen, &fl, 7, 9, 1,
					      XST_TCP_ACK),
		       &e);
		flen = xst_http_seg_build_any(buf, FRAME_CAP, &big.st, 5, max, &fl, 7, 9, 1,
					      XST_TCP_ACK);
		EQ(flen, 22 + iph + 20 + max);
		EQ(xst_get_be16(buf + 22 + (v6 ? 4 : 2)), UINT16_MAX);
		MEMEQ(buf + 22 + iph + 20, big.bytes + 5, max);
		EQ(ref_tcp_sum(buf + 22, v6, buf + 22 + iph, 20 + max), 0xffff);
		EQ(xst_http_seg_build_any(buf, FRAME_CAP, &big.st, 5, max + 1, &fl, 7,
							 9, 1, XST_TCP_ACK),
				  0);
		stream_free(&big);
	}
	stream_free(&s);
	stream_free(&body_only);
	stream_free(&hdr_only);
	free(buf);
}
END_TEST

/* ---- payload patches ----------------------------------------------------- */

START_TEST(test_patch_payload)
{
	uint8_t *buf = xmalloc(FRAME_CAP);
	struct xst_http_arena a;
	struct xst_http_segs ss;
	struct stream s;
	int v6 = _i, n;

	xst_http_arena_init(&a, 0);
	stream_make(&s, 400, 3000);
	EQ(xst_http_segs_build(&ss, &a, s.st.hdr, s.st.hlen, s.st.body, s.st.blen,
					     v6, 1460),
			 0);
	for (n = 0; n < 2000; n++) {
		const struct xst_http_seg *sg = &ss.seg[rnd() % ss.nr];
		uint8_t want[1460], old[64], new[64], *ip;
		uint32_t po, cnt, flen, k;
		struct xst_tcp_flow fl;
		struct expect e = { .fl = &fl, .seq = rnd(), .ack = rnd(), .win = (uint16_t)rnd(),
				    .payload = want, .plen = sg->len };

		rnd_flow(&fl, v6);
		e.flags = (uint8_t)(XST_TCP_ACK | (sg == &ss.seg[ss.nr - 1] ? XST_TCP_PSH : 0));
		flen = xst_http_seg_copy(buf, FRAME_CAP, sg, &fl, e.seq, e.ack, e.win, 0);
		ip = buf + xst_tcp_flow_l3_off(&fl);
		memcpy(want, s.bytes + sg->off, sg->len);
		/* a few patches on the same copy, every parity of offset and length */
		for (k = 0; k < 1 + (uint32_t)n % 3; k++) {
			cnt = 1 + rnd() % 64;
			if (cnt > sg->len)
				cnt = sg->len;
			po = rnd() % (sg->len - cnt + 1);
			fill(new, cnt);
			memcpy(old, want + po, cnt);
			if (n & 1)	/* old given separately, or read from the frame */
				xst_http_seg_patch_payload(ip, v6, po, old, new, cnt);
			else
				xst_http_seg_patch_payload(ip, v6, po, ip + (v6 ? 40 : 20) + 20 + po,
							   new, cnt);
			memcpy(want + po, new, cnt);
		}
		verify(buf, flen, &e);
	}
	stream_free(&s);
	xst_http_arena_fini(&a);
	free(buf);
}
END_TEST

/* ---- the Date: per request (copies) and per second (prepared frames) ---- */

static const uint8_t date0[] = "Sun, 06 Nov 1994 08:49:37 GMT";
static const uint8_t date1[] = "Mon, 07 Nov 1994 08:49:38 GMT";
static const uint8_t date2[] = "Tue, 31 Dec 2024 23:59:59 GMT";

START_TEST(test_date_patch)
{
	uint8_t *buf = xmalloc(FRAME_CAP);
	int v6 = _i & 1, odd = _i >> 1;
	uint16_t mss;

	for (mss = 1; mss <= 1460; mss += mss < 70 ? 1 : 463) {
		struct xst_http_date_patch dp, dp2;
		struct xst_http_arena a;
		struct xst_http_segs ss;
		struct stream s, s2;
		uint32_t date_off = 40 + (uint32_t)odd, i;

		xst_http_arena_init(&a, 0);
		stream_make(&s, 200, 100);
		memcpy(s.bytes + date_off, date0, XST_HTTP_SEG_DATE_LEN);
		EQ(xst_http_segs_build(&ss, &a, s.st.hdr, s.st.hlen, s.st.body,
						     s.st.blen, v6, mss),
				 0);
		/* the expected stream with the new date */
		stream_make(&s2, 300, 0);
		memcpy(s2.bytes, s.bytes, 300);
		memcpy(s2.bytes + date_off, date1, XST_HTTP_SEG_DATE_LEN);
		xst_http_date_patch_init(&dp, date0, date1);
		for (i = 0; i < ss.nr; i++) {
			const struct xst_http_seg *sg = &ss.seg[i];
			struct xst_tcp_flow fl;
			struct expect e = { .fl = &fl, .seq = rnd(), .ack = rnd(),
					    .win = (uint16_t)rnd(), .payload = s2.bytes + sg->off,
					    .plen = sg->len };
			uint32_t flen;
			uint8_t *ip;

			rnd_flow(&fl, v6);
			e.flags = (uint8_t)(XST_TCP_ACK | (i + 1 == ss.nr ? XST_TCP_PSH : 0));
			flen = xst_http_seg_copy(buf, FRAME_CAP, sg, &fl, e.seq, e.ack, e.win, 0);
			ip = buf + xst_tcp_flow_l3_off(&fl);
			xst_http_date_patch_apply(ip, sg, v6, date_off, &dp);
			verify(buf, flen, &e);
			/* applied twice (a copy already up to date): no change */
			xst_http_date_patch_apply(ip, sg, v6, date_off, &dp);
			verify(buf, flen, &e);
		}
		/* the per-second refresh of the prepared frames themselves */
		xst_http_segs_rewrite(&ss, date_off, date1, XST_HTTP_SEG_DATE_LEN);
		check_segs(&ss, s2.bytes, 300, mss, v6);
		copy_all(&ss, s2.bytes, buf);
		/* next second: the patch is from the refreshed date */
		xst_http_date_patch_init(&dp2, date1, date2);
		memcpy(s2.bytes + date_off, date2, XST_HTTP_SEG_DATE_LEN);
		for (i = 0; i < ss.nr; i++) {
			const struct xst_http_seg *sg = &ss.seg[i];
			struct xst_tcp_flow fl;
			struct expect e = { .fl = &fl, .seq = rnd(), .ack = rnd(), .win = 0,
					    .payload = s2.bytes + sg->off, .plen = sg->len };
			uint32_t flen;

			rnd_flow(&fl, v6);
			e.flags = (uint8_t)(XST_TCP_ACK | XST_TCP_FIN |
					    (i + 1 == ss.nr ? XST_TCP_PSH : 0));
			flen = xst_http_seg_copy(buf, FRAME_CAP, sg, &fl, e.seq, e.ack, 0,
						 XST_TCP_FIN);
			xst_http_date_patch_apply(buf + xst_tcp_flow_l3_off(&fl), sg, v6, date_off,
						  &dp2);
			verify(buf, flen, &e);
		}
		memcpy(s2.bytes + date_off, date1, XST_HTTP_SEG_DATE_LEN);	/* prepared: still date1 */
		/* a rewrite running past the stream's end stops there */
		xst_http_segs_rewrite(&ss, 290, date2, XST_HTTP_SEG_DATE_LEN);
		memcpy(s2.bytes + 290, date2, 10);
		check_segs(&ss, s2.bytes, 300, mss, v6);
		stream_free(&s);
		stream_free(&s2);
		xst_http_arena_fini(&a);
	}
	free(buf);
}
END_TEST

/* The delta of the per-second patch equals the sum difference at both parities. */
START_TEST(test_date_patch_delta)
{
	struct xst_http_date_patch dp;
	uint8_t a[XST_HTTP_SEG_DATE_LEN + 1], b[XST_HTTP_SEG_DATE_LEN + 1];
	int n, par;

	for (n = 0; n < 2000; n++) {
		fill(a, sizeof(a));
		fill(b, sizeof(b));
		if (n == 0)
			memcpy(b, a, sizeof(a));	/* no change: delta is +-0 */
		xst_http_date_patch_init(&dp, a + 1, b + 1);
		for (par = 0; par < 2; par++) {
			/* the date at an even (par 0) or odd offset: sum(old) + delta == sum(new) */
			uint8_t za[XST_HTTP_SEG_DATE_LEN + 1] = { 0 }, zb[XST_HTTP_SEG_DATE_LEN + 1] = { 0 };
			uint32_t so, sn, d;

			memcpy(za + par, a + 1, XST_HTTP_SEG_DATE_LEN);
			memcpy(zb + par, b + 1, XST_HTTP_SEG_DATE_LEN);
			so = ref_csum_sum(za, XST_HTTP_SEG_DATE_LEN + par, 0);
			sn = ref_csum_sum(zb, XST_HTTP_SEG_DATE_LEN + par, 0);
			d = xst_get_be16(&dp.delta[par]);	/* memory order -> number */
			so += d;
			so = (so & 0xffff) + (so >> 16);
			/* one's complement: 0 and 0xffff are the same number */
			EQ(so % 0xffff, sn % 0xffff);
		}
	}
}
END_TEST

/* ---- net/tcp.h on its own ------------------------------------------------ */

/* xst_tcp_build(): options of every allowed length, any payload, any flow. */
START_TEST(test_tcp_build)
{
	uint8_t *buf = xmalloc(FRAME_CAP), payload[2000], opts[40];
	int v6 = _i, n;

	for (n = 0; n < 2000; n++) {
		uint32_t optlen = 4 * (rnd() % 11), plen = rnd() % 4 ? rnd() % 2000 : 0, len;
		struct xst_tcp_flow fl;
		struct expect e = { .fl = &fl, .seq = rnd(), .ack = rnd(), .win = (uint16_t)rnd(),
				    .flags = (uint8_t)rnd(), .payload = payload, .plen = plen,
				    .optlen = optlen };
		struct xst_tcp_seg sgm;
		struct xst_pkt p;

		rnd_flow(&fl, v6);
		fill(payload, plen);
		/* options: MSS first when there is room, NOP padding after */
		memset(opts, XST_TCP_OPT_NOP, sizeof(opts));
		if (optlen >= 4) {
			opts[0] = XST_TCP_OPT_MSS;
			opts[1] = 4;
			xst_put_be16(opts + 2, (uint16_t)(1 + n));
		}
		memcpy(buf + xst_tcp_payload_off(&fl, optlen), payload, plen);
		memset(buf, 0xee, xst_tcp_payload_off(&fl, optlen));	/* stale bytes */
		len = xst_tcp_build(buf, &fl, e.seq, e.ack, e.flags, e.win, opts, optlen, plen);
		verify(buf, len, &e);
		EQ(xst_net_parse(buf, len, &p), XST_NET_OK);
		EQ(xst_tcp_parse(buf, &p, &sgm), XST_NET_OK);
		EQ(sgm.mss, optlen >= 4 ? 1 + n : 0);
		MEMEQ(sgm.hdr + XST_TCP_HLEN, opts, optlen);
	}
	free(buf);
}
END_TEST

/* xst_tcp_patch() on a prepared frame written here by hand, per the format
 * of net/tcp.h's header comment (not through segment.c). */
START_TEST(test_tcp_patch)
{
	uint8_t *prep = xmalloc(FRAME_CAP), *buf = xmalloc(FRAME_CAP);
	int v6 = _i, n;

	for (n = 0; n < 2000; n++) {
		uint32_t plen = rnd() % 1500, iph = v6 ? 40 : 20, l4len = 20 + plen, len;
		uint8_t *ip = prep + 14, *tcp = ip + iph, ph[40] = { 0 };
		uint8_t flags = n & 1 ? XST_TCP_ACK : XST_TCP_ACK | XST_TCP_PSH;
		uint8_t more = (uint8_t)(n % 3 == 0 ? XST_TCP_FIN : n % 3 == 1 ? 0 : XST_TCP_RST);
		struct xst_tcp_flow fl;
		struct expect e = { .fl = &fl, .seq = rnd(), .ack = rnd(), .win = (uint16_t)rnd(),
				    .flags = (uint8_t)(flags | more), .payload = tcp + 20,
				    .plen = plen };
		uint32_t sum;

		memset(prep, 0, 14 + iph + 20);
		xst_put_be16(prep + 12, v6 ? XST_ETH_P_IPV6 : XST_ETH_P_IP);
		if (v6) {
			ip[0] = 0x60;
			xst_put_be16(ip + 4, (uint16_t)l4len);
			ip[6] = 6;
			ip[7] = 64;
			xst_put_be32(ph + 32, l4len);
			ph[39] = 6;
		} else {
			ip[0] = 0x45;
			xst_put_be16(ip + 2, (uint16_t)(20 + l4len));
			ip[6] = 0x40;
			ip[8] = 64;
			ip[9] = 6;
			xst_put_be16(ip + 10, (uint16_t)~ref_csum_sum(ip, 20, 0));
			ph[9] = 6;
			xst_put_be16(ph + 10, (uint16_t)l4len);
		}
		tcp[12] = 5 << 4;
		tcp[13] = flags;
		fill(tcp + 20, plen);
		sum = ref_csum_sum(ph, v6 ? 40 : 12, 0);
		xst_put_be16(tcp + 16, (uint16_t)~ref_csum_sum(tcp, l4len, sum));

		rnd_flow(&fl, v6);
		len = xst_tcp_flow_l3_off(&fl) + iph + l4len;
		xst_tcp_flow_l2(buf, &fl);
		memcpy(buf + xst_tcp_flow_l3_off(&fl) - 2, prep + 12, iph + l4len + 2);
		xst_tcp_patch(buf + xst_tcp_flow_l3_off(&fl), &fl, e.seq, e.ack, e.win, more);
		verify(buf, len, &e);
	}
	free(prep);
	free(buf);
}
END_TEST

/* ---- the arena ----------------------------------------------------------- */

START_TEST(test_arena)
{
	struct xst_http_arena a;
	size_t aligns[] = { 1, 2, 8, 16, 64 }, used = 0, i;
	uint8_t *p, *big;

	xst_http_arena_init(&a, 1000);
	ck_assert_ptr_null(xst_http_arena_alloc(&a, 0, 8));
	ck_assert_ptr_null(xst_http_arena_alloc(&a, 8, 3));
	ck_assert_ptr_null(xst_http_arena_alloc(&a, 8, 128));
	EQ(a.reserved, 0);
	for (i = 0; i < 500; i++) {
		size_t al = aligns[i % 5], len = 1 + rnd() % 300, k;

		p = xst_http_arena_alloc(&a, len, al);
		ck_assert_ptr_nonnull(p);
		EQ((uintptr_t)p % al, 0);
		for (k = 0; k < len; k++)
			EQ(p[k], 0);
		memset(p, 0xab, len);	/* ASan: within its chunk */
		used += len;
	}
	p = xst_http_arena_alloc(&a, 10, 8);
	big = xst_http_arena_alloc(&a, 5000, 64);	/* its own chunk */
	ck_assert_ptr_nonnull(big);
	memset(big, 1, 5000);
	/* the head chunk stays in use after an oversized request */
	EQ(xst_http_arena_alloc(&a, 1, 1), p + 10);
	GE(a.used, used + 5011);
	GE(a.reserved, a.used);
	xst_http_arena_fini(&a);
	EQ(a.reserved, 0);
	EQ(a.used, 0);
	ck_assert_ptr_nonnull(xst_http_arena_alloc(&a, 10, 8));	/* reusable */
	xst_http_arena_fini(&a);
}
END_TEST

Suite *http_segment_suite(void)
{
	Suite *s = suite_create("http_segment");
	TCase *tc = tcase_create("segs");

	tcase_add_loop_test(tc, test_segs_lengths, 0, 2 * NR_CASES);
	tcase_add_loop_test(tc, test_segs_small_mss, 0, 2);
	tcase_add_test(tc, test_segs_errors);
	tcase_add_test(tc, test_segs_max_mss);
	tcase_add_test(tc, test_arena);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("send");
	tcase_add_loop_test(tc, test_precopy_repatch, 0, 2);
	tcase_add_loop_test(tc, test_build_any, 0, 2);
	tcase_add_loop_test(tc, test_patch_payload, 0, 2);
	tcase_add_loop_test(tc, test_date_patch, 0, 4);
	tcase_add_test(tc, test_date_patch_delta);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("net_tcp");
	tcase_add_loop_test(tc, test_tcp_build, 0, 2);
	tcase_add_loop_test(tc, test_tcp_patch, 0, 2);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
