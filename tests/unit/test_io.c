// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O layer over the in-memory backend (io/io.h), asserted from the
 * header's contract: the fill ring filled at create, the frame budget
 * checked with a reason that names the numbers, frame conservation over
 * thousands of echo iterations (xst_io_census() after every one), the TX
 * in-flight cap, fill-ring-empty and RX-ring-full accounting, allocation
 * limits, holders (hold, send, done once per completion, release idle and in
 * flight, max_held), unsent frames, misuse that is counted and never
 * corrupts the free stack, and the per-iteration kick budget.
 *
 * Regression tests (the regressions tcase) hold contracts an earlier version
 * of the code broke.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "io/io_priv.h"	/* only for the census self-test, which corrupts state on purpose */

#define HEADROOM 256
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Every passing ck_assert_*() sends its location to the runner (a write);
 * in loops of thousands, check cheaply and report only a failure. */
#define OK(c)                                                                  \
	do {                                                                   \
		if (!(c))                                                      \
			ck_abort_msg("line %d: %s", __LINE__, #c);             \
	} while (0)
#define OK_EQ(a, b)                                                            \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_)                                                  \
			ck_abort_msg("line %d: %s = %lld, want %s = %lld",     \
				     __LINE__, #a, a_, #b, b_);                \
	} while (0)
#define OK_LE(a, b)                                                            \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ > b_)                                                   \
			ck_abort_msg("line %d: %s = %lld, more than %s = %lld",\
				     __LINE__, #a, a_, #b, b_);                \
	} while (0)

/* ---- helpers ---------------------------------------------------------------- */

static struct xst_io *mk(const struct xst_io_cfg *cfg)
{
	struct xst_io *io = NULL;
	char why[256];
	int err = xst_io_cfg_check(cfg, NULL, why, sizeof(why));

	ck_assert_msg(err == 0, "cfg rejected: %s", why);
	ck_assert_int_eq(xst_io_mem_create(&io, cfg), 0);
	ck_assert_ptr_nonnull(io);
	return io;
}

static struct xst_io_cfg cfg5(uint32_t frames, uint32_t fill, uint32_t rx, uint32_t tx,
			      uint32_t batch)
{
	struct xst_io_cfg c = {
		.nr_frames = frames,
		.frame_size = 4096,
		.fill_size = fill,
		.rx_size = rx,
		.tx_size = tx,
		.batch = batch,
		.mem_headroom = HEADROOM,
	};
	return c;
}

/* The census is exact, adds up to every frame and nothing is in the "kernel". */
#define census_ok(io) census_ok_at((io), __LINE__)
static struct xst_io_census census_ok_at(struct xst_io *io, int line)
{
	struct xst_io_census c;
	int err = xst_io_census(io, &c);
	uint32_t sum;

	sum = c.free + c.fill + c.rx + c.kernel_rx + c.user + c.tx + c.comp + c.kernel_tx + c.held;
	if (err || sum != xst_io_nr_frames(io) || c.kernel_rx || c.kernel_tx)
		ck_abort_msg("line %d: census %d: free %u fill %u rx %u krx %u user %u tx %u comp %u "
		      "ktx %u held %u held_tx %u, sum %u of %u",
		      line, err, c.free, c.fill, c.rx, c.kernel_rx, c.user, c.tx, c.comp,
		     c.kernel_tx, c.held, c.held_tx, sum, xst_io_nr_frames(io));
	OK_EQ(c.free, xst_io_nr_free(io));
	OK_EQ(c.held + c.held_tx, xst_io_nr_held(io));
	OK_EQ(c.fill, xst_io_mem_fill_level(io));
	return c;
}

static uint64_t misuse(const struct xst_io *io)
{
	return xst_io_stats(io)->misuse;
}

static uint32_t rng_state = 0x12345678;

static uint32_t rnd(void)
{
	/* xorshift32: deterministic, seeded per test */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Frame bytes: byte 0..3 the sequence number, then (seq + i) & 0xff. */
static void pattern(uint8_t *p, uint32_t seq, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = i < 4 ? (uint8_t)(seq >> (8 * i)) : (uint8_t)(seq + i);
}

static int pattern_ok(const uint8_t *p, uint32_t len, uint32_t *seq)
{
	uint32_t s, i;

	if (len < 4)
		return 0;
	s = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
	for (i = 4; i < len; i++)
		if (p[i] != (uint8_t)(s + i))
			return 0;
	*seq = s;
	return 1;
}

struct sink {
	uint32_t n;
	uint32_t bad;
	uint64_t bytes;
};

static void sink_fn(void *arg, const uint8_t *data, uint32_t len)
{
	struct sink *s = arg;
	uint32_t seq;

	if (!pattern_ok(data, len, &seq))
		s->bad++;
	s->n++;
	s->bytes += len;
}

static uint32_t inject_n(struct xst_io *io, uint32_t n, uint32_t *seq, uint32_t len)
{
	uint8_t f[2048];
	uint32_t i;

	for (i = 0; i < n; i++) {
		pattern(f, (*seq)++, len);
		OK_EQ(xst_io_mem_inject(io, f, len), 0);
	}
	return n;
}

/* Drain everything, reap, and check that every frame is free or on the fill ring. */
static void settle(struct xst_io *io)
{
	struct xst_io_census c;

	xst_io_mem_drain_tx(io, 0, NULL, NULL);
	xst_io_begin(io);
	c = census_ok(io);
	ck_assert_uint_eq(c.tx + c.comp + c.rx, 0);
}

/* ---- create and the frame budget ------------------------------------------ */

static const struct create_case {
	const char *name;
	struct xst_io_cfg cfg;
	uint32_t want_fill, want_rx, want_tx, want_comp, want_batch, want_held;
} create_cases[] = {
	{ "defaults: a quarter each", { .nr_frames = 1024, .frame_size = 4096,
	  .max_held = UINT32_MAX }, 256, 256, 256, 256, XST_BATCH, 1024 - 3 * 256 - XST_BATCH },
	{ "explicit rings", { .nr_frames = 4096, .frame_size = 2048, .fill_size = 2048,
	  .rx_size = 1024, .tx_size = 512, .comp_size = 1024, .batch = 32 },
	  2048, 1024, 512, 1024, 32, 0 },
	{ "budget exactly the UMEM", { .nr_frames = 512, .frame_size = 4096, .fill_size = 128,
	  .rx_size = 128, .tx_size = 128, .batch = 64, .max_held = 64 },
	  128, 128, 128, 128, 64, 64 },
	{ "held takes the remainder", { .nr_frames = 32768, .frame_size = 4096,
	  .fill_size = 4096, .rx_size = 4096, .tx_size = 4096, .max_held = UINT32_MAX },
	  4096, 4096, 4096, 4096, XST_BATCH, 32768 - 3 * 4096 - XST_BATCH },
};

START_TEST(test_create_fills)
{
	const struct create_case *tc = &create_cases[_i];
	struct xst_io_cfg out;
	const struct xst_io_cfg *in_use;
	struct xst_io_census c;
	struct xst_io *io;
	char why[256] = "untouched";

	ck_assert_msg(xst_io_cfg_check(&tc->cfg, &out, why, sizeof(why)) == 0, "%s: %s",
		      tc->name, why);
	ck_assert_uint_eq(out.fill_size, tc->want_fill);
	ck_assert_uint_eq(out.rx_size, tc->want_rx);
	ck_assert_uint_eq(out.tx_size, tc->want_tx);
	ck_assert_uint_eq(out.comp_size, tc->want_comp);
	ck_assert_uint_eq(out.batch, tc->want_batch);
	ck_assert_uint_eq(out.max_held, tc->want_held);

	io = mk(&tc->cfg);
	in_use = xst_io_cfg(io);
	ck_assert_uint_eq(in_use->fill_size, tc->want_fill);
	ck_assert_uint_eq(in_use->max_held, tc->want_held);
	ck_assert_int_eq(xst_io_fd(io), -1);
	ck_assert_int_eq(xst_io_zerocopy(io), 0);
	ck_assert_uint_eq(xst_io_frame_size(io), tc->cfg.frame_size);
	ck_assert_uint_eq(xst_io_nr_frames(io), tc->cfg.nr_frames);
	ck_assert_uint_eq(xst_io_rx_max_len(io), tc->cfg.frame_size - tc->cfg.mem_headroom);
	/* The fill ring is full before create returns; the rest is free. */
	ck_assert_uint_eq(xst_io_mem_fill_level(io), tc->want_fill);
	c = census_ok(io);
	ck_assert_uint_eq(c.fill, tc->want_fill);
	ck_assert_uint_eq(c.free, tc->cfg.nr_frames - tc->want_fill);
	ck_assert_uint_eq(c.user + c.tx + c.comp + c.rx + c.held, 0);
	ck_assert_int_eq(xst_io_error(io), 0);
	xst_io_destroy(io);
	xst_io_destroy(NULL);
}
END_TEST

static const struct reject_case {
	const char *name;
	struct xst_io_cfg cfg;
	const char *want[5];	/* substrings of the reason */
} reject_cases[] = {
	{ "budget over the UMEM (the header's example)",
	  { .nr_frames = 4096, .frame_size = 4096, .fill_size = 2048, .rx_size = 2048,
	    .tx_size = 2048 },
	  { "2048", "64", "6208", "4096" } },
	{ "budget with held frames",
	  { .nr_frames = 1024, .frame_size = 4096, .fill_size = 256, .rx_size = 256,
	    .tx_size = 256, .batch = 64, .max_held = 200 },
	  { "256", "200", "1032", "1024" } },
	{ "budget one frame over",
	  { .nr_frames = 512, .frame_size = 4096, .fill_size = 128, .rx_size = 128,
	    .tx_size = 128, .batch = 64, .max_held = 65 },
	  { "65", "513", "512" } },
	{ "fill ring not a power of two",
	  { .nr_frames = 1024, .frame_size = 4096, .fill_size = 300 }, { "300", "power" } },
	{ "rx ring not a power of two",
	  { .nr_frames = 1024, .frame_size = 4096, .rx_size = 96 }, { "96" } },
	{ "tx ring not a power of two",
	  { .nr_frames = 1024, .frame_size = 4096, .tx_size = 100 }, { "100" } },
	{ "completion ring not a power of two",
	  { .nr_frames = 1024, .frame_size = 4096, .comp_size = 300 }, { "300" } },
	{ "completion smaller than TX",
	  { .nr_frames = 1024, .frame_size = 4096, .tx_size = 256, .comp_size = 128 },
	  { "128", "256" } },
	{ "batch larger than the RX ring",
	  { .nr_frames = 1024, .frame_size = 4096, .rx_size = 32, .batch = 64 }, { "64", "32" } },
	{ "frames not a power of two",
	  { .nr_frames = 500, .frame_size = 4096 }, { "500" } },
	{ "too few frames",
	  { .nr_frames = 128, .frame_size = 4096 }, { "128", "256" } },
	{ "bad frame size",
	  { .nr_frames = 1024, .frame_size = 3000 }, { "3000" } },
	{ "headroom eats the frame",
	  { .nr_frames = 1024, .frame_size = 2048, .mem_headroom = 1024 }, { "1024", "2048" } },
};

START_TEST(test_cfg_rejected)
{
	const struct reject_case *tc = &reject_cases[_i];
	struct xst_io *io = (struct xst_io *)0x1;
	struct xst_io_cfg out;
	char why[256] = "";
	size_t k;

	memset(&out, 0xa5, sizeof(out));
	ck_assert_msg(xst_io_cfg_check(&tc->cfg, &out, why, sizeof(why)) == -EINVAL, "%s",
		      tc->name);
	ck_assert_msg(why[0], "%s: no reason given", tc->name);
	for (k = 0; k < ARRAY_SIZE(tc->want) && tc->want[k]; k++)
		ck_assert_msg(strstr(why, tc->want[k]), "%s: reason '%s' does not name %s",
			      tc->name, why, tc->want[k]);
	/* out is not written on failure (a caller may keep its defaults). */
	ck_assert_uint_eq(out.nr_frames, 0xa5a5a5a5u);
	/* No reason buffer is fine, and create refuses the same config. */
	ck_assert_int_eq(xst_io_cfg_check(&tc->cfg, NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(xst_io_mem_create(&io, &tc->cfg), -EINVAL);
	ck_assert_ptr_eq(io, (struct xst_io *)0x1);	/* untouched on failure */
	/* A short reason buffer is truncated, still a string. */
	memset(why, 'x', sizeof(why));
	ck_assert_int_eq(xst_io_cfg_check(&tc->cfg, NULL, why, 8), -EINVAL);
	ck_assert_uint_lt(strlen(why), 8);
}
END_TEST

/* ---- echo: conservation over many iterations ------------------------------- */

static const struct echo_case {
	const char *name;
	struct xst_io_cfg cfg;
	int partial_drain;	/* drain a random part of the TX ring */
} echo_cases[] = {
	{ "defaults, full drain", { .nr_frames = 1024, .frame_size = 4096, .mem_headroom = 256 },
	  0 },
	{ "small TX ring, partial drain", { .nr_frames = 1024, .frame_size = 4096,
	  .fill_size = 512, .rx_size = 256, .tx_size = 64, .comp_size = 128,
	  .mem_headroom = 256 }, 1 },
	{ "2048-byte frames, no headroom", { .nr_frames = 512, .frame_size = 2048,
	  .fill_size = 128, .rx_size = 128, .tx_size = 128, .batch = 32 }, 1 },
};

START_TEST(test_echo_no_leak)
{
	const struct echo_case *tc = &echo_cases[_i];
	struct xst_io *io = mk(&tc->cfg);
	const struct xst_io_cfg *cfg = xst_io_cfg(io);
	struct xst_io_buf b[XST_BATCH];
	struct sink sink = { 0 };
	uint64_t injected = 0, received = 0, sent = 0, freed = 0, kicks;
	uint32_t seq = 0, it, i;

	rng_state = 0xdeadbeef + _i;
	for (it = 0; it < 4000; it++) {
		uint32_t k = rnd() % (cfg->batch + 1), n, tx_n, s, want_seq;
		uint32_t len = 60 + rnd() % 1200;
		struct xst_io_census c;

		xst_io_begin(io);
		kicks = xst_io_stats(io)->tx_kicks;
		/* The budget keeps the fill ring full after every begin. */
		OK_EQ(xst_io_mem_fill_level(io), cfg->fill_size);
		want_seq = seq;
		injected += inject_n(io, k, &seq, len);
		n = xst_io_rx(io, b, cfg->batch);
		OK_EQ(n, k);
		received += n;
		for (i = 0; i < n; i++) {
			uint32_t got;

			OK_EQ(b[i].len, len);
			OK_EQ(b[i].addr % cfg->frame_size, cfg->mem_headroom);
			OK_EQ(b[i].cap, cfg->frame_size - cfg->mem_headroom);
			OK(b[i].data == xst_io_data(io, b[i].addr));
			OK(pattern_ok(b[i].data, b[i].len, &got));
			OK_EQ(got, want_seq + i);
		}
		census_ok(io);
		/* Some are freed (dropped), the rest echoed. */
		tx_n = 0;
		for (i = 0; i < n; i++) {
			if (rnd() % 5 == 0) {
				xst_io_free(io, b[i].addr);
				freed++;
			} else {
				b[tx_n++] = b[i];
			}
		}
		s = xst_io_tx(io, b, tx_n);
		OK_LE(s, tx_n);
		sent += s;
		for (i = s; i < tx_n; i++) {
			xst_io_free(io, b[i].addr);	/* not taken: still ours */
			freed++;
		}
		c = census_ok(io);
		OK_LE(c.tx + c.comp, cfg->tx_size);
		OK_EQ(c.user, 0);
		xst_io_flush(io);
		OK_LE(xst_io_stats(io)->tx_kicks - kicks, XST_IO_KICKS_MAX);
		xst_io_mem_drain_tx(io, tc->partial_drain ? rnd() % (cfg->tx_size + 1) : 0, sink_fn,
				    &sink);
		census_ok(io);
	}
	xst_io_mem_drain_tx(io, 0, sink_fn, &sink);
	settle(io);
	ck_assert_uint_eq(received, injected);
	ck_assert_uint_eq(sent + freed, received);
	ck_assert_uint_eq(sink.n, sent);
	ck_assert_uint_eq(sink.bad, 0);
	ck_assert_uint_eq(misuse(io), 0);
	ck_assert_uint_eq(xst_io_nr_free(io) + xst_io_mem_fill_level(io), cfg->nr_frames);
	ck_assert_uint_gt(sent, 1000);
	xst_io_destroy(io);
}
END_TEST

/* ---- TX back-pressure ------------------------------------------------------ */

START_TEST(test_tx_cap)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 64, 128);
	struct xst_io *io;
	struct xst_io_buf b[128];
	struct xst_io_census c;
	uint32_t seq = 0, n, s, rest, i, it;
	uint64_t m0;

	cfg.comp_size = 64;
	io = mk(&cfg);
	inject_n(io, 128, &seq, 100);
	ck_assert_uint_eq(xst_io_rx(io, b, 128), 128);
	ck_assert_uint_eq(xst_io_tx_room(io), 64);
	s = xst_io_tx(io, b, 128);
	ck_assert_uint_eq(s, 64);	/* the in-flight cap */
	c = census_ok(io);
	ck_assert_uint_eq(c.tx, 64);
	ck_assert_uint_eq(c.user, 64);	/* the others are still ours */
	ck_assert_uint_eq(xst_io_tx_room(io), 0);
	ck_assert_uint_eq(xst_io_tx(io, b + 64, 64), 0);
	census_ok(io);

	/* Completions not yet reaped: still in flight. */
	ck_assert_uint_eq(xst_io_mem_drain_tx(io, 16, NULL, NULL), 16);
	c = census_ok(io);
	ck_assert_uint_eq(c.tx + c.comp, 64);
	ck_assert_uint_eq(xst_io_tx_room(io), 0);
	s = xst_io_tx(io, b + 64, 64);
	ck_assert_uint_le(s, 16);
	c = census_ok(io);
	ck_assert_uint_le(c.tx + c.comp, 64);
	ck_assert_uint_eq(c.user, 64 - s);
	rest = 64 - s;
	/* What xst_io_tx() did not take is the caller's: freeing it is no misuse... */
	m0 = misuse(io);
	for (i = 0; i < rest; i++)
		xst_io_free(io, b[64 + s + i].addr);
	ck_assert_uint_eq(misuse(io), m0);
	/* ...and what it took is not: freeing it is. */
	xst_io_free(io, b[0].addr);
	ck_assert_uint_eq(misuse(io), m0 + 1);
	census_ok(io);
	xst_io_begin(io);
	c = census_ok(io);
	ck_assert_uint_eq(xst_io_tx_room(io), 64 - (c.tx + c.comp));
	settle(io);

	/* Under random drains, the cap holds in every iteration. */
	rng_state = 42;
	for (it = 0; it < 500; it++) {
		xst_io_begin(io);
		n = rnd() % 129;
		if (n > xst_io_mem_fill_level(io))
			n = xst_io_mem_fill_level(io);
		inject_n(io, n, &seq, 80);
		OK_EQ(xst_io_rx(io, b, 128), n);
		s = xst_io_tx(io, b, n);
		for (i = s; i < n; i++)
			xst_io_free(io, b[i].addr);
		c = census_ok(io);
		OK_LE(c.tx + c.comp, 64);
		xst_io_mem_drain_tx(io, rnd() % 40, NULL, NULL);
	}
	settle(io);
	ck_assert_uint_eq(misuse(io), m0 + 1);
	xst_io_destroy(io);
}
END_TEST

/* ---- the kernel's side: fill ring empty, RX ring full, frame too long ------- */

START_TEST(test_fill_empty_counted)
{
	struct xst_io_cfg cfg = cfg5(512, 128, 256, 64, 64);
	struct xst_io *io = mk(&cfg);
	struct xst_io_xdp_stats xs;
	struct xst_io_buf b[128];
	uint8_t f[128];
	uint32_t seq = 0;

	pattern(f, 0, sizeof(f));
	inject_n(io, 128, &seq, 100);
	ck_assert_uint_eq(xst_io_mem_fill_level(io), 0);
	ck_assert_int_eq(xst_io_mem_inject(io, f, sizeof(f)), -ENOBUFS);
	ck_assert_int_eq(xst_io_mem_inject(io, f, sizeof(f)), -ENOBUFS);
	ck_assert_int_eq(xst_io_xdp_stats(io, &xs), 0);
	ck_assert_uint_eq(xs.rx_fill_ring_empty_descs, 2);
	ck_assert_uint_eq(xs.rx_ring_full, 0);
	census_ok(io);
	/* Nothing was lost: the 128 are on RX; a begin refills. */
	ck_assert_uint_eq(xst_io_rx(io, b, 64), 64);
	ck_assert_uint_eq(xst_io_rx(io, b + 64, 128), 64);
	xst_io_begin(io);
	ck_assert_uint_eq(xst_io_mem_fill_level(io), 128);
	ck_assert_int_eq(xst_io_mem_inject(io, f, sizeof(f)), 0);
	census_ok(io);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_rx_ring_full_counted)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 128, 64, 64);
	struct xst_io *io = mk(&cfg);
	struct xst_io_xdp_stats xs;
	struct xst_io_census c;
	uint8_t f[100];
	uint32_t seq = 0;

	pattern(f, 0, sizeof(f));
	inject_n(io, 128, &seq, 100);
	ck_assert_int_eq(xst_io_mem_inject(io, f, sizeof(f)), -ENOSPC);
	ck_assert_int_eq(xst_io_xdp_stats(io, &xs), 0);
	ck_assert_uint_eq(xs.rx_ring_full, 1);
	ck_assert_uint_eq(xs.rx_fill_ring_empty_descs, 0);
	c = census_ok(io);
	ck_assert_uint_eq(c.rx, 128);
	ck_assert_uint_eq(c.fill, 128);	/* the refused packet took no fill entry */
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_inject_too_long)
{
	struct xst_io_cfg cfg = cfg5(512, 128, 128, 64, 64);
	struct xst_io *io = mk(&cfg);
	uint32_t max = xst_io_rx_max_len(io);
	uint8_t *f = calloc(1, 4096);
	struct xst_io_buf b;

	ck_assert_uint_eq(max, 4096 - HEADROOM);
	ck_assert_int_eq(xst_io_mem_inject(io, f, max + 1), -EMSGSIZE);
	ck_assert_uint_eq(xst_io_mem_fill_level(io), 128);
	f[max - 1] = 0x5a;
	ck_assert_int_eq(xst_io_mem_inject(io, f, max), 0);
	ck_assert_uint_eq(xst_io_rx(io, &b, 1), 1);
	ck_assert_uint_eq(b.len, max);
	ck_assert_uint_eq(b.cap, max);
	ck_assert_uint_eq(b.data[max - 1], 0x5a);
	xst_io_free(io, b.addr);
	census_ok(io);
	free(f);
	xst_io_destroy(io);
}
END_TEST

/* ---- allocation ------------------------------------------------------------- */

START_TEST(test_alloc_tx_cap)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 64, 64);
	struct xst_io *io = mk(&cfg);
	struct xst_io_buf b[65], extra;
	struct xst_io_census c;
	uint32_t i, j;

	for (i = 0; i < 64; i++) {
		ck_assert_int_eq(xst_io_alloc(io, &b[i]), 0);
		ck_assert_uint_eq(b[i].addr % 4096, 0);
		ck_assert_ptr_eq(b[i].data, xst_io_data(io, b[i].addr));
		ck_assert_uint_eq(b[i].cap, 4096);
		ck_assert_uint_eq(b[i].len, 0);
		for (j = 0; j < i; j++)
			ck_assert_uint_ne(b[i].addr, b[j].addr);
	}
	c = census_ok(io);
	ck_assert_uint_eq(c.user, 64);
	ck_assert_uint_gt(c.free, 0);	/* frames are free: the cap refuses */
	ck_assert_int_eq(xst_io_alloc(io, &extra), -ENOBUFS);
	xst_io_free(io, b[63].addr);
	ck_assert_int_eq(xst_io_alloc(io, &b[63]), 0);

	/* Sent, they still count until their completion is reaped. */
	for (i = 0; i < 32; i++) {
		pattern(b[i].data, i, 64);
		b[i].len = 64;
	}
	ck_assert_uint_eq(xst_io_tx(io, b, 32), 32);
	ck_assert_int_eq(xst_io_alloc(io, &extra), -ENOBUFS);
	ck_assert_uint_eq(xst_io_mem_drain_tx(io, 0, NULL, NULL), 32);
	xst_io_begin(io);
	for (i = 0; i < 32; i++)
		ck_assert_int_eq(xst_io_alloc(io, &b[i]), 0);
	ck_assert_int_eq(xst_io_alloc(io, &extra), -ENOBUFS);
	for (i = 0; i < 64; i++)
		xst_io_free(io, b[i].addr);
	ck_assert_uint_eq(misuse(io), 0);
	settle(io);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_alloc_free_stack)
{
	struct xst_io_cfg cfg = cfg5(512, 128, 128, 64, 64);
	struct xst_io *io = mk(&cfg);
	struct xst_io_buf b[3 * 128], a;
	uint32_t seq = 0, r;

	/* The caller keeps every received frame (beyond its batch): the free
	 * stack runs out while nothing is in flight. */
	for (r = 0; r < 3; r++) {
		inject_n(io, 128, &seq, 60);
		ck_assert_uint_eq(xst_io_rx(io, b + 128 * r, 128), 128);
		xst_io_begin(io);
	}
	ck_assert_uint_eq(xst_io_nr_free(io), 0);
	census_ok(io);
	ck_assert_int_eq(xst_io_alloc(io, &a), -ENOBUFS);
	xst_io_free(io, b[0].addr);
	ck_assert_int_eq(xst_io_alloc(io, &a), 0);
	ck_assert_uint_eq(a.addr, b[0].addr - HEADROOM);	/* the frame's start */
	ck_assert_int_eq(xst_io_alloc(io, &a), -ENOBUFS);
	census_ok(io);
	xst_io_destroy(io);
}
END_TEST

/* ---- holders ---------------------------------------------------------------- */

struct done_log {
	uint32_t calls;
	uint64_t last;
	uint64_t addrs[64];
};

static void done_fn(void *arg, uint64_t addr)
{
	struct done_log *d = arg;

	if (d->calls < ARRAY_SIZE(d->addrs))
		d->addrs[d->calls] = addr;
	d->calls++;
	d->last = addr;
}

static uint64_t held_frame(struct xst_io *io, int owner, uint32_t seq, uint32_t len)
{
	struct xst_io_buf b;

	ck_assert_int_eq(xst_io_alloc(io, &b), 0);
	pattern(b.data, seq, len);
	ck_assert_int_eq(xst_io_hold(io, b.addr, owner), 0);
	return b.addr;
}

START_TEST(test_hold_send_done)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 64, 64);
	struct xst_io *io;
	struct done_log d = { 0 };
	struct sink sink = { 0 };
	struct xst_io_census c;
	struct xst_io_buf b;
	int owner, round;

	cfg.max_held = 16;
	io = mk(&cfg);
	owner = xst_io_owner_add(io, done_fn, &d);
	ck_assert_int_ge(owner, 1);
	ck_assert_int_lt(owner, XST_IO_OWNERS_MAX);
	b.addr = held_frame(io, owner, 7, 300);
	b.len = 300;
	ck_assert_uint_eq(xst_io_nr_held(io), 1);
	c = census_ok(io);
	ck_assert_uint_eq(c.held, 1);
	ck_assert_uint_eq(c.user, 0);
	ck_assert(!xst_io_held_busy(io, b.addr));

	for (round = 1; round <= 5; round++) {
		ck_assert_uint_eq(xst_io_tx(io, &b, 1), 1);
		ck_assert(xst_io_held_busy(io, b.addr));
		c = census_ok(io);
		ck_assert_uint_eq(c.held, 0);
		ck_assert_uint_eq(c.held_tx, 1);
		ck_assert_uint_eq(c.tx, 1);
		/* Busy: a second send is refused (misuse), nothing queued twice. */
		ck_assert_uint_eq(xst_io_tx(io, &b, 1), 0);
		ck_assert_uint_eq(misuse(io), (uint64_t)round);
		ck_assert_uint_eq(xst_io_mem_drain_tx(io, 0, sink_fn, &sink), 1);
		ck_assert_uint_eq(d.calls, (uint32_t)round - 1);	/* not before the reap */
		ck_assert(xst_io_held_busy(io, b.addr));
		xst_io_begin(io);
		ck_assert_uint_eq(d.calls, (uint32_t)round);	/* once per completion */
		ck_assert_uint_eq(d.last, b.addr);
		ck_assert(!xst_io_held_busy(io, b.addr));
		c = census_ok(io);
		ck_assert_uint_eq(c.held, 1);
		ck_assert_uint_eq(c.held_tx, 0);
		xst_io_begin(io);
		ck_assert_uint_eq(d.calls, (uint32_t)round);
	}
	ck_assert_uint_eq(sink.n, 5);
	ck_assert_uint_eq(sink.bad, 0);
	ck_assert_uint_eq(sink.bytes, 5 * 300);
	xst_io_release(io, b.addr);
	ck_assert_uint_eq(xst_io_nr_held(io), 0);
	settle(io);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_release_idle)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 64, 64);
	struct xst_io *io;
	struct done_log d = { 0 };
	uint32_t free0;
	uint64_t a;
	int owner;

	cfg.max_held = 8;
	io = mk(&cfg);
	owner = xst_io_owner_add(io, done_fn, &d);
	a = held_frame(io, owner, 1, 64);
	free0 = xst_io_nr_free(io);
	xst_io_release(io, a);
	ck_assert_uint_eq(xst_io_nr_held(io), 0);
	ck_assert_uint_eq(xst_io_nr_free(io), free0 + 1);	/* at once */
	ck_assert_uint_eq(d.calls, 0);
	ck_assert_uint_eq(misuse(io), 0);
	census_ok(io);
	xst_io_begin(io);
	ck_assert_uint_eq(d.calls, 0);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_release_in_flight)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 64, 64);
	struct xst_io *io;
	struct done_log d = { 0 };
	struct xst_io_census c;
	struct xst_io_buf b;
	uint32_t free0;
	int owner;

	cfg.max_held = 8;
	io = mk(&cfg);
	owner = xst_io_owner_add(io, done_fn, &d);
	b.addr = held_frame(io, owner, 1, 64);
	b.len = 64;
	ck_assert_uint_eq(xst_io_tx(io, &b, 1), 1);
	free0 = xst_io_nr_free(io);
	xst_io_release(io, b.addr);
	/* Still being sent: not free yet. */
	ck_assert_uint_eq(xst_io_nr_free(io), free0);
	c = census_ok(io);
	ck_assert_uint_eq(c.held_tx, 1);
	ck_assert_uint_eq(xst_io_mem_drain_tx(io, 0, NULL, NULL), 1);
	xst_io_begin(io);
	/* Freed by its completion, the holder not told (it gave the frame up). */
	ck_assert_uint_eq(d.calls, 0);
	ck_assert_uint_eq(xst_io_nr_held(io), 0);
	c = census_ok(io);
	ck_assert_uint_eq(c.held + c.held_tx, 0);
	ck_assert_uint_eq(c.free + c.fill, 1024);
	ck_assert_uint_eq(misuse(io), 0);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_max_held)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 64, 64);
	struct xst_io *io;
	struct done_log d = { 0 };
	struct xst_io_buf b;
	uint64_t held[8];
	int owner, i;

	cfg.max_held = 8;
	io = mk(&cfg);
	ck_assert_uint_eq(xst_io_cfg(io)->max_held, 8);
	owner = xst_io_owner_add(io, done_fn, &d);
	for (i = 0; i < 8; i++)
		held[i] = held_frame(io, owner, (uint32_t)i, 64);
	ck_assert_int_eq(xst_io_alloc(io, &b), 0);
	ck_assert_int_eq(xst_io_hold(io, b.addr, owner), -ENOSPC);
	ck_assert_uint_eq(xst_io_nr_held(io), 8);
	/* Refused: still the caller's user frame. */
	ck_assert_uint_eq(census_ok(io).user, 1);
	xst_io_free(io, b.addr);
	ck_assert_uint_eq(misuse(io), 0);
	xst_io_release(io, held[3]);
	held[3] = held_frame(io, owner, 3, 64);
	for (i = 0; i < 8; i++)
		xst_io_release(io, held[i]);
	settle(io);
	xst_io_destroy(io);

	cfg.max_held = 0;
	io = mk(&cfg);
	owner = xst_io_owner_add(io, done_fn, &d);
	ck_assert_int_eq(xst_io_alloc(io, &b), 0);
	ck_assert_int_eq(xst_io_hold(io, b.addr, owner), -ENOSPC);
	xst_io_free(io, b.addr);
	settle(io);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_owners)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 64, 64);
	struct xst_io *io;
	struct done_log d[XST_IO_OWNERS_MAX] = { { 0 } };
	struct xst_io_buf b;
	int ids[XST_IO_OWNERS_MAX], i, j;

	cfg.max_held = 16;
	io = mk(&cfg);
	ck_assert_int_eq(xst_io_alloc(io, &b), 0);
	/* No holder yet: any id is invalid. */
	ck_assert_int_eq(xst_io_hold(io, b.addr, 1), -EINVAL);
	for (i = 0; i < XST_IO_OWNERS_MAX - 1; i++) {
		ids[i] = xst_io_owner_add(io, done_fn, &d[i]);
		ck_assert_int_ge(ids[i], 1);
		ck_assert_int_le(ids[i], XST_IO_OWNERS_MAX - 1);
		for (j = 0; j < i; j++)
			ck_assert_int_ne(ids[i], ids[j]);
	}
	ck_assert_int_eq(xst_io_owner_add(io, done_fn, &d[i]), -ENOSPC);
	ck_assert_int_eq(xst_io_hold(io, b.addr, 0), -EINVAL);
	ck_assert_int_eq(xst_io_hold(io, b.addr, XST_IO_OWNERS_MAX), -EINVAL);
	ck_assert_int_eq(xst_io_hold(io, b.addr, -1), -EINVAL);
	ck_assert_uint_eq(census_ok(io).user, 1);

	/* Each holder is told about its own frames only. */
	ck_assert_int_eq(xst_io_hold(io, b.addr, ids[2]), 0);
	b.len = 64;
	ck_assert_uint_eq(xst_io_tx(io, &b, 1), 1);
	xst_io_mem_drain_tx(io, 0, NULL, NULL);
	xst_io_begin(io);
	for (i = 0; i < XST_IO_OWNERS_MAX - 1; i++)
		ck_assert_uint_eq(d[i].calls, i == 2 ? 1u : 0u);

	/* A cleared holder is not called any more. */
	xst_io_owner_clear(io, ids[2]);
	ck_assert_uint_eq(xst_io_tx(io, &b, 1), 1);
	xst_io_mem_drain_tx(io, 0, NULL, NULL);
	xst_io_begin(io);
	ck_assert_uint_eq(d[2].calls, 1);
	xst_io_release(io, b.addr);
	settle(io);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_unsent)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 64, 64);
	struct xst_io *io;
	struct done_log d = { 0 };
	struct xst_io_census c;
	struct xst_io_buf b;
	uint32_t free0, seq = 0;
	uint64_t h;
	int owner;

	cfg.max_held = 8;
	io = mk(&cfg);
	owner = xst_io_owner_add(io, done_fn, &d);

	/* A user frame (received or allocated) goes to the free stack. */
	inject_n(io, 1, &seq, 80);
	ck_assert_uint_eq(xst_io_rx(io, &b, 1), 1);
	free0 = xst_io_nr_free(io);
	xst_io_unsent(io, b.addr);
	ck_assert_uint_eq(xst_io_nr_free(io), free0 + 1);
	ck_assert_int_eq(xst_io_alloc(io, &b), 0);
	xst_io_unsent(io, b.addr);
	ck_assert_uint_eq(xst_io_nr_free(io), free0 + 1);
	ck_assert_uint_eq(census_ok(io).user, 0);

	/* A held one stays held; its holder is told, as after a completion. */
	h = held_frame(io, owner, 9, 64);
	xst_io_unsent(io, h);
	ck_assert_uint_eq(d.calls, 1);
	ck_assert_uint_eq(d.last, h);
	c = census_ok(io);
	ck_assert_uint_eq(c.held, 1);
	ck_assert(!xst_io_held_busy(io, h));
	ck_assert_uint_eq(misuse(io), 0);
	xst_io_release(io, h);
	settle(io);
	xst_io_destroy(io);
}
END_TEST

/* ---- misuse: counted, ignored, the free stack intact ------------------------ */

struct misuse_env {
	struct xst_io *io;
	int owner;
	uint32_t seq;
};

static struct xst_io_buf rx_one(struct misuse_env *e)
{
	struct xst_io_buf b;

	inject_n(e->io, 1, &e->seq, 90);
	ck_assert_uint_eq(xst_io_rx(e->io, &b, 1), 1);
	return b;
}

static void mis_double_free_rx(struct misuse_env *e)
{
	struct xst_io_buf b = rx_one(e);

	xst_io_free(e->io, b.addr);
	xst_io_free(e->io, b.addr);
}

static void mis_double_free_alloc(struct misuse_env *e)
{
	struct xst_io_buf b;

	ck_assert_int_eq(xst_io_alloc(e->io, &b), 0);
	xst_io_free(e->io, b.addr);
	xst_io_free(e->io, b.addr + 100);	/* any address inside the frame */
}

static void mis_free_held(struct misuse_env *e)
{
	uint64_t h = held_frame(e->io, e->owner, 1, 64);

	xst_io_free(e->io, h);
	ck_assert_uint_eq(census_ok(e->io).held, 1);	/* still held */
}

static void mis_free_in_flight(struct misuse_env *e)
{
	struct xst_io_buf b = rx_one(e);

	ck_assert_uint_eq(xst_io_tx(e->io, &b, 1), 1);
	xst_io_free(e->io, b.addr);
}

static void mis_tx_free_frame(struct misuse_env *e)
{
	struct xst_io_buf b;

	ck_assert_int_eq(xst_io_alloc(e->io, &b), 0);
	xst_io_free(e->io, b.addr);
	b.len = 64;
	ck_assert_uint_eq(xst_io_tx(e->io, &b, 1), 0);
}

static void mis_tx_fill_frame(struct misuse_env *e)
{
	struct xst_io_buf b = rx_one(e);

	/* Freed, then given to the fill ring (or still free): not ours. */
	xst_io_free(e->io, b.addr);
	xst_io_begin(e->io);
	ck_assert_uint_eq(xst_io_tx(e->io, &b, 1), 0);
}

static void mis_tx_in_flight(struct misuse_env *e)
{
	struct xst_io_buf b = rx_one(e);

	ck_assert_uint_eq(xst_io_tx(e->io, &b, 1), 1);
	ck_assert_uint_eq(xst_io_tx(e->io, &b, 1), 0);
}

static void mis_tx_too_long(struct misuse_env *e)
{
	struct xst_io_buf b = rx_one(e);

	b.len = b.cap + 1;	/* beyond its frame */
	ck_assert_uint_eq(xst_io_tx(e->io, &b, 1), 0);
	xst_io_free(e->io, b.addr);	/* still ours: no misuse */
}

static void mis_tx_stops_at_bad(struct misuse_env *e)
{
	struct xst_io_buf b[3];

	b[0] = rx_one(e);
	b[1] = rx_one(e);
	b[2] = rx_one(e);
	xst_io_free(e->io, b[1].addr);
	/* The first is sent, the one after the bad one stays ours. */
	ck_assert_uint_eq(xst_io_tx(e->io, b, 3), 1);
	xst_io_free(e->io, b[2].addr);
}

static void mis_release_user(struct misuse_env *e)
{
	struct xst_io_buf b = rx_one(e);

	xst_io_release(e->io, b.addr);
	ck_assert_uint_eq(census_ok(e->io).user, 1);
	xst_io_free(e->io, b.addr);
}

static void mis_double_release(struct misuse_env *e)
{
	uint64_t h = held_frame(e->io, e->owner, 2, 64);

	xst_io_release(e->io, h);
	xst_io_release(e->io, h);
}

static void mis_hold_free_frame(struct misuse_env *e)
{
	struct xst_io_buf b;

	ck_assert_int_eq(xst_io_alloc(e->io, &b), 0);
	xst_io_free(e->io, b.addr);
	ck_assert_int_eq(xst_io_hold(e->io, b.addr, e->owner), -EINVAL);
}

static void mis_hold_in_flight(struct misuse_env *e)
{
	struct xst_io_buf b = rx_one(e);

	ck_assert_uint_eq(xst_io_tx(e->io, &b, 1), 1);
	ck_assert_int_eq(xst_io_hold(e->io, b.addr, e->owner), -EINVAL);
}

static void mis_free_outside(struct misuse_env *e)
{
	xst_io_free(e->io, (uint64_t)xst_io_nr_frames(e->io) * xst_io_frame_size(e->io));
}

static void mis_unsent_free_frame(struct misuse_env *e)
{
	struct xst_io_buf b;

	ck_assert_int_eq(xst_io_alloc(e->io, &b), 0);
	xst_io_free(e->io, b.addr);
	xst_io_unsent(e->io, b.addr);
}

static const struct misuse_case {
	const char *name;
	void (*fn)(struct misuse_env *e);
	uint64_t want;
} misuse_cases[] = {
	{ "double free of a received frame", mis_double_free_rx, 1 },
	{ "double free of an allocated frame", mis_double_free_alloc, 1 },
	{ "free of a held frame", mis_free_held, 1 },
	{ "free of a frame in flight", mis_free_in_flight, 1 },
	{ "tx of a free frame", mis_tx_free_frame, 1 },
	{ "tx of a frame on the fill ring", mis_tx_fill_frame, 1 },
	{ "tx of a frame in flight", mis_tx_in_flight, 1 },
	{ "tx beyond the frame", mis_tx_too_long, 1 },
	{ "tx batch with a freed frame in the middle", mis_tx_stops_at_bad, 1 },
	{ "release of a user frame", mis_release_user, 1 },
	{ "double release", mis_double_release, 1 },
	{ "hold of a free frame", mis_hold_free_frame, 1 },
	{ "hold of a frame in flight", mis_hold_in_flight, 1 },
	{ "free outside the UMEM", mis_free_outside, 1 },
	{ "unsent of a free frame", mis_unsent_free_frame, 1 },
};

START_TEST(test_misuse_counted)
{
	const struct misuse_case *tc = &misuse_cases[_i];
	struct xst_io_cfg cfg = cfg5(512, 128, 128, 64, 64);
	struct done_log d = { 0 };
	struct misuse_env e = { 0 };
	struct xst_io_census c;
	struct xst_io_buf b[128];
	uint32_t n, s, i, it;

	cfg.max_held = 16;
	e.io = mk(&cfg);
	e.owner = xst_io_owner_add(e.io, done_fn, &d);
	tc->fn(&e);
	ck_assert_msg(misuse(e.io) == tc->want, "%s: misuse %llu, want %llu", tc->name,
		      (unsigned long long)misuse(e.io), (unsigned long long)tc->want);
	census_ok(e.io);
	/* The free stack is intact: many more cycles, every frame used, nothing doubled. */
	for (it = 0; it < 50; it++) {
		xst_io_mem_drain_tx(e.io, 0, NULL, NULL);
		xst_io_begin(e.io);
		n = xst_io_mem_fill_level(e.io);
		inject_n(e.io, n, &e.seq, 70);
		OK_EQ(xst_io_rx(e.io, b, 128), n);
		s = xst_io_tx(e.io, b, n);
		for (i = s; i < n; i++)
			xst_io_free(e.io, b[i].addr);
		for (i = 0; i < 128; i++)
			if (xst_io_alloc(e.io, &b[i]))
				break;
		for (; i > 0; i--)
			xst_io_free(e.io, b[i - 1].addr);
		census_ok(e.io);
	}
	ck_assert_uint_eq(misuse(e.io), tc->want);
	xst_io_mem_drain_tx(e.io, 0, NULL, NULL);
	xst_io_begin(e.io);
	c = census_ok(e.io);
	ck_assert_uint_eq(c.user + c.tx + c.comp, 0);
	xst_io_destroy(e.io);
}
END_TEST

/*
 * Regression: the same frame twice in one xst_io_tx() call. The first copy
 * takes the frame out of the caller's hands, so the second is "a frame not in
 * the caller's hands" (misuse, not submitted). sendable() checks every
 * buffer's state before any is submitted, so both go on the ring: nr_user is
 * decremented twice, nr_tx counts two, the second completion is misuse and
 * the census no longer adds up.
 */
START_TEST(test_tx_same_frame_twice)
{
	struct xst_io_cfg cfg = cfg5(512, 128, 128, 64, 64);
	struct xst_io *io = mk(&cfg);
	struct xst_io_buf b[2];
	uint32_t seq = 0, s;

	inject_n(io, 1, &seq, 80);
	ck_assert_uint_eq(xst_io_rx(io, b, 1), 1);
	b[1] = b[0];
	s = xst_io_tx(io, b, 2);
	ck_assert_uint_eq(s, 1);
	ck_assert_uint_eq(misuse(io), 1);
	census_ok(io);
	settle(io);
	xst_io_destroy(io);
}
END_TEST

/* ---- the kick budget -------------------------------------------------------- */

/*
 * Regression: io.h promises at most XST_IO_KICKS_MAX sendto() per iteration
 * and tx_kicks counts them ("what a socket would have cost" for mem). The mem
 * backend's kick_tx() counts one per call without consulting kicks_left, so
 * an iteration with many small xst_io_tx() calls counts more than the
 * budget.
 */
START_TEST(test_kicks_per_iteration)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 256, 64);
	struct xst_io *io = mk(&cfg);
	struct xst_io_buf b;
	uint64_t k0;
	int it, i;

	for (it = 0; it < 3; it++) {
		xst_io_begin(io);
		k0 = xst_io_stats(io)->tx_kicks;
		for (i = 0; i < 40; i++) {
			ck_assert_int_eq(xst_io_alloc(io, &b), 0);
			pattern(b.data, (uint32_t)i, 64);
			b.len = 64;
			ck_assert_uint_eq(xst_io_tx(io, &b, 1), 1);
		}
		xst_io_flush(io);
		ck_assert_msg(xst_io_stats(io)->tx_kicks - k0 <= XST_IO_KICKS_MAX,
			      "%llu kicks in one iteration",
			      (unsigned long long)(xst_io_stats(io)->tx_kicks - k0));
		xst_io_mem_drain_tx(io, 0, NULL, NULL);
	}
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_kick_when_sending)
{
	struct xst_io_cfg cfg = cfg5(1024, 256, 256, 256, 64);
	struct xst_io *io = mk(&cfg);
	struct xst_io_buf b[64];
	uint64_t k0;
	uint32_t i;

	/* One batch: at least one kick (the frames must leave), within budget. */
	xst_io_begin(io);
	for (i = 0; i < 64; i++) {
		ck_assert_int_eq(xst_io_alloc(io, &b[i]), 0);
		b[i].len = 64;
	}
	k0 = xst_io_stats(io)->tx_kicks;
	ck_assert_uint_eq(xst_io_tx(io, b, 64), 64);
	xst_io_flush(io);
	ck_assert_uint_ge(xst_io_stats(io)->tx_kicks - k0, 1);
	ck_assert_uint_le(xst_io_stats(io)->tx_kicks - k0, XST_IO_KICKS_MAX);
	ck_assert_uint_eq(xst_io_stats(io)->kick_errors, 0);
	settle(io);
	xst_io_destroy(io);
}
END_TEST

/* ---- the census itself finds what it promises to find -------------------- */

static void corrupt_dup_free(struct xst_io *io)
{
	/* a frame on the free stack twice (in place of another) */
	io->free[0] = io->free[1];
}

static void corrupt_state(struct xst_io *io)
{
	/* a free frame whose state says it is in flight */
	io->fstate[io->free[0] >> __builtin_ctz(io->frame_size)] = F_TX;
}

static void corrupt_fill_also_free(struct xst_io *io)
{
	/* a frame of the fill ring also on the free stack */
	io->free[0] = ((uint64_t *)io->fill.ring)[*io->fill.consumer & io->fill.mask];
}

static void corrupt_lost(struct xst_io *io)
{
	/* a frame gone from the free stack */
	io->nr_free--;
}

static void (*const corruptions[])(struct xst_io *io) = {
	corrupt_dup_free, corrupt_state, corrupt_fill_also_free, corrupt_lost,
};

START_TEST(test_census_detects)
{
	struct xst_io_cfg cfg = cfg5(512, 128, 128, 64, 64);
	struct xst_io *io = mk(&cfg);
	struct xst_io_census c;

	census_ok(io);
	corruptions[_i](io);
	ck_assert_int_eq(xst_io_census(io, &c), -EPROTO);
	/* destroy frees everything whatever the state */
	xst_io_destroy(io);
}
END_TEST

Suite *io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("mem");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_create_fills, 0, ARRAY_SIZE(create_cases));
	tcase_add_loop_test(tc, test_cfg_rejected, 0, ARRAY_SIZE(reject_cases));
	tcase_add_loop_test(tc, test_echo_no_leak, 0, ARRAY_SIZE(echo_cases));
	tcase_add_test(tc, test_tx_cap);
	tcase_add_test(tc, test_fill_empty_counted);
	tcase_add_test(tc, test_rx_ring_full_counted);
	tcase_add_test(tc, test_inject_too_long);
	tcase_add_test(tc, test_alloc_tx_cap);
	tcase_add_test(tc, test_alloc_free_stack);
	tcase_add_test(tc, test_hold_send_done);
	tcase_add_test(tc, test_release_idle);
	tcase_add_test(tc, test_release_in_flight);
	tcase_add_test(tc, test_max_held);
	tcase_add_test(tc, test_owners);
	tcase_add_test(tc, test_unsent);
	tcase_add_loop_test(tc, test_misuse_counted, 0, ARRAY_SIZE(misuse_cases));
	tcase_add_test(tc, test_kick_when_sending);
	tcase_add_loop_test(tc, test_census_detects, 0, ARRAY_SIZE(corruptions));
	suite_add_tcase(s, tc);

	/* Failing on purpose: contracts the code does not keep (see the comments). */
	{
		TCase *bugs = tcase_create("regressions");

		tcase_add_test(bugs, test_tx_same_frame_twice);
		tcase_add_test(bugs, test_kicks_per_iteration);
		suite_add_tcase(s, bugs);
	}
	return s;
}
