/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A token bucket of one thread (a worker's pass and challenge budgets of
 * svc/dns_filter.h), as GCRA: one 64-bit "theoretical arrival time" instead
 * of a token count, so that a take is a compare and an add, no division
 * per packet. rate tokens a second, at most burst at once from idle.
 * The XDP buckets (steer_abi.h struct xst_bucket) are the same algorithm.
 */
#ifndef XST_FILTER_BUDGET_H
#define XST_FILTER_BUDGET_H

#include <stdint.h>

#include "core/clock.h"

struct xst_budget {
	uint64_t tat;		/* when the bucket is full again (ns) */
	uint64_t interval;	/* ns per token; 0: no budget (every take succeeds) */
	uint64_t tolerance;	/* burst * interval */
};

/* rate 0: unlimited. burst 0: rate (one second's worth), at least 1. */
static inline void xst_budget_init(struct xst_budget *b, uint32_t rate, uint32_t burst)
{
	b->tat = 0;
	b->interval = rate ? (XST_NS_PER_SEC + rate - 1) / rate : 0;
	if (!burst)
		burst = rate ? rate : 1;
	b->tolerance = (uint64_t)burst * b->interval;
}

/* 1: a token taken at now (ns, monotonic); 0: over the budget, nothing taken. */
static inline int xst_budget_take(struct xst_budget *b, uint64_t now)
{
	uint64_t t;

	if (!b->interval)
		return 1;
	t = b->tat > now ? b->tat : now;
	if (t + b->interval - now > b->tolerance)
		return 0;
	b->tat = t + b->interval;
	return 1;
}

#endif /* XST_FILTER_BUDGET_H */
