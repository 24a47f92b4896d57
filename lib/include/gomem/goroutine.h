/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/goroutine.h — goroutine dumps: a streaming push parser for every text
 * form Go prints (pprof debug=2 and runtime.Stack(all), debug=1 aggregates,
 * crash/SIGQUIT tracebacks at every GOTRACEBACK level, race reports, dumps
 * embedded in logs or carrying per-line log prefixes) and the debug=0
 * protobuf profile; a model whose memory grows with distinct stacks, not with
 * goroutines; buckets at four similarity levels; a summary; filters; and a
 * diff of two dumps matched by bucket signature.
 *
 * Ownership: objects returned through **out belong to the caller and are
 * freed with the matching _free (NULL is fine). Every const char * returned
 * (directly or inside a view struct) is borrowed from the object it came
 * from and lives as long as that object; it is never NULL ("" when absent).
 * Buckets, summaries and diffs borrow their dump(s): free them first. */
#ifndef GOMEM_GOROUTINE_H
#define GOMEM_GOROUTINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "No such index" for the uint32_t indices below (stack, frame, goroutine). */
#define GOMEM_GOROUTINE_NONE UINT32_MAX

/* ---- the model ------------------------------------------------------------ */

typedef struct gomem_dump gomem_dump;

/* What the input looked like (the first form recognised decides). */
typedef enum {
	GOMEM_DUMP_UNKNOWN = 0,  /* nothing recognised (empty dump) */
	GOMEM_DUMP_DEBUG2 = 1,   /* pprof debug=2 or runtime.Stack(all): "goroutine N [state]:" */
	GOMEM_DUMP_DEBUG1 = 2,   /* pprof debug=1: "goroutine profile: total N", "N @ 0x..." */
	GOMEM_DUMP_PROTO = 3,    /* pprof debug=0 profile.proto (gzipped or not) */
	GOMEM_DUMP_CRASH = 4     /* a traceback with a panic:/fatal error:/SIGQUIT preamble,
				  * or frames carrying fp= sp= pc=, or a race report */
} gomem_dump_format;

/* Frame flags. */
#define GOMEM_FRAME_INLINED     0x1u /* "(...)": an inlined call, no arguments printed */
#define GOMEM_FRAME_ARGS_ELIDED 0x2u /* the argument list ends in "...": Go cut it off */
#define GOMEM_FRAME_HAS_POINTER 0x4u /* some argument looks like a pointer (0x...) */

/* One stack frame (interned: equal frames share one index per dump). A view:
 * the strings are borrowed from the dump. */
typedef struct gomem_goroutine_frame {
	const char *function; /* "main.(*pool).run", "runtime.gopark"; never NULL */
	const char *package;  /* import path of the function: "main", "net/http",
			       * "github.com/x/y"; "" if it cannot be told */
	const char *args;     /* text between the call's parentheses as printed, except
			       * that pointer-looking words (hex >= 0x100000) read "0xPTR"
			       * and words Go marks possibly inaccurate ("0x0?",
			       * "0x2c3f3078?") read "0x?", so frames, and memory, grow with
			       * distinct code paths, not goroutines; the exact values only
			       * take part through a hash (GOMEM_SIMILARITY_EXACT).
			       * "" when none, "..." when inlined */
	const char *file;     /* "/src/main.go"; "" when unknown (debug=0 without lines) */
	int64_t line;         /* 1-based source line; 0 when unknown */
	int64_t pc_offset;    /* the "+0x1d" after file:line (debug=2) or func+0x.. (debug=1);
			       * -1 when not printed */
	unsigned int flags;   /* GOMEM_FRAME_* */
} gomem_goroutine_frame;

/* A distinct call stack (interned). Frames are stored leaf first, as Go
 * prints them: frame 0 is the innermost call. */
typedef struct gomem_goroutine_stack {
	const uint32_t *frames;  /* nframes frame indices (gomem_dump_frame), leaf first */
	size_t nframes;
	/* Go elides frames in the middle of deep stacks ("...N frames elided...",
	 * Go 1.21+) or at the end ("...additional frames elided..."). elided_at
	 * is the index in frames[] before which the marker sat (== nframes for a
	 * trailing marker), or GOMEM_GOROUTINE_NONE when there was none.
	 * elided_count is N, or -1 when Go did not say (or gomem cut the stack
	 * at max_frames: then a warning tells). */
	uint32_t elided_at;
	int64_t elided_count;
	/* "root;...;leaf": function names joined by ';', root first — the
	 * folded-stack form for flame graphs and the CSV `stack` column. */
	const char *folded;
} gomem_goroutine_stack;

/* Goroutine flags. */
#define GOMEM_GOROUTINE_LOCKED    0x1u  /* "locked to thread" in the header */
#define GOMEM_GOROUTINE_DURABLE   0x2u  /* "(durable)" after the state (Go 1.25) */
#define GOMEM_GOROUTINE_BUBBLE    0x4u  /* "synctest bubble N" / "(bubbled)" in the header (Go 1.24+) */
#define GOMEM_GOROUTINE_HAS_ID    0x8u  /* id is a real goroutine id (false for debug=1/debug=0 records) */
#define GOMEM_GOROUTINE_CRASHED   0x10u /* the goroutine the panic/fatal error happened on
					  * (the first one printed after the preamble) */
#define GOMEM_GOROUTINE_RUNTIME   0x20u /* a runtime/system goroutine (only runtime.* frames and
					  * created by runtime.*, or goroutine 0) */

/* One goroutine record — or, for debug=1 and debug=0 inputs, one aggregate
 * of COUNT goroutines that share a stack. A view filled by
 * gomem_dump_goroutine(); the strings are borrowed from the dump. */
typedef struct gomem_goroutine {
	uint64_t id;            /* "goroutine 42" -> 42; 0 for goroutine 0 and for
				 * records without an id (see GOMEM_GOROUTINE_HAS_ID) */
	uint64_t count;         /* goroutines this record stands for: 1 for debug=2 and
				 * crash output; N for "N @ 0x..." (debug=1) and debug=0 samples */
	const char *state;      /* the bracket text up to its first comma, trimmed:
				 * "chan receive", "force gc (idle)", "running"; "" when the
				 * format has no state (debug=1, debug=0) */
	const char *status;     /* the whole bracket text: "chan receive, 5 minutes,
				 * locked to thread"; "" when none */
	int64_t wait_minutes;   /* "N minutes" in the brackets; -1 when not printed */
	unsigned int flags;     /* GOMEM_GOROUTINE_* */
	uint32_t stack;         /* index for gomem_dump_stack() */
	uint32_t created_by;    /* frame index of the "created by" site (function, file, line,
				 * pc offset), or GOMEM_GOROUTINE_NONE (goroutine 1, runtime) */
	uint64_t parent_id;     /* "created by F in goroutine N" (Go 1.21+) -> N; 0 if absent */
	uint64_t origin_id;     /* "[originating from goroutine N]" (Go 1.20+ crash output) -> N; 0 */
	const char *labels;     /* debug=1 "# labels: {...}" text or the debug=0 labels
				 * rendered the same way; "" when none */
	uint64_t line;          /* 1-based input line of the header (debug=0: 0) */
	uint64_t offset;        /* byte offset of the header in the (decompressed) input */
} gomem_goroutine;

/* A non-fatal problem met while parsing. */
typedef struct gomem_dump_warning {
	const char *message;    /* one line, e.g. "dump cut off at Go's 64 MiB limit: parsed
				 * to the last whole goroutine", "12 lines of garbage skipped" */
	uint64_t line;          /* 1-based input line where it starts; 0 if not known */
	uint64_t offset;        /* byte offset where it starts */
} gomem_dump_warning;

GOMEM_API gomem_dump_format gomem_dump_format_of(const gomem_dump *d);
/* "debug=2", "debug=1", "debug=0", "traceback" or "unknown". */
GOMEM_API const char *gomem_dump_format_name(gomem_dump_format f);
/* The input's name, as given to the parser or the source. */
GOMEM_API const char *gomem_dump_name(const gomem_dump *d);
/* The crash preamble's first line ("panic: runtime error: index out of
 * range [5] with length 3", "fatal error: all goroutines are asleep - deadlock!",
 * "SIGQUIT: quit", "WARNING: DATA RACE"); "" for a plain dump. */
GOMEM_API const char *gomem_dump_reason(const gomem_dump *d);

/* Whether the dump carries goroutine states (and so wait times): debug=2
 * and crash output do; debug=1 and debug=0 profiles do not, and a view of
 * them shows no state, no wait and no longest-waiting list. */
GOMEM_API bool gomem_dump_has_states(const gomem_dump *d);
/* Number of goroutine records (not goroutines: see gomem_dump_total). */
GOMEM_API size_t gomem_dump_count(const gomem_dump *d);
/* Goroutines in the dump: the sum of every record's count. */
GOMEM_API uint64_t gomem_dump_total(const gomem_dump *d);
/* Fills *out with record I (0-based, input order). GOMEM_E_INVALID if I is
 * out of range. */
GOMEM_API int gomem_dump_goroutine(gomem_goroutine *out, const gomem_dump *d, size_t i);

GOMEM_API size_t gomem_dump_stack_count(const gomem_dump *d);
GOMEM_API int gomem_dump_stack(gomem_goroutine_stack *out, const gomem_dump *d, uint32_t stack);
GOMEM_API size_t gomem_dump_frame_count(const gomem_dump *d);
GOMEM_API int gomem_dump_frame(gomem_goroutine_frame *out, const gomem_dump *d, uint32_t frame);

GOMEM_API size_t gomem_dump_warning_count(const gomem_dump *d);
GOMEM_API int gomem_dump_warning_get(gomem_dump_warning *out, const gomem_dump *d, size_t i);

GOMEM_API void gomem_dump_free(gomem_dump *d);

/* ---- reading -------------------------------------------------------------- */

typedef struct gomem_goroutine_parser gomem_goroutine_parser;

typedef struct gomem_goroutine_parser_options {
	unsigned int version;     /* GOMEM_GOROUTINE_PARSER_OPTIONS_VERSION */
	size_t max_frames;        /* frames kept per stack; deeper stacks keep the first
				   * max_frames/2 and the last max_frames/2, count the rest as
				   * elided and warn. 0 = default (4096) */
	size_t max_line;          /* bytes kept of one line; longer lines (a 10 MB function
				   * name) are cut to this and warned about. 0 = default (64 KiB) */
	uint64_t max_goroutines;  /* records; past it GOMEM_E_LIMIT. 0 = default (1<<28) */
} gomem_goroutine_parser_options;

#define GOMEM_GOROUTINE_PARSER_OPTIONS_VERSION 1
#define GOMEM_GOROUTINE_PARSER_OPTIONS_INIT {GOMEM_GOROUTINE_PARSER_OPTIONS_VERSION, 0, 0, 0}

/* A push parser for the text forms (debug=2, debug=1, crash, race, logs with
 * prefixes). NAME labels errors and warnings (may be NULL); OPTS may be NULL
 * for the defaults. Memory per record is bounded by the options. */
GOMEM_API int gomem_goroutine_parser_new(gomem_goroutine_parser **out, const char *name,
					 const gomem_goroutine_parser_options *opts);
/* Hands the parser the next chunk; any split works (1-byte chunks give the
 * same dump). DATA need not outlive the call. Returns GOMEM_OK or the first
 * error (then every later call returns it too). */
GOMEM_API int gomem_goroutine_parser_feed(gomem_goroutine_parser *p, const void *data, size_t len);
/* Ends the input and hands over the dump (*out, the caller's). A dump cut
 * off mid-record keeps its whole records and gets a warning. Fails with
 * GOMEM_E_FORMAT (positioned, "no goroutine found") only when nothing usable
 * was found in non-empty input; an empty input gives an empty dump. The
 * parser may only be freed afterwards. */
GOMEM_API int gomem_goroutine_parser_finish(gomem_dump **out, gomem_goroutine_parser *p);
/* The first error, or NULL if none (borrowed from the parser). */
GOMEM_API const gomem_error *gomem_goroutine_parser_error(const gomem_goroutine_parser *p);
GOMEM_API void gomem_goroutine_parser_free(gomem_goroutine_parser *p);

/* Reads a whole dump from SRC: the text forms through the parser above, or a
 * debug=0 protobuf profile (gzip is inflated by the source; anything that does
 * not start like text and parses as profile.proto) through the pprof reader;
 * a profile whose samples are not goroutine/count (a heap or CPU profile)
 * is refused with GOMEM_E_FORMAT.
 * ERR (may be NULL) gets "file:line:col: message" (text) or "file: byte N"
 * (protobuf) detail. On failure *out is NULL. */
GOMEM_API int gomem_dump_read(gomem_dump **out, gomem_source *src, gomem_error *err);
/* Same, from memory (NAME labels errors; may be NULL). */
GOMEM_API int gomem_dump_from_buffer(gomem_dump **out, const void *data, size_t len,
				     const char *name, gomem_error *err);

/* ---- filters -------------------------------------------------------------- */

/* Which goroutines take part. A goroutine passes when every set criterion
 * holds. Regexes are POSIX extended (regcomp REG_EXTENDED|REG_NOSUB). */
typedef struct gomem_goroutine_filter {
	unsigned int version;      /* GOMEM_GOROUTINE_FILTER_VERSION */
	const char *const *states; /* keep goroutines whose state (as in gomem_goroutine.state)
				    * equals one of these; NULL/0 = any */
	size_t nstates;
	const char *match;         /* keep when some frame's function or file:line matches,
				    * or the created-by function does; NULL = any */
	const char *exclude;       /* drop when some frame matches as above; NULL = none */
	int64_t min_wait;          /* minutes; keep only wait_minutes >= this; 0 = any
				    * (a goroutine with no wait printed counts as 0) */
	uint64_t min_count;        /* buckets: keep buckets holding at least this many
				    * goroutines; 0 = any */
} gomem_goroutine_filter;

#define GOMEM_GOROUTINE_FILTER_VERSION 1
#define GOMEM_GOROUTINE_FILTER_INIT {GOMEM_GOROUTINE_FILTER_VERSION, NULL, 0, NULL, NULL, 0, 0}

/* ---- buckets -------------------------------------------------------------- */

/* How alike two goroutines must be to share a bucket. */
typedef enum {
	GOMEM_SIMILARITY_EXACT = 0,     /* same functions, files, lines, every argument, and
					 * the same created-by function and file:line */
	GOMEM_SIMILARITY_POINTERS = 1,  /* the default: pointer-looking arguments (0x...) and
					 * those Go marks inaccurate ("0x0?") are ignored, as are
					 * the arguments of the runtime's own frames (runtime.*,
					 * internal/..., *.runtime_*: tickets, semaphores); other
					 * arguments must match */
	GOMEM_SIMILARITY_ARGS = 2,      /* all arguments ignored: functions, files, lines */
	GOMEM_SIMILARITY_FUNCTIONS = 3  /* function names only (files and lines ignored) */
} gomem_similarity;
/* Below EXACT the created-by site counts by function only, so goroutines
 * restarted from another `go` statement of the same function stay in their
 * bucket. State never splits a bucket (a bucket reports its states). Wait
 * minutes, ids, parent ids and labels never take part. */

typedef struct gomem_bucket_options {
	unsigned int version;                  /* GOMEM_BUCKET_OPTIONS_VERSION */
	gomem_similarity similarity;           /* default GOMEM_SIMILARITY_POINTERS */
	const gomem_goroutine_filter *filter;  /* NULL = every goroutine */
} gomem_bucket_options;

#define GOMEM_BUCKET_OPTIONS_VERSION 1
#define GOMEM_BUCKET_OPTIONS_INIT {GOMEM_BUCKET_OPTIONS_VERSION, GOMEM_SIMILARITY_POINTERS, NULL}

typedef struct gomem_buckets gomem_buckets;

/* Parses a --similarity word: "exact", "pointers" (alias "default"), "args",
 * "functions". GOMEM_E_INVALID for anything else. */
GOMEM_API int gomem_similarity_parse(gomem_similarity *out, const char *word);
GOMEM_API const char *gomem_similarity_name(gomem_similarity s);

/* One state within a bucket. */
typedef struct gomem_bucket_state {
	const char *state;  /* as gomem_goroutine.state ("" for stateless formats) */
	uint64_t count;     /* goroutines of the bucket in that state */
} gomem_bucket_state;

/* A view of one bucket, filled by gomem_buckets_get(). */
typedef struct gomem_bucket {
	uint64_t count;            /* goroutines (sum of the member records' counts) */
	size_t nrecords;           /* member records */
	const uint32_t *records;   /* their indices for gomem_dump_goroutine(), input order */
	const char *state;         /* the most common state (ties: the first seen) */
	const gomem_bucket_state *states; /* every state seen, most common first */
	size_t nstates;
	int64_t wait_min, wait_max;/* minutes over members that printed a wait; -1 if none */
	uint32_t stack;            /* the first member's stack (gomem_dump_stack) */
	uint32_t created_by;       /* the first member's created-by frame, or GOMEM_GOROUTINE_NONE */
	const char *folded;        /* "root;...;leaf" function names (the stack's folded) */
	const char *signature;     /* a stable text key of the bucket at its similarity
				    * level: equal across dumps for the same code path */
	unsigned int flags;        /* OR of the members' GOMEM_GOROUTINE_* flags */
} gomem_bucket;

/* Groups the dump's goroutines; buckets come sorted by count, largest first
 * (ties by signature). Buckets under filter->min_count are dropped. OPTS
 * may be NULL for the defaults. The buckets borrow D. */
GOMEM_API int gomem_buckets_new(gomem_buckets **out, const gomem_dump *d,
				const gomem_bucket_options *opts, gomem_error *err);
GOMEM_API size_t gomem_buckets_count(const gomem_buckets *b);
/* Goroutines in all buckets (after filtering). */
GOMEM_API uint64_t gomem_buckets_total(const gomem_buckets *b);
GOMEM_API int gomem_buckets_get(gomem_bucket *out, const gomem_buckets *b, size_t i);
GOMEM_API const gomem_dump *gomem_buckets_dump(const gomem_buckets *b);
GOMEM_API void gomem_buckets_free(gomem_buckets *b);

/* ---- summary -------------------------------------------------------------- */

/* Wait-time classes of the per-state distribution, in minutes. */
typedef enum {
	GOMEM_WAIT_NONE = 0,   /* no wait printed (under a minute, or not recorded) */
	GOMEM_WAIT_1_4,        /* 1-4 minutes */
	GOMEM_WAIT_5_14,
	GOMEM_WAIT_15_59,
	GOMEM_WAIT_60_PLUS,    /* an hour or more */
	GOMEM_WAIT_CLASSES
} gomem_wait_class;

/* Lower bound in minutes of each class (0, 1, 5, 15, 60). */
GOMEM_API int64_t gomem_wait_class_min(gomem_wait_class c);

typedef struct gomem_summary_state {
	const char *state;
	uint64_t count;
	uint64_t wait[GOMEM_WAIT_CLASSES]; /* goroutines per gomem_wait_class */
	int64_t wait_max;                  /* minutes, -1 if none printed */
} gomem_summary_state;

/* A count under a name: a package, or a created-by site. */
typedef struct gomem_summary_group {
	const char *name;   /* package import path; or created-by function */
	const char *file;   /* created-by: file ("" for packages) */
	int64_t line;       /* created-by: line (0 for packages) */
	uint64_t count;
} gomem_summary_group;

typedef struct gomem_summary_options {
	unsigned int version;                 /* GOMEM_SUMMARY_OPTIONS_VERSION */
	gomem_similarity similarity;          /* for the buckets */
	const gomem_goroutine_filter *filter; /* NULL = all */
	size_t top_waiting;                   /* longest-waiting goroutines kept; 0 = 10 */
} gomem_summary_options;

#define GOMEM_SUMMARY_OPTIONS_VERSION 1
#define GOMEM_SUMMARY_OPTIONS_INIT {GOMEM_SUMMARY_OPTIONS_VERSION, GOMEM_SIMILARITY_POINTERS, NULL, 0}

typedef struct gomem_summary gomem_summary;

/* Everything the summary view shows. Counts are goroutines (record counts
 * summed) after the filter. Borrows D. */
GOMEM_API int gomem_summary_new(gomem_summary **out, const gomem_dump *d,
				const gomem_summary_options *opts, gomem_error *err);
GOMEM_API uint64_t gomem_summary_total(const gomem_summary *s);
/* States, most goroutines first (ties by name). */
GOMEM_API size_t gomem_summary_state_count(const gomem_summary *s);
GOMEM_API const gomem_summary_state *gomem_summary_state_get(const gomem_summary *s, size_t i);
/* The buckets (largest first): use gomem_buckets_count/get on it. */
GOMEM_API const gomem_buckets *gomem_summary_buckets(const gomem_summary *s);
/* By package of the topmost (leafmost) frame that is not runtime.*,
 * internal/..., or sync/atomic plumbing ("runtime" when there is none, ""
 * for goroutines without a stack: a debug=0 sample may have none); most
 * first. */
GOMEM_API size_t gomem_summary_package_count(const gomem_summary *s);
GOMEM_API const gomem_summary_group *gomem_summary_package_get(const gomem_summary *s, size_t i);
/* By created-by site (function, file, line); "" name for none; most first. */
GOMEM_API size_t gomem_summary_creator_count(const gomem_summary *s);
GOMEM_API const gomem_summary_group *gomem_summary_creator_get(const gomem_summary *s, size_t i);
/* Record indices (gomem_dump_goroutine) of the longest-waiting goroutines,
 * longest first, only those with a wait printed; at most top_waiting. */
GOMEM_API const uint32_t *gomem_summary_longest_waiting(const gomem_summary *s, size_t *n);
GOMEM_API void gomem_summary_free(gomem_summary *s);
/* The summary of D as one JSON document (schema "gomem.goroutines/1", the
 * buckets at SIMILARITY): input, format, reason, total, has_states, states,
 * waits, buckets (with frames), packages, creators, longest_waiting; what
 * the dump's format does not carry is null. GOMEM_E_IO on a write error. */
GOMEM_API int gomem_summary_write_json(FILE *fp, const gomem_summary *s, const gomem_dump *d,
				       gomem_similarity similarity);

/* ---- diff of two dumps ---------------------------------------------------- */

typedef enum {
	GOMEM_DIFF_SAME = 0,    /* present in both with the same count */
	GOMEM_DIFF_GREW = 1,
	GOMEM_DIFF_SHRANK = 2,
	GOMEM_DIFF_NEW = 3,     /* only in AFTER */
	GOMEM_DIFF_VANISHED = 4 /* only in BEFORE */
} gomem_diff_kind;

typedef struct gomem_diff_options {
	unsigned int version;                 /* GOMEM_DIFF_OPTIONS_VERSION */
	gomem_similarity similarity;          /* matching level */
	const gomem_goroutine_filter *filter; /* applied to both dumps; min_count to max(before,after) */
	int64_t leak_min_wait;                /* minutes: a suspect's AFTER wait_max must reach this
					       * when waits are printed; 0 = any */
} gomem_diff_options;

#define GOMEM_DIFF_OPTIONS_VERSION 1
#define GOMEM_DIFF_OPTIONS_INIT {GOMEM_DIFF_OPTIONS_VERSION, GOMEM_SIMILARITY_POINTERS, NULL, 0}

/* One matched (or unmatched) bucket. */
typedef struct gomem_diff_entry {
	gomem_diff_kind kind;
	uint64_t before, after;    /* goroutines in each dump (0 if absent) */
	int64_t delta;             /* after - before */
	bool leak_suspect;         /* grew (or new) and sits blocked: its AFTER state is a
				    * channel op, select, IO wait, semacquire, sync.Cond.Wait,
				    * sync.(RW)Mutex.*, sync.WaitGroup.Wait or similar park, and
				    * its wait reaches leak_min_wait when waits are printed */
	const char *state;         /* most common state (AFTER's, else BEFORE's) */
	const char *folded;        /* "root;...;leaf" */
	const char *signature;
	int64_t wait_max;          /* AFTER's (else BEFORE's) wait_max, -1 if none */
	size_t before_bucket;      /* index in gomem_diff_before(), or (size_t)-1 */
	size_t after_bucket;       /* index in gomem_diff_after(), or (size_t)-1 */
} gomem_diff_entry;

typedef struct gomem_dump_diff gomem_dump_diff;

/* Buckets both dumps at one level and matches them by signature. Entries
 * come sorted by delta, largest growth first, then shrinkage last (ties by
 * signature). Borrows both dumps. */
GOMEM_API int gomem_dump_diff_new(gomem_dump_diff **out, const gomem_dump *before,
				  const gomem_dump *after, const gomem_diff_options *opts,
				  gomem_error *err);
GOMEM_API size_t gomem_dump_diff_count(const gomem_dump_diff *df);
GOMEM_API const gomem_diff_entry *gomem_dump_diff_get(const gomem_dump_diff *df, size_t i);
/* Totals: goroutines before and after (filtered), and the summed growth of
 * the leak suspects (the --fail-above figure). */
GOMEM_API uint64_t gomem_dump_diff_total_before(const gomem_dump_diff *df);
GOMEM_API uint64_t gomem_dump_diff_total_after(const gomem_dump_diff *df);
GOMEM_API uint64_t gomem_dump_diff_leak_growth(const gomem_dump_diff *df);
/* The buckets of each side, for stacks and details of an entry. */
GOMEM_API const gomem_buckets *gomem_dump_diff_before(const gomem_dump_diff *df);
GOMEM_API const gomem_buckets *gomem_dump_diff_after(const gomem_dump_diff *df);
GOMEM_API const char *gomem_diff_kind_name(gomem_diff_kind k); /* "same", "grew", ... */
GOMEM_API void gomem_dump_diff_free(gomem_dump_diff *df);

/* Whether STATE (as gomem_goroutine.state) is a blocked park a leak sits in. */
GOMEM_API bool gomem_goroutine_state_is_blocked(const char *state);

#ifdef __cplusplus
}
#endif
#endif
