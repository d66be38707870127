// SPDX-License-Identifier: GPL-2.0
/*
 * Random-subdomain detection (filter/detect.h): per-worker, per-zone
 * second slots of counts and linear-counting bitmaps, summed by the main
 * thread's tick.
 */
#include "filter/detect.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

#define SLOTS		4	/* the tick reads t-1 while workers write t: rewritten at t+3 */
#define WORDS		(XST_DETECT_BITS / 64)
#define NAME_MAX_LEN	XST_GUARD_NAME_LEN

/* One worker's view of one zone; written by that worker only. */
struct wzone {
	uint64_t stamp[SLOTS];		/* second + 1 the slot holds (0: none) */
	uint64_t count[SLOTS];		/* unknown-name queries in that second */
	uint64_t challenged;		/* cumulative */
	uint64_t dropped;		/* cumulative */
	/* the worker's own (xst_detect_local()), never read by the tick */
	uint32_t set[SLOTS];		/* bits set in bits[slot] */
	uint32_t checked[SLOTS];	/* set when the distinct estimate was last below... */
	uint64_t checked_md[SLOTS];	/* ...this distinct threshold */
	uint8_t local[SLOTS];		/* the local thresholds were passed in that second */
	uint64_t bits[SLOTS][WORDS];
} __attribute__((aligned(64)));

/* The main thread's state of one zone. */
struct mzone {
	char name[NAME_MAX_LEN];
	_Atomic uint32_t active;	/* read by the workers */
	uint32_t kind;
	uint64_t since_ns;
	uint64_t start_sec;
	uint64_t last_above_sec;
	uint64_t unknown_rate, distinct_rate;	/* last evaluated second */
	uint64_t peak_unknown, peak_distinct;	/* of the last second above */
	uint64_t base_challenged, base_dropped;	/* sums at start */
	uint64_t challenged, dropped;		/* since start (kept after the end) */
};

struct xst_detect {
	struct xst_detect_cfg cfg;
	uint32_t scale;
	uint64_t last_sec;		/* + 1 of the last evaluated second (0: none) */
	_Atomic uint32_t nr_active;
	struct mzone *mz;
	struct wzone *wz;		/* [worker * nr_zones + zone] */
};

static inline struct wzone *wzone(const struct xst_detect *d, uint32_t w, uint32_t z)
{
	return &d->wz[(size_t)w * d->cfg.nr_zones + z];
}

int xst_detect_create(struct xst_detect **out, const struct xst_detect_cfg *cfg)
{
	struct xst_detect *d;
	uint32_t i;

	if (!cfg->nr_workers || cfg->nr_workers > XST_DETECT_MAX_WORKERS || !cfg->nr_zones)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = *cfg;
	d->cfg.zone_names = NULL;
	if (!d->cfg.unknown_min)
		d->cfg.unknown_min = 1000;
	if (!d->cfg.distinct_min)
		d->cfg.distinct_min = 500;
	if (!d->cfg.hold_s)
		d->cfg.hold_s = 30;
	d->scale = 1;
	d->mz = calloc(cfg->nr_zones, sizeof(*d->mz));
	if (!d->mz)
		goto err_free;
	d->wz = aligned_alloc(64, (size_t)cfg->nr_workers * cfg->nr_zones * sizeof(*d->wz));
	if (!d->wz)
		goto err_mz;
	memset(d->wz, 0, (size_t)cfg->nr_workers * cfg->nr_zones * sizeof(*d->wz));
	for (i = 0; i < cfg->nr_zones; i++) {
		if (cfg->zone_names && cfg->zone_names[i])
			snprintf(d->mz[i].name, sizeof(d->mz[i].name), "%s", cfg->zone_names[i]);
		else
			snprintf(d->mz[i].name, sizeof(d->mz[i].name), "zone%u", i);
	}
	*out = d;
	return 0;

err_mz:
	free(d->mz);
err_free:
	free(d);
	return -ENOMEM;
}

void xst_detect_destroy(struct xst_detect *d)
{
	if (!d)
		return;
	free(d->wz);
	free(d->mz);
	free(d);
}

uint32_t xst_detect_nr_zones(const struct xst_detect *d)
{
	return d->cfg.nr_zones;
}

const char *xst_detect_zone_name(const struct xst_detect *d, uint32_t zone)
{
	return zone < d->cfg.nr_zones ? d->mz[zone].name : "";
}

/* A bit index from the name hash: mixed, so that similar hashes spread. */
static inline uint32_t bit_of(uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * 0x9e3779b97f4a7c15ull) >> 51) & (XST_DETECT_BITS - 1);
}

void xst_detect_report(struct xst_detect *d, uint32_t worker, uint32_t zone, uint32_t hash,
		       uint64_t now)
{
	uint64_t sec = now / XST_NS_PER_SEC, *w;
	struct wzone *z;
	uint32_t s = (uint32_t)(sec % SLOTS), b = bit_of(hash);

	if (worker >= d->cfg.nr_workers || zone >= d->cfg.nr_zones)
		return;
	z = wzone(d, worker, zone);
	if (__atomic_load_n(&z->stamp[s], __ATOMIC_RELAXED) != sec + 1) {
		/* A new second for this slot: stamp 0 while it is cleared, so
		 * that a reader never takes a half-cleared slot as valid. */
		__atomic_store_n(&z->stamp[s], 0, __ATOMIC_RELAXED);
		/* A release store orders what came before it, not the clearing
		 * after it: the fence does (the seqlock writer's side; gather()
		 * has the reader's acquire fence). x86 orders stores anyway. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		__atomic_store_n(&z->count[s], 0, __ATOMIC_RELAXED);
		for (uint32_t i = 0; i < WORDS; i++)
			__atomic_store_n(&z->bits[s][i], 0, __ATOMIC_RELAXED);
		z->set[s] = z->checked[s] = 0;
		z->checked_md[s] = 0;
		z->local[s] = 0;
		__atomic_store_n(&z->stamp[s], sec + 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&z->count[s], z->count[s] + 1, __ATOMIC_RELAXED);
	w = &z->bits[s][b / 64];
	if (!(*w & (1ull << (b % 64)))) {
		z->set[s]++;
		__atomic_store_n(w, *w | (1ull << (b % 64)), __ATOMIC_RELAXED);
	}
}

void xst_detect_outcome(struct xst_detect *d, uint32_t worker, uint32_t zone, int challenged)
{
	struct wzone *z;
	uint64_t *c;

	if (worker >= d->cfg.nr_workers || zone >= d->cfg.nr_zones)
		return;
	z = wzone(d, worker, zone);
	c = challenged ? &z->challenged : &z->dropped;
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

int xst_detect_active(const struct xst_detect *d, uint32_t zone)
{
	if (zone >= d->cfg.nr_zones)
		return 0;
	return (int)atomic_load_explicit(&d->mz[zone].active, memory_order_relaxed);
}

int xst_detect_any_active(const struct xst_detect *d)
{
	return atomic_load_explicit(&d->nr_active, memory_order_relaxed) != 0;
}

void xst_detect_set_scale(struct xst_detect *d, uint32_t scale)
{
	/* read by the workers (xst_detect_local()) */
	__atomic_store_n(&d->scale, scale ? scale : 1, __ATOMIC_RELAXED);
}

/* Natural logarithm of x > 0 (the daemon links no libm): x = 2^k * [1, 2),
 * then ln = k ln 2 + 2 atanh((x - 1) / (x + 1)), |y| <= 1/3. */
static double ln(double x)
{
	double y, y2, t, s = 0;
	int k = 0, i;

	while (x >= 2) {
		x /= 2;
		k++;
	}
	while (x < 1) {
		x *= 2;
		k--;
	}
	y = (x - 1) / (x + 1);
	y2 = y * y;
	t = y;
	for (i = 1; i < 40; i += 2) {
		s += t / i;
		t *= y2;
	}
	return 2 * s + k * 0.69314718055994530942;
}

/* Linear counting over the zero bits of the union bitmap. */
static uint64_t estimate(uint32_t zeros)
{
	double m = XST_DETECT_BITS;

	if (!zeros)
		return XST_DETECT_DISTINCT_MAX;
	return (uint64_t)(-m * ln((double)zeros / m) + 0.5);
}

/* The global threshold t as one worker's share of what it sees: ceil(t / div), >= 1. */
static inline uint64_t share(uint64_t t, uint64_t div)
{
	t = (t + div - 1) / div;
	return t ? t : 1;
}

int xst_detect_local(struct xst_detect *d, uint32_t worker, uint32_t zone, uint64_t now,
		     uint32_t min_unknown, uint32_t min_distinct)
{
	uint64_t sec = now / XST_NS_PER_SEC, div, mu, md;
	uint32_t s = (uint32_t)(sec % SLOTS);
	struct wzone *z;

	if (worker >= d->cfg.nr_workers || zone >= d->cfg.nr_zones)
		return 0;
	z = wzone(d, worker, zone);
	if (z->stamp[s] != sec + 1)
		return 0;	/* nothing reported in this second */
	if (z->local[s])
		return 1;
	div = (uint64_t)d->cfg.nr_workers * __atomic_load_n(&d->scale, __ATOMIC_RELAXED);
	mu = min_unknown ? min_unknown : share(d->cfg.unknown_min, div);
	md = min_distinct ? min_distinct : share(d->cfg.distinct_min, div);
	if (z->count[s] < mu)
		return 0;
	/* The estimate costs a logarithm: only when a new bit was set (at most
	 * XST_DETECT_BITS times a second) or the threshold fell (scale) since
	 * it was last too low, not per query of a flood of one repeated name. */
	if (z->set[s] == z->checked[s] && md >= z->checked_md[s])
		return 0;
	if (estimate(XST_DETECT_BITS - z->set[s]) < md) {
		z->checked[s] = z->set[s];
		z->checked_md[s] = md;
		return 0;
	}
	z->local[s] = 1;
	return 1;
}

/* Sum second sec of zone z over the workers: queries, distinct estimate, outcomes. */
static void gather(const struct xst_detect *d, uint32_t zi, uint64_t sec, uint64_t *count,
		   uint64_t *distinct, uint64_t *chal, uint64_t *drop)
{
	uint64_t u[WORDS], tmp[WORDS];
	uint32_t s = (uint32_t)(sec % SLOTS), w, i, zeros = 0;
	int any = 0;

	*count = *chal = *drop = 0;
	memset(u, 0, sizeof(u));
	for (w = 0; w < d->cfg.nr_workers; w++) {
		struct wzone *z = wzone(d, w, zi);
		uint64_t c;

		*chal += __atomic_load_n(&z->challenged, __ATOMIC_RELAXED);
		*drop += __atomic_load_n(&z->dropped, __ATOMIC_RELAXED);
		if (__atomic_load_n(&z->stamp[s], __ATOMIC_ACQUIRE) != sec + 1)
			continue;
		c = __atomic_load_n(&z->count[s], __ATOMIC_RELAXED);
		for (i = 0; i < WORDS; i++)
			tmp[i] = __atomic_load_n(&z->bits[s][i], __ATOMIC_RELAXED);
		/* Still that second after the read: what was read is of it. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&z->stamp[s], __ATOMIC_RELAXED) != sec + 1)
			continue;
		*count += c;
		for (i = 0; i < WORDS; i++)
			u[i] |= tmp[i];
		any = 1;
	}
	if (!any) {
		*distinct = 0;
		return;
	}
	for (i = 0; i < WORDS; i++)
		zeros += 64 - (uint32_t)__builtin_popcountll(u[i]);
	*distinct = estimate(zeros);
}

uint32_t xst_detect_tick(struct xst_detect *d, uint64_t now, struct xst_detect_event *ev,
			 uint32_t max)
{
	uint64_t sec = now / XST_NS_PER_SEC, prev;
	uint32_t zi, n = 0;

	if (!sec)
		return 0;
	prev = sec - 1;
	if (d->last_sec == prev + 1)
		return 0;
	d->last_sec = prev + 1;
	for (zi = 0; zi < d->cfg.nr_zones; zi++) {
		struct mzone *m = &d->mz[zi];
		uint64_t count, distinct, chal, drop;
		int above;

		gather(d, zi, prev, &count, &distinct, &chal, &drop);
		count *= __atomic_load_n(&d->scale, __ATOMIC_RELAXED);
		distinct *= __atomic_load_n(&d->scale, __ATOMIC_RELAXED);
		m->unknown_rate = count;
		m->distinct_rate = distinct;
		above = count >= d->cfg.unknown_min && distinct >= d->cfg.distinct_min;
		if (atomic_load_explicit(&m->active, memory_order_relaxed)) {
			m->challenged = chal - m->base_challenged;
			m->dropped = drop - m->base_dropped;
			if (above) {
				m->last_above_sec = prev;
				m->peak_unknown = count;
				m->peak_distinct = distinct;
				continue;
			}
			if (prev - m->last_above_sec < d->cfg.hold_s)
				continue;
			atomic_store_explicit(&m->active, 0, memory_order_relaxed);
			atomic_fetch_sub_explicit(&d->nr_active, 1, memory_order_relaxed);
			if (n < max)
				ev[n++] = (struct xst_detect_event){
					.zone = zi, .started = 0, .name = m->name,
					.unknown_rate = m->peak_unknown,
					.distinct_rate = m->peak_distinct,
					.duration_s = prev + 1 - m->start_sec,
					.challenged = m->challenged, .dropped = m->dropped,
				};
		} else if (above) {
			atomic_store_explicit(&m->active, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&d->nr_active, 1, memory_order_relaxed);
			m->kind = XST_ATTACK_NXFLOOD;
			m->since_ns = now;
			m->start_sec = prev;
			m->last_above_sec = prev;
			m->peak_unknown = count;
			m->peak_distinct = distinct;
			m->base_challenged = chal;
			m->base_dropped = drop;
			m->challenged = m->dropped = 0;
			if (n < max)
				ev[n++] = (struct xst_detect_event){
					.zone = zi, .started = 1, .name = m->name,
					.unknown_rate = count, .distinct_rate = distinct,
				};
		}
	}
	return n;
}

void xst_detect_zone_info(const struct xst_detect *d, uint32_t zone, struct xst_guard_zone *out)
{
	const struct mzone *m;

	memset(out, 0, sizeof(*out));
	if (zone >= d->cfg.nr_zones)
		return;
	m = &d->mz[zone];
	snprintf(out->name, sizeof(out->name), "%s", m->name);
	out->active = atomic_load_explicit(&m->active, memory_order_relaxed);
	out->kind = out->active ? XST_ATTACK_NXFLOOD : XST_ATTACK_NONE;
	out->since_ns = m->since_ns;
	out->unknown_rate = m->unknown_rate;
	out->distinct_rate = m->distinct_rate;
	out->challenged = m->challenged;
	out->dropped = m->dropped;
}
