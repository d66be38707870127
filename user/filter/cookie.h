/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS cookies (RFC 7873) with RFC 9018 interoperable server cookies: the
 * same secret on several servers (an anycast set, BIND, Knot, NSD 4.8+,
 * PowerDNS) makes and accepts the same cookies.
 *
 * A COOKIE option (EDNS option code 10) holds an 8-byte client cookie,
 * optionally followed by an 8..32-byte server cookie. Ours is 16 bytes:
 *
 *   version 1 | reserved 0 0 0 | timestamp (32 bits, Unix seconds, network order)
 *   | hash (8 bytes)
 *
 *   hash = SipHash-2-4(secret, client cookie | version | reserved | timestamp
 *                              | client IP (4 or 16 bytes, network order))
 *
 * A server cookie is valid when its hash matches under the current secret
 * or the previous one (rotation) and its timestamp lies within
 * [now - 3600, now + 300] (RFC 9018 4.3, serial arithmetic so that 2106 is
 * no cliff). Replies always carry a fresh server cookie (RFC 9018 allows
 * reusing one younger than half an hour; a fresh one costs one SipHash over
 * at most 32 bytes and keeps the code one path).
 *
 * Use, per query (no allocation, no lock, no syscall):
 *
 *   struct xst_cookie c;
 *   xst_cookie_find(msg, len, &q, &c);          // before the reply overwrites msg
 *   if (c.status == XST_COOKIE_MALFORMED) -> FORMERR (RFC 7873 5.2.2)
 *   keys = xst_rcu_deref(&keys_ptr);
 *   xst_cookie_verify(keys, &c, ip, ip_len, now_s); // SERVER -> VALID/INVALID
 *   ... build the reply (its OPT last, at opt_off) ...
 *   if (c.status != XST_COOKIE_NONE)
 *       len = xst_cookie_append(reply, len, cap, opt_off, &c, keys, ip, ip_len, now_s);
 *
 * Keys: the daemon owns a struct xst_cookie_keys published through an RCU
 * pointer (core/rcu.h struct xst_rcu_ptr, in the domain of the workers).
 * Workers xst_rcu_deref() it per packet (or per batch) and never keep it past
 * a quiescent point. Rotation is the daemon's: xst_cookie_keys_rotate() makes
 * a new object (fresh random current secret from getrandom(), the old
 * current as previous), xst_rcu_replace() publishes it and the old object is
 * freed after the grace period. With a fixed secret (xst_cookie_keys_load(),
 * shared by several servers) the daemon does not rotate; the operator does,
 * by writing a new first line and keeping the old as second, then reloading.
 *
 * now_s is wall-clock Unix time in seconds (RFC 9018 timestamps are Unix
 * time, so that servers sharing a secret agree), not the worker's monotonic
 * clock.
 */
#ifndef XST_FILTER_COOKIE_H
#define XST_FILTER_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "dnsmsg/msg.h"

#define XST_EDNS_COOKIE		10	/* EDNS option code (RFC 7873) */
#define XST_COOKIE_CLIENT_LEN	8
#define XST_COOKIE_SERVER_MIN	8	/* a server cookie of another implementation: 8..32 */
#define XST_COOKIE_SERVER_MAX	32
#define XST_COOKIE_SERVER_LEN	16	/* ours: RFC 9018 */
#define XST_COOKIE_SECRET_LEN	16
#define XST_COOKIE_VERSION	1
#define XST_COOKIE_PAST		3600	/* a server cookie older than this is invalid */
#define XST_COOKIE_FUTURE	300	/* ... and one from further in the future too */
/* Bytes xst_cookie_append() adds: option code, length, client and server cookie. */
#define XST_COOKIE_OPT_ADD	(4 + XST_COOKIE_CLIENT_LEN + XST_COOKIE_SERVER_LEN)

/* What a query's COOKIE option is: each outcome is counted apart. */
enum xst_cookie_status {
	XST_COOKIE_NONE,	/* no EDNS, or no COOKIE option: nothing to add to the reply */
	XST_COOKIE_CLIENT_ONLY,	/* a client cookie alone (8 bytes): first contact */
	XST_COOKIE_SERVER,	/* found, with a server cookie not yet checked
				 * (xst_cookie_find() only; verify() resolves it) */
	XST_COOKIE_VALID,	/* our server cookie, hash and timestamp good */
	XST_COOKIE_INVALID,	/* a server cookie that is not ours, or no longer
				 * (wrong hash, old secret gone, out of the window,
				 * another version or length): treat as client only */
	XST_COOKIE_MALFORMED,	/* length neither 8 nor 16..40: answer FORMERR
				 * (RFC 7873 5.2.2), nothing else */
	XST_COOKIE_STATUS_MAX
};

/*
 * The COOKIE option of a query, copied out of the message so that the reply
 * can be built over the query (xst_dnsmsg_* write in place). The first
 * COOKIE option counts (as Knot's knot_edns_get_option()).
 */
struct xst_cookie {
	uint8_t status;		/* enum xst_cookie_status */
	uint8_t server_len;	/* 0, or 8..32 (the server cookie's length) */
	uint8_t client[XST_COOKIE_CLIENT_LEN];
	uint8_t server[XST_COOKIE_SERVER_MAX];
};

/* The secrets: current makes cookies, both verify. Read-only once published. */
struct xst_cookie_keys {
	uint8_t cur[XST_COOKIE_SECRET_LEN];
	uint8_t prev[XST_COOKIE_SECRET_LEN];
	uint8_t has_prev;	/* prev is set (after a rotation, or a second file line) */
	uint8_t fixed;		/* from a file: the daemon does not rotate them */
};

/*
 * Looks for a COOKIE option in the OPT RR of msg[0..len) as parsed into *q
 * (q->opt_off, q->opt_len; the parser checked that the options add up: this
 * checks again and never reads outside msg[0..len)). Fills *c and returns
 * c->status: NONE, CLIENT_ONLY, SERVER or MALFORMED.
 */
enum xst_cookie_status xst_cookie_find(const uint8_t *msg, size_t len,
				       const struct xst_dnsmsg_query *q, struct xst_cookie *c);

/*
 * Server cookie of a client cookie for client address ip[0..ip_len) (4 or 16
 * bytes, network order) at time now_s, made with secret: out[0..16).
 */
void xst_cookie_make(const uint8_t secret[XST_COOKIE_SECRET_LEN],
		     const uint8_t client[XST_COOKIE_CLIENT_LEN], const uint8_t *ip,
		     size_t ip_len, uint32_t now_s, uint8_t out[XST_COOKIE_SERVER_LEN]);

/*
 * Resolves XST_COOKIE_SERVER into VALID or INVALID (other statuses are left
 * as they are) and returns c->status. keys may be NULL (cookies off): every
 * server cookie is then INVALID.
 */
enum xst_cookie_status xst_cookie_verify(const struct xst_cookie_keys *keys,
					 struct xst_cookie *c, const uint8_t *ip,
					 size_t ip_len, uint32_t now_s);

/*
 * Appends to the reply msg[0..len), whose last record is an OPT RR at
 * opt_off (rdlength 0 or options already in it; after xst_dnsmsg_tc() and
 * bare() without EDE that is len - XST_DNS_OPT_LEN), a COOKIE option: c's
 * client cookie echoed and a fresh server cookie made with keys->cur; the
 * OPT's rdlength is fixed (ARCOUNT is not touched: the OPT is already
 * counted). c->status must not be NONE or MALFORMED. Returns the new length
 * (len + XST_COOKIE_OPT_ADD), or 0 when it does not fit in cap, when the
 * record at opt_off is no OPT that ends at len, or when keys is NULL; msg
 * is then unchanged.
 */
size_t xst_cookie_append(uint8_t *msg, size_t len, size_t cap, size_t opt_off,
			 const struct xst_cookie *c, const struct xst_cookie_keys *keys,
			 const uint8_t *ip, size_t ip_len, uint32_t now_s);

/* Fresh random keys (getrandom()), no previous secret. 0 or -errno. */
int xst_cookie_keys_random(struct xst_cookie_keys *k);

/*
 * Rotation: *next = a fresh random current secret, old->cur as previous.
 * A fixed (file) key set is copied unchanged. 0 or -errno (getrandom()).
 */
int xst_cookie_keys_rotate(const struct xst_cookie_keys *old, struct xst_cookie_keys *next);

/*
 * Parses one secret: exactly 32 hex digits (either case), as NSD's
 * cookie-secret-file lines and BIND's cookie-secret (siphash24) hold, into
 * out. 0 or -EINVAL with *err saying why (a static string).
 */
int xst_cookie_secret_parse(const char *s, size_t len, uint8_t out[XST_COOKIE_SECRET_LEN],
			    const char **err);

/*
 * Parses a secret file's text (NSD's cookie-secret-file format): one secret
 * per line, the first makes cookies, an optional second is still accepted
 * (the previous one, for a rotation across servers); blank lines and lines
 * starting with '#' are skipped, surrounding blanks ignored, a third secret
 * is an error. Sets k->fixed. 0 or -EINVAL with err (errlen bytes) saying
 * which line and why.
 */
int xst_cookie_keys_parse(const char *text, size_t len, struct xst_cookie_keys *k,
			  char *err, size_t errlen);

/* The same from a file: -errno of open/read too (err says so). */
int xst_cookie_keys_load(const char *path, struct xst_cookie_keys *k, char *err, size_t errlen);

#endif /* XST_FILTER_COOKIE_H */
