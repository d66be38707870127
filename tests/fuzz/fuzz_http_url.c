// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for xst_http_url_path(): any bytes as a request-target,
 * from a buffer of exactly their length, into an output buffer of a size
 * taken from the input. The invariants on success: the output fits, starts
 * with '/', and contains no "//", "/./", "/../", NUL, backslash or control
 * byte, nor ends in "/." or "/.."; normalising it again changes nothing; and
 * a larger buffer gives the same answer. On failure: -400 or -414, and -414
 * only with a buffer shorter than the target (url.h: cap >= len suffices).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/url.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static int contains(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; i + k <= n; i++)
		if (!memcmp(p + i, needle, k))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, n = 0, n2 = 0, i;
	char *in, *out, *big, *again;
	int r, r2;

	/* the first byte picks the output size (0..255 or len), the rest is the target */
	if (!size)
		return 0;
	cap = data[0] == 0xff ? size : data[0];
	data++;
	size--;
	in = malloc(size ? size : 1);
	out = malloc(cap ? cap : 1);
	big = malloc(size + 1);
	again = malloc(size + 1);
	check(in && out && big && again);
	memcpy(in, data, size);

	r = xst_http_url_path(in, size, out, cap, &n);
	r2 = xst_http_url_path(in, size, big, size + 1, &n2);
	check(r2 == 0 || r2 == -400);		/* len bytes always suffice */
	check(r == 0 || r == -400 || r == -414);
	/* -414 needs a buffer shorter than the target; it may come before a -400
	 * further on, or for a result that fits but is built longer (a later ".."
	 * removes a segment already written) */
	if (r == -414)
		check(cap < size);
	if (r == -400)
		check(r2 == -400);
	if (r == 0)
		check(r2 == 0 && n == n2 && !memcmp(out, big, n));
	if (r2 == 0) {
		check(n2 >= 1 && n2 <= size + 1 && big[0] == '/');
		check(!contains(big, n2, "//") && !contains(big, n2, "/./") &&
		      !contains(big, n2, "/../"));
		check(!(n2 >= 2 && !memcmp(big + n2 - 2, "/.", 2)));
		check(!(n2 >= 3 && !memcmp(big + n2 - 3, "/..", 3)));
		for (i = 0; i < n2; i++) {
			unsigned char c = (unsigned char)big[i];

			check(c >= 0x20 && c != 0x7f && c != '\\');
		}
		/* idempotent, once '%', '?' and '#' (now literal) are not re-read */
		if (!memchr(big, '%', n2) && !memchr(big, '?', n2) && !memchr(big, '#', n2) &&
		    !memchr(big, ' ', n2)) {
			size_t n3 = 0;

			check(xst_http_url_path(big, n2, again, size + 1, &n3) == 0);
			check(n3 == n2 && !memcmp(again, big, n2));
		}
	}
	free(in);
	free(out);
	free(big);
	free(again);
	return 0;
}
