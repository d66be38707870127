// SPDX-License-Identifier: GPL-2.0
/*
 * One SRunner for every unit suite. Suites are declared weak so that each
 * module's test file can land on its own; a missing one is reported, not
 * silently skipped.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct xst_daemon;

/*
 * The daemon's objects (all of user/daemon but main.c) are linked in, and
 * daemon/stats.c calls xst_daemon_fatal(), which main.c defines. No unit
 * test reaches it; this weak stand-in only satisfies the link (a real
 * definition outside main.c takes precedence) and fails loudly if called.
 */
__attribute__((weak)) void xst_daemon_fatal(struct xst_daemon *d, const char *fmt, ...);
__attribute__((weak)) void xst_daemon_fatal(struct xst_daemon *d, const char *fmt, ...)
{
	va_list ap;

	(void)d;
	va_start(ap, fmt);
	fprintf(stderr, "unit: xst_daemon_fatal called: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

#define SUITES(X) X(net_suite) X(io_suite) X(worker_suite) X(copypool_suite) X(core_suite) \
	X(options_suite) X(zone_suite) X(dns_suite)

#define DECLARE(name) Suite *name(void) __attribute__((weak));
SUITES(DECLARE)

int main(void)
{
	struct { const char *name; Suite *(*fn)(void); } suites[] = {
#define ENTRY(name) { #name, name },
		SUITES(ENTRY)
	};
	SRunner *sr = NULL;
	int failed, missing = 0;
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!suites[i].fn) {
			printf("unit: suite %s not built (module not present yet)\n", suites[i].name);
			missing++;
			continue;
		}
		if (!sr)
			sr = srunner_create(suites[i].fn());
		else
			srunner_add_suite(sr, suites[i].fn());
	}
	if (!sr) {
		printf("unit: no suites\n");
		return 1;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
