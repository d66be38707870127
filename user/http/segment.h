/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pre-segmentation of HTTP responses (Sandstorm): a response (header bytes
 * then body bytes: one byte stream) is cut once, at load time, into complete
 * prepared frames in the net/tcp.h format (no VLAN, per-connection fields
 * zero, checksums summed over the rest) for one family and one MSS. Every
 * segment but the last carries exactly mss bytes, so the segment for a
 * stream offset is found by a division. Flags: ACK on every segment, PSH on
 * the last (FIN is or'ed in at send time, see xst_tcp_patch()).
 *
 * Sending, all pure functions on a frame buffer the caller owns:
 *   memcpy      xst_http_seg_copy(): the flow's L2, then the prepared frame
 *               from its ethertype on, then xst_tcp_patch()
 *   precopy     a ready copy (no VLAN) gets the flow's MACs with
 *               xst_tcp_flow_l2() and is patched with xst_tcp_patch() once
 *               (it assumes the prepared zeros); a copy reused for another
 *               connection or another send is patched again with
 *               xst_http_seg_repatch(), which takes the previous flow and
 *               sequence fields out of the sums first (a second
 *               xst_tcp_patch() would leave both checksums wrong)
 *   any         xst_http_seg_build_any(): any stream offset and length (an
 *               ACK in the middle of a segment, a 206 range, an MSS without
 *               a prepared set), bytes copied and summed in full
 *
 * Per-request header bytes (the Date value, refreshed once per second, and
 * the Connection value) are overwritten in a copy with an RFC 1624 update of
 * the TCP checksum: xst_http_seg_patch_payload() for any bytes,
 * struct xst_http_date_patch for the date (sums computed once per second).
 */
#ifndef XST_HTTP_SEGMENT_H
#define XST_HTTP_SEGMENT_H

#include <stdint.h>

#include "http/arena.h"
#include "net/tcp.h"

#define XST_HTTP_SEG_DATE_LEN	29	/* "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7) */

/* Bytes of a prepared frame before its payload: Ethernet, IP, TCP (no options). */
#define XST_HTTP_SEG_HDR4	(XST_ETH_HLEN + XST_IPV4_HLEN + XST_TCP_HLEN)
#define XST_HTTP_SEG_HDR6	(XST_ETH_HLEN + XST_IPV6_HLEN + XST_TCP_HLEN)

/* A response as bytes: the header, then the body (an object's data, shared). */
struct xst_http_stream {
	const uint8_t *hdr;
	uint32_t hlen;
	const uint8_t *body;
	uint64_t blen;
};

struct xst_http_seg {		/* one prepared segment */
	uint64_t off;		/* its first stream byte */
	uint32_t len;		/* payload bytes (1..mss) */
	uint32_t frame_len;	/* bytes of the prepared frame */
	const uint8_t *frame;	/* the frame (Ethernet..payload), in the arena */
};

struct xst_http_segs {		/* one response, one family, one MSS */
	uint16_t mss;
	uint8_t v6;
	uint32_t nr;		/* segments; 0 only for an empty stream */
	uint64_t stream_len;	/* hlen + blen */
	struct xst_http_seg *seg;	/* nr descriptors, in the arena (NULL if nr is 0) */
};

/*
 * Cut hdr[0..hlen) + body[0..blen) into prepared segments of at most mss
 * payload bytes for IPv4 (v6 0) or IPv6, frames and descriptors taken from a
 * (the bytes are copied: body may go after this). Returns 0, -EINVAL (mss 0
 * or too big for a 16-bit IP length), -EFBIG (more than 2^32-1 segments) or
 * -ENOMEM; *out is written only on success. Load time only.
 */
int xst_http_segs_build(struct xst_http_segs *out, struct xst_http_arena *a, const uint8_t *hdr,
			uint32_t hlen, const uint8_t *body, uint64_t blen, int v6, uint16_t mss);

/* The segment covering stream offset off, or NULL past the end. O(1). */
static inline const struct xst_http_seg *xst_http_segs_at(const struct xst_http_segs *s,
							   uint64_t off)
{
	if (off >= s->stream_len)
		return NULL;
	return &s->seg[off / s->mss];
}

/*
 * memcpy mode: write segment sg for flow fl into frame[0..cap): the flow's
 * L2 (VLAN tags included), the prepared frame from its ethertype on, then
 * xst_tcp_patch() with seq, ack, win (as sent) and more_flags (FIN or 0).
 * Returns the frame length; 0 if cap is too small or fl's family is not the
 * segment's.
 */
uint32_t xst_http_seg_copy(uint8_t *frame, uint32_t cap, const struct xst_http_seg *sg,
			   const struct xst_tcp_flow *fl, uint32_t seq, uint32_t ack, uint16_t win,
			   uint8_t more_flags);

/*
 * precopy mode, a copy patched before (for any flow, seq, ack, win, FIN):
 * ip is the copy's IP header (a copy made from sg->frame, no VLAN); the old
 * addresses, ports, sequence fields, window and flags are read from the copy
 * and taken out of both checksums (RFC 1624), the flags are reset to the
 * prepared ones, then the new ones are written as xst_tcp_patch() does.
 * Payload patches already made in the copy stay.
 */
void xst_http_seg_repatch(uint8_t *ip, const struct xst_http_seg *sg,
			  const struct xst_tcp_flow *fl, uint32_t seq, uint32_t ack, uint16_t win,
			  uint8_t more_flags);

/*
 * Slow path: the segment carrying stream bytes [off, off + len) of st for
 * flow fl, built from scratch (xst_tcp_build(): full checksums), flags as
 * given (ACK, PSH, FIN...). len may be 0 (a bare ACK or FIN). Returns the
 * frame length; 0 if cap is too small, the range is outside the stream or
 * the segment would not fit a 16-bit IP length. Allocation-free.
 */
uint32_t xst_http_seg_build_any(uint8_t *frame, uint32_t cap, const struct xst_http_stream *st,
				uint64_t off, uint32_t len, const struct xst_tcp_flow *fl, uint32_t seq,
				uint32_t ack, uint16_t win, uint8_t flags);

/*
 * Overwrite n payload bytes at payload_off (from the first payload byte,
 * after the TCP header) of a frame whose IP header is at ip (IPv4 without
 * options, or IPv6 without extension headers), and update the TCP checksum
 * incrementally (any parity of payload_off and n). old must be the bytes
 * there now (it may be the frame itself); the caller checks the bounds.
 */
void xst_http_seg_patch_payload(uint8_t *ip, int v6, uint32_t payload_off, const uint8_t *old,
				const uint8_t *new, uint32_t n);

/*
 * The per-second Date update: from the date the prepared segments hold (old)
 * and the current one (new), once per second, the checksum change for the
 * date at an even and at an odd payload offset. Applying it to a copy is a
 * 29-byte memcpy and one checksum add.
 */
struct xst_http_date_patch {
	uint8_t old[XST_HTTP_SEG_DATE_LEN];	/* as in the prepared segments */
	uint8_t new[XST_HTTP_SEG_DATE_LEN];	/* to send */
	uint16_t delta[2];	/* [payload_off & 1]: sum(new) - sum(old), memory order */
};

void xst_http_date_patch_init(struct xst_http_date_patch *dp, const uint8_t *old,
			      const uint8_t *new);

/*
 * Apply dp to a copy (IP header at ip) of segment sg whose stream carries
 * the date at stream offset date_off. The part of the date inside the
 * segment is rewritten: the whole date with the precomputed delta, a part
 * of it (a date cut by a segment boundary) with xst_http_seg_patch_payload().
 * Nothing happens for a segment the date does not touch.
 */
void xst_http_date_patch_apply(uint8_t *ip, const struct xst_http_seg *sg, int v6,
			       uint64_t date_off, const struct xst_http_date_patch *dp);

/*
 * Rewrite stream bytes [off, off + n) in the prepared frames themselves
 * (the per-second date refresh of the prepared header segments) and fix
 * their stored checksums. Bytes past the stream are ignored. Not
 * concurrency-safe: a reader copying a frame at the same time may get torn
 * bytes and checksum, so only the segments' owner calls it, between readers
 * (e.g. each worker on its own set, or on a set not yet published). The
 * caller's own copy of the header bytes (a struct xst_http_stream for
 * xst_http_seg_build_any()) is not touched.
 */
void xst_http_segs_rewrite(struct xst_http_segs *s, uint64_t off, const uint8_t *new, uint32_t n);

#endif /* XST_HTTP_SEGMENT_H */
