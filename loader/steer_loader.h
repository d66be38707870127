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
#include <stddef.h>
#include <stdint.h>

#include "xdpstorm/steer_abi.h"

enum xst_attach_mode { XST_MODE_NATIVE, XST_MODE_SKB };

struct xst_steer_maps {		/* map fds, -1 when not open */
	int xsks, config, stats, rules, local4, local6, block4, block6, qstats, macs, snames;
	int buckets, verified4, verified6, guard;
	int peace;		/* peace_map: PERCPU_ARRAY[1] of struct xst_bucket */
	int alerts;		/* alerts_map: RINGBUF of struct xst_alert (xst_steer_alerts_open) */
};

/* Load the program, attach it (libxdp; single-program fallback when the
 * dispatcher is refused), pin its maps, put the interface's local addresses
 * into local4/local6_map (XST_F_LOCAL_ONLY when there are any) and its
 * Ethernet MAC into macs_map (XST_F_MAC_ONLY; neither for an interface
 * without one), then config_map with max_frame 0 (written last: its
 * abi_version marks a complete attachment). No service rules: whoever
 * serves a port adds its rule (xst_steer_rule_set) and removes it when done.
 * Returns 0, -EEXIST already attached (complete), -ENODEV no such interface,
 * -EBUSY another (non-xdpstorm) XDP program, -EPROTO an xdpstorm attachment
 * of another ABI version (left alone), or the kernel's -errno (see
 * xst_steer_attach_hint()). A stale or incomplete xdpstorm attachment is
 * replaced; nothing is left on failure. */
int xst_steer_attach(const char *ifname, enum xst_attach_mode mode);

/* A one-line explanation of err (a negative errno from xst_steer_attach()
 * with this ifname and mode) that says what limits the attach and what to
 * do, e.g. "MTU 9000 of 'v1', the veth peer of 'v0', is more than native XDP
 * on veth allows ... ; lower it or use --mode skb". Written into buf (len
 * bytes, 256 are enough), no trailing newline; returns buf. Looks at the
 * interface (netlink, ethtool), so call it right after the failure. */
const char *xst_steer_attach_hint(const char *ifname, int err, enum xst_attach_mode mode,
				  char *buf, size_t len);

/* Detach our program and remove the pins. 0 when something of ours (program
 * or stale pins) was removed, -ENOENT if nothing was there, -ENODEV no such
 * interface, -EBUSY the program on the interface is not ours. */
int xst_steer_detach(const char *ifname);

/* Open every map of the attachment on ifname (fds in *m, all set on success).
 * -ENOENT when nothing of ours is attached (or its maps cannot all be found),
 * -EPROTO when its config_map holds another non-zero abi_version (a
 * program of another build: never written to), -ENODEV no such interface.
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
	uint32_t abi_version;	/* config_map abi_version (read also when the program is of
				 * another ABI: 0 incomplete, != XST_ABI_VERSION another build) */
	uint32_t max_frame;	/* config_map max_frame */
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

/* ---- TCP verification (sock_ops) --------------------------------------------
 * The sock_ops program xst_verify (bpf/verify.bpf.c, a second small object
 * whose maps are those of the attachment: config, local4/6, verified4/6 are
 * reused through the fds of *m). On BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB of a
 * socket of the cgroup (or below) with local port 53 and a local address in
 * local4/6_map it writes the remote address into verified4/6_map with
 * expires = now + config verify_ns (0: nothing); IPv4-mapped IPv6 sockets
 * go to verified4. Attached through a bpf_link: it goes away when *out is
 * detached or the process exits (a crash too); nothing is pinned. */
struct xst_verify;

/* Load and attach to the cgroup v2 directory cgroup_path (NULL: the root,
 * /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid hierarchy: every
 * process of the host, kernel-socket DNS servers included). m needs config,
 * local4, local6, verified4, verified6 open. 0 and *out, or -errno: -EBADF
 * a map fd missing, -ENOENT no such path, -ENOTDIR/-EMEDIUMTYPE not a cgroup
 * v2 directory, -EPERM, or the kernel's error. */
int xst_steer_verify_attach(const struct xst_steer_maps *m, const char *cgroup_path,
			    struct xst_verify **out);
/* Destroy the link and free v (NULL: nothing). */
void xst_steer_verify_detach(struct xst_verify *v);
/* The program id of an attached v (for logs, bpftool prog show id N), 0 if unknown. */
uint32_t xst_steer_verify_prog_id(const struct xst_verify *v);

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
	uint64_t hits;		/* packets dropped by this entry (approximate: sampled 1 in 64) */
	uint64_t expires_ns;	/* CLOCK_MONOTONIC expiry of a learnt entry, 0 manual */
	uint32_t reason;	/* enum xst_block_reason */
};

/* Add a manual prefix (hit counter 0, expires 0, reason XST_BLOCK_MANUAL);
 * 1 if it was already present (unchanged, even when learnt), 0 added. */
int xst_steer_block_add(const struct xst_steer_maps *m, const struct xst_prefix *p);
/* -ENOENT when not present. */
int xst_steer_block_del(const struct xst_steer_maps *m, const struct xst_prefix *p);
/* Up to max entries (IPv4 first). Returns the total count, or -errno. */
int xst_steer_block_list(const struct xst_steer_maps *m, struct xst_block_entry *out, int max);
/* Entries in one family's trie, or -errno. */
int xst_steer_block_count(const struct xst_steer_maps *m, int family);

/* Learnt blocks: add or extend (expiry, reason) a learnt entry: 0; 1 when a
 * manual entry for that exact prefix exists (left untouched). expires_ns is
 * CLOCK_MONOTONIC (bpf_ktime_get_ns()) and must not be 0 (-EINVAL). expire
 * deletes learnt entries with expires_ns <= now_ns, returns how many were
 * deleted (or -errno). */
int xst_steer_block_learn(const struct xst_steer_maps *m, const struct xst_prefix *p,
			  uint64_t expires_ns, enum xst_block_reason why);
int xst_steer_block_expire(const struct xst_steer_maps *m, uint64_t now_ns);
/* "manual", "rate", ... ("?" when out of range). */
const char *xst_block_reason_name(uint32_t reason);

/* ---- DNS filter stage ------------------------------------------------------- */

/* Filter limits: rate 0 = level off. Writes interval_ns/tolerance_ns/sample,
 * peace_interval_ns/peace_tolerance_ns, alert_drops and verify_ns, keeping
 * abi_version, flags and max_frame. 0, -EINVAL (burst 0 with rate > 0, for a
 * level or for peace), -EPROTO, -errno. get gives back rate = 1e9 /
 * interval_ns (rounded) and burst = tolerance_ns / interval_ns (peace alike).
 * Callers that change some fields should get, change, set (a zeroed struct
 * turns everything off). A change of peace_rate/peace_burst zeroes every
 * CPU's peace_map bucket (a GCRA would keep the old rate's debt). */
struct xst_filter_limits {
	uint32_t rate[XST_BUCKET_LEVELS];	/* packets per second per CPU */
	uint32_t burst[XST_BUCKET_LEVELS];	/* packets */
	uint32_t sample;			/* steer 1 in sample (0 none) */
	uint32_t peace_rate;			/* unverified queries per second per CPU that are
						 * sampled; over it all are steered (0 off) */
	uint32_t peace_burst;			/* packets */
	uint32_t alert_drops;			/* an alert every alert_drops drops of a bucket
						 * on one CPU (0 no alerts) */
	uint64_t verify_ns;			/* sock_ops program: TCP-verified sources stay
						 * verified this long (0 off) */
};
int xst_steer_set_filter(const struct xst_steer_maps *m, const struct xst_filter_limits *l);
int xst_steer_get_filter(const struct xst_steer_maps *m, struct xst_filter_limits *l);

/* Verified sources (family AF_INET 4-byte addr / AF_INET6 16-byte, network
 * order): add inserts or moves the expiry; del -ENOENT when absent. expire
 * deletes the entries with expires_ns <= now_ns and returns how many remain
 * (or -errno). -EAFNOSUPPORT another family. */
int xst_steer_verified_add(const struct xst_steer_maps *m, int family, const void *addr,
			   uint64_t expires_ns);
int xst_steer_verified_del(const struct xst_steer_maps *m, int family, const void *addr);
int xst_steer_verified_expire(const struct xst_steer_maps *m, uint64_t now_ns);

/* Token buckets: every key with its per-CPU values summed (tat_ns and
 * last_drop_ns: the max over CPUs). fn returning non-zero stops the walk
 * (returned). 0 or -errno. */
struct xst_bucket_sum {
	struct xst_bucket_key key;
	uint64_t passed, dropped, last_drop_ns;
	uint64_t tat_ns;
};
typedef int (*xst_bucket_fn)(void *arg, const struct xst_bucket_sum *b);
int xst_steer_buckets_scan(const struct xst_steer_maps *m, xst_bucket_fn fn, void *arg);
/* "192.0.2.0/24" style for a bucket key (level gives the length). */
void xst_bucket_key_format(const struct xst_bucket_key *k, char *buf, size_t size);

/* Alerts (alerts_map ring buffer): a host or net bucket that keeps dropping
 * on one CPU (every config alert_drops drops). open wraps a libbpf
 * ring_buffer over m->alerts (the fd is used, not owned: keep m open while
 * a is). fd: epoll/poll-able, readable when records wait. drain consumes
 * what is there without blocking, calls fn per record, returns how many or
 * -errno. close frees a (NULL is fine). */
struct xst_alerts;
int xst_steer_alerts_open(const struct xst_steer_maps *m, struct xst_alerts **out);
int xst_steer_alerts_fd(const struct xst_alerts *a);
typedef void (*xst_alert_fn)(void *arg, const struct xst_alert *al);
int xst_steer_alerts_drain(struct xst_alerts *a, xst_alert_fn fn, void *arg);
void xst_steer_alerts_close(struct xst_alerts *a);

/* guard_map[0]: written by the daemon, read by xdpstormctl. 0 or -errno. */
int xst_steer_guard_write(const struct xst_steer_maps *m, const struct xst_guard_state *g);
int xst_steer_guard_read(const struct xst_steer_maps *m, struct xst_guard_state *g);

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

/* ---- run-time configuration ------------------------------------------------
 * config_map[0] changes are read-modify-write, not atomic against another
 * writer: one process at a time configures an attachment (the daemon while
 * it runs). The program sees each change with its next packet. */

/* config_map[0] into *cfg. 0 or -errno. */
int xst_steer_config_read(const struct xst_steer_maps *m, struct xst_steer_config *cfg);

/* Set max_frame, keeping abi_version and flags: frames longer than max_frame
 * are passed to the kernel (XST_STAT_PASS_BIG); 0 = no limit for frames in
 * one buffer (multi-buffer frames are then never steered). The daemon sets
 * what its AF_XDP frames hold (frame size - headroom). 0, -EPROTO when the
 * config is not of XST_ABI_VERSION (incomplete attachment), or -errno. */
int xst_steer_set_max_frame(const struct xst_steer_maps *m, uint32_t max_frame);

/* flags = (flags | set) & ~clear, keeping abi_version and max_frame.
 * -EINVAL when set and clear overlap or name bits other than XST_F_*,
 * -EPROTO as above, or -errno. */
int xst_steer_set_flags(const struct xst_steer_maps *m, uint32_t set, uint32_t clear);

/* Destination MACs accepted under XST_F_MAC_ONLY (the interface's, its VLAN
 * devices'). add: 0 added, 1 already present, -EINVAL a group (multicast or
 * broadcast) or all-zero address, -ENOSPC XST_MAX_MACS reached. del: 0 or
 * -ENOENT. list: up to max addresses sorted, returns the total count or
 * -errno. The flags are not changed (XST_F_MAC_ONLY with an empty map
 * steers nothing). */
int xst_steer_mac_add(const struct xst_steer_maps *m, const uint8_t mac[6]);
int xst_steer_mac_del(const struct xst_steer_maps *m, const uint8_t mac[6]);
int xst_steer_mac_list(const struct xst_steer_maps *m, uint8_t (*out)[6], int max);

/* Destination addresses accepted under XST_F_LOCAL_ONLY. family AF_INET:
 * addr is 4 bytes, AF_INET6: 16 bytes, network order (struct in_addr /
 * in6_addr). add: 0 added, 1 already present, -EAFNOSUPPORT another family,
 * -ENOSPC XST_MAX_LOCAL_ADDRS reached. del: 0 or -ENOENT. The flags are not
 * changed (XST_F_LOCAL_ONLY with both maps empty steers nothing). */
int xst_steer_local_add(const struct xst_steer_maps *m, int family, const void *addr);
int xst_steer_local_del(const struct xst_steer_maps *m, int family, const void *addr);

struct xst_local_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network order; 4 bytes used for AF_INET */
};

/* Up to max local addresses (IPv4 first, each family sorted). Returns the
 * total count, or -errno. */
int xst_steer_local_list(const struct xst_steer_maps *m, struct xst_local_addr *out, int max);

/* The Ethernet MAC of ifname into mac: 1 found, 0 the interface has none
 * (not ARPHRD_ETHER, or all-zero), -ENODEV / -errno. */
int xst_iface_mac(const char *ifname, uint8_t mac[6]);

/* "02:00:5e:00:00:01" into buf (at least 18 bytes); parse returns 0 or -EINVAL. */
void xst_mac_format(const uint8_t mac[6], char *buf, size_t size);
int xst_mac_parse(const char *s, uint8_t mac[6]);

extern const char *const xst_stat_names[XST_STAT_MAX];

#endif /* XST_LOADER_STEER_LOADER_H */
