/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Request-target -> the path a site is looked up by (RFC 3986 section 5.2.4,
 * RFC 9112 section 3.2). Pure, no allocation, case-sensitive.
 *
 * Accepted: origin-form "/a/b?q" and absolute-form "http://host/a" (or
 * https, scheme case-insensitive: only the path is kept; Host checks are the
 * request parser's). Refused with -400: '*' (asterisk-form), authority-form,
 * an empty target, anything not starting with '/' or a scheme; a bad
 * percent-escape ("%zz", "%4", "%" at the end); NUL (raw or %00); backslash
 * (raw or %5C); control bytes (0x00-0x1f, 0x7f, raw or encoded); a ".."
 * that would climb above the root (refused, never clamped). Bytes >= 0x80
 * pass (UTF-8 file names), raw or encoded.
 *
 * Normalisation, in this order: query ('?') and fragment ('#') cut; every
 * %XX decoded; then segments resolved on the decoded bytes: empty segments
 * ("//") collapse, "." is dropped, ".." removes the previous segment. So an
 * encoded dot ("%2e%2e", "%2E.") is a dot, and %2F is decoded to '/' and then
 * normalised like any other slash, as nginx does: "/a%2F..%2Fb" is "/b", and
 * "..%2f" above the root is refused. This is safe because the result only
 * names entries of the in-memory site, which is keyed by the same decoded
 * paths; no file system path is ever built from it. A trailing '/' is kept
 * (it asks for a directory), and a path ending in "." or ".." resolves to
 * a directory path ending in '/' ("/a/b/.." -> "/a/"). The result always
 * starts with '/' and never contains "//", "/./", "/../", NUL, or ends in
 * "/." or "/..".
 */
#ifndef XST_HTTP_URL_H
#define XST_HTTP_URL_H

#include <stddef.h>

/*
 * Writes the normalised path of target[0..len) to out[0..*out_len), not
 * NUL-terminated. Returns 0, -400 (malformed, see above) or -414 (out too
 * small: it must hold the path as it is built, before a later ".." removes
 * a segment; cap >= len always suffices). out is scratch on error.
 */
int xst_http_url_path(const char *target, size_t len, char *out, size_t cap, size_t *out_len);

#endif /* XST_HTTP_URL_H */
