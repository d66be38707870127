/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-1 (FIPS 180-4): the hash of DNSSEC's NSEC3 (RFC 5155 5), which the
 * DNS responder computes for query names that need a denial of existence.
 * Not for anything that needs collision resistance. No allocation; the
 * state lives on the caller's stack.
 */
#ifndef XST_CORE_SHA1_H
#define XST_CORE_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define XST_SHA1_LEN	20

struct xst_sha1 {
	uint32_t h[5];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
};

void xst_sha1_init(struct xst_sha1 *s);
void xst_sha1_update(struct xst_sha1 *s, const void *in, size_t len);
void xst_sha1_final(struct xst_sha1 *s, uint8_t out[XST_SHA1_LEN]);

/* out = SHA-1(in[0..len)) in one call. */
void xst_sha1(const void *in, size_t len, uint8_t out[XST_SHA1_LEN]);

#endif /* XST_CORE_SHA1_H */
