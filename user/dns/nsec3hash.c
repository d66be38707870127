// SPDX-License-Identifier: GPL-2.0
/*
 * NSEC3 hashing (RFC 5155 5) and the base32hex form of NSEC3 owner labels.
 */
#include "dns/nsec3hash.h"

#include <errno.h>

void xst_nsec3_hash(const uint8_t *name, size_t len, const uint8_t *salt, size_t salt_len,
		    unsigned int iterations, uint8_t out[XST_NSEC3_HASH_LEN])
{
	struct xst_sha1 s;
	unsigned int i;

	xst_sha1_init(&s);
	xst_sha1_update(&s, name, len);
	xst_sha1_update(&s, salt, salt_len);
	xst_sha1_final(&s, out);
	for (i = 0; i < iterations; i++) {
		xst_sha1_init(&s);
		xst_sha1_update(&s, out, XST_NSEC3_HASH_LEN);
		xst_sha1_update(&s, salt, salt_len);
		xst_sha1_final(&s, out);
	}
}

static const char b32[] = "0123456789abcdefghijklmnopqrstuv";

void xst_nsec3_b32(const uint8_t hash[XST_NSEC3_HASH_LEN], char out[32])
{
	unsigned int i;

	/* 20 bytes = 160 bits = 32 symbols of 5 bits, no padding */
	for (i = 0; i < 32; i++) {
		unsigned int bit = i * 5, byte = bit / 8, sh = bit % 8;
		unsigned int v = (unsigned int)hash[byte] << 8 | (byte + 1 < 20 ? hash[byte + 1] : 0);

		out[i] = b32[(v >> (11 - sh)) & 31];
	}
}

int xst_nsec3_unb32(const uint8_t *label, size_t len, uint8_t hash[XST_NSEC3_HASH_LEN])
{
	unsigned int i, acc = 0, nbits = 0, o = 0;

	if (len != 32)
		return -EINVAL;
	for (i = 0; i < 32; i++) {
		unsigned int c = label[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'v')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'V')
			v = c - 'A' + 10;
		else
			return -EINVAL;
		acc = (acc << 5) | v;
		nbits += 5;
		if (nbits >= 8) {
			nbits -= 8;
			hash[o++] = (uint8_t)(acc >> nbits);
		}
	}
	return 0;
}
