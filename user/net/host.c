// SPDX-License-Identifier: GPL-2.0
/*
 * The host view (net/host.h): a builder, and the per-frame check over hash
 * tables built once per view.
 *
 * Tables are open addressing with linear probing, at most half full, keyed
 * by the address bytes as the frame holds them (no byte swap per frame).
 * One table per family holds every address the check asks about, with what
 * it is: one of ours (a martian source), a subnet broadcast (a martian
 * source), served (a valid destination).
 */
#include "net/host.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/byteorder.h"
#include "net/eth.h"

#define HK_OWN		1	/* an address of this host */
#define HK_BCAST	2	/* the broadcast address of one of its IPv4 subnets */
#define HK_SERVED	4	/* XST_HOST_A_SERVED */

int xst_host_create(struct xst_host **out)
{
	struct xst_host *h = calloc(1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	*out = h;
	return 0;
}

void xst_host_destroy(struct xst_host *h)
{
	if (!h)
		return;
	free(h->vlans);
	free(h->addrs);
	free(h->k4);
	free(h->f4);
	free(h->k6);
	free(h->f6);
	free(h->kv);
	free(h->iv);
	free(h);
}

int xst_host_set_iface(struct xst_host *h, int ifindex, const char *name, uint32_t mtu,
		       const uint8_t mac[6])
{
	if (h->final)
		return -EBUSY;
	if (ifindex <= 0 || !name || strlen(name) >= IF_NAMESIZE)
		return -EINVAL;
	h->ifindex = ifindex;
	h->mtu = mtu;
	memcpy(h->mac, mac, sizeof(h->mac));
	snprintf(h->ifname, sizeof(h->ifname), "%s", name);
	return 0;
}

static int grow(void **arr, unsigned int *cap, unsigned int nr, size_t size)
{
	unsigned int ncap;
	void *p;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, (size_t)ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int kernel_tpid(uint16_t tpid)
{
	/* the only tag protocols a Linux VLAN device can have */
	return tpid == XST_ETH_P_8021Q || tpid == XST_ETH_P_8021AD;
}

/* Tag stack key: the outer tag in the high half, the inner in the low half. */
static uint64_t tag_key(uint64_t path, uint16_t tpid, uint16_t vid)
{
	uint64_t tag = (uint64_t)tpid << 16 | vid;

	return path ? path | tag : tag << 32;
}

static uint64_t vlan_key(const struct xst_host_vlan *v)
{
	uint64_t k = tag_key(0, v->tpid[0], v->vid[0]);

	return v->nr_tags == 2 ? tag_key(k, v->tpid[1], v->vid[1]) : k;
}

int xst_host_add_vlan(struct xst_host *h, const struct xst_host_vlan *v)
{
	unsigned int i;
	int err;

	if (h->final)
		return -EBUSY;
	if (v->nr_tags < 1 || v->nr_tags > XST_HOST_MAX_TAGS || v->ifindex <= 0)
		return -EINVAL;
	for (i = 0; i < v->nr_tags; i++)
		if (!kernel_tpid(v->tpid[i]) || v->vid[i] > 4095)
			return -EINVAL;
	for (i = 0; i < h->nr_vlans; i++)
		if (vlan_key(&h->vlans[i]) == vlan_key(v))
			return -EEXIST;
	err = grow((void **)&h->vlans, &h->cap_vlans, h->nr_vlans, sizeof(*v));
	if (err)
		return err;
	h->vlans[h->nr_vlans] = *v;
	h->vlans[h->nr_vlans].name[IF_NAMESIZE - 1] = 0;
	h->nr_vlans++;
	return 0;
}

static int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int is_zero(const uint8_t *a, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (a[i])
			return 0;
	return 1;
}

int xst_host_add_addr(struct xst_host *h, const struct xst_host_addr *a)
{
	int err;

	if (h->final)
		return -EBUSY;
	if (a->family != AF_INET && a->family != AF_INET6)
		return -EINVAL;
	if (a->prefixlen > (a->family == AF_INET ? 32 : 128))
		return -EINVAL;
	/* 0.0.0.0 and :: are no address, and the tables' empty marks */
	if (is_zero(a->addr, addr_len(a->family)))
		return -EINVAL;
	if (a->family == AF_INET && !is_zero(a->addr + 4, 12))
		return -EINVAL;
	err = grow((void **)&h->addrs, &h->cap_addrs, h->nr_addrs, sizeof(*a));
	if (err)
		return err;
	h->addrs[h->nr_addrs] = *a;
	h->addrs[h->nr_addrs].flags &= XST_HOST_A_TENTATIVE | XST_HOST_A_DADFAILED |
				       XST_HOST_A_LINK_DOWN;
	h->addrs[h->nr_addrs].ifname[IF_NAMESIZE - 1] = 0;
	h->nr_addrs++;
	return 0;
}

/* ---- hashing ---------------------------------------------------------------- */

/*
 * Finalizers that spread every input bit over the low bits the tables use
 * (murmur3's fmix): a multiply alone only moves bits up, so the last octet of
 * an IPv4 address or the last bytes of an IPv6 one (loaded little-endian:
 * the high bits) would never reach a small table's index, and a /24 or /64
 * full of service addresses would share one probe chain.
 */
static uint32_t hash32(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x85ebca6bu;
	k ^= k >> 13;
	k *= 0xc2b2ae35u;
	return k ^ k >> 16;
}

static uint32_t hash128(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ (b * 0x9e3779b97f4a7c15ull) ^ (b >> 29);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(x ^ x >> 33);
}

static uint32_t table_size(unsigned int n)
{
	uint32_t sz = 8;

	while (sz < 2 * n)
		sz <<= 1;
	return sz;
}

static void put4(struct xst_host *h, uint32_t k, uint8_t f)
{
	uint32_t i = hash32(k) & h->mask4;

	while (h->k4[i] && h->k4[i] != k)
		i = (i + 1) & h->mask4;
	h->k4[i] = k;
	h->f4[i] |= f;
}

static void put6(struct xst_host *h, const uint8_t *a, uint8_t f)
{
	uint64_t x = xst_load64(a), y = xst_load64(a + 8);
	uint32_t i = hash128(x, y) & h->mask6;

	while ((h->k6[i][0] | h->k6[i][1]) && (h->k6[i][0] != x || h->k6[i][1] != y))
		i = (i + 1) & h->mask6;
	h->k6[i][0] = x;
	h->k6[i][1] = y;
	h->f6[i] |= f;
}

static uint8_t look4(const struct xst_host *h, uint32_t k)
{
	uint32_t i = hash32(k) & h->mask4;

	for (;;) {
		if (h->k4[i] == k)
			return h->f4[i];
		if (!h->k4[i])
			return 0;
		i = (i + 1) & h->mask4;
	}
}

static uint8_t look6(const struct xst_host *h, const uint8_t *a)
{
	uint64_t x = xst_load64(a), y = xst_load64(a + 8);
	uint32_t i = hash128(x, y) & h->mask6;

	for (;;) {
		if (h->k6[i][0] == x && h->k6[i][1] == y)
			return h->f6[i];
		if (!(h->k6[i][0] | h->k6[i][1]))
			return 0;
		i = (i + 1) & h->mask6;
	}
}

static int lookv(const struct xst_host *h, uint64_t k)
{
	uint32_t i = hash128(k, 0) & h->maskv;

	for (;;) {
		if (h->kv[i] == k)
			return h->iv[i];
		if (!h->kv[i])
			return -1;
		i = (i + 1) & h->maskv;
	}
}

/* ---- finalize ----------------------------------------------------------------- */

static int on_iface(const struct xst_host *h, int ifindex)
{
	unsigned int i;

	if (!h->ifindex)
		return 0;
	if (ifindex == h->ifindex)
		return 1;
	for (i = 0; i < h->nr_vlans; i++)
		if (h->vlans[i].ifindex == ifindex)
			return 1;
	return 0;
}

/* Whether a is served, or would be if none of the flags in ignore were set. */
static int served(const struct xst_host *h, const struct xst_host_addr *a, unsigned int ignore)
{
	unsigned int no = XST_HOST_A_TENTATIVE | XST_HOST_A_DADFAILED | XST_HOST_A_LINK_DOWN;

	if (!h->ifindex)
		return 0;	/* the interface is gone: nothing arrives to be served */
	if (a->flags & no & ~ignore)
		return 0;
	if (a->family == AF_INET)
		return a->addr[0] != 127;
	if (is_zero(a->addr, 15) && a->addr[15] == 1)
		return 0;	/* ::1 */
	/* fe80::/10 is scoped to its link: the kernel takes another
	 * interface's link-local address only on that interface */
	if (a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80)
		return !!(a->flags & XST_HOST_A_IFACE);
	return 1;
}

int xst_host_finalize(struct xst_host *h)
{
	unsigned int i, n4 = 0, n6 = 0;

	if (h->final)
		return -EBUSY;
	for (i = 0; i < h->nr_addrs; i++) {
		struct xst_host_addr *a = &h->addrs[i];

		if (on_iface(h, a->ifindex))
			a->flags |= XST_HOST_A_IFACE;
		if (served(h, a, 0))
			a->flags |= XST_HOST_A_SERVED;
		else if ((a->flags & XST_HOST_A_TENTATIVE) && served(h, a, XST_HOST_A_TENTATIVE))
			a->flags |= XST_HOST_A_PENDING;
		if (a->family == AF_INET)
			n4 += 3;	/* itself, its subnet's broadcast, a configured one */
		else
			n6++;
	}
	h->mask4 = table_size(n4) - 1;
	h->mask6 = table_size(n6) - 1;
	h->maskv = table_size(h->nr_vlans) - 1;
	h->k4 = calloc(h->mask4 + 1, sizeof(*h->k4));
	h->f4 = calloc(h->mask4 + 1, sizeof(*h->f4));
	h->k6 = calloc(h->mask6 + 1, sizeof(*h->k6));
	h->f6 = calloc(h->mask6 + 1, sizeof(*h->f6));
	h->kv = calloc(h->maskv + 1, sizeof(*h->kv));
	h->iv = calloc(h->maskv + 1, sizeof(*h->iv));
	if (!h->k4 || !h->f4 || !h->k6 || !h->f6 || !h->kv || !h->iv)
		return -ENOMEM;

	for (i = 0; i < h->nr_addrs; i++) {
		const struct xst_host_addr *a = &h->addrs[i];
		uint8_t f = HK_OWN | (a->flags & XST_HOST_A_SERVED ? HK_SERVED : 0);

		if (a->family == AF_INET6) {
			put6(h, a->addr, f);
			continue;
		}
		put4(h, xst_load32(a->addr), f);
		/* The kernel adds a broadcast route for every subnet of /30 and
		 * wider (fib_add_ifaddr); a packet from there is not a host. */
		if (a->prefixlen < 31) {
			uint32_t host = a->prefixlen ? 0xffffffffu >> a->prefixlen : 0xffffffffu;

			put4(h, xst_htobe32(xst_get_be32(a->addr) | host), HK_BCAST);
		}
		if (xst_load32(a->brd))
			put4(h, xst_load32(a->brd), HK_BCAST);
	}
	for (i = 0; i < h->nr_vlans; i++) {
		uint64_t k = vlan_key(&h->vlans[i]);
		uint32_t j = hash128(k, 0) & h->maskv;

		while (h->kv[j])
			j = (j + 1) & h->maskv;
		h->kv[j] = k;
		h->iv[j] = (uint16_t)i;
	}
	h->final = 1;
	return 0;
}

/* ---- queries ------------------------------------------------------------------ */

static int martian4(const uint8_t *a)
{
	/* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 reserved
	 * and 255.255.255.255 */
	return a[0] == 0 || a[0] == 127 || a[0] >= 224;
}

static int martian6(const uint8_t *a)
{
	uint64_t hi = xst_load64(a);
	uint32_t w2 = xst_load32(a + 8), w3 = xst_load32(a + 12);

	if (a[0] == 0xff)
		return 1;	/* multicast */
	if (hi || (w2 && w2 != xst_htobe32(0xffff)))
		return 0;
	/* ::/96 so far: ::, ::1, ::ffff:0:0/96 (IPv4-mapped: never on the wire) */
	return w2 || !w3 || w3 == xst_htobe32(1);
}

static int mac_eq(const uint8_t *a, const uint8_t *b)
{
	return xst_load32(a) == xst_load32(b) && xst_load16(a + 4) == xst_load16(b + 4);
}

/*
 * The device check of a tagged frame. The kernel walks the tags outermost
 * first: a tag with a VLAN device moves the frame to that device, a VID 0
 * tag without one is a priority tag and is stripped, any other tag makes
 * the frame another host's. The destination MAC may be the one of any
 * device on the way (the real device's included): each of them turns the
 * frame into PACKET_HOST and the next keeps it so.
 */
static enum xst_host_verdict check_tags(const struct xst_host *h, const uint8_t *frame,
					unsigned int n)
{
	int mine = mac_eq(frame, h->mac);
	uint64_t path = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint16_t tpid = xst_get_be16(frame + 12 + 4 * i);
		uint16_t vid = xst_get_be16(frame + 14 + 4 * i) & 0x0fff;
		uint64_t k = tag_key(path, tpid, vid);
		int dev = h->nr_vlans ? lookv(h, k) : -1;

		if (dev >= 0) {
			path = k;
			mine |= mac_eq(frame, h->vlans[dev].mac);
		} else if (vid || !kernel_tpid(tpid)) {
			return XST_HOST_FOREIGN_VLAN;
		}
	}
	return mine ? XST_HOST_OK : XST_HOST_FOREIGN_MAC;
}

enum xst_host_verdict xst_host_check(const struct xst_host *h, const uint8_t *frame,
				     const struct xst_pkt *p)
{
	const uint8_t *ip = frame + p->l3_off;

	if (!h->ifindex)
		return XST_HOST_FOREIGN_MAC;
	if (p->nr_vlans) {
		enum xst_host_verdict v = check_tags(h, frame, p->nr_vlans);

		if (v != XST_HOST_OK)
			return v;
	} else if (!mac_eq(frame, h->mac)) {
		return XST_HOST_FOREIGN_MAC;
	}
	if (xst_eth_is_group(frame + XST_ETH_ALEN) ||
	    !(xst_load32(frame + XST_ETH_ALEN) | xst_load16(frame + XST_ETH_ALEN + 4)))
		return XST_HOST_MARTIAN;	/* group or all-zero source MAC */
	if ((p->l4_proto == XST_IPPROTO_UDP || p->l4_proto == XST_IPPROTO_TCP) && !p->sport)
		return XST_HOST_MARTIAN;
	/* UDP from echo, daytime, chargen or time: a spoofed query "from" such a
	 * service would start a reply loop (CVE-2024-2169; BIND drops these too) */
	if (p->l4_proto == XST_IPPROTO_UDP &&
	    (p->sport == 7 || p->sport == 13 || p->sport == 19 || p->sport == 37))
		return XST_HOST_MARTIAN;
	if (p->l3_proto == XST_ETH_P_IP) {
		if (martian4(ip + 12) || (look4(h, xst_load32(ip + 12)) & (HK_OWN | HK_BCAST)))
			return XST_HOST_MARTIAN;
		if (!(look4(h, xst_load32(ip + 16)) & HK_SERVED))
			return XST_HOST_FOREIGN_DST;
		return XST_HOST_OK;
	}
	if (martian6(ip + 8) || (look6(h, ip + 8) & HK_OWN))
		return XST_HOST_MARTIAN;
	if (!(look6(h, ip + 24) & HK_SERVED))
		return XST_HOST_FOREIGN_DST;
	return XST_HOST_OK;
}

bool xst_host_is_served(const struct xst_host *h, int family, const uint8_t *addr)
{
	if (family == AF_INET)
		return look4(h, xst_load32(addr)) & HK_SERVED;
	return look6(h, addr) & HK_SERVED;
}

bool xst_host_is_own(const struct xst_host *h, int family, const uint8_t *addr)
{
	if (family == AF_INET)
		return look4(h, xst_load32(addr)) & HK_OWN;
	return look6(h, addr) & HK_OWN;
}

const struct xst_host_vlan *xst_host_find_vlan(const struct xst_host *h, int ifindex)
{
	unsigned int i;

	for (i = 0; i < h->nr_vlans; i++)
		if (h->vlans[i].ifindex == ifindex)
			return &h->vlans[i];
	return NULL;
}

const char *xst_host_addr_str(const struct xst_host_addr *a, char *buf, unsigned int size)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->addr, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(buf, size, "%s/%u", ip, a->prefixlen);
	return buf;
}

static const char *tpid_name(uint16_t tpid)
{
	return tpid == XST_ETH_P_8021AD ? "802.1ad" : "802.1Q";
}

const char *xst_host_vlan_str(const struct xst_host_vlan *v, char *buf, unsigned int size)
{
	if (v->nr_tags == 2)
		snprintf(buf, size, "%s %u / %s %u", tpid_name(v->tpid[0]), v->vid[0],
			 tpid_name(v->tpid[1]), v->vid[1]);
	else
		snprintf(buf, size, "%s %u", tpid_name(v->tpid[0]), v->vid[0]);
	return buf;
}

const char *xst_host_verdict_name(enum xst_host_verdict v)
{
	static const char *const names[XST_HOST_VERDICT_MAX] = {
		"ok", "foreign_vlan", "foreign_mac", "martian", "foreign_dst",
	};

	return (unsigned int)v < XST_HOST_VERDICT_MAX ? names[v] : "?";
}
