/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TX context of one loop iteration: what handlers send beside in-place
 * replies. A handler may take free UMEM frames for new packets (within the
 * iteration's budget), queue them or frames it holds (ready copies of a
 * copy pool) for transmission, and reach the worker's timer wheel. The
 * worker flushes the queue to the TX ring when it fills and at the end of
 * every iteration; what the ring cannot take is counted as a TX error, an
 * allocated frame goes back to the free stack and a held frame back to its
 * holder (told through its done callback, as after a completion).
 *
 * One context per worker, used by that worker's thread only.
 */
#ifndef XST_SVC_TX_H
#define XST_SVC_TX_H

#include <stdint.h>

#include "core/timer.h"
#include "io/io.h"

#define XST_TX_QUEUE		256		/* frames queued before a flush to the ring */
#define XST_TX_ALLOC_BUDGET	(4 * XST_BATCH)	/* new frames a handler may take per iteration */
#define XST_TX_MTU_DEFAULT	1500		/* without a host view (tests) */

struct xst_tx {
	struct xst_io *io;
	struct xst_timer_wheel *timers;	/* the worker's */
	uint32_t n;			/* queued in q */
	uint32_t alloc_left;		/* of this iteration's allocation budget */
	uint32_t mtu;			/* the interface's: largest IP packet to send */
	uint64_t *emitted;		/* the current service's counter of sent frames */
	uint64_t sent;			/* frames the ring took (all services, replies included) */
	uint64_t errors;		/* frames the ring could not take */
	uint64_t alloc_failed;		/* xst_tx_alloc() refused: budget spent or no frame free */
	struct xst_io_buf q[XST_TX_QUEUE];
};

void xst_tx_init(struct xst_tx *tx, struct xst_io *io, struct xst_timer_wheel *timers);

/* Start of an iteration: renew the allocation budget. */
static inline void xst_tx_begin(struct xst_tx *tx)
{
	tx->alloc_left = XST_TX_ALLOC_BUDGET;
}

/*
 * A free frame for a new packet: buf gets its start (data, cap; len 0).
 * Returns 0, or -ENOBUFS (budget spent, no frame free, TX in-flight cap).
 * The frame must then go to xst_tx_send() or xst_tx_drop().
 */
int xst_tx_alloc(struct xst_tx *tx, struct xst_io_buf *buf);

/* Give back a frame from xst_tx_alloc() that will not be sent. */
void xst_tx_drop(struct xst_tx *tx, uint64_t addr);

/*
 * Queue buf (addr, len) for TX: a frame from xst_tx_alloc() or one the
 * caller holds (io/io.h). Counted as emitted by the current service.
 * Returns 0, or -ENOSPC when even a flush left no room (the frame is then
 * treated as the ring would: counted, given back).
 */
int xst_tx_send(struct xst_tx *tx, const struct xst_io_buf *buf);

/* The slow path of a queue that is full: flush, then queue (or reject). */
int xst_tx_queue_full(struct xst_tx *tx, const struct xst_io_buf *buf);

/* The worker's side: queue an in-place reply (not counted as emitted). */
static inline int xst_tx_queue_reply(struct xst_tx *tx, const struct xst_io_buf *buf)
{
	if (tx->n == XST_TX_QUEUE)
		return xst_tx_queue_full(tx, buf);
	tx->q[tx->n++] = *buf;
	return 0;
}

/* Put the queue on the TX ring (kicking within the iteration's budget). */
void xst_tx_flush(struct xst_tx *tx);

#endif /* XST_SVC_TX_H */
