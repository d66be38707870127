// SPDX-License-Identifier: GPL-2.0
/*
 * Frame ownership and ring handling common to both backends (io/io.h). The
 * per-iteration path: xst_io_begin() (completions -> free stack or holder,
 * free stack -> fill ring), xst_io_rx(), handlers, xst_io_tx(),
 * xst_io_flush(). Each frame's place is kept in fstate so that every call can
 * check it is given a frame in the right place (a wrong one is counted as
 * misuse and ignored, never corrupts the free stack).
 */
#include "io/io.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
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

static int is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int xst_io_cfg_check(const struct xst_io_cfg *in, struct xst_io_cfg *out, char *why, size_t len)
{
	struct xst_io_cfg c = *in;
	char none[1];
	uint64_t need;

	if (!why || !len) {
		why = none;	/* a caller that wants no reason */
		len = sizeof(none);
	}
	why[0] = 0;
	if (!is_pow2(c.nr_frames) || c.nr_frames < 256) {
		snprintf(why, len, "%u frames: a power of two, at least 256, is needed", c.nr_frames);
		return -EINVAL;
	}
	if (c.frame_size != 2048 && c.frame_size != 4096) {
		snprintf(why, len, "frame size %u: 2048 or 4096 only", c.frame_size);
		return -EINVAL;
	}
	if (!c.fill_size)
		c.fill_size = c.nr_frames / 4;
	if (!c.rx_size)
		c.rx_size = c.nr_frames / 4;
	if (!c.tx_size)
		c.tx_size = c.nr_frames / 4;
	if (!c.comp_size)
		c.comp_size = c.tx_size;
	if (!c.batch)
		c.batch = XST_BATCH;
	if (!is_pow2(c.fill_size) || !is_pow2(c.rx_size) || !is_pow2(c.tx_size) ||
	    !is_pow2(c.comp_size)) {
		snprintf(why, len, "ring sizes fill %u, rx %u, tx %u, completion %u: powers of two only",
			 c.fill_size, c.rx_size, c.tx_size, c.comp_size);
		return -EINVAL;
	}
	if (c.comp_size < c.tx_size) {
		snprintf(why, len, "completion ring %u is smaller than the TX ring %u", c.comp_size,
			 c.tx_size);
		return -EINVAL;
	}
	if (c.batch > c.rx_size) {
		snprintf(why, len, "RX batch %u is larger than the RX ring %u", c.batch, c.rx_size);
		return -EINVAL;
	}
	if (c.mem_headroom >= c.frame_size / 2) {
		snprintf(why, len, "headroom %u leaves no room in a %u-byte frame", c.mem_headroom,
			 c.frame_size);
		return -EINVAL;
	}
	need = (uint64_t)c.fill_size + c.rx_size + c.batch + c.tx_size;
	if (need > c.nr_frames) {
		snprintf(why, len,
			 "frame budget: fill ring %u + RX ring %u + RX batch %u + TX in flight %u = "
			 "%llu frames, more than the UMEM's %u (give more frames or smaller rings)",
			 c.fill_size, c.rx_size, c.batch, c.tx_size, (unsigned long long)need,
			 c.nr_frames);
		return -EINVAL;
	}
	if (c.max_held == UINT32_MAX) {
		c.max_held = (uint32_t)(c.nr_frames - need);
	} else if (need + c.max_held > c.nr_frames) {
		snprintf(why, len,
			 "frame budget: fill ring %u + RX ring %u + RX batch %u + TX in flight %u + "
			 "held %u = %llu frames, more than the UMEM's %u",
			 c.fill_size, c.rx_size, c.batch, c.tx_size, c.max_held,
			 (unsigned long long)(need + c.max_held), c.nr_frames);
		return -EINVAL;
	}
	if (out)
		*out = c;
	return 0;
}

int xst_io_init_frames(struct xst_io *io)
{
	uint32_t i;

	io->free = calloc(io->nr_frames, sizeof(*io->free));
	io->fstate = calloc(io->nr_frames, 1);
	io->fowner = calloc(io->nr_frames, 1);
	if (!io->free || !io->fstate || !io->fowner) {
		xst_io_fini_frames(io);
		return -ENOMEM;
	}
	/* Pushed in reverse so that frame 0 is handed out first (easier to read in a dump). */
	for (i = 0; i < io->nr_frames; i++)
		io->free[i] = (uint64_t)(io->nr_frames - 1 - i) << io->frame_shift;
	io->nr_free = io->nr_frames;
	io->kicks_left = XST_IO_KICKS_MAX;
	xst_io_begin(io);
	return 0;
}

void xst_io_fini_frames(struct xst_io *io)
{
	free(io->free);
	free(io->fstate);
	free(io->fowner);
	io->free = NULL;
	io->fstate = NULL;
	io->fowner = NULL;
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

const struct xst_io_cfg *xst_io_cfg(const struct xst_io *io)
{
	return &io->cfg;
}

uint32_t xst_io_rx_max_len(const struct xst_io *io)
{
	uint32_t head = io->kind == XST_IO_KIND_MEM ? io->cfg.mem_headroom : XST_IO_RX_HEADROOM;

	return io->frame_size - head;
}

/* Gauges the stats thread reads while the worker writes them: relaxed loads. */
uint32_t xst_io_nr_free(const struct xst_io *io)
{
	return __atomic_load_n(&io->nr_free, __ATOMIC_RELAXED);
}

uint32_t xst_io_nr_held(const struct xst_io *io)
{
	return __atomic_load_n(&io->nr_held, __ATOMIC_RELAXED);
}

const struct xst_io_stats *xst_io_stats(const struct xst_io *io)
{
	return &io->stats;
}

int xst_io_error(const struct xst_io *io)
{
	return io->error;
}

static inline void push_free(struct xst_io *io, uint64_t base, uint8_t *st)
{
	*st = F_FREE;
	/* Cannot overflow: a frame reaches here only from a place other than
	 * free (its state said so), and there are nr_frames of them. */
	io->free[io->nr_free++] = base;
}

void xst_io_free(struct xst_io *io, uint64_t addr)
{
	uint64_t base = frame_base(io, addr);
	uint8_t *st;

	if (base >= io->area_len) {
		io->stats.misuse++;
		return;
	}
	st = &io->fstate[frame_index(io, base)];
	if ((*st & F_PLACE) != F_USER) {
		io->stats.misuse++;
		return;
	}
	if (*st & F_ALLOC)
		io->nr_alloc--;
	io->nr_user--;
	push_free(io, base, st);
}

void xst_io_unsent(struct xst_io *io, uint64_t addr)
{
	uint64_t base = frame_base(io, addr);
	uint32_t fi;

	if (base >= io->area_len) {
		io->stats.misuse++;
		return;
	}
	fi = frame_index(io, base);
	if (io->fstate[fi] == F_HELD) {
		const struct xst_io_owner *o = &io->owner[io->fowner[fi]];

		if (o->done)
			o->done(o->arg, base);
		return;
	}
	xst_io_free(io, addr);
}

int xst_io_alloc(struct xst_io *io, struct xst_io_buf *buf)
{
	uint64_t base;

	/* Allocated frames are for TX: they count against its in-flight cap,
	 * which keeps user + TX frames within the budget. */
	if (!io->nr_free || io->nr_tx + io->nr_alloc >= io->cfg.tx_size)
		return -ENOBUFS;
	base = io->free[--io->nr_free];
	io->fstate[frame_index(io, base)] = F_USER | F_ALLOC;
	io->nr_user++;
	io->nr_alloc++;
	buf->addr = base;
	buf->data = io->area + base;
	buf->len = 0;
	buf->cap = io->frame_size;
	return 0;
}

static void kick_fill(struct xst_io *io)
{
	/* Zero-copy drivers stop consuming the fill ring when it ran dry and
	 * ask to be woken; copy mode never sets the flag. */
	if (io->kind == XST_IO_KIND_XSK && io->cfg.need_wakeup &&
	    xsk_ring_prod__needs_wakeup(&io->fill))
		recvfrom(io->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

static void complete(struct xst_io *io, uint64_t addr)
{
	uint64_t base = frame_base(io, addr);
	uint8_t *st;

	if (base >= io->area_len) {
		io->stats.misuse++;	/* the kernel never hands back what it was not given */
		return;
	}
	st = &io->fstate[frame_index(io, base)];
	if ((*st & F_PLACE) == F_TX) {
		io->nr_tx--;
		push_free(io, base, st);
	} else if ((*st & F_PLACE) == F_HELD && (*st & F_SENDING)) {
		io->nr_tx--;
		io->nr_held_tx--;
		if (*st & F_ORPHAN) {
			io->nr_held--;
			push_free(io, base, st);
		} else {
			const struct xst_io_owner *o = &io->owner[io->fowner[frame_index(io, base)]];

			*st = F_HELD;
			if (o->done)
				o->done(o->arg, base);
		}
	} else {
		io->stats.misuse++;
	}
}

/* Completed sends: frames back to the free stack, or to their holder. */
static void reap(struct xst_io *io)
{
	uint32_t n, i, idx;

	n = xsk_ring_cons__peek(&io->comp, io->cfg.comp_size, &idx);
	for (i = 0; i < n; i++)
		complete(io, *xsk_ring_cons__comp_addr(&io->comp, idx + i));
	if (n)
		xsk_ring_cons__release(&io->comp, n);
}

void xst_io_begin(struct xst_io *io)
{
	uint32_t n, i, idx, budget;

	io->kicks_left = XST_IO_KICKS_MAX;
	reap(io);

	n = xsk_prod_nb_free(&io->fill, io->nr_free);
	if (n > io->nr_free)
		n = io->nr_free;
	/* The budget gives RX the fill ring plus the RX ring. A zero-copy
	 * driver also keeps frames it took from the fill ring in its own
	 * descriptor ring: never give the kernel more than the budget says. */
	budget = io->cfg.fill_size + io->cfg.rx_size;
	budget = io->nr_krx < budget ? budget - io->nr_krx : 0;
	if (n > budget)
		n = budget;
	if (n && xsk_ring_prod__reserve(&io->fill, n, &idx) == n) {
		for (i = 0; i < n; i++) {
			uint64_t base = io->free[--io->nr_free];

			io->fstate[frame_index(io, base)] = F_KRX;
			*xsk_ring_prod__fill_addr(&io->fill, idx + i) = base;
		}
		io->nr_krx += n;
		xsk_ring_prod__submit(&io->fill, n);
	}
	kick_fill(io);
}

uint32_t xst_io_rx(struct xst_io *io, struct xst_io_buf *bufs, uint32_t max)
{
	uint32_t n, i, idx, taken = 0;

	n = xsk_ring_cons__peek(&io->rx, max, &idx);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&io->rx, idx + i);
		uint64_t base = frame_base(io, d->addr);
		/* Aligned mode: the address carries the packet's offset in its frame. */
		uint32_t off = (uint32_t)(d->addr & (io->frame_size - 1));
		uint8_t *st;

		/* Only frames given through the fill ring come back: anything
		 * else is a bug somewhere, counted and left alone. */
		if (base >= io->area_len || *(st = &io->fstate[frame_index(io, base)]) != F_KRX) {
			io->stats.misuse++;
			continue;
		}
		if (d->len > io->frame_size - off) {
			/* ours, but a length past its frame: back to the free stack */
			io->stats.misuse++;
			io->nr_krx--;
			push_free(io, base, st);
			continue;
		}
		*st = F_USER;
		bufs[taken].addr = d->addr;
		bufs[taken].data = io->area + d->addr;
		bufs[taken].len = d->len;
		bufs[taken].cap = io->frame_size - off;
		taken++;
	}
	if (n)
		xsk_ring_cons__release(&io->rx, n);
	io->nr_krx -= taken;
	io->nr_user += taken;
	return taken;
}

/*
 * Push the TX ring within the iteration's budget. A copy-mode socket
 * transmits inside sendto(), 32 descriptors per call on Linux 6.x, and says
 * EAGAIN when it stopped at that budget with more on the ring: call again,
 * while the budget lasts, so that a batch leaves in one iteration instead of
 * piling up. A zero-copy driver sends asynchronously: one wake-up, and only
 * when it asks. EBUSY/ENOBUFS: the kernel is still busy with earlier
 * frames; they go with the next kick. Other errors are counted and kept
 * (ENXIO/ENETDOWN: the interface is gone, the worker stops).
 */
static void kick_tx(struct xst_io *io)
{
	if (io->kind != XST_IO_KIND_XSK) {
		/* what a socket would have cost, within the same budget */
		if (io->kicks_left) {
			io->kicks_left--;
			io->stats.tx_kicks++;
		}
		return;
	}
	if (io->cfg.need_wakeup && !xsk_ring_prod__needs_wakeup(&io->tx))
		return;
	while (io->kicks_left) {
		int e;

		io->kicks_left--;
		io->stats.tx_kicks++;
		if (sendto(io->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			return;
		e = errno;
		if (e == EAGAIN && !io->zerocopy)
			continue;
		if (e == EAGAIN || e == EBUSY || e == ENOBUFS || e == EINTR)
			return;
		io->stats.kick_errors++;
		io->stats.last_kick_errno = e;
		if (e == ENXIO || e == ENETDOWN || e == ENODEV || e == EBADF)
			io->error = -e;
		return;
	}
}

/* TX ring entries the kernel has not consumed yet. */
static inline uint32_t tx_unconsumed(const struct xst_io *io)
{
	return *io->tx.producer - __atomic_load_n(io->tx.consumer, __ATOMIC_ACQUIRE);
}

uint32_t xst_io_tx_room(const struct xst_io *io)
{
	uint32_t cap = io->cfg.tx_size > io->nr_tx ? io->cfg.tx_size - io->nr_tx : 0;
	uint32_t ring = io->cfg.tx_size - tx_unconsumed(io);

	return cap < ring ? cap : ring;
}

uint32_t xst_io_tx(struct xst_io *io, const struct xst_io_buf *bufs, uint32_t n)
{
	uint32_t room, i, idx, held = 0, alloc = 0;

	if (!n)
		return 0;
	room = xst_io_tx_room(io);
	if (room < n) {
		/* Push out what is on the ring and collect the completions:
		 * slots come back instead of this batch being dropped. */
		kick_tx(io);
		room = xst_io_tx_room(io);
		if (room < n) {
			reap(io);
			room = xst_io_tx_room(io);
		}
	}
	if (room > n)
		room = n;
	if (!room || xsk_ring_prod__reserve(&io->tx, room, &idx) != room)
		return 0;
	for (i = 0; i < room; i++) {
		uint64_t base = frame_base(io, bufs[i].addr);
		struct xdp_desc *d;
		uint8_t *st;

		/* Only the caller's frames (user, or held and idle) go out; the
		 * first other one ends the batch (counted as misuse). */
		if (base >= io->area_len ||
		    (bufs[i].addr & (io->frame_size - 1)) + bufs[i].len > io->frame_size)
			break;
		st = &io->fstate[frame_index(io, base)];
		if (*st == F_HELD) {
			*st = F_HELD | F_SENDING;
			held++;
		} else if ((*st & F_PLACE) == F_USER) {
			alloc += !!(*st & F_ALLOC);
			*st = F_TX;
		} else {
			break;
		}
		d = xsk_ring_prod__tx_desc(&io->tx, idx + i);
		d->addr = bufs[i].addr;
		d->len = bufs[i].len;
		d->options = 0;
	}
	if (i < room) {
		io->stats.misuse++;
		/* Reserved slots cannot be given back: libxdp has no call for it,
		 * so the reservation is rolled back by hand (as Knot does). */
		io->tx.cached_prod -= room - i;
		room = i;
	}
	io->nr_user -= room - held;
	io->nr_alloc -= alloc;
	io->nr_held_tx += held;
	io->nr_tx += room;
	if (room)
		xsk_ring_prod__submit(&io->tx, room);
	kick_tx(io);
	return room;
}

void xst_io_flush(struct xst_io *io)
{
	if (io->kind == XST_IO_KIND_XSK && tx_unconsumed(io))
		kick_tx(io);
}

int xst_io_wait(struct xst_io *io, int timeout_ms)
{
	struct pollfd pfd;
	int n;

	if (io->kind != XST_IO_KIND_XSK)
		return xsk_cons_nb_avail(&io->rx, 1) ? 1 : 0;
	if (io->error)
		return io->error;
	if (io->nr_tx) {
		/* Copy mode sends (and completes) inside sendto(): keep kicking
		 * while frames are outstanding and do not sleep long. */
		if (tx_unconsumed(io))
			kick_tx(io);
		if (timeout_ms > 1)
			timeout_ms = 1;
	}
	pfd.fd = io->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
		int soerr = 0;
		socklen_t sl = sizeof(soerr);

		if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || !soerr)
			soerr = ENETDOWN;
		io->error = -soerr;
		return io->error;
	}
	return n > 0 && (pfd.revents & POLLIN);
}

int xst_io_owner_add(struct xst_io *io, xst_io_done_fn done, void *arg)
{
	uint32_t id;

	/* id 0 is the io itself: frames without a holder. A cleared id is
	 * taken again (a pool destroyed and created anew on the same io). */
	for (id = 1; id <= io->nr_owners; id++)
		if (!io->owner[id].done && !io->owner[id].arg)
			break;
	if (id > io->nr_owners) {
		if (io->nr_owners + 1 >= XST_IO_OWNERS_MAX)
			return -ENOSPC;
		id = ++io->nr_owners;
	}
	io->owner[id].done = done;
	io->owner[id].arg = arg;
	return (int)id;
}

void xst_io_owner_clear(struct xst_io *io, int owner)
{
	if (owner >= 1 && (uint32_t)owner <= io->nr_owners) {
		io->owner[owner].done = NULL;
		io->owner[owner].arg = NULL;
	}
}

int xst_io_hold(struct xst_io *io, uint64_t addr, int owner)
{
	uint64_t base = frame_base(io, addr);
	uint32_t fi;
	uint8_t *st;

	if (base >= io->area_len || owner < 1 || (uint32_t)owner > io->nr_owners)
		return -EINVAL;
	fi = frame_index(io, base);
	st = &io->fstate[fi];
	if ((*st & F_PLACE) != F_USER) {
		io->stats.misuse++;
		return -EINVAL;
	}
	if (io->nr_held >= io->cfg.max_held)
		return -ENOSPC;
	if (*st & F_ALLOC)
		io->nr_alloc--;
	io->nr_user--;
	io->nr_held++;
	*st = F_HELD;
	io->fowner[fi] = (uint8_t)owner;
	return 0;
}

int xst_io_alloc_held(struct xst_io *io, int owner, struct xst_io_buf *buf)
{
	uint64_t base;
	uint32_t fi;

	if (owner < 1 || (uint32_t)owner > io->nr_owners)
		return -EINVAL;
	if (io->nr_held >= io->cfg.max_held)
		return -ENOSPC;
	if (!io->nr_free)
		return -ENOBUFS;
	base = io->free[--io->nr_free];
	fi = frame_index(io, base);
	io->fstate[fi] = F_HELD;
	io->fowner[fi] = (uint8_t)owner;
	io->nr_held++;
	buf->addr = base;
	buf->data = io->area + base;
	buf->len = 0;
	buf->cap = io->frame_size;
	return 0;
}

void xst_io_release(struct xst_io *io, uint64_t addr)
{
	uint64_t base = frame_base(io, addr);
	uint8_t *st;

	if (base >= io->area_len) {
		io->stats.misuse++;
		return;
	}
	st = &io->fstate[frame_index(io, base)];
	if (*st == F_HELD) {
		io->nr_held--;
		push_free(io, base, st);
	} else if (*st == (F_HELD | F_SENDING)) {
		*st |= F_ORPHAN;	/* freed by its completion */
	} else {
		io->stats.misuse++;
	}
}

int xst_io_held_busy(const struct xst_io *io, uint64_t addr)
{
	if (addr >= io->area_len)
		return 0;
	return !!(io->fstate[frame_index(io, addr)] & F_SENDING);
}

uint8_t *xst_io_data(struct xst_io *io, uint64_t addr)
{
	return io->area + addr;
}

/* ---- census ---------------------------------------------------------------- */

static uint32_t ring_level(const uint32_t *prod, const uint32_t *cons)
{
	return __atomic_load_n(prod, __ATOMIC_ACQUIRE) - __atomic_load_n(cons, __ATOMIC_ACQUIRE);
}

/* Mark the frame of addr seen; -EPROTO when seen twice or not a frame start where one must be. */
static int mark(const struct xst_io *io, uint8_t *seen, uint64_t addr)
{
	uint64_t base = frame_base(io, addr);

	if (base >= io->area_len || seen[frame_index(io, base)]++)
		return -EPROTO;
	return 0;
}

static int audit_mem(const struct xst_io *io, const struct xst_io_census *c)
{
	uint8_t *seen = calloc(io->nr_frames, 1);
	const uint64_t *ring;
	const struct xdp_desc *desc;
	uint32_t i, p, k;
	int err = 0;

	if (!seen)
		return -ENOMEM;
	for (i = 0; i < io->nr_free && !err; i++) {
		err = mark(io, seen, io->free[i]);
		if (!err && io->fstate[frame_index(io, io->free[i])] != F_FREE)
			err = -EPROTO;
	}
	ring = io->fill.ring;
	for (p = *io->fill.consumer, k = 0; k < c->fill && !err; k++, p++)
		err = mark(io, seen, ring[p & io->fill.mask]);
	desc = io->rx.ring;
	for (p = *io->rx.consumer, k = 0; k < c->rx && !err; k++, p++)
		err = mark(io, seen, desc[p & io->rx.mask].addr);
	desc = io->tx.ring;
	for (p = *io->tx.consumer, k = 0; k < c->tx && !err; k++, p++)
		err = mark(io, seen, desc[p & io->tx.mask].addr);
	ring = io->comp.ring;
	for (p = *io->comp.consumer, k = 0; k < c->comp && !err; k++, p++)
		err = mark(io, seen, ring[p & io->comp.mask]);
	/* Ring entries must be in the place their state says. */
	for (i = 0; i < io->nr_frames && !err; i++) {
		uint8_t st = io->fstate[i], place = st & F_PLACE;

		if (place == F_USER || st == F_HELD) {
			if (seen[i]++)
				err = -EPROTO;
		} else if (place == F_KRX || place == F_TX || (st & F_SENDING)) {
			if (!seen[i])
				err = -EPROTO;	/* in flight but on no ring */
		}
		if (!err && seen[i] != 1)
			err = -EPROTO;
	}
	free(seen);
	return err;
}

int xst_io_census(const struct xst_io *io, struct xst_io_census *c)
{
	uint32_t tx_frames;

	memset(c, 0, sizeof(*c));
	c->free = io->nr_free;
	c->fill = ring_level(io->fill.producer, io->fill.consumer);
	c->rx = ring_level(io->rx.producer, io->rx.consumer);
	c->kernel_rx = io->nr_krx - c->fill - c->rx;
	c->user = io->nr_user;
	c->tx = ring_level(io->tx.producer, io->tx.consumer);
	c->comp = ring_level(io->comp.producer, io->comp.consumer);
	tx_frames = io->nr_tx;
	c->kernel_tx = tx_frames - c->tx - c->comp;
	c->held = io->nr_held - io->nr_held_tx;
	c->held_tx = io->nr_held_tx;
	if (c->free + c->fill + c->rx + c->kernel_rx + c->user + c->tx + c->comp + c->kernel_tx +
	    c->held != io->nr_frames)
		return -EPROTO;
	if (io->kind != XST_IO_KIND_MEM)
		return 0;
	if (c->kernel_rx || c->kernel_tx)
		return -EPROTO;	/* the mem backend's "kernel" holds nothing between rings */
	return audit_mem(io, c);
}

void xst_io_destroy(struct xst_io *io)
{
	if (!io)
		return;
	io->release(io);
	xst_io_fini_frames(io);
	free(io);
}
