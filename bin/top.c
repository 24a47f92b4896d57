/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-top — a top-style monitor of Go GC over many sources at once.
 * The model (sources, statistics, history) is libgomem's gomem_monitor;
 * this file parses options, runs the timed loop and draws: with ncurses on
 * the terminal (opened as /dev/tty, so a pipe on stdin can be a source), or
 * a line per source per tick in batch mode. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600 /* ncurses' pkg-config usually says so already */
#endif
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum {
	OPT_BATCH = 'b',
	OPT_ITERATIONS = 'n',
	OPT_INTERVAL = 'd',
	OPT_URL = OPT_TOOL_BASE,
	OPT_URL_INTERVAL,
	OPT_SORT,
	OPT_WINDOW,
	OPT_FROM_END
};

static const cli_option options[] = {
	{"batch", 'b', NULL, OPT_BATCH, "print a line per source per tick instead of drawing\n"
					"(the default when standard output is not a terminal)"},
	{"iterations", 'n', "N", OPT_ITERATIONS, "end after N ticks"},
	{"interval", 'd', "DURATION", OPT_INTERVAL, "time between ticks (default 2s)"},
	{"url", 0, "URL", OPT_URL, "watch the pprof endpoint at URL (repeatable)"},
	{"url-interval", 0, "DURATION", OPT_URL_INTERVAL,
	 "time between two polls of an endpoint (default 5s);\n"
	 "each poll stops the watched program's world briefly"},
	{"timeout", 0, "DURATION", OPT_TIMEOUT, "give up on one endpoint fetch after DURATION (default 5s)"},
	{"sort", 0, "KEY", OPT_SORT, "name, gcs, pause, p99, cpu, heap, slope, goroutines, age\n"
				     "(default: the order given; largest first)"},
	{"window", 0, "DURATION", OPT_WINDOW, "statistics over the last DURATION of events (default 5m)"},
	{"from-end", 0, NULL, OPT_FROM_END, "read log files from their end, not their start"},
	{"format", 0, "FMT", OPT_FORMAT, "batch output: table (default), csv, tsv or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "batch output to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"top", "[OPTION]... [FILE|-|URL]... [-- COMMAND [ARG]...]",
	"Watch the Go GC live: gctrace logs (followed like tail -F), standard input ('-'),\n"
	"a COMMAND started with GODEBUG=gctrace=1, and http(s) pprof endpoints (polled).",
	options,
	"Keys: q quit, h or ? help, arrows or j/k select, Enter details, Esc back,\n"
	"s next sort key, r reverse, p pause, + and - change the interval.\n"
	"Exit status: 0 success, 2 trouble (bad usage, nothing to watch).\n"
	"Example: gomem top --batch --iterations 1 app.log\n"
	"See gomem-top(1) for the columns and the cost of polling an endpoint.\n"
};

#define MAX_URLS 64
#define MAX_FDS 64

struct config {
	int batch;
	long iterations;       /* 0: no end */
	double interval;
	const char *urls[MAX_URLS];
	size_t nurls;
	gomem_monitor_options mon;
	gomem_monitor_sort_key sort;
	gomem_format format;
	const char *output;
	int no_color;
	char **files;          /* operands before "--" */
	int nfiles;
	char **command;        /* after "--", NULL-terminated; NULL when none */
};

/* ---- options ------------------------------------------------------------- */

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

/* One option of the table, into the config CTX (cli_parse's callback). */
static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	double secs;
	char *end;

	switch (id) {
	case OPT_BATCH: c->batch = 1; break;
	case OPT_ITERATIONS:
		c->iterations = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || c->iterations <= 0)
			return usage_error("--iterations: '%s' is not a count above 0", arg);
		break;
	case OPT_INTERVAL:
		if (gomem_parse_duration(&secs, arg) || secs < 0.01 || secs > 86400)
			return usage_error("--interval: '%s' is not a duration from 10ms to 24h", arg);
		c->interval = secs;
		break;
	case OPT_URL:
		if (c->nurls == MAX_URLS)
			return usage_error("--url: at most 64 (got '%s')", arg);
		if (strncmp(arg, "http://", 7) != 0 && strncmp(arg, "https://", 8) != 0)
			return usage_error("--url: '%s' is not an http(s) URL", arg);
		c->urls[c->nurls++] = arg;
		break;
	case OPT_URL_INTERVAL:
		if (gomem_parse_duration(&secs, arg) || secs < 0.1)
			return usage_error("--url-interval: '%s' is not a duration of 100ms or more", arg);
		c->mon.url_interval = secs;
		break;
	case OPT_TIMEOUT:
		if (gomem_parse_duration(&secs, arg) || secs < 0.001)
			return usage_error("--timeout: '%s' is not a duration", arg);
		c->mon.url_timeout_ms = (long)(secs * 1000);
		break;
	case OPT_SORT:
		if (gomem_monitor_sort_parse(&c->sort, arg) != GOMEM_OK)
			return usage_error("--sort: '%s' is not name, gcs, pause, p99, cpu, heap, "
					   "slope, goroutines or age", arg);
		break;
	case OPT_WINDOW:
		if (gomem_parse_duration(&secs, arg) || secs < 1)
			return usage_error("--window: '%s' is not a duration of 1s or more", arg);
		c->mon.window = secs;
		break;
	case OPT_FROM_END: c->mon.from_start = 0; break;
	case OPT_FORMAT:
		if (gomem_format_parse(&c->format, arg) != GOMEM_OK || c->format == GOMEM_FORMAT_JSON)
			return usage_error("--format: '%s' is not table, csv, tsv or ndjson", arg);
		break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	default: return EXIT_TROUBLE;
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
	if (c->nfiles == 0 && c->nurls == 0 && c->command == NULL)
		return usage_error("%s", "nothing to watch: give a FILE, '-', a URL or -- COMMAND");
	for (int i = 0, stdin_seen = 0; i < c->nfiles; i++) {
		if (strcmp(c->files[i], "-") == 0 && stdin_seen++)
			return usage_error("%s", "'-' (standard input) given twice");
	}
	return EXIT_OK;
}

/* ---- shared -------------------------------------------------------------- */

static volatile sig_atomic_t quit_signal;

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_quit(int sig)
{
	quit_signal = sig;
}

static void catch_signal(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* After the terminal is restored: die of the signal that asked us to, so
 * the shell sees it (and a script's `trap` runs). */
static void reraise(void)
{
	int sig = quit_signal;

	if (sig) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

/* Waits up to TIMEOUT seconds for input on FDS (and an extra descriptor,
 * EXTRA, when >= 0); returns 1 when EXTRA is readable. */
static int wait_input(const int *fds, size_t nfds, int extra, double timeout, int *streams)
{
	struct pollfd pfd[MAX_FDS + 1];
	size_t n = 0;
	int ms = timeout <= 0 ? 0 : (int)ceil(timeout * 1000);
	int key = 0;

	for (size_t i = 0; i < nfds; i++)
		pfd[n++] = (struct pollfd){fds[i], POLLIN, 0};
	if (extra >= 0)
		pfd[n++] = (struct pollfd){extra, POLLIN, 0};
	*streams = 0;
	if (poll(pfd, n, ms) <= 0)
		return 0;
	for (size_t i = 0; i < nfds; i++)
		if (pfd[i].revents)
			*streams = 1;
	if (extra >= 0 && pfd[n - 1].revents)
		key = 1;
	return key;
}

static void text_bytes(char *buf, size_t size, int64_t v)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else
		gomem_format_bytes(buf, size, v, 0);
}

static void text_duration(char *buf, size_t size, double v)
{
	if (isnan(v) || gomem_format_duration(buf, size, v) < 0)
		snprintf(buf, size, "-");
}

/* Whole seconds under a minute ("0s", "42s"), then "2m30s", "1h2m". */
static void text_age(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (v < 60)
		snprintf(buf, size, "%.0fs", floor(v));
	else
		text_duration(buf, size, floor(v));
}

static void text_slope(char *buf, size_t size, double bytes_per_s)
{
	char b[GOMEM_UNITS_BUFSIZE];

	if (isnan(bytes_per_s)) {
		snprintf(buf, size, "-");
		return;
	}
	gomem_format_bytes(b, sizeof(b), (int64_t)llround(bytes_per_s * 60), 1);
	snprintf(buf, size, "%s/m", b);
}

static void text_state(char *buf, size_t size, const gomem_monitor_row *r)
{
	if (r->state == GOMEM_MONITOR_EXITED)
		snprintf(buf, size, "exit %d", r->exit_status);
	else
		snprintf(buf, size, "%s", gomem_monitor_state_name(r->state));
}

static const char *kind_name(gomem_monitor_kind k)
{
	switch (k) {
	case GOMEM_MONITOR_FILE: return "file";
	case GOMEM_MONITOR_PIPE: return "pipe";
	case GOMEM_MONITOR_CHILD: return "command";
	case GOMEM_MONITOR_URL: return "url";
	}
	return "?";
}

/* ---- batch mode ---------------------------------------------------------- */

enum { NCOLS = 19 };

static const gomem_column batch_columns[NCOLS] = {
	{"tick", NULL, GOMEM_COL_COUNT, GOMEM_COL_MACHINE_ONLY},
	{"elapsed_s", NULL, GOMEM_COL_DURATION, GOMEM_COL_MACHINE_ONLY},
	{"name", "NAME", GOMEM_COL_TEXT, 0},
	{"kind", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
	{"state", "STATE", GOMEM_COL_TEXT, 0},
	{"exit_status", NULL, GOMEM_COL_COUNT, GOMEM_COL_MACHINE_ONLY},
	{"gcs", "GCS", GOMEM_COL_COUNT, 0},
	{"gc_per_s", "GC/S", GOMEM_COL_NUMBER, 0},
	{"pause_last_s", "PAUSE", GOMEM_COL_DURATION, 0},
	{"pause_p99_s", "P99", GOMEM_COL_DURATION, 0},
	{"gc_cpu_pct", "GC CPU", GOMEM_COL_PERCENT, 0},
	{"heap_live_bytes", "LIVE", GOMEM_COL_BYTES, 0},
	{"goal_bytes", "GOAL", GOMEM_COL_BYTES, 0},
	{"heap_slope_bytes_per_s", NULL, GOMEM_COL_NUMBER, GOMEM_COL_MACHINE_ONLY},
	{"slope", "SLOPE/m", GOMEM_COL_BYTES, GOMEM_COL_TEXT_ONLY | GOMEM_COL_SIGNED},
	{"goroutines", "GOROUTINES", GOMEM_COL_COUNT, 0},
	{"age_s", "AGE", GOMEM_COL_DURATION, 0},
	{"message", "NOTE", GOMEM_COL_TEXT, 0},
	{"spec", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
};

/* NOTE: the error message, or how a command ended (NOTE_BUF holds it). */
static void batch_cells(gomem_cell *cl, const gomem_monitor_row *r, long tick, double elapsed,
			char *note, size_t note_size)
{
	memset(cl, 0, NCOLS * sizeof(*cl));
	cl[0].i = tick;
	cl[1].d = elapsed;
	cl[2].s = r->name;
	cl[3].s = kind_name(r->kind);
	cl[4].s = gomem_monitor_state_name(r->state);
	cl[5].i = r->exit_status;
	cl[5].null = r->state != GOMEM_MONITOR_EXITED;
	cl[6].i = r->gcs;
	cl[6].null = r->gcs < 0;
	cl[7].d = r->gc_per_s;
	cl[7].null = isnan(r->gc_per_s);
	cl[8].d = r->pause_last;
	cl[8].null = isnan(r->pause_last);
	cl[9].d = r->pause_p99;
	cl[9].null = isnan(r->pause_p99);
	cl[10].d = r->gc_cpu_pct;
	cl[10].null = isnan(r->gc_cpu_pct);
	cl[11].i = r->heap_live;
	cl[11].null = r->heap_live < 0;
	cl[12].i = r->heap_goal;
	cl[12].null = r->heap_goal < 0;
	cl[13].d = r->heap_slope;
	cl[13].null = isnan(r->heap_slope);
	cl[14].i = isnan(r->heap_slope) ? 0 : (int64_t)llround(r->heap_slope * 60);
	cl[14].null = isnan(r->heap_slope);
	cl[15].i = r->goroutines;
	cl[15].null = r->goroutines < 0;
	cl[16].d = r->age;
	cl[16].null = isnan(r->age);
	if (r->state == GOMEM_MONITOR_EXITED && (r->message == NULL || r->message[0] == '\0'))
		snprintf(note, note_size, "exit %d", r->exit_status);
	else
		snprintf(note, note_size, "%s", r->message ? r->message : "");
	cl[17].s = note;
	cl[17].null = note[0] == '\0';
	cl[18].s = r->spec;
}

struct batch {
	FILE *fp;
	gomem_table *stream;   /* csv, tsv, ndjson: one table for the whole run */
	gomem_table_options to;
};

static int batch_tick(struct batch *b, gomem_monitor *m, long tick, double elapsed)
{
	gomem_cell cells[NCOLS];
	char note[300];
	gomem_table *t = b->stream;
	int rc = GOMEM_OK;

	if (t == NULL) { /* the text table: one per tick, a blank line between */
		if (tick > 1 && fputc('\n', b->fp) == EOF)
			return GOMEM_E_IO;
		if ((rc = gomem_table_new(&t, batch_columns, NCOLS, b->fp, &b->to)) != GOMEM_OK)
			return rc;
	}
	for (size_t i = 0; i < gomem_monitor_row_count(m) && rc == GOMEM_OK; i++) {
		batch_cells(cells, gomem_monitor_row_at(m, i), tick, elapsed, note, sizeof(note));
		rc = gomem_table_row(t, cells);
	}
	if (t != b->stream) {
		if (rc == GOMEM_OK)
			rc = gomem_table_end(t);
		gomem_table_free(t);
	} else if (rc == GOMEM_OK && fflush(b->fp) != 0) {
		rc = GOMEM_E_IO;
	}
	return rc;
}

static int run_batch(gomem_monitor *m, const struct config *c)
{
	struct batch b;
	gomem_table_options defaults = GOMEM_TABLE_OPTIONS_INIT;
	double start = now_mono(), next = start;
	int fds[MAX_FDS], streams, status = EXIT_OK, rc = GOMEM_OK;
	long tick = 0;

	memset(&b, 0, sizeof(b));
	b.to = defaults;
	b.to.format = c->format;
	b.to.color = 0;
	b.to.flush = 1;
	b.fp = cli_open_output(c->output);
	if (c->format != GOMEM_FORMAT_TABLE &&
	    gomem_table_new(&b.stream, batch_columns, NCOLS, b.fp, &b.to) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	while (!quit_signal) {
		double now = now_mono();
		int ended;

		if (now >= next) {
			if (gomem_monitor_tick(m, now) != GOMEM_OK) {
				cli_error_detail(gomem_monitor_error(m));
				status = EXIT_TROUBLE;
				break;
			}
			ended = gomem_monitor_all_ended(m);
			if ((rc = batch_tick(&b, m, ++tick, now - start)) != GOMEM_OK)
				break;
			if ((c->iterations && tick >= c->iterations) || ended)
				break;
			next += c->interval;
			if (next < now)
				next = now + c->interval;
			continue;
		}
		/* Pipes and children are drained as their data comes, so a
		 * writer never blocks on us; files are read at the tick. */
		wait_input(fds, gomem_monitor_fds(m, fds, MAX_FDS), -1, next - now, &streams);
		if (streams && gomem_monitor_read(m, now_mono()) != GOMEM_OK) {
			cli_error_detail(gomem_monitor_error(m));
			status = EXIT_TROUBLE;
			break;
		}
	}
	if (b.stream) {
		if (rc == GOMEM_OK)
			rc = gomem_table_end(b.stream);
		if (rc != GOMEM_OK)
			rc = gomem_table_error(b.stream)->code;
		gomem_table_free(b.stream);
	}
	if (rc == GOMEM_E_IO && errno == EPIPE)
		return status; /* the reader went away (| head): a normal end */
	if (cli_close_output(b.fp, c->output) != 0 || rc != GOMEM_OK)
		status = EXIT_TROUBLE;
	return status;
}

/* ---- the screen ---------------------------------------------------------- */

/* What a fatal signal handler may use to give the terminal back: the saved
 * termios and the reset strings, prepared while it was safe to. */
static int tty_fd = -1;
static struct termios tty_saved;
static char tty_reset[256];
static size_t tty_reset_len;

static void on_fatal(int sig)
{
	if (tty_fd >= 0) {
		ssize_t w = write(tty_fd, tty_reset, tty_reset_len);

		(void)w;
		tcsetattr(tty_fd, TCSANOW, &tty_saved);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void add_reset(const char *cap)
{
	char *s = tigetstr((char *)cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (tty_reset_len + n < sizeof(tty_reset)) {
		memcpy(tty_reset + tty_reset_len, s, n);
		tty_reset_len += n;
	}
}

enum { VIEW_MAIN, VIEW_DETAIL, VIEW_HELP };

struct ui {
	gomem_monitor *m;
	const struct config *c;
	double interval;
	int view, paused, color, descending;
	gomem_monitor_sort_key sort;
	size_t selected;       /* index in the current order */
	size_t selected_src;   /* the row's index of addition, kept across sorts */
	size_t top;            /* first row shown */
	long ticks;
	char status[160];
};

enum { PAIR_HEADER = 1, PAIR_ERROR, PAIR_CHART, PAIR_GOAL };

static void ui_attr_on(const struct ui *u, int pair, attr_t extra)
{
	attron(extra);
	if (u->color)
		attron(COLOR_PAIR(pair));
}

static void ui_attr_off(const struct ui *u, int pair, attr_t extra)
{
	attroff(extra);
	if (u->color)
		attroff(COLOR_PAIR(pair));
}

/* One screen line at Y, cut at the right edge (mvprintw would wrap). */
static void put_line(int y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_line(int y, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mvprintw(y, 0, "%.*s", COLS, line);
}

static void draw_header(const struct ui *u)
{
	gomem_monitor_totals t;
	char live[GOMEM_UNITS_BUFSIZE], goal[GOMEM_UNITS_BUFSIZE], pause[GOMEM_UNITS_BUFSIZE];

	gomem_monitor_get_totals(u->m, &t);
	text_bytes(live, sizeof(live), t.heap_live);
	text_bytes(goal, sizeof(goal), t.heap_goal);
	text_duration(pause, sizeof(pause), t.pause_max);
	put_line(0, "gomem top - %zu source%s: %zu running, %zu ended, %zu error%s   every %gs%s",
		 t.sources, t.sources == 1 ? "" : "s", t.running, t.ended, t.errors,
		 t.errors == 1 ? "" : "s", u->interval, u->paused ? "  [paused]" : "");
	put_line(1, "GCs %lld  GCs/s %.3g  live %s -> goal %s  longest last pause %s   sort: %s%s",
		 (long long)t.gcs, t.gc_per_s, live, goal, pause, gomem_monitor_sort_name(u->sort),
		 u->sort == GOMEM_MONITOR_SORT_NONE ? "" : u->descending ? " (desc)" : " (asc)");
}

static int name_width(const struct ui *u)
{
	int w = 4;

	for (size_t i = 0; i < gomem_monitor_row_count(u->m); i++) {
		int n = (int)strlen(gomem_monitor_row_at(u->m, i)->name);

		if (n > w)
			w = n;
	}
	return w > 24 ? 24 : w;
}

static void format_row(char *buf, size_t size, const gomem_monitor_row *r, int nw)
{
	char st[32], rate[16], pl[GOMEM_UNITS_BUFSIZE], p99[GOMEM_UNITS_BUFSIZE], cpu[16];
	char live[GOMEM_UNITS_BUFSIZE], goal[GOMEM_UNITS_BUFSIZE], slope[48], gr[24];
	char age[GOMEM_UNITS_BUFSIZE], gcs[24];

	text_state(st, sizeof(st), r);
	snprintf(gcs, sizeof(gcs), r->gcs < 0 ? "-" : "%lld", (long long)r->gcs);
	if (isnan(r->gc_per_s))
		snprintf(rate, sizeof(rate), "-");
	else
		snprintf(rate, sizeof(rate), "%.3g", r->gc_per_s);
	text_duration(pl, sizeof(pl), r->pause_last);
	text_duration(p99, sizeof(p99), r->pause_p99);
	if (isnan(r->gc_cpu_pct))
		snprintf(cpu, sizeof(cpu), "-");
	else
		snprintf(cpu, sizeof(cpu), "%.1f%%", r->gc_cpu_pct);
	text_bytes(live, sizeof(live), r->heap_live);
	text_bytes(goal, sizeof(goal), r->heap_goal);
	text_slope(slope, sizeof(slope), r->heap_slope);
	snprintf(gr, sizeof(gr), r->goroutines < 0 ? "-" : "%lld", (long long)r->goroutines);
	text_age(age, sizeof(age), r->age);
	snprintf(buf, size, "%-*.*s %-8s %7s %6s %8s %8s %6s %8s -> %-8s %11s %6s %6s  %s", nw, nw,
		 r->name, st, gcs, rate, pl, p99, cpu, live, goal, slope, gr, age,
		 r->message ? r->message : "");
}

static void draw_main(struct ui *u)
{
	size_t n = gomem_monitor_row_count(u->m);
	int nw = name_width(u), rows = LINES - 5;
	char line[512];

	draw_header(u);
	snprintf(line, sizeof(line), "%-*s %-8s %7s %6s %8s %8s %6s %8s    %-8s %11s %6s %6s  %s", nw,
		 "NAME", "STATE", "GCS", "GC/S", "PAUSE", "P99", "GC CPU", "LIVE", "GOAL",
		 "SLOPE", "GR", "AGE", "NOTE");
	ui_attr_on(u, PAIR_HEADER, A_REVERSE);
	mvprintw(3, 0, "%-*.*s", COLS, COLS, line);
	ui_attr_off(u, PAIR_HEADER, A_REVERSE);
	if (rows < 1)
		return;
	if (u->selected < u->top)
		u->top = u->selected;
	if (u->selected >= u->top + (size_t)rows)
		u->top = u->selected - (size_t)rows + 1;
	for (size_t i = u->top; i < n && i < u->top + (size_t)rows; i++) {
		const gomem_monitor_row *r = gomem_monitor_row_at(u->m, i);
		int err = r->state == GOMEM_MONITOR_ERROR;

		format_row(line, sizeof(line), r, nw);
		if (i == u->selected)
			attron(A_REVERSE);
		if (err)
			ui_attr_on(u, PAIR_ERROR, 0);
		mvprintw(4 + (int)(i - u->top), 0, "%-*.*s", COLS, COLS, line);
		if (err)
			ui_attr_off(u, PAIR_ERROR, 0);
		if (i == u->selected)
			attroff(A_REVERSE);
	}
}

/* A bar chart of the last W points of one series at rows Y..Y+H-1: a column
 * of '#' per point, and GOAL (when given) marked '-' above the bar. */
static void draw_chart(const struct ui *u, int y, int h, const char *title, size_t row,
		       double (*value)(const gomem_monitor_point *), double (*goal)(const gomem_monitor_point *),
		       void (*label)(char *, size_t, double))
{
	size_t n = gomem_monitor_history_count(u->m, row), w = COLS > 10 ? (size_t)COLS - 10 : 1;
	size_t first = n > w ? n - w : 0;
	double max = 0;
	char lab[48];

	if (h < 2)
		return;
	for (size_t j = first; j < n; j++) {
		const gomem_monitor_point *p = gomem_monitor_history_at(u->m, row, j);
		double v = value(p), g = goal ? goal(p) : NAN;

		if (!isnan(v) && v > max)
			max = v;
		if (!isnan(g) && g > max)
			max = g;
	}
	label(lab, sizeof(lab), max);
	attron(A_BOLD);
	put_line(y, "%s (max %s, last %zu points)", title, lab, n - first);
	attroff(A_BOLD);
	h--;
	y++;
	label(lab, sizeof(lab), max);
	mvprintw(y, 0, "%9.9s", lab);
	label(lab, sizeof(lab), 0);
	mvprintw(y + h - 1, 0, "%9.9s", lab);
	if (max <= 0)
		return;
	for (size_t j = first; j < n; j++) {
		const gomem_monitor_point *p = gomem_monitor_history_at(u->m, row, j);
		double v = value(p), g = goal ? goal(p) : NAN;
		int x = 10 + (int)(j - first), bar = isnan(v) ? 0 : (int)lround(v / max * h);
		int gl = isnan(g) ? -1 : (int)lround(g / max * h);

		ui_attr_on(u, PAIR_CHART, 0);
		for (int k = 0; k < bar && k < h; k++)
			mvaddch(y + h - 1 - k, x, '#');
		ui_attr_off(u, PAIR_CHART, 0);
		if (gl > 0 && gl <= h) {
			ui_attr_on(u, PAIR_GOAL, 0);
			mvaddch(y + h - gl, x, gl > bar ? '-' : '=');
			ui_attr_off(u, PAIR_GOAL, 0);
		}
	}
}

static double pt_live(const gomem_monitor_point *p) { return p->heap_live < 0 ? NAN : (double)p->heap_live; }
static double pt_goal(const gomem_monitor_point *p) { return p->goal < 0 ? NAN : (double)p->goal; }
static double pt_pause(const gomem_monitor_point *p) { return p->pause; }
static double pt_cpu(const gomem_monitor_point *p) { return p->cpu_pct; }
static void lab_bytes(char *b, size_t n, double v) { text_bytes(b, n, (int64_t)v); }
static void lab_pct(char *b, size_t n, double v) { snprintf(b, n, "%.3g%%", v); }

static void draw_detail(struct ui *u)
{
	const gomem_monitor_row *r = gomem_monitor_row_at(u->m, u->selected);
	char line[512], st[32];
	size_t n;
	int avail, ch, ev_rows, y;

	if (r == NULL) {
		u->view = VIEW_MAIN;
		return;
	}
	text_state(st, sizeof(st), r);
	ui_attr_on(u, PAIR_HEADER, A_REVERSE);
	snprintf(line, sizeof(line), "%s  (%s: %s)  %s %s", r->name, kind_name(r->kind), r->spec, st,
		 r->message);
	mvprintw(0, 0, "%-*.*s", COLS, COLS, line);
	ui_attr_off(u, PAIR_HEADER, A_REVERSE);
	format_row(line, sizeof(line), r, (int)strlen(r->name));
	mvprintw(1, 0, "%.*s", COLS, line);
	if (r->kind == GOMEM_MONITOR_URL) {
		char a[GOMEM_UNITS_BUFSIZE], b[GOMEM_UNITS_BUFSIZE], c[GOMEM_UNITS_BUFSIZE],
			d[GOMEM_UNITS_BUFSIZE];

		text_bytes(a, sizeof(a), r->heap_inuse);
		text_bytes(b, sizeof(b), r->heap_idle);
		text_bytes(c, sizeof(c), r->heap_released);
		text_bytes(d, sizeof(d), r->sys);
		put_line(2, "HeapInuse %s  HeapIdle %s  HeapReleased %s  Sys %s  polls %llu (%llu failed)",
			 a, b, c, d, (unsigned long long)r->polls, (unsigned long long)r->poll_errors);
	} else {
		put_line(2, "lines %llu, not gctrace %llu", (unsigned long long)r->lines,
			 (unsigned long long)r->skipped);
	}
	/* Three charts share what the last events leave. */
	n = gomem_monitor_history_count(u->m, u->selected);
	ev_rows = n < 6 ? (int)n + 2 : 8;
	avail = LINES - 4 - ev_rows - 1;
	ch = avail / 3;
	y = 4;
	if (ch >= 3) {
		draw_chart(u, y, ch, "live heap (#) and goal (-)", u->selected, pt_live, pt_goal, lab_bytes);
		draw_chart(u, y + ch, ch, "STW pause", u->selected, pt_pause, NULL, text_duration);
		draw_chart(u, y + 2 * ch, ch, "GC CPU", u->selected, pt_cpu, NULL, lab_pct);
		y += 3 * ch;
	}
	attron(A_BOLD);
	mvprintw(y, 0, "%-*.*s", COLS, COLS, "last events:      gc        @t     pause      mark       "
						  "live       goal    P    cpu");
	attroff(A_BOLD);
	for (int k = 1; k < ev_rows && k <= (int)n && y + k < LINES - 1; k++) {
		const gomem_monitor_point *p = gomem_monitor_history_at(u->m, u->selected, n - (size_t)k);
		char pa[GOMEM_UNITS_BUFSIZE], mk[GOMEM_UNITS_BUFSIZE], lv[GOMEM_UNITS_BUFSIZE],
			gl[GOMEM_UNITS_BUFSIZE], t[32], pr[16], cpu[16];

		text_duration(pa, sizeof(pa), p->pause);
		text_duration(mk, sizeof(mk), p->mark);
		text_bytes(lv, sizeof(lv), p->heap_live);
		text_bytes(gl, sizeof(gl), p->goal);
		snprintf(pr, sizeof(pr), p->procs < 0 ? "-" : "%d", p->procs);
		if (isnan(p->cpu_pct))
			snprintf(cpu, sizeof(cpu), "-");
		else
			snprintf(cpu, sizeof(cpu), "%.3g%%", p->cpu_pct);
		if (isnan(p->t))
			snprintf(t, sizeof(t), "-");
		else
			snprintf(t, sizeof(t), "%.3fs", p->t);
		put_line(y + k, "%17s %6lld %9s %9s %9s %10s %10s %4s %5s%s", "", (long long)p->gc, t, pa,
			 mk, lv, gl, pr, cpu, p->forced ? " forced" : "");
	}
}

static void draw_help(void)
{
	static const char *const lines[] = {
		"gomem top - keys",
		"",
		"  q            quit",
		"  h, ?         this help (any key returns)",
		"  Up/Down j/k  select a source",
		"  Enter        details of the selected source: charts and last events",
		"  Esc          back to the list",
		"  s            next sort key; r reverses the order",
		"  p            pause (input is still read)",
		"  + / -        longer / shorter interval",
		"",
		"Columns: GCS gc count, GC/S GCs per second over the window, PAUSE last STW",
		"pause, P99 its 99th percentile, GC CPU, LIVE marked heap -> GOAL, SLOPE live",
		"heap trend per minute, GR goroutines (endpoints), AGE since the last GC.",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]) && (int)i < LINES - 1; i++)
		mvprintw((int)i, 0, "%.*s", COLS, lines[i]);
}

static void redraw(struct ui *u)
{
	erase();
	if (LINES < 6 || COLS < 40) {
		mvprintw(0, 0, "terminal too small");
	} else if (u->view == VIEW_HELP) {
		draw_help();
	} else if (u->view == VIEW_DETAIL) {
		draw_detail(u);
	} else {
		draw_main(u);
	}
	if (LINES >= 6 && COLS >= 40)
		mvprintw(LINES - 1, 0, "%.*s", COLS,
			 u->status[0] ? u->status
				      : "q quit  h help  Enter details  Esc back  s sort  p pause  +/- interval");
	wnoutrefresh(stdscr);
	doupdate();
}

/* Keeps the selection on the same source across a new order. */
static void follow_selection(struct ui *u)
{
	size_t n = gomem_monitor_row_count(u->m);

	for (size_t i = 0; i < n; i++) {
		if (gomem_monitor_row_at(u->m, i)->index == u->selected_src) {
			u->selected = i;
			return;
		}
	}
	u->selected = 0;
}

static void select_row(struct ui *u, long delta)
{
	size_t n = gomem_monitor_row_count(u->m);
	long s = (long)u->selected + delta;

	if (n == 0)
		return;
	s = s < 0 ? 0 : s >= (long)n ? (long)n - 1 : s;
	u->selected = (size_t)s;
	u->selected_src = gomem_monitor_row_at(u->m, u->selected)->index;
}

static double step_interval(double iv, int up)
{
	static const double steps[] = {0.25, 0.5, 1, 2, 3, 5, 10, 30, 60};
	size_t n = sizeof(steps) / sizeof(steps[0]);

	if (up) {
		for (size_t i = 0; i < n; i++)
			if (steps[i] > iv + 1e-9)
				return steps[i];
		return iv;
	}
	for (size_t i = n; i-- > 0;)
		if (steps[i] < iv - 1e-9)
			return steps[i];
	return iv;
}

/* Returns 1 to quit, 2 to tick now. */
static int on_key(struct ui *u, int key)
{
	u->status[0] = '\0';
	if (u->view == VIEW_HELP) {
		u->view = VIEW_MAIN;
		return key == 'q' ? 1 : 0;
	}
	switch (key) {
	case 'q': case 'Q': return 1;
	case 'h': case '?': u->view = VIEW_HELP; break;
	case KEY_UP: case 'k': select_row(u, -1); break;
	case KEY_DOWN: case 'j': select_row(u, 1); break;
	case KEY_PPAGE: select_row(u, -(LINES - 5)); break;
	case KEY_NPAGE: select_row(u, LINES - 5); break;
	case KEY_HOME: case 'g': select_row(u, -(long)gomem_monitor_row_count(u->m)); break;
	case KEY_END: case 'G': select_row(u, (long)gomem_monitor_row_count(u->m)); break;
	case '\n': case '\r': case KEY_ENTER: u->view = VIEW_DETAIL; break;
	case 27: case KEY_BACKSPACE: case KEY_LEFT: u->view = VIEW_MAIN; break;
	case 's':
		u->sort = (gomem_monitor_sort_key)((u->sort + 1) % GOMEM_MONITOR_SORT_COUNT_);
		u->descending = u->sort != GOMEM_MONITOR_SORT_NAME;
		gomem_monitor_sort(u->m, u->sort, u->descending);
		follow_selection(u);
		snprintf(u->status, sizeof(u->status), "sort: %s", gomem_monitor_sort_name(u->sort));
		break;
	case 'r':
		u->descending = !u->descending;
		gomem_monitor_sort(u->m, u->sort, u->descending);
		follow_selection(u);
		break;
	case 'p':
		u->paused = !u->paused;
		return u->paused ? 0 : 2;
	case '+': case '=':
		u->interval = step_interval(u->interval, 1);
		snprintf(u->status, sizeof(u->status), "interval %gs", u->interval);
		break;
	case '-': case '_':
		u->interval = step_interval(u->interval, 0);
		snprintf(u->status, sizeof(u->status), "interval %gs", u->interval);
		break;
	case 'l' & 0x1f: clearok(curscr, TRUE); break;
	default: break;
	}
	return 0;
}

static int screen_open(FILE **tty, SCREEN **scr, int no_color, int *color)
{
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

	if ((*tty = fopen("/dev/tty", "r+")) == NULL)
		return -1;
	tty_fd = fileno(*tty);
	fcntl(tty_fd, F_SETFD, FD_CLOEXEC);
	if (tcgetattr(tty_fd, &tty_saved) != 0 || (*scr = newterm(NULL, *tty, *tty)) == NULL) {
		tty_fd = -1;
		fclose(*tty);
		return -1;
	}
	set_term(*scr);
	add_reset("rmcup");
	add_reset("cnorm");
	add_reset("sgr0");
	add_reset("rmkx");
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		catch_signal(fatal[i], on_fatal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	*color = has_colors() && cli_use_color(*tty, no_color);
	if (*color) {
		start_color();
		use_default_colors();
		init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_ERROR, COLOR_RED, -1);
		init_pair(PAIR_CHART, COLOR_GREEN, -1);
		init_pair(PAIR_GOAL, COLOR_YELLOW, -1);
	}
	return 0;
}

static void screen_close(FILE *tty, SCREEN *scr)
{
	endwin();
	tty_fd = -1;
	delscreen(scr);
	fclose(tty);
}

static int run_screen(gomem_monitor *m, const struct config *c, FILE *tty)
{
	struct ui u;
	double next;
	int fds[MAX_FDS], streams, key, status = EXIT_OK, act;

	memset(&u, 0, sizeof(u));
	u.m = m;
	u.c = c;
	u.interval = c->interval;
	u.sort = c->sort;
	u.descending = c->sort != GOMEM_MONITOR_SORT_NAME;
	u.color = !c->no_color;
	(void)tty;
	next = now_mono();
	while (!quit_signal) {
		double now = now_mono();
		int dirty = 0;

		if (now >= next) {
			if (!u.paused) {
				if (gomem_monitor_tick(m, now) != GOMEM_OK) {
					status = EXIT_TROUBLE;
					break;
				}
				follow_selection(&u);
				u.ticks++;
			}
			dirty = 1;
			next = now + u.interval;
		}
		if (dirty) {
			redraw(&u);
			if (c->iterations && u.ticks >= c->iterations)
				break;
		}
		now = now_mono();
		key = wait_input(fds, gomem_monitor_fds(m, fds, MAX_FDS), tty_fd,
				 next > now ? next - now : 0, &streams);
		if (streams && gomem_monitor_read(m, now_mono()) != GOMEM_OK) {
			status = EXIT_TROUBLE;
			break;
		}
		(void)key;
		/* Keys, and KEY_RESIZE after SIGWINCH interrupted the poll. */
		act = 0;
		while (!act && (key = getch()) != ERR) {
			if (key == KEY_RESIZE) {
				dirty = 1;
				continue;
			}
			act = on_key(&u, key);
			dirty = 1;
		}
		if (act == 1)
			break;
		if (act == 2)
			next = now_mono();
		if (dirty)
			redraw(&u);
	}
	return status;
}

/* ---- main ---------------------------------------------------------------- */

static int add_sources(gomem_monitor *m, const struct config *c, int quiet)
{
	for (size_t i = 0; i < c->nurls; i++)
		if (gomem_monitor_add(m, c->urls[i]) != GOMEM_OK)
			goto fail;
	for (int i = 0; i < c->nfiles; i++)
		if (gomem_monitor_add(m, c->files[i]) != GOMEM_OK)
			goto fail;
	if (c->command && gomem_monitor_add_command(m, c->command, quiet) != GOMEM_OK)
		goto fail;
	return EXIT_OK;
fail:
	cli_error_detail(gomem_monitor_error(m));
	return EXIT_TROUBLE;
}

int main(int argc, char **argv)
{
	struct config c;
	gomem_monitor_options mdefaults = GOMEM_MONITOR_OPTIONS_INIT;
	gomem_monitor *m = NULL;
	FILE *tty = NULL;
	SCREEN *scr = NULL;
	int status, color = 0;

	setlocale(LC_ALL, "");
	cli_set_name("gomem top");
	memset(&c, 0, sizeof(c));
	c.mon = mdefaults;
	c.interval = 2;
	c.format = GOMEM_FORMAT_TABLE;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	if (!c.batch && (c.output || c.format != GOMEM_FORMAT_TABLE))
		c.batch = 1; /* asking for a file or a machine format is asking for batch */
	if (!c.batch && !isatty(STDOUT_FILENO))
		c.batch = 1;
	/* Quit cleanly (the terminal restored, children reaped) on these; the
	 * handlers are in place before newterm, so ncurses leaves them alone. */
	catch_signal(SIGINT, on_quit);
	catch_signal(SIGTERM, on_quit);
	catch_signal(SIGHUP, on_quit);
	signal(SIGPIPE, SIG_IGN);
	if (gomem_monitor_new(&m, &c.mon) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	gomem_monitor_sort(m, c.sort, c.sort != GOMEM_MONITOR_SORT_NAME);
	status = add_sources(m, &c, 1);
	if (status == EXIT_OK && !c.batch && screen_open(&tty, &scr, c.no_color, &color) != 0) {
		cli_warnf("no terminal to draw on (/dev/tty): printing a line per source per tick");
		c.batch = 1;
	}
	if (status == EXIT_OK && c.batch) {
		status = run_batch(m, &c);
	} else if (status == EXIT_OK) {
		c.no_color = !color;
		status = run_screen(m, &c, tty);
	}
	if (scr)
		screen_close(tty, scr);
	gomem_monitor_free(m); /* children are sent SIGTERM and reaped here */
	reraise();
	return status;
}
