// SPDX-License-Identifier: GPL-2.0
/*
 * Site loading: a depth-first walk with openat()/fdopendir()/fstatat() that
 * appends files and directories to one growing array, then a final array
 * with the files first, an open-addressing hash table over the URL paths,
 * and each directory's index.html found through that table. All allocation
 * happens here, at load; a lookup only hashes and compares.
 */
#include "http/site.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "http/date.h"
#include "http/mime.h"

#define DEF_MAX_OBJECTS	1000000
#define DEF_MAX_BYTES	(4ULL << 30)
#define DEF_MAX_DEPTH	64
#define DEF_WORKERS	80	/* XST_RCU_MAX_READERS: every thread that may hold one */
#define WARN_KEEP	256
#define INDEX_NAME	"index.html"

struct holder {
	_Atomic int64_t n;	/* holds - releases by this worker; written by it only */
} __attribute__((aligned(64)));

struct slot {
	uint32_t hash;
	uint32_t idx;		/* object index + 1; 0: empty */
};

struct xst_http_site {
	struct xst_http_obj *objs;	/* files [0, nfiles), then directories */
	size_t nfiles, ndirs;
	struct slot *table;
	size_t mask;			/* table size - 1 (a power of two) */
	struct holder *holders;
	unsigned int nr_holders;
	char **warn;			/* first WARN_KEEP warnings */
	size_t nwarn;
	struct xst_http_site_info info;
};

struct ancestor {
	dev_t dev;
	ino_t ino;
};

struct loader {
	struct xst_http_site_cfg cfg;
	char *root;			/* realpath of the root */
	size_t root_len;
	char rel[PATH_MAX];		/* URL path of the entry at hand */
	size_t rel_len;
	struct xst_http_obj *objs;	/* in walk order */
	size_t n, cap;
	struct ancestor *anc;		/* directories from the root to the one walked */
	struct xst_http_site *site;	/* for warnings and the info */
	char *err;
	size_t errlen;
};

static const uint8_t empty[1];

/* ---- messages ---------------------------------------------------------------- */

/* The file system path of the entry at hand (root + rel), for messages and realpath. */
static const char *fspath(const struct loader *l, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s", l->root_len == 1 ? "" : l->root, l->rel);
	return buf;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct loader *l, int err, const char *fmt, ...)
{
	va_list ap;

	if (l->err && l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err, l->errlen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* "<path>: <why>" for the entry at hand */
static int fail_why(struct loader *l, int err, const char *why)
{
	char p[PATH_MAX + 64];

	return fail(l, err, "%s: %s", fspath(l, p, sizeof(p)), why);
}

/* "<path>: <strerror(-err)>" for the entry at hand */
static int fail_path(struct loader *l, int err)
{
	return fail_why(l, err, strerror(-err));
}

__attribute__((format(printf, 2, 3)))
static void warn(struct loader *l, const char *fmt, ...)
{
	struct xst_http_site *s = l->site;
	char msg[PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->info.skipped++;
	if (!l->cfg.quiet)
		pr_warn("%s\n", msg);
	if (s->nwarn < WARN_KEEP) {
		s->warn[s->nwarn] = strdup(msg);
		if (s->warn[s->nwarn]) {
			s->info.memory += strlen(msg) + 1;
			s->nwarn++;
		}
	}
}

/* ---- building objects ----------------------------------------------------------- */

static int push(struct loader *l, const char *name, int slash)
{
	size_t n = strlen(name);

	if (l->rel_len + n + 2 > sizeof(l->rel))
		return -ENAMETOOLONG;
	memcpy(l->rel + l->rel_len, name, n);
	l->rel_len += n;
	if (slash)
		l->rel[l->rel_len++] = '/';
	l->rel[l->rel_len] = 0;
	return 0;
}

/* Appends the object at l->rel to the walk's array: 0 and *out, or -errno (err written). */
static int add(struct loader *l, const struct stat *st, int is_dir, struct xst_http_obj **out)
{
	struct xst_http_obj *o;

	if (l->n >= l->cfg.max_objects)
		return fail(l, -E2BIG, "%s: more than %zu files and directories (max_objects)",
			    l->root, l->cfg.max_objects);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;

		o = realloc(l->objs, cap * sizeof(*o));
		if (!o)
			return fail_why(l, -ENOMEM, "out of memory");
		l->objs = o;
		l->cap = cap;
	}
	o = &l->objs[l->n];
	memset(o, 0, sizeof(*o));
	o->path = strdup(l->rel);
	if (!o->path)
		return fail_why(l, -ENOMEM, "out of memory");
	o->path_len = l->rel_len;
	o->data = empty;
	o->is_dir = is_dir;
	o->mtime = st->st_mtim.tv_sec > 0 ? st->st_mtim.tv_sec : 0;
	o->content_type = is_dir ? NULL : xst_http_mime(o->path, o->path_len);
	xst_http_date(o->mtime, o->last_modified);
	l->site->info.memory += o->path_len + 1;
	l->n++;
	*out = o;
	return 0;
}

static void set_etag(struct xst_http_obj *o)
{
	o->etag_len = (size_t)snprintf(o->etag, sizeof(o->etag), "\"%llx-%llx\"",
				       (unsigned long long)o->mtime, (unsigned long long)o->size);
}

/* Loads the regular file open at fd (owned) under the URL path l->rel. */
static int file(struct loader *l, int fd)
{
	struct xst_http_obj *o;
	struct stat st;
	uint8_t *data;
	size_t got = 0;
	int err = 0;

	if (fstat(fd, &st)) {
		err = fail_path(l, -errno);
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {	/* replaced since fstatat() */
		err = fail_why(l, -EAGAIN, "changed while loading");
		goto out_close;
	}
	if ((uint64_t)st.st_size > l->cfg.max_bytes - l->site->info.bytes) {
		char why[96];

		snprintf(why, sizeof(why), "the site would pass %llu bytes (max_bytes)",
			 (unsigned long long)l->cfg.max_bytes);
		err = fail_why(l, -EFBIG, why);
		goto out_close;
	}
	err = add(l, &st, 0, &o);
	if (err)
		goto out_close;
	if (!st.st_size)
		goto done;
	data = malloc((size_t)st.st_size);
	if (!data) {
		err = fail_why(l, -ENOMEM, "out of memory");
		goto out_close;
	}
	o->data = data;		/* freed with the objects on failure */
	o->size = (size_t)st.st_size;
	while (got < o->size) {
		ssize_t r = pread(fd, data + got, o->size - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = fail_path(l, -errno);
			goto out_close;
		}
		if (r == 0) {
			err = fail_why(l, -EAGAIN, "shrank while loading");
			goto out_close;
		}
		got += (size_t)r;
	}
	l->site->info.memory += o->size;
done:
	set_etag(o);
	l->site->info.bytes += o->size;
	l->site->info.objects++;
out_close:
	close(fd);
	return err;
}

/* ---- the walk ---------------------------------------------------------------- */

static int walk(struct loader *l, int dfd, unsigned int depth);

/* The directory open at fd (owned), reached as l->rel (ending in '/') at depth. */
static int dir(struct loader *l, int fd, unsigned int depth, int via_link)
{
	struct xst_http_obj *o;
	struct stat st;
	unsigned int i;
	int err;

	if (fstat(fd, &st)) {
		err = fail_path(l, -errno);
		close(fd);
		return err;
	}
	for (i = 0; i < depth; i++) {
		if (l->anc[i].dev == st.st_dev && l->anc[i].ino == st.st_ino) {
			char p[PATH_MAX + 64];

			warn(l, "skip '%s': %s loops back to one of its parents",
			     fspath(l, p, sizeof(p)), via_link ? "symlink" : "directory");
			close(fd);
			return 0;
		}
	}
	if (depth > l->cfg.max_depth) {
		close(fd);
		return fail_why(l, -ELOOP, "nested too deep (max_depth)");
	}
	err = add(l, &st, 1, &o);
	if (err) {
		close(fd);
		return err;
	}
	set_etag(o);
	l->site->info.directories++;
	l->anc[depth].dev = st.st_dev;
	l->anc[depth].ino = st.st_ino;
	return walk(l, fd, depth);
}

static int inside_root(const struct loader *l, const char *real)
{
	if (l->root_len == 1)
		return 1;
	return !strncmp(real, l->root, l->root_len) &&
	       (real[l->root_len] == '/' || real[l->root_len] == 0);
}

/* The symlink at l->rel (no trailing '/'): followed only inside the root. */
static int symlink_entry(struct loader *l, unsigned int depth)
{
	char p[PATH_MAX + 64], *real;
	struct stat st;
	int fd, err;

	fspath(l, p, sizeof(p));
	real = realpath(p, NULL);
	if (!real) {
		err = -errno;
		warn(l, "skip '%s': symlink does not resolve: %s", p, strerror(-err));
		return 0;
	}
	if (!inside_root(l, real)) {
		warn(l, "skip '%s': symlink leaves the root (-> %s)", p, real);
		err = 0;
		goto out;
	}
	if (stat(real, &st)) {
		err = -errno;
		warn(l, "skip '%s': %s: %s", p, real, strerror(-err));
		err = 0;
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		err = fd < 0 ? fail_path(l, -errno) : file(l, fd);
	} else if (S_ISDIR(st.st_mode)) {
		fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			err = fail_path(l, -errno);
		} else if ((err = push(l, "", 1))) {
			close(fd);
			err = fail_path(l, err);
		} else {
			err = dir(l, fd, depth + 1, 1);
		}
	} else {
		warn(l, "skip '%s': symlink to a special file", p);
		err = 0;
	}
out:
	free(real);
	return err;
}

/* Names a URL cannot reach (http/url.h refuses them decoded or raw). */
static int unreachable(const char *name)
{
	for (; *name; name++)
		if ((unsigned char)*name < 0x20 || *name == 0x7f || *name == '\\')
			return 1;
	return 0;
}

/* Entry name of the directory open at dfd, whose URL path is l->rel. */
static int entry(struct loader *l, int dfd, const char *name, unsigned int depth)
{
	size_t keep = l->rel_len;
	struct stat st;
	int fd, err;

	err = push(l, name, 0);
	if (err)
		return fail_path(l, err);
	if (unreachable(name)) {
		char p[PATH_MAX + 64];

		warn(l, "skip '%s': no URL can name it (control byte or backslash)",
		     fspath(l, p, sizeof(p)));
		goto out;
	}
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		err = fail_path(l, -errno);
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		err = symlink_entry(l, depth);
	} else if (S_ISDIR(st.st_mode)) {
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			err = fail_path(l, -errno);
			goto out;
		}
		err = push(l, "", 1);
		if (err) {
			close(fd);
			err = fail_path(l, err);
			goto out;
		}
		err = dir(l, fd, depth + 1, 0);
	} else if (S_ISREG(st.st_mode)) {
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		err = fd < 0 ? fail_path(l, -errno) : file(l, fd);
	} else {
		char p[PATH_MAX + 64];

		warn(l, "skip '%s': not a regular file, directory or symlink",
		     fspath(l, p, sizeof(p)));
	}
out:
	l->rel_len = keep;
	l->rel[keep] = 0;
	return err;
}

/* Walks the directory open at dfd (owned); l->rel is its URL path, with '/'. */
static int walk(struct loader *l, int dfd, unsigned int depth)
{
	struct dirent *de;
	DIR *d;
	int err = 0;

	d = fdopendir(dfd);
	if (!d) {
		err = fail_path(l, -errno);
		close(dfd);
		return err;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				err = fail_path(l, -errno);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		err = entry(l, dirfd(d), de->d_name, depth);
		if (err)
			break;
	}
	closedir(d);
	return err;
}

/* ---- the table ---------------------------------------------------------------- */

/* FNV-1a: the keys are the site's own names, fixed at load, so a client
 * cannot choose colliding ones; a simple hash is enough. */
static uint32_t hash(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 16777619u;
	}
	return h;
}

/* A directory's key is its path without the trailing '/', except the root's "/". */
static size_t key_len(const struct xst_http_obj *o)
{
	return o->is_dir && o->path_len > 1 ? o->path_len - 1 : o->path_len;
}

static const struct xst_http_obj *lookup(const struct xst_http_site *s, const char *p, size_t n)
{
	uint32_t h = hash(p, n);
	size_t i;

	for (i = h & s->mask;; i = (i + 1) & s->mask) {
		const struct slot *sl = &s->table[i];
		const struct xst_http_obj *o;

		if (!sl->idx)
			return NULL;
		o = &s->objs[sl->idx - 1];
		if (sl->hash == h && key_len(o) == n && !memcmp(o->path, p, n))
			return o;
	}
}

static int build_table(struct xst_http_site *s)
{
	size_t n = s->nfiles + s->ndirs, size = 16, i;

	while (size < 2 * n)
		size *= 2;
	s->table = calloc(size, sizeof(*s->table));
	if (!s->table)
		return -ENOMEM;
	s->mask = size - 1;
	s->info.memory += size * sizeof(*s->table);
	for (i = 0; i < n; i++) {
		const struct xst_http_obj *o = &s->objs[i];
		uint32_t h = hash(o->path, key_len(o));
		size_t j;

		for (j = h & s->mask; s->table[j].idx; j = (j + 1) & s->mask)
			;
		s->table[j].hash = h;
		s->table[j].idx = (uint32_t)(i + 1);
	}
	return 0;
}

static void find_indexes(struct xst_http_site *s)
{
	char key[PATH_MAX + sizeof(INDEX_NAME)];
	size_t i;

	for (i = s->nfiles; i < s->nfiles + s->ndirs; i++) {
		struct xst_http_obj *d = &s->objs[i];
		const struct xst_http_obj *o;

		memcpy(key, d->path, d->path_len);
		memcpy(key + d->path_len, INDEX_NAME, sizeof(INDEX_NAME) - 1);
		o = lookup(s, key, d->path_len + sizeof(INDEX_NAME) - 1);
		d->index = o && !o->is_dir ? o : NULL;
	}
}

/* ---- load, free ----------------------------------------------------------------- */

static void free_objs(struct xst_http_obj *o, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((void *)o[i].path);
		if (o[i].data != empty)
			free((void *)o[i].data);
	}
	free(o);
}

void xst_http_site_free(struct xst_http_site *s)
{
	size_t i;

	if (!s)
		return;
	free_objs(s->objs, s->nfiles + s->ndirs);
	free(s->table);
	free(s->holders);
	for (i = 0; i < s->nwarn; i++)
		free(s->warn[i]);
	free(s->warn);
	free(s);
}

/* The walk's array -> the site's: files first, then directories. */
static int partition(struct loader *l, struct xst_http_site *s)
{
	size_t i, f = 0, d;

	s->objs = malloc((l->n ? l->n : 1) * sizeof(*s->objs));
	if (!s->objs)
		return -ENOMEM;
	for (i = 0; i < l->n; i++)
		s->nfiles += !l->objs[i].is_dir;
	s->ndirs = l->n - s->nfiles;
	d = s->nfiles;
	for (i = 0; i < l->n; i++)
		s->objs[l->objs[i].is_dir ? d++ : f++] = l->objs[i];
	free(l->objs);
	l->objs = NULL;
	l->n = 0;
	s->info.memory += (s->nfiles + s->ndirs) * sizeof(*s->objs);
	return 0;
}

int xst_http_site_load_cfg(struct xst_http_site **out, const char *root,
			   const struct xst_http_site_cfg *cfg, char *err, size_t errlen)
{
	static const struct xst_http_site_cfg defaults;
	struct xst_http_site *s;
	struct loader *l;
	int fd, ret;

	if (err && errlen)
		err[0] = 0;
	l = calloc(1, sizeof(*l));
	s = calloc(1, sizeof(*s));
	if (!l || !s) {
		ret = -ENOMEM;
		goto err_free;
	}
	l->err = err;
	l->errlen = errlen;
	l->site = s;
	l->cfg = cfg ? *cfg : defaults;
	if (!l->cfg.max_objects)
		l->cfg.max_objects = DEF_MAX_OBJECTS;
	if (!l->cfg.max_bytes)
		l->cfg.max_bytes = DEF_MAX_BYTES;
	if (!l->cfg.max_depth)
		l->cfg.max_depth = DEF_MAX_DEPTH;
	if (!l->cfg.nr_workers)
		l->cfg.nr_workers = DEF_WORKERS;
	if (l->cfg.max_objects > UINT32_MAX - 1)	/* slot indexes are 32-bit */
		l->cfg.max_objects = UINT32_MAX - 1;
	l->anc = calloc(l->cfg.max_depth + 1, sizeof(*l->anc));
	s->warn = calloc(WARN_KEEP, sizeof(*s->warn));
	s->nr_holders = l->cfg.nr_workers;
	s->holders = aligned_alloc(64, s->nr_holders * sizeof(*s->holders));
	if (!l->anc || !s->warn || !s->holders) {
		ret = fail(l, -ENOMEM, "%s: out of memory", root);
		goto err_free;
	}
	memset(s->holders, 0, s->nr_holders * sizeof(*s->holders));
	s->info.memory = sizeof(*s) + s->nr_holders * sizeof(*s->holders) +
			 WARN_KEEP * sizeof(*s->warn);

	l->root = realpath(root, NULL);
	if (!l->root) {
		ret = fail(l, -errno, "%s: %s", root, strerror(errno));
		goto err_free;
	}
	l->root_len = strlen(l->root);
	fd = open(l->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = fail(l, -errno, "%s: %s", root, strerror(errno));
		goto err_free;
	}
	l->rel[0] = '/';
	l->rel_len = 1;
	ret = dir(l, fd, 0, 0);
	if (ret)
		goto err_free;
	ret = partition(l, s);
	if (ret)
		goto err_nomem;
	ret = build_table(s);
	if (ret)
		goto err_nomem;
	find_indexes(s);

	free(l->anc);
	free(l->root);
	free(l);
	*out = s;
	return 0;

err_nomem:
	fail(l, ret, "%s: out of memory", root);
err_free:
	if (l) {
		free_objs(l->objs, l->n);
		free(l->anc);
		free(l->root);
	}
	free(l);
	xst_http_site_free(s);
	return ret;
}

int xst_http_site_load(struct xst_http_site **out, const char *root, char *err, size_t errlen)
{
	return xst_http_site_load_cfg(out, root, NULL, err, errlen);
}

/* ---- lookup, iteration, report ------------------------------------------------ */

const struct xst_http_obj *xst_http_site_find(const struct xst_http_site *s, const char *path,
					      size_t len, int *status)
{
	const struct xst_http_obj *o;

	*status = 404;
	if (!len || path[0] != '/')
		return NULL;
	if (path[len - 1] == '/') {
		o = lookup(s, path, len > 1 ? len - 1 : 1);
		if (!o || !o->is_dir)
			return NULL;	/* "/file/": nginx's ENOTDIR is a 404 */
		if (o->index) {
			*status = 200;
			return o->index;
		}
		*status = 403;		/* no index.html, no listing */
		return o;
	}
	o = lookup(s, path, len);
	if (o)
		*status = o->is_dir ? 301 : 200;
	return o;
}

size_t xst_http_site_count(const struct xst_http_site *s)
{
	return s->nfiles;
}

struct xst_http_obj *xst_http_site_obj(struct xst_http_site *s, size_t i)
{
	return i < s->nfiles ? &s->objs[i] : NULL;
}

size_t xst_http_site_ndirs(const struct xst_http_site *s)
{
	return s->ndirs;
}

struct xst_http_obj *xst_http_site_dir(struct xst_http_site *s, size_t i)
{
	return i < s->ndirs ? &s->objs[s->nfiles + i] : NULL;
}

const char *xst_http_site_warning(const struct xst_http_site *s, size_t i)
{
	return i < s->nwarn ? s->warn[i] : NULL;
}

void xst_http_site_summary(const struct xst_http_site *s, struct xst_http_site_info *i)
{
	*i = s->info;
}

/* ---- holders -------------------------------------------------------------------- */

/*
 * Only worker w writes holders[w], so a load and a store make the count:
 * no read-modify-write, no cache line shared with another writer. The
 * store is a release (a plain store on x86) so that the worker's reads of
 * the site happen before the main thread can see the count drop to 0.
 */
void xst_http_site_hold(struct xst_http_site *s, unsigned int worker)
{
	struct holder *h = &s->holders[worker];
	int64_t v = atomic_load_explicit(&h->n, memory_order_relaxed);

	atomic_store_explicit(&h->n, v + 1, memory_order_relaxed);
}

void xst_http_site_release(struct xst_http_site *s, unsigned int worker)
{
	struct holder *h = &s->holders[worker];
	int64_t v = atomic_load_explicit(&h->n, memory_order_relaxed);

	atomic_store_explicit(&h->n, v - 1, memory_order_release);
}

int64_t xst_http_site_in_use(const struct xst_http_site *s)
{
	int64_t sum = 0;
	unsigned int i;

	for (i = 0; i < s->nr_holders; i++)
		sum += atomic_load_explicit(&s->holders[i].n, memory_order_acquire);
	return sum;
}
