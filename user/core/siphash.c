// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-2-4 as in the paper's reference code: the key and the message are
 * read as little-endian 64-bit words on every host, the last block holds the
 * remaining bytes and the message length mod 256 in its top byte, two
 * compression rounds per block and four finalisation rounds.
 */
#include <string.h>

#include "core/siphash.h"

static inline uint64_t rotl(uint64_t x, unsigned int b)
{
	return x << b | x >> (64 - b);
}

/* Little-endian on every host: the reference code's U8TO64_LE. */
static inline uint64_t load_le64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	       (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);	\
	v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);	\
} while (0)

uint64_t xst_siphash24_u64(const uint64_t k[2], const void *in, size_t len)
{
	const uint8_t *p = in;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k[0];
	uint64_t v1 = 0x646f72616e646f6dULL ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ULL ^ k[0];
	uint64_t v3 = 0x7465646279746573ULL ^ k[1];
	uint64_t m, b = (uint64_t)len << 56;
	uint8_t tail[8] = { 0 };
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = load_le64(p + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	if (len > i)	/* memcpy() from a NULL message of length 0 is undefined */
		memcpy(tail, p + i, len - i);
	b |= load_le64(tail);

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

void xst_siphash24(const uint8_t key[XST_SIPHASH_KEY_LEN], const void *in, size_t len,
		   uint8_t out[XST_SIPHASH_OUT_LEN])
{
	const uint64_t k[2] = { load_le64(key), load_le64(key + 8) };
	uint64_t h = xst_siphash24_u64(k, in, len);
	size_t i;

	for (i = 0; i < 8; i++)
		out[i] = (uint8_t)(h >> (8 * i));
}
