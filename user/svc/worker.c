// SPDX-License-Identifier: GPL-2.0
/* The generic worker loop (svc/worker.h). */
#include "svc/worker.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "net/host.h"

#define IDLE_TIMEOUT_MS_DEFAULT	100
#define NO_SLOT			0xff

int xst_worker_create(struct xst_worker **out, const struct xst_worker_cfg *cfg)
{
	struct xst_worker *w;
	int err;

	if (!cfg->io || !cfg->rcu || !cfg->stop || cfg->batch > XST_BATCH)
		return -EINVAL;
	w = aligned_alloc(64, sizeof(*w));
	if (!w)
		return -ENOMEM;
	memset(w, 0, sizeof(*w));
	w->cfg = *cfg;
	if (!w->cfg.batch)
		w->cfg.batch = XST_BATCH;
	if (w->cfg.idle_timeout_ms <= 0)
		w->cfg.idle_timeout_ms = IDLE_TIMEOUT_MS_DEFAULT;
	xst_timer_wheel_init(&w->timers, xst_clock_ns());
	xst_tx_init(&w->tx, cfg->io, &w->timers);
	err = xst_rcu_add_reader(cfg->rcu, &w->reader);
	if (err) {
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

int xst_worker_add_service(struct xst_worker *w, const struct xst_svc_ops *ops, void *state,
			   const struct xst_svc_rule *rules, uint32_t nr)
{
	uint32_t i, j;

	if (w->nr_svc >= XST_WORKER_SVC_MAX || w->nr_rules + nr > XST_WORKER_RULES_MAX)
		return -ENOSPC;
	for (i = 0; i < nr; i++)
		for (j = 0; j < w->nr_rules; j++)
			if (w->rule[j].proto == rules[i].proto && w->rule[j].port == rules[i].port)
				return -EEXIST;
	for (i = 0; i < nr; i++) {
		w->rule[w->nr_rules].proto = rules[i].proto;
		w->rule[w->nr_rules].port = rules[i].port;
		w->rule[w->nr_rules].slot = (uint8_t)w->nr_svc;
		w->nr_rules++;
	}
	w->svc[w->nr_svc].ops = ops;
	w->svc[w->nr_svc].state = state;
	memset(&w->svc[w->nr_svc].c, 0, sizeof(w->svc[w->nr_svc].c));
	return (int)w->nr_svc++;
}

void xst_worker_set_pass(struct xst_worker *w, xst_worker_pass_fn fn, void *arg)
{
	w->pass = fn;
	w->pass_arg = arg;
}

/* The service for (proto, port): a handful of rules, scanned in order. */
static inline uint32_t lookup(const struct xst_worker *w, uint8_t proto, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < w->nr_rules; i++)
		if (w->rule[i].port == port && w->rule[i].proto == proto)
			return w->rule[i].slot;
	return NO_SLOT;
}

static inline int net_drop(enum xst_net_verdict v)
{
	switch (v) {
	case XST_NET_UNSUPPORTED:
		return XST_WDROP_UNSUPPORTED;
	case XST_NET_FRAGMENT:
		return XST_WDROP_FRAGMENT;
	case XST_NET_NOT_UNICAST:
		return XST_WDROP_NOT_UNICAST;
	case XST_NET_OTHER_PROTO:
		return XST_WDROP_NO_SERVICE;
	default:
		return XST_WDROP_MALFORMED;
	}
}

static inline int host_drop(enum xst_host_verdict v)
{
	switch (v) {
	case XST_HOST_FOREIGN_MAC:
		return XST_WDROP_FOREIGN_MAC;
	case XST_HOST_FOREIGN_VLAN:
		return XST_WDROP_FOREIGN_VLAN;
	case XST_HOST_FOREIGN_DST:
		return XST_WDROP_FOREIGN_DST;
	default:
		return XST_WDROP_MARTIAN;
	}
}

/* One received frame: parsed and checked, or dropped with its reason. Returns its slot. */
static inline uint32_t classify(struct xst_worker *w, const struct xst_host *host, struct xst_frame *f)
{
	enum xst_net_verdict v;
	enum xst_host_verdict hv;
	uint32_t slot;

	v = f->buf.len <= f->buf.cap ? xst_net_parse(f->buf.data, f->buf.len, &f->pkt)
				     : XST_NET_MALFORMED;
	if (v != XST_NET_OK) {
		w->stats.drop[net_drop(v)]++;
		return NO_SLOT;
	}
	if (w->cfg.host) {
		/* No view published (yet): nothing is known to be ours. */
		hv = host ? xst_host_check(host, f->buf.data, &f->pkt) : XST_HOST_FOREIGN_MAC;
		if (hv != XST_HOST_OK) {
			w->stats.drop[host_drop(hv)]++;
			return NO_SLOT;
		}
	}
	slot = lookup(w, f->pkt.l4_proto, f->pkt.dport);
	if (slot == NO_SLOT)
		w->stats.drop[XST_WDROP_NO_SERVICE]++;
	return slot;
}

static inline void handle(struct xst_worker *w, struct xst_svc_slot *s, struct xst_frame *f,
		   uint64_t now)
{
	struct xst_tx *tx = &w->tx;
	enum xst_verdict v;

	s->c.rx++;
	tx->emitted = &s->c.emitted;
	v = s->ops->frame(s->state, f, now, tx);
	tx->emitted = NULL;
	switch (v) {
	case XST_VERDICT_REPLY:
		s->c.replied++;
		/* On a full queue the frame went back to the free stack,
		 * counted as a TX error by the context. */
		xst_tx_queue_reply(tx, &f->buf);
		return;
	case XST_VERDICT_CONSUMED:
		s->c.consumed++;
		break;
	case XST_VERDICT_PASS:
		s->c.passed++;
		w->stats.passed++;
		if (w->pass) {
			w->pass(w->pass_arg, w->cfg.io, f);
			return;
		}
		break;
	case XST_VERDICT_DROP:
	default:
		s->c.dropped++;
		w->stats.rx_dropped++;
		break;
	}
	xst_io_free(w->cfg.io, f->buf.addr);
}

uint32_t xst_worker_poll(struct xst_worker *w, uint64_t now)
{
	struct xst_frame frames[XST_BATCH];
	struct xst_frame *group[XST_WORKER_SVC_MAX][XST_BATCH];
	uint32_t ngroup[XST_WORKER_SVC_MAX] = { 0 };
	struct xst_io_buf rx[XST_BATCH];
	uint8_t slot[XST_BATCH];
	const struct xst_host *host = NULL;
	struct xst_io *io = w->cfg.io;
	uint64_t sent0 = w->tx.sent, err0 = w->tx.errors, af0 = w->tx.alloc_failed;
	uint32_t n, i, fired;

	/* Quiescent point: nothing from the previous iteration is used past here. */
	xst_rcu_quiescent(w->cfg.rcu, &w->reader);
	if (w->cfg.host)
		host = xst_rcu_deref(w->cfg.host);
	w->tx.mtu = host && host->mtu ? host->mtu : XST_TX_MTU_DEFAULT;
	xst_io_begin(io);
	xst_tx_begin(&w->tx);
	for (i = 0; i < w->nr_svc; i++) {
		if (!w->svc[i].ops->begin)
			continue;
		w->tx.emitted = &w->svc[i].c.emitted;
		w->svc[i].ops->begin(w->svc[i].state, now, &w->tx);
	}
	/* Timers belong to no service here: what they send is in tx_packets. */
	w->tx.emitted = NULL;
	fired = xst_timer_run(&w->timers, now, &w->tx);
	w->stats.timers += fired;

	n = xst_io_rx(io, rx, w->cfg.batch);
	if (n) {
		w->stats.rx_packets += n;
		w->stats.batches++;
		for (i = 0; i < n; i++) {
			frames[i].buf = rx[i];
			slot[i] = (uint8_t)classify(w, host, &frames[i]);
			if (slot[i] == NO_SLOT) {
				w->stats.rx_dropped++;
				xst_io_free(io, rx[i].addr);
				continue;
			}
			group[slot[i]][ngroup[slot[i]]++] = &frames[i];
		}
		for (i = 0; i < w->nr_svc; i++)
			if (ngroup[i] && w->svc[i].ops->prepare)
				w->svc[i].ops->prepare(w->svc[i].state, group[i], ngroup[i]);
		for (i = 0; i < n; i++)
			if (slot[i] != NO_SLOT)
				handle(w, &w->svc[slot[i]], &frames[i], now);
	}
	xst_tx_flush(&w->tx);
	w->stats.tx_packets += w->tx.sent - sent0;
	w->stats.tx_errors += w->tx.errors - err0;
	w->stats.alloc_failed += w->tx.alloc_failed - af0;
	return n + fired;
}

int xst_worker_idle(struct xst_worker *w, uint64_t now)
{
	uint64_t limit = (uint64_t)w->cfg.idle_timeout_ms * XST_NS_PER_MS, ns;
	int ms, r;

	ns = xst_timer_idle_ns(&w->timers, now, limit);
	if (!ns)
		return 0;
	ms = (int)((ns + XST_NS_PER_MS - 1) / XST_NS_PER_MS);
	/* Offline while blocked: a reload does not wait for an idle worker. */
	xst_rcu_offline(&w->reader);
	w->stats.idle_waits++;
	r = xst_io_wait(w->cfg.io, ms);
	return r < 0 ? r : 0;
}

static void *run(void *arg)
{
	struct xst_worker *w = arg;
	int err = 0;

	while (!atomic_load_explicit(w->cfg.stop, memory_order_relaxed)) {
		uint64_t now = xst_clock_ns();

		if (xst_worker_poll(w, now))
			continue;
		err = xst_io_error(w->cfg.io);
		if (!err)
			err = xst_worker_idle(w, now);
		if (err)
			break;
	}
	xst_rcu_offline(&w->reader);
	atomic_store(&w->error, err);
	return NULL;
}

int xst_worker_start(struct xst_worker *w)
{
	sigset_t all, old;
	int err;

	/* Signals are for the main thread (sigwait); workers never see them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = -pthread_create(&w->thread, NULL, run, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return err;
	w->started = 1;
	if (w->cfg.cpu >= 0) {
		cpu_set_t set;
		int e;

		CPU_ZERO(&set);
		CPU_SET(w->cfg.cpu, &set);
		e = pthread_setaffinity_np(w->thread, sizeof(set), &set);
		if (e)
			pr_warn("pin worker %u to cpu %d: %s\n", w->cfg.queue, w->cfg.cpu,
				strerror(e));
	}
	return 0;
}

void xst_worker_join(struct xst_worker *w)
{
	if (w && w->started) {
		pthread_join(w->thread, NULL);
		w->started = 0;
	}
}

void xst_worker_destroy(struct xst_worker *w)
{
	if (!w)
		return;
	xst_worker_join(w);
	xst_rcu_del_reader(w->cfg.rcu, &w->reader);
	free(w);
}
