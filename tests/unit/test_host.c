// SPDX-License-Identifier: GPL-2.0
/*
 * The host view (net/host.h): a table of crafted frames (tags, MACs,
 * addresses, ports) against one host with VLAN and QinQ devices, addresses
 * on several interfaces, an anycast address on lo, link-local and tentative
 * IPv6 addresses; every frame under a guard page. Then the builder's
 * contract, the served/iface flags, and the hash tables against a brute
 * force with many addresses. The netlink side (daemon/netwatch.c) is in
 * test_netwatch.c.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/guard.h"
#include "net/eth.h"
#include "net/host.h"
#include "net/net.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t MAC_IF[6] = { 0x02, 0, 0, 0, 0, 0x01 };	/* the served interface */
static const uint8_t MAC_AD[6] = { 0x02, 0, 0, 0, 0, 0x0a };	/* its 802.1ad 10 device */
static const uint8_t MAC_QQ[6] = { 0x02, 0, 0, 0, 0, 0x0b };	/* 802.1ad 10 / 802.1Q 20 */
static const uint8_t MAC_PEER[6] = { 0x02, 0, 0, 0, 0, 0x02 };

enum { IF_LO = 1, IF_ETH0 = 2, IF_ETH1 = 3, IF_V100 = 10, IF_AD10 = 11, IF_QQ = 12 };

static void pton(int family, const char *s, uint8_t *out)
{
	memset(out, 0, 16);
	ck_assert_int_eq(inet_pton(family, s, out), 1);
}

static void add(struct xst_host *h, int ifindex, const char *ip, unsigned int plen,
		unsigned int flags)
{
	struct xst_host_addr a = { .ifindex = ifindex, .prefixlen = (uint8_t)plen,
				   .flags = (uint16_t)flags };

	a.family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	pton(a.family, ip, a.addr);
	snprintf(a.ifname, sizeof(a.ifname), "if%d", ifindex);
	ck_assert_int_eq(xst_host_add_addr(h, &a), 0);
}

static void add_vlan(struct xst_host *h, int ifindex, const uint8_t *mac, unsigned int n,
		     uint16_t tpid0, uint16_t vid0, uint16_t tpid1, uint16_t vid1)
{
	struct xst_host_vlan v = { .ifindex = ifindex, .mtu = 1500, .nr_tags = (uint8_t)n,
				   .tpid = { tpid0, tpid1 }, .vid = { vid0, vid1 } };

	memcpy(v.mac, mac, 6);
	snprintf(v.name, sizeof(v.name), "vlan%d", ifindex);
	ck_assert_int_eq(xst_host_add_vlan(h, &v), 0);
}

static struct xst_host *sample_host(void)
{
	struct xst_host *h;

	ck_assert_int_eq(xst_host_create(&h), 0);
	ck_assert_int_eq(xst_host_set_iface(h, IF_ETH0, "eth0", 1500, MAC_IF), 0);
	add_vlan(h, IF_V100, MAC_IF, 1, XST_ETH_P_8021Q, 100, 0, 0);
	add_vlan(h, IF_AD10, MAC_AD, 1, XST_ETH_P_8021AD, 10, 0, 0);
	add_vlan(h, IF_QQ, MAC_QQ, 2, XST_ETH_P_8021AD, 10, XST_ETH_P_8021Q, 20);
	add(h, IF_LO, "127.0.0.1", 8, 0);
	add(h, IF_LO, "::1", 128, 0);
	add(h, IF_LO, "192.0.2.53", 32, 0);		/* anycast service address */
	add(h, IF_ETH0, "198.18.0.1", 24, 0);
	add(h, IF_ETH0, "203.0.113.1", 31, 0);		/* point-to-point: no broadcast */
	add(h, IF_ETH0, "2001:db8::1", 64, 0);
	add(h, IF_ETH0, "fe80::1", 64, 0);
	add(h, IF_ETH0, "2001:db8:1::1", 64, XST_HOST_A_TENTATIVE);
	add(h, IF_ETH1, "10.1.0.1", 16, 0);
	add(h, IF_ETH1, "fe80::2", 64, 0);
	add(h, IF_V100, "100.64.0.1", 24, 0);
	add(h, IF_V100, "fe80::100", 64, 0);
	ck_assert_int_eq(xst_host_finalize(h), 0);
	return h;
}

/* ---- frames ------------------------------------------------------------------ */

struct tag {
	uint16_t tpid, vid;
};

struct frame_case {
	const char *name;
	const uint8_t *dmac;		/* NULL: MAC_IF */
	const uint8_t *smac;		/* NULL: MAC_PEER */
	struct tag tags[2];
	const char *src, *dst;
	uint8_t proto;			/* 0: UDP */
	uint16_t sport;			/* 0 means 0 only with sport0 */
	int sport0;
	enum xst_host_verdict want;
};

static const uint8_t MAC_BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t MAC_STP[6] = { 0x01, 0x80, 0xc2, 0, 0, 0 };
static const uint8_t MAC_OTHER[6] = { 0x02, 0, 0, 0, 0, 0x99 };

#define Q(v)	{ XST_ETH_P_8021Q, v }
#define AD(v)	{ XST_ETH_P_8021AD, v }

static const struct frame_case frame_cases[] = {
	{ "v4 to the interface's address", NULL, NULL, {}, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "v4 to an anycast address on lo", NULL, NULL, {}, "198.18.0.2", "192.0.2.53", 0, 0, 0, XST_HOST_OK },
	{ "v4 to another interface's address", NULL, NULL, {}, "198.18.0.2", "10.1.0.1", 0, 0, 0, XST_HOST_OK },
	{ "v4 tcp", NULL, NULL, {}, "198.18.0.2", "198.18.0.1", XST_IPPROTO_TCP, 0, 0, XST_HOST_OK },
	{ "v4 to 127.0.0.1", NULL, NULL, {}, "198.18.0.2", "127.0.0.1", 0, 0, 0, XST_HOST_FOREIGN_DST },
	{ "v4 to no local address", NULL, NULL, {}, "198.18.0.2", "198.18.0.9", 0, 0, 0, XST_HOST_FOREIGN_DST },
	{ "v4 to the subnet broadcast", NULL, NULL, {}, "198.18.0.2", "198.18.0.255", 0, 0, 0, XST_HOST_FOREIGN_DST },
	{ "v4 from 127/8", NULL, NULL, {}, "127.0.0.5", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from 0/8", NULL, NULL, {}, "0.1.2.3", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from 0.0.0.0", NULL, NULL, {}, "0.0.0.0", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from mDNS 224.0.0.251", NULL, NULL, {}, "224.0.0.251", "198.18.0.1", 0, 5353, 0, XST_HOST_MARTIAN },
	{ "v4 from 240/4", NULL, NULL, {}, "240.0.0.1", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from 255.255.255.255", NULL, NULL, {}, "255.255.255.255", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from our own address", NULL, NULL, {}, "198.18.0.1", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from another interface's address", NULL, NULL, {}, "10.1.0.1", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from the anycast address", NULL, NULL, {}, "192.0.2.53", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from our subnet's broadcast", NULL, NULL, {}, "198.18.0.255", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from eth1's subnet broadcast", NULL, NULL, {}, "10.1.255.255", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v4 from the /31 peer (no broadcast there)", NULL, NULL, {}, "203.0.113.0", "203.0.113.1", 0, 0, 0, XST_HOST_OK },
	{ "v4 from a neighbour", NULL, NULL, {}, "198.18.0.254", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "udp source port 0", NULL, NULL, {}, "198.18.0.2", "198.18.0.1", 0, 0, 1, XST_HOST_MARTIAN },
	{ "tcp source port 0", NULL, NULL, {}, "198.18.0.2", "198.18.0.1", XST_IPPROTO_TCP, 0, 1, XST_HOST_MARTIAN },
	{ "broadcast source MAC", NULL, MAC_BCAST, {}, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "STP source MAC", NULL, MAC_STP, {}, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "foreign unicast MAC", MAC_OTHER, NULL, {}, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_MAC },
	{ "broadcast MAC", MAC_BCAST, NULL, {}, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_MAC },
	{ "untagged to a VLAN device's own MAC", MAC_AD, NULL, {}, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_MAC },
	{ "802.1Q 100", NULL, NULL, { Q(100) }, "100.64.0.2", "100.64.0.1", 0, 0, 0, XST_HOST_OK },
	{ "802.1Q 100, weak host", NULL, NULL, { Q(100) }, "100.64.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "802.1Q 100, foreign MAC", MAC_OTHER, NULL, { Q(100) }, "100.64.0.2", "100.64.0.1", 0, 0, 0, XST_HOST_FOREIGN_MAC },
	{ "802.1Q 200: no device", NULL, NULL, { Q(200) }, "100.64.0.2", "100.64.0.1", 0, 0, 0, XST_HOST_FOREIGN_VLAN },
	{ "802.1ad 100: wrong TPID", NULL, NULL, { AD(100) }, "100.64.0.2", "100.64.0.1", 0, 0, 0, XST_HOST_FOREIGN_VLAN },
	{ "0x9100 100: no kernel device", NULL, NULL, { { XST_ETH_P_QINQ1, 100 } }, "100.64.0.2", "100.64.0.1", 0, 0, 0, XST_HOST_FOREIGN_VLAN },
	{ "802.1ad 10 to its own MAC", MAC_AD, NULL, { AD(10) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "802.1ad 10 to the parent's MAC", NULL, NULL, { AD(10) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "802.1ad 10 to QinQ's MAC", MAC_QQ, NULL, { AD(10) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_MAC },
	{ "QinQ 10/20 to its MAC", MAC_QQ, NULL, { AD(10), Q(20) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "QinQ 10/20 to the outer device's MAC", MAC_AD, NULL, { AD(10), Q(20) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "QinQ 10/20 foreign MAC", MAC_OTHER, NULL, { AD(10), Q(20) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_MAC },
	{ "QinQ 10/30: no inner device", MAC_AD, NULL, { AD(10), Q(30) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_VLAN },
	{ "QinQ 11/20: no outer device", MAC_QQ, NULL, { AD(11), Q(20) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_VLAN },
	{ "QinQ tags swapped", MAC_QQ, NULL, { Q(20), AD(10) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_VLAN },
	{ "priority tag (VID 0)", NULL, NULL, { Q(0) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "priority tag, then 802.1Q 100", NULL, NULL, { Q(0), Q(100) }, "100.64.0.2", "100.64.0.1", 0, 0, 0, XST_HOST_OK },
	{ "802.1ad 10, then priority tag", MAC_AD, NULL, { AD(10), Q(0) }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_OK },
	{ "0x9100 priority tag is no tag the kernel knows", NULL, NULL, { { XST_ETH_P_QINQ1, 0 } }, "198.18.0.2", "198.18.0.1", 0, 0, 0, XST_HOST_FOREIGN_VLAN },
	{ "v6 to the interface's address", NULL, NULL, {}, "2001:db8::2", "2001:db8::1", 0, 0, 0, XST_HOST_OK },
	{ "v6 tcp", NULL, NULL, {}, "2001:db8::2", "2001:db8::1", XST_IPPROTO_TCP, 0, 0, XST_HOST_OK },
	{ "v6 to its link-local address", NULL, NULL, {}, "fe80::99", "fe80::1", 0, 0, 0, XST_HOST_OK },
	{ "v6 to another interface's link-local", NULL, NULL, {}, "fe80::99", "fe80::2", 0, 0, 0, XST_HOST_FOREIGN_DST },
	{ "v6 to ::1", NULL, NULL, {}, "2001:db8::2", "::1", 0, 0, 0, XST_HOST_FOREIGN_DST },
	{ "v6 to a tentative address", NULL, NULL, {}, "2001:db8:1::2", "2001:db8:1::1", 0, 0, 0, XST_HOST_FOREIGN_DST },
	{ "v6 to no local address", NULL, NULL, {}, "2001:db8::2", "2001:db8::3", 0, 0, 0, XST_HOST_FOREIGN_DST },
	{ "v6 from ::", NULL, NULL, {}, "::", "2001:db8::1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v6 from ::1", NULL, NULL, {}, "::1", "2001:db8::1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v6 from ff02::1", NULL, NULL, {}, "ff02::1", "2001:db8::1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v6 from ff0e::1", NULL, NULL, {}, "ff0e::1", "2001:db8::1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v6 from IPv4-mapped", NULL, NULL, {}, "::ffff:192.0.2.1", "2001:db8::1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v6 from IPv4-compatible (not listed)", NULL, NULL, {}, "::192.0.2.1", "2001:db8::1", 0, 0, 0, XST_HOST_OK },
	{ "v6 from our own address", NULL, NULL, {}, "2001:db8::1", "2001:db8::1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v6 from another interface's link-local", NULL, NULL, {}, "fe80::2", "fe80::1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v6 from our tentative address", NULL, NULL, {}, "2001:db8:1::1", "2001:db8::1", 0, 0, 0, XST_HOST_MARTIAN },
	{ "v6 from a neighbour", NULL, NULL, {}, "2001:db8::ffff", "2001:db8::1", 0, 0, 0, XST_HOST_OK },
	{ "v6 udp source port 0", NULL, NULL, {}, "2001:db8::2", "2001:db8::1", 0, 0, 1, XST_HOST_MARTIAN },
	{ "v6 over 802.1Q 100 to its link-local", NULL, NULL, { Q(100) }, "fe80::99", "fe80::100", 0, 0, 0, XST_HOST_OK },
	{ "v6 over QinQ", MAC_QQ, NULL, { AD(10), Q(20) }, "2001:db8::2", "2001:db8::1", 0, 0, 0, XST_HOST_OK },
};

/* Ethernet, tags, IPv4/IPv6, 8 bytes of UDP/TCP ports; *p as xst_net_parse() would set it. */
static uint32_t build(const struct frame_case *c, uint8_t *f, struct xst_pkt *p)
{
	int v6 = strchr(c->dst, ':') != NULL;
	uint8_t src[16], dst[16];
	uint32_t off = 12, n = 0;
	uint8_t *ip;

	memset(f, 0, 128);
	memset(p, 0, sizeof(*p));
	memcpy(f, c->dmac ? c->dmac : MAC_IF, 6);
	memcpy(f + 6, c->smac ? c->smac : MAC_PEER, 6);
	while (n < 2 && c->tags[n].tpid) {
		f[off] = (uint8_t)(c->tags[n].tpid >> 8);
		f[off + 1] = (uint8_t)c->tags[n].tpid;
		f[off + 2] = (uint8_t)(c->tags[n].vid >> 8) | 0x20;	/* PCP 1: ignored */
		f[off + 3] = (uint8_t)c->tags[n].vid;
		off += 4;
		n++;
	}
	f[off] = v6 ? 0x86 : 0x08;
	f[off + 1] = v6 ? 0xdd : 0x00;
	off += 2;
	pton(v6 ? AF_INET6 : AF_INET, c->src, src);
	pton(v6 ? AF_INET6 : AF_INET, c->dst, dst);
	ip = f + off;
	p->l3_off = (uint16_t)off;
	p->nr_vlans = (uint8_t)n;
	p->l3_proto = v6 ? XST_ETH_P_IPV6 : XST_ETH_P_IP;
	p->l4_proto = c->proto ? c->proto : XST_IPPROTO_UDP;
	p->sport = c->sport0 ? 0 : (c->sport ? c->sport : 40000);
	p->dport = 53;
	if (v6) {
		ip[0] = 0x60;
		ip[5] = 8;
		ip[6] = p->l4_proto;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		p->l3_hlen = 40;
	} else {
		ip[0] = 0x45;
		ip[3] = 28;
		ip[8] = 64;
		ip[9] = p->l4_proto;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		p->l3_hlen = 20;
	}
	p->l4_off = (uint16_t)(off + p->l3_hlen);
	p->l4_len = 8;
	f[p->l4_off] = (uint8_t)(p->sport >> 8);
	f[p->l4_off + 1] = (uint8_t)p->sport;
	f[p->l4_off + 3] = 53;
	return p->l4_off + 8u;
}

START_TEST(test_host_frames)
{
	const struct frame_case *c = &frame_cases[_i];
	struct xst_host *h = sample_host();
	uint8_t f[128], *g;
	struct xst_pkt p;
	uint32_t len = build(c, f, &p);
	enum xst_host_verdict v;

	g = guard_copy(f, len);
	ck_assert_ptr_nonnull(g);
	v = xst_host_check(h, g, &p);
	ck_assert_msg(v == c->want, "'%s': %s, want %s", c->name, xst_host_verdict_name(v),
		      xst_host_verdict_name(c->want));
	guard_free(g, len);
	xst_host_destroy(h);
}
END_TEST

/* A frame that the packet layers accept is checked the same way. */
START_TEST(test_host_after_parse)
{
	const struct frame_case *c = &frame_cases[_i];
	struct xst_host *h = sample_host();
	struct xst_pkt p, q;
	uint8_t f[128];
	uint32_t len = build(c, f, &p);

	if (xst_net_parse(f, len, &q) == XST_NET_OK) {
		ck_assert_uint_eq(q.l3_off, p.l3_off);
		ck_assert_uint_eq(q.nr_vlans, p.nr_vlans);
		ck_assert_uint_eq(q.sport, p.sport);
		ck_assert_msg(xst_host_check(h, f, &q) == c->want, "'%s'", c->name);
	}
	xst_host_destroy(h);
}
END_TEST

/* ---- the view's flags ----------------------------------------------------------- */

static const struct xst_host_addr *find(const struct xst_host *h, int ifindex, const char *ip)
{
	uint8_t a[16];
	unsigned int i;

	pton(strchr(ip, ':') ? AF_INET6 : AF_INET, ip, a);
	for (i = 0; i < h->nr_addrs; i++)
		if (h->addrs[i].ifindex == ifindex && !memcmp(h->addrs[i].addr, a, 16))
			return &h->addrs[i];
	ck_abort_msg("%s on %d not in the view", ip, ifindex);
	return NULL;
}

START_TEST(test_host_flags)
{
	static const struct {
		int ifindex;
		const char *ip;
		int served, iface;
	} want[] = {
		{ IF_LO, "127.0.0.1", 0, 0 },	     { IF_LO, "::1", 0, 0 },
		{ IF_LO, "192.0.2.53", 1, 0 },	     { IF_ETH0, "198.18.0.1", 1, 1 },
		{ IF_ETH0, "2001:db8::1", 1, 1 },    { IF_ETH0, "fe80::1", 1, 1 },
		{ IF_ETH0, "2001:db8:1::1", 0, 1 },  { IF_ETH1, "10.1.0.1", 1, 0 },
		{ IF_ETH1, "fe80::2", 0, 0 },	     { IF_V100, "100.64.0.1", 1, 1 },
		{ IF_V100, "fe80::100", 1, 1 },
	};
	struct xst_host *h = sample_host();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct xst_host_addr *a = find(h, want[i].ifindex, want[i].ip);

		ck_assert_msg(!!(a->flags & XST_HOST_A_SERVED) == want[i].served, "%s served",
			      want[i].ip);
		ck_assert_msg(!!(a->flags & XST_HOST_A_IFACE) == want[i].iface, "%s iface",
			      want[i].ip);
		ck_assert_msg(!!(a->flags & XST_HOST_A_PENDING) == !strcmp(want[i].ip, "2001:db8:1::1"),
			      "%s pending", want[i].ip);
		ck_assert(xst_host_is_own(h, a->family, a->addr));
		ck_assert(xst_host_is_served(h, a->family, a->addr) == want[i].served);
	}
	ck_assert_ptr_nonnull(xst_host_find_vlan(h, IF_QQ));
	ck_assert_ptr_null(xst_host_find_vlan(h, IF_ETH1));
	xst_host_destroy(h);
}
END_TEST

START_TEST(test_host_link_down_and_gone)
{
	struct xst_host *h;
	struct xst_pkt p;
	uint8_t f[128];
	uint8_t a[16];

	ck_assert_int_eq(xst_host_create(&h), 0);
	ck_assert_int_eq(xst_host_set_iface(h, IF_ETH0, "eth0", 1500, MAC_IF), 0);
	add(h, IF_ETH0, "198.18.0.1", 24, 0);
	add(h, IF_ETH1, "10.1.0.1", 16, XST_HOST_A_LINK_DOWN);
	ck_assert_int_eq(xst_host_finalize(h), 0);
	pton(AF_INET, "10.1.0.1", a);
	ck_assert(!xst_host_is_served(h, AF_INET, a));
	ck_assert(xst_host_is_own(h, AF_INET, a));
	xst_host_destroy(h);

	/* no interface (it was deleted): nothing is ours, nothing served */
	ck_assert_int_eq(xst_host_create(&h), 0);
	add(h, IF_LO, "192.0.2.53", 32, 0);
	ck_assert_int_eq(xst_host_finalize(h), 0);
	ck_assert(!(h->addrs[0].flags & XST_HOST_A_SERVED));
	build(&frame_cases[0], f, &p);
	ck_assert_int_eq(xst_host_check(h, f, &p), XST_HOST_FOREIGN_MAC);
	xst_host_destroy(h);
	xst_host_destroy(NULL);
}
END_TEST

START_TEST(test_host_builder)
{
	struct xst_host_vlan v = { .ifindex = 9, .nr_tags = 1, .tpid = { XST_ETH_P_8021Q },
				   .vid = { 5 } };
	struct xst_host_addr a = { .ifindex = 2, .family = AF_INET, .prefixlen = 24 };
	struct xst_host *h;
	char buf[64];

	ck_assert_int_eq(xst_host_create(&h), 0);
	ck_assert_int_eq(xst_host_set_iface(h, 0, "x", 1500, MAC_IF), -EINVAL);
	ck_assert_int_eq(xst_host_set_iface(h, 2, "a-name-far-too-long", 1500, MAC_IF), -EINVAL);
	ck_assert_int_eq(xst_host_set_iface(h, 2, "eth0", 1500, MAC_IF), 0);

	ck_assert_int_eq(xst_host_add_addr(h, &a), -EINVAL);	/* 0.0.0.0 */
	pton(AF_INET, "192.0.2.1", a.addr);
	a.prefixlen = 33;
	ck_assert_int_eq(xst_host_add_addr(h, &a), -EINVAL);
	a.prefixlen = 24;
	a.family = 99;
	ck_assert_int_eq(xst_host_add_addr(h, &a), -EINVAL);
	a.family = AF_INET;
	a.flags = XST_HOST_A_SERVED | XST_HOST_A_IFACE;		/* output bits are dropped */
	ck_assert_int_eq(xst_host_add_addr(h, &a), 0);
	ck_assert_uint_eq(h->addrs[0].flags, 0);
	a.ifindex = 3;						/* same address elsewhere: fine */
	ck_assert_int_eq(xst_host_add_addr(h, &a), 0);
	a.family = AF_INET6;
	memset(a.addr, 0, 16);
	a.prefixlen = 64;
	ck_assert_int_eq(xst_host_add_addr(h, &a), -EINVAL);	/* :: */
	a.prefixlen = 129;
	pton(AF_INET6, "2001:db8::1", a.addr);
	ck_assert_int_eq(xst_host_add_addr(h, &a), -EINVAL);

	ck_assert_int_eq(xst_host_add_vlan(h, &v), 0);
	ck_assert_int_eq(xst_host_add_vlan(h, &v), -EEXIST);
	v.vid[0] = 4096;
	ck_assert_int_eq(xst_host_add_vlan(h, &v), -EINVAL);
	v.vid[0] = 6;
	v.tpid[0] = XST_ETH_P_QINQ1;				/* no Linux VLAN device has it */
	ck_assert_int_eq(xst_host_add_vlan(h, &v), -EINVAL);
	v.tpid[0] = XST_ETH_P_8021AD;
	v.nr_tags = 3;
	ck_assert_int_eq(xst_host_add_vlan(h, &v), -EINVAL);
	v.nr_tags = 2;
	v.tpid[1] = XST_ETH_P_8021Q;
	v.vid[1] = 7;
	ck_assert_int_eq(xst_host_add_vlan(h, &v), 0);
	ck_assert_str_eq(xst_host_vlan_str(&h->vlans[1], buf, sizeof(buf)), "802.1ad 6 / 802.1Q 7");
	ck_assert_str_eq(xst_host_addr_str(&h->addrs[0], buf, sizeof(buf)), "192.0.2.1/24");

	ck_assert_int_eq(xst_host_finalize(h), 0);
	ck_assert_int_eq(xst_host_finalize(h), -EBUSY);
	ck_assert_int_eq(xst_host_add_vlan(h, &v), -EBUSY);
	ck_assert_int_eq(xst_host_add_addr(h, &a), -EBUSY);
	ck_assert_int_eq(xst_host_set_iface(h, 2, "eth0", 1500, MAC_IF), -EBUSY);
	xst_host_destroy(h);
}
END_TEST

/* Many addresses (the tables grow, collide and wrap): members against a brute force. */
START_TEST(test_host_many)
{
	static const unsigned int sizes[] = { 1, 2, 4, 5, 200, 3000 };
	unsigned int n = sizes[_i], i, j;
	uint32_t x = 0x12345678;
	struct xst_host *h;

	ck_assert_int_eq(xst_host_create(&h), 0);
	ck_assert_int_eq(xst_host_set_iface(h, IF_ETH0, "eth0", 1500, MAC_IF), 0);
	for (i = 0; i < n; i++) {
		struct xst_host_addr a = { .ifindex = IF_ETH0, .prefixlen = 32 };

		a.family = i & 1 ? AF_INET6 : AF_INET;
		/* dense, similar keys: the worst case for a weak hash */
		if (a.family == AF_INET) {
			a.addr[0] = 10;
			a.addr[2] = (uint8_t)(i >> 8);
			a.addr[3] = (uint8_t)i;
		} else {
			a.addr[0] = 0x20;
			a.addr[1] = 0x01;
			a.addr[14] = (uint8_t)(i >> 8);
			a.addr[15] = (uint8_t)i;
		}
		ck_assert_int_eq(xst_host_add_addr(h, &a), 0);
	}
	ck_assert_int_eq(xst_host_finalize(h), 0);
	for (i = 0; i < n; i++)
		ck_assert(xst_host_is_served(h, h->addrs[i].family, h->addrs[i].addr));
	for (j = 0; j < 20000; j++) {
		uint8_t a[16] = { 0 };
		int family = j & 1 ? AF_INET6 : AF_INET, member = 0;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		if (family == AF_INET) {
			a[0] = 10;
			a[2] = (uint8_t)(x >> 8 & 0x1f);
			a[3] = (uint8_t)x;
		} else {
			a[0] = 0x20;
			a[1] = 0x01;
			a[14] = (uint8_t)(x >> 8 & 0x1f);
			a[15] = (uint8_t)x;
		}
		for (i = 0; i < n; i++)
			if (h->addrs[i].family == family && !memcmp(h->addrs[i].addr, a, 16))
				member = 1;
		ck_assert_int_eq(xst_host_is_served(h, family, a), member);
	}
	xst_host_destroy(h);
}
END_TEST

Suite *host_suite(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("check");

	tcase_add_loop_test(tc, test_host_frames, 0, ARRAY_SIZE(frame_cases));
	tcase_add_loop_test(tc, test_host_after_parse, 0, ARRAY_SIZE(frame_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("view");
	tcase_add_test(tc, test_host_flags);
	tcase_add_test(tc, test_host_link_down_and_gone);
	tcase_add_test(tc, test_host_builder);
	tcase_add_loop_test(tc, test_host_many, 0, 6);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
