// SPDX-License-Identifier: GPL-2.0
/*
 * Lookahead for a batch of queries (see db.h): the lookup of
 * xst_dns_respond(), split into steps that each prefetch what the next one
 * reads. It follows only the common case (an uncompressed qname whose node
 * is the first in its probe sequence); the responder does the real lookup.
 */
#include "dns/db.h"

#include "dns/db_priv.h"
#include "dns/wire.h"

int xst_dns_db_ahead(const struct xst_dns_db *db)
{
	return db->ahead;
}

void xst_dns_ahead_start(const struct xst_dns_db *db, struct xst_dns_ahead *a, const uint8_t *msg,
			 size_t len)
{
	uint8_t lname[XST_DNAME_MAX];
	size_t off = XST_DNS_HDR, lp;

	a->step = 0;
	if (len < XST_DNS_HDR || (msg[2] & 0x80))	/* QR: dropped, not looked up */
		return;
	for (;;) {
		unsigned int l;

		if (off >= len)
			return;
		l = msg[off];
		if (!l)
			break;
		if (l & 0xc0)
			return;
		off += l + 1;
		if (off - XST_DNS_HDR > XST_DNAME_MAX - 1)
			return;
	}
	lp = off + 1 - XST_DNS_HDR;
	if (off + 5 > len)
		return;
	a->hash = xst_lower_copy_hash(lname, msg + XST_DNS_HDR, lp);
	a->qtype = xst_get_be16(msg + off + 1);
	a->step = 1;
	__builtin_prefetch(&db->slots[a->hash & db->mask]);
}

void xst_dns_ahead_step(const struct xst_dns_db *db, struct xst_dns_ahead *a)
{
	const struct xst_dns_node *n = a->node;
	uint32_t s, form;

	switch (a->step) {
	case 1:
		s = db->slots[a->hash & db->mask];
		if (!s)
			break;			/* absent: the walk up is not followed */
		n = &db->nodes[s - 1];
		__builtin_prefetch(n);
		a->node = n;
		a->step = 2;
		return;
	case 2:
		if (n->hash != a->hash || n->zone == XST_DNS_NOZONE)
			break;			/* a collision, or not ours */
		__builtin_prefetch(db->names + n->name);
		__builtin_prefetch(db->tforms + n->types);
		a->step = 3;
		return;
	case 3:
		form = xst_db_pick(db, n, a->qtype);
		if (form == XST_DNS_NONE)
			break;
		/* header, pointer and RRset tables, then the body's start */
		__builtin_prefetch(db->forms + form);
		__builtin_prefetch(db->forms + form + 64);
		break;
	default:
		break;
	}
	a->step = 0;
}
