// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for RRL (user/filter/rrl.c): the input is classified as
 * a reply (from a buffer of exactly its length: a read past it is an ASan
 * report), then read as a stream of 8-byte operations (class, address
 * family and bytes, name, time step) against a small table. Invariants:
 * a class in range, name hash 0 for ERROR; a verdict in range; limited
 * responses = dropped + slipped; with slip 1 no drop, with slip 0 no slip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "filter/rrl.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xst_rrl_cfg cfg;
	struct xst_rrl *r;
	const struct xst_rrl_stats *st;
	const char *err;
	uint8_t *msg, ip[16] = { 0 };
	uint64_t now = 0, limited = 0, verdicts = 0;
	enum xst_rrl_class cls;
	uint32_t nh;
	size_t i;
	int c;

	msg = malloc(size ? size : 1);
	check(msg != NULL);
	memcpy(msg, data, size);
	cls = xst_rrl_classify(msg, size, 0x1234, &nh);
	check(cls < XST_RRL_CLASS_MAX);
	if (cls == XST_RRL_ERROR)
		check(nh == 0);
	free(msg);
	if (size < 2)
		return 0;

	xst_rrl_cfg_default(&cfg);
	cfg.responses_per_sec = data[0] % 8;
	cfg.nxdomains_per_sec = data[0] / 8 % 8;
	cfg.errors_per_sec = 1;
	cfg.slip = data[1] % 4;
	cfg.window = 1 + data[1] / 4 % 8;
	cfg.entries = 8;
	check(xst_rrl_create(&r, &cfg, &err) == 0);
	st = xst_rrl_stats(r);
	for (i = 2; i + 8 <= size; i += 8) {
		const uint8_t *op = data + i;
		size_t len = op[0] & 1 ? 16 : 4;
		enum xst_rrl_verdict v;

		memcpy(ip, op + 1, 3);
		ip[len - 1] = op[4];
		now += (uint64_t)op[5] * (XST_NS_PER_SEC / 16);
		v = xst_rrl_account(r, (enum xst_rrl_class)(op[0] >> 1 & 7), ip, len, op[6], op[7],
				    now);
		check(v == XST_RRL_SEND || v == XST_RRL_DROP || v == XST_RRL_SLIP);
		if (v != XST_RRL_SEND) {
			limited++;
			verdicts++;
		}
		if (cfg.slip == 1)
			check(v != XST_RRL_DROP);
		if (cfg.slip == 0)
			check(v != XST_RRL_SLIP);
	}
	for (c = 0; c < XST_RRL_CLASS_MAX; c++)
		limited -= st->limited[c];
	check(limited == 0);
	check(st->dropped + st->slipped == verdicts);
	xst_rrl_destroy(r);
	return 0;
}
