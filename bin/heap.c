/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-heap — questions about one heap. Subcommand explain: where the
 * heap's bytes go beyond what the profile shows (requested, size-class
 * round-up, span tails, partly empty spans, free and released pages).
 * Parses options, reads the profile (and MemStats), asks libgomem for the
 * breakdown and prints it; nothing is computed here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum {
	OPT_MEMSTATS = OPT_TOOL_BASE, OPT_GO, OPT_SCAN, OPT_TOP
};

static const cli_option options[] = {
	{"memstats", 0, "FILE", OPT_MEMSTATS, "take MemStats from FILE, a legacy (debug=1) profile or a\n"
					      "URL (for a .pb.gz PROFILE, which has none)"},
	{"go", 0, "VERSION", OPT_GO, "size classes of Go VERSION, or of the release that built a\n"
					  "Go binary (default: the newest known)"},
	{"scan", 0, NULL, OPT_SCAN, "assume objects hold pointers (Go 1.22+ malloc headers);\n"
				    "by default they are taken as pointer-free"},
	{"top", 0, "N", OPT_TOP, "sites by round-up shown (default 10); 0 shows all"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse inputs larger than SIZE decompressed (default 1GiB)"},
	CLI_OPTION_HEADER,
	CLI_OPTION_TIMEOUT,
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"heap", "explain [OPTION]... PROFILE",
	"Explain a Go heap: where its bytes go beyond what the heap profile shows.\n"
	"PROFILE: a legacy text (debug=1) profile, which carries MemStats, a .pb.gz\n"
	"(with --memstats for the rest of the heap), '-' for standard input, or the\n"
	"http(s) URL of a live /debug/pprof/heap (debug=1 and gc=1 are added).",
	options,
	"Exit status: 0 success, 2 trouble (bad input, bad usage).\n"
	"Example: gomem heap explain http://localhost:6060/debug/pprof/heap\n"
	"See gomem-heap(1) for the model, its assumptions and the columns.\n"
};

#define DEFAULT_TOP 10

struct config {
	gomem_heapexplain_options explain;
	gomem_format format;
	const char *output;
	int no_color;
	long top;
	const char *memstats;
	gomem_source_options source;
	const char *headers[CLI_MAX_HEADERS];
	const char *profile;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;

	switch (id) {
	case OPT_MEMSTATS: c->memstats = arg; break;
	case OPT_GO: {
		int st = cli_go_option(&tool, arg, &c->explain.go_minor);

		if (st != EXIT_OK)
			return st;
		if (!gomem_sizeclass_for(c->explain.go_minor))
			return usage_error("--go: '%s' is not a Go release from 1.19 on", arg);
		break;
	}
	case OPT_SCAN: c->explain.scan = 1; break;
	case OPT_TOP: {
		char *end;
		long n = strtol(arg, &end, 10);

		if (*arg == '\0' || *end != '\0' || n < 0)
			return usage_error("--top: '%s' is not a count", arg);
		c->top = n;
		break;
	}
	case OPT_FORMAT:
		if (gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return usage_error("--format: '%s' is not table, csv, tsv, json or ndjson", arg);
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

/* "gomem heap explain ARGS": the subcommand comes first; --help and
 * --version also work without it. */
static int parse_args(struct config *c, int argc, char **argv)
{
	int rc;

	if (argc > 1 && strcmp(argv[1], "explain") == 0) {
		argv[1] = argv[0];
		argc--;
		argv++;
	} else if (argc > 1 && argv[1][0] != '-') {
		return usage_error("unknown subcommand '%s' (there is: explain)", argv[1]);
	} else {
		/* answers --help and --version; anything else lacks the subcommand */
		if ((rc = cli_parse(&tool, argc, argv, parse_option, c)) != EXIT_OK)
			return rc;
		return usage_error("%s", "needs a subcommand: explain");
	}
	if ((rc = cli_parse(&tool, argc, argv, parse_option, c)) != EXIT_OK)
		return rc;
	c->source.headers = c->headers;
	if (argc - optind != 1)
		return usage_error("%s", argc == optind ? "explain needs a PROFILE"
							: "too many operands: explain takes one PROFILE");
	c->profile = argv[optind];
	return EXIT_OK;
}

static int load(gomem_profile **out, const char *spec, const struct config *c)
{
	gomem_source *src = NULL;
	gomem_error err = {0};
	char *url = NULL;
	int rc;

	if (gomem_url_is_http(spec) && gomem_heapexplain_url(&url, spec) != GOMEM_OK) {
		cli_errorf("%s: not an http(s) URL with a host", spec);
		return EXIT_TROUBLE;
	}
	rc = gomem_source_open(&src, url ? url : spec, &c->source, &err);
	if (rc == GOMEM_OK)
		rc = gomem_profile_read(out, src, &err);
	gomem_source_free(src);
	gomem_free(url);
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* ---- output -------------------------------------------------------------- */

/* One table for the machine formats: the breakdown rows (section "heap")
 * then the sites (section "site"); the text table shows them apart. */
static const gomem_column machine_columns[] = {
	{"section", NULL, GOMEM_COL_TEXT, 0},
	{"name", NULL, GOMEM_COL_TEXT, 0},
	{"bytes", NULL, GOMEM_COL_BYTES, 0},
	{"low", NULL, GOMEM_COL_BYTES, 0},
	{"high", NULL, GOMEM_COL_BYTES, 0},
	{"heap_pct", NULL, GOMEM_COL_PERCENT, 0},
	{"objects", NULL, GOMEM_COL_COUNT, 0},
	{"recorded_size", NULL, GOMEM_COL_BYTES, 0},
	{"charged_size", NULL, GOMEM_COL_BYTES, 0},
	{"size_class", NULL, GOMEM_COL_COUNT, 0},
	{"charged", NULL, GOMEM_COL_BYTES, 0},
	{"requested", NULL, GOMEM_COL_BYTES, 0},
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"note", NULL, GOMEM_COL_TEXT, 0},
};
#define NMACHINE 15

static const gomem_column part_columns[] = {
	{"part", NULL, GOMEM_COL_TEXT, 0},
	{"bytes", NULL, GOMEM_COL_BYTES, 0},
	{"heap%", NULL, GOMEM_COL_PERCENT, 0},
	{"low", NULL, GOMEM_COL_BYTES, 0},
	{"high", NULL, GOMEM_COL_BYTES, 0},
};

static const gomem_column site_columns[] = {
	{"round-up", NULL, GOMEM_COL_BYTES, 0},
	{"low", NULL, GOMEM_COL_BYTES, 0},
	{"high", NULL, GOMEM_COL_BYTES, 0},
	{"objects", NULL, GOMEM_COL_COUNT, 0},
	{"size", NULL, GOMEM_COL_COUNT, 0},
	{"charged", NULL, GOMEM_COL_BYTES, 0},
	{"class", NULL, GOMEM_COL_COUNT, 0},
	{"site", NULL, GOMEM_COL_TEXT, 0},
};

static const gomem_heapexplain_part shown_parts[] = {
	GOMEM_HEAPEXPLAIN_PROFILED, GOMEM_HEAPEXPLAIN_REQUESTED, GOMEM_HEAPEXPLAIN_ROUNDUP,
	GOMEM_HEAPEXPLAIN_UNPROFILED, GOMEM_HEAPEXPLAIN_SPAN_TAILS, GOMEM_HEAPEXPLAIN_PARTLY_EMPTY,
	GOMEM_HEAPEXPLAIN_FREE, GOMEM_HEAPEXPLAIN_RELEASED,
};
#define NSHOWN (sizeof(shown_parts) / sizeof(shown_parts[0]))

static size_t sites_shown(const gomem_heapexplain *x, const struct config *c)
{
	size_t n = gomem_heapexplain_site_count(x);

	return c->top > 0 && (size_t)c->top < n ? (size_t)c->top : n;
}

static void part_machine_cells(gomem_cell *cells, const gomem_heapexplain_row *r)
{
	memset(cells, 0, NMACHINE * sizeof(*cells));
	for (size_t i = 6; i < 14; i++)
		cells[i].null = 1;
	cells[0].s = "heap";
	cells[1].s = r->name;
	cells[2].i = r->bytes;
	cells[3].i = r->low;
	cells[4].i = r->high;
	cells[2].null = cells[3].null = cells[4].null = !r->known;
	cells[5].d = r->heap_pct;
	cells[5].null = isnan(r->heap_pct);
	cells[14].s = r->note;
}

static void site_machine_cells(gomem_cell *cells, const gomem_heapexplain_site *s, double heap)
{
	memset(cells, 0, NMACHINE * sizeof(*cells));
	cells[0].s = "site";
	cells[1].s = s->function;
	cells[2].i = s->roundup;
	cells[3].i = s->roundup_low;
	cells[4].i = s->roundup_high;
	cells[5].d = heap > 0 ? 100.0 * (double)s->roundup / heap : NAN;
	cells[5].null = !(heap > 0);
	cells[6].i = s->objects;
	cells[7].i = (int64_t)s->recorded_size;
	cells[8].i = (int64_t)s->charged_size;
	cells[9].i = s->size_class;
	cells[10].i = s->charged;
	cells[11].i = s->requested;
	cells[12].s = s->file;
	cells[13].i = s->line;
	cells[14].s = s->recorded_charged ? "size recorded as charged" : "size recorded as requested";
}

static void machine_meta(gomem_table *t, const gomem_heapexplain *x, const gomem_memstats *ms,
			 const struct config *c)
{
	gomem_table_meta_string(t, "profile", c->profile);
	gomem_table_meta_string(t, "memstats_from", ms ? (c->memstats ? c->memstats : c->profile) : NULL);
	gomem_table_meta_string(t, "size_classes", gomem_heapexplain_release(x));
	gomem_table_meta_int(t, "scan", c->explain.scan);
	gomem_table_meta_int(t, "sample_period", gomem_heapexplain_sample_period(x));
	gomem_table_meta_int(t, "sites_total", (int64_t)gomem_heapexplain_site_count(x));
	if (ms) {
		gomem_table_meta_int(t, "heap_alloc", (int64_t)ms->heap_alloc);
		gomem_table_meta_int(t, "heap_inuse", (int64_t)ms->heap_inuse);
		gomem_table_meta_int(t, "heap_idle", (int64_t)ms->heap_idle);
		gomem_table_meta_int(t, "heap_released", (int64_t)ms->heap_released);
		gomem_table_meta_int(t, "heap_sys", (int64_t)ms->heap_sys);
		gomem_table_meta_int(t, "heap_objects", (int64_t)ms->heap_objects);
	}
}

static int print_machine(const gomem_heapexplain *x, const gomem_memstats *ms,
			 const struct config *c, FILE *fp)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	const gomem_heapexplain_row *heap = gomem_heapexplain_row_at(x, GOMEM_HEAPEXPLAIN_HEAP);
	gomem_cell cells[NMACHINE];
	gomem_table *t;
	int rc;

	to.format = c->format;
	to.schema = "gomem.heapexplain/1";
	if ((rc = gomem_table_new(&t, machine_columns, NMACHINE, fp, &to)) != GOMEM_OK)
		return rc;
	machine_meta(t, x, ms, c);
	/* the heap is a row, not totals: CSV, TSV and NDJSON have no totals */
	for (size_t i = 0; i < NSHOWN && rc == GOMEM_OK; i++) {
		part_machine_cells(cells, gomem_heapexplain_row_at(x, shown_parts[i]));
		rc = gomem_table_row(t, cells);
	}
	part_machine_cells(cells, heap);
	if (rc == GOMEM_OK)
		rc = gomem_table_row(t, cells);
	for (size_t i = 0; i < sites_shown(x, c) && rc == GOMEM_OK; i++) {
		site_machine_cells(cells, gomem_heapexplain_site_at(x, i), heap->known ? (double)heap->bytes : 0);
		rc = gomem_table_row(t, cells);
	}
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	return rc;
}

static void part_text_cells(gomem_cell *cells, const gomem_heapexplain_row *r)
{
	int exact = r->low == r->high;

	memset(cells, 0, 5 * sizeof(*cells));
	cells[0].s = r->title;
	cells[1].i = r->bytes;
	cells[1].null = !r->known;
	cells[2].d = r->heap_pct;
	cells[2].null = isnan(r->heap_pct);
	cells[3].i = r->low;
	cells[4].i = r->high;
	cells[3].null = cells[4].null = !r->known || exact;
}

static int print_parts(const gomem_heapexplain *x, const struct config *c, FILE *fp)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_cell cells[5];
	gomem_table *t;
	int rc;

	to.color = cli_use_color(fp, c->no_color);
	if ((rc = gomem_table_new(&t, part_columns, 5, fp, &to)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < NSHOWN && rc == GOMEM_OK; i++) {
		part_text_cells(cells, gomem_heapexplain_row_at(x, shown_parts[i]));
		rc = gomem_table_row(t, cells);
	}
	part_text_cells(cells, gomem_heapexplain_row_at(x, GOMEM_HEAPEXPLAIN_HEAP));
	if (rc == GOMEM_OK)
		rc = gomem_table_totals(t, cells);
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	return rc;
}

static int print_sites(const gomem_heapexplain *x, const struct config *c, FILE *fp)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	size_t n = sites_shown(x, c), total = gomem_heapexplain_site_count(x);
	char where[4096];
	gomem_cell cells[8];
	gomem_table *t;
	int rc;

	fputs("\nTop sites by size-class round-up\n", fp);
	if (total == 0) {
		fputs("  (none: nothing in use in the profile)\n", fp);
		return GOMEM_OK;
	}
	to.color = cli_use_color(fp, c->no_color);
	if ((rc = gomem_table_new(&t, site_columns, 8, fp, &to)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		const gomem_heapexplain_site *s = gomem_heapexplain_site_at(x, i);
		const char *file = strrchr(s->file, '/');

		memset(cells, 0, sizeof(cells));
		cells[0].i = s->roundup;
		cells[1].i = s->roundup_low;
		cells[2].i = s->roundup_high;
		cells[1].null = cells[2].null = s->roundup_low == s->roundup_high;
		cells[3].i = s->objects;
		cells[4].i = (int64_t)s->recorded_size;
		cells[5].i = s->charged;
		cells[6].i = s->size_class;
		cells[6].null = s->size_class == 0;
		snprintf(where, sizeof(where), "%s %s:%lld", *s->function ? s->function : "?",
			 file ? file + 1 : s->file, (long long)s->line);
		cells[7].s = where;
		rc = gomem_table_row(t, cells);
	}
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	if (rc == GOMEM_OK && n < total)
		fprintf(fp, "(%zu of %zu sites; --top 0 shows all)\n", n, total);
	return rc;
}

static void print_heading(const gomem_heapexplain *x, const struct config *c, FILE *fp)
{
	int64_t period = gomem_heapexplain_sample_period(x);

	gomem_text_printf(fp, "Heap of %s\n", strcmp(c->profile, "-") == 0 ? "standard input" : c->profile);
	fprintf(fp, "Size classes of %s; objects taken as %s.\n", gomem_heapexplain_release(x),
		c->explain.scan ? "pointerful (--scan)" : "pointer-free (--scan: pointerful)");
	if (period > 1)
		fprintf(fp, "The profile samples one allocation per %lld bytes: its numbers are estimates.\n",
			(long long)period);
	else
		fputs("The profile records every allocation (MemProfileRate=1): its numbers are exact.\n", fp);
	fputc('\n', fp);
}

/* What the reader needs to trust the rows: the profile is as of the last
 * GC, MemStats are now, and which rows are ranges. */
static void print_footer(const gomem_heapexplain *x, FILE *fp)
{
	const gomem_heapexplain_row *un = gomem_heapexplain_row_at(x, GOMEM_HEAPEXPLAIN_UNPROFILED);
	const gomem_heapexplain_row *pe = gomem_heapexplain_row_at(x, GOMEM_HEAPEXPLAIN_PARTLY_EMPTY);

	fputs("\nThe runtime records each object at the size it charges: requested bytes are a\n"
	      "range (low..high), every request that rounds to the recorded size.\n", fp);
	if (!gomem_heapexplain_has_memstats(x)) {
		fputs("The profile has no MemStats: the rest of the heap needs a debug=1 profile,\n"
		      "a URL or --memstats FILE.\n", fp);
		return;
	}
	fputs("'not in the profile' is HeapAlloc (now) minus the profile (as of the last GC):\n"
	      "what was allocated since, and the sampling error.\n", fp);
	if (un->bytes < 0)
		fputs("It is negative: more was freed since the last GC than allocated, or the\n"
		      "profile's estimate is high.\n", fp);
	if (pe->bytes < 0)
		fputs("'partly empty spans' is negative: the profile holds objects MemStats no longer\n"
		      "count, so the span tails estimated from it are too large.\n", fp);
}

static int print_text(const gomem_heapexplain *x, const struct config *c, FILE *fp)
{
	int rc;

	print_heading(x, c, fp);
	if ((rc = print_parts(x, c, fp)) != GOMEM_OK)
		return rc;
	print_footer(x, fp);
	return print_sites(x, c, fp);
}

/* ---- main ---------------------------------------------------------------- */

/* --memstats FILE: a legacy profile whose trailer is the MemStats to use. */
static int load_memstats(gomem_profile **out, const struct config *c)
{
	if (load(out, c->memstats, c) != EXIT_OK)
		return EXIT_TROUBLE;
	if (!gomem_profile_memstats(*out)) {
		cli_errorf("%s: no MemStats in it (a debug=1 heap profile ends with them)", c->memstats);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct config c;
	gomem_heapexplain_options edefaults = GOMEM_HEAPEXPLAIN_OPTIONS_INIT;
	gomem_source_options sdefaults = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_profile *p = NULL, *msp = NULL;
	gomem_heapexplain *x = NULL;
	const gomem_memstats *ms = NULL;
	gomem_error err = {0};
	int status, rc;
	FILE *fp;

	cli_set_name("gomem heap");
	memset(&c, 0, sizeof(c));
	c.explain = edefaults;
	c.source = sdefaults;
	c.top = DEFAULT_TOP;
	c.format = GOMEM_FORMAT_TABLE;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	cli_set_name("gomem heap explain");
	status = load(&p, c.profile, &c);
	if (status == EXIT_OK && c.memstats)
		status = load_memstats(&msp, &c);
	if (status == EXIT_OK) {
		ms = msp ? gomem_profile_memstats(msp) : gomem_profile_memstats(p);
		c.explain.memstats = ms;
		if (gomem_heapexplain_new(&x, p, &c.explain, &err) != GOMEM_OK) {
			if (!err.source[0])
				snprintf(err.source, sizeof(err.source), "%s", c.profile);
			cli_error_detail(&err);
			status = EXIT_TROUBLE;
		}
	}
	if (status == EXIT_OK) {
		fp = cli_open_output(c.output);
		rc = c.format == GOMEM_FORMAT_TABLE ? print_text(x, &c, fp) : print_machine(x, ms, &c, fp);
		if (rc != GOMEM_OK)
			status = EXIT_TROUBLE;
		if (cli_close_output(fp, c.output) != 0)
			status = EXIT_TROUBLE;
	}
	gomem_heapexplain_free(x);
	gomem_profile_free(msp);
	gomem_profile_free(p);
	return status;
}
