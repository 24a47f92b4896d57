/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-goroutines — what the goroutines of a dump are doing, grouped, and
 * which groups grew between two dumps (the leak). Parsing, bucketing, the
 * summary and the diff are libgomem's; this file parses options and prints. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum {
	OPT_DIFF = OPT_TOOL_BASE, OPT_FULL, OPT_STATE, OPT_MATCH, OPT_EXCLUDE, OPT_MIN_COUNT,
	OPT_MIN_WAIT, OPT_SIMILARITY, OPT_TOP, OPT_FAIL_ABOVE,
	OPT_BINARY
};

static const cli_option options[] = {
	{"diff", 0, NULL, OPT_DIFF, "compare two dumps, BEFORE and AFTER: growth, new and\n"
				    "vanished buckets, leak suspects"},
	{"full", 0, NULL, OPT_FULL, "print every bucket with its whole stack"},
	{"state", 0, "STATE", OPT_STATE, "keep goroutines in STATE ('chan receive', 'select', ...;\n"
					 "repeatable, or comma-separated)"},
	{"match", 0, "REGEX", OPT_MATCH, "keep goroutines with a frame (function or file:line)\n"
					 "or created-by function matching REGEX"},
	{"exclude", 0, "REGEX", OPT_EXCLUDE, "drop goroutines with a frame matching REGEX"},
	{"min-count", 0, "N", OPT_MIN_COUNT, "hide buckets of fewer than N goroutines"},
	{"min-wait", 0, "DURATION", OPT_MIN_WAIT, "keep goroutines blocked at least DURATION ('5m', '1h';\n"
						  "Go prints whole minutes)"},
	{"similarity", 0, "LEVEL", OPT_SIMILARITY, "bucket by exact, pointers (default: pointer arguments\n"
						   "ignored), args (all arguments ignored) or functions"},
	{"top", 0, "N", OPT_TOP, "rows per section of the table (default 10, 20 with --diff);\n"
				 "0 shows all"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json, ndjson, folded or svg\n"
					 "(a flame graph: by state, or by growth with --diff)"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"fail-above", 0, "N", OPT_FAIL_ABOVE, "with --diff: exit 1 when the leak suspects grew by\n"
					       "more than N goroutines"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse inputs larger than SIZE decompressed\n"
					       "(default: no limit; a dump is streamed)"},
	CLI_OPTION_HEADER,
	CLI_OPTION_TIMEOUT,
	{"binary", 0, "BIN", OPT_BINARY, "symbolize a dump that carries only addresses with the\n"
					 "Go binary BIN that wrote it"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"goroutines", "[OPTION]... DUMP\n       gomem goroutines --diff [OPTION]... BEFORE AFTER",
	"Group the goroutines of a Go goroutine dump by what they are doing, or show\n"
	"which groups grew between two dumps. DUMP: /debug/pprof/goroutine?debug=2 or\n"
	"debug=1 text, a debug=0 profile, runtime.Stack(all), a panic or SIGQUIT\n"
	"traceback (also inside a log); a file, gzip, '-' for standard input, or an\n"
	"http(s) URL of a live /debug/pprof/goroutine endpoint.",
	options,
	"Exit status: 0 success, 1 --fail-above tripped, 2 trouble (no goroutine found,\n"
	"an input that cannot be read, bad usage).\n"
	"Example: gomem goroutines --diff before.txt after.txt\n"
	"See gomem-goroutines(1) for the sections, the columns and the formats.\n"
};

#define MAX_STATES 64

struct config {
	int diff, full, no_color, top_set;
	size_t top;
	const char *format;
	const char *output;
	const char *binary;
	const char *states[MAX_STATES];
	gomem_goroutine_filter filter;
	gomem_similarity similarity;
	int fail_set;
	uint64_t fail_above;
	gomem_source_options source;
	const char *headers[CLI_MAX_HEADERS];
	const char *inputs[2];
	int ninputs;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_count(const char *arg, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (*arg < '0' || *arg > '9')
		return -1;
	n = strtoull(arg, &end, 10);
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

static int add_states(struct config *c, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;

	if (copy == NULL)
		return -1;
	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			continue;
		if (c->filter.nstates == MAX_STATES) {
			free(copy);
			return -1;
		}
		c->states[c->filter.nstates++] = arg + (s - copy);
	}
	free(copy);
	return 0;
}

/* One option of the table, into the config CTX (cli_parse's callback). */
static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	uint64_t n;
	double secs;

	switch (id) {
	case OPT_DIFF: c->diff = 1; break;
	case OPT_FULL: c->full = 1; break;
	case OPT_STATE:
		if (strchr(arg, ',') == NULL) {
			if (c->filter.nstates == MAX_STATES)
				return usage_error("--state: at most %d states", MAX_STATES);
			c->states[c->filter.nstates++] = arg;
		} else if (add_states(c, arg) != 0) {
			return usage_error("--state: at most %d states", MAX_STATES);
		}
		break;
	case OPT_MATCH: c->filter.match = arg; break;
	case OPT_EXCLUDE: c->filter.exclude = arg; break;
	case OPT_MIN_COUNT:
		if (parse_count(arg, &n) != 0)
			return usage_error("--min-count: '%s' is not a count", arg);
		c->filter.min_count = n;
		break;
	case OPT_MIN_WAIT:
		if (gomem_parse_duration(&secs, arg) != GOMEM_OK || secs > 1e15)
			return usage_error("--min-wait: '%s' is not a duration", arg);
		c->filter.min_wait = (int64_t)((secs + 59.999) / 60); /* whole minutes, up */
		break;
	case OPT_SIMILARITY:
		if (gomem_similarity_parse(&c->similarity, arg) != GOMEM_OK)
			return usage_error("--similarity: '%s' is not exact, pointers, args or functions", arg);
		break;
	case OPT_TOP:
		if (parse_count(arg, &n) != 0 || n > SIZE_MAX)
			return usage_error("--top: '%s' is not a count", arg);
		c->top = (size_t)n;
		c->top_set = 1;
		break;
	case OPT_FORMAT: {
		gomem_format f;

		if (gomem_format_parse(&f, arg) != GOMEM_OK && strcmp(arg, "folded") != 0 &&
		    strcmp(arg, "svg") != 0)
			return usage_error("--format: '%s' is not table, csv, tsv, json, ndjson, folded or svg",
					   arg);
		c->format = arg;
		break;
	}
	case OPT_BINARY: c->binary = arg; break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	case OPT_FAIL_ABOVE:
		if (parse_count(arg, &n) != 0)
			return usage_error("--fail-above: '%s' is not a count of goroutines", arg);
		c->fail_above = n;
		c->fail_set = 1;
		break;
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
	int want = c->diff ? 2 : 1;

	if (rc != EXIT_OK)
		return rc;
	if (argc - optind != want) {
		if (c->diff)
			return usage_error("%s", "--diff needs BEFORE and AFTER dumps");
		return usage_error("%s", argc == optind ? "needs a DUMP (a file, '-' or a URL)"
							: "too many operands (two dumps need --diff)");
	}
	c->inputs[0] = argv[optind];
	c->inputs[1] = c->diff ? argv[optind + 1] : NULL;
	c->ninputs = want;
	if (c->fail_set && !c->diff)
		return usage_error("%s", "--fail-above needs --diff");
	if (c->full && c->diff)
		return usage_error("%s", "--full shows one dump's buckets: not with --diff");
	c->source.headers = c->headers;
	c->filter.states = c->filter.nstates ? c->states : NULL;
	return EXIT_OK;
}

/* ---- reading ------------------------------------------------------------- */

/* --binary: the dump's addresses symbolized with the binary that wrote it. */
static int read_symbolized(gomem_dump **out, gomem_source *src, const char *path, gomem_error *err)
{
	gomem_binary *bin = NULL;
	gomem_symbolizer *sym = NULL;
	int rc = gomem_binary_open(path, &bin, err);

	if (rc == GOMEM_OK && (rc = gomem_symbolizer_new(&sym, bin, NULL)) != GOMEM_OK)
		*err = *gomem_binary_error(bin);
	if (rc == GOMEM_OK)
		rc = gomem_symbolize_dump_read(out, src, sym, err);
	gomem_symbolizer_free(sym);
	gomem_binary_free(bin);
	return rc;
}

static int load(gomem_dump **out, const char *spec, const struct config *c)
{
	gomem_source *src = NULL;
	gomem_error err = {0};
	gomem_dump_warning w;
	char *url = NULL;
	int rc;

	/* The one URL rule: a base URL is its /debug/pprof/goroutine, and
	 * debug=2 (states, wait times, every goroutine) unless one is asked. */
	if (gomem_url_is_http(spec) &&
	    gomem_pprof_url(&url, spec, "goroutine", "debug=2", 0) != GOMEM_OK) {
		cli_errorf("%s: not an http(s) URL with a host", spec);
		return EXIT_TROUBLE;
	}
	rc = gomem_source_open(&src, url ? url : spec, &c->source, &err);
	gomem_free(url);
	if (rc == GOMEM_OK && c->binary)
		rc = read_symbolized(out, src, c->binary, &err);
	else if (rc == GOMEM_OK)
		rc = gomem_dump_read(out, src, &err);
	gomem_source_free(src);
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	for (size_t i = 0; i < gomem_dump_warning_count(*out); i++) {
		if (gomem_dump_warning_get(&w, *out, i) != GOMEM_OK)
			continue;
		if (w.line)
			cli_warnf("%s:%llu: %s", gomem_dump_name(*out), (unsigned long long)w.line, w.message);
		else
			cli_warnf("%s: %s", gomem_dump_name(*out), w.message);
	}
	if (gomem_dump_total(*out) == 0 && gomem_dump_format_of(*out) == GOMEM_DUMP_UNKNOWN) {
		cli_errorf("%s: no goroutine found", gomem_dump_name(*out));
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* ---- output ------------------------------------------------------------- */

/* How the report is written: --format (or folded), colour, --full, --top. */
static gomem_goroutine_report_options report_options(const struct config *c, FILE *fp)
{
	gomem_goroutine_report_options o = GOMEM_GOROUTINE_REPORT_OPTIONS_INIT;
	const char *fname = c->format ? c->format : "table";

	o.folded = strcmp(fname, "folded") == 0;
	gomem_format_parse(&o.format, fname);
	o.color = cli_use_color(fp, c->no_color);
	o.full = c->full;
	o.top = c->top;
	o.similarity = c->similarity;
	o.before = c->inputs[0];
	o.after = c->inputs[1];
	return o;
}

/* ERR says why the output failed, when the output layer knew. */
static int output_done(int rc, const gomem_error *err)
{
	if (rc != GOMEM_OK && err->code != GOMEM_OK)
		cli_error_detail(err);
	return rc;
}

static bool is_svg(const struct config *c)
{
	return c->format && strcmp(c->format, "svg") == 0;
}

/* --format svg: the flame graph of one dump or of a diff. */
static int write_svg(const gomem_buckets *b, const gomem_dump_diff *df, FILE *fp, const struct config *c)
{
	gomem_flame_options look = GOMEM_FLAME_OPTIONS_INIT;
	gomem_error err = {0};
	char sub[512];
	int rc;

	if (df)
		snprintf(sub, sizeof(sub), "%s \xe2\x86\x92 %s: widths from %s, colour by growth",
			 c->inputs[0], c->inputs[1], c->inputs[1]);
	else
		snprintf(sub, sizeof(sub), "%s: colour by state, darker the longer the wait", c->inputs[0]);
	look.subtitle = sub;
	rc = df ? gomem_dump_diff_write_svg(df, fp, &look, &err) : gomem_buckets_write_svg(b, fp, &look, &err);
	if (rc != GOMEM_OK)
		cli_error_detail(&err);
	return rc;
}

static int run_summary(const struct config *c, FILE *fp)
{
	gomem_summary_options so = GOMEM_SUMMARY_OPTIONS_INIT;
	gomem_goroutine_report_options o = report_options(c, fp);
	gomem_dump *d = NULL;
	gomem_summary *s = NULL;
	gomem_error err = {0};
	int rc, status;

	if ((status = load(&d, c->inputs[0], c)) != EXIT_OK) {
		gomem_dump_free(d);
		return status;
	}
	so.similarity = c->similarity;
	so.filter = &c->filter;
	so.top_waiting = c->top ? c->top : 10;
	if (gomem_summary_new(&s, d, &so, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		gomem_dump_free(d);
		return EXIT_TROUBLE;
	}
	if (is_svg(c))
		rc = write_svg(gomem_summary_buckets(s), NULL, fp, c);
	else
		rc = output_done(gomem_summary_write(fp, s, d, &o, &err), &err);
	gomem_summary_free(s);
	gomem_dump_free(d);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

static int run_diff(const struct config *c, FILE *fp, int *tripped)
{
	gomem_diff_options dopt = GOMEM_DIFF_OPTIONS_INIT;
	gomem_goroutine_report_options o = report_options(c, fp);
	gomem_dump *before = NULL, *after = NULL;
	gomem_dump_diff *df = NULL;
	gomem_error err = {0};
	int status;

	status = load(&before, c->inputs[0], c);
	if (status == EXIT_OK)
		status = load(&after, c->inputs[1], c);
	dopt.similarity = c->similarity;
	dopt.filter = &c->filter;
	if (status == EXIT_OK && gomem_dump_diff_new(&df, before, after, &dopt, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		status = EXIT_TROUBLE;
	}
	if (status == EXIT_OK) {
		if ((is_svg(c) ? write_svg(NULL, df, fp, c)
			       : output_done(gomem_dump_diff_write(fp, df, &o, &err), &err)) != GOMEM_OK)
			status = EXIT_TROUBLE;
		if (c->fail_set && !gomem_dump_has_states(before) && !gomem_dump_has_states(after))
			cli_warnf("--fail-above: these dumps carry no goroutine states, so no leak "
				  "suspect can be told and the gate cannot trip (debug=2 dumps have them)");
		if (c->fail_set && gomem_dump_diff_leak_growth(df) > c->fail_above) {
			cli_errorf("leak suspects grew by %llu goroutines, above --fail-above %llu",
				   (unsigned long long)gomem_dump_diff_leak_growth(df),
				   (unsigned long long)c->fail_above);
			*tripped = 1;
		}
	}
	gomem_dump_diff_free(df);
	gomem_dump_free(before);
	gomem_dump_free(after);
	return status;
}

int main(int argc, char **argv)
{
	struct config c;
	gomem_source_options sdefaults = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_goroutine_filter fdefaults = GOMEM_GOROUTINE_FILTER_INIT;
	int status, tripped = 0;
	FILE *fp;

	cli_set_name("gomem goroutines");
	memset(&c, 0, sizeof(c));
	c.source = sdefaults;
	c.source.max_input = UINT64_MAX; /* streamed: no cap unless asked */
	c.filter = fdefaults;
	c.similarity = GOMEM_SIMILARITY_POINTERS;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	if (!c.top_set)
		c.top = c.diff ? 20 : 10;
	if (c.format && strcmp(c.format, "table") != 0 && !c.top_set)
		c.top = 0;
	fp = cli_open_output(c.output);
	status = c.diff ? run_diff(&c, fp, &tripped) : run_summary(&c, fp);
	if (cli_close_output(fp, c.output) != 0)
		status = EXIT_TROUBLE;
	if (status == EXIT_OK && tripped)
		status = EXIT_GATE;
	return status;
}

