/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-sched — GODEBUG=schedtrace=N[,scheddetail=1] output into numbers: a
 * summary per run (runnable backlog, busy Ps, imbalance, spinning and idle
 * threads, thread growth, goroutines), every snapshot as a row, or the
 * waiting goroutines by reason over time. Parsing and statistics are
 * libgomem's; this file reads, loops and prints. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum { OPT_EVENTS = OPT_TOOL_BASE, OPT_WAITS };

static const cli_option options[] = {
	{"events", 0, NULL, OPT_EVENTS, "one row per snapshot instead of a summary per run"},
	{"waits", 0, NULL, OPT_WAITS, "one row per snapshot and wait reason: the waiting\n"
				      "goroutines over time (scheddetail=1)"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse inputs larger than SIZE decompressed\n"
					       "(default: no limit; a log is streamed)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"sched", "[OPTION]... [FILE...]",
	"Read GODEBUG=schedtrace=N output (any Go version, scheddetail=1 blocks too,\n"
	"mixed with gctrace and program output) and print scheduler statistics per\n"
	"run, every snapshot, or the waiting goroutines by reason. FILE may be gzip;\n"
	"'-' or none is standard input.",
	options,
	"Exit status: 0 success, 2 trouble (an input that cannot be read, bad usage).\n"
	"Example: GODEBUG=schedtrace=1000 ./server 2>sched.log; gomem sched sched.log\n"
	"See gomem-sched(1) for the columns.\n"
};

struct config {
	int events, waits, no_color, format_set;
	gomem_format format;
	const char *output;
	gomem_source_options source;
	char **files;
	int nfiles;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	uint64_t size;

	switch (id) {
	case OPT_EVENTS: c->events = 1; break;
	case OPT_WAITS: c->waits = 1; break;
	case OPT_FORMAT:
		if (gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return usage_error("--format: '%s' is not table, csv, tsv, json or ndjson", arg);
		c->format_set = 1;
		break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	case OPT_MAX_INPUT:
		if (gomem_parse_size(&size, arg) != GOMEM_OK || size == 0)
			return usage_error("--max-input: '%s' is not a size", arg);
		c->source.max_input = size;
		break;
	default: return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static int parse_args(struct config *c, int argc, char **argv)
{
	int rc = cli_parse(&tool, argc, argv, parse_option, c);

	if (rc != EXIT_OK)
		return rc;
	c->files = argv + optind;
	c->nfiles = argc - optind;
	if (c->events && c->waits)
		return usage_error("%s", "--events and --waits are two reports: pick one");
	return EXIT_OK;
}

/* ---- output ----------------------------------------------------------------------- */

/* The reader of our output went away (head): nothing more to say. */
static int output_gone;

static int table_failed(gomem_table *t)
{
	const gomem_error *e = gomem_table_error(t);

	if (e && e->code != GOMEM_OK && strstr(e->message, strerror(EPIPE)) != NULL)
		output_gone = 1;
	else if (e && e->code != GOMEM_OK)
		cli_error_detail(e);
	return EXIT_TROUBLE;
}

enum { WC_T, WC_REASON, WC_COUNT, WC_RUNTIME, WC_LINE, WC_FILE, WC_RUN, WC_N };

static const gomem_column wait_columns[WC_N] = {
	{"t_s", "t", GOMEM_COL_DURATION, 0},
	{"reason", NULL, GOMEM_COL_TEXT, 0},
	{"count", NULL, GOMEM_COL_COUNT, 0},
	{"runtime", NULL, GOMEM_COL_COUNT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"file", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
	{"run", NULL, GOMEM_COL_COUNT, GOMEM_COL_MACHINE_ONLY},
};

static int open_table(gomem_table **t, const struct config *c, FILE *fp)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	const gomem_column *cols;
	size_t n;

	to.format = c->format;
	to.color = c->format == GOMEM_FORMAT_TABLE && cli_use_color(fp, c->no_color);
	to.schema = c->events ? "gomem.sched.events/1" : c->waits ? "gomem.sched.waits/1"
								   : "gomem.sched/1";
	if (c->waits) {
		cols = wait_columns;
		n = WC_N;
	} else if (c->events) {
		cols = gomem_sched_event_columns(&n);
	} else {
		cols = gomem_sched_summary_columns(&n);
	}
	return gomem_table_new(t, cols, n, fp, &to);
}

/* ---- one input ------------------------------------------------------------------------ */

/* What every snapshot goes to: a row, or the statistics of its run. */
struct sink {
	const struct config *c;
	gomem_table *table;
	gomem_sched_counts counts;
	int any_run;
};

struct input {
	const char *name;
	gomem_sched_parser *parser;
	gomem_schedstats *stats;
	int have_run;
	uint64_t run;
};

static int summary_row(struct sink *k, struct input *in)
{
	gomem_schedstats_summary s;
	gomem_cell cells[GOMEM_SCHED_SUMMARY_COLUMNS];

	if (!in->have_run)
		return GOMEM_OK;
	if (gomem_schedstats_get(in->stats, &s) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	gomem_sched_summary_cells(cells, &s, in->name);
	k->any_run = 1;
	return gomem_table_row(k->table, cells);
}

static int wait_rows(struct sink *k, const gomem_sched_snapshot *s, const char *name)
{
	gomem_cell c[WC_N];
	int rc = GOMEM_OK;

	memset(c, 0, sizeof(c));
	for (size_t i = 0; i < s->nwaits && rc == GOMEM_OK; i++) {
		c[WC_T].d = s->t;
		c[WC_REASON].s = s->waits[i].reason;
		c[WC_COUNT].i = s->waits[i].count;
		c[WC_RUNTIME].i = s->waits[i].runtime_owned;
		c[WC_LINE].i = (int64_t)s->line;
		c[WC_FILE].s = name;
		c[WC_RUN].i = (int64_t)s->run;
		rc = gomem_table_row(k->table, c);
	}
	return rc;
}

/* A snapshot of a new run closes the last run's summary. */
static int take(struct sink *k, struct input *in, const gomem_sched_snapshot *s)
{
	gomem_cell cells[GOMEM_SCHED_EVENT_COLUMNS];
	int rc;

	if (k->c->events) {
		gomem_sched_event_cells(cells, s, in->name);
		return gomem_table_row(k->table, cells);
	}
	if (k->c->waits)
		return wait_rows(k, s, in->name);
	if (in->have_run && s->run != in->run) {
		if ((rc = summary_row(k, in)) != GOMEM_OK)
			return rc;
		gomem_schedstats_free(in->stats);
		if ((rc = gomem_schedstats_new(&in->stats)) != GOMEM_OK)
			return rc;
	}
	in->have_run = 1;
	in->run = s->run;
	return gomem_schedstats_add(in->stats, s);
}

static int drain(struct sink *k, struct input *in)
{
	const gomem_sched_snapshot *s;
	int rc;

	while ((rc = gomem_sched_next(in->parser, &s)) == 1)
		if ((rc = take(k, in, s)) != GOMEM_OK)
			return rc;
	return rc;
}

static void counts_add(gomem_sched_counts *sum, const gomem_sched_parser *p)
{
	gomem_sched_counts c;

	gomem_sched_get_counts(p, &c);
	sum->lines += c.lines;
	sum->snapshots += c.snapshots;
	sum->detail_lines += c.detail_lines;
	sum->skipped += c.skipped;
	sum->unparsed += c.unparsed;
	sum->reassembled += c.reassembled;
	sum->runs += c.runs;
}

/* What failed: the output, the parser, or the source. */
static int report_failure(struct sink *k, struct input *in, gomem_source *src, int rc)
{
	if (gomem_table_error(k->table)->code != GOMEM_OK)
		return table_failed(k->table);
	if (gomem_source_error(src)->code != GOMEM_OK)
		cli_error_detail(gomem_source_error(src));
	else if (gomem_sched_parser_error(in->parser)->code != GOMEM_OK)
		cli_error_detail(gomem_sched_parser_error(in->parser));
	else
		cli_errorf("%s: %s", in->name, gomem_strerror(rc));
	return EXIT_TROUBLE;
}

static int read_input(struct sink *k, const char *spec)
{
	struct input in = {strcmp(spec, "-") == 0 ? "<stdin>" : spec, NULL, NULL, 0, 0};
	gomem_source *src = NULL;
	gomem_error err = {0};
	const uint8_t *data;
	size_t len;
	int rc, status = EXIT_OK;

	if (gomem_source_open(&src, spec, &k->c->source, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	rc = gomem_sched_parser_new(&in.parser, in.name);
	if (rc == GOMEM_OK)
		rc = gomem_schedstats_new(&in.stats);
	while (rc == GOMEM_OK && (rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		if ((rc = gomem_sched_feed(in.parser, data, len)) == GOMEM_OK)
			rc = drain(k, &in);
	if (rc == GOMEM_OK && (rc = gomem_sched_finish(in.parser)) == GOMEM_OK)
		rc = drain(k, &in);
	if (rc == GOMEM_OK && !k->c->events && !k->c->waits)
		rc = summary_row(k, &in);
	if (rc != GOMEM_OK)
		status = report_failure(k, &in, src, rc);
	if (in.parser)
		counts_add(&k->counts, in.parser);
	gomem_sched_parser_free(in.parser);
	gomem_schedstats_free(in.stats);
	gomem_source_free(src);
	return status;
}

/* The people's format says what was left out; scripts read the JSON members. */
static void counts_note(const struct sink *k)
{
	const gomem_sched_counts *n = &k->counts;

	if (k->c->format != GOMEM_FORMAT_TABLE)
		return;
	if (n->snapshots == 0)
		fprintf(stderr, "gomem sched: no schedtrace lines in %llu lines of input\n",
			(unsigned long long)n->lines);
	if (n->unparsed > 0)
		fprintf(stderr, "gomem sched: %llu line%s looked like schedtrace but could not be read\n",
			(unsigned long long)n->unparsed, n->unparsed == 1 ? "" : "s");
}

static int run_files(const struct config *c, FILE *fp)
{
	static char *stdin_only[] = {"-", NULL};
	char **files = c->nfiles > 0 ? c->files : stdin_only;
	int nfiles = c->nfiles > 0 ? c->nfiles : 1, status = EXIT_OK;
	struct sink k;

	memset(&k, 0, sizeof(k));
	k.c = c;
	if (open_table(&k.table, c, fp) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	for (int i = 0; i < nfiles; i++) {
		if (read_input(&k, files[i]) != EXIT_OK) {
			status = EXIT_TROUBLE;
			if (gomem_table_error(k.table)->code != GOMEM_OK)
				break;
		}
	}
	if (gomem_table_error(k.table)->code == GOMEM_OK && gomem_table_end(k.table) != GOMEM_OK)
		status = table_failed(k.table);
	if (status == EXIT_OK)
		counts_note(&k);
	gomem_table_free(k.table);
	return status;
}

int main(int argc, char **argv)
{
	gomem_source_options sdefaults = GOMEM_SOURCE_OPTIONS_INIT;
	struct config c;
	int status;
	FILE *fp;

	cli_set_name("gomem sched");
	memset(&c, 0, sizeof(c));
	c.source = sdefaults;
	c.source.max_input = UINT64_MAX; /* a log is streamed in constant memory */
	c.format = GOMEM_FORMAT_TABLE;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	fp = cli_open_output(c.output);
	status = run_files(&c, fp);
	if (output_gone)
		return EXIT_TROUBLE;
	if (cli_close_output(fp, c.output) != 0)
		status = EXIT_TROUBLE;
	return status;
}
