// SPDX-License-Identifier: GPL-2.0
/*
 * xdpstorm: the daemon. Options (daemon/options.h), the services of the
 * registry (daemon/registry.h), start-up (services' data -> attach ->
 * sockets -> workers -> kernel-socket services -> sockets into xsks_map),
 * signals (SIGHUP reload, SIGTERM/SIGINT stop), and a tear-down that leaves
 * the interface as it was found.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/clock.h"
#include "core/log.h"
#include "daemon/attach.h"
#include "daemon/config.h"
#include "daemon/crash.h"
#include "daemon/daemon.h"
#include "daemon/guard.h"
#include "daemon/hostwatch.h"
#include "daemon/options.h"
#include "daemon/registry.h"
#include "daemon/stats.h"
#include "dns/loadmem.h"
#include "steer_loader.h"

#define EXIT_USAGE	2

const struct xst_config xst_config_defaults = {
	.queues = 0,
	.mode = XST_MODE_NATIVE,
	.send = XST_SEND_MEMCPY,
	.need_wakeup = 1,
	.batch = XST_BATCH,
	.frames = XST_FRAMES_DEFAULT,
	.copy = XST_IO_COPY_AUTO,
	.dns = {
		.lookahead = XST_AHEAD_AUTO,
		.tcp = 1,
		.tcp_max_conns = 256,
		.tcp_per_source = 16,
		.tcp_query_timeout_ms = 3000,	/* one or two lost segments (RFC 6298) fit; a slow client does not */
		.tcp_idle_timeout_ms = 10000,
		.rrl = 1,
		.rrl_responses = XST_RRL_DEF_RESPONSES,
		.rrl_nxdomains = XST_RRL_DEF_NXDOMAINS,
		.rrl_errors = XST_RRL_DEF_ERRORS,
		.rrl_slip = XST_RRL_DEF_SLIP,
		.rrl_window = XST_RRL_DEF_WINDOW,
		.rrl_ipv4_prefix = XST_RRL_DEF_V4_PREFIX,
		.rrl_ipv6_prefix = XST_RRL_DEF_V6_PREFIX,
		.cookies = 1,
	},
	.http = {
		.port = 80,
		.max_conns = 16384,
		.syn_cookies = 0,		/* XST_TCP_COOKIES_AUTO */
		.header_timeout_ms = 10000,
		.idle_timeout_ms = 15000,
	},
	.guard = {
		.unknown = XST_FILTER_CHALLENGE,
		.sample = 64,
		/* Per CPU (the buckets are per-CPU: a source spread over both
		 * RX queues of a 2-queue NIC gets twice this). A resolver behind
		 * one address rarely sends 1000 queries/s to one authoritative
		 * server; a /24 of them 10000. Bursts of twice that. */
		.host = { 1000, 2000 },
		.net = { 10000, 20000 },
		/* Filter mode, all workers together: what the filter passes of
		 * unverified sources' queries once a CPU is over its peacetime
		 * rate; the rest is challenged (a resolver retries over TCP and
		 * is verified, then XDP passes it). Under a flood of existing
		 * names from random sources this much of it reaches the server:
		 * 500/s is 1% of a 50k/s flood. More challenges than the second
		 * budget are dropped (replies to possibly spoofed sources). */
		.pass = { 500, 1000 },
		.challenge = { 50000, 100000 },
		/* Per CPU: peacetime is below this many unverified queries/s.
		 * The burst is what slips through sampled when a flood starts
		 * (XDP then steers every one for a second after each query
		 * over, and the guard sets INSPECT at its next tick): a tenth
		 * of a second's worth. */
		.peace = { 10000, 1000 },
		.learn_threshold = 1000,
		.block_time_ms = 60000,
		.verify_time_ms = 3600000,
		.attack_unknown = 1000,
		.attack_distinct = 500,
		.attack_hold_ms = 30000,
	},
};

/* ---- options ------------------------------------------------------------------ */

#define G(field) offsetof(struct xst_config, field)

static const struct xst_opt_choice mode_choices[] = {
	{ "native", XST_MODE_NATIVE }, { "drv", XST_MODE_NATIVE },
	{ "skb", XST_MODE_SKB }, { "generic", XST_MODE_SKB }, { NULL, 0 },
};

static const struct xst_opt_choice send_choices[] = {
	{ "memcpy", XST_SEND_MEMCPY }, { "precopy", XST_SEND_PRECOPY }, { NULL, 0 },
};

static const struct xst_option general_options[] = {
	{ .kind = XST_OPT_STR, .name = "iface", .short_name = 'i', .off = G(iface),
	  .metavar = "IF", .help = "interface to serve (required unless --check)" },
	{ .kind = XST_OPT_UINT, .name = "queues", .short_name = 'q', .off = G(queues), .min = 1,
	  .max = XST_MAX_QUEUES, .metavar = "N",
	  .help = "serve queues 0..N-1, one AF_XDP socket and worker thread each (default: every "
		  "RX queue of IF; a queue without a socket hands its traffic to the kernel)" },
	{ .kind = XST_OPT_ENUM, .name = "mode", .short_name = 'm', .off = G(mode),
	  .choices = mode_choices, .metavar = "MODE",
	  .help = "XDP attach mode when xdpstorm attaches: native (in the driver) or skb "
		  "(generic, any interface, slower)" },
	{ .kind = XST_OPT_ENUM, .name = "send", .short_name = 's', .off = G(send),
	  .choices = send_choices, .metavar = "MODE",
	  .help = "memcpy: copy the prepared reply over the received frame; precopy: send ready "
		  "copies of replies held in UMEM frames, patched in place for each client (memcpy "
		  "on a miss; the win on zero-copy NICs, where no copy is made per packet)" },
	{ .kind = XST_OPT_STR, .name = "cpus", .short_name = 'c', .off = G(cpus),
	  .metavar = "LIST",
	  .help = "pin worker i to cpu LIST[i] (e.g. 0,1 or 2-3); default queue i on cpu i modulo "
		  "the online cpus" },
	{ .kind = XST_OPT_SET, .name = "no-need-wakeup", .off = G(need_wakeup), .value = 0,
	  .help = "kick the kernel on every TX batch (need_wakeup is on by default)" },
	{ .kind = XST_OPT_UINT, .name = "batch", .short_name = 'b', .off = G(batch), .min = 1,
	  .max = XST_BATCH, .metavar = "N", .help = "RX frames per loop iteration" },
	{ .kind = XST_OPT_UINT, .name = "frames", .short_name = 'f', .off = G(frames), .min = 256,
	  .max = 1U << 20, .pow2 = 1, .metavar = "N",
	  .help = "UMEM frames of 4096 bytes per queue, a power of two; a quarter each for the fill, "
		  "RX and TX rings, the rest for the precopy copies" },
	{ .kind = XST_OPT_SET, .name = "copy", .off = G(copy), .value = XST_IO_COPY_FORCE,
	  .exclusive = "zero-copy", .help = "force AF_XDP copy mode" },
	{ .kind = XST_OPT_SET, .name = "zero-copy", .off = G(copy), .value = XST_IO_ZEROCOPY_FORCE,
	  .exclusive = "copy",
	  .help = "force zero-copy mode (fail if the driver cannot); default: try zero-copy, fall "
		  "back to copy mode" },
	{ .kind = XST_OPT_SET, .name = "keep-attached", .off = G(keep_attached), .value = 1,
	  .help = "leave the XDP program attached on exit" },
	{ .kind = XST_OPT_SET, .name = "check", .off = G(check), .value = 1,
	  .help = "load and compile every service's data (the zones), print their sizes, exit 0 "
		  "(or 1 with file:line: reason); no interface is touched" },
	{ .kind = XST_OPT_SET, .name = "verbose", .short_name = 'v', .off = G(verbose), .value = 1,
	  .help = "debug logging, libbpf/libxdp messages included" },
	{ .kind = XST_OPT_HELP, .name = "help", .short_name = 'h', .help = "this text" },
	{ .kind = XST_OPT_VERSION, .name = "version", .short_name = 'V',
	  .help = "print the version" },
	{ .kind = XST_OPT_END },
};

#undef G

#define MAX_GROUPS	(1 + XST_SERVICES_MAX)

static size_t option_groups(struct xst_opt_group *g)
{
	size_t n = 0, i;

	g[n].title = "Options";
	g[n++].opts = general_options;
	for (i = 0; xst_services[i] && n < MAX_GROUPS; i++) {
		g[n].title = xst_services[i]->title;
		g[n++].opts = xst_services[i]->options;
	}
	return n;
}

static void help(FILE *f)
{
	struct xst_opt_group groups[MAX_GROUPS];
	size_t n = option_groups(groups);

	fprintf(f,
"Usage: xdpstorm --iface IF [--zone FILE...] [--http-root DIR] [OPTION...]\n"
"       xdpstorm --iface IF --dns-filter [--zone FILE...] [OPTION...]\n"
"       xdpstorm --check [--zone FILE...] [--http-root DIR] [--dns-filter]\n"
"\n"
"A userspace network stack beside the kernel's on a live interface. An XDP\n"
"program on IF steers the flows of the services given (DNS: UDP/53; HTTP:\n"
"TCP/80) to one AF_XDP socket per queue; everything else (ARP, ICMP, ssh, other\n"
"ports) goes on to the kernel. The DNS service answers as an authoritative\n"
"server from reply packets prepared once per zone load. The HTTP service serves\n"
"a static site over its own TCP from responses cut into TCP segments once per\n"
"site load. Runs in the foreground; logs to stderr.\n"
"\n"
"DNS flood defence, on by default for UDP/53 in both modes: in XDP, token\n"
"buckets per source and prefix, blocks learnt from them and from the filter,\n"
"and the drop of responses and short packets sent to port 53. With --dns-filter\n"
"xdpstorm answers nothing itself: a kernel DNS server on the host does, and\n"
"xdpstorm filters in front of it. XDP passes queries of verified sources (a\n"
"TCP/53 handshake, a valid server cookie) and, in peacetime, all but 1 in\n"
"--filter-sample of the others straight to the kernel; the queries steered to\n"
"the filter are passed (through a TUN device, xstp<ifindex>, into the kernel's\n"
"stack with their real source addresses), dropped, or challenged with a TC=1\n"
"reply so that a real resolver retries over TCP. With --zone the filter knows\n"
"which names exist: a random-subdomain attack on a zone is detected, logged and\n"
"its unknown names challenged (or dropped) while it lasts. The kernel server sees\n"
"the passed queries arrive on the TUN device: firewall rules that match the\n"
"input interface must also accept it (iifname \"xstp*\").\n"
"\n");
	xst_options_print(f, groups, n, &xst_config_defaults);
	fprintf(f,
"Start-up: every service's data (the zones, the site) is loaded and prepared\n"
"before the interface is touched; a zone error prints file:line: reason, a file\n"
"of the site that cannot be read its path and the reason, and exits 1. A\n"
"daemon already serving IF is refused before anything is loaded. If no xdpstorm\n"
"program is on IF, xdpstorm attaches one and detaches it on exit; an existing\n"
"attachment is used and left in place (one left by a killed xdpstorm is taken\n"
"over and detached on exit: /run/xdpstorm/IF.owner). The daemon adds the steer\n"
"rules of the services it runs (udp/53, tcp/PORT) and puts every rule back as it\n"
"was on exit. It follows the interface while it runs: addresses added or\n"
"removed are served or no longer served at once (logged), and if IF is deleted\n"
"it stops with exit status 1. One log line containing \"ready\" says that\n"
"traffic is being served. The flood defence logs every attack's start and end\n"
"(its kind and scale) and the sources it blocks; xdpstormctl stats shows its\n"
"counters, top sources and zones under attack, xdpstormctl block list the\n"
"learnt blocks with their reason and remaining time. On exit the filter flags\n"
"are cleared, the TUN device removed and the reverse-path setting it needed\n"
"(net.ipv4.conf.all.rp_filter) put back.\n"
"\n"
"Signals:\n"
"  SIGHUP           reload every service's data; on any error the old data stays\n"
"                   and the reason is logged (file:line: reason). Queries are\n"
"                   never dropped; HTTP connections in flight finish on the site\n"
"                   they started with.\n"
"  SIGTERM, SIGINT  stop: remove the sockets from xsks_map, restore the rules,\n"
"                   detach the program if xdpstorm attached it, exit 0.\n"
"  SIGSEGV, SIGABRT and other crashes: the same clean-up of the interface, then\n"
"                   the signal's default action.\n"
"\n"
"Exit status: 0 stopped by a signal; 1 runtime failure (zone, site, interface,\n"
"attach, sockets, the interface deleted, a failed detach); 2 usage error.\n"
"\n"
"Examples:\n"
"  xdpstorm --iface eth0 --zone example.com.zone\n"
"  xdpstorm -i eth0 -z a.zone -z b.zone --queues 2 --cpus 2,3 --mode skb\n"
"  xdpstorm --iface eth0 --http-root /srv/www --zone example.com.zone\n"
"  xdpstorm --iface eth0 --dns-filter --zone /etc/nsd/example.com.zone\n"
"  xdpstorm -i eth0 --dns-filter --rate-host 500/1000 --filter-unknown drop\n"
"  kill -HUP $(pidof xdpstorm)     # reload zones and site\n"
"  xdpstormctl stats --iface eth0  # per-queue, per-service counters\n"
"\n"
"See xdpstorm(8).\n");
}

/* "0,2,4-5" -> cpu[]; returns the count or -EINVAL. */
static int parse_cpus(const char *s, int *cpu, int max)
{
	int n = 0;

	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a >= CPU_SETSIZE)
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b >= CPU_SETSIZE)
				return -EINVAL;
			s = end;
		}
		for (; a <= b; a++) {
			if (n >= max)
				return -EINVAL;
			cpu[n++] = (int)a;
		}
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return n;
}

/* ---- the daemon ----------------------------------------------------------------- */

/* The services the configuration asks for. */
static int pick_services(struct xst_daemon *d)
{
	size_t i;

	for (i = 0; xst_services[i]; i++) {
		if (!xst_services[i]->enabled(&d->cfg))
			continue;
		if (d->nr_svc == XST_SERVICES_MAX)
			return -ENOSPC;
		d->svc[d->nr_svc++].svc = xst_services[i];
	}
	return d->nr_svc;
}

static int load_services(struct xst_daemon *d)
{
	int i, err;

	for (i = 0; i < d->nr_svc; i++) {
		err = d->svc[i].svc->load(d, &d->svc[i].state);
		if (err)
			return err;
	}
	return 0;
}

static void report_services(struct xst_daemon *d, const char *verb)
{
	int i;

	for (i = 0; i < d->nr_svc; i++)
		if (d->svc[i].svc->report)
			d->svc[i].svc->report(d, d->svc[i].state, verb);
}

static int io_config(struct xst_daemon *d)
{
	struct xst_io_cfg c = {
		.ifname = d->cfg.iface,
		.nr_frames = d->cfg.frames,
		.frame_size = XST_FRAME_SIZE,
		.batch = d->cfg.batch,
		.need_wakeup = d->cfg.need_wakeup,
		.copy = (enum xst_io_copy)d->cfg.copy,
		/* Only precopy holds frames: it gets what the rings leave. */
		.max_held = d->cfg.send == XST_SEND_PRECOPY ? UINT32_MAX : 0,
	};
	char why[256];
	int err;

	err = xst_io_cfg_check(&c, &d->io_cfg, why, sizeof(why));
	if (err)
		pr_err("--frames %u: %s\n", d->cfg.frames, why);
	return err;
}

static int open_queues(struct xst_daemon *d)
{
	unsigned int q;
	int i, err;

	for (q = 0; q < d->cfg.queues; q++) {
		struct xst_io_cfg c = d->io_cfg;
		struct xst_worker_cfg wc = {
			.rcu = &d->rcu,
			.host = &d->host,
			.stop = &d->stop,
			.queue = q,
			.cpu = d->cpu[q],
			.batch = d->cfg.batch,
		};

		c.queue = q;
		err = xst_io_xsk_create(&d->io[q], &c);
		if (err) {
			pr_err("create the AF_XDP socket on '%s' queue %u: %s%s\n", d->cfg.iface, q,
			       strerror(-err),
			       err == -EBUSY ? " (another AF_XDP socket holds this queue)" : "");
			return err;
		}
		wc.io = d->io[q];
		err = xst_worker_create(&d->w[q], &wc);
		if (err) {
			pr_err("create worker %u: %s\n", q, strerror(-err));
			return err;
		}
		for (i = 0; i < d->nr_svc; i++) {
			if (!d->svc[i].svc->worker)
				continue;
			err = d->svc[i].svc->worker(d, d->svc[i].state, d->w[q], q);
			if (err)
				return err;
		}
		pr_info("queue %u: AF_XDP socket in %s mode, %u frames (%u for copies), worker on "
			"cpu %d\n", q, xst_io_zerocopy(d->io[q]) ? "zero-copy" : "copy",
			d->cfg.frames, d->io_cfg.max_held, d->cpu[q]);
	}
	return 0;
}

static int bind_queues(struct xst_daemon *d)
{
	unsigned int q;

	for (q = 0; q < d->cfg.queues; q++) {
		int fd = xst_io_fd(d->io[q]);

		if (bpf_map_update_elem(d->maps.xsks, &q, &fd, BPF_ANY)) {
			int err = -errno;

			pr_err("insert the socket of queue %u into xsks_map: %s\n", q, strerror(-err));
			return err;
		}
		d->in_xskmap[q] = 1;
	}
	return 0;
}

static void unbind_queues(struct xst_daemon *d)
{
	unsigned int q;

	for (q = 0; q < d->cfg.queues; q++) {
		if (!d->in_xskmap[q])
			continue;
		/* After this the program passes the queue's traffic to the kernel. */
		bpf_map_delete_elem(d->maps.xsks, &q);
		d->in_xskmap[q] = 0;
	}
}

/* A new host view for the workers; the old one once no reader holds it. */
static void publish_host(void *arg, struct xst_host *h)
{
	struct xst_daemon *d = arg;

	xst_host_destroy(xst_rcu_replace(&d->rcu, &d->host, h));
}

/* The served interface was deleted: the main loop stops, exit 1. */
static void iface_gone(void *arg)
{
	((struct xst_daemon *)arg)->iface_gone = 1;
}

/* The maps, the services' kernel listeners and the first host view, before any worker runs. */
static int watch_host(struct xst_daemon *d)
{
	struct xst_hostwatch_cfg hc = {
		.ifname = d->cfg.iface,
		.maps = &d->maps,
		.publish = publish_host,
		.gone = iface_gone,
		.arg = d,
	};
	int i, err;

	for (i = 0; i < d->nr_svc; i++)
		if (d->svc[i].svc->listener && d->svc[i].state)
			hc.tcp = d->svc[i].svc->listener(d->svc[i].state);
	err = xst_hostwatch_create(&d->hw, &hc);
	if (err)
		pr_err("follow the links and addresses of '%s' (netlink): %s\n", d->cfg.iface,
		       strerror(-err));
	return err;
}

static int start(struct xst_daemon *d)
{
	unsigned int q;
	int i, err;

	err = io_config(d);
	if (err)
		return err;
	err = xst_daemon_attach(d, XST_FRAME_SIZE - XST_IO_RX_HEADROOM);
	if (err)
		return err;
	err = open_queues(d);
	if (err)
		return err;
	for (i = 0; i < d->nr_svc; i++) {
		if (d->svc[i].svc->start) {
			err = d->svc[i].svc->start(d, d->svc[i].state);
			if (err)
				return err;
		}
	}
	err = watch_host(d);
	if (err)
		return err;
	for (q = 0; q < d->cfg.queues; q++) {
		err = xst_worker_start(d->w[q]);
		if (err) {
			pr_err("start worker %u: %s\n", q, strerror(-err));
			return err;
		}
	}
	/* Workers run before the sockets go into the map: the first steered
	 * packet already finds its fill ring full and a thread polling. */
	err = bind_queues(d);
	if (err)
		return err;
	if (xst_guard_wanted(d)) {
		err = xst_guard_create(&d->guard, d);
		if (err)
			return err;
	}
	return xst_stats_start(d);
}

/* Undo start(), in reverse. Returns the detach's error (a failed detach is an error exit). */
static int teardown(struct xst_daemon *d)
{
	unsigned int q;
	int i, err;

	/* Out of the map first: from then on the program hands the traffic
	 * to the kernel instead of to sockets that are about to close. */
	if (d->maps_open)
		unbind_queues(d);
	xst_guard_destroy(d->guard);
	d->guard = NULL;
	atomic_store(&d->stop, 1);
	for (q = 0; q < d->cfg.queues; q++)
		xst_worker_join(d->w[q]);
	/* The stats thread reads the services' counters: it ends before they go. */
	xst_stats_stop(d);
	for (i = 0; i < d->nr_svc; i++)
		if (d->svc[i].svc->stop && d->svc[i].state)
			d->svc[i].svc->stop(d, d->svc[i].state);
	xst_hostwatch_destroy(d->hw);
	d->hw = NULL;
	/* The services' per-worker state (copy pools) before the io it holds
	 * frames of, and before the workers: their timers (TCP connections, a
	 * pool's sweep) are cancelled on the worker's wheel. The workers have
	 * stopped (joined). */
	for (i = 0; i < d->nr_svc; i++) {
		if (d->svc[i].svc->destroy && d->svc[i].state)
			d->svc[i].svc->destroy(d, d->svc[i].state);
		d->svc[i].state = NULL;
	}
	for (q = 0; q < d->cfg.queues; q++) {
		xst_worker_destroy(d->w[q]);
		d->w[q] = NULL;
	}
	xst_host_destroy(xst_rcu_deref(&d->host));	/* no reader left */
	xst_rcu_ptr_init(&d->host, NULL);
	for (q = 0; q < d->cfg.queues; q++) {
		xst_io_destroy(d->io[q]);
		d->io[q] = NULL;
	}
	err = xst_daemon_detach(d);
	return err;
}

static void reload(struct xst_daemon *d)
{
	int i;

	for (i = 0; i < d->nr_svc; i++)
		if (d->svc[i].svc->reload)
			d->svc[i].svc->reload(d, d->svc[i].state);
}

/* Queues and cpus from the interface and the options; usage errors -> EXIT_USAGE. */
static int plan_queues(struct xst_daemon *d)
{
	int avail = xst_iface_rx_queues(d->cfg.iface), ncpu, n;
	unsigned int q;

	if (avail > 0 && d->cfg.queues > (unsigned int)avail) {
		pr_err("--queues %u: '%s' has %d RX queue(s)\n", d->cfg.queues, d->cfg.iface, avail);
		return EXIT_USAGE;
	}
	if (!d->cfg.queues) {
		d->cfg.queues = avail > 0 ? (unsigned int)avail : 1;
		if (d->cfg.queues > XST_MAX_QUEUES) {
			pr_warn("'%s' has %d RX queues; serving the first %d\n", d->cfg.iface, avail,
				XST_MAX_QUEUES);
			d->cfg.queues = XST_MAX_QUEUES;
		}
	} else if (avail > 0 && d->cfg.queues < (unsigned int)avail) {
		pr_warn("--queues %u: queues %u..%d of '%s' get no socket; their traffic goes to "
			"the kernel\n", d->cfg.queues, d->cfg.queues, avail - 1, d->cfg.iface);
	}
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	if (d->cfg.cpus) {
		n = parse_cpus(d->cfg.cpus, d->cpu, XST_MAX_QUEUES);
		if (n < 0) {
			pr_err("--cpus '%s': expected a list like 0,2,4-5\n", d->cfg.cpus);
			return EXIT_USAGE;
		}
		if ((unsigned int)n < d->cfg.queues) {
			pr_err("--cpus '%s': %d cpu(s) for %u queue(s)\n", d->cfg.cpus, n,
			       d->cfg.queues);
			return EXIT_USAGE;
		}
	} else {
		for (q = 0; q < d->cfg.queues; q++)
			d->cpu[q] = (int)(q % (unsigned int)ncpu);
	}
	return 0;
}

static void destroy_services(struct xst_daemon *d)
{
	int i;

	for (i = 0; i < d->nr_svc; i++) {
		if (d->svc[i].svc->destroy && d->svc[i].state)
			d->svc[i].svc->destroy(d, d->svc[i].state);
		d->svc[i].state = NULL;
	}
}

int main(int argc, char **argv)
{
	static struct xst_daemon dm;	/* large; zeroed; one per process */
	struct xst_daemon *d = &dm;
	struct xst_opt_group groups[MAX_GROUPS];
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	sigset_t sigs;
	uint64_t last_guard = 0;
	int err, sig, rc, sfd;

	xst_loadmem_setup();	/* before the zones are loaded */
	d->cfg = xst_config_defaults;
	err = xst_options_parse(argc, argv, groups, option_groups(groups), &d->cfg, help);
	if (err)
		return err > 0 ? 0 : EXIT_USAGE;
	xst_log_set_level(d->cfg.verbose ? XST_LOG_DEBUG : XST_LOG_INFO);
	/* Library chatter (the dispatcher refused, its fallback) only with -v:
	 * our own lines say what was attached and how. */
	xst_log_hook_libs(d->cfg.verbose ? XST_LOG_INFO : XST_LOG_DEBUG);
	d->main_thread = pthread_self();
	xst_rcu_init(&d->rcu);

	err = pick_services(d);
	if (err == 0) {
		pr_err("no service to run: give at least one --zone FILE (DNS), --dns-filter or "
		       "--http-root DIR (HTTP) (see --help)\n");
		return EXIT_USAGE;
	}
	if (err < 0) {
		pr_err("too many services\n");
		return EXIT_USAGE;
	}
	if (d->cfg.check) {
		err = load_services(d);
		if (!err)
			report_services(d, "checked");
		destroy_services(d);
		return err ? EXIT_FAILURE : 0;
	}
	if (!d->cfg.iface) {
		if (d->cfg.guard.filter)
			pr_err("--dns-filter needs --iface IF: the interface in front of the kernel's "
			       "DNS server (see --help)\n");
		else
			pr_err("--iface is required (see --help)\n");
		return EXIT_USAGE;
	}
	if (strlen(d->cfg.iface) >= IF_NAMESIZE) {
		pr_err("--iface '%s': name too long\n", d->cfg.iface);
		return EXIT_USAGE;
	}

	/* Everything that can fail without touching the interface comes first. */
	d->ifindex = if_nametoindex(d->cfg.iface);
	if (!d->ifindex) {
		pr_err("interface '%s': %s\n", d->cfg.iface, strerror(errno));
		return EXIT_FAILURE;
	}
	rc = plan_queues(d);
	if (rc)
		return rc;
	if (io_config(d))
		return EXIT_USAGE;
	if (xst_daemon_preflight(d->cfg.iface))
		return EXIT_FAILURE;
	if (load_services(d)) {
		destroy_services(d);
		return EXIT_FAILURE;
	}
	report_services(d, "loaded");
	setrlimit(RLIMIT_MEMLOCK, &rl);	/* kernels before 5.11 charge BPF maps and UMEM here */

	/* Signals go to sigwaitinfo() below; every thread inherits the block. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, XST_SIG_FATAL);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = xst_crash_guard(xst_daemon_crash_cleanup, d);
	if (err) {
		pr_err("install fatal-signal handlers: %s\n", strerror(-err));
		destroy_services(d);
		return EXIT_FAILURE;
	}
	err = start(d);
	if (err) {
		teardown(d);
		return EXIT_FAILURE;
	}
	{
		char names[256] = "";
		size_t off = 0;

		/* each service with the flows it serves: "dns (udp/53, tcp/53 kernel) http (tcp/80)" */
		for (int i = 0; i < d->nr_svc && off < sizeof(names); i++) {
			const struct xst_service *sv = d->svc[i].svc;
			struct xst_svc_rule r[XST_SVC_RULES_MAX];
			int n = sv->rules ? sv->rules(&d->cfg, r, XST_SVC_RULES_MAX) : 0;

			off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s (", i ? " " : "",
						sv->name);
			for (int k = 0; k < n && off < sizeof(names); k++)
				off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s/%u",
							k ? ", " : "",
							r[k].proto == XST_IPPROTO_TCP ? "tcp" : "udp",
							r[k].port);
			if (sv->listener && sv->listener(d->svc[i].state) && off < sizeof(names))
				off += (size_t)snprintf(names + off, sizeof(names) - off,
							", tcp/53 kernel sockets");
			if (off < sizeof(names))
				off += (size_t)snprintf(names + off, sizeof(names) - off, ")");
		}
		pr_info("xdpstorm %s ready on '%s': %u queue(s), %s mode, need_wakeup %s, send %s, "
			"services: %s\n", XST_VERSION, d->cfg.iface, d->cfg.queues,
			xst_io_zerocopy(d->io[0]) ? "zero-copy" : "copy",
			d->cfg.need_wakeup ? "on" : "off",
			d->cfg.send == XST_SEND_PRECOPY ? "precopy" : "memcpy", names);
	}

	/* Signals, netlink and XDP's alerts in one poll; the timeout also
	 * retries a failed netlink re-dump. */
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		pr_err("signalfd: %s\n", strerror(errno));
		atomic_store(&d->fatal, 1);
	}
	while (sfd >= 0 && !d->iface_gone) {
		struct pollfd pfd[3] = { { .fd = sfd, .events = POLLIN },
					 { .fd = xst_hostwatch_fd(d->hw), .events = POLLIN },
					 { .fd = xst_guard_alerts_fd(d->guard), .events = POLLIN } };
		struct signalfd_siginfo si;
		uint64_t now;

		if (poll(pfd, 3, 1000) < 0 && errno != EINTR) {
			pr_err("poll: %s\n", strerror(errno));
			atomic_store(&d->fatal, 1);
			break;
		}
		now = xst_clock_ns();
		/* Flooding sources learnt within milliseconds, not at the tick. */
		if (pfd[2].revents & POLLIN)
			xst_guard_alerts(d->guard, now);
		/* The flood defence's round, once a second whatever woke us. */
		if (d->guard && now - last_guard >= XST_GUARD_INTERVAL_NS) {
			last_guard = now;
			xst_guard_tick(d->guard, now);
		}
		err = xst_hostwatch_process(d->hw);
		if (err)
			pr_warn("follow links and addresses (netlink): %s\n", strerror(-err));
		for (int i = 0; i < d->nr_svc; i++)
			if (d->svc[i].svc->tick)
				d->svc[i].svc->tick(d, d->svc[i].state);
		if (!(pfd[0].revents & POLLIN) || read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		sig = (int)si.ssi_signo;
		if (sig == SIGHUP) {
			reload(d);
			continue;
		}
		if (sig != XST_SIG_FATAL)
			pr_info("%s: stopping\n", strsignal(sig));
		break;
	}
	if (sfd >= 0)
		close(sfd);
	/* The interface deleted, a socket failed, a failed detach: a supervisor
	 * must see it and restart us. */
	err = teardown(d);
	return err || d->iface_gone || atomic_load(&d->fatal) ? EXIT_FAILURE : 0;
}
