// SPDX-License-Identifier: GPL-2.0
/*
 * bench-dns-path: the userspace cost of answering one DNS query, from a
 * received frame to the finished reply frame (xst_service_frame(): packet
 * layers, prepared-answer lookup and copy, checksums), without a kernel.
 *
 *   build/tools/bench-dns-path --names 10000 [--queries 4096] [--count 1000000]
 *   build/tools/bench-dns-path --zone FILE [--origin NAME] ...
 *   build/tools/bench-dns-path --csum [--count K]     (checksum alone)
 *
 * --names N generates a zone bench.test. with N names host<i> (one A record
 * each); --zone loads a master file and queries its A owners. M query frames
 * (IPv4/UDP, A, random existing names, random ids and ports) are built, then
 * K queries are served: each copies a query into the frame first, as the
 * AF_XDP RX would have, then calls xst_service_frame() on it. Prints
 * queries/s and the number answered (every query must be answered).
 *
 * Instructions per query, under callgrind, counting only the service path
 * (the query copy that stands for the RX is outside xst_service_frame):
 *
 *   valgrind --tool=callgrind --collect-atstart=no \
 *       --toggle-collect=xst_service_frame --callgrind-out-file=/tmp/cg.out \
 *       build/tools/bench-dns-path --names 10000 --count 100000
 *   callgrind_annotate /tmp/cg.out | grep 'PROGRAM TOTALS'
 *
 * and divide that Ir by the "service calls" the tool prints (K plus the M
 * warm-up queries).
 *
 * or, counting everything (loop and copy included) by difference of two runs:
 *   Ir(--count K2) - Ir(--count K1), divided by K2 - K1 (setup cancels out).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "net/csum.h"
#include "svc/dns_udp.h"

#define FRAME_CAP	4096
#define QUERY_MAX	512
#define XST_BATCH_MAX	256	/* --batch at most */

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
	int ahead;
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
		"                      [--queries M] [--count K] [--seed S]\n"
		"                      [--batch B [--no-ahead]]\n"
		"  --names N     generate bench.test. with N A records host0..host<N-1>\n"
		"  --zone FILE   load FILE; query names are its A owners\n"
		"  --queries M   distinct query frames (default 4096)\n"
		"  --count K     queries served in the timed loop (default 1000000)\n"
		"  --batch B     serve B frames at a time as a worker does, with the DNS\n"
		"                lookahead over the batch when the zone is large enough\n"
		"                (default 1: one frame at a time, no lookahead)\n"
		"  --no-ahead    with --batch: never look ahead (to compare)\n"
		"  --csum        only time the checksum (K sums per size) against a naive loop\n"
		"Per-query instructions: valgrind --tool=callgrind --collect-atstart=no\n"
		"  --toggle-collect=xst_service_frame bench-dns-path ... --count K,\n"
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

/* The served loop, kept out of line so that profiles show it by name. */
static __attribute__((noinline)) uint64_t serve(const struct xst_dns_db *db,
						const struct query *qs, unsigned long m,
						unsigned long k, uint8_t *frame,
						struct xst_service_stats *st)
{
	uint64_t bytes = 0;
	unsigned long i, j = 0;

	for (i = 0; i < k; i++) {
		const struct query *q = &qs[j];

		memcpy(frame, q->data, q->len);	/* what the RX ring delivers */
		bytes += xst_service_frame(db, frame, q->len, FRAME_CAP, st);
		if (++j == m)
			j = 0;
	}
	return bytes;
}

/* --batch: B frames copied in, looked ahead over (as the worker does), served. */
static __attribute__((noinline)) uint64_t serve_batch(const struct xst_dns_db *db,
						      const struct query *qs, unsigned long m,
						      unsigned long k, const struct opts *o,
						      uint8_t *frames, struct xst_service_stats *st)
{
	struct xst_dns_ahead a[XST_BATCH_MAX];
	uint32_t len[XST_BATCH_MAX];
	int ahead = o->ahead && xst_dns_db_ahead(db);
	unsigned long i, b, n, j = 0;
	uint64_t bytes = 0;
	unsigned int step;

	for (i = 0; i < k; i += n) {
		n = k - i < o->batch ? k - i : o->batch;
		for (b = 0; b < n; b++) {
			memcpy(frames + b * FRAME_CAP, qs[j].data, qs[j].len);
			len[b] = qs[j].len;
			if (++j == m)
				j = 0;
		}
		if (ahead) {
			for (b = 0; b < n; b++)
				xst_service_ahead(db, frames + b * FRAME_CAP, len[b], &a[b]);
			for (step = 0; step < XST_DNS_AHEAD_STEPS; step++)
				for (b = 0; b < n; b++)
					xst_dns_ahead_step(db, &a[b]);
		}
		for (b = 0; b < n; b++)
			bytes += xst_service_frame(db, frames + b * FRAME_CAP, len[b], FRAME_CAP, st);
	}
	return bytes;
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
		{ "no-ahead", no_argument, NULL, 'A' },
		{ "csum", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .queries = 4096, .count = 1000000, .seed = 1, .batch = 1, .ahead = 1 };
	struct xst_service_stats st;
	struct xst_zone_error err;
	struct xst_dns_db *db = NULL;
	struct xst_zone *zone = NULL;
	struct query *qs = NULL;
	size_t nnames, nmsgs, nbytes;
	struct timespec t0, t1;
	uint8_t *frame = NULL;
	unsigned long i;
	double secs;
	uint64_t bytes;
	int c, ret = 1;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'z': o.zone = optarg; break;
		case 'o': o.origin = optarg; break;
		case 'n': o.names = strtoul(optarg, NULL, 0); break;
		case 'q': o.queries = strtoul(optarg, NULL, 0); break;
		case 'c': o.count = strtoul(optarg, NULL, 0); break;
		case 's': o.seed = strtoul(optarg, NULL, 0); break;
		case 'b': o.batch = strtoul(optarg, NULL, 0); break;
		case 'A': o.ahead = 0; break;
		case 'C': o.csum = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	rng = o.seed;
	if (o.csum)
		return bench_csum(o.count);
	if ((!o.zone) == (!o.names) || !o.queries || !o.batch || o.batch > XST_BATCH_MAX) {
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
	frame = aligned_alloc(4096, FRAME_CAP * o.batch);
	if (!qs || !frame) {
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

	/* warm-up: fault the pages in, check every query is answered */
	memset(&st, 0, sizeof(st));
	serve(db, qs, o.queries, o.queries, frame, &st);
	if (st.tx_frames != o.queries)
		pr_warn("warm-up: %llu of %lu queries answered\n",
			(unsigned long long)st.tx_frames, o.queries);

	memset(&st, 0, sizeof(st));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o.batch > 1)
		bytes = serve_batch(db, qs, o.queries, o.count, &o, frame, &st);
	else
		bytes = serve(db, qs, o.queries, o.count, frame, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("zone: %zu names, %zu prepared messages, %zu bytes\n", nnames, nmsgs, nbytes);
	printf("queries: %lu served (%lu distinct), %llu answered, %llu noerror, "
	       "%llu dropped, avg reply %.1f bytes\n",
	       o.count, o.queries, (unsigned long long)st.tx_frames,
	       (unsigned long long)st.dns.noerror,
	       (unsigned long long)(st.dropped_malformed + st.dropped_other),
	       st.tx_frames ? (double)bytes / (double)st.tx_frames : 0.0);
	printf("service calls: %lu (warm-up %lu + timed %lu): divide callgrind's Ir by this\n",
	       o.queries + o.count, o.queries, o.count);
	printf("batch: %lu, lookahead %s\n", o.batch,
	       o.batch > 1 && o.ahead && xst_dns_db_ahead(db) ? "on" : "off");
	printf("time: %.3f s, %.0f queries/s, %.1f ns/query\n", secs,
	       secs > 0 ? (double)o.count / secs : 0.0,
	       o.count ? secs * 1e9 / (double)o.count : 0.0);
	ret = st.tx_frames == o.count ? 0 : 1;
out:
	free(frame);
	free(qs);
	xst_dns_db_destroy(db);
	xst_zone_destroy(zone);
	return ret;
}
