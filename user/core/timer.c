// SPDX-License-Identifier: GPL-2.0
/* The hashed timer wheel (core/timer.h). */
#include "core/timer.h"

#include <string.h>

static inline uint64_t tick_of(uint64_t ns)
{
	return ns >> XST_TIMER_TICK_SHIFT;
}

static inline struct xst_timer **slot_of(struct xst_timer_wheel *w, uint64_t tick)
{
	return &w->slot[tick & (XST_TIMER_SLOTS - 1)];
}

void xst_timer_wheel_init(struct xst_timer_wheel *w, uint64_t now)
{
	memset(w, 0, sizeof(*w));
	w->tick = tick_of(now);
}

static void unlink_timer(struct xst_timer *t)
{
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	t->next = 0;
	t->pprev = 0;
}

void xst_timer_arm(struct xst_timer_wheel *w, struct xst_timer *t, uint64_t expires)
{
	uint64_t tick = tick_of(expires);
	struct xst_timer **head;

	if (t->pprev)
		unlink_timer(t);
	else
		w->nr_armed++;
	/* A timer already due goes into the current slot, which the next run
	 * visits again (a run may have passed this tick before it was due). */
	if (tick < w->tick)
		tick = w->tick;
	t->expires = expires;
	head = slot_of(w, tick);
	t->next = *head;
	if (*head)
		(*head)->pprev = &t->next;
	*head = t;
	t->pprev = head;
}

void xst_timer_cancel(struct xst_timer_wheel *w, struct xst_timer *t)
{
	if (!t->pprev)
		return;
	unlink_timer(t);
	w->nr_armed--;
}

/*
 * Fire the due timers of one slot; the others (later turns) go back. The
 * slot's list is moved to a local head first and taken one timer at a time
 * from that head, so that fn may arm, re-arm or cancel any timer, this
 * slot's included, without invalidating the walk.
 */
static unsigned int run_slot(struct xst_timer_wheel *w, struct xst_timer **head, uint64_t now,
			     void *ctx)
{
	struct xst_timer *pending = *head, *t;
	unsigned int fired = 0;

	*head = 0;
	if (pending)
		pending->pprev = &pending;
	while ((t = pending)) {
		unlink_timer(t);
		if (t->expires <= now) {
			w->nr_armed--;
			fired++;
			t->fn(t, now, ctx);
			continue;
		}
		t->next = *head;
		if (*head)
			(*head)->pprev = &t->next;
		*head = t;
		t->pprev = head;
	}
	return fired;
}

unsigned int xst_timer_run(struct xst_timer_wheel *w, uint64_t now, void *ctx)
{
	uint64_t target = tick_of(now), t, n;
	unsigned int fired = 0;

	if (target < w->tick)
		return 0;
	/* The last run's tick again (its later timers may be due now), then up
	 * to now's. A timer fn arms for "now" lands in the current slot and
	 * waits for the next run: run_slot() walks a list taken off the slot. */
	n = target - w->tick + 1;
	if (n > XST_TIMER_SLOTS)
		n = XST_TIMER_SLOTS;	/* a long gap: every slot once */
	t = w->tick;
	w->tick = target;
	if (!w->nr_armed)
		return 0;
	while (n--) {
		if (*slot_of(w, t))
			fired += run_slot(w, slot_of(w, t), now, ctx);
		t++;
	}
	return fired;
}

uint64_t xst_timer_idle_ns(const struct xst_timer_wheel *w, uint64_t now, uint64_t limit_ns)
{
	uint64_t cur = tick_of(now), t, until;
	const struct xst_timer *x;

	if (!w->nr_armed)
		return limit_ns;
	if (cur > w->tick)
		return 0;	/* ticks not yet run */
	/* The current slot: its timers of this turn, to the nanosecond. */
	for (x = w->slot[cur & (XST_TIMER_SLOTS - 1)]; x; x = x->next) {
		if (tick_of(x->expires) > cur)
			continue;	/* a later turn */
		if (x->expires <= now)
			return 0;
		if (x->expires - now < limit_ns)
			limit_ns = x->expires - now;
	}
	until = tick_of(now + limit_ns);
	for (t = cur + 1; t <= until && t - cur < XST_TIMER_SLOTS; t++) {
		if (w->slot[t & (XST_TIMER_SLOTS - 1)]) {
			uint64_t at = t << XST_TIMER_TICK_SHIFT;

			return at > now ? at - now : 0;
		}
	}
	return limit_ns;
}
