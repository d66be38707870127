/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loader library of the XDP steering program (bpf/steer.bpf.c): attach,
 * detach, find an existing attachment and its maps, change rules and
 * blocklists, read counters. Used by xdpstormctl and the xdpstorm daemon.
 *
 * An attachment is found through the interface itself (netlink XDP query ->
 * program id -> the program's map ids), with the pins under
 * XST_PIN_ROOT/<ifname>/ tried first: `ip netns exec` gives every process a
 * fresh /sys, so pins made by one call are gone for the next one.
 * Nothing here is thread-safe or meant for the per-packet path.
 */
#ifndef XST_LOADER_STEER_LOADER_H
#define XST_LOADER_STEER_LOADER_H

#include <net/if.h>
#include <stdint.h>

#include "xdpstorm/steer_abi.h"

enum xst_attach_mode { XST_MODE_NATIVE, XST_MODE_SKB };

struct xst_steer_maps {		/* map fds, -1 when not open */
	int xsks, config, stats, rules, local4, local6, block4, block6, qstats, macs, snames;
};

/* Load the program, attach it (libxdp; single-program fallback when the
 * dispatcher is refused), pin its maps, install the default rules (udp/53 and
 * tcp/80 steer), the interface's local addresses, then config_map (written
 * last: its abi_version marks a complete attachment).
 * Returns 0, -EEXIST already attached (complete), -ENODEV no such interface,
 * -EBUSY another (non-xdpstorm) XDP program, or another -errno. A stale or
 * incomplete xdpstorm attachment is replaced; nothing is left on failure. */
int xst_steer_attach(const char *ifname, enum xst_attach_mode mode);

/* Detach our program and remove the pins. 0 when something of ours (program
 * or stale pins) was removed, -ENOENT if nothing was there, -ENODEV no such
 * interface, -EBUSY the program on the interface is not ours. */
int xst_steer_detach(const char *ifname);

/* Open every map of the attachment on ifname (fds in *m, all set on success).
 * -ENOENT when nothing of ours is attached, -ENODEV no such interface.
 * Release with xst_steer_maps_close(). */
int xst_steer_maps_open(const char *ifname, struct xst_steer_maps *m);
void xst_steer_maps_close(struct xst_steer_maps *m);

/* 1 complete attachment, 0 none (or incomplete), -errno (-ENODEV, -EBUSY foreign). */
int xst_steer_is_attached(const char *ifname);

/* Number of RX queues of ifname (from sysfs), 0 if unknown. */
int xst_iface_rx_queues(const char *ifname);

/* ---- inspection ---------------------------------------------------------- */

struct xst_steer_info {
	int attached;		/* 1 our program is on the interface */
	int complete;		/* 1 config_map holds XST_ABI_VERSION */
	enum xst_attach_mode mode;
	uint32_t prog_id;	/* our program (the dispatcher's component if multi) */
	uint32_t main_prog_id;	/* what the interface runs: ours or the dispatcher */
	int dispatcher;		/* 1 libxdp multi-program dispatcher, 0 single-program */
	uint32_t flags;		/* config_map flags (XST_F_*) */
	uint32_t abi_version;	/* config_map abi_version */
	int nr_rx_queues;	/* of the interface, 0 if unknown */
	int pinned;		/* 1 pins under XST_PIN_ROOT/<ifname> are in use */
};

/* Fill *info for ifname. 0 also when not attached (info->attached == 0);
 * -ENODEV no such interface, -EBUSY a foreign XDP program. */
int xst_steer_info(const char *ifname, struct xst_steer_info *info);

/* Names of interfaces carrying an xdpstorm program (up to max, IF_NAMESIZE
 * each). Returns how many were found (may exceed max), or -errno. */
int xst_steer_find_attached(char (*names)[IF_NAMESIZE], int max);

/* Mode names "native"/"skb" <-> enum. Parse returns 0 or -EINVAL. */
const char *xst_steer_mode_name(enum xst_attach_mode mode);
int xst_steer_mode_parse(const char *s, enum xst_attach_mode *mode);

/* ---- rules ---------------------------------------------------------------- */

struct xst_steer_rule {
	uint8_t proto;		/* IPPROTO_UDP / IPPROTO_TCP */
	uint16_t port;		/* host order */
	enum xst_action action;
	uint64_t hits;
};

/* Add or change a rule (hits are kept on change). 0 or -errno. */
int xst_steer_rule_set(const struct xst_steer_maps *m, uint8_t proto, uint16_t port,
		       enum xst_action action);
/* -ENOENT when no such rule. */
int xst_steer_rule_del(const struct xst_steer_maps *m, uint8_t proto, uint16_t port);
/* Up to max rules sorted by proto, port. Returns the total count, or -errno. */
int xst_steer_rule_list(const struct xst_steer_maps *m, struct xst_steer_rule *out, int max);

int xst_steer_proto_parse(const char *s, uint8_t *proto);	/* "udp"/"tcp" */
const char *xst_steer_proto_name(uint8_t proto);
int xst_steer_port_parse(const char *s, uint16_t *port);	/* 1..65535, decimal */
int xst_steer_action_parse(const char *s, enum xst_action *action);
const char *xst_steer_action_name(enum xst_action action);

/* ---- blocklists ------------------------------------------------------------ */

struct xst_prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint32_t len;		/* prefix length */
	uint8_t addr[16];	/* network order, host bits cleared */
};

/* "192.0.2.1", "192.0.2.0/24", "2001:db8::/32", "fe80::1". Host bits are
 * cleared. 0 or -EINVAL. */
int xst_prefix_parse(const char *s, struct xst_prefix *p);
/* "addr/len" into buf (at least INET6_ADDRSTRLEN + 4 bytes). */
void xst_prefix_format(const struct xst_prefix *p, char *buf, size_t size);

struct xst_block_entry {
	struct xst_prefix prefix;
	uint64_t hits;		/* packets dropped by this entry */
};

/* Add a prefix (hit counter 0); 1 if it was already present (unchanged), 0 added. */
int xst_steer_block_add(const struct xst_steer_maps *m, const struct xst_prefix *p);
/* -ENOENT when not present. */
int xst_steer_block_del(const struct xst_steer_maps *m, const struct xst_prefix *p);
/* Up to max entries (IPv4 first). Returns the total count, or -errno. */
int xst_steer_block_list(const struct xst_steer_maps *m, struct xst_block_entry *out, int max);
/* Entries in one family's trie, or -errno. */
int xst_steer_block_count(const struct xst_steer_maps *m, int family);

/* ---- counters -------------------------------------------------------------- */

struct xst_steer_stats {
	struct xst_counter stat[XST_STAT_MAX];	/* summed over possible CPUs */
};

int xst_steer_stats_read(const struct xst_steer_maps *m, struct xst_steer_stats *s);
/* qstats_map[0..XST_QSTATS_ENTRIES). 0 or -errno. */
int xst_steer_qstats_read(const struct xst_steer_maps *m,
			  struct xst_queue_stats q[XST_QSTATS_ENTRIES]);
/* Local addresses in local4/local6 maps, or -errno. */
int xst_steer_local_count(const struct xst_steer_maps *m, int family);

extern const char *const xst_stat_names[XST_STAT_MAX];

#endif /* XST_LOADER_STEER_LOADER_H */
