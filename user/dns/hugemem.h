/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anonymous memory the kernel may back with 2 MiB pages, for the prepared-
 * answer database's big tables (db.c): they are hundreds of MiB read at
 * random, one TLB miss or more per query on 4 KiB pages. The builder writes
 * them in place here from the start, so that they are not copied once built.
 * Grown with mremap(): no copy, the page tables move. Built on 4 KiB pages,
 * then advised: khugepaged collapses them into huge pages in the background.
 * Faulting them in as huge pages while building cost a sixth of the load's
 * time on the test machine (2 MiB clears of fresh memory in the fault) for
 * no measurable gain in serving (tools/bench-dns-path, 1M names: 463
 * against 462 ns/query). Load time only.
 */
#ifndef XST_DNS_HUGEMEM_H
#define XST_DNS_HUGEMEM_H

#include <stddef.h>

/* Bytes a table of n bytes maps (whole pages; whole 2 MiB pages from 2 MiB). */
size_t xst_huge_len(size_t n);

/*
 * Resizes the table p (NULL: none yet) of old bytes to n bytes (both as
 * asked, xst_huge_len() is applied), keeping its content; new bytes read
 * as zero. Returns the table, or NULL (p unchanged) if the kernel refuses.
 */
void *xst_huge_resize(void *p, size_t old, size_t n);

/* Advises the built table p of n bytes (as last asked) for huge pages: from
 * then on khugepaged may back it with 2 MiB pages. NULL is a no-op. */
void xst_huge_advise(void *p, size_t n);

/* Unmaps the table p of n bytes (as last asked of xst_huge_resize()); NULL is a no-op. */
void xst_huge_free(void *p, size_t n);

#endif /* XST_DNS_HUGEMEM_H */
