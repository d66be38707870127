/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one byte-order header of user/: loads and stores of packet fields at
 * any alignment, in two flavours whose names say which.
 *
 *   xst_get_be16/32(), xst_put_be16/32(): the field is a big-endian (network
 *     order) number; the value is in host order. For protocol logic: DNS
 *     counts and types, TCP sequence numbers, lengths to compare.
 *   xst_load16/32/64(), xst_store16/32/64(): the bytes as they sit in memory
 *     (a native load, no swap). For copying fields between packets and for
 *     the one's-complement checksum, which is byte-order independent
 *     (net/csum.h works on memory-order words).
 *
 * xst_htobe16() turns a host-order number into its memory-order
 * representation (the value whose native store writes it big-endian).
 */
#ifndef XST_CORE_BYTEORDER_H
#define XST_CORE_BYTEORDER_H

#include <stdint.h>
#include <string.h>

static inline uint16_t xst_get_be16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t xst_get_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline void xst_put_be16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void xst_put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static inline uint16_t xst_load16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t xst_load32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t xst_load64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void xst_store16(void *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void xst_store32(void *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void xst_store64(void *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Memory-order representation of the host-order number v (htons). */
static inline uint16_t xst_htobe16(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

static inline uint32_t xst_htobe32(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

#endif /* XST_CORE_BYTEORDER_H */
