// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the filter-mode service (svc/dns_filter.h): a
 * control byte, then a raw Ethernet frame, through the generic worker and
 * the filter over the in-memory backend, with a database, cookie keys and a
 * detector whose thresholds are low enough for inputs to start and end
 * attacks. Control bit 0: fix the IPv4 header checksum (so mutations reach
 * DNS); bit 1: one second passes and the detector ticks; bit 2: the input
 * goes through a second filter in drop mode with no database. Checked per
 * input: at most one outcome (a passed frame reaches the pass hook byte for
 * byte as injected; a reply is one frame with valid IPv4 header and UDP
 * checksums and TC=1); every UMEM frame stays accounted for; the event
 * rings are drained and every event is well-formed.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/rcu.h"
#include "dns/db.h"
#include "dns/zone.h"
#include "filter/cookie.h"
#include "filter/detect.h"
#include "io/io.h"
#include "net/net.h"
#include "svc/dns_filter.h"
#include "svc/worker.h"
#include "../lib/ref_csum.h"

#define HEADROOM	256
#define FRAME_MAX	(4096 - HEADROOM)

static const char ZONE[] =
	"$ORIGIN fuzz.test.\n"
	"$TTL 300\n"
	"@	IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
	"@	IN NS ns1\n"
	"ns1	IN A 198.18.0.53\n"
	"www	IN A 198.18.0.1\n"
	"*.wild	IN TXT \"wildcard\"\n"
	"sub	IN NS ns.sub\n"
	"ns.sub	IN A 198.18.0.54\n";

struct side {
	struct xst_io *io;
	struct xst_worker *w;
	struct xst_dns_filter *f;
	uint32_t n, npass;
	uint32_t len;
	uint8_t out[4096];
};

static struct xst_rcu rcu;
static struct xst_rcu_ptr dbp, keysp;
static struct xst_cookie_keys keys;
static struct xst_detect *det;
static atomic_int stop;
static struct side a, b;
static uint64_t now = 100 * XST_NS_PER_SEC;
static const uint8_t *injected;
static uint32_t injected_len;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pass_hook(void *arg, struct xst_io *io, struct xst_frame *f)
{
	struct side *s = arg;

	s->npass++;
	if (f->buf.len != injected_len || memcmp(f->buf.data, injected, injected_len))
		abort();	/* a passed frame must be untouched */
	xst_io_free(io, f->buf.addr);
}

static void setup(struct side *s, int with_db, enum xst_filter_unknown mode)
{
	struct xst_io_cfg icfg = { .nr_frames = 256, .frame_size = 4096, .mem_headroom = HEADROOM };
	struct xst_worker_cfg wcfg = { .rcu = &rcu, .stop = &stop, .cpu = -1 };
	struct xst_dns_filter_cfg fcfg = {
		.db = with_db ? &dbp : NULL, .cookies = &keysp, .detect = det,
		.worker = with_db ? 0 : 1, .unknown = mode, .challenge_any = 1,
		.block_malformed = 2, .block_nxflood = 2, .events = 16,
	};
	struct xst_svc_rule rule = { XST_IPPROTO_UDP, 53 };

	if (xst_io_mem_create(&s->io, &icfg))
		abort();
	wcfg.io = s->io;
	if (xst_worker_create(&s->w, &wcfg) || xst_dns_filter_create(&s->f, &fcfg) ||
	    xst_worker_add_service(s->w, &xst_dns_filter_ops, s->f, &rule, 1) < 0)
		abort();
	xst_worker_set_pass(s->w, pass_hook, s);
}

static void take(void *arg, const uint8_t *data, uint32_t len)
{
	struct side *s = arg;

	if (len > sizeof(s->out))
		abort();
	s->len = len;
	memcpy(s->out, data, len);
	s->n++;
}

static void check_reply(const struct side *s)
{
	struct xst_pkt p;
	const uint8_t *ip, *udp;
	int v6;

	if (xst_net_parse(s->out, s->len, &p) != XST_NET_OK || p.l4_proto != XST_IPPROTO_UDP)
		abort();
	ip = s->out + p.l3_off;
	udp = s->out + p.l4_off;
	v6 = p.l3_proto == 0x86dd;
	if (!v6 && ref_csum_sum(ip, 20, 0) != 0xffff)
		abort();
	if (ref_csum_l4(ip, v6, 17, udp, p.l4_len) != 0xffff)
		abort();
	if (p.l4_len < 8 + 12 || !(udp[10] & 0x02) || !(udp[10] & 0x80))
		abort();	/* a challenge: QR and TC set */
}

static void run(struct side *s, const uint8_t *f, uint32_t len)
{
	struct xst_filter_event ev[32];
	struct xst_io_census c;
	uint32_t i, n;

	s->n = s->npass = 0;
	injected = f;
	injected_len = len;
	if (xst_io_mem_inject(s->io, f, len))
		abort();
	xst_worker_poll(s->w, now);
	xst_io_mem_drain_tx(s->io, 0, take, s);
	xst_io_begin(s->io);
	if (xst_io_census(s->io, &c))
		abort();
	if (s->n + s->npass > 1)
		abort();
	if (s->n)
		check_reply(s);
	n = xst_dns_filter_events(s->f, ev, 32);
	for (i = 0; i < n; i++)
		if (ev[i].kind > XST_FILTER_EV_BLOCK || (ev[i].family != 4 && ev[i].family != 6) ||
		    (ev[i].kind == XST_FILTER_EV_BLOCK && ev[i].reason != XST_BLOCK_MALFORMED &&
		     ev[i].reason != XST_BLOCK_NXFLOOD))
			abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct xst_detect_cfg dcfg = { .nr_workers = 2, .nr_zones = 1, .unknown_min = 3,
				       .distinct_min = 2, .hold_s = 2 };
	struct xst_zone_error err;
	struct xst_zone *z;
	struct xst_dns_db *db;

	(void)argc;
	(void)argv;
	xst_rcu_init(&rcu);
	if (xst_zone_parse_string(&z, ZONE, "fuzz.zone", NULL, &err) ||
	    xst_dns_db_create(&db, &z, 1, &err))
		abort();
	xst_zone_destroy(z);
	xst_rcu_ptr_init(&dbp, db);
	if (xst_cookie_keys_random(&keys))
		abort();
	xst_rcu_ptr_init(&keysp, &keys);
	if (xst_detect_create(&det, &dcfg))
		abort();
	setup(&a, 1, XST_FILTER_CHALLENGE);
	setup(&b, 0, XST_FILTER_DROP);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t f[FRAME_MAX];
	struct xst_detect_event ev[4];
	uint32_t len;
	uint8_t ctl;

	if (size < 1 || size - 1 > FRAME_MAX)
		return 0;
	ctl = data[0];
	len = (uint32_t)(size - 1);
	memcpy(f, data + 1, len);
	if ((ctl & 1) && len >= 34 && f[12] == 0x08 && f[13] == 0 && (f[14] >> 4) == 4) {
		uint32_t hl = (f[14] & 15) * 4u, sum;

		if (hl >= 20 && 14 + hl <= len) {
			f[24] = f[25] = 0;
			sum = ref_csum_sum(f + 14, hl, 0);
			f[24] = (uint8_t)(~sum >> 8);
			f[25] = (uint8_t)~sum;
		}
	}
	now += 1000;
	if (ctl & 2) {
		now += XST_NS_PER_SEC;
		xst_detect_tick(det, now, ev, 4);
	}
	run(&a, f, len);
	if (ctl & 4) {
		memcpy(f, data + 1, len);
		run(&b, f, len);
	}
	return 0;
}
