/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The return path of filter mode: queries the filter lets through go back
 * into the kernel's stack, unchanged, with their real source address,
 * through a TUN device the daemon owns (IFF_TUN | IFF_NO_PI |
 * IFF_MULTI_QUEUE, not persistent: it disappears when the last queue fd
 * closes, also when the daemon crashes), one queue fd per worker. The device
 * is brought up and has no address: a packet written to it is an IP packet
 * received on it, routed by its destination (a local address of the host)
 * to the kernel's DNS server.
 *
 * What this does to the kernel server's view: the input interface of a
 * passed query is the TUN device (not the real one): firewall rules that
 * match on the input interface (iifname eth0 accept) do not match passed
 * queries and must also name the TUN device; IP_PKTINFO/IPV6_PKTINFO give
 * the TUN's ifindex; the destination and source addresses and ports are as
 * received. The server's replies are routed as usual (out of the real
 * interface), not through the TUN.
 *
 * Settings (set by create, undone by destroy, each logged):
 *   IPv4 reverse-path filter: the source of a passed query routes via the
 *     real interface, not the TUN, so a strict check drops it. The
 *     kernel's value is max(conf.all.rp_filter, conf.<dev>.rp_filter), so
 *     conf.<tun>.rp_filter := 0 and, when conf.all.rp_filter is 1 (strict),
 *     conf.all.rp_filter := 2 (loose: the source must be routable at all;
 *     every interface's effective value becomes at least loose, never
 *     stricter than before). The old conf.all value is restored at destroy.
 *     Loose mode passes only on a device that has an IPv4 address (the
 *     kernel's fib_validate_source() fails any non-zero mode on one with
 *     none, and then counts TcpExtIPReversePathFilter): hence 192.0.0.8/32.
 *     A crash leaves conf.all at 2 unless the crash handler calls
 *     xst_passback_restore_sysctls() (async-signal-safe: open/write/close
 *     of values recorded at create); conf.<tun> goes with the device.
 *   IPv6 has no rp_filter sysctl: nothing to set. An nftables/ip6tables
 *     reverse-path rule (fib saddr . iif oif missing drop, ip6tables -m rpfilter,
 *     firewalld's IPv6_rpfilter=yes) drops passed IPv6 queries the same way:
 *     it must exempt the TUN (iifname "xstp*" accept before it); not done here.
 *   accept_local is not needed: it concerns packets whose source is one of
 *     our own addresses, which the worker never passes (net/host.h martian
 *     check). route_localnet is not needed: destinations are the host's
 *     real addresses, not 127/8.
 *
 * Cost: one write() (a system call) per passed packet: TUN takes one packet
 * per write, writev() gathers one packet's pieces, not several packets. The
 * measured cost is in the unit test's output (test_passback: ns per
 * packet), and the bulk of legitimate traffic never comes here (XDP passes
 * verified sources and unsampled queries itself).
 */
#ifndef XST_SVC_PASSBACK_H
#define XST_SVC_PASSBACK_H

#include <stdint.h>

#include "io/io.h"
#include "svc/svc.h"

#define XST_PASSBACK_QUEUES_MAX	64
#define XST_PASSBACK_ADDR4	0xc0000008u	/* 192.0.0.8 (RFC 7600), host order */

struct xst_passback_cfg {
	const char *name;	/* TUN device name (< IFNAMSIZ), e.g. "xstp" + ifindex */
	uint32_t nr_queues;	/* one per worker, 1..XST_PASSBACK_QUEUES_MAX */
	int no_sysctl;		/* non-zero: touch no sysctl (tests, or the operator's own) */
};

/* Counters of one queue, written by its worker only (relaxed reads). */
struct xst_passback_stats {
	uint64_t passed;	/* packets written to the TUN */
	uint64_t bytes;		/* their IP bytes */
	uint64_t errors;	/* write() failed otherwise (dropped) */
	uint64_t dropped_full;	/* EAGAIN: the TUN queue is full (dropped) */
	uint64_t dropped_bad;	/* not an IPv4/IPv6 packet we can complete (dropped) */
};

struct xst_passback;
struct xst_passback_queue;

/*
 * Create the device, its queues (non-blocking fds), bring it up and apply
 * the settings above. Main thread. 0 or -errno (logged); *out only on
 * success. Needs CAP_NET_ADMIN.
 */
int xst_passback_create(struct xst_passback **out, const struct xst_passback_cfg *cfg);
/* Restore the sysctls, close the queues (the device goes). After the workers stopped. NULL: no-op. */
void xst_passback_destroy(struct xst_passback *pb);

const char *xst_passback_name(const struct xst_passback *pb);
int xst_passback_ifindex(const struct xst_passback *pb);
/* Queue i (0..nr_queues-1) for worker i, or NULL. */
struct xst_passback_queue *xst_passback_queue(struct xst_passback *pb, uint32_t i);
const struct xst_passback_stats *xst_passback_stats(const struct xst_passback_queue *q);

/*
 * Worker thread of q only: send the IP packet l3[0..len) (the frame after
 * its Ethernet/VLAN header; trailing padding past the IP length is not
 * sent) into the kernel. Completes the UDP (or TCP) checksum in place over
 * the whole datagram, whatever the field held (veth: the pseudo-header sum
 * only, CHECKSUM_PARTIAL; a real NIC: already complete); the IPv4 header
 * checksum is taken as valid. Returns 0, or -errno (counted; the packet is
 * lost either way). One write() system call.
 */
int xst_passback_send(struct xst_passback_queue *q, uint8_t *l3, uint32_t len);

/*
 * The worker's pass hook (svc/worker.h xst_worker_pass_fn), arg: the
 * worker's struct xst_passback_queue. Sends the frame's IP packet and
 * frees the frame (xst_io_free()) in every case.
 */
void xst_passback_pass(void *arg, struct xst_io *io, struct xst_frame *f);

/*
 * Put back the sysctls create changed (conf.all.rp_filter), from values
 * recorded at create: open/write/close only, no allocation, no lock, so a
 * crash handler may call it. Idempotent; destroy calls it too.
 */
void xst_passback_restore_sysctls(void);

#endif /* XST_SVC_PASSBACK_H */
