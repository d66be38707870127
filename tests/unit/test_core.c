// SPDX-License-Identifier: GPL-2.0
/*
 * core/: the hashed timer wheel (core/timer.h) and read-copy-update
 * (core/rcu.h), from their headers' contracts.
 *
 * Timer wheel: arm, cancel, re-arm; a timer never fires before its expiry
 * and fires in the first run whose now is at or after it; timers beyond the
 * wheel's span fire at the right turn; callbacks that re-arm themselves and
 * cancel another due timer of the same slot; long gaps; idle_ns never late.
 * RCU: replace waits for an online reader until its quiescent point, not for
 * an offline one, not for a deleted one; readers never see a freed object
 * (ASan watches) under a stream of replaces.
 *
 * Regression tests (the regressions tcase) hold contracts an earlier version
 * of the code broke.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/rcu.h"
#include "core/timer.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TICK (1ull << XST_TIMER_TICK_SHIFT)
#define SPAN ((uint64_t)XST_TIMER_SLOTS * TICK)
/* An arbitrary, tick-aligned start of time (not 0: nothing special about it). */
#define T0 (123456ull * TICK)

/* Every passing ck_assert_*() sends its location to the runner (a write);
 * in loops of thousands, check cheaply and report only a failure. */
#define OK(c)                                                                  \
	do {                                                                   \
		if (!(c))                                                      \
			ck_abort_msg("line %d: %s", __LINE__, #c);             \
	} while (0)

/* ---- timer wheel -------------------------------------------------------- */

struct tt {
	struct xst_timer t;
	int id;
	unsigned int fired;
	uint64_t fired_at;	/* now of the run that fired it */
	/* callback behaviour */
	struct tt *cancel;	/* cancel this one */
	uint64_t rearm_in;	/* re-arm self at now + rearm_in (0: no) */
	unsigned int rearm_left;
	struct tt *arm_other;	/* arm this one at now + other_in */
	uint64_t other_in;
	struct xst_timer_wheel *w;
	int *order;		/* fire order log */
	unsigned int *norder;
};

static void tt_fn(struct xst_timer *t, uint64_t now, void *ctx)
{
	struct tt *x = (struct tt *)((char *)t - offsetof(struct tt, t));

	OK(ctx == (void *)0x5eed);
	OK(!xst_timer_armed(t));	/* disarmed before the call */
	x->fired++;
	x->fired_at = now;
	if (x->order)
		x->order[(*x->norder)++] = x->id;
	if (x->cancel)
		xst_timer_cancel(x->w, &x->cancel->t);
	if (x->rearm_in && x->rearm_left) {
		x->rearm_left--;
		xst_timer_arm(x->w, t, now + x->rearm_in);
	}
	if (x->arm_other)
		xst_timer_arm(x->w, &x->arm_other->t, now + x->other_in);
}

static void tt_init(struct tt *x, struct xst_timer_wheel *w, int id)
{
	memset(x, 0, sizeof(*x));
	xst_timer_init(&x->t, tt_fn);
	x->w = w;
	x->id = id;
}

static unsigned int run(struct xst_timer_wheel *w, uint64_t now)
{
	return xst_timer_run(w, now, (void *)0x5eed);
}

START_TEST(test_timer_arm_cancel)
{
	static struct xst_timer_wheel w;
	struct tt a, b, c;

	xst_timer_wheel_init(&w, T0);
	tt_init(&a, &w, 1);
	tt_init(&b, &w, 2);
	tt_init(&c, &w, 3);
	ck_assert(!xst_timer_armed(&a.t));
	xst_timer_arm(&w, &a.t, T0 + 5 * TICK);
	xst_timer_arm(&w, &b.t, T0 + 10 * TICK);
	xst_timer_arm(&w, &c.t, T0 + 3 * TICK);
	ck_assert(xst_timer_armed(&a.t) && xst_timer_armed(&b.t) && xst_timer_armed(&c.t));
	ck_assert_uint_eq(w.nr_armed, 3);
	xst_timer_cancel(&w, &b.t);
	ck_assert(!xst_timer_armed(&b.t));
	ck_assert_uint_eq(w.nr_armed, 2);
	xst_timer_cancel(&w, &b.t);	/* not armed: no-op */
	ck_assert_uint_eq(w.nr_armed, 2);

	ck_assert_uint_eq(run(&w, T0 + 2 * TICK), 0);
	ck_assert_uint_eq(run(&w, T0 + 3 * TICK), 1);
	ck_assert_uint_eq(c.fired, 1);
	ck_assert(!xst_timer_armed(&c.t));
	ck_assert_uint_eq(run(&w, T0 + 20 * TICK), 1);
	ck_assert_uint_eq(a.fired, 1);
	ck_assert_uint_eq(a.fired_at, T0 + 20 * TICK);
	ck_assert_uint_eq(b.fired, 0);
	ck_assert_uint_eq(w.nr_armed, 0);

	/* Re-arm later: not at the old time, at the new one, once. */
	xst_timer_arm(&w, &a.t, T0 + 25 * TICK);
	xst_timer_arm(&w, &a.t, T0 + 28 * TICK);
	ck_assert_uint_eq(w.nr_armed, 1);
	ck_assert_uint_eq(run(&w, T0 + 26 * TICK), 0);
	ck_assert_uint_eq(run(&w, T0 + 28 * TICK), 1);
	ck_assert_uint_eq(a.fired, 2);
	/* Re-arm earlier. */
	xst_timer_arm(&w, &a.t, T0 + 40 * TICK);
	xst_timer_arm(&w, &a.t, T0 + 30 * TICK);
	ck_assert_uint_eq(run(&w, T0 + 30 * TICK), 1);
	ck_assert_uint_eq(run(&w, T0 + 50 * TICK), 0);
	ck_assert_uint_eq(a.fired, 3);
	/* Cancel then arm again. */
	xst_timer_arm(&w, &b.t, T0 + 60 * TICK);
	xst_timer_cancel(&w, &b.t);
	xst_timer_arm(&w, &b.t, T0 + 61 * TICK);
	ck_assert_uint_eq(run(&w, T0 + 61 * TICK), 1);
	ck_assert_uint_eq(b.fired, 1);
	ck_assert_uint_eq(w.nr_armed, 0);
	/* A run at a time already run fires nothing, twice over. */
	ck_assert_uint_eq(run(&w, T0 + 61 * TICK), 0);
	ck_assert_uint_eq(run(&w, T0 + 10 * TICK), 0);
}
END_TEST

/*
 * One timer at T0 + offset, runs every step from T0 + step: returns the now
 * of the run that fired it (0: never), and checks it fired exactly once and
 * never before its expiry.
 */
static uint64_t fire_time(uint64_t offset, uint64_t step, uint64_t horizon)
{
	static struct xst_timer_wheel w;
	struct tt a;
	uint64_t now, at = 0;

	xst_timer_wheel_init(&w, T0);
	tt_init(&a, &w, 1);
	xst_timer_arm(&w, &a.t, T0 + offset);
	for (now = T0 + step; now <= T0 + horizon; now += step) {
		unsigned int n = run(&w, now);

		if (!n)
			continue;
		if (n != 1 || a.fired != 1)
			ck_abort_msg("offset %llu: %u fired at %llu", (unsigned long long)offset, n,
				     (unsigned long long)(now - T0));
		if (now < T0 + offset)
			ck_abort_msg("offset %llu ns: fired early, at %llu ns",
				     (unsigned long long)offset, (unsigned long long)(now - T0));
		at = now;
	}
	OK(a.fired <= 1);
	return at;
}

static const struct fire_case {
	const char *name;
	uint64_t offset;	/* from T0, ns */
	uint64_t step;		/* between runs, ns */
} aligned_cases[] = {
	/* Expiries on a tick boundary (any run in that tick is at or after it). */
	{ "1 tick, runs every tick", TICK, TICK },
	{ "5 ticks, runs every third of a tick", 5 * TICK, TICK / 3 },
	{ "100 ticks, runs every 0.7 tick", 100 * TICK, TICK * 7 / 10 },
	{ "span - 1 tick", SPAN - TICK, TICK / 2 },
	{ "exactly the span", SPAN, TICK / 2 },
	{ "span + 1 tick", SPAN + TICK, TICK / 2 },
	{ "5000 ticks (beyond the span)", 5000 * TICK, TICK / 3 },
	{ "3 turns and 7 ticks", 3 * SPAN + 7 * TICK, TICK },
	{ "10 s, runs every 2.5 ticks", 9537 * TICK, TICK * 5 / 2 },
}, midtick_cases[] = {
	/* Expiries inside a tick, with runs in that tick before them. */
	{ "0.5 tick, runs every 0.2 tick", TICK / 2, TICK / 5 },
	{ "5 ms, runs every 100 us", 5000000, 100000 },
	{ "5.5 ticks, runs every third of a tick", 5 * TICK + TICK / 2, TICK / 3 },
	{ "far: 5000.5 ticks", 5000 * TICK + TICK / 2, TICK / 3 },
};

static void check_on_time(const struct fire_case *tc)
{
	uint64_t horizon = tc->offset + 2 * SPAN + 2 * TICK;
	uint64_t want = ((tc->offset + tc->step - 1) / tc->step) * tc->step;
	uint64_t at = fire_time(tc->offset, tc->step, horizon);

	if (want < tc->step)
		want = tc->step;
	ck_assert_msg(at, "%s: never fired", tc->name);
	/* The first run at or after the expiry. */
	ck_assert_msg(at == T0 + want, "%s: fired at +%llu ns, first run at or after expiry +%llu",
		      tc->name, (unsigned long long)(at - T0), (unsigned long long)want);
}

START_TEST(test_timer_on_time)
{
	check_on_time(&aligned_cases[_i]);
}
END_TEST

/* Never early and exactly once, whatever the expiry and the run schedule. */
START_TEST(test_timer_never_early)
{
	const struct fire_case *tc = &midtick_cases[_i];

	ck_assert_msg(fire_time(tc->offset, tc->step, tc->offset + 2 * SPAN + 2 * TICK),
		      "%s: never fired", tc->name);
}
END_TEST

/*
 * Regression: a timer whose expiry is inside a tick, visited by a run in that
 * tick before its expiry, is put back into the same slot (run_slot()), but
 * xst_timer_run() only visits ticks after w->tick: that slot comes round
 * again one full turn later (XST_TIMER_SLOTS ticks, ~4.3 s). In a worker
 * that polls more often than once a tick (any busy one, and an idle one
 * woken by xst_timer_idle_ns() at the start of the timer's tick) every
 * such timer fires ~4.3 s late.
 */
START_TEST(test_timer_midtick_on_time)
{
	check_on_time(&midtick_cases[_i]);
}
END_TEST

/*
 * Regression (same cause): a timer due at now, armed or re-armed while the
 * wheel is already at now's tick, is not fired by a run at now: "fires in the
 * first run whose now is at or after its expiry".
 */
START_TEST(test_timer_due_in_current_tick)
{
	static struct xst_timer_wheel w;
	struct tt a;

	xst_timer_wheel_init(&w, T0);
	tt_init(&a, &w, 1);
	xst_timer_arm(&w, &a.t, T0 + TICK / 4);
	ck_assert_uint_eq(run(&w, T0 + TICK / 2), 1);
}
END_TEST

/*
 * Regression (same cause): after a run in the timer's tick put it back,
 * xst_timer_idle_ns() scans from the next tick on and says "sleep limit_ns",
 * later than the timer ("can be early, never late").
 */
START_TEST(test_timer_idle_after_midtick_run)
{
	static struct xst_timer_wheel w;
	struct tt a;
	uint64_t now = T0 + 5 * TICK + TICK / 5, exp = T0 + 5 * TICK + TICK / 2;

	xst_timer_wheel_init(&w, T0);
	tt_init(&a, &w, 1);
	xst_timer_arm(&w, &a.t, exp);
	ck_assert_uint_eq(run(&w, now), 0);	/* not due yet: right */
	ck_assert_uint_le(xst_timer_idle_ns(&w, now, 100 * XST_NS_PER_MS), exp - now);
}
END_TEST

START_TEST(test_timer_order_and_long_gap)
{
	static struct xst_timer_wheel w;
	static const uint64_t at[] = { 1, 100, 3000, 4095, 4096, 4097, 6000, 9000 };
	struct tt x[ARRAY_SIZE(at)];
	int order[16];
	unsigned int norder = 0, i;
	uint64_t now;

	xst_timer_wheel_init(&w, T0);
	/* armed in reverse order of expiry */
	for (i = ARRAY_SIZE(at); i-- > 0;) {
		tt_init(&x[i], &w, (int)i);
		x[i].order = order;
		x[i].norder = &norder;
		xst_timer_arm(&w, &x[i].t, T0 + at[i] * TICK);
	}
	/* Tick by tick up to 3500: the first three, in order of expiry. */
	for (now = T0 + TICK; now <= T0 + 3500 * TICK; now += TICK)
		run(&w, now);
	ck_assert_uint_eq(norder, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(order[i], (int)i);
		ck_assert_uint_eq(x[i].fired_at, T0 + at[i] * TICK);
	}
	/* A gap longer than the span: every due one fires in that run, no later one. */
	ck_assert_uint_eq(run(&w, T0 + 8000 * TICK), 4);
	for (i = 3; i < 7; i++)
		ck_assert_uint_eq(x[i].fired, 1);
	ck_assert_uint_eq(x[7].fired, 0);
	ck_assert_uint_eq(w.nr_armed, 1);
	ck_assert_uint_eq(run(&w, T0 + 8999 * TICK), 0);
	ck_assert_uint_eq(run(&w, T0 + 9000 * TICK), 1);
	ck_assert_uint_eq(x[7].fired_at, T0 + 9000 * TICK);
	for (i = 0; i < ARRAY_SIZE(at); i++)
		ck_assert_uint_eq(x[i].fired, 1);
	ck_assert_uint_eq(w.nr_armed, 0);
}
END_TEST

START_TEST(test_timer_callbacks_same_slot)
{
	static struct xst_timer_wheel w;
	struct tt a, b, c, d, e;
	struct tt *winner, *loser;
	uint64_t due = T0 + 10 * TICK;

	xst_timer_wheel_init(&w, T0);
	tt_init(&a, &w, 1);
	tt_init(&b, &w, 2);
	tt_init(&c, &w, 3);
	tt_init(&d, &w, 4);
	tt_init(&e, &w, 5);
	/* a and b cancel each other and re-arm themselves once, 3 ticks on;
	 * a also arms d for "now" (already due) and e one turn on. */
	a.cancel = &b;
	b.cancel = &a;
	a.rearm_in = b.rearm_in = 3 * TICK;
	a.rearm_left = b.rearm_left = 1;
	c.arm_other = &d;
	c.other_in = 0;
	/* all in the slot of tick 10 */
	xst_timer_arm(&w, &a.t, due);
	xst_timer_arm(&w, &b.t, due + 1000);
	xst_timer_arm(&w, &c.t, due + 2000);
	xst_timer_arm(&w, &e.t, due + SPAN);	/* same slot, next turn */
	ck_assert_uint_eq(w.nr_armed, 4);

	/* One of a/b (the other is cancelled by it) and c. */
	ck_assert_uint_eq(run(&w, due + TICK / 2), 2);
	ck_assert_uint_eq(a.fired + b.fired, 1);
	ck_assert_uint_eq(c.fired, 1);
	ck_assert_uint_eq(e.fired, 0);	/* a later turn: left in the slot */
	winner = a.fired ? &a : &b;
	loser = a.fired ? &b : &a;
	ck_assert(!xst_timer_armed(&loser->t));
	ck_assert(xst_timer_armed(&winner->t));
	ck_assert(xst_timer_armed(&d.t));	/* armed for now by c: next run */
	ck_assert(xst_timer_armed(&e.t));
	ck_assert_uint_eq(w.nr_armed, 3);	/* winner, d, e */

	ck_assert_uint_eq(run(&w, due + TICK), 1);
	ck_assert_uint_eq(d.fired, 1);
	ck_assert_uint_eq(run(&w, due + 2 * TICK), 0);
	ck_assert_uint_eq(run(&w, due + TICK / 2 + 3 * TICK), 1);
	ck_assert_uint_eq(winner->fired, 2);
	ck_assert_uint_eq(loser->fired, 0);
	ck_assert_uint_eq(w.nr_armed, 1);
	ck_assert_uint_eq(run(&w, due + SPAN - TICK), 0);
	ck_assert_uint_eq(run(&w, due + SPAN), 1);
	ck_assert_uint_eq(e.fired, 1);
	ck_assert_uint_eq(w.nr_armed, 0);
}
END_TEST

START_TEST(test_timer_cancel_in_callback_keeps_walk)
{
	/* Many due timers of one slot, each cancelling the next-armed one: the
	 * walk survives, every timer either fires or is cancelled, once. */
	static struct xst_timer_wheel w;
	struct tt x[32];
	unsigned int fired = 0, i, n;

	xst_timer_wheel_init(&w, T0);
	for (i = 0; i < 32; i++) {
		tt_init(&x[i], &w, (int)i);
		xst_timer_arm(&w, &x[i].t, T0 + 7 * TICK + i);
	}
	for (i = 0; i < 32; i++)
		x[i].cancel = &x[(i + 1) % 32];
	n = run(&w, T0 + 8 * TICK);
	for (i = 0; i < 32; i++) {
		ck_assert_uint_le(x[i].fired, 1);
		ck_assert(!xst_timer_armed(&x[i].t));
		fired += x[i].fired;
	}
	ck_assert_uint_eq(n, fired);
	ck_assert_uint_ge(fired, 16);	/* at most every other one cancelled */
	ck_assert_uint_eq(w.nr_armed, 0);
	ck_assert_uint_eq(run(&w, T0 + 2 * SPAN), 0);
}
END_TEST

START_TEST(test_timer_idle_ns)
{
	static struct xst_timer_wheel w;
	const uint64_t limit = 100 * XST_NS_PER_MS;
	struct tt a, b;
	uint64_t ns, i, now;

	xst_timer_wheel_init(&w, T0);
	tt_init(&a, &w, 1);
	tt_init(&b, &w, 2);
	ck_assert_uint_eq(xst_timer_idle_ns(&w, T0, limit), limit);	/* empty */
	ck_assert_uint_eq(xst_timer_idle_ns(&w, T0 + 7 * TICK, 12345), 12345);

	/* 5 ms ahead: at most 5 ms, early by less than a tick. */
	xst_timer_arm(&w, &a.t, T0 + 5 * XST_NS_PER_MS);
	ns = xst_timer_idle_ns(&w, T0, limit);
	ck_assert_uint_le(ns, 5 * XST_NS_PER_MS);
	ck_assert_uint_gt(ns + TICK, 5 * XST_NS_PER_MS);
	/* Limit smaller than the timer: the limit. */
	ck_assert_uint_eq(xst_timer_idle_ns(&w, T0, XST_NS_PER_MS), XST_NS_PER_MS);
	/* Ticks not yet run at now: something may be due, do not sleep. */
	ck_assert_uint_eq(xst_timer_idle_ns(&w, T0 + 6 * XST_NS_PER_MS, limit), 0);
	run(&w, T0 + 6 * XST_NS_PER_MS);
	ck_assert_uint_eq(a.fired, 1);
	ck_assert_uint_eq(xst_timer_idle_ns(&w, T0 + 6 * XST_NS_PER_MS, limit), limit);

	/* Beyond the limit: the limit; beyond the span: never later than it. */
	xst_timer_arm(&w, &a.t, T0 + 6 * XST_NS_PER_MS + 2 * limit);
	ck_assert_uint_eq(xst_timer_idle_ns(&w, T0 + 6 * XST_NS_PER_MS, limit), limit);
	xst_timer_cancel(&w, &a.t);
	xst_timer_arm(&w, &b.t, T0 + 3 * SPAN);
	now = T0 + 6 * XST_NS_PER_MS;
	ns = xst_timer_idle_ns(&w, now, 10 * SPAN);
	ck_assert_uint_le(ns, T0 + 3 * SPAN - now);
	ck_assert_uint_gt(ns, 0);

	/* Following idle_ns from tick-aligned expiries: never late, never spins. */
	xst_timer_cancel(&w, &b.t);
	a.fired = b.fired = 0;
	xst_timer_arm(&w, &a.t, T0 + 400 * TICK);
	xst_timer_arm(&w, &b.t, T0 + 9000 * TICK);
	for (i = 0; i < 1000 && b.fired == 0; i++) {
		uint64_t next = a.fired ? T0 + 9000 * TICK : T0 + 400 * TICK;

		ns = xst_timer_idle_ns(&w, now, limit);
		ck_assert_uint_gt(ns, 0);
		ck_assert_uint_le(ns, next - now);
		now += ns;
		run(&w, now);
	}
	ck_assert_uint_eq(a.fired, 1);
	ck_assert_uint_eq(a.fired_at, T0 + 400 * TICK);
	ck_assert_uint_eq(b.fired, 1);
	ck_assert_uint_eq(b.fired_at, T0 + 9000 * TICK);
}
END_TEST

/* ---- RCU --------------------------------------------------------------------- */

struct obj {
	uint64_t magic;
	uint64_t gen;
};

#define MAGIC 0x0bec7a11ull

struct reader {
	struct xst_rcu *r;
	struct xst_rcu_ptr *p;
	struct xst_rcu_reader rd;
	int go_offline;		/* after the first quiescent point, go offline */
	atomic_int phase;	/* 1: past its first quiescent point */
	atomic_int go;		/* main: pass the next quiescent point */
	void *first, *second;	/* what it dereferenced */
	pthread_t th;
};

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* Wait (bounded) until *v == want. */
static int wait_for(atomic_int *v, int want, long ms)
{
	long i;

	for (i = 0; i < ms * 10; i++) {
		if (atomic_load(v) == want)
			return 1;
		sleep_us(100);
	}
	return atomic_load(v) == want;
}

static void *reader_main(void *arg)
{
	struct reader *rd = arg;

	xst_rcu_quiescent(rd->r, &rd->rd);
	rd->first = xst_rcu_deref(rd->p);
	if (rd->go_offline)
		xst_rcu_offline(&rd->rd);
	atomic_store(&rd->phase, 1);
	while (!atomic_load(&rd->go))
		sleep_us(200);
	xst_rcu_quiescent(rd->r, &rd->rd);
	rd->second = xst_rcu_deref(rd->p);
	xst_rcu_offline(&rd->rd);
	atomic_store(&rd->phase, 2);
	return NULL;
}

struct writer {
	struct xst_rcu *r;
	struct xst_rcu_ptr *p;
	void *v, *old;
	atomic_int done;
	pthread_t th;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	w->old = xst_rcu_replace(w->r, w->p, w->v);
	atomic_store(&w->done, 1);
	return NULL;
}

static void start_reader(struct reader *rd, struct xst_rcu *r, struct xst_rcu_ptr *p, int off)
{
	memset(rd, 0, sizeof(*rd));
	rd->r = r;
	rd->p = p;
	rd->go_offline = off;
	ck_assert_int_eq(xst_rcu_add_reader(r, &rd->rd), 0);
	ck_assert_int_eq(pthread_create(&rd->th, NULL, reader_main, rd), 0);
	ck_assert_msg(wait_for(&rd->phase, 1, 2000), "reader did not start");
}

static void start_writer(struct writer *w, struct xst_rcu *r, struct xst_rcu_ptr *p, void *v)
{
	memset(w, 0, sizeof(*w));
	w->r = r;
	w->p = p;
	w->v = v;
	ck_assert_int_eq(pthread_create(&w->th, NULL, writer_main, w), 0);
}

static void finish_reader(struct reader *rd)
{
	atomic_store(&rd->go, 1);
	ck_assert_msg(wait_for(&rd->phase, 2, 2000), "reader did not finish");
	pthread_join(rd->th, NULL);
}

START_TEST(test_rcu_waits_for_online_reader)
{
	static struct xst_rcu r;
	struct xst_rcu_ptr p;
	struct obj o1 = { MAGIC, 1 }, o2 = { MAGIC, 2 };
	struct reader rd;
	struct writer w;

	xst_rcu_init(&r);
	xst_rcu_ptr_init(&p, &o1);
	start_reader(&rd, &r, &p, 0);
	ck_assert_ptr_eq(rd.first, &o1);
	start_writer(&w, &r, &p, &o2);
	/* The reader holds o1 (online, no quiescent point since): replace waits. */
	sleep_us(50000);
	ck_assert_msg(atomic_load(&w.done) == 0, "replace returned while a reader held the old object");
	ck_assert_ptr_eq(xst_rcu_deref(&p), &o2);	/* published already */
	atomic_store(&rd.go, 1);
	ck_assert_msg(wait_for(&w.done, 1, 2000), "replace still waiting after the quiescent point");
	pthread_join(w.th, NULL);
	ck_assert_ptr_eq(w.old, &o1);
	finish_reader(&rd);
	ck_assert_ptr_eq(rd.second, &o2);
	xst_rcu_del_reader(&r, &rd.rd);
}
END_TEST

START_TEST(test_rcu_offline_not_waited)
{
	static struct xst_rcu r;
	struct xst_rcu_ptr p;
	struct obj o1 = { MAGIC, 1 }, o2 = { MAGIC, 2 }, o3 = { MAGIC, 3 };
	struct xst_rcu_reader never;	/* registered, never ran: offline */
	struct reader rd;
	struct writer w;

	xst_rcu_init(&r);
	xst_rcu_ptr_init(&p, &o1);
	ck_assert_int_eq(xst_rcu_add_reader(&r, &never), 0);
	ck_assert_ptr_eq(xst_rcu_replace(&r, &p, &o2), &o1);
	start_reader(&rd, &r, &p, 1);	/* online once, then offline (an idle wait) */
	start_writer(&w, &r, &p, &o3);
	ck_assert_msg(wait_for(&w.done, 1, 2000), "replace waited for an offline reader");
	pthread_join(w.th, NULL);
	ck_assert_ptr_eq(w.old, &o2);
	finish_reader(&rd);
	ck_assert_ptr_eq(rd.second, &o3);
	xst_rcu_del_reader(&r, &rd.rd);
	xst_rcu_del_reader(&r, &never);
	ck_assert_msg(atomic_load(&r.nr_readers) == 0, "readers left");
}
END_TEST

START_TEST(test_rcu_del_reader)
{
	static struct xst_rcu r;
	struct xst_rcu_ptr p;
	struct obj o[4] = { { MAGIC, 0 }, { MAGIC, 1 }, { MAGIC, 2 }, { MAGIC, 3 } };
	struct reader a, b, c;
	struct writer w;

	xst_rcu_init(&r);
	xst_rcu_ptr_init(&p, &o[0]);
	start_reader(&a, &r, &p, 0);
	start_reader(&b, &r, &p, 0);
	start_reader(&c, &r, &p, 0);
	/* b goes away (its thread stops running the loop): not waited for; a
	 * and c, around it in the table, still are. */
	xst_rcu_del_reader(&r, &b.rd);
	ck_assert_msg(atomic_load(&r.nr_readers) == 2, "del_reader did not remove one");
	start_writer(&w, &r, &p, &o[1]);
	sleep_us(30000);
	ck_assert_msg(atomic_load(&w.done) == 0, "replace returned while two readers were online");
	finish_reader(&a);
	sleep_us(30000);
	ck_assert_msg(atomic_load(&w.done) == 0, "replace did not wait for the last reader");
	finish_reader(&c);
	ck_assert_msg(wait_for(&w.done, 1, 2000), "replace waited for a deleted reader");
	pthread_join(w.th, NULL);
	ck_assert_ptr_eq(w.old, &o[0]);
	finish_reader(&b);
	/* Only the deleted one left online (b finished offline anyway): no wait. */
	xst_rcu_del_reader(&r, &a.rd);
	xst_rcu_del_reader(&r, &c.rd);
	ck_assert_msg(atomic_load(&r.nr_readers) == 0, "readers left");
	ck_assert_ptr_eq(xst_rcu_replace(&r, &p, &o[2]), &o[1]);
}
END_TEST

START_TEST(test_rcu_reader_limit)
{
	static struct xst_rcu r;
	static struct xst_rcu_reader rd[XST_RCU_MAX_READERS + 1];
	int i;

	xst_rcu_init(&r);
	for (i = 0; i < XST_RCU_MAX_READERS; i++)
		ck_assert_int_eq(xst_rcu_add_reader(&r, &rd[i]), 0);
	ck_assert_int_eq(xst_rcu_add_reader(&r, &rd[i]), -ENOSPC);
	xst_rcu_del_reader(&r, &rd[17]);
	ck_assert_int_eq(xst_rcu_add_reader(&r, &rd[i]), 0);
	/* all offline: synchronize returns */
	xst_rcu_synchronize(&r);
}
END_TEST

/* A stream of replaces against busy readers: the old object is freed right
 * after each replace; a reader that used it past its grace period would
 * read freed memory, which ASan reports. */
struct stress {
	struct xst_rcu *r;
	struct xst_rcu_ptr *p;
	struct xst_rcu_reader rd;
	atomic_int *stop;
	atomic_int started;
	uint64_t reads, bad, offline;
	pthread_t th;
};

static void *stress_reader(void *arg)
{
	struct stress *s = arg;
	uint64_t last = 0, i = 0;

	while (!atomic_load_explicit(s->stop, memory_order_relaxed)) {
		const struct obj *o;
		int k;

		xst_rcu_quiescent(s->r, &s->rd);
		o = xst_rcu_deref(s->p);
		for (k = 0; k < 50; k++) {
			if (o->magic != MAGIC || o->gen < last)
				s->bad++;
		}
		last = o->gen;
		if (!s->reads++)
			atomic_store(&s->started, 1);
		if (++i % 64 == 0) {
			xst_rcu_offline(&s->rd);	/* an idle wait */
			s->offline++;
			sleep_us(50);
		}
	}
	xst_rcu_offline(&s->rd);
	return NULL;
}

START_TEST(test_rcu_stress_no_use_after_free)
{
	static struct xst_rcu r;
	struct xst_rcu_ptr p;
	struct stress s[2];
	atomic_int stop = 0;
	struct obj *o;
	uint64_t g;
	int i;

	xst_rcu_init(&r);
	o = malloc(sizeof(*o));
	o->magic = MAGIC;
	o->gen = 0;
	xst_rcu_ptr_init(&p, o);
	for (i = 0; i < 2; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].r = &r;
		s[i].p = &p;
		s[i].stop = &stop;
		ck_assert_int_eq(xst_rcu_add_reader(&r, &s[i].rd), 0);
		ck_assert_int_eq(pthread_create(&s[i].th, NULL, stress_reader, &s[i]), 0);
	}
	for (i = 0; i < 2; i++)
		ck_assert(wait_for(&s[i].started, 1, 2000));
	for (g = 1; g <= 300; g++) {
		struct obj *n = malloc(sizeof(*n)), *old;

		n->magic = MAGIC;
		n->gen = g;
		old = xst_rcu_replace(&r, &p, n);
		ck_assert_uint_eq(old->gen, g - 1);
		old->magic = 0;	/* poison, then free: no reader may see either */
		free(old);
	}
	atomic_store(&stop, 1);
	for (i = 0; i < 2; i++) {
		pthread_join(s[i].th, NULL);
		ck_assert_uint_eq(s[i].bad, 0);
		ck_assert_uint_gt(s[i].reads, 1);
		xst_rcu_del_reader(&r, &s[i].rd);
	}
	free(xst_rcu_deref(&p));
}
END_TEST

Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tt = tcase_create("timer");
	TCase *rc = tcase_create("rcu");

	tcase_add_test(tt, test_timer_arm_cancel);
	tcase_add_loop_test(tt, test_timer_on_time, 0, ARRAY_SIZE(aligned_cases));
	tcase_add_loop_test(tt, test_timer_never_early, 0, ARRAY_SIZE(midtick_cases));
	tcase_add_test(tt, test_timer_order_and_long_gap);
	tcase_add_test(tt, test_timer_callbacks_same_slot);
	tcase_add_test(tt, test_timer_cancel_in_callback_keeps_walk);
	tcase_add_test(tt, test_timer_idle_ns);
	suite_add_tcase(s, tt);

	tcase_set_timeout(rc, 20);
	tcase_add_test(rc, test_rcu_waits_for_online_reader);
	tcase_add_test(rc, test_rcu_offline_not_waited);
	tcase_add_test(rc, test_rcu_del_reader);
	tcase_add_test(rc, test_rcu_reader_limit);
	tcase_add_test(rc, test_rcu_stress_no_use_after_free);
	suite_add_tcase(s, rc);

	/* Failing on purpose: contracts the code does not keep (see the comments). */
	{
		TCase *bugs = tcase_create("regressions");

		tcase_add_loop_test(bugs, test_timer_midtick_on_time, 0,
				    ARRAY_SIZE(midtick_cases));
		tcase_add_test(bugs, test_timer_due_in_current_tick);
		tcase_add_test(bugs, test_timer_idle_after_midtick_run);
		suite_add_tcase(s, bugs);
	}
	return s;
}
