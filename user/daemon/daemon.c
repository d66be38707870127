// SPDX-License-Identifier: GPL-2.0
/* What any thread of the daemon may call (daemon/daemon.h). */
#include "daemon/daemon.h"

#include <signal.h>
#include <stdio.h>

#include "core/log.h"
#include "daemon/registry.h"

uint32_t xst_daemon_held_share(const struct xst_daemon *d)
{
	uint32_t n = 0;
	int i;

	for (i = 0; i < d->nr_svc; i++)
		if (d->svc[i].svc->holds_frames)
			n++;
	return n ? d->io_cfg.max_held / n : d->io_cfg.max_held;
}

void xst_daemon_fatal(struct xst_daemon *d, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (atomic_exchange(&d->fatal, 1))
		return;	/* the first reason is the one that counts */
	pr_err("%s; stopping\n", buf);
	pthread_kill(d->main_thread, XST_SIG_FATAL);
}
