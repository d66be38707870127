/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout of the prepared-answer database, shared by the builder (db.c) and
 * the responder (respond.c). Private to user/dns and its tests.
 *
 * A "form" is the part of a reply after the question, prepared once: header
 * flags and counts, then the answer/authority/additional RRs in wire form
 * with compression pointers into the question (offset 12 and the suffixes
 * of the qname) and into itself. It was encoded against a reference qname
 * whose question ends at ref_qend; when the real qname is longer (wildcard,
 * names below a cut, NXDOMAIN) every pointer except those to the full qname
 * moves by delta = real qend - ref_qend. The RRset table gives the cut
 * points for truncation (RFC 2181 9, as NSD applies it). A form holds at
 * most a whole message (65535 bytes with its reference question); an RRset
 * that would end past that is kept as an empty entry of the RRset table
 * (XST_FSET_OVER) so that the responder truncates there as NSD does.
 */
#ifndef XST_DNS_DB_PRIV_H
#define XST_DNS_DB_PRIV_H

#include <stdint.h>
#include <string.h>

#include "dns/db.h"
#include "dns/wire.h"

#define XST_DNS_NONE	UINT32_MAX
#define XST_DNS_NOZONE	0xffff

/* Sections of a form's RRsets, in wire order (NSD's rr_section_type). */
enum xst_dns_sec {
	XST_SEC_ANSWER,
	XST_SEC_AUTHORITY,	/* mandatory: SOA of a negative answer, NS of a referral */
	XST_SEC_OPT_AUTH,	/* apex NS of a positive answer: dropped when it does not fit */
	XST_SEC_ADD_A,
	XST_SEC_ADD_AAAA,
	XST_SEC_MAX
};

#define XST_FSET_NS_ONLY	0x01	/* additional RRset present only for the apex NS */
#define XST_FSET_NEG		0x02	/* SOA of a negative answer (not sent for class ANY) */
#define XST_FSET_OVER		0x04	/* would end past 65535 bytes even after the shortest
					 * question: not in the body (0 bytes), never fits */

#define XST_FORM_MAX_SETS	4096	/* RRsets in one form (the responder's tables too) */

struct xst_dns_fset {
	uint16_t end;		/* body offset just past the RRset */
	uint16_t nr_rr;
	uint8_t section;	/* enum xst_dns_sec */
	uint8_t flags;		/* XST_FSET_* */
};

enum xst_dns_kind {
	XST_KIND_ANSWER,	/* NOERROR, answer section not empty */
	XST_KIND_NODATA,
	XST_KIND_NXDOMAIN,
	XST_KIND_REFERRAL,
};

struct xst_dns_form {
	uint16_t flags;		/* reply header flags, host order: QR, AA, rcode */
	uint16_t count[3];	/* an, ns, ar of the whole form */
	uint16_t body_len;
	uint16_t ref_qend;	/* question end the body was encoded for */
	uint16_t nr_ptr;
	uint16_t nr_set;
	uint8_t p12_fixed;	/* a pointer to offset 12 is the full qname: never moves */
	uint8_t kind;		/* enum xst_dns_kind, for the counters */
	uint8_t aa_any;		/* keep AA for class ANY (a CNAME chain ending in a referral) */
	uint8_t over;		/* has an XST_FSET_OVER RRset: always cut RRset by RRset */
	uint16_t tail;		/* 0, or the body goes on with tail db->tails[tail - 1] */
	/* uint16_t ptr[nr_ptr]: body offsets of the compression pointers, ascending;
	 * struct xst_dns_fset set[nr_set]; uint8_t body[body_len]; */
};

/*
 * A tail: the apex NS and the glue only it needs, after a positive answer
 * whose other RRsets are all in the answer section. Every such answer of a
 * zone ends with the same bytes (their pointers aim at the apex in the
 * question, or into the tail): stored once, as a form whose reference
 * question is XST_TAIL_QEND long, and named by the answers' heads (db.c
 * tail_split()). xst_form_whole() puts head and tail back together: the
 * form as it was encoded, byte for byte (checked when it is split).
 */
#define XST_TAIL_QEND		(XST_DNS_HDR + XST_DNAME_MAX + 4)
#define XST_TAIL_BODY_MAX	512	/* of a head, and of a tail */
#define XST_TAIL_PTRS_MAX	32
#define XST_TAIL_SETS_MAX	16
#define XST_TAILS_MAX		0xffffu

struct xst_dns_form_buf {
	struct xst_dns_form f;
	uint8_t rest[2 * (XST_TAIL_PTRS_MAX * 2 + XST_TAIL_SETS_MAX * 6 + XST_TAIL_BODY_MAX)];
};

static inline const uint16_t *xst_form_ptrs(const struct xst_dns_form *f)
{
	return (const uint16_t *)(f + 1);
}

static inline const struct xst_dns_fset *xst_form_sets(const struct xst_dns_form *f)
{
	return (const struct xst_dns_fset *)(xst_form_ptrs(f) + f->nr_ptr);
}

static inline const uint8_t *xst_form_body(const struct xst_dns_form *f)
{
	return (const uint8_t *)(xst_form_sets(f) + f->nr_set);
}

/* The form h (forms: its arena, tails: the tail table) whole: h itself, or
 * h and its tail assembled in buf. */
static inline const struct xst_dns_form *xst_form_whole(const uint8_t *forms, const uint32_t *tails,
							 const struct xst_dns_form *h,
							 struct xst_dns_form_buf *buf)
{
	const struct xst_dns_form *t;
	struct xst_dns_form *w = &buf->f;
	uint16_t *ptr;
	struct xst_dns_fset *set;
	uint8_t *body;
	size_t hb = h->body_len, i;

	if (__builtin_expect(!h->tail, 1))
		return h;
	t = (const struct xst_dns_form *)(forms + tails[h->tail - 1]);
	*w = *h;
	w->tail = 0;
	w->count[1] = (uint16_t)(h->count[1] + t->count[1]);
	w->count[2] = (uint16_t)(h->count[2] + t->count[2]);
	w->body_len = (uint16_t)(hb + t->body_len);
	w->nr_ptr = (uint16_t)(h->nr_ptr + t->nr_ptr);
	w->nr_set = (uint16_t)(h->nr_set + t->nr_set);
	ptr = (uint16_t *)(w + 1);
	memcpy(ptr, xst_form_ptrs(h), h->nr_ptr * 2u);
	for (i = 0; i < t->nr_ptr; i++)
		ptr[h->nr_ptr + i] = (uint16_t)(xst_form_ptrs(t)[i] + hb);
	set = (struct xst_dns_fset *)(ptr + w->nr_ptr);
	memcpy(set, xst_form_sets(h), h->nr_set * sizeof(*set));
	for (i = 0; i < t->nr_set; i++) {
		set[h->nr_set + i] = xst_form_sets(t)[i];
		set[h->nr_set + i].end = (uint16_t)(set[h->nr_set + i].end + hb);
	}
	body = (uint8_t *)(set + w->nr_set);
	memcpy(body, xst_form_body(h), hb);
	memcpy(body + hb, xst_form_body(t), t->body_len);
	/* the tail's pointers: to a suffix of the question's name (its place
	 * is the same distance from the question's end), or into the tail */
	for (i = 0; i < t->nr_ptr; i++) {
		uint8_t *p = body + ptr[h->nr_ptr + i];
		size_t v = (size_t)(p[0] & 0x3f) << 8 | p[1];

		v = v < XST_TAIL_QEND ? v + h->ref_qend - XST_TAIL_QEND :
					h->ref_qend + hb + (v - XST_TAIL_QEND);
		p[0] = (uint8_t)(0xc0 | v >> 8);
		p[1] = (uint8_t)v;
	}
	return w;
}

struct xst_dns_tform {
	uint16_t type;
	uint16_t pad;
	uint32_t form;		/* offset in db->forms, maybe | XST_FORM_NO_NS */
};

/*
 * Forms start on 4-byte boundaries: the low bits of a reference are free.
 * XST_FORM_NO_NS in a type-list reference: send the form without what a
 * class ANY query leaves out (the apex NS of a positive answer, the glue
 * only it needs), AA kept. The answer to qtype ANY at a name with one
 * RRset is so the form of that type: one form less per name (db.c any_ref()).
 */
#define XST_FORM_NO_NS	0x1u
#define XST_FORM_FLAGS	0x3u

struct xst_dns_node {
	uint32_t hash;		/* xst_name_hash() of the lower-cased name */
	uint32_t name;		/* offset of the lower-cased wire name in db->names */
	uint32_t types;		/* first entry in db->tforms */
	uint32_t dflt;		/* form for every qtype not in the tforms list */
	uint32_t below;		/* form for absent names below (referral or NXDOMAIN) */
	uint32_t wild;		/* node index of the "*" child used for absent names, or NONE */
	uint16_t zone;		/* deepest zone holding the name, or XST_DNS_NOZONE */
	uint8_t name_len;
	uint8_t nr_types;
};

/* A prepared CHAOS TXT answer: RDATA (length byte, text); len 0: hidden. */
struct xst_dns_chaos_txt {
	uint16_t len;
	uint8_t rdata[256];
};


/*
 * DNSSEC (db.c builds it, respond.c serves it): the forms for DO=1 queries.
 * db->dsec is NULL when no zone holds DNSSEC data: DO=1 then gets the plain
 * forms, at no cost. A DO form reference is a form offset, or with
 * XST_DO_INS set the index of an insertion record: a form whose denial
 * depends on the query name (the NSEC covering it, the NSEC3 covering its
 * next closer name), with the place for that RRset left empty.
 */
#define XST_DO_INS	0x80000000u

/* The DNSSEC types (RFC 4034, RFC 5155) the builder handles. */
enum {
	XST_TD_RRSIG = 46, XST_TD_NSEC = 47, XST_TD_DNSKEY = 48, XST_TD_NSEC3 = 50,
	XST_TD_NSEC3PARAM = 51,
};

enum xst_dins_how {
	XST_DINS_NSEC,		/* NSEC (RFC 4034 6.1 order) covering the qname */
	XST_DINS_NSEC3,		/* NSEC3 covering the hash of the next closer name */
	XST_DINS_FIXED,		/* chain entry have[0], the same for every qname the
				 * form serves (nr_have 0): the form without it is
				 * shared by many names (NSEC3 NODATA: one per zone) */
};

#define XST_DINS_HAVE	4
#define XST_DINS_CHUNK_HDR	6
#define XST_DINS_APEX	0xffffu
#define XST_DINS_STAY	0xffffu	/* have_set[]: the RRset stays where it is */

struct xst_dns_dins {
	uint32_t form;		/* the form, without the qname's denial RRset */
	uint16_t at;		/* body offset where it goes (authority section) */
	uint16_t set;		/* RRset table index it goes before */
	uint16_t zone;
	uint8_t how;		/* enum xst_dins_how */
	uint8_t nr_have;
	uint32_t have[XST_DINS_HAVE];	/* chain entries already in the form: then
					 * nothing is inserted (NSD adds an RRset once) */
	uint16_t have_set[XST_DINS_HAVE];	/* have[k]'s RRset table index when it
						 * comes after the place (set): NSD has it
						 * there, the responder moves it; else
						 * XST_DINS_STAY */
};

/* Per node: as struct xst_dns_node's forms, and those synthesised from its
 * "*" child for absent names below it (wtypes/wdflt, NONE without one). */
struct xst_dns_dnode {
	uint32_t types;		/* first entry in db->tforms */
	uint32_t dflt;
	uint32_t below;
	uint32_t wtypes;
	uint32_t wdflt;
	uint16_t nr_types;
	uint16_t nr_wtypes;
};

/* A zone's denial chain: entries [first, first + nr) of the chain arrays. */
struct xst_dns_dzone {
	uint32_t first, nr;
	uint8_t kind;		/* 0: none, 1: NSEC, 2: NSEC3 */
	uint8_t salt_len;
	uint16_t iterations;
	uint8_t salt[255];
};

struct xst_dns_dsec {
	struct xst_dns_dnode *nodes;	/* per node, as db->nodes */
	struct xst_dns_dins *ins;
	size_t nr_ins;
	struct xst_dns_dzone *zones;
	/* chain entry e: NSEC owner = node key[e] (sorted canonically), or
	 * NSEC3 hash at hash + 20 * e (sorted); its RRset with RRSIGs
	 * pre-encoded at chunks + chunk[e]: u16 RR bytes, u16 RR count,
	 * u16 nr_ptr, u16 ptr[nr_ptr] (offsets in the RR bytes of the owner
	 * pointers), the RR bytes. A pointer reads XST_DINS_APEX: aim it at the
	 * zone apex in the question; else 0xc000 | offset in the RR bytes. */
	uint32_t *key;
	uint8_t *hash;
	uint32_t *chunk;
	uint8_t *chunks;
	size_t nr_chain, chunks_len;
};

/* RFC 4034 6.1 order of two lower-cased wire names: <0, 0, >0. */
int xst_dns_canon_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* Chain entry of zone z whose RRset denies lname (the NSEC covering it;
 * for NSEC3 the one covering the hash of lname), or XST_DNS_NONE. */
uint32_t xst_dns_dsec_cover(const struct xst_dns_db *db, unsigned int z, const uint8_t *lname,
			    size_t len);

struct xst_dns_db {
	uint64_t serial;	/* unique per database built in this process (never reused) */
	uint32_t *slots;	/* open addressing: node index + 1, 0 = empty */
	uint32_t mask;
	struct xst_dns_node *nodes;
	size_t nr_nodes;
	uint8_t *names;
	struct xst_dns_tform *tforms;
	size_t nr_tforms;
	uint8_t *forms;		/* arena of struct xst_dns_form, 4-byte aligned */
	size_t forms_len;
	size_t nr_forms;
	uint32_t *tails;	/* form offsets of the tails (struct xst_dns_form tail) */
	size_t nr_tails;
	size_t names_len;
	size_t nr_zones;
	uint32_t *apex;		/* node index of each zone's apex */
	struct xst_dns_db_big big;
	int ahead;		/* tables outgrow the caches: look ahead (ahead.c) */
	struct xst_dns_chaos_txt chaos_id, chaos_version;	/* chaos.c */
	struct xst_dns_dsec *dsec;	/* DO=1 forms, or NULL (no DNSSEC data) */
};

static inline const struct xst_dns_form *xst_db_form(const struct xst_dns_db *db, uint32_t off)
{
	return (const struct xst_dns_form *)(db->forms + (off & ~XST_FORM_FLAGS));
}

/* Node with the lower-cased wire name lname[0..len), or NULL. */
static inline const struct xst_dns_node *xst_db_find(const struct xst_dns_db *db,
						     const uint8_t *lname, size_t len, uint32_t hash)
{
	uint32_t i = hash & db->mask;

	for (;;) {
		uint32_t s = db->slots[i];
		const struct xst_dns_node *n;

		if (!s)
			return NULL;
		n = &db->nodes[s - 1];
		if (n->hash == hash && n->name_len == len &&
		    xst_name_same(db->names + n->name, lname, len))
			return n;
		i = (i + 1) & db->mask;
	}
}

/* The form n answers for qtype: its own for a type it has, else its default. */
static inline uint32_t xst_db_pick(const struct xst_dns_db *db, const struct xst_dns_node *n,
				   uint16_t qtype)
{
	const struct xst_dns_tform *t = db->tforms + n->types;
	unsigned int i;

	for (i = 0; i < n->nr_types; i++)
		if (t[i].type == qtype)
			return t[i].form;
	return n->dflt;
}

/* ---- DNAME (dname.c) and the lookup the responder and it share ---------------- */

#define XST_DNS_RCODE_YXDOMAIN	6	/* RFC 6672: the DNAME substitution is too long */
/* node->wild of a DNAME's owner: names below it get node->below, the form
 * holding the DNAME RRset, and the responder makes the rest (dname.c) */
#define XST_DNS_DNAME		(UINT32_MAX - 1)
#define XST_DNS_DNAME_CHAIN	8	/* DNAMEs followed at run time for one query */

/*
 * The form xst_dns_respond() answers the lower-cased name lname[0..len)
 * (hash: xst_name_hash() of it) with for qtype, or XST_DNS_NONE (none of
 * our zones: REFUSED). *dname is set to 1 when it is a DNAME's form for a
 * name below its owner (dname.c completes the answer), else left alone.
 */
static inline __attribute__((always_inline)) uint32_t
xst_db_lookup(const struct xst_dns_db *db, const uint8_t *lname, size_t len, uint32_t hash,
	      uint16_t qtype, int *dname)
{
	const struct xst_dns_node *n = xst_db_find(db, lname, len, hash);
	size_t off = 0;

	if (n)
		return n->zone == XST_DNS_NOZONE ? XST_DNS_NONE : xst_db_pick(db, n, qtype);
	/* Walk up to the closest encloser. */
	while (lname[off]) {
		off += lname[off] + 1u;
		n = xst_db_find(db, lname + off, len - off, xst_name_hash(lname + off, len - off));
		if (n)
			break;
	}
	if (!n || n->zone == XST_DNS_NOZONE)
		return XST_DNS_NONE;
	if (n->wild == XST_DNS_NONE)
		return n->below;
	if (__builtin_expect(n->wild == XST_DNS_DNAME, 0)) {
		*dname = 1;
		return n->below;
	}
	return xst_db_pick(db, &db->nodes[n->wild], qtype);
}

/*
 * Where the names a form was encoded for sit in the reply. A form's
 * pointers into its reference question name a suffix of its qname; map()
 * gives that suffix's place: for a query, in the question (ppos 12, plen
 * the whole name); for a name a DNAME made, the labels before the DNAME's
 * target in the CNAME's rdata (ppos, plen bytes) and the target itself in
 * the DNAME's rdata (tpos).
 */
struct xst_dns_qmap {
	size_t name_len;	/* length of the name the form answers */
	size_t plen, ppos, tpos;
};

static inline size_t xst_qmap_pos(const struct xst_dns_qmap *m, size_t r)
{
	return r < m->plen ? m->ppos + r : m->tpos + (r - m->plen);
}

/* The room for a reply: 65535 over TCP, else the client's EDNS size (512
 * to our XST_DNS_EDNS_SIZE), or 512; never more than cap. */
static inline size_t xst_dns_room(const struct xst_dnsmsg_query *q, int transport, size_t cap)
{
	size_t limit;

	if (transport == XST_DNS_TCP) {
		limit = XST_DNS_MSG_MAX;
	} else if (q->edns) {
		limit = q->udp_size < XST_DNS_UDP_MIN ? XST_DNS_UDP_MIN : q->udp_size;
		if (limit > XST_DNS_EDNS_SIZE)
			limit = XST_DNS_EDNS_SIZE;
	} else {
		limit = XST_DNS_UDP_MIN;
	}
	return limit > cap ? cap : limit;
}

/*
 * respond.c: copy form f into msg from base, RRset by RRset as NSD's
 * encode_answer() writes it, within limit (TC in *tc when a mandatory RRset
 * does not fit); pointers into the question are placed by m, those into
 * the body moved with it. counts[3] gets an, ns, ar. Returns the end.
 * class_any: leave out what a class ANY query does not get (the apex NS of
 * a positive answer, glue only it needs, the SOA of a negative answer).
 */
size_t xst_dns_emit(uint8_t *msg, size_t limit, size_t base, const struct xst_dns_form *f,
		    const struct xst_dns_qmap *m, int class_any, int tcp, uint16_t *counts, int *tc);

/*
 * dname.c: the reply to q (parsed, question in msg) when xst_db_lookup()
 * gave the DNAME form at form: the DNAME RRset, the synthesised CNAME, the
 * answer for the new name (chased through further DNAMEs up to
 * XST_DNS_DNAME_CHAIN), counts, flags and OPT. Returns the reply length.
 */
size_t xst_dns_dname_answer(const struct xst_dns_db *db, uint8_t *msg, size_t cap, int transport,
			    const struct xst_dnsmsg_query *q, uint32_t form, struct xst_dns_stats *st);

/* chaos.c: the reply to a CHAOS-class query q (its question in msg). */
size_t xst_dns_chaos_answer(const struct xst_dns_db *db, uint8_t *msg, size_t cap, int transport,
			    const struct xst_dnsmsg_query *q, struct xst_dns_stats *st);

#endif /* XST_DNS_DB_PRIV_H */
