/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-snapshot — one HTML page of a live Go service's memory, for an
 * incident ticket. libgomem takes the profiles and writes the page; this
 * file parses options and says what it is doing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum { OPT_INTERVAL = OPT_TOOL_BASE, OPT_GCTRACE, OPT_GO };

static const cli_option options[] = {
	{"interval", 0, "DURATION", OPT_INTERVAL, "between the two heap profiles and goroutine dumps\n"
						  "(default 10s)"},
	{"gctrace", 0, "LOG", OPT_GCTRACE, "add the GC timeline of LOG (the service's gctrace=1\n"
					   "output: a file, - or gzip)"},
	{"go", 0, "VERSION", OPT_GO, "size classes of Go VERSION (or of the release that built a\n"
				     "Go binary) for the heap's breakdown (default: the newest)"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write the page to FILE instead of standard output"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse responses larger than SIZE decompressed (default 1GiB)"},
	{"header", 0, "LINE", OPT_HEADER, "send 'Name: value' with HTTP requests (repeatable)"},
	{"timeout", 0, "DURATION", OPT_TIMEOUT, "HTTP timeout of each request (default 60s)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"snapshot", "[OPTION]... URL",
	"Take a live Go service's memory from its net/http/pprof endpoint (the heap\n"
	"profile twice an interval apart, the goroutine dump, the allocs profile) and\n"
	"write one self-contained HTML page: the heap's breakdown, the heap diff and its\n"
	"flame graph, goroutine groups, leak suspects, MemStats. URL: the service's base\n"
	"URL (http://host:6060) or any URL under its /debug/pprof/.",
	options,
	"Exit status: 0 success, 2 trouble (an endpoint that does not answer, bad usage).\n"
	"Example: gomem snapshot --interval 30s -o report.html http://localhost:6060\n"
	"See gomem-snapshot(1) for the page's sections.\n"
};

struct config {
	gomem_snapshot_options snap;
	gomem_source_options source;
	const char *headers[CLI_MAX_HEADERS];
	const char *output;
	const char *url;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	double secs;

	switch (id) {
	case OPT_INTERVAL:
		if (gomem_parse_duration(&secs, arg) != GOMEM_OK || secs <= 0 || secs > 86400)
			return usage_error("--interval: '%s' is not a duration up to a day", arg);
		c->snap.interval = secs;
		break;
	case OPT_GCTRACE: c->snap.gctrace = arg; break;
	case OPT_GO: return cli_go_option(&tool, arg, &c->snap.go_minor);
	case OPT_OUTPUT: c->output = arg; break;
	default: {
		int st = cli_input_option(&tool, &c->source, c->headers, id, arg);

		return st == CLI_NOT_INPUT_OPTION ? EXIT_TROUBLE : st;
	}
	}
	return EXIT_OK;
}

/* What is being taken, on a terminal: a page takes the interval. */
static void progress(void *payload, const char *step)
{
	(void)payload;
	fprintf(stderr, "gomem snapshot: %s\n", step);
}

static int parse_args(struct config *c, int argc, char **argv)
{
	int rc = cli_parse(&tool, argc, argv, parse_option, c);

	if (rc != EXIT_OK)
		return rc;
	if (argc - optind != 1)
		return usage_error("%s", argc == optind ? "needs the URL of a service's pprof endpoint"
							: "one URL only");
	c->url = argv[optind];
	if (!gomem_url_is_http(c->url))
		return usage_error("'%s' is not an http(s) URL: a snapshot is taken from a live service",
				   c->url);
	if ((c->output == NULL || strcmp(c->output, "-") == 0) && isatty(STDOUT_FILENO))
		return usage_error("%s", "the page is HTML: write it to a file with -o FILE");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	gomem_snapshot_options sdefaults = GOMEM_SNAPSHOT_OPTIONS_INIT;
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_snapshot *s = NULL;
	gomem_error err = {0};
	struct config c;
	int status;
	FILE *fp;

	cli_set_name("gomem snapshot");
	memset(&c, 0, sizeof(c));
	c.snap = sdefaults;
	c.source = so;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	c.source.headers = c.headers;
	c.snap.source = &c.source;
	if (isatty(STDERR_FILENO))
		c.snap.progress = progress;
	if (gomem_snapshot_take(&s, c.url, &c.snap, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	fp = cli_open_output(c.output);
	status = EXIT_OK;
	if (gomem_snapshot_write_html(s, fp, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		status = EXIT_TROUBLE;
	}
	if (cli_close_output(fp, c.output) != 0)
		status = EXIT_TROUBLE;
	gomem_snapshot_free(s);
	return status;
}
