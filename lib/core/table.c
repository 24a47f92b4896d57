/* SPDX-License-Identifier: Apache-2.0 */
/* table.c — the one output layer: typed columns rendered as an aligned text
 * table for people, or as CSV, TSV, JSON or NDJSON for scripts.
 *
 * Machine formats are written a row at a time through one line buffer and
 * one fwrite, so `--follow` and huge inputs stream. The text table needs
 * its column widths before the first line, so it keeps every formatted cell
 * (under a ceiling) and writes at gomem_table_end(). */
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

#define TABLE_MAX_TEXT ((size_t)1 << 31)  /* bytes of buffered text-table cells */
#define TABLE_MAX_LINE ((size_t)1 << 30)  /* bytes of one output line */

#define COLOR_RED "\033[31m"
#define COLOR_GREEN "\033[32m"
#define COLOR_RESET "\033[0m"

/* A formatted text-table cell: its bytes in t->text, and its width in
 * terminal columns, which is what the padding is computed on. */
struct text_cell {
	size_t off;
	uint32_t len;
	uint32_t width;
	int sign; /* -1, 0, 1: which colour a COLOR_SIGN column gets */
};

enum json_state {
	JSON_NOTHING,   /* "{" not written yet */
	JSON_MEMBERS,   /* in the top-level members before "rows" */
	JSON_ROWS,      /* inside "rows":[ */
	JSON_ROWS_DONE  /* "rows" closed */
};

struct gomem_table {
	const gomem_column *cols;
	size_t ncols;
	FILE *fp;
	gomem_table_options opts;
	char *schema;
	gomem_error err;
	locale_t c_locale;     /* for printf/strtod of doubles, whatever the caller set */
	gomem_buf line;        /* the line being assembled */
	int started;           /* CSV/TSV: header written */
	int ended;
	int has_totals;
	uint64_t nrows;

	enum json_state json;
	size_t nmembers;

	gomem_buf text;        /* text table: the bytes of every cell */
	struct text_cell *cells; /* rows of ncols: header (if any), body, totals */
	size_t ncells, cells_cap, max_cells;
	uint32_t *widths;      /* per column */
};

/* ---- format names ---------------------------------------------------------- */

static const char *const format_names[] = {"table", "csv", "tsv", "json", "ndjson"};

int gomem_format_parse(gomem_format *out, const char *name)
{
	if (out == NULL || name == NULL)
		return GOMEM_E_INVALID;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(format_names); i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*out = (gomem_format)i;
			return GOMEM_OK;
		}
	}
	return GOMEM_E_INVALID;
}

const char *gomem_format_name(gomem_format f)
{
	if ((unsigned)f >= GOMEM_ARRAY_SIZE(format_names))
		return NULL;
	return format_names[f];
}

/* ---- errors and output ----------------------------------------------------- */

static int fail(gomem_table *t, int code, const char *what)
{
	if (code == GOMEM_E_LIMIT)
		return gomem_error_set(&t->err, code, "%s: size limit reached", what);
	if (code == GOMEM_E_NOMEM)
		return gomem_error_set(&t->err, code, "%s: out of memory", what);
	return gomem_error_set(&t->err, code, "%s", what);
}

static int io_error(gomem_table *t, int errnum)
{
	return gomem_error_set(&t->err, GOMEM_E_IO, "write failed: %s",
			       errnum ? strerror(errnum) : "stream error");
}

static int put(gomem_table *t, const char *s, size_t n)
{
	int rc = gomem_buf_append(&t->line, s, n);

	return rc ? fail(t, rc, "output line") : GOMEM_OK;
}

static int put_str(gomem_table *t, const char *s)
{
	return put(t, s, strlen(s));
}

/* Writes the assembled line. ferror() is checked as well as the count:
 * stdio may have failed on an earlier, buffered write (EPIPE, ENOSPC). */
static int flush_line(gomem_table *t)
{
	size_t n = t->line.len;

	t->line.len = 0;
	errno = 0;
	if (n > 0 && fwrite(t->line.data, 1, n, t->fp) != n)
		return io_error(t, errno);
	if (t->opts.flush && fflush(t->fp) != 0)
		return io_error(t, errno);
	if (ferror(t->fp))
		return io_error(t, errno);
	return GOMEM_OK;
}

/* ---- numbers --------------------------------------------------------------- */

/* The shortest "%.Ng" that reads back as V, in the C locale whatever the
 * program's LC_NUMERIC is (JSON and CSV want '.', not ','). V is finite. */
static void format_double(gomem_table *t, char *buf, size_t size, double v)
{
	locale_t old = uselocale(t->c_locale);

	snprintf(buf, size, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, size, "%.17g", v);
	uselocale(old);
}

static int is_double_type(gomem_col_type type)
{
	return type == GOMEM_COL_DURATION || type == GOMEM_COL_PERCENT ||
	       type == GOMEM_COL_NUMBER;
}

/* A cell without a value: null, a TEXT cell without a string, or a NaN or
 * infinity, which neither JSON nor a CSV reader can take. */
static int is_null(const gomem_column *c, const gomem_cell *cell)
{
	if (cell->null)
		return 1;
	if (c->type == GOMEM_COL_TEXT)
		return cell->s == NULL;
	return is_double_type(c->type) && !isfinite(cell->d);
}

/* The non-null numeric cell as a machine number in base units into BUF. */
static void machine_number(gomem_table *t, const gomem_column *c, const gomem_cell *cell,
			   char *buf, size_t size)
{
	if (is_double_type(c->type))
		format_double(t, buf, size, cell->d);
	else
		snprintf(buf, size, "%" PRId64, cell->i);
}

/* ---- UTF-8 ----------------------------------------------------------------- */

/* Length (1..4) of the well-formed UTF-8 sequence at S with its code point
 * in *CP; 0 when S[0] starts none: a stray continuation byte, an overlong
 * form, a surrogate, past U+10FFFF or cut short. N >= 1. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	return gomem_utf8_decode(s, n, cp);
}

/* Length of the run of printable ASCII at P, none of it in SPECIAL: the
 * common case, copied in one append. */
static size_t ascii_run(const unsigned char *p, size_t n, const char *special)
{
	size_t k = 0;

	while (k < n && p[k] >= 0x20 && p[k] < 0x7f &&
	       (special == NULL || strchr(special, p[k]) == NULL))
		k++;
	return k;
}

struct range {
	uint32_t lo, hi;
};

/* Marks that print on the character before them (Mn, Me, zero-width Cf). */
static const struct range zero_width[] = {
	{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x05bf, 0x05bf},
	{0x05c1, 0x05c2}, {0x05c4, 0x05c5}, {0x05c7, 0x05c7}, {0x0610, 0x061a},
	{0x064b, 0x065f}, {0x0670, 0x0670}, {0x06d6, 0x06dc}, {0x06df, 0x06e4},
	{0x0900, 0x0902}, {0x093c, 0x093c}, {0x0941, 0x0948}, {0x094d, 0x094d},
	{0x0e31, 0x0e31}, {0x0e34, 0x0e3a}, {0x0e47, 0x0e4e}, {0x1ab0, 0x1aff},
	{0x1dc0, 0x1dff}, {0x200b, 0x200f}, {0x202a, 0x202e}, {0x2060, 0x2064},
	{0x20d0, 0x20ff}, {0x302a, 0x302d}, {0x3099, 0x309a}, {0xfe00, 0xfe0f},
	{0xfe20, 0xfe2f}, {0xfeff, 0xfeff}, {0x1f3fb, 0x1f3ff}, {0xe0001, 0xe007f},
	{0xe0100, 0xe01ef},
};

/* East Asian Wide and Fullwidth, and the emoji terminals draw two wide. */
static const struct range double_width[] = {
	{0x1100, 0x115f},   {0x231a, 0x231b},   {0x2329, 0x232a},   {0x23e9, 0x23ec},
	{0x23f0, 0x23f0},   {0x23f3, 0x23f3},   {0x25fd, 0x25fe},   {0x2614, 0x2615},
	{0x2648, 0x2653},   {0x267f, 0x267f},   {0x2693, 0x2693},   {0x26a1, 0x26a1},
	{0x26aa, 0x26ab},   {0x26bd, 0x26be},   {0x26c4, 0x26c5},   {0x26ce, 0x26ce},
	{0x26d4, 0x26d4},   {0x26ea, 0x26ea},   {0x26f2, 0x26f3},   {0x26f5, 0x26f5},
	{0x26fa, 0x26fa},   {0x26fd, 0x26fd},   {0x2705, 0x2705},   {0x270a, 0x270b},
	{0x2728, 0x2728},   {0x274c, 0x274c},   {0x274e, 0x274e},   {0x2753, 0x2755},
	{0x2757, 0x2757},   {0x2795, 0x2797},   {0x27b0, 0x27b0},   {0x27bf, 0x27bf},
	{0x2b1b, 0x2b1c},   {0x2b50, 0x2b50},   {0x2b55, 0x2b55},   {0x2e80, 0x303e},
	{0x3041, 0x33ff},   {0x3400, 0x4dbf},   {0x4e00, 0x9fff},   {0xa000, 0xa4cf},
	{0xa960, 0xa97f},   {0xac00, 0xd7a3},   {0xf900, 0xfaff},   {0xfe10, 0xfe19},
	{0xfe30, 0xfe6f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},   {0x16fe0, 0x16fe4},
	{0x17000, 0x18aff}, {0x1b000, 0x1b2ff}, {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf},
	{0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a}, {0x1f200, 0x1f251}, {0x1f300, 0x1f320},
	{0x1f32d, 0x1f335}, {0x1f337, 0x1f37c}, {0x1f37e, 0x1f393}, {0x1f3a0, 0x1f3ca},
	{0x1f3cf, 0x1f3d3}, {0x1f3e0, 0x1f3f0}, {0x1f3f4, 0x1f3f4}, {0x1f3f8, 0x1f43e},
	{0x1f440, 0x1f440}, {0x1f442, 0x1f4fc}, {0x1f4ff, 0x1f53d}, {0x1f54b, 0x1f54e},
	{0x1f550, 0x1f567}, {0x1f57a, 0x1f57a}, {0x1f595, 0x1f596}, {0x1f5a4, 0x1f5a4},
	{0x1f5fb, 0x1f64f}, {0x1f680, 0x1f6c5}, {0x1f6cc, 0x1f6cc}, {0x1f6d0, 0x1f6d2},
	{0x1f6d5, 0x1f6d7}, {0x1f6eb, 0x1f6ec}, {0x1f6f4, 0x1f6fc}, {0x1f7e0, 0x1f7eb},
	{0x1f90c, 0x1f93a}, {0x1f93c, 0x1f945}, {0x1f947, 0x1f9ff}, {0x1fa70, 0x1faff},
	{0x20000, 0x2fffd}, {0x30000, 0x3fffd},
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Terminal columns of a printable code point. Not wcwidth(): that answers
 * from LC_CTYPE, and in the C locale it knows no character past ASCII. */
static unsigned cp_width(uint32_t cp)
{
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero_width, GOMEM_ARRAY_SIZE(zero_width)))
		return 0;
	if (in_ranges(cp, double_width, GOMEM_ARRAY_SIZE(double_width)))
		return 2;
	return 1;
}

/* C0, DEL and C1: a terminal would act on them, and a name read from an
 * untrusted profile must not move the cursor or recolour the screen. */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/* ---- the people's text rule ------------------------------------------------ */

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* The one rule for text people see, a character at a time: the length of
 * the unit at P (N >= 1), whether it is KEPT as it is or shown as U+FFFD,
 * and its terminal columns added to *WIDTH. Replaced: C0 controls, DEL and
 * C1 (U+0080..U+009F, and the raw bytes 0x80..0x9F, which are not UTF-8),
 * and any other byte of invalid UTF-8. LINES keeps tab, newline and a CR
 * before a newline (a message, a stream of lines); a table cell is one line
 * and replaces them too. */
static size_t text_unit(const unsigned char *p, size_t n, int lines, int *kept, uint32_t *width)
{
	size_t k = ascii_run(p, n, NULL);
	uint32_t cp;

	*kept = 1;
	if (k > 0) {
		*width += (uint32_t)k;
		return k;
	}
	if (lines && (p[0] == '\t' || p[0] == '\n' || (p[0] == '\r' && n > 1 && p[1] == '\n')))
		return p[0] == '\r' ? 2 : 1;
	if ((k = utf8_decode(p, n, &cp)) == 0 || is_control(cp)) {
		*kept = 0;
		*width += 1;
		return k ? k : 1;
	}
	*width += cp_width(cp);
	return k;
}

/* Appends S[0..N) to B by the rule (text_unit), counting columns into WIDTH. */
static int text_clean(gomem_buf *b, const char *s, size_t n, int lines, uint32_t *width)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = GOMEM_OK, kept;

	while (n > 0 && rc == GOMEM_OK) {
		size_t k = text_unit(p, n, lines, &kept, width);

		rc = kept ? gomem_buf_append(b, p, k) : gomem_buf_append(b, replacement, 3);
		p += k;
		n -= k;
	}
	return rc;
}

/* Writes S[0..N) by the rule, the kept runs as they are: nothing allocated,
 * so a message can still be written when memory ran out. */
int gomem_text_write(FILE *fp, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *run;
	uint32_t width = 0;
	int kept;

	if (fp == NULL || (s == NULL && n > 0))
		return GOMEM_E_INVALID;
	for (run = p; n > 0;) {
		size_t k = text_unit(p, n, 1, &kept, &width);

		if (!kept) {
			if ((p > run && fwrite(run, 1, (size_t)(p - run), fp) != (size_t)(p - run)) ||
			    fwrite(replacement, 1, 3, fp) != 3)
				return GOMEM_E_IO;
			run = p + k;
		}
		p += k;
		n -= k;
	}
	if (p > run && fwrite(run, 1, (size_t)(p - run), fp) != (size_t)(p - run))
		return GOMEM_E_IO;
	return GOMEM_OK;
}

/* One line by the rule into DST (a screen line: tab and newline replaced
 * too), cut whole characters short of SIZE. */
size_t gomem_text_copy(char *dst, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, len = 0;
	uint32_t width = 0;
	int kept;

	if (dst == NULL || size == 0)
		return 0;
	while (n > 0) {
		size_t k = text_unit(p, n, 0, &kept, &width);
		const void *from = kept ? (const void *)p : (const void *)replacement;
		size_t take = kept ? k : 3;

		if (take >= size - len)
			break;
		memcpy(dst + len, from, take);
		len += take;
		p += k;
		n -= k;
	}
	dst[len] = '\0';
	return len;
}

int gomem_text_vprintf(FILE *fp, const char *fmt, va_list ap)
{
	char small[1024];
	va_list copy;
	gomem_buf b;
	int n, rc;

	if (fp == NULL || fmt == NULL)
		return GOMEM_E_INVALID;
	va_copy(copy, ap);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return GOMEM_E_INVALID;
	if ((size_t)n < sizeof(small)) /* the common case: no allocation */
		return gomem_text_write(fp, small, (size_t)n);
	gomem_buf_init(&b, TABLE_MAX_LINE);
	rc = gomem_buf_vprintf(&b, fmt, ap);
	if (rc == GOMEM_OK)
		rc = gomem_text_write(fp, b.data, b.len);
	gomem_buf_free(&b);
	return rc;
}

int gomem_text_printf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = gomem_text_vprintf(fp, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- text table ------------------------------------------------------------ */

static int is_visible(const gomem_table *t, const gomem_column *c)
{
	if (t->opts.format == GOMEM_FORMAT_TABLE)
		return !(c->flags & GOMEM_COL_MACHINE_ONLY);
	return !(c->flags & GOMEM_COL_TEXT_ONLY);
}

static int is_right_aligned(const gomem_column *c)
{
	return c->type != GOMEM_COL_TEXT && !(c->flags & GOMEM_COL_LEFT);
}

/* Appends S to the cell text by the people's rule (a cell is one line:
 * tab and newline are replaced too), counting terminal columns into
 * TC->width. */
static int text_append(gomem_table *t, struct text_cell *tc, const char *s, size_t n)
{
	size_t start = t->text.len;
	int rc = text_clean(&t->text, s, n, 0, &tc->width);

	if (rc)
		return fail(t, rc, "text table");
	if (t->text.len - tc->off > UINT32_MAX)
		return fail(t, GOMEM_E_LIMIT, "text table cell");
	tc->len += (uint32_t)(t->text.len - start);
	return GOMEM_OK;
}

/* "12.5%" below 100, "250%" from 100; a value that rounds to zero gets no
 * sign, so nothing shows as "-0.0%". */
static void format_percent(gomem_table *t, char *buf, size_t size, double v, int sign)
{
	double m = v < 0 ? -v : v;
	uint64_t r;
	const char *prefix = v < 0 ? "-" : sign ? "+" : "";

	if (m >= 1e15) {
		locale_t old = uselocale(t->c_locale);

		snprintf(buf, size, "%s%.0f%%", prefix, m);
		uselocale(old);
		return;
	}
	r = (uint64_t)(m * 10 + 0.5);
	if (r == 0)
		snprintf(buf, size, "0.0%%");
	else if (r < 1000)
		snprintf(buf, size, "%s%u.%u%%", prefix, (unsigned)(r / 10), (unsigned)(r % 10));
	else
		snprintf(buf, size, "%s%" PRIu64 "%%", prefix, (uint64_t)(m + 0.5));
}

/* A plain number for people: three significant digits, whole from 100. */
static void format_number(gomem_table *t, char *buf, size_t size, double v, int sign)
{
	locale_t old = uselocale(t->c_locale);
	const char *prefix = sign && v > 0 ? "+" : "";

	if (v >= 100 || v <= -100)
		snprintf(buf, size, "%s%.0f", prefix, v);
	else
		snprintf(buf, size, "%s%.3g", prefix, v);
	uselocale(old);
}

static int sign_of(const gomem_column *c, const gomem_cell *cell)
{
	if (c->type == GOMEM_COL_TEXT)
		return 0;
	if (is_double_type(c->type))
		return cell->d > 0 ? 1 : cell->d < 0 ? -1 : 0;
	return cell->i > 0 ? 1 : cell->i < 0 ? -1 : 0;
}

/* The human text of a non-null numeric cell into BUF. */
static void text_number(gomem_table *t, const gomem_column *c, const gomem_cell *cell,
			char *buf, size_t size)
{
	int sign = (c->flags & GOMEM_COL_SIGNED) != 0;
	char dur[GOMEM_UNITS_BUFSIZE];

	switch (c->type) {
	case GOMEM_COL_BYTES:
		gomem_format_bytes(buf, size, cell->i, sign);
		break;
	case GOMEM_COL_DURATION:
		if (gomem_format_duration(dur, sizeof(dur), cell->d) < 0)
			snprintf(buf, size, "-");
		else
			snprintf(buf, size, "%s%s", sign && cell->d > 0 ? "+" : "", dur);
		break;
	case GOMEM_COL_PERCENT:
		format_percent(t, buf, size, cell->d, sign);
		break;
	case GOMEM_COL_NUMBER:
		format_number(t, buf, size, cell->d, sign);
		break;
	default:
		snprintf(buf, size, sign && cell->i > 0 ? "+%" PRId64 : "%" PRId64, cell->i);
		break;
	}
}

static int text_cell_value(gomem_table *t, struct text_cell *tc, const gomem_column *c,
			   const gomem_cell *cell)
{
	char buf[64];
	int rc;

	if (is_null(c, cell))
		return text_append(t, tc, "-", 1);
	if ((c->flags & GOMEM_COL_PLUSMINUS) && (rc = text_append(t, tc, "\xc2\xb1", 2)) < 0)
		return rc;
	if (c->type == GOMEM_COL_TEXT)
		return text_append(t, tc, cell->s, strlen(cell->s));
	text_number(t, c, cell, buf, sizeof(buf));
	tc->sign = (c->flags & GOMEM_COL_COLOR_SIGN) ? sign_of(c, cell) : 0;
	return text_append(t, tc, buf, strlen(buf));
}

/* Formats a row (CELLS NULL: the header) into the cell buffer. */
static int text_add_row(gomem_table *t, const gomem_cell *cells)
{
	size_t base = t->ncells;
	int rc;

	if (t->ncols > t->max_cells - t->ncells)
		return gomem_error_set(&t->err, GOMEM_E_LIMIT,
				       "text table: more than %zu cells to hold; "
				       "use a streaming format (csv, tsv, ndjson)", t->max_cells);
	if ((rc = GOMEM_GROW(t->cells, t->cells_cap, base + t->ncols, t->max_cells)) < 0)
		return fail(t, rc, "text table");
	for (size_t j = 0; j < t->ncols; j++) {
		const gomem_column *c = &t->cols[j];
		struct text_cell *tc = &t->cells[base + j];

		memset(tc, 0, sizeof(*tc));
		tc->off = t->text.len;
		if (!is_visible(t, c))
			continue;
		if (cells == NULL) {
			const char *title = c->title ? c->title : c->name;

			rc = text_append(t, tc, title, strlen(title));
		} else {
			rc = text_cell_value(t, tc, c, &cells[j]);
		}
		if (rc < 0)
			return rc;
		if (tc->width > t->widths[j])
			t->widths[j] = tc->width;
	}
	t->ncells += t->ncols;
	return GOMEM_OK;
}

static int put_spaces(gomem_table *t, size_t n)
{
	static const char spaces[] = "                                ";
	int rc = GOMEM_OK;

	while (n > 0 && rc == GOMEM_OK) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		rc = put(t, spaces, k);
		n -= k;
	}
	return rc;
}

static int put_text_cell(gomem_table *t, const struct text_cell *tc)
{
	const char *color = tc->sign > 0 ? COLOR_RED : tc->sign < 0 ? COLOR_GREEN : NULL;
	int rc;

	if (color && t->opts.color && (rc = put_str(t, color)) < 0)
		return rc;
	if ((rc = put(t, t->text.data + tc->off, tc->len)) < 0)
		return rc;
	if (color && t->opts.color)
		return put_str(t, COLOR_RESET);
	return GOMEM_OK;
}

/* One line; the last column is not padded, so no line ends in spaces. */
static int write_text_row(gomem_table *t, size_t row, size_t last)
{
	const struct text_cell *cells = &t->cells[row * t->ncols];
	int rc = GOMEM_OK, first = 1;

	for (size_t j = 0; j <= last && rc == GOMEM_OK; j++) {
		const gomem_column *c = &t->cols[j];
		size_t pad = t->widths[j] - cells[j].width;

		if (!is_visible(t, c))
			continue;
		if (!first && (rc = put(t, "  ", 2)) < 0)
			break;
		first = 0;
		if (is_right_aligned(c) && (rc = put_spaces(t, pad)) < 0)
			break;
		if ((rc = put_text_cell(t, &cells[j])) < 0)
			break;
		if (!is_right_aligned(c) && j != last)
			rc = put_spaces(t, pad);
	}
	if (rc == GOMEM_OK)
		rc = put(t, "\n", 1);
	return rc ? rc : flush_line(t);
}

static int write_rule(gomem_table *t, size_t last)
{
	size_t n = 0;
	int rc;

	for (size_t j = 0; j <= last; j++)
		if (is_visible(t, &t->cols[j]))
			n += (n ? 2 : 0) + t->widths[j];
	for (size_t i = 0; i < n; i++)
		if ((rc = put(t, "-", 1)) < 0)
			return rc;
	if ((rc = put(t, "\n", 1)) < 0)
		return rc;
	return flush_line(t);
}

static int text_end(gomem_table *t)
{
	size_t nrows = t->ncells / t->ncols, last = 0;
	int rc = GOMEM_OK;

	for (size_t j = 0; j < t->ncols; j++)
		if (is_visible(t, &t->cols[j]))
			last = j;
	for (size_t r = 0; r < nrows && rc == GOMEM_OK; r++) {
		if (t->has_totals && r == nrows - 1 && (rc = write_rule(t, last)) < 0)
			break;
		rc = write_text_row(t, r, last);
	}
	return rc;
}

/* ---- CSV and TSV ----------------------------------------------------------- */

/* Length of the character at S (N >= 1) and, in *BAD, whether the people's
 * rule replaces it: a C0 or C1 control or DEL, UTF-8 encoded or not, or a
 * byte of invalid UTF-8 (then the length is 1). */
static size_t char_at(const unsigned char *s, size_t n, int *bad)
{
	uint32_t cp;
	size_t k;

	if (s[0] >= 0x20 && s[0] < 0x7f) {
		*bad = 0;
		return 1;
	}
	k = utf8_decode(s, n, &cp);
	*bad = k == 0 || is_control(cp);
	return k ? k : 1;
}

/* Whether S holds a character the people's rule would replace, tab aside. */
static int has_unprintable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int bad = 0;

	while (n > 0) {
		size_t k = char_at(p, n, &bad);

		if (bad && *p != '\t')
			return 1;
		p += k;
		n -= k;
	}
	return 0;
}

/* RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled.
 * CSV has no escapes: a field holding any other control character is quoted
 * too, so every reader takes it whole, and carries its bytes as they are. */
static int csv_field(gomem_table *t, const char *s)
{
	int rc;

	if (strpbrk(s, ",\"\r\n") == NULL && !has_unprintable(s))
		return put_str(t, s);
	if ((rc = put(t, "\"", 1)) < 0)
		return rc;
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1)
		if ((rc = put(t, s, (size_t)(q - s) + 1)) < 0 || (rc = put(t, "\"", 1)) < 0)
			return rc;
	if ((rc = put_str(t, s)) < 0)
		return rc;
	return put(t, "\"", 1);
}

/* PostgreSQL COPY's text format: tab, newline, CR and backslash written
 * \t \n \r \\, and every byte of another control character (C0, DEL, C1
 * whether UTF-8 encoded or raw) or of invalid UTF-8 as \xHH, which COPY
 * reads back as that byte. */
static const char *tsv_short_escape(unsigned char c)
{
	switch (c) {
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\\': return "\\\\";
	default: return NULL;
	}
}

static int tsv_field(gomem_table *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int rc = GOMEM_OK;

	while (n > 0 && rc == GOMEM_OK) {
		size_t k = ascii_run(p, n, "\\");
		const char *esc;
		int bad = 0;

		if (k == 0)
			k = char_at(p, n, &bad);
		if (!bad && *p != '\\') {
			rc = put(t, (const char *)p, k);
		} else if ((esc = tsv_short_escape(*p)) != NULL) {
			rc = put(t, esc, 2);
		} else {
			for (size_t i = 0; i < k && rc == GOMEM_OK; i++) {
				char hex[5];

				snprintf(hex, sizeof(hex), "\\x%02x", p[i]);
				rc = put(t, hex, 4);
			}
		}
		p += k;
		n -= k;
	}
	return rc;
}

static int delimited_field(gomem_table *t, const char *s)
{
	return t->opts.format == GOMEM_FORMAT_CSV ? csv_field(t, s) : tsv_field(t, s);
}

static int delimited_value(gomem_table *t, const gomem_column *c, const gomem_cell *cell)
{
	char num[40];

	if (c->type == GOMEM_COL_TEXT)
		return delimited_field(t, cell->s);
	machine_number(t, c, cell, num, sizeof(num));
	return put_str(t, num);
}

/* One record; CELLS NULL writes the header. */
static int delimited_row(gomem_table *t, const gomem_cell *cells)
{
	const char *sep = t->opts.format == GOMEM_FORMAT_CSV ? "," : "\t";
	int rc = GOMEM_OK, first = 1;

	for (size_t j = 0; j < t->ncols && rc == GOMEM_OK; j++) {
		const gomem_column *c = &t->cols[j];

		if (!is_visible(t, c))
			continue;
		if (!first && (rc = put(t, sep, 1)) < 0)
			break;
		first = 0;
		if (cells == NULL)
			rc = delimited_field(t, c->name);
		else if (!is_null(c, &cells[j]))
			rc = delimited_value(t, c, &cells[j]); /* null: an empty field */
	}
	if (rc == GOMEM_OK)
		rc = put(t, "\n", 1);
	return rc ? rc : flush_line(t);
}

static int delimited_start(gomem_table *t)
{
	if (t->started)
		return GOMEM_OK;
	t->started = 1;
	return t->opts.header ? delimited_row(t, NULL) : GOMEM_OK;
}

/* ---- JSON and NDJSON ------------------------------------------------------- */

/* RFC 8259 string into B: quotes, backslash and control characters (C0,
 * DEL and C1) escaped (the short forms where JSON has them), U+2028/2029
 * escaped for JavaScript embedders, and every byte of invalid UTF-8 replaced by U+FFFD so the
 * document always parses. */
static int json_escape(gomem_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int rc = gomem_buf_append(b, "\"", 1);

	while (n > 0 && rc == GOMEM_OK) {
		size_t k = ascii_run(p, n, "\"\\");
		uint32_t cp = 0;
		char esc[8];

		if (k > 0) {
			rc = gomem_buf_append(b, p, k);
		} else if ((k = utf8_decode(p, n, &cp)) == 0) {
			rc = gomem_buf_append(b, "\\ufffd", 6);
			k = 1;
		} else if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			rc = gomem_buf_append(b, esc, 2);
		} else if (cp == '\n' || cp == '\r' || cp == '\t') {
			rc = gomem_buf_append(b, cp == '\n' ? "\\n" : cp == '\r' ? "\\r" : "\\t", 2);
		} else if (is_control(cp) || cp == 0x2028 || cp == 0x2029) {
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			rc = gomem_buf_append(b, esc, 6);
		} else {
			rc = gomem_buf_append(b, p, k);
		}
		p += k;
		n -= k;
	}
	return rc ? rc : gomem_buf_append(b, "\"", 1);
}

static int json_string(gomem_table *t, const char *s)
{
	int rc = json_escape(&t->line, s);

	return rc ? fail(t, rc, "output line") : GOMEM_OK;
}

int gomem_json_write_string(FILE *fp, const char *s)
{
	gomem_buf b;
	int rc;

	gomem_buf_init(&b, TABLE_MAX_LINE);
	rc = json_escape(&b, s ? s : "");
	if (rc == GOMEM_OK && fwrite(b.data, 1, b.len, fp) != b.len)
		rc = GOMEM_E_IO;
	gomem_buf_free(&b);
	return rc;
}

static int json_value(gomem_table *t, const gomem_column *c, const gomem_cell *cell)
{
	char num[40];

	if (is_null(c, cell))
		return put_str(t, "null");
	if (c->type == GOMEM_COL_TEXT)
		return json_string(t, cell->s);
	machine_number(t, c, cell, num, sizeof(num));
	return put_str(t, num);
}

static int json_object(gomem_table *t, const gomem_cell *cells)
{
	int rc = put(t, "{", 1), first = 1;

	for (size_t j = 0; j < t->ncols && rc == GOMEM_OK; j++) {
		const gomem_column *c = &t->cols[j];

		if (!is_visible(t, c))
			continue;
		if ((!first && (rc = put(t, ",", 1)) < 0) || (rc = json_string(t, c->name)) < 0 ||
		    (rc = put(t, ":", 1)) < 0)
			break;
		first = 0;
		rc = json_value(t, c, &cells[j]);
	}
	return rc ? rc : put(t, "}", 1);
}

/* "{" and the schema, written with whatever comes first. */
static int json_open(gomem_table *t)
{
	int rc;

	if (t->json != JSON_NOTHING)
		return GOMEM_OK;
	t->json = JSON_MEMBERS;
	if ((rc = put(t, "{", 1)) < 0 || t->schema == NULL)
		return rc;
	t->nmembers = 1;
	if ((rc = put_str(t, "\"schema\":")) < 0)
		return rc;
	return json_string(t, t->schema);
}

static int json_close_rows(gomem_table *t)
{
	int rc = json_open(t);

	if (rc == GOMEM_OK && t->json == JSON_MEMBERS)
		rc = put_str(t, t->nmembers ? ",\n\"rows\":[]" : "\"rows\":[]");
	else if (rc == GOMEM_OK && t->json == JSON_ROWS)
		rc = put_str(t, "\n]");
	t->json = JSON_ROWS_DONE;
	return rc;
}

static int json_row(gomem_table *t, const gomem_cell *cells)
{
	int rc = json_open(t);

	if (rc == GOMEM_OK && t->json == JSON_MEMBERS)
		rc = put_str(t, t->nmembers ? ",\n\"rows\":[\n" : "\"rows\":[\n");
	else if (rc == GOMEM_OK)
		rc = put_str(t, ",\n");
	t->json = JSON_ROWS;
	if (rc == GOMEM_OK)
		rc = json_object(t, cells);
	return rc ? rc : flush_line(t);
}

static int json_totals(gomem_table *t, const gomem_cell *cells)
{
	int rc = json_close_rows(t);

	if (rc == GOMEM_OK)
		rc = put_str(t, ",\n\"totals\":");
	if (rc == GOMEM_OK)
		rc = json_object(t, cells);
	return rc ? rc : flush_line(t);
}

/* ---- the table ------------------------------------------------------------- */

static int check_options(const gomem_column *cols, size_t ncols, const gomem_table_options *o)
{
	if (o->version != GOMEM_TABLE_OPTIONS_VERSION ||
	    (unsigned)o->format > (unsigned)GOMEM_FORMAT_NDJSON)
		return GOMEM_E_INVALID;
	for (size_t j = 0; j < ncols; j++)
		if (cols[j].name == NULL || (unsigned)cols[j].type > (unsigned)GOMEM_COL_NUMBER)
			return GOMEM_E_INVALID;
	return GOMEM_OK;
}

static int table_init(gomem_table *t)
{
	t->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (t->c_locale == (locale_t)0)
		return GOMEM_E_NOMEM;
	if (t->opts.schema && (t->schema = strdup(t->opts.schema)) == NULL)
		return GOMEM_E_NOMEM;
	t->opts.schema = t->schema;
	if (t->opts.format != GOMEM_FORMAT_TABLE)
		return GOMEM_OK;
	if ((t->widths = calloc(t->ncols, sizeof(*t->widths))) == NULL)
		return GOMEM_E_NOMEM;
	return t->opts.header ? text_add_row(t, NULL) : GOMEM_OK;
}

int gomem_table_new(gomem_table **out, const gomem_column *cols, size_t ncols, FILE *fp,
		    const gomem_table_options *opts)
{
	static const gomem_table_options defaults = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t;
	int rc;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (cols == NULL || ncols == 0 || fp == NULL || check_options(cols, ncols, opts) < 0)
		return GOMEM_E_INVALID;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return GOMEM_E_NOMEM;
	t->cols = cols;
	t->ncols = ncols;
	t->fp = fp;
	t->opts = *opts;
	t->max_cells = opts->max_cells ? opts->max_cells : GOMEM_TABLE_DEFAULT_MAX_CELLS;
	gomem_buf_init(&t->line, TABLE_MAX_LINE);
	gomem_buf_init(&t->text, TABLE_MAX_TEXT);
	if ((rc = table_init(t)) < 0) {
		gomem_table_free(t);
		return rc;
	}
	*out = t;
	return GOMEM_OK;
}

/* Common checks of every call that adds output: the first error sticks. */
static int check_open(gomem_table *t)
{
	if (t == NULL)
		return GOMEM_E_INVALID;
	if (t->err.code)
		return t->err.code;
	if (t->ended)
		return gomem_error_set(&t->err, GOMEM_E_INVALID, "table: already ended");
	return GOMEM_OK;
}

static int check_open_arg(gomem_table *t, const void *arg)
{
	int rc = check_open(t);

	if (rc == GOMEM_OK && arg == NULL)
		return gomem_error_set(&t->err, GOMEM_E_INVALID, "table: NULL argument");
	return rc;
}

static int meta_begin(gomem_table *t, const char *key)
{
	int rc = check_open_arg(t, key);

	if (rc < 0)
		return rc;
	if (t->nrows > 0 || t->has_totals)
		return gomem_error_set(&t->err, GOMEM_E_INVALID,
				       "table: meta \"%s\" after the first row", key);
	if (strcmp(key, "schema") == 0 || strcmp(key, "rows") == 0 || strcmp(key, "totals") == 0)
		return gomem_error_set(&t->err, GOMEM_E_INVALID,
				       "table: meta key \"%s\" is reserved", key);
	if (t->opts.format != GOMEM_FORMAT_JSON)
		return 1; /* nothing to write */
	if ((rc = json_open(t)) < 0)
		return rc;
	if (t->nmembers++ > 0 && (rc = put(t, ",", 1)) < 0)
		return rc;
	if ((rc = json_string(t, key)) < 0)
		return rc;
	return put(t, ":", 1);
}

int gomem_table_meta_string(gomem_table *t, const char *key, const char *value)
{
	int rc = meta_begin(t, key);

	if (rc != GOMEM_OK)
		return rc < 0 ? rc : GOMEM_OK;
	rc = value ? json_string(t, value) : put_str(t, "null");
	return rc ? rc : flush_line(t);
}

int gomem_table_meta_int(gomem_table *t, const char *key, int64_t value)
{
	char num[32];
	int rc = meta_begin(t, key);

	if (rc != GOMEM_OK)
		return rc < 0 ? rc : GOMEM_OK;
	snprintf(num, sizeof(num), "%" PRId64, value);
	rc = put_str(t, num);
	return rc ? rc : flush_line(t);
}

int gomem_table_meta_number(gomem_table *t, const char *key, double value)
{
	char num[40] = "null";
	int rc = meta_begin(t, key);

	if (rc != GOMEM_OK)
		return rc < 0 ? rc : GOMEM_OK;
	if (isfinite(value))
		format_double(t, num, sizeof(num), value);
	rc = put_str(t, num);
	return rc ? rc : flush_line(t);
}

int gomem_table_row(gomem_table *t, const gomem_cell *cells)
{
	int rc = check_open_arg(t, cells);

	if (rc < 0)
		return rc;
	if (t->has_totals)
		return gomem_error_set(&t->err, GOMEM_E_INVALID, "table: row after the totals");
	t->nrows++;
	switch (t->opts.format) {
	case GOMEM_FORMAT_TABLE:
		return text_add_row(t, cells);
	case GOMEM_FORMAT_CSV:
	case GOMEM_FORMAT_TSV:
		if ((rc = delimited_start(t)) < 0)
			return rc;
		return delimited_row(t, cells);
	case GOMEM_FORMAT_JSON:
		return json_row(t, cells);
	case GOMEM_FORMAT_NDJSON:
		if ((rc = json_object(t, cells)) < 0 || (rc = put(t, "\n", 1)) < 0)
			return rc;
		return flush_line(t);
	}
	return GOMEM_E_INVALID;
}

int gomem_table_totals(gomem_table *t, const gomem_cell *cells)
{
	int rc = check_open_arg(t, cells);

	if (rc < 0)
		return rc;
	if (t->has_totals)
		return gomem_error_set(&t->err, GOMEM_E_INVALID, "table: totals given twice");
	t->has_totals = 1;
	if (t->opts.format == GOMEM_FORMAT_TABLE)
		return text_add_row(t, cells);
	if (t->opts.format == GOMEM_FORMAT_JSON)
		return json_totals(t, cells);
	return GOMEM_OK;
}

int gomem_table_end(gomem_table *t)
{
	int rc = check_open(t);

	if (rc < 0)
		return rc;
	t->ended = 1;
	switch (t->opts.format) {
	case GOMEM_FORMAT_TABLE:
		rc = text_end(t);
		break;
	case GOMEM_FORMAT_CSV:
	case GOMEM_FORMAT_TSV:
		rc = delimited_start(t);
		break;
	case GOMEM_FORMAT_JSON:
		if ((rc = json_close_rows(t)) == GOMEM_OK && (rc = put_str(t, "}\n")) == GOMEM_OK)
			rc = flush_line(t);
		break;
	case GOMEM_FORMAT_NDJSON:
		break;
	}
	if (rc < 0)
		return rc;
	errno = 0;
	if (fflush(t->fp) != 0 || ferror(t->fp))
		return io_error(t, errno);
	return GOMEM_OK;
}

const gomem_error *gomem_table_error(const gomem_table *t)
{
	return t ? &t->err : NULL;
}

void gomem_table_free(gomem_table *t)
{
	if (t == NULL)
		return;
	if (t->c_locale != (locale_t)0)
		freelocale(t->c_locale);
	free(t->schema);
	gomem_buf_free(&t->line);
	gomem_buf_free(&t->text);
	free(t->cells);
	free(t->widths);
	free(t);
}

int gomem_table_close(gomem_table *t, int rc, gomem_error *err)
{
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		gomem_error_copy(err, gomem_table_error(t));
	gomem_table_free(t);
	return rc;
}
