// SPDX-License-Identifier: GPL-2.0
/* Read-copy-update with one generation counter per domain (core/rcu.h). */
#include "core/rcu.h"

#include <errno.h>
#include <string.h>
#include <time.h>

void xst_rcu_init(struct xst_rcu *r)
{
	memset(r, 0, sizeof(*r));
	atomic_store(&r->gen, 1);
}

int xst_rcu_add_reader(struct xst_rcu *r, struct xst_rcu_reader *rd)
{
	unsigned int n = atomic_load(&r->nr_readers);

	if (n >= XST_RCU_MAX_READERS)
		return -ENOSPC;
	atomic_store(&rd->seen, XST_RCU_OFFLINE);
	r->readers[n] = rd;
	/* Published after the slot: a writer that sees the count sees the reader. */
	atomic_store(&r->nr_readers, n + 1);
	return 0;
}

void xst_rcu_del_reader(struct xst_rcu *r, struct xst_rcu_reader *rd)
{
	unsigned int n = atomic_load(&r->nr_readers), i;

	for (i = 0; i < n; i++) {
		if (r->readers[i] != rd)
			continue;
		r->readers[i] = r->readers[n - 1];
		atomic_store(&r->nr_readers, n - 1);
		return;
	}
}

void xst_rcu_synchronize(struct xst_rcu *r)
{
	/* Bumped after the caller's publication: a reader that announces g
	 * has loaded the new pointer (seq_cst on both sides). */
	uint64_t g = atomic_fetch_add(&r->gen, 1) + 1;
	struct timespec ts = { 0, 200000 };
	unsigned int i, n = atomic_load(&r->nr_readers);

	for (i = 0; i < n; i++) {
		for (;;) {
			uint64_t seen = atomic_load(&r->readers[i]->seen);

			/* Offline readers hold nothing; a reader that came
			 * online after the bump announces at least g. */
			if (seen == XST_RCU_OFFLINE || seen >= g)
				break;
			nanosleep(&ts, NULL);
		}
	}
}

void *xst_rcu_replace(struct xst_rcu *r, struct xst_rcu_ptr *p, void *v)
{
	void *old = atomic_exchange(&p->p, v);

	xst_rcu_synchronize(r);
	return old;
}
