/* SPDX-License-Identifier: Apache-2.0 */
/* opt.h — one declarative option table per tool: it drives getopt_long and
 * prints --help, so the two never disagree (tests/mancheck.sh checks the man
 * page against --help). */
#ifndef GOMEM_CLI_OPT_H
#define GOMEM_CLI_OPT_H

#include <stdio.h>

#include "gomem/binary.h"
#include "gomem/source.h"

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
	OPT_HEADER,
	OPT_TIMEOUT,
	OPT_TOOL_BASE = 300   /* first id for a tool's own long-only options */
};

#define CLI_OPTIONS_END {NULL, 0, NULL, 0, NULL}

/* Returns the next option's id (its argument in *arg), -1 after the last
 * option (argv[optind] is the first operand), or '?' on a usage error, which
 * it has already reported. */
int cli_next(const cli_tool *tool, int argc, char **argv, const char **arg);
void cli_help(const cli_tool *tool, FILE *fp);
void cli_version(const cli_tool *tool);

/* Parses every option of ARGV with the tool's table. --help and --version
 * are answered here (they exit 0); every other option goes to ON_OPTION,
 * which returns EXIT_OK or the status to stop with. Returns EXIT_OK (optind
 * is then the first operand) or that status; usage errors are reported. */
int cli_parse(const cli_tool *tool, int argc, char **argv,
	      int (*on_option)(void *ctx, int id, const char *arg), void *ctx);
/* "TOOL [OPTION]... -- COMMAND ARGS...": *command gets COMMAND's argv (NULL
 * without "--") and *argc is cut at "--", so that COMMAND's own options stay
 * its own. EXIT_TROUBLE (reported) when "--" ends the line. */
int cli_split_command(const cli_tool *tool, int *argc, char **argv, char ***command);
/* The input options of the tools that read profiles and dumps, maybe over
 * HTTP: --max-input, --header (repeatable; kept in HEADERS, which has
 * CLI_MAX_HEADERS slots, and counted in SO->nheaders) and --timeout.
 * Returns EXIT_OK, the status of a usage error (reported), or
 * CLI_NOT_INPUT_OPTION when ID is none of them. */
#define CLI_MAX_HEADERS 32
#define CLI_NOT_INPUT_OPTION (-1)
/* Their rows of the option table, worded once for every tool. */
#define CLI_OPTION_HEADER \
	{"header", 0, "LINE", OPT_HEADER, "send 'Name: value' with HTTP requests (repeatable);\n" \
					  "never to a host, port or scheme a redirect leads to"}
#define CLI_OPTION_TIMEOUT \
	{"timeout", 0, "DURATION", OPT_TIMEOUT, "give up on a URL after DURATION (default 60s; 0: no\n" \
						"limit); a seconds=N in the URL adds N seconds"}
int cli_input_option(const cli_tool *tool, gomem_source_options *so, const char **headers, int id,
		     const char *arg);
/* The options of the tools that open Go binaries (buildinfo, addr2line,
 * layout): --max-input, the cap on what is held in memory (a gzip'd or piped
 * binary, compressed sections inflated), and --debug-dir, where separate
 * debug files are looked for. Returns EXIT_OK, the status of a usage error
 * (reported), or CLI_NOT_INPUT_OPTION when ID is neither. */
enum { OPT_DEBUG_DIR = OPT_TOOL_BASE - 1 };
#define CLI_OPTION_BINARY_MAX_INPUT \
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "hold at most SIZE in memory: a gzip'd or piped\n" \
						"binary, compressed sections inflated (default 1GiB)"}
#define CLI_OPTION_DEBUG_DIR \
	{"debug-dir", 0, "DIR", OPT_DEBUG_DIR, "look for separate debug files under DIR (':' between\n" \
					       "several; default $GOMEM_DEBUG_DIR, else /usr/lib/debug)"}
int cli_binary_option(const cli_tool *tool, gomem_binary_options *bo, int id, const char *arg);
/* --go: a Go release ("1.22", "go1.22.3") or the path of a Go binary, whose
 * build info names the release it was built with. *MINOR gets 22 for Go
 * 1.22. Returns EXIT_OK or the status of a usage error (reported). */
int cli_go_option(const cli_tool *tool, const char *arg, int *minor);
/* Reports a usage error and the "try --help" hint; returns EXIT_TROUBLE. */
int cli_usage_error(const cli_tool *tool, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
