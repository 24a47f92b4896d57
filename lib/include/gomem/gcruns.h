/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/gcruns.h — gctrace text read into what the tools show: per input,
 * the statistics of each run (a run ends where the gc counter goes back: the
 * program restarted), bounded by a window when the input never ends; and
 * every event as a row of the one output layer (the columns of
 * `gomem gctrace --events`). Pushed: feed what arrives, finish at the end. */
#ifndef GOMEM_GCRUNS_H
#define GOMEM_GCRUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/follow.h"
#include "gomem/gcstats.h"
#include "gomem/gctrace.h"
#include "gomem/source.h"
#include "gomem/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_gcruns gomem_gcruns;

typedef struct gomem_gcruns_options {
	unsigned int version;  /* GOMEM_GCRUNS_OPTIONS_VERSION */
	int stats;             /* keep each run's statistics (0: events only, in
				* constant memory whatever the input) */
	double window;         /* statistics of the last WINDOW seconds of a run
				* (0: the whole run) ... */
	size_t max_events;     /* ... and of its last MAX_EVENTS GCs at most (0: all) */
	/* Each event as it is read, and each run's statistics when it ends (a
	 * new run begins, or finish); NULL for none. A return other than
	 * GOMEM_OK stops the feed with it. */
	int (*on_event)(void *payload, const gomem_gctrace_event *ev);
	int (*on_run)(void *payload, const gomem_gcstats_summary *run);
	void *payload;
} gomem_gcruns_options;

#define GOMEM_GCRUNS_OPTIONS_VERSION 1
#define GOMEM_GCRUNS_OPTIONS_INIT {GOMEM_GCRUNS_OPTIONS_VERSION, 1, 0, 0, NULL, NULL, NULL}

/* NAME labels the parser's errors. */
GOMEM_API int gomem_gcruns_new(gomem_gcruns **out, const char *name,
			       const gomem_gcruns_options *opts);
GOMEM_API int gomem_gcruns_feed(gomem_gcruns *r, const void *data, size_t len);
/* The text starts over (a log truncated or replaced): a line the old text
 * left unfinished ends here. */
GOMEM_API int gomem_gcruns_restart(gomem_gcruns *r);
/* The end of the input: its last line, and on_run for the open run. */
GOMEM_API int gomem_gcruns_finish(gomem_gcruns *r);
/* The open run's statistics into *OUT: 1, or 0 when no run is open (or
 * statistics are not kept). */
GOMEM_API int gomem_gcruns_current(const gomem_gcruns *r, gomem_gcstats_summary *out);
/* Its parser: the line counts, the error of a failed feed. */
GOMEM_API const gomem_gctrace_parser *gomem_gcruns_parser(const gomem_gcruns *r);
GOMEM_API void gomem_gcruns_free(gomem_gcruns *r);

/* ---- events as rows ----------------------------------------------------------------- */

enum {
	GOMEM_GCTRACE_ROWS_SCAV = 1 << 0,     /* scavenger events: a kind column and their fields */
	GOMEM_GCTRACE_ROWS_ONE_FILE = 1 << 1  /* the text table leaves the file column out */
};

#define GOMEM_GCTRACE_EVENT_COLUMNS_MAX 48

/* The columns of an event row into COLS (room for
 * GOMEM_GCTRACE_EVENT_COLUMNS_MAX): gc, t_s, heap_start_bytes,
 * heap_end_bytes, heap_live_bytes, goal_bytes, procs, forced, line, file,
 * run, then every other field (see gomem-gctrace(1)). Returns how many. */
GOMEM_API size_t gomem_gctrace_event_columns(gomem_column *cols, unsigned flags);
/* EV's cells for those columns (FILE is NAME); returns how many. */
GOMEM_API size_t gomem_gctrace_event_cells(gomem_cell *cells, const gomem_gctrace_event *ev,
					   const char *name, unsigned flags);

/* ---- summaries as rows ---------------------------------------------------------------- */

#define GOMEM_GCTRACE_SUMMARY_COLUMNS 40

/* The columns of a summary row, one run's statistics (`gomem gctrace`
 * without --events; see gomem-gctrace(1)): file, run, gcs, ... last_line.
 * Static: valid for the life of the program. *N gets how many. */
GOMEM_API const gomem_column *gomem_gctrace_summary_columns(size_t *n);
/* The cells of run S of input NAME for those columns; BUF (SIZE bytes, 32
 * are enough) holds the text of the quantiles cell, so it must live as long
 * as the cells. Returns how many. */
GOMEM_API size_t gomem_gctrace_summary_cells(gomem_cell *cells, const gomem_gcstats_summary *s,
					     const char *name, char *buf, size_t size);
/* Adds the line counts of P to *SUM (several inputs, one report). */
GOMEM_API void gomem_gctrace_counts_add(gomem_gctrace_counts *sum, const gomem_gctrace_parser *p);
/* The counts as the table's JSON members: lines, gc_events, scav_events,
 * skipped_lines, unparsed_lines, reassembled. */
GOMEM_API void gomem_gctrace_counts_meta(gomem_table *t, const gomem_gctrace_counts *n);
/* What the counts say was left out, a line each to FP, after "PREFIX: ":
 * no gctrace line at all, lines that looked like gctrace but could not be
 * read, and with SKIPPED the lines that are not gctrace (the program's own
 * output: worth a note for people, not beside machine formats). */
GOMEM_API void gomem_gctrace_counts_notes(FILE *fp, const char *prefix, const gomem_gctrace_counts *n,
					  bool skipped);

/* ---- several inputs, one report ------------------------------------------------------- */

/* What `gomem gctrace` reports on: its inputs (files, followed logs, a
 * child), each read by its gomem_gcruns; every event a row of a table as it
 * is read, or the statistics of every run that ended (with its input's
 * name) and of each input's open run, as a table or as metrics; the line
 * counts of all. */
typedef struct gomem_gcreport gomem_gcreport;

typedef struct gomem_gcreport_options {
	unsigned int version;              /* GOMEM_GCREPORT_OPTIONS_VERSION */
	FILE *fp;                          /* where the tables go */
	const gomem_table_options *table;  /* their format, colour, schema and flush
					    * (copied; NULL: the defaults) */
	bool events;                       /* every event a row of a table opened now (the
					    * columns of gomem_gctrace_event_columns(ROWS)),
					    * no statistics: constant memory whatever the input */
	unsigned rows;                     /* GOMEM_GCTRACE_ROWS_*: scavenger events, one file */
	double window;                     /* statistics of the last WINDOW seconds of a
					    * run (0: all) ... */
	size_t max_events;                 /* ... and of its last MAX_EVENTS GCs (0: all) */
	gomem_gctimeline *timeline;        /* every event drawn on it instead (--format svg;
					    * borrowed), no statistics */
} gomem_gcreport_options;

#define GOMEM_GCREPORT_OPTIONS_VERSION 1
#define GOMEM_GCREPORT_OPTIONS_INIT {GOMEM_GCREPORT_OPTIONS_VERSION, NULL, NULL, false, 0, 0, 0, NULL}

GOMEM_API int gomem_gcreport_new(gomem_gcreport **out, const gomem_gcreport_options *opts);
/* A new input NAME (borrowed: it must outlive R); *INDEX (may be NULL) is
 * its number, 0, 1, ... in order. */
GOMEM_API int gomem_gcreport_add(gomem_gcreport *r, const char *name, size_t *index);
/* Input I's reader (owned by R): feed, restart and finish it, its parser's
 * error. NULL once closed. */
GOMEM_API gomem_gcruns *gomem_gcreport_runs(const gomem_gcreport *r, size_t i);
/* All of SRC read as a new input NAME, then closed (a file). On failure
 * ERR (may be NULL) says why: the parser's error, or NAME and the code's;
 * SRC's own error is gomem_source_error's, a failed event row's
 * gomem_gcreport_error's. */
GOMEM_API int gomem_gcreport_read(gomem_gcreport *r, const char *name, gomem_source *src,
				  gomem_error *err);
/* The file PATH ("-": standard input, named "<stdin>"; PATH borrowed as
 * NAME is) opened with SO, gzip or not, read as gomem_gcreport_read does.
 * On failure ERR (may be NULL) says why: the source's error (it could not
 * be opened or read) or the input's. */
GOMEM_API int gomem_gcreport_read_path(gomem_gcreport *r, const char *path, const gomem_source_options *so,
				       gomem_error *err);
/* Bytes of input I as gomem_follow_loop hands them, with its EVENTS: a
 * log truncated or replaced (GOMEM_FOLLOW_TRUNCATED, _ROTATED) ends the
 * line its old text left open; at GOMEM_FOLLOW_EOF the input is finished.
 * GOMEM_E_IO when the loop could not read it (GOMEM_FOLLOW_ERROR: the
 * follow's error says why, ERR is left alone) or reading failed (ERR as
 * for gomem_gcreport_read). */
GOMEM_API int gomem_gcreport_input(gomem_gcreport *r, size_t i, const uint8_t *data, size_t len,
				   unsigned events, gomem_error *err);
/* Input I is done with: its reader is freed, its line counts and ended runs stay. */
GOMEM_API void gomem_gcreport_close(gomem_gcreport *r, size_t i);
/* The line counts of every input, closed or not, summed. */
GOMEM_API void gomem_gcreport_counts(const gomem_gcreport *r, gomem_gctrace_counts *out);
/* The event table's error: code GOMEM_OK while none (or without events). */
GOMEM_API const gomem_error *gomem_gcreport_error(const gomem_gcreport *r);
/* Ends the event table (GOMEM_OK without one); on failure ERR (may be
 * NULL) gets its error. */
GOMEM_API int gomem_gcreport_end(gomem_gcreport *r, gomem_error *err);
/* The summary, a table of its own to the report's FP (the columns of
 * gomem_gctrace_summary_columns; a header row or not): the counts as its
 * JSON members, a row per run that ended, in the order they did, then with
 * CURRENT the open run of each input not closed, in input order. On
 * failure ERR (may be NULL) says why. */
GOMEM_API int gomem_gcreport_write_summary(const gomem_gcreport *r, bool current, bool header,
					   gomem_error *err);
/* The same runs as metrics (gomem_gcstats_write_metrics). */
GOMEM_API int gomem_gcreport_write_metrics(const gomem_gcreport *r, FILE *fp,
					   gomem_metrics_flavor flavor, bool current);
GOMEM_API void gomem_gcreport_free(gomem_gcreport *r);

/* ---- followed inputs, one report ----------------------------------------------------- */

/* A report fed by a follow loop (gomem/follow.h): followed logs or a child,
 * every EVERY seconds a summary, and a last one when the loop ends. */
typedef struct gomem_gcfollow gomem_gcfollow;

typedef struct gomem_gcfollow_options {
	unsigned int version; /* GOMEM_GCFOLLOW_OPTIONS_VERSION */
	double every;         /* seconds between summaries; 0: none */
	bool read_on;         /* after a failure, read the inputs on to their end,
			       * unparsed (a child whose stderr passes through);
			       * else the loop ends there */
	/* Writes the summary (FIRST: the first time); not GOMEM_OK is a
	 * failure it has reported itself. Required with EVERY. */
	int (*on_tick)(void *payload, bool first);
	/* The first failure, once, when it happens: an input that could not be
	 * read (the follow's or the parser's error), or with WRITE the event
	 * table that could not be written (gomem_gcreport_error). May be NULL. */
	void (*on_error)(void *payload, const gomem_error *err, bool write);
	void *payload;
} gomem_gcfollow_options;

#define GOMEM_GCFOLLOW_OPTIONS_VERSION 1
#define GOMEM_GCFOLLOW_OPTIONS_INIT {GOMEM_GCFOLLOW_OPTIONS_VERSION, 0, false, NULL, NULL, NULL}

/* R (borrowed: it must outlive the follow) fed by a new loop. */
GOMEM_API int gomem_gcfollow_new(gomem_gcfollow **out, gomem_gcreport *r,
				 const gomem_gcfollow_options *opts);
/* F, owned from now on (freed on failure), as a new input NAME of the
 * report (NAME borrowed, as for gomem_gcreport_add) and of the loop. */
GOMEM_API int gomem_gcfollow_add(gomem_gcfollow *g, gomem_follow *f, const char *name);
/* Runs the loop (gomem_follow_loop_run: until every input ended, a failure
 * without read_on, or a quit signal), then with EVERY the last summary.
 * GOMEM_OK, or the code of the first failure. */
GOMEM_API int gomem_gcfollow_run(gomem_gcfollow *g);
/* Frees the loop and its inputs: a child still running is stopped. */
GOMEM_API void gomem_gcfollow_free(gomem_gcfollow *g);

#ifdef __cplusplus
}
#endif
#endif
