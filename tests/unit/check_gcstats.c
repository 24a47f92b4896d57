/* SPDX-License-Identifier: Apache-2.0 */
/* check_gcstats.c — run statistics: nearest-rank percentiles, GC rate, GC
 * CPU from the cpu fields, heap figures, GOMAXPROCS changes, the slope of
 * the marked heap and its R², the sliding window; then every go1.19 run of
 * the shared corpus against RUN_TABLE.md (skipped when ../shared is absent). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

#define MiB(x) ((int64_t)(x) << 20)

static void assert_near(double got, double want, double tol)
{
	ck_assert_msg(fabs(got - want) <= tol, "got %.17g, want %.17g", got, want);
}

/* A Go 1.18+ event with the given figures (times in seconds). */
static gomem_gctrace_event gc_event(int64_t gc, double t, double sweep_term, double mark,
				    double mark_term, int64_t live_mib, int procs)
{
	gomem_gctrace_event ev;
	char line[512];

	snprintf(line, sizeof(line),
		 "gc 1 @0.000s 1%%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 0 MB goal, "
		 "0 MB stacks, 0 MB globals, 1 P");
	ck_assert_int_eq(gomem_gctrace_parse_line(&ev, line, strlen(line)), 1);
	ev.gc = gc;
	ev.t = t;
	ev.clock[0] = ev.stw_sweep_term = sweep_term;
	ev.clock[1] = ev.concurrent_mark = mark;
	ev.clock[2] = ev.stw_mark_term = mark_term;
	ev.heap_start = MiB(live_mib + 10);
	ev.heap_end = MiB(live_mib + 12);
	ev.heap_live = MiB(live_mib);
	ev.goal = MiB(2 * live_mib);
	ev.procs = procs;
	ev.line = (uint64_t)gc;
	return ev;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static gomem_gcstats *stats_of(const gomem_gctrace_event *ev, size_t n)
{
	gomem_gcstats *s;

	ck_assert_int_eq(gomem_gcstats_new(&s), GOMEM_OK);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(gomem_gcstats_add(s, &ev[i]), GOMEM_OK);
	return s;
}

START_TEST(test_percentiles)
{
	gomem_gctrace_event ev[100];
	gomem_gcstats_summary sum;
	gomem_gcstats *s;

	/* pauses 1..100 ms in a scrambled order: nearest rank picks exact values */
	for (int i = 0; i < 100; i++) {
		int k = (i * 37) % 100 + 1;

		ev[i] = gc_event(i + 1, i, k * 0.4e-3, k * 1e-3, k * 0.6e-3, 10, 2);
	}
	s = stats_of(ev, 100);
	ck_assert_int_eq(gomem_gcstats_get(s, &sum), GOMEM_OK);
	ck_assert_uint_eq(sum.gcs, 100);
	assert_near(sum.pause_p50, 50e-3, 1e-12);
	assert_near(sum.pause_p90, 90e-3, 1e-12);
	assert_near(sum.pause_p99, 99e-3, 1e-12);
	assert_near(sum.pause_max, 100e-3, 1e-12);
	assert_near(sum.pause_total, 5050e-3, 1e-9);
	assert_near(sum.mark_p50, 50e-3, 1e-12);
	assert_near(sum.mark_p99, 99e-3, 1e-12);
	assert_near(sum.mark_total, 5050e-3, 1e-9);
	gomem_gcstats_free(s);

	/* three values: rank ceil(1.5) = 2 for p50, the largest above */
	ev[0] = gc_event(1, 0, 3e-3, 1, 0, 1, 1);
	ev[1] = gc_event(2, 1, 1e-3, 1, 0, 1, 1);
	ev[2] = gc_event(3, 2, 2e-3, 1, 0, 1, 1);
	s = stats_of(ev, 3);
	gomem_gcstats_get(s, &sum);
	assert_near(sum.pause_p50, 2e-3, 1e-15);
	assert_near(sum.pause_p90, 3e-3, 1e-15);
	assert_near(sum.pause_p99, 3e-3, 1e-15);
	gomem_gcstats_free(s);
}
END_TEST

START_TEST(test_empty)
{
	gomem_gcstats_summary sum;
	gomem_gcstats *s = stats_of(NULL, 0);

	ck_assert_int_eq(gomem_gcstats_get(s, &sum), GOMEM_OK);
	ck_assert_uint_eq(sum.gcs, 0);
	ck_assert(isnan(sum.pause_p50));
	ck_assert(isnan(sum.gc_per_s));
	ck_assert(isnan(sum.live_slope));
	ck_assert_int_eq(sum.heap_live_max, -1);
	ck_assert_int_eq(sum.cpu_pct_last, -1);
	ck_assert_int_eq(gomem_gcstats_new(NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_gcstats_add(s, NULL), GOMEM_E_INVALID);
	gomem_gcstats_free(s);
	gomem_gcstats_free(NULL);
}
END_TEST

START_TEST(test_rate_heap_procs)
{
	gomem_gctrace_event ev[6];
	gomem_gcstats_summary sum;
	gomem_gcstats *s;
	static const int procs[] = {2, 2, 4, 4, 2, 2};
	static const int64_t live[] = {10, 30, 20, 50, 40, 45};

	for (int i = 0; i < 6; i++) {
		ev[i] = gc_event(i + 5, 2.0 * i + 1, 1e-3, 2e-3, 1e-3, live[i], procs[i]);
		ev[i].cpu_pct = i;
	}
	ev[3].forced = 1;
	ev[3].stacks = MiB(3);
	ev[4].globals = MiB(1);
	s = stats_of(ev, 6);
	gomem_gcstats_get(s, &sum);
	ck_assert_uint_eq(sum.gcs, 6);
	ck_assert_uint_eq(sum.forced, 1);
	ck_assert_uint_eq(sum.first_gc, 5);
	ck_assert_uint_eq(sum.last_gc, 10);
	ck_assert_uint_eq(sum.first_line, 5);
	ck_assert_uint_eq(sum.last_line, 10);
	assert_near(sum.first_t, 1, 0);
	assert_near(sum.last_t, 11, 0);
	assert_near(sum.gc_per_s, 0.5, 1e-12); /* 5 intervals over 10 s */
	ck_assert_int_eq(sum.cpu_pct_last, 5);
	ck_assert_int_eq(sum.heap_live_max, MiB(50));
	ck_assert_int_eq(sum.heap_end_max, MiB(62));
	ck_assert_int_eq(sum.heap_start_max, MiB(60));
	ck_assert_int_eq(sum.heap_live_first, MiB(10));
	ck_assert_int_eq(sum.heap_live_last, MiB(45));
	ck_assert_int_eq(sum.goal_max, MiB(100));
	ck_assert_int_eq(sum.goal_last, MiB(90));
	ck_assert_int_eq(sum.stacks_max, MiB(3));
	ck_assert_int_eq(sum.globals_max, MiB(1));
	ck_assert_int_eq(sum.procs_first, 2);
	ck_assert_int_eq(sum.procs_last, 2);
	ck_assert_int_eq(sum.procs_changes, 2);
	gomem_gcstats_free(s);
}
END_TEST

START_TEST(test_slope)
{
	gomem_gctrace_event ev[10];
	gomem_gcstats_summary sum;
	gomem_gcstats *s;

	/* exactly 3 MiB per second: the fit is perfect */
	for (int i = 0; i < 10; i++)
		ev[i] = gc_event(i + 1, 100.0 + i, 0, 0, 0, 7 + 3 * i, 1);
	s = stats_of(ev, 10);
	gomem_gcstats_get(s, &sum);
	assert_near(sum.live_slope, 3.0 * 1048576, 1e-6);
	assert_near(sum.live_slope_r2, 1, 1e-12);
	gomem_gcstats_free(s);

	/* y = 0, 2, 1, 3 at t = 0..3: slope 0.8, R² = 0.64 (by hand) */
	static const int64_t y[] = {0, 2, 1, 3};
	for (int i = 0; i < 4; i++)
		ev[i] = gc_event(i + 1, i, 0, 0, 0, y[i], 1);
	s = stats_of(ev, 4);
	gomem_gcstats_get(s, &sum);
	assert_near(sum.live_slope, 0.8 * 1048576, 1e-6);
	assert_near(sum.live_slope_r2, 0.64, 1e-12);
	gomem_gcstats_free(s);

	/* two points always fit a line: neither a slope nor a fit is claimed */
	s = stats_of(ev, 2);
	gomem_gcstats_get(s, &sum);
	ck_assert(isnan(sum.live_slope));
	ck_assert(isnan(sum.live_slope_r2));
	gomem_gcstats_free(s);
}
END_TEST

/* sum of cpu fields (idle left out) over span x procs */
START_TEST(test_cpu_window)
{
	gomem_gctrace_event ev[2];
	gomem_gcstats_summary sum;
	gomem_gcstats *s;

	for (int i = 0; i < 2; i++) {
		ev[i] = gc_event(i + 1, 10.0 * i, 0.5, 2, 0.5, 1, 4); /* wall 3 s */
		ev[i].cpu_sweep_term = 1;
		ev[i].cpu_assist = 0.5;
		ev[i].cpu_background = 1.5;
		ev[i].cpu_idle = 100; /* not counted */
		ev[i].cpu_mark_term = 1;
	}
	s = stats_of(ev, 2);
	gomem_gcstats_get(s, &sum);
	/* 8 CPU s over 13 s x 4 Ps */
	assert_near(sum.cpu_pct_window, 100.0 * 8 / 52, 1e-9);
	gomem_gcstats_free(s);
	/* one cycle: its own share while it ran is not the program's */
	s = stats_of(ev, 1);
	gomem_gcstats_get(s, &sum);
	ck_assert(isnan(sum.cpu_pct_window));
	ck_assert_int_eq(sum.cpu_pct_last, 1); /* the runtime's own, from the line */
	gomem_gcstats_free(s);
}
END_TEST

START_TEST(test_window)
{
	gomem_gctrace_event ev[50];
	gomem_gcstats_summary sum;
	gomem_gcstats *s;

	for (int i = 0; i < 50; i++)
		ev[i] = gc_event(i + 1, i, (i + 1) * 1e-3, 0, 0, i, 1);
	ck_assert_int_eq(gomem_gcstats_new(&s), GOMEM_OK);
	gomem_gcstats_set_window(s, 9.5, 0); /* t 40..49 stay */
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(gomem_gcstats_add(s, &ev[i]), GOMEM_OK);
	gomem_gcstats_get(s, &sum);
	ck_assert_uint_eq(sum.gcs, 10);
	ck_assert_uint_eq(sum.first_gc, 41);
	assert_near(sum.pause_p50, 45e-3, 1e-12);
	assert_near(sum.pause_max, 50e-3, 1e-12);
	ck_assert_int_eq(sum.heap_live_first, MiB(40));

	gomem_gcstats_set_window(s, 0, 3);
	for (int i = 0; i < 50; i++) {
		ev[i].gc += 50;
		ev[i].t += 50;
		ck_assert_int_eq(gomem_gcstats_add(s, &ev[i]), GOMEM_OK);
	}
	gomem_gcstats_get(s, &sum);
	ck_assert_uint_eq(sum.gcs, 3);
	ck_assert_uint_eq(sum.first_gc, 98);
	ck_assert_uint_eq(sum.last_gc, 100);
	ck_assert(sum.pause_quantile_error == 0);
	/* no window any more: what the window kept becomes the run so far */
	gomem_gcstats_set_window(s, 0, 0);
	ev[0].gc = 101;
	ev[0].t = 101;
	gomem_gcstats_add(s, &ev[0]);
	gomem_gcstats_get(s, &sum);
	ck_assert_uint_eq(sum.gcs, 4);
	ck_assert_uint_eq(sum.first_gc, 98);
	ck_assert_uint_eq(sum.last_gc, 101);
	gomem_gcstats_free(s);
}
END_TEST

/* A run longer than the exact cap: the percentiles come from the sketch,
 * within its 1 % of the exact ones, and the summary says so; the maximum,
 * the total, the counts and the slope stay exact; nothing is kept per GC. */
START_TEST(test_long_run)
{
	size_t n = 100000;
	double *pause = malloc(n * sizeof(*pause)), total = 0;
	gomem_gcstats_summary sum;
	gomem_gcstats *s;
	gomem_gctrace_event ev;
	uint64_t x = 88172645463325252ULL;
	static const double qs[] = {0.5, 0.9, 0.99};

	ck_assert_ptr_nonnull(pause);
	ck_assert_int_eq(gomem_gcstats_new(&s), GOMEM_OK);
	ev = gc_event(1, 0, 0, 2e-3, 0, 0, 2);
	for (size_t i = 0; i < n; i++) {
		double u;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		u = (double)(x >> 11) / 9007199254740992.0;
		/* pauses of 10 us to 100 ms, log-uniform; the marked heap grows
		 * by 1 MiB every 1000 s */
		ev.gc = (int64_t)i + 1;
		ev.t = (double)i;
		ev.stw_sweep_term = 1e-5 * pow(1e4, u) * 0.75;
		ev.stw_mark_term = 1e-5 * pow(1e4, u) * 0.25;
		ev.heap_live = MiB((int64_t)(i / 1000));
		pause[i] = ev.stw_sweep_term + ev.stw_mark_term;
		total += pause[i];
		ck_assert_int_eq(gomem_gcstats_add(s, &ev), GOMEM_OK);
	}
	ck_assert_int_eq(gomem_gcstats_get(s, &sum), GOMEM_OK);
	ck_assert_uint_eq(sum.gcs, n);
	ck_assert(sum.pause_quantile_error == 0.01);
	ck_assert(sum.mark_quantile_error == 0.01);
	qsort(pause, n, sizeof(*pause), cmp_double);
	for (size_t k = 0; k < 3; k++) {
		double want = pause[(size_t)ceil(qs[k] * (double)n) - 1];
		double got = k == 0 ? sum.pause_p50 : k == 1 ? sum.pause_p90 : sum.pause_p99;

		ck_assert_msg(fabs(got - want) <= 0.01 * want, "p%g: %.9g vs exact %.9g", 100 * qs[k], got, want);
	}
	ck_assert(sum.pause_max == pause[n - 1]);
	assert_near(sum.pause_total, total, 1e-9 * total);
	assert_near(sum.mark_p99, 2e-3, 2e-5);
	/* 1 MiB per 1000 s, steps of whole MiB */
	assert_near(sum.live_slope, 1048576.0 / 1000, 1.0);
	ck_assert(sum.live_slope_r2 > 0.999);
	free(pause);
	gomem_gcstats_free(s);

	/* below the cap: exact, and said so */
	ev = gc_event(1, 0, 1e-3, 1e-3, 0, 1, 1);
	s = stats_of(&ev, 1);
	gomem_gcstats_get(s, &sum);
	ck_assert(sum.pause_quantile_error == 0 && sum.mark_quantile_error == 0);
	gomem_gcstats_free(s);
}
END_TEST

START_TEST(test_scav_and_run)
{
	gomem_gctrace_event ev[3];
	gomem_gcstats_summary sum;
	gomem_gcstats *s;
	const char *scav = "scav 0 KiB work, 1160 KiB total, 96% util";

	ck_assert_int_eq(gomem_gctrace_parse_line(&ev[0], scav, strlen(scav)), 1);
	ev[0].run = 4;
	ev[1] = gc_event(1, 0, 1e-3, 0, 0, 1, 1);
	ev[1].run = 4;
	ev[2] = ev[0];
	s = stats_of(ev, 3);
	gomem_gcstats_get(s, &sum);
	ck_assert_uint_eq(sum.run, 4);
	ck_assert_uint_eq(sum.gcs, 1);
	ck_assert_uint_eq(sum.scav_events, 2);
	ck_assert(isnan(sum.gc_per_s));
	gomem_gcstats_free(s);
}
END_TEST

/* ---- the go1.19 corpus runs against RUN_TABLE.md and the .summary files --- */

static const struct {
	const char *run;
	uint64_t gcs;         /* RUN_TABLE "GCs", the .summary numgc */
	int64_t max_heap_mb;  /* RUN_TABLE "max heap MB" (-1: not in the table) */
	int final_pct;        /* RUN_TABLE "final N%" */
	double stw_ms;        /* RUN_TABLE "total STW pause ms (trace)" */
} runs[] = {
	{"gogc100.r1", 31, 183, 1, 3.3},
	{"gogc100.r2", 31, 185, 1, 3.0},
	{"gogc50.r1", 62, 140, 4, 7.1},
	{"gogc50.r2", 55, 150, 5, 11.8},
	{"gogc200.r1", 14, 270, 1, 1.9},
	{"gogc200.r2", 13, 273, 2, 6.3},
	{"off_lim256.r1", 13, 233, 1, 4.0},
	{"off_lim256.r2", 12, 233, 2, 3.8},
	{"gogc100_lim160.r1", 37, 142, 6, 26.0},
	{"gogc100_lim160.r2", 36, 141, 5, 4.8},
	{"gogc100_leak5.r1", 22, 238, 5, 2.9},
	{"gogc100_leak5.r2", 22, 247, 4, 86.2},
	{"gogc100_lim140_leak5.r1", 53, 176, 31, 78.0},
	{"gogc100_lim140_leak5.r2", 63, 144, 29, 26.3},
	/* in the .summary files only */
	{"gogc100.r3", 26, -1, -1, -1},
	{"gogc100.r4", 26, -1, -1, -1},
	{"gogc200.r3", 13, -1, -1, -1},
	{"gogc200.r4", 14, -1, -1, -1},
};

START_TEST(test_corpus_runs)
{
	char rel[256];
	const char *path;
	gomem_gctrace_parser *p;
	gomem_gcstats *s;
	gomem_gcstats_summary sum;
	const gomem_gctrace_event *ev;
	char buf[1000];
	size_t n;
	FILE *f;

	snprintf(rel, sizeof(rel), "gctrace/go1.19-runs/%s.log", runs[_i].run);
	if ((path = test_corpus(rel)) == NULL)
		return;
	ck_assert_ptr_nonnull(f = fopen(path, "rb"));
	ck_assert_int_eq(gomem_gctrace_parser_new(&p, path), GOMEM_OK);
	ck_assert_int_eq(gomem_gcstats_new(&s), GOMEM_OK);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		ck_assert_int_eq(gomem_gctrace_feed(p, buf, n), GOMEM_OK);
		while (gomem_gctrace_next(p, &ev) == 1)
			ck_assert_int_eq(gomem_gcstats_add(s, ev), GOMEM_OK);
	}
	gomem_gctrace_finish(p);
	while (gomem_gctrace_next(p, &ev) == 1)
		ck_assert_int_eq(gomem_gcstats_add(s, ev), GOMEM_OK);
	fclose(f);
	ck_assert_int_eq(gomem_gcstats_get(s, &sum), GOMEM_OK);
	ck_assert_uint_eq(sum.gcs, runs[_i].gcs);
	ck_assert_uint_eq(sum.first_gc, 1);
	ck_assert_uint_eq(sum.last_gc, runs[_i].gcs);
	ck_assert_uint_eq(sum.forced, 0); /* forced=0 in every .summary */
	ck_assert_int_eq(sum.procs_first, 2); /* gomaxprocs=2 */
	ck_assert_int_eq(sum.procs_changes, 0);
	if (runs[_i].max_heap_mb >= 0) {
		ck_assert_int_eq(sum.heap_end_max >> 20, runs[_i].max_heap_mb);
		ck_assert_int_eq(sum.cpu_pct_last, runs[_i].final_pct);
		/* the table rounds to 0.1 ms */
		assert_near(sum.pause_total * 1e3, runs[_i].stw_ms, 0.05 + 1e-9);
	}
	ck_assert(sum.pause_p50 <= sum.pause_p90 && sum.pause_p90 <= sum.pause_p99 &&
		  sum.pause_p99 <= sum.pause_max);
	ck_assert(sum.live_slope > 0); /* every run keeps ~28 MB more by its end */
	gomem_gcstats_free(s);
	gomem_gctrace_parser_free(p);
}
END_TEST

Suite *suite_gcstats(void)
{
	Suite *s = suite_create("gcstats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, test_percentiles);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_rate_heap_procs);
	tcase_add_test(tc, test_slope);
	tcase_add_test(tc, test_cpu_window);
	tcase_add_test(tc, test_window);
	tcase_add_test(tc, test_long_run);
	tcase_add_test(tc, test_scav_and_run);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_loop_test(tc, test_corpus_runs, 0, (int)GOMEM_ARRAY_SIZE(runs));
	suite_add_tcase(s, tc);
	return s;
}
