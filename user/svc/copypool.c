// SPDX-License-Identifier: GPL-2.0
/*
 * The copy pool (svc/copypool.h). Entries live in an open-addressing table
 * probed over a fixed window of PROBE slots; a lookup always scans the whole
 * window (it does not stop at a hole), so that an entry can be removed by
 * emptying its slot, with no tombstones. The hashes sit in an array of their
 * own so that a lookup touches one or two cache lines before it finds its
 * entry. Whether a copy is in flight is kept per frame (busy[]), set by take
 * and cleared by the io's done callback. A copy that is taken (perhaps
 * still in the TX context's queue, which the io does not know about) when
 * its entry goes is released only when its send is done: busy[] then says
 * BUSY_ORPHAN.
 */
#include "svc/copypool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PROBE		8
#define COPIES_MAX	8

enum { IDLE, BUSY, BUSY_ORPHAN };	/* busy[] */

struct entry {
	uint64_t last_used;	/* worker clock, ns */
	uint32_t len;		/* bytes of every copy */
	uint16_t klen;
	uint8_t ncopies;
	uint8_t ref;		/* CLOCK: used since the hand last passed */
	uint64_t copy[COPIES_MAX];	/* frame starts */
	uint8_t meta[XST_CP_META_MAX];
	uint8_t key[];		/* key_max bytes */
};

struct xst_copypool {
	struct xst_io *io;
	struct xst_copypool_cfg cfg;
	int owner;		/* holder id in io */
	uint32_t frame_shift;
	size_t stride;		/* bytes per entry */
	uint64_t *hash;		/* per slot; 0 = empty */
	uint8_t *entries;
	uint8_t *busy;		/* per UMEM frame */
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

static void done(void *arg, uint64_t addr)
{
	struct xst_copypool *p = arg;
	uint8_t *b = &p->busy[frame_of(p, addr)];

	if (*b == BUSY_ORPHAN) {
		xst_io_release(p->io, addr);	/* idle now: back to the free stack */
		p->st.frames--;
	}
	*b = IDLE;
}

int xst_copypool_create(struct xst_copypool **out, struct xst_io *io,
			const struct xst_copypool_cfg *cfg)
{
	struct xst_copypool *p;
	int owner;

	if (!cfg->slots || (cfg->slots & (cfg->slots - 1)) || cfg->slots < PROBE ||
	    !cfg->key_max || cfg->key_max > UINT16_MAX || !cfg->copies_max ||
	    cfg->copies_max > COPIES_MAX)
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
	p->busy = calloc(xst_io_nr_frames(io), 1);
	if (!p->hash || !p->entries || !p->busy)
		goto err_free;
	owner = xst_io_owner_add(io, done, p);
	if (owner < 0) {
		free(p->hash);
		free(p->entries);
		free(p->busy);
		free(p);
		return owner;
	}
	p->owner = owner;
	*out = p;
	return 0;

err_free:
	free(p->hash);
	free(p->entries);
	free(p->busy);
	free(p);
	return -ENOMEM;
}

/* Empty a slot: its copies go back to the io (busy ones when they are done). */
static void evict(struct xst_copypool *p, uint32_t slot)
{
	struct entry *e = entry_at(p, slot);
	uint32_t i;

	for (i = 0; i < e->ncopies; i++) {
		uint8_t *b = &p->busy[frame_of(p, e->copy[i])];

		if (*b == IDLE) {
			xst_io_release(p->io, e->copy[i]);
			p->st.frames--;
		} else {
			*b = BUSY_ORPHAN;
		}
	}
	p->st.entries--;
	e->ncopies = 0;
	p->hash[slot] = 0;
}

void xst_copypool_destroy(struct xst_copypool *p)
{
	uint32_t slot, i;

	if (!p)
		return;
	/* No done callback may reach a freed pool: release every copy to the
	 * io now (one in flight is freed by its completion) and unregister. */
	for (slot = 0; slot < p->cfg.slots; slot++) {
		struct entry *e = entry_at(p, slot);

		if (!p->hash[slot])
			continue;
		for (i = 0; i < e->ncopies; i++)
			if (p->busy[frame_of(p, e->copy[i])] != BUSY_ORPHAN)
				xst_io_release(p->io, e->copy[i]);
		p->hash[slot] = 0;
	}
	for (i = 0; i < xst_io_nr_frames(p->io); i++)
		if (p->busy[i] == BUSY_ORPHAN)
			xst_io_release(p->io, (uint64_t)i << p->frame_shift);
	xst_io_owner_clear(p->io, p->owner);
	free(p->hash);
	free(p->entries);
	free(p->busy);
	free(p);
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

			if (e->klen == klen && !memcmp(e->key, key, klen))
				return (int)slot;
		}
	}
	return -1;
}

int xst_copypool_take(struct xst_copypool *p, uint64_t hash, const uint8_t *key, uint32_t klen,
		      uint64_t now, struct xst_copy *c)
{
	uint64_t h = fix_hash(hash);
	struct entry *e;
	int slot;
	uint32_t i;

	slot = find(p, h, key, klen);
	if (slot < 0) {
		p->st.misses++;
		return -ENOENT;
	}
	e = entry_at(p, (uint32_t)slot);
	e->ref = 1;
	e->last_used = now;
	for (i = 0; i < e->ncopies; i++) {
		uint32_t fi = frame_of(p, e->copy[i]);

		if (p->busy[fi] != IDLE)
			continue;
		p->busy[fi] = BUSY;
		c->addr = e->copy[i];
		c->data = xst_io_data(p->io, e->copy[i]);
		c->len = e->len;
		c->meta = e->meta;
		p->st.hits++;
		return 0;
	}
	p->st.busy++;
	return -EBUSY;
}

void xst_copypool_untake(struct xst_copypool *p, uint64_t addr)
{
	done(p, addr);
}

/* A held frame holding frame[0..len), or -ENOSPC. */
static int make_copy(struct xst_copypool *p, const uint8_t *frame, uint32_t len, uint64_t *addr)
{
	struct xst_io_buf b;

	if (p->st.frames >= p->cfg.max_frames || xst_io_alloc(p->io, &b))
		goto full;
	if (len > b.cap || xst_io_hold(p->io, b.addr, p->owner)) {
		xst_io_free(p->io, b.addr);
		goto full;
	}
	memcpy(b.data, frame, len);
	p->busy[frame_of(p, b.addr)] = IDLE;
	p->st.frames++;
	p->st.stored++;
	*addr = b.addr;
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

int xst_copypool_store(struct xst_copypool *p, uint64_t hash, const uint8_t *key, uint32_t klen,
		       const uint8_t *frame, uint32_t len, const void *meta, uint64_t now)
{
	uint64_t h = fix_hash(hash), addr;
	struct entry *e;
	uint32_t slot;
	int found;

	if (klen > p->cfg.key_max || len > xst_io_frame_size(p->io))
		return -EMSGSIZE;
	found = find(p, h, key, klen);
	if (found >= 0) {
		e = entry_at(p, (uint32_t)found);
		if (e->ncopies >= p->cfg.copies_max || len != e->len)
			return -ENOSPC;
		if (make_copy(p, frame, len, &addr))
			return -ENOSPC;
		e->copy[e->ncopies++] = addr;
		return 0;
	}
	slot = victim(p, h);
	if (make_copy(p, frame, len, &addr))
		return -ENOSPC;
	e = entry_at(p, slot);
	e->last_used = now;
	e->len = len;
	e->klen = (uint16_t)klen;
	e->ncopies = 1;
	e->ref = 0;
	e->copy[0] = addr;
	if (meta)
		memcpy(e->meta, meta, XST_CP_META_MAX);
	else
		memset(e->meta, 0, XST_CP_META_MAX);
	memcpy(e->key, key, klen);
	p->hash[slot] = h;
	p->st.entries++;
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
