// SPDX-License-Identifier: GPL-2.0
/*
 * The HTTP service in the registry (daemon/registry.h): --http-root and the
 * TCP options, tcp/PORT steered to the workers' HTTP handler
 * (svc/http_serve.h), the site loaded and prepared before the interface is
 * touched, published by RCU and reloaded on SIGHUP. A replaced site is freed
 * once no connection holds it (checked on every reload and at exit).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "daemon/daemon.h"
#include "daemon/registry.h"
#include "http/prepared.h"
#include "http/site.h"
#include "io/io.h"
#include "net/net.h"
#include "svc/http_serve.h"
#include "tcp/tcp.h"

#define RETIRED_MAX	16	/* replaced sites still held by connections */
/* Request bytes buffered per connection: a header section of 8 KiB (nginx's
 * large_client_header_buffers) and a body of up to 1 KiB to skip (a method
 * other than GET or HEAD gets 405; a longer body 413). */
#define RCV_BUF		(8192 + 1024)

struct http_svc {
	struct xst_rcu_ptr prep;	/* struct xst_http_prepared * */
	struct xst_http_serve *srv[XST_MAX_QUEUES];
	struct xst_http_prepared *retired[RETIRED_MAX];
};

#define F(field) offsetof(struct xst_config, http.field)

static const struct xst_opt_choice cookie_choices[] = {
	{ "auto", XST_TCP_COOKIES_AUTO },
	{ "always", XST_TCP_COOKIES_ALWAYS },
	{ "never", XST_TCP_COOKIES_NEVER },
	{ NULL, 0 },
};

static const struct xst_option http_options[] = {
	{ .kind = XST_OPT_STR, .name = "http-root", .off = F(root), .metavar = "DIR",
	  .help = "serve every regular file under DIR over HTTP/1.1 (GET, HEAD, ranges, "
		  "conditional requests), loaded into memory and cut into TCP segments at start "
		  "and on SIGHUP; index.html answers a directory. Giving it turns HTTP on." },
	{ .kind = XST_OPT_UINT, .name = "http-port", .off = F(port), .min = 1, .max = 65535,
	  .metavar = "PORT", .help = "TCP port of the HTTP service on the interface's addresses" },
	{ .kind = XST_OPT_UINT, .name = "max-conns", .off = F(max_conns), .min = 16,
	  .max = 1048576, .metavar = "N",
	  .help = "TCP connections per queue (TIME_WAIT included), preallocated: about 10 KiB "
		  "each; a SYN that finds the table full is refused with RST" },
	{ .kind = XST_OPT_ENUM, .name = "syn-cookies", .off = F(syn_cookies), .metavar = "WHEN",
	  .choices = cookie_choices,
	  .help = "answer SYNs with SYN cookies (no state until the handshake completes): auto "
		  "(when a quarter of --max-conns is half-open), always, or never" },
	{ .kind = XST_OPT_MS, .name = "http-header-timeout", .off = F(header_timeout_ms),
	  .min = 100, .max = 600000, .metavar = "TIME",
	  .help = "a connection must deliver a complete request header within this time of "
		  "its start or of its first byte (a slow client is reset)" },
	{ .kind = XST_OPT_MS, .name = "http-idle-timeout", .off = F(idle_timeout_ms),
	  .min = 100, .max = 3600000, .metavar = "TIME",
	  .help = "a keep-alive connection with nothing in flight is reset after this time, and "
		  "so is one whose client acknowledges no new data of a response for this long "
		  "(a zero window held, a reader gone)" },
	{ .kind = XST_OPT_END },
};

#undef F

static int http_enabled(const struct xst_config *cfg)
{
	return cfg->http.root != NULL;
}

static int http_rules(const struct xst_config *cfg, struct xst_svc_rule *out, int max)
{
	if (max < 1)
		return 0;
	out[0].proto = XST_IPPROTO_TCP;
	out[0].port = (uint16_t)cfg->http.port;
	return 1;
}

/* Load and prepare the site; on failure the reason is logged. */
static int build(const struct xst_config *cfg, struct xst_http_prepared **out)
{
	struct xst_http_site_cfg scfg = { .nr_workers = XST_MAX_QUEUES };
	struct xst_http_site *site;
	char err[512];
	int rc;

	err[0] = 0;
	rc = xst_http_site_load_cfg(&site, cfg->http.root, &scfg, err, sizeof(err));
	if (rc) {
		pr_err("%s\n", err[0] ? err : strerror(-rc));
		return rc;
	}
	rc = xst_http_prepared_build(out, site, err, sizeof(err));
	if (rc)
		pr_err("%s: %s\n", cfg->http.root, err);
	return rc;
}

static void log_site(const char *what, const struct xst_http_prepared *p, const char *root)
{
	struct xst_http_site_info i;

	xst_http_site_summary(p->site, &i);
	pr_info("%s site %s: %zu objects, %llu bytes, %zu directories, %zu skipped; %llu prepared "
		"responses in %llu segments, %zu KiB prepared (+%llu KiB site)\n", what, root,
		i.objects, (unsigned long long)i.bytes, i.directories, i.skipped,
		(unsigned long long)p->nr_responses, (unsigned long long)p->nr_segments,
		p->arena.reserved / 1024, (unsigned long long)(i.memory / 1024));
}

static int http_load(struct xst_daemon *d, void **state)
{
	struct xst_http_prepared *p;
	struct http_svc *s;
	int err;

	err = build(&d->cfg, &p);
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (!s) {
		xst_http_prepared_free(p);
		return -ENOMEM;
	}
	xst_rcu_ptr_init(&s->prep, p);
	*state = s;
	return 0;
}

static void http_report(struct xst_daemon *d, void *state, const char *verb)
{
	struct http_svc *s = state;

	log_site(verb, xst_rcu_deref(&s->prep), d->cfg.http.root);
}

/*
 * Segments bigger than a socket frame are never steered (the steering
 * program passes them to the kernel, which has no such connection and
 * resets it): a client's segment of MSS bytes with Ethernet, two VLAN tags,
 * IPv4 and TCP headers must fit the frame the daemon attaches with.
 */
#define MSS_FRAME_MAX	(XST_FRAME_SIZE - XST_IO_RX_HEADROOM - 14 - 8 - 20 - 20)

/* The largest MSS the interface's MTU allows (IPv4, no options), at most
 * MSS_FRAME_MAX (jumbo frames). */
static uint16_t iface_mss(const char *iface)
{
	char path[128];
	unsigned int mtu = 1500;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/mtu", iface);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%u", &mtu) != 1)
			mtu = 1500;
		fclose(f);
	}
	if (mtu < 576)
		mtu = 576;
	if (mtu - 40 > MSS_FRAME_MAX)
		return MSS_FRAME_MAX;
	return (uint16_t)(mtu - 40);
}

static int http_worker(struct xst_daemon *d, void *state, struct xst_worker *w, unsigned int q)
{
	struct http_svc *s = state;
	const struct xst_http_config *hc = &d->cfg.http;
	struct xst_http_serve_cfg cfg = {
		.prep = &s->prep,
		.worker = q,
		.tcp = {
			.max_conns = hc->max_conns,
			.half_open_max = hc->max_conns / 4 ? hc->max_conns / 4 : 1,
			.syn_cookies = (int)hc->syn_cookies,
			.mss_max = iface_mss(d->cfg.iface),
			.rcv_buf = RCV_BUF,
			.header_timeout_ns = (uint64_t)hc->header_timeout_ms * 1000000ull,
			.idle_timeout_ns = (uint64_t)hc->idle_timeout_ms * 1000000ull,
			.time_wait_ns = 2 * XST_NS_PER_SEC,
			.time_wait_max = hc->max_conns / 4 ? hc->max_conns / 4 : 1,
		},
		.limits = {
			.max_uri = 8000,
			.max_header = 8192,
			.max_fields = 100,
			.max_body = RCV_BUF - 8192,
		},
		.send = (enum xst_send_mode)d->cfg.send,
		.io = w->cfg.io,
		.pool = { .max_frames = xst_daemon_held_share(d) },
	};
	struct xst_svc_rule rules[XST_SVC_RULES_MAX];
	int n, err;

	err = xst_http_serve_create(&s->srv[q], &cfg, &w->timers, xst_clock_ns());
	if (err) {
		pr_err("create the HTTP service of queue %u: %s\n", q, strerror(-err));
		return err;
	}
	n = http_rules(&d->cfg, rules, XST_SVC_RULES_MAX);
	err = xst_worker_add_service(w, &xst_http_serve_ops, s->srv[q], rules, (uint32_t)n);
	if (err < 0) {
		pr_err("add the HTTP service to worker %u: %s\n", q, strerror(-err));
		return err;
	}
	return 0;
}

/* Free the replaced sites that no connection holds any more. */
static void reap_retired(struct http_svc *s)
{
	int i;

	for (i = 0; i < RETIRED_MAX; i++)
		if (s->retired[i] && !xst_http_site_in_use(s->retired[i]->site)) {
			xst_http_prepared_free(s->retired[i]);
			s->retired[i] = NULL;
		}
}

static int http_reload(struct xst_daemon *d, void *state)
{
	struct http_svc *s = state;
	struct xst_http_prepared *p, *old;
	int i;

	pr_info("SIGHUP: reloading the site %s\n", d->cfg.http.root);
	reap_retired(s);
	for (i = 0; i < RETIRED_MAX && s->retired[i]; i++)
		;
	if (i == RETIRED_MAX) {
		pr_err("reload refused: %d replaced sites are still held by connections; still "
		       "serving the previous data\n", RETIRED_MAX);
		return -EBUSY;
	}
	if (build(&d->cfg, &p)) {
		pr_err("reload failed; still serving the previous data\n");
		return -EINVAL;
	}
	/* after the grace period no worker picks the old site up for a new connection */
	old = xst_rcu_replace(&d->rcu, &s->prep, p);
	if (xst_http_site_in_use(old->site))
		s->retired[i] = old;	/* connections still hold it */
	else
		xst_http_prepared_free(old);
	log_site("reloaded", p, d->cfg.http.root);
	return 0;
}

static void http_destroy(struct xst_daemon *d, void *state)
{
	struct http_svc *s = state;
	unsigned int q;
	int i;

	(void)d;
	if (!s)
		return;
	for (q = 0; q < XST_MAX_QUEUES; q++)
		xst_http_serve_destroy(s->srv[q]);	/* releases every connection's site */
	for (i = 0; i < RETIRED_MAX; i++)
		xst_http_prepared_free(s->retired[i]);
	xst_http_prepared_free(xst_rcu_deref(&s->prep));
	free(s);
}

const struct xst_service xst_service_http = {
	.name = "http",
	.title = "HTTP service (on when --http-root is given)",
	.options = http_options,
	.enabled = http_enabled,
	.rules = http_rules,
	.load = http_load,
	.report = http_report,
	.worker = http_worker,
	.reload = http_reload,
	.destroy = http_destroy,
	.holds_frames = 1,
};
