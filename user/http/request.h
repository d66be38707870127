/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP/1.x request parsing (RFC 9110, RFC 9112) without copying: the request
 * line and header fields are checked in place and the fields the static
 * server acts on are returned as views into the caller's buffer.
 *
 * Choices where the RFCs leave one (the differential test is against nginx):
 *   - a bare LF ends a line as CRLF does (RFC 9112 2.2 allows it; nginx
 *     does); a CR not followed by LF is 400;
 *   - obs-fold (a field line starting with SP or HTAB) is 400, and so is
 *     whitespace between the request line and the first field;
 *   - the request line is method SP target SP version, a run of SP taken
 *     as one and SP before its end ignored (nginx; not HTAB); the target
 *     is checked for its characters only (no CTL, SP or DEL;
 *     bytes >= 0x80 pass, as nginx lets raw UTF-8 through); its form and
 *     its path are the URL layer's business;
 *   - HTTP/1.x with x > 1 is 1.1 (RFC 9110 2.5); HTTP/2.0 and up, and so
 *     the HTTP/2 preface "PRI * HTTP/2.0", are 505 (nginx 505s "HTTP/2.0"
 *     as a version); HTTP/0.x and anything but "HTTP/" DIGIT "." DIGIT
 *     (lower case, "HTTP/1.10") are 400;
 *   - a method is any token (RFC 9110 9.1, case-sensitive: "get" is an
 *     unknown method, 405, where nginx says 400);
 *   - Content-Length repeated with the same value is that value (RFC 9110
 *     8.6; nginx says 400), with another value 400;
 *   - a header section over the limit is 431 (nginx: 400 "Request Header
 *     Or Cookie Too Large"), a request line over it 414 (as nginx);
 *   - Transfer-Encoding in a request is 501, decided once the header
 *     section is complete (a malformed field after it is 400 first);
 *   - a repeated If-None-Match, If-Modified-Since, Range or If-Range is
 *     ignored (its view is cleared): the response is then the whole 200,
 *     which is always correct; If-Range is returned, and the HTTP layer
 *     honours Range only when it is absent or matches.
 *
 * The parse is prefix-consistent: on any prefix of a buffer it returns 0 or
 * exactly what it returns on the whole buffer, so a caller can parse again
 * as bytes arrive (the work is bounded by the header limit).
 */
#ifndef XST_HTTP_REQUEST_H
#define XST_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

enum xst_http_method {
	XST_HTTP_GET,
	XST_HTTP_HEAD,
	XST_HTTP_OTHER,		/* any other token: answered 405 with Allow */
	XST_HTTP_METHOD_MAX
};

struct xst_http_limits {
	uint32_t max_uri;	/* target bytes; longer: 414 */
	uint32_t max_header;	/* bytes from the buffer's start through the empty line
				 * (leading empty lines included); more: 431, or 414 while
				 * still in the request line */
	uint32_t max_fields;	/* header field lines; more: 431 */
	uint64_t max_body;	/* Content-Length accepted (the body is skipped, never
				 * used); more: 413. The caller's buffer must hold
				 * max_header + max_body bytes */
};

/* nginx's defaults where it has them (8k buffers); a body up to 8 KiB is skipped. */
#define XST_HTTP_LIMITS_DEFAULT \
	{ .max_uri = 8000, .max_header = 8192, .max_fields = 100, .max_body = 8192 }

/* A view into the parsed buffer; ptr is NULL (and len 0) when the field is absent. */
struct xst_http_str {
	const char *ptr;
	size_t len;
};

struct xst_http_req {
	enum xst_http_method method;
	struct xst_http_str method_tok;	/* the method as sent (case-sensitive token) */
	struct xst_http_str target;	/* request-target as sent, not decoded */
	int version;			/* 10 or 11 (1.x for x > 1 is 11) */
	int keep_alive;			/* resolved from version and Connection; 0 on errors */
	int close;			/* !keep_alive: the caller closes after the response */
	int host;			/* a Host field was present (exactly one) */
	struct xst_http_str host_val;	/* its value, OWS trimmed */
	struct xst_http_str if_none_match;
	struct xst_http_str if_modified_since;
	struct xst_http_str range;
	struct xst_http_str if_range;
	int has_content_length;
	uint64_t content_length;	/* 0 without the field */
	int has_transfer_encoding;
	unsigned int nfields;		/* field lines seen */
	size_t header_len;		/* bytes through the empty line (body excluded) */
};

/*
 * Parses the request at buf[0..len). Returns > 0: the bytes of this request
 * (header section plus any Content-Length body, all in buf; the next one
 * starts there); 0: incomplete; < 0: -status of the error response (400,
 * 413, 414, 431, 501, 505) with r->close set. r is written in every case and
 * points into buf. Pure: no allocation, any thread.
 */
int xst_http_req_parse(const uint8_t *buf, size_t len, const struct xst_http_limits *lim,
		       struct xst_http_req *r);

/*
 * One Range field value v[0..len) against an object of size bytes: 0 and the
 * inclusive range [*first, *last] clamped to the object for one satisfiable
 * "bytes=a-b", "bytes=a-" or "bytes=-n"; 1: ignore the field and send the
 * whole object (not bytes=, several ranges, a syntax error, an empty
 * object); -416: unsatisfiable (a >= size, b < a, "-0"), as nginx answers.
 */
int xst_http_range(const char *v, size_t len, uint64_t size, uint64_t *first, uint64_t *last);

/*
 * If-None-Match value inm[0..inm_len) ("*" or a list of entity-tags) against
 * the object's entity-tag etag[0..elen) (with its quotes, "W/" allowed), by
 * weak comparison (RFC 9110 8.8.3.2): 1 match (answer 304), 0 no match or
 * an unparsable list.
 */
int xst_http_etag_match(const char *inm, size_t inm_len, const char *etag, size_t elen);

#endif /* XST_HTTP_REQUEST_H */
