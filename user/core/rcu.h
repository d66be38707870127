/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read-copy-update for data that a reload replaces under running readers
 * (a DNS database, a site, the host's addresses): readers follow a pointer
 * without a lock; the one writer publishes a new object, waits until every
 * reader has passed a quiescent point, and only then frees the old one.
 *
 * A domain is one generation counter and its readers (the workers, the TCP
 * thread). A reader announces the generation at a quiescent point: a place
 * in its loop where it holds no pointer obtained earlier. A reader about to
 * block (an idle wait) goes offline, so that a writer never waits for it;
 * its next quiescent point brings it back. Any number of pointers
 * (struct xst_rcu_ptr) can share a domain.
 *
 * Threading: readers call only xst_rcu_quiescent(), xst_rcu_offline() and
 * xst_rcu_deref(); xst_rcu_replace() and xst_rcu_synchronize() are called by
 * one writer thread at a time (the daemon's main thread).
 */
#ifndef XST_CORE_RCU_H
#define XST_CORE_RCU_H

#include <stdatomic.h>
#include <stdint.h>

#define XST_RCU_OFFLINE		UINT64_MAX	/* a reader that holds nothing */
#define XST_RCU_MAX_READERS	80		/* 64 queues, kernel-socket threads, spare */

struct xst_rcu_reader {
	_Atomic uint64_t seen;	/* last generation announced, or XST_RCU_OFFLINE */
} __attribute__((aligned(64)));

struct xst_rcu {
	_Atomic uint64_t gen;
	struct xst_rcu_reader *readers[XST_RCU_MAX_READERS];
	_Atomic unsigned int nr_readers;
};

struct xst_rcu_ptr {
	void *_Atomic p;
};

void xst_rcu_init(struct xst_rcu *r);

/*
 * Register a reader; it starts offline. Readers may be added while others
 * run (a reader added during a replace is not waited for: it cannot hold
 * the old pointer). 0 or -ENOSPC.
 */
int xst_rcu_add_reader(struct xst_rcu *r, struct xst_rcu_reader *rd);

/* Unregister a reader (the writer's thread; the reader no longer runs). */
void xst_rcu_del_reader(struct xst_rcu *r, struct xst_rcu_reader *rd);

/* Reader: a quiescent point (nothing dereferenced earlier is used past it). */
static inline void xst_rcu_quiescent(struct xst_rcu *r, struct xst_rcu_reader *rd)
{
	atomic_store_explicit(&rd->seen, atomic_load_explicit(&r->gen, memory_order_acquire),
			      memory_order_relaxed);
	/* The announcement is visible before any later load of a pointer: a
	 * writer that saw this reader offline or at the new generation knows
	 * its next dereference returns the new object. */
	atomic_thread_fence(memory_order_seq_cst);
}

/* Reader: holds nothing until its next xst_rcu_quiescent(). */
static inline void xst_rcu_offline(struct xst_rcu_reader *rd)
{
	atomic_store_explicit(&rd->seen, XST_RCU_OFFLINE, memory_order_release);
}

/* Reader: the current object (valid until the reader's next quiescent point). */
static inline void *xst_rcu_deref(struct xst_rcu_ptr *p)
{
	return atomic_load_explicit(&p->p, memory_order_acquire);
}

/* Writer, before any reader runs: the first object. */
static inline void xst_rcu_ptr_init(struct xst_rcu_ptr *p, void *v)
{
	atomic_store(&p->p, v);
}

/* Writer: wait until every online reader has passed a quiescent point. */
void xst_rcu_synchronize(struct xst_rcu *r);

/*
 * Writer: publish v in p, wait for a grace period, and return the previous
 * object, which no reader can still be using (the caller frees it).
 */
void *xst_rcu_replace(struct xst_rcu *r, struct xst_rcu_ptr *p, void *v);

#endif /* XST_CORE_RCU_H */
