/* SPDX-License-Identifier: Apache-2.0 */
/* top-screen.c — gomem top's screen: ncurses on the terminal top-term.c
 * opens, a list of sources, a detail view with charts (libgomem's cells:
 * braille on a UTF-8 terminal), help, keys. The model is libgomem's
 * gomem_monitor. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600 /* ncurses' pkg-config usually says so already */
#endif
#include <langinfo.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/msg.h"
#include "top.h"

#include <curses.h>

enum { VIEW_MAIN, VIEW_DETAIL, VIEW_HELP };

struct ui {
	gomem_monitor *m;
	const struct top_config *c;
	double interval;
	int view, paused, color, descending;
	gomem_monitor_sort_key sort;
	size_t selected;       /* index in the current order */
	size_t selected_src;   /* the row's index of addition, kept across sorts */
	size_t top;            /* first row shown */
	gomem_cells cells;     /* what charts are drawn with: braille on a UTF-8 terminal */
	int unicode;           /* the terminal takes UTF-8 */
	long ticks;
	char status[160];
};

enum { PAIR_HEADER = 1, PAIR_ERROR, PAIR_CHART };

static void init_pairs(void)
{
	init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_CHART, COLOR_GREEN, -1);
}

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

/* LINE at Y by the people's text rule (names, specs and messages come from
 * the inputs: a crafted file name must not drive the terminal), cut at the
 * right edge (mvprintw would wrap); PAD fills the line (reverse video). */
static void put_text(int y, const char *line, int pad)
{
	char clean[1024];

	gomem_text_copy(clean, sizeof(clean), line);
	if (pad)
		mvprintw(y, 0, "%-*.*s", COLS, COLS, clean);
	else
		mvprintw(y, 0, "%.*s", COLS, clean);
}

static void put_line(int y, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_line(int y, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	put_text(y, line, 0);
}

static void draw_header(const struct ui *u)
{
	gomem_monitor_totals t;
	char live[GOMEM_UNITS_BUFSIZE], goal[GOMEM_UNITS_BUFSIZE], pause[GOMEM_UNITS_BUFSIZE];

	gomem_monitor_get_totals(u->m, &t);
	gomem_monitor_text_bytes(live, sizeof(live), t.heap_live);
	gomem_monitor_text_bytes(goal, sizeof(goal), t.heap_goal);
	gomem_monitor_text_duration(pause, sizeof(pause), t.pause_max);
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

/* SCHED: the RUNQ and THREADS columns, when a source carries schedtrace. */
static void format_row(char *buf, size_t size, const gomem_monitor_row *r, int nw, int sched)
{
	gomem_monitor_text t;
	char extra[64] = "";

	gomem_monitor_row_text(&t, r);
	if (sched)
		snprintf(extra, sizeof(extra), " %5s %7s", t.runq, t.threads);
	snprintf(buf, size, "%-*.*s %-8s %7s %6s %8s %8s %6s %8s -> %-8s %11s %6s %6s%s  %s", nw, nw,
		 r->name, t.state, t.gcs, t.gc_per_s, t.pause, t.p99, t.cpu, t.live, t.goal, t.slope,
		 t.goroutines, t.age, extra, r->message ? r->message : "");
}

static void draw_main(struct ui *u)
{
	size_t n = gomem_monitor_row_count(u->m);
	int nw = name_width(u), rows = LINES - 5, sched = gomem_monitor_has_schedtrace(u->m);
	char line[512];

	draw_header(u);
	snprintf(line, sizeof(line), "%-*s %-8s %7s %6s %8s %8s %6s %8s    %-8s %11s %6s %6s%s  %s", nw,
		 "NAME", "STATE", "GCS", "GC/S", "PAUSE", "P99", "GC CPU", "LIVE", "GOAL",
		 "SLOPE", "GR", "AGE", sched ? "  RUNQ THREADS" : "", "NOTE");
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

		format_row(line, sizeof(line), r, nw, sched);
		if (i == u->selected)
			attron(A_REVERSE);
		if (err)
			ui_attr_on(u, PAIR_ERROR, 0);
		put_text(4 + (int)(i - u->top), line, 1);
		if (err)
			ui_attr_off(u, PAIR_ERROR, 0);
		if (i == u->selected)
			attroff(A_REVERSE);
	}
}

/* A bar chart of the last points of one series at rows Y..Y+H-1 (a title,
 * then the bars): as many points as the width holds in the chart's cells
 * (two a column in braille), and GOAL (when given) marked at its level. The
 * cells are libgomem's: ASCII '#' and '-' or Unicode blocks and braille. */
static void draw_chart(const struct ui *u, int y, int h, const char *title, size_t row,
		       double (*value)(const gomem_monitor_point *), double (*goal)(const gomem_monitor_point *),
		       void (*label)(char *, size_t, double))
{
	enum { MAX_POINTS = 2048 };
	static double v[MAX_POINTS], g[MAX_POINTS];
	size_t n = gomem_monitor_history_count(u->m, row), w = COLS > 10 ? (size_t)COLS - 10 : 1;
	size_t points = w * (size_t)gomem_cells_points(u->cells), first, k;
	double max = 0;
	char lab[48], cells[8192];

	if (h < 2)
		return;
	if (points > MAX_POINTS)
		points = MAX_POINTS;
	first = n > points ? n - points : 0;
	for (k = 0; first + k < n; k++) {
		const gomem_monitor_point *p = gomem_monitor_history_at(u->m, row, first + k);

		v[k] = value(p);
		g[k] = goal ? goal(p) : NAN;
		if (!isnan(v[k]) && v[k] > max)
			max = v[k];
		if (!isnan(g[k]) && g[k] > max)
			max = g[k];
	}
	label(lab, sizeof(lab), max);
	attron(A_BOLD);
	put_line(y, "%s (max %s, last %zu points)", title, lab, k);
	attroff(A_BOLD);
	h--;
	y++;
	mvprintw(y, 0, "%9.9s", lab);
	label(lab, sizeof(lab), 0);
	mvprintw(y + h - 1, 0, "%9.9s", lab);
	if (max <= 0)
		return;
	ui_attr_on(u, PAIR_CHART, 0);
	for (int r = 0; r < h; r++)
		if (gomem_cells_row(cells, sizeof(cells), v, goal ? g : NULL, k, max, h, r, u->cells) > 0)
			mvaddstr(y + r, 10, cells);
	ui_attr_off(u, PAIR_CHART, 0);
}

static double pt_live(const gomem_monitor_point *p) { return p->heap_live < 0 ? NAN : (double)p->heap_live; }
static double pt_goal(const gomem_monitor_point *p) { return p->goal < 0 ? NAN : (double)p->goal; }
static double pt_pause(const gomem_monitor_point *p) { return p->pause; }
static double pt_cpu(const gomem_monitor_point *p) { return p->cpu_pct; }
static void lab_bytes(char *b, size_t n, double v) { gomem_monitor_text_bytes(b, n, (int64_t)v); }
static void lab_pct(char *b, size_t n, double v) { snprintf(b, n, "%.3g%%", v); }

static void draw_detail(struct ui *u)
{
	const gomem_monitor_row *r = gomem_monitor_row_at(u->m, u->selected);
	gomem_monitor_text t;
	char line[512];
	size_t n;
	int avail, ch, ev_rows, y;

	if (r == NULL) {
		u->view = VIEW_MAIN;
		return;
	}
	gomem_monitor_row_text(&t, r);
	ui_attr_on(u, PAIR_HEADER, A_REVERSE);
	snprintf(line, sizeof(line), "%s  (%s: %s)  %s %s", r->name, gomem_monitor_kind_name(r->kind),
		 r->spec, t.state, r->message);
	put_text(0, line, 1);
	ui_attr_off(u, PAIR_HEADER, A_REVERSE);
	format_row(line, sizeof(line), r, (int)strlen(r->name), r->threads >= 0);
	put_text(1, line, 0);
	if (r->kind == GOMEM_MONITOR_URL) {
		char a[GOMEM_UNITS_BUFSIZE], b[GOMEM_UNITS_BUFSIZE], c[GOMEM_UNITS_BUFSIZE],
			d[GOMEM_UNITS_BUFSIZE];

		gomem_monitor_text_bytes(a, sizeof(a), r->heap_inuse);
		gomem_monitor_text_bytes(b, sizeof(b), r->heap_idle);
		gomem_monitor_text_bytes(c, sizeof(c), r->heap_released);
		gomem_monitor_text_bytes(d, sizeof(d), r->sys);
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
		draw_chart(u, y, ch, u->cells == GOMEM_CELLS_ASCII ? "live heap (#) and goal (-)"
				     : "live heap (bars) and goal (marks)", u->selected, pt_live, pt_goal, lab_bytes);
		draw_chart(u, y + ch, ch, "STW pause", u->selected, pt_pause, NULL, gomem_monitor_text_duration);
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

		gomem_monitor_text_duration(pa, sizeof(pa), p->pause);
		gomem_monitor_text_duration(mk, sizeof(mk), p->mark);
		gomem_monitor_text_bytes(lv, sizeof(lv), p->heap_live);
		gomem_monitor_text_bytes(gl, sizeof(gl), p->goal);
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
		"  c            chart cells: braille, blocks or ASCII (UTF-8 terminals)",
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
		put_text(LINES - 1, u->status[0] ? u->status
			 : "q quit  h help  Enter details  Esc back  s sort  p pause  +/- interval", 0);
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
	case 'c':
		/* braille -> blocks -> ASCII -> braille; ASCII only without UTF-8 */
		u->cells = !u->unicode ? GOMEM_CELLS_ASCII
			   : u->cells == GOMEM_CELLS_BRAILLE ? GOMEM_CELLS_BLOCKS
			   : u->cells == GOMEM_CELLS_BLOCKS ? GOMEM_CELLS_ASCII : GOMEM_CELLS_BRAILLE;
		break;
	default: break;
	}
	return 0;
}

/* Keys, and KEY_RESIZE after SIGWINCH cut the wait short: 1 to quit, 2 to
 * tick now; *DIRTY when the screen must be drawn again. */
static int take_keys(struct ui *u, int *dirty)
{
	int key, act = 0;

	while (!act && (key = getch()) != ERR) {
		*dirty = 1;
		if (key != KEY_RESIZE)
			act = on_key(u, key);
	}
	return act;
}

/* The screen's loop: a tick every interval (unless paused), and between
 * ticks the terminal, the streams and the endpoints' fetches waited on
 * together, so a key is answered at once whatever an endpoint does. */
int top_screen_run(gomem_monitor *m, const struct top_config *c, int color, int *quit_signal)
{
	struct pollfd key = {top_term_fd(), POLLIN, 0};
	struct ui u;
	double next = now_mono();
	int status = EXIT_OK, act;
	size_t polls;

	memset(&u, 0, sizeof(u));
	u.m = m;
	u.c = c;
	u.interval = c->interval;
	u.sort = c->sort;
	u.descending = c->sort != GOMEM_MONITOR_SORT_NAME;
	u.color = color;
	if (color)
		init_pairs();
	/* Unicode cells only where the locale says the terminal takes UTF-8 */
	u.unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	u.cells = u.unicode ? GOMEM_CELLS_BRAILLE : GOMEM_CELLS_ASCII;
	while ((*quit_signal = gomem_signals_take()) == 0) {
		double now = now_mono();
		int dirty = 0;

		if (now >= next) {
			if (!u.paused && gomem_monitor_tick(m, now) != GOMEM_OK) {
				status = EXIT_TROUBLE;
				break;
			}
			follow_selection(&u);
			u.ticks += !u.paused;
			next = now + u.interval;
			redraw(&u);
			if (c->iterations && u.ticks >= c->iterations)
				break;
		}
		polls = gomem_monitor_polls_running(m);
		if (gomem_monitor_wait(m, &key, 1, next - now_mono()) != GOMEM_OK ||
		    gomem_monitor_read(m, now_mono()) != GOMEM_OK) {
			status = EXIT_TROUBLE;
			break;
		}
		/* An endpoint answered between ticks: show it now. */
		if (gomem_monitor_polls_running(m) < polls && !u.paused &&
		    gomem_monitor_tick(m, now_mono()) == GOMEM_OK)
			dirty = 1;
		if ((act = take_keys(&u, &dirty)) == 1)
			break;
		if (act == 2)
			next = now_mono();
		if (dirty)
			redraw(&u);
	}
	return status;
}
