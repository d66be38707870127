// SPDX-License-Identifier: GPL-2.0
/*
 * What an attach failure means and what to do about it, in one line. The
 * kernel's errno alone misleads: native XDP on a veth whose peer's MTU is
 * too large fails with ERANGE ("Numerical result out of range"), a driver
 * without native XDP with EOPNOTSUPP. The limits below were measured on
 * the testbed (kernel 6.18, x86_64, 4 KiB pages) and match veth_xdp_set():
 *   - veth checks the PEER's MTU: at most
 *     SKB_WITH_OVERHEAD(PAGE_SIZE - XDP_PACKET_HEADROOM) - ETH_HLEN
 *     = 4096 - 256 - 320 - 14 = 3506 for a program without multi-buffer
 *     support; 3506 + 17 * 4096 = 73138 (more than veth's own maximum,
 *     65535) for one declared xdp.frags, as xst_steer is;
 *   - veth needs at least as many rx queues as its peer has tx queues
 *     (ENOSPC);
 *   - lo (and any driver without ndo_bpf) has no native XDP (EOPNOTSUPP).
 */
#include "steer_loader.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "loader_int.h"

/* sizeof(struct skb_shared_info) rounded to a cache line on x86_64 6.x,
 * plus XDP_PACKET_HEADROOM and the Ethernet header: what veth takes off a
 * page for a single-buffer XDP frame. */
#define VETH_XDP_OVERHEAD (320 + 256 + 14)

static int is_veth(const struct xst_link *l, const char *drv)
{
	return !strcmp(l->kind, "veth") || !strcmp(drv, "veth");
}

const char *xst_steer_attach_hint(const char *ifname, int err, enum xst_attach_mode mode,
				  char *buf, size_t len)
{
	struct xst_link l, peer;
	char drv[64] = "", dpart[80], pname[IF_NAMESIZE + 32];
	int have, have_peer = 0, veth, native = mode == XST_MODE_NATIVE;
	long page = sysconf(_SC_PAGESIZE);

	have = !xst_link_get(ifname, 0, -1, &l);
	xst_link_driver(ifname, drv, sizeof(drv));
	veth = have && is_veth(&l, drv);
	if (veth && l.link > 0)
		have_peer = !xst_link_get(NULL, l.link, l.link_nsid, &peer);
	if (have_peer)
		snprintf(pname, sizeof(pname), "'%s'%s", peer.name,
			 l.link_nsid >= 0 ? " (in another namespace)" : "");
	else
		snprintf(pname, sizeof(pname), "of '%s'", ifname);
	if (!drv[0] && veth)
		snprintf(drv, sizeof(drv), "veth");
	/* " (driver X)", or nothing when ethtool does not say (lo) */
	if (drv[0])
		snprintf(dpart, sizeof(dpart), " (driver %s)", drv);
	else
		dpart[0] = '\0';

	switch (-err) {
	case 0:
		snprintf(buf, len, "attached");
		break;
	case ENODEV:
		snprintf(buf, len, "no interface '%s' in this network namespace", ifname);
		break;
	case EEXIST:
		snprintf(buf, len, "'%s' already carries the xdpstorm program (see xdpstormctl "
			 "status; detach it first to attach again)", ifname);
		break;
	case EBUSY:
		snprintf(buf, len, "another (non-xdpstorm) XDP program is attached to '%s'; remove "
			 "it if it is not needed (ip link set dev %s xdp off)", ifname, ifname);
		break;
	case EPROTO:
		snprintf(buf, len, "the xdpstorm program on '%s' comes from a build with another "
			 "ABI version (this one: %d); use that build, or detach it (xdpstormctl "
			 "detach --iface %s)", ifname, XST_ABI_VERSION, ifname);
		break;
	case EPERM:
	case EACCES:
		snprintf(buf, len, "not permitted to attach XDP to '%s': run as root "
			 "(CAP_NET_ADMIN, CAP_BPF and CAP_SYS_ADMIN for bpffs)", ifname);
		break;
	case ERANGE:
		if (native && veth && have_peer)
			snprintf(buf, len, "MTU %u of '%s', the veth peer of '%s'%s, is more than "
				 "native XDP on veth allows for a single-buffer program (%ld with "
				 "%ld KiB pages); lower the peer's MTU or use --mode skb", peer.mtu,
				 peer.name, ifname,
				 l.link_nsid >= 0 ? " (in another namespace)" : "",
				 page - VETH_XDP_OVERHEAD, page / 1024);
		else if (native && have)
			snprintf(buf, len, "MTU %u of '%s'%s is more than native XDP on its "
				 "driver allows; lower the MTU (ip link set dev %s mtu 1500) or use "
				 "--mode skb", l.mtu, ifname, dpart, ifname);
		else
			snprintf(buf, len, "%s (a size limit of the driver: try a smaller MTU)",
				 strerror(ERANGE));
		break;
	case EINVAL:
		if (native && have && l.mtu > 1500)
			snprintf(buf, len, "native XDP on '%s'%s refused the program; drivers "
				 "often limit XDP to smaller frames than MTU %u: lower the MTU or "
				 "use --mode skb", ifname, dpart, l.mtu);
		else
			snprintf(buf, len, "%s (the kernel refused the program or its mode; "
				 "xdpstormctl -vv attach shows the kernel's message)",
				 strerror(EINVAL));
		break;
	case EOPNOTSUPP:
		if (native)
			snprintf(buf, len, "the driver of '%s'%s has no native XDP support; use "
				 "--mode skb (generic XDP: the same steering, more CPU per packet)",
				 ifname, dpart);
		else
			snprintf(buf, len, "'%s' supports no XDP at all (%s)", ifname,
				 strerror(EOPNOTSUPP));
		break;
	case ENOSPC:
		if (native && veth && have_peer)
			snprintf(buf, len, "'%s' has %u rx queue%s, fewer than the %u tx queues of "
				 "its veth peer %s: native XDP on veth needs at least as many "
				 "(create the pair with numrxqueues %u) or use --mode skb", ifname,
				 l.num_rx, l.num_rx == 1 ? "" : "s", peer.num_tx, pname,
				 peer.num_tx);
		else if (native && veth)
			snprintf(buf, len, "'%s' has fewer rx queues than its veth peer has tx "
				 "queues: native XDP on veth needs at least as many, or use "
				 "--mode skb", ifname);
		else
			snprintf(buf, len, "%s (out of a kernel resource: queues or map entries)",
				 strerror(ENOSPC));
		break;
	case ENOMEM:
		snprintf(buf, len, "%s loading the program or its maps (locked-memory limit: "
			 "ulimit -l)", strerror(ENOMEM));
		break;
	default:
		snprintf(buf, len, "%s", strerror(err < 0 ? -err : err));
		break;
	}
	return buf;
}
