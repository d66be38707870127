/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hashed timer wheel, one per worker (no lock): O(1) arm and cancel, and a
 * run that visits only the slots whose time has come. Timers are embedded in
 * their owner's structure (TCP connections, a copy pool's idle sweep); the
 * wheel allocates nothing.
 *
 * Time is the worker's clock in nanoseconds (core/clock.h), cut into ticks
 * of 2^XST_TIMER_TICK_SHIFT ns (about 1 ms). A timer fires in the first run
 * whose now is at or after its expiry, never earlier; a timer further away
 * than the wheel's span (XST_TIMER_SLOTS ticks, about 4 s) waits in its slot
 * for as many turns as it needs.
 */
#ifndef XST_CORE_TIMER_H
#define XST_CORE_TIMER_H

#include <stdint.h>

#define XST_TIMER_TICK_SHIFT	20	/* 1.048576 ms per tick */
#define XST_TIMER_SLOTS		4096	/* power of two */

struct xst_timer;

/* Called from xst_timer_run(); the timer is disarmed first, so fn may re-arm it. */
typedef void (*xst_timer_fn)(struct xst_timer *t, uint64_t now, void *ctx);

struct xst_timer {
	struct xst_timer *next;		/* in its slot's list */
	struct xst_timer **pprev;	/* NULL while not armed */
	uint64_t expires;		/* ns, worker clock */
	xst_timer_fn fn;
};

struct xst_timer_wheel {
	uint64_t tick;			/* last tick that was run */
	uint32_t nr_armed;
	struct xst_timer *slot[XST_TIMER_SLOTS];
};

/* An empty wheel whose time starts at now. */
void xst_timer_wheel_init(struct xst_timer_wheel *w, uint64_t now);

/* A disarmed timer calling fn. */
static inline void xst_timer_init(struct xst_timer *t, xst_timer_fn fn)
{
	t->next = 0;
	t->pprev = 0;
	t->expires = 0;
	t->fn = fn;
}

static inline int xst_timer_armed(const struct xst_timer *t)
{
	return t->pprev != 0;
}

/* Arm (or move) t to fire at expires. */
void xst_timer_arm(struct xst_timer_wheel *w, struct xst_timer *t, uint64_t expires);

/* Disarm t; a no-op when it is not armed. */
void xst_timer_cancel(struct xst_timer_wheel *w, struct xst_timer *t);

/* Fire every timer due at now (fn(t, now, ctx)). Returns how many fired. */
unsigned int xst_timer_run(struct xst_timer_wheel *w, uint64_t now, void *ctx);

/*
 * How long the worker may sleep from now: 0 when a timer may be due, else
 * the time to the first slot with an armed timer, at most limit_ns (a slot
 * can hold timers of later turns, so this can be early, never late).
 */
uint64_t xst_timer_idle_ns(const struct xst_timer_wheel *w, uint64_t now, uint64_t limit_ns);

#endif /* XST_CORE_TIMER_H */
