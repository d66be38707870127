// SPDX-License-Identifier: GPL-2.0
/*
 * Internet checksum. xst_csum_partial() is the per-packet cost of a DNS reply
 * (the UDP checksum covers the whole answer), so it sums 8 bytes per add with
 * end-around carry: on x86-64 as one add/adc chain over 32 bytes (five
 * instructions per 32 bytes), elsewhere through a 128-bit accumulator (add +
 * adc $0 per 8 bytes). Loads are unaligned-safe (x86 memory operands, memcpy
 * elsewhere).
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

/* The last byte of an odd-length span is the high-order byte of a zero-padded word. */
static inline uint32_t last_byte(uint8_t b)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return b;
#else
	return (uint32_t)b << 8;
#endif
}

/* 64-bit one's-complement add */
static inline uint64_t add64(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

#if defined(__x86_64__)
static inline uint64_t sum32(uint64_t s, const uint8_t *p)
{
	__asm__("addq 0(%[p]), %[s]\n\t"
		"adcq 8(%[p]), %[s]\n\t"
		"adcq 16(%[p]), %[s]\n\t"
		"adcq 24(%[p]), %[s]\n\t"
		"adcq $0, %[s]"
		: [s] "+r"(s)
		: [p] "r"(p), "m"(*(const uint8_t(*)[32])p)
		: "cc");
	return s;
}
#else
static inline uint64_t sum32(uint64_t s, const uint8_t *p)
{
	unsigned __int128 acc = s;

	acc += load64(p);
	acc += load64(p + 8);
	acc += load64(p + 16);
	acc += load64(p + 24);
	return add64((uint64_t)acc, (uint64_t)(acc >> 64));
}
#endif

uint32_t xst_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t s = sum, t = 0;

	while (len >= 32) {
		s = sum32(s, p);
		p += 32;
		len -= 32;
	}
	/* the tail: 32-bit words into a second accumulator cannot overflow */
	if (len & 16) {
		s = add64(s, load64(p));
		s = add64(s, load64(p + 8));
		p += 16;
	}
	if (len & 8) {
		s = add64(s, load64(p));
		p += 8;
	}
	if (len & 4) {
		t += xst_load32(p);
		p += 4;
	}
	if (len & 2) {
		t += xst_load16(p);
		p += 2;
	}
	if (len & 1)
		t += last_byte(*p);
	return xst_csum_fold64(add64(s, t));
}

uint32_t xst_csum_pseudo6(const void *saddr, const void *daddr, uint8_t proto, uint32_t len)
{
	const uint8_t *s = saddr, *d = daddr;
	uint64_t a;

	a = add64(load64(s), load64(s + 8));
	a = add64(a, load64(d));
	a = add64(a, load64(d + 8));
	/* 32-bit length and {0, 0, 0, proto}: memory-order 16-bit words */
	a = add64(a, (uint64_t)xst_htobe16((uint16_t)(len >> 16)) + xst_htobe16((uint16_t)len) +
			     xst_htobe16(proto));
	return xst_csum_fold64(a);
}
