// SPDX-License-Identifier: GPL-2.0
/*
 * DNSSEC denial lookups shared by the builder (db.c, at load time) and the
 * responder (respond.c, per query): the canonical name order of RFC 4034
 * 6.1 and the search of a zone's NSEC or NSEC3 chain for the entry that
 * covers a name. Binary search over arrays sorted at load time; the NSEC3
 * hash of the name is computed here, only when a query needs it. No
 * allocation, no lock.
 */
#include <stddef.h>
#include <string.h>

#include "dns/db_priv.h"
#include "dns/nsec3hash.h"

#define MAX_LABELS	128

/* Offsets of the labels of a well-formed wire name, root label excluded. */
static unsigned int labels(const uint8_t *n, size_t len, uint8_t off[MAX_LABELS])
{
	unsigned int nr = 0;
	size_t o = 0;

	while (o < len && n[o] && nr < MAX_LABELS) {
		off[nr++] = (uint8_t)o;
		o += n[o] + 1u;
	}
	return nr;
}

int xst_dns_canon_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	uint8_t oa[MAX_LABELS], ob[MAX_LABELS];
	unsigned int na = labels(a, alen, oa), nb = labels(b, blen, ob);

	while (na && nb) {
		const uint8_t *la = a + oa[--na], *lb = b + ob[--nb];
		size_t l = la[0] < lb[0] ? la[0] : lb[0];
		int c = memcmp(la + 1, lb + 1, l);

		if (c)
			return c;
		if (la[0] != lb[0])
			return la[0] < lb[0] ? -1 : 1;
	}
	return na ? 1 : nb ? -1 : 0;
}

/* Largest NSEC owner of zone z at or before lname, or NONE. */
static uint32_t nsec_cover(const struct xst_dns_db *db, const struct xst_dns_dzone *z,
			   const uint8_t *lname, size_t len)
{
	const struct xst_dns_dsec *d = db->dsec;
	uint32_t lo = 0, hi = z->nr;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct xst_dns_node *n = &db->nodes[d->key[z->first + mid]];

		if (xst_dns_canon_cmp(db->names + n->name, n->name_len, lname, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? z->first + lo - 1 : XST_DNS_NONE;
}

/* NSD nsec3_find_cover(): the largest hash at or before h, else the last. */
static uint32_t nsec3_cover(const struct xst_dns_db *db, const struct xst_dns_dzone *z,
			    const uint8_t *h)
{
	const uint8_t *hash = db->dsec->hash;
	uint32_t lo = 0, hi = z->nr;

	if (!z->nr)
		return XST_DNS_NONE;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (memcmp(hash + (size_t)(z->first + mid) * XST_NSEC3_HASH_LEN, h,
			   XST_NSEC3_HASH_LEN) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return z->first + (lo ? lo - 1 : z->nr - 1);
}

uint32_t xst_dns_dsec_cover(const struct xst_dns_db *db, unsigned int zone, const uint8_t *lname,
			    size_t len)
{
	const struct xst_dns_dzone *z = &db->dsec->zones[zone];
	uint8_t h[XST_NSEC3_HASH_LEN];

	if (z->kind == 1)
		return nsec_cover(db, z, lname, len);
	if (z->kind != 2)
		return XST_DNS_NONE;
	xst_nsec3_hash(lname, len, z->salt, z->salt_len, z->iterations, h);
	return nsec3_cover(db, z, h);
}
