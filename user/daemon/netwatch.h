/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink watcher: follows the links and addresses of the namespace over one
 * NETLINK_ROUTE socket (groups RTMGRP_LINK, RTMGRP_IPV4_IFADDR,
 * RTMGRP_IPV6_IFADDR) and turns them into host views (net/host.h).
 *
 * At create, a dump of the links, then of the addresses, builds the first
 * view. Afterwards every RTM_NEWLINK/DELLINK/NEWADDR/DELADDR updates the
 * watcher's tables; once the messages queued on the socket are applied, a
 * new view is built, compared with the previous one, and the differences are
 * reported (an address added, removed, or changed in what it is: NEWADDR
 * repeats for flag changes such as tentative -> permanent, which is a change
 * and not a second address; the MTU, MAC or name of the served interface; a
 * VLAN device of it added or removed; the served interface deleted). When the
 * kernel drops events (ENOBUFS on the socket) the tables are re-read with a
 * fresh dump, and the new view is compared as usual: nothing is lost, at
 * worst it is reported late.
 *
 * Threading: none of its own. The watcher exposes a file descriptor for the
 * daemon's main loop; xst_netwatch_process() reads what is queued without
 * blocking and calls back from the caller's thread. The main thread is
 * where the other writers already are (zone reloads, the RCU writer,
 * signals), so publishing a view, changing BPF maps and opening listeners
 * need no lock and happen in one order; and the whole watcher runs in unit
 * tests over a fake kernel (struct xst_netwatch_io).
 *
 * The served interface is the one named at create, identified by its
 * ifindex from then on: once it is deleted (RTM_DELLINK, or missing from a
 * re-dump), a new interface of the same name is not adopted.
 */
#ifndef XST_DAEMON_NETWATCH_H
#define XST_DAEMON_NETWATCH_H

#include <stddef.h>
#include <sys/types.h>

#include "net/host.h"

struct xst_netwatch;

enum xst_netwatch_what {
	XST_NW_IFACE_DELETED,	/* the served interface is gone (new->ifindex == 0) */
	XST_NW_IFACE_MTU,	/* old->mtu -> new->mtu */
	XST_NW_IFACE_MAC,	/* old->mac -> new->mac */
	XST_NW_IFACE_NAME,	/* old->ifname -> new->ifname */
	XST_NW_VLAN_REMOVED,	/* old_vlan: deleted, down, or no longer on the interface */
	XST_NW_VLAN_ADDED,	/* vlan */
	XST_NW_VLAN_CHANGED,	/* old_vlan -> vlan: same device, other MAC or MTU */
	XST_NW_ADDR_REMOVED,	/* old_addr */
	XST_NW_ADDR_ADDED,	/* addr */
	XST_NW_ADDR_CHANGED,	/* old_addr -> addr: same address and prefix on the same
				 * interface, other flags (DAD done or failed, link up or
				 * down, served or not) or broadcast */
};

struct xst_netwatch_change {
	enum xst_netwatch_what what;
	const struct xst_host *old, *new;	/* the two views compared */
	const struct xst_host_addr *addr, *old_addr;	/* in new / in old, or NULL */
	const struct xst_host_vlan *vlan, *old_vlan;
};

struct xst_netwatch_ops {
	/*
	 * One call per difference between the previous view and the next, in
	 * the order of enum xst_netwatch_what (removals before additions).
	 * Not called for the first view. May be NULL.
	 */
	void (*change)(void *arg, const struct xst_netwatch_change *c);
	/*
	 * The next view, after its changes were reported (the first one from
	 * inside xst_netwatch_create()). Ownership passes to the callee, which
	 * must keep it unchanged until its next view() call returns (it is the
	 * base of the next comparison) and frees it after that (typically:
	 * publish the next view with xst_rcu_replace(), destroy what it
	 * returns). NULL: the watcher owns its views.
	 */
	void (*view)(void *arg, struct xst_host *h);
};

/*
 * How the watcher talks to the kernel; NULL in xst_netwatch_cfg means a real
 * NETLINK_ROUTE socket. Tests pass a fake kernel.
 */
struct xst_netwatch_io {
	/* Send one request (a dump). 0 or -errno. */
	int (*send)(void *ctx, const void *buf, size_t len);
	/* Receive one datagram of netlink messages: its length, -EAGAIN if
	 * nothing came within timeout_ms (0: do not wait), -ENOBUFS when
	 * events were lost, another -errno. */
	ssize_t (*recv)(void *ctx, void *buf, size_t len, int timeout_ms);
	void *ctx;
};

struct xst_netwatch_cfg {
	const char *ifname;	/* the served interface */
	const struct xst_netwatch_ops *ops;
	void *arg;		/* passed to the ops */
	const struct xst_netwatch_io *io;	/* NULL: a NETLINK_ROUTE socket */
};

/*
 * Open the socket, subscribe, dump links and addresses, build the first
 * view and hand it to ops->view. Returns 0, -ENODEV (no interface of that
 * name), -ETIMEDOUT (the kernel did not finish a dump in 2 s), another
 * -errno; *out only on success. Blocks for the dumps (milliseconds).
 */
int xst_netwatch_create(struct xst_netwatch **out, const struct xst_netwatch_cfg *cfg);
/* Frees the watcher and closes its socket; the views handed out stay the
 * callee's. NULL is a no-op. */
void xst_netwatch_destroy(struct xst_netwatch *nw);

/* The socket to poll for POLLIN (-1 with a fake io). */
int xst_netwatch_fd(const struct xst_netwatch *nw);

/*
 * Apply what is queued on the socket (without blocking; at most 64
 * datagrams per call, the descriptor stays readable if more is queued),
 * re-dump on ENOBUFS, then report the changes and the new view if anything
 * changed. 0, or -errno when the socket failed or a re-dump failed (the
 * previous view stays in force; calling again retries).
 */
int xst_netwatch_process(struct xst_netwatch *nw);

/* Throw the tables away and dump again (what ENOBUFS does). 0 or -errno. */
int xst_netwatch_resync(struct xst_netwatch *nw);

/* The current view (borrowed: valid until the next view() call returns). */
const struct xst_host *xst_netwatch_view(const struct xst_netwatch *nw);

/* Diagnostics: dumps made (1 after create) and ENOBUFS seen. */
unsigned int xst_netwatch_dumps(const struct xst_netwatch *nw);
unsigned int xst_netwatch_overruns(const struct xst_netwatch *nw);

#endif /* XST_DAEMON_NETWATCH_H */
