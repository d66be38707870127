// SPDX-License-Identifier: GPL-2.0
/*
 * Response Rate Limiting (filter/rrl.h has the contract): a set-associative
 * table of per-(class, prefix, name, type) balances, BIND's accounting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/byteorder.h"
#include "core/clock.h"
#include "dnsmsg/msg.h"
#include "dnsmsg/name.h"
#include "filter/rrl.h"

#define WAYS	4

struct entry {
	uint64_t key;		/* mixed key; 0: free (a real key that mixes to 0 is made 1) */
	int32_t balance;
	uint32_t sec;		/* second (monotonic) of the last update */
	uint8_t slip;		/* limited responses since the last slip */
	uint8_t pad[7];
};

struct xst_rrl {
	struct xst_rrl_cfg cfg;
	uint32_t rate[XST_RRL_CLASS_MAX];
	uint32_t mask;		/* sets - 1 */
	uint64_t seed;		/* random: a flood cannot aim at one set */
	uint8_t v4_mask[4], v6_mask[16];
	struct xst_rrl_stats st;
	struct entry *tab;
};

static const char *const class_names[XST_RRL_CLASS_MAX] = {
	"answer", "nodata", "nxdomain", "referral", "error",
};

const char *xst_rrl_class_name(enum xst_rrl_class cls)
{
	return (unsigned int)cls < XST_RRL_CLASS_MAX ? class_names[cls] : "?";
}

void xst_rrl_cfg_default(struct xst_rrl_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->responses_per_sec = XST_RRL_DEF_RESPONSES;
	cfg->nxdomains_per_sec = XST_RRL_DEF_NXDOMAINS;
	cfg->errors_per_sec = XST_RRL_DEF_ERRORS;
	cfg->window = XST_RRL_DEF_WINDOW;
	cfg->slip = XST_RRL_DEF_SLIP;
	cfg->ipv4_prefix = XST_RRL_DEF_V4_PREFIX;
	cfg->ipv6_prefix = XST_RRL_DEF_V6_PREFIX;
	cfg->entries = XST_RRL_DEF_ENTRIES;
}

static void prefix_mask(uint8_t *m, size_t n, unsigned int bits)
{
	size_t i;

	for (i = 0; i < n; i++, bits = bits > 8 ? bits - 8 : 0)
		m[i] = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
}

int xst_rrl_create(struct xst_rrl **out, const struct xst_rrl_cfg *cfg, const char **err)
{
	/* A balance of -window * rate must fit an int32. */
	const uint64_t rate_max = INT32_MAX / XST_RRL_WINDOW_MAX;
	struct xst_rrl *r;
	uint32_t n = WAYS;

	*err = NULL;
	if (cfg->responses_per_sec > rate_max || cfg->nxdomains_per_sec > rate_max ||
	    cfg->errors_per_sec > rate_max)
		*err = "a rate is larger than 596523 per second";
	else if (!cfg->window || cfg->window > XST_RRL_WINDOW_MAX)
		*err = "the window is 1 to 3600 seconds";
	else if (cfg->slip > XST_RRL_SLIP_MAX)
		*err = "slip is 0 to 10";
	else if (!cfg->ipv4_prefix || cfg->ipv4_prefix > 32)
		*err = "the IPv4 prefix length is 1 to 32";
	else if (!cfg->ipv6_prefix || cfg->ipv6_prefix > 128)
		*err = "the IPv6 prefix length is 1 to 128";
	else if (cfg->entries > (1u << 26))
		*err = "the table has at most 2^26 entries";
	if (*err)
		return -EINVAL;
	while (n < cfg->entries)
		n <<= 1;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->tab = calloc(n, sizeof(*r->tab));
	if (!r->tab) {
		free(r);
		return -ENOMEM;
	}
	r->cfg = *cfg;
	r->cfg.entries = n;
	r->mask = n / WAYS - 1;
	r->rate[XST_RRL_ANSWER] = r->rate[XST_RRL_NODATA] = r->rate[XST_RRL_REFERRAL] =
		cfg->responses_per_sec;
	r->rate[XST_RRL_NXDOMAIN] = cfg->nxdomains_per_sec;
	r->rate[XST_RRL_ERROR] = cfg->errors_per_sec;
	prefix_mask(r->v4_mask, 4, cfg->ipv4_prefix);
	prefix_mask(r->v6_mask, 16, cfg->ipv6_prefix);
	if (getrandom(&r->seed, sizeof(r->seed), GRND_NONBLOCK) != sizeof(r->seed))
		r->seed = (uint64_t)(uintptr_t)r ^ 0x9e3779b97f4a7c15ull;	/* still spread */
	*out = r;
	return 0;
}

void xst_rrl_destroy(struct xst_rrl *r)
{
	if (!r)
		return;
	free(r->tab);
	free(r);
}

const struct xst_rrl_stats *xst_rrl_stats(const struct xst_rrl *r)
{
	return &r->st;
}

/* One more word into the key: MurmurHash3's 64-bit finaliser over h ^ v, so
 * that every input bit reaches the low bits that pick the set. */
static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ h >> 33;
}

/* The key of a response: class, family, the prefix, and the name and type it counts by. */
static uint64_t make_key(const struct xst_rrl *r, enum xst_rrl_class cls, const uint8_t *ip,
			 size_t ip_len, uint32_t name_hash, uint16_t qtype)
{
	uint8_t a[16] = { 0 };
	uint64_t w0, w1, h;
	size_t i;

	if (ip_len == 4)
		for (i = 0; i < 4; i++)
			a[i] = ip[i] & r->v4_mask[i];
	else
		for (i = 0; i < 16; i++)
			a[i] = ip[i] & r->v6_mask[i];
	memcpy(&w0, a, 8);
	memcpy(&w1, a + 8, 8);
	if (cls == XST_RRL_ERROR)
		name_hash = 0;
	if (cls != XST_RRL_ANSWER)
		qtype = 0;
	h = mix(r->seed, (uint64_t)cls << 40 | (uint64_t)(ip_len == 4) << 32 | qtype);
	h = mix(h, w0);
	h = mix(h, w1);
	h = mix(h, name_hash);
	return h ? h : 1;
}

enum xst_rrl_verdict xst_rrl_account(struct xst_rrl *r, enum xst_rrl_class cls,
				     const uint8_t *ip, size_t ip_len, uint32_t name_hash,
				     uint16_t qtype, uint64_t now_ns)
{
	uint32_t rate, sec = (uint32_t)(now_ns / XST_NS_PER_SEC), way;
	struct entry *set, *e = NULL;
	uint64_t key;
	int64_t bal;

	if ((unsigned int)cls >= XST_RRL_CLASS_MAX || (ip_len != 4 && ip_len != 16))
		return XST_RRL_SEND;
	rate = r->rate[cls];
	if (!rate)
		return XST_RRL_SEND;
	key = make_key(r, cls, ip, ip_len, name_hash, qtype);
	set = &r->tab[(size_t)(key & r->mask) * WAYS];
	for (way = 0; way < WAYS; way++)
		if (set[way].key == key) {
			e = &set[way];
			break;
		}
	if (!e) {
		/* A free way, else the one updated longest ago. */
		e = &set[0];
		for (way = 0; way < WAYS && e->key; way++)
			if (!set[way].key || (int32_t)(sec - set[way].sec) > (int32_t)(sec - e->sec))
				e = &set[way];
		if (e->key)
			r->st.evicted++;
		e->key = key;
		e->balance = (int32_t)rate;
		e->sec = sec;
		e->slip = 0;
	} else if (sec != e->sec) {
		uint32_t elapsed = sec - e->sec;

		/* Credit for the seconds gone by, at most a full window's worth
		 * (elapsed may be huge after a long silence) and up to rate. */
		if (elapsed > r->cfg.window + 1)
			elapsed = r->cfg.window + 1;
		bal = (int64_t)e->balance + (int64_t)elapsed * rate;
		e->balance = (int32_t)(bal > rate ? rate : bal);
		e->sec = sec;
	}
	bal = (int64_t)e->balance - 1;
	if (bal < -(int64_t)r->cfg.window * rate)
		bal = -(int64_t)r->cfg.window * rate;
	e->balance = (int32_t)bal;
	if (bal >= 0)
		return XST_RRL_SEND;
	r->st.limited[cls]++;
	if (r->cfg.slip && ++e->slip >= r->cfg.slip) {
		e->slip = 0;
		r->st.slipped++;
		return XST_RRL_SLIP;
	}
	r->st.dropped++;
	return XST_RRL_DROP;
}

/*
 * The name at msg[*off..): lower-cased and expanded into out (255 bytes),
 * *off moved past it in place. Pointers must point backwards (at most 64).
 * Returns its wire length, 0 if malformed.
 */
static size_t read_name(const uint8_t *msg, size_t len, size_t *off, uint8_t *out)
{
	size_t p = *off, n = 0, end = 0;
	unsigned int hops = 0;

	for (;;) {
		unsigned int l;

		if (p >= len)
			return 0;
		l = msg[p];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (p + 1 >= len || ++hops > 64)
				return 0;
			to = (size_t)(l & 0x3f) << 8 | msg[p + 1];
			if (to >= p)
				return 0;
			if (!end)
				end = p + 2;
			p = to;
			continue;
		}
		if (l & 0xc0 || p + 1 + l > len || n + 1 + l > XST_DNAME_MAX)
			return 0;
		out[n++] = (uint8_t)l;
		if (!l)
			break;
		xst_lower_copy(out + n, msg + p + 1, l);
		n += l;
		p += 1 + l;
	}
	*off = end ? end : p + 1;
	return n;
}

/* Past the record at *off (name, type, class, ttl, rdata); its type in *type. 0 or -1. */
static int skip_rr(const uint8_t *msg, size_t len, size_t *off, uint16_t *type, uint8_t *owner,
		   size_t *owner_len)
{
	size_t n = read_name(msg, len, off, owner);

	if (!n || *off + 10 > len)
		return -1;
	*owner_len = n;
	*type = xst_get_be16(msg + *off);
	n = xst_get_be16(msg + *off + 8);
	if (n > len - *off - 10)
		return -1;
	*off += 10 + n;
	return 0;
}

enum xst_rrl_class xst_rrl_classify(const uint8_t *msg, size_t len, uint32_t qhash,
				    uint32_t *name_hash)
{
	uint8_t name[XST_DNAME_MAX];
	unsigned int rcode, i, an, ns;
	size_t off = XST_DNS_HDR, nl;
	uint16_t flags, type;

	*name_hash = 0;
	if (len < XST_DNS_HDR)
		return XST_RRL_ERROR;
	flags = xst_get_be16(msg + 2);
	rcode = flags & XST_DNS_F_RCODE;
	an = xst_get_be16(msg + 6);
	ns = xst_get_be16(msg + 8);
	if (rcode != XST_RCODE_NOERROR && rcode != XST_RCODE_NXDOMAIN)
		return XST_RRL_ERROR;
	*name_hash = qhash;
	if (rcode == XST_RCODE_NOERROR && an)
		return XST_RRL_ANSWER;
	if (rcode == XST_RCODE_NOERROR && !ns)
		return XST_RRL_NODATA;
	/* The authority section names the zone (SOA) or the delegation (NS). */
	if (xst_get_be16(msg + 4) != 1 || !read_name(msg, len, &off, name) || off + 4 > len)
		return rcode == XST_RCODE_NXDOMAIN ? XST_RRL_NXDOMAIN : XST_RRL_NODATA;
	off += 4;
	for (i = 0; i < an; i++)
		if (skip_rr(msg, len, &off, &type, name, &nl))
			return rcode == XST_RCODE_NXDOMAIN ? XST_RRL_NXDOMAIN : XST_RRL_NODATA;
	for (i = 0; i < ns; i++) {
		if (skip_rr(msg, len, &off, &type, name, &nl))
			break;
		if (type == XST_T_SOA) {	/* NODATA stays keyed by the qname */
			if (rcode == XST_RCODE_NXDOMAIN)
				*name_hash = xst_name_hash(name, nl);
			break;
		}
		if (type == XST_T_NS && rcode == XST_RCODE_NOERROR && !(flags & XST_DNS_F_AA)) {
			*name_hash = xst_name_hash(name, nl);
			return XST_RRL_REFERRAL;
		}
	}
	return rcode == XST_RCODE_NXDOMAIN ? XST_RRL_NXDOMAIN : XST_RRL_NODATA;
}
