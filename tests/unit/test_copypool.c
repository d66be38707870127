// SPDX-License-Identifier: GPL-2.0
/*
 * The copy pool (svc/copypool.h) over the in-memory io backend: store and
 * take, a copy busy from take until its send is done (completion, untake,
 * or a TX refusal through xst_io_unsent()), copies grown under load up to
 * copies_max and max_frames, CLOCK eviction in a full probe window (a
 * recently taken entry survives an untouched one), sweep of idle entries, a
 * taken copy that survives the eviction of its entry until its send is
 * done, destroy with copies in flight, and issue 7's overflow scenario
 * (32768 frames, 50 flushes with copies in flight) under ASan/UBSan, with
 * xst_io_census() checked all along: the frames the io says are held are
 * the pool's frames gauge, and after destroy none is held.
 *
 * Regression tests (the regressions tcase) hold contracts an earlier version
 * of the code broke.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "svc/copypool.h"
#include "svc/tx.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SEC 1000000000ull

/* Every passing ck_assert_*() sends its location to the runner (a write);
 * in loops of thousands, check cheaply and report only a failure. */
#define OK(c)                                                                  \
	do {                                                                   \
		if (!(c))                                                      \
			ck_abort_msg("line %d: %s", __LINE__, #c);             \
	} while (0)
#define OK_EQ(a, b)                                                            \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_)                                                  \
			ck_abort_msg("line %d: %s = %lld, want %s = %lld",     \
				     __LINE__, #a, a_, #b, b_);                \
	} while (0)

/* ---- helpers ------------------------------------------------------------------ */

static struct xst_io *mk_io(uint32_t frames, uint32_t ring, uint32_t max_held)
{
	struct xst_io_cfg c = {
		.nr_frames = frames,
		.frame_size = 4096,
		.fill_size = ring,
		.rx_size = ring,
		.tx_size = ring,
		.max_held = max_held,
	};
	struct xst_io *io = NULL;

	ck_assert_int_eq(xst_io_mem_create(&io, &c), 0);
	return io;
}

static struct xst_copypool *mk_pool(struct xst_io *io, uint32_t slots, uint32_t copies,
				    uint32_t max_frames, uint64_t idle_ns)
{
	struct xst_copypool_cfg c = {
		.slots = slots,
		.key_max = 32,
		.copies_max = copies,
		.max_frames = max_frames,
		.idle_ns = idle_ns,
	};
	struct xst_copypool *p = NULL;

	ck_assert_int_eq(xst_copypool_create(&p, io, &c), 0);
	ck_assert_ptr_nonnull(p);
	return p;
}

struct key {
	char s[32];
	uint32_t len;
	uint64_t hash;
};

static uint64_t fnv(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

/* Key "<round>/<i>"; same_hash: every key hashes alike (one probe window). */
static struct key mkkey(uint32_t round, uint32_t i, int same_hash)
{
	struct key k;

	k.len = (uint32_t)snprintf(k.s, sizeof(k.s), "%u/%u", round, i);
	k.hash = same_hash ? 0x1234500 : fnv(k.s, k.len);
	return k;
}

#define FLEN 200

/* The bytes stored for key k: derived from the key, so a copy can be checked. */
static void content(uint8_t *f, const struct key *k)
{
	uint32_t i;

	for (i = 0; i < FLEN; i++)
		f[i] = (uint8_t)(k->hash >> (8 * (i % 8))) ^ (uint8_t)i ^ (uint8_t)k->s[i % k->len];
}

static int store(struct xst_copypool *p, const struct key *k, uint64_t now)
{
	uint8_t f[FLEN];

	content(f, k);
	return xst_copypool_store(p, k->hash, (const uint8_t *)k->s, k->len, f, FLEN, NULL, now);
}

static int take(struct xst_copypool *p, const struct key *k, uint64_t now, struct xst_copy *c)
{
	int err = xst_copypool_take(p, k->hash, (const uint8_t *)k->s, k->len, now, c);

	if (!err) {
		uint8_t f[FLEN];

		content(f, k);
		OK_EQ(c->len, FLEN);
		OK_EQ(c->addr % 4096, 0);
		if (memcmp(c->data, f, FLEN))
			ck_abort_msg("copy of '%s' does not hold its bytes", k->s);
	}
	return err;
}

static uint32_t send(struct xst_io *io, const struct xst_copy *c)
{
	struct xst_io_buf b = { .addr = c->addr, .data = c->data, .len = c->len };

	return xst_io_tx(io, &b, 1);
}

/* The io's census adds up, and the frames it says are held are the pool's. */
#define census_ok(io, p) census_ok_at((io), (p), __LINE__)
static struct xst_io_census census_ok_at(struct xst_io *io, const struct xst_copypool *p,
					 int line)
{
	struct xst_io_census c;
	int err = xst_io_census(io, &c);
	uint32_t sum = c.free + c.fill + c.rx + c.kernel_rx + c.user + c.tx + c.comp +
		       c.kernel_tx + c.held;

	if (err || sum != xst_io_nr_frames(io) || c.user)
		ck_abort_msg("line %d: census %d: free %u fill %u user %u tx %u comp %u held %u "
			     "held_tx %u, sum %u",
			     line, err, c.free, c.fill, c.user, c.tx, c.comp, c.held, c.held_tx, sum);
	if (p) {
		const struct xst_copypool_stats *st = xst_copypool_stats(p);

		if (c.held + c.held_tx != st->frames)
			ck_abort_msg("line %d: io holds %u frames, the pool says %llu", line,
				     c.held + c.held_tx, (unsigned long long)st->frames);
	}
	return c;
}

static void reap(struct xst_io *io)
{
	xst_io_mem_drain_tx(io, 0, NULL, NULL);
	xst_io_begin(io);
}

/* ---- create --------------------------------------------------------------- */

static const struct bad_cfg {
	const char *name;
	struct xst_copypool_cfg c;
} bad_cfgs[] = {
	{ "no slots", { 0, 32, 2, 100, SEC } },
	{ "slots not a power of two", { 12, 32, 2, 100, SEC } },
	{ "no key", { 64, 0, 2, 100, SEC } },
	{ "key too long for klen", { 64, 70000, 2, 100, SEC } },
	{ "no copies", { 64, 32, 0, 100, SEC } },
	{ "65536 copies", { 64, 32, 65536, 100, SEC } },
	{ "slots below the probe window", { 4, 32, 2, 100, SEC } },
};

START_TEST(test_cp_create_rejects)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = (struct xst_copypool *)0x1;

	ck_assert_msg(xst_copypool_create(&p, io, &bad_cfgs[_i].c) == -EINVAL, "%s",
		      bad_cfgs[_i].name);
	ck_assert_ptr_eq(p, (struct xst_copypool *)0x1);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_cp_create_limits)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p[XST_IO_OWNERS_MAX];
	struct xst_copypool_cfg c = { 8, 1, 8, 100, SEC };	/* the extremes that are valid */
	int i;

	for (i = 0; i < XST_IO_OWNERS_MAX - 1; i++)
		ck_assert_int_eq(xst_copypool_create(&p[i], io, &c), 0);
	/* one holder per pool: the io's holders are all taken */
	ck_assert_int_eq(xst_copypool_create(&p[i], io, &c), -ENOSPC);
	for (i = 0; i < XST_IO_OWNERS_MAX - 1; i++)
		xst_copypool_destroy(p[i]);
	xst_copypool_destroy(NULL);
	census_ok(io, NULL);
	xst_io_destroy(io);
}
END_TEST

/* ---- store, take, busy until done ---------------------------------------- */

START_TEST(test_cp_store_take)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 64, 1, 100, SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	struct key a = mkkey(0, 1, 0), b = mkkey(0, 2, 0), a_other = a;
	uint8_t meta[XST_CP_META_MAX], f[FLEN];
	struct xst_copy c, c2;
	int i;

	ck_assert_int_eq(take(p, &a, 1, &c), -ENOENT);
	ck_assert_uint_eq(st->misses, 1);
	for (i = 0; i < XST_CP_META_MAX; i++)
		meta[i] = (uint8_t)(0xa0 + i);
	content(f, &a);
	ck_assert_int_eq(xst_copypool_store(p, a.hash, (const uint8_t *)a.s, a.len, f, FLEN, meta,
					    10),
			 0);
	ck_assert_int_eq(store(p, &b, 10), 0);
	ck_assert_uint_eq(st->entries, 2);
	ck_assert_uint_eq(st->frames, 2);
	ck_assert_uint_eq(st->stored, 2);
	ck_assert_uint_eq(xst_io_nr_held(io), 2);
	census_ok(io, p);

	ck_assert_int_eq(take(p, &a, 20, &c), 0);
	ck_assert_mem_eq(c.meta, meta, XST_CP_META_MAX);
	ck_assert_ptr_eq(c.data, xst_io_data(io, c.addr));
	ck_assert_uint_eq(st->hits, 1);
	/* its only copy is busy */
	ck_assert_int_eq(take(p, &a, 21, &c2), -EBUSY);
	ck_assert_uint_eq(st->busy, 1);
	/* b has no meta: zeros */
	ck_assert_int_eq(take(p, &b, 22, &c2), 0);
	for (i = 0; i < XST_CP_META_MAX; i++)
		ck_assert_uint_eq(c2.meta[i], 0);
	ck_assert_uint_ne(c2.addr, c.addr);
	xst_copypool_untake(p, c2.addr);

	/* same hash, other key; same key, other hash: misses */
	memcpy(a_other.s, "zz", 2);
	ck_assert_int_eq(take(p, &a_other, 23, &c2), -ENOENT);
	a_other = a;
	a_other.hash ^= 0x100;
	ck_assert_int_eq(take(p, &a_other, 23, &c2), -ENOENT);
	a_other = a;
	a_other.len--;
	ck_assert_int_eq(take(p, &a_other, 23, &c2), -ENOENT);
	ck_assert_uint_eq(st->misses, 4);

	/* untake: idle again */
	xst_copypool_untake(p, c.addr);
	ck_assert_int_eq(take(p, &a, 30, &c2), 0);
	ck_assert_uint_eq(c2.addr, c.addr);
	xst_copypool_untake(p, c2.addr);
	ck_assert_uint_eq(st->hits + st->busy + st->misses, 8);
	census_ok(io, p);
	xst_copypool_destroy(p);
	ck_assert_uint_eq(xst_io_nr_held(io), 0);
	census_ok(io, NULL);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_cp_busy_until_send_done)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 64, 1, 100, SEC);
	struct key a = mkkey(0, 1, 0);
	struct xst_copy c, c2;
	struct xst_tx tx;
	int i;

	ck_assert_int_eq(store(p, &a, 0), 0);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(take(p, &a, 1, &c), 0);
		ck_assert_uint_eq(send(io, &c), 1);
		ck_assert_int_eq(take(p, &a, 2, &c2), -EBUSY);	/* in flight */
		xst_io_mem_drain_tx(io, 0, NULL, NULL);
		ck_assert_int_eq(take(p, &a, 3, &c2), -EBUSY);	/* completion not reaped */
		census_ok(io, p);
		xst_io_begin(io);
		ck_assert_int_eq(take(p, &a, 4, &c2), 0);	/* done: idle */
		ck_assert_uint_eq(c2.addr, c.addr);
		xst_copypool_untake(p, c2.addr);
	}
	/* Through the TX context, refused by a full ring: given back, idle. */
	xst_tx_init(&tx, io, NULL);
	ck_assert_int_eq(take(p, &a, 5, &c), 0);
	{
		struct xst_io_buf fill[128];
		uint32_t n = 0;

		while (n < 128 && !xst_io_alloc(io, &fill[n])) {
			fill[n].len = 60;
			n++;
		}
		ck_assert_uint_eq(xst_io_tx(io, fill, n), n);	/* the ring is full now */
		ck_assert_uint_eq(xst_io_tx_room(io), 0);
	}
	{
		struct xst_io_buf b = { .addr = c.addr, .data = c.data, .len = c.len };

		ck_assert_int_eq(xst_tx_send(&tx, &b), 0);
		xst_tx_flush(&tx);
		ck_assert_uint_eq(tx.errors, 1);
	}
	ck_assert_int_eq(take(p, &a, 6, &c2), 0);
	xst_copypool_untake(p, c2.addr);
	reap(io);
	census_ok(io, p);
	ck_assert_uint_eq(xst_io_stats(io)->misuse, 0);
	xst_copypool_destroy(p);
	census_ok(io, NULL);
	ck_assert_uint_eq(xst_io_nr_held(io), 0);
	xst_io_destroy(io);
}
END_TEST

/* ---- growth and limits ------------------------------------------------------- */

START_TEST(test_cp_grows_under_load)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 64, 4, 100, SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	struct key a = mkkey(0, 1, 0);
	struct xst_copy c[4], x;
	int i, j;

	ck_assert_int_eq(store(p, &a, 0), 0);
	for (i = 0; i < 4; i++) {
		/* every copy busy: the service builds the reply and stores one more */
		ck_assert_int_eq(take(p, &a, 1, &c[i]), 0);
		ck_assert_uint_eq(send(io, &c[i]), 1);
		if (i < 3) {
			ck_assert_int_eq(take(p, &a, 1, &x), -EBUSY);
			ck_assert_int_eq(store(p, &a, 1), 0);
		}
		for (j = 0; j < i; j++)
			ck_assert_uint_ne(c[i].addr, c[j].addr);
	}
	ck_assert_uint_eq(st->frames, 4);
	ck_assert_uint_eq(st->entries, 1);
	ck_assert_int_eq(take(p, &a, 1, &x), -EBUSY);
	ck_assert_int_eq(store(p, &a, 1), -ENOSPC);	/* copies_max */
	ck_assert_uint_eq(st->frames, 4);
	census_ok(io, p);
	/* all done: four idle copies, taken without storing */
	reap(io);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(take(p, &a, 2, &c[i]), 0);
	ck_assert_int_eq(take(p, &a, 2, &x), -EBUSY);
	for (i = 0; i < 4; i++)
		xst_copypool_untake(p, c[i].addr);
	ck_assert_uint_eq(st->stored, 4);
	/* a copy of another length cannot join the entry */
	{
		uint8_t f[FLEN + 1] = { 0 };

		ck_assert_int_ne(xst_copypool_store(p, a.hash, (const uint8_t *)a.s, a.len, f,
						    FLEN + 1, NULL, 3),
				 0);
	}
	census_ok(io, p);
	xst_copypool_destroy(p);
	census_ok(io, NULL);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_cp_max_frames)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 64, 8, 10, SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	struct key k;
	uint32_t i;

	for (i = 0; i < 10; i++) {
		k = mkkey(0, i, 0);
		ck_assert_int_eq(store(p, &k, 0), 0);
	}
	/* At the limit a new key takes the frames of an entry not used since
	 * the CLOCK hand passed (none of these was ever taken): one goes. */
	k = mkkey(0, 99, 0);
	ck_assert_int_eq(store(p, &k, 0), 0);
	ck_assert_uint_eq(st->frames, 10);
	ck_assert_uint_eq(st->entries, 10);
	ck_assert_uint_ge(st->evicted, 1);
	ck_assert_uint_eq(st->no_frame, 0);
	census_ok(io, p);
	xst_copypool_destroy(p);
	xst_io_destroy(io);

	/* The io's max_held below the pool's max_frames: the io's limit holds. */
	io = mk_io(1024, 128, 5);
	p = mk_pool(io, 64, 8, 100, SEC);
	st = xst_copypool_stats(p);
	for (i = 0; i < 5; i++) {
		k = mkkey(1, i, 0);
		ck_assert_int_eq(store(p, &k, 0), 0);
	}
	/* With every entry just used (CLOCK bits set), nothing can be
	 * reclaimed in one pass: the io's limit holds and the store fails. */
	for (i = 0; i < 5; i++) {
		struct xst_copy c;

		k = mkkey(1, i, 0);
		ck_assert_int_eq(xst_copypool_take(p, k.hash, (const uint8_t *)k.s, k.len, 4, &c), 0);
		xst_copypool_untake(p, c.addr);
	}
	k = mkkey(1, 5, 0);
	ck_assert_int_eq(store(p, &k, 0), -ENOSPC);
	ck_assert_uint_eq(st->frames, 5);
	ck_assert_uint_eq(st->no_frame, 1);
	ck_assert_uint_eq(census_ok(io, p).user, 0);	/* nothing left in the caller's hands */
	xst_copypool_destroy(p);
	census_ok(io, NULL);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_cp_store_errors)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 64, 2, 100, SEC);
	static uint8_t big[4097];
	char key[40];
	struct xst_copy c;

	memset(key, 'k', sizeof(key));
	ck_assert_int_eq(xst_copypool_store(p, 1, (const uint8_t *)key, 33, big, 10, NULL, 0),
			 -EMSGSIZE);
	ck_assert_int_eq(xst_copypool_store(p, 1, (const uint8_t *)key, 32, big, 4097, NULL, 0),
			 -EMSGSIZE);
	ck_assert_uint_eq(xst_copypool_stats(p)->frames, 0);
	/* the largest key and frame fit */
	big[4095] = 0x77;
	ck_assert_int_eq(xst_copypool_store(p, 1, (const uint8_t *)key, 32, big, 4096, NULL, 0), 0);
	ck_assert_int_eq(xst_copypool_take(p, 1, (const uint8_t *)key, 32, 0, &c), 0);
	ck_assert_uint_eq(c.len, 4096);
	ck_assert_uint_eq(c.data[4095], 0x77);
	xst_copypool_untake(p, c.addr);
	/* hash 0 is a valid caller hash */
	ck_assert_int_eq(xst_copypool_store(p, 0, (const uint8_t *)key, 5, big, 10, NULL, 0), 0);
	ck_assert_int_eq(xst_copypool_take(p, 0, (const uint8_t *)key, 5, 0, &c), 0);
	xst_copypool_untake(p, c.addr);
	census_ok(io, p);
	xst_copypool_destroy(p);
	xst_io_destroy(io);
}
END_TEST

/* ---- eviction and sweep --------------------------------------------------- */

START_TEST(test_cp_clock_keeps_recently_taken)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	/* 8 slots: one probe window, every key in it */
	struct xst_copypool *p = mk_pool(io, 8, 1, 100, SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	struct key hot = mkkey(0, 0, 1), k;
	struct xst_copy c;
	uint32_t i, present;

	ck_assert_int_eq(store(p, &hot, 0), 0);
	for (i = 1; i < 8; i++) {
		k = mkkey(0, i, 1);
		ck_assert_int_eq(store(p, &k, 0), 0);
	}
	ck_assert_uint_eq(st->entries, 8);
	ck_assert_uint_eq(st->evicted, 0);
	/* 30 new keys, the hot one taken before each: it always survives. */
	for (i = 8; i < 38; i++) {
		ck_assert_int_eq(take(p, &hot, i, &c), 0);
		xst_copypool_untake(p, c.addr);
		k = mkkey(0, i, 1);
		ck_assert_int_eq(store(p, &k, i), 0);
		ck_assert_uint_eq(st->entries, 8);
		ck_assert_uint_eq(st->evicted, i - 7);
		census_ok(io, p);
	}
	ck_assert_int_eq(take(p, &hot, 100, &c), 0);
	xst_copypool_untake(p, c.addr);
	/* 8 entries: the hot one and 7 of the others */
	present = 0;
	for (i = 0; i < 38; i++) {
		k = mkkey(0, i, 1);
		if (!take(p, &k, 101, &c)) {
			present++;
			xst_copypool_untake(p, c.addr);
		}
	}
	ck_assert_uint_eq(present, 8);
	ck_assert_uint_eq(st->frames, 8);
	census_ok(io, p);
	xst_copypool_destroy(p);
	census_ok(io, NULL);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_cp_untouched_evicted_first)
{
	/* Of a full window, only the untouched entry goes when a new key comes. */
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 8, 1, 100, SEC);
	struct key k;
	struct xst_copy c;
	uint32_t victim = 5, i;

	for (i = 0; i < 8; i++) {
		k = mkkey(0, i, 1);
		ck_assert_int_eq(store(p, &k, 0), 0);
	}
	for (i = 0; i < 8; i++) {
		if (i == victim)
			continue;
		k = mkkey(0, i, 1);
		ck_assert_int_eq(take(p, &k, 1, &c), 0);
		xst_copypool_untake(p, c.addr);
	}
	k = mkkey(0, 8, 1);
	ck_assert_int_eq(store(p, &k, 2), 0);
	for (i = 0; i < 9; i++) {
		k = mkkey(0, i, 1);
		ck_assert_msg(take(p, &k, 3, &c) == (i == victim ? -ENOENT : 0), "key %u", i);
		if (i != victim)
			xst_copypool_untake(p, c.addr);
	}
	census_ok(io, p);
	xst_copypool_destroy(p);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_cp_sweep)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 64, 2, 100, SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	struct key a = mkkey(0, 1, 0), b = mkkey(0, 2, 0), c = mkkey(0, 3, 0);
	uint64_t t = 1000 * SEC;
	struct xst_copy x;

	ck_assert_int_eq(store(p, &a, t), 0);
	ck_assert_int_eq(store(p, &a, t), 0);	/* two copies: both go */
	ck_assert_int_eq(store(p, &b, t), 0);
	ck_assert_int_eq(store(p, &c, t + SEC / 2), 0);
	ck_assert_int_eq(take(p, &b, t + SEC * 9 / 10, &x), 0);	/* b used since */
	xst_copypool_untake(p, x.addr);
	/* Nothing idle for a whole second yet. */
	ck_assert_uint_eq(xst_copypool_sweep(p, t + SEC * 9 / 10), 0);
	ck_assert_uint_eq(st->frames, 4);
	/* a: 1.2 s unused, dropped; b: 0.3 s, c: 0.7 s, kept. */
	ck_assert_uint_eq(xst_copypool_sweep(p, t + SEC * 12 / 10), 1);
	ck_assert_uint_eq(st->evicted, 1);
	ck_assert_uint_eq(st->entries, 2);
	ck_assert_uint_eq(st->frames, 2);
	ck_assert_uint_eq(xst_io_nr_held(io), 2);
	ck_assert_int_eq(take(p, &a, t + SEC * 12 / 10, &x), -ENOENT);
	ck_assert_int_eq(take(p, &c, t + SEC * 12 / 10, &x), 0);	/* c used now */
	xst_copypool_untake(p, x.addr);
	/* b 2.05 s, c 0.85 s */
	ck_assert_uint_eq(xst_copypool_sweep(p, t + SEC * 205 / 100), 1);
	ck_assert_int_eq(take(p, &b, t + SEC * 205 / 100, &x), -ENOENT);
	ck_assert_int_eq(take(p, &c, t + SEC * 205 / 100, &x), 0);
	xst_copypool_untake(p, x.addr);
	census_ok(io, p);
	xst_copypool_destroy(p);
	xst_io_destroy(io);
}
END_TEST

/* ---- a taken copy outlives the eviction of its entry ---------------------------- */

enum evict_how { EV_FLUSH, EV_SWEEP, EV_WINDOW };
enum end_how { END_SEND, END_UNTAKE, END_TX_QUEUE, END_TX_REFUSED };

static const struct survive_case {
	const char *name;
	enum evict_how ev;
	enum end_how end;
} survive_cases[] = {
	{ "flush, then sent", EV_FLUSH, END_SEND },
	{ "flush, then untaken", EV_FLUSH, END_UNTAKE },
	{ "flush while queued in the TX context", EV_FLUSH, END_TX_QUEUE },
	{ "flush, then refused by a full TX ring", EV_FLUSH, END_TX_REFUSED },
	{ "sweep, then sent", EV_SWEEP, END_SEND },
	{ "sweep, then untaken", EV_SWEEP, END_UNTAKE },
	{ "evicted by a new key, then sent", EV_WINDOW, END_SEND },
	{ "evicted by a new key while queued in the TX context", EV_WINDOW, END_TX_QUEUE },
};

START_TEST(test_cp_taken_survives_eviction)
{
	const struct survive_case *tc = &survive_cases[_i];
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 8, 1, 64, SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	struct key a = mkkey(0, 0, 1), k;
	uint8_t want[FLEN];
	struct xst_copy c, x;
	struct xst_tx tx;
	struct xst_io_buf b;
	uint32_t i, held0;

	xst_tx_init(&tx, io, NULL);
	content(want, &a);
	ck_assert_int_eq(store(p, &a, 0), 0);
	ck_assert_int_eq(take(p, &a, 0, &c), 0);
	b.addr = c.addr;
	b.data = c.data;
	b.len = c.len;
	if (tc->end == END_TX_QUEUE)
		ck_assert_int_eq(xst_tx_send(&tx, &b), 0);	/* queued, not on the ring yet */

	switch (tc->ev) {
	case EV_FLUSH:
		xst_copypool_flush(p);
		ck_assert_uint_eq(st->entries, 0);
		ck_assert_uint_eq(st->flushes, 1);
		break;
	case EV_SWEEP:
		ck_assert_uint_eq(xst_copypool_sweep(p, 5 * SEC), 1);
		break;
	case EV_WINDOW:
		/* 9 more keys into the one window: the first passes a's
		 * second chance (it was just taken), the next evicts it */
		for (i = 1; i < 10; i++) {
			k = mkkey(0, i, 1);
			ck_assert_int_eq(store(p, &k, 1), 0);
		}
		ck_assert_int_eq(take(p, &a, 2, &x), -ENOENT);
		break;
	}
	ck_assert_int_eq(take(p, &a, 6 * SEC, &x), -ENOENT);
	/* Still held, not reused: many new copies, none in its frame, its bytes intact. */
	held0 = xst_io_nr_held(io);
	for (i = 100; i < 140; i++) {
		k = mkkey(1, i, 0);
		if (store(p, &k, 6 * SEC))
			continue;
		ck_assert_int_eq(take(p, &k, 6 * SEC, &x), 0);
		ck_assert_uint_ne(x.addr, c.addr);
		xst_copypool_untake(p, x.addr);
	}
	ck_assert_mem_eq(c.data, want, FLEN);
	census_ok(io, p);
	ck_assert_uint_ge(xst_io_nr_held(io), held0);

	switch (tc->end) {
	case END_SEND:
		ck_assert_uint_eq(send(io, &c), 1);	/* still ours to send: no misuse */
		break;
	case END_UNTAKE:
		xst_copypool_untake(p, c.addr);
		break;
	case END_TX_QUEUE:
		xst_tx_flush(&tx);
		ck_assert_uint_eq(tx.sent, 1);
		break;
	case END_TX_REFUSED: {
		struct xst_io_buf f[128];
		uint32_t n = 0;

		while (n < 128 && !xst_io_alloc(io, &f[n])) {
			f[n].len = 60;
			n++;
		}
		ck_assert_uint_eq(xst_io_tx(io, f, n), n);
		ck_assert_int_eq(xst_tx_send(&tx, &b), 0);
		xst_tx_flush(&tx);
		ck_assert_uint_eq(tx.errors, 1);
		break;
	}
	}
	census_ok(io, p);
	ck_assert_uint_eq(xst_io_stats(io)->misuse, 0);
	/* Once its send is done, the frame is given back. */
	reap(io);
	census_ok(io, p);
	ck_assert_uint_eq(xst_io_nr_held(io), st->frames);
	ck_assert_uint_eq(xst_io_nr_held(io), st->entries);	/* one copy per live entry, no orphan */
	xst_copypool_destroy(p);
	reap(io);
	ck_assert_uint_eq(xst_io_nr_held(io), 0);
	census_ok(io, NULL);
	ck_assert_uint_eq(xst_io_stats(io)->misuse, 0);
	xst_io_destroy(io);
}
END_TEST

/* ---- flush and destroy ---------------------------------------------------------- */

START_TEST(test_cp_flush_idle_at_once)
{
	struct xst_io *io = mk_io(1024, 128, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 256, 3, 500, SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	struct key k;
	struct xst_copy c;
	uint32_t i, free0;

	for (i = 0; i < 100; i++) {
		k = mkkey(0, i, 0);
		ck_assert_int_eq(store(p, &k, 0), 0);
		ck_assert_int_eq(store(p, &k, 0), 0);
	}
	ck_assert_uint_eq(st->frames, 200);
	free0 = xst_io_nr_free(io);
	xst_copypool_flush(p);
	ck_assert_uint_eq(st->entries, 0);
	ck_assert_uint_eq(st->frames, 0);
	ck_assert_uint_eq(xst_io_nr_held(io), 0);
	ck_assert_uint_eq(xst_io_nr_free(io), free0 + 200);
	ck_assert_uint_eq(st->evicted, 0);	/* flushes are counted as such */
	ck_assert_uint_eq(st->flushes, 1);
	for (i = 0; i < 100; i++) {
		k = mkkey(0, i, 0);
		ck_assert_int_eq(take(p, &k, 1, &c), -ENOENT);
	}
	/* usable again */
	k = mkkey(1, 0, 0);
	ck_assert_int_eq(store(p, &k, 2), 0);
	ck_assert_int_eq(take(p, &k, 2, &c), 0);
	xst_copypool_untake(p, c.addr);
	census_ok(io, p);
	xst_copypool_destroy(p);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_cp_destroy_in_flight)
{
	struct xst_io *io = mk_io(4096, 512, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 1024, 2, 2000, SEC);
	struct xst_copy c;
	struct key k;
	uint32_t i, sent = 0;

	for (i = 0; i < 300; i++) {
		k = mkkey(0, i, 0);
		ck_assert_int_eq(store(p, &k, 0), 0);
		ck_assert_int_eq(store(p, &k, 0), 0);
	}
	/* in flight, then orphaned by a flush */
	for (i = 0; i < 100; i++) {
		k = mkkey(0, i, 0);
		ck_assert_int_eq(take(p, &k, 1, &c), 0);
		sent += send(io, &c);
	}
	xst_copypool_flush(p);
	/* new entries, some in flight, some idle */
	for (i = 0; i < 200; i++) {
		k = mkkey(1, i, 0);
		ck_assert_int_eq(store(p, &k, 2), 0);
		if (i % 2) {
			ck_assert_int_eq(take(p, &k, 2, &c), 0);
			sent += send(io, &c);
		}
	}
	ck_assert_uint_eq(sent, 200);
	census_ok(io, p);
	xst_copypool_destroy(p);	/* 200 in flight: the io frees them at completion */
	census_ok(io, NULL);
	ck_assert_uint_eq(xst_io_nr_held(io), 200);
	xst_io_mem_drain_tx(io, 50, NULL, NULL);
	xst_io_begin(io);	/* no done call reaches the freed pool (ASan) */
	ck_assert_uint_eq(xst_io_nr_held(io), 150);
	reap(io);
	ck_assert_uint_eq(xst_io_nr_held(io), 0);
	ck_assert_uint_eq(census_ok(io, NULL).free + census_ok(io, NULL).fill, 4096);
	ck_assert_uint_eq(xst_io_stats(io)->misuse, 0);
	xst_io_destroy(io);
}
END_TEST

/* ---- issue 7: many frames, repeated reloads with copies in flight ----------- */

static uint32_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

START_TEST(test_cp_reload_overflow)
{
	/* "With a large --frames (32768) and two reloads while copies are in
	 * flight, 7,444 frames end up pinned and UBSan reports index 4096 out
	 * of bounds." Here: 50 reloads, thousands of keys, copies in flight
	 * across each. */
	const uint32_t frames = 32768, slots = 4096, max_frames = 12000, copies = 4;
	struct xst_io *io = mk_io(frames, 4096, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, slots, copies, max_frames, 60 * SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	uint64_t takes = 0, sent = 0, now = SEC, peak = 0;
	struct xst_io_census c;
	uint32_t round, i;

	ck_assert_uint_ge(xst_io_cfg(io)->max_held, max_frames);
	rng_state = 7444;
	for (round = 0; round < 50; round++) {
		uint32_t nkeys = 2000 + rnd() % 2000;

		for (i = 0; i < nkeys; i++) {
			struct key k = mkkey(round, i, 0);
			uint32_t extra = rnd() % copies, e;

			now += 1000;
			if (store(p, &k, now))
				continue;
			for (e = 0; e < extra; e++)
				store(p, &k, now);
		}
		OK(st->frames <= max_frames);
		OK(st->entries <= slots);
		census_ok(io, p);
		/* take and send, never draining all: copies in flight */
		for (i = 0; i < 3000; i++) {
			struct key k = mkkey(round, rnd() % nkeys, 0);
			struct xst_copy x;

			takes++;
			if (take(p, &k, now, &x))
				continue;
			if (send(io, &x))
				sent++;
			else
				xst_copypool_untake(p, x.addr);	/* ring full: not sent */
			if (i % 500 == 0)
				census_ok(io, p);
		}
		c = census_ok(io, p);
		if (c.held_tx > peak)
			peak = c.held_tx;
		/* the kernel sends part of it; part of that is reaped */
		xst_io_mem_drain_tx(io, rnd() % 3000, NULL, NULL);
		if (round % 3)
			xst_io_begin(io);
		census_ok(io, p);
		/* reload */
		xst_copypool_flush(p);
		OK_EQ(st->entries, 0);
		c = census_ok(io, p);
		OK_EQ(c.held, 0);	/* every idle copy went back at once */
		OK(st->frames <= max_frames);
		if (round % 5 == 4)
			OK(xst_copypool_sweep(p, now + 120 * SEC) == 0);	/* nothing left */
	}
	ck_assert_uint_eq(st->flushes, 50);
	ck_assert_uint_eq(st->hits + st->busy + st->misses, takes);
	ck_assert_uint_gt(sent, 20000);
	ck_assert_uint_gt(peak, 1000);	/* the scenario did have copies in flight */
	ck_assert_uint_le(st->frames, max_frames);
	/* the last drain and begin: every frame back */
	reap(io);
	c = census_ok(io, p);
	ck_assert_uint_eq(c.held_tx, 0);
	ck_assert_uint_eq(c.held, st->frames);
	ck_assert_uint_eq(st->frames, 0);
	xst_copypool_destroy(p);
	c = census_ok(io, NULL);
	ck_assert_uint_eq(c.held + c.held_tx, 0);
	ck_assert_uint_eq(c.free + c.fill, frames);
	ck_assert_uint_eq(xst_io_stats(io)->misuse, 0);
	xst_io_destroy(io);
}
END_TEST

START_TEST(test_cp_reload_with_live_entries)
{
	/* Same, but destroy with live entries and copies in flight at the end. */
	const uint32_t frames = 32768;
	struct xst_io *io = mk_io(frames, 4096, UINT32_MAX);
	struct xst_copypool *p = mk_pool(io, 2048, 3, 6000, SEC);
	const struct xst_copypool_stats *st = xst_copypool_stats(p);
	uint32_t round, i;
	struct xst_io_census c;

	rng_state = 99;
	for (round = 0; round < 22; round++) {	/* ends after a sweep, not a flush */
		for (i = 0; i < 3000; i++) {
			struct key k = mkkey(round % 4, rnd() % 2500, 0);
			struct xst_copy x;
			int err = take(p, &k, round * SEC, &x);

			if (err == -EBUSY || err == -ENOENT)
				store(p, &k, round * SEC);	/* built by the service, kept */
			else if (!err && !send(io, &x))
				xst_copypool_untake(p, x.addr);
		}
		OK(st->frames <= 6000);
		census_ok(io, p);
		xst_io_mem_drain_tx(io, rnd() % 4096, NULL, NULL);
		xst_io_begin(io);
		if (round % 4 == 3)
			xst_copypool_flush(p);
		if (round % 4 == 1)
			xst_copypool_sweep(p, round * SEC);
		census_ok(io, p);
	}
	ck_assert_uint_gt(st->entries, 0);
	ck_assert_uint_gt(census_ok(io, p).held_tx, 0);
	xst_copypool_destroy(p);
	reap(io);
	c = census_ok(io, NULL);
	ck_assert_uint_eq(c.held + c.held_tx, 0);
	ck_assert_uint_eq(c.free + c.fill, frames);
	ck_assert_uint_eq(xst_io_stats(io)->misuse, 0);
	xst_io_destroy(io);
}
END_TEST

Suite *copypool_suite(void)
{
	Suite *s = suite_create("copypool");
	TCase *tc = tcase_create("pool");
	TCase *big = tcase_create("reload");

	tcase_add_loop_test(tc, test_cp_create_rejects, 0, ARRAY_SIZE(bad_cfgs));
	tcase_add_test(tc, test_cp_create_limits);
	tcase_add_test(tc, test_cp_store_take);
	tcase_add_test(tc, test_cp_busy_until_send_done);
	tcase_add_test(tc, test_cp_grows_under_load);
	tcase_add_test(tc, test_cp_max_frames);
	tcase_add_test(tc, test_cp_store_errors);
	tcase_add_test(tc, test_cp_clock_keeps_recently_taken);
	tcase_add_test(tc, test_cp_untouched_evicted_first);
	tcase_add_test(tc, test_cp_sweep);
	tcase_add_loop_test(tc, test_cp_taken_survives_eviction, 0, ARRAY_SIZE(survive_cases));
	tcase_add_test(tc, test_cp_flush_idle_at_once);
	tcase_add_test(tc, test_cp_destroy_in_flight);
	suite_add_tcase(s, tc);

	tcase_set_timeout(big, 60);
	tcase_add_test(big, test_cp_reload_overflow);
	tcase_add_test(big, test_cp_reload_with_live_entries);
	suite_add_tcase(s, big);

	/* Failing on purpose: contracts the code does not keep (see the comments). */
	{
		TCase *bugs = tcase_create("regressions");

		suite_add_tcase(s, bugs);
	}
	return s;
}
