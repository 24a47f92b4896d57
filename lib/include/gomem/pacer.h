/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/pacer.h — the Go 1.19+ GC pacer as formulas (runtime/mgcpacer.go,
 * mgclimit.go: heap goal from GOGC with stacks and globals, the memory-limit
 * goal, the minimum heap, trigger bounds and runway, mark workers, the CPU
 * limiter's bucket), and a replay model: fitted to one gctrace log (the
 * allocation curve, the live heap over time, mark speed and cost, the runway
 * the pacer gave), it simulates the same workload cycle by cycle under other
 * GOGC and GOMEMLIMIT settings and says how far off each prediction may be. */
#ifndef GOMEM_PACER_H
#define GOMEM_PACER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/gctrace.h"
#include "gomem/source.h"
#include "gomem/svg.h"
#include "gomem/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- formulas ------------------------------------------------------------------ */

#define GOMEM_PACER_GOGC_OFF (-1)     /* gogc value of GOGC=off */
#define GOMEM_PACER_NO_LIMIT INT64_MAX /* memory_limit when none is set (the runtime's default) */

/* The GC settings of a program and the runtime release whose pacer applies. */
typedef struct gomem_pacer_config {
	int gogc;             /* percent, GOMEM_PACER_GOGC_OFF for off */
	int64_t memory_limit; /* bytes, GOMEM_PACER_NO_LIMIT for none */
	int go_minor;         /* 19 for Go 1.19 ... ; below 21: the 1.19/1.20 limit headroom */
	int procs;            /* GOMAXPROCS */
} gomem_pacer_config;

#define GOMEM_PACER_CONFIG_INIT {100, GOMEM_PACER_NO_LIMIT, 21, 1}

/* heapMinimum: 4 MiB * GOGC/100 (0 for GOGC=off). */
GOMEM_API uint64_t gomem_pacer_heap_minimum(const gomem_pacer_config *cfg);
/* gcPercentHeapGoal: marked + (marked + stacks + globals) * GOGC/100, at least
 * the minimum heap; UINT64_MAX for GOGC=off. */
GOMEM_API uint64_t gomem_pacer_gogc_goal(const gomem_pacer_config *cfg, uint64_t marked,
					 uint64_t stacks, uint64_t globals);
/* memoryLimitHeapGoal: limit - (NONHEAP + overage) less the headroom (1 MiB
 * before Go 1.21; 3 %, at least 1 MiB, from 1.21), never below MARKED;
 * MARKED when non-heap memory alone fills the limit. MAPPED is the mapped
 * and not released memory (overage = MAPPED - limit when positive); pass 0
 * when not known. UINT64_MAX without a limit. */
GOMEM_API uint64_t gomem_pacer_limit_goal(const gomem_pacer_config *cfg, uint64_t marked,
					  uint64_t nonheap, uint64_t mapped);
/* The goal: the smaller of the two. When the limit does not bind it is raised
 * to SWEEP_MIN_TRIGGER (heapLive + 1 MiB while sweeping, else 0) and to
 * TRIGGERED + 64 KiB (TRIGGERED UINT64_MAX: no cycle triggered yet).
 * *LIMITED (may be NULL) says whether the limit goal won. */
GOMEM_API uint64_t gomem_pacer_goal(const gomem_pacer_config *cfg, uint64_t marked,
				    uint64_t stacks, uint64_t globals, uint64_t nonheap,
				    uint64_t sweep_min_trigger, uint64_t triggered, int *limited);
/* The runway commit() stores: consMark * (1-u)/u * (heap + stack + globals
 * scan work), u = 0.25. */
GOMEM_API double gomem_pacer_runway(double cons_mark, uint64_t heap_scan, uint64_t stack_scan,
				    uint64_t globals_scan);
/* trigger(): GOAL - RUNWAY clamped to [marked + 45/64 of the way to the
 * goal, max(marked + 61/64 of the way, goal - 4 MiB)]; MIN_TRIGGER raises
 * the low bound (the sweep distance; 0 for none); GOAL when MARKED >= GOAL. */
GOMEM_API uint64_t gomem_pacer_trigger(uint64_t goal, uint64_t marked, uint64_t runway,
				       uint64_t min_trigger);
/* Mark workers for GOMAXPROCS PROCS: dedicated workers and the fractional
 * utilisation goal per P (25 % of PROCS in all, a rounding error over 30 %
 * moving to a fractional worker). */
GOMEM_API void gomem_pacer_workers(int procs, int *dedicated, double *fractional);

/* The GC CPU limiter: a bucket of PROCS CPU-seconds that GC time fills and
 * mutator time drains; it limits (assists off, the heap may pass its goal)
 * while full. */
typedef struct gomem_pacer_limiter {
	double capacity; /* seconds: procs * 1 s */
	double fill;     /* seconds */
	int limiting;
	double overflow; /* GC time that came while full (seconds), what it saved */
} gomem_pacer_limiter;

GOMEM_API void gomem_pacer_limiter_init(gomem_pacer_limiter *l, int procs);
/* One update: GC_CPU and MUTATOR_CPU seconds spent since the last. Returns
 * whether the limiter is on after it. */
GOMEM_API int gomem_pacer_limiter_update(gomem_pacer_limiter *l, double gc_cpu, double mutator_cpu);

/* ---- settings ------------------------------------------------------------------ */

/* One what-if scenario: changes to the observed settings. */
typedef struct gomem_pacer_setting {
	char label[128];      /* the text as given, trimmed */
	int set_gogc;         /* gogc given */
	int gogc;
	int set_limit;        /* memory_limit given (GOMEMLIMIT=off or max: none) */
	int64_t memory_limit;
} gomem_pacer_setting;

/* Parses "GOGC=50;GOGC=200;GOMEMLIMIT=1GiB" — scenarios split by ';', each
 * one or more KEY=VALUE split by ',' or spaces ("GOGC=off,GOMEMLIMIT=256MiB").
 * Keys GOGC (a percent or off) and GOMEMLIMIT (a size as gomem_parse_size
 * takes it, Go's B/KiB/MiB/GiB/TiB suffixes included, or off). *out (free with
 * gomem_free) holds *n scenarios; GOMEM_E_INVALID with a message in ERR
 * naming the scenario for anything else. */
GOMEM_API int gomem_pacer_settings_parse(gomem_pacer_setting **out, size_t *n, const char *text,
					 gomem_error *err);

/* ---- replay model -------------------------------------------------------------- */

typedef struct gomem_pacer_model gomem_pacer_model;

/* What a run shows, or what the model predicts for a setting. Counts and peaks
 * over the log's span (0 to the last GC plus half a GC period). */
typedef struct gomem_pacer_outcome {
	double gc_count;        /* GCs over the span (predictions are not rounded) */
	double peak_heap;       /* bytes: the largest heap at mark termination (H1) */
	double gc_cpu_pct;      /* non-idle GC CPU (STW, assists, background) as a percent of
				 * GOMAXPROCS x span */
	double error_pct;       /* predictions: the expected error of gc_count, percent */
	double peak_error_pct;  /* predictions: the same for peak_heap */
	double cpu_error_pct;   /* predictions: the same for gc_cpu_pct */
	int limit_binds;        /* predictions: the memory-limit goal won in most cycles */
	int limiter_on;         /* predictions: the CPU limiter capped GC in some cycle */
	int thrash;             /* predictions: the live heap reaches the limit's goal, the GC
				 * runs back to back (the count is then an upper bound) */
} gomem_pacer_outcome;

/* What the fit found (all inferred from the trace). */
typedef struct gomem_pacer_fit {
	size_t cycles;          /* gc lines used */
	size_t forced;          /* forced cycles among them (kept as they are) */
	double span;            /* seconds */
	int gogc;               /* inferred GOGC (GOMEM_PACER_GOGC_OFF if the goal never followed it) */
	int64_t memory_limit;   /* inferred limit, GOMEM_PACER_NO_LIMIT when it never bound */
	int procs;
	double alloc_rate;      /* bytes/s over the span */
	double live_start, live_end; /* live heap at the start and the end of the span, bytes */
	double mark_s_per_byte; /* concurrent mark wall time per marked byte */
	double cpu_s_per_byte;  /* non-idle GC CPU seconds per marked byte */
	double runway_ratio;    /* runway / marked heap the pacer gave */
	double overshoot;       /* H1 / goal - 1, median */
	double mark_alloc_share; /* allocation during marks over the average rate's (about 1
				  * with idle Ps, less when the GC takes the only P) */
	double nonheap_ratio;   /* assumed non-heap memory / heap (GOMEMLIMIT) */
	double self_error_pct;  /* |replay of the log's own settings - log| / log, GC count */
} gomem_pacer_fit;

/* Fits a model to the gc events EV[0..N) of one run (scavenger events and
 * other runs are the caller's to leave out). CFG gives go_minor (the other
 * fields are inferred). GOMEM_E_FORMAT with a message in ERR when there are
 * fewer than 4 usable cycles or no Go 1.5+ gc lines. */
GOMEM_API int gomem_pacer_model_fit(gomem_pacer_model **out, const gomem_gctrace_event *ev,
				    size_t n, const gomem_pacer_config *cfg, gomem_error *err);
/* Reads SPEC (a path, '-', gzip) with the gctrace parser and fits the run with
 * the most gc lines; errors name the input. */
GOMEM_API int gomem_pacer_model_read(gomem_pacer_model **out, const char *spec,
				     const gomem_source_options *sopts, const gomem_pacer_config *cfg,
				     gomem_error *err);
GOMEM_API void gomem_pacer_model_get_fit(const gomem_pacer_model *m, gomem_pacer_fit *out);
/* What the log shows. */
GOMEM_API void gomem_pacer_model_observed(const gomem_pacer_model *m, gomem_pacer_outcome *out);
/* The settings the log ran under (inferred), with go_minor and procs. */
GOMEM_API void gomem_pacer_model_config(const gomem_pacer_model *m, gomem_pacer_config *out);
/* Simulates the workload under CFG. */
GOMEM_API int gomem_pacer_model_predict(const gomem_pacer_model *m, const gomem_pacer_config *cfg,
					gomem_pacer_outcome *out);
/* Simulates the workload under SETTING applied to the log's own settings. */
GOMEM_API int gomem_pacer_model_whatif(const gomem_pacer_model *m, const gomem_pacer_setting *setting,
				       gomem_pacer_outcome *out);
GOMEM_API void gomem_pacer_model_free(gomem_pacer_model *m);

/* One GC cycle, recorded or simulated: seconds since the program started,
 * sizes in bytes as gctrace prints them (the model's correction for the
 * truncation to MiB taken off, as the outcomes' peak_heap has it). */
typedef struct gomem_pacer_cycle {
	double start;   /* the cycle began (sweep termination) */
	double end;     /* its mark termination */
	double trigger; /* the heap when it began (recorded: H0) */
	double peak;    /* the heap at mark termination (H1) */
	double marked;  /* the marked heap after it (H2) */
	double goal;    /* its heap goal */
	double pause;   /* its stop-the-world time (NAN when simulated) */
	int forced;     /* recorded: runtime.GC or the scavenger forced it */
} gomem_pacer_cycle;

/* The gc lines the model was fitted to, in order. GOMEM_E_INVALID for I
 * out of range. */
GOMEM_API size_t gomem_pacer_model_cycle_count(const gomem_pacer_model *m);
GOMEM_API int gomem_pacer_model_cycle(const gomem_pacer_model *m, size_t i, gomem_pacer_cycle *out);
/* Simulates SETTING (NULL: the log's own settings) as
 * gomem_pacer_model_whatif does, calling ON_CYCLE with each simulated cycle
 * in order; a non-zero return stops the calls and is returned. */
GOMEM_API int gomem_pacer_model_replay(const gomem_pacer_model *m, const gomem_pacer_setting *setting,
				       int (*on_cycle)(void *payload, const gomem_pacer_cycle *c),
				       void *payload);

/* ---- the what-if report --------------------------------------------------------- */

/* Writes the observed run and one prediction per setting of S[0..N) to FP:
 * a table (or CSV, TSV, NDJSON: one row per setting, the observed run first
 * with setting "observed"), or for GOMEM_FORMAT_JSON the document
 * {"schema":"gomem.whatif/1","observed":{...},"scenarios":[{...},...]}.
 * NAME labels the input. GOMEM_E_IO when writing fails. */
GOMEM_API int gomem_whatif_write(FILE *fp, const char *name, const gomem_pacer_model *m,
				 const gomem_pacer_setting *s, size_t n, gomem_format format,
				 gomem_error *err);

/* The same as a picture (SVG): the recorded run, cycle by cycle, with
 * each setting's prediction beside it on one time axis — its heap at mark
 * termination and its memory limit over the recorded heap, live heap and
 * goal, its count of GCs so far against the log's — and the recorded
 * pauses. LOOK (may be NULL) gives the title, width and embedding. */
GOMEM_API int gomem_whatif_write_svg(FILE *fp, const char *name, const gomem_pacer_model *m,
				     const gomem_pacer_setting *s, size_t n,
				     const gomem_chart_options *look, gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
