/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's side of the attachment (see attach.c). Main thread only. */
#ifndef XST_DAEMON_ATTACH_H
#define XST_DAEMON_ATTACH_H

#include <stdint.h>

#include "daemon/daemon.h"

/*
 * Before anything is loaded: is ifname free for this daemon? -EBUSY (logged)
 * when another live xdpstorm serves it or a foreign XDP program is there.
 */
int xst_daemon_preflight(const char *ifname);

/*
 * Attach (or use the xdpstorm attachment there, or take over one a killed
 * daemon left), open its maps, set config max_frame and the services' steer
 * rules. 0 or -errno, logged.
 */
int xst_daemon_attach(struct xst_daemon *d, uint32_t max_frame);

/* Put the rules set by xst_daemon_attach() back as they were. */
void xst_daemon_restore_rules(struct xst_daemon *d);

/* Undo xst_daemon_attach(): rules back (when the program stays), maps
 * closed, the program detached if attached here. 0, or the detach's -errno. */
int xst_daemon_detach(struct xst_daemon *d);

/* The fatal-signal clean-up (daemon/crash.h): the interface only. */
void xst_daemon_crash_cleanup(void *arg);

#endif /* XST_DAEMON_ATTACH_H */
