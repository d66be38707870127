/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP/1.1 response headers, written once at load time into prepared
 * responses, and the small HTML bodies of error responses.
 *
 * The fields and their order are nginx's (1.22, checked side by side):
 *   Server, Date, Content-Type, Content-Length, Last-Modified, Connection,
 *   ETag, then Accept-Ranges (200) or Content-Range (206, 416), or Allow
 *   (405), or Location (301: a directory's path with its '/'). 304 has
 *   Server, Date, Last-Modified, Connection, ETag. Error
 *   responses have Content-Type: text/html and the length of their body
 *   (xst_http_error_body()); 416 adds "Content-Range: bytes *|/size". As in
 *   nginx, 206 carries no Accept-Ranges (Content-Range says it) and errors no
 *   ETag or Last-Modified. A HEAD response is written from the same header as
 *   GET's and sent without the body.
 *
 * Two parts change after load time, in place, without changing the length:
 *   - the Date value, XST_HTTP_DATE_LEN bytes (an IMF-fixdate) at
 *     lay->date_off, rewritten once a second by the caller;
 *   - the Connection value, XST_HTTP_CONN_LEN bytes at lay->conn_off:
 *     "keep-alive" or "close" padded with spaces (trailing OWS, dropped by
 *     every client: RFC 9110 5.5; curl and python's http.client checked),
 *     so one prepared response serves both (xst_http_resp_set_conn()).
 * Reason phrases are RFC 9110's, not nginx's older ones (413 "Content Too
 * Large", not "Request Entity Too Large").
 */
#ifndef XST_HTTP_RESPONSE_H
#define XST_HTTP_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#define XST_HTTP_DATE_LEN 29	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define XST_HTTP_CONN_LEN 10	/* strlen("keep-alive") */

struct xst_http_resp {
	int status;			/* 200, 206, 301, 304, 400, 403, 404, 405, 413, 414, 416,
					 * 431, 501, 505 */
	const char *date;		/* XST_HTTP_DATE_LEN bytes (no NUL needed), or NULL
					 * for a placeholder of that length */
	const char *content_type;	/* 200, 206: NUL-terminated; NULL: no field */
	const char *last_modified;	/* 200, 206, 304: IMF-fixdate; NULL: no field */
	const char *etag;		/* 200, 206, 304: entity-tag with its quotes; NULL: none */
	uint64_t size;			/* the object's size: 200's Content-Length, the
					 * total in 206's and 416's Content-Range */
	uint64_t first, last;		/* 206: the inclusive range sent (last < size) */
	int keep_alive;			/* the Connection variant written first */
	const char *location;		/* 301: the Location value (a path: "/dir/") */
};

struct xst_http_resp_layout {
	uint32_t date_off;		/* offset of the Date value in the header */
	uint32_t conn_off;		/* offset of the Connection value (XST_HTTP_CONN_LEN) */
	uint32_t len;			/* header bytes, through the empty line */
	uint64_t body_len;		/* the Content-Length sent (0 for 304), the
					 * error body's for errors */
};

/*
 * Writes the status line and header fields of h into out[0..cap) and fills
 * lay. Returns the header length (> 0), -EINVAL for a status not listed or a
 * 206 range outside the object, -ENOSPC if cap is too small (out then holds
 * a truncated header: never send it). Pure, any thread.
 */
int xst_http_resp_header(char *out, size_t cap, const struct xst_http_resp *h,
			 struct xst_http_resp_layout *lay);

/* Overwrites the Connection value of a header written above (same length). */
void xst_http_resp_set_conn(char *hdr, const struct xst_http_resp_layout *lay, int keep_alive);

/* The reason phrase of status ("Not Found"), or NULL for one not listed. */
const char *xst_http_reason(int status);

/*
 * The HTML body of an error response (static storage, *len its length), as
 * nginx writes them with "xdpstorm" for the server; NULL for 2xx, 304 and
 * statuses not listed.
 */
const char *xst_http_error_body(int status, size_t *len);

#endif /* XST_HTTP_RESPONSE_H */
