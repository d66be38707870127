/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF <-> userspace contract of the XDP steering program.
 * Compiled by gcc (loader, daemon, tests) and by clang -target bpf.
 * Plain fixed-width types only; every size is pinned by a _Static_assert.
 */
#ifndef XST_STEER_ABI_H
#define XST_STEER_ABI_H

#include <linux/types.h>

#define XST_ABI_VERSION		1
#define XST_MAX_QUEUES		64
#define XST_MAX_RULES		1024
#define XST_MAX_LOCAL_ADDRS	256
#define XST_MAX_BLOCKS		65536
#define XST_MAX_VLAN_TAGS	2
#define XST_MAX_IPV6_EXT	4	/* extension headers walked before giving up (PASS) */

#define XST_PIN_ROOT		"/sys/fs/bpf/xdpstorm"	/* maps at XST_PIN_ROOT/<ifname>/<map> */
#define XST_PROG_NAME		"xst_steer"

/* Map names: also the pin file names (kernel keeps 15 characters). */
#define XST_MAP_XSKS		"xsks_map"	/* XSKMAP: rx queue -> AF_XDP socket */
#define XST_MAP_CONFIG		"config_map"	/* ARRAY[1] of struct xst_steer_config */
#define XST_MAP_STATS		"stats_map"	/* PERCPU_ARRAY[XST_STAT_MAX] of struct xst_counter */
#define XST_MAP_RULES		"rules_map"	/* HASH struct xst_rule_key -> struct xst_rule_val */
#define XST_MAP_LOCAL4		"local4_map"	/* HASH __be32 -> __u32 (1) */
#define XST_MAP_LOCAL6		"local6_map"	/* HASH struct xst_in6 -> __u32 (1) */
#define XST_MAP_BLOCK4		"block4_map"	/* LPM_TRIE struct xst_lpm4_key -> __u64 hits */
#define XST_MAP_BLOCK6		"block6_map"	/* LPM_TRIE struct xst_lpm6_key -> __u64 hits */
#define XST_MAP_QSTATS		"qstats_map"	/* ARRAY[XST_MAX_QUEUES] of struct xst_queue_stats,
						 * written by the daemon, read by xdpstormctl */

/* Index into stats_map: every packet the program sees counts exactly one. */
enum xst_stat {
	XST_STAT_PASS,		/* not a steered flow (other port/proto, ARP, ICMP...): XDP_PASS */
	XST_STAT_PASS_FRAG,	/* IPv4/IPv6 fragment: XDP_PASS, the kernel reassembles */
	XST_STAT_PASS_RULE,	/* a rule with action pass matched: XDP_PASS */
	XST_STAT_PASS_NOT_LOCAL,/* steer rule matched, destination not a local address: XDP_PASS */
	XST_STAT_PASS_PARSE,	/* headers not understood (truncated L2/L3, too many tags/ext): XDP_PASS */
	XST_STAT_STEER,		/* redirected to the AF_XDP socket of the rx queue */
	XST_STAT_NO_XSK,	/* steer rule matched but no socket on that queue: XDP_PASS */
	XST_STAT_DROP_RULE,	/* a rule with action drop matched: XDP_DROP */
	XST_STAT_DROP_BLOCK,	/* source in block4_map/block6_map: XDP_DROP */
	XST_STAT_MALFORMED,	/* a rule matched but lengths are inconsistent: XDP_DROP */
	XST_STAT_DISABLED,	/* config_map says not enabled: XDP_PASS */
	XST_STAT_MAX
};

/* Printable names, in enum order, for xdpstormctl and tests. */
#define XST_STAT_NAMES { "pass", "pass_frag", "pass_rule", "pass_not_local", "pass_parse", \
			 "steer", "no_xsk", "drop_rule", "drop_block", "malformed", "disabled" }

struct xst_counter {		/* per-CPU; readers sum over possible CPUs */
	__u64 packets;
	__u64 bytes;		/* frame bytes as seen by XDP (data_end - data) */
};

struct xst_steer_config {	/* config_map[0]: run-time switches */
	__u32 abi_version;	/* XST_ABI_VERSION; userspace refuses a mismatch */
	__u32 flags;		/* XST_F_*, host order */
};

#define XST_F_ENABLED		(1U << 0)	/* clear: every packet XDP_PASS (counted disabled) */
#define XST_F_LOCAL_ONLY	(1U << 1)	/* steer only packets whose destination is in local4/6_map */

enum xst_action {
	XST_ACT_PASS = 1,	/* hand to the kernel stack */
	XST_ACT_STEER = 2,	/* redirect to the queue's AF_XDP socket */
	XST_ACT_DROP = 3,	/* XDP_DROP */
};

struct xst_rule_key {
	__u8 proto;		/* IPPROTO_UDP or IPPROTO_TCP */
	__u8 pad;		/* must be zero */
	__be16 port;		/* destination port, network order */
};

struct xst_rule_val {
	__u32 action;		/* enum xst_action, host order */
	__u32 pad;		/* must be zero */
	__u64 hits;		/* packets matched, updated atomically by the program */
};

struct xst_in6 {
	__u8 addr[16];		/* network order */
};

struct xst_lpm4_key {
	__u32 prefixlen;	/* host order, 0..32 */
	__u8 addr[4];		/* network order */
};

struct xst_lpm6_key {
	__u32 prefixlen;	/* host order, 0..128 */
	__u8 addr[16];		/* network order */
};

/* qstats_map[queue]: the daemon's per-queue counters, republished about once a second. */
struct xst_queue_stats {
	__u32 bound;		/* 1 while a daemon socket is bound on this queue */
	__u32 pid;		/* daemon pid */
	__u64 updated_ns;	/* CLOCK_MONOTONIC of the last publish */
	__u64 rx_packets;	/* frames taken from the RX ring */
	__u64 tx_packets;	/* frames put on the TX ring */
	__u64 rx_dropped;	/* frames the worker dropped (malformed, QR=1, unanswerable) */
	__u64 tx_errors;	/* replies lost for lack of TX ring space or frames */
	__u64 xsk_rx_dropped;	/* XDP_STATISTICS rx_dropped */
	__u64 xsk_rx_invalid;	/* XDP_STATISTICS rx_invalid_descs */
	__u64 xsk_tx_invalid;	/* XDP_STATISTICS tx_invalid_descs */
	__u64 xsk_rx_ring_full;	/* XDP_STATISTICS rx_ring_full */
	__u64 xsk_fill_empty;	/* XDP_STATISTICS rx_fill_ring_empty_descs */
	__u64 xsk_tx_empty;	/* XDP_STATISTICS tx_ring_empty_descs */
	__u64 dns_queries;	/* DNS messages parsed */
	__u64 dns_answers;	/* DNS replies sent (any rcode) */
	__u64 reserved[6];	/* zero; room to grow without an ABI bump */
};

_Static_assert(sizeof(struct xst_counter) % 8 == 0, "per-CPU slot alignment");
_Static_assert(sizeof(struct xst_steer_config) == 8, "config ABI changed");
_Static_assert(sizeof(struct xst_rule_key) == 4, "rule key ABI changed");
_Static_assert(sizeof(struct xst_rule_val) == 16, "rule value ABI changed");
_Static_assert(sizeof(struct xst_in6) == 16, "in6 key ABI changed");
_Static_assert(sizeof(struct xst_lpm4_key) == 8, "lpm4 key ABI changed");
_Static_assert(sizeof(struct xst_lpm6_key) == 20, "lpm6 key ABI changed");
_Static_assert(sizeof(struct xst_queue_stats) == 160, "queue stats ABI changed");

#endif /* XST_STEER_ABI_H */
