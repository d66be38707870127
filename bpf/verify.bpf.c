// SPDX-License-Identifier: GPL-2.0
/*
 * xst_verify: the sock_ops program that verifies DNS-over-TCP clients for
 * the XDP filter stage. A passive TCP connection that reaches ESTABLISHED
 * completed a three-way handshake: its source address is real (a spoofed
 * source never sees the SYN-ACK). When such a connection is to port 53 of
 * one of the addresses the XDP program guards (local4/6_map), its remote
 * address goes into verified4/6_map until now + config verify_ns, and the
 * XDP program then passes that source's UDP queries (PASS_VERIFIED) even
 * under attack: a resolver challenged with TC=1 retries over TCP, the
 * kernel's DNS server answers it, and from then on its UDP queries pass.
 *
 * A separate object, so that attaching it loads no second XDP program; its
 * maps are declared here only to give the program their layout: the loader
 * replaces every one with the attachment's own map (bpf_map__reuse_fd), so
 * they are never created nor pinned from this object. Their definitions
 * must match steer.bpf.c's (key and value types), which the kernel checks
 * at load time against the reused maps.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdpstorm/steer_abi.h"

#define XST_AF_INET	2	/* not in the UAPI headers a BPF program may include */
#define XST_AF_INET6	10
#define XST_DNS_PORT	53

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xst_steer_config);
} config_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XST_MAX_LOCAL_ADDRS);
	__type(key, __be32);
	__type(value, __u32);
} local4_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XST_MAX_LOCAL_ADDRS);
	__type(key, struct xst_in6);
	__type(value, __u32);
} local6_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XST_MAX_VERIFIED);
	__type(key, __be32);
	__type(value, __u64);
} verified4_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XST_MAX_VERIFIED);
	__type(key, struct xst_in6);
	__type(value, __u64);
} verified6_map SEC(".maps");

/* struct xst_in6 (the maps' key) filled from 32-bit words */
union in6 {
	struct xst_in6 a;
	__u32 w[4];
};

/* Write expires unless the entry already lasts longer (a cookie or an
 * operator may have verified the source for a longer time). */
static __always_inline void verify(void *map, const void *key, __u64 expires)
{
	__u64 *cur = bpf_map_lookup_elem(map, key);

	if (cur && *cur >= expires)
		return;
	bpf_map_update_elem(map, key, &expires, BPF_ANY);
}

static __always_inline void verify4(__be32 local, __be32 remote, __u64 expires)
{
	if (!bpf_map_lookup_elem(&local4_map, &local))
		return;
	verify(&verified4_map, &remote, expires);
}

SEC("sockops")
int xst_verify(struct bpf_sock_ops *ctx)
{
	const struct xst_steer_config *cfg;
	union in6 local, remote;
	__u32 zero = 0, family;
	__u64 expires;

	if (ctx->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	if (ctx->local_port != XST_DNS_PORT)	/* host order, unlike remote_port */
		return 1;
	cfg = bpf_map_lookup_elem(&config_map, &zero);
	if (!cfg || !cfg->verify_ns)
		return 1;
	expires = bpf_ktime_get_ns() + cfg->verify_ns;

	family = ctx->family;
	if (family == XST_AF_INET) {
		verify4(ctx->local_ip4, ctx->remote_ip4, expires);
		return 1;
	}
	if (family != XST_AF_INET6)
		return 1;
	/* An IPv4 client of a dual-stack socket: ::ffff:a.b.c.d on both ends.
	 * The XDP program sees it as IPv4, so it belongs in verified4. */
	if (ctx->local_ip6[0] == 0 && ctx->local_ip6[1] == 0 &&
	    ctx->local_ip6[2] == bpf_htonl(0x0000ffff)) {
		verify4(ctx->local_ip6[3], ctx->remote_ip6[3], expires);
		return 1;
	}
	/* ctx fields are 32-bit words in network order, readable only as
	 * whole 32-bit loads of the field itself (no memcpy over the ctx) */
	local.w[0] = ctx->local_ip6[0];
	local.w[1] = ctx->local_ip6[1];
	local.w[2] = ctx->local_ip6[2];
	local.w[3] = ctx->local_ip6[3];
	remote.w[0] = ctx->remote_ip6[0];
	remote.w[1] = ctx->remote_ip6[1];
	remote.w[2] = ctx->remote_ip6[2];
	remote.w[3] = ctx->remote_ip6[3];
	if (!bpf_map_lookup_elem(&local6_map, &local.a))
		return 1;
	verify(&verified6_map, &remote.a, expires);
	return 1;
}

char _license[] SEC("license") = "GPL";
