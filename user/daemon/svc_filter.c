// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS flood defence in the registry (daemon/registry.h): its options
 * (one --help section, "DNS flood defence", for both modes), and with
 * --dns-filter the "dnsfilter" service: udp/53 goes through the XDP filter
 * stage to the workers' filter handler (svc/dns_filter.h) instead of the
 * DNS service, which is then off even with --zone; the zones are loaded by
 * the same loader (daemon/zones.h) to tell the filter which names exist,
 * and reloaded on SIGHUP. No TCP/53 socket of our own: the kernel's DNS
 * server owns TCP/53. The server-cookie secrets are the DNS service's
 * (daemon/cookies.h: --cookie-secret, --no-cookies), rotated by our tick.
 */
#include <errno.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "daemon/cookies.h"
#include "daemon/daemon.h"
#include "daemon/registry.h"
#include "daemon/svc_filter.h"
#include "daemon/zones.h"
#include "filter/cookie.h"
#include "filter/detect.h"
#include "net/net.h"
#include "svc/dns_filter.h"
#include "svc/passback.h"

#define F(field) offsetof(struct xst_config, guard.field)

static const struct xst_opt_choice unknown_choices[] = {
	{ "challenge", XST_FILTER_CHALLENGE },
	{ "drop", XST_FILTER_DROP },
	{ NULL, 0 },
};

/* Shared by both modes; listed under the filter service's heading. */
static const struct xst_option guard_options[] = {
	{ .kind = XST_OPT_SET, .name = "dns-filter", .off = F(filter), .value = 1,
	  .help = "filter mode: a kernel DNS server on this host (NSD, Knot, BIND, Unbound) "
		  "answers, xdpstorm only filters UDP/53 in front of it. Queries that pass reach "
		  "the kernel server with their real source addresses; the rest are dropped or "
		  "challenged. --zone then only tells the filter which names exist (nothing is "
		  "answered from it). xdpstorm opens no TCP/53 socket: the kernel server keeps "
		  "TCP/53, where challenged resolvers retry. Needs --iface; combines with "
		  "--http-root" },
	{ .kind = XST_OPT_ENUM, .name = "filter-unknown", .off = F(unknown), .metavar = "WHAT",
	  .choices = unknown_choices,
	  .help = "filter mode, while a zone is under random-subdomain attack: what becomes of "
		  "an unverified query for a name that does not exist: challenge (a TC=1 reply; a "
		  "real resolver retries over TCP, which a spoofed source cannot complete) or "
		  "drop" },
	{ .kind = XST_OPT_UINT, .name = "filter-sample", .off = F(sample), .min = 1,
	  .max = 1U << 20, .metavar = "N",
	  .help = "filter mode, in peacetime: 1 in N queries from unverified sources is "
		  "inspected by the filter (to see an attack coming), the others go straight to "
		  "the kernel server; while an attack is on, all of them are inspected" },
	{ .kind = XST_OPT_RATE, .name = "rate-host", .off = F(host), .min = 1, .max = 100000000,
	  .metavar = "N[/BURST]",
	  .help = "token bucket in XDP per source address (IPv4) or /64 (IPv6), per CPU: N "
		  "queries per second with bursts of BURST (2 N when left out); queries over it are "
		  "dropped before they cost a socket frame (both modes)" },
	{ .kind = XST_OPT_RATE, .name = "rate-net", .off = F(net), .min = 1, .max = 100000000,
	  .metavar = "N[/BURST]",
	  .help = "the same per IPv4 /24 and IPv6 /56" },
	{ .kind = XST_OPT_RATE, .name = "filter-pass-rate", .off = F(pass), .min = 0,
	  .max = 100000000, .metavar = "N[/BURST]",
	  .help = "filter mode: the filter passes at most N queries of unverified sources per "
		  "second to the kernel server (all workers together, split evenly among them; "
		  "bursts of BURST, 2 N when left out): known names, names outside the zones, "
		  "unknown names while no attack is declared. Over it they are challenged (TC=1, "
		  "with a server cookie): a real resolver retries over TCP, gets verified and is "
		  "then passed in XDP; a spoofed source cannot. This bounds what reaches the "
		  "server before the detector has spoken. Class CH counts the same; NOTIFY, TSIG, "
		  "EDNS versions other than 0 and other opcodes count too and are dropped over it. "
		  "Not counted: verified sources. 0: no budget" },
	{ .kind = XST_OPT_RATE, .name = "filter-challenge-rate", .off = F(challenge), .min = 0,
	  .max = 100000000, .metavar = "N[/BURST]",
	  .help = "filter mode: at most N challenges per second (all workers together, bursts "
		  "of BURST); over it the query is dropped instead. A challenge is a reply to a "
		  "source that may be spoofed, about as large as the query: this bounds what the "
		  "filter reflects at a victim. 0: no bound" },
	{ .kind = XST_OPT_RATE, .name = "filter-peace-rate", .off = F(peace), .min = 0,
	  .max = 100000000, .metavar = "N[/BURST]",
	  .help = "filter mode, in XDP per CPU: up to N queries of unverified sources per second "
		  "(bursts of BURST) are peacetime and sampled (--filter-sample); over it every "
		  "one is steered to the filter at once, as under attack, without waiting for the "
		  "detector's tick, and so for a second after the last one over; while a flood keeps it over, the daemon inspects every one "
		  "from its next tick on, until the rate stayed below for --attack-hold. 0: "
		  "sampling only" },
	{ .kind = XST_OPT_SET, .name = "no-rate", .off = F(no_rate), .value = 1,
	  .help = "no token buckets (learnt blocks then come only from the filter's findings)" },
	{ .kind = XST_OPT_UINT, .name = "learn-threshold", .off = F(learn_threshold), .min = 1,
	  .max = 100000000, .metavar = "N",
	  .help = "a source address or prefix whose token bucket has dropped N queries on one "
		  "CPU is blocked in XDP for --block-time: XDP alerts the daemon through a ring "
		  "buffer at every N-th drop, so the block comes within milliseconds; the scan of "
		  "the buckets once a second also blocks one that dropped N or more in that second. "
		  "Logged once per prefix; xdpstormctl block list shows it with reason rate and its "
		  "remaining time" },
	{ .kind = XST_OPT_MS, .name = "block-time", .off = F(block_time_ms), .min = 1000,
	  .max = 86400000, .metavar = "TIME",
	  .help = "how long a learnt block lasts (e.g. 90s, 10m, 1h); manual blocks stay until "
		  "removed" },
	{ .kind = XST_OPT_MS, .name = "verify-time", .off = F(verify_time_ms), .min = 1000,
	  .max = 86400000, .metavar = "TIME",
	  .help = "how long a verified source is exempt from challenges; in filter mode XDP "
		  "passes its queries to the kernel server directly. A source is verified by a "
		  "valid server cookie or by a completed TCP/53 handshake: a sock_ops program on "
		  "the root cgroup v2 (/sys/fs/cgroup) sees the handshake in the kernel at once; "
		  "where it cannot be attached (no cgroup v2, no permission: a warning) the "
		  "established connections are listed once a second (sock_diag)" },
	{ .kind = XST_OPT_STR, .name = "verify-cgroup", .off = F(verify_cgroup), .metavar = "DIR",
	  .help = "the cgroup v2 directory whose sockets the TCP/53 verifier (sock_ops) watches "
		  "(default: the root, /sys/fs/cgroup or /sys/fs/cgroup/unified on a hybrid "
		  "layout: every process of the host). Give it where /sys has no cgroup v2, e.g. "
		  "under ip netns exec, which mounts a fresh /sys: mount -t cgroup2 none DIR" },
	{ .kind = XST_OPT_UINT, .name = "attack-unknown", .off = F(attack_unknown), .min = 1,
	  .max = 100000000, .metavar = "N",
	  .help = "random-subdomain detection: N or more queries per second for names that do "
		  "not exist under one zone start an attack on that zone (with --attack-distinct)" },
	{ .kind = XST_OPT_UINT, .name = "attack-distinct", .off = F(attack_distinct), .min = 1,
	  .max = 100000000, .metavar = "N",
	  .help = "... and N or more distinct such names per second" },
	{ .kind = XST_OPT_MS, .name = "attack-hold", .off = F(attack_hold_ms), .min = 1000,
	  .max = 86400000, .metavar = "TIME",
	  .help = "an attack ends when its zone stayed under both thresholds this long" },
	{ .kind = XST_OPT_SET, .name = "no-guard", .off = F(off), .value = 1,
	  .exclusive = "dns-filter",
	  .help = "no XDP filter stage: udp/53 is steered as it is, without token buckets, "
		  "learnt blocks or the drop of responses and short packets in XDP (serve mode "
		  "only)" },
	{ .kind = XST_OPT_END },
};

#undef F

/* A source sending more malformed queries per second than this, or more
 * unknown names of an attacked zone, is reported for a learnt block. */
#define BLOCK_MALFORMED_PER_S	50
#define BLOCK_NXFLOOD_PER_S	100

struct filter_svc {
	struct xst_rcu_ptr db;		/* const struct xst_dns_db *; NULL without --zone */
	struct xst_daemon_cookies cookies;	/* NULL keys with --no-cookies */
	struct xst_detect *detect;	/* NULL without --zone */
	struct xst_passback *pb;
	struct xst_dns_filter *f[XST_MAX_QUEUES];
	unsigned int nr;		/* workers with a filter */
	unsigned int next;		/* the worker drained first next time */
};

static int filter_enabled(const struct xst_config *cfg)
{
	return cfg->guard.filter;
}

static int filter_load(struct xst_daemon *d, void **state)
{
	struct xst_dns_db *db = NULL;
	struct filter_svc *s;
	int err;

	if (d->cfg.dns.nr_zones) {
		err = xst_daemon_zones_build(&d->cfg, &db);
		if (err)
			return err;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		err = -ENOMEM;
		goto err_free;
	}
	/* --cookie-secret: the kernel server's secret, so that the cookies it
	 * hands out verify here too (and ours there). */
	err = xst_daemon_cookies_init(&s->cookies, &d->cfg, xst_daemon_mono_s());
	if (err)
		goto err_free;
	xst_rcu_ptr_init(&s->db, db);
	*state = s;
	return 0;

err_free:
	free(s);
	xst_dns_db_destroy(db);
	return err;
}

static void filter_report(struct xst_daemon *d, void *state, const char *verb)
{
	const struct xst_guard_config *g = &d->cfg.guard;
	struct filter_svc *s = state;
	const struct xst_dns_db *db = xst_rcu_deref(&s->db);

	if (db)
		xst_daemon_zones_log(verb, db, &d->cfg);
	else
		pr_info("%s no zone: every well-formed query is passed (no random-subdomain "
			"detection; give --zone for it)\n", verb);
	pr_info("filter mode: udp/53 filtered in front of the kernel's DNS server; 1 in %u "
		"unverified queries inspected in peacetime, all under attack; unknown names of "
		"an attacked zone %s\n", g->sample,
		g->unknown == XST_FILTER_DROP ? "dropped" : "challenged (TC=1)");
	if (db)
		pr_info("filter mode: attack on a zone at %u unknown and %u distinct names/s, over "
			"after %u s below\n", g->attack_unknown, g->attack_distinct,
			g->attack_hold_ms / 1000);
	if (g->no_rate)
		pr_info("filter mode: no token buckets (--no-rate)\n");
	else
		pr_info("filter mode: token buckets %u/s burst %u per /32 and /64, %u/s burst %u per "
			"/24 and /56, per CPU; learnt block at %u drops (per CPU, alerted; or per "
			"second) for %u s\n", g->host.rate,
			g->host.burst, g->net.rate, g->net.burst, g->learn_threshold,
			g->block_time_ms / 1000);
	pr_info("filter mode: sources verified (TCP/53 handshake, server cookie) for %u s\n",
		g->verify_time_ms / 1000);
	if (g->pass.rate)
		pr_info("filter mode: at most %u unverified queries/s (burst %u) passed on their "
			"name, the rest challenged\n", g->pass.rate, g->pass.burst);
	else
		pr_info("filter mode: no pass budget (--filter-pass-rate 0)\n");
	if (g->challenge.rate)
		pr_info("filter mode: at most %u challenges/s (burst %u), the rest dropped\n",
			g->challenge.rate, g->challenge.burst);
	else
		pr_info("filter mode: no challenge budget (--filter-challenge-rate 0)\n");
	if (g->peace.rate)
		pr_info("filter mode: over %u unverified queries/s per CPU (burst %u) XDP steers "
			"every one to the filter, below it 1 in %u\n", g->peace.rate,
			g->peace.burst, g->sample);
	else
		pr_info("filter mode: no peacetime bucket (--filter-peace-rate 0): 1 in %u until "
			"an attack is declared\n", g->sample);
}

/* The detector over the database's zones, named as the database names them. */
static int make_detect(struct xst_daemon *d, struct filter_svc *s)
{
	const struct xst_dns_db *db = xst_rcu_deref(&s->db);
	static char names[XST_MAX_ZONES][XST_GUARD_NAME_LEN];
	const char *np[XST_MAX_ZONES];
	struct xst_detect_cfg dc = {
		.nr_workers = d->cfg.queues,
		.unknown_min = d->cfg.guard.attack_unknown,
		.distinct_min = d->cfg.guard.attack_distinct,
		.hold_s = d->cfg.guard.attack_hold_ms / 1000,
	};
	size_t i, n;
	int err;

	if (!db)
		return 0;
	n = xst_dns_db_nr_zones(db);
	if (n > XST_MAX_ZONES)
		n = XST_MAX_ZONES;
	for (i = 0; i < n; i++) {
		xst_dns_db_zone_name(db, i, names[i], sizeof(names[i]));
		np[i] = names[i];
	}
	dc.nr_zones = (uint32_t)n;
	dc.zone_names = np;
	err = xst_detect_create(&s->detect, &dc);
	if (err)
		pr_err("create the random-subdomain detector: %s\n", strerror(-err));
	/* Peacetime: XDP steers 1 query in sample; rates are scaled up by it. */
	else
		xst_detect_set_scale(s->detect, d->cfg.guard.sample);
	return err;
}

/* The TUN return path: one per daemon, one queue per worker. */
static int make_passback(struct xst_daemon *d, struct filter_svc *s)
{
	char name[IF_NAMESIZE];
	struct xst_passback_cfg pc = { .name = name, .nr_queues = d->cfg.queues };
	int err;

	snprintf(name, sizeof(name), "xstp%u", d->ifindex);
	err = xst_passback_create(&s->pb, &pc);
	if (err)
		pr_err("create the return path to the kernel (TUN '%s'): %s\n", name, strerror(-err));
	else
		pr_info("return path: TUN '%s', %u queue(s); passed queries reach the kernel's DNS "
			"server through it\n", name, d->cfg.queues);
	return err;
}

/* A total per second for all workers: each worker's even share, at least 1
 * (0 stays 0: no budget). */
static uint32_t share(uint32_t total, unsigned int workers)
{
	uint32_t v;

	if (!total)
		return 0;
	v = workers > 1 ? total / workers : total;
	return v ? v : 1;
}

static int filter_worker(struct xst_daemon *d, void *state, struct xst_worker *w, unsigned int q)
{
	struct filter_svc *s = state;
	struct xst_dns_filter_cfg fc = {
		.cookies = xst_daemon_cookies_ptr(&s->cookies),
		.worker = q,
		.unknown = (enum xst_filter_unknown)d->cfg.guard.unknown,
		.challenge_any = 1,
		.block_malformed = BLOCK_MALFORMED_PER_S,
		.block_nxflood = BLOCK_NXFLOOD_PER_S,
		/* The budgets are totals of the daemon: the workers share them. */
		.pass_rate = share(d->cfg.guard.pass.rate, d->cfg.queues),
		.pass_burst = share(d->cfg.guard.pass.rate ? d->cfg.guard.pass.burst : 0,
				    d->cfg.queues),
		.challenge_rate = share(d->cfg.guard.challenge.rate, d->cfg.queues),
		.challenge_burst = share(d->cfg.guard.challenge.rate ? d->cfg.guard.challenge.burst
								     : 0, d->cfg.queues),
		/* Local detection at the detector's thresholds (--attack-unknown,
		 * --attack-distinct) split among the workers and divided by the
		 * sampling scale of the moment: 0 lets xst_detect_local() derive
		 * them, so they follow XST_F_FILTER_INSPECT. */
		.local_unknown = 0,
		.local_distinct = 0,
	};
	struct xst_svc_rule rules[XST_SVC_RULES_MAX];
	struct xst_passback_queue *pq;
	int n, err;

	if (q == 0) {
		err = make_detect(d, s);
		if (!err)
			err = make_passback(d, s);
		if (err)
			return err;
	}
	pq = xst_passback_queue(s->pb, q);
	if (!pq) {
		pr_err("the return path has no queue %u\n", q);
		return -EINVAL;
	}
	fc.db = d->cfg.dns.nr_zones ? &s->db : NULL;
	fc.detect = s->detect;
	fc.passback = pq;
	err = xst_dns_filter_create(&s->f[q], &fc);
	if (err) {
		pr_err("create the DNS filter of queue %u: %s\n", q, strerror(-err));
		return err;
	}
	if (q + 1 > s->nr)
		s->nr = q + 1;
	n = xst_daemon_dns_rules(&d->cfg, rules, XST_SVC_RULES_MAX);
	err = xst_worker_add_service(w, &xst_dns_filter_ops, s->f[q], rules, (uint32_t)n);
	if (err < 0) {
		pr_err("add the DNS filter to worker %u: %s\n", q, strerror(-err));
		return err;
	}
	xst_worker_set_pass(w, xst_passback_pass, pq);
	return 0;
}

static int filter_reload(struct xst_daemon *d, void *state)
{
	struct filter_svc *s = state;
	struct xst_cookie_keys *keys = NULL;
	struct xst_dns_db *db = NULL;

	/* A fixed secret first: on any error nothing changes. */
	if (xst_daemon_cookies_reread(&d->cfg, &keys)) {
		pr_err("reload failed; the filter keeps the previous zones and cookie secret\n");
		return -EINVAL;
	}
	if (d->cfg.dns.nr_zones) {
		pr_info("SIGHUP: reloading %u zone(s) (the names the filter knows)\n",
			d->cfg.dns.nr_zones);
		if (xst_daemon_zones_build(&d->cfg, &db)) {
			free(keys);
			pr_err("reload failed; the filter keeps the previous zones\n");
			return -EINVAL;
		}
	}
	if (keys) {
		xst_daemon_cookies_set(&s->cookies, &d->rcu, keys, xst_daemon_mono_s());
		pr_info("cookie secret reloaded from %s\n", d->cfg.dns.cookie_secret);
	}
	if (!db)
		return 0;
	/* The detector counts per zone index: the same zones, the same order. */
	if (s->detect && xst_dns_db_nr_zones(db) != xst_detect_nr_zones(s->detect))
		pr_warn("the reload changed the number of zones (%zu, was %u): random-subdomain "
			"detection keeps the zones of the start until a restart\n",
			xst_dns_db_nr_zones(db), xst_detect_nr_zones(s->detect));
	xst_dns_db_destroy(xst_rcu_replace(&d->rcu, &s->db, db));
	xst_daemon_zones_log("reloaded", db, &d->cfg);
	return 0;
}

/* Main thread, about once a second: replace a random cookie secret every hour. */
static void filter_tick(struct xst_daemon *d, void *state)
{
	struct filter_svc *s = state;

	xst_daemon_cookies_tick(&s->cookies, &d->rcu, xst_daemon_mono_s());
}

static void filter_destroy(struct xst_daemon *d, void *state)
{
	struct filter_svc *s = state;
	unsigned int q;

	(void)d;
	if (!s)
		return;
	for (q = 0; q < XST_MAX_QUEUES; q++)
		xst_dns_filter_destroy(s->f[q]);
	/* After the workers stopped: no pass hook writes to it any more. */
	xst_passback_destroy(s->pb);
	xst_detect_destroy(s->detect);
	xst_dns_db_destroy(xst_rcu_deref(&s->db));
	xst_daemon_cookies_fini(&s->cookies);
	free(s);
}

/* ---- for the guard task (daemon/svc_filter.h) ------------------------------ */

void *xst_svc_filter_state(struct xst_daemon *d)
{
	int i;

	for (i = 0; i < d->nr_svc; i++)
		if (d->svc[i].svc == &xst_service_filter)
			return d->svc[i].state;
	return NULL;
}

struct xst_detect *xst_svc_filter_detect(void *state)
{
	return state ? ((struct filter_svc *)state)->detect : NULL;
}

uint32_t xst_svc_filter_events(void *state, struct xst_filter_event *out, uint32_t max)
{
	struct filter_svc *s = state;
	uint32_t n = 0, k;

	/* Round robin: a worker with a full ring cannot starve the others. */
	for (k = 0; s && k < s->nr && n < max; k++) {
		unsigned int q = (s->next + k) % s->nr;

		if (s->f[q])
			n += xst_dns_filter_events(s->f[q], out + n, max - n);
	}
	if (s && s->nr)
		s->next = (s->next + 1) % s->nr;
	return n;
}

const struct xst_cookie_keys *xst_svc_filter_cookies(void *state)
{
	return state ? xst_rcu_deref(&((struct filter_svc *)state)->cookies.keys) : NULL;
}

uint64_t xst_svc_filter_queries(void *state)
{
	struct filter_svc *s = state;
	uint64_t n = 0;
	unsigned int q;

	for (q = 0; s && q < s->nr; q++)
		if (s->f[q])
			n += __atomic_load_n(&xst_dns_filter_stats(s->f[q])->queries,
					     __ATOMIC_RELAXED);
	return n;
}

const struct xst_service xst_service_filter = {
	.name = "dnsfilter",
	.title = "DNS flood defence (filter mode with --dns-filter)",
	.options = guard_options,
	.enabled = filter_enabled,
	.rules = xst_daemon_dns_rules,
	.load = filter_load,
	.report = filter_report,
	.worker = filter_worker,
	.reload = filter_reload,
	.tick = filter_tick,
	.destroy = filter_destroy,
};
