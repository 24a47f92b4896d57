/* SPDX-License-Identifier: Apache-2.0 */
/* trace_gc.c — GC cycles, stop-the-worlds, mark assists, sweeps and the
 * heap metrics, from the trace's ranges:
 *
 *   GC concurrent mark phase   begins at the cycle's start (GCBegin, before
 *                              the sweep termination pause) and ends inside
 *                              mark termination;
 *   stop-the-world (REASON)    "GC sweep termination" and "GC mark
 *                              termination" inside a cycle, others (start
 *                              trace, read mem stats, ...) on their own;
 *   GC mark assist             on a goroutine, time it spent assisting;
 *   GC incremental sweep       on a proc.
 *
 * The heap metric is gcController.heapLive: its last value before a cycle
 * begins is gctrace's first heap figure, before mark termination its
 * second, and the value mark termination resets it to, what was marked,
 * its third. A stop-the-world's time-to-stop is how long the procs that
 * were running when it began took to stop; the goroutine on the last one
 * is what the world waited for. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace-analysis.h"

static gomem_trace_gc *cycle(gomem_trace_analysis *a, int64_t i)
{
	return i >= 0 && (size_t)i < a->ngcs ? &a->gcs[i] : NULL;
}

static int cycle_begin(gomem_trace_analysis *a, const gomem_trace_event *ev)
{
	gomem_trace_gc *c;
	int rc;

	if ((rc = GOMEM_GROW(a->gcs, a->gcs_cap, a->ngcs + 1, (size_t)1 << 26)) != GOMEM_OK)
		return ag_fail(a, rc);
	c = &a->gcs[a->ngcs];
	memset(c, 0, sizeof(*c));
	c->gc = (int64_t)a->ngcs + 1;
	c->seq = (int64_t)ev->args[0];
	/* a cycle already running when the trace began: its start is not known */
	c->t = ev->kind == GOMEM_TRACE_RANGE_ACTIVE ? NAN : ag_seconds(a, ev->time);
	c->stw_sweep_term = c->concurrent_mark = c->stw_mark_term = c->wall = NAN;
	c->heap_start = ev->kind == GOMEM_TRACE_RANGE_ACTIVE ? -1 : a->heap;
	c->heap_end = c->heap_live = -1;
	c->goal = ev->kind == GOMEM_TRACE_RANGE_ACTIVE ? -1 : a->goal;
	c->procs = a->procs;
	a->gc_open = (int64_t)a->ngcs++;
	a->gc_begin_ns = ev->kind == GOMEM_TRACE_RANGE_ACTIVE ? -1 : ev->time;
	a->gc_sweep_term_end = a->gc_mark_term_begin = -1;
	a->gc_in_mark_term = 0;
	return GOMEM_OK;
}

/* ---- stop-the-world ---------------------------------------------------------------- */

static int gc_phase(const char *reason)
{
	if (strcmp(reason, "GC sweep termination") == 0)
		return 1;
	if (strcmp(reason, "GC mark termination") == 0)
		return 2;
	return 0;
}

static void stw_begin(gomem_trace_analysis *a, const gomem_trace_event *ev)
{
	struct ag_stw_open *s = &a->stw;
	gomem_trace_gc *c = cycle(a, a->gc_open);

	memset(s, 0, sizeof(*s));
	s->active = 1;
	s->begin = ev->time;
	s->g = ev->g;
	snprintf(s->reason, sizeof(s->reason), "%s", ev->detail);
	s->gc = c ? gc_phase(s->reason) : 0;
	s->cycle = s->gc ? a->gc_open : -1;
	s->laggard_g = TR_NONE;
	/* the running procs other than the stopping goroutine's must stop */
	for (size_t i = 0; i < a->nps; i++) {
		struct ag_p *p = &a->ps[i];

		p->stw_wait = p->running && p->id != ev->p;
		p->stw_g = p->stw_wait ? p->g : TR_NONE;
		s->waiting += p->stw_wait;
	}
	if (s->gc == 2 && c) {
		c->heap_end = a->heap;
		a->gc_mark_term_begin = ev->time;
		a->gc_in_mark_term = 1;
		if (a->gc_sweep_term_end >= 0)
			c->concurrent_mark = (double)(ev->time - a->gc_sweep_term_end) / 1e9;
	}
}

/* A proc the stop-the-world waited for stopped. */
int ag_gc_proc_stopped(gomem_trace_analysis *a, struct ag_p *p, int64_t t)
{
	struct ag_stw_open *s = &a->stw;
	struct ag_g *g;

	if (!s->active || !p->stw_wait)
		return GOMEM_OK;
	p->stw_wait = 0;
	s->waiting--;
	s->stopped++;
	s->last_stop = t;
	s->laggard_g = p->stw_g;
	s->laggard_key = 0;
	s->laggard_run_start = -1;
	if ((g = ag_goroutine(a, p->stw_g)) != NULL) {
		s->laggard_key = g->stop_key;
		s->laggard_run_start = g->run_start >= 0 ? g->run_start : g->last_run;
	}
	return GOMEM_OK;
}

static int cmp_laggard(const void *x, const void *y, void *ctx)
{
	const struct ag_laggard *a = x, *b = y;

	(void)ctx;
	return a->pub.ran > b->pub.ran ? -1 : a->pub.ran < b->pub.ran;
}

/* The goroutine the world waited for; *FUNC gets its function's id + 1. */
static int add_laggard(gomem_trace_analysis *a, const struct ag_stw_open *s, uint32_t reason, uint32_t *func)
{
	struct ag_laggard *l;
	gomem_buf folded;
	const char *fn, *file;
	int64_t line;
	int rc;

	if ((rc = GOMEM_GROW(a->laggards, a->laggards_cap, a->nlaggards + 1, (size_t)1 << 20)) != GOMEM_OK)
		return ag_fail(a, rc);
	l = &a->laggards[a->nlaggards];
	memset(l, 0, sizeof(*l));
	l->pub.g = s->laggard_g;
	l->pub.t = ag_seconds(a, s->begin);
	l->pub.ran = (double)(s->last_stop - s->begin) / 1e9;
	l->pub.run = s->laggard_run_start >= 0 ? (double)(s->last_stop - s->laggard_run_start) / 1e9 : NAN;
	l->reason = reason;
	tr_stacks_frame(&a->stacks, s->laggard_key, 0, &fn, &file, &line);
	gomem_buf_init(&folded, (size_t)16 << 20);
	rc = tr_stacks_folded(&a->stacks, s->laggard_key, &folded);
	if (rc == GOMEM_OK)
		rc = gomem_strpool_intern(&a->lag_strings, fn, strcspn(fn, "\n"), &l->func);
	if (rc == GOMEM_OK)
		rc = gomem_strpool_intern(&a->lag_strings, folded.data ? folded.data : "", folded.len, &l->stack);
	gomem_buf_free(&folded);
	if (rc != GOMEM_OK)
		return ag_fail(a, rc);
	*func = fn[0] ? l->func + 1 : 0;
	a->nlaggards++;
	/* keep the longest few: sort and cut once twice as many are held */
	if (a->nlaggards >= 2 * a->opts.keep_longest) {
		if (gomem_sort(a->laggards, a->nlaggards, sizeof(*a->laggards), cmp_laggard, NULL) != GOMEM_OK)
			return ag_fail(a, GOMEM_E_NOMEM);
		a->nlaggards = a->opts.keep_longest;
	}
	return GOMEM_OK;
}

static int stw_end(gomem_trace_analysis *a, const gomem_trace_event *ev)
{
	struct ag_stw_open *s = &a->stw;
	gomem_trace_gc *c = cycle(a, s->cycle);
	gomem_trace_stw *w;
	uint32_t rid;
	int64_t dur;
	int rc;

	if (!s->active)
		return GOMEM_OK; /* began before the trace: Go's reader would have refused it */
	s->active = 0;
	dur = ev->time - s->begin;
	if ((rc = GOMEM_GROW(a->stws, a->stws_cap, a->nstws + 1, (size_t)1 << 26)) != GOMEM_OK ||
	    (rc = GOMEM_GROW(a->stw_ids, a->stw_ids_cap, a->nstws + 1, (size_t)1 << 26)) != GOMEM_OK ||
	    (rc = gomem_strpool_intern(&a->reasons, s->reason, strlen(s->reason), &rid)) != GOMEM_OK)
		return ag_fail(a, rc);
	w = &a->stws[a->nstws];
	memset(w, 0, sizeof(*w));
	a->stw_ids[a->nstws].reason = rid;
	a->stw_ids[a->nstws].func = 0;
	w->n = (int64_t)a->nstws + 1;
	w->t = ag_seconds(a, s->begin);
	w->duration = (double)dur / 1e9;
	w->reason = "";
	w->gc = s->gc != 0;
	w->gc_cycle = c ? c->gc : 0;
	w->g = s->g;
	w->procs_stopped = s->stopped;
	w->laggard_g = TR_NONE;
	w->time_to_stop = NAN;
	if (s->stopped > 0 && s->waiting == 0) {
		w->time_to_stop = (double)(s->last_stop - s->begin) / 1e9;
		w->laggard_g = s->laggard_g;
		if ((rc = ag_sketch_add(a->ttstop, s->last_stop - s->begin)) != GOMEM_OK)
			return ag_fail(a, rc);
		if ((rc = add_laggard(a, s, rid, &a->stw_ids[a->nstws].func)) != GOMEM_OK)
			return rc;
	}
	a->nstws++;
	for (size_t i = 0; i < a->nps; i++)
		a->ps[i].stw_wait = 0;
	if ((rc = ag_sketch_add(a->stw_all, dur)) != GOMEM_OK || (s->gc && (rc = ag_sketch_add(a->stw_gc, dur))) ||
	    (rc = ag_keys_add(&a->stw_reasons, rid, dur)) != GOMEM_OK)
		return ag_fail(a, rc);
	ag_interval(a, GOMEM_TRACE_IV_STW, s->begin, ev->time, w->n, s->g, s->reason);
	if (c && s->gc == 1) {
		c->stw_sweep_term = (double)dur / 1e9;
		a->gc_sweep_term_end = ev->time;
	} else if (c && s->gc == 2) {
		c->stw_mark_term = (double)dur / 1e9;
		if (a->gc_begin_ns >= 0)
			c->wall = (double)(ev->time - a->gc_begin_ns) / 1e9;
		ag_interval(a, GOMEM_TRACE_IV_GC, a->gc_begin_ns >= 0 ? a->gc_begin_ns : a->t0, ev->time, c->gc,
			    TR_NONE, NULL);
		a->gc_in_mark_term = 0;
		if (a->gc_open == s->cycle)
			a->gc_open = -1;
	}
	return GOMEM_OK;
}

/* ---- assists and sweeps ---------------------------------------------------------- */

/* The assisting goroutine stops running, or its assist ends: its time on
 * the CPU so far goes to the assist. */
void ag_gc_assist_ran(gomem_trace_analysis *a, struct ag_g *g, int64_t t)
{
	gomem_trace_gc *c = cycle(a, g->assist_cycle);

	if (g->run_start < 0 || g->assist_run_start < 0 || t < g->assist_run_start)
		return;
	if (c)
		c->assist += (double)(t - g->assist_run_start) / 1e9;
	a->sum.assist_total += (double)(t - g->assist_run_start) / 1e9;
	if (ag_keys_add(&a->assist_stack, g->assist_key, t - g->assist_run_start) != GOMEM_OK)
		ag_fail(a, GOMEM_E_NOMEM);
	g->assist_run_start = -1;
}

static int assist_event(gomem_trace_analysis *a, const gomem_trace_reader *r, const gomem_trace_event *ev)
{
	struct ag_g *g = ag_goroutine(a, ev->resource_id);
	gomem_trace_gc *c;
	int rc;

	if (g == NULL)
		return GOMEM_OK;
	if (ev->kind == GOMEM_TRACE_RANGE_ACTIVE && g->in_assist)
		return GOMEM_OK; /* a new generation repeats what is known */
	if (ev->kind != GOMEM_TRACE_RANGE_END) {
		g->in_assist = 1;
		g->assist_begin = ev->kind == GOMEM_TRACE_RANGE_BEGIN ? ev->time : -1;
		g->assist_run_start = g->run_start >= 0 ? ev->time : -1;
		g->assist_cycle = a->gc_open;
		if ((rc = tr_stacks_intern(&a->stacks, r, ev->stack, &g->assist_key)) != GOMEM_OK)
			return ag_fail(a, rc);
		if ((c = cycle(a, g->assist_cycle)) != NULL)
			c->assists++;
		a->sum.assists++;
		return GOMEM_OK;
	}
	if (!g->in_assist)
		return GOMEM_OK;
	ag_gc_assist_ran(a, g, ev->time);
	if (g->assist_begin >= 0) {
		double wall = (double)(ev->time - g->assist_begin) / 1e9;

		if ((c = cycle(a, g->assist_cycle)) != NULL)
			c->assist_wall += wall;
		a->sum.assist_wall_total += wall;
		ag_interval(a, GOMEM_TRACE_IV_ASSIST, g->assist_begin, ev->time, a->ngcs ? (int64_t)a->ngcs : 0,
			    g->id, NULL);
	}
	g->in_assist = 0;
	g->assist_cycle = -1;
	return GOMEM_OK;
}

static int sweep_event(gomem_trace_analysis *a, const gomem_trace_event *ev)
{
	struct ag_p *p = ag_proc(a, ev->p, 1);

	if (p == NULL)
		return ev->p < 0 ? GOMEM_OK : ag_fail(a, GOMEM_E_NOMEM);
	if (ev->kind == GOMEM_TRACE_RANGE_ACTIVE && p->sweep_active)
		return GOMEM_OK; /* a new generation repeats what is known */
	if (ev->kind != GOMEM_TRACE_RANGE_END) {
		p->sweep_begin = ev->kind == GOMEM_TRACE_RANGE_BEGIN ? ev->time : -1;
		p->sweep_active = 1;
		return GOMEM_OK;
	}
	p->sweep_active = 0;
	if (p->sweep_begin >= 0) {
		a->sum.sweep_total += (double)(ev->time - p->sweep_begin) / 1e9;
		a->sum.sweeps++;
		ag_interval(a, GOMEM_TRACE_IV_SWEEP, p->sweep_begin, ev->time, p->id, TR_NONE, NULL);
	}
	a->sum.swept_bytes += ev->swept;
	a->sum.reclaimed_bytes += ev->reclaimed;
	p->sweep_begin = -1;
	return GOMEM_OK;
}

/* ---- events in --------------------------------------------------------------------- */

static void metric(gomem_trace_analysis *a, const gomem_trace_event *ev)
{
	gomem_trace_gc *c = cycle(a, a->gc_open);
	int64_t v = ev->value > INT64_MAX ? INT64_MAX : (int64_t)ev->value;

	switch (ev->type) {
	case TR_EV_PROCS_CHANGE:
		a->procs = v > INT32_MAX ? INT32_MAX : (int)v;
		if (a->procs > a->sum.procs_max)
			a->sum.procs_max = a->procs;
		/* a trace taken mid-run says GOMAXPROCS first inside a cycle */
		if (c && c->procs == 0)
			c->procs = a->procs;
		break;
	case TR_EV_HEAP_ALLOC:
		a->heap = v;
		if (v > a->sum.heap_peak || a->sum.heap_peak == 0)
			a->sum.heap_peak = v;
		/* mark termination resets the heap to what it marked */
		if (c && a->gc_in_mark_term && a->stw.active)
			c->heap_live = v;
		break;
	case TR_EV_HEAP_GOAL:
		a->goal = v;
		if (v > a->sum.goal_peak || a->sum.goal_peak == 0)
			a->sum.goal_peak = v;
		break;
	}
}

int ag_gc_event(gomem_trace_analysis *a, const gomem_trace_reader *r, const gomem_trace_event *ev)
{
	if (ev->kind == GOMEM_TRACE_METRIC) {
		metric(a, ev);
		return GOMEM_OK;
	}
	switch (ev->type) {
	case TR_EV_GC_ACTIVE:
		/* every generation repeats the cycle in progress: news only at the start */
		if (a->gc_open >= 0 || a->generations > 1)
			return GOMEM_OK;
		return cycle_begin(a, ev);
	case TR_EV_GC_BEGIN:
		return cycle_begin(a, ev);
	case TR_EV_GC_END:
		/* the cycle closes with its mark termination pause; it counts now,
		 * as the runtime counts it (NumGC, a gctrace line) */
		if (a->gc_open >= 0)
			a->gcs_ended++;
		return GOMEM_OK;
	case TR_EV_STW_BEGIN:
		stw_begin(a, ev);
		return GOMEM_OK;
	case TR_EV_STW_END:
		return stw_end(a, ev);
	case TR_EV_GC_MARK_ASSIST_ACTIVE:
	case TR_EV_GC_MARK_ASSIST_BEGIN:
	case TR_EV_GC_MARK_ASSIST_END:
		return assist_event(a, r, ev);
	case TR_EV_GC_SWEEP_ACTIVE:
	case TR_EV_GC_SWEEP_BEGIN:
	case TR_EV_GC_SWEEP_END:
		return sweep_event(a, ev);
	}
	return GOMEM_OK;
}

/* ---- results ------------------------------------------------------------------------ */

static int cmp_stw_longest(const void *x, const void *y, void *ctx)
{
	const gomem_trace_stw *a = x, *b = y;

	(void)ctx;
	return a->duration > b->duration ? -1 : a->duration < b->duration;
}

static int cmp_reason(const void *x, const void *y, void *ctx)
{
	const gomem_trace_stw_reason *a = x, *b = y;

	(void)ctx;
	if (a->dist.count != b->dist.count)
		return a->dist.count > b->dist.count ? -1 : 1;
	return strcmp(a->reason, b->reason);
}

int ag_gc_finish(gomem_trace_analysis *a)
{
	gomem_trace_summary *s = &a->sum;
	size_t keep = a->opts.keep_longest;

	if (a->heap < 0)
		s->heap_peak = -1;
	if (a->goal < 0)
		s->goal_peak = -1;
	s->gc_cycles = a->gcs_ended;
	for (size_t i = 0; i < a->ngcs; i++) {
		if (!isnan(a->gcs[i].concurrent_mark))
			s->gc_mark_total += a->gcs[i].concurrent_mark;
		if (!isnan(a->gcs[i].wall))
			s->gc_wall_total += a->gcs[i].wall;
	}
	/* strings now, the pools will not move again */
	for (size_t i = 0; i < a->nstws; i++) {
		a->stws[i].reason = gomem_strpool_get(&a->reasons, a->stw_ids[i].reason);
		a->stws[i].laggard_func = a->stw_ids[i].func
			? gomem_strpool_get(&a->lag_strings, a->stw_ids[i].func - 1) : NULL;
	}
	if (gomem_sort(a->laggards, a->nlaggards, sizeof(*a->laggards), cmp_laggard, NULL) != GOMEM_OK)
		return ag_fail(a, GOMEM_E_NOMEM);
	if (a->nlaggards > keep)
		a->nlaggards = keep;
	if ((a->laggard_rows = malloc((a->nlaggards + 1) * sizeof(*a->laggard_rows))) == NULL)
		return ag_fail(a, GOMEM_E_NOMEM);
	for (size_t i = 0; i < a->nlaggards; i++) {
		a->laggard_rows[i] = a->laggards[i].pub;
		a->laggard_rows[i].reason = gomem_strpool_get(&a->reasons, a->laggards[i].reason);
		a->laggard_rows[i].func = gomem_strpool_get(&a->lag_strings, a->laggards[i].func);
		a->laggard_rows[i].stack = gomem_strpool_get(&a->lag_strings, a->laggards[i].stack);
	}
	/* by reason, most frequent first */
	a->reason_rows = calloc(a->stw_reasons.n + 1, sizeof(*a->reason_rows));
	a->longest = malloc((keep + 1) * sizeof(*a->longest));
	if (a->reason_rows == NULL || a->longest == NULL)
		return ag_fail(a, GOMEM_E_NOMEM);
	for (size_t i = 0; i < a->stw_reasons.n; i++) {
		a->reason_rows[i].reason = gomem_strpool_get(&a->reasons, a->stw_reasons.rows[i].key);
		ag_sketch_dist(a->stw_reasons.rows[i].pct, &a->reason_rows[i].dist);
	}
	a->nreason_rows = a->stw_reasons.n;
	if (gomem_sort(a->reason_rows, a->nreason_rows, sizeof(*a->reason_rows), cmp_reason, NULL) != GOMEM_OK)
		return ag_fail(a, GOMEM_E_NOMEM);
	/* the longest: a copy of the rows, sorted */
	{
		gomem_trace_stw *all = malloc((a->nstws + 1) * sizeof(*all));

		if (all == NULL)
			return ag_fail(a, GOMEM_E_NOMEM);
		if (a->nstws)
			memcpy(all, a->stws, a->nstws * sizeof(*all));
		if (gomem_sort(all, a->nstws, sizeof(*all), cmp_stw_longest, NULL) != GOMEM_OK) {
			free(all);
			return ag_fail(a, GOMEM_E_NOMEM);
		}
		a->nlongest = a->nstws < keep ? a->nstws : keep;
		memcpy(a->longest, all, a->nlongest * sizeof(*all));
		free(all);
	}
	return GOMEM_OK;
}

void ag_gc_free(gomem_trace_analysis *a)
{
	free(a->gcs);
	free(a->stws);
	free(a->laggards);
	free(a->laggard_rows);
	free(a->stw_ids);
	free(a->reason_rows);
	free(a->longest);
	ag_keys_free(&a->stw_reasons);
	ag_keys_free(&a->assist_stack);
}

size_t gomem_trace_gc_count(const gomem_trace_analysis *a)
{
	return a->finished ? a->ngcs : 0;
}

const gomem_trace_gc *gomem_trace_gc_at(const gomem_trace_analysis *a, size_t i)
{
	return i < gomem_trace_gc_count(a) ? &a->gcs[i] : NULL;
}

size_t gomem_trace_stw_count(const gomem_trace_analysis *a)
{
	return a->finished ? a->nstws : 0;
}

const gomem_trace_stw *gomem_trace_stw_at(const gomem_trace_analysis *a, size_t i)
{
	return i < gomem_trace_stw_count(a) ? &a->stws[i] : NULL;
}

size_t gomem_trace_stw_reason_count(const gomem_trace_analysis *a)
{
	return a->finished ? a->nreason_rows : 0;
}

const gomem_trace_stw_reason *gomem_trace_stw_reason_at(const gomem_trace_analysis *a, size_t i)
{
	return i < gomem_trace_stw_reason_count(a) ? &a->reason_rows[i] : NULL;
}

size_t gomem_trace_longest_stw_count(const gomem_trace_analysis *a)
{
	return a->finished ? a->nlongest : 0;
}

const gomem_trace_stw *gomem_trace_longest_stw_at(const gomem_trace_analysis *a, size_t i)
{
	return i < gomem_trace_longest_stw_count(a) ? &a->longest[i] : NULL;
}

size_t gomem_trace_laggard_count(const gomem_trace_analysis *a)
{
	return a->finished ? a->nlaggards : 0;
}

const gomem_trace_laggard *gomem_trace_laggard_at(const gomem_trace_analysis *a, size_t i)
{
	return i < gomem_trace_laggard_count(a) ? &a->laggard_rows[i] : NULL;
}
