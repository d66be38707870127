/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data path's clock: CLOCK_MONOTONIC in nanoseconds, read through the
 * vDSO (no system call, about 20 ns here). The worker reads it once per loop
 * iteration and hands that value to handlers and timers; nothing on the
 * per-packet path reads the clock itself.
 */
#ifndef XST_CORE_CLOCK_H
#define XST_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

#define XST_NS_PER_MS	1000000ull
#define XST_NS_PER_SEC	1000000000ull

static inline uint64_t xst_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * XST_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

#endif /* XST_CORE_CLOCK_H */
