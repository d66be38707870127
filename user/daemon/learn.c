// SPDX-License-Identifier: GPL-2.0
/* The blocklist learner (daemon/learn.h). */
#include "daemon/learn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>


static uint32_t hash_key(const struct xst_bucket_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h ^ (h >> 15);
}

static int same(const struct xst_bucket_key *a, const struct xst_bucket_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* The slot holding k, or the free slot where it would go. */
static struct xst_learn_slot *find(struct xst_learn_slot *tab, uint32_t cap,
				   const struct xst_bucket_key *k)
{
	uint32_t i = hash_key(k) & (cap - 1);

	while (tab[i].used && !same(&tab[i].key, k))
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

int xst_learn_init(struct xst_learn *l, uint32_t cap, uint64_t threshold, uint64_t hold_ns)
{
	memset(l, 0, sizeof(*l));
	if (cap < 4 || (cap & (cap - 1)) || !threshold)
		return -EINVAL;
	/* Two tables: the live one and the one the end of a scan rebuilds into. */
	l->slot = calloc(2 * (size_t)cap, sizeof(*l->slot));
	if (!l->slot)
		return -ENOMEM;
	l->cap = cap;
	l->threshold = threshold;
	l->hold_ns = hold_ns;
	return 0;
}

void xst_learn_fini(struct xst_learn *l)
{
	free(l->slot);
	l->slot = NULL;
}

void xst_learn_begin(struct xst_learn *l, uint64_t now_ns)
{
	l->gen++;
	l->last_ns = l->now_ns;
	l->now_ns = now_ns;
	l->over = 0;
	l->dropped = 0;
	l->passed = 0;
	l->nr_top = 0;
}

static uint64_t interval(const struct xst_learn *l)
{
	uint64_t dt = l->now_ns > l->last_ns ? l->now_ns - l->last_ns : 0;

	return dt < 1000000 ? 1000000 : dt;	/* at least 1 ms: no division by 0 */
}

/* Insert into the top list (sorted by dropped, largest first). */
static void rank(struct xst_learn *l, const struct xst_bucket_key *k, uint64_t dropped,
		 uint64_t passed)
{
	uint32_t i = l->nr_top;

	if (i == XST_GUARD_TOP && l->top[i - 1].dropped >= dropped)
		return;
	if (i == XST_GUARD_TOP)
		i--;
	else
		l->nr_top++;
	while (i > 0 && l->top[i - 1].dropped < dropped) {
		l->top[i] = l->top[i - 1];
		i--;
	}
	memset(&l->top[i], 0, sizeof(l->top[i]));
	l->top[i].level = k->level;
	memcpy(l->top[i].addr, k->addr, sizeof(l->top[i].addr));
	l->top[i].dropped = dropped;
	l->top[i].passed = passed;
}

int xst_learn_observe(struct xst_learn *l, const struct xst_bucket_sum *b, uint64_t *delta)
{
	struct xst_learn_slot *s = find(l->slot, l->cap, &b->key);
	uint64_t d, p;

	*delta = 0;
	if (s->used) {
		/* Fewer than before: the LRU map evicted and re-created the key. */
		d = b->dropped >= s->dropped ? b->dropped - s->dropped : b->dropped;
		p = b->passed >= s->passed ? b->passed - s->passed : b->passed;
	} else {
		if (!b->dropped)
			return 0;	/* never dropped: nothing to remember */
		if (l->nr >= l->cap / 4 * 3) {
			l->untracked++;
			return 0;
		}
		s->used = 1;
		s->key = b->key;
		l->nr++;
		d = b->dropped;
		p = b->passed;
	}
	s->dropped = b->dropped;
	s->passed = b->passed;
	s->gen = l->gen;
	if (l->gen == 1)
		return 0;	/* the first scan: the counts' history is unknown */
	*delta = d;
	l->dropped += d;
	l->passed += p;
	if (d)
		rank(l, &b->key, d, p);
	if ((unsigned __int128)d * 1000000000u >= (unsigned __int128)l->threshold * interval(l)) {
		l->over++;
		return 1;
	}
	return 0;
}

uint64_t xst_learn_rate(const struct xst_learn *l)
{
	if (l->gen < 2)
		return 0;
	return (uint64_t)((unsigned __int128)l->dropped * 1000000000u / interval(l));
}

enum xst_learn_change xst_learn_end(struct xst_learn *l)
{
	struct xst_learn_slot *spare = l->slot + l->cap;
	uint64_t rate = xst_learn_rate(l);
	uint32_t i;

	/* Keep what this scan saw; the rest was evicted from the map. */
	memset(spare, 0, (size_t)l->cap * sizeof(*spare));
	l->nr = 0;
	for (i = 0; i < l->cap; i++) {
		if (!l->slot[i].used || l->slot[i].gen != l->gen)
			continue;
		*find(spare, l->cap, &l->slot[i].key) = l->slot[i];
		l->nr++;
	}
	memcpy(l->slot, spare, (size_t)l->cap * sizeof(*spare));

	if (l->gen < 2)
		return XST_LEARN_SAME;
	if (rate >= l->threshold) {
		l->flood_below_ns = 0;
		if (rate > l->flood_peak)
			l->flood_peak = rate;
		if (l->flood) {
			l->flood_dropped += l->dropped;
			return XST_LEARN_SAME;
		}
		l->flood = 1;
		l->flood_since_ns = l->now_ns;
		l->flood_dropped = l->dropped;
		l->flood_peak = rate;
		return XST_LEARN_FLOOD_START;
	}
	if (!l->flood)
		return XST_LEARN_SAME;
	l->flood_dropped += l->dropped;
	if (!l->flood_below_ns)
		l->flood_below_ns = l->now_ns;
	if (l->now_ns - l->flood_below_ns < l->hold_ns)
		return XST_LEARN_SAME;
	l->flood = 0;
	l->flood_below_ns = 0;
	return XST_LEARN_FLOOD_END;
}

void xst_learn_prefix(const struct xst_bucket_key *k, struct xst_prefix *p)
{
	static const uint32_t len[XST_BUCKET_LEVELS] = { 32, 24, 64, 56 };
	uint32_t lv = k->level < XST_BUCKET_LEVELS ? k->level : XST_BUCKET_HOST6;
	uint32_t i;

	memset(p, 0, sizeof(*p));
	p->family = lv == XST_BUCKET_HOST4 || lv == XST_BUCKET_NET4 ? AF_INET : AF_INET6;
	p->len = len[lv];
	memcpy(p->addr, k->addr, p->family == AF_INET ? 4 : 16);
	/* Host bits clear, whatever the key held. */
	for (i = p->len; i < (p->family == AF_INET ? 32u : 128u); i++)
		p->addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}
