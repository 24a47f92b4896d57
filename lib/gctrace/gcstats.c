/* SPDX-License-Identifier: Apache-2.0 */
/* gcstats.c — statistics of one run of gctrace events. The gc events are
 * kept (a few dozen bytes each) so percentiles are exact and the slope is
 * fitted on centred values (no cancellation over long runs); a window drops
 * the oldest ones for the live monitor and --follow. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* Without a window, a week of 1/s GCs still fits. */
#define GCSTATS_MAX_EVENTS ((size_t)1 << 26)

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

struct gomem_gcstats {
	struct rec *recs;
	size_t head, len, cap;   /* live records are recs[head, len) */
	uint64_t run, scav_events;
	bool have_run;
	double window;
	size_t max_events;
};

int gomem_gcstats_new(gomem_gcstats **out)
{
	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = calloc(1, sizeof(**out));
	return *out ? GOMEM_OK : GOMEM_E_NOMEM;
}

void gomem_gcstats_free(gomem_gcstats *s)
{
	if (s == NULL)
		return;
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
	s->window = seconds > 0 ? seconds : 0;
	s->max_events = max_events;
	trim(s);
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
	if ((rc = GOMEM_GROW(s->recs, s->cap, s->len + 1, GCSTATS_MAX_EVENTS)) != GOMEM_OK)
		return rc;
	fill_rec(&s->recs[s->len++], ev);
	trim(s);
	return GOMEM_OK;
}

/* ---- the summary ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least P% of them at or below it. */
static double rank(const double *v, size_t n, double pct)
{
	size_t r = (size_t)ceil(pct / 100.0 * (double)n);

	if (n == 0)
		return NAN;
	if (r < 1)
		r = 1;
	return v[(r > n ? n : r) - 1];
}

/* Percentiles of the field at OFFSET (a double in struct rec), NANs left out. */
static void percentiles(const struct rec *r, size_t n, size_t offset, double *scratch,
			double out[5])
{
	size_t m = 0;
	double total = 0;

	for (size_t i = 0; i < n; i++) {
		double v;

		memcpy(&v, (const char *)&r[i] + offset, sizeof(v));
		if (!isnan(v)) {
			scratch[m++] = v;
			total += v;
		}
	}
	qsort(scratch, m, sizeof(*scratch), cmp_double);
	out[0] = rank(scratch, m, 50);
	out[1] = rank(scratch, m, 90);
	out[2] = rank(scratch, m, 99);
	out[3] = m ? scratch[m - 1] : NAN;
	out[4] = m ? total : NAN;
}

static void max64(int64_t *m, int64_t v)
{
	if (v > *m)
		*m = v;
}

static void heap_figures(const struct rec *r, size_t n, gomem_gcstats_summary *out)
{
	out->heap_start_max = out->heap_end_max = out->heap_live_max = -1;
	out->goal_max = out->stacks_max = out->globals_max = -1;
	out->heap_live_first = out->heap_live_last = out->goal_last = -1;
	out->procs_first = out->procs_last = -1;
	out->procs_changes = 0;
	for (size_t i = 0; i < n; i++) {
		max64(&out->heap_start_max, r[i].heap_start);
		max64(&out->heap_end_max, r[i].heap_end);
		max64(&out->heap_live_max, r[i].heap_live);
		max64(&out->goal_max, r[i].goal);
		max64(&out->stacks_max, r[i].stacks);
		max64(&out->globals_max, r[i].globals);
		if (r[i].heap_live >= 0) {
			if (out->heap_live_first < 0)
				out->heap_live_first = r[i].heap_live;
			out->heap_live_last = r[i].heap_live;
		}
		if (r[i].goal >= 0)
			out->goal_last = r[i].goal;
		if (r[i].procs >= 0) {
			if (out->procs_last >= 0 && r[i].procs != out->procs_last)
				out->procs_changes++;
			if (out->procs_first < 0)
				out->procs_first = r[i].procs;
			out->procs_last = r[i].procs;
		}
	}
}

/* Least squares of the marked heap over @T, on centred values. */
static void live_slope(const struct rec *r, size_t n, gomem_gcstats_summary *out)
{
	double mt = 0, my = 0, sxx = 0, sxy = 0, syy = 0;
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (r[i].heap_live >= 0 && !isnan(r[i].t)) {
			mt += r[i].t;
			my += (double)r[i].heap_live;
			m++;
		}
	out->live_slope = out->live_slope_r2 = NAN;
	if (m < 3) /* two points always fit a line: no trend, just noise */
		return;
	mt /= (double)m;
	my /= (double)m;
	for (size_t i = 0; i < n; i++)
		if (r[i].heap_live >= 0 && !isnan(r[i].t)) {
			double dx = r[i].t - mt, dy = (double)r[i].heap_live - my;

			sxx += dx * dx;
			sxy += dx * dy;
			syy += dy * dy;
		}
	if (sxx <= 0)
		return; /* every GC at the same @T: no trend to speak of */
	out->live_slope = sxy / sxx;
	/* a flat heap is fitted exactly */
	out->live_slope_r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1.0;
}

/* GC CPU over the run from the cpu fields: CPU seconds of GC work over the
 * CPU seconds the Ps had, from the first cycle's start to the last's end. */
static double cpu_window(const struct rec *r, size_t n)
{
	double cpu = 0, procs = 0, span;
	size_t m = 0;

	if (n == 0 || isnan(r[0].t) || isnan(r[n - 1].t))
		return NAN;
	for (size_t i = 0; i < n; i++)
		if (!isnan(r[i].cpu) && r[i].procs > 0) {
			cpu += r[i].cpu;
			procs += r[i].procs;
			m++;
		}
	span = r[n - 1].t + r[n - 1].wall - r[0].t;
	if (m == 0 || !(span > 0))
		return NAN;
	return 100.0 * cpu / (span * (procs / (double)m));
}

int gomem_gcstats_get(const gomem_gcstats *s, gomem_gcstats_summary *out)
{
	const struct rec *r;
	size_t n;
	double *scratch, v[5];

	if (s == NULL || out == NULL)
		return GOMEM_E_INVALID;
	r = s->recs + s->head;
	n = s->len - s->head;
	memset(out, 0, sizeof(*out));
	if ((scratch = malloc((n ? n : 1) * sizeof(*scratch))) == NULL)
		return GOMEM_E_NOMEM;
	out->run = s->run;
	out->gcs = n;
	out->scav_events = s->scav_events;
	for (size_t i = 0; i < n; i++)
		out->forced += r[i].forced;
	out->first_gc = n ? r[0].gc : 0;
	out->last_gc = n ? r[n - 1].gc : 0;
	out->first_line = n ? r[0].line : 0;
	out->last_line = n ? r[n - 1].line : 0;
	out->first_t = n ? r[0].t : NAN;
	out->last_t = n ? r[n - 1].t : NAN;
	out->gc_per_s = n >= 2 && out->last_t > out->first_t ?
		(double)(n - 1) / (out->last_t - out->first_t) : NAN;
	percentiles(r, n, offsetof(struct rec, pause), scratch, v);
	out->pause_p50 = v[0], out->pause_p90 = v[1], out->pause_p99 = v[2];
	out->pause_max = v[3], out->pause_total = v[4];
	percentiles(r, n, offsetof(struct rec, mark), scratch, v);
	out->mark_p50 = v[0], out->mark_p90 = v[1], out->mark_p99 = v[2];
	out->mark_max = v[3], out->mark_total = v[4];
	free(scratch);
	out->cpu_pct_last = -1;
	for (size_t i = n; i-- > 0;)
		if (r[i].cpu_pct >= 0) {
			out->cpu_pct_last = r[i].cpu_pct;
			break;
		}
	out->cpu_pct_window = cpu_window(r, n);
	heap_figures(r, n, out);
	live_slope(r, n, out);
	return GOMEM_OK;
}
