/* SPDX-License-Identifier: GPL-2.0 */
/* Private helpers of the loader library (pins, bpffs, interface addresses). */
#ifndef XST_LOADER_LOADER_INT_H
#define XST_LOADER_LOADER_INT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when path is on a bpffs. */
bool xst_pin_is_bpffs(const char *path);

/* Mount bpffs on /sys/fs/bpf unless it is one already, then create
 * XST_PIN_ROOT/<ifname> (mode 0700). dir receives that path. 0 or -errno. */
int xst_pin_prepare(const char *ifname, char *dir, size_t size);

/* XST_PIN_ROOT/<ifname> into dir. 0 or -ENAMETOOLONG. */
int xst_pin_dir(const char *ifname, char *dir, size_t size);

/* Remove every pin under XST_PIN_ROOT/<ifname>, the directory, and
 * XST_PIN_ROOT when it is left empty. Returns 1 when something was removed,
 * 0 when there was nothing (or no bpffs), -errno on failure. Never mounts. */
int xst_pin_remove(const char *ifname);

/* Insert the IPv4 addresses of ifname into the local4 map and its IPv6
 * addresses (link-local included) into local6. Returns the number of
 * addresses inserted, or -errno. */
int xst_ifaddr_fill(const char *ifname, int local4_fd, int local6_fd);

/* What one RTM_GETLINK says about a link (iflink.c). */
struct xst_link {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[16];		/* IFLA_INFO_KIND ("veth"), "" for hardware */
	unsigned int type;	/* ARPHRD_* */
	unsigned int mtu;
	unsigned int num_rx, num_tx;	/* queues */
	int link;		/* IFLA_LINK: a veth's peer ifindex, 0 none */
	int link_nsid;		/* IFLA_LINK_NETNSID of the peer's namespace, -1 ours */
	int addr_len;
	uint8_t addr[32];	/* hardware address */
};

/* Look a link up by name (ifname, ifindex 0) or index, in our namespace
 * (nsid -1) or in the one with that id as seen from ours. 0 or -errno
 * (-ENODEV no such link). */
int xst_link_get(const char *ifname, int ifindex, int nsid, struct xst_link *l);

/* The ethtool driver name of ifname ("veth", "mlx5_core") into drv, "" and
 * -errno when unknown. */
int xst_link_driver(const char *ifname, char *drv, size_t size);

/* Test-only hook: when the environment variable XST_TEST_KILL_AFTER names
 * this step, the process kills itself with SIGKILL (to test recovery from a
 * loader killed mid-attach). */
void xst_kill_point(const char *step);

#endif /* XST_LOADER_LOADER_INT_H */
