// SPDX-License-Identifier: GPL-2.0
/* The stats publisher (daemon/stats.h). */
#include "daemon/stats.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/clock.h"
#include "core/log.h"

#define LD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static uint64_t ld_at(const void *block, uint32_t off)
{
	uint64_t v;

	__atomic_load((const uint64_t *)((const char *)block + off), &v, __ATOMIC_RELAXED);
	return v;
}

static void fill_counters(struct xst_svc_qstats *b, const struct xst_svc_counter *names,
			  uint32_t nr, const void *block)
{
	uint32_t i;

	if (nr > XST_QSTATS_CTR_MAX)
		nr = XST_QSTATS_CTR_MAX;
	b->nr_counters = block ? nr : 0;
	for (i = 0; block && i < nr; i++)
		b->counter[i] = ld_at(block, names[i].off);
}

void xst_stats_fill_names(struct xst_daemon *d, struct xst_stat_names *n)
{
	const struct xst_worker *w = d->w[0];
	uint32_t s = 0, i, j;

	memset(n, 0, sizeof(*n));
	n->abi_version = XST_ABI_VERSION;
	/* The workers' services first (every worker has the same, in the same
	 * slots), then the services' daemon-wide blocks. */
	for (i = 0; w && i < w->nr_svc && s < XST_QSTATS_SVC_MAX; i++, s++) {
		const struct xst_svc_ops *ops = w->svc[i].ops;
		uint32_t nr = ops->nr_counters < XST_QSTATS_CTR_MAX ? ops->nr_counters
								     : XST_QSTATS_CTR_MAX;

		snprintf(n->svc[s].name, sizeof(n->svc[s].name), "%s", ops->name);
		n->svc[s].nr_counters = nr;
		for (j = 0; j < nr; j++)
			snprintf(n->svc[s].counter[j], XST_STAT_NAME_LEN, "%s", ops->counters[j].name);
	}
	for (i = 0; i < (uint32_t)d->nr_svc && s < XST_QSTATS_SVC_MAX; i++) {
		const struct xst_service *sv = d->svc[i].svc;
		uint32_t nr = sv->nr_daemon_counters;

		if (!sv->daemon_name)
			continue;
		if (nr > XST_QSTATS_CTR_MAX)
			nr = XST_QSTATS_CTR_MAX;
		snprintf(n->svc[s].name, sizeof(n->svc[s].name), "%s", sv->daemon_name);
		n->svc[s].nr_counters = nr;
		for (j = 0; j < nr; j++)
			snprintf(n->svc[s].counter[j], XST_STAT_NAME_LEN, "%s",
				 sv->daemon_counters[j].name);
		s++;
	}
	n->nr_services = s;
}

static void header(struct xst_queue_stats *qs, int bound)
{
	memset(qs, 0, sizeof(*qs));
	qs->abi_version = XST_ABI_VERSION;
	qs->bound = (__u32)bound;
	qs->pid = (__u32)getpid();
	qs->updated_ns = xst_clock_ns();
}

void xst_stats_fill_queue(struct xst_daemon *d, unsigned int q, struct xst_queue_stats *qs)
{
	const struct xst_worker *w = d->w[q];
	const struct xst_worker_stats *s = &w->stats;
	const struct xst_io_stats *ios = xst_io_stats(d->io[q]);
	struct xst_io_xdp_stats xs;
	uint32_t i;

	header(qs, d->in_xskmap[q]);
	qs->rx_packets = LD(s->rx_packets);
	qs->tx_packets = LD(s->tx_packets);
	qs->tx_errors = LD(s->tx_errors);
	qs->batches = LD(s->batches);
	qs->idle_waits = LD(s->idle_waits);
	qs->timers = LD(s->timers);
	qs->tx_kicks = LD(ios->tx_kicks);
	qs->rx_dropped = LD(s->rx_dropped);
	qs->drop_malformed = LD(s->drop[XST_WDROP_MALFORMED]);
	qs->drop_unsupported = LD(s->drop[XST_WDROP_UNSUPPORTED]);
	qs->drop_fragment = LD(s->drop[XST_WDROP_FRAGMENT]);
	qs->drop_not_unicast = LD(s->drop[XST_WDROP_NOT_UNICAST]);
	qs->drop_martian = LD(s->drop[XST_WDROP_MARTIAN]);
	qs->drop_foreign_mac = LD(s->drop[XST_WDROP_FOREIGN_MAC]);
	qs->drop_foreign_vlan = LD(s->drop[XST_WDROP_FOREIGN_VLAN]);
	qs->drop_no_service = LD(s->drop[XST_WDROP_NO_SERVICE]);
	qs->drop_foreign_dst = LD(s->drop[XST_WDROP_FOREIGN_DST]);
	qs->passed = LD(s->passed);
	qs->frames_free = xst_io_nr_free(d->io[q]);
	qs->frames_held = xst_io_nr_held(d->io[q]);
	qs->tx_kick_errors = LD(ios->kick_errors);
	qs->io_misuse = LD(ios->misuse);
	qs->tx_alloc_failed = LD(s->alloc_failed);
	if (!xst_io_xdp_stats(d->io[q], &xs)) {
		qs->xsk_rx_dropped = xs.rx_dropped;
		qs->xsk_rx_invalid = xs.rx_invalid_descs;
		qs->xsk_tx_invalid = xs.tx_invalid_descs;
		qs->xsk_rx_ring_full = xs.rx_ring_full;
		qs->xsk_fill_empty = xs.rx_fill_ring_empty_descs;
		qs->xsk_tx_empty = xs.tx_ring_empty_descs;
	}
	for (i = 0; i < w->nr_svc && i < XST_QSTATS_SVC_MAX; i++) {
		const struct xst_svc_slot *sl = &w->svc[i];
		struct xst_svc_qstats *b = &qs->svc[i];

		b->id = i;
		b->rx = LD(sl->c.rx);
		b->replied = LD(sl->c.replied);
		b->consumed = LD(sl->c.consumed);
		b->passed = LD(sl->c.passed);
		b->dropped = LD(sl->c.dropped);
		b->emitted = LD(sl->c.emitted);
		fill_counters(b, sl->ops->counters, sl->ops->nr_counters,
			      sl->ops->counter_block ? sl->ops->counter_block(sl->state) : NULL);
	}
	qs->nr_services = i;
}

void xst_stats_fill_daemon(struct xst_daemon *d, struct xst_queue_stats *qs)
{
	uint32_t id = d->w[0] ? d->w[0]->nr_svc : 0, n = 0;
	int i;

	header(qs, 0);
	for (i = 0; i < d->nr_svc && id + n < XST_QSTATS_SVC_MAX; i++) {
		const struct xst_service *sv = d->svc[i].svc;
		struct xst_svc_qstats *b = &qs->svc[n];

		if (!sv->daemon_name)
			continue;
		b->id = id + n;
		fill_counters(b, sv->daemon_counters, sv->nr_daemon_counters,
			      sv->daemon_block ? sv->daemon_block(d->svc[i].state) : NULL);
		n++;
	}
	qs->nr_services = n;
}

static void publish(struct xst_daemon *d)
{
	struct xst_queue_stats qs;
	unsigned int q, key;

	for (q = 0; q < d->cfg.queues; q++) {
		if (!d->w[q])
			continue;
		xst_stats_fill_queue(d, q, &qs);
		bpf_map_update_elem(d->maps.qstats, &q, &qs, BPF_ANY);
	}
	xst_stats_fill_daemon(d, &qs);
	key = XST_QSTATS_DAEMON;
	if (qs.nr_services)
		bpf_map_update_elem(d->maps.qstats, &key, &qs, BPF_ANY);
}

/* A worker that stopped on its own (its socket failed), or TX kicks that fail. */
static void watch(struct xst_daemon *d, uint64_t *kick_errors, int log_kicks)
{
	unsigned int q;

	for (q = 0; q < d->cfg.queues; q++) {
		int err = d->w[q] ? xst_worker_error(d->w[q]) : 0;
		uint64_t ke;

		if (d->io[q] && log_kicks) {
			/* Logged here, not per packet: the first of a run, then
			 * at most once a second while they go on. */
			ke = LD(xst_io_stats(d->io[q])->kick_errors);
			if (ke != kick_errors[q]) {
				pr_warn("queue %u of '%s': %llu TX kick(s) failed, the last with %s\n",
					q, d->cfg.iface, (unsigned long long)(ke - kick_errors[q]),
					strerror(LD(xst_io_stats(d->io[q])->last_kick_errno)));
				kick_errors[q] = ke;
			}
		}

		if (err) {
			xst_daemon_fatal(d, "queue %u of '%s': socket failed: %s", q, d->cfg.iface,
					 strerror(-err));
			return;
		}
	}
}

static void *run(void *arg)
{
	struct xst_daemon *d = arg;
	const struct timespec tick = { 0, 100000000 };
	uint64_t kick_errors[XST_MAX_QUEUES] = { 0 };
	unsigned int i = 0;

	while (!atomic_load(&d->stats_stop)) {
		if (i % 10 == 0)
			publish(d);
		if (!atomic_load(&d->fatal))
			watch(d, kick_errors, i % 10 == 0);
		i++;
		nanosleep(&tick, NULL);
	}
	return NULL;
}

int xst_stats_start(struct xst_daemon *d)
{
	struct xst_stat_names names;
	sigset_t all, old;
	__u32 key = 0;
	int err;

	xst_stats_fill_names(d, &names);
	if (d->maps.snames >= 0 && bpf_map_update_elem(d->maps.snames, &key, &names, BPF_ANY)) {
		err = -errno;
		pr_err("write the counter names into snames_map: %s\n", strerror(-err));
		return err;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = -pthread_create(&d->stats_thread, NULL, run, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pr_err("start the stats thread: %s\n", strerror(-err));
		return err;
	}
	d->stats_started = 1;
	return 0;
}

void xst_stats_stop(struct xst_daemon *d)
{
	struct xst_queue_stats zero;
	unsigned int q;

	atomic_store(&d->stats_stop, 1);
	if (d->stats_started)
		pthread_join(d->stats_thread, NULL);
	d->stats_started = 0;
	if (!d->maps_open || d->maps.qstats < 0)
		return;
	memset(&zero, 0, sizeof(zero));
	for (q = 0; q < d->cfg.queues; q++)
		if (d->io[q])
			bpf_map_update_elem(d->maps.qstats, &q, &zero, BPF_ANY);
	q = XST_QSTATS_DAEMON;
	bpf_map_update_elem(d->maps.qstats, &q, &zero, BPF_ANY);
}
