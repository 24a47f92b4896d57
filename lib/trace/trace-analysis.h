/* SPDX-License-Identifier: Apache-2.0 */
/* trace-analysis.h — the analysis of a trace's events, shared by its parts:
 * goroutine and proc states (trace_analysis.c), GC cycles and
 * stop-the-worlds (trace_gc.c), scheduling latency and profiles
 * (trace_latency.c), mutator utilization and MMU (trace_mmu.c) and stacks
 * interned across generations (trace_stacks.c). Never installed. */
#ifndef GOMEM_TRACE_ANALYSIS_H
#define GOMEM_TRACE_ANALYSIS_H

#include "trace-internal.h"

/* ---- percentiles: gomem_sketch, at the trace's error ----------------------
 * Values are nanoseconds. Within 0.05 % once past the exact cap; the
 * buckets cover 1 ns to 2^63 ns without folding. */

#define AG_SKETCH_ERROR 0.0005
#define AG_SKETCH_BUCKETS ((size_t)1 << 16)

int ag_sketch_new(gomem_sketch **out, size_t exact_cap);
/* Adds NS, a duration (a negative one as 0). */
int ag_sketch_add(gomem_sketch *s, int64_t ns);
/* count, total, p50, p90, p99, max in seconds; NAN percentiles when empty. */
void ag_sketch_dist(gomem_sketch *s, gomem_trace_dist *out);

/* ---- stacks interned by their frames, across generations ----------------- */

struct tr_stacks {
	gomem_strpool frames;   /* "func\nfile\nline" -> frame id */
	gomem_strpool stacks;   /* frame ids (uint32, leaf first) as bytes -> stack key - 1 */
	gomem_strpool names;    /* function names (for --by function) */
	struct tr_map cache;    /* this generation's stack id -> key */
	uint32_t *ids;          /* scratch */
	size_t ids_cap;
	gomem_buf buf;          /* scratch */
};

void tr_stacks_init(struct tr_stacks *s);
void tr_stacks_free(struct tr_stacks *s);
/* A new generation: its stack ids mean other stacks. */
void tr_stacks_new_generation(struct tr_stacks *s);
/* The key (0: no stack) of reader stack STACK. */
int tr_stacks_intern(struct tr_stacks *s, const gomem_trace_reader *r, uint64_t stack, uint32_t *key);
size_t tr_stacks_depth(const struct tr_stacks *s, uint32_t key);
/* Frame I (0 is the leaf) of KEY: function, file, line. */
void tr_stacks_frame(const struct tr_stacks *s, uint32_t key, size_t i, const char **func,
		     const char **file, int64_t *line);
/* "root;...;leaf" into OUT (replacing what it held); "" for key 0. */
int tr_stacks_folded(const struct tr_stacks *s, uint32_t key, gomem_buf *out);
/* An id for a function name (names pool). */
int tr_stacks_name(struct tr_stacks *s, const char *name, uint32_t *id);

/* ---- mutator utilization and MMU (Go's MutatorUtilizationV2 and MMUCurve) - */

struct tr_util;

int tr_util_new(struct tr_util **out, unsigned int flags, const int64_t *windows, size_t nwindows);
int tr_util_event(struct tr_util *u, const gomem_trace_event *ev);
/* After the last event: the final point, then every window's MMU. */
int tr_util_finish(struct tr_util *u);
double tr_util_mmu(const struct tr_util *u, size_t i);
void tr_util_free(struct tr_util *u);

/* ---- the analysis ------------------------------------------------------- */

struct ag_g {
	int64_t id;
	int state;               /* gomem_trace_go_state */
	int64_t runnable_since;  /* -1: not runnable, or since before the trace */
	uint32_t where;          /* stack key where it last stopped running */
	uint32_t creator;        /* stack key of its go statement */
	uint32_t func;           /* name id of its start function, 0 unknown */
	int64_t p;               /* the proc it runs on */
	int64_t run_start;       /* when it started running, -1 when not running */
	int64_t last_run;        /* when its last run started */
	uint32_t stop_key;       /* the stack it last stopped at (for laggards) */
	/* a mark assist in progress */
	int in_assist;
	int64_t assist_begin, assist_run_start;
	uint32_t assist_key;
	int64_t assist_cycle;    /* index into gcs, -1 */
};

struct ag_p {
	int64_t id;
	int running;
	int64_t g;               /* goroutine running on it, -1 */
	int64_t sweep_begin;     /* -1: not sweeping, or since before the trace */
	int sweep_active;
	int stw_wait;            /* a stop-the-world waits for it to stop */
	int64_t stw_g;           /* the goroutine it ran when the stop-the-world began */
};

struct ag_key {              /* scheduling latency or assist time of one key */
	uint32_t key;
	uint64_t count;
	double total;            /* nanoseconds */
	gomem_sketch *pct;       /* NULL when sums_only */
};

struct ag_keys {
	int sums_only;           /* count and total suffice (profiles): no percentiles */
	struct tr_map ids;       /* key -> index */
	struct ag_key *rows;
	size_t n, cap;
};

/* Rows keep string ids while the pools grow; finish turns them into strings. */
struct ag_laggard {
	gomem_trace_laggard pub;
	uint32_t reason, func, stack;
};

struct ag_stw_ids {
	uint32_t reason;
	uint32_t func;           /* laggard's function + 1, 0 none */
};

struct ag_stw_open {
	int active;
	int64_t begin, g;
	char reason[128];
	int gc;                  /* 1 sweep termination, 2 mark termination, 0 other */
	int64_t cycle;           /* gcs index or -1 */
	int waiting;             /* procs still to stop */
	int stopped;             /* procs that stopped */
	int64_t last_stop;
	int64_t laggard_g, laggard_run_start;
	uint32_t laggard_key;
};

struct gomem_trace_analysis {
	gomem_error err;
	gomem_trace_options opts;
	int64_t *windows;
	size_t nwindows;
	int finished;

	int started;
	int64_t t0, tlast;
	uint64_t events;
	int go_minor;
	uint64_t generations;
	int procs;               /* GOMAXPROCS now */

	struct tr_stacks stacks;

	/* goroutines and procs */
	struct tr_map gmap;
	struct ag_g *gs;
	size_t ngs, gs_cap;
	uint32_t *free_gs;
	size_t nfree, free_cap;
	struct tr_map pmap;
	struct ag_p *ps;
	size_t nps, ps_cap;
	uint64_t state_count[GOMEM_TRACE_GO_STATE_COUNT];
	double state_area[GOMEM_TRACE_GO_STATE_COUNT]; /* count x ns */
	int64_t state_since;

	/* GC, STW, heap */
	gomem_trace_gc *gcs;
	size_t ngcs, gcs_cap;
	int64_t gc_open;         /* index of the cycle in progress, -1 */
	uint64_t gcs_ended;      /* cycles whose mark phase ended in the trace */
	int64_t gc_begin_ns, gc_sweep_term_end, gc_mark_term_begin;
	int gc_in_mark_term;
	gomem_trace_stw *stws;
	size_t nstws, stws_cap;
	struct ag_stw_ids *stw_ids;
	size_t stw_ids_cap;
	gomem_strpool reasons;   /* STW reasons (their rows point into it) */
	struct ag_stw_open stw;
	int64_t heap, goal;      /* last values, -1 none */
	struct ag_laggard *laggards; /* the longest, sorted at finish */
	size_t nlaggards, laggards_cap;
	gomem_trace_laggard *laggard_rows;
	gomem_strpool lag_strings;

	/* distributions */
	gomem_sketch *stw_all, *stw_gc, *ttstop, *latency;
	struct ag_keys stw_reasons;  /* by reason id */
	gomem_trace_stw_reason *reason_rows;
	size_t nreason_rows;
	gomem_trace_stw *longest;
	size_t nlongest;

	/* latency and assists by key */
	struct ag_keys lat_by;       /* the options' key */
	struct ag_keys lat_stack;    /* always by stack (folded, pprof) */
	struct ag_keys assist_stack;
	gomem_trace_latency_row *lat_rows;
	size_t nlat_rows;
	gomem_strpool lat_strings;

	struct tr_util *util;
	gomem_trace_mmu_point *mmu;

	gomem_trace_summary sum;
	gomem_trace_figure *figures;
	size_t nfigures;
	gomem_strpool figure_names;
};

/* trace_analysis.c */
struct ag_g *ag_goroutine(gomem_trace_analysis *a, int64_t id);
struct ag_p *ag_proc(gomem_trace_analysis *a, int64_t id, int create);
double ag_seconds(const gomem_trace_analysis *a, int64_t t);
int ag_fail(gomem_trace_analysis *a, int rc);
void ag_interval(gomem_trace_analysis *a, gomem_trace_iv_kind kind, int64_t start, int64_t end,
		 int64_t id, int64_t g, const char *label);
int ag_keys_add(struct ag_keys *k, uint32_t key, int64_t ns);
void ag_keys_free(struct ag_keys *k);

/* trace_gc.c: ranges, metrics and the proc stops a stop-the-world waits for */
int ag_gc_event(gomem_trace_analysis *a, const gomem_trace_reader *r, const gomem_trace_event *ev);
int ag_gc_proc_stopped(gomem_trace_analysis *a, struct ag_p *p, int64_t t);
void ag_gc_assist_ran(gomem_trace_analysis *a, struct ag_g *g, int64_t t);
int ag_gc_finish(gomem_trace_analysis *a);
void ag_gc_free(gomem_trace_analysis *a);

/* trace_latency.c */
int ag_latency_runnable(gomem_trace_analysis *a, struct ag_g *g, int64_t t);
int ag_latency_running(gomem_trace_analysis *a, struct ag_g *g, int64_t t);
int ag_latency_finish(gomem_trace_analysis *a);
void ag_latency_free(gomem_trace_analysis *a);

#endif
