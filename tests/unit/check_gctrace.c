/* SPDX-License-Identifier: Apache-2.0 */
/* check_gctrace.c — the gctrace reader: every layout field by field (the
 * literal lines of GCTRACE.md for the versions the corpus lacks), the
 * scavenger lines, prefixes and JSON log lines, app text that only looks
 * like a gc line, shredded lines put back together, restarts, chunked
 * feeding, an over-long line, binary garbage; then the shared corpus and
 * the logs of contrib/gen/gcload against the truth the program printed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

#define MiB(x) ((int64_t)(x) << 20)
#define KiB(x) ((int64_t)(x) << 10)
#define MS(x) ((x) / 1e3)

/* ---- helpers -------------------------------------------------------------- */

struct parsed {
	gomem_gctrace_event *ev;
	size_t n;
	gomem_gctrace_counts counts;
};

static void drain(gomem_gctrace_parser *p, struct parsed *out)
{
	const gomem_gctrace_event *ev;
	int rc;

	while ((rc = gomem_gctrace_next(p, &ev)) == 1) {
		out->ev = realloc(out->ev, (out->n + 1) * sizeof(*out->ev));
		ck_assert_ptr_nonnull(out->ev);
		out->ev[out->n++] = *ev;
	}
	ck_assert_int_eq(rc, 0);
}

/* Parses TEXT fed in CHUNK-byte pieces (0: whole), taking events after each. */
static struct parsed parse_chunked(const char *text, size_t len, size_t chunk)
{
	struct parsed out = {0};
	gomem_gctrace_parser *p;

	ck_assert_int_eq(gomem_gctrace_parser_new(&p, "t.log"), GOMEM_OK);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len; off += chunk) {
		ck_assert_int_eq(gomem_gctrace_feed(p, text + off, len - off < chunk ? len - off : chunk),
				 GOMEM_OK);
		drain(p, &out);
	}
	ck_assert_int_eq(gomem_gctrace_finish(p), GOMEM_OK);
	drain(p, &out);
	gomem_gctrace_get_counts(p, &out.counts);
	gomem_gctrace_parser_free(p);
	return out;
}

static struct parsed parse_text(const char *text)
{
	return parse_chunked(text, strlen(text), 0);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void assert_near(double got, double want)
{
	ck_assert_msg(fabs(got - want) <= 1e-12 + fabs(want) * 1e-12, "got %.17g, want %.17g", got,
		      want);
}

static gomem_gctrace_event line_event(const char *line)
{
	gomem_gctrace_event ev;

	ck_assert_msg(gomem_gctrace_parse_line(&ev, line, strlen(line)) == 1, "not read: %s", line);
	return ev;
}

static void assert_no_event(const char *line)
{
	gomem_gctrace_event ev;

	ck_assert_msg(gomem_gctrace_parse_line(&ev, line, strlen(line)) == 0, "read: %s", line);
	ck_assert_int_eq(ev.gc, -1);
	ck_assert(isnan(ev.t));
}

static void assert_scav_fields_absent(const gomem_gctrace_event *ev)
{
	ck_assert_int_eq(ev->released, -1);
	ck_assert_int_eq(ev->inuse, -1);
	ck_assert_int_eq(ev->work, -1);
	ck_assert_int_eq(ev->work_bg, -1);
	ck_assert_int_eq(ev->util_pct, -1);
}

static void assert_gc_fields_absent(const gomem_gctrace_event *ev)
{
	ck_assert_int_eq(ev->gc, -1);
	ck_assert(isnan(ev->t));
	ck_assert_int_eq(ev->heap_start, -1);
	ck_assert_int_eq(ev->procs, -1);
	ck_assert_int_eq(ev->nclock, 0);
}

/* ---- every layout, field by field ----------------------------------------- */

static const char go119_line[] =
	"gc 30 @14.358s 1%: 0.069+39+0.085 ms clock, 0.13+23/16/22+0.17 ms cpu, "
	"180->183->96 MB, 185 MB goal, 0 MB stacks, 0 MB globals, 2 P";

START_TEST(test_go118)
{
	gomem_gctrace_event ev = line_event(go119_line);

	ck_assert_int_eq(ev.kind, GOMEM_GCTRACE_GC);
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_GO118);
	ck_assert_int_eq(ev.gc, 30);
	assert_near(ev.t, 14.358);
	ck_assert_int_eq(ev.cpu_pct, 1);
	ck_assert_int_eq(ev.nclock, 3);
	assert_near(ev.clock[0], 0.069e-3);
	assert_near(ev.clock[1], 39e-3);
	assert_near(ev.clock[2], 0.085e-3);
	assert_near(ev.stw_sweep_term, 0.069e-3);
	assert_near(ev.concurrent_mark, 39e-3);
	assert_near(ev.stw_mark_term, 0.085e-3);
	assert_near(ev.cpu_sweep_term, 0.13e-3);
	assert_near(ev.cpu_assist, 23e-3);
	assert_near(ev.cpu_background, 16e-3);
	assert_near(ev.cpu_idle, 22e-3);
	assert_near(ev.cpu_mark_term, 0.17e-3);
	ck_assert_int_eq(ev.heap_start, MiB(180));
	ck_assert_int_eq(ev.heap_end, MiB(183));
	ck_assert_int_eq(ev.heap_live, MiB(96));
	ck_assert_int_eq(ev.goal, MiB(185));
	ck_assert_int_eq(ev.stacks, 0);
	ck_assert_int_eq(ev.globals, 0);
	ck_assert_int_eq(ev.procs, 2);
	ck_assert_int_eq(ev.forced, 0);
	ck_assert_int_eq(ev.reassembled, 0);
	assert_scav_fields_absent(&ev);
}
END_TEST

START_TEST(test_go118_forced)
{
	gomem_gctrace_event ev = line_event(
		"gc 2 @0.380s 18%: 0.040+111+0.004 ms clock, 0.32+0/221/663+0.034 ms cpu, "
		"1525->1525->1525 MB, 3052 MB goal, 7 MB stacks, 3 MB globals, 8 P (forced)");

	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_GO118);
	ck_assert_int_eq(ev.gc, 2);
	assert_near(ev.t, 0.380);
	ck_assert_int_eq(ev.cpu_pct, 18);
	assert_near(ev.concurrent_mark, 0.111);
	assert_near(ev.cpu_assist, 0);
	assert_near(ev.cpu_background, 0.221);
	assert_near(ev.cpu_idle, 0.663);
	ck_assert_int_eq(ev.heap_live, MiB(1525));
	ck_assert_int_eq(ev.goal, MiB(3052));
	ck_assert_int_eq(ev.stacks, MiB(7));
	ck_assert_int_eq(ev.globals, MiB(3));
	ck_assert_int_eq(ev.procs, 8);
	ck_assert_int_eq(ev.forced, 1);
}
END_TEST

START_TEST(test_go16)
{
	gomem_gctrace_event ev = line_event(
		"gc 9 @3.059s 0%: 0.12+99+0.37 ms clock, 3.7+3.3/417/40+11 ms cpu, "
		"719->721->633 MB, 738 MB goal, 40 P");

	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_GO16);
	ck_assert_int_eq(ev.gc, 9);
	assert_near(ev.t, 3.059);
	ck_assert_int_eq(ev.cpu_pct, 0);
	assert_near(ev.stw_sweep_term, 0.12e-3);
	assert_near(ev.concurrent_mark, 0.099);
	assert_near(ev.stw_mark_term, 0.37e-3);
	assert_near(ev.cpu_sweep_term, 3.7e-3);
	assert_near(ev.cpu_assist, 3.3e-3);
	assert_near(ev.cpu_background, 0.417);
	assert_near(ev.cpu_idle, 0.040);
	assert_near(ev.cpu_mark_term, 0.011);
	ck_assert_int_eq(ev.heap_start, MiB(719));
	ck_assert_int_eq(ev.heap_end, MiB(721));
	ck_assert_int_eq(ev.heap_live, MiB(633));
	ck_assert_int_eq(ev.goal, MiB(738));
	ck_assert_int_eq(ev.stacks, -1);
	ck_assert_int_eq(ev.globals, -1);
	ck_assert_int_eq(ev.procs, 40);
	ck_assert_int_eq(ev.forced, 0);
}
END_TEST

START_TEST(test_go15)
{
	gomem_gctrace_event ev = line_event(
		"gc 50 @4.482s 0%: 0.060+5.8+0.017+0.33+0.50 ms clock, 0.24+5.8+0+0/0.11/13+2.0 ms cpu, "
		"86->86->29 MB, 87 MB goal, 32 P");

	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_GO15);
	ck_assert_int_eq(ev.gc, 50);
	assert_near(ev.t, 4.482);
	ck_assert_int_eq(ev.nclock, 5);
	assert_near(ev.clock[3], 0.33e-3);
	assert_near(ev.stw_sweep_term, 0.060e-3);
	assert_near(ev.concurrent_mark, 5.8e-3 + 0.017e-3 + 0.33e-3);
	assert_near(ev.stw_mark_term, 0.50e-3);
	assert_near(ev.cpu_sweep_term, 0.24e-3);
	assert_near(ev.cpu_assist, 0);
	assert_near(ev.cpu_background, 0.11e-3 + 5.8e-3); /* scan cpu folded in */
	assert_near(ev.cpu_idle, 0.013);
	assert_near(ev.cpu_mark_term, 2.0e-3);
	ck_assert_int_eq(ev.heap_live, MiB(29));
	ck_assert_int_eq(ev.goal, MiB(87));
	ck_assert_int_eq(ev.procs, 32);
	ck_assert_int_eq(ev.forced, 0);

	ev = line_event("gc 59 @5.182s 0%: 0.092+0+0+0+6.8 ms clock, 0.37+0+0+4.1/0.025/5.8+27 ms cpu, "
			"79->79->79 MB, 79 MB goal, 32 P (forced)");
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_GO15);
	ck_assert_int_eq(ev.gc, 59);
	assert_near(ev.concurrent_mark, 0);
	assert_near(ev.stw_mark_term, 6.8e-3);
	assert_near(ev.cpu_assist, 4.1e-3);
	assert_near(ev.cpu_mark_term, 0.027);
	ck_assert_int_eq(ev.forced, 1);
}
END_TEST

START_TEST(test_go14)
{
	gomem_gctrace_event ev = line_event(
		"gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, "
		"109/0/0 sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields");

	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_GO14);
	ck_assert_int_eq(ev.gc, 6);
	ck_assert_int_eq(ev.procs, 5);
	ck_assert_int_eq(ev.nclock, 4);
	assert_near(ev.clock[3], 1000e-6);
	assert_near(ev.stw_sweep_term, 1e-3); /* the whole collection stops the world */
	assert_near(ev.stw_mark_term, 0);
	ck_assert(isnan(ev.concurrent_mark));
	ck_assert(isnan(ev.t));
	ck_assert_int_eq(ev.cpu_pct, -1);
	ck_assert_int_eq(ev.heap_start, 0);
	ck_assert_int_eq(ev.heap_end, 0);
	ck_assert_int_eq(ev.heap_live, -1);
	ck_assert_int_eq(ev.goal, -1);
	ck_assert(isnan(ev.cpu_assist));

	ev = line_event("gc12(1): 12+34+5+6 us, 17 -> 33 MB, 1 (2-1) objects, 1/0/0 sweeps, "
			"0(0) handoff, 0(0) steal, 0/0/0 yields");
	ck_assert_int_eq(ev.gc, 12);
	ck_assert_int_eq(ev.heap_start, MiB(17));
	ck_assert_int_eq(ev.heap_end, MiB(33));
	assert_near(ev.stw_sweep_term, 57e-6);
}
END_TEST

START_TEST(test_scvg)
{
	gomem_gctrace_event ev = line_event("scvg1: 0 MB released");

	ck_assert_int_eq(ev.kind, GOMEM_GCTRACE_SCAV);
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_SCVG_RELEASED);
	ck_assert_int_eq(ev.scvg_gen, 1);
	ck_assert_int_eq(ev.released, 0);
	assert_gc_fields_absent(&ev);

	ev = line_event("scvg12: 17 MB released");
	ck_assert_int_eq(ev.scvg_gen, 12);
	ck_assert_int_eq(ev.released, MiB(17));

	ev = line_event("scvg1: inuse: 0, idle: 0, sys: 1, released: 0, consumed: 0 (MB)");
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_SCVG_STATS);
	ck_assert_int_eq(ev.scvg_gen, 1);
	ck_assert_int_eq(ev.sys, MiB(1));
	ck_assert_int_eq(ev.inuse, 0);
	ck_assert_int_eq(ev.consumed, 0);

	ev = line_event("scvg: inuse: 3, idle: 60, sys: 63, released: 57, consumed: 6 (MB)");
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_SCVG_STATS);
	ck_assert_int_eq(ev.scvg_gen, -1);
	ck_assert_int_eq(ev.inuse, MiB(3));
	ck_assert_int_eq(ev.idle, MiB(60));
	ck_assert_int_eq(ev.sys, MiB(63));
	ck_assert_int_eq(ev.released, MiB(57));
	ck_assert_int_eq(ev.consumed, MiB(6));

	ev = line_event("scvg: 2 MB released");
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_SCVG_RELEASED);
	ck_assert_int_eq(ev.scvg_gen, -1);
	ck_assert_int_eq(ev.released, MiB(2));
}
END_TEST

START_TEST(test_scav)
{
	gomem_gctrace_event ev = line_event("scav 7680 KiB work, 9728 KiB total, 74% util");

	ck_assert_int_eq(ev.kind, GOMEM_GCTRACE_SCAV);
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_SCAV_TOTAL);
	ck_assert_int_eq(ev.scvg_gen, -1);
	ck_assert_int_eq(ev.work, KiB(7680));
	ck_assert_int_eq(ev.total, KiB(9728));
	ck_assert_int_eq(ev.util_pct, 74);
	ck_assert_int_eq(ev.scav_forced, 0);
	ck_assert_int_eq(ev.controller_reset, 0);
	ck_assert_int_eq(ev.work_bg, -1);
	assert_gc_fields_absent(&ev);

	ev = line_event("scav 0 KiB work, 3648 KiB total, 100% util (forced)");
	ck_assert_int_eq(ev.scav_forced, 1);
	ev = line_event("scav 0 KiB work, 3648 KiB total, 100% util [controller reset]");
	ck_assert_int_eq(ev.controller_reset, 1);
	ck_assert_int_eq(ev.scav_forced, 0);

	ev = line_event("scav 3 64 KiB work, 2048 KiB total, 51% util");
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_SCAV_GEN);
	ck_assert_int_eq(ev.scvg_gen, 3);
	ck_assert_int_eq(ev.work, KiB(64));
	ck_assert_int_eq(ev.total, KiB(2048));
	ck_assert_int_eq(ev.util_pct, 51);

	ev = line_event("scav 12 KiB work (bg), 40 KiB work (eager), 1024 KiB now, 93% util (forced)");
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_SCAV_EAGER);
	ck_assert_int_eq(ev.work_bg, KiB(12));
	ck_assert_int_eq(ev.work_eager, KiB(40));
	ck_assert_int_eq(ev.now, KiB(1024));
	ck_assert_int_eq(ev.util_pct, 93);
	ck_assert_int_eq(ev.scav_forced, 1);
	ck_assert_int_eq(ev.work, -1);
	ck_assert_int_eq(ev.total, -1);
}
END_TEST

/* fmtNSAsMS forms and big numbers read exactly, whatever the locale */
START_TEST(test_numbers)
{
	gomem_gctrace_event ev = line_event(
		"gc 123456 @86400.001s 99%: 0+899+1.0 ms clock, 0.001+0/0/0+12345 ms cpu, "
		"1048575->1048576->65536 MB, 999999 MB goal, 12 MB stacks, 1 MB globals, 256 P");

	ck_assert_int_eq(ev.gc, 123456);
	assert_near(ev.t, 86400.001);
	ck_assert_int_eq(ev.cpu_pct, 99);
	assert_near(ev.stw_sweep_term, 0);
	assert_near(ev.concurrent_mark, 0.899);
	assert_near(ev.stw_mark_term, 1e-3);
	assert_near(ev.cpu_sweep_term, 1e-6);
	assert_near(ev.cpu_mark_term, 12.345);
	ck_assert_int_eq(ev.heap_start, MiB(1048575));
	ck_assert_int_eq(ev.heap_end, MiB(1048576));
	ck_assert_int_eq(ev.goal, MiB(999999));
	ck_assert_int_eq(ev.procs, 256);
	ck_assert(ev.clock[1] == strtod("0.899", NULL));
	/* a number with more digits than any field holds is not trace text */
	assert_no_event("gc 1 @0.1s 1%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB, "
			"99999999999999999999 MB goal, 2 P");
}
END_TEST

/* ---- where a gc line may sit ---------------------------------------------- */

static const char *const prefixed[] = {
	"Oct 21 17:57:00 host prog[1234]: %s",
	"Feb 26 13:56:33.456 %s",
	"2024-03-01T10:00:00.123456789Z %s",
	"2024-03-01T10:00:00.123456789Z stderr F %s", /* containerd / CRI log file */
	"[pod/web-5d9c-xk2 app] %s",                   /* kubectl logs --prefix */
	"web_1  | %s",                                  /* docker compose */
	"> %s",                                          /* a quoted log */
	"\t  %s",
	"12:00:01 gc-watch: %s",                         /* "gc" before the real line */
};

START_TEST(test_prefixes)
{
	char line[1024];
	gomem_gctrace_event ev;

	snprintf(line, sizeof(line), prefixed[_i], go119_line);
	ev = line_event(line);
	ck_assert_int_eq(ev.gc, 30);
	ck_assert_int_eq(ev.heap_live, MiB(96));
	ck_assert_int_eq(ev.procs, 2);
}
END_TEST

/* Issue 12: gctrace copied from a web page or an issue tracker. */
START_TEST(test_html_entities)
{
	static const char *const lines[] = {
		"gc 30 @0.930s 1%: 0.057+40+0.005 ms clock, 0.11+0.87/11/47+0.010 ms cpu, "
		"114-&gt;118-&gt;96 MB, 134 MB goal, 0 MB stacks, 0 MB globals, 2 P",
		"gc 30 @0.930s 1%: 0.057+40+0.005 ms clock, 0.11+0.87/11/47+0.010 ms cpu, "
		"114-&#62;118-&#x3E;96 MB, 134 MB goal, 0 MB stacks, 0 MB globals, 2 P",
		"<td>gc 30 @0.930s 1%: 0.057+40+0.005 ms clock, 0.11+0.87/11/47+0.010 ms cpu, "
		"114-&gt;118-&gt;96 MB, 134 MB goal, 0 MB stacks, 0 MB globals, 2 P</td>",
		"2024-03-01T10:00:00Z stderr F gc 30 @0.930s 1%: 0.057+40+0.005 ms clock, 0.11+0.87/11/47"
		"+0.010 ms cpu, 114-&gt;118-&gt;96 MB, 134 MB goal, 0 MB stacks, 0 MB globals, 2 P",
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(lines); i++) {
		gomem_gctrace_event ev = line_event(lines[i]);

		ck_assert_int_eq(ev.gc, 30);
		ck_assert_int_eq(ev.heap_start, MiB(114));
		ck_assert_int_eq(ev.heap_end, MiB(118));
		ck_assert_int_eq(ev.heap_live, MiB(96));
		ck_assert_int_eq(ev.procs, 2);
	}
	/* not an entity this reader decodes: the line stays broken, and counts */
	assert_no_event("gc 30 @0.930s 1%: 0.057+40+0.005 ms clock, 0.11+0.87/11/47+0.010 ms cpu, "
			"114-&rarr;118-&rarr;96 MB, 134 MB goal, 0 MB stacks, 0 MB globals, 2 P");
}
END_TEST

/* A Go 1.4 line cut anywhere before its last word is no event, and such
 * lines count as unread gctrace (the tools warn about them). */
START_TEST(test_go14_cut)
{
	static const char full[] = "gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 "
				   "goroutines, 109/0/0 sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields";
	size_t n = strlen(full);
	char cut[sizeof(full)];
	struct parsed r;

	for (size_t k = 1; k < n; k++) {
		gomem_gctrace_event ev;

		memcpy(cut, full, k);
		ck_assert_msg(gomem_gctrace_parse_line(&ev, cut, k) == 0, "cut at %zu read: %.*s", k,
			      (int)k, cut);
	}
	line_event(full);
	r = parse_text("gc6(5): 0+0+0+1000 us, 0 -> 0 MB\n"
		       "gc7(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, 109/0/0 "
		       "sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields\n");
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.ev[0].gc, 7);
	ck_assert_uint_eq(r.counts.unparsed, 1);
	free(r.ev);
}
END_TEST

/* A shredded line in a CRI log: each piece behind its own prefix. */
START_TEST(test_shredded_prefixed)
{
	struct parsed r = parse_text(
		"2024-03-01T10:00:00.1Z stderr F gc 6 @0.114s 1%: 0.18+1.8+0.002 ms clock, 0.36+0.069\n"
		"2024-03-01T10:00:00.2Z stderr F APPLOG-bbbb\n"
		"2024-03-01T10:00:00.3Z stderr F /0.5/0.2+0.004 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB "
		"stacks, 0 MB globals, 2 P\n");

	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.ev[0].gc, 6);
	ck_assert_int_eq(r.ev[0].reassembled, 1);
	ck_assert_int_eq(r.ev[0].heap_live, MiB(2));
	ck_assert_uint_eq(r.counts.unparsed, 0);
	free(r.ev);
}
END_TEST

START_TEST(test_json)
{
	gomem_gctrace_event ev = line_event(
		"{\"level\":\"info\",\"ts\":1700000000.5,\"msg\":\"gc 7 @0.930s 1%: 0.057+40+0.005 ms "
		"clock, 0.11+0.87/11/47+0.010 ms cpu, 114->118->70 MB, 134 MB goal, 0 MB stacks, 0 "
		"MB globals, 2 P\"}");

	ck_assert_int_eq(ev.gc, 7);
	ck_assert_int_eq(ev.heap_live, MiB(70));

	/* docker json-file: the newline is inside the string; \u escapes */
	ev = line_event("{\"log\":\"gc 8 @1.516s 2\\u0025: 0.066+39+0.004 ms clock, 0.13+26/21/18+0.009 "
			"ms cpu, 137->140->71 MB, 140 MB goal, 0 MB stacks, 0 MB globals, 2 P\\n\","
			"\"stream\":\"stderr\",\"time\":\"2024-03-01T10:00:00Z\"}");
	ck_assert_int_eq(ev.gc, 8);
	ck_assert_int_eq(ev.cpu_pct, 2);
	ck_assert_int_eq(ev.procs, 2);

	ev = line_event("{\"time\":\"x\", \"message\" : \"runtime: scav 0 KiB work, 864 KiB total, "
			"100% util\"}");
	ck_assert_int_eq(ev.layout, GOMEM_GCTRACE_SCAV_TOTAL);
	ck_assert_int_eq(ev.total, KiB(864));

	assert_no_event("{\"msg\":\"gc 5 items queued\",\"log\":\"x\"}");
	assert_no_event("{\"msg\":\"hello\"}");
}
END_TEST

/* App text that mentions gc, and the other runtime traces */
START_TEST(test_not_gctrace)
{
	static const char *const lines[] = {
		"gc 5 items",
		"running gc now",
		"logc 1 @0.1s 1%: whatever",
		"SCHED 504ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=1 runqueue=0 [0 0]",
		"  P0: status=1 schedtick=10 syscalltick=0 m=0 runqsize=0 gfreecnt=0 timerslen=0",
		"pacer: assist ratio=+1.191661e+000 (scan 0 MB in 3->4 MB) workers=0++2.500000e-001",
		"pacer: 25% CPU (25 exp.) for 1118008+8104+224528 B work (747048 B exp.) in 8341987 B -> "
		"16080168 B (\xe2\x88\x86goal 6243528, cons/mark +7.130378e-001)",
		"pacer: sweep done at heap size 4MB; allocated 0MB during sweep; swept 70 pages at "
		"+1.776428e-004 pages/byte",
		"init runtime @0.003 ms, 0.007 ms clock, 0 bytes, 0 allocs",
		"# command-line-arguments",
		"scavenger: 5 pages",
		"",
		"gc",
		"gc 1 @0.1s 1%: 1+1+1+1 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB, 1 MB goal, 2 P",
		"gc 1 @0.1s 1%: 1+1+1 ms clock, 1+1/1/1+1 ms cpu, 1->1->1 MB, 1 MB goal, 2",
	};

	assert_no_event(lines[_i]);
}
END_TEST

START_TEST(test_counts)
{
	struct parsed r = parse_text(
		"hello\n"
		"gc 5 items\n"
		"SCHED 504ms: gomaxprocs=2 idleprocs=0 threads=4\n"
		"gc 1 @0.003s 8%: 0.056+3.7+0.006 ms clock, 0.11+0.32/0.91/0.13+0.012 ms cpu, 3->4->4 MB, 4 "
		"MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
		"app: gc 7 @0.5s broken here\n"
		"scav 0 KiB work, 1160 KiB total, 96% util\n"
		"scav 0 KiB work, 1160 KiB total, nope\n"
		"last line without newline");

	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.counts.lines, 8);
	ck_assert_uint_eq(r.counts.gc_events, 1);
	ck_assert_uint_eq(r.counts.scav_events, 1);
	ck_assert_uint_eq(r.counts.unparsed, 2);
	ck_assert_uint_eq(r.counts.skipped, 4);
	ck_assert_uint_eq(r.counts.runs, 1);
	ck_assert_uint_eq(r.ev[0].line, 4);
	ck_assert_uint_eq(r.ev[1].line, 6);
	free(r.ev);
}
END_TEST

/* ---- shredded lines -------------------------------------------------------- */

/* Splits LINE at every token boundary the runtime's print() makes (every
 * digit run and every run of other text) and puts each piece at the start
 * of its own app line, as interleave_shredded_excerpt.log shows. */
static char *shred(const char *line, const char *app)
{
	size_t n = strlen(line), size = 0;
	char *out = NULL;
	FILE *fp = open_memstream(&out, &size);

	if (fp == NULL)
		abort();
	fprintf(fp, "%s\n", app);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int digit = (line[i] >= '0' && line[i] <= '9') || line[i] == '.';

		while (j < n && (((line[j] >= '0' && line[j] <= '9') || line[j] == '.') == digit))
			j++;
		fprintf(fp, "%.*s%s\n", (int)(j - i), line + i, app);
		i = j;
	}
	fprintf(fp, "\n%s\n", app);
	if (fclose(fp) != 0)
		abort();
	return out;
}

START_TEST(test_shredded)
{
	char *text = shred(go119_line, "APPLOG-xxxxxxxx");
	gomem_gctrace_event want = line_event(go119_line);

	for (size_t chunk = 0; chunk < 3; chunk++) {
		struct parsed r = parse_chunked(text, strlen(text), chunk == 2 ? 5 : chunk);

		ck_assert_uint_eq(r.n, 1);
		ck_assert_int_eq(r.ev[0].reassembled, 1);
		ck_assert_uint_eq(r.ev[0].line, 2);
		ck_assert_uint_eq(r.counts.reassembled, 1);
		ck_assert_uint_eq(r.counts.unparsed, 0);
		ck_assert_int_eq(r.ev[0].gc, want.gc);
		assert_near(r.ev[0].t, want.t);
		assert_near(r.ev[0].concurrent_mark, want.concurrent_mark);
		assert_near(r.ev[0].cpu_idle, want.cpu_idle);
		ck_assert_int_eq(r.ev[0].heap_live, want.heap_live);
		ck_assert_int_eq(r.ev[0].globals, want.globals);
		ck_assert_int_eq(r.ev[0].procs, want.procs);
		free(r.ev);
	}
	free(text);
}
END_TEST

/* The other shape: a line cut once, its tail at the start of a later line
 * with whole app lines in between. */
START_TEST(test_shredded_tail)
{
	struct parsed r = parse_text(
		"gc 6 @0.114s 1%: 0.18+1.8+0.002 ms clock, 0.36+0.069APPLOG-aaaa\n"
		"APPLOG-bbbb\n"
		"APPLOG-cccc\n"
		"/0.5/0.2+0.004 ms cpu, 4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
		"gc 7 @0.2s 1%: 0.1+1+0.1 ms clock, 0.2+0/1/1+0.2 ms cpu, 4->4->2 MB, 5 MB goal, 0 MB "
		"stacks, 0 MB globals, 2 P\n");

	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.ev[0].gc, 6);
	ck_assert_int_eq(r.ev[0].reassembled, 1);
	assert_near(r.ev[0].cpu_assist, 0.069e-3);
	assert_near(r.ev[0].cpu_background, 0.5e-3);
	ck_assert_int_eq(r.ev[0].heap_live, MiB(2));
	ck_assert_uint_eq(r.ev[0].line, 1);
	ck_assert_int_eq(r.ev[1].gc, 7);
	ck_assert_int_eq(r.ev[1].reassembled, 0);
	ck_assert_uint_eq(r.ev[1].run, 0);
	ck_assert_uint_eq(r.counts.skipped, 2);
	free(r.ev);

	/* a piece that never finds its tail is counted, and a new line goes on */
	r = parse_text("gc 6 @0.114s 1%: 0.18+1.8+0.002 ms clock, 0.36+0.069\n"
		       "APPLOG\n"
		       "gc 7 @0.2s 1%: 0.1+1+0.1 ms clock, 0.2+0/1/1+0.2 ms cpu, 4->4->2 MB, 5 MB goal, "
		       "2 P\n");
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.ev[0].gc, 7);
	ck_assert_uint_eq(r.counts.unparsed, 1);
	ck_assert_uint_eq(r.counts.skipped, 1);
	free(r.ev);
}
END_TEST

START_TEST(test_shredded_corpus)
{
	const char *path = test_corpus("gctrace/go1.19-runs/interleave_shredded_excerpt.log");
	size_t len;
	char *text;
	struct parsed r;

	if (path == NULL)
		return; /* no shared corpus here */
	text = slurp(path, &len);
	for (size_t chunk = 0; chunk < 2; chunk++) {
		r = parse_chunked(text, len, chunk);
		ck_assert_uint_eq(r.n, 1);
		ck_assert_int_eq(r.ev[0].reassembled, 1);
		ck_assert_int_eq(r.ev[0].gc, 110);
		assert_near(r.ev[0].t, 0.264);
		ck_assert_int_eq(r.ev[0].cpu_pct, 8);
		assert_near(r.ev[0].stw_sweep_term, 0.036e-3);
		assert_near(r.ev[0].concurrent_mark, 0.13e-3);
		assert_near(r.ev[0].stw_mark_term, 0.001e-3);
		assert_near(r.ev[0].cpu_sweep_term, 0.073e-3);
		assert_near(r.ev[0].cpu_assist, 0.063e-3);
		assert_near(r.ev[0].cpu_background, 0);
		assert_near(r.ev[0].cpu_idle, 0);
		assert_near(r.ev[0].cpu_mark_term, 0.003e-3);
		ck_assert_int_eq(r.ev[0].heap_start, MiB(3));
		ck_assert_int_eq(r.ev[0].heap_end, MiB(3));
		ck_assert_int_eq(r.ev[0].heap_live, 0);
		ck_assert_int_eq(r.ev[0].goal, MiB(4));
		ck_assert_int_eq(r.ev[0].stacks, 0);
		ck_assert_int_eq(r.ev[0].globals, 0);
		ck_assert_int_eq(r.ev[0].procs, 2);
		ck_assert_uint_eq(r.counts.unparsed, 0);
		free(r.ev);
	}
	free(text);
}
END_TEST

/* ---- runs, chunks, limits -------------------------------------------------- */

static const char restart_log[] =
	"gc 1 @0.001s 1%: 0.1+0.2+0.3 ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, 4->4->0 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	"gc 2 @0.002s 1%: 0.1+0.2+0.3 ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, 4->4->0 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	"# command-line-arguments\n"
	"gc 1 @0.001s 1%: 0.1+0.2+0.3 ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, 4->4->0 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	"scav 0 KiB work, 1160 KiB total, 96% util\n"
	"gc 2 @0.002s 1%: 0.1+0.2+0.3 ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, 4->4->0 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	"gc 2 @0.002s 1%: 0.1+0.2+0.3 ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, 4->4->0 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n"
	"gc 9 @0.009s 1%: 0.1+0.2+0.3 ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, 4->4->0 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";

START_TEST(test_restarts)
{
	struct parsed r = parse_text(restart_log);
	/* the repeated "gc 2" is the same cycle again (gctrace=2 prints each
	 * twice), not a restart; gc 9 goes forward */
	static const uint64_t runs[] = {0, 0, 1, 1, 1, 1, 1};

	ck_assert_uint_eq(r.n, 7);
	for (size_t i = 0; i < r.n; i++)
		ck_assert_uint_eq(r.ev[i].run, runs[i]);
	ck_assert_int_eq(r.ev[3].kind, GOMEM_GCTRACE_SCAV);
	ck_assert_int_eq(r.ev[5].forced, 1);
	ck_assert_uint_eq(r.counts.runs, 2);
	ck_assert_uint_eq(r.counts.skipped, 1);
	free(r.ev);
}
END_TEST

static void assert_same(const struct parsed *a, const struct parsed *b)
{
	ck_assert_uint_eq(a->n, b->n);
	ck_assert_mem_eq(&a->counts, &b->counts, sizeof(a->counts));
	for (size_t i = 0; i < a->n; i++)
		ck_assert_msg(memcmp(&a->ev[i], &b->ev[i], sizeof(a->ev[i])) == 0, "event %zu differs", i);
}

START_TEST(test_chunks)
{
	char *shredded = shred(go119_line, "APP");
	size_t len = strlen(restart_log) + strlen(shredded) + 64;
	char *text = malloc(len);
	struct parsed whole, piece;

	snprintf(text, len, "%s%s\r\nno newline at the end: gc 3", restart_log, shredded);
	whole = parse_text(text);
	ck_assert_uint_eq(whole.n, 8);
	for (size_t chunk = 1; chunk <= 17; chunk += 4) {
		piece = parse_chunked(text, strlen(text), chunk);
		assert_same(&whole, &piece);
		free(piece.ev);
	}
	free(whole.ev);
	free(text);
	free(shredded);
}
END_TEST

/* Feeding twice before taking events loses nothing. */
START_TEST(test_feed_without_next)
{
	gomem_gctrace_parser *p;
	struct parsed r = {0};
	size_t half = strlen(restart_log) / 2;

	ck_assert_int_eq(gomem_gctrace_parser_new(&p, "t"), GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_feed(p, restart_log, half), GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_feed(p, restart_log + half, strlen(restart_log) - half),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_finish(p), GOMEM_OK);
	drain(p, &r);
	ck_assert_uint_eq(r.n, 7);
	ck_assert_int_eq(r.ev[6].gc, 9);
	ck_assert_int_eq(gomem_gctrace_feed(p, "x", 1), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_gctrace_parser_error(p)->code, GOMEM_E_INVALID);
	free(r.ev);
	gomem_gctrace_parser_free(p);
}
END_TEST

/* A line past 1 MiB is dropped as it streams by, in any chunking, and the
 * reader goes on with the next line. */
START_TEST(test_long_line)
{
	size_t big = (3u << 20) + 17;
	size_t len = big + sizeof(go119_line) + 8;
	char *text = malloc(len);
	struct parsed whole, chunked;

	if (text == NULL)
		abort();
	memcpy(text, "gc 1 @", 6);
	memset(text + 6, '7', big - 6);
	snprintf(text + big, len - big, "\n%s\n", go119_line);
	whole = parse_text(text);
	chunked = parse_chunked(text, strlen(text), 65536);
	for (int k = 0; k < 2; k++) {
		const struct parsed *r = k ? &chunked : &whole;

		ck_assert_uint_eq(r->n, 1);
		ck_assert_int_eq(r->ev[0].gc, 30);
		ck_assert_uint_eq(r->ev[0].line, 2);
		ck_assert_uint_eq(r->counts.lines, 2);
		ck_assert_uint_eq(r->counts.skipped, 1);
	}
	free(whole.ev);
	free(chunked.ev);

	/* and one with no newline at all */
	text[big] = '\0';
	chunked = parse_chunked(text, big, 100000);
	ck_assert_uint_eq(chunked.n, 0);
	ck_assert_uint_eq(chunked.counts.lines, 1);
	ck_assert_uint_eq(chunked.counts.skipped, 1);
	free(chunked.ev);
	free(text);
}
END_TEST

START_TEST(test_garbage)
{
	size_t len = 1 << 16;
	unsigned char *buf = malloc(len);
	uint32_t x = 2463534242u;
	struct parsed a, b;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf[i] = (unsigned char)x;
		if (x % 97 == 0) /* sprinkle the tokens the scanner looks for */
			memcpy(buf + i, "gc 1 @", 6 < len - i ? 6 : len - i);
	}
	a = parse_chunked((const char *)buf, len, 0);
	b = parse_chunked((const char *)buf, len, 3);
	assert_same(&a, &b);
	ck_assert_uint_gt(a.counts.lines, 100);
	free(a.ev);
	free(b.ev);
	free(buf);
}
END_TEST

START_TEST(test_bad_args)
{
	gomem_gctrace_event ev;

	ck_assert_int_eq(gomem_gctrace_parse_line(&ev, NULL, 0), 0);
	ck_assert_int_eq(gomem_gctrace_parse_line(NULL, "gc", 2), 0);
	ck_assert_int_eq(gomem_gctrace_parser_new(NULL, "x"), GOMEM_E_INVALID);
	gomem_gctrace_parser_free(NULL);
}
END_TEST

/* ---- the shared corpus ----------------------------------------------------- */

static struct parsed parse_file(const char *path)
{
	size_t len;
	char *text = slurp(path, &len);
	struct parsed r = parse_chunked(text, len, 4096);

	free(text);
	return r;
}

/* Every line of the go1.19 and go1.2x runs is a gc line and is read. */
START_TEST(test_corpus_runs)
{
	static const struct {
		const char *file;
		uint64_t gcs;
	} logs[] = {
		{"go1.19-runs/gogc100.r1.log", 31}, {"go1.19-runs/gogc100.r2.log", 31},
		{"go1.19-runs/gogc100.r3.log", 26}, {"go1.19-runs/gogc100.r4.log", 26},
		{"go1.19-runs/gogc50.r1.log", 62}, {"go1.19-runs/gogc50.r2.log", 55},
		{"go1.19-runs/gogc200.r1.log", 14}, {"go1.19-runs/gogc200.r2.log", 13},
		{"go1.19-runs/gogc200.r3.log", 13}, {"go1.19-runs/gogc200.r4.log", 14},
		{"go1.19-runs/off_lim256.r1.log", 13}, {"go1.19-runs/off_lim256.r2.log", 12},
		{"go1.19-runs/gogc100_lim160.r1.log", 37}, {"go1.19-runs/gogc100_lim160.r2.log", 36},
		{"go1.19-runs/gogc100_leak5.r1.log", 22}, {"go1.19-runs/gogc100_leak5.r2.log", 22},
		{"go1.19-runs/gogc100_lim140_leak5.r1.log", 53},
		{"go1.19-runs/gogc100_lim140_leak5.r2.log", 63},
		{"go1.19-runs/interleave_nonapp_lines.log", 80},
		{"go1.2x-runs/go1.21-gogc100.log", 16}, {"go1.2x-runs/go1.21-lim160.log", 17},
		{"go1.2x-runs/go1.23-gogc100.log", 16}, {"go1.2x-runs/go1.23-lim160.log", 17},
	};
	char rel[256];
	const char *path;
	struct parsed r;

	snprintf(rel, sizeof(rel), "gctrace/%s", logs[_i].file);
	if ((path = test_corpus(rel)) == NULL)
		return;
	r = parse_file(path);
	ck_assert_uint_eq(r.counts.gc_events, logs[_i].gcs);
	ck_assert_uint_eq(r.counts.lines, logs[_i].gcs);
	ck_assert_uint_eq(r.counts.skipped + r.counts.unparsed, 0);
	ck_assert_uint_eq(r.counts.runs, 1);
	for (size_t i = 0; i < r.n; i++) {
		ck_assert_int_eq(r.ev[i].gc, (int64_t)i + 1);
		ck_assert_int_eq(r.ev[i].layout, GOMEM_GCTRACE_GO118);
		ck_assert_uint_eq(r.ev[i].line, i + 1);
	}
	free(r.ev);
}
END_TEST

START_TEST(test_corpus_other)
{
	static const struct {
		const char *file;
		uint64_t gc, scav, skipped;
	} logs[] = {
		{"other-traces/go1.19_gctrace+gcpacertrace.log", 7, 0, 14},
		{"other-traces/go1.19_inittrace.log", 7, 0, 21},
		{"other-traces/go1.19_scavtrace.log", 0, 27, 0},
		{"other-traces/go1.19_scheddetail.log", 0, 0, 27},
		{"other-traces/go1.19_schedtrace.log", 0, 0, 4},
		{"go1.19-runs/noise_interleave.log", 9, 0, 142},
	};
	char rel[256];
	const char *path;
	struct parsed r;

	snprintf(rel, sizeof(rel), "gctrace/%s", logs[_i].file);
	if ((path = test_corpus(rel)) == NULL)
		return;
	r = parse_file(path);
	ck_assert_uint_eq(r.counts.gc_events, logs[_i].gc);
	ck_assert_uint_eq(r.counts.scav_events, logs[_i].scav);
	ck_assert_uint_eq(r.counts.skipped, logs[_i].skipped);
	ck_assert_uint_eq(r.counts.unparsed, 0);
	free(r.ev);
}
END_TEST

/* Several `go run` runs in one file: 18, 2, 2 and 73 GCs. */
START_TEST(test_corpus_peer_runs)
{
	const char *path = test_corpus("gctrace/peer-tebeka/map.gctrace");
	static const uint64_t per_run[] = {18, 2, 2, 73};
	uint64_t seen[4] = {0};
	struct parsed r;

	if (path == NULL)
		return;
	r = parse_file(path);
	ck_assert_uint_eq(r.counts.runs, 4);
	ck_assert_uint_eq(r.counts.gc_events, 95);
	ck_assert_uint_eq(r.counts.skipped, 2);
	for (size_t i = 0; i < r.n; i++) {
		ck_assert_uint_lt(r.ev[i].run, 4);
		seen[r.ev[i].run]++;
	}
	ck_assert_mem_eq(seen, per_run, sizeof(seen));
	free(r.ev);
}
END_TEST

/* ---- logs made by contrib/gen/gcload, against what the program counted ---- */

/* The integer after "KEY": in a flat JSON object, or -1. */
static long long json_int(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(json, pat)) == NULL)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

static uint64_t count_substr(const char *s, const char *what)
{
	uint64_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s++;
	}
	return n;
}

START_TEST(test_generated)
{
	static const char *const dirs[] = {"go1.19", "go1.21", "go1.22", "go1.23"};
	static const char *const runs[] = {"steady", "leak", "forced"};
	char rel[256], *truth, *log;
	size_t len;
	FILE *f;
	struct parsed r;
	uint64_t forced = 0;
	double pause = 0;

	snprintf(rel, sizeof(rel), "tests/data/gctrace/%s/%s.truth.json", dirs[_i / 3], runs[_i % 3]);
	if ((f = fopen(test_path(rel), "rb")) == NULL)
		return; /* not generated for this version */
	fclose(f);
	truth = slurp(test_path(rel), &len);
	snprintf(rel, sizeof(rel), "tests/data/gctrace/%s/%s.log", dirs[_i / 3], runs[_i % 3]);
	log = slurp(test_path(rel), &len);
	r = parse_chunked(log, len, 1000);
	for (size_t i = 0; i < r.n; i++)
		if (r.ev[i].kind == GOMEM_GCTRACE_GC) {
			forced += r.ev[i].forced > 0;
			pause += r.ev[i].stw_sweep_term + r.ev[i].stw_mark_term;
		}
	ck_assert_uint_eq(r.counts.gc_events, (uint64_t)json_int(truth, "num_gc"));
	/* Go 1.19 also flags the background cycle a runtime.GC() call waited
	 * for (golang/go#52515), so the trace may say "(forced)" more often
	 * than NumForcedGC counts; the lines themselves say exactly how often. */
	ck_assert_uint_eq(forced, count_substr(log, " P (forced)\n"));
	ck_assert_uint_ge(forced, (uint64_t)json_int(truth, "num_forced_gc"));
	ck_assert_uint_le(forced, 2 * (uint64_t)json_int(truth, "num_forced_gc"));
	ck_assert_uint_eq(r.counts.runs, 1);
	ck_assert_uint_eq(r.counts.unparsed, 0);
	ck_assert_uint_eq(r.counts.skipped, (uint64_t)json_int(truth, "app_lines"));
	/* the trace rounds each phase; PauseTotalNs is exact */
	ck_assert_msg(fabs(pause * 1e9 - (double)json_int(truth, "pause_total_ns")) <=
			      0.02 * (double)json_int(truth, "pause_total_ns") + 5e4 * (double)r.n,
		      "pauses %.0f ns vs %lld", pause * 1e9, json_int(truth, "pause_total_ns"));
	free(r.ev);
	free(log);
	free(truth);
}
END_TEST

Suite *suite_gctrace(void)
{
	Suite *s = suite_create("gctrace");
	TCase *tc = tcase_create("layouts");

	tcase_add_test(tc, test_go118);
	tcase_add_test(tc, test_go118_forced);
	tcase_add_test(tc, test_go16);
	tcase_add_test(tc, test_go15);
	tcase_add_test(tc, test_go14);
	tcase_add_test(tc, test_scvg);
	tcase_add_test(tc, test_scav);
	tcase_add_test(tc, test_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("finding");
	tcase_add_loop_test(tc, test_prefixes, 0, (int)GOMEM_ARRAY_SIZE(prefixed));
	tcase_add_test(tc, test_html_entities);
	tcase_add_test(tc, test_go14_cut);
	tcase_add_test(tc, test_shredded_prefixed);
	tcase_add_test(tc, test_json);
	tcase_add_loop_test(tc, test_not_gctrace, 0, 15);
	tcase_add_test(tc, test_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("stream");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_shredded);
	tcase_add_test(tc, test_shredded_tail);
	tcase_add_test(tc, test_shredded_corpus);
	tcase_add_test(tc, test_restarts);
	tcase_add_test(tc, test_chunks);
	tcase_add_test(tc, test_feed_without_next);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_bad_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_loop_test(tc, test_corpus_runs, 0, 23);
	tcase_add_loop_test(tc, test_corpus_other, 0, 6);
	tcase_add_test(tc, test_corpus_peer_runs);
	tcase_add_loop_test(tc, test_generated, 0, 12);
	suite_add_tcase(s, tc);
	return s;
}
