// SPDX-License-Identifier: GPL-2.0
/*
 * DNS over TCP on kernel sockets (svc/dns_tcp.h). Not the fast path: TCP/53
 * carries TC=1 retries and zone-size answers, so clarity beats speed here;
 * buffers are allocated per connection at accept time, deadlines are found
 * by a scan of the connection table every POLL_MS (max_conns entries: 256
 * by default, cheap at tens of thousands), the victim of an eviction by a
 * scan when the table is full.
 *
 * Locking: the listener table is shared with the thread that opens and
 * closes listeners (the daemon's main thread); t->lock covers it and is
 * held by the TCP thread while it handles one batch of events, never
 * while it waits. Connections belong to the TCP thread alone.
 */
#include "svc/dns_tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
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

#include "core/clock.h"
#include "core/log.h"

#define MSG_MAX		65535
#define POLL_MS		100	/* epoll timeout: bounds stop latency and deadline precision */
#define ACCEPT_BATCH	64	/* accepts per listener event: the others get their turn */
#define BACKLOG		1024	/* a flood of connections must not drop a resolver's SYN */

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX	62
#endif
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND		78
#endif

/* epoll tags: listener bit, generation, slot */
#define TAG_LISTENER	(1ull << 63)
#define TAG(slot, gen)	((uint64_t)((gen) & 0x7fffffffu) << 32 | (uint32_t)(slot))
#define TAG_SLOT(tag)	((uint32_t)(tag))
#define TAG_GEN(tag)	((uint32_t)((tag) >> 32) & 0x7fffffffu)

/* Single writer (this thread): a relaxed store keeps readers' loads whole. */
#define INC(x)		__atomic_store_n(&(x), (x) + 1, __ATOMIC_RELAXED)

enum cstate {
	C_FRESH,	/* accepted, nothing received: the first query is due */
	C_QUERY,	/* part of a query received */
	C_IDLE,		/* answered, nothing of the next query yet */
	C_WRITE,	/* a reply waits for the client to read */
};

struct srckey {
	uint64_t hi;	/* family */
	uint64_t lo;	/* IPv4 address, or the IPv6 /64 */
};

struct conn {
	int fd;
	uint32_t gen;
	enum cstate state;
	int64_t since_ms;	/* entered this state (waiting order for eviction) */
	int64_t deadline_ms;	/* closed at this time (CLOCK_MONOTONIC) */
	struct srckey src;
	struct conn *src_next;	/* same bucket of the per-source table */
	uint32_t inlen;			/* bytes in in[] */
	uint32_t outlen, outoff;	/* pending reply bytes in out[] */
	int peer_closed;		/* the client shut its side: answer, write, close */
	uint8_t in[2 + MSG_MAX];
	uint8_t out[2 + MSG_MAX];
};

struct listener {
	int fd;			/* -1: free slot */
	uint32_t gen;
	struct xst_dns_tcp_addr a;
};

struct xst_dns_tcp {
	struct xst_dns_tcp_stats st;	/* first: its own cache lines */
	struct xst_rcu_reader reader;
	struct xst_dns_tcp_cfg cfg;
	struct xst_rcu *rcu;
	struct xst_rcu_ptr *db;
	const atomic_int *stop;
	int ep;
	pthread_mutex_t lock;		/* listeners[] and nr_listeners */
	struct listener *listeners;	/* XST_DNS_TCP_MAX_LISTENERS */
	unsigned int nr_listeners;
	struct conn **conns;		/* cfg.max_conns slots */
	unsigned int *free_slots;	/* a stack of free indices into conns */
	unsigned int nr_free;
	_Atomic unsigned int nr_conns;
	struct conn **src_tab;		/* per-source buckets */
	uint32_t src_mask;
	uint32_t next_gen;
	int64_t last_expire;
	pthread_t thread;
	int started;
};

static int64_t now_ms(void)
{
	return (int64_t)(xst_clock_ns() / XST_NS_PER_MS);
}

int xst_dns_tcp_create(struct xst_dns_tcp **out, const struct xst_dns_tcp_cfg *cfg,
		       struct xst_rcu *rcu, struct xst_rcu_ptr *db, const atomic_int *stop)
{
	struct xst_dns_tcp *t;
	unsigned int i, nb;
	int err;

	t = aligned_alloc(64, sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	if (!t->cfg.max_conns)
		t->cfg.max_conns = XST_DNS_TCP_MAX_CONNS;
	if (!t->cfg.per_source)
		t->cfg.per_source = XST_DNS_TCP_PER_SOURCE;
	if (!t->cfg.query_timeout_ms)
		t->cfg.query_timeout_ms = XST_DNS_TCP_QUERY_TIMEOUT_MS;
	if (!t->cfg.idle_timeout_ms)
		t->cfg.idle_timeout_ms = XST_DNS_TCP_IDLE_TIMEOUT_MS;
	if (!t->cfg.port)
		t->cfg.port = 53;
	t->rcu = rcu;
	t->db = db;
	t->stop = stop;
	t->ep = -1;
	err = -pthread_mutex_init(&t->lock, NULL);
	if (err)
		goto err_free;
	for (nb = 16; nb < t->cfg.max_conns; nb <<= 1)
		;
	t->src_mask = nb - 1;
	t->conns = calloc(t->cfg.max_conns, sizeof(*t->conns));
	t->free_slots = calloc(t->cfg.max_conns, sizeof(*t->free_slots));
	t->src_tab = calloc(nb, sizeof(*t->src_tab));
	t->listeners = calloc(XST_DNS_TCP_MAX_LISTENERS, sizeof(*t->listeners));
	if (!t->conns || !t->free_slots || !t->src_tab || !t->listeners) {
		err = -ENOMEM;
		goto err_tables;
	}
	for (i = 0; i < XST_DNS_TCP_MAX_LISTENERS; i++)
		t->listeners[i].fd = -1;
	for (i = 0; i < t->cfg.max_conns; i++)
		t->free_slots[i] = t->cfg.max_conns - 1 - i;	/* slot 0 on top */
	t->nr_free = t->cfg.max_conns;
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	if (t->ep < 0) {
		err = -errno;
		goto err_tables;
	}
	err = xst_rcu_add_reader(rcu, &t->reader);
	if (err)
		goto err_ep;
	*out = t;
	return 0;

err_ep:
	close(t->ep);
err_tables:
	free(t->listeners);
	free(t->src_tab);
	free(t->free_slots);
	free(t->conns);
	pthread_mutex_destroy(&t->lock);
err_free:
	free(t);
	return err;
}

/* ---- listeners (any one thread, under t->lock) ---------------------------------- */

static int same_addr(const struct xst_dns_tcp_addr *a, const struct xst_dns_tcp_addr *b)
{
	return a->family == b->family && a->scope_id == b->scope_id && a->ifindex == b->ifindex &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

static int find_listener(struct xst_dns_tcp *t, const struct xst_dns_tcp_addr *a)
{
	unsigned int i;

	for (i = 0; i < XST_DNS_TCP_MAX_LISTENERS; i++)
		if (t->listeners[i].fd >= 0 && same_addr(&t->listeners[i].a, a))
			return (int)i;
	return -1;
}

static int open_listener(const struct xst_dns_tcp_addr *a, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, err;

	memset(&ss, 0, sizeof(ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->addr, 4);
		sl = sizeof(*sin);
	} else if (a->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_scope_id = (uint32_t)a->scope_id;
		memcpy(&sin6->sin6_addr, a->addr, 16);
		sl = sizeof(*sin6);
	} else {
		return -EAFNOSUPPORT;
	}
	fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		/* A tentative address (DAD running) binds only with this. */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)))
			setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	} else {
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	}
	if (a->ifindex &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &a->ifindex, sizeof(a->ifindex))) {
		char name[IF_NAMESIZE];

		/* kernels before 5.0: by name */
		err = -errno;
		if (err != -ENOPROTOOPT || !if_indextoname((unsigned int)a->ifindex, name) ||
		    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, (socklen_t)strlen(name))) {
			err = err != -ENOPROTOOPT ? err : -errno;
			goto err_close;
		}
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, BACKLOG)) {
		err = -errno;
		goto err_close;
	}
	return fd;

err_close:
	close(fd);
	return err;
}

int xst_dns_tcp_listen(struct xst_dns_tcp *t, const struct xst_dns_tcp_addr *a)
{
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned int i;
	int fd, err = 0;

	pthread_mutex_lock(&t->lock);
	if (find_listener(t, a) >= 0) {
		err = -EEXIST;
		goto out;
	}
	for (i = 0; i < XST_DNS_TCP_MAX_LISTENERS && t->listeners[i].fd >= 0; i++)
		;
	if (i == XST_DNS_TCP_MAX_LISTENERS) {
		err = -ENOSPC;
		goto out;
	}
	fd = open_listener(a, t->cfg.port);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	t->listeners[i].gen++;
	ev.data.u64 = TAG_LISTENER | TAG(i, t->listeners[i].gen);
	if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev)) {
		err = -errno;
		close(fd);
		goto out;
	}
	t->listeners[i].fd = fd;
	t->listeners[i].a = *a;
	t->nr_listeners++;
out:
	pthread_mutex_unlock(&t->lock);
	return err;
}

static void close_listener(struct xst_dns_tcp *t, unsigned int i)
{
	epoll_ctl(t->ep, EPOLL_CTL_DEL, t->listeners[i].fd, NULL);
	close(t->listeners[i].fd);
	t->listeners[i].fd = -1;
	t->listeners[i].gen++;	/* an event already fetched for it is stale */
	t->nr_listeners--;
}

int xst_dns_tcp_unlisten(struct xst_dns_tcp *t, const struct xst_dns_tcp_addr *a)
{
	int i;

	pthread_mutex_lock(&t->lock);
	i = find_listener(t, a);
	if (i >= 0)
		close_listener(t, (unsigned int)i);
	pthread_mutex_unlock(&t->lock);
	return i >= 0 ? 0 : -ENOENT;
}

unsigned int xst_dns_tcp_nr_listeners(struct xst_dns_tcp *t)
{
	unsigned int n;

	pthread_mutex_lock(&t->lock);
	n = t->nr_listeners;
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* ---- connections (the TCP thread) ----------------------------------------------- */

static uint32_t src_bucket(const struct xst_dns_tcp *t, const struct srckey *k)
{
	uint64_t x = (k->lo ^ (k->hi * 0xff51afd7ed558ccdull)) * 0x9e3779b97f4a7c15ull;

	return (uint32_t)(x >> 32) & t->src_mask;
}

static void src_key(const struct sockaddr_storage *ss, struct srckey *k)
{
	k->hi = ss->ss_family;
	k->lo = 0;
	if (ss->ss_family == AF_INET) {
		memcpy(&k->lo, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		/* a /64 is what one subscriber or one host gets */
		memcpy(&k->lo, &((const struct sockaddr_in6 *)ss)->sin6_addr, 8);
	}
}

static unsigned int src_count(const struct xst_dns_tcp *t, const struct srckey *k)
{
	const struct conn *c;
	unsigned int n = 0;

	for (c = t->src_tab[src_bucket(t, k)]; c; c = c->src_next)
		n += c->src.hi == k->hi && c->src.lo == k->lo;
	return n;
}

static void src_unlink(struct xst_dns_tcp *t, struct conn *c)
{
	struct conn **pp = &t->src_tab[src_bucket(t, &c->src)];

	while (*pp && *pp != c)
		pp = &(*pp)->src_next;
	if (*pp)
		*pp = c->src_next;
}

static void set_state(struct xst_dns_tcp *t, struct conn *c, enum cstate s, int64_t now)
{
	c->state = s;
	c->since_ms = now;
	switch (s) {
	case C_FRESH:
	case C_QUERY:
		c->deadline_ms = now + t->cfg.query_timeout_ms;
		break;
	case C_IDLE:
	case C_WRITE:
		c->deadline_ms = now + t->cfg.idle_timeout_ms;
		break;
	}
}

static void conn_close(struct xst_dns_tcp *t, unsigned int slot)
{
	struct conn *c = t->conns[slot];

	epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	src_unlink(t, c);
	free(c);
	t->conns[slot] = NULL;
	t->free_slots[t->nr_free++] = slot;
	atomic_fetch_sub_explicit(&t->nr_conns, 1, memory_order_relaxed);
}

/*
 * The table is full: close one connection to make room. The one idle
 * longest after an answer goes first (it was served and is only waiting);
 * then the one whose query has been due longest (silent since accept, or
 * mid-query): the oldest, never the newest, so that a client that has just
 * connected is not the victim of the next connection (under a flood of
 * reconnecting clients the newest would never get to send its query);
 * then the oldest blocked reply. There is always a victim: max_conns >= 1.
 */
static void evict(struct xst_dns_tcp *t)
{
	int best[3] = { -1, -1, -1 };
	unsigned int i, cls;

	for (i = 0; i < t->cfg.max_conns; i++) {
		const struct conn *c = t->conns[i];

		if (!c)
			continue;
		cls = c->state == C_IDLE ? 0 : c->state == C_WRITE ? 2 : 1;
		if (best[cls] < 0 || c->since_ms < t->conns[best[cls]]->since_ms)
			best[cls] = (int)i;
	}
	for (cls = 0; cls < 3; cls++) {
		const struct conn *c;

		if (best[cls] < 0)
			continue;
		c = t->conns[best[cls]];
		if (c->state == C_IDLE || c->state == C_FRESH)
			INC(t->st.evicted);	/* nothing of a query received */
		else
			INC(t->st.evicted_busy);
		conn_close(t, (unsigned int)best[cls]);
		return;
	}
}

static void handle(struct xst_dns_tcp *t, unsigned int slot, uint32_t events,
		   const struct xst_dns_db *db, int64_t now);

static void accept_all(struct xst_dns_tcp *t, int lfd, const struct xst_dns_db *db, int64_t now)
{
	int i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct srckey k;
		unsigned int slot;
		struct conn *c;
		int fd, one = 1;

		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				INC(t->st.accept_errors);	/* EMFILE, ENOBUFS... */
			return;
		}
		src_key(&ss, &k);
		if (t->cfg.per_source < t->cfg.max_conns && src_count(t, &k) >= t->cfg.per_source) {
			close(fd);	/* RST or FIN: the client retries elsewhere or later */
			INC(t->st.refused_per_source);
			continue;
		}
		if (!t->nr_free)
			evict(t);
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			INC(t->st.accept_errors);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->gen = ++t->next_gen;
		c->inlen = c->outlen = c->outoff = 0;
		c->peer_closed = 0;
		c->src = k;
		set_state(t, c, C_FRESH, now);
		slot = t->free_slots[--t->nr_free];
		t->conns[slot] = c;
		c->src_next = t->src_tab[src_bucket(t, &k)];
		t->src_tab[src_bucket(t, &k)] = c;
		atomic_fetch_add_explicit(&t->nr_conns, 1, memory_order_relaxed);
		ev.data.u64 = TAG(slot, c->gen);
		if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev)) {
			conn_close(t, slot);
			INC(t->st.accept_errors);
			continue;
		}
		INC(t->st.accepted);
		/* A resolver sends its query right behind the handshake: it is
		 * usually queued already, so answer it now rather than after
		 * the other events of this round (epoll is level-triggered:
		 * whatever is left is reported again). */
		handle(t, slot, EPOLLIN, db, now);
	}
}

/* Write what is pending. Returns 0 when done or blocked, -1 when the connection is dead. */
static int flush(struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->outoff += (uint32_t)n;
	}
	c->outoff = c->outlen = 0;
	return 0;
}

/*
 * Answer the complete queries in in[] while no reply is pending, and move
 * the connection to the state that follows. -1: close it.
 */
static int serve(struct xst_dns_tcp *t, struct conn *c, const struct xst_dns_db *db, int64_t now)
{
	int answered = 0;

	while (!c->outlen && c->inlen >= 2) {
		uint32_t qlen = (uint32_t)c->in[0] << 8 | c->in[1];
		size_t rlen;

		if (!qlen) {
			INC(t->st.bad_frames);
			return -1;
		}
		if (c->inlen < 2 + qlen)
			break;
		INC(t->st.queries);
		memcpy(c->out + 2, c->in + 2, qlen);
		rlen = db ? xst_dns_respond(db, c->out + 2, qlen, MSG_MAX, XST_DNS_TCP, &t->st.dns)
			  : 0;
		memmove(c->in, c->in + 2 + qlen, c->inlen - 2 - qlen);
		c->inlen -= 2 + qlen;
		answered = 1;
		if (!rlen) {
			/* dropped (QR=1, runt): NSD closes such a connection; going
			 * on would let junk messages buy time one at a time */
			INC(t->st.bad_frames);
			return -1;
		}
		c->out[0] = (uint8_t)(rlen >> 8);
		c->out[1] = (uint8_t)rlen;
		c->outlen = 2 + (uint32_t)rlen;
		c->outoff = 0;
		INC(t->st.answered);
		if (flush(c))
			return -1;
	}
	/* A new deadline only once a query was consumed: bytes alone buy no time. */
	if (c->outlen) {
		if (c->state != C_WRITE)
			set_state(t, c, C_WRITE, now);
	} else if (answered || c->state == C_WRITE) {
		set_state(t, c, c->inlen ? C_QUERY : C_IDLE, now);
	} else if (c->inlen && c->state == C_IDLE) {
		set_state(t, c, C_QUERY, now);	/* the next query has begun */
	} else if (c->inlen && c->state == C_FRESH) {
		c->state = C_QUERY;		/* still due since the connection began */
	}
	return 0;
}

static void handle(struct xst_dns_tcp *t, unsigned int slot, uint32_t events,
		   const struct xst_dns_db *db, int64_t now)
{
	struct conn *c = t->conns[slot];
	struct epoll_event ev;

	if (events & (EPOLLERR | EPOLLHUP))
		goto close;
	if ((events & EPOLLOUT) && flush(c))
		goto close;
	if ((events & EPOLLIN) && !c->peer_closed) {
		for (;;) {
			ssize_t n;

			if (c->inlen == sizeof(c->in))
				break;	/* full: the pending reply must drain first */
			n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
			if (n == 0) {
				/* half-closed: what is complete is still answered
				 * and written out in full before the close */
				c->peer_closed = 1;
				break;
			}
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				goto close;
			}
			c->inlen += (uint32_t)n;
		}
	}
	if (serve(t, c, db, now))
		goto close;
	if (c->peer_closed && !c->outlen)
		goto close;	/* every complete query answered and written */
	/* Wait for writability only while a reply is stuck. */
	ev.events = c->outlen ? EPOLLOUT : EPOLLIN;
	ev.data.u64 = TAG(slot, c->gen);
	epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &ev);
	return;

close:
	INC(t->st.closed);
	conn_close(t, slot);
}

static void expire(struct xst_dns_tcp *t, int64_t now)
{
	unsigned int i;

	for (i = 0; i < t->cfg.max_conns; i++) {
		struct conn *c = t->conns[i];

		if (!c || now < c->deadline_ms)
			continue;
		if (c->state == C_IDLE)
			INC(t->st.idle_closes);
		else if (c->state == C_WRITE)
			INC(t->st.write_timeouts);
		else
			INC(t->st.query_timeouts);
		conn_close(t, i);
	}
}

static void *run(void *arg)
{
	struct xst_dns_tcp *t = arg;
	struct epoll_event evs[64];

	t->last_expire = now_ms();
	while (!atomic_load_explicit(t->stop, memory_order_relaxed)) {
		const struct xst_dns_db *db;
		int64_t now;
		int n, i;

		/* Offline while blocked: a reload never waits for this thread. */
		xst_rcu_offline(&t->reader);
		n = epoll_wait(t->ep, evs, 64, POLL_MS);
		xst_rcu_quiescent(t->rcu, &t->reader);
		db = xst_rcu_deref(t->db);
		now = now_ms();

		pthread_mutex_lock(&t->lock);
		for (i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			uint32_t slot = TAG_SLOT(tag), gen = TAG_GEN(tag);

			if (tag & TAG_LISTENER) {
				const struct listener *l = &t->listeners[slot];

				/* closed (or replaced) after epoll_wait returned */
				if (l->fd >= 0 && (l->gen & 0x7fffffffu) == gen)
					accept_all(t, l->fd, db, now);
			} else if (t->conns[slot] && (t->conns[slot]->gen & 0x7fffffffu) == gen) {
				handle(t, slot, evs[i].events, db, now);
			}
		}
		pthread_mutex_unlock(&t->lock);
		if (now - t->last_expire >= POLL_MS) {
			expire(t, now);
			t->last_expire = now;
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

uint64_t xst_dns_tcp_answered(const struct xst_dns_tcp *t)
{
	return __atomic_load_n(&t->st.answered, __ATOMIC_RELAXED);
}

unsigned int xst_dns_tcp_nr_conns(const struct xst_dns_tcp *t)
{
	return atomic_load_explicit(&t->nr_conns, memory_order_relaxed);
}

void xst_dns_tcp_destroy(struct xst_dns_tcp *t)
{
	unsigned int i;

	if (!t)
		return;
	if (t->started)
		pthread_join(t->thread, NULL);
	xst_rcu_offline(&t->reader);
	for (i = 0; i < t->cfg.max_conns; i++)
		if (t->conns[i])
			conn_close(t, i);
	for (i = 0; i < XST_DNS_TCP_MAX_LISTENERS; i++)
		if (t->listeners[i].fd >= 0)
			close_listener(t, i);
	close(t->ep);
	pthread_mutex_destroy(&t->lock);
	free(t->listeners);
	free(t->src_tab);
	free(t->free_slots);
	free(t->conns);
	free(t);
}
