// SPDX-License-Identifier: GPL-2.0
/*
 * xdpstorm: the daemon. Options, start-up (zones -> db -> attach -> sockets
 * -> workers), signals (SIGHUP reload, SIGTERM/SIGINT stop), the stats
 * publisher thread and an orderly tear-down that leaves the interface as it
 * was found.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "xdpstorm/steer_abi.h"
#include "core/log.h"
#include "core/rcu.h"
#include "daemon/crash.h"
#include "daemon/hostwatch.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "svc/dns_tcp.h"
#include "io/io.h"
#include "daemon/owner.h"
#include "steer_loader.h"
#include "svc/worker.h"

#ifndef XST_VERSION
#define XST_VERSION "0.1"
#endif

#define MAX_ZONES	256
#define EXIT_USAGE	2

struct xst_config {
	const char *iface;
	const char *zone[MAX_ZONES];
	unsigned int nr_zones;
	unsigned int queues;
	enum xst_attach_mode mode;
	enum xst_send_mode send;
	const char *cpus;
	int need_wakeup;
	unsigned int batch;
	enum xst_ahead_mode ahead;
	unsigned int frames;
	enum xst_io_copy copy;
	int tcp;
	int keep_attached;
	int check;		/* --check: compile the zones, report, exit */
	int verbose;
};

static const struct xst_config defaults = {
	.queues = 0,		/* 0: every RX queue of the interface */
	.mode = XST_MODE_NATIVE,
	.send = XST_SEND_MEMCPY,
	.need_wakeup = 1,
	.batch = XST_BATCH,
	.ahead = XST_AHEAD_AUTO,
	.frames = XST_FRAMES_DEFAULT,
	.copy = XST_IO_COPY_AUTO,
	.tcp = 1,
};

struct daemon {
	struct xst_config cfg;
	unsigned int nr_cpus_online;
	int cpu[XST_MAX_QUEUES];
	struct xst_steer_maps maps;
	int maps_open;
	int attached_by_us;
	struct xst_io *io[XST_MAX_QUEUES];
	int in_xskmap[XST_MAX_QUEUES];
	struct xst_worker *w[XST_MAX_QUEUES];
	struct xst_dns_tcp *tcp;
	struct xst_dbref ref;
	/* netwatch: the RCU domain of the TCP thread (the workers join it when
	 * they leave xst_dbref), the db as it sees it, the host view. */
	struct xst_rcu rcu;
	struct xst_rcu_ptr dbp;
	struct xst_rcu_ptr host;
	struct xst_hostwatch *hw;
	int iface_gone;		/* the served interface was deleted: exit 1 */
	/* Steer rules for ports this daemon does not serve, set to pass while it
	 * runs (their packets would reach a socket that drops them). */
	struct xst_steer_rule muted[XST_MAX_RULES];
	int nr_muted;
	atomic_int stop;
	atomic_int stats_stop;
	pthread_t stats_thread;
	int stats_started;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: xdpstorm --iface IF --zone FILE [--zone FILE...] [OPTION...]\n"
"\n"
"Authoritative DNS server on an AF_XDP data path. An XDP program on IF steers\n"
"UDP/53 to one AF_XDP socket per queue; everything else (ARP, ICMP, ssh, other\n"
"ports) goes on to the kernel. Answers are prepared once per zone load and sent\n"
"from the received frame. Runs in the foreground; logs to stderr.\n"
"\n"
"Options:\n"
"  -i, --iface IF        interface to serve (required)\n"
"  -z, --zone FILE[:ORIGIN]\n"
"                        RFC 1035 master file; repeat for several zones (required).\n"
"                        The zone's name is ORIGIN, else the file's first $ORIGIN,\n"
"                        else its SOA owner written absolute, else the file name\n"
"                        minus .zone/.db\n"
"  -q, --queues N        serve queues 0..N-1, one AF_XDP socket and worker thread\n"
"                        each (default: every RX queue of IF; a queue without a\n"
"                        socket hands its DNS to the kernel)\n"
"  -m, --mode MODE       XDP attach mode when xdpstorm attaches: native (default) or skb\n"
"  -s, --send MODE       memcpy (default): copy the prepared reply over the query frame;\n"
"                        precopy: send ready copies of replies held in UMEM frames,\n"
"                        patched in place for each client (memcpy on a cache miss)\n"
"  -c, --cpus LIST       pin worker i to cpu LIST[i] (e.g. 0,1 or 2-3); default\n"
"                        queue i -> cpu i modulo the online cpus\n"
"      --no-need-wakeup  kick the kernel on every TX batch (need_wakeup is on by default)\n"
"  -b, --batch N         RX descriptors per loop iteration, 1..%d (default %d)\n"
"      --lookahead WHEN  prefetch every query's database lookups across the RX\n"
"                        batch before answering it: auto (default: when the\n"
"                        compiled zones exceed %u MiB, i.e. outgrow the caches),\n"
"                        on, or off\n"
"  -f, --frames N        UMEM frames of %d bytes per queue, a power of two >= 256 (default %d)\n"
"      --copy            force AF_XDP copy mode\n"
"      --zero-copy       force zero-copy mode (fail if the driver cannot)\n"
"                        default: try zero-copy, fall back to copy mode\n"
"      --tcp, --no-tcp   DNS over TCP on port 53 with a kernel socket (default on)\n"
"      --keep-attached   leave the XDP program attached on exit\n"
"      --check           load and compile the zones, print their sizes, exit 0 (or\n"
"                        1 with file:line: reason); no interface is touched\n"
"  -v, --verbose         debug logging, libbpf/libxdp messages included\n"
"  -h, --help            this text\n"
"  -V, --version         print the version\n"
"\n"
"Start-up: zones are loaded and compiled before the interface is touched; a\n"
"zone error prints file:line: reason and exits 1. If no xdpstorm program is on\n"
"IF, xdpstorm attaches one and detaches it on exit; an existing attachment is\n"
"used and left in place (one left by a killed xdpstorm is taken over and\n"
"detached on exit: /run/xdpstorm/IF.owner). Steer rules for ports xdpstorm does not serve (the\n"
"loader's default tcp/80) are set to pass while it runs and put back on exit.\n"
"One log line containing \"ready\" says that queries are being answered.\n"
"\n"
"Signals:\n"
"  SIGHUP           reload every zone; on any error the old data stays and the\n"
"                   reason is logged (file:line: reason). Queries are never dropped.\n"
"  SIGTERM, SIGINT  stop: remove the sockets from xsks_map, detach the program\n"
"                   if xdpstorm attached it, exit 0.\n"
"\n"
"Exit status: 0 stopped by a signal; 1 runtime failure (zone, interface,\n"
"attach, sockets; the interface deleted while running; a failed detach);\n"
"2 usage error.\n"
"\n"
"Examples:\n"
"  xdpstorm --iface eth0 --zone example.com.zone\n"
"  xdpstorm -i eth0 -z a.zone -z b.zone --queues 2 --cpus 2,3 --mode skb\n"
"  kill -HUP $(pidof xdpstorm)     # reload zones\n"
"  xdpstormctl stats --iface eth0  # per-queue counters\n"
"\n"
"See xdpstorm(8).\n",
		XST_BATCH, XST_BATCH, XST_DNS_AHEAD_MIN_BYTES >> 20, XST_FRAME_SIZE,
		XST_FRAMES_DEFAULT);
}

static int parse_uint(const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max || s[0] == '-')
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
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

enum {
	OPT_NO_WAKEUP = 256,
	OPT_COPY,
	OPT_ZEROCOPY,
	OPT_TCP,
	OPT_NO_TCP,
	OPT_KEEP,
	OPT_CHECK,
	OPT_AHEAD,
};

static int parse_args(int argc, char **argv, struct xst_config *cfg)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "zone", required_argument, NULL, 'z' },
		{ "queues", required_argument, NULL, 'q' },
		{ "mode", required_argument, NULL, 'm' },
		{ "send", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "no-need-wakeup", no_argument, NULL, OPT_NO_WAKEUP },
		{ "batch", required_argument, NULL, 'b' },
		{ "lookahead", required_argument, NULL, OPT_AHEAD },
		{ "frames", required_argument, NULL, 'f' },
		{ "copy", no_argument, NULL, OPT_COPY },
		{ "zero-copy", no_argument, NULL, OPT_ZEROCOPY },
		{ "tcp", no_argument, NULL, OPT_TCP },
		{ "no-tcp", no_argument, NULL, OPT_NO_TCP },
		{ "keep-attached", no_argument, NULL, OPT_KEEP },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, copy_set = 0;

	*cfg = defaults;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":i:z:q:m:s:c:b:f:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cfg->iface = optarg;
			break;
		case 'z':
			if (cfg->nr_zones >= MAX_ZONES) {
				pr_err("too many --zone options (at most %d)\n", MAX_ZONES);
				return -EINVAL;
			}
			cfg->zone[cfg->nr_zones++] = optarg;
			break;
		case 'q':
			if (parse_uint(optarg, 1, XST_MAX_QUEUES, &cfg->queues)) {
				pr_err("--queues '%s': expected 1..%d\n", optarg, XST_MAX_QUEUES);
				return -EINVAL;
			}
			break;
		case 'm':
			if (!strcmp(optarg, "native") || !strcmp(optarg, "drv")) {
				cfg->mode = XST_MODE_NATIVE;
			} else if (!strcmp(optarg, "skb") || !strcmp(optarg, "generic")) {
				cfg->mode = XST_MODE_SKB;
			} else {
				pr_err("--mode '%s': expected native or skb\n", optarg);
				return -EINVAL;
			}
			break;
		case 's':
			if (!strcmp(optarg, "memcpy")) {
				cfg->send = XST_SEND_MEMCPY;
			} else if (!strcmp(optarg, "precopy")) {
				cfg->send = XST_SEND_PRECOPY;
			} else {
				pr_err("--send '%s': expected memcpy or precopy\n", optarg);
				return -EINVAL;
			}
			break;
		case 'c':
			cfg->cpus = optarg;
			break;
		case OPT_NO_WAKEUP:
			cfg->need_wakeup = 0;
			break;
		case 'b':
			if (parse_uint(optarg, 1, XST_BATCH, &cfg->batch)) {
				pr_err("--batch '%s': expected 1..%d\n", optarg, XST_BATCH);
				return -EINVAL;
			}
			break;
		case OPT_AHEAD:
			if (!strcmp(optarg, "auto")) {
				cfg->ahead = XST_AHEAD_AUTO;
			} else if (!strcmp(optarg, "on")) {
				cfg->ahead = XST_AHEAD_ON;
			} else if (!strcmp(optarg, "off")) {
				cfg->ahead = XST_AHEAD_OFF;
			} else {
				pr_err("--lookahead '%s': expected auto, on or off\n", optarg);
				return -EINVAL;
			}
			break;
		case 'f':
			if (parse_uint(optarg, 256, 1U << 20, &cfg->frames) ||
			    (cfg->frames & (cfg->frames - 1))) {
				pr_err("--frames '%s': expected a power of two, 256..%u\n", optarg,
				       1U << 20);
				return -EINVAL;
			}
			break;
		case OPT_COPY:
		case OPT_ZEROCOPY:
			if (copy_set) {
				pr_err("--copy and --zero-copy exclude each other\n");
				return -EINVAL;
			}
			copy_set = 1;
			cfg->copy = c == OPT_COPY ? XST_IO_COPY_FORCE : XST_IO_ZEROCOPY_FORCE;
			break;
		case OPT_TCP:
			cfg->tcp = 1;
			break;
		case OPT_NO_TCP:
			cfg->tcp = 0;
			break;
		case OPT_KEEP:
			cfg->keep_attached = 1;
			break;
		case OPT_CHECK:
			cfg->check = 1;
			break;
		case 'v':
			cfg->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("xdpstorm %s\n", XST_VERSION);
			exit(0);
		case ':':
			pr_err("option '%s' needs an argument (see --help)\n", argv[optind - 1]);
			return -EINVAL;
		default:
			pr_err("unknown option '%s' (see --help)\n", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s' (see --help)\n", argv[optind]);
		return -EINVAL;
	}
	if (!cfg->nr_zones) {
		pr_err("at least one --zone is required (see --help)\n");
		return -EINVAL;
	}
	if (cfg->check)
		return 0;
	if (!cfg->iface) {
		pr_err("--iface is required (see --help)\n");
		return -EINVAL;
	}
	if (strlen(cfg->iface) >= IF_NAMESIZE) {
		pr_err("--iface '%s': name too long\n", cfg->iface);
		return -EINVAL;
	}
	return 0;
}

/* ---- zones ---------------------------------------------------------------- */

static void log_zone_error(const char *path, const struct xst_zone_error *e, int err)
{
	if (e->file[0] && e->line)
		pr_err("%s:%u: %s\n", e->file, e->line, e->reason);
	else if (e->reason[0])
		pr_err("%s: %s\n", e->file[0] ? e->file : path, e->reason);
	else
		pr_err("%s: %s\n", path, strerror(-err));
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
	struct xst_zone *zones[MAX_ZONES] = { NULL };
	struct xst_zone_error zerr;
	unsigned int i, nr = 0;
	int err = 0;

	for (i = 0; i < cfg->nr_zones; i++) {
		char path[PATH_MAX];
		const char *origin = zone_origin(cfg->zone[i], path, sizeof(path));

		memset(&zerr, 0, sizeof(zerr));
		err = xst_zone_load(&zones[nr], path, origin, &zerr);
		if (err) {
			log_zone_error(cfg->zone[i], &zerr, err);
			goto out;
		}
		{
			char apex[1024];

			if (xst_dname_to_text(zones[nr]->apex, zones[nr]->apex_len, apex,
					      sizeof(apex)) < 0)
				snprintf(apex, sizeof(apex), "?");
			pr_info("zone %s: %zu records from %s\n", apex, zones[nr]->nr_rrs, path);
		}
		nr++;
	}
	memset(&zerr, 0, sizeof(zerr));
	err = xst_dns_db_create(out, zones, nr, &zerr);
	if (err)
		log_zone_error(cfg->zone[0], &zerr, err);
out:
	for (i = 0; i < nr; i++)
		xst_zone_destroy(zones[i]);
	return err;
}

static void log_db(const char *what, const struct xst_dns_db *db, const struct xst_config *cfg)
{
	int ahead = cfg->ahead == XST_AHEAD_ON || (cfg->ahead == XST_AHEAD_AUTO && xst_dns_db_ahead(db));
	size_t names, msgs, bytes;

	xst_dns_db_sizes(db, &names, &msgs, &bytes);
	pr_info("%s %u zone(s): %zu names, %zu prepared messages, %zu KiB, lookahead %s\n", what,
		cfg->nr_zones, names, msgs, bytes / 1024, ahead ? "on" : "off");
}

/* ---- stats publisher ---------------------------------------------------------- */

#define LD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static void fill_qstats(struct daemon *d, unsigned int q, struct xst_queue_stats *qs)
{
	const struct xst_worker_stats *s = &d->w[q]->stats;
	struct xst_io_xdp_stats xs;
	struct timespec ts;

	memset(qs, 0, sizeof(*qs));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	qs->bound = 1;
	qs->pid = (__u32)getpid();
	qs->updated_ns = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	qs->rx_packets = LD(s->rx_packets);
	qs->tx_packets = LD(s->tx_packets);
	qs->abi_version = XST_ABI_VERSION;
	qs->rx_dropped = LD(s->rx_dropped);
	qs->tx_errors = LD(s->tx_errors);
	if (!xst_io_xdp_stats(d->io[q], &xs)) {
		qs->xsk_rx_dropped = xs.rx_dropped;
		qs->xsk_rx_invalid = xs.rx_invalid_descs;
		qs->xsk_tx_invalid = xs.tx_invalid_descs;
		qs->xsk_rx_ring_full = xs.rx_ring_full;
		qs->xsk_fill_empty = xs.rx_fill_ring_empty_descs;
		qs->xsk_tx_empty = xs.tx_ring_empty_descs;
	}
}

static void publish(struct daemon *d)
{
	struct xst_queue_stats qs;
	unsigned int q;

	if (d->maps.qstats < 0)
		return;
	for (q = 0; q < d->cfg.queues; q++) {
		if (!d->w[q])
			continue;
		fill_qstats(d, q, &qs);
		bpf_map_update_elem(d->maps.qstats, &q, &qs, BPF_ANY);
	}
}

static void *stats_run(void *arg)
{
	struct daemon *d = arg;
	struct timespec tick = { 0, 100000000 };
	unsigned int i = 0;

	while (!atomic_load(&d->stats_stop)) {
		if (i++ % 10 == 0)
			publish(d);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

static void unpublish(struct daemon *d)
{
	struct xst_queue_stats zero;
	unsigned int q;

	if (!d->maps_open || d->maps.qstats < 0)
		return;
	memset(&zero, 0, sizeof(zero));
	for (q = 0; q < d->cfg.queues; q++)
		if (d->io[q])
			bpf_map_update_elem(d->maps.qstats, &q, &zero, BPF_ANY);
}

/* ---- start and stop -------------------------------------------------------------- */

/* Whether this daemon answers (proto, port): DNS over UDP only, for now. */
static int served(uint8_t proto, uint16_t port)
{
	return proto == IPPROTO_UDP && port == 53;
}

/*
 * Makes the rules match the services: udp/53 steered, and every other steer
 * rule (the loader's default tcp/80 is for the HTTP service) set to pass
 * until exit, so that traffic keeps reaching the kernel.
 */
static int serve_rules(struct daemon *d)
{
	struct xst_steer_rule r[XST_MAX_RULES];
	int n, i, err;

	n = xst_steer_rule_list(&d->maps, r, XST_MAX_RULES);
	if (n < 0) {
		pr_err("read steering rules of '%s': %s\n", d->cfg.iface, strerror(-n));
		return n;
	}
	if (n > XST_MAX_RULES)
		n = XST_MAX_RULES;
	for (i = 0; i < n; i++) {
		if (r[i].action != XST_ACT_STEER || served(r[i].proto, r[i].port))
			continue;
		err = xst_steer_rule_set(&d->maps, r[i].proto, r[i].port, XST_ACT_PASS);
		if (err) {
			pr_err("set rule %s/%u to pass: %s\n", xst_steer_proto_name(r[i].proto),
			       r[i].port, strerror(-err));
			return err;
		}
		d->muted[d->nr_muted++] = r[i];
		pr_info("rule %s/%u: pass while xdpstorm runs (no service for it here)\n",
			xst_steer_proto_name(r[i].proto), r[i].port);
	}
	err = xst_steer_rule_set(&d->maps, IPPROTO_UDP, 53, XST_ACT_STEER);
	if (err)
		pr_err("set rule udp/53 to steer: %s\n", strerror(-err));
	return err;
}

/* Puts back the rules serve_rules() changed, when the program stays attached. */
static void restore_rules(struct daemon *d)
{
	int i;

	for (i = 0; i < d->nr_muted; i++)
		xst_steer_rule_set(&d->maps, d->muted[i].proto, d->muted[i].port, XST_ACT_STEER);
	d->nr_muted = 0;
}

static int attach(struct daemon *d)
{
	const char *ifname = d->cfg.iface;
	int err;

	err = xst_steer_is_attached(ifname);
	if (err == -EBUSY) {
		pr_err("'%s' already runs another (non-xdpstorm) XDP program; left as it is "
		       "(remove it first, e.g. ip link set dev %s xdp off)\n", ifname, ifname);
		return err;
	}
	if (err < 0) {
		pr_err("query XDP on '%s': %s\n", ifname, strerror(-err));
		return err;
	}
	if (err == 1) {
		struct xst_steer_info info;
		int dead = 0;

		if (!xst_steer_info(ifname, &info))
			dead = xst_owner_orphaned(ifname, info.prog_id);
		if (dead) {
			/* Left by a daemon that died before detaching: ours now. */
			d->attached_by_us = 1;
			xst_owner_write(ifname, info.prog_id);
			pr_info("taking over the xst_steer program on '%s' left by xdpstorm pid %d "
				"(detached on exit)\n", ifname, dead);
		} else {
			pr_info("using the xdpstorm program attached to '%s' (left attached on exit)\n",
				ifname);
		}
	} else {
		err = xst_steer_attach(ifname, d->cfg.mode);
		if (err == -EEXIST) {
			pr_info("using the xdpstorm program attached to '%s' (left attached on exit)\n",
				ifname);
		} else if (err) {
			if (err == -EBUSY)
				pr_err("attach xst_steer to '%s': another XDP program is attached\n",
				       ifname);
			else
				pr_err("attach xst_steer to '%s': %s\n", ifname, strerror(-err));
			return err;
		} else {
			struct xst_steer_info info = { 0 };

			d->attached_by_us = 1;
			if (!xst_steer_info(ifname, &info))
				xst_owner_write(ifname, info.prog_id);
			pr_info("attached xst_steer to '%s' (%s mode%s)\n", ifname,
				d->cfg.mode == XST_MODE_SKB ? "skb" : "native",
				info.dispatcher ? ", libxdp dispatcher" : ", single-program attach");
		}
	}
	err = xst_steer_maps_open(ifname, &d->maps);
	if (err) {
		pr_err("open steering maps of '%s': %s\n", ifname, strerror(-err));
		return err;
	}
	d->maps_open = 1;
	if (d->maps.xsks < 0) {
		pr_err("open steering maps of '%s': no xsks_map\n", ifname);
		return -ENOENT;
	}
	return serve_rules(d);
}

static int open_queues(struct daemon *d)
{
	struct xst_io_cfg icfg = {
		.ifname = d->cfg.iface,
		.nr_frames = d->cfg.frames,
		.frame_size = XST_FRAME_SIZE,
		.need_wakeup = d->cfg.need_wakeup,
		.copy = d->cfg.copy,
	};
	unsigned int q;
	int err;

	for (q = 0; q < d->cfg.queues; q++) {
		icfg.queue = q;
		err = xst_io_xsk_create(&d->io[q], &icfg);
		if (err) {
			pr_err("create AF_XDP socket on '%s' queue %u: %s%s\n", d->cfg.iface, q,
			       strerror(-err),
			       err == -EBUSY ? " (another AF_XDP socket holds this queue)" : "");
			return err;
		}
		err = xst_worker_create(&d->w[q], d->io[q], &d->ref, q, d->cpu[q], d->cfg.send,
					&d->stop);
		if (err) {
			pr_err("create worker %u: %s\n", q, strerror(-err));
			return err;
		}
		d->w[q]->batch = d->cfg.batch;
		d->w[q]->ahead = d->cfg.ahead;
		pr_info("queue %u: AF_XDP socket in %s mode, %u frames, worker on cpu %d\n", q,
			xst_io_zerocopy(d->io[q]) ? "zero-copy" : "copy", d->cfg.frames, d->cpu[q]);
	}
	return 0;
}

static int bind_queues(struct daemon *d)
{
	unsigned int q;

	for (q = 0; q < d->cfg.queues; q++) {
		int fd = xst_io_fd(d->io[q]);

		if (bpf_map_update_elem(d->maps.xsks, &q, &fd, BPF_ANY)) {
			int err = -errno;

			pr_err("insert socket of queue %u into xsks_map: %s\n", q, strerror(-err));
			return err;
		}
		d->in_xskmap[q] = 1;
	}
	return 0;
}

static void unbind_queues(struct daemon *d)
{
	unsigned int q;

	for (q = 0; q < d->cfg.queues; q++) {
		if (!d->in_xskmap[q])
			continue;
		/* After this the program passes the queue's DNS to the kernel. */
		bpf_map_delete_elem(d->maps.xsks, &q);
		d->in_xskmap[q] = 0;
	}
}

/*
 * On a fatal signal (crash.h): what teardown() does to the interface and
 * nothing else. The sockets and threads end with the process.
 */
static void crash_cleanup(void *arg)
{
	struct daemon *d = arg;

	if (d->attached_by_us) {
		if (!d->cfg.keep_attached)
			xst_steer_detach(d->cfg.iface);
		xst_owner_remove(d->cfg.iface);
	}
	if (d->maps_open && (!d->attached_by_us || d->cfg.keep_attached))
		restore_rules(d);
}

/* Returns 0, or -errno when the interface could not be left clean. */
static int teardown(struct daemon *d)
{
	unsigned int q;
	int ret = 0;

	/* Out of the map first: from then on the program hands DNS to the
	 * kernel instead of to sockets that are about to close. */
	if (d->maps_open)
		unbind_queues(d);
	atomic_store(&d->stop, 1);
	for (q = 0; q < d->cfg.queues; q++)
		xst_worker_join(d->w[q]);
	if (d->tcp) {
		const struct xst_dns_tcp_stats *ts = xst_dns_tcp_stats(d->tcp);

		pr_info("DNS over TCP: %lu accepted, %lu queries, %lu answered; closed: %lu refused "
			"(per source), %lu evicted idle, %lu evicted busy, %lu query timeouts, %lu "
			"idle, %lu write timeouts\n", (unsigned long)ts->accepted,
			(unsigned long)ts->queries, (unsigned long)ts->answered,
			(unsigned long)ts->refused_per_source, (unsigned long)ts->evicted,
			(unsigned long)ts->evicted_busy, (unsigned long)ts->query_timeouts,
			(unsigned long)ts->idle_closes, (unsigned long)ts->write_timeouts);
	}
	xst_dns_tcp_destroy(d->tcp);
	d->tcp = NULL;
	xst_hostwatch_destroy(d->hw);
	d->hw = NULL;
	xst_host_destroy(xst_rcu_deref(&d->host));	/* no reader left */
	xst_rcu_ptr_init(&d->host, NULL);
	atomic_store(&d->stats_stop, 1);
	if (d->stats_started)
		pthread_join(d->stats_thread, NULL);
	if (d->maps_open)
		unpublish(d);
	if (d->maps_open && (!d->attached_by_us || d->cfg.keep_attached))
		restore_rules(d);
	for (q = 0; q < d->cfg.queues; q++) {
		xst_worker_destroy(d->w[q]);
		d->w[q] = NULL;
		xst_io_destroy(d->io[q]);
		d->io[q] = NULL;
	}
	if (d->maps_open)
		xst_steer_maps_close(&d->maps);
	d->maps_open = 0;
	if (d->attached_by_us) {
		xst_owner_remove(d->cfg.iface);
		if (d->cfg.keep_attached) {
			pr_info("leaving xst_steer attached to '%s' (--keep-attached)\n",
				d->cfg.iface);
		} else {
			int err = xst_steer_detach(d->cfg.iface);

			if (err && err != -ENOENT) {
				pr_err("detach xst_steer from '%s': %s%s\n", d->cfg.iface,
				       strerror(-err),
				       d->iface_gone ? " (the interface was deleted)" : "");
				ret = err;	/* a supervisor must see it */
			} else {
				pr_info("detached xst_steer from '%s'\n", d->cfg.iface);
			}
		}
		d->attached_by_us = 0;
	}
	return ret;
}

static void reload(struct daemon *d)
{
	const struct xst_dns_db *old;
	struct xst_dns_db *db;

	pr_info("SIGHUP: reloading %u zone(s)\n", d->cfg.nr_zones);
	if (build_db(&d->cfg, &db)) {
		pr_err("reload failed; still serving the previous data\n");
		return;
	}
	old = xst_dbref_replace(&d->ref, db);
	xst_rcu_replace(&d->rcu, &d->dbp, db);	/* netwatch: the same old db, TCP's grace period */
	xst_dns_db_destroy((struct xst_dns_db *)old);
	log_db("reloaded", db, &d->cfg);
}

/* netwatch: a new host view for the readers; the old one once no reader holds it. */
static void publish_host(void *arg, struct xst_host *h)
{
	struct daemon *d = arg;

	xst_host_destroy(xst_rcu_replace(&d->rcu, &d->host, h));
}

/* netwatch: the served interface was deleted; the main loop stops, exit 1. */
static void iface_gone(void *arg)
{
	((struct daemon *)arg)->iface_gone = 1;
}

static int start(struct daemon *d)
{
	unsigned int q;
	int err;

	if (d->cfg.tcp) {
		struct xst_dns_tcp_cfg tcfg = { .port = 53 };

		/* listeners come from the host watcher below, one per served address */
		err = xst_dns_tcp_create(&d->tcp, &tcfg, &d->rcu, &d->dbp, &d->stop);
		if (err) {
			pr_err("set up DNS over TCP: %s (--no-tcp to go without)\n", strerror(-err));
			return err;
		}
	}
	err = attach(d);
	if (err)
		return err;
	/* netwatch: the maps, the listeners and the first host view, before any worker runs */
	{
		struct xst_hostwatch_cfg hcfg = {
			.ifname = d->cfg.iface, .maps = &d->maps, .tcp = d->tcp,
			.publish = publish_host, .gone = iface_gone, .arg = d,
		};

		err = xst_hostwatch_create(&d->hw, &hcfg);
		if (err)
			return err;
	}
	err = open_queues(d);
	if (err)
		return err;
	for (q = 0; q < d->cfg.queues; q++) {
		err = xst_worker_start(d->w[q]);
		if (err) {
			pr_err("start worker %u: %s\n", q, strerror(-err));
			return err;
		}
	}
	if (d->tcp) {
		err = xst_dns_tcp_start(d->tcp);
		if (err) {
			pr_err("start TCP thread: %s\n", strerror(-err));
			return err;
		}
	}
	/* Workers run before the sockets go into the map: the first steered
	 * query already finds its fill ring full and a thread polling. */
	err = bind_queues(d);
	if (err)
		return err;
	{
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		err = -pthread_create(&d->stats_thread, NULL, stats_run, d);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (err) {
			pr_err("start stats thread: %s\n", strerror(-err));
			return err;
		}
		d->stats_started = 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct daemon dm;	/* large; zeroed; one per process */
	struct daemon *d = &dm;
	struct xst_dns_db *db = NULL;
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	sigset_t sigs;
	int avail, err, ncpu, sig, sfd, rc = 0;
	unsigned int q;

	if (parse_args(argc, argv, &d->cfg))
		return EXIT_USAGE;
	xst_log_set_level(d->cfg.verbose ? XST_LOG_DEBUG : XST_LOG_INFO);
	/* Library chatter (the dispatcher refused, its fallback) only with -v:
	 * our own lines say what was attached and how. */
	xst_log_hook_libs(d->cfg.verbose ? XST_LOG_INFO : XST_LOG_DEBUG);
	if (d->cfg.check) {
		if (build_db(&d->cfg, &db))
			return EXIT_FAILURE;
		log_db("checked", db, &d->cfg);
		xst_dns_db_destroy(db);
		return 0;
	}

	/* Everything that can fail without touching the interface comes first. */
	if (!if_nametoindex(d->cfg.iface)) {
		pr_err("interface '%s': %s\n", d->cfg.iface, strerror(errno));
		return EXIT_FAILURE;
	}
	avail = xst_iface_rx_queues(d->cfg.iface);
	if (avail > 0 && d->cfg.queues > (unsigned int)avail) {
		pr_err("--queues %u: '%s' has %d RX queue(s)\n", d->cfg.queues, d->cfg.iface,
		       avail);
		return EXIT_USAGE;
	}
	if (!d->cfg.queues) {
		d->cfg.queues = avail > 0 ? (unsigned int)avail : 1;
		if (d->cfg.queues > XST_MAX_QUEUES) {
			pr_warn("'%s' has %d RX queues; serving the first %d\n", d->cfg.iface,
				avail, XST_MAX_QUEUES);
			d->cfg.queues = XST_MAX_QUEUES;
		}
	} else if (avail > 0 && d->cfg.queues < (unsigned int)avail) {
		pr_warn("--queues %u: queues %u..%d of '%s' get no socket; their DNS goes to the kernel\n",
			d->cfg.queues, d->cfg.queues, avail - 1, d->cfg.iface);
	}

	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 1)
		ncpu = 1;
	if (d->cfg.cpus) {
		int n = parse_cpus(d->cfg.cpus, d->cpu, XST_MAX_QUEUES);

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

	if (build_db(&d->cfg, &db))
		return EXIT_FAILURE;
	log_db("loaded", db, &d->cfg);
	xst_dbref_init(&d->ref, db);
	xst_rcu_init(&d->rcu);
	xst_rcu_ptr_init(&d->dbp, db);
	setrlimit(RLIMIT_MEMLOCK, &rl);	/* kernels before 5.11 charge BPF maps and UMEM here */

	/* Signals go to sigwaitinfo() below; every thread inherits the block. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = xst_crash_guard(crash_cleanup, d);
	if (err) {
		pr_err("install fatal-signal handlers: %s\n", strerror(-err));
		xst_dns_db_destroy((struct xst_dns_db *)atomic_load(&d->ref.db));
		return EXIT_FAILURE;
	}
	err = start(d);
	if (err) {
		teardown(d);
		xst_dns_db_destroy((struct xst_dns_db *)atomic_load(&d->ref.db));
		return EXIT_FAILURE;
	}
	pr_info("xdpstorm %s ready on '%s': %u queue(s), %s mode, need_wakeup %s, send %s, tcp %s\n",
		XST_VERSION, d->cfg.iface, d->cfg.queues,
		xst_io_zerocopy(d->io[0]) ? "zero-copy" : "copy",
		d->cfg.need_wakeup ? "on" : "off",
		d->cfg.send == XST_SEND_PRECOPY ? "precopy" : "memcpy",
		d->tcp ? "on" : "off");

	/* netwatch: signals and netlink in one poll; the timeout retries a
	 * failed netlink re-dump */
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0)
		pr_err("signalfd: %s\n", strerror(errno));
	while (sfd >= 0 && !d->iface_gone) {
		struct pollfd pfd[2] = { { .fd = sfd, .events = POLLIN },
					 { .fd = xst_hostwatch_fd(d->hw), .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(pfd, 2, 1000) < 0 && errno != EINTR) {
			pr_err("poll: %s\n", strerror(errno));
			break;
		}
		err = xst_hostwatch_process(d->hw);
		if (err)
			pr_warn("follow links and addresses (netlink): %s\n", strerror(-err));
		if (!(pfd[0].revents & POLLIN) || read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		sig = (int)si.ssi_signo;
		if (sig == SIGHUP) {
			reload(d);
			continue;
		}
		pr_info("%s: stopping\n", strsignal(sig));
		break;
	}
	if (sfd < 0 || d->iface_gone)
		rc = EXIT_FAILURE;	/* a supervisor restarts us */
	if (sfd >= 0)
		close(sfd);
	if (teardown(d))
		rc = EXIT_FAILURE;
	xst_dns_db_destroy((struct xst_dns_db *)atomic_load(&d->ref.db));
	return rc;
}
