/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/monitor.h — the model behind `gomem top`: any number of sources
 * watched at once, each turned into a row of live GC figures and a short
 * history for charts. Sources are gctrace streams (a log file followed like
 * tail -F, a pipe or stdin, a child started with GODEBUG=gctrace=1) or the
 * pprof endpoint of a running Go service, polled at a gentle interval.
 *
 * No drawing and no blocking here: the caller owns the clock. It waits with
 * gomem_monitor_wait (for its own descriptors too: the terminal, a listen
 * socket), calls gomem_monitor_read after each wait and gomem_monitor_tick
 * once per screen refresh; then reads the rows. An endpoint's fetches run
 * in the background of those calls and never hold them up. Times passed in
 * are seconds of a monotonic clock (CLOCK_MONOTONIC); any origin. */
#ifndef GOMEM_MONITOR_H
#define GOMEM_MONITOR_H

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

typedef struct gomem_monitor gomem_monitor;

typedef enum {
	GOMEM_MONITOR_FILE = 1, /* a log file, followed */
	GOMEM_MONITOR_PIPE,     /* "-": standard input */
	GOMEM_MONITOR_CHILD,    /* a command started with gctrace=1 */
	GOMEM_MONITOR_URL       /* a pprof endpoint, polled */
} gomem_monitor_kind;

typedef enum {
	GOMEM_MONITOR_WAITING = 0, /* nothing seen yet */
	GOMEM_MONITOR_RUNNING,     /* events arrive (or may) */
	GOMEM_MONITOR_ENDED,       /* a pipe closed */
	GOMEM_MONITOR_EXITED,      /* a child ended: exit_status */
	GOMEM_MONITOR_ERROR        /* message says why (a URL that failed keeps being polled) */
} gomem_monitor_state;

typedef enum {
	GOMEM_MONITOR_SORT_NONE = 0, /* the order sources were added */
	GOMEM_MONITOR_SORT_NAME,
	GOMEM_MONITOR_SORT_GC_RATE,
	GOMEM_MONITOR_SORT_PAUSE,    /* last pause */
	GOMEM_MONITOR_SORT_P99,
	GOMEM_MONITOR_SORT_CPU,
	GOMEM_MONITOR_SORT_HEAP,
	GOMEM_MONITOR_SORT_SLOPE,
	GOMEM_MONITOR_SORT_GOROUTINES,
	GOMEM_MONITOR_SORT_AGE,
	GOMEM_MONITOR_SORT_COUNT_   /* number of keys, not a key */
} gomem_monitor_sort_key;

typedef struct gomem_monitor_options {
	unsigned int version;   /* GOMEM_MONITOR_OPTIONS_VERSION */
	double window;          /* seconds of events behind the statistics (0: 300) */
	size_t history;         /* points kept per source for charts (0: 512) */
	double url_interval;    /* seconds between two polls of an endpoint (0: 5);
				 * never polled more often than this */
	long url_timeout_ms;    /* one fetch (0: 5000; GOMEM_MONITOR_NO_TIMEOUT: none) */
	int from_start;         /* files: read what they hold already (default 1) */
	uint64_t max_read;      /* bytes read per source per call (0: 16 MiB), so a
				 * huge log cannot freeze the screen */
} gomem_monitor_options;

#define GOMEM_MONITOR_OPTIONS_VERSION 1
#define GOMEM_MONITOR_NO_TIMEOUT (-1L)
#define GOMEM_MONITOR_OPTIONS_INIT {GOMEM_MONITOR_OPTIONS_VERSION, 0, 0, 0, 0, 1, 0}

/* One point of a source's history: a gc line, or one poll of an endpoint.
 * Bytes, seconds; -1 or NAN when not known. */
typedef struct gomem_monitor_point {
	double when;        /* monotonic time it arrived (the caller's clock) */
	double t;           /* gctrace @T (seconds since the process started); NAN for URLs */
	int64_t gc;         /* gc number, or NumGC */
	int64_t heap_start, heap_end; /* gctrace H0, H1; -1 for URLs */
	int64_t heap_live;  /* marked heap (gctrace H2), or HeapAlloc */
	int64_t goal;       /* heap goal, or NextGC */
	double pause;       /* STW pause of this GC (sweep term + mark term);
			     * URLs: the longest pause since the last poll */
	double mark;        /* concurrent mark wall time; NAN for URLs */
	double cpu_pct;     /* GC CPU %: gctrace's cumulative N%, or GCCPUFraction */
	int procs;          /* GOMAXPROCS, -1 unknown */
	int forced;
	int64_t heap_marked;/* the heap the last GC marked: gctrace H2, or an
			     * endpoint's heap profile in-use bytes (unsampled);
			     * -1 unknown. What the slope is fitted on. */
} gomem_monitor_point;

/* A source's row, as the main screen shows it. */
typedef struct gomem_monitor_row {
	size_t index;               /* order of addition */
	const char *name;           /* file base name, host:port or command name */
	const char *spec;           /* what was given: path, URL, command line */
	gomem_monitor_kind kind;
	gomem_monitor_state state;
	int exit_status;            /* EXITED: 0-255 or 128+signal */
	const char *message;        /* ERROR: why; "" otherwise */
	int64_t gcs;                /* last gc number (or NumGC); -1 before any */
	double gc_per_s;            /* over the window; NAN below two GCs */
	double pause_last, pause_p99; /* STW pause, seconds */
	double gc_cpu_pct;          /* percent of the CPU the GC took */
	int64_t heap_live, heap_goal;/* bytes; -1 unknown */
	double heap_slope;          /* trend of the marked heap (after each GC), bytes
				     * per second; NAN until three GCs are seen */
	int64_t goroutines;         /* URLs; -1 unknown */
	double age;                 /* seconds since the last GC; NAN before one */
	/* endpoints only (-1 otherwise) */
	int64_t heap_inuse, heap_idle, heap_released, sys;
	uint64_t lines, skipped;    /* gctrace: lines read, lines that were not gctrace */
	uint64_t polls, poll_errors;/* URLs */
	double pause_p50, pause_max;/* STW pause over the window (streams); NAN unknown */
	/* schedtrace in a stream (GODEBUG=schedtrace=N beside gctrace=1); -1 or
	 * NAN while it carries none, and always for endpoints */
	int64_t runq;               /* runnable goroutines waiting in the last snapshot:
				     * the global queue plus every P's */
	int64_t threads;            /* threads (Ms) in the last snapshot */
	int64_t gomaxprocs;         /* GOMAXPROCS of the last snapshot */
	double runq_p99;            /* the backlog's p99 over the last 512 snapshots */
} gomem_monitor_row;

typedef struct gomem_monitor_totals {
	size_t sources, running, ended, errors;
	double gc_per_s;            /* sum */
	int64_t heap_live, heap_goal; /* sums of the known */
	double pause_max;           /* largest last pause */
	int64_t gcs;                /* sum of GC counts */
} gomem_monitor_totals;

GOMEM_API int gomem_monitor_new(gomem_monitor **out, const gomem_monitor_options *opts);
GOMEM_API void gomem_monitor_free(gomem_monitor *m);

/* SPEC: "http://..." or "https://..." is an endpoint, "-" standard input,
 * anything else a log file (which may not exist yet). An endpoint's URLs
 * follow gomem_pprof_url with GOMEM_PPROF_URL_SIBLING: a base URL
 * (http://host:6060) or one of /debug/pprof/ names both the heap profile
 * (debug=1, for its MemStats) and the goroutine profile; any other path is
 * fetched as the heap profile, and no goroutine count is had. */
GOMEM_API int gomem_monitor_add(gomem_monitor *m, const char *spec);
/* Starts ARGV (NULL-terminated) with gctrace=1 merged into its GODEBUG; its
 * stderr is read, its stdin and stdout go to /dev/null when QUIET. */
GOMEM_API int gomem_monitor_add_command(gomem_monitor *m, char *const argv[], int quiet);
/* Hands the text of an already-read input to a new source called NAME (tests,
 * and a log replayed from memory). */
GOMEM_API int gomem_monitor_add_buffer(gomem_monitor *m, const char *name, const void *data,
				       size_t len);

/* Descriptors worth polling for input (pipes, children); files are read on
 * each tick. Returns how many were written to FDS (at most MAX). */
GOMEM_API size_t gomem_monitor_fds(const gomem_monitor *m, int *fds, size_t max);
/* Waits at most TIMEOUT seconds until a stream has input, an endpoint's
 * fetch can move on, or one of the caller's EXTRA descriptors (poll(2)
 * style, at most 64; their revents are set) is ready. */
struct pollfd;
GOMEM_API int gomem_monitor_wait(gomem_monitor *m, struct pollfd *extra, size_t nextra,
				 double timeout);
/* Reads what arrived on every stream source and moves the endpoints'
 * fetches on, without blocking; a poll that finished becomes a point. */
GOMEM_API int gomem_monitor_read(gomem_monitor *m, double now);
/* One refresh: reads, starts the polls of the endpoints that are due (one
 * in flight per endpoint at most), and recomputes the rows. Errors of one source land on its row; the return is an error only
 * for the monitor itself (out of memory). */
GOMEM_API int gomem_monitor_tick(gomem_monitor *m, double now);
/* Endpoint polls in flight (started, not finished). */
GOMEM_API size_t gomem_monitor_polls_running(const gomem_monitor *m);
/* Seconds until an endpoint is due (at most CAP), for the caller's sleep. */
GOMEM_API double gomem_monitor_next_poll(const gomem_monitor *m, double now, double cap);

/* Rows in the current order; valid until the next tick, sort or add. */
GOMEM_API size_t gomem_monitor_row_count(const gomem_monitor *m);
GOMEM_API const gomem_monitor_row *gomem_monitor_row_at(const gomem_monitor *m, size_t i);
GOMEM_API void gomem_monitor_get_totals(const gomem_monitor *m, gomem_monitor_totals *out);
/* DESCENDING: largest first (unknown values always last); ties by name. */
GOMEM_API void gomem_monitor_sort(gomem_monitor *m, gomem_monitor_sort_key key, int descending);
GOMEM_API const char *gomem_monitor_sort_name(gomem_monitor_sort_key key);
/* "gcs", "p99", ... -> key; GOMEM_E_INVALID for an unknown name. */
GOMEM_API int gomem_monitor_sort_parse(gomem_monitor_sort_key *out, const char *name);

/* History of the row at I (current order), oldest first: J in [0, count). */
GOMEM_API size_t gomem_monitor_history_count(const gomem_monitor *m, size_t i);
GOMEM_API const gomem_monitor_point *gomem_monitor_history_at(const gomem_monitor *m, size_t i,
							       size_t j);

/* Every source has ended (pipes closed, children exited) and none is polled. */
GOMEM_API int gomem_monitor_all_ended(const gomem_monitor *m);
GOMEM_API const gomem_error *gomem_monitor_error(const gomem_monitor *m);
GOMEM_API const char *gomem_monitor_state_name(gomem_monitor_state state);

/* The N of "goroutine profile: total N", the first line of an endpoint's
 * /debug/pprof/goroutine?debug=1; GOMEM_E_FORMAT (and -1) for anything else. */
GOMEM_API int gomem_monitor_goroutine_total(int64_t *out, const char *text, size_t len);

/* ---- the rows as metrics (gomem top --listen) -------------------------------------- */

/* Listens on ADDR ("HOST:PORT", "[V6]:PORT"; port 0 picks a free one) and
 * from then on serves GET /metrics from the rows of the last tick: the
 * descriptors are waited on by gomem_monitor_wait, the requests answered by
 * gomem_monitor_read, never blocking (a client has 10 s and 8 KiB for its
 * request, 16 at once). GOMEM_E_INVALID for an ADDR not of that shape,
 * GOMEM_E_IO when it cannot be bound (the error says why). Once only. */
GOMEM_API int gomem_monitor_listen(gomem_monitor *m, const char *addr);
/* The address bound ("127.0.0.1:41234"), NULL before gomem_monitor_listen. */
GOMEM_API const char *gomem_monitor_listen_address(const gomem_monitor *m);
/* The rows as metrics text of FLAVOR, one series per source labelled
 * source = its spec: gomem_source_up always; the GC, heap, goroutine and
 * sched families only while the source is live (running, and for a stream
 * a gc line within the window), so a source that is gone goes stale in
 * Prometheus instead of repeating its last values. GOMEM_E_IO on a write error. */
GOMEM_API int gomem_monitor_write_metrics(const gomem_monitor *m, FILE *fp,
					  gomem_metrics_flavor flavor);
/* The flavour an Accept header asks for: OpenMetrics when it ranks
 * application/openmetrics-text (version absent or 1.0.0) above text/plain
 * and any wildcard, the Prometheus text format otherwise (NULL included). */
GOMEM_API gomem_metrics_flavor gomem_metrics_negotiate(const char *accept);

/* ---- the rows as text ------------------------------------------------------------ */

/* gomem top's batch output: per tick a row per source, in the current
 * order; the text table is a table per tick (a blank line between), CSV,
 * TSV and NDJSON one stream with one header. FP is the caller's. */
typedef struct gomem_monitor_batch gomem_monitor_batch;
GOMEM_API int gomem_monitor_batch_new(gomem_monitor_batch **out, FILE *fp, gomem_format format);
GOMEM_API int gomem_monitor_batch_tick(gomem_monitor_batch *b, const gomem_monitor *m, long tick,
				       double elapsed);
/* Closes the stream (CSV's last flush, nothing for the text table). */
GOMEM_API int gomem_monitor_batch_end(gomem_monitor_batch *b);
/* Why a tick or the end failed (a write error carries errno's text). */
GOMEM_API const gomem_error *gomem_monitor_batch_error(const gomem_monitor_batch *b);
GOMEM_API void gomem_monitor_batch_free(gomem_monitor_batch *b);

/* A row's cells as the screen shows them ("-" for unknown). */
typedef struct gomem_monitor_text {
	char state[32], gcs[24], gc_per_s[16], pause[GOMEM_UNITS_BUFSIZE], p99[GOMEM_UNITS_BUFSIZE];
	char cpu[16], live[GOMEM_UNITS_BUFSIZE], goal[GOMEM_UNITS_BUFSIZE], slope[48];
	char goroutines[24], age[GOMEM_UNITS_BUFSIZE];
	char runq[24], threads[24]; /* schedtrace: RUNQ, THREADS */
} gomem_monitor_text;
GOMEM_API void gomem_monitor_row_text(gomem_monitor_text *out, const gomem_monitor_row *r);
/* A row carries schedtrace figures: the RUNQ and THREADS columns are worth showing. */
GOMEM_API int gomem_monitor_has_schedtrace(const gomem_monitor *m);
/* Bytes (-1: "-") and seconds (NAN: "-") as the table shows them. */
GOMEM_API void gomem_monitor_text_bytes(char *buf, size_t size, int64_t bytes);
GOMEM_API void gomem_monitor_text_duration(char *buf, size_t size, double seconds);
/* "file", "pipe", "command" or "url". */
GOMEM_API const char *gomem_monitor_kind_name(gomem_monitor_kind kind);

#ifdef __cplusplus
}
#endif
#endif
