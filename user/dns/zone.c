// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 1035 master-file loader: directives ($ORIGIN, $TTL, $INCLUDE), records
 * (owner, TTL and class in either order, type, RDATA), then the zone checks
 * NSD 4.6 makes (one SOA at the apex, nothing outside the zone, class IN, a
 * CNAME alone at its name) and the removal of duplicate records. The first
 * error stops the load with file:line: reason. Load time only.
 */
#include "dns/zone.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "dns/loadmem.h"
#include "dns/wire.h"
#include "dns/zone_priv.h"

#define DEFAULT_TTL	3600	/* without $TTL, as NSD */
#define MAX_DEPTH	16	/* $INCLUDE nesting */
#define MAX_FILE	(1ull << 32)
#define BLOCK		(1u << 20)

/* ---- arena: names, RDATA and file names of one zone ---------------------------- */

struct blk {
	struct blk *next;
	size_t used, cap;
	uint8_t data[];
};

struct arena {
	struct blk *head;
	struct xst_loadmem *mem;	/* the parse's account (NULL once it is done) */
};

/* Byte strings only (names, RDATA, paths): packed, no alignment. */
static void *arena_alloc(struct arena *a, size_t n)
{
	struct blk *b = a->head;

	if (!b || b->cap - b->used < n) {
		size_t cap = n > BLOCK ? n : BLOCK;

		b = xst_loadmem_alloc(a->mem, sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static void arena_free(struct arena *a)
{
	struct blk *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* ---- parser state ---------------------------------------------------------------- */

struct parser {
	struct xst_zone *z;
	struct arena *ar;
	struct xst_loadmem mem;	/* what the parse holds, for an out-of-memory report */
	size_t parsed;		/* bytes of the zone's own file read when the parse stopped */
	struct xst_zone_error *err;
	size_t cap_rrs;
	uint8_t origin[XST_DNAME_MAX];	/* current $ORIGIN, wire form */
	size_t origin_len;
	uint8_t first[XST_DNAME_MAX];	/* the origin the load began with */
	size_t first_len;
	int apex_fixed;		/* the apex is decided: by the caller, $ORIGIN or the first record */
	int origin_seen;	/* a $ORIGIN was met */
	const uint8_t *prev;	/* previous owner (arena), for blank owners */
	size_t prev_len;
	uint32_t default_ttl;
	int have_soa;
	int depth;
	uint8_t *rdata;		/* XST_ZONE_RDATA_MAX scratch */
};

static int perr(struct parser *p, const char *file, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(struct parser *p, const char *file, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (!p->err)
		return -EINVAL;
	snprintf(p->err->file, sizeof(p->err->file), "%s", file ? file : "");
	p->err->line = line;
	va_start(ap, fmt);
	vsnprintf(p->err->reason, sizeof(p->err->reason), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int xst_dname_to_text(const uint8_t *name, size_t len, char *buf, size_t cap)
{
	size_t o = 0, i = 0;

	if (!cap)
		return -ENOSPC;
	if (!len || !name[0]) {
		if (cap < 2)
			return -ENOSPC;
		buf[0] = '.';
		buf[1] = 0;
		return 1;
	}
	while (i < len && name[i]) {
		size_t l = name[i++], k;

		for (k = 0; k < l && i < len; k++, i++) {
			uint8_t c = name[i];
			char tmp[5];
			size_t n;

			if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' ||
			    c == '@' || c == '$') {
				tmp[0] = '\\';
				tmp[1] = (char)c;
				n = 2;
			} else if (c <= 0x20 || c >= 0x7f) {
				snprintf(tmp, sizeof(tmp), "\\%03u", c);
				n = 4;
			} else {
				tmp[0] = (char)c;
				n = 1;
			}
			if (o + n + 2 > cap)
				return -ENOSPC;
			memcpy(buf + o, tmp, n);
			o += n;
		}
		buf[o++] = '.';
	}
	buf[o] = 0;
	return (int)o;
}

/* Text of a wire name for messages (cut when long). */
static const char *ntext(const uint8_t *name, size_t len, char *buf, size_t cap)
{
	if (xst_dname_to_text(name, len, buf, cap) < 0)
		snprintf(buf, cap, "(long name)");
	return buf;
}

#define NTEXT(n, l) ntext((n), (l), (char[1024]){ 0 }, 1024)

/* Whether name is the apex or below it (case-insensitive, label aligned). */
static int in_zone(const uint8_t *name, size_t len, const uint8_t *apex, size_t apex_len)
{
	size_t off = 0;

	while (len - off > apex_len) {
		off += name[off] + 1u;
		if (off >= len)
			return 0;
	}
	return len - off == apex_len && xst_name_eq(name + off, apex, apex_len);
}

static int set_apex(struct parser *p, const uint8_t *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p->z->apex[i] = xst_lower(name[i]);
	p->z->apex_len = (uint8_t)len;
	p->apex_fixed = 1;
	return 0;
}

/* Wire name from text ("example.com." or relative to nothing: made absolute). */
static int text_to_name(const char *text, uint8_t *out)
{
	struct xst_ztok t = { .s = text, .len = (uint32_t)strlen(text), .line = 0 };
	struct xst_zfail f;
	uint8_t root = 0;

	return xst_zname(&t, &root, 1, out, &f);
}

/* ---- records --------------------------------------------------------------------- */

static int add_rr(struct parser *p, const char *file, uint32_t line, const uint8_t *owner,
		  size_t owner_len, uint16_t type, uint16_t rclass, uint32_t ttl,
		  const uint8_t *rdata, size_t rdlen)
{
	struct xst_zone *z = p->z;
	struct xst_rr *rr;
	uint8_t *rd;

	if (z->nr_rrs == p->cap_rrs) {
		size_t cap = p->cap_rrs ? p->cap_rrs * 2 : 256;
		struct xst_rr *n = xst_loadmem_realloc(&p->mem, z->rrs, p->cap_rrs * sizeof(*n),
						       cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		z->rrs = n;
		p->cap_rrs = cap;
	}
	/* Owners repeat (blank owners, several types): share the copy. */
	if (!(p->prev && p->prev_len == owner_len && !memcmp(p->prev, owner, owner_len))) {
		uint8_t *o = arena_alloc(p->ar, owner_len);

		if (!o)
			return -ENOMEM;
		memcpy(o, owner, owner_len);
		p->prev = o;
		p->prev_len = owner_len;
	}
	rd = arena_alloc(p->ar, rdlen ? rdlen : 1);
	if (!rd)
		return -ENOMEM;
	memcpy(rd, rdata, rdlen);
	rr = &z->rrs[z->nr_rrs++];
	rr->owner = p->prev;
	rr->owner_len = (uint8_t)owner_len;
	rr->type = type;
	rr->rclass = rclass;
	rr->ttl = ttl;
	rr->rdlen = (uint16_t)rdlen;
	rr->rdata = rd;
	rr->line = line;
	rr->file = file;
	return 0;
}

/* The token without its quotes: NSD's lexer reads a quoted TTL, class or
 * type ("30", "IN", "A") as it reads one written bare. */
static struct xst_ztok bare(const struct xst_ztok *t)
{
	struct xst_ztok b = *t;

	b.quoted = 0;
	return b;
}

/* Whether a name token is absolute: "@", or an unquoted name ending in an
 * unescaped dot. */
static int absolute(const struct xst_ztok *t)
{
	uint32_t n = 0;

	if (t->quoted)
		return 0;
	if (t->len == 1 && t->s[0] == '@')
		return 1;
	if (!t->len || t->s[t->len - 1] != '.')
		return 0;
	while (n + 1 < t->len && t->s[t->len - 2 - n] == '\\')
		n++;
	return !(n & 1);
}

/*
 * NSD's lexer starts no word with '$' except a directive at the start of a
 * line ("unknown character '$'"), nor a label after a dot; inside a word
 * it is a character like others ("a$b").
 */
static int dollar_word(const struct xst_ztok *t)
{
	uint32_t i;

	/* Most tokens have no '$' at all: one memchr() instead of the walk. */
	if (t->quoted || !memchr(t->s, '$', t->len))
		return 0;
	for (i = 0; i < t->len; i++) {
		if (t->s[i] == '\\') {
			i++;
			continue;
		}
		if (t->s[i] == '$' && (i == 0 || t->s[i - 1] == '.'))
			return 1;
	}
	return 0;
}

static int record(struct parser *p, const char *file, const struct xst_zentry *e)
{
	uint8_t owner[XST_DNAME_MAX];
	const struct xst_ztok *tok = e->tok;
	struct xst_zfail f = { 0 };
	struct xst_ztok b;
	size_t i = 0, owner_len;
	uint32_t ttl = p->default_ttl;
	int have_ttl = 0, rclass = -1, type, len, k;

	for (i = e->blank_owner ? 0 : 1; i < e->nr; i++)
		if (dollar_word(&tok[i]))
			return perr(p, file, tok[i].line, "unknown character '$' starting '%s'",
				    XST_ZSHOW(&tok[i]));
	i = 0;
	if (e->blank_owner) {
		/* Before any owner, NSD's previous owner is the zone's name:
		 * ours is the apex once fixed, else the origin we began with. */
		if (p->prev) {
			memcpy(owner, p->prev, p->prev_len);
			owner_len = p->prev_len;
		} else if (p->apex_fixed) {
			memcpy(owner, p->z->apex, p->z->apex_len);
			owner_len = p->z->apex_len;
		} else {
			memcpy(owner, p->first, p->first_len);
			owner_len = p->first_len;
		}
	} else {
		len = xst_zname(&tok[0], p->origin, p->origin_len, owner, &f);
		if (len < 0)
			return perr(p, file, e->line, "%s", f.reason);
		owner_len = (size_t)len;
		i = 1;
	}
	for (k = 0; k < 2 && i < e->nr; k++) {
		int c;

		b = bare(&tok[i]);
		if (!have_ttl && xst_zis_ttl(&b)) {
			if (xst_zttl(&b, &ttl, &f))
				return perr(p, file, tok[i].line, "%s", f.reason);
			have_ttl = 1;
			i++;
		} else if (rclass < 0 && (c = xst_zclass(&b)) >= 0) {
			rclass = c;
			i++;
		} else {
			break;
		}
	}
	if (i >= e->nr)
		return perr(p, file, e->line, "missing RR type");
	if ((type = xst_rrtype_from_text(tok[i].s, tok[i].len)) < 0) {
		char t[40];
		size_t n = tok[i].len < 32 ? tok[i].len : 32;

		memcpy(t, tok[i].s, n);
		t[n] = 0;
		return perr(p, file, tok[i].line, "unknown RR type '%s'", t);
	}
	/* NSD knows no mnemonic for the meta types TKEY ... ANY: only TYPEnnn */
	if (type >= 249 && type <= 255 && strncasecmp(tok[i].s, "TYPE", 4))
		return perr(p, file, tok[i].line, "unknown RR type '%.*s'", (int)tok[i].len,
			    tok[i].s);
	i++;
	if (rclass >= 0 && rclass != XST_C_IN)
		return perr(p, file, e->line, "only class IN is supported");

	/* The apex, unless the caller or a $ORIGIN fixed it: the owner of a
	 * first SOA written absolute, else the origin in force. */
	if (!p->apex_fixed) {
		if (type == XST_T_SOA && !e->blank_owner && !tok[0].quoted && tok[0].len > 1 &&
		    tok[0].s[tok[0].len - 1] == '.' &&
		    (tok[0].len < 2 || tok[0].s[tok[0].len - 2] != '\\')) {
			set_apex(p, owner, owner_len);
			if (!p->origin_seen) {
				memcpy(p->origin, owner, owner_len);
				p->origin_len = owner_len;
			}
		} else {
			set_apex(p, p->origin, p->origin_len);
		}
	}
	if (!in_zone(owner, owner_len, p->z->apex, p->z->apex_len)) {
		char a[1024];

		ntext(p->z->apex, p->z->apex_len, a, sizeof(a));
		return perr(p, file, e->line, "out of zone data: %s is outside the zone for fqdn %s",
			    NTEXT(owner, owner_len), a);
	}
	len = xst_zrdata((uint16_t)type, tok + i, e->nr - i, p->origin, p->origin_len, p->rdata,
			 &f);
	if (len < 0)
		return perr(p, file, f.line ? f.line : e->line, "%s", f.reason);
	if (type == XST_T_SOA) {
		if (owner_len != p->z->apex_len || !xst_name_eq(owner, p->z->apex, owner_len))
			return perr(p, file, e->line, "SOA record of %s is not at the zone apex %s",
				    NTEXT(owner, owner_len),
				    ntext(p->z->apex, p->z->apex_len, (char[1024]){ 0 }, 1024));
		if (p->have_soa)
			return perr(p, file, e->line, "this SOA record was already encountered");
		p->have_soa = 1;
	}
	return add_rr(p, file, e->line, owner, owner_len, (uint16_t)type, XST_C_IN, ttl, p->rdata,
		      (size_t)len);
}

/* ---- files and directives -------------------------------------------------------- */

static int parse_text(struct parser *p, const char *text, size_t len, const char *file,
		      const char *dir);

/*
 * Kernel pseudo-filesystems whose files say S_ISREG but whose size is not
 * their content: procfs reports 0 bytes (the file read as empty, with
 * success), sysfs 4096. A zone there is a mistake: refused like a FIFO.
 */
/* The reason to give for a file on one of them, or NULL. */
static const char *pseudo_fs(long type)
{
	switch (type) {
	case PROC_SUPER_MAGIC:
		return "not a regular file (a procfs pseudo-file)";
	case SYSFS_MAGIC:
		return "not a regular file (a sysfs pseudo-file)";
	case DEBUGFS_MAGIC:
		return "not a regular file (a debugfs pseudo-file)";
	case TRACEFS_MAGIC:
		return "not a regular file (a tracefs pseudo-file)";
	case SECURITYFS_MAGIC:
		return "not a regular file (a securityfs pseudo-file)";
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
		return "not a regular file (a cgroupfs pseudo-file)";
	case BPF_FS_MAGIC:
		return "not a regular file (a bpffs pseudo-file)";
	default:
		return NULL;
	}
}

/*
 * Reads the whole regular file at path into a NUL-terminated buffer. On
 * failure returns -errno and, when the reason is ours rather than the
 * system's (not a regular file, size not the content), sets *why to it.
 */
static int read_file(const char *path, char **out, size_t *len, const char **why)
{
	struct statfs sfs;
	struct stat st;
	FILE *fp;
	char *buf;
	size_t n;
	int fd, err;

	*why = NULL;
	/* O_NONBLOCK: opening a FIFO with no writer would block start-up
	 * before the type check below could refuse it. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	fp = fdopen(fd, "rb");
	if (!fp) {
		err = -errno;
		close(fd);
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		/* A directory, or a FIFO or device that could block start-up. */
		if (S_ISDIR(st.st_mode)) {
			err = -EISDIR;
			goto out_close;
		}
		*why = S_ISFIFO(st.st_mode) ? "not a regular file (a FIFO)" :
		       S_ISSOCK(st.st_mode) ? "not a regular file (a socket)" :
					      "not a regular file (a device)";
		err = -EINVAL;
		goto out_close;
	}
	if (!fstatfs(fileno(fp), &sfs) && pseudo_fs((long)sfs.f_type)) {
		*why = pseudo_fs((long)sfs.f_type);
		err = -EINVAL;
		goto out_close;
	}
	if ((unsigned long long)st.st_size >= MAX_FILE) {
		err = -EFBIG;
		goto out_close;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out_close;
	}
	n = fread(buf, 1, (size_t)st.st_size, fp);
	if (ferror(fp)) {
		err = -EIO;
		free(buf);
		goto out_close;
	}
	/* Any other file whose size is not what it reads (being rewritten
	 * while we read it, or a pseudo-file we do not know): not loaded. */
	if (n != (size_t)st.st_size || fgetc(fp) != EOF) {
		*why = "its size changed while it was read";
		err = -EINVAL;
		free(buf);
		goto out_close;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	err = 0;
out_close:
	fclose(fp);
	return err;
}

/* Directory part of path ("." when none), in the arena. */
static const char *dir_of(struct parser *p, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	char *d;

	if (!slash)
		return ".";
	if (!n)
		return "/";
	d = arena_alloc(p->ar, n + 1);
	if (!d)
		return NULL;
	memcpy(d, path, n);
	d[n] = 0;
	return d;
}

static char *arena_strdup(struct parser *p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = arena_alloc(p->ar, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* $INCLUDE file [origin]: relative paths are tried next to the including
 * file first, then from the current directory. */
static int include(struct parser *p, const char *file, const char *dir, const struct xst_zentry *e)
{
	uint8_t saved[XST_DNAME_MAX], norigin[XST_DNAME_MAX];
	size_t saved_len = p->origin_len, nlen = 0;
	char path[PATH_MAX], raw[PATH_MAX];
	const struct xst_ztok *t = &e->tok[1];
	struct xst_zfail f = { 0 };
	const char *name, *ndir, *why;
	char *text;
	size_t len, i, o = 0;
	int err;

	if (e->nr < 2 || e->nr > 3)
		return perr(p, file, e->line, "$INCLUDE takes a file name and an optional origin");
#ifdef XST_FUZZ
	return perr(p, file, e->line, "$INCLUDE is disabled in the fuzzing build");
#endif
	/* The name as written, as NSD opens it: no escapes, and quotes are
	 * part of it (so a quoted name is not found there either). */
	if (t->len + 3 > sizeof(raw))
		return perr(p, file, e->line, "$INCLUDE file name too long");
	if (t->quoted)
		raw[o++] = '"';
	for (i = 0; i < t->len; i++)
		raw[o++] = t->s[i];
	if (t->quoted)
		raw[o++] = '"';
	raw[o] = 0;
	if (e->nr == 3) {
		int l;

		/* NSD wants a final dot here ("@" will not do). */
		if (!absolute(&e->tok[2]) || xst_ztok_is(&e->tok[2], "@"))
			return perr(p, file, e->line, "$INCLUDE directive requires absolute domain name");
		l = xst_zname(&e->tok[2], p->origin, p->origin_len, norigin, &f);

		if (l < 0)
			return perr(p, file, e->line, "$INCLUDE origin: %s", f.reason);
		nlen = (size_t)l;
	}
	if (p->depth >= MAX_DEPTH)
		return perr(p, file, e->line, "$INCLUDE nested more than %d deep", MAX_DEPTH);
	if (raw[0] == '/' || !dir)
		snprintf(path, sizeof(path), "%s", raw);
	else if (snprintf(path, sizeof(path), "%s/%s", dir, raw) >= (int)sizeof(path))
		return perr(p, file, e->line, "$INCLUDE file name too long");
	if (raw[0] != '/' && dir && access(path, F_OK) && !access(raw, F_OK))
		snprintf(path, sizeof(path), "%s", raw);

	err = read_file(path, &text, &len, &why);
	if (err)
		return perr(p, file, e->line, "cannot read included file '%s': %s", path,
			    why ? why : strerror(-err));
	p->mem.held += len;	/* the included text, while it is parsed */
	name = arena_strdup(p, path);
	ndir = dir_of(p, path);
	if (!name || !ndir) {
		free(text);
		p->mem.held -= len;
		return -ENOMEM;
	}
	memcpy(saved, p->origin, saved_len);
	if (nlen) {
		memcpy(p->origin, norigin, nlen);
		p->origin_len = nlen;
	}
	p->depth++;
	err = parse_text(p, text, len, name, ndir);
	p->depth--;
	free(text);
	p->mem.held -= len;
	/* RFC 1035 5.1: the included file does not change the origin here. */
	memcpy(p->origin, saved, saved_len);
	p->origin_len = saved_len;
	return err;
}

static int directive(struct parser *p, const char *file, const char *dir, const struct xst_zentry *e)
{
	const struct xst_ztok *t = &e->tok[0];
	struct xst_zfail f = { 0 };

	if (xst_ztok_is(t, "$ORIGIN")) {
		uint8_t n[XST_DNAME_MAX];
		int len;

		if (e->nr != 2)
			return perr(p, file, e->line, "$ORIGIN takes one domain name");
		if (!absolute(&e->tok[1]))
			return perr(p, file, e->line, "$ORIGIN directive requires absolute domain name");
		len = xst_zname(&e->tok[1], p->origin, p->origin_len, n, &f);
		if (len < 0)
			return perr(p, file, e->line, "$ORIGIN: %s", f.reason);
		memcpy(p->origin, n, (size_t)len);
		p->origin_len = (size_t)len;
		if (!p->apex_fixed && !p->z->nr_rrs)
			set_apex(p, n, (size_t)len);
		p->origin_seen = 1;
		return 0;
	}
	if (xst_ztok_is(t, "$TTL")) {
		struct xst_ztok b = bare(&e->tok[1]);

		if (e->nr != 2)
			return perr(p, file, e->line, "$TTL takes one TTL");
		if (xst_zttl(&b, &p->default_ttl, &f))
			return perr(p, file, e->line, "$TTL: %s", f.reason);
		return 0;
	}
	if (xst_ztok_is(t, "$INCLUDE"))
		return include(p, file, dir, e);
	/* NSD warns about an unknown directive ($GENERATE too) and skips the
	 * word alone: the rest of the line is read as a record with the
	 * previous owner, which is how "$GENERATE 1-3 ..." fails there. */
	if (e->nr == 1)
		return 0;
	{
		struct xst_zentry rest = *e;

		rest.tok = e->tok + 1;
		rest.nr = e->nr - 1;
		rest.blank_owner = 1;
		return record(p, file, &rest);
	}
}

static int parse_text(struct parser *p, const char *text, size_t len, const char *file,
		      const char *dir)
{
	struct xst_zentry e = { 0 };
	struct xst_zlex lx;
	struct xst_zfail f = { 0 };
	int ret;

	xst_zlex_init(&lx, text, len);
	for (;;) {
		ret = xst_zlex_next(&lx, &e, &f);
		if (ret <= 0) {
			if (ret == -EINVAL)
				perr(p, file, f.line, "%s", f.reason);
			break;
		}
		if (!e.blank_owner && !e.tok[0].quoted && e.tok[0].len && e.tok[0].s[0] == '$')
			ret = directive(p, file, dir, &e);
		else
			ret = record(p, file, &e);
		if (ret)
			break;
	}
	xst_zentry_fini(&e);
	if (!p->depth)
		p->parsed = lx.pos;
	return ret;
}

/* ---- zone checks after the parse ------------------------------------------------- */

static uint32_t owner_hash(const uint8_t *name, size_t len)
{
	uint8_t l[XST_DNAME_MAX];

	xst_lower_copy(l, name, len);
	return xst_name_hash(l, len);
}

/*
 * Where the domain names are in a type's RDATA (NSD keeps them as
 * domain-table entries, so records whose names differ only in letter case
 * are the same record): skip fixed bytes, then character-strings, then
 * names. Only those names' bytes are folded for the duplicate check: a
 * numeric field (MX 65 and MX 97) must not be.
 */
struct rd_names {
	uint8_t skip;		/* fixed bytes before */
	uint8_t strings;	/* then this many <character-string>s */
	uint8_t names;		/* then this many names */
};

static struct rd_names rdata_names(uint16_t type)
{
	switch (type) {
	case XST_T_NS: case XST_T_MD: case XST_T_MF: case XST_T_CNAME: case XST_T_MB:
	case XST_T_MG: case XST_T_MR: case XST_T_PTR: case 30 /* NXT */: case 39 /* DNAME */:
		return (struct rd_names){ 0, 0, 1 };
	case XST_T_SOA: case XST_T_MINFO: case 17 /* RP */:
		return (struct rd_names){ 0, 0, 2 };
	case XST_T_MX: case 18 /* AFSDB */: case 21 /* RT */: case 36 /* KX */: case 107 /* LP */:
		return (struct rd_names){ 2, 0, 1 };
	case 26 /* PX */:
		return (struct rd_names){ 2, 0, 2 };
	case XST_T_SRV:
		return (struct rd_names){ 6, 0, 1 };
	case 35 /* NAPTR */:
		return (struct rd_names){ 4, 3, 1 };
	default:
		return (struct rd_names){ 0, 0, 0 };
	}
}

/* The byte range [*from, *to) of rr's RDATA holding its names (empty when none or malformed). */
static void names_span(const struct xst_rr *rr, size_t *from, size_t *to)
{
	struct rd_names d = rdata_names(rr->type);
	size_t off = d.skip, n;
	unsigned int k;

	*from = *to = 0;
	if (!d.names)
		return;
	for (k = 0; k < d.strings; k++) {
		if (off >= rr->rdlen)
			return;
		off += (size_t)rr->rdata[off] + 1;
	}
	*from = off;
	for (k = 0; k < d.names; k++) {
		n = off < rr->rdlen ? xst_name_len(rr->rdata + off, rr->rdlen - off) : 0;
		if (!n)
			break;
		off += n;
	}
	*to = k ? off : *from;
}

static int same_rr(const struct xst_rr *a, const struct xst_rr *b)
{
	size_t from, to;

	if (a->type != b->type || a->owner_len != b->owner_len || a->rdlen != b->rdlen ||
	    !xst_name_eq(a->owner, b->owner, a->owner_len))
		return 0;
	names_span(a, &from, &to);
	return !memcmp(a->rdata, b->rdata, from) &&
	       xst_name_eq(a->rdata + from, b->rdata + from, to - from) &&
	       !memcmp(a->rdata + to, b->rdata + to, a->rdlen - to);
}

static uint32_t rr_hash(const struct xst_rr *rr, uint32_t oh)
{
	uint64_t h = (uint64_t)oh * 0x9e3779b97f4a7c15ull ^ rr->type ^ (uint64_t)rr->rdlen << 16;
	size_t i, from, to;

	names_span(rr, &from, &to);
	for (i = 0; i < rr->rdlen; i++) {
		uint8_t c = i >= from && i < to ? xst_lower(rr->rdata[i]) : rr->rdata[i];

		h = (h ^ c) * 0x100000001b3ull;
	}
	return (uint32_t)(h ^ h >> 32);
}

/* Types that may sit beside a CNAME: NSD's list (namedb.c), RFC 4035 2.5
 * and RFC 2535's SIG and NXT: RRSIG, NSEC, NSEC3, SIG, NXT. */
static int cname_may_share(uint16_t type)
{
	return type == 46 || type == 47 || type == 50 || type == 24 || type == 30;
}

/* A kept record into the duplicate table (records known distinct: no compare). */
static void rslot_put(uint32_t *rslot, uint32_t mask, const struct xst_rr *rr, uint32_t oh,
		      uint32_t idx)
{
	uint32_t s;

	for (s = rr_hash(rr, oh) & mask; rslot[s]; s = (s + 1) & mask)
		;
	rslot[s] = idx + 1;
}

#define RUN_SCAN	16	/* kept records of one owner compared one by one, at most */
#define O_HASHED	8	/* oflags: the owner's records are in the duplicate table */

/*
 * Drops exact duplicates (NSD ignores them) and refuses a CNAME beside
 * other data or a second CNAME at one name; the DNSSEC records of
 * cname_may_share() may sit beside a CNAME.
 *
 * Records come in runs of one owner, and most owners have one run: the
 * owner is looked up once a run, and a record is compared with the few
 * kept before it in its run. Only an owner met again in a later run, or
 * with more than RUN_SCAN records, has its records put in the duplicate
 * hash table (a random access per record, the cost this avoids).
 */
static int check_and_dedup(struct parser *p, const char *file)
{
	struct xst_zone *z = p->z;
	size_t nslots = 16, i, out = 0;
	uint32_t *oslot = NULL, *rslot = NULL, *cnt = NULL, mask, h = 0, first = 0;
	const uint8_t *run_owner = NULL;
	uint8_t *oflags = NULL;
	size_t nr = z->nr_rrs;
	int ret = -ENOMEM;

	while (nslots < z->nr_rrs * 2)
		nslots *= 2;
	mask = (uint32_t)nslots - 1;
	oslot = xst_loadmem_zalloc(&p->mem, nslots * sizeof(*oslot));	/* owner -> first rr + 1 */
	rslot = xst_loadmem_zalloc(&p->mem, nslots * sizeof(*rslot));	/* rr -> kept rr + 1 */
	cnt = xst_loadmem_zalloc(&p->mem, nr * sizeof(*cnt));	/* per owner's first rr: kept, unhashed */
	oflags = xst_loadmem_zalloc(&p->mem, nr);	/* per owner's first rr: 1 CNAME, 2 other, 4 DNAME, 8 hashed */
	if (!oslot || !rslot || !cnt || !oflags)
		goto out;

	for (i = 0; i < z->nr_rrs; i++) {
		struct xst_rr *rr = &z->rrs[i];
		uint32_t s, k;
		int dup = 0;

		if (!run_owner || rr->owner != run_owner) {
			/* A new run: its owner met before, or new (first is this record). */
			run_owner = rr->owner;
			h = owner_hash(rr->owner, rr->owner_len);
			for (s = h & mask; oslot[s]; s = (s + 1) & mask) {
				const struct xst_rr *o = &z->rrs[oslot[s] - 1];

				if (o->owner_len == rr->owner_len &&
				    xst_name_eq(o->owner, rr->owner, rr->owner_len))
					break;
			}
			if (!oslot[s]) {
				oslot[s] = (uint32_t)out + 1;
			} else if (!(oflags[oslot[s] - 1] & O_HASHED)) {
				/* Met again: its first run's records go in the table. */
				first = oslot[s] - 1;
				for (k = 0; k < cnt[first]; k++)
					rslot_put(rslot, mask, &z->rrs[first + k], h, first + k);
				oflags[first] |= O_HASHED;
			}
			first = oslot[s] - 1;
		}
		if (!(oflags[first] & O_HASHED) && cnt[first] >= RUN_SCAN) {
			for (k = 0; k < cnt[first]; k++)
				rslot_put(rslot, mask, &z->rrs[first + k], h, first + k);
			oflags[first] |= O_HASHED;
		}
		/* Duplicate of a record kept earlier? */
		if (oflags[first] & O_HASHED) {
			for (s = rr_hash(rr, h) & mask; rslot[s]; s = (s + 1) & mask)
				if (same_rr(&z->rrs[rslot[s] - 1], rr)) {
					dup = 1;
					break;
				}
		} else {
			/* Not hashed: all the owner's kept records are first.. out. */
			for (k = 0; k < cnt[first] && !dup; k++)
				dup = same_rr(&z->rrs[first + k], rr);
		}
		if (dup)
			continue;
		if (oflags[first] & O_HASHED)
			rslot[s] = (uint32_t)out + 1;
		else
			cnt[first]++;

		if (rr->type == XST_T_CNAME) {
			if (oflags[first] & 1) {
				ret = perr(p, rr->file, rr->line, "multiple CNAMEs at the same name");
				goto out;
			}
			if (oflags[first] & 2) {
				ret = perr(p, rr->file, rr->line, "CNAME and other data at the same name");
				goto out;
			}
			oflags[first] |= 1;
		} else if (!cname_may_share(rr->type)) {
			if (oflags[first] & 1) {
				ret = perr(p, rr->file, rr->line, "CNAME and other data at the same name");
				goto out;
			}
			oflags[first] |= 2;
		}
		if (rr->type == 39) {	/* DNAME: one per name (RFC 6672 2.4, NSD) */
			if (oflags[first] & 4) {
				ret = perr(p, rr->file, rr->line, "multiple DNAMEs at the same name");
				goto out;
			}
			oflags[first] |= 4;
		}
		z->rrs[out++] = *rr;
	}
	z->nr_rrs = out;
	ret = 0;
out:
	(void)file;
	xst_loadmem_free(&p->mem, oslot, nslots * sizeof(*oslot));
	xst_loadmem_free(&p->mem, rslot, nslots * sizeof(*rslot));
	xst_loadmem_free(&p->mem, cnt, nr * sizeof(*cnt));
	xst_loadmem_free(&p->mem, oflags, nr);
	return ret;
}

/* A set of owner names (case-insensitive), open addressing over rr indexes + 1. */
struct nameset {
	const struct xst_rr *rrs;
	uint32_t *slot;
	uint32_t mask;
};

static int in_set(const struct nameset *ns, const uint8_t *name, size_t len, int add_rr)
{
	uint32_t s;

	for (s = owner_hash(name, len) & ns->mask; ns->slot[s]; s = (s + 1) & ns->mask) {
		const struct xst_rr *o = &ns->rrs[ns->slot[s] - 1];

		if (o->owner_len == len && xst_name_eq(o->owner, name, len))
			return 1;
	}
	if (add_rr >= 0)
		ns->slot[s] = (uint32_t)add_rr + 1;
	return 0;
}

/*
 * NSD (zonec.c check_dname) refuses a zone with data below a DNAME (RFC
 * 6672 2.3: such names are occluded), except names with only NSEC3 (and
 * their RRSIGs), which a DNAME at the apex of a signed zone has below it.
 */
static int check_dname_below(struct parser *p)
{
	struct xst_zone *z = p->z;
	struct nameset dn = { .rrs = z->rrs }, n3 = { .rrs = z->rrs };
	size_t i, nslots = 16, nd = 0;
	int ret = 0;

	for (i = 0; i < z->nr_rrs; i++)
		nd += z->rrs[i].type == 39;
	if (!nd)
		return 0;
	while (nslots < z->nr_rrs * 2)
		nslots *= 2;
	dn.mask = n3.mask = (uint32_t)nslots - 1;
	dn.slot = calloc(nslots, sizeof(uint32_t));
	n3.slot = calloc(nslots, sizeof(uint32_t));
	if (!dn.slot || !n3.slot) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < z->nr_rrs; i++) {
		if (z->rrs[i].type == 39)
			in_set(&dn, z->rrs[i].owner, z->rrs[i].owner_len, (int)i);
		else if (z->rrs[i].type == 50)
			in_set(&n3, z->rrs[i].owner, z->rrs[i].owner_len, (int)i);
	}
	for (i = 0; i < z->nr_rrs && !ret; i++) {
		const struct xst_rr *rr = &z->rrs[i];
		size_t off = 0;

		if (rr->type == 50 ||
		    (rr->type == 46 && in_set(&n3, rr->owner, rr->owner_len, -1)))
			continue;
		while (rr->owner[off]) {
			char name[XST_DNAME_MAX * 4 + 2];

			off += rr->owner[off] + 1u;
			if (!in_set(&dn, rr->owner + off, rr->owner_len - off, -1))
				continue;
			if (xst_dname_to_text(rr->owner + off, rr->owner_len - off, name,
					      sizeof(name)) < 0)
				name[0] = 0;
			ret = perr(p, rr->file, rr->line,
				   "DNAME at %s has data below it (RFC 6672 2.3; NSD refuses it)", name);
			break;
		}
	}
out:
	free(dn.slot);
	free(n3.slot);
	return ret;
}

/* ---- entry points ---------------------------------------------------------------- */

/* The fallback origin from a file name: basename, minus ".zone"/".db", minus "db.". */
static int origin_from_path(const char *path, uint8_t *out)
{
	const char *base = strrchr(path, '/');
	char name[XST_DNAME_MAX + 2];
	size_t n;

	base = base ? base + 1 : path;
	if (!strncmp(base, "db.", 3) && base[3])
		base += 3;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".zone"))
		n -= 5;
	else if (n > 3 && !strcmp(base + n - 3, ".db"))
		n -= 3;
	if (!n || n > XST_DNAME_MAX - 1)
		return -EINVAL;
	memcpy(name, base, n);
	if (name[n - 1] != '.')
		name[n++] = '.';
	name[n] = 0;
	return text_to_name(name, out);
}

static int load(struct xst_zone **out, const char *text, size_t len, const char *name,
		const char *dir, const char *origin, struct xst_zone_error *err)
{
	struct parser p;
	struct xst_zone *z;
	int ret, l;

	memset(&p, 0, sizeof(p));
	p.err = err;
	p.default_ttl = DEFAULT_TTL;
	/* The text is memory of the load too (the caller's copy of the file). */
	p.mem.held = len;
	z = xst_loadmem_zalloc(&p.mem, sizeof(*z));
	p.ar = xst_loadmem_zalloc(&p.mem, sizeof(*p.ar));
	p.rdata = xst_loadmem_alloc(&p.mem, XST_ZONE_RDATA_MAX);
	if (!z || !p.ar || !p.rdata) {
		ret = -ENOMEM;
		goto err_free;
	}
	p.ar->mem = &p.mem;
	z->arena = p.ar;
	p.z = z;
	z->path = arena_strdup(&p, name);
	if (!z->path) {
		ret = -ENOMEM;
		goto err_free;
	}

	if (origin) {
		l = text_to_name(origin, p.origin);
		if (l < 0) {
			ret = perr(&p, "", 0, "bad origin '%s'", origin);
			goto err_free;
		}
		p.origin_len = (size_t)l;
		set_apex(&p, p.origin, p.origin_len);
	} else {
		l = origin_from_path(name, p.origin);
		if (l < 0) {
			p.origin[0] = 0;
			l = 1;
		}
		p.origin_len = (size_t)l;
	}

	memcpy(p.first, p.origin, p.origin_len);
	p.first_len = p.origin_len;
	ret = parse_text(&p, text, len, z->path, dir);
	if (ret)
		goto err_free;
	if (!p.apex_fixed)
		set_apex(&p, p.origin, p.origin_len);
	if (!p.have_soa) {
		ret = perr(&p, z->path, 0, "no SOA record at the zone apex %s",
			   NTEXT(z->apex, z->apex_len));
		goto err_free;
	}
	ret = check_and_dedup(&p, z->path);
	if (!ret)
		ret = check_dname_below(&p);
	if (ret)
		goto err_free;
	free(p.rdata);
	p.ar->mem = NULL;
	z->bytes = p.mem.held - len - XST_ZONE_RDATA_MAX;
	*out = z;
	return 0;

err_free:
	if (ret == -ENOMEM && err) {
		/* Extrapolated from the part of the file read: records take
		 * memory in proportion to the text they come from, the text
		 * itself is there from the start. At least what was asked. */
		size_t need = p.mem.held;

		if (p.parsed && p.parsed < len && need > len)
			need = len + (size_t)((double)(need - len) * (double)len / (double)p.parsed);
		if (need < p.mem.held + p.mem.failed)
			need = p.mem.held + p.mem.failed;
		xst_loadmem_reason(err->reason, sizeof(err->reason), p.mem.held, need);
		snprintf(err->file, sizeof(err->file), "%s", name);
		err->line = 0;
	}
	free(p.rdata);
	if (z) {
		free(z->rrs);
		free(z);
	}
	arena_free(p.ar);
	return ret;
}

int xst_zone_parse_string(struct xst_zone **out, const char *text, const char *name,
			  const char *origin, struct xst_zone_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	return load(out, text, strlen(text), name ? name : "(string)", NULL, origin, err);
}

int xst_zone_load(struct xst_zone **out, const char *path, const char *origin,
		  struct xst_zone_error *err)
{
	struct parser p = { .err = err };
	char *text, dir[PATH_MAX];
	const char *slash, *why;
	size_t len;
	int ret;

	if (err)
		memset(err, 0, sizeof(*err));
	ret = read_file(path, &text, &len, &why);
	if (ret) {
		perr(&p, path, 0, "cannot read zone file: %s", why ? why : strerror(-ret));
		return ret;
	}
	slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	ret = load(out, text, len, path, dir, origin, err);
	free(text);
	return ret;
}

void xst_zone_destroy(struct xst_zone *z)
{
	if (!z)
		return;
	free(z->rrs);
	arena_free(z->arena);
	free(z);
}
