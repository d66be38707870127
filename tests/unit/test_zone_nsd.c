// SPDX-License-Identifier: GPL-2.0
/*
 * Master-file lexer and directives as NSD 4.6.1 reads them, found on
 * third-party zones (tests/dns/thirdparty/) and on small probes, each
 * compared with nsd-checkzone 4.6.1 on the same text: what it loads we
 * load to the same records, what it refuses we refuse (file:line: reason).
 */
#include <check.h>

#include "../lib/dns_text.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns/zone.h"
#include "dns/wire.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SOA_T "@ SOA ns h 1 2 3 4 5\n"

struct ok_case {
	const char *name;
	const char *text;
	const char *origin;	/* NULL: from the file */
	const char *want[6];	/* records other than the SOA, in file order */
};

static const struct ok_case ok[] = {
	{ "blank owner on the first record: the apex", "$ORIGIN t.\n  A 1.2.3.4\n" SOA_T, NULL,
	  { "t. 3600 A 01020304" } },
	{ "blank owner first, $ORIGIN below the apex: still the apex",
	  "$ORIGIN sub.t.\n  A 1.2.3.4\nt. SOA ns h 1 2 3 4 5\n", "t.", { "t. 3600 A 01020304" } },
	{ "quoted owner: one label, dot included", "$ORIGIN t.\n" SOA_T "\"a.b\" A 1.2.3.4\n", NULL,
	  { "a\\.b.t. 3600 A 01020304" } },
	{ "quoted name in RDATA", "$ORIGIN t.\n" SOA_T "c CNAME \"x\"\n", NULL,
	  { "c.t. 3600 CNAME 0178017400" } },
	{ "quoted TTL, class and type", "$ORIGIN t.\n" SOA_T "a \"30\" \"IN\" \"A\" 1.2.3.4\n", NULL,
	  { "a.t. 30 A 01020304" } },
	{ "quoted $TTL", "$ORIGIN t.\n$TTL \"20\"\n" SOA_T "a A 1.2.3.4\n", NULL,
	  { "a.t. 20 A 01020304" } },
	{ "unknown directive alone: skipped", "$ORIGIN t.\n" SOA_T "$FOO\na A 1.2.3.4\n", NULL,
	  { "a.t. 3600 A 01020304" } },
	{ "unknown directive: the rest is a record of the previous owner",
	  "$ORIGIN t.\n" SOA_T "a TXT y\n$FOO A 1.2.3.4\n", NULL,
	  { "a.t. 3600 TXT 0179", "a.t. 3600 A 01020304" } },
	{ "'(' open at the end of the file", "$ORIGIN t.\n" SOA_T "a TXT ( x", NULL,
	  { "a.t. 3600 TXT 0178" } },
	{ "a line of only parentheses at column 0, then a blank owner",
	  "$ORIGIN t.\n" SOA_T "a A 1.2.3.4\n( )\n  A 1.2.3.5\n", NULL,
	  { "a.t. 3600 A 01020304", "a.t. 3600 A 01020305" } },
	{ "escaped @ is a label", "$ORIGIN t.\n" SOA_T "\\@.a A 1.2.3.4\n", NULL,
	  { "\\@.a.t. 3600 A 01020304" } },
	{ "$ORIGIN @ keeps the origin", "$ORIGIN t.\n" SOA_T "$ORIGIN @\na A 1.2.3.4\n", NULL,
	  { "a.t. 3600 A 01020304" } },
	{ "'$' inside a word", "$ORIGIN t.\n" SOA_T "a$b TXT c$d\n", NULL,
	  { "a\\$b.t. 3600 TXT 03632464" } },
	{ "quoted numbers, addresses and hex in RDATA",
	  "$ORIGIN t.\n" SOA_T "a A \"1.2.3.4\"\na AAAA \"::1\"\nm MX \"10\" a\n"
	  "u TYPE999 \\# \"2\" \"abcd\"\n", NULL,
	  { "a.t. 3600 A 01020304", "a.t. 3600 AAAA 00000000000000000000000000000001",
	    "m.t. 3600 MX 000a01610174" "00", "u.t. 3600 TYPE999 abcd" } },
};

START_TEST(test_zone_nsd_ok)
{
	const struct ok_case *c = &ok[_i];
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	char line[1024];
	size_t i, n = 0, k = 0;

	ck_assert_msg(xst_zone_parse_string(&z, c->text, "t.zone", c->origin, &err) == 0,
		      "%s: %s:%u: %s", c->name, err.file, err.line, err.reason);
	while (c->want[n])
		n++;
	for (i = 0; i < z->nr_rrs; i++) {
		if (z->rrs[i].type == XST_T_SOA)
			continue;
		ck_assert_msg(k < n, "%s: more records than %zu", c->name, n);
		test_rr_line(z, i, line, sizeof(line));
		ck_assert_msg(!strcmp(line, c->want[k]), "%s: record '%s', want '%s'", c->name, line,
			      c->want[k]);
		k++;
	}
	ck_assert_msg(k == n, "%s: %zu records, want %zu", c->name, k, n);
	xst_zone_destroy(z);
}
END_TEST

struct bad_case {
	const char *name;
	const char *text;
	unsigned int line;
	const char *reason;	/* substring */
};

static const struct bad_case bad[] = {
	{ "relative $ORIGIN", "$ORIGIN t.\n" SOA_T "$ORIGIN sub\n", 3, "requires absolute" },
	{ "quoted $ORIGIN", "$ORIGIN \"t.\"\n" SOA_T, 1, "requires absolute" },
	{ "relative $INCLUDE origin", "$ORIGIN t.\n" SOA_T "$INCLUDE x.inc sub\n", 3,
	  "requires absolute" },
	{ "$INCLUDE origin @", "$ORIGIN t.\n" SOA_T "$INCLUDE x.inc @\n", 3, "requires absolute" },
	{ "quoted $INCLUDE name is opened with its quotes", "$ORIGIN t.\n" SOA_T
	  "$INCLUDE \"/nonexistent/q.inc\"\n", 3, "'\"/nonexistent/q.inc\"'" },
	{ "'@' after a label", "$ORIGIN t.\n" SOA_T "a.@ A 1.2.3.4\n", 3, "'@' inside" },
	{ "'@' before a label in RDATA", "$ORIGIN t.\n" SOA_T "c CNAME @.a\n", 3, "'@' inside" },
	{ "'@.'", "$ORIGIN t.\n" SOA_T "c CNAME @.\n", 3, "'@' inside" },
	{ "word starting with '$'", "$ORIGIN t.\n" SOA_T "a TXT $x\n", 3, "unknown character '$'" },
	{ "label starting with '$'", "$ORIGIN t.\n" SOA_T "c CNAME b.$x\n", 3,
	  "unknown character '$'" },
	{ "$GENERATE (NSD has none)", "$ORIGIN t.\n" SOA_T "$GENERATE 1-3 h$ A 1.2.3.$\n", 3,
	  "unknown character '$'" },
	{ "indented line of only parentheses", "$ORIGIN t.\n" SOA_T "  ( )\n", 3,
	  "only parentheses" },
	{ "indented '(' alone at the end", "$ORIGIN t.\n" SOA_T "  (\n", 3, "only parentheses" },
	{ "empty quoted owner", "$ORIGIN t.\n" SOA_T "\"\" A 1.2.3.4\n", 3, "empty label" },
	{ "quoted address with a blank", "$ORIGIN t.\n" SOA_T "a A \" 1.2.3.4\"\n", 3,
	  "bad IPv4" },
	{ "quoted label over 63", "$ORIGIN t.\n" SOA_T
	  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" A 1.2.3.4\n", 3,
	  "longer than 63" },
};

START_TEST(test_zone_nsd_bad)
{
	const struct bad_case *c = &bad[_i];
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	int r;

	r = xst_zone_parse_string(&z, c->text, "bad.zone", NULL, &err);
	ck_assert_msg(r == -EINVAL, "%s: returned %d", c->name, r);
	ck_assert_ptr_null(z);
	ck_assert_msg(err.line == c->line, "%s: line %u, want %u (%s)", c->name, err.line, c->line,
		      err.reason);
	ck_assert_msg(strstr(err.reason, c->reason), "%s: reason '%s', want '%s'", c->name,
		      err.reason, c->reason);
}
END_TEST

Suite *zone_nsd_suite(void)
{
	Suite *s = suite_create("zone_nsd");
	TCase *tc = tcase_create("lexer");

	tcase_add_loop_test(tc, test_zone_nsd_ok, 0, ARRAY_SIZE(ok));
	tcase_add_loop_test(tc, test_zone_nsd_bad, 0, ARRAY_SIZE(bad));
	suite_add_tcase(s, tc);
	return s;
}
