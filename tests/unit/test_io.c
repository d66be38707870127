// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O layer over the in-memory backend: ring mechanics, frame
 * conservation (no leak over many iterations), the fill ring never running
 * dry, TX back-pressure, pinned frames.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"

#define HEADROOM 256

static struct xst_io *mk(uint32_t frames, uint32_t ring)
{
	struct xst_io_cfg cfg = {
		.nr_frames = frames,
		.frame_size = 4096,
		.ring_size = ring,
		.need_wakeup = 1,
		.mem_headroom = HEADROOM,
	};
	struct xst_io *io = NULL;

	ck_assert_int_eq(xst_io_mem_create(&io, &cfg), 0);
	ck_assert_ptr_nonnull(io);
	return io;
}

struct sink {
	uint32_t n;
	uint32_t bad;
	uint8_t last[2048];
	uint32_t last_len;
};

static void sink_fn(void *arg, const uint8_t *data, uint32_t len)
{
	struct sink *s = arg;

	/* Frames built by pattern(): byte i is (seq + i) & 0xff, seq in byte 0. */
	for (uint32_t i = 1; i < len; i++)
		if (data[i] != (uint8_t)(data[0] + i))
			s->bad++;
	s->n++;
	s->last_len = len < sizeof(s->last) ? len : sizeof(s->last);
	memcpy(s->last, data, s->last_len);
}

static uint32_t pattern(uint8_t *buf, uint32_t seq, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seq + i);
	return len;
}

START_TEST(test_create_fills)
{
	struct xst_io *io = mk(512, 256);

	ck_assert_uint_eq(xst_io_mem_fill_level(io), 256);
	ck_assert_uint_eq(xst_io_nr_free(io), 512 - 256);
	ck_assert_int_eq(xst_io_fd(io), -1);
	ck_assert_uint_eq(xst_io_frame_size(io), 4096);
	xst_io_destroy(io);
	xst_io_destroy(NULL);
}
END_TEST

START_TEST(test_bad_cfg)
{
	struct xst_io_cfg cfg = { .nr_frames = 500, .frame_size = 4096 };
	struct xst_io *io = (struct xst_io *)0x1;

	ck_assert_int_eq(xst_io_mem_create(&io, &cfg), -EINVAL);
	ck_assert_ptr_eq(io, (struct xst_io *)0x1);	/* untouched on failure */
	cfg.nr_frames = 512;
	cfg.frame_size = 1000;
	ck_assert_int_eq(xst_io_mem_create(&io, &cfg), -EINVAL);
	cfg.frame_size = 4096;
	cfg.ring_size = 1024;	/* larger than the UMEM */
	ck_assert_int_eq(xst_io_mem_create(&io, &cfg), -EINVAL);
}
END_TEST

/* Receive, echo back with a changed length, transmit, complete: many rounds. */
START_TEST(test_echo_no_leak)
{
	struct xst_io *io = mk(512, 256);
	struct xst_io_buf b[XST_BATCH];
	struct xst_io_xdp_stats xs;
	struct sink s = { 0 };
	uint8_t frame[1500];
	uint32_t seq = 0, round, i, n, got = 0, dropped = 0;

	for (round = 0; round < 2000; round++) {
		uint32_t k = 1 + round % XST_BATCH;

		xst_io_refill(io);
		/* The fill ring is topped up to full at every refill. */
		ck_assert_uint_eq(xst_io_mem_fill_level(io), 256);
		for (i = 0; i < k; i++)
			ck_assert_int_eq(xst_io_mem_inject(io, frame,
							   pattern(frame, seq++, 60 + i * 7)), 0);
		n = xst_io_rx(io, b, XST_BATCH);
		ck_assert_uint_eq(n, k);
		for (i = 0; i < n; i++) {
			ck_assert_uint_eq(b[i].cap, 4096 - HEADROOM);
			ck_assert_uint_eq(b[i].addr % 4096, HEADROOM);
			ck_assert_uint_eq(b[i].len, 60 + i * 7);
		}
		/* Drop every third, shorten the others. */
		uint32_t ntx = 0;
		struct xst_io_buf out[XST_BATCH];

		for (i = 0; i < n; i++) {
			if (i % 3 == 2) {
				xst_io_free(io, b[i].addr);
				dropped++;
				continue;
			}
			out[ntx] = b[i];
			out[ntx].len = b[i].len - 1;
			ntx++;
		}
		ck_assert_uint_eq(xst_io_tx(io, out, ntx), ntx);
		got += ntx;
		ck_assert_uint_eq(xst_io_mem_drain_tx(io, sink_fn, &s), ntx);
	}
	xst_io_refill(io);
	ck_assert_uint_eq(s.n, got);
	ck_assert_uint_eq(s.bad, 0);
	ck_assert_uint_gt(dropped, 0);
	/* Every frame is back: free stack + fill ring = the whole UMEM. */
	ck_assert_uint_eq(xst_io_nr_free(io) + xst_io_mem_fill_level(io), 512);
	ck_assert_int_eq(xst_io_xdp_stats(io, &xs), 0);
	ck_assert_uint_eq(xs.rx_fill_ring_empty_descs, 0);
	ck_assert_uint_eq(xs.tx_invalid_descs, 0);
	xst_io_destroy(io);
}
END_TEST

/* Without completions reaped the TX ring fills: tx returns fewer, never more. */
START_TEST(test_tx_backpressure)
{
	struct xst_io *io = mk(1024, 128);
	struct xst_io_buf b[XST_BATCH];
	uint8_t frame[100];
	uint32_t sent = 0, refused = 0, round, i, n;

	for (round = 0; round < 4; round++) {
		xst_io_refill(io);
		for (i = 0; i < XST_BATCH; i++)
			ck_assert_int_eq(xst_io_mem_inject(io, frame, pattern(frame, i, 100)), 0);
		n = xst_io_rx(io, b, XST_BATCH);
		ck_assert_uint_eq(n, XST_BATCH);
		uint32_t s = xst_io_tx(io, b, n);

		for (i = s; i < n; i++) {
			xst_io_free(io, b[i].addr);
			refused++;
		}
		sent += s;
	}
	ck_assert_uint_eq(sent, 128);		/* exactly the ring */
	ck_assert_uint_eq(refused, 4 * XST_BATCH - 128);
	ck_assert_uint_eq(xst_io_mem_drain_tx(io, NULL, NULL), 128);
	xst_io_refill(io);
	ck_assert_uint_eq(xst_io_nr_free(io) + xst_io_mem_fill_level(io), 1024);
	xst_io_destroy(io);
}
END_TEST

/* The kernel side: an empty fill ring is counted and refuses, a full RX ring too. */
START_TEST(test_fill_empty_counted)
{
	struct xst_io *io = mk(256, 128);
	struct xst_io_xdp_stats xs;
	uint8_t frame[64] = { 0 };
	uint32_t i;

	for (i = 0; i < 128; i++)
		ck_assert_int_eq(xst_io_mem_inject(io, frame, sizeof(frame)), 0);
	/* The worker did not refill: the fill ring is dry, the frame is lost and counted. */
	ck_assert_uint_eq(xst_io_mem_fill_level(io), 0);
	ck_assert_int_eq(xst_io_mem_inject(io, frame, sizeof(frame)), -ENOBUFS);
	ck_assert_int_eq(xst_io_xdp_stats(io, &xs), 0);
	ck_assert_uint_eq(xs.rx_fill_ring_empty_descs, 1);
	/* Refilled, but nobody consumed RX: the RX ring is full. */
	xst_io_refill(io);
	ck_assert_uint_eq(xst_io_mem_fill_level(io), 128);
	ck_assert_int_eq(xst_io_mem_inject(io, frame, sizeof(frame)), -ENOSPC);
	ck_assert_int_eq(xst_io_xdp_stats(io, &xs), 0);
	ck_assert_uint_eq(xs.rx_ring_full, 1);
	/* Too big for a frame after the headroom. */
	static uint8_t big[4096];

	ck_assert_int_eq(xst_io_mem_inject(io, big, sizeof(big)), -EMSGSIZE);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_pinned_frames)
{
	struct xst_io *io = mk(1024, 256);
	struct xst_io_buf b;
	uint64_t addr;
	uint32_t before = xst_io_nr_free(io);

	ck_assert_int_eq(xst_io_pin_frame(io, &addr), 0);
	ck_assert_uint_eq(addr % 4096, 0);
	ck_assert_uint_eq(xst_io_nr_free(io), before - 1);
	memset(xst_io_data(io, addr), 0xab, 100);
	ck_assert(!xst_io_frame_busy(io, addr));
	b = (struct xst_io_buf){ .addr = addr, .len = 100 };
	ck_assert_uint_eq(xst_io_tx(io, &b, 1), 1);
	ck_assert(xst_io_frame_busy(io, addr));
	ck_assert_uint_eq(xst_io_mem_drain_tx(io, NULL, NULL), 1);
	ck_assert(xst_io_frame_busy(io, addr));	/* until the completion is reaped */
	xst_io_refill(io);
	ck_assert(!xst_io_frame_busy(io, addr));
	/* A completed pinned frame does not go back to the free stack or fill ring. */
	ck_assert_uint_eq(xst_io_nr_free(io) + xst_io_mem_fill_level(io), 1024 - 1);
	xst_io_frame_hold(io, addr);
	ck_assert(xst_io_frame_busy(io, addr));
	xst_io_free(io, addr);	/* for a pinned frame: releases the hold, never recycles */
	ck_assert(!xst_io_frame_busy(io, addr));
	ck_assert_uint_eq(xst_io_nr_free(io) + xst_io_mem_fill_level(io), 1024 - 1);
	/* Pinning stops before RX could starve. */
	uint32_t pinned = 1;

	while (!xst_io_pin_frame(io, &addr))
		pinned++;
	ck_assert_uint_le(pinned, 1024 - 256 - 2 * XST_BATCH);
	ck_assert_uint_gt(pinned, 1);
	xst_io_destroy(io);
}
END_TEST

Suite *io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("mem");

	tcase_add_test(tc, test_create_fills);
	tcase_add_test(tc, test_bad_cfg);
	tcase_add_test(tc, test_echo_no_leak);
	tcase_add_test(tc, test_tx_backpressure);
	tcase_add_test(tc, test_fill_empty_counted);
	tcase_add_test(tc, test_pinned_frames);
	suite_add_tcase(s, tc);
	return s;
}
