/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory accounting of a zone load (parser and builder), so that a load
 * that does not fit says how much it needed: every allocation of the load
 * goes through these wrappers, which count the bytes held. Load time only.
 */
#ifndef XST_DNS_LOADMEM_H
#define XST_DNS_LOADMEM_H

#include <stddef.h>

struct xst_loadmem {
	size_t held;		/* bytes allocated through this account, not freed */
	size_t failed;		/* size of the allocation that failed; 0 while none has */
};

/* malloc/calloc/realloc/free, counted in m. realloc is told the old size. */
void *xst_loadmem_alloc(struct xst_loadmem *m, size_t n);
void *xst_loadmem_zalloc(struct xst_loadmem *m, size_t n);
void *xst_loadmem_realloc(struct xst_loadmem *m, void *p, size_t old, size_t n);
void xst_loadmem_free(struct xst_loadmem *m, void *p, size_t n);
/* The same for the database's big tables (dns/hugemem.h): old and n are the
 * sizes asked, p is NULL or what an earlier call returned. */
void *xst_loadmem_huge(struct xst_loadmem *m, void *p, size_t old, size_t n);
void xst_loadmem_huge_free(struct xst_loadmem *m, void *p, size_t n);

/*
 * The reason of a load that ran out of memory: "out of memory: the zones
 * need about N MiB (M MiB allocated when malloc failed)". held: the bytes
 * the whole load held when the allocation failed; need: the estimate of
 * the whole load (at least held + the failed allocation).
 */
void xst_loadmem_reason(char *buf, size_t cap, size_t held, size_t need);

/*
 * Test hook: from now on, allocations of any account fail once that
 * account would hold more than limit bytes (0: no limit, the default). For
 * the unit tests, which run under ASan (where a real allocation failure
 * aborts); a process setting it has no other use of the loader.
 */
void xst_loadmem_test_limit(size_t limit);

/*
 * For a process that loads zones (the daemon, tools/dns-sock), once at
 * start: malloc hands out every block of 128 KiB or more as its own
 * mapping, given back when freed. glibc otherwise raises that threshold
 * each time such a block is freed (the parser's tables), and the builder's
 * blocks then come from the heap, where freed temporaries stay resident:
 * 13 MiB more at the peak of a 500,000-name load.
 */
void xst_loadmem_setup(void);

#endif /* XST_DNS_LOADMEM_H */
