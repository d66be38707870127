/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): the keyed hash of RFC 9018 interoperable DNS server cookies
 * (filter/cookie.c) and of own TCP's connection table, initial sequence
 * numbers and SYN cookies (tcp/hash.c). A 128-bit key, a 64-bit output. No
 * allocation, constant work per byte.
 */
#ifndef XST_CORE_SIPHASH_H
#define XST_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define XST_SIPHASH_KEY_LEN	16
#define XST_SIPHASH_OUT_LEN	8

/* SipHash-2-4 under the key words k[0], k[1] (the reference code's k0 and k1,
 * i.e. the key bytes read little-endian) as a number. */
uint64_t xst_siphash24_u64(const uint64_t k[2], const void *in, size_t len);

/* out[0..8) = SipHash-2-4(key, in[0..len)) as the 8 bytes the reference code
 * writes (little-endian): what goes on the wire in a server cookie. */
void xst_siphash24(const uint8_t key[XST_SIPHASH_KEY_LEN], const void *in, size_t len,
		   uint8_t out[XST_SIPHASH_OUT_LEN]);

#endif /* XST_CORE_SIPHASH_H */
