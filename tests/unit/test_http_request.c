// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP request parsing and response headers (user/http/request.h,
 * response.h): every request form in the table is parsed from a guard_copy()
 * (a read past the end faults), then again from every prefix, which must
 * give 0 or the whole buffer's answer; pipelined requests are fed byte by
 * byte; the Range and If-None-Match helpers; response headers for every
 * status (lengths, layout offsets, both Connection variants).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"
#include "http/response.h"
#include "../lib/guard.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define R(s) (s), sizeof(s) - 1

static const struct xst_http_limits deflim = XST_HTTP_LIMITS_DEFAULT;
/* Small limits, so the limit cases stay short. */
static const struct xst_http_limits small = {
	.max_uri = 16, .max_header = 96, .max_fields = 3, .max_body = 10
};

enum { ANY = -1 };	/* a field not checked */

struct req_case {
	const char *name;
	const char *raw;
	size_t len;
	int want;			/* return value; 0 = the whole buffer (len) */
	const struct xst_http_limits *lim;	/* NULL: defaults */
	int method, version, keep_alive;	/* ANY: not checked */
	const char *target;		/* NULL: not checked */
	const char *inm, *ims, *range, *if_range;	/* NULL: absent, "" not checked */
	long long clen;			/* ANY: not checked */
};

#define OK(n, s, m, v, ka, t) { .name = n, .raw = s, .len = sizeof(s) - 1, .want = 0, \
				 .method = m, .version = v, .keep_alive = ka, .target = t, \
				 .clen = ANY }
#define ERR(n, s, e) { .name = n, .raw = s, .len = sizeof(s) - 1, .want = e, .method = ANY, \
		       .version = ANY, .keep_alive = ANY, .clen = ANY }
#define ERRL(n, s, e, l) { .name = n, .raw = s, .len = sizeof(s) - 1, .want = e, .lim = l, \
			   .method = ANY, .version = ANY, .keep_alive = ANY, .clen = ANY }
#define INCOMPLETE(n, s) ERR(n, s, 1000)	/* 1000: must return 0 */

#define GET_ "GET / HTTP/1.1\r\nHost: a\r\n"
#define SP10 "          "
#define SP100 SP10 SP10 SP10 SP10 SP10 SP10 SP10 SP10 SP10 SP10
#define A10 "aaaaaaaaaa"
#define A100 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10

static const struct req_case req_cases[] = {
	/* valid forms */
	OK("GET 1.1", "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n", XST_HTTP_GET, 11, 1,
	   "/index.html"),
	OK("HEAD 1.1", "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_HEAD, 11, 1, "/x"),
	OK("GET 1.0 closes", "GET / HTTP/1.0\r\n\r\n", XST_HTTP_GET, 10, 0, "/"),
	OK("1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", XST_HTTP_GET, 10, 1,
	   "/"),
	OK("1.1 close", GET_ "Connection: close\r\n\r\n", XST_HTTP_GET, 11, 0, "/"),
	OK("1.1 close in a list", GET_ "Connection: TE, CLOSE \r\n\r\n", XST_HTTP_GET, 11, 0, "/"),
	OK("1.1 close in a second field", GET_ "Connection: upgrade\r\nConnection: close\r\n\r\n",
	   XST_HTTP_GET, 11, 0, "/"),
	OK("close beats keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive,close\r\n\r\n",
	   XST_HTTP_GET, 10, 0, "/"),
	OK("closed is no close", GET_ "Connection: closed\r\n\r\n", XST_HTTP_GET, 11, 1, "/"),
	OK("1.1 keep-alive said", GET_ "Connection: keep-alive\r\n\r\n", XST_HTTP_GET, 11, 1, "/"),
	OK("HTTP/1.9 is 1.1", "GET / HTTP/1.9\r\nHost: a\r\n\r\n", XST_HTTP_GET, 11, 1, "/"),
	OK("1.0 without Host", "GET /a HTTP/1.0\r\nUser-Agent: x\r\n\r\n", XST_HTTP_GET, 10, 0,
	   "/a"),
	OK("POST is other", "POST /f HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_OTHER, 11, 1, "/f"),
	OK("lower-case get is other", "get / HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_OTHER, 11, 1,
	   "/"),
	OK("token method", "M-SEARCH * HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_OTHER, 11, 1, "*"),
	OK("OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_OTHER, 11, 1, "*"),
	OK("absolute-form", "GET http://a/b?c HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_GET, 11, 1,
	   "http://a/b?c"),
	OK("raw UTF-8 target", "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_GET, 11, 1,
	   "/\xc3\xa9"),
	OK("bare LF lines", "GET / HTTP/1.1\nHost: a\n\n", XST_HTTP_GET, 11, 1, "/"),
	OK("mixed line ends", "GET / HTTP/1.1\r\nHost: a\n\r\n", XST_HTTP_GET, 11, 1, "/"),
	OK("leading empty lines", "\r\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_GET, 11,
	   1, "/"),
	OK("two spaces", "GET  /  HTTP/1.1\r\nHost: a\r\n\r\n", XST_HTTP_GET, 11, 1, "/"),
	OK("space before line end", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", XST_HTTP_GET, 11, 1,
	   "/"),
	OK("empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", XST_HTTP_GET, 11, 1, "/"),
	OK("header names any case", "GET / HTTP/1.1\r\nhOsT: a\r\ncOnNeCtIoN: CLOSE\r\n\r\n",
	   XST_HTTP_GET, 11, 0, "/"),
	OK("value with obs-text and tabs", GET_ "X-A: \t\xff v\t a \t\r\n\r\n", XST_HTTP_GET, 11, 1,
	   "/"),
	OK("empty value", GET_ "X-A:\r\n\r\n", XST_HTTP_GET, 11, 1, "/"),
	{ .name = "conditional fields, OWS trimmed", .raw = GET_ "If-None-Match:  \"abc\" , W/\"d\"\t\r\n"
	  "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\nrange: bytes=0-1 \r\n"
	  "If-Range: \"abc\"\r\n\r\n", .len = 0, .method = XST_HTTP_GET, .version = 11,
	  .keep_alive = 1, .target = "/", .inm = "\"abc\" , W/\"d\"",
	  .ims = "Sun, 06 Nov 1994 08:49:37 GMT", .range = "bytes=0-1", .if_range = "\"abc\"",
	  .clen = ANY },
	{ .name = "repeated Range is ignored", .raw = GET_ "Range: bytes=0-1\r\nRange: bytes=2-3\r\n"
	  "Range: bytes=4-5\r\nIf-None-Match: \"x\"\r\n\r\n", .lim = NULL, .method = ANY,
	  .version = ANY, .keep_alive = ANY, .inm = "\"x\"", .range = NULL, .clen = ANY },
	{ .name = "Content-Length body counted", .raw = "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Content-Length: 5\r\n\r\nhello", .method = XST_HTTP_OTHER, .version = 11,
	  .keep_alive = 1, .clen = 5 },
	{ .name = "Content-Length 0", .raw = GET_ "Content-Length: 0\r\n\r\n", .method = XST_HTTP_GET,
	  .version = ANY, .keep_alive = ANY, .clen = 0 },
	{ .name = "Content-Length repeated, same", .raw = "PUT / HTTP/1.1\r\nHost: a\r\n"
	  "Content-Length: 2\r\nContent-Length: 2, 2\r\n\r\nab", .method = XST_HTTP_OTHER,
	  .version = ANY, .keep_alive = ANY, .clen = 2 },
	{ .name = "Content-Length with leading zeros", .raw = "PUT / HTTP/1.1\r\nHost: a\r\n"
	  "Content-Length: 003\r\n\r\nabc", .method = ANY, .version = ANY, .keep_alive = ANY,
	  .clen = 3 },

	/* pipelining: only the first request is counted */
	{ .name = "first of two", .raw = GET_ "\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
	  .len = sizeof(GET_ "\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n") - 1,
	  .want = sizeof(GET_ "\r\n") - 1, .method = XST_HTTP_GET, .version = 11, .keep_alive = 1,
	  .target = "/", .clen = ANY },

	/* incomplete */
	INCOMPLETE("empty buffer", ""),
	INCOMPLETE("only empty lines", "\r\n\r\n"),
	INCOMPLETE("CR at the end", "\r"),
	INCOMPLETE("method", "GE"),
	INCOMPLETE("target", "GET /ab"),
	INCOMPLETE("version", "GET / HTT"),
	INCOMPLETE("request line CR", "GET / HTTP/1.1\r"),
	INCOMPLETE("no empty line", GET_),
	INCOMPLETE("empty line CR", GET_ "\r"),
	INCOMPLETE("body missing", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabc"),

	/* request line */
	ERR("TLS ClientHello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", -400),
	ERR("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", -505),
	ERR("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", -505),
	ERR("HTTP/3.1", "GET / HTTP/3.1\r\nHost: a\r\n\r\n", -505),
	ERR("HTTP/0.9 version", "GET / HTTP/0.9\r\n\r\n", -400),
	ERR("HTTP/0.9 simple request", "GET /\r\n\r\n", -400),
	ERR("lower-case http", "GET / http/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("two-digit minor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", -400),
	ERR("no minor", "GET / HTTP/1\r\nHost: a\r\n\r\n", -400),
	ERR("junk after version", "GET / HTTP/1.1x\r\nHost: a\r\n\r\n", -400),
	ERR("HTTP/x.y", "GET / HTTP/x.y\r\nHost: a\r\n\r\n", -400),
	ERR("no target, no version", "GET\r\n\r\n", -400),
	ERR("no version", "GET / \r\nHost: a\r\n\r\n", -400),
	ERR("empty target", "GET  HTTP/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("leading space", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("method not a token", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("NUL in method", "GE\0 / HTTP/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("NUL in target", "GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("tab in target", "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("DEL in target", "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", -400),
	ERR("bare CR in request line", "GET / HTTP/1.1\rHost: a\r\n\r\n", -400),
	ERR("bare CR as empty line", "\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", -400),

	/* fields */
	ERR("1.1 without Host", "GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n", -400),
	ERR("two Host fields", GET_ "Host: b\r\n\r\n", -400),
	ERR("two Host fields, same", GET_ "HOST: a\r\n\r\n", -400),
	ERR("obs-fold", GET_ "X-A: a\r\n  b\r\n\r\n", -400),
	ERR("obs-fold with tab", GET_ "X-A: a\r\n\tb\r\n\r\n", -400),
	ERR("space before the first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", -400),
	ERR("no colon", GET_ "X-A a\r\n\r\n", -400),
	ERR("space before colon", GET_ "X-A : a\r\n\r\n", -400),
	ERR("tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", -400),
	ERR("empty name", GET_ ": a\r\n\r\n", -400),
	ERR("bad name char", GET_ "X(A): a\r\n\r\n", -400),
	ERR("NUL in value", GET_ "X-A: a\0b\r\n\r\n", -400),
	ERR("CTL in value", GET_ "X-A: a\x01" "b\r\n\r\n", -400),
	ERR("DEL in value", GET_ "X-A: a\x7f\r\n\r\n", -400),
	ERR("bare CR in value", GET_ "X-A: a\rb\r\n\r\n", -400),
	ERR("bare CR in the empty line", GET_ "\rX\r\n\r\n", -400),
	ERR("Content-Length not a number", GET_ "Content-Length: 1x\r\n\r\n", -400),
	ERR("Content-Length negative", GET_ "Content-Length: -1\r\n\r\n", -400),
	ERR("Content-Length signed", GET_ "Content-Length: +1\r\n\r\n", -400),
	ERR("Content-Length empty", GET_ "Content-Length:\r\n\r\n", -400),
	ERR("Content-Length hex", GET_ "Content-Length: 0x10\r\n\r\n", -400),
	ERR("Content-Length inner space", GET_ "Content-Length: 1 2\r\n\r\n", -400),
	ERR("Content-Length overflow", GET_ "Content-Length: 99999999999999999999999\r\n\r\n",
	    -400),
	ERR("Content-Length different values", GET_ "Content-Length: 1\r\nContent-Length: 2\r\n\r\n",
	    -400),
	ERR("Content-Length list, different", GET_ "Content-Length: 1, 2\r\n\r\n", -400),
	ERR("Content-Length list, empty element", GET_ "Content-Length: 1,\r\n\r\n", -400),
	ERR("Transfer-Encoding", GET_ "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", -501),
	ERR("Transfer-Encoding with Content-Length",
	    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\ntransfer-encoding: gzip\r\n\r\n",
	    -501),
	ERR("Transfer-Encoding without Host", "GET / HTTP/1.1\r\nTransfer-Encoding: x\r\n\r\n", -400),
	ERR("malformed field after Transfer-Encoding", GET_ "Transfer-Encoding: x\r\nX\r\n\r\n",
	    -400),
	ERR("body over the default limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 8193\r\n\r\n",
	    -413),
	ERR("body huge", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551615\r\n\r\n",
	    -413),
	ERR("Content-Length 2^64", GET_ "Content-Length: 18446744073709551616\r\n\r\n", -400),

	/* limits */
	ERRL("URI at the limit", "GET /123456789012345 HTTP/1.1\r\nHost: a\r\n\r\n", 0, &small),
	ERRL("URI one over", "GET /1234567890123456 HTTP/1.1\r\nHost: a\r\n\r\n", -414, &small),
	ERRL("URI over, line incomplete", "GET /1234567890123456", -414, &small),
	ERRL("request line over the header limit", "GET /1 HTTP/1.1" A100, -400, &small),
	ERRL("request line runs out of room", "GET /123 " SP100, -414, &small),
	ERRL("three fields", "GET / HTTP/1.1\r\nHost: a\r\nB: b\r\nC: c\r\n\r\n", 0, &small),
	ERRL("four fields", "GET / HTTP/1.1\r\nHost: a\r\nB: b\r\nC: c\r\nD: d\r\n\r\n", -431,
	     &small),
	ERRL("header section over", "GET / HTTP/1.1\r\nHost: a\r\nX: " A100 "\r\n\r\n", -431,
	     &small),
	ERRL("header section over, incomplete", "GET / HTTP/1.1\r\nHost: a\r\nX: " A100, -431,
	     &small),
	ERRL("empty lines fill the limit", "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
	     "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n", -414, &small),
	ERRL("body at the limit", "PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789",
	     0, &small),
	ERRL("body over the limit", "PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", -413,
	     &small),
};

static void check_str(const char *what, const struct xst_http_str *v, const char *want)
{
	if (!want) {
		ck_assert_msg(v->ptr == NULL && v->len == 0, "%s present", what);
		return;
	}
	if (!*want)
		return;
	ck_assert_msg(v->ptr != NULL, "%s absent", what);
	ck_assert_msg(v->len == strlen(want) && !memcmp(v->ptr, want, v->len), "%s is '%.*s'", what,
		      (int)v->len, v->ptr);
}

START_TEST(test_req_table)
{
	const struct req_case *c = &req_cases[_i];
	const struct xst_http_limits *lim = c->lim ? c->lim : &deflim;
	size_t len = c->len ? c->len : strlen(c->raw);
	struct xst_http_req r, rp;
	int want = c->want == 1000 ? 0 : c->want ? c->want : (int)len;
	uint8_t *b = guard_copy(c->raw, len);
	size_t k;
	int got, pg;

	ck_assert_ptr_nonnull(b);
	got = xst_http_req_parse(b, len, lim, &r);
	ck_assert_msg(got == want, "%s: got %d, want %d", c->name, got, want);
	if (got < 0) {
		ck_assert_msg(r.close && !r.keep_alive, "%s: an error closes", c->name);
	} else if (got > 0) {
		if (c->method != ANY)
			ck_assert_int_eq(r.method, c->method);
		if (c->version != ANY)
			ck_assert_int_eq(r.version, c->version);
		if (c->keep_alive != ANY)
			ck_assert_msg(r.keep_alive == c->keep_alive, "%s: keep_alive %d", c->name,
				      r.keep_alive);
		ck_assert_int_eq(r.close, !r.keep_alive);
		if (c->target)
			check_str("target", &r.target, c->target);
		if (c->clen != ANY)
			ck_assert_msg(r.has_content_length && r.content_length == (uint64_t)c->clen,
				      "%s: content_length %llu", c->name,
				      (unsigned long long)r.content_length);
		/* the views point into the buffer */
		ck_assert(r.method_tok.ptr >= (const char *)b &&
			  r.method_tok.ptr + r.method_tok.len <= (const char *)b + len);
		ck_assert(r.header_len + r.content_length == (size_t)got);
		if (c->inm || c->ims || c->range || c->if_range) {
			check_str("If-None-Match", &r.if_none_match, c->inm);
			check_str("If-Modified-Since", &r.if_modified_since, c->ims);
			check_str("Range", &r.range, c->range);
			check_str("If-Range", &r.if_range, c->if_range);
		}
	}
	guard_free(b, len);

	/* Every prefix: 0, or the same answer (and an error as early as it is seen). */
	for (k = 0; k < len; k++) {
		b = guard_copy(c->raw, k);
		ck_assert_ptr_nonnull(b);
		pg = xst_http_req_parse(b, k, lim, &rp);
		guard_free(b, k);
		ck_assert_msg(pg == 0 || pg == got, "%s: prefix %zu gives %d, whole %d", c->name, k,
			      pg, got);
		if (got > 0 && k < (size_t)got)
			ck_assert_msg(pg == 0, "%s: prefix %zu complete", c->name, k);
	}
}
END_TEST

START_TEST(test_req_many_fields_default)
{
	char buf[8192];
	struct xst_http_req r;
	size_t n = 0;
	int i, got;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 1; i < 100; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%d: v\r\n", i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
	got = xst_http_req_parse((const uint8_t *)buf, n, &deflim, &r);
	ck_assert_int_eq(got, (int)n);
	ck_assert_int_eq(r.nfields, 100);
	/* one more field: 431 */
	n -= 2;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-100: v\r\n\r\n");
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, n, &deflim, &r), -431);
}
END_TEST

START_TEST(test_req_long_uri_default)
{
	static char buf[20000];
	struct xst_http_req r;
	size_t n;

	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', 9000);
	n = 5 + 9000;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, " HTTP/1.1\r\nHost: a\r\n\r\n");
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, n, &deflim, &r), -414);
	ck_assert_int_eq(r.close, 1);
	/* 8000 bytes of target: fine for the URI limit, inside the header limit */
	n = (size_t)snprintf(buf, sizeof(buf), "GET /");
	memset(buf + n, 'b', 7999);
	n += 7999;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, " HTTP/1.1\r\nHost: a\r\n\r\n");
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, n, &deflim, &r), (int)n);
	ck_assert_uint_eq(r.target.len, 8000);
	/* a huge field: 431, complete or not */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nCookie: ");
	memset(buf + n, 'c', 10000);
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, n + 10000, &deflim, &r), -431);
	memcpy(buf + n + 10000, "\r\n\r\n", 4);
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, n + 10004, &deflim, &r), -431);
	/* exactly at the header limit: accepted; one byte more: 431 */
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(buf + n, 'd', 8192 - n - 4);
	memcpy(buf + 8192 - 4, "\r\n\r\n", 4);
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, 8192, &deflim, &r), 8192);
	memmove(buf + n + 1, buf + n, 8192 - n);
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, 8193, &deflim, &r), -431);
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, 8192, &deflim, &r), -431);
	ck_assert_int_eq(xst_http_req_parse((const uint8_t *)buf, 8191, &deflim, &r), 0);
}
END_TEST

/* Pipelined requests, then the same stream fed one byte at a time. */
static const char pipeline[] =
	"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
	"HEAD /2 HTTP/1.1\r\nHost: a\r\nRange: bytes=1-2\r\n\r\n"
	"POST /3 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"
	"\r\n"	/* an extra CRLF after a body, as old clients send */
	"GET /4 HTTP/1.0\r\n\r\n"
	"GET /5 HTTP/1.1\nHost: a\n\n";
static const char *const pipe_targets[] = { "/1", "/2", "/3", "/4", "/5" };
static const int pipe_methods[] = { XST_HTTP_GET, XST_HTTP_HEAD, XST_HTTP_OTHER, XST_HTTP_GET,
				    XST_HTTP_GET };

START_TEST(test_req_pipeline)
{
	size_t len = sizeof(pipeline) - 1, off = 0, have, n = 0;
	struct xst_http_req r;
	uint8_t *b;
	int got, ends[5];

	b = guard_copy(pipeline, len);
	while (off < len) {
		got = xst_http_req_parse(b + off, len - off, &deflim, &r);
		ck_assert_int_gt(got, 0);
		ck_assert_uint_lt(n, 5);
		ck_assert_int_eq(r.method, pipe_methods[n]);
		check_str("target", &r.target, pipe_targets[n]);
		off += (size_t)got;
		ends[n++] = (int)off;
	}
	ck_assert_uint_eq(n, 5);
	guard_free(b, len);

	/* Byte by byte: 0 until a request is whole, then the same request. */
	for (off = 0, n = 0, have = 0; have <= len; have++) {
		b = guard_copy(pipeline, have);
		for (;;) {
			got = xst_http_req_parse(b + off, have - off, &deflim, &r);
			ck_assert_int_ge(got, 0);
			if (!got)
				break;
			ck_assert_int_eq((int)off + got, ends[n]);
			check_str("target", &r.target, pipe_targets[n]);
			off += (size_t)got;
			n++;
		}
		guard_free(b, have);
	}
	ck_assert_uint_eq(n, 5);
}
END_TEST

struct range_case {
	const char *v;
	uint64_t size;
	int want;
	uint64_t first, last;
};

static const struct range_case range_cases[] = {
	{ "bytes=0-0", 10, 0, 0, 0 },
	{ "bytes=2-4", 12, 0, 2, 4 },
	{ "bytes=2-", 12, 0, 2, 11 },
	{ "bytes=0-", 1, 0, 0, 0 },
	{ "bytes=-3", 12, 0, 9, 11 },
	{ "bytes=-12", 12, 0, 0, 11 },
	{ "bytes=-50", 12, 0, 0, 11 },
	{ "bytes=5-100", 12, 0, 5, 11 },
	{ "bytes=11-11", 12, 0, 11, 11 },
	{ "bytes=0-99999999999999999999999", 12, 0, 0, 11 },
	{ "bytes=-99999999999999999999999", 12, 0, 0, 11 },
	{ "BYTES=1-2", 12, 0, 1, 2 },
	{ "bytes=1-2 ", 12, 0, 1, 2 },
	{ "bytes= 1-2", 12, 0, 1, 2 },
	{ "bytes=1-2,", 12, 0, 1, 2 },
	{ "bytes=,1-2", 12, 0, 1, 2 },
	{ "bytes=12-", 12, -416, 0, 0 },
	{ "bytes=12-20", 12, -416, 0, 0 },
	{ "bytes=99999999999999999999999-", 12, -416, 0, 0 },
	{ "bytes=-0", 12, -416, 0, 0 },
	{ "bytes=5-3", 12, -416, 0, 0 },
	{ "bytes=0-", 0, 1, 0, 0 },
	{ "bytes=-1", 0, 1, 0, 0 },
	{ "bytes=0-1,3-4", 12, 1, 0, 0 },
	{ "bytes=0-1, 3-", 12, 1, 0, 0 },
	{ "bytes=", 12, 1, 0, 0 },
	{ "bytes", 12, 1, 0, 0 },
	{ "bytes =1-2", 12, 1, 0, 0 },
	{ "items=1-2", 12, 1, 0, 0 },
	{ "bytes=a-b", 12, 1, 0, 0 },
	{ "bytes=1", 12, 1, 0, 0 },
	{ "bytes=-", 12, 1, 0, 0 },
	{ "bytes=--1", 12, 1, 0, 0 },
	{ "bytes=1-2-3", 12, 1, 0, 0 },
	{ "bytes=1-2x", 12, 1, 0, 0 },
	{ "bytes=+1-2", 12, 1, 0, 0 },
	{ "", 12, 1, 0, 0 },
};

START_TEST(test_range)
{
	const struct range_case *c = &range_cases[_i];
	size_t len = strlen(c->v);
	uint64_t first = 77, last = 77;
	uint8_t *b = guard_copy(c->v, len);
	int got = xst_http_range((const char *)b, len, c->size, &first, &last);

	guard_free(b, len);
	ck_assert_msg(got == c->want, "'%s' size %llu: %d", c->v, (unsigned long long)c->size, got);
	if (!got)
		ck_assert_msg(first == c->first && last == c->last, "'%s': %llu-%llu", c->v,
			      (unsigned long long)first, (unsigned long long)last);
}
END_TEST

struct etag_case {
	const char *inm, *etag;
	int want;
};

static const struct etag_case etag_cases[] = {
	{ "\"abc\"", "\"abc\"", 1 },
	{ "\"abc\"", "\"abd\"", 0 },
	{ "*", "\"abc\"", 1 },
	{ " * ", "\"abc\"", 1 },
	{ "W/\"abc\"", "\"abc\"", 1 },
	{ "\"abc\"", "W/\"abc\"", 1 },
	{ "W/\"abc\"", "W/\"abc\"", 1 },
	{ "\"x\", \"abc\"", "\"abc\"", 1 },
	{ "\"x\",W/\"abc\" , \"y\"", "\"abc\"", 1 },
	{ " , \"abc\" ,", "\"abc\"", 1 },
	{ "\"x\", \"y\"", "\"abc\"", 0 },
	{ "abc", "\"abc\"", 0 },
	{ "\"abc", "\"abc\"", 0 },
	{ "\"x\" \"abc\"", "\"abc\"", 0 },
	{ "w/\"abc\"", "\"abc\"", 0 },
	{ "\"ab\"c\"", "\"abc\"", 0 },
	{ "\"\"", "\"\"", 1 },
	{ "", "\"abc\"", 0 },
	{ "*, \"abc\"", "\"zzz\"", 0 },
	{ "\"6b1146cc-c\"", "\"6b1146cc-c\"", 1 },
};

START_TEST(test_etag)
{
	const struct etag_case *c = &etag_cases[_i];
	size_t len = strlen(c->inm);
	uint8_t *b = guard_copy(c->inm, len);
	int got = xst_http_etag_match((const char *)b, len, c->etag, strlen(c->etag));

	guard_free(b, len);
	ck_assert_msg(got == c->want, "'%s' vs %s: %d", c->inm, c->etag, got);
}
END_TEST

/* ---- responses --------------------------------------------------------- */

#define DATE "Sun, 06 Nov 1994 08:49:37 GMT"
#define LM "Sat, 05 Nov 1994 08:49:37 GMT"

static const int statuses[] = { 200, 206, 304, 400, 403, 404, 405, 413, 414, 416, 431, 501, 505 };

static struct xst_http_resp resp_for(int status, int keep_alive)
{
	return (struct xst_http_resp){ .status = status, .date = DATE,
				       .content_type = "text/plain", .last_modified = LM,
				       .etag = "\"6b1146cc-c\"", .size = 12, .first = 2, .last = 4,
				       .keep_alive = keep_alive };
}

/* The value of field name in header h[0..len), or NULL. */
static const char *value_of(const char *h, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *p = strstr(h, "\r\n"), *e;

	while (p && p[2] != '\r') {
		p += 2;
		e = strstr(p, "\r\n");
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ')
				p++;
			*vlen = (size_t)(e - p);
			return p;
		}
		p = e;
	}
	return NULL;
}

START_TEST(test_resp_every_status)
{
	int status = statuses[_i];
	struct xst_http_resp h1 = resp_for(status, 1), h0 = resp_for(status, 0);
	struct xst_http_resp_layout l1, l0;
	char b1[1024], b0[1024], line[64];
	const char *v, *body;
	size_t vlen, blen = 0;
	int n1, n0, i;

	n1 = xst_http_resp_header(b1, sizeof(b1) - 1, &h1, &l1);
	n0 = xst_http_resp_header(b0, sizeof(b0) - 1, &h0, &l0);
	ck_assert_int_gt(n1, 0);
	ck_assert_int_eq(n1, n0);	/* both variants the same length */
	ck_assert_uint_eq(l1.len, (uint32_t)n1);
	ck_assert(l1.date_off == l0.date_off && l1.conn_off == l0.conn_off);
	b1[n1] = b0[n0] = 0;
	ck_assert_uint_eq(strlen(b1), (size_t)n1);
	ck_assert(!memcmp(b1 + n1 - 4, "\r\n\r\n", 4));
	ck_assert(strstr(b1, "\r\n\r\n") == b1 + n1 - 4);
	snprintf(line, sizeof(line), "HTTP/1.1 %d %s\r\n", status, xst_http_reason(status));
	ck_assert(!strncmp(b1, line, strlen(line)));
	ck_assert(!memcmp(b1 + l1.date_off, DATE, XST_HTTP_DATE_LEN));
	ck_assert(!memcmp(b1 + l1.date_off - 6, "Date: ", 6));
	ck_assert(!memcmp(b1 + l1.conn_off - 12, "Connection: ", 12));
	ck_assert(!memcmp(b1 + l1.conn_off, "keep-alive\r\n", 12));
	ck_assert(!memcmp(b0 + l0.conn_off, "close     \r\n", 12));
	for (i = 0; i < n1; i++)	/* they differ in the Connection value only */
		ck_assert(b1[i] == b0[i] ||
			  ((uint32_t)i >= l1.conn_off && (uint32_t)i < l1.conn_off + XST_HTTP_CONN_LEN));
	xst_http_resp_set_conn(b0, &l0, 1);
	ck_assert(!memcmp(b0, b1, (size_t)n1));
	xst_http_resp_set_conn(b0, &l0, 0);
	ck_assert(!memcmp(b0 + l0.conn_off, "close     ", XST_HTTP_CONN_LEN));

	ck_assert_ptr_nonnull(value_of(b1, "Server", &vlen));
	body = xst_http_error_body(status, &blen);
	v = value_of(b1, "Content-Length", &vlen);
	if (status == 304) {
		ck_assert_ptr_null(v);
		ck_assert_ptr_null(body);
		ck_assert_uint_eq(l1.body_len, 0);
	} else {
		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq(strtoull(v, NULL, 10), l1.body_len);
	}
	if (status >= 400) {
		ck_assert_ptr_nonnull(body);
		ck_assert_uint_eq(l1.body_len, blen);
		ck_assert_uint_eq(strlen(body), blen);
		snprintf(line, sizeof(line), "<title>%d %s</title>", status, xst_http_reason(status));
		ck_assert_ptr_nonnull(strstr(body, line));
		v = value_of(b1, "Content-Type", &vlen);
		ck_assert(v && vlen == 9 && !memcmp(v, "text/html", 9));
		ck_assert_ptr_null(value_of(b1, "ETag", &vlen));
		ck_assert_ptr_null(value_of(b1, "Last-Modified", &vlen));
	} else {
		ck_assert_ptr_null(body);
		v = value_of(b1, "ETag", &vlen);
		ck_assert(v && vlen == 12 && !memcmp(v, "\"6b1146cc-c\"", 12));
		v = value_of(b1, "Last-Modified", &vlen);
		ck_assert(v && vlen == 29 && !memcmp(v, LM, 29));
	}
	ck_assert((value_of(b1, "Accept-Ranges", &vlen) != NULL) == (status == 200));
	ck_assert((value_of(b1, "Allow", &vlen) != NULL) == (status == 405));
	ck_assert((value_of(b1, "Content-Range", &vlen) != NULL) == (status == 206 || status == 416));
	ck_assert((value_of(b1, "Content-Type", &vlen) != NULL) == (status != 304));

	/* Too small a buffer, any size: -ENOSPC, nothing written past it. */
	for (i = 0; i < n1; i++) {
		uint8_t *g = guard_copy(b1, (size_t)i);
		struct xst_http_resp_layout l;

		ck_assert_int_eq(xst_http_resp_header((char *)g, (size_t)i, &h1, &l), -ENOSPC);
		guard_free(g, (size_t)i);
	}
	{
		uint8_t *g = guard_copy(b1, (size_t)n1);
		struct xst_http_resp_layout l;

		ck_assert_int_eq(xst_http_resp_header((char *)g, (size_t)n1, &h1, &l), n1);
		ck_assert(!memcmp(g, b1, (size_t)n1));
		guard_free(g, (size_t)n1);
	}
}
END_TEST

/* Byte for byte, in nginx 1.22's order. */
START_TEST(test_resp_exact)
{
	struct xst_http_resp h = resp_for(200, 1);
	struct xst_http_resp_layout l;
	char b[1024];
	size_t blen;
	int n;

	n = xst_http_resp_header(b, sizeof(b) - 1, &h, &l);
	ck_assert_int_gt(n, 0);
	b[n] = 0;
	ck_assert_str_eq(b, "HTTP/1.1 200 OK\r\nServer: xdpstorm\r\nDate: " DATE "\r\n"
		       "Content-Type: text/plain\r\nContent-Length: 12\r\nLast-Modified: " LM "\r\n"
		       "Connection: keep-alive\r\nETag: \"6b1146cc-c\"\r\nAccept-Ranges: bytes\r\n\r\n");
	ck_assert_uint_eq(l.body_len, 12);

	h = resp_for(206, 0);
	n = xst_http_resp_header(b, sizeof(b) - 1, &h, &l);
	b[n] = 0;
	ck_assert_str_eq(b, "HTTP/1.1 206 Partial Content\r\nServer: xdpstorm\r\nDate: " DATE "\r\n"
		       "Content-Type: text/plain\r\nContent-Length: 3\r\nLast-Modified: " LM "\r\n"
		       "Connection: close     \r\nETag: \"6b1146cc-c\"\r\n"
		       "Content-Range: bytes 2-4/12\r\n\r\n");
	ck_assert_uint_eq(l.body_len, 3);

	h = resp_for(304, 1);
	n = xst_http_resp_header(b, sizeof(b) - 1, &h, &l);
	b[n] = 0;
	ck_assert_str_eq(b, "HTTP/1.1 304 Not Modified\r\nServer: xdpstorm\r\nDate: " DATE "\r\n"
		       "Last-Modified: " LM "\r\nConnection: keep-alive\r\nETag: \"6b1146cc-c\"\r\n\r\n");

	h = resp_for(404, 1);
	n = xst_http_resp_header(b, sizeof(b) - 1, &h, &l);
	b[n] = 0;
	ck_assert_str_eq(b, "HTTP/1.1 404 Not Found\r\nServer: xdpstorm\r\nDate: " DATE "\r\n"
		       "Content-Type: text/html\r\nContent-Length: 149\r\n"
		       "Connection: keep-alive\r\n\r\n");
	ck_assert_str_eq(xst_http_error_body(404, &blen),
			 "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
			 "<center><h1>404 Not Found</h1></center>\r\n"
			 "<hr><center>xdpstorm</center>\r\n</body>\r\n</html>\r\n");
	ck_assert_uint_eq(blen, 149);

	h = resp_for(405, 1);
	n = xst_http_resp_header(b, sizeof(b) - 1, &h, &l);
	b[n] = 0;
	ck_assert_ptr_nonnull(strstr(b, "Connection: keep-alive\r\nAllow: GET, HEAD\r\n\r\n"));

	h = resp_for(416, 0);
	n = xst_http_resp_header(b, sizeof(b) - 1, &h, &l);
	b[n] = 0;
	ck_assert_ptr_nonnull(strstr(b, "Connection: close     \r\nContent-Range: bytes */12\r\n\r\n"));

	/* a 200 of an empty object; the placeholder date */
	h = resp_for(200, 1);
	h.size = 0;
	h.date = NULL;
	h.content_type = NULL;
	n = xst_http_resp_header(b, sizeof(b) - 1, &h, &l);
	b[n] = 0;
	ck_assert_ptr_nonnull(strstr(b, "Content-Length: 0\r\n"));
	ck_assert_ptr_null(strstr(b, "Content-Type"));
	ck_assert_uint_eq(l.body_len, 0);
	ck_assert(!memcmp(b + l.date_off, "Thu, 01 Jan 1970 00:00:00 GMT", 29));
}
END_TEST

START_TEST(test_resp_invalid)
{
	struct xst_http_resp h = resp_for(206, 1);
	struct xst_http_resp_layout l;
	char b[1024];
	size_t blen;
	int n;

	h.last = 12;		/* past the object */
	ck_assert_int_eq(xst_http_resp_header(b, sizeof(b), &h, &l), -EINVAL);
	h.first = 5;
	h.last = 4;
	ck_assert_int_eq(xst_http_resp_header(b, sizeof(b), &h, &l), -EINVAL);
	h = resp_for(302, 1);
	ck_assert_int_eq(xst_http_resp_header(b, sizeof(b), &h, &l), -EINVAL);
	ck_assert_ptr_null(xst_http_reason(302));
	ck_assert_ptr_null(xst_http_error_body(200, &blen));
	ck_assert_ptr_null(xst_http_error_body(999, &blen));
	/* a full 64-bit size and range */
	h = resp_for(206, 1);
	h.size = UINT64_MAX;
	h.first = 0;
	h.last = UINT64_MAX - 1;
	n = xst_http_resp_header(b, sizeof(b) - 1, &h, &l);
	ck_assert_int_gt(n, 0);
	b[n] = 0;
	ck_assert_ptr_nonnull(
		strstr(b, "Content-Range: bytes 0-18446744073709551614/18446744073709551615\r\n"));
}
END_TEST

Suite *http_request_suite(void)
{
	Suite *s = suite_create("http_request");
	TCase *tc = tcase_create("request");

	tcase_add_loop_test(tc, test_req_table, 0, ARRAY_SIZE(req_cases));
	tcase_add_test(tc, test_req_many_fields_default);
	tcase_add_test(tc, test_req_long_uri_default);
	tcase_add_test(tc, test_req_pipeline);
	tcase_add_loop_test(tc, test_range, 0, ARRAY_SIZE(range_cases));
	tcase_add_loop_test(tc, test_etag, 0, ARRAY_SIZE(etag_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("response");
	tcase_add_loop_test(tc, test_resp_every_status, 0, ARRAY_SIZE(statuses));
	tcase_add_test(tc, test_resp_exact);
	tcase_add_test(tc, test_resp_invalid);
	suite_add_tcase(s, tc);
	return s;
}
