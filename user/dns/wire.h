/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS wire-format helpers shared by the answer builder (db.c) and the
 * per-query responder (respond.c): name comparisons. The protocol's constants,
 * the lower-casing and the name hash both sides must agree on are dnsmsg's
 * (included). Pure functions, no allocation.
 */
#ifndef XST_DNS_WIRE_H
#define XST_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/byteorder.h"
#include "dnsmsg/msg.h"	/* header flags, rcodes, types, classes */
#include "dnsmsg/name.h"	/* xst_lower*(), xst_name_hash() */

/* Byte equality of a[0..len) and b[0..len) without a libc call. */
static inline int xst_name_same(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	if (len < 8) {
		for (i = 0; i < len; i++)
			if (a[i] != b[i])
				return 0;
		return 1;
	}
	for (i = 0; i + 8 <= len; i += 8)
		if (xst_load64(a + i) != xst_load64(b + i))
			return 0;
	return xst_load64(a + len - 8) == xst_load64(b + len - 8);
}

/*
 * Length of the uncompressed wire name at name[0..max), root label included,
 * or 0 if it is malformed (pointer, bad label type, runs past max, > 255).
 */
static inline size_t xst_name_len(const uint8_t *name, size_t max)
{
	size_t off = 0;

	for (;;) {
		uint8_t l;

		if (off >= max)
			return 0;
		l = name[off];
		if (l == 0)
			return off + 1 <= 255 ? off + 1 : 0;
		if (l & 0xc0)
			return 0;
		off += (size_t)l + 1;
		if (off > 254)
			return 0;
	}
}

/* Number of labels (root excluded) of a well-formed wire name. */
static inline unsigned int xst_name_labels(const uint8_t *name)
{
	unsigned int n = 0;

	while (*name) {
		n++;
		name += *name + 1;
	}
	return n;
}

/* Case-insensitive equality of two well-formed wire names of equal length. */
static inline int xst_name_eq(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (xst_lower(a[i]) != xst_lower(b[i]))
			return 0;
	return 1;
}

#endif /* XST_DNS_WIRE_H */
