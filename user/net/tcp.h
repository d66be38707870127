/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP on the wire: header and option parsing of received segments, and the
 * two ways segments are sent (inline: per-segment path).
 *
 *   built       xst_tcp_build(): Ethernet, IP and TCP header written from a
 *               flow and the sequence fields, over a payload already in
 *               place (control segments: SYN-ACK, ACK, FIN, RST)
 *   prepared    a complete frame made once at load time with every field
 *               that differs per connection left zero and the checksums
 *               summed over the rest (HTTP's pre-segmented objects);
 *               xst_tcp_patch() writes the flow and the sequence fields
 *               into a copy and adds their sums (RFC 1624: the old value
 *               of each field is 0)
 *
 * A prepared frame has no VLAN tag: Ethernet (14 bytes, MACs zero), IPv4
 * (20 bytes: id, addresses 0, TTL 64, DF, lengths set, header checksum over
 * that) or IPv6 (40 bytes: addresses 0, hop limit 64, payload length set),
 * TCP (20 bytes: ports, seq, ack, window 0, flags and data offset set) and
 * the payload; the TCP check field holds ~fold(partial sum of the pseudo
 * header's protocol and length words, the header and the payload). A flow
 * with VLAN tags is written by copying the prepared frame after the tags
 * (xst_tcp_flow_l2()).
 */
#ifndef XST_NET_TCP_H
#define XST_NET_TCP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/byteorder.h"
#include "net/csum.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"

#define XST_TCP_HLEN		20
#define XST_TCP_HLEN_MAX	60

#define XST_TCP_FIN		0x01
#define XST_TCP_SYN		0x02
#define XST_TCP_RST		0x04
#define XST_TCP_PSH		0x08
#define XST_TCP_ACK		0x10
#define XST_TCP_URG		0x20
#define XST_TCP_ECE		0x40
#define XST_TCP_CWR		0x80

#define XST_TCP_OPT_EOL		0
#define XST_TCP_OPT_NOP		1
#define XST_TCP_OPT_MSS		2
#define XST_TCP_OPT_WS		3
#define XST_TCP_OPT_SACK_OK	4
#define XST_TCP_OPT_SACK	5
#define XST_TCP_OPT_TS		8

#define XST_TCP_WS_NONE		0xff	/* no window scale option */
#define XST_TCP_WS_MAX		14	/* RFC 7323 2.3 */

/* A received segment, as parsed. Sequence fields in host order. */
struct xst_tcp_seg {
	const uint8_t *hdr;	/* the TCP header in the frame */
	const uint8_t *data;	/* payload */
	uint32_t len;		/* payload bytes */
	uint32_t seq;
	uint32_t ack;
	uint16_t win;		/* as sent: not scaled */
	uint16_t sport;
	uint16_t dport;
	uint8_t flags;
	uint8_t hlen;		/* data offset * 4 */
	/* options (any segment; meaningful on a SYN but timestamps) */
	uint16_t mss;		/* 0: none */
	uint8_t wscale;		/* XST_TCP_WS_NONE, or the shift (capped at 14) */
	uint8_t sack_ok;
	uint8_t ts_ok;
	uint32_t tsval;
	uint32_t tsecr;
};

/*
 * Parse the options of a header of hlen bytes into s. Returns XST_NET_OK, or
 * MALFORMED for an option whose length is below 2 or runs past the header,
 * or an MSS/WS/SACK_OK/TS option of the wrong length.
 */
static inline enum xst_net_verdict xst_tcp_options(const uint8_t *tcp, uint32_t hlen,
						   struct xst_tcp_seg *s)
{
	uint32_t i = XST_TCP_HLEN;

	s->mss = 0;
	s->wscale = XST_TCP_WS_NONE;
	s->sack_ok = 0;
	s->ts_ok = 0;
	s->tsval = 0;
	s->tsecr = 0;
	while (i < hlen) {
		uint8_t kind = tcp[i], olen;

		if (kind == XST_TCP_OPT_EOL)
			break;
		if (kind == XST_TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (hlen - i < 2)
			return XST_NET_MALFORMED;
		olen = tcp[i + 1];
		if (olen < 2 || olen > hlen - i)
			return XST_NET_MALFORMED;
		switch (kind) {
		case XST_TCP_OPT_MSS:
			if (olen != 4)
				return XST_NET_MALFORMED;
			s->mss = xst_get_be16(tcp + i + 2);
			break;
		case XST_TCP_OPT_WS:
			if (olen != 3)
				return XST_NET_MALFORMED;
			s->wscale = tcp[i + 2] > XST_TCP_WS_MAX ? XST_TCP_WS_MAX : tcp[i + 2];
			break;
		case XST_TCP_OPT_SACK_OK:
			if (olen != 2)
				return XST_NET_MALFORMED;
			s->sack_ok = 1;
			break;
		case XST_TCP_OPT_TS:
			if (olen != 10)
				return XST_NET_MALFORMED;
			s->ts_ok = 1;
			s->tsval = xst_get_be32(tcp + i + 2);
			s->tsecr = xst_get_be32(tcp + i + 6);
			break;
		default:
			break;	/* SACK blocks, MD5, unknown: skipped */
		}
		i += olen;
	}
	return XST_NET_OK;
}

/*
 * Parse the TCP segment of a frame that xst_net_parse() accepted with
 * l4_proto TCP (p->l4_len: bytes of IP payload). MALFORMED: fewer than 20
 * bytes, data offset below 5 or past the IP payload, port 0, bad options.
 * The checksum is not verified (CHECKSUM_PARTIAL on veth, see net/net.h).
 */
static inline enum xst_net_verdict xst_tcp_parse(const uint8_t *frame, const struct xst_pkt *p,
						 struct xst_tcp_seg *s)
{
	const uint8_t *tcp = frame + p->l4_off;
	uint32_t hlen;

	if (p->l4_len < XST_TCP_HLEN)
		return XST_NET_MALFORMED;
	hlen = (uint32_t)(tcp[12] >> 4) * 4;
	if (hlen < XST_TCP_HLEN || hlen > p->l4_len)
		return XST_NET_MALFORMED;
	s->hdr = tcp;
	s->hlen = (uint8_t)hlen;
	s->sport = xst_get_be16(tcp);
	s->dport = xst_get_be16(tcp + 2);
	if (!s->sport || !s->dport)
		return XST_NET_MALFORMED;
	s->seq = xst_get_be32(tcp + 4);
	s->ack = xst_get_be32(tcp + 8);
	s->flags = tcp[13];
	s->win = xst_get_be16(tcp + 14);
	s->data = tcp + hlen;
	s->len = p->l4_len - hlen;
	return xst_tcp_options(tcp, hlen, s);
}

/*
 * Where replies to a peer go: the link and network fields of every segment
 * of one connection, in wire order (the received frame's, swapped).
 */
struct xst_tcp_flow {
	uint8_t eth[12];	/* destination (the peer's) then source MAC */
	uint8_t vlan[XST_VLAN_MAX * XST_VLAN_HLEN];	/* tags as received (TPID, TCI) */
	uint8_t nr_vlans;
	uint8_t v6;
	uint16_t sport;		/* ours, network order */
	uint16_t dport;		/* the peer's, network order */
	uint8_t saddr[16];	/* ours (IPv4: first 4 bytes) */
	uint8_t daddr[16];	/* the peer's */
	uint32_t csum;		/* partial sum of the addresses and ports (xst_tcp_flow_init) */
};

/* The flow of replies to the received frame (p: parsed, TCP). */
static inline void xst_tcp_flow_init(struct xst_tcp_flow *fl, const uint8_t *frame,
				     const struct xst_pkt *p)
{
	const uint8_t *ip = frame + p->l3_off;
	const uint8_t *tcp = frame + p->l4_off;
	uint32_t alen;

	memset(fl, 0, sizeof(*fl));
	memcpy(fl->eth, frame + 6, 6);
	memcpy(fl->eth + 6, frame, 6);
	fl->nr_vlans = p->nr_vlans;
	memcpy(fl->vlan, frame + 12, (size_t)p->nr_vlans * XST_VLAN_HLEN);
	fl->v6 = p->l3_proto == XST_ETH_P_IPV6;
	alen = fl->v6 ? 16 : 4;
	memcpy(fl->saddr, ip + (fl->v6 ? 24 : 16), alen);
	memcpy(fl->daddr, ip + (fl->v6 ? 8 : 12), alen);
	memcpy(&fl->sport, tcp + 2, 2);
	memcpy(&fl->dport, tcp, 2);
	fl->csum = xst_csum_partial(fl->saddr, alen, 0);
	fl->csum = xst_csum_partial(fl->daddr, alen, fl->csum);
	fl->csum = xst_csum_add(fl->csum, (uint32_t)fl->sport + fl->dport);
}

/* Bytes before the IP header of the flow's frames. */
static inline uint32_t xst_tcp_flow_l3_off(const struct xst_tcp_flow *fl)
{
	return XST_ETH_HLEN + (uint32_t)fl->nr_vlans * XST_VLAN_HLEN;
}

/* Write the flow's MACs and tags at frame; the ethertype follows (the
 * caller's, or the prepared frame's). Returns the IP header's offset. */
static inline uint32_t xst_tcp_flow_l2(uint8_t *frame, const struct xst_tcp_flow *fl)
{
	uint32_t off = 12;

	memcpy(frame, fl->eth, 12);
	if (fl->nr_vlans) {
		memcpy(frame + 12, fl->vlan, (size_t)fl->nr_vlans * XST_VLAN_HLEN);
		off += (uint32_t)fl->nr_vlans * XST_VLAN_HLEN;
	}
	return off + 2;
}

/*
 * Patch a prepared frame's copy whose IP header is at ip (after the flow's
 * L2, see xst_tcp_flow_l2): addresses, ports, seq, ack, window (as sent,
 * already scaled down), and flags or'ed in (FIN on a last segment); both
 * checksums are updated from the prepared sums. l4len: TCP header plus
 * payload bytes (the prepared frame's).
 */
static inline void xst_tcp_patch(uint8_t *ip, const struct xst_tcp_flow *fl, uint32_t seq,
				 uint32_t ack, uint16_t win, uint8_t more_flags)
{
	uint8_t *tcp;
	uint32_t sum, s32, a32;
	uint16_t w16, check;

	if (fl->v6) {
		memcpy(ip + 8, fl->saddr, 16);
		memcpy(ip + 24, fl->daddr, 16);
		tcp = ip + XST_IPV6_HLEN;
	} else {
		uint16_t ipc;

		memcpy(ip + 12, fl->saddr, 4);
		memcpy(ip + 16, fl->daddr, 4);
		memcpy(&ipc, ip + 10, 2);
		sum = (uint16_t)~ipc;
		sum = xst_csum_add(sum, xst_load32(fl->saddr));
		sum = xst_csum_add(sum, xst_load32(fl->daddr));
		ipc = xst_csum_fold(sum);
		memcpy(ip + 10, &ipc, 2);
		tcp = ip + XST_IPV4_HLEN;
	}
	memcpy(tcp, &fl->sport, 2);
	memcpy(tcp + 2, &fl->dport, 2);
	xst_put_be32(tcp + 4, seq);
	xst_put_be32(tcp + 8, ack);
	xst_put_be16(tcp + 14, win);
	memcpy(&s32, tcp + 4, 4);
	memcpy(&a32, tcp + 8, 4);
	memcpy(&w16, tcp + 14, 2);
	memcpy(&check, tcp + 16, 2);
	sum = (uint16_t)~check;
	sum = xst_csum_add(sum, fl->csum);
	sum = xst_csum_add(sum, s32);
	sum = xst_csum_add(sum, a32);
	sum = xst_csum_add(sum, w16);
	if (more_flags) {
		uint16_t oldw, neww;

		memcpy(&oldw, tcp + 12, 2);
		tcp[13] |= more_flags;
		memcpy(&neww, tcp + 12, 2);
		sum = xst_csum_add(sum, (uint16_t)~oldw);
		sum = xst_csum_add(sum, neww);
	}
	check = xst_csum_fold(sum);
	memcpy(tcp + 16, &check, 2);
}

/*
 * Build a segment from scratch at frame: the flow's L2, an IP header (no
 * options; IPv4 id 0 and DF), a TCP header with opts[0..optlen) (a multiple
 * of 4) and the plen payload bytes the caller has put at the returned
 * payload offset beforehand (xst_tcp_payload_off()). Full checksums.
 * Returns the frame length.
 */
static inline uint32_t xst_tcp_payload_off(const struct xst_tcp_flow *fl, uint32_t optlen)
{
	return xst_tcp_flow_l3_off(fl) + (fl->v6 ? XST_IPV6_HLEN : XST_IPV4_HLEN) + XST_TCP_HLEN +
	       optlen;
}

static inline uint32_t xst_tcp_build(uint8_t *frame, const struct xst_tcp_flow *fl, uint32_t seq,
				     uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opts,
				     uint32_t optlen, uint32_t plen)
{
	uint32_t off = xst_tcp_flow_l2(frame, fl);
	uint8_t *ip = frame + off, *tcp;
	uint32_t l4len = XST_TCP_HLEN + optlen + plen, psum;
	uint16_t check;

	if (fl->v6) {
		xst_put_be16(frame + off - 2, XST_ETH_P_IPV6);
		xst_put_be32(ip, 0x60000000u);
		xst_put_be16(ip + 4, (uint16_t)l4len);
		ip[6] = XST_IPPROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 8, fl->saddr, 16);
		memcpy(ip + 24, fl->daddr, 16);
		tcp = ip + XST_IPV6_HLEN;
		psum = xst_csum_pseudo6(fl->saddr, fl->daddr, XST_IPPROTO_TCP, l4len);
	} else {
		xst_put_be16(frame + off - 2, XST_ETH_P_IP);
		ip[0] = 0x45;
		ip[1] = 0;
		xst_put_be16(ip + 2, (uint16_t)(XST_IPV4_HLEN + l4len));
		xst_put_be32(ip + 4, XST_IPV4_DF);	/* id 0, DF */
		ip[8] = XST_REPLY_TTL;
		ip[9] = XST_IPPROTO_TCP;
		ip[10] = 0;
		ip[11] = 0;
		memcpy(ip + 12, fl->saddr, 4);
		memcpy(ip + 16, fl->daddr, 4);
		check = xst_csum_ipv4hdr(ip);
		memcpy(ip + 10, &check, 2);
		tcp = ip + XST_IPV4_HLEN;
		psum = xst_csum_pseudo4(fl->saddr, fl->daddr, XST_IPPROTO_TCP, l4len);
	}
	memcpy(tcp, &fl->sport, 2);
	memcpy(tcp + 2, &fl->dport, 2);
	xst_put_be32(tcp + 4, seq);
	xst_put_be32(tcp + 8, ack);
	tcp[12] = (uint8_t)(((XST_TCP_HLEN + optlen) / 4) << 4);
	tcp[13] = flags;
	xst_put_be16(tcp + 14, win);
	tcp[16] = 0;
	tcp[17] = 0;
	tcp[18] = 0;
	tcp[19] = 0;
	if (optlen)
		memcpy(tcp + XST_TCP_HLEN, opts, optlen);
	check = xst_csum_fold(xst_csum_partial(tcp, l4len, psum));
	memcpy(tcp + 16, &check, 2);
	return (uint32_t)(tcp - frame) + l4len;
}

/* Sequence-space comparisons (RFC 793 modulo 2^32). */
static inline bool xst_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool xst_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

#endif /* XST_NET_TCP_H */
