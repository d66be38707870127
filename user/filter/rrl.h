/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Response Rate Limiting for the authoritative service (serve mode), as
 * BIND 9 defines it (rate-limit { responses-per-second; nxdomains-per-second;
 * errors-per-second; window; slip; ipv4-prefix-length; ipv6-prefix-length; })
 * and Knot's and NSD's follow: responses are counted by what they are, per
 * client prefix, not by the queries that asked for them, so that a spoofed
 * flood cannot turn us into an amplifier against its victim while that
 * victim's own resolver (retrying over TCP after a slipped TC=1) still gets
 * answers.
 *
 * Classes and their keys (the key always includes the client prefix):
 *   ANSWER    a non-empty answer: the qname and qtype
 *   NODATA    NOERROR without data: the qname (any qtype)
 *   NXDOMAIN  the zone (apex) it came from, whatever the qname: a random
 *             subdomain flood is one key
 *   REFERRAL  the delegation point (the NS owner)
 *   ERROR     FORMERR, SERVFAIL, REFUSED, NOTIMP...: the prefix alone
 * ANSWER, NODATA and REFERRAL share responses_per_sec (BIND's nodata- and
 * referrals-per-second default to it), NXDOMAIN and ERROR have their own.
 *
 * Accounting (BIND's): an entry's balance starts at the class's rate and
 * gains that rate every second, up to the rate; each response costs 1; a
 * response that takes it below 0 is limited. The balance never goes below
 * -window * rate: a source that flooded stays limited until it has been
 * quiet for up to window seconds. Of the limited responses every slip-th is
 * sent as TC=1 (slip 1: all of them, 0: none), the rest dropped; a real
 * resolver behind the prefix then asks over TCP.
 *
 * One table per worker, allocated at create: a power-of-two number of
 * entries in sets of 4 (set = hash of the key); a new key takes a free way
 * or the least recently used one of its set (BIND and Knot also replace
 * old entries rather than grow under a flood). No allocation, lock or
 * syscall per response. Since the NIC spreads one client's queries over the
 * queues, the daemon gives each worker rate / workers (rounded up).
 */
#ifndef XST_FILTER_RRL_H
#define XST_FILTER_RRL_H

#include <stddef.h>
#include <stdint.h>

enum xst_rrl_class {
	XST_RRL_ANSWER,
	XST_RRL_NODATA,
	XST_RRL_NXDOMAIN,
	XST_RRL_REFERRAL,
	XST_RRL_ERROR,
	XST_RRL_CLASS_MAX
};

enum xst_rrl_verdict {
	XST_RRL_SEND,		/* within the limit */
	XST_RRL_DROP,		/* limited: send nothing */
	XST_RRL_SLIP,		/* limited, but send TC=1 instead (xst_dnsmsg_tc()) */
};

/* Defaults: see the daemon's --rrl-* help for why these numbers. */
#define XST_RRL_DEF_RESPONSES	200	/* per second per prefix and key: NSD's rrl-ratelimit */
#define XST_RRL_DEF_NXDOMAINS	200
#define XST_RRL_DEF_ERRORS	200
#define XST_RRL_DEF_WINDOW	15	/* seconds: BIND's */
#define XST_RRL_DEF_SLIP	2	/* every other limited response is TC=1: BIND's, NSD's */
#define XST_RRL_DEF_V4_PREFIX	24
#define XST_RRL_DEF_V6_PREFIX	56
#define XST_RRL_DEF_ENTRIES	32768	/* per worker, 24 bytes each */
#define XST_RRL_WINDOW_MAX	3600
#define XST_RRL_SLIP_MAX	10	/* BIND's limit */

struct xst_rrl_cfg {
	uint32_t responses_per_sec;	/* ANSWER, NODATA, REFERRAL; 0: not limited */
	uint32_t nxdomains_per_sec;	/* 0: not limited */
	uint32_t errors_per_sec;	/* 0: not limited */
	uint32_t window;		/* seconds, 1..XST_RRL_WINDOW_MAX */
	uint32_t slip;			/* 0..XST_RRL_SLIP_MAX */
	uint8_t ipv4_prefix;		/* 1..32 */
	uint8_t ipv6_prefix;		/* 1..128 */
	uint32_t entries;		/* table size, rounded up to a power of two, >= 4 */
};

/* Per-worker counters, written by the worker only. */
struct xst_rrl_stats {
	uint64_t limited[XST_RRL_CLASS_MAX];	/* over the limit, per class */
	uint64_t dropped;			/* limited and dropped */
	uint64_t slipped;			/* limited and sent as TC=1 */
	uint64_t evicted;			/* live entries replaced by a new key */
};

struct xst_rrl;

/* Checks cfg (-EINVAL with *err saying which field), allocates the table. 0 or -errno. */
int xst_rrl_create(struct xst_rrl **out, const struct xst_rrl_cfg *cfg, const char **err);
void xst_rrl_destroy(struct xst_rrl *r);

/* cfg with the defaults above. */
void xst_rrl_cfg_default(struct xst_rrl_cfg *cfg);

/*
 * Accounts one response of class cls to client ip[0..ip_len) (4 or 16
 * bytes, network order; folded to the configured prefix) at monotonic time
 * now_ns. name_hash identifies the key's name (the qname for ANSWER and
 * NODATA, the zone apex for NXDOMAIN, the delegation point for REFERRAL;
 * ignored for ERROR), qtype matters for ANSWER only. Returns what to do.
 */
enum xst_rrl_verdict xst_rrl_account(struct xst_rrl *r, enum xst_rrl_class cls,
				     const uint8_t *ip, size_t ip_len, uint32_t name_hash,
				     uint16_t qtype, uint64_t now_ns);

const struct xst_rrl_stats *xst_rrl_stats(const struct xst_rrl *r);

/*
 * The class of the DNS reply msg[0..len) and the hash of the name it is
 * counted by (xst_name_hash() of the lower-cased wire name): qhash (the
 * query's, from its parse) for ANSWER and NODATA; for NXDOMAIN the owner of
 * the SOA in the authority section (the zone apex), for REFERRAL (NOERROR,
 * no answer, AA clear, NS in the authority section) the NS owner; 0 for
 * ERROR. An NXDOMAIN without a SOA is counted by qhash. Reads only
 * msg[0..len), follows compression pointers backwards only; a reply it
 * cannot walk is classified by its header alone.
 */
enum xst_rrl_class xst_rrl_classify(const uint8_t *msg, size_t len, uint32_t qhash,
				    uint32_t *name_hash);

/* Class names for logs and counters: "answer", "nodata", ... */
const char *xst_rrl_class_name(enum xst_rrl_class cls);

#endif /* XST_FILTER_RRL_H */
