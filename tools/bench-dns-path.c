// SPDX-License-Identifier: GPL-2.0
/*
 * bench-dns-path: the userspace cost of answering DNS queries, from frames on
 * the RX ring to reply frames on the TX ring, through the generic worker loop
 * (svc/worker.h: parse, host checks, dispatch, the DNS handler with its
 * lookahead, copy pool and prepared-answer lookup, checksums, TX context)
 * over the in-memory I/O backend, without a kernel.
 *
 *   build/tools/bench-dns-path --names 10000 [--queries 4096] [--count 1000000]
 *   build/tools/bench-dns-path --zone FILE [--origin NAME] ...
 *   build/tools/bench-dns-path ... [--batch B] [--send memcpy|precopy] [--lookahead auto|on|off]
 *   build/tools/bench-dns-path --csum [--count K]     (checksum alone)
 *
 * --names N generates a zone bench.test. with N names host<i> (one A record
 * each); --zone loads a master file and queries its A owners. M query frames
 * (IPv4/UDP, A, random existing names, random ids and ports) are built, then
 * K queries are served in batches of B (default 64, the worker's): the
 * frames of a batch are put on the RX ring (a copy that stands for the NIC's
 * DMA), one worker iteration runs, and the TX ring is drained (the kernel's
 * part). Prints queries/s and the number answered (every query must be).
 *
 * Instructions per query, under callgrind, counting only the worker
 * iterations (neither the RX copy nor the TX drain):
 *
 *   valgrind --tool=callgrind --collect-atstart=no \
 *       --toggle-collect=xst_worker_poll --callgrind-out-file=/tmp/cg.out \
 *       build/tools/bench-dns-path --names 10000 --count 100000
 *   callgrind_annotate /tmp/cg.out | grep 'PROGRAM TOTALS'
 *
 * and divide that Ir by the "queries through the worker" the tool prints
 * (K plus the M warm-up queries).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/rcu.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "io/io.h"
#include "net/csum.h"
#include "svc/dns_udp.h"
#include "svc/worker.h"

#define QUERY_MAX	512
#define HEADROOM	256	/* where the kernel puts a received packet */

struct query {
	uint32_t len;
	uint8_t data[QUERY_MAX];
};

struct opts {
	const char *zone;
	const char *origin;
	unsigned long names;
	unsigned long queries;
	unsigned long count;
	unsigned long seed;
	unsigned long batch;
	enum xst_ahead_mode ahead;
	enum xst_send_mode send;
	int csum;
};

static uint64_t rng;

static uint32_t rnd(void)
{
	/* splitmix64: reproducible from --seed */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(z ^ (z >> 31));
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench-dns-path (--names N | --zone FILE [--origin NAME])\n"
		"                      [--queries M] [--count K] [--seed S] [--batch B]\n"
		"                      [--send memcpy|precopy] [--lookahead auto|on|off]\n"
		"  --names N     generate bench.test. with N A records host0..host<N-1>\n"
		"  --zone FILE   load FILE; query names are its A owners\n"
		"  --queries M   distinct query frames (default 4096)\n"
		"  --count K     queries served in the timed loop (default 1000000)\n"
		"  --batch B     frames per worker iteration, 1..64 (default 64)\n"
		"  --send MODE   the daemon's --send (default memcpy)\n"
		"  --lookahead W the daemon's --lookahead (default auto); --no-ahead = off\n"
		"  --csum        only time the checksum (K sums per size) against a naive loop\n"
		"Per-query instructions: valgrind --tool=callgrind --collect-atstart=no\n"
		"  --toggle-collect=xst_worker_poll bench-dns-path ... --count K,\n"
		"  then PROGRAM TOTALS Ir / (K + M) (the M warm-up queries are counted too).\n");
}

static int gen_zone(struct xst_zone **out, unsigned long n)
{
	struct xst_zone_error err;
	size_t cap = 256 + n * 48, len;
	char *text = malloc(cap);
	unsigned long i;
	int ret;

	if (!text)
		return -ENOMEM;
	len = (size_t)snprintf(text, cap,
			       "$ORIGIN bench.test.\n$TTL 300\n"
			       "@ IN SOA ns hostmaster 1 3600 600 86400 300\n"
			       "@ IN NS ns\nns IN A 198.18.0.1\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "host%lu IN A 198.%lu.%lu.%lu\n", i,
					18 + (i >> 16 & 1), i >> 8 & 255, i & 255);
	memset(&err, 0, sizeof(err));
	ret = xst_zone_parse_string(out, text, "generated", NULL, &err);
	if (ret)
		pr_err("parse generated zone: %s:%u: %s\n", err.file, err.line, err.reason);
	free(text);
	return ret;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IPv4/UDP query for the wire name qn (qlen bytes) and qtype, from a random port */
static void build_query(struct query *q, const uint8_t *qn, uint32_t qlen, uint16_t qtype)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a };
	uint8_t *f = q->data, *ip = f + 14, *udp = ip + 20, *dns = udp + 8;
	uint32_t dlen = 12 + qlen + 4;

	memcpy(f, macs, 12);
	put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + 8 + dlen));
	put16(ip + 4, (uint16_t)rnd());
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 198; ip[13] = 19; ip[14] = (uint8_t)rnd(); ip[15] = (uint8_t)(1 + rnd() % 254);
	ip[16] = 198; ip[17] = 18; ip[18] = 0; ip[19] = 1;
	xst_store16(ip + 10, xst_csum(ip, 20));
	put16(udp, (uint16_t)(1024 + rnd() % 60000));
	put16(udp + 2, 53);
	put16(udp + 4, (uint16_t)(8 + dlen));
	put16(udp + 6, 0);
	memset(dns, 0, 12);
	put16(dns, (uint16_t)rnd());
	dns[2] = 0x01;	/* RD, as stub resolvers send */
	put16(dns + 4, 1);
	memcpy(dns + 12, qn, qlen);
	put16(dns + 12 + qlen, qtype);
	put16(dns + 14 + qlen, 1);
	q->len = 14 + 20 + 8 + dlen;
}

/* Wire form of host<i>.bench.test. */
static uint32_t host_name(uint8_t *out, unsigned long i)
{
	char label[32];
	int l = snprintf(label, sizeof(label), "host%lu", i);

	out[0] = (uint8_t)l;
	memcpy(out + 1, label, (size_t)l);
	memcpy(out + 1 + l, "\005bench\004test", 12);	/* root label included */
	return (uint32_t)l + 1 + 12;
}

/* Naive reference: 16-bit big-endian words, one at a time. */
static __attribute__((noinline)) uint16_t naive_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --csum: ns per checksum of typical reply sizes, ours against the naive loop */
static int bench_csum(unsigned long count)
{
	static const size_t sizes[] = { 20, 64, 100, 128, 300, 512, 1232, 1472 };
	static uint8_t buf[1536 + 8];
	volatile uint16_t sink = 0;
	unsigned long i;
	size_t s;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	printf("%6s %12s %12s %10s\n", "bytes", "xst ns", "naive ns", "xst GB/s");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t len = sizes[s];
		const uint8_t *p = buf + 1;	/* odd address: the unaligned case */
		double t0, t1, t2;

		if (ntohs(xst_csum(p, len)) != naive_csum(p, len)) {
			pr_err("checksum mismatch at %zu bytes\n", len);
			return 1;
		}
		t0 = now();
		for (i = 0; i < count; i++) {
			sink = (uint16_t)(sink + xst_csum(p, len));
			__asm__ volatile("" ::: "memory");
		}
		t1 = now();
		for (i = 0; i < count; i++) {
			sink = (uint16_t)(sink + naive_csum(p, len));
			__asm__ volatile("" ::: "memory");
		}
		t2 = now();
		printf("%6zu %12.2f %12.2f %10.2f\n", len, (t1 - t0) * 1e9 / (double)count,
		       (t2 - t1) * 1e9 / (double)count,
		       (double)len * (double)count / (t1 - t0) / 1e9);
	}
	return 0;
}

struct sink {
	uint64_t frames;
	uint64_t bytes;
};

static void count_tx(void *arg, const uint8_t *data, uint32_t len)
{
	struct sink *k = arg;

	(void)data;
	k->frames++;
	k->bytes += len;
}

/* k queries through the worker, o->batch at a time. Returns the replies seen on TX. */
static __attribute__((noinline)) void serve(struct xst_worker *w, struct xst_io *io,
					    const struct query *qs, unsigned long m,
					    unsigned long k, const struct opts *o, struct sink *sink)
{
	unsigned long i, b, n, j = 0;
	uint64_t now = xst_clock_ns();

	for (i = 0; i < k; i += n) {
		n = k - i < o->batch ? k - i : o->batch;
		for (b = 0; b < n; b++) {
			xst_io_mem_inject(io, qs[j].data, qs[j].len);
			if (++j == m)
				j = 0;
		}
		/* a clock that moves, as the worker's does (timers, pool ages) */
		now += 1000;
		xst_worker_poll(w, now);
		xst_io_mem_drain_tx(io, 0, count_tx, sink);
	}
}

static int parse_enum(const char *arg, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "origin", required_argument, NULL, 'o' },
		{ "names", required_argument, NULL, 'n' },
		{ "queries", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "send", required_argument, NULL, 'S' },
		{ "lookahead", required_argument, NULL, 'L' },
		{ "no-ahead", no_argument, NULL, 'A' },
		{ "csum", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const sends[] = { "memcpy", "precopy" };
	static const char *const aheads[] = { "auto", "on", "off" };
	struct opts o = { .queries = 4096, .count = 1000000, .seed = 1, .batch = XST_BATCH };
	struct xst_io_cfg icfg = {
		.nr_frames = 4096,
		.frame_size = 4096,
		.mem_headroom = HEADROOM,
	};
	const struct xst_dns_udp_stats *ds;
	struct xst_svc_rule rule = { XST_IPPROTO_UDP, XST_DNS_PORT };
	struct xst_worker_cfg wcfg = { 0 };
	struct xst_dns_udp_cfg ucfg = { 0 };
	struct xst_dns_udp *dns = NULL;
	struct xst_worker *w = NULL;
	struct xst_io *io = NULL;
	struct xst_rcu rcu;
	struct xst_rcu_ptr dbp;
	atomic_int stop = 0;
	struct xst_zone_error err;
	struct xst_dns_db *db = NULL;
	struct xst_zone *zone = NULL;
	struct query *qs = NULL;
	size_t nnames, nmsgs, nbytes;
	struct timespec t0, t1;
	struct sink sink = { 0 };
	unsigned long i;
	double secs;
	int c, v, ret = 1;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'z': o.zone = optarg; break;
		case 'o': o.origin = optarg; break;
		case 'n': o.names = strtoul(optarg, NULL, 0); break;
		case 'q': o.queries = strtoul(optarg, NULL, 0); break;
		case 'c': o.count = strtoul(optarg, NULL, 0); break;
		case 's': o.seed = strtoul(optarg, NULL, 0); break;
		case 'b': o.batch = strtoul(optarg, NULL, 0); break;
		case 'S':
			v = parse_enum(optarg, sends, 2);
			if (v < 0) {
				usage(stderr);
				return 2;
			}
			o.send = (enum xst_send_mode)v;
			break;
		case 'L':
			v = parse_enum(optarg, aheads, 3);
			if (v < 0) {
				usage(stderr);
				return 2;
			}
			o.ahead = (enum xst_ahead_mode)v;
			break;
		case 'A': o.ahead = XST_AHEAD_OFF; break;
		case 'C': o.csum = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	rng = o.seed;
	if (o.csum)
		return bench_csum(o.count);
	if ((!o.zone) == (!o.names) || !o.queries || !o.batch || o.batch > XST_BATCH) {
		usage(stderr);
		return 2;
	}
	rng = o.seed;

	memset(&err, 0, sizeof(err));
	if (o.zone) {
		if (xst_zone_load(&zone, o.zone, o.origin, &err)) {
			pr_err("load zone '%s': %s:%u: %s\n", o.zone, err.file, err.line, err.reason);
			return 1;
		}
	} else if (gen_zone(&zone, o.names)) {
		return 1;
	}
	if (xst_dns_db_create(&db, &zone, 1, &err)) {
		pr_err("build db: %s\n", err.reason);
		goto out;
	}
	xst_dns_db_sizes(db, &nnames, &nmsgs, &nbytes);
	if (o.zone && !zone->nr_rrs) {
		pr_err("zone '%s' has no records to query\n", o.zone);
		goto out;
	}

	qs = calloc(o.queries, sizeof(*qs));
	if (!qs) {
		pr_err("allocate %lu queries: %s\n", o.queries, strerror(ENOMEM));
		goto out;
	}
	for (i = 0; i < o.queries; i++) {
		if (o.names) {
			uint8_t qn[64];
			uint32_t ql = host_name(qn, rnd() % o.names);

			build_query(&qs[i], qn, ql, 1);
		} else {
			/* a random A owner of the zone (any record when it has none) */
			size_t pick = rnd() % zone->nr_rrs, n;

			for (n = 0; n < zone->nr_rrs; n++) {
				const struct xst_rr *rr = &zone->rrs[(pick + n) % zone->nr_rrs];

				if (rr->type == 1 || n == zone->nr_rrs - 1) {
					build_query(&qs[i], rr->owner, rr->owner_len, rr->type);
					break;
				}
			}
		}
	}

	/* the daemon's wiring, without a kernel: mem io, worker, DNS service */
	xst_rcu_init(&rcu);
	xst_rcu_ptr_init(&dbp, db);
	icfg.max_held = o.send == XST_SEND_PRECOPY ? UINT32_MAX : 0;
	if (xst_io_mem_create(&io, &icfg)) {
		pr_err("create the in-memory io\n");
		goto out;
	}
	wcfg.io = io;
	wcfg.rcu = &rcu;
	wcfg.stop = &stop;
	wcfg.cpu = -1;
	wcfg.batch = (unsigned int)o.batch;
	ucfg.db = &dbp;
	ucfg.send = o.send;
	ucfg.ahead = o.ahead;
	ucfg.io = io;
	if (xst_worker_create(&w, &wcfg) || xst_dns_udp_create(&dns, &ucfg) ||
	    xst_worker_add_service(w, &xst_dns_udp_ops, dns, &rule, 1) < 0) {
		pr_err("create the worker and its DNS service\n");
		goto out;
	}
	ds = xst_dns_udp_stats(dns);

	/* warm-up: fault the pages in, check every query is answered */
	serve(w, io, qs, o.queries, o.queries, &o, &sink);
	if (sink.frames != o.queries)
		pr_warn("warm-up: %llu of %lu queries answered\n", (unsigned long long)sink.frames,
			o.queries);

	memset(&sink, 0, sizeof(sink));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	serve(w, io, qs, o.queries, o.count, &o, &sink);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("zone: %zu names, %zu prepared messages, %zu bytes\n", nnames, nmsgs, nbytes);
	printf("queries: %lu served (%lu distinct), %llu answered, %llu noerror, "
	       "%llu dropped, avg reply %.1f bytes\n",
	       o.count, o.queries, (unsigned long long)sink.frames,
	       (unsigned long long)ds->dns.noerror,
	       (unsigned long long)w->stats.rx_dropped,
	       sink.frames ? (double)sink.bytes / (double)sink.frames : 0.0);
	printf("queries through the worker: %lu (warm-up %lu + timed %lu): divide callgrind's "
	       "Ir by this\n", o.queries + o.count, o.queries, o.count);
	printf("batch: %lu, send %s, lookahead %s, precopy hits %llu\n", o.batch, sends[o.send],
	       aheads[o.ahead], (unsigned long long)ds->precopy_hits);
	printf("time: %.3f s, %.0f queries/s, %.1f ns/query\n", secs,
	       secs > 0 ? (double)o.count / secs : 0.0,
	       o.count ? secs * 1e9 / (double)o.count : 0.0);
	ret = sink.frames == o.count ? 0 : 1;
out:
	xst_dns_udp_destroy(dns);	/* before the worker: its timer is on the wheel */
	xst_worker_destroy(w);
	xst_io_destroy(io);
	free(qs);
	xst_dns_db_destroy(db);
	xst_zone_destroy(zone);
	return ret;
}
