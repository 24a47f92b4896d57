/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-trace — what GC and the scheduler cost a Go program, from its
 * execution traces. Parses options, streams each trace through libgomem's
 * reader and analysis, prints the answer; every number is the library's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum {
	OPT_GC = OPT_TOOL_BASE, OPT_STW, OPT_LATENCY, OPT_BY, OPT_MMU, OPT_WINDOW, OPT_MMU_FLAGS, OPT_DUMP,
	OPT_PROFILE, OPT_TOP, OPT_LONGEST, OPT_FAIL_ABOVE
};

static const cli_option options[] = {
	{"gc", 0, NULL, OPT_GC, "one row per GC cycle: its pauses, mark, assists, heap"},
	{"stw", 0, NULL, OPT_STW, "one row per stop-the-world: reason, duration, time-to-stop"},
	{"latency", 0, NULL, OPT_LATENCY, "where goroutines waited to run (runnable -> running), and\n"
					  "the runs a stop-the-world waited for"},
	{"by", 0, "KEY", OPT_BY, "with --latency: stack (default), creator or function"},
	{"mmu", 0, NULL, OPT_MMU, "the minimum mutator utilization at each --window"},
	{"window", 0, "LIST", OPT_WINDOW, "MMU windows, comma-separated (default 1ms,10ms,100ms,1s)"},
	{"mmu-flags", 0, "FLAGS", OPT_MMU_FLAGS, "what counts against the mutator: stw, background,\n"
						 "assist, sweep, perProc, '|'-separated (default\n"
						 "stw|background|assist, as go tool trace's MMU view)"},
	{"dump", 0, NULL, OPT_DUMP, "print the events as go tool trace -d=1 prints them"},
	{"profile", 0, "KIND", OPT_PROFILE, "what folded and pprof hold: latency (default) or assist"},
	{"top", 0, "N", OPT_TOP, "rows of --latency (default 20 in the table, all elsewhere; 0 all)"},
	{"longest", 0, "N", OPT_LONGEST, "longest pauses and waited-for runs kept (default 10)"},
	{"fail-above", 0, "FIG=LIMIT", OPT_FAIL_ABOVE, "exit 1 when a trace's figure is worse than LIMIT\n"
						      "(e.g. stw.max=5ms, heap.peak=512MiB, mmu.10ms=0.5:\n"
						      "an MMU trips below; repeatable)"},
	{"format", 0, "FMT", OPT_FORMAT, "table, csv, tsv, json, ndjson, folded or pprof"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse inputs larger than SIZE decompressed (default\n"
						"1GiB); also what one generation may hold"},
	{"header", 0, "LINE", OPT_HEADER, "send 'Name: value' with HTTP requests (repeatable)"},
	{"timeout", 0, "DURATION", OPT_TIMEOUT, "HTTP timeout (default 60s, plus any seconds=N)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"trace", "[OPTION]... TRACE...",
	"What GC and the scheduler cost a Go program, from execution traces (runtime/trace,\n"
	"go test -trace, or an http(s) URL of /debug/pprof/trace?seconds=N; '-' is standard\n"
	"input; gzip is read too). Go 1.11 to 1.23 traces; Go 1.22+ ones are streamed.",
	options,
	"Exit status: 0 success, 1 --fail-above tripped, 2 trouble (bad input, bad usage).\n"
	"Example: gomem trace --stw --format csv app.trace\n"
	"See gomem-trace(1) for the figures and how they match go tool trace.\n"
};

#define MAX_GATES 32
#define MAX_WINDOWS 1024

enum mode { SUMMARY, GC, STW, LATENCY, MMU, DUMP };

struct config {
	enum mode mode;
	int mode_set, no_color, top, top_set;
	gomem_trace_options topts;
	int64_t windows[MAX_WINDOWS];
	const char *format_name;
	gomem_format fmt;
	gomem_trace_profile_kind profile;
	const char *output;
	const char *gates[MAX_GATES];
	size_t ngates;
	gomem_source_options source;
	const char *headers[CLI_MAX_HEADERS];
	char **files;
	int nfiles;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int set_mode(struct config *c, enum mode m, const char *name)
{
	if (c->mode_set && c->mode != m)
		return usage_error("%s: one of --gc, --stw, --latency, --mmu and --dump at a time", name);
	c->mode = m;
	c->mode_set = 1;
	return EXIT_OK;
}

static int parse_windows(struct config *c, const char *arg)
{
	char buf[64];

	c->topts.nmmu_windows = 0;
	while (*arg) {
		size_t n = strcspn(arg, ",");
		double secs;

		if (n == 0 || n >= sizeof(buf) || c->topts.nmmu_windows == MAX_WINDOWS)
			return usage_error("--window: '%s' is not a list of durations", arg);
		memcpy(buf, arg, n);
		buf[n] = '\0';
		if (gomem_parse_duration(&secs, buf) != GOMEM_OK || secs <= 0 || secs > 9.2e9)
			return usage_error("--window: '%s' is not a duration", buf);
		c->windows[c->topts.nmmu_windows++] = (int64_t)llround(secs * 1e9);
		arg += n + (arg[n] == ',');
	}
	c->topts.mmu_windows = c->windows;
	return EXIT_OK;
}

static int parse_count(const char *opt, const char *arg, int *out)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || n < 0 || n > 1000000)
		return usage_error("%s: '%s' is not a count", opt, arg);
	*out = (int)n;
	return EXIT_OK;
}

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	int n;

	switch (id) {
	case OPT_GC: return set_mode(c, GC, "--gc");
	case OPT_STW: return set_mode(c, STW, "--stw");
	case OPT_LATENCY: return set_mode(c, LATENCY, "--latency");
	case OPT_MMU: return set_mode(c, MMU, "--mmu");
	case OPT_DUMP: return set_mode(c, DUMP, "--dump");
	case OPT_BY:
		if (gomem_trace_by_parse(&c->topts.by, arg) != GOMEM_OK)
			return usage_error("--by: '%s' is not stack, creator or function", arg);
		return EXIT_OK;
	case OPT_WINDOW: return parse_windows(c, arg);
	case OPT_MMU_FLAGS:
		if (gomem_trace_util_flags_parse(&c->topts.util_flags, arg) != GOMEM_OK || c->topts.util_flags == 0)
			return usage_error("--mmu-flags: '%s' is not stw, background, assist, sweep or perProc", arg);
		return EXIT_OK;
	case OPT_PROFILE:
		if (strcmp(arg, "latency") != 0 && strcmp(arg, "assist") != 0)
			return usage_error("--profile: '%s' is not latency or assist", arg);
		c->profile = strcmp(arg, "assist") == 0 ? GOMEM_TRACE_PROFILE_ASSIST : GOMEM_TRACE_PROFILE_LATENCY;
		return EXIT_OK;
	case OPT_TOP:
		c->top_set = 1;
		return parse_count("--top", arg, &c->top);
	case OPT_LONGEST:
		if (parse_count("--longest", arg, &n) != EXIT_OK || n == 0)
			return usage_error("--longest: '%s' is not a count above 0", arg);
		c->topts.keep_longest = (size_t)n;
		return EXIT_OK;
	case OPT_FAIL_ABOVE:
		if (strchr(arg, '=') == NULL || arg[0] == '=' || c->ngates == MAX_GATES)
			return usage_error("--fail-above: '%s' is not FIGURE=LIMIT", arg);
		c->gates[c->ngates++] = arg;
		return EXIT_OK;
	case OPT_FORMAT:
		c->format_name = arg;
		if (strcmp(arg, "folded") == 0 || strcmp(arg, "pprof") == 0 || gomem_format_parse(&c->fmt, arg) == 0)
			return EXIT_OK;
		return usage_error("--format: '%s' is not table, csv, tsv, json, ndjson, folded or pprof", arg);
	case OPT_OUTPUT: c->output = arg; return EXIT_OK;
	case OPT_NO_COLOR: c->no_color = 1; return EXIT_OK;
	default:
		n = cli_input_option(&tool, &c->source, c->headers, id, arg);
		return n == CLI_NOT_INPUT_OPTION ? EXIT_TROUBLE : n;
	}
}

static int is_profile_format(const struct config *c)
{
	return c->format_name && (strcmp(c->format_name, "folded") == 0 || strcmp(c->format_name, "pprof") == 0);
}

static int parse_args(struct config *c, int argc, char **argv)
{
	int rc = cli_parse(&tool, argc, argv, parse_option, c);

	if (rc != EXIT_OK)
		return rc;
	c->source.headers = c->headers;
	c->topts.reader.max_generation = c->source.max_input;
	c->files = argv + optind;
	c->nfiles = argc - optind;
	if (c->nfiles == 0)
		return usage_error("%s", "needs a TRACE");
	if (is_profile_format(c) && (c->nfiles != 1 || (c->mode != SUMMARY && c->mode != LATENCY)))
		return usage_error("--format=%s: one TRACE, and no --gc, --stw, --mmu or --dump", c->format_name);
	if (c->mode == DUMP && (c->format_name || c->ngates))
		return usage_error("%s", "--dump prints Go's text: not with --format or --fail-above");
	if (!c->top_set && c->fmt == GOMEM_FORMAT_TABLE)
		c->top = 20;
	return EXIT_OK;
}

/* ---- reading ------------------------------------------------------------------- */

static int open_trace(const struct config *c, const char *spec, gomem_source **src)
{
	gomem_source_options so = c->source;
	gomem_error err = {0};
	char *url = NULL;
	int rc;

	/* the one URL rule: a base URL names its /debug/pprof/trace (the
	 * source adds the seconds=N a trace takes to the timeout) */
	if (gomem_url_is_http(spec) && gomem_pprof_url(&url, spec, "trace", NULL, 0) != GOMEM_OK) {
		cli_errorf("%s: not an http(s) URL with a host", spec);
		return EXIT_TROUBLE;
	}
	rc = gomem_source_open(src, url ? url : spec, &so, &err);
	gomem_free(url);
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static int analyze(const struct config *c, const char *spec, gomem_trace_analysis **a)
{
	gomem_source *src;
	gomem_error err = {0};
	int rc;

	if (open_trace(c, spec, &src) != EXIT_OK)
		return EXIT_TROUBLE;
	rc = gomem_trace_analyze(a, src, &c->topts, &err);
	gomem_source_free(src);
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* --dump: the events as they come, in Go's own words. */
static int dump(const struct config *c, const char *spec, FILE *fp)
{
	gomem_trace_reader *r = NULL;
	const gomem_trace_event *ev;
	gomem_source *src;
	const uint8_t *d;
	size_t n;
	int rc;

	if (open_trace(c, spec, &src) != EXIT_OK)
		return EXIT_TROUBLE;
	rc = gomem_trace_reader_new(&r, gomem_source_name(src), &c->topts.reader);
	while (rc == GOMEM_OK) {
		if ((rc = gomem_source_read(src, &d, &n)) != GOMEM_OK) {
			cli_error_detail(gomem_source_error(src));
			break;
		}
		rc = n ? gomem_trace_reader_feed(r, d, n) : gomem_trace_reader_finish(r);
		while (rc == GOMEM_OK && (rc = gomem_trace_reader_next(r, &ev)) == 1)
			rc = gomem_trace_event_write(fp, r, ev);
		if (rc < 0)
			cli_error_detail(rc == GOMEM_E_IO ? &(gomem_error){GOMEM_E_IO, "write failed", "", 0, 0, 0, 0}
							  : gomem_trace_reader_error(r));
		if (n == 0)
			break;
	}
	gomem_trace_reader_free(r);
	gomem_source_free(src);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* ---- gates ------------------------------------------------------------------------- */

/* FIGURE=LIMIT: a duration for times, a size for bytes, a number else. */
static int gate_limit(const gomem_trace_figure *f, const char *text, double *limit)
{
	uint64_t size;

	switch (f->unit) {
	case GOMEM_TRACE_FIG_SECONDS: return gomem_parse_duration(limit, text);
	case GOMEM_TRACE_FIG_BYTES:
		if (gomem_parse_size(&size, text) != GOMEM_OK)
			return GOMEM_E_INVALID;
		*limit = (double)size;
		return GOMEM_OK;
	default: return gomem_parse_number(limit, text);
	}
}

/* 1 when a gate trips on this trace (reported), 0 not, -1 a bad gate. */
static int gates_tripped(const struct config *c, const gomem_trace_analysis *a, const char *file)
{
	int tripped = 0;

	for (size_t i = 0; i < c->ngates; i++) {
		const char *eq = strchr(c->gates[i], '=');
		char name[64];
		const gomem_trace_figure *f;
		double limit;

		snprintf(name, sizeof(name), "%.*s", (int)(eq - c->gates[i]), c->gates[i]);
		if ((f = gomem_trace_figure_find(a, name)) == NULL) {
			usage_error("--fail-above: no figure '%s' (see gomem-trace(1): stw.max, mmu.10ms, ...)", name);
			return -1;
		}
		if (gate_limit(f, eq + 1, &limit) != GOMEM_OK) {
			usage_error("--fail-above: '%s' is not a limit for %s", eq + 1, name);
			return -1;
		}
		if (isnan(f->value) || (f->lower_is_worse ? f->value >= limit : f->value <= limit))
			continue;
		cli_errorf("%s: %s is %.9g, %s --fail-above %s", file, name, f->value,
			   f->lower_is_worse ? "below" : "above", eq + 1);
		tripped = 1;
	}
	return tripped;
}

/* ---- output ---------------------------------------------------------------------- */

static gomem_trace_table_kind table_of(enum mode m)
{
	switch (m) {
	case GC: return GOMEM_TRACE_TABLE_GC;
	case STW: return GOMEM_TRACE_TABLE_STW;
	case LATENCY: return GOMEM_TRACE_TABLE_LATENCY;
	case MMU: return GOMEM_TRACE_TABLE_MMU;
	default: return GOMEM_TRACE_TABLE_SUMMARY;
	}
}

static int profile_out(const struct config *c, const gomem_trace_analysis *a, FILE *fp)
{
	gomem_error err = {0};
	int rc;

	if (strcmp(c->format_name, "pprof") == 0 && isatty(fileno(fp)))
		return usage_error("%s", "--format=pprof is binary: not writing it to a terminal (use -o FILE)");
	if (strcmp(c->format_name, "pprof") == 0)
		rc = gomem_trace_write_pprof(a, c->profile, fp, &err);
	else
		rc = gomem_trace_write_folded(a, c->profile, fp, &err);
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* A table of its own, for the text formats' sections. */
static int section(const struct config *c, const gomem_trace_analysis *a, gomem_trace_table_kind kind,
		   const char *file, FILE *fp)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_column *cols;
	gomem_table *t = NULL;
	size_t n;
	int rc;

	if ((rc = gomem_trace_columns_new(&cols, &n, kind, &c->topts)) != GOMEM_OK) {
		cli_errorf("%s", gomem_strerror(rc));
		return EXIT_TROUBLE;
	}
	cols[0].flags |= GOMEM_COL_MACHINE_ONLY;
	to.color = cli_use_color(fp, c->no_color);
	if ((rc = gomem_table_new(&t, cols, n, fp, &to)) == GOMEM_OK &&
	    (rc = gomem_trace_table_rows(a, kind, file, (size_t)c->top, t)) == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	gomem_trace_columns_free(cols, n);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* The text formats of one trace: the summary's report, or --latency's two
 * tables (the waits, then the runs stop-the-worlds waited for). */
static int report(const struct config *c, const gomem_trace_analysis *a, const char *file, FILE *fp)
{
	gomem_error err = {0};
	int status;

	if (c->mode == LATENCY) {
		fprintf(fp, "%s: runnable to running, by %s\n", file,
			c->topts.by == GOMEM_TRACE_BY_CREATOR ? "creator" : c->topts.by == GOMEM_TRACE_BY_FUNCTION
			? "function" : "stack");
		if ((status = section(c, a, GOMEM_TRACE_TABLE_WAITS, file, fp)) != EXIT_OK)
			return status;
		fprintf(fp, "\n%s: runs a stop-the-world waited for\n", file);
		return section(c, a, GOMEM_TRACE_TABLE_STW_WAITS, file, fp);
	}
	if (gomem_trace_write_report(a, file, fp, cli_use_color(fp, c->no_color), &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* Every trace in turn, one analysis held at a time: rows go out as each is
 * read (CSV, TSV, NDJSON and JSON stream; the text table holds its rows). */
static int run(const struct config *c, FILE *fp, int *tripped)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_trace_table_kind kind = table_of(c->mode);
	int single_report = c->fmt == GOMEM_FORMAT_TABLE && !is_profile_format(c) &&
			    ((c->mode == SUMMARY && c->nfiles == 1) || c->mode == LATENCY);
	gomem_column *cols = NULL;
	gomem_table *t = NULL;
	size_t ncols = 0;
	int status = EXIT_OK, rc = GOMEM_OK;

	if (!single_report && !is_profile_format(c) && c->mode != DUMP) {
		if (gomem_trace_columns_new(&cols, &ncols, kind, &c->topts) != GOMEM_OK) {
			cli_errorf("out of memory");
			return EXIT_TROUBLE;
		}
		if (c->nfiles == 1 && c->fmt == GOMEM_FORMAT_TABLE)
			cols[0].flags |= GOMEM_COL_MACHINE_ONLY;
		to.format = c->fmt;
		to.color = c->fmt == GOMEM_FORMAT_TABLE && cli_use_color(fp, c->no_color);
		to.schema = "gomem.trace/1";
		if ((rc = gomem_table_new(&t, cols, ncols, fp, &to)) != GOMEM_OK) {
			gomem_trace_columns_free(cols, ncols);
			cli_errorf("%s", gomem_strerror(rc));
			return EXIT_TROUBLE;
		}
	}
	for (int i = 0; i < c->nfiles && status == EXIT_OK && rc == GOMEM_OK; i++) {
		gomem_trace_analysis *a = NULL;
		int g;

		if (c->mode == DUMP) {
			status = dump(c, c->files[i], fp);
			continue;
		}
		if ((status = analyze(c, c->files[i], &a)) != EXIT_OK)
			break;
		if (single_report && i > 0)
			fputc('\n', fp);
		if ((g = gates_tripped(c, a, c->files[i])) < 0)
			status = EXIT_TROUBLE;
		*tripped |= g > 0;
		if (status == EXIT_OK && single_report)
			status = report(c, a, c->files[i], fp);
		else if (status == EXIT_OK && is_profile_format(c))
			status = profile_out(c, a, fp);
		else if (status == EXIT_OK)
			rc = gomem_trace_table_rows(a, kind, c->files[i], (size_t)c->top, t);
		gomem_trace_analysis_free(a);
	}
	if (t && status == EXIT_OK) {
		if (rc == GOMEM_OK)
			rc = gomem_table_end(t);
		if (rc != GOMEM_OK) {
			cli_error_detail(gomem_table_error(t));
			status = EXIT_TROUBLE;
		}
	}
	gomem_table_free(t);
	gomem_trace_columns_free(cols, ncols);
	return status;
}

int main(int argc, char **argv)
{
	gomem_trace_options topts = GOMEM_TRACE_OPTIONS_INIT;
	gomem_source_options sopts = GOMEM_SOURCE_OPTIONS_INIT;
	struct config c;
	int status, tripped = 0;
	FILE *fp;

	cli_set_name("gomem trace");
	memset(&c, 0, sizeof(c));
	c.topts = topts;
	c.source = sopts;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	fp = cli_open_output(c.output);
	status = run(&c, fp, &tripped);
	if (cli_close_output(fp, c.output) != 0)
		status = EXIT_TROUBLE;
	if (status == EXIT_OK && tripped)
		status = EXIT_GATE;
	return status;
}
