// SPDX-License-Identifier: GPL-2.0
/*
 * Link attributes through one RTM_GETLINK request (MTU, hardware address,
 * queue counts, the veth peer's ifindex and namespace id), also of a link in
 * another namespace (IFLA_TARGET_NETNSID, so the peer of a veth moved into a
 * test namespace is found), and the driver name through ethtool. Used by the
 * attach-time MAC fill and by the attach hints; never on a per-packet path.
 */
#include "loader_int.h"
#include "steer_loader.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#ifndef IFLA_TARGET_NETNSID
#define IFLA_TARGET_NETNSID 46	/* linux 4.20 */
#endif

struct req {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[64];
};

static void put_attr(struct req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static unsigned int attr_u32(const struct rtattr *rta)
{
	unsigned int v = 0;

	if (RTA_PAYLOAD(rta) >= sizeof(v))
		memcpy(&v, RTA_DATA(rta), sizeof(v));
	return v;
}

static void parse_link(const struct ifinfomsg *ifi, int len, struct xst_link *l)
{
	const struct rtattr *rta = IFLA_RTA(ifi), *sub;
	int sublen;

	l->ifindex = ifi->ifi_index;
	l->type = ifi->ifi_type;
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		switch (rta->rta_type) {
		case IFLA_IFNAME:
			snprintf(l->name, sizeof(l->name), "%.*s", (int)RTA_PAYLOAD(rta),
				 (const char *)RTA_DATA(rta));
			break;
		case IFLA_MTU:
			l->mtu = attr_u32(rta);
			break;
		case IFLA_LINK:
			l->link = (int)attr_u32(rta);
			break;
		case IFLA_LINK_NETNSID:
			l->link_nsid = (int)attr_u32(rta);
			break;
		case IFLA_NUM_RX_QUEUES:
			l->num_rx = attr_u32(rta);
			break;
		case IFLA_NUM_TX_QUEUES:
			l->num_tx = attr_u32(rta);
			break;
		case IFLA_ADDRESS:
			l->addr_len = RTA_PAYLOAD(rta) < sizeof(l->addr) ? (int)RTA_PAYLOAD(rta)
									  : (int)sizeof(l->addr);
			memcpy(l->addr, RTA_DATA(rta), (size_t)l->addr_len);
			break;
		case IFLA_LINKINFO:
			sublen = (int)RTA_PAYLOAD(rta);
			for (sub = RTA_DATA(rta); RTA_OK(sub, sublen); sub = RTA_NEXT(sub, sublen))
				if (sub->rta_type == IFLA_INFO_KIND)
					snprintf(l->kind, sizeof(l->kind), "%.*s",
						 (int)RTA_PAYLOAD(sub), (const char *)RTA_DATA(sub));
			break;
		}
	}
}

int xst_link_get(const char *ifname, int ifindex, int nsid, struct xst_link *l)
{
	struct req r = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
			.nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1 },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { 2, 0 };	/* the kernel answers at once; never hang */
	char buf[16384];
	struct nlmsghdr *nh;
	int fd, err = -ENOENT;
	ssize_t n;

	memset(l, 0, sizeof(*l));
	l->link_nsid = -1;
	if (ifname) {
		if (strlen(ifname) >= IF_NAMESIZE)
			return -ENAMETOOLONG;
		put_attr(&r, IFLA_IFNAME, ifname, strlen(ifname) + 1);
	}
	if (nsid >= 0)
		put_attr(&r, IFLA_TARGET_NETNSID, &nsid, sizeof(nsid));
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, &r, r.nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out_close;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		err = -errno;
		goto out_close;
	}
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			err = e->error ? e->error : -ENOENT;
			break;
		}
		if (nh->nlmsg_type == RTM_NEWLINK) {
			parse_link(NLMSG_DATA(nh), (int)IFLA_PAYLOAD(nh), l);
			err = 0;
			break;
		}
	}
out_close:
	close(fd);
	return err;
}

int xst_link_driver(const char *ifname, char *drv, size_t size)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = {};
	int fd, err = 0;

	snprintf(drv, size, "%s", "");
	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = (void *)&info;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	else
		snprintf(drv, size, "%.*s", (int)sizeof(info.driver), info.driver);
	close(fd);
	return err;
}

int xst_iface_mac(const char *ifname, uint8_t mac[6])
{
	struct xst_link l;
	int err = xst_link_get(ifname, 0, -1, &l);

	if (err)
		return err;
	if (l.type != ARPHRD_ETHER || l.addr_len != 6)
		return 0;
	if (!(l.addr[0] | l.addr[1] | l.addr[2] | l.addr[3] | l.addr[4] | l.addr[5]))
		return 0;
	memcpy(mac, l.addr, 6);
	return 1;
}
