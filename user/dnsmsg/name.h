/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire-format names on the per-query path: lower-casing 8 bytes at a time
 * and the hash of a lower-cased name. Every table keyed on a qname (the
 * answer database, the copy pool, a filter's name lists) uses this one hash,
 * so xst_dnsmsg_parse() computes it once while it lower-cases the qname.
 * Inline, no allocation, never reads or writes outside the given ranges.
 */
#ifndef XST_DNSMSG_NAME_H
#define XST_DNSMSG_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "core/byteorder.h"

#define XST_NAME_HASH_SEED	0x9e3779b97f4a7c15ull
#define XST_NAME_HASH_MUL	0xff51afd7ed558ccdull

static inline uint8_t xst_lower(uint8_t c)
{
	return (uint8_t)((unsigned int)(c - 'A') < 26u ? c + 32 : c);
}

/* Adds 0x20 to every byte 'A'..'Z' of an 8-byte word (byte by byte: no carries). */
static inline uint64_t xst_lower64(uint64_t w)
{
	uint64_t low7 = w & 0x7f7f7f7f7f7f7f7full;
	uint64_t gt_z = low7 + 0x2525252525252525ull;	/* high bit set if > 'Z' */
	uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3full;	/* high bit set if >= 'A' */
	uint64_t upper = ~w & (ge_a ^ gt_z) & 0x8080808080808080ull;

	return w | upper >> 2;
}

static inline uint64_t xst_name_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * XST_NAME_HASH_MUL;
	return h ^ h >> 32;
}

/* The last len % 8 bytes of name[0..len) (len >= 8): one load ending at len. */
static inline uint64_t xst_tail64(const uint8_t *name, size_t len)
{
	size_t rest = len & 7;

	return xst_load64(name + len - 8) >> (8 * (8 - rest));
}

/*
 * Hash of a lower-cased wire name, 8 bytes per step (memory order: a hash
 * for tables built and read on the same host).
 */
static inline uint32_t xst_name_hash(const uint8_t *name, size_t len)
{
	uint64_t h = XST_NAME_HASH_SEED ^ len, t = 0;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		h = xst_name_mix(h, xst_load64(name + i));
	if (i < len) {
		if (len >= 8) {
			t = xst_tail64(name, len);
		} else {
			for (; i < len; i++)
				t |= (uint64_t)name[i] << (8 * i);
		}
		h = xst_name_mix(h, t);
	}
	return (uint32_t)h;
}

/* dst[0..len) = lower-cased src[0..len). */
static inline void xst_lower_copy(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t i;

	if (len < 8) {
		for (i = 0; i < len; i++)
			dst[i] = xst_lower(src[i]);
		return;
	}
	for (i = 0; i + 8 <= len; i += 8)
		xst_store64(dst + i, xst_lower64(xst_load64(src + i)));
	if (i < len)	/* overlapping last word: lower-casing twice is harmless */
		xst_store64(dst + len - 8, xst_lower64(xst_load64(src + len - 8)));
}

/*
 * xst_lower_copy() and xst_name_hash() of the result in one pass: returns
 * xst_name_hash(dst, len). The words are hashed as they are lower-cased;
 * the overlapping last word gives the tail xst_tail64() would load.
 */
static inline uint32_t xst_lower_copy_hash(uint8_t *dst, const uint8_t *src, size_t len)
{
	uint64_t h = XST_NAME_HASH_SEED ^ len, w, t = 0;
	size_t i;

	if (len < 8) {
		for (i = 0; i < len; i++) {
			dst[i] = xst_lower(src[i]);
			t |= (uint64_t)dst[i] << (8 * i);
		}
		return (uint32_t)(len ? xst_name_mix(h, t) : h);
	}
	for (i = 0; i + 8 <= len; i += 8) {
		w = xst_lower64(xst_load64(src + i));
		xst_store64(dst + i, w);
		h = xst_name_mix(h, w);
	}
	if (i < len) {
		w = xst_lower64(xst_load64(src + len - 8));
		xst_store64(dst + len - 8, w);
		h = xst_name_mix(h, w >> (8 * (8 - (len & 7))));
	}
	return (uint32_t)h;
}

#endif /* XST_DNSMSG_NAME_H */
