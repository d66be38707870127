// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the per-query responder: a DNS message in, a reply
 * or a drop out. The database is built once from a small zone that has
 * every kind of answer (wildcards, CNAME chains and loops, a delegation,
 * DNAMEs (chains, loops, YXDOMAIN), a wildcard owning NS, big RRsets for
 * truncation, and RRsets near and past the 65535-byte
 * message limit, appended at start-up). Each input runs twice: in a roomy
 * buffer (a whole TCP message for odd sizes, which go as TCP) and
 * in one of exactly its own length (so a reply that does not fit shows up
 * as an ASan report, not as silently written slack).
 */
#include <stdint.h>
#include <stdio.h>
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
	/* DNAME (issue 10): in zone, chained, outside, a loop, growing past
	 * 255 bytes, under a wildcard, a CNAME into one; a wildcard with NS */
	"dn DNAME tgt.fuzz.test.\n"
	"a.tgt A 192.0.2.10\n"
	"b.tgt CNAME www\n"
	"*.tgt MX 10 mail\n"
	"dchain DNAME dn.fuzz.test.\n"
	"dout DNAME out.invalid.\n"
	"dloop DNAME x.dloop.fuzz.test.\n"
	"dl1 DNAME dl2.fuzz.test.\n"
	"dl2 DNAME dl1.fuzz.test.\n"
	"dgrow DNAME a-long-label-so-that-names-grow-past-the-limit.more.labels.fuzz.test.\n"
	"*.wd DNAME dn.fuzz.test.\n"
	"cdn CNAME a.dn\n"
	"*.wns NS ns1\n"
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
	/* Large TXT RRsets (issue 11 item 7): 65280 bytes (the largest), and
	 * two RRs of 40000 (never whole), appended as zone text. */
	static const struct { const char *owner; size_t size; } big[] = {
		{ "huge", 65280 }, { "two", 40000 }, { "two", 40000 }, { "*.hw", 65200 },
	};
	size_t cap = sizeof(zone_text) + 4 * 70000, o = sizeof(zone_text) - 1, i, left;
	char *text = malloc(cap);

	if (!text)
		abort();
	memcpy(text, zone_text, o);
	for (i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		o += (size_t)snprintf(text + o, cap - o, "%s TXT", big[i].owner);
		for (left = big[i].size; left; ) {
			size_t n = left - 1 < 255 ? left - 1 : 255;

			text[o++] = ' ';
			text[o++] = '"';
			memset(text + o, 'a' + (char)i, n);
			o += n;
			text[o++] = '"';
			left -= n + 1;
		}
		text[o++] = '\n';
	}
	text[o] = 0;
	if (xst_zone_parse_string(&z, text, "fuzz.test.zone", NULL, &err) ||
	    xst_dns_db_create(&db, &z, 1, &err))
		abort();
	free(text);
	xst_zone_destroy(z);	/* the database keeps no pointer into the zone */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_dns_stats st = { 0 };
	size_t cap = size > 4096 ? size : 4096, n;

	if (size & 1 && cap < 65535)	/* TCP: a whole message of room */
		cap = 65535;
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
