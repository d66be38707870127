// SPDX-License-Identifier: GPL-2.0
/* The recently learnt prefixes (daemon/learnt.h). */
#include "daemon/learnt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Family, length and the address bytes of the family: the rest of a
 * struct xst_prefix may be padding or stale bytes. */
static uint32_t hash(const struct xst_prefix *p)
{
	size_t n = p->family == AF_INET ? 4 : 16, i;
	uint32_t h = 2166136261u;

	h = (h ^ (uint32_t)p->family) * 16777619u;
	h = (h ^ p->len) * 16777619u;
	for (i = 0; i < n; i++)
		h = (h ^ p->addr[i]) * 16777619u;
	return h ^ (h >> 15);
}

static int same(const struct xst_prefix *a, const struct xst_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

int xst_learnt_init(struct xst_learnt *t, uint32_t cap)
{
	memset(t, 0, sizeof(*t));
	if (!cap || (cap & (cap - 1)))
		return -EINVAL;
	t->slot = calloc(cap, sizeof(*t->slot));
	if (!t->slot)
		return -ENOMEM;
	t->cap = cap;
	return 0;
}

void xst_learnt_fini(struct xst_learnt *t)
{
	free(t->slot);
	t->slot = NULL;
	t->cap = 0;
}

int xst_learnt_has(const struct xst_learnt *t, const struct xst_prefix *p, uint64_t now_ns)
{
	const struct xst_learnt_slot *s;

	if (!t->slot)
		return 0;
	s = &t->slot[hash(p) & (t->cap - 1)];
	return s->expires_ns > now_ns && same(&s->p, p);
}

void xst_learnt_put(struct xst_learnt *t, const struct xst_prefix *p, uint64_t expires_ns)
{
	struct xst_learnt_slot *s;

	if (!t->slot)
		return;
	s = &t->slot[hash(p) & (t->cap - 1)];
	s->p = *p;
	s->expires_ns = expires_ns;
}
