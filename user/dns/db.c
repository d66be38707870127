// SPDX-License-Identifier: GPL-2.0
/*
 * Builder of the prepared-answer database (the Namestorm design).
 *
 * For every name in the loaded zones (and every empty non-terminal) a small
 * resolver that follows NSD 4.6's query.c decides the answer for each qtype
 * that can make a difference at that name; an encoder turns the answer into
 * a "form" (db_priv.h): the reply after the question, compressed as NSD
 * compresses it. Load time only: allocates freely, never runs per packet.
 */
#include "dns/db.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dns/db_priv.h"
#include "dns/hugemem.h"
#include "dns/loadmem.h"
#include "dns/nsec3hash.h"
#include "dns/wire.h"

#define MAX_ITEMS	XST_FORM_MAX_SETS	/* RRsets in one answer (NSD: MAXRRSPP) */
#define MAX_CNAME	64	/* CNAME chain length followed (NSD: no limit; loops stop earlier,
				 * when the RRset is in the answer already) */
#define MAX_TOUCHED	(MAX_CNAME + 64)	/* nodes met: the chain and additional targets */
#define MAX_SYNTH	64	/* wildcard-synthesised additional owners per answer */
#define MAX_TYPES	64
#define MAX_DICT	4096
#define MAX_PTRS	16384	/* more than a 64 KiB body can hold (>= 5 bytes each) */
#define MAX_SETS	XST_FORM_MAX_SETS
/* Encoder scratch: a whole message, then room for one more RR of any size
 * (the one that is found not to fit). */
#define BUF_SIZE	(XST_DNS_MSG_MAX + XST_DNAME_MAX + 10 + 65535 + 16)
#define T_DNSKEY	48	/* RFC 4034 */
#define T_DNAME		39	/* RFC 6672 */
#define MAX_DSYN	16	/* CNAMEs synthesised from DNAMEs per answer */
#define QTYPE_NONE	0	/* sentinel qtype: matches no RRset (type 0 is reserved) */

struct bset {
	uint16_t type;
	uint16_t zone;
	uint32_t nr, cap;
	const struct xst_rr **rrs;
};

struct bnode {		/* 32 bytes: a million names make a million of these */
	struct bset *sets;	/* in b->setpool */
	uint32_t name;		/* offset of the lower-cased name in b->names */
	int apex_of;		/* zone whose apex this is, or -1 */
	uint32_t nr_sets;
	/* Every ancestor of a node is a node (owner_node()): walks up to the
	 * apex follow these links instead of hashing each suffix. */
	uint32_t parent;	/* the name less its first label, NONE for the root */
	uint32_t cut;		/* find_cut() of the name in its own zone (node_zones()) */
	uint16_t zone;		/* deepest zone holding the name, or XST_DNS_NOZONE */
	uint8_t len;
};

struct bzone {
	const struct xst_zone *z;
	uint32_t apex;		/* node index */
	int parent;		/* zone holding the apex's parent name, or -1 */
	const struct bset *soa, *ns;
	uint32_t neg_ttl;	/* min(SOA TTL, SOA MINIMUM) */
	uint32_t nxdomain;	/* form */
	/* DNSSEC (NSD zone_is_secure(), zone->nsec3_param) */
	int secure;		/* an RRSIG over the apex DNSKEY: RRSIGs go with RRsets */
	int nsec3;		/* a usable NSEC3PARAM: denial by NSEC3, else by NSEC */
	uint8_t salt[255];
	uint8_t salt_len;
	uint16_t iterations;
	uint32_t chain_first, chain_nr;	/* entries of b->chain_node */
};

struct item {
	uint8_t section;
	uint8_t flags;		/* XST_FSET_* */
	uint8_t neg;		/* SOA with the negative TTL */
	uint8_t owner_len;
	uint8_t ident_len;
	const uint8_t *owner;	/* wire name written, any case; stable storage */
	const uint8_t *ident;	/* name the RRset is added for (NSD's domain number):
				 * the owner, except for a shortened synthesised one */
	const struct bset *set;	/* NULL: the place of the qname's denial RRset (DNSSEC) */
	const struct bset *sig;	/* RRSIGs of the owner, those covering set->type go along */
	uint8_t literal;	/* the owner is itself, never the qname (a "*" NSEC) */
	uint8_t raw_lead;	/* owner bytes written whole before compression is
				 * tried (a CNAME made from a DNAME after a CNAME:
				 * NSD's new temporary domains) */
};

struct ans {
	struct item it[MAX_ITEMS];
	int n;
	int rcode, aa, referral, cname_count;
	int aa_any;		/* AA also for class ANY: the chain ended in a delegation after a CNAME */
	uint16_t qtype;
	uint32_t touched[MAX_TOUCHED];
	int nr_touched;
	uint8_t synth[MAX_SYNTH][XST_DNAME_MAX];	/* owners made up for additional data */
	int nr_synth;
	int as_wild;		/* next lookup: a name the wildcard qname stands for */
	uint32_t hint;		/* next lookup: the name's closest node, known (NONE: find it) */
	int hint_exact;		/* ... and whether it is the name itself */
	/* CNAMEs synthesised from DNAMEs met on the way (dname_synth()) */
	struct bset dsyn_set[MAX_DSYN];
	struct xst_rr dsyn_rr[MAX_DSYN];
	const struct xst_rr *dsyn_ptr[MAX_DSYN];
	uint8_t dsyn_name[MAX_DSYN][XST_DNAME_MAX];	/* each one's target */
	int nr_dsyn;
	/* DNSSEC */
	int dnssec;		/* answering DO=1: RRSIGs and denial */
	int absent;		/* the qname is an absent name below absent_ce */
	uint32_t absent_ce;
	int has_ph, ph_zone, ph_how;	/* the qname's denial is left to the responder */
	int dname_next;		/* the next lookup is of a name a DNAME made: the
				 * length of the DNAME's target, else 0 (NSD's
				 * closest match is then a temporary domain whose
				 * parent is the deepest name of its table, the
				 * target included: the NSEC at or before that) */
	uint32_t have[XST_DINS_HAVE];	/* chain entries in the answer (see xst_dns_dins) */
	int have_it[XST_DINS_HAVE];	/* the item each one added, or -1 (there before) */
	int nr_have;
};

struct dent {
	const uint8_t *name;	/* suffix of a written name (any case) */
	uint8_t len;
	int8_t section;		/* -1: the question */
	uint16_t off;		/* absolute message offset */
	int set;
};

struct builder {
	struct xst_loadmem mem;	/* what the build holds, for an out-of-memory report */
	int phase;		/* 0: nodes and RRsets, 1: forms */
	size_t done, todo;	/* progress of the phase, for that report's estimate */
	struct bnode *nodes;
	size_t nr, cap;
	/* Every node's RRsets, and every RRset's records, are carved out of
	 * these two blocks (load_zones() counts first): no allocation per node. */
	struct bset *setpool;
	size_t nr_setpool;
	const struct xst_rr **rrpool;
	size_t nr_rrpool;
	uint64_t *slots;	/* hash << 32 | node + 1: probes compare the hash in place */
	uint32_t mask;
	uint32_t last_owner;	/* node of the last owner_node() */
	uint32_t *wchild;	/* per node: its "*" child, or NONE (node_zones()) */
	uint32_t *tnode;	/* per b->rrpool record: its target's closest node (target_node()) */
	uint8_t *names;
	size_t names_len, names_cap;
	struct bzone *zones;
	size_t nr_zones;
	struct ans *ans;
	struct ans *ans_dflt;	/* the answer of the node's default form (same_ans()) */
	uint64_t *fcache;	/* recent forms by content: hash << 32 | offset + 1 (form_share()) */
	uint32_t fresh;		/* the form the last encode() wrote (NONE: it shared one) */
	uint64_t *fresh_slot;	/* its cache entry, cleared if dedup_last() drops it */

	uint8_t *forms;
	size_t forms_len, forms_cap, nr_forms;
	struct xst_dns_tform *tforms;
	size_t nr_tforms, cap_tforms;
	uint32_t *tails;	/* form offsets of the tails (tail_split()) */
	size_t nr_tails, cap_tails;
	struct xst_dns_db_big big;	/* counts only; examples below */
	uint32_t big_udp_node, big_tcp_node;
	uint16_t big_udp_type, big_tcp_type;	/* 0: every type the node has no form for */

	/* encoder scratch */
	uint8_t *buf;		/* whole message image: buf[ref_qend..pos) is the body */
	size_t pos, ref_qend;
	int over;		/* an RRset of this form never fits (XST_FSET_OVER) */
	uint16_t *ptrs;
	size_t nr_ptrs;
	struct xst_dns_fset *sets;
	const struct bset **set_src;	/* the RRset each of sets[] was made from */
	size_t nr_sets;
	struct dent *dict;
	size_t nr_dict;
	int cur_section, cur_set;
	int nocompress;		/* chunks: names written whole */
	int p12, literal;	/* encoding a wildcard form; an item with a literal owner */
	size_t raw_lead;	/* the item's raw_lead, for its owner names */
	int no_dict;		/* a negative SOA: class ANY drops it, nothing may point into it */
	long ins_at;		/* body offset of the denial placeholder, or -1 */
	size_t ins_set;

	/* DNSSEC, load time (dnssec part below) */
	int any_dnssec;
	struct sigmap *sigmap;
	size_t nr_sigmap;
	uint32_t *chain_node;	/* chain entries: owner node, per zone sorted */
	uint8_t *chain_hash;	/* NSEC3 zones: 20 bytes per entry */
	size_t nr_chain, cap_chain;
	uint32_t *n3c, *n3w, *n3d;	/* per node: NSEC3 covering/matching its hash,
					 * that of "*.name", its DS-parent hash */
	uint8_t *n3x;		/* per node: bit 0 n3c matches exactly, bit 1 n3d does */
	uint8_t *only3;		/* per node: owns only NSEC3 (and RRSIG) */
	struct xst_dns_dins *ins;
	size_t nr_ins, cap_ins;
	const struct xst_dns_dsec *dsec;	/* its chunks, once encode_chunks() made them */
};

struct sigmap {
	const struct bset *set, *sig;
};

static int grow(struct builder *b, void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 1;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = xst_loadmem_realloc(&b->mem, *p, *cap * size, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

/* grow() for the tables the database keeps (names, forms, tforms): built in
 * place in hugepage-advised memory (dns/hugemem.h), never copied after. */
static int grow_huge(struct builder *b, void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 1;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = xst_loadmem_huge(&b->mem, *p, *cap * size, n * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static const uint8_t *node_name(const struct builder *b, const struct bnode *n)
{
	return b->names + n->name;
}

static void lower_name(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = xst_lower(src[i]);
}

/* Node index of the lower-cased name whose xst_name_hash() is h, or XST_DNS_NONE. */
static uint32_t bfind_h(const struct builder *b, const uint8_t *lname, size_t len, uint32_t h)
{
	uint32_t i;

	if (!b->slots)
		return XST_DNS_NONE;
	for (i = h & b->mask;; i = (i + 1) & b->mask) {
		uint64_t s = b->slots[i];
		const struct bnode *n;

		if (!s)
			return XST_DNS_NONE;
		if ((uint32_t)(s >> 32) != h)
			continue;	/* most probes end here, without touching the node */
		n = &b->nodes[(uint32_t)s - 1];
		if (n->len == len && !memcmp(node_name(b, n), lname, len))
			return (uint32_t)s - 1;
	}
}

/* Node index of the lower-cased name, or XST_DNS_NONE. */
static uint32_t bfind(const struct builder *b, const uint8_t *lname, size_t len)
{
	return bfind_h(b, lname, len, xst_name_hash(lname, len));
}

static void slot_put(uint64_t *slots, uint32_t mask, uint32_t h, uint32_t idx)
{
	uint32_t i;

	for (i = h & mask; slots[i]; i = (i + 1) & mask)
		;
	slots[i] = (uint64_t)h << 32 | (idx + 1u);
}

static int rehash(struct builder *b, uint32_t nslots)
{
	uint64_t *slots = xst_loadmem_zalloc(&b->mem, (size_t)nslots * sizeof(*slots));
	size_t k, old = b->slots ? (size_t)b->mask + 1 : 0;

	if (!slots)
		return -ENOMEM;
	/* the slots hold the hashes (the nodes do not: 4 bytes less each) */
	for (k = 0; k < old; k++)
		if (b->slots[k])
			slot_put(slots, nslots - 1, (uint32_t)(b->slots[k] >> 32),
				 (uint32_t)b->slots[k] - 1);
	xst_loadmem_free(&b->mem, b->slots, old * sizeof(*slots));
	b->slots = slots;
	b->mask = nslots - 1;
	return 0;
}

/* A new node for the lower-cased name (absent, hash h); XST_DNS_NONE on ENOMEM. */
static uint32_t bnew(struct builder *b, const uint8_t *lname, size_t len, uint32_t h)
{
	struct bnode *n;

	if (grow(b, (void **)&b->nodes, &b->cap, b->nr + 1, sizeof(*b->nodes)) ||
	    grow_huge(b, (void **)&b->names, &b->names_cap, b->names_len + len, 1))
		return XST_DNS_NONE;
	if (!b->slots || (b->nr + 1) * 2 > (size_t)b->mask + 1) {
		if (rehash(b, b->slots ? (b->mask + 1) * 2 : 1024))
			return XST_DNS_NONE;
	}
	n = &b->nodes[b->nr];
	memset(n, 0, sizeof(*n));
	n->name = (uint32_t)b->names_len;
	n->len = (uint8_t)len;
	n->zone = XST_DNS_NOZONE;
	n->apex_of = -1;
	n->parent = XST_DNS_NONE;
	n->cut = XST_DNS_NONE;
	memcpy(b->names + b->names_len, lname, len);
	b->names_len += len;
	slot_put(b->slots, b->mask, h, (uint32_t)b->nr);
	return (uint32_t)b->nr++;
}

/* Node index of the lower-cased name, created if absent; XST_DNS_NONE on ENOMEM. */
static uint32_t bget(struct builder *b, const uint8_t *lname, size_t len)
{
	uint32_t h = xst_name_hash(lname, len), idx = bfind_h(b, lname, len, h);

	return idx != XST_DNS_NONE ? idx : bnew(b, lname, len, h);
}

static const struct bset *bset_find(const struct bnode *n, unsigned int zone, uint16_t type)
{
	uint32_t i;

	for (i = 0; i < n->nr_sets; i++)
		if (n->sets[i].zone == zone && n->sets[i].type == type)
			return &n->sets[i];
	return NULL;
}

/* Node of the record's owner, made with every ancestor (*idx); -EINVAL for a bad owner. */
static int owner_node(struct builder *b, const struct xst_rr *rr, uint32_t *idx)
{
	uint8_t l[XST_DNAME_MAX];
	size_t len = rr->owner_len, off;
	uint32_t k, prev = XST_DNS_NONE;

	if (!len || len > XST_DNAME_MAX || xst_name_len(rr->owner, len) != len)
		return -EINVAL;
	lower_name(l, rr->owner, len);
	/* Every ancestor up to the root becomes a node, as in NSD's domain
	 * table: empty non-terminals answer NODATA, names above a zone and
	 * not in another one find a node without a zone (REFUSED). A node
	 * that exists has its ancestors already, unless it is an apex (made
	 * first, its ancestors after its zone's records): the walk stops at
	 * the first other node found. Each node links to its parent. */
	for (off = 0; off < len; off += l[off] + 1) {
		uint32_t h = 0;
		int found;

		/* Files list names in order: an ancestor of the last owner is
		 * most often this one's parent, found without a hash lookup
		 * (last_owner is 0 before the first: a node, or none yet). */
		for (k = b->nr ? b->last_owner : XST_DNS_NONE;
		     k != XST_DNS_NONE && b->nodes[k].len > len - off; k = b->nodes[k].parent)
			;
		if (k == XST_DNS_NONE || b->nodes[k].len != len - off ||
		    memcmp(node_name(b, &b->nodes[k]), l + off, len - off)) {
			h = xst_name_hash(l + off, len - off);
			k = bfind_h(b, l + off, len - off, h);
		}
		found = k != XST_DNS_NONE;
		if (!found)
			k = bnew(b, l + off, len - off, h);
		if (k == XST_DNS_NONE)
			return -ENOMEM;
		if (!off)
			*idx = k;
		else
			b->nodes[prev].parent = k;
		if (found && b->nodes[k].apex_of < 0)
			break;
		prev = k;
	}
	b->last_owner = *idx;
	return 0;
}

/*
 * Gives every node its RRsets, grouped by (zone, type) in the order of
 * their first record, each with its records in file order: rr[g] (of zone
 * zone[g]) belongs to node rnode[g]. Counting first, then carving: the sets
 * of all nodes are one block, the record pointers of all sets another.
 */
static int carve_sets(struct builder *b, const struct xst_rr *const *rr, const uint16_t *zone,
		      uint32_t *rnode, size_t total)
{
	size_t nn = b->nr, g, i, nsets = 0, off;
	uint32_t *start = NULL, *order = NULL;
	int ret = -ENOMEM;

	start = xst_loadmem_zalloc(&b->mem, (nn + 1) * sizeof(*start));
	order = xst_loadmem_alloc(&b->mem, total * sizeof(*order));
	b->setpool = xst_loadmem_zalloc(&b->mem, total * sizeof(*b->setpool));
	b->rrpool = xst_loadmem_alloc(&b->mem, total * sizeof(*b->rrpool));
	if (!start || !order || !b->setpool || !b->rrpool)
		goto out;
	b->nr_rrpool = total;
	/* Records by node, file order kept (a counting sort). */
	for (g = 0; g < total; g++)
		start[rnode[g] + 1]++;
	for (i = 0; i < nn; i++)
		start[i + 1] += start[i];
	for (g = 0; g < total; g++)
		order[start[rnode[g]]++] = (uint32_t)g;
	for (i = nn; i > 0; i--)
		start[i] = start[i - 1];
	start[0] = 0;
	/* The sets of each node; rnode[] now tells each record its set. */
	for (i = 0; i < nn; i++) {
		struct bnode *n = &b->nodes[i];
		size_t first = nsets;

		for (off = start[i]; off < start[i + 1]; off++) {
			uint32_t r = order[off], k;

			for (k = (uint32_t)first; k < nsets; k++)
				if (b->setpool[k].zone == zone[r] && b->setpool[k].type == rr[r]->type)
					break;
			if (k == nsets) {
				b->setpool[k].type = rr[r]->type;
				b->setpool[k].zone = zone[r];
				nsets++;
			}
			b->setpool[k].nr++;
			rnode[r] = k;
		}
		n->nr_sets = (uint32_t)(nsets - first);
		start[i] = (uint32_t)first;	/* now: the node's first set */
	}
	if (nsets < total) {
		/* Shrinking in place: the pool was sized for one set per record. */
		struct bset *q = xst_loadmem_realloc(&b->mem, b->setpool, total * sizeof(*q),
						     (nsets ? nsets : 1) * sizeof(*q));

		if (q)
			b->setpool = q;
	}
	b->nr_setpool = nsets;
	for (i = 0; i < nn; i++)
		b->nodes[i].sets = b->nodes[i].nr_sets ? b->setpool + start[i] : NULL;
	for (i = 0, off = 0; i < nsets; i++) {
		b->setpool[i].rrs = b->rrpool + off;
		b->setpool[i].cap = b->setpool[i].nr;
		off += b->setpool[i].nr;
		b->setpool[i].nr = 0;
	}
	for (g = 0; g < total; g++) {
		struct bset *set = &b->setpool[rnode[g]];

		set->rrs[set->nr++] = rr[g];
	}
	ret = 0;
out:
	xst_loadmem_free(&b->mem, start, (nn + 1) * sizeof(*start));
	xst_loadmem_free(&b->mem, order, total * sizeof(*order));
	return ret;
}

/* ---- resolver: NSD 4.6 query.c, on build-time data ----------------------- */

static uint32_t closest_node(const struct builder *b, const uint8_t *name, size_t len, int *exact)
{
	uint8_t l[XST_DNAME_MAX];
	size_t off;

	lower_name(l, name, len);
	for (off = 0; off < len; off += l[off] + 1) {
		uint32_t idx = bfind(b, l + off, len - off);

		if (idx != XST_DNS_NONE) {
			*exact = off == 0;
			return idx;
		}
		if (!l[off])
			break;
	}
	return XST_DNS_NONE;
}

/*
 * Topmost node between node idx (included) and the apex of zone (excluded)
 * with an NS RRset, the root never: known for the node's own zone, walked
 * up the parent links for another one (DS at an apex, glue of a parent).
 */
static uint32_t node_cut(const struct builder *b, uint32_t idx, unsigned int zone)
{
	uint32_t cut = XST_DNS_NONE;

	if (idx == XST_DNS_NONE || b->nodes[idx].zone == zone)
		return idx == XST_DNS_NONE ? XST_DNS_NONE : b->nodes[idx].cut;
	for (; idx != XST_DNS_NONE && b->nodes[idx].len > 1; idx = b->nodes[idx].parent) {
		if (b->nodes[idx].apex_of == (int)zone)
			break;
		if (bset_find(&b->nodes[idx], zone, XST_T_NS))
			cut = idx;
	}
	return cut;
}

/* Topmost node between name (included) and the apex of zone (excluded) with
 * an NS RRset: the labels below the closest node are no nodes, none is a cut. */
static uint32_t find_cut(const struct builder *b, const uint8_t *name, size_t len, unsigned int zone)
{
	int exact;

	return node_cut(b, closest_node(b, name, len, &exact), zone);
}

/*
 * closest_node() of the name in set's record i at rdata offset rdoff (an
 * NS, MX, SRV... target, a CNAME's), remembered per record: the answers
 * of every qtype of every name that holds the RRset look it up again.
 */
static uint32_t target_node(struct builder *b, const struct bset *set, uint32_t i,
			    const uint8_t *target, size_t tlen, int *exact)
{
	size_t r = (size_t)(set->rrs + i - b->rrpool);
	uint32_t idx, v;

	if (!b->tnode || set->rrs + i < b->rrpool || r >= b->nr_rrpool)
		return closest_node(b, target, tlen, exact);
	v = b->tnode[r];
	if (v) {	/* 1: no node, else 2 + (idx << 1 | exact) */
		*exact = v > 1 && (v & 1);
		return v > 1 ? (v - 2) >> 1 : XST_DNS_NONE;
	}
	idx = closest_node(b, target, tlen, exact);
	if (idx == XST_DNS_NONE)
		b->tnode[r] = 1;
	else if (idx < 1u << 30)
		b->tnode[r] = 2 + (idx << 1 | (*exact ? 1u : 0u));
	return idx;
}

static void touch(struct ans *a, uint32_t idx)
{
	if (a->nr_touched < MAX_TOUCHED)
		a->touched[a->nr_touched++] = idx;
}

static int add_rrset_as(struct builder *b, struct ans *a, int section, const uint8_t *owner,
			size_t owner_len, const uint8_t *ident, size_t ident_len,
			const struct bset *set, unsigned int zone, int flags);
static const struct bset *sig_of(const struct builder *b, const struct bset *set);

static int add_rrset(struct builder *b, struct ans *a, int section, const uint8_t *owner,
		     size_t owner_len, const struct bset *set, unsigned int zone, int flags)
{
	return add_rrset_as(b, a, section, owner, owner_len, owner, owner_len, set, zone, flags);
}

/* NSD add_additional_rrsets(): A then AAAA of the targets found in the zone. */
static void add_additional(struct builder *b, struct ans *a, const struct bset *master,
			   size_t rdoff, int allow_glue, unsigned int zone, int flags)
{
	static const uint16_t types[] = { XST_T_A, XST_T_AAAA };
	static const int secs[] = { XST_SEC_ADD_A, XST_SEC_ADD_AAAA };
	uint32_t i, j;

	for (i = 0; i < master->nr; i++) {
		const struct xst_rr *rr = master->rrs[i];
		const uint8_t *target, *written;
		size_t tlen, wlen;
		uint32_t match, cut;
		int exact = 0;

		if (rr->rdlen <= rdoff)
			continue;
		target = rr->rdata + rdoff;
		tlen = xst_name_len(target, rr->rdlen - rdoff);
		if (!tlen)
			continue;
		match = target_node(b, master, i, target, tlen, &exact);
		if (!allow_glue) {
			cut = node_cut(b, match, zone);
			if (cut != XST_DNS_NONE && !bset_find(&b->nodes[cut], zone, XST_T_SOA))
				continue;
		}
		written = target;
		wlen = tlen;
		if (match == XST_DNS_NONE)
			continue;
		if (!exact) {
			/* A target that does not exist is synthesised from the
			 * wildcard child of its closest encloser, if any. */
			const struct bnode *ce = &b->nodes[match];
			size_t l1 = (size_t)target[0] + 1;

			match = b->wchild[match];
			if (match == XST_DNS_NONE)
				continue;
			/* NSD 4.6 writes the synthesised owner label by label
			 * from a temporary domain whose parent is the encloser:
			 * the target's first label, then the encloser. Where the
			 * target was written compressed before (NS, MX rdata) the
			 * whole name is a pointer to it; an SRV target is written
			 * uncompressed (RFC 2782), so a target two or more labels
			 * below the encloser comes out shortened. Do as NSD does,
			 * so that answers compare equal. */
			if ((master->type == XST_T_SRV || master->type == 36 || master->type == 21) &&
			    tlen != l1 + ce->len &&
			    a->nr_synth < MAX_SYNTH &&
			    l1 + ce->len <= XST_DNAME_MAX) {
				uint8_t *o = a->synth[a->nr_synth++];

				memcpy(o, target, l1);
				memcpy(o + l1, node_name(b, ce), ce->len);
				written = o;
				wlen = l1 + ce->len;
			}
		}
		for (j = 0; j < 2; j++) {
			const struct bset *s = bset_find(&b->nodes[match], zone, types[j]);

			if (s)
				add_rrset_as(b, a, secs[j], written, wlen, target, tlen, s, zone,
					     flags);
		}
	}
}

/* NSD add_rrset() + answer_add_rrset(): 1 when added (or moved to an earlier section). */
static int add_rrset_as(struct builder *b, struct ans *a, int section, const uint8_t *owner,
			size_t owner_len, const uint8_t *ident, size_t ident_len,
			const struct bset *set, unsigned int zone, int flags)
{
	struct item *it;
	int i;

	for (i = 0; i < a->n; i++) {
		it = &a->it[i];
		if (it->set == set && it->ident_len == ident_len &&
		    xst_name_eq(it->ident, ident, ident_len)) {
			if (section < it->section) {
				it->section = (uint8_t)section;
				it->flags &= (uint8_t)flags;
				return 1;
			}
			return 0;
		}
	}
	if (a->n >= MAX_ITEMS)
		return 0;
	it = &a->it[a->n++];
	it->section = (uint8_t)section;
	it->flags = (uint8_t)flags;
	it->neg = 0;
	it->owner = owner;
	it->owner_len = (uint8_t)owner_len;
	it->ident = ident;
	it->ident_len = (uint8_t)ident_len;
	it->set = set;
	it->literal = 0;
	it->raw_lead = 0;
	it->sig = a->dnssec && b->zones[zone].secure && set->type != XST_TD_RRSIG ?
		  sig_of(b, set) : NULL;

	switch (set->type) {
	case XST_T_NS:
		add_additional(b, a, set, 0, 1, zone, flags);
		break;
	case XST_T_MB:
		add_additional(b, a, set, 0, 0, zone, flags);
		break;
	case XST_T_MX:
	case 36:	/* KX */
	case 21:	/* RT (NSD adds X25 and ISDN too: left out) */
		add_additional(b, a, set, 2, 0, zone, flags);
		break;
	case XST_T_SRV:
		add_additional(b, a, set, 6, 0, zone, flags);
		break;
	default:
		break;
	}
	return 1;
}

static void add_soa_neg(struct builder *b, struct ans *a, unsigned int zone)
{
	const struct bzone *z = &b->zones[zone];
	const struct bnode *apex = &b->nodes[z->apex];
	int before = a->n;

	if (!z->soa)
		return;
	/* The owner is the apex as the file wrote it (the SOA's owner). */
	if (add_rrset(b, a, XST_SEC_AUTHORITY, z->soa->rrs[0]->owner, apex->len, z->soa, zone, 0) &&
	    a->n > before)
		a->it[a->n - 1].neg = 1;
}

static void lookup(struct builder *b, struct ans *a, const uint8_t *name, size_t len);
static void add_nodata(struct builder *b, struct ans *a, uint32_t original, unsigned int zone);
static void deny_absent(struct builder *b, struct ans *a, const uint8_t *name, size_t len,
			uint32_t ce, uint32_t match, unsigned int zone);
static void deny_delegation(struct builder *b, struct ans *a, uint32_t cut, const uint8_t *owner,
			    unsigned int zone);

static void answer_domain(struct builder *b, struct ans *a, uint32_t match, const uint8_t *owner,
			  size_t owner_len, unsigned int zone, uint32_t original)
{
	const struct bnode *n = &b->nodes[match];
	const struct bzone *z = &b->zones[zone];
	const struct bset *s;
	uint32_t i;

	touch(a, match);
	if (a->qtype == XST_T_ANY) {
		/* RFC 8482 4.1: one RRset, chosen as NSD 4.6 does: the first of
		 * A, AAAA, SOA, MX, PTR in file order, else the last other
		 * type, else the last DNSSEC one (DNSKEY, RRSIG, NSEC, NSEC3). */
		const struct bset *normal = NULL, *dnssec = NULL, *pick = NULL;

		for (i = 0; i < n->nr_sets && !pick; i++) {
			const struct bset *t = &n->sets[i];

			/* NSD leaves NSEC3 out, and RRSIG when it adds them to RRsets */
			if (t->zone != zone || t->type == XST_TD_NSEC3 ||
			    (t->type == XST_TD_RRSIG && a->dnssec && b->zones[zone].secure))
				continue;
			switch (t->type) {
			case XST_T_A: case XST_T_AAAA: case XST_T_SOA: case XST_T_MX: case XST_T_PTR:
				pick = t;
				break;
			case XST_TD_DNSKEY: case XST_TD_RRSIG: case XST_TD_NSEC:
				dnssec = t;
				break;
			default:
				normal = t;
				break;
			}
		}
		if (!pick)
			pick = normal ? normal : dnssec;
		if (pick)
			add_rrset(b, a, XST_SEC_ANSWER, owner, owner_len, pick, zone, 0);
		else
			add_nodata(b, a, original, zone);
		return;
	}
	s = a->qtype == XST_TD_NSEC3 ? NULL : bset_find(n, zone, a->qtype);
	if (a->qtype == XST_TD_NSEC3) {
		/* NSD: NSEC3 is never an answer */
		add_nodata(b, a, original, zone);
		return;
	} else if (s) {
		add_rrset(b, a, XST_SEC_ANSWER, owner, owner_len, s, zone, 0);
	} else if ((s = bset_find(n, zone, XST_T_CNAME))) {
		const struct xst_rr *rr = s->rrs[0];
		size_t tlen;

		/* Not added: already in the answer, a CNAME loop: stop there. */
		if (!add_rrset(b, a, XST_SEC_ANSWER, owner, owner_len, s, zone, 0) ||
		    a->cname_count >= MAX_CNAME)
			return;
		tlen = xst_name_len(rr->rdata, rr->rdlen);
		if (!tlen)
			return;
		a->cname_count++;
		a->hint = target_node(b, s, 0, rr->rdata, tlen, &a->hint_exact);
		lookup(b, a, rr->rdata, tlen);
		return;
	} else {
		add_nodata(b, a, original, zone);
		return;
	}
	/* NSD answer_needs_ns(): not for DS, DNSKEY (large RRsets) nor ANY (above) */
	if (z->ns && a->qtype != XST_T_DS && a->qtype != T_DNSKEY)
		add_rrset(b, a, XST_SEC_OPT_AUTH, node_name(b, &b->nodes[z->apex]),
			  b->nodes[z->apex].len, z->ns, zone, XST_FSET_NS_ONLY);
}

/* Whether the well-formed name[0..len) is sub[0..slen) or below it. */
static int name_under(const uint8_t *name, size_t len, const uint8_t *sub, size_t slen)
{
	size_t off = 0;

	while (len - off > slen && name[off])
		off += name[off] + 1u;
	return len - off == slen && xst_name_eq(name + off, sub, slen);
}

/*
 * NSD answer_authoritative() below a DNAME (RFC 6672): the DNAME RRset, a
 * CNAME from name to name with the DNAME's owner replaced by its target
 * (TTL the DNAME's), then that name looked up. YXDOMAIN when the new name
 * is too long; a DNAME met again whose target is below its owner, or a
 * CNAME made twice, ends the chain (NSD's loop checks).
 */
static void dname_synth(struct builder *b, struct ans *a, const uint8_t *name, size_t len,
			uint32_t ce, unsigned int zone)
{
	const struct bnode *c = &b->nodes[ce];
	const struct bset *d = bset_find(c, zone, T_DNAME);
	const struct xst_rr *rr = d->rrs[0];
	size_t slen = c->len, tlen = xst_name_len(rr->rdata, rr->rdlen), plen = len - slen, k;
	struct bset *set;
	struct xst_rr *cn;
	uint8_t *target;

	touch(a, ce);
	if (!tlen)
		return;
	if (!add_rrset(b, a, XST_SEC_ANSWER, rr->owner, slen, d, zone, 0) &&
	    name_under(rr->rdata, tlen, node_name(b, c), slen))
		return;
	a->cname_count++;
	if (plen + tlen > XST_DNAME_MAX) {
		a->rcode = XST_DNS_RCODE_YXDOMAIN;
		return;
	}
	if (a->nr_dsyn >= MAX_DSYN)
		return;
	target = a->dsyn_name[a->nr_dsyn];
	memcpy(target, name, plen);
	memcpy(target + plen, rr->rdata, tlen);
	for (k = 0; k < (size_t)a->nr_dsyn; k++)
		if (a->dsyn_rr[k].owner_len == len && a->dsyn_rr[k].rdlen == plen + tlen &&
		    xst_name_eq(a->dsyn_rr[k].owner, name, len) &&
		    xst_name_eq(a->dsyn_rr[k].rdata, target, plen + tlen))
			return;
	cn = &a->dsyn_rr[a->nr_dsyn];
	set = &a->dsyn_set[a->nr_dsyn];
	memset(cn, 0, sizeof(*cn));
	cn->owner = name;
	cn->owner_len = (uint8_t)len;
	cn->type = XST_T_CNAME;
	cn->rclass = XST_C_IN;
	cn->ttl = rr->ttl;
	cn->rdlen = (uint16_t)(plen + tlen);
	cn->rdata = target;
	cn->line = rr->line;
	cn->file = rr->file;
	a->dsyn_ptr[a->nr_dsyn] = cn;
	memset(set, 0, sizeof(*set));
	set->type = XST_T_CNAME;
	set->zone = (uint16_t)zone;
	set->nr = set->cap = 1;
	set->rrs = &a->dsyn_ptr[a->nr_dsyn];
	a->nr_dsyn++;
	if (!add_rrset(b, a, XST_SEC_ANSWER, name, len, set, zone, 0))
		return;
	/* NSD: the query name's temporary domain is the question; after a
	 * CNAME the labels above the DNAME's owner are new ones, written whole */
	if (a->cname_count > 1)
		a->it[a->n - 1].raw_lead = (uint8_t)plen;
	if (a->qtype == XST_T_CNAME || a->cname_count >= MAX_CNAME)
		return;
	a->dname_next = (int)tlen;
	lookup(b, a, target, plen + tlen);
}

/*
 * The answer for a name that the wildcard name[0..len) ("*" + its parent)
 * is used for: NSD finds the parent as closest encloser, looks for a cut
 * from there up (the wildcard's own NS, if any, is none for such names:
 * it is data, served under the query name), then answers from the
 * wildcard's RRsets.
 */
static void lookup_as_wild(struct builder *b, struct ans *a, const uint8_t *name, size_t len,
			   uint32_t hint, int hint_exact)
{
	uint32_t ce, w;

	if (hint != XST_DNS_NONE && hint_exact) {
		w = hint;
		ce = b->nodes[w].parent;
	} else {
		uint8_t l[XST_DNAME_MAX];
		size_t l1 = name[0] + 1u;

		lower_name(l, name, len);
		ce = bfind(b, l + l1, len - l1);
		w = bfind(b, l, len);
	}
	/* the cut from the encloser up: that of its own zone */
	if (ce == XST_DNS_NONE || w == XST_DNS_NONE || b->nodes[ce].zone == XST_DNS_NOZONE ||
	    b->nodes[ce].cut != XST_DNS_NONE) {
		a->hint = hint;
		a->hint_exact = hint_exact;
		lookup(b, a, name, len);
		return;
	}
	a->aa = 1;
	a->aa_any = 0;
	/* DO=1: the proofs of a wildcard answer (nothing without DNSSEC) */
	deny_absent(b, a, name, len, ce, w, b->nodes[ce].zone);
	answer_domain(b, a, w, name, len, b->nodes[ce].zone, w);
}

/* NSD answer_lookup_zone() for one name of the chain. */
static void lookup(struct builder *b, struct ans *a, const uint8_t *name, size_t len)
{
	uint32_t ce, cut, match, hint = a->hint;
	unsigned int zone;
	int exact = 0, via_dname = a->dname_next, absent = a->absent && !a->cname_count;

	a->dname_next = 0;
	a->hint = XST_DNS_NONE;
	if (a->as_wild) {
		a->as_wild = 0;
		lookup_as_wild(b, a, name, len, hint, a->hint_exact);
		return;
	}
	if (absent) {
		/* DNSSEC forms of absent names below a node: the query name */
		ce = a->absent_ce;
		exact = 0;
	} else if (hint != XST_DNS_NONE) {
		ce = hint;
		exact = a->hint_exact;
	} else {
		ce = closest_node(b, name, len, &exact);
	}
	if (ce == XST_DNS_NONE || b->nodes[ce].zone == XST_DNS_NOZONE) {
		if (!a->cname_count)
			a->rcode = XST_RCODE_REFUSED;
		return;
	}
	zone = b->nodes[ce].zone;
	/* DS at a zone apex is the parent's data when the parent is loaded. */
	if (a->qtype == XST_T_DS && exact && b->nodes[ce].apex_of == (int)zone &&
	    b->zones[zone].parent >= 0)
		zone = (unsigned int)b->zones[zone].parent;
	a->aa = 1;
	a->aa_any = 0;	/* NSD clears AA for class ANY in an authoritative lookup */
	if (a->qtype == XST_T_DS && exact && b->nodes[ce].apex_of == (int)zone) {
		/* NSD: DS at the apex of a zone whose parent is not ours is
		 * NODATA, even when the zone has a DS RRset there (with DO=1
		 * the proof of it) */
		add_nodata(b, a, ce, zone);
		return;
	}

	/* the labels below ce are no nodes: its cut is the name's (the
	 * absent name of a DNSSEC form may be a node below ce: found) */
	cut = absent ? find_cut(b, name, len, zone) : node_cut(b, ce, zone);
	if (cut != XST_DNS_NONE && !(exact && a->qtype == XST_T_DS && cut == ce)) {
		const struct bnode *c = &b->nodes[cut];
		size_t coff = len - c->len;

		touch(a, cut);
		a->aa = a->cname_count > 0;
		a->aa_any = a->aa;	/* NSD's answer_delegation() sets AA whatever the class */
		a->referral = !a->cname_count;
		add_rrset(b, a, XST_SEC_AUTHORITY, name + coff, c->len,
			  bset_find(c, zone, XST_T_NS), zone, 0);
		deny_delegation(b, a, cut, name + coff, zone);
		return;
	}
	/* RFC 5155 7.2.8, as NSD: a name that owns only NSEC3 does not exist */
	if (exact && b->only3 && b->only3[ce] && b->nodes[ce].len > 1) {
		exact = 0;
		ce = b->nodes[ce].parent;
	}
	if (!exact && bset_find(&b->nodes[ce], zone, T_DNAME)) {
		dname_synth(b, a, name, len, ce, zone);
		return;
	}
	match = exact ? ce : b->wchild[ce];
	a->dname_next = via_dname;
	deny_absent(b, a, name, len, ce, exact ? ce : match, zone);
	a->dname_next = 0;
	if (match == XST_DNS_NONE) {
		a->rcode = XST_RCODE_NXDOMAIN;
		add_soa_neg(b, a, zone);
		return;
	}
	answer_domain(b, a, match, name, len, zone, match);
}

/* An empty answer for qtype (the DO mode, absent name and as_wild stay as set). */
static void ans_reset(struct ans *a, uint16_t qtype, int rcode, int aa)
{
	a->n = 0;
	a->rcode = rcode;
	a->aa = aa;
	a->aa_any = 0;
	a->referral = 0;
	a->cname_count = 0;
	a->qtype = qtype;
	a->nr_touched = 0;
	a->nr_synth = 0;
	a->nr_dsyn = 0;
	a->has_ph = 0;
	a->nr_have = 0;
	a->dname_next = 0;
}

static void resolve(struct builder *b, struct ans *a, const uint8_t *qname, size_t qlen,
		    uint16_t qtype)
{
	ans_reset(a, qtype, XST_RCODE_NOERROR, 0);
	a->hint = XST_DNS_NONE;
	lookup(b, a, qname, qlen);
	a->as_wild = 0;
}

/* resolve() of node idx's own name: no hash lookup to find it. */
static void resolve_node(struct builder *b, struct ans *a, uint32_t idx, uint16_t qtype)
{
	const struct bnode *n = &b->nodes[idx];

	ans_reset(a, qtype, XST_RCODE_NOERROR, 0);
	a->hint = idx;
	a->hint_exact = 1;
	lookup(b, a, node_name(b, n), n->len);
	a->as_wild = 0;
}


/* ---- DNSSEC: RRSIGs and denial of existence, as NSD 4.6 (query.c, nsec3.c) - */

static int cmp_sigmap(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const struct sigmap *)x)->set;
	uintptr_t c = (uintptr_t)((const struct sigmap *)y)->set;

	return a < c ? -1 : a > c;
}

/* The RRSIG RRset at the owner of set, in its zone (NSD packet_encode_rrset()). */
static const struct bset *sig_of(const struct builder *b, const struct bset *set)
{
	size_t lo = 0, hi = b->nr_sigmap;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if ((uintptr_t)b->sigmap[mid].set < (uintptr_t)set)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->nr_sigmap && b->sigmap[lo].set == set ? b->sigmap[lo].sig : NULL;
}

static uint16_t sig_covered(const struct xst_rr *rr)
{
	return rr->rdlen >= 2 ? xst_get_be16(rr->rdata) : 0;
}

static int zsec(const struct builder *b, const struct ans *a, unsigned int zone)
{
	return a->dnssec && b->zones[zone].secure;
}

static int zn3(const struct builder *b, const struct ans *a, unsigned int zone)
{
	return a->dnssec && b->zones[zone].nsec3;
}

/* NSD add_rrset() of a chain entry's NSEC or NSEC3 RRset in the authority section. */
static void add_chain(struct builder *b, struct ans *a, uint32_t e, unsigned int zone)
{
	const struct bnode *n;
	const struct bset *set;
	int i, item = -1;

	if (e == XST_DNS_NONE)
		return;
	n = &b->nodes[b->chain_node[e]];
	set = bset_find(n, zone, b->zones[zone].nsec3 ? XST_TD_NSEC3 : XST_TD_NSEC);
	if (!set)
		return;
	if (add_rrset(b, a, XST_SEC_AUTHORITY, set->rrs[0]->owner, n->len, set, zone, 0))
		for (i = 0; i < a->n; i++)
			if (a->it[i].set == set) {
				a->it[i].literal = 1;
				item = i;
			}
	for (i = 0; i < a->nr_have; i++)
		if (a->have[i] == e)
			return;
	if (a->nr_have < XST_DINS_HAVE) {
		a->have_it[a->nr_have] = item;
		a->have[a->nr_have++] = e;
	}
}

/* The query name's own denial RRset: picked per query by the responder. */
static void add_placeholder(struct builder *b, struct ans *a, unsigned int zone)
{
	struct item *it;

	if (a->has_ph || a->n >= MAX_ITEMS)
		return;
	it = &a->it[a->n++];
	memset(it, 0, sizeof(*it));
	it->section = XST_SEC_AUTHORITY;
	a->has_ph = 1;
	a->ph_zone = (int)zone;
	a->ph_how = b->zones[zone].nsec3 ? XST_DINS_NSEC3 : XST_DINS_NSEC;
}

/* Load-time twin of nsec_cover() in dnssec.c, on the builder's names. */
static uint32_t nsec_find(const struct builder *b, unsigned int zone, const uint8_t *lname,
			  size_t len)
{
	const struct bzone *z = &b->zones[zone];
	uint32_t lo = 0, hi = z->chain_nr;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct bnode *n = &b->nodes[b->chain_node[z->chain_first + mid]];

		if (xst_dns_canon_cmp(node_name(b, n), n->len, lname, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? z->chain_first + lo - 1 : XST_DNS_NONE;
}

/* NSD nsec3_find_cover(): entry at or before hash (else the last); *exact. */
static uint32_t n3_find(const struct builder *b, unsigned int zone, const uint8_t *h, int *exact)
{
	const struct bzone *z = &b->zones[zone];
	uint32_t lo = 0, hi = z->chain_nr, e;

	*exact = 0;
	if (!z->chain_nr)
		return XST_DNS_NONE;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (memcmp(b->chain_hash + (size_t)(z->chain_first + mid) * XST_NSEC3_HASH_LEN, h,
			   XST_NSEC3_HASH_LEN) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	e = z->chain_first + (lo ? lo - 1 : z->chain_nr - 1);
	*exact = lo && !memcmp(b->chain_hash + (size_t)e * XST_NSEC3_HASH_LEN, h, XST_NSEC3_HASH_LEN);
	return e;
}

static uint32_t n3_hash_find(const struct builder *b, unsigned int zone, const uint8_t *name,
			     size_t len, int *exact)
{
	const struct bzone *z = &b->zones[zone];
	uint8_t l[XST_DNAME_MAX], h[XST_NSEC3_HASH_LEN];

	lower_name(l, name, len);
	xst_nsec3_hash(l, len, z->salt, z->salt_len, z->iterations, h);
	return n3_find(b, zone, h, exact);
}

static uint32_t parent_of(const struct builder *b, uint32_t idx)
{
	return b->nodes[idx].parent;
}

static int is_wild(const struct builder *b, uint32_t idx)
{
	const uint8_t *nm = node_name(b, &b->nodes[idx]);

	return nm[0] == 1 && nm[1] == '*';
}

#define N3_EXACT	1
#define N3_DS_EXACT	2
#define HAS_N3(b, i)	((b)->n3c[i] != XST_DNS_NONE || (b)->n3d[i] != XST_DNS_NONE)

/* NSD nsec3_add_nonexist_proof(): the NSEC3 covering the next closer name
 * of name below ce; the query name's is found per query. */
static void n3_next_closer(struct builder *b, struct ans *a, const uint8_t *name, size_t len,
			   uint32_t ce, unsigned int zone)
{
	size_t celen = b->nodes[ce].len, off = 0, prev = 0;
	uint32_t e;
	int exact;

	if (a->absent && !a->cname_count) {
		add_placeholder(b, a, zone);
		return;
	}
	while (off < len && len - off > celen) {
		prev = off;
		off += name[off] + 1u;
	}
	e = n3_hash_find(b, zone, name + prev, len - prev, &exact);
	if (!exact)	/* exact: a hash collision, NSD SERVFAILs; we leave it out */
		add_chain(b, a, e, zone);
}

/* NSD nsec3_add_ds_proof(). */
static void n3_ds_proof(struct builder *b, struct ans *a, uint32_t d, int delegpt, unsigned int zone)
{
	uint32_t par, prev = XST_DNS_NONE;

	if (b->n3x[d] & N3_DS_EXACT) {
		add_chain(b, a, b->n3d[d], zone);
		return;
	}
	if (!delegpt && (b->n3x[d] & N3_EXACT)) {
		add_chain(b, a, b->n3c[d], zone);
		return;
	}
	for (par = parent_of(b, d); par != XST_DNS_NONE && !(b->n3x[par] & N3_EXACT);
	     par = parent_of(b, par))
		prev = par;
	if (par == XST_DNS_NONE || !HAS_N3(b, par))
		return;
	add_chain(b, a, b->n3c[par], zone);
	if (prev != XST_DNS_NONE && HAS_N3(b, prev))
		add_chain(b, a, b->n3c[prev], zone);
	else
		add_chain(b, a, b->n3d[d], zone);
}

/* NSD nsec3_answer_nodata(). */
static void n3_nodata(struct builder *b, struct ans *a, uint32_t o, unsigned int zone)
{
	uint32_t par = parent_of(b, o);

	if (a->qtype == XST_T_DS) {
		if (o == b->zones[zone].apex) {
			if (b->n3x[o] & N3_EXACT)
				add_chain(b, a, b->n3c[o], zone);
			return;
		}
		n3_ds_proof(b, a, o, 0, zone);
		if (is_wild(b, o) && par != XST_DNS_NONE && (b->n3x[par] & N3_EXACT))
			add_chain(b, a, b->n3c[par], zone);
	} else if (is_wild(b, o)) {
		if (par != XST_DNS_NONE && (b->n3x[par] & N3_EXACT))
			add_chain(b, a, b->n3c[par], zone);
		add_chain(b, a, b->n3c[o], zone);
	} else if (HAS_N3(b, o)) {
		if (!(b->n3x[o] & N3_EXACT))
			while ((par = parent_of(b, o)) != XST_DNS_NONE && HAS_N3(b, par) &&
			       !(b->n3x[par] & N3_EXACT))
				o = par;
		add_chain(b, a, b->n3c[o], zone);
		par = parent_of(b, o);
		if (!(b->n3x[o] & N3_EXACT) && par != XST_DNS_NONE && (b->n3x[par] & N3_EXACT))
			add_chain(b, a, b->n3c[par], zone);
	}
}

/* NSD answer_nodata(): the SOA, and the proof that the type is absent. */
static void add_nodata(struct builder *b, struct ans *a, uint32_t original, unsigned int zone)
{
	const struct bnode *n = &b->nodes[original];

	add_soa_neg(b, a, zone);
	if (zn3(b, a, zone))
		n3_nodata(b, a, original, zone);
	else if (zsec(b, a, zone))
		add_chain(b, a, nsec_find(b, zone, node_name(b, n), n->len), zone);
}

/* The proofs of NSD answer_authoritative(): match is ce for an exact match,
 * the "*" child for a wildcard answer, NONE for NXDOMAIN. */
static void deny_absent(struct builder *b, struct ans *a, const uint8_t *name, size_t len,
			uint32_t ce, uint32_t match, unsigned int zone)
{
	if (zn3(b, a, zone)) {
		if (match != XST_DNS_NONE && match != ce)
			n3_next_closer(b, a, name, len, ce, zone);	/* wildcard */
		if (match != XST_DNS_NONE) {
			const struct bnode *m = &b->nodes[match];
			uint32_t i;

			for (i = 0; i < m->nr_sets && m->sets[i].zone != zone; i++)
				;
			if (i == m->nr_sets)	/* empty non-terminal */
				n3_nodata(b, a, match, zone);
		} else {
			n3_next_closer(b, a, name, len, ce, zone);
			if (b->n3x[ce] & N3_EXACT)
				add_chain(b, a, b->n3c[ce], zone);
			add_chain(b, a, b->n3w[ce], zone);
		}
	} else if (zsec(b, a, zone)) {
		if (match != ce) {
			if (a->absent && !a->cname_count) {
				add_placeholder(b, a, zone);
			} else if (a->dname_next) {
				const struct bnode *c = &b->nodes[ce];
				size_t t = (size_t)a->dname_next;
				uint8_t l[XST_DNAME_MAX];

				if (t > c->len && t <= len) {
					lower_name(l, name + len - t, t);
					add_chain(b, a, nsec_find(b, zone, l, t), zone);
				} else {
					add_chain(b, a, nsec_find(b, zone, node_name(b, c), c->len),
						  zone);
				}
			} else {
				uint8_t l[XST_DNAME_MAX];

				lower_name(l, name, len);
				add_chain(b, a, nsec_find(b, zone, l, len), zone);
			}
		}
		if (match == XST_DNS_NONE && b->nodes[ce].len + 2u <= XST_DNAME_MAX) {
			/* NSEC covering the wildcard: at or before "*.ce" */
			uint8_t w[XST_DNAME_MAX];

			w[0] = 1;
			w[1] = '*';
			memcpy(w + 2, node_name(b, &b->nodes[ce]), b->nodes[ce].len);
			add_chain(b, a, nsec_find(b, zone, w, b->nodes[ce].len + 2u), zone);
		}
	}
}

/* NSD answer_delegation(): DS of a signed child, else proof there is none. */
static void deny_delegation(struct builder *b, struct ans *a, uint32_t cut, const uint8_t *owner,
			    unsigned int zone)
{
	const struct bnode *c = &b->nodes[cut];
	const struct bset *s;

	if (!zsec(b, a, zone))
		return;
	if ((s = bset_find(c, zone, XST_T_DS)))
		add_rrset(b, a, XST_SEC_AUTHORITY, owner, c->len, s, zone, 0);
	else if (b->zones[zone].nsec3)
		n3_ds_proof(b, a, cut, 1, zone);
	else if ((s = bset_find(c, zone, XST_TD_NSEC)))
		add_rrset(b, a, XST_SEC_AUTHORITY, owner, c->len, s, zone, 0);
}

/* ---- encoder --------------------------------------------------------------- */

static const struct dent *dict_find(const struct builder *b, const uint8_t *name, size_t len)
{
	size_t i;

	for (i = 0; i < b->nr_dict; i++) {
		const struct dent *d = &b->dict[i];

		/* The same storage is the common case (an RRset's owner, once per RR) */
		if (d->len != len || (d->name != name && !xst_name_eq(d->name, name, len)))
			continue;
		/* In a wildcard's form the "*" name stands for the qname at
		 * offset 12: a name that is literally "*" must not point there. */
		if (b->literal && b->p12 && d->section < 0 && d->off == XST_DNS_HDR)
			continue;
		/* Optional RRsets may be dropped one by one when the reply is
		 * truncated: another optional RRset of the same section must
		 * not point into one of them. */
		if (d->section <= XST_SEC_AUTHORITY || d->set == b->cur_set ||
		    d->section < b->cur_section)
			return d;
	}
	return NULL;
}

static void dict_add(struct builder *b, const uint8_t *name, size_t len, size_t off, int section,
		     int set)
{
	struct dent *d;

	/* Forms served with a longer qname move their pointers by up to
	 * 255 bytes: keep every target reachable after the move. */
	if (off > 0x3fff - 256 || b->nr_dict >= MAX_DICT)
		return;
	d = &b->dict[b->nr_dict++];
	d->name = name;
	d->len = (uint8_t)len;
	d->off = (uint16_t)off;
	d->section = (int8_t)section;
	d->set = set;
}

static void put_name(struct builder *b, const uint8_t *name, size_t len, int compress)
{
	size_t off = 0;

	while (name[off]) {
		if (compress && !b->nocompress) {
			const struct dent *d = off < b->raw_lead ? NULL :
					       dict_find(b, name + off, len - off);

			/* A pointer the table cannot record could not be moved
			 * for a longer qname: written out instead. */
			if (d && b->nr_ptrs < MAX_PTRS) {
				b->ptrs[b->nr_ptrs++] = (uint16_t)(b->pos - b->ref_qend);
				xst_put_be16(b->buf + b->pos, 0xc000 | d->off);
				b->pos += 2;
				return;
			}
			if (!b->no_dict)
				dict_add(b, name + off, len - off, b->pos, b->cur_section, b->cur_set);
		}
		memcpy(b->buf + b->pos, name + off, name[off] + 1u);
		b->pos += name[off] + 1u;
		off += name[off] + 1u;
	}
	b->buf[b->pos++] = 0;
}

/* Writes one compressible name of the rdata at *off; 0, or -1 if malformed. */
static int put_rdname(struct builder *b, const struct xst_rr *rr, size_t *off)
{
	size_t n = xst_name_len(rr->rdata + *off, rr->rdlen - *off);

	if (!n || *off >= rr->rdlen)
		return -1;
	put_name(b, rr->rdata + *off, n, 1);
	*off += n;
	return 0;
}

static void put_rr(struct builder *b, const uint8_t *owner, size_t owner_len,
		   const struct xst_rr *rr, uint32_t ttl)
{
	size_t start = b->pos, rdpos, off = 0, nnames = 0, skip = 0, k;

	/* The caller stops once pos is past a message; compression never
	 * grows a name, so BUF_SIZE holds this RR uncompressed. */
	put_name(b, owner, owner_len, 1);
	b->raw_lead = 0;	/* the owner's only: the encoder sets it per RR */
	xst_put_be16(b->buf + b->pos, rr->type);
	xst_put_be16(b->buf + b->pos + 2, XST_C_IN);
	xst_put_be32(b->buf + b->pos + 4, ttl);
	rdpos = b->pos + 8;
	b->pos += 10;
	switch (rr->type) {
	case XST_T_NS: case XST_T_CNAME:	/* NSD does not compress MD, MF */
	case XST_T_MB: case XST_T_MG: case XST_T_MR: case XST_T_PTR:
		nnames = 1;
		break;
	case XST_T_SOA: case XST_T_MINFO:
		nnames = 2;
		break;
	case XST_T_MX:
		nnames = 1;
		skip = 2;
		break;
	default:
		break;
	}
	if (nnames && rr->rdlen > skip) {
		size_t save_pos = b->pos, save_ptrs = b->nr_ptrs, save_dict = b->nr_dict;

		memcpy(b->buf + b->pos, rr->rdata, skip);
		b->pos += skip;
		off = skip;
		for (k = 0; k < nnames; k++)
			if (put_rdname(b, rr, &off))
				break;
		if (k < nnames) {
			/* Malformed names: fall back to the raw rdata. */
			b->pos = save_pos;
			b->nr_ptrs = save_ptrs;
			b->nr_dict = save_dict;
			off = 0;
		}
	}
	memcpy(b->buf + b->pos, rr->rdata + off, rr->rdlen - off);
	b->pos += rr->rdlen - off;
	xst_put_be16(b->buf + rdpos, (uint16_t)(b->pos - rdpos - 2));
	(void)start;
}

/*
 * Forms shared between nodes. The responder reads a form's compression
 * pointers only relative to its reference question end (it moves them by
 * qend - ref_qend; a pointer to offset 12 stays when p12_fixed), so two
 * forms whose bytes are equal once each pointer is taken relative to its
 * own ref_qend give the same reply to every query: the later one is
 * dropped and the earlier served in its place. Typical: the NODATA answer
 * (the SOA) of every name of a zone without data of the asked type, one
 * form instead of one per name. Recent forms are found by a hash of that
 * normalised content in a small direct-mapped cache (FCACHE entries; a
 * table of every form would cost more than it saves).
 */
#define FCACHE		(1u << 14)

/* The pointer at body offset p of form f, relative to the form's question end. */
static uint32_t norm_ptr(const struct xst_dns_form *f, size_t p)
{
	unsigned int v = xst_get_be16(xst_form_body(f) + p) & 0x3fff;

	if (v == XST_DNS_HDR && f->p12_fixed)
		return 0x80000000u;	/* fixed: not moved */
	return (uint32_t)v - f->ref_qend;
}

/* Word-wise hash of p[0..n) into x. */
static uint64_t mix(uint64_t x, const void *p, size_t n)
{
	const uint8_t *c = p;
	uint64_t w;

	for (; n >= 8; n -= 8, c += 8) {
		memcpy(&w, c, 8);
		x = (x ^ w) * 0x9e3779b97f4a7c15ull;
		x ^= x >> 29;
	}
	if (n) {
		w = 0;
		memcpy(&w, c, n);
		x = (x ^ w ^ (uint64_t)n << 56) * 0x9e3779b97f4a7c15ull;
		x ^= x >> 29;
	}
	return x;
}

static uint32_t form_hash(const struct xst_dns_form *f)
{
	struct xst_dns_form h = *f;
	const uint16_t *ptr = xst_form_ptrs(f);
	const uint8_t *body = xst_form_body(f);
	uint64_t x = 0x243f6a8885a308d3ull;
	size_t i, prev = 0;

	h.ref_qend = 0;
	x = mix(x, &h, sizeof(h));
	x = mix(x, ptr, (size_t)(body - (const uint8_t *)ptr));
	for (i = 0; i < f->nr_ptr; i++) {
		uint32_t v = norm_ptr(f, ptr[i]);

		x = mix(x, body + prev, ptr[i] - prev);
		x = mix(x, &v, sizeof(v));
		prev = ptr[i] + 2u;
	}
	x = mix(x, body + prev, f->body_len - prev);
	return (uint32_t)(x ^ x >> 32);
}

static int form_same(const struct xst_dns_form *a, const struct xst_dns_form *b)
{
	struct xst_dns_form ha = *a, hb = *b;
	const uint16_t *ptr = xst_form_ptrs(a);
	const uint8_t *ba = xst_form_body(a), *bb = xst_form_body(b);
	size_t i, prev = 0;

	ha.ref_qend = hb.ref_qend = 0;
	if (memcmp(&ha, &hb, sizeof(ha)) ||
	    memcmp(xst_form_ptrs(a), xst_form_ptrs(b),
		   (size_t)(ba - (const uint8_t *)xst_form_ptrs(a))))
		return 0;
	for (i = 0; i < a->nr_ptr; i++) {
		if (memcmp(ba + prev, bb + prev, ptr[i] - prev) ||
		    norm_ptr(a, ptr[i]) != norm_ptr(b, ptr[i]))
			return 0;
		prev = ptr[i] + 2u;
	}
	return !memcmp(ba + prev, bb + prev, a->body_len - prev);
}

/* The form just written at off, or an earlier one that serves the same (then off is dropped). */
static uint32_t form_share(struct builder *b, uint32_t off)
{
	const struct xst_dns_form *f = (const struct xst_dns_form *)(b->forms + off);
	uint32_t h = form_hash(f);
	uint64_t *e = &b->fcache[h & (FCACHE - 1)];

	if (*e && (uint32_t)(*e >> 32) == h) {
		uint32_t o = (uint32_t)*e - 1;

		if (form_same((const struct xst_dns_form *)(b->forms + o), f)) {
			b->forms_len = off;
			b->nr_forms--;
			b->fresh = XST_DNS_NONE;
			return o;
		}
	}
	*e = (uint64_t)h << 32 | (off + 1u);
	b->fresh = off;
	b->fresh_slot = e;
	return off;
}

/*
 * Encodes the answer against the reference qname ref[0..ref_len) (lower
 * case). Suffixes of the qname up to guar bytes long are compression
 * targets (they exist in every qname this form will serve), and so is the
 * full qname when p12 (the owner of a wildcard answer). Returns the form's
 * offset, or XST_DNS_NONE on ENOMEM.
 */
static uint32_t encode(struct builder *b, const struct ans *a, const uint8_t *ref, size_t ref_len,
		       size_t guar, int p12, int kind_hint)
{
	struct xst_dns_form f;
	size_t off, need, body_len, i, an = 0, ns = 0, ar = 0;
	uint32_t at;
	int sec, k;

	b->ref_qend = XST_DNS_HDR + ref_len + 4;
	b->pos = b->ref_qend;
	b->nr_ptrs = b->nr_sets = b->nr_dict = 0;
	b->over = 0;
	b->cur_section = -1;
	b->cur_set = -1;
	b->ins_at = -1;
	b->ins_set = 0;
	b->p12 = p12;
	for (off = 0; off < ref_len; off += ref[off] + 1u) {
		if (ref_len - off <= guar || (off == 0 && p12))
			dict_add(b, ref + off, ref_len - off, XST_DNS_HDR + off, -1, -1);
		if (!ref[off])
			break;
	}
	for (sec = 0; sec < XST_SEC_MAX; sec++) {
		for (k = 0; k < a->n; k++) {
			const struct item *it = &a->it[k];
			size_t save_pos = b->pos, save_ptrs = b->nr_ptrs, save_dict = b->nr_dict;
			struct xst_dns_fset *set = &b->sets[b->nr_sets];
			uint32_t j, nr = 0, ttl, ttl0 = 0;

			if (it->section != sec || b->nr_sets >= MAX_SETS)
				continue;
			if (!it->set) {
				/* the qname's denial RRset goes here, per query */
				b->ins_at = (long)(b->pos - b->ref_qend);
				b->ins_set = b->nr_sets;
				continue;
			}
			b->cur_section = sec;
			b->cur_set = (int)b->nr_sets;
			b->literal = it->literal;
			b->no_dict = it->neg;
			for (j = 0; j < it->set->nr && b->pos <= XST_DNS_MSG_MAX; j++) {
				const struct xst_rr *rr = it->set->rrs[j];
				size_t rr_pos = b->pos, rr_ptrs = b->nr_ptrs, rr_dict = b->nr_dict;

				ttl = rr->ttl;
				if (it->neg) {
					uint32_t min = rr->rdlen >= 4 ? xst_get_be32(rr->rdata + rr->rdlen - 4) : ttl;

					ttl = ttl < min ? ttl : min;
				}
				b->raw_lead = it->raw_lead;
				put_rr(b, it->owner, it->owner_len, rr, ttl);
				if (b->pos > XST_DNS_MSG_MAX && sec > XST_SEC_AUTHORITY) {
					/* An optional RRset keeps the RRs that fit: NSD
					 * sends those over TCP (no TC) */
					b->pos = rr_pos;
					b->nr_ptrs = rr_ptrs;
					b->nr_dict = rr_dict;
					break;
				}
				nr++;
				if (!j)
					ttl0 = ttl;
			}
			/* DNSSEC: the RRSIGs of the RRset travel with it (NSD
			 * packet_encode_rrset(); over SOA with the SOA's TTL) */
			for (j = 0; nr && it->sig && j < it->sig->nr && b->pos <= XST_DNS_MSG_MAX; j++) {
				const struct xst_rr *rr = it->sig->rrs[j];

				if (sig_covered(rr) != it->set->type)
					continue;
				put_rr(b, it->owner, it->owner_len, rr,
				       it->set->type == XST_T_SOA ? ttl0 : rr->ttl);
				nr++;
			}
			if (!nr)
				continue;
			set->section = (uint8_t)sec;
			set->flags = (uint8_t)(it->flags | (it->neg ? XST_FSET_NEG : 0));
			if (b->pos > XST_DNS_MSG_MAX) {
				/* Not whole in any message, even with the shortest
				 * qname and over TCP: none of it is kept, and the
				 * responder treats it as an RRset that does not fit
				 * (TC=1 in the answer or authority section). */
				b->pos = save_pos;
				b->nr_ptrs = save_ptrs;
				b->nr_dict = save_dict;
				set->flags |= XST_FSET_OVER;
				set->nr_rr = (uint16_t)(it->set->nr < 0xffff ? it->set->nr : 0xffff);
				set->end = (uint16_t)(b->pos - b->ref_qend);
				b->over = 1;
				b->set_src[b->nr_sets] = it->set;
				b->nr_sets++;
				continue;
			}
			set->end = (uint16_t)(b->pos - b->ref_qend);
			set->nr_rr = (uint16_t)nr;
			b->set_src[b->nr_sets] = it->set;
			b->nr_sets++;
			if (sec == XST_SEC_ANSWER)
				an += nr;
			else if (sec <= XST_SEC_OPT_AUTH)
				ns += nr;
			else
				ar += nr;
		}
	}
	b->literal = b->no_dict = 0;
	body_len = b->pos - b->ref_qend;

	memset(&f, 0, sizeof(f));
	f.flags = (uint16_t)(XST_DNS_F_QR | (a->aa ? XST_DNS_F_AA : 0) | (a->rcode & 0xf));
	f.count[0] = (uint16_t)an;
	f.count[1] = (uint16_t)ns;
	f.count[2] = (uint16_t)ar;
	f.body_len = (uint16_t)body_len;
	f.ref_qend = (uint16_t)b->ref_qend;
	f.nr_ptr = (uint16_t)b->nr_ptrs;
	f.nr_set = (uint16_t)b->nr_sets;
	f.p12_fixed = (uint8_t)!!p12;
	f.over = (uint8_t)b->over;
	f.aa_any = (uint8_t)!!a->aa_any;
	if (kind_hint >= 0)
		f.kind = (uint8_t)kind_hint;
	else if (a->referral)
		f.kind = XST_KIND_REFERRAL;
	else if (a->rcode == XST_RCODE_NXDOMAIN)
		f.kind = XST_KIND_NXDOMAIN;
	else if (an)
		f.kind = XST_KIND_ANSWER;
	else
		f.kind = XST_KIND_NODATA;

	need = sizeof(f) + b->nr_ptrs * 2 + b->nr_sets * sizeof(struct xst_dns_fset) + body_len;
	need = (need + 3) & ~(size_t)3;
	if (grow_huge(b, (void **)&b->forms, &b->forms_cap, b->forms_len + need, 1))
		return XST_DNS_NONE;
	at = (uint32_t)b->forms_len;
	i = b->forms_len;
	memcpy(b->forms + i, &f, sizeof(f));
	i += sizeof(f);
	memcpy(b->forms + i, b->ptrs, b->nr_ptrs * 2);
	i += b->nr_ptrs * 2;
	memcpy(b->forms + i, b->sets, b->nr_sets * sizeof(struct xst_dns_fset));
	i += b->nr_sets * sizeof(struct xst_dns_fset);
	memcpy(b->forms + i, b->buf + b->ref_qend, body_len);
	i += body_len;
	memset(b->forms + i, 0, b->forms_len + need - i);
	b->forms_len += need;
	b->nr_forms++;
	return form_share(b, at);
}

/*
 * Whether the answer of the form at off can be sent whole: its answer and
 * authority RRsets (those NSD truncates with TC=1) after the reference
 * question and an OPT, against our largest UDP reply and against 65535.
 * Counted per (name, qtype) for xst_dns_db_big(); the first of each is kept
 * as the example.
 */
/* A type of the data itself names an example better than ANY or "any type". */
static int better_example(uint16_t have, uint16_t qtype)
{
	return (have == 0 || have == XST_T_ANY) && qtype && qtype != XST_T_ANY;
}

static void count_big(struct builder *b, uint32_t off, uint32_t node, uint16_t qtype)
{
	const struct xst_dns_form *f = (const struct xst_dns_form *)(b->forms + off);
	const struct xst_dns_fset *set = xst_form_sets(f);
	/* The node's own question: the form may be one shared with a node
	 * whose name has another length (form_share()). */
	size_t qend = XST_DNS_HDR + b->nodes[node].len + 4u;
	size_t mandatory = 0, prev = 0, i;
	int over = 0;

	for (i = 0; i < f->nr_set; i++) {
		if (set[i].section <= XST_SEC_AUTHORITY) {
			mandatory += set[i].end - prev;
			over |= !!(set[i].flags & XST_FSET_OVER);
		}
		prev = set[i].end;
	}
	if (over) {
		if (!b->big.tcp++ || better_example(b->big_tcp_type, qtype)) {
			b->big_tcp_node = node;
			b->big_tcp_type = qtype;
		}
	}
	if (over || qend + mandatory + XST_DNS_OPT_LEN > XST_DNS_EDNS_SIZE) {
		if (!b->big.udp++ || better_example(b->big_udp_type, qtype)) {
			b->big_udp_node = node;
			b->big_udp_type = qtype;
		}
	}
}

/* Bytes of the form at off in b->forms, padding included. */
static size_t form_size(const struct builder *b, uint32_t off)
{
	const struct xst_dns_form *f = (const struct xst_dns_form *)(b->forms + off);
	size_t n = sizeof(*f) + f->nr_ptr * 2u + f->nr_set * sizeof(struct xst_dns_fset) + f->body_len;

	return (n + 3) & ~(size_t)3;
}

/* Drops the last form if it equals the one at off (same bytes): saves memory. */
static uint32_t dedup_last(struct builder *b, uint32_t last, uint32_t off)
{
	size_t len = b->forms_len - last;

	/* last may be an earlier form that encode() shared: nothing to drop. */
	if (off != XST_DNS_NONE && last == b->fresh && form_size(b, last) == len &&
	    off + len <= last &&
	    !memcmp(b->forms + off, b->forms + last, len)) {
		b->forms_len = last;
		b->nr_forms--;
		if (*b->fresh_slot == ((uint64_t)(*b->fresh_slot >> 32) << 32 | (last + 1u)))
			*b->fresh_slot = 0;
		b->fresh = XST_DNS_NONE;
		return off;
	}
	return last;
}

/* Whether class ANY leaves RRset s out (respond.c xst_dns_emit()). */
static int any_drops(const struct xst_dns_fset *s)
{
	return s->section == XST_SEC_OPT_AUTH || (s->flags & (XST_FSET_NS_ONLY | XST_FSET_NEG));
}

/*
 * Whether the form at g, sent without what class ANY leaves out, is the
 * form at f: the same reply for every qname, size and transport. Checked
 * on the reference qname by emitting it so (the same bytes and counts),
 * with the same header fields, RRset table and pointer places, which is
 * what the responder's cuts and pointer moves depend on.
 */
static int emits_as(struct builder *b, uint32_t g, uint32_t f)
{
	struct xst_dns_form_buf whole;
	const struct xst_dns_form *G = xst_form_whole(b->forms, b->tails,
						      (const struct xst_dns_form *)(b->forms + g),
						      &whole);
	const struct xst_dns_form *F = (const struct xst_dns_form *)(b->forms + f);
	const struct xst_dns_fset *gs = xst_form_sets(G), *fs = xst_form_sets(F);
	const uint16_t *gp = xst_form_ptrs(G), *fp = xst_form_ptrs(F);
	struct xst_dns_qmap m = { .name_len = (size_t)F->ref_qend - XST_DNS_HDR - 4u,
				  .plen = XST_DNAME_MAX + 1, .ppos = XST_DNS_HDR };
	size_t i, j = 0, pi = 0, removed = 0, pos;
	uint16_t counts[3];
	int tc = 0;

	if (G->ref_qend != F->ref_qend || G->flags != F->flags || G->kind != F->kind ||
	    G->aa_any != F->aa_any || G->p12_fixed != F->p12_fixed || G->over != F->over)
		return 0;
	for (i = 0; i < G->nr_set; i++) {
		size_t start = i ? gs[i - 1].end : 0;

		for (; pi < G->nr_ptr && gp[pi] < gs[i].end; pi++) {
			if (any_drops(&gs[i]))
				continue;
			if (fp >= xst_form_ptrs(F) + F->nr_ptr || *fp != gp[pi] - removed)
				return 0;
			fp++;
		}
		if (any_drops(&gs[i])) {
			removed += gs[i].end - start;
			continue;
		}
		if (j >= F->nr_set || fs[j].end != gs[i].end - removed ||
		    fs[j].nr_rr != gs[i].nr_rr || fs[j].section != gs[i].section ||
		    fs[j].flags != gs[i].flags)
			return 0;
		j++;
	}
	if (j != F->nr_set || fp != xst_form_ptrs(F) + F->nr_ptr)
		return 0;
	pos = xst_dns_emit(b->buf, XST_DNS_MSG_MAX, F->ref_qend, G, &m, 1, 1, counts, &tc);
	return !tc && pos - F->ref_qend == F->body_len &&
	       !memcmp(b->buf + F->ref_qend, xst_form_body(F), F->body_len) &&
	       counts[0] == F->count[0] && counts[1] == F->count[1] && counts[2] == F->count[2];
}

/*
 * The reference for qtype ANY once its form f is encoded: another form of
 * the name (type-list entries from first) that class ANY's cut turns into
 * it, flagged XST_FORM_NO_NS, f then dropped; else f. At a name with one
 * RRset the ANY answer is that RRset: the form of its type less the apex
 * NS. Entries with flags, and DO insertion records, are not candidates.
 */
static uint32_t any_ref(struct builder *b, uint32_t f, size_t first)
{
	size_t t;

	if (f != b->fresh || (f & XST_DO_INS))
		return f;
	for (t = first; t < b->nr_tforms; t++) {
		uint32_t g = b->tforms[t].form;

		if ((g & (XST_DO_INS | XST_FORM_FLAGS)) || g == f || !emits_as(b, g, f))
			continue;
		b->forms_len = f;
		b->nr_forms--;
		if (*b->fresh_slot == ((uint64_t)(*b->fresh_slot >> 32) << 32 | (f + 1u)))
			*b->fresh_slot = 0;
		b->fresh = XST_DNS_NONE;
		return g | XST_FORM_NO_NS;
	}
	return f;
}

/* Bytes of a form's header and tables and body, padding left out. */
static size_t form_bytes(const struct xst_dns_form *f)
{
	return sizeof(*f) + f->nr_ptr * 2u + f->nr_set * sizeof(struct xst_dns_fset) + f->body_len;
}

/* The tail equal to the form t of n bytes among the last ones made (a
 * zone's answers come one after the other), or 0; else its index + 1. */
static uint16_t tail_find(const struct builder *b, const struct xst_dns_form *t, size_t n)
{
	size_t k, stop = b->nr_tails > 64 ? b->nr_tails - 64 : 0;

	for (k = b->nr_tails; k > stop; k--) {
		const struct xst_dns_form *o = (const struct xst_dns_form *)(b->forms + b->tails[k - 1]);

		if (form_bytes(o) == n && !memcmp(o, t, n))
			return (uint16_t)k;
	}
	return 0;
}

/*
 * Splits the positive answer just encoded at g (the fresh form) into a
 * head and a tail (db_priv.h) when its RRsets are answer RRsets, then the
 * apex NS and glue only that NS needs, and nothing after the answer points
 * into it: the tail then reads the same after any answer of the zone and
 * is stored once. Kept whole unless head and tail give back the same form
 * byte for byte. Returns g: the head, or the form as it was.
 */
static uint32_t tail_split(struct builder *b, uint32_t g)
{
	union {
		struct xst_dns_form_buf fb;
		uint8_t bytes[sizeof(struct xst_dns_form_buf)];
	} saved, tb, whole;
	const struct xst_dns_form *G = (const struct xst_dns_form *)(b->forms + g), *W;
	const struct xst_dns_fset *gs;
	const uint16_t *gp;
	struct xst_dns_form *H, *T = &tb.fb.f;
	uint16_t *tp, idx;
	struct xst_dns_fset *tset;
	uint8_t *tbody;
	size_t a, i, hp, ts, tl, len, hsize, tsize, base;
	int added = 0;

	if (g != b->fresh || G->over || G->p12_fixed || G->tail || !G->nr_set ||
	    b->nr_tails >= XST_TAILS_MAX)
		return g;
	gs = xst_form_sets(G);
	gp = xst_form_ptrs(G);
	for (a = 0; a < G->nr_set && gs[a].section == XST_SEC_ANSWER; a++)
		;
	if (!a || a == G->nr_set || gs[a].section != XST_SEC_OPT_AUTH)
		return g;
	for (i = a + 1; i < G->nr_set; i++)
		if (gs[i].section <= XST_SEC_OPT_AUTH || !(gs[i].flags & XST_FSET_NS_ONLY))
			return g;
	ts = gs[a - 1].end;
	tl = G->body_len - ts;
	for (hp = 0; hp < G->nr_ptr && gp[hp] < ts; hp++)
		;
	if (ts > XST_TAIL_BODY_MAX || tl > XST_TAIL_BODY_MAX || hp > XST_TAIL_PTRS_MAX ||
	    G->nr_ptr - hp > XST_TAIL_PTRS_MAX || a > XST_TAIL_SETS_MAX ||
	    G->nr_set - a > XST_TAIL_SETS_MAX)
		return g;
	len = form_bytes(G);
	memcpy(saved.bytes, G, len);
	G = &saved.fb.f;
	gs = xst_form_sets(G);
	gp = xst_form_ptrs(G);

	/* the tail, as a form of its own */
	memset(T, 0, sizeof(*T));
	T->body_len = (uint16_t)tl;
	T->ref_qend = XST_TAIL_QEND;
	T->nr_ptr = (uint16_t)(G->nr_ptr - hp);
	T->nr_set = (uint16_t)(G->nr_set - a);
	tp = (uint16_t *)(T + 1);
	tset = (struct xst_dns_fset *)(tp + T->nr_ptr);
	tbody = (uint8_t *)(tset + T->nr_set);
	for (i = a; i < G->nr_set; i++) {
		tset[i - a] = gs[i];
		tset[i - a].end = (uint16_t)(gs[i].end - ts);
		T->count[gs[i].section <= XST_SEC_OPT_AUTH ? 1 : 2] += gs[i].nr_rr;
	}
	memcpy(tbody, xst_form_body(G) + ts, tl);
	for (i = hp; i < G->nr_ptr; i++) {
		uint8_t *p = tbody + gp[i] - ts;
		size_t v = xst_get_be16(p) & 0x3fffu;

		if (v >= G->ref_qend && v - G->ref_qend < ts)
			return g;	/* into the head */
		v = v < G->ref_qend ? v + XST_TAIL_QEND - G->ref_qend :
				      XST_TAIL_QEND + (v - G->ref_qend - ts);
		xst_put_be16(p, (uint16_t)(0xc000 | v));
		tp[i - hp] = (uint16_t)(gp[i] - ts);
	}
	tsize = form_bytes(T);

	/* the head in the form's place, the tail after it unless it exists */
	hsize = sizeof(*G) + hp * 2u + a * sizeof(struct xst_dns_fset) + ts;
	hsize = (hsize + 3) & ~(size_t)3;
	idx = tail_find(b, T, tsize);
	if (!idx) {
		if (grow(b, (void **)&b->tails, &b->cap_tails, b->nr_tails + 1, sizeof(*b->tails)) ||
		    grow_huge(b, (void **)&b->forms, &b->forms_cap, g + hsize + ((tsize + 3) & ~3u), 1))
			return g;
		base = g + hsize;
		memcpy(b->forms + base, T, tsize);
		memset(b->forms + base + tsize, 0, ((tsize + 3) & ~(size_t)3) - tsize);
		b->tails[b->nr_tails++] = (uint32_t)base;
		idx = (uint16_t)b->nr_tails;
		added = 1;
	}
	H = (struct xst_dns_form *)(b->forms + g);
	*H = *G;
	H->tail = idx;
	H->body_len = (uint16_t)ts;
	H->nr_ptr = (uint16_t)hp;
	H->nr_set = (uint16_t)a;
	H->count[1] = (uint16_t)(G->count[1] - T->count[1]);
	H->count[2] = (uint16_t)(G->count[2] - T->count[2]);
	memcpy((uint8_t *)(H + 1), gp, hp * 2u);
	memcpy((uint8_t *)(H + 1) + hp * 2u, gs, a * sizeof(*gs));
	memcpy((uint8_t *)(H + 1) + hp * 2u + a * sizeof(*gs), xst_form_body(G), ts);
	i = form_bytes(H);
	memset((uint8_t *)H + i, 0, hsize - i);

	W = xst_form_whole(b->forms, b->tails, H, &whole.fb);
	if (form_bytes(W) != len || memcmp(W, G, len)) {
		/* not the same form: put it back as it was */
		if (added)
			b->nr_tails--;
		memcpy(b->forms + g, G, len);
		memset(b->forms + g + len, 0, b->forms_len - g - len);
		return g;
	}
	b->forms_len = added ? g + hsize + ((tsize + 3) & ~(size_t)3) : g + hsize;
	if (added)
		b->nr_forms++;
	if (*b->fresh_slot == ((uint64_t)(*b->fresh_slot >> 32) << 32 | (g + 1u)))
		*b->fresh_slot = 0;
	b->fresh = XST_DNS_NONE;
	return g;
}

static int add_tform(struct builder *b, uint16_t type, uint32_t form)
{
	if (grow_huge(b, (void **)&b->tforms, &b->cap_tforms, b->nr_tforms + 1, sizeof(*b->tforms)))
		return -ENOMEM;
	b->tforms[b->nr_tforms].type = type;
	b->tforms[b->nr_tforms].pad = 0;
	b->tforms[b->nr_tforms].form = form;
	b->nr_tforms++;
	return 0;
}

/* ---- assembly -------------------------------------------------------------- */

/* Text form of a well-formed wire name, cut to fit (error messages only). */
static void name_text(const uint8_t *name, char *buf, size_t cap)
{
	size_t o = 0;

	while (*name && o + 66 < cap) {
		memcpy(buf + o, name + 1, *name);
		o += *name;
		buf[o++] = '.';
		name += *name + 1;
	}
	if (!o)
		buf[o++] = '.';
	buf[o] = 0;
}

static void set_err(struct xst_zone_error *err, const struct xst_zone *z, unsigned int line,
		    const char *reason)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	if (z && z->path)
		snprintf(err->file, sizeof(err->file), "%s", z->path);
	err->line = line;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
}

static void builder_free(struct builder *b)
{
	free(b->setpool);
	free(b->rrpool);
	free(b->nodes);
	free(b->slots);
	free(b->tnode);
	free(b->wchild);
	xst_huge_free(b->names, b->names_cap);
	free(b->zones);
	free(b->ans);
	free(b->ans_dflt);
	free(b->fcache);
	xst_huge_free(b->forms, b->forms_cap);
	xst_huge_free(b->tforms, b->cap_tforms * sizeof(*b->tforms));
	free(b->buf);
	free(b->ptrs);
	free(b->sets);
	free(b->set_src);
	free(b->dict);
	free(b->sigmap);
	free(b->chain_node);
	free(b->chain_hash);
	free(b->n3c);
	free(b->n3w);
	free(b->n3d);
	free(b->n3x);
	free(b->only3);
	free(b->ins);
	free(b->tails);
}

/*
 * Every node's deepest zone (the first apex met walking up) and its cut
 * in that zone (find_cut()), parents before children: a parent's name is
 * shorter, so nodes are taken by name length (a counting sort). And each
 * node's "*" child, which absent names below it look for.
 */
static int node_zones(struct builder *b)
{
	size_t start[XST_DNAME_MAX + 2] = { 0 }, i;
	uint32_t *order = xst_loadmem_alloc(&b->mem, (b->nr ? b->nr : 1) * sizeof(*order));

	if (!order)
		return -ENOMEM;
	for (i = 0; i < b->nr; i++)
		start[b->nodes[i].len + 1]++;
	for (i = 1; i < XST_DNAME_MAX + 2; i++)
		start[i] += start[i - 1];
	for (i = 0; i < b->nr; i++)
		order[start[b->nodes[i].len]++] = (uint32_t)i;
	b->wchild = xst_loadmem_alloc(&b->mem, (b->nr ? b->nr : 1) * sizeof(*b->wchild));
	if (!b->wchild) {
		xst_loadmem_free(&b->mem, order, (b->nr ? b->nr : 1) * sizeof(*order));
		return -ENOMEM;
	}
	for (i = 0; i < b->nr; i++)
		b->wchild[i] = XST_DNS_NONE;
	for (i = 0; i < b->nr; i++) {
		const struct bnode *n = &b->nodes[i];
		const uint8_t *nm = node_name(b, n);

		if (n->len >= 2 && nm[0] == 1 && nm[1] == '*' && n->parent != XST_DNS_NONE)
			b->wchild[n->parent] = (uint32_t)i;
	}
	for (i = 0; i < b->nr; i++) {
		struct bnode *n = &b->nodes[order[i]];
		const struct bnode *p = n->parent != XST_DNS_NONE ? &b->nodes[n->parent] : NULL;

		n->zone = n->apex_of >= 0 ? (uint16_t)n->apex_of : p ? p->zone : XST_DNS_NOZONE;
		n->cut = XST_DNS_NONE;
		/* find_cut() stops at the apex and never takes the root */
		if (n->zone == XST_DNS_NOZONE || n->apex_of >= 0 || !p)
			continue;
		n->cut = p->cut != XST_DNS_NONE ? p->cut :
			 bset_find(n, n->zone, XST_T_NS) ? order[i] : XST_DNS_NONE;
	}
	xst_loadmem_free(&b->mem, order, (b->nr ? b->nr : 1) * sizeof(*order));
	return 0;
}

static int load_zones(struct builder *b, struct xst_zone *const *zones, size_t nr,
		      struct xst_zone_error *err)
{
	const struct xst_rr **rr_of = NULL;
	uint16_t *zone_of = NULL;
	uint32_t *rnode = NULL;
	size_t i, j, k, total = 0, g = 0;
	int ret = -ENOMEM;

	for (i = 0; i < nr; i++)
		total += zones[i]->nr_rrs;
	b->todo = total;
	rr_of = xst_loadmem_alloc(&b->mem, total * sizeof(*rr_of));
	zone_of = xst_loadmem_alloc(&b->mem, total * sizeof(*zone_of));
	rnode = xst_loadmem_alloc(&b->mem, total * sizeof(*rnode));
	if (!rr_of || !zone_of || !rnode)
		goto out;
	for (i = 0; i < nr; i++) {
		const struct xst_zone *z = zones[i];
		uint32_t apex;

		for (j = 0; j < i; j++)
			if (zones[j]->apex_len == z->apex_len &&
			    xst_name_eq(zones[j]->apex, z->apex, z->apex_len)) {
				char t[128], r[256];

				name_text(z->apex, t, sizeof(t));
				snprintf(r, sizeof(r), "zone '%.100s' loaded twice (also from %.100s)", t,
					 zones[j]->path ? zones[j]->path : "?");
				set_err(err, z, 0, r);
				ret = -EINVAL;
				goto out;
			}
		if (!z->apex_len || xst_name_len(z->apex, z->apex_len) != z->apex_len) {
			set_err(err, z, 0, "bad zone apex");
			ret = -EINVAL;
			goto out;
		}
		{
			uint8_t l[XST_DNAME_MAX];

			lower_name(l, z->apex, z->apex_len);
			apex = bget(b, l, z->apex_len);
		}
		ret = -ENOMEM;
		if (apex == XST_DNS_NONE)
			goto out;
		b->nodes[apex].apex_of = (int)i;
		b->zones[i].z = z;
		b->zones[i].apex = apex;
		for (k = 0; k < z->nr_rrs; k++) {
			const struct xst_rr *rr = &z->rrs[k];

			if (rr->rclass != XST_C_IN)
				continue;
			b->done = g;
			/* The parser shares one copy of an owner written again. */
			ret = 0;
			if (g && rr_of[g - 1]->owner == rr->owner && zone_of[g - 1] == i)
				rnode[g] = rnode[g - 1];
			else
				ret = owner_node(b, rr, &rnode[g]);
			if (ret == -EINVAL)
				set_err(err, z, rr->line, "bad owner name");
			if (ret)
				goto out;
			rr_of[g] = rr;
			zone_of[g++] = (uint16_t)i;
		}
		/* Ancestors of the apex too (owner_node() makes them for owners). */
		{
			uint8_t l[XST_DNAME_MAX];
			size_t off;

			uint32_t prev = apex;

			lower_name(l, z->apex, z->apex_len);
			ret = -ENOMEM;
			for (off = 0; off < z->apex_len && l[off]; off += l[off] + 1u) {
				uint32_t p = bget(b, l + off + l[off] + 1,
						  z->apex_len - off - l[off] - 1);

				if (p == XST_DNS_NONE)
					goto out;
				b->nodes[prev].parent = p;
				prev = p;
			}
			b->zones[i].apex = apex;
		}
	}
	b->nr_zones = nr;
	ret = carve_sets(b, rr_of, zone_of, rnode, g);
out:
	xst_loadmem_free(&b->mem, rr_of, total * sizeof(*rr_of));
	xst_loadmem_free(&b->mem, zone_of, total * sizeof(*zone_of));
	xst_loadmem_free(&b->mem, rnode, total * sizeof(*rnode));
	if (ret)
		return ret;

	ret = node_zones(b);
	if (ret)
		return ret;
	b->tnode = xst_loadmem_zalloc(&b->mem, (b->nr_rrpool ? b->nr_rrpool : 1) *
				      sizeof(*b->tnode));
	if (!b->tnode)
		return -ENOMEM;
	/* NSD's check_dname() looks at the DNAMEs of every zone loaded: a zone
	 * below another's DNAME is data below it, refused. */
	for (i = 0; i < nr; i++) {
		const struct bnode *apex = &b->nodes[b->zones[i].apex];
		const uint8_t *n = node_name(b, apex);
		uint32_t idx;

		for (idx = apex->parent; idx != XST_DNS_NONE; idx = b->nodes[idx].parent) {
			size_t off = apex->len - b->nodes[idx].len;

			if (b->nodes[idx].zone != XST_DNS_NOZONE &&
			    bset_find(&b->nodes[idx], b->nodes[idx].zone, T_DNAME)) {
				char t[128], d[128], r[256];

				name_text(n, t, sizeof(t));
				name_text(n + off, d, sizeof(d));
				snprintf(r, sizeof(r), "zone '%.60s' is below the DNAME at %.60s "
					 "(%.40s): data below a DNAME is not allowed (RFC 2672)",
					 t, d, zones[b->nodes[idx].zone]->path ?
					 zones[b->nodes[idx].zone]->path : "?");
				set_err(err, zones[i], 0, r);
				return -EINVAL;
			}
		}
	}
	for (i = 0; i < nr; i++) {
		struct bzone *z = &b->zones[i];
		const struct bnode *apex = &b->nodes[z->apex];
		uint32_t p = apex->parent;

		z->soa = bset_find(apex, (unsigned int)i, XST_T_SOA);
		z->ns = bset_find(apex, (unsigned int)i, XST_T_NS);
		if (!z->soa) {
			set_err(err, z->z, 0, "zone has no SOA at its apex");
			return -EINVAL;
		}
		{
			const struct xst_rr *soa = z->soa->rrs[0];
			uint32_t min = soa->rdlen >= 4 ? xst_get_be32(soa->rdata + soa->rdlen - 4) : 0;

			z->neg_ttl = soa->ttl < min ? soa->ttl : min;
		}
		z->parent = -1;
		if (p != XST_DNS_NONE && b->nodes[p].zone != XST_DNS_NOZONE)
			z->parent = b->nodes[p].zone;
	}
	return 0;
}

/*
 * The answer a as the node's default answer, to compare the answers of its
 * other qtypes with (same_ans()). 0 when it cannot be kept: an owner made
 * up in a->synth, which the next resolve() overwrites.
 */
static int keep_dflt(struct builder *b, const struct ans *a)
{
	const uint8_t *lo = (const uint8_t *)a->synth, *hi = lo + sizeof(a->synth);
	struct ans *d = b->ans_dflt;
	int k;

	for (k = 0; k < a->n; k++)
		if ((a->it[k].owner >= lo && a->it[k].owner < hi) ||
		    (a->it[k].ident >= lo && a->it[k].ident < hi))
			return 0;
	memcpy(d->it, a->it, (size_t)a->n * sizeof(a->it[0]));
	d->n = a->n;
	d->rcode = a->rcode;
	d->aa = a->aa;
	d->aa_any = a->aa_any;
	d->referral = a->referral;
	return 1;
}

/*
 * Whether a encodes to the same form as the kept default answer: encode()
 * reads only these fields (and the node's name, the same for both). Most
 * qtypes of most names (DS, CNAME and every type a name lacks) answer
 * NODATA like the default: their encoding is skipped.
 */
static int same_ans(const struct builder *b, const struct ans *a)
{
	const struct ans *d = b->ans_dflt;
	int k;

	if (a->n != d->n || a->rcode != d->rcode || a->aa != d->aa || a->aa_any != d->aa_any ||
	    a->referral != d->referral)
		return 0;
	for (k = 0; k < a->n; k++) {
		const struct item *x = &a->it[k], *y = &d->it[k];

		if (x->set != y->set || x->section != y->section || x->flags != y->flags ||
		    x->neg != y->neg || x->owner_len != y->owner_len ||
		    x->ident_len != y->ident_len || memcmp(x->owner, y->owner, x->owner_len) ||
		    memcmp(x->ident, y->ident, x->ident_len))
			return 0;
	}
	return 1;
}

/* A wildcard that owns NS (not at an apex): a cut for its own name and
 * those below it, data for the names it matches (lookup_as_wild()). */
static int wild_cut(const struct builder *b, size_t i)
{
	const struct bnode *n = &b->nodes[i];
	const uint8_t *name = node_name(b, n);

	return n->zone != XST_DNS_NOZONE && n->len >= 2 && name[0] == 1 && name[1] == '*' &&
	       n->apex_of != (int)n->zone && bset_find(n, n->zone, XST_T_NS);
}

/*
 * The forms of one node (out): its default form and one per qtype that
 * can change the answer. as_wild: the forms a wildcard serves for the
 * names it matches, where they differ from those of its own name.
 */
static int node_forms(struct builder *b, struct xst_dns_db *db, struct xst_dns_node *out, size_t i,
		      int as_wild)
{
	struct ans *a = b->ans;
	const struct bnode *n = &b->nodes[i];
	const uint8_t *name = node_name(b, n);
	uint16_t types[MAX_TYPES];
	int nr_types = 0, wild = n->len >= 2 && name[0] == 1 && name[1] == '*', k, kept;
	size_t guar = wild ? n->len - 2u : n->len, t;
	uint32_t dflt;

	(void)db;
	out->hash = xst_name_hash(name, n->len);
	out->name = n->name;
	out->name_len = n->len;
	out->zone = n->zone;
	out->types = (uint32_t)b->nr_tforms;
	out->nr_types = 0;
	out->dflt = out->below = out->wild = XST_DNS_NONE;
	if (n->zone == XST_DNS_NOZONE)
		return 0;

	a->as_wild = as_wild;
	resolve_node(b, a, (uint32_t)i, QTYPE_NONE);
	dflt = encode(b, a, name, n->len, guar, wild, -1);
	if (dflt == XST_DNS_NONE)
		return -ENOMEM;
	kept = keep_dflt(b, a);
	out->dflt = dflt;
	count_big(b, dflt, (uint32_t)i, 0);

	/* Only the types of the RRsets met while answering can change
	 * the answer; DS, ANY and CNAME have rules of their own. */
	types[nr_types++] = XST_T_DS;
	types[nr_types++] = XST_T_CNAME;
	types[nr_types++] = XST_TD_NSEC3;	/* NODATA, even at a CNAME (NSD) */
	if (as_wild)	/* the NS the wildcard owns answer NS */
		types[nr_types++] = XST_T_NS;
	for (k = 0; k < a->nr_touched; k++) {
		const struct bnode *tn = &b->nodes[a->touched[k]];
		uint32_t s;

		for (s = 0; s < tn->nr_sets; s++) {
			int d;

			for (d = 0; d < nr_types; d++)
				if (types[d] == tn->sets[s].type)
					break;
			if (d == nr_types && nr_types < MAX_TYPES - 1)
				types[nr_types++] = tn->sets[s].type;
		}
	}
	/* ANY last: its answer may be one of the forms before (any_ref()) */
	for (k = 0; k < nr_types && types[k] != XST_T_ANY; k++)
		;
	if (k == nr_types)
		types[nr_types++] = XST_T_ANY;
	for (k = 0; k < nr_types; k++) {
		uint32_t f;

		a->as_wild = as_wild;
		resolve_node(b, a, (uint32_t)i, types[k]);
		if (kept && same_ans(b, a))
			continue;	/* the default form: no entry */
		f = encode(b, a, name, n->len, guar, wild, -1);
		if (f == XST_DNS_NONE)
			return -ENOMEM;
		f = dedup_last(b, f, dflt);
		if (f == dflt)
			continue;
		for (t = out->types; t < b->nr_tforms; t++)
			if (dedup_last(b, f, b->tforms[t].form) != f) {
				f = b->tforms[t].form;
				break;
			}
		count_big(b, f, (uint32_t)i, types[k]);
		if (types[k] == XST_T_ANY)
			f = any_ref(b, f, out->types);
		else
			f = tail_split(b, f);
		if (add_tform(b, types[k], f))
			return -ENOMEM;
		out->nr_types++;
	}
	return 0;
}

/* The form for the names below a DNAME's owner: the DNAME RRset, to which
 * the responder adds the CNAME and the answer for the new name (dname.c). */
static uint32_t dname_form(struct builder *b, uint32_t idx)
{
	struct ans *a = b->ans;
	const struct bnode *n = &b->nodes[idx];
	const struct bset *d = bset_find(n, n->zone, T_DNAME);

	ans_reset(a, QTYPE_NONE, XST_RCODE_NOERROR, 1);
	add_rrset(b, a, XST_SEC_ANSWER, d->rrs[0]->owner, n->len, d, n->zone, 0);
	return encode(b, a, node_name(b, n), n->len, n->len, 0, XST_KIND_ANSWER);
}

/* The referral a wildcard cut gives for the names below it: owned by the
 * wildcard's own name (a suffix of the qname), not by the qname. */
static uint32_t wild_cut_referral(struct builder *b, uint32_t cut)
{
	const struct bnode *c = &b->nodes[cut];

	resolve_node(b, b->ans, cut, QTYPE_NONE);
	return encode(b, b->ans, node_name(b, c), c->len, c->len, 0, -1);
}

static uint32_t do_encode(struct builder *b, struct ans *a, const uint8_t *ref,
			  size_t ref_len, size_t guar, int p12);

/*
 * The referral for absent names below node i, which is at or below node
 * cut (cut_form: the cut's own): one encoded against node i's name. NSD puts
 * the closest encloser and its parents in the compression table
 * (answer_query()), so a name of the referral that is the closest encloser
 * or ends in it (glue "ns1.sub" in the referral for "a.b.ns1.sub") points
 * into the question: a label shorter per name, and an NS set or a glue
 * record that fits where the cut's form would not. That is node i's own
 * default form (own), no new form, except for a "*" node: its own has the
 * "*" name fixed at offset 12 (the qname it matched), so one is encoded
 * for it (dnssec: the DO=1 one). XST_DNS_NONE: ENOMEM.
 */
static uint32_t below_cut(struct builder *b, size_t i, uint32_t cut, uint32_t cut_form,
			  uint32_t own, int dnssec)
{
	const struct bnode *n = &b->nodes[i];
	struct ans *a = b->ans;

	if (own == XST_DNS_NONE || (uint32_t)i == cut)
		return cut_form;
	if (!is_wild(b, (uint32_t)i))
		return own;
	a->dnssec = dnssec;
	a->absent = 0;
	a->absent_ce = XST_DNS_NONE;
	resolve(b, a, node_name(b, n), n->len, QTYPE_NONE);
	if (dnssec)
		return do_encode(b, a, node_name(b, n), n->len, n->len, 0);
	return encode(b, a, node_name(b, n), n->len, n->len, 0, -1);
}

static int build_forms(struct builder *b, struct xst_dns_db *db)
{
	struct ans *a = b->ans;
	size_t i, extra = b->nr;
	uint32_t *wild_below = NULL;
	int ret = -ENOMEM;

	for (i = 0; i < b->nr_zones; i++) {
		const struct bzone *z = &b->zones[i];
		const struct bnode *apex = &b->nodes[z->apex];

		ans_reset(a, QTYPE_NONE, XST_RCODE_NXDOMAIN, 1);
		add_soa_neg(b, a, (unsigned int)i);
		b->zones[i].nxdomain = encode(b, a, node_name(b, apex), apex->len, apex->len, 0,
					      XST_KIND_NXDOMAIN);
		if (b->zones[i].nxdomain == XST_DNS_NONE)
			return -ENOMEM;
	}
	b->phase = 1;
	b->todo = b->nr;
	for (i = 0; i < b->nr; i++) {
		b->done = i;
		if (node_forms(b, db, &db->nodes[i], i, 0))
			return -ENOMEM;
	}
	wild_below = malloc((b->nr ? b->nr : 1) * sizeof(*wild_below));
	if (!wild_below)
		return -ENOMEM;
	for (i = 0; i < b->nr; i++)
		wild_below[i] = XST_DNS_NONE;
	/* Absent names below each node: referral below a cut, else the
	 * wildcard child, else NXDOMAIN. */
	for (i = 0; i < b->nr; i++) {
		const struct bnode *n = &b->nodes[i];
		struct xst_dns_node *out = &db->nodes[i];
		uint32_t cut, w;

		if (n->zone == XST_DNS_NOZONE)
			continue;
		cut = n->cut;
		if (cut != XST_DNS_NONE) {
			if (wild_cut(b, cut)) {
				if (wild_below[cut] == XST_DNS_NONE)
					wild_below[cut] = wild_cut_referral(b, cut);
				if (wild_below[cut] == XST_DNS_NONE)
					goto out;
				out->below = wild_below[cut];
			} else {
				out->below = below_cut(b, i, cut, db->nodes[cut].dflt, out->dflt, 0);
				if (out->below == XST_DNS_NONE)
					goto out;
			}
			continue;
		}
		if (bset_find(n, n->zone, T_DNAME)) {
			out->below = dname_form(b, (uint32_t)i);
			if (out->below == XST_DNS_NONE)
				goto out;
			out->wild = XST_DNS_DNAME;
			continue;
		}
		out->below = b->zones[n->zone].nxdomain;
		{
			w = b->wchild[i];
			if (w != XST_DNS_NONE && b->nodes[w].zone == n->zone) {
				out->wild = w;
				if (wild_cut(b, w)) {
					/* its answers for matched names: a node of
					 * their own, in no hash slot */
					if (node_forms(b, db, &db->nodes[extra], w, 1))
						goto out;
					out->wild = (uint32_t)extra++;
				}
			}
		}
	}
	/* RFC 5155 7.2.8, as NSD: a name that owns only NSEC3 does not exist,
	 * it answers as an absent name below its parent (a DNAME's owner
	 * excepted: its plain DNAME form needs dname.c, left out). */
	for (i = 0; i < b->nr; i++) {
		struct xst_dns_node *out = &db->nodes[i];
		uint32_t p;

		if (!b->only3[i] || (p = parent_of(b, (uint32_t)i)) == XST_DNS_NONE ||
		    db->nodes[p].zone == XST_DNS_NOZONE || db->nodes[p].wild == XST_DNS_DNAME)
			continue;
		if (db->nodes[p].wild != XST_DNS_NONE) {
			const struct xst_dns_node *w = &db->nodes[db->nodes[p].wild];

			out->dflt = w->dflt;
			out->types = w->types;
			out->nr_types = w->nr_types;
		} else {
			out->dflt = db->nodes[p].below;
			out->nr_types = 0;
		}
	}
	ret = 0;
out:
	free(wild_below);
	return ret;
}


/* ---- DNSSEC: load-time tables and the DO=1 forms --------------------------- */

/* A node owning NSEC or NSEC3 in a zone: the chains are built from these. */
struct cand {
	uint32_t node;
	uint16_t zone;
	uint16_t type;
};

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *c = y;

	if (a->zone != c->zone)
		return a->zone < c->zone ? -1 : 1;
	return a->node < c->node ? -1 : a->node > c->node;
}

struct n3ent {
	uint8_t hash[XST_NSEC3_HASH_LEN];
	uint32_t node;
};

static int cmp_n3ent(const void *x, const void *y)
{
	return memcmp(((const struct n3ent *)x)->hash, ((const struct n3ent *)y)->hash,
		      XST_NSEC3_HASH_LEN);
}

static const struct builder *sort_b;	/* qsort has no context argument: load time only */

static int cmp_canon_node(const void *x, const void *y)
{
	const struct bnode *a = &sort_b->nodes[*(const uint32_t *)x];
	const struct bnode *c = &sort_b->nodes[*(const uint32_t *)y];

	return xst_dns_canon_cmp(node_name(sort_b, a), a->len, node_name(sort_b, c), c->len);
}

static int chain_push(struct builder *b, uint32_t node, const uint8_t *hash)
{
	if (grow(b, (void **)&b->chain_node, &b->cap_chain, b->nr_chain + 1, sizeof(*b->chain_node)))
		return -ENOMEM;
	{
		void *q = realloc(b->chain_hash, b->cap_chain * XST_NSEC3_HASH_LEN);

		if (!q)
			return -ENOMEM;
		b->chain_hash = q;
	}
	b->chain_node[b->nr_chain] = node;
	if (hash)
		memcpy(b->chain_hash + b->nr_chain * XST_NSEC3_HASH_LEN, hash, XST_NSEC3_HASH_LEN);
	else
		memset(b->chain_hash + b->nr_chain * XST_NSEC3_HASH_LEN, 0, XST_NSEC3_HASH_LEN);
	b->nr_chain++;
	return 0;
}

/* An NSEC3 RR made with the zone's parameters (NSD nsec3_rr_uses_params()). */
static int n3_uses(const struct bzone *z, const struct xst_rr *rr)
{
	const uint8_t *r = rr->rdata;

	return rr->rdlen >= 5 && r[0] == 1 && xst_get_be16(r + 2) == z->iterations &&
	       r[4] == z->salt_len && rr->rdlen >= 5u + r[4] && !memcmp(r + 5, z->salt, r[4]);
}

/* The NSEC3 bitmap has SOA (NSD nsec3_has_soa()). */
static int n3_has_soa(const struct xst_rr *rr)
{
	const uint8_t *r = rr->rdata;
	size_t o;

	if (rr->rdlen < 5 || rr->rdlen < 6u + r[4])
		return 0;
	o = 5u + r[4];			/* hash length */
	if (rr->rdlen < o + 1 + r[o])
		return 0;
	o += 1u + r[o];			/* bitmap */
	return rr->rdlen >= o + 3 && r[o] == 0 && (r[o + 2] & 0x02);
}

/* NSD nsec3 chain of zone z with its current parameters; 0 and the chain
 * kept when hash(apex) has an NSEC3 with SOA (check_apex_soa()), else 1. */
static int n3_chain(struct builder *b, unsigned int zi, const struct cand *c, size_t nc)
{
	struct bzone *z = &b->zones[zi];
	struct n3ent *e = NULL;
	size_t nr = 0, cap = 0, i;
	uint32_t k, apex_e;
	int ret = 1, exact;

	for (i = 0; i < nc; i++) {
		const struct bnode *n;
		const struct bset *s;
		const uint8_t *nm;
		uint32_t j;

		if (c[i].type != XST_TD_NSEC3)
			continue;
		k = c[i].node;
		n = &b->nodes[k];
		s = bset_find(n, zi, XST_TD_NSEC3);
		nm = node_name(b, n);
		if (!s)
			continue;
		for (j = 0; j < s->nr && !n3_uses(z, s->rrs[j]); j++)
			;
		if (j == s->nr)
			continue;
		if (grow(b, (void **)&e, &cap, nr + 1, sizeof(*e))) {
			free(e);
			return -ENOMEM;
		}
		if (xst_nsec3_unb32(nm + 1, nm[0], e[nr].hash))
			memset(e[nr].hash, 0, sizeof(e[nr].hash));
		e[nr++].node = k;
	}
	if (nr)
		qsort(e, nr, sizeof(*e), cmp_n3ent);
	z->chain_first = (uint32_t)b->nr_chain;
	for (i = 0; i < nr; i++)
		if (chain_push(b, e[i].node, e[i].hash)) {
			free(e);
			return -ENOMEM;
		}
	z->chain_nr = (uint32_t)nr;
	free(e);
	apex_e = n3_hash_find(b, zi, node_name(b, &b->nodes[z->apex]), b->nodes[z->apex].len, &exact);
	if (apex_e != XST_DNS_NONE && exact) {
		const struct bset *s = bset_find(&b->nodes[b->chain_node[apex_e]], zi, XST_TD_NSEC3);

		for (k = 0; s && k < s->nr; k++)
			if (n3_uses(z, s->rrs[k]) && n3_has_soa(s->rrs[k]))
				ret = 0;
	}
	if (ret) {
		b->nr_chain = z->chain_first;
		z->chain_nr = 0;
	}
	return ret;
}

/* NSD nsec3_precompile_domain() and _ds() for the names of NSEC3 zones. */
static void n3_precompile(struct builder *b)
{
	uint32_t k;

	for (k = 0; k < b->nr; k++) {
		const struct bnode *n = &b->nodes[k];
		const uint8_t *nm = node_name(b, n);
		uint32_t par, e;
		unsigned int zi = n->zone;
		int exact;

		if (b->only3[k] || zi == XST_DNS_NOZONE)
			continue;
		if (b->zones[zi].nsec3 && find_cut(b, nm, n->len, zi) == XST_DNS_NONE) {
			e = n3_hash_find(b, zi, nm, n->len, &exact);
			b->n3c[k] = e;
			if (exact)
				b->n3x[k] |= N3_EXACT;
			if (n->len + 2u <= XST_DNAME_MAX) {
				uint8_t w[XST_DNAME_MAX];

				w[0] = 1;
				w[1] = '*';
				memcpy(w + 2, nm, n->len);
				b->n3w[k] = n3_hash_find(b, zi, w, n->len + 2u, &exact);
			}
		}
		/* a delegation (DS or NS) of the zone above, NSEC3-signed */
		par = parent_of(b, k);
		if (par == XST_DNS_NONE || (zi = b->nodes[par].zone) == XST_DNS_NOZONE ||
		    !b->zones[zi].nsec3 || k == b->zones[zi].apex ||
		    (!bset_find(n, zi, XST_T_DS) && !bset_find(n, zi, XST_T_NS)))
			continue;
		b->n3d[k] = n3_hash_find(b, zi, nm, n->len, &exact);
		if (exact)
			b->n3x[k] |= N3_DS_EXACT;
	}
}

/*
 * RFC 9276: every DO=1 query whose proof depends on the query name hashes
 * a name iterations + 1 times (per query: 65535 took 0.14 s of SHA-1 on the
 * 2-core test VM, under load).
 * NSD 4.6.1 loads and serves any count without a word; we do too (the same
 * answers), and say so once per zone at the NSEC3PARAM in use.
 */
static void n3_iter_warn(const struct xst_rr *rr, unsigned int iterations)
{
	if (!iterations)
		return;
	pr_warn("%s:%u: NSEC3PARAM iterations %u: RFC 9276 advises 0 (each DO=1 query "
		"needing a proof for its name hashes it %u times)%s\n",
		rr->file ? rr->file : "zone", (unsigned int)rr->line, iterations, iterations + 1,
		iterations > 150 ? "; above 150 validators treat the zone as insecure "
				   "(RFC 9276 3.2)" : "");
}

/*
 * What the DO=1 forms need, after the zones are loaded: which zones are
 * signed (NSD: an RRSIG over the apex DNSKEY) and which deny with NSEC3
 * (the first NSEC3PARAM with SHA-1 and no flags whose chain holds the apex),
 * the chains sorted, each RRset's RRSIGs, and the names that own only NSEC3.
 */
static int dnssec_prepare(struct builder *b)
{
	struct cand *c = NULL;
	size_t i, k, cap = 0, nc = 0, capc = 0, ci = 0;
	int ret;

	b->only3 = calloc(b->nr ? b->nr : 1, 1);
	if (!b->only3)
		return -ENOMEM;
	for (k = 0; k < b->nr; k++) {
		const struct bnode *n = &b->nodes[k];
		int has3 = 0, other = 0;
		uint32_t j;

		for (j = 0; j < n->nr_sets; j++) {
			if (n->sets[j].type == XST_TD_NSEC || n->sets[j].type == XST_TD_NSEC3) {
				if (grow(b, (void **)&c, &capc, nc + 1, sizeof(*c))) {
					free(c);
					return -ENOMEM;
				}
				c[nc].node = (uint32_t)k;
				c[nc].zone = n->sets[j].zone;
				c[nc++].type = n->sets[j].type;
			}
			if (n->sets[j].zone != n->zone)
				continue;
			if (n->sets[j].type == XST_TD_NSEC3)
				has3 = 1;
			else if (n->sets[j].type != XST_TD_RRSIG)
				other = 1;
		}
		b->only3[k] = (uint8_t)(has3 && !other);
	}
	if (nc)
		qsort(c, nc, sizeof(*c), cmp_cand);
	for (i = 0; i < b->nr_zones; i++) {
		struct bzone *z = &b->zones[i];
		const struct bnode *apex = &b->nodes[z->apex];
		const struct bset *s = bset_find(apex, (unsigned int)i, XST_TD_RRSIG);
		size_t c0, c1;
		uint32_t j;

		while (ci < nc && c[ci].zone < i)
			ci++;
		for (c0 = c1 = ci; c1 < nc && c[c1].zone == i; c1++)
			;
		for (j = 0; s && j < s->nr; j++)
			if (sig_covered(s->rrs[j]) == XST_TD_DNSKEY)
				z->secure = 1;
		s = bset_find(apex, (unsigned int)i, XST_TD_NSEC3PARAM);
		for (j = 0; s && j < s->nr && !z->nsec3; j++) {
			const struct xst_rr *rr = s->rrs[j];

			if (rr->rdlen < 5 || rr->rdata[0] != 1 || rr->rdata[1] != 0 ||
			    rr->rdlen < 5u + rr->rdata[4])
				continue;
			z->iterations = xst_get_be16(rr->rdata + 2);
			z->salt_len = rr->rdata[4];
			memcpy(z->salt, rr->rdata + 5, z->salt_len);
			ret = n3_chain(b, (unsigned int)i, c + c0, c1 - c0);
			if (ret < 0) {
				free(c);
				return ret;
			}
			z->nsec3 = !ret;
			if (z->nsec3)
				n3_iter_warn(rr, z->iterations);
		}
		if (!z->nsec3) {
			z->chain_first = (uint32_t)b->nr_chain;
			for (k = c0; k < c1; k++)
				if (c[k].type == XST_TD_NSEC && chain_push(b, c[k].node, NULL)) {
					free(c);
					return -ENOMEM;
				}
			z->chain_nr = (uint32_t)(b->nr_chain - z->chain_first);
			sort_b = b;
			if (z->chain_nr)
				qsort(b->chain_node + z->chain_first, z->chain_nr,
				      sizeof(uint32_t), cmp_canon_node);
		}
		b->any_dnssec |= z->secure || z->nsec3;
	}
	free(c);
	if (!b->any_dnssec)
		return 0;
	b->n3c = malloc(b->nr * sizeof(uint32_t));
	b->n3w = malloc(b->nr * sizeof(uint32_t));
	b->n3d = malloc(b->nr * sizeof(uint32_t));
	b->n3x = calloc(b->nr, 1);
	if (!b->n3c || !b->n3w || !b->n3d || !b->n3x)
		return -ENOMEM;
	for (k = 0; k < b->nr; k++)
		b->n3c[k] = b->n3w[k] = b->n3d[k] = XST_DNS_NONE;
	n3_precompile(b);
	for (k = 0; k < b->nr; k++) {
		const struct bnode *n = &b->nodes[k];
		uint32_t j;

		for (j = 0; j < n->nr_sets; j++) {
			const struct bset *sig;

			if (n->sets[j].type == XST_TD_RRSIG ||
			    !(sig = bset_find(n, n->sets[j].zone, XST_TD_RRSIG)))
				continue;
			if (grow(b, (void **)&b->sigmap, &cap, b->nr_sigmap + 1, sizeof(*b->sigmap)))
				return -ENOMEM;
			b->sigmap[b->nr_sigmap].set = &n->sets[j];
			b->sigmap[b->nr_sigmap++].sig = sig;
		}
	}
	if (b->nr_sigmap)
		qsort(b->sigmap, b->nr_sigmap, sizeof(*b->sigmap), cmp_sigmap);
	return 0;
}

/* The RRset table index, in the form encode() just made, of chain entry
 * e's RRset when it comes after the placeholder (NSD keeps an RRset where
 * it was first added: the responder moves it there when the query name's
 * denial is e), else XST_DINS_STAY. */
static uint16_t have_set(const struct builder *b, uint32_t e, int zone)
{
	const struct bset *set = bset_find(&b->nodes[b->chain_node[e]], (unsigned int)zone,
					   b->zones[zone].nsec3 ? XST_TD_NSEC3 : XST_TD_NSEC);
	size_t i, k;

	for (i = b->ins_set; set && i < b->nr_sets; i++) {
		size_t start = i ? b->sets[i - 1].end : 0, end = b->sets[i].end;

		if (b->set_src[i] != set || b->sets[i].section != XST_SEC_AUTHORITY ||
		    (b->sets[i].flags & XST_FSET_OVER))
			continue;
		/* The responder aims pointers into this copy at the chunk,
		 * whose owner may be written otherwise (a pointer here, labels
		 * there): only a pointer to the owner, offset 0, lands alike. */
		for (k = 0; k < b->nr_ptrs; k++) {
			size_t p = b->ptrs[k], v;

			if (p >= start && p < end)
				continue;
			v = xst_get_be16(b->buf + b->ref_qend + p) & 0x3fffu;
			if (v >= b->ref_qend && v - b->ref_qend > start && v - b->ref_qend < end)
				return XST_DINS_STAY;
		}
		return (uint16_t)i;
	}
	return XST_DINS_STAY;
}

/* Zone of chain entry e. */
static unsigned int chain_zone(const struct builder *b, uint32_t e)
{
	unsigned int z;

	for (z = 0; z < b->nr_zones; z++)
		if (e >= b->zones[z].chain_first && e < b->zones[z].chain_first + b->zones[z].chain_nr)
			break;
	return z;
}

/*
 * Item of a, an NSEC3 RRset of the chain, that the responder can insert
 * from its chunk (XST_DINS_FIXED) rather than the form holding it: the
 * chunk holds the same bytes (owner: hash label, pointer to the apex in
 * the question; then its RRSIGs). Then the forms of many names are one
 * (NODATA: SOA, its RRSIG, the place of the name's NSEC3). Only for a zone
 * whose apex ends every qname the form serves (the last guar bytes of
 * ref): not one a CNAME led to. -1 if none.
 */
static int fixed_item(const struct builder *b, const struct ans *a, const uint8_t *ref,
		      size_t ref_len, size_t guar, uint32_t *entry, unsigned int *zone)
{
	int k;

	if (a->has_ph || !b->dsec)
		return -1;
	for (k = 0; k < a->nr_have; k++) {
		uint32_t e = a->have[k];
		unsigned int z;

		if (a->have_it[k] < 0 || e >= b->nr_chain)
			continue;
		z = chain_zone(b, e);
		if (z >= b->nr_zones || !b->zones[z].nsec3 ||
		    !name_under(ref, ref_len, node_name(b, &b->nodes[b->zones[z].apex]),
				b->nodes[b->zones[z].apex].len) ||
		    b->nodes[b->zones[z].apex].len > guar ||
		    !xst_get_be16(b->dsec->chunks + b->dsec->chunk[e] + 2))
			continue;	/* an NSEC3 RRset too big for a chunk: in the form */
		*entry = e;
		*zone = z;
		return a->have_it[k];
	}
	return -1;
}

/* encode() for a DO=1 answer: a plain form, or an insertion record for the
 * qname's denial RRset (XST_DO_INS | index), or for a chain entry taken
 * out of the form (fixed_item()). */
static uint32_t do_encode(struct builder *b, struct ans *a, const uint8_t *ref,
			  size_t ref_len, size_t guar, int p12)
{
	const struct bset *held = NULL;
	struct xst_dns_dins *in;
	uint32_t f, e = XST_DNS_NONE;
	unsigned int zone = 0;
	int i, fx = fixed_item(b, a, ref, ref_len, guar, &e, &zone);

	if (fx >= 0) {
		/* encode() leaves the place of an item without RRset empty */
		held = a->it[fx].set;
		a->it[fx].set = NULL;
	}
	f = encode(b, a, ref, ref_len, guar, p12, -1);
	if (fx >= 0)
		a->it[fx].set = held;
	if (fx >= 0 && f != XST_DNS_NONE && b->ins_at < 0) {
		/* the place was not written (a form of MAX_SETS RRsets): the
		 * RRset stays in the form */
		fx = -1;
		f = encode(b, a, ref, ref_len, guar, p12, -1);
	}
	if (f == XST_DNS_NONE || (!a->has_ph && fx < 0) || b->ins_at < 0)
		return f;
	if (grow(b, (void **)&b->ins, &b->cap_ins, b->nr_ins + 1, sizeof(*b->ins)))
		return XST_DNS_NONE;
	in = &b->ins[b->nr_ins];
	memset(in, 0, sizeof(*in));
	in->form = f;
	in->at = (uint16_t)b->ins_at;
	in->set = (uint16_t)b->ins_set;
	if (fx >= 0) {
		in->zone = (uint16_t)zone;
		in->how = XST_DINS_FIXED;
		in->have[0] = e;
	} else {
		in->zone = (uint16_t)a->ph_zone;
		in->how = (uint8_t)a->ph_how;
		for (i = 0; i < a->nr_have; i++)
			if (b->chain_node && a->have[i] >= b->zones[a->ph_zone].chain_first &&
			    a->have[i] < b->zones[a->ph_zone].chain_first +
					 b->zones[a->ph_zone].chain_nr) {
				in->have_set[in->nr_have] = have_set(b, a->have[i], a->ph_zone);
				in->have[in->nr_have++] = a->have[i];
			}
	}
	/* the same record as the last one (a name's qtypes that answer alike):
	 * records are never changed, so one serves both */
	if (b->nr_ins && !memcmp(in - 1, in, sizeof(*in)))
		return XST_DO_INS | (uint32_t)(b->nr_ins - 1);
	return XST_DO_INS | (uint32_t)b->nr_ins++;
}

/* The qtypes that can change the answer at a name: build_forms()'s rule. */
static int answer_types(const struct builder *b, const struct ans *a, const struct xst_dns_db *db,
			uint32_t node, uint16_t *types)
{
	int nr = 0, k, d;
	uint32_t s, t;

	types[nr++] = XST_T_DS;
	types[nr++] = XST_T_CNAME;
	types[nr++] = XST_TD_NSEC3;	/* never an answer: NODATA, not the CNAME (NSD) */
	for (t = 0; node != XST_DNS_NONE && t < db->nodes[node].nr_types; t++) {
		uint16_t ty = b->tforms[db->nodes[node].types + t].type;

		for (d = 0; d < nr && types[d] != ty; d++)
			;
		if (d == nr && nr < MAX_TYPES - 1)
			types[nr++] = ty;
	}
	for (k = 0; k < a->nr_touched; k++) {
		const struct bnode *tn = &b->nodes[a->touched[k]];

		for (s = 0; s < tn->nr_sets; s++) {
			for (d = 0; d < nr && types[d] != tn->sets[s].type; d++)
				;
			if (d == nr && nr < MAX_TYPES - 1)
				types[nr++] = tn->sets[s].type;
		}
	}
	/* ANY last: its answer may be one of the forms before (any_ref()) */
	for (d = 0; d < nr && types[d] != XST_T_ANY; d++)
		;
	if (d == nr)
		types[nr++] = XST_T_ANY;
	return nr;
}

/* The apex of an unsigned zone whose parent zone is signed: its DS is the
 * parent's (lookup()), denied there with DO=1 by the parent's chain. */
static int apex_below_signed(const struct builder *b, const struct bnode *n)
{
	const struct bzone *p;

	if (n->apex_of < 0 || b->zones[n->apex_of].parent < 0)
		return 0;
	p = &b->zones[b->zones[n->apex_of].parent];
	return p->secure || p->nsec3;
}

/* same_ans() for DO=1 answers, where the place of the qname's denial is an
 * item without owner: also the RRSIGs each RRset carries and whether its
 * owner is written as itself. */
static int do_same(const struct builder *b, const struct ans *a)
{
	const struct ans *d = b->ans_dflt;
	int k;

	if (a->n != d->n || a->rcode != d->rcode || a->aa != d->aa || a->aa_any != d->aa_any ||
	    a->referral != d->referral)
		return 0;
	for (k = 0; k < a->n; k++) {
		const struct item *x = &a->it[k], *y = &d->it[k];

		if (x->set != y->set || x->sig != y->sig || x->literal != y->literal ||
		    x->section != y->section || x->flags != y->flags || x->neg != y->neg ||
		    x->owner_len != y->owner_len || x->ident_len != y->ident_len ||
		    (x->owner_len && memcmp(x->owner, y->owner, x->owner_len)) ||
		    (x->ident_len && memcmp(x->ident, y->ident, x->ident_len)))
			return 0;
	}
	return 1;
}

/* The forms of one name for every qtype (into b->tforms from *first). */
static int do_forms(struct builder *b, struct xst_dns_db *db, uint32_t node, uint32_t ce,
		    const uint8_t *name, size_t len, size_t guar, int p12, uint32_t *dflt,
		    uint32_t *first, uint16_t *nr)
{
	struct ans *a = b->ans;
	uint16_t types[MAX_TYPES];
	int nr_types, k, kept;

	a->dnssec = 1;
	a->absent = ce != XST_DNS_NONE;
	a->absent_ce = ce;
	resolve(b, a, name, len, QTYPE_NONE);
	*dflt = do_encode(b, a, name, len, guar, p12);
	if (*dflt == XST_DNS_NONE)
		return -ENOMEM;
	kept = keep_dflt(b, a);
	nr_types = answer_types(b, a, db, node, types);
	*first = (uint32_t)b->nr_tforms;
	*nr = 0;
	for (k = 0; k < nr_types; k++) {
		uint32_t f;

		resolve(b, a, name, len, types[k]);
		if (kept && do_same(b, a))
			continue;	/* answers as the default: not encoded */
		f = do_encode(b, a, name, len, guar, p12);
		if (f == XST_DNS_NONE)
			return -ENOMEM;
		if (!(f & XST_DO_INS) && !(*dflt & XST_DO_INS))
			f = dedup_last(b, f, *dflt);
		else if ((f & XST_DO_INS) && (*dflt & XST_DO_INS) &&
			 !memcmp(&b->ins[f & ~XST_DO_INS], &b->ins[*dflt & ~XST_DO_INS],
				 sizeof(*b->ins))) {
			if ((f & ~XST_DO_INS) == b->nr_ins - 1 && f != *dflt)
				b->nr_ins--;
			f = *dflt;
		}
		if (f == *dflt)
			continue;
		if (types[k] == XST_T_ANY)
			f = any_ref(b, f, *first);
		else if (!(f & XST_DO_INS))
			f = tail_split(b, f);
		if (add_tform(b, types[k], f))
			return -ENOMEM;
		(*nr)++;
	}
	return 0;
}

/* Appends one RR to a chunk's RRs at rr_out[pos..): the owner a pointer to
 * the first RR's owner (offset 0), or for the first its labels above the
 * apex, then the apex as a pointer for the responder to aim at the apex in
 * the question; the pointer's place goes into the table. */
static size_t chunk_rr(uint8_t *table, uint8_t *rr_out, size_t pos, const uint8_t *owner,
		       size_t owner_len, size_t apex_len, const struct xst_rr *rr, uint32_t ttl,
		       uint16_t *nr_ptr)
{
	if (*nr_ptr) {
		xst_put_be16(table + 2 * *nr_ptr, (uint16_t)pos);
		xst_put_be16(rr_out + pos, 0xc000);
	} else {
		memcpy(rr_out + pos, owner, owner_len - apex_len);
		pos += owner_len - apex_len;
		xst_put_be16(table, (uint16_t)pos);
		xst_put_be16(rr_out + pos, XST_DINS_APEX);
	}
	pos += 2;
	(*nr_ptr)++;
	xst_put_be16(rr_out + pos, rr->type);
	xst_put_be16(rr_out + pos + 2, XST_C_IN);
	xst_put_be32(rr_out + pos + 4, ttl);
	xst_put_be16(rr_out + pos + 8, rr->rdlen);
	memcpy(rr_out + pos + 10, rr->rdata, rr->rdlen);
	return pos + 10 + rr->rdlen;
}

/*
 * Pre-encoded chain entries (format in db_priv.h): the NSEC/NSEC3 RRset
 * and its RRSIGs, compressed as NSD would against the apex in the question
 * (always there: the qname is in the zone) and the entry's own owner.
 */
static int encode_chunks(struct builder *b, struct xst_dns_dsec *d)
{
	size_t cap = 0, e;

	d->chunk = malloc((b->nr_chain ? b->nr_chain : 1) * sizeof(*d->chunk));
	if (!d->chunk)
		return -ENOMEM;
	for (e = 0; e < b->nr_chain; e++) {
		unsigned int zone;
		const struct bnode *n = &b->nodes[b->chain_node[e]];
		const struct bset *set, *sig;
		uint32_t j, nr, nsig = 0;
		uint16_t nr_ptr = 0;
		size_t apex_len, pos = 0, size, hdr;
		uint8_t *o;

		for (zone = 0; zone < b->nr_zones; zone++)
			if (e >= b->zones[zone].chain_first &&
			    e < b->zones[zone].chain_first + b->zones[zone].chain_nr)
				break;
		apex_len = b->nodes[b->zones[zone].apex].len;
		set = bset_find(n, zone, b->zones[zone].nsec3 ? XST_TD_NSEC3 : XST_TD_NSEC);
		sig = set && b->zones[zone].secure ? sig_of(b, set) : NULL;
		nr = set ? set->nr : 0;
		for (j = 0; sig && j < sig->nr; j++)
			nsig += sig_covered(sig->rrs[j]) == set->type;
		size = 0;
		for (j = 0; j < nr; j++)
			size += n->len + 10u + set->rrs[j]->rdlen;
		for (j = 0; sig && j < sig->nr; j++)
			size += n->len + 10u + sig->rrs[j]->rdlen;
		if (size > 16384)	/* not a sane denial RRset: left out */
			nr = nsig = 0;
		hdr = XST_DINS_CHUNK_HDR + 2 * (nr + nsig);
		if (grow(b, (void **)&d->chunks, &cap, d->chunks_len + hdr + size, 1))
			return -ENOMEM;
		o = d->chunks + d->chunks_len;
		for (j = 0; j < nr; j++)
			pos = chunk_rr(o + XST_DINS_CHUNK_HDR, o + hdr, pos, set->rrs[0]->owner,
				       n->len, apex_len, set->rrs[j], set->rrs[j]->ttl, &nr_ptr);
		for (j = 0; nr && sig && j < sig->nr; j++)
			if (sig_covered(sig->rrs[j]) == set->type)
				pos = chunk_rr(o + XST_DINS_CHUNK_HDR, o + hdr, pos,
					       set->rrs[0]->owner, n->len, apex_len, sig->rrs[j],
					       sig->rrs[j]->ttl, &nr_ptr);
		xst_put_be16(o, (uint16_t)pos);
		xst_put_be16(o + 2, (uint16_t)(nr + nsig));
		xst_put_be16(o + 4, nr_ptr);
		d->chunk[e] = (uint32_t)d->chunks_len;
		d->chunks_len += hdr + pos;
	}
	return 0;
}

/* ---- DO=1 forms of DNAMEs and of wildcards that own NS ----------------------- */

static int zone_signed(const struct builder *b, unsigned int zone)
{
	return b->zones[zone].secure || b->zones[zone].nsec3;
}

/* dname_form() with DO=1 (NSD add_rrset() of the DNAME: its RRSIGs go
 * along; the CNAME dname.c makes is unsigned): into dn->below. */
static int dname_do_form(struct builder *b, struct xst_dns_dnode *dn, uint32_t idx)
{
	struct ans *a = b->ans;
	const struct bnode *n = &b->nodes[idx];
	const struct bset *d = bset_find(n, n->zone, T_DNAME);
	uint32_t f;

	if (!zone_signed(b, n->zone))
		return 0;	/* the plain form, already there */
	a->dnssec = 1;
	a->absent = 0;
	ans_reset(a, QTYPE_NONE, XST_RCODE_NOERROR, 1);
	add_rrset(b, a, XST_SEC_ANSWER, d->rrs[0]->owner, n->len, d, n->zone, 0);
	f = encode(b, a, node_name(b, n), n->len, n->len, 0, XST_KIND_ANSWER);
	if (f == XST_DNS_NONE)
		return -ENOMEM;
	dn->below = f;
	return 0;
}

/* wild_cut_referral() with DO=1: the DS, or the proof there is none, of
 * the cut at the wildcard's own name, as any referral (NSD). */
static uint32_t wild_cut_do_referral(struct builder *b, uint32_t cut)
{
	struct ans *a = b->ans;
	const struct bnode *c = &b->nodes[cut];

	a->dnssec = 1;
	a->absent = 0;
	resolve(b, a, node_name(b, c), c->len, QTYPE_NONE);
	return do_encode(b, a, node_name(b, c), c->len, c->len, 0);
}

/*
 * The DO=1 forms a wildcard that owns NS serves for the names it matches
 * (node i past b->nr, made by build_forms()): as its plain ones there
 * (lookup_as_wild(): the NS are data), with the RRSIGs and the wildcard
 * proofs of deny_absent(), the query name's own denial left to the
 * responder as for any wildcard answer. A zone without DNSSEC data keeps
 * the plain forms.
 */
static int wild_cut_do_forms(struct builder *b, struct xst_dns_db *db, size_t i)
{
	const struct xst_dns_node *out = &db->nodes[i];
	struct xst_dns_dnode *dn = &db->dsec->nodes[i];
	struct ans *a = b->ans;
	const uint8_t *name = b->names + out->name;
	size_t len = out->name_len;
	uint16_t types[MAX_TYPES];
	uint32_t w, ce;
	int nr_types, k;

	dn->types = out->types;
	dn->nr_types = out->nr_types;
	dn->dflt = out->dflt;
	dn->below = out->below;
	dn->wtypes = dn->wdflt = XST_DNS_NONE;
	w = bfind(b, name, len);
	if (out->zone == XST_DNS_NOZONE || !zone_signed(b, out->zone) || w == XST_DNS_NONE ||
	    (ce = parent_of(b, w)) == XST_DNS_NONE)
		return 0;
	a->dnssec = 1;
	a->absent = 1;
	a->absent_ce = ce;
	a->as_wild = 1;
	resolve(b, a, name, len, QTYPE_NONE);
	dn->dflt = do_encode(b, a, name, len, len - 2u, 1);
	if (dn->dflt == XST_DNS_NONE)
		return -ENOMEM;
	nr_types = answer_types(b, a, db, (uint32_t)i, types);
	dn->types = (uint32_t)b->nr_tforms;
	dn->nr_types = 0;
	for (k = 0; k < nr_types; k++) {
		uint32_t f;

		a->as_wild = 1;
		resolve(b, a, name, len, types[k]);
		f = do_encode(b, a, name, len, len - 2u, 1);
		if (f == XST_DNS_NONE)
			return -ENOMEM;
		if (!(f & XST_DO_INS) && !(dn->dflt & XST_DO_INS))
			f = dedup_last(b, f, dn->dflt);
		if (f == dn->dflt)
			continue;
		if (add_tform(b, types[k], f))
			return -ENOMEM;
		dn->nr_types++;
	}
	return 0;
}

/*
 * The DO=1 forms (db->dsec), after build_forms(): for every name of a zone
 * with DNSSEC data, its own forms, and those of absent names below it
 * (NXDOMAIN or synthesised from its "*" child). Names of zones without it
 * share their plain forms. Nothing when no zone has DNSSEC data.
 */
/* A name that owns only NSEC3 right below a DNAME's owner: it answers with
 * the DNAME, as an absent name there (RFC 5155 7.2.8, NSD). */
static int only3_below_dname(const struct builder *b, const struct xst_dns_db *db, size_t i)
{
	uint32_t p = parent_of(b, (uint32_t)i);

	return b->only3[i] && p != XST_DNS_NONE && db->nodes[p].wild == XST_DNS_DNAME;
}

static int build_do(struct builder *b, struct xst_dns_db *db)
{
	struct xst_dns_dsec *d;
	size_t i;
	int ret;

	if (!b->any_dnssec)
		return 0;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	db->dsec = d;
	/* every node, the wildcard-cut ones past b->nr included (they keep
	 * their plain forms: see below) */
	d->nodes = calloc(db->nr_nodes ? db->nr_nodes : 1, sizeof(*d->nodes));
	d->zones = calloc(b->nr_zones ? b->nr_zones : 1, sizeof(*d->zones));
	d->key = malloc((b->nr_chain ? b->nr_chain : 1) * sizeof(*d->key));
	d->hash = malloc((b->nr_chain ? b->nr_chain : 1) * XST_NSEC3_HASH_LEN);
	if (!d->nodes || !d->zones || !d->key || !d->hash)
		return -ENOMEM;
	if (b->nr_chain)
		memcpy(d->key, b->chain_node, b->nr_chain * sizeof(*d->key));
	if (b->nr_chain)
		memcpy(d->hash, b->chain_hash, b->nr_chain * XST_NSEC3_HASH_LEN);
	d->nr_chain = b->nr_chain;
	for (i = 0; i < b->nr_zones; i++) {
		const struct bzone *z = &b->zones[i];
		struct xst_dns_dzone *o = &d->zones[i];

		o->first = z->chain_first;
		o->nr = z->chain_nr;
		o->kind = z->nsec3 ? 2 : z->secure ? 1 : 0;
		o->salt_len = z->salt_len;
		o->iterations = z->iterations;
		memcpy(o->salt, z->salt, z->salt_len);
	}
	ret = encode_chunks(b, d);
	if (ret)
		return ret;
	b->dsec = d;	/* do_encode() takes chain entries from the chunks */
	for (i = 0; i < b->nr; i++) {
		const struct bnode *n = &b->nodes[i];
		const struct xst_dns_node *out = &db->nodes[i];
		struct xst_dns_dnode *dn = &d->nodes[i];
		const uint8_t *name = node_name(b, n);
		int wild = n->len >= 2 && name[0] == 1 && name[1] == '*';

		dn->types = out->types;
		dn->nr_types = out->nr_types;
		dn->dflt = out->dflt;
		dn->below = out->below;
		dn->wtypes = dn->wdflt = XST_DNS_NONE;
		/* names that own only NSEC3 take their parent's forms (below),
		 * except below a DNAME (the DNAME answer made for the name, with
		 * its RRSIGs here); in a zone without DNSSEC data only a CNAME
		 * can lead to RRSIGs (a chain into a signed zone) */
		if (n->zone == XST_DNS_NOZONE || (b->only3[i] && !only3_below_dname(b, db, i)) ||
		    (!(b->zones[n->zone].secure || b->zones[n->zone].nsec3) &&
		     !bset_find(n, n->zone, XST_T_CNAME) && !apex_below_signed(b, n)))
			continue;
		ret = do_forms(b, db, (uint32_t)i, XST_DNS_NONE, name, n->len,
			       wild ? n->len - 2u : n->len, wild, &dn->dflt, &dn->types,
			       &dn->nr_types);
		if (ret)
			return ret;
	}
	/* The forms a wildcard that owns NS serves for the names it matches
	 * (nodes past b->nr, in no hash slot). */
	for (i = b->nr; i < db->nr_nodes; i++)
		if ((ret = wild_cut_do_forms(b, db, i)))
			return ret;
	for (i = 0; i < b->nr; i++) {
		const struct bnode *n = &b->nodes[i];
		const struct xst_dns_node *out = &db->nodes[i];
		struct xst_dns_dnode *dn = &d->nodes[i];
		uint32_t cut;

		if (n->zone == XST_DNS_NOZONE)
			continue;
		/* below a DNAME: the DNAME and its RRSIGs, dname.c the rest */
		if (out->wild == XST_DNS_DNAME) {
			if ((ret = dname_do_form(b, dn, (uint32_t)i)))
				return ret;
			continue;
		}
		if (!(b->zones[n->zone].secure || b->zones[n->zone].nsec3) ||
		    (out->wild != XST_DNS_NONE && out->wild >= b->nr)) {
			if (out->wild != XST_DNS_NONE) {
				dn->wdflt = d->nodes[out->wild].dflt;
				dn->wtypes = d->nodes[out->wild].types;
				dn->nr_wtypes = d->nodes[out->wild].nr_types;
			}
			continue;
		}
		cut = find_cut(b, node_name(b, n), n->len, n->zone);
		if (cut != XST_DNS_NONE) {
			dn->below = wild_cut(b, cut) ? wild_cut_do_referral(b, cut) :
				    below_cut(b, i, cut, d->nodes[cut].dflt, dn->dflt, 1);
			ret = dn->below == XST_DNS_NONE ? -ENOMEM : 0;
		} else if (out->wild != XST_DNS_NONE) {
			const struct bnode *w = &b->nodes[out->wild];

			ret = do_forms(b, db, out->wild, (uint32_t)i, node_name(b, w), w->len,
				       w->len - 2u, 1, &dn->wdflt, &dn->wtypes, &dn->nr_wtypes);
		} else {
			struct ans *a = b->ans;

			/* NXDOMAIN: the same for every qtype */
			a->dnssec = 1;
			a->absent = 1;
			a->absent_ce = (uint32_t)i;
			resolve(b, a, node_name(b, n), n->len, QTYPE_NONE);
			dn->below = do_encode(b, a, node_name(b, n), n->len, n->len, 0);
			ret = dn->below == XST_DNS_NONE ? -ENOMEM : 0;
		}
		if (ret)
			return ret;
	}
	for (i = 0; i < b->nr; i++) {
		struct xst_dns_dnode *dn = &d->nodes[i], *dp;
		uint32_t p;

		if (!b->only3[i] || (p = parent_of(b, (uint32_t)i)) == XST_DNS_NONE ||
		    db->nodes[p].zone == XST_DNS_NOZONE || db->nodes[p].wild == XST_DNS_DNAME)
			continue;
		dp = &d->nodes[p];
		if (dp->wdflt != XST_DNS_NONE) {
			dn->dflt = dp->wdflt;
			dn->types = dp->wtypes;
			dn->nr_types = dp->nr_wtypes;
		} else {
			dn->dflt = dp->below;
			dn->nr_types = 0;
		}
	}
	d->ins = b->ins;
	b->ins = NULL;
	d->nr_ins = b->nr_ins;
	return 0;
}

/* "name TYPE" of a (node, qtype) for xst_dns_db_big(); db->names is set. */
static void big_example(const struct xst_dns_db *db, uint32_t node, uint16_t qtype, char *out)
{
	const struct xst_dns_node *n = &db->nodes[node];
	char name[XST_DNS_BIG_EXAMPLE], tb[12];

	if (xst_dname_to_text(db->names + n->name, n->name_len, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "(a long name)");
	snprintf(out, XST_DNS_BIG_EXAMPLE, "%.*s %s", XST_DNS_BIG_EXAMPLE - 24, name,
		 qtype ? xst_rrtype_to_text(qtype, tb) : "(any type)");
}

/* Gives back the unused end of a table grown by grow_huge(): its mapping
 * is then what xst_dns_db_destroy() unmaps (xst_huge_len(len)). */
static void *trim_huge(void *p, size_t cap, size_t len)
{
	void *q = p ? xst_huge_resize(p, cap, len) : NULL;

	return q ? q : p;	/* shrinking in place does not fail */
}

/*
 * The reason of a build that ran out of memory: what the load held (the
 * parsed zones and the builder) and about how much it needs, extrapolated
 * from the progress of the phase that failed. While nodes and RRsets are
 * made the forms are still to come: counted as twice the parsed zones, the
 * ratio of the benchmark zones (tools/bench/bench-load.sh).
 */
static void nomem_reason(const struct builder *b, struct xst_zone *const *zones, size_t nr,
			 struct xst_zone_error *err)
{
	size_t zbytes = 0, held, need, i;
	char r[sizeof(err->reason)];

	for (i = 0; i < nr; i++)
		zbytes += zones[i]->bytes;
	held = zbytes + b->mem.held;
	need = b->mem.held + b->mem.failed;
	if (b->done && b->done < b->todo)
		need = (size_t)((double)need * (double)b->todo / (double)b->done);
	if (!b->phase)
		need += 2 * zbytes;
	need += zbytes;
	xst_loadmem_reason(r, sizeof(r), held, need);
	set_err(err, NULL, 0, r);
}

int xst_dns_db_create(struct xst_dns_db **out, struct xst_zone *const *zones, size_t nr,
		      struct xst_zone_error *err)
{
	struct builder b;
	struct xst_dns_db *db;
	size_t nslots;
	int ret;

	if (err)
		memset(err, 0, sizeof(*err));
	if (nr >= XST_DNS_NOZONE) {
		set_err(err, NULL, 0, "too many zones");
		return -EINVAL;
	}
	memset(&b, 0, sizeof(b));
	ret = -ENOMEM;
	b.zones = calloc(nr ? nr : 1, sizeof(*b.zones));
	b.ans = calloc(1, sizeof(*b.ans));
	b.ans_dflt = calloc(1, sizeof(*b.ans_dflt));
	b.fcache = calloc(FCACHE, sizeof(*b.fcache));
	b.fresh = XST_DNS_NONE;
	b.buf = malloc(BUF_SIZE);
	b.ptrs = calloc(MAX_PTRS, sizeof(*b.ptrs));
	b.sets = calloc(MAX_SETS, sizeof(*b.sets));
	b.set_src = calloc(MAX_SETS, sizeof(*b.set_src));
	b.dict = calloc(MAX_DICT, sizeof(*b.dict));
	db = calloc(1, sizeof(*db));
	if (!b.zones || !b.ans || !b.ans_dflt || !b.fcache || !b.buf || !b.ptrs || !b.sets ||
	    !b.set_src || !b.dict || !db)
		goto err_free;
	{
		/* A freed db's memory can come back for the next one: what caches
		 * answers must tell databases apart by something that never repeats. */
		static _Atomic uint64_t serials;

		db->serial = atomic_fetch_add(&serials, 1) + 1;
	}

	ret = load_zones(&b, zones, nr, err);
	if (ret)
		goto err_free;
	ret = -ENOMEM;
	{
		size_t k, extra = 0;

		for (k = 0; k < b.nr; k++)
			extra += (size_t)wild_cut(&b, k);
		db->nodes = xst_loadmem_huge(&b.mem, NULL, 0, (b.nr + extra) * sizeof(*db->nodes));
		if (!db->nodes)
			goto err_free;
		db->nr_nodes = b.nr + extra;
	}
	ret = dnssec_prepare(&b);
	if (ret)
		goto err_free;
	ret = build_forms(&b, db);
	if (ret)
		goto err_free;
	ret = build_do(&b, db);
	if (ret)
		goto err_free;

	/* The runtime table: load factor at most 1/2. */
	ret = -ENOMEM;
	for (nslots = 16; nslots < b.nr * 2; nslots *= 2)
		;
	db->slots = xst_loadmem_huge(&b.mem, NULL, 0, nslots * sizeof(*db->slots));
	if (!db->slots)
		goto err_free;
	db->mask = (uint32_t)nslots - 1;
	{
		size_t k;

		for (k = 0; k < b.nr; k++) {
			uint32_t i = db->nodes[k].hash & db->mask;


			while (db->slots[i])
				i = (i + 1) & db->mask;
			db->slots[i] = (uint32_t)k + 1;
		}
	}
	db->names = trim_huge(b.names, b.names_cap, b.names_len);
	b.names = NULL;
	db->names_len = b.names_len;
	db->forms = trim_huge(b.forms, b.forms_cap, b.forms_len);
	b.forms = NULL;
	db->forms_len = b.forms_len;
	db->nr_forms = b.nr_forms;
	db->tforms = trim_huge(b.tforms, b.cap_tforms * sizeof(*b.tforms),
			       b.nr_tforms * sizeof(*b.tforms));
	b.tforms = NULL;
	db->nr_tforms = b.nr_tforms;
	db->tails = b.tails;
	b.tails = NULL;
	db->nr_tails = b.nr_tails;
	/* Built: from now on read at random (dns/hugemem.h). */
	xst_huge_advise(db->slots, ((size_t)db->mask + 1) * sizeof(*db->slots));
	xst_huge_advise(db->nodes, db->nr_nodes * sizeof(*db->nodes));
	xst_huge_advise(db->names, db->names_len);
	xst_huge_advise(db->forms, db->forms_len);
	xst_huge_advise(db->tforms, db->nr_tforms * sizeof(*db->tforms));
	db->nr_zones = nr;
	db->big = b.big;
	if (b.big.udp)
		big_example(db, b.big_udp_node, b.big_udp_type, db->big.udp_example);
	if (b.big.tcp)
		big_example(db, b.big_tcp_node, b.big_tcp_type, db->big.tcp_example);
	db->apex = malloc((nr ? nr : 1) * sizeof(*db->apex));
	if (!db->apex)
		goto err_free;
	{
		size_t k;

		for (k = 0; k < nr; k++)
			db->apex[k] = b.zones[k].apex;
	}
	builder_free(&b);
	xst_dns_db_set_identity(db, NULL);
	{
		size_t bytes;

		xst_dns_db_sizes(db, NULL, NULL, &bytes);
		db->ahead = bytes >= XST_DNS_AHEAD_MIN_BYTES;
	}
	*out = db;
	return 0;

err_free:
	if (ret == -ENOMEM && err)
		nomem_reason(&b, zones, nr, err);
	builder_free(&b);
	xst_dns_db_destroy(db);
	if (ret == -ENOMEM && err && !err->reason[0])
		set_err(err, NULL, 0, "out of memory");
	return ret;
}

void xst_dns_db_destroy(struct xst_dns_db *db)
{
	if (!db)
		return;
	/* the big tables: dns/hugemem.h, sized as xst_dns_db_create() left them */
	if (db->slots)
		xst_huge_free(db->slots, ((size_t)db->mask + 1) * sizeof(*db->slots));
	xst_huge_free(db->nodes, db->nr_nodes * sizeof(*db->nodes));
	xst_huge_free(db->names, db->names_len);
	xst_huge_free(db->tforms, db->nr_tforms * sizeof(*db->tforms));
	xst_huge_free(db->forms, db->forms_len);
	free(db->tails);
	free(db->apex);
	if (db->dsec) {
		free(db->dsec->nodes);
		free(db->dsec->ins);
		free(db->dsec->zones);
		free(db->dsec->key);
		free(db->dsec->hash);
		free(db->dsec->chunk);
		free(db->dsec->chunks);
		free(db->dsec);
	}
	free(db);
}

void xst_dns_db_big(const struct xst_dns_db *db, struct xst_dns_db_big *out)
{
	*out = db->big;
}

uint64_t xst_dns_db_serial(const struct xst_dns_db *db)
{
	return db->serial;
}

void xst_dns_db_sizes(const struct xst_dns_db *db, size_t *names, size_t *messages, size_t *bytes)
{
	if (names)
		*names = db->nr_nodes;
	if (messages)
		*messages = db->nr_forms;
	if (bytes)
		*bytes = db->forms_len + db->names_len + db->nr_nodes * sizeof(*db->nodes) +
			 ((size_t)db->mask + 1) * sizeof(*db->slots) +
			 db->nr_tforms * sizeof(*db->tforms) + db->nr_tails * sizeof(*db->tails);
	if (bytes && db->dsec)
		*bytes += db->nr_nodes * sizeof(*db->dsec->nodes) +
			  db->dsec->nr_ins * sizeof(*db->dsec->ins) +
			  db->dsec->nr_chain * (sizeof(uint32_t) * 2 + XST_NSEC3_HASH_LEN) +
			  db->dsec->chunks_len;
}
