/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service registry: what each service of the daemon declares, so that
 * the daemon's wiring knows no service by name. A service says which
 * options it has (printed under its own heading in --help), whether the
 * configuration asks for it, which (protocol, port) flows it wants steered
 * to its handler, how to load its data before the interface is touched,
 * what to start on kernel sockets, what to add to every queue's worker, how
 * to reload on SIGHUP and which counters it keeps outside the workers.
 *
 * Every hook but enabled and load is optional. Hooks run on the main thread;
 * a hook that fails has logged why and returns -errno.
 */
#ifndef XST_DAEMON_REGISTRY_H
#define XST_DAEMON_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/config.h"
#include "daemon/options.h"
#include "svc/svc.h"
#include "svc/worker.h"

struct xst_daemon;
struct xst_dns_tcp;

#define XST_SVC_RULES_MAX	8

struct xst_service {
	const char *name;			/* "dns" */
	const char *title;			/* --help heading */
	const struct xst_option *options;	/* XST_OPT_END-terminated */

	/* Whether cfg asks for this service (DNS: a --zone was given). */
	int (*enabled)(const struct xst_config *cfg);
	/* The flows to steer to the workers: fills out[], returns how many. */
	int (*rules)(const struct xst_config *cfg, struct xst_svc_rule *out, int max);

	/* Before the interface is touched: load and compile (zones...); a bad
	 * file stops start-up with file:line: reason. *state on success. */
	int (*load)(struct xst_daemon *d, void **state);
	/* --check: report what was loaded (load already ran). */
	void (*report)(struct xst_daemon *d, void *state, const char *verb);
	/* After attach, before the workers start: kernel sockets, threads. */
	int (*start)(struct xst_daemon *d, void *state);
	/* Add the service's handler to the worker of queue q. */
	int (*worker)(struct xst_daemon *d, void *state, struct xst_worker *w, unsigned int q);
	/* SIGHUP: build new data beside the old, publish it (RCU); keep the
	 * old on failure. */
	int (*reload)(struct xst_daemon *d, void *state);
	/* Optional: periodic work on the main thread, at least once a second
	 * (each wake-up of the signal/netlink/alerts loop: keep it cheap, with
	 * its own timer, e.g. the hourly cookie rotation), while the workers run. */
	void (*tick)(struct xst_daemon *d, void *state);
	/* Kernel TCP listeners that follow the served addresses (DNS over
	 * TCP): the daemon's host watcher opens and closes them. NULL: none. */
	struct xst_dns_tcp *(*listener)(void *state);
	/* Counters kept outside the queues (kernel-socket threads): names and
	 * the block the stats thread reads them from (relaxed). */
	const char *daemon_name;		/* their name in the stats ("dns_tcp") */
	const struct xst_svc_counter *daemon_counters;
	uint32_t nr_daemon_counters;
	const void *(*daemon_block)(void *state);
	/* Exit: stop threads and close sockets (workers already stopped), then free. */
	void (*stop)(struct xst_daemon *d, void *state);
	void (*destroy)(struct xst_daemon *d, void *state);
	/* --send precopy: its workers keep a copy pool of held frames; the
	 * io's max_held is shared out between such services (xst_daemon_held_share). */
	int holds_frames;
};

/* Every service the daemon knows, NULL-terminated. */
extern const struct xst_service *const xst_services[];

/* The DNS service (daemon/svc_dns.c). */
extern const struct xst_service xst_service_dns;
/* The HTTP service (daemon/svc_http.c). */
extern const struct xst_service xst_service_http;
/* The DNS filter service, --dns-filter (daemon/svc_filter.c). */
extern const struct xst_service xst_service_filter;

#endif /* XST_DAEMON_REGISTRY_H */
