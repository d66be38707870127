/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flood generator's packet builder: complete Ethernet frames carrying
 * UDP to port 53 (IPv4 or IPv6) with correct IP and UDP checksums. Pure
 * functions on a caller's buffer, so that the unit tests check every kind
 * against the reference checksum without a socket.
 */
#ifndef XST_FLOOD_PKT_H
#define XST_FLOOD_PKT_H

#include <stddef.h>
#include <stdint.h>

enum flood_kind {
	FLOOD_RANDSUB,		/* random labels under the zone: "water torture" */
	FLOOD_FIXED,		/* one name, again and again */
	FLOOD_GARBAGE,		/* random bytes of random length */
	FLOOD_RESPONSES,	/* QR=1 answers from port 53 (reflection) */
	FLOOD_MIX,		/* one of the above per packet */
	FLOOD_NKINDS
};

#define FLOOD_NAME_MAX 255	/* a name in presentation form, without the final dot */
#define FLOOD_FRAME_MAX 1514
#define FLOOD_GARBAGE_MAX 512	/* the largest garbage payload */

struct flood_target {
	int v6;
	uint8_t src_mac[6], dst_mac[6];
	uint8_t dst[16];		/* 4 or 16 bytes used */
	uint16_t dport;			/* host order, normally 53 */
	char zone[FLOOD_NAME_MAX + 1];	/* random-subdomain: labels go under it */
	char name[FLOOD_NAME_MAX + 1];	/* fixed and responses */
};

/* The sources: nfixed addresses (chosen once), or random in a prefix. */
struct flood_sources {
	uint8_t prefix[16];
	unsigned plen;			/* prefix length in bits */
	unsigned nfixed;		/* 0: a random address of the prefix each packet */
	uint8_t (*fixed)[16];
};

/* xorshift64*: fast, and good enough for labels, ids and addresses. */
static inline uint64_t flood_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/* A random address of the prefix in out (the prefix bits kept). */
void flood_rand_addr(const struct flood_sources *src, int v6, uint64_t *rng, uint8_t out[16]);

/*
 * One frame of the kind (FLOOD_MIX picks one of the others) into buf (at
 * least FLOOD_FRAME_MAX bytes): a spoofed source from src, random ports and
 * ids. Returns the frame length, or -EINVAL for a name that does not encode.
 */
int flood_build(const struct flood_target *t, const struct flood_sources *src, enum flood_kind kind,
		uint64_t *rng, uint8_t *buf);

/* Name to wire format at out (at most 255 bytes); the length or -EINVAL. */
int flood_encode_name(const char *name, uint8_t *out, size_t cap);

/* "random-subdomain" etc. to the kind, or -EINVAL; and back. */
int flood_kind_parse(const char *s);
const char *flood_kind_name(enum flood_kind k);

#endif /* XST_FLOOD_PKT_H */
