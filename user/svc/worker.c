// SPDX-License-Identifier: GPL-2.0
/*
 * The worker loop (one thread per queue, run to completion, no lock, no
 * allocation, at most one system call per batch) and the db generation
 * scheme that lets SIGHUP swap zones under it.
 */
#include "svc/worker.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "svc/dns_udp.h"

/* ---- db generations ----------------------------------------------------- */

void xst_dbref_init(struct xst_dbref *ref, const struct xst_dns_db *db)
{
	memset(ref, 0, sizeof(*ref));
	atomic_store(&ref->db, db);
	atomic_store(&ref->gen, 1);
}

int xst_dbref_add_reader(struct xst_dbref *ref, struct xst_reader *r)
{
	if (ref->nr_readers >= XST_MAX_READERS)
		return -ENOSPC;
	atomic_store(&r->seen, atomic_load(&ref->gen));
	ref->readers[ref->nr_readers++] = r;
	return 0;
}

const struct xst_dns_db *xst_dbref_replace(struct xst_dbref *ref, const struct xst_dns_db *db)
{
	const struct xst_dns_db *old = atomic_exchange(&ref->db, db);
	/* Bumped after the swap: a reader that announces g has loaded the new db. */
	uint64_t g = atomic_fetch_add(&ref->gen, 1) + 1;
	struct timespec ts = { 0, 1000000 };
	unsigned int i;

	for (i = 0; i < ref->nr_readers; i++) {
		while (atomic_load(&ref->readers[i]->seen) < g)
			nanosleep(&ts, NULL);
	}
	return old;
}

/* ---- the loop ----------------------------------------------------------- */

static inline void count_tx(struct xst_worker *w, uint32_t sent, uint32_t wanted)
{
	w->stats.tx_packets += sent;
	w->stats.tx_errors += wanted - sent;
}

/* ---- precopy: ready reply frames held in UMEM ---------------------------------
 *
 * The paper's second send strategy. A per-worker cache maps the query bytes
 * that determine the answer (the L2 tags and ethertype, and the DNS message
 * after its ID) to up to PC_COPIES pinned UMEM frames holding the complete
 * reply. A hit patches one idle copy for this client (MACs, addresses,
 * ports, DNS ID, checksums: RFC 1624) and sends it in place; the query frame
 * goes straight back to the fill ring. A copy on the TX ring is never
 * touched; when every copy is in flight the entry grows (under load), and
 * when it cannot grow the query takes the memcpy path. Entries are filled on
 * demand from memcpy replies and flushed when a reload replaces the db.
 */
#define PC_SLOTS	1024	/* power of two */
#define PC_PROBE	8
#define PC_COPIES	4
#define PC_KEY_MAX	320

struct pc_entry {
	uint64_t hash;		/* 0: empty */
	uint16_t key_len;
	uint16_t reply_len;
	uint8_t l2;		/* bytes before the IP header */
	uint8_t l3;		/* IP header bytes: 20 or 40 */
	uint8_t v6;
	uint8_t ncopies;	/* pinned frames owned by this slot, kept across flushes */
	uint64_t copy[PC_COPIES];
	uint8_t key[PC_KEY_MAX];
};

struct xst_precopy {
	const struct xst_dns_db *db;	/* the db the entries were answered from */
	uint32_t nr_spare;
	uint64_t spare[PC_SLOTS * PC_COPIES];	/* pinned frames of flushed entries */
	uint8_t key[PC_KEY_MAX];	/* the current query's key, saved before the reply overwrites it */
	struct pc_entry e[PC_SLOTS];
};

struct pc_hdr {
	uint32_t l2, l3, dns, dns_len;
	int v6;
};

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Headers of an untagged/VLAN, IPv4 (no options, no fragment) or IPv6 (no
 * extension header) UDP frame; anything else is not cached. */
static int pc_parse(const uint8_t *f, uint32_t len, struct pc_hdr *h)
{
	uint32_t off = 12, tags = 0, udp, ulen;
	uint16_t type;

	if (len < 14)
		return -1;
	type = rd16(f + 12);
	while ((type == 0x8100 || type == 0x88a8) && tags++ < 2) {
		off += 4;
		if (len < off + 2)
			return -1;
		type = rd16(f + off);
	}
	h->l2 = off + 2;
	if (type == 0x0800) {
		const uint8_t *ip = f + h->l2;

		if (len < h->l2 + 20 || ip[0] != 0x45 || ip[9] != 17 || (rd16(ip + 6) & 0x3fff))
			return -1;
		h->l3 = 20;
		h->v6 = 0;
	} else if (type == 0x86dd) {
		const uint8_t *ip = f + h->l2;

		if (len < h->l2 + 40 || (ip[0] >> 4) != 6 || ip[6] != 17)
			return -1;
		h->l3 = 40;
		h->v6 = 1;
	} else {
		return -1;
	}
	udp = h->l2 + h->l3;
	if (len < udp + 8)
		return -1;
	ulen = rd16(f + udp + 4);
	if (ulen < 8 + 12 || udp + ulen > len)
		return -1;
	h->dns = udp + 8;
	h->dns_len = ulen - 8;
	return 0;
}

static inline uint32_t pc_key_len(const struct pc_hdr *h)
{
	return (h->l2 - 12) + (h->dns_len - 2);
}

/* The key: the L2 tags and ethertype, then the DNS message after its ID. */
static uint32_t pc_key(const uint8_t *f, const struct pc_hdr *h, uint8_t *key)
{
	uint32_t tl = h->l2 - 12;

	memcpy(key, f + 12, tl);
	memcpy(key + tl, f + h->dns + 2, h->dns_len - 2);
	return tl + h->dns_len - 2;
}

static uint64_t pc_hash(const uint8_t *key, uint32_t len)
{
	uint64_t x = 0xcbf29ce484222325ULL;	/* FNV-1a */
	uint32_t i;

	for (i = 0; i < len; i++)
		x = (x ^ key[i]) * 0x100000001b3ULL;
	return x | 1;	/* 0 marks an empty slot */
}

static struct pc_entry *pc_find(struct xst_precopy *pc, uint64_t hash, uint32_t klen,
				struct pc_entry **empty)
{
	uint32_t i;

	*empty = NULL;
	for (i = 0; i < PC_PROBE; i++) {
		struct pc_entry *e = &pc->e[(hash + i) & (PC_SLOTS - 1)];

		if (!e->hash) {
			*empty = e;
			return NULL;	/* no deletions: the probe ends at the first hole */
		}
		if (e->hash == hash && e->key_len == klen && !memcmp(e->key, pc->key, klen))
			return e;
	}
	return NULL;
}

static void pc_flush(struct xst_precopy *pc, const struct xst_dns_db *db)
{
	uint32_t i, j;

	for (i = 0; i < PC_SLOTS; i++) {
		struct pc_entry *e = &pc->e[i];

		for (j = 0; j < e->ncopies; j++)
			pc->spare[pc->nr_spare++] = e->copy[j];
		e->ncopies = 0;
		e->hash = 0;
	}
	pc->db = db;
}

/* One's-complement sum helpers for RFC 1624 updates. */
static inline uint32_t sum_add(uint32_t s, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i += 2)
		s += rd16(p + i);
	return s;
}

static inline uint32_t sum_sub(uint32_t s, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i += 2)
		s += (uint16_t)~rd16(p + i);
	return s;
}

static inline uint16_t sum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Rewrite the cached reply c (answer to an earlier query) for query q. */
static void pc_patch(uint8_t *c, const uint8_t *q, const struct pc_entry *e)
{
	uint32_t alen = e->v6 ? 16 : 4, soff = e->v6 ? 8 : 12, s;
	uint8_t *ip = c + e->l2, *udp = ip + e->l3, *dns = udp + 8;
	const uint8_t *qip = q + e->l2, *qudp = qip + e->l3, *qdns = qudp + 8;
	uint16_t ucs = rd16(udp + 6), v;

	s = (uint16_t)~ucs;
	s = sum_sub(s, ip + soff, 2 * alen);
	s = sum_sub(s, udp, 4);
	s = sum_sub(s, dns, 2);
	memcpy(c, q + 6, 6);			/* to the sender's link-layer address */
	memcpy(c + 6, q, 6);
	memcpy(ip + soff, qip + soff + alen, alen);
	memcpy(ip + soff + alen, qip + soff, alen);
	memcpy(udp, qudp + 2, 2);
	memcpy(udp + 2, qudp, 2);
	memcpy(dns, qdns, 2);
	s = sum_add(s, ip + soff, 2 * alen);
	s = sum_add(s, udp, 4);
	s = sum_add(s, dns, 2);
	if (ucs || e->v6) {
		v = (uint16_t)~sum_fold(s);
		if (!v)
			v = 0xffff;	/* 0 means "no checksum" in UDP */
		udp[6] = v >> 8;
		udp[7] = v & 0xff;
	}
	if (!e->v6) {
		ip[10] = ip[11] = 0;
		v = (uint16_t)~sum_fold(sum_add(0, ip, 20));
		ip[10] = v >> 8;
		ip[11] = v & 0xff;
	}
}

/* A frame for a new copy: an idle spare, else a newly pinned one. 0 or -ENOMEM. */
static int pc_frame(struct xst_worker *w, uint64_t *addr)
{
	struct xst_precopy *pc = w->pc;
	uint32_t i, n = pc->nr_spare < 16 ? pc->nr_spare : 16;

	for (i = 0; i < n; i++) {
		uint64_t *s = &pc->spare[pc->nr_spare - 1 - i];

		if (!xst_io_frame_busy(w->io, *s)) {
			*addr = *s;
			*s = pc->spare[--pc->nr_spare];
			return 0;
		}
	}
	return xst_io_pin_frame(w->io, addr);
}

/* Keep a copy of the reply r[0..rlen) in e: a new entry for pc->key when
 * fresh, else one more copy of an entry whose copies are all in flight. */
static void pc_store(struct xst_worker *w, struct pc_entry *e, int fresh, uint32_t klen,
		     const struct pc_hdr *qh, uint64_t hash, const uint8_t *r, uint32_t rlen)
{
	struct xst_precopy *pc = w->pc;
	struct pc_hdr rh;
	uint64_t addr;

	if (pc_parse(r, rlen, &rh) || rh.l2 != qh->l2 || rh.l3 != qh->l3 ||
	    rh.dns + rh.dns_len != rlen || (!fresh && rlen != e->reply_len))
		return;
	if ((!fresh && e->ncopies >= PC_COPIES) || pc_frame(w, &addr))
		return;
	memcpy(xst_io_data(w->io, addr), r, rlen);
	e->copy[e->ncopies++] = addr;
	if (fresh) {
		memcpy(e->key, pc->key, klen);
		e->key_len = (uint16_t)klen;
		e->reply_len = (uint16_t)rlen;
		e->l2 = (uint8_t)qh->l2;
		e->l3 = (uint8_t)qh->l3;
		e->v6 = (uint8_t)qh->v6;
		e->hash = hash;
	}
}

static uint32_t poll_precopy(struct xst_worker *w, const struct xst_dns_db *db,
			     struct xst_io_buf *rx, uint32_t n)
{
	struct xst_precopy *pc = w->pc;
	struct xst_io_buf out[XST_BATCH];
	uint32_t i, j, ntx = 0, sent;

	if (pc->db != db)
		pc_flush(pc, db);
	for (i = 0; i < n; i++) {
		struct pc_entry *e = NULL, *empty = NULL;
		uint8_t *f = rx[i].data;
		struct pc_hdr h;
		uint64_t hash = 0;
		uint32_t len, klen = 0;
		int sent_copy = 0;

		if (!pc_parse(f, rx[i].len, &h) && pc_key_len(&h) <= PC_KEY_MAX) {
			klen = pc_key(f, &h, pc->key);
			hash = pc_hash(pc->key, klen);
			e = pc_find(pc, hash, klen, &empty);
		}
		for (j = 0; e && j < e->ncopies; j++) {
			uint64_t c = e->copy[j];

			if (xst_io_frame_busy(w->io, c))
				continue;	/* on the TX ring: never touched */
			pc_patch(xst_io_data(w->io, c), f, e);
			xst_io_frame_hold(w->io, c);
			out[ntx].addr = c;
			out[ntx].data = xst_io_data(w->io, c);
			out[ntx].len = e->reply_len;
			out[ntx].cap = xst_io_frame_size(w->io);
			ntx++;
			xst_io_free(w->io, rx[i].addr);
			/* Counted as the service would have counted it. */
			w->stats.precopy_hits++;
			w->stats.svc.rx_frames++;
			w->stats.svc.tx_frames++;
			w->stats.svc.dns.queries++;
			w->stats.svc.dns.answered++;
			sent_copy = 1;
			break;
		}
		if (sent_copy)
			continue;
		len = xst_service_frame(db, f, rx[i].len, rx[i].cap, &w->stats.svc);
		if (!len) {
			w->stats.rx_dropped++;
			xst_io_free(w->io, rx[i].addr);
			continue;
		}
		w->stats.precopy_misses++;
		if (e || empty)
			pc_store(w, e ? e : empty, !e, klen, &h, hash, f, len);
		out[ntx] = rx[i];
		out[ntx].len = len;
		ntx++;
	}
	sent = xst_io_tx(w->io, out, ntx);
	for (i = sent; i < ntx; i++)
		xst_io_free(w->io, out[i].addr);	/* a copy: releases its hold */
	count_tx(w, sent, ntx);
	return n;
}

/* Overlap the batch's database misses before serving it (dns/db.h). */
static void look_ahead(const struct xst_dns_db *db, const struct xst_io_buf *rx, uint32_t n)
{
	struct xst_dns_ahead a[XST_BATCH];
	uint32_t i, step;

	for (i = 0; i < n; i++)
		xst_service_ahead(db, rx[i].data, rx[i].len, &a[i]);
	for (step = 0; step < XST_DNS_AHEAD_STEPS; step++)
		for (i = 0; i < n; i++)
			xst_dns_ahead_step(db, &a[i]);
}

uint32_t xst_worker_poll(struct xst_worker *w)
{
	struct xst_io_buf rx[XST_BATCH], out[XST_BATCH];
	const struct xst_dns_db *db;
	uint32_t n, i, ntx = 0, sent;

	/* Quiescent point: nothing from the previous batch is used past here. */
	db = xst_dbref_enter(w->ref, &w->reader);
	xst_io_refill(w->io);
	n = xst_io_rx(w->io, rx, w->batch);
	if (!n)
		return 0;
	w->stats.rx_packets += n;
	w->stats.batches++;
	/* In precopy mode too: in a zone this large most queries miss the
	 * per-worker copy cache and go to the database. */
	if (w->ahead == XST_AHEAD_ON || (w->ahead == XST_AHEAD_AUTO && xst_dns_db_ahead(db)))
		look_ahead(db, rx, n);
	if (w->pc)
		return poll_precopy(w, db, rx, n);

	for (i = 0; i < n; i++) {
		uint32_t len = xst_service_frame(db, rx[i].data, rx[i].len, rx[i].cap,
						 &w->stats.svc);

		if (!len) {
			w->stats.rx_dropped++;		/* counted, never logged */
			xst_io_free(w->io, rx[i].addr);
			continue;
		}
		out[ntx] = rx[i];
		out[ntx].len = len;
		ntx++;
	}
	sent = xst_io_tx(w->io, out, ntx);
	for (i = sent; i < ntx; i++)
		xst_io_free(w->io, out[i].addr);
	count_tx(w, sent, ntx);
	return n;
}

static void *run(void *arg)
{
	struct xst_worker *w = arg;

	while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
		if (xst_worker_poll(w))
			continue;
		w->stats.idle_waits++;
		xst_io_wait(w->io, w->idle_timeout_ms);
	}
	xst_dbref_offline(&w->reader);
	return NULL;
}

int xst_worker_create(struct xst_worker **out, struct xst_io *io, struct xst_dbref *ref,
		      unsigned int queue, int cpu, enum xst_send_mode send, const atomic_int *stop)
{
	struct xst_worker *w;
	int err;

	w = aligned_alloc(64, sizeof(*w));
	if (!w)
		return -ENOMEM;
	memset(w, 0, sizeof(*w));
	if (send == XST_SEND_PRECOPY) {
		w->pc = calloc(1, sizeof(*w->pc));
		if (!w->pc) {
			free(w);
			return -ENOMEM;
		}
	}
	w->io = io;
	w->ref = ref;
	w->queue = queue;
	w->cpu = cpu;
	w->send = send;
	w->stop = stop;
	w->idle_timeout_ms = 100;
	w->batch = XST_BATCH;
	w->ahead = XST_AHEAD_AUTO;
	err = xst_dbref_add_reader(ref, &w->reader);
	if (err) {
		free(w->pc);
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

int xst_worker_start(struct xst_worker *w)
{
	sigset_t all, old;
	int err;

	/* Signals are for the main thread (sigwait); workers never see them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = -pthread_create(&w->thread, NULL, run, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return err;
	w->started = 1;
	if (w->cpu >= 0) {
		cpu_set_t set;
		int e;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		e = pthread_setaffinity_np(w->thread, sizeof(set), &set);
		if (e)
			pr_warn("pin worker %u to cpu %d: %s\n", w->queue, w->cpu, strerror(e));
	}
	return 0;
}

void xst_worker_join(struct xst_worker *w)
{
	if (w && w->started) {
		pthread_join(w->thread, NULL);
		w->started = 0;
	}
}

void xst_worker_destroy(struct xst_worker *w)
{
	if (!w)
		return;
	xst_worker_join(w);
	/* A worker that never ran must not hold up a reload. */
	xst_dbref_offline(&w->reader);
	free(w->pc);	/* its frames are pinned in the io, which goes with it */
	free(w);
}
