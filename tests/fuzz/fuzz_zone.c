// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the master-file parser: any text in, a zone or a
 * file:line error out, never a crash, a leak or a read past the text. A zone
 * that parses is also compiled into the prepared-answer database, so the
 * builder sees whatever the parser accepts. $INCLUDE is refused in this
 * build (XST_FUZZ): the fuzzer must not read the machine's files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/db.h"
#include "dns/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_zone_error err;
	struct xst_dns_db *db = NULL;
	struct xst_zone *z = NULL;
	char *text = malloc(size + 1);
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	/* Half the inputs get an origin from the caller, half find their own. */
	r = xst_zone_parse_string(&z, text, "fuzz.zone", size & 1 ? "fuzz.test." : NULL, &err);
	if (r) {
		/* A failure always says where and why. */
		if (z || !err.reason[0] || strcmp(err.file, "fuzz.zone"))
			abort();
	} else {
		if (!z || !z->nr_rrs)
			abort();
		if (!xst_dns_db_create(&db, &z, 1, &err))
			xst_dns_db_destroy(db);
		xst_zone_destroy(z);
	}
	free(text);
	return 0;
}
