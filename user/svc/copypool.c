// SPDX-License-Identifier: GPL-2.0
/*
 * The copy pool (svc/copypool.h). Entries live in an open-addressing table
 * probed over a fixed window of PROBE slots; a lookup always scans the whole
 * window (it does not stop at a hole), so that an entry can be removed by
 * emptying its slot, with no tombstones. The hashes sit in an array of their
 * own so that a lookup touches one or two cache lines before it finds its
 * entry.
 *
 * Copies are kept per UMEM frame: which slot and which generation of that
 * slot a frame belongs to, and a link for its entry's stack of idle copies.
 * Take pops an idle copy (O(1), however many copies an entry has); the io's
 * done callback pushes it back. An evicted entry releases its idle copies at
 * once and bumps its slot's generation: a copy still busy (in flight, or
 * taken and still in the TX context's queue, which the io knows nothing of)
 * finds its generation stale when it is done, and only then goes back to the
 * io. So no frame is ever freed or reused while a send may still read it.
 */
#include "svc/copypool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/byteorder.h"

#define PROBE		8
#define NONE		UINT32_MAX

struct entry {
	uint64_t last_used;	/* worker clock, ns */
	uint32_t gen;		/* bumped when the slot is emptied */
	uint32_t idle;		/* frame index of the first idle copy, NONE */
	uint32_t len;		/* bytes of every copy */
	uint16_t ncopies;	/* idle and busy */
	uint16_t klen;
	uint8_t ref;		/* CLOCK: used since the hand last passed */
	uint8_t pad[7];
	uint8_t meta[XST_CP_META_MAX];
	uint8_t key[];		/* key_max bytes */
};

struct xst_copypool {
	struct xst_io *io;
	struct xst_copypool_cfg cfg;
	int owner;		/* holder id in io */
	uint32_t frame_shift;
	uint32_t hand;		/* CLOCK hand of reclaim() */
	uint32_t reclaims;	/* reclaim() evictions left until the next sweep */
	size_t stride;		/* bytes per entry */
	uint64_t *hash;		/* per slot; 0 = empty */
	uint8_t *entries;
	/* per UMEM frame */
	uint32_t *slot_of;	/* the entry a copy belongs to */
	uint32_t *gen_of;	/* ... and that slot's generation when it was made */
	uint32_t *next;		/* idle stack link */
	uint8_t *mine;		/* 1 while the pool holds the frame */
	struct xst_copypool_stats st;
};

static inline struct entry *entry_at(const struct xst_copypool *p, uint32_t slot)
{
	return (struct entry *)(p->entries + (size_t)slot * p->stride);
}

static inline uint32_t frame_of(const struct xst_copypool *p, uint64_t addr)
{
	return (uint32_t)(addr >> p->frame_shift);
}

static inline uint64_t addr_of(const struct xst_copypool *p, uint32_t fi)
{
	return (uint64_t)fi << p->frame_shift;
}

static void give_back(struct xst_copypool *p, uint32_t fi)
{
	xst_io_release(p->io, addr_of(p, fi));
	p->mine[fi] = 0;
	p->st.frames--;
}

/* A copy is idle again: back on its entry's stack, or to the io if the entry went. */
/* reclaim() evictions allowed between two sweeps. */
static uint32_t reclaim_budget(const struct xst_copypool *p)
{
	uint32_t n = p->cfg.max_frames / 8;

	return n < 16 ? 16 : n;
}

static void done(void *arg, uint64_t addr)
{
	struct xst_copypool *p = arg;
	uint32_t fi = frame_of(p, addr), slot = p->slot_of[fi];
	struct entry *e = entry_at(p, slot);

	if (!p->mine[fi])
		return;
	if (!p->hash[slot] || e->gen != p->gen_of[fi]) {
		give_back(p, fi);
		return;
	}
	p->next[fi] = e->idle;
	e->idle = fi;
}

int xst_copypool_create(struct xst_copypool **out, struct xst_io *io,
			const struct xst_copypool_cfg *cfg)
{
	uint32_t nf = xst_io_nr_frames(io);
	struct xst_copypool *p;
	int owner;

	if (!cfg->slots || (cfg->slots & (cfg->slots - 1)) || cfg->slots < PROBE ||
	    !cfg->key_max || cfg->key_max > UINT16_MAX || !cfg->copies_max ||
	    cfg->copies_max > UINT16_MAX)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->io = io;
	p->cfg = *cfg;
	p->frame_shift = (uint32_t)__builtin_ctz(xst_io_frame_size(io));
	p->stride = (sizeof(struct entry) + cfg->key_max + 7) & ~(size_t)7;
	p->hash = calloc(cfg->slots, sizeof(*p->hash));
	p->entries = calloc(cfg->slots, p->stride);
	p->slot_of = calloc(nf, sizeof(*p->slot_of));
	p->gen_of = calloc(nf, sizeof(*p->gen_of));
	p->next = calloc(nf, sizeof(*p->next));
	p->mine = calloc(nf, 1);
	if (!p->hash || !p->entries || !p->slot_of || !p->gen_of || !p->next || !p->mine) {
		owner = -ENOMEM;
		goto err_free;
	}
	owner = xst_io_owner_add(io, done, p);
	if (owner < 0)
		goto err_free;
	p->owner = owner;
	p->reclaims = reclaim_budget(p);
	*out = p;
	return 0;

err_free:
	free(p->hash);
	free(p->entries);
	free(p->slot_of);
	free(p->gen_of);
	free(p->next);
	free(p->mine);
	free(p);
	return owner;
}

/* Empty a slot: idle copies go back to the io now, busy ones when they are done. */
static void evict(struct xst_copypool *p, uint32_t slot)
{
	struct entry *e = entry_at(p, slot);
	uint32_t fi = e->idle, next;

	for (; fi != NONE; fi = next) {
		next = p->next[fi];
		give_back(p, fi);
	}
	e->idle = NONE;
	e->ncopies = 0;
	e->gen++;
	p->hash[slot] = 0;
	p->st.entries--;
}

void xst_copypool_destroy(struct xst_copypool *p)
{
	uint32_t fi, nf;

	if (!p)
		return;
	/* No done callback may reach a freed pool: every frame goes back to
	 * the io now (one in flight is freed by its completion). */
	xst_io_owner_clear(p->io, p->owner);
	nf = xst_io_nr_frames(p->io);
	for (fi = 0; fi < nf; fi++)
		if (p->mine[fi])
			xst_io_release(p->io, addr_of(p, fi));
	free(p->hash);
	free(p->entries);
	free(p->slot_of);
	free(p->gen_of);
	free(p->next);
	free(p->mine);
	free(p);
}

/* Key equality without a libc call: keys are short (a DNS question). */
static inline int same(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint32_t i;

	if (n < 8) {
		for (i = 0; i < n; i++)
			if (a[i] != b[i])
				return 0;
		return 1;
	}
	for (i = 0; i + 8 <= n; i += 8)
		if (xst_load64(a + i) != xst_load64(b + i))
			return 0;
	return xst_load64(a + n - 8) == xst_load64(b + n - 8);
}

static inline uint64_t fix_hash(uint64_t h)
{
	return h | 1;	/* 0 marks an empty slot */
}

/* The slot holding key, or -1. */
static int find(const struct xst_copypool *p, uint64_t h, const uint8_t *key, uint32_t klen)
{
	uint32_t mask = p->cfg.slots - 1, i;

	for (i = 0; i < PROBE; i++) {
		uint32_t slot = (uint32_t)(h + i) & mask;

		if (p->hash[slot] == h) {
			const struct entry *e = entry_at(p, slot);

			if (e->klen == klen && same(e->key, key, klen))
				return (int)slot;
		}
	}
	return -1;
}

int xst_copypool_take(struct xst_copypool *p, uint64_t hash, const uint8_t *key, uint32_t klen,
		      uint64_t now, struct xst_copy *c)
{
	struct entry *e;
	uint32_t fi;
	int slot;

	slot = find(p, fix_hash(hash), key, klen);
	if (slot < 0) {
		p->st.misses++;
		return -ENOENT;
	}
	e = entry_at(p, (uint32_t)slot);
	e->ref = 1;
	e->last_used = now;
	fi = e->idle;
	if (fi == NONE) {
		p->st.busy++;
		return -EBUSY;
	}
	e->idle = p->next[fi];
	c->addr = addr_of(p, fi);
	c->data = xst_io_data(p->io, c->addr);
	c->len = e->len;
	c->meta = e->meta;
	p->st.hits++;
	return 0;
}

void xst_copypool_untake(struct xst_copypool *p, uint64_t addr)
{
	done(p, addr);
}


/*
 * Out of frames: free the idle copies of one entry not used since the hand
 * last passed (CLOCK over the whole table, a bounded walk), never keep's.
 * Without this, a pool full of one-off keys would keep hot keys out until
 * the idle sweep. 0 when something was freed, else -ENOSPC.
 */
static int reclaim(struct xst_copypool *p, int keep)
{
	uint32_t mask = p->cfg.slots - 1, k;

	/* Bounded per sweep period: when the keys asked outnumber the frames
	 * by far (a long tail, a random-name flood) replacing entries on every
	 * miss would only churn; a working set that moved still gets in. */
	if (!p->reclaims)
		return -ENOSPC;

	for (k = 0; k < 4 * PROBE; k++) {
		uint32_t slot = p->hand++ & mask;
		struct entry *e;

		if (!p->hash[slot] || (int)slot == keep)
			continue;
		e = entry_at(p, slot);
		if (e->ref) {
			e->ref = 0;
			continue;
		}
		if (e->idle == NONE)
			continue;	/* every copy in flight: nothing to free now */
		evict(p, slot);
		p->st.evicted++;
		p->reclaims--;
		return 0;
	}
	return -ENOSPC;
}


/* A held frame holding frame[0..len), or -ENOSPC. */
static int make_copy(struct xst_copypool *p, const uint8_t *frame, uint32_t len, uint32_t *fi,
		     int keep)
{
	struct xst_io_buf b;
	int tries;

	if (len > xst_io_frame_size(p->io))
		goto full;
	for (tries = 0;; tries++) {
		if (p->st.frames < p->cfg.max_frames && !xst_io_alloc_held(p->io, p->owner, &b))
			break;
		if (tries || reclaim(p, keep))
			goto full;
	}
	memcpy(b.data, frame, len);
	*fi = frame_of(p, b.addr);
	p->mine[*fi] = 1;
	p->st.frames++;
	p->st.stored++;
	return 0;
full:
	p->st.no_frame++;
	return -ENOSPC;
}

/* A slot for a new key: an empty one of the window, else the CLOCK victim (evicted). */
static uint32_t victim(struct xst_copypool *p, uint64_t h)
{
	uint32_t mask = p->cfg.slots - 1, i, slot;

	for (i = 0; i < PROBE; i++) {
		slot = (uint32_t)(h + i) & mask;
		if (!p->hash[slot])
			return slot;
	}
	for (i = 0; i < PROBE; i++) {
		struct entry *e;

		slot = (uint32_t)(h + i) & mask;
		e = entry_at(p, slot);
		if (!e->ref)
			break;
		e->ref = 0;	/* a second chance, used up */
	}
	if (i == PROBE)
		slot = (uint32_t)h & mask;
	evict(p, slot);
	p->st.evicted++;
	return slot;
}

/* Put a new copy (frame fi) on slot's idle stack. */
static void add_copy(struct xst_copypool *p, uint32_t slot, uint32_t fi)
{
	struct entry *e = entry_at(p, slot);

	p->slot_of[fi] = slot;
	p->gen_of[fi] = e->gen;
	p->next[fi] = e->idle;
	e->idle = fi;
	e->ncopies++;
}

int xst_copypool_store(struct xst_copypool *p, uint64_t hash, const uint8_t *key, uint32_t klen,
		       const uint8_t *frame, uint32_t len, const void *meta, uint64_t now)
{
	uint64_t h = fix_hash(hash);
	struct entry *e;
	uint32_t slot, fi;
	int found;

	if (klen > p->cfg.key_max || len > xst_io_frame_size(p->io))
		return -EMSGSIZE;
	found = find(p, h, key, klen);
	if (found >= 0) {
		e = entry_at(p, (uint32_t)found);
		if (e->ncopies >= p->cfg.copies_max || len != e->len)
			return -ENOSPC;
		if (make_copy(p, frame, len, &fi, found))
			return -ENOSPC;
		add_copy(p, (uint32_t)found, fi);
		return 0;
	}
	if (make_copy(p, frame, len, &fi, -1))
		return -ENOSPC;
	slot = victim(p, h);
	e = entry_at(p, slot);
	e->last_used = now;
	e->len = len;
	e->klen = (uint16_t)klen;
	e->ncopies = 0;
	e->idle = NONE;
	e->ref = 0;
	if (meta)
		memcpy(e->meta, meta, XST_CP_META_MAX);
	else
		memset(e->meta, 0, XST_CP_META_MAX);
	memcpy(e->key, key, klen);
	p->hash[slot] = h;
	p->st.entries++;
	add_copy(p, slot, fi);
	return 0;
}

void xst_copypool_flush(struct xst_copypool *p)
{
	uint32_t slot;

	for (slot = 0; slot < p->cfg.slots; slot++)
		if (p->hash[slot])
			evict(p, slot);
	p->st.flushes++;
}

uint32_t xst_copypool_sweep(struct xst_copypool *p, uint64_t now)
{
	uint32_t slot, n = 0;

	p->reclaims = reclaim_budget(p);
	for (slot = 0; slot < p->cfg.slots; slot++) {
		if (!p->hash[slot] || now - entry_at(p, slot)->last_used < p->cfg.idle_ns)
			continue;
		evict(p, slot);
		n++;
	}
	p->st.evicted += n;
	return n;
}

const struct xst_copypool_stats *xst_copypool_stats(const struct xst_copypool *p)
{
	return &p->st;
}
