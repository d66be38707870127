// SPDX-License-Identifier: GPL-2.0
/*
 * Percent-decoding and dot-segment removal in one pass: decoded bytes are
 * appended to out, and each time a segment ends (a decoded '/' or the end)
 * it is checked for "." and "..". out[0] is always '/', and every segment in
 * out is followed by its '/', so removing a segment is cutting out back to
 * the '/' before it.
 */
#include "http/url.h"

#include <stdint.h>
#include <string.h>

#define BAD	(-400)
#define LONG	(-414)

static int hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Bytes refused raw or decoded: NUL and the other controls, DEL, backslash. */
static int refused(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\\';
}

static int lower_eq(const char *s, size_t len, const char *lit)
{
	size_t i, n = strlen(lit);

	if (len < n)
		return 0;
	for (i = 0; i < n; i++)
		if ((s[i] | 0x20) != lit[i])
			return 0;
	return 1;
}

/*
 * The path part of an absolute-form target (scheme "://" authority path):
 * sets *skip to the offset of the path (== len when there is none), or
 * returns BAD.
 */
static int absolute(const char *t, size_t len, size_t *skip)
{
	size_t i;

	if (lower_eq(t, len, "http://"))
		i = 7;
	else if (lower_eq(t, len, "https://"))
		i = 8;
	else
		return BAD;
	if (i == len || t[i] == '/' || t[i] == '?' || t[i] == '#')
		return BAD;	/* no authority: "http:///a" */
	for (; i < len && t[i] != '/' && t[i] != '?' && t[i] != '#'; i++)
		if (refused((unsigned char)t[i]) || t[i] == ' ')
			return BAD;
	*skip = i;
	return 0;
}

/* out[seg..len) is a finished segment: resolve it; returns the new length or BAD. */
static long end_segment(const char *out, size_t len, size_t seg)
{
	size_t n = len - seg;

	if (n == 1 && out[seg] == '.')
		return (long)seg;
	if (n == 2 && out[seg] == '.' && out[seg + 1] == '.') {
		if (seg == 1)
			return BAD;	/* above the root */
		len = seg - 1;		/* the '/' after the previous segment */
		while (out[len - 1] != '/')
			len--;
		return (long)len;
	}
	return (long)len;
}

int xst_http_url_path(const char *target, size_t len, char *out, size_t cap, size_t *out_len)
{
	size_t i = 0, n, seg;
	long r;
	int err;

	if (!len)
		return BAD;
	if (target[0] != '/') {
		err = absolute(target, len, &i);
		if (err)
			return err;
	}
	if (!cap)
		return LONG;
	out[0] = '/';
	n = seg = 1;
	if (i < len && target[i] == '/')
		i++;
	for (; i <= len; i++) {
		unsigned char c;

		if (i == len || target[i] == '?' || target[i] == '#') {
			r = end_segment(out, n, seg);
			if (r < 0)
				return (int)r;
			n = (size_t)r;
			break;
		}
		c = (unsigned char)target[i];
		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return BAD;
			hi = hex((unsigned char)target[i + 1]);
			lo = hex((unsigned char)target[i + 2]);
			if (hi < 0 || lo < 0)
				return BAD;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == ' ') {
			return BAD;	/* the request line's separator: never in a target */
		}
		if (refused(c))
			return BAD;
		if (c == '/') {
			if (n == seg)
				continue;	/* empty segment: "//" */
			r = end_segment(out, n, seg);
			if (r < 0)
				return (int)r;
			if ((size_t)r == n) {	/* an ordinary segment stays: close it */
				if (n >= cap)
					return LONG;
				out[n++] = '/';
			} else {
				n = (size_t)r;	/* "." or "..": out already ends in '/' */
			}
			seg = n;
			continue;
		}
		if (n >= cap)
			return LONG;
		out[n++] = (char)c;
	}
	*out_len = n;
	return 0;
}
