/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-heapdiff — which allocation sites grew between two heap profiles.
 * Parses options, reads the two profiles, asks libgomem for the diff and
 * prints it; every number comes from the library. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum {
	OPT_SAMPLE = OPT_TOOL_BASE, OPT_BY, OPT_CUM, OPT_TOP, OPT_SORT, OPT_FOCUS, OPT_IGNORE,
	OPT_MIN_DELTA, OPT_NORMALIZE, OPT_FAIL_ABOVE, OPT_INTERVAL,
	OPT_BINARY
};

/* --waste (apart from the list above, so other options can join it freely) */
enum { OPT_WASTE = OPT_TOOL_BASE + 64 };

static const cli_option options[] = {
	{"sample", 0, "TYPE", OPT_SAMPLE,
	 "inuse_space (default), inuse_objects, alloc_space, alloc_objects"},
	{"by", 0, "KEY", OPT_BY, "function (default), line, file, package or stack"},
	{"cum", 0, NULL, OPT_CUM, "cumulative values (a node counted once per stack)"},
	{"waste", 0, NULL, OPT_WASTE, "add the heap's waste, BASE and NEW: size-class round-up,\n"
				      "span tails, partly empty spans (see gomem-heap(1));\n"
				      "in csv/tsv/json/ndjson its rows replace the diff's"},
	{"top", 0, "N", OPT_TOP, "show the first N rows (default 20 in the table, all in\n"
				 "other formats); 0 shows all"},
	{"sort", 0, "KEY", OPT_SORT, "delta (default), abs, percent or size"},
	{"focus", 0, "REGEX", OPT_FOCUS, "keep stacks with a function or file matching REGEX"},
	{"ignore", 0, "REGEX", OPT_IGNORE, "drop stacks with a function or file matching REGEX"},
	{"min-delta", 0, "SIZE", OPT_MIN_DELTA, "hide rows that changed by less than SIZE"},
	{"normalize", 0, NULL, OPT_NORMALIZE, "scale NEW to BASE's total: shifts in share, not growth"},
	{"format", 0, "FMT", OPT_FORMAT, "table, csv, tsv, json, ndjson, folded, folded-diff or pprof"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"fail-above", 0, "LIMIT", OPT_FAIL_ABOVE, "exit 1 when the total grew by more than LIMIT\n"
						   "(a size like 10MiB, a count, or a percent like 5%)\n"
						   "beyond its sampling uncertainty"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse inputs larger than SIZE decompressed (default 1GiB)"},
	CLI_OPTION_HEADER,
	CLI_OPTION_TIMEOUT,
	{"interval", 0, "DURATION", OPT_INTERVAL, "with one URL: take BASE, wait DURATION, take NEW"},
	{"binary", 0, "BIN", OPT_BINARY, "symbolize profiles that carry only addresses with the\n"
					 "Go binary BIN that wrote them"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"heapdiff", "[OPTION]... BASE NEW",
	"Show which allocation sites grew between two Go heap profiles.\n"
	"BASE and NEW: .pb.gz, .pb or legacy text (debug=1) files, '-' for standard input,\n"
	"or http(s) URLs of a live /debug/pprof/heap endpoint (gc=1 is added).",
	options,
	"Exit status: 0 success, 1 --fail-above tripped, 2 trouble (bad input, bad usage).\n"
	"Example: gomem heapdiff --top 10 before.pb.gz after.pb.gz\n"
	"See gomem-heapdiff(1) for the columns, formats and the sampling uncertainty.\n"
};


struct config {
	gomem_heapdiff_options diff;
	const char *format_name;
	const char *output;
	int no_color;
	int top_set;
	int waste;             /* --waste */
	const char *fail_above;
	double limit;          /* --fail-above: bytes or objects, or a percent */
	int limit_is_percent;
	gomem_source_options source;
	const char *headers[CLI_MAX_HEADERS];
	double interval;
	const char *binary;    /* --binary: symbolize address-only profiles */
	const char *base, *newp;
};

static int format_known(const char *name)
{
	gomem_format f;

	return gomem_format_parse(&f, name) == GOMEM_OK || strcmp(name, "folded") == 0 ||
	       strcmp(name, "folded-diff") == 0 || strcmp(name, "pprof") == 0;
}

/* "10MiB" or "5000" (objects) or "5%" (of the base total). */
static int parse_limit(const char *arg, double *limit, int *percent)
{
	size_t len = strlen(arg);
	uint64_t size;

	*percent = len > 1 && arg[len - 1] == '%';
	if (*percent) {
		char num[64];

		if (len > sizeof(num))
			return -1;
		memcpy(num, arg, len - 1);
		num[len - 1] = '\0';
		return gomem_parse_number(limit, num) == GOMEM_OK ? 0 : -1;
	}
	if (gomem_parse_size(&size, arg) != GOMEM_OK)
		return -1;
	*limit = (double)size;
	return 0;
}

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

/* One option of the table, into the config CTX (cli_parse's callback). */
static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	uint64_t size;
	double secs;

	switch (id) {
	case OPT_SAMPLE: c->diff.sample = arg; break;
	case OPT_BY:
		if (gomem_heapdiff_by_parse(&c->diff.by, arg))
			return usage_error("--by: '%s' is not function, line, file, package or stack", arg);
		break;
	case OPT_CUM: c->diff.cum = 1; break;
	case OPT_WASTE: c->waste = 1; break;
	case OPT_TOP: {
		char *end;
		long long n = strtoll(arg, &end, 10);

		if (*arg == '\0' || *end != '\0' || n < 0)
			return usage_error("--top: '%s' is not a count", arg);
		c->diff.top = (size_t)n;
		c->top_set = 1;
		break;
	}
	case OPT_SORT:
		if (gomem_heapdiff_sort_parse(&c->diff.sort, arg))
			return usage_error("--sort: '%s' is not delta, abs, percent or size", arg);
		break;
	case OPT_FOCUS: c->diff.focus = arg; break;
	case OPT_IGNORE: c->diff.ignore = arg; break;
	case OPT_MIN_DELTA:
		if (gomem_parse_size(&size, arg))
			return usage_error("--min-delta: '%s' is not a size", arg);
		c->diff.min_delta = size;
		break;
	case OPT_NORMALIZE: c->diff.normalize = 1; break;
	case OPT_FORMAT:
		if (!format_known(arg))
			return usage_error("--format: '%s' is not table, csv, tsv, json, ndjson, "
					   "folded, folded-diff or pprof", arg);
		c->format_name = arg;
		break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	case OPT_FAIL_ABOVE:
		if (parse_limit(arg, &c->limit, &c->limit_is_percent) != 0)
			return usage_error("--fail-above: '%s' is not a size, a count or a percent", arg);
		c->fail_above = arg;
		break;
	case OPT_INTERVAL:
		if (gomem_parse_duration(&secs, arg) || secs <= 0 || secs > 86400)
			return usage_error("--interval: '%s' is not a duration up to 24h", arg);
		c->interval = secs;
		break;
	case OPT_BINARY: c->binary = arg; break;
	default: {
		int st = cli_input_option(&tool, &c->source, c->headers, id, arg);

		return st == CLI_NOT_INPUT_OPTION ? EXIT_TROUBLE : st;
	}
	}
	return EXIT_OK;
}

static int parse_args(struct config *c, int argc, char **argv)
{
	int rc = cli_parse(&tool, argc, argv, parse_option, c);

	if (rc != EXIT_OK)
		return rc;
	c->source.headers = c->headers;
	if (argc - optind == 2) {
		c->base = argv[optind];
		c->newp = argv[optind + 1];
	} else if (argc - optind == 1 && c->interval > 0) {
		c->base = c->newp = argv[optind];
	} else if (argc - optind == 1) {
		return usage_error("%s", "needs BASE and NEW (or one URL with --interval)");
	} else {
		return usage_error("%s", argc == optind ? "needs BASE and NEW profiles"
							 : "too many operands: needs BASE and NEW");
	}
	if (c->interval > 0 && (c->base != c->newp || !gomem_url_is_http(c->base)))
		return usage_error("%s", "--interval takes a single http(s) URL");
	return EXIT_OK;
}

static int load(gomem_profile **out, const char *spec, const struct config *c)
{
	gomem_source_options so = c->source;
	gomem_source *src = NULL;
	gomem_error err = {0};
	char *url = NULL;
	int rc;

	if (gomem_url_is_http(spec) && gomem_heap_url(&url, spec) != GOMEM_OK) {
		cli_errorf("%s: not an http(s) URL with a host", spec);
		return EXIT_TROUBLE;
	}
	rc = gomem_source_open(&src, url ? url : spec, &so, &err);
	if (rc == GOMEM_OK)
		rc = gomem_profile_read(out, src, &err);
	if (rc == GOMEM_OK && c->binary)
		rc = gomem_symbolize_profile_with_binary(*out, c->binary, &err);
	gomem_source_free(src);
	gomem_free(url);
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static void sleep_seconds(double secs)
{
	struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static int load_both(gomem_profile **base, gomem_profile **newp, const struct config *c)
{
	if (load(base, c->base, c) != EXIT_OK)
		return EXIT_TROUBLE;
	if (c->interval > 0) {
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "gomem heapdiff: took BASE; taking NEW in %gs\n", c->interval);
		sleep_seconds(c->interval);
	}
	return load(newp, c->newp, c);
}

/* ---- output -------------------------------------------------------------- */

static gomem_column columns[] = {
	{"name", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
	{"delta", NULL, GOMEM_COL_BYTES, GOMEM_COL_SIGNED | GOMEM_COL_COLOR_SIGN},
	{"delta_pct", "delta%", GOMEM_COL_PERCENT, GOMEM_COL_SIGNED},
	{"uncertainty", "±", GOMEM_COL_BYTES, GOMEM_COL_PLUSMINUS},
	{"base", NULL, GOMEM_COL_BYTES, 0},
	{"new", NULL, GOMEM_COL_BYTES, 0},
	{"name", NULL, GOMEM_COL_TEXT, GOMEM_COL_TEXT_ONLY},
};

/* Machine formats lead with the name (name,base,new,delta,...); the text
 * table reads better with the numbers first and the long name last. */
static const gomem_column machine_columns[] = {
	{"name", NULL, GOMEM_COL_TEXT, 0},
	{"base", NULL, GOMEM_COL_BYTES, 0},
	{"new", NULL, GOMEM_COL_BYTES, 0},
	{"delta", NULL, GOMEM_COL_BYTES, 0},
	{"delta_pct", NULL, GOMEM_COL_PERCENT, 0},
	{"uncertainty", NULL, GOMEM_COL_NUMBER, 0},
};

static const char *by_name(gomem_heapdiff_by by)
{
	static const char *const names[] = {"function", "line", "file", "package", "stack"};

	return names[by];
}

static void row_cells(gomem_cell *cells, const gomem_heapdiff_row *r, int text, int show_pm)
{
	memset(cells, 0, 7 * sizeof(*cells));
	if (!text) {
		cells[0].s = r->name;
		cells[1].i = r->base;
		cells[2].i = r->new_;
		cells[3].i = r->delta;
		cells[4].d = r->delta_pct;
		cells[4].null = isnan(r->delta_pct);
		cells[5].d = r->uncertainty;
		return;
	}
	cells[0].s = cells[6].s = r->name;
	cells[1].i = r->delta;
	cells[2].d = r->delta_pct;
	cells[2].null = isnan(r->delta_pct);
	cells[3].i = (int64_t)llround(r->uncertainty);
	cells[3].null = !show_pm;
	cells[4].i = r->base;
	cells[5].i = r->new_;
}

static int print_table(const gomem_heapdiff *d, const struct config *c, gomem_format fmt, FILE *fp)
{
	const gomem_heapdiff_row *tot = gomem_heapdiff_totals(d);
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	int text = fmt == GOMEM_FORMAT_TABLE;
	int show_pm = tot->uncertainty > 0;
	const char *unit, *type = gomem_heapdiff_sample_type(d, &unit);
	gomem_col_type vt = unit && strcmp(unit, "bytes") == 0 ? GOMEM_COL_BYTES : GOMEM_COL_COUNT;
	gomem_column cols[7];
	size_t ncols = text ? 7 : 6;
	gomem_table *t;
	gomem_cell cells[7];
	int rc;

	memcpy(cols, text ? columns : machine_columns, ncols * sizeof(cols[0]));
	for (size_t i = 0; i < ncols; i++)
		if (cols[i].type == GOMEM_COL_BYTES)
			cols[i].type = vt;
	if (text && !show_pm)
		cols[3].flags |= GOMEM_COL_MACHINE_ONLY;
	to.format = fmt;
	to.color = text && cli_use_color(fp, c->no_color);
	to.schema = "gomem.heapdiff/1";
	if ((rc = gomem_table_new(&t, cols, ncols, fp, &to)) != GOMEM_OK)
		return rc;
	if (text)
		gomem_text_printf(fp, "%s by %s (%s): %s -> %s\n", type, by_name(c->diff.by),
			c->diff.cum ? "cum" : "flat", c->base, c->newp);
	gomem_table_meta_string(t, "base", c->base);
	gomem_table_meta_string(t, "new", c->newp);
	gomem_table_meta_string(t, "sample_type", type);
	gomem_table_meta_string(t, "unit", unit ? unit : "");
	gomem_table_meta_string(t, "by", by_name(c->diff.by));
	gomem_table_meta_int(t, "cum", c->diff.cum);
	gomem_table_meta_int(t, "rows_total", (int64_t)gomem_heapdiff_rows_before_trim(d));
	for (size_t i = 0; i < gomem_heapdiff_row_count(d) && rc == GOMEM_OK; i++) {
		row_cells(cells, gomem_heapdiff_row_at(d, i), text, show_pm);
		rc = gomem_table_row(t, cells);
	}
	row_cells(cells, tot, text, show_pm);
	if (rc == GOMEM_OK)
		rc = gomem_table_totals(t, cells);
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	if (rc == GOMEM_OK && text && gomem_heapdiff_row_count(d) < gomem_heapdiff_rows_before_trim(d))
		fprintf(fp, "(%zu of %zu rows; --top 0 shows all)\n", gomem_heapdiff_row_count(d),
			gomem_heapdiff_rows_before_trim(d));
	return rc;
}

static int print_diff(const gomem_heapdiff *d, const struct config *c, FILE *fp)
{
	const char *f = c->format_name ? c->format_name : "table";
	gomem_error err = {0};
	gomem_format fmt;
	int rc;

	if (strcmp(f, "folded") == 0 || strcmp(f, "folded-diff") == 0)
		rc = gomem_heapdiff_write_folded(d, fp, strcmp(f, "folded-diff") == 0, &err);
	else if (strcmp(f, "pprof") == 0 && isatty(fileno(fp)))
		return usage_error("%s", "--format=pprof is binary: not writing it to a terminal (use -o FILE)");
	else if (strcmp(f, "pprof") == 0)
		rc = gomem_heapdiff_write_pprof(d, fp, &err);
	else if (gomem_format_parse(&fmt, f) == GOMEM_OK)
		return print_table(d, c, fmt, fp) == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
	else
		return EXIT_TROUBLE; /* parse_option checked the name */
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* ---- --waste ------------------------------------------------------------- */

static const gomem_column waste_columns[] = {
	{"name", "part", GOMEM_COL_TEXT, 0},
	{"base", NULL, GOMEM_COL_BYTES, 0},
	{"new", NULL, GOMEM_COL_BYTES, 0},
	{"delta", NULL, GOMEM_COL_BYTES, GOMEM_COL_SIGNED | GOMEM_COL_COLOR_SIGN},
	{"delta_pct", "delta%", GOMEM_COL_PERCENT, GOMEM_COL_SIGNED},
};

/* The waste of BASE and NEW side by side (gomem heap explain's breakdown);
 * a part one of them cannot tell (no MemStats in a .pb.gz) is null. */
static int print_waste(const gomem_profile *base, const gomem_profile *newp, const struct config *c,
		       gomem_format fmt, FILE *fp)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_heapexplain *xb = NULL, *xn = NULL;
	gomem_error err = {0};
	gomem_table *t = NULL;
	gomem_cell cells[5];
	int text = fmt == GOMEM_FORMAT_TABLE, rc;

	if (gomem_heapexplain_new(&xb, base, NULL, &err) != GOMEM_OK ||
	    gomem_heapexplain_new(&xn, newp, NULL, &err) != GOMEM_OK) {
		cli_errorf("--waste: %s", err.message);
		gomem_heapexplain_free(xb);
		return EXIT_TROUBLE;
	}
	to.format = fmt;
	to.color = text && cli_use_color(fp, c->no_color);
	to.schema = "gomem.heapdiff/1";
	if (text)
		gomem_text_printf(fp, "\nWaste: %s -> %s\n(size classes of %s, objects taken as pointer-free; "
			    "see gomem-heap(1))\n", c->base, c->newp, gomem_heapexplain_release(xn));
	rc = gomem_table_new(&t, waste_columns, 5, fp, &to);
	gomem_table_meta_string(t, "base", c->base);
	gomem_table_meta_string(t, "new", c->newp);
	gomem_table_meta_string(t, "table", "waste");
	for (int i = 0; i < GOMEM_HEAPEXPLAIN_PART_COUNT && rc == GOMEM_OK; i++) {
		const gomem_heapexplain_row *b = gomem_heapexplain_row_at(xb, (gomem_heapexplain_part)i);
		const gomem_heapexplain_row *n = gomem_heapexplain_row_at(xn, (gomem_heapexplain_part)i);

		memset(cells, 0, sizeof(cells));
		cells[0].s = text ? b->title : b->name;
		cells[1].i = b->bytes;
		cells[1].null = !b->known;
		cells[2].i = n->bytes;
		cells[2].null = !n->known;
		cells[3].i = n->bytes - b->bytes;
		cells[3].null = !b->known || !n->known;
		cells[4].d = b->bytes ? 100.0 * (double)(n->bytes - b->bytes) / fabs((double)b->bytes) : NAN;
		cells[4].null = cells[3].null || isnan(cells[4].d);
		/* the heap: under the rule in the text table; a row elsewhere,
		 * since CSV, TSV and NDJSON have no totals */
		if (i == GOMEM_HEAPEXPLAIN_HEAP && text)
			rc = gomem_table_totals(t, cells);
		else
			rc = gomem_table_row(t, cells);
	}
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	gomem_heapexplain_free(xb);
	gomem_heapexplain_free(xn);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* Where --waste goes: after the diff in the text table; instead of its rows
 * in the machine formats (one table per output); nowhere else. */
static int print_with_waste(const gomem_heapdiff *d, const gomem_profile *base, const gomem_profile *newp,
			    const struct config *c, FILE *fp)
{
	gomem_format fmt;
	int status;

	if (!c->waste)
		return print_diff(d, c, fp);
	if (gomem_format_parse(&fmt, c->format_name ? c->format_name : "table") != GOMEM_OK)
		return usage_error("%s", "--waste goes with --format table, csv, tsv, json or ndjson");
	if (fmt != GOMEM_FORMAT_TABLE)
		return print_waste(base, newp, c, fmt, fp);
	status = print_diff(d, c, fp);
	return status == EXIT_OK ? print_waste(base, newp, c, fmt, fp) : status;
}

/* ---- the gate ------------------------------------------------------------ */

/* Trips only when the growth clears the limit by more than its sampling
 * uncertainty: at the default MemProfileRate one leak reads anywhere from
 * a third to all of its true size, and CI must not flap on that. */
static int gate_tripped(const gomem_heapdiff *d, const struct config *c)
{
	const gomem_heapdiff_row *tot = gomem_heapdiff_totals(d);
	double limit = c->limit_is_percent ? c->limit / 100.0 * fabs((double)tot->base) : c->limit;
	const char *unit;
	char a[32], b[32], u[32];

	if ((double)tot->delta - tot->uncertainty <= limit)
		return 0;
	gomem_heapdiff_sample_type(d, &unit);
	if (unit && strcmp(unit, "bytes") == 0) {
		gomem_format_bytes(a, sizeof(a), tot->delta, 1);
		gomem_format_bytes(b, sizeof(b), (int64_t)limit, 0);
		gomem_format_bytes(u, sizeof(u), (int64_t)llround(tot->uncertainty), 0);
	} else {
		snprintf(a, sizeof(a), "%+lld", (long long)tot->delta);
		snprintf(b, sizeof(b), "%.0f", limit);
		snprintf(u, sizeof(u), "%lld", (long long)llround(tot->uncertainty));
	}
	if (c->limit_is_percent)
		cli_errorf("total grew by %s (±%s), above --fail-above %s (%s)", a, u, c->fail_above, b);
	else
		cli_errorf("total grew by %s (±%s), above --fail-above %s", a, u, c->fail_above);
	return 1;
}

int main(int argc, char **argv)
{
	struct config c;
	gomem_heapdiff_options defaults = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_source_options sdefaults = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_profile *base = NULL, *newp = NULL;
	gomem_heapdiff *d = NULL;
	gomem_error err = {0};
	int status, tripped = 0;
	FILE *fp;

	cli_set_name("gomem heapdiff");
	memset(&c, 0, sizeof(c));
	c.diff = defaults;
	c.source = sdefaults;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	if (!c.top_set && (c.format_name == NULL || strcmp(c.format_name, "table") == 0))
		c.diff.top = 20;
	status = load_both(&base, &newp, &c);
	if (status == EXIT_OK && gomem_heapdiff_compute(&d, base, newp, &c.diff, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		status = EXIT_TROUBLE;
	}
	if (status == EXIT_OK && c.fail_above)
		tripped = gate_tripped(d, &c);
	if (status == EXIT_OK) {
		fp = cli_open_output(c.output);
		status = print_with_waste(d, base, newp, &c, fp);
		if (cli_close_output(fp, c.output) != 0)
			status = EXIT_TROUBLE;
	}
	gomem_heapdiff_free(d);
	gomem_profile_free(base);
	gomem_profile_free(newp);
	if (status == EXIT_OK && tripped)
		status = EXIT_GATE;
	return status;
}
