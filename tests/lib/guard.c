// SPDX-License-Identifier: GPL-2.0
#include "guard.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t span(size_t len, size_t page)
{
	return (len + page - 1) / page * page + page;
}

uint8_t *guard_copy(const void *src, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t total = span(len, page);
	uint8_t *base;

	base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	if (mprotect(base + total - page, page, PROT_NONE)) {
		munmap(base, total);
		return NULL;
	}
	base += total - page - len;
	if (len)
		memcpy(base, src, len);
	return base;
}

void guard_free(uint8_t *p, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t total = span(len, page);
	uintptr_t end = (uintptr_t)p + len + page;

	munmap((void *)(end - total), total);
}
