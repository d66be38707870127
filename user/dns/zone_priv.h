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

/* ---- shared by the RDATA decoders (zone_rdata*.c) ---------------------------- */

/* Output of a decoder: at most XST_ZONE_RDATA_MAX bytes, then over is set. */
struct xst_zout {
	uint8_t *p;
	size_t n;
	int over;	/* more than XST_ZONE_RDATA_MAX bytes were written */
};

/* A decoder's state: the RDATA tokens, the next one to read, the output. */
struct xst_zrd {
	const struct xst_ztok *tok;
	size_t nr, i;
	const uint8_t *origin;
	size_t origin_len;
	const char *tname;
	struct xst_zfail *f;
	struct xst_zout o;
};

/* Fails with reason fmt (and t's line when t is not NULL): returns -EINVAL. */
int xst_zerr(struct xst_zfail *f, const struct xst_ztok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The token's text for messages: cut, unprintable bytes as '?'. */
const char *xst_zshow(const struct xst_ztok *t, char *buf, size_t cap);
#define XST_ZSHOW(t) xst_zshow((t), (char[48]){ 0 }, 48)
/* One byte of escaped text at s[*i] ("\DDD" or "\X"), advancing *i; -1 if bad. */
int xst_zunescape(const char *s, size_t len, size_t *i);
void xst_zput(struct xst_zout *o, const void *src, size_t len);
void xst_zput8(struct xst_zout *o, unsigned int v);
void xst_zput16(struct xst_zout *o, unsigned int v);
void xst_zput32(struct xst_zout *o, uint32_t v);
/* Unsigned decimal token of at most max into *out; what names it in errors. */
int xst_znum(const struct xst_ztok *t, uint32_t max, const char *what, uint32_t *out,
	     struct xst_zfail *f);
/* A <character-string>: length byte then the unescaped bytes (at most 255). */
int xst_zcharstr(const struct xst_ztok *t, struct xst_zout *o, struct xst_zfail *f);
/* Hex digits / base64 of tok[0..nr) joined. */
int xst_zhex(const struct xst_ztok *tok, size_t nr, struct xst_zout *o, struct xst_zfail *f);
int xst_zbase64(const struct xst_ztok *tok, size_t nr, struct xst_zout *o, struct xst_zfail *f);
/* The next token, or NULL after failing with "missing <what>". */
const struct xst_ztok *xst_zfield(struct xst_zrd *r, const char *what);
/* One field each, appended to r->o: a domain name, a number of at most max
 * (0xff: 1 byte, 0xffff: 2, else 4), a TTL-style period, a character-string,
 * every remaining token as hex, an address (AF_INET/AF_INET6). */
int xst_zf_name(struct xst_zrd *r, const char *what);
int xst_zf_num(struct xst_zrd *r, uint32_t max, const char *what);
int xst_zf_ttl(struct xst_zrd *r, const char *what);
int xst_zf_str(struct xst_zrd *r, const char *what);
int xst_zf_hex_rest(struct xst_zrd *r, const char *what, int may_be_empty);
int xst_zf_addr(struct xst_zrd *r, int af);

/*
 * zone_dname.c: NSD's checks of DNAME records in a loaded zone (one per
 * name, no CNAME beside it, no data below it). 0, or -EINVAL with the
 * index of the offending record in *at and the reason; -ENOMEM.
 */
int xst_zone_check_dname(const struct xst_zone *z, size_t *at, char *reason, size_t cap);

#endif /* XST_DNS_ZONE_PRIV_H */
