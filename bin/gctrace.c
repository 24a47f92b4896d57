/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-gctrace — GODEBUG=gctrace=1 logs into numbers: a summary per run,
 * every event as CSV/JSON, OpenMetrics for a fleet's monitoring, a log
 * followed like tail -F, or a child process run with gctrace on. The
 * parsing and the statistics are libgomem's; this file reads, loops and
 * prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

/* A short option's id is its letter: getopt_long returns 'f' for -f. */
enum {
	OPT_EVENTS = OPT_TOOL_BASE, OPT_SCAV, OPT_FROM_END, OPT_EVERY, OPT_WINDOW,
	OPT_OPENMETRICS, OPT_PROMETHEUS, OPT_WHATIF, OPT_GO, OPT_FOLLOW = 'f'
};

static const cli_option options[] = {
	{"events", 0, NULL, OPT_EVENTS, "one row per GC (every field, base units, source line)\n"
					"instead of a summary per run"},
	{"scav", 0, NULL, OPT_SCAV, "with --events: scavenger lines too (a kind column)"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json, ndjson or svg (a GC\n"
					 "timeline per run; with --whatif, the predictions beside it)"},
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
	int svg;                   /* --format svg: the timeline */
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
		c->svg = strcmp(arg, "svg") == 0;
		if (!c->svg && gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return usage_error("--format: '%s' is not table, csv, tsv, json, ndjson or svg", arg);
		c->format_set = 1;
		break;
	case OPT_EVERY:
	case OPT_WINDOW: {
		double secs;

		if (gomem_parse_duration(&secs, arg) != GOMEM_OK || secs <= 0)
			return usage_error("--%s: '%s' is not a duration", id == OPT_EVERY ? "every" : "window", arg);
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
	const char *metrics = metrics_flavor == GOMEM_METRICS_PROMETHEUS ? "--prometheus" : "--openmetrics";

	if (c->go_minor && !c->whatif)
		return usage_error("%s", "--go goes with --whatif");
	if (c->whatif && (c->events || c->follow || c->openmetrics || c->command || c->nfiles > 1))
		return usage_error("%s", "--whatif reads one FILE: not with --events, --follow, "
					 "--openmetrics, --prometheus or a COMMAND");
	if (c->scav && !c->events)
		return usage_error("%s", "--scav goes with --events");
	if (c->svg && (c->events || c->follow || c->command))
		return usage_error("%s", "--format svg draws whole files: not with --events, --follow "
					 "or a COMMAND");
	if (c->openmetrics && (c->events || c->format_set))
		return usage_error("%s is a format of the summary: not with --events or --format", metrics);
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
		return usage_error("--follow %s needs --every DURATION", metrics);
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

/* ---- the report ------------------------------------------------------------------------ */

/* Where events and summaries go (libgomem's report: the inputs, their runs,
 * the event table with --events); when following, the loop feeding it. */
struct sink {
	const struct config *c;
	gomem_gcreport *report;
	FILE *fp;
	gomem_gcfollow *follow;
	gomem_gctimeline *timeline; /* --format svg */
};

/* Reports a failed write once: a reader that went away (head) is no error
 * worth a message. */
static int write_failed(const gomem_error *e)
{
	if (e->code != GOMEM_OK && strstr(e->message, strerror(EPIPE)) != NULL)
		output_gone = 1;
	else if (e->code != GOMEM_OK)
		cli_error_detail(e);
	return EXIT_TROUBLE;
}

static int events_failed(const struct sink *k)
{
	return gomem_gcreport_error(k->report)->code != GOMEM_OK;
}

static int end_events(struct sink *k)
{
	gomem_error err = {0};

	if (k->report == NULL || gomem_gcreport_end(k->report, &err) == GOMEM_OK)
		return EXIT_OK;
	return write_failed(&err);
}

/* The summary: the runs that ended, and with CURRENT the open ones; a
 * table, or OpenMetrics or Prometheus text. */
static int print_summaries(const struct sink *k, bool current, int header)
{
	gomem_error err = {0};
	int rc;

	if (k->c->openmetrics) {
		rc = gomem_gcreport_write_metrics(k->report, k->fp, metrics_flavor, current);
		if (rc == GOMEM_E_IO && errno == EPIPE)
			output_gone = 1;
		return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
	}
	if (gomem_gcreport_write_summary(k->report, current, header, &err) != GOMEM_OK)
		return write_failed(&err);
	return EXIT_OK;
}

/* --every: the current statistics of every input, with the runs that ended. */
static int on_tick(void *payload, bool first)
{
	struct sink *k = payload;
	bool header = first || k->c->format == GOMEM_FORMAT_TABLE;

	return print_summaries(k, true, header) == EXIT_OK ? GOMEM_OK : GOMEM_E_IO;
}

/* An input that could not be read, or the event table not written. */
static void on_error(void *payload, const gomem_error *e, bool write)
{
	(void)payload;
	if (write)
		write_failed(e);
	else
		cli_error_detail(e);
}

/* The report, with its event table (--events), and when following the loop
 * feeding it (the caller adds the inputs). Inputs that may never end keep
 * bounded statistics: a followed log the last --window (10 minutes by
 * default), a child its last 262144 GCs (days of a busy service). A file
 * ends, and its statistics are exact. After a failure a child still runs to
 * its end, its stderr passed through unread; a followed log ends there. */
static int sink_open(struct sink *k, const struct config *c, FILE *fp, int one_file)
{
	gomem_gcreport_options o = GOMEM_GCREPORT_OPTIONS_INIT;
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_gcfollow_options fo = GOMEM_GCFOLLOW_OPTIONS_INIT;

	k->c = c;
	k->fp = fp;
	to.format = c->format;
	to.color = c->format == GOMEM_FORMAT_TABLE && cli_use_color(fp, c->no_color);
	to.schema = "gomem.gctrace/2";
	to.flush = c->follow || c->command != NULL;
	o.fp = fp;
	o.table = &to;
	o.events = c->events;
	if (c->svg && gomem_gctimeline_new(&k->timeline, NULL) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	o.timeline = k->timeline;
	o.rows = (c->scav ? GOMEM_GCTRACE_ROWS_SCAV : 0) | (one_file ? GOMEM_GCTRACE_ROWS_ONE_FILE : 0);
	if (c->follow) {
		o.window = c->window > 0 ? c->window : 600;
		o.max_events = 1u << 20;
	} else if (c->command) {
		o.max_events = 1u << 18;
	}
	fo.every = c->every;
	fo.read_on = c->command != NULL;
	fo.on_tick = on_tick;
	fo.on_error = on_error;
	fo.payload = k;
	if (gomem_gcreport_new(&k->report, &o) != GOMEM_OK ||
	    ((c->follow || c->command) && gomem_gcfollow_new(&k->follow, k->report, &fo) != GOMEM_OK)) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static void sink_close(struct sink *k)
{
	gomem_gcfollow_free(k->follow); /* a child still running is stopped here */
	gomem_gcreport_free(k->report);
	gomem_gctimeline_free(k->timeline);
}

/* --format svg: the timelines drawn. */
static int print_timeline(const struct sink *k)
{
	gomem_error err = {0};
	int rc = gomem_gctimeline_write_svg(k->timeline, k->fp, &err);

	if (rc == GOMEM_E_IO && errno == EPIPE)
		output_gone = 1;
	else if (rc != GOMEM_OK)
		cli_error_detail(&err);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* The report at the end: the events table closed, the timelines, or the summaries; then
 * what was left out. Lines that look like gctrace but could not be read,
 * and an input with none at all, are said in every mode (--events and the
 * machine formats too: the numbers would be silently short); the lines
 * that are not gctrace only in the people's format. */
static int report(struct sink *k, int failed)
{
	gomem_gctrace_counts n;
	int status = k->c->events ? end_events(k) : k->timeline ? print_timeline(k) : print_summaries(k, false, 1);

	gomem_gcreport_counts(k->report, &n);
	if (!failed)
		gomem_gctrace_counts_notes(stderr, "gomem gctrace", &n,
					   k->c->format == GOMEM_FORMAT_TABLE && !k->c->openmetrics);
	return status;
}

/* ---- reading -------------------------------------------------------------------------- */

/* A whole file (or stdin, gzip or not); what failed: the event table, or
 * the input. */
static int read_file(const char *spec, struct sink *k)
{
	gomem_error err = {0};

	if (gomem_gcreport_read_path(k->report, spec, &k->c->source, &err) == GOMEM_OK)
		return EXIT_OK;
	if (events_failed(k))
		return write_failed(gomem_gcreport_error(k->report));
	cli_error_detail(&err);
	return EXIT_TROUBLE;
}

static int run_files(const struct config *c, FILE *fp)
{
	static char *stdin_only[] = {"-", NULL};
	char **files = c->nfiles > 0 ? c->files : stdin_only;
	int nfiles = c->nfiles > 0 ? c->nfiles : 1;
	struct sink k = {0};
	int status = EXIT_OK;

	if (sink_open(&k, c, fp, nfiles == 1) != EXIT_OK) {
		sink_close(&k);
		return EXIT_TROUBLE;
	}
	/* An input that cannot be read is reported and the others still
	 * are: the exit status says something was missing. */
	for (int i = 0; i < nfiles; i++) {
		if (read_file(files[i], &k) != EXIT_OK) {
			status = EXIT_TROUBLE;
			if (events_failed(&k))
				break;
		}
	}
	if (!events_failed(&k) && report(&k, status != EXIT_OK) != EXIT_OK)
		status = EXIT_TROUBLE;
	sink_close(&k);
	return status;
}

/* ---- following: the library's follow loop, fed to the report ---------------------- */

static int run_follow(const struct config *c, FILE *fp)
{
	static char *stdin_only[] = {"-", NULL};
	char **files = c->nfiles > 0 ? c->files : stdin_only;
	int n = c->nfiles > 0 ? c->nfiles : 1;
	struct sink k = {0};
	gomem_error err = {0};
	gomem_follow *f;
	int status = sink_open(&k, c, fp, n == 1);

	for (int i = 0; i < n && status == EXIT_OK; i++) {
		if (gomem_follow_open(&f, files[i], !c->from_end, &err) != GOMEM_OK) {
			cli_error_detail(&err);
			status = EXIT_TROUBLE;
		} else if (gomem_gcfollow_add(k.follow, f, strcmp(files[i], "-") == 0 ? "<stdin>" : files[i]) !=
			   GOMEM_OK) {
			status = EXIT_TROUBLE;
		}
	}
	gomem_signals_catch();
	if (status == EXIT_OK && gomem_gcfollow_run(k.follow) != GOMEM_OK)
		status = EXIT_TROUBLE;
	if (end_events(&k) != EXIT_OK)
		status = EXIT_TROUBLE;
	sink_close(&k);
	return status;
}

/* ---- a child ----------------------------------------------------------------------------- */

/* Runs the command with gctrace on, its stderr passed through, until it
 * exits (not until its stderr closes); SIGTERM and SIGHUP on us are passed
 * on to it. The exit status is the command's. */
static int run_child(const struct config *c, FILE *fp)
{
	struct sink k = {0};
	gomem_error err = {0};
	const char *slash = strrchr(c->command[0], '/');
	const char *name = slash ? slash + 1 : c->command[0];
	gomem_follow *f = NULL;
	int status, rc;

	gomem_signals_catch();
	if (sink_open(&k, c, fp, 1) != EXIT_OK) {
		sink_close(&k);
		return EXIT_TROUBLE;
	}
	if (gomem_follow_spawn(&f, c->command, "gctrace=1", 1, 0, &err) != GOMEM_OK ||
	    gomem_gcfollow_add(k.follow, f, name) != GOMEM_OK) {
		cli_error_detail(&err);
		end_events(&k);
		sink_close(&k);
		return err.code == GOMEM_E_NOTFOUND ? 127 : 126;
	}
	rc = gomem_gcfollow_run(k.follow);
	status = gomem_follow_exit_status(f);
	if (status == GOMEM_FOLLOW_STATUS_LOST || status < 0) {
		cli_errorf("%s: its exit status was lost (reaped by someone else)", name);
		status = EXIT_TROUBLE;
	}
	/* Trouble writing the report is said on stderr; the status is the
	 * child's, as the caller of the command expects. */
	report(&k, rc != GOMEM_OK);
	sink_close(&k);
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
	if (rc == GOMEM_OK && c->svg)
		rc = gomem_whatif_write_svg(fp, c->nfiles ? c->files[0] : "<stdin>", m, s, n, NULL, &err);
	else if (rc == GOMEM_OK)
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
		return run_child(&c, stderr);
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
