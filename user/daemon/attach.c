// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's side of the attachment: attach the steering program (or use
 * the one there, or take over one a killed daemon left), open its maps, set
 * the steer rules the registered services ask for and the largest frame the
 * sockets can take; on exit put every rule back as it was and detach what
 * was attached here.
 */
#include "daemon/attach.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/log.h"
#include "daemon/guard.h"
#include "daemon/owner.h"
#include "net/net.h"
#include "svc/passback.h"

/* Who else serves ifname: a live owner record, or a queue published as bound by a live pid. */
int xst_daemon_preflight(const char *ifname)
{
	static struct xst_queue_stats q[XST_QSTATS_ENTRIES];
	struct xst_steer_maps m;
	int pid, i, err;

	pid = xst_owner_alive(ifname);
	if (pid) {
		pr_err("'%s' is already served by xdpstorm pid %d (stop it first)\n", ifname, pid);
		return -EBUSY;
	}
	err = xst_steer_is_attached(ifname);
	if (err == -EBUSY) {
		pr_err("'%s' already runs another (non-xdpstorm) XDP program; left as it is "
		       "(remove it first, e.g. ip link set dev %s xdp off)\n", ifname, ifname);
		return err;
	}
	if (err != 1 || xst_steer_maps_open(ifname, &m))
		return 0;
	err = xst_steer_qstats_read(&m, q);
	xst_steer_maps_close(&m);
	if (err)
		return 0;
	for (i = 0; i < XST_MAX_QUEUES; i++) {
		if (!q[i].bound || !q[i].pid || q[i].pid == (__u32)getpid())
			continue;
		if (kill((pid_t)q[i].pid, 0) && errno == ESRCH)
			continue;	/* a daemon that died without clearing its entry */
		pr_err("queue %d of '%s' is served by xdpstorm pid %u (stop it first)\n", i, ifname,
		       q[i].pid);
		return -EBUSY;
	}
	return 0;
}

static int take_or_use(struct xst_daemon *d)
{
	const char *ifname = d->cfg.iface;
	struct xst_steer_info info;
	int dead = 0, err;

	if (!xst_steer_info(ifname, &info))
		dead = xst_owner_orphaned(ifname, info.prog_id);
	if (!dead) {
		pr_info("using the xdpstorm program attached to '%s' (left attached on exit)\n",
			ifname);
		return 0;
	}
	/* Left by a daemon that died before detaching: ours now. */
	d->attached_by_us = 1;
	err = xst_owner_write(ifname, info.prog_id);
	if (err)
		pr_warn("write the owner record of '%s': %s (a crash would leave the program)\n",
			ifname, strerror(-err));
	pr_info("taking over the xst_steer program on '%s' left by xdpstorm pid %d "
		"(detached on exit)\n", ifname, dead);
	return 0;
}

static int attach_new(struct xst_daemon *d)
{
	const char *ifname = d->cfg.iface;
	struct xst_steer_info info = { 0 };
	int err;

	err = xst_steer_attach(ifname, (enum xst_attach_mode)d->cfg.mode);
	if (err == -EEXIST)
		return take_or_use(d);
	if (err) {
		char hint[256];

		if (err == -EBUSY)
			pr_err("attach xst_steer to '%s': another XDP program is attached\n", ifname);
		else if (err == -EPROTO)
			pr_err("attach xst_steer to '%s': an xdpstorm program of another ABI version is "
			       "attached (another xdpstorm build uses it); left as it is\n", ifname);
		else
			pr_err("attach xst_steer to '%s': %s\n", ifname,
			       xst_steer_attach_hint(ifname, err, (enum xst_attach_mode)d->cfg.mode,
						     hint, sizeof(hint)));
		return err;
	}
	d->attached_by_us = 1;
	if (!xst_steer_info(ifname, &info)) {
		err = xst_owner_write(ifname, info.prog_id);
		if (err)
			pr_warn("write the owner record of '%s': %s (a crash would leave the "
				"program)\n", ifname, strerror(-err));
	}
	pr_info("attached xst_steer to '%s' (%s mode%s)\n", ifname,
		d->cfg.mode == XST_MODE_SKB ? "skb" : "native",
		info.dispatcher ? ", libxdp dispatcher" : ", single-program attach");
	return 0;
}

/* DNS over UDP goes through the XDP filter stage (buckets, learnt blocks,
 * responses and short packets dropped) unless --no-guard. */
static enum xst_action rule_action(const struct xst_daemon *d, const struct xst_svc_rule *r)
{
	if (r->proto == XST_IPPROTO_UDP && r->port == XST_DNS_PORT && xst_guard_wanted(d))
		return XST_ACT_FILTER;
	return XST_ACT_STEER;
}

/* The filter stage's limits, and filter mode's flag: XDP passes verified
 * sources and unsampled queries to the kernel's server. */
static int set_filter(struct xst_daemon *d)
{
	const struct xst_guard_config *g = &d->cfg.guard;
	struct xst_filter_limits l = { .sample = g->filter ? g->sample : 0 };
	int err;

	if (!xst_guard_wanted(d))
		return 0;
	if (!g->no_rate) {
		l.rate[XST_BUCKET_HOST4] = l.rate[XST_BUCKET_HOST6] = g->host.rate;
		l.burst[XST_BUCKET_HOST4] = l.burst[XST_BUCKET_HOST6] = g->host.burst;
		l.rate[XST_BUCKET_NET4] = l.rate[XST_BUCKET_NET6] = g->net.rate;
		l.burst[XST_BUCKET_NET4] = l.burst[XST_BUCKET_NET6] = g->net.burst;
		/* A source is learnt as soon as one of its buckets dropped
		 * --learn-threshold packets on one CPU (the guard reads them). */
		l.alert_drops = g->learn_threshold;
	}
	/* Over peacetime rates every unverified query is inspected at once,
	 * not 1 in sample until the detector's tick (filter mode only). */
	if (g->filter && g->peace.rate) {
		l.peace_rate = g->peace.rate;
		l.peace_burst = g->peace.burst;
	}
	/* The sock_ops program's (daemon/guard.c attaches it in filter mode:
	 * in serve mode XDP steers every query whatever its source). */
	if (g->filter)
		l.verify_ns = (uint64_t)g->verify_time_ms * 1000000ULL;
	err = xst_steer_set_filter(&d->maps, &l);
	if (err) {
		pr_err("set the DNS filter limits on '%s': %s\n", d->cfg.iface, strerror(-err));
		return err;
	}
	if (!g->filter)
		return 0;
	/* The header checks only in filter mode: serve mode answers a bad
	 * header itself (FORMERR, NOTIMP), the kernel server would only do
	 * the same at a higher cost. */
	err = xst_steer_set_flags(&d->maps, XST_F_FILTER_PASS | XST_F_FILTER_HEADER,
				  XST_F_FILTER_INSPECT);
	if (err) {
		pr_err("set filter mode on '%s': %s\n", d->cfg.iface, strerror(-err));
		return err;
	}
	d->flags_set |= XST_F_FILTER_PASS | XST_F_FILTER_HEADER;
	return 0;
}

/* Steer what the services serve; remember what each rule was before. */
static int set_rules(struct xst_daemon *d)
{
	static struct xst_steer_rule cur[XST_MAX_RULES];
	enum xst_action act;
	int nr_cur, i, j, k, err;

	nr_cur = xst_steer_rule_list(&d->maps, cur, XST_MAX_RULES);
	if (nr_cur < 0) {
		pr_err("read the steering rules of '%s': %s\n", d->cfg.iface, strerror(-nr_cur));
		return nr_cur;
	}
	if (nr_cur > XST_MAX_RULES)
		nr_cur = XST_MAX_RULES;
	for (i = 0; i < d->nr_svc; i++) {
		struct xst_svc_rule r[XST_SVC_RULES_MAX];
		int n = d->svc[i].svc->rules ? d->svc[i].svc->rules(&d->cfg, r, XST_SVC_RULES_MAX) : 0;

		for (j = 0; j < n; j++) {
			struct xst_daemon_rule *dr;

			if (d->nr_rules == XST_DAEMON_RULES_MAX)
				return -ENOSPC;
			dr = &d->rules[d->nr_rules];
			memset(dr, 0, sizeof(*dr));
			dr->proto = r[j].proto;
			dr->port = r[j].port;
			for (k = 0; k < nr_cur; k++) {
				if (cur[k].proto == r[j].proto && cur[k].port == r[j].port) {
					dr->existed = 1;
					dr->prev = cur[k].action;
				}
			}
			act = rule_action(d, &r[j]);
			err = xst_steer_rule_set(&d->maps, r[j].proto, r[j].port, act);
			if (err) {
				pr_err("set rule %s/%u to %s: %s\n",
				       xst_steer_proto_name(r[j].proto), r[j].port,
				       xst_steer_action_name(act), strerror(-err));
				return err;
			}
			d->nr_rules++;
			pr_info("rule %s/%u: %s to the %s service\n",
				xst_steer_proto_name(r[j].proto), r[j].port,
				act == XST_ACT_FILTER ? "through the XDP filter stage" : "steered",
				d->svc[i].svc->name);
		}
	}
	return 0;
}

void xst_daemon_restore_rules(struct xst_daemon *d)
{
	int i;

	for (i = d->nr_rules - 1; i >= 0; i--) {
		const struct xst_daemon_rule *r = &d->rules[i];

		if (r->existed)
			xst_steer_rule_set(&d->maps, r->proto, r->port, r->prev);
		else
			xst_steer_rule_del(&d->maps, r->proto, r->port);
	}
	d->nr_rules = 0;
}

int xst_daemon_attach(struct xst_daemon *d, uint32_t max_frame)
{
	const char *ifname = d->cfg.iface;
	int err;

	err = xst_steer_is_attached(ifname);
	if (err == -EBUSY) {
		pr_err("'%s' already runs another (non-xdpstorm) XDP program; left as it is "
		       "(remove it first, e.g. ip link set dev %s xdp off)\n", ifname, ifname);
		return err;
	}
	if (err < 0) {
		pr_err("query XDP on '%s': %s\n", ifname, strerror(-err));
		return err;
	}
	err = err == 1 ? take_or_use(d) : attach_new(d);
	if (err)
		return err;
	err = xst_steer_maps_open(ifname, &d->maps);
	if (err) {
		if (err == -EPROTO)
			pr_err("the xdpstorm program on '%s' is of another ABI version (another "
			       "xdpstorm build uses it); left as it is\n", ifname);
		else
			pr_err("open the steering maps of '%s': %s\n", ifname, strerror(-err));
		return err;
	}
	d->maps_open = 1;
	if (d->maps.xsks < 0) {
		pr_err("open the steering maps of '%s': no xsks_map\n", ifname);
		return -ENOENT;
	}
	/* Frames the sockets cannot hold stay with the kernel. */
	err = xst_steer_set_max_frame(&d->maps, max_frame);
	if (err) {
		pr_err("set the largest steered frame on '%s': %s\n", ifname, strerror(-err));
		return err;
	}
	err = set_filter(d);
	if (err)
		return err;
	return set_rules(d);
}

int xst_daemon_detach(struct xst_daemon *d)
{
	const char *ifname = d->cfg.iface;
	int err = 0;

	if (d->maps_open && (!d->attached_by_us || d->cfg.keep_attached)) {
		xst_daemon_restore_rules(d);
		xst_steer_set_max_frame(&d->maps, 0);
		if (d->flags_set)
			xst_steer_set_flags(&d->maps, 0, d->flags_set | XST_F_FILTER_INSPECT);
		d->flags_set = 0;
	}
	if (d->maps_open)
		xst_steer_maps_close(&d->maps);
	d->maps_open = 0;
	if (!d->attached_by_us)
		return 0;
	xst_owner_remove(ifname);
	d->attached_by_us = 0;
	if (d->cfg.keep_attached) {
		pr_info("leaving xst_steer attached to '%s' (--keep-attached)\n", ifname);
		return 0;
	}
	err = xst_steer_detach(ifname);
	if (err && err != -ENOENT) {
		pr_err("detach xst_steer from '%s': %s\n", ifname, strerror(-err));
		return err;
	}
	pr_info("detached xst_steer from '%s'\n", ifname);
	return 0;
}

void xst_daemon_crash_cleanup(void *arg)
{
	struct xst_daemon *d = arg;

	if (d->attached_by_us) {
		if (!d->cfg.keep_attached)
			xst_steer_detach(d->cfg.iface);
		xst_owner_remove(d->cfg.iface);
	}
	if (d->maps_open && (!d->attached_by_us || d->cfg.keep_attached)) {
		xst_daemon_restore_rules(d);
		if (d->flags_set)
			xst_steer_set_flags(&d->maps, 0, d->flags_set | XST_F_FILTER_INSPECT);
	}
	/* The return path's conf.all.rp_filter (the TUN itself goes with the process). */
	xst_passback_restore_sysctls();
}
