/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/gctrace.h — GODEBUG=gctrace=1 lines of every Go version (<=1.4, 1.5,
 * 1.6-1.17, 1.18+) and the scavenger lines (scvg, scav: every variant), read
 * by a push parser: feed chunks of a log, take events with next. Lines that
 * are not gctrace are skipped and counted, never errors; a gc line is found
 * after any prefix (timestamps, syslog, "> ", a JSON log field), a line
 * shredded by concurrent stderr writes is put back together when its pieces
 * are adjacent, and a gc counter that goes back starts a new run. */
#ifndef GOMEM_GCTRACE_H
#define GOMEM_GCTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/svg.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GOMEM_GCTRACE_GC = 1,  /* a "gc N ..." line */
	GOMEM_GCTRACE_SCAV = 2 /* a scavenger line: "scvgN: ...", "scvg: ...", "scav ..." */
} gomem_gctrace_kind;

typedef enum {
	GOMEM_GCTRACE_GO14 = 1,  /* gcN(P): a+b+c+d us, H0 -> H1 MB, ... */
	GOMEM_GCTRACE_GO15,      /* five clock phases */
	GOMEM_GCTRACE_GO16,      /* three phases, 1.6-1.17 */
	GOMEM_GCTRACE_GO118,     /* + MB stacks, MB globals */
	GOMEM_GCTRACE_SCVG_RELEASED, /* scvgK: R MB released (1.5-1.12; "scvg:" in 1.13) */
	GOMEM_GCTRACE_SCVG_STATS,    /* scvgK: inuse: I, idle: D, sys: S, released: R, consumed: C (MB) */
	GOMEM_GCTRACE_SCAV_GEN,      /* scav GEN W KiB work, T KiB total, U% util (~1.14-1.16) */
	GOMEM_GCTRACE_SCAV_TOTAL,    /* scav W KiB work, T KiB total, U% util (1.17-1.20) */
	GOMEM_GCTRACE_SCAV_EAGER     /* scav B KiB work (bg), E KiB work (eager), N KiB now, U% util (1.21+) */
} gomem_gctrace_layout;

/* One event. Sizes are bytes (gctrace's "MB" is MiB, truncated; scav's KiB),
 * times seconds. A field the layout lacks is -1 (integers) or NAN (reals). */
typedef struct gomem_gctrace_event {
	gomem_gctrace_kind kind;
	gomem_gctrace_layout layout;
	uint64_t run;        /* 0 for the first run; +1 each time the gc counter goes back
			      * (a repeated number stays in its run) */
	uint64_t line;       /* 1-based input line where the event's text starts */
	int reassembled;     /* put back together from pieces split by other writes */

	/* gc lines */
	int64_t gc;          /* the gc number */
	double t;            /* @T: seconds since the process started */
	int cpu_pct;         /* N%: cumulative GC CPU percent since start */
	double clock[5];     /* wall phases as printed (Go 1.5: five, later three, <=1.4: four) */
	int nclock;
	double stw_sweep_term;   /* first clock phase: the STW sweep termination pause
				  * (<=1.4: the whole stop-the-world collection, with
				  * stw_mark_term 0 and concurrent_mark NAN) */
	double concurrent_mark;  /* the concurrent mark (1.5: scan+install WB+mark) */
	double stw_mark_term;    /* last clock phase: the STW mark termination pause */
	double cpu_sweep_term, cpu_assist, cpu_background, cpu_idle, cpu_mark_term; /* cpu fields
				  * (1.5: scan and install-WB cpu are in cpu_background) */
	int64_t heap_start, heap_end, heap_live; /* H0->H1->H2 (<=1.4: H0 -> H1, live = -1) */
	int64_t goal, stacks, globals;
	int procs;
	int forced;

	/* scavenger lines */
	int64_t scvg_gen;     /* scvgK / scav GEN: K; -1 when not printed */
	int64_t released;     /* scvg: released (bytes) */
	int64_t inuse, idle, sys, consumed; /* scvg stats line */
	int64_t work, total;  /* scav: work, total (bytes) */
	int64_t work_bg, work_eager, now; /* scav 1.21+ */
	int util_pct;
	int scav_forced, controller_reset;
} gomem_gctrace_event;

typedef struct gomem_gctrace_counts {
	uint64_t lines;       /* lines read */
	uint64_t gc_events, scav_events;
	uint64_t skipped;     /* lines that are not gctrace (the program's own output, schedtrace, ...),
			       * and lines past 1 MiB; a line that gave a piece to a shredded
			       * gc line is in none of these counts */
	uint64_t unparsed;    /* lines that look like gctrace but could not be read */
	uint64_t reassembled; /* events put back together from pieces */
	uint64_t runs;        /* runs seen (restarts + 1), 0 before the first event */
} gomem_gctrace_counts;

typedef struct gomem_gctrace_parser gomem_gctrace_parser;

/* NAME labels errors (the only errors are limits and memory). */
GOMEM_API int gomem_gctrace_parser_new(gomem_gctrace_parser **out, const char *name);
GOMEM_API int gomem_gctrace_feed(gomem_gctrace_parser *p, const void *data, size_t len);
/* End of input: the last line (without '\n') and pending pieces are read. */
GOMEM_API int gomem_gctrace_finish(gomem_gctrace_parser *p);
/* 1 and the next event (borrowed, valid until the next call), 0 when none is
 * ready (feed more, or after finish: the end), or a negative error. Take
 * the events before feeding again to keep memory bounded: feed reads the
 * lines left in the previous chunk into a queue first (capped). */
GOMEM_API int gomem_gctrace_next(gomem_gctrace_parser *p, const gomem_gctrace_event **ev);
GOMEM_API void gomem_gctrace_get_counts(const gomem_gctrace_parser *p, gomem_gctrace_counts *out);
GOMEM_API const gomem_error *gomem_gctrace_parser_error(const gomem_gctrace_parser *p);
GOMEM_API void gomem_gctrace_parser_free(gomem_gctrace_parser *p);

/* Parses one line (no newline) on its own; 1 and *ev filled when it holds a
 * gctrace or scavenger event, 0 when it does not. For tests and callers
 * that split lines themselves. */
GOMEM_API int gomem_gctrace_parse_line(gomem_gctrace_event *ev, const char *line, size_t len);

/* ---- the GC timeline (SVG) ------------------------------------------------ */

/* A picture of gc events as they stream in: per run of each input a section
 * with the heap (live after each mark, at mark termination, the goal, forced
 * GCs marked), the stop-the-world pauses as bars, and the GC CPU (the
 * runtime's cumulative percent and each cycle's own), on one time axis
 * (seconds since the program started). Decimated to the pixel width as
 * events arrive (bounded memory), keeping every pause maximum. LOOK (may
 * be NULL) gives the title, width and embedding. */
typedef struct gomem_gctimeline gomem_gctimeline;

GOMEM_API int gomem_gctimeline_new(gomem_gctimeline **out, const gomem_chart_options *look);
/* Adds an event of input NAME (scavenger events are ignored); a new NAME or
 * run starts a new section. */
GOMEM_API int gomem_gctimeline_add(gomem_gctimeline *t, const char *name,
				   const gomem_gctrace_event *ev);
/* GOMEM_E_FORMAT when no gc event came. */
GOMEM_API int gomem_gctimeline_write_svg(gomem_gctimeline *t, FILE *fp, gomem_error *err);
GOMEM_API void gomem_gctimeline_free(gomem_gctimeline *t);

#ifdef __cplusplus
}
#endif
#endif
