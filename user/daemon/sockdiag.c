// SPDX-License-Identifier: GPL-2.0
/* Established TCP sockets of a local port through sock_diag (daemon/sockdiag.h). */
#include "daemon/sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int xst_sockdiag_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	return fd < 0 ? -errno : fd;
}

int xst_sockdiag_parse(const void *buf, size_t len, uint16_t port, xst_sockdiag_fn fn, void *arg,
		       int *done)
{
	const struct nlmsghdr *h = buf;
	int n = 0;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		const struct inet_diag_msg *m;
		const uint8_t *addr;

		if (h->nlmsg_type == NLMSG_DONE) {
			*done = 1;
			break;
		}
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EPROTO;
			return e->error < 0 ? e->error : -EPROTO;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
			continue;
		m = NLMSG_DATA(h);
		if (ntohs(m->id.idiag_sport) != port)
			continue;
		addr = (const uint8_t *)m->id.idiag_dst;
		if (m->idiag_family == AF_INET) {
			fn(arg, AF_INET, addr);
		} else if (m->idiag_family == AF_INET6) {
			if (!memcmp(addr, v4mapped, sizeof(v4mapped)))
				fn(arg, AF_INET, addr + 12);
			else
				fn(arg, AF_INET6, addr);
		} else {
			continue;
		}
		n++;
	}
	return n;
}

static int dump(int fd, int family, uint16_t port, xst_sockdiag_fn fn, void *arg)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		.r = {
			.sdiag_family = (uint8_t)family,
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_states = 1U << TCP_ESTABLISHED,
		},
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	/* Aligned for the nlmsghdr walk; 32 KiB holds a few hundred sockets per datagram. */
	uint32_t buf[8192];
	int total = 0, done = 0;

	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl, sizeof(nl)) < 0)
		return -errno;
	while (!done) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		int n;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EPROTO;
		n = xst_sockdiag_parse(buf, (size_t)r, port, fn, arg, &done);
		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

int xst_sockdiag_established(int fd, uint16_t port, xst_sockdiag_fn fn, void *arg)
{
	int n4, n6;

	n4 = dump(fd, AF_INET, port, fn, arg);
	if (n4 < 0)
		return n4;
	n6 = dump(fd, AF_INET6, port, fn, arg);
	if (n6 < 0)
		return n6;
	return n4 + n6;
}
