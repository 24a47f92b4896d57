/* SPDX-License-Identifier: Apache-2.0 */
/* opt.c — getopt_long driven by the tool's table, and --help printed from it. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gomem.h"
#include "msg.h"
#include "opt.h"

#define MAX_OPTIONS 64

int cli_next(const cli_tool *tool, int argc, char **argv, const char **arg)
{
	static struct option longopts[MAX_OPTIONS + 1];
	static char shortopts[MAX_OPTIONS * 2 + 2];
	static const cli_tool *built;
	int c;

	if (built != tool) {
		size_t n = 0, s = 0;

		shortopts[s++] = ':'; /* report a missing argument as ':' */
		for (const cli_option *o = tool->options; o->long_name && n < MAX_OPTIONS; o++, n++) {
			longopts[n].name = o->long_name;
			longopts[n].has_arg = o->arg_name ? required_argument : no_argument;
			longopts[n].flag = NULL;
			longopts[n].val = o->id;
			if (o->short_name) {
				shortopts[s++] = (char)o->short_name;
				if (o->arg_name)
					shortopts[s++] = ':';
			}
		}
		memset(&longopts[n], 0, sizeof(longopts[n]));
		shortopts[s] = '\0';
		built = tool;
	}
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	*arg = optarg;
	if (c == '?') {
		if (optopt && optopt < 256)
			cli_errorf("unknown option -%c", optopt);
		else
			cli_errorf("unknown option %s", argv[optind - 1]);
		cli_hintf("try 'gomem %s --help'", tool->name);
		return '?';
	}
	if (c == ':') {
		cli_errorf("option %s needs an argument", argv[optind - 1]);
		cli_hintf("try 'gomem %s --help'", tool->name);
		return '?';
	}
	/* getopt_long gives a short option's letter: the table's id is what
	 * the tool's switch knows it by (-f is --follow's OPT_FOLLOW). */
	for (const cli_option *o = tool->options; c > 0 && c < 256 && o->long_name; o++)
		if (o->short_name == c)
			return o->id;
	return c;
}

void cli_help(const cli_tool *tool, FILE *fp)
{
	fprintf(fp, "Usage: gomem %s %s\n%s\n\nOptions:\n", tool->name, tool->usage, tool->summary);
	for (const cli_option *o = tool->options; o->long_name; o++) {
		char left[64];
		const char *h = o->help, *nl;

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->long_name,
				 o->arg_name ? "=" : "", o->arg_name ? o->arg_name : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->long_name,
				 o->arg_name ? "=" : "", o->arg_name ? o->arg_name : "");
		while ((nl = strchr(h, '\n')) != NULL) {
			fprintf(fp, "  %-24s %.*s\n", left, (int)(nl - h), h);
			left[0] = '\0';
			h = nl + 1;
		}
		if (strlen(left) > 24)
			fprintf(fp, "  %s\n  %-24s %s\n", left, "", h);
		else
			fprintf(fp, "  %-24s %s\n", left, h);
	}
	if (tool->epilogue)
		fprintf(fp, "\n%s", tool->epilogue);
}

void cli_version(const cli_tool *tool)
{
	printf("gomem %s %s\n", tool->name, gomem_version());
}

int cli_parse(const cli_tool *tool, int argc, char **argv,
	      int (*on_option)(void *ctx, int id, const char *arg), void *ctx)
{
	const char *arg;
	int id, rc;

	while ((id = cli_next(tool, argc, argv, &arg)) != -1) {
		if (id == '?')
			return EXIT_TROUBLE;
		if (id == OPT_HELP) {
			cli_help(tool, stdout);
			exit(EXIT_OK);
		}
		if (id == OPT_VERSION) {
			cli_version(tool);
			exit(EXIT_OK);
		}
		if ((rc = on_option(ctx, id, arg)) != EXIT_OK)
			return rc;
	}
	return EXIT_OK;
}

int cli_split_command(const cli_tool *tool, int *argc, char **argv, char ***command)
{
	*command = NULL;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") != 0)
			continue;
		if (i + 1 == *argc)
			return cli_usage_error(tool, "'--' needs a COMMAND after it");
		*command = argv + i + 1; /* argv[argc] is NULL */
		*argc = i;
		break;
	}
	return EXIT_OK;
}

int cli_usage_error(const cli_tool *tool, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_errorf("%s", msg);
	cli_hintf("try 'gomem %s --help'", tool->name);
	return EXIT_TROUBLE;
}

int cli_input_option(const cli_tool *tool, gomem_source_options *so, const char **headers, int id,
		     const char *arg)
{
	uint64_t size;
	double secs;

	switch (id) {
	case OPT_MAX_INPUT:
		if (gomem_parse_size(&size, arg) != GOMEM_OK || size == 0)
			return cli_usage_error(tool, "--max-input: '%s' is not a size", arg);
		so->max_input = size;
		return EXIT_OK;
	case OPT_HEADER:
		if (so->nheaders == CLI_MAX_HEADERS)
			return cli_usage_error(tool, "--header: at most %d (got '%s')", CLI_MAX_HEADERS, arg);
		if (strchr(arg, ':') == NULL)
			return cli_usage_error(tool, "--header: '%s' is not 'Name: value'", arg);
		headers[so->nheaders++] = arg;
		return EXIT_OK;
	case OPT_TIMEOUT:
		/* 0 is "no limit" (said in --help and the man pages); anything
		 * else is at least 1ms, never rounded down to that 0. */
		if (gomem_parse_duration(&secs, arg) != GOMEM_OK ||
		    secs * 1000 > (double)GOMEM_SOURCE_TIMEOUT_MAX_MS)
			return cli_usage_error(tool, "--timeout: '%s' is not a duration from 0 (no limit) "
					       "to 24h", arg);
		so->timeout_ms = gomem_duration_ms(secs, GOMEM_SOURCE_TIMEOUT_MAX_MS);
		return EXIT_OK;
	default:
		return CLI_NOT_INPUT_OPTION;
	}
}

int cli_binary_option(const cli_tool *tool, gomem_binary_options *bo, int id, const char *arg)
{
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	int status;

	switch (id) {
	case OPT_MAX_INPUT: /* parsed as every tool parses it */
		if ((status = cli_input_option(tool, &so, NULL, id, arg)) == EXIT_OK)
			bo->max_input = so.max_input;
		return status;
	case OPT_DEBUG_DIR:
		if (arg[0] == '\0')
			return cli_usage_error(tool, "%s", "--debug-dir: an empty directory name");
		bo->debug_dir = arg;
		return EXIT_OK;
	default:
		return CLI_NOT_INPUT_OPTION;
	}
}

int cli_go_option(const cli_tool *tool, const char *arg, int *minor)
{
	gomem_binary *bin = NULL;
	gomem_buildinfo *bi = NULL;
	gomem_error err = {0};
	int status = EXIT_TROUBLE;

	if (gomem_go_version_minor(arg, minor) == GOMEM_OK)
		return EXIT_OK;
	if (access(arg, F_OK) != 0)
		return cli_usage_error(tool, "--go: '%s' is not a Go version like 1.22, nor a Go binary",
				       arg);
	if (gomem_binary_open(arg, &bin, &err) != GOMEM_OK)
		cli_error_detail(&err);
	else if (gomem_buildinfo_read(&bi, bin) != GOMEM_OK)
		cli_error_detail(gomem_binary_error(bin));
	else if (gomem_go_version_minor(bi->go_version, minor) != GOMEM_OK)
		cli_errorf("--go: %s: its build info names no Go 1.x release ('%s')", arg, bi->go_version);
	else
		status = EXIT_OK;
	gomem_buildinfo_free(bi);
	gomem_binary_free(bin);
	return status;
}
