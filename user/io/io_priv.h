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

/* Place of a frame (fstate low bits), see io.h. */
enum {
	F_FREE = 0,
	F_KRX,			/* given to the kernel through the fill ring */
	F_USER,
	F_TX,			/* submitted, completion not reaped */
	F_HELD,
	F_PLACE = 0x7,
	F_SENDING = 0x10,	/* F_HELD and submitted, completion not reaped */
	F_ORPHAN = 0x20,	/* F_HELD|F_SENDING released: free when it completes */
	F_ALLOC = 0x40,		/* F_USER from xst_io_alloc(): counts against the TX cap */
};

struct xst_io_owner {
	xst_io_done_fn done;
	void *arg;
};

struct xst_io {
	enum xst_io_kind kind;
	void (*release)(struct xst_io *io);	/* the backend's part of destroy */
	/* Rings: the libxdp inline helpers work on either backend's memory. */
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;

	struct xst_io_cfg cfg;	/* defaults applied */
	uint8_t *area;		/* the UMEM */
	size_t area_len;
	uint32_t frame_size;
	uint32_t frame_shift;	/* log2(frame_size) */
	uint32_t nr_frames;
	int zerocopy;
	int fd;			/* socket fd, -1 for mem */
	int error;		/* sticky -errno of a fatal socket error */
	uint32_t kicks_left;	/* sendto() budget of this iteration */

	uint64_t *free;		/* free-frame stack (frame start addresses) */
	uint32_t nr_free;
	uint8_t *fstate;	/* F_* per frame */
	uint8_t *fowner;	/* holder id per held frame */
	uint32_t nr_krx;	/* F_KRX */
	uint32_t nr_user;	/* F_USER */
	uint32_t nr_alloc;	/* F_USER|F_ALLOC */
	uint32_t nr_tx;		/* F_TX and F_HELD|F_SENDING: in flight */
	uint32_t nr_held;	/* F_HELD (idle or sending) */
	uint32_t nr_held_tx;	/* F_HELD|F_SENDING */
	struct xst_io_owner owner[XST_IO_OWNERS_MAX];
	uint32_t nr_owners;
	struct xst_io_stats stats;

	/* xsk backend */
	struct xsk_umem *umem;
	struct xsk_socket *xsk;

	/* mem backend */
	void *mem_rings;	/* storage of the four rings */
	struct xst_io_xdp_stats mem_stats;
};

/* Common set-up once the rings exist: frame tables, free stack, fill ring filled. */
int xst_io_init_frames(struct xst_io *io);
void xst_io_fini_frames(struct xst_io *io);

#endif /* XST_IO_IO_PRIV_H */
