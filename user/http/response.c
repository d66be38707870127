// SPDX-License-Identifier: GPL-2.0
/*
 * Response headers and error bodies. Runs at load time (and when a prepared
 * header is rebuilt), so it favours plain appends over speed.
 */
#include "http/response.h"

#include <errno.h>
#include <string.h>

#define PLACEHOLDER_DATE "Thu, 01 Jan 1970 00:00:00 GMT"

_Static_assert(sizeof(PLACEHOLDER_DATE) - 1 == XST_HTTP_DATE_LEN, "IMF-fixdate length");

/* The error body nginx writes, with our name: "<html>...<title>404 Not Found</title>...". */
#define PAGE(code, reason) \
	"<html>\r\n<head><title>" code " " reason "</title></head>\r\n<body>\r\n" \
	"<center><h1>" code " " reason "</h1></center>\r\n" \
	"<hr><center>xdpstorm</center>\r\n</body>\r\n</html>\r\n"

#define STATUSES(X) \
	X(200, "OK", 0) \
	X(206, "Partial Content", 0) \
	X(301, "Moved Permanently", 1) \
	X(304, "Not Modified", 0) \
	X(400, "Bad Request", 1) \
	X(403, "Forbidden", 1) \
	X(404, "Not Found", 1) \
	X(405, "Method Not Allowed", 1) \
	X(413, "Content Too Large", 1) \
	X(414, "URI Too Long", 1) \
	X(416, "Range Not Satisfiable", 1) \
	X(431, "Request Header Fields Too Large", 1) \
	X(501, "Not Implemented", 1) \
	X(505, "HTTP Version Not Supported", 1)

struct status {
	int code;
	const char *reason;
	const char *body;	/* NULL: no error page */
	size_t body_len;
};

#define ENTRY(c, r, err) { c, r, (err) ? PAGE(#c, r) : NULL, (err) ? sizeof(PAGE(#c, r)) - 1 : 0 },
static const struct status statuses[] = { STATUSES(ENTRY) };
#undef ENTRY

static const struct status *find(int code)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == code)
			return &statuses[i];
	return NULL;
}

const char *xst_http_reason(int status)
{
	const struct status *s = find(status);

	return s ? s->reason : NULL;
}

const char *xst_http_error_body(int status, size_t *len)
{
	const struct status *s = find(status);

	if (!s || !s->body)
		return NULL;
	*len = s->body_len;
	return s->body;
}

/* An append cursor: writes stop at cap, the length keeps counting. */
struct out {
	char *p;
	size_t cap, n;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->n < o->cap)
		memcpy(o->p + o->n, s, len < o->cap - o->n ? len : o->cap - o->n);
	o->n += len;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void putu(struct out *o, uint64_t v)
{
	char d[20];
	size_t i = sizeof(d);

	do
		d[--i] = (char)('0' + v % 10);
	while (v /= 10);
	put(o, d + i, sizeof(d) - i);
}

static void field(struct out *o, const char *name, const char *value)
{
	puts_(o, name);
	puts_(o, value);
	put(o, "\r\n", 2);
}

static void conn_value(char *p, int keep_alive)
{
	if (keep_alive)
		memcpy(p, "keep-alive", XST_HTTP_CONN_LEN);
	else
		memcpy(p, "close     ", XST_HTTP_CONN_LEN);
}

void xst_http_resp_set_conn(char *hdr, const struct xst_http_resp_layout *lay, int keep_alive)
{
	conn_value(hdr + lay->conn_off, keep_alive);
}

int xst_http_resp_header(char *out, size_t cap, const struct xst_http_resp *h,
			 struct xst_http_resp_layout *lay)
{
	const struct status *s = find(h->status);
	struct out o = { out, cap, 0 };
	int object = h->status == 200 || h->status == 206;
	char conn[XST_HTTP_CONN_LEN];
	uint64_t body;

	if (!s)
		return -EINVAL;
	if (h->status == 206 && (h->first > h->last || h->last >= h->size))
		return -EINVAL;
	body = h->status == 206 ? h->last - h->first + 1 : h->status == 200 ? h->size : s->body_len;

	put(&o, "HTTP/1.1 ", 9);
	putu(&o, (uint64_t)s->code);
	put(&o, " ", 1);
	puts_(&o, s->reason);
	put(&o, "\r\nServer: xdpstorm\r\nDate: ", 26);
	lay->date_off = (uint32_t)o.n;
	put(&o, h->date ? h->date : PLACEHOLDER_DATE, XST_HTTP_DATE_LEN);
	put(&o, "\r\n", 2);
	if (s->body)
		field(&o, "Content-Type: ", "text/html");
	else if (object && h->content_type)
		field(&o, "Content-Type: ", h->content_type);
	if (h->status != 304) {
		puts_(&o, "Content-Length: ");
		putu(&o, body);
		put(&o, "\r\n", 2);
	}
	if (!s->body && h->last_modified)
		field(&o, "Last-Modified: ", h->last_modified);
	puts_(&o, "Connection: ");
	lay->conn_off = (uint32_t)o.n;
	conn_value(conn, h->keep_alive);
	put(&o, conn, sizeof(conn));
	put(&o, "\r\n", 2);
	if (!s->body && h->etag)
		field(&o, "ETag: ", h->etag);
	if (h->status == 200)
		field(&o, "Accept-Ranges: ", "bytes");
	if (h->status == 206 || h->status == 416) {
		puts_(&o, "Content-Range: bytes ");
		if (h->status == 206) {
			putu(&o, h->first);
			put(&o, "-", 1);
			putu(&o, h->last);
		} else {
			put(&o, "*", 1);
		}
		put(&o, "/", 1);
		putu(&o, h->size);
		put(&o, "\r\n", 2);
	}
	if (h->status == 405)
		field(&o, "Allow: ", "GET, HEAD");
	if (h->status == 301 && h->location)
		field(&o, "Location: ", h->location);
	put(&o, "\r\n", 2);

	if (o.n > cap || o.n > UINT32_MAX || o.n > 0x7fffffff)
		return -ENOSPC;
	lay->len = (uint32_t)o.n;
	lay->body_len = h->status == 304 ? 0 : body;
	return (int)o.n;
}
