// SPDX-License-Identifier: GPL-2.0
/*
 * The TUN return path of filter mode (svc/passback.h): device and queues,
 * the sysctls it needs, and the per-packet send (checksum completion, one
 * write()).
 */
#include "svc/passback.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_tun.h>

#include "core/byteorder.h"
#include "core/log.h"
#include "net/csum.h"
#include "net/eth.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"

struct xst_passback_queue {
	int fd;
	struct xst_passback_stats st;
} __attribute__((aligned(64)));

struct xst_passback {
	char name[IFNAMSIZ];
	int ifindex;
	int sysctl_set;			/* this device changed conf.all (restore at destroy) */
	uint32_t nr;
	struct xst_passback_queue q[];
};

/*
 * What create changed, for xst_passback_restore_sysctls(): fixed buffers
 * written before the change is made, read by a signal handler.
 */
#define ALL_RP_FILTER	"/proc/sys/net/ipv4/conf/all/rp_filter"
static char saved_all_rp[8];
static volatile sig_atomic_t saved_all_len;	/* > 0: conf.all.rp_filter to put back */

static int read_sysctl(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return (int)n;
}

/* open/write/close only: also what the signal-handler path uses. */
static int write_sysctl(const char *path, const char *val, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	close(fd);
	return err;
}

void xst_passback_restore_sysctls(void)
{
	int len = saved_all_len;

	if (len <= 0)
		return;
	saved_all_len = 0;
	write_sysctl(ALL_RP_FILTER, saved_all_rp, (size_t)len);
}

static int set_sysctls(struct xst_passback *pb)
{
	char path[96], cur[8];
	int err, n;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", pb->name);
	err = write_sysctl(path, "0", 1);
	if (err) {
		pr_err("set %s to 0: %s\n", path, strerror(-err));
		return err;
	}
	pr_info("passback: net.ipv4.conf.%s.rp_filter = 0 (passed queries arrive on it, "
		"their sources route elsewhere)\n", pb->name);
	n = read_sysctl(ALL_RP_FILTER, cur, sizeof(cur));
	if (n < 0) {
		pr_err("read %s: %s\n", ALL_RP_FILTER, strerror(-n));
		return n;
	}
	if (strcmp(cur, "1"))
		return 0;	/* 0 or 2 already: max(all, tun) is not strict */
	if (saved_all_len > 0) {
		pb->sysctl_set = 0;	/* another device saved it: that one restores */
		return 0;
	}
	memcpy(saved_all_rp, cur, (size_t)n);
	saved_all_len = n;
	err = write_sysctl(ALL_RP_FILTER, "2", 1);
	if (err) {
		saved_all_len = 0;
		pr_err("set %s to 2: %s\n", ALL_RP_FILTER, strerror(-err));
		return err;
	}
	pb->sysctl_set = 1;
	pr_info("passback: net.ipv4.conf.all.rp_filter 1 -> 2 (loose: strict would drop every "
		"passed IPv4 query), restored at exit\n");
	return 0;
}

static int open_queue(const char *name, int *fd_out)
{
	struct ifreq ifr;
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_err("open '/dev/net/tun': %s\n", strerror(-err));
		return err;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		pr_err("create TUN queue '%s': %s\n", name, strerror(-err));
		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

static int bring_up(struct xst_passback *pb)
{
	struct ifreq ifr;
	int s, err = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", pb->name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	pb->ifindex = ifr.ifr_ifindex;
	/*
	 * The kernel's reverse-path check fails every packet received on a
	 * device without an IPv4 address unless rp_filter is 0 for it
	 * (fib_validate_source(): no_addr -> last_resort), loose mode
	 * included. RFC 7600's IPv4 dummy address (192.0.0.8/32, for nodes
	 * that have no address of their own) makes loose mode work: no prefix
	 * route, nothing routed to the TUN.
	 */
	{
		struct sockaddr_in *a = (struct sockaddr_in *)&ifr.ifr_addr;

		memset(&ifr.ifr_addr, 0, sizeof(ifr.ifr_addr));
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(XST_PASSBACK_ADDR4);
		if (ioctl(s, SIOCSIFADDR, &ifr) < 0) {
			err = -errno;
			goto out;
		}
		a->sin_addr.s_addr = htonl(0xffffffffu);
		if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0) {
			err = -errno;
			goto out;
		}
	}
out:
	if (err)
		pr_err("bring up '%s': %s\n", pb->name, strerror(-err));
	close(s);
	return err;
}

int xst_passback_create(struct xst_passback **out, const struct xst_passback_cfg *cfg)
{
	struct xst_passback *pb;
	uint32_t i;
	int err;

	if (!cfg->name || !cfg->name[0] || strlen(cfg->name) >= IFNAMSIZ || !cfg->nr_queues ||
	    cfg->nr_queues > XST_PASSBACK_QUEUES_MAX)
		return -EINVAL;
	pb = aligned_alloc(64, sizeof(*pb) + cfg->nr_queues * sizeof(pb->q[0]) + 64);
	if (!pb)
		return -ENOMEM;
	memset(pb, 0, sizeof(*pb) + cfg->nr_queues * sizeof(pb->q[0]));
	snprintf(pb->name, sizeof(pb->name), "%s", cfg->name);
	for (i = 0; i < cfg->nr_queues; i++)
		pb->q[i].fd = -1;
	for (i = 0; i < cfg->nr_queues; i++) {
		err = open_queue(pb->name, &pb->q[i].fd);
		if (err)
			goto err_close;
		pb->nr = i + 1;
	}
	err = bring_up(pb);
	if (err)
		goto err_close;
	if (!cfg->no_sysctl) {
		err = set_sysctls(pb);
		if (err)
			goto err_sysctl;
	}
	pr_info("passback: TUN '%s' (ifindex %d), %u queue(s), up, 192.0.0.8/32\n", pb->name,
		pb->ifindex, pb->nr);
	*out = pb;
	return 0;

err_sysctl:
	if (pb->sysctl_set)
		xst_passback_restore_sysctls();
err_close:
	for (i = 0; i < pb->nr; i++)
		close(pb->q[i].fd);
	free(pb);
	return err;
}

void xst_passback_destroy(struct xst_passback *pb)
{
	uint32_t i;

	if (!pb)
		return;
	if (pb->sysctl_set && saved_all_len > 0) {
		pr_info("passback: net.ipv4.conf.all.rp_filter back to %.*s\n",
			(int)saved_all_len, saved_all_rp);
		xst_passback_restore_sysctls();
	}
	for (i = 0; i < pb->nr; i++)
		close(pb->q[i].fd);
	pr_info("passback: TUN '%s' closed (the device goes with its last queue)\n", pb->name);
	free(pb);
}

const char *xst_passback_name(const struct xst_passback *pb)
{
	return pb->name;
}

int xst_passback_ifindex(const struct xst_passback *pb)
{
	return pb->ifindex;
}

struct xst_passback_queue *xst_passback_queue(struct xst_passback *pb, uint32_t i)
{
	return i < pb->nr ? &pb->q[i] : NULL;
}

const struct xst_passback_stats *xst_passback_stats(const struct xst_passback_queue *q)
{
	return &q->st;
}

static inline void bump(uint64_t *c, uint64_t by)
{
	__atomic_store_n(c, *c + by, __ATOMIC_RELAXED);
}

/*
 * Complete the L4 checksum of l3[0..ip_len) whose transport header is at
 * l4 (proto UDP or TCP), then write it. ip_len: the IP length (no padding).
 */
static int finish(struct xst_passback_queue *q, uint8_t *l3, uint32_t ip_len, uint32_t l4,
		  uint8_t proto, int v6)
{
	uint32_t l4_len = ip_len - l4, sum;
	uint32_t coff = proto == XST_IPPROTO_UDP ? 6 : 16;
	uint16_t c;
	ssize_t n;

	if (l4 > ip_len || l4_len < coff + 2 ||
	    (proto == XST_IPPROTO_UDP && xst_get_be16(l3 + l4 + 4) != l4_len)) {
		bump(&q->st.dropped_bad, 1);
		return -EINVAL;
	}
	memset(l3 + l4 + coff, 0, 2);
	sum = v6 ? xst_csum_pseudo6(l3 + 8, l3 + 24, proto, l4_len)
		 : xst_csum_pseudo4(l3 + 12, l3 + 16, proto, l4_len);
	sum = xst_csum_partial(l3 + l4, l4_len, sum);
	c = xst_csum_fold(sum);
	if (!c && proto == XST_IPPROTO_UDP)
		c = 0xffff;	/* 0 means "no checksum" in UDP (and is forbidden in IPv6) */
	memcpy(l3 + l4 + coff, &c, 2);

	n = write(q->fd, l3, ip_len);
	if (n == (ssize_t)ip_len) {
		bump(&q->st.passed, 1);
		bump(&q->st.bytes, ip_len);
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		bump(&q->st.dropped_full, 1);
		return -EAGAIN;
	}
	bump(&q->st.errors, 1);
	return n < 0 ? -errno : -EIO;
}

int xst_passback_send(struct xst_passback_queue *q, uint8_t *l3, uint32_t len)
{
	uint32_t ip_len, l4;
	uint8_t nh;
	int n;

	if (len >= XST_IPV4_HLEN && l3[0] >> 4 == 4) {
		l4 = (l3[0] & 0xfu) * 4u;
		ip_len = xst_get_be16(l3 + 2);
		if (l4 < XST_IPV4_HLEN || ip_len > len || ip_len < l4 ||
		    (xst_get_be16(l3 + 6) & (XST_IPV4_MF | XST_IPV4_OFFMASK)))
			goto bad;
		nh = l3[9];
		if (nh != XST_IPPROTO_UDP && nh != XST_IPPROTO_TCP)
			goto bad;
		return finish(q, l3, ip_len, l4, nh, 0);
	}
	if (len >= XST_IPV6_HLEN && l3[0] >> 4 == 6) {
		ip_len = XST_IPV6_HLEN + xst_get_be16(l3 + 4);
		if (ip_len > len)
			goto bad;
		nh = l3[6];
		l4 = XST_IPV6_HLEN;
		/* the extension headers the worker lets through (net/ipv6.h) */
		for (n = 0; nh == XST_IPV6_NH_HOPOPTS || nh == XST_IPV6_NH_ROUTING ||
			    nh == XST_IPV6_NH_DSTOPTS; n++) {
			if (n == XST_IPV6_EXT_MAX || l4 + 8 > ip_len)
				goto bad;
			nh = l3[l4];
			l4 += 8u + 8u * l3[l4 + 1];
		}
		if (nh != XST_IPPROTO_UDP && nh != XST_IPPROTO_TCP)
			goto bad;
		return finish(q, l3, ip_len, l4, nh, 1);
	}
bad:
	bump(&q->st.dropped_bad, 1);
	return -EINVAL;
}

void xst_passback_pass(void *arg, struct xst_io *io, struct xst_frame *f)
{
	struct xst_passback_queue *q = arg;
	const struct xst_pkt *p = &f->pkt;

	if (f->buf.len > p->l3_off)
		xst_passback_send(q, f->buf.data + p->l3_off, f->buf.len - p->l3_off);
	else
		bump(&q->st.dropped_bad, 1);
	xst_io_free(io, f->buf.addr);
}
