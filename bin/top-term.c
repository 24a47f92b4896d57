/* SPDX-License-Identifier: Apache-2.0 */
/* top-term.c — gomem top's terminal: opened as /dev/tty (so a pipe on
 * standard input can be a source), refused when it cannot address the
 * cursor, and given back on every way out, a crash included. What is drawn
 * on it is top-screen.c's. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600 /* ncurses' pkg-config usually says so already */
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/msg.h"
#include "top.h"

#include <curses.h>
#include <term.h> /* setupterm, tigetstr: after our headers, its macros name fields */
#undef lines
#undef columns
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

/* A terminal that cannot address the cursor (TERM=dumb, a serial console
 * without a terminfo entry) would get a screen drawn as one long line:
 * WHY says so, and the caller prints lines instead. */
static int usable_terminal(int fd, char *why, size_t size)
{
	const char *term = getenv("TERM");
	char *cup;
	int err = 0;

	if (setupterm(NULL, fd, &err) != OK) {
		snprintf(why, size, "no terminfo entry for TERM=%s", term && *term ? term : "(unset)");
		return 0;
	}
	cup = tigetstr((char *)"cup");
	if (cup == NULL || cup == (char *)-1 || tigetnum((char *)"lines") == 0) {
		snprintf(why, size, "TERM=%s cannot move the cursor", term ? term : "(unset)");
		del_curterm(cur_term);
		return 0;
	}
	del_curterm(cur_term);
	return 1;
}

static FILE *screen_tty;
static SCREEN *screen;

int top_screen_open(int no_color, int *color, char *why, size_t size)
{
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

	if ((screen_tty = fopen("/dev/tty", "r+")) == NULL) {
		snprintf(why, size, "no terminal to draw on (/dev/tty)");
		return -1;
	}
	tty_fd = fileno(screen_tty);
	fcntl(tty_fd, F_SETFD, FD_CLOEXEC);
	if (!usable_terminal(tty_fd, why, size) || tcgetattr(tty_fd, &tty_saved) != 0 ||
	    (screen = newterm(NULL, screen_tty, screen_tty)) == NULL) {
		if (why[0] == '\0')
			snprintf(why, size, "cannot draw on the terminal");
		tty_fd = -1;
		fclose(screen_tty);
		screen_tty = NULL;
		return -1;
	}
	set_term(screen);
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
	*color = has_colors() && cli_use_color(screen_tty, no_color);
	if (*color) {
		start_color();
		use_default_colors();
	}
	return 0;
}

void top_screen_close(void)
{
	if (screen == NULL)
		return;
	endwin();
	tty_fd = -1;
	delscreen(screen);
	fclose(screen_tty);
	screen = NULL;
}


int top_term_fd(void)
{
	return tty_fd;
}
