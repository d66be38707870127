// SPDX-License-Identifier: GPL-2.0
/* The TX context (svc/tx.h). */
#include "svc/tx.h"

#include <errno.h>
#include <string.h>

void xst_tx_init(struct xst_tx *tx, struct xst_io *io, struct xst_timer_wheel *timers)
{
	memset(tx, 0, sizeof(*tx));
	tx->io = io;
	tx->timers = timers;
	tx->alloc_left = XST_TX_ALLOC_BUDGET;
	tx->mtu = XST_TX_MTU_DEFAULT;
}

int xst_tx_alloc(struct xst_tx *tx, struct xst_io_buf *buf)
{
	if (!tx->alloc_left || xst_io_alloc(tx->io, buf)) {
		tx->alloc_failed++;
		return -ENOBUFS;
	}
	tx->alloc_left--;
	return 0;
}

void xst_tx_drop(struct xst_tx *tx, uint64_t addr)
{
	xst_io_free(tx->io, addr);
}

/* A frame the ring did not take: back to where it came from. */
static void reject(struct xst_tx *tx, const struct xst_io_buf *b)
{
	tx->errors++;
	xst_io_unsent(tx->io, b->addr);
}

void xst_tx_flush(struct xst_tx *tx)
{
	uint32_t sent, i;

	if (tx->n) {
		sent = xst_io_tx(tx->io, tx->q, tx->n);
		for (i = sent; i < tx->n; i++)
			reject(tx, &tx->q[i]);
		tx->sent += sent;
		tx->n = 0;
	}
	xst_io_flush(tx->io);
}

int xst_tx_queue_full(struct xst_tx *tx, const struct xst_io_buf *buf)
{
	xst_tx_flush(tx);
	if (tx->n == XST_TX_QUEUE) {
		reject(tx, buf);
		return -ENOSPC;
	}
	tx->q[tx->n++] = *buf;
	return 0;
}

int xst_tx_send(struct xst_tx *tx, const struct xst_io_buf *buf)
{
	int err = xst_tx_queue_reply(tx, buf);

	if (!err && tx->emitted)
		(*tx->emitted)++;
	return err;
}
