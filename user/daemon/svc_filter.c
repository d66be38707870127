// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS flood defence in the registry (daemon/registry.h): its options
 * (one --help section, "DNS flood defence", for both modes), and with
 * --dns-filter the "dnsfilter" service: udp/53 goes through the XDP filter
 * stage to the workers' filter handler (svc/dns_filter.h) instead of the
 * DNS service, which is then off even with --zone; the zones are loaded by
 * the same loader (daemon/zones.h) to tell the filter which names exist,
 * and reloaded on SIGHUP. No TCP/53 socket of our own: the kernel's DNS
 * server owns TCP/53.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "daemon/daemon.h"
#include "daemon/registry.h"
#include "daemon/zones.h"
#include "net/net.h"

#define F(field) offsetof(struct xst_config, guard.field)

static const struct xst_opt_choice unknown_choices[] = {
	{ "challenge", XST_FILTER_CHALLENGE },
	{ "drop", XST_FILTER_DROP },
	{ NULL, 0 },
};

/* Shared by both modes; listed under the filter service's heading. */
static const struct xst_option guard_options[] = {
	{ .kind = XST_OPT_SET, .name = "dns-filter", .off = F(filter), .value = 1,
	  .help = "filter mode: a kernel DNS server on this host (NSD, Knot, BIND, Unbound) "
		  "answers, xdpstorm only filters UDP/53 in front of it. Queries that pass reach "
		  "the kernel server with their real source addresses; the rest are dropped or "
		  "challenged. --zone then only tells the filter which names exist (nothing is "
		  "answered from it). xdpstorm opens no TCP/53 socket: the kernel server keeps "
		  "TCP/53, where challenged resolvers retry. Needs --iface; combines with "
		  "--http-root" },
	{ .kind = XST_OPT_ENUM, .name = "filter-unknown", .off = F(unknown), .metavar = "WHAT",
	  .choices = unknown_choices,
	  .help = "filter mode, while a zone is under random-subdomain attack: what becomes of "
		  "an unverified query for a name that does not exist: challenge (a TC=1 reply; a "
		  "real resolver retries over TCP, which a spoofed source cannot complete) or "
		  "drop" },
	{ .kind = XST_OPT_UINT, .name = "filter-sample", .off = F(sample), .min = 1,
	  .max = 1U << 20, .metavar = "N",
	  .help = "filter mode, in peacetime: 1 in N queries from unverified sources is "
		  "inspected by the filter (to see an attack coming), the others go straight to "
		  "the kernel server; while an attack is on, all of them are inspected" },
	{ .kind = XST_OPT_RATE, .name = "rate-host", .off = F(host), .min = 1, .max = 100000000,
	  .metavar = "N[/BURST]",
	  .help = "token bucket in XDP per source address (IPv4) or /64 (IPv6), per CPU: N "
		  "queries per second with bursts of BURST (default 2 N); queries over it are "
		  "dropped before they cost a socket frame (both modes)" },
	{ .kind = XST_OPT_RATE, .name = "rate-net", .off = F(net), .min = 1, .max = 100000000,
	  .metavar = "N[/BURST]",
	  .help = "the same per IPv4 /24 and IPv6 /56" },
	{ .kind = XST_OPT_SET, .name = "no-rate", .off = F(no_rate), .value = 1,
	  .help = "no token buckets (learnt blocks then come only from the filter's findings)" },
	{ .kind = XST_OPT_UINT, .name = "learn-threshold", .off = F(learn_threshold), .min = 1,
	  .max = 100000000, .metavar = "N",
	  .help = "a source address or prefix whose token bucket drops N or more queries per "
		  "second is blocked in XDP for --block-time (logged; xdpstormctl block list "
		  "shows it with reason rate and its remaining time)" },
	{ .kind = XST_OPT_MS, .name = "block-time", .off = F(block_time_ms), .min = 1000,
	  .max = 86400000, .metavar = "TIME",
	  .help = "how long a learnt block lasts (e.g. 90s, 10m, 1h); manual blocks stay until "
		  "removed" },
	{ .kind = XST_OPT_MS, .name = "verify-time", .off = F(verify_time_ms), .min = 1000,
	  .max = 86400000, .metavar = "TIME",
	  .help = "how long a verified source (a completed TCP/53 handshake, a valid server "
		  "cookie) is exempt from challenges; in filter mode XDP passes its queries to "
		  "the kernel server directly" },
	{ .kind = XST_OPT_UINT, .name = "attack-unknown", .off = F(attack_unknown), .min = 1,
	  .max = 100000000, .metavar = "N",
	  .help = "random-subdomain detection: N or more queries per second for names that do "
		  "not exist under one zone start an attack on that zone (with --attack-distinct)" },
	{ .kind = XST_OPT_UINT, .name = "attack-distinct", .off = F(attack_distinct), .min = 1,
	  .max = 100000000, .metavar = "N",
	  .help = "... and N or more distinct such names per second" },
	{ .kind = XST_OPT_MS, .name = "attack-hold", .off = F(attack_hold_ms), .min = 1000,
	  .max = 86400000, .metavar = "TIME",
	  .help = "an attack ends when its zone stayed under both thresholds this long" },
	{ .kind = XST_OPT_SET, .name = "no-guard", .off = F(off), .value = 1,
	  .exclusive = "dns-filter",
	  .help = "no XDP filter stage: udp/53 is steered as it is, without token buckets, "
		  "learnt blocks or the drop of responses and short packets in XDP (serve mode "
		  "only)" },
	{ .kind = XST_OPT_END },
};

#undef F
