/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP dates (RFC 9110 section 5.6.7), without locale, time zone or libc
 * time functions: pure arithmetic on the proleptic Gregorian calendar, safe
 * on the data path.
 */
#ifndef XST_HTTP_DATE_H
#define XST_HTTP_DATE_H

#include <stdint.h>
#include <stddef.h>

#define XST_HTTP_DATE_LEN	29	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
#define XST_HTTP_DATE_MAX	253402300799LL	/* 9999-12-31 23:59:59 */

/* IMF-fixdate of unix_seconds, NUL-terminated (29 chars). Times before 1970
 * are written as 1970-01-01 00:00:00, after 9999 as XST_HTTP_DATE_MAX. */
void xst_http_date(int64_t unix_seconds, char out[30]);

/*
 * Parses s[0..len) in exactly one of the three forms, case-sensitive as the
 * grammar is: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850
 * "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years 70-99 are 19xx, 00-69
 * 20xx: a fixed pivot instead of RFC 9110's "50 years from now", which would
 * need the clock) and asctime "Sun Nov  6 08:49:37 1994". The day name must
 * be one of the seven but is not checked against the date (nginx does not
 * either); second 60 (a leap second) is accepted. Years before 1970 are
 * refused. Returns 0 and *out, or -EINVAL.
 */
int xst_http_date_parse(const char *s, size_t len, int64_t *out);

#endif /* XST_HTTP_DATE_H */
