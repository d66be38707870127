// SPDX-License-Identifier: GPL-2.0
/* The flood defence's periodic task (daemon/guard.h). */
#include "daemon/guard.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "daemon/learn.h"
#include "daemon/learnt.h"
#include "daemon/sockdiag.h"
#include "daemon/svc_filter.h"
#include "filter/detect.h"
#include "net/net.h"
#include "steer_loader.h"

#define LEARN_SLOTS	65536	/* dropping keys remembered between scans */
#define EVENTS_BATCH	1024
#define EVENTS_MAX	65536	/* events taken per tick: the rings are bounded anyway */
#define GC_INTERVAL_NS	(10ULL * 1000000000ULL)
#define LOG_PER_TICK	8	/* lines about single sources per tick, then a sum */
#define LEARNT_SLOTS	8192	/* prefixes blocked lately: learnt and logged once */

struct xst_guard {
	struct xst_daemon *d;
	int filter;			/* filter mode */
	struct xst_learn learn;
	struct xst_learnt learnt;	/* blocked lately: not blocked and logged again */
	int rate;			/* token buckets on: scan them */
	struct xst_alerts *alerts;	/* alerts_map consumer, NULL without */
	uint64_t alert_now;		/* the time of the drain in progress */
	struct xst_verify *verify;	/* sock_ops program, NULL when not attached */
	int sd;				/* sock_diag socket, -1 when it could not be opened */
	int inspect;			/* XST_F_FILTER_INSPECT set by us */
	int have_counts;		/* the counts below are a previous tick's */
	uint64_t steered, unsampled;	/* queries to the filter, XDP's pass_unsampled */
	uint64_t counted_ns;		/* when they were read */
	uint64_t peace_until_ns;	/* over the peacetime rate: inspect until then */
	int peace_over;			/* logged as such */
	struct xst_steer_stats st;
	uint64_t verify_ns, block_ns;
	unsigned int logged;		/* source lines this tick */
	unsigned int unlogged;
	uint64_t verified_tcp;		/* handshakes seen this tick */
	/* Expired blocks and verified sources no longer act (the program
	 * checks expires_ns itself): deleting them and counting what is
	 * left walks both maps, so it is done every GC_INTERVAL_NS only (a
	 * quarter of --block-time when that is shorter). */
	uint64_t next_gc_ns;
	uint64_t nr_learnt;		/* learnt blocks at the last walk */
	int verified;			/* verified sources at the last walk */
	struct xst_block_entry *blocks;	/* for counting the learnt entries */
	struct xst_filter_event ev[EVENTS_BATCH];
	struct xst_guard_state gs;
};

int xst_guard_wanted(const struct xst_daemon *d)
{
	int i;

	if (d->cfg.guard.off)
		return 0;
	for (i = 0; i < d->nr_svc; i++)
		if (d->svc[i].svc == &xst_service_filter || d->svc[i].svc == &xst_service_dns)
			return 1;
	return 0;
}

static void source_line(struct xst_guard *g, const char *fmt, const struct xst_prefix *p,
			const char *why)
{
	char buf[INET6_ADDRSTRLEN + 8];

	if (g->logged >= LOG_PER_TICK) {
		g->unlogged++;
		return;
	}
	g->logged++;
	xst_prefix_format(p, buf, sizeof(buf));
	pr_info(fmt, buf, why);
}

/* Once per block: an alert, the scan and the other CPUs' alerts report the
 * same prefix again until it expires. */
static void learn_block(struct xst_guard *g, const struct xst_prefix *p, uint64_t now,
			enum xst_block_reason why, const char *what)
{
	int err;

	if (xst_learnt_has(&g->learnt, p, now))
		return;
	err = xst_steer_block_learn(&g->d->maps, p, now + g->block_ns, why);
	if (err < 0) {
		pr_warn("learn a block: %s\n", strerror(-err));
		return;
	}
	/* 1: a manual entry holds the prefix; no need to ask again either. */
	xst_learnt_put(&g->learnt, p, now + g->block_ns);
	if (err == 0)
		source_line(g, "blocked %s for the block time: %s\n", p, what);
}

static void event(struct xst_guard *g, const struct xst_filter_event *e, uint64_t now)
{
	int family = e->family == 4 ? AF_INET : AF_INET6;
	struct xst_prefix p = { .family = family, .len = family == AF_INET ? 32 : 128 };
	struct xst_detect *det = xst_svc_filter_detect(xst_svc_filter_state(g->d));
	char what[XST_GUARD_NAME_LEN + 64];

	if (e->kind == XST_FILTER_EV_VERIFIED) {
		xst_steer_verified_add(&g->d->maps, family, e->addr, now + g->verify_ns);
		return;
	}
	if (e->kind != XST_FILTER_EV_BLOCK)
		return;
	memcpy(p.addr, e->addr, family == AF_INET ? 4 : 16);
	if (e->reason == XST_BLOCK_NXFLOOD)
		snprintf(what, sizeof(what), "unknown names of %s under attack",
			 det ? xst_detect_zone_name(det, e->zone) : "a zone");
	else
		snprintf(what, sizeof(what), "malformed queries");
	learn_block(g, &p, now, e->reason == XST_BLOCK_NXFLOOD ? XST_BLOCK_NXFLOOD
							       : XST_BLOCK_MALFORMED, what);
}

static void drain_events(struct xst_guard *g, uint64_t now)
{
	void *fs = xst_svc_filter_state(g->d);
	uint32_t n, i, total = 0;

	if (!fs)
		return;
	do {
		n = xst_svc_filter_events(fs, g->ev, EVENTS_BATCH);
		for (i = 0; i < n; i++)
			event(g, &g->ev[i], now);
		total += n;
	} while (n && total < EVENTS_MAX);
}

struct scan {
	struct xst_guard *g;
	uint64_t now;
	uint32_t keys;
};

static int on_bucket(void *arg, const struct xst_bucket_sum *b)
{
	struct scan *sc = arg;
	struct xst_guard *g = sc->g;
	uint64_t delta;
	char what[64];

	if (++sc->keys > XST_MAX_BUCKETS)
		return 1;	/* bounded: the map holds no more */
	if (xst_learn_observe(&g->learn, b, &delta)) {
		struct xst_prefix p;

		xst_learn_prefix(&b->key, &p);
		snprintf(what, sizeof(what), "over its token bucket, %llu dropped",
			 (unsigned long long)delta);
		learn_block(g, &p, sc->now, XST_BLOCK_RATE, what);
	}
	return 0;
}

/* A bucket dropped another --learn-threshold packets on one CPU. */
static void on_alert(void *arg, const struct xst_alert *al)
{
	struct xst_guard *g = arg;
	struct xst_prefix p;
	char what[96];

	if (al->key.level >= XST_BUCKET_LEVELS)
		return;	/* not a key the program makes */
	xst_learn_prefix(&al->key, &p);
	snprintf(what, sizeof(what), "over its token bucket, %llu dropped on cpu %u (alert)",
		 (unsigned long long)al->dropped, al->cpu);
	learn_block(g, &p, g->alert_now, XST_BLOCK_RATE, what);
}

int xst_guard_alerts_fd(const struct xst_guard *g)
{
	return g && g->alerts ? xst_steer_alerts_fd(g->alerts) : -1;
}

void xst_guard_alerts(struct xst_guard *g, uint64_t now)
{
	int n;

	if (!g || !g->alerts)
		return;
	g->alert_now = now;
	n = xst_steer_alerts_drain(g->alerts, on_alert, g);
	if (n >= 0)
		return;
	pr_warn("read the token bucket alerts: %s; flooding sources are learnt by the scan "
		"once a second only\n", strerror(-n));
	xst_steer_alerts_close(g->alerts);
	g->alerts = NULL;
}

static void top_text(const struct xst_learn *l, char *buf, size_t len)
{
	struct xst_bucket_key k = { .level = l->top[0].level };
	struct xst_prefix p;

	if (!l->nr_top) {
		snprintf(buf, len, "-");
		return;
	}
	memcpy(k.addr, l->top[0].addr, sizeof(k.addr));
	xst_learn_prefix(&k, &p);
	xst_prefix_format(&p, buf, len);
}

static void scan_buckets(struct xst_guard *g, uint64_t now)
{
	struct scan sc = { .g = g, .now = now };
	struct xst_learn *l = &g->learn;
	char top[INET6_ADDRSTRLEN + 8];
	int err;

	xst_learn_begin(l, now);
	err = xst_steer_buckets_scan(&g->d->maps, on_bucket, &sc);
	if (err < 0)
		pr_warn("scan the token buckets: %s\n", strerror(-err));
	switch (xst_learn_end(l)) {
	case XST_LEARN_FLOOD_START:
		top_text(l, top, sizeof(top));
		pr_info("rate flood: %u source(s) over their buckets, %llu dropped/s, top %s\n",
			l->over, (unsigned long long)xst_learn_rate(l), top);
		break;
	case XST_LEARN_FLOOD_END:
		pr_info("rate flood ended after %llu s: %llu dropped, at most %llu/s\n",
			(unsigned long long)((now - l->flood_since_ns) / 1000000000ULL),
			(unsigned long long)l->flood_dropped, (unsigned long long)l->flood_peak);
		break;
	default:
		break;
	}
}

static void on_tcp(void *arg, int family, const uint8_t *addr)
{
	struct xst_guard *g = arg;

	if (!xst_steer_verified_add(&g->d->maps, family, addr,
				    g->learn.now_ns + g->verify_ns))
		g->verified_tcp++;
}

static void verify_tcp(struct xst_guard *g)
{
	int n;

	if (g->sd < 0)
		return;
	n = xst_sockdiag_established(g->sd, XST_DNS_PORT, on_tcp, g);
	if (n < 0) {
		pr_warn("list the TCP/53 connections (sock_diag): %s; sources are no longer "
			"verified by TCP\n", strerror(-n));
		close(g->sd);
		g->sd = -1;
	}
}

uint32_t xst_guard_scale(uint64_t steered, uint64_t unsampled, uint32_t sample)
{
	uint64_t s;

	if (!sample)
		sample = 1;
	if (!steered)
		return sample;	/* nothing steered: nothing to measure either */
	s = (steered + unsampled + steered / 2) / steered;
	return s < 1 ? 1 : s > sample ? sample : (uint32_t)s;
}

/*
 * Filter mode, from the filter's query count and XDP's pass_unsampled over
 * the last interval:
 *  - peacetime: the detector's scale is what XDP really steered, not the
 *    configured sample: over --filter-peace-rate a CPU steers every
 *    unverified query, and rates scaled by the sample would then be many
 *    times too high (a false attack, local thresholds near 1);
 *  - the peacetime bucket of a CPU still lets its rate through to the
 *    sampling while a flood goes on (most of it XDP_PASSed, unfiltered):
 *    unverified queries at --filter-peace-rate or more per second with
 *    less than half of the sampling left (over the bucket somewhere) set
 *    XST_F_FILTER_INSPECT, as an attack does, until they stayed under the
 *    rate for --attack-hold. Then the pass budget bounds them all.
 */
static void measure(struct xst_guard *g, struct xst_detect *det, uint64_t now)
{
	const struct xst_guard_config *c = &g->d->cfg.guard;
	uint64_t steered, unsampled, ds, du, dt, rate;
	uint32_t scale;

	if (xst_steer_stats_read(&g->d->maps, &g->st)) {
		g->have_counts = 0;
		return;
	}
	steered = xst_svc_filter_queries(xst_svc_filter_state(g->d));
	unsampled = g->st.stat[XST_STAT_PASS_UNSAMPLED].packets;
	if (g->have_counts && steered >= g->steered && unsampled >= g->unsampled &&
	    now > g->counted_ns) {
		ds = steered - g->steered;
		du = unsampled - g->unsampled;
		dt = now - g->counted_ns;
		rate = (ds + du) * 1000000000ULL / dt;
		if (!g->inspect) {
			scale = xst_guard_scale(ds, du, c->sample);
			if (det)
				xst_detect_set_scale(det, scale);
			if (c->peace.rate && rate >= c->peace.rate && 2 * scale <= c->sample)
				g->peace_until_ns = now + (uint64_t)c->attack_hold_ms * 1000000ULL;
		} else if (c->peace.rate && rate >= c->peace.rate && g->peace_until_ns) {
			g->peace_until_ns = now + (uint64_t)c->attack_hold_ms * 1000000ULL;
		}
		if (!g->peace_over && g->peace_until_ns > now)
			pr_info("unverified queries over the peacetime rate (%llu/s, %u/s per CPU): "
				"inspecting every one\n", (unsigned long long)rate, c->peace.rate);
		else if (g->peace_over && g->peace_until_ns <= now)
			pr_info("unverified queries back under the peacetime rate for %u s\n",
				c->attack_hold_ms / 1000);
		g->peace_over = g->peace_until_ns > now;
		if (!g->peace_over)
			g->peace_until_ns = 0;
	}
	g->steered = steered;
	g->unsampled = unsampled;
	g->counted_ns = now;
	g->have_counts = 1;
}

static void detect(struct xst_guard *g, uint64_t now)
{
	struct xst_detect *det = xst_svc_filter_detect(xst_svc_filter_state(g->d));
	struct xst_detect_event ev[XST_GUARD_ZONES];
	uint32_t n, i;
	int any, err;

	if (g->filter)
		measure(g, det, now);
	n = det ? xst_detect_tick(det, now, ev, XST_GUARD_ZONES) : 0;
	for (i = 0; i < n; i++) {
		if (ev[i].started)
			pr_info("attack started: random subdomains of %s, %llu unknown names/s, "
				"%llu distinct\n", ev[i].name, (unsigned long long)ev[i].unknown_rate,
				(unsigned long long)ev[i].distinct_rate);
		else
			pr_info("attack ended on %s after %llu s: %llu challenged, %llu dropped\n",
				ev[i].name, (unsigned long long)ev[i].duration_s,
				(unsigned long long)ev[i].challenged,
				(unsigned long long)ev[i].dropped);
	}
	any = (det && xst_detect_any_active(det)) || g->peace_over;
	if (any == g->inspect || !g->filter)
		return;
	/* Under attack every unverified query is inspected, not 1 in sample:
	 * the detector's rates are then what it sees. */
	err = any ? xst_steer_set_flags(&g->d->maps, XST_F_FILTER_INSPECT, 0)
		  : xst_steer_set_flags(&g->d->maps, 0, XST_F_FILTER_INSPECT);
	if (err) {
		pr_warn("%s XST_F_FILTER_INSPECT: %s\n", any ? "set" : "clear", strerror(-err));
		return;
	}
	g->inspect = any;
	if (det)
		xst_detect_set_scale(det, any ? 1 : g->d->cfg.guard.sample);
	/* The counts of an interval with the flag changing are no measure. */
	g->have_counts = 0;
	pr_info("%s\n", any ? "inspecting every unverified query while the attack lasts"
			    : "no attack left: back to inspecting 1 in the sample");
}

static uint64_t learnt_blocks(struct xst_guard *g)
{
	int n = xst_steer_block_list(&g->d->maps, g->blocks, 2 * XST_MAX_BLOCKS), i;
	uint64_t c = 0;

	if (n > 2 * XST_MAX_BLOCKS)
		n = 2 * XST_MAX_BLOCKS;
	for (i = 0; i < n; i++)
		if (g->blocks[i].reason != XST_BLOCK_MANUAL)
			c++;
	return c;
}

static void publish(struct xst_guard *g, uint64_t now, int verified)
{
	struct xst_detect *det = xst_svc_filter_detect(xst_svc_filter_state(g->d));
	struct xst_guard_state *s = &g->gs;
	uint32_t i, nz;

	memset(s, 0, sizeof(*s));
	s->abi_version = XST_ABI_VERSION;
	s->pid = (__u32)getpid();
	s->updated_ns = now;
	s->mode = g->filter ? 1 : 2;
	s->nr_sources = g->learn.nr_top;
	memcpy(s->top, g->learn.top, sizeof(s->top[0]) * g->learn.nr_top);
	nz = det ? xst_detect_nr_zones(det) : 0;
	/* The zones under attack first, then those that were. */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < nz && s->nr_zones < XST_GUARD_ZONES; i++) {
			struct xst_guard_zone z;

			xst_detect_zone_info(det, i, &z);
			if (pass == 0 ? !z.active : (z.active || z.kind == XST_ATTACK_NONE))
				continue;
			s->zone[s->nr_zones++] = z;
		}
	}
	s->learnt_blocks = g->nr_learnt;
	s->verified = verified > 0 ? (uint64_t)verified : 0;
	xst_steer_guard_write(&g->d->maps, s);
}

void xst_guard_tick(struct xst_guard *g, uint64_t now)
{
	int verified;

	if (!g)
		return;
	g->verified_tcp = 0;
	drain_events(g, now);
	if (g->rate)
		scan_buckets(g, now);
	else
		g->learn.now_ns = now;
	verify_tcp(g);
	if (now >= g->next_gc_ns) {
		/* every 10 s, or a quarter of a short --block-time (1 s at least) */
		uint64_t gc = g->block_ns / 4 < GC_INTERVAL_NS ? g->block_ns / 4 : GC_INTERVAL_NS;

		g->next_gc_ns = now + (gc < 1000000000ULL ? 1000000000ULL : gc);
		if (xst_steer_block_expire(&g->d->maps, now) < 0)
			pr_debug("expire the learnt blocks failed\n");
		g->nr_learnt = learnt_blocks(g);
		g->verified = xst_steer_verified_expire(&g->d->maps, now);
	}
	verified = g->verified;
	detect(g, now);
	/* The bound covers the alerts since the last tick too. */
	if (g->unlogged)
		pr_info("... and %u more source(s) blocked in this second\n", g->unlogged);
	g->logged = 0;
	g->unlogged = 0;
	publish(g, now, verified);
}

/* XDP's alerts of dropping buckets (config alert_drops, set with the
 * limits); without them the scan once a second learns alone. */
static void open_alerts(struct xst_guard *g)
{
	struct xst_filter_limits l;
	int err;

	err = xst_steer_alerts_open(&g->d->maps, &g->alerts);
	if (!err) {
		pr_info("token bucket alerts: a bucket that drops %u packets on one CPU gets its "
			"prefix blocked at once\n", g->d->cfg.guard.learn_threshold);
		return;
	}
	g->alerts = NULL;
	pr_warn("open the token bucket alerts (alerts_map): %s; flooding sources are learnt by "
		"the scan once a second only\n", strerror(-err));
	/* No reader: the program need not fill the ring. */
	if (!xst_steer_get_filter(&g->d->maps, &l)) {
		l.alert_drops = 0;
		xst_steer_set_filter(&g->d->maps, &l);
	}
}

/* The sock_ops program: a TCP/53 handshake verifies its source in the
 * kernel at once. sock_diag (once a second) stays on either way: it also
 * sees connections of before the attach, and it is the fallback. */
static void attach_verify(struct xst_guard *g)
{
	const char *cg = g->d->cfg.guard.verify_cgroup;
	const char *where = cg ? cg : "the root cgroup v2";
	int err = xst_steer_verify_attach(&g->d->maps, cg, &g->verify);

	if (!err) {
		pr_info("TCP/53 handshakes verify their sources in the kernel (sock_ops program "
			"id %u on %s)\n", xst_steer_verify_prog_id(g->verify), where);
		return;
	}
	g->verify = NULL;
	pr_warn("attach the TCP/53 verifier (sock_ops on %s): %s%s; sources are verified by "
		"listing the TCP/53 connections once a second (sock_diag) instead\n", where,
		strerror(-err), err == -ENOENT || err == -ENOTDIR || err == -EMEDIUMTYPE
		? (cg ? " (not a cgroup v2 directory)"
		      : " (no cgroup v2 at /sys/fs/cgroup; see --verify-cgroup)") : "");
}

int xst_guard_create(struct xst_guard **out, struct xst_daemon *d)
{
	const struct xst_guard_config *c = &d->cfg.guard;
	struct xst_guard *g;
	int err;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->d = d;
	g->filter = c->filter;
	g->rate = !c->no_rate;
	/* Verified sources matter in filter mode only (XDP passes them to
	 * the kernel server); serve mode steers every query. */
	g->verify_ns = c->filter ? (uint64_t)c->verify_time_ms * 1000000ULL : 0;
	g->block_ns = (uint64_t)c->block_time_ms * 1000000ULL;
	g->blocks = calloc(2 * XST_MAX_BLOCKS, sizeof(*g->blocks));
	if (!g->blocks) {
		err = -ENOMEM;
		goto err_free;
	}
	err = xst_learn_init(&g->learn, LEARN_SLOTS, c->learn_threshold,
			     (uint64_t)c->attack_hold_ms * 1000000ULL);
	if (err)
		goto err_blocks;
	err = xst_learnt_init(&g->learnt, LEARNT_SLOTS);
	if (err)
		goto err_learn;
	if (g->rate)
		open_alerts(g);
	if (g->verify_ns)
		attach_verify(g);
	g->sd = g->verify_ns ? xst_sockdiag_open() : -EOPNOTSUPP;
	if (g->sd < 0 && g->verify_ns)
		pr_warn("open a sock_diag socket: %s; sources are not verified by TCP\n",
			strerror(-g->sd));
	*out = g;
	return 0;

err_learn:
	xst_learn_fini(&g->learn);
err_blocks:
	free(g->blocks);
err_free:
	free(g);
	pr_err("set up the flood defence: %s\n", strerror(-err));
	return err;
}

void xst_guard_destroy(struct xst_guard *g)
{
	if (!g)
		return;
	if (g->inspect && g->d->maps_open)
		xst_steer_set_flags(&g->d->maps, 0, XST_F_FILTER_INSPECT);
	if (g->d->maps_open) {
		memset(&g->gs, 0, sizeof(g->gs));
		xst_steer_guard_write(&g->d->maps, &g->gs);
	}
	xst_steer_verify_detach(g->verify);
	xst_steer_alerts_close(g->alerts);
	if (g->sd >= 0)
		close(g->sd);
	xst_learnt_fini(&g->learnt);
	xst_learn_fini(&g->learn);
	free(g->blocks);
	free(g);
}
