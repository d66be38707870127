// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP backend: one UMEM and one socket per queue, through libxdp's
 * xsk API. The socket is created with XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD:
 * the steering program and its XSKMAP belong to the loader, and the caller
 * inserts xst_io_fd() into the map.
 */
#include "io/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/if_xdp.h>

#include <xdp/xsk.h>

#include "core/log.h"
#include "io/io_priv.h"

/* How long a busy queue is waited for: see bind_with_retry(). */
#define XST_BUSY_PAUSE_MS 20
#define XST_BUSY_TRIES	  150

static int make_umem(struct xst_io *io)
{
	struct xsk_umem_config ucfg = {
		.fill_size = io->cfg.fill_size,
		.comp_size = io->cfg.comp_size,
		.frame_size = io->frame_size,
		.frame_headroom = 0,
		.flags = 0,
	};

	return xsk_umem__create(&io->umem, io->area, io->area_len, &io->fill, &io->comp, &ucfg);
}

static int renew_umem(struct xst_io *io)
{
	xsk_umem__delete(io->umem);
	io->umem = NULL;
	return make_umem(io);
}

static int make_socket(struct xst_io *io, const struct xst_io_cfg *cfg, uint16_t bind_flags)
{
	struct xsk_socket_config scfg = {
		.rx_size = io->cfg.rx_size,
		.tx_size = io->cfg.tx_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = bind_flags | (cfg->need_wakeup ? XDP_USE_NEED_WAKEUP : 0),
	};

	return xsk_socket__create(&io->xsk, cfg->ifname, cfg->queue, io->umem, &io->rx, &io->tx,
				  &scfg);
}

/*
 * Zero-copy first (unless told otherwise), copy mode if the driver refuses.
 * A failed bind can leave the UMEM's rings half-owned by a dead context, so
 * every retry starts from a fresh UMEM.
 */
static int bind_once(struct xst_io *io, const struct xst_io_cfg *cfg)
{
	int err;

	io->zerocopy = 0;
	if (cfg->copy != XST_IO_COPY_FORCE) {
		err = make_socket(io, cfg, XDP_ZEROCOPY);
		if (!err) {
			io->zerocopy = 1;
			return 0;
		}
		if (cfg->copy == XST_IO_ZEROCOPY_FORCE || err == -EBUSY)
			return err;
		pr_debug("zero-copy bind on '%s' queue %u: %s; trying copy mode\n", cfg->ifname,
			 cfg->queue, strerror(-err));
		err = renew_umem(io);
		if (err)
			return err;
	}
	return make_socket(io, cfg, XDP_COPY);
}

/*
 * EBUSY means another socket holds the queue. When that socket belonged to a
 * process that has just exited (a crash, a restart), the kernel frees the
 * queue from deferred work some milliseconds later: wait for it, a bounded
 * time, rather than fail a restart that would work a moment later.
 */
static int bind_with_retry(struct xst_io *io, const struct xst_io_cfg *cfg)
{
	const struct timespec pause = { .tv_nsec = XST_BUSY_PAUSE_MS * 1000000L };
	unsigned int tries = 0;
	int err;

	for (;;) {
		err = bind_once(io, cfg);
		if (err != -EBUSY || ++tries >= XST_BUSY_TRIES)
			return err;
		if (tries == 1)
			pr_debug("queue %u of '%s' is busy; waiting up to %d ms for it\n",
				 cfg->queue, cfg->ifname, XST_BUSY_TRIES * XST_BUSY_PAUSE_MS);
		nanosleep(&pause, NULL);
		err = renew_umem(io);
		if (err)
			return err;
	}
}

static void release(struct xst_io *io);

int xst_io_xsk_create(struct xst_io **out, const struct xst_io_cfg *cfg)
{
	struct xst_io *io;
	struct xst_io_cfg c;
	int err;

	err = xst_io_cfg_check(cfg, &c, NULL, 0);
	if (err)
		return err;
	c.mem_headroom = 0;
	io = calloc(1, sizeof(*io));
	if (!io)
		return -ENOMEM;
	io->kind = XST_IO_KIND_XSK;
	io->release = release;
	io->fd = -1;
	io->cfg = c;
	io->frame_size = cfg->frame_size;
	io->frame_shift = __builtin_ctz(cfg->frame_size);
	io->nr_frames = cfg->nr_frames;

	io->area_len = (size_t)cfg->nr_frames * cfg->frame_size;
	io->area = mmap(NULL, io->area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (io->area == MAP_FAILED) {
		err = -errno;
		goto err_free;
	}
	err = make_umem(io);
	if (err)
		goto err_unmap;

	err = bind_with_retry(io, cfg);
	if (err)
		goto err_umem;
	io->fd = xsk_socket__fd(io->xsk);

	err = xst_io_init_frames(io);
	if (err)
		goto err_sock;
	*out = io;
	return 0;

err_sock:
	xsk_socket__delete(io->xsk);
err_umem:
	xsk_umem__delete(io->umem);
err_unmap:
	munmap(io->area, io->area_len);
err_free:
	free(io);
	return err;
}

/* Close the socket, delete the UMEM, unmap the area. */
static void release(struct xst_io *io)
{
	if (io->xsk)
		xsk_socket__delete(io->xsk);
	if (io->umem)
		xsk_umem__delete(io->umem);
	if (io->area && io->area != MAP_FAILED)
		munmap(io->area, io->area_len);
}

int xst_io_xdp_stats(struct xst_io *io, struct xst_io_xdp_stats *st)
{
	struct xdp_statistics xs;
	socklen_t optlen = sizeof(xs);

	if (io->kind != XST_IO_KIND_XSK) {
		*st = io->mem_stats;
		return 0;
	}
	memset(&xs, 0, sizeof(xs));
	if (getsockopt(io->fd, SOL_XDP, XDP_STATISTICS, &xs, &optlen))
		return -errno;
	st->rx_dropped = xs.rx_dropped;
	st->rx_invalid_descs = xs.rx_invalid_descs;
	st->tx_invalid_descs = xs.tx_invalid_descs;
	st->rx_ring_full = xs.rx_ring_full;
	st->rx_fill_ring_empty_descs = xs.rx_fill_ring_empty_descs;
	st->tx_ring_empty_descs = xs.tx_ring_empty_descs;
	return 0;
}
