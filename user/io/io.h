/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame I/O for one interface queue: a UMEM, its fill/completion rings and
 * the RX/TX rings of one AF_XDP socket, or the same rings over plain memory
 * (the in-memory backend), so that the worker loop runs in unit tests and
 * benchmarks without a kernel. Knows nothing of protocols.
 *
 * Frame ownership. Every UMEM frame is always in exactly one place:
 *   free       on the free stack
 *   fill/RX    given to the kernel to receive into (fill ring, the driver,
 *              the RX ring) until xst_io_rx() takes it
 *   user       the caller's: taken by xst_io_rx() or xst_io_alloc(), until
 *              it goes to xst_io_tx(), xst_io_free() or xst_io_hold()
 *   TX         on the TX ring or the completion ring, until the completion is
 *              reaped (then free again, or back to its holder)
 *   held       owned by a holder (a copy pool) for as long as it wants: sent
 *              any number of times with xst_io_tx(), the holder told when
 *              each send has completed, given back with xst_io_release()
 * A frame budget makes starvation impossible: the fill ring, the RX ring, one
 * RX batch of user frames, the TX frames in flight (capped at tx_size) and
 * the held frames (capped at max_held) never add up to more than the UMEM,
 * which xst_io_cfg_check() verifies before anything is created.
 *
 * Threading: every function taking a struct xst_io is called by the one
 * thread that owns it (the queue's worker), except xst_io_xdp_stats() and the
 * read-only accessors, which the stats thread may call at any time.
 * System calls, per loop iteration (xst_io_begin() to the next one): at most
 * XST_IO_KICKS_MAX sendto() (a copy-mode socket transmits at most 32 frames
 * per call; a zero-copy one needs one wake-up, and only when it asks), at
 * most one recvfrom() (fill-ring wake-up, zero-copy only, when asked), and
 * one poll() when the caller waits. Nothing here allocates, logs or fails per
 * packet.
 */
#ifndef XST_IO_IO_H
#define XST_IO_IO_H

#include <stddef.h>
#include <stdint.h>

#define XST_BATCH		64	/* RX descriptors handled per loop iteration */
#define XST_FRAME_SIZE		4096	/* default UMEM frame (chunk) size */
#define XST_FRAMES_DEFAULT	4096	/* default UMEM frames per queue */
#define XST_IO_RX_HEADROOM	256	/* XDP_PACKET_HEADROOM: where the kernel puts a received packet */
#define XST_IO_KICKS_MAX	8	/* sendto() per loop iteration */
#define XST_IO_OWNERS_MAX	8	/* holders per io (ids 1..7) */

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
	uint32_t nr_frames;	/* UMEM frames, a power of two >= 256 */
	uint32_t frame_size;	/* 2048 or 4096 */
	/* Ring entries, powers of two; 0 = nr_frames / 4. The completion ring
	 * is at least the TX ring. */
	uint32_t fill_size;
	uint32_t rx_size;
	uint32_t tx_size;	/* also the cap on TX frames in flight */
	uint32_t comp_size;
	uint32_t batch;		/* RX frames the user holds at once; 0 = XST_BATCH */
	uint32_t max_held;	/* frames holders may keep; UINT32_MAX = whatever the budget leaves */
	int need_wakeup;	/* XDP_USE_NEED_WAKEUP (kick only when the kernel asks) */
	enum xst_io_copy copy;	/* xsk backend only */
	uint32_t mem_headroom;	/* mem backend: offset of a received packet in its frame */
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

/* Counters of the io itself, written by its thread (relaxed reads elsewhere). */
struct xst_io_stats {
	uint64_t tx_kicks;	/* sendto() calls */
	uint64_t kick_errors;	/* sendto() that failed with an error other than EAGAIN/EBUSY/ENOBUFS */
	int last_kick_errno;	/* positive errno of the last such failure */
	int pad;
	uint64_t misuse;	/* free/release/tx of a frame not in the caller's hands: ignored */
};

/* Where every frame is; the places add up to nr_frames (see xst_io_census()). */
struct xst_io_census {
	uint32_t free;
	uint32_t fill;		/* on the fill ring */
	uint32_t rx;		/* on the RX ring */
	uint32_t kernel_rx;	/* taken by the kernel from the fill ring, not yet on RX (zero-copy) */
	uint32_t user;
	uint32_t tx;		/* on the TX ring */
	uint32_t comp;		/* on the completion ring */
	uint32_t kernel_tx;	/* taken by the kernel from TX, not yet on completion */
	uint32_t held;		/* held, idle */
	uint32_t held_tx;	/* held and being sent (counted in tx/comp/kernel_tx too: not added twice) */
};

/*
 * Check cfg's frame budget (with defaults applied into *out when out is not
 * NULL): fill + rx + batch + tx + max_held must not exceed nr_frames, rings
 * powers of two, comp >= tx. Returns 0, or -EINVAL with the reason in
 * why[0..len) (e.g. "fill 2048 + rx 2048 + batch 64 + tx 2048 = 6208
 * frames, more than the UMEM's 4096").
 */
int xst_io_cfg_check(const struct xst_io_cfg *cfg, struct xst_io_cfg *out, char *why,
		     size_t len);

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
/* The configuration in use (defaults applied). */
const struct xst_io_cfg *xst_io_cfg(const struct xst_io *io);
/* Longest frame the kernel can receive into a UMEM frame (frame size minus headroom). */
uint32_t xst_io_rx_max_len(const struct xst_io *io);
/* Frames on the free stack / held by holders (gauges). */
uint32_t xst_io_nr_free(const struct xst_io *io);
uint32_t xst_io_nr_held(const struct xst_io *io);
const struct xst_io_stats *xst_io_stats(const struct xst_io *io);
/* 0, or the -errno of a fatal socket error seen by a kick or a wait
 * (-ENETDOWN, -ENXIO: the interface went away). Sticky. */
int xst_io_error(const struct xst_io *io);

/*
 * Start a loop iteration: reap the completion ring (completed frames go back
 * to the free stack, held ones to their holder, which is told through its
 * done callback), top the fill ring up from the free stack, and renew the
 * iteration's system-call budget.
 */
void xst_io_begin(struct xst_io *io);

/*
 * Take up to max received frames off the RX ring (the descriptors are
 * released at once; the frames are the caller's until passed to xst_io_tx()
 * or xst_io_free()). Returns the number taken.
 */
uint32_t xst_io_rx(struct xst_io *io, struct xst_io_buf *bufs, uint32_t max);

/* Frames xst_io_tx() would accept now: TX ring space and the in-flight cap. */
uint32_t xst_io_tx_room(const struct xst_io *io);

/*
 * Put bufs[0..n) (addr and len; user or held frames) on the TX ring,
 * reserving exactly as many slots as are submitted, and kick the kernel when
 * it needs it (within the iteration's budget). Returns the number submitted
 * (the first ones); the others are still the caller's.
 */
uint32_t xst_io_tx(struct xst_io *io, const struct xst_io_buf *bufs, uint32_t n);

/*
 * Push out what the TX ring holds that the kernel has not taken yet (copy
 * mode sends inside sendto()), within the iteration's budget. Called by the
 * worker at the end of every iteration, also when nothing was sent.
 */
void xst_io_flush(struct xst_io *io);

/*
 * A frame xst_io_tx() did not take: a user frame goes to the free stack, a
 * held one stays with its holder, which is told through its done callback
 * (as if the send had completed).
 */
void xst_io_unsent(struct xst_io *io, uint64_t addr);

/* Return a user frame (any address inside it) to the free stack. */
void xst_io_free(struct xst_io *io, uint64_t addr);

/*
 * Take a free frame for a packet the caller builds: *buf gets the frame's
 * start (data, cap = frame size, len 0). Returns 0, or -ENOBUFS when no
 * frame is free or the TX in-flight cap would be passed (allocated frames
 * are meant for TX). The frame is the caller's, as if received.
 */
int xst_io_alloc(struct xst_io *io, struct xst_io_buf *buf);

/* ---- holders: frames kept outside the RX/TX cycle (copy pools) ----------- */

/* Told that a held frame is idle again: its send completed, or it was never sent. */
typedef void (*xst_io_done_fn)(void *arg, uint64_t addr);

/* Register a holder. Returns its id (1..XST_IO_OWNERS_MAX - 1) or -ENOSPC. */
int xst_io_owner_add(struct xst_io *io, xst_io_done_fn done, void *arg);

/* Forget a holder's done callback (before the holder is freed). */
void xst_io_owner_clear(struct xst_io *io, int owner);

/*
 * Take a free frame straight into owner's hands (a new copy): *buf gets its
 * start, as xst_io_alloc(). 0, -ENOSPC (max_held reached), -ENOBUFS (no free
 * frame) or -EINVAL. Unlike xst_io_alloc() it does not count against the TX
 * in-flight cap: a held frame is not on its way out yet.
 */
int xst_io_alloc_held(struct xst_io *io, int owner, struct xst_io_buf *buf);

/* Turn a user frame into a frame held by owner. 0, -ENOSPC (max_held reached) or -EINVAL. */
int xst_io_hold(struct xst_io *io, uint64_t addr, int owner);

/*
 * Give a held frame back: to the free stack at once when idle, else when its
 * send completes (no done call then). The holder must not use it again.
 */
void xst_io_release(struct xst_io *io, uint64_t addr);

/* 1 while a held frame is being sent (xst_io_tx() until its completion is reaped). */
int xst_io_held_busy(const struct xst_io *io, uint64_t addr);

/* Bytes of the frame at addr (frame start). */
uint8_t *xst_io_data(struct xst_io *io, uint64_t addr);

/*
 * Nothing to do: wait up to timeout_ms for RX (poll(); the mem backend
 * returns at once). Returns 1 when RX is ready, 0 on timeout or signal, or
 * -errno: the poll() failure, or -ENETDOWN when the socket reports an error
 * (the interface went away).
 */
int xst_io_wait(struct xst_io *io, int timeout_ms);

/* XDP_STATISTICS (kernel) or the simulated counters. 0 or -errno. */
int xst_io_xdp_stats(struct xst_io *io, struct xst_io_xdp_stats *st);

/*
 * Where every frame is. For the mem backend every place is exact and each
 * frame is checked to be in exactly one of them: returns -EPROTO when one is
 * missing, doubled or in a place its state does not say (a test invariant).
 * For the xsk backend the ring places are read from the ring indexes and the
 * in-kernel remainder is kernel_rx/kernel_tx; returns 0.
 */
int xst_io_census(const struct xst_io *io, struct xst_io_census *c);

/* ---- the kernel's side of the mem backend (tests, benchmarks) ---------- */

/*
 * Deliver one frame: take an address from the fill ring, copy the bytes in at
 * mem_headroom, post it on the RX ring. Returns 0, -ENOBUFS when the fill ring
 * is empty (counted as fill-ring-empty), -ENOSPC when the RX ring is full,
 * -EMSGSIZE when it does not fit a frame.
 */
int xst_io_mem_inject(struct xst_io *io, const void *frame, uint32_t len);

typedef void (*xst_io_mem_tx_fn)(void *arg, const uint8_t *data, uint32_t len);

/* Transmit up to max frames of the TX ring (max 0: all): fn per frame (may be NULL),
 * then post the address on the completion ring. Returns the number sent. */
uint32_t xst_io_mem_drain_tx(struct xst_io *io, uint32_t max, xst_io_mem_tx_fn fn, void *arg);

/* Entries on the fill ring (what the kernel could receive into). */
uint32_t xst_io_mem_fill_level(struct xst_io *io);

#endif /* XST_IO_IO_H */
