// SPDX-License-Identifier: GPL-2.0
/*
 * Ring handling common to both backends. The per-batch path: xst_io_refill()
 * (completions -> free stack -> fill ring), xst_io_rx(), xst_io_tx().
 */
#include "io/io.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "io/io_priv.h"

static inline uint64_t frame_base(const struct xst_io *io, uint64_t addr)
{
	return addr & ~((uint64_t)io->frame_size - 1);
}

static inline uint32_t frame_index(const struct xst_io *io, uint64_t addr)
{
	return (uint32_t)(addr >> io->frame_shift);
}

int xst_io_init_frames(struct xst_io *io)
{
	uint32_t i;

	io->free = calloc(io->nr_frames, sizeof(*io->free));
	io->fstate = calloc(io->nr_frames, 1);
	if (!io->free || !io->fstate) {
		xst_io_fini_frames(io);
		return -ENOMEM;
	}
	/* Pushed in reverse so that frame 0 is handed out first (easier to read in a dump). */
	for (i = 0; i < io->nr_frames; i++)
		io->free[i] = (uint64_t)(io->nr_frames - 1 - i) << io->frame_shift;
	io->nr_free = io->nr_frames;
	xst_io_refill(io);
	return 0;
}

void xst_io_fini_frames(struct xst_io *io)
{
	free(io->free);
	free(io->fstate);
	io->free = NULL;
	io->fstate = NULL;
	io->nr_free = 0;
}

int xst_io_fd(const struct xst_io *io)
{
	return io->fd;
}

int xst_io_zerocopy(const struct xst_io *io)
{
	return io->zerocopy;
}

uint32_t xst_io_frame_size(const struct xst_io *io)
{
	return io->frame_size;
}

uint32_t xst_io_nr_frames(const struct xst_io *io)
{
	return io->nr_frames;
}

uint32_t xst_io_nr_free(const struct xst_io *io)
{
	return io->nr_free;
}

uint32_t xst_io_nr_pinned(const struct xst_io *io)
{
	return io->nr_pinned;
}

void xst_io_free(struct xst_io *io, uint64_t addr)
{
	uint64_t base = frame_base(io, addr);

	uint8_t *st = &io->fstate[frame_index(io, base)];

	/* A pinned frame is never recycled, only released from its hold; the
	 * stack cannot overflow because every address on it came from it. */
	if (*st & XST_FRAME_PINNED) {
		*st &= ~XST_FRAME_BUSY;
		return;
	}
	io->free[io->nr_free++] = base;
}

static void kick_fill(struct xst_io *io)
{
	/* Zero-copy drivers stop consuming the fill ring when it ran dry and
	 * ask to be woken; copy mode never sets the flag. */
	if (io->kind == XST_IO_KIND_XSK && io->need_wakeup &&
	    xsk_ring_prod__needs_wakeup(&io->fill))
		recvfrom(io->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

void xst_io_refill(struct xst_io *io)
{
	uint32_t n, i, idx;

	n = xsk_ring_cons__peek(&io->comp, io->ring_size, &idx);
	for (i = 0; i < n; i++) {
		uint64_t base = frame_base(io, *xsk_ring_cons__comp_addr(&io->comp, idx + i));
		uint8_t *st = &io->fstate[frame_index(io, base)];

		if (*st & XST_FRAME_PINNED)
			*st &= ~XST_FRAME_BUSY;
		else
			io->free[io->nr_free++] = base;
	}
	if (n) {
		xsk_ring_cons__release(&io->comp, n);
		io->tx_pending -= n;
	}

	n = xsk_prod_nb_free(&io->fill, io->nr_free);
	if (n > io->nr_free)
		n = io->nr_free;
	if (n && xsk_ring_prod__reserve(&io->fill, n, &idx) == n) {
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&io->fill, idx + i) = io->free[--io->nr_free];
		xsk_ring_prod__submit(&io->fill, n);
	}
	kick_fill(io);
}

uint32_t xst_io_rx(struct xst_io *io, struct xst_io_buf *bufs, uint32_t max)
{
	uint32_t n, i, idx;

	n = xsk_ring_cons__peek(&io->rx, max, &idx);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&io->rx, idx + i);
		/* Aligned mode: the address carries the packet's offset in its frame. */
		uint32_t off = (uint32_t)(d->addr & (io->frame_size - 1));

		bufs[i].addr = d->addr;
		bufs[i].data = io->area + d->addr;
		bufs[i].len = d->len;
		bufs[i].cap = io->frame_size - off;
	}
	if (n)
		xsk_ring_cons__release(&io->rx, n);
	return n;
}

#define TX_KICKS_MAX	8	/* sendto() calls per kick in copy mode */

static void kick_tx(struct xst_io *io)
{
	int i;

	if (io->kind != XST_IO_KIND_XSK)
		return;
	if (io->need_wakeup && !xsk_ring_prod__needs_wakeup(&io->tx))
		return;
	/* Copy mode transmits inside sendto(), a budget of descriptors per
	 * call (32 on Linux 6.x), and says EAGAIN when it stopped at the
	 * budget with more on the ring: call again, a bounded number of times,
	 * so that one batch of replies leaves in one kick instead of piling up
	 * until the TX ring is full. A zero-copy driver sends asynchronously:
	 * one wake-up is enough. EBUSY/ENOBUFS: the kernel is still busy with
	 * earlier frames; they go with the next kick. Nothing is reported per batch. */
	for (i = 0; i < TX_KICKS_MAX; i++) {
		if (sendto(io->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0 || errno != EAGAIN ||
		    io->zerocopy)
			break;
	}
}

uint32_t xst_io_tx(struct xst_io *io, const struct xst_io_buf *bufs, uint32_t n)
{
	uint32_t room, i, idx;

	if (!n)
		return 0;
	room = xsk_prod_nb_free(&io->tx, n);
	if (room < n) {
		/* Push out what is on the ring, then collect the completions:
		 * slots come back instead of this batch being dropped. */
		kick_tx(io);
		xst_io_refill(io);
		room = xsk_prod_nb_free(&io->tx, n);
	}
	if (room > n)
		room = n;
	if (!room || xsk_ring_prod__reserve(&io->tx, room, &idx) != room) {
		kick_tx(io);
		return 0;
	}
	for (i = 0; i < room; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&io->tx, idx + i);
		uint8_t *st = &io->fstate[frame_index(io, bufs[i].addr)];

		d->addr = bufs[i].addr;
		d->len = bufs[i].len;
		d->options = 0;
		if (*st & XST_FRAME_PINNED)
			*st |= XST_FRAME_BUSY;
	}
	xsk_ring_prod__submit(&io->tx, room);
	io->tx_pending += room;
	kick_tx(io);
	return room;
}

int xst_io_wait(struct xst_io *io, int timeout_ms)
{
	struct pollfd pfd;

	if (io->kind != XST_IO_KIND_XSK)
		return xsk_cons_nb_avail(&io->rx, 1) ? 1 : 0;
	if (io->tx_pending) {
		/* Copy mode sends (and completes) inside sendto(): keep kicking
		 * while frames are outstanding and do not sleep long. */
		sendto(io->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		if (timeout_ms > 1)
			timeout_ms = 1;
	}
	pfd.fd = io->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, timeout_ms) > 0 && (pfd.revents & POLLIN);
}

int xst_io_pin_frame(struct xst_io *io, uint64_t *addr)
{
	uint64_t base;

	/* Keep enough unpinned frames for a full fill ring plus two batches in
	 * flight, or RX would starve. */
	if (!io->nr_free || io->nr_frames - io->nr_pinned < io->ring_size + 2 * XST_BATCH + 1)
		return -ENOMEM;
	base = io->free[--io->nr_free];
	io->nr_pinned++;
	io->fstate[frame_index(io, base)] = XST_FRAME_PINNED;
	*addr = base;
	return 0;
}

uint8_t *xst_io_data(struct xst_io *io, uint64_t addr)
{
	return io->area + addr;
}

void xst_io_frame_hold(struct xst_io *io, uint64_t addr)
{
	io->fstate[frame_index(io, addr)] |= XST_FRAME_BUSY;
}

int xst_io_frame_busy(const struct xst_io *io, uint64_t addr)
{
	return !!(io->fstate[frame_index(io, addr)] & XST_FRAME_BUSY);
}

void xst_io_destroy(struct xst_io *io)
{
	if (!io)
		return;
	if (io->kind == XST_IO_KIND_XSK) {
		xst_io_xsk_release(io);
	} else {
		free(io->mem_rings);
		free(io->area);
	}
	xst_io_fini_frames(io);
	free(io);
}
