// SPDX-License-Identifier: GPL-2.0
/*
 * dns_echo: the trivial DNS responder that measures the load generator's
 * ceiling in tools/bench/bench-dns.sh. Every IPv4/UDP packet to port 53 is
 * turned around in place with XDP_TX: MACs, addresses and ports swapped, the
 * QR bit set. Nothing is looked up, so what limits the answered rate is
 * kxdpgun and the veth pair, not a server. The UDP checksum is patched
 * incrementally for the flag byte (the address and port swaps leave the
 * ones-complement sum unchanged); IPv4's checksum is unchanged by the swap.
 * So a reply is correct when its query's checksum was (kxdpgun writes full
 * ones), not for kernel senders' CHECKSUM_PARTIAL queries (dig).
 * XDP_TX on veth delivers only because kxdpgun keeps its own XDP program on
 * the peer (docs: TESTBED.md). Anything else is passed to the kernel.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct dnshdr {
	__be16 id;
	__u8 flags1;		/* QR OPCODE AA TC RD */
	__u8 flags2;		/* RA Z AD CD RCODE */
	__be16 counts[4];
};

SEC("xdp")
int xst_dns_echo(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct dnshdr *dns = (void *)(udp + 1);
	unsigned char mac[ETH_ALEN];
	__be32 addr;
	__be16 port;
	__u32 sum;
	__u16 old;

	if ((void *)(dns + 1) > end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 || ip->protocol != IPPROTO_UDP ||
	    udp->dest != bpf_htons(53) || (dns->flags1 & 0x80))
		return XDP_PASS;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;

	/* flags1 is the high byte of the 16-bit word (flags1, flags2) */
	old = bpf_ntohs(*(__be16 *)&dns->flags1);
	dns->flags1 |= 0x80;
	if (udp->check) {	/* RFC 1624: HC' = ~(~HC + ~m + m') */
		sum = (__u16)~bpf_ntohs(udp->check) + (__u16)~old + (__u32)(old | 0x8000);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		udp->check = bpf_htons((__u16)~sum ? (__u16)~sum : 0xffff);
	}
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
