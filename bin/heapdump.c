/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-heapdump — what holds a Go heap: a runtime/debug.WriteHeapDump file
 * marked the way the GC marks it, with the dominator tree's retained sizes
 * by root, type, allocation site or size class, paths from the roots, the
 * tree itself, and the growth between two dumps. The model is libgomem's
 * (heapdump, gc); this file parses options and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum {
	OPT_BY = OPT_TOOL_BASE, OPT_TOP, OPT_SORT, OPT_MIN_SIZE, OPT_PATH_TO, OPT_TREE, OPT_DEPTH,
	OPT_DIFF, OPT_FAIL_ABOVE, OPT_BINARY, OPT_RATE
};

static const cli_option options[] = {
	{"by", 0, "KEY", OPT_BY, "root, type, site, class or kind: retained and shallow sizes\n"
				 "grouped by KEY (default: the summary)"},
	{"top", 0, "N", OPT_TOP, "show the first N rows (default 20 in the table, all in\n"
				 "other formats); 0 shows all"},
	{"sort", 0, "KEY", OPT_SORT, "retained (default), objects, bytes or name"},
	{"min-size", 0, "SIZE", OPT_MIN_SIZE, "hide rows retaining less than SIZE; --tree folds them"},
	{"path-to", 0, "REGEX", OPT_PATH_TO, "paths from a root to the objects whose type or allocation\n"
					     "site matches REGEX, largest retained first (--top paths)"},
	{"tree", 0, NULL, OPT_TREE, "the dominator tree top-down, small subtrees folded"},
	{"depth", 0, "N", OPT_DEPTH, "--tree, folded, pprof and svg: at most N levels (default 8,\n"
				     "64)"},
	{"diff", 0, NULL, OPT_DIFF, "two dumps, OLD NEW: growth by --by root, type or site"},
	{"fail-above", 0, "LIMIT", OPT_FAIL_ABOVE, "--diff: exit 1 when the reachable heap grew by more\n"
						   "than LIMIT (a size like 10MiB, or a percent like 5%)"},
	{"memprofile-rate", 0, "BYTES", OPT_RATE, "the program's runtime.MemProfileRate, to scale sampled\n"
						  "sites as pprof does (default: 1 when at least half\n"
						  "the objects carry a site, else 512KiB)"},
	{"binary", 0, "BIN", OPT_BINARY, "the program that wrote the dump: names globals from its\n"
					 "symbols and infers types from its DWARF"},
	{"format", 0, "FMT", OPT_FORMAT, "table, csv, tsv, json, ndjson, folded, pprof or svg (the\n"
					 "dominator tree as an icicle of retained sizes)"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse inputs larger than SIZE decompressed (default 4GiB)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"heapdump", "[OPTION]... DUMP\n       gomem heapdump --diff [OPTION]... OLD NEW",
	"Read a Go heap dump (runtime/debug.WriteHeapDump; a file, - or gzip), mark it as\n"
	"the GC does and answer what holds the heap: retained sizes from the dominator\n"
	"tree by root, type, allocation site or size class; paths from roots; growth.",
	options,
	"Exit status: 0 success, 1 --fail-above tripped, 2 trouble (bad input, bad usage).\n"
	"Example: gomem heapdump --binary ./server --by type heap.dump\n"
	"See gomem-heapdump(1) for taking a dump and the format.\n"
};

enum mode { M_SUMMARY, M_BY, M_PATHS, M_TREE, M_DIFF };

struct config {
	enum mode mode;
	gomem_gc_by by;
	bool by_set;
	long top;              /* -1: the format's default */
	gomem_gc_sort sort;
	uint64_t min_size;
	const char *path_to, *binary, *output, *format_name, *fail_above;
	uint32_t depth;
	bool depth_set;
	uint64_t rate;
	double limit;
	int limit_is_percent;
	gomem_format format;
	int no_color;
	gomem_source_options source;
	const char *headers[CLI_MAX_HEADERS];
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	char *end;
	switch (id) {
	case OPT_BY:
		if (gomem_gc_by_parse(arg, &c->by) != GOMEM_OK)
			return usage_error("--by: '%s' is not root, type, site, class or kind", arg);
		c->by_set = true;
		break;
	case OPT_TOP:
		c->top = strtol(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || *end || c->top < 0)
			return usage_error("--top: '%s' is not a count", arg);
		break;
	case OPT_SORT:
		if (gomem_gc_sort_parse(arg, &c->sort) != GOMEM_OK)
			return usage_error("--sort: '%s' is not retained, objects, bytes or name", arg);
		break;
	case OPT_MIN_SIZE:
		if (gomem_parse_size(&c->min_size, arg))
			return usage_error("--min-size: '%s' is not a size", arg);
		break;
	case OPT_PATH_TO: c->path_to = arg; c->mode = M_PATHS; break;
	case OPT_TREE: c->mode = M_TREE; break;
	case OPT_DEPTH: {
		long v = strtol(arg, &end, 10);
		if (*arg < '0' || *arg > '9' || *end || v < 1 || v > 100000)
			return usage_error("--depth: '%s' is not a count from 1", arg);
		c->depth = (uint32_t)v;
		c->depth_set = true;
		break;
	}
	case OPT_DIFF: c->mode = M_DIFF; break;
	case OPT_FAIL_ABOVE: {
		size_t len = strlen(arg);
		uint64_t size;
		c->limit_is_percent = len > 1 && arg[len - 1] == '%';
		char num[64];
		snprintf(num, sizeof(num), "%.*s", (int)(c->limit_is_percent ? len - 1 : len), arg);
		if (c->limit_is_percent ? gomem_parse_number(&c->limit, num) != GOMEM_OK || len > sizeof(num)
					: gomem_parse_size(&size, arg) != GOMEM_OK)
			return usage_error("--fail-above: '%s' is not a size or a percent", arg);
		if (!c->limit_is_percent)
			c->limit = (double)size;
		c->fail_above = arg;
		break;
	}
	case OPT_BINARY: c->binary = arg; break;
	case OPT_RATE:
		if (gomem_parse_size(&c->rate, arg) || c->rate == 0)
			return usage_error("--memprofile-rate: '%s' is not a size above 0", arg);
		break;
	case OPT_FORMAT:
		if (strcmp(arg, "folded") && strcmp(arg, "pprof") && strcmp(arg, "svg") &&
		    gomem_format_parse(&c->format, arg))
			return usage_error("--format: '%s' is not table, csv, tsv, json, ndjson, folded, pprof or svg",
					   arg);
		c->format_name = arg;
		break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	default: {
		int st = cli_input_option(&tool, &c->source, c->headers, id, arg);
		return st == CLI_NOT_INPUT_OPTION ? EXIT_TROUBLE : st;
	}
	}
	return EXIT_OK;
}

/* ---- loading ------------------------------------------------------------------ */

struct loaded {
	gomem_binary *bin;
	gomem_heapdump *dump;
	gomem_gc *gc;
};

static int load(const struct config *c, const char *spec, bool keep_values, struct loaded *l)
{
	gomem_error err = {0};
	gomem_source *src = NULL;
	gomem_heapdump_options ho = GOMEM_HEAPDUMP_OPTIONS_INIT;
	gomem_gc_options go = GOMEM_GC_OPTIONS_INIT;
	if (c->binary && !l->bin && gomem_binary_open(c->binary, &l->bin, &err) != GOMEM_OK)
		goto fail;
	ho.binary = go.binary = l->bin;
	go.paths = keep_values; /* the parents cost 4 bytes an object */
	go.memprofile_rate = c->rate;
	ho.keep_outside = keep_values || l->bin;
	if (gomem_source_open(&src, spec, &c->source, &err) != GOMEM_OK ||
	    gomem_heapdump_read(&l->dump, src, &ho, &err) != GOMEM_OK ||
	    gomem_gc_analyze(&l->gc, l->dump, &go, &err) != GOMEM_OK)
		goto fail;
	gomem_source_free(src);
	return EXIT_OK;
fail:
	cli_error_detail(&err);
	gomem_source_free(src);
	return EXIT_TROUBLE;
}

static void unload(struct loaded *l)
{
	gomem_gc_free(l->gc);
	gomem_heapdump_free(l->dump);
	gomem_binary_free(l->bin);
}

/* ---- tables ------------------------------------------------------------------- */

static gomem_cell num(uint64_t v) { return (gomem_cell){.i = (int64_t)v}; }
static gomem_cell text(const char *s) { return (gomem_cell){.s = s}; }
static gomem_cell pct(uint64_t part, uint64_t whole)
{
	return (gomem_cell){.d = whole ? 100.0 * (double)part / (double)whole : 0};
}

static bool machine(const struct config *c) { return c->format != GOMEM_FORMAT_TABLE; }
static size_t top_of(const struct config *c, size_t dflt)
{
	return c->top >= 0 ? (c->top ? (size_t)c->top : SIZE_MAX) : machine(c) ? SIZE_MAX : dflt;
}

static gomem_table *new_table(const struct config *c, const gomem_column *cols, size_t n, FILE *fp,
			      const gomem_gc *g)
{
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t;
	o.format = c->format;
	o.color = cli_use_color(fp, c->no_color);
	o.schema = "gomem.heapdump/1";
	if (gomem_table_new(&t, cols, n, fp, &o) != GOMEM_OK)
		return NULL;
	if (g && gomem_gc_table_meta(g, t) != GOMEM_OK) {
		cli_errorf("%s", gomem_strerror(GOMEM_E_NOMEM));
		gomem_table_free(t);
		return NULL;
	}
	return t;
}

static int finish(gomem_table *t, int rc)
{
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

static int print_groups(const struct config *c, const gomem_gc *g, gomem_gc_by by, size_t dflt_top, FILE *fp)
{
	gomem_gc_group *rows;
	size_t n;
	bool roots = by == GOMEM_GC_BY_ROOT || by == GOMEM_GC_BY_KIND;
	bool scaled = by == GOMEM_GC_BY_SITE && (!gomem_heapdump_sites_exact(gomem_gc_dump(g)) || c->rate > 1);
	gomem_column cols[] = {
		{gomem_gc_by_name(by), NULL, GOMEM_COL_TEXT, 0},
		{"retained_objects", "ret objs", GOMEM_COL_COUNT, 0},
		{"retained", NULL, GOMEM_COL_BYTES, 0},
		{"retained_pct", "ret%", GOMEM_COL_PERCENT, 0},
		{roots ? "roots" : "objects", NULL, GOMEM_COL_COUNT, 0},
		{roots ? "size" : "bytes", roots ? "size" : "shallow", GOMEM_COL_BYTES, 0},
		/* sampled sites: what pprof would estimate */
		{"est_objects", "est objs", GOMEM_COL_NUMBER, 0},
		{"est_bytes", "est bytes", GOMEM_COL_BYTES, 0},
	};
	if (gomem_gc_group_by(g, by, &rows, &n) != GOMEM_OK || gomem_gc_group_sort(rows, n, c->sort) != GOMEM_OK) {
		free(rows);
		cli_errorf("grouping: %s", gomem_strerror(GOMEM_E_NOMEM));
		return EXIT_TROUBLE;
	}
	gomem_table *t = new_table(c, cols, sizeof(cols) / sizeof(cols[0]) - (scaled ? 0 : 2), fp, g);
	if (!t) {
		free(rows);
		return EXIT_TROUBLE;
	}
	uint64_t reach = gomem_gc_get_summary(g)->reachable_bytes;
	size_t top = top_of(c, dflt_top), shown = 0;
	int rc = GOMEM_OK;
	for (size_t i = 0; i < n && shown < top && rc == GOMEM_OK; i++) {
		if (rows[i].retained_bytes < c->min_size)
			continue;
		gomem_cell cells[] = {text(rows[i].key), num(rows[i].retained_objects), num(rows[i].retained_bytes),
				      pct(rows[i].retained_bytes, reach), num(roots ? rows[i].roots : rows[i].objects),
				      num(rows[i].bytes), {.d = rows[i].scaled_objects},
				      {.i = (int64_t)(rows[i].scaled_bytes + 0.5)}};
		rc = gomem_table_row(t, cells);
		shown++;
	}
	free(rows);
	return finish(t, rc);
}

/* ---- the summary -------------------------------------------------------------- */

static int print_summary(const struct config *c, const gomem_gc *g, FILE *fp)
{
	if (machine(c))
		return print_groups(c, g, GOMEM_GC_BY_KIND, SIZE_MAX, fp);
	if (gomem_gc_write_summary(g, fp) != GOMEM_OK) {
		cli_errorf("%s", gomem_strerror(GOMEM_E_IO));
		return EXIT_TROUBLE;
	}
	fprintf(fp, "\n");
	int st = print_groups(c, g, GOMEM_GC_BY_KIND, SIZE_MAX, fp);
	if (st != EXIT_OK)
		return st;
	fprintf(fp, "\ntop retainers:\n");
	return print_groups(c, g, GOMEM_GC_BY_ROOT, 10, fp);
}

/* ---- paths -------------------------------------------------------------------- */

static int print_paths(const struct config *c, const gomem_gc *g, FILE *fp)
{
	uint32_t *m;
	size_t nm;
	char buf[1024];
	int rc = gomem_gc_match(g, c->path_to, c->min_size, &m, &nm);
	if (rc != GOMEM_OK) {
		if (rc == GOMEM_E_INVALID)
			cli_errorf("--path-to: '%s' is not a regular expression", c->path_to);
		else
			cli_errorf("--path-to: %s", gomem_strerror(rc));
		return EXIT_TROUBLE;
	}
	static const gomem_column cols[] = {
		{"path", NULL, GOMEM_COL_COUNT, 0}, {"step", NULL, GOMEM_COL_COUNT, 0},
		{"node", NULL, GOMEM_COL_TEXT, 0}, {"offset", NULL, GOMEM_COL_COUNT, 0},
		{"field", NULL, GOMEM_COL_TEXT, 0}, {"retained", NULL, GOMEM_COL_BYTES, 0},
	};
	gomem_table *t = new_table(c, cols, sizeof(cols) / sizeof(cols[0]), fp, g);
	rc = t ? GOMEM_OK : GOMEM_E_NOMEM;
	size_t top = top_of(c, 3);
	for (size_t i = 0; i < nm && i < top && rc == GOMEM_OK; i++) {
		gomem_gc_step *s;
		size_t n;
		if ((rc = gomem_gc_path(g, m[i], &s, &n)) != GOMEM_OK)
			break;
		for (size_t k = 0; k < n && rc == GOMEM_OK; k++) {
			gomem_cell cells[] = {num(i + 1), num(k), text(gomem_gc_node_name(g, s[k].node, buf, sizeof(buf))),
					      {.i = (int64_t)s[k].offset, .null = k == 0},
					      {.s = s[k].field, .null = !s[k].field},
					      num(gomem_gc_retained_bytes(g, s[k].node))};
			rc = gomem_table_row(t, cells);
		}
		free(s);
	}
	free(m);
	return t ? finish(t, rc) : EXIT_TROUBLE;
}

/* ---- the tree ----------------------------------------------------------------- */

struct tree_ctx {
	gomem_table *t;
	bool indent;
	uint64_t reach;
};

static int tree_row(void *payload, const gomem_gc_tree_entry *e)
{
	struct tree_ctx *tc = payload;
	char name[1200];
	snprintf(name, sizeof(name), "%*s%s", tc->indent ? (int)(2 * e->depth) : 0, "", e->name);
	gomem_cell cells[] = {num(e->depth), text(name), num(e->retained_objects), num(e->retained_bytes),
			      pct(e->retained_bytes, tc->reach), num(e->shallow_bytes)};
	return gomem_table_row(tc->t, cells);
}

static int print_tree(const struct config *c, const gomem_gc *g, FILE *fp)
{
	static const gomem_column cols[] = {
		{"depth", NULL, GOMEM_COL_COUNT, GOMEM_COL_MACHINE_ONLY}, {"node", NULL, GOMEM_COL_TEXT, 0},
		{"retained_objects", "ret objs", GOMEM_COL_COUNT, 0}, {"retained", NULL, GOMEM_COL_BYTES, 0},
		{"retained_pct", "ret%", GOMEM_COL_PERCENT, 0}, {"shallow", NULL, GOMEM_COL_BYTES, 0},
	};
	struct tree_ctx tc = {new_table(c, cols, sizeof(cols) / sizeof(cols[0]), fp, g), !machine(c),
			      gomem_gc_get_summary(g)->reachable_bytes};
	if (!tc.t)
		return EXIT_TROUBLE;
	/* small subtrees: below --min-size, or 1% of the heap in the table */
	uint64_t min = c->min_size ? c->min_size : machine(c) ? 0 : tc.reach / 100;
	int rc = gomem_gc_tree_walk(g, GOMEM_GC_SUPERROOT, min, c->depth_set ? c->depth : 8, tree_row, &tc);
	return finish(tc.t, rc);
}

/* ---- two dumps ---------------------------------------------------------------- */

static int print_diff(const struct config *c, const gomem_gc *old, const gomem_gc *new_, FILE *fp)
{
	gomem_gc_by by = c->by_set ? c->by : GOMEM_GC_BY_ROOT;
	gomem_gc_diff_row *rows;
	size_t n;
	if (gomem_gc_diff(old, new_, by, &rows, &n) != GOMEM_OK) {
		cli_errorf("--diff: %s", gomem_strerror(GOMEM_E_NOMEM));
		return EXIT_TROUBLE;
	}
	gomem_column cols[] = {
		{gomem_gc_by_name(by), NULL, GOMEM_COL_TEXT, 0},
		{"delta", NULL, GOMEM_COL_BYTES, GOMEM_COL_SIGNED | GOMEM_COL_COLOR_SIGN},
		{"old", NULL, GOMEM_COL_BYTES, 0}, {"new", NULL, GOMEM_COL_BYTES, 0},
		{"delta_objects", "delta objs", GOMEM_COL_COUNT, GOMEM_COL_SIGNED},
		{"old_objects", "old objs", GOMEM_COL_COUNT, 0}, {"new_objects", "new objs", GOMEM_COL_COUNT, 0},
	};
	gomem_table *t = new_table(c, cols, sizeof(cols) / sizeof(cols[0]), fp, new_);
	int rc = t ? GOMEM_OK : GOMEM_E_NOMEM;
	size_t top = top_of(c, 20), shown = 0;
	for (size_t i = 0; i < n && shown < top && rc == GOMEM_OK; i++) {
		if ((uint64_t)llabs(rows[i].delta_bytes) < c->min_size || (!rows[i].delta_bytes && !machine(c)))
			continue;
		gomem_cell cells[] = {text(rows[i].key), {.i = rows[i].delta_bytes}, {.i = rows[i].old_bytes},
				      {.i = rows[i].new_bytes}, {.i = rows[i].delta_objects}, {.i = rows[i].old_objects},
				      {.i = rows[i].new_objects}};
		rc = gomem_table_row(t, cells);
		shown++;
	}
	const gomem_gc_summary *so = gomem_gc_get_summary(old), *sn = gomem_gc_get_summary(new_);
	gomem_cell tot[] = {text("reachable"),
			    {.i = (int64_t)sn->reachable_bytes - (int64_t)so->reachable_bytes},
			    num(so->reachable_bytes), num(sn->reachable_bytes),
			    {.i = (int64_t)sn->reachable_objects - (int64_t)so->reachable_objects},
			    num(so->reachable_objects), num(sn->reachable_objects)};
	if (rc == GOMEM_OK && t)
		rc = gomem_table_totals(t, tot);
	free(rows);
	int st = t ? finish(t, rc) : EXIT_TROUBLE;
	double grew = (double)tot[1].i;
	double limit = c->limit_is_percent ? c->limit / 100.0 * (double)so->reachable_bytes : c->limit;
	if (st == EXIT_OK && c->fail_above && grew > limit) {
		char a[GOMEM_UNITS_BUFSIZE], b[GOMEM_UNITS_BUFSIZE];
		gomem_format_bytes(a, sizeof(a), tot[1].i, 1);
		gomem_format_bytes(b, sizeof(b), (int64_t)limit, 0);
		cli_errorf("reachable heap grew by %s, above --fail-above %s (%s)", a, c->fail_above, b);
		return EXIT_GATE;
	}
	return st;
}

/* ---- main --------------------------------------------------------------------- */

/* --format svg: the dominator tree as an icicle, titled with the dump. */
static int write_svg(const gomem_gc *g, const char *name, uint32_t depth, FILE *fp, gomem_error *err)
{
	gomem_flame_options look = GOMEM_FLAME_OPTIONS_INIT;
	char sub[512];

	snprintf(sub, sizeof(sub), "%s: objects named by type, at most %u levels", name, depth);
	look.subtitle = sub;
	return gomem_gc_write_svg(g, fp, depth, &look, err) == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

static int run(const struct config *c, char **files, FILE *fp)
{
	struct loaded a = {0}, b = {0};
	bool values = c->mode == M_PATHS;
	int st = load(c, files[0], values, &a);
	if (st == EXIT_OK && c->mode == M_DIFF) {
		b.bin = a.bin; /* one binary for both */
		st = load(c, files[1], values, &b);
		b.bin = NULL;
	}
	if (st != EXIT_OK) {
		unload(&b);
		unload(&a);
		return st;
	}
	gomem_error err = {0};
	uint32_t depth = c->depth_set ? c->depth : 64;
	if (c->format_name && strcmp(c->format_name, "folded") == 0)
		st = gomem_gc_write_folded(a.gc, fp, depth, &err) == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
	else if (c->format_name && strcmp(c->format_name, "pprof") == 0)
		st = gomem_gc_write_pprof(a.gc, fp, depth, &err) == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
	else if (c->format_name && strcmp(c->format_name, "svg") == 0)
		st = write_svg(a.gc, files[0], depth, fp, &err);
	else if (c->mode == M_DIFF)
		st = print_diff(c, a.gc, b.gc, fp);
	else if (c->mode == M_PATHS)
		st = print_paths(c, a.gc, fp);
	else if (c->mode == M_TREE)
		st = print_tree(c, a.gc, fp);
	else if (c->by_set)
		st = print_groups(c, a.gc, c->by, 20, fp);
	else
		st = print_summary(c, a.gc, fp);
	if (err.code != GOMEM_OK)
		cli_error_detail(&err);
	unload(&b);
	unload(&a);
	return st;
}

int main(int argc, char **argv)
{
	struct config c = {.top = -1};
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	int status;
	cli_set_name("gomem heapdump");
	c.source = so;
	c.source.max_input = (uint64_t)4 << 30;
	c.source.headers = c.headers;
	if ((status = cli_parse(&tool, argc, argv, parse_option, &c)) != EXIT_OK)
		return status;
	int want = c.mode == M_DIFF ? 2 : 1;
	if (argc - optind != want)
		return usage_error("needs %s", want == 2 ? "two dumps, OLD and NEW, with --diff" : "one DUMP");
	if (c.fail_above && c.mode != M_DIFF)
		return usage_error("%s", "--fail-above needs --diff");
	if (c.format_name && (!strcmp(c.format_name, "folded") || !strcmp(c.format_name, "pprof") ||
			      !strcmp(c.format_name, "svg")) && c.mode == M_DIFF)
		return usage_error("--format %s shows one dump, not --diff", c.format_name);
	FILE *fp = cli_open_output(c.output);
	status = run(&c, argv + optind, fp);
	if (cli_close_output(fp, c.output) != 0)
		status = EXIT_TROUBLE;
	return status;
}
