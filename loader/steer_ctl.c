// SPDX-License-Identifier: GPL-2.0
/* Rules, blocklists and counters of an attachment, through its map fds. */
#include "steer_loader.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

const char *const xst_stat_names[XST_STAT_MAX] = XST_STAT_NAMES;

/* ---- parsing ---------------------------------------------------------------- */

int xst_steer_proto_parse(const char *s, uint8_t *proto)
{
	if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else
		return -EINVAL;
	return 0;
}

const char *xst_steer_proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : proto == IPPROTO_TCP ? "tcp" : "?";
}

/* Decimal only, no sign, no junk: strtoul alone accepts " -1" and "12abc". */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *p;

	if (!*s || strlen(s) > 10)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int xst_steer_port_parse(const char *s, uint16_t *port)
{
	unsigned long v;
	int err = parse_uint(s, 65535, &v);

	if (err)
		return err;
	if (v == 0)
		return -ERANGE;
	*port = (uint16_t)v;
	return 0;
}

int xst_steer_action_parse(const char *s, enum xst_action *action)
{
	if (!strcmp(s, "steer"))
		*action = XST_ACT_STEER;
	else if (!strcmp(s, "drop"))
		*action = XST_ACT_DROP;
	else if (!strcmp(s, "pass"))
		*action = XST_ACT_PASS;
	else if (!strcmp(s, "filter"))
		*action = XST_ACT_FILTER;
	else
		return -EINVAL;
	return 0;
}

const char *xst_steer_action_name(enum xst_action action)
{
	switch (action) {
	case XST_ACT_STEER:
		return "steer";
	case XST_ACT_DROP:
		return "drop";
	case XST_ACT_PASS:
		return "pass";
	case XST_ACT_FILTER:
		return "filter";
	}
	return "?";
}

int xst_prefix_parse(const char *s, struct xst_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned long len;
	uint32_t max, i;
	char *slash;

	memset(p, 0, sizeof(*p));
	if (!*s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		if (parse_uint(slash + 1, max, &len) || strlen(slash + 1) > 3)
			return -EINVAL;
		p->len = (uint32_t)len;
	} else {
		p->len = max;
	}
	/* Clear host bits so "10.1.2.3/8" and "10.0.0.0/8" are one entry. */
	for (i = 0; i < max / 8; i++) {
		uint32_t bit = i * 8;

		if (bit >= p->len)
			p->addr[i] = 0;
		else if (bit + 8 > p->len)
			p->addr[i] &= (uint8_t)(0xff << (8 - (p->len - bit)));
	}
	return 0;
}

void xst_prefix_format(const struct xst_prefix *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, p->len);
}

/* ---- rules -------------------------------------------------------------------- */

static struct xst_rule_key rule_key(uint8_t proto, uint16_t port)
{
	struct xst_rule_key k = { .proto = proto, .port = htons(port) };

	return k;
}

int xst_steer_rule_set(const struct xst_steer_maps *m, uint8_t proto, uint16_t port,
		       enum xst_action action)
{
	struct xst_rule_key k = rule_key(proto, port);
	struct xst_rule_val v = {};

	if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
		return -EINVAL;
	if (action != XST_ACT_STEER && action != XST_ACT_DROP && action != XST_ACT_PASS &&
	    action != XST_ACT_FILTER)
		return -EINVAL;
	/* Keep the hit counter of a rule whose action changes. The program
	 * adds to hits atomically in place; a concurrent hit between lookup
	 * and update may be lost, which is fine for a statistic. */
	if (bpf_map_lookup_elem(m->rules, &k, &v))
		memset(&v, 0, sizeof(v));
	v.action = action;
	v.pad = 0;
	if (bpf_map_update_elem(m->rules, &k, &v, BPF_ANY))
		return -errno;
	return 0;
}

int xst_steer_rule_del(const struct xst_steer_maps *m, uint8_t proto, uint16_t port)
{
	struct xst_rule_key k = rule_key(proto, port);

	if (bpf_map_delete_elem(m->rules, &k))
		return -errno;
	return 0;
}

static int rule_cmp(const void *a, const void *b)
{
	const struct xst_steer_rule *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? 1 : -1;	/* udp (17) before tcp (6) */
	return (int)x->port - (int)y->port;
}

int xst_steer_rule_list(const struct xst_steer_maps *m, struct xst_steer_rule *out, int max)
{
	struct xst_rule_key k, next;
	struct xst_rule_val v;
	void *prev = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(m->rules, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(m->rules, &k, &v))
			continue;	/* deleted meanwhile */
		if (n < max) {
			out[n].proto = k.proto;
			out[n].port = ntohs(k.port);
			out[n].action = (enum xst_action)v.action;
			out[n].hits = v.hits;
		}
		n++;
	}
	if (errno != ENOENT)
		return -errno;
	qsort(out, (size_t)(n < max ? n : max), sizeof(*out), rule_cmp);
	return n;
}

/* ---- blocklists ------------------------------------------------------------- */

/* LPM keys of both families in one buffer: prefixlen (host order) then address. */
struct lpm_key {
	__u32 prefixlen;
	__u8 addr[16];
};

static int block_fd(const struct xst_steer_maps *m, int family, size_t *addr_len)
{
	*addr_len = family == AF_INET ? 4 : 16;
	return family == AF_INET ? m->block4 : m->block6;
}

int xst_steer_block_add(const struct xst_steer_maps *m, const struct xst_prefix *p)
{
	struct lpm_key k = { .prefixlen = p->len };
	struct xst_block_val v = { .reason = XST_BLOCK_MANUAL };
	size_t alen;
	int fd = block_fd(m, p->family, &alen);

	memcpy(k.addr, p->addr, alen);
	if (bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST)) {
		if (errno == EEXIST)
			return 1;
		return -errno;
	}
	return 0;
}

int xst_steer_block_del(const struct xst_steer_maps *m, const struct xst_prefix *p)
{
	struct lpm_key k = { .prefixlen = p->len };
	size_t alen;
	int fd = block_fd(m, p->family, &alen);

	memcpy(k.addr, p->addr, alen);
	if (bpf_map_delete_elem(fd, &k))
		return -errno;
	return 0;
}

static int block_walk(int fd, int family, struct xst_block_entry *out, int max, int n)
{
	struct lpm_key k, next;
	size_t alen = family == AF_INET ? 4 : 16;
	struct xst_block_val v;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		if (out && n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].prefix.family = family;
			out[n].prefix.len = k.prefixlen;
			memcpy(out[n].prefix.addr, k.addr, alen);
			out[n].hits = v.hits;
			out[n].expires_ns = v.expires_ns;
			out[n].reason = v.reason;
		}
		n++;
	}
	if (errno != ENOENT)
		return -errno;
	return n;
}

int xst_steer_block_list(const struct xst_steer_maps *m, struct xst_block_entry *out, int max)
{
	int n = block_walk(m->block4, AF_INET, out, max, 0);

	if (n < 0)
		return n;
	return block_walk(m->block6, AF_INET6, out, max, n);
}

int xst_steer_block_count(const struct xst_steer_maps *m, int family)
{
	return block_walk(family == AF_INET ? m->block4 : m->block6, family, NULL, 0, 0);
}

static int hash_count(int fd, size_t key_size)
{
	__u8 k[64], next[64];
	void *prev = NULL;
	int n = 0;

	if (key_size > sizeof(k))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(k, next, key_size);
		prev = k;
		n++;
	}
	if (errno != ENOENT)
		return -errno;
	return n;
}

int xst_steer_local_count(const struct xst_steer_maps *m, int family)
{
	if (family == AF_INET)
		return hash_count(m->local4, sizeof(__be32));
	return hash_count(m->local6, sizeof(struct xst_in6));
}

/* ---- counters ----------------------------------------------------------------- */

int xst_steer_stats_read(const struct xst_steer_maps *m, struct xst_steer_stats *s)
{
	int nr_cpus = libbpf_num_possible_cpus();
	struct xst_counter *v;
	__u32 i;
	int c, err = 0;

	if (nr_cpus < 0)
		return nr_cpus;
	/* A per-CPU value is rounded up to 8 bytes per CPU; ours already is. */
	v = calloc((size_t)nr_cpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	for (i = 0; i < XST_STAT_MAX; i++) {
		if (bpf_map_lookup_elem(m->stats, &i, v)) {
			err = -errno;
			break;
		}
		for (c = 0; c < nr_cpus; c++) {
			s->stat[i].packets += v[c].packets;
			s->stat[i].bytes += v[c].bytes;
		}
	}
	free(v);
	return err;
}

int xst_steer_qstats_read(const struct xst_steer_maps *m,
			  struct xst_queue_stats q[XST_QSTATS_ENTRIES])
{
	__u32 i;

	for (i = 0; i < XST_QSTATS_ENTRIES; i++)
		if (bpf_map_lookup_elem(m->qstats, &i, &q[i]))
			return -errno;
	return 0;
}

/* ---- run-time configuration ----------------------------------------------------- */

#define XST_F_ALL (XST_F_ENABLED | XST_F_LOCAL_ONLY | XST_F_MAC_ONLY | XST_F_FILTER_PASS | \
		   XST_F_FILTER_INSPECT | XST_F_FILTER_HEADER)

int xst_steer_config_read(const struct xst_steer_maps *m, struct xst_steer_config *cfg)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(m->config, &key, cfg))
		return -errno;
	return 0;
}

/* Read config_map[0], change the flags (and max_frame when given), write it
 * back. Only a complete attachment of our ABI is changed: writing into a
 * zeroed config would mark an incomplete attachment complete. */
static int config_update(const struct xst_steer_maps *m, uint32_t flags_set,
			 uint32_t flags_clear, const uint32_t *max_frame)
{
	struct xst_steer_config cfg;
	__u32 key = 0;
	int err;

	err = xst_steer_config_read(m, &cfg);
	if (err)
		return err;
	if (cfg.abi_version != XST_ABI_VERSION)
		return -EPROTO;
	cfg.flags = (cfg.flags | flags_set) & ~flags_clear;
	if (max_frame)
		cfg.max_frame = *max_frame;
	if (bpf_map_update_elem(m->config, &key, &cfg, BPF_EXIST))
		return -errno;
	return 0;
}

int xst_steer_set_max_frame(const struct xst_steer_maps *m, uint32_t max_frame)
{
	return config_update(m, 0, 0, &max_frame);
}

int xst_steer_set_flags(const struct xst_steer_maps *m, uint32_t set, uint32_t clear)
{
	if ((set & clear) || ((set | clear) & ~XST_F_ALL))
		return -EINVAL;
	return config_update(m, set, clear, NULL);
}

/* A full hash map refuses an insert with E2BIG: say what it means here. */
static int insert_err(int e)
{
	return e == E2BIG ? -ENOSPC : -e;
}

int xst_steer_mac_add(const struct xst_steer_maps *m, const uint8_t mac[6])
{
	struct xst_mac k = {};
	__u32 one = 1;

	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EINVAL;	/* group bit, or 00:00:00:00:00:00 */
	memcpy(k.addr, mac, sizeof(k.addr));
	if (bpf_map_update_elem(m->macs, &k, &one, BPF_NOEXIST))
		return errno == EEXIST ? 1 : insert_err(errno);
	return 0;
}

int xst_steer_mac_del(const struct xst_steer_maps *m, const uint8_t mac[6])
{
	struct xst_mac k = {};

	memcpy(k.addr, mac, sizeof(k.addr));
	if (bpf_map_delete_elem(m->macs, &k))
		return -errno;
	return 0;
}

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

int xst_steer_mac_list(const struct xst_steer_maps *m, uint8_t (*out)[6], int max)
{
	struct xst_mac k, next;
	void *prev = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(m->macs, prev, &next)) {
		k = next;
		prev = &k;
		if (n < max)
			memcpy(out[n], k.addr, 6);
		n++;
	}
	if (errno != ENOENT)
		return -errno;
	qsort(out, (size_t)(n < max ? n : max), 6, mac_cmp);
	return n;
}

static int local_fd(const struct xst_steer_maps *m, int family, size_t *alen)
{
	if (family == AF_INET) {
		*alen = 4;
		return m->local4;
	}
	if (family == AF_INET6) {
		*alen = 16;
		return m->local6;
	}
	return -EAFNOSUPPORT;
}

int xst_steer_local_add(const struct xst_steer_maps *m, int family, const void *addr)
{
	__u8 k[16];
	__u32 one = 1;
	size_t alen;
	int fd = local_fd(m, family, &alen);

	if (fd == -EAFNOSUPPORT)
		return fd;
	memcpy(k, addr, alen);		/* network order, as the program reads it */
	if (bpf_map_update_elem(fd, k, &one, BPF_NOEXIST))
		return errno == EEXIST ? 1 : insert_err(errno);
	return 0;
}

int xst_steer_local_del(const struct xst_steer_maps *m, int family, const void *addr)
{
	__u8 k[16];
	size_t alen;
	int fd = local_fd(m, family, &alen);

	if (fd == -EAFNOSUPPORT)
		return fd;
	memcpy(k, addr, alen);
	if (bpf_map_delete_elem(fd, k))
		return -errno;
	return 0;
}

static int local_cmp(const void *a, const void *b)
{
	return memcmp(((const struct xst_local_addr *)a)->addr,
		      ((const struct xst_local_addr *)b)->addr, 16);
}

static int local_walk(int fd, int family, struct xst_local_addr *out, int max, int n)
{
	__u8 k[16], next[16];
	size_t alen = family == AF_INET ? 4 : 16;
	void *prev = NULL;
	int first = n;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(k, next, alen);
		prev = k;
		if (n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].family = family;
			memcpy(out[n].addr, k, alen);
		}
		n++;
	}
	if (errno != ENOENT)
		return -errno;
	if (first < max)
		qsort(out + first, (size_t)((n < max ? n : max) - first), sizeof(*out), local_cmp);
	return n;
}

int xst_steer_local_list(const struct xst_steer_maps *m, struct xst_local_addr *out, int max)
{
	int n = local_walk(m->local4, AF_INET, out, max, 0);

	if (n < 0)
		return n;
	return local_walk(m->local6, AF_INET6, out, max, n);
}

void xst_mac_format(const uint8_t mac[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

int xst_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (s[i * 3 + 2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}
