/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guard task (daemon/guard.c) needs of the filter service
 * (daemon/svc_filter.c): its detector and its workers' event rings. Main
 * thread.
 */
#ifndef XST_DAEMON_SVC_FILTER_H
#define XST_DAEMON_SVC_FILTER_H

#include <stdint.h>

#include "daemon/daemon.h"
#include "filter/cookie.h"
#include "filter/detect.h"
#include "svc/dns_filter.h"

/* The filter service's state among d's services, or NULL (not in filter mode). */
void *xst_svc_filter_state(struct xst_daemon *d);
/* Its detector, NULL without --zone. */
struct xst_detect *xst_svc_filter_detect(void *state);
/* Drain up to max events of every worker into out[]; returns how many. */
uint32_t xst_svc_filter_events(void *state, struct xst_filter_event *out, uint32_t max);

/* The server-cookie keys in use (RCU-published to the workers), NULL with
 * --no-cookies: main thread. */
const struct xst_cookie_keys *xst_svc_filter_cookies(void *state);

/* Queries handed to the filter so far, every worker (relaxed reads). */
uint64_t xst_svc_filter_queries(void *state);

#endif /* XST_DAEMON_SVC_FILTER_H */
