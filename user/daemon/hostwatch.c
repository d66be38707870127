// SPDX-License-Identifier: GPL-2.0
/*
 * Host changes applied to the steering maps, the TCP/53 listeners and the
 * daemon (daemon/hostwatch.h). Every view is reconciled as a whole against
 * what is in place (a set difference, entry by entry), so a re-dump after
 * lost events, a VLAN device that comes or goes, and a plain address change
 * all take the same path; the change reports are for the log.
 */
#include "daemon/hostwatch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "core/log.h"
#include "xdpstorm/steer_abi.h"

#define MAX_KEYS	4096	/* map entries read back per reconcile (maps hold 256 and 64) */
#define LOG_ADDRS	16	/* addresses listed in the start-up line */

struct lst {
	struct xst_dns_tcp_addr a;
	int ok;			/* listening; 0: the bind failed (logged once) */
	int keep;		/* mark of the current reconcile */
};

struct xst_hostwatch {
	struct xst_hostwatch_cfg cfg;
	struct xst_netwatch *nw;
	struct xst_host *view;		/* the current one (ours only without cfg.publish) */
	int first_done;
	int need_sync;		/* a sync of maps or listeners failed: retried */
	int flags_set;			/* XST_F_LOCAL_ONLY | XST_F_MAC_ONLY written */
	int gone;
	int err;			/* the first error of applying a view (create fails on it) */
	struct lst *lst;
	unsigned int nr_lst, cap_lst;
	int full_warned[3];		/* local4, local6, macs: "map full" logged */
};

/* ---- formatting ------------------------------------------------------------ */

static const char *mac_str(const uint8_t *m, char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static const char *dev_name(const struct xst_host *h, int ifindex)
{
	const struct xst_host_vlan *v;

	if (ifindex == h->ifindex)
		return h->ifname;
	v = xst_host_find_vlan(h, ifindex);
	return v ? v->name : "?";
}

static const char *lst_str(const struct xst_host *h, const struct xst_dns_tcp_addr *a, char *buf,
			   size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->addr, ip, sizeof(ip));
	if (a->family == AF_INET6 && a->scope_id)
		snprintf(buf, size, "[%s%%%s]", ip, dev_name(h, a->scope_id));
	else if (a->family == AF_INET6)
		snprintf(buf, size, "[%s]", ip);
	else
		snprintf(buf, size, "%s", ip);
	return buf;
}

static int is_linklocal6(const struct xst_host_addr *a)
{
	return a->family == AF_INET6 && a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80;
}

/* Why an address is not served (net/host.c served() in words). */
static const char *why_not(const struct xst_host *h, const struct xst_host_addr *a)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (!h->ifindex)
		return "the interface is gone";
	if (a->flags & XST_HOST_A_DADFAILED)
		return "duplicate address detection failed";
	if (a->flags & XST_HOST_A_LINK_DOWN)
		return "its interface is down";
	if (a->flags & XST_HOST_A_TENTATIVE)
		return "tentative";
	if ((a->family == AF_INET && a->addr[0] == 127) ||
	    (a->family == AF_INET6 && !memcmp(a->addr, lo6, 16)))
		return "loopback";
	if (is_linklocal6(a))
		return "link-local address of another interface";
	return "?";
}

/* ---- steering maps ------------------------------------------------------------ */

/*
 * Make the hash map fd hold exactly want[0..n) (keys of ks bytes, value 1):
 * first add what is missing, then delete what is no longer wanted, so a key
 * in both the old and the new set is never absent.
 */
/* Add every wanted key not there yet. *full: one was refused for lack of room. */
static int add_all(int fd, size_t ks, const uint8_t *want, unsigned int n, const char *name,
		   int *full)
{
	__u32 one = 1, val;
	unsigned int i;
	int err;

	*full = 0;
	for (i = 0; i < n; i++) {
		const uint8_t *k = want + i * ks;

		if (!bpf_map_lookup_elem(fd, k, &val))
			continue;
		if (bpf_map_update_elem(fd, k, &one, BPF_ANY)) {
			err = -errno;
			if (err == -E2BIG || err == -ENOMEM) {
				*full = 1;	/* that address stays with the kernel */
				continue;
			}
			pr_err("update %s: %s\n", name, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Delete every key that is not wanted. */
static int delete_stale(int fd, size_t ks, const uint8_t *want, unsigned int n, const char *name)
{
	uint8_t *keys, prev[16], next[16];
	unsigned int i, j, nk = 0;
	int err = 0, first = 1;

	keys = malloc(MAX_KEYS * ks);
	if (!keys)
		return -ENOMEM;
	while (nk < MAX_KEYS && !bpf_map_get_next_key(fd, first ? NULL : prev, next)) {
		memcpy(keys + nk * ks, next, ks);
		memcpy(prev, next, ks);
		first = 0;
		nk++;
	}
	for (i = 0; i < nk; i++) {
		const uint8_t *k = keys + i * ks;

		for (j = 0; j < n && memcmp(want + j * ks, k, ks); j++)
			;
		if (j < n)
			continue;
		if (bpf_map_delete_elem(fd, k) && errno != ENOENT) {
			err = -errno;
			pr_err("delete from %s: %s\n", name, strerror(-err));
			break;
		}
	}
	free(keys);
	return err;
}

/*
 * Make the map hold exactly want[0..n): adds first (no window where a served
 * address is missing), then deletes, then the adds a full map refused, now
 * that the deletes made room.
 */
static int map_sync(int fd, size_t ks, const uint8_t *want, unsigned int n, const char *name,
		    int *full_warned)
{
	int err, full;

	err = add_all(fd, ks, want, n, name, &full);
	if (!err)
		err = delete_stale(fd, ks, want, n, name);
	if (!err && full)
		err = add_all(fd, ks, want, n, name, &full);
	if (!err && full && !*full_warned) {
		pr_warn("%s is full: some served addresses are left to the kernel\n", name);
		*full_warned = 1;
	}
	return err;
}

static int sync_maps(struct xst_hostwatch *hw, const struct xst_host *h)
{
	const struct xst_steer_maps *m = hw->cfg.maps;
	unsigned int i, n4 = 0, n6 = 0, nm = 0;
	uint8_t *k4, *k6, *km;
	int err;

	if (!m || m->local4 < 0 || m->local6 < 0)
		return 0;
	k4 = calloc(h->nr_addrs + 1, 4);
	k6 = calloc(h->nr_addrs + 1, sizeof(struct xst_in6));
	km = calloc(h->nr_vlans + 1, sizeof(struct xst_mac));
	if (!k4 || !k6 || !km) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < h->nr_addrs; i++) {
		const struct xst_host_addr *a = &h->addrs[i];

		if (!(a->flags & XST_HOST_A_SERVED))
			continue;
		if (a->family == AF_INET)
			memcpy(k4 + 4 * n4++, a->addr, 4);	/* __be32: network order */
		else
			memcpy(k6 + sizeof(struct xst_in6) * n6++, a->addr, 16);
	}
	if (h->ifindex) {
		memcpy(km, h->mac, 6);	/* struct xst_mac: 6 bytes, pad zero */
		nm = 1;
		for (i = 0; i < h->nr_vlans; i++)
			memcpy(km + sizeof(struct xst_mac) * nm++, h->vlans[i].mac, 6);
	}
	err = map_sync(m->local4, 4, k4, n4, XST_MAP_LOCAL4, &hw->full_warned[0]);
	if (!err)
		err = map_sync(m->local6, sizeof(struct xst_in6), k6, n6, XST_MAP_LOCAL6,
			       &hw->full_warned[1]);
	if (!err && m->macs >= 0)
		err = map_sync(m->macs, sizeof(struct xst_mac), km, nm, XST_MAP_MACS,
			       &hw->full_warned[2]);
	if (!err && !hw->flags_set && m->config >= 0) {
		struct xst_steer_config cfg;
		__u32 key = 0;

		/* Only now: until the maps were ours, LOCAL_ONLY could have
		 * hidden a served address from the program. */
		if (bpf_map_lookup_elem(m->config, &key, &cfg)) {
			err = -errno;
		} else {
			cfg.flags |= XST_F_LOCAL_ONLY | (m->macs >= 0 ? XST_F_MAC_ONLY : 0);
			if (bpf_map_update_elem(m->config, &key, &cfg, BPF_ANY))
				err = -errno;
		}
		if (err)
			pr_err("set XST_F_LOCAL_ONLY in %s: %s\n", XST_MAP_CONFIG, strerror(-err));
		else
			hw->flags_set = 1;
	}
out:
	free(k4);
	free(k6);
	free(km);
	return err;
}

/* ---- TCP listeners ------------------------------------------------------------------- */

static struct lst *lst_find(struct xst_hostwatch *hw, const struct xst_dns_tcp_addr *a)
{
	unsigned int i;

	for (i = 0; i < hw->nr_lst; i++) {
		const struct xst_dns_tcp_addr *b = &hw->lst[i].a;

		if (a->family == b->family && a->ifindex == b->ifindex &&
		    a->scope_id == b->scope_id && !memcmp(a->addr, b->addr, 16))
			return &hw->lst[i];
	}
	return NULL;
}

static int want_listener(struct xst_hostwatch *hw, const struct xst_host *h,
			 const struct xst_dns_tcp_addr *a)
{
	struct lst *l = lst_find(hw, a);
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 4];
	int err;

	if (l) {
		l->keep = 1;
		/* one that could not bind is tried again (another server may have
		 * let the address go); its failure was logged the first time */
		if (!l->ok && !xst_dns_tcp_listen(hw->cfg.tcp, a)) {
			l->ok = 1;
			pr_info("TCP/53: listening on %s on '%s'\n",
				lst_str(h, a, buf, sizeof(buf)), dev_name(h, a->ifindex));
		}
		return 0;
	}
	if (hw->nr_lst == hw->cap_lst) {
		unsigned int cap = hw->cap_lst ? hw->cap_lst * 2 : 16;
		struct lst *p = realloc(hw->lst, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		hw->lst = p;
		hw->cap_lst = cap;
	}
	l = &hw->lst[hw->nr_lst++];
	memset(l, 0, sizeof(*l));
	l->a = *a;
	l->keep = 1;
	err = xst_dns_tcp_listen(hw->cfg.tcp, a);
	if (err && err != -EEXIST) {
		pr_warn("listen on TCP %s:53 on '%s': %s (DNS over TCP to that address is not "
			"answered)\n", lst_str(h, a, buf, sizeof(buf)), dev_name(h, a->ifindex),
			strerror(-err));
		return 0;
	}
	l->ok = 1;
	pr_info("TCP/53: listening on %s on '%s'\n", lst_str(h, a, buf, sizeof(buf)),
		dev_name(h, a->ifindex));
	return 0;
}

static int sync_listeners(struct xst_hostwatch *hw, const struct xst_host *h,
			  const struct xst_host *old)
{
	unsigned int i, j;
	int err;

	if (!hw->cfg.tcp)
		return 0;
	for (i = 0; i < hw->nr_lst; i++)
		hw->lst[i].keep = 0;
	for (i = 0; h->ifindex && i < h->nr_addrs; i++) {
		const struct xst_host_addr *a = &h->addrs[i];
		struct xst_dns_tcp_addr la = { .family = a->family };

		if (!(a->flags & (XST_HOST_A_SERVED | XST_HOST_A_PENDING)))
			continue;
		memcpy(la.addr, a->addr, 16);
		if (is_linklocal6(a)) {
			/* scoped to its own link: one listener there */
			la.scope_id = la.ifindex = a->ifindex;
			err = want_listener(hw, h, &la);
			if (err)
				return err;
			continue;
		}
		/* the kernel delivers it on any device (weak host): take the
		 * served interface's and its VLAN devices' traffic */
		la.ifindex = h->ifindex;
		err = want_listener(hw, h, &la);
		for (j = 0; !err && j < h->nr_vlans; j++) {
			la.ifindex = h->vlans[j].ifindex;
			err = want_listener(hw, h, &la);
		}
		if (err)
			return err;
	}
	for (i = 0; i < hw->nr_lst;) {
		struct lst *l = &hw->lst[i];
		char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 4];

		if (l->keep) {
			i++;
			continue;
		}
		if (l->ok) {
			xst_dns_tcp_unlisten(hw->cfg.tcp, &l->a);
			/* the names are the old view's: a VLAN device may be gone */
			pr_info("TCP/53: closed %s on '%s'\n",
				lst_str(old ? old : h, &l->a, buf, sizeof(buf)),
				dev_name(old ? old : h, l->a.ifindex));
		}
		*l = hw->lst[--hw->nr_lst];
	}
	return 0;
}

/* ---- the watcher's callbacks ------------------------------------------------------------- */

static void log_first(const struct xst_host *h)
{
	char line[LOG_ADDRS * (XST_HOST_ADDRSTRLEN + 2) + 64], a[XST_HOST_ADDRSTRLEN];
	char mac[24], tags[48];
	unsigned int i, served = 0, listed = 0;
	size_t off = 0;

	line[0] = 0;
	for (i = 0; i < h->nr_addrs; i++) {
		if (!(h->addrs[i].flags & XST_HOST_A_SERVED))
			continue;
		if (listed < LOG_ADDRS) {
			off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s",
						listed ? ", " : "",
						xst_host_addr_str(&h->addrs[i], a, sizeof(a)));
			listed++;
		}
		served++;
	}
	if (served > listed)
		snprintf(line + off, sizeof(line) - off, ", and %u more", served - listed);
	pr_info("host: serving '%s' (ifindex %d, MTU %u, MAC %s); %u of %u local addresses "
		"served%s%s\n", h->ifname, h->ifindex, h->mtu, mac_str(h->mac, mac, sizeof(mac)),
		served, h->nr_addrs, served ? ": " : "", line);
	for (i = 0; i < h->nr_vlans; i++)
		pr_info("host: VLAN device '%s' (%s, MAC %s, MTU %u) of '%s': served\n",
			h->vlans[i].name, xst_host_vlan_str(&h->vlans[i], tags, sizeof(tags)),
			mac_str(h->vlans[i].mac, mac, sizeof(mac)), h->vlans[i].mtu, h->ifname);
}

static void on_change(void *arg, const struct xst_netwatch_change *c)
{
	struct xst_hostwatch *hw = arg;
	char a[XST_HOST_ADDRSTRLEN], m1[24], m2[24], tags[48];
	const struct xst_host_addr *ad;

	switch (c->what) {
	case XST_NW_IFACE_DELETED:
		pr_err("interface '%s' was deleted: stopping\n", c->old->ifname);
		hw->gone = 1;
		break;
	case XST_NW_IFACE_MTU:
		pr_info("MTU of '%s' is now %u (was %u)\n", c->new->ifname, c->new->mtu,
			c->old->mtu);
		break;
	case XST_NW_IFACE_MAC:
		pr_info("MAC of '%s' is now %s (was %s)\n", c->new->ifname,
			mac_str(c->new->mac, m1, sizeof(m1)), mac_str(c->old->mac, m2, sizeof(m2)));
		break;
	case XST_NW_IFACE_NAME:
		pr_info("interface '%s' is now called '%s'\n", c->old->ifname, c->new->ifname);
		break;
	case XST_NW_VLAN_REMOVED:
		pr_info("VLAN device '%s' (%s) deleted or down: no longer served\n",
			c->old_vlan->name, xst_host_vlan_str(c->old_vlan, tags, sizeof(tags)));
		break;
	case XST_NW_VLAN_ADDED:
		pr_info("VLAN device '%s' (%s, MAC %s) added on '%s': served\n", c->vlan->name,
			xst_host_vlan_str(c->vlan, tags, sizeof(tags)),
			mac_str(c->vlan->mac, m1, sizeof(m1)), c->new->ifname);
		break;
	case XST_NW_VLAN_CHANGED:
		pr_info("VLAN device '%s' (%s): MAC %s, MTU %u\n", c->vlan->name,
			xst_host_vlan_str(c->vlan, tags, sizeof(tags)),
			mac_str(c->vlan->mac, m1, sizeof(m1)), c->vlan->mtu);
		break;
	case XST_NW_ADDR_REMOVED:
		ad = c->old_addr;
		if (ad->flags & XST_HOST_A_SERVED)
			pr_info("address %s removed from '%s': no longer served\n",
				xst_host_addr_str(ad, a, sizeof(a)), ad->ifname);
		else
			pr_info("address %s removed from '%s' (was not served)\n",
				xst_host_addr_str(ad, a, sizeof(a)), ad->ifname);
		break;
	case XST_NW_ADDR_ADDED:
		ad = c->addr;
		if (ad->flags & XST_HOST_A_SERVED)
			pr_info("address %s added on '%s': served\n",
				xst_host_addr_str(ad, a, sizeof(a)), ad->ifname);
		else if (ad->flags & XST_HOST_A_PENDING)
			pr_info("address %s added on '%s': tentative, served once duplicate "
				"address detection completes\n",
				xst_host_addr_str(ad, a, sizeof(a)), ad->ifname);
		else
			pr_info("address %s added on '%s': not served (%s)\n",
				xst_host_addr_str(ad, a, sizeof(a)), ad->ifname, why_not(c->new, ad));
		break;
	case XST_NW_ADDR_CHANGED:
		ad = c->addr;
		if ((ad->flags & XST_HOST_A_SERVED) && !(c->old_addr->flags & XST_HOST_A_SERVED))
			pr_info("address %s on '%s': served now%s\n",
				xst_host_addr_str(ad, a, sizeof(a)), ad->ifname,
				c->old_addr->flags & XST_HOST_A_TENTATIVE ?
					" (duplicate address detection completed)" : "");
		else if (!(ad->flags & XST_HOST_A_SERVED) &&
			 (c->old_addr->flags & XST_HOST_A_SERVED))
			pr_info("address %s on '%s': no longer served (%s)\n",
				xst_host_addr_str(ad, a, sizeof(a)), ad->ifname, why_not(c->new, ad));
		else
			pr_debug("address %s on '%s': flags %#x -> %#x\n",
				 xst_host_addr_str(ad, a, sizeof(a)), ad->ifname,
				 c->old_addr->flags, ad->flags);
		break;
	}
}

static void on_view(void *arg, struct xst_host *h)
{
	struct xst_hostwatch *hw = arg;
	struct xst_host *old = hw->view;
	int err;

	if (!hw->first_done)
		log_first(h);
	/* Listeners first: a TCP retry of a UDP answer finds its listener. */
	err = sync_listeners(hw, h, old);
	/* Then the workers' view, then the steering program's maps: an added
	 * address is served by the workers before XDP steers it to them, and
	 * a removed one is no longer steered soon after the workers stop
	 * serving it (no one has it any more). */
	hw->view = h;
	if (hw->cfg.publish) {
		hw->cfg.publish(hw->cfg.arg, h);	/* frees old, after a grace period */
	} else {
		xst_host_destroy(old);	/* the watcher is done with it: h is the base now */
	}
	if (!err)
		err = sync_maps(hw, h);
	if (err && !hw->err)
		hw->err = err;
	/* The view is in force whatever happened: what failed is tried again
	 * on every xst_hostwatch_process() until it works. */
	hw->need_sync = err != 0;
	hw->first_done = 1;
	if (hw->gone == 1) {
		hw->gone = 2;	/* told once */
		if (hw->cfg.gone)
			hw->cfg.gone(hw->cfg.arg);
	}
}

/* ---- the API ---------------------------------------------------------------------------------- */

int xst_hostwatch_create(struct xst_hostwatch **out, const struct xst_hostwatch_cfg *cfg)
{
	static const struct xst_netwatch_ops ops = { on_change, on_view };
	struct xst_netwatch_cfg ncfg = { .ifname = cfg->ifname, .ops = &ops, .io = cfg->io };
	struct xst_hostwatch *hw;
	int err;

	hw = calloc(1, sizeof(*hw));
	if (!hw)
		return -ENOMEM;
	hw->cfg = *cfg;
	ncfg.arg = hw;
	err = xst_netwatch_create(&hw->nw, &ncfg);
	if (err) {
		if (err == -ENODEV)
			pr_err("interface '%s': not found in a netlink dump\n", cfg->ifname);
		else
			pr_err("read links and addresses (netlink): %s\n", strerror(-err));
		goto err_free;
	}
	err = hw->err;
	if (err)
		goto err_nw;
	*out = hw;
	return 0;

err_nw:
	xst_netwatch_destroy(hw->nw);
	if (!cfg->publish)
		xst_host_destroy(hw->view);
err_free:
	free(hw->lst);
	free(hw);
	return err;
}

void xst_hostwatch_destroy(struct xst_hostwatch *hw)
{
	if (!hw)
		return;
	xst_netwatch_destroy(hw->nw);
	if (!hw->cfg.publish)
		xst_host_destroy(hw->view);
	free(hw->lst);
	free(hw);
}

int xst_hostwatch_fd(const struct xst_hostwatch *hw)
{
	return xst_netwatch_fd(hw->nw);
}

int xst_hostwatch_process(struct xst_hostwatch *hw)
{
	int err;

	hw->err = 0;
	err = xst_netwatch_process(hw->nw);
	if (!err && hw->need_sync && hw->view) {
		err = sync_listeners(hw, hw->view, hw->view);
		if (!err)
			err = sync_maps(hw, hw->view);
		hw->need_sync = err != 0;
	}
	return err ? err : hw->err;
}

const struct xst_host *xst_hostwatch_view(const struct xst_hostwatch *hw)
{
	return hw->view;
}

int xst_hostwatch_gone(const struct xst_hostwatch *hw)
{
	return hw->gone != 0;
}

unsigned int xst_hostwatch_nr_listeners(const struct xst_hostwatch *hw)
{
	unsigned int i, n = 0;

	for (i = 0; i < hw->nr_lst; i++)
		n += hw->lst[i].ok;
	return n;
}
