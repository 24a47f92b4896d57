/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-sched — GODEBUG=schedtrace=N[,scheddetail=1] output into numbers: a
 * summary per run (runnable backlog, busy Ps, imbalance, spinning and idle
 * threads, thread growth, goroutines), every snapshot as a row, the waiting
 * goroutines by reason over time, or metrics text; from files, followed
 * logs, or a child run with schedtrace on. Parsing, statistics and the
 * follow loop are libgomem's; this file wires them to the options. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum {
	OPT_EVENTS = OPT_TOOL_BASE, OPT_WAITS, OPT_OPENMETRICS, OPT_PROMETHEUS, OPT_FOLLOW,
	OPT_FROM_END, OPT_EVERY, OPT_PERIOD, OPT_DETAIL
};

static const cli_option options[] = {
	{"events", 0, NULL, OPT_EVENTS, "one row per snapshot instead of a summary per run"},
	{"waits", 0, NULL, OPT_WAITS, "one row per snapshot and wait reason: the waiting\n"
				      "goroutines over time (scheddetail=1)"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"openmetrics", 0, NULL, OPT_OPENMETRICS, "the summary as OpenMetrics text"},
	{"prometheus", 0, NULL, OPT_PROMETHEUS, "the summary in the Prometheus text format"},
	{"follow", 'f', NULL, OPT_FOLLOW, "follow the files like tail -F: stream snapshots as\n"
					  "NDJSON (or CSV/TSV), or a summary --every DURATION"},
	{"from-end", 0, NULL, OPT_FROM_END, "with --follow: only what is written from now on"},
	{"every", 0, "DURATION", OPT_EVERY, "with --follow: print the summary every DURATION"},
	{"period", 0, "DURATION", OPT_PERIOD, "with -- COMMAND: schedtrace's period (default 1s)"},
	{"detail", 0, NULL, OPT_DETAIL, "with -- COMMAND: scheddetail=1 too (goroutines, waits)"},
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
	"sched", "[OPTION]... [FILE...]\n       gomem sched [OPTION]... -- COMMAND [ARG...]",
	"Read GODEBUG=schedtrace=N output (any Go version, scheddetail=1 blocks too,\n"
	"mixed with gctrace and program output) and print scheduler statistics per\n"
	"run, every snapshot, the waiting goroutines by reason, or metrics. FILE may\n"
	"be gzip; '-' or none is standard input. With -- COMMAND, runs COMMAND with\n"
	"schedtrace added to its GODEBUG and reports on standard error at exit.",
	options,
	"Exit status: 0 success, 2 trouble (an input that cannot be read, bad usage);\n"
	"with -- COMMAND, the command's own status (128+N when killed by signal N).\n"
	"Example: GODEBUG=schedtrace=1000 ./server 2>sched.log; gomem sched sched.log\n"
	"See gomem-sched(1) for the columns and the metric names.\n"
};

struct config {
	int events, waits, follow, from_end, detail, no_color, format_set, metrics;
	gomem_metrics_flavor flavor;
	gomem_format format;
	double every, period;
	const char *output;
	gomem_source_options source;
	char **files, **command;
	int nfiles;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int metrics_option(struct config *c, gomem_metrics_flavor f)
{
	if (c->metrics && c->flavor != f)
		return usage_error("%s", "--openmetrics and --prometheus do not mix: one metrics format");
	c->metrics = 1;
	c->flavor = f;
	return EXIT_OK;
}

static int duration_option(double *out, const char *name, const char *arg)
{
	if (gomem_parse_duration(out, arg) != GOMEM_OK || !(*out > 0))
		return usage_error("%s: '%s' is not a duration", name, arg);
	return EXIT_OK;
}

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	uint64_t size;

	switch (id) {
	case OPT_EVENTS: c->events = 1; break;
	case OPT_WAITS: c->waits = 1; break;
	case OPT_OPENMETRICS: return metrics_option(c, GOMEM_METRICS_OPENMETRICS);
	case OPT_PROMETHEUS: return metrics_option(c, GOMEM_METRICS_PROMETHEUS);
	case OPT_FOLLOW: c->follow = 1; break;
	case OPT_FROM_END: c->from_end = 1; break;
	case OPT_DETAIL: c->detail = 1; break;
	case OPT_EVERY: return duration_option(&c->every, "--every", arg);
	case OPT_PERIOD: return duration_option(&c->period, "--period", arg);
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

static int check_modes(struct config *c)
{
	int rows = c->events || c->waits;

	if (c->events && c->waits)
		return usage_error("%s", "--events and --waits are two reports: pick one");
	if (c->metrics && (rows || c->format_set))
		return usage_error("%s", "--openmetrics and --prometheus are formats of the summary: "
					 "not with --events, --waits or --format");
	if ((c->every > 0 || c->from_end) && !c->follow)
		return usage_error("%s", "--every and --from-end go with --follow");
	if ((c->period > 0 || c->detail) && !c->command)
		return usage_error("%s", "--period and --detail go with -- COMMAND");
	if (c->follow && c->command)
		return usage_error("%s", "--follow reads files: a COMMAND is followed anyway");
	if (c->command && c->nfiles > 0)
		return usage_error("%s", "FILE operands and -- COMMAND do not mix");
	if (c->follow && c->every > 0 && rows)
		return usage_error("%s", "--follow: --every prints summaries, --events every snapshot");
	if (c->follow && c->every <= 0) {
		if (c->metrics)
			return usage_error("%s", "--follow with metrics needs --every DURATION");
		c->events |= !c->waits; /* following without --every streams rows */
		if (!c->format_set)
			c->format = GOMEM_FORMAT_NDJSON;
		else if (c->format == GOMEM_FORMAT_TABLE || c->format == GOMEM_FORMAT_JSON)
			return usage_error("%s", "--follow streams rows: --format csv, tsv or ndjson "
						 "(or a summary --every DURATION)");
	}
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
	return check_modes(c);
}

/* ---- what the snapshots go to --------------------------------------------------------- */

/* The reader of our output went away (head): nothing more to say. */
static int output_gone;

struct summary {
	const char *name;
	gomem_schedstats_summary s;
	char top_wait[72];
};

struct input;

struct app {
	const struct config *c;
	FILE *fp;
	gomem_table *table;        /* rows: snapshots, waits or summaries */
	struct summary *done;      /* runs that ended */
	size_t ndone, done_cap;
	struct input *ins;
	int n, status, first;
	gomem_follow_loop *loop;
};

struct input {
	struct app *a;
	const char *name;
	gomem_schedruns *runs;
};

static int table_failed(gomem_table *t)
{
	const gomem_error *e = gomem_table_error(t);

	if (e && e->code != GOMEM_OK && strstr(e->message, strerror(EPIPE)) != NULL)
		output_gone = 1;
	else if (e && e->code != GOMEM_OK)
		cli_error_detail(e);
	return EXIT_TROUBLE;
}

static int open_table(gomem_table **t, const struct config *c, FILE *fp, int header)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	const gomem_column *cols;
	size_t n;

	to.format = c->format;
	to.color = c->format == GOMEM_FORMAT_TABLE && cli_use_color(fp, c->no_color);
	to.header = header;
	to.flush = c->follow || c->command != NULL;
	to.schema = c->events ? "gomem.sched.events/1" : c->waits ? "gomem.sched.waits/1"
								   : "gomem.sched/1";
	if (c->waits) {
		cols = gomem_sched_wait_columns(&n);
	} else if (c->events) {
		cols = gomem_sched_event_columns(&n);
	} else {
		cols = gomem_sched_summary_columns(&n);
	}
	return gomem_table_new(t, cols, n, fp, &to);
}

static int on_snapshot(void *payload, const gomem_sched_snapshot *s)
{
	struct input *in = payload;
	gomem_cell cells[GOMEM_SCHED_EVENT_COLUMNS];
	int rc = GOMEM_OK;

	if (!in->a->c->waits) {
		gomem_sched_event_cells(cells, s, in->name);
		return gomem_table_row(in->a->table, cells);
	}
	for (size_t i = 0; i < s->nwaits && rc == GOMEM_OK; i++) {
		gomem_sched_wait_cells(cells, s, i, in->name);
		rc = gomem_table_row(in->a->table, cells);
	}
	return rc;
}

/* A summary kept with its own copy of the text it points at. */
static int keep_summary(struct summary *to, const char *name, const gomem_schedstats_summary *s)
{
	to->name = name;
	to->s = *s;
	if (s->top_wait) {
		snprintf(to->top_wait, sizeof(to->top_wait), "%s", s->top_wait);
		to->s.top_wait = to->top_wait;
	}
	return GOMEM_OK;
}

static int on_run(void *payload, const gomem_schedstats_summary *s)
{
	struct input *in = payload;
	struct app *a = in->a;

	if (a->ndone == a->done_cap) {
		size_t cap = a->done_cap ? a->done_cap * 2 : 16;
		struct summary *v = realloc(a->done, cap * sizeof(*v));

		if (v == NULL)
			return GOMEM_E_NOMEM;
		a->done = v;
		a->done_cap = cap;
	}
	return keep_summary(&a->done[a->ndone++], in->name, s);
}

static int input_init(struct input *in, struct app *a, const char *name)
{
	gomem_schedruns_options o = GOMEM_SCHEDRUNS_OPTIONS_INIT;
	int rows = a->c->events || a->c->waits;

	in->a = a;
	in->name = name;
	o.stats = !rows;
	o.window = a->c->follow ? 4096 : 0; /* a followed log's percentiles: its last 4096 */
	o.on_snapshot = rows ? on_snapshot : NULL;
	o.on_run = rows ? NULL : on_run;
	o.payload = in;
	return gomem_schedruns_new(&in->runs, name, &o);
}

/* ---- reports -------------------------------------------------------------------------- */

static int print_metrics(const struct summary *v, size_t n, const struct config *c, FILE *fp)
{
	gomem_schedstats_summary *runs = calloc(n ? n : 1, sizeof(*runs));
	const char **sources = calloc(n ? n : 1, sizeof(*sources));
	int rc = GOMEM_E_NOMEM;

	if (runs && sources) {
		for (size_t i = 0; i < n; i++) {
			runs[i] = v[i].s;
			sources[i] = v[i].name;
		}
		rc = gomem_schedstats_write_metrics(fp, runs, sources, n, c->flavor);
	}
	free(runs);
	free(sources);
	if (rc == GOMEM_E_IO && errno == EPIPE)
		output_gone = 1;
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* The summaries V[0..N) as rows (a new table each time: --every reprints). */
static int print_summaries(struct app *a, const struct summary *v, size_t n, int header)
{
	gomem_cell cells[GOMEM_SCHED_SUMMARY_COLUMNS];
	gomem_table *t;
	int rc;

	if (a->c->metrics)
		return print_metrics(v, n, a->c, a->fp);
	if (open_table(&t, a->c, a->fp, header) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	rc = GOMEM_OK;
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		gomem_sched_summary_cells(cells, &v[i].s, v[i].name);
		rc = gomem_table_row(t, cells);
	}
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	rc = rc == GOMEM_OK ? EXIT_OK : table_failed(t);
	gomem_table_free(t);
	return rc;
}

/* The ended runs and every input's open one (a tick of --every). */
static int print_now(struct app *a)
{
	struct summary *now = calloc(a->ndone + (size_t)a->n + 1, sizeof(*now));
	size_t n = a->ndone;
	int status;

	if (now == NULL)
		return EXIT_TROUBLE;
	for (size_t i = 0; i < a->ndone; i++)
		keep_summary(&now[i], a->done[i].name, &a->done[i].s);
	for (int i = 0; i < a->n; i++) {
		gomem_schedstats_summary s;

		if (a->ins[i].runs && gomem_schedruns_current(a->ins[i].runs, &s))
			keep_summary(&now[n++], a->ins[i].name, &s);
	}
	status = print_summaries(a, now, n, a->first || a->c->format == GOMEM_FORMAT_TABLE);
	a->first = 0;
	free(now);
	return status;
}

static void counts_note(struct app *a)
{
	gomem_sched_counts sum = {0}, c;

	if (a->c->format != GOMEM_FORMAT_TABLE || a->c->metrics)
		return;
	for (int i = 0; i < a->n; i++) {
		gomem_sched_get_counts(gomem_schedruns_parser(a->ins[i].runs), &c);
		sum.lines += c.lines;
		sum.snapshots += c.snapshots;
		sum.unparsed += c.unparsed;
	}
	if (sum.snapshots == 0)
		cli_warnf("no schedtrace lines in %llu lines of input", (unsigned long long)sum.lines);
	if (sum.unparsed > 0)
		cli_warnf("%llu line%s looked like schedtrace but could not be read",
			  (unsigned long long)sum.unparsed, sum.unparsed == 1 ? "" : "s");
}

/* ---- inputs ---------------------------------------------------------------------------- */

static int read_failed(struct input *in, int rc)
{
	const gomem_error *e = gomem_sched_parser_error(gomem_schedruns_parser(in->runs));

	if (in->a->table && gomem_table_error(in->a->table)->code != GOMEM_OK)
		return table_failed(in->a->table);
	if (e->code != GOMEM_OK)
		cli_error_detail(e);
	else
		cli_errorf("%s: %s", in->name, gomem_strerror(rc));
	return EXIT_TROUBLE;
}

static int read_file(struct input *in, const char *spec)
{
	gomem_source *src = NULL;
	gomem_error err = {0};
	const uint8_t *data;
	size_t len;
	int rc;

	if (gomem_source_open(&src, spec, &in->a->c->source, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	while ((rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		if ((rc = gomem_schedruns_feed(in->runs, data, len)) != GOMEM_OK)
			break;
	if (rc == GOMEM_OK)
		rc = gomem_schedruns_finish(in->runs);
	if (rc != GOMEM_OK && gomem_source_error(src)->code != GOMEM_OK) {
		cli_error_detail(gomem_source_error(src));
		rc = EXIT_TROUBLE;
	} else if (rc != GOMEM_OK) {
		rc = read_failed(in, rc);
	}
	gomem_source_free(src);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* Bytes of one followed input or of the child; its end. */
static int on_input(void *payload, size_t i, const uint8_t *data, size_t len, unsigned events)
{
	struct app *a = payload;
	struct input *in = &a->ins[i];
	int rc = GOMEM_OK;

	if (a->status != EXIT_OK)
		return a->c->command ? GOMEM_OK : GOMEM_E_IO; /* a child runs on, unread */
	if (events & (GOMEM_FOLLOW_TRUNCATED | GOMEM_FOLLOW_ROTATED))
		rc = gomem_schedruns_restart(in->runs);
	if (events & GOMEM_FOLLOW_ERROR) {
		cli_error_detail(gomem_follow_error(gomem_follow_loop_input(a->loop, i)));
		a->status = EXIT_TROUBLE;
		return GOMEM_OK;
	}
	if (rc == GOMEM_OK && len > 0)
		rc = gomem_schedruns_feed(in->runs, data, len);
	if (rc == GOMEM_OK && (events & GOMEM_FOLLOW_EOF))
		rc = gomem_schedruns_finish(in->runs);
	if (rc != GOMEM_OK)
		a->status = read_failed(in, rc);
	return a->status == EXIT_OK || (events & GOMEM_FOLLOW_EOF) || a->c->command ? GOMEM_OK
										 : GOMEM_E_IO;
}

static int on_tick(void *payload, double now)
{
	struct app *a = payload;

	(void)now;
	a->status = print_now(a);
	return a->status == EXIT_OK ? GOMEM_OK : GOMEM_E_IO;
}

static int app_init(struct app *a, const struct config *c, FILE *fp, int n, char *const *names)
{
	gomem_follow_loop_options lo = GOMEM_FOLLOW_LOOP_OPTIONS_INIT;

	memset(a, 0, sizeof(*a));
	a->c = c;
	a->fp = fp;
	a->first = 1;
	if ((c->events || c->waits) && open_table(&a->table, c, fp, 1) != GOMEM_OK)
		return EXIT_TROUBLE;
	lo.tick = c->every;
	lo.on_input = on_input;
	lo.on_tick = c->every > 0 ? on_tick : NULL;
	lo.payload = a;
	if ((a->ins = calloc((size_t)n, sizeof(*a->ins))) == NULL ||
	    ((c->follow || c->command) && gomem_follow_loop_new(&a->loop, &lo) != GOMEM_OK))
		return EXIT_TROUBLE;
	for (; a->n < n; a->n++)
		if (input_init(&a->ins[a->n], a, names[a->n]) != GOMEM_OK)
			return EXIT_TROUBLE;
	return EXIT_OK;
}

/* The report at the end: the row table closed, or the summaries. */
static int app_end(struct app *a, int failed)
{
	int status = EXIT_OK;

	if (a->table) {
		if (gomem_table_error(a->table)->code != GOMEM_OK || gomem_table_end(a->table) != GOMEM_OK)
			status = output_gone ? EXIT_TROUBLE : table_failed(a->table);
	} else if (!(a->c->follow && a->c->every > 0)) {
		status = print_summaries(a, a->done, a->ndone, 1);
	}
	if (!failed && status == EXIT_OK)
		counts_note(a);
	gomem_follow_loop_free(a->loop); /* a child still running is stopped here */
	for (int i = 0; i < a->n; i++)
		gomem_schedruns_free(a->ins[i].runs);
	gomem_table_free(a->table);
	free(a->ins);
	free(a->done);
	return status;
}

static int run(const struct config *c, FILE *fp)
{
	static char *stdin_only[] = {"-", NULL};
	char **files = c->nfiles > 0 ? c->files : stdin_only;
	int n = c->nfiles > 0 ? c->nfiles : 1, status;
	char **names = calloc((size_t)n, sizeof(*names));
	gomem_error err = {0};
	struct app a;

	for (int i = 0; names && i < n; i++)
		names[i] = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
	status = names ? app_init(&a, c, fp, n, names) : EXIT_TROUBLE;
	if (status != EXIT_OK)
		cli_errorf("out of memory");
	for (int i = 0; i < n && status == EXIT_OK; i++) {
		gomem_follow *f;

		if (!c->follow) {
			if (read_file(&a.ins[i], files[i]) != EXIT_OK)
				a.status = EXIT_TROUBLE; /* the others are still read */
		} else if (gomem_follow_open(&f, files[i], !c->from_end, &err) != GOMEM_OK) {
			cli_error_detail(&err);
			status = EXIT_TROUBLE;
		} else if (gomem_follow_loop_add(a.loop, f, NULL) != GOMEM_OK) {
			gomem_follow_free(f);
			status = EXIT_TROUBLE;
		}
		if (a.table && gomem_table_error(a.table)->code != GOMEM_OK)
			break;
	}
	if (status == EXIT_OK && c->follow) {
		gomem_signals_catch();
		gomem_follow_loop_run(a.loop);
		if (a.status == EXIT_OK && c->every > 0)
			gomem_follow_loop_tick(a.loop); /* a last summary */
	}
	if (status == EXIT_OK)
		status = a.status;
	if (names && app_end(&a, status != EXIT_OK) != EXIT_OK)
		status = EXIT_TROUBLE;
	free(names);
	return status;
}

/* Runs the command with schedtrace on, its stderr passed through, until it
 * exits; the exit status is the command's. */
static int run_child(const struct config *c, FILE *fp)
{
	const char *slash = strrchr(c->command[0], '/');
	char *name = slash ? (char *)slash + 1 : c->command[0];
	char godebug[64];
	gomem_error err = {0};
	gomem_follow *f = NULL;
	struct app a;
	int status;

	gomem_signals_catch();
	snprintf(godebug, sizeof(godebug), "schedtrace=%.0f%s",
		 c->period > 0 ? ceil(c->period * 1000) : 1000, c->detail ? ",scheddetail=1" : "");
	if (app_init(&a, c, fp, 1, &name) != EXIT_OK) {
		cli_errorf("out of memory");
		app_end(&a, 1);
		return EXIT_TROUBLE;
	}
	if (gomem_follow_spawn(&f, c->command, godebug, 1, 0, &err) != GOMEM_OK ||
	    gomem_follow_loop_add(a.loop, f, NULL) != GOMEM_OK) {
		cli_error_detail(&err);
		gomem_follow_free(f);
		app_end(&a, 1);
		return err.code == GOMEM_E_NOTFOUND ? 127 : 126;
	}
	gomem_follow_loop_run(a.loop);
	status = gomem_follow_exit_status(f);
	if (status == GOMEM_FOLLOW_STATUS_LOST || status < 0) {
		cli_errorf("%s: its exit status was lost (reaped by someone else)", name);
		status = EXIT_TROUBLE;
	}
	app_end(&a, a.status != EXIT_OK);
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
	if (c.command && (c.output == NULL || strcmp(c.output, "-") == 0))
		return run_child(&c, stderr); /* the child's stdout is ours */
	fp = cli_open_output(c.output);
	status = c.command ? run_child(&c, fp) : run(&c, fp);
	if (output_gone)
		return c.command ? status : EXIT_TROUBLE;
	if (cli_close_output(fp, c.output) != 0 && !c.command)
		status = EXIT_TROUBLE;
	return status;
}
