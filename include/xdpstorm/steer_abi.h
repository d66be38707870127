/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF <-> userspace contract of the XDP steering program.
 * Compiled by gcc (loader, daemon, tests) and by clang -target bpf.
 * Plain fixed-width types only; every size is pinned by a _Static_assert.
 */
#ifndef XST_STEER_ABI_H
#define XST_STEER_ABI_H

#include <linux/types.h>

#define XST_ABI_VERSION		3	/* 2: config max_frame, macs_map, per-service qstats, snames_map;
					 * 3: the DNS filter stage (XST_ACT_FILTER, buckets, verified,
					 * block values with expiry, guard_map) */
#define XST_MAX_QUEUES		64
#define XST_MAX_RULES		1024
#define XST_MAX_LOCAL_ADDRS	256
#define XST_MAX_BLOCKS		65536
#define XST_MAX_VLAN_TAGS	2
#define XST_MAX_IPV6_EXT	4	/* IPv6 extension headers a steered packet may carry */
#define XST_MAX_IPV6_OPTS	8	/* options per hop-by-hop/destination-options header */
#define XST_MAX_MACS		64	/* entries of macs_map */
#define XST_MAX_BUCKETS		131072	/* entries of buckets_map (LRU: the least recent go) */
#define XST_PEACE_HOLD_NS	1000000000ULL	/* see struct xst_steer_config peace_interval_ns */
#define XST_MAX_VERIFIED	65536	/* entries of verified4_map and verified6_map each */

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
#define XST_MAP_MACS		"macs_map"	/* HASH struct xst_mac -> __u32 (1) */
#define XST_MAP_QSTATS		"qstats_map"	/* ARRAY[XST_QSTATS_ENTRIES] of struct xst_queue_stats,
						 * written by the daemon, read by xdpstormctl */
#define XST_MAP_SNAMES		"snames_map"	/* ARRAY[1] of struct xst_stat_names: what the
						 * per-service counters of qstats_map are called */
#define XST_MAP_BUCKETS		"buckets_map"	/* LRU_PERCPU_HASH struct xst_bucket_key ->
						 * struct xst_bucket (token buckets per source) */
#define XST_MAP_VERIFIED4	"verified4_map"	/* LRU_HASH __be32 -> __u64 expires_ns */
#define XST_MAP_VERIFIED6	"verified6_map"	/* LRU_HASH struct xst_in6 -> __u64 expires_ns */
#define XST_MAP_PEACE		"peace_map"	/* PERCPU_ARRAY[1] of struct xst_bucket: the
						 * peacetime bucket (config peace_interval_ns) */
#define XST_MAP_ALERTS		"alerts_map"	/* RINGBUF of struct xst_alert */
#define XST_PROG_VERIFY		"xst_verify"	/* sock_ops program of bpf/verify.bpf.c (its own object, the maps reused) */
#define XST_MAP_GUARD		"guard_map"	/* ARRAY[1] of struct xst_guard_state, written by
						 * the daemon, read by xdpstormctl */

/* Index into stats_map: every packet the program sees counts exactly one. */
enum xst_stat {
	XST_STAT_PASS,		/* not a steered flow (other port/proto, ARP, ICMP...): XDP_PASS */
	XST_STAT_PASS_FRAG,	/* IPv4/IPv6 fragment: XDP_PASS, the kernel reassembles */
	XST_STAT_PASS_RULE,	/* a rule with action pass matched: XDP_PASS */
	XST_STAT_PASS_NOT_LOCAL,/* steer rule matched, destination not a local address: XDP_PASS */
	XST_STAT_PASS_PARSE,	/* headers not understood (truncated L2/L3/extension header, too
				 * many VLAN tags, an IPv6 option overrunning its header): XDP_PASS */
	XST_STAT_STEER,		/* redirected to the AF_XDP socket of the rx queue */
	XST_STAT_NO_XSK,	/* steer rule matched but no socket on that queue: XDP_PASS */
	XST_STAT_DROP_RULE,	/* a rule with action drop matched: XDP_DROP */
	XST_STAT_DROP_BLOCK,	/* source in block4_map/block6_map: XDP_DROP */
	XST_STAT_MALFORMED,	/* a rule matched but lengths are inconsistent: XDP_DROP */
	XST_STAT_DISABLED,	/* config_map says not enabled: XDP_PASS */
	XST_STAT_PASS_BIG,	/* steer rule matched, frame longer than config max_frame (the
				 * sockets' frames could not hold it): XDP_PASS */
	XST_STAT_PASS_MAC,	/* steer rule matched, XST_F_MAC_ONLY and the destination MAC is
				 * not in macs_map (another host's frame seen in promiscuous
				 * mode, a macvlan's): XDP_PASS */
	XST_STAT_PASS_EXT,	/* IPv6 extension headers outside the steered chain (the rule
				 * below): XDP_PASS, the kernel decides */
	/* The DNS filter stage (rule action XST_ACT_FILTER, UDP only), after
	 * every check above; first match wins, in this order: */
	XST_STAT_DNS_SHORT,	/* UDP payload shorter than a DNS header: XDP_DROP */
	XST_STAT_DNS_RESPONSE,	/* QR=1, a response sent to a server port: XDP_DROP */
	XST_STAT_DNS_MALFORMED,	/* XST_F_FILTER_HEADER and a header no query has: opcode other
				 * than QUERY, NOTIFY, UPDATE; QUERY with QDCOUNT > 1,
				 * ANCOUNT != 0, NSCOUNT > 1 or ARCOUNT > 2; NOTIFY with
				 * QDCOUNT != 1, ANCOUNT > 1, NSCOUNT != 0 or ARCOUNT > 2;
				 * UPDATE with ZOCOUNT != 1: XDP_DROP (random bytes fail
				 * this almost always) */
	XST_STAT_RATE_HOST,	/* over the token bucket of its /32 (IPv4) or /64 (IPv6): XDP_DROP */
	XST_STAT_RATE_NET,	/* over the bucket of its /24 (IPv4) or /56 (IPv6): XDP_DROP */
	XST_STAT_PASS_VERIFIED,	/* XST_F_FILTER_PASS and the source is in verified4/6_map,
				 * not expired: XDP_PASS (the kernel's server answers) */
	XST_STAT_PASS_UNSAMPLED,/* XST_F_FILTER_PASS, XST_F_FILTER_INSPECT clear and the query
				 * not among the 1 in config sample steered: XDP_PASS */
	XST_STAT_DROP_LEARNT,	/* source in a block entry with an expiry (learnt by the
				 * daemon), not expired: XDP_DROP (manual entries: DROP_BLOCK) */
	XST_STAT_MAX
};

/* Printable names, in enum order, for xdpstormctl and tests. */
#define XST_STAT_NAMES { "pass", "pass_frag", "pass_rule", "pass_not_local", "pass_parse", \
			 "steer", "no_xsk", "drop_rule", "drop_block", "malformed", "disabled", \
			 "pass_big", "pass_mac", "pass_ext", "dns_short", "dns_response", "dns_malformed", \
			 "rate_host", "rate_net", "pass_verified", "pass_unsampled", "drop_learnt" }

struct xst_counter {		/* per-CPU; readers sum over possible CPUs */
	__u64 packets;
	__u64 bytes;		/* whole frame, every buffer of it (bpf_xdp_get_buff_len) */
};

/* Token-bucket levels of buckets_map (enum order = key level). */
enum xst_bucket_level {
	XST_BUCKET_HOST4,	/* IPv4 /32 */
	XST_BUCKET_NET4,	/* IPv4 /24 */
	XST_BUCKET_HOST6,	/* IPv6 /64 */
	XST_BUCKET_NET6,	/* IPv6 /56 */
	XST_BUCKET_LEVELS
};

struct xst_steer_config {	/* config_map[0]: run-time switches */
	__u32 abi_version;	/* XST_ABI_VERSION; userspace refuses a mismatch */
	__u32 flags;		/* XST_F_*, host order */
	__u32 max_frame;	/* host order: frames longer than this are not steered
				 * (XST_STAT_PASS_BIG); 0 = no limit for a frame in one
				 * buffer, while a frame in several buffers (XDP
				 * multi-buffer, e.g. MTU 9000) is never steered under 0:
				 * only a socket bound with XDP_USE_SG could take it. The
				 * daemon sets it to what its AF_XDP frames hold. */
	__u32 sample;		/* XST_F_FILTER_PASS without XST_F_FILTER_INSPECT: steer
				 * 1 unverified query in sample to the filter (so that it
				 * sees what comes), XDP_PASS the others; 0 = none */
	/* Token buckets (GCRA) per enum xst_bucket_level, per CPU: a packet
	 * conforms when the theoretical arrival time it leaves behind,
	 * max(tat, now) + interval_ns, is at most tolerance_ns ahead of now
	 * (and then becomes the new tat), so that a fresh source gets exactly
	 * burst packets at once. interval_ns = 1e9 / rate, tolerance_ns =
	 * burst * interval_ns; interval_ns 0 = that level is off. */
	__u64 interval_ns[XST_BUCKET_LEVELS];
	__u64 tolerance_ns[XST_BUCKET_LEVELS];
	/* XST_F_FILTER_PASS without XST_F_FILTER_INSPECT: one more GCRA per CPU
	 * (peace_map) over every unverified query that reached the sampling
	 * step. While it conforms the queries are sampled (1 in sample
	 * steered, the others XDP_PASS); over it (more unverified queries per
	 * second on this CPU than peacetime brings) every one is steered, as
	 * under XST_F_FILTER_INSPECT, at once and without waiting for the
	 * daemon. peace_interval_ns 0 = no such bucket (sampling only). */
	/* Once over, the CPU steers every unverified query for
	 * XST_PEACE_HOLD_NS after the last query over it (the bucket's own
	 * rate would otherwise go on being sampled through the flood). */
	__u64 peace_interval_ns;
	__u64 peace_tolerance_ns;
	/* The sock_ops program (xst_verify): a passive TCP connection to port
	 * 53 of a local address (local4/6_map) that reaches ESTABLISHED puts
	 * its remote address in verified4/6_map until now + verify_ns (a
	 * completed handshake proves the source is real). 0 = off. */
	__u64 verify_ns;
	/* A host or net bucket whose per-CPU dropped count reaches a multiple
	 * of alert_drops sends a struct xst_alert to alerts_map, so that the
	 * daemon learns a flooding source within milliseconds instead of at
	 * its next scan. 0 = no alerts. */
	__u32 alert_drops;
	__u32 pad2;		/* must be zero */
};


#define XST_F_ENABLED		(1U << 0)	/* clear: every packet XDP_PASS (counted disabled) */
#define XST_F_LOCAL_ONLY	(1U << 1)	/* steer only packets whose destination is in local4/6_map */
#define XST_F_MAC_ONLY		(1U << 2)	/* steer only frames whose destination MAC is in macs_map */
#define XST_F_FILTER_PASS	(1U << 3)	/* filter mode (a kernel DNS server answers): the
						 * filter stage XDP_PASSes verified sources and
						 * unsampled queries; clear (xdpstorm serves):
						 * every query that survives the stage is steered */
#define XST_F_FILTER_INSPECT	(1U << 4)	/* with XST_F_FILTER_PASS: steer every unverified
						 * query (under attack), not 1 in sample */
#define XST_F_FILTER_HEADER	(1U << 5)	/* DNS header sanity in the filter stage
						 * (XST_STAT_DNS_MALFORMED): set in filter mode,
						 * where the kernel server would only answer
						 * FORMERR; serve mode answers those itself */

/*
 * IPv6 extension headers: the program and the daemon's parser follow one
 * rule. A packet is steered only when the headers between the fixed IPv6
 * header and UDP/TCP are at most XST_MAX_IPV6_EXT of
 *   - hop-by-hop options (0), only as the first header,
 *   - destination options (60),
 *   - routing (43) with Segments Left 0, of a type other than 2 (mobile
 *     IPv6), 3 (RPL) and 4 (SRv6): the kernel checks those against its own
 *     state (xfrm, rpl_seg_enabled, seg6_enabled) and drops them by default,
 * every one inside the frame, where each option of a hop-by-hop or
 * destination-options header is Pad1 or a TLV inside the header whose type
 * has action bits 00 ("skip over this option" when unknown, RFC 8200 4.2),
 * at most XST_MAX_IPV6_OPTS options per header. Anything else goes to the
 * kernel: a fragment header (XST_STAT_PASS_FRAG); a truncated header or an
 * option overrunning its header (XST_STAT_PASS_PARSE); a routing header
 * with Segments Left != 0 (the packet is not finally for us) or of type
 * 2/3/4, hop-by-hop after the first header, an option that must not be
 * skipped, more headers or options than allowed, AH (51), ESP (50),
 * mobility (135), HIP (139), shim6 (140), 253, 254 (XST_STAT_PASS_EXT).
 */

enum xst_action {
	XST_ACT_PASS = 1,	/* hand to the kernel stack */
	XST_ACT_STEER = 2,	/* redirect to the queue's AF_XDP socket */
	XST_ACT_DROP = 3,	/* XDP_DROP */
	XST_ACT_FILTER = 4,	/* UDP (DNS): the filter stage of enum xst_stat, then as
				 * XST_ACT_STEER; hits not counted (a shared cache line
				 * under a flood: the per-CPU stats_map counts instead) */
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

struct xst_mac {
	__u8 addr[6];		/* network order */
	__u16 pad;		/* must be zero */
};

struct xst_lpm4_key {
	__u32 prefixlen;	/* host order, 0..32 */
	__u8 addr[4];		/* network order */
};

struct xst_lpm6_key {
	__u32 prefixlen;	/* host order, 0..128 */
	__u8 addr[16];		/* network order */
};

/* Why a block entry is there. */
enum xst_block_reason {
	XST_BLOCK_MANUAL,	/* xdpstormctl block add: stays until removed (expires_ns 0) */
	XST_BLOCK_RATE,		/* learnt: its token bucket kept dropping (a flood source) */
	XST_BLOCK_MALFORMED,	/* learnt: sent malformed queries or responses at a rate */
	XST_BLOCK_NXFLOOD,	/* learnt: queried unknown names of a zone under attack */
	XST_BLOCK_REASONS
};
#define XST_BLOCK_REASON_NAMES { "manual", "rate", "malformed", "nxflood" }

/* Value of block4_map / block6_map. */
struct xst_block_val {
	__u64 hits;		/* packets dropped by this entry; the program adds 64 to one
				 * packet in 64 at random (no shared cache line written per
				 * packet under a flood): approximate */
	__u64 expires_ns;	/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) after which the entry
				 * no longer drops (the daemon deletes it); 0 = never */
	__u32 reason;		/* enum xst_block_reason, host order */
	__u32 pad;		/* must be zero */
};

/* Key of buckets_map: a source prefix at one level, host bits cleared. */
struct xst_bucket_key {
	__u32 level;		/* enum xst_bucket_level, host order */
	__u8 addr[16];		/* network order; IPv4 in addr[0..4), the rest zero */
};

/* Per-CPU value of buckets_map. */
struct xst_bucket {
	__u64 tat_ns;		/* theoretical arrival time (GCRA), bpf_ktime_get_ns() */
	__u64 passed;		/* packets that conformed */
	__u64 dropped;		/* packets dropped over the limit */
	__u64 last_drop_ns;	/* when the last one was dropped (0: never) */
};

/* alerts_map record (BPF ring buffer): a bucket kept dropping. */
struct xst_alert {
	struct xst_bucket_key key;
	__u32 cpu;		/* where it was dropping */
	__u64 dropped;		/* that CPU's dropped count for the bucket */
	__u64 now_ns;		/* bpf_ktime_get_ns() */
};

/*
 * guard_map[0]: what the daemon's flood defence sees, republished about
 * once a second for xdpstormctl (top sources by packets dropped in the last
 * interval, zones under random-subdomain attack). Strings NUL-terminated.
 */
#define XST_GUARD_TOP		16
#define XST_GUARD_ZONES		16
#define XST_GUARD_NAME_LEN	256	/* zone name, presentation form */

enum xst_attack_kind {
	XST_ATTACK_NONE,
	XST_ATTACK_NXFLOOD,	/* random subdomains: unknown names at a rate under one zone */
	XST_ATTACK_RATE,	/* sources over their token buckets */
	XST_ATTACK_KINDS
};

struct xst_guard_source {
	__u32 level;		/* enum xst_bucket_level (prefix length follows) */
	__u8 addr[16];		/* network order, as in struct xst_bucket_key */
	__u32 pad;
	__u64 dropped;		/* packets dropped in the last interval */
	__u64 passed;		/* packets that conformed in the last interval */
};

struct xst_guard_zone {
	char name[XST_GUARD_NAME_LEN];
	__u32 kind;		/* enum xst_attack_kind: XST_ATTACK_NONE when it ended */
	__u32 active;		/* 1 while the attack lasts (unknown names challenged/dropped) */
	__u64 since_ns;		/* CLOCK_MONOTONIC when it started */
	__u64 unknown_rate;	/* queries for unknown names per second, last interval */
	__u64 distinct_rate;	/* distinct unknown names per second (estimate) */
	__u64 challenged;	/* queries challenged (TC=1) since it started */
	__u64 dropped;		/* queries dropped since it started */
};

struct xst_guard_state {
	__u32 abi_version;	/* XST_ABI_VERSION of the writer */
	__u32 pid;
	__u64 updated_ns;	/* CLOCK_MONOTONIC of the last publish */
	__u32 mode;		/* 1 filter (--dns-filter), 2 serve, 0 no DNS defence */
	__u32 nr_sources;	/* top[0..nr_sources) */
	__u32 nr_zones;		/* zone[0..nr_zones) */
	__u32 pad;
	__u64 learnt_blocks;	/* learnt block entries now in block4/6_map */
	__u64 verified;		/* entries now in verified4/6_map */
	struct xst_guard_source top[XST_GUARD_TOP];
	struct xst_guard_zone zone[XST_GUARD_ZONES];
};

/*
 * qstats_map[queue]: the daemon's counters of one queue's worker, republished
 * about once a second; entry XST_QSTATS_DAEMON holds the services that run
 * outside the queues (kernel sockets: DNS over TCP), with bound 0 and no
 * worker or xsk counters. The worker counters are generic (every frame is
 * counted once in rx_packets, then either handed to a service or dropped
 * for one drop_* reason); each service's block counts what its handler did
 * with the frames it was given, plus up to XST_QSTATS_CTR_MAX counters of
 * its own whose names are in snames_map. All counters host order.
 */
#define XST_QSTATS_DAEMON	XST_MAX_QUEUES	/* index of the daemon-wide entry */
#define XST_QSTATS_ENTRIES	(XST_MAX_QUEUES + 1)
#define XST_QSTATS_SVC_MAX	4	/* service blocks per entry */
#define XST_QSTATS_CTR_MAX	40	/* named counters per service block */
#define XST_STAT_NAME_LEN	32	/* NUL-terminated counter name, snames_map */
#define XST_SVC_NAME_LEN	16	/* NUL-terminated service name, snames_map */

struct xst_svc_qstats {
	__u32 id;		/* index into xst_stat_names.svc[] */
	__u32 nr_counters;	/* counter[0..nr_counters) are in use */
	__u64 rx;		/* frames handed to the service */
	__u64 replied;		/* ... answered in place (verdict reply) */
	__u64 consumed;		/* ... absorbed, possibly emitting other frames (verdict consumed) */
	__u64 passed;		/* ... given back for the kernel stack (verdict pass) */
	__u64 dropped;		/* ... dropped (verdict drop; why: the service's own counters) */
	__u64 emitted;		/* frames the service sent through the TX context (not replies) */
	__u64 counter[XST_QSTATS_CTR_MAX];
};

struct xst_queue_stats {
	__u32 abi_version;	/* XST_ABI_VERSION of the daemon that wrote the entry */
	__u32 bound;		/* 1 while a daemon socket is bound on this queue */
	__u32 pid;		/* daemon pid */
	__u32 nr_services;	/* svc[0..nr_services) are in use */
	__u64 updated_ns;	/* CLOCK_MONOTONIC of the last publish */
	/* the worker loop */
	__u64 rx_packets;	/* frames taken from the RX ring */
	__u64 tx_packets;	/* frames put on the TX ring (replies and emitted frames) */
	__u64 tx_errors;	/* frames that found no TX ring slot (lost) */
	__u64 batches;		/* loop iterations that received something */
	__u64 idle_waits;	/* waits for RX (nothing received, no timer due) */
	__u64 timers;		/* timers fired */
	__u64 tx_kicks;		/* sendto() calls that pushed the TX ring */
	__u64 rx_dropped;	/* frames dropped, every reason below and the services' drops */
	__u64 drop_malformed;	/* failed a length or format check in the packet layers */
	__u64 drop_unsupported;	/* 3+ VLAN tags, non-IP, IPv6 options that must not be skipped */
	__u64 drop_fragment;	/* IPv4 fragments, IPv6 fragment headers */
	__u64 drop_not_unicast;	/* group MAC, multicast/broadcast/unspecified address */
	__u64 drop_martian;	/* source that cannot be real: loopback, our own address, a
				 * subnet broadcast, UDP port 0 */
	__u64 drop_foreign_mac;	/* destination MAC is not the interface's */
	__u64 drop_foreign_vlan;/* VLAN tags with no VLAN device of the interface */
	__u64 drop_no_service;	/* no service registered for the protocol and port */
	__u64 drop_foreign_dst;	/* destination address not one this host serves (the
				 * attachment steered it before the daemon's maps caught up) */
	__u64 passed;		/* verdict pass: frames for the kernel stack (without a
				 * return path yet, counted here and freed) */
	__u64 frames_free;	/* gauge: UMEM frames on the free list */
	__u64 frames_held;	/* gauge: UMEM frames held by services (copy pools) */
	/* kernel side (XDP_STATISTICS) */
	__u64 xsk_rx_dropped;	/* rx_dropped */
	__u64 xsk_rx_invalid;	/* rx_invalid_descs */
	__u64 xsk_tx_invalid;	/* tx_invalid_descs */
	__u64 xsk_rx_ring_full;	/* rx_ring_full */
	__u64 xsk_fill_empty;	/* rx_fill_ring_empty_descs */
	__u64 xsk_tx_empty;	/* tx_ring_empty_descs */
	__u64 tx_kick_errors;	/* sendto() that failed otherwise than "busy" (logged) */
	__u64 io_misuse;	/* frames handed to the io in the wrong state: a bug, ignored */
	__u64 tx_alloc_failed;	/* a service asked for a TX frame and got none */
	struct xst_svc_qstats svc[XST_QSTATS_SVC_MAX];
};

/* snames_map[0]: written once by the daemon at start-up, before any qstats. */
struct xst_stat_names {
	__u32 abi_version;	/* XST_ABI_VERSION */
	__u32 nr_services;
	struct {
		char name[XST_SVC_NAME_LEN];
		__u32 nr_counters;
		__u32 pad;
		char counter[XST_QSTATS_CTR_MAX][XST_STAT_NAME_LEN];
	} svc[XST_QSTATS_SVC_MAX];
};

_Static_assert(sizeof(struct xst_counter) % 8 == 0, "per-CPU slot alignment");
_Static_assert(sizeof(struct xst_steer_config) == 16 + 16 * XST_BUCKET_LEVELS + 32, "config ABI changed");
_Static_assert(sizeof(struct xst_alert) == 40, "alert ABI changed");
_Static_assert(sizeof(struct xst_block_val) == 24, "block value ABI changed");
_Static_assert(sizeof(struct xst_bucket_key) == 20, "bucket key ABI changed");
_Static_assert(sizeof(struct xst_bucket) == 32, "bucket ABI changed");
_Static_assert(sizeof(struct xst_guard_source) == 40, "guard source ABI changed");
_Static_assert(sizeof(struct xst_guard_zone) == 256 + 48, "guard zone ABI changed");
_Static_assert(sizeof(struct xst_guard_state) == 48 + 16 * 40 + 16 * 304, "guard ABI changed");
_Static_assert(sizeof(struct xst_mac) == 8, "mac key ABI changed");
_Static_assert(sizeof(struct xst_rule_key) == 4, "rule key ABI changed");
_Static_assert(sizeof(struct xst_rule_val) == 16, "rule value ABI changed");
_Static_assert(sizeof(struct xst_in6) == 16, "in6 key ABI changed");
_Static_assert(sizeof(struct xst_lpm4_key) == 8, "lpm4 key ABI changed");
_Static_assert(sizeof(struct xst_lpm6_key) == 20, "lpm6 key ABI changed");
_Static_assert(sizeof(struct xst_svc_qstats) == 376, "service stats ABI changed");
_Static_assert(sizeof(struct xst_queue_stats) == 256 + 4 * 376, "queue stats ABI changed");
_Static_assert(sizeof(struct xst_stat_names) == 8 + 4 * (24 + 40 * 32), "stat names ABI changed");

#endif /* XST_STEER_ABI_H */
