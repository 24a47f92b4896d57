/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/gcruns.h — gctrace text read into what the tools show: per input,
 * the statistics of each run (a run ends where the gc counter goes back: the
 * program restarted), bounded by a window when the input never ends; and
 * every event as a row of the one output layer (the columns of
 * `gomem gctrace --events`). Pushed: feed what arrives, finish at the end. */
#ifndef GOMEM_GCRUNS_H
#define GOMEM_GCRUNS_H

#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"
#include "gomem/gcstats.h"
#include "gomem/gctrace.h"
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

#ifdef __cplusplus
}
#endif
#endif
