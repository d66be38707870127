// SPDX-License-Identifier: GPL-2.0
/*
 * DNS over TCP (svc/dns_tcp.h) on loopback sockets (127.0.0.0/8, nothing
 * leaves the host): framing and pipelining, the listener API, the query
 * deadline that trickled bytes do not extend, the idle timeout, the
 * per-source limit, eviction (idle longest first, then the slowest query)
 * and a database replaced by RCU while the thread runs. Timeouts are set
 * short (hundreds of ms) so the suite takes a few seconds.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/rcu.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "svc/dns_tcp.h"

static const char ZONE[] = "$ORIGIN example.test.\n"
			   "$TTL 300\n"
			   "@	IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
			   "@	IN NS ns1\n"
			   "ns1	IN A 192.0.2.53\n"
			   "www	IN A 192.0.2.1\n";

static struct xst_dns_db *db;
static struct xst_zone *zone;
static struct xst_rcu rcu;
static struct xst_rcu_ptr dbp;
static atomic_int stop;
static struct xst_dns_tcp *t;
static uint16_t port;

#define LD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A port that was free a moment ago. */
static uint16_t free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static struct xst_dns_tcp_addr lo_addr(const char *ip)
{
	struct xst_dns_tcp_addr a = { .family = AF_INET };

	ck_assert_int_eq(inet_pton(AF_INET, ip, a.addr), 1);
	return a;
}

static void start(unsigned int max_conns, unsigned int per_source, unsigned int query_ms,
		  unsigned int idle_ms)
{
	struct xst_dns_tcp_cfg cfg = { 0 };
	struct xst_zone_error err;
	struct xst_zone *zs[1];
	struct xst_dns_tcp_addr a = lo_addr("127.0.0.1");

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(xst_zone_parse_string(&zone, ZONE, "test.zone", NULL, &err), 0);
	zs[0] = zone;
	ck_assert_int_eq(xst_dns_db_create(&db, zs, 1, &err), 0);
	xst_rcu_init(&rcu);
	xst_rcu_ptr_init(&dbp, db);
	atomic_store(&stop, 0);
	port = free_port();
	cfg.port = port;
	cfg.max_conns = max_conns;
	cfg.per_source = per_source;
	cfg.query_timeout_ms = query_ms;
	cfg.idle_timeout_ms = idle_ms;
	ck_assert_int_eq(xst_dns_tcp_create(&t, &cfg, &rcu, &dbp, &stop), 0);
	ck_assert_int_eq(xst_dns_tcp_listen(t, &a), 0);
	ck_assert_int_eq(xst_dns_tcp_start(t), 0);
}

static void finish(void)
{
	atomic_store(&stop, 1);
	xst_dns_tcp_destroy(t);
	t = NULL;
	xst_dns_db_destroy(xst_rcu_deref(&dbp));
	xst_zone_destroy(zone);
	db = NULL;
	zone = NULL;
}

/* A client socket from src (any 127/8 address) to dst:port. */
static int dial(const char *src, const char *dst)
{
	struct sockaddr_in s = { .sin_family = AF_INET }, d = { .sin_family = AF_INET };
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	inet_pton(AF_INET, src, &s.sin_addr);
	inet_pton(AF_INET, dst, &d.sin_addr);
	d.sin_port = htons(port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&s, sizeof(s)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&d, sizeof(d))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* A framed query for www.example.test A with this id: its length. */
static size_t query(uint8_t *buf, uint16_t id)
{
	static const uint8_t q[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 7,
				     'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,
				     0, 1, 0, 1 };

	buf[0] = 0;
	buf[1] = sizeof(q);
	memcpy(buf + 2, q, sizeof(q));
	buf[2] = (uint8_t)(id >> 8);
	buf[3] = (uint8_t)id;
	return 2 + sizeof(q);
}

static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, buf + got, len - got, 0);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Read one framed reply: its DNS id, or -1 when the connection ended. */
static int reply_id(int fd, int *ancount)
{
	uint8_t buf[2 + 65535];
	size_t len;

	if (read_full(fd, buf, 2))
		return -1;
	len = (size_t)buf[0] << 8 | buf[1];
	if (len < 12 || read_full(fd, buf + 2, len))
		return -1;
	if (ancount)
		*ancount = buf[2 + 6] << 8 | buf[2 + 7];
	return buf[2] << 8 | buf[3];
}

/* Whether the server has closed fd within ms (EOF or reset). */
static int closed_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t b;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return recv(fd, &b, 1, MSG_DONTWAIT) <= 0;
}

static void ask(int fd, uint16_t id)
{
	uint8_t q[64];
	size_t n = query(q, id);
	int an = 0;

	ck_assert_int_eq(send(fd, q, n, 0), (ssize_t)n);
	ck_assert_int_eq(reply_id(fd, &an), id);
	ck_assert_int_eq(an, 1);
}

/* ---- tests ----------------------------------------------------------------------- */

START_TEST(test_tcp_answers)
{
	const struct xst_dns_tcp_stats *st;
	uint8_t q[256];
	size_t n;
	int fd;

	start(16, 16, 2000, 2000);
	fd = dial("127.0.0.1", "127.0.0.1");
	ck_assert_int_ge(fd, 0);
	ask(fd, 0x1234);
	/* two queries in one segment, then one cut in three pieces */
	n = query(q, 1);
	n += query(q + n, 2);
	ck_assert_int_eq(send(fd, q, n, 0), (ssize_t)n);
	ck_assert_int_eq(reply_id(fd, NULL), 1);
	ck_assert_int_eq(reply_id(fd, NULL), 2);
	n = query(q, 3);
	ck_assert_int_eq(send(fd, q, 1, 0), 1);
	sleep_ms(20);
	ck_assert_int_eq(send(fd, q + 1, 10, 0), 10);
	sleep_ms(20);
	ck_assert_int_eq(send(fd, q + 11, n - 11, 0), (ssize_t)(n - 11));
	ck_assert_int_eq(reply_id(fd, NULL), 3);
	/* a zero length prefix is no message: closed */
	ck_assert_int_eq(send(fd, "\0\0", 2, 0), 2);
	ck_assert(closed_within(fd, 1000));
	close(fd);
	sleep_ms(50);
	st = xst_dns_tcp_stats(t);
	ck_assert_uint_eq(LD(st->accepted), 1);
	ck_assert_uint_eq(LD(st->queries), 4);
	ck_assert_uint_eq(LD(st->answered), 4);
	ck_assert_uint_eq(xst_dns_tcp_answered(t), 4);
	ck_assert_uint_eq(LD(st->bad_frames), 1);
	ck_assert_uint_eq(LD(st->dns.answered), 4);
	ck_assert_uint_eq(xst_dns_tcp_nr_conns(t), 0);
	finish();
}
END_TEST

START_TEST(test_tcp_listeners)
{
	struct xst_dns_tcp_addr a = lo_addr("127.0.0.1"), b = lo_addr("127.0.0.3");
	struct xst_dns_tcp_addr far = lo_addr("192.0.2.77");
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, other;

	start(16, 16, 2000, 2000);
	ck_assert_int_eq(xst_dns_tcp_listen(t, &a), -EEXIST);
	ck_assert_uint_eq(xst_dns_tcp_nr_listeners(t), 1);
	/* only the addresses listened on: 127.0.0.3 is not (no wildcard) */
	ck_assert_int_eq(dial("127.0.0.1", "127.0.0.3"), -ECONNREFUSED);
	ck_assert_int_eq(xst_dns_tcp_listen(t, &b), 0);
	fd = dial("127.0.0.1", "127.0.0.3");
	ck_assert_int_ge(fd, 0);
	ask(fd, 7);
	/* closing a listener leaves its connections alone */
	ck_assert_int_eq(xst_dns_tcp_unlisten(t, &b), 0);
	ck_assert_int_eq(xst_dns_tcp_unlisten(t, &b), -ENOENT);
	ck_assert_int_eq(dial("127.0.0.1", "127.0.0.3"), -ECONNREFUSED);
	ask(fd, 8);
	close(fd);
	/* another server holds 127.0.0.4:port: refused, nothing else changes */
	other = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "127.0.0.4", &sa.sin_addr);
	sa.sin_port = htons(port);
	ck_assert_int_eq(bind(other, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(other, 1), 0);
	b = lo_addr("127.0.0.4");
	ck_assert_int_eq(xst_dns_tcp_listen(t, &b), -EADDRINUSE);
	close(other);
	/* IP_FREEBIND: an address that is not (yet) local binds */
	ck_assert_int_eq(xst_dns_tcp_listen(t, &far), 0);
	ck_assert_uint_eq(xst_dns_tcp_nr_listeners(t), 2);
	/* bound to a device: lo's traffic still comes in on lo */
	b = lo_addr("127.0.0.5");
	b.ifindex = 1;
	ck_assert_int_eq(xst_dns_tcp_listen(t, &b), 0);
	fd = dial("127.0.0.1", "127.0.0.5");
	ck_assert_int_ge(fd, 0);
	ask(fd, 9);
	close(fd);
	finish();
}
END_TEST

/* One byte every 100 ms does not keep a connection past the query deadline. */
START_TEST(test_tcp_query_deadline)
{
	const struct xst_dns_tcp_stats *st;
	int64_t t0;
	uint8_t q[64];
	int fd, i, closed = 0;

	start(16, 16, 400, 5000);
	query(q, 1);
	fd = dial("127.0.0.1", "127.0.0.1");
	ck_assert_int_ge(fd, 0);
	t0 = mono_ms();
	for (i = 0; i < 30 && !closed; i++) {
		send(fd, q + i, 1, MSG_NOSIGNAL);
		closed = closed_within(fd, 100);
	}
	ck_assert_msg(closed, "a trickling client kept its connection");
	ck_assert_int_ge(mono_ms() - t0, 350);
	ck_assert_int_le(mono_ms() - t0, 1000);
	close(fd);
	/* silent from the start: the first query is due as well */
	fd = dial("127.0.0.1", "127.0.0.1");
	t0 = mono_ms();
	ck_assert(closed_within(fd, 2000));
	ck_assert_int_le(mono_ms() - t0, 1000);
	close(fd);
	st = xst_dns_tcp_stats(t);
	ck_assert_uint_eq(LD(st->query_timeouts), 2);
	ck_assert_uint_eq(LD(st->idle_closes), 0);
	finish();
}
END_TEST

/* After an answer the idle timeout applies; the next query gets its own deadline. */
START_TEST(test_tcp_idle)
{
	const struct xst_dns_tcp_stats *st;
	int64_t t0;
	uint8_t q[64];
	size_t n;
	int fd;

	start(16, 16, 300, 800);
	fd = dial("127.0.0.1", "127.0.0.1");
	ask(fd, 1);
	/* idle 500 ms (> the query deadline, < the idle timeout): still open */
	ck_assert(!closed_within(fd, 500));
	ask(fd, 2);
	/* then a query begun and not finished: closed by its own deadline */
	n = query(q, 3);
	ck_assert_int_eq(send(fd, q, n - 1, 0), (ssize_t)(n - 1));
	t0 = mono_ms();
	ck_assert(closed_within(fd, 2000));
	ck_assert_int_le(mono_ms() - t0, 700);
	close(fd);
	/* and an idle one goes at the idle timeout */
	fd = dial("127.0.0.1", "127.0.0.1");
	ask(fd, 4);
	t0 = mono_ms();
	ck_assert(closed_within(fd, 3000));
	ck_assert_int_ge(mono_ms() - t0, 700);
	close(fd);
	st = xst_dns_tcp_stats(t);
	ck_assert_uint_eq(LD(st->idle_closes), 1);
	ck_assert_uint_eq(LD(st->query_timeouts), 1);
	finish();
}
END_TEST

START_TEST(test_tcp_per_source)
{
	int fd[6], other, i, closed = 0;

	start(64, 3, 5000, 5000);
	for (i = 0; i < 6; i++) {
		fd[i] = dial("127.0.0.9", "127.0.0.1");
		ck_assert_int_ge(fd[i], 0);
	}
	for (i = 0; i < 6; i++)
		closed += closed_within(fd[i], 300);
	ck_assert_int_eq(closed, 3);
	ck_assert_uint_eq(LD(xst_dns_tcp_stats(t)->refused_per_source), 3);
	/* another source is not affected */
	other = dial("127.0.0.10", "127.0.0.1");
	ask(other, 1);
	close(other);
	for (i = 0; i < 6; i++)
		close(fd[i]);
	finish();
}
END_TEST

/* A full table admits a newcomer: idle longest goes first, then the slowest query. */
START_TEST(test_tcp_evict)
{
	const struct xst_dns_tcp_stats *st;
	int a, b, c, d, e, f, g;
	uint8_t q[64];

	start(4, 100, 5000, 5000);
	query(q, 9);
	a = dial("127.0.0.1", "127.0.0.1");
	ask(a, 1);		/* idle since now */
	sleep_ms(30);
	b = dial("127.0.0.1", "127.0.0.1");
	ask(b, 2);		/* idle, younger */
	sleep_ms(30);
	c = dial("127.0.0.1", "127.0.0.1");
	send(c, q, 3, 0);	/* mid-query */
	sleep_ms(30);
	d = dial("127.0.0.1", "127.0.0.1");
	send(d, q, 3, 0);
	sleep_ms(50);
	ck_assert_uint_eq(xst_dns_tcp_nr_conns(t), 4);

	e = dial("127.0.0.1", "127.0.0.1");
	ask(e, 5);		/* admitted: a gave way */
	ck_assert(closed_within(a, 500));
	ck_assert(!closed_within(b, 50));
	f = dial("127.0.0.1", "127.0.0.1");
	sleep_ms(50);
	ck_assert(closed_within(b, 500));
	/* no idle one left (e is the newest idle, f is silent and newer): e goes */
	g = dial("127.0.0.1", "127.0.0.1");
	sleep_ms(50);
	ck_assert(closed_within(e, 500));
	ck_assert(!closed_within(c, 50));
	ck_assert(!closed_within(d, 50));
	ask(g, 7);
	st = xst_dns_tcp_stats(t);
	ck_assert_uint_eq(LD(st->evicted), 3);
	ck_assert_uint_eq(LD(st->evicted_busy), 0);
	ck_assert_uint_eq(xst_dns_tcp_nr_conns(t), 4);	/* c d f g */

	/* f and g idle or silent? g answered (idle), f silent: both class 0;
	 * make every connection busy, then the oldest query goes */
	send(f, q, 3, 0);
	send(g, q, 3, 0);
	sleep_ms(50);
	e = dial("127.0.0.1", "127.0.0.1");
	sleep_ms(50);
	ck_assert(closed_within(c, 500));
	ck_assert_uint_eq(LD(st->evicted_busy), 1);
	close(a);
	close(b);
	close(c);
	close(d);
	close(e);
	close(f);
	close(g);
	finish();
}
END_TEST

/* A reload while the thread waits in epoll does not wait for it; the new db answers. */
START_TEST(test_tcp_rcu_reload)
{
	struct xst_zone_error err;
	struct xst_dns_db *db2, *old;
	struct xst_zone *z2, *zs[1];
	int64_t t0;
	int fd;

	start(16, 16, 5000, 5000);
	fd = dial("127.0.0.1", "127.0.0.1");
	ask(fd, 1);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(xst_zone_parse_string(&z2, ZONE, "test.zone", NULL, &err), 0);
	zs[0] = z2;
	ck_assert_int_eq(xst_dns_db_create(&db2, zs, 1, &err), 0);
	t0 = mono_ms();
	old = xst_rcu_replace(&rcu, &dbp, db2);
	ck_assert_int_le(mono_ms() - t0, 200);
	ck_assert_ptr_eq(old, db);
	xst_dns_db_destroy(old);
	ask(fd, 2);		/* ASan: the old one is never read again */
	close(fd);
	finish();
	xst_zone_destroy(z2);
}
END_TEST

Suite *dns_tcp_suite(void)
{
	Suite *s = suite_create("dns_tcp");
	TCase *tc = tcase_create("loopback");

	tcase_add_test(tc, test_tcp_answers);
	tcase_add_test(tc, test_tcp_listeners);
	tcase_add_test(tc, test_tcp_query_deadline);
	tcase_add_test(tc, test_tcp_idle);
	tcase_add_test(tc, test_tcp_per_source);
	tcase_add_test(tc, test_tcp_evict);
	tcase_add_test(tc, test_tcp_rcu_reload);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
