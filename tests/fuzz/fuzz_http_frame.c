// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the HTTP service through the generic worker: raw
 * frames into a worker with svc/http_serve over the in-memory backend (the
 * site, built at start-up in a temporary directory and prepared once, is
 * the only state shared between inputs; the worker, the service and its
 * TCP are created for each input).
 *
 * An input is a list of records, each
 *   ctl (1 byte) | len (2 bytes, little endian) | len bytes: an Ethernet frame
 * and ctl says what the harness does before the frame is put on the RX ring:
 *   bit 0  a TCP frame's ack is set to the server's next sequence number on
 *          that client port (learnt from the frames it sent: the ISS is
 *          random, so a handshake could not complete otherwise)
 *   bit 1  the IPv4 header and TCP checksums are made right
 *   bits 2-7  the worker's clock advances that many times 20 ms (RTOs, the
 *          Date, timeouts)
 * then one worker iteration runs and the TX ring is drained.
 *
 * Properties (abort on violation): no sanitizer report; every frame the
 * server sends parses (xst_net_parse + xst_tcp_parse), comes from port 80,
 * has a valid IPv4 header checksum and TCP checksum (recomputed with the
 * reference summer, tests/lib/ref_csum.h) and consistent lengths; every
 * UMEM frame is accounted for after each iteration (xst_io_census) and, once
 * the service and the worker are gone, every frame is back on the free
 * stack or the fill ring; the worker's receive counter equals the frames
 * injected; the site is not held by any connection after the service is
 * destroyed.
 *
 * The seed corpus (tests/fuzz/corpus/fuzz_http_frame, written by
 * tests/fuzz/seed_http_frame.py) holds handshakes and GETs over IPv4 and
 * IPv6, pipelined and ranged requests, a lost flight and closes.
 */
#include <errno.h>
#include <ftw.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/byteorder.h"
#include "core/rcu.h"
#include "http/prepared.h"
#include "http/site.h"
#include "io/io.h"
#include "net/net.h"
#include "net/tcp.h"
#include "svc/http_serve.h"
#include "svc/worker.h"
#include "../lib/ref_csum.h"

#define HEADROOM	256
#define NR_FRAMES	1024
#define FRAME_MAX	(4096 - HEADROOM)
#define RECORDS_MAX	512
#define TRACK		16	/* client ports whose server sequence is learnt */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct xst_http_prepared *prep;
static struct xst_rcu rcu;
static struct xst_rcu_ptr prep_ptr;
static struct xst_io *io;
static atomic_int stop;
static uint64_t now = 1000000000000ull;

/* The server's next sequence number per (family, client port), from its frames. */
static struct {
	uint16_t port;
	uint8_t v6, used;
	uint32_t nxt;
} track[TRACK];

static int verbose;	/* XST_FUZZ_VERBOSE set: every emitted segment on stderr */

static void check(int ok)
{
	if (!ok)
		abort();
}

/* ---- the site ---------------------------------------------------------------------- */

static void put_file(const char *dir, const char *name, size_t size)
{
	char path[256];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	check(f != NULL);
	for (i = 0; i < size; i++)
		fputc((int)(uint8_t)(i * 131 + (i >> 9)), f);
	check(fclose(f) == 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A small site (0, 1, MSS-1, MSS, MSS+1 and 20000 bytes, an index, a directory
 * without one, a sub directory), loaded and prepared; the files are removed
 * once in memory. */
static void make_site(void)
{
	struct xst_http_site_cfg scfg = { .nr_workers = 1, .quiet = 1 };
	struct xst_http_site *site;
	char root[] = "/tmp/xst-fuzz-http-XXXXXX", d[128], err[512] = "";

	check(mkdtemp(root) != NULL);
	put_file(root, "e0", 0);
	put_file(root, "e1.txt", 1);
	put_file(root, "f1459.bin", 1459);
	put_file(root, "f1460.bin", 1460);
	put_file(root, "f1461.bin", 1461);
	put_file(root, "big.bin", 20000);
	put_file(root, "index.html", 300);
	snprintf(d, sizeof(d), "%s/noindex", root);
	check(mkdir(d, 0755) == 0);
	put_file(d, "a.css", 10);
	snprintf(d, sizeof(d), "%s/sub", root);
	check(mkdir(d, 0755) == 0);
	put_file(d, "index.html", 100);
	if (xst_http_site_load_cfg(&site, root, &scfg, err, sizeof(err)) ||
	    xst_http_prepared_build(&prep, site, err, sizeof(err))) {
		fprintf(stderr, "fuzz_http_frame: %s\n", err);
		abort();
	}
	nftw(root, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct xst_io_cfg icfg = { .nr_frames = NR_FRAMES, .frame_size = 4096,
				   .mem_headroom = HEADROOM };

	(void)argc;
	(void)argv;
	verbose = getenv("XST_FUZZ_VERBOSE") != NULL;
	make_site();
	xst_rcu_init(&rcu);
	xst_rcu_ptr_init(&prep_ptr, prep);
	check(xst_io_mem_create(&io, &icfg) == 0);
	return 0;
}

/* ---- the frames ------------------------------------------------------------------ */

static int find_track(int v6, uint16_t port, int add)
{
	int i, free_i = -1;

	for (i = 0; i < TRACK; i++) {
		if (track[i].used && track[i].port == port && track[i].v6 == v6)
			return i;
		if (!track[i].used && free_i < 0)
			free_i = i;
	}
	if (!add)
		return -1;
	if (free_i < 0)
		free_i = port % TRACK;	/* forget one */
	track[free_i].used = 1;
	track[free_i].port = port;
	track[free_i].v6 = (uint8_t)v6;
	track[free_i].nxt = 0;
	return free_i;
}

/* The full TCP checksum over the pseudo header and the segment: 0xffff when valid. */
static uint32_t tcp_sum(const uint8_t *ip, int v6, const uint8_t *tcp, uint32_t l4len)
{
	return ref_csum_l4(ip, v6, XST_IPPROTO_TCP, tcp, l4len);
}

/* An emitted frame, checked as a receiver would; the server's sequence learnt. */
static void take(void *arg, const uint8_t *f, uint32_t len)
{
	struct xst_tcp_seg s;
	struct xst_pkt p;
	const uint8_t *ip;
	uint32_t nxt;
	int v6, t;

	(void)arg;
	check(xst_net_parse(f, len, &p) == XST_NET_OK);
	check(p.l4_proto == XST_IPPROTO_TCP);
	check(xst_tcp_parse(f, &p, &s) == XST_NET_OK);
	check(s.sport == 80);
	ip = f + p.l3_off;
	v6 = p.l3_proto == XST_ETH_P_IPV6;
	if (v6) {
		check(xst_get_be16(ip + 4) == p.l4_len);
		check((uint32_t)p.l3_off + XST_IPV6_HLEN + p.l4_len == len);
	} else {
		check(ref_csum_sum(ip, XST_IPV4_HLEN, 0) == 0xffff);
		check(xst_get_be16(ip + 2) == XST_IPV4_HLEN + p.l4_len);
		check((uint32_t)p.l3_off + XST_IPV4_HLEN + p.l4_len == len);
	}
	check(tcp_sum(ip, v6, f + p.l4_off, p.l4_len) == 0xffff);
	check(len <= 14 + 8 + 40 + 60 + 1460);
	if (verbose)
		fprintf(stderr, "out v%d port %u flags %02x seq %u ack %u len %u %.*s\n", v6 ? 6 : 4,
			s.dport, s.flags, s.seq, s.ack, s.len,
			s.len >= 12 && !memcmp(s.data, "HTTP/1.1 ", 9) ? 12 : 0, (const char *)s.data);
	if (s.flags & XST_TCP_RST)
		return;
	nxt = s.seq + s.len + !!(s.flags & XST_TCP_SYN) + !!(s.flags & XST_TCP_FIN);
	t = find_track(v6, s.dport, s.flags & XST_TCP_SYN);
	if (t >= 0 && ((s.flags & XST_TCP_SYN) || xst_seq_lt(track[t].nxt, nxt)))
		track[t].nxt = nxt;
}

/* Apply ctl's fix-ups to the frame f[0..len) (untagged Ethernet only). */
static void fixup(uint8_t *f, uint32_t len, uint8_t ctl)
{
	struct xst_pkt p;
	uint8_t *ip, *tcp;
	uint32_t sum;
	int v6, t;

	if (len < 14 + 20 || !(ctl & 3))
		return;
	ip = f + 14;
	if ((ctl & 2) && xst_get_be16(f + 12) == XST_ETH_P_IP) {
		uint32_t hl = (ip[0] & 15) * 4u;

		if (hl >= 20 && 14 + hl <= len) {
			ip[10] = ip[11] = 0;
			sum = ref_csum_sum(ip, hl, 0);
			xst_put_be16(ip + 10, (uint16_t)~sum);
		}
	}
	if (xst_net_parse(f, len, &p) != XST_NET_OK || p.l4_proto != XST_IPPROTO_TCP ||
	    p.nr_vlans || p.l4_len < XST_TCP_HLEN)
		return;
	ip = f + p.l3_off;
	tcp = f + p.l4_off;
	v6 = p.l3_proto == XST_ETH_P_IPV6;
	if (ctl & 1) {
		t = find_track(v6, xst_get_be16(tcp), 0);
		if (t >= 0)
			xst_put_be32(tcp + 8, track[t].nxt);
	}
	if (ctl & 2) {
		tcp[16] = tcp[17] = 0;
		sum = tcp_sum(ip, v6, tcp, p.l4_len);
		xst_put_be16(tcp + 16, (uint16_t)~sum);
	}
}

static void poll_once(struct xst_worker *w)
{
	struct xst_io_census c;

	xst_worker_poll(w, now);
	xst_io_mem_drain_tx(io, 0, take, NULL);
	check(xst_io_census(io, &c) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_worker_cfg wcfg = { .io = io, .rcu = &rcu, .stop = &stop, .cpu = -1 };
	struct xst_http_serve_cfg scfg = {
		.prep = &prep_ptr,
		.worker = 0,
		.tcp = {
			.max_conns = 8,
			.half_open_max = 2,
			.syn_cookies = XST_TCP_COOKIES_AUTO,
			.mss_max = 1460,
			.rcv_buf = 16384,
			.header_timeout_ns = 5000000000ull,
			.idle_timeout_ns = 10000000000ull,
			.time_wait_ns = 2000000000ull,
			.time_wait_max = 2,
			.max_retrans = 4,
		},
	};
	struct xst_svc_rule rule = { XST_IPPROTO_TCP, 80 };
	static uint8_t frame[FRAME_MAX];
	struct xst_http_serve *srv;
	struct xst_io_census c;
	struct xst_worker *w;
	uint64_t injected = 0;
	size_t off = 0;
	int records = 0, i;

	memset(track, 0, sizeof(track));
	check(xst_worker_create(&w, &wcfg) == 0);
	check(xst_http_serve_create(&srv, &scfg, &w->timers, now) == 0);
	check(xst_worker_add_service(w, &xst_http_serve_ops, srv, &rule, 1) >= 0);
	while (off + 3 <= size && records++ < RECORDS_MAX) {
		uint8_t ctl = data[off];
		uint32_t len = (uint32_t)(data[off + 1] | data[off + 2] << 8);

		off += 3;
		if (len > size - off)
			len = (uint32_t)(size - off);
		if (len > FRAME_MAX)
			len = FRAME_MAX;
		memcpy(frame, data + off, len);
		off += len;
		fixup(frame, len, ctl);
		now += (uint64_t)(ctl >> 2) * 20000000ull + 1000000ull;
		if (len && xst_io_mem_inject(io, frame, len) == 0)
			injected++;
		poll_once(w);
	}
	/* the timers run on: whatever is in flight is retransmitted or times out */
	for (i = 0; i < 4; i++) {
		now += 3000000000ull;
		poll_once(w);
	}
	check(w->stats.rx_packets == injected);
	xst_http_serve_destroy(srv);	/* before the worker: its timers are on the wheel */
	check(xst_http_site_in_use(prep->site) == 0);
	xst_worker_destroy(w);
	xst_io_begin(io);	/* completions reaped, the fill ring topped up */
	check(xst_io_census(io, &c) == 0);
	check(c.user == 0 && c.rx == 0 && c.tx == 0 && c.comp == 0 && c.held == 0);
	check(c.free + c.fill == NR_FRAMES);
	return 0;
}
