/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helpers that turn wire data into text for assertions: a reply's
 * (possibly compressed) name, and a parsed zone record as "owner ttl TYPE
 * hex-rdata". Deliberately independent of the responder's own name code,
 * which the tests check. Header-only, for the unit suites.
 */
#ifndef XST_TESTS_DNS_TEXT_H
#define XST_TESTS_DNS_TEXT_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dns/zone.h"

/*
 * Decompresses the name at m[*off] (m[0..len) a message) into text ("a.b.",
 * "." for the root), at most cap bytes with the NUL; *off moves past the
 * name as written. -1 if it is malformed, runs out of m, loops (more than 64
 * pointers) or does not fit.
 */
static inline int test_read_name(const uint8_t *m, size_t len, size_t *off, char *out, size_t cap)
{
	size_t o = *off, w = 0, hops = 0;
	int jumped = 0;

	for (;;) {
		uint8_t l;

		if (o >= len)
			return -1;
		l = m[o];
		if ((l & 0xc0) == 0xc0) {
			if (o + 1 >= len || ++hops > 64)
				return -1;
			if (!jumped)
				*off = o + 2;
			jumped = 1;
			o = (size_t)(l & 0x3f) << 8 | m[o + 1];
			continue;
		}
		if (!l)
			break;
		if (o + 1 + l > len || w + l + 2 > cap)
			return -1;
		memcpy(out + w, m + o + 1, l);
		w += l;
		out[w++] = '.';
		o += l + 1u;
	}
	if (!w)
		out[w++] = '.';
	out[w] = 0;
	if (!jumped)
		*off = o + 1;
	return 0;
}

/* "owner ttl TYPE hex-rdata" of record i of z, owner in text form. */
static inline void test_rr_line(const struct xst_zone *z, size_t i, char *buf, size_t cap)
{
	const struct xst_rr *rr = &z->rrs[i];
	char owner[1024], tb[12];
	size_t o, k;

	ck_assert_int_ge(xst_dname_to_text(rr->owner, rr->owner_len, owner, sizeof(owner)), 1);
	o = (size_t)snprintf(buf, cap, "%s %u %s ", owner, rr->ttl, xst_rrtype_to_text(rr->type, tb));
	for (k = 0; k < rr->rdlen && o + 3 < cap; k++)
		o += (size_t)snprintf(buf + o, cap - o, "%02x", rr->rdata[k]);
}

#endif /* XST_TESTS_DNS_TEXT_H */
