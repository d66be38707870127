// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed hashing for TCP: SipHash-2-4 (Aumasson and Bernstein) under the
 * instance's random key, for the connection table (a peer cannot aim its
 * 4-tuples at one bucket), the initial sequence numbers (RFC 6528) and the
 * SYN cookies' MAC.
 */
#include "tcp/tcp_priv.h"

#include <string.h>

#include "core/byteorder.h"
#include "core/siphash.h"

uint64_t xst_tcp_siphash(const uint64_t key[2], const void *data, size_t len)
{
	return xst_siphash24_u64(key, data, len);
}

void xst_tcp_key_of(struct xst_tcp_key *k, const uint8_t *frame, const struct xst_pkt *p)
{
	const uint8_t *ip = frame + p->l3_off;
	const uint8_t *tcp = frame + p->l4_off;

	memset(k, 0, sizeof(*k));
	k->v6 = p->l3_proto == XST_ETH_P_IPV6;
	if (k->v6) {
		memcpy(k->daddr, ip + 8, 16);
		memcpy(k->saddr, ip + 24, 16);
	} else {
		memcpy(k->daddr, ip + 12, 4);
		memcpy(k->saddr, ip + 16, 4);
	}
	memcpy(&k->dport, tcp, 2);
	memcpy(&k->sport, tcp + 2, 2);
}

/*
 * RFC 6528: ISN = M + F(4-tuple, secret), M a timer ticking every 4 us
 * (here 4.096 us: now >> 12). The key's hash input is salted so the ISS does
 * not equal the table hash.
 */
uint32_t xst_tcp_iss(const struct xst_tcp *t, const struct xst_tcp_key *k, uint64_t now)
{
	uint64_t salted[2] = { t->key[0] ^ 0x155ull, t->key[1] };

	return (uint32_t)xst_tcp_siphash(salted, k, sizeof(*k)) + (uint32_t)(now >> 12);
}
