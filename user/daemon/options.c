// SPDX-License-Identifier: GPL-2.0
/* The option table engine (daemon/options.h). */
#include "daemon/options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define MAX_OPTS	96
#define HELP_INDENT	24
#define HELP_WIDTH	80

static void *field(struct xst_config *cfg, const struct xst_option *o)
{
	return (char *)cfg + o->off;
}

static const void *cfield(const struct xst_config *cfg, size_t off)
{
	return (const char *)cfg + off;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!*s || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "1500", "1500ms", "2s", "5m", "1h" -> milliseconds (at most 2^31) */
static int parse_ms(const char *s, unsigned long *out)
{
	char num[32];
	size_t n = strspn(s, "0123456789");
	unsigned long v;

	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n);
	num[n] = 0;
	if (parse_uint(num, 1UL << 31, &v))
		return -EINVAL;
	if (!strcmp(s + n, "") || !strcmp(s + n, "ms"))
		*out = v;
	else if (!strcmp(s + n, "s") && v <= (1UL << 31) / 1000)
		*out = v * 1000;
	else if (!strcmp(s + n, "m") && v <= (1UL << 31) / 60000)
		*out = v * 60000;
	else if (!strcmp(s + n, "h") && v <= (1UL << 31) / 3600000)
		*out = v * 3600000;
	else
		return -EINVAL;
	return 0;
}

/* "2000" or "2000/4000": per second, then the burst (2 * rate when left out). */
static int parse_rate(const char *s, const struct xst_option *o, struct xst_rate *out)
{
	const char *slash = strchr(s, '/');
	char num[32];
	unsigned long r, b;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n);
	num[n] = 0;
	if (parse_uint(num, o->max, &r) || r < o->min)
		return -EINVAL;
	if (slash) {
		if (parse_uint(slash + 1, 1UL << 31, &b) || !b)
			return -EINVAL;
	} else {
		b = 2 * r > (1UL << 31) ? 1UL << 31 : 2 * r;
	}
	out->rate = (unsigned int)r;
	out->burst = (unsigned int)b;
	return 0;
}

static void range_err(const struct xst_option *o, const char *arg)
{
	if (o->kind == XST_OPT_MS)
		pr_err("--%s '%s': expected a time of %u..%u ms (e.g. 500ms, 2s, 5m or 1h)\n",
		       o->name, arg, o->min, o->max);
	else if (o->kind == XST_OPT_RATE)
		pr_err("--%s '%s': expected RATE[/BURST], RATE %u..%u per second, BURST "
		       "1..2147483648 packets\n", o->name, arg, o->min, o->max);
	else if (o->pow2)
		pr_err("--%s '%s': expected a power of two, %u..%u\n", o->name, arg, o->min, o->max);
	else
		pr_err("--%s '%s': expected %u..%u\n", o->name, arg, o->min, o->max);
}

static int apply(const struct xst_option *o, const char *arg, struct xst_config *cfg)
{
	unsigned long v;
	size_t i;

	switch (o->kind) {
	case XST_OPT_SET:
		*(int *)field(cfg, o) = o->value;
		return 0;
	case XST_OPT_UINT:
		if (parse_uint(arg, o->max, &v) || v < o->min || (o->pow2 && (v & (v - 1)))) {
			range_err(o, arg);
			return -EINVAL;
		}
		*(unsigned int *)field(cfg, o) = (unsigned int)v;
		return 0;
	case XST_OPT_MS:
		if (parse_ms(arg, &v) || v < o->min || v > o->max) {
			range_err(o, arg);
			return -EINVAL;
		}
		*(unsigned int *)field(cfg, o) = (unsigned int)v;
		return 0;
	case XST_OPT_STR:
		*(const char **)field(cfg, o) = arg;
		return 0;
	case XST_OPT_RATE:
		if (parse_rate(arg, o, (struct xst_rate *)field(cfg, o))) {
			range_err(o, arg);
			return -EINVAL;
		}
		return 0;
	case XST_OPT_LIST: {
		unsigned int *count = (unsigned int *)((char *)cfg + o->count_off);

		if (*count >= o->max) {
			pr_err("too many --%s options (at most %u)\n", o->name, o->max);
			return -EINVAL;
		}
		((const char **)field(cfg, o))[(*count)++] = arg;
		return 0;
	}
	case XST_OPT_ENUM:
		for (i = 0; o->choices[i].name; i++) {
			if (!strcmp(arg, o->choices[i].name)) {
				*(unsigned int *)field(cfg, o) = o->choices[i].value;
				return 0;
			}
		}
		fprintf(stderr, "error: --%s '%s': expected ", o->name, arg);
		for (i = 0; o->choices[i].name; i++)
			fprintf(stderr, "%s%s", i ? (o->choices[i + 1].name ? ", " : " or ") : "",
				o->choices[i].name);
		fprintf(stderr, "\n");
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

static int takes_arg(const struct xst_option *o)
{
	return o->kind == XST_OPT_UINT || o->kind == XST_OPT_MS || o->kind == XST_OPT_STR ||
	       o->kind == XST_OPT_LIST || o->kind == XST_OPT_ENUM || o->kind == XST_OPT_RATE;
}

int xst_options_parse(int argc, char **argv, const struct xst_opt_group *groups, size_t nr,
		      struct xst_config *cfg, void (*help)(FILE *f))
{
	const struct xst_option *rows[MAX_OPTS];
	struct option lopts[MAX_OPTS + 1];
	char shorts[2 * MAX_OPTS + 2], *sp = shorts;
	int seen[MAX_OPTS] = { 0 };
	size_t g, n = 0, i;
	int c, idx;

	*sp++ = ':';	/* missing arguments reported as ':' */
	for (g = 0; g < nr; g++) {
		const struct xst_option *o;

		for (o = groups[g].opts; o->kind != XST_OPT_END; o++) {
			if (n == MAX_OPTS)
				return -E2BIG;
			rows[n] = o;
			lopts[n].name = o->name;
			lopts[n].has_arg = takes_arg(o) ? required_argument : no_argument;
			lopts[n].flag = NULL;
			lopts[n].val = 256 + (int)n;
			if (o->short_name) {
				*sp++ = o->short_name;
				if (takes_arg(o))
					*sp++ = ':';
			}
			n++;
		}
	}
	*sp = 0;
	memset(&lopts[n], 0, sizeof(lopts[n]));

	opterr = 0;
	optind = 0;	/* glibc: 0 resets getopt fully (1 would resume inside a "-vx" group) */
	while ((c = getopt_long(argc, argv, shorts, lopts, &idx)) != -1) {
		const struct xst_option *o = NULL;
		size_t k = 0;

		if (c >= 256) {
			k = (size_t)(c - 256);
		} else if (c == ':') {
			pr_err("option '%s' needs an argument (see --help)\n", argv[optind - 1]);
			return -EINVAL;
		} else if (c != '?') {
			for (k = 0; k < n; k++)
				if (rows[k]->short_name == c)
					break;
		}
		if (c == '?' || k >= n) {
			pr_err("unknown option '%s' (see --help)\n", argv[optind - 1]);
			return -EINVAL;
		}
		o = rows[k];
		if (o->kind == XST_OPT_HELP) {
			help(stdout);
			return 1;
		}
		if (o->kind == XST_OPT_VERSION) {
			printf("xdpstorm %s\n", XST_VERSION);
			return 1;
		}
		/* Either side may name the other: check both ways. */
		for (i = 0; i < n; i++) {
			if (!seen[i] || i == k)
				continue;
			if ((o->exclusive && !strcmp(rows[i]->name, o->exclusive)) ||
			    (rows[i]->exclusive && !strcmp(rows[i]->exclusive, o->name))) {
				pr_err("--%s and --%s exclude each other\n", rows[i]->name,
				       o->name);
				return -EINVAL;
			}
		}
		seen[k] = 1;
		if (apply(o, optarg, cfg))
			return -EINVAL;
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s' (see --help)\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Print text wrapped at HELP_WIDTH, every line indented by HELP_INDENT, the
 * first starting at column col (already printed). */
static void wrap(FILE *f, const char *text, int col)
{
	const char *p = text;

	while (*p) {
		const char *end = p, *brk = NULL;
		int w = col < HELP_INDENT ? HELP_INDENT : col;

		if (col < HELP_INDENT)
			fprintf(f, "%*s", HELP_INDENT - col, "");
		else if (col > HELP_INDENT) {
			fprintf(f, "\n%*s", HELP_INDENT, "");
			w = HELP_INDENT;
		}
		while (*end && *end != '\n' && w + (end - p) < HELP_WIDTH) {
			if (*end == ' ')
				brk = end;
			end++;
		}
		if (*end && *end != '\n' && brk)
			end = brk;
		fprintf(f, "%.*s\n", (int)(end - p), p);
		p = end;
		while (*p == ' ' || *p == '\n')
			p++;
		col = 0;
	}
}

static void print_default(const struct xst_option *o, const struct xst_config *d, char *buf,
			  size_t len)
{
	unsigned int v;
	size_t i;

	buf[0] = 0;
	if (!d)
		return;
	switch (o->kind) {
	case XST_OPT_UINT:
		v = *(const unsigned int *)cfield(d, o->off);
		if (v)
			snprintf(buf, len, " (default %u)", v);
		break;
	case XST_OPT_MS:
		v = *(const unsigned int *)cfield(d, o->off);
		if (v && v % 3600000 == 0)
			snprintf(buf, len, " (default %uh)", v / 3600000);
		else if (v % 1000 == 0)
			snprintf(buf, len, " (default %us)", v / 1000);
		else
			snprintf(buf, len, " (default %ums)", v);
		break;
	case XST_OPT_RATE: {
		const struct xst_rate *r = cfield(d, o->off);

		if (r->rate)
			snprintf(buf, len, " (default %u/%u)", r->rate, r->burst);
		break;
	}
	case XST_OPT_ENUM:
		v = *(const unsigned int *)cfield(d, o->off);
		for (i = 0; o->choices[i].name; i++) {
			if (o->choices[i].value == v) {
				snprintf(buf, len, " (default %s)", o->choices[i].name);
				break;	/* the first name of a value is its own; later ones are aliases */
			}
		}
		break;
	default:
		break;
	}
}

void xst_options_print(FILE *f, const struct xst_opt_group *groups, size_t nr,
		       const struct xst_config *defaults)
{
	size_t g;

	for (g = 0; g < nr; g++) {
		const struct xst_option *o;

		fprintf(f, "%s:\n", groups[g].title);
		for (o = groups[g].opts; o->kind != XST_OPT_END; o++) {
			char head[96], def[64], text[1024];
			int col;

			if (o->short_name)
				col = snprintf(head, sizeof(head), "  -%c, --%s", o->short_name,
					       o->name);
			else
				col = snprintf(head, sizeof(head), "      --%s", o->name);
			if (o->metavar)
				col += snprintf(head + col, sizeof(head) - (size_t)col, " %s",
						o->metavar);
			fputs(head, f);
			print_default(o, defaults, def, sizeof(def));
			snprintf(text, sizeof(text), "%s%s", o->help, def);
			wrap(f, text, col + 2 > HELP_INDENT ? col + 2 : col);
		}
		fprintf(f, "\n");
	}
}
