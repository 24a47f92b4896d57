/* SPDX-License-Identifier: Apache-2.0 */
/* gcstats.c — statistics of one run of gctrace events, in memory that does
 * not grow with the run. Every figure is a running one: counts, sums,
 * extremes, first and last values, the marked heap's least-squares slope
 * (running means and co-moments, Welford's way: no cancellation however
 * long the run), and the pause and mark-time percentiles in a sketch
 * (exact up to its cap, then within its stated relative error; see
 * gomem/sketch.h). A window (the live monitor, --follow) keeps the events
 * it covers, at most its count, and summarises them the same way when
 * asked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* A window's events, at most (the caller's count may be smaller). */
#define GCSTATS_MAX_EVENTS ((size_t)1 << 26)

/* What the statistics keep of one gc event (a window keeps these). */
struct rec {
	uint64_t gc, line;
	double t;
	double pause, mark;   /* NAN when the layout lacks them */
	double cpu;           /* GC CPU seconds, idle marking left out; NAN when absent */
	double wall;          /* the cycle's wall time */
	int64_t heap_start, heap_end, heap_live, goal, stacks, globals;
	int cpu_pct, procs;
	bool forced;
};

/* The running figures of a run (or of a window's events). */
struct acc {
	uint64_t gcs, forced;
	uint64_t first_gc, last_gc, first_line, last_line;
	double first_t, last_t, last_wall;
	gomem_sketch *pause, *mark;
	int cpu_pct_last;
	double cpu_sum, procs_sum;  /* over the events with a cpu field and a P count */
	uint64_t cpu_n;
	int64_t heap_start_max, heap_end_max, heap_live_max, goal_max, stacks_max, globals_max;
	int64_t heap_live_first, heap_live_last, goal_last;
	int procs_first, procs_last, procs_changes;
	uint64_t fit_n;             /* the marked heap over @T: points, means, co-moments */
	double fit_mt, fit_my, fit_sxx, fit_sxy, fit_syy;
};

struct gomem_gcstats {
	struct acc acc;            /* without a window: the run so far */
	struct rec *recs;          /* with a window: its events, recs[head, len) */
	size_t head, len, cap;
	uint64_t run, scav_events;
	bool have_run;
	double window;
	size_t max_events;
};

static bool windowed(const gomem_gcstats *s)
{
	return s->window > 0 || s->max_events > 0;
}

/* ---- running figures -------------------------------------------------------------- */

static void acc_free(struct acc *a)
{
	gomem_sketch_free(a->pause);
	gomem_sketch_free(a->mark);
	memset(a, 0, sizeof(*a));
}

static int acc_init(struct acc *a)
{
	memset(a, 0, sizeof(*a));
	if (gomem_sketch_new(&a->pause, NULL) != GOMEM_OK || gomem_sketch_new(&a->mark, NULL) != GOMEM_OK) {
		acc_free(a);
		return GOMEM_E_NOMEM;
	}
	a->first_t = a->last_t = NAN;
	a->cpu_pct_last = -1;
	a->heap_start_max = a->heap_end_max = a->heap_live_max = -1;
	a->goal_max = a->stacks_max = a->globals_max = -1;
	a->heap_live_first = a->heap_live_last = a->goal_last = -1;
	a->procs_first = a->procs_last = -1;
	return GOMEM_OK;
}

static void max64(int64_t *m, int64_t v)
{
	if (v > *m)
		*m = v;
}

static void acc_heap(struct acc *a, const struct rec *r)
{
	max64(&a->heap_start_max, r->heap_start);
	max64(&a->heap_end_max, r->heap_end);
	max64(&a->heap_live_max, r->heap_live);
	max64(&a->goal_max, r->goal);
	max64(&a->stacks_max, r->stacks);
	max64(&a->globals_max, r->globals);
	if (r->heap_live >= 0) {
		if (a->heap_live_first < 0)
			a->heap_live_first = r->heap_live;
		a->heap_live_last = r->heap_live;
	}
	if (r->goal >= 0)
		a->goal_last = r->goal;
	if (r->procs >= 0) {
		if (a->procs_last >= 0 && r->procs != a->procs_last)
			a->procs_changes++;
		if (a->procs_first < 0)
			a->procs_first = r->procs;
		a->procs_last = r->procs;
	}
}

/* One point of the marked heap over @T, into the running least squares. */
static void acc_fit(struct acc *a, const struct rec *r)
{
	double dx, dy, y;

	if (r->heap_live < 0 || isnan(r->t))
		return;
	y = (double)r->heap_live;
	a->fit_n++;
	dx = r->t - a->fit_mt;
	dy = y - a->fit_my;
	a->fit_mt += dx / (double)a->fit_n;
	a->fit_my += dy / (double)a->fit_n;
	/* the deviation from the old mean times that from the new: the
	 * co-moments stay centred */
	a->fit_sxx += dx * (r->t - a->fit_mt);
	a->fit_sxy += dx * (y - a->fit_my);
	a->fit_syy += dy * (y - a->fit_my);
}

static int acc_add(struct acc *a, const struct rec *r)
{
	int rc = GOMEM_OK;

	if (a->gcs == 0) {
		a->first_gc = r->gc;
		a->first_line = r->line;
		a->first_t = r->t;
	}
	a->gcs++;
	a->forced += r->forced;
	a->last_gc = r->gc;
	a->last_line = r->line;
	a->last_t = r->t;
	a->last_wall = r->wall;
	if (!isnan(r->pause))
		rc = gomem_sketch_add(a->pause, r->pause < 0 ? 0 : r->pause);
	if (rc == GOMEM_OK && !isnan(r->mark))
		rc = gomem_sketch_add(a->mark, r->mark < 0 ? 0 : r->mark);
	if (r->cpu_pct >= 0)
		a->cpu_pct_last = r->cpu_pct;
	if (!isnan(r->cpu) && r->procs > 0) {
		a->cpu_sum += r->cpu;
		a->procs_sum += r->procs;
		a->cpu_n++;
	}
	acc_heap(a, r);
	acc_fit(a, r);
	return rc == GOMEM_E_INVALID ? GOMEM_OK : rc; /* an infinite time is no percentile */
}

/* Percentiles (nearest rank), maximum and total of one sketch. */
static void sketch_figures(gomem_sketch *k, double *p50, double *p90, double *p99, double *max,
			   double *total, double *error)
{
	gomem_sketch_quantile(k, 0.5, p50);
	gomem_sketch_quantile(k, 0.9, p90);
	gomem_sketch_quantile(k, 0.99, p99);
	*max = gomem_sketch_max(k);
	*total = gomem_sketch_count(k) ? gomem_sketch_sum(k) : NAN;
	*error = gomem_sketch_error(k);
}

/* GC CPU over the run from the cpu fields: CPU seconds of GC work over the
 * CPU seconds the Ps had, from the first cycle's start to the last's end.
 * One cycle alone would give its own share of the CPU while it ran, not
 * the program's: two at least. */
static double cpu_over_run(const struct acc *a)
{
	double span = a->last_t + a->last_wall - a->first_t;

	if (a->gcs < 2 || a->cpu_n == 0 || isnan(a->first_t) || isnan(a->last_t) || !(span > 0))
		return NAN;
	return 100.0 * a->cpu_sum / (span * (a->procs_sum / (double)a->cpu_n));
}

static void acc_summary(const struct acc *a, gomem_gcstats_summary *out)
{
	out->gcs = a->gcs;
	out->forced = a->forced;
	out->first_gc = a->first_gc;
	out->last_gc = a->last_gc;
	out->first_line = a->first_line;
	out->last_line = a->last_line;
	out->first_t = a->first_t;
	out->last_t = a->last_t;
	out->gc_per_s = a->gcs >= 2 && a->last_t > a->first_t ?
		(double)(a->gcs - 1) / (a->last_t - a->first_t) : NAN;
	sketch_figures(a->pause, &out->pause_p50, &out->pause_p90, &out->pause_p99, &out->pause_max,
		       &out->pause_total, &out->pause_quantile_error);
	sketch_figures(a->mark, &out->mark_p50, &out->mark_p90, &out->mark_p99, &out->mark_max,
		       &out->mark_total, &out->mark_quantile_error);
	out->cpu_pct_last = a->cpu_pct_last;
	out->cpu_pct_window = cpu_over_run(a);
	out->heap_start_max = a->heap_start_max;
	out->heap_end_max = a->heap_end_max;
	out->heap_live_max = a->heap_live_max;
	out->heap_live_first = a->heap_live_first;
	out->heap_live_last = a->heap_live_last;
	out->goal_max = a->goal_max;
	out->goal_last = a->goal_last;
	out->stacks_max = a->stacks_max;
	out->globals_max = a->globals_max;
	out->procs_first = a->procs_first;
	out->procs_last = a->procs_last;
	out->procs_changes = a->procs_changes;
	out->live_slope = out->live_slope_r2 = NAN;
	/* two points always fit a line: no trend, just noise; every GC at
	 * the same @T: no trend to speak of */
	if (a->fit_n >= 3 && a->fit_sxx > 0) {
		out->live_slope = a->fit_sxy / a->fit_sxx;
		/* a flat heap is fitted exactly */
		out->live_slope_r2 = a->fit_syy > 0 ? (a->fit_sxy * a->fit_sxy) / (a->fit_sxx * a->fit_syy)
						   : 1.0;
	}
}

/* ---- the statistics object ------------------------------------------------------------ */

int gomem_gcstats_new(gomem_gcstats **out)
{
	gomem_gcstats *s;

	if (out == NULL)
		return GOMEM_E_INVALID;
	if ((*out = s = calloc(1, sizeof(*s))) == NULL)
		return GOMEM_E_NOMEM;
	if (acc_init(&s->acc) != GOMEM_OK) {
		free(s);
		*out = NULL;
		return GOMEM_E_NOMEM;
	}
	return GOMEM_OK;
}

void gomem_gcstats_free(gomem_gcstats *s)
{
	if (s == NULL)
		return;
	acc_free(&s->acc);
	free(s->recs);
	free(s);
}

/* Drops records past the window (time or count). */
static void trim(gomem_gcstats *s)
{
	size_t n = s->len - s->head;

	if (s->max_events && n > s->max_events)
		s->head += n - s->max_events;
	if (s->window > 0 && s->len > s->head) {
		double last = s->recs[s->len - 1].t;

		while (s->head < s->len - 1 && !(s->recs[s->head].t >= last - s->window))
			s->head++;
	}
	if (s->head > 0 && s->head >= (s->len - s->head)) { /* compact, amortized */
		memmove(s->recs, s->recs + s->head, (s->len - s->head) * sizeof(*s->recs));
		s->len -= s->head;
		s->head = 0;
	}
}

void gomem_gcstats_set_window(gomem_gcstats *s, double seconds, size_t max_events)
{
	bool was = windowed(s);

	s->window = seconds > 0 ? seconds : 0;
	s->max_events = max_events;
	if (windowed(s) && s->len > s->head)
		trim(s);
	if (was && !windowed(s)) {
		/* the events kept become the run so far */
		for (size_t i = s->head; i < s->len; i++)
			acc_add(&s->acc, &s->recs[i]);
		free(s->recs);
		s->recs = NULL;
		s->head = s->len = s->cap = 0;
	}
}

static void fill_rec(struct rec *r, const gomem_gctrace_event *ev)
{
	r->gc = ev->gc >= 0 ? (uint64_t)ev->gc : 0;
	r->line = ev->line;
	r->t = ev->t;
	r->pause = ev->stw_sweep_term + ev->stw_mark_term;
	r->mark = ev->concurrent_mark;
	/* the N% field leaves idle workers out; so does this */
	r->cpu = ev->cpu_sweep_term + ev->cpu_assist + ev->cpu_background + ev->cpu_mark_term;
	r->wall = 0;
	for (int k = 0; k < ev->nclock && k < 5; k++)
		r->wall += ev->clock[k];
	r->heap_start = ev->heap_start;
	r->heap_end = ev->heap_end;
	r->heap_live = ev->heap_live;
	r->goal = ev->goal;
	r->stacks = ev->stacks;
	r->globals = ev->globals;
	r->cpu_pct = ev->cpu_pct;
	r->procs = ev->procs;
	r->forced = ev->forced > 0;
}

int gomem_gcstats_add(gomem_gcstats *s, const gomem_gctrace_event *ev)
{
	struct rec r;
	int rc;

	if (s == NULL || ev == NULL)
		return GOMEM_E_INVALID;
	if (!s->have_run) {
		s->run = ev->run;
		s->have_run = true;
	}
	if (ev->kind != GOMEM_GCTRACE_GC) {
		s->scav_events++;
		return GOMEM_OK;
	}
	fill_rec(&r, ev);
	if (!windowed(s))
		return acc_add(&s->acc, &r);
	if ((rc = GOMEM_GROW(s->recs, s->cap, s->len + 1, GCSTATS_MAX_EVENTS)) != GOMEM_OK)
		return rc;
	s->recs[s->len++] = r;
	trim(s);
	return GOMEM_OK;
}

int gomem_gcstats_get(const gomem_gcstats *s, gomem_gcstats_summary *out)
{
	struct acc a;
	int rc = GOMEM_OK;

	if (s == NULL || out == NULL)
		return GOMEM_E_INVALID;
	memset(out, 0, sizeof(*out));
	out->run = s->run;
	out->scav_events = s->scav_events;
	if (!windowed(s)) {
		acc_summary(&s->acc, out);
		return GOMEM_OK;
	}
	/* a window: its events summarised afresh */
	if (acc_init(&a) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	for (size_t i = s->head; i < s->len && rc == GOMEM_OK; i++)
		rc = acc_add(&a, &s->recs[i]);
	if (rc == GOMEM_OK)
		acc_summary(&a, out);
	acc_free(&a);
	return rc;
}
