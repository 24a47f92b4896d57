/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/trace.h — Go execution traces (runtime/trace, `go test -trace`,
 * /debug/pprof/trace), streamed.
 *
 * The reader is a push parser: feed it the bytes, take events with next.
 * It reads the Go 1.22+ format (generations of batches, each with its own
 * string, stack and CPU-sample tables) one generation at a time, and the
 * Go 1.11-1.21 format (read whole: it has no generations), and hands out the
 * events as Go's internal/trace reader does: in the order its per-M, per-P
 * and per-goroutine sequencing validates, with the same kinds, state
 * transitions and ranges, the older format converted as Go 1.23 converts it.
 *
 * The analysis consumes those events: GC cycles with their stop-the-world
 * phases, every stop-the-world with its reason and time-to-stop, mark assists
 * and sweeps, the mutator utilization and its MMU (computed as `go tool
 * trace`'s MMU view does), scheduling latency (runnable -> running) by
 * stack, creator or function, goroutines by state, heap and goal peaks. */
#ifndef GOMEM_TRACE_H
#define GOMEM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/source.h"
#include "gomem/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- events ------------------------------------------------------------ */

/* Go's trace.EventKind, same values and names. */
typedef enum {
	GOMEM_TRACE_BAD = 0,
	GOMEM_TRACE_SYNC,             /* end of a generation: everything so far is known */
	GOMEM_TRACE_METRIC,           /* name, value */
	GOMEM_TRACE_LABEL,            /* name (the label), on resource */
	GOMEM_TRACE_STACK_SAMPLE,     /* a CPU profile sample: stack, g, p, m */
	GOMEM_TRACE_RANGE_BEGIN,      /* name, scope resource */
	GOMEM_TRACE_RANGE_ACTIVE,     /* a range already running when the trace (generation) began */
	GOMEM_TRACE_RANGE_END,
	GOMEM_TRACE_TASK_BEGIN,       /* task, parent, name (the task type) */
	GOMEM_TRACE_TASK_END,
	GOMEM_TRACE_REGION_BEGIN,     /* task, name (the region type) */
	GOMEM_TRACE_REGION_END,
	GOMEM_TRACE_LOG,              /* task, name (category), message */
	GOMEM_TRACE_STATE_TRANSITION, /* resource, old_state -> new_state, reason */
	GOMEM_TRACE_EXPERIMENTAL,     /* name, raw args */
	GOMEM_TRACE_KIND_COUNT
} gomem_trace_kind;

/* Go's ResourceKind. */
typedef enum {
	GOMEM_TRACE_RESOURCE_NONE = 0,
	GOMEM_TRACE_RESOURCE_GOROUTINE,
	GOMEM_TRACE_RESOURCE_PROC,
	GOMEM_TRACE_RESOURCE_THREAD
} gomem_trace_resource;

/* Go's GoState and ProcState. */
typedef enum {
	GOMEM_TRACE_GO_UNDETERMINED = 0,
	GOMEM_TRACE_GO_NOTEXIST,
	GOMEM_TRACE_GO_RUNNABLE,
	GOMEM_TRACE_GO_RUNNING,
	GOMEM_TRACE_GO_WAITING,
	GOMEM_TRACE_GO_SYSCALL,
	GOMEM_TRACE_GO_STATE_COUNT
} gomem_trace_go_state;

typedef enum {
	GOMEM_TRACE_PROC_UNDETERMINED = 0,
	GOMEM_TRACE_PROC_NOTEXIST,
	GOMEM_TRACE_PROC_RUNNING,
	GOMEM_TRACE_PROC_IDLE
} gomem_trace_proc_state;

#define GOMEM_TRACE_NONE (-1)          /* no goroutine, proc or thread */
#define GOMEM_TRACE_NO_TASK UINT64_MAX /* no task */

/* One event, borrowed from the reader: valid until the next call on it.
 * Strings are never NULL (empty when the event has none). */
typedef struct gomem_trace_event {
	gomem_trace_kind kind;
	int type;            /* the wire event (Go 1.22 numbering; gomem_trace_type_name) */
	int64_t time;        /* nanoseconds, strictly increasing across the trace */
	int64_t g, p, m;     /* the context: goroutine, proc, thread; GOMEM_TRACE_NONE */
	uint64_t offset;     /* byte offset of the event in the (decompressed) input */

	/* by kind */
	const char *name;    /* RANGE_*: "GC concurrent mark phase", "stop-the-world (REASON)",
			      * "GC mark assist", "GC incremental sweep"; METRIC: the
			      * runtime/metrics name; LABEL: the label; TASK_*, REGION_*: the
			      * type; LOG: the category; EXPERIMENTAL: the event */
	const char *detail;  /* RANGE_* of a stop-the-world: REASON; LOG: the message;
			      * STATE_TRANSITION: the reason ("chan receive", "preempted") */
	uint64_t value;      /* METRIC */
	gomem_trace_resource resource; /* STATE_TRANSITION: what changed; RANGE_*: the scope;
					* LABEL: the goroutine labelled */
	int64_t resource_id;
	int old_state, new_state;      /* STATE_TRANSITION: gomem_trace_go_state or _proc_state */
	uint64_t task, parent;         /* TASK_*: id and parent; REGION_*, LOG: the task */
	int has_sweep_attrs;           /* RANGE_END of a sweep: */
	uint64_t swept, reclaimed;     /* bytes swept and reclaimed */
	uint64_t stack;                /* the event's stack (0: none), see gomem_trace_stack_* */
	uint64_t transition_stack;     /* STATE_TRANSITION: the stack of the resource that
					* changed (a created goroutine's start), 0 none */
	uint64_t args[5];              /* the raw arguments (after the time) */
	int nargs;
} gomem_trace_event;

/* "GoCreate", "STWBegin", ...; "Sync" for the sync event; NULL when unknown. */
GOMEM_API const char *gomem_trace_type_name(int type);
GOMEM_API const char *gomem_trace_kind_name(gomem_trace_kind kind);
GOMEM_API const char *gomem_trace_go_state_name(int state);
GOMEM_API const char *gomem_trace_proc_state_name(int state);

typedef struct gomem_trace_frame {
	uint64_t pc;
	const char *func;
	const char *file;
	uint64_t line;
} gomem_trace_frame;

/* ---- the reader -------------------------------------------------------- */

typedef struct gomem_trace_reader gomem_trace_reader;

typedef struct gomem_trace_reader_options {
	unsigned int version;      /* GOMEM_TRACE_READER_OPTIONS_VERSION */
	uint64_t max_generation;   /* bytes one generation (or an old-format trace) may hold
				    * in memory; 0 = GOMEM_TRACE_DEFAULT_MAX_GENERATION */
} gomem_trace_reader_options;

#define GOMEM_TRACE_READER_OPTIONS_VERSION 1
#define GOMEM_TRACE_READER_OPTIONS_INIT {GOMEM_TRACE_READER_OPTIONS_VERSION, 0}
#define GOMEM_TRACE_DEFAULT_MAX_GENERATION (UINT64_C(1) << 30)

/* NAME labels errors; OPTS may be NULL. */
GOMEM_API int gomem_trace_reader_new(gomem_trace_reader **out, const char *name,
				     const gomem_trace_reader_options *opts);
/* More bytes of the trace. Take the events (next until 0) before feeding
 * again: memory then holds one generation and the chunk being fed. */
GOMEM_API int gomem_trace_reader_feed(gomem_trace_reader *r, const void *data, size_t len);
/* End of input. A truncated trace is an error naming the byte it ends at. */
GOMEM_API int gomem_trace_reader_finish(gomem_trace_reader *r);
/* 1 and the next event (borrowed, valid until the next call), 0 when none is
 * ready (feed more; after finish: the end), or a negative GOMEM_E_* with the
 * detail in gomem_trace_reader_error ("name: byte N: message"). */
GOMEM_API int gomem_trace_reader_next(gomem_trace_reader *r, const gomem_trace_event **ev);
GOMEM_API const gomem_error *gomem_trace_reader_error(const gomem_trace_reader *r);
/* The trace's Go release: 22 for "go 1.22 trace"; 0 until the header is read. */
GOMEM_API int gomem_trace_reader_go_minor(const gomem_trace_reader *r);
/* Generations read so far (an old-format trace counts as one). */
GOMEM_API uint64_t gomem_trace_reader_generations(const gomem_trace_reader *r);
GOMEM_API void gomem_trace_reader_free(gomem_trace_reader *r);

/* The frames of STACK (from the event last returned; stacks are per
 * generation), leaf first: the depth, and frame I. Strings borrowed like the
 * event. An unknown stack has depth 0. */
GOMEM_API size_t gomem_trace_stack_depth(const gomem_trace_reader *r, uint64_t stack);
GOMEM_API int gomem_trace_stack_frame(const gomem_trace_reader *r, uint64_t stack, size_t i,
				      gomem_trace_frame *out);

/* Writes EV as `go tool trace -d=1` prints it (Go's Event.String(), stacks
 * included), one event per call, for diffing the two readers. */
GOMEM_API int gomem_trace_event_write(FILE *fp, const gomem_trace_reader *r,
				      const gomem_trace_event *ev);

/* ---- the analysis ------------------------------------------------------ */

/* What the mutator utilization counts as GC (go tool trace's MMU view
 * flags; its default is STW | BACKGROUND | ASSIST). */
enum {
	GOMEM_TRACE_UTIL_STW = 1 << 0,        /* GC stop-the-world phases */
	GOMEM_TRACE_UTIL_BACKGROUND = 1 << 1, /* background mark workers */
	GOMEM_TRACE_UTIL_ASSIST = 1 << 2,     /* mark assists */
	GOMEM_TRACE_UTIL_SWEEP = 1 << 3,      /* sweeping */
	GOMEM_TRACE_UTIL_PERPROC = 1 << 4     /* one utilization per P ("per-goroutine" view) */
};
#define GOMEM_TRACE_UTIL_DEFAULT \
	(GOMEM_TRACE_UTIL_STW | GOMEM_TRACE_UTIL_BACKGROUND | GOMEM_TRACE_UTIL_ASSIST)
/* Parses "stw|background|assist" (the /mmu?flags= syntax; "," also
 * separates; unknown names are GOMEM_E_INVALID). */
GOMEM_API int gomem_trace_util_flags_parse(unsigned int *out, const char *s);

typedef enum {
	GOMEM_TRACE_BY_STACK = 0,  /* where the goroutine was when it became runnable */
	GOMEM_TRACE_BY_CREATOR,    /* the stack of the go statement that created it */
	GOMEM_TRACE_BY_FUNCTION    /* the function the goroutine started in */
} gomem_trace_by;
GOMEM_API int gomem_trace_by_parse(gomem_trace_by *out, const char *name);

/* A span of time the analysis closed, for drawing timelines (per-P
 * goroutine runs, GC cycles, STW bands) as it streams. */
typedef enum {
	GOMEM_TRACE_IV_PROC_RUN = 1, /* proc ran goroutine g (id = p) */
	GOMEM_TRACE_IV_GC,           /* a GC cycle, from its start to its end of mark termination */
	GOMEM_TRACE_IV_STW,          /* a stop-the-world; label: its reason */
	GOMEM_TRACE_IV_ASSIST,       /* goroutine g in a mark assist */
	GOMEM_TRACE_IV_SWEEP         /* proc id sweeping */
} gomem_trace_iv_kind;

typedef struct gomem_trace_interval {
	gomem_trace_iv_kind kind;
	int64_t start, end; /* ns since the trace's first event */
	int64_t id;         /* the proc (PROC_RUN, SWEEP), GC cycle number, STW number */
	int64_t g;          /* PROC_RUN, ASSIST: the goroutine */
	const char *label;  /* STW: the reason; else "" */
} gomem_trace_interval;

typedef struct gomem_trace_options {
	unsigned int version;        /* GOMEM_TRACE_OPTIONS_VERSION */
	unsigned int util_flags;     /* 0 = GOMEM_TRACE_UTIL_DEFAULT */
	const int64_t *mmu_windows;  /* nanoseconds; NULL = 1ms, 10ms, 100ms, 1s */
	size_t nmmu_windows;
	gomem_trace_by by;           /* latency rows keyed by */
	size_t keep_longest;         /* longest STWs and non-preemptible runs kept; 0 = 10 */
	/* Called as each interval closes (may be NULL); the label is borrowed. */
	void (*on_interval)(const gomem_trace_interval *iv, void *payload);
	void *payload;
	gomem_trace_reader_options reader; /* for gomem_trace_analyze */
} gomem_trace_options;

#define GOMEM_TRACE_OPTIONS_VERSION 1
#define GOMEM_TRACE_OPTIONS_INIT \
	{GOMEM_TRACE_OPTIONS_VERSION, 0, NULL, 0, GOMEM_TRACE_BY_STACK, 0, NULL, NULL, \
	 GOMEM_TRACE_READER_OPTIONS_INIT}

/* One GC cycle. Times in seconds since the trace's first event; a phase the
 * trace did not show (it began or ended mid-cycle) is NAN, a byte count -1.
 * Field names follow gomem gctrace --events where the meaning is the same. */
typedef struct gomem_trace_gc {
	int64_t gc;              /* 1 for the trace's first cycle (the runtime's count
				  * when tracing began before any GC) */
	int64_t seq;             /* the trace's GC sequence number */
	double t;                /* the cycle's start (GCBegin) */
	double stw_sweep_term;   /* the sweep termination stop-the-world */
	double concurrent_mark;  /* from the end of sweep termination to mark termination */
	double stw_mark_term;    /* the mark termination stop-the-world */
	double wall;             /* start to the end of mark termination */
	double assist;           /* mark assist time while the assisting goroutines ran */
	double assist_wall;      /* assist ranges end to end, waiting for work included */
	uint64_t assists;        /* assist ranges that began in the cycle */
	int64_t heap_start;      /* heap (/memory/classes/heap/objects) when the cycle began */
	int64_t heap_end;        /* heap when mark termination began */
	int64_t heap_live;       /* heap after mark termination: what was marked */
	int64_t goal;            /* the cycle's heap goal */
	int procs;               /* GOMAXPROCS */
} gomem_trace_gc;

/* One stop-the-world. */
typedef struct gomem_trace_stw {
	int64_t n;               /* 1-based, in trace order */
	double t;                /* start, seconds since the trace's first event */
	double duration;         /* seconds */
	const char *reason;      /* as the runtime names it: "GC sweep termination", ... */
	int gc;                  /* a GC phase (sweep or mark termination) */
	int64_t gc_cycle;        /* its GC cycle (gomem_trace_gc.gc), 0 if none */
	int64_t g;               /* the goroutine that stopped the world */
	double time_to_stop;     /* begin until the last running proc stopped; NAN when no
				  * other proc was running (the trace cannot show it) */
	int procs_stopped;       /* running procs that had to stop */
	int64_t laggard_g;       /* the goroutine on the last proc to stop, -1 none */
	const char *laggard_func;/* where it was when it stopped (its innermost frame) */
} gomem_trace_stw;

/* A goroutine that kept running while a stop-the-world waited for it. */
typedef struct gomem_trace_laggard {
	int64_t g;
	double t;                /* when the stop-the-world began */
	double ran;              /* how long it kept the world from stopping */
	double run;              /* its whole run, from its start to its stop */
	const char *reason;      /* the stop-the-world's reason */
	const char *func;        /* innermost frame where it stopped */
	const char *stack;       /* its stack there, "root;...;leaf" */
} gomem_trace_laggard;

/* Scheduling latency (runnable -> running) of one key. */
typedef struct gomem_trace_latency_row {
	const char *key;         /* a stack "root;...;leaf", a creator stack or a function;
				  * "(unknown)" when the trace did not show it */
	uint64_t count;
	double total, p50, p99, max; /* seconds */
} gomem_trace_latency_row;

typedef struct gomem_trace_mmu_point {
	int64_t window;          /* ns */
	double mmu;              /* 0..1 */
} gomem_trace_mmu_point;

/* The distribution of one duration: exact while it has few values, then
 * within 0.1 % (a bounded histogram). */
typedef struct gomem_trace_dist {
	uint64_t count;
	double total, p50, p90, p99, max; /* seconds; NAN when count is 0 */
} gomem_trace_dist;

typedef struct gomem_trace_stw_reason {
	const char *reason;
	gomem_trace_dist dist;
} gomem_trace_stw_reason;

typedef struct gomem_trace_summary {
	int go_minor;            /* 22 for a Go 1.22 trace */
	uint64_t events, generations;
	double duration;         /* first to last event, seconds */
	int procs_max;           /* GOMAXPROCS, the largest seen */
	/* GC */
	uint64_t gc_cycles;      /* cycles whose mark phase ended in the trace, as
				  * NumGC and gctrace count them (a cycle the trace's
				  * end cut short has a row, but is not counted) */
	double gc_mark_total;    /* concurrent mark wall time, summed */
	double gc_wall_total;    /* GC cycles start to end, summed */
	double assist_total, assist_wall_total; /* see gomem_trace_gc */
	uint64_t assists;
	double sweep_total;      /* sweep ranges, summed over procs */
	uint64_t sweeps;
	uint64_t swept_bytes, reclaimed_bytes;
	/* stop-the-world */
	gomem_trace_dist stw;    /* every stop-the-world */
	gomem_trace_dist stw_gc; /* GC phases only */
	gomem_trace_dist time_to_stop;
	/* scheduling latency */
	gomem_trace_dist latency;
	/* goroutines */
	uint64_t goroutines;     /* distinct goroutines seen */
	uint64_t goroutines_created;
	double state_mean[GOMEM_TRACE_GO_STATE_COUNT]; /* time-weighted mean count per state */
	uint64_t state_max[GOMEM_TRACE_GO_STATE_COUNT];
	/* heap */
	int64_t heap_peak, goal_peak;  /* -1 when the trace had none */
	/* annotations and samples */
	uint64_t tasks, regions, logs, cpu_samples;
} gomem_trace_summary;

typedef struct gomem_trace_analysis gomem_trace_analysis;

/* OPTS may be NULL (GOMEM_TRACE_OPTIONS_INIT); the arrays it points to are
 * copied. */
GOMEM_API int gomem_trace_analysis_new(gomem_trace_analysis **out, const gomem_trace_options *opts);
/* One event from R (stacks are looked up through it). */
GOMEM_API int gomem_trace_analysis_add(gomem_trace_analysis *a, const gomem_trace_reader *r,
				       const gomem_trace_event *ev);
/* After the last event: closes what is still open and computes the MMU. */
GOMEM_API int gomem_trace_analysis_finish(gomem_trace_analysis *a);
GOMEM_API const gomem_error *gomem_trace_analysis_error(const gomem_trace_analysis *a);
GOMEM_API void gomem_trace_analysis_free(gomem_trace_analysis *a);

/* Reads SRC to the end through a reader into a new analysis (finished). On
 * failure *out is NULL and ERR says why ("file: byte N: message"). */
GOMEM_API int gomem_trace_analyze(gomem_trace_analysis **out, gomem_source *src,
				  const gomem_trace_options *opts, gomem_error *err);

/* Results, borrowed from the analysis (after finish). */
GOMEM_API const gomem_trace_summary *gomem_trace_analysis_summary(const gomem_trace_analysis *a);
GOMEM_API size_t gomem_trace_gc_count(const gomem_trace_analysis *a);
GOMEM_API const gomem_trace_gc *gomem_trace_gc_at(const gomem_trace_analysis *a, size_t i);
GOMEM_API size_t gomem_trace_stw_count(const gomem_trace_analysis *a);
GOMEM_API const gomem_trace_stw *gomem_trace_stw_at(const gomem_trace_analysis *a, size_t i);
/* Stop-the-world pauses by reason, most frequent first. */
GOMEM_API size_t gomem_trace_stw_reason_count(const gomem_trace_analysis *a);
GOMEM_API const gomem_trace_stw_reason *gomem_trace_stw_reason_at(const gomem_trace_analysis *a,
								  size_t i);
/* The longest stop-the-worlds (up to keep_longest), longest first. */
GOMEM_API size_t gomem_trace_longest_stw_count(const gomem_trace_analysis *a);
GOMEM_API const gomem_trace_stw *gomem_trace_longest_stw_at(const gomem_trace_analysis *a, size_t i);
/* The longest runs a stop-the-world waited for, longest first. */
GOMEM_API size_t gomem_trace_laggard_count(const gomem_trace_analysis *a);
GOMEM_API const gomem_trace_laggard *gomem_trace_laggard_at(const gomem_trace_analysis *a, size_t i);
/* The MMU at each window asked for, in the order asked. */
GOMEM_API size_t gomem_trace_mmu_count(const gomem_trace_analysis *a);
GOMEM_API const gomem_trace_mmu_point *gomem_trace_mmu_at(const gomem_trace_analysis *a, size_t i);
/* Scheduling latency by the options' key, largest total first. */
GOMEM_API size_t gomem_trace_latency_count(const gomem_trace_analysis *a);
GOMEM_API const gomem_trace_latency_row *gomem_trace_latency_at(const gomem_trace_analysis *a,
								size_t i);

/* The summary's figures by name, for one row per trace and for gates
 * ("stw.max=5ms"). Names are dotted ("stw.max", "mmu.10ms"), columns
 * snake case with the unit ("stw_max_s", "mmu_10ms"). */
typedef enum {
	GOMEM_TRACE_FIG_COUNT = 0,
	GOMEM_TRACE_FIG_SECONDS,
	GOMEM_TRACE_FIG_BYTES,
	GOMEM_TRACE_FIG_RATIO     /* 0..1 */
} gomem_trace_fig_unit;

typedef struct gomem_trace_figure {
	const char *name;
	const char *column;
	gomem_trace_fig_unit unit;
	int lower_is_worse;       /* the MMU: a gate trips below its limit */
	double value;             /* NAN when the trace did not show it */
} gomem_trace_figure;

GOMEM_API size_t gomem_trace_figure_count(const gomem_trace_analysis *a);
GOMEM_API const gomem_trace_figure *gomem_trace_figure_at(const gomem_trace_analysis *a, size_t i);
/* By name, NULL when there is none ("mmu.W" exists for the windows asked). */
GOMEM_API const gomem_trace_figure *gomem_trace_figure_find(const gomem_trace_analysis *a, const char *name);
/* "1ms", "250us", "1500ns": the compact name of a window, as figures use it. */
GOMEM_API int gomem_trace_window_name(char *buf, size_t size, int64_t ns);

/* ---- output through the table layer ------------------------------------- */

typedef enum {
	GOMEM_TRACE_TABLE_SUMMARY = 0, /* one row per trace: every figure */
	GOMEM_TRACE_TABLE_GC,          /* one row per GC cycle */
	GOMEM_TRACE_TABLE_STW,         /* one row per stop-the-world */
	GOMEM_TRACE_TABLE_LONGEST,     /* the longest stop-the-worlds */
	GOMEM_TRACE_TABLE_REASONS,     /* stop-the-world pauses by reason */
	GOMEM_TRACE_TABLE_LATENCY,     /* scheduling latency by key, then the runs stop-the-worlds
					* waited for (column kind: "wait" or "stw-wait") */
	GOMEM_TRACE_TABLE_MMU,         /* the MMU at each window */
	GOMEM_TRACE_TABLE_WAITS,       /* scheduling latency by key alone */
	GOMEM_TRACE_TABLE_STW_WAITS    /* the runs stop-the-worlds waited for, alone */
} gomem_trace_table_kind;

/* The columns of a table KIND, the first one "file", for OPTS (the MMU
 * windows name summary columns); free with gomem_trace_columns_free. */
GOMEM_API int gomem_trace_columns_new(gomem_column **out, size_t *n, gomem_trace_table_kind kind,
				      const gomem_trace_options *opts);
GOMEM_API void gomem_trace_columns_free(gomem_column *cols, size_t n);
/* The rows of A for a table made with those columns; FILE fills the file
 * column; TOP > 0 keeps the first TOP latency rows (and as many waits). */
GOMEM_API int gomem_trace_table_rows(const gomem_trace_analysis *a, gomem_trace_table_kind kind,
				     const char *file, size_t top, gomem_table *t);
/* The summary of one trace for people: a few lines and small tables. */
GOMEM_API int gomem_trace_write_report(const gomem_trace_analysis *a, const char *file, FILE *fp,
				       int color, gomem_error *err);

/* What --format folded and pprof write: scheduling latency or assist time
 * by the stack where it was spent. */
typedef enum {
	GOMEM_TRACE_PROFILE_LATENCY = 0, /* runnable -> running, by the stack it waited at */
	GOMEM_TRACE_PROFILE_ASSIST       /* mark assist time, by the assisting stack */
} gomem_trace_profile_kind;

/* Collapsed stacks "root;...;leaf nanoseconds", one line per stack, sorted. */
GOMEM_API int gomem_trace_write_folded(const gomem_trace_analysis *a, gomem_trace_profile_kind kind,
				       FILE *fp, gomem_error *err);
/* A gzipped profile.proto (sample types count/count and delay/nanoseconds or
 * assist/nanoseconds), for go tool pprof. */
GOMEM_API int gomem_trace_write_pprof(const gomem_trace_analysis *a, gomem_trace_profile_kind kind,
				      FILE *fp, gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
