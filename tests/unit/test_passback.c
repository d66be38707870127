// SPDX-License-Identifier: GPL-2.0
/*
 * svc/passback.h in a throwaway network namespace (root; the test's own
 * forked process unshares it, so nothing leaks to the host): the TUN is
 * created and up, the rp_filter sysctls are set (conf.all strict -> loose,
 * the TUN's 0) and put back at destroy; a UDP packet whose checksum field
 * holds only the pseudo-header sum (what veth hands over) goes through the
 * pass hook and arrives on a socket bound to an address of a veth device,
 * with its payload and its real source address, over IPv4 and IPv6. The
 * cost of one send (checksum + write()) is measured and printed.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../lib/ref_csum.h"
#include "core/clock.h"
#include "io/io.h"
#include "net/net.h"
#include "svc/passback.h"

#define TUN "fs9pb0"

static int rd(const char *path)
{
	char b[16] = { 0 };
	int fd = open(path, O_RDONLY), n;

	ck_assert_int_ge(fd, 0);
	n = (int)read(fd, b, sizeof(b) - 1);
	close(fd);
	ck_assert_int_gt(n, 0);
	return atoi(b);
}

static void wr(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq((int)write(fd, v, strlen(v)), (int)strlen(v));
	close(fd);
}

/* A private namespace with a veth pair, one end holding 10.99.0.1/24 and fd99::1/64. */
static void netns(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_passback: not root, skipped\n");
		exit(0);
	}
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ck_assert_int_eq(system("ip link set lo up && ip link add fs9d0 type veth peer name fs9d1 && "
				"ip addr add 10.99.0.1/24 dev fs9d0 && "
				"ip addr add fd99::1/64 dev fs9d0 nodad && ip link set fs9d0 up && ip link set fs9d1 up"),
			 0);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An Ethernet frame to port 5353 from port 40000 with payload pl; UDP checksum pseudo-only. */
static uint32_t frame(uint8_t *f, int v6, const char *pl, struct xst_pkt *p)
{
	uint8_t *ip = f + 14, *udp;
	uint32_t hl = v6 ? 40 : 20, plen = (uint32_t)strlen(pl), ulen = 8 + plen, ps;

	memset(f, 0, 14 + hl + ulen + 4);
	put16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)ulen);
		ip[6] = 17;
		ip[7] = 64;
		inet_pton(AF_INET6, "fd99::77", ip + 8);
		inet_pton(AF_INET6, "fd99::1", ip + 24);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(hl + ulen));
		ip[8] = 64;
		ip[9] = 17;
		inet_pton(AF_INET, "10.99.0.77", ip + 12);
		inet_pton(AF_INET, "10.99.0.1", ip + 16);
		put16(ip + 10, (uint16_t)~ref_csum_sum(ip, 20, 0));
	}
	udp = ip + hl;
	put16(udp, 40000);
	put16(udp + 2, 5353);
	put16(udp + 4, (uint16_t)ulen);
	memcpy(udp + 8, pl, plen);
	/* CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum, not complemented */
	{
		uint8_t ph[40] = { 0 };

		if (v6) {
			memcpy(ph, ip + 8, 32);
			put16(ph + 34, (uint16_t)ulen);
			ph[39] = 17;
		} else {
			memcpy(ph, ip + 12, 8);
			ph[9] = 17;
			put16(ph + 10, (uint16_t)ulen);
		}
		ps = ref_csum_sum(ph, v6 ? 40 : 12, 0);
	}
	put16(udp + 6, (uint16_t)ps);
	memset(p, 0, sizeof(*p));
	p->l3_off = 14;
	p->l3_hlen = (uint16_t)hl;
	p->l4_off = (uint16_t)(14 + hl);
	p->l4_len = (uint16_t)ulen;
	p->l3_proto = v6 ? 0x86dd : 0x0800;
	p->l4_proto = 17;
	return 14 + hl + ulen + 4;	/* 4 bytes of Ethernet padding: not sent */
}

static int bound(int v6)
{
	int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(5353) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(5353) };
	int one = 1;

	ck_assert_int_ge(s, 0);
	if (v6) {
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		inet_pton(AF_INET6, "fd99::1", &a6.sin6_addr);
		ck_assert_int_eq(bind(s, (struct sockaddr *)&a6, sizeof(a6)), 0);
	} else {
		inet_pton(AF_INET, "10.99.0.1", &a4.sin_addr);
		ck_assert_int_eq(bind(s, (struct sockaddr *)&a4, sizeof(a4)), 0);
	}
	return s;
}

/* Wait up to 1 s for a datagram; its length, or -1. */
static int recv_wait(int s, char *buf, size_t cap, struct sockaddr_storage *from)
{
	socklen_t fl = sizeof(*from);
	int i, n;

	for (i = 0; i < 1000; i++) {
		n = (int)recvfrom(s, buf, cap, 0, (struct sockaddr *)from, &fl);
		if (n >= 0)
			return n;
		usleep(1000);
	}
	return -1;
}

START_TEST(test_sysctls)
{
	struct xst_passback_cfg cfg = { .name = TUN, .nr_queues = 2 };
	struct xst_passback *pb;

	netns();
	wr("/proc/sys/net/ipv4/conf/all/rp_filter", "1");
	ck_assert_int_eq(xst_passback_create(&pb, &cfg), 0);
	ck_assert_int_gt(xst_passback_ifindex(pb), 0);
	ck_assert_str_eq(xst_passback_name(pb), TUN);
	ck_assert_ptr_nonnull(xst_passback_queue(pb, 1));
	ck_assert_ptr_null(xst_passback_queue(pb, 2));
	ck_assert_int_eq(rd("/proc/sys/net/ipv4/conf/all/rp_filter"), 2);
	ck_assert_int_eq(rd("/proc/sys/net/ipv4/conf/" TUN "/rp_filter"), 0);
	ck_assert_uint_ne(if_nametoindex(TUN), 0);
	xst_passback_destroy(pb);
	ck_assert_int_eq(rd("/proc/sys/net/ipv4/conf/all/rp_filter"), 1);
	ck_assert_uint_eq(if_nametoindex(TUN), 0);	/* not persistent: gone with its fds */

	/* the crash path: restore without destroy */
	ck_assert_int_eq(xst_passback_create(&pb, &cfg), 0);
	ck_assert_int_eq(rd("/proc/sys/net/ipv4/conf/all/rp_filter"), 2);
	xst_passback_restore_sysctls();
	ck_assert_int_eq(rd("/proc/sys/net/ipv4/conf/all/rp_filter"), 1);
	xst_passback_destroy(pb);
	ck_assert_int_eq(rd("/proc/sys/net/ipv4/conf/all/rp_filter"), 1);

	/* loose or off already: left alone */
	wr("/proc/sys/net/ipv4/conf/all/rp_filter", "0");
	ck_assert_int_eq(xst_passback_create(&pb, &cfg), 0);
	ck_assert_int_eq(rd("/proc/sys/net/ipv4/conf/all/rp_filter"), 0);
	xst_passback_destroy(pb);
	ck_assert_int_eq(rd("/proc/sys/net/ipv4/conf/all/rp_filter"), 0);
}
END_TEST

/* _i: 0 IPv4, 1 IPv6 */
START_TEST(test_deliver)
{
	struct xst_passback_cfg cfg = { .name = TUN, .nr_queues = 1 };
	struct xst_io_cfg icfg = { .nr_frames = 256, .frame_size = 4096, .mem_headroom = 256 };
	struct xst_passback *pb;
	struct xst_passback_queue *q;
	struct sockaddr_storage from;
	struct xst_frame f;
	struct xst_io *io;
	struct xst_io_census c;
	uint8_t fr[512];
	char buf[256], addr[64];
	int v6 = _i, s, n;
	uint32_t len, nfree;

	netns();
	/* strict in the namespace: what the passback must work around */
	wr("/proc/sys/net/ipv4/conf/all/rp_filter", "1");
	wr("/proc/sys/net/ipv4/conf/default/rp_filter", "1");
	ck_assert_int_eq(xst_passback_create(&pb, &cfg), 0);
	q = xst_passback_queue(pb, 0);
	s = bound(v6);

	/* through the pass hook, from a frame of the io (freed by the hook) */
	ck_assert_int_eq(xst_io_mem_create(&io, &icfg), 0);
	len = frame(fr, v6, "hello, kernel", &f.pkt);
	nfree = xst_io_nr_free(io);
	ck_assert_int_eq(xst_io_alloc(io, &f.buf), 0);
	ck_assert_uint_eq(xst_io_nr_free(io), nfree - 1);
	memcpy(f.buf.data, fr, len);
	f.buf.len = len;
	xst_passback_pass(q, io, &f);
	ck_assert_int_eq(xst_io_census(io, &c), 0);
	ck_assert_uint_eq(xst_io_nr_free(io), nfree);	/* the hook freed it */
	n = recv_wait(s, buf, sizeof(buf), &from);
	ck_assert_int_eq(n, 13);
	ck_assert_mem_eq(buf, "hello, kernel", 13);
	if (v6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from)->sin6_addr, addr, sizeof(addr));
		ck_assert_str_eq(addr, "fd99::77");
		ck_assert_uint_eq(ntohs(((struct sockaddr_in6 *)&from)->sin6_port), 40000);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr, addr, sizeof(addr));
		ck_assert_str_eq(addr, "10.99.0.77");
		ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&from)->sin_port), 40000);
	}
	ck_assert_uint_eq(xst_passback_stats(q)->passed, 1);
	ck_assert_uint_eq(xst_passback_stats(q)->bytes, len - 14 - 4);

	/* the checksum is complete whatever the field held: a real NIC's full one, garbage */
	len = frame(fr, v6, "second", &f.pkt);
	fr[14 + (v6 ? 40 : 20) + 6] ^= 0x5a;
	ck_assert_int_eq(xst_passback_send(q, fr + 14, len - 14), 0);
	ck_assert_uint_eq(ref_csum_l4(fr + 14, v6, 17, fr + 14 + (v6 ? 40 : 20), 8 + 6), 0xffff);
	n = recv_wait(s, buf, sizeof(buf), &from);
	ck_assert_int_eq(n, 6);
	ck_assert_mem_eq(buf, "second", 6);

	/* not an IP packet: counted, not sent */
	memset(fr, 0, 64);
	ck_assert_int_eq(xst_passback_send(q, fr, 64), -EINVAL);
	ck_assert_uint_eq(xst_passback_stats(q)->dropped_bad, 1);

	/* cost per packet: checksum + write() (the socket drops what it cannot hold) */
	{
		const int N = 20000;
		uint64_t t0, t1;
		int i;

		len = frame(fr, v6, "0123456789012345678901234567890123456789", &f.pkt);
		t0 = xst_clock_ns();
		for (i = 0; i < N; i++)
			xst_passback_send(q, fr + 14, len - 14);
		t1 = xst_clock_ns();
		fprintf(stderr, "test_passback: IPv%d %u-byte packets: %.0f ns per packet "
			"(checksum + write(); %lu passed, %lu full, %lu errors)\n",
			v6 ? 6 : 4, len - 18, (double)(t1 - t0) / N,
			(unsigned long)xst_passback_stats(q)->passed,
			(unsigned long)xst_passback_stats(q)->dropped_full,
			(unsigned long)xst_passback_stats(q)->errors);
		ck_assert_uint_eq(xst_passback_stats(q)->errors, 0);
	}
	close(s);
	xst_passback_destroy(pb);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_bad_cfg)
{
	struct xst_passback_cfg cfg = { .name = "", .nr_queues = 1 };
	struct xst_passback *pb;

	ck_assert_int_eq(xst_passback_create(&pb, &cfg), -EINVAL);
	cfg.name = "fs9-a-name-too-long";
	ck_assert_int_eq(xst_passback_create(&pb, &cfg), -EINVAL);
	cfg.name = TUN;
	cfg.nr_queues = 0;
	ck_assert_int_eq(xst_passback_create(&pb, &cfg), -EINVAL);
	xst_passback_destroy(NULL);
}
END_TEST

Suite *passback_suite(void)
{
	Suite *s = suite_create("passback");
	TCase *tc = tcase_create("passback");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sysctls);
	tcase_add_loop_test(tc, test_deliver, 0, 2);
	tcase_add_test(tc, test_bad_cfg);
	suite_add_tcase(s, tc);
	return s;
}
