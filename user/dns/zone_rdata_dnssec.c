// SPDX-License-Identifier: GPL-2.0
/*
 * Text form of the DNSSEC-family RDATA (RFC 4034, 5155, 2535, 2536, 4398,
 * 4025, 4701, 7929, 7477, 8976, 4255, 6698, 8162): the key, signature,
 * denial-of-existence and certificate types, read with the checks of NSD
 * 4.6.1 (zparser.y, zonec.c): algorithm and certificate-type mnemonics,
 * "0" for empty hex or base64, "-" for an empty NSEC3 salt or hash,
 * base64 with its padding, base32hex, signature times as YYYYMMDDHHmmSS
 * read the way NSD's strptime() reads them, and the NSEC / NXT type
 * bitmaps. Load time only.
 */
#include "dns/zone_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "dns/wire.h"

struct mnemonic {
	const char *name;
	uint16_t value;
};

/* NSD 4.6.1 rdata.c dns_algorithms: exactly the names it knows. */
static const struct mnemonic algorithms[] = {
	{ "RSAMD5", 1 },	{ "DH", 2 },		{ "DSA", 3 },
	{ "ECC", 4 },		{ "RSASHA1", 5 },	{ "DSA-NSEC3-SHA1", 6 },
	{ "RSASHA1-NSEC3-SHA1", 7 }, { "RSASHA256", 8 }, { "RSASHA512", 10 },
	{ "ECC-GOST", 12 },	{ "ECDSAP256SHA256", 13 }, { "ECDSAP384SHA384", 14 },
	{ "ED25519", 15 },	{ "ED448", 16 },	{ "INDIRECT", 252 },
	{ "PRIVATEDNS", 253 },	{ "PRIVATEOID", 254 },	{ NULL, 0 },
};

/* NSD 4.6.1 rdata.c dns_certificate_types (RFC 4398 2.1). */
static const struct mnemonic cert_types[] = {
	{ "PKIX", 1 },	{ "SPKI", 2 },	{ "PGP", 3 },	{ "IPKIX", 4 },
	{ "ISPKI", 5 },	{ "IPGP", 6 },	{ "ACPKIX", 7 }, { "IACPKIX", 8 },
	{ "URI", 253 },	{ "OID", 254 },	{ NULL, 0 },
};

static int lookup(const struct mnemonic *m, const struct xst_ztok *t)
{
	for (; m->name; m++)
		if (xst_ztok_is(t, m->name))
			return m->value;
	return -1;
}

/* A number of at most max, or one of the mnemonics; written in max's size. */
static int f_mnemonic(struct xst_zrd *r, const struct mnemonic *m, uint32_t max, const char *what)
{
	const struct xst_ztok *t;
	int v;

	if (r->i < r->nr && !r->tok[r->i].quoted && (v = lookup(m, &r->tok[r->i])) >= 0) {
		r->i++;
		if (max == 0xff)
			xst_zput8(&r->o, (unsigned int)v);
		else
			xst_zput16(&r->o, (unsigned int)v);
		return 0;
	}
	t = r->i < r->nr ? &r->tok[r->i] : NULL;
	if (t && t->len && (t->s[0] < '0' || t->s[0] > '9'))
		return xst_zerr(r->f, t, "%s record: %s expected, found '%s'", r->tname, what,
				XST_ZSHOW(t));
	return xst_zf_num(r, max, what);
}

int xst_zf_algorithm(struct xst_zrd *r)
{
	return f_mnemonic(r, algorithms, 0xff, "algorithm");
}

/* True when the remaining tokens are the single word "0" (NSD: empty data). */
static int rest_is_zero(const struct xst_zrd *r)
{
	return r->i + 1 == r->nr && xst_ztok_is(&r->tok[r->i], "0");
}

int xst_zf_hex_nsd(struct xst_zrd *r, const char *what)
{
	if (r->i < r->nr && rest_is_zero(r)) {
		r->i = r->nr;
		return 0;
	}
	return xst_zf_hex_rest(r, what, 0);
}

int xst_zf_base64_nsd(struct xst_zrd *r, const char *what)
{
	int err;

	if (r->i >= r->nr)
		return xst_zerr(r->f, r->nr ? &r->tok[r->nr - 1] : NULL, "%s record: missing %s",
				r->tname, what);
	if (rest_is_zero(r)) {
		r->i = r->nr;
		return 0;
	}
	err = xst_zbase64(r->tok + r->i, r->nr - r->i, &r->o, r->f);
	r->i = r->nr;
	return err;
}

/* ---- type bitmaps ------------------------------------------------------------ */

/*
 * A type in a bitmap or an RRSIG: a mnemonic NSD 4.6.1 knows or TYPEnnn.
 * NSD has no mnemonic for A6 and the meta types (TKEY ... ANY), so it
 * takes them only as TYPEnnn; our type table names them for messages.
 */
static int type_of(const struct xst_ztok *t)
{
	int type;

	if (t->quoted)
		return -EINVAL;
	type = xst_rrtype_from_text(t->s, t->len);
	if ((type == 38 || (type >= 249 && type <= 255)) && strncasecmp(t->s, "TYPE", 4))
		return -EINVAL;
	return type;
}

int xst_zbitmap(const struct xst_ztok *tok, size_t nr, struct xst_zout *o, struct xst_zfail *f,
		const char *tname)
{
	uint8_t bits[256][32];		/* a window's bytes are cleared when first used */
	uint8_t used[256] = { 0 };	/* bytes used in each window */
	unsigned int w, last = 0;
	size_t k;

	for (k = 0; k < nr; k++) {
		int type = type_of(&tok[k]);
		unsigned int byte;

		if (type <= 0)
			return xst_zerr(f, &tok[k], "%s record: bad type '%s' in the type bitmap",
					tname, XST_ZSHOW(&tok[k]));
		w = (unsigned int)type >> 8;
		byte = ((unsigned int)type & 0xff) >> 3;
		if (!used[w])
			memset(bits[w], 0, sizeof(bits[w]));
		bits[w][byte] |= (uint8_t)(0x80 >> (type & 7));
		if (used[w] < byte + 1)
			used[w] = (uint8_t)(byte + 1);
		if (w > last)
			last = w;
	}
	for (w = 0; nr && w <= last; w++) {
		if (!used[w])
			continue;
		xst_zput8(o, w);
		xst_zput8(o, used[w]);
		xst_zput(o, bits[w], used[w]);
	}
	return 0;
}

/* NXT (RFC 2535 5.2): one bit per type 1-127, trailing zero bytes left out. */
static int nxt_bitmap(struct xst_zrd *r)
{
	uint8_t bits[16] = { 0 };
	size_t n = 0;

	if (r->i >= r->nr)
		return xst_zerr(r->f, &r->tok[r->nr - 1], "NXT record: missing type list");
	for (; r->i < r->nr; r->i++) {
		const struct xst_ztok *t = &r->tok[r->i];
		int type = type_of(t);

		if (type <= 0 || type >= 128)
			return xst_zerr(r->f, t, "NXT record: bad type '%s' (NXT lists types 1-127)",
					XST_ZSHOW(t));
		bits[type >> 3] |= (uint8_t)(0x80 >> (type & 7));
		if (n < (size_t)(type >> 3) + 1)
			n = (size_t)(type >> 3) + 1;
	}
	xst_zput(&r->o, bits, n);
	return 0;
}

/* ---- base32hex, times -------------------------------------------------------- */

int xst_zbase32hex(const struct xst_ztok *t, struct xst_zout *o, struct xst_zfail *f)
{
	uint8_t buf[256];
	size_t i, bits = 0;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < t->len; i++) {
		char c = t->s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'v')
			d = (unsigned int)((c | 0x20) - 'a' + 10);
		else
			return xst_zerr(f, t, "bad base32hex in '%s'", XST_ZSHOW(t));
		if (bits + 5 > 255 * 8)
			return xst_zerr(f, t, "base32hex data longer than 255 bytes");
		/* 5 bits at bit offset `bits`, most significant first. */
		buf[bits / 8] |= (uint8_t)((d << 3) >> (bits % 8));
		if (bits % 8 > 3)
			buf[bits / 8 + 1] |= (uint8_t)(d << (11 - bits % 8));
		bits += 5;
	}
	if (t->quoted || !t->len)
		return xst_zerr(f, t, "bad base32hex in '%s'", XST_ZSHOW(t));
	xst_zput8(o, (unsigned int)((bits + 7) / 8));
	xst_zput(o, buf, (bits + 7) / 8);
	return 0;
}

/* Up to n digits, at least one, in [lo, hi] (glibc strptime's numbers). */
static int digits(const struct xst_ztok *t, size_t *i, size_t n, int lo, int hi, int *out)
{
	int v = 0;
	size_t k = 0;

	while (k < n && *i < t->len && t->s[*i] >= '0' && t->s[*i] <= '9') {
		v = v * 10 + (t->s[*i] - '0');
		(*i)++;
		k++;
	}
	if (!k || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int64_t leap_days(int64_t y1, int64_t y2)
{
	y1--;
	y2--;
	return (y2 / 4 - y1 / 4) - (y2 / 100 - y1 / 100) + (y2 / 400 - y1 / 400);
}

/*
 * An RRSIG/SIG expiration or inception. NSD 4.6.1 reads only the calendar
 * form, with strptime("%Y%m%d%H%M%S"): every field takes up to its width in
 * digits and at least one, the day is not checked against the month, the
 * seconds go to 61, and text after the seconds is ignored. The date counts
 * as UTC, kept modulo 2^32 like NSD's.
 */
int xst_zsigtime(const struct xst_ztok *t, uint32_t *out, struct xst_zfail *f)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, s, k;
	size_t i = 0;
	int64_t days;

	if (t->quoted || digits(t, &i, 4, 0, 9999, &y) || digits(t, &i, 2, 1, 12, &mo) ||
	    digits(t, &i, 2, 1, 31, &d) || digits(t, &i, 2, 0, 23, &h) ||
	    digits(t, &i, 2, 0, 59, &mi) || digits(t, &i, 2, 0, 61, &s))
		return xst_zerr(f, t, "expected a date and time YYYYMMDDHHmmSS, found '%s'",
				XST_ZSHOW(t));
	days = 365 * (int64_t)(y - 1970) + leap_days(1970, y);
	for (k = 0; k < mo - 1; k++)
		days += mdays[k];
	if (mo > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		days++;
	days += d - 1;
	*out = (uint32_t)(uint64_t)(((days * 24 + h) * 60 + mi) * 60 + s);
	return 0;
}

static int f_sigtime(struct xst_zrd *r, const char *what)
{
	const struct xst_ztok *t = xst_zfield(r, what);
	uint32_t v;

	if (!t)
		return -EINVAL;
	if (xst_zsigtime(t, &v, r->f)) {
		char why[sizeof(r->f->reason)];

		memcpy(why, r->f->reason, sizeof(why));
		return xst_zerr(r->f, t, "%s record: %s: %s", r->tname, what, why);
	}
	xst_zput32(&r->o, v);
	return 0;
}

/*
 * RRSIG's original TTL as NSD 4.6.1 reads a period (strtottl): digits and
 * BIND units added in 32 bits, and a result with the top bit set taken as
 * 3600 (NSD's default TTL, RFC 2181 8) rather than refused.
 */
static int f_period(struct xst_zrd *r, const char *what)
{
	const struct xst_ztok *t = xst_zfield(r, what);
	uint32_t secs = 0, v = 0;
	size_t i;

	if (!t)
		return -EINVAL;
	for (i = 0; i < t->len && !t->quoted; i++) {
		char c = t->s[i];

		if (c >= '0' && c <= '9') {
			v = v * 10 + (uint32_t)(c - '0');
			continue;
		}
		switch (c | 0x20) {
		case 's': secs += v; break;
		case 'm': secs += v * 60; break;
		case 'h': secs += v * 3600; break;
		case 'd': secs += v * 86400; break;
		case 'w': secs += v * 604800; break;
		default:
			return xst_zerr(r->f, t, "%s record: %s: expected a time period, found '%s'",
					r->tname, what, XST_ZSHOW(t));
		}
		v = 0;
	}
	if (t->quoted)
		return xst_zerr(r->f, t, "%s record: %s: expected a time period, found '%s'", r->tname,
				what, XST_ZSHOW(t));
	secs += v;
	xst_zput32(&r->o, secs & 0x80000000u ? 3600 : secs);
	return 0;
}

/* ---- the types --------------------------------------------------------------- */

/* DNSKEY, CDNSKEY, KEY: flags protocol algorithm public-key. */
static int rd_key(struct xst_zrd *r)
{
	int err = xst_zf_num(r, 0xffff, "flags");

	if (!err)
		err = xst_zf_num(r, 0xff, "protocol");
	if (!err)
		err = xst_zf_algorithm(r);
	if (!err)
		err = xst_zf_base64_nsd(r, "public key");
	return err;
}

/* DS, CDS, DLV: key-tag algorithm digest-type digest (no digest mnemonics in NSD). */
static int rd_ds(struct xst_zrd *r)
{
	int err = xst_zf_num(r, 0xffff, "key tag");

	if (!err)
		err = xst_zf_algorithm(r);
	if (!err)
		err = xst_zf_num(r, 0xff, "digest type");
	if (!err)
		err = xst_zf_hex_nsd(r, "digest");
	return err;
}

/* RRSIG, SIG: the signer's name is kept as written (not lower-cased, RFC 4034 6.2). */
static int rd_rrsig(struct xst_zrd *r)
{
	const struct xst_ztok *t = xst_zfield(r, "type covered");
	int type, err;

	if (!t)
		return -EINVAL;
	type = type_of(t);
	if (type <= 0)
		return xst_zerr(r->f, t, "%s record: unrecognized RR type '%s' (type covered)",
				r->tname, XST_ZSHOW(t));
	xst_zput16(&r->o, (unsigned int)type);
	err = xst_zf_algorithm(r);
	if (!err)
		err = xst_zf_num(r, 0xff, "labels");
	if (!err)
		err = f_period(r, "original TTL");
	if (!err)
		err = f_sigtime(r, "signature expiration");
	if (!err)
		err = f_sigtime(r, "signature inception");
	if (!err)
		err = xst_zf_num(r, 0xffff, "key tag");
	if (!err)
		err = xst_zf_name(r, "signer's name");
	if (!err)
		err = xst_zf_base64_nsd(r, "signature");
	return err;
}

static int rd_nsec(struct xst_zrd *r)
{
	int err = xst_zf_name(r, "next domain name");

	if (!err) {
		err = xst_zbitmap(r->tok + r->i, r->nr - r->i, &r->o, r->f, r->tname);
		r->i = r->nr;
	}
	return err;
}

/* NSEC3 and NSEC3PARAM: hash-algorithm flags iterations salt ("-": none). */
static int nsec3_params(struct xst_zrd *r)
{
	const struct xst_ztok *t;
	size_t at;
	int err = xst_zf_num(r, 0xff, "hash algorithm");

	if (!err)
		err = xst_zf_num(r, 0xff, "flags");
	if (!err)
		err = xst_zf_num(r, 0xffff, "iterations");
	if (err)
		return err;
	t = xst_zfield(r, "salt");
	if (!t)
		return -EINVAL;
	at = r->o.n;
	xst_zput8(&r->o, 0);
	if (xst_ztok_is(t, "-"))
		return 0;
	err = xst_zhex(t, 1, &r->o, r->f);
	if (err)
		return err;
	if (r->o.n - at - 1 > 255)
		return xst_zerr(r->f, t, "%s record: salt longer than 255 bytes", r->tname);
	if (!r->o.over)
		r->o.p[at] = (uint8_t)(r->o.n - at - 1);
	return 0;
}

static int rd_nsec3(struct xst_zrd *r)
{
	const struct xst_ztok *t;
	int err = nsec3_params(r);

	if (err)
		return err;
	t = xst_zfield(r, "next hashed owner name");
	if (!t)
		return -EINVAL;
	if (xst_ztok_is(t, "-"))
		xst_zput8(&r->o, 0);
	else if ((err = xst_zbase32hex(t, &r->o, r->f)))
		return err;
	err = xst_zbitmap(r->tok + r->i, r->nr - r->i, &r->o, r->f, r->tname);
	r->i = r->nr;
	return err;
}

static int rd_nxt(struct xst_zrd *r)
{
	int err = xst_zf_name(r, "next domain name");

	return err ? err : nxt_bitmap(r);
}

static int rd_csync(struct xst_zrd *r)
{
	int err = xst_zf_num(r, 0xffffffffu, "SOA serial");

	if (!err)
		err = xst_zf_num(r, 0xffff, "flags");
	if (!err) {
		err = xst_zbitmap(r->tok + r->i, r->nr - r->i, &r->o, r->f, r->tname);
		r->i = r->nr;
	}
	return err;
}

static int rd_zonemd(struct xst_zrd *r)
{
	int err = xst_zf_num(r, 0xffffffffu, "serial");

	if (!err)
		err = xst_zf_num(r, 0xff, "scheme");
	if (!err)
		err = xst_zf_num(r, 0xff, "hash algorithm");
	if (!err)
		err = xst_zf_hex_nsd(r, "digest");
	return err;
}

static int rd_cert(struct xst_zrd *r)
{
	int err = f_mnemonic(r, cert_types, 0xffff, "certificate type");

	if (!err)
		err = xst_zf_num(r, 0xffff, "key tag");
	if (!err)
		err = xst_zf_algorithm(r);
	if (!err)
		err = xst_zf_base64_nsd(r, "certificate");
	return err;
}

/*
 * IPSECKEY (RFC 4025): precedence gateway-type algorithm gateway [key].
 * The gateway of type 0 is a placeholder NSD does not read; a type-3
 * gateway is a name, never compressed, lower-cased as NSD stores it.
 */
static int rd_ipseckey(struct xst_zrd *r)
{
	const struct xst_ztok *t;
	uint32_t gw;
	size_t at;
	int err = xst_zf_num(r, 0xff, "precedence");

	if (err)
		return err;
	at = r->o.n;
	err = xst_zf_num(r, 0xff, "gateway type");
	if (!err)
		err = xst_zf_num(r, 0xff, "algorithm");
	if (err)
		return err;
	gw = r->o.over ? 0 : r->o.p[at];
	switch (gw) {
	case 0:
		if (!xst_zfield(r, "gateway"))
			return -EINVAL;
		break;
	case 1:
		err = xst_zf_addr(r, AF_INET);
		break;
	case 2:
		err = xst_zf_addr(r, AF_INET6);
		break;
	case 3:
		t = r->i < r->nr ? &r->tok[r->i] : NULL;
		if (t && xst_ztok_is(t, "@"))
			return xst_zerr(r->f, t, "IPSECKEY record: bad gateway name '@'");
		at = r->o.n;
		err = xst_zf_name(r, "gateway");
		/* NSD stores this name lower-cased (dname_parse), so serves it so. */
		for (; !err && !r->o.over && at < r->o.n; at++)
			r->o.p[at] = xst_lower(r->o.p[at]);
		break;
	default:
		return xst_zerr(r->f, &r->tok[r->i - 2], "IPSECKEY record: unknown gateway type %u",
				gw);
	}
	if (!err && r->i < r->nr)
		err = xst_zf_base64_nsd(r, "public key");
	return err;
}

int xst_zrdata_dnssec(uint16_t type, struct xst_zrd *r)
{
	switch (type) {
	case 25: case 48: case 60:	/* KEY, DNSKEY, CDNSKEY */
		return rd_key(r);
	case 43: case 59: case 32769:	/* DS, CDS, DLV */
		return rd_ds(r);
	case 24: case 46:		/* SIG, RRSIG */
		return rd_rrsig(r);
	case 47:
		return rd_nsec(r);
	case 50:
		return rd_nsec3(r);
	case 51:
		return nsec3_params(r);
	case 30:
		return rd_nxt(r);
	case 62:
		return rd_csync(r);
	case 63:
		return rd_zonemd(r);
	case 37:
		return rd_cert(r);
	case 45:
		return rd_ipseckey(r);
	case 49: case 61:		/* DHCID, OPENPGPKEY */
		return xst_zf_base64_nsd(r, type == 49 ? "DHCID data" : "public key");
	case 44: {			/* SSHFP */
		int err = xst_zf_num(r, 0xff, "algorithm");

		if (!err)
			err = xst_zf_num(r, 0xff, "fingerprint type");
		return err ? err : xst_zf_hex_nsd(r, "fingerprint");
	}
	case 52: case 53: {		/* TLSA, SMIMEA */
		int err = xst_zf_num(r, 0xff, "certificate usage");

		if (!err)
			err = xst_zf_num(r, 0xff, "selector");
		if (!err)
			err = xst_zf_num(r, 0xff, "matching type");
		return err ? err : xst_zf_hex_nsd(r, "certificate data");
	}
	default:
		return xst_zerr(r->f, NULL, "%s record: no DNSSEC-family decoder", r->tname);
	}
}
