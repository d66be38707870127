// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS service in the registry (daemon/registry.h): the --zone options,
 * udp/53 steered to the workers' DNS handler (svc/dns_udp.h), DNS over TCP
 * on kernel sockets (svc/dns_tcp.h), the database published by RCU and
 * rebuilt on SIGHUP; the flood defence of serve mode: response rate
 * limiting per worker and DNS server cookies, whose keys are published by
 * RCU and rotated every hour by the main thread's tick (a fixed secret from
 * --cookie-secret is re-read on SIGHUP instead).
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "daemon/cookies.h"
#include "daemon/daemon.h"
#include "daemon/registry.h"
#include "daemon/zones.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "filter/cookie.h"
#include "filter/rrl.h"
#include "net/net.h"
#include "svc/dns_tcp.h"
#include "svc/dns_udp.h"

struct dns_svc {
	struct xst_rcu_ptr db;		/* const struct xst_dns_db * */
	struct xst_daemon_cookies cookies;	/* server-cookie secrets (daemon/cookies.h) */
	struct xst_rrl_cfg rrl;		/* per worker: the rates divided among the queues */
	struct xst_dns_udp *udp[XST_MAX_QUEUES];
	struct xst_dns_tcp *tcp;
};

#define F(field) offsetof(struct xst_config, dns.field)

static const struct xst_opt_choice ahead_choices[] = {
	{ "auto", XST_AHEAD_AUTO },
	{ "on", XST_AHEAD_ON },
	{ "off", XST_AHEAD_OFF },
	{ NULL, 0 },
};

static const struct xst_option dns_options[] = {
	{ .kind = XST_OPT_LIST, .name = "zone", .short_name = 'z', .off = F(zone),
	  .count_off = F(nr_zones), .max = XST_MAX_ZONES, .metavar = "FILE[:ORIGIN]",
	  .help = "RFC 1035 master file to serve; repeat for several zones. The zone's name is "
		  "ORIGIN, else the file's first $ORIGIN, else its SOA owner written absolute, "
		  "else the file name minus .zone/.db. Giving a zone turns the DNS service on." },
	{ .kind = XST_OPT_ENUM, .name = "lookahead", .off = F(lookahead), .metavar = "WHEN",
	  .choices = ahead_choices,
	  .help = "prefetch every query's database lookups across the RX batch before answering "
		  "it: auto (when the compiled zones exceed 4 MiB, i.e. outgrow the caches), on, "
		  "or off" },
	{ .kind = XST_OPT_SET, .name = "tcp", .off = F(tcp), .value = 1,
	  .help = "answer DNS over TCP on port 53 with kernel sockets, one per local address, "
		  "bound to the interface (default)" },
	{ .kind = XST_OPT_SET, .name = "no-tcp", .off = F(tcp), .value = 0,
	  .help = "no DNS over TCP (TC=1 retries then go to the kernel)" },
	{ .kind = XST_OPT_UINT, .name = "tcp-max-conns", .off = F(tcp_max_conns), .min = 1,
	  .max = 65536, .metavar = "N",
	  .help = "DNS-over-TCP connections at once; when all are in use the one idle longest "
		  "is closed for a new one" },
	{ .kind = XST_OPT_UINT, .name = "tcp-per-source", .off = F(tcp_per_source), .min = 1,
	  .max = 65536, .metavar = "N",
	  .help = "connections from one IPv4 address or IPv6 /64" },
	{ .kind = XST_OPT_MS, .name = "tcp-query-timeout", .off = F(tcp_query_timeout_ms),
	  .min = 100, .max = 600000, .metavar = "TIME",
	  .help = "a connection must deliver each complete query within this time of its start "
		  "or of the previous answer (not reset by single bytes)" },
	{ .kind = XST_OPT_MS, .name = "tcp-idle-timeout", .off = F(tcp_idle_timeout_ms),
	  .min = 100, .max = 3600000, .metavar = "TIME",
	  .help = "an open connection with no query pending is closed after this time" },
	{ .kind = XST_OPT_SET, .name = "rrl", .off = F(rrl), .value = 1,
	  .help = "response rate limiting on UDP (default), as BIND, Knot and NSD do it: "
		  "replies are counted per client prefix and per kind (answers per name and "
		  "type, empty answers per name, NXDOMAIN per zone, referrals per delegation, "
		  "errors per prefix alone); over the limit a reply is dropped, or sent as TC=1 "
		  "(see --rrl-slip) so that a real resolver retries over TCP. Queries with a "
		  "valid server cookie are never limited. Stops a spoofed flood from using "
		  "the server to amplify against its victim" },
	{ .kind = XST_OPT_SET, .name = "no-rrl", .off = F(rrl), .value = 0,
	  .help = "no response rate limiting: every query is answered" },
	{ .kind = XST_OPT_UINT, .name = "rrl-responses", .off = F(rrl_responses), .max = 1000000,
	  .metavar = "N",
	  .help = "answers, empty answers and referrals per second to one client prefix for one "
		  "name, for the whole server (each of the Q queues gets N/Q, rounded up: the "
		  "NIC spreads a client's queries over them); 0: not limited. 200 is "
		  "NSD's rrl-ratelimit: far above what a resolver asks of one name, since it "
		  "caches" },
	{ .kind = XST_OPT_UINT, .name = "rrl-nxdomains", .off = F(rrl_nxdomains), .max = 1000000,
	  .metavar = "N",
	  .help = "NXDOMAIN replies per second to one client prefix for one zone (whatever the "
		  "name: a random-subdomain flood is one key); 0: not limited" },
	{ .kind = XST_OPT_UINT, .name = "rrl-errors", .off = F(rrl_errors), .max = 1000000,
	  .metavar = "N",
	  .help = "error replies (FORMERR, REFUSED, NOTIMP, ...) per second to one client "
		  "prefix; 0: not limited" },
	{ .kind = XST_OPT_UINT, .name = "rrl-slip", .off = F(rrl_slip), .max = XST_RRL_SLIP_MAX,
	  .metavar = "N",
	  .help = "of the limited replies send every Nth as TC=1 and drop the others; 1: all "
		  "TC=1, 0: drop all. 2 is BIND's and NSD's: half the spoofed packets "
		  "cost the victim nothing, and a real client needs at most two tries" },
	{ .kind = XST_OPT_UINT, .name = "rrl-window", .off = F(rrl_window), .min = 1,
	  .max = XST_RRL_WINDOW_MAX, .metavar = "SECONDS",
	  .help = "how long a flooding prefix's debt is remembered: it is served again once "
		  "its rate has stayed under the limit for up to this long, when it stops asking (15 is BIND's)" },
	{ .kind = XST_OPT_UINT, .name = "rrl-ipv4-prefix", .off = F(rrl_ipv4_prefix), .min = 1,
	  .max = 32, .metavar = "BITS",
	  .help = "IPv4 clients are counted per prefix of this length" },
	{ .kind = XST_OPT_UINT, .name = "rrl-ipv6-prefix", .off = F(rrl_ipv6_prefix), .min = 1,
	  .max = 128, .metavar = "BITS",
	  .help = "IPv6 clients are counted per prefix of this length (56 is BIND's)" },
	{ .kind = XST_OPT_SET, .name = "cookies", .off = F(cookies), .value = 1,
	  .help = "DNS cookies (RFC 7873) with interoperable server cookies (RFC 9018), on by "
		  "default: a query with a COOKIE option gets our server cookie back, and a "
		  "client returning a valid one has proven its address (exempt from rate "
		  "limiting). The secret is random and replaced every hour (the previous one "
		  "is still accepted), unless --cookie-secret gives one" },
	{ .kind = XST_OPT_SET, .name = "no-cookies", .off = F(cookies), .value = 0,
	  .help = "ignore COOKIE options (replies carry none; with --dns-filter: challenges "
		  "carry none and no source is verified by a cookie)" },
	{ .kind = XST_OPT_STR, .name = "cookie-secret", .off = F(cookie_secret), .metavar = "FILE",
	  .help = "the server-cookie secret from FILE, so that the servers of an anycast set "
		  "accept each other's cookies (as NSD's cookie-secret-file, BIND's "
		  "cookie-secret): one line of 32 hex digits, optionally a second line with the "
		  "previous secret, still accepted; '#' lines are comments. Not rotated: write "
		  "the new secret first, keep the old second, and send SIGHUP. With --dns-filter "
		  "give the kernel server's secret: the cookies it hands out then verify their "
		  "sources in the filter too" },
	{ .kind = XST_OPT_STR, .name = "identity", .off = F(identity), .metavar = "STR",
	  .help = "the TXT answer to CHAOS-class id.server and hostname.bind queries (as NSD's "
		  "identity; default: the host name)" },
	{ .kind = XST_OPT_STR, .name = "version-string", .off = F(version_string),
	  .metavar = "STR",
	  .help = "the TXT answer to CHAOS-class version.bind and version.server queries (as "
		  "NSD's version; default: \"xdpstorm " XST_VERSION "\")" },
	{ .kind = XST_OPT_SET, .name = "hide-identity", .off = F(hide_identity), .value = 1,
	  .help = "refuse id.server and hostname.bind (REFUSED, EDE 18), as NSD's hide-identity" },
	{ .kind = XST_OPT_SET, .name = "hide-version", .off = F(hide_version), .value = 1,
	  .help = "refuse version.bind and version.server (REFUSED, EDE 18), as NSD's "
		  "hide-version" },
	{ .kind = XST_OPT_END },
};

#undef F

static int dns_enabled(const struct xst_config *cfg)
{
	/* --dns-filter: the zones only tell the filter service which names exist. */
	return cfg->dns.nr_zones > 0 && !cfg->guard.filter;
}

int xst_daemon_dns_rules(const struct xst_config *cfg, struct xst_svc_rule *out, int max)
{
	(void)cfg;
	if (max < 1)
		return 0;
	out[0].proto = XST_IPPROTO_UDP;
	out[0].port = XST_DNS_PORT;
	return 1;
}

/* ---- zones ------------------------------------------------------------------ */

static void log_zone_error(const char *what, const struct xst_zone_error *e, int err)
{
	if (e->file[0] && e->line)
		pr_err("%s:%u: %s\n", e->file, e->line, e->reason);
	else if (e->reason[0])
		pr_err("%s: %s\n", e->file[0] ? e->file : what, e->reason);
	else
		pr_err("%s: %s\n", what, strerror(-err));
}

/*
 * "FILE" or "FILE:ORIGIN" (when FILE:ORIGIN is not itself a file): the path
 * into buf, and the origin or NULL (then the file decides: $ORIGIN, an
 * absolute SOA owner, else its name minus .zone/.db).
 */
static const char *zone_origin(const char *arg, char *buf, size_t cap)
{
	const char *colon = strrchr(arg, ':');

	snprintf(buf, cap, "%s", arg);
	if (!colon || colon == arg || !colon[1] || !access(arg, F_OK))
		return NULL;
	snprintf(buf, cap, "%.*s", (int)(colon - arg), arg);
	return colon + 1;
}

/* Load every zone and compile a db; on failure the reason is logged. */
static int build_db(const struct xst_config *cfg, struct xst_dns_db **out)
{
	struct xst_zone *zones[XST_MAX_ZONES] = { NULL };
	struct xst_zone_error zerr;
	unsigned int i, nr = 0;
	int err = 0;

	for (i = 0; i < cfg->dns.nr_zones; i++) {
		char path[PATH_MAX], apex[1024];
		const char *origin = zone_origin(cfg->dns.zone[i], path, sizeof(path));

		memset(&zerr, 0, sizeof(zerr));
		err = xst_zone_load(&zones[nr], path, origin, &zerr);
		if (err) {
			log_zone_error(cfg->dns.zone[i], &zerr, err);
			goto out;
		}
		if (xst_dname_to_text(zones[nr]->apex, zones[nr]->apex_len, apex, sizeof(apex)) < 0)
			snprintf(apex, sizeof(apex), "?");
		pr_info("zone %s: %zu records from %s\n", apex, zones[nr]->nr_rrs, path);
		nr++;
	}
	memset(&zerr, 0, sizeof(zerr));
	err = xst_dns_db_create(out, zones, nr, &zerr);
	if (err) {
		/* The database spans every zone: blame a file only when the
		 * builder names one (two zones with the same apex). */
		log_zone_error("compile zones", &zerr, err);
	} else {
		struct xst_dns_identity id = {
			.identity = cfg->dns.identity,
			.version = cfg->dns.version_string ? cfg->dns.version_string :
							     "xdpstorm " XST_VERSION,
			.hide_identity = cfg->dns.hide_identity,
			.hide_version = cfg->dns.hide_version,
		};

		xst_dns_db_set_identity(*out, &id);
	}
out:
	for (i = 0; i < nr; i++)
		xst_zone_destroy(zones[i]);
	/* The parsed zones and the builder's tables are gone: hand the
	 * pages glibc keeps for reuse back to the kernel (a load's peak is
	 * over twice the database it leaves). */
	malloc_trim(0);
	return err;
}

static void log_db(const char *what, const struct xst_dns_db *db, const struct xst_config *cfg)
{
	int ahead = cfg->dns.lookahead == XST_AHEAD_ON ||
		    (cfg->dns.lookahead == XST_AHEAD_AUTO && xst_dns_db_ahead(db));
	size_t names, msgs, bytes;

	struct xst_dns_db_big big;

	xst_dns_db_sizes(db, &names, &msgs, &bytes);
	pr_info("%s %u zone(s): %zu names, %zu prepared messages, %zu KiB, lookahead %s\n", what,
		cfg->dns.nr_zones, names, msgs, bytes / 1024, ahead ? "on" : "off");
	/* Answers that can never be sent whole: say so before a resolver finds out. */
	xst_dns_db_big(db, &big);
	if (big.udp)
		pr_warn("%zu answer(s) never fit a UDP reply (always TC=1, then TCP), e.g. %s\n",
			big.udp, big.udp_example);
	if (big.tcp)
		pr_warn("%zu answer(s) are larger than a DNS message can be (TC=1 over TCP too, "
			"as NSD), e.g. %s\n", big.tcp, big.tcp_example);
}

int xst_daemon_zones_build(const struct xst_config *cfg, struct xst_dns_db **out)
{
	return build_db(cfg, out);
}

void xst_daemon_zones_log(const char *what, const struct xst_dns_db *db,
			  const struct xst_config *cfg)
{
	log_db(what, db, cfg);
}

/* The RRL settings, the rates shared among nr queues (rounded up). */
static int rrl_cfg(const struct xst_config *cfg, unsigned int nr, struct xst_rrl_cfg *out)
{
	struct xst_rrl_cfg c;
	struct xst_rrl *probe;
	const char *why;
	int err;

	if (!nr)
		nr = 1;
	xst_rrl_cfg_default(&c);
	c.responses_per_sec = (cfg->dns.rrl_responses + nr - 1) / nr;
	c.nxdomains_per_sec = (cfg->dns.rrl_nxdomains + nr - 1) / nr;
	c.errors_per_sec = (cfg->dns.rrl_errors + nr - 1) / nr;
	c.slip = cfg->dns.rrl_slip;
	c.window = cfg->dns.rrl_window;
	c.ipv4_prefix = (uint8_t)cfg->dns.rrl_ipv4_prefix;
	c.ipv6_prefix = (uint8_t)cfg->dns.rrl_ipv6_prefix;
	/* Checked once here, so that a bad setting fails the start, not a worker. */
	err = xst_rrl_create(&probe, &c, &why);
	if (err) {
		pr_err("response rate limiting: %s\n", why ? why : strerror(-err));
		return err;
	}
	xst_rrl_destroy(probe);
	*out = c;
	return 0;
}

static int dns_load(struct xst_daemon *d, void **state)
{
	struct xst_dns_db *db;
	struct dns_svc *s;
	int err;

	err = build_db(&d->cfg, &db);
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s) {
		xst_dns_db_destroy(db);
		return -ENOMEM;
	}
	xst_rcu_ptr_init(&s->db, db);
	err = xst_daemon_cookies_init(&s->cookies, &d->cfg, xst_daemon_mono_s());
	if (err)
		goto err_free;
	if (d->cfg.dns.rrl) {
		err = rrl_cfg(&d->cfg, d->cfg.queues, &s->rrl);
		if (err)
			goto err_cookies;
	}
	*state = s;
	return 0;

err_cookies:
	xst_daemon_cookies_fini(&s->cookies);
err_free:
	xst_dns_db_destroy(db);
	free(s);
	return err;
}

/* Main thread, about once a second: replace a random cookie secret every hour. */
static void dns_tick(struct xst_daemon *d, void *state)
{
	struct dns_svc *s = state;

	xst_daemon_cookies_tick(&s->cookies, &d->rcu, xst_daemon_mono_s());
}

static void dns_report(struct xst_daemon *d, void *state, const char *verb)
{
	struct dns_svc *s = state;

	log_db(verb, xst_rcu_deref(&s->db), &d->cfg);
}

static int dns_start(struct xst_daemon *d, void *state)
{
	struct dns_svc *s = state;
	struct xst_dns_tcp_cfg tcfg = {
		.port = XST_DNS_PORT,
		.max_conns = d->cfg.dns.tcp_max_conns,
		.per_source = d->cfg.dns.tcp_per_source,
		.query_timeout_ms = d->cfg.dns.tcp_query_timeout_ms,
		.idle_timeout_ms = d->cfg.dns.tcp_idle_timeout_ms,
	};
	int err;

	if (!d->cfg.dns.tcp)
		return 0;
	/* The listeners, one per served address, come from the host watcher. */
	err = xst_dns_tcp_create(&s->tcp, &tcfg, &d->rcu, &s->db, &d->stop);
	if (err) {
		pr_err("set up DNS over TCP: %s (--no-tcp to go without)\n", strerror(-err));
		return err;
	}
	err = xst_dns_tcp_start(s->tcp);
	if (err)
		pr_err("start the DNS-over-TCP thread: %s\n", strerror(-err));
	return err;
}

static int dns_worker(struct xst_daemon *d, void *state, struct xst_worker *w, unsigned int q)
{
	struct dns_svc *s = state;
	struct xst_dns_udp_cfg ucfg = {
		.db = &s->db,
		.send = (enum xst_send_mode)d->cfg.send,
		.ahead = (enum xst_ahead_mode)d->cfg.dns.lookahead,
		.io = w->cfg.io,
		.pool = { .max_frames = xst_daemon_held_share(d) },
		.rrl = d->cfg.dns.rrl ? &s->rrl : NULL,
		.cookies = xst_daemon_cookies_ptr(&s->cookies),
	};
	struct xst_svc_rule rules[XST_SVC_RULES_MAX];
	int n, err;

	err = xst_dns_udp_create(&s->udp[q], &ucfg);
	if (err) {
		pr_err("create the DNS service of queue %u: %s\n", q, strerror(-err));
		return err;
	}
	n = xst_daemon_dns_rules(&d->cfg, rules, XST_SVC_RULES_MAX);
	err = xst_worker_add_service(w, &xst_dns_udp_ops, s->udp[q], rules, (uint32_t)n);
	if (err < 0) {
		pr_err("add the DNS service to worker %u: %s\n", q, strerror(-err));
		return err;
	}
	return 0;
}

static int dns_reload(struct xst_daemon *d, void *state)
{
	struct dns_svc *s = state;
	struct xst_cookie_keys *keys = NULL;
	struct xst_dns_db *db;
	void *old;

	pr_info("SIGHUP: reloading %u zone(s)\n", d->cfg.dns.nr_zones);
	/* The operator's rotation of a fixed secret: a new first line, the old
	 * one second. Read before the zones: on any error nothing changes. */
	if (xst_daemon_cookies_reread(&d->cfg, &keys)) {
		pr_err("reload failed; still serving the previous zones and cookie secret\n");
		return -EINVAL;
	}
	if (build_db(&d->cfg, &db)) {
		free(keys);
		pr_err("reload failed; still serving the previous data\n");
		return -EINVAL;
	}
	old = xst_rcu_replace(&d->rcu, &s->db, db);
	xst_dns_db_destroy(old);
	log_db("reloaded", db, &d->cfg);
	if (keys) {
		xst_daemon_cookies_set(&s->cookies, &d->rcu, keys, xst_daemon_mono_s());
		pr_info("cookie secret reloaded from %s\n", d->cfg.dns.cookie_secret);
	}
	return 0;
}

static void dns_stop(struct xst_daemon *d, void *state)
{
	struct dns_svc *s = state;
	const struct xst_dns_tcp_stats *ts;

	(void)d;
	if (!s->tcp)
		return;
	ts = xst_dns_tcp_stats(s->tcp);
	pr_info("DNS over TCP: %lu accepted, %lu queries, %lu answered; closed: %lu refused "
		"(per source), %lu evicted idle, %lu evicted busy, %lu query timeouts, %lu idle, "
		"%lu write timeouts\n", (unsigned long)ts->accepted, (unsigned long)ts->queries,
		(unsigned long)ts->answered, (unsigned long)ts->refused_per_source,
		(unsigned long)ts->evicted, (unsigned long)ts->evicted_busy,
		(unsigned long)ts->query_timeouts, (unsigned long)ts->idle_closes,
		(unsigned long)ts->write_timeouts);
	xst_dns_tcp_destroy(s->tcp);
	s->tcp = NULL;
}

static struct xst_dns_tcp *dns_listener(void *state)
{
	return ((struct dns_svc *)state)->tcp;
}

static void dns_destroy(struct xst_daemon *d, void *state)
{
	struct dns_svc *s = state;
	unsigned int q;

	(void)d;
	if (!s)
		return;
	xst_dns_tcp_destroy(s->tcp);
	for (q = 0; q < XST_MAX_QUEUES; q++)
		xst_dns_udp_destroy(s->udp[q]);
	xst_dns_db_destroy(xst_rcu_deref(&s->db));
	xst_daemon_cookies_fini(&s->cookies);
	free(s);
}

/* ---- counters outside the queues: DNS over TCP ----------------------------- */

#define T(name, field) { name, offsetof(struct xst_dns_tcp_stats, field) }
static const struct xst_svc_counter tcp_counters[] = {
	T("accepted", accepted),
	T("refused_per_source", refused_per_source),
	T("evicted", evicted),
	T("evicted_busy", evicted_busy),
	T("query_timeouts", query_timeouts),
	T("idle_closes", idle_closes),
	T("write_timeouts", write_timeouts),
	T("closed", closed),
	T("bad_frames", bad_frames),
	T("accept_errors", accept_errors),
	T("messages", queries),
	T("replies", answered),
	T("queries", dns.queries),
	T("answered", dns.answered),
	T("noerror", dns.noerror),
	T("nodata", dns.nodata),
	T("nxdomain", dns.nxdomain),
	T("referral", dns.referral),
	T("refused", dns.refused),
	T("formerr", dns.formerr),
	T("notimp", dns.notimp),
	T("badvers", dns.badvers),
	T("truncated", dns.truncated),
	T("notauth", dns.notauth),
	T("dropped_qr", dns.dropped_qr),
	T("dropped_short", dns.dropped_short),
};
#undef T

static const void *dns_tcp_block(void *state)
{
	struct dns_svc *s = state;

	return s->tcp ? xst_dns_tcp_stats(s->tcp) : NULL;
}

const struct xst_service xst_service_dns = {
	.name = "dns",
	.title = "DNS service (on when a zone is given)",
	.options = dns_options,
	.enabled = dns_enabled,
	.rules = xst_daemon_dns_rules,
	.load = dns_load,
	.report = dns_report,
	.start = dns_start,
	.worker = dns_worker,
	.reload = dns_reload,
	.tick = dns_tick,
	.listener = dns_listener,
	.daemon_name = "dns_tcp",
	.daemon_counters = tcp_counters,
	.nr_daemon_counters = sizeof(tcp_counters) / sizeof(tcp_counters[0]),
	.daemon_block = dns_tcp_block,
	.stop = dns_stop,
	.destroy = dns_destroy,
	.holds_frames = 1,
};
