/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-top — a top-style monitor of Go GC over many sources at once.
 * The model (sources, statistics, history, endpoint polls) is libgomem's
 * gomem_monitor; this file parses options and runs the batch loop (a line
 * per source per tick); top-screen.c draws on the terminal. */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "top.h"

enum {
	OPT_BATCH = 'b',
	OPT_ITERATIONS = 'n',
	OPT_INTERVAL = 'd',
	OPT_URL = OPT_TOOL_BASE,
	OPT_URL_INTERVAL,
	OPT_SORT,
	OPT_WINDOW,
	OPT_FROM_END,
	OPT_LISTEN
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
	{"timeout", 0, "DURATION", OPT_TIMEOUT, "give up on one endpoint fetch after DURATION (default\n"
						"5s; 0: no limit); the screen never waits for it"},
	{"sort", 0, "KEY", OPT_SORT, "name, gcs, pause, p99, cpu, heap, slope, goroutines, age\n"
				     "(default: the order given; largest first)"},
	{"window", 0, "DURATION", OPT_WINDOW, "statistics over the last DURATION of events (default 5m)"},
	{"from-end", 0, NULL, OPT_FROM_END, "read log files from their end, not their start"},
	{"listen", 0, "ADDR", OPT_LISTEN, "also serve /metrics (OpenMetrics or Prometheus text)\n"
					  "on ADDR, HOST:PORT (port 0: any free one)"},
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


/* ---- options ------------------------------------------------------------- */

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

/* One option of the table, into the config CTX (cli_parse's callback). */
static int parse_option(void *ctx, int id, const char *arg)
{
	struct top_config *c = ctx;
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
		if (c->nurls == TOP_MAX_URLS)
			return usage_error("--url: at most 64 (got '%s')", arg);
		if (!gomem_url_is_http(arg))
			return usage_error("--url: '%s' is not an http(s) URL", arg);
		c->urls[c->nurls++] = arg;
		break;
	case OPT_URL_INTERVAL:
		if (gomem_parse_duration(&secs, arg) || secs < 0.1)
			return usage_error("--url-interval: '%s' is not a duration of 100ms or more", arg);
		c->mon.url_interval = secs;
		break;
	case OPT_TIMEOUT:
		if (gomem_parse_duration(&secs, arg) || secs * 1000 > (double)GOMEM_SOURCE_TIMEOUT_MAX_MS)
			return usage_error("--timeout: '%s' is not a duration from 0 (no limit) to 24h", arg);
		c->mon.url_timeout_ms = secs > 0 ? gomem_duration_ms(secs, GOMEM_SOURCE_TIMEOUT_MAX_MS)
						 : GOMEM_MONITOR_NO_TIMEOUT;
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
	case OPT_LISTEN: c->listen = arg; break;
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

static int parse_args(struct top_config *c, int argc, char **argv)
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

/* ---- batch mode ---------------------------------------------------------- */

/* A tick every interval; between ticks the streams and the endpoints'
 * fetches are waited on, so a pipe's writer never blocks on us and a slow
 * endpoint never holds a tick up. */
static int run_batch(gomem_monitor *m, const struct top_config *c, int *quit_signal)
{
	gomem_monitor_batch *b = NULL;
	double start = now_mono(), next = start;
	int status = EXIT_OK, rc = GOMEM_OK;
	long tick = 0;
	FILE *fp = cli_open_output(c->output);

	if (gomem_monitor_batch_new(&b, fp, c->format) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	while ((*quit_signal = gomem_signals_take()) == 0) {
		double now = now_mono();

		if (now >= next) {
			if (gomem_monitor_tick(m, now) != GOMEM_OK)
				break;
			/* The first line waits for the endpoints' first answers
			 * (an interval at most): "waiting" would tell nothing. */
			if (tick == 0 && gomem_monitor_polls_running(m) > 0 && now < start + c->interval) {
				if (gomem_monitor_wait(m, NULL, 0, start + c->interval - now) != GOMEM_OK ||
				    gomem_monitor_read(m, now_mono()) != GOMEM_OK)
					break;
				continue;
			}
			if ((rc = gomem_monitor_batch_tick(b, m, ++tick, now - start)) != GOMEM_OK ||
			    (c->iterations && tick >= c->iterations) || gomem_monitor_all_ended(m))
				break;
			next = next + c->interval < now ? now + c->interval : next + c->interval;
			continue;
		}
		if (gomem_monitor_wait(m, NULL, 0, next - now) != GOMEM_OK ||
		    gomem_monitor_read(m, now_mono()) != GOMEM_OK)
			break;
	}
	if (gomem_monitor_error(m)->code != GOMEM_OK) {
		cli_error_detail(gomem_monitor_error(m));
		status = EXIT_TROUBLE;
	}
	if (rc == GOMEM_OK)
		rc = gomem_monitor_batch_end(b);
	gomem_monitor_batch_free(b);
	if (rc == GOMEM_E_IO && errno == EPIPE)
		return status; /* the reader went away (| head): a normal end */
	if (cli_close_output(fp, c->output) != 0 || rc != GOMEM_OK)
		status = EXIT_TROUBLE;
	return status;
}

/* ---- main ---------------------------------------------------------------- */

static int add_sources(gomem_monitor *m, const struct top_config *c, int quiet)
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

/* The address bound goes to stderr: with port 0 it is how a caller learns it. */
static int start_listening(gomem_monitor *m, const char *addr)
{
	if (gomem_monitor_listen(m, addr) != GOMEM_OK) {
		cli_errorf("--listen: %s", gomem_monitor_error(m)->message);
		return EXIT_TROUBLE;
	}
	fprintf(stderr, "gomem top: serving http://%s/metrics\n", gomem_monitor_listen_address(m));
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct top_config c;
	gomem_monitor_options mdefaults = GOMEM_MONITOR_OPTIONS_INIT;
	gomem_monitor *m = NULL;
	int status, color = 0, screen = 0, sig = 0;
	char why[160] = "";

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
	/* Quit cleanly (the terminal restored, children reaped) on SIGINT,
	 * SIGTERM and SIGHUP; the handlers are in place before newterm, so
	 * ncurses leaves them alone. */
	gomem_signals_catch();
	signal(SIGPIPE, SIG_IGN);
	if (gomem_monitor_new(&m, &c.mon) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	gomem_monitor_sort(m, c.sort, c.sort != GOMEM_MONITOR_SORT_NAME);
	status = add_sources(m, &c, 1);
	if (status == EXIT_OK && c.listen)
		status = start_listening(m, c.listen);
	if (status == EXIT_OK && !c.batch) {
		screen = top_screen_open(c.no_color, &color, why, sizeof(why)) == 0;
		if (!screen)
			cli_warnf("%s: printing a line per source per tick", why);
	}
	if (status == EXIT_OK && screen)
		status = top_screen_run(m, &c, color, &sig);
	else if (status == EXIT_OK)
		status = run_batch(m, &c, &sig);
	top_screen_close();
	gomem_monitor_free(m); /* children are sent SIGTERM and reaped, fetches cancelled */
	/* Die of the signal that asked us to, so the shell sees it. */
	gomem_signals_reraise(sig);
	return status;
}
