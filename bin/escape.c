/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-escape — the Go compiler's escape analysis: what moves to the heap,
 * why, and what a change added (a CI gate). Parses options, reads -m/-m=2
 * text or a -json=0 directory (or runs the compiler), asks libgomem for the
 * records, groups, diff and gate, and prints; nothing is computed here. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

extern char **environ;

enum {
	OPT_WHY = OPT_TOOL_BASE, OPT_ANNOTATE, OPT_ALL, OPT_RUN, OPT_DIFF, OPT_BASELINE,
	OPT_WRITE_BASELINE, OPT_PACKAGE, OPT_PATH, OPT_TESTS, OPT_TOP, OPT_SOURCE_DIR
};

static const cli_option options[] = {
	{"why", 0, NULL, OPT_WHY, "show each escape's flow chain (needs -m=2 or -json input)"},
	{"annotate", 0, NULL, OPT_ANNOTATE, "print the source lines with their escapes beside them"},
	{"all", 0, NULL, OPT_ALL, "include non-heap lines too (leaks, does not escape, inlining)"},
	{"run", 0, NULL, OPT_RUN, "run `go build -gcflags=-m=2` in the current module (fresh\n"
				  "GOCACHE; BUILD-ARGS after -- replace ./...), then report"},
	{"diff", 0, NULL, OPT_DIFF, "compare two inputs OLD NEW: new and removed escapes"},
	{"baseline", 0, "FILE", OPT_BASELINE, "exit 1 on heap escapes not in the baseline FILE"},
	{"write-baseline", 0, NULL, OPT_WRITE_BASELINE, "write the input's escapes to the --baseline FILE"},
	{"package", 0, "PATTERN", OPT_PACKAGE, "keep packages PATTERN (exact, or p/... for p and below;\n"
					       "repeatable)"},
	{"path", 0, "TEXT", OPT_PATH, "keep files whose path contains TEXT"},
	{"tests", 0, NULL, OPT_TESTS, "include test builds (left out by default)"},
	{"top", 0, "N", OPT_TOP, "rows of each group table (default 10); 0 shows all"},
	{"source-dir", 0, "DIR", OPT_SOURCE_DIR, "directory the build ran in, for source files\n"
						 "(default: the current directory); with --diff\n"
						 "a second one is NEW's"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json, ndjson or sarif"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"escape", "[OPTION]... [FILE|DIR|-]",
	"Report the Go compiler's heap escapes: grouped, explained, diffed, gated.\n"
	"FILE: `go build -gcflags=-m` or -m=2 output (stderr), '-' or none for standard\n"
	"input; DIR: a -gcflags=-json=0,DIR directory. --diff takes OLD NEW.",
	options,
	"Exit status: 0 success, 1 heap escapes not in the --baseline, 2 trouble.\n"
	"Example: go build -gcflags=-m=2 ./... 2>m2.txt; gomem escape --why m2.txt\n"
	"See gomem-escape(1) for the formats, the identity of an escape and the gate.\n"
};

#define MAX_PACKAGES 64
#define MAX_WARNINGS 20

enum { FMT_SARIF = 100 };

struct config {
	int why, annotate, all, run, diff, write_baseline, tests, no_color;
	const char *baseline;
	const char *packages[MAX_PACKAGES];
	size_t npackages;
	const char *path;
	long top;
	const char *source_dir, *source_dir2;
	int format; /* a gomem_format or FMT_SARIF */
	const char *format_name;
	const char *output;
	char **build_args;
	const char *in[2];
	size_t nin;
	gomem_escape_filter filter;
	gomem_escape_options opts;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_option(struct config *c, int id, const char *arg)
{
	gomem_format f;

	switch (id) {
	case OPT_WHY: c->why = 1; break;
	case OPT_ANNOTATE: c->annotate = 1; break;
	case OPT_ALL: c->all = 1; break;
	case OPT_RUN: c->run = 1; break;
	case OPT_DIFF: c->diff = 1; break;
	case OPT_BASELINE: c->baseline = arg; break;
	case OPT_WRITE_BASELINE: c->write_baseline = 1; break;
	case OPT_PACKAGE:
		if (c->npackages == MAX_PACKAGES)
			return usage_error("--package: at most %d (got '%s')", MAX_PACKAGES, arg);
		c->packages[c->npackages++] = arg;
		break;
	case OPT_PATH: c->path = arg; break;
	case OPT_TESTS: c->tests = 1; break;
	case OPT_TOP: {
		char *end;
		long n;

		errno = 0;
		n = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || n < 0 || errno)
			return usage_error("--top: '%s' is not a count", arg);
		c->top = n;
		break;
	}
	case OPT_SOURCE_DIR:
		if (c->source_dir2)
			return usage_error("%s", "--source-dir: at most two (OLD's and NEW's)");
		if (c->source_dir)
			c->source_dir2 = arg;
		else
			c->source_dir = arg;
		break;
	case OPT_FORMAT:
		if (strcmp(arg, "sarif") == 0)
			c->format = FMT_SARIF;
		else if (gomem_format_parse(&f, arg) == GOMEM_OK)
			c->format = (int)f;
		else
			return usage_error("--format: '%s' is not table, csv, tsv, json, ndjson or sarif", arg);
		c->format_name = arg;
		break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	default: return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static int on_option(void *c, int id, const char *arg)
{
	return parse_option(c, id, arg);
}

static int parse_args(struct config *c, int argc, char **argv)
{
	int rc = cli_split_command(&tool, &argc, argv, &c->build_args);
	size_t n;

	if (rc != EXIT_OK)
		return rc;
	if ((rc = cli_parse(&tool, argc, argv, on_option, c)) != EXIT_OK)
		return rc;
	n = (size_t)(argc - optind);
	if (c->build_args && !c->run)
		return usage_error("%s", "'-- BUILD-ARGS' goes with --run");
	if (c->run && (c->diff || n > 0))
		return usage_error("%s", "--run reads no FILE and takes no --diff");
	if (c->diff && n != 2)
		return usage_error("%s", "--diff needs OLD and NEW");
	if (!c->diff && n > 1)
		return usage_error("%s", "too many operands: needs one FILE, DIR or -");
	if (c->write_baseline && !c->baseline)
		return usage_error("%s", "--write-baseline needs --baseline FILE");
	if (c->baseline && c->diff)
		return usage_error("%s", "--baseline and --diff do not go together");
	if (c->annotate && (c->diff || c->baseline))
		return usage_error("%s", "--annotate reports one input (no --diff or --baseline)");
	if (c->source_dir2 && !c->diff)
		return usage_error("%s", "a second --source-dir goes with --diff");
	if (c->annotate && c->format != GOMEM_FORMAT_TABLE)
		return usage_error("%s", "--annotate prints text: no --format");
	for (size_t i = 0; i < n; i++)
		c->in[c->nin++] = argv[optind + (int)i];
	if (!c->run && c->nin == 0) {
		if (isatty(STDIN_FILENO))
			return usage_error("%s", "needs FILE, DIR or - (or --run)");
		c->in[c->nin++] = "-";
	}
	return EXIT_OK;
}

/* ---- input --------------------------------------------------------------- */

static void warn_diagnostics(const gomem_escape_set *s)
{
	size_t n = gomem_escape_set_diagnostic_count(s);
	gomem_escape_diagnostic d;

	for (size_t i = 0; i < n && i < MAX_WARNINGS; i++) {
		if (gomem_escape_set_diagnostic(&d, s, i) != GOMEM_OK)
			break;
		if (d.line && d.column)
			cli_warnf("%s:%llu:%llu: %s%s", d.source, (unsigned long long)d.line,
				  (unsigned long long)d.column, d.is_compile_error ? "compile error: " : "",
				  d.message);
		else if (d.line)
			cli_warnf("%s:%llu: %s%s", d.source, (unsigned long long)d.line,
				  d.is_compile_error ? "compile error: " : "", d.message);
		else
			cli_warnf("%s: %s%s", d.source, d.is_compile_error ? "compile error: " : "",
				  d.message);
	}
	if (n > MAX_WARNINGS)
		cli_warnf("... and %zu more warnings", n - MAX_WARNINGS);
}

static int load(gomem_escape_set **out, const char *path, const struct config *c)
{
	gomem_error err = {0};

	if (gomem_escape_read(out, path, &c->opts, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	warn_diagnostics(*out);
	return EXIT_OK;
}

/* --run: `go build -o /dev/null -gcflags=-m=2 ARGS` (`go test -run ^$` with
 * --tests) with GOCACHE in a fresh temporary directory, since the build cache
 * replays -m text with paths of an earlier run; the output goes to a file
 * the parser then reads. */
static int run_compiler(gomem_escape_set **out, const struct config *c)
{
	char tmpl[PATH_MAX];
	char cache[PATH_MAX], log[PATH_MAX], cmd[PATH_MAX + 16];
	const char *go = getenv("GO"), *tmpdir = getenv("TMPDIR");
	char *argv[256];
	size_t n = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = 0, rc, fd;
	char *dir;

	snprintf(tmpl, sizeof(tmpl), "%s/gomem-escape.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!(dir = mkdtemp(tmpl))) {
		cli_errorf("cannot make a temporary directory: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	snprintf(cache, sizeof(cache), "%s/gocache", dir);
	snprintf(log, sizeof(log), "%s/m2.txt", dir);
	if (!go || !*go)
		go = "go";
	argv[n++] = (char *)go;
	if (c->tests) {
		argv[n++] = "test";
		argv[n++] = "-count=1";
		argv[n++] = "-run=^$";
	} else {
		argv[n++] = "build";
		argv[n++] = "-o";
		argv[n++] = "/dev/null";
	}
	argv[n++] = "-gcflags=-m=2";
	if (c->build_args)
		for (char **a = c->build_args; *a && n < 254; a++)
			argv[n++] = *a;
	else
		argv[n++] = "./...";
	argv[n] = NULL;
	setenv("GOCACHE", cache, 1);
	rc = -1;
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0 && posix_spawn_file_actions_init(&fa) == 0) {
		posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
		posix_spawn_file_actions_adddup2(&fa, fd, STDERR_FILENO);
		rc = posix_spawnp(&pid, go, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
		if (rc == 0) {
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		} else {
			cli_errorf("cannot run %s: %s", go, strerror(rc));
		}
	}
	if (fd >= 0)
		close(fd);
	else
		cli_errorf("%s: %s", log, strerror(errno));
	if (rc == 0) {
		rc = load(out, log, c);
		if (rc == EXIT_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			cli_errorf("%s %s exited with status %d (compile errors are above)", go, argv[1],
				   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			rc = EXIT_TROUBLE;
		}
	} else {
		rc = EXIT_TROUBLE;
	}
	snprintf(cmd, sizeof(cmd), "%s", dir);
	/* The cache is read-only for its owner (go marks files so): chmod, then remove. */
	{
		char *rm[] = {"rm", "-rf", cmd, NULL};
		char *ch[] = {"chmod", "-R", "u+w", cmd, NULL};

		if (posix_spawnp(&pid, "chmod", NULL, NULL, ch, environ) == 0)
			waitpid(pid, NULL, 0);
		if (posix_spawnp(&pid, "rm", NULL, NULL, rm, environ) == 0)
			waitpid(pid, NULL, 0);
	}
	return rc;
}

/* ---- output: shared ------------------------------------------------------ */

/* Columns of one escape in machine formats; the text table shows a
 * location column instead. CHANGE (last) only for --diff. */
static const gomem_column record_columns[] = {
	{"kind", NULL, GOMEM_COL_TEXT, 0},
	{"package", NULL, GOMEM_COL_TEXT, 0},
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"function", NULL, GOMEM_COL_TEXT, 0},
	{"expression", NULL, GOMEM_COL_TEXT, 0},
	{"column", NULL, GOMEM_COL_COUNT, 0},
	{"path", NULL, GOMEM_COL_TEXT, 0},
	{"message", NULL, GOMEM_COL_TEXT, 0},
	{"test", NULL, GOMEM_COL_COUNT, 0},
	{"identity", NULL, GOMEM_COL_TEXT, 0},
	{"why", NULL, GOMEM_COL_TEXT, 0},
	{"change", NULL, GOMEM_COL_TEXT, 0},
};
#define NREC_COLS 13

static const gomem_column text_columns[] = {
	{"change", "", GOMEM_COL_TEXT, 0},
	{"location", NULL, GOMEM_COL_TEXT, 0},
	{"kind", NULL, GOMEM_COL_TEXT, 0},
	{"function", NULL, GOMEM_COL_TEXT, 0},
	{"expression", NULL, GOMEM_COL_TEXT, 0},
};

struct strbuf {
	char *p;
	size_t len, cap;
};

static int sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap)))
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static const char *why_text(struct strbuf *b, const gomem_escape_record *r)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
	for (size_t i = 0; i < r->nflow; i++) {
		if (i)
			sb_add(b, "\n", 1);
		sb_add(b, r->flow[i].text, strlen(r->flow[i].text));
	}
	return b->p ? b->p : "";
}

static const char *change_name(gomem_escape_change ch)
{
	return ch == GOMEM_ESCAPE_NEW ? "new" : ch == GOMEM_ESCAPE_REMOVED ? "removed" : "";
}

/* One list of records: the escapes of a report, the entries of a diff or the
 * offenders of the gate. */
struct list {
	const gomem_escape_set *set;   /* report/gate */
	const size_t *index;           /* gate: indices into set; NULL: filtered set */
	size_t n;
	const gomem_escape_diff *diff; /* diff entries instead */
};

static size_t list_count(const struct list *l)
{
	return l->n;
}

static int list_get(gomem_escape_record *r, gomem_escape_change *ch, const struct list *l, size_t i)
{
	*ch = 0;
	if (l->diff)
		return gomem_escape_diff_get(r, ch, l->diff, i);
	return gomem_escape_set_get(r, l->set, l->index[i]);
}

static int write_records(const struct list *l, const struct config *c, FILE *fp, const char *title)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	int text = c->format == GOMEM_FORMAT_TABLE;
	gomem_cell cells[NREC_COLS];
	struct strbuf why = {0};
	char loc[4096];
	gomem_escape_record r;
	gomem_escape_change ch;
	gomem_table *t;
	size_t off = l->diff ? 0 : 1; /* the text table has no change column without --diff */
	int rc;

	to.format = (gomem_format)c->format;
	to.color = text && cli_use_color(fp, c->no_color);
	to.schema = "gomem.escape/1";
	to.header = 1;
	if (text) {
		if (title)
			gomem_text_printf(fp, "%s\n", title); /* may name input files */
		if (list_count(l) == 0) {
			fprintf(fp, "  (none)\n");
			return GOMEM_OK;
		}
		rc = gomem_table_new(&t, l->diff ? text_columns : text_columns + 1, l->diff ? 5 : 4, fp, &to);
	} else {
		rc = gomem_table_new(&t, record_columns, NREC_COLS - (l->diff ? 0 : 1), fp, &to);
	}
	if (rc != GOMEM_OK)
		return rc;
	if (!text) {
		gomem_table_meta_string(t, "mode", l->diff ? "diff" : l->index && c->baseline ? "gate" : "report");
		gomem_table_meta_int(t, "count", (int64_t)list_count(l));
		if (l->diff)
			gomem_table_meta_int(t, "unchanged", (int64_t)gomem_escape_diff_unchanged(l->diff));
	}
	for (size_t i = 0; i < list_count(l) && rc == GOMEM_OK; i++) {
		if ((rc = list_get(&r, &ch, l, i)) != GOMEM_OK)
			break;
		memset(cells, 0, sizeof(cells));
		if (text) {
			if (r.column)
				snprintf(loc, sizeof(loc), "%s:%u:%u", r.path, r.line, r.column);
			else
				snprintf(loc, sizeof(loc), "%s:%u", r.path, r.line);
			if (l->diff)
				cells[0 - off].s = ch == GOMEM_ESCAPE_NEW ? "+" : "-";
			cells[1 - off].s = loc;
			cells[2 - off].s = gomem_escape_kind_name(r.kind);
			cells[3 - off].s = r.function;
			cells[3 - off].null = !*r.function;
			cells[4 - off].s = r.expression;
			rc = gomem_table_row(t, cells);
			if (rc == GOMEM_OK && c->why && r.nflow) {
				/* the text table buffers rows: flow lines go in rows of their own */
				for (size_t k = 0; k < r.nflow && rc == GOMEM_OK; k++) {
					memset(cells, 0, sizeof(cells));
					snprintf(loc, sizeof(loc), "    %s", r.flow[k].text);
					cells[1 - off].s = loc;
					for (size_t j = 2; j < 5; j++)
						cells[j - off].s = "";
					if (l->diff)
						cells[0 - off].s = "";
					rc = gomem_table_row(t, cells);
				}
			}
			continue;
		}
		cells[0].s = gomem_escape_kind_name(r.kind);
		cells[1].s = r.package;
		cells[2].s = r.file;
		cells[3].i = r.line;
		cells[4].s = r.function;
		cells[4].null = !*r.function;
		cells[5].s = r.expression;
		cells[6].i = r.column;
		cells[6].null = r.column == 0;
		cells[7].s = r.path;
		cells[8].s = r.message;
		cells[9].i = (r.flags & GOMEM_ESCAPE_F_TEST) != 0;
		cells[10].s = r.identity;
		cells[11].s = why_text(&why, &r);
		cells[11].null = r.nflow == 0;
		cells[12].s = change_name(ch);
		rc = gomem_table_row(t, cells);
	}
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(t));
	gomem_table_free(t);
	free(why.p);
	return rc;
}

/* The text table of --why rows above puts the flow text in the location
 * column; the layer pads it like any cell. */

/* ---- output: SARIF 2.1.0 -------------------------------------------------- */

static int write_sarif(const struct list *l, FILE *fp)
{
	gomem_escape_sarif *w;
	gomem_escape_record r;
	gomem_escape_change ch;
	int rc;

	if ((rc = gomem_escape_sarif_begin(&w, fp)) != GOMEM_OK) {
		gomem_escape_sarif_end(w);
		return rc;
	}
	for (size_t i = 0; i < list_count(l) && rc == GOMEM_OK; i++)
		if ((rc = list_get(&r, &ch, l, i)) == GOMEM_OK)
			rc = gomem_escape_sarif_add(w, &r, (int)ch);
	if (gomem_escape_sarif_end(w) != GOMEM_OK && rc == GOMEM_OK)
		rc = GOMEM_E_IO;
	return rc;
}

static int write_list(const struct list *l, const struct config *c, FILE *fp, const char *title)
{
	if (c->format == FMT_SARIF)
		return write_sarif(l, fp);
	return write_records(l, c, fp, title);
}

/* ---- the report ---------------------------------------------------------- */

static int write_groups(const gomem_escape_set *s, const struct config *c, FILE *fp)
{
	static const struct {
		gomem_escape_group_by by;
		const char *title, *col;
	} groups[] = {
		{GOMEM_ESCAPE_BY_KIND, "By kind", "kind"},
		{GOMEM_ESCAPE_BY_PACKAGE, "By package", "package"},
		{GOMEM_ESCAPE_BY_FILE, "By file", "file"},
		{GOMEM_ESCAPE_BY_FUNCTION, "Top functions", "function"},
	};
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	int rc = GOMEM_OK;

	to.color = cli_use_color(fp, c->no_color);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]) && rc == GOMEM_OK; g++) {
		gomem_column cols[3] = {
			{groups[g].col, NULL, GOMEM_COL_TEXT, 0},
			{"count", NULL, GOMEM_COL_COUNT, 0},
			{"heap", NULL, GOMEM_COL_COUNT, 0},
		};
		gomem_escape_group *gr = NULL;
		gomem_cell cells[3];
		gomem_table *t;
		size_t n = 0, shown;

		if ((rc = gomem_escape_groups(&gr, &n, s, groups[g].by, &c->filter)) != GOMEM_OK) {
			cli_errorf("grouping: %s", gomem_strerror(rc));
			break;
		}
		shown = c->top && (size_t)c->top < n ? (size_t)c->top : n;
		if (!c->all)
			cols[2].flags |= GOMEM_COL_MACHINE_ONLY;
		fprintf(fp, "%s%s\n", g ? "\n" : "", groups[g].title);
		rc = gomem_table_new(&t, cols, 3, fp, &to);
		for (size_t i = 0; i < shown && rc == GOMEM_OK; i++) {
			memset(cells, 0, sizeof(cells));
			cells[0].s = gr[i].key;
			cells[1].i = (int64_t)gr[i].count;
			cells[2].i = (int64_t)gr[i].heap;
			rc = gomem_table_row(t, cells);
		}
		if (rc == GOMEM_OK)
			rc = gomem_table_end(t);
		if (rc != GOMEM_OK)
			cli_error_detail(gomem_table_error(t));
		gomem_table_free(t);
		if (rc == GOMEM_OK && shown < n)
			fprintf(fp, "(%zu of %zu rows; --top 0 shows all)\n", shown, n);
		gomem_escape_groups_free(gr);
	}
	return rc;
}

static int filtered(size_t **out, size_t *n, const gomem_escape_set *s, const gomem_escape_filter *f)
{
	size_t total = gomem_escape_set_count(s);
	size_t *idx = malloc((total ? total : 1) * sizeof(*idx));

	*n = 0;
	if (!idx)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < total; i++)
		if (gomem_escape_filter_match(f, s, i))
			idx[(*n)++] = i;
	*out = idx;
	return GOMEM_OK;
}

static int report(const gomem_escape_set *s, const struct config *c, FILE *fp)
{
	struct list l = {s, NULL, 0, NULL};
	size_t *idx;
	int rc;

	if ((rc = filtered(&idx, &l.n, s, &c->filter)) != GOMEM_OK)
		return rc;
	l.index = idx;
	if (c->format == GOMEM_FORMAT_TABLE) {
		gomem_text_printf(fp, "%zu %s in %s", l.n, c->all ? "diagnostics" : "heap escapes", c->in[0] ? c->in[0] : "go build");
		if (gomem_escape_set_duplicates(s))
			fprintf(fp, " (%llu duplicate lines dropped)",
				(unsigned long long)gomem_escape_set_duplicates(s));
		fputs("\n\n", fp);
		rc = write_groups(s, c, fp);
		if (rc == GOMEM_OK) {
			fputc('\n', fp);
			rc = write_records(&l, c, fp, c->all ? "Diagnostics" : "Escapes");
		}
	} else {
		rc = write_list(&l, c, fp, NULL);
	}
	free(idx);
	return rc;
}

/* ---- --annotate ---------------------------------------------------------- */

static void source_missing(const char *path, void *ctx)
{
	(void)ctx;
	cli_warnf("%s: cannot read the source file: its escapes are listed without it", path);
}

static int annotate(const gomem_escape_set *s, const struct config *c, FILE *fp)
{
	return gomem_escape_annotate(fp, s, &c->filter, c->source_dir, cli_use_color(fp, c->no_color),
				     source_missing, NULL);
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct config c;
	gomem_escape_filter fdefaults = GOMEM_ESCAPE_FILTER_INIT;
	gomem_escape_options odefaults = GOMEM_ESCAPE_OPTIONS_INIT;
	gomem_escape_set *a = NULL, *b = NULL;
	gomem_escape_diff *d = NULL;
	gomem_escape_baseline *bl = NULL;
	gomem_error err = {0};
	size_t *offenders = NULL, noff = 0;
	int status, tripped = 0, rc = GOMEM_OK;
	FILE *fp;

	cli_set_name("gomem escape");
	memset(&c, 0, sizeof(c));
	c.top = 10;
	c.format = GOMEM_FORMAT_TABLE;
	c.filter = fdefaults;
	c.opts = odefaults;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	c.filter.packages = c.npackages ? c.packages : NULL;
	c.filter.npackages = c.npackages;
	c.filter.path = c.path;
	c.filter.include_tests = c.tests;
	c.filter.kinds = c.all ? GOMEM_ESCAPE_KINDS_ALL : 0;
	c.opts.keep_non_escape = c.all;
	c.opts.no_flows = !c.why; /* flow chains are most of an -m=2 log */
	c.opts.source_dir = c.source_dir;

	if (c.run)
		status = run_compiler(&a, &c);
	else
		status = load(&a, c.in[0], &c);
	if (status == EXIT_OK && c.diff) {
		if (c.source_dir2)
			c.opts.source_dir = c.source_dir2;
		status = load(&b, c.in[1], &c);
	}
	if (!a) {
		gomem_escape_set_free(b);
		return EXIT_TROUBLE;
	}
	/* --run with compile errors still reports what it got, then exits 2. */
	if (c.write_baseline) {
		if (gomem_escape_baseline_write(c.baseline, a, &c.filter, &err) != GOMEM_OK) {
			cli_error_detail(&err);
			status = EXIT_TROUBLE;
		} else {
			size_t *idx, n = 0;

			if (filtered(&idx, &n, a, &c.filter) == GOMEM_OK)
				free(idx);
			gomem_text_printf(stderr, "gomem escape: wrote %zu escapes to %s\n", n, c.baseline);
		}
		gomem_escape_set_free(a);
		return status;
	}
	if (c.baseline) {
		if (gomem_escape_baseline_read(&bl, c.baseline, &err) != GOMEM_OK) {
			cli_error_detail(&err);
			gomem_escape_set_free(a);
			return EXIT_TROUBLE;
		}
		if ((rc = gomem_escape_gate(&offenders, &noff, a, bl, &c.filter)) != GOMEM_OK) {
			cli_errorf("gate: %s", gomem_strerror(rc));
			status = EXIT_TROUBLE;
		}
	}
	if (c.diff && status == EXIT_OK && (rc = gomem_escape_diff_new(&d, a, b, &c.filter)) != GOMEM_OK) {
		cli_errorf("diff: %s", gomem_strerror(rc));
		status = EXIT_TROUBLE;
	}
	if (status == EXIT_OK || (c.run && a)) {
		fp = cli_open_output(c.output);
		if (c.diff) {
			struct list l = {NULL, NULL, gomem_escape_diff_count(d), d};
			char title[512];

			snprintf(title, sizeof(title), "%zu changed (%zu unchanged): %s -> %s",
				 l.n, gomem_escape_diff_unchanged(d), c.in[0], c.in[1]);
			rc = write_list(&l, &c, fp, title);
		} else if (c.baseline) {
			struct list l = {a, offenders, noff, NULL};
			char title[PATH_MAX + 128];

			snprintf(title, sizeof(title), "%zu heap escapes not in the baseline %s (%zu in it)",
				 noff, c.baseline, gomem_escape_baseline_count(bl));
			rc = write_list(&l, &c, fp, title);
			tripped = noff > 0;
			if (tripped)
				cli_errorf("%zu heap escapes not in the baseline %s", noff, c.baseline);
		} else if (c.annotate) {
			rc = annotate(a, &c, fp);
		} else {
			rc = report(a, &c, fp);
		}
		if (rc != GOMEM_OK && status == EXIT_OK)
			status = EXIT_TROUBLE;
		if (cli_close_output(fp, c.output) != 0)
			status = EXIT_TROUBLE;
	}
	free(offenders);
	gomem_escape_baseline_free(bl);
	gomem_escape_diff_free(d);
	gomem_escape_set_free(b);
	gomem_escape_set_free(a);
	if (status == EXIT_OK && tripped)
		status = EXIT_GATE;
	return status;
}
