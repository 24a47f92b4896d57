/* SPDX-License-Identifier: Apache-2.0 */
/* check_trace_gc.c — GC cycles and stop-the-worlds from the trace's ranges:
 * a cycle's pauses, mark, assists and heap figures; a pause's reason and
 * time-to-stop and the goroutine it waited for; percentiles by reason; and
 * the runtime's own traces against the gctrace of the same run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"
#include "trace_text.h"

#define NOM "18446744073709551615"

/* One cycle on two procs. P0 (G1) begins it at 200 and stops the world at
 * 210 for sweep termination; P1 (G2 in main.spin) stops at 240, so the
 * pause, over at 260, took 30 ns to stop the world. G1 assists 300-350;
 * mark termination 500-600 resets the heap to 3000, the next goal 6000. */
static const char text[] =
	"Trace Go1.22\n"
	"EventBatch gen=1 m=0 time=100\n"
	"ProcStatus dt=0 p=0 pstatus=1\n"
	"GoStatus dt=1 g=1 m=0 gstatus=2\n"
	"ProcsChange dt=1 procs_value=2 stack=0\n"
	"HeapAlloc dt=1 heapalloc_value=1000\n"
	"HeapGoal dt=1 heapgoal_value=4000\n"
	"GCBegin dt=96 gc_seq=1 stack=0\n"
	"STWBegin dt=10 kind_string=1 stack=0\n"
	"STWEnd dt=50\n"
	"GCMarkAssistBegin dt=40 stack=0\n"
	"GCMarkAssistEnd dt=50\n"
	"HeapAlloc dt=50 heapalloc_value=5000\n"
	"STWBegin dt=100 kind_string=2 stack=0\n"
	"HeapAlloc dt=10 heapalloc_value=3000\n"
	"GCEnd dt=10 gc_seq=2\n"
	"HeapGoal dt=10 heapgoal_value=6000\n"
	"STWEnd dt=70\n"
	"EventBatch gen=1 m=1 time=150\n"
	"ProcStatus dt=0 p=1 pstatus=1\n"
	"GoStatus dt=1 g=2 m=1 gstatus=2\n"
	"GoStop dt=79 reason_string=3 stack=4\n"
	"ProcStop dt=10\n"
	"EventBatch gen=1 m=" NOM " time=0\nFrequency freq=1000000000\n"
	"EventBatch gen=1 m=" NOM " time=0\nStacks\nStack id=4 nframes=1\npc=4096 func=5 file=6 line=7\n"
	"EventBatch gen=1 m=" NOM " time=0\nStrings\n"
	"String id=1\ndata=\"GC sweep termination\"\nString id=2\ndata=\"GC mark termination\"\n"
	"String id=3\ndata=\"preempted\"\nString id=5\ndata=\"main.spin\"\nString id=6\ndata=\"main.go\"\n";

#define NS(x) ((x) * 1e-9)
#define TOL 1e-15

static gomem_trace_analysis *analyze(const char *t)
{
	char err[512];
	gomem_trace_analysis *a = trace_text_analyze(t, NULL, err, sizeof(err));

	ck_assert_msg(a != NULL, "%s", err);
	return a;
}

START_TEST(test_cycle)
{
	gomem_trace_analysis *a = analyze(text);
	const gomem_trace_gc *g;

	ck_assert_uint_eq(gomem_trace_gc_count(a), 1);
	g = gomem_trace_gc_at(a, 0);
	ck_assert_int_eq(g->gc, 1);
	ck_assert_int_eq(g->seq, 1);
	ck_assert_double_eq_tol(g->t, NS(100), TOL);
	ck_assert_double_eq_tol(g->stw_sweep_term, NS(50), TOL);
	ck_assert_double_eq_tol(g->concurrent_mark, NS(240), TOL);
	ck_assert_double_eq_tol(g->stw_mark_term, NS(100), TOL);
	ck_assert_double_eq_tol(g->wall, NS(400), TOL);
	ck_assert_double_eq_tol(g->assist, NS(50), TOL);
	ck_assert_double_eq_tol(g->assist_wall, NS(50), TOL);
	ck_assert_uint_eq(g->assists, 1);
	ck_assert_int_eq(g->heap_start, 1000);
	ck_assert_int_eq(g->heap_end, 5000);
	ck_assert_int_eq(g->heap_live, 3000);
	ck_assert_int_eq(g->goal, 4000);
	ck_assert_int_eq(g->procs, 2);
	gomem_trace_analysis_free(a);
}
END_TEST

START_TEST(test_stop_the_world)
{
	gomem_trace_analysis *a = analyze(text);
	const gomem_trace_stw *w;
	const gomem_trace_laggard *l;
	const gomem_trace_summary *s = gomem_trace_analysis_summary(a);

	ck_assert_uint_eq(gomem_trace_stw_count(a), 2);
	w = gomem_trace_stw_at(a, 0);
	ck_assert_str_eq(w->reason, "GC sweep termination");
	ck_assert_double_eq_tol(w->t, NS(110), TOL);
	ck_assert_double_eq_tol(w->duration, NS(50), TOL);
	ck_assert_double_eq_tol(w->time_to_stop, NS(30), TOL);
	ck_assert_int_eq(w->procs_stopped, 1);
	ck_assert_int_eq(w->laggard_g, 2);
	ck_assert_str_eq(w->laggard_func, "main.spin");
	ck_assert_int_eq(w->gc_cycle, 1);
	ck_assert_int_eq(w->g, 1);
	w = gomem_trace_stw_at(a, 1);
	ck_assert_str_eq(w->reason, "GC mark termination");
	ck_assert_msg(isnan(w->time_to_stop), "no proc ran: nothing to stop");
	ck_assert_ptr_null(w->laggard_func);
	/* the longest first */
	ck_assert_str_eq(gomem_trace_longest_stw_at(a, 0)->reason, "GC mark termination");
	ck_assert_uint_eq(gomem_trace_laggard_count(a), 1);
	l = gomem_trace_laggard_at(a, 0);
	ck_assert_int_eq(l->g, 2);
	ck_assert_double_eq_tol(l->ran, NS(30), TOL);
	ck_assert_double_eq_tol(l->run, NS(89), TOL);
	ck_assert_str_eq(l->func, "main.spin");
	ck_assert_str_eq(l->stack, "main.spin");
	ck_assert_uint_eq(gomem_trace_stw_reason_count(a), 2);
	ck_assert_uint_eq(s->stw.count, 2);
	ck_assert_double_eq_tol(s->stw.max, NS(100), TOL);
	ck_assert_double_eq_tol(s->stw.total, NS(150), TOL);
	ck_assert_double_eq_tol(s->time_to_stop.max, NS(30), TOL);
	ck_assert_int_eq(s->heap_peak, 5000);
	ck_assert_int_eq(s->goal_peak, 6000);
	ck_assert_int_eq(s->procs_max, 2);
	gomem_trace_analysis_free(a);
}
END_TEST

/* One cycle, GOMAXPROCS said inside it (as in a trace taken mid-run); TAIL
 * goes at the end of M0's batch. */
#define ONE_CYCLE(tail) \
	"Trace Go1.22\n" \
	"EventBatch gen=1 m=0 time=100\n" \
	"ProcStatus dt=0 p=0 pstatus=1\n" \
	"GoStatus dt=1 g=1 m=0 gstatus=2\n" \
	"GCBegin dt=10 gc_seq=1 stack=0\n" \
	"STWBegin dt=10 kind_string=1 stack=0\n" \
	"ProcsChange dt=1 procs_value=3 stack=0\n" \
	"STWEnd dt=50\n" \
	"STWBegin dt=100 kind_string=2 stack=0\n" \
	"GCEnd dt=10 gc_seq=2\n" \
	"STWEnd dt=70\n" tail \
	"EventBatch gen=1 m=" NOM " time=0\nFrequency freq=1000000000\n" \
	"EventBatch gen=1 m=" NOM " time=0\nStrings\n" \
	"String id=1\ndata=\"GC sweep termination\"\nString id=2\ndata=\"GC mark termination\"\n"

/* A trace taken from a running program (/debug/pprof/trace) says
 * GOMAXPROCS first inside the cycle that is beginning: the cycle has it. */
START_TEST(test_procs_said_inside_cycle)
{
	gomem_trace_analysis *a = analyze(ONE_CYCLE(""));

	ck_assert_uint_eq(gomem_trace_gc_count(a), 1);
	ck_assert_int_eq(gomem_trace_gc_at(a, 0)->procs, 3);
	ck_assert_uint_eq(gomem_trace_analysis_summary(a)->gc_cycles, 1);
	gomem_trace_analysis_free(a);
}
END_TEST

/* A cycle the trace's end cuts short has its row, but the count is the
 * runtime's (NumGC, gctrace lines): cycles whose mark phase ended. */
START_TEST(test_cycle_cut_short_not_counted)
{
	gomem_trace_analysis *a = analyze(ONE_CYCLE("GCBegin dt=100 gc_seq=3 stack=0\n"));

	gomem_error err = {0};
	char *report = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&report, &len);

	ck_assert_uint_eq(gomem_trace_gc_count(a), 2);
	ck_assert_msg(isnan(gomem_trace_gc_at(a, 1)->wall), "no end");
	ck_assert_uint_eq(gomem_trace_analysis_summary(a)->gc_cycles, 1);
	ck_assert_int_eq(gomem_trace_write_report(a, "t", fp, 0, &err), GOMEM_OK);
	fclose(fp);
	ck_assert_msg(strstr(report, "GC          1 cycles (+1 cut short by the trace's end): ") != NULL, "%s",
		      report);
	free(report);
	gomem_trace_analysis_free(a);
}
END_TEST

/* Figures by name, as gates and the one-row summary use them. */
START_TEST(test_figures)
{
	gomem_trace_analysis *a = analyze(text);
	const gomem_trace_figure *f = gomem_trace_figure_find(a, "stw.max");
	char name[32];

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->column, "stw_max_s");
	ck_assert_int_eq(f->unit, GOMEM_TRACE_FIG_SECONDS);
	ck_assert_double_eq_tol(f->value, NS(100), TOL);
	f = gomem_trace_figure_find(a, "mmu.10ms");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->lower_is_worse, 1);
	ck_assert_ptr_null(gomem_trace_figure_find(a, "mmu.2ms"));
	ck_assert_double_eq(gomem_trace_figure_find(a, "heap.peak")->value, 5000);
	gomem_trace_window_name(name, sizeof(name), 1500);
	ck_assert_str_eq(name, "1500ns");
	gomem_trace_window_name(name, sizeof(name), 60000000000);
	ck_assert_str_eq(name, "1m");
	gomem_trace_analysis_free(a);
}
END_TEST

/* The runtime's trace and its gctrace from one run: the same cycles and
 * heap figures (gctrace prints MiB, truncated). */
START_TEST(test_runtime_cycles)
{
	static const int want[3][4] = {{3, 4, 3, 4}, {6, 7, 5, 7}, {9, 10, 8, 11}};
	gomem_trace_analysis *a = NULL;
	gomem_source *src;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open(&src, test_path("tests/data/trace/go1.22-alloc.trace"), NULL, &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_trace_analyze(&a, src, NULL, &err), GOMEM_OK);
	gomem_source_free(src);
	ck_assert_uint_eq(gomem_trace_gc_count(a), 3);
	for (size_t i = 0; i < 3; i++) {
		const gomem_trace_gc *g = gomem_trace_gc_at(a, i);

		ck_assert_int_eq(g->heap_start >> 20, want[i][0]);
		ck_assert_int_eq(g->heap_end >> 20, want[i][1]);
		ck_assert_int_eq(g->heap_live >> 20, want[i][2]);
		ck_assert_int_eq(g->goal >> 20, want[i][3]);
		ck_assert_int_eq(g->procs, 2);
	}
	gomem_trace_analysis_free(a);
}
END_TEST

/* What the world waited for in the runtime's own trace (README.md). */
START_TEST(test_runtime_laggards)
{
	gomem_trace_analysis *a = NULL;
	gomem_source *src;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open(&src, test_path("tests/data/trace/go1.23-loop.trace"), NULL, &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_trace_analyze(&a, src, NULL, &err), GOMEM_OK);
	gomem_source_free(src);
	ck_assert_uint_eq(gomem_trace_laggard_count(a), 3);
	ck_assert_int_eq(gomem_trace_laggard_at(a, 0)->g, 17);
	ck_assert_str_eq(gomem_trace_laggard_at(a, 0)->func, "main.loop.func1");
	ck_assert_int_eq(gomem_trace_laggard_at(a, 1)->g, 9);
	ck_assert_double_eq_tol(gomem_trace_laggard_at(a, 1)->ran, 0.0132, 0.0001);
	ck_assert_int_eq(gomem_trace_laggard_at(a, 2)->g, -1);
	gomem_trace_analysis_free(a);
}
END_TEST

Suite *suite_trace_gc(void)
{
	Suite *s = suite_create("trace_gc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cycle);
	tcase_add_test(tc, test_stop_the_world);
	tcase_add_test(tc, test_procs_said_inside_cycle);
	tcase_add_test(tc, test_cycle_cut_short_not_counted);
	tcase_add_test(tc, test_figures);
	tcase_add_test(tc, test_runtime_cycles);
	tcase_add_test(tc, test_runtime_laggards);
	suite_add_tcase(s, tc);
	return s;
}
