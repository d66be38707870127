/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guard_copy(): copy test input so that it ends right before a PROT_NONE
 * page, so a parser reading one byte too far faults (picohttpparser's trick).
 */
#ifndef XST_TESTS_GUARD_H
#define XST_TESTS_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* Returns a copy of len bytes ending at a guard page, or NULL. Free with guard_free(). */
uint8_t *guard_copy(const void *src, size_t len);
void guard_free(uint8_t *p, size_t len);

#endif /* XST_TESTS_GUARD_H */
