// SPDX-License-Identifier: GPL-2.0
/* Every response of a site written and cut into prepared frames at load time. */
#include "http/prepared.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR_MAX		2048	/* a header of ours: status line, ~10 fields, a path */

/* Generations built so far (load time only: the main thread, or tests). */
static _Atomic uint64_t next_serial;

static const int err_status[XST_HTTP_E_MAX] = {
	[XST_HTTP_E400] = 400, [XST_HTTP_E404] = 404, [XST_HTTP_E405] = 405,
	[XST_HTTP_E413] = 413, [XST_HTTP_E414] = 414, [XST_HTTP_E431] = 431,
	[XST_HTTP_E501] = 501, [XST_HTTP_E505] = 505,
};

/* Write h's header, then cut header + body (body_len bytes of body; 0 for
 * HEAD and 304) into both families' segments. */
static int prepare(struct xst_http_prepared *p, struct xst_http_prep_resp *r,
		   const struct xst_http_resp *h, const uint8_t *body, uint64_t body_len)
{
	struct xst_http_resp_layout lay;
	char buf[HDR_MAX];
	uint8_t *hdr;
	int n, err, v6;

	n = xst_http_resp_header(buf, sizeof(buf), h, &lay);
	if (n < 0)
		return n;
	hdr = xst_http_arena_alloc(&p->arena, (size_t)n, 8);
	if (!hdr)
		return -ENOMEM;
	memcpy(hdr, buf, (size_t)n);
	r->st.hdr = hdr;
	r->st.hlen = (uint32_t)n;
	r->st.body = body;
	r->st.blen = body_len;
	r->date_off = lay.date_off;
	r->conn_off = lay.conn_off;
	r->status = h->status;
	for (v6 = 0; v6 < 2; v6++) {
		err = xst_http_segs_build(&r->segs[v6], &p->arena, hdr, (uint32_t)n, body, body_len,
					  v6, v6 ? XST_HTTP_PREP_MSS6 : XST_HTTP_PREP_MSS4);
		if (err)
			return err;
		p->nr_segments += r->segs[v6].nr;
	}
	p->nr_responses++;
	return 0;
}

/* An error page: its HTML body after the header, or the header alone. */
static int prepare_error(struct xst_http_prepared *p, struct xst_http_prep_resp *r, int status,
			 int head, const char *location)
{
	struct xst_http_resp h = {
		.status = status,
		.date = XST_HTTP_PREP_DATE,
		.keep_alive = 1,
		.location = location,
	};
	size_t blen = 0;
	const char *body = xst_http_error_body(status, &blen);

	return prepare(p, r, &h, (const uint8_t *)body, head ? 0 : blen);
}

static int prepare_file(struct xst_http_prepared *p, struct xst_http_obj *o,
			struct xst_http_prep_obj *po)
{
	struct xst_http_resp h = {
		.status = 200,
		.date = XST_HTTP_PREP_DATE,
		.content_type = o->content_type,
		.last_modified = o->last_modified,
		.etag = o->etag,
		.size = o->size,
		.keep_alive = 1,
	};
	int err;

	err = prepare(p, &po->get, &h, o->data, o->size);
	if (!err)
		err = prepare(p, &po->head, &h, o->data, 0);
	if (err)
		return err;
	h.status = 304;
	err = prepare(p, &po->alt, &h, o->data, 0);
	po->alt_head = po->alt;
	return err;
}

static int prepare_dir(struct xst_http_prepared *p, struct xst_http_obj *o,
		       struct xst_http_prep_obj *po)
{
	int err;

	err = prepare_error(p, &po->get, 301, 0, o->path);
	if (!err)
		err = prepare_error(p, &po->head, 301, 1, o->path);
	if (!err)
		err = prepare_error(p, &po->alt, 403, 0, NULL);
	if (!err)
		err = prepare_error(p, &po->alt_head, 403, 1, NULL);
	return err;
}

int xst_http_prepared_build(struct xst_http_prepared **out, struct xst_http_site *site,
			    char *errbuf, size_t errlen)
{
	struct xst_http_prepared *p;
	size_t i, n;
	int err = 0, e, head;

	p = calloc(1, sizeof(*p));
	if (!p) {
		xst_http_site_free(site);
		snprintf(errbuf, errlen, "prepare the site: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	p->site = site;
	p->serial = atomic_fetch_add(&next_serial, 1) + 1;
	xst_http_arena_init(&p->arena, 0);
	for (e = 0; e < XST_HTTP_E_MAX && !err; e++)
		for (head = 0; head < 2 && !err; head++)
			err = prepare_error(p, &p->err[e][head], err_status[e], head, NULL);
	if (err) {
		snprintf(errbuf, errlen, "prepare the error responses: %s", strerror(-err));
		goto fail;
	}
	n = xst_http_site_count(site);
	for (i = 0; i < n; i++) {
		struct xst_http_obj *o = xst_http_site_obj(site, i);
		struct xst_http_prep_obj *po = xst_http_arena_alloc(&p->arena, sizeof(*po), 8);

		err = po ? prepare_file(p, o, po) : -ENOMEM;
		if (err) {
			snprintf(errbuf, errlen, "prepare %s: %s", o->path, strerror(-err));
			goto fail;
		}
		o->prep = po;
	}
	n = xst_http_site_ndirs(site);
	for (i = 0; i < n; i++) {
		struct xst_http_obj *o = xst_http_site_dir(site, i);
		struct xst_http_prep_obj *po = xst_http_arena_alloc(&p->arena, sizeof(*po), 8);

		err = po ? prepare_dir(p, o, po) : -ENOMEM;
		if (err) {
			snprintf(errbuf, errlen, "prepare %s: %s", o->path, strerror(-err));
			goto fail;
		}
		o->prep = po;
	}
	*out = p;
	return 0;
fail:
	xst_http_prepared_free(p);
	return err;
}

void xst_http_prepared_free(struct xst_http_prepared *p)
{
	if (!p)
		return;
	xst_http_arena_fini(&p->arena);
	xst_http_site_free(p->site);
	free(p);
}

const struct xst_http_prep_resp *xst_http_prep_error(const struct xst_http_prepared *p,
						       int status, int head)
{
	int e;

	for (e = 0; e < XST_HTTP_E_MAX; e++)
		if (err_status[e] == status)
			return &p->err[e][head ? 1 : 0];
	return &p->err[XST_HTTP_E400][head ? 1 : 0];
}

int xst_http_prep_range_header(char *out, size_t cap, const struct xst_http_obj *o,
			       uint64_t first, uint64_t last, int keep_alive, uint32_t *date_off,
			       uint32_t *conn_off)
{
	struct xst_http_resp h = {
		.status = first <= last ? 206 : 416,
		.date = XST_HTTP_PREP_DATE,
		.content_type = o->content_type,
		.last_modified = o->last_modified,
		.etag = o->etag,
		.size = o->size,
		.first = first,
		.last = last,
		.keep_alive = keep_alive,
	};
	struct xst_http_resp_layout lay;
	int n;

	n = xst_http_resp_header(out, cap, &h, &lay);
	if (n < 0)
		return n;
	*date_off = lay.date_off;
	*conn_off = lay.conn_off;
	return n;
}
