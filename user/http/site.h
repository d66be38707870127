/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A static site loaded into memory: every regular file under a root
 * directory, with what the HTTP layer sends about it (Content-Type, ETag,
 * Last-Modified), and a hash table from normalised URL paths (http/url.h)
 * to objects. Immutable once loaded; a reload loads a new site, and the old
 * one is freed when no connection holds it any more (the holder counters).
 *
 * What is loaded (nginx's static module with `index index.html`, no
 * autoindex, `disable_symlinks off` but restricted to the root):
 *   - every regular file, dotfiles included (nginx serves them);
 *   - a symlink only if its target resolves (realpath) inside the root, on a
 *     '/' boundary: a file is loaded under the link's path, a directory is
 *     walked under it (a link to one of its own ancestors is a loop and is
 *     skipped). A link that leaves the root, dangles or loops is skipped
 *     with a warning (xst_http_site_warning()), never an error;
 *   - fifos, sockets and devices are skipped with a warning, as are names
 *     no URL can reach (control bytes, backslash: http/url.h refuses them);
 *   - a file or directory that cannot be opened or read (EACCES, EIO...)
 *     fails the load with err = "<path>: <strerror>".
 * The walk opens each component relative to its parent with O_NOFOLLOW, so
 * a symlink is only ever followed through the realpath check. The tree
 * should not change during a load: a file replaced mid-load is loaded as it
 * was when opened, or fails the load.
 *
 * Lookup (xst_http_site_find), with a path from xst_http_url_path():
 *   "/a/f"   a file                      -> 200, the file
 *   "/a/d"   a directory                 -> 301, the directory object (its
 *            path is "/a/d/", the Location to send; nginx redirects so that
 *            relative links in the index resolve inside the directory)
 *   "/a/d/"  a directory with index.html -> 200, the index.html object
 *   "/a/d/"  a directory without it      -> 403, the directory object
 *   "/a/f/"  a file with a trailing '/'  -> 404, NULL (as nginx: ENOTDIR)
 *   anything else                        -> 404, NULL
 * No allocation, no system call; any thread, concurrently.
 */
#ifndef XST_HTTP_SITE_H
#define XST_HTTP_SITE_H

#include <stddef.h>
#include <stdint.h>

#define XST_HTTP_ETAG_MAX	40	/* "\"" 16 hex "-" 16 hex "\"" + NUL */

struct xst_http_obj {
	const char *path;	/* URL path, NUL-terminated: "/a/b.html"; a directory's ends in '/' */
	size_t path_len;
	const uint8_t *data;	/* size bytes, never NULL (an empty file points at "") */
	size_t size;		/* bytes */
	int64_t mtime;		/* seconds since the epoch (negative clamped to 0) */
	const char *content_type; /* static string (http/mime.h); NULL for a directory */
	char etag[XST_HTTP_ETAG_MAX]; /* nginx's: "\"<hex mtime>-<hex size>\"", with the quotes */
	size_t etag_len;
	char last_modified[30];	/* IMF-fixdate of mtime, 29 chars + NUL */
	const struct xst_http_obj *index; /* a directory's index.html, or NULL; NULL for a file */
	int is_dir;
	void *prep;		/* the HTTP glue's (prepared segments); NULL after load, never freed here */
};

struct xst_http_site_cfg {
	size_t max_objects;	/* files + directories; 0: 1,000,000 */
	uint64_t max_bytes;	/* sum of file sizes; 0: 4 GiB */
	unsigned int max_depth;	/* directory nesting below the root; 0: 64 */
	unsigned int nr_workers; /* holder counters (worker ids 0..nr_workers-1); 0: 80 */
	int quiet;		/* 1: do not pr_warn() skipped entries (still listed) */
};

struct xst_http_site_info {
	size_t objects;		/* files (xst_http_site_count()) */
	uint64_t bytes;		/* sum of their sizes */
	size_t directories;	/* the root included */
	size_t skipped;		/* entries skipped (symlinks out, specials, unreachable names) */
	uint64_t memory;	/* bytes allocated for the site, data included */
};

struct xst_http_site;

/*
 * Loads root (followed if it is a symlink) with cfg (NULL: defaults). On
 * success *out is the site and 0 is returned; on failure -errno with a
 * message in err ("<path>: <strerror>", or the limit passed), *out untouched.
 * err may be NULL. Main thread; reads the file system.
 */
int xst_http_site_load_cfg(struct xst_http_site **out, const char *root,
			   const struct xst_http_site_cfg *cfg, char *err, size_t errlen);
int xst_http_site_load(struct xst_http_site **out, const char *root, char *err, size_t errlen);

/* Frees the site and its data (not the objects' prep). NULL is a no-op. The
 * caller makes sure nothing holds it (xst_http_site_in_use()). */
void xst_http_site_free(struct xst_http_site *s);

/* path[0..len) -> object or NULL, and *status 200, 301, 403 or 404 (table above). */
const struct xst_http_obj *xst_http_site_find(const struct xst_http_site *s, const char *path,
					      size_t len, int *status);

/* Files 0..count-1 and directories 0..ndirs-1, for the glue to prepare each. */
size_t xst_http_site_count(const struct xst_http_site *s);
struct xst_http_obj *xst_http_site_obj(struct xst_http_site *s, size_t i);
size_t xst_http_site_ndirs(const struct xst_http_site *s);
struct xst_http_obj *xst_http_site_dir(struct xst_http_site *s, size_t i);

/* Warning i ("skip '<path>': <why>") about an entry skipped at load, or NULL
 * past the end (the first 256 are kept; the info's skipped counts all). */
const char *xst_http_site_warning(const struct xst_http_site *s, size_t i);

void xst_http_site_summary(const struct xst_http_site *s, struct xst_http_site_info *i);

/*
 * Holder counters, for "old objects live until their last connection ends".
 * A worker calls hold() when a connection starts using the site and
 * release() when it stops; each worker writes only its own cache-line
 * counter (a plain load and a release store, no atomic read-modify-write),
 * so worker must be the caller's own id, < cfg.nr_workers. in_use() (main
 * thread) sums them: once no worker can pick the site up any more (it was
 * replaced and an RCU grace period passed), 0 means no connection holds it
 * and it may be freed.
 */
void xst_http_site_hold(struct xst_http_site *s, unsigned int worker);
void xst_http_site_release(struct xst_http_site *s, unsigned int worker);
int64_t xst_http_site_in_use(const struct xst_http_site *s);

#endif /* XST_HTTP_SITE_H */
