/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-goroutines — what the goroutines of a dump are doing, grouped, and
 * which groups grew between two dumps (the leak). Parsing, bucketing, the
 * summary and the diff are libgomem's; this file parses options and prints. */
#include <limits.h>
#include <stdbool.h>
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
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json, ndjson or folded"},
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

		if (gomem_format_parse(&f, arg) != GOMEM_OK && strcmp(arg, "folded") != 0)
			return usage_error("--format: '%s' is not table, csv, tsv, json, ndjson or folded", arg);
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

/* ---- shared helpers ------------------------------------------------------ */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* "file:line" of a frame into BUF (the base name of the file unless FULL). */
static const char *site(char *buf, size_t size, const gomem_goroutine_frame *f, int full)
{
	if (f->file[0] == '\0')
		snprintf(buf, size, "?");
	else if (f->line > 0)
		snprintf(buf, size, "%s:%lld", full ? f->file : base_name(f->file), (long long)f->line);
	else
		snprintf(buf, size, "%s", full ? f->file : base_name(f->file));
	return buf;
}

static gomem_cell wait_cell(int64_t minutes)
{
	gomem_cell cell = {0};

	cell.null = minutes < 0;
	cell.d = minutes < 0 ? 0 : (double)minutes * 60;
	return cell;
}

static int table_done(gomem_table *t, int rc)
{
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK && t)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	return rc;
}

static int open_table(gomem_table **t, const gomem_column *cols, size_t n, FILE *fp,
		      gomem_format fmt, const struct config *c, const char *schema)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	int rc;

	to.format = fmt;
	to.color = fmt == GOMEM_FORMAT_TABLE && cli_use_color(fp, c->no_color);
	to.schema = schema;
	*t = NULL;
	rc = gomem_table_new(t, cols, n, fp, &to);
	if (rc != GOMEM_OK)
		cli_errorf("output: %s", gomem_strerror(rc));
	return rc;
}

/* ---- the summary ----------------------------------------------------------- */

static const char *const wait_names[GOMEM_WAIT_CLASSES] = {
	"wait_none", "wait_1m", "wait_5m", "wait_15m", "wait_60m"}; /* as in the JSON */
static const char *const wait_titles[GOMEM_WAIT_CLASSES] = {
	"no wait", "1-4m", "5-14m", "15-59m", "60m+"};

static int print_states(const gomem_summary *s, FILE *fp, const struct config *c)
{
	gomem_column cols[4 + GOMEM_WAIT_CLASSES];
	gomem_cell cells[4 + GOMEM_WAIT_CLASSES];
	uint64_t total = gomem_summary_total(s);
	gomem_table *t;
	int rc;

	cols[0] = (gomem_column){"state", NULL, GOMEM_COL_TEXT, 0};
	cols[1] = (gomem_column){"count", NULL, GOMEM_COL_COUNT, 0};
	cols[2] = (gomem_column){"pct", "%", GOMEM_COL_PERCENT, 0};
	for (int k = 0; k < GOMEM_WAIT_CLASSES; k++)
		cols[3 + k] = (gomem_column){wait_names[k], wait_titles[k], GOMEM_COL_COUNT, 0};
	cols[3 + GOMEM_WAIT_CLASSES] = (gomem_column){"wait_max", "max wait", GOMEM_COL_DURATION, 0};
	fprintf(fp, "\nBy state:\n");
	if ((rc = open_table(&t, cols, 4 + GOMEM_WAIT_CLASSES, fp, GOMEM_FORMAT_TABLE, c, NULL)))
		return rc;
	for (size_t i = 0; i < gomem_summary_state_count(s) && rc == GOMEM_OK; i++) {
		const gomem_summary_state *st = gomem_summary_state_get(s, i);

		memset(cells, 0, sizeof(cells));
		cells[0].s = st->state[0] ? st->state : "(none)";
		cells[1].i = (int64_t)st->count;
		cells[2].d = total ? 100.0 * (double)st->count / (double)total : 0;
		for (int k = 0; k < GOMEM_WAIT_CLASSES; k++)
			cells[3 + k].i = (int64_t)st->wait[k];
		cells[3 + GOMEM_WAIT_CLASSES] = wait_cell(st->wait_max);
		rc = gomem_table_row(t, cells);
	}
	return table_done(t, rc);
}

/* "chan receive" or "select 3, chan receive 2", with the wait range. */
static void bucket_states(char *buf, size_t size, const gomem_bucket *b)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < b->nstates && len < size; i++) {
		const char *st = b->states[i].state[0] ? b->states[i].state : "?";

		if (b->nstates == 1)
			len += (size_t)snprintf(buf + len, size - len, "%s", st);
		else
			len += (size_t)snprintf(buf + len, size - len, "%s%s %llu", i ? ", " : "", st,
						(unsigned long long)b->states[i].count);
	}
	if (len < size && b->wait_max >= 0) {
		if (b->wait_min == b->wait_max)
			snprintf(buf + len, size - len, ", %lld min", (long long)b->wait_max);
		else
			snprintf(buf + len, size - len, ", %lld-%lld min", (long long)b->wait_min,
				 (long long)b->wait_max);
	}
}

/* One bucket as a block: count and states, frames (leaf first), created by. */
static void print_bucket(const gomem_dump *d, const gomem_bucket *b, size_t max_frames, int full,
			 bool has_states, FILE *fp, int color)
{
	gomem_goroutine_stack st;
	gomem_goroutine_frame f;
	char states[512], where[4096];
	size_t shown;

	fprintf(fp, "%s%7llu%s", color ? "\033[1m" : "", (unsigned long long)b->count, color ? "\033[0m" : "");
	if (has_states) {
		bucket_states(states, sizeof(states), b);
		gomem_text_printf(fp, "  [%s]%s", states, b->flags & GOMEM_GOROUTINE_LOCKED ? " locked to thread" : "");
	}
	fputc('\n', fp);
	if (gomem_dump_stack(&st, d, b->stack) != GOMEM_OK)
		return;
	if (st.nframes == 0)
		fprintf(fp, "         (no stack recorded)\n");
	shown = max_frames && st.nframes > max_frames ? max_frames : st.nframes;
	for (size_t i = 0; i < shown; i++) {
		if (st.elided_at == i && full) {
			if (st.elided_count >= 0)
				fprintf(fp, "         ...%lld frames elided...\n", (long long)st.elided_count);
			else
				fprintf(fp, "         ...additional frames elided...\n");
		}
		if (gomem_dump_frame(&f, d, st.frames[i]) != GOMEM_OK)
			continue;
		if (full)
			gomem_text_printf(fp, "         %s(%s)\n             %s\n", f.function, f.args,
				site(where, sizeof(where), &f, 1));
		else
			gomem_text_printf(fp, "         %-40s %s\n", f.function, site(where, sizeof(where), &f, 0));
	}
	if (full && st.elided_at == st.nframes)
		fprintf(fp, "         ...additional frames elided...\n");
	if (shown < st.nframes)
		fprintf(fp, "         ... %zu more frames\n", st.nframes - shown);
	if (b->created_by != GOMEM_GOROUTINE_NONE && gomem_dump_frame(&f, d, b->created_by) == GOMEM_OK)
		gomem_text_printf(fp, "         created by %s at %s\n", f.function, site(where, sizeof(where), &f, full));
}

static int print_groups(const gomem_summary *s, int creators, FILE *fp, const struct config *c)
{
	static const gomem_column cols[] = {
		{"name", NULL, GOMEM_COL_TEXT, 0},
		{"site", NULL, GOMEM_COL_TEXT, 0},
		{"count", NULL, GOMEM_COL_COUNT, 0},
		{"pct", "%", GOMEM_COL_PERCENT, 0},
	};
	gomem_column cl[4];
	size_t n = creators ? gomem_summary_creator_count(s) : gomem_summary_package_count(s);
	size_t shown = c->top && n > c->top ? c->top : n;
	uint64_t total = gomem_summary_total(s);
	gomem_table *t;
	gomem_cell cells[4];
	char where[4096];
	int rc;

	memcpy(cl, cols, sizeof(cl));
	cl[0].name = creators ? "created_by" : "package";
	if (!creators)
		cl[1].flags = GOMEM_COL_MACHINE_ONLY;
	fprintf(fp, "\nBy %s:\n", creators ? "created-by site" : "package (topmost non-runtime frame)");
	if ((rc = open_table(&t, cl, 4, fp, GOMEM_FORMAT_TABLE, c, NULL)))
		return rc;
	for (size_t i = 0; i < shown && rc == GOMEM_OK; i++) {
		const gomem_summary_group *g = creators ? gomem_summary_creator_get(s, i)
						       : gomem_summary_package_get(s, i);
		gomem_goroutine_frame f = {0};

		memset(cells, 0, sizeof(cells));
		cells[0].s = g->name[0] ? g->name : creators ? "(none)" : "(no stack)";
		f.file = g->file;
		f.line = g->line;
		cells[1].s = g->file[0] ? site(where, sizeof(where), &f, 0) : "";
		cells[2].i = (int64_t)g->count;
		cells[3].d = total ? 100.0 * (double)g->count / (double)total : 0;
		rc = gomem_table_row(t, cells);
	}
	rc = table_done(t, rc);
	if (rc == GOMEM_OK && shown < n)
		fprintf(fp, "(%zu of %zu; --top 0 shows all)\n", shown, n);
	return rc;
}

static int print_waiting(const gomem_summary *s, const gomem_dump *d, FILE *fp, const struct config *c)
{
	static const gomem_column cols[] = {
		{"id", "goroutine", GOMEM_COL_COUNT, 0},
		{"state", NULL, GOMEM_COL_TEXT, 0},
		{"wait", NULL, GOMEM_COL_DURATION, 0},
		{"function", "top frame", GOMEM_COL_TEXT, 0},
		{"created_by", "created by", GOMEM_COL_TEXT, 0},
	};
	size_t n = 0;
	const uint32_t *idx = gomem_summary_longest_waiting(s, &n);
	gomem_table *t;
	gomem_cell cells[5];
	int rc;

	fprintf(fp, "\nLongest waiting:\n");
	if (n == 0) {
		fprintf(fp, "(no goroutine printed a wait time: Go shows one after a minute blocked)\n");
		return GOMEM_OK;
	}
	if ((rc = open_table(&t, cols, 5, fp, GOMEM_FORMAT_TABLE, c, NULL)))
		return rc;
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		gomem_goroutine g;
		gomem_goroutine_stack st;
		gomem_goroutine_frame top = {0}, by = {0};

		if (gomem_dump_goroutine(&g, d, idx[i]) != GOMEM_OK)
			continue;
		top.function = by.function = "";
		if (gomem_dump_stack(&st, d, g.stack) == GOMEM_OK && st.nframes)
			gomem_dump_frame(&top, d, st.frames[0]);
		if (g.created_by != GOMEM_GOROUTINE_NONE)
			gomem_dump_frame(&by, d, g.created_by);
		memset(cells, 0, sizeof(cells));
		cells[0].i = (int64_t)g.id;
		cells[0].null = !(g.flags & GOMEM_GOROUTINE_HAS_ID);
		cells[1].s = g.state;
		cells[2] = wait_cell(g.wait_minutes);
		cells[3].s = top.function;
		cells[4].s = by.function;
		rc = gomem_table_row(t, cells);
	}
	return table_done(t, rc);
}

static int summary_table(const gomem_summary *s, const gomem_dump *d, FILE *fp, const struct config *c)
{
	const gomem_buckets *bs = gomem_summary_buckets(s);
	size_t nb = gomem_buckets_count(bs);
	size_t shown = c->full || c->top == 0 || nb < c->top ? nb : c->top;
	int color = cli_use_color(fp, c->no_color);
	bool states = gomem_dump_has_states(d);
	gomem_bucket b;
	int rc;

	gomem_text_printf(fp, "%s: %llu goroutines in %zu buckets (%s, similarity %s)\n", gomem_dump_name(d),
		(unsigned long long)gomem_summary_total(s), nb, gomem_dump_format_name(gomem_dump_format_of(d)),
		gomem_similarity_name(c->similarity));
	if (gomem_dump_reason(d)[0])
		gomem_text_printf(fp, "%s\n", gomem_dump_reason(d));
	if (gomem_dump_total(d) != gomem_summary_total(s))
		fprintf(fp, "(%llu of %llu goroutines pass the filters)\n",
			(unsigned long long)gomem_summary_total(s), (unsigned long long)gomem_dump_total(d));
	if (!states)
		fprintf(fp, "A %s dump carries no goroutine states, wait times or creators: none are shown.\n",
			gomem_dump_format_name(gomem_dump_format_of(d)));
	if (!c->full && states && (rc = print_states(s, fp, c)) != GOMEM_OK)
		return rc;
	if (c->full)
		fprintf(fp, "\nEvery bucket, whole stacks (leaf first):\n");
	else
		fprintf(fp, "\nLargest buckets (%zu of %zu%s):\n", shown, nb, shown < nb ? "; --full shows all" : "");
	for (size_t i = 0; i < shown; i++) {
		if (gomem_buckets_get(&b, bs, i) != GOMEM_OK)
			continue;
		print_bucket(d, &b, c->full ? 0 : 5, c->full, states, fp, color);
	}
	if (c->full)
		return GOMEM_OK;
	if ((rc = print_groups(s, 0, fp, c)) != GOMEM_OK || !states)
		return rc;
	if ((rc = print_groups(s, 1, fp, c)) != GOMEM_OK)
		return rc;
	return print_waiting(s, d, fp, c);
}

/* Buckets as rows (csv, tsv, ndjson) or folded stacks. */
static int summary_rows(const gomem_summary *s, const gomem_dump *d, FILE *fp, const struct config *c,
			gomem_format fmt, int folded)
{
	static const gomem_column cols[] = {
		{"count", NULL, GOMEM_COL_COUNT, 0},
		{"state", NULL, GOMEM_COL_TEXT, 0},
		{"states", NULL, GOMEM_COL_TEXT, 0},
		{"wait_min", NULL, GOMEM_COL_DURATION, 0},
		{"wait_max", NULL, GOMEM_COL_DURATION, 0},
		{"created_by", NULL, GOMEM_COL_TEXT, 0},
		{"created_at", NULL, GOMEM_COL_TEXT, 0},
		{"stack", NULL, GOMEM_COL_TEXT, 0},
	};
	const gomem_buckets *bs = gomem_summary_buckets(s);
	gomem_table *t = NULL;
	gomem_cell cells[8];
	gomem_bucket b;
	char states[512], where[4096];
	bool has_states = gomem_dump_has_states(d);
	int rc = GOMEM_OK;

	if (!folded && (rc = open_table(&t, cols, 8, fp, fmt, c, "gomem.goroutines/1")))
		return rc;
	for (size_t i = 0; i < gomem_buckets_count(bs) && rc == GOMEM_OK; i++) {
		gomem_goroutine_frame f = {0};
		size_t len = 0;

		if (gomem_buckets_get(&b, bs, i) != GOMEM_OK)
			continue;
		if (folded) {
			gomem_text_printf(fp, "%s %llu\n", b.folded, (unsigned long long)b.count);
			continue;
		}
		states[0] = '\0';
		for (size_t k = 0; k < b.nstates && len < sizeof(states); k++)
			len += (size_t)snprintf(states + len, sizeof(states) - len, "%s%s:%llu", k ? ";" : "",
						b.states[k].state, (unsigned long long)b.states[k].count);
		f.function = f.file = "";
		if (b.created_by != GOMEM_GOROUTINE_NONE)
			gomem_dump_frame(&f, d, b.created_by);
		memset(cells, 0, sizeof(cells));
		cells[0].i = (int64_t)b.count;
		cells[1].s = has_states ? b.state : NULL; /* null: not in the format */
		cells[2].s = has_states ? states : NULL;
		cells[3] = wait_cell(b.wait_min);
		cells[4] = wait_cell(b.wait_max);
		cells[5].s = f.function;
		cells[6].s = f.file[0] ? site(where, sizeof(where), &f, 1) : "";
		cells[7].s = b.folded;
		rc = gomem_table_row(t, cells);
	}
	if (folded)
		return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
	return table_done(t, rc);
}

static int run_summary(const struct config *c, FILE *fp)
{
	gomem_summary_options so = GOMEM_SUMMARY_OPTIONS_INIT;
	const char *fname = c->format ? c->format : "table";
	gomem_dump *d = NULL;
	gomem_summary *s = NULL;
	gomem_error err = {0};
	gomem_format fmt = GOMEM_FORMAT_TABLE;
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
	gomem_format_parse(&fmt, fname);
	if (strcmp(fname, "folded") == 0)
		rc = summary_rows(s, d, fp, c, fmt, 1);
	else if (fmt == GOMEM_FORMAT_TABLE)
		rc = summary_table(s, d, fp, c);
	else if (fmt == GOMEM_FORMAT_JSON)
		rc = gomem_summary_write_json(fp, s, d, c->similarity);
	else
		rc = summary_rows(s, d, fp, c, fmt, 0);
	gomem_summary_free(s);
	gomem_dump_free(d);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

/* ---- the diff ---------------------------------------------------------------- */

/* The leafmost frames of a diff entry's bucket, "a < b < c", and its creator. */
static void entry_where(char *buf, size_t size, const char **by, const gomem_dump_diff *df,
			const gomem_diff_entry *e)
{
	int after = e->after_bucket != (size_t)-1;
	const gomem_buckets *bs = after ? gomem_dump_diff_after(df) : gomem_dump_diff_before(df);
	const gomem_dump *d = gomem_buckets_dump(bs);
	gomem_goroutine_stack st;
	gomem_goroutine_frame f;
	gomem_bucket b;
	size_t len = 0;

	buf[0] = '\0';
	*by = "";
	if (gomem_buckets_get(&b, bs, after ? e->after_bucket : e->before_bucket) != GOMEM_OK)
		return;
	if (b.created_by != GOMEM_GOROUTINE_NONE && gomem_dump_frame(&f, d, b.created_by) == GOMEM_OK)
		*by = f.function;
	if (gomem_dump_stack(&st, d, b.stack) != GOMEM_OK)
		return;
	for (size_t i = 0; i < st.nframes && i < 3 && len < size; i++)
		if (gomem_dump_frame(&f, d, st.frames[i]) == GOMEM_OK)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " < " : "", f.function);
	if (st.nframes > 3 && len < size)
		snprintf(buf + len, size - len, " < ...");
}

static const gomem_column diff_cols[] = {
	{"before", NULL, GOMEM_COL_COUNT, 0},
	{"after", NULL, GOMEM_COL_COUNT, 0},
	{"delta", NULL, GOMEM_COL_COUNT, GOMEM_COL_SIGNED | GOMEM_COL_COLOR_SIGN},
	{"kind", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
	{"leak_suspect", NULL, GOMEM_COL_COUNT, GOMEM_COL_MACHINE_ONLY},
	{"state", NULL, GOMEM_COL_TEXT, 0},
	{"wait_max", "max wait", GOMEM_COL_DURATION, 0},
	{"top_frames", "top frames", GOMEM_COL_TEXT, GOMEM_COL_TEXT_ONLY},
	{"created_by", "created by", GOMEM_COL_TEXT, 0},
	{"stack", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
};
#define NDIFF_COLS (sizeof(diff_cols) / sizeof(diff_cols[0]))

static void diff_cells(gomem_cell *cells, const gomem_dump_diff *df, const gomem_diff_entry *e,
		       char *where, size_t size)
{
	const char *by;

	entry_where(where, size, &by, df, e);
	memset(cells, 0, NDIFF_COLS * sizeof(*cells));
	cells[0].i = (int64_t)e->before;
	cells[1].i = (int64_t)e->after;
	cells[2].i = e->delta;
	cells[3].s = gomem_diff_kind_name(e->kind);
	cells[4].i = e->leak_suspect;
	cells[5].s = e->state[0] ? e->state : NULL; /* null: not in the format */
	cells[6] = wait_cell(e->wait_max);
	cells[7].s = where;
	cells[8].s = by;
	cells[9].s = e->folded;
}

/* One section of the table: the entries SELECT picks, at most --top. */
static int diff_section(const gomem_dump_diff *df, FILE *fp, const struct config *c, bool states,
			const char *title, int (*select)(const gomem_diff_entry *))
{
	gomem_column cols[NDIFF_COLS];
	size_t n = 0, shown = 0;
	gomem_cell cells[NDIFF_COLS];
	char where[2048];
	gomem_table *t;
	int rc;

	for (size_t i = 0; i < gomem_dump_diff_count(df); i++)
		n += select(gomem_dump_diff_get(df, i)) != 0;
	if (n == 0)
		return GOMEM_OK;
	fprintf(fp, "\n%s (%zu):\n", title, n);
	memcpy(cols, diff_cols, sizeof(cols));
	if (!states) /* neither dump has them: no empty columns */
		cols[5].flags = cols[6].flags = cols[8].flags = GOMEM_COL_MACHINE_ONLY;
	if ((rc = open_table(&t, cols, NDIFF_COLS, fp, GOMEM_FORMAT_TABLE, c, NULL)))
		return rc;
	for (size_t i = 0; i < gomem_dump_diff_count(df) && rc == GOMEM_OK; i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);

		if (!select(e) || (c->top && shown == c->top))
			continue;
		diff_cells(cells, df, e, where, sizeof(where));
		rc = gomem_table_row(t, cells);
		shown++;
	}
	rc = table_done(t, rc);
	if (rc == GOMEM_OK && shown < n)
		fprintf(fp, "(%zu of %zu; --top 0 shows all)\n", shown, n);
	return rc;
}

static int sel_leak(const gomem_diff_entry *e) { return e->leak_suspect; }
static int sel_grew(const gomem_diff_entry *e) { return !e->leak_suspect && e->kind == GOMEM_DIFF_GREW; }
static int sel_new(const gomem_diff_entry *e) { return !e->leak_suspect && e->kind == GOMEM_DIFF_NEW; }
static int sel_shrank(const gomem_diff_entry *e) { return e->kind == GOMEM_DIFF_SHRANK; }
static int sel_vanished(const gomem_diff_entry *e) { return e->kind == GOMEM_DIFF_VANISHED; }

static int diff_table(const gomem_dump_diff *df, FILE *fp, const struct config *c)
{
	uint64_t tb = gomem_dump_diff_total_before(df), ta = gomem_dump_diff_total_after(df);
	bool st = gomem_dump_has_states(gomem_buckets_dump(gomem_dump_diff_before(df))) ||
		  gomem_dump_has_states(gomem_buckets_dump(gomem_dump_diff_after(df)));
	size_t same = 0;
	uint64_t same_n = 0;
	int rc;

	gomem_text_printf(fp, "%s -> %s: %llu -> %llu goroutines (%+lld), similarity %s\n",
		c->inputs[0], c->inputs[1], (unsigned long long)tb, (unsigned long long)ta,
		(long long)ta - (long long)tb, gomem_similarity_name(c->similarity));
	if (st)
		fprintf(fp, "leak suspects grew by %llu goroutines\n",
			(unsigned long long)gomem_dump_diff_leak_growth(df));
	else
		fprintf(fp, "These dumps carry no goroutine states, wait times or creators: leak suspects\n"
			    "(grown and blocked) cannot be told; debug=2 dumps have them.\n");
	if ((rc = diff_section(df, fp, c, st, "Leak suspects: grew and blocked", sel_leak)) ||
	    (rc = diff_section(df, fp, c, st, "Grew", sel_grew)) ||
	    (rc = diff_section(df, fp, c, st, "New", sel_new)) ||
	    (rc = diff_section(df, fp, c, st, "Shrank", sel_shrank)) ||
	    (rc = diff_section(df, fp, c, st, "Vanished", sel_vanished)))
		return rc;
	for (size_t i = 0; i < gomem_dump_diff_count(df); i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);

		if (e->kind == GOMEM_DIFF_SAME) {
			same++;
			same_n += e->after;
		}
	}
	fprintf(fp, "\n%zu buckets unchanged (%llu goroutines)\n", same, (unsigned long long)same_n);
	return GOMEM_OK;
}

static int diff_rows(const gomem_dump_diff *df, FILE *fp, const struct config *c, gomem_format fmt,
		     int folded)
{
	gomem_cell cells[NDIFF_COLS];
	char where[2048];
	gomem_table *t = NULL;
	int rc = GOMEM_OK;

	if (!folded) {
		if ((rc = open_table(&t, diff_cols, NDIFF_COLS, fp, fmt, c, "gomem.goroutines-diff/1")))
			return rc;
		gomem_table_meta_string(t, "before", c->inputs[0]);
		gomem_table_meta_string(t, "after", c->inputs[1]);
		gomem_table_meta_string(t, "similarity", gomem_similarity_name(c->similarity));
		gomem_table_meta_int(t, "total_before", (int64_t)gomem_dump_diff_total_before(df));
		gomem_table_meta_int(t, "total_after", (int64_t)gomem_dump_diff_total_after(df));
		gomem_table_meta_int(t, "leak_growth", (int64_t)gomem_dump_diff_leak_growth(df));
	}
	for (size_t i = 0; i < gomem_dump_diff_count(df) && rc == GOMEM_OK; i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);

		if (folded) {
			/* flamegraph.pl's two-column form: before and after counts. */
			gomem_text_printf(fp, "%s %llu %llu\n", e->folded, (unsigned long long)e->before,
				(unsigned long long)e->after);
			continue;
		}
		diff_cells(cells, df, e, where, sizeof(where));
		rc = gomem_table_row(t, cells);
	}
	if (folded)
		return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
	return table_done(t, rc);
}

static int run_diff(const struct config *c, FILE *fp, int *tripped)
{
	gomem_diff_options dopt = GOMEM_DIFF_OPTIONS_INIT;
	const char *fname = c->format ? c->format : "table";
	gomem_dump *before = NULL, *after = NULL;
	gomem_dump_diff *df = NULL;
	gomem_error err = {0};
	gomem_format fmt = GOMEM_FORMAT_TABLE;
	int rc, status;

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
		gomem_format_parse(&fmt, fname);
		if (strcmp(fname, "folded") == 0)
			rc = diff_rows(df, fp, c, fmt, 1);
		else if (fmt == GOMEM_FORMAT_TABLE)
			rc = diff_table(df, fp, c);
		else
			rc = diff_rows(df, fp, c, fmt, 0);
		if (rc != GOMEM_OK)
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
