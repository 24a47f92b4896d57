/* SPDX-License-Identifier: Apache-2.0 */
/* check_svg.c — the drawing layer: escaping of hostile names, numbers in
 * every locale, the flame tree's folding (totals exact, "other" keeps what
 * it folds merged by name, narrow subtrees cut, a million-frame stack
 * without recursion), colours by change and uncertainty, charts decimated
 * with every peak kept, and the per-tool pictures (heapdiff, goroutines,
 * gctrace) on small inputs whose numbers are known. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/svg-internal.h"
#include "gomem-internal.h"
#include "suites.h"

/* What WRITE wrote, as a string (freed by the caller). */
struct capture {
	char *buf;
	size_t len;
	FILE *fp;
};

static FILE *capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->fp = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->fp);
	return c->fp;
}

static char *capture_close(struct capture *c)
{
	fclose(c->fp);
	return c->buf;
}

/* Occurrences of NEEDLE in HAY, in one pass: memchr and memcmp, not strstr,
 * whose sanitizer interceptor measures the rest of the haystack on every
 * call (quadratic on the deep stack's 60 MB). */
static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0, nl = strlen(needle);
	const char *p = hay, *end = hay + strlen(hay);

	while ((size_t)(end - p) >= nl) {
		const char *q = memchr(p, needle[0], (size_t)(end - p) - nl + 1);

		if (q == NULL)
			break;
		n += memcmp(q, needle, nl) == 0;
		p = q + 1;
	}
	return n;
}

/* ---- escaping ------------------------------------------------------------------ */

START_TEST(test_escape_specials)
{
	char out[256];
	const char in[] = "main.F[<T>&\"'x]";
	size_t n = gomem_svg_escape(out, sizeof(out), in, strlen(in));

	ck_assert_str_eq(out, "main.F[&lt;T&gt;&amp;&quot;&#39;x]");
	ck_assert_uint_eq(n, strlen(out));
}
END_TEST

START_TEST(test_escape_bytes)
{
	/* a stray continuation, an overlong '/', a surrogate, NUL, tab, DEL,
	 * a C1 control, U+FFFE, and a cut 3-byte sequence at the end */
	const char in[] = "a\x80" "b\xc0\xaf" "c\xed\xa0\x80" "d\0e\tf\x7fg\xc2\x85h\xef\xbf\xbei\xe2\x82";
	char out[256];

	gomem_svg_escape(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			      "d\xef\xbf\xbd" "e\xef\xbf\xbd" "f\xef\xbf\xbd" "g\xef\xbf\xbd" "h\xef\xbf\xbd"
			      "i\xef\xbf\xbd\xef\xbf\xbd");
	/* well-formed multibyte characters pass as they are */
	gomem_svg_escape(out, sizeof(out), "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80", 9);
	ck_assert_str_eq(out, "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
}
END_TEST

START_TEST(test_escape_short_buffer)
{
	char out[8];
	size_t n = gomem_svg_escape(out, sizeof(out), "ab<cd", 5);

	/* "ab&lt;cd" needs 8 bytes and a NUL: the entity fits, "cd" does not */
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(out, "ab&lt;c");
	n = gomem_svg_escape(out, 4, "ab<cd", 5);
	ck_assert_str_eq(out, "ab"); /* never half an entity */
	ck_assert_uint_eq(gomem_svg_escape(NULL, 0, "&", 1), 5);
}
END_TEST

START_TEST(test_label_cut)
{
	struct capture c;
	FILE *fp = capture_open(&c);
	char *s;

	gomem_svg_label(fp, "main.(*server).handle", 21, 10);
	fputc('|', fp);
	gomem_svg_label(fp, "\xc3\xa9\xc3\xa9\xc3\xa9", 6, 3);
	fputc('|', fp);
	gomem_svg_label(fp, "abcdef", 6, 2);
	s = capture_close(&c);
	ck_assert_str_eq(s, "main.(*s..|\xc3\xa9\xc3\xa9\xc3\xa9|");
	free(s);
}
END_TEST

/* ---- numbers ------------------------------------------------------------------- */

START_TEST(test_numbers)
{
	struct capture c;
	FILE *fp = capture_open(&c);
	char buf[64], *s;

	gomem_svg_num(fp, 12);
	fputc(' ', fp);
	gomem_svg_num(fp, 12.5);
	fputc(' ', fp);
	gomem_svg_num(fp, -0.004);
	fputc(' ', fp);
	gomem_svg_num(fp, 1.005e3);
	s = capture_close(&c);
	ck_assert_str_eq(s, "12 12.5 0 1005");
	free(s);
	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_COUNT, 1234567, 0);
	ck_assert_str_eq(buf, "1,234,567");
	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_COUNT, 12, 1);
	ck_assert_str_eq(buf, "+12");
	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_BYTES, 1536, 1);
	ck_assert_str_eq(buf, "+1.50KiB");
	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_SECONDS, 0.0125, 0);
	ck_assert_str_eq(buf, "12.5ms");
	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_PERCENT, 12.345, 0);
	ck_assert_str_eq(buf, "12.3%");
	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_PERCENT, 2.5, 1);
	ck_assert_str_eq(buf, "+2.50%");
}
END_TEST

/* ---- flame trees ---------------------------------------------------------------- */

static char *draw(gomem_flame *f, const gomem_flame_options *o)
{
	struct capture c;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_flame_write_svg(f, capture_open(&c), o, &err), GOMEM_OK);
	return capture_close(&c);
}

static void add_path(gomem_flame *f, const char *a, const char *b, const char *leaf, int64_t base,
		     int64_t newv, double var)
{
	const char *frames[3] = {a, b, leaf};
	size_t n = leaf ? 3 : b ? 2 : 1;
	uint32_t id;

	ck_assert_int_eq(gomem_flame_path(f, frames, n, &id), GOMEM_OK);
	ck_assert_int_eq(gomem_flame_add(f, id, base, newv, var), GOMEM_OK);
}

/* 20 000 thin callers of main.wide: folded into one "other" under main.main
 * whose child main.wide has their whole weight; the root stays exact. */
START_TEST(test_fold_other_keeps_wide_function)
{
	gomem_flame *f;
	char name[32], *s;

	ck_assert_int_eq(gomem_flame_new(&f, NULL), GOMEM_OK);
	add_path(f, "main.main", "main.big", NULL, 0, 100000, 0);
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "main.thin%d", i);
		add_path(f, "main.main", name, "main.wide", 0, 5, 0);
	}
	ck_assert_uint_eq(gomem_flame_node_count(f), 1 + 1 + 1 + 2 * 20000);
	s = draw(f, NULL);
	ck_assert_ptr_nonnull(strstr(s, "<g data-v=\"200000\"><title>all&#10;"));
	ck_assert_ptr_nonnull(strstr(s, "<g data-v=\"100000\" class=\"o\"><title>other&#10;"));
	ck_assert_ptr_nonnull(strstr(s, "20000 frames narrower than 1px"));
	ck_assert_ptr_nonnull(strstr(s, "<g data-v=\"100000\"><title>main.wide&#10;"));
	ck_assert_ptr_null(strstr(s, "main.thin"));
	ck_assert_uint_eq(count_of(s, "<g data-v="), 5); /* all, main.main, main.big, other, main.wide */
	ck_assert_ptr_null(strstr(s, "href"));
	free(s);
	ck_assert_int_eq(gomem_flame_child(f, 0, "x", 1, &(uint32_t){0}), GOMEM_E_INVALID);
	gomem_flame_free(f);
}
END_TEST

/* A single narrow child is drawn as itself, without its subtree; a
 * zero-width child (it vanished in NEW) is not drawn at all. */
START_TEST(test_fold_narrow_cut)
{
	gomem_flame *f;
	char *s;

	ck_assert_int_eq(gomem_flame_new(&f, "root"), GOMEM_OK);
	add_path(f, "main.main", "main.big", NULL, 0, 1000000, 0);
	add_path(f, "main.main", "main.tiny", "main.tinier", 0, 1, 0);
	add_path(f, "main.main", "main.gone", NULL, 50, 0, 0);
	s = draw(f, NULL);
	ck_assert_ptr_nonnull(strstr(s, "<title>main.tiny&#10;"));
	ck_assert_ptr_null(strstr(s, "main.tinier"));
	ck_assert_ptr_null(strstr(s, "main.gone"));
	ck_assert_ptr_null(strstr(s, "class=\"o\""));
	free(s);
	gomem_flame_free(f);
}
END_TEST

/* Recursively: the children of folded frames merge by name at every depth,
 * values summed. */
START_TEST(test_fold_merge_recursive)
{
	gomem_flame *f;
	char name[32], *s;

	ck_assert_int_eq(gomem_flame_new(&f, NULL), GOMEM_OK);
	add_path(f, "main.main", "main.big", NULL, 0, 5000, 0);
	for (int i = 0; i < 1000; i++) {
		const char *frames[4] = {"main.main", name, "main.mid", i % 2 ? "main.a" : "main.b"};
		uint32_t id;

		snprintf(name, sizeof(name), "main.t%d", i);
		ck_assert_int_eq(gomem_flame_path(f, frames, 4, &id), GOMEM_OK);
		ck_assert_int_eq(gomem_flame_add(f, id, 0, 3, 0), GOMEM_OK);
	}
	s = draw(f, NULL);
	ck_assert_ptr_nonnull(strstr(s, "<g data-v=\"3000\" class=\"o\"><title>other&#10;"));
	ck_assert_ptr_nonnull(strstr(s, "<g data-v=\"3000\"><title>main.mid&#10;"));
	ck_assert_ptr_nonnull(strstr(s, "<g data-v=\"1500\"><title>main.a&#10;"));
	ck_assert_ptr_nonnull(strstr(s, "<g data-v=\"1500\"><title>main.b&#10;"));
	free(s);
	gomem_flame_free(f);
}
END_TEST

/* A stack 300 000 frames deep: built, folded and drawn without
 * recursion (the C stack would not hold it). */
START_TEST(test_deep_stack)
{
	gomem_flame *f;
	uint32_t at = GOMEM_FLAME_ROOT;
	char *s;

	ck_assert_int_eq(gomem_flame_new(&f, NULL), GOMEM_OK);
	for (int i = 0; i < 300000; i++)
		ck_assert_int_eq(gomem_flame_child(f, at, i % 2 ? "a" : "b", 1, &at), GOMEM_OK);
	ck_assert_int_eq(gomem_flame_add(f, at, 0, 7, 0), GOMEM_OK);
	s = draw(f, NULL);
	ck_assert_uint_eq(count_of(s, "<g data-v=\"7\">"), 300001);
	free(s);
	gomem_flame_free(f);
}
END_TEST

/* Colours by change: a change within two standard deviations is neutral,
 * one beyond red (grew) or blue (shrank); flat by default, cumulative when
 * asked. Titles carry both values, the change and its "±". */
START_TEST(test_delta_colours)
{
	gomem_flame_options o = GOMEM_FLAME_OPTIONS_INIT;
	gomem_flame *f;
	char *s;

	o.color = GOMEM_FLAME_COLOR_DELTA;
	o.two_values = 1;
	ck_assert_int_eq(gomem_flame_new(&f, NULL), GOMEM_OK);
	add_path(f, "main.main", "main.noisy", NULL, 1000, 1100, 100 * 100);  /* +100 ±200 */
	add_path(f, "main.main", "main.grew", NULL, 1000, 3000, 100 * 100);   /* +2000 ±200 */
	add_path(f, "main.main", "main.shrank", NULL, 3000, 1000, 0);
	s = draw(f, &o);
	ck_assert_ptr_nonnull(strstr(s, "<title>main.noisy&#10;1.07KiB, 21.6%&#10;base 1000B \xe2\x86\x92 new "
					"1.07KiB: +100B (+10.0%) \xc2\xb1" "200B&#10;(within the sampling uncertainty)"
					"</title><rect x=\"704.12\" y=\"72\" width=\"254.51\" height=\"15\" "
					"fill=\"#dcdcdc\"/><text x=\"707.12\" y=\"83.5\">main.noisy</text>"));
	ck_assert_ptr_nonnull(strstr(s, "<title>main.grew&#10;"));
	ck_assert_ptr_nonnull(strstr(s, "fill=\"#ff2828\"")); /* the largest change: deepest red */
	ck_assert_ptr_nonnull(strstr(s, "fill=\"#2828ff\"")); /* as large a shrink: deepest blue */
	/* main.main's own change is 0: neutral when flat */
	ck_assert_ptr_nonnull(strstr(s, "<title>main.main&#10;4.98KiB, 100.0%&#10;base 4.88KiB \xe2\x86\x92 new "
					"4.98KiB: +100B (+2.00%) \xc2\xb1" "283B</title><rect x=\"10\" y=\"88\""
					" width=\"1180\" height=\"15\" fill=\"#dcdcdc\""));
	free(s);
	gomem_flame_free(f);
}
END_TEST

START_TEST(test_categories)
{
	static const char *const names[] = {"zero", "one", "two"};
	gomem_flame_options o = GOMEM_FLAME_OPTIONS_INIT;
	gomem_flame *f;
	uint32_t a, b;
	char *s;

	o.color = GOMEM_FLAME_COLOR_CATEGORY;
	o.unit = GOMEM_SVG_COUNT;
	o.noun = "goroutines";
	o.categories = names;
	o.ncategories = 3;
	ck_assert_int_eq(gomem_flame_new(&f, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_flame_path(f, (const char *[]){"main.a"}, 1, &a), GOMEM_OK);
	ck_assert_int_eq(gomem_flame_path(f, (const char *[]){"main.b"}, 1, &b), GOMEM_OK);
	gomem_flame_add(f, a, 0, 3, 0);
	gomem_flame_categorize(f, a, 2, 3, 0);
	gomem_flame_add(f, b, 0, 1, 0);
	gomem_flame_categorize(f, b, 1, 1, 3);
	ck_assert_int_eq(gomem_flame_categorize(f, b, GOMEM_FLAME_MAX_CATEGORIES, 1, 0), GOMEM_E_INVALID);
	s = draw(f, &o);
	ck_assert_ptr_nonnull(strstr(s, "<title>all&#10;4 goroutines, 100.0%&#10;two (75.0% of it)</title>"));
	ck_assert_ptr_nonnull(strstr(s, "<title>main.a&#10;3 goroutines, 75.0%&#10;two</title>"));
	/* palette 1 (#e69f00) with the darkest shade, palette 2 (#009e73)
	 * without: the shade stays where the goroutines wait */
	ck_assert_ptr_nonnull(strstr(s, "<title>main.b&#10;1 goroutines, 25.0%&#10;one</title><rect x=\"895\" y=\"72\" "
					"width=\"295\" height=\"15\" fill=\"#e9aa1c\"/>"));
	ck_assert_ptr_nonnull(strstr(s, "<rect x=\"10\" y=\"88\" width=\"1180\" height=\"15\" fill=\"#80cfb9\"/>"));
	/* the legend names the categories present only */
	ck_assert_ptr_null(strstr(s, ">zero<"));
	free(s);
	gomem_flame_free(f);
}
END_TEST

START_TEST(test_document)
{
	gomem_flame_options o = GOMEM_FLAME_OPTIONS_INIT;
	gomem_flame *f;
	char *s;

	o.embed = 1;
	o.id = "a\"b";
	o.title = "<x>";
	ck_assert_int_eq(gomem_flame_new(&f, NULL), GOMEM_OK);
	add_path(f, "main.main", NULL, NULL, 0, 10, 0);
	s = draw(f, &o);
	ck_assert_ptr_null(strstr(s, "<?xml"));
	ck_assert_ptr_nonnull(strstr(s, " id=\"a&quot;b\" class=\"gomem-flame\""));
	ck_assert_ptr_nonnull(strstr(s, ">&lt;x&gt;</text>"));
	ck_assert_ptr_nonnull(strstr(s, "<script><![CDATA[(function () {"));
	ck_assert_ptr_null(strstr(s, "href"));
	ck_assert_ptr_null(strstr(s, " src="));
	free(s);
	/* a tree is drawn once */
	ck_assert_int_eq(gomem_flame_write_svg(f, stdout, NULL, &(gomem_error){0}), GOMEM_E_INVALID);
	gomem_flame_free(f);
}
END_TEST

/* ---- charts ------------------------------------------------------------------------ */

/* Two million points: memory stays at a few thousand buckets per series,
 * the one spike survives decimation and the exact statistics are kept. */
START_TEST(test_chart_decimation)
{
	gomem_chart *c;
	uint32_t sec, panel, panel2, bars, line;
	struct capture cap;
	gomem_error err = {0};
	char *s, *p;

	ck_assert_int_eq(gomem_chart_new(&c, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_section(c, "run", &sec), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_panel(c, sec, "pauses", GOMEM_SVG_SECONDS, &panel), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_panel(c, sec, "counts", GOMEM_SVG_COUNT, &panel2), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_series(c, panel, "pause", GOMEM_SERIES_BARS, 0, &bars), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_series(c, panel2, "line", GOMEM_SERIES_LINE, 1, &line), GOMEM_OK);
	for (int i = 0; i < 2000000; i++) {
		ck_assert_int_eq(gomem_chart_point(c, bars, i * 0.01, i == 1234567 ? 0.6 : 0.001), GOMEM_OK);
		ck_assert_int_eq(gomem_chart_point(c, line, i * 0.01, (double)(i % 100)), GOMEM_OK);
	}
	ck_assert_int_eq(gomem_chart_point(c, line, NAN, 1), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_point(c, line, 5, INFINITY), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_write_svg(c, capture_open(&cap), &err), GOMEM_OK);
	s = capture_close(&cap);
	ck_assert_ptr_nonnull(strstr(s, "data-series=\"pause\" data-n=\"2000000\" data-min=\"0.001\" data-max=\"0.59999999999999998\""));
	ck_assert_ptr_nonnull(strstr(s, "data-series=\"line\" data-n=\"2000000\" data-min=\"0\" data-max=\"99\""));
	/* the spike is the only bar reaching the top of its axis (600ms, at
	 * y 68): every other bar stays near the bottom */
	ck_assert_ptr_nonnull(strstr(s, ">600ms</text>"));
	p = strstr(s, "class=\"bars\"");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(count_of(p, "V68M") + count_of(p, "V68\""), 1);
	ck_assert_uint_lt(strlen(s), 400000);
	free(s);
	gomem_chart_free(c);
}
END_TEST

START_TEST(test_chart_axes)
{
	gomem_chart_options o = GOMEM_CHART_OPTIONS_INIT;
	gomem_chart *c;
	uint32_t sec, panel, line, level;
	struct capture cap;
	gomem_error err = {0};
	char *s;

	o.title = "t";
	ck_assert_int_eq(gomem_chart_new(&c, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_section(c, "a <run>", &sec), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_panel(c, sec, "heap", GOMEM_SVG_BYTES, &panel), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_series(c, panel, "live", GOMEM_SERIES_LINE, 0, &line), GOMEM_OK);
	ck_assert_int_eq(gomem_chart_series(c, panel, "GOMEMLIMIT", GOMEM_SERIES_LEVEL,
					    GOMEM_SERIES_DASHED, &level), GOMEM_OK);
	for (int i = 0; i <= 150; i++)
		gomem_chart_point(c, line, i, (double)i * (1 << 20));
	gomem_chart_point(c, level, 0, 200.0 * (1 << 20));
	ck_assert_int_eq(gomem_chart_panel(c, 7, "x", GOMEM_SVG_BYTES, &panel), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_chart_write_svg(c, capture_open(&cap), &err), GOMEM_OK);
	s = capture_close(&cap);
	/* bytes step in powers of two of a unit; time in 1-2-5 steps, then minutes */
	ck_assert_ptr_nonnull(strstr(s, ">64MiB</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">256MiB</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">20s</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">2m0s</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">GOMEMLIMIT 200MiB</text>"));
	ck_assert_ptr_nonnull(strstr(s, ">a &lt;run&gt;</text>"));
	free(s);
	gomem_chart_free(c);
}
END_TEST

/* gctrace: a section per run; the pauses' maximum is the largest sum of the
 * two STW phases. */
START_TEST(test_gctimeline_runs)
{
	static const char log[] =
		"gc 1 @0.010s 1%: 0.010+1.0+0.020 ms clock, 0.040+0.5/1.0/0+0.080 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n"
		"gc 2 @0.020s 1%: 0.50+1.0+0.70 ms clock, 0.040+0.5/1.0/0+0.080 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P\n"
		"gc 3 @0.030s 2%: 0.010+1.0+0.020 ms clock, 0.040+0.5/1.0/0+0.080 ms cpu, 4->6->3 MB, 6 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)\n"
		"gc 1 @0.005s 1%: 0.010+1.0+0.020 ms clock, 0.040+0.5/1.0/0+0.080 ms cpu, 4->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n";
	gomem_gctrace_parser *p;
	gomem_gctimeline *t;
	const gomem_gctrace_event *ev;
	struct capture cap;
	gomem_error err = {0};
	char *s;

	ck_assert_int_eq(gomem_gctimeline_new(&t, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_gctimeline_write_svg(t, stdout, &err), GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_gctrace_parser_new(&p, "log"), GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_feed(p, log, strlen(log)), GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_finish(p), GOMEM_OK);
	while (gomem_gctrace_next(p, &ev) == 1)
		ck_assert_int_eq(gomem_gctimeline_add(t, "x.log", ev), GOMEM_OK);
	ck_assert_int_eq(gomem_gctimeline_write_svg(t, capture_open(&cap), &err), GOMEM_OK);
	s = capture_close(&cap);
	ck_assert_uint_eq(count_of(s, "<g class=\"section\">"), 2);
	ck_assert_ptr_nonnull(strstr(s, ">x.log, run 2 (the gc counter went back: a restart)</text>"));
	ck_assert_ptr_nonnull(strstr(s, "data-series=\"STW pause (sweep + mark termination)\" data-n=\"3\" "
					"data-min=\"3.0000000000000004e-05\" data-max=\"0.0012000000000000001\""));
	ck_assert_ptr_nonnull(strstr(s, "data-series=\"forced GC\" data-n=\"1\""));
	ck_assert_ptr_nonnull(strstr(s, "data-series=\"live heap (marked)\" data-n=\"3\" data-min=\"1048576\" "
					"data-max=\"3145728\""));
	free(s);
	gomem_gctrace_parser_free(p);
	gomem_gctimeline_free(t);
}
END_TEST

/* ---- terminal cells ------------------------------------------------------------------ */

/* Values 0, 1, 2, 3, 4 of 4 in two rows: ASCII a level a row, blocks eight,
 * braille four and two points a column; marks at the top (level 4). */
START_TEST(test_cells)
{
	const double v[5] = {0, 1, 2, 3, 4}, m[5] = {4, 4, NAN, 4, 4};
	char buf[64];

	/* ASCII, 2 levels: 0 1 1 2 2 (half rounds up) */
	ck_assert_int_eq(gomem_cells_row(buf, sizeof(buf), v, m, 5, 4, 2, 0, GOMEM_CELLS_ASCII), 5);
	ck_assert_str_eq(buf, "-- ==");
	ck_assert_int_eq(gomem_cells_row(buf, sizeof(buf), v, NULL, 5, 4, 2, 1, GOMEM_CELLS_ASCII), 5);
	ck_assert_str_eq(buf, " ####");
	/* blocks, 16 levels: 0 4 8 12 16; a mark shows where its bar leaves the row empty */
	ck_assert_int_eq(gomem_cells_row(buf, sizeof(buf), v, NULL, 5, 4, 2, 1, GOMEM_CELLS_BLOCKS), 13);
	ck_assert_str_eq(buf, " \xe2\x96\x84\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88"); /* " ▄███" */
	gomem_cells_row(buf, sizeof(buf), v, m, 5, 4, 2, 0, GOMEM_CELLS_BLOCKS);
	ck_assert_str_eq(buf, "\xe2\x96\x94\xe2\x96\x94 \xe2\x96\x84\xe2\x96\x88"); /* "▔▔ ▄█" */
	/* braille, 8 levels: 0 2 4 6 8, two a column: U+28A0 U+28FF U+2847 at
	 * the bottom; at the top marks as dots 1 and 4: U+2809 U+28A8 U+2847 */
	ck_assert_int_eq(gomem_cells_row(buf, sizeof(buf), v, NULL, 5, 4, 2, 1, GOMEM_CELLS_BRAILLE), 9);
	ck_assert_str_eq(buf, "\xe2\xa2\xa0\xe2\xa3\xbf\xe2\xa1\x87");
	ck_assert_int_eq(gomem_cells_row(buf, sizeof(buf), v, m, 5, 4, 2, 0, GOMEM_CELLS_BRAILLE), 9);
	ck_assert_str_eq(buf, "\xe2\xa0\x89\xe2\xa2\xa8\xe2\xa1\x87");
	ck_assert_int_eq(gomem_cells_points(GOMEM_CELLS_BRAILLE), 2);
	ck_assert_int_eq(gomem_cells_row(buf, 4, v, NULL, 5, 4, 2, 1, GOMEM_CELLS_BLOCKS), GOMEM_E_INVALID);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(gomem_cells_row(buf, sizeof(buf), v, NULL, 5, 4, 2, 2, GOMEM_CELLS_ASCII), GOMEM_E_INVALID);
}
END_TEST

/* ---- the per-tool pictures --------------------------------------------------------- */

static gomem_profile *read_profile(const char *rel)
{
	gomem_source *src;
	gomem_profile *p;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open(&src, test_path(rel), NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_read(&p, src, &err), GOMEM_OK);
	gomem_source_free(src);
	return p;
}

/* The example diff: the root is NEW's total, width from BASE gives BASE's;
 * the frame the table's ± covers (main.loadRoutes, unchanged) is neutral. */
START_TEST(test_heapdiff_svg)
{
	gomem_heapdiff_options ho = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_flame_options look = GOMEM_FLAME_OPTIONS_INIT;
	gomem_profile *base = read_profile("contrib/examples/before.pb.gz");
	gomem_profile *newp = read_profile("contrib/examples/after.pb.gz");
	gomem_heapdiff *d;
	gomem_error err = {0};
	struct capture cap;
	char want[64], *s;

	ck_assert_int_eq(gomem_heapdiff_compute(&d, base, newp, &ho, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_write_svg(d, capture_open(&cap), NULL, &err), GOMEM_OK);
	s = capture_close(&cap);
	snprintf(want, sizeof(want), "<g data-v=\"%lld\"><title>all&#10;",
		 (long long)gomem_heapdiff_totals(d)->new_);
	ck_assert_ptr_nonnull(strstr(s, want));
	ck_assert_ptr_nonnull(strstr(s, ">Heap diff: inuse_space</text>"));
	ck_assert_ptr_nonnull(strstr(s, "main.loadRoutes&#10;513KiB, 0.98%&#10;base 513KiB \xe2\x86\x92 new 513KiB: "
					"unchanged</title>"));
	free(s);
	look.width_from = 1;
	ck_assert_int_eq(gomem_heapdiff_write_svg(d, capture_open(&cap), &look, &err), GOMEM_OK);
	s = capture_close(&cap);
	snprintf(want, sizeof(want), "<g data-v=\"%lld\"><title>all&#10;",
		 (long long)gomem_heapdiff_totals(d)->base);
	ck_assert_ptr_nonnull(strstr(s, want));
	free(s);
	gomem_heapdiff_free(d);
	gomem_profile_free(base);
	gomem_profile_free(newp);
}
END_TEST

START_TEST(test_goroutines_svg)
{
	gomem_dump *before, *after;
	gomem_buckets *b;
	gomem_dump_diff *df;
	gomem_source *src;
	gomem_error err = {0};
	struct capture cap;
	char want[96], *s;

	ck_assert_int_eq(gomem_source_open(&src, test_path("contrib/examples/goroutines.before.txt"), NULL, &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_dump_read(&before, src, &err), GOMEM_OK);
	gomem_source_free(src);
	ck_assert_int_eq(gomem_source_open(&src, test_path("contrib/examples/goroutines.after.txt"), NULL, &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_dump_read(&after, src, &err), GOMEM_OK);
	gomem_source_free(src);
	ck_assert_int_eq(gomem_buckets_new(&b, after, NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_buckets_write_svg(b, capture_open(&cap), NULL, &err), GOMEM_OK);
	s = capture_close(&cap);
	snprintf(want, sizeof(want), "<title>all goroutines&#10;%llu goroutines, 100.0%%",
		 (unsigned long long)gomem_dump_total(after));
	ck_assert_ptr_nonnull(strstr(s, want));
	ck_assert_ptr_nonnull(strstr(s, ">channel send/receive</text>"));
	free(s);
	ck_assert_int_eq(gomem_dump_diff_new(&df, before, after, NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_dump_diff_write_svg(df, capture_open(&cap), NULL, &err), GOMEM_OK);
	s = capture_close(&cap);
	snprintf(want, sizeof(want), "<title>all goroutines&#10;%llu goroutines, 100.0%%&#10;before %llu",
		 (unsigned long long)gomem_dump_diff_total_after(df),
		 (unsigned long long)gomem_dump_diff_total_before(df));
	ck_assert_ptr_nonnull(strstr(s, want));
	free(s);
	gomem_dump_diff_free(df);
	gomem_buckets_free(b);
	gomem_dump_free(before);
	gomem_dump_free(after);
}
END_TEST

/* The pacer model's cycles, recorded and replayed, and the what-if picture. */
static int count_cycles(void *payload, const gomem_pacer_cycle *c)
{
	int *n = payload;

	ck_assert(c->end >= c->start);
	ck_assert(c->peak >= c->trigger);
	return ++*n == 3 && n[1] ? 7 : 0;
}

START_TEST(test_whatif_svg)
{
	gomem_pacer_config cfg = GOMEM_PACER_CONFIG_INIT;
	gomem_pacer_setting *set;
	gomem_pacer_model *m;
	gomem_pacer_cycle cy;
	gomem_error err = {0};
	struct capture cap;
	int n[2] = {0, 0};
	size_t ns;
	char *s;

	cfg.go_minor = 19;
	ck_assert_int_eq(gomem_pacer_model_read(&m, test_path("contrib/examples/gctrace.log"), NULL, &cfg, &err),
			 GOMEM_OK);
	ck_assert_uint_eq(gomem_pacer_model_cycle_count(m), 199);
	ck_assert_int_eq(gomem_pacer_model_cycle(m, 198, &cy), GOMEM_OK);
	ck_assert(cy.peak == 72351744); /* as printed: 69 MB */
	ck_assert_int_eq(gomem_pacer_model_cycle(m, 199, &cy), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_pacer_model_replay(m, NULL, count_cycles, n), GOMEM_OK);
	ck_assert_int_gt(n[0], 150);
	n[0] = 0;
	n[1] = 1; /* stop at the third */
	ck_assert_int_eq(gomem_pacer_model_replay(m, NULL, count_cycles, n), 7);
	ck_assert_int_eq(n[0], 3);
	ck_assert_int_eq(gomem_pacer_settings_parse(&set, &ns, "GOGC=50;GOMEMLIMIT=40MiB", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_whatif_write_svg(capture_open(&cap), "x.log", m, set, ns, NULL, &err), GOMEM_OK);
	s = capture_close(&cap);
	ck_assert_ptr_nonnull(strstr(s, "data-series=\"recorded\" data-n=\"199\""));
	ck_assert_ptr_nonnull(strstr(s, "data-series=\"limit of GOMEMLIMIT=40MiB\" data-n=\"1\" data-min=\"41943040\""));
	ck_assert_ptr_nonnull(strstr(s, ">x.log: 199 GCs recorded (GOGC=100 inferred), predicted per setting</text>"));
	free(s);
	gomem_free(set);
	gomem_pacer_model_free(m);
}
END_TEST

Suite *suite_svg(void)
{
	Suite *s = suite_create("svg");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_escape_specials);
	tcase_add_test(tc, test_escape_bytes);
	tcase_add_test(tc, test_escape_short_buffer);
	tcase_add_test(tc, test_label_cut);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_fold_other_keeps_wide_function);
	tcase_add_test(tc, test_fold_narrow_cut);
	tcase_add_test(tc, test_fold_merge_recursive);
	tcase_add_test(tc, test_deep_stack);
	tcase_add_test(tc, test_delta_colours);
	tcase_add_test(tc, test_categories);
	tcase_add_test(tc, test_document);
	tcase_add_test(tc, test_cells);
	tcase_add_test(tc, test_chart_decimation);
	tcase_add_test(tc, test_chart_axes);
	tcase_add_test(tc, test_gctimeline_runs);
	tcase_add_test(tc, test_heapdiff_svg);
	tcase_add_test(tc, test_goroutines_svg);
	tcase_add_test(tc, test_whatif_svg);
	suite_add_tcase(s, tc);
	return s;
}
