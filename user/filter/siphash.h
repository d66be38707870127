/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012), the keyed hash of RFC 9018 interoperable DNS server cookies. A
 * 128-bit key, a 64-bit output; the output is returned as the 8 bytes the
 * reference implementation writes (little-endian), which is what goes on
 * the wire in a server cookie. No allocation, constant work per byte.
 */
#ifndef XST_FILTER_SIPHASH_H
#define XST_FILTER_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define XST_SIPHASH_KEY_LEN	16
#define XST_SIPHASH_OUT_LEN	8

/* out[0..8) = SipHash-2-4(key, in[0..len)), byte order of the reference code. */
void xst_siphash24(const uint8_t key[XST_SIPHASH_KEY_LEN], const void *in, size_t len,
		   uint8_t out[XST_SIPHASH_OUT_LEN]);

#endif /* XST_FILTER_SIPHASH_H */
