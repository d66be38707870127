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

#include <bpf/bpf.h>

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
	"                                          outcome counters, per-queue counters and\n"
	"                                          the daemon's flood-defence state\n"
	"  rule add|del|list [--iface IF] --proto udp|tcp --port N\n"
	"                    --action steer|drop|pass|filter\n"
	"                                          (list takes no --proto/--port/--action)\n"
	"  block add|del|list [--iface IF] PREFIX...\n"
	"                                          source blocklist (IPv4/IPv6, optional /LEN;\n"
	"                                          list also shows the daemon's learnt entries)\n"
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
	"under " XST_PIN_ROOT "/IF/, and record the interface's local addresses and MAC:\n"
	"only traffic addressed to them is ever steered. No service rules are installed:\n"
	"the daemon adds the rules of what it serves (or use `" PROG " rule add`). A stale\n"
	"attachment left by a killed loader is replaced; on failure nothing is left behind\n"
	"and the error says what limits the attach (MTU, driver, queues) and what to do.\n"
	"\n"
	"  -i, --iface IF        interface to attach to (required)\n"
	"  -m, --mode MODE       native (driver XDP, default) or skb (generic XDP)\n"
	"\n"
	"Fails (exit 1) when IF does not exist, is already attached, runs another XDP\n"
	"program (or xdpstorm's of another ABI version), or the kernel refuses.\n";

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
	"multi-program dispatcher or a single-program attach is used, flags, max frame,\n"
	"own MACs, rules with hit counts, blocklist and local-address sizes, and the daemon\n"
	"socket per queue (saying when its process is gone).\n"
	"Exit 0 also when not attached (\"attached: no\").\n"
	"\n"
	"  -i, --iface IF        interface\n"
	"  -j, --json            one JSON object\n";

static const char usage_stats[] =
	"usage: " PROG " stats [--iface IF] [--json] [--watch SECONDS [--count N]]\n"
	"\n"
	"Print every outcome counter of the program (packets and bytes, summed over all\n"
	"CPUs) and the daemon's counters: per queue the worker (rx, tx, drops by reason,\n"
	"frames), XDP_STATISTICS and each service (rx, replied, consumed, passed, dropped,\n"
	"emitted and its own named counters); then the daemon-wide services (DNS over TCP).\n"
	"When the daemon runs the DNS flood defence and published its state in the last\n"
	"5 s: its mode, learnt blocks, verified sources, the top sources by packets dropped\n"
	"in the last interval and the zones under attack (\"guard\" in JSON, null otherwise).\n"
	"Refuses (exit 1) counters published by a daemon of another ABI version.\n"
	"\n"
	"  -i, --iface IF        interface\n"
	"  -j, --json            JSON: one object; with --watch one object per line\n"
	"  -w, --watch SECONDS   print rates per second every SECONDS (decimal allowed)\n"
	"                        until SIGINT/SIGTERM\n"
	"  -c, --count N         with --watch: stop after N intervals\n";

static const char usage_rule[] =
	"usage: " PROG " rule add  [--iface IF] --proto udp|tcp --port N\n"
	"                          --action steer|drop|pass|filter\n"
	"       " PROG " rule del  [--iface IF] --proto udp|tcp --port N\n"
	"       " PROG " rule list [--iface IF] [--json]\n"
	"\n"
	"Rules match the L4 protocol and destination port. steer: redirect to the AF_XDP\n"
	"socket of the receive queue (kernel stack when no socket is bound); drop: XDP_DROP;\n"
	"pass: kernel stack; filter (UDP, DNS): the DNS filter stage (short packets and\n"
	"responses dropped, per-source token buckets, and in the daemon's filter mode\n"
	"verified sources and unsampled queries passed to the kernel), then as steer; its\n"
	"hits are not counted (see `" PROG " stats`), and over TCP it is steer.\n"
	"`add` on an existing rule changes its action.\n"
	"\n"
	"  -i, --iface IF        interface\n"
	"  -p, --proto PROTO     udp or tcp\n"
	"  -P, --port N          destination port, 1-65535\n"
	"  -a, --action ACTION   steer, drop, pass or filter\n"
	"  -j, --json            (list) JSON array\n";

static const char usage_block[] =
	"usage: " PROG " block add  [--iface IF] PREFIX...\n"
	"       " PROG " block del  [--iface IF] PREFIX...\n"
	"       " PROG " block list [--iface IF] [--json]\n"
	"\n"
	"Source blocklist: packets from a matching source address are dropped (XDP_DROP)\n"
	"before any rule. PREFIX is an IPv4 or IPv6 address with an optional /LEN (host\n"
	"bits are cleared). Every PREFIX is checked before anything changes. `add` makes\n"
	"a manual entry, kept until deleted. `list` shows each entry's hit counter\n"
	"(approximate: counted 64 at a time, one drop in 64), why it is there (manual, or\n"
	"learnt by the daemon's flood defence: rate, malformed, nxflood) and the time a\n"
	"learnt entry has left (\"expired\": no longer dropping, deleted by the daemon soon).\n"
	"`del` removes learnt entries too (the daemon may learn them again).\n"
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
	case -EPROTO:
		fail(o, "the xdpstorm program on the interface comes from a build with another ABI "
		     "version; this xdpstormctl reads v%d: use that build's xdpstormctl",
		     XST_ABI_VERSION);
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
	char hint[512];
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
		fail(o, "%s", xst_steer_attach_hint(o->iface, err, mode, hint, sizeof(hint)));
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

/* 1 when pid names a live process (kill(pid, 0) succeeds or is refused for
 * permission), 0 when it is gone (ESRCH) or 0. */
static int pid_alive(uint32_t pid)
{
	if (!pid)
		return 0;
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* Seconds since a CLOCK_MONOTONIC stamp, -1 when never published. */
static double age_s(uint64_t now, uint64_t stamp)
{
	if (!stamp)
		return -1;
	return now > stamp ? (double)(now - stamp) / 1e9 : 0.0;
}

static void print_flags(uint32_t flags, int json)
{
	static const struct {
		uint32_t bit;
		const char *json, *text;
	} names[] = {
		{ XST_F_LOCAL_ONLY, "local_only", "local addresses only" },
		{ XST_F_MAC_ONLY, "mac_only", "own MACs only" },
		{ XST_F_FILTER_PASS, "filter_pass", "DNS filter mode" },
		{ XST_F_FILTER_INSPECT, "filter_inspect", "DNS filter inspects every query" },
		{ XST_F_FILTER_HEADER, "filter_header", "DNS header checks" },
	};
	size_t i;
	int n = 0;

	if (json) {
		printf("[");
		if (flags & XST_F_ENABLED)
			printf("%s\"enabled\"", n++ ? "," : "");
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (flags & names[i].bit)
				printf("%s\"%s\"", n++ ? "," : "", names[i].json);
		printf("]");
		return;
	}
	printf("%s", flags & XST_F_ENABLED ? "enabled" : "disabled");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			printf(", %s", names[i].text);
}

/* A program of another build on the interface: its maps are never read. */
static int other_abi(const struct xst_steer_info *info)
{
	return info->attached && info->abi_version && info->abi_version != XST_ABI_VERSION;
}

/* Does a qstats entry of ours describe anything? Unused entries are zero. */
static int entry_used(const struct xst_queue_stats *q)
{
	static const struct xst_queue_stats zero;

	return memcmp(q, &zero, sizeof(zero)) != 0;
}

/* The pid of an entry's writer. A v1 daemon's entry (no abi_version field)
 * read with the v2 layout holds its bound flag (1) where v2 keeps
 * abi_version and its pid where v2 keeps bound. */
static uint32_t entry_pid(const struct xst_queue_stats *q)
{
	return q->abi_version == 1 ? q->bound : q->pid;
}

static int cmd_status(struct ctl_opts *o)
{
	static struct xst_steer_rule rules[MAX_LIST];
	static struct xst_queue_stats q[XST_QSTATS_ENTRIES];
	static uint8_t macs[XST_MAX_MACS][6];
	struct xst_steer_maps m = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	struct xst_steer_info info;
	int err, nrules = 0, nb4 = 0, nb6 = 0, nl4 = 0, nl6 = 0, nmacs = 0, i, nq, foreign = 0;
	int readable = 0;
	uint64_t now = mono_ns();
	const struct xst_queue_stats *dq = &q[XST_QSTATS_DAEMON];
	char dir[300], mbuf[24];

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
	if (info.attached && !other_abi(&info) && xst_steer_maps_open(o->iface, &m)) {
		/* killed before its maps were bound: nothing more to read */
		info.complete = 0;
	} else if (info.attached && !other_abi(&info)) {
		readable = 1;
		err = xst_steer_qstats_read(&m, q);
		if (!err)
			nrules = xst_steer_rule_list(&m, rules, MAX_LIST);
		if (!err && nrules >= 0) {
			nb4 = xst_steer_block_count(&m, AF_INET);
			nb6 = xst_steer_block_count(&m, AF_INET6);
			nl4 = xst_steer_local_count(&m, AF_INET);
			nl6 = xst_steer_local_count(&m, AF_INET6);
			nmacs = xst_steer_mac_list(&m, macs, XST_MAX_MACS);
		}
		if (err || nrules < 0 || nb4 < 0 || nb6 < 0 || nl4 < 0 || nl6 < 0 || nmacs < 0) {
			fail(o, "read maps: %s", strerror(err ? -err : EIO));
			xst_steer_maps_close(&m);
			return 1;
		}
		xst_steer_maps_close(&m);
		if (nrules > MAX_LIST)
			nrules = MAX_LIST;
		if (nmacs > XST_MAX_MACS)
			nmacs = XST_MAX_MACS;
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
		printf(",\"abi_version\":%u,\"other_abi\":%s", info.abi_version,
		       other_abi(&info) ? "true" : "false");
		if (!readable) {
			printf("}\n");
			return 0;
		}
		printf(",\"flags\":");
		print_flags(info.flags, 1);
		printf(",\"max_frame\":%u", info.max_frame);
		printf(",\"macs\":[");
		for (i = 0; i < nmacs; i++) {
			xst_mac_format(macs[i], mbuf, sizeof(mbuf));
			printf("%s\"%s\"", i ? "," : "", mbuf);
		}
		printf("]");
		printf(",\"local_addrs\":{\"ipv4\":%d,\"ipv6\":%d}", nl4, nl6);
		printf(",\"blocklist\":{\"ipv4\":%d,\"ipv6\":%d}", nb4, nb6);
		printf(",\"rules\":[");
		for (i = 0; i < nrules; i++)
			printf("%s{\"proto\":\"%s\",\"port\":%u,\"action\":\"%s\",\"hits\":%llu}",
			       i ? "," : "", xst_steer_proto_name(rules[i].proto), rules[i].port,
			       xst_steer_action_name(rules[i].action),
			       (unsigned long long)rules[i].hits);
		printf("],\"queues\":[");
		for (i = 0; i < nq; i++)
			printf("%s{\"queue\":%d,\"bound\":%s,\"pid\":%u,\"pid_alive\":%s,"
			       "\"abi_version\":%u,\"age_s\":%.1f}", i ? "," : "", i,
			       q[i].bound ? "true" : "false", entry_pid(&q[i]),
			       pid_alive(entry_pid(&q[i])) ? "true" : "false", q[i].abi_version,
			       age_s(now, q[i].updated_ns));
		printf("],\"daemon\":");
		if (entry_used(dq))
			printf("{\"pid\":%u,\"pid_alive\":%s,\"abi_version\":%u,\"age_s\":%.1f}",
			       entry_pid(dq), pid_alive(entry_pid(dq)) ? "true" : "false",
			       dq->abi_version, age_s(now, dq->updated_ns));
		else
			printf("null");
		printf("}\n");
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
	if (other_abi(&info))
		printf("attached:     yes, by another build (config ABI v%u; this xdpstormctl "
		       "reads v%d: use the xdpstormctl of that build)\n", info.abi_version,
		       XST_ABI_VERSION);
	else
		printf("attached:     yes%s\n", info.complete ? "" :
		       " (INCOMPLETE: loader killed mid-attach? run detach or attach)");
	printf("mode:         %s\n", xst_steer_mode_name(info.mode));
	printf("program id:   %u (%s)\n", info.prog_id, XST_PROG_NAME);
	if (info.dispatcher)
		printf("multi-program dispatcher: yes (dispatcher program id %u)\n",
		       info.main_prog_id);
	else
		printf("multi-program dispatcher: no (single-program attach)\n");
	printf("pinned maps:  %s\n", info.pinned ? dir :
	       "not visible here (maps reached through the program)");
	if (!readable)
		return 0;
	printf("flags:        ");
	print_flags(info.flags, 0);
	printf(" (abi %u)\n", info.abi_version);
	if (info.max_frame)
		printf("max frame:    %u bytes (longer frames go to the kernel)\n", info.max_frame);
	else
		printf("max frame:    none (frames in several buffers go to the kernel)\n");
	printf("own MACs:     %d%s", nmacs, nmacs ? " (" : "");
	for (i = 0; i < nmacs; i++) {
		xst_mac_format(macs[i], mbuf, sizeof(mbuf));
		printf("%s%s", i ? ", " : "", mbuf);
	}
	printf("%s\n", nmacs ? ")" : (info.flags & XST_F_MAC_ONLY) ? " (nothing is steered)" : "");
	printf("local addrs:  %d IPv4, %d IPv6\n", nl4, nl6);
	printf("blocklist:    %d IPv4 prefix%s, %d IPv6 prefix%s\n", nb4, nb4 == 1 ? "" : "es",
	       nb6, nb6 == 1 ? "" : "es");
	printf("rules:        %d%s\n", nrules,
	       nrules ? "" : " (no service rules: a daemon adds those of what it serves)");
	for (i = 0; i < nrules; i++)
		printf("  %s/%-5u %-6s hits %llu\n", xst_steer_proto_name(rules[i].proto),
		       rules[i].port, xst_steer_action_name(rules[i].action),
		       (unsigned long long)rules[i].hits);
	printf("sockets per queue:\n");
	for (i = 0; i < nq; i++) {
		uint32_t pid = entry_pid(&q[i]);

		if (q[i].abi_version && q[i].abi_version != XST_ABI_VERSION)
			printf("  queue %-2d  published by pid %u with stats ABI v%u (another build)\n",
			       i, pid, q[i].abi_version);
		else if (q[i].bound && !pid_alive(pid))
			printf("  queue %-2d  socket of pid %u, which is gone (the kernel passes its "
			       "traffic through)\n", i, pid);
		else if (q[i].bound)
			printf("  queue %-2d  socket of pid %u, updated %.1f s ago\n", i, pid,
			       age_s(now, q[i].updated_ns) < 0 ? 0.0 : age_s(now, q[i].updated_ns));
		else
			printf("  queue %-2d  none (steered flows go to the kernel)\n", i);
	}
	if (entry_used(dq))
		printf("daemon-wide:  pid %u%s\n", entry_pid(dq),
		       pid_alive(entry_pid(dq)) ? "" : ", which is gone");
	return 0;
}

/* ---- stats ---------------------------------------------------------------------- */

enum qgroup { G_WORKER, G_DROP, G_GAUGE, G_XSK };

struct qfield {
	const char *name;	/* struct field name: the JSON key */
	const char *label;	/* text output */
	size_t off;
	enum qgroup group;
};

/* Every counter of struct xst_queue_stats, in struct order. */
#define QF(f, l, g) { #f, l, offsetof(struct xst_queue_stats, f), g }
static const struct qfield qfields[] = {
	QF(rx_packets, "rx", G_WORKER), QF(tx_packets, "tx", G_WORKER),
	QF(tx_errors, "tx_errors", G_WORKER), QF(batches, "batches", G_WORKER),
	QF(idle_waits, "idle_waits", G_WORKER), QF(timers, "timers", G_WORKER),
	QF(tx_kicks, "tx_kicks", G_WORKER), QF(rx_dropped, "total", G_DROP),
	QF(drop_malformed, "malformed", G_DROP), QF(drop_unsupported, "unsupported", G_DROP),
	QF(drop_fragment, "fragment", G_DROP), QF(drop_not_unicast, "not_unicast", G_DROP),
	QF(drop_martian, "martian", G_DROP), QF(drop_foreign_mac, "foreign_mac", G_DROP),
	QF(drop_foreign_vlan, "foreign_vlan", G_DROP), QF(drop_no_service, "no_service", G_DROP),
	QF(drop_foreign_dst, "foreign_dst", G_DROP),
	QF(tx_kick_errors, "kick_errors", G_WORKER), QF(io_misuse, "io_misuse", G_WORKER),
	QF(tx_alloc_failed, "alloc_failed", G_WORKER),
	QF(passed, "passed", G_WORKER), QF(frames_free, "free", G_GAUGE),
	QF(frames_held, "held", G_GAUGE), QF(xsk_rx_dropped, "rx_dropped", G_XSK),
	QF(xsk_rx_invalid, "rx_invalid", G_XSK), QF(xsk_tx_invalid, "tx_invalid", G_XSK),
	QF(xsk_rx_ring_full, "rx_ring_full", G_XSK), QF(xsk_fill_empty, "fill_empty", G_XSK),
	QF(xsk_tx_empty, "tx_empty", G_XSK),
};
#define NR_QFIELDS (sizeof(qfields) / sizeof(qfields[0]))

static uint64_t qget(const struct xst_queue_stats *q, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)q + qfields[i].off, sizeof(v));
	return v;
}

/* The verdict counters of a service block, in struct order. */
#define SF(f) { #f, offsetof(struct xst_svc_qstats, f) }
static const struct {
	const char *name;
	size_t off;
} sfields[] = { SF(rx), SF(replied), SF(consumed), SF(passed), SF(dropped), SF(emitted) };
#define NR_SFIELDS (sizeof(sfields) / sizeof(sfields[0]))

static uint64_t sget(const struct xst_svc_qstats *v, size_t i)
{
	uint64_t x;

	memcpy(&x, (const char *)v + sfields[i].off, sizeof(x));
	return x;
}

/* One reading of everything `stats` shows. */
struct snap {
	struct xst_steer_stats s;
	struct xst_queue_stats q[XST_QSTATS_ENTRIES];
	struct xst_stat_names names;	/* zero when the daemon never wrote it */
	struct xst_guard_state guard;	/* zero when no flood defence ever published */
	uint64_t t;			/* CLOCK_MONOTONIC of the reading */
};

static int queue_used(const struct xst_queue_stats *q)
{
	return entry_used(q);
}

static int nr_svcs(const struct xst_queue_stats *q)
{
	return q->nr_services < XST_QSTATS_SVC_MAX ? (int)q->nr_services : XST_QSTATS_SVC_MAX;
}

static int nr_ctrs(const struct xst_svc_qstats *v)
{
	return v->nr_counters < XST_QSTATS_CTR_MAX ? (int)v->nr_counters : XST_QSTATS_CTR_MAX;
}

/* A service's name from snames_map, or "svcN" when the daemon did not
 * publish one. The names are NUL-terminated by contract; never trusted. */
static const char *svc_name(const struct snap *sn, const struct xst_svc_qstats *v, char *buf,
			    size_t size)
{
	if (v->id < sn->names.nr_services && v->id < XST_QSTATS_SVC_MAX &&
	    sn->names.svc[v->id].name[0]) {
		snprintf(buf, size, "%.*s", XST_SVC_NAME_LEN, sn->names.svc[v->id].name);
		return buf;
	}
	snprintf(buf, size, "svc%u", v->id);
	return buf;
}

static const char *ctr_name(const struct snap *sn, const struct xst_svc_qstats *v, int k,
			    char *buf, size_t size)
{
	if (v->id < sn->names.nr_services && v->id < XST_QSTATS_SVC_MAX &&
	    (uint32_t)k < sn->names.svc[v->id].nr_counters && sn->names.svc[v->id].counter[k][0]) {
		snprintf(buf, size, "%.*s", XST_STAT_NAME_LEN, sn->names.svc[v->id].counter[k]);
		return buf;
	}
	snprintf(buf, size, "counter%d", k);
	return buf;
}

/*
 * Read a snapshot and check that it is ABI v2 throughout: 0, 1 refused
 * (message printed), or -errno. The config and the map sizes were checked
 * when the maps were opened (check_maps()); the entries are checked on every
 * reading since a daemon of another build may start at any time.
 */
static int read_snap(struct ctl_opts *o, const struct xst_steer_maps *m, struct snap *sn)
{
	__u32 key = 0;
	size_t i;
	int err;

	err = xst_steer_stats_read(m, &sn->s);
	if (!err)
		err = xst_steer_qstats_read(m, sn->q);
	if (err)
		return err;
	memset(&sn->names, 0, sizeof(sn->names));
	if (bpf_map_lookup_elem(m->snames, &key, &sn->names))
		return -errno;
	err = xst_steer_guard_read(m, &sn->guard);
	if (err)
		return err;
	sn->t = mono_ns();
	for (i = 0; i < XST_QSTATS_ENTRIES; i++) {
		const struct xst_queue_stats *q = &sn->q[i];

		if (!queue_used(q) || q->abi_version == XST_ABI_VERSION)
			continue;
		fail(o, "xdpstorm daemon pid %u publishes stats ABI v%u; this xdpstormctl reads "
		     "v%d: use the xdpstormctl built with that daemon", entry_pid(q),
		     q->abi_version, XST_ABI_VERSION);
		return 1;
	}
	if (sn->names.abi_version && sn->names.abi_version != XST_ABI_VERSION) {
		fail(o, "xdpstorm daemon publishes stat names of ABI v%u; this xdpstormctl reads "
		     "v%d: use the xdpstormctl built with that daemon", sn->names.abi_version,
		     XST_ABI_VERSION);
		return 1;
	}
	return 0;
}

/* Value sizes of the maps `stats` reads against this build's structs: 0 or
 * 1 refused (message printed). */
static int check_maps(struct ctl_opts *o, const struct xst_steer_maps *m)
{
	const struct {
		const char *name;
		size_t size;
		int fd;
	} want[] = {
		{ XST_MAP_QSTATS, sizeof(struct xst_queue_stats), m->qstats },
		{ XST_MAP_SNAMES, sizeof(struct xst_stat_names), m->snames },
		{ XST_MAP_CONFIG, sizeof(struct xst_steer_config), m->config },
		{ XST_MAP_GUARD, sizeof(struct xst_guard_state), m->guard },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct bpf_map_info mi = {};
		__u32 len = sizeof(mi);

		if (bpf_obj_get_info_by_fd(want[i].fd, &mi, &len)) {
			fail(o, "%s: %s", want[i].name, strerror(errno));
			return 1;
		}
		if (mi.value_size != want[i].size) {
			fail(o, "%s holds %u-byte entries, this xdpstormctl reads %zu-byte ones "
			     "(ABI v%d): use the xdpstormctl built with that program and daemon",
			     want[i].name, mi.value_size, want[i].size, XST_ABI_VERSION);
			return 1;
		}
	}
	return 0;
}

static double rate(uint64_t now, uint64_t then, double dt)
{
	return (double)(now - then) / dt;
}

/* {"rx":N,...,"counters":{...}} of one service block; with p, rates too. */
static void json_svc(const struct snap *sn, const struct xst_svc_qstats *v,
		     const struct xst_svc_qstats *p, double dt)
{
	char nbuf[XST_STAT_NAME_LEN + 16];
	size_t f;
	int k;

	printf("{");
	for (f = 0; f < NR_SFIELDS; f++)
		printf("%s\"%s\":%llu", f ? "," : "", sfields[f].name,
		       (unsigned long long)sget(v, f));
	if (p)
		printf(",\"rx_pps\":%.1f,\"replied_pps\":%.1f,\"dropped_pps\":%.1f",
		       rate(v->rx, p->rx, dt), rate(v->replied, p->replied, dt),
		       rate(v->dropped, p->dropped, dt));
	printf(",\"counters\":{");
	for (k = 0; k < nr_ctrs(v); k++) {
		printf("%s", k ? "," : "");
		json_str(ctr_name(sn, v, k, nbuf, sizeof(nbuf)));
		printf(":%llu", (unsigned long long)v->counter[k]);
	}
	printf("}}");
}

/* The same service (by id) in the previous reading, for rates. */
static const struct xst_svc_qstats *svc_prev(const struct xst_queue_stats *qp,
					     const struct xst_svc_qstats *v)
{
	int j;

	if (!qp)
		return NULL;
	for (j = 0; j < nr_svcs(qp); j++)
		if (qp->svc[j].id == v->id)
			return &qp->svc[j];
	return NULL;
}

static void json_services(const struct snap *sn, const struct xst_queue_stats *q,
			  const struct xst_queue_stats *qp, double dt)
{
	char nbuf[XST_SVC_NAME_LEN + 16];
	const struct xst_svc_qstats *p;
	int j;

	printf("\"services\":{");
	for (j = 0; j < nr_svcs(q); j++) {
		printf("%s", j ? "," : "");
		json_str(svc_name(sn, &q->svc[j], nbuf, sizeof(nbuf)));
		printf(":");
		p = svc_prev(qp, &q->svc[j]);
		json_svc(sn, &q->svc[j], p, p ? dt : 0);
	}
	printf("}");
}

/* ---- flood defence (guard_map) ---------------------------------------------------- */

#define GUARD_FRESH_NS	5000000000ULL	/* older: the daemon stopped publishing */

enum guard_view { GUARD_NONE, GUARD_SHOW, GUARD_STALE, GUARD_OTHER_ABI };

static int all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i])
			return 0;
	return 1;
}

static enum guard_view guard_view(const struct snap *sn)
{
	const struct xst_guard_state *g = &sn->guard;

	if (all_zero(g, sizeof(*g)))
		return GUARD_NONE;
	if (g->abi_version != XST_ABI_VERSION)
		return GUARD_OTHER_ABI;
	if (g->updated_ns > sn->t)
		return GUARD_SHOW;	/* published right after this reading's stamp */
	if (!g->updated_ns || sn->t - g->updated_ns >= GUARD_FRESH_NS)
		return GUARD_STALE;
	return GUARD_SHOW;
}

static const char *guard_mode_name(uint32_t mode)
{
	return mode == 1 ? "filter" : mode == 2 ? "serve" : mode == 0 ? "off" : "?";
}

static const char *attack_kind_name(uint32_t kind)
{
	return kind == XST_ATTACK_NXFLOOD ? "nxflood" : kind == XST_ATTACK_RATE ? "rate" :
	       kind == XST_ATTACK_NONE ? "none" : "?";
}

static int guard_nr_top(const struct xst_guard_state *g)
{
	return g->nr_sources < XST_GUARD_TOP ? (int)g->nr_sources : XST_GUARD_TOP;
}

static int guard_nr_zones(const struct xst_guard_state *g)
{
	return g->nr_zones < XST_GUARD_ZONES ? (int)g->nr_zones : XST_GUARD_ZONES;
}

static void guard_source_prefix(const struct xst_guard_source *src, char *buf, size_t size)
{
	struct xst_bucket_key k = { .level = src->level };

	memcpy(k.addr, src->addr, sizeof(k.addr));
	xst_bucket_key_format(&k, buf, size);
}

/* The zone name, NUL-terminated by contract but never trusted. */
static void guard_zone_name(const struct xst_guard_zone *z, char *buf)
{
	memcpy(buf, z->name, XST_GUARD_NAME_LEN);
	buf[XST_GUARD_NAME_LEN] = '\0';
}

static double since_s(uint64_t now, uint64_t stamp)
{
	return stamp && now > stamp ? (double)(now - stamp) / 1e9 : 0.0;
}

static void print_guard_json(const struct snap *sn)
{
	const struct xst_guard_state *g = &sn->guard;
	char buf[XST_GUARD_NAME_LEN + 1];
	int i;

	if (guard_view(sn) != GUARD_SHOW) {
		printf(",\"guard\":null");
		return;
	}
	printf(",\"guard\":{\"pid\":%u,\"pid_alive\":%s,\"updated_s_ago\":%.3f,\"mode\":\"%s\","
	       "\"learnt_blocks\":%llu,\"verified\":%llu,\"top\":[", g->pid,
	       pid_alive(g->pid) ? "true" : "false", age_s(sn->t, g->updated_ns),
	       guard_mode_name(g->mode), (unsigned long long)g->learnt_blocks,
	       (unsigned long long)g->verified);
	for (i = 0; i < guard_nr_top(g); i++) {
		guard_source_prefix(&g->top[i], buf, sizeof(buf));
		printf("%s{\"prefix\":\"%s\",\"dropped\":%llu,\"passed\":%llu}", i ? "," : "", buf,
		       (unsigned long long)g->top[i].dropped, (unsigned long long)g->top[i].passed);
	}
	printf("],\"zones\":[");
	for (i = 0; i < guard_nr_zones(g); i++) {
		const struct xst_guard_zone *z = &g->zone[i];

		guard_zone_name(z, buf);
		printf("%s{\"name\":", i ? "," : "");
		json_str(buf);
		printf(",\"kind\":\"%s\",\"active\":%s,\"since_s_ago\":%.1f,\"unknown_rate\":%llu,"
		       "\"distinct_rate\":%llu,\"challenged\":%llu,\"dropped\":%llu}",
		       attack_kind_name(z->kind), z->active ? "true" : "false",
		       since_s(sn->t, z->since_ns), (unsigned long long)z->unknown_rate,
		       (unsigned long long)z->distinct_rate, (unsigned long long)z->challenged,
		       (unsigned long long)z->dropped);
	}
	printf("]}");
}

static void print_guard_text(const struct snap *sn)
{
	const struct xst_guard_state *g = &sn->guard;
	char buf[XST_GUARD_NAME_LEN + 1];
	int i;

	switch (guard_view(sn)) {
	case GUARD_NONE:
		return;
	case GUARD_OTHER_ABI:
		printf("flood defence: state of ABI v%u (this xdpstormctl reads v%d), not shown\n",
		       g->abi_version, XST_ABI_VERSION);
		return;
	case GUARD_STALE:
		printf("flood defence: last published %.1f s ago by pid %u%s, not shown\n",
		       age_s(sn->t, g->updated_ns), g->pid,
		       pid_alive(g->pid) ? "" : " (which is gone)");
		return;
	case GUARD_SHOW:
		break;
	}
	printf("flood defence: mode %s, pid %u, updated %.1f s ago\n", guard_mode_name(g->mode),
	       g->pid, age_s(sn->t, g->updated_ns));
	printf("  learnt blocks %llu  verified sources %llu\n",
	       (unsigned long long)g->learnt_blocks, (unsigned long long)g->verified);
	if (guard_nr_top(g)) {
		printf("  %-44s %14s %14s   (last interval)\n", "top sources", "dropped",
		       "passed");
		for (i = 0; i < guard_nr_top(g); i++) {
			guard_source_prefix(&g->top[i], buf, sizeof(buf));
			printf("  %-44s %14llu %14llu\n", buf, (unsigned long long)g->top[i].dropped,
			       (unsigned long long)g->top[i].passed);
		}
	}
	if (guard_nr_zones(g)) {
		printf("  %-32s %-8s %-6s %10s %10s %10s %12s %12s\n", "zone", "kind", "active",
		       "since", "unknown/s", "distinct/s", "challenged", "dropped");
		for (i = 0; i < guard_nr_zones(g); i++) {
			const struct xst_guard_zone *z = &g->zone[i];
			char since[32];

			guard_zone_name(z, buf);
			snprintf(since, sizeof(since), "%.0fs ago", since_s(sn->t, z->since_ns));
			printf("  %-32s %-8s %-6s %10s %10llu %10llu %12llu %12llu\n", buf,
			       attack_kind_name(z->kind), z->active ? "yes" : "no", since,
			       (unsigned long long)z->unknown_rate,
			       (unsigned long long)z->distinct_rate,
			       (unsigned long long)z->challenged, (unsigned long long)z->dropped);
		}
	}
}

static void print_stats_json(const struct ctl_opts *o, const struct snap *sn,
			     const struct snap *prev)
{
	const struct xst_queue_stats *dq = &sn->q[XST_QSTATS_DAEMON];
	double dt = prev ? (double)(sn->t - prev->t) / 1e9 : 0;
	size_t i, f;
	int n = 0;

	printf("{\"iface\":");
	json_str(o->iface);
	if (prev)
		printf(",\"interval_s\":%.3f", dt);
	printf(",\"counters\":{");
	for (i = 0; i < XST_STAT_MAX; i++) {
		printf("%s\"%s\":{\"packets\":%llu,\"bytes\":%llu", i ? "," : "", xst_stat_names[i],
		       (unsigned long long)sn->s.stat[i].packets,
		       (unsigned long long)sn->s.stat[i].bytes);
		if (prev)
			printf(",\"pps\":%.1f,\"bps\":%.1f",
			       rate(sn->s.stat[i].packets, prev->s.stat[i].packets, dt),
			       rate(sn->s.stat[i].bytes, prev->s.stat[i].bytes, dt) * 8);
		printf("}");
	}
	printf("},\"queues\":[");
	for (i = 0; i < XST_MAX_QUEUES; i++) {
		const struct xst_queue_stats *q = &sn->q[i], *qp = prev ? &prev->q[i] : NULL;

		if (!queue_used(q))
			continue;
		printf("%s{\"queue\":%zu,\"bound\":%s,\"pid\":%u,\"pid_alive\":%s,"
		       "\"abi_version\":%u,\"updated_s_ago\":%.3f", n++ ? "," : "", i,
		       q->bound ? "true" : "false", q->pid, pid_alive(q->pid) ? "true" : "false",
		       q->abi_version, age_s(sn->t, q->updated_ns));
		for (f = 0; f < NR_QFIELDS; f++)
			printf(",\"%s\":%llu", qfields[f].name, (unsigned long long)qget(q, f));
		if (qp)
			printf(",\"rx_pps\":%.1f,\"tx_pps\":%.1f,\"rx_dropped_pps\":%.1f",
			       rate(q->rx_packets, qp->rx_packets, dt),
			       rate(q->tx_packets, qp->tx_packets, dt),
			       rate(q->rx_dropped, qp->rx_dropped, dt));
		printf(",");
		json_services(sn, q, qp, dt);
		printf("}");
	}
	printf("],\"daemon\":");
	if (queue_used(dq)) {
		printf("{\"pid\":%u,\"pid_alive\":%s,\"abi_version\":%u,\"updated_s_ago\":%.3f,",
		       dq->pid, pid_alive(dq->pid) ? "true" : "false", dq->abi_version,
		       age_s(sn->t, dq->updated_ns));
		json_services(sn, dq, prev ? &prev->q[XST_QSTATS_DAEMON] : NULL, dt);
		printf("}");
	} else {
		printf("null");
	}
	print_guard_json(sn);
	printf("}\n");
}

/* "  name value  name value ..." lines, wrapped before 100 columns; the
 * first line starts with indent, the others with as many spaces. */
struct kvline {
	int col;
	const char *indent;
	int lines;
};

static void kv(struct kvline *l, const char *name, uint64_t v)
{
	char item[96];
	int w = snprintf(item, sizeof(item), "%s %llu", name, (unsigned long long)v);

	if (l->col && l->col + 2 + w > 100) {
		printf("\n");
		l->col = 0;
	}
	if (!l->col)
		l->col = printf("%*s", (int)strlen(l->indent), l->lines++ ? "" : l->indent);
	else
		l->col += printf("  ");
	l->col += printf("%s", item);
}

static void kv_end(struct kvline *l)
{
	if (l->col)
		printf("\n");
	l->col = 0;
	l->lines = 0;
}

static void text_services(const struct snap *sn, const struct xst_queue_stats *q)
{
	char nbuf[XST_STAT_NAME_LEN + 16];
	struct kvline l = { 0, "        ", 0 };
	size_t f;
	int j, k;

	if (!nr_svcs(q))
		return;
	printf("    %-16s", "service");
	for (f = 0; f < NR_SFIELDS; f++)
		printf(" %12s", sfields[f].name);
	printf("\n");
	for (j = 0; j < nr_svcs(q); j++) {
		const struct xst_svc_qstats *v = &q->svc[j];

		printf("    %-16s", svc_name(sn, v, nbuf, sizeof(nbuf)));
		for (f = 0; f < NR_SFIELDS; f++)
			printf(" %12llu", (unsigned long long)sget(v, f));
		printf("\n");
		for (k = 0; k < nr_ctrs(v); k++)
			kv(&l, ctr_name(sn, v, k, nbuf, sizeof(nbuf)), v->counter[k]);
		kv_end(&l);
	}
}

static void text_queue(const struct snap *sn, const struct xst_queue_stats *q)
{
	static const struct {
		enum qgroup g;
		const char *indent;
	} groups[] = {
		{ G_WORKER, "    worker    " }, { G_DROP, "    drops     " },
		{ G_GAUGE, "    frames    " }, { G_XSK, "    xsk       " },
	};
	struct kvline l;
	size_t g, f;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		l.col = 0;
		l.lines = 0;
		l.indent = groups[g].indent;
		for (f = 0; f < NR_QFIELDS; f++)
			if (qfields[f].group == groups[g].g)
				kv(&l, qfields[f].label, qget(q, f));
		kv_end(&l);
	}
	text_services(sn, q);
}

static void print_owner(const struct snap *sn, const struct xst_queue_stats *q)
{
	double age = age_s(sn->t, q->updated_ns);

	if (!q->pid)
		printf("no daemon");
	else if (!pid_alive(q->pid))
		printf("pid %u, which is gone", q->pid);
	else
		printf("pid %u", q->pid);
	if (age >= 0)
		printf(", updated %.1f s ago", age);
}

static void print_stats_text(const struct ctl_opts *o, const struct snap *sn)
{
	const struct xst_queue_stats *dq = &sn->q[XST_QSTATS_DAEMON];
	uint64_t tp = 0, tb = 0;
	size_t i;
	int any = 0;

	printf("xdpstorm counters on %s (summed over CPUs)\n", o->iface);
	printf("  %-16s %16s %18s\n", "outcome", "packets", "bytes");
	for (i = 0; i < XST_STAT_MAX; i++) {
		printf("  %-16s %16llu %18llu\n", xst_stat_names[i],
		       (unsigned long long)sn->s.stat[i].packets,
		       (unsigned long long)sn->s.stat[i].bytes);
		tp += sn->s.stat[i].packets;
		tb += sn->s.stat[i].bytes;
	}
	printf("  %-16s %16llu %18llu\n", "total", (unsigned long long)tp, (unsigned long long)tb);
	printf("per-queue (daemon):\n");
	for (i = 0; i < XST_MAX_QUEUES; i++) {
		const struct xst_queue_stats *q = &sn->q[i];

		if (!queue_used(q))
			continue;
		any = 1;
		printf("  queue %zu: %s, ", i, q->bound ? "bound" : "not bound");
		print_owner(sn, q);
		printf("\n");
		text_queue(sn, q);
	}
	if (!any)
		printf("  no daemon sockets (no queue has published counters)\n");
	if (queue_used(dq)) {
		printf("daemon-wide (services outside the queues): ");
		print_owner(sn, dq);
		printf("\n");
		text_services(sn, dq);
	}
	print_guard_text(sn);
}

static void print_rates_text(const struct ctl_opts *o, const struct snap *sn,
			     const struct snap *p)
{
	double dt = (double)(sn->t - p->t) / 1e9, tot = 0;
	char tbuf[32], nbuf[XST_SVC_NAME_LEN + 16];
	time_t t = time(NULL);
	size_t i;
	int j;

	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&t));
	printf("%s  %s  rates over %.2f s\n", tbuf, o->iface, dt);
	printf("  %-16s %14s %16s %16s\n", "outcome", "pkt/s", "bit/s", "packets");
	for (i = 0; i < XST_STAT_MAX; i++) {
		double pps = rate(sn->s.stat[i].packets, p->s.stat[i].packets, dt);

		tot += pps;
		printf("  %-16s %14.1f %16.1f %16llu\n", xst_stat_names[i], pps,
		       rate(sn->s.stat[i].bytes, p->s.stat[i].bytes, dt) * 8,
		       (unsigned long long)sn->s.stat[i].packets);
	}
	printf("  %-16s %14.1f\n", "total", tot);
	for (i = 0; i < XST_QSTATS_ENTRIES; i++) {
		const struct xst_queue_stats *q = &sn->q[i], *qp = &p->q[i];

		if (!queue_used(q))
			continue;
		if (i == XST_QSTATS_DAEMON)
			printf("  daemon-wide");
		else
			printf("  queue %-2zu rx %.1f/s tx %.1f/s rx_drop %.1f/s xsk_drop %.1f/s", i,
			       rate(q->rx_packets, qp->rx_packets, dt),
			       rate(q->tx_packets, qp->tx_packets, dt),
			       rate(q->rx_dropped, qp->rx_dropped, dt),
			       rate(q->xsk_rx_dropped, qp->xsk_rx_dropped, dt));
		for (j = 0; j < nr_svcs(q); j++) {
			const struct xst_svc_qstats *v = &q->svc[j], *vp = svc_prev(qp, v);

			if (!vp)
				continue;
			printf("  %s rx %.1f/s replied %.1f/s dropped %.1f/s",
			       svc_name(sn, v, nbuf, sizeof(nbuf)), rate(v->rx, vp->rx, dt),
			       rate(v->replied, vp->replied, dt), rate(v->dropped, vp->dropped, dt));
		}
		printf("\n");
	}
	print_guard_text(sn);
	fflush(stdout);
}

static int cmd_stats(struct ctl_opts *o)
{
	static struct snap sa, sb;
	struct snap *s = &sa, *p = &sb, *tmp;
	struct xst_steer_info info;
	struct xst_steer_maps m;
	unsigned long count = 0;
	double interval = 0;
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
	err = resolve_iface(o);
	if (err)
		return err;
	/* Another build's program: say so rather than read its maps as ours. */
	if (!xst_steer_info(o->iface, &info) && other_abi(&info)) {
		fail(o, "the xdpstorm program on the interface has config ABI v%u; this "
		     "xdpstormctl reads v%d: use the xdpstormctl built with that program",
		     info.abi_version, XST_ABI_VERSION);
		return 1;
	}
	err = open_maps(o, &m);
	if (err)
		return err;
	err = check_maps(o, &m);
	if (!err)
		err = read_snap(o, &m, s);
	if (err)
		goto out;
	if (!o->watch) {
		if (o->json)
			print_stats_json(o, s, NULL);
		else
			print_stats_text(o, s);
		goto out;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (n = 0; !stop && (!count || n < count); n++) {
		struct timespec ts = { (time_t)interval,
				       (long)((interval - (double)(time_t)interval) * 1e9) };

		tmp = p;
		p = s;
		s = tmp;
		/* nanosleep returns early on a signal: stop without a last line */
		if (nanosleep(&ts, NULL) && stop)
			break;
		err = read_snap(o, &m, s);
		if (err)
			goto out;
		if (o->json)
			print_stats_json(o, s, p);
		else
			print_rates_text(o, s, p);
		fflush(stdout);
	}
out:
	if (err < 0)
		fail(o, "read counters: %s", strerror(-err));
	xst_steer_maps_close(&m);
	return err ? 1 : 0;
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
			fail(o, "needs --proto udp|tcp --port N%s",
			     add ? " --action steer|drop|pass|filter" : "");
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
			fail(o, "--action '%s': not steer, drop, pass or filter", o->action);
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
	uint64_t now;
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
	now = mono_ns();
	if (o->json) {
		printf("[");
		for (i = 0; i < n; i++) {
			xst_prefix_format(&ent[i].prefix, buf, sizeof(buf));
			printf("%s{\"prefix\":\"%s\",\"family\":\"%s\",\"hits\":%llu,\"reason\":",
			       i ? "," : "", buf, ent[i].prefix.family == AF_INET ? "ipv4" : "ipv6",
			       (unsigned long long)ent[i].hits);
			json_str(xst_block_reason_name(ent[i].reason));
			if (!ent[i].expires_ns)
				printf(",\"expires_in_s\":null,\"expired\":false}");
			else
				printf(",\"expires_in_s\":%llu,\"expired\":%s}",
				       (unsigned long long)(ent[i].expires_ns > now ?
						(ent[i].expires_ns - now + 999999999) / 1000000000 : 0),
				       ent[i].expires_ns > now ? "false" : "true");
		}
		printf("]\n");
		return 0;
	}
	printf("%-44s %20s  %-9s %s\n", "prefix", "hits", "reason", "expires");
	for (i = 0; i < n; i++) {
		char left[32];

		xst_prefix_format(&ent[i].prefix, buf, sizeof(buf));
		if (!ent[i].expires_ns)
			snprintf(left, sizeof(left), "-");
		else if (ent[i].expires_ns <= now)
			snprintf(left, sizeof(left), "expired");
		else	/* rounded up: "0s" would read as expired */
			snprintf(left, sizeof(left), "%llus",
				 (unsigned long long)((ent[i].expires_ns - now + 999999999) /
						      1000000000));
		printf("%-44s %20llu  %-9s %s\n", buf, (unsigned long long)ent[i].hits,
		       xst_block_reason_name(ent[i].reason), left);
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
