// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for pre-segmentation (user/http/segment.h). The input
 * chooses the MSS, the family, the VLAN tags, the header/body split, a
 * patch and a slow-path range; the rest is the stream. The invariants:
 *   - the segments are contiguous, at most mss each (all mss but the last),
 *     their payloads are the stream, xst_http_segs_at() finds each one;
 *   - every frame sent (memcpy mode, a precopy copy repatched, the slow path
 *     at the input's range, a payload patch on a copy) parses with
 *     xst_net_parse() + xst_tcp_parse() with the payload asked for, and both
 *     checksums, recomputed with the reference summer, are valid;
 *   - nothing is read or written outside the stream and the frame buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/byteorder.h"
#include "http/arena.h"
#include "http/segment.h"
#include "net/net.h"
#include "net/tcp.h"
#include "../lib/ref_csum.h"

#define CAP	(XST_ETH_HLEN + 2 * XST_VLAN_HLEN + XST_IPV6_HLEN + XST_TCP_HLEN + 2048)

static void check(int ok)
{
	if (!ok)
		abort();
}

/* frame[0..len) is a valid TCP segment of flow fl carrying want[0..plen). */
static void verify(const uint8_t *frame, uint32_t len, const struct xst_tcp_flow *fl,
		   const uint8_t *want, uint32_t plen)
{
	struct xst_tcp_seg s;
	struct xst_pkt p;
	uint8_t ph[40] = { 0 };
	const uint8_t *ip;
	uint32_t l4len, n;

	check(len != 0);
	check(xst_net_parse(frame, len, &p) == XST_NET_OK);
	check(p.l4_proto == XST_IPPROTO_TCP && p.nr_vlans == fl->nr_vlans);
	check(xst_tcp_parse(frame, &p, &s) == XST_NET_OK);
	check(s.len == plen && !memcmp(s.data, want, plen));
	check(len == p.l4_off + p.l4_len);
	ip = frame + p.l3_off;
	l4len = p.l4_len;
	if (fl->v6) {
		memcpy(ph, ip + 8, 32);
		xst_put_be32(ph + 32, l4len);
		ph[39] = XST_IPPROTO_TCP;
		n = 40;
	} else {
		check(ref_csum_sum(ip, 20, 0) == 0xffff);
		memcpy(ph, ip + 12, 8);
		ph[9] = XST_IPPROTO_TCP;
		xst_put_be16(ph + 10, (uint16_t)l4len);
		n = 12;
	}
	check(ref_csum_sum(s.hdr, l4len, ref_csum_sum(ph, n, 0)) == 0xffff);
}

/* A flow from input bytes (addresses made unicast, ports non-zero). */
static void make_flow(struct xst_tcp_flow *fl, const uint8_t *k, int v6, unsigned nr_vlans)
{
	uint32_t alen = v6 ? 16 : 4;

	memset(fl, 0, sizeof(*fl));
	memcpy(fl->eth, k, 12);
	fl->eth[0] &= 0xfe;
	fl->eth[6] &= 0xfe;
	fl->nr_vlans = (uint8_t)nr_vlans;
	xst_put_be16(fl->vlan, XST_ETH_P_8021Q);
	memcpy(fl->vlan + 2, k + 12, 2);
	xst_put_be16(fl->vlan + 4, XST_ETH_P_8021Q);
	memcpy(fl->vlan + 6, k + 14, 2);
	fl->v6 = (uint8_t)v6;
	memcpy(fl->saddr, k + 16, alen);
	memcpy(fl->daddr, k + 32, alen);
	if (v6) {
		fl->saddr[0] = fl->saddr[0] == 0xff ? 0xfe : fl->saddr[0];
		fl->daddr[0] = fl->daddr[0] == 0xff ? 0xfe : fl->daddr[0];
		fl->saddr[15] |= 1;
	} else {
		fl->saddr[0] = (uint8_t)(1 + fl->saddr[0] % 223);
		fl->daddr[0] = (uint8_t)(1 + fl->daddr[0] % 223);
	}
	memcpy(&fl->sport, k + 48, 2);
	memcpy(&fl->dport, k + 50, 2);
	fl->sport |= 1;
	fl->dport |= 1;
	fl->csum = xst_csum_partial(fl->saddr, alen, 0);
	fl->csum = xst_csum_partial(fl->daddr, alen, fl->csum);
	fl->csum = xst_csum_add(fl->csum, (uint32_t)fl->sport + fl->dport);
}

#define KEY	52	/* flow bytes */
#define CTL	(8 + KEY)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *stream = data + CTL;
	struct xst_http_stream st;
	struct xst_http_arena a;
	struct xst_http_segs ss;
	struct xst_tcp_flow fl, fl0, fl1;
	uint8_t key1[KEY];
	uint32_t len, hlen, i, slen, seq;
	uint16_t mss;
	uint8_t *buf, *copy;
	int v6;

	if (size < CTL || size - CTL > 4096)
		return 0;
	slen = (uint32_t)(size - CTL);
	mss = (uint16_t)(1 + xst_get_be16(data) % 1500);
	v6 = data[2] & 1;
	hlen = xst_get_be16(data + 3) % (slen + 1);
	seq = xst_get_be32(data + 4);
	make_flow(&fl, data + 8, v6, (data[2] >> 1) % 3);
	make_flow(&fl0, data + 8, v6, 0);
	for (i = 0; i < KEY; i++)	/* another connection for the repatch */
		key1[i] = (uint8_t)(data[8 + KEY - 1 - i] ^ 0x5a);
	make_flow(&fl1, key1, v6, 0);
	st = (struct xst_http_stream){ hlen ? stream : NULL, hlen,
				       slen > hlen ? stream + hlen : NULL, slen - hlen };

	xst_http_arena_init(&a, 0);
	buf = malloc(CAP);
	copy = malloc(CAP);
	check(buf && copy);
	check(!xst_http_segs_build(&ss, &a, st.hdr, st.hlen, st.body, st.blen, v6, mss));
	check(ss.stream_len == slen && ss.nr == (slen + mss - 1) / mss);
	for (i = 0; i < ss.nr; i++) {
		const struct xst_http_seg *sg = &ss.seg[i];
		uint32_t po, n;

		check(sg->off == (uint64_t)i * mss && sg->len >= 1 && sg->len <= mss);
		check(i + 1 == ss.nr || sg->len == mss);
		check(xst_http_segs_at(&ss, sg->off) == sg);
		check(xst_http_segs_at(&ss, sg->off + sg->len - 1) == sg);
		len = xst_http_seg_copy(buf, CAP, sg, &fl, seq + i, ~seq, (uint16_t)i,
					i + 1 == ss.nr ? XST_TCP_FIN : 0);
		verify(buf, len, &fl, stream + sg->off, sg->len);
		/* a payload patch on that copy: bytes and place from the input */
		po = (seq >> 3) % sg->len;
		n = (seq >> 17) % (sg->len - po) + 1;
		xst_http_seg_patch_payload(buf + xst_tcp_flow_l3_off(&fl), v6, po,
					   buf + len - sg->len + po, data + 8, n < KEY ? n : KEY);
		memcpy(copy, stream + sg->off, sg->len);
		memcpy(copy + po, data + 8, n < KEY ? n : KEY);
		verify(buf, len, &fl, copy, sg->len);
		/* precopy: a ready copy patched, then repatched for another flow */
		memcpy(copy, sg->frame, sg->frame_len);
		xst_tcp_flow_l2(copy, &fl0);
		xst_tcp_patch(copy + XST_ETH_HLEN, &fl0, seq, seq, 0, XST_TCP_FIN);
		xst_tcp_flow_l2(copy, &fl1);
		xst_http_seg_repatch(copy + XST_ETH_HLEN, sg, &fl1, ~seq, seq, 7, 0);
		verify(copy, sg->frame_len, &fl1, stream + sg->off, sg->len);
	}
	check(xst_http_segs_at(&ss, slen) == NULL);
	/* the slow path at a range from the input */
	{
		uint32_t off = seq % (slen + 1);
		uint32_t n = (seq >> 11) % (slen - off + 1);

		if (n > 2048)
			n = 2048;
		len = xst_http_seg_build_any(buf, CAP, &st, off, n, &fl, seq, seq, 1,
					     XST_TCP_ACK | XST_TCP_PSH);
		verify(buf, len, &fl, stream + off, n);
		check(!xst_http_seg_build_any(buf, CAP, &st, off, slen - off + 1, &fl, 0, 0, 0, 0));
	}
	free(copy);
	free(buf);
	xst_http_arena_fini(&a);
	return 0;
}
