/* SPDX-License-Identifier: Apache-2.0 */
/* opt.h — one declarative option table per tool: it drives getopt_long and
 * prints --help, so the two never disagree (tests/mancheck.sh checks the man
 * page against --help). */
#ifndef GOMEM_CLI_OPT_H
#define GOMEM_CLI_OPT_H

#include <stdio.h>

typedef struct cli_option {
	const char *long_name;
	int short_name;       /* 0 when the option has no short form */
	const char *arg_name; /* NULL for a flag */
	int id;               /* returned by cli_next; use the short letter or a value >= 256 */
	const char *help;     /* one line; "\n" starts a continuation line */
} cli_option;

typedef struct cli_tool {
	const char *name;      /* "heapdiff" (the program is gomem-heapdiff) */
	const char *usage;     /* "[OPTION]... BASE NEW" */
	const char *summary;   /* one sentence */
	const cli_option *options;
	const char *epilogue;  /* exit status and examples, printed after the options */
} cli_tool;

/* Options every tool shares; ids are below. */
enum {
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_OUTPUT = 'o',
	OPT_FORMAT = 256,
	OPT_NO_COLOR,
	OPT_MAX_INPUT,
	OPT_TOOL_BASE = 300   /* first id for a tool's own long-only options */
};

#define CLI_OPTIONS_END {NULL, 0, NULL, 0, NULL}

/* Returns the next option's id (its argument in *arg), -1 after the last
 * option (argv[optind] is the first operand), or '?' on a usage error, which
 * it has already reported. */
int cli_next(const cli_tool *tool, int argc, char **argv, const char **arg);
void cli_help(const cli_tool *tool, FILE *fp);
void cli_version(const cli_tool *tool);

#endif
