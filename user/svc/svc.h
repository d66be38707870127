/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the generic worker loop (svc/worker.h) and the
 * services that run on it (DNS over UDP today; own TCP/HTTP and the flood
 * filter next). The worker receives a batch, parses every frame down to its
 * L4 header (net/), drops what no service may see (net/host.h checks), and
 * hands each remaining frame to the service registered for its protocol and
 * destination port. The handler answers with a verdict:
 *
 *   DROP      nothing to send; the worker frees the frame (the service
 *             counts why in its own counters)
 *   REPLY     the frame now holds a reply of f->buf.len bytes, built in
 *             place: the worker queues it for TX (today's DNS path)
 *   CONSUMED  the frame was absorbed, and/or the handler emitted frames
 *             through the TX context (a ready copy sent instead of the
 *             frame, several TCP segments for one ACK, a pure ACK taken in);
 *             the worker frees the received frame
 *   PASS      for the kernel stack; handed to the worker's pass hook (the
 *             return path) or, without one, counted and freed
 *
 * Handlers run to completion on the worker's thread: no lock, no
 * allocation, no system call of their own (a TX queue that fills up is
 * flushed through the io, within the iteration's budget of io/io.h). Time is the worker's clock, read once per
 * iteration (core/clock.h). A service keeps its per-worker state in the
 * object it registered; timers live in the worker's wheel (core/timer.h),
 * reached through the TX context.
 */
#ifndef XST_SVC_SVC_H
#define XST_SVC_SVC_H

#include <stdint.h>

#include "io/io.h"
#include "net/net.h"

enum xst_verdict {
	XST_VERDICT_DROP,
	XST_VERDICT_REPLY,
	XST_VERDICT_CONSUMED,
	XST_VERDICT_PASS,
	XST_VERDICT_MAX
};

/* --send: how a service sends its prepared replies (DNS and HTTP alike). */
enum xst_send_mode {
	XST_SEND_MEMCPY,	/* copy the prepared bytes into the frame to send */
	XST_SEND_PRECOPY,	/* send ready copies held in the copy pool (svc/copypool.h) */
};

/* One received frame with its parsed layers. */
struct xst_frame {
	struct xst_io_buf buf;	/* as received; REPLY sets buf.len to the reply's length */
	struct xst_pkt pkt;	/* net/net.h: offsets of L3/L4, ports, VLAN tags */
};

struct xst_tx;			/* svc/tx.h */

/* A named counter of a service: the stats thread reads value_off bytes into its counters. */
struct xst_svc_counter {
	const char *name;	/* snake_case, < XST_STAT_NAME_LEN (steer_abi.h) */
	uint32_t off;		/* offset of the uint64_t in the service's counter block */
};

/* What a service gives the worker. Every hook but frame is optional. */
struct xst_svc_ops {
	const char *name;	/* "dns": the service's name in the stats */

	/* Start of an iteration, after the worker's quiescent point and
	 * before RX: pick up a reloaded database, flush what it invalidates. */
	void (*begin)(void *state, uint64_t now, struct xst_tx *tx);

	/* The frames of this batch that go to this service, before frame()
	 * runs on any of them: read-only work across the batch (lookahead). */
	void (*prepare)(void *state, struct xst_frame *const *frames, uint32_t n);

	enum xst_verdict (*frame)(void *state, struct xst_frame *f, uint64_t now,
				  struct xst_tx *tx);

	/* The service's own counters: names, and the block they are read
	 * from (written by the worker's thread only; relaxed loads). */
	const struct xst_svc_counter *counters;
	uint32_t nr_counters;
	const void *(*counter_block)(const void *state);
};

#endif /* XST_SVC_SVC_H */
