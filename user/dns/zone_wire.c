// SPDX-License-Identifier: GPL-2.0
/*
 * Wire-format check of RDATA given in RFC 3597 form ("\# len hex") for a
 * type we know. NSD 4.6 (rdata.c, rdata_wireformat_to_rdata_atoms) splits
 * such data into the type's fields and refuses the record when a required
 * field is cut short, a name is malformed or bytes are left over; a zone
 * with "sub NS \# 0" is refused there, and would be served as a malformed
 * packet here without this check. Load time only.
 *
 * Adding a type: one row in wire[] below with the type number, the number
 * of required fields and the field letters of its RDATA, in order:
 *
 *   '1' '2' '4'   an integer of 1, 2 or 4 bytes
 *   'a' 'A'       an IPv4 (4 bytes) / IPv6 (16 bytes) address
 *   '8' '6'       8 bytes (ILNP64, EUI64) / 6 bytes (EUI48)
 *   'n'           a domain name (no compression pointer)
 *   's'           a length byte and that many bytes (character-string,
 *                 NSEC3 salt and hash)
 *   'b'           every byte left, possibly none (keys, digests, bitmaps)
 *   'g'           the IPSECKEY gateway, its kind taken from field 2
 *   'p'           one APL item (family, prefix, length byte, address)
 *   'v'           one SvcParam (key, length, value)
 *
 * A '*' after the last letter repeats it to the end of the data (APL,
 * SVCB). Fields past the required count may be absent, but only when the
 * data ends exactly there (as in NSD). A type without a row takes any
 * bytes, as NSD's unknown types do.
 */
#include "dns/zone_priv.h"

#include <errno.h>
#include <stdio.h>

#include "dns/wire.h"

struct wire_row {
	uint16_t type;
	uint8_t required;	/* the first `required` fields must be present */
	const char *fields;
};

/* From NSD 4.6.1's rrtype_descriptors (dns.c): its wire field kinds and minimum. */
static const struct wire_row wire[] = {
	{ 1, 1, "a" },			/* A */
	{ 2, 1, "n" },			/* NS */
	{ 3, 1, "n" },			/* MD */
	{ 4, 1, "n" },			/* MF */
	{ 5, 1, "n" },			/* CNAME */
	{ 6, 7, "nn44444" },		/* SOA */
	{ 7, 1, "n" },			/* MB */
	{ 8, 1, "n" },			/* MG */
	{ 9, 1, "n" },			/* MR */
	{ 10, 1, "b" },			/* NULL */
	{ 11, 2, "ab" },		/* WKS */
	{ 12, 1, "n" },			/* PTR */
	{ 13, 2, "ss" },		/* HINFO */
	{ 14, 2, "nn" },		/* MINFO */
	{ 15, 2, "2n" },		/* MX */
	{ 16, 1, "b" },			/* TXT: NSD takes the strings unchecked */
	{ 17, 2, "nn" },		/* RP */
	{ 18, 2, "2n" },		/* AFSDB */
	{ 19, 1, "s" },			/* X25 */
	{ 20, 1, "ss" },		/* ISDN: the subaddress is optional */
	{ 21, 2, "2n" },		/* RT */
	{ 22, 1, "b" },			/* NSAP */
	{ 24, 9, "2114442nb" },		/* SIG */
	{ 25, 4, "211b" },		/* KEY */
	{ 26, 3, "2nn" },		/* PX */
	{ 28, 1, "A" },			/* AAAA */
	{ 29, 1, "b" },			/* LOC */
	{ 30, 2, "nb" },		/* NXT */
	{ 33, 4, "222n" },		/* SRV */
	{ 35, 6, "22sssn" },		/* NAPTR */
	{ 36, 2, "2n" },		/* KX */
	{ 37, 4, "221b" },		/* CERT */
	{ 39, 1, "n" },			/* DNAME */
	{ 42, 0, "p*" },		/* APL */
	{ 43, 4, "211b" },		/* DS */
	{ 44, 3, "11b" },		/* SSHFP */
	{ 45, 4, "111gb" },		/* IPSECKEY: the public key is optional */
	{ 46, 9, "2114442nb" },		/* RRSIG */
	{ 47, 2, "nb" },		/* NSEC */
	{ 48, 4, "211b" },		/* DNSKEY */
	{ 49, 1, "b" },			/* DHCID */
	{ 50, 6, "112ssb" },		/* NSEC3 */
	{ 51, 4, "112s" },		/* NSEC3PARAM */
	{ 52, 4, "111b" },		/* TLSA */
	{ 53, 4, "111b" },		/* SMIMEA */
	{ 59, 4, "211b" },		/* CDS */
	{ 60, 4, "211b" },		/* CDNSKEY */
	{ 61, 1, "b" },			/* OPENPGPKEY */
	{ 62, 3, "42b" },		/* CSYNC */
	{ 63, 4, "411b" },		/* ZONEMD */
	{ 64, 2, "2nv*" },		/* SVCB */
	{ 65, 2, "2nv*" },		/* HTTPS */
	{ 99, 1, "s*" },		/* SPF: unlike TXT, NSD reads its strings */
	{ 104, 2, "28" },		/* NID */
	{ 105, 2, "2a" },		/* L32 */
	{ 106, 2, "28" },		/* L64 */
	{ 107, 2, "2n" },		/* LP */
	{ 108, 1, "6" },		/* EUI48 */
	{ 109, 1, "8" },		/* EUI64 */
	{ 256, 3, "22b" },		/* URI */
	{ 257, 3, "1sb" },		/* CAA */
	{ 258, 1, "b" },		/* AVC: strings unchecked, as TXT */
	{ 32769, 4, "211b" },		/* DLV */
};

#define NR_WIRE (sizeof(wire) / sizeof(wire[0]))

static const struct wire_row *row_of(uint16_t type)
{
	size_t i;

	for (i = 0; i < NR_WIRE; i++)
		if (wire[i].type == type)
			return &wire[i];
	return NULL;
}

/* Bytes field c takes at rd[off..len), 0 when it cannot be measured (cut short). */
static size_t field_len(char c, const uint8_t *rd, size_t off, size_t len, uint8_t gw_kind)
{
	size_t left = len - off;

	switch (c) {
	case '1': return 1;
	case '2': return 2;
	case '4': case 'a': return 4;
	case '6': return 6;
	case '8': return 8;
	case 'A': return 16;
	case 'b': return left;
	case 'n': return xst_name_len(rd + off, left);
	case 's': return left ? (size_t)rd[off] + 1 : 1;
	case 'p': return left >= 4 ? (size_t)(rd[off + 3] & 0x7f) + 4 : 4;
	case 'v': return left >= 4 ? ((size_t)rd[off + 2] << 8 | rd[off + 3]) + 4 : 4;
	case 'g':
		switch (gw_kind) {
		case 1: return 4;
		case 2: return 16;
		case 3: return xst_name_len(rd + off, left);
		default: return 0;	/* no gateway (0, and NSD's reading of 4-255) */
		}
	default:
		return 0;
	}
}

int xst_zwire_check(uint16_t type, const uint8_t *rd, size_t len, char *why, size_t cap)
{
	const struct wire_row *w = row_of(type);
	const char *f;
	size_t off = 0, i;
	uint8_t gw_kind = 0;

	if (!w)
		return 0;
	for (f = w->fields, i = 0; *f; i++) {
		char c = *f;
		size_t n;

		if (i >= w->required && off == len)
			return 0;	/* optional fields absent */
		n = field_len(c, rd, off, len, gw_kind);
		if ((c == 'n' || (c == 'g' && gw_kind == 3)) && !n) {
			snprintf(why, cap, "field %zu: bad domain name", i + 1);
			return -EINVAL;
		}
		if (n > len - off) {
			snprintf(why, cap, "field %zu: %zu bytes needed, %zu left", i + 1, n, len - off);
			return -EINVAL;
		}
		if (i == 1 && n)
			gw_kind = rd[off];	/* only 'g' (field 4 of IPSECKEY) reads it */
		off += n;
		if (f[1] != '*')
			f++;
		else if (off == len)
			break;
	}
	if (off < len) {
		snprintf(why, cap, "%zu bytes left over after the last field", len - off);
		return -EINVAL;
	}
	return 0;
}
