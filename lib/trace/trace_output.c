/* SPDX-License-Identifier: Apache-2.0 */
/* trace_output.c — the analysis through the one output layer: the columns
 * of each table (declared once, the first "file" so several traces share a
 * table) and their rows, and the text report of one trace, which is a few
 * lines of figures and two small tables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace-analysis.h"

#define MO GOMEM_COL_MACHINE_ONLY
#define TO GOMEM_COL_TEXT_ONLY
#define S(name, title, flags) {name, title, GOMEM_COL_DURATION, flags}
#define N(name, title, flags) {name, title, GOMEM_COL_COUNT, flags}
#define T(name, title, flags) {name, title, GOMEM_COL_TEXT, flags}
#define B(name, title) {name, title, GOMEM_COL_BYTES, 0}

/* Names follow gomem gctrace --events where the meaning is the same. */
static const gomem_column gc_cols[] = {
	T("file", NULL, 0), N("gc", NULL, 0), S("t_s", "t", 0), S("stw_sweep_term_s", "sweep-term", 0),
	S("concurrent_mark_s", "mark", 0), S("stw_mark_term_s", "mark-term", 0), S("wall_s", "wall", 0),
	S("cpu_assist_s", "assist", 0), S("assist_wall_s", "assist-wall", 0), N("assists", NULL, 0),
	B("heap_start_bytes", "heap0"), B("heap_end_bytes", "heap1"), B("heap_live_bytes", "live"),
	B("goal_bytes", "goal"), N("procs", "P", 0),
};

static const gomem_column stw_cols[] = {
	T("file", NULL, 0), N("n", NULL, 0), S("t_s", "t", 0), S("duration_s", "duration", 0),
	S("time_to_stop_s", "time-to-stop", 0), N("procs_stopped", "stopped", 0), N("gc", NULL, 0),
	N("g", NULL, 0), N("waited_for_g", "waited-for", 0), T("reason", NULL, 0), T("waited_for_func", "at", 0),
};

static const gomem_column reason_cols[] = {
	T("file", NULL, 0), T("reason", NULL, 0), N("count", NULL, 0), S("p50_s", "p50", 0), S("p90_s", "p90", 0),
	S("p99_s", "p99", 0), S("max_s", "max", 0), S("total_s", "total", 0),
};

static const gomem_column latency_cols[] = {
	T("file", NULL, 0), T("kind", NULL, MO), N("count", NULL, 0), S("total_s", "total", 0), S("p50_s", "p50", 0),
	S("p99_s", "p99", 0), S("max_s", "max", 0), N("g", NULL, MO), T("reason", NULL, MO), T("key", NULL, 0),
};

static const gomem_column waits_cols[] = {
	T("file", NULL, 0), N("count", NULL, 0), S("total_s", "total", 0), S("p50_s", "p50", 0),
	S("p99_s", "p99", 0), S("max_s", "max", 0), T("key", NULL, 0),
};

static const gomem_column stw_waits_cols[] = {
	T("file", NULL, 0), S("t_s", "t", 0), S("waited_s", "waited", 0), S("run_s", "run", 0), N("g", NULL, 0),
	T("reason", NULL, 0), T("func", "at", 0), T("stack", NULL, MO),
};

static const gomem_column mmu_cols[] = {
	T("file", NULL, 0), S("window_s", "window", 0), N("window_ns", NULL, MO), {"mmu", NULL, GOMEM_COL_NUMBER, MO},
	{"mmu_pct", "mmu", GOMEM_COL_PERCENT, TO}, T("flags", NULL, 0),
};

static const struct { const gomem_column *cols; size_t n; } tables[] = {
	[GOMEM_TRACE_TABLE_GC] = {gc_cols, GOMEM_ARRAY_SIZE(gc_cols)},
	[GOMEM_TRACE_TABLE_STW] = {stw_cols, GOMEM_ARRAY_SIZE(stw_cols)},
	[GOMEM_TRACE_TABLE_LONGEST] = {stw_cols, GOMEM_ARRAY_SIZE(stw_cols)},
	[GOMEM_TRACE_TABLE_REASONS] = {reason_cols, GOMEM_ARRAY_SIZE(reason_cols)},
	[GOMEM_TRACE_TABLE_LATENCY] = {latency_cols, GOMEM_ARRAY_SIZE(latency_cols)},
	[GOMEM_TRACE_TABLE_MMU] = {mmu_cols, GOMEM_ARRAY_SIZE(mmu_cols)},
	[GOMEM_TRACE_TABLE_WAITS] = {waits_cols, GOMEM_ARRAY_SIZE(waits_cols)},
	[GOMEM_TRACE_TABLE_STW_WAITS] = {stw_waits_cols, GOMEM_ARRAY_SIZE(stw_waits_cols)},
};

/* The figures one row per trace shows in the text table (the machine
 * formats have them all): what compares traces at a glance. */
static const struct { const char *name, *title; } shown[] = {
	{"duration", "duration"}, {"gc.count", "gcs"}, {"gc.assist", "assist"}, {"stw.count", "pauses"},
	{"stw.p99", "p99"}, {"stw.max", "max"}, {"ttstop.max", "to-stop"}, {"latency.p99", "latency p99"},
	{"heap.peak", "heap"},
};

/* Its title in the text table, "" when it is not shown there. */
static const char *text_title(const char *name)
{
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(shown); i++)
		if (strcmp(name, shown[i].name) == 0)
			return shown[i].title;
	return strncmp(name, "mmu.", 4) == 0 ? name : "";
}

/* The summary's columns: its figures, named for the options' windows (an
 * empty analysis has them all). The names live after the array, in the
 * same block, so the columns outlive the analysis and free as one. */
static int summary_columns(gomem_column **out, size_t *n, const gomem_trace_options *opts)
{
	static const gomem_col_type types[] = {GOMEM_COL_COUNT, GOMEM_COL_DURATION, GOMEM_COL_BYTES,
					       GOMEM_COL_NUMBER};
	gomem_trace_analysis *a;
	gomem_column *cols;
	size_t k, names = 0;
	char *tail;
	int rc;

	if ((rc = gomem_trace_analysis_new(&a, opts)) != GOMEM_OK)
		return rc;
	if ((rc = gomem_trace_analysis_finish(a)) != GOMEM_OK || (k = gomem_trace_figure_count(a)) == 0) {
		gomem_trace_analysis_free(a);
		return rc ? rc : GOMEM_E_NOMEM;
	}
	for (size_t i = 0; i < k; i++)
		names += strlen(gomem_trace_figure_at(a, i)->column) + strlen(text_title(gomem_trace_figure_at(a, i)->name)) + 2;
	if ((cols = calloc(1, (k + 1) * sizeof(*cols) + names)) == NULL) {
		gomem_trace_analysis_free(a);
		return GOMEM_E_NOMEM;
	}
	tail = (char *)(cols + k + 1);
	cols[0] = (gomem_column)T("file", NULL, 0);
	for (size_t i = 0; i < k; i++) {
		const gomem_trace_figure *f = gomem_trace_figure_at(a, i);

		cols[i + 1].type = strstr(f->name, ".mean") ? GOMEM_COL_NUMBER : types[f->unit];
		cols[i + 1].flags = text_title(f->name)[0] ? 0 : MO;
		cols[i + 1].name = strcpy(tail, f->column);
		tail += strlen(f->column) + 1;
		cols[i + 1].title = strcpy(tail, text_title(f->name));
		tail += strlen(cols[i + 1].title) + 1;
	}
	gomem_trace_analysis_free(a);
	*out = cols;
	*n = k + 1;
	return GOMEM_OK;
}

int gomem_trace_columns_new(gomem_column **out, size_t *n, gomem_trace_table_kind kind,
			    const gomem_trace_options *opts)
{
	*out = NULL;
	*n = 0;
	if (kind == GOMEM_TRACE_TABLE_SUMMARY)
		return summary_columns(out, n, opts);
	if ((unsigned)kind >= GOMEM_ARRAY_SIZE(tables) || tables[kind].cols == NULL)
		return GOMEM_E_INVALID;
	if ((*out = malloc(tables[kind].n * sizeof(**out))) == NULL)
		return GOMEM_E_NOMEM;
	memcpy(*out, tables[kind].cols, tables[kind].n * sizeof(**out));
	*n = tables[kind].n;
	return GOMEM_OK;
}

void gomem_trace_columns_free(gomem_column *cols, size_t n)
{
	(void)n; /* one block, names included */
	free(cols);
}

/* ---- rows ------------------------------------------------------------------------- */

static void real(gomem_cell *c, double v)
{
	c->d = v;
	c->null = isnan(v);
}

static void whole(gomem_cell *c, int64_t v)
{
	c->i = v;
	c->null = v < 0;
}

static int gc_rows(const gomem_trace_analysis *a, const char *file, gomem_table *t)
{
	int rc = GOMEM_OK;

	for (size_t i = 0; i < gomem_trace_gc_count(a) && rc == GOMEM_OK; i++) {
		const gomem_trace_gc *g = gomem_trace_gc_at(a, i);
		gomem_cell x[GOMEM_ARRAY_SIZE(gc_cols)];

		memset(x, 0, sizeof(x));
		x[0].s = file;
		whole(&x[1], g->gc);
		real(&x[2], g->t);
		real(&x[3], g->stw_sweep_term);
		real(&x[4], g->concurrent_mark);
		real(&x[5], g->stw_mark_term);
		real(&x[6], g->wall);
		real(&x[7], g->assist);
		real(&x[8], g->assist_wall);
		whole(&x[9], (int64_t)g->assists);
		whole(&x[10], g->heap_start);
		whole(&x[11], g->heap_end);
		whole(&x[12], g->heap_live);
		whole(&x[13], g->goal);
		whole(&x[14], g->procs);
		rc = gomem_table_row(t, x);
	}
	return rc;
}

static int stw_rows(const gomem_trace_analysis *a, const char *file, gomem_table *t, int longest)
{
	size_t n = longest ? gomem_trace_longest_stw_count(a) : gomem_trace_stw_count(a);
	int rc = GOMEM_OK;

	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		const gomem_trace_stw *w = longest ? gomem_trace_longest_stw_at(a, i) : gomem_trace_stw_at(a, i);
		gomem_cell x[GOMEM_ARRAY_SIZE(stw_cols)];

		memset(x, 0, sizeof(x));
		x[0].s = file;
		whole(&x[1], w->n);
		real(&x[2], w->t);
		real(&x[3], w->duration);
		real(&x[4], w->time_to_stop);
		whole(&x[5], w->procs_stopped);
		whole(&x[6], w->gc_cycle);
		x[6].null = w->gc_cycle == 0;
		whole(&x[7], w->g);
		whole(&x[8], w->laggard_g);
		x[9].s = w->reason;
		x[10].s = w->laggard_func;
		x[10].null = w->laggard_func == NULL;
		rc = gomem_table_row(t, x);
	}
	return rc;
}

static int reason_rows(const gomem_trace_analysis *a, const char *file, gomem_table *t)
{
	int rc = GOMEM_OK;

	for (size_t i = 0; i < gomem_trace_stw_reason_count(a) && rc == GOMEM_OK; i++) {
		const gomem_trace_stw_reason *r = gomem_trace_stw_reason_at(a, i);
		gomem_cell x[GOMEM_ARRAY_SIZE(reason_cols)];

		memset(x, 0, sizeof(x));
		x[0].s = file;
		x[1].s = r->reason;
		x[2].i = (int64_t)r->dist.count;
		real(&x[3], r->dist.p50);
		real(&x[4], r->dist.p90);
		real(&x[5], r->dist.p99);
		real(&x[6], r->dist.max);
		real(&x[7], r->dist.total);
		rc = gomem_table_row(t, x);
	}
	return rc;
}

static int latency_rows(const gomem_trace_analysis *a, const char *file, size_t top, gomem_table *t)
{
	size_t nw = gomem_trace_latency_count(a), nl = gomem_trace_laggard_count(a);
	int rc = GOMEM_OK;

	if (top > 0 && top < nw)
		nw = top;
	if (top > 0 && top < nl)
		nl = top;
	for (size_t i = 0; i < nw + nl && rc == GOMEM_OK; i++) {
		gomem_cell x[GOMEM_ARRAY_SIZE(latency_cols)];

		memset(x, 0, sizeof(x));
		x[0].s = file;
		if (i < nw) {
			const gomem_trace_latency_row *l = gomem_trace_latency_at(a, i);

			x[1].s = "wait";
			x[2].i = (int64_t)l->count;
			real(&x[3], l->total);
			real(&x[4], l->p50);
			real(&x[5], l->p99);
			real(&x[6], l->max);
			x[7].null = x[8].null = 1;
			x[9].s = l->key;
		} else {
			const gomem_trace_laggard *l = gomem_trace_laggard_at(a, i - nw);

			x[1].s = "stw-wait";
			x[2].i = 1;
			real(&x[3], l->ran);
			x[4].null = x[5].null = 1;
			real(&x[6], l->ran);
			whole(&x[7], l->g);
			x[8].s = l->reason;
			x[9].s = l->stack[0] ? l->stack : "(unknown)";
		}
		rc = gomem_table_row(t, x);
	}
	return rc;
}

static int waits_rows(const gomem_trace_analysis *a, const char *file, size_t top, gomem_table *t)
{
	size_t n = gomem_trace_latency_count(a);
	int rc = GOMEM_OK;

	if (top > 0 && top < n)
		n = top;
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		const gomem_trace_latency_row *l = gomem_trace_latency_at(a, i);
		gomem_cell x[GOMEM_ARRAY_SIZE(waits_cols)];

		memset(x, 0, sizeof(x));
		x[0].s = file;
		x[1].i = (int64_t)l->count;
		real(&x[2], l->total);
		real(&x[3], l->p50);
		real(&x[4], l->p99);
		real(&x[5], l->max);
		x[6].s = l->key;
		rc = gomem_table_row(t, x);
	}
	return rc;
}

static int stw_waits_rows(const gomem_trace_analysis *a, const char *file, size_t top, gomem_table *t)
{
	size_t n = gomem_trace_laggard_count(a);
	int rc = GOMEM_OK;

	if (top > 0 && top < n)
		n = top;
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		const gomem_trace_laggard *l = gomem_trace_laggard_at(a, i);
		gomem_cell x[GOMEM_ARRAY_SIZE(stw_waits_cols)];

		memset(x, 0, sizeof(x));
		x[0].s = file;
		real(&x[1], l->t);
		real(&x[2], l->ran);
		real(&x[3], l->run);
		whole(&x[4], l->g);
		x[5].s = l->reason;
		x[6].s = l->func;
		x[6].null = l->func[0] == '\0';
		x[7].s = l->stack;
		x[7].null = l->stack[0] == '\0';
		rc = gomem_table_row(t, x);
	}
	return rc;
}

static void flags_text(unsigned int f, char *buf, size_t size)
{
	static const char *const names[] = {"stw", "background", "assist", "sweep", "perProc"};

	buf[0] = '\0';
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(names); i++)
		if (f & (1u << i))
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "|" : "", names[i]);
}

static int mmu_rows(const gomem_trace_analysis *a, const char *file, gomem_table *t)
{
	char flags[96];
	int rc = GOMEM_OK;

	flags_text(a->opts.util_flags, flags, sizeof(flags));
	for (size_t i = 0; i < gomem_trace_mmu_count(a) && rc == GOMEM_OK; i++) {
		const gomem_trace_mmu_point *m = gomem_trace_mmu_at(a, i);
		gomem_cell x[GOMEM_ARRAY_SIZE(mmu_cols)];

		memset(x, 0, sizeof(x));
		x[0].s = file;
		real(&x[1], (double)m->window / 1e9);
		x[2].i = m->window;
		real(&x[3], m->mmu);
		real(&x[4], m->mmu * 100);
		x[5].s = flags;
		rc = gomem_table_row(t, x);
	}
	return rc;
}

static int summary_row(const gomem_trace_analysis *a, const char *file, gomem_table *t)
{
	size_t n = gomem_trace_figure_count(a);
	gomem_cell *x = calloc(n + 1, sizeof(*x));
	int rc;

	if (x == NULL)
		return GOMEM_E_NOMEM;
	x[0].s = file;
	for (size_t i = 0; i < n; i++) {
		const gomem_trace_figure *f = gomem_trace_figure_at(a, i);

		x[i + 1].null = isnan(f->value);
		x[i + 1].d = f->value;
		x[i + 1].i = x[i + 1].null ? 0 : (int64_t)f->value;
	}
	rc = gomem_table_row(t, x);
	free(x);
	return rc;
}

int gomem_trace_table_rows(const gomem_trace_analysis *a, gomem_trace_table_kind kind, const char *file,
			   size_t top, gomem_table *t)
{
	switch (kind) {
	case GOMEM_TRACE_TABLE_SUMMARY: return summary_row(a, file, t);
	case GOMEM_TRACE_TABLE_GC: return gc_rows(a, file, t);
	case GOMEM_TRACE_TABLE_STW: return stw_rows(a, file, t, 0);
	case GOMEM_TRACE_TABLE_LONGEST: return stw_rows(a, file, t, 1);
	case GOMEM_TRACE_TABLE_REASONS: return reason_rows(a, file, t);
	case GOMEM_TRACE_TABLE_LATENCY: return latency_rows(a, file, top, t);
	case GOMEM_TRACE_TABLE_MMU: return mmu_rows(a, file, t);
	case GOMEM_TRACE_TABLE_WAITS: return waits_rows(a, file, top, t);
	case GOMEM_TRACE_TABLE_STW_WAITS: return stw_waits_rows(a, file, top, t);
	}
	return GOMEM_E_INVALID;
}

/* ---- the report ---------------------------------------------------------------------- */

static const char *dur(char *buf, double secs)
{
	if (isnan(secs) || gomem_format_duration(buf, GOMEM_UNITS_BUFSIZE, secs) < 0)
		return "-";
	return buf;
}

static const char *bytes(char *buf, int64_t n)
{
	if (n < 0 || gomem_format_bytes(buf, GOMEM_UNITS_BUFSIZE, n, 0) < 0)
		return "-";
	return buf;
}

/* A small table of KIND, the file column hidden (it is in the heading). */
static int sub_table(const gomem_trace_analysis *a, gomem_trace_table_kind kind, FILE *fp, int color,
		     gomem_error *err)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_column *cols;
	gomem_table *t = NULL;
	size_t n;
	int rc;

	if ((rc = gomem_trace_columns_new(&cols, &n, kind, NULL)) != GOMEM_OK)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	cols[0].flags |= MO;
	to.color = color;
	if ((rc = gomem_table_new(&t, cols, n, fp, &to)) == GOMEM_OK &&
	    (rc = gomem_trace_table_rows(a, kind, "", 0, t)) == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		gomem_error_copy(err, t ? gomem_table_error(t) : NULL);
	if (rc != GOMEM_OK && err && err->code == GOMEM_OK)
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	gomem_table_free(t);
	gomem_trace_columns_free(cols, n);
	return rc;
}

static void report_figures(const gomem_trace_analysis *a, const char *file, FILE *fp)
{
	const gomem_trace_summary *s = &a->sum;
	char b1[GOMEM_UNITS_BUFSIZE], b2[GOMEM_UNITS_BUFSIZE], b3[GOMEM_UNITS_BUFSIZE], b4[GOMEM_UNITS_BUFSIZE];
	char flags[96];
	static const char *const st[] = {"", "", "runnable", "running", "waiting", "syscall"};

	fprintf(fp, "%s: Go 1.%d trace, %s, %llu events, %llu generation%s, GOMAXPROCS %d\n\n", file,
		s->go_minor, dur(b1, s->duration), (unsigned long long)s->events,
		(unsigned long long)s->generations, s->generations == 1 ? "" : "s", s->procs_max);
	fprintf(fp, "GC          %llu cycles%s: mark %s, assist %s on CPU (%s with waits, %llu assists), "
		"sweep %s\n", (unsigned long long)s->gc_cycles,
		a->ngcs > s->gc_cycles ? " (+1 cut short by the trace's end)" : "", dur(b1, s->gc_mark_total),
		dur(b2, s->assist_total), dur(b3, s->assist_wall_total), (unsigned long long)s->assists,
		dur(b4, s->sweep_total));
	fprintf(fp, "Heap        peak %s, goal peak %s\n", bytes(b1, s->heap_peak), bytes(b2, s->goal_peak));
	fprintf(fp, "MMU        ");
	for (size_t i = 0; i < a->nwindows; i++) {
		gomem_trace_window_name(b1, sizeof(b1), a->mmu[i].window);
		fprintf(fp, " %s %.1f%%", b1, a->mmu[i].mmu * 100);
	}
	flags_text(a->opts.util_flags, flags, sizeof(flags));
	fprintf(fp, "  (%s)\n", flags);
	fprintf(fp, "Latency     %llu waits, runnable to running: p50 %s, p90 %s, p99 %s, max %s\n",
		(unsigned long long)s->latency.count, dur(b1, s->latency.p50), dur(b2, s->latency.p90),
		dur(b3, s->latency.p99), dur(b4, s->latency.max));
	fprintf(fp, "Goroutines  %llu seen, %llu created; mean (peak):", (unsigned long long)s->goroutines,
		(unsigned long long)s->goroutines_created);
	for (int i = GOMEM_TRACE_GO_RUNNABLE; i <= GOMEM_TRACE_GO_SYSCALL; i++)
		fprintf(fp, " %s %.1f (%llu)", st[i], isnan(s->state_mean[i]) ? 0 : s->state_mean[i],
			(unsigned long long)s->state_max[i]);
	fputc('\n', fp);
	if (s->tasks || s->regions || s->logs || s->cpu_samples)
		fprintf(fp, "Annotated   %llu tasks, %llu regions, %llu logs; %llu CPU samples\n",
			(unsigned long long)s->tasks, (unsigned long long)s->regions, (unsigned long long)s->logs,
			(unsigned long long)s->cpu_samples);
	fprintf(fp, "\nStop-the-world: %llu pauses, %s in all; time-to-stop p99 %s, max %s\n",
		(unsigned long long)s->stw.count, dur(b1, s->stw.total), dur(b2, s->time_to_stop.p99),
		dur(b3, s->time_to_stop.max));
}

int gomem_trace_write_report(const gomem_trace_analysis *a, const char *file, FILE *fp, int color,
			     gomem_error *err)
{
	int rc;

	if (!a->finished)
		return gomem_error_set(err, GOMEM_E_INVALID, "the analysis is not finished");
	report_figures(a, file, fp);
	if (a->nstws == 0)
		return ferror(fp) ? gomem_error_set(err, GOMEM_E_IO, "write failed") : GOMEM_OK;
	if ((rc = sub_table(a, GOMEM_TRACE_TABLE_REASONS, fp, color, err)) != GOMEM_OK)
		return rc;
	fprintf(fp, "\nLongest pauses\n");
	return sub_table(a, GOMEM_TRACE_TABLE_LONGEST, fp, color, err);
}
