/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's configuration: one struct, filled from the command line by
 * the option table (daemon/options.h); each service's options live in its
 * own sub-struct. Long option names match the field names.
 */
#ifndef XST_DAEMON_CONFIG_H
#define XST_DAEMON_CONFIG_H

#include "io/io.h"
#include "steer_loader.h"
#include "svc/dns_filter.h"
#include "svc/dns_udp.h"

#ifndef XST_VERSION
#define XST_VERSION	"0.2"
#endif

#define XST_MAX_ZONES	256

struct xst_dns_config {
	const char *zone[XST_MAX_ZONES];	/* FILE or FILE:ORIGIN */
	unsigned int nr_zones;
	unsigned int lookahead;			/* enum xst_ahead_mode */
	int tcp;				/* DNS over TCP on kernel sockets */
	unsigned int tcp_max_conns;
	unsigned int tcp_per_source;
	unsigned int tcp_query_timeout_ms;
	unsigned int tcp_idle_timeout_ms;
	int rrl;				/* response rate limiting on UDP (--no-rrl) */
	unsigned int rrl_responses;		/* per second per prefix, whole server */
	unsigned int rrl_nxdomains;
	unsigned int rrl_errors;
	unsigned int rrl_slip;
	unsigned int rrl_window;		/* seconds */
	unsigned int rrl_ipv4_prefix;
	unsigned int rrl_ipv6_prefix;
	int cookies;				/* DNS server cookies (--no-cookies) */
	const char *cookie_secret;		/* FILE: fixed secret(s), no rotation */
	const char *identity;			/* CHAOS id.server/hostname.bind; NULL: host name */
	const char *version_string;		/* CHAOS version.bind/.server; NULL: ours */
	int hide_identity;			/* REFUSED instead, as NSD's hide-identity */
	int hide_version;
};

struct xst_http_config {
	const char *root;			/* --http-root: the site; HTTP is on when given */
	unsigned int port;
	unsigned int max_conns;			/* per queue */
	unsigned int syn_cookies;		/* XST_TCP_COOKIES_* */
	unsigned int header_timeout_ms;
	unsigned int idle_timeout_ms;
};

/* --rate-host/--rate-net: packets per second and the burst above it. */
struct xst_rate {
	unsigned int rate;		/* per second; 0: that level is off */
	unsigned int burst;		/* packets; "N" alone: 2 * N */
};

/*
 * The DNS flood defence (daemon/svc_filter.c, daemon/guard.c): the XDP
 * filter stage in front of UDP/53 in both modes, and with --dns-filter the
 * filter service in front of a kernel DNS server.
 */
struct xst_guard_config {
	int filter;				/* --dns-filter: filter mode */
	int off;				/* --no-guard: udp/53 plain steer, no stage */
	unsigned int unknown;			/* enum xst_filter_unknown (svc/dns_filter.h) */
	unsigned int sample;			/* peacetime: 1 unverified query in N inspected */
	struct xst_rate host;			/* per /32 and /64, per CPU */
	struct xst_rate net;			/* per /24 and /56, per CPU */
	int no_rate;				/* --no-rate: no token buckets */
	/* filter mode: what the filter may pass and challenge per second, all
	 * workers together (split evenly among them); rate 0: no budget */
	struct xst_rate pass;			/* unverified queries passed */
	struct xst_rate challenge;		/* TC=1 challenges sent */
	/* filter mode, per CPU in XDP: unverified queries per second still
	 * peacetime (sampled); over it every one is steered. rate 0: off */
	struct xst_rate peace;
	/* drops/s from one bucket that get it blocked (the per-second scan);
	 * also config alert_drops: N drops of a bucket on one CPU alert the
	 * daemon at once (alerts_map) */
	unsigned int learn_threshold;
	unsigned int block_time_ms;		/* a learnt block lasts this long */
	unsigned int verify_time_ms;		/* a verified source stays verified this long
						 * (also config verify_ns of the sock_ops program) */
	const char *verify_cgroup;		/* the sock_ops program's cgroup v2 (NULL: root) */
	unsigned int attack_unknown;		/* unknown names/s under a zone: attack */
	unsigned int attack_distinct;		/* distinct unknown names/s under a zone: attack */
	unsigned int attack_hold_ms;		/* below both this long: attack over */
};

struct xst_config {
	const char *iface;
	unsigned int queues;		/* 0: every RX queue */
	unsigned int mode;		/* enum xst_attach_mode */
	unsigned int send;		/* enum xst_send_mode */
	const char *cpus;
	int need_wakeup;
	unsigned int batch;
	unsigned int frames;
	unsigned int copy;		/* enum xst_io_copy */
	int keep_attached;
	int check;			/* --check: load the services' data, report, exit */
	int verbose;
	struct xst_dns_config dns;
	struct xst_http_config http;
	struct xst_guard_config guard;
};

extern const struct xst_config xst_config_defaults;

#endif /* XST_DAEMON_CONFIG_H */
