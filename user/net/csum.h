/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Representation: a checksum or a 16-bit field value given to or returned by
 * these functions is in *memory order*: the two bytes as they sit in the
 * packet, read with a native 16-bit load (memcpy into a uint16_t). The
 * one's-complement sum is byte-order independent, so summing native words
 * and storing the folded result back natively gives the right bytes on any
 * host without a byte swap per word.
 *
 * A "partial" sum is a 32-bit unfolded accumulator (the kernel's __wsum):
 * partial sums of spans that start at even offsets of the checksummed data
 * can be added with xst_csum_add(), then xst_csum_fold() gives the field.
 */
#ifndef XST_NET_CSUM_H
#define XST_NET_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/byteorder.h"

/* Partial sum of len bytes at buf (any alignment), added to sum. */
uint32_t xst_csum_partial(const void *buf, size_t len, uint32_t sum);

/* One's-complement add of two partial sums. */
static inline uint32_t xst_csum_add(uint32_t a, uint32_t b)
{
	a += b;
	return a + (a < b);
}

/* Fold a partial sum to 16 bits and complement it: the checksum field (memory order). */
static inline uint16_t xst_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Checksum of len bytes (e.g. an IPv4 header with its check field zeroed). */
static inline uint16_t xst_csum(const void *buf, size_t len)
{
	return xst_csum_fold(xst_csum_partial(buf, len, 0));
}

/* Fold a 64-bit end-around-carry sum to a 32-bit partial sum. */
static inline uint32_t xst_csum_fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);	/* at most 33 bits */
	s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

/*
 * Partial sums of the TCP/UDP pseudo-headers. Addresses in network order at
 * any alignment; proto and len in host order (len: the L4 length).
 */
static inline uint32_t xst_csum_pseudo4(const void *saddr, const void *daddr, uint8_t proto,
					uint32_t len)
{
	/* the words {0, proto} and {len}, as memory-order 16-bit values */
	uint64_t s = (uint64_t)xst_load32(saddr) + xst_load32(daddr) + xst_htobe16(proto) +
		     xst_htobe16((uint16_t)len);

	return xst_csum_fold64(s);
}

uint32_t xst_csum_pseudo6(const void *saddr, const void *daddr, uint8_t proto, uint32_t len);

/* Checksum of a 20-byte IPv4 header (check field zeroed): five 32-bit words. */
static inline uint16_t xst_csum_ipv4hdr(const void *ip)
{
	const uint8_t *p = ip;
	uint64_t s = (uint64_t)xst_load32(p) + xst_load32(p + 4) + xst_load32(p + 8) +
		     xst_load32(p + 12) + xst_load32(p + 16);

	return xst_csum_fold(xst_csum_fold64(s));
}

/*
 * RFC 1624 eqn. 3: the checksum after one 16-bit word of the covered data
 * changed from old to new (all three in memory order):
 * HC' = ~(~HC + ~m + m'). Unlike eqn. 2 this never yields 0xffff (-0) for
 * data whose sum is not zero.
 */
static inline uint16_t xst_csum_replace2(uint16_t check, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~check;

	sum += (uint16_t)~old;
	sum += new;
	return xst_csum_fold(sum);
}

/* Same for a 32-bit field (e.g. an IPv4 address), both values in memory order. */
static inline uint16_t xst_csum_replace4(uint16_t check, uint32_t old, uint32_t new)
{
	uint32_t sum = (uint16_t)~check;

	sum = xst_csum_add(sum, ~old);
	sum = xst_csum_add(sum, new);
	return xst_csum_fold(sum);
}

#endif /* XST_NET_CSUM_H */
