/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flood defence's periodic task, run by the main thread about once a
 * second (beside its netlink and signal poll): the decisions that need a
 * view wider than one packet.
 *
 *   - the filter workers' events: VERIFIED -> verified4/6_map for
 *     --verify-time; BLOCK -> a learnt /32 or /128 block for --block-time;
 *   - XDP's alerts (alerts_map, read as they come, xst_guard_alerts()): a
 *     bucket that dropped another --learn-threshold packets on one CPU gets
 *     its prefix blocked at once (reason rate);
 *   - the token buckets (xst_steer_buckets_scan(), at most XST_MAX_BUCKETS
 *     keys): a bucket dropping --learn-threshold or more per second gets its
 *     prefix blocked (reason rate, the fallback of the alerts); the top
 *     sources; "rate flood" start and end lines;
 *   - expiry of learnt blocks and verified sources;
 *   - sources verified by TCP: the sock_ops program (attached at create when
 *     --verify-time > 0, a warning if it cannot be) puts them into
 *     verified4/6_map in the kernel; besides, the remote addresses of
 *     established TCP/53 connections (daemon/sockdiag.h) once a second;
 *   - the random-subdomain detector's tick: attack start/end lines,
 *     XST_F_FILTER_INSPECT set while any zone is under attack (filter mode);
 *     in peacetime its scale measured from XDP's steer and pass_unsampled
 *     counters (xst_guard_scale());
 *   - guard_map: top sources, zones, counts, for xdpstormctl.
 * (The DNS cookie secrets are rotated by their services' tick, daemon/cookies.h.)
 * A prefix is blocked and logged once per block (daemon/learnt.h); log
 * lines about single sources are bounded per tick.
 */
#ifndef XST_DAEMON_GUARD_H
#define XST_DAEMON_GUARD_H

#include <stdint.h>

#include "daemon/daemon.h"

#define XST_GUARD_INTERVAL_NS	1000000000ULL

struct xst_guard;

/* Whether this configuration puts udp/53 through the XDP filter stage. */
int xst_guard_wanted(const struct xst_daemon *d);

/* After the attach (maps open) and the services' workers. 0 or -errno (logged). */
int xst_guard_create(struct xst_guard **out, struct xst_daemon *d);
/* One round at now_ns (CLOCK_MONOTONIC, as bpf_ktime_get_ns()). */
void xst_guard_tick(struct xst_guard *g, uint64_t now_ns);
/*
 * The detector's scale in peacetime (filter mode) from XDP's counters over
 * the last interval: (steered + unsampled) / steered, rounded, within
 * [1, sample]; sample when nothing was steered. Over --filter-peace-rate XDP
 * steers every unverified query, so the measured factor, not the sample,
 * is what turns the filter's counts into rates.
 */
uint32_t xst_guard_scale(uint64_t steered, uint64_t unsampled, uint32_t sample);

/* The alerts' poll-able fd, -1 without (poll() skips a negative fd). */
int xst_guard_alerts_fd(const struct xst_guard *g);
/* Take the alerts waiting (non-blocking), blocking their prefixes at now_ns. */
void xst_guard_alerts(struct xst_guard *g, uint64_t now_ns);
/* Clears XST_F_FILTER_INSPECT if this guard set it and guard_map, detaches the
 * sock_ops program. NULL: no-op. */
void xst_guard_destroy(struct xst_guard *g);

#endif /* XST_DAEMON_GUARD_H */
