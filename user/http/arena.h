/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load-time memory for prepared HTTP data (segments, descriptor arrays):
 * big chunks taken at load time and freed as a whole when the site that
 * owns them is dropped. Nothing is allocated from an arena on the data
 * path. Not thread-safe: one loader fills it, readers only read.
 */
#ifndef XST_HTTP_ARENA_H
#define XST_HTTP_ARENA_H

#include <stddef.h>
#include <stdint.h>

#define XST_HTTP_ARENA_CHUNK	(1u << 20)	/* default chunk: 1 MiB */

struct xst_http_arena_chunk;

struct xst_http_arena {
	struct xst_http_arena_chunk *head;	/* chunk being filled, then older ones */
	size_t chunk_size;	/* bytes of a regular chunk (a bigger request gets its own) */
	size_t reserved;	/* bytes taken from malloc, headers included (--check) */
	size_t used;		/* bytes handed out, alignment padding included */
};

/* Set up an empty arena; chunk_size 0 means XST_HTTP_ARENA_CHUNK. Takes no memory yet. */
void xst_http_arena_init(struct xst_http_arena *a, size_t chunk_size);

/* Free every chunk; the arena is empty again (and may be reused). */
void xst_http_arena_fini(struct xst_http_arena *a);

/*
 * len bytes aligned to align (a power of two, at most 64), zeroed, valid
 * until xst_http_arena_fini(). NULL when out of memory or len is 0.
 */
void *xst_http_arena_alloc(struct xst_http_arena *a, size_t len, size_t align);

#endif /* XST_HTTP_ARENA_H */
