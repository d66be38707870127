/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The zones of --zone as one database (daemon/svc_dns.c), for the services
 * that need them: the DNS service answers from it, the filter service
 * (--dns-filter) only learns from it which names exist. One loader, so a bad
 * file is reported the same way (file:line: reason) in both modes.
 */
#ifndef XST_DAEMON_ZONES_H
#define XST_DAEMON_ZONES_H

#include "daemon/config.h"
#include "dns/db.h"
#include "svc/worker.h"

/* Load every cfg->dns.zone[] and compile them: 0, or -errno with the reason logged. */
int xst_daemon_zones_build(const struct xst_config *cfg, struct xst_dns_db **out);
/* "<what> N zone(s): names, messages, KiB" and the answers that never fit. */
void xst_daemon_zones_log(const char *what, const struct xst_dns_db *db,
			  const struct xst_config *cfg);

/* The flow both services take from the workers (registry rules hook): udp/53. */
int xst_daemon_dns_rules(const struct xst_config *cfg, struct xst_svc_rule *out, int max);

#endif /* XST_DAEMON_ZONES_H */
