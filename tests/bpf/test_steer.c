// SPDX-License-Identifier: GPL-2.0
/*
 * BPF tests of xst_steer: BPF_PROG_TEST_RUN over a table of crafted frames,
 * asserting the returned action AND the stats_map deltas (exactly one
 * outcome counted, by one packet and by the frame's byte count).
 *
 * The process moves into a private network namespace (unshare) and creates
 * a veth pair there; every test_run carries an xdp_md ctx with that veth's
 * ifindex and rx queue 0, so a steered frame returns XDP_REDIRECT (STEER)
 * when a real AF_XDP socket (libxdp, copy mode) is bound on queue 0 and in
 * xsks_map, and XDP_PASS (NO_XSK) when not. One test also attaches the
 * program to the veth (native and skb mode) and sends real frames through
 * it into the socket. The namespace dies with the process.
 *
 * Each test (check fork mode) loads a fresh skeleton with pinning disabled,
 * so no test sees another's map contents. A 9000-byte frame exercises the
 * program's multi-buffer (xdp.frags) path: test_run splits it as a veth with
 * MTU 9000 would.
 *
 * Non-root: exit 77 with the reason. XST_BENCH=1: no checks; every fixture
 * runs with repeat = 1 << 20 and ns/packet is printed (make bench-steer).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "xdpstorm/steer_abi.h"
#include "steer_loader.h"
#include "steer.skel.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define IF_XDP		"xstb0"		/* the program's side; queue 0 gets the socket */
#define IF_PEER		"xstb1"		/* where live test frames are sent from */
#define FRAME_MAX	9216		/* room for a 9000-byte multi-buffer frame */
#define EXPECT_EINVAL	(-1)		/* want_stat: the kernel refuses the frame */

static const char *const stat_names[] = XST_STAT_NAMES;

/* ---- crafted frames ------------------------------------------------------ */

static const __u8 mac_dst[ETH_ALEN] = { 0x02, 0x58, 0x53, 0x00, 0x00, 0x01 };
static const __u8 mac_src[ETH_ALEN] = { 0x02, 0x58, 0x53, 0x00, 0x00, 0x02 };
static const __u8 dst4[4] = { 198, 18, 0, 1 };
static const __u8 src4[4] = { 198, 18, 1, 2 };		/* inside block 198.18.1.0/24 */
static const __u8 alt4[4] = { 198, 18, 2, 2 };		/* outside it */
static const __u8 other4[4] = { 198, 18, 0, 99 };	/* a local address that is not dst4 */
static const __u8 dst6[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 1 };
static const __u8 src6[16] = { 0xfd, 0x58, 0x53, 0x54, 0, 1, [15] = 2 };	/* in block /64 */
static const __u8 alt6[16] = { 0xfd, 0x58, 0x53, 0x54, 0, 2, [15] = 2 };
static const __u8 other6[16] = { 0xfd, 0x58, 0x53, 0x54, [15] = 0x99 };

struct spec {
	__u8 fam;		/* 4, 6, or 0: non-IP with ethertype */
	__u16 ethertype;	/* fam 0 only, host order */
	__u8 ntags;		/* VLAN tags: outer 802.1ad, inner ones 802.1Q */
	__u8 proto;		/* IPPROTO_* */
	__u16 dport;
	__u8 ip_opt_words;	/* IPv4 options, 4-byte words */
	__u8 ihl;		/* 0: computed */
	__u8 version;		/* 0: correct */
	__u16 frag;		/* IPv4 frag_off, host order */
	__u8 nexts;		/* IPv6 extension headers before L4 */
	const __u8 *ext;	/* their types (NULL: hop-by-hop, routing, dest opts...) */
	__u8 rt_type;		/* every routing header: type */
	__u8 rt_sl;		/* ... segments left */
	__u16 rt_len;		/* ... length in bytes, 8k (0: 16) */
	const __u8 *opts;	/* option bytes of every hop-by-hop/dest-opts header */
	__u8 opts_len;		/* their count, 8k + 6 (0: 6 bytes of Pad1) */
	const __u8 *dmac;	/* destination MAC (NULL: mac_dst) */
	__u32 max_frame;	/* not the frame's: config max_frame while it runs (0: none) */
	__u8 v6frag;		/* IPv6 fragment header after them */
	__u8 tcp_opt_words;
	__u8 tcp_doff;		/* 0: computed */
	__u16 payload;
	int udp_len_adj;	/* added to the correct UDP length */
	int ip_len_adj;		/* added to the correct tot_len / payload_len */
	__u8 pad;		/* Ethernet padding after the IP packet */
	__u8 alt_src;		/* source outside the blocklist entries */
	const __u8 *src;	/* source address (NULL: src4/src6, or alt4/alt6) */
	__u8 qr;		/* UDP: set the QR bit (byte 2 of the DNS header) */
	const __u8 *dns;	/* UDP: 12 bytes of DNS header at the payload's start
				 * (payload >= 12; NULL: the letters below) */
};

struct layout {
	__u32 l3;		/* offset of the IP header */
	__u32 l3_end;		/* offset after IPv4 options / IPv6 extension headers */
	__u32 l4;		/* offset of the L4 header */
	__u32 len;		/* whole frame */
};

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static __u16 ip_csum(const __u8 *p, __u32 len)
{
	__u32 sum = 0, i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* Writes the frame described by s into f (FRAME_MAX bytes); returns its length.
 * Options given in s->opts go into every hop-by-hop/dest-opts header. */
static __u32 build(__u8 *f, const struct spec *s, struct layout *lo)
{
	static const __u8 ext_types[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS,
					  IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS };
	__u32 off = 0, l4len, hdr, i, ip_off, l4_total;
	__u16 tcp_words = 5 + s->tcp_opt_words;

	memset(f, 0, FRAME_MAX);
	memcpy(f, s->dmac ? s->dmac : mac_dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, mac_src, ETH_ALEN);
	off = 2 * ETH_ALEN;
	for (i = 0; i < s->ntags; i++) {
		put16(f + off, i == 0 && s->ntags > 1 ? ETH_P_8021AD : ETH_P_8021Q);
		put16(f + off + 2, 100 + i);		/* TCI: VLAN id */
		off += 4;
	}
	if (!s->fam) {
		put16(f + off, s->ethertype);
		off += 2;
		lo->l3 = lo->l3_end = lo->l4 = off;
		/* An ARP request body (28 bytes), content irrelevant otherwise. */
		put16(f + off, 1);
		put16(f + off + 2, ETH_P_IP);
		f[off + 4] = 6;
		f[off + 5] = 4;
		put16(f + off + 6, 1);
		off += 28;
		lo->len = off;
		return off;
	}
	put16(f + off, s->fam == 4 ? ETH_P_IP : ETH_P_IPV6);
	off += 2;
	lo->l3 = ip_off = off;

	switch (s->proto) {
	case IPPROTO_UDP:
		l4len = 8;
		break;
	case IPPROTO_TCP:
		l4len = tcp_words * 4;
		break;
	default:
		l4len = 8;		/* ICMP echo header, or 8 opaque bytes */
		break;
	}
	l4_total = l4len + s->payload;

	if (s->fam == 4) {
		__u8 ihl = s->ihl ? s->ihl : 5 + s->ip_opt_words;

		hdr = (5 + s->ip_opt_words) * 4;
		f[off] = ((s->version ? s->version : 4) << 4) | (ihl & 0xf);
		put16(f + off + 2, hdr + l4_total + s->ip_len_adj);
		put16(f + off + 4, 0x1234);
		put16(f + off + 6, s->frag);
		f[off + 8] = 64;
		f[off + 9] = s->proto;
		memcpy(f + off + 12, s->src ? s->src : s->alt_src ? alt4 : src4, 4);
		memcpy(f + off + 16, dst4, 4);
		for (i = 20; i < hdr; i++)
			f[off + i] = i + 1 == hdr ? 0 : 1;	/* NOPs, then End */
		put16(f + off + 10, ip_csum(f + off, hdr));
		off += hdr;
	} else {
		__u8 *nh = &f[off + 6];
		__u32 ext_bytes = 0;

		f[off] = (s->version ? s->version : 6) << 4;
		f[off + 7] = 64;
		memcpy(f + off + 8, s->src ? s->src : s->alt_src ? alt6 : src6, 16);
		memcpy(f + off + 24, dst6, 16);
		off += 40;
		for (i = 0; i < s->nexts; i++) {
			__u8 type = s->ext ? s->ext[i] : ext_types[i];
			int has_opts = type == IPPROTO_HOPOPTS || type == IPPROTO_DSTOPTS;
			/* The routing header is 16 bytes (hdrlen 1) to exercise
			 * the variable-length skip; the others are 8 unless
			 * given more option bytes. */
			__u32 len = type == IPPROTO_ROUTING ? (s->rt_len ? s->rt_len : 16u) :
				    has_opts && s->opts_len ? s->opts_len + 2u : 8;

			*nh = type;
			nh = &f[off];
			f[off + 1] = len / 8 - 1;
			if (type == IPPROTO_ROUTING) {
				f[off + 2] = s->rt_type;
				f[off + 3] = s->rt_sl;
			} else if (has_opts && s->opts_len) {
				memcpy(f + off + 2, s->opts, s->opts_len);
			}
			off += len;
			ext_bytes += len;
		}
		if (s->v6frag) {
			*nh = IPPROTO_FRAGMENT;
			nh = &f[off];
			put16(f + off + 2, 0x0001);	/* offset 0, M=1 */
			off += 8;
			ext_bytes += 8;
		}
		*nh = s->proto;
		put16(f + ip_off + 4, ext_bytes + l4_total + s->ip_len_adj);
	}
	lo->l3_end = lo->l4 = off;

	switch (s->proto) {
	case IPPROTO_UDP:
		put16(f + off, 40000);
		put16(f + off + 2, s->dport);
		put16(f + off + 4, l4_total + s->udp_len_adj);
		break;
	case IPPROTO_TCP:
		put16(f + off, 40000);
		put16(f + off + 2, s->dport);
		f[off + 12] = (s->tcp_doff ? s->tcp_doff : tcp_words) << 4;
		f[off + 13] = 0x02;			/* SYN */
		put16(f + off + 14, 65535);
		for (i = 20; i < l4len; i++)
			f[off + i] = 1;			/* NOP options */
		break;
	case IPPROTO_ICMP:
		f[off] = 8;				/* echo request */
		break;
	case IPPROTO_ICMPV6:
		f[off] = 128;				/* echo request */
		break;
	}
	off += l4len;
	for (i = 0; i < s->payload; i++)
		f[off + i] = 'a' + i % 26;	/* byte 2 'c' (0x63): QR clear */
	if (s->dns && s->payload >= 12)
		memcpy(f + off, s->dns, 12);
	if (s->qr && s->payload > 2)
		f[off + 2] |= 0x80;
	off += s->payload + s->pad;
	lo->len = off;
	return off;
}

/* ---- environment of a fixture -------------------------------------------- */

enum {
	E_XSK = 1 << 0,		/* AF_XDP socket on queue 0, in xsks_map */
	E_DISABLED = 1 << 1,	/* config flags 0 */
	E_LOCAL = 1 << 2,	/* XST_F_LOCAL_ONLY, local maps hold dst4/dst6 */
	E_LOCAL_MISS = 1 << 3,	/* XST_F_LOCAL_ONLY, local maps hold other addresses */
	E_BLOCK = 1 << 4,	/* block 198.18.1.0/24 and fd58:5354:1::/64 */
	E_NO_CONFIG = 1 << 5,	/* config_map never written (as right after load) */
	E_MAC = 1 << 6,		/* XST_F_MAC_ONLY, macs_map holds mac_dst */
	E_MAC_MISS = 1 << 7,	/* XST_F_MAC_ONLY, macs_map holds another MAC */
	E_FILTER = 1 << 8,	/* rules udp/53 and tcp/80 have action filter (limits off) */
	E_FILTER_PASS = 1 << 9,	/* XST_F_FILTER_PASS, config sample 0 */
	E_INSPECT = 1 << 10,	/* XST_F_FILTER_PASS | XST_F_FILTER_INSPECT */
	E_LEARNT = 1 << 11,	/* learnt blocks (rate, an hour left) as E_BLOCK's prefixes */
	E_LEARNT_OLD = 1 << 12,	/* the same, expired a second ago */
	E_LIMITS = 1 << 13,	/* every bucket level on, 1M pkt/s with a burst no run
				 * reaches (the bucket path, always conforming) */
};

struct xsk_ctx {
	void *area;
	size_t size;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
};

#define XSK_FRAMES	64
#define XSK_FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE

static struct steer_bpf *skel;
static struct xsk_ctx xs;
static int ifindex_xdp, ifindex_peer;
static int nr_cpus;

static int expect_kernel_error;	/* a test provokes a refusal: keep libbpf quiet */

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (expect_kernel_error && strstr(fmt, "Kernel error message"))
		return 0;
	if (level == LIBBPF_WARN && !strstr(fmt, "xdp_metadata"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void xsk_close(struct xsk_ctx *x)
{
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, x->size);
	memset(x, 0, sizeof(*x));
}

/* Binds a copy-mode socket on IF_XDP queue 0 (no program loaded by libxdp:
 * xsks_map is ours) and fills its fill ring. Returns 0 or -errno. */
static int xsk_open(struct xsk_ctx *x)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = XDP_FLAGS_SKB_MODE,
		.bind_flags = XDP_COPY,
	};
	__u32 idx, i;
	int err;

	memset(x, 0, sizeof(*x));
	x->size = (size_t)XSK_FRAMES * XSK_FRAME_SIZE;
	/* MAP_SHARED: the test children fork from the process that registered
	 * the UMEM, and a private mapping would leave them a stale copy. */
	x->area = mmap(NULL, x->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&x->umem, x->area, x->size, &x->fq, &x->cq, NULL);
	if (err)
		goto fail;
	err = xsk_socket__create(&x->xsk, IF_XDP, 0, x->umem, &x->rx, &x->tx, &cfg);
	if (err)
		goto fail;
	if (xsk_ring_prod__reserve(&x->fq, XSK_FRAMES, &idx) != XSK_FRAMES) {
		err = -ENOSPC;
		goto fail;
	}
	for (i = 0; i < XSK_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx + i) = (__u64)i * XSK_FRAME_SIZE;
	xsk_ring_prod__submit(&x->fq, XSK_FRAMES);
	return 0;
fail:
	xsk_close(x);
	return err;
}

static int map_fd(struct bpf_map *m)
{
	return bpf_map__fd(m);
}

static void set_config_max(__u32 flags, __u32 max_frame)
{
	struct xst_steer_config cfg = { .abi_version = XST_ABI_VERSION, .flags = flags,
					.max_frame = max_frame };
	__u32 key = 0;

	ck_assert_int_eq(bpf_map_update_elem(map_fd(skel->maps.config_map), &key, &cfg, 0), 0);
}

static void set_config(__u32 flags)
{
	set_config_max(flags, 0);
}

static void add_mac(const __u8 *addr)
{
	struct xst_mac k = {};
	__u32 one = 1;

	memcpy(k.addr, addr, ETH_ALEN);
	ck_assert_int_eq(bpf_map_update_elem(map_fd(skel->maps.macs_map), &k, &one, 0), 0);
}

static void set_rule(__u8 proto, __u16 port, __u32 action)
{
	struct xst_rule_key k = { .proto = proto, .port = htons(port) };
	struct xst_rule_val v = { .action = action };

	ck_assert_int_eq(bpf_map_update_elem(map_fd(skel->maps.rules_map), &k, &v, 0), 0);
}

static int del_rule(__u8 proto, __u16 port)
{
	struct xst_rule_key k = { .proto = proto, .port = htons(port) };

	return bpf_map_delete_elem(map_fd(skel->maps.rules_map), &k);
}

/* Returns the rule's hit counter, or -1 when there is no such rule. */
static long long rule_hits(__u8 proto, __u16 port)
{
	struct xst_rule_key k = { .proto = proto, .port = htons(port) };
	struct xst_rule_val v;

	if (bpf_map_lookup_elem(map_fd(skel->maps.rules_map), &k, &v))
		return -1;
	return (long long)v.hits;
}

/* CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns(). */
static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* A block entry with an expiry (0: manual) and a reason. */
static void add_block4_exp(const __u8 *addr, __u32 plen, __u64 expires, __u32 reason)
{
	struct xst_lpm4_key k = { .prefixlen = plen };
	struct xst_block_val v = { .expires_ns = expires, .reason = reason };

	memcpy(k.addr, addr, 4);
	ck_assert_int_eq(bpf_map_update_elem(map_fd(skel->maps.block4_map), &k, &v, 0), 0);
}

static void add_block6_exp(const __u8 *addr, __u32 plen, __u64 expires, __u32 reason)
{
	struct xst_lpm6_key k = { .prefixlen = plen };
	struct xst_block_val v = { .expires_ns = expires, .reason = reason };

	memcpy(k.addr, addr, 16);
	ck_assert_int_eq(bpf_map_update_elem(map_fd(skel->maps.block6_map), &k, &v, 0), 0);
}

static void add_block4(const __u8 *addr, __u32 plen)
{
	add_block4_exp(addr, plen, 0, XST_BLOCK_MANUAL);
}

static void add_block6(const __u8 *addr, __u32 plen)
{
	add_block6_exp(addr, plen, 0, XST_BLOCK_MANUAL);
}

/* The hits of the entry an LPM lookup finds (plen 32 / 128: the longest
 * matching one), -1 none. The program counts 64 one time in 64. */
static long long block4_hits(const __u8 *addr, __u32 plen)
{
	struct xst_lpm4_key k = { .prefixlen = plen };
	struct xst_block_val v;

	memcpy(k.addr, addr, 4);
	if (bpf_map_lookup_elem(map_fd(skel->maps.block4_map), &k, &v))
		return -1;
	return (long long)v.hits;
}

static long long block6_hits(const __u8 *addr, __u32 plen)
{
	struct xst_lpm6_key k = { .prefixlen = plen };
	struct xst_block_val v;

	memcpy(k.addr, addr, 16);
	if (bpf_map_lookup_elem(map_fd(skel->maps.block6_map), &k, &v))
		return -1;
	return (long long)v.hits;
}

/* hits after n drops by an entry: a multiple of 64, at most 64 * n. */
static int hits_plausible(long long h, long long n)
{
	return h >= 0 && h % 64 == 0 && h <= 64 * n;
}

/* The loader's view of the skeleton's maps, for the loader API. */
static struct xst_steer_maps skel_maps(void)
{
	struct xst_steer_maps m = {
		.xsks = map_fd(skel->maps.xsks_map),
		.config = map_fd(skel->maps.config_map),
		.stats = map_fd(skel->maps.stats_map),
		.rules = map_fd(skel->maps.rules_map),
		.local4 = map_fd(skel->maps.local4_map),
		.local6 = map_fd(skel->maps.local6_map),
		.block4 = map_fd(skel->maps.block4_map),
		.block6 = map_fd(skel->maps.block6_map),
		.qstats = map_fd(skel->maps.qstats_map),
		.macs = map_fd(skel->maps.macs_map),
		.snames = map_fd(skel->maps.snames_map),
		.buckets = map_fd(skel->maps.buckets_map),
		.verified4 = map_fd(skel->maps.verified4_map),
		.verified6 = map_fd(skel->maps.verified6_map),
		.guard = map_fd(skel->maps.guard_map),
		.peace = map_fd(skel->maps.peace_map),
		.alerts = map_fd(skel->maps.alerts_map),
	};

	return m;
}

static void add_local(const __u8 *a4, const __u8 *a6)
{
	__u32 one = 1;

	ck_assert_int_eq(bpf_map_update_elem(map_fd(skel->maps.local4_map), a4, &one, 0), 0);
	ck_assert_int_eq(bpf_map_update_elem(map_fd(skel->maps.local6_map), a6, &one, 0), 0);
}

static void xsk_insert(void)
{
	__u32 q = 0;
	int fd = xsk_socket__fd(xs.xsk);

	ck_assert_int_eq(bpf_map_update_elem(map_fd(skel->maps.xsks_map), &q, &fd, 0), 0);
}

static void xsk_remove(void)
{
	__u32 q = 0;

	ck_assert_int_eq(bpf_map_delete_elem(map_fd(skel->maps.xsks_map), &q), 0);
}

/* Loads a fresh program (pinning off), enabled, rules udp/53 + tcp/80 steer. */
static int load(void)
{
	struct bpf_map *m;
	int err;

	skel = steer_bpf__open();
	if (!skel)
		return -errno;
	bpf_object__for_each_map(m, skel->obj)
		bpf_map__set_pin_path(m, NULL);
	err = steer_bpf__load(skel);
	if (err) {
		steer_bpf__destroy(skel);
		skel = NULL;
		return err;
	}
	return 0;
}

static void setup(void)
{
	int err = load();

	ck_assert_msg(!err, "load steer_bpf: %s", strerror(-err));
	set_config(XST_F_ENABLED);
	set_rule(IPPROTO_UDP, 53, XST_ACT_STEER);
	set_rule(IPPROTO_TCP, 80, XST_ACT_STEER);
}

static void teardown(void)
{
	steer_bpf__destroy(skel);
	skel = NULL;
}

static const __u8 mac_other[ETH_ALEN] = { 0x02, 0x58, 0x53, 0x00, 0x00, 0x77 };
static const __u8 mac_bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void apply_env_max(unsigned env, __u32 max_frame)
{
	__u32 flags = XST_F_ENABLED;

	if (env & E_XSK)
		xsk_insert();
	if (env & E_BLOCK) {
		add_block4(src4, 24);
		add_block6(src6, 64);
	}
	if (env & E_LOCAL)
		add_local(dst4, dst6);
	if (env & E_LOCAL_MISS)
		add_local(other4, other6);
	if (env & (E_LOCAL | E_LOCAL_MISS))
		flags |= XST_F_LOCAL_ONLY;
	if (env & E_MAC)
		add_mac(mac_dst);
	if (env & E_MAC_MISS)
		add_mac(mac_other);
	if (env & (E_MAC | E_MAC_MISS))
		flags |= XST_F_MAC_ONLY;
	if (env & E_FILTER) {
		set_rule(IPPROTO_UDP, 53, XST_ACT_FILTER);
		set_rule(IPPROTO_TCP, 80, XST_ACT_FILTER);
	}
	if (env & E_FILTER_PASS)
		flags |= XST_F_FILTER_PASS;
	if (env & E_INSPECT)
		flags |= XST_F_FILTER_PASS | XST_F_FILTER_INSPECT;
	if (env & (E_LEARNT | E_LEARNT_OLD)) {
		__u64 exp = env & E_LEARNT ? mono_ns() + 3600000000000ULL : mono_ns() - 1000000000ULL;

		add_block4_exp(src4, 24, exp, XST_BLOCK_RATE);
		add_block6_exp(src6, 64, exp, XST_BLOCK_RATE);
	}
	if (env & E_DISABLED)
		flags = 0;
	if (env & E_NO_CONFIG) {
		struct xst_steer_config zero = {};
		__u32 key = 0;

		bpf_map_update_elem(map_fd(skel->maps.config_map), &key, &zero, 0);
	} else {
		set_config_max(flags, max_frame);
	}
	if (env & E_LIMITS) {
		struct xst_steer_config cfg;
		__u32 key = 0, i;
		int fd = map_fd(skel->maps.config_map);

		ck_assert_int_eq(bpf_map_lookup_elem(fd, &key, &cfg), 0);
		for (i = 0; i < XST_BUCKET_LEVELS; i++) {
			cfg.interval_ns[i] = 1000;
			cfg.tolerance_ns[i] = 1000000000000000ULL;
		}
		ck_assert_int_eq(bpf_map_update_elem(fd, &key, &cfg, 0), 0);
	}
}

static void apply_env(unsigned env)
{
	apply_env_max(env, 0);
}

/* ---- running and counting ------------------------------------------------ */

struct stats {
	struct xst_counter c[XST_STAT_MAX];
};

static void read_stats(struct stats *st)
{
	struct xst_counter vals[nr_cpus];
	__u32 i;
	int c;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < XST_STAT_MAX; i++) {
		ck_assert_int_eq(bpf_map_lookup_elem(map_fd(skel->maps.stats_map), &i, vals), 0);
		for (c = 0; c < nr_cpus; c++) {
			st->c[i].packets += vals[c].packets;
			st->c[i].bytes += vals[c].bytes;
		}
	}
}

/* One test_run with ctx: ingress = IF_XDP, rx queue 0. Returns 0 or -errno. */
static int run_q(const void *frame, __u32 len, __u32 queue, __u32 repeat, __u32 *retval,
		 __u32 *duration)
{
	/* data_end must equal the frame length (no metadata in front). */
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex_xdp,
			      .rx_queue_index = queue };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xst_steer), &o);
	if (err)
		return err < 0 ? err : -errno;
	*retval = o.retval;
	if (duration)
		*duration = o.duration;
	return 0;
}

static int run(const void *frame, __u32 len, __u32 repeat, __u32 *retval, __u32 *duration)
{
	return run_q(frame, len, 0, repeat, retval, duration);
}

static const char *act_name(__u32 act)
{
	static const char *const n[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					 "XDP_REDIRECT" };

	return act < ARRAY_SIZE(n) ? n[act] : "?";
}

static __u32 act_of(int stat)
{
	switch (stat) {
	case XST_STAT_STEER:
		return XDP_REDIRECT;
	case XST_STAT_DROP_RULE:
	case XST_STAT_DROP_BLOCK:
	case XST_STAT_MALFORMED:
	case XST_STAT_DNS_SHORT:
	case XST_STAT_DNS_RESPONSE:
	case XST_STAT_DNS_MALFORMED:
	case XST_STAT_RATE_HOST:
	case XST_STAT_RATE_NET:
	case XST_STAT_DROP_LEARNT:
		return XDP_DROP;
	default:
		return XDP_PASS;
	}
}

/* Runs one frame and asserts: the action that goes with want_stat, and
 * stats_map moved by exactly (want_stat: +1 packet, +len bytes). */
static void expect_q(const char *what, const void *frame, __u32 len, __u32 queue, int want_stat)
{
	struct stats before, after;
	__u32 retval = ~0U;
	int err, i;

	read_stats(&before);
	err = run_q(frame, len, queue, 1, &retval, NULL);
	read_stats(&after);
	if (want_stat == EXPECT_EINVAL) {
		ck_assert_msg(err == -EINVAL, "%s (len %u): test_run gave %d, want -EINVAL", what,
			      len, err);
		ck_assert_msg(!memcmp(&before, &after, sizeof(before)),
			      "%s (len %u): counters moved on a refused frame", what, len);
		return;
	}
	ck_assert_msg(!err, "%s (len %u): test_run: %s", what, len, strerror(-err));
	ck_assert_msg(retval == act_of(want_stat), "%s (len %u): action %s, want %s", what, len,
		      act_name(retval), act_name(act_of(want_stat)));
	for (i = 0; i < XST_STAT_MAX; i++) {
		__u64 dp = after.c[i].packets - before.c[i].packets;
		__u64 db = after.c[i].bytes - before.c[i].bytes;

		if (i == want_stat)
			ck_assert_msg(dp == 1 && db == len,
				      "%s (len %u): %s moved by %llu pkts/%llu bytes, want 1/%u",
				      what, len, stat_names[i], (unsigned long long)dp,
				      (unsigned long long)db, len);
		else
			ck_assert_msg(dp == 0 && db == 0,
				      "%s (len %u): %s moved by %llu pkts (want %s only)", what,
				      len, stat_names[i], (unsigned long long)dp,
				      stat_names[want_stat]);
	}
}

static void expect(const char *what, const void *frame, __u32 len, int want_stat)
{
	expect_q(what, frame, len, 0, want_stat);
}

/* ---- the fixture table --------------------------------------------------- */

struct fixture {
	const char *name;
	struct spec s;
	unsigned env;
	int want;		/* enum xst_stat */
};

#define UDP4(port)	.fam = 4, .proto = IPPROTO_UDP, .dport = (port), .payload = 29
#define TCP4(port)	.fam = 4, .proto = IPPROTO_TCP, .dport = (port)
#define UDP6(port)	.fam = 6, .proto = IPPROTO_UDP, .dport = (port), .payload = 29
#define TCP6(port)	.fam = 6, .proto = IPPROTO_TCP, .dport = (port)
#define BIG_UDP4(port)	.fam = 4, .proto = IPPROTO_UDP, .dport = (port), .payload = 1000
#define HBH		IPPROTO_HOPOPTS
#define DST		IPPROTO_DSTOPTS
#define RT		IPPROTO_ROUTING
#define EXT(...)	((const __u8[]){ __VA_ARGS__ })
#define OPTS(...)	.opts = (const __u8[]){ __VA_ARGS__ }, .opts_len = 6

static const struct fixture fixtures[] = {
	/* steered, with and without a socket on the queue */
	{ "v4 udp/53, socket bound", { UDP4(53) }, E_XSK, XST_STAT_STEER },
	{ "v4 udp/53, no socket", { UDP4(53) }, 0, XST_STAT_NO_XSK },
	{ "v4 tcp/80, socket bound", { TCP4(80) }, E_XSK, XST_STAT_STEER },
	{ "v4 tcp/80, no socket", { TCP4(80) }, 0, XST_STAT_NO_XSK },
	{ "v4 tcp/80 with options and data", { TCP4(80), .tcp_opt_words = 3, .payload = 100 },
	  E_XSK, XST_STAT_STEER },
	{ "v6 udp/53, socket bound", { UDP6(53) }, E_XSK, XST_STAT_STEER },
	{ "v6 udp/53, no socket", { UDP6(53) }, 0, XST_STAT_NO_XSK },
	{ "v6 tcp/80, socket bound", { TCP6(80) }, E_XSK, XST_STAT_STEER },
	/* VLAN */
	{ "v4 udp/53, 802.1Q", { UDP4(53), .ntags = 1 }, E_XSK, XST_STAT_STEER },
	{ "v4 udp/53, QinQ", { UDP4(53), .ntags = 2 }, E_XSK, XST_STAT_STEER },
	{ "v6 tcp/80, QinQ", { TCP6(80), .ntags = 2 }, E_XSK, XST_STAT_STEER },
	{ "v4 udp/53, 3 tags (too many)", { UDP4(53), .ntags = 3 }, E_XSK, XST_STAT_PASS_PARSE },
	{ "v6 udp/53, 3 tags (too many)", { UDP6(53), .ntags = 3 }, E_XSK, XST_STAT_PASS_PARSE },
	/* IPv4 header variants */
	{ "v4 udp/53, 4 bytes of options", { UDP4(53), .ip_opt_words = 1 }, E_XSK,
	  XST_STAT_STEER },
	{ "v4 udp/53, 40 bytes of options", { UDP4(53), .ip_opt_words = 10 }, E_XSK,
	  XST_STAT_STEER },
	{ "v4 ihl 4 (invalid)", { UDP4(53), .ihl = 4 }, E_XSK, XST_STAT_PASS_PARSE },
	{ "v4 ihl 15 past the frame", { .fam = 4, .proto = IPPROTO_UDP, .dport = 53, .ihl = 15 }, E_XSK,
	  XST_STAT_PASS_PARSE },
	{ "ethertype IPv4, version 6", { UDP4(53), .version = 6 }, E_XSK, XST_STAT_PASS_PARSE },
	{ "ethertype IPv6, version 4", { UDP6(53), .version = 4 }, E_XSK, XST_STAT_PASS_PARSE },
	{ "v4 udp/53, DF only (not a fragment)", { UDP4(53), .frag = 0x4000 }, E_XSK,
	  XST_STAT_STEER },
	{ "v4 fragment, MF", { UDP4(53), .frag = 0x2000 }, E_XSK, XST_STAT_PASS_FRAG },
	{ "v4 fragment, offset", { UDP4(53), .frag = 0x0010 }, E_XSK, XST_STAT_PASS_FRAG },
	{ "v4 fragment, last (offset, no MF) of tcp/80", { TCP4(80), .frag = 0x0100 }, E_XSK,
	  XST_STAT_PASS_FRAG },
	/* IPv6 extension headers */
	{ "v6 udp/53, hop-by-hop", { UDP6(53), .nexts = 1 }, E_XSK, XST_STAT_STEER },
	{ "v6 udp/53, hbh+routing+dstopts", { UDP6(53), .nexts = 3 }, E_XSK, XST_STAT_STEER },
	{ "v6 tcp/80, 4 ext headers (the limit)", { TCP6(80), .nexts = XST_MAX_IPV6_EXT }, E_XSK,
	  XST_STAT_STEER },
	{ "v6 udp/53, 5 ext headers (too many)", { UDP6(53), .nexts = XST_MAX_IPV6_EXT + 1 },
	  E_XSK, XST_STAT_PASS_EXT },
	/* ... the rule of steer_abi.h, case by case */
	{ "v6 udp/53, dest opts alone", { UDP6(53), .nexts = 1, .ext = EXT(DST) }, E_XSK,
	  XST_STAT_STEER },
	{ "v6 udp/53, routing type 0 segments left 0", { UDP6(53), .nexts = 1, .ext = EXT(RT) },
	  E_XSK, XST_STAT_STEER },
	{ "v6 udp/53, routing type 253 segments left 0",
	  { UDP6(53), .nexts = 1, .ext = EXT(RT), .rt_type = 253 }, E_XSK, XST_STAT_STEER },
	{ "v6 udp/53, routing segments left 1 (not finally ours)",
	  { UDP6(53), .nexts = 1, .ext = EXT(RT), .rt_sl = 1 }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 tcp/80, hbh + routing segments left 3",
	  { TCP6(80), .nexts = 2, .ext = EXT(HBH, RT), .rt_sl = 3 }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, routing type 2 (mobile IPv6) segments left 0",
	  { UDP6(53), .nexts = 1, .ext = EXT(RT), .rt_type = 2 }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, routing type 3 (RPL) segments left 0",
	  { UDP6(53), .nexts = 1, .ext = EXT(RT), .rt_type = 3 }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, routing type 4 (SRv6) segments left 0",
	  { UDP6(53), .nexts = 1, .ext = EXT(RT), .rt_type = 4 }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, hop-by-hop second", { UDP6(53), .nexts = 2, .ext = EXT(DST, HBH) }, E_XSK,
	  XST_STAT_PASS_EXT },
	{ "v6 udp/53, hop-by-hop twice", { UDP6(53), .nexts = 2, .ext = EXT(HBH, HBH) }, E_XSK,
	  XST_STAT_PASS_EXT },
	{ "v6 udp/53, AH", { UDP6(53), .nexts = 1, .ext = EXT(IPPROTO_AH) }, E_XSK,
	  XST_STAT_PASS_EXT },
	{ "v6 udp/53, dest opts + AH", { UDP6(53), .nexts = 2, .ext = EXT(DST, IPPROTO_AH) },
	  E_XSK, XST_STAT_PASS_EXT },
	{ "v6 ESP", { UDP6(53), .nexts = 1, .ext = EXT(IPPROTO_ESP) }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, mobility header", { UDP6(53), .nexts = 1, .ext = EXT(135) }, E_XSK,
	  XST_STAT_PASS_EXT },
	{ "v6 udp/53, HIP", { UDP6(53), .nexts = 1, .ext = EXT(139) }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, shim6", { UDP6(53), .nexts = 1, .ext = EXT(140) }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, experimental 253", { UDP6(53), .nexts = 1, .ext = EXT(253) }, E_XSK,
	  XST_STAT_PASS_EXT },
	{ "v6 udp/53, experimental 254 after hbh", { UDP6(53), .nexts = 2, .ext = EXT(HBH, 254) },
	  E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, dest opts x4 (the limit)",
	  { UDP6(53), .nexts = 4, .ext = EXT(DST, DST, DST, DST) }, E_XSK, XST_STAT_STEER },
	{ "v6 udp/53, hbh PadN", { UDP6(53), .nexts = 1, OPTS(0x01, 4, 0, 0, 0, 0) }, E_XSK,
	  XST_STAT_STEER },
	{ "v6 udp/53, hbh router alert + PadN",
	  { UDP6(53), .nexts = 1, OPTS(0x05, 2, 0, 0, 0x01, 0) }, E_XSK, XST_STAT_STEER },
	{ "v6 udp/53, dest opts unknown skippable option 0x3e",
	  { UDP6(53), .nexts = 1, .ext = EXT(DST), OPTS(0x3e, 4, 1, 2, 3, 4) }, E_XSK,
	  XST_STAT_STEER },
	{ "v6 udp/53, hbh option 0x41 (discard if unknown)",
	  { UDP6(53), .nexts = 1, OPTS(0x41, 4, 0, 0, 0, 0) }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, hbh jumbo payload 0xc2",
	  { UDP6(53), .nexts = 1, OPTS(0xc2, 4, 0, 1, 0, 0) }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 udp/53, dest opts 0x9e (discard + ICMP)",
	  { UDP6(53), .nexts = 1, .ext = EXT(DST), OPTS(0x01, 0, 0x9e, 2, 0, 0) }, E_XSK,
	  XST_STAT_PASS_EXT },
	{ "v6 udp/53, option 0x41 in the second dest opts",
	  { UDP6(53), .nexts = 2, .ext = EXT(DST, DST), OPTS(0x01, 0, 0x41, 0, 0, 0) }, E_XSK,
	  XST_STAT_PASS_EXT },
	{ "v6 udp/53, PadN overruns its header",
	  { UDP6(53), .nexts = 1, OPTS(0x01, 5, 0, 0, 0, 0) }, E_XSK, XST_STAT_PASS_PARSE },
	{ "v6 udp/53, 8 options (the limit)",
	  { UDP6(53), .nexts = 1, .ext = EXT(DST), .opts_len = 14,
	    .opts = (const __u8[]){ 0, 0, 0, 0, 0, 0, 0, 0x01, 5, 0, 0, 0, 0, 0 } }, E_XSK,
	  XST_STAT_STEER },
	{ "v6 udp/53, 14 Pad1 options (too many)",
	  { UDP6(53), .nexts = 1, .ext = EXT(DST), .opts_len = 14,
	    .opts = (const __u8[14]){ 0 } }, E_XSK, XST_STAT_PASS_EXT },
	{ "v6 payload_len ends inside the routing header",
	  { .fam = 6, .proto = IPPROTO_UDP, .dport = 53, .nexts = 1, .ext = EXT(RT),
	    .ip_len_adj = -16 }, E_XSK, XST_STAT_MALFORMED },
	{ "v6 fragment header", { UDP6(53), .v6frag = 1 }, E_XSK, XST_STAT_PASS_FRAG },
	{ "v6 fragment header after 2 ext", { UDP6(53), .nexts = 2, .v6frag = 1 }, E_XSK,
	  XST_STAT_PASS_FRAG },
	{ "v6 fragment header after 4 ext", { UDP6(53), .nexts = 4, .v6frag = 1 }, E_XSK,
	  XST_STAT_PASS_FRAG },
	/* not ours */
	{ "ARP", { .fam = 0, .ethertype = ETH_P_ARP }, E_XSK, XST_STAT_PASS },
	{ "ARP in 802.1Q", { .fam = 0, .ethertype = ETH_P_ARP, .ntags = 1 }, E_XSK,
	  XST_STAT_PASS },
	{ "LLDP", { .fam = 0, .ethertype = 0x88cc }, E_XSK, XST_STAT_PASS },
	{ "ICMP echo", { .fam = 4, .proto = IPPROTO_ICMP, .payload = 56 }, E_XSK,
	  XST_STAT_PASS },
	{ "ICMPv6 echo", { .fam = 6, .proto = IPPROTO_ICMPV6, .payload = 56 }, E_XSK,
	  XST_STAT_PASS },
	{ "v4 GRE", { .fam = 4, .proto = IPPROTO_GRE, .payload = 20 }, E_XSK, XST_STAT_PASS },
	{ "v6 no next header", { .fam = 6, .proto = 59 }, E_XSK, XST_STAT_PASS },
	{ "v4 udp/5353 (no rule)", { UDP4(5353) }, E_XSK, XST_STAT_PASS },
	{ "v4 udp/80 (rule is tcp)", { UDP4(80) }, E_XSK, XST_STAT_PASS },
	{ "v4 tcp/53 (rule is udp)", { TCP4(53) }, E_XSK, XST_STAT_PASS },
	{ "v6 tcp/443 (no rule)", { TCP6(443) }, E_XSK, XST_STAT_PASS },
	/* malformed steered frames */
	{ "v4 udp len too big", { UDP4(53), .udp_len_adj = 1 }, E_XSK, XST_STAT_MALFORMED },
	{ "v4 udp len too small", { UDP4(53), .udp_len_adj = -1 }, E_XSK, XST_STAT_MALFORMED },
	{ "v4 udp len below 8", { UDP4(53), .udp_len_adj = -30 }, E_XSK, XST_STAT_MALFORMED },
	{ "v4 tot_len too big", { UDP4(53), .ip_len_adj = 1 }, E_XSK, XST_STAT_MALFORMED },
	{ "v4 tot_len < ihl*4", { UDP4(53), .ip_len_adj = -50 }, E_XSK, XST_STAT_MALFORMED },
	{ "v4 tot_len short of udp len", { UDP4(53), .ip_len_adj = -1 }, E_XSK,
	  XST_STAT_MALFORMED },
	{ "v4 udp/53 + Ethernet padding", { .fam = 4, .proto = IPPROTO_UDP, .dport = 53, .payload = 2, .pad = 16 }, E_XSK,
	  XST_STAT_STEER },
	{ "v6 udp len too big", { UDP6(53), .udp_len_adj = 8 }, E_XSK, XST_STAT_MALFORMED },
	{ "v6 udp len below 8", { UDP6(53), .udp_len_adj = -30 }, E_XSK, XST_STAT_MALFORMED },
	{ "v6 payload_len too big", { UDP6(53), .ip_len_adj = 1 }, E_XSK, XST_STAT_MALFORMED },
	{ "v6 payload_len too small", { UDP6(53), .ip_len_adj = -1 }, E_XSK,
	  XST_STAT_MALFORMED },
	{ "v6 payload_len 0 (jumbo)", { UDP6(53), .nexts = 1, .ip_len_adj = -45 }, E_XSK,
	  XST_STAT_MALFORMED },
	{ "v4 tcp doff 4", { TCP4(80), .tcp_doff = 4 }, E_XSK, XST_STAT_MALFORMED },
	{ "v4 tcp doff 15 past the packet", { TCP4(80), .tcp_doff = 15, .payload = 10 }, E_XSK,
	  XST_STAT_MALFORMED },
	{ "v6 tcp doff 8 past the packet", { TCP6(80), .tcp_doff = 8 }, E_XSK,
	  XST_STAT_MALFORMED },
	{ "v4 tcp tot_len too big", { TCP4(80), .ip_len_adj = 4 }, E_XSK, XST_STAT_MALFORMED },
	/* config */
	{ "disabled: v4 udp/53", { UDP4(53) }, E_XSK | E_DISABLED, XST_STAT_DISABLED },
	{ "disabled: ARP", { .fam = 0, .ethertype = ETH_P_ARP }, E_XSK | E_DISABLED,
	  XST_STAT_DISABLED },
	{ "disabled: blocked source", { UDP4(53) }, E_BLOCK | E_DISABLED, XST_STAT_DISABLED },
	{ "zeroed config (mid-attach): v4 udp/53", { UDP4(53) }, E_XSK | E_NO_CONFIG,
	  XST_STAT_DISABLED },
	/* destination filter */
	{ "local-only, v4 dst local", { UDP4(53) }, E_XSK | E_LOCAL, XST_STAT_STEER },
	{ "local-only, v6 dst local", { TCP6(80) }, E_XSK | E_LOCAL, XST_STAT_STEER },
	{ "local-only, v4 dst not local", { UDP4(53) }, E_XSK | E_LOCAL_MISS,
	  XST_STAT_PASS_NOT_LOCAL },
	{ "local-only, v6 dst not local", { UDP6(53) }, E_XSK | E_LOCAL_MISS,
	  XST_STAT_PASS_NOT_LOCAL },
	{ "local-only, not-local beats malformed", { UDP4(53), .udp_len_adj = 1 },
	  E_XSK | E_LOCAL_MISS, XST_STAT_PASS_NOT_LOCAL },
	{ "local-only, local and malformed", { UDP4(53), .udp_len_adj = 1 }, E_XSK | E_LOCAL,
	  XST_STAT_MALFORMED },
	/* destination MAC filter */
	{ "mac-only, v4 udp/53 to our MAC", { UDP4(53) }, E_XSK | E_MAC, XST_STAT_STEER },
	{ "mac-only, v6 tcp/80 QinQ to our MAC", { TCP6(80), .ntags = 2 }, E_XSK | E_MAC,
	  XST_STAT_STEER },
	{ "mac-only, v4 udp/53 to another MAC", { UDP4(53) }, E_XSK | E_MAC_MISS,
	  XST_STAT_PASS_MAC },
	{ "mac-only, v6 udp/53 to another MAC", { UDP6(53) }, E_XSK | E_MAC_MISS,
	  XST_STAT_PASS_MAC },
	{ "mac-only, broadcast MAC", { UDP4(53), .dmac = mac_bcast }, E_XSK | E_MAC,
	  XST_STAT_PASS_MAC },
	{ "mac-only, another MAC, malformed", { UDP4(53), .udp_len_adj = 1 }, E_XSK | E_MAC_MISS,
	  XST_STAT_PASS_MAC },
	{ "mac-only beats local-only", { UDP4(53) }, E_XSK | E_MAC_MISS | E_LOCAL_MISS,
	  XST_STAT_PASS_MAC },
	{ "mac and local match", { UDP6(53) }, E_XSK | E_MAC | E_LOCAL, XST_STAT_STEER },
	{ "mac-only, other port", { UDP4(5353) }, E_XSK | E_MAC_MISS, XST_STAT_PASS },
	{ "mac not checked without the flag", { UDP4(53), .dmac = mac_other }, E_XSK,
	  XST_STAT_STEER },
	/* config max_frame (frames here are one buffer) */
	{ "max_frame: v4 udp/53 of 71 bytes, limit 71", { UDP4(53), .max_frame = 71 }, E_XSK,
	  XST_STAT_STEER },
	{ "max_frame: v4 udp/53 of 71 bytes, limit 70", { UDP4(53), .max_frame = 70 }, E_XSK,
	  XST_STAT_PASS_BIG },
	{ "max_frame: v6 tcp/80 of 1074 bytes, limit 1024",
	  { TCP6(80), .payload = 1000, .max_frame = 1024 }, E_XSK, XST_STAT_PASS_BIG },
	{ "max_frame: big and not local", { TCP6(80), .payload = 1000, .max_frame = 1024 },
	  E_XSK | E_LOCAL_MISS, XST_STAT_PASS_NOT_LOCAL },
	{ "max_frame: big and malformed",
	  { BIG_UDP4(53), .udp_len_adj = 1, .max_frame = 1024 }, E_XSK, XST_STAT_MALFORMED },
	{ "max_frame: big, other port", { BIG_UDP4(5353), .max_frame = 1024 }, E_XSK,
	  XST_STAT_PASS },
	{ "max_frame: big, no socket", { BIG_UDP4(53), .max_frame = 64 }, 0, XST_STAT_PASS_BIG },
	{ "local-only, other port", { UDP4(5353) }, E_XSK | E_LOCAL_MISS, XST_STAT_PASS },
	/* blocklist: every IP packet from a blocked source */
	{ "blocked v4 source, udp/53", { UDP4(53) }, E_XSK | E_BLOCK, XST_STAT_DROP_BLOCK },
	{ "blocked v4 source, ICMP", { .fam = 4, .proto = IPPROTO_ICMP, .payload = 56 },
	  E_XSK | E_BLOCK, XST_STAT_DROP_BLOCK },
	{ "blocked v4 source, fragment", { UDP4(53), .frag = 0x2000 }, E_XSK | E_BLOCK,
	  XST_STAT_DROP_BLOCK },
	{ "blocked v4 source, QinQ tcp/22", { TCP4(22), .ntags = 2 }, E_XSK | E_BLOCK,
	  XST_STAT_DROP_BLOCK },
	{ "blocked v4 source, malformed udp/53", { UDP4(53), .udp_len_adj = 1 },
	  E_XSK | E_BLOCK, XST_STAT_DROP_BLOCK },
	{ "blocked v6 source, udp/53", { UDP6(53) }, E_XSK | E_BLOCK, XST_STAT_DROP_BLOCK },
	{ "blocked v6 source, ICMPv6", { .fam = 6, .proto = IPPROTO_ICMPV6, .payload = 56 },
	  E_XSK | E_BLOCK, XST_STAT_DROP_BLOCK },
	{ "blocked v6 source, too many ext", { UDP6(53), .nexts = 5 }, E_XSK | E_BLOCK,
	  XST_STAT_DROP_BLOCK },
	{ "unblocked v4 source next to the block", { UDP4(53), .alt_src = 1 }, E_XSK | E_BLOCK,
	  XST_STAT_STEER },
	{ "unblocked v6 source next to the block", { UDP6(53), .alt_src = 1 }, E_XSK | E_BLOCK,
	  XST_STAT_STEER },
	/* learnt blocks: dropped while not expired, counted apart from manual ones */
	{ "learnt v4 block, udp/53", { UDP4(53) }, E_XSK | E_LEARNT, XST_STAT_DROP_LEARNT },
	{ "learnt v4 block, ICMP", { .fam = 4, .proto = IPPROTO_ICMP, .payload = 56 },
	  E_XSK | E_LEARNT, XST_STAT_DROP_LEARNT },
	{ "learnt v6 block, tcp/80", { TCP6(80) }, E_XSK | E_LEARNT, XST_STAT_DROP_LEARNT },
	{ "learnt v4 block, filter rule", { UDP4(53) }, E_XSK | E_LEARNT | E_FILTER,
	  XST_STAT_DROP_LEARNT },
	{ "expired learnt v4 block", { UDP4(53) }, E_XSK | E_LEARNT_OLD, XST_STAT_STEER },
	{ "expired learnt v6 block", { UDP6(53) }, E_XSK | E_LEARNT_OLD, XST_STAT_STEER },
	{ "expired learnt v4 block, ICMP", { .fam = 4, .proto = IPPROTO_ICMP, .payload = 56 },
	  E_XSK | E_LEARNT_OLD, XST_STAT_PASS },
	{ "learnt block, other source", { UDP4(53), .alt_src = 1 }, E_XSK | E_LEARNT,
	  XST_STAT_STEER },
	/* the DNS filter stage (rule action filter; limits off here) */
	{ "filter: v4 udp/53 query", { UDP4(53) }, E_XSK | E_FILTER, XST_STAT_STEER },
	{ "filter: v6 udp/53 query", { UDP6(53) }, E_XSK | E_FILTER, XST_STAT_STEER },
	{ "filter: v4 query, no socket", { UDP4(53) }, E_FILTER, XST_STAT_NO_XSK },
	{ "filter: v4 11-byte payload", { .fam = 4, .proto = IPPROTO_UDP, .dport = 53,
	  .payload = 11 }, E_XSK | E_FILTER, XST_STAT_DNS_SHORT },
	{ "filter: v6 empty payload", { .fam = 6, .proto = IPPROTO_UDP, .dport = 53 },
	  E_XSK | E_FILTER, XST_STAT_DNS_SHORT },
	{ "filter: v4 12-byte payload", { .fam = 4, .proto = IPPROTO_UDP, .dport = 53,
	  .payload = 12 }, E_XSK | E_FILTER, XST_STAT_STEER },
	{ "filter: 2-byte payload + Ethernet padding",
	  { .fam = 4, .proto = IPPROTO_UDP, .dport = 53, .payload = 2, .pad = 16 },
	  E_XSK | E_FILTER, XST_STAT_DNS_SHORT },
	{ "filter: v4 response (QR=1)", { UDP4(53), .qr = 1 }, E_XSK | E_FILTER,
	  XST_STAT_DNS_RESPONSE },
	{ "filter: v6 response (QR=1)", { UDP6(53), .qr = 1 }, E_XSK | E_FILTER,
	  XST_STAT_DNS_RESPONSE },
	{ "filter: v6 response after 3 ext headers", { UDP6(53), .nexts = 3, .qr = 1 },
	  E_XSK | E_FILTER, XST_STAT_DNS_RESPONSE },
	{ "filter: short response is short", { .fam = 4, .proto = IPPROTO_UDP, .dport = 53,
	  .payload = 11, .qr = 1 }, E_XSK | E_FILTER, XST_STAT_DNS_SHORT },
	{ "steer rule: response steered", { UDP4(53), .qr = 1 }, E_XSK, XST_STAT_STEER },
	{ "filter: tcp/80 is steered (no DNS check)", { TCP4(80) }, E_XSK | E_FILTER,
	  XST_STAT_STEER },
	{ "filter: v6 tcp/80 is steered", { TCP6(80) }, E_XSK | E_FILTER, XST_STAT_STEER },
	{ "filter: malformed beats short", { .fam = 4, .proto = IPPROTO_UDP, .dport = 53,
	  .payload = 4, .udp_len_adj = 1 }, E_XSK | E_FILTER, XST_STAT_MALFORMED },
	{ "filter: not local beats response", { UDP4(53), .qr = 1 },
	  E_XSK | E_FILTER | E_LOCAL_MISS, XST_STAT_PASS_NOT_LOCAL },
	{ "filter: other MAC beats short", { .fam = 6, .proto = IPPROTO_UDP, .dport = 53 },
	  E_XSK | E_FILTER | E_MAC_MISS, XST_STAT_PASS_MAC },
	{ "filter: too big beats response", { BIG_UDP4(53), .qr = 1, .max_frame = 1024 },
	  E_XSK | E_FILTER, XST_STAT_PASS_BIG },
	{ "filter: local, mac, query", { UDP6(53) }, E_XSK | E_FILTER | E_LOCAL | E_MAC,
	  XST_STAT_STEER },
	{ "filter: manual block first", { UDP4(53) }, E_XSK | E_FILTER | E_BLOCK,
	  XST_STAT_DROP_BLOCK },
	/* filter mode (XST_F_FILTER_PASS), nothing verified, sample 0 */
	{ "filter-pass: v4 query unsampled", { UDP4(53) }, E_XSK | E_FILTER | E_FILTER_PASS,
	  XST_STAT_PASS_UNSAMPLED },
	{ "filter-pass: v6 query unsampled", { UDP6(53) }, E_XSK | E_FILTER | E_FILTER_PASS,
	  XST_STAT_PASS_UNSAMPLED },
	{ "filter-pass: response still dropped", { UDP4(53), .qr = 1 },
	  E_XSK | E_FILTER | E_FILTER_PASS, XST_STAT_DNS_RESPONSE },
	{ "filter-pass: tcp/80 steered", { TCP4(80) }, E_XSK | E_FILTER | E_FILTER_PASS,
	  XST_STAT_STEER },
	{ "filter-pass: steer rule unaffected", { UDP4(53) }, E_XSK | E_FILTER_PASS,
	  XST_STAT_STEER },
	{ "filter-inspect: v4 query steered", { UDP4(53) }, E_XSK | E_FILTER | E_INSPECT,
	  XST_STAT_STEER },
	{ "filter-inspect: v6 query, no socket", { UDP6(53) }, E_FILTER | E_INSPECT,
	  XST_STAT_NO_XSK },
	/* the bucket path (always conforming here; drops: test_filter_rate_*) */
	{ "filter+buckets: v4 query", { UDP4(53) }, E_XSK | E_FILTER | E_LIMITS, XST_STAT_STEER },
	{ "filter+buckets: v6 query", { UDP6(53) }, E_XSK | E_FILTER | E_LIMITS, XST_STAT_STEER },
	{ "filter+buckets: v4 unsampled", { UDP4(53) },
	  E_XSK | E_FILTER | E_LIMITS | E_FILTER_PASS, XST_STAT_PASS_UNSAMPLED },
	{ "filter+buckets: response before buckets", { UDP4(53), .qr = 1 },
	  E_XSK | E_FILTER | E_LIMITS, XST_STAT_DNS_RESPONSE },
	{ "steer rule: buckets not used", { UDP4(53) }, E_XSK | E_LIMITS, XST_STAT_STEER },
};

static void expect_spec(const char *what, const struct spec *s, int want)
{
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 len = build(frame, s, &lo);

	expect(what, frame, len, want);
}

START_TEST(test_fixture)
{
	const struct fixture *fx = &fixtures[_i];
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 len = build(frame, &fx->s, &lo);
	__u8 proto = fx->s.proto;
	long long hits_before = rule_hits(proto, fx->s.dport);

	apply_env_max(fx->env, fx->s.max_frame);
	expect(fx->name, frame, len, fx->want);

	/* A rule's counter moves exactly when the rule decided the outcome,
	 * never for a filter rule (set by apply_env: from 0). */
	if (fx->env & E_FILTER)
		hits_before = 0;
	if (hits_before >= 0 && fx->s.fam) {
		int matched = fx->want == XST_STAT_STEER || fx->want == XST_STAT_NO_XSK ||
			      fx->want == XST_STAT_MALFORMED ||
			      fx->want == XST_STAT_PASS_NOT_LOCAL ||
			      fx->want == XST_STAT_PASS_MAC || fx->want == XST_STAT_PASS_BIG;

		if (fx->env & E_FILTER)
			matched = 0;

		ck_assert_msg(rule_hits(proto, fx->s.dport) == hits_before + matched,
			      "%s: rule hits %lld, want %lld", fx->name,
			      rule_hits(proto, fx->s.dport), hits_before + matched);
	}
	if (fx->want == XST_STAT_DROP_BLOCK || fx->want == XST_STAT_DROP_LEARNT) {
		long long h = fx->s.fam == 4 ? block4_hits(src4, 24) : block6_hits(src6, 64);

		ck_assert_msg(hits_plausible(h, 1), "%s: block hits %lld", fx->name, h);
	} else if (fx->env & (E_BLOCK | E_LEARNT | E_LEARNT_OLD)) {
		ck_assert_int_eq(block4_hits(src4, 24), 0);
		ck_assert_int_eq(block6_hits(src6, 64), 0);
	}
}
END_TEST

/* ---- multi-buffer frames ------------------------------------------------- */

/* A 9000-byte frame: BPF_PROG_TEST_RUN hands a frags-aware program the
 * first ~3.5 KiB as data..data_end and the rest as fragments, as a veth with
 * MTU 9000 does. Lengths are the whole frame's, and without a max_frame a
 * multi-buffer frame is never steered. */
START_TEST(test_multibuffer)
{
	struct spec v6 = { UDP6(53) }, v4 = { TCP4(80) };
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 len;

	v6.payload = 9000 - 62;		/* 14 + 40 + 8 bytes of headers */
	len = build(frame, &v6, &lo);
	ck_assert_uint_eq(len, 9000);
	apply_env_max(E_XSK, 0);
	expect("9000-byte v6 udp/53, max_frame 0", frame, len, XST_STAT_PASS_BIG);
	set_config_max(XST_F_ENABLED, 9000);
	expect("9000-byte v6 udp/53, max_frame 9000", frame, len, XST_STAT_STEER);
	set_config_max(XST_F_ENABLED, 8999);
	expect("9000-byte v6 udp/53, max_frame 8999", frame, len, XST_STAT_PASS_BIG);
	set_config_max(XST_F_ENABLED, 4096);
	expect("9000-byte v6 udp/53, max_frame 4096", frame, len, XST_STAT_PASS_BIG);

	/* The UDP length is checked against the whole frame, not the first buffer. */
	set_config_max(XST_F_ENABLED, 9000);
	v6.udp_len_adj = 1;
	len = build(frame, &v6, &lo);
	expect("9000-byte v6 udp/53, udp len + 1", frame, len, XST_STAT_MALFORMED);
	v6.udp_len_adj = 0;
	v6.ip_len_adj = 1;
	len = build(frame, &v6, &lo);
	expect("9000-byte v6 udp/53, payload_len + 1", frame, len, XST_STAT_MALFORMED);

	/* Two 1728-byte routing headers put the L4 header at 3510, near the
	 * end of test_run's first buffer (4096 - 256 headroom - 320 shared
	 * info = 3520 bytes on this kernel): a UDP header fits, a TCP header
	 * does not, and the frame then goes to the kernel. */
	{
		struct spec tcp = { TCP6(80), .nexts = 2, .ext = EXT(RT, RT), .rt_len = 1728,
				    .payload = 1500 };
		struct spec udp = { UDP6(53), .nexts = 2, .ext = EXT(RT, RT), .rt_len = 1728 };

		udp.payload = 1500;
		len = build(frame, &udp, &lo);
		ck_assert_uint_eq(lo.l4, 3510);
		expect("udp/53 header at the end of the first buffer", frame, len,
		       XST_STAT_STEER);
		len = build(frame, &tcp, &lo);
		expect("tcp/80 header across the first buffer's end", frame, len,
		       XST_STAT_PASS_PARSE);
		/* The filter stage reads the QR bit from the first buffer only:
		 * here it is 2 bytes past its end, so even a response is steered. */
		set_rule(IPPROTO_UDP, 53, XST_ACT_FILTER);
		udp.qr = 1;
		len = build(frame, &udp, &lo);
		expect("filter: DNS header beyond the first buffer", frame, len,
		       XST_STAT_STEER);
		set_rule(IPPROTO_UDP, 53, XST_ACT_STEER);
	}

	/* ... while a multi-buffer response with its header up front is dropped. */
	set_rule(IPPROTO_UDP, 53, XST_ACT_FILTER);
	v6.ip_len_adj = 0;
	v6.qr = 1;
	len = build(frame, &v6, &lo);
	expect("filter: 9000-byte v6 response", frame, len, XST_STAT_DNS_RESPONSE);
	v6.qr = 0;
	len = build(frame, &v6, &lo);
	expect("filter: 9000-byte v6 query", frame, len, XST_STAT_STEER);
	set_rule(IPPROTO_UDP, 53, XST_ACT_STEER);

	v4.payload = 8000;
	len = build(frame, &v4, &lo);
	expect("8054-byte v4 tcp/80, max_frame 9000", frame, len, XST_STAT_STEER);
	v4.dport = 443;
	len = build(frame, &v4, &lo);
	expect("8054-byte v4 tcp/443 (no rule)", frame, len, XST_STAT_PASS);
}
END_TEST

/* ---- every truncation length of a steered frame -------------------------- */

struct trunc_fixture {
	const char *name;
	struct spec s;
};

static const struct trunc_fixture trunc_fixtures[] = {
	{ "v4 udp/53", { UDP4(53) } },
	{ "v4 tcp/80 + tcp options", { TCP4(80), .tcp_opt_words = 2, .payload = 8 } },
	{ "QinQ v4 udp/53 + ip options", { UDP4(53), .ntags = 2, .ip_opt_words = 3 } },
	{ "v6 udp/53", { UDP6(53) } },
	{ "802.1Q v6 tcp/80 + 3 ext headers", { TCP6(80), .ntags = 1, .nexts = 3, .payload = 4 } },
};

/* The outcome of the first len bytes of a frame laid out as lo. */
static int trunc_want(const struct spec *s, const struct layout *lo, __u32 len)
{
	if (len < ETH_HLEN)
		return EXPECT_EINVAL;	/* BPF_PROG_TEST_RUN refuses < ETH_HLEN */
	if (len < lo->l3)
		return XST_STAT_PASS_PARSE;	/* cut inside a VLAN tag */
	if (s->fam == 4 && len < lo->l3_end)
		return XST_STAT_PASS_PARSE;	/* cut inside the IPv4 header/options */
	if (s->fam == 6 && len < lo->l3_end)
		return XST_STAT_PASS_PARSE;	/* cut inside the IPv6 header/ext headers */
	if (len < lo->l4 + 4)
		return XST_STAT_PASS_PARSE;	/* ports not in the frame */
	if (len < lo->len)
		return XST_STAT_MALFORMED;	/* IP length claims more than the frame */
	return XST_STAT_STEER;
}

START_TEST(test_truncation)
{
	const struct trunc_fixture *tf = &trunc_fixtures[_i];
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 full = build(frame, &tf->s, &lo), len;
	char what[128];

	apply_env(E_XSK);
	for (len = 0; len <= full; len++) {
		long long before = rule_hits(tf->s.proto, tf->s.dport);
		int want = trunc_want(&tf->s, &lo, len);

		snprintf(what, sizeof(what), "%s cut to %u of %u", tf->name, len, full);
		expect(what, frame, len, want);
		ck_assert_msg(rule_hits(tf->s.proto, tf->s.dport) ==
				      before + (want == XST_STAT_MALFORMED || want == XST_STAT_STEER),
			      "%s: rule hits", what);
	}
}
END_TEST

/* ---- run-time changes ---------------------------------------------------- */

START_TEST(test_rule_changes)
{
	struct spec s = { UDP4(9999) };

	apply_env(E_XSK);
	expect_spec("udp/9999 without a rule", &s, XST_STAT_PASS);
	ck_assert_int_eq(rule_hits(IPPROTO_UDP, 9999), -1);

	set_rule(IPPROTO_UDP, 9999, XST_ACT_DROP);
	expect_spec("udp/9999 rule drop", &s, XST_STAT_DROP_RULE);
	expect_spec("udp/9999 rule drop, again", &s, XST_STAT_DROP_RULE);
	ck_assert_int_eq(rule_hits(IPPROTO_UDP, 9999), 2);

	set_rule(IPPROTO_UDP, 9999, XST_ACT_PASS);
	expect_spec("udp/9999 rule pass", &s, XST_STAT_PASS_RULE);
	ck_assert_int_eq(rule_hits(IPPROTO_UDP, 9999), 1);

	set_rule(IPPROTO_UDP, 9999, XST_ACT_STEER);
	expect_spec("udp/9999 rule steer", &s, XST_STAT_STEER);

	ck_assert_int_eq(del_rule(IPPROTO_UDP, 9999), 0);
	expect_spec("udp/9999 rule deleted", &s, XST_STAT_PASS);

	/* Default rules can be changed too: dns becomes pass, then drop. */
	s.dport = 53;
	set_rule(IPPROTO_UDP, 53, XST_ACT_PASS);
	expect_spec("udp/53 changed to pass", &s, XST_STAT_PASS_RULE);
	set_rule(IPPROTO_UDP, 53, XST_ACT_DROP);
	expect_spec("udp/53 changed to drop", &s, XST_STAT_DROP_RULE);
	/* A drop rule drops even a malformed frame: the rule decides first. */
	s.udp_len_adj = 3;
	expect_spec("udp/53 drop, malformed", &s, XST_STAT_DROP_RULE);
	ck_assert_int_eq(del_rule(IPPROTO_UDP, 53), 0);
	expect_spec("udp/53 rule deleted, malformed", &s, XST_STAT_PASS);

	/* An unknown action is handed to the kernel, counted as a rule pass. */
	set_rule(IPPROTO_TCP, 8080, 77);
	s = (struct spec){ TCP4(8080) };
	expect_spec("tcp/8080 unknown action", &s, XST_STAT_PASS_RULE);
}
END_TEST

START_TEST(test_blocklist)
{
	struct spec v4 = { UDP4(53) }, v6 = { TCP6(80) };
	struct spec icmp = { .fam = 4, .proto = IPPROTO_ICMP, .payload = 56 };
	struct spec icmp6 = { .fam = 6, .proto = IPPROTO_ICMPV6, .payload = 56 };
	static const __u8 net4[4] = { 198, 18, 1, 0 };
	struct xst_lpm4_key k4 = { .prefixlen = 24 };
	int i;

	apply_env(E_XSK);
	expect_spec("v4 before block", &v4, XST_STAT_STEER);
	expect_spec("v6 before block", &v6, XST_STAT_STEER);

	add_block4(net4, 24);
	add_block4(src4, 32);			/* a longer prefix wins the count */
	add_block6(src6, 64);
	for (i = 0; i < 3; i++)
		expect_spec("v4 blocked /32", &v4, XST_STAT_DROP_BLOCK);
	expect_spec("ping from blocked v4", &icmp, XST_STAT_DROP_BLOCK);
	for (i = 0; i < 2; i++)
		expect_spec("v6 blocked /64", &v6, XST_STAT_DROP_BLOCK);
	expect_spec("ping6 from blocked v6", &icmp6, XST_STAT_DROP_BLOCK);
	ck_assert(hits_plausible(block4_hits(src4, 32), 4));
	ck_assert(hits_plausible(block6_hits(src6, 64), 3));
	{
		struct xst_block_val v = { .hits = ~0ULL };
		__u8 frame[FRAME_MAX];
		struct layout lo;
		__u32 len = build(frame, &v4, &lo), retval;
		long long h;

		/* Hits are sampled (64 one time in 64): 6400 more drops so
		 * that the /32 surely counts some (P(none) = 1e-44). */
		ck_assert_int_eq(run(frame, len, 6400, &retval, NULL), 0);
		h = block4_hits(src4, 32);
		ck_assert_msg(h >= 64 && hits_plausible(h, 6404), "/32 hits %lld", h);
		/* The /24 itself, looked up exactly: the /32 took every hit. */
		memcpy(k4.addr, net4, 4);
		k4.prefixlen = 24;
		ck_assert_int_eq(bpf_map_lookup_elem(map_fd(skel->maps.block4_map), &k4, &v), 0);
		ck_assert_uint_eq(v.hits, 0);
		ck_assert_uint_eq(v.expires_ns, 0);
		ck_assert_uint_eq(v.reason, XST_BLOCK_MANUAL);
	}

	/* Removing the /32 leaves the /24 covering the source. */
	k4.prefixlen = 32;
	memcpy(k4.addr, src4, 4);
	ck_assert_int_eq(bpf_map_delete_elem(map_fd(skel->maps.block4_map), &k4), 0);
	expect_spec("v4 blocked by the /24", &v4, XST_STAT_DROP_BLOCK);
	ck_assert(hits_plausible(block4_hits(src4, 32), 1));	/* the /24's now */

	k4.prefixlen = 24;
	memcpy(k4.addr, net4, 4);
	ck_assert_int_eq(bpf_map_delete_elem(map_fd(skel->maps.block4_map), &k4), 0);
	expect_spec("v4 unblocked", &v4, XST_STAT_STEER);
	expect_spec("ping from unblocked v4", &icmp, XST_STAT_PASS);
	{
		struct xst_lpm6_key k6 = { .prefixlen = 64 };

		memcpy(k6.addr, src6, 16);
		ck_assert_int_eq(bpf_map_delete_elem(map_fd(skel->maps.block6_map), &k6), 0);
	}
	expect_spec("v6 unblocked", &v6, XST_STAT_STEER);
}
END_TEST

/* ---- the DNS filter stage ------------------------------------------------- */

/* Sources for the token buckets (none of them blocked). */
static const __u8 b4_a[4] = { 198, 51, 100, 7 };
static const __u8 b4_b[4] = { 198, 51, 100, 8 };		/* same /24 as b4_a */
static const __u8 b4_c[4] = { 198, 51, 101, 7 };		/* another /24 */
static const __u8 b6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12, 0x34, [15] = 1 };
static const __u8 b6_a2[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12, 0x34, [14] = 9, [15] = 9 };
static const __u8 b6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12, 0x35, [15] = 1 }; /* same /56 */
static const __u8 b6_c[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x13, 0x34, [15] = 1 }; /* other /56 */

/* Filter rules and config limits through the loader (xst_steer_set_filter
 * keeps the flags written here). */
static void filter_env(__u32 flags, const struct xst_filter_limits *l)
{
	struct xst_steer_maps m = skel_maps();

	set_config(XST_F_ENABLED | flags);
	set_rule(IPPROTO_UDP, 53, XST_ACT_FILTER);
	set_rule(IPPROTO_TCP, 80, XST_ACT_FILTER);
	ck_assert_int_eq(xst_steer_set_filter(&m, l), 0);
	xsk_insert();
}

/* The per-CPU bucket of (level, addr) summed, through the loader's scan. */
struct bucket_find {
	struct xst_bucket_key key;
	struct xst_bucket_sum got;
	int found, total;
};

static int bucket_find_fn(void *arg, const struct xst_bucket_sum *b)
{
	struct bucket_find *f = arg;

	f->total++;
	if (!memcmp(&b->key, &f->key, sizeof(b->key))) {
		f->got = *b;
		f->found = 1;
	}
	return 0;
}

static struct bucket_find bucket_of(__u32 level, const __u8 *addr, size_t alen)
{
	struct xst_steer_maps m = skel_maps();
	struct bucket_find f = { .key = { .level = level } };

	memcpy(f.key.addr, addr, alen);
	ck_assert_int_eq(xst_steer_buckets_scan(&m, bucket_find_fn, &f), 0);
	return f;
}

/* Exactly burst packets of a source conform, then its host bucket drops;
 * another /32 of the same /24 has its own host bucket but shares the net
 * bucket, which a host-level drop did not take tokens from. Rates of one
 * packet a second: nothing refills while the test runs. */
START_TEST(test_filter_rate_v4)
{
	struct xst_filter_limits l = { .rate = { [XST_BUCKET_HOST4] = 1, [XST_BUCKET_NET4] = 1 },
				       .burst = { [XST_BUCKET_HOST4] = 5, [XST_BUCKET_NET4] = 8 } };
	struct spec a = { UDP4(53), .src = b4_a }, b = { UDP4(53), .src = b4_b };
	struct spec c = { UDP4(53), .src = b4_c }, t = { TCP4(80), .src = b4_a };
	struct bucket_find f;
	static const __u8 net_a[4] = { 198, 51, 100, 0 };
	char what[64];
	int i;

	filter_env(0, &l);
	for (i = 0; i < 5; i++) {
		snprintf(what, sizeof(what), "a: packet %d of burst 5", i + 1);
		expect_spec(what, &a, XST_STAT_STEER);
	}
	for (i = 0; i < 3; i++)
		expect_spec("a: over its /32", &a, XST_STAT_RATE_HOST);
	/* TCP under a filter rule is only steered: no bucket. */
	expect_spec("a: tcp/80 not limited", &t, XST_STAT_STEER);
	/* b: 3 more packets fill the /24's 8 ... */
	for (i = 0; i < 3; i++)
		expect_spec("b: within its /32 and the /24", &b, XST_STAT_STEER);
	/* ... then b's own host bucket has room, the net bucket not. */
	expect_spec("b: over the /24", &b, XST_STAT_RATE_NET);
	expect_spec("b: over the /24 again", &b, XST_STAT_RATE_NET);
	expect_spec("a: still over its /32 first", &a, XST_STAT_RATE_HOST);
	expect_spec("c: another /24", &c, XST_STAT_STEER);
	/* A response or a short packet is dropped before any bucket. */
	a.qr = 1;
	expect_spec("a: response", &a, XST_STAT_DNS_RESPONSE);

	f = bucket_of(XST_BUCKET_HOST4, b4_a, 4);
	ck_assert(f.found);
	ck_assert_uint_eq(f.got.passed, 5);
	ck_assert_uint_eq(f.got.dropped, 4);
	ck_assert_uint_ne(f.got.last_drop_ns, 0);
	ck_assert_uint_gt(f.got.tat_ns, 0);
	f = bucket_of(XST_BUCKET_HOST4, b4_b, 4);
	ck_assert(f.found);
	ck_assert_uint_eq(f.got.passed, 5);	/* 3 steered + 2 that the net level dropped */
	ck_assert_uint_eq(f.got.dropped, 0);
	f = bucket_of(XST_BUCKET_NET4, net_a, 4);
	ck_assert(f.found);
	ck_assert_uint_eq(f.got.passed, 8);
	ck_assert_uint_eq(f.got.dropped, 2);
	ck_assert_int_eq(f.total, 5);		/* a, b, c hosts; two /24s */

	/* The host level off: a is limited by the /24 alone (already full). */
	l.rate[XST_BUCKET_HOST4] = 0;
	l.burst[XST_BUCKET_HOST4] = 0;
	{
		struct xst_steer_maps m = skel_maps();

		ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	}
	a.qr = 0;
	expect_spec("a: host level off, /24 full", &a, XST_STAT_RATE_NET);
	/* Both off: no limit at all. */
	memset(&l, 0, sizeof(l));
	{
		struct xst_steer_maps m = skel_maps();

		ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	}
	for (i = 0; i < 20; i++)
		expect_spec("a: limits off", &a, XST_STAT_STEER);
}
END_TEST

START_TEST(test_filter_rate_v6)
{
	struct xst_filter_limits l = { .rate = { [XST_BUCKET_HOST6] = 1, [XST_BUCKET_NET6] = 1,
						 [XST_BUCKET_HOST4] = 1 },
				       .burst = { [XST_BUCKET_HOST6] = 3, [XST_BUCKET_NET6] = 5,
						  [XST_BUCKET_HOST4] = 1 } };
	struct spec a = { UDP6(53), .src = b6_a }, a2 = { UDP6(53), .src = b6_a2 };
	struct spec b = { UDP6(53), .src = b6_b }, c = { UDP6(53), .src = b6_c };
	static const __u8 net56[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12 };
	struct bucket_find f;
	int i;

	filter_env(0, &l);
	expect_spec("a: 1 of 3", &a, XST_STAT_STEER);
	expect_spec("a2 (same /64): 2 of 3", &a2, XST_STAT_STEER);
	expect_spec("a: 3 of 3", &a, XST_STAT_STEER);
	expect_spec("a2: the /64 is over", &a2, XST_STAT_RATE_HOST);
	expect_spec("a: the /64 is over", &a, XST_STAT_RATE_HOST);
	expect_spec("b (same /56): 4 of 5", &b, XST_STAT_STEER);
	expect_spec("b: 5 of 5", &b, XST_STAT_STEER);
	expect_spec("b: the /56 is over", &b, XST_STAT_RATE_NET);
	for (i = 0; i < 3; i++)
		expect_spec("c (another /56)", &c, XST_STAT_STEER);
	expect_spec("c: its /64 is over", &c, XST_STAT_RATE_HOST);

	f = bucket_of(XST_BUCKET_HOST6, b6_a, 8);
	ck_assert(f.found);
	ck_assert_uint_eq(f.got.passed, 3);
	ck_assert_uint_eq(f.got.dropped, 2);
	f = bucket_of(XST_BUCKET_NET6, net56, 16);
	ck_assert(f.found);
	ck_assert_uint_eq(f.got.passed, 5);
	ck_assert_uint_eq(f.got.dropped, 1);
	{
		char buf[64];

		xst_bucket_key_format(&f.key, buf, sizeof(buf));
		ck_assert_str_eq(buf, "2001:db8:0:1200::/56");
	}
}
END_TEST

/* Verified sources pass only in filter mode and only until they expire;
 * the others are sampled (sample 0: none) or, under INSPECT, all steered. */
START_TEST(test_filter_verified)
{
	struct xst_filter_limits l = {};
	struct xst_steer_maps m;
	struct spec v4 = { UDP4(53), .src = b4_a }, v6 = { UDP6(53), .src = b6_a };
	struct spec o4 = { UDP4(53), .src = b4_c };
	__u64 now = mono_ns();

	filter_env(XST_F_FILTER_PASS, &l);
	m = skel_maps();
	expect_spec("v4 not verified, sample 0", &v4, XST_STAT_PASS_UNSAMPLED);
	ck_assert_int_eq(xst_steer_verified_add(&m, AF_INET, b4_a, now + 60000000000ULL), 0);
	ck_assert_int_eq(xst_steer_verified_add(&m, AF_INET6, b6_a, now + 60000000000ULL), 0);
	expect_spec("v4 verified", &v4, XST_STAT_PASS_VERIFIED);
	expect_spec("v6 verified", &v6, XST_STAT_PASS_VERIFIED);
	expect_spec("v4 other source", &o4, XST_STAT_PASS_UNSAMPLED);
	v4.qr = 1;
	expect_spec("v4 verified, response", &v4, XST_STAT_DNS_RESPONSE);
	v4.qr = 0;

	/* Serve mode: verified or not, every survivor is steered. */
	ck_assert_int_eq(xst_steer_set_flags(&m, 0, XST_F_FILTER_PASS), 0);
	expect_spec("serve mode, v4 verified", &v4, XST_STAT_STEER);
	expect_spec("serve mode, v6 verified", &v6, XST_STAT_STEER);
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_PASS, 0), 0);

	/* Under INSPECT verified sources still pass, the others are steered. */
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_INSPECT, 0), 0);
	expect_spec("inspect, v4 verified", &v4, XST_STAT_PASS_VERIFIED);
	expect_spec("inspect, v4 other", &o4, XST_STAT_STEER);
	ck_assert_int_eq(xst_steer_set_flags(&m, 0, XST_F_FILTER_INSPECT), 0);

	/* Expired (the daemon has not deleted it yet): treated as unknown. */
	ck_assert_int_eq(xst_steer_verified_add(&m, AF_INET, b4_a, now - 1), 0);
	ck_assert_int_eq(xst_steer_verified_add(&m, AF_INET6, b6_a, mono_ns()), 0);
	expect_spec("v4 verified, expired, sample 0", &v4, XST_STAT_PASS_UNSAMPLED);
	expect_spec("v6 verified, expired now", &v6, XST_STAT_PASS_UNSAMPLED);
	l.sample = 1;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	expect_spec("v4 verified, expired, sample 1", &v4, XST_STAT_STEER);
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_INSPECT, 0), 0);
	expect_spec("v6 verified, expired, inspect", &v6, XST_STAT_STEER);

	/* expire: both are gone, and the program sees it. */
	ck_assert_int_eq(xst_steer_verified_add(&m, AF_INET, b4_c, mono_ns() + 60000000000ULL), 0);
	ck_assert_int_eq(xst_steer_verified_expire(&m, mono_ns()), 1);
	ck_assert_int_eq(xst_steer_verified_del(&m, AF_INET, b4_a), -ENOENT);
	ck_assert_int_eq(xst_steer_verified_del(&m, AF_INET6, b6_a), -ENOENT);
	expect_spec("v4 other, now verified", &o4, XST_STAT_PASS_VERIFIED);
	ck_assert_int_eq(xst_steer_verified_del(&m, AF_INET, b4_c), 0);
	expect_spec("v4 other, deleted", &o4, XST_STAT_STEER);
	ck_assert_int_eq(xst_steer_verified_expire(&m, mono_ns()), 0);
	ck_assert_int_eq(xst_steer_verified_add(&m, AF_UNIX, b4_c, 1), -EAFNOSUPPORT);
}
END_TEST

/* Steered counts over n runs of one frame. */
static __u64 steered_of(const struct spec *s, __u32 n)
{
	struct stats before, after;
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 len = build(frame, s, &lo), retval;

	read_stats(&before);
	ck_assert_int_eq(run(frame, len, n, &retval, NULL), 0);
	read_stats(&after);
	/* every run is one of the two */
	ck_assert_uint_eq(after.c[XST_STAT_STEER].packets - before.c[XST_STAT_STEER].packets +
				  after.c[XST_STAT_PASS_UNSAMPLED].packets -
				  before.c[XST_STAT_PASS_UNSAMPLED].packets,
			  n);
	return after.c[XST_STAT_STEER].packets - before.c[XST_STAT_STEER].packets;
}

START_TEST(test_filter_sample)
{
	struct xst_filter_limits l = { .sample = 0 };
	struct spec q = { UDP4(53), .src = b4_a };
	struct xst_steer_maps m;
	__u64 k;
	int i;

	filter_env(XST_F_FILTER_PASS, &l);
	m = skel_maps();
	ck_assert_uint_eq(steered_of(&q, 1000), 0);
	l.sample = 1;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	for (i = 0; i < 3; i++)
		expect_spec("sample 1", &q, XST_STAT_STEER);
	ck_assert_uint_eq(steered_of(&q, 1000), 1000);
	/* 1 in 8 (the mask) and 1 in 6 (the modulo) of 12000: expected 1500
	 * and 2000, binomial sd 36 and 41; 6 sd either side. */
	l.sample = 8;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	k = steered_of(&q, 12000);
	ck_assert_msg(k > 1280 && k < 1720, "1 in 8 of 12000 steered: %llu",
		      (unsigned long long)k);
	l.sample = 6;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	k = steered_of(&q, 12000);
	ck_assert_msg(k > 1750 && k < 2250, "1 in 6 of 12000 steered: %llu",
		      (unsigned long long)k);
	/* INSPECT: every one, whatever the sample. */
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_INSPECT, 0), 0);
	ck_assert_uint_eq(steered_of(&q, 1000), 1000);
	l.sample = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	expect_spec("inspect, sample 0", &q, XST_STAT_STEER);
}
END_TEST

/* Filter rules count no hits; the same port's steer rule does. */
START_TEST(test_filter_rule_hits)
{
	struct spec u = { UDP4(53) }, t = { TCP4(80) };

	apply_env(E_XSK | E_FILTER);
	expect_spec("udp filter", &u, XST_STAT_STEER);
	u.qr = 1;
	expect_spec("udp filter, response", &u, XST_STAT_DNS_RESPONSE);
	expect_spec("tcp filter", &t, XST_STAT_STEER);
	ck_assert_int_eq(rule_hits(IPPROTO_UDP, 53), 0);
	ck_assert_int_eq(rule_hits(IPPROTO_TCP, 80), 0);
	set_rule(IPPROTO_UDP, 53, XST_ACT_STEER);
	expect_spec("udp steer, response", &u, XST_STAT_STEER);
	ck_assert_int_eq(rule_hits(IPPROTO_UDP, 53), 1);
}
END_TEST

/* Learnt blocks through the loader: learn, extend, manual left alone,
 * list, expire; and what the program does with each. */
START_TEST(test_learnt_blocks)
{
	static struct xst_block_entry e[8];
	struct xst_steer_maps m;
	struct xst_prefix p24, p32, p6, pman;
	struct spec v4 = { UDP4(53), .src = b4_a }, v6 = { UDP6(53), .src = b6_a };
	struct spec other = { UDP4(53), .src = b4_c };
	__u64 now = mono_ns(), far = now + 3600000000000ULL;
	char buf[64];
	int n, i;

	apply_env(E_XSK);
	m = skel_maps();
	ck_assert_int_eq(xst_prefix_parse("198.51.100.0/24", &p24), 0);
	ck_assert_int_eq(xst_prefix_parse("198.51.100.7", &p32), 0);
	ck_assert_int_eq(xst_prefix_parse("2001:db8:0:1234::/64", &p6), 0);
	ck_assert_int_eq(xst_prefix_parse("198.51.101.0/24", &pman), 0);

	ck_assert_int_eq(xst_steer_block_learn(&m, &p24, far, XST_BLOCK_RATE), 0);
	ck_assert_int_eq(xst_steer_block_learn(&m, &p6, far, XST_BLOCK_NXFLOOD), 0);
	ck_assert_int_eq(xst_steer_block_add(&m, &pman), 0);
	expect_spec("v4 learnt /24", &v4, XST_STAT_DROP_LEARNT);
	expect_spec("v6 learnt /64", &v6, XST_STAT_DROP_LEARNT);
	expect_spec("v4 manual /24", &other, XST_STAT_DROP_BLOCK);
	/* A manual entry is the operator's: learning it changes nothing. */
	ck_assert_int_eq(xst_steer_block_learn(&m, &pman, far, XST_BLOCK_RATE), 1);
	expect_spec("v4 manual /24 after learn", &other, XST_STAT_DROP_BLOCK);
	/* learn extends, never shortens; the reason follows the last learn */
	ck_assert_int_eq(xst_steer_block_learn(&m, &p24, now + 1, XST_BLOCK_MALFORMED), 0);
	ck_assert_int_eq(xst_steer_block_add(&m, &p24), 1);	/* present: unchanged */
	/* invalid */
	ck_assert_int_eq(xst_steer_block_learn(&m, &p32, 0, XST_BLOCK_RATE), -EINVAL);
	ck_assert_int_eq(xst_steer_block_learn(&m, &p32, far, XST_BLOCK_MANUAL), -EINVAL);
	ck_assert_int_eq(xst_steer_block_learn(&m, &p32, far, XST_BLOCK_REASONS), -EINVAL);

	n = xst_steer_block_list(&m, e, 8);
	ck_assert_int_eq(n, 3);
	for (i = 0; i < n; i++) {
		xst_prefix_format(&e[i].prefix, buf, sizeof(buf));
		if (!strcmp(buf, "198.51.100.0/24")) {
			ck_assert_uint_eq(e[i].expires_ns, far);
			ck_assert_str_eq(xst_block_reason_name(e[i].reason), "malformed");
		} else if (!strcmp(buf, "198.51.101.0/24")) {
			ck_assert_uint_eq(e[i].expires_ns, 0);
			ck_assert_str_eq(xst_block_reason_name(e[i].reason), "manual");
		} else {
			ck_assert_str_eq(buf, "2001:db8:0:1234::/64");
			ck_assert_uint_eq(e[i].expires_ns, far);
			ck_assert_str_eq(xst_block_reason_name(e[i].reason), "nxflood");
		}
	}
	ck_assert_str_eq(xst_block_reason_name(99), "?");

	/* A more specific learnt /32 that has expired does not drop: the
	 * program does not fall back to the covering /24 (the LPM lookup finds
	 * the /32), so the packet goes on. */
	ck_assert_int_eq(xst_steer_block_learn(&m, &p32, now - 1000, XST_BLOCK_RATE), 0);
	expect_spec("v4 expired learnt /32 inside a learnt /24", &v4, XST_STAT_STEER);
	ck_assert_int_eq(xst_steer_block_expire(&m, mono_ns()), 1);	/* the /32 only */
	expect_spec("v4 learnt /24 again", &v4, XST_STAT_DROP_LEARNT);
	ck_assert_int_eq(xst_steer_block_count(&m, AF_INET), 2);

	/* Everything learnt expires at far: expire at far deletes both learnt
	 * entries and keeps the manual one. */
	ck_assert_int_eq(xst_steer_block_expire(&m, far - 1), 0);
	ck_assert_int_eq(xst_steer_block_expire(&m, far), 2);
	ck_assert_int_eq(xst_steer_block_list(&m, e, 8), 1);
	ck_assert_uint_eq(e[0].reason, XST_BLOCK_MANUAL);
	expect_spec("v4 after expire", &v4, XST_STAT_STEER);
	expect_spec("v6 after expire", &v6, XST_STAT_STEER);
	expect_spec("v4 manual stays", &other, XST_STAT_DROP_BLOCK);
	ck_assert_int_eq(xst_steer_block_del(&m, &pman), 0);
	expect_spec("v4 manual deleted", &other, XST_STAT_STEER);
}
END_TEST

/* Block hits are sampled: 64 one time in 64. 6400 drops: expected 6400,
 * sd 64 * sqrt(100 * 63 / 64) = 635; 5 sd either side. */
START_TEST(test_block_hits_sampled)
{
	struct spec v4 = { UDP4(53) };
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 len = build(frame, &v4, &lo), retval;
	long long h;

	apply_env(E_XSK | E_BLOCK);
	ck_assert_int_eq(run(frame, len, 6400, &retval, NULL), 0);
	ck_assert_uint_eq(retval, XDP_DROP);
	h = block4_hits(src4, 24);
	ck_assert_msg(h % 64 == 0 && h > 6400 - 5 * 635 && h < 6400 + 5 * 635,
		      "hits after 6400 drops: %lld", h);
}
END_TEST

/* ---- header checks, peacetime bucket, alerts ----------------------------- */

/* BPF_PROG_TEST_RUN runs on the caller's CPU and the buckets are per CPU:
 * a test that counts tokens must not migrate between runs. Returns the CPU. */
static int pin_cpu(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	ck_assert_int_ge(cpu, 0);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(set), &set), 0);
	return cpu;
}

/* A 12-byte DNS header: id 0x1234, RD, the opcode and the four counts. */
static void dns_hdr(__u8 h[12], unsigned opcode, __u16 qd, __u16 an, __u16 ns, __u16 ar)
{
	memset(h, 0, 12);
	h[0] = 0x12;
	h[1] = 0x34;
	h[2] = (__u8)((opcode & 0xf) << 3) | 0x01;
	put16(h + 4, qd);
	put16(h + 6, an);
	put16(h + 8, ns);
	put16(h + 10, ar);
}

struct hdr_case {
	const char *name;
	unsigned opcode;
	__u16 qd, an, ns, ar;
	int sane;
};

/* Each count rule of XST_STAT_DNS_MALFORMED on both sides of its limit. */
static const struct hdr_case hdr_cases[] = {
	{ "query 1/0/0/1", 0, 1, 0, 0, 1, 1 },
	{ "query qd 0 (cookie only)", 0, 0, 0, 0, 1, 1 },
	{ "query qd 2", 0, 2, 0, 0, 0, 0 },
	{ "query qd 0xffff", 0, 0xffff, 0, 0, 0, 0 },
	{ "query an 1", 0, 1, 1, 0, 0, 0 },
	{ "query an 0x100", 0, 1, 0x100, 0, 0, 0 },
	{ "query ns 1", 0, 1, 0, 1, 0, 1 },
	{ "query ns 2", 0, 1, 0, 2, 0, 0 },
	{ "query ns 0x100", 0, 1, 0, 0x100, 0, 0 },
	{ "query ar 2", 0, 1, 0, 0, 2, 1 },
	{ "query ar 3", 0, 1, 0, 0, 3, 0 },
	{ "query ar 0x200", 0, 1, 0, 0, 0x200, 0 },
	{ "notify 1/0/0/0", 4, 1, 0, 0, 0, 1 },
	{ "notify an 1 ar 2", 4, 1, 1, 0, 2, 1 },
	{ "notify qd 0", 4, 0, 0, 0, 0, 0 },
	{ "notify qd 2", 4, 2, 0, 0, 0, 0 },
	{ "notify an 2", 4, 1, 2, 0, 0, 0 },
	{ "notify ns 1", 4, 1, 0, 1, 0, 0 },
	{ "notify ar 3", 4, 1, 0, 0, 3, 0 },
	{ "update zo 1, other counts large", 5, 1, 5, 7, 3, 1 },
	{ "update zo 0", 5, 0, 0, 1, 0, 0 },
	{ "update zo 2", 5, 2, 0, 1, 0, 0 },
	{ "update zo 0x101", 5, 0x101, 0, 1, 0, 0 },
};

START_TEST(test_filter_header)
{
	struct xst_filter_limits l = {};
	struct xst_steer_maps m;
	__u8 h[12];
	struct spec q4 = { UDP4(53), .src = b4_a, .dns = h };
	struct spec q6 = { UDP6(53), .src = b6_a, .dns = h };
	struct spec letters = { UDP4(53), .src = b4_a };	/* byte 2 'c': opcode 12 */
	char what[96];
	size_t i;
	unsigned op;

	filter_env(XST_F_FILTER_HEADER, &l);
	m = skel_maps();
	for (i = 0; i < ARRAY_SIZE(hdr_cases); i++) {
		const struct hdr_case *c = &hdr_cases[i];

		dns_hdr(h, c->opcode, c->qd, c->an, c->ns, c->ar);
		snprintf(what, sizeof(what), "header: v4 %s", c->name);
		expect_spec(what, &q4, c->sane ? XST_STAT_STEER : XST_STAT_DNS_MALFORMED);
		snprintf(what, sizeof(what), "header: v6 %s", c->name);
		expect_spec(what, &q6, c->sane ? XST_STAT_STEER : XST_STAT_DNS_MALFORMED);
	}
	/* Every opcode with counts fine for all three: QUERY, NOTIFY, UPDATE pass. */
	for (op = 0; op < 16; op++) {
		int sane = op == 0 || op == 4 || op == 5;

		dns_hdr(h, op, 1, 0, 0, 0);
		snprintf(what, sizeof(what), "header: opcode %u", op);
		expect_spec(what, &q4, sane ? XST_STAT_STEER : XST_STAT_DNS_MALFORMED);
	}
	expect_spec("header: the builder's letters", &letters, XST_STAT_DNS_MALFORMED);
	/* Order: short and response come first. */
	dns_hdr(h, 3, 9, 9, 9, 9);
	q4.qr = 1;
	expect_spec("header: a bad response is a response", &q4, XST_STAT_DNS_RESPONSE);
	q4.qr = 0;
	{
		struct spec shrt = { .fam = 4, .proto = IPPROTO_UDP, .dport = 53, .payload = 11,
				     .src = b4_a };

		expect_spec("header: 11 bytes is short", &shrt, XST_STAT_DNS_SHORT);
	}
	/* Exactly 12 bytes: the whole header is read, nothing after it. */
	{
		struct spec twelve = { .fam = 4, .proto = IPPROTO_UDP, .dport = 53,
				       .payload = 12, .src = b4_a, .dns = h };

		dns_hdr(h, 0, 0, 0, 0, 0);
		expect_spec("header: 12-byte query", &twelve, XST_STAT_STEER);
		dns_hdr(h, 0, 0, 0, 0, 3);
		expect_spec("header: 12-byte, ar 3", &twelve, XST_STAT_DNS_MALFORMED);
	}

	/* Before the buckets: a malformed packet takes no token and makes no
	 * bucket; a sane one does. */
	l.rate[XST_BUCKET_HOST4] = 1;
	l.burst[XST_BUCKET_HOST4] = 1;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	q4.src = b4_c;
	dns_hdr(h, 0, 2, 0, 0, 0);
	for (i = 0; i < 3; i++)
		expect_spec("header+buckets: malformed, never rate-limited", &q4,
			    XST_STAT_DNS_MALFORMED);
	ck_assert(!bucket_of(XST_BUCKET_HOST4, b4_c, 4).found);
	dns_hdr(h, 0, 1, 0, 0, 0);
	expect_spec("header+buckets: sane, burst 1", &q4, XST_STAT_STEER);
	expect_spec("header+buckets: sane, over", &q4, XST_STAT_RATE_HOST);

	/* In filter mode too (the flag the daemon sets there). */
	l.rate[XST_BUCKET_HOST4] = 0;
	l.burst[XST_BUCKET_HOST4] = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_PASS, 0), 0);
	expect_spec("header, filter mode: sane query unsampled", &q4, XST_STAT_PASS_UNSAMPLED);
	dns_hdr(h, 2, 1, 0, 0, 0);
	expect_spec("header, filter mode: opcode 2", &q4, XST_STAT_DNS_MALFORMED);

	/* Without the flag nothing of this is checked. */
	ck_assert_int_eq(xst_steer_set_flags(&m, 0, XST_F_FILTER_PASS | XST_F_FILTER_HEADER), 0);
	for (i = 0; i < ARRAY_SIZE(hdr_cases); i++) {
		const struct hdr_case *c = &hdr_cases[i];

		dns_hdr(h, c->opcode, c->qd, c->an, c->ns, c->ar);
		snprintf(what, sizeof(what), "no header flag: %s", c->name);
		expect_spec(what, &q6, XST_STAT_STEER);
	}
	expect_spec("no header flag: letters", &letters, XST_STAT_STEER);
	/* A steer rule (not filter) never meets the check. */
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_HEADER, 0), 0);
	expect_spec("header flag, filter rule: letters", &letters, XST_STAT_DNS_MALFORMED);
	set_rule(IPPROTO_UDP, 53, XST_ACT_STEER);
	expect_spec("header flag, steer rule: letters", &letters, XST_STAT_STEER);
}
END_TEST

/* A DNS header that begins in the first buffer of a multi-buffer frame but
 * ends beyond it: the header check cannot read it, so it is steered (the
 * daemon judges it), as a header beyond the QR byte is. */
START_TEST(test_filter_header_multibuffer)
{
	/* 14 + 40 + 2 * 1720 + 8 + 8 = 3510: 10 bytes of DNS header before the
	 * first buffer's end at 3520 (see test_multibuffer). */
	struct spec s = { UDP6(53), .nexts = 3, .ext = EXT(RT, RT, DST), .rt_len = 1720 };
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 len;

	s.payload = 1500;
	len = build(frame, &s, &lo);
	ck_assert_uint_eq(lo.l4 + 8, 3510);
	apply_env_max(E_XSK | E_FILTER, 9000);
	set_config_max(XST_F_ENABLED | XST_F_FILTER_HEADER, 9000);
	expect("header: split across buffers, letters", frame, len, XST_STAT_STEER);
	s.qr = 1;
	len = build(frame, &s, &lo);
	expect("header: split across buffers, response", frame, len, XST_STAT_DNS_RESPONSE);
	/* The same header in one buffer is judged. */
	s.qr = 0;
	s.nexts = 0;
	len = build(frame, &s, &lo);
	expect("header: letters in the first buffer", frame, len, XST_STAT_DNS_MALFORMED);
}
END_TEST

/* The per-CPU peacetime bucket summed over CPUs. */
static struct xst_bucket peace_sum(void)
{
	struct xst_bucket v[nr_cpus], sum = {};
	__u32 key = 0;
	int c;

	ck_assert_int_eq(bpf_map_lookup_elem(map_fd(skel->maps.peace_map), &key, v), 0);
	for (c = 0; c < nr_cpus; c++) {
		sum.passed += v[c].passed;
		sum.dropped += v[c].dropped;
	}
	return sum;
}

/* Filter mode: while this CPU's unverified queries conform to peace_rate
 * they are sampled (sample 0: none steered); over it every one is steered.
 * Verified sources, INSPECT and serve mode never touch the bucket. */
START_TEST(test_filter_peace)
{
	struct xst_filter_limits l = { .sample = 0, .peace_rate = 1, .peace_burst = 5 };
	struct spec q = { UDP4(53), .src = b4_a }, v = { UDP6(53), .src = b6_a };
	struct xst_steer_maps m;
	struct xst_bucket b;
	char what[64];
	int i;

	pin_cpu();
	filter_env(XST_F_FILTER_PASS, &l);
	m = skel_maps();
	ck_assert_int_eq(xst_steer_verified_add(&m, AF_INET6, b6_a, mono_ns() + 60000000000ULL),
			 0);
	for (i = 0; i < 5; i++) {
		snprintf(what, sizeof(what), "peace: query %d of burst 5 unsampled", i + 1);
		expect_spec(what, &q, XST_STAT_PASS_UNSAMPLED);
	}
	for (i = 0; i < 3; i++)
		expect_spec("peace: over, steered", &q, XST_STAT_STEER);
	b = peace_sum();
	ck_assert_uint_eq(b.passed, 5);
	ck_assert_uint_eq(b.dropped, 3);
	/* Verified: passes, takes nothing. */
	for (i = 0; i < 3; i++)
		expect_spec("peace: verified source passes", &v, XST_STAT_PASS_VERIFIED);
	/* INSPECT: steered by the flag, bucket untouched. */
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_INSPECT, 0), 0);
	for (i = 0; i < 3; i++)
		expect_spec("peace: inspect steers", &q, XST_STAT_STEER);
	ck_assert_int_eq(xst_steer_set_flags(&m, 0, XST_F_FILTER_INSPECT | XST_F_FILTER_PASS), 0);
	expect_spec("peace: serve mode steers", &q, XST_STAT_STEER);
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_PASS, 0), 0);
	b = peace_sum();
	ck_assert_uint_eq(b.passed, 5);
	ck_assert_uint_eq(b.dropped, 3);
	/* Responses and rate drops come before: no token either. */
	q.qr = 1;
	expect_spec("peace: response dropped first", &q, XST_STAT_DNS_RESPONSE);
	q.qr = 0;
	expect_spec("peace: still over", &q, XST_STAT_STEER);
	b = peace_sum();
	ck_assert_uint_eq(b.passed, 5);
	ck_assert_uint_eq(b.dropped, 4);

	/* Conforming queries are sampled as before: sample 1 steers them too
	 * (so over/under cannot be told apart by the outcome, only by the
	 * bucket): a fast bucket, 1 in 1. The slow bucket's tat lies seconds
	 * ahead: set_filter starts the bucket afresh when its limits change
	 * (and only then: a sample change keeps it). */
	l.sample = 1;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	expect_spec("peace: still over after a sample change", &q, XST_STAT_STEER);
	l.peace_rate = 1000000;
	l.peace_burst = 1000000;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	expect_spec("peace: conforming, sample 1", &q, XST_STAT_STEER);
	b = peace_sum();
	ck_assert_uint_eq(b.passed, 1);
	ck_assert_uint_eq(b.dropped, 0);
	l.sample = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	ck_assert_uint_eq(steered_of(&q, 1000), 0);

	b = peace_sum();
	ck_assert_uint_eq(b.passed, 1001);

	/* peace_rate 0: sampling only, whatever the rate, and the bucket
	 * (zeroed by the change) is not touched. */
	l.peace_rate = 0;
	l.peace_burst = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	ck_assert_uint_eq(steered_of(&q, 2000), 0);
	b = peace_sum();
	ck_assert_uint_eq(b.passed, 0);
	ck_assert_uint_eq(b.dropped, 0);

	/* A tight bucket again: of 1000 at once, exactly the burst is sampled. */
	l.peace_rate = 1;
	l.peace_burst = 10;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	ck_assert_uint_eq(steered_of(&q, 1000), 990);

	/* The hold: 10/s, burst 1. Over once, a query that conforms within
	 * XST_PEACE_HOLD_NS is still steered; after the hold it is sampled. */
	l.peace_rate = 10;
	l.peace_burst = 1;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	expect_spec("peace hold: first conforms, unsampled", &q, XST_STAT_PASS_UNSAMPLED);
	expect_spec("peace hold: second over, steered", &q, XST_STAT_STEER);
	usleep(200 * 1000);		/* two intervals: a token is there again */
	expect_spec("peace hold: conforms within the hold, steered", &q, XST_STAT_STEER);
	b = peace_sum();
	ck_assert_uint_eq(b.passed, 2);
	ck_assert_uint_eq(b.dropped, 1);
	usleep((XST_PEACE_HOLD_NS / 1000000 + 100) * 1000);
	expect_spec("peace hold: after the hold, unsampled", &q, XST_STAT_PASS_UNSAMPLED);
}
END_TEST

struct alert_log {
	struct xst_alert al[16];
	int n;
};

static void alert_fn(void *arg, const struct xst_alert *al)
{
	struct alert_log *log = arg;

	if (log->n < (int)ARRAY_SIZE(log->al))
		log->al[log->n] = *al;
	log->n++;
}

/* poll() on the alerts fd: 1 readable within ms, 0 not. */
static int alerts_readable(const struct xst_alerts *a, int ms)
{
	struct pollfd p = { .fd = xst_steer_alerts_fd(a), .events = POLLIN };
	int n = poll(&p, 1, ms);

	ck_assert_int_ge(n, 0);
	return n > 0;
}

/* Every alert_drops-th drop of a host or net bucket on a CPU sends one
 * record with that bucket's key; none with alert_drops 0. */
START_TEST(test_filter_alerts)
{
	struct xst_filter_limits l = { .rate = { [XST_BUCKET_HOST4] = 1, [XST_BUCKET_NET4] = 1,
						 [XST_BUCKET_HOST6] = 1 },
				       .burst = { [XST_BUCKET_HOST4] = 2, [XST_BUCKET_NET4] = 4,
						  [XST_BUCKET_HOST6] = 1 },
				       .alert_drops = 3 };
	struct spec a = { UDP4(53), .src = b4_a }, b = { UDP4(53), .src = b4_b };
	struct spec v6 = { UDP6(53), .src = b6_a };
	static const __u8 net_a[4] = { 198, 51, 100, 0 };
	struct alert_log log = {};
	struct xst_steer_maps m;
	struct xst_alerts *al = NULL;
	__u64 t0, t1;
	int cpu, i;

	cpu = pin_cpu();
	filter_env(0, &l);
	m = skel_maps();
	ck_assert_int_eq(xst_steer_alerts_open(&m, &al), 0);
	ck_assert_ptr_nonnull(al);
	ck_assert_int_ge(xst_steer_alerts_fd(al), 0);
	ck_assert(!alerts_readable(al, 0));

	t0 = mono_ns();
	expect_spec("alerts: a 1 of 2", &a, XST_STAT_STEER);
	expect_spec("alerts: a 2 of 2", &a, XST_STAT_STEER);
	expect_spec("alerts: a drop 1", &a, XST_STAT_RATE_HOST);
	expect_spec("alerts: a drop 2", &a, XST_STAT_RATE_HOST);
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 0);
	ck_assert_int_eq(log.n, 0);
	ck_assert(!alerts_readable(al, 0));
	expect_spec("alerts: a drop 3", &a, XST_STAT_RATE_HOST);
	t1 = mono_ns();
	ck_assert(alerts_readable(al, 1000));
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 1);
	ck_assert_int_eq(log.n, 1);
	ck_assert_uint_eq(log.al[0].key.level, XST_BUCKET_HOST4);
	ck_assert_mem_eq(log.al[0].key.addr, b4_a, 4);
	{
		static const __u8 zero[16];

		ck_assert_mem_eq(log.al[0].key.addr + 4, zero, sizeof(log.al[0].key.addr) - 4);
	}
	ck_assert_uint_eq(log.al[0].cpu, (unsigned)cpu);
	ck_assert_uint_eq(log.al[0].dropped, 3);
	ck_assert_uint_ge(log.al[0].now_ns, t0);
	ck_assert_uint_le(log.al[0].now_ns, t1);
	/* Drops 4, 5: nothing; 6: the next one. */
	expect_spec("alerts: a drop 4", &a, XST_STAT_RATE_HOST);
	expect_spec("alerts: a drop 5", &a, XST_STAT_RATE_HOST);
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 0);
	expect_spec("alerts: a drop 6", &a, XST_STAT_RATE_HOST);
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 1);
	ck_assert_int_eq(log.n, 2);
	ck_assert_uint_eq(log.al[1].dropped, 6);
	ck_assert_uint_eq(log.al[1].key.level, XST_BUCKET_HOST4);

	/* The net level (host level off): b fills the /24's 4 (a took 2),
	 * then 3 net drops. */
	l.rate[XST_BUCKET_HOST4] = 0;
	l.burst[XST_BUCKET_HOST4] = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	log.n = 0;
	expect_spec("alerts: b 1", &b, XST_STAT_STEER);
	expect_spec("alerts: b 2", &b, XST_STAT_STEER);
	for (i = 0; i < 2; i++)
		expect_spec("alerts: b over the /24", &b, XST_STAT_RATE_NET);
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 0);
	expect_spec("alerts: b over the /24, 3rd", &b, XST_STAT_RATE_NET);
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 1);
	ck_assert_uint_eq(log.al[0].key.level, XST_BUCKET_NET4);
	ck_assert_mem_eq(log.al[0].key.addr, net_a, 4);
	ck_assert_uint_eq(log.al[0].dropped, 3);

	/* IPv6: the /64 key. */
	log.n = 0;
	expect_spec("alerts: v6 1 of 1", &v6, XST_STAT_STEER);
	for (i = 0; i < 3; i++)
		expect_spec("alerts: v6 over its /64", &v6, XST_STAT_RATE_HOST);
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 1);
	ck_assert_uint_eq(log.al[0].key.level, XST_BUCKET_HOST6);
	ck_assert_mem_eq(log.al[0].key.addr, b6_a, 8);
	{
		static const __u8 zero[16];

		ck_assert_mem_eq(log.al[0].key.addr + 8, zero, sizeof(log.al[0].key.addr) - 8);
	}

	/* alert_drops 0: drops, never a record (a's host bucket is still
	 * seconds in debt). */
	l.rate[XST_BUCKET_HOST4] = 1;
	l.burst[XST_BUCKET_HOST4] = 2;
	l.alert_drops = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	log.n = 0;
	for (i = 0; i < 12; i++)
		expect_spec("alerts off: a drops", &a, XST_STAT_RATE_HOST);
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 0);
	ck_assert_int_eq(log.n, 0);
	ck_assert(!alerts_readable(al, 0));
	/* alert_drops 1: every drop. */
	l.alert_drops = 1;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	for (i = 0; i < 4; i++)
		expect_spec("alerts every drop: a drops", &a, XST_STAT_RATE_HOST);
	ck_assert_int_eq(xst_steer_alerts_drain(al, alert_fn, &log), 4);
	ck_assert_uint_eq(log.al[3].dropped, log.al[0].dropped + 3);
	xst_steer_alerts_close(al);
	xst_steer_alerts_close(NULL);

	/* No ring buffer fd: refused. */
	m.alerts = -1;
	al = (struct xst_alerts *)&log;
	ck_assert_int_eq(xst_steer_alerts_open(&m, &al), -EBADF);
	ck_assert_ptr_null(al);
}
END_TEST

/* The loader's filter limits, flags and guard_map on real maps. */
START_TEST(test_filter_loader)
{
	struct xst_filter_limits l = { .rate = { 1000, 5000, 3, 0 }, .burst = { 10, 50, 2, 0 },
				       .sample = 16 }, got;
	struct xst_steer_config cfg;
	struct xst_guard_state *g = calloc(2, sizeof(*g)), *r = g + 1;
	struct xst_steer_maps m;
	enum xst_action act;
	struct xst_bucket_key k = { .level = XST_BUCKET_NET4, .addr = { 192, 0, 2 } };
	char buf[64];

	ck_assert_ptr_nonnull(g);
	set_config_max(XST_F_ENABLED | XST_F_MAC_ONLY, 3000);
	m = skel_maps();
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	ck_assert_int_eq(xst_steer_config_read(&m, &cfg), 0);
	ck_assert_uint_eq(cfg.abi_version, XST_ABI_VERSION);
	ck_assert_uint_eq(cfg.flags, XST_F_ENABLED | XST_F_MAC_ONLY);
	ck_assert_uint_eq(cfg.max_frame, 3000);
	ck_assert_uint_eq(cfg.sample, 16);
	ck_assert_uint_eq(cfg.interval_ns[0], 1000000);
	ck_assert_uint_eq(cfg.tolerance_ns[0], 10000000);
	ck_assert_uint_eq(cfg.interval_ns[1], 200000);
	ck_assert_uint_eq(cfg.interval_ns[2], 333333333);
	ck_assert_uint_eq(cfg.tolerance_ns[2], 666666666);
	ck_assert_uint_eq(cfg.interval_ns[3], 0);
	ck_assert_uint_eq(cfg.tolerance_ns[3], 0);
	ck_assert_int_eq(xst_steer_get_filter(&m, &got), 0);
	ck_assert_mem_eq(&got, &l, sizeof(l));
	l.burst[1] = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), -EINVAL);
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_PASS | XST_F_FILTER_INSPECT, 0), 0);
	ck_assert_int_eq(xst_steer_config_read(&m, &cfg), 0);
	ck_assert_uint_eq(cfg.flags, XST_F_ENABLED | XST_F_MAC_ONLY | XST_F_FILTER_PASS |
					     XST_F_FILTER_INSPECT);
	ck_assert_uint_eq(cfg.interval_ns[0], 1000000);		/* flags keep the limits */
	ck_assert_int_eq(xst_steer_set_flags(&m, XST_F_FILTER_HEADER, 0), 0);
	ck_assert_int_eq(xst_steer_config_read(&m, &cfg), 0);
	ck_assert_uint_eq(cfg.flags & XST_F_FILTER_HEADER, XST_F_FILTER_HEADER);
	ck_assert_int_eq(xst_steer_set_flags(&m, 0, XST_F_FILTER_HEADER), 0);
	ck_assert_int_eq(xst_steer_set_flags(&m, 1U << 6, 0), -EINVAL);
	/* The peacetime bucket, alerts and verify time round-trip too. */
	l.burst[1] = 50;
	l.peace_rate = 10000;
	l.peace_burst = 20000;
	l.alert_drops = 64;
	l.verify_ns = 3600000000000ULL;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	ck_assert_int_eq(xst_steer_config_read(&m, &cfg), 0);
	ck_assert_uint_eq(cfg.peace_interval_ns, 100000);
	ck_assert_uint_eq(cfg.peace_tolerance_ns, 2000000000ULL);
	ck_assert_uint_eq(cfg.alert_drops, 64);
	ck_assert_uint_eq(cfg.verify_ns, 3600000000000ULL);
	ck_assert_uint_eq(cfg.pad2, 0);
	ck_assert_int_eq(xst_steer_get_filter(&m, &got), 0);
	ck_assert_mem_eq(&got, &l, sizeof(l));
	l.peace_burst = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), -EINVAL);
	l.peace_rate = 0;
	ck_assert_int_eq(xst_steer_set_filter(&m, &l), 0);
	ck_assert_int_eq(xst_steer_config_read(&m, &cfg), 0);
	ck_assert_uint_eq(cfg.peace_interval_ns, 0);
	ck_assert_uint_eq(cfg.peace_tolerance_ns, 0);
	{
		struct xst_steer_config zero = {};
		__u32 key = 0;

		ck_assert_int_eq(bpf_map_update_elem(m.config, &key, &zero, 0), 0);
		l.burst[1] = 1;
		ck_assert_int_eq(xst_steer_set_filter(&m, &l), -EPROTO);
		ck_assert_int_eq(xst_steer_get_filter(&m, &got), -EPROTO);
	}

	ck_assert_int_eq(xst_steer_action_parse("filter", &act), 0);
	ck_assert_int_eq(act, XST_ACT_FILTER);
	ck_assert_str_eq(xst_steer_action_name(XST_ACT_FILTER), "filter");
	ck_assert_int_eq(xst_steer_rule_set(&m, IPPROTO_UDP, 5353, XST_ACT_FILTER), 0);
	{
		struct xst_steer_rule rl[4];
		int n = xst_steer_rule_list(&m, rl, 4), i, seen = 0;

		for (i = 0; i < n && i < 4; i++)
			if (rl[i].port == 5353 && rl[i].action == XST_ACT_FILTER)
				seen = 1;
		ck_assert(seen);
	}

	xst_bucket_key_format(&k, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.0/24");
	k.level = XST_BUCKET_HOST4;
	k.addr[3] = 9;
	xst_bucket_key_format(&k, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.9/32");
	k.level = 7;
	xst_bucket_key_format(&k, buf, sizeof(buf));
	ck_assert_str_eq(buf, "?");

	ck_assert_int_eq(xst_steer_guard_read(&m, r), 0);
	ck_assert_uint_eq(r->abi_version, 0);
	g->abi_version = XST_ABI_VERSION;
	g->mode = 1;
	g->nr_zones = 1;
	strcpy(g->zone[0].name, "example.test.");
	g->zone[0].dropped = 42;
	ck_assert_int_eq(xst_steer_guard_write(&m, g), 0);
	ck_assert_int_eq(xst_steer_guard_read(&m, r), 0);
	ck_assert_mem_eq(r, g, sizeof(*g));
	free(g);
}
END_TEST

/* The same frame: NO_XSK/XDP_PASS without a socket, STEER/XDP_REDIRECT with
 * one, NO_XSK again once it is removed, and per queue. */
START_TEST(test_socket_visible)
{
	struct spec s = { UDP6(53) };
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 len = build(frame, &s, &lo);
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex_xdp,
			      .rx_queue_index = 2 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx));

	apply_env(0);
	expect("no socket", frame, len, XST_STAT_NO_XSK);
	expect("socket bound, not in xsks_map", frame, len, XST_STAT_NO_XSK);
	xsk_insert();
	expect("socket in xsks_map", frame, len, XST_STAT_STEER);
	xsk_remove();
	expect("socket removed from xsks_map", frame, len, XST_STAT_NO_XSK);
	xsk_insert();
	expect("socket back", frame, len, XST_STAT_STEER);
	/* The redirect follows the rx queue: queue 1 has no socket. */
	expect_q("socket on queue 0, frame on queue 1", frame, len, 1, XST_STAT_NO_XSK);
	/* The veth has two rx queues: the kernel refuses queue 2 before the
	 * program runs, so no counter can move. */
	ck_assert_int_ne(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xst_steer), &o), 0);
}
END_TEST

/* Real traffic: the program attached to IF_XDP (native, then skb mode), a
 * socket on queue 0, frames sent into the peer with AF_PACKET: the steered
 * one arrives on the socket's RX ring, byte for byte; the other is not. */
static int rx_one(__u8 *out, __u32 *len, int timeout_ms)
{
	struct pollfd p = { .fd = xsk_socket__fd(xs.xsk), .events = POLLIN };
	const struct xdp_desc *d;
	__u32 idx, fidx;

	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	if (!xsk_ring_cons__peek(&xs.rx, 1, &idx))
		return 0;
	d = xsk_ring_cons__rx_desc(&xs.rx, idx);
	*len = d->len;
	memcpy(out, xsk_umem__get_data(xs.area, d->addr), d->len < FRAME_MAX ? d->len : FRAME_MAX);
	/* Give the frame back to the fill ring. */
	if (xsk_ring_prod__reserve(&xs.fq, 1, &fidx) == 1) {
		*xsk_ring_prod__fill_addr(&xs.fq, fidx) = xsk_umem__extract_addr(d->addr);
		xsk_ring_prod__submit(&xs.fq, 1);
	}
	xsk_ring_cons__release(&xs.rx, 1);
	return 1;
}

static void live_mode(__u32 xdp_flags, const char *mode)
{
	struct spec dns = { UDP4(53) }, other = { UDP4(5353) };
	__u8 frame[FRAME_MAX], got[FRAME_MAX];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex_peer,
				   .sll_halen = ETH_ALEN };
	struct stats before, after;
	__u32 id = 0, len, glen = 0;
	struct layout lo;
	int ps, prog_fd = bpf_program__fd(skel->progs.xst_steer);
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);

	/* A failed earlier live test exits without detaching: start clean. */
	bpf_xdp_detach(ifindex_xdp, XDP_FLAGS_DRV_MODE, NULL);
	bpf_xdp_detach(ifindex_xdp, XDP_FLAGS_SKB_MODE, NULL);
	ck_assert_msg(!bpf_xdp_attach(ifindex_xdp, prog_fd, xdp_flags, NULL),
		      "attach in %s mode: %s", mode, strerror(errno));
	ck_assert_int_eq(bpf_xdp_query_id(ifindex_xdp, xdp_flags, &id), 0);
	ck_assert_int_eq(bpf_obj_get_info_by_fd(prog_fd, &info, &info_len), 0);
	ck_assert_msg(id == info.id, "%s mode: attached id %u, ours %u", mode, id, info.id);

	ps = socket(AF_PACKET, SOCK_RAW, 0);
	ck_assert_int_ge(ps, 0);
	memcpy(sll.sll_addr, mac_dst, ETH_ALEN);

	/* The socket and its rings were made by the parent before fork: an
	 * earlier test child may have moved them, so resync the cached
	 * indexes from the shared ring pointers. */
	xs.rx.cached_prod = __atomic_load_n(xs.rx.producer, __ATOMIC_ACQUIRE);
	xs.rx.cached_cons = *xs.rx.consumer;
	xs.fq.cached_prod = *xs.fq.producer;
	xs.fq.cached_cons = __atomic_load_n(xs.fq.consumer, __ATOMIC_ACQUIRE) + xs.fq.size;

	/* Drain anything the kernel sent meanwhile (none expected: no addresses). */
	while (rx_one(got, &glen, 0))
		;
	read_stats(&before);
	len = build(frame, &dns, &lo);
	ck_assert_int_eq(sendto(ps, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)), len);
	ck_assert_msg(rx_one(got, &glen, 2000), "%s mode: steered frame not on the socket", mode);
	ck_assert_uint_eq(glen, len);
	ck_assert_msg(!memcmp(got, frame, len), "%s mode: frame differs", mode);

	len = build(frame, &other, &lo);
	ck_assert_int_eq(sendto(ps, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)), len);
	ck_assert_msg(!rx_one(got, &glen, 200), "%s mode: udp/5353 reached the socket", mode);
	read_stats(&after);
	ck_assert_uint_eq(after.c[XST_STAT_STEER].packets - before.c[XST_STAT_STEER].packets, 1);
	/* PASS counts udp/5353 and possibly kernel chatter (IPv6 router
	 * solicitations...), never less than our one frame. */
	ck_assert_uint_ge(after.c[XST_STAT_PASS].packets - before.c[XST_STAT_PASS].packets, 1);
	ck_assert_uint_eq(after.c[XST_STAT_NO_XSK].packets - before.c[XST_STAT_NO_XSK].packets, 0);

	close(ps);
	ck_assert_int_eq(bpf_xdp_detach(ifindex_xdp, xdp_flags, NULL), 0);
	id = 0;
	ck_assert_int_eq(bpf_xdp_query_id(ifindex_xdp, xdp_flags, &id), 0);
	ck_assert_uint_eq(id, 0);
}

START_TEST(test_live_native)
{
	apply_env(E_XSK);
	live_mode(XDP_FLAGS_DRV_MODE, "native");
}
END_TEST

START_TEST(test_live_skb)
{
	apply_env(E_XSK);
	live_mode(XDP_FLAGS_SKB_MODE, "skb");
}
END_TEST

/* ---- the MTU limit of native XDP on veth, and its hint --------------------- */

static void set_mtu(const char *ifname, unsigned int mtu)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "ip link set dev %s mtu %u", ifname, mtu);
	ck_assert_msg(!system(cmd), "%s failed", cmd);
}

/* A program without xdp.frags: r0 = XDP_PASS; exit. */
static int plain_prog(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "plain_pass", "GPL", insns, 2, NULL);
}

/* veth checks its PEER's MTU: a single-buffer program is refused with
 * ERANGE above 3506 (4 KiB pages), xst_steer (xdp.frags) is not; the hint
 * for that ERANGE names the peer, its MTU, the limit and what to do. */
START_TEST(test_veth_mtu_limit)
{
	int plain = plain_prog(), ours = bpf_program__fd(skel->progs.xst_steer), err;
	char hint[512];

	ck_assert_int_ge(plain, 0);
	bpf_xdp_detach(ifindex_xdp, XDP_FLAGS_DRV_MODE, NULL);
	set_mtu(IF_PEER, 3506);
	err = bpf_xdp_attach(ifindex_xdp, plain, XDP_FLAGS_DRV_MODE, NULL);
	ck_assert_msg(!err, "plain program at peer MTU 3506: %s", strerror(-err));
	ck_assert_int_eq(bpf_xdp_detach(ifindex_xdp, XDP_FLAGS_DRV_MODE, NULL), 0);
	set_mtu(IF_PEER, 3507);
	expect_kernel_error = 1;
	err = bpf_xdp_attach(ifindex_xdp, plain, XDP_FLAGS_DRV_MODE, NULL);
	expect_kernel_error = 0;
	ck_assert_msg(err == -ERANGE, "plain program at peer MTU 3507: %d", err);
	set_mtu(IF_PEER, 9000);
	err = bpf_xdp_attach(ifindex_xdp, ours, XDP_FLAGS_DRV_MODE, NULL);
	ck_assert_msg(!err, "xst_steer at peer MTU 9000: %s", strerror(-err));
	ck_assert_int_eq(bpf_xdp_detach(ifindex_xdp, XDP_FLAGS_DRV_MODE, NULL), 0);

	xst_steer_attach_hint(IF_XDP, -ERANGE, XST_MODE_NATIVE, hint, sizeof(hint));
	ck_assert_msg(!strcmp(hint, "MTU 9000 of '" IF_PEER "', the veth peer of '" IF_XDP "', is "
			      "more than native XDP on veth allows for a single-buffer program "
			      "(3506 with 4 KiB pages); lower the peer's MTU or use --mode skb"),
		      "hint: %s", hint);
	xst_steer_attach_hint(IF_XDP, -EOPNOTSUPP, XST_MODE_NATIVE, hint, sizeof(hint));
	ck_assert_msg(strstr(hint, "use --mode skb"), "EOPNOTSUPP hint: %s", hint);
	set_mtu(IF_PEER, 1500);
	close(plain);
}
END_TEST

/* ---- benchmark ----------------------------------------------------------- */

/* Runs inside a check test (the helpers assert), one fresh program per
 * fixture; prints the kernel-measured mean duration of 1 << 20 runs. */
START_TEST(test_bench)
{
	__u8 frame[FRAME_MAX];
	struct layout lo;
	__u32 i, len, retval, ns;
	int err;

	printf("bench-steer: BPF_PROG_TEST_RUN, repeat %u, ns per packet (kernel-measured)\n",
	       1U << 20);
	for (i = 0; i < ARRAY_SIZE(fixtures); i++) {
		const struct fixture *fx = &fixtures[i];

		setup();
		apply_env_max(fx->env, fx->s.max_frame);
		len = build(frame, &fx->s, &lo);
		err = run(frame, len, 1U << 20, &retval, &ns);
		ck_assert_msg(!err, "%s: test_run: %s", fx->name, strerror(-err));
		ck_assert_msg(retval == act_of(fx->want), "%s: action %s", fx->name,
			      act_name(retval));
		printf("  %-44s %5u ns/pkt  %-12s %s\n", fx->name, ns, act_name(retval),
		       stat_names[fx->want]);
		teardown();
	}
}
END_TEST

static Suite *bench_suite(void)
{
	Suite *s = suite_create("bench-steer");
	TCase *tc = tcase_create("bench");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_bench);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- main ---------------------------------------------------------------- */

Suite *verify_suite(void);

static Suite *steer_suite(void)
{
	Suite *s = suite_create("steer");
	TCase *tc;

	tc = tcase_create("fixtures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_fixture, 0, ARRAY_SIZE(fixtures));
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_truncation, 0, ARRAY_SIZE(trunc_fixtures));
	suite_add_tcase(s, tc);

	tc = tcase_create("runtime");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_rule_changes);
	tcase_add_test(tc, test_blocklist);
	tcase_add_test(tc, test_filter_rate_v4);
	tcase_add_test(tc, test_filter_rate_v6);
	tcase_add_test(tc, test_filter_verified);
	tcase_add_test(tc, test_filter_sample);
	tcase_add_test(tc, test_filter_rule_hits);
	tcase_add_test(tc, test_learnt_blocks);
	tcase_add_test(tc, test_block_hits_sampled);
	tcase_add_test(tc, test_filter_loader);
	tcase_add_test(tc, test_filter_header);
	tcase_add_test(tc, test_filter_header_multibuffer);
	tcase_add_test(tc, test_filter_peace);
	tcase_add_test(tc, test_filter_alerts);
	tcase_add_test(tc, test_socket_visible);
	tcase_add_test(tc, test_multibuffer);
	tcase_add_test(tc, test_live_native);
	tcase_add_test(tc, test_live_skb);
	tcase_add_test(tc, test_veth_mtu_limit);
	suite_add_tcase(s, tc);
	return s;
}

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc)
		fprintf(stderr, "bpf_tests: '%s' failed (%d)\n", cmd, rc);
	return rc;
}

int main(void)
{
	SRunner *sr;
	int nfail, rc, bench;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("bpf_tests: SKIP: needs root (BPF_PROG_TEST_RUN, AF_XDP, a private netns)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET)) {
		printf("bpf_tests: SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	libbpf_set_print(silent_print);
	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus <= 0) {
		fprintf(stderr, "bpf_tests: possible CPUs: %s\n", strerror(-nr_cpus));
		return 1;
	}
	/* A veth pair in the private namespace: it dies with this process.
	 * IF_XDP has two rx queues (a socket on 0 only, so the queue matters);
	 * the peer has one tx queue, so the live frames all land on queue 0. */
	if (sh("ip link add " IF_XDP " numrxqueues 2 numtxqueues 2 type veth peer name " IF_PEER
	       " numrxqueues 1 numtxqueues 1") ||
	    sh("ip link set " IF_XDP " up") || sh("ip link set " IF_PEER " up"))
		return 1;
	ifindex_xdp = if_nametoindex(IF_XDP);
	ifindex_peer = if_nametoindex(IF_PEER);
	if (!ifindex_xdp || !ifindex_peer)
		return 1;

	/* One socket for the whole run, made before the test children fork:
	 * the kernel frees a closed socket's pool (and a freed xsks_map's
	 * socket reference) asynchronously, so a fresh bind per test would
	 * meet EBUSY on the queue. Each test inserts it into its own xsks_map. */
	rc = xsk_open(&xs);
	if (rc) {
		fprintf(stderr, "bpf_tests: AF_XDP socket on %s queue 0: %s\n", IF_XDP,
			strerror(-rc));
		sh("ip link del " IF_XDP);
		return 1;
	}

	bench = getenv("XST_BENCH") && strcmp(getenv("XST_BENCH"), "0");
	sr = srunner_create(bench ? bench_suite() : steer_suite());
	if (!bench)
		srunner_add_suite(sr, verify_suite());	/* test_verify.c */
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	rc = nfail ? 1 : 0;
	xsk_close(&xs);
	sh("ip link del " IF_XDP);
	return rc;
}
