// SPDX-License-Identifier: GPL-2.0
/*
 * DNS cookies: RFC 7873 option handling, RFC 9018 server cookies (cookie.h
 * has the contract). Per query: one walk over the OPT's options, at most two
 * SipHash-2-4 runs to verify (current secret, then the previous one) and one
 * to make; no allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/byteorder.h"
#include "filter/cookie.h"
#include "core/siphash.h"

/* Client cookie, version, reserved, timestamp, IPv6 address: the hash input. */
#define HASH_IN_MAX	(XST_COOKIE_CLIENT_LEN + 8 + 16)

enum xst_cookie_status xst_cookie_find(const uint8_t *msg, size_t len,
				       const struct xst_dnsmsg_query *q, struct xst_cookie *c)
{
	size_t off, end;

	memset(c, 0, sizeof(*c));
	c->status = XST_COOKIE_NONE;
	if (!q->edns || !q->opt_off || q->opt_len < XST_DNS_OPT_LEN)
		return XST_COOKIE_NONE;
	off = (size_t)q->opt_off + XST_DNS_OPT_LEN;
	end = (size_t)q->opt_off + q->opt_len;
	if (end > len)		/* not the message q was parsed from: nothing to trust */
		return XST_COOKIE_NONE;
	while (off + 4 <= end) {
		unsigned int code = xst_get_be16(msg + off), olen = xst_get_be16(msg + off + 2);

		off += 4;
		if (olen > end - off)
			return XST_COOKIE_NONE;
		if (code != XST_EDNS_COOKIE) {
			off += olen;
			continue;
		}
		/* RFC 7873 5.2.2: 8 (client only) or 16..40 (with a server cookie). */
		if (olen != XST_COOKIE_CLIENT_LEN &&
		    (olen < XST_COOKIE_CLIENT_LEN + XST_COOKIE_SERVER_MIN ||
		     olen > XST_COOKIE_CLIENT_LEN + XST_COOKIE_SERVER_MAX)) {
			c->status = XST_COOKIE_MALFORMED;
			return XST_COOKIE_MALFORMED;
		}
		memcpy(c->client, msg + off, XST_COOKIE_CLIENT_LEN);
		c->server_len = (uint8_t)(olen - XST_COOKIE_CLIENT_LEN);
		memcpy(c->server, msg + off + XST_COOKIE_CLIENT_LEN, c->server_len);
		c->status = c->server_len ? XST_COOKIE_SERVER : XST_COOKIE_CLIENT_ONLY;
		return (enum xst_cookie_status)c->status;
	}
	return XST_COOKIE_NONE;
}

/* The hash over client cookie | server[0..8) (version, reserved, time) | ip. */
static void cookie_hash(const uint8_t secret[XST_COOKIE_SECRET_LEN],
			const uint8_t client[XST_COOKIE_CLIENT_LEN], const uint8_t head[8],
			const uint8_t *ip, size_t ip_len, uint8_t out[8])
{
	uint8_t in[HASH_IN_MAX];

	if (ip_len > 16)
		ip_len = 16;
	memcpy(in, client, XST_COOKIE_CLIENT_LEN);
	memcpy(in + XST_COOKIE_CLIENT_LEN, head, 8);
	memcpy(in + XST_COOKIE_CLIENT_LEN + 8, ip, ip_len);
	xst_siphash24(secret, in, XST_COOKIE_CLIENT_LEN + 8 + ip_len, out);
}

void xst_cookie_make(const uint8_t secret[XST_COOKIE_SECRET_LEN],
		     const uint8_t client[XST_COOKIE_CLIENT_LEN], const uint8_t *ip,
		     size_t ip_len, uint32_t now_s, uint8_t out[XST_COOKIE_SERVER_LEN])
{
	out[0] = XST_COOKIE_VERSION;
	out[1] = out[2] = out[3] = 0;
	xst_put_be32(out + 4, now_s);
	cookie_hash(secret, client, out, ip, ip_len, out + 8);
}

/* Equal without an early exit: the time taken says nothing about the hash. */
static int same8(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;
	int i;

	for (i = 0; i < 8; i++)
		d |= a[i] ^ b[i];
	return !d;
}

enum xst_cookie_status xst_cookie_verify(const struct xst_cookie_keys *keys,
					 struct xst_cookie *c, const uint8_t *ip,
					 size_t ip_len, uint32_t now_s)
{
	uint8_t h[8];
	int32_t age;

	if (c->status != XST_COOKIE_SERVER)
		return (enum xst_cookie_status)c->status;
	c->status = XST_COOKIE_INVALID;
	if (!keys || c->server_len != XST_COOKIE_SERVER_LEN ||
	    c->server[0] != XST_COOKIE_VERSION || (ip_len != 4 && ip_len != 16))
		return XST_COOKIE_INVALID;
	/* RFC 1982 serial arithmetic: the difference, not the values, counts. */
	age = (int32_t)(now_s - xst_get_be32(c->server + 4));
	if (age > XST_COOKIE_PAST || age < -XST_COOKIE_FUTURE)
		return XST_COOKIE_INVALID;
	/* The reserved bytes as the client sent them are hashed (RFC 9018 4.3:
	 * they are part of the input; appendix A.3 has a client that set them). */
	cookie_hash(keys->cur, c->client, c->server, ip, ip_len, h);
	if (same8(h, c->server + 8)) {
		c->status = XST_COOKIE_VALID;
		return XST_COOKIE_VALID;
	}
	if (keys->has_prev) {
		cookie_hash(keys->prev, c->client, c->server, ip, ip_len, h);
		if (same8(h, c->server + 8))
			c->status = XST_COOKIE_VALID;
	}
	return (enum xst_cookie_status)c->status;
}

size_t xst_cookie_append(uint8_t *msg, size_t len, size_t cap, size_t opt_off,
			 const struct xst_cookie *c, const struct xst_cookie_keys *keys,
			 const uint8_t *ip, size_t ip_len, uint32_t now_s)
{
	size_t rdlen;
	uint8_t *p;

	if (!keys || c->status == XST_COOKIE_NONE || c->status == XST_COOKIE_MALFORMED ||
	    (ip_len != 4 && ip_len != 16))
		return 0;
	if (opt_off + XST_DNS_OPT_LEN > len || msg[opt_off] ||
	    xst_get_be16(msg + opt_off + 1) != XST_T_OPT)
		return 0;
	rdlen = xst_get_be16(msg + opt_off + 9);
	if (opt_off + XST_DNS_OPT_LEN + rdlen != len)	/* the OPT must be the last record */
		return 0;
	if (cap < len || cap - len < XST_COOKIE_OPT_ADD || rdlen + XST_COOKIE_OPT_ADD > 0xffff)
		return 0;
	p = msg + len;
	xst_put_be16(p, XST_EDNS_COOKIE);
	xst_put_be16(p + 2, XST_COOKIE_CLIENT_LEN + XST_COOKIE_SERVER_LEN);
	memcpy(p + 4, c->client, XST_COOKIE_CLIENT_LEN);
	xst_cookie_make(keys->cur, c->client, ip, ip_len, now_s, p + 4 + XST_COOKIE_CLIENT_LEN);
	xst_put_be16(msg + opt_off + 9, (uint16_t)(rdlen + XST_COOKIE_OPT_ADD));
	return len + XST_COOKIE_OPT_ADD;
}

static int fill_random(uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = getrandom(p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int xst_cookie_keys_random(struct xst_cookie_keys *k)
{
	memset(k, 0, sizeof(*k));
	return fill_random(k->cur, sizeof(k->cur));
}

int xst_cookie_keys_rotate(const struct xst_cookie_keys *old, struct xst_cookie_keys *next)
{
	struct xst_cookie_keys n;
	int err;

	if (old->fixed) {
		*next = *old;
		return 0;
	}
	memset(&n, 0, sizeof(n));
	err = fill_random(n.cur, sizeof(n.cur));
	if (err)
		return err;
	memcpy(n.prev, old->cur, sizeof(n.prev));
	n.has_prev = 1;
	*next = n;
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int xst_cookie_secret_parse(const char *s, size_t len, uint8_t out[XST_COOKIE_SECRET_LEN],
			    const char **err)
{
	size_t i;

	if (len != 2 * XST_COOKIE_SECRET_LEN) {
		*err = len < 2 * XST_COOKIE_SECRET_LEN ?
		       "a secret is 32 hex digits (128 bits): too short" :
		       "a secret is 32 hex digits (128 bits): too long";
		return -EINVAL;
	}
	for (i = 0; i < len; i++)
		if (hexval(s[i]) < 0) {
			*err = "a secret is 32 hex digits (0-9, a-f): another character";
			return -EINVAL;
		}
	for (i = 0; i < XST_COOKIE_SECRET_LEN; i++)
		out[i] = (uint8_t)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
	*err = NULL;
	return 0;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

int xst_cookie_keys_parse(const char *text, size_t len, struct xst_cookie_keys *k,
			  char *err, size_t errlen)
{
	struct xst_cookie_keys n;
	size_t pos = 0, lineno = 0;
	unsigned int found = 0;

	memset(&n, 0, sizeof(n));
	while (pos < len) {
		size_t start = pos, end;
		const char *why;

		while (pos < len && text[pos] != '\n')
			pos++;
		end = pos++;
		lineno++;
		while (start < end && is_blank(text[start]))
			start++;
		while (end > start && is_blank(text[end - 1]))
			end--;
		if (start == end || text[start] == '#')
			continue;
		if (found == 2) {
			snprintf(err, errlen, "line %zu: a third secret (the file holds the current "
				 "one and at most one previous)", lineno);
			return -EINVAL;
		}
		if (xst_cookie_secret_parse(text + start, end - start,
					    found ? n.prev : n.cur, &why)) {
			snprintf(err, errlen, "line %zu: %s", lineno, why);
			return -EINVAL;
		}
		found++;
	}
	if (!found) {
		snprintf(err, errlen, "no secret (one line of 32 hex digits expected)");
		return -EINVAL;
	}
	n.has_prev = found == 2;
	n.fixed = 1;
	*k = n;
	return 0;
}

int xst_cookie_keys_load(const char *path, struct xst_cookie_keys *k, char *err, size_t errlen)
{
	char buf[1024];
	size_t len = 0;
	ssize_t r;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	for (;;) {
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
			goto out;
		}
		if (!r)
			break;
		len += (size_t)r;
		if (len == sizeof(buf)) {
			ret = -EINVAL;
			snprintf(err, errlen, "%s: larger than %zu bytes: not a secret file",
				 path, sizeof(buf) - 1);
			goto out;
		}
	}
	{
		char why[200];

		ret = xst_cookie_keys_parse(buf, len, k, why, sizeof(why));
		if (ret)
			snprintf(err, errlen, "%s: %s", path, why);
	}
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return ret;
}
