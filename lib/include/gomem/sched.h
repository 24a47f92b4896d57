/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/sched.h — GODEBUG=schedtrace=N[,scheddetail=1] read by a push
 * parser (feed chunks, take snapshots with next), with the tolerance of the
 * gctrace reader: prefixes (the one log-prefix rule), JSON log lines,
 * interleaving with gctrace and program output, and lines shredded by
 * concurrent writes put back together. Every layout the runtime printed:
 *
 *   Go <= 1.20  SCHED 504ms: gomaxprocs=2 idleprocs=0 threads=4
 *               spinningthreads=1 idlethreads=1 runqueue=0 [0 0]
 *               (scheddetail: missing ids print -1, gcwaiting=0)
 *   Go 1.21+    ... spinningthreads=1 needspinning=0 idlethreads=1 ...
 *               (scheddetail: missing ids print nil, gcwaiting=false)
 *
 * Fields are read as key=value pairs, so a field a later release adds is
 * skipped, not an error. With scheddetail=1 the header is followed by one
 * line per P ("  P0: status=1 schedtick=..."), per M ("  M3: p=0 curg=17
 * ...") and per G ("  G17: status=4(chan receive) m=nil lockedm=nil"); the
 * block becomes one snapshot, handed out when the next header (or the end of
 * the input) closes it. A T that goes back starts a new run (a restart). */
#ifndef GOMEM_SCHED_H
#define GOMEM_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/openmetrics.h"
#include "gomem/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GOMEM_SCHED_GO119 = 1, /* no needspinning= (Go <= 1.20) */
	GOMEM_SCHED_GO121      /* needspinning= (Go 1.21+) */
} gomem_sched_layout;

/* A P of a scheddetail block. A field the line lacks is -1 (so is m=nil). */
typedef struct gomem_sched_proc {
	int64_t id, status, schedtick, syscalltick, m, runqsize, gfreecnt, timerslen;
} gomem_sched_proc;

/* An M of a scheddetail block (spinning, blocked: 1 true, 0 false, -1 absent). */
typedef struct gomem_sched_thread {
	int64_t id, p, curg, mallocing, throwing, locks, dying, lockedg;
	int spinning, blocked;
	int preempt_off;  /* preemptoff= held a reason (not empty) */
} gomem_sched_thread;

/* Waiting goroutines (status 4) of one wait reason. */
typedef struct gomem_sched_wait {
	const char *reason; /* as the runtime prints it: "chan receive", "GC worker (idle)" */
	int64_t count;
	int runtime_owned;  /* a reason only the runtime's own goroutines wait in */
} gomem_sched_wait;

/* One snapshot. Counts the line lacks are -1. */
typedef struct gomem_sched_snapshot {
	uint64_t run;         /* 0 for the first run; +1 each time T goes back */
	uint64_t line;        /* 1-based input line of the SCHED header */
	gomem_sched_layout layout;
	int detailed;         /* scheddetail=1: the P/M/G lines are below */
	int reassembled;      /* the header was put back together from pieces */
	double t;             /* seconds since the first trace of the run (ms resolution) */
	int64_t gomaxprocs, idleprocs, threads, spinningthreads, needspinning, idlethreads;
	int64_t runqueue;     /* the global run queue */
	int64_t local;        /* the per-P run queues added up (-1 when not printed) */
	int64_t local_max, local_min; /* the longest and shortest per-P queue */
	int64_t gcwaiting, nmidlelocked, stopwait, sysmonwait; /* scheddetail's header fields */
	const int64_t *runq;  /* per-P queue lengths, P0 first */
	size_t nrunq;

	/* scheddetail */
	const gomem_sched_proc *procs;
	size_t nprocs;
	const gomem_sched_thread *threads_detail;
	size_t nthreads_detail;
	int64_t goroutines;         /* every G line, dead ones (status 6) included */
	int64_t goroutines_live;    /* what runtime.NumGoroutine counts: not dead, and not
				     * one of the runtime's own goroutines parked in its loop */
	int64_t goroutines_runtime; /* the runtime's own (forcegc, sweeper, scavenger,
				     * finalizer, GC workers) waiting in their loops */
	int64_t g_runnable, g_running, g_syscall, g_waiting, g_dead, g_other; /* by status */
	const gomem_sched_wait *waits; /* waiting goroutines by reason, most first */
	size_t nwaits;
} gomem_sched_snapshot;

typedef struct gomem_sched_counts {
	uint64_t lines;       /* lines read */
	uint64_t snapshots;   /* headers read (each a snapshot) */
	uint64_t detail_lines;/* P, M and G lines taken into snapshots */
	uint64_t skipped;     /* lines that are not schedtrace (gctrace, the program's output) */
	uint64_t unparsed;    /* lines that look like schedtrace but could not be read */
	uint64_t reassembled; /* lines put back together from pieces */
	uint64_t runs;        /* runs seen, 0 before the first snapshot */
} gomem_sched_counts;

typedef struct gomem_sched_parser gomem_sched_parser;

/* NAME labels errors (the only errors are limits and memory). */
GOMEM_API int gomem_sched_parser_new(gomem_sched_parser **out, const char *name);
GOMEM_API int gomem_sched_feed(gomem_sched_parser *p, const void *data, size_t len);
/* The text starts over (a followed log truncated or replaced): a line the
 * old text left unfinished ends here. */
GOMEM_API int gomem_sched_restart(gomem_sched_parser *p);
/* End of input: the last line, and the open scheddetail block, are read. */
GOMEM_API int gomem_sched_finish(gomem_sched_parser *p);
/* 1 and the next snapshot (borrowed, with its arrays valid until the next
 * call), 0 when none is ready, or a negative error. Snapshots wait in a
 * capped queue: take them between feeds. */
GOMEM_API int gomem_sched_next(gomem_sched_parser *p, const gomem_sched_snapshot **snap);
GOMEM_API void gomem_sched_get_counts(const gomem_sched_parser *p, gomem_sched_counts *out);
GOMEM_API const gomem_error *gomem_sched_parser_error(const gomem_sched_parser *p);
GOMEM_API void gomem_sched_parser_free(gomem_sched_parser *p);

/* ---- statistics of a run ---------------------------------------------------------- */

typedef struct gomem_schedstats gomem_schedstats;

typedef struct gomem_schedstats_summary {
	uint64_t run;
	uint64_t snapshots, detailed;
	uint64_t first_line, last_line;
	double first_t, last_t;        /* seconds */
	double period;                 /* mean time between snapshots (NAN below two) */
	int64_t gomaxprocs_first, gomaxprocs_last;
	/* runnable backlog: the global queue plus every per-P queue */
	double backlog_p50, backlog_p99, backlog_max, backlog_mean;
	double global_max;             /* the global queue's longest */
	double busy_share;             /* share of Ps not idle, mean over snapshots (0..1) */
	double imbalance_mean, imbalance_max; /* longest minus shortest per-P queue */
	double spinning_mean, spinning_max;
	double idle_threads_mean, idle_threads_max;
	int64_t threads_first, threads_last, threads_max;
	double threads_per_min;        /* thread growth (least squares), threads per minute */
	/* scheddetail */
	int64_t goroutines_first, goroutines_last, goroutines_max; /* live (NumGoroutine) */
	int64_t dead_last;
	const char *top_wait;          /* the commonest wait reason of the last detailed snapshot */
	int64_t top_wait_count;
} gomem_schedstats_summary;

GOMEM_API int gomem_schedstats_new(gomem_schedstats **out);
GOMEM_API int gomem_schedstats_add(gomem_schedstats *s, const gomem_sched_snapshot *snap);
/* OUT's top_wait is borrowed from S (valid until the next add or free). */
GOMEM_API int gomem_schedstats_get(const gomem_schedstats *s, gomem_schedstats_summary *out);
/* The backlog percentiles of the last MAX_SNAPSHOTS snapshots, exact (0,
 * the default: of the whole run, from a bounded sketch, exact up to 65536
 * snapshots and within 1 % past them). Set it before the first add. */
GOMEM_API void gomem_schedstats_set_window(gomem_schedstats *s, size_t max_snapshots);
GOMEM_API void gomem_schedstats_free(gomem_schedstats *s);

/* Writes N run summaries as metrics text of FLAVOR: families gomem_sched_*,
 * labelled run and source = SOURCES[i] (the runnable backlog a summary
 * with quantiles 0.5, 0.99 and 1.0). GOMEM_E_IO on a write error. */
GOMEM_API int gomem_schedstats_write_metrics(FILE *fp, const gomem_schedstats_summary *runs,
					     const char *const *sources, size_t n,
					     gomem_metrics_flavor flavor);

/* ---- runs of one input ------------------------------------------------------------- */

/* schedtrace text read into snapshots and the statistics of each run (T
 * going back ends one), pushed: feed what arrives, finish at the end. */
typedef struct gomem_schedruns gomem_schedruns;

typedef struct gomem_schedruns_options {
	unsigned int version;  /* GOMEM_SCHEDRUNS_OPTIONS_VERSION */
	int stats;             /* keep each run's statistics */
	size_t window;         /* the backlog percentiles of the last WINDOW snapshots (0: the run) */
	/* Each snapshot as it is read, each run's statistics when it ends (a new
	 * run begins, or finish); NULL for none. A return other than GOMEM_OK
	 * stops the feed with it. */
	int (*on_snapshot)(void *payload, const gomem_sched_snapshot *s);
	int (*on_run)(void *payload, const gomem_schedstats_summary *run);
	void *payload;
} gomem_schedruns_options;

#define GOMEM_SCHEDRUNS_OPTIONS_VERSION 1
#define GOMEM_SCHEDRUNS_OPTIONS_INIT {GOMEM_SCHEDRUNS_OPTIONS_VERSION, 1, 0, NULL, NULL, NULL}

/* NAME labels the parser's errors. */
GOMEM_API int gomem_schedruns_new(gomem_schedruns **out, const char *name,
				  const gomem_schedruns_options *opts);
GOMEM_API int gomem_schedruns_feed(gomem_schedruns *r, const void *data, size_t len);
/* The text starts over (a log truncated or replaced). */
GOMEM_API int gomem_schedruns_restart(gomem_schedruns *r);
/* The end: the last line and block, and on_run for the open run. */
GOMEM_API int gomem_schedruns_finish(gomem_schedruns *r);
/* The open run's statistics: 1, or 0 when no run is open. */
GOMEM_API int gomem_schedruns_current(const gomem_schedruns *r, gomem_schedstats_summary *out);
/* The last snapshot read (its fixed fields; the arrays are not kept), NULL before one. */
GOMEM_API const gomem_sched_snapshot *gomem_schedruns_last(const gomem_schedruns *r);
GOMEM_API const gomem_sched_parser *gomem_schedruns_parser(const gomem_schedruns *r);
GOMEM_API void gomem_schedruns_free(gomem_schedruns *r);

/* ---- rows for the one output layer ------------------------------------------------- */

#define GOMEM_SCHED_EVENT_COLUMNS 28
/* The columns of `gomem sched --events` (t_s, gomaxprocs, idleprocs, threads,
 * spinningthreads, idlethreads, runqueue, local, goroutines, goroutines_live,
 * ...); N_COLS gets how many (GOMEM_SCHED_EVENT_COLUMNS). Borrowed, static. */
GOMEM_API const gomem_column *gomem_sched_event_columns(size_t *n_cols);
/* SNAP's cells for them; FILE names the input. */
GOMEM_API void gomem_sched_event_cells(gomem_cell *cells, const gomem_sched_snapshot *snap,
				       const char *file);

/* The columns of `gomem sched --waits` (t_s, reason, count, runtime, line,
 * file, run): one row per snapshot and wait reason; cells for SNAP's wait
 * K (K < nwaits). At most GOMEM_SCHED_EVENT_COLUMNS of them. */
GOMEM_API const gomem_column *gomem_sched_wait_columns(size_t *n_cols);
GOMEM_API void gomem_sched_wait_cells(gomem_cell *cells, const gomem_sched_snapshot *snap, size_t k,
				      const char *file);

#define GOMEM_SCHED_SUMMARY_COLUMNS 30
GOMEM_API const gomem_column *gomem_sched_summary_columns(size_t *n_cols);
GOMEM_API void gomem_sched_summary_cells(gomem_cell *cells, const gomem_schedstats_summary *s,
					 const char *file);

#ifdef __cplusplus
}
#endif
#endif
