/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Applies what the netlink watcher (daemon/netwatch.h) sees to the running
 * daemon, and says so in the log:
 *  - the steering program's local4_map/local6_map hold exactly the served
 *    addresses (net/host.h XST_HOST_A_SERVED), macs_map the MACs of the
 *    interface and of its VLAN devices; entries are added and deleted one
 *    by one (never cleared and refilled: no window where a served address
 *    is missing), and once the maps are in step XST_F_LOCAL_ONLY and
 *    XST_F_MAC_ONLY are set in config_map[0];
 *  - the TCP/53 listeners (svc/dns_tcp.h): one per served or tentative
 *    address and device (the interface and each of its VLAN devices; an
 *    IPv6 link-local address only on its own link, with its scope id);
 *    a listener that cannot bind is logged and left out, not fatal;
 *  - every new host view is handed to the daemon (publish), which makes it
 *    the workers' by RCU;
 *  - the served interface deleted: logged, and the daemon is told (gone)
 *    so that it stops and exits 1 for its supervisor to restart it.
 *
 * Threading: the caller's (the daemon's main thread), like the watcher.
 */
#ifndef XST_DAEMON_HOSTWATCH_H
#define XST_DAEMON_HOSTWATCH_H

#include "daemon/netwatch.h"
#include "net/host.h"
#include "steer_loader.h"
#include "svc/dns_tcp.h"

struct xst_hostwatch;

struct xst_hostwatch_cfg {
	const char *ifname;			/* the served interface */
	const struct xst_steer_maps *maps;	/* local4, local6, macs, config fds; NULL:
						 * leave the steering program alone */
	struct xst_dns_tcp *tcp;		/* TCP/53 listeners follow the addresses; NULL: none */
	/*
	 * A new view; ownership passes to the callee, which must keep it
	 * until its next publish() returns and then free it (what
	 * xst_rcu_replace() returns, after the grace period). The first one
	 * is published from inside xst_hostwatch_create(). NULL: the
	 * hostwatch keeps its views (xst_hostwatch_view()).
	 */
	void (*publish)(void *arg, struct xst_host *h);
	/* The served interface was deleted (called once). NULL: only logged. */
	void (*gone)(void *arg);
	void *arg;
	const struct xst_netwatch_io *io;	/* NULL: a NETLINK_ROUTE socket (tests: a fake) */
};

/*
 * Dump the host, log what is served, bring the maps and listeners in step,
 * publish the first view. 0 or -errno (-ENODEV: no such interface; a map
 * that cannot be written is an error here, a listener that cannot bind is
 * not); *out only on success.
 */
int xst_hostwatch_create(struct xst_hostwatch **out, const struct xst_hostwatch_cfg *cfg);
/* Frees the watcher. Listeners stay open (they are the TCP service's and
 * close with it); map entries stay. NULL is a no-op. */
void xst_hostwatch_destroy(struct xst_hostwatch *hw);

/* Poll this for POLLIN (-1 with a fake io), then call xst_hostwatch_process(). */
int xst_hostwatch_fd(const struct xst_hostwatch *hw);
/* Apply what the kernel reported. Calling it with nothing queued is cheap
 * (and retries a failed re-dump): call it also on a timer. 0 or -errno
 * (logged by the caller; the previous state stays in force). */
int xst_hostwatch_process(struct xst_hostwatch *hw);

/* The current view (borrowed; valid until the next publish() returns). */
const struct xst_host *xst_hostwatch_view(const struct xst_hostwatch *hw);
/* 1 once the served interface was deleted. */
int xst_hostwatch_gone(const struct xst_hostwatch *hw);
/* TCP listeners open now (after failures). */
unsigned int xst_hostwatch_nr_listeners(const struct xst_hostwatch *hw);

#endif /* XST_DAEMON_HOSTWATCH_H */
