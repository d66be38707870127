// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory backend: the four rings of an AF_XDP socket laid out in
 * plain memory, driven by the same libxdp inline ring helpers as the real
 * socket, so that the worker loop is exercised unchanged. The test or
 * benchmark plays the kernel's part with xst_io_mem_inject() (fill -> RX) and
 * xst_io_mem_drain_tx() (TX -> completion).
 */
#include "io/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xdp/xsk.h>

#include "io/io_priv.h"

struct ring_mem {
	uint32_t producer;
	uint32_t consumer;
	uint32_t flags;
	uint32_t pad;
};

static void init_ring(struct ring_mem *m, void *entries, uint32_t size, void *r, int prod)
{
	/* struct xsk_ring_prod and xsk_ring_cons have the same layout. */
	struct xsk_ring_prod *p = r;

	p->mask = size - 1;
	p->size = size;
	p->producer = &m->producer;
	p->consumer = &m->consumer;
	p->flags = &m->flags;
	p->ring = entries;
	p->cached_prod = 0;
	/* As libxdp does: a producer's cached_cons runs size ahead. */
	p->cached_cons = prod ? size : 0;
}

static void release(struct xst_io *io)
{
	free(io->mem_rings);
	free(io->area);
}

int xst_io_mem_create(struct xst_io **out, const struct xst_io_cfg *cfg)
{
	struct ring_mem *hdr;
	struct xst_io *io;
	struct xst_io_cfg c;
	uint8_t *p;
	size_t bytes;
	int err;

	err = xst_io_cfg_check(cfg, &c, NULL, 0);
	if (err)
		return err;
	io = calloc(1, sizeof(*io));
	if (!io)
		return -ENOMEM;
	io->kind = XST_IO_KIND_MEM;
	io->release = release;
	io->fd = -1;
	io->cfg = c;
	io->frame_size = c.frame_size;
	io->frame_shift = __builtin_ctz(c.frame_size);
	io->nr_frames = c.nr_frames;

	io->area_len = (size_t)c.nr_frames * c.frame_size;
	io->area = aligned_alloc(4096, io->area_len);
	if (!io->area) {
		err = -ENOMEM;
		goto err_free;
	}
	memset(io->area, 0, io->area_len);

	bytes = 4 * sizeof(*hdr) + ((size_t)c.rx_size + c.tx_size) * sizeof(struct xdp_desc) +
		((size_t)c.fill_size + c.comp_size) * sizeof(uint64_t);
	io->mem_rings = calloc(1, bytes);
	if (!io->mem_rings) {
		err = -ENOMEM;
		goto err_area;
	}
	hdr = io->mem_rings;
	p = (uint8_t *)(hdr + 4);
	init_ring(&hdr[0], p, c.rx_size, &io->rx, 0);
	p += (size_t)c.rx_size * sizeof(struct xdp_desc);
	init_ring(&hdr[1], p, c.tx_size, &io->tx, 1);
	p += (size_t)c.tx_size * sizeof(struct xdp_desc);
	init_ring(&hdr[2], p, c.fill_size, &io->fill, 1);
	p += (size_t)c.fill_size * sizeof(uint64_t);
	init_ring(&hdr[3], p, c.comp_size, &io->comp, 0);

	err = xst_io_init_frames(io);
	if (err)
		goto err_rings;
	*out = io;
	return 0;

err_rings:
	free(io->mem_rings);
err_area:
	free(io->area);
err_free:
	free(io);
	return err;
}

static uint32_t load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int xst_io_mem_inject(struct xst_io *io, const void *frame, uint32_t len)
{
	uint32_t fprod = load(io->fill.producer), fcons = *io->fill.consumer;
	uint32_t rprod = *io->rx.producer, rcons = load(io->rx.consumer);
	struct xdp_desc *d;
	uint64_t addr;

	if (io->kind != XST_IO_KIND_MEM)
		return -EINVAL;
	if (len > io->frame_size - io->cfg.mem_headroom)
		return -EMSGSIZE;
	if (fprod == fcons) {
		io->mem_stats.rx_fill_ring_empty_descs++;
		return -ENOBUFS;
	}
	if (rprod - rcons == io->rx.size) {
		io->mem_stats.rx_ring_full++;
		io->mem_stats.rx_dropped++;
		return -ENOSPC;
	}
	addr = ((uint64_t *)io->fill.ring)[fcons & io->fill.mask];
	store(io->fill.consumer, fcons + 1);
	/* The kernel masks the low bits of fill addresses in aligned mode. */
	addr &= ~((uint64_t)io->frame_size - 1);
	addr += io->cfg.mem_headroom;
	memcpy(io->area + addr, frame, len);
	d = &((struct xdp_desc *)io->rx.ring)[rprod & io->rx.mask];
	d->addr = addr;
	d->len = len;
	d->options = 0;
	store(io->rx.producer, rprod + 1);
	return 0;
}

uint32_t xst_io_mem_drain_tx(struct xst_io *io, uint32_t max, xst_io_mem_tx_fn fn, void *arg)
{
	uint32_t tprod, tcons, cprod, ccons, n = 0;

	if (io->kind != XST_IO_KIND_MEM)
		return 0;
	tprod = load(io->tx.producer);
	tcons = *io->tx.consumer;
	cprod = *io->comp.producer;
	ccons = load(io->comp.consumer);
	while (tcons != tprod && cprod - ccons < io->comp.size && (!max || n < max)) {
		const struct xdp_desc *d = &((struct xdp_desc *)io->tx.ring)[tcons & io->tx.mask];

		if (d->addr + d->len > io->area_len ||
		    (d->addr & (io->frame_size - 1)) + d->len > io->frame_size) {
			io->mem_stats.tx_invalid_descs++;
		} else if (fn) {
			fn(arg, io->area + d->addr, d->len);
		}
		((uint64_t *)io->comp.ring)[cprod & io->comp.mask] = d->addr;
		cprod++;
		tcons++;
		n++;
	}
	store(io->comp.producer, cprod);
	store(io->tx.consumer, tcons);
	return n;
}

uint32_t xst_io_mem_fill_level(struct xst_io *io)
{
	return load(io->fill.producer) - *io->fill.consumer;
}
