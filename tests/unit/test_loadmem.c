// SPDX-License-Identifier: GPL-2.0
/*
 * Zone loads that do not fit (dns/loadmem.h): the parser and the builder
 * stop with -ENOMEM and say how much memory the zones need and how much
 * was allocated when malloc failed. The allocation limit is the test hook
 * (xst_loadmem_test_limit()): a real failure under ASan aborts instead of
 * returning NULL; tests/dns/run.sh makes one for real with prlimit --as on
 * build/xdpstorm --check. Also the forms shared between names (db.c
 * form_share()): fewer forms than names, and each name's reply points into
 * its own question.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/db.h"
#include "dns/loadmem.h"
#include "dns/wire.h"
#include "dns/zone.h"

#define NAMES	40000
#define MIB	(1u << 20)

/* A zone like the benchmark's: n hosts, A each, AAAA every 4th, MX every 10th. */
static char *gen_zone(unsigned int n)
{
	size_t cap = 200 + (size_t)n * 80, o;
	char *t = malloc(cap);
	unsigned int i;

	ck_assert_ptr_nonnull(t);
	o = (size_t)snprintf(t, cap, "$ORIGIN bench.test.\n$TTL 300\n"
			     "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n"
			     "ns A 198.18.0.1\nmail A 198.18.0.2\n");
	for (i = 0; i < n; i++) {
		o += (size_t)snprintf(t + o, cap - o, "host%u A 10.%u.%u.%u\n", i, i >> 16 & 255,
				      i >> 8 & 255, i & 255);
		if (i % 4 == 0)
			o += (size_t)snprintf(t + o, cap - o, "host%u AAAA fd00::%x\n", i, i);
		if (i % 10 == 0)
			o += (size_t)snprintf(t + o, cap - o, "host%u MX 10 mail\n", i);
	}
	return t;
}

/* The two figures of an out-of-memory reason, in MiB. */
static void parse_reason(const char *r, unsigned int *need, unsigned int *held)
{
	ck_assert_msg(sscanf(r, "out of memory: the zones need about %u MiB (%u MiB allocated when "
			     "malloc failed)", need, held) == 2, "reason: %s", r);
}

START_TEST(test_parse_nomem)
{
	char *text = gen_zone(NAMES);
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	unsigned int need, held;
	size_t full;

	/* Unlimited first: what the parsed zone holds. */
	ck_assert_int_eq(xst_zone_parse_string(&z, text, "big.zone", NULL, &err), 0);
	full = z->bytes + strlen(text);
	ck_assert_uint_gt(z->bytes, (size_t)NAMES * 40);
	xst_zone_destroy(z);
	z = NULL;

	/* Half of that: the parse stops part way and extrapolates. */
	xst_loadmem_test_limit(full / 2);
	ck_assert_int_eq(xst_zone_parse_string(&z, text, "big.zone", NULL, &err), -ENOMEM);
	xst_loadmem_test_limit(0);
	ck_assert_ptr_null(z);
	ck_assert_str_eq(err.file, "big.zone");
	parse_reason(err.reason, &need, &held);
	ck_assert_uint_le(held, full / 2 / MIB + 1);
	ck_assert_uint_ge(need, held);
	/* About right: within a factor of two of the whole parse. */
	ck_assert_msg((size_t)need * MIB * 2 >= full, "%s; whole parse %zu bytes", err.reason, full);
	ck_assert_uint_le((size_t)need * MIB, full * 2 + MIB);
	free(text);
}
END_TEST

START_TEST(test_build_nomem)
{
	char *text = gen_zone(NAMES);
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	struct xst_dns_db *db = NULL;
	unsigned int need, held;
	size_t bytes, zbytes;

	ck_assert_int_eq(xst_zone_parse_string(&z, text, "big.zone", NULL, &err), 0);
	zbytes = z->bytes;
	ck_assert_int_eq(xst_dns_db_create(&db, &z, 1, &err), 0);
	xst_dns_db_sizes(db, NULL, NULL, &bytes);
	xst_dns_db_destroy(db);
	db = NULL;

	/* The builder's own allocations limited to a quarter of the database. */
	xst_loadmem_test_limit(bytes / 4);
	ck_assert_int_eq(xst_dns_db_create(&db, &z, 1, &err), -ENOMEM);
	xst_loadmem_test_limit(0);
	ck_assert_ptr_null(db);
	parse_reason(err.reason, &need, &held);
	/* The parsed zone counts: the load held it when malloc failed. */
	ck_assert_uint_ge((size_t)held * MIB, zbytes);
	ck_assert_uint_ge(need, held);
	ck_assert_uint_ge((size_t)need * MIB, zbytes + bytes);

	/* Nothing left over: the same zone builds once the limit is gone. */
	ck_assert_int_eq(xst_dns_db_create(&db, &z, 1, &err), 0);
	xst_dns_db_destroy(db);
	xst_zone_destroy(z);
	free(text);
}
END_TEST

/* Query name (text, dots) of type qtype: the reply in m, its length returned. */
static size_t ask(const struct xst_dns_db *db, const char *name, uint16_t qtype, uint8_t *m,
		  size_t *qend)
{
	struct xst_dns_stats st = { 0 };
	size_t o = 12, len;
	const char *p = name;

	memset(m, 0, 12);
	xst_put_be16(m + 4, 1);
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = (size_t)(dot - p);

		m[o++] = (uint8_t)l;
		memcpy(m + o, p, l);
		o += l;
		p = dot + 1;
	}
	m[o++] = 0;
	xst_put_be16(m + o, qtype);
	xst_put_be16(m + o + 2, XST_C_IN);
	o += 4;
	*qend = o;
	len = xst_dns_respond(db, m, o, 512, XST_DNS_UDP, &st);
	ck_assert_uint_gt(len, o);
	return len;
}

START_TEST(test_shared_forms)
{
	static const char text[] = "$ORIGIN t.\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
				   "a A 192.0.2.2\nabcdef A 192.0.2.3\nsub.abcdef A 192.0.2.4\n";
	struct xst_zone_error err;
	struct xst_zone *z = NULL;
	struct xst_dns_db *db = NULL;
	uint8_t m[512];
	size_t names, msgs, qend;
	char *big = gen_zone(2000);

	/* NODATA at a, abcdef and sub.abcdef: one form, each reply's SOA
	 * owner (the first name after the question) points at "t." in its
	 * own question. */
	ck_assert_int_eq(xst_zone_parse_string(&z, text, "t.zone", NULL, &err), 0);
	ck_assert_int_eq(xst_dns_db_create(&db, &z, 1, &err), 0);
	ask(db, "a.t.", XST_T_AAAA, m, &qend);
	ck_assert_uint_eq(xst_get_be16(m + 8), 1);
	ck_assert_uint_eq(xst_get_be16(m + qend), 0xc000 | (12 + 2));
	ask(db, "abcdef.t.", XST_T_AAAA, m, &qend);
	ck_assert_uint_eq(xst_get_be16(m + qend), 0xc000 | (12 + 7));
	ask(db, "sub.abcdef.t.", XST_T_TXT, m, &qend);
	ck_assert_uint_eq(xst_get_be16(m + qend), 0xc000 | (12 + 11));
	/* The A answers stay the names' own: owner = the question. */
	ask(db, "abcdef.t.", XST_T_A, m, &qend);
	ck_assert_uint_eq(xst_get_be16(m + 6), 1);
	ck_assert_uint_eq(xst_get_be16(m + qend), 0xc000 | 12);
	ck_assert_uint_eq(m[qend + 12], 192);
	ck_assert_uint_eq(m[qend + 15], 3);
	xst_dns_db_destroy(db);
	xst_zone_destroy(z);

	/* 2000 hosts: one NODATA form for all, not one each. */
	ck_assert_int_eq(xst_zone_parse_string(&z, big, "big.zone", NULL, &err), 0);
	ck_assert_int_eq(xst_dns_db_create(&db, &z, 1, &err), 0);
	xst_dns_db_sizes(db, &names, &msgs, NULL);
	ck_assert_uint_ge(names, 2000);
	ck_assert_uint_lt(msgs, names * 5 / 2);
	xst_dns_db_destroy(db);
	xst_zone_destroy(z);
	free(big);
}
END_TEST

Suite *loadmem_suite(void)
{
	Suite *s = suite_create("loadmem");
	TCase *tc = tcase_create("loadmem");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_parse_nomem);
	tcase_add_test(tc, test_build_nomem);
	tcase_add_test(tc, test_shared_forms);
	suite_add_tcase(s, tc);
	return s;
}
