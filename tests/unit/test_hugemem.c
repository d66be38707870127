// SPDX-License-Identifier: GPL-2.0
/*
 * The database's big tables (dns/hugemem.h): grown in place or moved by
 * mremap, they keep their content, read as zero where new, and stay on a
 * 2 MiB boundary once that large (a misaligned move would split the huge
 * pages the serving path counts on); advised for huge pages only once
 * built (faulting huge pages in while building was the slow part).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "dns/hugemem.h"
#include "dns/loadmem.h"

#define MIB	(1u << 20)

START_TEST(test_len)
{
	ck_assert_uint_eq(xst_huge_len(0), 4096);
	ck_assert_uint_eq(xst_huge_len(1), 4096);
	ck_assert_uint_eq(xst_huge_len(4097), 8192);
	ck_assert_uint_eq(xst_huge_len(2 * MIB), 2 * MIB);
	ck_assert_uint_eq(xst_huge_len(2 * MIB + 1), 4 * MIB);
}
END_TEST

/* Doubling from one byte to 64 MiB, with a mapping in the way half-way
 * (the next grow must move): content kept, new bytes zero, aligned. */
START_TEST(test_grow_keeps)
{
	uint8_t *p = NULL, *block = NULL;
	size_t old = 0, n, i;

	for (n = 1; n <= 64 * MIB; n *= 2) {
		uint8_t *q = xst_huge_resize(p, old, n);

		ck_assert_ptr_nonnull(q);
		for (i = 0; i < old; i += 4093)
			ck_assert_uint_eq(q[i], (uint8_t)(i * 7 + 1));
		for (i = (old + 4092) / 4093 * 4093; i < n; i += 4093)
			ck_assert_uint_eq(q[i], 0);
		if (n >= 2 * MIB)
			ck_assert_uint_eq((uintptr_t)q & (2 * MIB - 1), 0);
		for (i = (old + 4092) / 4093 * 4093; i < n; i += 4093)
			q[i] = (uint8_t)(i * 7 + 1);
		if (n == 4 * MIB && !block) {
			/* occupy the addresses right after the table */
			block = mmap(q + xst_huge_len(n), 4096, PROT_READ,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			if (block == MAP_FAILED)
				block = NULL;
		}
		p = q;
		old = n;
	}
	/* trimmed back: content kept */
	p = xst_huge_resize(p, old, 3 * MIB + 5);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 3 * MIB + 5; i += 4093)
		ck_assert_uint_eq(p[i], (uint8_t)(i * 7 + 1));
	xst_huge_free(p, 3 * MIB + 5);
	if (block)
		munmap(block, 4096);
}
END_TEST

/* Counted like every load allocation: the test limit refuses it. */
START_TEST(test_counted)
{
	struct xst_loadmem m = { 0 };
	void *p;

	xst_loadmem_test_limit(MIB);
	ck_assert_ptr_null(xst_loadmem_huge(&m, NULL, 0, 2 * MIB));
	ck_assert_uint_eq(m.failed, 2 * MIB);
	p = xst_loadmem_huge(&m, NULL, 0, MIB / 2);
	xst_loadmem_test_limit(0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(m.held, MIB / 2);
	xst_loadmem_huge_free(&m, p, MIB / 2);
	ck_assert_uint_eq(m.held, 0);
}
END_TEST

/* Whether the mapping holding p is advised for huge pages ("hg" in its
 * VmFlags, /proc/self/smaps); -1 if it is not found. */
static int advised(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	int in = 0, ret = -1;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char first[64];

		/* a mapping's first line starts "lo-hi perms", its fields "Name:" */
		if (sscanf(line, "%63s", first) == 1 && !strchr(first, ':')) {
			in = sscanf(first, "%lx-%lx", &lo, &hi) == 2 && (uintptr_t)p >= lo &&
			     (uintptr_t)p < hi;
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			ret = strstr(line, " hg") != NULL;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Not advised while it grows; advised once xst_huge_advise() says it is built. */
START_TEST(test_advise)
{
	uint8_t *p = xst_huge_resize(NULL, 0, 2 * MIB);

	ck_assert_ptr_nonnull(p);
	p = xst_huge_resize(p, 2 * MIB, 6 * MIB);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, 6 * MIB);
	ck_assert_int_eq(advised(p), 0);
	xst_huge_advise(p, 6 * MIB);
	ck_assert_int_eq(advised(p), 1);
	ck_assert_uint_eq(p[6 * MIB - 1], 1);
	xst_huge_advise(NULL, 0);	/* a no-op */
	xst_huge_free(p, 6 * MIB);
}
END_TEST

Suite *hugemem_suite(void)
{
	Suite *s = suite_create("hugemem");
	TCase *tc = tcase_create("hugemem");

	tcase_add_test(tc, test_len);
	tcase_add_test(tc, test_grow_keeps);
	tcase_add_test(tc, test_counted);
	tcase_add_test(tc, test_advise);
	suite_add_tcase(s, tc);
	return s;
}
