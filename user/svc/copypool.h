/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The copy pool: ready copies of prepared frames, kept in held UMEM frames
 * (io/io.h), the paper's "precopy" send strategy. A service keys each
 * prepared reply by an opaque byte string (DNS: the normalised question;
 * HTTP: object, segment, MSS) and stores a copy of the frame it built; a
 * later request with the same key takes an idle copy, patches the few
 * fields that differ per client in place, and sends it, so that nothing is
 * built or copied per request.
 *
 *   grown under load   a copy is busy from take until the io reports its
 *                      send done; when every copy of an entry is busy the
 *                      service builds the reply itself and stores one more
 *                      copy, up to copies_max per entry and max_frames in all
 *   evicted            a new key replaces the least recently used entry of
 *                      its probe window (CLOCK); when the pool is out of
 *                      frames, one not used lately anywhere gives its
 *                      frames up (a bounded number per sweep period, so a
 *                      long tail cannot make it churn); entries unused for
 *                      idle_ns are dropped by xst_copypool_sweep()
 *   flushed            xst_copypool_flush() drops every entry (a reload made
 *                      them stale): idle copies go back to the io at once,
 *                      busy ones when their send completes; nothing leaks and
 *                      no table can overflow, however many reloads happen
 *                      while copies are in flight
 *
 * One pool per worker (its io), used by that worker's thread only; no
 * allocation after create.
 */
#ifndef XST_SVC_COPYPOOL_H
#define XST_SVC_COPYPOOL_H

#include <stdint.h>

#include "io/io.h"

#define XST_CP_META_MAX		16	/* service bytes kept with an entry */

struct xst_copypool;

struct xst_copypool_cfg {
	uint32_t slots;		/* entries, a power of two, at least 8 (the probe window) */
	uint32_t key_max;	/* longest key in bytes */
	uint32_t copies_max;	/* copies per entry (a hot key needs one per query of a batch) */
	uint32_t max_frames;	/* frames the pool may hold in all */
	uint64_t idle_ns;	/* an entry unused this long is dropped by a sweep */
};

/* Counters, written by the owning thread (relaxed reads elsewhere). */
struct xst_copypool_stats {
	uint64_t hits;		/* an idle copy was taken */
	uint64_t busy;		/* the entry existed, every copy in flight */
	uint64_t misses;	/* no entry */
	uint64_t stored;	/* copies made */
	uint64_t no_frame;	/* a copy could not be made: no frame, or the pool is full */
	uint64_t evicted;	/* entries replaced by a new key or swept as idle */
	uint64_t flushes;	/* xst_copypool_flush() calls */
	uint64_t entries;	/* gauge */
	uint64_t frames;	/* gauge: frames held */
};

/* A copy taken by xst_copypool_take(). */
struct xst_copy {
	uint64_t addr;		/* frame start: the copy's bytes */
	uint8_t *data;
	uint32_t len;		/* as stored */
	uint8_t *meta;		/* the entry's XST_CP_META_MAX service bytes */
};

/* Register with io as a holder. 0 or -errno (-EINVAL cfg, -ENOMEM, -ENOSPC holders). */
int xst_copypool_create(struct xst_copypool **out, struct xst_io *io,
			const struct xst_copypool_cfg *cfg);
/* Release every frame to the io (in-flight ones when they complete). NULL is a no-op. */
void xst_copypool_destroy(struct xst_copypool *p);

/*
 * Look key[0..klen) up (hash: the caller's hash of the key, never 0 after
 * the pool ors in a bit). Returns 0 with *c an idle copy now marked busy
 * (the caller patches and sends it, or gives it back with
 * xst_copypool_untake()), -EBUSY when the entry exists but every copy is in
 * flight, -ENOENT when there is no entry.
 */
int xst_copypool_take(struct xst_copypool *p, uint64_t hash, const uint8_t *key, uint32_t klen,
		      uint64_t now, struct xst_copy *c);

/* A taken copy that will not be sent after all: idle again. */
void xst_copypool_untake(struct xst_copypool *p, uint64_t addr);

/*
 * Keep a copy of frame[0..len) under key: a new entry (replacing the least
 * recently used one of the probe window when needed), or one more copy of an
 * existing entry. meta (XST_CP_META_MAX bytes, may be NULL) is stored with a
 * new entry. When the pool holds max_frames, the idle copies of an entry not
 * used since the CLOCK hand last passed are given up first (at most
 * max_frames / 8, and at least 16, such replacements between two sweeps). Returns 0,
 * -ENOSPC (the entry has copies_max copies, or no frame could be held even
 * so, or a copy of another length than the entry's),
 * -EMSGSIZE (key or frame too large).
 */
int xst_copypool_store(struct xst_copypool *p, uint64_t hash, const uint8_t *key, uint32_t klen,
		       const uint8_t *frame, uint32_t len, const void *meta, uint64_t now);

/* Drop every entry. */
void xst_copypool_flush(struct xst_copypool *p);

/* Drop the entries unused since now - idle_ns. Returns how many. */
uint32_t xst_copypool_sweep(struct xst_copypool *p, uint64_t now);

const struct xst_copypool_stats *xst_copypool_stats(const struct xst_copypool *p);

#endif /* XST_SVC_COPYPOOL_H */
