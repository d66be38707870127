// SPDX-License-Identifier: GPL-2.0
/*
 * DNS over TCP on a kernel socket. Not the fast path: TCP/53 carries TC=1
 * retries and zone-size answers, so clarity beats speed here; buffers are
 * allocated per connection at accept time.
 */
#include "svc/dns_tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "dns/db.h"

#define MSG_MAX		65535
#define POLL_MS		100	/* epoll timeout: bounds stop latency and the reload grace period */

struct conn {
	int fd;
	uint32_t inlen;			/* bytes in in[] */
	uint32_t outlen, outoff;	/* pending reply bytes in out[] */
	int64_t last_ms;		/* last activity, CLOCK_MONOTONIC */
	uint8_t in[2 + MSG_MAX];
	uint8_t out[2 + MSG_MAX];
};

struct xst_dns_tcp {
	struct xst_rcu_reader reader;
	struct xst_dns_tcp_cfg cfg;
	struct xst_rcu *rcu;
	struct xst_rcu_ptr *db;
	const atomic_int *stop;
	int lfd;
	int ep;
	struct conn **conns;		/* cfg.max_conns slots */
	unsigned int nr_conns;
	struct xst_dns_tcp_stats st;
	pthread_t thread;
	int started;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int xst_dns_tcp_create(struct xst_dns_tcp **out, const struct xst_dns_tcp_cfg *cfg,
		       struct xst_rcu *rcu, struct xst_rcu_ptr *db, const atomic_int *stop)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	struct epoll_event ev = { .events = EPOLLIN };
	struct xst_dns_tcp *t;
	int one = 1, zero = 0, err;

	t = aligned_alloc(64, sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	if (!t->cfg.max_conns)
		t->cfg.max_conns = 256;
	if (t->cfg.idle_ms <= 0)
		t->cfg.idle_ms = 10000;
	t->rcu = rcu;
	t->db = db;
	t->stop = stop;
	t->ep = -1;
	t->conns = calloc(t->cfg.max_conns, sizeof(*t->conns));
	if (!t->conns) {
		err = -ENOMEM;
		goto err_free;
	}

	t->lfd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->lfd < 0) {
		err = -errno;
		goto err_conns;
	}
	setsockopt(t->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* One socket for both families: v4 arrives as v4-mapped addresses. */
	setsockopt(t->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (setsockopt(t->lfd, SOL_SOCKET, SO_BINDTODEVICE, cfg->ifname, strlen(cfg->ifname))) {
		err = -errno;
		goto err_sock;
	}
	sa.sin6_port = htons(cfg->port);
	if (bind(t->lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(t->lfd, 128)) {
		err = -errno;
		goto err_sock;
	}
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	if (t->ep < 0) {
		err = -errno;
		goto err_sock;
	}
	ev.data.ptr = NULL;	/* NULL: the listening socket */
	if (epoll_ctl(t->ep, EPOLL_CTL_ADD, t->lfd, &ev)) {
		err = -errno;
		goto err_ep;
	}
	err = xst_rcu_add_reader(rcu, &t->reader);
	if (err)
		goto err_ep;
	*out = t;
	return 0;

err_ep:
	close(t->ep);
err_sock:
	close(t->lfd);
err_conns:
	free(t->conns);
err_free:
	free(t);
	return err;
}

static void conn_close(struct xst_dns_tcp *t, unsigned int slot)
{
	struct conn *c = t->conns[slot];

	epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
	t->conns[slot] = NULL;
	t->nr_conns--;
}

static void accept_all(struct xst_dns_tcp *t)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		unsigned int slot;
		struct conn *c;
		int fd, one = 1;

		fd = accept4(t->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (t->nr_conns >= t->cfg.max_conns) {
			close(fd);	/* bounded: the client retries or gives up */
			continue;
		}
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->inlen = c->outlen = c->outoff = 0;
		c->last_ms = now_ms();
		for (slot = 0; t->conns[slot]; slot++)
			;
		t->conns[slot] = c;
		t->nr_conns++;
		ev.data.u64 = (uint64_t)slot + 1;
		if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev))
			conn_close(t, slot);
	}
}

/* Write what is pending. Returns 0 when done or blocked, -1 when the connection is dead. */
static int flush(struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->outoff += n;
	}
	c->outoff = c->outlen = 0;
	return 0;
}

/* Answer complete queries in in[] while nothing is pending. -1: close. */
static int serve(struct xst_dns_tcp *t, struct conn *c, const struct xst_dns_db *db)
{
	while (!c->outlen && c->inlen >= 2) {
		uint32_t qlen = (uint32_t)c->in[0] << 8 | c->in[1];
		size_t rlen;

		if (!qlen)
			return -1;
		if (c->inlen < 2 + qlen)
			break;
		memcpy(c->out + 2, c->in + 2, qlen);
		rlen = db ? xst_dns_respond(db, c->out + 2, qlen, MSG_MAX, XST_DNS_TCP, &t->st.dns) : 0;
		memmove(c->in, c->in + 2 + qlen, c->inlen - 2 - qlen);
		c->inlen -= 2 + qlen;
		if (!rlen)
			continue;	/* dropped (QR=1, runt): nothing to say */
		c->out[0] = rlen >> 8;
		c->out[1] = rlen & 0xff;
		c->outlen = 2 + rlen;
		c->outoff = 0;
		if (flush(c))
			return -1;
	}
	return 0;
}

static void handle(struct xst_dns_tcp *t, unsigned int slot, uint32_t events,
		   const struct xst_dns_db *db)
{
	struct conn *c = t->conns[slot];
	struct epoll_event ev;

	if (!c)
		return;
	c->last_ms = now_ms();
	if (events & (EPOLLERR | EPOLLHUP))
		goto close;
	if ((events & EPOLLOUT) && flush(c))
		goto close;
	if (events & EPOLLIN) {
		for (;;) {
			ssize_t n;

			if (c->inlen == sizeof(c->in))
				break;	/* full: the pending reply must drain first */
			n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
			if (n == 0)
				goto close_after;
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				goto close;
			}
			c->inlen += n;
		}
	}
	if (serve(t, c, db))
		goto close;
	/* Wait for writability only while a reply is stuck. */
	ev.events = c->outlen ? EPOLLOUT : EPOLLIN;
	ev.data.u64 = (uint64_t)slot + 1;
	epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &ev);
	return;

close_after:
	/* Peer half-closed: answer what is complete, then close. */
	serve(t, c, db);
	flush(c);
close:
	conn_close(t, slot);
}

static void expire(struct xst_dns_tcp *t)
{
	int64_t now = now_ms();
	unsigned int i;

	for (i = 0; i < t->cfg.max_conns; i++)
		if (t->conns[i] && now - t->conns[i]->last_ms > t->cfg.idle_ms)
			conn_close(t, i);
}

static void *run(void *arg)
{
	struct xst_dns_tcp *t = arg;
	struct epoll_event evs[64];
	int64_t last_expire = now_ms();

	while (!atomic_load_explicit(t->stop, memory_order_relaxed)) {
		const struct xst_dns_db *db;
		int n, i;

		/* Offline while blocked: a reload does not wait for this thread. */
		xst_rcu_offline(&t->reader);
		n = epoll_wait(t->ep, evs, 64, POLL_MS);
		xst_rcu_quiescent(t->rcu, &t->reader);
		db = xst_rcu_deref(t->db);
		for (i = 0; i < n; i++) {
			if (!evs[i].data.u64)
				accept_all(t);
			else
				handle(t, (unsigned int)(evs[i].data.u64 - 1), evs[i].events, db);
		}
		if (now_ms() - last_expire >= 1000) {
			expire(t);
			last_expire = now_ms();
		}
	}
	xst_rcu_offline(&t->reader);
	return NULL;
}

int xst_dns_tcp_start(struct xst_dns_tcp *t)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = -pthread_create(&t->thread, NULL, run, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err)
		t->started = 1;
	return err;
}

const struct xst_dns_tcp_stats *xst_dns_tcp_stats(const struct xst_dns_tcp *t)
{
	return &t->st;
}

void xst_dns_tcp_destroy(struct xst_dns_tcp *t)
{
	unsigned int i;

	if (!t)
		return;
	if (t->started)
		pthread_join(t->thread, NULL);
	xst_rcu_del_reader(t->rcu, &t->reader);
	for (i = 0; i < t->cfg.max_conns; i++)
		if (t->conns[i])
			conn_close(t, i);
	close(t->ep);
	close(t->lfd);
	free(t->conns);
	free(t);
}
