/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The prepared-answer database (the Namestorm design) and the per-query
 * responder. Built once from parsed zones; immutable afterwards and shared
 * read-only by every worker. A SIGHUP builds a new one beside the old.
 */
#ifndef XST_DNS_DB_H
#define XST_DNS_DB_H

#include <stddef.h>
#include <stdint.h>

#include "dns/zone.h"

struct xst_dns_db;

/* Per-worker counters, written by one thread only. */
struct xst_dns_stats {
	uint64_t queries;	/* messages handed to xst_dns_respond() */
	uint64_t answered;	/* replies produced (any rcode) */
	uint64_t noerror;	/* rcode NOERROR with data */
	uint64_t nodata;	/* NOERROR, empty answer */
	uint64_t nxdomain;
	uint64_t referral;
	uint64_t refused;
	uint64_t formerr;
	uint64_t notimp;
	uint64_t badvers;
	uint64_t truncated;	/* TC=1 sent */
	uint64_t dropped_qr;	/* QR=1 (responses) dropped */
	uint64_t dropped_short;	/* shorter than a header, or unusable: dropped */
};

/*
 * Build the database from nr zones (not taken over: the caller still owns and
 * destroys them). Fails with -EINVAL and a reason in err (file:line when a
 * record is at fault) if two zones have the same apex.
 */
int xst_dns_db_create(struct xst_dns_db **out, struct xst_zone *const *zones, size_t nr,
		      struct xst_zone_error *err);

/* Frees the database. NULL is a no-op. */
void xst_dns_db_destroy(struct xst_dns_db *db);

/* Number of names (nodes) and prepared messages, and bytes held, for the start-up log. */
void xst_dns_db_sizes(const struct xst_dns_db *db, size_t *names, size_t *messages,
		      size_t *bytes);

#define XST_DNS_UDP		0	/* transport: UDP limits (512, or the EDNS size) apply */
#define XST_DNS_TCP		1	/* transport: TCP, up to 65535 bytes, never TC */

/*
 * Answer the DNS message msg[0..len) in place: on return msg[0..ret) is the
 * reply (the question copied from the query, byte for byte). cap is the room
 * in msg. Returns the reply length, or 0 when the message is dropped (QR=1,
 * shorter than a header); each outcome is counted in *st. Thread-safe for
 * concurrent calls on one db; allocates nothing, takes no lock.
 */
size_t xst_dns_respond(const struct xst_dns_db *db, uint8_t *msg, size_t len, size_t cap,
		       int transport, struct xst_dns_stats *st);

#endif /* XST_DNS_DB_H */
