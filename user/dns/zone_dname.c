// SPDX-License-Identifier: GPL-2.0
/*
 * The zone checks DNAME records need (RFC 6672), as NSD 4.6's zonec.c
 * makes them when it loads a primary zone: one DNAME at a name, no CNAME
 * beside it, and no data below it (NSD refuses such a zone rather than
 * occlude the data). Load time only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"
#include "dns/zone_priv.h"

#define T_DNAME		39
#define T_RRSIG		46
#define T_NSEC3		50

struct oslot {
	const struct xst_rr *rr;	/* first record of the owner, or NULL */
	uint8_t flags;			/* 1: CNAME, 2: DNAME */
};

static uint32_t lhash(const uint8_t *name, size_t len)
{
	uint8_t l[XST_DNAME_MAX];

	xst_lower_copy(l, name, len);
	return xst_name_hash(l, len);
}

/* The slot of the owner name[0..len) in t (mask: size - 1): its own or the empty one to take. */
static struct oslot *slot(struct oslot *t, uint32_t mask, const uint8_t *name, size_t len)
{
	uint32_t i;

	for (i = lhash(name, len) & mask;; i = (i + 1) & mask) {
		const struct xst_rr *o = t[i].rr;

		if (!o || (o->owner_len == len && xst_name_eq(o->owner, name, len)))
			return &t[i];
	}
}

/* NSD lets names that hold only NSEC3 (and their RRSIGs) sit below a DNAME. */
static int nsec3_only(const struct xst_rr *rr)
{
	return rr->type == T_NSEC3 ||
	       (rr->type == T_RRSIG && rr->rdlen >= 2 && xst_get_be16(rr->rdata) == T_NSEC3);
}

int xst_zone_check_dname(const struct xst_zone *z, size_t *at, char *reason, size_t cap)
{
	struct oslot *t;
	size_t n = 16, i, off;
	uint32_t mask;
	int ret = 0, have = 0;

	for (i = 0; i < z->nr_rrs; i++)
		have |= z->rrs[i].type == T_DNAME;
	if (!have)
		return 0;
	while (n < z->nr_rrs * 2)
		n *= 2;
	t = calloc(n, sizeof(*t));
	if (!t)
		return -ENOMEM;
	mask = (uint32_t)n - 1;
	for (i = 0; i < z->nr_rrs && !ret; i++) {
		const struct xst_rr *rr = &z->rrs[i];
		struct oslot *s;
		int f = rr->type == T_DNAME ? 2 : rr->type == XST_T_CNAME ? 1 : 0;

		if (!f)
			continue;
		s = slot(t, mask, rr->owner, rr->owner_len);
		if (!s->rr)
			s->rr = rr;
		if ((s->flags & 2) && f == 2) {
			snprintf(reason, cap, "multiple DNAMEs at the same name");
			ret = -EINVAL;
		} else if ((s->flags | f) == 3) {
			snprintf(reason, cap, "DNAME and CNAME at the same name");
			ret = -EINVAL;
		}
		s->flags |= (uint8_t)f;
		*at = i;
	}
	/* Data below a DNAME: any record whose owner has a DNAME owner above it. */
	for (i = 0; i < z->nr_rrs && !ret; i++) {
		const struct xst_rr *rr = &z->rrs[i];
		const uint8_t *o = rr->owner;

		if (nsec3_only(rr))
			continue;
		for (off = o[0] + 1u; o[0] && off < rr->owner_len; off += o[off] + 1u) {
			struct oslot *s = slot(t, mask, o + off, rr->owner_len - off);
			char a[XST_DNAME_MAX * 4 + 1], b[XST_DNAME_MAX * 4 + 1];

			if (!s->rr || !(s->flags & 2)) {
				if (!o[off])
					break;
				continue;
			}
			if (xst_dname_to_text(o, rr->owner_len, a, sizeof(a)) < 0)
				snprintf(a, sizeof(a), "?");
			if (xst_dname_to_text(o + off, rr->owner_len - off, b, sizeof(b)) < 0)
				snprintf(b, sizeof(b), "?");
			snprintf(reason, cap,
				 "while checking node %.100s, DNAME at %.100s has data below it: "
				 "not allowed (RFC 2672)", a, b);
			*at = i;
			ret = -EINVAL;
			break;
		}
	}
	free(t);
	return ret;
}
