/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sources verified by a TCP handshake: the remote addresses of the
 * established TCP sockets with a given local port (53), listed through
 * sock_diag (NETLINK_SOCK_DIAG, inet_diag_req_v2, TCPF_ESTABLISHED, IPv4
 * and IPv6). Whoever owns TCP/53 -- the kernel DNS server in filter mode,
 * our own DNS-over-TCP sockets in serve mode -- one dump covers it: a
 * completed handshake proves the source address is real (a spoofed source
 * never sees the SYN-ACK). Main thread; a few hundred microseconds for
 * thousands of sockets, once a second.
 */
#ifndef XST_DAEMON_SOCKDIAG_H
#define XST_DAEMON_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

/* One remote address: family AF_INET (4 bytes) or AF_INET6 (16), network order. */
typedef void (*xst_sockdiag_fn)(void *arg, int family, const uint8_t *addr);

/* A NETLINK_SOCK_DIAG socket (close() it). fd or -errno. */
int xst_sockdiag_open(void);

/*
 * Dump the established TCP sockets of both families and call fn for the
 * remote address of each whose local port is port (host order). An IPv6
 * socket talking to an IPv4-mapped address reports the IPv4 address.
 * Returns how many were reported, or -errno.
 */
int xst_sockdiag_established(int fd, uint16_t port, xst_sockdiag_fn fn, void *arg);

/*
 * One datagram of a dump reply, buf[0..len): fn for each inet_diag_msg of
 * local port port (messages too short to hold one are skipped). *done is
 * set when NLMSG_DONE is in it. Returns how many were reported, or the
 * -errno of an NLMSG_ERROR (-EPROTO for an error message too short to say).
 */
int xst_sockdiag_parse(const void *buf, size_t len, uint16_t port, xst_sockdiag_fn fn, void *arg,
		       int *done);

#endif /* XST_DAEMON_SOCKDIAG_H */
