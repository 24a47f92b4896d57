/* SPDX-License-Identifier: Apache-2.0 */
/* pacer_replay.c — a gctrace log replayed under other GC settings.
 *
 * The fit keeps what the workload does whatever the GC does: how much it has
 * allocated by each moment (the cumulative allocation curve: heap growth
 * between cycles plus what was allocated during each mark), how much of the
 * heap is live at each moment (the marked heap less what was allocated
 * black during the mark), its stacks and globals. It also measures what the
 * GC costs: mark wall time and non-idle GC CPU per live byte, the runway the
 * pacer gave per marked byte, how far the heap overshot the goal. The
 * simulation then runs the pacer's formulas (pacer.c) cycle by cycle on
 * those curves. A program whose mutator is paced by the clock (a server
 * answering requests) allocates the same whatever the GC settings; one
 * that is CPU-bound would slow down under a busier GC, which this model does
 * not see (see gomem-gctrace(1), ACCURACY).
 *
 * The error estimate combines what the log itself says about the model: how
 * far a replay of the log's own settings lands from the log, the regularity
 * of its cycles (a count over few irregular cycles is uncertain), and how
 * much the prediction moves when each fitted parameter moves within what the
 * log leaves open (the runway when the trigger sat on a bound, the non-heap
 * memory a memory limit counts, which no trace shows). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pacer-internal.h"

#define MIB 1048576.0
#define MAX_CYCLES ((size_t)1 << 24)
/* gctrace truncates sizes to MiB: half a MiB is the unbiased correction. */
#define TRUNC_BIAS (0.5 * MIB)
/* One observed cycle, sizes in bytes (corrected for truncation), times in s. */
struct cycle {
	double t, end;            /* start (sweep termination), end of mark termination */
	double h0, h1, h2;        /* heap at start, at mark termination, marked */
	double goal, stacks, globals;
	double mark;              /* concurrent mark wall time */
	double cpu;               /* non-idle GC CPU: STW phases, assists, background */
	double idle;              /* idle mark workers' CPU */
	double live;              /* live heap at the start: h2 less what was allocated black */
	double runway;            /* (goal - h0) over the marked heap before; NAN when not steady */
	int forced;
	int scan;                 /* the line prints stacks and globals (Go 1.18+) */
	int64_t gc;               /* its number: 1 is the first of the process */
};

/* A piecewise-linear curve over time, non-decreasing times. */
struct curve {
	double *t, *v;
	size_t n;
	double tail_slope;        /* past the last point */
};

struct gomem_pacer_model {
	struct cycle *c;
	size_t n;
	struct curve alloc;       /* cumulative bytes allocated */
	struct curve live;        /* live heap */
	struct curve stacks, globals;
	gomem_pacer_fit fit;
	double t_end;             /* end of the span (fit.span is its length from the first GC) */
	gomem_pacer_config config; /* inferred settings of the log */
	gomem_pacer_outcome observed;
	double period_cv;         /* spread of the cycle periods, relative */
	double spike;             /* bytes: the log's largest heap over its 90th percentile */
	double slack;             /* bytes the heap may pass the goal by, beyond the log's
				   * overshoot: a MiB; for a log whose median goal is under
				   * 16 MiB a sixteenth of that and of the goal (small heaps
				   * compound it into the marked heap) */
	double mark_alloc_share;  /* allocation during marks over the average rate's */
	double work_s_per_byte;   /* all mark CPU (idle workers' too) per live byte */
	int runway_bound;         /* the trigger sat on a bound: the runway is only a bound */
	double runway_alt;        /* then the runway ratio that bound gave */
};

/* Knobs the error estimate turns: each parameter's multiplier. */
struct knobs {
	double runway, mark, nonheap;
};

/* ---- small statistics ----------------------------------------------------------- */

static int cmp_double(const void *a, const void *b, void *ctx)
{
	double x = *(const double *)a, y = *(const double *)b;

	(void)ctx;
	return (x > y) - (x < y);
}

/* The Q quantile of V[0..N) (sorted in place); NAN for none. */
static double quantile(double *v, size_t n, double q)
{
	double pos;
	size_t i;

	if (n == 0)
		return NAN;
	if (gomem_sort(v, n, sizeof(*v), cmp_double, NULL) != GOMEM_OK)
		return NAN;
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (v[i + 1] - v[i]) * (pos - (double)i);
}

/* ---- curves ----------------------------------------------------------------------- */

static int curve_init(struct curve *cv, size_t cap)
{
	cv->t = calloc(cap ? cap : 1, sizeof(double));
	cv->v = calloc(cap ? cap : 1, sizeof(double));
	cv->n = 0;
	cv->tail_slope = 0;
	return cv->t && cv->v ? GOMEM_OK : GOMEM_E_NOMEM;
}

static void curve_free(struct curve *cv)
{
	free(cv->t);
	free(cv->v);
}

static void curve_add(struct curve *cv, double t, double v)
{
	if (cv->n > 0 && t < cv->t[cv->n - 1])
		t = cv->t[cv->n - 1];
	cv->t[cv->n] = t;
	cv->v[cv->n] = v;
	cv->n++;
}

/* The last point at or before T (0 when T is before the first). HINT (may
 * be NULL) is where the last lookup landed: a simulation moves forward in
 * time, so most lookups are a step or two from there. */
static size_t curve_find(const struct curve *cv, double t, size_t *hint)
{
	size_t lo = 0, hi = cv->n;

	if (hint && *hint < cv->n && cv->t[*hint] <= t) {
		size_t i = *hint;

		while (i + 1 < cv->n && cv->t[i + 1] <= t && i - *hint < 8)
			i++;
		if (i + 1 >= cv->n || cv->t[i + 1] > t)
			return *hint = i;
		lo = i;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (cv->t[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (hint)
		*hint = lo;
	return lo;
}

static double curve_at(const struct curve *cv, double t, size_t *hint)
{
	size_t i;
	double dt;

	if (cv->n == 0)
		return 0;
	if (t <= cv->t[0])
		return cv->v[0];
	if (t >= cv->t[cv->n - 1])
		return cv->v[cv->n - 1] + cv->tail_slope * (t - cv->t[cv->n - 1]);
	i = curve_find(cv, t, hint);
	dt = cv->t[i + 1] - cv->t[i];
	if (dt <= 0)
		return cv->v[i + 1];
	return cv->v[i] + (cv->v[i + 1] - cv->v[i]) * (t - cv->t[i]) / dt;
}

/* The first time the non-decreasing curve reaches V, at or after FROM:
 * galloping forward from FROM's point, then halving. */
static double curve_when(const struct curve *cv, double v, double from, size_t *hint)
{
	size_t lo, hi, step = 1;

	if (curve_at(cv, from, hint) >= v)
		return from;
	if (v >= cv->v[cv->n - 1]) {
		double t0 = cv->t[cv->n - 1] > from ? cv->t[cv->n - 1] : from;

		if (cv->tail_slope <= 0)
			return INFINITY;
		return t0 + (v - curve_at(cv, t0, NULL)) / cv->tail_slope;
	}
	lo = curve_find(cv, from, NULL);
	hi = lo + 1;
	while (hi < cv->n - 1 && cv->v[hi] < v) {
		lo = hi;
		hi = lo + step < cv->n - 1 ? lo + step : cv->n - 1;
		step *= 2;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (cv->v[mid] < v)
			lo = mid;
		else
			hi = mid;
	}
	if (cv->v[hi] <= cv->v[lo])
		return cv->t[hi];
	return cv->t[lo] + (cv->t[hi] - cv->t[lo]) * (v - cv->v[lo]) / (cv->v[hi] - cv->v[lo]);
}

/* ---- the fit ------------------------------------------------------------------------ */

/* A byte count for the formulas: doubles past 2^62 (what no heap reaches,
 * but a wild log or an infinite goal may give) are held there. */
static uint64_t as_bytes(double v)
{
	if (!(v > 0))
		return 0;
	return v < 4.6e18 ? (uint64_t)v : (uint64_t)1 << 62;
}

static double mb(int64_t v)
{
	return v < 0 ? 0 : (double)v + TRUNC_BIAS;
}

static double finite_or0(double v)
{
	return isfinite(v) && v > 0 ? v : 0;
}

static void cycle_from_event(struct cycle *c, const gomem_gctrace_event *ev)
{
	double stw1 = finite_or0(ev->stw_sweep_term), stw2 = finite_or0(ev->stw_mark_term);

	memset(c, 0, sizeof(*c));
	c->t = ev->t;
	c->mark = finite_or0(ev->concurrent_mark);
	c->end = c->t + stw1 + c->mark + stw2;
	c->h0 = mb(ev->heap_start);
	c->h1 = mb(ev->heap_end);
	c->h2 = mb(ev->heap_live);
	if (c->h1 < c->h0)
		c->h1 = c->h0;
	c->goal = mb(ev->goal);
	c->stacks = ev->stacks > 0 ? (double)ev->stacks : 0;
	c->globals = ev->globals > 0 ? (double)ev->globals : 0;
	c->cpu = finite_or0(ev->cpu_sweep_term) + finite_or0(ev->cpu_assist) +
		 finite_or0(ev->cpu_background) + finite_or0(ev->cpu_mark_term);
	c->idle = finite_or0(ev->cpu_idle);
	c->live = c->h2 - (c->h1 - c->h0);
	if (c->live < 0.5 * c->h2)
		c->live = 0.5 * c->h2;
	c->forced = ev->forced;
	c->scan = ev->stacks >= 0 && ev->globals >= 0;
	c->gc = ev->gc;
}

/* The curves of the workload: allocation, live heap, stacks, globals. */
static int build_curves(gomem_pacer_model *m)
{
	double a = 0, prev_h2 = 0, prev_end = 0;
	size_t n = m->n, tail;
	int rc;

	if ((rc = curve_init(&m->alloc, 2 * n + 1)) != GOMEM_OK ||
	    (rc = curve_init(&m->live, 2 * n + 1)) != GOMEM_OK ||
	    (rc = curve_init(&m->stacks, n)) != GOMEM_OK ||
	    (rc = curve_init(&m->globals, n)) != GOMEM_OK)
		return rc;
	curve_add(&m->alloc, 0, 0);
	curve_add(&m->live, 0, 0);
	for (size_t i = 0; i < n; i++) {
		const struct cycle *c = &m->c[i];

		a += c->h0 > prev_h2 ? c->h0 - prev_h2 : 0;
		curve_add(&m->alloc, c->t > prev_end ? c->t : prev_end, a);
		a += c->h1 - c->h0;
		curve_add(&m->live, c->t, c->live);
		/* At the end of the mark the live heap is at most what was
		 * marked and about what the next cycle finds live: a program
		 * that builds its live set during a mark shows it here. */
		if (i + 1 < n)
			curve_add(&m->live, c->end, c->h2 < m->c[i + 1].live ? c->h2 : m->c[i + 1].live);
		curve_add(&m->stacks, c->t, c->stacks);
		curve_add(&m->globals, c->t, c->globals);
		prev_h2 = c->h2;
		prev_end = c->end;
	}
	curve_add(&m->alloc, m->c[n - 1].end, a);
	/* Past the last cycle: the allocation rate of the last fifth. */
	tail = n - n / 5 - 1;
	if (m->c[n - 1].end > m->c[tail].t)
		m->alloc.tail_slope = (a - curve_at(&m->alloc, m->c[tail].t, NULL)) /
				      (m->c[n - 1].end - m->c[tail].t);
	return GOMEM_OK;
}

/* Cycles the pacer started on its own, past the first quarter of a second
 * (the heap minimum and the build-up rule there, not the workload). */
static int steady(const gomem_pacer_model *m, size_t i)
{
	return i > 0 && !m->c[i].forced && m->c[i].t >= m->c[0].t + 0.05 * m->fit.span &&
	       m->c[i - 1].h2 >= 4 * MIB;
}

/* GOGC and GOMEMLIMIT from the goals as printed (pacer_infer.c). */
static int infer_settings(gomem_pacer_model *m)
{
	struct pacer_obs *o = calloc(m->n, sizeof(*o));
	struct pacer_inferred inf;
	int rc;

	if (o == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < m->n; i++) {
		const struct cycle *c = &m->c[i];

		o[i].gc = c->gc;
		o[i].h0 = c->h0 - TRUNC_BIAS;
		o[i].h1 = c->h1 - TRUNC_BIAS;
		o[i].h2 = c->h2 - TRUNC_BIAS;
		o[i].goal = c->goal - TRUNC_BIAS;
		o[i].stacks = c->stacks;
		o[i].scan = c->stacks + c->globals;
		o[i].has_scan = c->scan;
		o[i].forced = c->forced;
	}
	rc = pacer_infer(o, m->n, m->config.go_minor, &inf);
	free(o);
	m->config.gogc = m->fit.gogc = inf.gogc;
	m->config.memory_limit = m->fit.memory_limit = inf.memory_limit;
	return rc;
}

/* Mark time and CPU per live byte, the runway per marked byte, the overshoot. */
static void fit_costs(gomem_pacer_model *m, double *v)
{
	size_t k = 0, bound = 0, high = 0;
	double cpu = 0, live = 0;

	for (size_t i = 1; i < m->n; i++)
		if (steady(m, i))
			v[k++] = m->c[i].mark / m->c[i].live;
	m->fit.mark_s_per_byte = k ? quantile(v, k, 0.5) : 0;
	for (size_t i = 1; i < m->n; i++) {
		if (steady(m, i)) {
			cpu += m->c[i].cpu;
			live += m->c[i].live;
		}
	}
	m->fit.cpu_s_per_byte = live > 0 ? cpu / live : 0;
	for (size_t i = 1; i < m->n; i++)
		if (steady(m, i))
			cpu += m->c[i].idle;
	m->work_s_per_byte = live > 0 ? cpu / live : 0;
	k = 0;
	m->c[0].runway = NAN;
	for (size_t i = 1; i < m->n; i++) {
		const struct cycle *c = &m->c[i], *p = &m->c[i - 1];
		double low = p->h2 + (c->goal - p->h2) * 45 / 64;

		m->c[i].runway = NAN;
		if (!steady(m, i) || c->goal <= p->h2)
			continue;
		v[k++] = (c->goal - c->h0) / p->h2;
		m->c[i].runway = v[k - 1] > 0 ? v[k - 1] : 0;
		bound += c->h0 <= low + MIB;
		high += c->h0 + MIB >= (double)gomem_pacer_trigger(as_bytes(c->goal), as_bytes(p->h2), 0, 0);
	}
	m->fit.runway_ratio = k ? quantile(v, k, 0.5) : 0.3;
	if (m->fit.runway_ratio < 0)
		m->fit.runway_ratio = 0;
	/* A trigger on a bound in most cycles only says the runway was at
	 * least (low bound) or at most (high bound) that. On the high bound
	 * (little to scan, a mark far faster than the allocation) the
	 * trigger stays there under other settings: no runway. On the low
	 * bound the runway is taken as the bound gave it, per marked byte
	 * (keeping the trigger on the low bound at any GOGC came out worse
	 * on the recorded runs). The error estimate tries the other choice. */
	m->runway_alt = m->fit.runway_ratio;
	m->runway_bound = bound * 2 > k || high * 2 > k;
	if (high * 2 > k && bound * 2 <= k)
		m->fit.runway_ratio = 0;
	k = 0;
	for (size_t i = 1; i < m->n; i++)
		if (steady(m, i) && m->c[i].goal > 0)
			v[k++] = m->c[i].h1 / m->c[i].goal - 1;
	m->fit.overshoot = k ? quantile(v, k, 0.5) : 0;
	if (m->fit.overshoot < 0)
		m->fit.overshoot = 0;
}

/* Allocation during the marks over what the average rate would give in
 * their time: about 1 with idle Ps, less when the GC takes the only P.
 * Held to [0.1, 1.5]. */
static double mark_alloc_share(const gomem_pacer_model *m)
{
	double during = 0, average = 0;

	for (size_t i = 1; i < m->n; i++) {
		const struct cycle *c = &m->c[i];

		if (!steady(m, i))
			continue;
		during += c->h1 - c->h0;
		average += curve_at(&m->alloc, c->end, NULL) - curve_at(&m->alloc, c->t, NULL);
	}
	if (average <= 0)
		return 1;
	return fmin(fmax(during / average, 0.1), 1.5);
}

/* The spread of the steady cycles' periods, relative to their mean. */
static double period_cv(const gomem_pacer_model *m)
{
	double s = 0, s2 = 0;
	size_t k = 0;

	for (size_t i = 2; i < m->n; i++) {
		double d;

		if (!steady(m, i) || !steady(m, i - 1))
			continue;
		d = m->c[i].t - m->c[i - 1].t;
		s += d;
		s2 += d * d;
		k++;
	}
	if (k < 2 || s <= 0)
		return 0.5;
	s /= (double)k;
	s2 = s2 / (double)k - s * s;
	return s2 > 0 ? sqrt(s2) / s : 0;
}

/* What the log shows over its span. */
/* How far the log's largest heap (H1) stands over the rest (its 90th
 * percentile): a one-off excursion (a mark the host slowed) that the
 * simulation carries into every setting at its size in bytes. And the
 * slack past the goal (see the model). */
static int spike_and_slack(gomem_pacer_model *m)
{
	double *v = calloc(m->n, sizeof(*v));

	if (v == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < m->n; i++)
		v[i] = m->c[i].h1;
	m->spike = quantile(v, m->n, 1) - quantile(v, m->n, 0.9);
	for (size_t i = 0; i < m->n; i++)
		v[i] = m->c[i].goal;
	m->slack = fmin(MIB, quantile(v, m->n, 0.5) / 16);
	free(v);
	return GOMEM_OK;
}

static void observe(gomem_pacer_model *m)
{
	gomem_pacer_outcome *o = &m->observed;
	double cpu = 0;

	memset(o, 0, sizeof(*o));
	o->gc_count = (double)m->n;
	for (size_t i = 0; i < m->n; i++) {
		if (m->c[i].h1 > o->peak_heap)
			o->peak_heap = m->c[i].h1;
		cpu += m->c[i].cpu;
	}
	o->peak_heap -= TRUNC_BIAS;
	o->gc_cpu_pct = 100 * cpu / (m->fit.span * m->fit.procs);
	o->limit_binds = m->config.memory_limit != GOMEM_PACER_NO_LIMIT;
}

/* The span: to the last GC plus half a period, so that a count over it is
 * not biased by the log ending on a GC. */
static double span_of(const gomem_pacer_model *m)
{
	size_t n = m->n, from = n > 8 ? n - 8 : 0;
	double last = m->c[n - 1].t;

	if (n < 2)
		return last > 0 ? last : 1;
	return last + 0.5 * (last - m->c[from].t) / (double)(n - 1 - from);
}

static int simulate(const gomem_pacer_model *m, const gomem_pacer_config *cfg,
		    const struct knobs *k, gomem_pacer_outcome *out);

static int fit_all(gomem_pacer_model *m, const gomem_pacer_config *cfg)
{
	double *scratch = calloc(m->n, sizeof(double));
	const struct knobs k = {1, 1, 1};
	gomem_pacer_outcome self;
	int rc;

	if (scratch == NULL)
		return GOMEM_E_NOMEM;
	m->fit.cycles = m->n;
	m->t_end = span_of(m);
	m->fit.span = m->t_end - m->c[0].t;
	if (m->fit.span <= 0)
		m->fit.span = 1e-3;
	m->fit.procs = m->config.procs;
	m->config.go_minor = cfg ? cfg->go_minor : 21;
	if ((rc = build_curves(m)) != GOMEM_OK) {
		free(scratch);
		return rc;
	}
	if ((rc = infer_settings(m)) != GOMEM_OK) {
		free(scratch);
		return rc;
	}
	fit_costs(m, scratch);
	free(scratch);
	m->mark_alloc_share = mark_alloc_share(m);
	m->fit.mark_alloc_share = m->mark_alloc_share;
	m->period_cv = period_cv(m);
	if ((rc = spike_and_slack(m)) != GOMEM_OK)
		return rc;
	m->fit.alloc_rate = (curve_at(&m->alloc, m->t_end, NULL) - curve_at(&m->alloc, m->c[0].t, NULL)) /
			    m->fit.span;
	m->fit.live_start = m->c[0].live;
	m->fit.live_end = m->c[m->n - 1].live;
	m->fit.nonheap_ratio = pacer_nonheap_ratio(m->config.go_minor);
	observe(m);
	if ((rc = simulate(m, &m->config, &k, &self)) != GOMEM_OK)
		return rc;
	m->fit.self_error_pct = 100 * fabs(self.gc_count - m->observed.gc_count) / m->observed.gc_count;
	return GOMEM_OK;
}

int gomem_pacer_model_fit(gomem_pacer_model **out, const gomem_gctrace_event *ev, size_t n,
			  const gomem_pacer_config *cfg, gomem_error *err)
{
	gomem_pacer_model *m;
	size_t k = 0;
	int rc;

	*out = NULL;
	if (n > MAX_CYCLES)
		return gomem_error_set(err, GOMEM_E_LIMIT, "more than %zu GC cycles", MAX_CYCLES);
	if ((m = calloc(1, sizeof(*m))) == NULL || (m->c = calloc(n ? n : 1, sizeof(*m->c))) == NULL) {
		free(m);
		return gomem_error_set(err, GOMEM_E_NOMEM, "%s", "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind != GOMEM_GCTRACE_GC || ev[i].layout < GOMEM_GCTRACE_GO15 ||
		    ev[i].layout > GOMEM_GCTRACE_GO118 || !isfinite(ev[i].t) || ev[i].t < 0 ||
		    ev[i].heap_live < 0 || ev[i].goal < 0)
			continue;
		if (k > 0 && ev[i].t < m->c[k - 1].t)
			continue; /* time went back: not the same run */
		cycle_from_event(&m->c[k], &ev[i]);
		if (ev[i].procs > m->config.procs)
			m->config.procs = ev[i].procs;
		m->fit.forced += m->c[k].forced != 0;
		k++;
	}
	m->n = k;
	if (k < 4) {
		gomem_pacer_model_free(m);
		return gomem_error_set(err, GOMEM_E_FORMAT,
				       "%zu usable gc lines (Go 1.5+ layout): the model needs at least 4",
				       k);
	}
	if (m->config.procs <= 0)
		m->config.procs = 1;
	if ((rc = fit_all(m, cfg)) != GOMEM_OK) {
		gomem_pacer_model_free(m);
		return gomem_error_set(err, rc, "%s", "out of memory");
	}
	*out = m;
	return GOMEM_OK;
}

void gomem_pacer_model_free(gomem_pacer_model *m)
{
	if (m == NULL)
		return;
	curve_free(&m->alloc);
	curve_free(&m->live);
	curve_free(&m->stacks);
	curve_free(&m->globals);
	free(m->c);
	free(m);
}

void gomem_pacer_model_get_fit(const gomem_pacer_model *m, gomem_pacer_fit *out)
{
	*out = m->fit;
}

void gomem_pacer_model_observed(const gomem_pacer_model *m, gomem_pacer_outcome *out)
{
	*out = m->observed;
}

void gomem_pacer_model_config(const gomem_pacer_model *m, gomem_pacer_config *out)
{
	*out = m->config;
}

/* ---- the simulation ------------------------------------------------------------------ */

struct sim {
	const gomem_pacer_model *m;
	const gomem_pacer_config *cfg;
	const struct knobs *k;
	double t;                 /* end of the last mark */
	double last_start, next_start; /* the last cycle's start in the span, the first past it */
	size_t h_alloc, h_live, h_stacks, h_globals, h_cover, h_runway; /* lookup hints */
	double deferred;          /* allocation of the last mark's time that comes after it */
	double marked, last_h1;
	double count, peak, cpu;
	size_t limited, cycles;
	size_t back_to_back;      /* cycles triggered at once: no room left under the goal */
	int limiter_on;
	gomem_pacer_limiter limiter;
};

/* Mark wall time per live byte at T: that of the observed cycle whose mark
 * ends first at or after T (a mark that absorbed a program's start-up or a
 * busy spell of the host covers that time only). */
static const struct cycle *cycle_covering(const gomem_pacer_model *m, double t, size_t *hint)
{
	size_t lo = *hint < m->n ? *hint : 0, hi = m->n - 1;

	if (m->c[lo].end >= t && (lo == 0 || m->c[lo - 1].end < t))
		return &m->c[lo];
	if (m->c[lo].end >= t)
		lo = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->c[mid].end < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	*hint = lo;
	return &m->c[lo];
}

/* The goal and the trigger of the next cycle, from the state after the last. */
static double sim_trigger(struct sim *s, double *goal, int *limited)
{
	const gomem_pacer_model *m = s->m;
	double stacks = curve_at(&m->stacks, s->t, &s->h_stacks);
	double globals = curve_at(&m->globals, s->t, &s->h_globals);
	double nonheap = pacer_nonheap(s->cfg->go_minor, s->last_h1, stacks, s->k->nonheap);
	uint64_t marked = as_bytes(s->marked);
	double ratio = s->k->runway == 1 ? m->fit.runway_ratio
			: m->runway_bound ? m->runway_alt : m->fit.runway_ratio * s->k->runway;

	/* The runway the log's pacer gave at that moment, as the mark speed
	 * (sim_mark): its cons/mark estimate moves from cycle to cycle with
	 * the host's load and the program's phase, and the peak heap is the
	 * largest of the cycles, not the median one's. */
	if (m->fit.runway_ratio > 0 && s->k->runway == 1) {
		const struct cycle *c = cycle_covering(m, s->t, &s->h_runway);

		if (isfinite(c->runway))
			ratio = c->runway;
	}

	uint64_t g = gomem_pacer_goal(s->cfg, marked, as_bytes(stacks), as_bytes(globals),
				      as_bytes(nonheap), marked + (uint64_t)MIB, UINT64_MAX, limited);

	/* GOGC=off and no limit: no goal, no more collections */
	*goal = g == UINT64_MAX ? INFINITY : (double)g;
	if (g == UINT64_MAX)
		return INFINITY;
	return (double)gomem_pacer_trigger(g, marked, as_bytes(ratio * s->marked),
					   *limited ? 0 : marked + (uint64_t)MIB);
}

/* The mark from T0 at TRIGGER towards GOAL: the heap at its end (*H1) and
 * when it ends (*T1). */
static void sim_mark(struct sim *s, double t0, double trigger, double goal, double live, double *h1,
		     double *t1)
{
	const gomem_pacer_model *m = s->m;
	/* The mark speed of the log at that moment: a host's load and a
	 * program's start-up slow the mark as much as the heap's size. */
	const struct cycle *covering = cycle_covering(m, t0, &s->h_cover);
	double mark = covering->mark / covering->live * s->k->mark * live;
	double a0 = curve_at(&m->alloc, t0, &s->h_alloc);
	double cpu = m->fit.cpu_s_per_byte * live;
	double work = m->work_s_per_byte * live;
	double gc = cpu;
	/* Assists hold the heap near the goal as closely as they did in the
	 * log at that moment (not at all while a program builds its heap),
	 * unless the CPU limiter is on. */
	double overshoot = covering->goal > 0 && covering->h1 > covering->goal ? covering->h1 / covering->goal : 1;
	double cap = goal * overshoot + (m->slack < MIB ? fmin(m->slack, goal / 16) : MIB);

	/* The mutator allocates during a mark as it did during the log's
	 * (little when the GC takes the only P); the rest comes after it. */
	double share = m->mark_alloc_share;
	double da = curve_at(&m->alloc, t0 + mark, &s->h_alloc) - a0;

	*h1 = trigger + share * da;
	*t1 = t0 + mark;
	s->deferred = (1 - share) * da;
	if (*h1 > cap) {
		/* Assists end the mark by the cap: its work in less wall
		 * time, what the background workers (a quarter of the Ps)
		 * do not get done falling to the assists, idle workers'
		 * share included. The CPU limiter (mgclimit.go) counts
		 * that as GC time against the mutator's (the rest of the
		 * wall time since the last mark, which the model cannot
		 * tell from idle time) and lets GC run ahead only until
		 * its bucket (a CPU-second per P) is full; then it turns
		 * assists off and GC holds to about half the CPU: the mark
		 * takes all its work at half the Ps. The corpus's runs
		 * whose GCs ran back to back under a limit show that: next
		 * to no idle mark CPU, GC at half the CPU in the runtime's
		 * own percent. */
		double t_cap = curve_when(&m->alloc, a0 + (cap - trigger) / share, t0, &s->h_alloc);
		gomem_pacer_limiter trial = s->limiter;
		double assisted = fmax(work, 0.25 * s->cfg->procs * (t_cap - t0));

		if (!gomem_pacer_limiter_update(&trial, assisted, (t_cap - s->t) * s->cfg->procs - assisted)) {
			*t1 = t_cap;
			*h1 = cap;
			s->deferred = (1 - share) * (cap - trigger) / share;
			gc = assisted;
		} else {
			double t_min = t0 + work / (0.5 * s->cfg->procs);
			double end = t_min > t_cap ? t_min : t_cap;

			s->limiter_on = 1;
			if (end < *t1) {
				da = curve_at(&m->alloc, end, &s->h_alloc) - a0;
				*t1 = end;
				*h1 = trigger + share * da;
				s->deferred = (1 - share) * da;
			}
			gc = fmax(cpu, 0.5 * s->cfg->procs * (*t1 - t0));
			cpu = gc;
		}
	}
	if (gomem_pacer_limiter_update(&s->limiter, gc, (*t1 - s->t) * s->cfg->procs - gc))
		s->limiter_on = 1;
	/* GC CPU as the log's: what assists took from the idle workers
	 * stays out of it, the limiter's half does not */
	s->cpu += cpu;
}

/* One cycle from the end of the last: trigger, mark, mark termination. */
static void sim_cycle(struct sim *s)
{
	const gomem_pacer_model *m = s->m;
	double goal, h1, t1, live;
	int limited;
	double trigger = sim_trigger(s, &goal, &limited);
	double a_end = curve_at(&m->alloc, s->t, &s->h_alloc) - s->deferred;
	double t0 = isfinite(trigger) ? curve_when(&m->alloc, a_end + (trigger - s->marked), s->t, &s->h_alloc)
				      : INFINITY;

	if (!isfinite(t0) || t0 > m->t_end) {
		s->next_start = t0;
		s->t = INFINITY;
		return;
	}
	live = curve_at(&m->live, t0, &s->h_live);
	sim_mark(s, t0, trigger, goal, live, &h1, &t1);
	s->count += 1;
	s->cycles++;
	s->last_start = t0;
	s->limited += limited;
	s->back_to_back += limited && goal <= s->marked * 1.02 + MIB;
	if (h1 > s->peak)
		s->peak = h1;
	s->last_h1 = h1;
	/* What was allocated during the mark is marked (allocated black). */
	s->marked = live + (h1 - trigger);
	/* Continuous GC cannot go faster than one mark after another. */
	s->t = t1 > s->t ? t1 : s->t + 1e-4;
}

static int simulate(const gomem_pacer_model *m, const gomem_pacer_config *cfg,
		    const struct knobs *k, gomem_pacer_outcome *out)
{
	struct sim s;
	size_t guard = 0, max_cycles = 64 * m->n + 1024;

	memset(&s, 0, sizeof(s));
	s.m = m;
	s.cfg = cfg;
	s.k = k;
	gomem_pacer_limiter_init(&s.limiter, cfg->procs);
	s.next_start = INFINITY;
	if (m->c[0].gc != 1) {
		/* A log that starts in the middle of a program's life: its
		 * first cycle is taken as it was, the state before it is not
		 * known. */
		s.t = m->c[0].end;
		s.marked = m->c[0].h2;
		s.last_h1 = s.peak = m->c[0].h1;
		s.count = 1;
		s.cpu = m->c[0].cpu;
		s.last_start = m->c[0].t;
	}
	while (s.t < m->t_end && guard++ < max_cycles)
		sim_cycle(&s);
	memset(out, 0, sizeof(*out));
	/* Where the span ends between two cycles counts: a real run's count
	 * over a span, averaged over the phase of its cycles, is the span over
	 * the period, which the whole number of simulated cycles is not. */
	if (s.count >= 1 && isfinite(s.next_start) && s.next_start > s.last_start)
		s.count += (m->t_end - s.last_start) / (s.next_start - s.last_start) - 0.5;
	out->gc_count = s.count + (double)m->fit.forced - (m->c[0].gc != 1 && m->c[0].forced);
	/* No collection at all (GOGC=off, no limit): the heap holds all
	 * that was allocated. */
	out->peak_heap = s.cycles > 0 || m->c[0].gc != 1 ? s.peak - TRUNC_BIAS
			 : curve_at(&m->alloc, m->t_end, NULL) - TRUNC_BIAS;
	/* The CPU limiter holds GC to about half the CPU (Go 1.19+). */
	out->gc_cpu_pct = fmin(100 * s.cpu / (m->fit.span * cfg->procs), 50);
	out->limit_binds = s.limited * 2 > s.cycles;
	out->limiter_on = s.limiter_on;
	/* The live heap reached the limit's goal: the GC runs back to back and
	 * the runtime's CPU limiter decides how often, on CPU time the trace of
	 * an unlimited run shows only in part (sim_mark). */
	out->thrash = s.back_to_back * 10 > s.cycles;
	out->limiter_on |= out->thrash;
	return GOMEM_OK;
}

/* Half the largest relative move of each figure when one knob turns. */
static void sensitivity(const gomem_pacer_model *m, const gomem_pacer_config *cfg,
			const gomem_pacer_outcome *base, double *count, double *peak)
{
	struct knobs turns[] = {
		{1.25, 1, 1}, {0.8, 1, 1},
		{1, 2, 1}, {1, 0.5, 1},
		{1, 1, 1.3}, {1, 1, 0.7},
	};
	size_t nturns = cfg->memory_limit == GOMEM_PACER_NO_LIMIT ? 4 : GOMEM_ARRAY_SIZE(turns);

	*count = *peak = 0;
	for (size_t i = 0; i < nturns; i++) {
		gomem_pacer_outcome o;
		double dc, dp;

		simulate(m, cfg, &turns[i], &o);
		dc = fabs(o.gc_count - base->gc_count) / (base->gc_count > 1 ? base->gc_count : 1);
		dp = fabs(o.peak_heap - base->peak_heap) / (base->peak_heap > 0 ? base->peak_heap : 1);
		if (dc > *count)
			*count = dc;
		if (dp > *peak)
			*peak = dp;
	}
	*count /= 2;
	*peak /= 2;
}

/* Small heaps, relative errors of the count and of the peak. The trace
 * truncates sizes to a MiB, and each cycle adds heap the program did not
 * allocate (the spans the Ps' caches take after the sweep: half a MiB to a
 * MiB on the recorded runs), which the log's allocation curve holds at the
 * log's GC rate; at the 1 MiB sweep distance a cycle may be half that.
 * Both weigh as a share of what a cycle allocates, in the log and in the
 * prediction: nothing at 60 MiB a cycle, some 15 % at 2 MiB, 30 % at one
 * (calibrated on workloads S and T of tests/data/gctrace/whatif, about one
 * standard deviation). The peak is a few MiB, each printed truncated, and
 * a mark the host slowed once in the log (a few MiB more heap) weighs as
 * much in bytes under every setting: far more at 4 MiB than at 200. */
#define SMALL_HEAP_MIB 0.3

static void small_heap_error(const gomem_pacer_model *m, const gomem_pacer_outcome *o, double *count,
			     double *peak)
{
	double alloc = m->fit.alloc_rate * m->fit.span;
	double per_log = alloc / fmax(m->observed.gc_count, 1), per_pred = alloc / fmax(o->gc_count, 1);

	*count = per_log > 0 && per_pred > 0 ?
		 SMALL_HEAP_MIB * MIB * sqrt(1 / (per_log * per_log) + 1 / (per_pred * per_pred)) : 0;
	*peak = o->peak_heap > MIB ? 0.5 * MIB / o->peak_heap : 0.5;
	/* the log's one-off excursion, at its size in bytes */
	if (o->peak_heap > MIB)
		*peak = sqrt(*peak * *peak + (m->spike / o->peak_heap) * (m->spike / o->peak_heap));
}

int gomem_pacer_model_predict(const gomem_pacer_model *m, const gomem_pacer_config *cfg,
			      gomem_pacer_outcome *out)
{
	const struct knobs k = {1, 1, 1};
	gomem_pacer_config c = *cfg;
	double sens_count, sens_peak, self = m->fit.self_error_pct / 100, floor;
	double n, regular, small_count, small_peak;
	int rc;

	if (c.procs <= 0)
		c.procs = m->config.procs;
	if ((rc = simulate(m, &c, &k, out)) != GOMEM_OK)
		return rc;
	if (c.gogc < 0 && c.memory_limit == GOMEM_PACER_NO_LIMIT) {
		/* nothing to pace: no GC but the forced ones, exactly */
		out->error_pct = out->cpu_error_pct = 0;
		out->peak_error_pct = 100 * sqrt(self * self + 0.03 * 0.03);
		return GOMEM_OK;
	}
	sensitivity(m, &c, out, &sens_count, &sens_peak);
	small_heap_error(m, out, &small_count, &small_peak);
	n = out->gc_count > 1 ? out->gc_count : 1;
	/* A count over N cycles whose periods vary by CV is uncertain by about
	 * CV/sqrt(N), and by one cycle in N at the ends of the span. */
	regular = m->period_cv / sqrt(n);
	out->error_pct = 100 * sqrt(self * self + regular * regular + 1 / (n * n) +
				    sens_count * sens_count + small_count * small_count);
	out->peak_error_pct = 100 * sqrt(0.03 * 0.03 + sens_peak * sens_peak + regular * regular / 4 +
					 small_peak * small_peak);
	/* GC CPU depends on the host's load as much as on the workload: on
	 * the recorded runs the predictions were off by 35 to 50 % on
	 * average, a few by up to 170 % (more where a limit binds: assists). */
	floor = out->limit_binds ? 0.75 : 0.5;
	out->cpu_error_pct = 100 * sqrt(floor * floor + self * self + sens_count * sens_count);
	if (out->thrash) {
		/* Measured: 28 to 55 % too many GCs, the limiter's bucket
		 * filling late on CPU the trace does not show (idle Ps count
		 * as the mutator's here; gomem-gctrace(1)). */
		out->error_pct = fmax(out->error_pct, 60);
		out->cpu_error_pct = fmax(out->cpu_error_pct, 100);
	}
	return GOMEM_OK;
}

int gomem_pacer_model_whatif(const gomem_pacer_model *m, const gomem_pacer_setting *setting,
			     gomem_pacer_outcome *out)
{
	gomem_pacer_config c = m->config;

	if (setting->set_gogc)
		c.gogc = setting->gogc;
	if (setting->set_limit)
		c.memory_limit = setting->memory_limit;
	return gomem_pacer_model_predict(m, &c, out);
}

/* ---- reading a log ------------------------------------------------------------------- */

/* The gc events of the run with the most gc lines, at [0, best_n), and of the
 * run being read, at [from, n): a log of many runs stays small. */
struct runs {
	gomem_gctrace_event *ev;
	size_t n, cap;
	size_t best_n, from;
	uint64_t run;
};

static void runs_close(struct runs *r)
{
	size_t len = r->n - r->from;

	if (len > r->best_n) {
		memmove(r->ev, r->ev + r->from, len * sizeof(*r->ev));
		r->best_n = len;
	}
	r->n = r->from = r->best_n;
}

static int runs_add(struct runs *r, const gomem_gctrace_event *ev)
{
	int rc;

	if (ev->kind != GOMEM_GCTRACE_GC)
		return GOMEM_OK;
	if (r->n > r->from && ev->run != r->run)
		runs_close(r);
	r->run = ev->run;
	if ((rc = GOMEM_GROW(r->ev, r->cap, r->n + 1, MAX_CYCLES)) != GOMEM_OK)
		return rc;
	r->ev[r->n++] = *ev;
	return GOMEM_OK;
}

static int drain(gomem_gctrace_parser *p, struct runs *r)
{
	const gomem_gctrace_event *ev;
	int rc;

	while ((rc = gomem_gctrace_next(p, &ev)) == 1)
		if ((rc = runs_add(r, ev)) != GOMEM_OK)
			return rc;
	return rc;
}

static int read_events(gomem_source *src, gomem_gctrace_parser *p, struct runs *r)
{
	const uint8_t *data;
	size_t len;
	int rc;

	while ((rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		if ((rc = gomem_gctrace_feed(p, data, len)) != GOMEM_OK || (rc = drain(p, r)) != GOMEM_OK)
			return rc;
	if (rc != GOMEM_OK)
		return rc;
	if ((rc = gomem_gctrace_finish(p)) != GOMEM_OK)
		return rc;
	return drain(p, r);
}

int gomem_pacer_model_read(gomem_pacer_model **out, const char *spec,
			   const gomem_source_options *sopts, const gomem_pacer_config *cfg,
			   gomem_error *err)
{
	const char *name = strcmp(spec, "-") == 0 ? "<stdin>" : spec;
	gomem_source *src = NULL;
	gomem_gctrace_parser *p = NULL;
	struct runs r;
	int rc;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	if ((rc = gomem_source_open(&src, spec, sopts, err)) != GOMEM_OK)
		return rc;
	if ((rc = gomem_gctrace_parser_new(&p, name)) != GOMEM_OK) {
		gomem_source_free(src);
		return gomem_error_set(err, rc, "%s", "out of memory");
	}
	rc = read_events(src, p, &r);
	if (rc != GOMEM_OK) {
		if (gomem_source_error(src)->code != GOMEM_OK)
			gomem_error_copy(err, gomem_source_error(src));
		else if (gomem_gctrace_parser_error(p)->code != GOMEM_OK)
			gomem_error_copy(err, gomem_gctrace_parser_error(p));
		else
			gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	} else {
		runs_close(&r);
		rc = gomem_pacer_model_fit(out, r.ev, r.best_n, cfg, err);
		if (rc != GOMEM_OK)
			gomem_error_set_source(err, name);
	}
	free(r.ev);
	gomem_gctrace_parser_free(p);
	gomem_source_free(src);
	return rc;
}
