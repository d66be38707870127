// SPDX-License-Identifier: GPL-2.0
/*
 * xdpstormctl: attach, inspect and configure the xdpstorm XDP steering
 * program. Every verb finds the attachment through the interface (see
 * steer_loader.h), so separate `ip netns exec` calls see the same one.
 * Exit codes: 0 success, 1 runtime failure, 2 usage error.
 */
#include "steer_loader.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

#define PROG "xdpstormctl"
#define EXIT_USAGE 2
#define MAX_LIST 4096

struct ctl_opts {
	const char *verb;	/* "attach", "rule add", ... for messages */
	const char *iface;
	const char *mode;
	const char *proto;
	const char *port;
	const char *action;
	const char *watch;
	const char *count;
	int json;
	int verbose;
	int help;
	int nargs;
	char **args;		/* positional arguments after the verb (prefixes) */
};

enum {
	O_IFACE = 1 << 0, O_MODE = 1 << 1, O_JSON = 1 << 2, O_WATCH = 1 << 3,
	O_PROTO = 1 << 4, O_PORT = 1 << 5, O_ACTION = 1 << 6, O_COUNT = 1 << 7,
	O_ARGS = 1 << 8,
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One line on stderr naming the verb and the problem. */
static void __attribute__((format(printf, 2, 3))) fail(const struct ctl_opts *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s", PROG, o->verb);
	if (o->iface)
		fprintf(stderr, " '%s'", o->iface);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- help ------------------------------------------------------------------- */

static const char usage_main[] =
	"usage: " PROG " VERB [OPTIONS]\n"
	"\n"
	"Attach, inspect and configure the xdpstorm XDP steering program.\n"
	"\n"
	"verbs:\n"
	"  attach --iface IF [--mode native|skb]   load and attach the program\n"
	"  detach [--iface IF]                     remove the program and its pinned maps\n"
	"  status [--iface IF] [--json]            attachment, mode, rules, blocklists, sockets\n"
	"  stats  [--iface IF] [--json] [--watch SECONDS [--count N]]\n"
	"                                          outcome counters and per-queue counters\n"
	"  rule add|del|list [--iface IF] --proto udp|tcp --port N --action steer|drop|pass\n"
	"                                          (list takes no --proto/--port/--action)\n"
	"  block add|del|list [--iface IF] PREFIX...\n"
	"                                          source blocklist (IPv4/IPv6, optional /LEN)\n"
	"\n"
	"common options:\n"
	"  -i, --iface IF   interface; may be omitted (except for attach) when exactly one\n"
	"                   interface carries an xdpstorm attachment\n"
	"  -v, --verbose    log libbpf/libxdp details on stderr (repeat for debug)\n"
	"  -h, --help       help (also `" PROG " VERB --help`)\n"
	"\n"
	"exit status: 0 success, 1 runtime failure (no such interface, not attached,\n"
	"already attached, another XDP program present, kernel refusal), 2 usage error.\n"
	"See xdpstormctl(8).\n";

static const char usage_attach[] =
	"usage: " PROG " attach --iface IF [--mode native|skb]\n"
	"\n"
	"Load the steering program, attach it to IF through libxdp (the multi-program\n"
	"dispatcher when the kernel allows it, else a single-program attach), pin its maps\n"
	"under " XST_PIN_ROOT "/IF/, install the default rules udp/53 and tcp/80 steer and\n"
	"the interface's local addresses. A stale attachment left by a killed loader is\n"
	"replaced; on failure nothing is left behind.\n"
	"\n"
	"  -i, --iface IF        interface to attach to (required)\n"
	"  -m, --mode MODE       native (driver XDP, default) or skb (generic XDP)\n"
	"\n"
	"Fails (exit 1) when IF does not exist, is already attached, or runs another\n"
	"XDP program.\n";

static const char usage_detach[] =
	"usage: " PROG " detach [--iface IF]\n"
	"\n"
	"Remove the steering program from IF and its pinned maps (also the remains of an\n"
	"attach that was killed half-way). Fails (exit 1) when nothing of xdpstorm is there.\n"
	"\n"
	"  -i, --iface IF        interface\n";

static const char usage_status[] =
	"usage: " PROG " status [--iface IF] [--json]\n"
	"\n"
	"Show whether IF is attached, the XDP mode, program id, whether libxdp's\n"
	"multi-program dispatcher or a single-program attach is used, flags, rules with\n"
	"hit counts, blocklist and local-address sizes, and the daemon sockets per queue.\n"
	"Exit 0 also when not attached (\"attached: no\").\n"
	"\n"
	"  -i, --iface IF        interface\n"
	"  -j, --json            one JSON object\n";

static const char usage_stats[] =
	"usage: " PROG " stats [--iface IF] [--json] [--watch SECONDS [--count N]]\n"
	"\n"
	"Print every outcome counter of the program (packets and bytes, summed over all\n"
	"CPUs) and the daemon's per-queue counters (rx, tx, drops and XDP_STATISTICS).\n"
	"\n"
	"  -i, --iface IF        interface\n"
	"  -j, --json            JSON: one object; with --watch one object per line\n"
	"  -w, --watch SECONDS   print rates per second every SECONDS (decimal allowed)\n"
	"                        until SIGINT/SIGTERM\n"
	"  -c, --count N         with --watch: stop after N intervals\n";

static const char usage_rule[] =
	"usage: " PROG " rule add  [--iface IF] --proto udp|tcp --port N --action steer|drop|pass\n"
	"       " PROG " rule del  [--iface IF] --proto udp|tcp --port N\n"
	"       " PROG " rule list [--iface IF] [--json]\n"
	"\n"
	"Rules match the L4 protocol and destination port. steer: redirect to the AF_XDP\n"
	"socket of the receive queue (kernel stack when no socket is bound); drop: XDP_DROP;\n"
	"pass: kernel stack. `add` on an existing rule changes its action.\n"
	"\n"
	"  -i, --iface IF        interface\n"
	"  -p, --proto PROTO     udp or tcp\n"
	"  -P, --port N          destination port, 1-65535\n"
	"  -a, --action ACTION   steer, drop or pass\n"
	"  -j, --json            (list) JSON array\n";

static const char usage_block[] =
	"usage: " PROG " block add  [--iface IF] PREFIX...\n"
	"       " PROG " block del  [--iface IF] PREFIX...\n"
	"       " PROG " block list [--iface IF] [--json]\n"
	"\n"
	"Source blocklist: packets from a matching source address are dropped (XDP_DROP)\n"
	"before any rule. PREFIX is an IPv4 or IPv6 address with an optional /LEN (host\n"
	"bits are cleared). Every PREFIX is checked before anything changes. `list` shows\n"
	"each entry's hit counter.\n"
	"\n"
	"  -i, --iface IF        interface\n"
	"  -j, --json            (list) JSON array\n";

static const char *verb_usage(const char *verb)
{
	if (!strcmp(verb, "attach"))
		return usage_attach;
	if (!strcmp(verb, "detach"))
		return usage_detach;
	if (!strcmp(verb, "status"))
		return usage_status;
	if (!strcmp(verb, "stats"))
		return usage_stats;
	if (!strncmp(verb, "rule", 4))
		return usage_rule;
	if (!strncmp(verb, "block", 5))
		return usage_block;
	return usage_main;
}

/* ---- options ------------------------------------------------------------------- */

static int parse_opts(struct ctl_opts *o, int argc, char **argv, unsigned int allowed)
{
	static const struct option longopts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "proto", required_argument, NULL, 'p' },
		{ "port", required_argument, NULL, 'P' },
		{ "action", required_argument, NULL, 'a' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned int seen = 0;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+i:m:jw:c:p:P:a:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; seen |= O_IFACE; break;
		case 'm': o->mode = optarg; seen |= O_MODE; break;
		case 'j': o->json = 1; seen |= O_JSON; break;
		case 'w': o->watch = optarg; seen |= O_WATCH; break;
		case 'c': o->count = optarg; seen |= O_COUNT; break;
		case 'p': o->proto = optarg; seen |= O_PROTO; break;
		case 'P': o->port = optarg; seen |= O_PORT; break;
		case 'a': o->action = optarg; seen |= O_ACTION; break;
		case 'v': o->verbose++; break;
		case 'h': o->help = 1; return 0;
		case ':':
			fail(o, "option '%s' needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt && optopt != '?')
				fail(o, "option '-%c' needs a value or is unknown", optopt);
			else
				fail(o, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
	}
	o->nargs = argc - optind;
	o->args = argv + optind;
	if (o->nargs && !(allowed & O_ARGS)) {
		fail(o, "unexpected argument '%s'", o->args[0]);
		return -EINVAL;
	}
	if (seen & ~allowed) {
		static const char *const names[] = { "--iface", "--mode", "--json", "--watch",
			"--proto", "--port", "--action", "--count" };
		unsigned int bad = seen & ~allowed, i;

		for (i = 0; i < 8; i++)
			if (bad & (1U << i))
				break;
		fail(o, "option %s does not apply here", names[i]);
		return -EINVAL;
	}
	return 0;
}

/* Fill o->iface when omitted and exactly one interface is attached. */
static int resolve_iface(struct ctl_opts *o)
{
	char names[8][IF_NAMESIZE];
	static char found[IF_NAMESIZE];
	int n;

	if (o->iface)
		return 0;
	n = xst_steer_find_attached(names, 8);
	if (n < 0) {
		fail(o, "list interfaces: %s", strerror(-n));
		return 1;
	}
	if (n == 0) {
		fail(o, "no interface has an xdpstorm attachment here (use --iface IF)");
		return 1;
	}
	if (n > 1) {
		fail(o, "%d interfaces are attached (%s, %s%s): use --iface IF", n, names[0],
		     names[1], n > 2 ? ", ..." : "");
		return EXIT_USAGE;
	}
	memcpy(found, names[0], IF_NAMESIZE);
	o->iface = found;
	return 0;
}

static int open_maps(struct ctl_opts *o, struct xst_steer_maps *m)
{
	int err = resolve_iface(o);

	if (err)
		return err;
	err = xst_steer_maps_open(o->iface, m);
	switch (err) {
	case 0:
		return 0;
	case -ENODEV:
		fail(o, "no such interface");
		break;
	case -ENOENT:
		fail(o, "not attached (no xdpstorm program on the interface)");
		break;
	default:
		fail(o, "open maps: %s", strerror(-err));
	}
	return 1;
}

/* ---- attach / detach ----------------------------------------------------------- */

static int cmd_attach(struct ctl_opts *o)
{
	enum xst_attach_mode mode = XST_MODE_NATIVE;
	struct xst_steer_info info;
	int err;

	if (!o->iface) {
		fail(o, "--iface IF is required");
		return EXIT_USAGE;
	}
	if (o->mode && xst_steer_mode_parse(o->mode, &mode)) {
		fail(o, "--mode '%s': not native or skb", o->mode);
		return EXIT_USAGE;
	}
	err = xst_steer_attach(o->iface, mode);
	switch (err) {
	case 0:
		break;
	case -ENODEV:
		fail(o, "no such interface");
		return 1;
	case -EEXIST:
		fail(o, "already attached (run '" PROG " detach --iface %s' first)", o->iface);
		return 1;
	case -EBUSY:
		fail(o, "another (non-xdpstorm) XDP program is attached to the interface");
		return 1;
	default:
		fail(o, "%s", strerror(-err));
		return 1;
	}
	if (!xst_steer_info(o->iface, &info))
		printf("attached %s to %s: %s mode, program id %u, %s\n", XST_PROG_NAME, o->iface,
		       xst_steer_mode_name(info.mode), info.prog_id,
		       info.dispatcher ? "multi-program dispatcher"
				       : "single-program attach (no multi-program dispatcher)");
	return 0;
}

static int cmd_detach(struct ctl_opts *o)
{
	int err;

	err = resolve_iface(o);
	if (err)
		return err;
	err = xst_steer_detach(o->iface);
	switch (err) {
	case 0:
		printf("detached %s from %s\n", XST_PROG_NAME, o->iface);
		return 0;
	case -ENODEV:
		fail(o, "no such interface");
		break;
	case -ENOENT:
		fail(o, "not attached (nothing of xdpstorm on the interface)");
		break;
	case -EBUSY:
		fail(o, "the XDP program on the interface is not xdpstorm's; not touching it");
		break;
	default:
		fail(o, "%s", strerror(-err));
	}
	return 1;
}

/* Interface names may hold '"' or '\\' (the kernel only refuses '/', ':' and
 * white space): escape them. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* ---- status --------------------------------------------------------------------- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void print_flags(uint32_t flags, int json)
{
	const char *sep = "";

	if (json) {
		printf("[");
		if (flags & XST_F_ENABLED) {
			printf("\"enabled\"");
			sep = ",";
		}
		if (flags & XST_F_LOCAL_ONLY)
			printf("%s\"local_only\"", sep);
		printf("]");
		return;
	}
	if (!(flags & XST_F_ENABLED)) {
		printf("disabled");
		sep = ", ";
	} else {
		printf("enabled");
		sep = ", ";
	}
	if (flags & XST_F_LOCAL_ONLY)
		printf("%slocal addresses only", sep);
}

static int cmd_status(struct ctl_opts *o)
{
	static struct xst_steer_rule rules[MAX_LIST];
	static struct xst_queue_stats q[XST_QSTATS_ENTRIES];
	struct xst_steer_maps m = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	struct xst_steer_info info;
	int err, nrules = 0, nb4 = 0, nb6 = 0, nl4 = 0, nl6 = 0, i, nq, foreign = 0;
	uint64_t now = mono_ns();
	char dir[300];

	err = resolve_iface(o);
	if (err)
		return err;
	err = xst_steer_info(o->iface, &info);
	if (err == -EBUSY) {
		foreign = 1;
	} else if (err == -ENODEV) {
		fail(o, "no such interface");
		return 1;
	} else if (err) {
		fail(o, "%s", strerror(-err));
		return 1;
	}
	if (info.attached && xst_steer_maps_open(o->iface, &m)) {
		/* killed before its maps were bound: nothing more to read */
		info.complete = 0;
	} else if (info.attached) {
		err = 0;
		if (!err)
			err = xst_steer_qstats_read(&m, q);
		if (!err)
			nrules = xst_steer_rule_list(&m, rules, MAX_LIST);
		if (!err && nrules >= 0) {
			nb4 = xst_steer_block_count(&m, AF_INET);
			nb6 = xst_steer_block_count(&m, AF_INET6);
			nl4 = xst_steer_local_count(&m, AF_INET);
			nl6 = xst_steer_local_count(&m, AF_INET6);
		}
		if (err || nrules < 0 || nb4 < 0 || nb6 < 0 || nl4 < 0 || nl6 < 0) {
			fail(o, "read maps: %s", strerror(err ? -err : EIO));
			xst_steer_maps_close(&m);
			return 1;
		}
		xst_steer_maps_close(&m);
		if (nrules > MAX_LIST)
			nrules = MAX_LIST;
	}
	nq = info.nr_rx_queues > 0 ? info.nr_rx_queues : 1;
	if (nq > XST_MAX_QUEUES)
		nq = XST_MAX_QUEUES;
	snprintf(dir, sizeof(dir), "%s/%s", XST_PIN_ROOT, o->iface);

	if (o->json) {
		printf("{\"iface\":");
		json_str(o->iface);
		printf(",\"attached\":%s,\"complete\":%s",
		       info.attached ? "true" : "false", info.complete ? "true" : "false");
		printf(",\"rx_queues\":%d", info.nr_rx_queues);
		if (foreign)
			printf(",\"foreign_prog_id\":%u", info.main_prog_id);
		if (!info.attached) {
			printf("}\n");
			return 0;
		}
		printf(",\"mode\":\"%s\",\"prog_id\":%u,\"prog_name\":\"%s\",\"main_prog_id\":%u",
		       xst_steer_mode_name(info.mode), info.prog_id, XST_PROG_NAME,
		       info.main_prog_id);
		printf(",\"dispatcher\":%s,\"pinned\":%s,\"pin_dir\":",
		       info.dispatcher ? "true" : "false", info.pinned ? "true" : "false");
		json_str(dir);
		printf(",\"abi_version\":%u,\"flags\":", info.abi_version);
		print_flags(info.flags, 1);
		printf(",\"local_addrs\":{\"ipv4\":%d,\"ipv6\":%d}", nl4, nl6);
		printf(",\"blocklist\":{\"ipv4\":%d,\"ipv6\":%d}", nb4, nb6);
		printf(",\"rules\":[");
		for (i = 0; i < nrules; i++)
			printf("%s{\"proto\":\"%s\",\"port\":%u,\"action\":\"%s\",\"hits\":%llu}",
			       i ? "," : "", xst_steer_proto_name(rules[i].proto), rules[i].port,
			       xst_steer_action_name(rules[i].action),
			       (unsigned long long)rules[i].hits);
		printf("],\"queues\":[");
		for (i = 0; i < nq; i++) {
			double age = q[i].updated_ns && now > q[i].updated_ns
					     ? (double)(now - q[i].updated_ns) / 1e9 : -1;

			printf("%s{\"queue\":%d,\"bound\":%s,\"pid\":%u,\"age_s\":%.1f}", i ? "," : "",
			       i, q[i].bound ? "true" : "false", q[i].pid, age);
		}
		printf("]}\n");
		return 0;
	}

	printf("interface:    %s (%d rx queue%s)\n", o->iface, info.nr_rx_queues,
	       info.nr_rx_queues == 1 ? "" : "s");
	if (!info.attached) {
		if (foreign)
			printf("attached:     no (another XDP program, id %u, is on the interface)\n",
			       info.main_prog_id);
		else
			printf("attached:     no\n");
		return 0;
	}
	printf("attached:     yes%s\n",
	       info.complete ? "" : " (INCOMPLETE: loader killed mid-attach? run detach or attach)");
	printf("mode:         %s\n", xst_steer_mode_name(info.mode));
	printf("program id:   %u (%s)\n", info.prog_id, XST_PROG_NAME);
	if (info.dispatcher)
		printf("multi-program dispatcher: yes (dispatcher program id %u)\n",
		       info.main_prog_id);
	else
		printf("multi-program dispatcher: no (single-program attach)\n");
	printf("pinned maps:  %s\n", info.pinned ? dir :
	       "not visible here (maps reached through the program)");
	printf("flags:        ");
	print_flags(info.flags, 0);
	printf(" (abi %u)\n", info.abi_version);
	printf("local addrs:  %d IPv4, %d IPv6\n", nl4, nl6);
	printf("blocklist:    %d IPv4 prefix%s, %d IPv6 prefix%s\n", nb4, nb4 == 1 ? "" : "es",
	       nb6, nb6 == 1 ? "" : "es");
	printf("rules:        %d\n", nrules);
	for (i = 0; i < nrules; i++)
		printf("  %s/%-5u %-6s hits %llu\n", xst_steer_proto_name(rules[i].proto),
		       rules[i].port, xst_steer_action_name(rules[i].action),
		       (unsigned long long)rules[i].hits);
	printf("sockets per queue:\n");
	for (i = 0; i < nq; i++) {
		if (q[i].bound)
			printf("  queue %-2d  bound, pid %u, updated %.1f s ago\n", i, q[i].pid,
			       q[i].updated_ns && now > q[i].updated_ns
				       ? (double)(now - q[i].updated_ns) / 1e9 : 0.0);
		else
			printf("  queue %-2d  none (steered flows go to the kernel)\n", i);
	}
	return 0;
}

/* ---- stats ---------------------------------------------------------------------- */

struct qfield {
	const char *name;
	size_t off;
};

#define QF(f) { #f, offsetof(struct xst_queue_stats, f) }
static const struct qfield qfields[] = {
	QF(rx_packets), QF(tx_packets), QF(rx_dropped), QF(tx_errors),
	QF(xsk_rx_dropped), QF(xsk_rx_invalid), QF(xsk_tx_invalid),
	QF(xsk_rx_ring_full), QF(xsk_fill_empty), QF(xsk_tx_empty),
};
#define NR_QFIELDS (sizeof(qfields) / sizeof(qfields[0]))

static uint64_t qget(const struct xst_queue_stats *q, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)q + qfields[i].off, sizeof(v));
	return v;
}

static int queue_used(const struct xst_queue_stats *q)
{
	size_t i;

	if (q->bound || q->pid)
		return 1;
	for (i = 0; i < NR_QFIELDS; i++)
		if (qget(q, i))
			return 1;
	return 0;
}

static void print_stats_json(const struct ctl_opts *o, const struct xst_steer_stats *s,
			     const struct xst_queue_stats *q, const struct xst_steer_stats *prev,
			     const struct xst_queue_stats *qprev, double dt)
{
	size_t i, f;
	int n = 0;

	printf("{\"iface\":");
	json_str(o->iface);
	if (prev)
		printf(",\"interval_s\":%.3f", dt);
	printf(",\"counters\":{");
	for (i = 0; i < XST_STAT_MAX; i++) {
		printf("%s\"%s\":{\"packets\":%llu,\"bytes\":%llu", i ? "," : "", xst_stat_names[i],
		       (unsigned long long)s->stat[i].packets,
		       (unsigned long long)s->stat[i].bytes);
		if (prev)
			printf(",\"pps\":%.1f,\"bps\":%.1f",
			       (double)(s->stat[i].packets - prev->stat[i].packets) / dt,
			       (double)(s->stat[i].bytes - prev->stat[i].bytes) * 8 / dt);
		printf("}");
	}
	printf("},\"queues\":[");
	for (i = 0; i < XST_MAX_QUEUES; i++) {
		if (!queue_used(&q[i]))
			continue;
		printf("%s{\"queue\":%zu,\"bound\":%s,\"pid\":%u", n++ ? "," : "", i,
		       q[i].bound ? "true" : "false", q[i].pid);
		for (f = 0; f < NR_QFIELDS; f++)
			printf(",\"%s\":%llu", qfields[f].name, (unsigned long long)qget(&q[i], f));
		if (qprev)
			printf(",\"rx_pps\":%.1f,\"tx_pps\":%.1f",
			       (double)(q[i].rx_packets - qprev[i].rx_packets) / dt,
			       (double)(q[i].tx_packets - qprev[i].tx_packets) / dt);
		printf("}");
	}
	printf("]}\n");
}

static void print_stats_text(const struct ctl_opts *o, const struct xst_steer_stats *s,
			     const struct xst_queue_stats *q)
{
	uint64_t tp = 0, tb = 0;
	size_t i;
	int any = 0;

	printf("xdpstorm counters on %s (summed over CPUs)\n", o->iface);
	printf("  %-16s %16s %18s\n", "outcome", "packets", "bytes");
	for (i = 0; i < XST_STAT_MAX; i++) {
		printf("  %-16s %16llu %18llu\n", xst_stat_names[i],
		       (unsigned long long)s->stat[i].packets,
		       (unsigned long long)s->stat[i].bytes);
		tp += s->stat[i].packets;
		tb += s->stat[i].bytes;
	}
	printf("  %-16s %16llu %18llu\n", "total", (unsigned long long)tp, (unsigned long long)tb);
	printf("per-queue (daemon):\n");
	for (i = 0; i < XST_MAX_QUEUES; i++) {
		if (!queue_used(&q[i]))
			continue;
		if (!any++)
			printf("  %-5s %-5s %-7s %12s %12s %10s %9s %9s %9s %9s %9s %9s %9s\n",
			       "queue", "bound", "pid", "rx", "tx", "rx_drop", "tx_err",
			       "xsk_drop", "rx_inval", "tx_inval", "ring_full", "fill_empt",
			       "tx_empty");
		printf("  %-5zu %-5s %-7u %12llu %12llu %10llu %9llu %9llu %9llu %9llu %9llu %9llu"
		       " %9llu\n", i, q[i].bound ? "yes" : "no", q[i].pid,
		       (unsigned long long)q[i].rx_packets, (unsigned long long)q[i].tx_packets,
		       (unsigned long long)q[i].rx_dropped, (unsigned long long)q[i].tx_errors,
		       (unsigned long long)q[i].xsk_rx_dropped,
		       (unsigned long long)q[i].xsk_rx_invalid,
		       (unsigned long long)q[i].xsk_tx_invalid,
		       (unsigned long long)q[i].xsk_rx_ring_full,
		       (unsigned long long)q[i].xsk_fill_empty,
		       (unsigned long long)q[i].xsk_tx_empty);
	}
	if (!any)
		printf("  no daemon sockets (no queue has published counters)\n");
}

static void print_rates_text(const struct ctl_opts *o, const struct xst_steer_stats *s,
			     const struct xst_steer_stats *p, const struct xst_queue_stats *q,
			     const struct xst_queue_stats *qp, double dt)
{
	char tbuf[32];
	time_t t = time(NULL);
	size_t i;
	double tot = 0;

	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&t));
	printf("%s  %s  rates over %.2f s\n", tbuf, o->iface, dt);
	printf("  %-16s %14s %16s %16s\n", "outcome", "pkt/s", "bit/s", "packets");
	for (i = 0; i < XST_STAT_MAX; i++) {
		double pps = (double)(s->stat[i].packets - p->stat[i].packets) / dt;
		double bps = (double)(s->stat[i].bytes - p->stat[i].bytes) * 8 / dt;

		tot += pps;
		printf("  %-16s %14.1f %16.1f %16llu\n", xst_stat_names[i], pps, bps,
		       (unsigned long long)s->stat[i].packets);
	}
	printf("  %-16s %14.1f\n", "total", tot);
	for (i = 0; i < XST_MAX_QUEUES; i++) {
		if (!queue_used(&q[i]))
			continue;
		printf("  queue %-2zu rx %.1f/s tx %.1f/s rx_drop %.1f/s xsk_drop %.1f/s\n", i,
		       (double)(q[i].rx_packets - qp[i].rx_packets) / dt,
		       (double)(q[i].tx_packets - qp[i].tx_packets) / dt,
		       (double)(q[i].rx_dropped - qp[i].rx_dropped) / dt,
		       (double)(q[i].xsk_rx_dropped - qp[i].xsk_rx_dropped) / dt);
	}
	fflush(stdout);
}

static int cmd_stats(struct ctl_opts *o)
{
	static struct xst_queue_stats q[XST_QSTATS_ENTRIES], qp[XST_QSTATS_ENTRIES];
	struct xst_steer_stats s, p;
	struct xst_steer_maps m;
	unsigned long count = 0;
	double interval = 0;
	uint64_t t0, t1;
	unsigned long n;
	int err;

	if (o->count && !o->watch) {
		fail(o, "--count needs --watch");
		return EXIT_USAGE;
	}
	if (o->watch) {
		char *end;

		errno = 0;
		interval = strtod(o->watch, &end);
		if (errno || *end || end == o->watch || !isfinite(interval) || interval < 0.05 ||
		    interval > 86400) {
			fail(o, "--watch '%s': not a number of seconds (0.05-86400)", o->watch);
			return EXIT_USAGE;
		}
	}
	if (o->count) {
		char *end;

		errno = 0;
		count = strtoul(o->count, &end, 10);
		if (errno || *end || end == o->count || o->count[0] == '-' || !count) {
			fail(o, "--count '%s': not a positive number", o->count);
			return EXIT_USAGE;
		}
	}
	err = open_maps(o, &m);
	if (err)
		return err;
	err = xst_steer_stats_read(&m, &s);
	if (!err)
		err = xst_steer_qstats_read(&m, q);
	if (err)
		goto out_err;
	if (!o->watch) {
		if (o->json)
			print_stats_json(o, &s, q, NULL, NULL, 0);
		else
			print_stats_text(o, &s, q);
		xst_steer_maps_close(&m);
		return 0;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = mono_ns();
	for (n = 0; !stop && (!count || n < count); n++) {
		struct timespec ts = { (time_t)interval,
				       (long)((interval - (double)(time_t)interval) * 1e9) };

		p = s;
		memcpy(qp, q, sizeof(q));
		/* nanosleep returns early on a signal: stop without a last line */
		if (nanosleep(&ts, NULL) && stop)
			break;
		err = xst_steer_stats_read(&m, &s);
		if (!err)
			err = xst_steer_qstats_read(&m, q);
		if (err)
			goto out_err;
		t1 = mono_ns();
		if (o->json)
			print_stats_json(o, &s, q, &p, qp, (double)(t1 - t0) / 1e9);
		else
			print_rates_text(o, &s, &p, q, qp, (double)(t1 - t0) / 1e9);
		fflush(stdout);
		t0 = t1;
	}
	xst_steer_maps_close(&m);
	return 0;

out_err:
	fail(o, "read counters: %s", strerror(-err));
	xst_steer_maps_close(&m);
	return 1;
}

/* ---- rules ----------------------------------------------------------------------- */

static int cmd_rule(struct ctl_opts *o, const char *sub)
{
	static struct xst_steer_rule rules[MAX_LIST];
	enum xst_action action = XST_ACT_STEER;
	struct xst_steer_maps m;
	uint8_t proto = 0;
	uint16_t port = 0;
	int err, n, i;

	if (!strcmp(sub, "add") || !strcmp(sub, "del")) {
		int add = sub[0] == 'a';

		if (!o->proto || !o->port || (add && !o->action)) {
			fail(o, "needs --proto udp|tcp --port N%s", add ? " --action steer|drop|pass" : "");
			return EXIT_USAGE;
		}
		if (xst_steer_proto_parse(o->proto, &proto)) {
			fail(o, "--proto '%s': not udp or tcp", o->proto);
			return EXIT_USAGE;
		}
		if (xst_steer_port_parse(o->port, &port)) {
			fail(o, "--port '%s': not a port number (1-65535)", o->port);
			return EXIT_USAGE;
		}
		if (o->action && xst_steer_action_parse(o->action, &action)) {
			fail(o, "--action '%s': not steer, drop or pass", o->action);
			return EXIT_USAGE;
		}
		err = open_maps(o, &m);
		if (err)
			return err;
		if (add)
			err = xst_steer_rule_set(&m, proto, port, action);
		else
			err = xst_steer_rule_del(&m, proto, port);
		xst_steer_maps_close(&m);
		if (err == -ENOENT) {
			fail(o, "no rule for %s/%u", o->proto, port);
			return 1;
		}
		if (err) {
			fail(o, "%s/%u: %s", o->proto, port, strerror(-err));
			return 1;
		}
		if (add)
			printf("rule %s/%u %s\n", o->proto, port, xst_steer_action_name(action));
		else
			printf("rule %s/%u deleted\n", o->proto, port);
		return 0;
	}
	if (strcmp(sub, "list")) {
		fail(o, "unknown sub-command (add, del or list)");
		return EXIT_USAGE;
	}
	if (o->proto || o->port || o->action) {
		fail(o, "list takes no --proto, --port or --action");
		return EXIT_USAGE;
	}
	err = open_maps(o, &m);
	if (err)
		return err;
	n = xst_steer_rule_list(&m, rules, MAX_LIST);
	xst_steer_maps_close(&m);
	if (n < 0) {
		fail(o, "%s", strerror(-n));
		return 1;
	}
	if (n > MAX_LIST)
		n = MAX_LIST;
	if (o->json) {
		printf("[");
		for (i = 0; i < n; i++)
			printf("%s{\"proto\":\"%s\",\"port\":%u,\"action\":\"%s\",\"hits\":%llu}",
			       i ? "," : "", xst_steer_proto_name(rules[i].proto), rules[i].port,
			       xst_steer_action_name(rules[i].action),
			       (unsigned long long)rules[i].hits);
		printf("]\n");
		return 0;
	}
	printf("%-6s %-6s %-7s %s\n", "proto", "port", "action", "hits");
	for (i = 0; i < n; i++)
		printf("%-6s %-6u %-7s %llu\n", xst_steer_proto_name(rules[i].proto), rules[i].port,
		       xst_steer_action_name(rules[i].action), (unsigned long long)rules[i].hits);
	return 0;
}

/* ---- blocklist ------------------------------------------------------------------- */

static int cmd_block(struct ctl_opts *o, const char *sub)
{
	static struct xst_block_entry ent[MAX_LIST];
	struct xst_prefix *pfx;
	struct xst_steer_maps m;
	char buf[INET6_ADDRSTRLEN + 8];
	int err = 0, n, i;

	if (!strcmp(sub, "add") || !strcmp(sub, "del")) {
		int add = sub[0] == 'a';

		if (!o->nargs) {
			fail(o, "needs a PREFIX (IPv4 or IPv6 address, optional /LEN)");
			return EXIT_USAGE;
		}
		pfx = calloc((size_t)o->nargs, sizeof(*pfx));
		if (!pfx) {
			fail(o, "%s", strerror(ENOMEM));
			return 1;
		}
		/* Every prefix is checked before the first one is applied. */
		for (i = 0; i < o->nargs; i++) {
			if (xst_prefix_parse(o->args[i], &pfx[i])) {
				fail(o, "'%s': not an IPv4/IPv6 address or prefix", o->args[i]);
				free(pfx);
				return EXIT_USAGE;
			}
		}
		err = open_maps(o, &m);
		if (err) {
			free(pfx);
			return err;
		}
		for (i = 0; i < o->nargs; i++) {
			xst_prefix_format(&pfx[i], buf, sizeof(buf));
			err = add ? xst_steer_block_add(&m, &pfx[i]) : xst_steer_block_del(&m, &pfx[i]);
			if (err < 0) {
				if (err == -ENOENT)
					fail(o, "%s: not in the blocklist", buf);
				else
					fail(o, "%s: %s", buf, strerror(-err));
				break;
			}
			if (add)
				printf("blocked %s%s\n", buf, err == 1 ? " (already present)" : "");
			else
				printf("unblocked %s\n", buf);
			err = 0;
		}
		xst_steer_maps_close(&m);
		free(pfx);
		return err ? 1 : 0;
	}
	if (strcmp(sub, "list")) {
		fail(o, "unknown sub-command (add, del or list)");
		return EXIT_USAGE;
	}
	if (o->nargs) {
		fail(o, "list takes no PREFIX");
		return EXIT_USAGE;
	}
	err = open_maps(o, &m);
	if (err)
		return err;
	n = xst_steer_block_list(&m, ent, MAX_LIST);
	xst_steer_maps_close(&m);
	if (n < 0) {
		fail(o, "%s", strerror(-n));
		return 1;
	}
	if (n > MAX_LIST)
		n = MAX_LIST;
	if (o->json) {
		printf("[");
		for (i = 0; i < n; i++) {
			xst_prefix_format(&ent[i].prefix, buf, sizeof(buf));
			printf("%s{\"prefix\":\"%s\",\"family\":\"%s\",\"hits\":%llu}", i ? "," : "", buf,
			       ent[i].prefix.family == AF_INET ? "ipv4" : "ipv6",
			       (unsigned long long)ent[i].hits);
		}
		printf("]\n");
		return 0;
	}
	printf("%-44s %s\n", "prefix", "hits");
	for (i = 0; i < n; i++) {
		xst_prefix_format(&ent[i].prefix, buf, sizeof(buf));
		printf("%-44s %llu\n", buf, (unsigned long long)ent[i].hits);
	}
	return 0;
}

/* ---- main ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		unsigned int opts;
		int has_sub;
	} verbs[] = {
		{ "attach", O_IFACE | O_MODE, 0 },
		{ "detach", O_IFACE, 0 },
		{ "status", O_IFACE | O_JSON, 0 },
		{ "stats", O_IFACE | O_JSON | O_WATCH | O_COUNT, 0 },
		{ "rule", O_IFACE | O_JSON | O_PROTO | O_PORT | O_ACTION, 1 },
		{ "block", O_IFACE | O_JSON | O_ARGS, 1 },
	};
	struct ctl_opts o = {};
	char verbbuf[32];
	const char *sub = NULL;
	size_t v;
	int err, shift = 1;

	/* -v before the verb applies as well */
	while (argc > 1 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--verbose"))) {
		o.verbose++;
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		if (argc > 2)
			fputs(verb_usage(argv[2]), stdout);
		else
			fputs(usage_main, stdout);
		return 0;
	}
	for (v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++)
		if (!strcmp(argv[1], verbs[v].name))
			break;
	if (v == sizeof(verbs) / sizeof(verbs[0])) {
		fprintf(stderr, "%s: unknown verb '%s' (attach, detach, status, stats, rule, block;"
			" see --help)\n", PROG, argv[1]);
		return EXIT_USAGE;
	}
	o.verb = verbs[v].name;
	if (verbs[v].has_sub) {
		if (argc < 3 || argv[2][0] == '-') {
			if (argc >= 3 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
				fputs(verb_usage(o.verb), stdout);
				return 0;
			}
			fprintf(stderr, "%s: %s: needs add, del or list\n", PROG, o.verb);
			return EXIT_USAGE;
		}
		sub = argv[2];
		snprintf(verbbuf, sizeof(verbbuf), "%s %s", o.verb, sub);
		o.verb = verbbuf;
		shift = 2;
	}
	if (parse_opts(&o, argc - shift, argv + shift, verbs[v].opts))
		return EXIT_USAGE;
	if (o.help) {
		fputs(verb_usage(o.verb), stdout);
		return 0;
	}

	/* Library chatter (dispatcher refused, fallbacks) only with -v: the
	 * contract is one line on stderr per failure. */
	xst_log_set_level(o.verbose >= 2 ? XST_LOG_DEBUG : o.verbose ? XST_LOG_INFO : XST_LOG_ERR);
	xst_log_hook_libs(XST_LOG_INFO);

	if (!strcmp(verbs[v].name, "attach"))
		err = cmd_attach(&o);
	else if (!strcmp(verbs[v].name, "detach"))
		err = cmd_detach(&o);
	else if (!strcmp(verbs[v].name, "status"))
		err = cmd_status(&o);
	else if (!strcmp(verbs[v].name, "stats"))
		err = cmd_stats(&o);
	else if (!strcmp(verbs[v].name, "rule"))
		err = cmd_rule(&o, sub);
	else
		err = cmd_block(&o, sub);
	fflush(stdout);
	return err;
}
