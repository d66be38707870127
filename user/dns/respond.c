// SPDX-License-Identifier: GPL-2.0
/*
 * The per-query responder: the header and question parsed in place by
 * dnsmsg (its inline parser: this is the hot path), one hash lookup on the
 * lower-cased qname, pick the prepared form for the qtype and copy it after
 * the question, which stays where the client wrote it (its letter case
 * included). No allocation, no lock, no system call.
 *
 * Error and edge cases follow NSD 4.6 (query.c) so that a differential test
 * against it passes: header-only FORMERR/NOTIMP, REFUSED with the question,
 * RD the only flag copied from the query, truncation per RRset.
 */
#include "dns/db.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/db_priv.h"
#include "dns/wire.h"
#include "dnsmsg/parse.h"

_Static_assert(offsetof(struct xst_dns_stats, nodata) ==
	       offsetof(struct xst_dns_stats, noerror) + XST_KIND_NODATA * sizeof(uint64_t) &&
	       offsetof(struct xst_dns_stats, nxdomain) ==
	       offsetof(struct xst_dns_stats, noerror) + XST_KIND_NXDOMAIN * sizeof(uint64_t) &&
	       offsetof(struct xst_dns_stats, referral) ==
	       offsetof(struct xst_dns_stats, noerror) + XST_KIND_REFERRAL * sizeof(uint64_t),
	       "answer counters follow enum xst_dns_kind");

#define SLOW_SETS	XST_FORM_MAX_SETS	/* every RRset of a form */

/* Index of the form RRset holding body offset b (sets are in body order). */
static size_t set_of(const struct xst_dns_fset *s, size_t nr, size_t b)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s[mid].end <= b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Body offset just past the RR that starts at body offset o (a form's own RRs: well formed). */
static size_t rr_end(const uint8_t *body, size_t o)
{
	for (;;) {
		uint8_t l = body[o];

		if (!l) {
			o++;
			break;
		}
		if ((l & 0xc0) == 0xc0) {
			o += 2;
			break;
		}
		o += l + 1u;
	}
	return o + 10 + xst_get_be16(body + o + 8);
}

/* Whether body offset t (a pointer target) is still in the reply. */
static int target_kept(const struct xst_dns_fset *s, size_t nsets, const uint16_t *kept_end,
		       size_t t)
{
	size_t k = set_of(s, nsets, t);

	return k < nsets && t < kept_end[k];
}

/*
 * The form does not fit in limit (or the class is ANY): copy it RRset by
 * RRset as NSD's encode_answer() would write it. Answer and authority
 * RRsets that do not fit set TC and end the reply. An optional one (apex
 * NS, additional) that does not fit: over UDP it is left out and ends the
 * reply after its section (NSD's minimal responses); over TCP as many of
 * its RRs as fit are kept and the RRsets after it are still tried, as
 * NSD's packet_encode_rrset() does there. An RR whose compression pointer
 * would point at bytes left out ends its RRset (NSD would write the name
 * out in full: rare, and never wrong on the wire). Pointers are then moved
 * to where their targets went.
 */
size_t xst_dns_emit(uint8_t *msg, size_t limit, size_t base, const struct xst_dns_form *f,
		    const struct xst_dns_qmap *m, int class_any, int tcp, uint16_t *counts, int *tc)
{
	const struct xst_dns_fset *s = xst_form_sets(f);
	const uint16_t *ptr = xst_form_ptrs(f);
	const uint8_t *body = xst_form_body(f);
	uint16_t rm[SLOW_SETS], kept_end[SLOW_SETS];
	size_t nsets = f->nr_set < SLOW_SETS ? f->nr_set : SLOW_SETS;
	size_t pos = base, removed = 0, i, j, pi = 0;
	/* the name answered is this much longer than the form's reference one */
	long delta = (long)m->name_len - (long)(f->ref_qend - XST_DNS_HDR - 4);
	int done = 0, done_sec = -1, cur = -1;
	unsigned int nr_a = 0;

	counts[0] = counts[1] = counts[2] = 0;
	for (i = 0; i < nsets; i++) {
		size_t start = i ? s[i - 1].end : 0, size = s[i].end - start;
		int sec = s[i].section;

		kept_end[i] = (uint16_t)start;
		if (sec != cur) {
			if (done)
				break;
			cur = sec;
		}
		rm[i] = (uint16_t)removed;
		while (pi < f->nr_ptr && ptr[pi] < start)
			pi++;
		if (class_any && (sec == XST_SEC_OPT_AUTH ||
				  (s[i].flags & (XST_FSET_NS_ONLY | XST_FSET_NEG)))) {
			removed += size;
			continue;
		}
		if (pos + size > limit || (s[i].flags & XST_FSET_OVER)) {
			size_t o = start, nr = 0;

			if (sec <= XST_SEC_AUTHORITY) {
				*tc = 1;
				break;
			}
			if (!tcp || (s[i].flags & XST_FSET_OVER)) {
				removed += size;
				done = 1;
				done_sec = sec;
				continue;
			}
			/* TCP: the RRs that fit, each with its pointers' targets kept */
			while (o < s[i].end) {
				size_t e = rr_end(body, o), q;
				int ok = pos + (e - start) <= limit;

				for (q = pi; ok && q < f->nr_ptr && ptr[q] < e; q++) {
					unsigned int v = xst_get_be16(body + ptr[q]) & 0x3fff;

					if (ptr[q] >= o && v >= f->ref_qend &&
					    !target_kept(s, i, kept_end, v - f->ref_qend) &&
					    !(v - f->ref_qend >= start && v - f->ref_qend < o))
						ok = 0;
				}
				if (!ok)
					break;
				o = e;
				nr++;
			}
			memcpy(msg + pos, body + start, o - start);
			pos += o - start;
			kept_end[i] = (uint16_t)o;
			removed += s[i].end - o;
			counts[sec <= XST_SEC_OPT_AUTH ? 1 : 2] += (uint16_t)nr;
			if (sec == XST_SEC_ADD_A)
				nr_a += (unsigned int)nr;
			continue;
		}
		memcpy(msg + pos, body + start, size);
		pos += size;
		kept_end[i] = s[i].end;
		counts[sec == XST_SEC_ANSWER ? 0 : sec <= XST_SEC_OPT_AUTH ? 1 : 2] += s[i].nr_rr;
		if (sec == XST_SEC_ADD_A)
			nr_a += s[i].nr_rr;
	}
	nsets = i;
	/* NSD: a referral must carry a usable address or say TC. */
	if (done && done_sec == XST_SEC_ADD_A && !nr_a && f->kind == XST_KIND_REFERRAL)
		*tc = 1;

	for (i = 0, j = 0; i < f->nr_ptr; i++) {
		size_t p = ptr[i], np, v, k;

		while (j < nsets && s[j].end <= p)
			j++;
		if (j >= nsets)
			break;
		if (p >= kept_end[j])
			continue;
		np = base + p - rm[j];
		v = xst_get_be16(msg + np) & 0x3fff;
		if (v < f->ref_qend) {
			/* a suffix of the question's name: where m puts it */
			size_t r = v == XST_DNS_HDR && f->p12_fixed ? 0 :
				   (size_t)((long)(v - XST_DNS_HDR) + delta);

			v = xst_qmap_pos(m, r);
		} else {
			k = set_of(s, nsets, v - f->ref_qend);
			if (k >= nsets)
				continue;
			v = base + (v - f->ref_qend) - rm[k];
		}
		xst_put_be16(msg + np, (uint16_t)(0xc000 | (v & 0x3fff)));
	}
	return pos;
}


/*
 * Writes a denial chunk's RRs at msg + pos (msg NULL: only measures) and
 * returns their length. Owner pointers are aimed at the apex in the
 * question (apex_at) and at the chunk's first owner; one that would point
 * past 0x3fff (14 bits) is written as NSD writes a name past the pointer
 * reach: the first owner in full, its labels then the apex pointer.
 */
static size_t put_chunk(uint8_t *msg, size_t pos, const uint8_t *chunk, size_t apex_at)
{
	size_t clen = xst_get_be16(chunk), nptr = xst_get_be16(chunk + 4), p, from = 0, out = pos;
	const uint8_t *rr = chunk + XST_DINS_CHUNK_HDR + 2 * nptr;
	size_t slot0 = nptr ? xst_get_be16(chunk + XST_DINS_CHUNK_HDR) : 0;

	for (p = 0; p < nptr; p++) {
		size_t at = xst_get_be16(chunk + XST_DINS_CHUNK_HDR + 2 * p);
		unsigned int v = xst_get_be16(rr + at);

		if (msg)
			memcpy(msg + out, rr + from, at - from);
		out += at - from;
		from = at + 2;
		if (v != XST_DINS_APEX && pos + (v & 0x3fff) > 0x3fff) {
			/* chunk_rr() aims every such pointer at offset 0 */
			if (msg)
				memcpy(msg + out, rr, slot0);
			out += slot0;
			v = XST_DINS_APEX;
		}
		if (msg)
			xst_put_be16(msg + out, (uint16_t)(0xc000 | (v == XST_DINS_APEX ? apex_at :
								     pos + (v & 0x3fff))));
		out += 2;
	}
	if (msg)
		memcpy(msg + out, rr + from, clen - from);
	return out + clen - from - pos;
}

/*
 * Whether every compression pointer of RRset i (its pointers from ptr[pi])
 * still reaches its target when the RRset goes to message offset pos
 * after the chunk (at cpos, standing in for RRset skip): a target that
 * moved past 0x3fff, or was left out, cannot be pointed at.
 */
static int set_reaches(const struct xst_dns_form *f, size_t i, size_t pi, size_t pos,
		       const uint16_t *at, const uint8_t *keep, size_t skip, size_t cpos)
{
	const struct xst_dns_fset *s = xst_form_sets(f);
	const uint16_t *ptr = xst_form_ptrs(f);
	const uint8_t *body = xst_form_body(f);
	size_t start = i ? s[i - 1].end : 0;

	for (; pi < f->nr_ptr && ptr[pi] < s[i].end; pi++) {
		size_t v = xst_get_be16(body + ptr[pi]) & 0x3fff, k, to;

		if (v < f->ref_qend)
			continue;
		v -= f->ref_qend;
		k = set_of(s, i + 1, v);
		if (k == i)
			to = pos + (v - start);
		else if (k == skip)
			to = cpos + (v - (k ? s[k - 1].end : 0));
		else if (k < i && keep[k])
			to = at[k] + (v - (k ? s[k - 1].end : 0));
		else
			return 0;
		if (to > 0x3fff)
			return 0;
	}
	return 1;
}

/*
 * DNSSEC: a form with the query name's denial RRset (a chunk, db_priv.h)
 * inserted before RRset ins->set. Copied RRset by RRset as emit_slow()
 * does, with the chunk one more authority RRset; pointers are moved to
 * where their targets went, the chunk's aimed at the apex in the question
 * (apex_len bytes before its end) and at the chunk's first owner. skip:
 * the form's own copy of that RRset, after the place (NSD keeps an RRset
 * where it was first added: the chunk stands in for it), or SIZE_MAX.
 */
static __attribute__((noinline)) size_t
emit_ins(uint8_t *msg, size_t limit, size_t qend, const struct xst_dns_form *f,
	 const struct xst_dns_dins *ins, const uint8_t *chunk, size_t apex_len, size_t skip,
	 int class_any, uint16_t *counts, int *tc)
{
	const struct xst_dns_fset *s = xst_form_sets(f);
	const uint16_t *ptr = xst_form_ptrs(f);
	const uint8_t *body = xst_form_body(f);
	uint16_t at[SLOW_SETS];		/* message offset each kept RRset went to */
	uint8_t keep[SLOW_SETS];
	size_t nsets = f->nr_set < SLOW_SETS ? f->nr_set : SLOW_SETS;
	size_t pos = qend, cpos = 0, i, j, pi = 0;
	long delta = (long)qend - (long)f->ref_qend;
	int done = 0, cur = -1, stop = 0;

	counts[0] = counts[1] = counts[2] = 0;
	memset(keep, 0, nsets);
	for (i = 0; i <= nsets && !stop; i++) {
		size_t start, size;
		int sec;

		if (i == ins->set) {
			/* the chunk: mandatory, in the authority section */
			size_t clen = put_chunk(NULL, pos, chunk, qend - 4 - apex_len);

			if (pos + clen > limit) {
				*tc = 1;
				break;
			}
			put_chunk(msg, pos, chunk, qend - 4 - apex_len);
			cpos = pos;
			pos += clen;
			counts[1] += xst_get_be16(chunk + 2);
		}
		if (i == nsets)
			break;
		start = i ? s[i - 1].end : 0;
		size = s[i].end - start;
		sec = s[i].section;
		if (sec != cur) {
			if (done)
				break;
			cur = sec;
		}
		while (pi < f->nr_ptr && ptr[pi] < start)
			pi++;
		if (i == skip)
			continue;
		if (class_any && (sec == XST_SEC_OPT_AUTH || (s[i].flags & (XST_FSET_NS_ONLY | XST_FSET_NEG))))
			continue;
		/* An RRset after the chunk moves by its length: its pointers
		 * must still reach their targets (14 bits), or it counts as
		 * not fitting (the builder kept targets below 0x3eff for the
		 * qname's growth only). */
		if (pos + size > limit || (s[i].flags & XST_FSET_OVER) ||
		    (i >= ins->set && pos + size > 0x3fff &&
		     !set_reaches(f, i, pi, pos, at, keep, skip, cpos))) {
			if (sec <= XST_SEC_AUTHORITY) {
				*tc = 1;
				stop = 1;
				break;
			}
			done = 1;
			continue;
		}
		memcpy(msg + pos, body + start, size);
		at[i] = (uint16_t)pos;
		pos += size;
		keep[i] = 1;
		counts[sec == XST_SEC_ANSWER ? 0 : sec <= XST_SEC_OPT_AUTH ? 1 : 2] += s[i].nr_rr;
	}

	for (i = 0, j = 0; i < f->nr_ptr; i++) {
		size_t p = ptr[i], np, v, k;

		while (j < nsets && s[j].end <= p)
			j++;
		if (j >= nsets)
			break;
		if (!keep[j])
			continue;
		np = at[j] + p - (j ? s[j - 1].end : 0);
		v = xst_get_be16(msg + np) & 0x3fff;
		if (v == XST_DNS_HDR && f->p12_fixed)
			continue;
		if (v < f->ref_qend) {
			v = (size_t)((long)v + delta);
		} else {
			k = set_of(s, nsets, v - f->ref_qend);
			if (k == skip)
				v = cpos + (v - f->ref_qend) - (k ? s[k - 1].end : 0);
			else if (k >= nsets || !keep[k])
				continue;
			else
				v = at[k] + (v - f->ref_qend) - (k ? s[k - 1].end : 0);
		}
		xst_put_be16(msg + np, (uint16_t)(0xc000 | (v & 0x3fff)));
	}
	return pos;
}

static inline __attribute__((always_inline)) size_t
answer(const struct xst_dns_db *db, uint8_t *msg, size_t cap, int transport,
		     const struct xst_dnsmsg_query *q, uint32_t form, const struct xst_dns_dins *ins,
		     const uint8_t *chunk, size_t skip, struct xst_dns_stats *st)
{
	struct xst_dns_form_buf whole;
	const struct xst_dns_form *f = xst_form_whole(db->forms, db->tails, xst_db_form(db, form),
						      &whole);
	size_t limit, optlen = q->edns ? XST_DNS_OPT_LEN : 0, pos, qend = xst_dnsmsg_qend(q);
	int class_any = q->qclass == XST_C_ANY, tc = 0;
	int drop = class_any | (int)(form & XST_FORM_NO_NS);	/* RRsets class ANY leaves out */
	uint16_t flags, counts[3];

	limit = xst_dns_room(q, transport, cap);
	if (qend + optlen > limit) {
		st->dropped_short++;
		return 0;
	}
	limit -= optlen;

	if (ins) {
		pos = emit_ins(msg, limit, qend, f, ins, chunk,
			       db->nodes[db->apex[ins->zone]].name_len, skip, class_any, counts, &tc);
	} else if (qend + f->body_len <= limit && !(drop | f->over)) {
		uint8_t *out = msg + qend;
		long delta = (long)qend - (long)f->ref_qend;

		memcpy(out, xst_form_body(f), f->body_len);
		if (delta) {
			const uint16_t *ptr = xst_form_ptrs(f);
			unsigned int i;

			for (i = 0; i < f->nr_ptr; i++) {
				uint8_t *p = out + ptr[i];
				unsigned int v = xst_get_be16(p) & 0x3fff;

				if (v == XST_DNS_HDR && f->p12_fixed)
					continue;
				xst_put_be16(p, (uint16_t)(0xc000 | ((v + delta) & 0x3fff)));
			}
		}
		pos = qend + f->body_len;
		counts[0] = f->count[0];
		counts[1] = f->count[1];
		counts[2] = f->count[2];
	} else {
		struct xst_dns_qmap m = { .name_len = q->qname_len, .plen = XST_DNAME_MAX + 1,
					  .ppos = XST_DNS_HDR };

		pos = xst_dns_emit(msg, limit, qend, f, &m, drop, transport == XST_DNS_TCP,
				   counts, &tc);
	}

	flags = (uint16_t)(f->flags | (q->flags & XST_DNS_F_RD));
	if (class_any && !f->aa_any)
		flags &= (uint16_t)~XST_DNS_F_AA;
	if (tc) {
		flags |= XST_DNS_F_TC;
		st->truncated++;
	}
	xst_put_be16(msg + 2, flags);
	xst_put_be16(msg + 4, 1);
	xst_put_be16(msg + 6, counts[0]);
	xst_put_be16(msg + 8, counts[1]);
	xst_put_be16(msg + 10, (uint16_t)(counts[2] + !!q->edns));
	if (q->edns)
		pos += xst_dnsmsg_put_opt_inline(msg + pos, q->dnssec_ok, 0, -1);

	st->answered++;
	/* noerror, nodata, nxdomain, referral: one counter per kind, in order */
	(&st->noerror)[f->kind]++;
	return pos;
}

/* A reply that needs no lookup, counted; 0 (dropped as unusable) if it does not fit. */
static size_t fixed(size_t len, uint64_t *what, struct xst_dns_stats *st)
{
	if (!len) {
		st->dropped_short++;
		return 0;
	}
	(*what)++;
	st->answered++;
	return len;
}

/*
 * NSD answer_notify() with no allow-notify configured: a name that is no
 * zone of ours NXDOMAIN; a zone's apex REFUSED, after the TSIG check of the
 * records (FORMERR if they are malformed, NOTAUTH for a signature: we hold
 * no keys). Header only, like every NSD query_error().
 */
static size_t notify(const struct xst_dns_db *db, uint8_t *msg, size_t len, size_t cap,
		     const struct xst_dnsmsg_query *q, struct xst_dns_stats *st)
{
	const struct xst_dns_node *n = xst_db_find(db, q->lname, q->qname_len, q->hash);
	struct xst_dnsmsg_query k;

	if (!n || n->zone == XST_DNS_NOZONE || db->apex[n->zone] != (uint32_t)(n - db->nodes))
		return fixed(xst_dnsmsg_hdr_error(msg, q, XST_RCODE_NXDOMAIN), &st->nxdomain, st);
	k = *q;
	switch (xst_dnsmsg_parse_notify(msg, len, &k)) {
	case XST_DNSMSG_TSIG:
		return fixed(xst_dnsmsg_badkey(msg, len, cap, &k), &st->notauth, st);
	case XST_DNSMSG_FORMERR:
		/* NSD's answer_notify(): query_error(FORMAT), every flag kept */
		return fixed(xst_dnsmsg_hdr_error(msg, &k, XST_RCODE_FORMERR), &st->formerr, st);
	default:
		return fixed(xst_dnsmsg_hdr_error(msg, q, XST_RCODE_REFUSED), &st->refused, st);
	}
}


/* The DO=1 form n answers for qtype, from a per-node type list. */
static uint32_t do_pick(const struct xst_dns_db *db, uint32_t types, unsigned int nr, uint32_t dflt,
			uint16_t qtype)
{
	const struct xst_dns_tform *t = db->tforms + types;
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (t[i].type == qtype)
			return t[i].form;
	return dflt;
}

/*
 * respond() for DO=1 in a database with DNSSEC data: the same lookup, on
 * the DO=1 forms; where the denial depends on the query name, the NSEC
 * covering it or the NSEC3 covering its next closer name is found in the
 * zone's chain and inserted into the form.
 */
static __attribute__((noinline)) size_t
respond_do(const struct xst_dns_db *db, uint8_t *msg, size_t cap, int transport,
	   const struct xst_dnsmsg_query *q, struct xst_dns_stats *st)
{
	const struct xst_dns_dsec *d = db->dsec;
	const struct xst_dns_node *n;
	const struct xst_dns_dnode *dn;
	const struct xst_dns_dins *ins;
	const uint8_t *lname = q->lname, *chunk;
	size_t lp = q->qname_len, off = 0, prev = 0, skip = SIZE_MAX;
	uint32_t form = XST_DNS_NONE, e;
	unsigned int k;

	n = xst_db_find(db, lname, lp, q->hash);
	if (n) {
		dn = &d->nodes[n - db->nodes];
		if (n->zone != XST_DNS_NOZONE)
			form = do_pick(db, dn->types, dn->nr_types, dn->dflt, q->qtype);
	} else {
		while (lname[off]) {
			prev = off;
			off += lname[off] + 1u;
			n = xst_db_find(db, lname + off, lp - off, xst_name_hash(lname + off, lp - off));
			if (n)
				break;
		}
		if (n && n->wild == XST_DNS_DNAME)	/* the DNAME with its RRSIGs */
			return xst_dns_dname_answer(db, msg, cap, transport, q,
						    d->nodes[n - db->nodes].below, st);
		if (n && n->zone != XST_DNS_NOZONE) {
			dn = &d->nodes[n - db->nodes];
			form = dn->wdflt != XST_DNS_NONE ?
			       do_pick(db, dn->wtypes, dn->nr_wtypes, dn->wdflt, q->qtype) : dn->below;
		}
	}
	if (form == XST_DNS_NONE)
		return fixed(xst_dnsmsg_refused(msg, cap, q, XST_EDE_NOT_AUTH), &st->refused, st);
	if (!(form & XST_DO_INS))
		return answer(db, msg, cap, transport, q, form, NULL, NULL, SIZE_MAX, st);
	ins = &d->ins[form & ~XST_DO_INS];
	if (ins->how == XST_DINS_FIXED)
		e = ins->have[0];
	else if (ins->how == XST_DINS_NSEC3)
		e = xst_dns_dsec_cover(db, ins->zone, lname + prev, lp - prev);
	else
		e = xst_dns_dsec_cover(db, ins->zone, lname, lp);
	if (e == XST_DNS_NONE)
		return answer(db, msg, cap, transport, q, ins->form, NULL, NULL, SIZE_MAX, st);
	/* Already in the form: it stays there, or when it comes after the
	 * place, NSD has it at the place (added there first) */
	for (k = 0; k < ins->nr_have; k++)
		if (ins->have[k] == e) {
			if (ins->have_set[k] == XST_DINS_STAY)
				return answer(db, msg, cap, transport, q, ins->form, NULL, NULL,
					      SIZE_MAX, st);
			skip = ins->have_set[k];
		}
	chunk = d->chunks + d->chunk[e];
	return answer(db, msg, cap, transport, q, ins->form, ins, chunk, skip, st);
}

/* Both entry points, inlined into each: one call less per query. */
static inline __attribute__((always_inline)) size_t
respond(const struct xst_dns_db *db, uint8_t *msg, size_t len, size_t cap, int transport,
	enum xst_dnsmsg_status status, const struct xst_dnsmsg_query *q, struct xst_dns_stats *st)
{
	uint32_t form;
	int dname = 0;

	st->queries++;
	if (cap < len) {
		st->dropped_short++;
		return 0;
	}
	switch (status) {
	case XST_DNSMSG_OK:
		break;
	case XST_DNSMSG_RESPONSE:
		st->dropped_qr++;
		return 0;
	case XST_DNSMSG_NOTIMP:
		return fixed(xst_dnsmsg_notimp(msg, q), &st->notimp, st);
	case XST_DNSMSG_FORMERR:
		return fixed(xst_dnsmsg_formerr(msg, q), &st->formerr, st);
	case XST_DNSMSG_BADVERS:
		return fixed(xst_dnsmsg_badvers(msg, cap, q), &st->badvers, st);
	case XST_DNSMSG_NOTIFY:
		return notify(db, msg, len, cap, q, st);
	case XST_DNSMSG_TSIG:
		return fixed(xst_dnsmsg_badkey(msg, len, cap, q), &st->notauth, st);
	case XST_DNSMSG_SHORT:
	default:
		st->dropped_short++;
		return 0;
	}

	/* Expanded in the reply: the question must not point anywhere. */
	if (q->compressed && !xst_dnsmsg_question(msg, cap, q)) {
		st->dropped_short++;
		return 0;
	}
	if (q->qclass != XST_C_IN && q->qclass != XST_C_ANY) {
		if (q->qclass == XST_C_CH)
			return xst_dns_chaos_answer(db, msg, cap, transport, q, st);
		if (q->qclass == XST_C_NONE)
			return fixed(xst_dnsmsg_hdr_error(msg, q, XST_RCODE_REFUSED), &st->refused,
				     st);
		return fixed(xst_dnsmsg_refused(msg, cap, q, XST_EDE_NOT_SUPPORTED), &st->refused,
			     st);
	}
	if (q->qtype == XST_T_AXFR || q->qtype == XST_T_IXFR) {
		/* No zone transfers. NSD over UDP: AXFR NOTIMP, IXFR REFUSED. */
		if (q->qtype == XST_T_AXFR && transport != XST_DNS_TCP)
			return fixed(xst_dnsmsg_bare(msg, cap, q, XST_RCODE_NOTIMP, -1),
				     &st->notimp, st);
		return fixed(xst_dnsmsg_refused(msg, cap, q, XST_EDE_PROHIBITED), &st->refused,
			     st);
	}

	if (__builtin_expect(q->dnssec_ok && db->dsec != NULL, 0))
		return respond_do(db, msg, cap, transport, q, st);
	form = xst_db_lookup(db, q->lname, q->qname_len, q->hash, q->qtype, &dname);
	if (form == XST_DNS_NONE)
		return fixed(xst_dnsmsg_refused(msg, cap, q, XST_EDE_NOT_AUTH), &st->refused, st);
	if (__builtin_expect(dname, 0))
		return xst_dns_dname_answer(db, msg, cap, transport, q, form, st);
	return answer(db, msg, cap, transport, q, form, NULL, NULL, SIZE_MAX, st);
}

size_t xst_dns_respond_parsed(const struct xst_dns_db *db, uint8_t *msg, size_t len, size_t cap,
			      int transport, const struct xst_dnsmsg_query *q,
			      struct xst_dns_stats *st)
{
	return respond(db, msg, len, cap, transport, (enum xst_dnsmsg_status)q->status, q, st);
}

size_t xst_dns_respond(const struct xst_dns_db *db, uint8_t *msg, size_t len, size_t cap,
		       int transport, struct xst_dns_stats *st)
{
	struct xst_dnsmsg_query q;

	return respond(db, msg, len, cap, transport, xst_dnsmsg_parse_inline(msg, len, &q), &q, st);
}
