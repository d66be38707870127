/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven command-line options (after xdp-tools' prog_option tables):
 * each option is one row naming its field in struct xst_config, its kind,
 * its range or choices and its help text. The same rows drive getopt_long()
 * and the OPTIONS part of --help, so the two cannot disagree. The daemon's
 * general options are one table; each service contributes its own
 * (daemon/registry.h), printed under the service's heading.
 */
#ifndef XST_DAEMON_OPTIONS_H
#define XST_DAEMON_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "daemon/config.h"

enum xst_opt_kind {
	XST_OPT_END,		/* ends a table */
	XST_OPT_SET,		/* no argument: int field = value */
	XST_OPT_UINT,		/* unsigned int in [min, max] (pow2: a power of two) */
	XST_OPT_MS,		/* milliseconds, written as a number of ms or with a unit:
				 * "500ms", "2s", "5m", "1h" */
	XST_OPT_STR,		/* const char * */
	XST_OPT_LIST,		/* const char *[max], count in the unsigned int at count_off */
	XST_OPT_ENUM,		/* unsigned int field = choices[i].value */
	XST_OPT_RATE,		/* struct xst_rate: "N" or "N/BURST", N in [min, max] per
				 * second, BURST 1..2^31 (default 2 * N) */
	XST_OPT_HELP,		/* print --help, exit 0 */
	XST_OPT_VERSION,	/* print the version, exit 0 */
};

struct xst_opt_choice {
	const char *name;
	unsigned int value;
};

struct xst_option {
	enum xst_opt_kind kind;
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0: none */
	size_t off;		/* of the field in struct xst_config */
	const char *metavar;	/* the argument's name in --help ("N", "FILE") */
	const char *help;	/* one paragraph; wrapped by the printer */
	unsigned int min, max;	/* UINT/MS range; LIST: max entries */
	int value;		/* SET: the value written */
	int pow2;		/* UINT: must be a power of two */
	size_t count_off;	/* LIST: of the count */
	const struct xst_opt_choice *choices;	/* ENUM: NULL-name terminated */
	const char *exclusive;	/* name of an option this one excludes ("copy" vs "zero-copy") */
};

struct xst_opt_group {
	const char *title;	/* heading in --help */
	const struct xst_option *opts;
};

/*
 * Parse argv into *cfg (which holds the defaults) with the options of every
 * group. Returns 0; 1 when --help or --version was printed (exit 0); -EINVAL
 * for a usage error, explained on stderr ("--frames '100': expected a power
 * of two, 256..1048576"). Non-option arguments are usage errors.
 */
int xst_options_parse(int argc, char **argv, const struct xst_opt_group *groups, size_t nr,
		      struct xst_config *cfg, void (*help)(FILE *f));

/* The OPTIONS part of --help: every group, every row, wrapped to 80 columns. */
void xst_options_print(FILE *f, const struct xst_opt_group *groups, size_t nr,
		       const struct xst_config *defaults);

#endif /* XST_DAEMON_OPTIONS_H */
