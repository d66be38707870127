// SPDX-License-Identifier: GPL-2.0
/*
 * One SRunner for every unit suite. Suites are declared weak so that each
 * module's test file can land on its own; a missing one is reported, not
 * silently skipped.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#define SUITES(X) X(net_suite) X(io_suite) X(worker_suite) X(copypool_suite) X(core_suite) \
	X(options_suite) X(dns_udp_suite) X(zone_suite) X(zone_dnssec_suite) X(zone_misc_suite) X(dnsmsg_suite) X(dns_suite) X(host_suite) \
	X(netwatch_suite) X(dns_tcp_suite) X(http_request_suite) X(http_site_suite) \
	X(http_segment_suite) X(tcp_suite) X(http_serve_suite) X(http_client_suite) X(cookie_suite) \
	X(guard_suite) X(detect_suite) X(budget_suite) X(dns_filter_suite) X(passback_suite) X(flood_suite) X(rrl_suite) \
	X(daemon_cookies_suite) X(dns_answers_suite) X(zone_nsd_suite) X(loadmem_suite) X(dnssec_suite) X(hugemem_suite)

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
