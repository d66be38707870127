// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-segmentation and the send-time helpers of segment.h. A prepared frame
 * is what xst_tcp_build() writes for an all-zero flow (MACs, addresses,
 * ports zero) with seq, ack and window 0: exactly the net/tcp.h prepared
 * format, so the two cannot drift apart.
 *
 * Checksum arithmetic (net/csum.h): values are in memory order; "minus x"
 * in one's complement is "plus ~x", and ~xst_csum_fold(p) is the 16-bit sum
 * of a partial p, so xst_csum_fold(p) itself is that sum's negative.
 */
#include "http/segment.h"

#include <errno.h>
#include <string.h>

#include "core/byteorder.h"
#include "net/csum.h"

#define ALIGN_FRAME	16	/* frame starts: copies read whole 16-byte lines */

/* Largest payload a 16-bit IP length allows after a 20-byte TCP header. */
static uint32_t max_payload(int v6)
{
	return v6 ? UINT16_MAX - XST_TCP_HLEN : UINT16_MAX - XST_IPV4_HLEN - XST_TCP_HLEN;
}

/* Copy stream bytes [off, off + len) (in range) to dst. */
static void copy_stream(uint8_t *dst, const struct xst_http_stream *st, uint64_t off, uint32_t len)
{
	if (off < st->hlen) {
		uint32_t n = st->hlen - (uint32_t)off;

		if (n > len)
			n = len;
		memcpy(dst, st->hdr + off, n);
		dst += n;
		len -= n;
		off += n;
	}
	if (len)
		memcpy(dst, st->body + (off - st->hlen), len);
}

/* 16-bit one's-complement sum of n bytes starting at a payload offset of the
 * given parity (the TCP header is 4-byte aligned, so the payload offset's
 * parity is the bytes' parity in the checksummed segment). */
static uint16_t sum16(const uint8_t *p, uint32_t n, uint32_t parity)
{
	uint16_t s = (uint16_t)~xst_csum_fold(xst_csum_partial(p, n, 0));

	/* a span at an odd offset contributes its bytes swapped (RFC 1071 2.B) */
	return parity & 1 ? (uint16_t)(s << 8 | s >> 8) : s;
}

static uint8_t *tcp_of(uint8_t *ip, int v6)
{
	return ip + (v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN);
}

/* Add sum (memory order, partial) to the TCP checksum at tcp + 16. */
static void check_add(uint8_t *tcp, uint32_t sum)
{
	uint16_t check;

	memcpy(&check, tcp + 16, 2);
	check = xst_csum_fold(xst_csum_add((uint16_t)~check, sum));
	memcpy(tcp + 16, &check, 2);
}

int xst_http_segs_build(struct xst_http_segs *out, struct xst_http_arena *a, const uint8_t *hdr,
			uint32_t hlen, const uint8_t *body, uint64_t blen, int v6, uint16_t mss)
{
	const struct xst_http_stream st = { hdr, hlen, body, blen };
	struct xst_tcp_flow zero;
	struct xst_http_segs s;
	uint32_t i, pl, last = XST_TCP_ACK | XST_TCP_PSH;
	uint64_t nr;

	if (!mss || mss > max_payload(v6))
		return -EINVAL;
	if (blen > UINT64_MAX - hlen)
		return -EFBIG;
	memset(&s, 0, sizeof(s));
	s.mss = mss;
	s.v6 = !!v6;
	s.stream_len = hlen + blen;
	nr = (s.stream_len + mss - 1) / mss;
	if (nr > UINT32_MAX)
		return -EFBIG;
	s.nr = (uint32_t)nr;
	if (s.nr) {
		s.seg = xst_http_arena_alloc(a, (size_t)s.nr * sizeof(*s.seg), 8);
		if (!s.seg)
			return -ENOMEM;
	}

	memset(&zero, 0, sizeof(zero));
	zero.v6 = s.v6;
	pl = xst_tcp_payload_off(&zero, 0);
	for (i = 0; i < s.nr; i++) {
		struct xst_http_seg *sg = &s.seg[i];
		uint8_t *f;

		sg->off = (uint64_t)i * mss;
		sg->len = s.stream_len - sg->off < mss ? (uint32_t)(s.stream_len - sg->off) : mss;
		/* nothing freed on failure: the arena goes as a whole */
		f = xst_http_arena_alloc(a, pl + sg->len, ALIGN_FRAME);
		if (!f)
			return -ENOMEM;
		copy_stream(f + pl, &st, sg->off, sg->len);
		sg->frame_len = xst_tcp_build(f, &zero, 0, 0, i + 1 == s.nr ? last : XST_TCP_ACK, 0,
					      NULL, 0, sg->len);
		sg->frame = f;
	}
	*out = s;
	return 0;
}

uint32_t xst_http_seg_copy(uint8_t *frame, uint32_t cap, const struct xst_http_seg *sg,
			   const struct xst_tcp_flow *fl, uint32_t seq, uint32_t ack, uint16_t win,
			   uint8_t more_flags)
{
	uint32_t l3 = xst_tcp_flow_l3_off(fl);
	uint32_t len = l3 - XST_ETH_HLEN + sg->frame_len;

	if (len > cap || xst_get_be16(sg->frame + 12) != (fl->v6 ? XST_ETH_P_IPV6 : XST_ETH_P_IP))
		return 0;
	xst_tcp_flow_l2(frame, fl);
	memcpy(frame + l3 - 2, sg->frame + 12, sg->frame_len - 12);
	xst_tcp_patch(frame + l3, fl, seq, ack, win, more_flags);
	return len;
}

void xst_http_seg_repatch(uint8_t *ip, const struct xst_http_seg *sg,
			  const struct xst_tcp_flow *fl, uint32_t seq, uint32_t ack, uint16_t win,
			  uint8_t more_flags)
{
	int v6 = ip[0] >> 4 == 6;
	uint32_t alen = v6 ? 16 : 4, old;
	uint8_t *a = ip + (v6 ? 8 : 12);	/* source then destination address */
	uint8_t *tcp = tcp_of(ip, v6);
	const uint8_t *ptcp = sg->frame + XST_ETH_HLEN + (tcp - ip);
	uint16_t pword;

	if (!v6) {
		uint16_t ipc;

		memcpy(&ipc, ip + 10, 2);
		old = xst_csum_partial(a, 8, 0);
		ipc = xst_csum_fold(xst_csum_add((uint16_t)~ipc, xst_csum_fold(old)));
		memcpy(ip + 10, &ipc, 2);
	}
	/* the pseudo header's addresses and the header's first 16 bytes (ports,
	 * seq, ack, offset and flags, window) out, the prepared flags word in */
	old = xst_csum_partial(a, 2 * alen, 0);
	old = xst_csum_partial(tcp, 16, old);
	memcpy(&pword, ptcp + 12, 2);
	check_add(tcp, xst_csum_add(xst_csum_fold(old), pword));
	memset(a, 0, 2 * alen);
	memset(tcp, 0, 12);
	memcpy(tcp + 12, &pword, 2);
	memset(tcp + 14, 0, 2);
	xst_tcp_patch(ip, fl, seq, ack, win, more_flags);
}

uint32_t xst_http_seg_build_any(uint8_t *frame, uint32_t cap, const struct xst_http_stream *st,
				uint64_t off, uint32_t len, const struct xst_tcp_flow *fl, uint32_t seq,
				uint32_t ack, uint16_t win, uint8_t flags)
{
	uint64_t total = (uint64_t)st->hlen + st->blen;
	uint32_t pl = xst_tcp_payload_off(fl, 0);

	if (off > total || len > total - off || len > max_payload(fl->v6) || cap < pl ||
	    cap - pl < len)
		return 0;
	copy_stream(frame + pl, st, off, len);
	return xst_tcp_build(frame, fl, seq, ack, flags, win, NULL, 0, len);
}

void xst_http_seg_patch_payload(uint8_t *ip, int v6, uint32_t payload_off, const uint8_t *old,
				const uint8_t *new, uint32_t n)
{
	uint8_t *tcp = tcp_of(ip, v6);
	uint8_t *p = tcp + (tcp[12] >> 4) * 4u + payload_off;
	uint16_t so, sn;

	if (!n)
		return;
	so = sum16(old, n, payload_off);	/* before the copy: old may be p */
	sn = sum16(new, n, payload_off);
	if (new != p)
		memmove(p, new, n);
	check_add(tcp, xst_csum_add((uint16_t)~so, sn));
}

void xst_http_date_patch_init(struct xst_http_date_patch *dp, const uint8_t *old,
			      const uint8_t *new)
{
	uint16_t so = sum16(old, XST_HTTP_SEG_DATE_LEN, 0);
	uint16_t sn = sum16(new, XST_HTTP_SEG_DATE_LEN, 0);
	uint16_t d = (uint16_t)~xst_csum_fold(xst_csum_add((uint16_t)~so, sn));

	memcpy(dp->old, old, XST_HTTP_SEG_DATE_LEN);
	memcpy(dp->new, new, XST_HTTP_SEG_DATE_LEN);
	dp->delta[0] = d;
	dp->delta[1] = (uint16_t)(d << 8 | d >> 8);
}

void xst_http_date_patch_apply(uint8_t *ip, const struct xst_http_seg *sg, int v6,
			       uint64_t date_off, const struct xst_http_date_patch *dp)
{
	uint64_t start = date_off > sg->off ? date_off : sg->off;
	uint64_t end = date_off + XST_HTTP_SEG_DATE_LEN, send = sg->off + sg->len;
	uint8_t *tcp = tcp_of(ip, v6), *p;
	uint32_t k, po;

	if (end > send)
		end = send;
	if (start >= end)
		return;		/* the date is not in this segment */
	k = (uint32_t)(start - date_off);	/* first date byte in the segment */
	po = (uint32_t)(start - sg->off);
	p = tcp + (tcp[12] >> 4) * 4u + po;
	if (end - start == XST_HTTP_SEG_DATE_LEN &&
	    !memcmp(p, dp->old, XST_HTTP_SEG_DATE_LEN)) {
		/* the per-request case: a fresh copy of a prepared segment */
		memcpy(p, dp->new, XST_HTTP_SEG_DATE_LEN);
		check_add(tcp, dp->delta[po & 1]);
		return;
	}
	/* a date cut by a segment boundary, or a copy holding another date */
	xst_http_seg_patch_payload(ip, v6, po, p, dp->new + k, (uint32_t)(end - start));
}

void xst_http_segs_rewrite(struct xst_http_segs *s, uint64_t off, const uint8_t *new, uint32_t n)
{
	uint64_t end = off + n;

	if (end > s->stream_len)
		end = s->stream_len;
	while (off < end) {
		const struct xst_http_seg *sg = xst_http_segs_at(s, off);
		uint64_t send = sg->off + sg->len;
		uint32_t cnt = (uint32_t)((end < send ? end : send) - off);
		/* the arena's frames are writable; const only for the readers */
		uint8_t *ip = (uint8_t *)sg->frame + XST_ETH_HLEN;
		uint8_t *p = tcp_of(ip, s->v6) + XST_TCP_HLEN + (off - sg->off);

		xst_http_seg_patch_payload(ip, s->v6, (uint32_t)(off - sg->off), p, new, cnt);
		new += cnt;
		off += cnt;
	}
}
