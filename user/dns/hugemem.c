// SPDX-License-Identifier: GPL-2.0
/*
 * Tables grown in place, advised for huge pages once built (dns/hugemem.h). A table of 2 MiB
 * or more starts on a 2 MiB boundary and keeps it when it moves (mremap to
 * an aligned address moves whole huge pages' page tables; an unaligned one
 * would split them). No reservation of address space ahead: a process
 * limited with RLIMIT_AS (tests/dns/run.sh's out-of-memory load) fails
 * only when the tables really do not fit.
 */
#include "dns/hugemem.h"

#include <stdint.h>
#include <sys/mman.h>

#define PAGE		4096u
#define HUGE_PAGE	(2u << 20)

size_t xst_huge_len(size_t n)
{
	size_t a = n >= HUGE_PAGE ? HUGE_PAGE : PAGE;

	return ((n ? n : 1) + a - 1) & ~(a - 1);
}

/* A fresh mapping of len bytes (from xst_huge_len()), 2 MiB-aligned when that large. */
static void *map_aligned(size_t len, int prot)
{
	size_t extra = len >= HUGE_PAGE ? HUGE_PAGE : 0;
	uint8_t *p = mmap(NULL, len + extra, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t head;

	if (p == MAP_FAILED)
		return NULL;
	if (!extra)
		return p;
	head = (HUGE_PAGE - ((uintptr_t)p & (HUGE_PAGE - 1))) & (HUGE_PAGE - 1);
	if (head)
		munmap(p, head);
	if (extra - head)
		munmap(p + head + len, extra - head);
	return p + head;
}

void *xst_huge_resize(void *p, size_t old, size_t n)
{
	size_t ol = xst_huge_len(old), nl = xst_huge_len(n);
	void *q;

	if (!p) {
		q = map_aligned(nl, PROT_READ | PROT_WRITE);
	} else if (nl == ol) {
		return p;
	} else {
		/* In place if the addresses after it are free (or shrinking),
		 * and it is aligned already or stays small; else moved onto a
		 * fresh aligned range (a small table growing past 2 MiB). */
		q = MAP_FAILED;
		if (nl < HUGE_PAGE || !((uintptr_t)p & (HUGE_PAGE - 1)))
			q = mremap(p, ol, nl, 0);
		if (q == MAP_FAILED) {
			void *t = map_aligned(nl, PROT_NONE);

			q = t ? mremap(p, ol, nl, MREMAP_MAYMOVE | MREMAP_FIXED, t) : MAP_FAILED;
			if (q == MAP_FAILED && t)
				munmap(t, nl);
		}
		if (q == MAP_FAILED)
			return NULL;
	}
	return q;
}

void xst_huge_advise(void *p, size_t n)
{
	size_t len = xst_huge_len(n);

	if (p && len >= HUGE_PAGE)
		madvise(p, len, MADV_HUGEPAGE);	/* best effort: 4 KiB pages otherwise */
}

void xst_huge_free(void *p, size_t n)
{
	if (p)
		munmap(p, xst_huge_len(n));
}
