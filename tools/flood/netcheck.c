// SPDX-License-Identifier: GPL-2.0
/*
 * Safety checks of the flood generator, over rtnetlink (one route lookup and
 * one neighbour dump at start-up; nothing per packet).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/net_namespace.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "./netcheck.h"

/*
 * The kernel gives its initial network namespace a fixed inode number
 * (PROC_NET_INIT_INO in include/linux/proc_ns.h), so the check works where
 * /proc/1/ns/net cannot be read (a sandbox, a PID namespace); PID 1's is
 * compared as well when it is readable.
 */
#define PROC_NET_INIT_INO 0xEFFFFFF9U

int flood_in_init_netns(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) < 0)
		return -errno;
	if (self.st_ino == PROC_NET_INIT_INO)
		return 1;
	if (stat("/proc/1/ns/net", &init) == 0)
		return self.st_ino == init.st_ino && self.st_dev == init.st_dev;
	return errno == EACCES || errno == EPERM || errno == ENOENT ? 0 : -errno;
}

static void add_attr(struct nlmsghdr *n, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int flood_check_onlink(int ifindex, int v6, const uint8_t *dst, char *why, size_t whylen)
{
	struct {
		struct nlmsghdr n;
		struct rtmsg r;
		char attrs[64];
	} req = { 0 };
	char buf[8192];
	struct nlmsghdr *h;
	struct rtmsg *rtm;
	struct rtattr *a;
	int fd, len, oif = 0, gw = 0, err = -EIO, alen;

	fd = nl_open();
	if (fd < 0) {
		snprintf(why, whylen, "rtnetlink: %s", strerror(-fd));
		return fd;
	}
	alen = v6 ? 16 : 4;
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.n.nlmsg_type = RTM_GETROUTE;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.r.rtm_family = v6 ? AF_INET6 : AF_INET;
	req.r.rtm_dst_len = (unsigned char)(alen * 8);
	add_attr(&req.n, RTA_DST, dst, (size_t)alen);
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0) {
		err = -errno;
		snprintf(why, whylen, "route lookup: %s", strerror(errno));
		goto out;
	}
	len = (int)recv(fd, buf, sizeof(buf), 0);
	if (len < 0) {
		err = -errno;
		snprintf(why, whylen, "route lookup: %s", strerror(errno));
		goto out;
	}
	h = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(h, (unsigned)len) || h->nlmsg_type != RTM_NEWROUTE) {
		if (NLMSG_OK(h, (unsigned)len) && h->nlmsg_type == NLMSG_ERROR)
			err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		snprintf(why, whylen, "no route to the destination (%s)", strerror(-err));
		err = err < 0 ? err : -EHOSTUNREACH;
		goto out;
	}
	rtm = NLMSG_DATA(h);
	len = (int)RTM_PAYLOAD(h);
	for (a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_OIF)
			memcpy(&oif, RTA_DATA(a), sizeof(oif));
		else if (a->rta_type == RTA_GATEWAY || a->rta_type == RTA_VIA)
			gw = 1;
	}
	err = -EHOSTUNREACH;
	if (rtm->rtm_type == RTN_LOCAL)
		snprintf(why, whylen, "the destination is an address of this host");
	else if (rtm->rtm_type == RTN_BROADCAST || rtm->rtm_type == RTN_MULTICAST)
		snprintf(why, whylen, "the destination is a broadcast or multicast address");
	else if (rtm->rtm_type != RTN_UNICAST)
		snprintf(why, whylen, "the destination's route is not unicast (type %u)", rtm->rtm_type);
	else if (gw)
		snprintf(why, whylen, "the destination is reached through a gateway, not on-link");
	else if (oif != ifindex)
		snprintf(why, whylen, "the destination is not on-link on this interface (route via ifindex %d)", oif);
	else
		err = 0;
out:
	close(fd);
	return err;
}

/* One request on a fresh socket, its first reply message into buf: the
 * reply's length, or -errno (of the socket or of an NLMSG_ERROR). */
static int nl_ask(void *req, size_t len, char *buf, size_t cap)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	int fd = nl_open(), n;

	if (fd < 0)
		return fd;
	if (send(fd, req, len, 0) < 0 || (n = (int)recv(fd, buf, cap, 0)) < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	if (!NLMSG_OK(h, (unsigned)n))
		return -EIO;
	if (h->nlmsg_type == NLMSG_ERROR) {
		int e = h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))
			? ((struct nlmsgerr *)NLMSG_DATA(h))->error : -EIO;

		return e < 0 ? e : -EIO;
	}
	return n;
}

/* The netns id (as this namespace numbers them) of PID 1's namespace, or -errno. */
static int init_nsid(int *nsid)
{
	struct {
		struct nlmsghdr n;
		struct rtgenmsg g;
		char attrs[16];
	} req = { 0 };
	char buf[1024];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct rtattr *a;
	uint32_t pid = 1;
	int n, len;

	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtgenmsg));
	req.n.nlmsg_type = RTM_GETNSID;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.g.rtgen_family = AF_UNSPEC;
	add_attr(&req.n, NETNSA_PID, &pid, sizeof(pid));
	n = nl_ask(&req, req.n.nlmsg_len, buf, sizeof(buf));
	if (n < 0)
		return n;
	if (h->nlmsg_type != RTM_NEWNSID || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtgenmsg)))
		return -EIO;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(struct rtgenmsg)));
	for (a = (struct rtattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct rtgenmsg)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NETNSA_NSID && RTA_PAYLOAD(a) == sizeof(int32_t)) {
			memcpy(nsid, RTA_DATA(a), sizeof(*nsid));
			return 0;
		}
	}
	return -EIO;
}

int flood_check_veth(int ifindex, char *why, size_t whylen)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg i;
	} req = { 0 };
	static char buf[32768];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	char kind[16] = "";
	int n, len, peer_nsid = NETNSA_NSID_NOT_ASSIGNED, has_peer_ns = 0, init;
	struct rtattr *a, *b;

	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req.n.nlmsg_type = RTM_GETLINK;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.i.ifi_family = AF_UNSPEC;
	req.i.ifi_index = ifindex;
	n = nl_ask(&req, req.n.nlmsg_len, buf, sizeof(buf));
	if (n < 0 || h->nlmsg_type != RTM_NEWLINK ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
		snprintf(why, whylen, "cannot read the interface (rtnetlink: %s)",
			 strerror(n < 0 ? -n : EIO));
		return n < 0 ? n : -EIO;
	}
	len = (int)IFLA_PAYLOAD(h);
	for (a = IFLA_RTA(NLMSG_DATA(h)); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_LINK_NETNSID && RTA_PAYLOAD(a) == sizeof(int32_t)) {
			memcpy(&peer_nsid, RTA_DATA(a), sizeof(peer_nsid));
			has_peer_ns = 1;
		} else if (a->rta_type == IFLA_LINKINFO) {
			int l2 = (int)RTA_PAYLOAD(a);

			for (b = RTA_DATA(a); RTA_OK(b, l2); b = RTA_NEXT(b, l2))
				if (b->rta_type == IFLA_INFO_KIND && RTA_PAYLOAD(b) < sizeof(kind)) {
					memcpy(kind, RTA_DATA(b), RTA_PAYLOAD(b));
					kind[RTA_PAYLOAD(b)] = 0;
				}
		}
	}
	if (strcmp(kind, "veth")) {
		snprintf(why, whylen, "the interface is not a veth (kind '%s'): the testbed's links "
			 "are veth pairs between namespaces", kind[0] ? kind : "none");
		return -EPERM;
	}
	if (!has_peer_ns)
		return 0;	/* both ends in this (not the initial) namespace */
	n = init_nsid(&init);
	if (n < 0) {
		snprintf(why, whylen, "cannot tell where the veth's peer is (RTM_GETNSID: %s)",
			 strerror(-n));
		return n;
	}
	if (init == peer_nsid) {
		snprintf(why, whylen, "the veth's peer is in the initial network namespace");
		return -EPERM;
	}
	return 0;
}

int flood_neigh_mac(int ifindex, int v6, const uint8_t *dst, uint8_t mac[6])
{
	struct {
		struct nlmsghdr n;
		struct ndmsg nd;
	} req = { 0 };
	static char buf[65536];
	size_t alen = v6 ? 16 : 4;
	int fd, len, err = -ENOENT, done = 0;

	fd = nl_open();
	if (fd < 0)
		return fd;
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	req.n.nlmsg_type = RTM_GETNEIGH;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nd.ndm_family = v6 ? AF_INET6 : AF_INET;
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0) {
		err = -errno;
		goto out;
	}
	while (!done) {
		struct nlmsghdr *h;

		len = (int)recv(fd, buf, sizeof(buf), 0);
		if (len <= 0) {
			err = len < 0 ? -errno : -EIO;
			goto out;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)len); h = NLMSG_NEXT(h, len)) {
			struct ndmsg *nd = NLMSG_DATA(h);
			struct rtattr *a;
			const void *d = NULL, *ll = NULL;
			int alen2 = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)));

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			if (h->nlmsg_type != RTM_NEWNEIGH || nd->ndm_ifindex != ifindex ||
			    (nd->ndm_state & (NUD_FAILED | NUD_INCOMPLETE)))
				continue;
			for (a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd))); RTA_OK(a, alen2);
			     a = RTA_NEXT(a, alen2)) {
				if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == alen)
					d = RTA_DATA(a);
				else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
					ll = RTA_DATA(a);
			}
			if (d && ll && !memcmp(d, dst, alen)) {
				memcpy(mac, ll, 6);
				err = 0;
			}
		}
	}
out:
	close(fd);
	return err;
}

int flood_if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}
