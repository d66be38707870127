// SPDX-License-Identifier: GPL-2.0
/*
 * The HTTP/1.x request parser: one forward pass over the request line and
 * the field lines, each byte looked at once, every decision taken on bytes
 * already seen (so a prefix of a request gives 0 or the final answer). The
 * scan stops at the header limit: running out of bytes there is 431 (414 in
 * the request line), elsewhere "need more".
 */
#include "http/request.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#define NEED 1		/* internal: out of bytes, not an error */

/* RFC 9110 5.6.2 tchar: any VCHAR except delimiters. */
static const uint8_t tchar[256] = {
	['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1,
	['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1,
	['~'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* Fields seen twice where once is the rule: the view is dropped (see request.h). */
enum {
	SEEN_INM = 1 << 0,
	SEEN_IMS = 1 << 1,
	SEEN_RANGE = 1 << 2,
	SEEN_IF_RANGE = 1 << 3,
};

struct scan {
	const uint8_t *b;
	size_t end;		/* min(len, max_header): bytes the scan may look at */
	size_t p;
	unsigned int seen;	/* SEEN_* */
	int conn_close, conn_keep;
};

static int is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* Field-value octets (RFC 9110 5.5): HTAB, SP, VCHAR, obs-text. */
static int is_vchar_ws(uint8_t c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/*
 * At a CR or LF: step over the line end. 0, NEED, or -400 for a CR that is
 * not followed by LF (RFC 9112 2.2: a bare CR is invalid).
 */
static int eol(struct scan *s)
{
	if (s->b[s->p] == '\n') {
		s->p++;
		return 0;
	}
	if (s->p + 1 >= s->end)
		return NEED;
	if (s->b[s->p + 1] != '\n')
		return -400;
	s->p += 2;
	return 0;
}

static int name_is(const uint8_t *n, size_t len, const char *want)
{
	return len == strlen(want) && !strncasecmp((const char *)n, want, len);
}

static struct xst_http_str view(const uint8_t *p, size_t len)
{
	return (struct xst_http_str){ (const char *)p, len };
}

/* Trims OWS from both ends of v[*i..*j). */
static void trim(const uint8_t *v, size_t *i, size_t *j)
{
	while (*i < *j && is_ows(v[*i]))
		(*i)++;
	while (*j > *i && is_ows(v[*j - 1]))
		(*j)--;
}

/* Connection: a comma list of case-insensitive tokens (RFC 9110 7.6.1). */
static void connection(struct scan *s, const uint8_t *v, size_t len)
{
	size_t i = 0, j, a, z;

	while (i < len) {
		for (j = i; j < len && v[j] != ','; j++)
			;
		a = i;
		z = j;
		trim(v, &a, &z);
		if (name_is(v + a, z - a, "close"))
			s->conn_close = 1;
		else if (name_is(v + a, z - a, "keep-alive"))
			s->conn_keep = 1;
		i = j + 1;
	}
}

/*
 * Content-Length = 1*DIGIT; a list of identical values is one value (RFC
 * 9110 8.6), anything else, and a value that overflows, is 400.
 */
static int content_length(struct xst_http_req *r, const uint8_t *v, size_t len)
{
	size_t i = 0, j, a, z;
	uint64_t n;

	if (!len)
		return -400;
	while (i <= len) {
		for (j = i; j < len && v[j] != ','; j++)
			;
		a = i;
		z = j;
		trim(v, &a, &z);
		if (a == z)
			return -400;
		for (n = 0; a < z; a++) {
			if (!is_digit(v[a]) || n > (UINT64_MAX - (uint64_t)(v[a] - '0')) / 10)
				return -400;
			n = n * 10 + (v[a] - '0');
		}
		if (r->has_content_length && r->content_length != n)
			return -400;
		r->has_content_length = 1;
		r->content_length = n;
		i = j + 1;
	}
	return 0;
}

/* A field that is used only when it comes once. */
static void single(struct scan *s, unsigned int bit, struct xst_http_str *f, const uint8_t *v,
		   size_t len)
{
	if (s->seen & bit) {
		*f = (struct xst_http_str){ NULL, 0 };
		return;
	}
	s->seen |= bit;
	*f = view(v, len);
}

static int field(struct scan *s, struct xst_http_req *r, const uint8_t *n, size_t nlen,
		 const uint8_t *v, size_t vlen)
{
	switch (nlen) {
	case 4:
		if (name_is(n, nlen, "host")) {
			if (r->host)
				return -400;	/* RFC 9112 3.2 */
			r->host = 1;
			r->host_val = view(v, vlen);
		}
		break;
	case 5:
		if (name_is(n, nlen, "range"))
			single(s, SEEN_RANGE, &r->range, v, vlen);
		break;
	case 8:
		if (name_is(n, nlen, "if-range"))
			single(s, SEEN_IF_RANGE, &r->if_range, v, vlen);
		break;
	case 10:
		if (name_is(n, nlen, "connection"))
			connection(s, v, vlen);
		break;
	case 13:
		if (name_is(n, nlen, "if-none-match"))
			single(s, SEEN_INM, &r->if_none_match, v, vlen);
		break;
	case 14:
		if (name_is(n, nlen, "content-length"))
			return content_length(r, v, vlen);
		break;
	case 17:
		if (name_is(n, nlen, "if-modified-since"))
			single(s, SEEN_IMS, &r->if_modified_since, v, vlen);
		else if (name_is(n, nlen, "transfer-encoding"))
			r->has_transfer_encoding = 1;
		break;
	}
	return 0;
}

/* Steps over the spaces at s->p (one at least there by the caller's check); NEED at the end. */
static int spaces(struct scan *s)
{
	while (s->p < s->end && s->b[s->p] == ' ')
		s->p++;
	return s->p >= s->end ? NEED : 0;
}

/*
 * method SP request-target SP HTTP-version CRLF (RFC 9112 3), with runs of
 * SP taken as one and SP before the line end ignored (RFC 9112 3 allows
 * it; nginx does it). An empty target is the SP run, then no version: 400.
 */
static int request_line(struct scan *s, const struct xst_http_limits *lim, struct xst_http_req *r)
{
	const uint8_t *b = s->b;
	size_t start = s->p, i, v;
	int err;

	if (b[s->p] == 0x16)
		return -400;		/* a TLS handshake record: ClientHello */
	for (; s->p < s->end && tchar[b[s->p]]; s->p++)
		;
	if (s->p >= s->end)
		return NEED;
	if (s->p == start || b[s->p] != ' ')
		return -400;
	r->method_tok = view(b + start, s->p - start);
	/* Methods are case-sensitive (RFC 9110 9.1). */
	if (s->p - start == 3 && !memcmp(b + start, "GET", 3))
		r->method = XST_HTTP_GET;
	else if (s->p - start == 4 && !memcmp(b + start, "HEAD", 4))
		r->method = XST_HTTP_HEAD;
	else
		r->method = XST_HTTP_OTHER;

	if (spaces(s))
		return NEED;
	start = s->p;
	for (; s->p < s->end && b[s->p] != ' '; s->p++) {
		if (b[s->p] < 0x20 || b[s->p] == 0x7f)
			return -400;	/* CTL; CR or LF: no version (HTTP/0.9) */
		if (s->p - start >= lim->max_uri)
			return -414;
	}
	if (s->p >= s->end)
		return NEED;
	r->target = view(b + start, s->p - start);

	if (spaces(s))
		return NEED;
	v = s->p;
	for (i = 0; i < 8; i++, s->p++) {
		if (s->p >= s->end)
			return NEED;
		if (i < 5 ? b[s->p] != (uint8_t)"HTTP/"[i] : i == 6 ? b[s->p] != '.' : !is_digit(b[s->p]))
			return -400;
	}
	if (spaces(s))
		return NEED;
	if (b[s->p] != '\r' && b[s->p] != '\n')
		return -400;
	err = eol(s);
	if (err)
		return err;
	if (b[v + 5] == '0')
		return -400;		/* HTTP/0.x: nginx */
	if (b[v + 5] != '1')
		return -505;
	r->version = b[v + 7] == '0' ? 10 : 11;
	return 0;
}

/* field-line = field-name ":" OWS field-value OWS, then CRLF (RFC 9112 5). */
static int field_line(struct scan *s, const struct xst_http_limits *lim, struct xst_http_req *r)
{
	const uint8_t *b = s->b;
	size_t n0 = s->p, n1, v0, v1;
	int err;

	if (is_ows(b[s->p]))
		return -400;		/* obs-fold, or space before the first field */
	if (++r->nfields > lim->max_fields)
		return -431;
	for (; s->p < s->end && tchar[b[s->p]]; s->p++)
		;
	if (s->p >= s->end)
		return NEED;
	if (s->p == n0 || b[s->p] != ':')
		return -400;		/* no ':', or whitespace before it */
	n1 = s->p++;
	v0 = s->p;
	for (; s->p < s->end && b[s->p] != '\r' && b[s->p] != '\n'; s->p++)
		if (!is_vchar_ws(b[s->p]))
			return -400;	/* NUL, CTL, DEL */
	if (s->p >= s->end)
		return NEED;
	v1 = s->p;
	err = eol(s);
	if (err)
		return err;
	trim(b, &v0, &v1);
	return field(s, r, b + n0, n1 - n0, b + v0, v1 - v0);
}

static int fail(struct xst_http_req *r, int err)
{
	r->keep_alive = 0;
	r->close = 1;
	return err;
}

int xst_http_req_parse(const uint8_t *buf, size_t len, const struct xst_http_limits *lim,
		       struct xst_http_req *r)
{
	struct scan s = { .b = buf, .end = len < lim->max_header ? len : lim->max_header };
	int in_line = 1, err;

	memset(r, 0, sizeof(*r));
	/* Empty lines before the request line are skipped (RFC 9112 2.2). */
	for (;;) {
		if (s.p >= s.end)
			goto need;
		if (buf[s.p] != '\r' && buf[s.p] != '\n')
			break;
		err = eol(&s);
		if (err == NEED)
			goto need;
		if (err)
			return fail(r, err);
	}
	err = request_line(&s, lim, r);
	if (err == NEED)
		goto need;
	if (err)
		return fail(r, err);
	in_line = 0;
	for (;;) {
		if (s.p >= s.end)
			goto need;
		if (buf[s.p] == '\r' || buf[s.p] == '\n') {
			err = eol(&s);
			if (err == NEED)
				goto need;
			if (err)
				return fail(r, err);
			break;
		}
		err = field_line(&s, lim, r);
		if (err == NEED)
			goto need;
		if (err)
			return fail(r, err);
	}
	r->header_len = s.p;

	if (r->version == 11 && !r->host)
		return fail(r, -400);	/* RFC 9112 3.2 */
	if (r->has_transfer_encoding)
		return fail(r, -501);
	if (r->content_length > lim->max_body || r->content_length > (uint64_t)INT_MAX - s.p)
		return fail(r, -413);
	if (r->version == 11)
		r->keep_alive = !s.conn_close;
	else
		r->keep_alive = s.conn_keep && !s.conn_close;
	r->close = !r->keep_alive;
	if (len - s.p < r->content_length)
		return 0;		/* the body is still coming */
	return (int)(s.p + r->content_length);

need:
	/* Out of bytes: at the header limit the section is too large. */
	if (len >= lim->max_header)
		return fail(r, in_line ? -414 : -431);
	return 0;
}

static size_t skip_ows(const char *v, size_t i, size_t len)
{
	while (i < len && is_ows((uint8_t)v[i]))
		i++;
	return i;
}

/* 1*DIGIT at v[*i..len), saturating (a huge first-pos is unsatisfiable anyway). */
static int digits(const char *v, size_t *i, size_t len, uint64_t *out)
{
	size_t start = *i;
	uint64_t n = 0;

	for (; *i < len && is_digit((uint8_t)v[*i]); (*i)++)
		n = n > (UINT64_MAX - 9) / 10 ? UINT64_MAX : n * 10 + (uint64_t)(v[*i] - '0');
	*out = n;
	return *i > start;
}

int xst_http_range(const char *v, size_t len, uint64_t size, uint64_t *first, uint64_t *last)
{
	uint64_t a = 0, b = UINT64_MAX, sfx = 0;
	int n = 0, suffix = 0;
	size_t i;

	/* range-unit is case-insensitive (RFC 9110 14.1); no OWS around '='. */
	if (len < 6 || strncasecmp(v, "bytes=", 6))
		return 1;
	for (i = 6;;) {
		/* 1#range-spec: empty elements and OWS around commas are allowed. */
		while (i < len && (v[i] == ',' || is_ows((uint8_t)v[i])))
			i++;
		if (i == len)
			break;
		if (n++)
			return 1;	/* several ranges: served 200 whole */
		if (v[i] == '-') {
			i++;
			suffix = 1;
			if (!digits(v, &i, len, &sfx))
				return 1;
		} else {
			if (!digits(v, &i, len, &a) || i == len || v[i] != '-')
				return 1;
			i++;
			if (!digits(v, &i, len, &b))
				b = UINT64_MAX;
		}
		i = skip_ows(v, i, len);
		if (i < len && v[i] != ',')
			return 1;
	}
	if (!n || !size)
		return 1;	/* an empty object is sent whole, as nginx does */
	if (suffix) {
		if (!sfx)
			return -416;
		*first = sfx >= size ? 0 : size - sfx;
		*last = size - 1;
		return 0;
	}
	if (b < a || a >= size)		/* b < a is invalid (RFC 9110 14.1.1): nginx 416s it */
		return -416;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return 0;
}

static void strip_weak(const char **t, size_t *len)
{
	if (*len >= 2 && (*t)[0] == 'W' && (*t)[1] == '/') {
		*t += 2;
		*len -= 2;
	}
}

int xst_http_etag_match(const char *inm, size_t inm_len, const char *etag, size_t elen)
{
	size_t i = skip_ows(inm, 0, inm_len), j, end = inm_len;

	strip_weak(&etag, &elen);
	while (end > i && is_ows((uint8_t)inm[end - 1]))
		end--;
	if (end - i == 1 && inm[i] == '*')
		return 1;
	for (;;) {
		while (i < end && (inm[i] == ',' || is_ows((uint8_t)inm[i])))
			i++;
		if (i == end)
			return 0;
		if (end - i >= 2 && inm[i] == 'W' && inm[i + 1] == '/')
			i += 2;
		if (i == end || inm[i] != '"')
			return 0;
		for (j = i + 1; j < end && inm[j] != '"'; j++)
			;
		if (j == end)
			return 0;
		if (j + 1 - i == elen && !memcmp(inm + i, etag, elen))
			return 1;
		i = skip_ows(inm, j + 1, end);
		if (i < end && inm[i] != ',')
			return 0;
	}
}
