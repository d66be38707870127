// SPDX-License-Identifier: GPL-2.0
/*
 * http/ site pieces: URL normalisation (http/url.h), Content-Type by
 * extension (http/mime.h, checked against nginx's own mime.types when it is
 * installed), HTTP dates (http/date.h, checked against gmtime_r/strftime in
 * the C locale), and site loading and lookup (http/site.h) on a temporary
 * tree with nested directories, index files, an empty and a 1 MB file,
 * dotfiles, symlinks inside, outside, dangling and looping, a fifo, a name
 * no URL can reach, and the failure paths (missing root, a file for root,
 * an unreadable file or directory, every limit).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http/date.h"
#include "http/mime.h"
#include "http/site.h"
#include "http/url.h"
#include "../lib/guard.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define OK(c)                                                                  \
	do {                                                                   \
		if (!(c))                                                      \
			ck_abort_msg("line %d: %s", __LINE__, #c);             \
	} while (0)

/* ---- URL normalisation ------------------------------------------------------- */

#define BAD -400
#define S(lit) lit, sizeof(lit) - 1	/* a literal with its length (embedded NULs count) */

static const struct url_case {
	const char *in;
	size_t len;
	int want;
	const char *out;
} url_cases[] = {
	{ S("/"), 0, "/" },
	{ S("/index.html"), 0, "/index.html" },
	{ S("/a/b?q=1"), 0, "/a/b" },
	{ S("/a/b?q=/../../x"), 0, "/a/b" },
	{ S("/a/b#frag"), 0, "/a/b" },
	{ S("/a?x#y"), 0, "/a" },
	{ S("/?"), 0, "/" },
	{ S("/a/?"), 0, "/a/" },
	{ S("/A/B"), 0, "/A/B" },			/* case-sensitive */
	/* dot segments */
	{ S("/a/./b"), 0, "/a/b" },
	{ S("/./"), 0, "/" },
	{ S("/."), 0, "/" },
	{ S("/a/."), 0, "/a/" },
	{ S("/a/.."), 0, "/" },
	{ S("/a/../"), 0, "/" },
	{ S("/a/b/.."), 0, "/a/" },
	{ S("/a/b/../c"), 0, "/a/c" },
	{ S("/a/b/c/../../.."), 0, "/" },
	{ S("/a/./../b/./c/."), 0, "/b/c/" },
	{ S("/..."), 0, "/..." },			/* not a dot segment */
	{ S("/.a"), 0, "/.a" },
	{ S("/..a"), 0, "/..a" },
	{ S("/a.."), 0, "/a.." },
	{ S("/a/.../b"), 0, "/a/.../b" },
	{ S("/.well-known/x"), 0, "/.well-known/x" },
	/* above the root: refused, not clamped */
	{ S("/.."), BAD, NULL },
	{ S("/../"), BAD, NULL },
	{ S("/../a"), BAD, NULL },
	{ S("/a/../.."), BAD, NULL },
	{ S("/a/../../b"), BAD, NULL },
	{ S("/a/b/c/../../../.."), BAD, NULL },
	{ S("/./../a"), BAD, NULL },
	{ S("//../a"), BAD, NULL },
	/* encoded dots and slashes: decoded, then normalised */
	{ S("/%2e%2e"), BAD, NULL },
	{ S("/%2E%2E/etc/passwd"), BAD, NULL },
	{ S("/%2e./x"), BAD, NULL },
	{ S("/%2E./x"), BAD, NULL },
	{ S("/.%2E/x"), BAD, NULL },
	{ S("/..%2f"), BAD, NULL },
	{ S("/..%2Fetc/passwd"), BAD, NULL },
	{ S("/a/..%2f..%2fetc"), BAD, NULL },
	{ S("/%2f.."), BAD, NULL },
	{ S("/a/%2e%2e/b"), 0, "/b" },
	{ S("/%2e"), 0, "/" },
	{ S("/a/%2e/"), 0, "/a/" },
	{ S("/a%2fb"), 0, "/a/b" },
	{ S("/a%2F..%2Fb"), 0, "/b" },
	{ S("/a%2f%2f%2fb"), 0, "/a/b" },
	{ S("/%2fa"), 0, "/a" },
	/* empty segments */
	{ S("//"), 0, "/" },
	{ S("///"), 0, "/" },
	{ S("//a//b//"), 0, "/a/b/" },
	{ S("/a/b/"), 0, "/a/b/" },
	{ S("//a/./b/"), 0, "/a/b/" },
	/* NUL, raw or encoded */
	{ S("/%00"), BAD, NULL },
	{ S("/a%00.html"), BAD, NULL },
	{ S("/a\0b"), BAD, NULL },
	{ S("/\0"), BAD, NULL },
	{ S("/a/.%00"), BAD, NULL },
	/* bad escapes */
	{ S("/%zz"), BAD, NULL },
	{ S("/%4"), BAD, NULL },
	{ S("/%"), BAD, NULL },
	{ S("/a%"), BAD, NULL },
	{ S("/a%2"), BAD, NULL },
	{ S("/%g0"), BAD, NULL },
	{ S("/%0g"), BAD, NULL },
	{ S("/%%30"), BAD, NULL },
	{ S("/% 1"), BAD, NULL },
	{ S("/%-1"), BAD, NULL },
	{ S("/%41%42%43"), 0, "/ABC" },
	{ S("/%4a%4A"), 0, "/JJ" },
	{ S("/%25"), 0, "/%" },			/* decoded once, never twice */
	{ S("/%252e%252e"), 0, "/%2e%2e" },
	{ S("/%e2%82%ac"), 0, "/\xe2\x82\xac" },
	{ S("/\xe2\x82\xac.html"), 0, "/\xe2\x82\xac.html" },
	{ S("/a%3fb"), 0, "/a?b" },		/* an encoded '?' is part of the name */
	{ S("/a%23b"), 0, "/a#b" },
	{ S("/a%20b"), 0, "/a b" },
	{ S("/%ff"), 0, "/\xff" },
	/* backslash and control bytes, raw or encoded */
	{ S("/a\\b"), BAD, NULL },
	{ S("/a%5cb"), BAD, NULL },
	{ S("/a%5C..%5Cb"), BAD, NULL },
	{ S("/..\\"), BAD, NULL },
	{ S("/a\tb"), BAD, NULL },
	{ S("/a%09b"), BAD, NULL },
	{ S("/a%0d%0aX: y"), BAD, NULL },
	{ S("/a\r\n"), BAD, NULL },
	{ S("/a%7f"), BAD, NULL },
	{ S("/a\x7f"), BAD, NULL },
	{ S("/a\x1f"), BAD, NULL },
	{ S("/a b"), BAD, NULL },
	/* absolute-form */
	{ S("http://host/a/b"), 0, "/a/b" },
	{ S("HTTP://Host:80/a"), 0, "/a" },
	{ S("HtTpS://h/x?y"), 0, "/x" },
	{ S("http://host"), 0, "/" },
	{ S("http://host?q"), 0, "/" },
	{ S("http://host#f"), 0, "/" },
	{ S("http://host/"), 0, "/" },
	{ S("http://host//a"), 0, "/a" },
	{ S("http://h/a/%2e%2e/b"), 0, "/b" },
	{ S("http://h/../a"), BAD, NULL },
	{ S("http://h/%2e%2e/a"), BAD, NULL },
	{ S("http:///a"), BAD, NULL },
	{ S("http://"), BAD, NULL },
	{ S("http://?a"), BAD, NULL },
	{ S("http://h\\x/a"), BAD, NULL },
	{ S("http://h\0/a"), BAD, NULL },
	{ S("ftp://h/a"), BAD, NULL },
	{ S("http:/a"), BAD, NULL },
	{ S("http:a"), BAD, NULL },
	{ S("httpx://h/a"), BAD, NULL },
	/* other forms */
	{ S("*"), BAD, NULL },
	{ S(""), BAD, NULL },
	{ S("a/b"), BAD, NULL },
	{ S("host:80"), BAD, NULL },
	{ S("?q"), BAD, NULL },
	{ S("#f"), BAD, NULL },
	{ S("."), BAD, NULL },
	{ S(".."), BAD, NULL },
	{ S("%2f"), BAD, NULL },
	{ S("\\a"), BAD, NULL },
};

START_TEST(test_url_cases)
{
	const struct url_case *tc = &url_cases[_i];
	uint8_t *in = guard_copy(tc->in, tc->len);
	char out[256];
	size_t n = 9999;
	int r;

	ck_assert_ptr_nonnull(in);
	r = xst_http_url_path((const char *)in, tc->len, out, sizeof(out), &n);
	ck_assert_msg(r == tc->want, "'%.*s': %d, want %d", (int)tc->len, tc->in, r, tc->want);
	if (!r) {
		ck_assert_msg(n == strlen(tc->out) && !memcmp(out, tc->out, n),
			      "'%.*s' -> '%.*s', want '%s'", (int)tc->len, tc->in, (int)n, out,
			      tc->out);
		/* cap >= len always suffices; less than the result is -414 */
		OK(n <= tc->len);
		OK(xst_http_url_path((const char *)in, tc->len, out, tc->len, &n) == 0);
		OK(xst_http_url_path((const char *)in, tc->len, out, n - 1, &n) == -414);
		/* without dot segments, an exact fit works */
		if (!memchr(tc->in, '.', tc->len) && !strstr(tc->in, "%2"))
			OK(xst_http_url_path((const char *)in, tc->len, out, n, &n) == 0);
	}
	guard_free(in, tc->len);
}
END_TEST

START_TEST(test_url_long)
{
	size_t len = 100000, n, i;
	char *in = malloc(len), *out = malloc(len);

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	/* one long name: fits in len, -414 in less */
	in[0] = '/';
	memset(in + 1, 'a', len - 1);
	OK(xst_http_url_path(in, len, out, len, &n) == 0 && n == len);
	OK(xst_http_url_path(in, len, out, 4096, &n) == -414);
	OK(xst_http_url_path(in, len, out, 0, &n) == -414);
	/* 20000 "/a/.." resolve to "/" */
	for (i = 0; i + 5 <= len; i += 5)
		memcpy(in + i, "/a/..", 5);
	OK(xst_http_url_path(in, i, out, 16, &n) == -414 || n == 1);
	OK(xst_http_url_path(in, i, out, len, &n) == 0 && n == 1 && out[0] == '/');
	/* 10000 segments down, 10001 up: refused */
	for (i = 0; i < 10000; i++)
		memcpy(in + 2 * i, "/b", 2);
	for (n = 0; n < 10001; n++)
		memcpy(in + 20000 + 3 * n, "/..", 3);
	OK(xst_http_url_path(in, 20000 + 3 * 10001, out, len, &n) == BAD);
	OK(xst_http_url_path(in, 20000 + 3 * 10000, out, len, &n) == 0 && n == 1);
	/* a long run of slashes collapses */
	memset(in, '/', len);
	OK(xst_http_url_path(in, len, out, len, &n) == 0 && n == 1);
	free(in);
	free(out);
}
END_TEST

/* ---- Content-Type -------------------------------------------------------------- */

static const struct mime_case {
	const char *path;
	const char *type;
} mime_cases[] = {
	{ "/index.html", "text/html" },
	{ "/INDEX.HTML", "text/html" },
	{ "/a.HtM", "text/html" },
	{ "/s.css", "text/css" },
	{ "/a.js", "application/javascript" },
	{ "/m.mjs", "text/javascript" },
	{ "/d.json", "application/json" },
	{ "/d.xml", "text/xml" },
	{ "/t.txt", "text/plain" },		/* no charset, as nginx */
	{ "/t.csv", "text/csv" },
	{ "/r.md", "text/markdown" },
	{ "/i.svg", "image/svg+xml" },
	{ "/i.png", "image/png" },
	{ "/i.jpg", "image/jpeg" },
	{ "/i.JPEG", "image/jpeg" },
	{ "/i.gif", "image/gif" },
	{ "/i.webp", "image/webp" },
	{ "/i.avif", "image/avif" },
	{ "/favicon.ico", "image/x-icon" },
	{ "/i.bmp", "image/x-ms-bmp" },
	{ "/i.tif", "image/tiff" },
	{ "/i.tiff", "image/tiff" },
	{ "/f.woff", "font/woff" },
	{ "/f.woff2", "font/woff2" },
	{ "/f.ttf", "font/ttf" },
	{ "/f.otf", "font/otf" },
	{ "/f.eot", "application/vnd.ms-fontobject" },
	{ "/d.pdf", "application/pdf" },
	{ "/z.zip", "application/zip" },
	{ "/z.tar.gz", "application/gzip" },
	{ "/z.tgz", "application/gzip" },
	{ "/z.bz2", "application/x-bzip2" },
	{ "/z.xz", "application/x-xz" },
	{ "/z.7z", "application/x-7z-compressed" },
	{ "/z.tar", "application/x-tar" },
	{ "/w.wasm", "application/wasm" },
	{ "/s.mp3", "audio/mpeg" },
	{ "/s.ogg", "audio/ogg" },
	{ "/s.oga", "audio/ogg" },
	{ "/s.opus", "audio/ogg" },
	{ "/s.wav", "audio/wav" },
	{ "/s.flac", "audio/flac" },
	{ "/s.aac", "audio/aac" },
	{ "/s.m4a", "audio/x-m4a" },
	{ "/v.mp4", "video/mp4" },
	{ "/v.m4v", "video/x-m4v" },
	{ "/v.webm", "video/webm" },
	{ "/v.ogv", "video/ogg" },
	{ "/v.mov", "video/quicktime" },
	{ "/v.avi", "video/x-msvideo" },
	{ "/v.mkv", "video/x-matroska" },
	{ "/v.mpeg", "video/mpeg" },
	{ "/v.mpg", "video/mpeg" },
	{ "/a.js.map", "application/json" },
	{ "/site.webmanifest", "application/manifest+json" },
	{ "/feed.atom", "application/atom+xml" },
	{ "/feed.rss", "application/rss+xml" },
	{ "/c.ics", "text/calendar" },
	{ "/p.exe", "application/octet-stream" },
	/* no extension, or none we know */
	{ "/README", XST_HTTP_MIME_DEFAULT },
	{ "/a.", XST_HTTP_MIME_DEFAULT },
	{ "/.htaccess", XST_HTTP_MIME_DEFAULT },	/* extension "htaccess" */
	{ "/.png", "image/png" },			/* nginx: extension "png" */
	{ "/a.html/b", XST_HTTP_MIME_DEFAULT },		/* the last segment's only */
	{ "/a.html/", XST_HTTP_MIME_DEFAULT },
	{ "/x.unknownextension", XST_HTTP_MIME_DEFAULT },
	{ "/x.averyveryverylongextensionname", XST_HTTP_MIME_DEFAULT },
	{ "", XST_HTTP_MIME_DEFAULT },
	{ ".", XST_HTTP_MIME_DEFAULT },
	{ "html", XST_HTTP_MIME_DEFAULT },
};

START_TEST(test_mime_cases)
{
	const struct mime_case *tc = &mime_cases[_i];
	const char *t = xst_http_mime(tc->path, strlen(tc->path));

	ck_assert_msg(!strcmp(t, tc->type), "'%s': '%s', want '%s'", tc->path, t, tc->type);
}
END_TEST

START_TEST(test_mime_table)
{
	const char *ext, *type, *prev = "";
	char path[64];
	int nginx;
	size_t i;

	/* sorted (the lookup is a binary search), each entry found through the lookup */
	for (i = 0; xst_http_mime_entry(i, &ext, &type, &nginx) == 0; i++) {
		ck_assert_msg(strcmp(prev, ext) < 0, "'%s' after '%s'", ext, prev);
		snprintf(path, sizeof(path), "/x.%s", ext);
		OK(!strcmp(xst_http_mime(path, strlen(path)), type));
		OK(!strchr(type, ';'));		/* no charset */
		prev = ext;
	}
	OK(i > 100);
	OK(xst_http_mime_entry(i, &ext, &type, &nginx) == -ENOENT);
}
END_TEST

/* Every extension of nginx's mime.types maps to nginx's type, and every entry
 * marked nginx is in that file. Skipped (with a message) without nginx-common. */
START_TEST(test_mime_nginx)
{
	FILE *f = fopen("/etc/nginx/mime.types", "r");
	char tok[256], type[256] = "", path[300];
	const char *ext, *t;
	size_t i, seen = 0, marked = 0;
	int c, n = 0, in_types = 0, nginx;

	if (!f) {
		printf("http_site: /etc/nginx/mime.types missing, nginx comparison skipped\n");
		return;
	}
	/* tokens: "types" "{" then (type ext... ";")* "}" */
	for (;;) {
		size_t k = 0;

		while ((c = fgetc(f)) != EOF && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
			;
		if (c == EOF)
			break;
		if (c == '{' || c == '}' || c == ';') {
			if (c == '{')
				in_types = 1;
			n = 0;
			continue;
		}
		while (c != EOF && c != ' ' && c != '\t' && c != '\n' && c != ';' && k < 255) {
			tok[k++] = (char)c;
			c = fgetc(f);
		}
		tok[k] = 0;
		if (c == ';')
			ungetc(c, f);
		if (!in_types)
			continue;
		if (n++ == 0) {
			strcpy(type, tok);
			continue;
		}
		snprintf(path, sizeof(path), "/file.%s", tok);
		t = xst_http_mime(path, strlen(path));
		ck_assert_msg(!strcmp(t, type), "%s: '%s', nginx '%s'", tok, t, type);
		seen++;
	}
	fclose(f);
	OK(seen > 100);
	for (i = 0; xst_http_mime_entry(i, &ext, &t, &nginx) == 0; i++)
		marked += nginx;
	ck_assert_msg(marked == seen, "%zu entries marked nginx, nginx has %zu", marked, seen);
}
END_TEST

/* ---- dates -------------------------------------------------------------------- */

static const struct date_case {
	int64_t t;
	const char *s;
} date_cases[] = {
	{ 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
	{ 784111777, "Sun, 06 Nov 1994 08:49:37 GMT" },
	{ 951782400, "Tue, 29 Feb 2000 00:00:00 GMT" },
	{ 951868799, "Tue, 29 Feb 2000 23:59:59 GMT" },
	{ 4107542400, "Mon, 01 Mar 2100 00:00:00 GMT" },	/* 2100: no Feb 29 */
	{ 1700000000, "Tue, 14 Nov 2023 22:13:20 GMT" },
	{ 2147483648, "Tue, 19 Jan 2038 03:14:08 GMT" },
	{ 253402300799, "Fri, 31 Dec 9999 23:59:59 GMT" },
};

START_TEST(test_date_cases)
{
	const struct date_case *tc = &date_cases[_i];
	char out[30];
	int64_t t;

	memset(out, 'x', sizeof(out));
	xst_http_date(tc->t, out);
	ck_assert_str_eq(out, tc->s);
	OK(strlen(out) == XST_HTTP_DATE_LEN);
	OK(xst_http_date_parse(tc->s, strlen(tc->s), &t) == 0 && t == tc->t);
}
END_TEST

START_TEST(test_date_clamp)
{
	char out[30];

	xst_http_date(-1, out);
	ck_assert_str_eq(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	xst_http_date(INT64_MIN, out);
	ck_assert_str_eq(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	xst_http_date(INT64_MAX, out);
	ck_assert_str_eq(out, "Fri, 31 Dec 9999 23:59:59 GMT");
}
END_TEST

/* Against libc for times spread over 1970-9999: the format, and the three
 * forms parsed back (asctime and RFC 850 built with strftime). */
START_TEST(test_date_libc)
{
	uint64_t x = 88172645463325252ull;
	char mine[30], ref[64];
	struct tm tm;
	int64_t t, back;
	int i;

	for (i = 0; i < 20000; i++) {
		time_t tt;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (int64_t)(x % (uint64_t)(XST_HTTP_DATE_MAX + 1));
		if (i < 1000)
			t = (int64_t)(x % 4102444800ull);	/* 1970-2099 often */
		tt = (time_t)t;
		OK(gmtime_r(&tt, &tm));
		xst_http_date(t, mine);
		strftime(ref, sizeof(ref), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		ck_assert_msg(!strcmp(mine, ref), "%lld: '%s', libc '%s'", (long long)t, mine, ref);
		OK(xst_http_date_parse(mine, strlen(mine), &back) == 0 && back == t);
		strftime(ref, sizeof(ref), "%a %b %e %H:%M:%S %Y", &tm);
		OK(xst_http_date_parse(ref, strlen(ref), &back) == 0 && back == t);
		if (tm.tm_year >= 70 && tm.tm_year < 170) {
			strftime(ref, sizeof(ref), "%A, %d-%b-%y %H:%M:%S GMT", &tm);
			OK(xst_http_date_parse(ref, strlen(ref), &back) == 0 && back == t);
		}
	}
}
END_TEST

static const struct parse_case {
	const char *s;
	int want;
	int64_t t;
} parse_cases[] = {
	{ "Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777 },
	{ "Sunday, 06-Nov-94 08:49:37 GMT", 0, 784111777 },
	{ "Sun Nov  6 08:49:37 1994", 0, 784111777 },
	{ "Sun Nov 06 08:49:37 1994", 0, 784111777 },		/* 2DIGIT day */
	{ "Tuesday, 09-Nov-99 23:12:40 GMT", 0, 942189160 },
	{ "Thursday, 01-Jan-70 00:00:00 GMT", 0, 0 },
	{ "Tuesday, 01-Jan-69 00:00:00 GMT", 0, 3124224000 },	/* 2069: the fixed pivot */
	{ "Sat, 31 Dec 2016 23:59:60 GMT", 0, 1483228800 },	/* a leap second */
	{ "Mon, 06 Nov 1994 08:49:37 GMT", 0, 784111777 },	/* wrong day name: not checked */
	/* malformed */
	{ "", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 UTC", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 gmt", -EINVAL, 0 },
	{ "sun, 06 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Xyz, 06 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:37 GMT ", -EINVAL, 0 },
	{ " Sun, 06 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 6 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 94 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 31 Feb 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 29 Feb 1900 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 00 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 32 Jan 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 24:00:00 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:60:00 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:49:61 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08-49-37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1994 08:4a:37 GMT", -EINVAL, 0 },
	{ "Sun, 06 Nov 1969 08:49:37 GMT", -EINVAL, 0 },	/* before the epoch */
	{ "Sun, 06 Nov +994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun,  06 Nov 1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sun Nov 6 08:49:37 1994", -EINVAL, 0 },
	{ "Sun Nov  6 08:49:37 1994 ", -EINVAL, 0 },
	{ "Sun Nov  6 08:49:37 94  ", -EINVAL, 0 },
	{ "Sun Nov  x 08:49:37 1994", -EINVAL, 0 },
	{ "Sun, 06-Nov-94 08:49:37 GMT", -EINVAL, 0 },
	{ "Sunday, 06-Nov-1994 08:49:37 GMT", -EINVAL, 0 },
	{ "Sunday, 06 Nov 94 08:49:37 GMT", -EINVAL, 0 },
	{ "Sundae, 06-Nov-94 08:49:37 GMT", -EINVAL, 0 },
	{ "Sunday, 06-Nov-94 08:49:37 UTC", -EINVAL, 0 },
	{ "Sunday, 31-Apr-94 08:49:37 GMT", -EINVAL, 0 },
	{ "1994-11-06T08:49:37Z", -EINVAL, 0 },
	{ "784111777", -EINVAL, 0 },
};

START_TEST(test_date_parse)
{
	const struct parse_case *tc = &parse_cases[_i];
	size_t len = strlen(tc->s);
	uint8_t *in = guard_copy(tc->s, len);
	int64_t t = -1;
	int r;

	ck_assert_ptr_nonnull(in);
	r = xst_http_date_parse((const char *)in, len, &t);
	ck_assert_msg(r == tc->want, "'%s': %d, want %d", tc->s, r, tc->want);
	if (!r)
		ck_assert_msg(t == tc->t, "'%s': %lld, want %lld", tc->s, (long long)t,
			      (long long)tc->t);
	guard_free(in, len);
}
END_TEST

/* ---- site loading --------------------------------------------------------------- */

#define BIG (1 << 20)
#define C_MTIME 784111777	/* a/b/c.txt: "Sun, 06 Nov 1994 08:49:37 GMT" */

static char tmp_root[64];

static void put_file(const char *rel, const void *data, size_t len)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", tmp_root, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_msg(fd >= 0, "create %s: %s", p, strerror(errno));
	OK(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

static void put_dir(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmp_root, rel);
	ck_assert_msg(!mkdir(p, 0755), "mkdir %s: %s", p, strerror(errno));
}

static void put_link(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmp_root, rel);
	ck_assert_msg(!symlink(target, p), "symlink %s: %s", p, strerror(errno));
}

static char *path_of(const char *rel)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmp_root, rel);
	return p;
}

/* rm -rf tmp_root (it holds nothing but what the tests made) */
static void cleanup_root(void)
{
	char cmd[256];

	if (!tmp_root[0])
		return;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s' '%s-sib'",
		 tmp_root, tmp_root, tmp_root);
	if (system(cmd))
		fprintf(stderr, "http_site: could not remove %s\n", tmp_root);
	tmp_root[0] = 0;
}

static uint8_t big_byte(size_t i)
{
	return (uint8_t)(i * 131 + (i >> 9));
}

static void make_tree(void)
{
	struct timespec ts[2] = { { C_MTIME, 0 }, { C_MTIME, 0 } };
	uint8_t *big = malloc(BIG);
	size_t i;

	strcpy(tmp_root, "/tmp/xst_http_site.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	OK(chmod(tmp_root, 0755) == 0);	/* the unprivileged child walks it too */
	ck_assert_ptr_nonnull(big);
	for (i = 0; i < BIG; i++)
		big[i] = big_byte(i);

	put_file("index.html", "<h1>root</h1>\n", 14);
	put_dir("a");
	put_file("a/index.html", "<h1>a</h1>\n", 11);
	put_dir("a/b");
	put_file("a/b/c.txt", "hello c\n", 8);
	OK(utimensat(AT_FDCWD, path_of("a/b/c.txt"), ts, 0) == 0);
	put_dir("noindex");
	put_file("noindex/x.css", "p{}", 3);
	put_dir("empty_dir");
	put_file("empty.txt", "", 0);
	put_file("big.bin", big, BIG);
	put_file(".hidden", "secret-ish\n", 11);
	put_dir(".git");
	put_file(".git/config", "[core]\n", 7);
	put_file("with space.html", "sp", 2);
	put_file("back\\slash", "bs", 2);		/* no URL reaches it */
	put_link("a/b/c.txt", "link_in");		/* relative, inside */
	put_link(path_of("empty.txt"), "link_abs");	/* absolute, inside */
	put_link("/etc/passwd", "link_out");		/* outside */
	put_link("../../../../../../etc", "link_out_dir");
	put_link("does/not/exist", "link_dangling");
	put_link("a", "link_dir");			/* a directory inside */
	put_link("..", "a/b/up");			/* a loop back to a/ */
	put_link(".", "self");				/* a loop back to the root */
	put_link("link_chain2", "link_chain1");		/* a chain, ends inside */
	put_link("index.html", "link_chain2");
	OK(mkfifo(path_of("fifo"), 0644) == 0);
	put_dir("dir_index");
	put_dir("dir_index/index.html");		/* an index that is no file */
	/* a sibling whose name starts with the root's: the prefix check must stop
	 * at a '/' boundary ("/tmp/x.1-sib" is not inside "/tmp/x.1") */
	{
		char sib[128], f[160];
		int fd;

		snprintf(sib, sizeof(sib), "%s-sib", tmp_root);
		OK(mkdir(sib, 0755) == 0);
		snprintf(f, sizeof(f), "%s/f.txt", sib);
		fd = open(f, O_WRONLY | O_CREAT, 0644);
		OK(fd >= 0 && write(fd, "sib", 3) == 3);
		close(fd);
		put_link(f, "link_prefix");
	}
	free(big);
}

static struct xst_http_site *load_tree(void)
{
	struct xst_http_site_cfg cfg = { .quiet = 1 };
	struct xst_http_site *s = NULL;
	char err[512];
	int r;

	r = xst_http_site_load_cfg(&s, tmp_root, &cfg, err, sizeof(err));
	ck_assert_msg(r == 0, "load %s: %d %s", tmp_root, r, err);
	ck_assert_ptr_nonnull(s);
	return s;
}

static const struct xst_http_obj *find(const struct xst_http_site *s, const char *path,
				       int want_status)
{
	const struct xst_http_obj *o;
	int st = 0;

	o = xst_http_site_find(s, path, strlen(path), &st);
	ck_assert_msg(st == want_status, "'%s': status %d, want %d", path, st, want_status);
	return o;
}

static void expect_body(const struct xst_http_site *s, const char *path, const char *body)
{
	const struct xst_http_obj *o = find(s, path, 200);

	ck_assert_ptr_nonnull(o);
	ck_assert_msg(o->size == strlen(body) && !memcmp(o->data, body, o->size), "'%s' body",
		      path);
}

static int has_warning(const struct xst_http_site *s, const char *part)
{
	const char *w;
	size_t i;

	for (i = 0; (w = xst_http_site_warning(s, i)); i++)
		if (strstr(w, part))
			return 1;
	return 0;
}

START_TEST(test_site_load)
{
	const struct xst_http_obj *o, *a;
	struct xst_http_site_info info;
	struct xst_http_site *s;
	char etag[64];
	size_t i;

	make_tree();
	s = load_tree();

	/* files, directories, index files */
	expect_body(s, "/", "<h1>root</h1>\n");
	expect_body(s, "/index.html", "<h1>root</h1>\n");
	expect_body(s, "/a/", "<h1>a</h1>\n");
	expect_body(s, "/a/index.html", "<h1>a</h1>\n");
	expect_body(s, "/a/b/c.txt", "hello c\n");
	expect_body(s, "/noindex/x.css", "p{}");
	expect_body(s, "/with space.html", "sp");
	expect_body(s, "/.hidden", "secret-ish\n");	/* dotfiles served, as nginx */
	expect_body(s, "/.git/config", "[core]\n");
	o = find(s, "/a", 301);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(o->path, "/a/");			/* the Location */
	OK(o->is_dir && o->path_len == 3);
	a = find(s, "/a/", 200);
	OK(o->index == a);
	o = find(s, "/a/b", 301);
	ck_assert_str_eq(o->path, "/a/b/");
	o = find(s, "/a/b/", 403);			/* no index.html, no listing */
	ck_assert_ptr_nonnull(o);
	OK(o->is_dir && !o->index);
	find(s, "/noindex", 301);
	o = find(s, "/noindex/", 403);
	ck_assert_str_eq(o->path, "/noindex/");
	find(s, "/empty_dir/", 403);
	OK(find(s, "/a/b/c.txt/", 404) == NULL);	/* a file is no directory */
	OK(find(s, "/index.html/", 404) == NULL);
	OK(find(s, "/missing", 404) == NULL);
	OK(find(s, "/missing/", 404) == NULL);
	OK(find(s, "/a/b/c.tx", 404) == NULL);
	OK(find(s, "/a/b/c.txtx", 404) == NULL);
	OK(find(s, "/A/B/C.TXT", 404) == NULL);	/* case-sensitive */
	OK(find(s, "", 404) == NULL);
	OK(find(s, "a/b/c.txt", 404) == NULL);

	/* the empty and the big file */
	o = find(s, "/empty.txt", 200);
	OK(o->size == 0 && o->data != NULL);
	o = find(s, "/big.bin", 200);
	OK(o->size == BIG);
	for (i = 0; i < BIG; i++)
		if (o->data[i] != big_byte(i))
			ck_abort_msg("big.bin byte %zu", i);
	ck_assert_str_eq(o->content_type, "application/octet-stream");

	/* metadata */
	o = find(s, "/a/b/c.txt", 200);
	ck_assert_str_eq(o->path, "/a/b/c.txt");
	OK(o->path_len == 10);
	OK(o->mtime == C_MTIME);
	ck_assert_str_eq(o->last_modified, "Sun, 06 Nov 1994 08:49:37 GMT");
	ck_assert_str_eq(o->etag, "\"2ebc98a1-8\"");		/* nginx: "%xT-%xO" */
	OK(o->etag_len == strlen(o->etag));
	ck_assert_str_eq(o->content_type, "text/plain");
	OK(o->prep == NULL && !o->is_dir && !o->index);
	ck_assert_str_eq(find(s, "/index.html", 200)->content_type, "text/html");
	ck_assert_str_eq(find(s, "/noindex/x.css", 200)->content_type, "text/css");
	o = find(s, "/empty.txt", 200);
	snprintf(etag, sizeof(etag), "\"%llx-0\"", (unsigned long long)o->mtime);
	ck_assert_str_eq(o->etag, etag);

	/* symlinks: inside followed, outside/dangling/loops skipped with a warning */
	expect_body(s, "/link_in", "hello c\n");
	o = find(s, "/link_in", 200);
	OK(o->mtime == C_MTIME);			/* the target's */
	ck_assert_str_eq(o->content_type, "application/octet-stream");	/* the link's name */
	find(s, "/link_abs", 200);
	expect_body(s, "/link_chain1", "<h1>root</h1>\n");
	expect_body(s, "/link_dir/b/c.txt", "hello c\n");
	expect_body(s, "/link_dir/", "<h1>a</h1>\n");
	find(s, "/link_dir", 301);
	OK(find(s, "/link_out", 404) == NULL);
	OK(find(s, "/link_out_dir/passwd", 404) == NULL);
	OK(find(s, "/link_out_dir/", 404) == NULL);
	OK(find(s, "/link_dangling", 404) == NULL);
	OK(find(s, "/a/b/up/", 404) == NULL);
	OK(find(s, "/a/b/up/index.html", 404) == NULL);
	OK(find(s, "/self/", 404) == NULL);
	OK(find(s, "/fifo", 404) == NULL);
	OK(find(s, "/link_prefix", 404) == NULL);
	OK(has_warning(s, "link_prefix'"));
	find(s, "/dir_index", 301);
	find(s, "/dir_index/", 403);			/* index.html is a directory */
	find(s, "/dir_index/index.html", 301);
	OK(find(s, "/back\\slash", 404) == NULL);
	OK(has_warning(s, "link_out'") && has_warning(s, "leaves the root"));
	OK(has_warning(s, "link_out_dir'"));
	OK(has_warning(s, "link_dangling'"));
	OK(has_warning(s, "/a/b/up/'") && has_warning(s, "/self/'"));
	OK(has_warning(s, "loops back"));
	OK(has_warning(s, "fifo'"));
	OK(has_warning(s, "slash'"));

	/* the summary */
	xst_http_site_summary(s, &info);
	/* files: index.html a/index.html a/b/c.txt noindex/x.css empty.txt big.bin
	 * .hidden .git/config "with space.html" link_in link_abs link_chain1
	 * link_chain2, and through link_dir: index.html b/c.txt */
	OK(info.objects == 15);
	OK(xst_http_site_count(s) == 15);
	/* directories: / a a/b noindex empty_dir .git link_dir link_dir/b dir_index
	 * dir_index/index.html */
	OK(info.directories == 10 && xst_http_site_ndirs(s) == 10);
	/* skipped: back\slash link_out link_out_dir link_dangling a/b/up self fifo
	 * link_dir/b/up link_prefix */
	OK(info.skipped == 9);
	OK(xst_http_site_warning(s, 8) && !xst_http_site_warning(s, 9));
	OK(info.bytes == BIG + 14 * 3 + 11 * 3 + 8 * 3 + 3 + 7 + 2);
	OK(info.memory > info.bytes && info.memory < info.bytes + 64 * 1024);

	/* iteration: every object is found by its own path */
	for (i = 0; i < xst_http_site_count(s); i++) {
		struct xst_http_obj *f = xst_http_site_obj(s, i);

		OK(!f->is_dir && f->content_type && f->path[0] == '/');
		OK(strlen(f->path) == f->path_len);
		OK(find(s, f->path, 200) == f);
		f->prep = f;				/* the glue's to write */
	}
	OK(xst_http_site_obj(s, i) == NULL);
	for (i = 0; i < xst_http_site_ndirs(s); i++) {
		struct xst_http_obj *d = xst_http_site_dir(s, i);
		int st;

		OK(d->is_dir && d->path[d->path_len - 1] == '/');
		if (d->path_len > 1)
			OK(xst_http_site_find(s, d->path, d->path_len - 1, &st) == d && st == 301);
		o = xst_http_site_find(s, d->path, d->path_len, &st);
		OK(d->index ? (o == d->index && st == 200) : (o == d && st == 403));
	}
	OK(xst_http_site_dir(s, i) == NULL);

	/* with the URL normaliser in front */
	{
		static const struct {
			const char *target;
			int status;
		} req[] = {
			{ "/a/%2e%2e/a/b/c.txt", 200 }, { "/a/b/../b/./c.txt?x", 200 },
			{ "/with%20space.html", 200 }, { "//a//", 200 },
			{ "/a/b/c.txt%2f", 404 }, { "/noindex/.", 403 }, { "/a/b/..", 200 },
			{ "http://h/link_dir/b/c.txt", 200 }, { "/%2e%68idden", 200 },
		};
		char path[256];
		size_t n, k;
		int st;

		for (k = 0; k < ARRAY_SIZE(req); k++) {
			OK(xst_http_url_path(req[k].target, strlen(req[k].target), path,
					     sizeof(path), &n) == 0);
			xst_http_site_find(s, path, n, &st);
			ck_assert_msg(st == req[k].status, "'%s': %d", req[k].target, st);
		}
	}
	xst_http_site_free(s);
	cleanup_root();
}
END_TEST

START_TEST(test_site_holders)
{
	struct xst_http_site_cfg cfg = { .nr_workers = 4, .quiet = 1 };
	struct xst_http_site *s;
	char err[256];

	strcpy(tmp_root, "/tmp/xst_http_site.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	put_file("f", "x", 1);
	OK(xst_http_site_load_cfg(&s, tmp_root, &cfg, err, sizeof(err)) == 0);
	OK(xst_http_site_in_use(s) == 0);
	xst_http_site_hold(s, 0);
	xst_http_site_hold(s, 3);
	xst_http_site_hold(s, 3);
	OK(xst_http_site_in_use(s) == 3);
	xst_http_site_release(s, 3);
	xst_http_site_release(s, 0);
	OK(xst_http_site_in_use(s) == 1);
	xst_http_site_release(s, 3);
	OK(xst_http_site_in_use(s) == 0);
	xst_http_site_free(s);
	xst_http_site_free(NULL);
	cleanup_root();
}
END_TEST

START_TEST(test_site_errors)
{
	struct xst_http_site *s = (struct xst_http_site *)&s;	/* must stay untouched */
	struct xst_http_site *keep = s;
	struct xst_http_site_cfg cfg = { .quiet = 1 };
	char err[512], want[300];
	int r;

	r = xst_http_site_load(&s, "/nonexistent/xst/site", err, sizeof(err));
	OK(r == -ENOENT && s == keep);
	ck_assert_str_eq(err, "/nonexistent/xst/site: No such file or directory");
	r = xst_http_site_load(&s, "/etc/passwd", err, sizeof(err));
	OK(r == -ENOTDIR && s == keep);
	ck_assert_str_eq(err, "/etc/passwd: Not a directory");
	OK(xst_http_site_load(&s, "", NULL, 0) == -ENOENT);	/* err may be NULL */

	make_tree();
	/* limits: objects, bytes, depth */
	cfg.max_objects = 5;
	r = xst_http_site_load_cfg(&s, tmp_root, &cfg, err, sizeof(err));
	ck_assert_msg(r == -E2BIG && s == keep, "%d %s", r, err);
	OK(strstr(err, "max_objects") != NULL);
	cfg.max_objects = 0;
	cfg.max_bytes = BIG;		/* big.bin alone fills it */
	r = xst_http_site_load_cfg(&s, tmp_root, &cfg, err, sizeof(err));
	ck_assert_msg(r == -EFBIG && s == keep, "%d %s", r, err);
	OK(strstr(err, "max_bytes") != NULL);
	cfg.max_bytes = 0;
	cfg.max_depth = 1;		/* a/b is at depth 2 */
	r = xst_http_site_load_cfg(&s, tmp_root, &cfg, err, sizeof(err));
	ck_assert_msg(r == -ELOOP && s == keep, "%d %s", r, err);
	OK(strstr(err, "max_depth") != NULL);
	cfg.max_depth = 2;
	r = xst_http_site_load_cfg(&s, tmp_root, &cfg, err, sizeof(err));
	ck_assert_msg(r == 0, "%d %s", r, err);	/* link_dir/b at depth 2 too */
	xst_http_site_free(s);

	/* a root given through a symlink is followed */
	snprintf(want, sizeof(want), "%s.link", tmp_root);
	OK(symlink(tmp_root, want) == 0);
	r = xst_http_site_load_cfg(&s, want, &cfg, err, sizeof(err));
	unlink(want);
	ck_assert_msg(r == 0, "%d %s", r, err);
	xst_http_site_free(s);
	cleanup_root();
}
END_TEST

/* In a child: drop to nobody when root, load tmp_root, expect -EACCES on rel. */
static int load_denied(const char *rel)
{
	struct xst_http_site_cfg cfg = { .quiet = 1 };
	struct xst_http_site *s = NULL;
	char err[512], want[300];
	int r;

	if (geteuid() == 0 && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
		return 2;
	r = xst_http_site_load_cfg(&s, tmp_root, &cfg, err, sizeof(err));
	snprintf(want, sizeof(want), "%s/%s: Permission denied", tmp_root, rel);
	if (r != -EACCES || s || strcmp(err, want)) {
		fprintf(stderr, "load_denied(%s): %d '%s', want '%s'\n", rel, r, err, want);
		return 1;
	}
	return 0;
}

static void expect_denied(const char *rel)
{
	int status;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(load_denied(rel));
	OK(waitpid(pid, &status, 0) == pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: status %d", rel,
		      status);
}

/*
 * A file (then a directory) that cannot be read fails the load with its path
 * and strerror. root bypasses permission bits (CAP_DAC_OVERRIDE), so as root
 * the load runs in a child that has switched to nobody (65534); otherwise
 * the mode bits alone deny it. Either way the denial is real, not simulated.
 */
START_TEST(test_site_unreadable)
{
	strcpy(tmp_root, "/tmp/xst_http_site.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	OK(chmod(tmp_root, 0755) == 0);
	put_file("ok.txt", "fine", 4);
	put_dir("d");
	put_file("d/secret", "no", 2);
	OK(chmod(path_of("d/secret"), 0) == 0);
	expect_denied("d/secret");

	OK(chmod(path_of("d/secret"), 0644) == 0);
	OK(chmod(path_of("d"), 0) == 0);
	expect_denied("d");
	cleanup_root();
}
END_TEST

Suite *http_site_suite(void)
{
	Suite *s = suite_create("http_site");
	TCase *tc;

	tc = tcase_create("url");
	tcase_add_loop_test(tc, test_url_cases, 0, ARRAY_SIZE(url_cases));
	tcase_add_test(tc, test_url_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("mime");
	tcase_add_loop_test(tc, test_mime_cases, 0, ARRAY_SIZE(mime_cases));
	tcase_add_test(tc, test_mime_table);
	tcase_add_test(tc, test_mime_nginx);
	suite_add_tcase(s, tc);

	tc = tcase_create("date");
	tcase_add_loop_test(tc, test_date_cases, 0, ARRAY_SIZE(date_cases));
	tcase_add_test(tc, test_date_clamp);
	tcase_add_test(tc, test_date_libc);
	tcase_add_loop_test(tc, test_date_parse, 0, ARRAY_SIZE(parse_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("site");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_site_load);
	tcase_add_test(tc, test_site_holders);
	tcase_add_test(tc, test_site_errors);
	tcase_add_test(tc, test_site_unreadable);
	suite_add_tcase(s, tc);
	return s;
}
