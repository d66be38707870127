/* SPDX-License-Identifier: GPL-2.0 */
/* Private to user/io: the state shared by the xsk and mem backends. */
#ifndef XST_IO_IO_PRIV_H
#define XST_IO_IO_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <xdp/xsk.h>

#include "io/io.h"

enum xst_io_kind {
	XST_IO_KIND_XSK,
	XST_IO_KIND_MEM,
};

#define XST_FRAME_PINNED	0x1	/* owned by the user for good (precopy) */
#define XST_FRAME_BUSY		0x2	/* pinned and on the TX ring, not yet completed */

struct xst_io {
	enum xst_io_kind kind;
	/* Rings: the libxdp inline helpers work on either backend's memory. */
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;

	uint8_t *area;		/* the UMEM */
	size_t area_len;
	uint32_t frame_size;
	uint32_t frame_shift;	/* log2(frame_size) */
	uint32_t nr_frames;
	uint32_t ring_size;
	int need_wakeup;
	int zerocopy;
	int fd;			/* socket fd, -1 for mem */
	uint32_t tx_pending;	/* submitted to TX and not yet completed */

	uint64_t *free;		/* free-frame stack (frame start addresses) */
	uint32_t nr_free;
	uint8_t *fstate;	/* XST_FRAME_* per frame */
	uint32_t nr_pinned;

	/* xsk backend */
	struct xsk_umem *umem;
	struct xsk_socket *xsk;

	/* mem backend */
	void *mem_rings;	/* storage of the four rings */
	uint32_t mem_headroom;
	struct xst_io_xdp_stats mem_stats;
};

/* Common set-up after the rings exist: free stack, fill ring filled. */
int xst_io_init_frames(struct xst_io *io);
void xst_io_fini_frames(struct xst_io *io);
/* xsk backend: close the socket, delete the UMEM, unmap the area. */
void xst_io_xsk_release(struct xst_io *io);

#endif /* XST_IO_IO_PRIV_H */
