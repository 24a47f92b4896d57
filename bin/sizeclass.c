/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-sizeclass — what an allocation of SIZE bytes costs the Go heap under
 * a given release: its size class, the bytes the runtime charges, the waste,
 * the span it lives in; or the whole class table. The rules are libgomem's
 * (sizeclass.c); this file parses options and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum { OPT_GO = OPT_TOOL_BASE, OPT_SCAN, OPT_TABLE };

static const cli_option options[] = {
	{"go", 0, "VERSION", OPT_GO, "the Go release (1.19 or later), or a Go binary built with it\n"
					     "(default: the newest known)"},
	{"scan", 0, NULL, OPT_SCAN, "pointerful objects (the GC scans them; Go 1.22+ adds an\n"
				    "8-byte malloc header over 512 B); default: pointer-free"},
	{"table", 0, NULL, OPT_TABLE, "print the release's size-class table instead"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"sizeclass", "[OPTION]... SIZE...\n       gomem sizeclass [OPTION]... --table",
	"Show what one Go allocation of SIZE bytes costs: its size class, the bytes the\n"
	"runtime charges for it (HeapAlloc), the waste, objects per span and the span\n"
	"size, as mallocgc of the chosen release computes them. SIZE takes units (1KiB).",
	options,
	"Exit status: 0 success, 2 trouble (bad usage, a size Go cannot allocate).\n"
	"Example: gomem sizeclass --go 1.22 --scan 24 1024 40000\n"
	"See gomem-sizeclass(1) for the columns and the tiny allocator.\n"
};

struct config {
	const gomem_sizeclass_table *t;
	bool scan, table;
	gomem_format format;
	const char *output;
	int no_color;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	int minor, st;

	switch (id) {
	case OPT_GO:
		if ((st = cli_go_option(&tool, arg, &minor)) != EXIT_OK)
			return st;
		c->t = gomem_sizeclass_for(minor);
		if (!c->t)
			return usage_error("--go: %s is older than Go 1.19, which the tables start at", arg);
		break;
	case OPT_SCAN: c->scan = true; break;
	case OPT_TABLE: c->table = true; break;
	case OPT_FORMAT:
		if (gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return usage_error("--format: '%s' is not table, csv, tsv, json or ndjson", arg);
		break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	default: return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static const char *path_name(gomem_alloc_path p)
{
	switch (p) {
	case GOMEM_ALLOC_ZERO: return "zero";
	case GOMEM_ALLOC_TINY: return "tiny";
	case GOMEM_ALLOC_SMALL: return "small";
	default: return "large";
	}
}

static const gomem_column size_cols[] = {
	{"size", NULL, GOMEM_COL_COUNT, 0},
	{"class", NULL, GOMEM_COL_COUNT, 0},
	{"rounded", NULL, GOMEM_COL_COUNT, 0},
	{"waste_bytes", "waste", GOMEM_COL_COUNT, 0},
	{"waste_pct", "waste%", GOMEM_COL_PERCENT, 0},
	{"objects_per_span", "objs/span", GOMEM_COL_COUNT, 0},
	{"span_bytes", "span", GOMEM_COL_COUNT, 0},
	{"tail_waste_bytes", "tail", GOMEM_COL_COUNT, 0},
	{"span_class", "spc", GOMEM_COL_COUNT, 0},
	{"header_bytes", "header", GOMEM_COL_COUNT, 0},
	{"path", NULL, GOMEM_COL_TEXT, 0},
	{"tiny_per_block", "tiny/16B", GOMEM_COL_COUNT, 0},
};

static gomem_cell count(uint64_t v)
{
	return (gomem_cell){.i = (int64_t)v};
}

static int size_row(gomem_table *tb, const gomem_alloc_cost *k)
{
	bool tiny = k->path == GOMEM_ALLOC_TINY;
	gomem_cell cells[] = {
		count(k->size), count((uint64_t)k->size_class), count(k->rounded), count(k->waste),
		{.d = k->rounded ? 100.0 * (double)k->waste / (double)k->rounded : 0, .null = !k->rounded},
		count(k->objects_per_span), count(k->span_bytes), count(k->tail_waste),
		count((uint64_t)k->span_class), count(k->header), {.s = path_name(k->path)},
		{.i = k->tiny_per_block, .null = !tiny},
	};
	return gomem_table_row(tb, cells);
}

static const gomem_column class_cols[] = {
	{"class", NULL, GOMEM_COL_COUNT, 0},
	{"bytes", NULL, GOMEM_COL_COUNT, 0},
	{"min_size", "from", GOMEM_COL_COUNT, 0},
	{"max_size", "to", GOMEM_COL_COUNT, 0},
	{"span_bytes", "span", GOMEM_COL_COUNT, 0},
	{"objects_per_span", "objs/span", GOMEM_COL_COUNT, 0},
	{"tail_waste_bytes", "tail", GOMEM_COL_COUNT, 0},
	{"max_waste_pct", "max waste%", GOMEM_COL_PERCENT, 0},
};

/* The largest request class CLS serves (a malloc header shrinks it). */
static uint64_t class_max_request(const gomem_sizeclass_table *t, int cls, bool scan, uint32_t bytes)
{
	gomem_alloc_cost k;
	uint64_t req = bytes;
	if (req > gomem_sizeclass_max_small(t))
		req = gomem_sizeclass_max_small(t);
	while (req > 0 && gomem_sizeclass_cost(t, req, scan, &k) == GOMEM_OK &&
	       (k.path != GOMEM_ALLOC_SMALL || k.size_class != cls))
		req--;
	return req;
}

static int print_classes(gomem_table *tb, const struct config *c)
{
	uint64_t prev_max = 0;
	int rc = GOMEM_OK;
	for (int cls = 1; cls < gomem_sizeclass_count(c->t) && rc == GOMEM_OK; cls++) {
		uint32_t bytes, pages, objects;
		gomem_sizeclass_class(c->t, cls, &bytes, &pages, &objects);
		uint64_t span = (uint64_t)pages * GOMEM_PAGE_SIZE, tail = span - (uint64_t)objects * bytes;
		uint64_t max = class_max_request(c->t, cls, c->scan, bytes);
		/* The worst case: the smallest request of the class in every slot
		 * (the runtime's "max waste" column, for the class's own range). */
		uint64_t min = prev_max + 1;
		gomem_alloc_cost k;
		while (min <= max && gomem_sizeclass_cost(c->t, min, c->scan, &k) == GOMEM_OK &&
		       k.path != GOMEM_ALLOC_SMALL)
			min++; /* below 16 B pointer-free requests are tiny, not class 2 */
		double worst = max >= min ? 100.0 * (double)((bytes - min) * objects + tail) / (double)span : 0;
		gomem_cell cells[] = {
			count((uint64_t)cls), count(bytes), {.i = (int64_t)min, .null = max < min},
			{.i = (int64_t)max, .null = max < min}, count(span), count(objects), count(tail),
			{.d = worst, .null = max < min},
		};
		rc = gomem_table_row(tb, cells);
		if (max >= min)
			prev_max = max;
	}
	return rc;
}

static int print_sizes(gomem_table *tb, const struct config *c, char **sizes, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t size;
		gomem_alloc_cost k;
		if (gomem_parse_size(&size, sizes[i]) != GOMEM_OK) {
			cli_errorf("'%s' is not a size", sizes[i]);
			return GOMEM_E_INVALID;
		}
		if (gomem_sizeclass_cost(c->t, size, c->scan, &k) != GOMEM_OK) {
			cli_errorf("%s: more than Go can allocate", sizes[i]);
			return GOMEM_E_INVALID;
		}
		int rc = size_row(tb, &k);
		if (rc < 0)
			return rc;
	}
	return GOMEM_OK;
}

static int run(const struct config *c, char **sizes, int n, FILE *fp)
{
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *tb;
	o.format = c->format;
	o.color = cli_use_color(fp, c->no_color);
	o.schema = "gomem.sizeclass/1";
	int rc = c->table ? gomem_table_new(&tb, class_cols, sizeof(class_cols) / sizeof(class_cols[0]), fp, &o)
			  : gomem_table_new(&tb, size_cols, sizeof(size_cols) / sizeof(size_cols[0]), fp, &o);
	if (rc != GOMEM_OK) {
		cli_errorf("%s", gomem_strerror(rc));
		return EXIT_TROUBLE;
	}
	gomem_table_meta_string(tb, "go", gomem_sizeclass_release(c->t));
	gomem_table_meta_string(tb, "kind", c->scan ? "scan" : "noscan");
	rc = c->table ? print_classes(tb, c) : print_sizes(tb, c, sizes, n);
	int status = EXIT_OK;
	if (rc == GOMEM_E_INVALID) {
		status = EXIT_TROUBLE; /* already reported */
	} else if (rc != GOMEM_OK || gomem_table_end(tb) != GOMEM_OK) {
		cli_error_detail(gomem_table_error(tb));
		status = EXIT_TROUBLE;
	}
	gomem_table_free(tb);
	return status;
}

int main(int argc, char **argv)
{
	struct config c = {0};
	int status;

	cli_set_name("gomem sizeclass");
	c.t = gomem_sizeclass_for(gomem_sizeclass_newest());
	if ((status = cli_parse(&tool, argc, argv, parse_option, &c)) != EXIT_OK)
		return status;
	if (c.table && optind < argc)
		return usage_error("%s", "--table takes no SIZE");
	if (!c.table && optind == argc)
		return usage_error("%s", "needs a SIZE (or --table)");
	FILE *fp = cli_open_output(c.output);
	status = run(&c, argv + optind, argc - optind, fp);
	if (cli_close_output(fp, c.output) != 0)
		status = EXIT_TROUBLE;
	return status;
}
