/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's wiring state, shared by the files of user/daemon: one per
 * process, owned by the main thread (the stats thread reads counters
 * through it).
 */
#ifndef XST_DAEMON_DAEMON_H
#define XST_DAEMON_DAEMON_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/rcu.h"
#include "daemon/config.h"
#include "daemon/registry.h"
#include "io/io.h"
#include "steer_loader.h"
#include "svc/worker.h"

#define XST_SERVICES_MAX	XST_WORKER_SVC_MAX
#define XST_DAEMON_RULES_MAX	32

struct xst_guard;

struct xst_daemon_svc {
	const struct xst_service *svc;
	void *state;
};

/* A steer rule the daemon set, and what was there before (put back on exit). */
struct xst_daemon_rule {
	uint8_t proto;
	uint16_t port;
	int existed;		/* a rule was there already */
	enum xst_action prev;	/* its action */
};

struct xst_daemon {
	struct xst_config cfg;
	pthread_t main_thread;
	unsigned int ifindex;
	int cpu[XST_MAX_QUEUES];

	/* the attachment */
	struct xst_steer_maps maps;
	int maps_open;
	int attached_by_us;
	struct xst_daemon_rule rules[XST_DAEMON_RULES_MAX];
	int nr_rules;
	uint32_t flags_set;		/* XST_F_* this daemon set (cleared on exit) */
	struct xst_guard *guard;	/* the flood defence's periodic task (daemon/guard.h) */

	/* reloadable data: the services' databases, the host view */
	struct xst_rcu rcu;
	struct xst_rcu_ptr host;	/* const struct xst_host * (net/host.h) */
	struct xst_hostwatch *hw;	/* follows links and addresses (daemon/hostwatch.h) */

	/* queues */
	struct xst_io_cfg io_cfg;	/* with defaults applied */
	struct xst_io *io[XST_MAX_QUEUES];
	int in_xskmap[XST_MAX_QUEUES];
	struct xst_worker *w[XST_MAX_QUEUES];

	struct xst_daemon_svc svc[XST_SERVICES_MAX];
	int nr_svc;

	atomic_int stop;		/* workers and threads end */
	atomic_int fatal;		/* a thread found the daemon cannot go on: exit 1 */
	int iface_gone;			/* the served interface was deleted: exit 1 */
	atomic_int stats_stop;
	pthread_t stats_thread;
	int stats_started;
};

/*
 * From any thread: the daemon cannot go on (the interface was deleted, a
 * worker's socket failed). Logs the reason, marks the exit status 1 and
 * wakes the main thread, which stops as on SIGTERM.
 */
void xst_daemon_fatal(struct xst_daemon *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The held frames (io_cfg.max_held) one copy pool of a queue may keep: an
 * equal share for each enabled service that holds frames (DNS and HTTP on
 * one worker share the io's budget; neither can starve the other).
 */
uint32_t xst_daemon_held_share(const struct xst_daemon *d);

/* The signal the main thread waits for besides SIGTERM/SIGINT/SIGHUP. */
#define XST_SIG_FATAL	SIGUSR2

#endif /* XST_DAEMON_DAEMON_H */
