// SPDX-License-Identifier: GPL-2.0
/*
 * The run-time part of DNAME answers (RFC 6672), as NSD 4.6's
 * answer_authoritative() and query_synthesize_cname() make them. For a
 * name below a DNAME's owner the database holds a form with the DNAME
 * RRset only (encoded at load time); the CNAME depends on the query name,
 * so it is written here: owner a pointer to the query name, rdata the
 * query name's labels above the DNAME's owner and a pointer to the DNAME's
 * target in the DNAME's rdata. The new name is then looked up as a query
 * is (xst_db_lookup()) and its form appended, its pointers into its
 * question placed where the new name's parts are (struct xst_dns_qmap).
 * A new name below a DNAME again repeats this, XST_DNS_DNAME_CHAIN times
 * at most. No allocation, no lock: per query, on the stack.
 *
 * DO=1 (a database with DNSSEC data): the DNAME form carries the DNAME's
 * RRSIGs, the CNAME none (NSD makes it at query time, unsigned), and the
 * new name is looked up in the DO=1 forms as respond_do() looks up a
 * query; where its denial depends on the name (db_priv.h, struct
 * xst_dns_dins) the chain entry is found here and written into the form.
 */
#include "dns/db.h"

#include <stddef.h>
#include <string.h>

#include "dns/db_priv.h"
#include "dns/wire.h"
#include "dnsmsg/parse.h"

#define PTR_MAX		0x3fff	/* largest offset a compression pointer reaches */
#define EDE_OTHER	0
static const char yx_text[] = "DNAME expansion became too large";	/* NSD's EDE text */

/* Body offset just past the (possibly compressed) name at body offset o. */
static size_t skip_name(const uint8_t *body, size_t o)
{
	for (;;) {
		uint8_t l = body[o];

		if (!l)
			return o + 1;
		if ((l & 0xc0) == 0xc0)
			return o + 2;
		o += l + 1u;
	}
}

/* Whether the name[0..len) is sub[0..slen) or below it (case-insensitive). */
static int name_under(const uint8_t *name, size_t len, const uint8_t *sub, size_t slen)
{
	size_t off = 0;

	while (len - off > slen && name[off])
		off += name[off] + 1u;
	return len - off == slen && xst_name_eq(name + off, sub, slen);
}

/*
 * A name written earlier in the reply whose suffixes NSD's compression
 * table holds: the query name (only from the first DNAME's owner up: NSD
 * enters the closest encloser and its parents), then each name a CNAME
 * was made for (all its suffixes: their labels were written).
 */
struct known {
	const uint8_t *name;	/* lower case */
	size_t len, max_suffix;
	struct xst_dns_qmap m;	/* where its suffixes are */
};

/*
 * The longest suffix of name[0..len) (lower case) NSD would compress the
 * CNAME's target to: its offset in name (len when none) and its place in
 * the reply in *at.
 */
static size_t compress_at(const struct known *k, int nr, const uint8_t *name, size_t len,
			  size_t *at)
{
	size_t off = 0;
	int i;

	for (;;) {
		size_t sl = len - off;

		for (i = 0; i < nr; i++) {
			size_t o = 0;

			if (sl > k[i].max_suffix || sl > k[i].len)
				continue;
			while (k[i].len - o > sl)
				o += k[i].name[o] + 1u;
			if (k[i].len - o == sl && !memcmp(k[i].name + o, name + off, sl)) {
				*at = xst_qmap_pos(&k[i].m, o);
				if (*at <= PTR_MAX)
					return off;
			}
		}
		if (!name[off])
			return len;
		off += name[off] + 1u;
	}
}

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

/* The DO=1 form for qtype from a per-node type list (respond.c do_pick()). */
static uint32_t pick(const struct xst_dns_db *db, uint32_t types, unsigned int nr, uint32_t dflt,
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
 * respond_do()'s lookup for a name a DNAME made: its DO=1 form (maybe an
 * insertion record, XST_DO_INS), *dn set for a DNAME's form. *enc gets the
 * offset in name of its closest encloser, *nc that of the next closer name
 * (0 for a name that exists).
 */
static uint32_t do_lookup(const struct xst_dns_db *db, const uint8_t *name, size_t len,
			  uint16_t qtype, int *dn, size_t *enc, size_t *nc)
{
	const struct xst_dns_dsec *d = db->dsec;
	const struct xst_dns_node *n = xst_db_find(db, name, len, xst_name_hash(name, len));
	const struct xst_dns_dnode *x;
	size_t off = 0, prev = 0;

	if (n) {
		x = &d->nodes[n - db->nodes];
		*nc = 0;
		*enc = name[0] ? name[0] + 1u : 0;
		return n->zone == XST_DNS_NOZONE ? XST_DNS_NONE :
		       pick(db, x->types, x->nr_types, x->dflt, qtype);
	}
	while (name[off]) {
		prev = off;
		off += name[off] + 1u;
		n = xst_db_find(db, name + off, len - off, xst_name_hash(name + off, len - off));
		if (n)
			break;
	}
	if (!n || n->zone == XST_DNS_NOZONE)
		return XST_DNS_NONE;
	x = &d->nodes[n - db->nodes];
	*enc = off;
	*nc = prev;
	if (n->wild == XST_DNS_DNAME) {
		*dn = 1;
		return x->below;
	}
	return x->wdflt != XST_DNS_NONE ? pick(db, x->wtypes, x->nr_wtypes, x->wdflt, qtype) :
	       x->below;
}

/*
 * NSEC3 only: the RRset of form f after RRset ins->set that holds the
 * chain entry of chunk (the same hash label), when nothing but its own RRs
 * points into it; else nr_set. NSD adds the NSEC3 covering the next
 * closer name first: when it is also one the form holds (the wildcard's),
 * it goes to the insertion place and the form's copy is left out, so that
 * a reply cut short keeps the RRsets NSD keeps.
 */
static size_t held_set(const struct xst_dns_form *f, const struct xst_dns_dins *ins,
		       const uint8_t *chunk)
{
	const struct xst_dns_fset *s = xst_form_sets(f);
	const uint16_t *ptr = xst_form_ptrs(f);
	const uint8_t *body = xst_form_body(f);
	const uint8_t *rr = chunk + XST_DINS_CHUNK_HDR + 2 * xst_get_be16(chunk + 4);
	size_t i, k, n = f->nr_set < XST_FORM_MAX_SETS ? f->nr_set : XST_FORM_MAX_SETS;

	if (ins->how != XST_DINS_NSEC3 || !rr[0] || (rr[0] & 0xc0) ||
	    xst_get_be16(chunk) < rr[0] + 1u)
		return f->nr_set;
	for (i = ins->set; i < n; i++) {
		size_t start = i ? s[i - 1].end : 0;

		if (s[i].section != XST_SEC_AUTHORITY || s[i].end - start < rr[0] + 1u ||
		    memcmp(body + start, rr, rr[0] + 1u))
			continue;
		for (k = 0; k < f->nr_ptr; k++) {
			unsigned int v = xst_get_be16(body + ptr[k]) & 0x3fff;

			if ((ptr[k] < start || ptr[k] >= s[i].end) && v >= f->ref_qend &&
			    v - f->ref_qend >= start && v - f->ref_qend < s[i].end)
				return f->nr_set;
		}
		return i;
	}
	return f->nr_set;
}

/*
 * xst_dns_emit() of an insertion record's form with the chain entry's
 * chunk (mandatory, in the authority section) before RRset ins->set, as
 * respond.c's emit_ins() writes it after a question; here after what the
 * DNAMEs wrote, the form's pointers into its question placed by m, the
 * chunk's apex pointer at apex_at, RRset skip (held_set()) left out. The
 * caller keeps every pointer target below 0x4000.
 */
static size_t emit_chunk(uint8_t *msg, size_t limit, size_t base, const struct xst_dns_form *f,
			 const struct xst_dns_dins *ins, const uint8_t *chunk, size_t apex_at,
			 size_t skip, const struct xst_dns_qmap *m, int class_any, uint16_t *counts,
			 int *tc)
{
	const struct xst_dns_fset *s = xst_form_sets(f);
	const uint16_t *ptr = xst_form_ptrs(f);
	const uint8_t *body = xst_form_body(f);
	uint16_t at[XST_FORM_MAX_SETS];	/* message offset each kept RRset went to */
	uint8_t keep[XST_FORM_MAX_SETS];
	size_t nsets = f->nr_set < XST_FORM_MAX_SETS ? f->nr_set : XST_FORM_MAX_SETS;
	size_t clen = xst_get_be16(chunk), pos = base, i, j;
	long delta = (long)m->name_len - (long)(f->ref_qend - XST_DNS_HDR - 4);
	int done = 0, cur = -1;

	counts[0] = counts[1] = counts[2] = 0;
	memset(keep, 0, nsets);
	for (i = 0; i <= nsets; i++) {
		size_t start, size;
		int sec;

		if (i == ins->set) {
			size_t nptr = xst_get_be16(chunk + 4), hdr = XST_DINS_CHUNK_HDR + 2 * nptr, p;

			if (pos + clen > limit || pos + clen > PTR_MAX) {
				*tc = 1;
				break;
			}
			memcpy(msg + pos, chunk + hdr, clen);
			for (p = 0; p < nptr; p++) {
				uint8_t *slot = msg + pos +
						xst_get_be16(chunk + XST_DINS_CHUNK_HDR + 2 * p);
				unsigned int v = xst_get_be16(slot);

				v = v == XST_DINS_APEX ? (unsigned int)apex_at :
							  (unsigned int)pos + (v & 0x3fff);
				xst_put_be16(slot, (uint16_t)(0xc000 | v));
			}
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
		if (i == skip || (class_any && (sec == XST_SEC_OPT_AUTH ||
				  (s[i].flags & (XST_FSET_NS_ONLY | XST_FSET_NEG)))))
			continue;
		if (pos + size > limit || (s[i].flags & XST_FSET_OVER)) {
			if (sec <= XST_SEC_AUTHORITY) {
				*tc = 1;
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
		if (v < f->ref_qend) {
			size_t r = v == XST_DNS_HDR && f->p12_fixed ? 0 :
				   (size_t)((long)(v - XST_DNS_HDR) + delta);

			v = xst_qmap_pos(m, r);
		} else {
			k = set_of(s, nsets, v - f->ref_qend);
			if (k >= nsets || !keep[k])
				continue;
			v = at[k] + (v - f->ref_qend) - (k ? s[k - 1].end : 0);
		}
		xst_put_be16(msg + np, (uint16_t)(0xc000 | (v & 0x3fff)));
	}
	return pos;
}

/* Our OPT, with NSD's extended error for YXDOMAIN when there is room. */
static size_t put_opt(uint8_t *p, size_t room, int dnssec_ok, int yx)
{
	size_t tl = sizeof(yx_text) - 1, n = xst_dnsmsg_put_opt_inline(p, dnssec_ok, 0, -1);

	if (!yx || room < n + 6 + tl)
		return n;
	xst_put_be16(p + 9, (uint16_t)(6 + tl));
	xst_put_be16(p + 11, XST_EDNS_EDE);
	xst_put_be16(p + 13, (uint16_t)(2 + tl));
	xst_put_be16(p + 15, EDE_OTHER);
	memcpy(p + 17, yx_text, tl);
	return n + 6 + tl;
}

/*
 * The rcode of the rest of the chain from the DNAME form at form for
 * name[0..len): NSD decides it before it writes, so a reply cut short
 * (TC) still carries it. Nothing is written.
 */
static unsigned int chain_rcode(const struct xst_dns_db *db, uint16_t qtype, const uint8_t *name,
				size_t len, uint32_t form, int steps)
{
	uint8_t cur[XST_DNAME_MAX];

	memcpy(cur, name, len);
	while (steps-- > 0) {
		const struct xst_dns_form *f = xst_db_form(db, form);
		const uint8_t *body = xst_form_body(f);
		size_t olen = f->ref_qend - XST_DNS_HDR - 4u, o = skip_name(body, 0) + 10, tlen;
		int dn = 0;

		tlen = xst_name_len(body + o, f->body_len - o);
		if (!tlen || len - olen + tlen > XST_DNAME_MAX)
			return tlen ? XST_DNS_RCODE_YXDOMAIN : XST_RCODE_NOERROR;
		if (qtype == XST_T_CNAME)
			break;
		xst_lower_copy(cur + len - olen, body + o, tlen);
		len = len - olen + tlen;
		form = xst_db_lookup(db, cur, len, xst_name_hash(cur, len), qtype, &dn);
		if (form == XST_DNS_NONE)
			break;
		if (!dn)
			return xst_db_form(db, form)->flags & 0xfu;
	}
	return XST_RCODE_NOERROR;
}

size_t xst_dns_dname_answer(const struct xst_dns_db *db, uint8_t *msg, size_t cap, int transport,
			    const struct xst_dnsmsg_query *q, uint32_t form, struct xst_dns_stats *st)
{
	struct xst_dns_qmap m = { .name_len = q->qname_len, .plen = XST_DNAME_MAX + 1,
				  .ppos = XST_DNS_HDR };
	size_t optlen = q->edns ? XST_DNS_OPT_LEN : 0, qend = xst_dnsmsg_qend(q), room, limit, pos;
	int class_any = q->qclass == XST_C_ANY, tcp = transport == XST_DNS_TCP, tc = 0, yx = 0;
	int dox = q->dnssec_ok && db->dsec;	/* the DO=1 forms */
	int aa = !class_any, kind = XST_KIND_ANSWER, nused = 0, nseen = 0, step;
	unsigned int rcode = XST_RCODE_NOERROR;
	uint8_t cur[XST_DNAME_MAX];	/* the name being answered, lower case */
	size_t clen = q->qname_len;
	uint32_t used[XST_DNS_DNAME_CHAIN];	/* DNAME forms written */
	uint8_t names[XST_DNS_DNAME_CHAIN][XST_DNAME_MAX];	/* the names CNAMEs led to */
	struct known known[XST_DNS_DNAME_CHAIN + 1];
	int nknown = 1;
	uint32_t seen_form[XST_DNS_DNAME_CHAIN], seen_hash[XST_DNS_DNAME_CHAIN];	/* CNAMEs made */
	uint16_t counts[3] = { 0, 0, 0 }, c[3];
	uint16_t flags;
	struct xst_dns_form_buf whole;	/* the new name's form, with its tail */

	room = xst_dns_room(q, transport, cap);
	if (qend + optlen > room) {
		st->dropped_short++;
		return 0;
	}
	limit = room - optlen;
	memcpy(cur, q->lname, clen);
	pos = qend;

	for (step = 0; step < XST_DNS_DNAME_CHAIN; step++) {
		const struct xst_dns_form *f = xst_db_form(db, form);
		const uint8_t *body = xst_form_body(f), *tname;
		size_t olen = f->ref_qend - XST_DNS_HDR - 4u;	/* the DNAME's owner */
		size_t o = skip_name(body, 0), rd, tlen, plen, nlen, own, wlen, at = 0, olab;
		uint8_t *next = names[step];
		uint32_t ttl = xst_get_be32(body + o + 4), h;
		int k, again = 0, dn = 0;
		const struct xst_dns_dins *ins = NULL;
		const uint8_t *chunk = NULL;
		size_t enc = 0, nc = 0, clen_ins, skip = 0;

		tname = body + o + 10;
		tlen = xst_name_len(tname, f->body_len - (o + 10));
		if (!tlen)
			break;
		if (!step) {
			/* NSD's table holds the query name from here up */
			known[0].name = q->lname;
			known[0].len = q->qname_len;
			known[0].max_suffix = olen;
			known[0].m = m;
		}
		for (k = 0; k < nused; k++)
			again |= used[k] == form;
		if (again) {
			/* NSD adds a DNAME RRset once; met again with its
			 * target below its owner, the chain ends there */
			if (name_under(tname, tlen, cur + clen - olen, olen))
				break;
		} else {
			pos = xst_dns_emit(msg, limit, pos, f, &m,
					   class_any | (int)(form & XST_FORM_NO_NS), tcp, c, &tc);
			counts[0] += c[0];
			if (tc) {
				rcode = chain_rcode(db, q->qtype, cur, clen, form,
						    XST_DNS_DNAME_CHAIN - step);
				break;
			}
			used[nused++] = form;
		}
		plen = clen - olen;
		nlen = plen + tlen;
		if (nlen > XST_DNAME_MAX) {
			rcode = XST_DNS_RCODE_YXDOMAIN;
			yx = 1;
			break;
		}
		/* the same CNAME twice (same name, same DNAME): a loop, ends */
		h = xst_name_hash(cur, clen);
		for (k = 0; k < nseen; k++)
			if (seen_form[k] == form && seen_hash[k] == h)
				break;
		if (k < nseen)
			break;
		seen_form[nseen] = form;
		seen_hash[nseen++] = h;

		/* the new name: the current one's labels above the owner,
		 * then the DNAME's target */
		memcpy(next, cur, plen);
		xst_lower_copy(next + plen, tname, tlen);
		/* the CNAME: owner the current name; rdata the new name,
		 * compressed where NSD's table has a suffix of it */
		/* its owner: the query name (NSD's temporary domain for it is
		 * number 0, the question); after a CNAME, the labels above the
		 * DNAME's owner in full (new temporary domains) and a pointer
		 * to that owner */
		olab = step ? plen : 0;
		own = xst_qmap_pos(&m, olab);
		wlen = compress_at(known, nknown, next, nlen, &at);
		/* the new name's labels must be reachable by the pointers of
		 * what follows */
		if (pos + olab + 12 + wlen + 2 > limit || own > PTR_MAX ||
		    pos + olab + 12 + wlen > PTR_MAX) {
			tc = 1;
			rcode = chain_rcode(db, q->qtype, cur, clen, form, XST_DNS_DNAME_CHAIN - step);
			break;
		}
		memcpy(msg + pos, cur, olab);
		pos += olab;
		xst_put_be16(msg + pos, (uint16_t)(0xc000 | own));
		xst_put_be16(msg + pos + 2, XST_T_CNAME);
		xst_put_be16(msg + pos + 4, XST_C_IN);
		xst_put_be32(msg + pos + 6, ttl);
		rd = pos + 12;
		memcpy(msg + rd, next, wlen);
		if (wlen < nlen) {
			xst_put_be16(msg + rd + wlen, (uint16_t)(0xc000 | at));
			pos = rd + wlen + 2;
		} else {
			pos = rd + nlen;
		}
		xst_put_be16(msg + rd - 2, (uint16_t)(pos - rd));
		counts[0]++;
		m.name_len = nlen;
		m.plen = wlen;
		m.ppos = rd;
		m.tpos = at;
		if (wlen >= nlen)
			m.plen = XST_DNAME_MAX + 1;
		known[nknown].name = next;
		known[nknown].len = nlen;
		known[nknown].max_suffix = nlen;
		known[nknown++].m = m;
		if (q->qtype == XST_T_CNAME)
			break;	/* NSD: the synthesised CNAME is the answer */

		memcpy(cur, next, nlen);
		clen = nlen;
		if (dox)
			form = do_lookup(db, cur, clen, q->qtype, &dn, &enc, &nc);
		else
			form = xst_db_lookup(db, cur, clen, xst_name_hash(cur, clen), q->qtype, &dn);
		if (form == XST_DNS_NONE)
			break;	/* not ours: the CNAME ends the answer */
		if (dn)
			continue;
		if (form & XST_DO_INS) {
			/* NSD's closest match for a name a DNAME made is a
			 * temporary domain: its NSEC is the one at or before
			 * its parent, the deepest name of NSD's table (the
			 * DNAME's target is one), not the one covering the name */
			const struct xst_dns_dsec *d = db->dsec;
			uint32_t e;

			ins = &d->ins[form & ~XST_DO_INS];
			form = ins->form;
			if (ins->how == XST_DINS_FIXED)
				e = ins->have[0];	/* the form's own NSEC3, kept apart */
			else if (ins->how == XST_DINS_NSEC3)
				e = xst_dns_dsec_cover(db, ins->zone, cur + nc, clen - nc);
			else if (enc > plen)
				e = xst_dns_dsec_cover(db, ins->zone, cur + plen, clen - plen);
			else
				e = xst_dns_dsec_cover(db, ins->zone, cur + enc, clen - enc);
			f = xst_db_form(db, form);
			skip = f->nr_set;
			chunk = e != XST_DNS_NONE ? d->chunks + d->chunk[e] : NULL;
			for (k = 0; chunk && k < ins->nr_have; k++)
				if (ins->have[k] == e) {
					skip = held_set(f, ins, chunk);
					if (skip == f->nr_set)
						chunk = NULL;
				}
			if (!chunk)
				ins = NULL;
		}
		f = xst_form_whole(db->forms, db->tails, xst_db_form(db, form), &whole);
		clen_ins = ins ? xst_get_be16(chunk) : 0;
		/* its pointers into itself move with it (by the chunk too,
		 * after the place): beyond what the encoder kept reachable
		 * (255 bytes of shift), give up rather than point wrong */
		if (pos + clen_ins > f->ref_qend + 255u && pos + f->body_len + clen_ins > PTR_MAX) {
			tc = 1;
			break;
		}
		if (ins) {
			size_t alen = db->nodes[db->apex[ins->zone]].name_len;

			pos = emit_chunk(msg, limit, pos, f, ins, chunk,
					 xst_qmap_pos(&m, clen - alen), skip, &m, class_any, c, &tc);
		} else {
			pos = xst_dns_emit(msg, limit, pos, f, &m,
					   class_any | (int)(form & XST_FORM_NO_NS), tcp, c, &tc);
		}
		counts[0] += c[0];
		counts[1] += c[1];
		counts[2] += c[2];
		rcode = f->flags & 0xfu;
		kind = f->kind;
		if (class_any)
			aa = f->aa_any || f->kind == XST_KIND_REFERRAL;
		break;
	}

	flags = (uint16_t)(XST_DNS_F_QR | (aa ? XST_DNS_F_AA : 0) | rcode |
			   (q->flags & XST_DNS_F_RD));
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
		pos += put_opt(msg + pos, room - pos, q->dnssec_ok, yx);
	st->answered++;
	(&st->noerror)[kind == XST_KIND_REFERRAL ? XST_KIND_ANSWER : kind]++;
	return pos;
}
