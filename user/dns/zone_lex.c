// SPDX-License-Identifier: GPL-2.0
/*
 * Lexer of RFC 1035 master files: cuts the text into entries (one record or
 * directive each, lines inside parentheses joined) made of tokens. Comments
 * go, quoted strings become one token, escapes stay for the decoders
 * (zone_rdata.c) since their meaning depends on the field.
 */
#include "dns/zone_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TOKENS	70000	/* a 64 KiB RDATA written one byte a token, and some */

void xst_zlex_init(struct xst_zlex *lx, const char *text, size_t len)
{
	lx->text = text;
	lx->len = len;
	lx->pos = 0;
	lx->line = 1;
}

void xst_zentry_fini(struct xst_zentry *e)
{
	free(e->tok);
	memset(e, 0, sizeof(*e));
}

static inline int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* What ends an unquoted word. */
static inline int is_delim(char c)
{
	return is_blank(c) || c == '\n' || c == ';' || c == '(' || c == ')' || c == '"';
}

static int push(struct xst_zentry *e, const char *s, size_t len, uint32_t line, int quoted,
		struct xst_zfail *f)
{
	if (e->nr == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		struct xst_ztok *t;

		if (e->nr >= MAX_TOKENS) {
			f->line = line;
			snprintf(f->reason, sizeof(f->reason), "entry has more than %d fields",
				 MAX_TOKENS);
			return -EINVAL;
		}
		t = realloc(e->tok, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		e->tok = t;
		e->cap = cap;
	}
	e->tok[e->nr].s = s;
	e->tok[e->nr].len = (uint32_t)len;
	e->tok[e->nr].line = line;
	e->tok[e->nr].quoted = (uint8_t)quoted;
	e->nr++;
	return 0;
}

int xst_zlex_next(struct xst_zlex *lx, struct xst_zentry *e, struct xst_zfail *f)
{
	const char *t = lx->text;
	uint32_t open_line = 0;
	int depth = 0, started = 0, bol_blank;
	int err;

	e->nr = 0;
	e->blank_owner = 0;
	f->line = 0;
	f->reason[0] = 0;
	/* Whether the line we are on began with white space. */
	bol_blank = lx->pos == 0 ? (lx->len && is_blank(t[0])) : 0;
	if (lx->pos > 0 && t[lx->pos - 1] == '\n')
		bol_blank = lx->pos < lx->len && is_blank(t[lx->pos]);

	while (lx->pos < lx->len) {
		char c = t[lx->pos];

		if (c == '\n') {
			lx->pos++;
			lx->line++;
			if (!depth && e->nr)
				return 1;
			/* "  ( )", no word after white space: NSD's grammar has
			 * no such line (without the white space it has). */
			if (!depth && started && e->blank_owner) {
				f->line = lx->line - 1;
				snprintf(f->reason, sizeof(f->reason), "syntax error: a line of only parentheses");
				return -EINVAL;
			}
			if (!depth)
				started = 0;
			bol_blank = lx->pos < lx->len && is_blank(t[lx->pos]);
			continue;
		}
		if (is_blank(c)) {
			lx->pos++;
			continue;
		}
		if (c == ';') {
			while (lx->pos < lx->len && t[lx->pos] != '\n')
				lx->pos++;
			continue;
		}
		if (!started) {
			started = 1;
			e->line = lx->line;
			e->blank_owner = (uint8_t)bol_blank;
		}
		if (c == '(') {
			/* NSD refuses "( (": so do we, a zone must load in both. */
			if (depth) {
				f->line = lx->line;
				snprintf(f->reason, sizeof(f->reason), "nested parentheses");
				return -EINVAL;
			}
			open_line = lx->line;
			depth++;
			lx->pos++;
			continue;
		}
		if (c == ')') {
			if (!depth) {
				f->line = lx->line;
				snprintf(f->reason, sizeof(f->reason), "')' without '('");
				return -EINVAL;
			}
			depth--;
			lx->pos++;
			continue;
		}
		if (c == '"') {
			size_t start = ++lx->pos;
			uint32_t line = lx->line;

			while (lx->pos < lx->len && t[lx->pos] != '"') {
				if (t[lx->pos] == '\n')
					lx->line++;
				if (t[lx->pos] == '\\' && lx->pos + 1 < lx->len) {
					lx->pos++;
					if (t[lx->pos] == '\n')
						lx->line++;
				}
				lx->pos++;
			}
			if (lx->pos >= lx->len) {
				f->line = line;
				snprintf(f->reason, sizeof(f->reason), "unterminated quoted string");
				return -EINVAL;
			}
			err = push(e, t + start, lx->pos - start, line, 1, f);
			if (err)
				return err;
			lx->pos++;	/* the closing quote */
			continue;
		}
		{
			size_t start = lx->pos;
			uint32_t line = lx->line;

			while (lx->pos < lx->len) {
				c = t[lx->pos];
				if (c == '\\' && lx->pos + 1 < lx->len) {
					size_t n = 2;

					/* NSD's lexer (flex) takes the longest word: a
					 * backslash is an escape or a character, so an
					 * escaped backslash before a delimiter is read as
					 * a backslash and an escaped delimiter, and the
					 * word goes on ("a\\ b" is one word). An escaped
					 * newline is part of the word too. */
					if (t[lx->pos + 1] == '\\' && lx->pos + 2 < lx->len &&
					    is_delim(t[lx->pos + 2]))
						n = 3;
					if (t[lx->pos + n - 1] == '\n')
						lx->line++;
					lx->pos += n;
					continue;
				}
				if (is_delim(c))
					break;
				lx->pos++;
			}
			err = push(e, t + start, lx->pos - start, line, 0, f);
			if (err)
				return err;
		}
	}
	/* A '(' still open at the end of the file: NSD reads the entry as
	 * if it were closed there, without a word. So do we. */
	(void)open_line;
	if (started && !e->nr && e->blank_owner) {
		f->line = e->line;
		snprintf(f->reason, sizeof(f->reason), "syntax error: a line of only parentheses");
		return -EINVAL;
	}
	return e->nr ? 1 : 0;
}

int xst_ztok_is(const struct xst_ztok *t, const char *w)
{
	size_t n = strlen(w);

	return !t->quoted && t->len == n && !strncasecmp(t->s, w, n);
}
