/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NSEC3 owner hash (RFC 5155 5): IH(salt, x, 0) = H(x || salt),
 * IH(salt, x, k) = H(IH(salt, x, k-1) || salt), with H = SHA-1 and x the
 * lower-cased wire name. No allocation.
 */
#ifndef XST_DNS_NSEC3HASH_H
#define XST_DNS_NSEC3HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/sha1.h"

#define XST_NSEC3_HASH_LEN	XST_SHA1_LEN

/* out = IH(salt, name, iterations); name is lower-cased by the caller. */
void xst_nsec3_hash(const uint8_t *name, size_t len, const uint8_t *salt, size_t salt_len,
		    unsigned int iterations, uint8_t out[XST_NSEC3_HASH_LEN]);

/* Base32hex (RFC 4648 7) text of a hash, lower case as signers write it,
 * into out[0..32); or the hash of a 32-character label (any case) into
 * hash: 0, or -EINVAL if label is not base32hex. */
void xst_nsec3_b32(const uint8_t hash[XST_NSEC3_HASH_LEN], char out[32]);
int xst_nsec3_unb32(const uint8_t *label, size_t len, uint8_t hash[XST_NSEC3_HASH_LEN]);

#endif /* XST_DNS_NSEC3HASH_H */
