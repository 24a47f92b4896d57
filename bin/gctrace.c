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
	OPT_OPENMETRICS, OPT_WHATIF, OPT_GO
};

static const cli_option options[] = {
	{"events", 0, NULL, OPT_EVENTS, "one row per GC (every field, base units, source line)\n"
					"instead of a summary per run"},
	{"scav", 0, NULL, OPT_SCAV, "with --events: scavenger lines too (a kind column)"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"openmetrics", 0, NULL, OPT_OPENMETRICS, "the summary as OpenMetrics text (Prometheus)"},
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
	"GC statistics per run, every event, or OpenMetrics. FILE may be gzip; '-' or\n"
	"none is standard input. With -- COMMAND, runs COMMAND with gctrace=1 added to\n"
	"its GODEBUG, passes its output through and reports on standard error at exit.",
	options,
	"Exit status: 0 success, 2 trouble (an input that cannot be read, bad usage);\n"
	"with -- COMMAND, the command's own status (128+N when killed by signal N).\n"
	"Example: gomem gctrace --events --format csv contrib/examples/gctrace.log\n"
	"See gomem-gctrace(1) for the columns and the OpenMetrics names.\n"
};

struct config {
	int events, scav, follow, from_end, openmetrics, no_color;
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

static volatile sig_atomic_t got_signal;
/* The reader of our output went away (head): nothing more to say. */
static int output_gone;

static void on_signal(int sig)
{
	got_signal = sig;
}

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

/* One option of the table, into the config CTX (cli_parse's callback). */
static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	uint64_t size;

	switch (id) {
	case OPT_EVENTS: c->events = 1; break;
	case OPT_SCAV: c->scav = 1; break;
	case OPT_OPENMETRICS: c->openmetrics = 1; break;
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
					 "--openmetrics or a COMMAND");
	if (c->scav && !c->events)
		return usage_error("%s", "--scav goes with --events");
	if (c->openmetrics && (c->events || c->format_set))
		return usage_error("%s", "--openmetrics is a format of the summary: not with --events "
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
		return usage_error("%s", "--follow --openmetrics needs --every DURATION");
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

/* ---- one input's state ------------------------------------------------------------ */

/* A summary row: the statistics of one run of one input. */
struct summary {
	const char *name;
	gomem_gcstats_summary s;
};

struct summaries {
	struct summary *v;
	size_t n, cap;
};

/* One input being read: its parser and the statistics of its current run. */
struct input {
	const char *name;
	gomem_gctrace_parser *parser;
	gomem_gcstats *stats;
	uint64_t run;
	int have_run;
	gomem_follow *follow;
};

/* Inputs that may never end keep bounded statistics: a followed log the
 * last --window (10 minutes by default), a child its last 262144 GCs (days
 * of a busy service; its report covers the whole run unless it collected
 * more). A file ends, and its statistics are exact. */
static void bound_stats(gomem_gcstats *stats, const struct config *c)
{
	if (c->follow)
		gomem_gcstats_set_window(stats, c->window > 0 ? c->window : 600, 1u << 20);
	else if (c->command)
		gomem_gcstats_set_window(stats, 0, 1u << 18);
}

static int input_init(struct input *in, const char *name, const struct config *c)
{
	memset(in, 0, sizeof(*in));
	in->name = name;
	if (gomem_gctrace_parser_new(&in->parser, name) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	if (gomem_gcstats_new(&in->stats) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	bound_stats(in->stats, c);
	return GOMEM_OK;
}

static void input_free(struct input *in)
{
	gomem_gctrace_parser_free(in->parser);
	gomem_gcstats_free(in->stats);
	gomem_follow_free(in->follow);
	memset(in, 0, sizeof(*in));
}

static int summaries_add(struct summaries *all, const struct input *in)
{
	if (!in->have_run)
		return GOMEM_OK;
	if (all->n == all->cap) {
		size_t cap = all->cap ? all->cap * 2 : 16;
		struct summary *v = realloc(all->v, cap * sizeof(*v));

		if (v == NULL)
			return GOMEM_E_NOMEM;
		all->v = v;
		all->cap = cap;
	}
	all->v[all->n].name = in->name;
	gomem_gcstats_get(in->stats, &all->v[all->n].s);
	all->n++;
	return GOMEM_OK;
}

/* A new run (the gc counter went back) closes the statistics of the last. */
static int next_run(struct input *in, struct summaries *done, const gomem_gctrace_event *ev,
		    const struct config *c)
{
	int rc;

	if (in->have_run && ev->run == in->run)
		return GOMEM_OK;
	if (in->have_run) {
		if (done && (rc = summaries_add(done, in)) != GOMEM_OK)
			return rc;
		gomem_gcstats_free(in->stats);
		in->stats = NULL;
		if ((rc = gomem_gcstats_new(&in->stats)) != GOMEM_OK)
			return rc;
		bound_stats(in->stats, c);
	}
	in->run = ev->run;
	in->have_run = 1;
	return GOMEM_OK;
}

/* ---- events ------------------------------------------------------------------------- */

/* The CSV header starts with the columns scripts key on (the issue's
 * contract), then where the event came from, then every other field. */
enum {
	EC_GC, EC_T, EC_HEAP_START, EC_HEAP_END, EC_HEAP_LIVE, EC_GOAL, EC_PROCS, EC_FORCED, EC_LINE,
	EC_FILE, EC_RUN, EC_KIND, EC_LAYOUT, EC_CPU_PCT, EC_STW_SWEEP, EC_MARK, EC_STW_MARK_TERM,
	EC_CPU_SWEEP, EC_CPU_ASSIST, EC_CPU_BG, EC_CPU_IDLE, EC_CPU_MARK_TERM, EC_STACKS,
	EC_GLOBALS, EC_REASSEMBLED,
	EC_SCVG_GEN, EC_RELEASED, EC_INUSE, EC_IDLE, EC_SYS, EC_CONSUMED, EC_WORK, EC_TOTAL,
	EC_WORK_BG, EC_WORK_EAGER, EC_NOW, EC_UTIL, EC_SCAV_FORCED, EC_CONTROLLER_RESET,
	EC_COUNT
};

#define MO GOMEM_COL_MACHINE_ONLY

static const gomem_column event_columns[EC_COUNT] = {
	{"gc", NULL, GOMEM_COL_COUNT, 0},
	{"t_s", "t", GOMEM_COL_DURATION, 0},
	{"heap_start_bytes", "heap0", GOMEM_COL_BYTES, 0},
	{"heap_end_bytes", "heap1", GOMEM_COL_BYTES, 0},
	{"heap_live_bytes", "live", GOMEM_COL_BYTES, 0},
	{"goal_bytes", "goal", GOMEM_COL_BYTES, 0},
	{"procs", "P", GOMEM_COL_COUNT, 0},
	{"forced", NULL, GOMEM_COL_COUNT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"run", NULL, GOMEM_COL_COUNT, 0},
	{"kind", NULL, GOMEM_COL_TEXT, 0},
	{"layout", NULL, GOMEM_COL_TEXT, MO},
	{"cpu_pct", "cpu%", GOMEM_COL_COUNT, 0},
	{"stw_sweep_term_s", "sweep-term", GOMEM_COL_DURATION, 0},
	{"concurrent_mark_s", "mark", GOMEM_COL_DURATION, 0},
	{"stw_mark_term_s", "mark-term", GOMEM_COL_DURATION, 0},
	{"cpu_sweep_term_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_assist_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_background_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_idle_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_mark_term_s", NULL, GOMEM_COL_DURATION, MO},
	{"stacks_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"globals_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"reassembled", NULL, GOMEM_COL_COUNT, MO},
	{"scvg_gen", NULL, GOMEM_COL_COUNT, MO},
	{"released_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"inuse_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"idle_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"sys_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"consumed_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"work_bytes", "scav-work", GOMEM_COL_BYTES, 0},
	{"total_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"work_bg_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"work_eager_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"now_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"util_pct", NULL, GOMEM_COL_COUNT, MO},
	{"scav_forced", NULL, GOMEM_COL_COUNT, MO},
	{"controller_reset", NULL, GOMEM_COL_COUNT, MO},
};

/* Without --scav the kind and the scavenger fields would always be empty. */
static size_t event_columns_for(gomem_column *cols, int scav, int one_file)
{
	size_t n = 0;

	for (size_t i = 0; i < EC_COUNT; i++) {
		if (!scav && (i == EC_KIND || i >= EC_SCVG_GEN))
			continue;
		cols[n] = event_columns[i];
		/* The text table names the file only when there are several. */
		if (i == EC_FILE && one_file)
			cols[n].flags |= MO;
		n++;
	}
	return n;
}

static const char *layout_name(gomem_gctrace_layout l)
{
	static const char *const names[] = {
		"", "go1.4", "go1.5", "go1.6", "go1.18", "scvg_released", "scvg_stats", "scav_gen",
		"scav_total", "scav_eager"
	};

	return (size_t)l < sizeof(names) / sizeof(names[0]) ? names[l] : "";
}

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

static void gc_cells(gomem_cell *c, const gomem_gctrace_event *ev)
{
	cell_int(&c[EC_GC], ev->gc);
	cell_real(&c[EC_T], ev->t);
	cell_int(&c[EC_HEAP_START], ev->heap_start);
	cell_int(&c[EC_HEAP_END], ev->heap_end);
	cell_int(&c[EC_HEAP_LIVE], ev->heap_live);
	cell_int(&c[EC_GOAL], ev->goal);
	cell_int(&c[EC_PROCS], ev->procs);
	cell_int(&c[EC_FORCED], ev->forced);
	cell_int(&c[EC_CPU_PCT], ev->cpu_pct);
	cell_real(&c[EC_STW_SWEEP], ev->stw_sweep_term);
	cell_real(&c[EC_MARK], ev->concurrent_mark);
	cell_real(&c[EC_STW_MARK_TERM], ev->stw_mark_term);
	cell_real(&c[EC_CPU_SWEEP], ev->cpu_sweep_term);
	cell_real(&c[EC_CPU_ASSIST], ev->cpu_assist);
	cell_real(&c[EC_CPU_BG], ev->cpu_background);
	cell_real(&c[EC_CPU_IDLE], ev->cpu_idle);
	cell_real(&c[EC_CPU_MARK_TERM], ev->cpu_mark_term);
	cell_int(&c[EC_STACKS], ev->stacks);
	cell_int(&c[EC_GLOBALS], ev->globals);
}

static void scav_cells(gomem_cell *c, const gomem_gctrace_event *ev)
{
	cell_int(&c[EC_SCVG_GEN], ev->scvg_gen);
	cell_int(&c[EC_RELEASED], ev->released);
	cell_int(&c[EC_INUSE], ev->inuse);
	cell_int(&c[EC_IDLE], ev->idle);
	cell_int(&c[EC_SYS], ev->sys);
	cell_int(&c[EC_CONSUMED], ev->consumed);
	cell_int(&c[EC_WORK], ev->work);
	cell_int(&c[EC_TOTAL], ev->total);
	cell_int(&c[EC_WORK_BG], ev->work_bg);
	cell_int(&c[EC_WORK_EAGER], ev->work_eager);
	cell_int(&c[EC_NOW], ev->now);
	cell_int(&c[EC_UTIL], ev->util_pct);
	cell_int(&c[EC_SCAV_FORCED], ev->scav_forced);
	cell_int(&c[EC_CONTROLLER_RESET], ev->controller_reset);
}

static int write_event(gomem_table *t, const gomem_gctrace_event *ev, const char *name, int scav)
{
	gomem_cell all[EC_COUNT], cells[EC_COUNT];
	size_t n = 0;

	for (size_t i = 0; i < EC_COUNT; i++)
		all[i] = (gomem_cell){1, 0, NAN, NULL};
	if (ev->kind == GOMEM_GCTRACE_GC)
		gc_cells(all, ev);
	else
		scav_cells(all, ev);
	cell_int(&all[EC_LINE], (int64_t)ev->line);
	all[EC_FILE] = (gomem_cell){0, 0, 0, name};
	cell_int(&all[EC_RUN], (int64_t)ev->run);
	all[EC_KIND] = (gomem_cell){0, 0, 0, ev->kind == GOMEM_GCTRACE_GC ? "gc" : "scav"};
	all[EC_LAYOUT] = (gomem_cell){0, 0, 0, layout_name(ev->layout)};
	cell_int(&all[EC_REASSEMBLED], ev->reassembled);
	for (size_t i = 0; i < EC_COUNT; i++)
		if (scav || (i != EC_KIND && i < EC_SCVG_GEN))
			cells[n++] = all[i];
	return gomem_table_row(t, cells);
}

/* ---- summaries ---------------------------------------------------------------------- */

enum {
	SC_FILE, SC_RUN, SC_GCS, SC_FORCED, SC_SCAV, SC_SPAN, SC_RATE, SC_P50, SC_P90, SC_P99, SC_MAX,
	SC_PAUSE_TOTAL, SC_MARK_P50, SC_MARK_P90, SC_MARK_P99, SC_MARK_MAX, SC_CPU, SC_CPU_WINDOW,
	SC_LIVE_FIRST, SC_LIVE_LAST, SC_LIVE_MAX, SC_HEAP_START_MAX, SC_HEAP_END_MAX, SC_GOAL_LAST,
	SC_GOAL_MAX, SC_STACKS_MAX, SC_GLOBALS_MAX, SC_PROCS_FIRST, SC_PROCS_LAST, SC_PROCS_CHANGES,
	SC_SLOPE, SC_SLOPE_MIN, SC_R2, SC_FIRST_GC, SC_LAST_GC, SC_FIRST_LINE, SC_LAST_LINE,
	SC_COUNT
};

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
	{"mark_p50_s", NULL, GOMEM_COL_DURATION, MO},
	{"mark_p90_s", NULL, GOMEM_COL_DURATION, MO},
	{"mark_p99_s", "mark p99", GOMEM_COL_DURATION, 0},
	{"mark_max_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_pct", "gc cpu", GOMEM_COL_PERCENT, 0},
	{"cpu_pct_window", NULL, GOMEM_COL_PERCENT, MO},
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

static void summary_cells(gomem_cell *c, const struct summary *row)
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
	cell_real(&c[SC_MARK_P50], none ? NAN : s->mark_p50);
	cell_real(&c[SC_MARK_P90], none ? NAN : s->mark_p90);
	cell_real(&c[SC_MARK_P99], none ? NAN : s->mark_p99);
	cell_real(&c[SC_MARK_MAX], none ? NAN : s->mark_max);
	cell_real(&c[SC_CPU], none || s->cpu_pct_last < 0 ? NAN : s->cpu_pct_last);
	cell_real(&c[SC_CPU_WINDOW], s->cpu_pct_window);
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
	to.schema = "gomem.gctrace/1";
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
	gomem_table *t;
	int rc;

	if (table_open(&t, summary_columns, SC_COUNT, fp, c, header) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	counts_meta(t, n);
	rc = GOMEM_OK;
	for (size_t i = 0; i < all->n && rc == GOMEM_OK; i++) {
		summary_cells(cells, &all->v[i]);
		rc = gomem_table_row(t, cells);
	}
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		rc = table_failed(t);
	gomem_table_free(t);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* ---- OpenMetrics ---------------------------------------------------------------------- */

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
		rc = gomem_gcstats_write_openmetrics(fp, runs, sources, all->n);
	}
	free(runs);
	free(sources);
	if (rc == GOMEM_E_IO && errno == EPIPE)
		output_gone = 1;
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* ---- reading -------------------------------------------------------------------------- */

/* What happens to each event: a row (--events), and statistics always. */
struct sink {
	const struct config *c;
	gomem_table *events;       /* NULL without --events */
	struct summaries done;     /* runs that ended */
};

static int take_events(struct input *in, struct sink *k)
{
	const gomem_gctrace_event *ev;
	int rc;

	while ((rc = gomem_gctrace_next(in->parser, &ev)) == 1) {
		if ((rc = next_run(in, &k->done, ev, k->c)) != GOMEM_OK)
			return rc;
		/* Event rows need no statistics: without them memory stays
		 * constant whatever the input (--events, --follow streaming). */
		if (!k->events && (rc = gomem_gcstats_add(in->stats, ev)) != GOMEM_OK)
			return rc;
		if (k->events && (ev->kind == GOMEM_GCTRACE_GC || k->c->scav) &&
		    (rc = write_event(k->events, ev, in->name, k->c->scav)) != GOMEM_OK)
			return rc;
	}
	return rc;
}

static int feed(struct input *in, struct sink *k, const uint8_t *data, size_t len)
{
	int rc = gomem_gctrace_feed(in->parser, data, len);

	return rc == GOMEM_OK ? take_events(in, k) : rc;
}

/* Reports what failed: the parser, the event table, or the statistics. */
static int read_failed(struct input *in, struct sink *k, int rc)
{
	const gomem_error *e = gomem_gctrace_parser_error(in->parser);

	if (k->events && gomem_table_error(k->events)->code != GOMEM_OK)
		return table_failed(k->events);
	if (e && e->code != GOMEM_OK)
		cli_error_detail(e);
	else
		cli_errorf("%s: %s", in->name, gomem_strerror(rc));
	return EXIT_TROUBLE;
}

static int finish(struct input *in, struct sink *k)
{
	int rc = gomem_gctrace_finish(in->parser);

	if (rc == GOMEM_OK)
		rc = take_events(in, k);
	if (rc == GOMEM_OK)
		rc = summaries_add(&k->done, in);
	return rc;
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
	rc = input_init(&in, name, k->c);
	while (rc == GOMEM_OK && (rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		rc = feed(&in, k, data, len);
	if (rc == GOMEM_OK)
		rc = finish(&in, k);
	if (rc != GOMEM_OK && gomem_source_error(src)->code != GOMEM_OK) {
		cli_error_detail(gomem_source_error(src));
		rc = EXIT_TROUBLE;
	} else if (rc != GOMEM_OK) {
		rc = read_failed(&in, k, rc);
	}
	if (in.parser)
		counts_add(n, in.parser);
	/* The summary rows point at the name: keep it alive. */
	input_free(&in);
	gomem_source_free(src);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

static int open_events(struct sink *k, FILE *fp, int one_file)
{
	/* The table points at its columns until it is freed: keep them here. */
	static gomem_column cols[EC_COUNT];
	size_t ncols = event_columns_for(cols, k->c->scav, one_file);

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

/* ---- following -------------------------------------------------------------------------- */

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL); /* a signal cuts it short: the loop looks at the flag */
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* Waits for input on the pipes (files are polled by time) for up to MS. */
static void wait_input(struct input *ins, int n, int ms)
{
	struct pollfd pf[64];
	int np = 0;

	for (int i = 0; i < n && np < 64; i++) {
		int fd = gomem_follow_fd(ins[i].follow);

		if (fd >= 0)
			pf[np++] = (struct pollfd){fd, POLLIN, 0};
	}
	if (np > 0 && np == n)
		poll(pf, (nfds_t)np, ms);
	else if (np > 0)
		poll(pf, (nfds_t)np, ms < 250 ? ms : 250);
	else
		sleep_ms(ms < 250 ? ms : 250);
}

/* Reads what arrived on one followed input, a bounded number of chunks so
 * one busy log cannot starve the others. 1 when it has ended (a pipe). */
static int pump(struct input *in, struct sink *k, int *status)
{
	const uint8_t *data;
	size_t len;
	unsigned ev;

	for (int round = 0; round < 64; round++) {
		if (gomem_follow_read(in->follow, &data, &len) != GOMEM_OK) {
			cli_error_detail(gomem_follow_error(in->follow));
			*status = EXIT_TROUBLE;
			return 1;
		}
		ev = gomem_follow_events(in->follow);
		/* A truncated or replaced log starts over: end the line
		 * the old content left unfinished. */
		if (ev & (GOMEM_FOLLOW_TRUNCATED | GOMEM_FOLLOW_ROTATED))
			feed(in, k, (const uint8_t *)"\n", 1);
		if (len > 0 && feed(in, k, data, len) != GOMEM_OK) {
			*status = read_failed(in, k, GOMEM_E_IO);
			return 1;
		}
		if (ev & GOMEM_FOLLOW_EOF) {
			if (finish(in, k) != GOMEM_OK)
				*status = read_failed(in, k, GOMEM_E_IO);
			return 1;
		}
		if (len == 0)
			break;
	}
	return 0;
}

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
		if (summaries_add(&now, &ins[i]) != GOMEM_OK)
			status = EXIT_TROUBLE;
		counts_add(&counts, ins[i].parser);
	}
	if (status == EXIT_OK && k->c->openmetrics)
		status = print_openmetrics(&now, fp);
	else if (status == EXIT_OK)
		status = print_summaries(&now, &counts, k->c, fp,
					 first || k->c->format == GOMEM_FORMAT_TABLE);
	free(now.v);
	return status;
}

static int follow_loop(struct sink *k, struct input *ins, int n, FILE *fp)
{
	double next_tick = now_s() + k->c->every;
	int open_inputs = n, status = EXIT_OK, first = 1;
	int *ended = calloc((size_t)n, sizeof(*ended));

	if (ended == NULL)
		return EXIT_TROUBLE;
	while (!got_signal && open_inputs > 0 && status == EXIT_OK) {
		for (int i = 0; i < n && status == EXIT_OK; i++)
			if (!ended[i] && pump(&ins[i], k, &status))
				ended[i] = 1, open_inputs--;
		if (k->events && gomem_table_error(k->events)->code != GOMEM_OK)
			status = table_failed(k->events);
		if (status == EXIT_OK && k->c->every > 0 && now_s() >= next_tick) {
			status = tick(k, ins, n, fp, first);
			first = 0;
			next_tick += k->c->every * ceil((now_s() - next_tick) / k->c->every + 1e-9);
		}
		if (status == EXIT_OK && open_inputs > 0 && !got_signal)
			wait_input(ins, n, k->c->every > 0 ? (int)((next_tick - now_s()) * 1000) + 1
							   : 250);
	}
	/* Interrupted or every pipe ended: a last summary. */
	if (status == EXIT_OK && k->c->every > 0)
		status = tick(k, ins, n, fp, first);
	free(ended);
	return status;
}

static int run_follow(const struct config *c, FILE *fp)
{
	static char *stdin_only[] = {"-", NULL};
	char **files = c->nfiles > 0 ? c->files : stdin_only;
	int n = c->nfiles > 0 ? c->nfiles : 1, status = EXIT_OK;
	struct sink k = {c, NULL, {NULL, 0, 0}};
	struct input *ins = calloc((size_t)n, sizeof(*ins));
	gomem_error err = {0};

	if (ins == NULL || (c->events && open_events(&k, fp, n == 1) != GOMEM_OK)) {
		free(ins);
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	for (int i = 0; i < n && status == EXIT_OK; i++) {
		if (input_init(&ins[i], strcmp(files[i], "-") == 0 ? "<stdin>" : files[i], c) != GOMEM_OK)
			status = EXIT_TROUBLE;
		else if (gomem_follow_open(&ins[i].follow, files[i], !c->from_end, &err) != GOMEM_OK) {
			cli_error_detail(&err);
			status = EXIT_TROUBLE;
		}
	}
	catch_signals();
	if (status == EXIT_OK)
		status = follow_loop(&k, ins, n, fp);
	if (k.events && end_events(&k) != EXIT_OK)
		status = EXIT_TROUBLE;
	for (int i = 0; i < n; i++)
		input_free(&ins[i]);
	free(ins);
	free(k.done.v);
	return status;
}

/* ---- a child -------------------------------------------------------------------------------- */

/* Waits for the child's exit once its stderr has closed; SIGTERM on us is
 * passed on to it, SIGINT it gets from the terminal itself. */
static int child_wait(gomem_follow *f)
{
	int st;

	while ((st = gomem_follow_exit_status(f)) < 0) {
		if (got_signal == SIGTERM || got_signal == SIGHUP) {
			kill(gomem_follow_pid(f), got_signal);
			got_signal = 0;
		}
		sleep_ms(10);
	}
	return st;
}

static int run_child(const struct config *c, FILE *fp)
{
	struct sink k = {c, NULL, {NULL, 0, 0}};
	gomem_gctrace_counts n = {0};
	gomem_error err = {0};
	const char *slash = strrchr(c->command[0], '/');
	struct input in;
	int status = EXIT_OK, child_status, done = 0;

	catch_signals();
	if (input_init(&in, slash ? slash + 1 : c->command[0], c) != GOMEM_OK ||
	    (c->events && open_events(&k, fp, 1) != GOMEM_OK)) {
		cli_errorf("out of memory");
		input_free(&in);
		return EXIT_TROUBLE;
	}
	if (gomem_follow_spawn(&in.follow, c->command, "gctrace=1", 1, 0, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		input_free(&in);
		end_events(&k);
		return err.code == GOMEM_E_NOTFOUND ? 127 : 126;
	}
	while (!done) {
		if (got_signal == SIGTERM || got_signal == SIGHUP) {
			kill(gomem_follow_pid(in.follow), got_signal);
			got_signal = 0;
		}
		done = pump(&in, &k, &status);
		if (!done)
			wait_input(&in, 1, 250);
	}
	child_status = child_wait(in.follow);
	counts_add(&n, in.parser);
	/* Trouble writing the report is said on stderr; the status is the
	 * child's, as the caller of the command expects. */
	report(&k, &n, fp, status != EXIT_OK);
	input_free(&in);
	free(k.done.v);
	return child_status;
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
