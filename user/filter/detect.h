/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random-subdomain ("water torture") detection per zone.
 *
 * Workers report every query they see for a name that does not exist in a
 * zone (xst_detect_report(): the zone index and the name's hash); the main
 * thread calls xst_detect_tick() about once a second, which sums the last
 * complete second over the workers and decides per zone:
 *
 *   start  unknown-name queries/s >= unknown_min AND distinct unknown
 *          names/s >= distinct_min (a burst of one repeated name is not an
 *          attack: the resolver's cache or an RRL handles it);
 *   end    after hold_s consecutive seconds below either threshold.
 *
 * Distinct names are estimated by linear counting: each worker keeps, per
 * zone and per second slot, a bitmap of XST_DETECT_BITS bits set from the
 * name hashes; the tick ORs the workers' bitmaps of that second (a name
 * seen by two workers counts once) and estimates n = -m ln(zero bits / m).
 * A full bitmap saturates at about m ln m (XST_DETECT_DISTINCT_MAX) names/s;
 * more than that reads as that.
 *
 * Lock-free, no allocation after create: each worker writes only its own
 * slots and counters (single writer, relaxed atomic stores); four second
 * slots per worker, so the slot the tick reads (second t-1) is rewritten
 * only at t+3; a slot is taken only when its stamp says the right second,
 * checked before and after it is read. The active flag of a zone is written
 * by the main thread and read relaxed by the workers (xst_detect_active()).
 *
 * Zone indices are the caller's (0..nr_zones-1, e.g. the database's zone
 * order); a reload that renumbers zones needs a new detector. Time is
 * CLOCK_MONOTONIC ns given by the caller (worker clock, core/clock.h).
 */
#ifndef XST_FILTER_DETECT_H
#define XST_FILTER_DETECT_H

#include <stdint.h>

#include "xdpstorm/steer_abi.h"

#define XST_DETECT_BITS		8192	/* bits per bitmap (1 KiB) */
#define XST_DETECT_DISTINCT_MAX	73817	/* about m ln m: the estimate of a full bitmap */
#define XST_DETECT_MAX_WORKERS	XST_MAX_QUEUES

struct xst_detect_cfg {
	uint32_t nr_workers;		/* 1..XST_DETECT_MAX_WORKERS */
	uint32_t nr_zones;		/* >= 1 */
	const char *const *zone_names;	/* nr_zones display names (copied); NULL: "zone<i>" */
	uint64_t unknown_min;		/* unknown-name queries/s to start (0: 1000) */
	uint64_t distinct_min;		/* distinct unknown names/s to start (0: 500) */
	uint32_t hold_s;		/* seconds below the thresholds before it ends (0: 30) */
};

/* One attack starting or ending, from xst_detect_tick(). */
struct xst_detect_event {
	uint32_t zone;			/* index */
	uint32_t started;		/* 1 started, 0 ended */
	const char *name;		/* the zone's display name (lives with the detector) */
	uint64_t unknown_rate;		/* started: unknown-name queries/s of the second that
					 * tipped it; ended: of the last second above */
	uint64_t distinct_rate;		/* same, distinct names/s (estimate) */
	uint64_t duration_s;		/* ended: seconds from start to end */
	uint64_t challenged;		/* ended: queries challenged while it lasted */
	uint64_t dropped;		/* ended: queries dropped while it lasted */
};

struct xst_detect;

/* 0 or -errno (-EINVAL for a bad cfg, -ENOMEM); *out only on success. Main thread. */
int xst_detect_create(struct xst_detect **out, const struct xst_detect_cfg *cfg);
/* After every worker stopped using it. NULL: no-op. */
void xst_detect_destroy(struct xst_detect *d);

uint32_t xst_detect_nr_zones(const struct xst_detect *d);
const char *xst_detect_zone_name(const struct xst_detect *d, uint32_t zone);

/*
 * Worker side, thread of worker `worker` only (a worker index >= nr_workers
 * or zone >= nr_zones is ignored). report: a query for an unknown name of
 * zone, name hash `hash` (struct xst_dnsmsg_query.hash), at now ns.
 * outcome: what was done to such a query while the zone was under attack
 * (counted per zone for the "ended" line and guard_map).
 */
void xst_detect_report(struct xst_detect *d, uint32_t worker, uint32_t zone, uint32_t hash,
		       uint64_t now);
void xst_detect_outcome(struct xst_detect *d, uint32_t worker, uint32_t zone, int challenged);

/*
 * Worker side (thread of worker `worker` only): non-zero when this worker
 * alone saw, in now's second, at least min_unknown queries for unknown
 * names of zone and at least min_distinct distinct ones (estimated from
 * its own bitmap of that second, as the tick does over all workers). Once
 * true it stays true for the rest of that second. A threshold 0 is derived
 * from the detector's: ceil(unknown_min / (nr_workers * scale)), same for
 * distinct_min (scale: xst_detect_set_scale(), the XDP sampling factor).
 * It decides nothing globally: no event, no active flag; the caller uses it
 * to act on the attack before the main thread's tick declares it.
 * After xst_detect_report() of the same query.
 */
int xst_detect_local(struct xst_detect *d, uint32_t worker, uint32_t zone, uint64_t now,
		     uint32_t min_unknown, uint32_t min_distinct);

/* Non-zero while zone is under attack (any thread; relaxed read). */
int xst_detect_active(const struct xst_detect *d, uint32_t zone);
/* Non-zero while any zone is (the daemon sets XST_F_FILTER_INSPECT from it). */
int xst_detect_any_active(const struct xst_detect *d);

/*
 * Main thread only, about once a second: evaluate the last complete second
 * (now's second - 1) once. Writes up to max transitions into ev[] and
 * returns how many (0 when that second was evaluated already). A second for
 * which a worker's slot was not readable (tick late by 3 s or more) counts
 * that worker as 0.
 */
uint32_t xst_detect_tick(struct xst_detect *d, uint64_t now, struct xst_detect_event *ev,
			 uint32_t max);

/*
 * Measured rates are multiplied by scale before the thresholds (and in
 * what is reported): the daemon sets the XDP sampling factor (config
 * sample) while it steers 1 query in sample, 1 while it inspects all.
 * 0 is taken as 1. Main thread.
 */
void xst_detect_set_scale(struct xst_detect *d, uint32_t scale);

/*
 * The zone's view for guard_map (steer_abi.h struct xst_guard_zone): name,
 * kind (XST_ATTACK_NXFLOOD while active, NONE once ended or never),
 * active, since_ns, the last evaluated second's rates, and the challenged /
 * dropped counts since the attack started. Main thread.
 */
void xst_detect_zone_info(const struct xst_detect *d, uint32_t zone, struct xst_guard_zone *out);

#endif /* XST_FILTER_DETECT_H */
