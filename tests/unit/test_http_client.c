// SPDX-License-Identifier: GPL-2.0
/*
 * The HTTP service end to end through the generic worker and the in-memory
 * backend (svc/http_serve.h over svc/worker.h and io/mem.c): a site built
 * in a mkdtemp directory is loaded and prepared, and the test plays a TCP
 * client with crafted frames: SYN -> SYN-ACK -> ACK + request, then every
 * segment the server emits is parsed back (xst_net_parse + xst_tcp_parse),
 * its IPv4 header and TCP checksums recomputed with the reference summer
 * (tests/lib/ref_csum.h, independent of net/csum.c), ACKed one by one
 * (ACK-clocked), and the byte stream reassembled in order and parsed as
 * HTTP responses. Bodies are compared with the files byte for byte. The
 * worker's clock is the test's: RTOs and timeouts fire when it is advanced.
 * Every UMEM frame stays accounted for (xst_io_census) after every step.
 * (test_http_serve.c, from the precopy work, compares the two send modes
 * frame for frame; this file is the client's view in the default mode.)
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/ref_csum.h"
#include "core/byteorder.h"
#include "core/clock.h"
#include "core/rcu.h"
#include "daemon/daemon.h"
#include "daemon/registry.h"
#include "http/prepared.h"
#include "http/site.h"
#include "io/io.h"
#include "net/net.h"
#include "net/tcp.h"
#include "svc/http_serve.h"
#include "svc/worker.h"
#include "tcp/tcp.h"

/* A failing comparison only: a passing ck_assert costs a syscall (mark point). */
#define REQUIRE(c, ...)                                 \
	do {                                            \
		if (!(c))                               \
			ck_abort_msg(__VA_ARGS__);      \
	} while (0)

/* ---- the site ------------------------------------------------------------------------ */

static const size_t sizes[] = { 0, 1, 1459, 1460, 1461, 100000 };
#define NR_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static char root[64], root2[64];

static uint8_t content(size_t size, size_t i, int gen)
{
	return (uint8_t)(i * 131 + (i >> 9) + size * 7 + (size_t)gen * 89);
}

static void write_file(const char *dir, const char *name, size_t size, int gen)
{
	char path[256];
	uint8_t *buf = malloc(size ? size : 1);
	FILE *f;
	size_t i;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < size; i++)
		buf[i] = content(size, i, gen);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, size, f), size);
	ck_assert_int_eq(fclose(f), 0);
	free(buf);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static const char INDEX[] = "<html><body>root index</body></html>\n";
static const char SUB_INDEX[] = "<html><body>sub index</body></html>\n";

/*
 * root:  s<N>.bin for every size, index.html, noindex/ (a.txt, no index),
 *        sub/ (index.html, deep.txt), v.txt (100000 bytes, generation 0)
 * root2: index.html, v.txt (54321 bytes, generation 1): the reloaded site
 */
static void site_setup(void)
{
	char name[64], d[128];
	size_t i;

	snprintf(root, sizeof(root), "/tmp/xst-serve-XXXXXX");
	snprintf(root2, sizeof(root2), "/tmp/xst-serve2-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_ptr_nonnull(mkdtemp(root2));
	for (i = 0; i < NR_SIZES; i++) {
		snprintf(name, sizeof(name), "s%zu.bin", sizes[i]);
		write_file(root, name, sizes[i], 0);
	}
	write_text(root, "index.html", INDEX);
	snprintf(d, sizeof(d), "%s/noindex", root);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	write_text(d, "a.txt", "a\n");
	snprintf(d, sizeof(d), "%s/sub", root);
	ck_assert_int_eq(mkdir(d, 0755), 0);
	write_text(d, "index.html", SUB_INDEX);
	write_text(d, "deep.txt", "deep\n");
	write_file(root, "v.txt", 100000, 0);
	write_text(root2, "index.html", INDEX);
	write_file(root2, "v.txt", 54321, 1);
}

static void rm_tree(const char *dir)
{
	char cmd[160];

	if (!dir[0] || strncmp(dir, "/tmp/xst-serve", 14))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
}

static void site_teardown(void)
{
	rm_tree(root);
	rm_tree(root2);
}

static struct xst_http_prepared *prepare(const char *dir)
{
	struct xst_http_site_cfg scfg = { .nr_workers = 1, .quiet = 1 };
	struct xst_http_prepared *p;
	struct xst_http_site *site;
	char err[512] = "";

	ck_assert_msg(xst_http_site_load_cfg(&site, dir, &scfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(xst_http_prepared_build(&p, site, err, sizeof(err)) == 0, "%s", err);
	return p;
}

/* ---- the worker with the HTTP service, over the mem backend -------------------------- */

#define OUT_MAX		1024
#define OOO_MAX		256	/* out-of-order segments a client keeps */
#define PAY_MAX		1600

/* One segment the server sent, parsed and checked. */
struct seg {
	uint32_t seq, ack, len;
	uint16_t win, mss;
	uint16_t cport;		/* the client's port */
	uint8_t flags, v6;
	uint8_t data[PAY_MAX];
};

struct harness {
	struct xst_rcu rcu;
	struct xst_rcu_ptr prep;
	struct xst_io *io;
	struct xst_worker *w;
	struct xst_http_serve *srv;
	atomic_int stop;
	uint64_t now;
	uint32_t nout;		/* segments of the last step */
	struct seg out[OUT_MAX];
	uint64_t frames;	/* every frame the server sent */
	uint32_t max_frame;
};

static const uint8_t MAC_C[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t MAC_S[6] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa };
static const uint8_t IP4_C[4] = { 198, 18, 0, 2 };
static const uint8_t IP4_S[4] = { 198, 18, 0, 1 };
static const uint8_t IP6_C[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 2 };
static const uint8_t IP6_S[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 1 };

static struct harness *up_cfg(uint32_t max_conns, int cookies)
{
	struct xst_io_cfg icfg = { .nr_frames = 2048, .frame_size = 4096, .mem_headroom = 256 };
	struct xst_worker_cfg wcfg = { 0 };
	struct xst_svc_rule rule = { XST_IPPROTO_TCP, 80 };
	struct xst_http_serve_cfg scfg = { 0 };
	struct harness *h = calloc(1, sizeof(*h));

	ck_assert_ptr_nonnull(h);
	xst_rcu_init(&h->rcu);
	xst_rcu_ptr_init(&h->prep, prepare(root));
	ck_assert_int_eq(xst_io_mem_create(&h->io, &icfg), 0);
	wcfg.io = h->io;
	wcfg.rcu = &h->rcu;
	wcfg.stop = &h->stop;
	wcfg.cpu = -1;
	ck_assert_int_eq(xst_worker_create(&h->w, &wcfg), 0);
	h->now = xst_clock_ns();
	scfg.prep = &h->prep;
	scfg.worker = 0;
	scfg.tcp.max_conns = max_conns;
	scfg.tcp.half_open_max = max_conns / 4 ? max_conns / 4 : 1;
	scfg.tcp.syn_cookies = cookies;
	scfg.tcp.mss_max = 1460;
	scfg.tcp.rcv_buf = 16384;
	scfg.tcp.header_timeout_ns = 10 * XST_NS_PER_SEC;
	scfg.tcp.idle_timeout_ns = 60 * XST_NS_PER_SEC;
	scfg.tcp.time_wait_ns = 2 * XST_NS_PER_SEC;
	scfg.tcp.time_wait_max = max_conns / 4 ? max_conns / 4 : 1;
	ck_assert_int_eq(xst_http_serve_create(&h->srv, &scfg, &h->w->timers, h->now), 0);
	ck_assert_int_ge(xst_worker_add_service(h->w, &xst_http_serve_ops, h->srv, &rule, 1), 0);
	return h;
}

static struct harness *up(void)
{
	return up_cfg(64, XST_TCP_COOKIES_AUTO);
}

static void census_ok(struct harness *h)
{
	struct xst_io_census c;

	REQUIRE(xst_io_census(h->io, &c) == 0, "frame census failed");
}

static void down(struct harness *h)
{
	struct xst_http_prepared *p = xst_rcu_deref(&h->prep);

	census_ok(h);
	xst_http_serve_destroy(h->srv);	/* its timers are on the worker's wheel */
	xst_worker_destroy(h->w);
	ck_assert_int_eq(xst_http_site_in_use(p->site), 0);
	xst_http_prepared_free(p);
	xst_io_destroy(h->io);
	free(h);
}

/* The full TCP checksum over the pseudo header and the segment: 0xffff when valid. */
static uint32_t ref_tcp_sum(const uint8_t *ip, int v6, const uint8_t *tcp, uint32_t l4len)
{
	return ref_csum_l4(ip, v6, XST_IPPROTO_TCP, tcp, l4len);
}

/* TX drain: every frame parsed and checked as a receiver would, then recorded. */
static void take(void *arg, const uint8_t *f, uint32_t len)
{
	struct harness *h = arg;
	struct xst_tcp_seg s;
	struct xst_pkt p;
	struct seg *r;
	const uint8_t *ip;
	int v6;

	REQUIRE(xst_net_parse(f, len, &p) == XST_NET_OK, "emitted frame does not parse");
	REQUIRE(p.l4_proto == XST_IPPROTO_TCP, "emitted frame is not TCP");
	REQUIRE(xst_tcp_parse(f, &p, &s) == XST_NET_OK, "emitted TCP header does not parse");
	REQUIRE(!memcmp(f, MAC_C, 6) && !memcmp(f + 6, MAC_S, 6), "emitted frame: MACs");
	ip = f + p.l3_off;
	v6 = p.l3_proto == XST_ETH_P_IPV6;
	if (v6) {
		REQUIRE(!memcmp(ip + 8, IP6_S, 16) && !memcmp(ip + 24, IP6_C, 16), "IPv6 addresses");
		REQUIRE(xst_get_be16(ip + 4) == p.l4_len && (uint32_t)p.l3_off + 40 + p.l4_len == len,
			"IPv6 payload length");
	} else {
		REQUIRE(ref_csum_sum(ip, 20, 0) == 0xffff, "IPv4 header checksum");
		REQUIRE(!memcmp(ip + 12, IP4_S, 4) && !memcmp(ip + 16, IP4_C, 4), "IPv4 addresses");
		REQUIRE(xst_get_be16(ip + 2) == 20 + p.l4_len && (uint32_t)p.l3_off + 20 + p.l4_len == len,
			"IPv4 total length");
	}
	REQUIRE(ref_tcp_sum(ip, v6, f + p.l4_off, p.l4_len) == 0xffff, "TCP checksum (len %u)",
		s.len);
	REQUIRE(s.sport == 80, "source port %u", s.sport);
	REQUIRE(s.len <= PAY_MAX, "payload of %u bytes", s.len);
	REQUIRE(h->nout < OUT_MAX, "more than %d segments in one step", OUT_MAX);
	r = &h->out[h->nout++];
	r->seq = s.seq;
	r->ack = s.ack;
	r->len = s.len;
	r->win = s.win;
	r->mss = s.mss;
	r->flags = s.flags;
	r->cport = s.dport;
	r->v6 = (uint8_t)v6;
	memcpy(r->data, s.data, s.len);
	h->frames++;
	if (len > h->max_frame)
		h->max_frame = len;
}

/* One worker iteration dt ns later; what it sent is in h->out. */
static void step_dt(struct harness *h, uint64_t dt)
{
	h->nout = 0;
	h->now += dt;
	xst_worker_poll(h->w, h->now);
	xst_io_mem_drain_tx(h->io, 0, take, h);
	census_ok(h);
}

static void step(struct harness *h)
{
	step_dt(h, XST_NS_PER_MS);
}

static const struct xst_http_serve_stats *stats(struct harness *h)
{
	step_dt(h, 0);	/* the TCP counters are copied at the start of an iteration */
	return xst_http_serve_stats(h->srv);
}

/* ---- the client ------------------------------------------------------------------------ */

struct client {
	struct harness *h;
	struct xst_tcp_flow fl;	/* of the client's frames: source = the client */
	int v6;
	uint16_t port;
	uint16_t mss;		/* announced in the SYN */
	uint16_t win;
	uint32_t snd_nxt;	/* the client's next sequence number */
	uint32_t irs;		/* the server's ISS */
	uint32_t rcv_nxt;	/* next server byte expected */
	int synack, fin, rst;
	uint16_t srv_mss;
	uint32_t max_len;	/* longest segment received */
	uint32_t data_segs;	/* data segments received (retransmissions included) */
	uint32_t drop_nth;	/* drop the nth data segment seen (1-based; 0: none) */
	uint32_t dropped_seq;	/* its sequence number, once dropped */
	int no_ack;		/* receive without ACKing */
	int no_ooo;		/* drop out-of-order segments (default: keep them) */
	uint32_t nooo;		/* out-of-order segments kept */
	struct {
		uint32_t seq, len;
		uint8_t fin;
		uint8_t data[PAY_MAX];
	} *ooo;
	const char *pending;	/* request sent with the handshake's ACK */
	uint8_t *stream;	/* server bytes in order */
	size_t slen, scap, rd;	/* rd: parse position of the next response */
};

static void cli_init(struct client *c, struct harness *h, int v6, uint16_t port)
{
	static const uint8_t eth[12] = { 0x02, 0x66, 0x77, 0x88, 0x99, 0xaa,
					 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	memset(c, 0, sizeof(*c));
	c->h = h;
	c->v6 = v6;
	c->port = port;
	c->mss = v6 ? 1440 : 1460;
	c->win = 65535;
	memcpy(c->fl.eth, eth, 12);
	c->fl.v6 = (uint8_t)v6;
	memcpy(c->fl.saddr, v6 ? IP6_C : IP4_C, v6 ? 16 : 4);
	memcpy(c->fl.daddr, v6 ? IP6_S : IP4_S, v6 ? 16 : 4);
	c->fl.sport = xst_htobe16(port);
	c->fl.dport = xst_htobe16(80);
	c->snd_nxt = 0x10000000u + (uint32_t)port * 7919u;
	c->scap = 1 << 16;
	c->stream = malloc(c->scap);
	c->ooo = calloc(OOO_MAX, sizeof(*c->ooo));
	ck_assert_ptr_nonnull(c->stream);
	ck_assert_ptr_nonnull(c->ooo);
}

static void cli_fini(struct client *c)
{
	free(c->stream);
	free(c->ooo);
	c->stream = NULL;
	c->ooo = NULL;
}

/* Inject one client segment (not run until the next step). */
static void cli_send(struct client *c, uint8_t flags, const void *data, uint32_t len)
{
	static const uint8_t mss_opt[4] = { XST_TCP_OPT_MSS, 4 };
	uint8_t frame[2048], opts[4];
	uint32_t optlen = flags & XST_TCP_SYN ? 4 : 0, n;

	memcpy(opts, mss_opt, 4);
	xst_put_be16(opts + 2, c->mss);
	ck_assert_uint_le(len, 1460);
	if (len)
		memcpy(frame + xst_tcp_payload_off(&c->fl, optlen), data, len);
	n = xst_tcp_build(frame, &c->fl, c->snd_nxt, flags & XST_TCP_ACK ? c->rcv_nxt : 0, flags,
			  c->win, opts, optlen, len);
	REQUIRE(xst_io_mem_inject(c->h->io, frame, n) == 0, "inject");
	c->snd_nxt += len + (flags & XST_TCP_SYN ? 1 : 0) + (flags & XST_TCP_FIN ? 1 : 0);
}

static void cli_ack(struct client *c)
{
	cli_send(c, XST_TCP_ACK, NULL, 0);
}

/* Request bytes in segments of at most seg bytes (no step between them). */
static void cli_write(struct client *c, const char *req, size_t len, uint32_t seg)
{
	size_t off = 0;

	while (off < len) {
		uint32_t n = len - off < seg ? (uint32_t)(len - off) : seg;

		cli_send(c, XST_TCP_ACK | XST_TCP_PSH, req + off, n);
		off += n;
	}
}

static void append(struct client *c, const uint8_t *p, uint32_t n)
{
	if (c->slen + n > c->scap) {
		while (c->slen + n > c->scap)
			c->scap *= 2;
		c->stream = realloc(c->stream, c->scap);
		ck_assert_ptr_nonnull(c->stream);
	}
	memcpy(c->stream + c->slen, p, n);
	c->slen += n;
}

/*
 * Bytes [seq, seq + len) at or before rcv_nxt: what is old must equal what
 * was received before (a retransmission sends the same bytes), the rest is
 * appended.
 */
static void take_bytes(struct client *c, uint32_t seq, const uint8_t *data, uint32_t len, int fin)
{
	uint32_t back = c->rcv_nxt - seq, k = back < len ? back : len;

	if (c->fin)
		return;
	REQUIRE(back <= c->slen, "segment before the stream's start");
	REQUIRE(!memcmp(c->stream + c->slen - back, data, k), "retransmitted bytes differ");
	if (back > len || (back == len && !fin))
		return;
	append(c, data + back, len - back);
	c->rcv_nxt += len - back;
	if (fin) {
		c->fin = 1;
		c->rcv_nxt++;
	}
}

/* Out-of-order segments the hole's filling made in order. */
static void pull_ooo(struct client *c)
{
	uint32_t i;
	int again = 1;

	while (again) {
		again = 0;
		for (i = 0; i < c->nooo; i++) {
			if (xst_seq_lt(c->rcv_nxt, c->ooo[i].seq))
				continue;
			take_bytes(c, c->ooo[i].seq, c->ooo[i].data, c->ooo[i].len, c->ooo[i].fin);
			c->ooo[i] = c->ooo[--c->nooo];
			again = 1;
			break;
		}
	}
}

/*
 * Take this client's segments of the last step: the SYN-ACK, in-order data
 * (out-of-order and old data are dropped), FIN, RST. Every data segment
 * (kept or not) is answered by a cumulative ACK, so the server is
 * ACK-clocked and sees duplicate ACKs after a loss. Returns the segments.
 */
static uint32_t cli_absorb(struct client *c)
{
	struct harness *h = c->h;
	uint32_t i, n = 0;

	for (i = 0; i < h->nout; i++) {
		const struct seg *s = &h->out[i];

		if (s->cport != c->port)
			continue;
		n++;
		REQUIRE(s->v6 == c->v6, "segment of the wrong family");
		if (s->flags & XST_TCP_RST) {
			c->rst = 1;
			continue;
		}
		if ((s->flags & XST_TCP_SYN) && (s->flags & XST_TCP_ACK)) {
			REQUIRE(s->ack == c->snd_nxt, "SYN-ACK acks %u, not %u", s->ack, c->snd_nxt);
			c->synack = 1;
			c->irs = s->seq;
			c->rcv_nxt = s->seq + 1;
			c->srv_mss = s->mss;
			cli_ack(c);
			if (c->pending)
				cli_write(c, c->pending, strlen(c->pending), 1000);
			c->pending = NULL;
			continue;
		}
		REQUIRE(s->flags & XST_TCP_ACK, "segment without ACK");
		if (s->len) {
			c->data_segs++;
			if (s->len > c->max_len)
				c->max_len = s->len;
			REQUIRE(s->len <= c->mss, "segment of %u bytes over the MSS %u", s->len, c->mss);
			if (c->drop_nth && c->data_segs == c->drop_nth) {
				c->dropped_seq = s->seq;
				continue;	/* lost on the way */
			}
		}
		if (xst_seq_lt(c->rcv_nxt, s->seq)) {	/* beyond a hole */
			if (!c->no_ooo && s->len && c->nooo < OOO_MAX) {
				c->ooo[c->nooo].seq = s->seq;
				c->ooo[c->nooo].len = s->len;
				c->ooo[c->nooo].fin = s->flags & XST_TCP_FIN;
				memcpy(c->ooo[c->nooo].data, s->data, s->len);
				c->nooo++;
			}
		} else {
			take_bytes(c, s->seq, s->data, s->len, s->flags & XST_TCP_FIN);
			pull_ooo(c);
		}
		if ((s->len || (s->flags & XST_TCP_FIN)) && !c->no_ack)
			cli_ack(c);
	}
	return n;
}

/* Steps until the client gets nothing more (bounded). */
static void cli_run(struct client *c)
{
	int i, idle = 0;

	for (i = 0; i < 20000 && idle < 3; i++) {
		step(c->h);
		idle = cli_absorb(c) ? 0 : idle + 1;
	}
	REQUIRE(idle >= 3, "the exchange did not settle");
}

/* Several clients stepped together until none gets anything. */
static void run_all(struct client **cs, int n)
{
	int i, k, idle = 0;

	for (i = 0; i < 20000 && idle < 3; i++) {
		uint32_t got = 0;

		step(cs[0]->h);
		for (k = 0; k < n; k++)
			got += cli_absorb(cs[k]);
		idle = got ? 0 : idle + 1;
	}
	REQUIRE(idle >= 3, "the exchange did not settle");
}

static void cli_connect(struct client *c)
{
	cli_send(c, XST_TCP_SYN, NULL, 0);
	step(c->h);
	cli_absorb(c);
	ck_assert_msg(c->synack, "no SYN-ACK");
	if (c->h->srv)	/* our harness's mss_max (the daemon's comes from the MTU), less
			 * IPv6's longer header */
		ck_assert_uint_eq(c->srv_mss, c->v6 ? 1440 : 1460);
	step(c->h);
	cli_absorb(c);
	ck_assert(!c->rst);
}

static void cli_req(struct client *c, const char *req)
{
	cli_write(c, req, strlen(req), 1000);
}

/* ---- responses ------------------------------------------------------------------------ */

#define HDRS_MAX 24

struct resp {
	int status;
	char version[16];
	struct {
		char name[48];
		char value[256];
	} h[HDRS_MAX];
	int nh;
	const uint8_t *body;
	size_t blen;
};

static const char *hdr(const struct resp *r, const char *name)
{
	int i;

	for (i = 0; i < r->nh; i++)
		if (!strcasecmp(r->h[i].name, name))
			return r->h[i].value;
	return NULL;
}

/*
 * The next response in c's stream (head: no body follows). Fails the test
 * if it is not complete; advances c->rd past it.
 */
static void next_resp(struct client *c, struct resp *r, int head)
{
	const char *s = (const char *)c->stream + c->rd;
	size_t left = c->slen - c->rd, hl, i;
	const char *end = memmem(s, left, "\r\n\r\n", 4), *line, *cl;
	uint64_t blen = 0;

	memset(r, 0, sizeof(*r));
	ck_assert_msg(end, "no complete response header (%zu bytes in the stream)", left);
	hl = (size_t)(end - s) + 4;
	ck_assert_msg(sscanf(s, "%15s %d", r->version, &r->status) == 2, "status line");
	ck_assert_str_eq(r->version, "HTTP/1.1");
	line = (const char *)memchr(s, '\n', hl) + 1;
	while (line < end + 2) {
		const char *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
		const char *colon = memchr(line, ':', (size_t)(eol - line));
		size_t nl, vl;

		ck_assert_ptr_nonnull(colon);
		ck_assert_int_lt(r->nh, HDRS_MAX);
		nl = (size_t)(colon - line);
		colon++;
		while (*colon == ' ')
			colon++;
		vl = (size_t)(eol - colon);
		while (vl && colon[vl - 1] == ' ')	/* trailing OWS (the padded "close") */
			vl--;
		ck_assert_uint_lt(nl, sizeof(r->h[0].name));
		ck_assert_uint_lt(vl, sizeof(r->h[0].value));
		memcpy(r->h[r->nh].name, line, nl);
		memcpy(r->h[r->nh].value, colon, vl);
		r->nh++;
		line = eol + 2;
	}
	for (i = 0; i + 1 < hl; i++)
		ck_assert_msg(s[i] != '\n' || (i && s[i - 1] == '\r'), "bare LF in the header");
	cl = hdr(r, "Content-Length");
	if (r->status != 304)
		ck_assert_msg(cl, "no Content-Length (status %d)", r->status);
	if (cl && !head && r->status != 304)
		blen = strtoull(cl, NULL, 10);
	ck_assert_msg(left - hl >= blen, "body: %zu of %llu bytes", left - hl,
		      (unsigned long long)blen);
	r->body = (const uint8_t *)s + hl;
	r->blen = (size_t)blen;
	c->rd += hl + (size_t)blen;
}

/* A whole response (with a Content-Length body) is in the stream at rd. */
static int resp_complete(const struct client *c)
{
	const char *s = (const char *)c->stream + c->rd, *end, *cl;
	size_t left = c->slen - c->rd;

	end = memmem(s, left, "\r\n\r\n", 4);
	if (!end)
		return 0;
	cl = memmem(s, (size_t)(end - s), "Content-Length: ", 16);
	return cl && left - (size_t)(end + 4 - s) >= strtoull(cl + 16, NULL, 10);
}

/* Nothing in the stream after the responses parsed so far. */
static void stream_done(struct client *c)
{
	ck_assert_uint_eq(c->rd, c->slen);
}

/* A fixed expected body: the size's file of generation gen. */
static void body_is_file(const struct resp *r, size_t size, size_t first, size_t n, int gen)
{
	size_t i;

	ck_assert_uint_eq(r->blen, n);
	for (i = 0; i < n; i++)
		REQUIRE(r->body[i] == content(size, first + i, gen), "body byte %zu differs", i);
}

/* An IMF-fixdate within a few seconds of now (the test's worker clock may
 * lag real time a little: the Date is refreshed by the worker's clock). */
static time_t date_ok(const struct resp *r)
{
	const char *d = hdr(r, "Date");
	struct tm tm;
	const char *e;
	time_t t, now = time(NULL);
	char back[64];

	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(strlen(d), 29);
	memset(&tm, 0, sizeof(tm));
	e = strptime(d, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	ck_assert_msg(e && !*e, "Date '%s' is not an IMF-fixdate", d);
	t = timegm(&tm);
	ck_assert_msg(t >= now - 10 && t <= now + 1, "Date '%s' is not now", d);
	/* the canonical form: day name right, two-digit day, English month */
	strftime(back, sizeof(back), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	ck_assert_str_eq(back, d);
	return t;
}

/* GET (or another request) on a fresh connection: the client's stream holds the answer. */
static void fetch(struct harness *h, struct client *c, int v6, uint16_t port, const char *req)
{
	cli_init(c, h, v6, port);
	cli_connect(c);
	cli_req(c, req);
	cli_run(c);
}

static void get_simple(struct harness *h, int v6, uint16_t port, const char *req, int status,
		       struct client *c, struct resp *r)
{
	fetch(h, c, v6, port, req);
	next_resp(c, r, !strncmp(req, "HEAD", 4));
	ck_assert_int_eq(r->status, status);
}

/* ---- tests ------------------------------------------------------------------------------ */

/* Every size over IPv4 and IPv6 at the prepared MSS: whole files, valid frames. */
static void sizes_family(int v6, uint16_t mss)
{
	struct harness *h = up();
	size_t i;

	for (i = 0; i < NR_SIZES; i++) {
		struct client c;
		struct resp r;
		char req[128];
		char cl[32];

		snprintf(req, sizeof(req), "GET /s%zu.bin HTTP/1.1\r\nHost: t\r\n\r\n", sizes[i]);
		cli_init(&c, h, v6, (uint16_t)(40000 + i));
		c.mss = mss;
		cli_connect(&c);
		cli_req(&c, req);
		cli_run(&c);
		next_resp(&c, &r, 0);
		ck_assert_int_eq(r.status, 200);
		snprintf(cl, sizeof(cl), "%zu", sizes[i]);
		ck_assert_str_eq(hdr(&r, "Content-Length"), cl);
		ck_assert_str_eq(hdr(&r, "Content-Type"), "application/octet-stream");
		ck_assert_str_eq(hdr(&r, "Connection"), "keep-alive");
		ck_assert_ptr_nonnull(hdr(&r, "ETag"));
		ck_assert_ptr_nonnull(hdr(&r, "Last-Modified"));
		date_ok(&r);
		body_is_file(&r, sizes[i], 0, sizes[i], 0);
		stream_done(&c);
		ck_assert(!c.fin && !c.rst);
		ck_assert_uint_le(c.max_len, mss);
		if (sizes[i] >= 100000)	/* full-sized segments were used */
			ck_assert_uint_eq(c.max_len, mss < 1440 ? mss : (v6 ? 1440 : 1460));
		cli_fini(&c);
	}
	ck_assert_uint_le(h->max_frame, 1514);
	if (mss >= (v6 ? 1440 : 1460))
		ck_assert_uint_gt(stats(h)->segs_prepared, 0);
	else
		ck_assert_uint_gt(stats(h)->segs_built, 0);
	ck_assert_uint_eq(stats(h)->status_200, NR_SIZES);
	down(h);
}

START_TEST(sizes_v4) { sizes_family(0, 1460); }
END_TEST

START_TEST(sizes_v6) { sizes_family(1, 1440); }
END_TEST

/* A client MSS of 536: the slow path gives the same bytes, in small segments. */
START_TEST(sizes_mss536_v4) { sizes_family(0, 536); }
END_TEST

START_TEST(sizes_mss536_v6) { sizes_family(1, 536); }
END_TEST

START_TEST(head_request)
{
	struct harness *h = up();
	struct client c;
	struct resp r;

	get_simple(h, _i, 40100, "HEAD /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n", 200, &c, &r);
	ck_assert_str_eq(hdr(&r, "Content-Length"), "100000");
	ck_assert_uint_eq(r.blen, 0);
	stream_done(&c);	/* no body after a HEAD response */
	ck_assert_uint_eq(stats(h)->head, 1);
	cli_fini(&c);
	down(h);
}
END_TEST

START_TEST(not_modified)
{
	struct harness *h = up();
	struct client c;
	struct resp r;
	char etag[128], lm[64], req[512];

	get_simple(h, 0, 40110, "GET /s1461.bin HTTP/1.1\r\nHost: t\r\n\r\n", 200, &c, &r);
	snprintf(etag, sizeof(etag), "%s", hdr(&r, "ETag"));
	snprintf(lm, sizeof(lm), "%s", hdr(&r, "Last-Modified"));
	/* If-None-Match, then If-Modified-Since, then a mismatching etag, same connection */
	snprintf(req, sizeof(req), "GET /s1461.bin HTTP/1.1\r\nHost: t\r\nIf-None-Match: %s\r\n\r\n",
		 etag);
	cli_req(&c, req);
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 304);
	ck_assert_str_eq(hdr(&r, "ETag"), etag);
	ck_assert_ptr_null(hdr(&r, "Content-Length"));
	date_ok(&r);
	snprintf(req, sizeof(req),
		 "GET /s1461.bin HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: %s\r\n\r\n", lm);
	cli_req(&c, req);
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 304);
	/* If-None-Match decides over If-Modified-Since */
	snprintf(req, sizeof(req),
		 "GET /s1461.bin HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"nope\"\r\n"
		 "If-Modified-Since: %s\r\n\r\n", lm);
	cli_req(&c, req);
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 1461, 0, 1461, 0);
	/* modified since an older date */
	cli_req(&c, "GET /s1461.bin HTTP/1.1\r\nHost: t\r\n"
		    "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n");
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	stream_done(&c);
	ck_assert_uint_eq(stats(h)->status_304, 2);
	cli_fini(&c);
	down(h);
}
END_TEST

static void range_case(struct harness *h, int v6, uint16_t port, const char *range, int status,
		       const char *crange, size_t first, size_t n)
{
	struct client c;
	struct resp r;
	char req[256];

	snprintf(req, sizeof(req), "GET /s100000.bin HTTP/1.1\r\nHost: t\r\nRange: %s\r\n\r\n",
		 range);
	get_simple(h, v6, port, req, status, &c, &r);
	ck_assert_str_eq(hdr(&r, "Content-Range"), crange);
	date_ok(&r);
	if (status == 206)
		body_is_file(&r, 100000, first, n, 0);
	else
		ck_assert_str_eq(hdr(&r, "Content-Type"), "text/html");
	stream_done(&c);
	ck_assert(!c.rst);
	cli_fini(&c);
}

START_TEST(ranges)
{
	struct harness *h = up();

	range_case(h, _i, 40120, "bytes=10-19", 206, "bytes 10-19/100000", 10, 10);
	range_case(h, _i, 40121, "bytes=1000-60000", 206, "bytes 1000-60000/100000", 1000, 59001);
	range_case(h, _i, 40122, "bytes=99990-", 206, "bytes 99990-99999/100000", 99990, 10);
	range_case(h, _i, 40123, "bytes=-5", 206, "bytes 99995-99999/100000", 99995, 5);
	range_case(h, _i, 40124, "bytes=0-", 206, "bytes 0-99999/100000", 0, 100000);
	range_case(h, _i, 40125, "bytes=100000-", 416, "bytes */100000", 0, 0);
	range_case(h, _i, 40126, "bytes=500-400", 416, "bytes */100000", 0, 0);
	ck_assert_uint_eq(stats(h)->status_206, 5);
	down(h);
}
END_TEST

START_TEST(redirect_forbidden_notfound)
{
	struct harness *h = up();
	struct client c;
	struct resp r;

	get_simple(h, _i, 40130, "GET /sub HTTP/1.1\r\nHost: t\r\n\r\n", 301, &c, &r);
	ck_assert_str_eq(hdr(&r, "Location"), "/sub/");
	cli_fini(&c);
	get_simple(h, _i, 40131, "GET /sub/ HTTP/1.1\r\nHost: t\r\n\r\n", 200, &c, &r);
	ck_assert_uint_eq(r.blen, strlen(SUB_INDEX));
	ck_assert(!memcmp(r.body, SUB_INDEX, r.blen));
	ck_assert_str_eq(hdr(&r, "Content-Type"), "text/html");
	cli_fini(&c);
	get_simple(h, _i, 40132, "GET / HTTP/1.1\r\nHost: t\r\n\r\n", 200, &c, &r);
	ck_assert(r.blen == strlen(INDEX) && !memcmp(r.body, INDEX, r.blen));
	cli_fini(&c);
	get_simple(h, _i, 40133, "GET /noindex/ HTTP/1.1\r\nHost: t\r\n\r\n", 403, &c, &r);
	ck_assert_str_eq(hdr(&r, "Content-Type"), "text/html");
	/* the connection stays usable after an error that is not a parse error */
	cli_req(&c, "GET /noindex/a.txt HTTP/1.1\r\nHost: t\r\n\r\n");
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert(r.blen == 2 && !memcmp(r.body, "a\n", 2));
	cli_fini(&c);
	get_simple(h, _i, 40134, "GET /nope.html HTTP/1.1\r\nHost: t\r\n\r\n", 404, &c, &r);
	date_ok(&r);
	ck_assert_str_eq(hdr(&r, "Connection"), "keep-alive");
	stream_done(&c);
	cli_fini(&c);
	/* above the root: refused (url.h), never clamped */
	get_simple(h, _i, 40135, "GET /../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n", 400, &c, &r);
	cli_fini(&c);
	get_simple(h, _i, 40136, "GET /%2e%2e/x HTTP/1.1\r\nHost: t\r\n\r\n", 400, &c, &r);
	cli_fini(&c);
	get_simple(h, _i, 40137, "GET /sub/%2e%2e/s1.bin?x=1 HTTP/1.1\r\nHost: t\r\n\r\n", 200,
		   &c, &r);
	body_is_file(&r, 1, 0, 1, 0);
	cli_fini(&c);
	down(h);
}
END_TEST

START_TEST(method_not_allowed)
{
	struct harness *h = up();
	struct client c;
	struct resp r;
	const char *allow;

	get_simple(h, _i, 40140, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc", 405,
		   &c, &r);
	allow = hdr(&r, "Allow");
	ck_assert_ptr_nonnull(allow);
	ck_assert_ptr_nonnull(strstr(allow, "GET"));
	ck_assert_ptr_nonnull(strstr(allow, "HEAD"));
	stream_done(&c);
	cli_fini(&c);
	down(h);
}
END_TEST

/* A malformed request: status, Connection: close, FIN after the response. */
static void bad_case(struct harness *h, uint16_t port, const char *req, size_t len, int status)
{
	struct client c;
	struct resp r;

	if (!len)
		len = strlen(req);
	cli_init(&c, h, 0, port);
	cli_connect(&c);
	cli_write(&c, req, len, 1400);
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, status);
	ck_assert_str_eq(hdr(&r, "Connection"), "close");
	ck_assert_str_eq(hdr(&r, "Content-Type"), "text/html");
	date_ok(&r);
	ck_assert_msg(c.fin, "no FIN after a %d", status);
	stream_done(&c);
	cli_fini(&c);
}

START_TEST(bad_requests)
{
	struct harness *h = up();
	char *big = malloc(20000);
	size_t n;

	ck_assert_ptr_nonnull(big);
	bad_case(h, 40150, "GARBAGE\r\n\r\n", 0, 400);
	bad_case(h, 40151, "GET / HTTP/1.1\r\n\r\n", 0, 400);	/* no Host */
	bad_case(h, 40152, "GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n", 0, 400);
	bad_case(h, 40153, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11, 400); /* TLS */
	n = (size_t)sprintf(big, "GET /");
	memset(big + n, 'a', 9000);
	n += 9000;
	n += (size_t)sprintf(big + n, " HTTP/1.1\r\nHost: t\r\n\r\n");
	bad_case(h, 40154, big, n, 414);
	n = (size_t)sprintf(big, "GET / HTTP/1.1\r\nHost: t\r\nX-Big: ");
	memset(big + n, 'b', 9000);
	n += 9000;
	n += (size_t)sprintf(big + n, "\r\n\r\n");
	bad_case(h, 40155, big, n, 431);
	bad_case(h, 40156, "GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
		 501);
	ck_assert_uint_eq(stats(h)->bad_requests, 7);
	free(big);
	down(h);
}
END_TEST

START_TEST(keep_alive_two)
{
	struct harness *h = up();
	struct client c;
	struct resp r;

	get_simple(h, _i, 40160, "GET /s1460.bin HTTP/1.1\r\nHost: t\r\n\r\n", 200, &c, &r);
	body_is_file(&r, 1460, 0, 1460, 0);
	cli_req(&c, "GET /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 100000, 0, 100000, 0);
	stream_done(&c);
	ck_assert(!c.fin && !c.rst);
	ck_assert_uint_eq(stats(h)->tcp.established, 1);
	cli_fini(&c);
	down(h);
}
END_TEST

START_TEST(pipelined)
{
	static const char req[] = "GET /s1459.bin HTTP/1.1\r\nHost: t\r\n\r\n"
				  "HEAD /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n"
				  "GET /s1.bin HTTP/1.1\r\nHost: t\r\n\r\n";
	struct harness *h = up();
	struct client c;
	struct resp r;

	cli_init(&c, h, _i, 40170);
	cli_connect(&c);
	cli_send(&c, XST_TCP_ACK | XST_TCP_PSH, req, sizeof(req) - 1);	/* one segment */
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 1459, 0, 1459, 0);
	next_resp(&c, &r, 1);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(hdr(&r, "Content-Length"), "100000");
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 1, 0, 1, 0);
	stream_done(&c);
	cli_fini(&c);
	down(h);
}
END_TEST

/* More pipelined requests than the response queue holds: all answered, in order. */
START_TEST(pipelined_many)
{
	struct harness *h = up();
	struct client c;
	struct resp r;
	char req[1400];
	size_t n = 0;
	int i;

	for (i = 0; i < 20; i++)
		n += (size_t)sprintf(req + n, "GET /s%zu.bin HTTP/1.1\r\nHost: t\r\n\r\n",
				     sizes[i % 5]);
	cli_init(&c, h, 0, 40175);
	cli_connect(&c);
	cli_send(&c, XST_TCP_ACK | XST_TCP_PSH, req, (uint32_t)n);
	cli_run(&c);
	for (i = 0; i < 20; i++) {
		next_resp(&c, &r, 0);
		ck_assert_int_eq(r.status, 200);
		body_is_file(&r, sizes[i % 5], 0, sizes[i % 5], 0);
	}
	stream_done(&c);
	cli_fini(&c);
	down(h);
}
END_TEST

/* Requests beyond the response queue's room and the client's FIN in one
 * segment (a half-close after a pipelined burst): every request is answered
 * in order, then the server's FIN. */
START_TEST(pipelined_many_fin)
{
	struct harness *h = up();
	struct client c;
	struct resp r;
	char req[1400];
	size_t n = 0;
	int i;

	for (i = 0; i < 20; i++)
		n += (size_t)sprintf(req + n, "GET /s%zu.bin HTTP/1.1\r\nHost: t\r\n\r\n",
				     sizes[i % 5]);
	cli_init(&c, h, 0, 40176);
	cli_connect(&c);
	cli_send(&c, XST_TCP_ACK | XST_TCP_PSH | XST_TCP_FIN, req, (uint32_t)n);
	cli_run(&c);
	for (i = 0; i < 20; i++) {
		next_resp(&c, &r, 0);
		ck_assert_int_eq(r.status, 200);
		body_is_file(&r, sizes[i % 5], 0, sizes[i % 5], 0);
	}
	stream_done(&c);
	ck_assert_msg(c.fin, "no FIN after the half-closed client's requests");
	cli_fini(&c);
	down(h);
}
END_TEST

/* A client that takes nothing more (a zero window it never opens, and no
 * ACK of the probes) is reset once no new data was acknowledged for the
 * idle timeout (60 s in this harness), not kept for ever. */
START_TEST(send_timeout)
{
	struct harness *h = up();
	struct client c;
	int i;

	cli_init(&c, h, _i, 40190);
	cli_connect(&c);
	c.win = 0;
	cli_req(&c, "GET /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	c.no_ack = 1;
	for (i = 0; i < 70 && !c.rst; i++) {
		step_dt(h, XST_NS_PER_SEC);
		cli_absorb(&c);
	}
	ck_assert_msg(c.rst, "no RST for a client that takes nothing");
	ck_assert_uint_ge(i, 55);	/* not before the timeout */
	ck_assert_uint_eq(stats(h)->tcp.timeouts_send, 1);
	step(h);
	ck_assert_uint_eq(stats(h)->tcp.conns, 0);
	cli_fini(&c);
	down(h);
}
END_TEST

START_TEST(connection_close)
{
	struct harness *h = up();
	struct client c;
	struct resp r;

	get_simple(h, _i, 40180,
		   "GET /s100000.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 200, &c, &r);
	ck_assert_str_eq(hdr(&r, "Connection"), "close");
	body_is_file(&r, 100000, 0, 100000, 0);
	ck_assert_msg(c.fin, "no FIN after Connection: close");
	stream_done(&c);
	/* the client closes too: the server ends in TIME_WAIT, then frees the slot */
	cli_send(&c, XST_TCP_ACK | XST_TCP_FIN, NULL, 0);
	cli_run(&c);
	ck_assert(!c.rst);
	ck_assert_uint_eq(stats(h)->tcp.time_wait_now, 1);
	step_dt(h, 3 * XST_NS_PER_SEC);
	ck_assert_uint_eq(stats(h)->tcp.conns, 0);
	cli_fini(&c);
	down(h);
}
END_TEST

START_TEST(http10)
{
	struct harness *h = up();
	struct client c;
	struct resp r;

	get_simple(h, _i, 40190, "GET /s1461.bin HTTP/1.0\r\n\r\n", 200, &c, &r);
	ck_assert_str_eq(hdr(&r, "Connection"), "close");
	body_is_file(&r, 1461, 0, 1461, 0);
	ck_assert(c.fin);
	stream_done(&c);
	cli_fini(&c);
	/* HTTP/1.0 with keep-alive asked for stays open */
	get_simple(h, _i, 40191, "GET /s1.bin HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200, &c,
		   &r);
	ck_assert_str_eq(hdr(&r, "Connection"), "keep-alive");
	ck_assert(!c.fin);
	cli_fini(&c);
	down(h);
}
END_TEST

START_TEST(split_request)
{
	static const char *parts[] = { "GE", "T /s1461.bin HT", "TP/1.1\r\nHo", "st: t\r\n\r", "\n" };
	struct harness *h = up();
	struct client c;
	struct resp r;
	size_t i;

	cli_init(&c, h, _i, 40200);
	cli_connect(&c);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		ck_assert_uint_eq(c.slen, 0);	/* nothing before the request is complete */
		cli_send(&c, XST_TCP_ACK, parts[i], (uint32_t)strlen(parts[i]));
		step(h);
		cli_absorb(&c);
	}
	cli_run(&c);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 1461, 0, 1461, 0);
	stream_done(&c);
	cli_fini(&c);
	down(h);
}
END_TEST

/* The last segment of a response is lost: no duplicate ACK can come, the RTO resends it. */
START_TEST(loss_rto)
{
	struct harness *h = up();
	struct client c;
	struct resp r;
	uint64_t rto0;
	uint32_t segs;

	cli_init(&c, h, _i, 40210);
	cli_connect(&c);
	cli_req(&c, "GET /s1461.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	step(h);
	segs = h->nout;
	ck_assert_uint_eq(segs, 2);	/* header + 1461 bytes at MSS 1460/1440 */
	c.drop_nth = 2;
	cli_absorb(&c);
	ck_assert(c.dropped_seq);
	cli_run(&c);	/* nothing more comes until the timer */
	ck_assert(c.slen < 1461);
	rto0 = stats(h)->tcp.retransmits_rto;
	step_dt(h, 2 * XST_NS_PER_SEC);	/* past any RTO (at most 1 s initially) */
	ck_assert_uint_ge(h->nout, 1);
	ck_assert_uint_eq(h->out[0].seq, c.dropped_seq);
	cli_absorb(&c);
	cli_run(&c);
	ck_assert_uint_eq(stats(h)->tcp.retransmits_rto, rto0 + 1);
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 1461, 0, 1461, 0);
	stream_done(&c);
	cli_fini(&c);
	down(h);
}
END_TEST

/* A segment in the middle is lost: duplicate ACKs, fast retransmit, the same bytes. */
START_TEST(loss_fast)
{
	struct harness *h = up();
	struct client c;
	struct resp r;

	cli_init(&c, h, _i, 40220);
	cli_connect(&c);
	c.drop_nth = 5;
	cli_req(&c, "GET /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	cli_run(&c);
	ck_assert(c.dropped_seq);
	ck_assert_uint_ge(stats(h)->tcp.retransmits_fast, 1);
	ck_assert_uint_ge(stats(h)->tcp.dup_acks, 3);
	ck_assert_uint_eq(stats(h)->tcp.retransmits_rto, 0);	/* recovered without a timeout */
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 100000, 0, 100000, 0);
	stream_done(&c);
	cli_fini(&c);
	down(h);
}
END_TEST

/*
 * A receiver that discards out-of-order segments (allowed: RFC 9293 3.10.7.4
 * says "should" keep them): after the hole is filled the rest of the flight
 * is missing too; NewReno's partial ACKs and, failing those, the RTO must
 * still complete the transfer.
 */
START_TEST(loss_discarding_receiver)
{
	struct harness *h = up();
	struct client c;
	struct resp r;
	int rounds;

	cli_init(&c, h, _i, 40222);
	c.no_ooo = 1;
	cli_connect(&c);
	c.drop_nth = 5;
	cli_req(&c, "GET /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	cli_run(&c);
	for (rounds = 0; rounds < 30 && !resp_complete(&c); rounds++) {
		step_dt(h, XST_NS_PER_SEC);	/* idle: let the RTO fire */
		cli_absorb(&c);
		cli_run(&c);
	}
	next_resp(&c, &r, 0);
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 100000, 0, 100000, 0);
	stream_done(&c);
	cli_fini(&c);
	down(h);
}
END_TEST

/* A whole flight is lost (nothing ACKed): RTO, then the transfer completes. */
START_TEST(loss_flight)
{
	struct harness *h = up();
	struct client c;
	struct resp r;

	cli_init(&c, h, _i, 40225);
	cli_connect(&c);
	cli_req(&c, "GET /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	step(h);
	ck_assert_uint_eq(h->nout, 10);	/* IW10 */
	step_dt(h, 2 * XST_NS_PER_SEC);
	ck_assert_uint_eq(h->nout, 1);	/* one segment after an RTO (cwnd 1) */
	ck_assert_uint_eq(h->out[0].seq, c.rcv_nxt);
	cli_absorb(&c);
	cli_run(&c);
	next_resp(&c, &r, 0);
	body_is_file(&r, 100000, 0, 100000, 0);
	stream_done(&c);
	cli_fini(&c);
	down(h);
}
END_TEST

START_TEST(date_header)
{
	struct harness *h = up();
	struct client c;
	struct resp r;
	time_t t1, t2;

	get_simple(h, 0, 40230, "GET /s0.bin HTTP/1.1\r\nHost: t\r\n\r\n", 200, &c, &r);
	t1 = date_ok(&r);
	ck_assert_int_le(llabs((long long)(t1 - time(NULL))), 1);
	/* a second later on the same connection (real time): still right */
	sleep(1);
	cli_req(&c, "GET /s0.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	step_dt(h, XST_NS_PER_SEC);	/* the worker's clock passes the next second too */
	cli_absorb(&c);
	cli_run(&c);
	next_resp(&c, &r, 0);
	t2 = date_ok(&r);
	ck_assert_int_ge(t2, t1 + 1);	/* refreshed, not the first second's */
	ck_assert_int_le(llabs((long long)(t2 - time(NULL))), 1);
	cli_fini(&c);
	down(h);
}
END_TEST

/* SIGHUP-like: a new site published by RCU under a connection in flight. */
START_TEST(site_replace)
{
	struct harness *h = up();
	struct xst_http_prepared *old;
	struct client a, b;
	struct client *both[2] = { &a, &b };
	struct resp r;

	cli_init(&a, h, 0, 40240);
	cli_connect(&a);
	cli_req(&a, "GET /v.txt HTTP/1.1\r\nHost: t\r\n\r\n");
	step(h);
	cli_absorb(&a);	/* the first flight: ACKs injected, not yet run */
	ck_assert_uint_gt(a.slen, 0);

	xst_rcu_offline(&h->w->reader);	/* the worker is between iterations */
	old = xst_rcu_replace(&h->rcu, &h->prep, prepare(root2));
	ck_assert_int_gt(xst_http_site_in_use(old->site), 0);

	cli_init(&b, h, 0, 40241);	/* connects while a's ACKs are processed */
	b.pending = "GET /v.txt HTTP/1.1\r\nHost: t\r\n\r\n";
	cli_send(&b, XST_TCP_SYN, NULL, 0);
	run_all(both, 2);

	next_resp(&a, &r, 0);	/* the old connection: the old site's bytes, whole */
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 100000, 0, 100000, 0);
	next_resp(&b, &r, 0);	/* the new one: the new site */
	ck_assert_int_eq(r.status, 200);
	body_is_file(&r, 54321, 0, 54321, 1);

	/* the old connection asks again: still its own site (it holds it) */
	cli_req(&a, "GET /s1.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	cli_run(&a);
	next_resp(&a, &r, 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_gt(xst_http_site_in_use(old->site), 0);
	/* the new site has no s1.bin */
	cli_req(&b, "GET /s1.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	cli_run(&b);
	next_resp(&b, &r, 0);
	ck_assert_int_eq(r.status, 404);

	/* the old connection closes (client FIN, server FIN, last ACK) */
	cli_send(&a, XST_TCP_ACK | XST_TCP_FIN, NULL, 0);
	cli_run(&a);
	ck_assert(a.fin && !a.rst);
	ck_assert_int_eq(xst_http_site_in_use(old->site), 0);
	xst_http_prepared_free(old);
	cli_fini(&a);
	cli_fini(&b);
	down(h);
}
END_TEST

/* More connections than max_conns: the extra ones are refused, the others served. */
START_TEST(conn_flood)
{
	enum { MAX = 16, N = MAX + 8 };
	struct harness *h = up_cfg(MAX, XST_TCP_COOKIES_NEVER);
	struct client *cs = calloc(N, sizeof(*cs));
	struct client *ptrs[N];
	struct resp r;
	int i, refused = 0;

	ck_assert_ptr_nonnull(cs);
	for (i = 0; i < N; i++) {
		ptrs[i] = &cs[i];
		cli_init(&cs[i], h, i & 1, (uint16_t)(41000 + i));
		cli_send(&cs[i], XST_TCP_SYN, NULL, 0);
		step(h);
		cli_absorb(&cs[i]);
		if (!cs[i].synack) {
			ck_assert_msg(cs[i].rst, "a refused SYN gets a RST");
			refused++;
			continue;
		}
		step(h);
		cli_absorb(&cs[i]);
	}
	ck_assert_int_eq(refused, N - MAX);
	ck_assert_uint_eq(stats(h)->tcp.table_full, N - MAX);
	ck_assert_uint_eq(stats(h)->tcp.conns, MAX);
	/* every accepted connection is served */
	for (i = 0; i < N; i++)
		if (cs[i].synack)
			cli_req(&cs[i], "GET /s1461.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	run_all(ptrs, N);
	for (i = 0; i < N; i++) {
		if (!cs[i].synack)
			continue;
		next_resp(&cs[i], &r, 0);
		ck_assert_int_eq(r.status, 200);
		body_is_file(&r, 1461, 0, 1461, 0);
	}
	/* one closes (RST from the client): a new connection fits again */
	cli_send(&cs[0], XST_TCP_RST, NULL, 0);
	step(h);
	ck_assert_uint_eq(stats(h)->tcp.conns, MAX - 1);
	cli_fini(&cs[N - 1]);
	get_simple(h, 0, 42000, "GET /s1.bin HTTP/1.1\r\nHost: t\r\n\r\n", 200, &cs[N - 1], &r);
	for (i = 0; i < N; i++)
		cli_fini(&cs[i]);
	free(cs);
	down(h);
}
END_TEST

/*
 * The daemon's own hooks (daemon/svc_http.c), in teardown()'s order as of
 * glue 13d5b82: load, worker, a connection with a response in flight
 * (timers armed), a reload (SIGHUP) under it, then stop, destroy, and only
 * then the worker freed: the service's TCP cancels its connections' timers
 * on the worker's wheel (the order before, workers first, was a heap
 * use-after-free at exit with connections open; ASan catches it here).
 */
START_TEST(daemon_hooks)
{
	static struct xst_daemon d;	/* large */
	struct xst_io_cfg icfg = { .nr_frames = 2048, .frame_size = 4096, .mem_headroom = 256 };
	struct xst_worker_cfg wcfg = { 0 };
	struct harness *h = calloc(1, sizeof(*h));
	struct client c, c2;
	struct resp r;
	void *state = NULL;

	ck_assert_ptr_nonnull(h);
	memset(&d, 0, sizeof(d));
	d.cfg.iface = "lo";	/* (main.c's defaults are not linked here) */
	d.cfg.http.root = root;
	d.cfg.http.port = 80;
	d.cfg.http.max_conns = 64;
	d.cfg.http.header_timeout_ms = 10000;
	d.cfg.http.idle_timeout_ms = 60000;
	xst_rcu_init(&d.rcu);
	ck_assert_int_eq(xst_service_http.load(&d, &state), 0);
	ck_assert_int_eq(xst_io_mem_create(&h->io, &icfg), 0);
	wcfg.io = h->io;
	wcfg.rcu = &d.rcu;
	wcfg.stop = &d.stop;
	wcfg.cpu = -1;
	ck_assert_int_eq(xst_worker_create(&h->w, &wcfg), 0);
	h->now = xst_clock_ns();
	ck_assert_int_eq(xst_service_http.worker(&d, state, h->w, 0), 0);

	cli_init(&c, h, 0, 40300);
	c.mss = 1400;	/* lo's MTU gives a larger MSS: the client's decides */
	cli_connect(&c);
	cli_req(&c, "GET /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	step(h);
	cli_absorb(&c);
	ck_assert_uint_gt(c.slen, 0);
	xst_rcu_offline(&h->w->reader);
	ck_assert_int_eq(xst_service_http.reload(&d, state), 0);	/* the old site is held */
	cli_run(&c);
	next_resp(&c, &r, 0);
	body_is_file(&r, 100000, 0, 100000, 0);
	cli_init(&c2, h, 1, 40301);
	c2.mss = 1400;
	cli_connect(&c2);
	cli_req(&c2, "GET /s100000.bin HTTP/1.1\r\nHost: t\r\n\r\n");
	step(h);	/* in flight at exit */
	census_ok(h);

	if (xst_service_http.stop)
		xst_service_http.stop(&d, state);
	xst_service_http.destroy(&d, state);	/* the retired site too */
	xst_worker_destroy(h->w);
	xst_io_destroy(h->io);
	cli_fini(&c);
	cli_fini(&c2);
	free(h);
}
END_TEST

Suite *http_client_suite(void)
{
	Suite *s = suite_create("http_client");
	TCase *tc = tcase_create("serve");

	tcase_add_unchecked_fixture(tc, site_setup, site_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, sizes_v4);
	tcase_add_test(tc, sizes_v6);
	tcase_add_test(tc, sizes_mss536_v4);
	tcase_add_test(tc, sizes_mss536_v6);
	tcase_add_loop_test(tc, head_request, 0, 2);
	tcase_add_test(tc, not_modified);
	tcase_add_loop_test(tc, ranges, 0, 2);
	tcase_add_loop_test(tc, redirect_forbidden_notfound, 0, 2);
	tcase_add_loop_test(tc, method_not_allowed, 0, 2);
	tcase_add_test(tc, bad_requests);
	tcase_add_loop_test(tc, keep_alive_two, 0, 2);
	tcase_add_loop_test(tc, pipelined, 0, 2);
	tcase_add_test(tc, pipelined_many);
	tcase_add_test(tc, pipelined_many_fin);
	tcase_add_loop_test(tc, send_timeout, 0, 2);
	tcase_add_loop_test(tc, connection_close, 0, 2);
	tcase_add_loop_test(tc, http10, 0, 2);
	tcase_add_loop_test(tc, split_request, 0, 2);
	tcase_add_loop_test(tc, loss_rto, 0, 2);
	tcase_add_loop_test(tc, loss_fast, 0, 2);
	tcase_add_loop_test(tc, loss_discarding_receiver, 0, 2);
	tcase_add_loop_test(tc, loss_flight, 0, 2);
	tcase_add_test(tc, date_header);
	tcase_add_test(tc, site_replace);
	tcase_add_test(tc, conn_flood);
	tcase_add_test(tc, daemon_hooks);
	suite_add_tcase(s, tc);
	return s;
}
