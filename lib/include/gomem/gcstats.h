/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/gcstats.h — statistics of one run of gctrace events, in bounded
 * memory however long the run: percentiles of the STW pauses and mark
 * times (exact up to 65536 GCs, then within 1 % of the exact ones; the
 * summary says which), their maximum and total (exact), GC rate, GC CPU
 * (the runtime's own cumulative percent and one computed from the cpu
 * fields), heap peaks, GOMAXPROCS changes, forced GCs, and the slope of the
 * marked heap over time (the leak signal) with its fit. */
#ifndef GOMEM_GCSTATS_H
#define GOMEM_GCSTATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/gctrace.h"
#include "gomem/openmetrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_gcstats gomem_gcstats;

typedef struct gomem_gcstats_summary {
	uint64_t run;
	uint64_t gcs, forced, scav_events;
	uint64_t first_gc, last_gc;        /* gc numbers */
	uint64_t first_line, last_line;
	double first_t, last_t;            /* @T of the first and last gc, seconds */
	double gc_per_s;                   /* GCs per second over the run (NAN below two GCs) */
	double pause_p50, pause_p90, pause_p99, pause_max, pause_total; /* STW: sweep term + mark term */
	double mark_p50, mark_p90, mark_p99, mark_max, mark_total;      /* concurrent mark wall time */
	int cpu_pct_last;                  /* the runtime's own figure: the last line's N%, GC CPU
					    * since the process started, truncated to an integer */
	double cpu_pct_window;             /* gomem's figure: GC CPU % over the run computed from
					    * the cpu fields (idle marking left out, as the runtime
					    * does): sum / (span * procs) */
	int64_t heap_start_max, heap_end_max, heap_live_max, heap_live_last, heap_live_first;
	int64_t goal_max, goal_last, stacks_max, globals_max;
	int procs_first, procs_last, procs_changes;
	double live_slope;                 /* marked heap trend, bytes per second (least squares;
					    * NAN below three GCs) */
	double live_slope_r2;              /* its fit quality, 0..1 (NAN below three GCs) */
	double pause_quantile_error;       /* 0: pause_p50/p90/p99 are exact (nearest rank);
					    * else their relative error bound (0.01: 1 %), past
					    * the sketch's exact cap (gomem/sketch.h) */
	double mark_quantile_error;        /* the same for mark_p50/p90/p99 */
} gomem_gcstats_summary;

GOMEM_API int gomem_gcstats_new(gomem_gcstats **out);
/* Adds one event (gc or scavenger) of the run. */
GOMEM_API int gomem_gcstats_add(gomem_gcstats *s, const gomem_gctrace_event *ev);
/* Fills OUT. Cheap enough to call per tick. */
GOMEM_API int gomem_gcstats_get(const gomem_gcstats *s, gomem_gcstats_summary *out);
/* Forgets events older than T seconds before the last (a sliding window for
 * --follow and the live monitor); 0 keeps all. MAX_EVENTS caps the gc
 * events kept (0: no cap). The summary then describes the gc events kept
 * (about 130 bytes each); scav_events counts every scavenger event added.
 * Without a window (T and MAX_EVENTS 0, the default) nothing is kept per
 * event: the summary covers the whole run. Set it before the first add. */
GOMEM_API void gomem_gcstats_set_window(gomem_gcstats *s, double seconds, size_t max_events);
GOMEM_API void gomem_gcstats_free(gomem_gcstats *s);

/* Writes N run summaries as metrics text of FLAVOR (gomem/openmetrics.h:
 * OpenMetrics, or the Prometheus text format that node_exporter's textfile
 * collector reads): families gomem_gc_*, labelled run and source =
 * SOURCES[i]. GOMEM_E_IO on a write error (errno tells: EPIPE when the
 * reader went away). */
GOMEM_API int gomem_gcstats_write_metrics(FILE *fp, const gomem_gcstats_summary *runs,
					  const char *const *sources, size_t n,
					  gomem_metrics_flavor flavor);
/* The same in OpenMetrics. */
GOMEM_API int gomem_gcstats_write_openmetrics(FILE *fp, const gomem_gcstats_summary *runs,
					      const char *const *sources, size_t n);

#ifdef __cplusplus
}
#endif
#endif
