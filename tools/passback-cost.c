// SPDX-License-Identifier: GPL-2.0
/*
 * passback-cost: what one query passed back to the kernel costs in filter
 * mode (svc/passback.h: the UDP checksum completed over the datagram, one
 * write() into the TUN queue, and the kernel's receive path from there to a
 * UDP socket, which runs in the writer's context). Run it in a throwaway
 * network namespace that has DST as a local address (tools/bench/
 * bench-passback.sh makes one):
 *
 *   passback-cost --dst 10.77.0.1 [--count N] [--size BYTES]
 *
 * It creates the TUN device "xstpcost" (no sysctl changed: the namespace's
 * conf.all.rp_filter must not be 1), binds a UDP socket on DST port 53
 * drained by a second thread, sends N UDP/IPv4 packets of SIZE bytes of DNS
 * payload from 192.0.2.1 (with only the pseudo-header sum in the checksum
 * field, as veth hands them over) and prints the sending thread's CPU time
 * per packet, the wall time per packet and how many the socket received.
 * Exit 0, 1 on failure, 2 on usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/byteorder.h"
#include "net/csum.h"
#include "svc/passback.h"

struct drain {
	int fd;
	atomic_int stop;
	uint64_t received;
};

static void *drain_run(void *arg)
{
	struct drain *d = arg;
	char buf[2048];

	while (!atomic_load(&d->stop)) {
		ssize_t n = recv(d->fd, buf, sizeof(buf), 0);

		if (n > 0)		/* 0: the shutdown() that ends the run */
			d->received++;
	}
	return NULL;
}

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An IPv4/UDP packet src:4242 -> dst:53 of size payload bytes into p (room for 20 + 8 + size). */
static uint32_t build(uint8_t *p, uint32_t src, uint32_t dst, uint32_t size)
{
	uint32_t len = 20 + 8 + size, i;
	uint16_t ck;

	memset(p, 0, len);
	p[0] = 0x45;
	xst_put_be16(p + 2, (uint16_t)len);
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	xst_put_be32(p + 12, src);
	xst_put_be32(p + 16, dst);
	ck = xst_csum(p, 20);
	memcpy(p + 10, &ck, 2);
	xst_put_be16(p + 20, 4242);
	xst_put_be16(p + 22, 53);
	xst_put_be16(p + 24, (uint16_t)(8 + size));
	for (i = 0; i < size; i++)
		p[28 + i] = (uint8_t)i;
	/* CHECKSUM_PARTIAL as veth leaves it: the pseudo-header sum, not inverted. */
	ck = (uint16_t)~xst_csum_fold(xst_csum_pseudo4(p + 12, p + 16, IPPROTO_UDP, 8 + size));
	memcpy(p + 26, &ck, 2);
	return len;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct xst_passback_cfg cfg = { .name = "xstpcost", .nr_queues = 1, .no_sysctl = 1 };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	unsigned long count = 1000000, size = 40, i, full = 0;
	struct drain d = { .fd = -1 };
	struct xst_passback *pb = NULL;
	struct xst_passback_queue *q;
	const char *dst = NULL;
	uint8_t pkt[2048], work[2048];
	double cpu0, wall0, cpu, wall;
	int c, rcvbuf = 8 << 20, rc = 1;
	uint32_t len;
	pthread_t th;

	while ((c = getopt_long(argc, argv, "d:c:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dst = optarg; break;
		case 'c': count = strtoul(optarg, NULL, 10); break;
		case 's': size = strtoul(optarg, NULL, 10); break;
		case 'h':
			printf("usage: passback-cost --dst ADDR [--count N] [--size BYTES]\n"
			       "Run in a network namespace where ADDR (IPv4) is local.\n");
			return 0;
		default:
			return 2;
		}
	}
	if (!dst || inet_pton(AF_INET, dst, &sa.sin_addr) != 1 || !count || count > 100000000 ||
	    size < 12 || size > 1400) {
		fprintf(stderr, "passback-cost: --dst IPv4 required; 1 <= count <= 1e8, "
			"12 <= size <= 1400\n");
		return 2;
	}
	d.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (d.fd < 0 || setsockopt(d.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    bind(d.fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("passback-cost: UDP socket on DST:53");
		goto out;
	}
	if (xst_passback_create(&pb, &cfg))
		goto out;
	q = xst_passback_queue(pb, 0);
	len = build(pkt, 0xc0000201u, ntohl(sa.sin_addr.s_addr), (uint32_t)size);
	if (pthread_create(&th, NULL, drain_run, &d))
		goto out;
	cpu0 = now_s(CLOCK_THREAD_CPUTIME_ID);
	wall0 = now_s(CLOCK_MONOTONIC);
	for (i = 0; i < count; i++) {
		memcpy(work, pkt, len);	/* the send completes the checksum in place */
		while (xst_passback_send(q, work, len) == -EAGAIN) {
			full++;
			memcpy(work, pkt, len);
		}
	}
	cpu = now_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	wall = now_s(CLOCK_MONOTONIC) - wall0;
	usleep(200000);
	atomic_store(&d.stop, 1);
	shutdown(d.fd, SHUT_RDWR);
	pthread_join(th, NULL);
	printf("passback-cost: %lu packets of %u bytes: %.2f us CPU and %.2f us wall per packet "
	       "(sending thread), %llu received, %lu retries on a full queue\n",
	       count, len, cpu * 1e6 / (double)count, wall * 1e6 / (double)count,
	       (unsigned long long)d.received, full);
	rc = d.received ? 0 : 1;
out:
	xst_passback_destroy(pb);
	if (d.fd >= 0)
		close(d.fd);
	return rc;
}
