// SPDX-License-Identifier: GPL-2.0
/*
 * dns-sock: answer DNS over plain kernel UDP and TCP sockets from the
 * prepared-answer database (xst_dns_respond), for the differential tests
 * against NSD (tests/dns/diff.py) and for debugging. Not the data path.
 *
 * usage: dns-sock --zone FILE [--origin NAME] [--zone FILE...] --listen ADDR --port N
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "dns/db.h"
#include "dns/loadmem.h"
#include "dns/zone.h"

#define MAX_ZONES	64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: dns-sock --zone FILE [--origin NAME] [--zone FILE...] --listen ADDR --port N\n"
		   "  [--identity STR] [--version-string STR] [--hide-identity] [--hide-version]\n"
		   "  --origin applies to the --zone options after it; the others set the\n"
		   "  CHAOS TXT answers (id.server, version.bind, ...) as the daemon's do\n");
}

static int make_socket(const struct sockaddr_storage *ss, socklen_t sl, int type)
{
	int fd = socket(ss->ss_family, type, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, sl) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int read_full(int fd, uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void serve_tcp(const struct xst_dns_db *db, int lfd, struct xst_dns_stats *st)
{
	static uint8_t buf[65536 + 2];
	struct timeval tv = { .tv_sec = 2 };
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		size_t len, out;

		if (read_full(fd, buf, 2))
			break;
		len = (size_t)buf[0] << 8 | buf[1];
		if (read_full(fd, buf + 2, len))
			break;
		out = xst_dns_respond(db, buf + 2, len, 65535, XST_DNS_TCP, st);
		if (!out)
			continue;
		buf[0] = (uint8_t)(out >> 8);
		buf[1] = (uint8_t)out;
		if (write(fd, buf, out + 2) != (ssize_t)(out + 2))
			break;
	}
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "zone", required_argument, NULL, 'z' },
		{ "origin", required_argument, NULL, 'o' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "identity", required_argument, NULL, 'i' },
		{ "version-string", required_argument, NULL, 'V' },
		{ "hide-identity", no_argument, NULL, 'I' },
		{ "hide-version", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct xst_dns_identity ident = { 0 };
	struct xst_zone *zones[MAX_ZONES];
	struct xst_dns_stats st = { 0 };
	struct xst_dns_db_big big;
	struct xst_zone_error zerr;
	struct sockaddr_storage ss = { 0 };
	struct xst_dns_db *db = NULL;
	const char *listen_addr = NULL, *origin = NULL;
	size_t nr = 0, names, msgs, bytes, i;
	int port = 0, c, ufd = -1, tfd = -1, ret = 1, err;
	socklen_t sl;

	xst_loadmem_setup();	/* before the zones are loaded */
	while ((c = getopt_long(argc, argv, "z:o:l:p:hi:V:IH", opts, NULL)) != -1) {
		switch (c) {
		case 'z':
			if (nr >= MAX_ZONES) {
				fprintf(stderr, "dns-sock: too many zones\n");
				return 2;
			}
			err = xst_zone_load(&zones[nr], optarg, origin, &zerr);
			if (err) {
				fprintf(stderr, "dns-sock: %s:%u: %s\n", zerr.file, zerr.line, zerr.reason);
				goto out;
			}
			nr++;
			break;
		case 'o':
			origin = optarg;
			break;
		case 'l':
			listen_addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'i':
			ident.identity = optarg;
			break;
		case 'V':
			ident.version = optarg;
			break;
		case 'I':
			ident.hide_identity = 1;
			break;
		case 'H':
			ident.hide_version = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!nr || !listen_addr || port <= 0 || port > 65535) {
		usage(stderr);
		return 2;
	}
	if (inet_pton(AF_INET, listen_addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, listen_addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "dns-sock: bad address '%s'\n", listen_addr);
		ret = 2;
		goto out;
	}
	err = xst_dns_db_create(&db, zones, nr, &zerr);
	if (err) {
		fprintf(stderr, "dns-sock: %s:%u: %s\n", zerr.file, zerr.line, zerr.reason);
		goto out;
	}
	xst_dns_db_set_identity(db, &ident);
	/* The database is self-contained: serve without the parsed zones, as
	 * the daemon does (its serving memory is what bench-load measures). */
	for (i = 0; i < nr; i++)
		xst_zone_destroy(zones[i]);
	nr = 0;
	malloc_trim(0);
	xst_dns_db_sizes(db, &names, &msgs, &bytes);
	xst_dns_db_big(db, &big);
	if (big.udp)
		fprintf(stderr, "dns-sock: %zu answers never fit in a UDP reply (TC=1, then TCP), "
			"e.g. %s\n", big.udp, big.udp_example);
	if (big.tcp)
		fprintf(stderr, "dns-sock: %zu answers exceed 65535 bytes (TC=1 over TCP too), "
			"e.g. %s\n", big.tcp, big.tcp_example);
	ufd = make_socket(&ss, sl, SOCK_DGRAM);
	tfd = make_socket(&ss, sl, SOCK_STREAM);
	if (ufd < 0 || tfd < 0) {
		fprintf(stderr, "dns-sock: bind %s port %d: %s\n", listen_addr, port, strerror(errno));
		goto out;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	fprintf(stderr, "dns-sock: %zu names, %zu prepared messages, %zu bytes; ready on %s port %d\n",
		names, msgs, bytes, listen_addr, port);
	while (!stop) {
		struct pollfd p[2] = { { .fd = ufd, .events = POLLIN }, { .fd = tfd, .events = POLLIN } };
		static uint8_t buf[65536];

		if (poll(p, 2, 500) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(ufd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			size_t out;

			if (n > 0) {
				out = xst_dns_respond(db, buf, (size_t)n, sizeof(buf), XST_DNS_UDP, &st);
				if (out)
					sendto(ufd, buf, out, 0, (struct sockaddr *)&from, fl);
			}
		}
		if (p[1].revents & POLLIN)
			serve_tcp(db, tfd, &st);
	}
	fprintf(stderr, "dns-sock: %llu queries, %llu answered, %llu formerr, %llu truncated\n",
		(unsigned long long)st.queries, (unsigned long long)st.answered,
		(unsigned long long)st.formerr, (unsigned long long)st.truncated);
	ret = 0;
out:
	if (ufd >= 0)
		close(ufd);
	if (tfd >= 0)
		close(tfd);
	xst_dns_db_destroy(db);
	for (i = 0; i < nr; i++)
		xst_zone_destroy(zones[i]);
	return ret;
}
