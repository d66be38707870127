// SPDX-License-Identifier: GPL-2.0
/*
 * xst_steer: the XDP steering program. It parses and classifies, never
 * rewrites. Decision order (first match wins, each path counts exactly one
 * enum xst_stat):
 *   config not enabled                         -> PASS      (DISABLED)
 *   L2/L3 not understood: frame shorter than Ethernet, a truncated VLAN tag,
 *   more than XST_MAX_VLAN_TAGS tags, a truncated/invalid IPv4 or IPv6
 *   fixed header (version, ihl < 5, options past the frame)
 *                                              -> PASS      (PASS_PARSE)
 *   not IPv4/IPv6 (ARP, LLDP...)               -> PASS      (PASS)
 *   source in block4_map/block6_map, entry not expired (expires_ns 0, or
 *   bpf_ktime_get_ns() < expires_ns)           -> DROP      (DROP_BLOCK manual,
 *                                                            DROP_LEARNT with an expiry;
 *                                                            hits += 64 one time in 64)
 *   IPv4 MF/offset, IPv6 fragment header       -> PASS      (PASS_FRAG)
 *   IPv6 extension header truncated, an option overrunning its header
 *                                              -> PASS      (PASS_PARSE)
 *   IPv6 extension chain outside the rule of steer_abi.h (routing header
 *   with segments left, hop-by-hop not first, an option that must not be
 *   skipped, AH/ESP/..., more than XST_MAX_IPV6_EXT headers)
 *                                              -> PASS      (PASS_EXT)
 *   L4 neither UDP nor TCP (ICMP, ICMPv6...)   -> PASS      (PASS)
 *   UDP/TCP ports not inside the frame         -> PASS      (PASS_PARSE)
 *   no rule for (proto, dst port)              -> PASS      (PASS)
 *   rule pass / drop                           -> PASS/DROP (PASS_RULE / DROP_RULE)
 *   rule steer or filter (filter: hits not counted; over TCP it is steer),
 *   and then:
 *     XST_F_MAC_ONLY, dst MAC not in macs_map  -> PASS      (PASS_MAC)
 *     XST_F_LOCAL_ONLY, dst not local          -> PASS      (PASS_NOT_LOCAL)
 *     lengths inconsistent                     -> DROP      (MALFORMED)
 *     L4 header not in the first buffer of a multi-buffer frame
 *                                              -> PASS      (PASS_PARSE)
 *     longer than config max_frame, or multi-buffer with max_frame 0
 *                                              -> PASS      (PASS_BIG)
 *     rule filter over UDP only, the DNS filter stage:
 *       UDP payload < 12 bytes (a DNS header)  -> DROP      (DNS_SHORT)
 *       DNS header byte 2 not in the first buffer -> the redirect below
 *       QR bit set (a response)                -> DROP      (DNS_RESPONSE)
 *       XST_F_FILTER_HEADER: DNS header not in the first buffer -> the
 *       redirect below; opcode and section counts no query has (the rules
 *       of XST_STAT_DNS_MALFORMED in steer_abi.h)
 *                                              -> DROP      (DNS_MALFORMED)
 *       over the GCRA bucket of its /32 or /64 -> DROP      (RATE_HOST)
 *       over the bucket of its /24 or /56      -> DROP      (RATE_NET)
 *       (a level with interval_ns 0 is skipped; a packet dropped at the
 *       host level takes no token of the net level; every alert_drops-th
 *       drop of a bucket on a CPU sends a struct xst_alert to alerts_map)
 *       XST_F_FILTER_PASS and then:
 *         source in verified4/6_map, expires_ns > now
 *                                              -> PASS      (PASS_VERIFIED)
 *         XST_F_FILTER_INSPECT set             -> the redirect below
 *         peace_interval_ns set and this CPU's peace_map bucket over,
 *         or over less than XST_PEACE_HOLD_NS ago
 *                                              -> the redirect below
 *         sample 0 or the query not the 1 in sample drawn
 *                                              -> PASS      (PASS_UNSAMPLED)
 *     redirect to xsks_map[rx_queue_index]     -> REDIRECT  (STEER)
 *     ... no socket bound on that queue        -> PASS      (NO_XSK)
 * The blocklist comes right after the fixed IP header so that it covers
 * every packet from a blocked source (ICMP and fragments included). After a
 * steer rule matched, "is it for us at all" (MAC, then address) comes
 * before "is it well formed": a frame for another host or a forwarded packet
 * is the kernel's to judge, never dropped here; "does it fit the socket"
 * comes last, so a malformed frame is dropped whatever its size. The DNS
 * filter stage runs on what would otherwise be steered, so a packet the
 * kernel should judge never meets a token bucket.
 *
 * The program is multi-buffer aware (SEC "xdp.frags"): the kernel then lets
 * it run at any MTU (veth: above 3506 with 4 KiB pages), data..data_end is
 * only the first buffer, and every length below is the whole frame's
 * (bpf_xdp_get_buff_len); headers are read from the first buffer only.
 */
#include <linux/bpf.h>
#include "parse.bpf.h"
#include "xdpstorm/steer_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XST_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xst_steer_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} config_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XST_STAT_MAX);
	__type(key, __u32);
	__type(value, struct xst_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XST_MAX_RULES);
	__type(key, struct xst_rule_key);
	__type(value, struct xst_rule_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rules_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XST_MAX_LOCAL_ADDRS);
	__type(key, __be32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} local4_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XST_MAX_LOCAL_ADDRS);
	__type(key, struct xst_in6);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} local6_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XST_MAX_BLOCKS);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* required for LPM tries */
	__type(key, struct xst_lpm4_key);
	__type(value, struct xst_block_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} block4_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XST_MAX_BLOCKS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xst_lpm6_key);
	__type(value, struct xst_block_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} block6_map SEC(".maps");

/* GCRA state per source prefix and level. Per CPU (no atomics, no shared
 * cache line under a flood: each CPU limits what it receives, so the
 * configured rate is per CPU), each CPU with its own LRU list
 * (BPF_F_NO_COMMON_LRU: no global lock when a flood of new sources evicts;
 * RSS keeps a source on one queue, so one CPU's list holds its entries).
 * Memory: XST_MAX_BUCKETS * possible CPUs * 32 bytes of per-CPU values. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, XST_MAX_BUCKETS);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__type(key, struct xst_bucket_key);
	__type(value, struct xst_bucket);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} buckets_map SEC(".maps");

/* Sources that proved themselves (DNS cookie, TCP), written by the daemon:
 * source -> expires_ns. LRU: a flood of verifications cannot fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XST_MAX_VERIFIED);
	__type(key, __be32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} verified4_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XST_MAX_VERIFIED);
	__type(key, struct xst_in6);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} verified6_map SEC(".maps");

/* Not used here: created with the object so it is pinned beside the others
 * (the daemon writes it, xdpstormctl reads it; the loader binds it to the
 * program so it is also reachable through the program's map ids). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XST_QSTATS_ENTRIES);
	__type(key, __u32);
	__type(value, struct xst_queue_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} qstats_map SEC(".maps");

/* Not used here either: the names of qstats_map's per-service counters. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xst_stat_names);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} snames_map SEC(".maps");

/* Not used here: the daemon's view of attacks, for xdpstormctl stats. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xst_guard_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} guard_map SEC(".maps");

/* The peacetime bucket (config peace_interval_ns): one GCRA per CPU over
 * the unverified queries that reach the sampling step. Peacetime traffic
 * conforms and is sampled; a flood of any kind (random names, random
 * sources) exceeds it within a burst and is steered whole at once, before
 * the daemon's detector has looked. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xst_bucket);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} peace_map SEC(".maps");

/* Buckets that keep dropping (config alert_drops), to the daemon within
 * milliseconds instead of at its next scan. Sized for bursts of alerts
 * while the daemon is busy: 256 KiB hold about 5000 records; when full,
 * an alert is lost (the scan still finds the bucket). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} alerts_map SEC(".maps");

/* Destination MACs of the interface (and its VLAN devices), for XST_F_MAC_ONLY. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XST_MAX_MACS);
	__type(key, struct xst_mac);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} macs_map SEC(".maps");

/* What classify() learnt about the L3 header, for the steer checks. */
struct l3info {
	__u32 l3_off;		/* offset of the IP header in the frame */
	__u32 ip_end_off;	/* offset of the end of the IP packet per its own length */
	__u8 v6;
	__u8 proto;		/* L4 protocol after IPv6 extension headers */
	__be32 daddr4;		/* network order */
	__be32 saddr4;
	struct xst_in6 daddr6;	/* network order */
	struct xst_in6 saddr6;
};

/* Offset of p (a pointer into the first buffer) from the frame start. */
static __always_inline __u32 off_of(const struct xdp_md *ctx, const void *p)
{
	return (__u32)(p - (void *)(long)ctx->data);
}

/* A block entry found for the source: XST_STAT_MAX when it no longer
 * drops (learnt and expired: the daemon deletes it later), else the drop. */
static __always_inline __u32 block_verdict(struct xst_block_val *v)
{
	__u64 expires = v->expires_ns;

	if (expires && bpf_ktime_get_ns() >= expires)
		return XST_STAT_MAX;
	/* Entries are shared by all CPUs: an atomic add per packet would
	 * bounce one cache line between them under a flood. 64 one time in
	 * 64 keeps the count's expectation. */
	if (!(bpf_get_prandom_u32() & 63))
		__sync_fetch_and_add(&v->hits, 64);
	return expires ? XST_STAT_DROP_LEARNT : XST_STAT_DROP_BLOCK;
}

static __always_inline __u32 blocked4(const struct iphdr *iph)
{
	struct xst_lpm4_key k = { .prefixlen = 32 };
	struct xst_block_val *v;

	__builtin_memcpy(k.addr, &iph->saddr, sizeof(k.addr));
	v = bpf_map_lookup_elem(&block4_map, &k);
	return v ? block_verdict(v) : XST_STAT_MAX;
}

static __always_inline __u32 blocked6(const struct ipv6hdr *ip6)
{
	struct xst_lpm6_key k = { .prefixlen = 128 };
	struct xst_block_val *v;

	__builtin_memcpy(k.addr, &ip6->saddr, sizeof(k.addr));
	v = bpf_map_lookup_elem(&block6_map, &k);
	return v ? block_verdict(v) : XST_STAT_MAX;
}

/* IPv4 fixed header, options, blocklist, fragments. */
static __always_inline __u32 parse_ipv4(struct xdp_md *ctx, struct cursor *c, struct l3info *l3)
{
	struct iphdr *iph = pull(c, sizeof(*iph));
	__u32 hlen, stat;

	if (!iph)
		return XST_STAT_PASS_PARSE;
	if (iph->version != 4 || iph->ihl < 5)
		return XST_STAT_PASS_PARSE;
	hlen = iph->ihl * 4;
	/* Options: skipped, not interpreted (the kernel handles them). */
	if (!pull(c, hlen - sizeof(*iph)))
		return XST_STAT_PASS_PARSE;
	stat = blocked4(iph);
	if (stat != XST_STAT_MAX)
		return stat;
	if (iph->frag_off & bpf_htons(XST_IP_MF | XST_IP_OFFSET))
		return XST_STAT_PASS_FRAG;
	l3->l3_off = off_of(ctx, iph);
	l3->ip_end_off = l3->l3_off + bpf_ntohs(iph->tot_len);
	l3->v6 = 0;
	l3->proto = iph->protocol;
	l3->daddr4 = iph->daddr;
	l3->saddr4 = iph->saddr;
	return XST_STAT_MAX;	/* continue */
}

/*
 * The options of a hop-by-hop or destination-options header, left bytes
 * from o->pos (the header is known to be inside the frame). XST_STAT_MAX
 * when every option may be skipped by a node that does not know it (the
 * rule in steer_abi.h), else the outcome.
 */
static __always_inline __u32 walk_opts(struct cursor *o, __u32 left)
{
	__u32 i, adv, nz;
	__u8 *opt;

	for (i = 0; i < XST_MAX_IPV6_OPTS; i++) {
		if (!left)
			return XST_STAT_MAX;
		/* Type and length; for a Pad1 as the header's last byte the
		 * second byte belongs to what follows, read and ignored. */
		opt = pull(o, 2);
		if (!opt)
			return XST_STAT_PASS_PARSE;
		if (opt[0] & 0xc0)		/* unknown: discard (RFC 8200 4.2) */
			return XST_STAT_PASS_EXT;
		/* 1 for Pad1 (type 0), 2 + length otherwise, computed without
		 * a branch so the verifier walks one path per option instead
		 * of 2^XST_MAX_IPV6_OPTS. The type is below 64 here. */
		nz = ((__u32)opt[0] + 63) >> 6;
		adv = 1 + nz * ((__u32)opt[1] + 1);
		if (adv > left)
			return XST_STAT_PASS_PARSE;	/* the kernel drops it too */
		left -= adv;
		o->pos = (void *)opt + adv;
	}
	return left ? XST_STAT_PASS_EXT : XST_STAT_MAX;
}

/* IANA "IPv6 Extension Header Types" other than the three walked below. */
static __always_inline int is_other_ext(__u8 nh)
{
	return nh == IPPROTO_FRAGMENT || nh == IPPROTO_AH || nh == IPPROTO_ESP ||
	       nh == XST_IPPROTO_MH || nh == XST_IPPROTO_HIP || nh == XST_IPPROTO_SHIM6 ||
	       nh == 253 || nh == 254;
}

/* The extension chain after the fixed header, per the rule in steer_abi.h.
 * *nh: in, the fixed header's next header; out, the upper-layer protocol. */
static __always_inline __u32 parse_ipv6_ext(struct cursor *c, __u8 *nh)
{
	struct cursor o;
	__u8 next = *nh, *h;
	__u32 i, len, stat;

#pragma unroll
	for (i = 0; i < XST_MAX_IPV6_EXT; i++) {
		if (next != IPPROTO_HOPOPTS && next != IPPROTO_DSTOPTS && next != IPPROTO_ROUTING)
			break;
		if (next == IPPROTO_HOPOPTS && i)
			return XST_STAT_PASS_EXT;	/* only right after the fixed header */
		/* Every one of the three is at least 8 bytes: pull those, then
		 * the (hdrlen * 8) bytes that follow. */
		h = pull(c, 8);
		if (!h)
			return XST_STAT_PASS_PARSE;
		len = (__u32)h[1] * 8;
		if (!pull(c, len))
			return XST_STAT_PASS_PARSE;
		if (next == IPPROTO_ROUTING) {
			/* h[2] routing type, h[3] segments left */
			if (h[3] || h[2] == 2 || h[2] == 3 || h[2] == 4)
				return XST_STAT_PASS_EXT;
		} else {
			o.pos = h + 2;
			o.end = c->end;
			stat = walk_opts(&o, len + 6);
			if (stat != XST_STAT_MAX)
				return stat;
		}
		next = h[0];
	}
	if (next == IPPROTO_FRAGMENT)
		return XST_STAT_PASS_FRAG;
	if (next == IPPROTO_HOPOPTS || next == IPPROTO_DSTOPTS || next == IPPROTO_ROUTING ||
	    is_other_ext(next))
		return XST_STAT_PASS_EXT;	/* too many, or one we do not steer */
	*nh = next;
	return XST_STAT_MAX;
}

/* IPv6 fixed header, blocklist, extension headers. */
static __always_inline __u32 parse_ipv6(struct xdp_md *ctx, struct cursor *c, struct l3info *l3)
{
	struct ipv6hdr *ip6 = pull(c, sizeof(*ip6));
	__u8 nh;
	__u32 stat;

	if (!ip6)
		return XST_STAT_PASS_PARSE;
	if (ip6->version != 6)
		return XST_STAT_PASS_PARSE;
	stat = blocked6(ip6);
	if (stat != XST_STAT_MAX)
		return stat;
	nh = ip6->nexthdr;
	stat = parse_ipv6_ext(c, &nh);
	if (stat != XST_STAT_MAX)
		return stat;

	l3->l3_off = off_of(ctx, ip6);
	l3->ip_end_off = l3->l3_off + sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	l3->v6 = 1;
	l3->proto = nh;
	__builtin_memcpy(l3->daddr6.addr, &ip6->daddr, sizeof(l3->daddr6.addr));
	__builtin_memcpy(l3->saddr6.addr, &ip6->saddr, sizeof(l3->saddr6.addr));
	return XST_STAT_MAX;
}

/*
 * A steer rule matched: are the lengths of the IP and L4 headers mutually
 * consistent and inside the frame of frame_len bytes? c->pos is the L4
 * header, whose first 4 bytes (the ports) are in the first buffer.
 * XST_STAT_MAX when they are, else the outcome.
 */
static __always_inline __u32 check_lengths(struct xdp_md *ctx, struct cursor *c,
					   const struct l3info *l3, __u32 frame_len)
{
	__u32 l4_off = off_of(ctx, c->pos), ip_end = l3->ip_end_off;
	int multi = frame_len > off_of(ctx, c->end);

	/* IPv4: tot_len >= ihl*4; IPv6: payload covers the extension headers. */
	if (ip_end < l4_off)
		return XST_STAT_MALFORMED;
	/* Ethernet may pad a short IPv4 packet, so the IP packet may end
	 * before the frame does, never after it. */
	if (ip_end > frame_len)
		return XST_STAT_MALFORMED;
	if (l3->proto == IPPROTO_UDP) {
		struct udphdr *udp = pull(c, sizeof(*udp));

		if (!udp)
			return multi ? XST_STAT_PASS_PARSE : XST_STAT_MALFORMED;
		if (bpf_ntohs(udp->len) < sizeof(*udp))
			return XST_STAT_MALFORMED;
		if (l4_off + bpf_ntohs(udp->len) != ip_end)
			return XST_STAT_MALFORMED;
	} else {
		struct tcphdr *tcp = pull(c, sizeof(*tcp));

		if (!tcp)
			return multi ? XST_STAT_PASS_PARSE : XST_STAT_MALFORMED;
		if (tcp->doff < 5)
			return XST_STAT_MALFORMED;
		if (l4_off + tcp->doff * 4 > ip_end)
			return XST_STAT_MALFORMED;
	}
	return XST_STAT_MAX;
}

static __always_inline int is_local(const struct l3info *l3)
{
	if (l3->v6)
		return bpf_map_lookup_elem(&local6_map, &l3->daddr6) != NULL;
	return bpf_map_lookup_elem(&local4_map, &l3->daddr4) != NULL;
}

static __always_inline int is_our_mac(const struct ethhdr *eth)
{
	struct xst_mac k = {};

	__builtin_memcpy(k.addr, eth->h_dest, sizeof(k.addr));
	return bpf_map_lookup_elem(&macs_map, &k) != NULL;
}

/*
 * GCRA: 1 when the packet conforms (and takes its token), 0 when it is over
 * the limit. A packet conforms when the theoretical arrival time it leaves
 * behind (max(tat, now) + interval) is at most tolerance_ns ahead of now, so
 * that tolerance_ns = burst * interval_ns lets exactly burst packets through
 * at once. b is this CPU's slot: plain writes.
 */
static __always_inline int gcra_take(struct xst_bucket *b, __u64 interval, __u64 tolerance,
				     __u64 now)
{
	__u64 tat = b->tat_ns > now ? b->tat_ns : now;

	if (tat + interval - now > tolerance) {
		b->dropped++;
		b->last_drop_ns = now;
		return 0;
	}
	b->tat_ns = tat + interval;
	b->passed++;
	return 1;
}

/* Every alert_drops-th drop of a bucket on this CPU: tell the daemon. Only
 * on the drop path, and one record per alert_drops drops, so a flood costs
 * a modulo per dropped packet and a ring buffer write now and then. */
static __always_inline void maybe_alert(const struct xst_steer_config *cfg,
					const struct xst_bucket_key *k,
					const struct xst_bucket *b, __u64 now)
{
	__u32 every = cfg->alert_drops;
	struct xst_alert al;

	if (!every || b->dropped % every)
		return;
	__builtin_memset(&al, 0, sizeof(al));
	al.key = *k;
	al.cpu = bpf_get_smp_processor_id();
	al.dropped = b->dropped;
	al.now_ns = now;
	bpf_ringbuf_output(&alerts_map, &al, sizeof(al), 0);	/* full: lost, see above */
}

/* One level's bucket of key k: 1 conforms, 0 over. */
static __always_inline int bucket_conforms(const struct xst_steer_config *cfg,
					   struct xst_bucket_key *k, __u32 level, __u64 now)
{
	__u64 interval = cfg->interval_ns[level & (XST_BUCKET_LEVELS - 1)];
	__u64 tolerance = cfg->tolerance_ns[level & (XST_BUCKET_LEVELS - 1)];
	struct xst_bucket *b;

	if (!interval)
		return 1;			/* level off */
	b = bpf_map_lookup_elem(&buckets_map, k);
	if (!b) {
		struct xst_bucket nb = { .tat_ns = now + interval, .passed = 1 };

		/* Another CPU racing on a new source: one of the inserts
		 * fails and that packet goes uncounted, which is harmless. */
		bpf_map_update_elem(&buckets_map, k, &nb, BPF_NOEXIST);
		return 1;
	}
	if (gcra_take(b, interval, tolerance, now))
		return 1;
	maybe_alert(cfg, k, b, now);
	return 0;
}

/* The peacetime bucket of this CPU: 1 conforms (or off), 0 over. */
static __always_inline int peace_conforms(const struct xst_steer_config *cfg, __u64 now)
{
	__u64 interval = cfg->peace_interval_ns;
	struct xst_bucket *b;
	__u32 key = 0;

	if (!interval)
		return 1;
	b = bpf_map_lookup_elem(&peace_map, &key);
	if (!b)
		return 1;
	/* Over once, over for XST_PEACE_HOLD_NS: otherwise, under a flood,
	 * the bucket's own rate would keep conforming and be sampled (63 in
	 * 64 passed unseen) until the daemon's next round sets INSPECT. The
	 * bucket still takes its tokens meanwhile, so a flood that goes on
	 * keeps renewing the hold. */
	if (!gcra_take(b, interval, cfg->peace_tolerance_ns, now))
		return 0;
	return !(b->last_drop_ns && now - b->last_drop_ns < XST_PEACE_HOLD_NS);
}

/*
 * XST_F_FILTER_HEADER: 1 when the DNS header h (12 bytes) is one a query
 * can have, by opcode (the rules of XST_STAT_DNS_MALFORMED). Random payload
 * fails the opcode check 13 times in 16 and the counts nearly always.
 */
static __always_inline int header_sane(const __u8 *h)
{
	__u32 opcode = (h[2] >> 3) & 0xf;
	__u32 qd = ((__u32)h[4] << 8) | h[5], an = ((__u32)h[6] << 8) | h[7];
	__u32 ns = ((__u32)h[8] << 8) | h[9], ar = ((__u32)h[10] << 8) | h[11];

	switch (opcode) {
	case 0:		/* QUERY: QDCOUNT 0 is a cookie-only query (RFC 7873) */
		return qd <= 1 && an == 0 && ns <= 1 && ar <= 2;
	case 4:		/* NOTIFY (RFC 1996): the SOA in the answer, optional */
		return qd == 1 && an <= 1 && ns == 0 && ar <= 2;
	case 5:		/* UPDATE (RFC 2136): exactly one zone; the rest varies */
		return qd == 1;
	default:
		return 0;
	}
}

/* The source's buckets, host level first: a packet dropped there takes no
 * token of its network. XST_STAT_MAX when it conforms to both. */
static __always_inline __u32 rate_check(const struct xst_steer_config *cfg,
					const struct l3info *l3, __u64 now)
{
	struct xst_bucket_key k = {};
	__u32 host = XST_BUCKET_HOST4, net = XST_BUCKET_NET4;

	if (l3->v6) {
		host = XST_BUCKET_HOST6;
		net = XST_BUCKET_NET6;
		__builtin_memcpy(k.addr, l3->saddr6.addr, 8);		/* /64 */
	} else {
		__builtin_memcpy(k.addr, &l3->saddr4, 4);		/* /32 */
	}
	k.level = host;
	if (!bucket_conforms(cfg, &k, host, now))
		return XST_STAT_RATE_HOST;
	if (l3->v6)
		k.addr[7] = 0;						/* /56 */
	else
		k.addr[3] = 0;						/* /24 */
	k.level = net;
	if (!bucket_conforms(cfg, &k, net, now))
		return XST_STAT_RATE_NET;
	return XST_STAT_MAX;
}

static __always_inline int is_verified(const struct l3info *l3, __u64 now)
{
	__u64 *expires;

	if (l3->v6)
		expires = bpf_map_lookup_elem(&verified6_map, &l3->saddr6);
	else
		expires = bpf_map_lookup_elem(&verified4_map, &l3->saddr4);
	return expires && *expires > now;
}

/*
 * The DNS filter stage on a UDP packet that passed every steer check; c->pos
 * is the UDP payload (check_lengths() pulled the header), whose length
 * check_lengths() proved to be ip_end_off - its offset. Returns the outcome
 * (XST_STAT_STEER for whatever survives).
 */
static __always_inline __u32 filter(struct xdp_md *ctx, const struct xst_steer_config *cfg,
				    struct cursor *c, const struct l3info *l3)
{
	__u32 len = l3->ip_end_off - off_of(ctx, c->pos), flags = cfg->flags, sample, r;
	__u8 *dns;
	__u64 now;
	__u32 stat;

	if (len < 12)
		return XST_STAT_DNS_SHORT;
	dns = pull(c, 3);
	if (!dns)
		return XST_STAT_STEER;		/* header beyond the first buffer */
	if (dns[2] & 0x80)
		return XST_STAT_DNS_RESPONSE;
	if (flags & XST_F_FILTER_HEADER) {
		/* The other 9 bytes of the header; len >= 12 says they are
		 * in the frame, but maybe not in the first buffer. */
		if (!pull(c, 9))
			return XST_STAT_STEER;
		if (!header_sane(dns))
			return XST_STAT_DNS_MALFORMED;
	}
	now = bpf_ktime_get_ns();
	stat = rate_check(cfg, l3, now);
	if (stat != XST_STAT_MAX)
		return stat;
	if (!(flags & XST_F_FILTER_PASS))
		return XST_STAT_STEER;		/* xdpstorm serves: it sees every survivor */
	if (is_verified(l3, now))
		return XST_STAT_PASS_VERIFIED;
	if (flags & XST_F_FILTER_INSPECT)
		return XST_STAT_STEER;
	/* More unverified queries than peacetime brings: steer them all
	 * now, not 1 in sample until the detector's next tick. */
	if (!peace_conforms(cfg, now))
		return XST_STAT_STEER;
	sample = cfg->sample;
	if (!sample)
		return XST_STAT_PASS_UNSAMPLED;
	r = bpf_get_prandom_u32();
	/* A mask for a power of two: no division on the common case. */
	r = (sample & (sample - 1)) ? r % sample : r & (sample - 1);
	return r ? XST_STAT_PASS_UNSAMPLED : XST_STAT_STEER;
}

/* Returns the outcome; XST_STAT_STEER means "redirect, if a socket is bound". */
static __always_inline __u32 classify(struct xdp_md *ctx, const struct xst_steer_config *cfg,
				      __u32 frame_len)
{
	struct cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	struct xst_rule_key key = {};
	struct xst_rule_val *rule;
	struct xst_vlan_hdr *vh;
	struct l3info l3 = {};
	__u32 flags = cfg->flags, max_frame = cfg->max_frame;
	struct ethhdr *eth;
	__be16 h_proto;
	__be16 *ports;
	__u32 stat, action;
	int i, filtered = 0;
	void *l4;

	eth = pull(&c, sizeof(*eth));
	if (!eth)
		return XST_STAT_PASS_PARSE;
	h_proto = eth->h_proto;
#pragma unroll
	for (i = 0; i < XST_MAX_VLAN_TAGS; i++) {
		if (!is_vlan(h_proto))
			break;
		vh = pull(&c, sizeof(*vh));
		if (!vh)
			return XST_STAT_PASS_PARSE;
		h_proto = vh->proto;
	}
	if (is_vlan(h_proto))
		return XST_STAT_PASS_PARSE;	/* more than XST_MAX_VLAN_TAGS */

	if (h_proto == bpf_htons(ETH_P_IP))
		stat = parse_ipv4(ctx, &c, &l3);
	else if (h_proto == bpf_htons(ETH_P_IPV6))
		stat = parse_ipv6(ctx, &c, &l3);
	else
		return XST_STAT_PASS;		/* ARP and every non-IP protocol */
	if (stat != XST_STAT_MAX)
		return stat;

	if (l3.proto != IPPROTO_UDP && l3.proto != IPPROTO_TCP)
		return XST_STAT_PASS;		/* ICMP, ICMPv6, SCTP... */
	l4 = c.pos;
	/* The ports: the same 4 bytes at the start of UDP and TCP headers. */
	ports = pull(&c, 2 * sizeof(__be16));
	if (!ports)
		return XST_STAT_PASS_PARSE;
	c.pos = l4;			/* check_lengths() pulls the whole header */

	key.proto = l3.proto;
	key.port = ports[1];
	rule = bpf_map_lookup_elem(&rules_map, &key);
	if (!rule)
		return XST_STAT_PASS;
	action = rule->action;
	if (action == XST_ACT_FILTER) {
		/* No hit count: under a flood this rule's cache line would be
		 * written by every CPU for every packet. */
		filtered = l3.proto == IPPROTO_UDP;
		action = XST_ACT_STEER;		/* TCP: plain steer */
	} else {
		__sync_fetch_and_add(&rule->hits, 1);	/* rules are shared by all CPUs */
	}
	if (action == XST_ACT_DROP)
		return XST_STAT_DROP_RULE;
	if (action != XST_ACT_STEER)
		return XST_STAT_PASS_RULE;	/* XST_ACT_PASS (or unknown: kernel) */

	if ((flags & XST_F_MAC_ONLY) && !is_our_mac(eth))
		return XST_STAT_PASS_MAC;
	if ((flags & XST_F_LOCAL_ONLY) && !is_local(&l3))
		return XST_STAT_PASS_NOT_LOCAL;
	stat = check_lengths(ctx, &c, &l3, frame_len);
	if (stat != XST_STAT_MAX)
		return stat;
	if (max_frame ? frame_len > max_frame : frame_len > off_of(ctx, c.end))
		return XST_STAT_PASS_BIG;
	if (filtered)
		return filter(ctx, cfg, &c, &l3);
	return XST_STAT_STEER;
}

SEC("xdp.frags")
int xst_steer(struct xdp_md *ctx)
{
	__u32 bytes = (__u32)bpf_xdp_get_buff_len(ctx);	/* every buffer of the frame */
	struct xst_steer_config *cfg;
	struct xst_counter *cnt;
	__u32 key = 0, stat;
	int act;

	cfg = bpf_map_lookup_elem(&config_map, &key);
	if (!cfg || !(cfg->flags & XST_F_ENABLED))
		stat = XST_STAT_DISABLED;
	else
		stat = classify(ctx, cfg, bytes);

	switch (stat) {
	case XST_STAT_STEER:
		/* Fallback XDP_PASS: a queue with no socket stays with the kernel. */
		act = bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
		if (act != XDP_REDIRECT)
			stat = XST_STAT_NO_XSK;
		break;
	case XST_STAT_DROP_RULE:
	case XST_STAT_DROP_BLOCK:
	case XST_STAT_MALFORMED:
	case XST_STAT_DNS_SHORT:
	case XST_STAT_DNS_RESPONSE:
	case XST_STAT_DNS_MALFORMED:
	case XST_STAT_RATE_HOST:
	case XST_STAT_RATE_NET:
	case XST_STAT_DROP_LEARNT:
		act = XDP_DROP;
		break;
	default:
		act = XDP_PASS;
		break;
	}

	/* Per-CPU slot, written in softirq context of this CPU: no atomics. */
	cnt = bpf_map_lookup_elem(&stats_map, &stat);
	if (cnt) {
		cnt->packets++;
		cnt->bytes += bytes;
	}
	return act;
}

char _license[] SEC("license") = "GPL";
