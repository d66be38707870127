// SPDX-License-Identifier: GPL-2.0
/*
 * The consumer of alerts_map (a BPF ring buffer of struct xst_alert): the
 * program writes one record every config alert_drops drops of a host or
 * net bucket on one CPU, so the daemon can learn a flooding source within
 * milliseconds instead of at its next once-a-second bucket scan. A thin
 * wrapper of libbpf's ring_buffer: the daemon polls its fd beside its
 * other fds and drains when it is readable.
 */
#include "steer_loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

struct xst_alerts {
	struct ring_buffer *rb;
	xst_alert_fn fn;	/* of the drain in progress */
	void *arg;
};

/* libbpf's per-record callback: a record of another size (a program of
 * another build) is skipped, not misread. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct xst_alerts *a = ctx;
	struct xst_alert al;

	if (size < sizeof(al))
		return 0;
	memcpy(&al, data, sizeof(al));	/* the ring buffer gives 8-byte alignment; be safe */
	if (a->fn)
		a->fn(a->arg, &al);
	return 0;
}

int xst_steer_alerts_open(const struct xst_steer_maps *m, struct xst_alerts **out)
{
	struct xst_alerts *a;
	int err;

	*out = NULL;
	if (m->alerts < 0)
		return -EBADF;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->rb = ring_buffer__new(m->alerts, on_record, a, NULL);
	if (!a->rb) {
		err = -errno;
		free(a);
		return err ? err : -EINVAL;
	}
	*out = a;
	return 0;
}

int xst_steer_alerts_fd(const struct xst_alerts *a)
{
	return ring_buffer__epoll_fd(a->rb);
}

int xst_steer_alerts_drain(struct xst_alerts *a, xst_alert_fn fn, void *arg)
{
	int n;

	a->fn = fn;
	a->arg = arg;
	n = ring_buffer__consume(a->rb);
	a->fn = NULL;
	a->arg = NULL;
	return n;
}

void xst_steer_alerts_close(struct xst_alerts *a)
{
	if (!a)
		return;
	ring_buffer__free(a->rb);
	free(a);
}
