/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The prefixes the guard has blocked lately (daemon/guard.c), so that a
 * prefix is written into the block map and logged once per block, not once
 * per alert or scan that reports it again: XDP's alerts (alerts_map) come
 * every --learn-threshold drops of a bucket per CPU, and records already in
 * the ring when the block lands, the scan of the same second and the other
 * CPUs' alerts all name the same prefix.
 *
 * A direct-mapped table (a collision replaces the older entry: at worst a
 * prefix is learnt, i.e. its expiry extended, and logged once more). An
 * entry counts until the block it stands for expires. A block removed by
 * hand (xdpstormctl block del) is learnt again only after that expiry.
 * Pure: no map, no clock, no log.
 */
#ifndef XST_DAEMON_LEARNT_H
#define XST_DAEMON_LEARNT_H

#include <stdint.h>

#include "steer_loader.h"

struct xst_learnt_slot {
	struct xst_prefix p;
	uint64_t expires_ns;	/* 0: free */
};

struct xst_learnt {
	struct xst_learnt_slot *slot;
	uint32_t cap;		/* power of two */
};

/* cap slots, a power of two. 0, -EINVAL, -ENOMEM. */
int xst_learnt_init(struct xst_learnt *t, uint32_t cap);
void xst_learnt_fini(struct xst_learnt *t);

/* 1 when p was recorded with an expiry after now_ns (blocked already);
 * else 0 (the caller blocks it, then records it). */
int xst_learnt_has(const struct xst_learnt *t, const struct xst_prefix *p, uint64_t now_ns);
/* Remember p as blocked until expires_ns (> 0). */
void xst_learnt_put(struct xst_learnt *t, const struct xst_prefix *p, uint64_t expires_ns);

#endif /* XST_DAEMON_LEARNT_H */
