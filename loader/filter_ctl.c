// SPDX-License-Identifier: GPL-2.0
/*
 * The DNS filter stage's maps, through an attachment's map fds: limits in
 * config_map, verified sources, learnt blocks (expiry and reason), token
 * buckets, guard_map. Called by the daemon about once a second and by
 * xdpstormctl, never per packet.
 */
#include "steer_loader.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define NSEC_PER_SEC 1000000000ULL

/* ---- limits ------------------------------------------------------------------ */

/* Packets per second -> GCRA interval: rounded, at least 1 ns (0 = off). */
static __u64 rate_interval(uint32_t rate)
{
	__u64 iv;

	if (!rate)
		return 0;
	iv = (NSEC_PER_SEC + rate / 2) / rate;
	return iv ? iv : 1;
}

static void interval_rate(__u64 iv, __u64 tolerance, uint32_t *rate, uint32_t *burst)
{
	if (!iv) {
		*rate = *burst = 0;
		return;
	}
	*rate = (uint32_t)((NSEC_PER_SEC + iv / 2) / iv);
	*burst = (uint32_t)(tolerance / iv);
}

/* A GCRA keeps its debt across a rate change: a bucket of 1/s left seconds
 * ahead would hold a new 10000/s one over for those seconds. Zero every
 * CPU's peace_map slot when the peacetime limits change. */
static int peace_reset(const struct xst_steer_maps *m)
{
	int nr_cpus = libbpf_num_possible_cpus(), err = 0;
	struct xst_bucket *zero;
	__u32 key = 0;

	if (nr_cpus < 0)
		return nr_cpus;
	zero = calloc((size_t)nr_cpus, sizeof(*zero));
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(m->peace, &key, zero, BPF_ANY))
		err = -errno;
	free(zero);
	return err;
}

int xst_steer_set_filter(const struct xst_steer_maps *m, const struct xst_filter_limits *l)
{
	__u64 peace_iv, peace_tol;
	struct xst_steer_config cfg;
	__u32 key = 0;
	int i, err;

	for (i = 0; i < XST_BUCKET_LEVELS; i++)
		if (l->rate[i] && !l->burst[i])
			return -EINVAL;
	if (l->peace_rate && !l->peace_burst)
		return -EINVAL;
	err = xst_steer_config_read(m, &cfg);
	if (err)
		return err;
	/* Never complete a zeroed (incomplete) config: see config_update(). */
	if (cfg.abi_version != XST_ABI_VERSION)
		return -EPROTO;
	for (i = 0; i < XST_BUCKET_LEVELS; i++) {
		__u64 iv = rate_interval(l->rate[i]);

		cfg.interval_ns[i] = iv;
		cfg.tolerance_ns[i] = iv * l->burst[i];
	}
	cfg.sample = l->sample;
	peace_iv = rate_interval(l->peace_rate);
	peace_tol = peace_iv * l->peace_burst;
	if (peace_iv != cfg.peace_interval_ns || peace_tol != cfg.peace_tolerance_ns) {
		err = peace_reset(m);
		if (err)
			return err;
	}
	cfg.peace_interval_ns = peace_iv;
	cfg.peace_tolerance_ns = peace_tol;
	cfg.alert_drops = l->alert_drops;
	cfg.pad2 = 0;
	cfg.verify_ns = l->verify_ns;
	if (bpf_map_update_elem(m->config, &key, &cfg, BPF_EXIST))
		return -errno;
	return 0;
}

int xst_steer_get_filter(const struct xst_steer_maps *m, struct xst_filter_limits *l)
{
	struct xst_steer_config cfg;
	int i, err;

	err = xst_steer_config_read(m, &cfg);
	if (err)
		return err;
	if (cfg.abi_version != XST_ABI_VERSION)
		return -EPROTO;
	memset(l, 0, sizeof(*l));
	for (i = 0; i < XST_BUCKET_LEVELS; i++)
		interval_rate(cfg.interval_ns[i], cfg.tolerance_ns[i], &l->rate[i], &l->burst[i]);
	l->sample = cfg.sample;
	interval_rate(cfg.peace_interval_ns, cfg.peace_tolerance_ns, &l->peace_rate,
		      &l->peace_burst);
	l->alert_drops = cfg.alert_drops;
	l->verify_ns = cfg.verify_ns;
	return 0;
}

/* ---- key collection ------------------------------------------------------------ */

/*
 * Deleting the key a get_next_key walk stands on sends the walk back to
 * the start (hash maps, LPM tries), so the walks below first collect the
 * keys to delete, then delete them.
 */
struct keybuf {
	__u8 *keys;
	size_t key_size, n, cap;
};

static int keybuf_push(struct keybuf *b, const void *key)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		__u8 *k = realloc(b->keys, cap * b->key_size);

		if (!k)
			return -ENOMEM;
		b->keys = k;
		b->cap = cap;
	}
	memcpy(b->keys + b->n * b->key_size, key, b->key_size);
	b->n++;
	return 0;
}

/* Delete every collected key; one already gone does not count. Returns how
 * many were deleted. */
static int keybuf_delete(int fd, const struct keybuf *b)
{
	size_t i;
	int n = 0;

	for (i = 0; i < b->n; i++)
		if (!bpf_map_delete_elem(fd, b->keys + i * b->key_size))
			n++;
	return n;
}

/* ---- learnt blocks ---------------------------------------------------------------- */

struct lpm_key {		/* prefixlen (host order) then address, both families */
	__u32 prefixlen;
	__u8 addr[16];
};

const char *xst_block_reason_name(uint32_t reason)
{
	static const char *const names[XST_BLOCK_REASONS] = XST_BLOCK_REASON_NAMES;

	return reason < XST_BLOCK_REASONS ? names[reason] : "?";
}

int xst_steer_block_learn(const struct xst_steer_maps *m, const struct xst_prefix *p,
			  uint64_t expires_ns, enum xst_block_reason why)
{
	struct lpm_key k = { .prefixlen = p->len };
	struct xst_block_val v = { .expires_ns = expires_ns, .reason = why };
	size_t alen;
	int fd;

	if (p->family == AF_INET) {
		fd = m->block4;
		alen = 4;
		if (p->len > 32)
			return -EINVAL;
	} else if (p->family == AF_INET6) {
		fd = m->block6;
		alen = 16;
		if (p->len > 128)
			return -EINVAL;
	} else {
		return -EAFNOSUPPORT;
	}
	if (!expires_ns || why == XST_BLOCK_MANUAL || (unsigned)why >= XST_BLOCK_REASONS)
		return -EINVAL;
	memcpy(k.addr, p->addr, alen);
	if (!bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST))
		return 0;
	if (errno != EEXIST)
		return errno == E2BIG ? -ENOSPC : -errno;
	/* It exists: an LPM lookup at exactly this length finds this very
	 * entry (the longest prefix of at most p->len bits that matches). */
	if (bpf_map_lookup_elem(fd, &k, &v))
		return -errno;
	if (!v.expires_ns)
		return 1;		/* manual: the operator's, left alone */
	/* Extend, never shorten: two detectors may learn the same source. The
	 * hit counter the program adds to meanwhile may lose one step. */
	if (expires_ns > v.expires_ns)
		v.expires_ns = expires_ns;
	v.reason = why;
	v.pad = 0;
	if (bpf_map_update_elem(fd, &k, &v, BPF_EXIST))
		return -errno;
	return 0;
}

static int block_expire_one(int fd, uint64_t now_ns)
{
	struct keybuf b = { .key_size = sizeof(struct lpm_key) };
	struct lpm_key k, next;
	struct xst_block_val v;
	void *prev = NULL;
	int err = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		if (v.expires_ns && v.expires_ns <= now_ns) {
			err = keybuf_push(&b, &k);
			if (err)
				goto out;
		}
	}
	if (errno != ENOENT) {
		err = -errno;
		goto out;
	}
	err = keybuf_delete(fd, &b);
out:
	free(b.keys);
	return err;
}

int xst_steer_block_expire(const struct xst_steer_maps *m, uint64_t now_ns)
{
	int n4, n6;

	n4 = block_expire_one(m->block4, now_ns);
	if (n4 < 0)
		return n4;
	n6 = block_expire_one(m->block6, now_ns);
	if (n6 < 0)
		return n6;
	return n4 + n6;
}

/* ---- verified sources -------------------------------------------------------------- */

static int verified_fd(const struct xst_steer_maps *m, int family, size_t *alen)
{
	if (family == AF_INET) {
		*alen = 4;
		return m->verified4;
	}
	if (family == AF_INET6) {
		*alen = 16;
		return m->verified6;
	}
	return -EAFNOSUPPORT;
}

int xst_steer_verified_add(const struct xst_steer_maps *m, int family, const void *addr,
			   uint64_t expires_ns)
{
	__u8 k[16];
	__u64 v = expires_ns;
	size_t alen;
	int fd = verified_fd(m, family, &alen);

	if (fd == -EAFNOSUPPORT)
		return fd;
	memcpy(k, addr, alen);		/* network order, as the program reads it */
	if (bpf_map_update_elem(fd, k, &v, BPF_ANY))
		return -errno;
	return 0;
}

int xst_steer_verified_del(const struct xst_steer_maps *m, int family, const void *addr)
{
	__u8 k[16];
	size_t alen;
	int fd = verified_fd(m, family, &alen);

	if (fd == -EAFNOSUPPORT)
		return fd;
	memcpy(k, addr, alen);
	if (bpf_map_delete_elem(fd, k))
		return -errno;
	return 0;
}

/* Deletes the expired entries of one map; returns how many remain. */
static int verified_expire_one(int fd, size_t alen, uint64_t now_ns)
{
	struct keybuf b = { .key_size = alen };
	__u8 k[16], next[16];
	void *prev = NULL;
	int seen = 0, err;
	__u64 v;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(k, next, alen);
		prev = k;
		if (bpf_map_lookup_elem(fd, k, &v))
			continue;
		seen++;
		if (v <= now_ns) {
			err = keybuf_push(&b, k);
			if (err)
				goto out;
		}
	}
	if (errno != ENOENT) {
		err = -errno;
		goto out;
	}
	err = keybuf_delete(fd, &b);
	if (err >= 0)
		err = seen - (int)b.n;
out:
	free(b.keys);
	return err;
}

int xst_steer_verified_expire(const struct xst_steer_maps *m, uint64_t now_ns)
{
	int n4, n6;

	n4 = verified_expire_one(m->verified4, 4, now_ns);
	if (n4 < 0)
		return n4;
	n6 = verified_expire_one(m->verified6, 16, now_ns);
	if (n6 < 0)
		return n6;
	return n4 + n6;
}

/* ---- token buckets ------------------------------------------------------------------- */

int xst_steer_buckets_scan(const struct xst_steer_maps *m, xst_bucket_fn fn, void *arg)
{
	int nr_cpus = libbpf_num_possible_cpus();
	struct xst_bucket_key k, next;
	struct xst_bucket_sum sum;
	struct xst_bucket *v;
	void *prev = NULL;
	int c, err = 0;

	if (nr_cpus < 0)
		return nr_cpus;
	/* One value per possible CPU, each rounded up to 8 bytes (ours is). */
	v = calloc((size_t)nr_cpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	while (!bpf_map_get_next_key(m->buckets, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(m->buckets, &k, v))
			continue;	/* evicted meanwhile */
		memset(&sum, 0, sizeof(sum));
		sum.key = k;
		for (c = 0; c < nr_cpus; c++) {
			sum.passed += v[c].passed;
			sum.dropped += v[c].dropped;
			if (v[c].last_drop_ns > sum.last_drop_ns)
				sum.last_drop_ns = v[c].last_drop_ns;
			if (v[c].tat_ns > sum.tat_ns)
				sum.tat_ns = v[c].tat_ns;
		}
		err = fn(arg, &sum);
		if (err)
			goto out;
	}
	if (errno != ENOENT)
		err = -errno;
out:
	free(v);
	return err;
}

void xst_bucket_key_format(const struct xst_bucket_key *k, char *buf, size_t size)
{
	static const uint32_t len[XST_BUCKET_LEVELS] = { 32, 24, 64, 56 };
	struct xst_prefix p = {};

	if (k->level >= XST_BUCKET_LEVELS) {
		snprintf(buf, size, "?");
		return;
	}
	p.family = k->level <= XST_BUCKET_NET4 ? AF_INET : AF_INET6;
	p.len = len[k->level];
	memcpy(p.addr, k->addr, p.family == AF_INET ? 4 : 16);
	xst_prefix_format(&p, buf, size);
}

/* ---- guard_map ------------------------------------------------------------------------- */

int xst_steer_guard_write(const struct xst_steer_maps *m, const struct xst_guard_state *g)
{
	__u32 key = 0;

	if (bpf_map_update_elem(m->guard, &key, g, BPF_ANY))
		return -errno;
	return 0;
}

int xst_steer_guard_read(const struct xst_steer_maps *m, struct xst_guard_state *g)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(m->guard, &key, g))
		return -errno;
	return 0;
}
