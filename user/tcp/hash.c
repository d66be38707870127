// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed hashing for TCP: SipHash-2-4 (Aumasson and Bernstein) under the
 * instance's random key, for the connection table (a peer cannot aim its
 * 4-tuples at one bucket), the initial sequence numbers (RFC 6528) and the
 * SYN cookies' MAC.
 */
#include "tcp/tcp_priv.h"

#include <string.h>

#include "core/byteorder.h"

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND(v0, v1, v2, v3)                                  \
	do {                                                      \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32); \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;            \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;            \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32); \
	} while (0)

/* Little-endian 64-bit load, as SipHash defines its input words. */
static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint64_t xst_tcp_siphash(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v0 = 0x736f6d6570736575ull ^ key[0];
	uint64_t v1 = 0x646f72616e646f6dull ^ key[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ key[0];
	uint64_t v3 = 0x7465646279746573ull ^ key[1];
	uint64_t b = (uint64_t)len << 56, m;
	size_t i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(p + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	while (left--)
		b |= (uint64_t)p[i + left] << (8 * left);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

void xst_tcp_key_of(struct xst_tcp_key *k, const uint8_t *frame, const struct xst_pkt *p)
{
	const uint8_t *ip = frame + p->l3_off;
	const uint8_t *tcp = frame + p->l4_off;

	memset(k, 0, sizeof(*k));
	k->v6 = p->l3_proto == XST_ETH_P_IPV6;
	if (k->v6) {
		memcpy(k->daddr, ip + 8, 16);
		memcpy(k->saddr, ip + 24, 16);
	} else {
		memcpy(k->daddr, ip + 12, 4);
		memcpy(k->saddr, ip + 16, 4);
	}
	memcpy(&k->dport, tcp, 2);
	memcpy(&k->sport, tcp + 2, 2);
}

/*
 * RFC 6528: ISN = M + F(4-tuple, secret), M a timer ticking every 4 us
 * (here 4.096 us: now >> 12). The key's hash input is salted so the ISS does
 * not equal the table hash.
 */
uint32_t xst_tcp_iss(const struct xst_tcp *t, const struct xst_tcp_key *k, uint64_t now)
{
	uint64_t salted[2] = { t->key[0] ^ 0x155ull, t->key[1] };

	return (uint32_t)xst_tcp_siphash(salted, k, sizeof(*k)) + (uint32_t)(now >> 12);
}
