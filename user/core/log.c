// SPDX-License-Identifier: GPL-2.0
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef XST_FUZZ	/* fuzzers link the protocol layers without libbpf/libxdp */
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#endif

static enum xst_log_level log_level = XST_LOG_INFO;
#ifndef XST_FUZZ
static enum xst_log_level lib_warn_level = XST_LOG_INFO;
#endif

void xst_log_set_level(enum xst_log_level level)
{
	log_level = level;
}

enum xst_log_level xst_log_get_level(void)
{
	return log_level;
}

static void vlog(enum xst_log_level level, const char *fmt, va_list ap)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: " };

	if (level > log_level)
		return;
	fputs(prefix[level], stderr);
	vfprintf(stderr, fmt, ap);
}

void xst_log(enum xst_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

#ifndef XST_FUZZ
/* libbpf prints its own warnings for things we handle (dispatcher refused,
 * xdp_metadata sections in libxdp objects): demote everything one level. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum xst_log_level l = level == LIBBPF_WARN ? lib_warn_level : XST_LOG_DEBUG;

	if (strstr(fmt, "skipping unrecognized data section"))
		return 0;
	vlog(l, fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	enum xst_log_level l = level == LIBXDP_WARN ? lib_warn_level : XST_LOG_DEBUG;

	vlog(l, fmt, ap);
	return 0;
}

void xst_log_hook_libs(enum xst_log_level warn_level)
{
	lib_warn_level = warn_level;
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
#endif /* XST_FUZZ */
