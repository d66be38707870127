/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generator's safety checks and look-ups: which network namespace we are
 * in, whether the destination is on-link on the chosen interface (a connected
 * route of it, not a gateway, not local/broadcast/multicast), and the MAC
 * addresses (ours, and the destination's from the neighbour table). Each
 * returns 0 or -errno and writes a sentence into why on refusal.
 */
#ifndef XST_FLOOD_NETCHECK_H
#define XST_FLOOD_NETCHECK_H

#include <stddef.h>
#include <stdint.h>

/* 1 when this process shares the network namespace of PID 1, 0 if not, or -errno. */
int flood_in_init_netns(void);

/* 0 when dst (4 or 16 bytes) is a unicast address reached directly on ifindex. */
int flood_check_onlink(int ifindex, int v6, const uint8_t *dst, char *why, size_t whylen);

/* 0 when ifindex is a veth whose peer is not in PID 1's network namespace
 * (a link between testbed namespaces, not a NIC, macvlan, vlan... moved in). */
int flood_check_veth(int ifindex, char *why, size_t whylen);

/* dst's link-layer address on ifindex from the neighbour table, or -ENOENT. */
int flood_neigh_mac(int ifindex, int v6, const uint8_t *dst, uint8_t mac[6]);

/* The interface's own MAC. */
int flood_if_mac(const char *ifname, uint8_t mac[6]);

#endif /* XST_FLOOD_NETCHECK_H */
