// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink watcher (daemon/netwatch.h): tables of links and addresses kept
 * from a dump and the events after it, a host view built from them, and the
 * comparison of two views. Not on the data path: clarity over speed, but
 * nothing quadratic per event (views are compared by sorted merge).
 */
#include "daemon/netwatch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

#define RCVBUF_BYTES	(4 << 20)	/* room for a burst of events (thousands of addresses) */
#define BUF_BYTES	(64 << 10)	/* one datagram: a dump part is a few pages at most */
#define DUMP_TIMEOUT_MS	2000
#define DUMP_TRIES	5		/* dumps interrupted by changes (NLM_F_DUMP_INTR) or ENOBUFS */
#define PROCESS_MAX	64		/* datagrams per xst_netwatch_process() */

struct nw_link {
	int ifindex;
	int parent;		/* IFLA_LINK in this namespace; 0: none */
	unsigned int flags;	/* ifi_flags: IFF_UP... */
	uint32_t mtu;
	uint8_t mac[6];		/* zero unless the link has a 6-byte address */
	uint8_t vlan;		/* IFLA_INFO_KIND "vlan" */
	uint16_t vproto;	/* host order: 0x8100 or 0x88a8 */
	uint16_t vid;		/* host order */
	char name[IF_NAMESIZE];
};

struct nw_addr {
	int ifindex;
	uint8_t family;
	uint8_t prefixlen;
	uint16_t flags;		/* XST_HOST_A_TENTATIVE, XST_HOST_A_DADFAILED */
	uint8_t addr[16];	/* network order */
	uint8_t brd[4];		/* network order, IPv4 only */
};

struct xst_netwatch {
	struct xst_netwatch_ops ops;
	void *arg;
	struct xst_netwatch_io io;
	int fd;			/* -1 with a fake io */
	uint32_t portid;	/* ours: dump replies carry it */
	uint32_t seq;
	char ifname[IF_NAMESIZE];
	int ifindex;		/* the served interface, fixed by the first dump */
	int gone;		/* it was deleted: never adopt another */
	struct nw_link *links;
	unsigned int nr_links, cap_links;
	struct nw_addr *addrs;
	unsigned int nr_addrs, cap_addrs;
	struct xst_host *view;	/* the last view handed out (the callee's, if ops.view) */
	int dirty;		/* the tables changed since the view was built */
	int need_dump;		/* the tables are incomplete: a dump failed */
	unsigned int dumps, overruns;
	uint8_t *buf;
};

/* ---- the real socket --------------------------------------------------------- */

static int sock_send(void *ctx, const void *buf, size_t len)
{
	struct xst_netwatch *nw = ctx;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };	/* pid 0: the kernel */

	if (sendto(nw->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static ssize_t sock_recv(void *ctx, void *buf, size_t len, int timeout_ms)
{
	struct xst_netwatch *nw = ctx;

	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = { buf, len };
		struct msghdr msg = { .msg_name = &sa, .msg_namelen = sizeof(sa),
				      .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (timeout_ms > 0) {
			struct pollfd pfd = { .fd = nw->fd, .events = POLLIN };
			int r = poll(&pfd, 1, timeout_ms);

			if (r < 0)
				return errno == EINTR ? -EAGAIN : -errno;
			if (!r)
				return -EAGAIN;
		}
		n = recvmsg(nw->fd, &msg, MSG_DONTWAIT);
		if (n < 0)
			return -errno;
		/* A datagram that did not fit lost messages: as bad as ENOBUFS. */
		if (msg.msg_flags & MSG_TRUNC)
			return -ENOBUFS;
		if (sa.nl_pid == 0)
			return n;
		/* not from the kernel: ignored */
	}
}

/* ---- tables -------------------------------------------------------------------- */

static int grow(void **arr, unsigned int *cap, unsigned int nr, size_t size)
{
	unsigned int ncap;
	void *p;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, (size_t)ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static struct nw_link *find_link(struct xst_netwatch *nw, int ifindex)
{
	unsigned int i;

	for (i = 0; i < nw->nr_links; i++)
		if (nw->links[i].ifindex == ifindex)
			return &nw->links[i];
	return NULL;
}

static int link_upsert(struct xst_netwatch *nw, const struct nw_link *l)
{
	struct nw_link *o = find_link(nw, l->ifindex);
	int err;

	if (o) {
		if (memcmp(o, l, sizeof(*l))) {
			*o = *l;
			nw->dirty = 1;
		}
		return 0;
	}
	err = grow((void **)&nw->links, &nw->cap_links, nw->nr_links, sizeof(*l));
	if (err)
		return err;
	nw->links[nw->nr_links++] = *l;
	nw->dirty = 1;
	return 0;
}

static void link_remove(struct xst_netwatch *nw, int ifindex)
{
	unsigned int i;

	for (i = 0; i < nw->nr_links; i++) {
		if (nw->links[i].ifindex != ifindex)
			continue;
		nw->links[i] = nw->links[--nw->nr_links];
		nw->dirty = 1;
		break;
	}
	/* The kernel reports the addresses' removal first; do not rely on it. */
	for (i = 0; i < nw->nr_addrs;) {
		if (nw->addrs[i].ifindex == ifindex) {
			nw->addrs[i] = nw->addrs[--nw->nr_addrs];
			nw->dirty = 1;
		} else {
			i++;
		}
	}
}

static int addr_same(const struct nw_addr *a, const struct nw_addr *b)
{
	return a->family == b->family && a->ifindex == b->ifindex &&
	       a->prefixlen == b->prefixlen && !memcmp(a->addr, b->addr, 16);
}

static int addr_upsert(struct xst_netwatch *nw, const struct nw_addr *a)
{
	unsigned int i;
	int err;

	for (i = 0; i < nw->nr_addrs; i++) {
		if (!addr_same(&nw->addrs[i], a))
			continue;
		if (memcmp(&nw->addrs[i], a, sizeof(*a))) {
			nw->addrs[i] = *a;	/* NEWADDR again: other flags */
			nw->dirty = 1;
		}
		return 0;
	}
	err = grow((void **)&nw->addrs, &nw->cap_addrs, nw->nr_addrs, sizeof(*a));
	if (err)
		return err;
	nw->addrs[nw->nr_addrs++] = *a;
	nw->dirty = 1;
	return 0;
}

static void addr_remove(struct xst_netwatch *nw, const struct nw_addr *a)
{
	unsigned int i;

	for (i = 0; i < nw->nr_addrs; i++) {
		if (addr_same(&nw->addrs[i], a)) {
			nw->addrs[i] = nw->addrs[--nw->nr_addrs];
			nw->dirty = 1;
			return;
		}
	}
}

static void tables_clear(struct xst_netwatch *nw)
{
	nw->nr_links = 0;
	nw->nr_addrs = 0;
	nw->dirty = 1;
}

/* ---- message parsing ----------------------------------------------------------- */

#define ATTR_TYPE(rta)	((rta)->rta_type & NLA_TYPE_MASK)

static void attr_str(const struct rtattr *rta, char *out, size_t size)
{
	size_t n = RTA_PAYLOAD(rta);

	if (n >= size)
		n = size - 1;
	memcpy(out, RTA_DATA(rta), n);
	out[n] = 0;	/* a crafted attribute need not be terminated */
}

static int attr_u32(const struct rtattr *rta, uint32_t *v)
{
	if (RTA_PAYLOAD(rta) < sizeof(*v))
		return 0;
	memcpy(v, RTA_DATA(rta), sizeof(*v));
	return 1;
}

static void parse_vlan_data(const struct rtattr *nest, struct nw_link *l)
{
	const struct rtattr *rta = RTA_DATA(nest);
	int len = (int)RTA_PAYLOAD(nest);
	uint16_t v;

	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (RTA_PAYLOAD(rta) < sizeof(v))
			continue;
		memcpy(&v, RTA_DATA(rta), sizeof(v));
		if (ATTR_TYPE(rta) == IFLA_VLAN_ID)
			l->vid = v & 0x0fff;			/* host order */
		else if (ATTR_TYPE(rta) == IFLA_VLAN_PROTOCOL)
			l->vproto = ntohs(v);	/* the attribute is network order */
	}
}

static void parse_linkinfo(const struct rtattr *nest, struct nw_link *l)
{
	const struct rtattr *rta = RTA_DATA(nest), *data = NULL;
	int len = (int)RTA_PAYLOAD(nest);
	char kind[16];

	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (ATTR_TYPE(rta) == IFLA_INFO_KIND) {
			attr_str(rta, kind, sizeof(kind));
			l->vlan = !strcmp(kind, "vlan");
		} else if (ATTR_TYPE(rta) == IFLA_INFO_DATA) {
			data = rta;
		}
	}
	if (l->vlan && data) {
		l->vproto = 0x8100;	/* the default when the attribute is absent */
		parse_vlan_data(data, l);
	}
}

/* RTM_NEWLINK/DELLINK -> *l. 0, or -EINVAL for a message to ignore. */
static int parse_link(const struct nlmsghdr *nlh, struct nw_link *l)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	const struct rtattr *rta;
	int len, other_ns = 0;
	uint32_t v;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -EINVAL;
	/* Bridge port events share the link group with family AF_BRIDGE
	 * and describe the port's bridge state, not the link. */
	if (ifi->ifi_family != AF_UNSPEC || ifi->ifi_index <= 0)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	len = (int)(nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		switch (ATTR_TYPE(rta)) {
		case IFLA_IFNAME:
			attr_str(rta, l->name, sizeof(l->name));
			break;
		case IFLA_MTU:
			if (attr_u32(rta, &v))
				l->mtu = v;
			break;
		case IFLA_ADDRESS:
			if (RTA_PAYLOAD(rta) == sizeof(l->mac))
				memcpy(l->mac, RTA_DATA(rta), sizeof(l->mac));
			break;
		case IFLA_LINK:
			if (attr_u32(rta, &v))
				l->parent = (int)v;
			break;
		case IFLA_LINK_NETNSID:
			other_ns = 1;	/* IFLA_LINK is an ifindex of another namespace */
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(rta, l);
			break;
		}
	}
	if (other_ns)
		l->parent = 0;
	if (!l->name[0])
		snprintf(l->name, sizeof(l->name), "if%d", l->ifindex);
	return 0;
}

/* RTM_NEWADDR/DELADDR -> *a. 0, or -EINVAL for a message to ignore. */
static int parse_addr(const struct nlmsghdr *nlh, struct nw_addr *a)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(nlh);
	const struct rtattr *rta, *local = NULL, *address = NULL;
	uint32_t flags;
	int len, alen;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return -EINVAL;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -EINVAL;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	if (ifa->ifa_prefixlen > alen * 8 || !ifa->ifa_index)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->family = ifa->ifa_family;
	a->prefixlen = ifa->ifa_prefixlen;
	a->ifindex = (int)ifa->ifa_index;
	flags = ifa->ifa_flags;
	len = (int)(nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)));
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		switch (ATTR_TYPE(rta)) {
		case IFA_LOCAL:
			local = rta;
			break;
		case IFA_ADDRESS:
			address = rta;
			break;
		case IFA_BROADCAST:
			if (a->family == AF_INET && RTA_PAYLOAD(rta) == 4)
				memcpy(a->brd, RTA_DATA(rta), 4);
			break;
		case IFA_FLAGS:
			attr_u32(rta, &flags);	/* all 32 bits; ifa_flags has 8 */
			break;
		}
	}
	/* IFA_LOCAL is the address; IFA_ADDRESS is the peer's on a
	 * point-to-point link, and the address itself otherwise. */
	if (!local)
		local = address;
	if (!local || (int)RTA_PAYLOAD(local) != alen)
		return -EINVAL;
	memcpy(a->addr, RTA_DATA(local), (size_t)alen);
	/* An optimistic address (RFC 4429) is usable while DAD runs. */
	if ((flags & IFA_F_TENTATIVE) && !(flags & IFA_F_OPTIMISTIC))
		a->flags |= XST_HOST_A_TENTATIVE;
	if (flags & IFA_F_DADFAILED)
		a->flags |= XST_HOST_A_DADFAILED;
	return 0;
}

/* One message of a dump or an event. 0 or -ENOMEM. */
static int apply(struct xst_netwatch *nw, const struct nlmsghdr *nlh)
{
	struct nw_link l;
	struct nw_addr a;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
		if (!parse_link(nlh, &l))
			return link_upsert(nw, &l);
		break;
	case RTM_DELLINK:
		if (!parse_link(nlh, &l))
			link_remove(nw, l.ifindex);
		break;
	case RTM_NEWADDR:
		if (!parse_addr(nlh, &a))
			return addr_upsert(nw, &a);
		break;
	case RTM_DELADDR:
		if (!parse_addr(nlh, &a))
			addr_remove(nw, &a);
		break;
	}
	return 0;
}

/* ---- dumps ------------------------------------------------------------------------ */

static int request(struct xst_netwatch *nw, uint16_t type)
{
	struct {
		struct nlmsghdr nh;
		union {
			struct ifinfomsg ifi;
			struct ifaddrmsg ifa;
		};
		struct rtattr ext;
		uint32_t ext_mask;
	} req;

	/* the attribute must start at the aligned end of the link header */
	_Static_assert(offsetof(__typeof__(req), ext) == NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		       "IFLA_EXT_MASK placement");
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = ++nw->seq;
	if (type == RTM_GETLINK) {
		req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi)) + RTA_LENGTH(sizeof(uint32_t));
		req.ifi.ifi_family = AF_UNSPEC;
		/* Link statistics are most of a link dump and of no use here. */
		req.ext.rta_type = IFLA_EXT_MASK;
		req.ext.rta_len = RTA_LENGTH(sizeof(uint32_t));
		req.ext_mask = RTEXT_FILTER_SKIP_STATS;
	} else {
		req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
		req.ifa.ifa_family = AF_UNSPEC;
	}
	return nw->io.send(nw->io.ctx, &req, req.nh.nlmsg_len);
}

/* Apply the messages of one datagram. Sets *done (and returns the dump's
 * result) when the reply to request seq ends in it. */
static int apply_all(struct xst_netwatch *nw, const uint8_t *buf, size_t n, uint32_t seq,
		     int *done)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	int len = (int)n, intr = 0, err;

	for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		int ours = seq && nlh->nlmsg_seq == seq && nlh->nlmsg_pid == nw->portid;

		if (ours && (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
			intr = 1;
		if (ours && nlh->nlmsg_type == NLMSG_DONE) {
			int res = 0;

			if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
				memcpy(&res, NLMSG_DATA(nlh), sizeof(res));
			*done = 1;
			return res < 0 ? res : intr ? -EINTR : 0;
		}
		if (ours && nlh->nlmsg_type == NLMSG_ERROR) {
			int res = -EIO;

			if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
				memcpy(&res, NLMSG_DATA(nlh), sizeof(res));
			*done = 1;
			return res < 0 ? res : -EIO;
		}
		err = apply(nw, nlh);
		if (err)
			return err;
	}
	return intr ? -EINTR : 0;
}

static int dump_one(struct xst_netwatch *nw, uint16_t type)
{
	int err = request(nw, type), done = 0, intr = 0;

	if (err)
		return err;
	while (!done) {
		ssize_t n = nw->io.recv(nw->io.ctx, nw->buf, BUF_BYTES, DUMP_TIMEOUT_MS);

		if (n == -EAGAIN)
			return -ETIMEDOUT;
		if (n < 0)
			return (int)n;
		err = apply_all(nw, nw->buf, (size_t)n, nw->seq, &done);
		if (err == -EINTR) {
			intr = 1;	/* finish reading this dump, then do it again */
			continue;
		}
		if (err)
			return err;
	}
	return intr ? -EINTR : 0;
}

/* Read and discard what the socket holds (a bounded number of reads). */
static void drain(struct xst_netwatch *nw)
{
	int i;

	for (i = 0; i < 4096; i++) {
		ssize_t n = nw->io.recv(nw->io.ctx, nw->buf, BUF_BYTES, 0);

		if (n == -EAGAIN || (n < 0 && n != -ENOBUFS && n != -EINTR))
			return;
	}
}

/* Fresh tables from dumps of the links, then the addresses. */
static int dump(struct xst_netwatch *nw)
{
	int err = 0, i;

	for (i = 0; i < DUMP_TRIES; i++) {
		/* Events still queued predate the dump (the kernel says ENOBUFS
		 * before them): applied after it they would undo it (a removed
		 * address added back). Drop them; the dump has their outcome,
		 * and NLM_F_DUMP_INTR covers what changes while it runs. */
		drain(nw);
		tables_clear(nw);
		nw->need_dump = 1;
		err = dump_one(nw, RTM_GETLINK);
		if (!err)
			err = dump_one(nw, RTM_GETADDR);
		if (err == -ENOBUFS)
			nw->overruns++;
		if (err == -ENOBUFS || err == -EINTR) {
			pr_debug("netlink dump: %s, again\n", strerror(-err));
			continue;
		}
		if (err)
			return err;
		nw->need_dump = 0;
		nw->dumps++;
		return 0;
	}
	return err;
}

/* ---- views --------------------------------------------------------------------------- */

/* The tag stack of VLAN link v down to the served interface, outermost
 * first; 0 when v is no (working) VLAN device of it. */
static int vlan_chain(struct xst_netwatch *nw, const struct nw_link *v, struct xst_host_vlan *out)
{
	const struct nw_link *cur = v;
	int n = 0;

	while (cur && cur->vlan) {
		/* a device down anywhere on the way drops the frame */
		if (!(cur->flags & IFF_UP) || n == XST_HOST_MAX_TAGS)
			return 0;
		out->tpid[1] = out->tpid[0];
		out->vid[1] = out->vid[0];
		out->tpid[0] = cur->vproto;
		out->vid[0] = cur->vid;
		n++;
		if (cur->parent == nw->ifindex) {
			out->nr_tags = (uint8_t)n;
			return n;
		}
		cur = cur->parent ? find_link(nw, cur->parent) : NULL;
	}
	return 0;
}

static int build(struct xst_netwatch *nw, struct xst_host **out)
{
	const struct nw_link *served = nw->gone ? NULL : find_link(nw, nw->ifindex);
	struct xst_host *h;
	unsigned int i;
	int err;

	err = xst_host_create(&h);
	if (err)
		return err;
	if (served) {
		err = xst_host_set_iface(h, served->ifindex, served->name, served->mtu, served->mac);
		if (err)
			goto err_destroy;
		for (i = 0; i < nw->nr_links; i++) {
			const struct nw_link *l = &nw->links[i];
			struct xst_host_vlan v = { .ifindex = l->ifindex, .mtu = l->mtu };

			if (!l->vlan || !vlan_chain(nw, l, &v))
				continue;
			memcpy(v.mac, l->mac, sizeof(v.mac));
			memcpy(v.name, l->name, sizeof(v.name));
			err = xst_host_add_vlan(h, &v);
			if (err && err != -EEXIST && err != -EINVAL)
				goto err_destroy;
		}
	}
	for (i = 0; i < nw->nr_addrs; i++) {
		const struct nw_addr *na = &nw->addrs[i];
		const struct nw_link *l = find_link(nw, na->ifindex);
		struct xst_host_addr a = {
			.ifindex = na->ifindex, .family = na->family, .prefixlen = na->prefixlen,
			.flags = na->flags,
		};

		memcpy(a.addr, na->addr, sizeof(a.addr));
		memcpy(a.brd, na->brd, sizeof(a.brd));
		if (l) {
			memcpy(a.ifname, l->name, sizeof(a.ifname));
			if (!(l->flags & IFF_UP))
				a.flags |= XST_HOST_A_LINK_DOWN;
		} else {
			snprintf(a.ifname, sizeof(a.ifname), "if%d", a.ifindex);
		}
		err = xst_host_add_addr(h, &a);
		if (err && err != -EINVAL)
			goto err_destroy;
	}
	err = xst_host_finalize(h);
	if (err)
		goto err_destroy;
	*out = h;
	return 0;

err_destroy:
	xst_host_destroy(h);
	return err;
}

static int addr_cmp(const struct xst_host_addr *a, const struct xst_host_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen < b->prefixlen ? -1 : 1;
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

static int addr_pcmp(const void *x, const void *y)
{
	return addr_cmp(*(const struct xst_host_addr *const *)x,
			*(const struct xst_host_addr *const *)y);
}

static int vlan_pcmp(const void *x, const void *y)
{
	int a = (*(const struct xst_host_vlan *const *)x)->ifindex;
	int b = (*(const struct xst_host_vlan *const *)y)->ifindex;

	return a < b ? -1 : a > b;
}

/* Pointers to a view's addresses (or VLAN devices) in key order. */
static const struct xst_host_addr **sorted_addrs(const struct xst_host *h)
{
	const struct xst_host_addr **v = malloc((h->nr_addrs + 1) * sizeof(*v));
	unsigned int i;

	if (!v)
		return NULL;
	for (i = 0; i < h->nr_addrs; i++)
		v[i] = &h->addrs[i];
	qsort(v, h->nr_addrs, sizeof(*v), addr_pcmp);
	return v;
}

static const struct xst_host_vlan **sorted_vlans(const struct xst_host *h)
{
	const struct xst_host_vlan **v = malloc((h->nr_vlans + 1) * sizeof(*v));
	unsigned int i;

	if (!v)
		return NULL;
	for (i = 0; i < h->nr_vlans; i++)
		v[i] = &h->vlans[i];
	qsort(v, h->nr_vlans, sizeof(*v), vlan_pcmp);
	return v;
}

static void emit(struct xst_netwatch *nw, struct xst_netwatch_change *c,
		 enum xst_netwatch_what what)
{
	c->what = what;
	if (nw->ops.change)
		nw->ops.change(nw->arg, c);
	c->addr = c->old_addr = NULL;
	c->vlan = c->old_vlan = NULL;
}

static int vlan_differs(const struct xst_host_vlan *a, const struct xst_host_vlan *b)
{
	return memcmp(a->mac, b->mac, 6) || a->mtu != b->mtu || a->nr_tags != b->nr_tags ||
	       memcmp(a->tpid, b->tpid, sizeof(a->tpid)) || memcmp(a->vid, b->vid, sizeof(a->vid)) ||
	       strcmp(a->name, b->name);
}

/*
 * Report the differences of two views in enum order. Each kind is one
 * merge of both sides sorted by key; pass selects what is reported.
 */
static int diff(struct xst_netwatch *nw, const struct xst_host *o, const struct xst_host *n)
{
	struct xst_netwatch_change c = { .old = o, .new = n };
	const struct xst_host_addr **ao, **an;
	const struct xst_host_vlan **vo, **vn;
	unsigned int i, j;
	int pass;

	if (o->ifindex && !n->ifindex)
		emit(nw, &c, XST_NW_IFACE_DELETED);
	if (n->ifindex) {
		if (o->mtu != n->mtu)
			emit(nw, &c, XST_NW_IFACE_MTU);
		if (memcmp(o->mac, n->mac, 6))
			emit(nw, &c, XST_NW_IFACE_MAC);
		if (strcmp(o->ifname, n->ifname))
			emit(nw, &c, XST_NW_IFACE_NAME);
	}

	vo = sorted_vlans(o);
	vn = sorted_vlans(n);
	ao = sorted_addrs(o);
	an = sorted_addrs(n);
	if (!vo || !vn || !ao || !an) {
		free(vo);
		free(vn);
		free(ao);
		free(an);
		return -ENOMEM;
	}
	for (pass = XST_NW_VLAN_REMOVED; pass <= XST_NW_VLAN_CHANGED; pass++) {
		for (i = j = 0; i < o->nr_vlans || j < n->nr_vlans;) {
			int d = i == o->nr_vlans   ? 1
				: j == n->nr_vlans ? -1
						   : vlan_pcmp(&vo[i], &vn[j]);

			if (d < 0) {
				c.old_vlan = vo[i++];
				if (pass == XST_NW_VLAN_REMOVED)
					emit(nw, &c, XST_NW_VLAN_REMOVED);
			} else if (d > 0) {
				c.vlan = vn[j++];
				if (pass == XST_NW_VLAN_ADDED)
					emit(nw, &c, XST_NW_VLAN_ADDED);
			} else {
				c.old_vlan = vo[i++];
				c.vlan = vn[j++];
				if (pass == XST_NW_VLAN_CHANGED && vlan_differs(c.old_vlan, c.vlan))
					emit(nw, &c, XST_NW_VLAN_CHANGED);
			}
			c.vlan = c.old_vlan = NULL;
		}
	}
	for (pass = XST_NW_ADDR_REMOVED; pass <= XST_NW_ADDR_CHANGED; pass++) {
		for (i = j = 0; i < o->nr_addrs || j < n->nr_addrs;) {
			int d = i == o->nr_addrs   ? 1
				: j == n->nr_addrs ? -1
						   : addr_cmp(ao[i], an[j]);

			if (d < 0) {
				c.old_addr = ao[i++];
				if (pass == XST_NW_ADDR_REMOVED)
					emit(nw, &c, XST_NW_ADDR_REMOVED);
			} else if (d > 0) {
				c.addr = an[j++];
				if (pass == XST_NW_ADDR_ADDED)
					emit(nw, &c, XST_NW_ADDR_ADDED);
			} else {
				c.old_addr = ao[i++];
				c.addr = an[j++];
				if (pass == XST_NW_ADDR_CHANGED &&
				    (c.old_addr->flags != c.addr->flags ||
				     memcmp(c.old_addr->brd, c.addr->brd, 4)))
					emit(nw, &c, XST_NW_ADDR_CHANGED);
			}
			c.addr = c.old_addr = NULL;
		}
	}
	free(vo);
	free(vn);
	free(ao);
	free(an);
	return 0;
}

/* Build the view of the tables, report it against the previous one, hand it over. */
static int commit(struct xst_netwatch *nw)
{
	struct xst_host *h, *old = nw->view;
	int err;

	if (!nw->dirty || nw->need_dump)
		return 0;
	if (!nw->gone && nw->ifindex && !find_link(nw, nw->ifindex))
		nw->gone = 1;
	err = build(nw, &h);
	if (err)
		return err;
	if (old) {
		err = diff(nw, old, h);
		if (err) {
			xst_host_destroy(h);
			return err;
		}
	}
	nw->dirty = 0;
	nw->view = h;
	if (nw->ops.view)
		nw->ops.view(nw->arg, h);	/* the callee's now, old included */
	else
		xst_host_destroy(old);
	return 0;
}

/* ---- the API ------------------------------------------------------------------------------ */

static int open_socket(struct xst_netwatch *nw)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
	};
	socklen_t salen = sizeof(sa);
	int sz = RCVBUF_BYTES;

	nw->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (nw->fd < 0)
		return -errno;
	/* FORCE goes past net.core.rmem_max (root); the plain one is capped there */
	if (setsockopt(nw->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(nw->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	/* Subscribed before the dump: nothing that happens meanwhile is missed. */
	if (bind(nw->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(nw->fd, (struct sockaddr *)&sa, &salen))
		return -errno;
	nw->portid = sa.nl_pid;
	nw->io.send = sock_send;
	nw->io.recv = sock_recv;
	nw->io.ctx = nw;
	return 0;
}

int xst_netwatch_create(struct xst_netwatch **out, const struct xst_netwatch_cfg *cfg)
{
	struct xst_netwatch *nw;
	unsigned int i;
	int err;

	if (!cfg->ifname || !cfg->ifname[0] || strlen(cfg->ifname) >= IF_NAMESIZE)
		return -EINVAL;
	nw = calloc(1, sizeof(*nw));
	if (!nw)
		return -ENOMEM;
	nw->fd = -1;
	if (cfg->ops)
		nw->ops = *cfg->ops;
	nw->arg = cfg->arg;
	nw->seq = (uint32_t)time(NULL);
	snprintf(nw->ifname, sizeof(nw->ifname), "%s", cfg->ifname);
	nw->buf = malloc(BUF_BYTES);
	if (!nw->buf) {
		err = -ENOMEM;
		goto err_free;
	}
	if (cfg->io) {
		nw->io = *cfg->io;
	} else {
		err = open_socket(nw);
		if (err)
			goto err_free;
	}
	err = dump(nw);
	if (err)
		goto err_free;
	for (i = 0; i < nw->nr_links; i++)
		if (!strcmp(nw->links[i].name, nw->ifname))
			nw->ifindex = nw->links[i].ifindex;
	if (!nw->ifindex) {
		err = -ENODEV;
		goto err_free;
	}
	err = commit(nw);
	if (err)
		goto err_free;
	*out = nw;
	return 0;

err_free:
	if (nw->fd >= 0)
		close(nw->fd);
	free(nw->buf);
	free(nw->links);
	free(nw->addrs);
	free(nw);
	return err;
}

void xst_netwatch_destroy(struct xst_netwatch *nw)
{
	if (!nw)
		return;
	if (!nw->ops.view)
		xst_host_destroy(nw->view);
	if (nw->fd >= 0)
		close(nw->fd);
	free(nw->buf);
	free(nw->links);
	free(nw->addrs);
	free(nw);
}

int xst_netwatch_fd(const struct xst_netwatch *nw)
{
	return nw->fd;
}

const struct xst_host *xst_netwatch_view(const struct xst_netwatch *nw)
{
	return nw->view;
}

unsigned int xst_netwatch_dumps(const struct xst_netwatch *nw)
{
	return nw->dumps;
}

unsigned int xst_netwatch_overruns(const struct xst_netwatch *nw)
{
	return nw->overruns;
}

int xst_netwatch_resync(struct xst_netwatch *nw)
{
	int err = dump(nw);

	if (err)
		return err;
	return commit(nw);
}

int xst_netwatch_process(struct xst_netwatch *nw)
{
	int i, err, done = 0;

	if (nw->need_dump) {
		err = xst_netwatch_resync(nw);
		if (err)
			return err;
	}
	for (i = 0; i < PROCESS_MAX; i++) {
		ssize_t n = nw->io.recv(nw->io.ctx, nw->buf, BUF_BYTES, 0);

		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n == -ENOBUFS) {
			nw->overruns++;
			pr_warn("netlink: events were lost (socket buffer full); reading links and "
				"addresses again\n");
			err = dump(nw);
			if (err)
				return err;
			continue;
		}
		if (n < 0)
			return (int)n;
		err = apply_all(nw, nw->buf, (size_t)n, 0, &done);
		if (err) {
			/* the rest of the datagram is lost: read everything again */
			nw->need_dump = 1;
			return err;
		}
	}
	return commit(nw);
}
