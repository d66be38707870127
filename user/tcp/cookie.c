// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: the SYN-ACK's ISS encodes what the connection needs, so a SYN
 * leaves no state and a flood cannot grow memory. 32 bits:
 *
 *   31..30  time counter mod 4 (counter = now / XST_TCP_COOKIE_PERIOD_NS)
 *   29..27  MSS index into mss_table (the largest entry <= the MSS to use)
 *   26..23  the peer's window scale, 15: none
 *   22..0   MAC: SipHash-2-4 under the instance's secret of the 4-tuple, the
 *           peer's ISN, the full counter, and bits 29..23
 *
 * The counter is part of the MAC's input, so each period is keyed afresh
 * (the rotation of the secret); the ACK is accepted in the period of the
 * SYN-ACK and the next one (a cookie is valid 64 to 128 s), and refused two
 * periods on: the two counter bits then match neither candidate.
 */
#include "tcp/tcp_priv.h"

#include <errno.h>
#include <string.h>

static const uint16_t mss_table[8] = { 64, 536, 1220, 1400, 1440, 1452, 1460, 8960 };

#define WS_NONE_CODE	15u
#define MAC_MASK	((1u << 23) - 1)

struct mac_in {
	struct xst_tcp_key k;
	uint64_t counter;
	uint32_t peer_isn;
	uint32_t bits;		/* 29..23 of the cookie */
};

static uint32_t mac(const struct xst_tcp *t, const struct xst_tcp_key *k, uint32_t peer_isn,
		    uint64_t counter, uint32_t bits)
{
	uint64_t salted[2] = { t->key[0] ^ 0xc00c1eull, t->key[1] };
	struct mac_in in;

	memset(&in, 0, sizeof(in));
	in.k = *k;
	in.counter = counter;
	in.peer_isn = peer_isn;
	in.bits = bits;
	return (uint32_t)xst_tcp_siphash(salted, &in, sizeof(in)) & MAC_MASK;
}

uint32_t xst_tcp_cookie_make(const struct xst_tcp *t, const struct xst_tcp_key *k,
			     uint32_t peer_isn, uint16_t mss, uint8_t wscale, uint64_t now)
{
	uint64_t counter = now / XST_TCP_COOKIE_PERIOD_NS;
	uint32_t idx = 0, ws, bits;

	while (idx < 7 && mss_table[idx + 1] <= mss)
		idx++;
	ws = wscale == XST_TCP_WS_NONE ? WS_NONE_CODE : wscale;
	bits = (idx << 27) | (ws << 23);
	return ((uint32_t)(counter & 3) << 30) | bits | mac(t, k, peer_isn, counter, bits);
}

/* 0 with *mss and *wscale (XST_TCP_WS_NONE or a shift), -ESTALE, or -EINVAL (bad MAC). */
int xst_tcp_cookie_check(const struct xst_tcp *t, const struct xst_tcp_key *k, uint32_t peer_isn,
			 uint32_t cookie, uint64_t now, uint16_t *mss, uint8_t *wscale)
{
	uint64_t counter = now / XST_TCP_COOKIE_PERIOD_NS;
	uint32_t bits = cookie & ~(3u << 30) & ~MAC_MASK, ws;
	int d;

	for (d = 0; d < 2; d++) {
		uint64_t c = counter - (uint64_t)d;

		if ((uint64_t)d > counter || (c & 3) != cookie >> 30)
			continue;
		if (mac(t, k, peer_isn, c, bits) != (cookie & MAC_MASK))
			return -EINVAL;
		ws = (bits >> 23) & 15;
		if (ws != WS_NONE_CODE && ws > XST_TCP_WS_MAX)
			return -EINVAL;
		*mss = mss_table[(bits >> 27) & 7];
		*wscale = ws == WS_NONE_CODE ? XST_TCP_WS_NONE : (uint8_t)ws;
		return 0;
	}
	return -ESTALE;
}
