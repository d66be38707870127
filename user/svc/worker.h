/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One worker per interface queue: the run-to-completion loop joining the
 * I/O layer (io/io.h) and the per-frame service (service.h).
 *
 * The prepared-answer database is reached through a struct xst_dbref: an
 * atomic pointer that a reload replaces, plus a generation counter. Readers
 * (workers, the TCP thread) announce the generation they have seen at the
 * top of every loop iteration, outside any use of the db (a quiescent state);
 * the old db is freed only once every reader has announced the new
 * generation. No lock on the data path.
 */
#ifndef XST_SVC_WORKER_H
#define XST_SVC_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "io/io.h"
#include "svc/dns_udp.h"

struct xst_dns_db;

#define XST_READER_OFFLINE	UINT64_MAX	/* a reader that holds no db at all */
#define XST_MAX_READERS		(64 + 1)	/* one per queue, plus the TCP thread */

struct xst_reader {
	_Atomic uint64_t seen;	/* last generation announced */
} __attribute__((aligned(64)));

struct xst_dbref {
	const struct xst_dns_db *_Atomic db;
	_Atomic uint64_t gen;
	struct xst_reader *readers[XST_MAX_READERS];
	unsigned int nr_readers;	/* fixed before any reader thread starts */
};

/* Set the initial db; no readers yet. */
void xst_dbref_init(struct xst_dbref *ref, const struct xst_dns_db *db);
/* Register a reader (before the threads start); it starts online at the current generation. */
int xst_dbref_add_reader(struct xst_dbref *ref, struct xst_reader *r);

/* Reader side, at a quiescent point: announce the generation, then take the db. */
static inline const struct xst_dns_db *xst_dbref_enter(struct xst_dbref *ref, struct xst_reader *r)
{
	atomic_store(&r->seen, atomic_load(&ref->gen));
	return atomic_load(&ref->db);
}

/* Reader side: this reader holds no db until its next xst_dbref_enter(). */
static inline void xst_dbref_offline(struct xst_reader *r)
{
	atomic_store(&r->seen, XST_READER_OFFLINE);
}

/*
 * Writer side (one writer: the main thread): publish db, wait until every
 * reader has passed a quiescent point, and return the previous db, which no
 * reader can still be using (the caller destroys it). Waits at most about a
 * reader's poll timeout.
 */
const struct xst_dns_db *xst_dbref_replace(struct xst_dbref *ref, const struct xst_dns_db *db);

enum xst_send_mode {
	XST_SEND_MEMCPY,	/* build the reply over the received frame */
	XST_SEND_PRECOPY,	/* send ready copies of replies held in pinned UMEM frames */
};

/* Counters of one worker, written by that worker only; readers use relaxed atomic loads. */
struct xst_worker_stats {
	uint64_t rx_packets;	/* frames taken from the RX ring */
	uint64_t tx_packets;	/* frames put on the TX ring */
	uint64_t rx_dropped;	/* frames the service dropped */
	uint64_t tx_errors;	/* replies lost: TX ring full */
	uint64_t batches;	/* loop iterations that received something */
	uint64_t idle_waits;	/* loop iterations that found nothing */
	uint64_t precopy_hits;	/* replies sent from a ready copy */
	uint64_t precopy_misses;/* precopy mode, reply built by memcpy */
	struct xst_service_stats svc;
} __attribute__((aligned(64)));

struct xst_precopy;

enum xst_ahead_mode {
	XST_AHEAD_AUTO,		/* when xst_dns_db_ahead() says the zones are large */
	XST_AHEAD_ON,
	XST_AHEAD_OFF,
};

struct xst_worker {
	struct xst_worker_stats stats;	/* first: its own cache lines */
	struct xst_reader reader;
	struct xst_io *io;
	struct xst_dbref *ref;
	const atomic_int *stop;		/* set by the main thread */
	unsigned int queue;
	int cpu;			/* -1: not pinned */
	int idle_timeout_ms;		/* poll() when idle; bounds the reload grace period */
	unsigned int batch;		/* RX descriptors per iteration, 1..XST_BATCH */
	enum xst_ahead_mode ahead;	/* DNS lookahead over a batch (dns/db.h) */
	enum xst_send_mode send;
	struct xst_precopy *pc;
	pthread_t thread;
	int started;
};

/*
 * Create a worker for io (not taken over). Registers its reader in ref.
 * Returns 0 or -errno; *out only on success.
 */
int xst_worker_create(struct xst_worker **out, struct xst_io *io, struct xst_dbref *ref,
		      unsigned int queue, int cpu, enum xst_send_mode send, const atomic_int *stop);
/* Joins the thread if started, frees the worker. NULL is a no-op. */
void xst_worker_destroy(struct xst_worker *w);

/* One loop iteration: refill, one RX batch through the service, TX. Returns frames received. */
uint32_t xst_worker_poll(struct xst_worker *w);

/* Start the thread (pinned to w->cpu when >= 0). 0 or -errno. */
int xst_worker_start(struct xst_worker *w);
/* Wait for the thread to end (after *stop was set). */
void xst_worker_join(struct xst_worker *w);

#endif /* XST_SVC_WORKER_H */
