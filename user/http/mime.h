/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Content-Type by file extension, from a built-in table: nginx's
 * /etc/nginx/mime.types (1.22, Debian 12) verbatim, values without a
 * charset as nginx sends them by default, plus common web extensions nginx's
 * table lacks (mjs csv md ttf otf gz tgz bz2 xz tar oga opus wav flac aac ogv
 * mkv map webmanifest ics, with their IANA types; nginx would send
 * application/octet-stream for those: a differential test gives nginx the
 * extras through xst_http_mime_entry()). The extension is what follows the
 * last '.' of the last path segment (nginx's rule: "/a.b/c" has none, "/.x"
 * has "x"), compared case-insensitively. Called at load time only.
 */
#ifndef XST_HTTP_MIME_H
#define XST_HTTP_MIME_H

#include <stddef.h>

#define XST_HTTP_MIME_DEFAULT	"application/octet-stream"

/* The type of path[0..len): a static string, never NULL (the default). */
const char *xst_http_mime(const char *path, size_t len);

/* Table entry i (extension and type, static strings; *nginx = 1 if nginx's
 * own table has it): 0, or -ENOENT past the end. For tests and for writing
 * an nginx "types {}" block. */
int xst_http_mime_entry(size_t i, const char **ext, const char **type, int *nginx);

#endif /* XST_HTTP_MIME_H */
