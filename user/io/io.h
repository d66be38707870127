/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame I/O for one interface queue: a UMEM, its fill/completion rings and
 * the RX/TX rings of one AF_XDP socket, or the same rings over plain memory
 * (the in-memory backend) so that the worker loop runs in unit tests and
 * benchmarks without a kernel. Knows nothing of protocols.
 *
 * Threading: every function taking a struct xst_io is called by the one
 * thread that owns it (the queue's worker), except xst_io_xdp_stats() and the
 * read-only accessors, which the stats thread may call at any time.
 * Nothing here allocates, logs or fails per packet: per batch at most one
 * system call (a TX kick, or a poll when idle).
 */
#ifndef XST_IO_IO_H
#define XST_IO_IO_H

#include <stdint.h>

#define XST_BATCH		64	/* RX descriptors handled per loop iteration */
#define XST_FRAME_SIZE		4096	/* default UMEM frame (chunk) size */
#define XST_FRAMES_DEFAULT	4096	/* default UMEM frames per queue */

struct xst_io;

/* One frame handed between the I/O layer and its user. */
struct xst_io_buf {
	uint64_t addr;		/* UMEM offset of the packet's first byte */
	uint8_t *data;		/* packet bytes (inside the UMEM) */
	uint32_t len;		/* packet length */
	uint32_t cap;		/* bytes available from data to the end of the frame */
};

enum xst_io_copy {
	XST_IO_COPY_AUTO,	/* try zero-copy, fall back to copy mode */
	XST_IO_COPY_FORCE,	/* XDP_COPY only */
	XST_IO_ZEROCOPY_FORCE,	/* XDP_ZEROCOPY only: fail if the driver cannot */
};

struct xst_io_cfg {
	const char *ifname;	/* xsk backend: interface */
	uint32_t queue;		/* xsk backend: queue id */
	uint32_t nr_frames;	/* UMEM frames, a power of two >= 64 */
	uint32_t frame_size;	/* 2048 or 4096 */
	uint32_t ring_size;	/* rx/tx/fill/completion ring entries, power of two; 0 = nr_frames / 2 */
	int need_wakeup;	/* XDP_USE_NEED_WAKEUP (kick only when the kernel asks) */
	enum xst_io_copy copy;	/* xsk backend only */
	uint32_t mem_headroom;	/* mem backend: offset of the packet in its frame (the kernel uses 256) */
};

/* Kernel-side counters (XDP_STATISTICS for the xsk backend, simulated for mem). */
struct xst_io_xdp_stats {
	uint64_t rx_dropped;
	uint64_t rx_invalid_descs;
	uint64_t tx_invalid_descs;
	uint64_t rx_ring_full;
	uint64_t rx_fill_ring_empty_descs;
	uint64_t tx_ring_empty_descs;
};

/*
 * Create the UMEM and AF_XDP socket for cfg->ifname queue cfg->queue, bound
 * with XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD (the steering program is the
 * loader's business). The fill ring is filled before return. Returns 0 or
 * -errno; *out only on success.
 */
int xst_io_xsk_create(struct xst_io **out, const struct xst_io_cfg *cfg);

/* The same rings over plain memory; the test plays the kernel with the xst_io_mem_* calls. */
int xst_io_mem_create(struct xst_io **out, const struct xst_io_cfg *cfg);

/* Frees everything (closes the socket). NULL is a no-op. */
void xst_io_destroy(struct xst_io *io);

/* AF_XDP socket fd (for the XSKMAP), or -1 for the mem backend. */
int xst_io_fd(const struct xst_io *io);
/* 1 when bound in zero-copy mode. */
int xst_io_zerocopy(const struct xst_io *io);
uint32_t xst_io_frame_size(const struct xst_io *io);
uint32_t xst_io_nr_frames(const struct xst_io *io);
/* Frames currently on the free stack (neither in a ring nor held by the user). */
uint32_t xst_io_nr_free(const struct xst_io *io);
/* Frames pinned by xst_io_pin_frame() (never recycled until destroy). */
uint32_t xst_io_nr_pinned(const struct xst_io *io);

/*
 * Take up to max received frames off the RX ring (the descriptors are
 * released at once; the frames stay ours until passed to xst_io_tx() or
 * xst_io_free()). Returns the number taken.
 */
uint32_t xst_io_rx(struct xst_io *io, struct xst_io_buf *bufs, uint32_t max);

/*
 * Put bufs[0..n) (addr and len) on the TX ring, reserving exactly as many
 * slots as are submitted, and kick the kernel when it needs it. Returns the
 * number submitted; the frames of the others are still the caller's.
 */
uint32_t xst_io_tx(struct xst_io *io, const struct xst_io_buf *bufs, uint32_t n);

/* Return a frame (any address inside it) to the free stack; for a pinned frame, release its hold. */
void xst_io_free(struct xst_io *io, uint64_t addr);

/*
 * Reap the completion ring (completed TX frames go back to the free stack,
 * or are marked idle when pinned) and top the fill ring up from the free
 * stack. Call once per loop iteration.
 */
void xst_io_refill(struct xst_io *io);

/*
 * Nothing received: kick pending TX, then wait up to timeout_ms for RX
 * (poll(); the mem backend returns at once). Returns 1 when RX is ready, 0
 * on timeout or signal.
 */
int xst_io_wait(struct xst_io *io, int timeout_ms);

/* Frames owned by the user outside the fill/RX cycle (precopied replies). */
/* Take a frame off the free stack for good and pin it. Returns 0 or -ENOMEM. */
int xst_io_pin_frame(struct xst_io *io, uint64_t *addr);
/* Bytes of the frame at addr (frame start). */
uint8_t *xst_io_data(struct xst_io *io, uint64_t addr);
/* A pinned frame is busy from xst_io_frame_hold() or xst_io_tx() until its
 * completion is reaped, or until xst_io_free() releases a hold that was not sent. */
int xst_io_frame_busy(const struct xst_io *io, uint64_t addr);
void xst_io_frame_hold(struct xst_io *io, uint64_t addr);

/* XDP_STATISTICS (kernel) or the simulated counters. 0 or -errno. */
int xst_io_xdp_stats(struct xst_io *io, struct xst_io_xdp_stats *st);

/* ---- the kernel's side of the mem backend (tests, benchmarks) ---------- */

/*
 * Deliver one frame: take an address from the fill ring, copy the bytes in at
 * mem_headroom, post it on the RX ring. Returns 0, -ENOBUFS when the fill ring
 * is empty (counted as fill-ring-empty) or -ENOSPC when the RX ring is full.
 */
int xst_io_mem_inject(struct xst_io *io, const void *frame, uint32_t len);

typedef void (*xst_io_mem_tx_fn)(void *arg, const uint8_t *data, uint32_t len);

/* Transmit everything on the TX ring: fn per frame (may be NULL), then post the
 * address on the completion ring. Returns the number of frames sent. */
uint32_t xst_io_mem_drain_tx(struct xst_io *io, xst_io_mem_tx_fn fn, void *arg);

/* Entries on the fill ring (what the kernel could receive into). */
uint32_t xst_io_mem_fill_level(struct xst_io *io);

#endif /* XST_IO_IO_H */
