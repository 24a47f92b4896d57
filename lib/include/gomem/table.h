/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/table.h — the one output layer. A tool declares its columns once and
 * emits rows; the table renders them as aligned text for people, or as CSV,
 * TSV, JSON or NDJSON for scripts. Machine formats carry numbers in base
 * units (bytes, objects, seconds); only the text table uses human units and
 * colour. CSV, TSV and NDJSON stream each row as it arrives; the text table
 * buffers (it needs the column widths), JSON streams rows inside its object.
 *
 * The formats, for columns name (TEXT), delta (BYTES, SIGNED) and pct
 * (PERCENT), a meta member and totals:
 *
 *   table   name      delta    pct    header; two spaces between columns;
 *           a      +1.00KiB  12.5%    numbers right-aligned, text left;
 *           ----------------------    null is "-"; totals under a rule;
 *           total  +1.00KiB  12.5%    no line ends in spaces
 *   csv     name,delta,pct            RFC 4180 quoting, LF line ends, base
 *           a,1024,12.5               units, null empty, no totals
 *   tsv     name<TAB>delta<TAB>pct    tab, LF, CR and backslash in a field
 *           a<TAB>1024<TAB>12.5       written \t \n \r \\, other control
 *                                     bytes \xHH (PostgreSQL COPY)
 *   json    {"schema":"gomem.x/1","meta":1,
 *           "rows":[
 *           {"name":"a","delta":1024,"pct":12.5}
 *           ],
 *           "totals":{"name":"total","delta":1024,"pct":12.5}}
 *   ndjson  {"name":"a","delta":1024,"pct":12.5}
 *           one object per row and nothing else: no schema, no totals
 *
 * Machine formats: integers exact; reals as %.15g, or %.17g when that does
 * not read back as the same double; always '.' whatever LC_NUMERIC says. NaN
 * and infinities are null (empty in CSV/TSV, "-" in the text table). JSON strings are valid UTF-8
 * whatever the input: invalid bytes become U+FFFD, control characters
 * (DEL and C1 too) are \u escapes. The text table follows the people's rule
 * below (a name from an untrusted profile cannot drive the terminal) and
 * its padding counts terminal columns (East Asian wide characters two,
 * combining marks none).
 *
 * Errors: every call returns GOMEM_OK or a negative GOMEM_E_*, and the first
 * error sticks: later calls return it and write nothing. A failed write
 * (EPIPE, ENOSPC, a closed stream) is GOMEM_E_IO; misuse (a row after the
 * totals, meta after a row, NULL cells) is GOMEM_E_INVALID. Details in
 * gomem_table_error(). */
#ifndef GOMEM_TABLE_H
#define GOMEM_TABLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GOMEM_FORMAT_TABLE = 0,
	GOMEM_FORMAT_CSV,
	GOMEM_FORMAT_TSV,
	GOMEM_FORMAT_JSON,
	GOMEM_FORMAT_NDJSON
} gomem_format;

/* "table", "csv", "tsv", "json", "ndjson" -> *out; GOMEM_E_INVALID otherwise
 * (the names are matched exactly, as --format takes them). */
GOMEM_API int gomem_format_parse(gomem_format *out, const char *name);
/* The name gomem_format_parse takes for F; NULL for a value out of range. */
GOMEM_API const char *gomem_format_name(gomem_format f);

typedef enum {
	GOMEM_COL_TEXT = 0, /* cell.s (NULL counts as null) */
	GOMEM_COL_COUNT,    /* cell.i: objects, events */
	GOMEM_COL_BYTES,    /* cell.i: bytes; text table shows 1.50MiB */
	GOMEM_COL_DURATION, /* cell.d: seconds; text table shows 250ms, 1.5s */
	GOMEM_COL_PERCENT,  /* cell.d: percent (12.5 means 12.5 %); text shows 12.5% */
	GOMEM_COL_NUMBER    /* cell.d: a plain real number */
} gomem_col_type;

enum {
	GOMEM_COL_SIGNED = 1 << 0,      /* text: show "+" on positive values (not on zero) */
	GOMEM_COL_LEFT = 1 << 1,        /* text: left-align (default for TEXT) */
	GOMEM_COL_COLOR_SIGN = 1 << 2,  /* text with opts.color: > 0 red, < 0 green */
	GOMEM_COL_PLUSMINUS = 1 << 3,   /* text: prefix "±" (an uncertainty) */
	GOMEM_COL_MACHINE_ONLY = 1 << 4,/* not shown in the text table */
	GOMEM_COL_TEXT_ONLY = 1 << 5    /* only in the text table */
};

typedef struct gomem_column {
	const char *name;  /* CSV/TSV header and JSON key: lower_snake_case */
	const char *title; /* text table header; NULL means name */
	gomem_col_type type;
	unsigned int flags;
} gomem_column;

typedef struct gomem_cell {
	int null;          /* no value: empty in CSV/TSV, null in JSON, "-" in text */
	int64_t i;
	double d;
	const char *s;
} gomem_cell;

typedef struct gomem_table_options {
	unsigned int version; /* GOMEM_TABLE_OPTIONS_VERSION */
	gomem_format format;
	int color;            /* text only; the caller decides (tty and NO_COLOR) */
	int header;           /* text/CSV/TSV: print the header row (default 1) */
	const char *schema;   /* JSON: "gomem.<tool>/<version>" (copied); NULL: no member */
	int flush;            /* fflush after each row (--follow: rows show at once) */
	size_t max_cells;     /* text: ceiling on held cells, GOMEM_E_LIMIT past it;
			       * 0 = GOMEM_TABLE_DEFAULT_MAX_CELLS */
} gomem_table_options;

#define GOMEM_TABLE_OPTIONS_VERSION 1
#define GOMEM_TABLE_OPTIONS_INIT \
	{GOMEM_TABLE_OPTIONS_VERSION, GOMEM_FORMAT_TABLE, 0, 1, NULL, 0, 0}
#define GOMEM_TABLE_DEFAULT_MAX_CELLS ((size_t)64 << 20)

typedef struct gomem_table gomem_table;

/* A table of NCOLS columns written to FP (not closed by the table); OPTS
 * NULL means GOMEM_TABLE_OPTIONS_INIT. COLS (and the strings in it) must
 * outlive the table. Nothing is written yet. GOMEM_E_INVALID for no
 * columns, a column without a name or an options version not known. */
GOMEM_API int gomem_table_new(gomem_table **out, const gomem_column *cols, size_t ncols,
			      FILE *fp, const gomem_table_options *opts);
/* JSON only (accepted and ignored elsewhere): top-level members written
 * after "schema" and before "rows", in call order. Call before the first row;
 * the keys "schema", "rows" and "totals" are reserved. A NULL string value
 * and a NaN or infinite number are null. */
GOMEM_API int gomem_table_meta_string(gomem_table *t, const char *key, const char *value);
GOMEM_API int gomem_table_meta_int(gomem_table *t, const char *key, int64_t value);
GOMEM_API int gomem_table_meta_number(gomem_table *t, const char *key, double value);
/* One cell per column, in column order (hidden columns' cells included). The
 * cells are read during the call only. CSV, TSV, NDJSON and JSON write the
 * row before returning; the text table holds it until gomem_table_end. */
GOMEM_API int gomem_table_row(gomem_table *t, const gomem_cell *cells);
/* The totals, once, after the last row: a last line under a rule in the text
 * table, a "totals" object in JSON; not written in CSV, TSV and NDJSON (a
 * row there is a row). */
GOMEM_API int gomem_table_totals(gomem_table *t, const gomem_cell *cells);
/* Finishes the output (the text table is written here, the JSON object
 * closed, CSV/TSV get their header if no row came) and flushes FP. Call once;
 * a table freed without it leaves its output unfinished. */
GOMEM_API int gomem_table_end(gomem_table *t);
/* The first error on T (code GOMEM_OK if none); borrowed from T. NULL for T NULL. */
GOMEM_API const gomem_error *gomem_table_error(const gomem_table *t);
/* Frees T and what it holds, writing nothing. NULL is fine. */
GOMEM_API void gomem_table_free(gomem_table *t);

/* Writes S as a JSON string (RFC 8259, invalid UTF-8 replaced by U+FFFD,
 * so the output always parses), for tools writing a nested JSON document
 * the flat table cannot express. GOMEM_E_IO on a write error. */
GOMEM_API int gomem_json_write_string(FILE *fp, const char *s);

/* ---- text for people: the one sanitising rule ------------------------------
 *
 * Whatever gomem shows people — the text table, the tools' own lines, the
 * messages on stderr, terminal or not — passes one rule, so a name read
 * from an untrusted dump, profile, binary or source file cannot retitle the
 * terminal, clear it or move the cursor: C0 controls (except tab and
 * newline), DEL and C1 controls (U+0080..U+009F UTF-8 encoded, and the raw
 * bytes 0x80..0x9F), and every other byte of invalid UTF-8, show as U+FFFD.
 * A text-table cell is one line, so there tab and newline are replaced too;
 * in the functions below tab, newline and a CR before a newline stay.
 * Machine formats escape instead, as their syntax says: JSON \u001b
 * (DEL and C1 included), TSV \xHH bytes (PostgreSQL COPY), CSV quotes the
 * field (RFC 4180 has no escapes).
 *
 * Colour and other sequences a tool means to send are written apart from
 * this text. Each returns GOMEM_OK, GOMEM_E_IO on a write error, or
 * GOMEM_E_NOMEM. */
GOMEM_API int gomem_text_write(FILE *fp, const char *s, size_t n);
/* printf, the whole result (format and arguments) written by the rule. */
GOMEM_API int gomem_text_printf(FILE *fp, const char *fmt, ...)
	GOMEM_PRINTF(2, 3);
GOMEM_API int gomem_text_vprintf(FILE *fp, const char *fmt, va_list ap)
	GOMEM_PRINTF(2, 0);

/* S as one line by the same rule (tab and newline replaced too) into DST
 * of SIZE bytes, NUL-terminated, cut before a character that would not fit;
 * returns its length. For text drawn where no FILE is written (a curses
 * screen). */
GOMEM_API size_t gomem_text_copy(char *dst, size_t size, const char *s);

/* Room for any text gomem_format_bytes or gomem_format_duration writes. */
#define GOMEM_UNITS_BUFSIZE 32

/* Human units for the text table, shared by every tool, the same in every
 * locale. Both write a NUL-terminated string into BUF and return its length,
 * or GOMEM_E_INVALID (BUF then holds "") when it does not fit in SIZE.
 *
 * Bytes, IEC: "0B", "512B", "1023B", "1.00KiB", "12.3MiB", "123GiB",
 * "1023KiB" (three significant digits, four from 1000 to 1023 of a unit, as
 * ls -h), up to "8.00EiB"; negatives "-512B"; SIGN adds "+" to positives.
 * INT64_MIN is fine. */
GOMEM_API int gomem_format_bytes(char *buf, size_t size, int64_t bytes, int sign);
/* Durations: "0s", "850ns", "12.5us", "12.5ms", "1.50s", "59.9s" (three
 * significant digits, ASCII "us"), then "2m30s" below an hour and "1h2m"
 * from one; negatives with "-". GOMEM_E_INVALID for NaN, infinities and
 * magnitudes past 2^63 minutes. */
GOMEM_API int gomem_format_duration(char *buf, size_t size, double seconds);

/* Parses a size option into bytes: a decimal number ("64", "1.5", ".5")
 * and an optional suffix, ASCII case ignored: B; K, M, G, T, P, E and KiB..EiB
 * are powers of 1024 (K as in ls); KB, MB, GB, TB, PB, EB powers of 1000.
 * A fraction is rounded to the nearest byte. GOMEM_E_INVALID for an empty
 * string, a sign, spaces, an unknown suffix, trailing text or a value past
 * UINT64_MAX; *out is then untouched. */
GOMEM_API int gomem_parse_size(uint64_t *out, const char *s);
/* Parses a duration option into seconds: a bare number ("5", "1.5") is
 * seconds; otherwise one or more number-unit pairs as Go's
 * time.ParseDuration takes them ("30s", "250ms", "1.5m", "2h", "1m30s",
 * "100us", "100µs", "10ns"). Units are case-sensitive. GOMEM_E_INVALID for
 * an empty string, a sign, spaces, an unknown unit or a number without a
 * unit after the first pair; *out is then untouched. */
GOMEM_API int gomem_parse_duration(double *out, const char *s);
/* SECONDS (a duration) as whole milliseconds for a timeout or a wait:
 * rounded up, so a positive duration never becomes 0 (which a timeout
 * takes as "none"), and capped at MAX_MS; NaN, negatives and 0 give 0. */
GOMEM_API long gomem_duration_ms(double seconds, long max_ms);
/* Parses a plain non-negative decimal ("12", "2.5", ".5"), whatever the
 * locale -> *out; GOMEM_E_INVALID for anything else. */
GOMEM_API int gomem_parse_number(double *out, const char *s);

#ifdef __cplusplus
}
#endif
#endif
