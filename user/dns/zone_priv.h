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

/*
 * Checks RDATA given in RFC 3597 form against the wire format of `type`
 * as NSD does (zone_wire.c; add a type there as one row). 0, or -EINVAL
 * with why[0..cap) saying which field is wrong. Types it has no row for
 * take any bytes.
 */
int xst_zwire_check(uint16_t type, const uint8_t *rd, size_t len, char *why, size_t cap);

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

/* ---- DNSSEC-family types (zone_rdata_dnssec.c) ------------------------------- */

/* RDATA of KEY/DNSKEY/CDNSKEY, DS/CDS/DLV, SIG/RRSIG, NSEC, NSEC3(PARAM), NXT,
 * CSYNC, ZONEMD, CERT, IPSECKEY, DHCID, OPENPGPKEY, SSHFP, TLSA/SMIMEA. */
int xst_zrdata_dnssec(uint16_t type, struct xst_zrd *r);
/* A DNSSEC algorithm: a number 0-255 or one of NSD's mnemonics (RSASHA256...). */
int xst_zf_algorithm(struct xst_zrd *r);
/* Every remaining token as hex / base64; the single word "0" is empty data (NSD). */
int xst_zf_hex_nsd(struct xst_zrd *r, const char *what);
int xst_zf_base64_nsd(struct xst_zrd *r, const char *what);
/* RFC 4034 4.1.2 type bitmap of the type mnemonics tok[0..nr) (NSEC, NSEC3, CSYNC). */
int xst_zbitmap(const struct xst_ztok *tok, size_t nr, struct xst_zout *o, struct xst_zfail *f,
		const char *tname);
/* Base32hex without padding (RFC 4648 7), written with its length byte. */
int xst_zbase32hex(const struct xst_ztok *t, struct xst_zout *o, struct xst_zfail *f);
/* RRSIG time YYYYMMDDHHmmSS, read as NSD 4.6.1 reads it (no plain seconds). */
int xst_zsigtime(const struct xst_ztok *t, uint32_t *out, struct xst_zfail *f);

/* zone_rdata_misc.c: text RDATA of LOC, SVCB, HTTPS, APL, WKS, X25, ISDN, NSAP,
 * PX, DNAME, NID, L32, L64, LP, EUI48, EUI64, URI, AVC (as NSD 4.6.1 reads
 * them), appended to r->o; and whether RFC 3597 data of one of them is valid
 * for its type (0 or -EINVAL). */
int xst_zrdata_misc(uint16_t type, struct xst_zrd *r);

/*
 * NSD's lexer makes an unescaped '.' a token of its own and its grammar
 * puts the pieces back together only in some fields; an unquoted token
 * must have the shape the field's rule allows, or NSD says "syntax error":
 *   WORD    a plain `str` (X25, ISDN, HINFO, NAPTR strings, numbers): no '.'
 *   DOTTED  `dotted_str` (TXT, CAA value, URI target): not '.' then text (".x")
 *   DOTSEQ  `str_dot_seq` (NSAP): text, then '.' and text again and again
 *   FIRST, NEXT  `concatenated_str_seq` (LOC, WKS services): its first
 *           token, which may also be or start with a lone '.', and the others
 * Quoted tokens are always fine. 0, or -EINVAL with r->f filled.
 */
enum xst_zdots { XST_ZDOTS_WORD, XST_ZDOTS_DOTTED, XST_ZDOTS_DOTSEQ, XST_ZDOTS_FIRST,
		 XST_ZDOTS_NEXT };
int xst_zdots(struct xst_zrd *r, const struct xst_ztok *t, enum xst_zdots rule);
/* xst_zf_str() for a field NSD reads as one plain word (XST_ZDOTS_WORD). */
int xst_zf_word(struct xst_zrd *r, const char *what);
int xst_zwire_misc(uint16_t type, const uint8_t *rd, size_t len);

#endif /* XST_DNS_ZONE_PRIV_H */
