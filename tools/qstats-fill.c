// SPDX-License-Identifier: GPL-2.0
/*
 * qstats-fill: a test helper standing in for a daemon that publishes this ABI's
 * statistics. It writes known values into qstats_map and snames_map of the
 * attachment whose program id is given (the maps are found through the
 * program's map ids, as `ip netns exec` leaves no pins behind), so that
 * tests/net/test_steer.sh can check xdpstormctl's text and JSON output
 * without the daemon.
 *
 *   qstats-fill --prog ID [--pid N] [--abi N] [--queues N] [--no-daemon]
 *   qstats-fill --prog ID --clear
 *   qstats-fill --prog ID --config-abi N
 *
 * Values: queue q (0 <= q < N, default 2) holds the base values below times
 * q + 1, with service "dns" (counters queries, answers_nxdomain, truncated);
 * the daemon-wide entry holds service "dns_tcp" (connections, timeouts).
 * --abi N writes abi_version N into queue 0 (a daemon of another build;
 * --abi 1 writes what a v1 daemon's 160-byte entry puts there: its bound
 * flag where v2 has abi_version, its pid where v2 has bound);
 * --config-abi N rewrites config_map's abi_version (a program of another
 * build). Exit 0, 1 on failure, 2 on usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpstorm/steer_abi.h"

/* The map of program prog_id called name, or -errno. */
static int map_of_prog(__u32 prog_id, const char *name)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], i;
	int fd, err = -ENOENT;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	info.nr_map_ids = 64;
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	for (i = 0; i < info.nr_map_ids && i < 64; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);

		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) &&
		    !strncmp(mi.name, name, BPF_OBJ_NAME_LEN - 1))
			return fd;
		close(fd);
	}
	return err;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static void names(struct xst_stat_names *n)
{
	memset(n, 0, sizeof(*n));
	n->abi_version = XST_ABI_VERSION;
	n->nr_services = 2;
	strcpy(n->svc[0].name, "dns");
	n->svc[0].nr_counters = 3;
	strcpy(n->svc[0].counter[0], "queries");
	strcpy(n->svc[0].counter[1], "answers_nxdomain");
	strcpy(n->svc[0].counter[2], "truncated");
	strcpy(n->svc[1].name, "dns_tcp");
	n->svc[1].nr_counters = 2;
	strcpy(n->svc[1].counter[0], "connections");
	strcpy(n->svc[1].counter[1], "timeouts");
}

/* Queue entry with every counter the base value times k. The worker's
 * drops (1..8) and the service's verdicts add up as a daemon's would. */
static void queue_entry(struct xst_queue_stats *q, __u32 pid, __u64 k)
{
	struct xst_svc_qstats *s = &q->svc[0];

	memset(q, 0, sizeof(*q));
	q->abi_version = XST_ABI_VERSION;
	q->bound = 1;
	q->pid = pid;
	q->nr_services = 1;
	q->updated_ns = mono_ns() - 500000000ULL;	/* half a second ago */
	q->rx_packets = 1000 * k;
	q->tx_packets = 900 * k;
	q->tx_errors = 1 * k;
	q->batches = 50 * k;
	q->idle_waits = 7 * k;
	q->timers = 3 * k;
	q->tx_kicks = 40 * k;
	q->drop_malformed = 1 * k;
	q->drop_unsupported = 2 * k;
	q->drop_fragment = 3 * k;
	q->drop_not_unicast = 4 * k;
	q->drop_martian = 5 * k;
	q->drop_foreign_mac = 6 * k;
	q->drop_foreign_vlan = 7 * k;
	q->drop_no_service = 8 * k;
	q->drop_foreign_dst = 9 * k;
	q->tx_kick_errors = 10 * k;
	q->io_misuse = 11 * k;
	q->tx_alloc_failed = 12 * k;
	q->rx_dropped = 69 * k;		/* 45 above + the service's 24 */
	q->passed = 30 * k;
	q->frames_free = 2000 * k;
	q->frames_held = 48 * k;
	q->xsk_rx_dropped = 2 * k;
	q->xsk_rx_invalid = 3 * k;
	q->xsk_tx_invalid = 4 * k;
	q->xsk_rx_ring_full = 5 * k;
	q->xsk_fill_empty = 6 * k;
	q->xsk_tx_empty = 7 * k;
	s->id = 0;
	s->nr_counters = 3;
	s->rx = 964 * k;		/* 1000 - the worker's 36 drops */
	s->replied = 900 * k;
	s->consumed = 10 * k;
	s->passed = 30 * k;
	s->dropped = 24 * k;
	s->emitted = 0;
	s->counter[0] = 964 * k;
	s->counter[1] = 100 * k;
	s->counter[2] = 5 * k;
}

static void daemon_entry(struct xst_queue_stats *q, __u32 pid)
{
	struct xst_svc_qstats *s = &q->svc[0];

	memset(q, 0, sizeof(*q));
	q->abi_version = XST_ABI_VERSION;
	q->pid = pid;
	q->nr_services = 1;
	q->updated_ns = mono_ns() - 500000000ULL;
	s->id = 1;
	s->nr_counters = 2;
	s->rx = 40;
	s->replied = 38;
	s->dropped = 2;
	s->counter[0] = 20;
	s->counter[1] = 2;
}

static int update(int fd, __u32 key, const void *val, const char *what)
{
	if (bpf_map_update_elem(fd, &key, val, BPF_ANY)) {
		fprintf(stderr, "qstats-fill: update %s[%u]: %s\n", what, key, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prog", required_argument, NULL, 'p' }, { "pid", required_argument, NULL, 'P' },
		{ "abi", required_argument, NULL, 'a' }, { "queues", required_argument, NULL, 'q' },
		{ "no-daemon", no_argument, NULL, 'n' }, { "clear", no_argument, NULL, 'c' },
		{ "config-abi", required_argument, NULL, 'C' }, {}
	};
	static struct xst_queue_stats q;
	static struct xst_stat_names n;
	long prog = 0, pid = getppid(), abi = XST_ABI_VERSION, nq = 2, cfg_abi = -1;
	int c, qfd, nfd, rc = 0, clear = 0, no_daemon = 0;
	__u32 i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': prog = strtol(optarg, NULL, 10); break;
		case 'P': pid = strtol(optarg, NULL, 10); break;
		case 'a': abi = strtol(optarg, NULL, 10); break;
		case 'q': nq = strtol(optarg, NULL, 10); break;
		case 'n': no_daemon = 1; break;
		case 'c': clear = 1; break;
		case 'C': cfg_abi = strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (prog <= 0 || nq < 0 || nq > XST_MAX_QUEUES || optind != argc) {
		fprintf(stderr, "usage: qstats-fill --prog ID [--pid N] [--abi N] [--queues N] "
			"[--no-daemon] | --clear | --config-abi N\n");
		return 2;
	}
	if (cfg_abi >= 0) {
		struct xst_steer_config cfg;
		__u32 key = 0;
		int fd = map_of_prog((__u32)prog, XST_MAP_CONFIG);

		if (fd < 0 || bpf_map_lookup_elem(fd, &key, &cfg)) {
			fprintf(stderr, "qstats-fill: config_map of program %ld: %s\n", prog,
				strerror(fd < 0 ? -fd : errno));
			return 1;
		}
		cfg.abi_version = (__u32)cfg_abi;
		rc = update(fd, 0, &cfg, XST_MAP_CONFIG);
		close(fd);
		return rc;
	}
	qfd = map_of_prog((__u32)prog, XST_MAP_QSTATS);
	nfd = map_of_prog((__u32)prog, XST_MAP_SNAMES);
	if (qfd < 0 || nfd < 0) {
		fprintf(stderr, "qstats-fill: maps of program %ld: %s\n", prog,
			strerror(qfd < 0 ? -qfd : -nfd));
		return 1;
	}
	if (clear) {
		memset(&q, 0, sizeof(q));
		memset(&n, 0, sizeof(n));
		for (i = 0; i < XST_QSTATS_ENTRIES; i++)
			rc |= update(qfd, i, &q, XST_MAP_QSTATS);
		rc |= update(nfd, 0, &n, XST_MAP_SNAMES);
		return rc;
	}
	/* Names first, as the daemon writes them before any counters. */
	names(&n);
	rc |= update(nfd, 0, &n, XST_MAP_SNAMES);
	for (i = 0; i < (__u32)nq; i++) {
		queue_entry(&q, (__u32)pid, i + 1);
		if (i == 0 && abi == 1) {
			q.abi_version = 1;		/* v1: __u32 bound, __u32 pid */
			q.bound = (__u32)pid;
			q.pid = 0;
		} else if (i == 0) {
			q.abi_version = (__u32)abi;
		}
		rc |= update(qfd, i, &q, XST_MAP_QSTATS);
	}
	if (!no_daemon) {
		daemon_entry(&q, (__u32)pid);
		rc |= update(qfd, XST_QSTATS_DAEMON, &q, XST_MAP_QSTATS);
	}
	close(qfd);
	close(nfd);
	return rc;
}
