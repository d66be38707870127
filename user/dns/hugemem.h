/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anonymous memory the kernel may back with 2 MiB pages, for the prepared-
 * answer database's big tables (db.c): they are hundreds of MiB read at
 * random, one TLB miss or more per query on 4 KiB pages. The builder writes
 * them in place here from the start, so that they are not copied once built
 * (each fresh page is faulted once, as a huge page where it can be). Grown
 * with mremap(): no copy, the page tables move. Load time only.
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

/* Unmaps the table p of n bytes (as last asked of xst_huge_resize()); NULL is a no-op. */
void xst_huge_free(void *p, size_t n);

#endif /* XST_DNS_HUGEMEM_H */
