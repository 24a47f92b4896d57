/* SPDX-License-Identifier: Apache-2.0 */
/* trace_figures.c — the summary as named figures: the columns of the one
 * row per trace and the names a gate takes ("stw.max=5ms"), in one table so
 * the two never disagree. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace-analysis.h"

int gomem_trace_window_name(char *buf, size_t size, int64_t ns)
{
	static const struct { int64_t div; const char *unit; } units[] = {
		{INT64_C(3600000000000), "h"}, {INT64_C(60000000000), "m"}, {1000000000, "s"},
		{1000000, "ms"}, {1000, "us"}, {1, "ns"}
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(units); i++)
		if (ns != 0 && ns % units[i].div == 0)
			return snprintf(buf, size, "%lld%s", (long long)(ns / units[i].div), units[i].unit);
	return snprintf(buf, size, "%lldns", (long long)ns);
}

struct fig_def {
	const char *name, *column;
	gomem_trace_fig_unit unit;
	size_t offset;       /* into gomem_trace_summary, of a double or a uint64/int64 */
	int kind;            /* 0 double, 1 uint64, 2 int64, 3 int */
};

#define F(name, col, unit, field, kind) {name, col, unit, offsetof(gomem_trace_summary, field), kind}

static const struct fig_def defs[] = {
	F("duration", "duration_s", GOMEM_TRACE_FIG_SECONDS, duration, 0),
	F("events", "events", GOMEM_TRACE_FIG_COUNT, events, 1),
	F("generations", "generations", GOMEM_TRACE_FIG_COUNT, generations, 1),
	F("procs", "procs", GOMEM_TRACE_FIG_COUNT, procs_max, 3),
	F("gc.count", "gc_cycles", GOMEM_TRACE_FIG_COUNT, gc_cycles, 1),
	F("gc.mark", "gc_mark_s", GOMEM_TRACE_FIG_SECONDS, gc_mark_total, 0),
	F("gc.wall", "gc_wall_s", GOMEM_TRACE_FIG_SECONDS, gc_wall_total, 0),
	F("gc.assist", "gc_assist_s", GOMEM_TRACE_FIG_SECONDS, assist_total, 0),
	F("gc.assist_wall", "gc_assist_wall_s", GOMEM_TRACE_FIG_SECONDS, assist_wall_total, 0),
	F("gc.assists", "gc_assists", GOMEM_TRACE_FIG_COUNT, assists, 1),
	F("gc.sweep", "gc_sweep_s", GOMEM_TRACE_FIG_SECONDS, sweep_total, 0),
	F("stw.count", "stw_count", GOMEM_TRACE_FIG_COUNT, stw.count, 1),
	F("stw.total", "stw_total_s", GOMEM_TRACE_FIG_SECONDS, stw.total, 0),
	F("stw.p50", "stw_p50_s", GOMEM_TRACE_FIG_SECONDS, stw.p50, 0),
	F("stw.p90", "stw_p90_s", GOMEM_TRACE_FIG_SECONDS, stw.p90, 0),
	F("stw.p99", "stw_p99_s", GOMEM_TRACE_FIG_SECONDS, stw.p99, 0),
	F("stw.max", "stw_max_s", GOMEM_TRACE_FIG_SECONDS, stw.max, 0),
	F("stw.gc.max", "stw_gc_max_s", GOMEM_TRACE_FIG_SECONDS, stw_gc.max, 0),
	F("ttstop.p99", "time_to_stop_p99_s", GOMEM_TRACE_FIG_SECONDS, time_to_stop.p99, 0),
	F("ttstop.max", "time_to_stop_max_s", GOMEM_TRACE_FIG_SECONDS, time_to_stop.max, 0),
	F("latency.count", "latency_count", GOMEM_TRACE_FIG_COUNT, latency.count, 1),
	F("latency.p50", "latency_p50_s", GOMEM_TRACE_FIG_SECONDS, latency.p50, 0),
	F("latency.p90", "latency_p90_s", GOMEM_TRACE_FIG_SECONDS, latency.p90, 0),
	F("latency.p99", "latency_p99_s", GOMEM_TRACE_FIG_SECONDS, latency.p99, 0),
	F("latency.max", "latency_max_s", GOMEM_TRACE_FIG_SECONDS, latency.max, 0),
	F("goroutines", "goroutines", GOMEM_TRACE_FIG_COUNT, goroutines, 1),
	F("goroutines.created", "goroutines_created", GOMEM_TRACE_FIG_COUNT, goroutines_created, 1),
	F("runnable.max", "runnable_max", GOMEM_TRACE_FIG_COUNT, state_max[GOMEM_TRACE_GO_RUNNABLE], 1),
	F("runnable.mean", "runnable_mean", GOMEM_TRACE_FIG_COUNT, state_mean[GOMEM_TRACE_GO_RUNNABLE], 0),
	F("running.max", "running_max", GOMEM_TRACE_FIG_COUNT, state_max[GOMEM_TRACE_GO_RUNNING], 1),
	F("running.mean", "running_mean", GOMEM_TRACE_FIG_COUNT, state_mean[GOMEM_TRACE_GO_RUNNING], 0),
	F("waiting.max", "waiting_max", GOMEM_TRACE_FIG_COUNT, state_max[GOMEM_TRACE_GO_WAITING], 1),
	F("waiting.mean", "waiting_mean", GOMEM_TRACE_FIG_COUNT, state_mean[GOMEM_TRACE_GO_WAITING], 0),
	F("syscall.max", "syscall_max", GOMEM_TRACE_FIG_COUNT, state_max[GOMEM_TRACE_GO_SYSCALL], 1),
	F("syscall.mean", "syscall_mean", GOMEM_TRACE_FIG_COUNT, state_mean[GOMEM_TRACE_GO_SYSCALL], 0),
	F("heap.peak", "heap_peak_bytes", GOMEM_TRACE_FIG_BYTES, heap_peak, 2),
	F("goal.peak", "goal_peak_bytes", GOMEM_TRACE_FIG_BYTES, goal_peak, 2),
	F("tasks", "tasks", GOMEM_TRACE_FIG_COUNT, tasks, 1),
	F("regions", "regions", GOMEM_TRACE_FIG_COUNT, regions, 1),
	F("cpu_samples", "cpu_samples", GOMEM_TRACE_FIG_COUNT, cpu_samples, 1),
};

static double value_of(const gomem_trace_summary *s, const struct fig_def *d)
{
	const char *p = (const char *)s + d->offset;
	double dv;
	uint64_t u;
	int64_t i;
	int n;

	switch (d->kind) {
	case 0: memcpy(&dv, p, sizeof(dv)); return dv;
	case 1: memcpy(&u, p, sizeof(u)); return (double)u;
	case 2: memcpy(&i, p, sizeof(i)); return i < 0 ? NAN : (double)i;
	default: memcpy(&n, p, sizeof(n)); return n;
	}
}

/* Built once, at the first ask (after finish): the static ones, then one
 * per MMU window. Names of the windows live in figure_names. */
static int build(gomem_trace_analysis *a)
{
	size_t n = GOMEM_ARRAY_SIZE(defs) + a->nwindows;
	int rc;

	if (a->figures)
		return GOMEM_OK;
	if ((a->figures = calloc(n, sizeof(*a->figures))) == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(defs); i++) {
		a->figures[i].name = defs[i].name;
		a->figures[i].column = defs[i].column;
		a->figures[i].unit = defs[i].unit;
		a->figures[i].value = value_of(&a->sum, &defs[i]);
	}
	for (size_t k = 0; k < a->nwindows; k++) {
		gomem_trace_figure *f = &a->figures[GOMEM_ARRAY_SIZE(defs) + k];
		char w[40], name[64];
		uint32_t nid, cid;

		gomem_trace_window_name(w, sizeof(w), a->windows[k]);
		snprintf(name, sizeof(name), "mmu.%s", w);
		if ((rc = gomem_strpool_intern(&a->figure_names, name, strlen(name), &nid)) != GOMEM_OK)
			return rc;
		name[3] = '_';
		if ((rc = gomem_strpool_intern(&a->figure_names, name, strlen(name), &cid)) != GOMEM_OK)
			return rc;
		f->name = gomem_strpool_get(&a->figure_names, nid);
		f->column = gomem_strpool_get(&a->figure_names, cid);
		f->unit = GOMEM_TRACE_FIG_RATIO;
		f->lower_is_worse = 1;
		f->value = a->mmu[k].mmu;
	}
	a->nfigures = n;
	return GOMEM_OK;
}

size_t gomem_trace_figure_count(const gomem_trace_analysis *a)
{
	/* the table is a cache of the finished analysis */
	if (!a->finished || build((gomem_trace_analysis *)a) != GOMEM_OK)
		return 0;
	return a->nfigures;
}

const gomem_trace_figure *gomem_trace_figure_at(const gomem_trace_analysis *a, size_t i)
{
	return i < gomem_trace_figure_count(a) ? &a->figures[i] : NULL;
}

const gomem_trace_figure *gomem_trace_figure_find(const gomem_trace_analysis *a, const char *name)
{
	for (size_t i = 0; i < gomem_trace_figure_count(a); i++)
		if (strcmp(a->figures[i].name, name) == 0)
			return &a->figures[i];
	return NULL;
}
