// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the per-query responder: a DNS message in, a reply
 * or a drop out. The database is built once from a small zone that has
 * every kind of answer (wildcards, CNAME chains and loops, a delegation,
 * big RRsets for truncation). Each input runs twice: in a roomy buffer and
 * in one of exactly its own length (so a reply that does not fit shows up
 * as an ASan report, not as silently written slack).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/db.h"
#include "dns/zone.h"

static const char zone_text[] =
	"$ORIGIN fuzz.test.\n"
	"$TTL 300\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n"
	"@ NS ns1\n"
	"@ NS ns2.elsewhere.invalid.\n"
	"@ MX 10 mail\n"
	"@ TXT \"v=spf1 -all\"\n"
	"ns1 A 192.0.2.53\n"
	"ns1 AAAA 2001:db8::53\n"
	"mail A 192.0.2.25\n"
	"www A 192.0.2.80\n"
	"www A 192.0.2.81\n"
	"alias CNAME www\n"
	"c1 CNAME c2\n"
	"c2 CNAME nothere\n"
	"loop1 CNAME loop2\n"
	"loop2 CNAME loop1\n"
	"a.b.ent A 192.0.2.100\n"
	"*.wild A 192.0.2.200\n"
	"*.wild MX 10 host.wild\n"
	"*.cw CNAME c1\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.150\n"
	"_s._tcp SRV 0 0 1 mail\n"
	"big TXT \"0123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"1123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"2123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"3123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"4123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"5123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"6123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	"big TXT \"7123456789012345678901234567890123456789012345678901234567890123456789\"\n";

static struct xst_dns_db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct xst_zone_error err;
	struct xst_zone *z;

	(void)argc;
	(void)argv;
	if (xst_zone_parse_string(&z, zone_text, "fuzz.test.zone", NULL, &err) ||
	    xst_dns_db_create(&db, &z, 1, &err))
		abort();
	xst_zone_destroy(z);	/* the database keeps no pointer into the zone */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_dns_stats st = { 0 };
	size_t cap = size > 4096 ? size : 4096, n;
	uint8_t *buf = malloc(cap), *exact;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	n = xst_dns_respond(db, buf, size, cap, size & 1 ? 1 : 0, &st);
	if (n > cap || st.queries != 1)
		abort();
	free(buf);

	exact = malloc(size ? size : 1);
	if (!exact)
		return 0;
	memcpy(exact, data, size);
	n = xst_dns_respond(db, exact, size, size, 0, &st);
	if (n > size)
		abort();
	free(exact);
	return 0;
}
