/* SPDX-License-Identifier: Apache-2.0 */
/* msg.h — how every tool talks to the user: one prefix, errors and warnings
 * on stderr, written by the one rule for text people see (control
 * characters from input show as U+FFFD: gomem_text_write), and the one rule
 * for colour (a tty, and NO_COLOR unset). */
#ifndef GOMEM_CLI_MSG_H
#define GOMEM_CLI_MSG_H

#include <stdio.h>

#include "gomem.h"

/* Exit statuses of every tool (documented in each --help and man page). */
enum { EXIT_OK = 0, EXIT_GATE = 1, EXIT_TROUBLE = 2 };

void cli_set_name(const char *tool);
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A follow-up line to an error ("try --help"). */
void cli_hintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "gomem TOOL: file:line:col: message". */
void cli_error_detail(const gomem_error *err);
/* Colour on FP: only on a terminal, never with NO_COLOR set (no-color.org)
 * or when the user said --no-color. */
int cli_use_color(FILE *fp, int no_color);
/* Opens -o FILE (NULL or "-" is stdout); exits 2 on failure. */
FILE *cli_open_output(const char *path);
/* Closes it, reporting a write error (a full disk, a closed pipe). */
int cli_close_output(FILE *fp, const char *path);

#endif
