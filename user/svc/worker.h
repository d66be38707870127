/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic worker: one thread per interface queue, run to completion,
 * knowing no protocol. Each iteration:
 *
 *   quiescent point (RCU) -> one clock read -> io begin (completions reaped,
 *   fill ring topped up) -> services' begin hooks -> due timers -> one RX
 *   batch -> parse (net/) and host checks (net/host.h) -> dispatch by
 *   (protocol, destination port) to the registered services (svc/svc.h):
 *   their prepare hooks over the batch, then their handler per frame ->
 *   TX flush (also when nothing was received)
 *
 * and when an iteration found nothing to do (no frame, no timer), it waits
 * for RX at most until the next timer (and at most idle_timeout_ms), offline
 * for RCU so that a reload never waits for an idle worker.
 *
 * System calls per iteration: those of io/io.h (at most XST_IO_KICKS_MAX
 * sendto(), at most one recvfrom() in zero-copy mode) and one poll() when it
 * waits; the clock read is a vDSO call. Nothing is allocated or logged.
 */
#ifndef XST_SVC_WORKER_H
#define XST_SVC_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/rcu.h"
#include "core/timer.h"
#include "io/io.h"
#include "svc/svc.h"
#include "svc/tx.h"

#define XST_WORKER_SVC_MAX	4	/* services per worker (steer_abi.h: XST_QSTATS_SVC_MAX) */
#define XST_WORKER_RULES_MAX	16	/* (protocol, port) dispatch rules */

/* Why the worker dropped a frame before any service saw it. */
enum xst_wdrop {
	XST_WDROP_MALFORMED,	/* failed a length or format check in net/ */
	XST_WDROP_UNSUPPORTED,	/* 3+ VLAN tags, non-IP, IPv6 options that must not be skipped */
	XST_WDROP_FRAGMENT,
	XST_WDROP_NOT_UNICAST,	/* group MAC, multicast/broadcast/unspecified address */
	XST_WDROP_MARTIAN,	/* impossible source (net/host.h) */
	XST_WDROP_FOREIGN_MAC,	/* not to the interface's MAC */
	XST_WDROP_FOREIGN_VLAN,	/* VLAN tags of no VLAN device */
	XST_WDROP_NO_SERVICE,	/* no service for the protocol and port */
	XST_WDROP_FOREIGN_DST,	/* destination not an address this host serves */
	XST_WDROP_MAX
};

/* What the worker counts for each service (svc/svc.h verdicts). */
struct xst_svc_counts {
	uint64_t rx;
	uint64_t replied;
	uint64_t consumed;
	uint64_t passed;
	uint64_t dropped;
	uint64_t emitted;	/* frames sent through the TX context */
};

/* Written by the worker's thread only; the stats thread reads them relaxed. */
struct xst_worker_stats {
	uint64_t rx_packets;	/* frames taken from the RX ring */
	uint64_t tx_packets;	/* frames the TX ring took */
	uint64_t tx_errors;	/* frames the TX ring could not take */
	uint64_t batches;	/* iterations that received something */
	uint64_t idle_waits;	/* waits for RX */
	uint64_t timers;	/* timers fired */
	uint64_t passed;	/* verdict pass, all services */
	uint64_t alloc_failed;	/* xst_tx_alloc() refused (budget, no free frame) */
	uint64_t rx_dropped;	/* every frame dropped: drop[] plus the services' drops */
	uint64_t drop[XST_WDROP_MAX];
} __attribute__((aligned(64)));

struct xst_svc_slot {
	const struct xst_svc_ops *ops;
	void *state;
	struct xst_svc_counts c;
};

struct xst_svc_rule {
	uint8_t proto;		/* XST_IPPROTO_UDP / XST_IPPROTO_TCP */
	uint16_t port;		/* destination port, host order */
};

/* The return path for verdict pass: takes the frame (and must free it). */
typedef void (*xst_worker_pass_fn)(void *arg, struct xst_io *io, struct xst_frame *f);

struct xst_worker_cfg {
	struct xst_io *io;		/* not taken over */
	struct xst_rcu *rcu;		/* the reload domain (the worker registers a reader) */
	struct xst_rcu_ptr *host;	/* const struct xst_host * (net/host.h); NULL: no host checks */
	const atomic_int *stop;		/* set by the main thread */
	unsigned int queue;
	int cpu;			/* -1: not pinned */
	unsigned int batch;		/* RX frames per iteration, 1..XST_BATCH (0: XST_BATCH) */
	int idle_timeout_ms;		/* longest wait (0: 100) */
};

struct xst_worker {
	struct xst_worker_stats stats;	/* first: its own cache lines */
	struct xst_rcu_reader reader;
	struct xst_worker_cfg cfg;
	struct xst_svc_slot svc[XST_WORKER_SVC_MAX];
	uint32_t nr_svc;
	struct {
		uint8_t proto;
		uint8_t slot;
		uint16_t port;
	} rule[XST_WORKER_RULES_MAX];
	uint32_t nr_rules;
	xst_worker_pass_fn pass;
	void *pass_arg;
	_Atomic int error;		/* why the thread stopped on its own: -errno */
	pthread_t thread;
	int started;
	struct xst_timer_wheel timers;
	struct xst_tx tx;
};

/* A worker for cfg->io. Registers its RCU reader. 0 or -errno; *out only on success. */
int xst_worker_create(struct xst_worker **out, const struct xst_worker_cfg *cfg);
/* Joins the thread if started, frees the worker (not the io, not the services). NULL: no-op. */
void xst_worker_destroy(struct xst_worker *w);

/*
 * Register a service before the thread starts: ops, its per-worker state, and
 * the (protocol, port) pairs it is given. Returns the service's slot, or
 * -ENOSPC (too many services or rules), -EEXIST (a pair taken already).
 */
int xst_worker_add_service(struct xst_worker *w, const struct xst_svc_ops *ops, void *state,
			   const struct xst_svc_rule *rules, uint32_t nr);

/* Where verdict pass goes (the flood filter's return path); NULL: counted and freed. */
void xst_worker_set_pass(struct xst_worker *w, xst_worker_pass_fn fn, void *arg);

/*
 * One iteration at time now (ns, worker clock). Returns the work done:
 * frames received plus timers fired (0: the loop may wait).
 */
uint32_t xst_worker_poll(struct xst_worker *w, uint64_t now);

/*
 * The wait after an idle iteration: at most until the next timer, at most
 * idle_timeout_ms; offline for RCU meanwhile. Returns 0, or the io's -errno
 * (the socket failed: the thread stops).
 */
int xst_worker_idle(struct xst_worker *w, uint64_t now);

/* Start the thread (pinned to cfg.cpu when >= 0, every signal blocked). 0 or -errno. */
int xst_worker_start(struct xst_worker *w);
/* Wait for the thread to end (after *stop was set, or on its own error). */
void xst_worker_join(struct xst_worker *w);
/* 0 while running normally; the -errno that stopped the thread. */
static inline int xst_worker_error(const struct xst_worker *w)
{
	return atomic_load_explicit(&w->error, memory_order_relaxed);
}

#endif /* XST_SVC_WORKER_H */
