// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the per-frame path: raw Ethernet frame in, reply or
 * drop out, through xst_service_frame() with a db built once from a small
 * embedded zone.
 *
 * Each input runs twice:
 *  1. in a heap block of exactly len bytes with cap = len, so that ASan
 *     catches any read (or write) at or beyond the frame's end;
 *  2. in a 4096-byte frame (the UMEM chunk size), where replies have room.
 *     A reply must fit in cap, come from port 53, and carry a correct IPv4
 *     header checksum and UDP checksum (checked here independently).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/db.h"
#include "dns/zone.h"
#include "svc/dns_udp.h"
#include "../lib/ref_csum.h"

#define FRAME_CAP 4096

static const char ZONE[] =
	"$ORIGIN fuzz.test.\n"
	"$TTL 300\n"
	"@	IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
	"@	IN NS ns1\n"
	"@	IN MX 10 mail\n"
	"ns1	IN A 198.18.0.53\n"
	"mail	IN A 198.18.0.25\n"
	"www	IN A 198.18.0.1\n"
	"www	IN AAAA fd58:5354::1\n"
	"alias	IN CNAME www\n"
	"*.wild	IN TXT \"wildcard\"\n"
	"sub	IN NS ns.sub\n"
	"ns.sub	IN A 198.18.0.54\n";

static struct xst_dns_db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv);
/* The worker's lookahead (read only) runs before the service, as in a batch. */
static void look_ahead(const uint8_t *frame, uint32_t len)
{
	struct xst_dns_ahead a;
	unsigned int i;

	xst_service_ahead(db, frame, len, &a);
	for (i = 0; i < XST_DNS_AHEAD_STEPS; i++)
		xst_dns_ahead_step(db, &a);
	if (a.step)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct xst_zone_error err;
	struct xst_zone *z;

	(void)argc;
	(void)argv;
	memset(&err, 0, sizeof(err));
	if (xst_zone_parse_string(&z, ZONE, "fuzz.zone", NULL, &err) ||
	    xst_dns_db_create(&db, &z, 1, &err)) {
		fprintf(stderr, "fuzz_frame: %s:%u: %s\n", err.file, err.line, err.reason);
		abort();
	}
	xst_zone_destroy(z);	/* the db does not keep the zone */
	return 0;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Independent check of a reply frame; aborts on a violation. */
static void check_reply(const uint8_t *f, uint32_t len)
{
	uint32_t off = 12, ulen, psum;
	const uint8_t *ip, *udp;
	uint16_t proto;

	if (len < 14 + 20 + 8)
		abort();
	proto = be16(f + off);
	while (proto == 0x8100 || proto == 0x88a8 || proto == 0x9100) {
		off += 4;
		proto = be16(f + off);
	}
	ip = f + off + 2;
	if (proto == 0x0800) {
		uint8_t ph[12];

		if (ip[0] != 0x45 || ref_csum_sum(ip, 20, 0) != 0xffff || ip[9] != 17)
			abort();
		udp = ip + 20;
		ulen = be16(udp + 4);
		if (be16(ip + 2) != 20 + ulen)
			abort();
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = (uint8_t)(ulen >> 8);
		ph[11] = (uint8_t)ulen;
		psum = ref_csum_sum(ph, 12, 0);
	} else if (proto == 0x86dd) {
		uint8_t ph[40] = { 0 };

		udp = ip + 40;
		ulen = be16(udp + 4);
		if (be16(ip + 4) != ulen || ip[6] != 17)
			abort();
		memcpy(ph, ip + 8, 32);
		ph[34] = (uint8_t)(ulen >> 8);
		ph[35] = (uint8_t)ulen;
		ph[39] = 17;
		psum = ref_csum_sum(ph, 40, 0);
	} else {
		abort();
	}
	if ((uint32_t)(udp - f) + ulen != len || ulen < 8 + 12)
		abort();
	if (be16(udp) != 53 || !be16(udp + 6) || ref_csum_sum(udp, ulen, psum) != 0xffff)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_service_stats st;
	uint8_t *exact, frame[FRAME_CAP];
	uint32_t r;

	if (size > FRAME_CAP)
		return 0;
	memset(&st, 0, sizeof(st));

	/* 1: exact-size copy, no slack: over-reads and over-writes are caught */
	exact = malloc(size ? size : 1);
	if (!exact)
		return 0;
	memcpy(exact, data, size);
	look_ahead(exact, (uint32_t)size);
	r = xst_service_frame(db, exact, (uint32_t)size, (uint32_t)size, &st);
	if (r > size)
		abort();
	if (r)
		check_reply(exact, r);
	free(exact);

	/* 2: a full frame buffer, as the AF_XDP RX gives it */
	memcpy(frame, data, size);
	memset(frame + size, 0xa5, FRAME_CAP - size);
	r = xst_service_frame(db, frame, (uint32_t)size, FRAME_CAP, &st);
	if (r > FRAME_CAP)
		abort();
	if (r)
		check_reply(frame, r);
	if (st.rx_frames != st.tx_frames + st.dropped_malformed + st.dropped_other)
		abort();
	return 0;
}
