/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host as the data path sees it: the served interface (ifindex, MTU,
 * MAC), its VLAN devices (tag stack and MAC each), and every local address
 * of the namespace with its prefix length. Linux is a weak host: a packet to
 * any local address is accepted on any interface (an anycast service
 * address on lo is answered through eth0), so every address counts.
 *
 * A view is built once (xst_host_create(), xst_host_set_iface(),
 * xst_host_add_*(), xst_host_finalize(); allocation allowed) and is then
 * immutable: the workers read it through read-copy-update (core/rcu.h) and
 * call xst_host_check() on every frame before any service sees it. A change
 * of the host builds a new view; nothing is ever edited in place.
 *
 * xst_host_check() allocates nothing, locks nothing, makes no system call,
 * and costs O(1) expected: the addresses are hashed at finalize time (a
 * lookup is one multiply and, for a host with a handful of addresses, one
 * compare), the VLAN tag stacks likewise.
 */
#ifndef XST_NET_HOST_H
#define XST_NET_HOST_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/net.h"

/* Per-frame outcome of xst_host_check(); the worker counts each one. */
enum xst_host_verdict {
	XST_HOST_OK = 0,
	XST_HOST_FOREIGN_VLAN,	/* a tag stack for which no VLAN device (that is up) exists */
	XST_HOST_FOREIGN_MAC,	/* destination MAC is neither the interface's nor that of a
				 * VLAN device the tags lead through (QinQ: outer or inner) */
	XST_HOST_MARTIAN,	/* a source that cannot be real: IPv4 0/8, 127/8, 224/4, 240/4;
				 * IPv6 ::, ::1, ff00::/8, ::ffff:0:0/96; one of the host's own
				 * addresses; the broadcast address of one of its IPv4 subnets;
				 * a group or all-zero source MAC; UDP/TCP source port 0;
				 * UDP from ports 7, 13, 19, 37 (echo, daytime, chargen,
				 * time: a reply loop, CVE-2024-2169) */
	XST_HOST_FOREIGN_DST,	/* destination address is not one this host serves (see
				 * XST_HOST_A_SERVED): the kernel would not accept it here */
	XST_HOST_VERDICT_MAX
};

/* struct xst_host_addr.flags */
#define XST_HOST_A_TENTATIVE	(1U << 0)	/* input: IPv6 DAD in progress */
#define XST_HOST_A_DADFAILED	(1U << 1)	/* input: IPv6 DAD found a duplicate */
#define XST_HOST_A_LINK_DOWN	(1U << 2)	/* input: its interface is down */
#define XST_HOST_A_IFACE	(1U << 8)	/* set by finalize: on the served interface or
						 * one of its VLAN devices */
#define XST_HOST_A_SERVED	(1U << 9)	/* set by finalize: answered here (steered
						 * by XDP, a TCP listener): not a loopback
						 * address (127/8, ::1), not another
						 * interface's IPv6 link-local one, not
						 * tentative or DAD-failed, interface up */
#define XST_HOST_A_PENDING	(1U << 10)	/* set by finalize: tentative, served once
						 * DAD completes (a TCP listener may bind it
						 * already, with IPV6_FREEBIND) */

struct xst_host_addr {
	int ifindex;		/* interface holding the address (any, lo included) */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t prefixlen;	/* 0..32 / 0..128 */
	uint16_t flags;		/* XST_HOST_A_* */
	uint8_t addr[16];	/* network order; IPv4 in addr[0..3], the rest zero */
	uint8_t brd[4];		/* IPv4 broadcast as configured (IFA_BROADCAST), network
				 * order; 0.0.0.0 if none */
	char ifname[IF_NAMESIZE];	/* for log lines */
};

#define XST_HOST_MAX_TAGS	2	/* as the packet layers parse: QinQ at most */

struct xst_host_vlan {
	int ifindex;
	uint32_t mtu;		/* bytes of IP packet */
	uint8_t mac[6];		/* the device's own MAC (usually its parent's) */
	uint8_t nr_tags;	/* 1, or 2 for a VLAN device stacked on a VLAN device */
	uint16_t tpid[XST_HOST_MAX_TAGS];	/* outer first, host order: 0x8100 or 0x88a8 */
	uint16_t vid[XST_HOST_MAX_TAGS];	/* outer first, host order, 0..4095 */
	char name[IF_NAMESIZE];
};

/*
 * A view. The public fields are read-only once finalized; the tables behind
 * them are private to host.c.
 */
struct xst_host {
	int ifindex;		/* the served interface; 0: it is gone (every frame
				 * is then FOREIGN_MAC, nothing is served) */
	uint32_t mtu;		/* bytes of IP packet, as the kernel reports it */
	uint8_t mac[6];
	char ifname[IF_NAMESIZE];
	unsigned int nr_vlans;
	unsigned int nr_addrs;
	struct xst_host_vlan *vlans;
	struct xst_host_addr *addrs;	/* in the order added */

	/* private */
	unsigned int cap_vlans, cap_addrs;
	int final;
	uint32_t mask4, mask6, maskv;	/* table sizes - 1 (powers of two) */
	uint32_t *k4;			/* IPv4 keys as loaded from memory; 0 = empty */
	uint8_t *f4;			/* per key: HK_* */
	uint64_t (*k6)[2];		/* IPv6 keys as two loads; 0,0 = empty */
	uint8_t *f6;
	uint64_t *kv;			/* tag stack keys; 0 = empty */
	uint16_t *iv;			/* per key: index into vlans */
};

/* Builder. An empty, unfinished view (no interface: ifindex 0). 0 or -ENOMEM. */
int xst_host_create(struct xst_host **out);
/* The served interface. 0, -EINVAL (ifindex <= 0, name too long), -EBUSY finalized. */
int xst_host_set_iface(struct xst_host *h, int ifindex, const char *name, uint32_t mtu,
		       const uint8_t mac[6]);
/* A VLAN device of the served interface. 0, -EINVAL (nr_tags, TPID or VID out of
 * range), -EEXIST (that tag stack is already there), -ENOMEM, -EBUSY. */
int xst_host_add_vlan(struct xst_host *h, const struct xst_host_vlan *v);
/* A local address (flags: the input bits only; the others are computed).
 * 0, -EINVAL (family, prefix, 0.0.0.0 or ::), -ENOMEM, -EBUSY. Not checked
 * for duplicates (that would make building a view quadratic): a duplicate
 * is harmless to the checks, and the watcher's tables have none. */
int xst_host_add_addr(struct xst_host *h, const struct xst_host_addr *a);
/* Compute XST_HOST_A_IFACE/SERVED and build the lookup tables; the view is
 * immutable from then on. 0 or -ENOMEM (then only destroy is allowed). */
int xst_host_finalize(struct xst_host *h);
/* NULL is a no-op. The caller makes sure no reader holds it (RCU grace period). */
void xst_host_destroy(struct xst_host *h);

/*
 * The per-frame check, run on a frame that xst_net_parse() accepted (p is its
 * result): the tags select the device as the kernel's receive path does
 * (none: the interface; a VID 0 tag with no device for it is a priority tag
 * and is skipped), the destination MAC must be that of the interface or of a
 * device on the way, the source must be real
 * (see XST_HOST_MARTIAN) and the destination one the host serves. Reads only
 * the Ethernet header, the tags and the IP addresses. Any thread, any number
 * of threads, on a finalized view.
 */
enum xst_host_verdict xst_host_check(const struct xst_host *h, const uint8_t *frame,
				     const struct xst_pkt *p);

/* Lookups on a finalized view (any thread). addr: 4 or 16 bytes, network order. */
bool xst_host_is_served(const struct xst_host *h, int family, const uint8_t *addr);
bool xst_host_is_own(const struct xst_host *h, int family, const uint8_t *addr);
/* The VLAN device with that ifindex, or NULL. */
const struct xst_host_vlan *xst_host_find_vlan(const struct xst_host *h, int ifindex);

/* "192.0.2.1/24", "2001:db8::1/64": buf of at least XST_HOST_ADDRSTRLEN bytes. */
#define XST_HOST_ADDRSTRLEN	(46 + 4)
const char *xst_host_addr_str(const struct xst_host_addr *a, char *buf, unsigned int size);
/* "802.1Q 100", "802.1ad 10 / 802.1Q 20": buf of at least 48 bytes. */
const char *xst_host_vlan_str(const struct xst_host_vlan *v, char *buf, unsigned int size);

const char *xst_host_verdict_name(enum xst_host_verdict v);

#endif /* XST_NET_HOST_H */
