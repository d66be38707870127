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

#include "dnsmsg/msg.h"
#include "dns/zone.h"

struct xst_dns_db;

/* Per-worker counters, written by one thread only. */
struct xst_dns_stats {
	uint64_t queries;	/* messages handed to xst_dns_respond() */
	uint64_t answered;	/* replies produced (any rcode) */
	/* noerror..referral stay in this order: respond.c counts them by the
	 * prepared answer's kind as an index */
	uint64_t noerror;	/* rcode NOERROR with data */
	uint64_t nodata;	/* NOERROR, empty answer */
	uint64_t nxdomain;
	uint64_t referral;
	uint64_t refused;
	uint64_t formerr;
	uint64_t notimp;
	uint64_t badvers;
	uint64_t notauth;	/* NOTAUTH: signed with TSIG, and we hold no keys */
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

/* A number unique to this database among those built by the process: unlike
 * its address, never that of an earlier one (for caches of its answers). */
uint64_t xst_dns_db_serial(const struct xst_dns_db *db);

/* Frees the database. NULL is a no-op. */
void xst_dns_db_destroy(struct xst_dns_db *db);

/* Number of names (nodes) and prepared messages, and bytes held, for the start-up log. */
void xst_dns_db_sizes(const struct xst_dns_db *db, size_t *names, size_t *messages,
		      size_t *bytes);

/*
 * Answers that can never be sent whole, found while the database was built
 * (for --check and the start-up log). Counted per (name, qtype) answered
 * from a prepared form, with the name's own question (a wildcard's longer
 * qnames may tip more answers over):
 *   udp: the answer and authority RRsets (what a client must get, or TC=1)
 *     exceed our largest UDP reply (XST_DNS_EDNS_SIZE, OPT included): such
 *     a query always gets TC=1 over UDP and is answered over TCP;
 *   tcp: one of those RRsets does not fit in 65535 bytes: TC=1 over TCP
 *     too, as NSD sends; the data can never be served (counted in udp too).
 * The examples are "name TYPE" of the first such answer ("" when none).
 */
#define XST_DNS_BIG_EXAMPLE	300
struct xst_dns_db_big {
	size_t udp;
	size_t tcp;
	char udp_example[XST_DNS_BIG_EXAMPLE];
	char tcp_example[XST_DNS_BIG_EXAMPLE];
};

/* Copies the database's counts of answers too large for UDP or for TCP. */
void xst_dns_db_big(const struct xst_dns_db *db, struct xst_dns_db_big *out);

#define XST_DNS_UDP		0	/* transport: UDP limits (512, or the EDNS size) apply */
#define XST_DNS_TCP		1	/* transport: TCP, up to 65535 bytes (or cap); TC=1
					 * only for an RRset larger than that, as NSD */

/*
 * Answer the DNS message msg[0..len) in place: on return msg[0..ret) is the
 * reply (the question copied from the query, byte for byte). cap is the room
 * in msg. Returns the reply length, or 0 when the message is dropped (QR=1,
 * shorter than a header); each outcome is counted in *st. Thread-safe for
 * concurrent calls on one db; allocates nothing, takes no lock.
 */
size_t xst_dns_respond(const struct xst_dns_db *db, uint8_t *msg, size_t len, size_t cap,
		       int transport, struct xst_dns_stats *st);

/*
 * xst_dns_respond() for a message its caller has parsed already: q is what
 * xst_dnsmsg_parse(msg, len, q) returned, any status (the reply for each is
 * this function's: drop, FORMERR, ... ), and msg still holds the query
 * unchanged. xst_dns_respond() is exactly parse + this, so a caller that
 * needs the parse itself (a copy-pool key, a filter) parses once.
 */
size_t xst_dns_respond_parsed(const struct xst_dns_db *db, uint8_t *msg, size_t len, size_t cap,
			      int transport, const struct xst_dnsmsg_query *q,
			      struct xst_dns_stats *st);

/*
 * Lookahead over a batch of queries. Each lookup of a query is a chain of
 * dependent reads (hash slot, node, its name and types, the prepared
 * message); in a zone too large for the caches every link is a miss. Given
 * a batch, xst_dns_ahead_start() on every query, then XST_DNS_AHEAD_STEPS
 * rounds of xst_dns_ahead_step() on every query, prefetch each link one
 * round before the next round reads it, so the misses of the batch overlap
 * instead of adding up; xst_dns_respond() then finds them in cache. Only a
 * hint: it reads the database (never writes), never fails, and a query it
 * cannot follow (compressed qname, hash collision, absent name) just drops
 * out of the lookahead. Worth doing only when xst_dns_db_ahead() says so.
 */
struct xst_dns_ahead {
	const void *node;	/* the node the next step reads, once found */
	uint32_t hash;
	uint16_t qtype;
	uint8_t step;		/* next step to run; 0: nothing more to do */
	uint8_t pad;
};

#define XST_DNS_AHEAD_STEPS	3
/*
 * Tables from this size on are looked ahead (twice a core's L2 here). In
 * bench-dns-path --batch 64 (test machine: 2 MiB L2 per core) lookahead was
 * break-even at 3 MB of tables (10k names) and 1.2x, 1.5x and 2x faster at
 * 9 MB, 30 MB and 300 MB (30k, 100k, 1M names).
 */
#define XST_DNS_AHEAD_MIN_BYTES	(4u << 20)

/* Non-zero when the database is large enough for lookahead to pay. */
int xst_dns_db_ahead(const struct xst_dns_db *db);

/* Parse the question of the query msg[0..len) (read only), prefetch its slot. */
void xst_dns_ahead_start(const struct xst_dns_db *db, struct xst_dns_ahead *a, const uint8_t *msg,
			 size_t len);

/* One more link of a's lookup: read what the last step prefetched, prefetch the next. */
void xst_dns_ahead_step(const struct xst_dns_db *db, struct xst_dns_ahead *a);

/* What the database says of a name (filter mode: known or unknown, per zone). */
enum xst_dns_db_name {
	XST_DNS_NAME_OUTSIDE,	/* in none of the zones (the responder would refuse it) */
	XST_DNS_NAME_KNOWN,	/* exists (empty non-terminals too), at or below a
				 * delegation, or matched by a wildcard */
	XST_DNS_NAME_UNKNOWN,	/* in a zone, and the answer would be NXDOMAIN */
};

/*
 * Classify the lower-cased wire name lname[0..len) (hash: xst_name_hash()
 * of it, as struct xst_dnsmsg_query.hash) the way xst_dns_respond() finds
 * it: *zone gets the index (0..xst_dns_db_nr_zones()-1, the order the zones
 * were given to create) of the deepest zone holding it (unchanged for
 * OUTSIDE). Read only, thread-safe, allocates nothing.
 */
enum xst_dns_db_name xst_dns_db_classify(const struct xst_dns_db *db, const uint8_t *lname,
					 size_t len, uint32_t hash, uint32_t *zone);

/*
 * Whether xst_dns_respond() answers lname (as above) from a wildcard: no
 * node of that name, and its closest encloser owns a "*" child. 1 and
 * *encloser = xst_name_hash() of the closest encloser, else 0. RRL keys the
 * answers a wildcard makes by it (as BIND does), so that random names under
 * a wildcard count as one. Read only, thread-safe, allocates nothing.
 */
int xst_dns_db_wildcard(const struct xst_dns_db *db, const uint8_t *lname, size_t len,
			uint32_t hash, uint32_t *encloser);

/* Number of zones; the apex of zone i in presentation form ("example.com.") into buf. */
size_t xst_dns_db_nr_zones(const struct xst_dns_db *db);
void xst_dns_db_zone_name(const struct xst_dns_db *db, size_t i, char *buf, size_t len);

/*
 * The CHAOS-class answers (dns/chaos.c), as NSD's answer_chaos(): TXT (or
 * ANY) for id.server and hostname.bind answers the identity, for
 * version.server and version.bind the version, in one TXT string each
 * (at most 255 bytes: longer is cut); a hidden one is REFUSED (EDE 18,
 * prohibited), any other CH question REFUSED (EDE 21). A new database
 * answers with gethostname() and "xdpstorm" + version; set these before
 * the database is shared (the answers are prepared here, not per query).
 */
struct xst_dns_identity {
	const char *identity;	/* NULL: gethostname() */
	const char *version;	/* NULL: XST_DNS_VERSION_DEFAULT */
	int hide_identity;
	int hide_version;
};

#define XST_DNS_VERSION_DEFAULT	"xdpstorm"

void xst_dns_db_set_identity(struct xst_dns_db *db, const struct xst_dns_identity *id);

#endif /* XST_DNS_DB_H */
