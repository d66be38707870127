// SPDX-License-Identifier: GPL-2.0
/*
 * Field decoders of the master-file parser (the helpers shared with the
 * other RDATA decoders are declared in zone_priv.h): domain names, TTLs, classes,
 * character strings, numbers, hex and base64, and the RDATA of every type we
 * read in text form (RFC 1035, 3596, 2782, 8659, 4034, 4255, 6698, 3403),
 * plus RFC 3597's "\# len hex" for any type. Load time only.
 */
#include "dns/zone_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/wire.h"

#define TTL_MSB		0x80000000u	/* RFC 2181 8: TTLs are 31 bits */
#define TTL_FALLBACK	3600u		/* what NSD puts for a TTL with that bit set */

enum rkind {
	R_NONE,		/* known mnemonic, RDATA only in RFC 3597 form */
	R_A,
	R_AAAA,
	R_NAME,		/* one domain name: NS, CNAME, PTR, ... */
	R_2NAME,	/* two names: MINFO, RP */
	R_SOA,
	R_U16NAME,	/* MX, AFSDB, RT, KX */
	R_TXT,		/* one or more character strings */
	R_HINFO,	/* exactly two */
	R_SRV,
	R_CAA,
	R_NAPTR,
	R_DNSSEC,	/* keys, signatures, denial, certificates: zone_rdata_dnssec.c */
	R_MISC,		/* zone_rdata_misc.c: LOC, SVCB, APL, WKS, ... */
	R_REJECT,	/* types whose semantics we do not implement */
};

struct rtype {
	const char *name;
	uint16_t type;
	uint8_t kind;
};

static const struct rtype types[] = {
	{ "A", 1, R_A },		{ "NS", 2, R_NAME },	{ "MD", 3, R_NAME },
	{ "MF", 4, R_NAME },		{ "CNAME", 5, R_NAME },	{ "SOA", 6, R_SOA },
	{ "MB", 7, R_NAME },		{ "MG", 8, R_NAME },	{ "MR", 9, R_NAME },
	{ "NULL", 10, R_NONE },		{ "WKS", 11, R_MISC },	{ "PTR", 12, R_NAME },
	{ "HINFO", 13, R_HINFO },	{ "MINFO", 14, R_2NAME }, { "MX", 15, R_U16NAME },
	{ "TXT", 16, R_TXT },		{ "RP", 17, R_2NAME },	{ "AFSDB", 18, R_U16NAME },
	{ "X25", 19, R_MISC },		{ "ISDN", 20, R_MISC },	{ "RT", 21, R_U16NAME },
	{ "NSAP", 22, R_MISC },		{ "SIG", 24, R_DNSSEC },	{ "KEY", 25, R_DNSSEC },
	{ "PX", 26, R_MISC },		{ "AAAA", 28, R_AAAA },	{ "LOC", 29, R_MISC },
	{ "NXT", 30, R_DNSSEC },		{ "SRV", 33, R_SRV },	{ "NAPTR", 35, R_NAPTR },
	{ "KX", 36, R_U16NAME },	{ "CERT", 37, R_DNSSEC },
	{ "DNAME", 39, R_MISC },	{ "OPT", 41, R_REJECT }, { "APL", 42, R_MISC },
	{ "DS", 43, R_DNSSEC },		{ "SSHFP", 44, R_DNSSEC }, { "IPSECKEY", 45, R_DNSSEC },
	{ "RRSIG", 46, R_DNSSEC },	{ "NSEC", 47, R_DNSSEC },	{ "DNSKEY", 48, R_DNSSEC },
	{ "DHCID", 49, R_DNSSEC },	{ "NSEC3", 50, R_DNSSEC }, { "NSEC3PARAM", 51, R_DNSSEC },
	{ "TLSA", 52, R_DNSSEC },	{ "SMIMEA", 53, R_DNSSEC },
	{ "CDS", 59, R_DNSSEC },		{ "CDNSKEY", 60, R_DNSSEC }, { "OPENPGPKEY", 61, R_DNSSEC },
	{ "CSYNC", 62, R_DNSSEC },	{ "ZONEMD", 63, R_DNSSEC }, { "SVCB", 64, R_MISC },
	{ "HTTPS", 65, R_MISC },	{ "SPF", 99, R_TXT },	{ "NID", 104, R_MISC },
	{ "L32", 105, R_MISC },		{ "L64", 106, R_MISC },	{ "LP", 107, R_MISC },
	{ "EUI48", 108, R_MISC },	{ "EUI64", 109, R_MISC }, { "TKEY", 249, R_REJECT },
	{ "TSIG", 250, R_REJECT },	{ "IXFR", 251, R_REJECT }, { "AXFR", 252, R_REJECT },
	{ "MAILB", 253, R_REJECT },	{ "MAILA", 254, R_REJECT }, { "ANY", 255, R_REJECT },
	{ "URI", 256, R_MISC },		{ "CAA", 257, R_CAA },	{ "AVC", 258, R_MISC },
	{ "DLV", 32769, R_DNSSEC },
};

#define NR_TYPES (sizeof(types) / sizeof(types[0]))

static const struct rtype *type_by_number(uint16_t type)
{
	size_t i;

	for (i = 0; i < NR_TYPES; i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

int xst_rrtype_from_text(const char *s, size_t len)
{
	size_t i;

	/* The first letter first: most entries differ there, and it spares
	 * the strlen() and strncasecmp() calls of a record's type. */
	for (i = 0; i < NR_TYPES; i++)
		if (len && (types[i].name[0] | 0x20) == (s[0] | 0x20) &&
		    strlen(types[i].name) == len && !strncasecmp(types[i].name, s, len))
			return types[i].type;
	/* TYPEnnn as NSD reads it: leading zeros are fine, TYPE0 is no type. */
	if (len > 4 && !strncasecmp(s, "TYPE", 4)) {
		unsigned long v = 0;

		for (i = 4; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -EINVAL;
			v = v * 10 + (unsigned long)(s[i] - '0');
			if (v > 65535)
				return -EINVAL;
		}
		return v ? (int)v : -EINVAL;
	}
	return -EINVAL;
}

const char *xst_rrtype_to_text(uint16_t type, char *buf)
{
	const struct rtype *t = type_by_number(type);

	if (t)
		return t->name;
	snprintf(buf, 12, "TYPE%u", type);
	return buf;
}

int xst_zrdata_known(uint16_t type)
{
	const struct rtype *t = type_by_number(type);

	return t && t->kind != R_NONE && t->kind != R_REJECT;
}

/* ---- small helpers ----------------------------------------------------------- */

int xst_zerr(struct xst_zfail *f, const struct xst_ztok *t, const char *fmt, ...)
{
	va_list ap;

	if (t)
		f->line = t->line;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The token's text for messages: cut, and unprintable bytes as '?'. */
const char *xst_zshow(const struct xst_ztok *t, char *buf, size_t cap)
{
	size_t i, n = t->len < cap - 4 ? t->len : cap - 4;

	for (i = 0; i < n; i++)
		buf[i] = (t->s[i] >= 0x20 && t->s[i] < 0x7f) ? t->s[i] : '?';
	if (n < t->len)
		buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
	buf[n] = 0;
	return buf;
}


/*
 * One byte of an escaped text at s[*i] (s[0..len)): "\DDD" is a decimal
 * byte, "\X" is X. As in NSD's lexer (zoctet), a digit that does not start
 * three digits of at most 255 is an "\X" ("\2" is '2', "\256" is '2' then
 * "56"): third-party zones write regexps such as "\2" and NSD loads them.
 * Returns the byte, or -1 for a backslash that ends the text.
 */
int xst_zunescape(const char *s, size_t len, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];

	if (c != '\\') {
		(*i)++;
		return c;
	}
	if (*i + 1 >= len)
		return -1;
	c = (unsigned char)s[*i + 1];
	if (c >= '0' && c <= '9' && *i + 3 < len && s[*i + 2] >= '0' && s[*i + 2] <= '9' &&
	    s[*i + 3] >= '0' && s[*i + 3] <= '9') {
		unsigned int v = (unsigned int)(c - '0') * 100 + (unsigned int)(s[*i + 2] - '0') * 10 +
				 (unsigned int)(s[*i + 3] - '0');

		if (v <= 255) {
			*i += 4;
			return (int)v;
		}
	}
	*i += 2;
	return c;
}

void xst_zput(struct xst_zout *o, const void *src, size_t len)
{
	if (o->n + len > XST_ZONE_RDATA_MAX) {
		o->over = 1;
		return;
	}
	memcpy(o->p + o->n, src, len);
	o->n += len;
}

void xst_zput8(struct xst_zout *o, unsigned int v)
{
	uint8_t b = (uint8_t)v;

	xst_zput(o, &b, 1);
}

void xst_zput16(struct xst_zout *o, unsigned int v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	xst_zput(o, b, 2);
}

void xst_zput32(struct xst_zout *o, uint32_t v)
{
	uint8_t b[4];

	xst_put_be32(b, v);
	xst_zput(o, b, 4);
}

/* ---- names ------------------------------------------------------------------- */

/*
 * A quoted name is one label, dots and all, relative to the origin: NSD's
 * grammar takes a quoted string wherever a label goes ("a.b" is a\.b).
 */
static int quoted_label(const struct xst_ztok *t, const uint8_t *origin, size_t origin_len,
			uint8_t *out, struct xst_zfail *f)
{
	size_t i = 0, o = 1;

	while (i < t->len) {
		int c = xst_zunescape(t->s, t->len, &i);

		if (c < 0)
			return xst_zerr(f, t, "bad escape in domain name '%s'", XST_ZSHOW(t));
		if (o > 63)
			return xst_zerr(f, t, "label longer than 63 bytes in '%s'", XST_ZSHOW(t));
		out[o++] = (uint8_t)c;
	}
	if (o == 1)
		return xst_zerr(f, t, "empty label in domain name '\"\"'");
	if (o + origin_len > XST_DNAME_MAX)
		return xst_zerr(f, t, "domain name '%s' is longer than 255 bytes", XST_ZSHOW(t));
	out[0] = (uint8_t)(o - 1);
	memcpy(out + o, origin, origin_len);
	return (int)(o + origin_len);
}

/* Whether the label that ends before t->s[end], n bytes long, was written
 * as a bare "@": NSD's lexer makes "@" a token of its own, so that "a.@"
 * or "@.a" is a syntax error, not a label '@'. */
static int at_label(const struct xst_ztok *t, size_t end, size_t n)
{
	return n == 1 && end >= 1 && t->s[end - 1] == '@' &&
	       (end == 1 || t->s[end - 2] == '.');
}

int xst_zname(const struct xst_ztok *t, const uint8_t *origin, size_t origin_len, uint8_t *out,
	      struct xst_zfail *f)
{
	size_t i = 0, o = 1, lab = 0;

	if (t->quoted)
		return quoted_label(t, origin, origin_len, out, f);
	if (t->len == 1 && t->s[0] == '@') {
		memcpy(out, origin, origin_len);
		return (int)origin_len;
	}
	if (t->len == 1 && t->s[0] == '.') {
		out[0] = 0;
		return 1;
	}
	out[0] = 0;
	while (i < t->len) {
		int c;

		if (t->s[i] == '.') {
			if (o == lab + 1)
				return xst_zerr(f, t, "empty label in domain name '%s'", XST_ZSHOW(t));
			if (at_label(t, i, o - lab - 1))
				goto at;
			out[lab] = (uint8_t)(o - lab - 1);
			i++;
			if (i == t->len) {
				out[o] = 0;	/* absolute: the root label ends it */
				return (int)o + 1;
			}
			if (o >= XST_DNAME_MAX - 1)
				return xst_zerr(f, t, "domain name '%s' is longer than 255 bytes",
					    XST_ZSHOW(t));
			lab = o++;
			out[lab] = 0;
			continue;
		}
		c = xst_zunescape(t->s, t->len, &i);
		if (c < 0)
			return xst_zerr(f, t, "bad escape in domain name '%s'", XST_ZSHOW(t));
		if (o - lab - 1 >= 63)
			return xst_zerr(f, t, "label longer than 63 bytes in '%s'", XST_ZSHOW(t));
		if (o >= XST_DNAME_MAX - 1)
			return xst_zerr(f, t, "domain name '%s' is longer than 255 bytes", XST_ZSHOW(t));
		out[o++] = (uint8_t)c;
	}
	if (at_label(t, i, o - lab - 1))
		goto at;
	/* Relative: close the last label and append the origin. */
	out[lab] = (uint8_t)(o - lab - 1);
	if (o + origin_len > XST_DNAME_MAX)
		return xst_zerr(f, t, "domain name '%s' is longer than 255 bytes with the origin",
			    XST_ZSHOW(t));
	memcpy(out + o, origin, origin_len);
	return (int)(o + origin_len);
at:
	return xst_zerr(f, t, "'@' inside a domain name ('%s'): it stands alone for the origin",
			XST_ZSHOW(t));
}

/* ---- numbers, TTLs, classes -------------------------------------------------- */

int xst_zis_ttl(const struct xst_ztok *t)
{
	return !t->quoted && t->len && t->s[0] >= '0' && t->s[0] <= '9';
}

/*
 * NSD (strtottl) sums the parts in 32-bit arithmetic, wrapping, and puts
 * 3600 for a result with the top bit set (RFC 2308 8), without a word:
 * "4294967297" is 1, "2147483648" is 3600. We store and serve the same.
 */
int xst_zttl(const struct xst_ztok *t, uint32_t *out, struct xst_zfail *f)
{
	uint32_t total = 0, v = 0;
	size_t i;
	int digits = 0, units = 0;

	if (t->quoted || !t->len)
		return xst_zerr(f, t, "expected a TTL, found '%s'", XST_ZSHOW(t));
	for (i = 0; i < t->len; i++) {
		char c = t->s[i];
		uint32_t mul;

		if (c >= '0' && c <= '9') {
			v = v * 10 + (uint32_t)(c - '0');
			digits++;
			continue;
		}
		switch (c | 0x20) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 604800; break;
		default:
			return xst_zerr(f, t, "expected a TTL, found '%s'", XST_ZSHOW(t));
		}
		if (!digits)
			return xst_zerr(f, t, "expected a TTL, found '%s'", XST_ZSHOW(t));
		total += v * mul;
		v = 0;
		digits = 0;
		units = 1;
	}
	if (digits)
		total += v;
	else if (!units)
		return xst_zerr(f, t, "expected a TTL, found '%s'", XST_ZSHOW(t));
	*out = total & TTL_MSB ? TTL_FALLBACK : total;
	return 0;
}

int xst_zclass(const struct xst_ztok *t)
{
	size_t i;
	unsigned long v = 0;

	/* IN first and without a call: almost every record that names a class. */
	if (!t->quoted && t->len == 2 && (t->s[0] | 0x20) == 'i' && (t->s[1] | 0x20) == 'n')
		return XST_C_IN;
	if (t->quoted || !t->len || ((t->s[0] | 0x20) != 'c' && (t->s[0] | 0x20) != 'h'))
		return -1;
	if (xst_ztok_is(t, "CH") || xst_ztok_is(t, "CHAOS"))
		return XST_C_CH;
	if (xst_ztok_is(t, "HS") || xst_ztok_is(t, "HESIOD"))
		return 4;
	if (xst_ztok_is(t, "CS"))
		return 2;
	if (t->quoted || t->len <= 5 || t->len > 10 || strncasecmp(t->s, "CLASS", 5))
		return -1;
	for (i = 5; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(t->s[i] - '0');
	}
	return v > 65535 ? -1 : (int)v;
}

/* An unsigned decimal field of at most max. */
/*
 * An 8- or 16-bit field as NSD 4.6.1 reads it (zonec.c zparser_conv_byte /
 * _short): strtol() in base 10, the whole token consumed, then cast to the
 * field's width. So "-1" is 255 / 65535, 65536 is 0, a number past the range
 * of a long saturates, and "" is 0. NSD loads such zones: so do we.
 */
static int wrapped(const struct xst_ztok *t, uint32_t max, const char *what, uint32_t *out,
		   struct xst_zfail *f)
{
	uint64_t v = 0, lim = (uint64_t)INT64_MAX;
	size_t i = 0;
	int neg = 0, over = 0;

	if (t->len && (t->s[0] == '-' || t->s[0] == '+')) {
		neg = t->s[0] == '-';
		i = 1;
		if (t->len == 1)
			goto bad;
	}
	for (; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			goto bad;
		if (v > (lim - (uint64_t)(t->s[i] - '0')) / 10)
			over = 1;
		else
			v = v * 10 + (uint64_t)(t->s[i] - '0');
	}
	if (over)	/* strtol: LONG_MAX, or LONG_MIN for a negative one */
		v = neg ? 0 : lim;
	else if (neg)
		v = (uint64_t)0 - v;
	*out = (uint32_t)(v & max);
	return 0;
bad:
	return xst_zerr(f, t, "%s: expected a number, found '%s'", what, XST_ZSHOW(t));
}

int xst_znum(const struct xst_ztok *t, uint32_t max, const char *what, uint32_t *out,
	       struct xst_zfail *f)
{
	uint64_t v = 0;
	size_t i;

	/* A quoted number is a number: NSD's grammar takes a quoted string
	 * wherever it takes a word ("10" as an MX preference). */
	if (max == 0xff || max == 0xffff)
		return wrapped(t, max, what, out, f);
	if (!t->len || t->len > 10)
		goto bad;
	for (i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(t->s[i] - '0');
	}
	if (v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	return xst_zerr(f, t, "%s: expected a number 0-%u, found '%s'", what, max, XST_ZSHOW(t));
}

/* ---- strings, hex, base64 ---------------------------------------------------- */

/* A <character-string>: length byte and the unescaped bytes (at most 255). */
int xst_zcharstr(const struct xst_ztok *t, struct xst_zout *o, struct xst_zfail *f)
{
	uint8_t buf[256];
	size_t i = 0, n = 0;

	while (i < t->len) {
		int c = xst_zunescape(t->s, t->len, &i);

		if (c < 0)
			return xst_zerr(f, t, "bad escape in string '%s'", XST_ZSHOW(t));
		if (n == 255)
			return xst_zerr(f, t, "string longer than 255 bytes");
		buf[n++] = (uint8_t)c;
	}
	xst_zput8(o, (unsigned int)n);
	xst_zput(o, buf, n);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex digits of tok[0..nr) joined (white space between tokens is allowed). */
int xst_zhex(const struct xst_ztok *tok, size_t nr, struct xst_zout *o, struct xst_zfail *f)
{
	size_t k, i;
	int hi = -1;

	for (k = 0; k < nr; k++) {
		const struct xst_ztok *t = &tok[k];

		/* Quoted or not: NSD's lexer reads "abcd" as abcd here. */
		for (i = 0; i < t->len; i++) {
			int v = hexval(t->s[i]);

			if (v < 0)
				return xst_zerr(f, t, "bad hex digit in '%s'", XST_ZSHOW(t));
			if (hi < 0) {
				hi = v;
			} else {
				xst_zput8(o, (unsigned int)(hi << 4 | v));
				hi = -1;
			}
		}
	}
	if (hi >= 0)
		return xst_zerr(f, &tok[nr - 1], "odd number of hex digits");
	return 0;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 (RFC 4648) of tok[0..nr) joined. */
int xst_zbase64(const struct xst_ztok *tok, size_t nr, struct xst_zout *o, struct xst_zfail *f)
{
	const struct xst_ztok *last = nr ? &tok[nr - 1] : NULL;
	uint32_t acc = 0;
	size_t k, i, nchar = 0, pad = 0;

	for (k = 0; k < nr; k++) {
		const struct xst_ztok *t = &tok[k];

		for (i = 0; i < t->len; i++) {
			int v;

			if (t->s[i] == '=') {
				pad++;
				continue;
			}
			v = b64val(t->s[i]);
			if (v < 0 || pad || t->quoted)
				return xst_zerr(f, t, "bad base64 in '%s'", XST_ZSHOW(t));
			acc = acc << 6 | (uint32_t)v;
			if (++nchar % 4 == 0) {
				xst_zput8(o, acc >> 16);
				xst_zput8(o, acc >> 8);
				xst_zput8(o, acc);
				acc = 0;
			}
		}
	}
	/* As NSD's b64_pton: the padding must be there, and the bits it
	 * leaves out must be zero (else the text is not canonical base64). */
	if (nchar % 4 == 1 || pad != (4 - nchar % 4) % 4)
		return xst_zerr(f, last, "bad base64 padding");
	switch (nchar % 4) {
	case 2:
		if (acc & 0xf)
			return xst_zerr(f, last, "bad base64: nonzero bits after the data");
		xst_zput8(o, acc >> 4);
		break;
	case 3:
		if (acc & 0x3)
			return xst_zerr(f, last, "bad base64: nonzero bits after the data");
		xst_zput8(o, acc >> 10);
		xst_zput8(o, acc >> 2);
		break;
	default:
		break;
	}
	return 0;
}

/* ---- RDATA ------------------------------------------------------------------- */

/* The next field, or NULL after failing with "missing <what>". */
const struct xst_ztok *xst_zfield(struct xst_zrd *r, const char *what)
{
	if (r->i < r->nr)
		return &r->tok[r->i++];
	xst_zerr(r->f, r->nr ? &r->tok[r->nr - 1] : NULL, "%s record: missing %s", r->tname, what);
	return NULL;
}

int xst_zf_name(struct xst_zrd *r, const char *what)
{
	const struct xst_ztok *t = xst_zfield(r, what);
	uint8_t name[XST_DNAME_MAX];
	int len;

	if (!t)
		return -EINVAL;
	len = xst_zname(t, r->origin, r->origin_len, name, r->f);
	if (len < 0)
		return len;
	xst_zput(&r->o, name, (size_t)len);
	return 0;
}

int xst_zf_num(struct xst_zrd *r, uint32_t max, const char *what)
{
	const struct xst_ztok *t = xst_zfield(r, what);
	uint32_t v;
	int err;

	if (!t)
		return -EINVAL;
	err = xst_znum(t, max, what, &v, r->f);
	if (err)
		return err;
	if (max == 0xff)
		xst_zput8(&r->o, v);
	else if (max == 0xffff)
		xst_zput16(&r->o, v);
	else
		xst_zput32(&r->o, v);
	return 0;
}

int xst_zf_ttl(struct xst_zrd *r, const char *what)
{
	const struct xst_ztok *t = xst_zfield(r, what);
	uint32_t v;
	int err;

	if (!t)
		return -EINVAL;
	err = xst_zttl(t, &v, r->f);
	if (err) {
		char why[sizeof(r->f->reason)];

		snprintf(why, sizeof(why), "%s", r->f->reason);
		return xst_zerr(r->f, t, "%s record: %s: %s", r->tname, what, why);
	}
	xst_zput32(&r->o, v);
	return 0;
}

/* NSD reads these as dotted_str: ".x" is a syntax error there. */
int xst_zf_str(struct xst_zrd *r, const char *what)
{
	const struct xst_ztok *t = xst_zfield(r, what);

	if (!t || xst_zdots(r, t, XST_ZDOTS_DOTTED))
		return -EINVAL;
	return xst_zcharstr(t, &r->o, r->f);
}

/* Every remaining token as hex (at least one digit pair unless may_be_empty). */
int xst_zf_hex_rest(struct xst_zrd *r, const char *what, int may_be_empty)
{
	size_t before = r->o.n;
	int err;

	if (r->i >= r->nr) {
		if (may_be_empty)
			return 0;
		return xst_zerr(r->f, r->nr ? &r->tok[r->nr - 1] : NULL, "%s record: missing %s",
			    r->tname, what);
	}
	err = xst_zhex(r->tok + r->i, r->nr - r->i, &r->o, r->f);
	r->i = r->nr;
	if (!err && r->o.n == before && !may_be_empty)
		return xst_zerr(r->f, &r->tok[r->nr - 1], "%s record: empty %s", r->tname, what);
	return err;
}

int xst_zf_addr(struct xst_zrd *r, int af)
{
	const struct xst_ztok *t = xst_zfield(r, "address");
	uint8_t a[16];
	char buf[64];

	if (!t)
		return -EINVAL;
	if (t->len >= sizeof(buf))	/* quoted or not, as NSD */
		goto bad;
	memcpy(buf, t->s, t->len);
	buf[t->len] = 0;
	if (inet_pton(af, buf, a) != 1)
		goto bad;
	xst_zput(&r->o, a, af == AF_INET ? 4 : 16);
	return 0;
bad:
	return xst_zerr(r->f, t, "bad %s address '%s'", af == AF_INET ? "IPv4" : "IPv6", XST_ZSHOW(t));
}

/*
 * CAA (RFC 8659): flags, tag, value. NSD takes the tag quoted or not, of 1
 * to 15 lower-case letters and digits (zparser_conv_tag), and the value as
 * the rest of the RDATA (quoted or not, no length byte).
 */
static int f_caa(struct xst_zrd *r)
{
	const struct xst_ztok *tag, *val;
	uint8_t tb[16];
	size_t i, n = 0;
	int err;

	err = xst_zf_num(r, 0xff, "flags");
	if (err)
		return err;
	tag = xst_zfield(r, "tag");
	if (!tag)
		return -EINVAL;
	for (i = 0; i < tag->len;) {
		int c = xst_zunescape(tag->s, tag->len, &i);

		if (c < 0)
			return xst_zerr(r->f, tag, "bad escape in string '%s'", XST_ZSHOW(tag));
		if (n == 15)
			return xst_zerr(r->f, tag, "CAA record: tag '%s' is longer than 15 characters",
				    XST_ZSHOW(tag));
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return xst_zerr(r->f, tag,
				    "CAA record: tag '%s' has a character other than a-z and 0-9",
				    XST_ZSHOW(tag));
		tb[n++] = (uint8_t)c;
	}
	if (!n)
		return xst_zerr(r->f, tag, "CAA record: empty tag");
	xst_zput8(&r->o, (unsigned int)n);
	xst_zput(&r->o, tb, n);
	val = xst_zfield(r, "value");
	if (!val || xst_zdots(r, val, XST_ZDOTS_DOTTED))
		return -EINVAL;
	for (i = 0; i < val->len;) {
		int c = xst_zunescape(val->s, val->len, &i);

		if (c < 0)
			return xst_zerr(r->f, val, "bad escape in string '%s'", XST_ZSHOW(val));
		xst_zput8(&r->o, (unsigned int)c);
	}
	return 0;
}

/* RFC 3597: "\# <length> <hex>...". */
static int generic(struct xst_zrd *r)
{
	/* NSD 4.6.1 (zparser.y rdata_unknown) reads the length word and ignores
	 * it ("currently ignored"): the data is the hex that follows, checked
	 * against the type's wire format after. A zone NSD loads must load. */
	r->i = 1;
	if (!xst_zfield(r, "RFC 3597 data length"))
		return -EINVAL;
	return xst_zf_hex_rest(r, "RFC 3597 data", 1);
}

/* A known type written in RFC 3597 form must still be that type's wire format. */
static int check_generic(struct xst_zrd *r, uint16_t type)
{
	char why[96];

	if (!xst_zwire_check(type, r->o.p, r->o.n, why, sizeof(why)))
		return 0;
	return xst_zerr(r->f, &r->tok[0], "%s record: RFC 3597 data is not a valid %s RDATA (%s)",
			r->tname, r->tname, why);
}

int xst_zrdata(uint16_t type, const struct xst_ztok *tok, size_t nr, const uint8_t *origin,
	       size_t origin_len, uint8_t *out, struct xst_zfail *f)
{
	const struct rtype *rt = type_by_number(type);
	char tbuf[12];
	struct xst_zrd r = {
		.tok = tok, .nr = nr, .origin = origin, .origin_len = origin_len, .f = f,
		.o = { .p = out },
	};
	int kind = rt ? rt->kind : R_NONE, err = 0;

	r.tname = xst_rrtype_to_text(type, tbuf);
	/* NSD loads a meta type's record in RFC 3597 form only (as it does
	 * any type it has no text form for) */
	if (kind == R_REJECT && !(nr && xst_ztok_is(&tok[0], "\\#")))
		return xst_zerr(f, NULL, "%s is a meta type: its data only in RFC 3597 form (\\# ...)",
				r.tname);
	if (nr && xst_ztok_is(&tok[0], "\\#")) {
		err = generic(&r);
		if (!err)
			err = check_generic(&r, type);
		goto done;
	}
	switch (kind) {
	case R_A:
		err = xst_zf_addr(&r, AF_INET);
		break;
	case R_AAAA:
		err = xst_zf_addr(&r, AF_INET6);
		break;
	case R_NAME:
		err = xst_zf_name(&r, "domain name");
		break;
	case R_2NAME:
		err = xst_zf_name(&r, "first domain name");
		if (!err)
			err = xst_zf_name(&r, "second domain name");
		break;
	case R_SOA:
		err = xst_zf_name(&r, "primary server (MNAME)");
		if (!err)
			err = xst_zf_name(&r, "mailbox (RNAME)");
		if (!err)
			err = xst_zf_num(&r, 0xffffffffu, "serial");
		if (!err)
			err = xst_zf_ttl(&r, "refresh");
		if (!err)
			err = xst_zf_ttl(&r, "retry");
		if (!err)
			err = xst_zf_ttl(&r, "expire");
		if (!err)
			err = xst_zf_ttl(&r, "minimum");
		break;
	case R_U16NAME:
		err = xst_zf_num(&r, 0xffff, "preference");
		if (!err)
			err = xst_zf_name(&r, "exchange");
		break;
	case R_TXT:
		err = xst_zf_str(&r, "text");
		while (!err && r.i < r.nr)
			err = xst_zf_str(&r, "text");
		break;
	case R_HINFO:
		err = xst_zf_word(&r, "cpu");
		if (!err)
			err = xst_zf_word(&r, "os");
		break;
	case R_SRV:
		err = xst_zf_num(&r, 0xffff, "priority");
		if (!err)
			err = xst_zf_num(&r, 0xffff, "weight");
		if (!err)
			err = xst_zf_num(&r, 0xffff, "port");
		if (!err)
			err = xst_zf_name(&r, "target");
		break;
	case R_CAA:
		err = f_caa(&r);
		break;
	case R_MISC:
		err = xst_zrdata_misc(type, &r);
		break;
	case R_NAPTR:
		err = xst_zf_num(&r, 0xffff, "order");
		if (!err)
			err = xst_zf_num(&r, 0xffff, "preference");
		if (!err)
			err = xst_zf_word(&r, "flags");
		if (!err)
			err = xst_zf_word(&r, "services");
		if (!err)
			err = xst_zf_word(&r, "regexp");
		if (!err)
			err = xst_zf_name(&r, "replacement");
		break;
	case R_DNSSEC:
		err = xst_zrdata_dnssec(type, &r);
		break;
	default:
		return xst_zerr(f, nr ? &tok[0] : NULL,
			    "%s record: text form not supported, write it as '%s \\# <length> <hex>' (RFC 3597)",
			    r.tname, r.tname);
	}
done:
	if (err)
		return err;
	if (r.i < r.nr)
		return xst_zerr(f, &tok[r.i], "%s record: unexpected '%s' after the data", r.tname,
			    XST_ZSHOW(&tok[r.i]));
	if (r.o.over)
		return xst_zerr(f, NULL, "%s record: data longer than 65535 bytes", r.tname);
	return (int)r.o.n;
}
