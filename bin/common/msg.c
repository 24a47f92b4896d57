/* SPDX-License-Identifier: Apache-2.0 */
/* msg.c — messages, colour policy and the output file. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

static const char *tool_name = "gomem";

void cli_set_name(const char *tool)
{
	tool_name = tool;
}

/* Every message passes the one rule for text people see (gomem_text_write):
 * it quotes file names, lines and function names from input that nobody
 * vetted, and stderr is a terminal more often than not — or a log that one
 * will show. */
static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	gomem_text_printf(stderr, "%s: %s", tool_name, kind);
	gomem_text_vprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void cli_warnf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void cli_hintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gomem_text_vprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_error_detail(const gomem_error *err)
{
	char buf[1024];

	gomem_error_format(buf, sizeof(buf), err);
	cli_errorf("%s", buf);
}

int cli_use_color(FILE *fp, int no_color)
{
	const char *env = getenv("NO_COLOR");

	if (no_color || (env != NULL && env[0] != '\0'))
		return 0;
	return isatty(fileno(fp));
}

FILE *cli_open_output(const char *path)
{
	FILE *fp;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	fp = fopen(path, "w");
	if (fp == NULL) {
		cli_errorf("%s: %s", path, strerror(errno));
		exit(EXIT_TROUBLE);
	}
	return fp;
}

int cli_close_output(FILE *fp, const char *path)
{
	int failed = ferror(fp);

	if (fp == stdout)
		failed |= fflush(fp) != 0;
	else
		failed |= fclose(fp) != 0;
	if (failed) {
		cli_errorf("%s: write failed: %s", path && strcmp(path, "-") ? path : "<stdout>",
			   strerror(errno));
		return -1;
	}
	return 0;
}
