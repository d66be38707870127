// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the DNSSEC paths of the responder (DO=1 forms,
 * the per-query NSEC/NSEC3 lookup and the insertion of its chunk). The
 * database holds a signed fixture of tests/dns/signed (run.sh runs from
 * the repository root): NSEC3, or NSEC with FUZZ_DNSSEC_NSEC set (the
 * fixtures share their apex, so one per process), or with FUZZ_DNSSEC_WIDE
 * wide.nsec3.zone and names under its 15.8 kB wildcard w.wide.test (proofs
 * past the 16 kB pointer reach over TCP). Each input runs as a raw
 * message, then as the query it describes: byte 0 picks zone, transport
 * and DO, bytes 1-2 the qtype, 3-4 the EDNS size, the rest the labels of a
 * name under the zone's apex (so that most queries reach the zone), answered
 * in a buffer of exactly the allowed size (ASan catches any overrun).
 * Beside it, a zone d.signed.test with a DNAME at its apex to signed.test
 * (signatures are placeholders: nothing checks them), so that names ending
 * in the label "d" take the DO=1 DNAME path into the fixture's forms
 * (with FUZZ_DNSSEC_WIDE its target is not loaded: the path to no zone).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/db.h"
#include "dns/wire.h"
#include "dns/zone.h"

static struct xst_dns_db *db;
static int wide;	/* FUZZ_DNSSEC_WIDE: the wide.test fixture */

static const char *const fx[] = {
	"tests/dns/signed/nsec.3597.zone",
	"tests/dns/signed/nsec3.3597.zone",
};

#define SIG	" 13 3 300 20371231000000 20240101000000 1 d.signed.test. AAAA\n"
static const char dname_zone[] =
	"$ORIGIN d.signed.test.\n$TTL 300\n"
	"@ SOA ns.signed.test. h 1 2 3 4 5\n@ RRSIG SOA" SIG
	"@ NS ns.signed.test.\n@ RRSIG NS" SIG
	"@ DNSKEY 257 3 13 AAAA\n@ RRSIG DNSKEY" SIG
	"@ DNAME signed.test.\n@ RRSIG DNAME" SIG
	"@ NSEC d.signed.test. SOA NS DNSKEY DNAME RRSIG NSEC\n@ RRSIG NSEC" SIG;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct xst_zone_error err;
	struct xst_zone *z[2];

	(void)argc;
	(void)argv;
	wide = getenv("FUZZ_DNSSEC_WIDE") != NULL;
	if (xst_zone_load(&z[0], wide ? "tests/dns/signed/wide.nsec3.zone" :
			  fx[getenv("FUZZ_DNSSEC_NSEC") ? 0 : 1], wide ? "wide.test." : "signed.test.",
			  &err) ||
	    xst_zone_parse_string(&z[1], dname_zone, "d.signed.test", "d.signed.test.", &err)) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.reason);
		abort();
	}
	if (xst_dns_db_create(&db, z, 2, &err))
		abort();
	xst_zone_destroy(z[0]);
	xst_zone_destroy(z[1]);
	return 0;
}

static size_t build(uint8_t *m, const uint8_t *data, size_t size, int *tcp)
{
	size_t o = 12, i = 5, nlab = 0;
	uint8_t sel = data[0];

	memset(m, 0, 12);
	m[0] = data[0];
	xst_put_be16(m + 4, 1);
	xst_put_be16(m + 10, 1);
	/* labels: length from each byte's low 3 bits (1..8), then that many bytes */
	while (i < size && nlab < 20 && o < 12 + 200) {
		size_t l = (size_t)(data[i] & 7) + 1, k;

		i++;
		if (i + l > size)
			l = size - i;
		if (!l)
			break;
		m[o++] = (uint8_t)l;
		for (k = 0; k < l; k++)
			m[o++] = data[i + k] ? data[i + k] : 'a';
		i += l;
		nlab++;
	}
	if (wide) {
		memcpy(m + o, "\1w\4wide\4test", 13);
		o += 13;
	} else {
		memcpy(m + o, "\6signed\4test", 13);
		o += 13;
	}
	xst_put_be16(m + o, (uint16_t)(data[1] << 8 | data[2]));
	xst_put_be16(m + o + 2, sel & 0x40 ? XST_C_ANY : XST_C_IN);
	o += 4;
	m[o] = 0;
	xst_put_be16(m + o + 1, XST_T_OPT);
	xst_put_be16(m + o + 3, (uint16_t)(data[3] << 8 | data[4]));
	m[o + 5] = 0;
	m[o + 6] = 0;
	xst_put_be16(m + o + 7, sel & 2 ? 0 : 0x8000);
	xst_put_be16(m + o + 9, 0);
	*tcp = sel & 1;
	return o + 11;
}

/* A name at *off of m[0..len): labels, or a pointer to an earlier name; 0 or -1. */
static int check_name(const uint8_t *m, size_t len, size_t *off)
{
	size_t o = *off, hops = 0, start = *off;
	int jumped = 0;

	for (;;) {
		if (o >= len)
			return -1;
		if ((m[o] & 0xc0) == 0xc0) {
			size_t t;

			if (o + 1 >= len)
				return -1;
			t = (size_t)(m[o] & 0x3f) << 8 | m[o + 1];
			if (t >= (jumped ? o : start) || t < 12 || ++hops > 128)
				return -1;	/* pointers go back, to a name */
			if (!jumped)
				*off = o + 2;
			jumped = 1;
			o = t;
			continue;
		}
		if (m[o] & 0xc0)
			return -1;
		if (!m[o])
			break;
		o += m[o] + 1u;
	}
	if (!jumped)
		*off = o + 1;
	return 0;
}

/* Every reply of a query this target built is a well-formed message. */
static void check_reply(const uint8_t *m, size_t n)
{
	size_t off = 12, i, rrs;

	if (n < 12)
		abort();
	rrs = (size_t)xst_get_be16(m + 6) + xst_get_be16(m + 8) + xst_get_be16(m + 10);
	if (xst_get_be16(m + 4) != 1 || check_name(m, n, &off) || off + 4 > n)
		abort();
	off += 4;
	for (i = 0; i < rrs; i++) {
		if (check_name(m, n, &off) || off + 10 > n)
			abort();
		off += 10u + xst_get_be16(m + off + 8);
		if (off > n)
			abort();
	}
	if (off != n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_dns_stats st = { 0 };
	uint8_t q[512], *buf;
	size_t n, qlen, cap;
	int tcp;

	/* the raw message, as fuzz_respond does */
	buf = malloc(size > 4096 ? size : 4096);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	n = xst_dns_respond(db, buf, size, size > 4096 ? size : 4096, 0, &st);
	if (n > (size > 4096 ? size : 4096))
		abort();
	free(buf);

	if (size < 5)
		return 0;
	qlen = build(q, data, size, &tcp);
	/* room: a whole TCP message, or exactly the EDNS size (at least 512) */
	cap = tcp ? 65535 : (size_t)(data[3] << 8 | data[4]);
	if (cap < 512)
		cap = 512;
	if (cap < qlen)
		cap = qlen;
	buf = malloc(cap);
	if (!buf)
		return 0;
	memcpy(buf, q, qlen);
	n = xst_dns_respond(db, buf, qlen, cap, tcp, &st);
	if (n > cap)
		abort();
	if (n)
		check_reply(buf, n);
	free(buf);
	return 0;
}
