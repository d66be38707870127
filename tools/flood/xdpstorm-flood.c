// SPDX-License-Identifier: GPL-2.0
/*
 * xdpstorm-flood: a spoofed-source UDP/53 flood generator for the netns
 * testbed (AF_PACKET, sendmmsg batches, qdisc bypass). It exists to test the
 * flood defence, so it is deliberately hard to point anywhere else: it
 * refuses the initial network namespace, an interface that is not a veth
 * between namespaces, a destination that is not on-link
 * on the chosen interface, and loopback, multicast and broadcast addresses;
 * every run is bounded in count and time. See --help.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_packet.h>

#include "./netcheck.h"
#include "./pkt.h"

#define MAX_DURATION 600	/* seconds: no run is longer, whatever was asked */
#define MAX_COUNT 1000000000ULL
#define MAX_SOURCES 65536
#define MAX_BATCH 256

static const char usage_text[] =
"usage: xdpstorm-flood --iface IF --dst ADDR (--count N | --duration S) [options]\n"
"\n"
"Sends a spoofed-source UDP flood to port 53 of ADDR out of interface IF, for\n"
"testing xdpstorm's DNS flood defence on a network-namespace testbed.\n"
"\n"
"Safety: it refuses to run in the initial network namespace (the one of PID 1),\n"
"refuses an IF that is not a veth or whose peer is in that namespace (a NIC,\n"
"macvlan or vlan moved into a namespace reaches a real network), refuses a\n"
"destination that is not on-link on IF (a connected route of IF, no\n"
"gateway), and refuses loopback, multicast, broadcast and local addresses. Every\n"
"run is bounded: --count or --duration is required, and no run lasts more than\n"
"600 seconds.\n"
"\n"
"Options:\n"
"  -i, --iface IF         the interface to send on (required)\n"
"  -d, --dst ADDR         the destination, IPv4 or IPv6 (required)\n"
"  -m, --dst-mac MAC      the destination's MAC (default: the neighbour table)\n"
"  -k, --kind KIND        random-subdomain (default), fixed, garbage, responses, mix\n"
"                           random-subdomain: random labels of 8-16 characters under\n"
"                                             --zone (\"water torture\")\n"
"                           fixed:     --name again and again (use --sources N)\n"
"                           garbage:   random bytes, 0-512 of them\n"
"                           responses: QR=1 answers for --name from port 53\n"
"                           mix:       one of the four per packet\n"
"  -z, --zone NAME        the zone under attack (random-subdomain, mix)\n"
"  -n, --name NAME        the fixed name (default: www.ZONE)\n"
"  -s, --src-prefix P/L   spoofed sources are random in this prefix (default\n"
"                         10.99.0.0/16, or fd00:99::/48 for an IPv6 destination)\n"
"  -S, --sources N        instead N fixed sources, chosen once at random in the prefix\n"
"  -r, --rate PPS         packets per second; 0 (default) as fast as possible\n"
"  -c, --count N          stop after N packets (at most 1e9)\n"
"  -t, --duration S       stop after S seconds (at most 600; default 600 with --count)\n"
"  -p, --port PORT        destination port (default 53)\n"
"  -b, --batch N          frames per sendmmsg (default 64, at most 256)\n"
"      --seed N           random seed (default: from the clock)\n"
"  -q, --quiet            only the summary line\n"
"  -h, --help             this text\n"
"\n"
"Frames carry full IPv4 header and UDP checksums. Source ports are random\n"
"(53 for responses); queries set RD and EDNS (1232) at random.\n"
"\n"
"Output: one summary line on stdout at the end (also after SIGINT/SIGTERM):\n"
"  xdpstorm-flood: kind=K sent=N txfail=F seconds=S rate=R\n"
"sent counts frames the kernel accepted; txfail frames it refused (ENOBUFS:\n"
"the device queue was full). Exit 0 when the run completed, 1 on a runtime\n"
"error, 2 on bad usage or a refused destination.\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct opts {
	const char *iface, *dst, *dst_mac, *zone, *name, *prefix;
	int kind, quiet;
	unsigned sources, batch, port;
	unsigned long long rate, count, seed;
	double duration;
};

static int fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "xdpstorm-flood: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 2;
}

static int parse_ull(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || *s == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned m[6], i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (m[i] > 255)
			return -EINVAL;
		mac[i] = (uint8_t)m[i];
	}
	return 0;
}

/* Loopback, multicast, broadcast, unspecified: refused before any route lookup. */
static const char *bad_dst(int v6, const uint8_t *a)
{
	static const uint8_t zero[16], lo6[16] = { [15] = 1 };

	if (v6) {
		if (!memcmp(a, zero, 16))
			return "the unspecified address";
		if (!memcmp(a, lo6, 16))
			return "loopback";
		if (a[0] == 0xff)
			return "multicast";
		if (a[0] == 0 && a[10] == 0xff && a[11] == 0xff)
			return "an IPv4-mapped address";
		return NULL;
	}
	if (a[0] == 127)
		return "loopback";
	if (a[0] == 0)
		return "in 0.0.0.0/8";
	if (a[0] >= 224 && a[0] < 240)
		return "multicast";
	if (a[0] >= 240)
		return "broadcast or reserved";
	return NULL;
}

static int parse_prefix(const char *s, int v6, struct flood_sources *src)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned long long plen;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, src->prefix) != 1)
		return -EINVAL;
	if (parse_ull(slash + 1, v6 ? 127 : 31, &plen) < 0)
		return -EINVAL;
	src->plen = (unsigned)plen;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "iface", required_argument, NULL, 'i' }, { "dst", required_argument, NULL, 'd' },
		{ "dst-mac", required_argument, NULL, 'm' }, { "kind", required_argument, NULL, 'k' },
		{ "zone", required_argument, NULL, 'z' }, { "name", required_argument, NULL, 'n' },
		{ "src-prefix", required_argument, NULL, 's' }, { "sources", required_argument, NULL, 'S' },
		{ "rate", required_argument, NULL, 'r' }, { "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 't' }, { "port", required_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'b' }, { "seed", required_argument, NULL, 'E' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long long v;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "i:d:m:k:z:n:s:S:r:c:t:p:b:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case 'd': o->dst = optarg; break;
		case 'm': o->dst_mac = optarg; break;
		case 'z': o->zone = optarg; break;
		case 'n': o->name = optarg; break;
		case 's': o->prefix = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'k':
			o->kind = flood_kind_parse(optarg);
			if (o->kind < 0)
				return fail("--kind '%s': random-subdomain, fixed, garbage, responses or mix", optarg);
			break;
		case 'S':
			if (parse_ull(optarg, MAX_SOURCES, &v) < 0 || !v)
				return fail("--sources '%s': 1..65536", optarg);
			o->sources = (unsigned)v;
			break;
		case 'r':
			if (parse_ull(optarg, 100000000ULL, &o->rate) < 0)
				return fail("--rate '%s': packets per second, 0 for as fast as possible", optarg);
			break;
		case 'c':
			if (parse_ull(optarg, MAX_COUNT, &o->count) < 0 || !o->count)
				return fail("--count '%s': 1..1000000000", optarg);
			break;
		case 't':
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->duration > 0) || o->duration > MAX_DURATION)
				return fail("--duration '%s': seconds, more than 0 and at most 600", optarg);
			break;
		case 'p':
			if (parse_ull(optarg, 65535, &v) < 0 || !v)
				return fail("--port '%s': 1..65535", optarg);
			o->port = (unsigned)v;
			break;
		case 'b':
			if (parse_ull(optarg, MAX_BATCH, &v) < 0 || !v)
				return fail("--batch '%s': 1..256", optarg);
			o->batch = (unsigned)v;
			break;
		case 'E':
			if (parse_ull(optarg, ULLONG_MAX, &o->seed) < 0)
				return fail("--seed '%s': a number", optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		default:
			fputs("try xdpstorm-flood --help\n", stderr);
			return 2;
		}
	}
	if (optind < argc)
		return fail("unexpected argument '%s'", argv[optind]);
	if (!o->iface || !o->dst)
		return fail("%s", "--iface and --dst are required (see --help)");
	if (!o->count && o->duration == 0)
		return fail("%s", "unbounded: give --count N or --duration S (at most 600 s)");
	if (o->duration == 0)
		o->duration = MAX_DURATION;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_socket(int ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };
	int fd, one = 1, sndbuf = 4 << 20;

	/* protocol 0: this socket sends and never receives */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* straight to the driver: the generator measures the receiver, not our qdisc */
	(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return fd;
}

int main(int argc, char **argv)
{
	struct opts o = { .kind = FLOOD_RANDSUB, .batch = 64, .port = 53 };
	static uint8_t frames[MAX_BATCH][FLOOD_FRAME_MAX];
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	struct flood_target t = { 0 };
	struct flood_sources src = { 0 };
	unsigned long long sent = 0, txfail = 0, want;
	double start, elapsed = 0;
	const char *bad;
	char why[160];
	uint64_t rng;
	int rc, ifindex, fd, err;
	unsigned i, n;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;

	err = flood_in_init_netns();
	if (err != 0) {
		fprintf(stderr, "xdpstorm-flood: %s\n",
			err > 0 ? "refusing to run in the initial network namespace (use ip netns exec)"
				: "cannot compare network namespaces (/proc/self/ns/net, /proc/1/ns/net)");
		return 2;
	}

	ifindex = (int)if_nametoindex(o.iface);
	if (!ifindex)
		return fail("no interface '%s' in this namespace", o.iface);
	if (inet_pton(AF_INET, o.dst, t.dst) == 1)
		t.v6 = 0;
	else if (inet_pton(AF_INET6, o.dst, t.dst) == 1)
		t.v6 = 1;
	else
		return fail("--dst '%s': not an IPv4 or IPv6 address", o.dst);
	bad = bad_dst(t.v6, t.dst);
	if (bad) {
		fprintf(stderr, "xdpstorm-flood: refusing destination %s: %s\n", o.dst, bad);
		return 2;
	}
	if (flood_check_veth(ifindex, why, sizeof(why)) < 0) {
		fprintf(stderr, "xdpstorm-flood: refusing interface %s: %s\n", o.iface, why);
		return 2;
	}
	if (flood_check_onlink(ifindex, t.v6, t.dst, why, sizeof(why)) < 0) {
		fprintf(stderr, "xdpstorm-flood: refusing destination %s on %s: %s\n", o.dst, o.iface, why);
		return 2;
	}
	if (o.dst_mac) {
		if (parse_mac(o.dst_mac, t.dst_mac) < 0)
			return fail("--dst-mac '%s': six hex bytes separated by ':'", o.dst_mac);
	} else if (flood_neigh_mac(ifindex, t.v6, t.dst, t.dst_mac) < 0) {
		fprintf(stderr, "xdpstorm-flood: no neighbour entry for %s on %s: ping it first or pass --dst-mac\n",
			o.dst, o.iface);
		return 2;
	}
	if (t.dst_mac[0] & 1)
		return fail("--dst-mac %s: a multicast or broadcast MAC", o.dst_mac ? o.dst_mac : "(neighbour)");
	err = flood_if_mac(o.iface, t.src_mac);
	if (err < 0) {
		fprintf(stderr, "xdpstorm-flood: %s: cannot read its MAC: %s\n", o.iface, strerror(-err));
		return 1;
	}

	if ((o.kind == FLOOD_RANDSUB || o.kind == FLOOD_MIX) && !o.zone)
		return fail("--kind %s needs --zone NAME", flood_kind_name((enum flood_kind)o.kind));
	if (o.zone && snprintf(t.zone, sizeof(t.zone), "%s", o.zone) >= (int)sizeof(t.zone))
		return fail("--zone '%s': too long", o.zone);
	if (o.name)
		snprintf(t.name, sizeof(t.name), "%s", o.name);
	else if (o.zone)
		snprintf(t.name, sizeof(t.name), "www.%s", o.zone);
	else if (o.kind != FLOOD_GARBAGE)
		return fail("--kind %s needs --name NAME or --zone NAME", flood_kind_name((enum flood_kind)o.kind));
	{
		uint8_t w[256];

		if ((t.zone[0] && flood_encode_name(t.zone, w, sizeof(w)) < 0) ||
		    (t.name[0] && flood_encode_name(t.name, w, sizeof(w)) < 0) ||
		    (t.zone[0] && strlen(t.zone) > 200))
			return fail("%s", "--zone or --name: not a valid name (labels 1-63, at most 200 characters for a zone)");
	}
	t.dport = (uint16_t)o.port;

	if (parse_prefix(o.prefix ? o.prefix : t.v6 ? "fd00:99::/48" : "10.99.0.0/16", t.v6, &src) < 0)
		return fail("--src-prefix '%s': ADDR/LEN of the destination's family (LEN up to 31 or 127)",
			    o.prefix ? o.prefix : "");
	rng = o.seed ? o.seed : (uint64_t)(now_s() * 1e9) ^ (uint64_t)getpid() << 32;
	rng |= 1;
	if (o.sources) {
		src.fixed = calloc(o.sources, sizeof(*src.fixed));
		if (!src.fixed)
			return 1;
		for (i = 0; i < o.sources; i++)
			flood_rand_addr(&src, t.v6, &rng, src.fixed[i]);
		src.nfixed = o.sources;
	}

	fd = open_socket(ifindex);
	if (fd < 0) {
		fprintf(stderr, "xdpstorm-flood: AF_PACKET socket on %s: %s\n", o.iface, strerror(-fd));
		free(src.fixed);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!o.quiet)
		fprintf(stderr, "xdpstorm-flood: %s to %s port %u on %s, %s%u sources, rate %llu pps, at most %llu packets in %.1f s\n",
			flood_kind_name((enum flood_kind)o.kind), o.dst, o.port, o.iface,
			o.sources ? "" : "random ", o.sources ? o.sources : 0, o.rate,
			o.count ? o.count : MAX_COUNT, o.duration);

	rc = 0;
	start = now_s();
	while (!stop_flag) {
		elapsed = now_s() - start;
		if (elapsed >= o.duration || (o.count && sent >= o.count))
			break;
		n = o.batch;
		if (o.rate) {
			/* pace: never ahead of rate * elapsed */
			double due = (double)sent / (double)o.rate;

			if (due > elapsed) {
				struct timespec ts = { 0, (long)((due - elapsed) * 1e9) };

				nanosleep(&ts, NULL);
				continue;
			}
			want = (unsigned long long)(elapsed * (double)o.rate) + 1 - sent;
			if (want < n)
				n = (unsigned)want;
		}
		if (o.count && o.count - sent < n)
			n = (unsigned)(o.count - sent);
		for (i = 0; i < n; i++) {
			int len = flood_build(&t, &src, (enum flood_kind)o.kind, &rng, frames[i]);

			if (len < 0) {
				fprintf(stderr, "xdpstorm-flood: cannot build a frame\n");
				rc = 1;
				goto out;
			}
			iov[i].iov_base = frames[i];
			iov[i].iov_len = (size_t)len;
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		err = sendmmsg(fd, msgs, n, 0);
		if (err > 0) {
			sent += (unsigned)err;
		} else if (errno == ENOBUFS || errno == EAGAIN) {
			/* the device refused the first frame: count it, let the queue drain */
			txfail++;
			sched_yield();
		} else if (errno != EINTR) {
			fprintf(stderr, "xdpstorm-flood: sendmmsg on %s: %s\n", o.iface, strerror(errno));
			rc = 1;
			break;
		}
	}
out:
	elapsed = now_s() - start;
	printf("xdpstorm-flood: kind=%s sent=%llu txfail=%llu seconds=%.2f rate=%.0f\n",
	       flood_kind_name((enum flood_kind)o.kind), sent, txfail, elapsed,
	       elapsed > 0 ? (double)sent / elapsed : 0.0);
	close(fd);
	free(src.fixed);
	return rc;
}
