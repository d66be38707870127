/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filter mode's service (--dns-filter): a kernel DNS server answers on the
 * host; the XDP program steers it the UDP/53 queries it does not decide
 * itself, and this service classifies each, per worker:
 *
 *   PASS       back to the kernel unchanged (the worker's pass hook: the
 *              TUN return path of svc/passback.h)
 *   DROP       counted
 *   CHALLENGE  a TC=1 reply built from the query (xst_dnsmsg_tc()), with a
 *              server cookie when the query had a client cookie, sent
 *              back in the query's frame (verdict REPLY): a resolver
 *              retries over TCP, which the kernel serves; a spoofed source
 *              cannot complete it
 *
 * In this order (first match decides):
 *   not UDP, SHORT, RESPONSE (QR=1)              DROP
 *   FORMERR                                      DROP (+ source counted for BLOCK)
 *   NOTIMP, BADVERS, TSIG, NOTIFY                PASS (the server answers as it would),
 *                                                a pass token each; over the budget DROP
 *   cookie option malformed                      DROP
 *   valid server cookie of ours                  PASS + VERIFIED event
 *   class CH                                     PASS*
 *   QTYPE ANY (unverified, UDP)                  CHALLENGE (amplification), if challenge_any
 *   no database                                  PASS*
 *   name outside every zone                      PASS*
 *   known name (exists, under a delegation, or matched by a wildcard)  PASS*
 *   unknown name (NXDOMAIN)                      reported to the detector; zone under
 *                                                attack (the detector's decision, or this
 *                                                worker's own count of the current second:
 *                                                "local"): CHALLENGE or DROP (cfg.unknown,
 *                                                + source counted for BLOCK); else PASS*
 *
 * PASS* is an unverified query passed on its name alone: it spends a token
 * of the worker's pass budget (pass_rate/pass_burst; 0: no budget); over
 * the budget it is challenged instead (challenged_budget): a real resolver
 * retries over TCP (the kernel serves it, and the sock_ops program then
 * verifies the source for XDP), a spoofed source cannot. This bounds what
 * reaches the server in the seconds before the detector (a 1-s tick) and
 * the XDP buckets have spoken. A verified cookie passes without a token;
 * the other opcodes, BADVERS and TSIG take one too (a flood could carry any
 * of them) and are dropped over the budget (dropped_other_budget).
 *
 * Every CHALLENGE (ANY, unknown name, budget) is a reply to a possibly
 * spoofed source, so it spends a token of the challenge budget
 * (challenge_rate/challenge_burst; 0: no budget); over it the query is
 * dropped (dropped_challenge_budget): no reflection beyond that rate.
 *
 * Events go to the main thread through a single-producer single-consumer
 * ring per worker (fixed size; when full, the event is dropped and
 * counted): VERIFIED (at most one per source per second and per worker)
 * and BLOCK (a source that sent more than block_malformed malformed queries,
 * or more than block_nxflood unknown names of an attacked zone, in one
 * second: one event per source per second). Sources are tracked in a small
 * fixed table per worker (direct-mapped, XST_FILTER_SOURCES entries; a
 * collision replaces the older source): no allocation per packet.
 */
#ifndef XST_SVC_DNS_FILTER_H
#define XST_SVC_DNS_FILTER_H

#include <stdint.h>

#include "core/rcu.h"
#include "filter/detect.h"
#include "svc/passback.h"
#include "svc/svc.h"

#define XST_FILTER_SOURCES	1024	/* per-worker source table (power of 2) */
#define XST_FILTER_EVENTS	1024	/* default event ring size */

/* What to do with a query for an unknown name of a zone under attack. */
enum xst_filter_unknown {
	XST_FILTER_CHALLENGE,	/* TC=1 (default) */
	XST_FILTER_DROP,
};

struct xst_dns_filter_cfg {
	struct xst_rcu_ptr *db;		/* const struct xst_dns_db * (dns/db.h), replaced on
					 * reload; NULL without --zone */
	struct xst_rcu_ptr *cookies;	/* the server-cookie secrets as filter/cookie.h
					 * publishes them (RCU); NULL: cookies are neither
					 * checked nor added */
	struct xst_detect *detect;	/* NULL: no random-subdomain detection */
	uint32_t worker;		/* this worker's index in detect */
	enum xst_filter_unknown unknown;
	int challenge_any;		/* QTYPE ANY from unverified sources: challenge */
	uint32_t block_malformed;	/* malformed queries/s of one source before BLOCK (0: never) */
	uint32_t block_nxflood;		/* unknown names/s of an attacked zone before BLOCK (0: never) */
	uint32_t events;		/* event ring slots, power of 2 (0: XST_FILTER_EVENTS) */
	uint32_t mtu;			/* largest IP reply (0: no limit beyond the frame) */
	const struct xst_passback_queue *passback;	/* this worker's return path, for its
					 * counters in ours (NULL: none) */
	/* budgets of THIS worker (the daemon splits its totals among the workers) */
	uint32_t pass_rate;		/* unverified queries/s passed on their name (0: no budget) */
	uint32_t pass_burst;		/* bucket depth (0: pass_rate, at least 1) */
	uint32_t challenge_rate;	/* challenges/s sent (0: no budget) */
	uint32_t challenge_burst;	/* bucket depth (0: challenge_rate, at least 1) */
	/*
	 * Local detection (needs detect): unknown names and distinct unknown
	 * names of one zone that this worker sees in the current second
	 * before it treats the zone as attacked itself for the rest of that
	 * second. 0: derived from the detector's thresholds, split among its
	 * workers and divided by its sampling scale (xst_detect_local());
	 * local_unknown XST_FILTER_LOCAL_OFF: no local detection.
	 */
	uint32_t local_unknown;
	uint32_t local_distinct;
};

#define XST_FILTER_LOCAL_OFF	UINT32_MAX

/* Counters of one worker's filter (names in xst_dns_filter_ops.counters). */
struct xst_dns_filter_stats {
	uint64_t queries;		/* frames handed to the service */
	uint64_t passed_known;		/* name exists (or delegation, wildcard) */
	uint64_t passed_outside;	/* name in none of the zones */
	uint64_t passed_no_zone;	/* no database: every well-formed query */
	uint64_t passed_verified_cookie;/* a valid server cookie of ours */
	uint64_t passed_unknown;	/* unknown name, zone not under attack */
	uint64_t passed_class_ch;	/* class CH (version.bind...) */
	uint64_t passed_other;		/* NOTIMP, BADVERS, TSIG, NOTIFY: the server answers */
	uint64_t challenged_any;	/* QTYPE ANY: TC=1 */
	uint64_t challenged_unknown;	/* unknown name of an attacked zone: TC=1 */
	uint64_t challenged_budget;	/* PASS* over the pass budget: TC=1 instead */
	uint64_t challenge_cookies;	/* challenges that carried a server cookie */
	uint64_t challenge_failed;	/* a challenge that could not be built (dropped) */
	uint64_t dropped_unknown;	/* unknown name of an attacked zone, drop mode */
	uint64_t dropped_challenge_budget;/* a challenge over the challenge budget */
	uint64_t dropped_short;		/* shorter than a DNS header */
	uint64_t dropped_response;	/* QR=1 */
	uint64_t dropped_malformed;	/* FORMERR */
	uint64_t dropped_cookie;	/* a malformed cookie option */
	uint64_t dropped_not_udp;	/* a frame that is not UDP */
	uint64_t dropped_other_budget;	/* NOTIMP, BADVERS, TSIG, NOTIFY over the pass budget */
	uint64_t unknown_reported;	/* unknown names reported to the detector */
	uint64_t local_attack;		/* unknown names challenged/dropped on the worker's own
					 * detection while the detector had not declared it */
	uint64_t events_verified;	/* VERIFIED events queued */
	uint64_t events_block;		/* BLOCK events queued */
	uint64_t events_dropped;	/* events lost to a full ring */
	/* the return path's (copied every iteration from cfg.passback) */
	uint64_t passback_passed;
	uint64_t passback_bytes;
	uint64_t passback_errors;	/* write errors, full queue, unusable packet */
};

enum xst_filter_event_kind {
	XST_FILTER_EV_VERIFIED,		/* put the source in verified4/6_map */
	XST_FILTER_EV_BLOCK,		/* put the source in block4/6_map, expiring (reason) */
};

struct xst_filter_event {
	uint8_t kind;			/* enum xst_filter_event_kind */
	uint8_t family;			/* 4 or 6 */
	uint8_t reason;			/* BLOCK: XST_BLOCK_MALFORMED or XST_BLOCK_NXFLOOD */
	uint8_t pad;
	uint32_t zone;			/* BLOCK NXFLOOD: the zone index; else 0 */
	uint8_t addr[16];		/* network order; IPv4 in addr[0..4) */
};

struct xst_dns_filter;

/* Per-worker state. Main thread. 0 or -errno; *out only on success. */
int xst_dns_filter_create(struct xst_dns_filter **out, const struct xst_dns_filter_cfg *cfg);
/* After its worker stopped. NULL: no-op. */
void xst_dns_filter_destroy(struct xst_dns_filter *f);

/* The service's ops for xst_worker_add_service(), state: a struct xst_dns_filter. */
extern const struct xst_svc_ops xst_dns_filter_ops;

/* The counters, for the stats thread (relaxed reads) and tests. */
const struct xst_dns_filter_stats *xst_dns_filter_stats(const struct xst_dns_filter *f);

/*
 * Main thread (the ring's one consumer): take up to max events into out[].
 * Returns how many.
 */
uint32_t xst_dns_filter_events(struct xst_dns_filter *f, struct xst_filter_event *out,
			       uint32_t max);

#endif /* XST_SVC_DNS_FILTER_H */
