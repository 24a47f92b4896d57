/* SPDX-License-Identifier: Apache-2.0 */
/* trace_analysis.c — the analysis of a trace's events: it follows every
 * goroutine and proc through their states (what Go's reader reports as
 * state transitions), hands ranges and metrics to the GC part, runnable
 * and running goroutines to the latency part, every event to the mutator
 * utilization, and answers the summary. Memory holds the live goroutines
 * and procs, one row per GC cycle and stop-the-world, and the distinct
 * stacks: nothing grows with the number of events. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace-analysis.h"

static const int64_t default_windows[] = {1000000, 10000000, 100000000, 1000000000};

int gomem_trace_util_flags_parse(unsigned int *out, const char *s)
{
	static const struct { const char *name; unsigned int flag; } names[] = {
		{"stw", GOMEM_TRACE_UTIL_STW}, {"background", GOMEM_TRACE_UTIL_BACKGROUND},
		{"assist", GOMEM_TRACE_UTIL_ASSIST}, {"sweep", GOMEM_TRACE_UTIL_SWEEP},
		{"perProc", GOMEM_TRACE_UTIL_PERPROC}, {"perproc", GOMEM_TRACE_UTIL_PERPROC},
	};
	unsigned int flags = 0;

	while (*s) {
		size_t n = strcspn(s, "|,");
		size_t i;

		for (i = 0; i < GOMEM_ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == n && strncmp(s, names[i].name, n) == 0)
				break;
		if (n > 0 && i == GOMEM_ARRAY_SIZE(names))
			return GOMEM_E_INVALID;
		if (n > 0)
			flags |= names[i].flag;
		s += n + (s[n] != '\0');
	}
	*out = flags;
	return GOMEM_OK;
}

int gomem_trace_by_parse(gomem_trace_by *out, const char *name)
{
	if (strcmp(name, "stack") == 0)
		*out = GOMEM_TRACE_BY_STACK;
	else if (strcmp(name, "creator") == 0)
		*out = GOMEM_TRACE_BY_CREATOR;
	else if (strcmp(name, "function") == 0)
		*out = GOMEM_TRACE_BY_FUNCTION;
	else
		return GOMEM_E_INVALID;
	return GOMEM_OK;
}

/* ---- helpers the parts share --------------------------------------------------- */

double ag_seconds(const gomem_trace_analysis *a, int64_t t)
{
	return (double)(t - a->t0) / 1e9;
}

int ag_fail(gomem_trace_analysis *a, int rc)
{
	return gomem_error_set(&a->err, rc, "analysing the trace: %s", gomem_strerror(rc));
}

void ag_interval(gomem_trace_analysis *a, gomem_trace_iv_kind kind, int64_t start, int64_t end, int64_t id,
		 int64_t g, const char *label)
{
	gomem_trace_interval iv;

	if (a->opts.on_interval == NULL)
		return;
	iv.kind = kind;
	iv.start = start - a->t0;
	iv.end = end - a->t0;
	iv.id = id;
	iv.g = g;
	iv.label = label ? label : "";
	a->opts.on_interval(&iv, a->opts.payload);
}

/* ---- distributions ---------------------------------------------------------------- */

int ag_sketch_new(gomem_sketch **out, size_t exact_cap)
{
	gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;

	o.relative_error = AG_SKETCH_ERROR;
	o.exact_cap = exact_cap;
	o.max_buckets = AG_SKETCH_BUCKETS;
	return gomem_sketch_new(out, &o);
}

int ag_sketch_add(gomem_sketch *s, int64_t ns)
{
	/* a sketch refuses a negative value; an ordered trace has none, and a
	 * clock that stepped back is a zero wait, not a failed analysis */
	return gomem_sketch_add(s, ns < 0 ? 0 : (double)ns);
}

static double ag_quantile(gomem_sketch *s, double q)
{
	double v = NAN;

	gomem_sketch_quantile(s, q, &v);
	return v;
}

void ag_sketch_dist(gomem_sketch *s, gomem_trace_dist *out)
{
	out->count = gomem_sketch_count(s);
	out->total = gomem_sketch_sum(s) / 1e9;
	out->p50 = ag_quantile(s, 0.50) / 1e9;
	out->p90 = ag_quantile(s, 0.90) / 1e9;
	out->p99 = ag_quantile(s, 0.99) / 1e9;
	out->max = gomem_sketch_max(s) / 1e9;
}

/* Per key: a row's distribution is exact up to 64 values (there can be
 * many rows), then buckets; sums-only rows keep no sketch. */
int ag_keys_add(struct ag_keys *k, uint32_t key, int64_t ns)
{
	struct ag_key *row;
	uint32_t i;
	int rc;

	if ((rc = TR_MAP_INDEX(&k->ids, key, k->rows, k->cap, k->n, (size_t)1 << 24, &i)) < 0)
		return rc;
	row = &k->rows[i];
	if (rc) {
		memset(row, 0, sizeof(*row));
		row->key = key;
		if (!k->sums_only && (rc = ag_sketch_new(&row->pct, 64)) != GOMEM_OK)
			return rc;
	}
	row->count++;
	row->total += (double)ns;
	return row->pct ? ag_sketch_add(row->pct, ns) : GOMEM_OK;
}

void ag_keys_free(struct ag_keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		gomem_sketch_free(k->rows[i].pct);
	free(k->rows);
	tr_map_free(&k->ids);
	memset(k, 0, sizeof(*k));
}

struct ag_g *ag_goroutine(gomem_trace_analysis *a, int64_t id)
{
	uint32_t i;

	return tr_map_get(&a->gmap, (uint64_t)id, &i) ? &a->gs[i] : NULL;
}

static struct ag_g *goroutine_new(gomem_trace_analysis *a, int64_t id)
{
	struct ag_g *g;
	uint32_t i;

	if (a->nfree) {
		i = a->free_gs[--a->nfree];
	} else {
		if (GOMEM_GROW(a->gs, a->gs_cap, a->ngs + 1, (size_t)1 << 28) != GOMEM_OK)
			return NULL;
		i = (uint32_t)a->ngs++;
	}
	if (tr_map_put(&a->gmap, (uint64_t)id, i) != GOMEM_OK)
		return NULL;
	g = &a->gs[i];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->state = GOMEM_TRACE_GO_UNDETERMINED;
	g->runnable_since = -1;
	g->p = TR_NONE;
	g->run_start = g->last_run = -1;
	g->assist_cycle = -1;
	a->sum.goroutines++;
	return g;
}

static int goroutine_del(gomem_trace_analysis *a, int64_t id)
{
	uint32_t i;
	int rc;

	if (!tr_map_get(&a->gmap, (uint64_t)id, &i))
		return GOMEM_OK;
	tr_map_del(&a->gmap, (uint64_t)id);
	if ((rc = GOMEM_GROW(a->free_gs, a->free_cap, a->nfree + 1, (size_t)1 << 28)) != GOMEM_OK)
		return rc;
	a->free_gs[a->nfree++] = i;
	return GOMEM_OK;
}

struct ag_p *ag_proc(gomem_trace_analysis *a, int64_t id, int create)
{
	uint32_t i;

	if (tr_map_get(&a->pmap, (uint64_t)id, &i))
		return &a->ps[i];
	if (!create || id < 0)
		return NULL;
	if (TR_MAP_INDEX(&a->pmap, (uint64_t)id, a->ps, a->ps_cap, a->nps, (size_t)1 << 20, &i) < 0)
		return NULL;
	a->ps[i].id = id;
	a->ps[i].g = TR_NONE;
	a->ps[i].sweep_begin = -1;
	a->ps[i].stw_g = TR_NONE;
	return &a->ps[i];
}

/* ---- goroutines by state over time ---------------------------------------------- */

static int counted(int state)
{
	return state >= GOMEM_TRACE_GO_RUNNABLE && state <= GOMEM_TRACE_GO_SYSCALL;
}

static void count_state(gomem_trace_analysis *a, int from, int to, int64_t t)
{
	for (int s = GOMEM_TRACE_GO_RUNNABLE; s <= GOMEM_TRACE_GO_SYSCALL; s++)
		a->state_area[s] += (double)a->state_count[s] * (double)(t - a->state_since);
	a->state_since = t;
	if (counted(from) && a->state_count[from] > 0)
		a->state_count[from]--;
	if (counted(to) && ++a->state_count[to] > a->sum.state_max[to])
		a->sum.state_max[to] = a->state_count[to];
}

/* ---- goroutine transitions --------------------------------------------------------- */

static int stack_key(gomem_trace_analysis *a, const gomem_trace_reader *r, uint64_t stack, uint32_t *key)
{
	int rc = tr_stacks_intern(&a->stacks, r, stack, key);

	return rc == GOMEM_OK ? rc : ag_fail(a, rc);
}

/* The function a goroutine starts in: the outermost frame of its start. */
static int start_func(gomem_trace_analysis *a, const gomem_trace_reader *r, uint64_t stack, uint32_t *id)
{
	size_t n = gomem_trace_stack_depth(r, stack);
	gomem_trace_frame f;
	int rc;

	*id = 0;
	if (n == 0)
		return GOMEM_OK;
	gomem_trace_stack_frame(r, stack, n - 1, &f);
	if ((rc = tr_stacks_name(&a->stacks, f.func, id)) != GOMEM_OK)
		return ag_fail(a, rc);
	return GOMEM_OK;
}

static int leave_running(gomem_trace_analysis *a, struct ag_g *g, int64_t t, uint32_t key)
{
	struct ag_p *p = ag_proc(a, g->p, 0);

	if (g->in_assist)
		ag_gc_assist_ran(a, g, t);
	if (g->run_start >= 0)
		ag_interval(a, GOMEM_TRACE_IV_PROC_RUN, g->run_start, t, g->p, g->id, NULL);
	if (p && p->g == g->id)
		p->g = TR_NONE;
	g->stop_key = key; /* where a stop-the-world found it, if it waited for it */
	g->last_run = g->run_start;
	g->run_start = -1;
	return GOMEM_OK;
}

static int enter_running(gomem_trace_analysis *a, struct ag_g *g, const gomem_trace_event *ev)
{
	struct ag_p *p = ag_proc(a, ev->p, 1);

	g->p = ev->p;
	g->run_start = ev->time;
	if (g->in_assist)
		g->assist_run_start = ev->time;
	if (p)
		p->g = g->id;
	if (p && p->stw_wait)
		p->stw_g = g->id; /* it ran while the world waited: the last one counts */
	return ag_latency_running(a, g, ev->time);
}

static int go_transition(gomem_trace_analysis *a, const gomem_trace_reader *r, const gomem_trace_event *ev)
{
	struct ag_g *g = ag_goroutine(a, ev->resource_id);
	int from, to = ev->new_state, rc = GOMEM_OK;
	uint32_t key = 0;

	if (g == NULL && (g = goroutine_new(a, ev->resource_id)) == NULL)
		return ag_fail(a, GOMEM_E_NOMEM);
	from = g->state;
	if (ev->old_state == GOMEM_TRACE_GO_NOTEXIST) {
		a->sum.goroutines_created++;
		if ((rc = stack_key(a, r, ev->stack, &g->creator)) != GOMEM_OK ||
		    (rc = start_func(a, r, ev->transition_stack, &g->func)) != GOMEM_OK ||
		    (rc = stack_key(a, r, ev->transition_stack, &g->where)) != GOMEM_OK)
			return rc;
	} else if (ev->type == TR_EV_GO_STATUS_STACK && g->func == 0) {
		if ((rc = start_func(a, r, ev->stack, &g->func)) != GOMEM_OK ||
		    (rc = stack_key(a, r, ev->stack, &g->where)) != GOMEM_OK)
			return rc;
	}
	if (from == GOMEM_TRACE_GO_RUNNING && to != GOMEM_TRACE_GO_RUNNING) {
		if ((rc = stack_key(a, r, ev->transition_stack, &key)) != GOMEM_OK)
			return rc;
		if (key)
			g->where = key;
		if ((rc = leave_running(a, g, ev->time, key)) != GOMEM_OK)
			return rc;
	}
	count_state(a, from, to, ev->time);
	g->state = to;
	if (to == GOMEM_TRACE_GO_RUNNABLE) {
		/* a wait that began before the trace is not known */
		g->runnable_since = ev->old_state == GOMEM_TRACE_GO_UNDETERMINED ? -1 : ev->time;
		rc = ag_latency_runnable(a, g, ev->time);
	} else if (to == GOMEM_TRACE_GO_RUNNING && from != GOMEM_TRACE_GO_RUNNING) {
		rc = enter_running(a, g, ev);
		g->runnable_since = -1;
	} else if (to != GOMEM_TRACE_GO_RUNNING) {
		g->runnable_since = -1;
	}
	if (rc == GOMEM_OK && to == GOMEM_TRACE_GO_NOTEXIST) {
		if (g->in_assist)
			ag_gc_assist_ran(a, g, ev->time);
		rc = goroutine_del(a, g->id);
	}
	return rc == GOMEM_OK ? rc : ag_fail(a, rc);
}

static int proc_transition(gomem_trace_analysis *a, const gomem_trace_event *ev)
{
	struct ag_p *p = ag_proc(a, ev->resource_id, 1);
	int was;

	if (p == NULL)
		return ag_fail(a, GOMEM_E_NOMEM);
	was = p->running;
	p->running = ev->new_state == GOMEM_TRACE_PROC_RUNNING;
	if (was && !p->running)
		return ag_gc_proc_stopped(a, p, ev->time);
	return GOMEM_OK;
}

/* ---- events in --------------------------------------------------------------------- */

int gomem_trace_analysis_add(gomem_trace_analysis *a, const gomem_trace_reader *r, const gomem_trace_event *ev)
{
	int rc = GOMEM_OK;

	if (a->err.code)
		return a->err.code;
	if (a->finished)
		return gomem_error_set(&a->err, GOMEM_E_INVALID, "event after finish");
	if (!a->started) {
		a->started = 1;
		a->t0 = a->state_since = ev->time;
		a->go_minor = gomem_trace_reader_go_minor(r);
	}
	a->tlast = ev->time;
	a->events++;
	a->generations = gomem_trace_reader_generations(r);
	switch (ev->kind) {
	case GOMEM_TRACE_SYNC:
		tr_stacks_new_generation(&a->stacks);
		break;
	case GOMEM_TRACE_STATE_TRANSITION:
		if (ev->resource == GOMEM_TRACE_RESOURCE_GOROUTINE)
			rc = go_transition(a, r, ev);
		else if (ev->resource == GOMEM_TRACE_RESOURCE_PROC)
			rc = proc_transition(a, ev);
		break;
	case GOMEM_TRACE_METRIC:
	case GOMEM_TRACE_RANGE_BEGIN:
	case GOMEM_TRACE_RANGE_ACTIVE:
	case GOMEM_TRACE_RANGE_END:
		rc = ag_gc_event(a, r, ev);
		break;
	case GOMEM_TRACE_TASK_BEGIN:
		a->sum.tasks++;
		break;
	case GOMEM_TRACE_REGION_BEGIN:
		a->sum.regions++;
		break;
	case GOMEM_TRACE_LOG:
		a->sum.logs++;
		break;
	case GOMEM_TRACE_STACK_SAMPLE:
		a->sum.cpu_samples++;
		break;
	default:
		break;
	}
	if (rc == GOMEM_OK && (rc = tr_util_event(a->util, ev)) != GOMEM_OK)
		rc = ag_fail(a, rc);
	return rc;
}

/* ---- setup --------------------------------------------------------------------------- */

int gomem_trace_analysis_new(gomem_trace_analysis **out, const gomem_trace_options *opts)
{
	gomem_trace_options defaults = GOMEM_TRACE_OPTIONS_INIT;
	gomem_trace_analysis *a;
	int rc;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != GOMEM_TRACE_OPTIONS_VERSION || opts->by > GOMEM_TRACE_BY_FUNCTION)
		return GOMEM_E_INVALID;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return GOMEM_E_NOMEM;
	a->opts = *opts;
	if (a->opts.util_flags == 0)
		a->opts.util_flags = GOMEM_TRACE_UTIL_DEFAULT;
	if (a->opts.keep_longest == 0)
		a->opts.keep_longest = 10;
	if (opts->mmu_windows == NULL) {
		a->nwindows = GOMEM_ARRAY_SIZE(default_windows);
		opts = NULL;
	} else {
		a->nwindows = opts->nmmu_windows;
	}
	a->windows = malloc((a->nwindows + 1) * sizeof(*a->windows));
	a->mmu = calloc(a->nwindows + 1, sizeof(*a->mmu));
	if (a->windows == NULL || a->mmu == NULL) {
		gomem_trace_analysis_free(a);
		return GOMEM_E_NOMEM;
	}
	memcpy(a->windows, opts ? opts->mmu_windows : default_windows, a->nwindows * sizeof(*a->windows));
	a->opts.mmu_windows = a->windows;
	tr_stacks_init(&a->stacks);
	tr_map_init(&a->gmap);
	tr_map_init(&a->pmap);
	gomem_strpool_init(&a->reasons);
	gomem_strpool_init(&a->lag_strings);
	gomem_strpool_init(&a->lat_strings);
	gomem_strpool_init(&a->figure_names);
	a->gc_open = -1;
	a->heap = a->goal = -1;
	a->lat_stack.sums_only = a->assist_stack.sums_only = 1; /* for profiles: sums */
	/* the whole trace's distributions: exact up to a million values */
	if ((rc = ag_sketch_new(&a->stw_all, (size_t)1 << 20)) != GOMEM_OK ||
	    (rc = ag_sketch_new(&a->stw_gc, (size_t)1 << 20)) != GOMEM_OK ||
	    (rc = ag_sketch_new(&a->ttstop, (size_t)1 << 20)) != GOMEM_OK ||
	    (rc = ag_sketch_new(&a->latency, (size_t)1 << 20)) != GOMEM_OK ||
	    (rc = tr_util_new(&a->util, a->opts.util_flags, a->windows, a->nwindows)) != GOMEM_OK) {
		gomem_trace_analysis_free(a);
		return rc;
	}
	*out = a;
	return GOMEM_OK;
}

void gomem_trace_analysis_free(gomem_trace_analysis *a)
{
	if (a == NULL)
		return;
	ag_gc_free(a);
	ag_latency_free(a);
	tr_util_free(a->util);
	tr_stacks_free(&a->stacks);
	tr_map_free(&a->gmap);
	tr_map_free(&a->pmap);
	free(a->gs);
	free(a->free_gs);
	free(a->ps);
	gomem_strpool_free(&a->reasons);
	gomem_strpool_free(&a->lag_strings);
	gomem_strpool_free(&a->lat_strings);
	gomem_strpool_free(&a->figure_names);
	free(a->figures);
	gomem_sketch_free(a->stw_all);
	gomem_sketch_free(a->stw_gc);
	gomem_sketch_free(a->ttstop);
	gomem_sketch_free(a->latency);
	free(a->windows);
	free(a->mmu);
	free(a);
}

const gomem_error *gomem_trace_analysis_error(const gomem_trace_analysis *a)
{
	return &a->err;
}

/* ---- the end --------------------------------------------------------------------- */

static void summarize(gomem_trace_analysis *a)
{
	gomem_trace_summary *s = &a->sum;
	double dur = (double)(a->tlast - a->t0);

	s->go_minor = a->go_minor;
	s->events = a->events;
	s->generations = a->generations;
	s->duration = a->started ? dur / 1e9 : 0;
	count_state(a, GOMEM_TRACE_GO_UNDETERMINED, GOMEM_TRACE_GO_UNDETERMINED, a->tlast);
	for (int i = 0; i < GOMEM_TRACE_GO_STATE_COUNT; i++)
		s->state_mean[i] = dur > 0 && counted(i) ? a->state_area[i] / dur : NAN;
	ag_sketch_dist(a->stw_all, &s->stw);
	ag_sketch_dist(a->stw_gc, &s->stw_gc);
	ag_sketch_dist(a->ttstop, &s->time_to_stop);
	ag_sketch_dist(a->latency, &s->latency);
}

int gomem_trace_analysis_finish(gomem_trace_analysis *a)
{
	int rc;

	if (a->err.code)
		return a->err.code;
	if (a->finished)
		return GOMEM_OK;
	a->finished = 1;
	if ((rc = ag_gc_finish(a)) != GOMEM_OK || (rc = ag_latency_finish(a)) != GOMEM_OK)
		return rc;
	if ((rc = tr_util_finish(a->util)) != GOMEM_OK)
		return ag_fail(a, rc);
	for (size_t i = 0; i < a->nwindows; i++) {
		a->mmu[i].window = a->windows[i];
		a->mmu[i].mmu = tr_util_mmu(a->util, i);
	}
	summarize(a);
	return GOMEM_OK;
}

int gomem_trace_analyze(gomem_trace_analysis **out, gomem_source *src, const gomem_trace_options *opts,
			gomem_error *err)
{
	gomem_trace_reader *r = NULL;
	gomem_trace_analysis *a = NULL;
	const gomem_trace_event *ev;
	const uint8_t *data;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = gomem_trace_analysis_new(&a, opts)) != GOMEM_OK ||
	    (rc = gomem_trace_reader_new(&r, gomem_source_name(src), opts ? &opts->reader : NULL))) {
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
		gomem_trace_analysis_free(a);
		return rc;
	}
	for (;;) {
		if ((rc = gomem_source_read(src, &data, &len)) != GOMEM_OK) {
			gomem_error_copy(err, gomem_source_error(src));
			break;
		}
		rc = len ? gomem_trace_reader_feed(r, data, len) : gomem_trace_reader_finish(r);
		while (rc == GOMEM_OK && (rc = gomem_trace_reader_next(r, &ev)) == 1)
			rc = gomem_trace_analysis_add(a, r, ev);
		if (rc < 0) {
			gomem_error_copy(err, a->err.code ? &a->err : gomem_trace_reader_error(r));
			break;
		}
		if (len == 0) {
			rc = gomem_trace_analysis_finish(a);
			if (rc != GOMEM_OK)
				gomem_error_copy(err, &a->err);
			break;
		}
	}
	gomem_trace_reader_free(r);
	if (rc != GOMEM_OK) {
		gomem_trace_analysis_free(a);
		return rc;
	}
	*out = a;
	return GOMEM_OK;
}

/* ---- results ------------------------------------------------------------------------ */

const gomem_trace_summary *gomem_trace_analysis_summary(const gomem_trace_analysis *a)
{
	return &a->sum;
}

size_t gomem_trace_mmu_count(const gomem_trace_analysis *a)
{
	return a->finished ? a->nwindows : 0;
}

const gomem_trace_mmu_point *gomem_trace_mmu_at(const gomem_trace_analysis *a, size_t i)
{
	return i < gomem_trace_mmu_count(a) ? &a->mmu[i] : NULL;
}
