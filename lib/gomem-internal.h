/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-internal.h — declarations shared inside libgomem, never installed. */
#ifndef GOMEM_INTERNAL_H
#define GOMEM_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem.h"

#define GOMEM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors (error.c) ---------------------------------------------------- */

/* Records an error unless one is already there (the first error wins).
 * Returns CODE so callers can write `return gomem_error_set(...)`. */
int gomem_error_set(gomem_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int gomem_error_setv(gomem_error *err, int code, const char *fmt, va_list ap);
/* The same, with a position: a text line and column, or a byte offset. */
int gomem_error_at_line(gomem_error *err, int code, uint64_t line, uint64_t col,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int gomem_error_at_byte(gomem_error *err, int code, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void gomem_error_set_source(gomem_error *err, const char *name);
/* Copies SRC into DST if DST has no error yet (DST may be NULL). */
void gomem_error_copy(gomem_error *dst, const gomem_error *src);

/* ---- size arithmetic on caps ---------------------------------------------- */

/* A + B and A * B saturating at SIZE_MAX: a cap of SIZE_MAX (or a 64-bit
 * UINT64_MAX taken as size_t) means "no limit", and one more than no
 * limit must still be no limit, never 0. */
static inline size_t gomem_size_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static inline size_t gomem_size_mul(size_t a, size_t b)
{
	return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

/* ---- growable arrays with a ceiling (util.c) ----------------------------- */

/* Makes room for at least NEED elements of SIZE bytes in *PTR (capacity in
 * *CAP), doubling; fails with GOMEM_E_LIMIT past MAX elements or on overflow. */
int gomem_grow(void **ptr, size_t *cap, size_t need, size_t size, size_t max);

#define GOMEM_GROW(arr, cap, need, max) \
	gomem_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)), (max))

/* ARR + OFF for a growable array that may not be allocated yet: an empty
 * one is NULL, and NULL + 0 is undefined in C (6.5.6; clang's UBSan says
 * "applying zero offset to null pointer"). NULL stays NULL, to be read for
 * no elements. ARR is evaluated twice: pass a plain lvalue. */
#define GOMEM_AT(arr, off) ((arr) != NULL ? (arr) + (off) : (arr))

/* ---- arithmetic on untrusted numbers ------------------------------------- */

/* Sums, differences and products of values read from input saturate at the
 * int64 range instead of overflowing (undefined in C, and a wrapped total
 * reads as a huge negative number). */
static inline int64_t gomem_sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (!__builtin_add_overflow(a, b, &r))
		return r;
	return b > 0 ? INT64_MAX : INT64_MIN;
}

static inline int64_t gomem_sat_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (!__builtin_sub_overflow(a, b, &r))
		return r;
	return b < 0 ? INT64_MAX : INT64_MIN;
}

static inline int64_t gomem_sat_mul(int64_t a, int64_t b)
{
	int64_t r;

	if (!__builtin_mul_overflow(a, b, &r))
		return r;
	return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
}

/* A double truncated toward zero (C's conversion, Go's int64(f) in range),
 * saturating outside the int64 range; NaN is 0. */
static inline int64_t gomem_sat_from_double(double f)
{
	if (f != f)
		return 0;
	if (f >= 9223372036854775808.0)
		return INT64_MAX;
	if (f < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)f;
}

/* A stable merge sort with a context argument (qsort has none in C11, and
 * qsort_r differs between glibc and the BSDs). GOMEM_E_NOMEM if the scratch
 * buffer cannot be had. */
int gomem_sort(void *base, size_t n, size_t size,
	       int (*cmp)(const void *a, const void *b, void *ctx), void *ctx);

/* A byte buffer with a ceiling (curl's dynbuf idea). */
typedef struct gomem_buf {
	char *data;
	size_t len, cap, max;
} gomem_buf;

void gomem_buf_init(gomem_buf *b, size_t max);
int gomem_buf_append(gomem_buf *b, const void *data, size_t len);
int gomem_buf_printf(gomem_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int gomem_buf_vprintf(gomem_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void gomem_buf_free(gomem_buf *b);
/* Appends code point R as UTF-8; GOMEM_E_FORMAT for a surrogate or past
 * U+10FFFF. */
int gomem_buf_put_utf8(gomem_buf *b, uint32_t r);
/* The value of hex digit C, or -1. */
int gomem_hex_value(int c);

/* ---- tables (table.c) ------------------------------------------------------ */

/* The last step of writing table T (NULL after a failed gomem_table_new):
 * ends it if RC is GOMEM_OK, else copies its error detail into ERR, and
 * frees it. Returns the outcome. */
int gomem_table_close(gomem_table *t, int rc, gomem_error *err);

/* ---- the legacy heap profile (heapprof.c) ---------------------------------- */

/* One record's pair (count, size) unsampled for MemProfileRate RATE, as
 * pprof and the runtime do (scaleHeapSample). */
void gomem_heapprof_unsample(int64_t *count, int64_t *size, int64_t rate);

/* ---- HTTP GETs through libcurl's multi interface (http.c) ----------------- */

struct pollfd;
typedef struct gomem_http gomem_http;         /* transfers moved on together */
typedef struct gomem_http_get gomem_http_get; /* one GET, its redirects followed */

/* What a body callback returns besides GOMEM_OK (took the bytes) and an
 * error (the GET fails with it): */
#define GOMEM_HTTP_PAUSE 1  /* did not take them: deliver them again after resume */
#define GOMEM_HTTP_ENOUGH 2 /* took them and wants no more: the GET ends, no error */

typedef int (*gomem_http_body_fn)(void *payload, const uint8_t *data, size_t len);

typedef struct gomem_http_request {
	const char *url;
	long timeout_ms;             /* the whole GET, redirects included; 0 none */
	const char *const *headers;  /* "Name: value", sent to URL's origin only */
	size_t nheaders;
	gomem_http_body_fn on_body;  /* called from gomem_http_perform */
	void *payload;
} gomem_http_request;

int gomem_http_new(gomem_http **out);
/* Free the GETs first. */
void gomem_http_free(gomem_http *h);
/* Starts a GET (nothing is sent before the next perform). GOMEM_E_NOMEM
 * only; any other failure leaves a GET that is done, with its error. */
int gomem_http_start(gomem_http *h, gomem_http_get **out, const gomem_http_request *req);
/* Moves every GET on as far as it can without blocking; body callbacks
 * and redirects happen in here. */
int gomem_http_perform(gomem_http *h);
/* Waits at most TIMEOUT_MS until a GET can move on or one of EXTRA (poll(2)
 * descriptors; revents are set) is ready. With no GET running, a plain poll. */
int gomem_http_wait(gomem_http *h, struct pollfd *extra, size_t nextra, int timeout_ms);
int gomem_http_running(const gomem_http *h);
int gomem_http_get_done(const gomem_http_get *g);
/* Code GOMEM_OK when the GET succeeded (or is still running). */
const gomem_error *gomem_http_get_error(const gomem_http_get *g);
/* After a callback said GOMEM_HTTP_PAUSE: deliver again (maybe at once). */
void gomem_http_get_resume(gomem_http_get *g);
/* Cancels it when still running. */
void gomem_http_get_free(gomem_http_get *g);
/* Same scheme, host and port, as libcurl reads the two URLs. */
int gomem_http_same_origin(const char *a, const char *b);

/* ---- metrics families read from a struct (openmetrics.c) ----------------- */

/* A family whose value sits in a summary struct: its name (ending in its
 * unit, as OpenMetrics requires) and where and how its value is stored.
 * The tables of gctrace's, sched's and top's metrics writers. */
typedef struct gomem_metric_field {
	const char *name;
	gomem_metric_type type;
	const char *unit;
	const char *help;
	size_t field;  /* offsetof into the struct */
	char ftype;    /* 'u' uint64_t, 'i' int64_t (<0: none), 'n' int (<0: none), 'd' double,
			* 'p' percent int -> ratio, 'q' percent double -> ratio; other
			* letters are the writer's own (computed, not read) */
} gomem_metric_field;

/* The value of F in BASE as a double; NAN when it is marked absent. */
double gomem_metric_field_value(const void *base, const gomem_metric_field *f);

/* ---- strings: an append-only pool with optional interning (strpool.c) ---- */

typedef struct gomem_strpool {
	char **blocks;          /* storage, in blocks that never move */
	size_t nblocks, blocks_cap;
	size_t block_used, block_size;
	struct gomem_str { const char *s; uint32_t len; } *strs; /* id -> string */
	size_t count, cap;
	uint32_t *hash;         /* open addressing over ids+1; NULL until first intern */
	size_t hash_cap;        /* power of two */
} gomem_strpool;

void gomem_strpool_init(gomem_strpool *sp);
void gomem_strpool_free(gomem_strpool *sp);
/* Appends a string (no deduplication) and returns its id in *id. */
int gomem_strpool_add(gomem_strpool *sp, const char *s, size_t len, uint32_t *id);
/* Returns the id of an equal string, adding it if new. */
int gomem_strpool_intern(gomem_strpool *sp, const char *s, size_t len, uint32_t *id);
static inline const char *gomem_strpool_get(const gomem_strpool *sp, uint32_t id)
{
	return id < sp->count ? sp->strs[id].s : "";
}
static inline uint32_t gomem_strpool_len(const gomem_strpool *sp, uint32_t id)
{
	return id < sp->count ? sp->strs[id].len : 0;
}
uint64_t gomem_hash_bytes(const void *data, size_t len);

/* ---- UTF-8 (utf8.c) ------------------------------------------------------ */

/* Length (1..4) of the well-formed UTF-8 sequence at S with its code point
 * in *CP; 0 when S[0] starts none: a stray continuation byte, an overlong
 * form, a surrogate, past U+10FFFF or cut short. N >= 1. */
size_t gomem_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* ---- flame trees built from interned names (svg_flame.c) ------------------ */

/* The id of NAME in F's names (the same name, the same id), and the child
 * of PARENT with that name id: the fast path of gomem_flame_child for
 * builders that meet the same names millions of times. */
int gomem_flame_intern(gomem_flame *f, const char *name, size_t len, uint32_t *name_id);
int gomem_flame_child_named(gomem_flame *f, uint32_t parent, uint32_t name_id, uint32_t *out);

/* ---- line splitting over fed chunks (linebuf.c) -------------------------- */

/* Splits fed chunks into lines without copying when a line lies inside one
 * chunk; a line split across chunks is assembled in a buffer capped at
 * max_line bytes. Lines are returned without the '\n' (and without a '\r'
 * before it). */
typedef struct gomem_linebuf {
	const char *chunk;   /* current chunk being split */
	size_t chunk_len, pos;
	gomem_buf partial;   /* the start of a line the last chunk did not finish */
	uint64_t lineno;     /* number of the line last returned */
	uint64_t line_offset;/* byte offset of the line last returned */
	uint64_t consumed;   /* bytes of input before chunk */
	bool finished;
} gomem_linebuf;

void gomem_linebuf_init(gomem_linebuf *lb, size_t max_line);
void gomem_linebuf_free(gomem_linebuf *lb);
/* Hands a chunk to the splitter; it must stay valid until next() says 0. */
void gomem_linebuf_feed(gomem_linebuf *lb, const char *data, size_t len);
/* No more input: a last line without '\n' will be returned. */
void gomem_linebuf_finish(gomem_linebuf *lb);
/* 1 and a line, 0 when the chunk is used up (feed more), or a negative
 * GOMEM_E_LIMIT when a line is longer than max_line. */
int gomem_linebuf_next(gomem_linebuf *lb, const char **line, size_t *len);

/* ---- JSON log lines (jsonlog.c) ------------------------------------------ */

/* A runtime line is ~200 bytes; a JSON message past this is not one. */
#define GOMEM_JSON_LOG_MAX 4096
/* Whether the line [S, S+N) is a JSON object (starts with '{' after blanks). */
bool gomem_json_log_line(const char *s, size_t n);
/* The value of "msg", "message" or "log" (zap, logrus, slog, docker's
 * json-file) unescaped into OUT (GOMEM_JSON_LOG_MAX bytes); its length, or
 * -1 when the line has none. */
long gomem_json_log_message(const char *s, size_t n, char *out);

/* ---- log line prefixes (lineprefix.c) ------------------------------------ */

/* Where the runtime's text starts on a line [S, E) that a logging stack put
 * a prefix before: CRI, RFC 3339 timestamps (kubectl --timestamps, docker
 * logs -t, journald short-iso), syslog/journald, Go's log package (date,
 * time, file:line), go test's "x_test.go:12: ", kubectl logs --prefix,
 * docker compose; nested ones too. S itself when there is none. The one
 * rule of every text reader: gctrace, goroutine dumps. Indentation is the
 * reader's (a dump's tabs mean something). */
const char *gomem_line_skip_prefix(const char *s, const char *e);

/* ---- the profile model (profile.c) --------------------------------------- */

#define GOMEM_NONE UINT32_MAX

struct gomem_value_type {
	uint32_t type, unit; /* string ids */
};

struct gomem_line {
	uint64_t function; /* while reading: the file's function id; then an index or GOMEM_NONE */
	int64_t line;
	int64_t column;
};

struct gomem_function {
	uint64_t id;
	uint32_t name, system_name, filename;
	int64_t start_line;
};

struct gomem_mapping {
	uint64_t id, memory_start, memory_limit, file_offset;
	uint32_t filename, build_id;
	bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
};

struct gomem_location {
	uint64_t id;
	uint64_t mapping;   /* while reading: the file's mapping id (0 none); then index+1 or 0 */
	uint64_t address;
	uint32_t line_off;  /* into profile->lines */
	uint32_t nlines;
	bool is_folded;
};

struct gomem_label {
	uint32_t key, str, num_unit; /* string ids */
	int64_t num;
};

/* 24 bytes: a profile has hundreds of thousands. Every run's end fits in
 * 32 bits: the arrays hold at most GOMEM_PROFILE_MAX_ITEMS (values four
 * times that), and an exported diff at most twice. */
struct gomem_sample {
	uint32_t loc_off;   /* into profile->sample_locs */
	uint32_t nlocs;
	uint32_t value_off; /* into profile->values */
	uint32_t nvalues;   /* equals nsample_types once resolved */
	uint32_t label_off; /* into profile->labels */
	uint32_t nlabels;
};

struct gomem_profile {
	gomem_profile_format format;
	gomem_strpool strings; /* id 0 is "" */
	struct gomem_value_type *sample_types;
	size_t nsample_types, sample_types_cap;
	struct gomem_value_type period_type;
	int64_t period, time_nanos, duration_nanos;
	uint32_t drop_frames, keep_frames, default_sample_type, doc_url;
	uint32_t *comments;
	size_t ncomments, comments_cap;

	struct gomem_mapping *mappings;
	size_t nmappings, mappings_cap;
	struct gomem_location *locations;
	size_t nlocations, locations_cap;
	struct gomem_line *lines;
	size_t nlines, lines_cap;
	struct gomem_function *functions;
	size_t nfunctions, functions_cap;

	struct gomem_sample *samples;
	size_t nsamples, samples_cap;
	/* Location references, leaf first: the file's location ids while
	 * reading (sample_locs), indices into locations once resolved
	 * (loc_index; sample_locs is then NULL). nsample_locs counts either. */
	uint64_t *sample_locs;
	size_t nsample_locs, sample_locs_cap;
	uint32_t *loc_index;
	/* Sample values, a run per sample (value_off/nvalues): samples may
	 * arrive before the sample types, so the count is checked on resolve. */
	int64_t *values;
	size_t nvalues, values_cap;
	struct gomem_label *labels;
	size_t nlabels, labels_cap;

	gomem_memstats *memstats;
};

/* Ceilings on model sizes: a malicious file cannot ask for more. */
#define GOMEM_PROFILE_MAX_ITEMS ((size_t)1 << 28)
_Static_assert(GOMEM_PROFILE_MAX_ITEMS * 4 * 2 <= UINT32_MAX,
	       "a sample's runs are addressed with 32 bits");

int gomem_profile_new(gomem_profile **out);
/* Resolves file ids to indices and checks what pprof's CheckValid checks:
 * every sample has one value per sample type, ids are nonzero and unique,
 * every referenced id exists, every string index is in range. ERR gets the
 * first problem. SAMPLE_OFFSETS (may be NULL) gives each sample's byte
 * offset in the input, for the message; UINT64_MAX means not recorded.
 * Nothing may be appended to a profile after it is resolved. */
int gomem_profile_resolve(gomem_profile *p, const uint64_t *sample_offsets,
			  const uint64_t *location_offsets, gomem_error *err);
/* Adds a sample type; ids are string ids. */
int gomem_profile_add_sample_type(gomem_profile *p, uint32_t type, uint32_t unit);

/* The push readers' shared shape, so one loop (gomem_read_profile) drives
 * each of them, from a source or from a buffer. */
struct gomem_reader_ops {
	int (*create)(void **reader, const char *name);
	int (*feed)(void *reader, const void *data, size_t len);
	int (*finish)(gomem_profile **out, void *reader);
	const gomem_error *(*error)(const void *reader);
	void (*destroy)(void *reader);
};

extern const struct gomem_reader_ops gomem_pprof_reader_ops;
/* Tests only: the protobuf reader decodes Samples, Locations and Functions
 * with its general decoder alone (the fast paths give the same model). */
extern bool gomem_pprof_slow_only;
extern const struct gomem_reader_ops gomem_heapprof_reader_ops;

/* Reads a whole profile with OPS from SRC, or from DATA/LEN when SRC is
 * NULL (NAME labels errors then). */
int gomem_read_profile(gomem_profile **out, const struct gomem_reader_ops *ops, gomem_source *src,
		       const void *data, size_t len, const char *name, gomem_error *err);

/* gomem_profile_read, told whether the bytes were gzip (for the message
 * when they are not a profile): a source over memory inflated elsewhere. */
int gomem_profile_read_as(gomem_profile **out, gomem_source *src, bool gzipped, gomem_error *err);

/* The string id of S in P's string table, adding S if it is new. */
int gomem_profile_intern(gomem_profile *p, const char *s, uint32_t *id);

/* Sample S's stack as function-level frames, root first: "root;...;leaf"
 * (an address when a frame has no function), in B (profile_folded.c). */
int gomem_profile_fold_sample(gomem_buf *b, const gomem_profile *p, size_t s);
/* Collapsed stacks of P summed by stack, value VI of each sample, sorted,
 * "stack value" per line, for flame-graph tools; zero and stackless skipped. */
int gomem_profile_write_folded(const gomem_profile *p, size_t vi, FILE *fp, gomem_error *err);

/* ---- what a profile cannot hold (profile_check.c) ------------------------ */

/* Where something sits in an input: a line and column of text, or a byte
 * offset of binary. */
struct gomem_pos {
	uint64_t line, col, offset;
	bool is_text;
};

/* What a reader notes about sample values as it reads them, for the checks
 * that need the sample types' names: per value column the sum of |value|
 * and where it first passed INT64_MAX, and the samples holding a negative
 * value. Zero-initialised; gomem_value_audit_free. */
struct gomem_audit_col {
	uint64_t sum;
	bool over;
	struct gomem_pos at;
};

struct gomem_value_audit {
	struct gomem_audit_col *cols;
	size_t ncols, cols_cap;
	struct gomem_audit_neg {
		size_t sample;
		struct gomem_pos at;
	} *neg;
	size_t nneg, neg_cap;
};

int gomem_value_audit_slow(struct gomem_value_audit *a, size_t sample, const int64_t *v, size_t n,
			   const struct gomem_pos *at);

/* Notes sample SAMPLE's N values V, read at AT (read only when something
 * is off). Inline: it runs once per sample of every profile read. */
static inline int gomem_value_audit_sample(struct gomem_value_audit *a, size_t sample,
					   const int64_t *v, size_t n, const struct gomem_pos *at)
{
	uint64_t high = 0;

	if (n > a->ncols)
		return gomem_value_audit_slow(a, sample, v, n, at);
	for (size_t j = 0; j < n; j++) {
		a->cols[j].sum += (uint64_t)v[j];
		high |= (uint64_t)v[j] | a->cols[j].sum;
	}
	if (high >> 63 == 0)
		return GOMEM_OK;
	/* a negative value, or a sum past INT64_MAX: undone, the slow way */
	for (size_t j = 0; j < n; j++)
		a->cols[j].sum -= (uint64_t)v[j];
	return gomem_value_audit_slow(a, sample, v, n, at);
}

void gomem_value_audit_free(struct gomem_value_audit *a);

/* Refuses, with the position noted, what no profile can hold: a negative
 * period, a heap profile with period 0 and samples, a sample type whose
 * values add up past the int64 range, a negative heap value where there
 * can be none. P is resolved (its strings are in). PERIOD_AT: where the
 * period is given. */
int gomem_profile_check(const gomem_profile *p, const struct gomem_value_audit *a,
			const struct gomem_pos *period_at, gomem_error *err);

/* Whether P is a heap (or allocs) profile: period type "space", or none and
 * a space sample type in a memory unit. */
bool gomem_profile_is_heap(const gomem_profile *p);

/* Bytes per UNIT for pprof's memory units ("bytes", "kilobytes", "MB"...;
 * any case, plural or not), 0 for anything else. */
uint64_t gomem_memory_unit_factor(const char *unit);

/* The first relation between MemStats fields the runtime always keeps that
 * MS breaks: its message in MSG, and the field to blame returned by name as
 * Go prints it ("HeapSys"); NULL when all hold. HAS (NULL: every field was
 * read) says whether the input had a field. */
const char *gomem_memstats_problem(const gomem_memstats *ms,
				   bool (*has)(const char *name, const void *ctx),
				   const void *ctx, char *msg, size_t size);


#endif
