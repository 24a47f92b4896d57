/* SPDX-License-Identifier: Apache-2.0 */
/* check_table.c — the output layer: the exact bytes of every format, units,
 * escaping, widths, colour, the option parsers and the failure paths. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gomem-internal.h"
#include "suites.h"

#define TXT(x) {.s = (x)}
#define INT(x) {.i = (x)}
#define DBL(x) {.d = (x)}
#define NUL {.null = 1}

/* ---- helpers ---------------------------------------------------------------- */

/* The sample every format is checked on: a diff of two heap profiles. */
static const gomem_column sample_cols[] = {
	{"name", NULL, GOMEM_COL_TEXT, 0},
	{"delta", NULL, GOMEM_COL_BYTES, GOMEM_COL_SIGNED | GOMEM_COL_COLOR_SIGN},
	{"pct", NULL, GOMEM_COL_PERCENT, 0},
};

static const gomem_cell sample_rows[][3] = {
	{TXT("main.alloc"), INT(8388608), DBL(12.5)},
	{TXT("bytes.growSlice"), INT(-1536), NUL},
	{TXT("x"), INT(0), DBL(100)},
};

static const gomem_cell sample_totals[] = {TXT("total"), INT(8387072), DBL(7.25)};

/* Renders ROWS (NROWS of NCOLS cells) and TOTALS (may be NULL) through a
 * table and returns the bytes written, malloc'd. */
static char *render(const gomem_column *cols, size_t ncols, const gomem_table_options *opts,
		    const gomem_cell *rows, size_t nrows, const gomem_cell *totals)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	gomem_table *t = NULL;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gomem_table_new(&t, cols, ncols, fp, opts), GOMEM_OK);
	for (size_t r = 0; r < nrows; r++)
		ck_assert_int_eq(gomem_table_row(t, rows + r * ncols), GOMEM_OK);
	if (totals)
		ck_assert_int_eq(gomem_table_totals(t, totals), GOMEM_OK);
	ck_assert_int_eq(gomem_table_end(t), GOMEM_OK);
	ck_assert_int_eq(gomem_table_error(t)->code, GOMEM_OK);
	gomem_table_free(t);
	fclose(fp);
	return out;
}

static char *render_sample(gomem_format format, int color)
{
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;

	o.format = format;
	o.color = color;
	o.schema = "gomem.test/1";
	return render(sample_cols, 3, &o, &sample_rows[0][0], 3, sample_totals);
}

static void check_render(char *got, const char *want)
{
	ck_assert_str_eq(got, want);
	free(got);
}

/* One cell alone, no header, in FORMAT: the cell's text without the "\n". */
static char *one_cell(gomem_format format, gomem_col_type type, unsigned flags,
		      gomem_cell cell, int color)
{
	gomem_column col = {"v", NULL, type, flags};
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	char *s;
	size_t n;

	o.format = format;
	o.header = 0;
	o.color = color;
	s = render(&col, 1, &o, &cell, 1, NULL);
	n = strlen(s);
	ck_assert_uint_ge(n, 1);
	ck_assert_int_eq(s[n - 1], '\n');
	s[n - 1] = '\0';
	return s;
}

/* ---- every format on the sample --------------------------------------------- */

START_TEST(test_sample_table)
{
	check_render(render_sample(GOMEM_FORMAT_TABLE, 0),
		     "name                delta    pct\n"
		     "main.alloc       +8.00MiB  12.5%\n"
		     "bytes.growSlice  -1.50KiB      -\n"
		     "x                      0B   100%\n"
		     "--------------------------------\n"
		     "total            +8.00MiB   7.3%\n");
}
END_TEST

START_TEST(test_sample_table_color)
{
	check_render(render_sample(GOMEM_FORMAT_TABLE, 1),
		     "name                delta    pct\n"
		     "main.alloc       \033[31m+8.00MiB\033[0m  12.5%\n"
		     "bytes.growSlice  \033[32m-1.50KiB\033[0m      -\n"
		     "x                      0B   100%\n"
		     "--------------------------------\n"
		     "total            \033[31m+8.00MiB\033[0m   7.3%\n");
}
END_TEST

START_TEST(test_sample_csv)
{
	check_render(render_sample(GOMEM_FORMAT_CSV, 1),
		     "name,delta,pct\n"
		     "main.alloc,8388608,12.5\n"
		     "bytes.growSlice,-1536,\n"
		     "x,0,100\n");
}
END_TEST

START_TEST(test_sample_tsv)
{
	check_render(render_sample(GOMEM_FORMAT_TSV, 1),
		     "name\tdelta\tpct\n"
		     "main.alloc\t8388608\t12.5\n"
		     "bytes.growSlice\t-1536\t\n"
		     "x\t0\t100\n");
}
END_TEST

START_TEST(test_sample_json)
{
	check_render(render_sample(GOMEM_FORMAT_JSON, 1),
		     "{\"schema\":\"gomem.test/1\",\n"
		     "\"rows\":[\n"
		     "{\"name\":\"main.alloc\",\"delta\":8388608,\"pct\":12.5},\n"
		     "{\"name\":\"bytes.growSlice\",\"delta\":-1536,\"pct\":null},\n"
		     "{\"name\":\"x\",\"delta\":0,\"pct\":100}\n"
		     "],\n"
		     "\"totals\":{\"name\":\"total\",\"delta\":8387072,\"pct\":7.25}}\n");
}
END_TEST

START_TEST(test_sample_ndjson)
{
	check_render(render_sample(GOMEM_FORMAT_NDJSON, 1),
		     "{\"name\":\"main.alloc\",\"delta\":8388608,\"pct\":12.5}\n"
		     "{\"name\":\"bytes.growSlice\",\"delta\":-1536,\"pct\":null}\n"
		     "{\"name\":\"x\",\"delta\":0,\"pct\":100}\n");
}
END_TEST

/* ---- text table ------------------------------------------------------------- */

/* Padding counts terminal columns, not bytes: wide CJK is two, a combining
 * accent none, "±" (two bytes) one. */
START_TEST(test_text_utf8_width)
{
	static const gomem_column cols[] = {
		{"name", NULL, GOMEM_COL_TEXT, 0},
		{"n", NULL, GOMEM_COL_COUNT, GOMEM_COL_PLUSMINUS},
	};
	static const gomem_cell rows[][2] = {
		{TXT("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), INT(1)}, /* 日本語 */
		{TXT("abcdef"), INT(22)},
		{TXT("e\xcc\x81"), INT(3)}, /* e + U+0301 */
		{TXT("\xc2\xb1x"), NUL},
	};

	check_render(render(cols, 2, NULL, &rows[0][0], 4, NULL),
		     "name      n\n"
		     "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e   \xc2\xb1" "1\n"
		     "abcdef  \xc2\xb1" "22\n"
		     "e\xcc\x81        \xc2\xb1" "3\n"
		     "\xc2\xb1x        -\n");
}
END_TEST

/* Colour codes are not counted in the padding, which stays outside them. */
START_TEST(test_text_color_padding)
{
	static const gomem_column cols[] = {
		{"n", NULL, GOMEM_COL_COUNT, GOMEM_COL_COLOR_SIGN},
		{"name", NULL, GOMEM_COL_TEXT, 0},
	};
	static const gomem_cell rows[][2] = {
		{INT(5), TXT("a")},
		{INT(-10), TXT("b")},
		{INT(0), TXT("c")},
	};
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;

	o.color = 1;
	check_render(render(cols, 2, &o, &rows[0][0], 3, NULL),
		     "  n  name\n"
		     "  \033[31m5\033[0m  a\n"
		     "\033[32m-10\033[0m  b\n"
		     "  0  c\n");
}
END_TEST

/* Control characters and broken UTF-8 must not reach a terminal. */
START_TEST(test_text_controls)
{
	char *s = one_cell(GOMEM_FORMAT_TABLE, GOMEM_COL_TEXT, 0,
			   (gomem_cell)TXT("a\033[2Jb\n\xff\xc2\x9b"), 1);

	ck_assert_str_eq(s, "a\xef\xbf\xbd[2Jb\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
}
END_TEST

static const struct {
	const char *in, *want;
} people_cases[] = {
	{"plain text", "plain text"},
	{"tab\tand\nnewline\r\n", "tab\tand\nnewline\r\n"},   /* kept */
	{"\033]0;pwned\007", "\xef\xbf\xbd]0;pwned\xef\xbf\xbd"},   /* OSC retitle, BEL */
	{"\033[2J\033[H", "\xef\xbf\xbd[2J\xef\xbf\xbd[H"},           /* clear screen */
	{"a\rb", "a\xef\xbf\xbd" "b"},                               /* CR alone */
	{"\x7f", "\xef\xbf\xbd"},                                    /* DEL */
	{"\xc2\x9b" "2J", "\xef\xbf\xbd" "2J"},                       /* C1 CSI, UTF-8 */
	{"\x9b" "2J", "\xef\xbf\xbd" "2J"},                           /* C1 CSI, raw byte */
	{"\x90q\x9c", "\xef\xbf\xbdq\xef\xbf\xbd"},                   /* raw DCS ... ST */
	{"\xe6\x97\xa5\xc3\xa9\xc2\xa0", "\xe6\x97\xa5\xc3\xa9\xc2\xa0"}, /* printable */
	{"\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd"},
};

/* The one rule for the tools' own lines and messages. */
START_TEST(test_text_write)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gomem_text_write(fp, people_cases[_i].in, strlen(people_cases[_i].in)),
			 GOMEM_OK);
	fclose(fp);
	ck_assert_str_eq(buf, people_cases[_i].want);
	free(buf);
}
END_TEST

START_TEST(test_text_printf)
{
	char *buf = NULL, big[2000];
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[1500] = '\033';
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gomem_text_printf(fp, "[%s] %d\n", "\033]2;t\a", 42), GOMEM_OK);
	ck_assert_int_eq(gomem_text_printf(fp, "%s", big), GOMEM_OK); /* past the small buffer */
	fclose(fp);
	ck_assert_uint_eq(len, 16 + 1998 + 3);
	ck_assert_mem_eq(buf, "[\xef\xbf\xbd]2;t\xef\xbf\xbd] 42\n", 16);
	ck_assert_mem_eq(buf + 16 + 1500, "\xef\xbf\xbd", 3);
	free(buf);
}
END_TEST

/* One screen line by the rule into a buffer: controls (tab and newline
 * too) replaced, kept characters whole, cut before one that would not fit. */
START_TEST(test_text_copy)
{
	char buf[16];

	ck_assert_uint_eq(gomem_text_copy(buf, sizeof(buf), "a\033]2;t\a\tb"), 16 - 1);
	ck_assert_str_eq(buf, "a\xef\xbf\xbd]2;t\xef\xbf\xbd\xef\xbf\xbd" "b");
	ck_assert_uint_eq(gomem_text_copy(buf, 6, "ab\xc2\x9b\xe6\x97\xa5"), 5); /* C1 as UTF-8 */
	ck_assert_str_eq(buf, "ab\xef\xbf\xbd");
	ck_assert_uint_eq(gomem_text_copy(buf, 5, "abc\xe6\x97\xa5"), 3); /* no half character */
	ck_assert_str_eq(buf, "abc");
	ck_assert_uint_eq(gomem_text_copy(buf, sizeof(buf), "\x9b raw"), 7);
	ck_assert_str_eq(buf, "\xef\xbf\xbd raw");
	ck_assert_uint_eq(gomem_text_copy(buf, 1, "abc"), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(gomem_text_copy(buf, sizeof(buf), NULL), 0);
	ck_assert_uint_eq(gomem_text_copy(NULL, 4, "abc"), 0);
}
END_TEST

/* Titles, LEFT, hidden columns, no header, and no trailing spaces. */
START_TEST(test_text_columns)
{
	static const gomem_column cols[] = {
		{"count", "Objects", GOMEM_COL_COUNT, GOMEM_COL_LEFT},
		{"id", NULL, GOMEM_COL_COUNT, GOMEM_COL_MACHINE_ONLY},
		{"name", "Function", GOMEM_COL_TEXT, 0},
		{"bar", NULL, GOMEM_COL_TEXT, GOMEM_COL_TEXT_ONLY},
	};
	static const gomem_cell rows[][4] = {
		{INT(7), INT(1), TXT("f"), TXT("##")},
		{INT(12345678), INT(2), TXT("main.g"), TXT("#")},
	};
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;

	check_render(render(cols, 4, &o, &rows[0][0], 2, NULL),
		     "Objects   Function  bar\n"
		     "7         f         ##\n"
		     "12345678  main.g    #\n");
	o.header = 0;
	check_render(render(cols, 4, &o, &rows[0][0], 2, NULL),
		     "7         f       ##\n"
		     "12345678  main.g  #\n");
	o.format = GOMEM_FORMAT_CSV;
	o.header = 1;
	check_render(render(cols, 4, &o, &rows[0][0], 2, NULL),
		     "count,id,name\n7,1,f\n12345678,2,main.g\n");
	o.format = GOMEM_FORMAT_NDJSON;
	check_render(render(cols, 4, &o, &rows[0][0], 2, NULL),
		     "{\"count\":7,\"id\":1,\"name\":\"f\"}\n"
		     "{\"count\":12345678,\"id\":2,\"name\":\"main.g\"}\n");
}
END_TEST

START_TEST(test_text_empty)
{
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;

	check_render(render(sample_cols, 3, &o, NULL, 0, NULL), "name  delta  pct\n");
	o.header = 0;
	check_render(render(sample_cols, 3, &o, NULL, 0, NULL), "");
}
END_TEST

/* One cell's text in the table format, per type and flags. */
static const struct {
	gomem_col_type type;
	unsigned flags;
	gomem_cell cell;
	int color;
	const char *want;
} text_cases[] = {
	{GOMEM_COL_PERCENT, 0, DBL(12.5), 0, "12.5%"},
	{GOMEM_COL_PERCENT, 0, DBL(0.04), 0, "0.0%"},
	{GOMEM_COL_PERCENT, 0, DBL(-0.04), 0, "0.0%"},
	{GOMEM_COL_PERCENT, 0, DBL(99.94), 0, "99.9%"},
	{GOMEM_COL_PERCENT, 0, DBL(99.96), 0, "100%"},
	{GOMEM_COL_PERCENT, 0, DBL(250.4), 0, "250%"},
	{GOMEM_COL_PERCENT, 0, DBL(-12.5), 0, "-12.5%"},
	{GOMEM_COL_PERCENT, 0, DBL(-150), 0, "-150%"},
	{GOMEM_COL_PERCENT, 0, DBL(1e20), 0, "100000000000000000000%"},
	{GOMEM_COL_PERCENT, GOMEM_COL_SIGNED, DBL(12.5), 0, "+12.5%"},
	{GOMEM_COL_PERCENT, GOMEM_COL_SIGNED, DBL(0), 0, "0.0%"},
	{GOMEM_COL_PERCENT, GOMEM_COL_SIGNED, DBL(-3), 0, "-3.0%"},
	{GOMEM_COL_PERCENT, 0, DBL(NAN), 0, "-"},
	{GOMEM_COL_PERCENT, 0, DBL(INFINITY), 0, "-"},
	{GOMEM_COL_PERCENT, 0, NUL, 0, "-"},
	{GOMEM_COL_COUNT, 0, INT(1234567), 0, "1234567"},
	{GOMEM_COL_COUNT, GOMEM_COL_SIGNED, INT(5), 0, "+5"},
	{GOMEM_COL_COUNT, GOMEM_COL_SIGNED, INT(0), 0, "0"},
	{GOMEM_COL_COUNT, GOMEM_COL_SIGNED, INT(-5), 0, "-5"},
	{GOMEM_COL_COUNT, 0, INT(INT64_MIN), 0, "-9223372036854775808"},
	{GOMEM_COL_BYTES, 0, INT(1023), 0, "1023B"},
	{GOMEM_COL_BYTES, GOMEM_COL_SIGNED, INT(1024), 0, "+1.00KiB"},
	{GOMEM_COL_BYTES, GOMEM_COL_PLUSMINUS, INT(1024), 0, "\xc2\xb1" "1.00KiB"},
	{GOMEM_COL_BYTES, GOMEM_COL_PLUSMINUS, NUL, 0, "-"},
	{GOMEM_COL_PERCENT, GOMEM_COL_PLUSMINUS, DBL(NAN), 0, "-"},
	{GOMEM_COL_PERCENT, GOMEM_COL_PLUSMINUS, DBL(2.5), 0, "\xc2\xb1" "2.5%"},
	{GOMEM_COL_DURATION, 0, DBL(0.25), 0, "250ms"},
	{GOMEM_COL_DURATION, GOMEM_COL_SIGNED, DBL(1.5), 0, "+1.50s"},
	{GOMEM_COL_DURATION, GOMEM_COL_SIGNED, DBL(-1.5), 0, "-1.50s"},
	{GOMEM_COL_DURATION, 0, DBL(INFINITY), 0, "-"},
	{GOMEM_COL_NUMBER, 0, DBL(1.5), 0, "1.5"},
	{GOMEM_COL_NUMBER, 0, DBL(1234.6), 0, "1235"},
	{GOMEM_COL_NUMBER, 0, DBL(0.001234), 0, "0.00123"},
	{GOMEM_COL_NUMBER, GOMEM_COL_SIGNED, DBL(2), 0, "+2"},
	{GOMEM_COL_TEXT, 0, TXT(NULL), 0, "-"},
	{GOMEM_COL_TEXT, 0, {.null = 1, .s = "x"}, 0, "-"},
	{GOMEM_COL_COUNT, GOMEM_COL_COLOR_SIGN, INT(5), 1, "\033[31m5\033[0m"},
	{GOMEM_COL_COUNT, GOMEM_COL_COLOR_SIGN, INT(-5), 1, "\033[32m-5\033[0m"},
	{GOMEM_COL_COUNT, GOMEM_COL_COLOR_SIGN, INT(0), 1, "0"},
	{GOMEM_COL_COUNT, GOMEM_COL_COLOR_SIGN, INT(5), 0, "5"},
	{GOMEM_COL_COUNT, 0, INT(5), 1, "5"},
	{GOMEM_COL_PERCENT, GOMEM_COL_COLOR_SIGN, DBL(0.5), 1, "\033[31m0.5%\033[0m"},
	{GOMEM_COL_PERCENT, GOMEM_COL_COLOR_SIGN, NUL, 1, "-"},
};

START_TEST(test_text_cell)
{
	char *s = one_cell(GOMEM_FORMAT_TABLE, text_cases[_i].type, text_cases[_i].flags,
			   text_cases[_i].cell, text_cases[_i].color);

	ck_assert_str_eq(s, text_cases[_i].want);
	free(s);
}
END_TEST

/* ---- machine formats -------------------------------------------------------- */

static const struct {
	gomem_col_type type;
	gomem_cell cell;
	const char *csv;
	const char *json;
} machine_cases[] = {
	{GOMEM_COL_NUMBER, DBL(0.1), "0.1", "0.1"},
	{GOMEM_COL_NUMBER, DBL(1.0 / 3), "0.33333333333333331", "0.33333333333333331"},
	{GOMEM_COL_NUMBER, DBL(100), "100", "100"},
	{GOMEM_COL_NUMBER, DBL(1e300), "1e+300", "1e+300"},
	{GOMEM_COL_NUMBER, DBL(-0.0), "-0", "-0"},
	{GOMEM_COL_NUMBER, DBL(5e-324), "4.94065645841247e-324", "4.94065645841247e-324"},
	{GOMEM_COL_NUMBER, DBL(123456789012345680.0), "1.2345678901234568e+17",
	 "1.2345678901234568e+17"},
	{GOMEM_COL_NUMBER, DBL(NAN), "", "null"},
	{GOMEM_COL_NUMBER, DBL(-INFINITY), "", "null"},
	{GOMEM_COL_DURATION, DBL(0.25), "0.25", "0.25"},
	{GOMEM_COL_PERCENT, DBL(12.5), "12.5", "12.5"},
	{GOMEM_COL_BYTES, INT(INT64_MIN), "-9223372036854775808", "-9223372036854775808"},
	{GOMEM_COL_COUNT, INT(INT64_MAX), "9223372036854775807", "9223372036854775807"},
	{GOMEM_COL_COUNT, NUL, "", "null"},
	{GOMEM_COL_TEXT, TXT(NULL), "", "null"},
	{GOMEM_COL_TEXT, TXT(""), "", "\"\""},
};

START_TEST(test_machine_numbers)
{
	char *s = one_cell(GOMEM_FORMAT_CSV, machine_cases[_i].type, 0, machine_cases[_i].cell, 0);
	char want[128];

	ck_assert_str_eq(s, machine_cases[_i].csv);
	free(s);
	s = one_cell(GOMEM_FORMAT_TSV, machine_cases[_i].type, 0, machine_cases[_i].cell, 0);
	ck_assert_str_eq(s, machine_cases[_i].csv);
	free(s);
	s = one_cell(GOMEM_FORMAT_NDJSON, machine_cases[_i].type, 0, machine_cases[_i].cell, 0);
	snprintf(want, sizeof(want), "{\"v\":%s}", machine_cases[_i].json);
	ck_assert_str_eq(s, want);
	free(s);
}
END_TEST

static const struct {
	const char *in, *want;
} csv_cases[] = {
	{"plain", "plain"},
	{"", ""},
	{" spaced ", " spaced "},
	{"a,b", "\"a,b\""},
	{"say \"hi\"", "\"say \"\"hi\"\"\""},
	{"\"", "\"\"\"\""},
	{"a\nb", "\"a\nb\""},
	{"a\rb", "\"a\rb\""},
	{"tab\there", "tab\there"},
	/* no escapes in CSV: controls are quoted and kept as they are */
	{"a\033]0;x\007b", "\"a\033]0;x\007b\""},
	{"a\xc2\x9b" "b", "\"a\xc2\x9b" "b\""},
	{"\x9b", "\"\x9b\""},
	{"\xe6\x97\xa5", "\xe6\x97\xa5"}, /* 0x97 is a continuation byte, not C1 */
};

START_TEST(test_csv_quoting)
{
	char *s = one_cell(GOMEM_FORMAT_CSV, GOMEM_COL_TEXT, 0, (gomem_cell)TXT(csv_cases[_i].in), 0);

	ck_assert_str_eq(s, csv_cases[_i].want);
	free(s);
}
END_TEST

START_TEST(test_csv_header_quoting)
{
	static const gomem_column cols[] = {
		{"a,b", NULL, GOMEM_COL_COUNT, 0},
		{"q\"", NULL, GOMEM_COL_COUNT, 0},
	};
	static const gomem_cell row[] = {INT(1), INT(2)};
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;

	o.format = GOMEM_FORMAT_CSV;
	check_render(render(cols, 2, &o, row, 1, NULL), "\"a,b\",\"q\"\"\"\n1,2\n");
	o.header = 0;
	check_render(render(cols, 2, &o, row, 1, row), "1,2\n");
}
END_TEST

static const struct {
	const char *in, *want;
} tsv_cases[] = {
	{"plain", "plain"},
	{"a\tb", "a\\tb"},
	{"a\nb", "a\\nb"},
	{"a\rb", "a\\rb"},
	{"a\\b", "a\\\\b"},
	{"\t\\\r\n", "\\t\\\\\\r\\n"},
	{"a,\"b\"", "a,\"b\""},
	{"a\033[2Jb\007", "a\\x1b[2Jb\\x07"},
	{"\x7f", "\\x7f"},
	{"c1\xc2\x9b" "x", "c1\\xc2\\x9bx"},                  /* U+009B, UTF-8 */
	{"raw\x9b" "x", "raw\\x9bx"},                          /* 0x9B, a raw byte */
	{"\xe6\x97\xa5\xc3\xa9", "\xe6\x97\xa5\xc3\xa9"},            /* kept: printable */
	{"\xff", "\\xff"},
};

START_TEST(test_tsv_escaping)
{
	char *s = one_cell(GOMEM_FORMAT_TSV, GOMEM_COL_TEXT, 0, (gomem_cell)TXT(tsv_cases[_i].in), 0);

	ck_assert_str_eq(s, tsv_cases[_i].want);
	free(s);
}
END_TEST

static const struct {
	const char *in, *want;
} json_cases[] = {
	{"plain", "\"plain\""},
	{"a\"b\\c/", "\"a\\\"b\\\\c/\""},
	{"\n\r\t", "\"\\n\\r\\t\""},
	{"\x01\x08\x0c\x1f\x7f", "\"\\u0001\\u0008\\u000c\\u001f\\u007f\""},
	{"\033]0;t\007", "\"\\u001b]0;t\\u0007\""},
	{"\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0", "\"\\u0080\\u009b\\u009f\xc2\xa0\""}, /* C1, NBSP */
	{"\x9b", "\"\\ufffd\""},                               /* raw C1 byte */
	{"\xff", "\"\\ufffd\""},
	{"a\xc0\xaf" "b", "\"a\\ufffd\\ufffdb\""},                 /* overlong '/' */
	{"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},             /* surrogate */
	{"x\xe6\x97", "\"x\\ufffd\\ufffd\""},                      /* cut short */
	{"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},  /* past U+10FFFF */
	{"\x80" "a", "\"\\ufffda\""},                              /* stray continuation */
	{"\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\""},
	{"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},
	{"\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""},              /* U+10FFFF */
	{"\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\""},
};

START_TEST(test_json_escaping)
{
	char *s = one_cell(GOMEM_FORMAT_NDJSON, GOMEM_COL_TEXT, 0,
			   (gomem_cell)TXT(json_cases[_i].in), 0);
	char want[128];

	snprintf(want, sizeof(want), "{\"v\":%s}", json_cases[_i].want);
	ck_assert_str_eq(s, want);
	free(s);
}
END_TEST

START_TEST(test_json_meta)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_column col = {"k\"ey", NULL, GOMEM_COL_COUNT, 0};
	gomem_cell cell = INT(1);
	gomem_table *t;

	o.format = GOMEM_FORMAT_JSON;
	o.schema = "gomem.test/2";
	ck_assert_int_eq(gomem_table_new(&t, &col, 1, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_meta_string(t, "base", "a\n.pb"), GOMEM_OK);
	ck_assert_int_eq(gomem_table_meta_string(t, "none", NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_table_meta_int(t, "n", -42), GOMEM_OK);
	ck_assert_int_eq(gomem_table_meta_number(t, "r", 0.5), GOMEM_OK);
	ck_assert_int_eq(gomem_table_meta_number(t, "nan", NAN), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, &cell), GOMEM_OK);
	ck_assert_int_eq(gomem_table_end(t), GOMEM_OK);
	gomem_table_free(t);
	fclose(fp);
	check_render(out, "{\"schema\":\"gomem.test/2\",\"base\":\"a\\n.pb\",\"none\":null,"
			  "\"n\":-42,\"r\":0.5,\"nan\":null,\n"
			  "\"rows\":[\n{\"k\\\"ey\":1}\n]}\n");
}
END_TEST

START_TEST(test_json_shapes)
{
	gomem_column col = {"v", NULL, GOMEM_COL_COUNT, 0};
	gomem_cell cells[] = {INT(1), INT(2)};
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;

	o.format = GOMEM_FORMAT_JSON;
	check_render(render(&col, 1, &o, cells, 2, NULL), "{\"rows\":[\n{\"v\":1},\n{\"v\":2}\n]}\n");
	check_render(render(&col, 1, &o, NULL, 0, NULL), "{\"rows\":[]}\n");
	check_render(render(&col, 1, &o, NULL, 0, cells), "{\"rows\":[],\n\"totals\":{\"v\":1}}\n");
	o.schema = "s";
	check_render(render(&col, 1, &o, NULL, 0, NULL), "{\"schema\":\"s\",\n\"rows\":[]}\n");
	o.format = GOMEM_FORMAT_NDJSON;
	check_render(render(&col, 1, &o, NULL, 0, cells), "");
	o.format = GOMEM_FORMAT_CSV;
	check_render(render(&col, 1, &o, NULL, 0, cells), "v\n");
}
END_TEST

/* Every double, in every format, with '.' even when LC_NUMERIC says ','. */
START_TEST(test_locale_independent)
{
	static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "de_DE"};
	const char *got = NULL;
	uint64_t size;
	double secs;
	char *s;

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(names) && got == NULL; i++)
		got = setlocale(LC_NUMERIC, names[i]);
	if (got == NULL || strcmp(localeconv()->decimal_point, ",") != 0) {
		fprintf(stderr, "check_table: no decimal-comma locale installed; "
				"locale test not run\n");
		setlocale(LC_NUMERIC, "C");
		return;
	}
	s = one_cell(GOMEM_FORMAT_CSV, GOMEM_COL_NUMBER, 0, (gomem_cell)DBL(1.5), 0);
	ck_assert_str_eq(s, "1.5");
	free(s);
	s = one_cell(GOMEM_FORMAT_NDJSON, GOMEM_COL_DURATION, 0, (gomem_cell)DBL(0.25), 0);
	ck_assert_str_eq(s, "{\"v\":0.25}");
	free(s);
	s = one_cell(GOMEM_FORMAT_TABLE, GOMEM_COL_NUMBER, 0, (gomem_cell)DBL(1.5), 0);
	ck_assert_str_eq(s, "1.5");
	free(s);
	s = one_cell(GOMEM_FORMAT_TABLE, GOMEM_COL_PERCENT, 0, (gomem_cell)DBL(1e20), 0);
	ck_assert_str_eq(s, "100000000000000000000%");
	free(s);
	ck_assert_int_eq(gomem_parse_size(&size, "1.5K"), GOMEM_OK);
	ck_assert_uint_eq(size, 1536);
	ck_assert_int_eq(gomem_parse_duration(&secs, "1.5s"), GOMEM_OK);
	ck_assert_double_eq(secs, 1.5);
	setlocale(LC_NUMERIC, "C");
}
END_TEST

/* ---- streaming -------------------------------------------------------------- */

/* Machine formats write each row before gomem_table_row returns; the text
 * table writes nothing until gomem_table_end. */
START_TEST(test_streaming)
{
	static const gomem_format formats[] = {GOMEM_FORMAT_CSV, GOMEM_FORMAT_TSV,
					       GOMEM_FORMAT_JSON, GOMEM_FORMAT_NDJSON,
					       GOMEM_FORMAT_TABLE};
	gomem_format f = formats[_i];
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	gomem_table *t;

	o.format = f;
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_OK);
	fflush(fp);
	if (f == GOMEM_FORMAT_TABLE)
		ck_assert_uint_eq(len, 0);
	else
		ck_assert_ptr_nonnull(strstr(out, "main.alloc"));
	ck_assert_int_eq(gomem_table_row(t, sample_rows[1]), GOMEM_OK);
	fflush(fp);
	if (f == GOMEM_FORMAT_TABLE)
		ck_assert_uint_eq(len, 0);
	else
		ck_assert_ptr_nonnull(strstr(out, "bytes.growSlice"));
	ck_assert_int_eq(gomem_table_end(t), GOMEM_OK);
	ck_assert_ptr_nonnull(strstr(out, "bytes.growSlice"));
	gomem_table_free(t);
	fclose(fp);
	free(out);
}
END_TEST

/* ---- failures --------------------------------------------------------------- */

START_TEST(test_new_invalid)
{
	gomem_column bad = {NULL, NULL, GOMEM_COL_TEXT, 0};
	gomem_column badtype = {"x", NULL, (gomem_col_type)99, 0};
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t = (gomem_table *)&o;

	ck_assert_int_eq(gomem_table_new(NULL, sample_cols, 3, stdout, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_table_new(&t, NULL, 3, stdout, NULL), GOMEM_E_INVALID);
	ck_assert_ptr_null(t);
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 0, stdout, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, NULL, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_table_new(&t, &bad, 1, stdout, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_table_new(&t, &badtype, 1, stdout, NULL), GOMEM_E_INVALID);
	o.version = 0;
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, stdout, &o), GOMEM_E_INVALID);
	o.version = GOMEM_TABLE_OPTIONS_VERSION;
	o.format = (gomem_format)7;
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, stdout, &o), GOMEM_E_INVALID);
	ck_assert_ptr_null(t);
	ck_assert_ptr_null(gomem_table_error(NULL));
	gomem_table_free(NULL);
}
END_TEST

/* Misuse is GOMEM_E_INVALID, and the first error sticks. */
START_TEST(test_misuse)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t;

	o.format = (gomem_format)(_i % 5);
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	switch (_i / 5) {
	case 0:
		ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_OK);
		ck_assert_int_eq(gomem_table_meta_int(t, "late", 1), GOMEM_E_INVALID);
		ck_assert_ptr_nonnull(strstr(gomem_table_error(t)->message, "late"));
		break;
	case 1:
		ck_assert_int_eq(gomem_table_totals(t, sample_totals), GOMEM_OK);
		ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_E_INVALID);
		break;
	case 2:
		ck_assert_int_eq(gomem_table_totals(t, sample_totals), GOMEM_OK);
		ck_assert_int_eq(gomem_table_totals(t, sample_totals), GOMEM_E_INVALID);
		break;
	case 3:
		ck_assert_int_eq(gomem_table_meta_string(t, "rows", "x"), GOMEM_E_INVALID);
		break;
	case 4:
		ck_assert_int_eq(gomem_table_row(t, NULL), GOMEM_E_INVALID);
		break;
	default:
		ck_assert_int_eq(gomem_table_end(t), GOMEM_OK);
		ck_assert_int_eq(gomem_table_end(t), GOMEM_E_INVALID);
		break;
	}
	ck_assert_int_eq(gomem_table_error(t)->code, GOMEM_E_INVALID);
	/* Sticky: a good call after the error reports the error. */
	ck_assert_int_eq(gomem_table_end(t), GOMEM_E_INVALID);
	gomem_table_free(t);
	fclose(fp);
	free(out);
}
END_TEST

/* The text table holds only so many cells. */
START_TEST(test_cell_limit)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t;

	o.max_cells = 9; /* the header and two rows */
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[1]), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[2]), GOMEM_E_LIMIT);
	ck_assert_ptr_nonnull(strstr(gomem_table_error(t)->message, "streaming format"));
	ck_assert_int_eq(gomem_table_end(t), GOMEM_E_LIMIT);
	gomem_table_free(t);
	fclose(fp);
	ck_assert_uint_eq(len, 0);
	free(out);
	/* Streaming formats hold nothing: the same limit does not apply. */
	o.format = GOMEM_FORMAT_CSV;
	check_render(render(sample_cols, 3, &o, &sample_rows[0][0], 3, NULL),
		     "name,delta,pct\nmain.alloc,8388608,12.5\nbytes.growSlice,-1536,\nx,0,100\n");
}
END_TEST

/* A full disk: buffered, the error surfaces at the end; with flush, at the row. */
START_TEST(test_write_error_full)
{
	FILE *fp = fopen("/dev/full", "w");
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t;

	if (fp == NULL) {
		fprintf(stderr, "check_table: no /dev/full; write error test not run\n");
		return;
	}
	o.format = GOMEM_FORMAT_NDJSON;
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_OK);
	ck_assert_int_eq(gomem_table_end(t), GOMEM_E_IO);
	ck_assert_ptr_nonnull(strstr(gomem_table_error(t)->message, strerror(ENOSPC)));
	gomem_table_free(t);
	clearerr(fp);
	o.flush = 1;
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_E_IO);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[1]), GOMEM_E_IO);
	gomem_table_free(t);
	fclose(fp);
}
END_TEST

/* A stream that already failed (the caller's own earlier write) is reported
 * at the next row, not only when the table ends. */
START_TEST(test_write_error_sticky_stream)
{
	FILE *fp = fopen("/dev/full", "w");
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t;

	if (fp == NULL) {
		fprintf(stderr, "check_table: no /dev/full; write error test not run\n");
		return;
	}
	fputs("x", fp);
	ck_assert_int_ne(fflush(fp), 0);
	o.format = GOMEM_FORMAT_TSV;
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_E_IO);
	gomem_table_free(t);
	fclose(fp);
}
END_TEST

/* gomem_table_close: ends the table when all went well, else keeps the
 * caller's code and copies the table's own error detail. */
START_TEST(test_table_close)
{
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_error err = {0};
	gomem_table *t;
	char *text = NULL;
	size_t len;
	FILE *fp;

	o.format = GOMEM_FORMAT_CSV;
	ck_assert_ptr_nonnull(fp = open_memstream(&text, &len));
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_OK);
	ck_assert_int_eq(gomem_table_close(t, GOMEM_OK, &err), GOMEM_OK);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_str_eq(text, "name,delta,pct\nmain.alloc,8388608,12.5\n");
	free(text);
	ck_assert_int_eq(err.code, GOMEM_OK);

	/* a failed gomem_table_new left no table */
	ck_assert_int_eq(gomem_table_close(NULL, GOMEM_E_NOMEM, &err), GOMEM_E_NOMEM);
	ck_assert_int_eq(err.code, GOMEM_OK);

	ck_assert_ptr_nonnull(fp = fopen("/dev/full", "w"));
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_OK);
	ck_assert_int_eq(gomem_table_close(t, GOMEM_OK, &err), GOMEM_E_IO);
	ck_assert_int_eq(err.code, GOMEM_E_IO);
	ck_assert_ptr_nonnull(strstr(err.message, strerror(ENOSPC)));
	fclose(fp);
}
END_TEST

/* `gomem-heapdiff ... | head -1`: the reader is gone, EPIPE is GOMEM_E_IO. */
START_TEST(test_write_error_pipe)
{
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t;
	int fds[2];
	FILE *fp;

	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	fp = fdopen(fds[1], "w");
	ck_assert_ptr_nonnull(fp);
	o.format = GOMEM_FORMAT_CSV;
	ck_assert_int_eq(gomem_table_new(&t, sample_cols, 3, fp, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_table_row(t, sample_rows[0]), GOMEM_OK);
	ck_assert_int_eq(gomem_table_end(t), GOMEM_E_IO);
	ck_assert_ptr_nonnull(strstr(gomem_table_error(t)->message, strerror(EPIPE)));
	gomem_table_free(t);
	fclose(fp);
	signal(SIGPIPE, old);
}
END_TEST

/* ---- format names ----------------------------------------------------------- */

START_TEST(test_format_names)
{
	static const char *const names[] = {"table", "csv", "tsv", "json", "ndjson"};
	gomem_format f = GOMEM_FORMAT_TABLE;

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(names); i++) {
		ck_assert_int_eq(gomem_format_parse(&f, names[i]), GOMEM_OK);
		ck_assert_int_eq(f, (int)i);
		ck_assert_str_eq(gomem_format_name(f), names[i]);
	}
	ck_assert_int_eq(gomem_format_parse(&f, "JSON"), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_format_parse(&f, ""), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_format_parse(&f, "jsonl"), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_format_parse(&f, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_format_parse(NULL, "csv"), GOMEM_E_INVALID);
	ck_assert_ptr_null(gomem_format_name((gomem_format)5));
	ck_assert_ptr_null(gomem_format_name((gomem_format)-1));
}
END_TEST

/* ---- units ------------------------------------------------------------------ */

static const struct {
	int64_t bytes;
	int sign;
	const char *want;
} bytes_cases[] = {
	{0, 0, "0B"},
	{0, 1, "0B"},
	{1, 1, "+1B"},
	{512, 0, "512B"},
	{-512, 0, "-512B"},
	{-512, 1, "-512B"},
	{1023, 0, "1023B"},
	{1024, 0, "1.00KiB"},
	{-1024, 0, "-1.00KiB"},
	{1536, 1, "+1.50KiB"},
	{10234, 0, "9.99KiB"},
	{10235, 0, "10.0KiB"},
	{102400, 0, "100KiB"},
	{1024000, 0, "1000KiB"},
	{1048063, 0, "1023KiB"},
	{1048064, 0, "1.00MiB"},
	{1048576, 0, "1.00MiB"},
	{12897484, 0, "12.3MiB"},
	{INT64_C(132070244352), 0, "123GiB"},
	{INT64_C(1099511627776), 0, "1.00TiB"},
	{INT64_C(1125899906842624), 0, "1.00PiB"},
	{INT64_C(1152921504606846976), 0, "1.00EiB"},
	{INT64_MAX, 1, "+8.00EiB"},
	{INT64_MIN, 0, "-8.00EiB"},
	{INT64_MIN, 1, "-8.00EiB"},
};

START_TEST(test_format_bytes)
{
	char buf[GOMEM_UNITS_BUFSIZE];
	int n = gomem_format_bytes(buf, sizeof(buf), bytes_cases[_i].bytes, bytes_cases[_i].sign);

	ck_assert_str_eq(buf, bytes_cases[_i].want);
	ck_assert_int_eq(n, (int)strlen(bytes_cases[_i].want));
}
END_TEST

START_TEST(test_format_units_small_buffer)
{
	char buf[8];

	ck_assert_int_eq(gomem_format_bytes(buf, 8, 1024, 0), 7); /* "1.00KiB" fits */
	ck_assert_str_eq(buf, "1.00KiB");
	ck_assert_int_eq(gomem_format_bytes(buf, 8, -1024, 0), GOMEM_E_INVALID);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(gomem_format_bytes(NULL, 0, 1, 0), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_format_duration(buf, 3, 1.5), GOMEM_E_INVALID);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(gomem_format_duration(buf, sizeof(buf), NAN), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_format_duration(buf, sizeof(buf), -INFINITY), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_format_duration(buf, sizeof(buf), 1e300), GOMEM_E_INVALID);
	ck_assert_str_eq(buf, "");
}
END_TEST

static const struct {
	double seconds;
	const char *want;
} duration_cases[] = {
	{0, "0s"},
	{-0.0, "0s"},
	{850e-9, "850ns"},
	{1e-12, "0.00ns"},
	{999.6e-9, "1.00us"},
	{12.5e-6, "12.5us"},
	{0.0125, "12.5ms"},
	{0.25, "250ms"},
	{0.9996, "1.00s"},
	{1.5, "1.50s"},
	{-1.5, "-1.50s"},
	{59.94, "59.9s"},
	{59.96, "1m0s"},
	{150, "2m30s"},
	{-150, "-2m30s"},
	{3599.4, "59m59s"},
	{3599.6, "1h0m"},
	{3720, "1h2m"},
	{90000, "25h0m"},
};

START_TEST(test_format_duration)
{
	char buf[GOMEM_UNITS_BUFSIZE];
	int n = gomem_format_duration(buf, sizeof(buf), duration_cases[_i].seconds);

	ck_assert_str_eq(buf, duration_cases[_i].want);
	ck_assert_int_eq(n, (int)strlen(duration_cases[_i].want));
}
END_TEST

static const struct {
	const char *in;
	int ok;
	uint64_t want;
} size_cases[] = {
	{"0", 1, 0},
	{"100", 1, 100},
	{"100B", 1, 100},
	{"100b", 1, 100},
	{"1k", 1, 1024},
	{"1K", 1, 1024},
	{"1KB", 1, 1000},
	{"1kb", 1, 1000},
	{"1KiB", 1, 1024},
	{"1kib", 1, 1024},
	{"64MiB", 1, UINT64_C(67108864)},
	{"64M", 1, UINT64_C(67108864)},
	{"64MB", 1, UINT64_C(64000000)},
	{"1.5GB", 1, UINT64_C(1500000000)},
	{"1.5G", 1, UINT64_C(1610612736)},
	{"1T", 1, UINT64_C(1099511627776)},
	{"1TB", 1, UINT64_C(1000000000000)},
	{"2TiB", 1, UINT64_C(2199023255552)},
	{"0.5K", 1, 512},
	{"0.1K", 1, 102},
	{".5K", 1, 512},
	{"5.", 1, 5},
	{"1.5", 1, 2},
	{"1.4", 1, 1},
	{"1.99999999999999999999K", 1, 2048},
	{"15EiB", 1, UINT64_C(17293822569102704640)},
	{"18446744073709551615", 1, UINT64_MAX},
	{"18446744073709551615B", 1, UINT64_MAX},
	{"18446744073709551616", 0, 0},
	{"16EiB", 0, 0},
	{"18446744073709551615.5", 0, 0},
	{"", 0, 0},
	{"-1", 0, 0},
	{"+1", 0, 0},
	{" 1", 0, 0},
	{"1 ", 0, 0},
	{"1 K", 0, 0},
	{"K", 0, 0},
	{".", 0, 0},
	{".K", 0, 0},
	{"1..5", 0, 0},
	{"1.5.5", 0, 0},
	{"1KK", 0, 0},
	{"1Kx", 0, 0},
	{"1iB", 0, 0},
	{"1X", 0, 0},
	{"abc", 0, 0},
	{"1e3", 0, 0},
	{"0x10", 0, 0},
	{"1,5K", 0, 0},
};

START_TEST(test_parse_size)
{
	uint64_t v = 12345;
	int rc = gomem_parse_size(&v, size_cases[_i].in);

	if (size_cases[_i].ok) {
		ck_assert_int_eq(rc, GOMEM_OK);
		ck_assert_uint_eq(v, size_cases[_i].want);
	} else {
		ck_assert_int_eq(rc, GOMEM_E_INVALID);
		ck_assert_uint_eq(v, 12345);
	}
}
END_TEST

static const struct {
	const char *in;
	int ok;
	double want;
} parse_duration_cases[] = {
	{"30s", 1, 30},
	{"250ms", 1, 0.25},
	{"1.5m", 1, 90},
	{"2h", 1, 7200},
	{"100us", 1, 1e-4},
	{"100\xc2\xb5s", 1, 1e-4},
	{"100\xce\xbcs", 1, 1e-4},
	{"10ns", 1, 1e-8},
	{"12.5ms", 1, 0.0125},
	{"5", 1, 5},
	{"1.5", 1, 1.5},
	{"0", 1, 0},
	{".5s", 1, 0.5},
	{"1m30s", 1, 90},
	{"1h2m3s", 1, 3723},
	{"2s500ms", 1, 2.5},
	{"", 0, 0},
	{"s", 0, 0},
	{"ms", 0, 0},
	{".s", 0, 0},
	{"1x", 0, 0},
	{"1S", 0, 0},
	{"1sm", 0, 0},
	{"1.2.3s", 0, 0},
	{"-1s", 0, 0},
	{"+1s", 0, 0},
	{" 1s", 0, 0},
	{"1s ", 0, 0},
	{"1 s", 0, 0},
	{"1m30", 0, 0},
	{"1e3s", 0, 0},
	{"1h-1m", 0, 0},
	{"99999999999999999999s", 0, 0},
};

START_TEST(test_parse_duration)
{
	double v = -7;
	int rc = gomem_parse_duration(&v, parse_duration_cases[_i].in);

	if (parse_duration_cases[_i].ok) {
		ck_assert_int_eq(rc, GOMEM_OK);
		ck_assert_double_eq(v, parse_duration_cases[_i].want);
	} else {
		ck_assert_int_eq(rc, GOMEM_E_INVALID);
		ck_assert_double_eq(v, -7);
	}
}
END_TEST

START_TEST(test_parse_null)
{
	uint64_t size;
	double secs;

	ck_assert_int_eq(gomem_parse_size(NULL, "1"), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_parse_size(&size, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_parse_duration(NULL, "1s"), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_parse_duration(&secs, NULL), GOMEM_E_INVALID);
}
END_TEST

/* What gomem_format_bytes writes, gomem_parse_size reads back to within the
 * three digits shown. */
START_TEST(test_bytes_round_trip)
{
	static const int64_t values[] = {0, 1, 1023, 1024, 1536, 12897484,
					 INT64_C(132070244352), INT64_MAX};
	char buf[GOMEM_UNITS_BUFSIZE];
	uint64_t back;

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(values); i++) {
		double err;

		ck_assert_int_gt(gomem_format_bytes(buf, sizeof(buf), values[i], 0), 0);
		ck_assert_int_eq(gomem_parse_size(&back, buf), GOMEM_OK);
		err = fabs((double)back - (double)values[i]);
		ck_assert_msg(err <= 0.005 * (double)values[i], "%s read back as %llu", buf,
			      (unsigned long long)back);
	}
}
END_TEST

/* The escaper tools use for nested JSON documents is the table's own. */
START_TEST(test_json_write_string)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gomem_json_write_string(fp, "a\"b\\c\n\x01\xff\xe2\x80\xa8\xc3\xa9"), GOMEM_OK);
	fclose(fp);
	ck_assert_str_eq(buf, "\"a\\\"b\\\\c\\n\\u0001\\ufffd\\u2028\xc3\xa9\"");
	free(buf);
}
END_TEST

Suite *suite_table(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("formats");

	tcase_add_test(tc, test_sample_table);
	tcase_add_test(tc, test_sample_table_color);
	tcase_add_test(tc, test_sample_csv);
	tcase_add_test(tc, test_sample_tsv);
	tcase_add_test(tc, test_sample_json);
	tcase_add_test(tc, test_sample_ndjson);
	tcase_add_test(tc, test_json_write_string);
	tcase_add_test(tc, test_text_utf8_width);
	tcase_add_test(tc, test_text_color_padding);
	tcase_add_test(tc, test_text_controls);
	tcase_add_loop_test(tc, test_text_write, 0, (int)GOMEM_ARRAY_SIZE(people_cases));
	tcase_add_test(tc, test_text_printf);
	tcase_add_test(tc, test_text_copy);
	tcase_add_test(tc, test_text_columns);
	tcase_add_test(tc, test_text_empty);
	tcase_add_loop_test(tc, test_text_cell, 0, (int)GOMEM_ARRAY_SIZE(text_cases));
	tcase_add_loop_test(tc, test_machine_numbers, 0, (int)GOMEM_ARRAY_SIZE(machine_cases));
	tcase_add_loop_test(tc, test_csv_quoting, 0, (int)GOMEM_ARRAY_SIZE(csv_cases));
	tcase_add_test(tc, test_csv_header_quoting);
	tcase_add_loop_test(tc, test_tsv_escaping, 0, (int)GOMEM_ARRAY_SIZE(tsv_cases));
	tcase_add_loop_test(tc, test_json_escaping, 0, (int)GOMEM_ARRAY_SIZE(json_cases));
	tcase_add_test(tc, test_json_meta);
	tcase_add_test(tc, test_json_shapes);
	tcase_add_test(tc, test_locale_independent);
	tcase_add_loop_test(tc, test_streaming, 0, 5);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_new_invalid);
	tcase_add_loop_test(tc, test_misuse, 0, 30);
	tcase_add_test(tc, test_cell_limit);
	tcase_add_test(tc, test_write_error_full);
	tcase_add_test(tc, test_write_error_sticky_stream);
	tcase_add_test(tc, test_write_error_pipe);
	tcase_add_test(tc, test_table_close);
	suite_add_tcase(s, tc);

	tc = tcase_create("units");
	tcase_add_test(tc, test_format_names);
	tcase_add_loop_test(tc, test_format_bytes, 0, (int)GOMEM_ARRAY_SIZE(bytes_cases));
	tcase_add_test(tc, test_format_units_small_buffer);
	tcase_add_loop_test(tc, test_format_duration, 0, (int)GOMEM_ARRAY_SIZE(duration_cases));
	tcase_add_loop_test(tc, test_parse_size, 0, (int)GOMEM_ARRAY_SIZE(size_cases));
	tcase_add_loop_test(tc, test_parse_duration, 0,
			    (int)GOMEM_ARRAY_SIZE(parse_duration_cases));
	tcase_add_test(tc, test_parse_null);
	tcase_add_test(tc, test_bytes_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
