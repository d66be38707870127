/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS wire-format helpers shared by the answer builder (db.c) and the
 * per-query responder (respond.c). Pure functions, no allocation.
 */
#ifndef XST_DNS_WIRE_H
#define XST_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/byteorder.h"

#define XST_DNS_HDR		12
#define XST_DNS_OPT_LEN		11	/* root owner, type, class, ttl, rdlen 0 */
#define XST_DNS_EDNS_SIZE	1232	/* our UDP payload size (DNS flag day 2020) */
#define XST_DNS_UDP_MIN		512

/* Header flag bits (host order, second 16-bit word). */
#define XST_DNS_F_QR		0x8000
#define XST_DNS_F_OPCODE	0x7800
#define XST_DNS_F_AA		0x0400
#define XST_DNS_F_TC		0x0200
#define XST_DNS_F_RD		0x0100
#define XST_DNS_F_RA		0x0080
#define XST_DNS_F_Z		0x0040
#define XST_DNS_F_AD		0x0020
#define XST_DNS_F_CD		0x0010
#define XST_DNS_F_RCODE		0x000f

#define XST_DNS_OPCODE_QUERY	0
#define XST_DNS_OPCODE_NOTIFY	4

enum {
	XST_RCODE_NOERROR = 0,
	XST_RCODE_FORMERR = 1,
	XST_RCODE_SERVFAIL = 2,
	XST_RCODE_NXDOMAIN = 3,
	XST_RCODE_NOTIMP = 4,
	XST_RCODE_REFUSED = 5,
	XST_RCODE_BADVERS = 16,	/* extended: OPT ttl upper byte 1, header 0 */
};

enum {
	XST_T_A = 1, XST_T_NS = 2, XST_T_MD = 3, XST_T_MF = 4, XST_T_CNAME = 5, XST_T_SOA = 6,
	XST_T_MB = 7, XST_T_MG = 8, XST_T_MR = 9, XST_T_PTR = 12, XST_T_MINFO = 14,
	XST_T_MX = 15, XST_T_TXT = 16, XST_T_AAAA = 28, XST_T_SRV = 33, XST_T_OPT = 41,
	XST_T_DS = 43, XST_T_IXFR = 251, XST_T_AXFR = 252, XST_T_ANY = 255,
};

#define XST_C_IN	1
#define XST_C_CH	3
#define XST_C_NONE	254
#define XST_C_ANY	255

static inline uint8_t xst_lower(uint8_t c)
{
	return (uint8_t)((unsigned int)(c - 'A') < 26u ? c + 32 : c);
}

/* The last len % 8 bytes of name[0..len) (len >= 8): one load ending at len. */
static inline uint64_t xst_tail64(const uint8_t *name, size_t len)
{
	size_t rest = len & 7;

	return xst_load64(name + len - 8) >> (8 * (8 - rest));
}

/*
 * Hash of a lower-cased wire name, 8 bytes per step; the responder and the
 * builder must agree. Never reads outside name[0..len).
 */
static inline uint32_t xst_name_hash(const uint8_t *name, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, t = 0;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		h = (h ^ xst_load64(name + i)) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (i < len) {
		if (len >= 8) {
			t = xst_tail64(name, len);
		} else {
			for (; i < len; i++)
				t |= (uint64_t)name[i] << (8 * i);
		}
		h = (h ^ t) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return (uint32_t)h;
}

/* Adds 0x20 to every byte 'A'..'Z' of an 8-byte word (label lengths are < 64). */
static inline uint64_t xst_lower64(uint64_t w)
{
	uint64_t low7 = w & 0x7f7f7f7f7f7f7f7full;
	uint64_t gt_z = low7 + 0x2525252525252525ull;	/* high bit set if > 'Z' */
	uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3full;	/* high bit set if >= 'A' */
	uint64_t upper = ~w & (ge_a ^ gt_z) & 0x8080808080808080ull;

	return w | upper >> 2;
}

/* dst[0..len) = lower-cased src[0..len); reads and writes nothing outside. */
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
