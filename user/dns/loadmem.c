// SPDX-License-Identifier: GPL-2.0
/*
 * Counted allocations of a zone load (dns/loadmem.h). The count is per load
 * (the parser's and the builder's accounts): several loads may run at once
 * (a SIGHUP reload beside tests) without sharing state, except the test
 * hook's limit.
 */
#include "dns/loadmem.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/hugemem.h"

static _Atomic size_t test_limit;

void xst_loadmem_test_limit(size_t limit)
{
	atomic_store(&test_limit, limit);
}

/* Whether n more bytes may be taken; records the failure when not. */
static int room(struct xst_loadmem *m, size_t n)
{
	size_t lim = atomic_load_explicit(&test_limit, memory_order_relaxed);

	if (lim && m->held + n > lim) {
		m->failed = n;
		return 0;
	}
	return 1;
}

void *xst_loadmem_alloc(struct xst_loadmem *m, size_t n)
{
	void *p = room(m, n) ? malloc(n ? n : 1) : NULL;

	if (p)
		m->held += n;
	else
		m->failed = n ? n : 1;
	return p;
}

void *xst_loadmem_zalloc(struct xst_loadmem *m, size_t n)
{
	void *p = room(m, n) ? calloc(1, n ? n : 1) : NULL;

	if (p)
		m->held += n;
	else
		m->failed = n ? n : 1;
	return p;
}

void *xst_loadmem_realloc(struct xst_loadmem *m, void *p, size_t old, size_t n)
{
	void *q = (n <= old || room(m, n - old)) ? realloc(p, n ? n : 1) : NULL;

	if (q) {
		m->held += n;
		m->held -= old;
	} else {
		m->failed = n > old ? n - old : 1;
	}
	return q;
}

void *xst_loadmem_huge(struct xst_loadmem *m, void *p, size_t old, size_t n)
{
	void *q = (n <= old || room(m, n - old)) ? xst_huge_resize(p, old, n) : NULL;

	if (q) {
		m->held += n;
		m->held -= old;
	} else {
		m->failed = n > old ? n - old : 1;
	}
	return q;
}

void xst_loadmem_huge_free(struct xst_loadmem *m, void *p, size_t n)
{
	if (!p)
		return;
	xst_huge_free(p, n);
	m->held -= n < m->held ? n : m->held;
}

void xst_loadmem_free(struct xst_loadmem *m, void *p, size_t n)
{
	if (!p)
		return;
	free(p);
	m->held -= n < m->held ? n : m->held;
}

void xst_loadmem_setup(void)
{
	/* Setting it turns glibc's dynamic threshold off (mallopt(3)). */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}

#define MIB(x)	(((x) + (1u << 20) - 1) >> 20)

void xst_loadmem_reason(char *buf, size_t cap, size_t held, size_t need)
{
	snprintf(buf, cap, "out of memory: the zones need about %zu MiB (%zu MiB allocated when "
		 "malloc failed)", MIB(need), MIB(held));
}
