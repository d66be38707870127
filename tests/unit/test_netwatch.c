// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink watcher (daemon/netwatch.h) over a fake kernel: crafted
 * RTM_NEWLINK/DELLINK/NEWADDR/DELADDR messages, dumps answered from the
 * fake's tables, lost events (ENOBUFS: re-dump), interrupted dumps, bridge
 * port events, truncated and malformed messages; the views it builds and
 * the changes it reports.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/rcu.h"
#include "daemon/hostwatch.h"
#include "daemon/netwatch.h"
#include "net/eth.h"
#include "net/host.h"
#include "svc/dns_tcp.h"
#include "xdpstorm/steer_abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the fake kernel ----------------------------------------------------------- */

struct flink {
	int ifindex, parent;
	unsigned int flags;
	uint32_t mtu;
	uint8_t mac[6];
	int vlan;
	uint16_t vproto, vid;
	char name[IF_NAMESIZE];
};

struct faddr {
	int ifindex, family, plen;
	uint32_t flags;
	uint8_t addr[16];
	uint8_t brd[4];
};

#define QMAX 512

struct fake {
	struct flink links[32];
	int nr_links;
	struct faddr addrs[64];
	int nr_addrs;
	struct {
		uint8_t *buf;
		size_t len;
		int err;	/* returned instead of a datagram */
	} q[QMAX];
	int head, tail;
	int intr_dumps;		/* this many dumps get NLM_F_DUMP_INTR */
	int enobufs_in_dump;	/* this many dumps lose a datagram (ENOBUFS) */
	int requests;
};

static void push(struct fake *f, const void *buf, size_t len, int err)
{
	ck_assert_int_lt(f->tail - f->head, QMAX);
	f->q[f->tail % QMAX].buf = len ? malloc(len) : NULL;
	if (len)
		memcpy(f->q[f->tail % QMAX].buf, buf, len);
	f->q[f->tail % QMAX].len = len;
	f->q[f->tail % QMAX].err = err;
	f->tail++;
}

static void attr(uint8_t *msg, int type, const void *data, size_t len)
{
	struct nlmsghdr *nh = (void *)msg;
	struct rtattr *rta = (void *)(msg + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = (unsigned short)type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Open a nested attribute: returns its offset; close with nest_end(). */
static size_t nest_start(uint8_t *msg, int type)
{
	struct nlmsghdr *nh = (void *)msg;
	size_t off = NLMSG_ALIGN(nh->nlmsg_len);
	struct rtattr *rta = (void *)(msg + off);

	rta->rta_type = (unsigned short)(type | NLA_F_NESTED);
	rta->rta_len = RTA_LENGTH(0);
	nh->nlmsg_len = (uint32_t)(off + RTA_LENGTH(0));
	return off;
}

static void nest_end(uint8_t *msg, size_t off)
{
	struct nlmsghdr *nh = (void *)msg;
	struct rtattr *rta = (void *)(msg + off);

	rta->rta_len = (unsigned short)(nh->nlmsg_len - off);
}

static size_t msg_link(uint8_t *msg, int type, const struct flink *l, uint32_t seq, uint32_t pid,
		       int family)
{
	struct nlmsghdr *nh = (void *)msg;
	struct ifinfomsg *ifi = NLMSG_DATA(nh);

	memset(msg, 0, 1024);
	nh->nlmsg_type = (uint16_t)type;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	nh->nlmsg_seq = seq;
	nh->nlmsg_pid = pid;
	nh->nlmsg_flags = seq && !pid ? NLM_F_MULTI : 0;
	ifi->ifi_family = (unsigned char)family;
	ifi->ifi_index = l->ifindex;
	ifi->ifi_flags = l->flags;
	attr(msg, IFLA_IFNAME, l->name, strlen(l->name) + 1);
	attr(msg, IFLA_MTU, &l->mtu, 4);
	attr(msg, IFLA_ADDRESS, l->mac, 6);
	if (l->parent)
		attr(msg, IFLA_LINK, &l->parent, 4);
	if (l->vlan) {
		size_t li = nest_start(msg, IFLA_LINKINFO), d;
		uint16_t proto = htons(l->vproto);

		attr(msg, IFLA_INFO_KIND, "vlan", 5);
		d = nest_start(msg, IFLA_INFO_DATA);
		attr(msg, IFLA_VLAN_ID, &l->vid, 2);
		attr(msg, IFLA_VLAN_PROTOCOL, &proto, 2);
		nest_end(msg, d);
		nest_end(msg, li);
	}
	return nh->nlmsg_len;
}

static size_t msg_addr(uint8_t *msg, int type, const struct faddr *a, uint32_t seq, uint32_t pid)
{
	struct nlmsghdr *nh = (void *)msg;
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	size_t alen = a->family == AF_INET ? 4 : 16;

	memset(msg, 0, 1024);
	nh->nlmsg_type = (uint16_t)type;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	nh->nlmsg_seq = seq;
	nh->nlmsg_pid = pid;
	nh->nlmsg_flags = seq && !pid ? NLM_F_MULTI : 0;
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)a->plen;
	ifa->ifa_flags = (unsigned char)a->flags;
	ifa->ifa_index = (unsigned int)a->ifindex;
	attr(msg, IFA_ADDRESS, a->addr, alen);
	if (a->family == AF_INET) {
		attr(msg, IFA_LOCAL, a->addr, alen);
		if (a->brd[0])
			attr(msg, IFA_BROADCAST, a->brd, 4);
	}
	attr(msg, IFA_FLAGS, &a->flags, 4);
	return nh->nlmsg_len;
}

static int fake_send(void *ctx, const void *buf, size_t len)
{
	struct fake *f = ctx;
	const struct nlmsghdr *req = buf;
	uint8_t dgram[8192], msg[1024];
	size_t off = 0, n;
	int i, intr = 0, lose = f->enobufs_in_dump > 0;

	ck_assert_uint_ge(len, NLMSG_LENGTH(0));
	ck_assert(req->nlmsg_flags & NLM_F_DUMP);
	f->requests++;
	/* three messages per datagram, as the kernel packs them */
	if (req->nlmsg_type == RTM_GETLINK) {
		for (i = 0; i < f->nr_links; i++) {
			n = msg_link(msg, RTM_NEWLINK, &f->links[i], req->nlmsg_seq, 0, AF_UNSPEC);
			memcpy(dgram + off, msg, n);
			off += NLMSG_ALIGN(n);
			if (i % 3 == 2) {
				push(f, dgram, off, 0);
				off = 0;
			}
		}
	} else {
		ck_assert_int_eq(req->nlmsg_type, RTM_GETADDR);
		intr = f->intr_dumps > 0;
		for (i = 0; i < f->nr_addrs; i++) {
			n = msg_addr(msg, RTM_NEWADDR, &f->addrs[i], req->nlmsg_seq, 0);
			memcpy(dgram + off, msg, n);
			off += NLMSG_ALIGN(n);
			if (i % 3 == 2) {
				push(f, dgram, off, 0);
				off = 0;
			}
		}
		if (intr)
			f->intr_dumps--;
		if (lose) {
			f->enobufs_in_dump--;
			push(f, NULL, 0, -ENOBUFS);
		}
	}
	{
		struct nlmsghdr *done = (void *)(dgram + off);

		memset(done, 0, NLMSG_LENGTH(4));
		done->nlmsg_type = NLMSG_DONE;
		done->nlmsg_len = NLMSG_LENGTH(4);
		done->nlmsg_seq = req->nlmsg_seq;
		done->nlmsg_flags = NLM_F_MULTI | (intr ? NLM_F_DUMP_INTR : 0);
		off += NLMSG_LENGTH(4);
		push(f, dgram, off, 0);
	}
	return 0;
}

static ssize_t fake_recv(void *ctx, void *buf, size_t len, int timeout_ms)
{
	struct fake *f = ctx;
	ssize_t n;
	int i;

	(void)timeout_ms;
	if (f->head == f->tail)
		return -EAGAIN;
	i = f->head++ % QMAX;
	if (f->q[i].err)
		return f->q[i].err;
	ck_assert_uint_le(f->q[i].len, len);
	if (f->q[i].len)
		memcpy(buf, f->q[i].buf, f->q[i].len);
	n = (ssize_t)f->q[i].len;
	free(f->q[i].buf);
	f->q[i].buf = NULL;
	return n;
}

static void fake_free(struct fake *f)
{
	while (f->head < f->tail) {
		free(f->q[f->head % QMAX].buf);
		f->head++;
	}
	free(f);
}

static struct flink *fake_link(struct fake *f, int ifindex, const char *name, int parent,
			       uint16_t vproto, uint16_t vid)
{
	struct flink *l = &f->links[f->nr_links++];

	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	l->parent = parent;
	l->flags = IFF_UP | IFF_RUNNING | (ifindex == 1 ? IFF_LOOPBACK : 0);
	l->mtu = ifindex == 1 ? 65536 : 1500;
	l->mac[0] = 0x02;
	l->mac[5] = (uint8_t)(parent ? parent : ifindex);	/* VLANs inherit the MAC */
	if (ifindex == 1)
		memset(l->mac, 0, 6);
	l->vlan = vproto != 0;
	l->vproto = vproto;
	l->vid = vid;
	snprintf(l->name, sizeof(l->name), "%s", name);
	return l;
}

static struct faddr *fake_addr(struct fake *f, int ifindex, const char *ip, int plen,
			       uint32_t flags)
{
	struct faddr *a = &f->addrs[f->nr_addrs++];

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	a->family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	a->plen = plen;
	a->flags = flags;
	ck_assert_int_eq(inet_pton(a->family, ip, a->addr), 1);
	return a;
}

static void fake_del_addr(struct fake *f, const struct faddr *a)
{
	int i;

	for (i = 0; i < f->nr_addrs; i++)
		if (&f->addrs[i] == a)
			f->addrs[i] = f->addrs[--f->nr_addrs];
}

/* An event as `ip` would cause it: seq and pid of the sender. */
static void event_link(struct fake *f, int type, const struct flink *l, int family)
{
	uint8_t msg[1024];

	push(f, msg, msg_link(msg, type, l, 1234, 4242, family), 0);
}

static void event_addr(struct fake *f, int type, const struct faddr *a)
{
	uint8_t msg[1024];

	push(f, msg, msg_addr(msg, type, a, 1234, 4242), 0);
}

/* lo, the served veth0 with 802.1Q 100 and QinQ 802.1ad 10 / 802.1Q 20 on it,
 * eth1 with its own VLAN, and a stack three deep that cannot be ours. */
static struct fake *sample_fake(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct faddr *a;

	ck_assert_ptr_nonnull(f);
	fake_link(f, 1, "lo", 0, 0, 0);
	fake_link(f, 2, "veth0", 0, 0, 0);
	fake_link(f, 3, "eth1", 0, 0, 0);
	fake_link(f, 10, "veth0.100", 2, XST_ETH_P_8021Q, 100);
	fake_link(f, 11, "veth0.ad10", 2, XST_ETH_P_8021AD, 10);
	fake_link(f, 12, "veth0.ad10.20", 11, XST_ETH_P_8021Q, 20);
	fake_link(f, 13, "eth1.5", 3, XST_ETH_P_8021Q, 5);
	fake_link(f, 14, "deep", 12, XST_ETH_P_8021Q, 30);
	fake_addr(f, 1, "127.0.0.1", 8, IFA_F_PERMANENT);
	fake_addr(f, 1, "::1", 128, IFA_F_PERMANENT);
	fake_addr(f, 1, "192.0.2.53", 32, IFA_F_PERMANENT);
	a = fake_addr(f, 2, "198.18.0.1", 24, IFA_F_PERMANENT);
	inet_pton(AF_INET, "198.18.0.255", a->brd);
	fake_addr(f, 2, "fd00::1", 64, IFA_F_PERMANENT);
	fake_addr(f, 2, "fe80::1", 64, IFA_F_PERMANENT);
	fake_addr(f, 3, "10.1.0.1", 16, IFA_F_PERMANENT);
	fake_addr(f, 3, "fe80::3", 64, IFA_F_PERMANENT);
	return f;
}

/* ---- a recording consumer ------------------------------------------------------------ */

struct rec {
	struct xst_host *cur;		/* ours, per the ownership contract */
	int views;
	int nr;
	enum xst_netwatch_what what[64];
	struct xst_host_addr addr[64];	/* copies: the views go away */
	struct xst_host_vlan vlan[64];
};

static void on_change(void *arg, const struct xst_netwatch_change *c)
{
	struct rec *r = arg;

	ck_assert_ptr_eq(c->old, r->cur);	/* compared with the view we hold */
	if (r->nr == 64)
		return;	/* only the malformed-input test gets this far */
	r->what[r->nr] = c->what;
	if (c->addr || c->old_addr)
		r->addr[r->nr] = c->addr ? *c->addr : *c->old_addr;
	if (c->vlan || c->old_vlan)
		r->vlan[r->nr] = c->vlan ? *c->vlan : *c->old_vlan;
	r->nr++;
}

static void on_view(void *arg, struct xst_host *h)
{
	struct rec *r = arg;

	xst_host_destroy(r->cur);	/* a real daemon: after an RCU grace period */
	r->cur = h;
	r->views++;
}

static const struct xst_netwatch_ops rec_ops = { on_change, on_view };

static struct xst_netwatch *watch(struct fake *f, struct rec *r, const char *ifname, int *err)
{
	struct xst_netwatch_io io = { fake_send, fake_recv, f };
	struct xst_netwatch_cfg cfg = { ifname, &rec_ops, r, &io };
	struct xst_netwatch *nw = NULL;

	*err = xst_netwatch_create(&nw, &cfg);
	return nw;
}

static const struct xst_host_addr *view_addr(const struct xst_host *h, const char *ip)
{
	uint8_t a[16] = { 0 };
	unsigned int i;

	inet_pton(strchr(ip, ':') ? AF_INET6 : AF_INET, ip, a);
	for (i = 0; i < h->nr_addrs; i++)
		if (!memcmp(h->addrs[i].addr, a, 16))
			return &h->addrs[i];
	return NULL;
}

static void process(struct xst_netwatch *nw, struct rec *r)
{
	r->nr = 0;
	ck_assert_int_eq(xst_netwatch_process(nw), 0);
}

/* ---- tests ----------------------------------------------------------------------------- */

START_TEST(test_nw_first_view)
{
	struct fake *f = sample_fake();
	struct rec r = { 0 };
	struct xst_netwatch *nw;
	const struct xst_host *h;
	const struct xst_host_vlan *v;
	int err;

	nw = watch(f, &r, "veth0", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(r.views, 1);
	ck_assert_int_eq(r.nr, 0);	/* no changes for the first view */
	h = xst_netwatch_view(nw);
	ck_assert_ptr_eq(h, r.cur);
	ck_assert_int_eq(h->ifindex, 2);
	ck_assert_str_eq(h->ifname, "veth0");
	ck_assert_uint_eq(h->mtu, 1500);
	ck_assert_uint_eq(h->mac[5], 2);
	ck_assert_uint_eq(h->nr_vlans, 3);	/* not eth1.5, not the 3-deep one */
	v = xst_host_find_vlan(h, 10);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->nr_tags, 1);
	ck_assert_uint_eq(v->tpid[0], XST_ETH_P_8021Q);
	ck_assert_uint_eq(v->vid[0], 100);
	v = xst_host_find_vlan(h, 12);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->nr_tags, 2);
	ck_assert_uint_eq(v->tpid[0], XST_ETH_P_8021AD);
	ck_assert_uint_eq(v->vid[0], 10);
	ck_assert_uint_eq(v->tpid[1], XST_ETH_P_8021Q);
	ck_assert_uint_eq(v->vid[1], 20);
	ck_assert_str_eq(v->name, "veth0.ad10.20");
	ck_assert_ptr_null(xst_host_find_vlan(h, 13));
	ck_assert_ptr_null(xst_host_find_vlan(h, 14));
	ck_assert_uint_eq(h->nr_addrs, 8);
	ck_assert(view_addr(h, "192.0.2.53")->flags & XST_HOST_A_SERVED);
	ck_assert(!(view_addr(h, "127.0.0.1")->flags & XST_HOST_A_SERVED));
	ck_assert(view_addr(h, "198.18.0.1")->flags & XST_HOST_A_IFACE);
	ck_assert_uint_eq(view_addr(h, "198.18.0.1")->brd[3], 255);
	ck_assert(view_addr(h, "fe80::1")->flags & XST_HOST_A_SERVED);
	ck_assert(!(view_addr(h, "fe80::3")->flags & XST_HOST_A_SERVED));
	ck_assert(view_addr(h, "10.1.0.1")->flags & XST_HOST_A_SERVED);
	ck_assert_str_eq(view_addr(h, "10.1.0.1")->ifname, "eth1");
	ck_assert_uint_eq(xst_netwatch_dumps(nw), 1);
	ck_assert_int_eq(xst_netwatch_fd(nw), -1);
	ck_assert_int_eq(f->requests, 2);	/* links, then addresses */

	xst_netwatch_destroy(nw);
	xst_host_destroy(r.cur);
	fake_free(f);
}
END_TEST

START_TEST(test_nw_no_such_iface)
{
	struct fake *f = sample_fake();
	struct rec r = { 0 };
	int err;

	ck_assert_ptr_null(watch(f, &r, "veth9", &err));
	ck_assert_int_eq(err, -ENODEV);
	ck_assert_int_eq(r.views, 0);
	ck_assert_ptr_null(watch(f, &r, "", &err));
	ck_assert_int_eq(err, -EINVAL);
	fake_free(f);
}
END_TEST

START_TEST(test_nw_addresses)
{
	struct fake *f = sample_fake();
	struct rec r = { 0 };
	struct xst_netwatch *nw;
	struct faddr *a, *b, *c;
	int err;

	nw = watch(f, &r, "veth0", &err);
	ck_assert_int_eq(err, 0);

	/* nothing queued: no new view */
	process(nw, &r);
	ck_assert_int_eq(r.views, 1);

	a = fake_addr(f, 2, "198.18.0.9", 15, IFA_F_PERMANENT);
	event_addr(f, RTM_NEWADDR, a);
	process(nw, &r);
	ck_assert_int_eq(r.views, 2);
	ck_assert_int_eq(r.nr, 1);
	ck_assert_int_eq(r.what[0], XST_NW_ADDR_ADDED);
	ck_assert_uint_eq(r.addr[0].prefixlen, 15);
	ck_assert(r.addr[0].flags & XST_HOST_A_SERVED);
	ck_assert_str_eq(r.addr[0].ifname, "veth0");

	/* the same NEWADDR again (a lifetime refresh): nothing changed */
	event_addr(f, RTM_NEWADDR, a);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 0);
	ck_assert_int_eq(r.views, 2);

	/* IPv6: tentative first, then DAD done; one address, one change each */
	b = fake_addr(f, 2, "fd00::9", 64, IFA_F_TENTATIVE);
	event_addr(f, RTM_NEWADDR, b);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 1);
	ck_assert_int_eq(r.what[0], XST_NW_ADDR_ADDED);
	ck_assert(!(r.addr[0].flags & XST_HOST_A_SERVED));
	ck_assert(r.addr[0].flags & XST_HOST_A_PENDING);
	b->flags = IFA_F_PERMANENT;
	event_addr(f, RTM_NEWADDR, b);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 1);
	ck_assert_int_eq(r.what[0], XST_NW_ADDR_CHANGED);
	ck_assert(r.addr[0].flags & XST_HOST_A_SERVED);
	ck_assert_uint_eq(xst_netwatch_view(nw)->nr_addrs, 10);

	/* optimistic DAD: usable at once */
	c = fake_addr(f, 2, "fd00::a", 64, IFA_F_TENTATIVE | IFA_F_OPTIMISTIC);
	event_addr(f, RTM_NEWADDR, c);
	/* and DAD failed on another */
	b = fake_addr(f, 2, "fd00::b", 64, IFA_F_TENTATIVE | IFA_F_DADFAILED);
	event_addr(f, RTM_NEWADDR, b);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 2);	/* one view for both */
	ck_assert(view_addr(r.cur, "fd00::a")->flags & XST_HOST_A_SERVED);
	ck_assert(!(view_addr(r.cur, "fd00::b")->flags & (XST_HOST_A_SERVED | XST_HOST_A_PENDING)));

	/* removal */
	event_addr(f, RTM_DELADDR, a);
	fake_del_addr(f, a);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 1);
	ck_assert_int_eq(r.what[0], XST_NW_ADDR_REMOVED);
	ck_assert_uint_eq(r.addr[0].addr[3], 9);
	ck_assert(r.addr[0].flags & XST_HOST_A_SERVED);	/* as it was */
	ck_assert_ptr_null(view_addr(r.cur, "198.18.0.9"));

	/* the same address twice with two prefixes (IPv4 allows it): two entries */
	a = fake_addr(f, 2, "198.18.0.1", 16, IFA_F_PERMANENT);
	event_addr(f, RTM_NEWADDR, a);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 1);
	event_addr(f, RTM_DELADDR, a);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 1);
	ck_assert_int_eq(r.what[0], XST_NW_ADDR_REMOVED);
	ck_assert_uint_eq(r.addr[0].prefixlen, 16);
	ck_assert_ptr_nonnull(view_addr(r.cur, "198.18.0.1"));	/* the /24 stays */

	xst_netwatch_destroy(nw);
	xst_host_destroy(r.cur);
	fake_free(f);
}
END_TEST

START_TEST(test_nw_links)
{
	struct fake *f = sample_fake();
	struct rec r = { 0 };
	struct xst_netwatch *nw;
	struct flink *l;
	struct faddr *a;
	int err;

	nw = watch(f, &r, "veth0", &err);
	ck_assert_int_eq(err, 0);

	/* MTU and MAC of the served interface */
	f->links[1].mtu = 9000;
	f->links[1].mac[4] = 0x77;
	event_link(f, RTM_NEWLINK, &f->links[1], AF_UNSPEC);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 2);
	ck_assert_int_eq(r.what[0], XST_NW_IFACE_MTU);
	ck_assert_int_eq(r.what[1], XST_NW_IFACE_MAC);
	ck_assert_uint_eq(r.cur->mtu, 9000);
	ck_assert_uint_eq(r.cur->mac[4], 0x77);

	/* a bridge port event (AF_BRIDGE) is about the port, not the link:
	 * a DELLINK of that family must not delete anything */
	event_link(f, RTM_DELLINK, &f->links[1], AF_BRIDGE);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 0);
	ck_assert_int_eq(r.cur->ifindex, 2);

	/* a new VLAN device, an address on it; then it goes down, then away */
	l = fake_link(f, 20, "veth0.200", 2, XST_ETH_P_8021Q, 200);
	event_link(f, RTM_NEWLINK, l, AF_UNSPEC);
	a = fake_addr(f, 20, "100.64.0.1", 24, IFA_F_PERMANENT);
	event_addr(f, RTM_NEWADDR, a);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 2);
	ck_assert_int_eq(r.what[0], XST_NW_VLAN_ADDED);
	ck_assert_uint_eq(r.vlan[0].vid[0], 200);
	ck_assert_int_eq(r.what[1], XST_NW_ADDR_ADDED);
	ck_assert(r.addr[1].flags & XST_HOST_A_IFACE);
	ck_assert(r.addr[1].flags & XST_HOST_A_SERVED);

	l->flags &= ~IFF_UP;
	event_link(f, RTM_NEWLINK, l, AF_UNSPEC);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 2);
	ck_assert_int_eq(r.what[0], XST_NW_VLAN_REMOVED);
	ck_assert_int_eq(r.what[1], XST_NW_ADDR_CHANGED);	/* link down: not served */
	ck_assert(!(r.addr[1].flags & XST_HOST_A_SERVED));

	event_link(f, RTM_DELLINK, l, AF_UNSPEC);	/* no DELADDR first: still consistent */
	process(nw, &r);
	ck_assert_int_eq(r.nr, 1);
	ck_assert_int_eq(r.what[0], XST_NW_ADDR_REMOVED);
	ck_assert_ptr_null(view_addr(r.cur, "100.64.0.1"));

	/* the outer device of the QinQ stack goes down: both leave */
	f->links[4].flags &= ~IFF_UP;
	event_link(f, RTM_NEWLINK, &f->links[4], AF_UNSPEC);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 2);
	ck_assert_int_eq(r.what[0], XST_NW_VLAN_REMOVED);
	ck_assert_int_eq(r.what[1], XST_NW_VLAN_REMOVED);
	ck_assert_uint_eq(r.cur->nr_vlans, 1);

	/* renamed */
	snprintf(f->links[1].name, IF_NAMESIZE, "served");
	event_link(f, RTM_NEWLINK, &f->links[1], AF_UNSPEC);
	process(nw, &r);
	ck_assert_int_eq(r.nr, 1);
	ck_assert_int_eq(r.what[0], XST_NW_IFACE_NAME);
	ck_assert_str_eq(r.cur->ifname, "served");

	xst_netwatch_destroy(nw);
	xst_host_destroy(r.cur);
	fake_free(f);
}
END_TEST

START_TEST(test_nw_iface_deleted)
{
	struct fake *f = sample_fake();
	struct rec r = { 0 };
	struct xst_netwatch *nw;
	struct flink again;
	int err, i;

	nw = watch(f, &r, "veth0", &err);
	ck_assert_int_eq(err, 0);
	event_link(f, RTM_DELLINK, &f->links[1], AF_UNSPEC);
	process(nw, &r);
	ck_assert_int_ge(r.nr, 1);
	ck_assert_int_eq(r.what[0], XST_NW_IFACE_DELETED);
	ck_assert_int_eq(r.cur->ifindex, 0);
	for (i = 1; i < r.nr; i++)	/* its addresses and VLAN devices went with it */
		ck_assert(r.what[i] == XST_NW_VLAN_REMOVED || r.what[i] == XST_NW_ADDR_REMOVED ||
			  r.what[i] == XST_NW_ADDR_CHANGED);
	for (i = 0; i < (int)r.cur->nr_addrs; i++)
		ck_assert(!(r.cur->addrs[i].flags & XST_HOST_A_SERVED));

	/* an interface of the same name later is another one */
	again = f->links[1];
	again.ifindex = 40;
	event_link(f, RTM_NEWLINK, &again, AF_UNSPEC);
	process(nw, &r);
	ck_assert_int_eq(r.cur->ifindex, 0);
	for (i = 0; i < r.nr; i++)
		ck_assert_int_ne(r.what[i], XST_NW_IFACE_DELETED);	/* reported once */

	xst_netwatch_destroy(nw);
	xst_host_destroy(r.cur);
	fake_free(f);
}
END_TEST

/* Events lost: the next dump finds what happened meanwhile, reported as changes. */
START_TEST(test_nw_enobufs)
{
	struct fake *f = sample_fake();
	struct rec r = { 0 };
	struct xst_netwatch *nw;
	int err;

	nw = watch(f, &r, "veth0", &err);
	ck_assert_int_eq(err, 0);
	/* while the socket overflowed: 198.18.0.1 went, 203.0.113.7 came */
	fake_del_addr(f, &f->addrs[3]);
	fake_addr(f, 2, "203.0.113.7", 24, IFA_F_PERMANENT);
	push(f, NULL, 0, -ENOBUFS);
	process(nw, &r);
	ck_assert_uint_eq(xst_netwatch_overruns(nw), 1);
	ck_assert_uint_eq(xst_netwatch_dumps(nw), 2);
	ck_assert_int_eq(r.nr, 2);
	ck_assert_int_eq(r.what[0], XST_NW_ADDR_REMOVED);
	ck_assert_uint_eq(r.addr[0].addr[0], 198);
	ck_assert_int_eq(r.what[1], XST_NW_ADDR_ADDED);
	ck_assert_uint_eq(r.addr[1].addr[0], 203);

	/* overflow again during the re-dump itself: dumped once more */
	push(f, NULL, 0, -ENOBUFS);
	f->enobufs_in_dump = 1;
	process(nw, &r);
	ck_assert_uint_eq(xst_netwatch_overruns(nw), 3);
	ck_assert_uint_eq(xst_netwatch_dumps(nw), 3);
	ck_assert_int_eq(r.nr, 0);	/* nothing changed: no report */

	/* the served interface vanished while events were lost */
	f->links[1] = f->links[--f->nr_links];
	push(f, NULL, 0, -ENOBUFS);
	process(nw, &r);
	ck_assert_int_eq(r.what[0], XST_NW_IFACE_DELETED);

	xst_netwatch_destroy(nw);
	xst_host_destroy(r.cur);
	fake_free(f);
}
END_TEST

START_TEST(test_nw_dump_interrupted)
{
	struct fake *f = sample_fake();
	struct rec r = { 0 };
	struct xst_netwatch *nw;
	int err;

	f->intr_dumps = 2;
	nw = watch(f, &r, "veth0", &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(f->requests, 6);	/* two interrupted, one whole */
	ck_assert_uint_eq(xst_netwatch_dumps(nw), 1);
	ck_assert_uint_eq(r.cur->nr_addrs, 8);
	xst_netwatch_destroy(nw);
	xst_host_destroy(r.cur);
	fake_free(f);

	/* always interrupted: gives up */
	f = sample_fake();
	f->intr_dumps = 100;
	ck_assert_ptr_null(watch(f, &r, "veth0", &err));
	ck_assert_int_eq(err, -EINTR);
	fake_free(f);
}
END_TEST

/* Every prefix of every message, and bytes flipped: ignored or applied, never a crash. */
START_TEST(test_nw_malformed)
{
	struct fake *f = sample_fake();
	struct rec r = { 0 };
	struct xst_netwatch *nw;
	uint8_t msg[1024], bad[1024];
	size_t len, cut;
	uint32_t x = 99;
	int err, k, i;

	nw = watch(f, &r, "veth0", &err);
	ck_assert_int_eq(err, 0);
	for (k = 0; k < 3; k++) {
		if (k == 0)
			len = msg_link(msg, RTM_NEWLINK, &f->links[5], 1, 4242, AF_UNSPEC);
		else if (k == 1)
			len = msg_addr(msg, RTM_NEWADDR, &f->addrs[3], 1, 4242);
		else
			len = msg_addr(msg, RTM_DELADDR, &f->addrs[4], 1, 4242);
		for (cut = 0; cut <= len; cut++) {
			struct nlmsghdr *nh = (void *)bad;

			memcpy(bad, msg, len);
			if (cut >= sizeof(*nh))
				nh->nlmsg_len = (uint32_t)cut;	/* the header says it too */
			push(f, bad, cut, 0);
			process(nw, &r);
		}
		for (i = 0; i < 2000; i++) {
			memcpy(bad, msg, len);
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			bad[sizeof(struct nlmsghdr) + x % (len - sizeof(struct nlmsghdr))] ^=
				(uint8_t)(x >> 8);
			push(f, bad, len, 0);
			process(nw, &r);
		}
	}
	/* a resync afterwards gives the fake's truth again */
	ck_assert_int_eq(xst_netwatch_resync(nw), 0);
	ck_assert_int_eq(r.cur->ifindex, 2);
	ck_assert_uint_eq(r.cur->nr_addrs, 8);
	xst_netwatch_destroy(nw);
	xst_host_destroy(r.cur);
	fake_free(f);
}
END_TEST

/* Without a view() callback the watcher owns its views (and frees them). */
START_TEST(test_nw_owns_views)
{
	static const struct xst_netwatch_ops none = { NULL, NULL };
	struct fake *f = sample_fake();
	struct xst_netwatch_io io = { fake_send, fake_recv, f };
	struct xst_netwatch_cfg cfg = { "veth0", &none, NULL, &io };
	struct xst_netwatch *nw;
	struct faddr *a;

	ck_assert_int_eq(xst_netwatch_create(&nw, &cfg), 0);
	a = fake_addr(f, 2, "198.18.0.9", 15, IFA_F_PERMANENT);
	event_addr(f, RTM_NEWADDR, a);
	ck_assert_int_eq(xst_netwatch_process(nw), 0);
	ck_assert_ptr_nonnull(view_addr(xst_netwatch_view(nw), "198.18.0.9"));
	xst_netwatch_destroy(nw);	/* LeakSanitizer checks the rest */
	fake_free(f);
}
END_TEST

/* The real socket: the test process's own namespace has lo at least. */
START_TEST(test_nw_real_socket)
{
	static const struct xst_netwatch_ops none = { NULL, NULL };
	struct xst_netwatch_cfg cfg = { "lo", &none, NULL, NULL };
	struct xst_netwatch *nw;
	int err = xst_netwatch_create(&nw, &cfg);

	if (err == -EPERM || err == -EACCES || err == -EAFNOSUPPORT)
		return;	/* no netlink here: nothing to test */
	ck_assert_int_eq(err, 0);
	ck_assert_int_ge(xst_netwatch_fd(nw), 0);
	ck_assert_int_gt(xst_netwatch_view(nw)->ifindex, 0);
	ck_assert_int_eq(xst_netwatch_process(nw), 0);
	xst_netwatch_destroy(nw);
}
END_TEST

/* ---- hostwatch: the maps and listeners follow the views ------------------------------- */

static int map4_has(int fd, const char *ip)
{
	uint8_t k[4];
	__u32 v;

	inet_pton(AF_INET, ip, k);
	return !bpf_map_lookup_elem(fd, k, &v);
}

static int map6_has(int fd, const char *ip)
{
	struct xst_in6 k;
	__u32 v;

	inet_pton(AF_INET6, ip, k.addr);
	return !bpf_map_lookup_elem(fd, &k, &v);
}

static int map_count(int fd, size_t ks)
{
	uint8_t k[16], next[16];
	int n = 0, first = 1;

	while (!bpf_map_get_next_key(fd, first ? NULL : k, next)) {
		memcpy(k, next, ks);
		first = 0;
		n++;
	}
	return n;
}

struct hwrec {
	struct xst_host *cur;
	int published, gone;
};

static void hw_publish(void *arg, struct xst_host *h)
{
	struct hwrec *r = arg;

	xst_host_destroy(r->cur);
	r->cur = h;
	r->published++;
}

static void hw_gone(void *arg)
{
	((struct hwrec *)arg)->gone++;
}

/*
 * The served interface is ifindex 1 in the fake (the real lo), so that the
 * listeners' SO_BINDTOIFINDEX works in the test's namespace; IP_FREEBIND
 * lets them bind the fake's addresses.
 */
START_TEST(test_hw_maps_and_listeners)
{
	struct xst_steer_maps m = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	struct xst_steer_config scfg = { .abi_version = XST_ABI_VERSION, .flags = XST_F_ENABLED };
	struct fake *f = calloc(1, sizeof(*f));
	struct xst_netwatch_io io = { fake_send, fake_recv, f };
	struct xst_dns_tcp_cfg tcfg = { .port = 0 };
	struct xst_hostwatch_cfg cfg = { "veth0", &m, NULL, hw_publish, hw_gone, NULL, &io };
	struct sockaddr_in busy = { .sin_family = AF_INET };
	int bfd, yes = 1, lo = 1;
	struct hwrec r = { 0 };
	struct xst_hostwatch *hw;
	struct xst_rcu rcu;
	struct xst_rcu_ptr dbp;
	atomic_int stop = 0;
	struct xst_dns_tcp *t;
	struct xst_mac mac = { { 0x02, 0, 0, 0, 0, 0x01 }, 0 };
	uint8_t stale[4] = { 203, 0, 113, 99 };
	struct faddr *a, *b;
	struct flink *v;
	__u32 one = 1, key = 0;

	m.local4 = bpf_map_create(BPF_MAP_TYPE_HASH, "local4_map", 4, 4, 256, NULL);
	if (m.local4 < 0 && (errno == EPERM || errno == EACCES)) {
		fake_free(f);
		return;	/* no BPF here (not root): nothing to test */
	}
	ck_assert_int_ge(m.local4, 0);
	m.local6 = bpf_map_create(BPF_MAP_TYPE_HASH, "local6_map", 16, 4, 256, NULL);
	m.macs = bpf_map_create(BPF_MAP_TYPE_HASH, "macs_map", 8, 4, 64, NULL);
	m.config = bpf_map_create(BPF_MAP_TYPE_ARRAY, "config_map", 4, sizeof(scfg), 1, NULL);
	ck_assert_int_ge(m.local6, 0);
	ck_assert_int_ge(m.macs, 0);
	ck_assert_int_ge(m.config, 0);
	ck_assert_int_eq(bpf_map_update_elem(m.config, &key, &scfg, BPF_ANY), 0);
	/* left by the loader or an earlier daemon: must go, the others stay */
	ck_assert_int_eq(bpf_map_update_elem(m.local4, stale, &one, BPF_ANY), 0);

	xst_rcu_init(&rcu);
	xst_rcu_ptr_init(&dbp, NULL);
	tcfg.port = (uint16_t)(20000 + getpid() % 20000);
	ck_assert_int_eq(xst_dns_tcp_create(&t, &tcfg, &rcu, &dbp, &stop), 0);
	cfg.tcp = t;
	cfg.arg = &r;
	/* another server holds one of the addresses on that device: logged, not fatal */
	bfd = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "198.18.0.7", &busy.sin_addr);
	busy.sin_port = htons(tcfg.port);
	ck_assert_int_eq(setsockopt(bfd, IPPROTO_IP, IP_FREEBIND, &yes, sizeof(yes)), 0);
	ck_assert_int_eq(setsockopt(bfd, SOL_SOCKET, SO_BINDTOIFINDEX, &lo, sizeof(lo)), 0);
	ck_assert_int_eq(bind(bfd, (struct sockaddr *)&busy, sizeof(busy)), 0);
	ck_assert_int_eq(listen(bfd, 1), 0);

	fake_link(f, 1, "veth0", 0, 0, 0);
	f->links[0].mac[0] = 2;
	f->links[0].mac[5] = 1;
	fake_link(f, 3, "eth1", 0, 0, 0);
	fake_addr(f, 1, "198.18.0.1", 24, IFA_F_PERMANENT);
	fake_addr(f, 1, "198.18.0.7", 24, IFA_F_PERMANENT);
	fake_addr(f, 1, "fd00::1", 64, IFA_F_PERMANENT);
	fake_addr(f, 1, "fe80::1", 64, IFA_F_PERMANENT);
	fake_addr(f, 3, "10.1.0.1", 16, IFA_F_PERMANENT);
	fake_addr(f, 3, "fe80::3", 64, IFA_F_PERMANENT);
	fake_addr(f, 3, "127.0.0.1", 8, IFA_F_PERMANENT);

	ck_assert_int_eq(xst_hostwatch_create(&hw, &cfg), 0);
	ck_assert_int_eq(r.published, 1);
	ck_assert_ptr_eq(xst_hostwatch_view(hw), r.cur);
	ck_assert(map4_has(m.local4, "198.18.0.1"));
	ck_assert(map4_has(m.local4, "10.1.0.1"));	/* weak host */
	ck_assert(!map4_has(m.local4, "127.0.0.1"));
	ck_assert(!map4_has(m.local4, "203.0.113.99"));
	ck_assert_int_eq(map_count(m.local4, 4), 3);
	ck_assert(map6_has(m.local6, "fd00::1"));
	ck_assert(map6_has(m.local6, "fe80::1"));
	ck_assert(!map6_has(m.local6, "fe80::3"));
	ck_assert(!bpf_map_lookup_elem(m.macs, &mac, &one));
	ck_assert_int_eq(map_count(m.macs, 8), 1);
	ck_assert_int_eq(bpf_map_lookup_elem(m.config, &key, &scfg), 0);
	ck_assert_uint_eq(scfg.flags, XST_F_ENABLED | XST_F_LOCAL_ONLY | XST_F_MAC_ONLY);
	/* 198.18.0.1, 10.1.0.1, fd00::1, fe80::1 (scoped); 198.18.0.7 was taken */
	ck_assert_uint_eq(xst_hostwatch_nr_listeners(hw), 4);
	ck_assert_uint_eq(xst_dns_tcp_nr_listeners(t), 4);

	/* an address added, one removed, a VLAN device with its own MAC (an
	 * ifindex that the test's namespace does not have: its listeners
	 * fail, logged) */
	a = fake_addr(f, 1, "198.18.0.9", 15, IFA_F_PERMANENT);
	event_addr(f, RTM_NEWADDR, a);
	event_addr(f, RTM_DELADDR, &f->addrs[0]);
	v = fake_link(f, 999999, "veth0.100", 1, XST_ETH_P_8021Q, 100);
	v->mac[5] = 0x10;
	event_link(f, RTM_NEWLINK, v, AF_UNSPEC);
	ck_assert_int_eq(xst_hostwatch_process(hw), 0);
	ck_assert_int_eq(r.published, 2);
	ck_assert(map4_has(m.local4, "198.18.0.9"));
	ck_assert(!map4_has(m.local4, "198.18.0.1"));
	ck_assert_int_eq(map_count(m.macs, 8), 2);
	/* 198.18.0.9, fd00::1, fe80::1, 10.1.0.1 on veth0 (198.18.0.7 is
	 * still taken there); on the device that is not here, IPv4 binds
	 * (the kernel does not check an IPv4 socket's device) and IPv6 not */
	ck_assert_uint_eq(xst_hostwatch_nr_listeners(hw), 4 + 3);

	/* tentative IPv6: a listener already (FREEBIND), the map only after DAD */
	b = fake_addr(f, 1, "fd00::9", 64, IFA_F_TENTATIVE);
	event_addr(f, RTM_NEWADDR, b);
	ck_assert_int_eq(xst_hostwatch_process(hw), 0);
	ck_assert(!map6_has(m.local6, "fd00::9"));
	ck_assert_uint_eq(xst_hostwatch_nr_listeners(hw), 8);
	b->flags = IFA_F_PERMANENT;
	event_addr(f, RTM_NEWADDR, b);
	ck_assert_int_eq(xst_hostwatch_process(hw), 0);
	ck_assert(map6_has(m.local6, "fd00::9"));
	ck_assert_uint_eq(xst_hostwatch_nr_listeners(hw), 8);

	/* the VLAN device goes: its MAC and listeners go with it */
	event_link(f, RTM_DELLINK, v, AF_UNSPEC);
	ck_assert_int_eq(xst_hostwatch_process(hw), 0);
	ck_assert_int_eq(map_count(m.macs, 8), 1);
	ck_assert_uint_eq(xst_hostwatch_nr_listeners(hw), 5);
	ck_assert_uint_eq(xst_dns_tcp_nr_listeners(t), 5);

	/* the interface is deleted: told once, nothing served any more */
	ck_assert_int_eq(r.gone, 0);
	event_link(f, RTM_DELLINK, &f->links[0], AF_UNSPEC);
	ck_assert_int_eq(xst_hostwatch_process(hw), 0);
	ck_assert_int_eq(r.gone, 1);
	ck_assert(xst_hostwatch_gone(hw));
	ck_assert_int_eq(map_count(m.local4, 4), 0);
	ck_assert_int_eq(map_count(m.local6, 16), 0);
	ck_assert_uint_eq(xst_hostwatch_nr_listeners(hw), 0);
	ck_assert_uint_eq(xst_dns_tcp_nr_listeners(t), 0);
	event_link(f, RTM_DELLINK, &f->links[1], AF_UNSPEC);
	ck_assert_int_eq(xst_hostwatch_process(hw), 0);
	ck_assert_int_eq(r.gone, 1);

	xst_hostwatch_destroy(hw);
	xst_host_destroy(r.cur);
	xst_dns_tcp_destroy(t);
	close(bfd);
	close(m.local4);
	close(m.local6);
	close(m.macs);
	close(m.config);
	fake_free(f);
}
END_TEST

Suite *netwatch_suite(void)
{
	Suite *s = suite_create("netwatch");
	TCase *tc = tcase_create("netlink");

	tcase_add_test(tc, test_nw_first_view);
	tcase_add_test(tc, test_nw_no_such_iface);
	tcase_add_test(tc, test_nw_addresses);
	tcase_add_test(tc, test_nw_links);
	tcase_add_test(tc, test_nw_iface_deleted);
	tcase_add_test(tc, test_nw_enobufs);
	tcase_add_test(tc, test_nw_dump_interrupted);
	tcase_add_test(tc, test_nw_malformed);
	tcase_add_test(tc, test_nw_owns_views);
	tcase_add_test(tc, test_nw_real_socket);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostwatch");
	tcase_add_test(tc, test_hw_maps_and_listeners);
	suite_add_tcase(s, tc);
	return s;
}
