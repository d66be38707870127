/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The blocklist learner: turns scans of the XDP token buckets
 * (xst_steer_buckets_scan(), about once a second) into learnt blocks and
 * the rate-flood view. The buckets' dropped counters only grow (summed over
 * CPUs) until the LRU map evicts a key; the learner keeps the last value of
 * every key that has dropped anything in a fixed-size open-addressing table
 * (no allocation after init), so a key it does not know has dropped nothing
 * before: its delta is its whole count. Keys not seen in a scan are
 * forgotten at its end (evicted from the map: a new entry starts at 0).
 *
 * Per scan: a key whose drops since the last scan reach threshold per
 * second of the interval is to be blocked (observe() says so); the top
 * XST_GUARD_TOP keys by drops in the interval and the totals are kept for
 * guard_map and the "rate flood" log lines. A rate flood starts with the
 * first scan whose total drop rate reaches the threshold and ends after
 * hold_ns below it.
 *
 * Pure: no map, no clock, no log (tests drive it with fake scans).
 */
#ifndef XST_DAEMON_LEARN_H
#define XST_DAEMON_LEARN_H

#include <stdint.h>

#include "steer_loader.h"
#include "xdpstorm/steer_abi.h"

struct xst_learn_slot {
	struct xst_bucket_key key;
	uint32_t used;		/* 0 free, 1 in use */
	uint64_t dropped;	/* at the last scan */
	uint64_t passed;
	uint64_t gen;		/* the scan that saw it last */
};

struct xst_learn {
	struct xst_learn_slot *slot;
	uint32_t cap;		/* power of two */
	uint32_t nr;		/* slots in use, at most 3/4 of cap */
	uint64_t gen;		/* scans begun */
	uint64_t threshold;	/* drops per second */
	uint64_t hold_ns;
	uint64_t last_ns;	/* the previous scan's time (0: none) */
	uint64_t now_ns;	/* this scan's */
	uint64_t untracked;	/* keys not judged: the table was full (all time) */
	/* this scan */
	uint32_t over;		/* keys at or over the threshold */
	uint64_t dropped;	/* drops in the interval, every key */
	uint64_t passed;	/* packets that conformed in the interval (tracked keys) */
	struct xst_guard_source top[XST_GUARD_TOP];
	uint32_t nr_top;
	/* the rate flood */
	int flood;		/* 1 while on */
	uint64_t flood_since_ns;
	uint64_t flood_below_ns;/* when it went below (0: not below) */
	uint64_t flood_dropped;	/* drops since it started */
	uint64_t flood_peak;	/* highest drops/s while on */
};

enum xst_learn_change { XST_LEARN_SAME, XST_LEARN_FLOOD_START, XST_LEARN_FLOOD_END };

/* cap slots (a power of two, >= 4). 0, -EINVAL, -ENOMEM. */
int xst_learn_init(struct xst_learn *l, uint32_t cap, uint64_t threshold, uint64_t hold_ns);
void xst_learn_fini(struct xst_learn *l);

/* A scan at now_ns begins: the interval is now_ns minus the last scan's. */
void xst_learn_begin(struct xst_learn *l, uint64_t now_ns);
/*
 * One key of the scan. *delta gets its drops since the last scan. Returns 1
 * when it is to be blocked (delta per second of the interval >= threshold),
 * else 0. The first scan only records (the counters' history is unknown).
 */
int xst_learn_observe(struct xst_learn *l, const struct xst_bucket_sum *b, uint64_t *delta);
/* The scan ends: forget the keys it did not see; the rate flood's change. */
enum xst_learn_change xst_learn_end(struct xst_learn *l);

/* Drops per second of the last scan (0 for the first). */
uint64_t xst_learn_rate(const struct xst_learn *l);

/* The prefix a bucket key stands for (/32, /24, /64, /56). */
void xst_learn_prefix(const struct xst_bucket_key *k, struct xst_prefix *p);

#endif /* XST_DAEMON_LEARN_H */
