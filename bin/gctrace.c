/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-gctrace — GODEBUG=gctrace=1 logs into numbers: a summary per run,
 * every event as CSV/JSON, OpenMetrics for a fleet's monitoring, a log
 * followed like tail -F, or a child process run with gctrace on. The
 * parsing and the statistics are libgomem's; this file reads, loops and
 * prints. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum {
	OPT_EVENTS = OPT_TOOL_BASE, OPT_SCAV, OPT_FOLLOW, OPT_FROM_END, OPT_EVERY, OPT_WINDOW,
	OPT_OPENMETRICS, OPT_PROMETHEUS, OPT_WHATIF, OPT_GO
};

static const cli_option options[] = {
	{"events", 0, NULL, OPT_EVENTS, "one row per GC (every field, base units, source line)\n"
					"instead of a summary per run"},
	{"scav", 0, NULL, OPT_SCAV, "with --events: scavenger lines too (a kind column)"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"openmetrics", 0, NULL, OPT_OPENMETRICS, "the summary as OpenMetrics text (a scrape that\n"
						  "negotiates OpenMetrics)"},
	{"prometheus", 0, NULL, OPT_PROMETHEUS, "the summary in the Prometheus text format\n"
						"(node_exporter's textfile collector, Pushgateway)"},
	{"follow", 'f', NULL, OPT_FOLLOW, "follow the files like tail -F: stream events as NDJSON\n"
					  "(or CSV/TSV), or a summary --every DURATION"},
	{"from-end", 0, NULL, OPT_FROM_END, "with --follow: only what is written from now on"},
	{"every", 0, "DURATION", OPT_EVERY, "with --follow: print the summary every DURATION"},
	{"window", 0, "DURATION", OPT_WINDOW, "with --follow: summarise the last DURATION of each run\n"
					      "(default 10m)"},
	{"whatif", 0, "SETTINGS", OPT_WHATIF, "predict GC count, peak heap and GC CPU under other\n"
					      "settings: 'GOGC=50;GOGC=200;GOMEMLIMIT=1GiB' (one FILE)"},
	{"go", 0, "VERSION", OPT_GO, "with --whatif: the pacer of Go VERSION (1.19 ..., or a Go\n"
				     "binary built with it;\n"
				     "default 1.21, the memory-limit headroom changed there)"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output (standard\n"
					    "error with -- COMMAND)"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse inputs larger than SIZE decompressed\n"
					       "(default: no limit; a log is streamed)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"gctrace", "[OPTION]... [FILE...]\n       gomem gctrace [OPTION]... -- COMMAND [ARG...]",
	"Read GODEBUG=gctrace=1 output (any Go version, scavenger lines too) and print\n"
	"GC statistics per run, every event, or metrics for Prometheus. FILE may be\n"
	"gzip; '-' or none is standard input. With -- COMMAND, runs COMMAND with\n"
	"gctrace=1 added to its GODEBUG, passes its output through and reports on\n"
	"standard error at exit.",
	options,
	"Exit status: 0 success, 2 trouble (an input that cannot be read, bad usage);\n"
	"with -- COMMAND, the command's own status (128+N when killed by signal N).\n"
	"Example: gomem gctrace --events --format csv contrib/examples/gctrace.log\n"
	"See gomem-gctrace(1) for the columns and the metric names.\n"
};

struct config {
	int events, scav, follow, from_end, no_color;
	int openmetrics;           /* --openmetrics or --prometheus: the summary as metrics */
	int format_set;
	gomem_format format;
	double every, window;
	const char *output;
	const char *whatif;
	int go_minor;
	gomem_source_options source;
	char **files;
	int nfiles;
	char **command;
};

/* The reader of our output went away (head): nothing more to say. */
static int output_gone;
/* Which metrics text --openmetrics or --prometheus asked for. */
static gomem_metrics_flavor metrics_flavor = GOMEM_METRICS_OPENMETRICS;

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

/* One option of the table, into the config CTX (cli_parse's callback). */
static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	uint64_t size;

	switch (id) {
	case OPT_EVENTS: c->events = 1; break;
	case OPT_SCAV: c->scav = 1; break;
	case OPT_OPENMETRICS:
	case OPT_PROMETHEUS: {
		gomem_metrics_flavor f = id == OPT_OPENMETRICS ? GOMEM_METRICS_OPENMETRICS
							       : GOMEM_METRICS_PROMETHEUS;

		if (c->openmetrics && f != metrics_flavor)
			return usage_error("%s", "--openmetrics and --prometheus do not mix: one metrics format");
		c->openmetrics = 1;
		metrics_flavor = f;
		break;
	}
	case OPT_FOLLOW: c->follow = 1; break;
	case OPT_FROM_END: c->from_end = 1; break;
	case OPT_FORMAT:
		if (gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return usage_error("--format: '%s' is not table, csv, tsv, json or ndjson", arg);
		c->format_set = 1;
		break;
	case OPT_EVERY:
	case OPT_WINDOW: {
		double secs;

		if (gomem_parse_duration(&secs, arg) != GOMEM_OK || secs <= 0)
			return usage_error(id == OPT_EVERY ? "--every: '%s' is not a duration"
							   : "--window: '%s' is not a duration", arg);
		*(id == OPT_EVERY ? &c->every : &c->window) = secs;
		break;
	}
	case OPT_WHATIF: c->whatif = arg; break;
	case OPT_GO: {
		int st = cli_go_option(&tool, arg, &c->go_minor);

		if (st != EXIT_OK)
			return st;
		if (c->go_minor < 5 || c->go_minor > 99)
			return usage_error("--go: '%s' is not a Go version such as 1.22", arg);
		break;
	}
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

static int check_modes(struct config *c)
{
	int streams = c->format == GOMEM_FORMAT_CSV || c->format == GOMEM_FORMAT_TSV ||
		      c->format == GOMEM_FORMAT_NDJSON;

	if (c->go_minor && !c->whatif)
		return usage_error("%s", "--go goes with --whatif");
	if (c->whatif && (c->events || c->follow || c->openmetrics || c->command || c->nfiles > 1))
		return usage_error("%s", "--whatif reads one FILE: not with --events, --follow, "
					 "--openmetrics, --prometheus or a COMMAND");
	if (c->scav && !c->events)
		return usage_error("%s", "--scav goes with --events");
	if (c->openmetrics && (c->events || c->format_set))
		return usage_error("%s", metrics_flavor == GOMEM_METRICS_PROMETHEUS ?
					 "--prometheus is a format of the summary: not with --events or --format" :
					 "--openmetrics is a format of the summary: not with --events "
					 "or --format");
	if ((c->every > 0 || c->from_end || c->window > 0) && !c->follow)
		return usage_error("%s", "--every, --window and --from-end go with --follow");
	if (c->follow && c->command)
		return usage_error("%s", "--follow reads files: a COMMAND is followed anyway");
	if (c->follow && c->every > 0 && c->events)
		return usage_error("%s", "--follow: --every prints summaries, --events every event");
	if (c->follow && c->every <= 0) {
		/* Following without --every streams events: NDJSON unless the
		 * user picked another streaming format. */
		c->events = 1;
		if (!c->format_set)
			c->format = GOMEM_FORMAT_NDJSON;
		else if (!streams)
			return usage_error("%s", "--follow streams events: --format csv, tsv or ndjson "
						 "(or a summary --every DURATION)");
	}
	if (c->follow && c->openmetrics && c->every <= 0)
		return usage_error("%s", metrics_flavor == GOMEM_METRICS_PROMETHEUS ?
					 "--follow --prometheus needs --every DURATION" :
					 "--follow --openmetrics needs --every DURATION");
	return EXIT_OK;
}

static int parse_args(struct config *c, int argc, char **argv)
{
	int rc;

	if ((rc = cli_split_command(&tool, &argc, argv, &c->command)) != EXIT_OK ||
	    (rc = cli_parse(&tool, argc, argv, parse_option, c)) != EXIT_OK)
		return rc;
	c->files = argv + optind;
	c->nfiles = argc - optind;
	if (c->command && c->nfiles > 0)
		return usage_error("%s", "FILE operands and -- COMMAND do not mix");
	return check_modes(c);
}

/* ---- runs ---------------------------------------------------------------------------- */

/* A summary row: the statistics of one run of one input. */
struct summary {
	const char *name;
	gomem_gcstats_summary s;
};

struct summaries {
	struct summary *v;
	size_t n, cap;
};

static int summaries_add(struct summaries *all, const char *name, const gomem_gcstats_summary *s)
{
	if (all->n == all->cap) {
		size_t cap = all->cap ? all->cap * 2 : 16;
		struct summary *v = realloc(all->v, cap * sizeof(*v));

		if (v == NULL)
			return GOMEM_E_NOMEM;
		all->v = v;
		all->cap = cap;
	}
	all->v[all->n].name = name;
	all->v[all->n].s = *s;
	all->n++;
	return GOMEM_OK;
}

/* What happens to each event: a row (--events), and statistics always. */
struct sink {
	const struct config *c;
	gomem_table *events;       /* NULL without --events */
	struct summaries done;     /* runs that ended */
};

/* One input being read: its runs (libgomem's), and where they go. */
struct input {
	const char *name;
	gomem_gcruns *runs;
	struct sink *k;
};

static int on_event(void *payload, const gomem_gctrace_event *ev)
{
	struct input *in = payload;
	gomem_cell cells[GOMEM_GCTRACE_EVENT_COLUMNS_MAX];

	if (ev->kind != GOMEM_GCTRACE_GC && !in->k->c->scav)
		return GOMEM_OK;
	gomem_gctrace_event_cells(cells, ev, in->name, in->k->c->scav ? GOMEM_GCTRACE_ROWS_SCAV : 0);
	return gomem_table_row(in->k->events, cells);
}

static int on_run(void *payload, const gomem_gcstats_summary *run)
{
	struct input *in = payload;

	return summaries_add(&in->k->done, in->name, run);
}

/* Event rows need no statistics: without them memory stays constant
 * whatever the input (--events, --follow streaming). Inputs that may never
 * end keep bounded statistics: a followed log the last --window (10 minutes
 * by default), a child its last 262144 GCs (days of a busy service). A file
 * ends, and its statistics are exact. */
static int input_init(struct input *in, const char *name, struct sink *k)
{
	gomem_gcruns_options o = GOMEM_GCRUNS_OPTIONS_INIT;

	in->name = name;
	in->k = k;
	o.stats = k->events == NULL;
	if (k->c->follow) {
		o.window = k->c->window > 0 ? k->c->window : 600;
		o.max_events = 1u << 20;
	} else if (k->c->command) {
		o.max_events = 1u << 18;
	}
	o.on_event = k->events ? on_event : NULL;
	o.on_run = on_run;
	o.payload = in;
	return gomem_gcruns_new(&in->runs, name, &o);
}

/* ---- events ------------------------------------------------------------------------- */

static void cell_int(gomem_cell *c, int64_t v)
{
	c->i = v;
	c->null = v < 0;
}

static void cell_real(gomem_cell *c, double v)
{
	c->d = v;
	c->null = isnan(v);
}

/* ---- summaries ---------------------------------------------------------------------- */

enum {
	SC_FILE, SC_RUN, SC_GCS, SC_FORCED, SC_SCAV, SC_SPAN, SC_RATE, SC_P50, SC_P90, SC_P99, SC_MAX,
	SC_PAUSE_TOTAL, SC_PAUSE_QERR, SC_MARK_P50, SC_MARK_P90, SC_MARK_P99, SC_MARK_MAX, SC_MARK_QERR,
	SC_QUANTILES, SC_GC_CPU, SC_RUNTIME_CPU,
	SC_LIVE_FIRST, SC_LIVE_LAST, SC_LIVE_MAX, SC_HEAP_START_MAX, SC_HEAP_END_MAX, SC_GOAL_LAST,
	SC_GOAL_MAX, SC_STACKS_MAX, SC_GLOBALS_MAX, SC_PROCS_FIRST, SC_PROCS_LAST, SC_PROCS_CHANGES,
	SC_SLOPE, SC_SLOPE_MIN, SC_R2, SC_FIRST_GC, SC_LAST_GC, SC_FIRST_LINE, SC_LAST_LINE,
	SC_COUNT
};

#define MO GOMEM_COL_MACHINE_ONLY
#define TO GOMEM_COL_TEXT_ONLY

static const gomem_column summary_columns[SC_COUNT] = {
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"run", NULL, GOMEM_COL_COUNT, 0},
	{"gcs", NULL, GOMEM_COL_COUNT, 0},
	{"forced", NULL, GOMEM_COL_COUNT, MO},
	{"scav_events", NULL, GOMEM_COL_COUNT, MO},
	{"span_s", "span", GOMEM_COL_DURATION, 0},
	{"gc_per_s", "gc/s", GOMEM_COL_NUMBER, 0},
	{"pause_p50_s", "pause p50", GOMEM_COL_DURATION, 0},
	{"pause_p90_s", NULL, GOMEM_COL_DURATION, MO},
	{"pause_p99_s", "p99", GOMEM_COL_DURATION, 0},
	{"pause_max_s", "max", GOMEM_COL_DURATION, 0},
	{"pause_total_s", NULL, GOMEM_COL_DURATION, MO},
	{"pause_quantile_error_pct", NULL, GOMEM_COL_NUMBER, MO},
	{"mark_p50_s", NULL, GOMEM_COL_DURATION, MO},
	{"mark_p90_s", NULL, GOMEM_COL_DURATION, MO},
	{"mark_p99_s", "mark p99", GOMEM_COL_DURATION, 0},
	{"mark_max_s", NULL, GOMEM_COL_DURATION, MO},
	{"mark_quantile_error_pct", NULL, GOMEM_COL_NUMBER, MO},
	{"quantiles", "pctl", GOMEM_COL_TEXT, TO},
	{"gc_cpu_pct", "gc cpu", GOMEM_COL_PERCENT, 0},
	{"runtime_cpu_pct", "rt cpu%", GOMEM_COL_COUNT, 0},
	{"heap_live_first_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"heap_live_last_bytes", "live", GOMEM_COL_BYTES, 0},
	{"heap_live_max_bytes", "live max", GOMEM_COL_BYTES, 0},
	{"heap_start_max_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"heap_end_max_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"goal_last_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"goal_max_bytes", "goal max", GOMEM_COL_BYTES, 0},
	{"stacks_max_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"globals_max_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"procs_first", NULL, GOMEM_COL_COUNT, MO},
	{"procs_last", "P", GOMEM_COL_COUNT, 0},
	{"procs_changes", NULL, GOMEM_COL_COUNT, MO},
	{"live_slope_bytes_per_s", NULL, GOMEM_COL_NUMBER, MO},
	{"live_slope_per_min", "slope/min", GOMEM_COL_BYTES, GOMEM_COL_SIGNED | TO},
	{"live_slope_r2", "r2", GOMEM_COL_NUMBER, 0},
	{"first_gc", NULL, GOMEM_COL_COUNT, MO},
	{"last_gc", NULL, GOMEM_COL_COUNT, MO},
	{"first_line", NULL, GOMEM_COL_COUNT, MO},
	{"last_line", NULL, GOMEM_COL_COUNT, MO},
};

/* "exact", or the sketch's bound ("±1%") once a run passed its cap. */
static const char *quantiles_text(char *buf, size_t size, const gomem_gcstats_summary *s)
{
	double e = s->pause_quantile_error > s->mark_quantile_error ? s->pause_quantile_error
								      : s->mark_quantile_error;

	if (e <= 0)
		return "exact";
	snprintf(buf, size, "±%g%%", 100 * e);
	return buf;
}

/* BUF holds the quantiles' text for the row. */
static void summary_cells(gomem_cell *c, const struct summary *row, char *buf, size_t size)
{
	const gomem_gcstats_summary *s = &row->s;
	int none = s->gcs == 0;

	for (size_t i = 0; i < SC_COUNT; i++)
		c[i] = (gomem_cell){0, 0, NAN, NULL};
	c[SC_FILE].s = row->name;
	c[SC_RUN].i = (int64_t)s->run;
	c[SC_GCS].i = (int64_t)s->gcs;
	c[SC_FORCED].i = (int64_t)s->forced;
	c[SC_SCAV].i = (int64_t)s->scav_events;
	cell_real(&c[SC_SPAN], none ? NAN : s->last_t - s->first_t);
	cell_real(&c[SC_RATE], s->gc_per_s);
	cell_real(&c[SC_P50], none ? NAN : s->pause_p50);
	cell_real(&c[SC_P90], none ? NAN : s->pause_p90);
	cell_real(&c[SC_P99], none ? NAN : s->pause_p99);
	cell_real(&c[SC_MAX], none ? NAN : s->pause_max);
	cell_real(&c[SC_PAUSE_TOTAL], none ? NAN : s->pause_total);
	cell_real(&c[SC_PAUSE_QERR], none ? NAN : 100 * s->pause_quantile_error);
	cell_real(&c[SC_MARK_P50], none ? NAN : s->mark_p50);
	cell_real(&c[SC_MARK_P90], none ? NAN : s->mark_p90);
	cell_real(&c[SC_MARK_P99], none ? NAN : s->mark_p99);
	cell_real(&c[SC_MARK_MAX], none ? NAN : s->mark_max);
	cell_real(&c[SC_MARK_QERR], none ? NAN : 100 * s->mark_quantile_error);
	c[SC_QUANTILES].s = none ? NULL : quantiles_text(buf, size, s);
	/* gomem's figure from the cpu fields, and the runtime's own truncated one */
	cell_real(&c[SC_GC_CPU], s->cpu_pct_window);
	cell_int(&c[SC_RUNTIME_CPU], none ? -1 : s->cpu_pct_last);
	cell_int(&c[SC_LIVE_FIRST], none ? -1 : s->heap_live_first);
	cell_int(&c[SC_LIVE_LAST], none ? -1 : s->heap_live_last);
	cell_int(&c[SC_LIVE_MAX], none ? -1 : s->heap_live_max);
	cell_int(&c[SC_HEAP_START_MAX], none ? -1 : s->heap_start_max);
	cell_int(&c[SC_HEAP_END_MAX], none ? -1 : s->heap_end_max);
	cell_int(&c[SC_GOAL_LAST], none ? -1 : s->goal_last);
	cell_int(&c[SC_GOAL_MAX], none ? -1 : s->goal_max);
	cell_int(&c[SC_STACKS_MAX], none ? -1 : s->stacks_max);
	cell_int(&c[SC_GLOBALS_MAX], none ? -1 : s->globals_max);
	cell_int(&c[SC_PROCS_FIRST], none ? -1 : s->procs_first);
	cell_int(&c[SC_PROCS_LAST], none ? -1 : s->procs_last);
	cell_int(&c[SC_PROCS_CHANGES], none ? -1 : s->procs_changes);
	cell_real(&c[SC_SLOPE], s->live_slope);
	c[SC_SLOPE_MIN].i = isnan(s->live_slope) ? 0 : (int64_t)llround(s->live_slope * 60);
	c[SC_SLOPE_MIN].null = isnan(s->live_slope);
	cell_real(&c[SC_R2], s->live_slope_r2);
	cell_int(&c[SC_FIRST_GC], none ? -1 : (int64_t)s->first_gc);
	cell_int(&c[SC_LAST_GC], none ? -1 : (int64_t)s->last_gc);
	cell_int(&c[SC_FIRST_LINE], (int64_t)s->first_line);
	cell_int(&c[SC_LAST_LINE], (int64_t)s->last_line);
}

/* Counts of every input, for the note and the JSON members. */
static void counts_add(gomem_gctrace_counts *sum, const gomem_gctrace_parser *p)
{
	gomem_gctrace_counts c;

	gomem_gctrace_get_counts(p, &c);
	sum->lines += c.lines;
	sum->gc_events += c.gc_events;
	sum->scav_events += c.scav_events;
	sum->skipped += c.skipped;
	sum->unparsed += c.unparsed;
	sum->reassembled += c.reassembled;
	sum->runs += c.runs;
}

static void counts_meta(gomem_table *t, const gomem_gctrace_counts *n)
{
	gomem_table_meta_int(t, "lines", (int64_t)n->lines);
	gomem_table_meta_int(t, "gc_events", (int64_t)n->gc_events);
	gomem_table_meta_int(t, "scav_events", (int64_t)n->scav_events);
	gomem_table_meta_int(t, "skipped_lines", (int64_t)n->skipped);
	gomem_table_meta_int(t, "unparsed_lines", (int64_t)n->unparsed);
	gomem_table_meta_int(t, "reassembled", (int64_t)n->reassembled);
}

/* What was left out. Lines that look like gctrace but could not be read,
 * and an input with none at all, are said in every mode (--events and the
 * machine formats too: the numbers would be silently short); the lines
 * that are not gctrace only in the people's format. */
static void counts_note(const gomem_gctrace_counts *n, const struct config *c)
{
	if (n->gc_events == 0 && n->scav_events == 0)
		fprintf(stderr, "gomem gctrace: no gctrace lines in %llu lines of input\n",
			(unsigned long long)n->lines);
	if (n->skipped > 0 && c->format == GOMEM_FORMAT_TABLE && !c->openmetrics)
		fprintf(stderr, "gomem gctrace: skipped %llu line%s that %s not gctrace\n",
			(unsigned long long)n->skipped, n->skipped == 1 ? "" : "s",
			n->skipped == 1 ? "is" : "are");
	if (n->unparsed > 0)
		fprintf(stderr, "gomem gctrace: %llu line%s looked like gctrace but could not be read\n",
			(unsigned long long)n->unparsed, n->unparsed == 1 ? "" : "s");
}

static int table_open(gomem_table **t, const gomem_column *cols, size_t ncols, FILE *fp,
		      const struct config *c, int header)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;

	to.format = c->format;
	to.color = c->format == GOMEM_FORMAT_TABLE && cli_use_color(fp, c->no_color);
	to.schema = "gomem.gctrace/2";
	to.header = header;
	to.flush = c->follow || c->command != NULL;
	return gomem_table_new(t, cols, ncols, fp, &to);
}

/* Reports a failed write once: a reader that went away (head) is no error
 * worth a message. */
static int table_failed(gomem_table *t)
{
	const gomem_error *e = gomem_table_error(t);

	if (e && e->code != GOMEM_OK && strstr(e->message, strerror(EPIPE)) != NULL)
		output_gone = 1;
	else if (e && e->code != GOMEM_OK)
		cli_error_detail(e);
	return EXIT_TROUBLE;
}

static int print_summaries(const struct summaries *all, const gomem_gctrace_counts *n,
			   const struct config *c, FILE *fp, int header)
{
	gomem_cell cells[SC_COUNT];
	char quantiles[32];
	gomem_table *t;
	int rc;

	if (table_open(&t, summary_columns, SC_COUNT, fp, c, header) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	counts_meta(t, n);
	rc = GOMEM_OK;
	for (size_t i = 0; i < all->n && rc == GOMEM_OK; i++) {
		summary_cells(cells, &all->v[i], quantiles, sizeof(quantiles));
		rc = gomem_table_row(t, cells);
	}
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		rc = table_failed(t);
	gomem_table_free(t);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* ---- OpenMetrics or Prometheus text ----------------------------------------------------- */

static int print_openmetrics(const struct summaries *all, FILE *fp)
{
	gomem_gcstats_summary *runs = calloc(all->n ? all->n : 1, sizeof(*runs));
	const char **sources = calloc(all->n ? all->n : 1, sizeof(*sources));
	int rc = GOMEM_E_NOMEM;

	if (runs && sources) {
		for (size_t i = 0; i < all->n; i++) {
			runs[i] = all->v[i].s;
			sources[i] = all->v[i].name;
		}
		rc = gomem_gcstats_write_metrics(fp, runs, sources, all->n, metrics_flavor);
	}
	free(runs);
	free(sources);
	if (rc == GOMEM_E_IO && errno == EPIPE)
		output_gone = 1;
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* ---- reading -------------------------------------------------------------------------- */

/* Reports what failed: the parser, the event table, or the statistics. */
static int read_failed(struct input *in, struct sink *k, int rc)
{
	const gomem_error *e = gomem_gctrace_parser_error(gomem_gcruns_parser(in->runs));

	if (k->events && gomem_table_error(k->events)->code != GOMEM_OK)
		return table_failed(k->events);
	if (e && e->code != GOMEM_OK)
		cli_error_detail(e);
	else
		cli_errorf("%s: %s", in->name, gomem_strerror(rc));
	return EXIT_TROUBLE;
}

/* A whole file (or stdin, gzip or not), read in chunks. */
static int read_file(const char *spec, struct sink *k, gomem_gctrace_counts *n)
{
	const char *name = strcmp(spec, "-") == 0 ? "<stdin>" : spec;
	gomem_source *src = NULL;
	gomem_error err = {0};
	struct input in;
	const uint8_t *data;
	size_t len;
	int rc;

	if (gomem_source_open(&src, spec, &k->c->source, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	rc = input_init(&in, name, k);
	while (rc == GOMEM_OK && (rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		rc = gomem_gcruns_feed(in.runs, data, len);
	if (rc == GOMEM_OK)
		rc = gomem_gcruns_finish(in.runs);
	if (rc != GOMEM_OK && gomem_source_error(src)->code != GOMEM_OK) {
		cli_error_detail(gomem_source_error(src));
		rc = EXIT_TROUBLE;
	} else if (rc != GOMEM_OK) {
		rc = read_failed(&in, k, rc);
	}
	if (in.runs)
		counts_add(n, gomem_gcruns_parser(in.runs));
	gomem_gcruns_free(in.runs);
	gomem_source_free(src);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

static int open_events(struct sink *k, FILE *fp, int one_file)
{
	/* The table points at its columns until it is freed: keep them here. */
	static gomem_column cols[GOMEM_GCTRACE_EVENT_COLUMNS_MAX];
	size_t ncols = gomem_gctrace_event_columns(cols, (k->c->scav ? GOMEM_GCTRACE_ROWS_SCAV : 0) |
							       (one_file ? GOMEM_GCTRACE_ROWS_ONE_FILE : 0));

	return table_open(&k->events, cols, ncols, fp, k->c, 1);
}

static int end_events(struct sink *k)
{
	int rc = GOMEM_OK;

	if (k->events == NULL)
		return EXIT_OK;
	rc = gomem_table_end(k->events);
	if (rc != GOMEM_OK)
		rc = table_failed(k->events);
	gomem_table_free(k->events);
	k->events = NULL;
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* The report at the end: the events table closed, or the summaries. */
static int report(struct sink *k, const gomem_gctrace_counts *n, FILE *fp, int failed)
{
	int status;

	if (k->events)
		status = end_events(k);
	else if (k->c->openmetrics)
		status = print_openmetrics(&k->done, fp);
	else
		status = print_summaries(&k->done, n, k->c, fp, 1);
	if (!failed)
		counts_note(n, k->c);
	return status;
}

static int run_files(const struct config *c, FILE *fp)
{
	static char *stdin_only[] = {"-", NULL};
	char **files = c->nfiles > 0 ? c->files : stdin_only;
	int nfiles = c->nfiles > 0 ? c->nfiles : 1;
	struct sink k = {c, NULL, {NULL, 0, 0}};
	gomem_gctrace_counts n = {0};
	int status = EXIT_OK;

	if (c->events && open_events(&k, fp, nfiles == 1) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	/* An input that cannot be read is reported and the others still
	 * are: the exit status says something was missing. */
	for (int i = 0; i < nfiles; i++) {
		if (read_file(files[i], &k, &n) != EXIT_OK) {
			status = EXIT_TROUBLE;
			if (k.events && gomem_table_error(k.events)->code != GOMEM_OK)
				break;
		}
	}
	if (k.events && gomem_table_error(k.events)->code != GOMEM_OK) {
		gomem_table_free(k.events);
		k.events = NULL;
	} else if (report(&k, &n, fp, status != EXIT_OK) != EXIT_OK) {
		status = EXIT_TROUBLE;
	}
	free(k.done.v);
	return status;
}

/* ---- following: the library's follow loop, fed to the parsers ---------------------- */

/* What the loop's callbacks work on: the inputs (the loop's in the same
 * order) and where events and summaries go. */
struct live {
	struct sink *k;
	struct input *ins;
	int n;
	FILE *fp;
	int first, status;
	gomem_follow_loop *loop;
};

/* --every: the current statistics of every input, with the runs that ended. */
static int tick(struct sink *k, struct input *ins, int n, FILE *fp, int first)
{
	struct summaries now = {NULL, 0, 0};
	gomem_gctrace_counts counts = {0};
	int status = EXIT_OK;

	for (size_t i = 0; i < k->done.n && status == EXIT_OK; i++) {
		if (now.n == now.cap) {
			now.cap = now.cap ? now.cap * 2 : 16;
			now.v = realloc(now.v, now.cap * sizeof(*now.v));
			if (now.v == NULL)
				status = EXIT_TROUBLE;
		}
		if (now.v)
			now.v[now.n++] = k->done.v[i];
	}
	for (int i = 0; i < n && status == EXIT_OK; i++) {
		gomem_gcstats_summary run;

		if (gomem_gcruns_current(ins[i].runs, &run) &&
		    summaries_add(&now, ins[i].name, &run) != GOMEM_OK)
			status = EXIT_TROUBLE;
		counts_add(&counts, gomem_gcruns_parser(ins[i].runs));
	}
	if (status == EXIT_OK && k->c->openmetrics)
		status = print_openmetrics(&now, fp);
	else if (status == EXIT_OK)
		status = print_summaries(&now, &counts, k->c, fp,
					 first || k->c->format == GOMEM_FORMAT_TABLE);
	free(now.v);
	return status;
}

static int on_tick(void *payload, double now)
{
	struct live *v = payload;

	(void)now;
	v->status = tick(v->k, v->ins, v->n, v->fp, v->first);
	v->first = 0;
	return v->status == EXIT_OK ? GOMEM_OK : GOMEM_E_IO;
}

/* Bytes of one input into its parser; its end, or why it could not be read. */
static int on_input(void *payload, size_t i, const uint8_t *data, size_t len, unsigned events)
{
	struct live *v = payload;
	struct input *in = &v->ins[i];
	/* After a failure a child still runs to its end, its stderr passed
	 * through unread; a followed log ends there. */
	int go_on = v->k->c->command ? GOMEM_OK : GOMEM_E_IO;

	if (v->status != EXIT_OK)
		return go_on;
	/* A truncated or replaced log starts over: end the line the old
	 * content left unfinished. */
	if (events & (GOMEM_FOLLOW_TRUNCATED | GOMEM_FOLLOW_ROTATED))
		gomem_gcruns_restart(in->runs);
	if (events & GOMEM_FOLLOW_ERROR) {
		cli_error_detail(gomem_follow_error(gomem_follow_loop_input(v->loop, i)));
		v->status = EXIT_TROUBLE;
	} else if (len > 0 && gomem_gcruns_feed(in->runs, data, len) != GOMEM_OK) {
		v->status = read_failed(in, v->k, GOMEM_E_IO);
	} else if ((events & GOMEM_FOLLOW_EOF) && gomem_gcruns_finish(in->runs) != GOMEM_OK) {
		v->status = read_failed(in, v->k, GOMEM_E_IO);
	}
	if (v->k->events && gomem_table_error(v->k->events)->code != GOMEM_OK)
		v->status = table_failed(v->k->events);
	return v->status == EXIT_OK || (events & GOMEM_FOLLOW_EOF) ? GOMEM_OK : go_on;
}

/* The loop and its inputs: N of them, named NAMES, opened by the caller
 * into V->loop in the same order; the event table first, with --events. */
static int live_new(struct live *v, struct sink *k, FILE *fp, int n, char *const *names)
{
	gomem_follow_loop_options lo = GOMEM_FOLLOW_LOOP_OPTIONS_INIT;

	memset(v, 0, sizeof(*v));
	if (k->c->events && open_events(k, fp, n == 1) != GOMEM_OK)
		return EXIT_TROUBLE;
	v->k = k;
	v->fp = fp;
	v->first = 1;
	v->status = EXIT_OK;
	lo.tick = k->c->every;
	lo.on_input = on_input;
	lo.on_tick = k->c->every > 0 ? on_tick : NULL;
	lo.payload = v;
	if ((v->ins = calloc((size_t)n, sizeof(*v->ins))) == NULL ||
	    gomem_follow_loop_new(&v->loop, &lo) != GOMEM_OK)
		return EXIT_TROUBLE;
	for (; v->n < n; v->n++)
		if (input_init(&v->ins[v->n], names[v->n], k) != GOMEM_OK)
			return EXIT_TROUBLE;
	return EXIT_OK;
}

static void live_free(struct live *v)
{
	gomem_follow_loop_free(v->loop); /* a child still running is stopped here */
	for (int i = 0; i < v->n; i++)
		gomem_gcruns_free(v->ins[i].runs);
	free(v->ins);
}

static int run_follow(const struct config *c, FILE *fp)
{
	static char *stdin_only[] = {"-", NULL};
	char **files = c->nfiles > 0 ? c->files : stdin_only;
	int n = c->nfiles > 0 ? c->nfiles : 1, status;
	struct sink k = {c, NULL, {NULL, 0, 0}};
	char **names = calloc((size_t)n, sizeof(*names));
	gomem_error err = {0};
	gomem_follow *f;
	struct live v;

	for (int i = 0; names && i < n; i++)
		names[i] = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
	status = names ? live_new(&v, &k, fp, n, names) : EXIT_TROUBLE;
	if (status != EXIT_OK)
		cli_errorf("out of memory");
	for (int i = 0; i < n && status == EXIT_OK; i++) {
		if (gomem_follow_open(&f, files[i], !c->from_end, &err) != GOMEM_OK) {
			cli_error_detail(&err);
			status = EXIT_TROUBLE;
		} else if (gomem_follow_loop_add(v.loop, f, NULL) != GOMEM_OK) {
			gomem_follow_free(f);
			status = EXIT_TROUBLE;
		}
	}
	gomem_signals_catch();
	if (status == EXIT_OK)
		gomem_follow_loop_run(v.loop);
	/* Interrupted or every pipe ended: a last summary. */
	if (status == EXIT_OK && v.status == EXIT_OK && c->every > 0)
		gomem_follow_loop_tick(v.loop);
	if (status == EXIT_OK)
		status = v.status;
	if (k.events && end_events(&k) != EXIT_OK)
		status = EXIT_TROUBLE;
	live_free(&v);
	free(names);
	free(k.done.v);
	return status;
}

/* ---- a child ----------------------------------------------------------------------------- */

/* Runs the command with gctrace on, its stderr passed through, until it
 * exits (not until its stderr closes); SIGTERM and SIGHUP on us are passed
 * on to it. The exit status is the command's. */
static int run_child(const struct config *c, FILE *fp)
{
	struct sink k = {c, NULL, {NULL, 0, 0}};
	gomem_gctrace_counts n = {0};
	gomem_error err = {0};
	const char *slash = strrchr(c->command[0], '/');
	char *name = slash ? (char *)slash + 1 : c->command[0];
	gomem_follow *f = NULL;
	struct live v;
	int status;

	gomem_signals_catch();
	if (live_new(&v, &k, fp, 1, &name) != EXIT_OK) {
		cli_errorf("out of memory");
		live_free(&v);
		return EXIT_TROUBLE;
	}
	if (gomem_follow_spawn(&f, c->command, "gctrace=1", 1, 0, &err) != GOMEM_OK ||
	    gomem_follow_loop_add(v.loop, f, NULL) != GOMEM_OK) {
		cli_error_detail(&err);
		gomem_follow_free(f);
		live_free(&v);
		end_events(&k);
		return err.code == GOMEM_E_NOTFOUND ? 127 : 126;
	}
	gomem_follow_loop_run(v.loop);
	status = gomem_follow_exit_status(f);
	if (status == GOMEM_FOLLOW_STATUS_LOST || status < 0) {
		cli_errorf("%s: its exit status was lost (reaped by someone else)", name);
		status = EXIT_TROUBLE;
	}
	counts_add(&n, gomem_gcruns_parser(v.ins[0].runs));
	/* Trouble writing the report is said on stderr; the status is the
	 * child's, as the caller of the command expects. */
	report(&k, &n, fp, v.status != EXIT_OK);
	live_free(&v);
	free(k.done.v);
	return status;
}

/* --whatif: the pacer model of libgomem fitted to one log, its report. */
static int run_whatif(const struct config *c, FILE *fp)
{
	gomem_pacer_config cfg = GOMEM_PACER_CONFIG_INIT;
	gomem_pacer_setting *s = NULL;
	gomem_pacer_model *m = NULL;
	gomem_error err = {0};
	size_t n = 0;
	int rc;

	if (gomem_pacer_settings_parse(&s, &n, c->whatif, &err) != GOMEM_OK)
		return usage_error("--whatif: %s", err.message);
	if (c->go_minor)
		cfg.go_minor = c->go_minor;
	rc = gomem_pacer_model_read(&m, c->nfiles ? c->files[0] : "-", &c->source, &cfg, &err);
	if (rc == GOMEM_OK)
		rc = gomem_whatif_write(fp, c->nfiles ? c->files[0] : "<stdin>", m, s, n, c->format, &err);
	if (rc != GOMEM_OK && !(rc == GOMEM_E_IO && errno == EPIPE))
		cli_error_detail(&err);
	output_gone |= rc == GOMEM_E_IO && errno == EPIPE;
	gomem_pacer_model_free(m);
	gomem_free(s);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

int main(int argc, char **argv)
{
	gomem_source_options sdefaults = GOMEM_SOURCE_OPTIONS_INIT;
	struct config c;
	int status;
	FILE *fp;

	cli_set_name("gomem gctrace");
	memset(&c, 0, sizeof(c));
	c.source = sdefaults;
	/* A log is streamed in constant memory: a week of it is no danger, so
	 * unlike a profile it has no size cap unless one is asked for. */
	c.source.max_input = UINT64_MAX;
	c.format = GOMEM_FORMAT_TABLE;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	if (c.command && (c.output == NULL || strcmp(c.output, "-") == 0)) {
		/* The child's stdout is ours: the report goes beside its stderr. */
		status = run_child(&c, stderr);
		return status;
	}
	fp = cli_open_output(c.output);
	if (c.command)
		status = run_child(&c, fp);
	else if (c.follow)
		status = run_follow(&c, fp);
	else if (c.whatif)
		status = run_whatif(&c, fp);
	else
		status = run_files(&c, fp);
	if (output_gone)
		return c.command ? status : EXIT_TROUBLE;
	if (cli_close_output(fp, c.output) != 0 && !c.command)
		status = EXIT_TROUBLE;
	return status;
}
