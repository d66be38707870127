// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the per-frame path: a raw Ethernet frame in, a reply
 * or a drop out, through the generic worker (svc/worker.h) and the DNS
 * service over the in-memory backend, in both send modes, with a db built
 * once from a small embedded zone.
 *
 * Each input runs:
 *  1. on an exact-size heap copy through the packet layers and the
 *     responder (cap = len): ASan catches any read or write at or beyond the
 *     frame's end;
 *  2. through a memcpy worker and a precopy worker (as given, and with its
 *     IPv4 header checksum made right so that mutations reach DNS) whose
 *     copy pool was filled at start-up with replies to the seed queries
 *     (and keeps what earlier inputs stored): both must send the same number of frames with the same
 *     bytes (so precopy never answers what memcpy drops, and never sends a
 *     stale or mis-patched copy), twice in a row (the second may hit the copy
 *     the first stored); a reply must carry valid IPv4 header and UDP
 *     checksums (checked here independently); every UMEM frame stays
 *     accounted for (xst_io_census).
 * Both workers run the serve-mode defence (RRL at 20 replies/s, slip 2, and
 * cookies with a fixed secret and clock), so a cookie appended to a patched
 * copy must give the memcpy path's bytes, and both must limit alike.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rcu.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "io/io.h"
#include "net/net.h"
#include "svc/dns_udp.h"
#include "svc/worker.h"
#include "../lib/ref_csum.h"

#define HEADROOM	256
#define FRAME_MAX	(4096 - HEADROOM)

static const char ZONE[] =
	"$ORIGIN fuzz.test.\n"
	"$TTL 300\n"
	"@	IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
	"@	IN NS ns1\n"
	"@	IN MX 10 mail\n"
	"ns1	IN A 198.18.0.53\n"
	"mail	IN A 198.18.0.25\n"
	"www	IN A 198.18.0.1\n"
	"www	IN AAAA fd58:5354::1\n"
	"alias	IN CNAME www\n"
	"*.wild	IN TXT \"wildcard\"\n"
	"sub	IN NS ns.sub\n"
	"ns.sub	IN A 198.18.0.54\n";

struct side {
	struct xst_io *io;
	struct xst_worker *w;
	struct xst_dns_udp *dns;
	uint32_t n;
	uint32_t len[4];
	uint8_t out[4][4096];
};

static struct xst_dns_db *db;
static struct xst_rcu rcu;
static struct xst_rcu_ptr dbp;
static atomic_int stop;
static struct side mem, pre;
static uint64_t now = 1000000000ull;
static struct xst_rrl_cfg rrl;
static struct xst_cookie_keys keys = { .cur = "fuzz-cookie-key" };
static struct xst_rcu_ptr keysp;

static uint32_t wall(void)
{
	return 1700000000u;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void setup(struct side *s, enum xst_send_mode send)
{
	struct xst_io_cfg icfg = { .nr_frames = 512, .frame_size = 4096, .mem_headroom = HEADROOM,
				   .max_held = send == XST_SEND_PRECOPY ? UINT32_MAX : 0 };
	struct xst_worker_cfg wcfg = { .rcu = &rcu, .stop = &stop, .cpu = -1 };
	struct xst_dns_udp_cfg ucfg = { .db = &dbp, .send = send, .ahead = XST_AHEAD_ON };
	struct xst_svc_rule rule = { XST_IPPROTO_UDP, XST_DNS_PORT };

	if (xst_io_mem_create(&s->io, &icfg))
		abort();
	wcfg.io = s->io;
	ucfg.io = s->io;
	xst_rrl_cfg_default(&rrl);
	rrl.responses_per_sec = rrl.nxdomains_per_sec = rrl.errors_per_sec = 20;
	xst_rcu_ptr_init(&keysp, &keys);
	ucfg.rrl = &rrl;
	ucfg.cookies = &keysp;
	ucfg.wall_s = wall;
	if (xst_worker_create(&s->w, &wcfg) || xst_dns_udp_create(&s->dns, &ucfg) ||
	    xst_worker_add_service(s->w, &xst_dns_udp_ops, s->dns, &rule, 1) < 0)
		abort();
}

static void take(void *arg, const uint8_t *data, uint32_t len)
{
	struct side *s = arg;

	if (s->n < 4) {
		s->len[s->n] = len;
		memcpy(s->out[s->n], data, len);
	}
	s->n++;
}

/* One frame through one iteration of s; what it sent is in s->out. */
static void run(struct side *s, const uint8_t *f, uint32_t len)
{
	struct xst_io_census c;

	s->n = 0;
	if (xst_io_mem_inject(s->io, f, len))
		abort();
	xst_worker_poll(s->w, now);
	xst_io_mem_drain_tx(s->io, 0, take, s);
	xst_io_begin(s->io);	/* reap the completions before the census */
	if (xst_io_census(s->io, &c))
		abort();
}

/* A seed query for name (wire format) and qtype, IPv4, to fill the pool. */
static uint32_t seed_query(uint8_t *f, const char *wire, uint32_t wlen, uint16_t qtype)
{
	static const uint8_t hdr[] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00,		/* Ethernet */
		0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 17, 0, 0,		/* IPv4 */
		198, 18, 0, 2, 198, 18, 0, 1,
		0x82, 0x35, 0, 53, 0, 0, 0x12, 0x34,			/* UDP */
		0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,		/* DNS header */
	};
	uint32_t n = sizeof(hdr), ulen, sum;

	memcpy(f, hdr, n);
	memcpy(f + n, wire, wlen);
	n += wlen;
	f[n++] = (uint8_t)(qtype >> 8);
	f[n++] = (uint8_t)qtype;
	f[n++] = 0;
	f[n++] = 1;
	ulen = n - 34;
	f[38] = (uint8_t)(ulen >> 8);
	f[39] = (uint8_t)ulen;
	f[16] = (uint8_t)((ulen + 20) >> 8);
	f[17] = (uint8_t)(ulen + 20);
	sum = ref_csum_sum(f + 14, 20, 0);
	f[24] = (uint8_t)(~sum >> 8);
	f[25] = (uint8_t)~sum;
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct { const char *w; uint32_t l; uint16_t t; } seeds[] = {
		{ "\003www\004fuzz\004test", 15, 1 }, { "\003www\004fuzz\004test", 15, 28 },
		{ "\004mail\004fuzz\004test", 16, 1 }, { "\004fuzz\004test", 11, 15 },
		{ "\005alias\004fuzz\004test", 17, 1 }, { "\001x\004wild\004fuzz\004test", 18, 16 },
		{ "\001a\003sub\004fuzz\004test", 17, 1 }, { "\002nx\004fuzz\004test", 14, 1 },
		{ "\004fuzz\004test", 11, 255 }, { "\003www\005other\004test", 16, 1 },
	};
	struct xst_zone_error err;
	struct xst_zone *z;
	uint8_t f[512];
	size_t i;

	(void)argc;
	(void)argv;
	memset(&err, 0, sizeof(err));
	if (xst_zone_parse_string(&z, ZONE, "fuzz.zone", NULL, &err) ||
	    xst_dns_db_create(&db, &z, 1, &err)) {
		fprintf(stderr, "fuzz_frame: %s:%u: %s\n", err.file, err.line, err.reason);
		abort();
	}
	xst_zone_destroy(z);	/* the db does not keep the zone */
	xst_rcu_init(&rcu);
	xst_rcu_ptr_init(&dbp, db);
	setup(&mem, XST_SEND_MEMCPY);
	setup(&pre, XST_SEND_PRECOPY);
	/* the pool filled with the seeds' replies, so that mutated frames meet copies */
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		uint32_t len = seed_query(f, seeds[i].w, seeds[i].l, seeds[i].t);

		run(&pre, f, len);
		run(&pre, f, len);
		/* the memcpy side answers them too: both RRL tables alike */
		run(&mem, f, len);
		run(&mem, f, len);
	}
	return 0;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Independent check of a reply frame; aborts on a violation. */
static void check_reply(const uint8_t *f, uint32_t len)
{
	uint32_t off = 12, ulen, psum;
	const uint8_t *ip, *udp;
	uint16_t proto;

	if (len < 14 + 20 + 8)
		abort();
	proto = be16(f + off);
	while (proto == 0x8100 || proto == 0x88a8 || proto == 0x9100) {
		off += 4;
		proto = be16(f + off);
	}
	ip = f + off + 2;
	if (proto == 0x0800) {
		uint8_t ph[12];

		if (ip[0] != 0x45 || ref_csum_sum(ip, 20, 0) != 0xffff || ip[9] != 17)
			abort();
		udp = ip + 20;
		ulen = be16(udp + 4);
		if (be16(ip + 2) != 20 + ulen)
			abort();
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = (uint8_t)(ulen >> 8);
		ph[11] = (uint8_t)ulen;
		psum = ref_csum_sum(ph, 12, 0);
	} else if (proto == 0x86dd) {
		uint8_t ph[40] = { 0 };

		udp = ip + 40;
		ulen = be16(udp + 4);
		if (be16(ip + 4) != ulen || ip[6] != 17)
			abort();
		memcpy(ph, ip + 8, 32);
		ph[34] = (uint8_t)(ulen >> 8);
		ph[35] = (uint8_t)ulen;
		ph[39] = 17;
		psum = ref_csum_sum(ph, 40, 0);
	} else {
		abort();
	}
	if ((uint32_t)(udp - f) + ulen != len || ulen < 8 + 12)
		abort();
	if (be16(udp) != 53 || !be16(udp + 6) || ref_csum_sum(udp, ulen, psum) != 0xffff)
		abort();
}

/*
 * The IPv4 header checksum of f made right (in place), when f is IPv4 after
 * at most two tags: the packet layers drop a wrong one, and a mutated frame
 * would almost never get past them to the DNS code otherwise.
 */
static void fix_ipv4(uint8_t *f, size_t len)
{
	size_t off = 12, hl;
	uint32_t sum;
	int tags = 0;

	while (off + 2 <= len && tags < 2 && (be16(f + off) == 0x8100 || be16(f + off) == 0x88a8)) {
		off += 4;
		tags++;
	}
	if (off + 2 + 20 > len || be16(f + off) != 0x0800)
		return;
	off += 2;
	hl = (f[off] & 15) * 4u;
	if (hl < 20 || off + hl > len)
		return;
	f[off + 10] = f[off + 11] = 0;
	sum = ref_csum_sum(f + off, hl, 0);
	f[off + 10] = (uint8_t)(~sum >> 8);
	f[off + 11] = (uint8_t)~sum;
}

/* memcpy and precopy workers send the same bytes for frame[0..size), twice. */
static void compare(const uint8_t *frame, size_t size)
{
	uint32_t i, round;

	for (round = 0; round < 2; round++) {
		now += 1000000;
		run(&mem, frame, (uint32_t)size);
		run(&pre, frame, (uint32_t)size);
		if (mem.n != pre.n || mem.n > 1)
			abort();
		for (i = 0; i < mem.n; i++) {
			if (mem.len[i] != pre.len[i] || memcmp(mem.out[i], pre.out[i], mem.len[i]))
				abort();
			check_reply(mem.out[i], mem.len[i]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fixed[FRAME_MAX];
	struct xst_dns_stats dst;
	struct xst_pkt p;
	uint8_t *exact;
	uint32_t i;

	if (size > FRAME_MAX)
		return 0;
	memcpy(fixed, data, size);
	fix_ipv4(fixed, size);

	/* 1: exact-size copy, no slack: over-reads and over-writes are caught */
	exact = malloc(size ? size : 1);
	if (!exact)
		return 0;
	memcpy(exact, fixed, size);
	memset(&dst, 0, sizeof(dst));
	if (xst_net_parse(exact, (uint32_t)size, &p) == XST_NET_OK && p.l4_proto == XST_IPPROTO_UDP) {
		size_t off = (size_t)p.l4_off + 8, mlen = p.l4_len - 8u;
		struct xst_dns_ahead a;

		xst_dns_ahead_start(db, &a, exact + off, mlen);
		for (i = 0; i < XST_DNS_AHEAD_STEPS; i++)
			xst_dns_ahead_step(db, &a);
		if (xst_dns_respond(db, exact + off, mlen, mlen, XST_DNS_UDP, &dst) > mlen)
			abort();
	}
	free(exact);

	/* 2: both send modes, on the frame as given and with its IPv4 header fixed */
	compare(data, size);
	compare(fixed, size);
	return 0;
}
