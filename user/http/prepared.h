/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A site's prepared responses (Sandstorm): at load time every response the
 * server can send from the site is written (http/response.h) and cut into
 * prepared frames (http/segment.h), once per family:
 *
 *   per file        200 (header + body), HEAD (header only), 304
 *   per directory   301 to "path/", and 403 when it has no index.html
 *   per site        400, 404, 405 (Allow), 413, 414, 431, 501, 505 and
 *                   their HEAD forms (header only)
 *
 * at the prepared MSS of each family (the MSS of a 1500-byte MTU without
 * TCP options: 1460 over IPv4, 1440 over IPv6; a connection with a smaller
 * MSS is sent the same bytes through xst_http_seg_build_any()). Every
 * header carries the same placeholder Date (XST_HTTP_PREP_DATE) and the
 * keep-alive Connection value: the sender patches both per segment (one
 * Date patch per second serves every generation of the site).
 *
 * 206 and 416 depend on the request's range and are written per request
 * (xst_http_prep_range_header()); their body bytes come from the object.
 *
 * Immutable once built; freed with the site when no connection holds it.
 */
#ifndef XST_HTTP_PREPARED_H
#define XST_HTTP_PREPARED_H

#include <stddef.h>
#include <stdint.h>

#include "http/arena.h"
#include "http/response.h"
#include "http/segment.h"
#include "http/site.h"

/* The Date value of every prepared header (replaced per segment when sent). */
#define XST_HTTP_PREP_DATE	"Thu, 01 Jan 1970 00:00:00 GMT"

#define XST_HTTP_PREP_MSS4	1460
#define XST_HTTP_PREP_MSS6	1440

/* One prepared response: its bytes and its segments for IPv4 [0] and IPv6 [1]. */
struct xst_http_prep_resp {
	struct xst_http_stream st;	/* header (in the arena) + body (the object's) */
	struct xst_http_segs segs[2];
	uint32_t date_off;		/* of the Date value in the stream */
	uint32_t conn_off;		/* of the Connection value */
	int status;
};

/* What hangs on an object's prep pointer. */
struct xst_http_prep_obj {
	struct xst_http_prep_resp get;	/* a file's 200; a directory's 301 to "path/" */
	struct xst_http_prep_resp head;	/* the same, header only */
	struct xst_http_prep_resp alt;	/* a file's 304; a directory's 403 (no index.html) */
	struct xst_http_prep_resp alt_head;	/* a directory's 403 header only (files: = alt) */
};

enum xst_http_prep_err {
	XST_HTTP_E400, XST_HTTP_E404, XST_HTTP_E405, XST_HTTP_E413, XST_HTTP_E414,
	XST_HTTP_E431, XST_HTTP_E501, XST_HTTP_E505, XST_HTTP_E_MAX
};

struct xst_http_prepared {
	struct xst_http_site *site;
	struct xst_http_arena arena;
	struct xst_http_prep_resp err[XST_HTTP_E_MAX][2];	/* [GET, HEAD] */
	uint64_t nr_segments;		/* prepared frames, all responses and families */
	uint64_t nr_responses;
	/* Unique per build in this process, never 0: tells generations apart
	 * where an address cannot (a freed generation's memory may hold a
	 * later one, so a pointer into it may come back meaning another
	 * response). Precopy keys carry it. */
	uint64_t serial;
};

/*
 * Prepare every response of site (taken over: freed with the result).
 * 0, or -errno with err filled ("prepare <path>: <reason>"); on failure the
 * site is freed too.
 */
int xst_http_prepared_build(struct xst_http_prepared **out, struct xst_http_site *site,
			    char *err, size_t errlen);

/* Free the prepared data and its site. NULL: no-op. */
void xst_http_prepared_free(struct xst_http_prepared *p);

/* The prepared error response for status (400, 404, 405, 413, 414, 431, 501,
 * 505; anything else gives 400's), head: its header-only form. */
const struct xst_http_prep_resp *xst_http_prep_error(const struct xst_http_prepared *p,
						       int status, int head);

static inline const struct xst_http_prep_obj *xst_http_prep_of(const struct xst_http_obj *o)
{
	return (const struct xst_http_prep_obj *)o->prep;
}

/*
 * The header of a 206 (first..last of o) or, first > last, a 416 response
 * for o, into out[0..cap), with the placeholder date and the Connection
 * variant keep_alive. Returns its length, and *date_off and *conn_off; -ENOSPC
 * if cap is too small.
 */
int xst_http_prep_range_header(char *out, size_t cap, const struct xst_http_obj *o,
			       uint64_t first, uint64_t last, int keep_alive, uint32_t *date_off,
			       uint32_t *conn_off);

#endif /* XST_HTTP_PREPARED_H */
