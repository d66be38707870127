// SPDX-License-Identifier: GPL-2.0
/*
 * The table is sorted by extension (generated from nginx's mime.types plus
 * the extras listed in mime.h) so a lookup is a binary search.
 */
#include "http/mime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EXT_MAX	11	/* longest extension in the table */

struct mime {
	const char *ext;	/* lower case */
	const char *type;
	int nginx;		/* in nginx's own mime.types */
};

static const struct mime table[] = {
	{ "3gp", "video/3gpp", 1 },
	{ "3gpp", "video/3gpp", 1 },
	{ "7z", "application/x-7z-compressed", 1 },
	{ "aac", "audio/aac", 0 },
	{ "ai", "application/postscript", 1 },
	{ "asf", "video/x-ms-asf", 1 },
	{ "asx", "video/x-ms-asf", 1 },
	{ "atom", "application/atom+xml", 1 },
	{ "avi", "video/x-msvideo", 1 },
	{ "avif", "image/avif", 1 },
	{ "bin", "application/octet-stream", 1 },
	{ "bmp", "image/x-ms-bmp", 1 },
	{ "bz2", "application/x-bzip2", 0 },
	{ "cco", "application/x-cocoa", 1 },
	{ "crt", "application/x-x509-ca-cert", 1 },
	{ "css", "text/css", 1 },
	{ "csv", "text/csv", 0 },
	{ "deb", "application/octet-stream", 1 },
	{ "der", "application/x-x509-ca-cert", 1 },
	{ "dll", "application/octet-stream", 1 },
	{ "dmg", "application/octet-stream", 1 },
	{ "doc", "application/msword", 1 },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 1 },
	{ "ear", "application/java-archive", 1 },
	{ "eot", "application/vnd.ms-fontobject", 1 },
	{ "eps", "application/postscript", 1 },
	{ "exe", "application/octet-stream", 1 },
	{ "flac", "audio/flac", 0 },
	{ "flv", "video/x-flv", 1 },
	{ "gif", "image/gif", 1 },
	{ "gz", "application/gzip", 0 },
	{ "hqx", "application/mac-binhex40", 1 },
	{ "htc", "text/x-component", 1 },
	{ "htm", "text/html", 1 },
	{ "html", "text/html", 1 },
	{ "ico", "image/x-icon", 1 },
	{ "ics", "text/calendar", 0 },
	{ "img", "application/octet-stream", 1 },
	{ "iso", "application/octet-stream", 1 },
	{ "jad", "text/vnd.sun.j2me.app-descriptor", 1 },
	{ "jar", "application/java-archive", 1 },
	{ "jardiff", "application/x-java-archive-diff", 1 },
	{ "jng", "image/x-jng", 1 },
	{ "jnlp", "application/x-java-jnlp-file", 1 },
	{ "jpeg", "image/jpeg", 1 },
	{ "jpg", "image/jpeg", 1 },
	{ "js", "application/javascript", 1 },
	{ "json", "application/json", 1 },
	{ "kar", "audio/midi", 1 },
	{ "kml", "application/vnd.google-earth.kml+xml", 1 },
	{ "kmz", "application/vnd.google-earth.kmz", 1 },
	{ "m3u8", "application/vnd.apple.mpegurl", 1 },
	{ "m4a", "audio/x-m4a", 1 },
	{ "m4v", "video/x-m4v", 1 },
	{ "map", "application/json", 0 },
	{ "md", "text/markdown", 0 },
	{ "mid", "audio/midi", 1 },
	{ "midi", "audio/midi", 1 },
	{ "mjs", "text/javascript", 0 },
	{ "mkv", "video/x-matroska", 0 },
	{ "mml", "text/mathml", 1 },
	{ "mng", "video/x-mng", 1 },
	{ "mov", "video/quicktime", 1 },
	{ "mp3", "audio/mpeg", 1 },
	{ "mp4", "video/mp4", 1 },
	{ "mpeg", "video/mpeg", 1 },
	{ "mpg", "video/mpeg", 1 },
	{ "msi", "application/octet-stream", 1 },
	{ "msm", "application/octet-stream", 1 },
	{ "msp", "application/octet-stream", 1 },
	{ "odg", "application/vnd.oasis.opendocument.graphics", 1 },
	{ "odp", "application/vnd.oasis.opendocument.presentation", 1 },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet", 1 },
	{ "odt", "application/vnd.oasis.opendocument.text", 1 },
	{ "oga", "audio/ogg", 0 },
	{ "ogg", "audio/ogg", 1 },
	{ "ogv", "video/ogg", 0 },
	{ "opus", "audio/ogg", 0 },
	{ "otf", "font/otf", 0 },
	{ "pdb", "application/x-pilot", 1 },
	{ "pdf", "application/pdf", 1 },
	{ "pem", "application/x-x509-ca-cert", 1 },
	{ "pl", "application/x-perl", 1 },
	{ "pm", "application/x-perl", 1 },
	{ "png", "image/png", 1 },
	{ "ppt", "application/vnd.ms-powerpoint", 1 },
	{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", 1 },
	{ "prc", "application/x-pilot", 1 },
	{ "ps", "application/postscript", 1 },
	{ "ra", "audio/x-realaudio", 1 },
	{ "rar", "application/x-rar-compressed", 1 },
	{ "rpm", "application/x-redhat-package-manager", 1 },
	{ "rss", "application/rss+xml", 1 },
	{ "rtf", "application/rtf", 1 },
	{ "run", "application/x-makeself", 1 },
	{ "sea", "application/x-sea", 1 },
	{ "shtml", "text/html", 1 },
	{ "sit", "application/x-stuffit", 1 },
	{ "svg", "image/svg+xml", 1 },
	{ "svgz", "image/svg+xml", 1 },
	{ "swf", "application/x-shockwave-flash", 1 },
	{ "tar", "application/x-tar", 0 },
	{ "tcl", "application/x-tcl", 1 },
	{ "tgz", "application/gzip", 0 },
	{ "tif", "image/tiff", 1 },
	{ "tiff", "image/tiff", 1 },
	{ "tk", "application/x-tcl", 1 },
	{ "ts", "video/mp2t", 1 },
	{ "ttf", "font/ttf", 0 },
	{ "txt", "text/plain", 1 },
	{ "war", "application/java-archive", 1 },
	{ "wasm", "application/wasm", 1 },
	{ "wav", "audio/wav", 0 },
	{ "wbmp", "image/vnd.wap.wbmp", 1 },
	{ "webm", "video/webm", 1 },
	{ "webmanifest", "application/manifest+json", 0 },
	{ "webp", "image/webp", 1 },
	{ "wml", "text/vnd.wap.wml", 1 },
	{ "wmlc", "application/vnd.wap.wmlc", 1 },
	{ "wmv", "video/x-ms-wmv", 1 },
	{ "woff", "font/woff", 1 },
	{ "woff2", "font/woff2", 1 },
	{ "xhtml", "application/xhtml+xml", 1 },
	{ "xls", "application/vnd.ms-excel", 1 },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 1 },
	{ "xml", "text/xml", 1 },
	{ "xpi", "application/x-xpinstall", 1 },
	{ "xspf", "application/xspf+xml", 1 },
	{ "xz", "application/x-xz", 0 },
	{ "zip", "application/zip", 1 },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

static int cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct mime *)elem)->ext);
}

const char *xst_http_mime(const char *path, size_t len)
{
	char ext[EXT_MAX + 1];
	const struct mime *m;
	size_t i = len, n, k;

	while (i > 0 && path[i - 1] != '.' && path[i - 1] != '/')
		i--;
	if (i == 0 || path[i - 1] != '.')
		return XST_HTTP_MIME_DEFAULT;
	n = len - i;
	if (n == 0 || n > EXT_MAX)
		return XST_HTTP_MIME_DEFAULT;
	for (k = 0; k < n; k++) {
		char c = path[i + k];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 'a' - 'A');
		if (c == 0)
			return XST_HTTP_MIME_DEFAULT;
		ext[k] = c;
	}
	ext[n] = 0;
	m = bsearch(ext, table, NTABLE, sizeof(table[0]), cmp);
	return m ? m->type : XST_HTTP_MIME_DEFAULT;
}

int xst_http_mime_entry(size_t i, const char **ext, const char **type, int *nginx)
{
	if (i >= NTABLE)
		return -ENOENT;
	*ext = table[i].ext;
	*type = table[i].type;
	*nginx = table[i].nginx;
	return 0;
}
