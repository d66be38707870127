/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the master-file parser, shared by its three parts: the lexer
 * (zone_lex.c: text -> entries of tokens), the field decoders (zone_rdata.c:
 * tokens -> wire names, TTLs, strings, RDATA) and the loader (zone.c:
 * directives, records, $INCLUDE, zone checks). Private to user/dns and its
 * tests. Load time only.
 */
#ifndef XST_DNS_ZONE_PRIV_H
#define XST_DNS_ZONE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "dns/zone.h"

#define XST_ZONE_RDATA_MAX	65535

/* One token of an entry: the raw text, escapes not yet decoded. */
struct xst_ztok {
	const char *s;		/* into the source text; not NUL-terminated */
	uint32_t len;
	uint32_t line;		/* line the token starts on */
	uint8_t quoted;		/* written inside "..." (s excludes the quotes) */
};

/* One logical entry: a record or a directive, parentheses joined. */
struct xst_zentry {
	struct xst_ztok *tok;
	size_t nr, cap;
	uint32_t line;		/* line of the first token */
	uint8_t blank_owner;	/* the line began with white space: previous owner */
};

struct xst_zlex {
	const char *text;
	size_t len, pos;
	uint32_t line;		/* current line, 1-based */
};

/* Fills the reason of a failed decode: line (0 = the caller's) and text. */
struct xst_zfail {
	uint32_t line;
	char reason[200];
};

void xst_zlex_init(struct xst_zlex *lx, const char *text, size_t len);

/*
 * Reads the next entry into e (its token array reused). Returns 1 with an
 * entry, 0 at the end of the text, -EINVAL with f filled on a syntax error
 * (unbalanced parenthesis, unterminated string), -ENOMEM.
 */
int xst_zlex_next(struct xst_zlex *lx, struct xst_zentry *e, struct xst_zfail *f);

void xst_zentry_fini(struct xst_zentry *e);

/* True when the token is exactly the (case-insensitive) word w. */
int xst_ztok_is(const struct xst_ztok *t, const char *w);

/*
 * Wire form of a domain-name token (escapes decoded, case kept). Relative
 * names get origin appended; "@" is the origin. out has XST_DNAME_MAX bytes.
 * Returns the wire length, or -EINVAL with f->reason.
 */
int xst_zname(const struct xst_ztok *t, const uint8_t *origin, size_t origin_len, uint8_t *out,
	      struct xst_zfail *f);

/* A TTL: seconds, or BIND units ("1h30m", "2w"). 0 or -EINVAL with f->reason. */
int xst_zttl(const struct xst_ztok *t, uint32_t *out, struct xst_zfail *f);

/* Class mnemonic or CLASSnnn: the number, or -1 when t is not a class. */
int xst_zclass(const struct xst_ztok *t);

/* True when the token reads as a TTL (starts with a digit). */
int xst_zis_ttl(const struct xst_ztok *t);

/*
 * RDATA of a record of `type` from tok[0..nr) (text form, or RFC 3597
 * "\# len hex" for any type), names relative to origin. Writes at most
 * XST_ZONE_RDATA_MAX bytes to out. Returns the length, or -EINVAL with
 * f->reason (and f->line when a later line of the entry is at fault).
 */
int xst_zrdata(uint16_t type, const struct xst_ztok *tok, size_t nr, const uint8_t *origin,
	       size_t origin_len, uint8_t *out, struct xst_zfail *f);

/* Whether the parser understands a type's text RDATA (else only "\#" form). */
int xst_zrdata_known(uint16_t type);

#endif /* XST_DNS_ZONE_PRIV_H */
