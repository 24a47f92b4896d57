/* SPDX-License-Identifier: Apache-2.0 */
/* sched_stats.c — what one run of schedtrace snapshots says: how long the
 * runnable backlog got (the global queue plus every P's, the figure behind
 * scheduling latency), how busy the Ps were, how unevenly work sat on them,
 * how many threads spun or idled and whether their number grew, and with
 * scheddetail how many goroutines lived and what they waited for. Means and
 * maxima are exact over the run; the backlog's percentiles are exact over
 * the snapshots kept (all, or the last window's). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sched-internal.h"

struct gomem_schedstats {
	gomem_schedstats_summary s;
	size_t window;              /* 0: the whole run, in the sketch */
	gomem_sketch *sketch;       /* the backlog without a window */
	int64_t *backlog;           /* with one, a ring of its values */
	size_t nbacklog, head, cap;
	double sum_backlog, sum_busy, sum_imbalance, sum_spinning, sum_idle;
	uint64_t n_busy, n_imbalance, n_idle;
	double st, sy, stt, sty;    /* threads over time, for the slope */
	uint64_t nthreads;
	char top_wait[SCHED_MAX_REASON + 1];
};

int gomem_schedstats_new(gomem_schedstats **out)
{
	gomem_schedstats *s;

	if (out == NULL)
		return GOMEM_E_INVALID;
	if ((*out = s = calloc(1, sizeof(*s))) == NULL)
		return GOMEM_E_NOMEM;
	if (gomem_sketch_new(&s->sketch, NULL) != GOMEM_OK) {
		free(s);
		*out = NULL;
		return GOMEM_E_NOMEM;
	}
	s->s.first_t = s->s.last_t = NAN;
	s->s.gomaxprocs_first = s->s.gomaxprocs_last = -1;
	s->s.threads_first = s->s.threads_last = s->s.threads_max = -1;
	s->s.goroutines_first = s->s.goroutines_last = s->s.goroutines_max = -1;
	s->s.dead_last = s->s.top_wait_count = -1;
	s->s.backlog_max = s->s.global_max = NAN;
	s->s.imbalance_max = s->s.spinning_max = s->s.idle_threads_max = NAN;
	return GOMEM_OK;
}

void gomem_schedstats_free(gomem_schedstats *s)
{
	if (s == NULL)
		return;
	free(s->backlog);
	gomem_sketch_free(s->sketch);
	free(s);
}

void gomem_schedstats_set_window(gomem_schedstats *s, size_t max_snapshots)
{
	if (s->s.snapshots == 0)
		s->window = max_snapshots;
}

static double max_of(double a, double b)
{
	return isnan(a) || b > a ? b : a;
}

/* The backlog into the sketch, or into the ring: it grows until the
 * window, then overwrites. */
static int keep_backlog(gomem_schedstats *s, int64_t v)
{
	if (s->window == 0)
		return gomem_sketch_add(s->sketch, (double)v);
	if (s->nbacklog == s->window) {
		s->backlog[s->head] = v;
		s->head = (s->head + 1) % s->window;
		return GOMEM_OK;
	}
	if (GOMEM_GROW(s->backlog, s->cap, s->nbacklog + 1, s->window))
		return GOMEM_E_NOMEM;
	s->backlog[s->nbacklog++] = v;
	return GOMEM_OK;
}

static void add_threads(gomem_schedstats *s, const gomem_sched_snapshot *snap)
{
	gomem_schedstats_summary *o = &s->s;

	if (snap->threads < 0)
		return;
	if (o->threads_first < 0)
		o->threads_first = snap->threads;
	o->threads_last = snap->threads;
	if (snap->threads > o->threads_max)
		o->threads_max = snap->threads;
	s->st += snap->t;
	s->sy += (double)snap->threads;
	s->stt += snap->t * snap->t;
	s->sty += snap->t * (double)snap->threads;
	s->nthreads++;
	if (snap->spinningthreads >= 0) {
		s->sum_spinning += (double)snap->spinningthreads;
		o->spinning_max = max_of(o->spinning_max, (double)snap->spinningthreads);
	}
	if (snap->idlethreads >= 0) {
		s->sum_idle += (double)snap->idlethreads;
		s->n_idle++;
		o->idle_threads_max = max_of(o->idle_threads_max, (double)snap->idlethreads);
	}
}

static void add_detail(gomem_schedstats *s, const gomem_sched_snapshot *snap)
{
	gomem_schedstats_summary *o = &s->s;

	if (!snap->detailed || snap->goroutines_live < 0)
		return;
	o->detailed++;
	if (o->goroutines_first < 0)
		o->goroutines_first = snap->goroutines_live;
	o->goroutines_last = snap->goroutines_live;
	if (snap->goroutines_live > o->goroutines_max)
		o->goroutines_max = snap->goroutines_live;
	o->dead_last = snap->g_dead;
	o->top_wait = NULL;
	o->top_wait_count = -1;
	if (snap->nwaits > 0) {
		size_t len = strlen(snap->waits[0].reason);

		if (len > SCHED_MAX_REASON)
			len = SCHED_MAX_REASON;
		memcpy(s->top_wait, snap->waits[0].reason, len);
		s->top_wait[len] = '\0';
		o->top_wait = s->top_wait;
		o->top_wait_count = snap->waits[0].count;
	}
}

int gomem_schedstats_add(gomem_schedstats *s, const gomem_sched_snapshot *snap)
{
	gomem_schedstats_summary *o = &s->s;
	int64_t backlog = (snap->runqueue > 0 ? snap->runqueue : 0) + (snap->local > 0 ? snap->local : 0);

	if (o->snapshots == 0) {
		o->run = snap->run;
		o->first_t = snap->t;
		o->first_line = snap->line;
		o->gomaxprocs_first = snap->gomaxprocs;
	}
	o->snapshots++;
	o->last_t = snap->t;
	o->last_line = snap->line;
	o->gomaxprocs_last = snap->gomaxprocs;
	if (keep_backlog(s, backlog) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	s->sum_backlog += (double)backlog;
	o->backlog_max = max_of(o->backlog_max, (double)backlog);
	o->global_max = max_of(o->global_max, (double)(snap->runqueue > 0 ? snap->runqueue : 0));
	if (snap->gomaxprocs > 0 && snap->idleprocs >= 0) {
		s->sum_busy += (double)(snap->gomaxprocs - snap->idleprocs) / (double)snap->gomaxprocs;
		s->n_busy++;
	}
	if (snap->nrunq > 0) {
		double spread = (double)(snap->local_max - snap->local_min);

		s->sum_imbalance += spread;
		s->n_imbalance++;
		o->imbalance_max = max_of(o->imbalance_max, spread);
	}
	add_threads(s, snap);
	add_detail(s, snap);
	return GOMEM_OK;
}

static int cmp_i64(const void *a, const void *b, void *ctx)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	(void)ctx;
	return (x > y) - (x < y);
}

/* Nearest rank over sorted V[0..N). */
static double rank(const int64_t *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * (double)n);

	return (double)v[k > 0 ? k - 1 : 0];
}

static double mean(double sum, uint64_t n)
{
	return n ? sum / (double)n : NAN;
}

int gomem_schedstats_get(const gomem_schedstats *s, gomem_schedstats_summary *out)
{
	int64_t *v;

	*out = s->s;
	out->period = out->snapshots > 1 ? (out->last_t - out->first_t) / (double)(out->snapshots - 1)
					 : NAN;
	out->backlog_mean = mean(s->sum_backlog, out->snapshots);
	out->busy_share = mean(s->sum_busy, s->n_busy);
	out->imbalance_mean = mean(s->sum_imbalance, s->n_imbalance);
	out->spinning_mean = mean(s->sum_spinning, s->nthreads);
	out->idle_threads_mean = mean(s->sum_idle, s->n_idle);
	out->threads_per_min = NAN;
	if (s->nthreads > 2) {
		double n = (double)s->nthreads, d = n * s->stt - s->st * s->st;

		if (d > 0)
			out->threads_per_min = (n * s->sty - s->st * s->sy) / d * 60.0;
	}
	out->backlog_p50 = out->backlog_p99 = NAN;
	if (s->window == 0) {
		gomem_sketch_quantile(s->sketch, 0.5, &out->backlog_p50);
		gomem_sketch_quantile(s->sketch, 0.99, &out->backlog_p99);
		return GOMEM_OK;
	}
	if (s->nbacklog == 0)
		return GOMEM_OK;
	if ((v = malloc(s->nbacklog * sizeof(*v))) == NULL)
		return GOMEM_E_NOMEM;
	memcpy(v, s->backlog, s->nbacklog * sizeof(*v));
	if (gomem_sort(v, s->nbacklog, sizeof(*v), cmp_i64, NULL) != GOMEM_OK) {
		free(v);
		return GOMEM_E_NOMEM;
	}
	out->backlog_p50 = rank(v, s->nbacklog, 0.5);
	out->backlog_p99 = rank(v, s->nbacklog, 0.99);
	free(v);
	return GOMEM_OK;
}
