// SPDX-License-Identifier: GPL-2.0
/*
 * Frames for the flood generator. Every frame carries complete checksums
 * (the IPv4 header's and UDP's over the pseudo-header): a receiver on veth
 * never sees a partial one from us, unlike from a kernel sender.
 */
#include <errno.h>
#include <string.h>

#include "core/byteorder.h"
#include "net/csum.h"
#include "./pkt.h"

#define ETH_LEN 14
#define IP4_LEN 20
#define IP6_LEN 40
#define UDP_LEN 8
#define DNS_HDR 12

static const char *const kind_names[FLOOD_NKINDS] = {
	[FLOOD_RANDSUB] = "random-subdomain",
	[FLOOD_FIXED] = "fixed",
	[FLOOD_GARBAGE] = "garbage",
	[FLOOD_RESPONSES] = "responses",
	[FLOOD_MIX] = "mix",
};

int flood_kind_parse(const char *s)
{
	int k;

	for (k = 0; k < FLOOD_NKINDS; k++)
		if (!strcmp(s, kind_names[k]))
			return k;
	return -EINVAL;
}

const char *flood_kind_name(enum flood_kind k)
{
	return k < FLOOD_NKINDS ? kind_names[k] : "?";
}

int flood_encode_name(const char *name, uint8_t *out, size_t cap)
{
	size_t n = 0, len;
	const char *dot;

	if (cap > 255)
		cap = 255;
	while (*name) {
		dot = strchr(name, '.');
		len = dot ? (size_t)(dot - name) : strlen(name);
		if (len == 0 && dot && dot[1] == '\0')
			break;		/* a final dot */
		if (len == 0 || len > 63 || n + 1 + len + 1 > cap)
			return -EINVAL;
		out[n++] = (uint8_t)len;
		memcpy(out + n, name, len);
		n += len;
		name += len;
		if (*name == '.')
			name++;
	}
	if (n + 1 > cap)
		return -EINVAL;
	out[n++] = 0;
	return (int)n;
}

void flood_rand_addr(const struct flood_sources *src, int v6, uint64_t *rng, uint8_t out[16])
{
	unsigned alen = v6 ? 16 : 4, i, plen = src->plen > alen * 8 ? alen * 8 : src->plen;
	uint64_t r = 0;

	for (i = 0; i < alen; i++) {
		unsigned keep = plen >= (i + 1) * 8 ? 8 : plen > i * 8 ? plen - i * 8 : 0;
		uint8_t mask = keep ? (uint8_t)(0xff << (8 - keep)) : 0;

		if (i % 8 == 0)
			r = flood_rand(rng);
		out[i] = (uint8_t)((src->prefix[i] & mask) | ((uint8_t)(r >> (8 * (i % 8))) & ~mask));
	}
	/* no host part of all zeros or all ones: a real host could not have it */
	if (!v6 && plen <= 30 && (out[3] == 0 || out[3] == 255))
		out[3] = (uint8_t)(1 + (r % 254));
}

/* A DNS query for the wire name wname (wlen bytes) at p; the length. */
static size_t put_query(uint8_t *p, const uint8_t *wname, size_t wlen, uint64_t r)
{
	int edns = (r >> 20) & 1;

	xst_put_be16(p, (uint16_t)r);				/* id */
	xst_put_be16(p + 2, (r >> 16) & 1 ? 0x0100 : 0x0000);	/* RD sometimes */
	xst_put_be16(p + 4, 1);
	xst_put_be16(p + 6, 0);
	xst_put_be16(p + 8, 0);
	xst_put_be16(p + 10, edns);
	memcpy(p + DNS_HDR, wname, wlen);
	xst_put_be16(p + DNS_HDR + wlen, 1);			/* A */
	xst_put_be16(p + DNS_HDR + wlen + 2, 1);		/* IN */
	if (!edns)
		return DNS_HDR + wlen + 4;
	p += DNS_HDR + wlen + 4;
	p[0] = 0;						/* root */
	xst_put_be16(p + 1, 41);				/* OPT */
	xst_put_be16(p + 3, 1232);
	xst_put_be32(p + 5, 0);
	xst_put_be16(p + 9, 0);
	return DNS_HDR + wlen + 4 + 11;
}

/* A response (QR=1, AA, one A record) for wname at p; the length. */
static size_t put_response(uint8_t *p, const uint8_t *wname, size_t wlen, uint64_t r)
{
	uint8_t *a;

	xst_put_be16(p, (uint16_t)r);
	xst_put_be16(p + 2, 0x8580);				/* QR AA RD RA */
	xst_put_be16(p + 4, 1);
	xst_put_be16(p + 6, 1);
	xst_put_be16(p + 8, 0);
	xst_put_be16(p + 10, 0);
	memcpy(p + DNS_HDR, wname, wlen);
	xst_put_be16(p + DNS_HDR + wlen, 1);
	xst_put_be16(p + DNS_HDR + wlen + 2, 1);
	a = p + DNS_HDR + wlen + 4;
	xst_put_be16(a, 0xc00c);				/* the question's name */
	xst_put_be16(a + 2, 1);
	xst_put_be16(a + 4, 1);
	xst_put_be32(a + 6, 300);
	xst_put_be16(a + 10, 4);
	xst_put_be32(a + 12, (uint32_t)(r >> 24));
	return DNS_HDR + wlen + 4 + 16;
}

/* The payload of kind k at p (never FLOOD_MIX); its length or -EINVAL. */
static int put_payload(const struct flood_target *t, enum flood_kind k, uint64_t *rng, uint8_t *p)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t wname[256];
	uint64_t r = flood_rand(rng);
	size_t i, llen;
	int n;

	switch (k) {
	case FLOOD_RANDSUB:
		llen = 8 + (r % 9);
		wname[0] = (uint8_t)llen;
		for (i = 0; i < llen; i++) {
			if (i % 8 == 0)
				r = flood_rand(rng);
			wname[1 + i] = (uint8_t)alnum[(r >> (8 * (i % 8))) % 36];
		}
		n = flood_encode_name(t->zone, wname + 1 + llen, sizeof(wname) - 1 - llen);
		if (n < 0)
			return n;
		return (int)put_query(p, wname, 1 + llen + (size_t)n, flood_rand(rng));
	case FLOOD_FIXED:
		n = flood_encode_name(t->name, wname, sizeof(wname));
		if (n < 0)
			return n;
		return (int)put_query(p, wname, (size_t)n, r);
	case FLOOD_RESPONSES:
		n = flood_encode_name(t->name, wname, sizeof(wname));
		if (n < 0)
			return n;
		return (int)put_response(p, wname, (size_t)n, r);
	case FLOOD_GARBAGE:
		n = (int)(r % (FLOOD_GARBAGE_MAX + 1));
		for (i = 0; i < (size_t)n; i += 8) {
			uint64_t v = flood_rand(rng);

			memcpy(p + i, &v, (size_t)n - i < 8 ? (size_t)n - i : 8);
		}
		return n;
	default:
		return -EINVAL;
	}
}

int flood_build(const struct flood_target *t, const struct flood_sources *src, enum flood_kind kind,
		uint64_t *rng, uint8_t *buf)
{
	size_t iplen = t->v6 ? IP6_LEN : IP4_LEN, alen = t->v6 ? 16 : 4;
	uint8_t *ip = buf + ETH_LEN, *udp = ip + iplen, *dns = udp + UDP_LEN, saddr[16];
	uint64_t r = flood_rand(rng);
	uint16_t sport;
	uint32_t sum;
	int plen;

	if (kind == FLOOD_MIX)
		kind = (enum flood_kind)(r % FLOOD_MIX);
	plen = put_payload(t, kind, rng, dns);
	if (plen < 0)
		return plen;
	if (src->nfixed)
		memcpy(saddr, src->fixed[flood_rand(rng) % src->nfixed], alen);
	else
		flood_rand_addr(src, t->v6, rng, saddr);
	/* reflected responses come from port 53; queries from a high port */
	sport = kind == FLOOD_RESPONSES ? 53 : (uint16_t)(1024 + (r >> 8) % 64512);

	memcpy(buf, t->dst_mac, 6);
	memcpy(buf + 6, t->src_mac, 6);
	xst_put_be16(buf + 12, t->v6 ? 0x86dd : 0x0800);

	xst_put_be16(udp, sport);
	xst_put_be16(udp + 2, t->dport);
	xst_put_be16(udp + 4, (uint16_t)(UDP_LEN + plen));
	xst_store16(udp + 6, 0);

	if (t->v6) {
		xst_put_be32(ip, 0x60000000);
		xst_put_be16(ip + 4, (uint16_t)(UDP_LEN + plen));
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, saddr, 16);
		memcpy(ip + 24, t->dst, 16);
		sum = xst_csum_pseudo6(saddr, t->dst, 17, (uint32_t)(UDP_LEN + plen));
	} else {
		ip[0] = 0x45;
		ip[1] = 0;
		xst_put_be16(ip + 2, (uint16_t)(IP4_LEN + UDP_LEN + plen));
		xst_put_be16(ip + 4, (uint16_t)(r >> 32));	/* id */
		xst_put_be16(ip + 6, 0x4000);			/* DF */
		ip[8] = 64;
		ip[9] = 17;
		xst_store16(ip + 10, 0);
		memcpy(ip + 12, saddr, 4);
		memcpy(ip + 16, t->dst, 4);
		xst_store16(ip + 10, xst_csum_ipv4hdr(ip));
		sum = xst_csum_pseudo4(saddr, t->dst, 17, (uint32_t)(UDP_LEN + plen));
	}
	sum = xst_csum_partial(udp, UDP_LEN + (size_t)plen, sum);
	xst_store16(udp + 6, xst_csum_fold(sum) ? xst_csum_fold(sum) : 0xffff);	/* 0 means none */
	return (int)(ETH_LEN + iplen + UDP_LEN + (size_t)plen);
}
