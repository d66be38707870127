// SPDX-License-Identifier: GPL-2.0
/*
 * What the database says of a name, without building an answer (filter
 * mode: dns/db.h xst_dns_db_classify()). The lookup is the responder's
 * (respond.c): the exact node, or the closest encloser and its wildcard or
 * its "below" form, whose kind tells NXDOMAIN from a referral.
 */
#include "dns/db.h"

#include <stdio.h>
#include <string.h>

#include "dns/db_priv.h"

enum xst_dns_db_name xst_dns_db_classify(const struct xst_dns_db *db, const uint8_t *lname,
					 size_t len, uint32_t hash, uint32_t *zone)
{
	const struct xst_dns_node *n = xst_db_find(db, lname, len, hash);
	size_t off = 0;

	if (n) {
		if (n->zone == XST_DNS_NOZONE)
			return XST_DNS_NAME_OUTSIDE;
		*zone = n->zone;
		return XST_DNS_NAME_KNOWN;
	}
	/* Walk up to the closest encloser, as the responder does. */
	while (off < len && lname[off]) {
		off += lname[off] + 1u;
		if (off >= len)
			break;
		n = xst_db_find(db, lname + off, len - off, xst_name_hash(lname + off, len - off));
		if (n)
			break;
	}
	if (!n || n->zone == XST_DNS_NOZONE)
		return XST_DNS_NAME_OUTSIDE;
	*zone = n->zone;
	if (n->wild != XST_DNS_NONE)
		return XST_DNS_NAME_KNOWN;
	if (n->below == XST_DNS_NONE)
		return XST_DNS_NAME_OUTSIDE;
	return xst_db_form(db, n->below)->kind == XST_KIND_NXDOMAIN ? XST_DNS_NAME_UNKNOWN
								    : XST_DNS_NAME_KNOWN;
}

int xst_dns_db_wildcard(const struct xst_dns_db *db, const uint8_t *lname, size_t len,
			uint32_t hash, uint32_t *encloser)
{
	const struct xst_dns_node *n = xst_db_find(db, lname, len, hash);
	size_t off = 0;
	uint32_t h = 0;

	if (n)
		return 0;
	while (off < len && lname[off]) {
		off += lname[off] + 1u;
		if (off >= len)
			break;
		h = xst_name_hash(lname + off, len - off);
		n = xst_db_find(db, lname + off, len - off, h);
		if (n)
			break;
	}
	if (!n || n->zone == XST_DNS_NOZONE || n->wild == XST_DNS_NONE || n->wild == XST_DNS_DNAME)
		return 0;
	*encloser = h;
	return 1;
}

size_t xst_dns_db_nr_zones(const struct xst_dns_db *db)
{
	return db->nr_zones;
}

void xst_dns_db_zone_name(const struct xst_dns_db *db, size_t i, char *buf, size_t len)
{
	const struct xst_dns_node *n;
	const uint8_t *name;
	size_t o = 0;

	if (!len)
		return;
	buf[0] = 0;
	if (i >= db->nr_zones)
		return;
	n = &db->nodes[db->apex[i]];
	name = db->names + n->name;
	while (*name && o + *name + 2 < len) {
		memcpy(buf + o, name + 1, *name);
		o += *name;
		buf[o++] = '.';
		name += *name + 1;
	}
	if (!o && len > 1)
		buf[o++] = '.';
	buf[o] = 0;
}
