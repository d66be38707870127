// SPDX-License-Identifier: GPL-2.0
/*
 * The arena: a list of malloc'ed chunks, bump-allocated. Large chunks come
 * from malloc too, which hands them to mmap (and back to the kernel on
 * free), so a reloaded site returns its memory.
 */
#include "http/arena.h"

#include <stdlib.h>
#include <string.h>

struct xst_http_arena_chunk {
	struct xst_http_arena_chunk *next;
	size_t size;		/* bytes of data[] */
	size_t pos;		/* first free byte of data[] */
	unsigned char data[];	/* malloc alignment only: alloc aligns addresses */
};

void xst_http_arena_init(struct xst_http_arena *a, size_t chunk_size)
{
	memset(a, 0, sizeof(*a));
	a->chunk_size = chunk_size ? chunk_size : XST_HTTP_ARENA_CHUNK;
}

void xst_http_arena_fini(struct xst_http_arena *a)
{
	struct xst_http_arena_chunk *c = a->head, *next;

	while (c) {
		next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->reserved = 0;
	a->used = 0;
}

static struct xst_http_arena_chunk *grow(struct xst_http_arena *a, size_t need)
{
	size_t size = need > a->chunk_size ? need : a->chunk_size;
	struct xst_http_arena_chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	c = calloc(1, sizeof(*c) + size);
	if (!c)
		return NULL;
	c->size = size;
	a->reserved += sizeof(*c) + size;
	/* An oversized chunk goes behind the head, so the head's free room
	 * stays usable for the small requests that follow. */
	if (size > a->chunk_size && a->head) {
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	return c;
}

/* First offset at or after c->pos whose address is aligned, or SIZE_MAX if
 * len bytes do not fit there. */
static size_t fit(const struct xst_http_arena_chunk *c, size_t len, size_t align)
{
	uintptr_t at = (uintptr_t)(c->data + c->pos);
	size_t pos = c->pos + ((align - (at & (align - 1))) & (align - 1));

	if (pos > c->size || c->size - pos < len)
		return SIZE_MAX;
	return pos;
}

void *xst_http_arena_alloc(struct xst_http_arena *a, size_t len, size_t align)
{
	struct xst_http_arena_chunk *c = a->head;
	size_t pos = SIZE_MAX;

	if (!len || !align || (align & (align - 1)) || align > 64 || len > SIZE_MAX / 2)
		return NULL;
	if (c)
		pos = fit(c, len, align);
	if (pos == SIZE_MAX) {
		c = grow(a, len + align - 1);	/* room for any start address */
		if (!c)
			return NULL;
		pos = fit(c, len, align);
	}
	a->used += pos - c->pos + len;
	c->pos = pos + len;
	return c->data + pos;
}
