// SPDX-License-Identifier: GPL-2.0
/*
 * Text-form RDATA of the record types that are neither RFC 1035 core nor
 * DNSSEC: LOC (RFC 1876), SVCB/HTTPS (RFC 9460), APL (RFC 3123), WKS, X25,
 * ISDN, NSAP, PX, DNAME, NID/L32/L64/LP (RFC 6742), EUI48/EUI64 (RFC 7043),
 * URI (RFC 7553) and AVC; and the checks of the same types written in RFC
 * 3597 form. Each reads what NSD 4.6.1 reads and refuses what it refuses
 * (zparser.y, zonec.c, rdata.c), quirks included, since a zone that loads
 * in NSD must load here and one it refuses must be refused. Load time only.
 */
#include "dns/zone_priv.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"

#define SVCB_MAX_PARAMS		62	/* NSD keeps 64 RDATA fields: 2 + 62 params */
#define SVCB_MAX_LIST		1000	/* NSD's limit of comma separated values */
#define APL_MAX_ITEMS		64	/* likewise 64 APL items */
#define TEXT_MAX		4096	/* joined LOC text */

/* The types this file reads (host order). */
enum {
	T_WKS = 11, T_X25 = 19, T_ISDN = 20, T_NSAP = 22, T_PX = 26, T_LOC = 29, T_DNAME = 39,
	T_APL = 42, T_SVCB = 64, T_HTTPS = 65, T_NID = 104, T_L32 = 105, T_L64 = 106, T_LP = 107,
	T_EUI48 = 108, T_EUI64 = 109, T_URI = 256, T_AVC = 258,
};

enum { K_MANDATORY, K_ALPN, K_NO_DEFAULT_ALPN, K_PORT, K_IPV4HINT, K_ECH, K_IPV6HINT,
       K_DOHPATH, K_NAMED };

static const char *const svc_names[K_NAMED] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint", "dohpath",
};

/*
 * A token's text with its escapes decoded, NUL-terminated, as NSD's lexer
 * hands every word to the RDATA converters. Returns the length or -EINVAL.
 */
static int tokstr(struct xst_zrd *r, const struct xst_ztok *t, char *buf, size_t cap)
{
	size_t i = 0, n = 0;

	while (i < t->len) {
		int c = xst_zunescape(t->s, t->len, &i);

		if (c < 0)
			return xst_zerr(r->f, t, "%s record: bad escape in '%s'", r->tname,
				    XST_ZSHOW(t));
		if (n + 1 >= cap)
			return xst_zerr(r->f, t, "%s record: field '%s' is too long", r->tname,
				    XST_ZSHOW(t));
		buf[n++] = (char)c;
	}
	buf[n] = 0;
	return (int)n;
}

int xst_zdots(struct xst_zrd *r, const struct xst_ztok *t, enum xst_zdots rule)
{
	/* The token as pieces: 'd' an unescaped dot, 's' a run of text. */
	char first = 0, second = 0, last = 0;
	size_t i, n = 0;
	int dd_later = 0, ok;

	if (t->quoted)
		return 0;
	for (i = 0; i < t->len; i++) {
		char c = 's';

		if (t->s[i] == '\\')
			i++;	/* "\." and the like are text */
		else if (t->s[i] == '.')
			c = 'd';
		if (c == 's' && last == 's')
			continue;
		if (c == 'd' && last == 'd' && n >= 2)
			dd_later = 1;
		if (n == 0)
			first = c;
		else if (n == 1)
			second = c;
		last = c;
		n++;
	}
	switch (rule) {
	case XST_ZDOTS_WORD:
		ok = n == 1 && first == 's';
		break;
	case XST_ZDOTS_DOTTED:
		ok = !(first == 'd' && second == 's');
		break;
	case XST_ZDOTS_FIRST:
		if (first == 'd') {	/* "." alone, or "." then (".text")... */
			ok = n == 1 || (second == 'd' && !dd_later && last == 's');
			break;
		}
		/* fall through */
	default:	/* DOTSEQ, NEXT: text (".text")... */
		ok = first == 's' && last == 's' && !dd_later;
		break;
	}
	if (ok)
		return 0;
	return xst_zerr(r->f, t, "%s record: syntax error at '%s' (a '.' where NSD takes none)",
		    r->tname, XST_ZSHOW(t));
}

int xst_zf_word(struct xst_zrd *r, const char *what)
{
	if (r->i < r->nr && xst_zdots(r, &r->tok[r->i], XST_ZDOTS_WORD))
		return -EINVAL;
	return xst_zf_str(r, what);
}

/* Every remaining token decoded and joined with single spaces (NSD's
 * concatenated_str_seq). At least one token must remain. */
static int join_rest(struct xst_zrd *r, const char *what, char *buf, size_t cap)
{
	size_t n = 0;

	if (r->i >= r->nr)
		return xst_zerr(r->f, r->nr ? &r->tok[r->nr - 1] : NULL, "%s record: missing %s",
			    r->tname, what);
	for (; r->i < r->nr; r->i++) {
		int len;

		if (xst_zdots(r, &r->tok[r->i], n ? XST_ZDOTS_NEXT : XST_ZDOTS_FIRST))
			return -EINVAL;
		if (n)
			buf[n++] = ' ';
		len = tokstr(r, &r->tok[r->i], buf + n, cap - n);
		if (len < 0)
			return len;
		n += (size_t)len;
		if (n + 2 >= cap)
			return xst_zerr(r->f, &r->tok[r->i], "%s record: %s is too long", r->tname,
				    what);
	}
	return (int)n;
}

/* ---- LOC (RFC 1876, as NSD's zparser_conv_loc reads it) ----------------------- */

static int loc_int(struct xst_zrd *r, const char *s, const char **end, long min, long max,
		   const char *what, long *out)
{
	char *e;
	long v = strtol(s, &e, 10);

	if (v < min || v > max)
		return xst_zerr(r->f, NULL, "LOC record: %s must be within the range [%ld .. %ld]",
			    what, min, max);
	*end = e;
	*out = v;
	return 0;
}

/* "X[.YY][m]" meters -> the 0xXY mantissa/exponent byte of RFC 1876. */
static uint8_t loc_precsize(const char *cp, const char **end)
{
	static const uint32_t pow10[10] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
					     10000000, 100000000, 1000000000 };
	uint32_t m = 0, cm = 0, mant;
	int e;

	while (isdigit((unsigned char)*cp))
		m = m * 10 + (uint32_t)(*cp++ - '0');
	if (*cp == '.') {
		cp++;
		if (isdigit((unsigned char)*cp)) {
			cm = (uint32_t)(*cp++ - '0') * 10;
			if (isdigit((unsigned char)*cp))
				cm += (uint32_t)(*cp++ - '0');
		}
	}
	if (m >= pow10[7]) {
		mant = m / pow10[7];	/* m * 100 could overflow */
		e = 9;
	} else {
		cm += m * 100;
		for (e = 0; e < 9; e++)
			if (cm < pow10[e + 1])
				break;
		mant = cm / pow10[e];
	}
	if (mant > 9)
		mant = 9;
	if (*cp == 'm')
		cp++;
	*end = cp;
	return (uint8_t)(mant << 4 | (uint32_t)e);
}

static int f_loc(struct xst_zrd *r)
{
	char buf[TEXT_MAX], *e;
	const char *s = buf, *start;
	uint8_t vsp[4] = { 0, 0x12, 0x16, 0x13 };	/* version 0, 1m, 10000m, 10m */
	uint32_t lat = 0, lon = 0, alt;
	double d, a;
	long v, deg, min;
	int i, err, len = join_rest(r, "location", buf, sizeof(buf));

	if (len < 0)
		return len;
	/* Latitude and longitude, in either order, until both are set. */
	for (;;) {
		uint32_t secs = 0, off;

		deg = min = 0;
		if (!*s)
			return xst_zerr(r->f, NULL, "LOC record: unexpected end of LOC data");
		err = loc_int(r, s, &s, 0, 180, "degrees", &deg);
		if (err)
			return err;
		if (!isspace((unsigned char)*s))
			return xst_zerr(r->f, NULL, "LOC record: space expected after degrees");
		s++;
		if (isdigit((unsigned char)*s)) {
			err = loc_int(r, s, &s, 0, 60, "minutes", &min);
			if (err)
				return err;
			if (!isspace((unsigned char)*s))
				return xst_zerr(r->f, NULL, "LOC record: space expected after minutes");
			s++;
		}
		if (isdigit((unsigned char)*s)) {
			start = s;
			err = loc_int(r, s, &s, 0, 60, "seconds", &v);
			if (!err && *s == '.')
				err = loc_int(r, s + 1, &s, 0, 999, "seconds fraction", &v);
			if (err)
				return err;
			if (!isspace((unsigned char)*s))
				return xst_zerr(r->f, NULL, "LOC record: space expected after seconds");
			d = strtod(start, &e);
			if (e == start || d < 0.0 || d > 60.0)
				return xst_zerr(r->f, NULL, "LOC record: seconds not in range 0.0 .. 60.0");
			secs = (uint32_t)(d * 1000.0 + 0.5);
			s++;
		}
		off = (uint32_t)deg * 3600000u + (uint32_t)min * 60000u + secs;
		switch (*s) {
		case 'N': case 'n': lat = (1u << 31) + off; break;
		case 'E': case 'e': lon = (1u << 31) + off; break;
		case 'S': case 's': lat = (1u << 31) - off; break;
		case 'W': case 'w': lon = (1u << 31) - off; break;
		default:
			return xst_zerr(r->f, NULL, "LOC record: invalid latitude/longitude: '%c'", *s);
		}
		s++;
		if (lat && lon)
			break;
		if (!isspace((unsigned char)*s))
			return xst_zerr(r->f, NULL,
				    "LOC record: space expected after latitude/longitude");
		s++;
	}
	/* Altitude: [-+]meters[.cm][m]. */
	if (!*s)
		return xst_zerr(r->f, NULL, "LOC record: unexpected end of LOC data");
	if (!isspace((unsigned char)*s))
		return xst_zerr(r->f, NULL, "LOC record: space expected before altitude");
	start = ++s;
	if (*s == '+' || *s == '-')
		s++;
	if (strtol(s, &e, 10) == LONG_MAX)
		return xst_zerr(r->f, NULL, "LOC record: altitude too large, number overflow");
	s = e;
	switch (*s) {
	case ' ': case '\0': case 'm':
		break;
	case '.':
		err = loc_int(r, s + 1, &s, 0, 99, "altitude fraction", &v);
		if (err)
			return err;
		if (!isspace((unsigned char)*s) && *s && *s != 'm')
			return xst_zerr(r->f, NULL, "LOC record: altitude fraction must be a number");
		break;
	default:
		return xst_zerr(r->f, NULL, "LOC record: altitude must be expressed in meters");
	}
	if (!isspace((unsigned char)*s) && *s)
		s++;
	d = strtod(start, &e);
	if (e == start)
		return xst_zerr(r->f, NULL, "LOC record: error parsing altitude");
	a = 10000000.0 + d * 100 + 0.5;
	/* NSD converts without a range check: keep its 64-bit truncation. */
	alt = (a > -9.2e18 && a < 9.2e18) ? (uint32_t)(int64_t)a : 0;
	if (!isspace((unsigned char)*s) && *s)
		return xst_zerr(r->f, NULL, "LOC record: unexpected character after altitude");
	/* Up to three of size, horizontal and vertical precision; NSD ignores
	 * whatever follows the third. */
	for (i = 1; isspace((unsigned char)*s) && i <= 3; i++) {
		vsp[i] = loc_precsize(s + 1, &s);
		if (!isspace((unsigned char)*s) && *s)
			return xst_zerr(r->f, NULL, "LOC record: invalid size or precision");
	}
	xst_zput(&r->o, vsp, 4);
	xst_zput32(&r->o, lat);
	xst_zput32(&r->o, lon);
	xst_zput32(&r->o, alt);
	return 0;
}

/* ---- SVCB / HTTPS (RFC 9460, as NSD 4.6.1 reads it) --------------------------- */

struct svc_param {
	uint16_t key;
	uint32_t off, len;	/* value in the scratch buffer */
};

struct svc {
	struct xst_zrd *r;
	struct svc_param p[SVCB_MAX_PARAMS];
	size_t nr;
	uint8_t val[XST_ZONE_RDATA_MAX];
	size_t used;
};

static int svc_fail(struct svc *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int svc_fail(struct svc *sv, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return xst_zerr(sv->r->f, NULL, "%s record: %s", sv->r->tname, why);
}

/* A SvcParamKey name (case-sensitive, as NSD): 0-65535 or -EINVAL. */
static int svc_key(struct svc *sv, const char *k, size_t len)
{
	char buf[64];
	size_t i;

	if (len >= 4 && len <= 8 && !strncmp(k, "key", 3)) {
		char *end;
		unsigned long v;

		memcpy(buf, k + 3, len - 3);
		buf[len - 3] = 0;
		v = strtoul(buf, &end, 10);
		if (end > buf && !*end && v <= 65535)
			return (int)v;
	} else {
		for (i = 0; i < K_NAMED; i++)
			if (strlen(svc_names[i]) == len && !strncmp(k, svc_names[i], len))
				return (int)i;
		if (len == 9 && !strncmp(k, "echconfig", 9))
			return K_ECH;	/* the draft's name, NSD takes it too */
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)(len < 60 ? len : 60), k);
	return svc_fail(sv, "unknown SvcParamKey: %s", buf);
}

static int svc_put(struct svc *sv, const void *b, size_t n)
{
	if (sv->used + n > sizeof(sv->val))
		return svc_fail(sv, "data longer than 65535 bytes");
	memcpy(sv->val + sv->used, b, n);
	sv->used += n;
	return 0;
}

static int svc_put16(struct svc *sv, unsigned int v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return svc_put(sv, b, 2);
}

/* Comma separated count (NSD caps lists at 1000 values). */
static int svc_count(struct svc *sv, const char *v, const char *what)
{
	size_t n = 1;

	for (; *v; v++)
		if (*v == ',' && ++n > SVCB_MAX_LIST)
			return svc_fail(sv, "too many values in %s", what);
	return (int)n;
}

static int svc_hints(struct svc *sv, const char *v, int af)
{
	const char *what = af == AF_INET ? "ipv4hint" : "ipv6hint";
	char one[64];
	uint8_t a[16];
	int err = svc_count(sv, v, what);

	if (err < 0)
		return err;
	for (;;) {
		const char *c = strchr(v, ',');
		size_t n = c ? (size_t)(c - v) : strlen(v);

		if (n >= sizeof(one))
			return svc_fail(sv, "could not parse %s SvcParamValue", what);
		memcpy(one, v, n);
		one[n] = 0;
		if (inet_pton(af, one, a) != 1)
			return svc_fail(sv, "could not parse address '%s'", one);
		err = svc_put(sv, a, af == AF_INET ? 4 : 16);
		if (err || !c)
			return err;
		v = c + 1;
	}
}

static int cmp16(const void *a, const void *b)
{
	const uint8_t *x = a, *y = b;

	return (x[0] << 8 | x[1]) - (y[0] << 8 | y[1]);
}

static int svc_mandatory(struct svc *sv, const char *v)
{
	size_t start = sv->used;
	int err = svc_count(sv, v, "mandatory");

	if (err < 0)
		return err;
	for (;;) {
		const char *c = strchr(v, ',');
		int k = svc_key(sv, v, c ? (size_t)(c - v) : strlen(v));

		if (k < 0)
			return k;
		err = svc_put16(sv, (unsigned int)k);
		if (err || !c)
			break;
		v = c + 1;
	}
	if (!err)	/* RFC 9460 7: the keys go in ascending order */
		qsort(sv->val + start, (sv->used - start) / 2, 2, cmp16);
	return err;
}

/* alpn: comma separated ids, "\," and "\\" escaped (after the lexer's own
 * escapes: NSD decodes the token first). */
static int svc_alpn(struct svc *sv, const char *v)
{
	for (;;) {
		uint8_t id[256];
		size_t n = 0;

		for (; *v && *v != ','; v++) {
			if (*v == '\\' && !*++v)
				break;
			if (n == 255)
				return svc_fail(sv, "alpn strings need to be smaller than 255 chars");
			id[n++] = (uint8_t)*v;
		}
		if (svc_put(sv, (uint8_t[]){ (uint8_t)n }, 1) || svc_put(sv, id, n))
			return -EINVAL;
		if (*v != ',')
			return 0;
		v++;
	}
}

static int svc_ech(struct svc *sv, const char *v)
{
	struct xst_ztok t = { .s = v, .len = (uint32_t)strlen(v) };
	struct xst_zout o = { .p = malloc(XST_ZONE_RDATA_MAX) };
	int err;

	if (!o.p)
		return -ENOMEM;
	if (!strcmp(v, "0"))	/* NSD makes this an empty field, then refuses it */
		err = svc_fail(sv, "invalid SVCB or HTTPS rdata (ech=%s)", v);
	else if (xst_zbase64(&t, 1, &o, sv->r->f) || o.over)
		err = svc_fail(sv, "invalid base64 data in ech");
	else
		err = svc_put(sv, o.p, o.n);
	free(o.p);
	return err;
}

/* One SvcParam: key (text) and value (NULL: none). */
static int svc_param(struct svc *sv, const char *k, size_t klen, const char *v)
{
	struct svc_param *p;
	int key, err = 0;

	key = svc_key(sv, k, klen);
	if (key < 0)
		return key;
	if (sv->nr == SVCB_MAX_PARAMS)
		return svc_fail(sv, "more than 62 SvcParams");
	p = &sv->p[sv->nr++];
	p->key = (uint16_t)key;
	p->off = (uint32_t)sv->used;
	if (!v) {
		switch (key) {
		case K_MANDATORY: case K_ALPN: case K_PORT: case K_IPV4HINT: case K_IPV6HINT:
		case K_DOHPATH: {
			char kb[16];

			snprintf(kb, sizeof(kb), "%.*s", (int)klen, k);
			return svc_fail(sv, "value expected for SvcParam: %s", kb);
		}
		}
	} else {
		switch (key) {
		case K_PORT: {
			char *end;
			unsigned long port = strtoul(v, &end, 10);

			if (end == v || *end || port > 65535)
				return svc_fail(sv, "could not parse port SvcParamValue: \"%s\"", v);
			err = svc_put16(sv, (unsigned int)port);
			break;
		}
		case K_IPV4HINT: err = svc_hints(sv, v, AF_INET); break;
		case K_IPV6HINT: err = svc_hints(sv, v, AF_INET6); break;
		case K_MANDATORY: err = svc_mandatory(sv, v); break;
		case K_ALPN: err = svc_alpn(sv, v); break;
		case K_ECH: err = svc_ech(sv, v); break;
		case K_NO_DEFAULT_ALPN:
			return svc_fail(sv, "no-default-alpn should not have a value");
		default:	/* dohpath and keyNNNNN: the bytes as written */
			err = svc_put(sv, v, strlen(v));
		}
	}
	p->len = (uint32_t)(sv->used - p->off);
	return err;
}

static int svc_cmp(const void *a, const void *b)
{
	return (int)((const struct svc_param *)a)->key - (int)((const struct svc_param *)b)->key;
}

/* NSD's checks on the sorted params: no key twice, mandatory's keys present,
 * not listing mandatory itself, none twice in its list. */
static int svc_check(struct svc *sv)
{
	char kb[16];
	size_t i, j;

	qsort(sv->p, sv->nr, sizeof(sv->p[0]), svc_cmp);
	for (i = 1; i < sv->nr; i++) {
		if (sv->p[i].key != sv->p[i - 1].key)
			continue;
		if (sv->p[i].key < K_NAMED)
			return svc_fail(sv, "duplicate key found: %s", svc_names[sv->p[i].key]);
		snprintf(kb, sizeof(kb), "key%u", sv->p[i].key);
		return svc_fail(sv, "duplicate key found: %s", kb);
	}
	if (!sv->nr || sv->p[0].key != K_MANDATORY)
		return 0;
	for (i = 0; i + 1 < sv->p[0].len; i += 2) {
		const uint8_t *m = sv->val + sv->p[0].off + i;
		unsigned int k = (unsigned int)(m[0] << 8 | m[1]);
		int found = 0;

		for (j = 1; j < sv->nr; j++)
			found |= sv->p[j].key == k;
		if (k == K_MANDATORY)
			return svc_fail(sv, "mandatory MUST not be included as mandatory parameter");
		if (!found) {
			if (k < K_NAMED)
				snprintf(kb, sizeof(kb), "%s", svc_names[k]);
			else
				snprintf(kb, sizeof(kb), "key%u", k);
			return svc_fail(sv, "mandatory SvcParamKey: %s is missing the record", kb);
		}
		if (i && m[-2] == m[0] && m[-1] == m[1])
			return svc_fail(sv, "keys in SvcParam mandatory MUST NOT appear more than once");
	}
	return 0;
}

static int f_svcb(struct xst_zrd *r)
{
	struct svc *sv;
	char *buf = NULL, *vbuf = NULL;
	size_t i;
	int err;

	err = xst_zf_num(r, 0xffff, "priority");
	if (!err)
		err = xst_zf_name(r, "target");
	if (err || r->i == r->nr)
		return err;
	sv = malloc(sizeof(*sv));	/* the value buffer needs no zeroing */
	buf = malloc(XST_ZONE_RDATA_MAX + 1);
	vbuf = malloc(XST_ZONE_RDATA_MAX + 1);
	err = -ENOMEM;
	if (!sv || !buf || !vbuf)
		goto out;
	sv->r = r;
	sv->nr = sv->used = 0;
	for (; r->i < r->nr; r->i++) {
		const struct xst_ztok *t = &r->tok[r->i], *q = NULL;
		const char *eq;
		int klen, vlen = 0;

		r->f->line = t->line;
		klen = tokstr(r, t, buf, XST_ZONE_RDATA_MAX + 1);
		err = klen;
		if (klen < 0)
			goto out;
		/* key="value": the quoted value is a token of its own, right
		 * after the unquoted one (no blank between). */
		if (!t->quoted && r->i + 1 < r->nr && r->tok[r->i + 1].quoted &&
		    r->tok[r->i + 1].s == t->s + t->len + 1) {
			q = &r->tok[++r->i];
			vlen = tokstr(r, q, vbuf, XST_ZONE_RDATA_MAX + 1);
			err = vlen;
			if (vlen < 0)
				goto out;
		}
		if (q && vlen) {
			err = -EINVAL;
			if (!klen || buf[klen - 1] != '=') {
				svc_fail(sv, "SvcParam syntax error in param: %s", buf);
				goto out;
			}
			err = svc_param(sv, buf, (size_t)klen - 1, vbuf);
		} else if ((eq = memchr(buf, '=', (size_t)klen))) {
			size_t kl = (size_t)(eq - buf);

			err = svc_param(sv, buf, kl, kl + 1 < (size_t)klen ? eq + 1 : NULL);
		} else {
			err = svc_param(sv, buf, (size_t)klen, NULL);
		}
		if (err)
			goto out;
	}
	err = svc_check(sv);
	for (i = 0; !err && i < sv->nr; i++) {
		xst_zput16(&r->o, sv->p[i].key);
		xst_zput16(&r->o, sv->p[i].len);
		xst_zput(&r->o, sv->val + sv->p[i].off, sv->p[i].len);
	}
out:
	free(vbuf);
	free(buf);
	free(sv);
	return err;
}

/* ---- APL (RFC 3123) ------------------------------------------------------------ */

static int apl_item(struct xst_zrd *r, const struct xst_ztok *t)
{
	char buf[128], *s = buf, *colon, *slash, *end;
	uint8_t a[16];
	int af, neg = 0, alen, maxp, len = tokstr(r, t, buf, sizeof(buf));
	long p;

	if (len < 0)
		return len;
	colon = strchr(buf, ':');
	slash = strchr(buf, '/');
	if (!colon)
		return xst_zerr(r->f, t, "APL record: address family separator is missing");
	if (!slash)
		return xst_zerr(r->f, t, "APL record: prefix separator is missing");
	*colon = *slash = 0;
	if (*s == '!') {
		neg = 1;
		s++;
	}
	if (!strcmp(s, "1"))
		af = AF_INET, alen = 4;
	else if (!strcmp(s, "2"))
		af = AF_INET6, alen = 16;
	else
		return xst_zerr(r->f, t, "APL record: invalid address family '%s'", s);
	maxp = alen * 8;
	if (slash < colon || inet_pton(af, colon + 1, a) != 1)
		return xst_zerr(r->f, t, "APL record: invalid address '%s'", XST_ZSHOW(t));
	while (alen > 0 && !a[alen - 1])	/* RFC 3123 4.1: no trailing zero octets */
		alen--;
	p = strtol(slash + 1, &end, 10);
	if (p < 0 || p > maxp)
		return xst_zerr(r->f, t, "APL record: prefix not in the range 0 .. %d", maxp);
	if (*end)
		return xst_zerr(r->f, t, "APL record: invalid prefix '%s'", slash + 1);
	xst_zput16(&r->o, af == AF_INET ? 1 : 2);
	xst_zput8(&r->o, (unsigned int)p);
	xst_zput8(&r->o, (unsigned int)alen | (neg ? 0x80u : 0));
	xst_zput(&r->o, a, (size_t)alen);
	return 0;
}

static int f_apl(struct xst_zrd *r)
{
	int err = 0;

	if (r->nr - r->i > APL_MAX_ITEMS)
		return xst_zerr(r->f, &r->tok[r->i + APL_MAX_ITEMS],
			    "APL record: more than %d items", APL_MAX_ITEMS);
	for (; !err && r->i < r->nr; r->i++)
		err = apl_item(r, &r->tok[r->i]);
	return err;
}

/* ---- WKS (RFC 1035 3.4.2): names resolved by the C library, as NSD does ---- */

static int f_wks(struct xst_zrd *r)
{
	char pbuf[64], sbuf[1024], *text = NULL, *word, *save = NULL;
	uint8_t map[8192];
	const struct xst_ztok *pt;
	struct protoent pe, *proto = NULL;
	int err, maxport = -8, plen;
	size_t cap = 2, k;

	err = xst_zf_addr(r, AF_INET);
	if (err)
		return err;
	pt = xst_zfield(r, "protocol");
	if (!pt || xst_zdots(r, pt, XST_ZDOTS_WORD))
		return -EINVAL;
	plen = tokstr(r, pt, pbuf, sizeof(pbuf));
	if (plen < 0)
		return plen;
	getprotobyname_r(pbuf, &pe, sbuf, sizeof(sbuf), &proto);
	if (!proto)	/* NSD: else the number atoi() reads (0 for a word) */
		getprotobynumber_r(atoi(pbuf), &pe, sbuf, sizeof(sbuf), &proto);
	if (!proto)
		return xst_zerr(r->f, pt, "WKS record: unknown protocol '%s'", pbuf);
	for (k = r->i; k < r->nr; k++)	/* a port a token: up to 64 Ki of them */
		cap += r->tok[k].len + 1u;
	text = malloc(cap);
	if (!text)
		return -ENOMEM;
	err = join_rest(r, "services", text, cap);
	if (err < 0)
		goto out;
	err = 0;
	memset(map, 0, sizeof(map));
	for (word = strtok_r(text, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
		char svbuf[1024], *end;
		struct servent se, *sv = NULL;
		long port;

		getservbyname_r(word, proto->p_name, &se, svbuf, sizeof(svbuf), &sv);
		if (sv) {
			port = ntohs((uint16_t)sv->s_port);
		} else {
			port = strtol(word, &end, 10);
			if (*end) {
				err = xst_zerr(r->f, pt,
					       "WKS record: unknown service '%.40s' for protocol '%s'",
					       word, pbuf);
				goto out;
			}
		}
		if (port < 0 || port > 65535) {
			err = xst_zerr(r->f, pt, "WKS record: bad port number %ld", port);
			goto out;
		}
		map[port / 8] |= (uint8_t)(0x80 >> (port % 8));
		if (port > maxport)
			maxport = (int)port;
	}
	xst_zput8(&r->o, (unsigned int)proto->p_proto);
	xst_zput(&r->o, map, (size_t)(maxport / 8 + 1));
out:
	free(text);
	return err;
}

/* ---- small ones ---------------------------------------------------------------- */

/* EUI48 / EUI64: n groups of one or two hex digits joined by '-'. */
static int f_eui(struct xst_zrd *r, size_t n)
{
	const struct xst_ztok *t = xst_zfield(r, "address");
	char buf[64];
	uint8_t out[8];
	size_t i = 0, k = 0, groups = 1;
	int len;

	if (!t)
		return -EINVAL;
	len = tokstr(r, t, buf, sizeof(buf));
	if (len < 0)
		return len;
	for (i = 0; buf[i]; i++) {
		if (buf[i] == '-')
			groups++;
		else if (!isxdigit((unsigned char)buf[i]))
			return xst_zerr(r->f, t, "EUI%zu record: invalid (non-hexadecimal) character %c",
				    n * 8, buf[i]);
	}
	if (groups != n)
		return xst_zerr(r->f, t, "EUI%zu record: wrong number of hex numbers", n * 8);
	for (i = 0; k < n; k++) {
		size_t d = 0;
		unsigned int v = 0;

		while (isxdigit((unsigned char)buf[i]) && d < 2) {
			v = v * 16 + (unsigned int)(isdigit((unsigned char)buf[i]) ? buf[i] - '0' :
						    (buf[i] | 0x20) - 'a' + 10);
			i++, d++;
		}
		if (!d || (k + 1 < n ? buf[i] != '-' : buf[i] != 0))
			return xst_zerr(r->f, t, "EUI%zu record: invalid address '%s'", n * 8, buf);
		out[k] = (uint8_t)v;
		i++;
	}
	xst_zput(&r->o, out, n);
	return 0;
}

/* NID / L64 locator: four groups of 1-4 hex digits joined by ':'. */
static int f_ilnp64(struct xst_zrd *r)
{
	const struct xst_ztok *t = xst_zfield(r, "locator");
	char buf[64];
	unsigned int g[4] = { 0 };
	size_t i, ng = 0, nd = 0;
	int len, k;

	if (!t)
		return -EINVAL;
	len = tokstr(r, t, buf, sizeof(buf));
	if (len < 0)
		return len;
	for (i = 0; i <= (size_t)len; i++) {
		char c = buf[i];

		if (c == ':' || !c) {
			if (!nd)
				return xst_zerr(r->f, t, "%s record: empty group of digits in '%s'",
					    r->tname, buf);
			if (++ng >= 4 && c)
				return xst_zerr(r->f, t, "%s record: more than 4 groups of digits in '%s'",
					    r->tname, buf);
			nd = 0;
			continue;
		}
		if (!isxdigit((unsigned char)c))
			return xst_zerr(r->f, t, "%s record: invalid (non-hexadecimal) character %c",
				    r->tname, c);
		if (++nd > 4)
			return xst_zerr(r->f, t, "%s record: more than 4 digits in a group of '%s'",
				    r->tname, buf);
		g[ng] = g[ng] * 16 + (unsigned int)(isdigit((unsigned char)c) ? c - '0' :
						   (c | 0x20) - 'a' + 10);
	}
	if (ng < 4)
		return xst_zerr(r->f, t, "%s record: less than 4 groups of digits in '%s'", r->tname,
			    buf);
	for (k = 0; k < 4; k++)
		xst_zput16(&r->o, g[k]);
	return 0;
}

/* NSAP (RFC 1706): "0x" then hex digits, dots anywhere for reading. */
static int f_nsap(struct xst_zrd *r)
{
	const struct xst_ztok *t = xst_zfield(r, "address");
	char buf[1024];
	struct xst_ztok h;
	size_t i, n = 0;
	int len;

	if (!t || xst_zdots(r, t, XST_ZDOTS_DOTSEQ))
		return -EINVAL;
	len = tokstr(r, t, buf, sizeof(buf));
	if (len < 0)
		return len;
	for (i = 0; i < (size_t)len; i++)	/* NSD's lexer drops the dots, not in quotes */
		if (buf[i] != '.' || t->quoted)
			buf[n++] = buf[i];
	if (n < 2 || buf[0] != '0' || (buf[1] | 0x20) != 'x')
		return xst_zerr(r->f, t, "NSAP record: data must start with '0x'");
	if (n == 3 && buf[2] == '0')	/* NSD: a lone "0" is empty hex */
		return 0;
	h = (struct xst_ztok){ .s = buf + 2, .len = (uint32_t)(n - 2), .line = t->line };
	return n > 2 ? xst_zhex(&h, 1, &r->o, r->f) : 0;
}

/* URI (RFC 7553): the target is the rest of the RDATA, no length byte. */
static int f_uri(struct xst_zrd *r)
{
	const struct xst_ztok *t;
	size_t i;
	int err = xst_zf_num(r, 0xffff, "priority");

	if (!err)
		err = xst_zf_num(r, 0xffff, "weight");
	if (err)
		return err;
	t = xst_zfield(r, "target");
	if (!t || xst_zdots(r, t, XST_ZDOTS_DOTTED))
		return -EINVAL;
	for (i = 0; i < t->len;) {
		int c = xst_zunescape(t->s, t->len, &i);

		if (c < 0)
			return xst_zerr(r->f, t, "URI record: bad escape in '%s'", XST_ZSHOW(t));
		xst_zput8(&r->o, (unsigned int)c);
	}
	return 0;
}

int xst_zrdata_misc(uint16_t type, struct xst_zrd *r)
{
	int err = 0;

	switch (type) {
	case T_LOC:
		return f_loc(r);
	case T_SVCB:
	case T_HTTPS:
		return f_svcb(r);
	case T_APL:
		return f_apl(r);
	case T_WKS:
		return f_wks(r);
	case T_EUI48:
		return f_eui(r, 6);
	case T_EUI64:
		return f_eui(r, 8);
	case T_NSAP:
		return f_nsap(r);
	case T_URI:
		return f_uri(r);
	case T_DNAME:
		return xst_zf_name(r, "target");
	case T_X25:
		return xst_zf_word(r, "PSDN address");
	case T_ISDN:
		err = xst_zf_word(r, "ISDN address");
		if (!err && r->i < r->nr)
			err = xst_zf_word(r, "subaddress");
		return err;
	case T_AVC:
		err = xst_zf_str(r, "text");
		while (!err && r->i < r->nr)
			err = xst_zf_str(r, "text");
		return err;
	case T_PX:
		err = xst_zf_num(r, 0xffff, "preference");
		if (!err)
			err = xst_zf_name(r, "MAP822");
		if (!err)
			err = xst_zf_name(r, "MAPX400");
		return err;
	case T_NID:
	case T_L64:
		err = xst_zf_num(r, 0xffff, "preference");
		return err ? err : f_ilnp64(r);
	case T_L32:
		err = xst_zf_num(r, 0xffff, "preference");
		return err ? err : xst_zf_addr(r, AF_INET);
	case T_LP:
		err = xst_zf_num(r, 0xffff, "preference");
		return err ? err : xst_zf_name(r, "FQDN");
	default:
		return xst_zerr(r->f, NULL, "%s record: no text decoder", r->tname);
	}
}

/* ---- RFC 3597 data of these types (NSD's rdata_wireformat_to_rdata_atoms) ---- */

/* A <character-string> at rd[*at]: advances, 0 or -EINVAL. */
static int w_str(const uint8_t *rd, size_t len, size_t *at)
{
	if (*at >= len || *at + 1 + rd[*at] > len)
		return -EINVAL;
	*at += 1u + rd[*at];
	return 0;
}

static int w_name(const uint8_t *rd, size_t len, size_t *at)
{
	size_t n = *at < len ? xst_name_len(rd + *at, len - *at) : 0;

	if (!n)
		return -EINVAL;
	*at += n;
	return 0;
}

int xst_zwire_misc(uint16_t type, const uint8_t *rd, size_t len)
{
	size_t at = 0;

	switch (type) {
	case T_LOC:		/* NSD stores LOC, NSAP and AVC as opaque bytes */
	case T_NSAP:
	case T_AVC:
		return 0;
	case T_WKS:
		return len >= 4 ? 0 : -EINVAL;	/* address, then any bytes (NSD) */
	case T_X25:
		return !w_str(rd, len, &at) && at == len ? 0 : -EINVAL;
	case T_ISDN:
		if (w_str(rd, len, &at))
			return -EINVAL;
		if (at < len && w_str(rd, len, &at))
			return -EINVAL;
		return at == len ? 0 : -EINVAL;
	case T_DNAME:
		return !w_name(rd, len, &at) && at == len ? 0 : -EINVAL;
	case T_PX:
		at = 2;
		if (len < 2 || w_name(rd, len, &at) || w_name(rd, len, &at))
			return -EINVAL;
		return at == len ? 0 : -EINVAL;
	case T_LP:
		at = 2;
		return len >= 2 && !w_name(rd, len, &at) && at == len ? 0 : -EINVAL;
	case T_NID:
	case T_L64:
		return len == 10 ? 0 : -EINVAL;
	case T_L32:
		return len == 6 ? 0 : -EINVAL;
	case T_EUI48:
		return len == 6 ? 0 : -EINVAL;
	case T_EUI64:
		return len == 8 ? 0 : -EINVAL;
	case T_URI:
		return len >= 4 ? 0 : -EINVAL;
	case T_APL: {
		size_t items = 0;

		while (at < len) {
			if (at + 4 > len || at + 4 + (rd[at + 3] & 0x7f) > len ||
			    ++items > APL_MAX_ITEMS)
				return -EINVAL;
			at += 4u + (rd[at + 3] & 0x7f);
		}
		return 0;
	}
	case T_SVCB:
	case T_HTTPS: {
		size_t params = 0;

		at = 2;
		if (len < 2 || w_name(rd, len, &at))
			return -EINVAL;
		while (at < len) {	/* NSD takes them unsorted here */
			if (at + 4 > len || at + 4 + (size_t)(rd[at + 2] << 8 | rd[at + 3]) > len ||
			    ++params > SVCB_MAX_PARAMS)
				return -EINVAL;
			at += 4u + (size_t)(rd[at + 2] << 8 | rd[at + 3]);
		}
		return 0;
	}
	default:
		return 0;
	}
}
