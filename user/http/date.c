// SPDX-License-Identifier: GPL-2.0
/*
 * Civil date <-> days since 1970-01-01 by Howard Hinnant's algorithms
 * (eras of 400 years starting on March 1st, so February is last and leap
 * days need no special case).
 */
#include "http/date.h"

#include <errno.h>
#include <string.h>

static const char wday_short[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
static const char *const wday_long[7] = { "Monday", "Tuesday", "Wednesday", "Thursday",
					  "Friday", "Saturday", "Sunday" };
static const char mon_name[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* days >= 0 since 1970-01-01 -> year, month 1-12, day 1-31 */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = z / 146097;	/* z >= 0 here */
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* year >= 1970, month 1-12, day 1-31 -> days since 1970-01-01 */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int64_t y, int m)
{
	static const unsigned char n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : n[m - 1];
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

void xst_http_date(int64_t t, char out[30])
{
	int64_t days, secs, y;
	int m, d;

	if (t < 0)
		t = 0;
	if (t > XST_HTTP_DATE_MAX)
		t = XST_HTTP_DATE_MAX;
	days = t / 86400;
	secs = t % 86400;
	civil(days, &y, &m, &d);
	memcpy(out, wday_short[days % 7], 3);	/* 1970-01-01 was a Thursday */
	memcpy(out + 3, ", ", 2);
	put2(out + 5, d);
	out[7] = ' ';
	memcpy(out + 8, mon_name[m - 1], 3);
	out[11] = ' ';
	put2(out + 12, (int)(y / 100));
	put2(out + 14, (int)(y % 100));
	out[16] = ' ';
	put2(out + 17, (int)(secs / 3600));
	out[19] = ':';
	put2(out + 20, (int)(secs / 60 % 60));
	out[22] = ':';
	put2(out + 23, (int)(secs % 60));
	memcpy(out + 25, " GMT", 5);	/* and the NUL */
}

/* ---- parsing --------------------------------------------------------------- */

/* n decimal digits at s -> value, or -1 */
static int digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int month(const char *s)
{
	int i;

	for (i = 0; i < 12; i++)
		if (!memcmp(s, mon_name[i], 3))
			return i + 1;
	return -1;
}

static int short_wday(const char *s)
{
	int i;

	for (i = 0; i < 7; i++)
		if (!memcmp(s, wday_short[i], 3))
			return 0;
	return -1;
}

/* "HH:MM:SS" at s -> seconds of the day, or -1 */
static int hms(const char *s)
{
	int h = digits(s, 2), m = digits(s + 3, 2), sec = digits(s + 6, 2);

	if (s[2] != ':' || s[5] != ':' || h < 0 || m < 0 || sec < 0 || h > 23 || m > 59 ||
	    sec > 60)
		return -1;
	return h * 3600 + m * 60 + sec;
}

static int finish(int64_t y, int m, int d, int tod, int64_t *out)
{
	if (y < 1970 || m < 1 || d < 1 || d > mdays(y, m) || tod < 0)
		return -EINVAL;
	*out = days_from_civil(y, m, d) * 86400 + tod;
	return 0;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
static int imf(const char *s, int64_t *out)
{
	if (short_wday(s) || memcmp(s + 3, ", ", 2) || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || memcmp(s + 25, " GMT", 4))
		return -EINVAL;
	return finish(digits(s + 12, 4), month(s + 8), digits(s + 5, 2), hms(s + 17), out);
}

/* "Sun Nov  6 08:49:37 1994" */
static int asc(const char *s, int64_t *out)
{
	int d;

	if (short_wday(s) || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ')
		return -EINVAL;
	d = s[8] == ' ' ? digits(s + 9, 1) : digits(s + 8, 2);	/* " 6" or "06" */
	return finish(digits(s + 20, 4), month(s + 4), d, hms(s + 11), out);
}

/* "Sunday, 06-Nov-94 08:49:37 GMT" */
static int rfc850(const char *s, size_t len, int64_t *out)
{
	size_t n;
	int i, yy;

	for (i = 0; i < 7; i++) {
		n = strlen(wday_long[i]);
		if (len == n + 24 && !memcmp(s, wday_long[i], n))
			break;
	}
	if (i == 7)
		return -EINVAL;
	s += n;
	if (memcmp(s, ", ", 2) || s[4] != '-' || s[8] != '-' || s[11] != ' ' ||
	    memcmp(s + 20, " GMT", 4))
		return -EINVAL;
	yy = digits(s + 9, 2);
	if (yy < 0)
		return -EINVAL;
	return finish(yy < 70 ? 2000 + yy : 1900 + yy, month(s + 5), digits(s + 2, 2),
		      hms(s + 12), out);
}

int xst_http_date_parse(const char *s, size_t len, int64_t *out)
{
	if (len == XST_HTTP_DATE_LEN && s[3] == ',')
		return imf(s, out);
	if (len == 24 && s[3] == ' ')
		return asc(s, out);
	if (len >= 30)
		return rfc850(s, len, out);
	return -EINVAL;
}
