/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/heapdiff.h — the difference of two heap profiles, aggregated by
 * function, line, file, package or whole stack, flat or cumulative, with the
 * sampling uncertainty of every delta. Numbers follow `go tool pprof
 * -diff_base`: flat is what a node allocated itself (the leaf frame of a
 * sample, inlined frames included), cum counts a node once per stack. */
#ifndef GOMEM_HEAPDIFF_H
#define GOMEM_HEAPDIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/profile.h"
#include "gomem/svg.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GOMEM_BY_FUNCTION = 0, /* function name (pprof -functions, the default) */
	GOMEM_BY_LINE,         /* function, file and line (pprof -lines) */
	GOMEM_BY_FILE,         /* source file (pprof -files) */
	GOMEM_BY_PACKAGE,      /* Go package path of the function */
	GOMEM_BY_STACK         /* the whole stack, root first, frames joined by ";" */
} gomem_heapdiff_by;

typedef enum {
	GOMEM_SORT_DELTA = 0,  /* largest growth first */
	GOMEM_SORT_ABS_DELTA,  /* largest change either way first */
	GOMEM_SORT_PERCENT,    /* largest relative growth first (new sites first) */
	GOMEM_SORT_SIZE        /* largest in NEW first */
} gomem_heapdiff_sort;

typedef struct gomem_heapdiff_options {
	unsigned int version;      /* GOMEM_HEAPDIFF_OPTIONS_VERSION */
	const char *sample;        /* sample type name or NEW's index ("0"); NULL = pprof's default:
				    * default_sample_type (NEW's, else BASE's), else NEW's last type */
	gomem_heapdiff_by by;
	int cum;                   /* cumulative instead of flat */
	const char *focus;         /* POSIX ERE: keep samples with a frame whose function or file matches */
	const char *ignore;        /* POSIX ERE: drop samples with a frame whose function or file matches */
	int normalize;             /* scale NEW so its total equals BASE's (pprof -normalize) */
	gomem_heapdiff_sort sort;
	size_t top;                /* keep the first TOP rows after sorting; 0 = all */
	uint64_t min_delta;        /* drop rows whose |delta| is below this */
} gomem_heapdiff_options;

#define GOMEM_HEAPDIFF_OPTIONS_VERSION 1
#define GOMEM_HEAPDIFF_OPTIONS_INIT \
	{GOMEM_HEAPDIFF_OPTIONS_VERSION, NULL, GOMEM_BY_FUNCTION, 0, NULL, NULL, 0, GOMEM_SORT_DELTA, 0, 0}

typedef struct gomem_heapdiff_row {
	const char *name;
	int64_t base, new_, delta;
	double delta_pct;    /* delta / base * 100; NAN when base is 0 */
	double uncertainty;  /* two standard deviations of delta from sampling (0 at rate 1) */
} gomem_heapdiff_row;

typedef struct gomem_heapdiff gomem_heapdiff;

/* Parses "function", "line", "file", "package", "stack". */
GOMEM_API int gomem_heapdiff_by_parse(gomem_heapdiff_by *out, const char *name);
/* Parses "delta", "abs", "percent", "size". */
GOMEM_API int gomem_heapdiff_sort_parse(gomem_heapdiff_sort *out, const char *name);

GOMEM_API int gomem_heapdiff_compute(gomem_heapdiff **out, const gomem_profile *base,
				     const gomem_profile *newp,
				     const gomem_heapdiff_options *opts, gomem_error *err);
GOMEM_API void gomem_heapdiff_free(gomem_heapdiff *d);

GOMEM_API size_t gomem_heapdiff_row_count(const gomem_heapdiff *d);
GOMEM_API const gomem_heapdiff_row *gomem_heapdiff_row_at(const gomem_heapdiff *d, size_t i);
/* Totals over every sample that passed focus/ignore (not only the rows shown). */
GOMEM_API const gomem_heapdiff_row *gomem_heapdiff_totals(const gomem_heapdiff *d);
/* Name and unit ("bytes" or "count") of the sample type compared. */
GOMEM_API const char *gomem_heapdiff_sample_type(const gomem_heapdiff *d, const char **unit);
/* Rows that changed by at least min_delta, before top-N kept the first ones. */
GOMEM_API size_t gomem_heapdiff_rows_before_trim(const gomem_heapdiff *d);
/* Something the user should know about how the diff was made (a
 * drop_frames regexp that could not be used), or NULL. */
GOMEM_API const char *gomem_heapdiff_note(const gomem_heapdiff *d);
/* GOMEM_OK when P is a profile heapdiff compares (a heap or allocs
 * profile); else GOMEM_E_INVALID, and ERR says what P is ("a CPU
 * profile"). */
GOMEM_API int gomem_heapdiff_accepts(const gomem_profile *p, gomem_error *err);

/* A --fail-above limit: a size ("10MiB", bytes), a count ("5000") or a
 * percent of BASE's total ("5%"). GOMEM_E_INVALID for anything else. */
GOMEM_API int gomem_heapdiff_parse_limit(double *limit, int *percent, const char *arg);
/* The gate: 1 when the total grew by more than LIMIT (in the compared unit,
 * or with PERCENT a percent of BASE's total) beyond its sampling
 * uncertainty, which at the default MemProfileRate is large enough that a
 * gate on the bare number would flap; 0 otherwise. When it trips, MSG (SIZE
 * bytes) says "total grew by +32.1MiB (±8.36MiB), above LABEL", with the
 * limit in the unit after a percent LABEL. */
GOMEM_API int gomem_heapdiff_gate(const gomem_heapdiff *d, double limit, int percent,
				  const char *label, char *msg, size_t size);

/* Collapsed stacks ("root;...;leaf value"), one line per distinct stack, for
 * flame-graph tools: the delta, or with TWO_COLUMN "base new" for
 * differential flame graphs (flamegraph.pl's difffolded form). */
GOMEM_API int gomem_heapdiff_write_folded(const gomem_heapdiff *d, FILE *fp, int two_column,
					  gomem_error *err);
/* The diff as a profile.proto (gzipped): NEW's samples plus BASE's negated,
 * every sample type kept, so `go tool pprof -top` reads the same deltas. */
GOMEM_API int gomem_heapdiff_write_pprof(const gomem_heapdiff *d, FILE *fp, gomem_error *err);

/* The diff as a differential flame graph, one self-contained SVG: every
 * kept sample of both profiles on its stack (frames at the --by
 * granularity; function names for GOMEM_BY_STACK), widths from NEW (or BASE
 * with LOOK->width_from 1), red where a frame grew and blue where it
 * shrank, by its own change (or its cumulative one when the diff is cum),
 * and neutral grey where that change is within its sampling uncertainty
 * (the table's "±"). Focus, ignore and normalize apply as in the table. LOOK
 * (may be NULL) gives the title, subtitle, widths, embedding and id; unit,
 * colours and labels follow the diff. */
GOMEM_API int gomem_heapdiff_write_svg(const gomem_heapdiff *d, FILE *fp,
				       const gomem_flame_options *look, gomem_error *err);

/* Adds gc=1 to a /debug/pprof/heap URL unless the query already sets gc,
 * so the profile reflects the last collection. *out is the caller's, freed
 * with gomem_free(). */
GOMEM_API int gomem_heap_url(char **out, const char *url);

#ifdef __cplusplus
}
#endif
#endif
