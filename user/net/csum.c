// SPDX-License-Identifier: GPL-2.0
/*
 * Internet checksum. xst_csum_partial() is the per-packet cost of a DNS reply
 * (the UDP checksum covers the whole answer), so it sums 8 bytes per add into
 * a 128-bit accumulator (the compiler turns that into add + adc $0, i.e. a
 * 64-bit end-around-carry sum), unrolled to 32 bytes per iteration, with
 * memcpy loads so that any alignment is fine.
 *
 * Possible future optimisation (not done): prepared DNS messages are
 * constant except for the id, flags and the copied question, so their
 * partial sums could be computed at load time and only the patched words
 * summed per query.
 */
#include "net/csum.h"

#include <string.h>

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Fold a 64-bit end-around-carry sum to a 32-bit partial sum. */
static inline uint32_t fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);	/* at most 33 bits */
	s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

/* The last byte of an odd-length span is the high-order byte of a zero-padded word. */
static inline uint32_t last_byte(uint8_t b)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return b;
#else
	return (uint32_t)b << 8;
#endif
}

#ifdef __SIZEOF_INT128__
uint32_t xst_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	unsigned __int128 acc = sum;
	uint64_t s;

	while (len >= 32) {
		acc += load64(p);
		acc += load64(p + 8);
		acc += load64(p + 16);
		acc += load64(p + 24);
		p += 32;
		len -= 32;
	}
	if (len & 16) {
		acc += load64(p);
		acc += load64(p + 8);
		p += 16;
	}
	if (len & 8) {
		acc += load64(p);
		p += 8;
	}
	if (len & 4) {
		acc += load32(p);
		p += 4;
	}
	if (len & 2) {
		acc += xst_get16(p);
		p += 2;
	}
	if (len & 1)
		acc += last_byte(*p);

	/* 128 -> 64 bits with end-around carry: the high half counts carries */
	s = (uint64_t)acc;
	s += (uint64_t)(acc >> 64);
	if (s < (uint64_t)(acc >> 64))
		s++;
	return fold64(s);
}
#else
/* No 128-bit type: 32-bit words into a 64-bit accumulator cannot overflow. */
uint32_t xst_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t a = sum, b = 0;

	while (len >= 16) {
		a += load32(p);
		b += load32(p + 4);
		a += load32(p + 8);
		b += load32(p + 12);
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		a += load32(p);
		p += 4;
		len -= 4;
	}
	if (len & 2) {
		b += xst_get16(p);
		p += 2;
	}
	if (len & 1)
		a += last_byte(*p);
	return fold64(a + b);
}
#endif

uint32_t xst_csum_pseudo4(const void *saddr, const void *daddr, uint8_t proto, uint32_t len)
{
	uint8_t tail[4] = { 0, proto, (uint8_t)(len >> 8), (uint8_t)len };
	uint64_t s;

	s = (uint64_t)load32(saddr) + load32(daddr) + load32(tail);
	return fold64(s);
}

uint32_t xst_csum_pseudo6(const void *saddr, const void *daddr, uint8_t proto, uint32_t len)
{
	uint8_t tail[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			    (uint8_t)len, 0, 0, 0, proto };
	uint32_t sum;

	sum = xst_csum_partial(saddr, 16, 0);
	sum = xst_csum_partial(daddr, 16, sum);
	return xst_csum_partial(tail, sizeof(tail), sum);
}
