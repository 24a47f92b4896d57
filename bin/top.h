/* SPDX-License-Identifier: Apache-2.0 */
/* top.h — what gomem top's files share: the options (top.c), the terminal
 * (top-term.c) and the screen (top-screen.c). */
#ifndef GOMEM_BIN_TOP_H
#define GOMEM_BIN_TOP_H

#include <signal.h>
#include <string.h>
#include <time.h>

#include "gomem.h"

#define TOP_MAX_URLS 64

struct top_config {
	int batch;
	long iterations;       /* 0: no end */
	double interval;
	const char *urls[TOP_MAX_URLS];
	size_t nurls;
	gomem_monitor_options mon;
	gomem_monitor_sort_key sort;
	gomem_format format;
	const char *output;
	int no_color;
	const char *listen;    /* --listen ADDR; NULL none */
	char **files;          /* operands before "--" */
	int nfiles;
	char **command;        /* after "--", NULL-terminated; NULL when none */
};

/* Opens the screen on /dev/tty: 0, or -1 with WHY saying why it cannot
 * (no terminal, or one that cannot move the cursor, as TERM=dumb). */
int top_screen_open(int no_color, int *color, char *why, size_t size);
/* Runs it until q, the last --iterations tick or a quit signal (then in
 * *QUIT_SIGNAL); the exit status. */
int top_screen_run(gomem_monitor *m, const struct top_config *c, int color, int *quit_signal);
void top_screen_close(void);
/* The terminal top_screen_open opened (top-term.c), -1 when none. */
int top_term_fd(void);

static inline double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void catch_signal(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

#endif
