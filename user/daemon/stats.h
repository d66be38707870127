/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stats publisher: a thread that copies every worker's counters, every
 * service's and the kernel's XDP_STATISTICS into qstats_map about once a
 * second (steer_abi.h), after writing the counters' names into snames_map
 * once; xdpstormctl stats reads them. It also watches the workers: one whose
 * socket failed (the interface went away) makes the daemon stop, exit 1.
 */
#ifndef XST_DAEMON_STATS_H
#define XST_DAEMON_STATS_H

#include "daemon/daemon.h"
#include "xdpstorm/steer_abi.h"

/* Write snames_map and start the thread. 0 or -errno (logged). */
int xst_stats_start(struct xst_daemon *d);
/* Stop the thread; clear this daemon's entries. */
void xst_stats_stop(struct xst_daemon *d);

/* Fill the entry of queue q (or the daemon-wide one) as the thread would (tests). */
void xst_stats_fill_queue(struct xst_daemon *d, unsigned int q, struct xst_queue_stats *qs);
void xst_stats_fill_daemon(struct xst_daemon *d, struct xst_queue_stats *qs);
void xst_stats_fill_names(struct xst_daemon *d, struct xst_stat_names *n);

#endif /* XST_DAEMON_STATS_H */
