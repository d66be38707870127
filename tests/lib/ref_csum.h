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
#include <string.h>

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

/*
 * The TCP/UDP checksum of the l4len bytes at l4 with the pseudo header of
 * the IP header at ip (IPv4 without options or IPv6; its addresses), proto
 * and l4len, as a receiver computes it: 0xffff when the checksum is valid.
 */
static inline uint32_t ref_csum_l4(const uint8_t *ip, int v6, uint8_t proto, const uint8_t *l4,
				   uint32_t l4len)
{
	uint8_t ph[40] = { 0 };
	size_t n;

	if (v6) {
		memcpy(ph, ip + 8, 32);
		ph[34] = (uint8_t)(l4len >> 8);
		ph[35] = (uint8_t)l4len;
		ph[39] = proto;
		n = 40;
	} else {
		memcpy(ph, ip + 12, 8);
		ph[9] = proto;
		ph[10] = (uint8_t)(l4len >> 8);
		ph[11] = (uint8_t)l4len;
		n = 12;
	}
	return ref_csum_sum(l4, l4len, ref_csum_sum(ph, n, 0));
}

#endif /* XST_TESTS_REF_CSUM_H */
