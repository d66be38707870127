// SPDX-License-Identifier: GPL-2.0
/*
 * filter/budget.h: burst from idle, then rate; burst 0 is one second's
 * worth; rate 0 never refuses; a refused take takes nothing.
 */
#include <check.h>
#include <stdint.h>

#include "core/clock.h"
#include "filter/budget.h"

static uint32_t takes(struct xst_budget *b, uint64_t now, uint32_t n)
{
	uint32_t ok = 0;

	while (n--)
		ok += (uint32_t)xst_budget_take(b, now);
	return ok;
}

START_TEST(test_burst_then_rate)
{
	struct xst_budget b;
	uint64_t t = 50 * XST_NS_PER_SEC, i, ok = 0;

	xst_budget_init(&b, 10, 4);
	ck_assert_uint_eq(takes(&b, t, 10), 4);
	ck_assert_uint_eq(takes(&b, t + XST_NS_PER_SEC / 10 - 1000, 1), 0);
	ck_assert_uint_eq(takes(&b, t + XST_NS_PER_SEC / 10 + 1000, 3), 1);
	/* a steady offer of 1000/s for 10 s gets about 10/s */
	for (i = 0; i < 10000; i++)
		ok += (uint64_t)xst_budget_take(&b, t + XST_NS_PER_SEC + i * XST_NS_PER_MS);
	ck_assert_uint_ge(ok, 99);
	ck_assert_uint_le(ok, 104);
	/* idle long enough: the full burst again, not more */
	ck_assert_uint_eq(takes(&b, t + 100 * XST_NS_PER_SEC, 10), 4);
}
END_TEST

START_TEST(test_defaults)
{
	struct xst_budget b;

	xst_budget_init(&b, 5, 0);	/* burst: 5 */
	ck_assert_uint_eq(takes(&b, XST_NS_PER_SEC, 9), 5);
	xst_budget_init(&b, 0, 7);	/* no budget */
	ck_assert_uint_eq(takes(&b, 0, 100000), 100000);
	xst_budget_init(&b, UINT32_MAX, 0);	/* extremes: no overflow */
	ck_assert_uint_eq(takes(&b, XST_NS_PER_SEC, 1000), 1000);
	xst_budget_init(&b, 1, UINT32_MAX);
	ck_assert_uint_eq(takes(&b, 0, 1000), 1000);
}
END_TEST

Suite *budget_suite(void)
{
	Suite *s = suite_create("budget");
	TCase *tc = tcase_create("budget");

	tcase_add_test(tc, test_burst_then_rate);
	tcase_add_test(tc, test_defaults);
	suite_add_tcase(s, tc);
	return s;
}
