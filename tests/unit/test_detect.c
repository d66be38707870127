// SPDX-License-Identifier: GPL-2.0
/*
 * filter/detect.h with simulated time: an attack starts when both the
 * unknown-name rate and the distinct-name estimate pass their thresholds,
 * holds, ends after hold_s quiet seconds with its counts; one repeated
 * unknown name does not start it; two workers add up (a name both saw
 * counts once in the distinct estimate).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/clock.h"
#include "filter/detect.h"

#define S(x) ((uint64_t)(x) * XST_NS_PER_SEC)

static struct xst_detect *mk(uint32_t workers, uint64_t unknown, uint64_t distinct, uint32_t hold)
{
	static const char *const names[] = { "example.test.", "other.test." };
	struct xst_detect_cfg cfg = {
		.nr_workers = workers, .nr_zones = 2, .zone_names = names,
		.unknown_min = unknown, .distinct_min = distinct, .hold_s = hold,
	};
	struct xst_detect *d;

	ck_assert_int_eq(xst_detect_create(&d, &cfg), 0);
	return d;
}

/* n distinct names (hashes base..base+n) of zone z by worker w in second sec. */
static void flood(struct xst_detect *d, uint32_t w, uint32_t z, uint64_t sec, uint32_t base,
		  uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		xst_detect_report(d, w, z, (base + i) * 2654435761u, S(sec) + i * 1000);
}

START_TEST(test_start_hold_end)
{
	struct xst_detect *d = mk(1, 100, 50, 3);
	struct xst_detect_event ev[4];
	struct xst_guard_zone gz;

	flood(d, 0, 0, 10, 0, 200);
	ck_assert_int_eq(xst_detect_active(d, 0), 0);
	ck_assert_uint_eq(xst_detect_tick(d, S(11) + 5, ev, 4), 1);
	ck_assert_uint_eq(ev[0].zone, 0);
	ck_assert_uint_eq(ev[0].started, 1);
	ck_assert_str_eq(ev[0].name, "example.test.");
	ck_assert_uint_eq(ev[0].unknown_rate, 200);
	ck_assert_uint_ge(ev[0].distinct_rate, 190);	/* linear counting: about 200 */
	ck_assert_uint_le(ev[0].distinct_rate, 210);
	ck_assert_int_eq(xst_detect_active(d, 0), 1);
	ck_assert_int_eq(xst_detect_active(d, 1), 0);
	ck_assert_int_eq(xst_detect_any_active(d), 1);
	/* the same second again: nothing new */
	ck_assert_uint_eq(xst_detect_tick(d, S(11) + 7, ev, 4), 0);

	/* outcomes while it lasts, then quiet seconds 11, 12: held */
	xst_detect_outcome(d, 0, 0, 1);
	xst_detect_outcome(d, 0, 0, 1);
	xst_detect_outcome(d, 0, 0, 0);
	ck_assert_uint_eq(xst_detect_tick(d, S(12), ev, 4), 0);
	ck_assert_uint_eq(xst_detect_tick(d, S(13), ev, 4), 0);
	ck_assert_int_eq(xst_detect_active(d, 0), 1);
	xst_detect_zone_info(d, 0, &gz);
	ck_assert_str_eq(gz.name, "example.test.");
	ck_assert_uint_eq(gz.active, 1);
	ck_assert_uint_eq(gz.kind, XST_ATTACK_NXFLOOD);
	ck_assert_uint_eq(gz.challenged, 2);
	ck_assert_uint_eq(gz.dropped, 1);
	ck_assert_uint_eq(gz.unknown_rate, 0);
	/* third quiet second (13): ended */
	ck_assert_uint_eq(xst_detect_tick(d, S(14), ev, 4), 1);
	ck_assert_uint_eq(ev[0].started, 0);
	ck_assert_uint_eq(ev[0].duration_s, 4);
	ck_assert_uint_eq(ev[0].challenged, 2);
	ck_assert_uint_eq(ev[0].dropped, 1);
	ck_assert_uint_eq(ev[0].unknown_rate, 200);	/* the last second above */
	ck_assert_int_eq(xst_detect_active(d, 0), 0);
	ck_assert_int_eq(xst_detect_any_active(d), 0);
	xst_detect_zone_info(d, 0, &gz);
	ck_assert_uint_eq(gz.kind, XST_ATTACK_NONE);
	xst_detect_destroy(d);
}
END_TEST

START_TEST(test_hold_renewed)
{
	struct xst_detect *d = mk(1, 100, 50, 2);
	struct xst_detect_event ev[4];

	flood(d, 0, 0, 10, 0, 200);
	ck_assert_uint_eq(xst_detect_tick(d, S(11), ev, 4), 1);
	/* quiet 11, above again 12: the hold starts over */
	flood(d, 0, 0, 12, 1000, 200);
	ck_assert_uint_eq(xst_detect_tick(d, S(12), ev, 4), 0);
	ck_assert_uint_eq(xst_detect_tick(d, S(13), ev, 4), 0);
	ck_assert_uint_eq(xst_detect_tick(d, S(14), ev, 4), 0);
	ck_assert_int_eq(xst_detect_active(d, 0), 1);
	ck_assert_uint_eq(xst_detect_tick(d, S(15), ev, 4), 1);
	ck_assert_uint_eq(ev[0].started, 0);
	xst_detect_destroy(d);
}
END_TEST

START_TEST(test_repeated_name)
{
	struct xst_detect *d = mk(1, 100, 50, 3);
	struct xst_detect_event ev[4];
	struct xst_guard_zone gz;

	for (int i = 0; i < 5000; i++)
		xst_detect_report(d, 0, 0, 0xdeadbeef, S(10) + (uint64_t)i);
	ck_assert_uint_eq(xst_detect_tick(d, S(11), ev, 4), 0);
	ck_assert_int_eq(xst_detect_active(d, 0), 0);
	xst_detect_zone_info(d, 0, &gz);
	ck_assert_uint_eq(gz.unknown_rate, 5000);
	ck_assert_uint_eq(gz.distinct_rate, 1);
	/* many distinct names but under the query rate: not either */
	flood(d, 0, 1, 11, 0, 60);
	ck_assert_uint_eq(xst_detect_tick(d, S(12), ev, 4), 0);
	xst_detect_destroy(d);
}
END_TEST

START_TEST(test_two_workers)
{
	struct xst_detect *d = mk(2, 100, 100, 3);
	struct xst_detect_event ev[4];
	struct xst_guard_zone gz;

	/* one worker alone is under the thresholds */
	flood(d, 0, 1, 10, 0, 60);
	ck_assert_uint_eq(xst_detect_tick(d, S(11), ev, 4), 0);
	/* both: 120 queries, 120 distinct names */
	flood(d, 0, 1, 11, 0, 60);
	flood(d, 1, 1, 11, 500, 60);
	ck_assert_uint_eq(xst_detect_tick(d, S(12), ev, 4), 1);
	ck_assert_uint_eq(ev[0].zone, 1);
	ck_assert_str_eq(ev[0].name, "other.test.");
	ck_assert_uint_eq(ev[0].unknown_rate, 120);
	ck_assert_uint_ge(ev[0].distinct_rate, 112);
	ck_assert_uint_le(ev[0].distinct_rate, 128);
	/* the same names on both workers count once */
	flood(d, 0, 0, 12, 0, 80);
	flood(d, 1, 0, 12, 0, 80);
	ck_assert_uint_eq(xst_detect_tick(d, S(13), ev, 4), 0);
	xst_detect_zone_info(d, 0, &gz);
	ck_assert_uint_eq(gz.unknown_rate, 160);
	ck_assert_uint_le(gz.distinct_rate, 88);
	xst_detect_destroy(d);
}
END_TEST

START_TEST(test_scale_and_bounds)
{
	struct xst_detect *d = mk(1, 1000, 500, 3);
	struct xst_detect_event ev[4];
	struct xst_detect_cfg bad = { .nr_workers = 0, .nr_zones = 1 };
	struct xst_detect *x;

	ck_assert_int_eq(xst_detect_create(&x, &bad), -EINVAL);
	/* out of range: ignored */
	xst_detect_report(d, 5, 0, 1, S(10));
	xst_detect_report(d, 0, 7, 1, S(10));
	ck_assert_int_eq(xst_detect_active(d, 9), 0);
	/* 1 in 16 sampled: 100 seen are 1600 */
	xst_detect_set_scale(d, 16);
	flood(d, 0, 0, 10, 0, 100);
	ck_assert_uint_eq(xst_detect_tick(d, S(11), ev, 4), 1);
	ck_assert_uint_eq(ev[0].unknown_rate, 1600);
	/* second 14 uses second 10's slot: its stamp says 10, so it reads as
	 * quiet (read as 14 it would be 1600 again and hold the attack) */
	ck_assert_uint_eq(xst_detect_tick(d, S(15), ev, 4), 1);	/* 14 quiet, held since 10 */
	ck_assert_uint_eq(ev[0].started, 0);
	xst_detect_destroy(d);
}
END_TEST

/*
 * xst_detect_local(): two workers, thresholds 100/60 -> 50/30 each; worker
 * 0 passes at its 50th distinct name of the second and stays so for that
 * second, worker 1 (20 names) and the other zone not; nothing global (no
 * active flag, the tick sees 70 < 100: no event); the next second starts
 * over; a repeated name never passes; explicit thresholds override; bad
 * indices are 0; scale 2 halves the derived shares (25/15).
 */
START_TEST(test_local)
{
	struct xst_detect *d = mk(2, 100, 60, 3);
	struct xst_detect_event ev[4];
	uint32_t i;

	for (i = 0; i < 50; i++) {
		xst_detect_report(d, 0, 0, i * 2654435761u, S(10) + i);
		ck_assert_msg(!!xst_detect_local(d, 0, 0, S(10) + i, 0, 0) == (i == 49),
			      "name %u", i);
	}
	xst_detect_report(d, 0, 0, 7, S(10) + 60);	/* an old name: still on */
	ck_assert_int_ne(xst_detect_local(d, 0, 0, S(10) + 61, 0, 0), 0);
	ck_assert_int_ne(xst_detect_local(d, 0, 0, S(10) + 62, 0, 0), 0);
	flood(d, 1, 0, 10, 1000, 20);
	ck_assert_int_eq(xst_detect_local(d, 1, 0, S(10) + 99999, 0, 0), 0);
	ck_assert_int_eq(xst_detect_local(d, 0, 1, S(10) + 99999, 0, 0), 0);
	ck_assert_int_eq(xst_detect_active(d, 0), 0);
	ck_assert_uint_eq(xst_detect_tick(d, S(11), ev, 4), 0);
	/* the next second: from zero */
	ck_assert_int_eq(xst_detect_local(d, 0, 0, S(11), 0, 0), 0);
	xst_detect_report(d, 0, 0, 1, S(11));
	ck_assert_int_eq(xst_detect_local(d, 0, 0, S(11), 0, 0), 0);
	/* one name 200 times: count yes, distinct no */
	for (i = 0; i < 200; i++)
		xst_detect_report(d, 0, 0, 12345, S(12) + i);
	ck_assert_int_eq(xst_detect_local(d, 0, 0, S(12) + 300, 0, 0), 0);
	ck_assert_int_ne(xst_detect_local(d, 0, 0, S(12) + 300, 150, 1), 0);
	/* explicit: 5 unknown, 5 distinct */
	flood(d, 1, 1, 13, 0, 4);
	ck_assert_int_eq(xst_detect_local(d, 1, 1, S(13) + 9000, 5, 5), 0);
	flood(d, 1, 1, 13, 4, 1);
	ck_assert_int_ne(xst_detect_local(d, 1, 1, S(13) + 9000, 5, 5), 0);
	ck_assert_int_eq(xst_detect_local(d, 2, 0, S(13), 1, 1), 0);
	ck_assert_int_eq(xst_detect_local(d, 0, 2, S(13), 1, 1), 0);
	/* sampled 1 in 2: 25 names suffice */
	xst_detect_set_scale(d, 2);
	flood(d, 0, 0, 14, 0, 24);
	ck_assert_int_eq(xst_detect_local(d, 0, 0, S(14) + 99999, 0, 0), 0);
	flood(d, 0, 0, 14, 24, 1);
	ck_assert_int_ne(xst_detect_local(d, 0, 0, S(14) + 99999, 0, 0), 0);
	xst_detect_destroy(d);
}
END_TEST

Suite *detect_suite(void)
{
	Suite *s = suite_create("detect");
	TCase *tc = tcase_create("detect");

	tcase_add_test(tc, test_start_hold_end);
	tcase_add_test(tc, test_hold_renewed);
	tcase_add_test(tc, test_repeated_name);
	tcase_add_test(tc, test_two_workers);
	tcase_add_test(tc, test_scale_and_bounds);
	tcase_add_test(tc, test_local);
	suite_add_tcase(s, tc);
	return s;
}
