/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference Internet checksum sum for tests and fuzzers: big-endian
 * 16-bit words one at a time, end-around carry (RFC 1071 as written).
 * Deliberately independent of user/net/csum.c, whose optimised sum it checks.
 */
#ifndef XST_TESTS_REF_CSUM_H
#define XST_TESTS_REF_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* sum folded to 16 bits, plus p[0..len) (an odd tail byte is the high byte). */
static inline uint32_t ref_csum_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

#endif /* XST_TESTS_REF_CSUM_H */
