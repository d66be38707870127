// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the HTTP request parser (user/http/request.h). The
 * first input byte picks the limits (nginx-like defaults or small ones, so
 * that the limit paths are reached), the rest is the stream. Every parse is
 * of a heap copy of exactly the bytes given (a read past them is an ASan
 * report). The invariants:
 *   - a result is > 0 (at most the buffer, the header section within the
 *     header limit, the views inside the buffer), 0, or one of the error
 *     statuses with close set;
 *   - prefix consistency: every prefix (every one for short inputs, a
 *     sample otherwise) gives 0 or the whole buffer's result, and 0 for a
 *     prefix shorter than a complete request;
 *   - pipelined requests are parsed one after the other to the end;
 *   - the Range and If-None-Match helpers on the same bytes stay in bounds,
 *     and a satisfiable range is inside the object.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static int parse_copy(const uint8_t *data, size_t len, const struct xst_http_limits *lim,
		      struct xst_http_req *r)
{
	uint8_t *b = malloc(len ? len : 1);
	int got;

	check(b != NULL);
	memcpy(b, data, len);
	got = xst_http_req_parse(b, len, lim, r);
	free(b);
	return got;
}

static int in(const struct xst_http_str *v, const uint8_t *b, size_t len)
{
	if (!v->ptr)
		return v->len == 0;
	return v->ptr >= (const char *)b && v->ptr + v->len <= (const char *)b + len;
}

static void check_result(int got, const uint8_t *b, size_t len, const struct xst_http_limits *lim,
			 const struct xst_http_req *r)
{
	if (got < 0) {
		check(got == -400 || got == -413 || got == -414 || got == -431 || got == -501 ||
		      got == -505);
		check(r->close && !r->keep_alive);
		return;
	}
	if (!got)
		return;
	check((size_t)got <= len);
	check(r->header_len <= lim->max_header && r->header_len + r->content_length == (size_t)got);
	check(r->content_length <= lim->max_body);
	check(r->version == 10 || r->version == 11);
	check(r->close == !r->keep_alive);
	check(r->nfields <= lim->max_fields);
	check(r->target.len && r->target.len <= lim->max_uri && in(&r->target, b, len));
	check(r->method_tok.len && in(&r->method_tok, b, len));
	check(in(&r->host_val, b, len) && in(&r->if_none_match, b, len));
	check(in(&r->if_modified_since, b, len) && in(&r->range, b, len) && in(&r->if_range, b, len));
	check(r->version == 10 || r->host);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct xst_http_limits big = XST_HTTP_LIMITS_DEFAULT;
	static const struct xst_http_limits small = {
		.max_uri = 24, .max_header = 128, .max_fields = 4, .max_body = 16
	};
	const struct xst_http_limits *lim;
	struct xst_http_req r, rp;
	uint64_t first, last, osize;
	size_t len, k, step, off;
	const uint8_t *buf;
	uint8_t *copy;
	int got, pg, rg;

	if (!size)
		return 0;
	lim = data[0] & 1 ? &small : &big;
	osize = data[0] >> 1;	/* an object size for the Range helper */
	buf = data + 1;
	len = size - 1;

	copy = malloc(len ? len : 1);
	check(copy != NULL);
	memcpy(copy, buf, len);
	got = xst_http_req_parse(copy, len, lim, &r);
	check_result(got, copy, len, lim, &r);
	free(copy);

	/* Prefixes: all of them for short inputs, about 64 otherwise. */
	step = len <= 512 ? 1 : len / 64;
	for (k = 0; k < len; k += step) {
		pg = parse_copy(buf, k, lim, &rp);
		check(pg == 0 || pg == got);
		if (got > 0 && k < (size_t)got)
			check(pg == 0);
	}

	/* Pipelining: each request in turn, from where the last one ended. */
	for (off = 0; off < len;) {
		copy = malloc(len - off);
		check(copy != NULL);
		memcpy(copy, buf + off, len - off);
		pg = xst_http_req_parse(copy, len - off, lim, &rp);
		check_result(pg, copy, len - off, lim, &rp);
		free(copy);
		if (pg <= 0)
			break;
		off += (size_t)pg;
	}

	copy = malloc(len ? len : 1);
	check(copy != NULL);
	memcpy(copy, buf, len);
	rg = xst_http_range((const char *)copy, len, osize, &first, &last);
	check(rg == 0 || rg == 1 || rg == -416);
	if (!rg)
		check(first <= last && last < osize);
	rg = xst_http_etag_match((const char *)copy, len, "\"abc\"", 5);
	check(rg == 0 || rg == 1);
	free(copy);
	return 0;
}
