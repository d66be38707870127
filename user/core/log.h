/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging to stderr, with printf checking. Never called per packet.
 * libbpf and libxdp messages are routed here, one level quieter.
 */
#ifndef XST_CORE_LOG_H
#define XST_CORE_LOG_H

enum xst_log_level {
	XST_LOG_ERR,
	XST_LOG_WARN,
	XST_LOG_INFO,
	XST_LOG_DEBUG,
};

/* Messages above this level are dropped; default XST_LOG_INFO. Not thread-safe to change. */
void xst_log_set_level(enum xst_log_level level);
enum xst_log_level xst_log_get_level(void);

/* Route libbpf's and libxdp's print callbacks into this logger: their warnings
 * at warn_level (they report fallbacks we handle), their info and debug at debug. */
void xst_log_hook_libs(enum xst_log_level warn_level);

void xst_log(enum xst_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...)	xst_log(XST_LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	xst_log(XST_LOG_WARN, __VA_ARGS__)
#define pr_info(...)	xst_log(XST_LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	xst_log(XST_LOG_DEBUG, __VA_ARGS__)

#endif /* XST_CORE_LOG_H */
