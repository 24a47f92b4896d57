/* SPDX-License-Identifier: Apache-2.0 */
/* trace_mmu.c — mutator utilization and its minimum over windows (MMU),
 * computed as `go tool trace`'s MMU view computes them, but streamed.
 *
 * The utilization function is Go's MutatorUtilizationV2, event for event
 * (its quirks included: a background worker's label counts again each time
 * it starts): a step function that changes when GC takes procs (STW, mark
 * assists, background workers, sweeping, per the flags). Go then builds an
 * MMUCurve over the whole function; its answer for a window W is the lowest
 * mean utilization of any W-long window, and that minimum always falls where
 * an edge of the window meets a step (mmu.go says why). So each window here
 * keeps only the steps of the last W: when a step at t arrives, the window
 * ending at t is measured, and so is every window that began at an earlier
 * step and has now ended. The integrals are summed in Go's order, so the
 * numbers are Go's. Before the first sync the function is buffered whole:
 * a range found active then is charged back to the trace's start, as Go
 * charges it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace-analysis.h"

struct ut_point { int64_t t; double u; };
struct ut_cpoint { int64_t t; double u, cum; };

struct ut_win {
	int64_t w;
	uint64_t cand;  /* next committed point whose window [t, t+w] waits for its end */
	uint64_t left;  /* the point at or before (latest - w) */
	double min;
	int evaluated;
};

struct ut_series {
	int buffered;              /* before the first sync: points kept in pre */
	struct ut_point *pre;
	size_t npre, pre_cap;
	int has_tail;              /* streaming: the last point, which a later one at the
				    * same time may still lower (Go's addUtil) */
	struct ut_point tail;
	struct ut_cpoint *ring;    /* committed points [base, end), ring[i % cap] */
	size_t cap;
	uint64_t base, end;
	int64_t t0, last_t;
	double last_u, cum;
	struct ut_win *win;
};

struct ut_proc { int gc, series; };

struct tr_util {
	unsigned int flags;
	int64_t *windows;
	size_t nwindows;
	struct ut_series *series;
	size_t nseries, series_cap;
	struct ut_proc *ps;
	size_t nps, ps_cap;
	size_t ngc;                /* procs with gc > 0 */
	int stw;
	struct tr_map in_gc, exec, bg_mark; /* goroutine -> 1 (exec: executing now) */
	struct { int64_t t; int n; } *procs;
	size_t nprocs, procs_cap;
	int seen_sync, any;
	int64_t last_time;
	unsigned char *dirty;      /* per-P mode: series that may have changed */
	size_t dirty_cap;
	int all_dirty;
	double *mmu;
};

#define POINTS_MAX ((size_t)1 << 28)

/* ---- committed points and the windows over them ----------------------------- */

static struct ut_cpoint *at(struct ut_series *s, uint64_t i)
{
	return &s->ring[i % s->cap];
}

static int ring_push(struct ut_series *s, struct ut_cpoint p)
{
	if (s->end - s->base == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct ut_cpoint *nr;

		if (ncap > POINTS_MAX)
			return GOMEM_E_LIMIT;
		if ((nr = malloc(ncap * sizeof(*nr))) == NULL)
			return GOMEM_E_NOMEM;
		for (uint64_t i = s->base; i < s->end; i++)
			nr[i % ncap] = *at(s, i);
		free(s->ring);
		s->ring = nr;
		s->cap = ncap;
	}
	s->ring[s->end % s->cap] = p;
	s->end++;
	return GOMEM_OK;
}

/* The integral from the series' start to T, T within [point k, point k+1). */
static double integral(struct ut_series *s, uint64_t k, int64_t t)
{
	const struct ut_cpoint *p = at(s, k);

	return t != p->t ? p->cum + p->u * (double)(t - p->t) : p->cum;
}

static void seen(struct ut_win *w, double mu)
{
	if (!w->evaluated || mu < w->min)
		w->min = mu;
	w->evaluated = 1;
}

/* Point J (just committed) ends the windows that began at earlier points
 * and measures the one that ends at it. */
static void window_step(struct ut_series *s, struct ut_win *w, uint64_t j)
{
	const struct ut_cpoint *pj = at(s, j);
	int64_t lt;

	while (w->cand < j && at(s, w->cand)->t + w->w <= pj->t) {
		const struct ut_cpoint *c = at(s, w->cand);
		int64_t right = c->t + w->w;
		/* the end lies in the segment before J (or is J) */
		double ir = integral(s, j - 1, right);

		seen(w, (ir - c->cum) / (double)w->w);
		w->cand++;
	}
	lt = pj->t - w->w;
	if (lt < s->t0)
		return;
	while (w->left + 1 <= j && at(s, w->left + 1)->t <= lt)
		w->left++;
	seen(w, (pj->cum - integral(s, w->left, lt)) / (double)w->w);
}

static int commit(struct tr_util *u, struct ut_series *s, struct ut_point p)
{
	struct ut_cpoint c;
	uint64_t keep;
	int rc;

	if (s->end == 0) {
		s->t0 = p.t;
		s->cum = 0 * (double)p.t; /* Go sums prev.Util x (t - 0) with prev zero */
	} else {
		s->cum += s->last_u * (double)(p.t - s->last_t);
	}
	s->last_t = p.t;
	s->last_u = p.u;
	c.t = p.t;
	c.u = p.u;
	c.cum = s->cum;
	if ((rc = ring_push(s, c)) != GOMEM_OK)
		return rc;
	keep = s->end - 1;
	for (size_t k = 0; k < u->nwindows; k++) {
		struct ut_win *w = &s->win[k];

		if (s->end == 1)
			w->cand = w->left = 0;
		window_step(s, w, s->end - 1);
		if (w->cand < keep)
			keep = w->cand;
		if (w->left < keep)
			keep = w->left;
	}
	s->base = keep > s->base ? keep : s->base;
	return GOMEM_OK;
}

/* ---- Go's addUtil, buffered or streaming ---------------------------------------- */

static struct ut_point *last_point(struct ut_series *s)
{
	if (s->buffered)
		return s->npre ? &s->pre[s->npre - 1] : NULL;
	return s->has_tail ? &s->tail : NULL;
}

static int add_util(struct tr_util *u, struct ut_series *s, int64_t t, double util)
{
	struct ut_point *last = last_point(s), p = {t, util};
	int rc;

	if (last) {
		if (util == last->u)
			return GOMEM_OK;
		if (t == last->t) {
			if (util < last->u)
				*last = p; /* the lowest utilization at one time */
			return GOMEM_OK;
		}
	}
	if (s->buffered) {
		if ((rc = GOMEM_GROW(s->pre, s->pre_cap, s->npre + 1, POINTS_MAX)) != GOMEM_OK)
			return rc;
		s->pre[s->npre++] = p;
		return GOMEM_OK;
	}
	if (s->has_tail && (rc = commit(u, s, s->tail)) != GOMEM_OK)
		return rc;
	s->tail = p;
	s->has_tail = 1;
	return GOMEM_OK;
}

/* The first sync: nothing found later can change the past, so the buffered
 * points stream out (all but the last, which stays the tail). */
static int flush(struct tr_util *u, struct ut_series *s)
{
	int rc;

	if (!s->buffered)
		return GOMEM_OK;
	s->buffered = 0;
	for (size_t i = 0; i + 1 < s->npre; i++)
		if ((rc = commit(u, s, s->pre[i])) != GOMEM_OK)
			return rc;
	if (s->npre) {
		s->tail = s->pre[s->npre - 1];
		s->has_tail = 1;
	}
	free(s->pre);
	s->pre = NULL;
	s->npre = s->pre_cap = 0;
	return GOMEM_OK;
}

static int new_series(struct tr_util *u, int64_t t, int *out)
{
	struct ut_series *s;
	int rc;

	if ((rc = GOMEM_GROW(u->series, u->series_cap, u->nseries + 1, (size_t)1 << 20)) != GOMEM_OK)
		return rc;
	s = &u->series[u->nseries];
	memset(s, 0, sizeof(*s));
	s->buffered = !u->seen_sync;
	if ((s->win = calloc(u->nwindows + 1, sizeof(*s->win))) == NULL)
		return GOMEM_E_NOMEM;
	for (size_t k = 0; k < u->nwindows; k++)
		s->win[k].w = u->windows[k];
	*out = (int)u->nseries++;
	return add_util(u, s, t, 1);
}

/* ---- the utilization function (MutatorUtilizationV2) ----------------------------- */

static int mark_dirty(struct tr_util *u, int series)
{
	if (u->dirty_cap < u->nseries) {
		unsigned char *d = realloc(u->dirty, u->nseries * 2);

		if (d == NULL)
			return GOMEM_E_NOMEM;
		memset(d + u->dirty_cap, 0, u->nseries * 2 - u->dirty_cap);
		u->dirty = d;
		u->dirty_cap = u->nseries * 2;
	}
	if (series >= 0 && (size_t)series < u->nseries)
		u->dirty[series] = 1;
	return GOMEM_OK;
}

static void change_gc(struct tr_util *u, int64_t p, int delta)
{
	struct ut_proc *pp;
	int was;

	/* Go indexes ps[ev.Proc()] and would panic out of range: skip */
	if (p < 0 || (size_t)p >= u->nps)
		return;
	pp = &u->ps[p];
	was = pp->gc > 0;
	pp->gc += delta;
	if (was != (pp->gc > 0))
		u->ngc += pp->gc > 0 ? 1 : (size_t)-1;
	mark_dirty(u, pp->series);
}

static int set_procs(struct tr_util *u, int64_t t, int n)
{
	int rc;

	if (n < 0)
		n = 0;
	if (u->nps > (size_t)n) {
		for (size_t i = (size_t)n; i < u->nps; i++) {
			if (u->ps[i].gc > 0)
				u->ngc--;
			if ((u->flags & GOMEM_TRACE_UTIL_PERPROC) &&
			    (rc = add_util(u, &u->series[u->ps[i].series], t, 0)) != GOMEM_OK)
				return rc;
		}
		u->nps = (size_t)n;
	}
	while (u->nps < (size_t)n) {
		int series = 0;

		if ((rc = GOMEM_GROW(u->ps, u->ps_cap, u->nps + 1, (size_t)1 << 20)) != GOMEM_OK)
			return rc;
		if (((u->flags & GOMEM_TRACE_UTIL_PERPROC) || u->nseries == 0) &&
		    (rc = new_series(u, t, &series)) != GOMEM_OK)
			return rc;
		u->ps[u->nps].gc = 0;
		u->ps[u->nps++].series = series;
	}
	if (u->nprocs == 0 || u->procs[u->nprocs - 1].n != n) {
		if ((rc = GOMEM_GROW(u->procs, u->procs_cap, u->nprocs + 1, (size_t)1 << 24)) != GOMEM_OK)
			return rc;
		u->procs[u->nprocs].t = t;
		u->procs[u->nprocs++].n = n;
	}
	u->all_dirty = 1;
	return GOMEM_OK;
}

static int is_gc_stw(const gomem_trace_event *ev)
{
	return (ev->type == TR_EV_STW_BEGIN || ev->type == TR_EV_STW_END) && strstr(ev->name, "GC") != NULL;
}

static int is_assist(const gomem_trace_event *ev)
{
	return ev->type >= TR_EV_GC_MARK_ASSIST_ACTIVE && ev->type <= TR_EV_GC_MARK_ASSIST_END;
}

static int is_sweep(const gomem_trace_event *ev)
{
	return ev->type >= TR_EV_GC_SWEEP_ACTIVE && ev->type <= TR_EV_GC_SWEEP_END;
}

/* A range found active before the first sync ran since the trace began:
 * take 1/GOMAXPROCS off every point so far. */
static void charge_back(struct tr_util *u)
{
	struct ut_series *s;
	size_t mi = 0, pi = 0;

	if (u->nseries == 0)
		return;
	s = &u->series[0];
	while (mi < s->npre) {
		if (pi + 1 < u->nprocs && u->procs[pi + 1].t < s->pre[mi].t) {
			pi++;
			continue;
		}
		s->pre[mi].u -= 1.0 / (double)u->procs[pi].n;
		if (s->pre[mi].u < 0)
			s->pre[mi].u = 0;
		mi++;
	}
}

static int range_event(struct tr_util *u, const gomem_trace_event *ev)
{
	unsigned f = u->flags;
	int stw = (f & GOMEM_TRACE_UTIL_STW) && is_gc_stw(ev);
	int sweep = (f & GOMEM_TRACE_UTIL_SWEEP) && is_sweep(ev);
	int assist = (f & GOMEM_TRACE_UTIL_ASSIST) && is_assist(ev);
	int rc;

	if (ev->kind == GOMEM_TRACE_RANGE_ACTIVE && !u->seen_sync) {
		uint32_t v;
		int fix = sweep || (assist && tr_map_get(&u->exec, (uint64_t)ev->g, &v));

		if (fix && !(f & GOMEM_TRACE_UTIL_PERPROC) && u->nseries > 0 && u->series[0].buffered)
			charge_back(u);
	}
	/* after a sync an active range is no news; either way it counts as begun */
	if (ev->kind == GOMEM_TRACE_RANGE_BEGIN || ev->kind == GOMEM_TRACE_RANGE_ACTIVE) {
		if (stw) {
			u->stw++;
			u->all_dirty = 1;
		} else if (sweep) {
			change_gc(u, ev->p, 1);
		} else if (assist) {
			change_gc(u, ev->p, 1);
			if (ev->resource_id != TR_NONE && (rc = tr_map_put(&u->in_gc, (uint64_t)ev->resource_id, 1)))
				return rc;
		}
	} else {
		if (stw) {
			u->stw--;
			u->all_dirty = 1;
		} else if (sweep) {
			change_gc(u, ev->p, -1);
		} else if (assist) {
			change_gc(u, ev->p, -1);
			if (ev->resource_id != TR_NONE)
				tr_map_del(&u->in_gc, (uint64_t)ev->resource_id);
		}
	}
	return GOMEM_OK;
}

static int executing(int state)
{
	return state == GOMEM_TRACE_GO_RUNNING || state == GOMEM_TRACE_GO_SYSCALL;
}

static int transition_event(struct tr_util *u, const gomem_trace_event *ev)
{
	uint64_t g = (uint64_t)ev->resource_id;
	uint32_t v;

	if (ev->resource != GOMEM_TRACE_RESOURCE_GOROUTINE)
		return GOMEM_OK;
	if (tr_map_get(&u->in_gc, g, &v) || tr_map_get(&u->bg_mark, g, &v)) {
		if (!executing(ev->old_state) && executing(ev->new_state))
			change_gc(u, ev->p, 1);
		else if (executing(ev->old_state) && !executing(ev->new_state))
			change_gc(u, ev->p, -1);
	}
	/* who executes matters only for ranges found active before the first
	 * sync: past it, one lookup per transition is all this costs */
	if (!u->seen_sync && executing(ev->new_state))
		return tr_map_put(&u->exec, g, 1);
	if (!u->seen_sync)
		tr_map_del(&u->exec, g);
	if (ev->new_state == GOMEM_TRACE_GO_NOTEXIST)
		tr_map_del(&u->bg_mark, g); /* ids are not reused: what Go keeps is dead weight */
	return GOMEM_OK;
}

static int label_event(struct tr_util *u, const gomem_trace_event *ev)
{
	int rc;

	if (!(u->flags & GOMEM_TRACE_UTIL_BACKGROUND) || strncmp(ev->name, "GC ", 3) != 0 ||
	    strcmp(ev->name, "GC (idle)") == 0)
		return GOMEM_OK;
	/* per-P, dedicated workers kick everything off their P: not counted */
	if ((u->flags & GOMEM_TRACE_UTIL_PERPROC) && strcmp(ev->name, "GC (dedicated)") == 0)
		return GOMEM_OK;
	if ((rc = tr_map_put(&u->bg_mark, (uint64_t)ev->g, 1)) != GOMEM_OK)
		return rc;
	change_gc(u, ev->p, 1);
	return GOMEM_OK;
}

static int record(struct tr_util *u, int64_t t)
{
	int rc;

	if (!(u->flags & GOMEM_TRACE_UTIL_PERPROC)) {
		size_t gcps = u->stw > 0 ? u->nps : u->ngc;

		return add_util(u, &u->series[0], t, 1 - (double)gcps / (double)u->nps);
	}
	for (size_t i = 0; i < u->nps; i++) {
		struct ut_proc *p = &u->ps[i];

		if (!u->all_dirty && !((size_t)p->series < u->dirty_cap && u->dirty[p->series]))
			continue;
		if ((rc = add_util(u, &u->series[p->series], t, u->stw > 0 || p->gc > 0 ? 0.0 : 1.0)))
			return rc;
	}
	if (u->dirty)
		memset(u->dirty, 0, u->dirty_cap);
	u->all_dirty = 0;
	return GOMEM_OK;
}

int tr_util_event(struct tr_util *u, const gomem_trace_event *ev)
{
	int rc = GOMEM_OK;

	u->any = 1;
	u->last_time = ev->time;
	if (ev->kind == GOMEM_TRACE_SYNC && !u->seen_sync) {
		u->seen_sync = 1;
		for (size_t i = 0; i < u->nseries; i++)
			if ((rc = flush(u, &u->series[i])) != GOMEM_OK)
				return rc;
	}
	if (ev->kind == GOMEM_TRACE_METRIC && ev->type == TR_EV_PROCS_CHANGE &&
	    (rc = set_procs(u, ev->time, ev->value > INT32_MAX ? INT32_MAX : (int)ev->value)) != GOMEM_OK)
		return rc;
	if (u->nps == 0)
		return GOMEM_OK;
	switch (ev->kind) {
	case GOMEM_TRACE_RANGE_BEGIN:
	case GOMEM_TRACE_RANGE_ACTIVE:
	case GOMEM_TRACE_RANGE_END:
		rc = range_event(u, ev);
		break;
	case GOMEM_TRACE_STATE_TRANSITION:
		rc = transition_event(u, ev);
		break;
	case GOMEM_TRACE_LABEL:
		rc = label_event(u, ev);
		break;
	default:
		break;
	}
	if (rc != GOMEM_OK)
		return rc;
	return record(u, ev->time);
}

/* ---- setup and results ------------------------------------------------------------ */

int tr_util_new(struct tr_util **out, unsigned int flags, const int64_t *windows, size_t nwindows)
{
	struct tr_util *u = calloc(1, sizeof(*u));

	*out = NULL;
	if (u == NULL)
		return GOMEM_E_NOMEM;
	u->flags = flags;
	u->nwindows = nwindows;
	u->windows = malloc((nwindows + 1) * sizeof(*u->windows));
	u->mmu = malloc((nwindows + 1) * sizeof(*u->mmu));
	if (u->windows == NULL || u->mmu == NULL) {
		tr_util_free(u);
		return GOMEM_E_NOMEM;
	}
	if (nwindows)
		memcpy(u->windows, windows, nwindows * sizeof(*windows));
	tr_map_init(&u->in_gc);
	tr_map_init(&u->exec);
	tr_map_init(&u->bg_mark);
	*out = u;
	return GOMEM_OK;
}

void tr_util_free(struct tr_util *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->nseries; i++) {
		free(u->series[i].pre);
		free(u->series[i].ring);
		free(u->series[i].win);
	}
	free(u->series);
	free(u->ps);
	free(u->procs);
	free(u->dirty);
	free(u->windows);
	free(u->mmu);
	tr_map_free(&u->in_gc);
	tr_map_free(&u->exec);
	tr_map_free(&u->bg_mark);
	free(u);
}

/* Go's MMUCurve cuts a series into min(1000, points) bands and measures,
 * in each band it looks at, a window starting at the band's start, even
 * when that window runs past the series' end, where the utilization is its
 * last value, 0. The last band it may look at starts latest and so gives
 * the lowest such window; any band it skipped it skipped because it could
 * not go below the MMU already found. So the MMU Go reports is the exact
 * one or that window's, whichever is lower. */
static void past_the_end(struct ut_series *s, struct ut_win *w, int64_t win)
{
	int64_t dur = s->last_t - s->t0, nbands = s->end < 1000 ? (int64_t)s->end : 1000, band, maxb, last, start;
	uint64_t k;
	double in;

	if (win <= 0 || nbands == 0)
		return;
	band = (dur + nbands - 1) / nbands;
	if (band < 1)
		band = 1;
	maxb = (win + 2 * (band - 1)) / band;
	last = nbands + 1 - maxb; /* the last band with a utilization bound */
	if (last < 0)
		return;
	start = s->t0 + last * band;
	if (start <= s->last_t - win)
		return; /* inside the series: measured already */
	if (start >= s->last_t) {
		seen(w, 0);
		return;
	}
	for (k = w->left; k + 1 < s->end && at(s, k + 1)->t <= start; k++)
		;
	in = integral(s, k, start);
	seen(w, (s->cum - in) / (double)win);
}

int tr_util_finish(struct tr_util *u)
{
	int rc;

	/* the final 0 closes every series that is still open */
	if (u->any) {
		for (size_t i = 0; i < u->nps; i++)
			if ((rc = add_util(u, &u->series[u->ps[i].series], u->last_time, 0)) != GOMEM_OK)
				return rc;
	}
	for (size_t i = 0; i < u->nseries; i++) {
		struct ut_series *s = &u->series[i];

		if ((rc = flush(u, s)) != GOMEM_OK)
			return rc;
		if (s->has_tail && (rc = commit(u, s, s->tail)) != GOMEM_OK)
			return rc;
		s->has_tail = 0;
	}
	for (size_t k = 0; k < u->nwindows; k++) {
		double mmu = 1.0;

		for (size_t i = 0; i < u->nseries; i++) {
			struct ut_series *s = &u->series[i];
			struct ut_win *w = &s->win[k];
			int64_t dur = s->end ? s->last_t - s->t0 : 0;

			if (s->end == 0 || dur <= 0)
				continue;
			if (w->w > dur) /* Go shortens the window to the series */
				seen(w, s->cum / (double)dur);
			past_the_end(s, w, w->w > dur ? dur : w->w);
			if (w->evaluated && w->min < mmu)
				mmu = w->min;
		}
		u->mmu[k] = u->windows[k] <= 0 ? 0 : mmu;
	}
	return GOMEM_OK;
}

double tr_util_mmu(const struct tr_util *u, size_t i)
{
	return i < u->nwindows ? u->mmu[i] : NAN;
}
