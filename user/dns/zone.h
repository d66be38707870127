/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 1035 master-file parser. Produces the records of one zone in wire
 * form; the prepared-answer database (dns/db.h) is built from them.
 * Load time only: allocates freely, never runs on the per-packet path.
 */
#ifndef XST_DNS_ZONE_H
#define XST_DNS_ZONE_H

#include <stddef.h>
#include <stdint.h>

#define XST_DNAME_MAX	255	/* wire-format name, root label included */

/* One resource record. Names (owner and those inside rdata) are absolute,
 * uncompressed wire format, in the letter case written in the file. */
struct xst_rr {
	/* Pointers first, then the 32-, 16- and 8-bit fields: 40 bytes, not
	 * the 48 of declaration order with padding (a zone holds one a record). */
	const uint8_t *owner;	/* wire-format name */
	const uint8_t *rdata;	/* rdlen bytes, wire form */
	const char *file;	/* file the record came from ($INCLUDE may differ from the zone's) */
	uint32_t ttl;		/* host order, seconds */
	uint32_t line;		/* line in the file where the record starts */
	uint16_t type;		/* host order */
	uint16_t rclass;	/* host order; always 1 (IN) after a successful parse */
	uint16_t rdlen;		/* host order */
	uint8_t owner_len;	/* bytes of owner, root label included */
};

struct xst_zone {
	uint8_t apex[XST_DNAME_MAX];	/* zone name, wire format, lower-cased */
	uint8_t apex_len;
	char *path;		/* file given to xst_zone_load() */
	struct xst_rr *rrs;	/* in file order */
	size_t nr_rrs;
	size_t bytes;		/* memory the parsed zone holds (for out-of-memory reports) */
	void *arena;		/* private: storage for names and rdata */
};

struct xst_zone_error {
	char file[256];		/* file where the error is ("" when not file-related) */
	unsigned int line;	/* 1-based, 0 when not line-related */
	char reason[256];	/* one line, no trailing newline */
};

/*
 * Load the master file at path. The origin is `origin` when not NULL (text,
 * e.g. "example.com."), else the first $ORIGIN, else the owner of the SOA if
 * it is written absolute; failing all three, the file name minus a trailing
 * ".zone"/".db". Checks: exactly one SOA, at the apex; every owner at or
 * below the apex; class IN; a CNAME alone at its name. Returns 0 and *out,
 * or -EINVAL (syntax/semantics) / -errno (I/O) with *err filled.
 */
int xst_zone_load(struct xst_zone **out, const char *path, const char *origin,
		  struct xst_zone_error *err);

/* As xst_zone_load(), from a NUL-terminated string; `name` stands for the file in errors,
 * and $INCLUDE paths are relative to the current directory. */
int xst_zone_parse_string(struct xst_zone **out, const char *text, const char *name,
			  const char *origin, struct xst_zone_error *err);

/* Frees the zone and everything it owns. NULL is a no-op. */
void xst_zone_destroy(struct xst_zone *z);

/* Text form of a wire name into buf ("example.com."); returns chars written or -ENOSPC. */
int xst_dname_to_text(const uint8_t *name, size_t len, char *buf, size_t cap);

/* DNS type mnemonics <-> numbers ("A" -> 1, "TYPE65280" -> 65280); -EINVAL if unknown. */
int xst_rrtype_from_text(const char *s, size_t len);
/* Mnemonic, or "TYPEnnn" written into buf (at least 12 bytes); returns buf or a constant. */
const char *xst_rrtype_to_text(uint16_t type, char *buf);

#endif /* XST_DNS_ZONE_H */
