/* SPDX-License-Identifier: Apache-2.0 */
/* check_trace_mmu.c — mutator utilization and MMU as go tool trace computes
 * them: windows that meet a pause, an assist on one of two procs, a window
 * longer than the trace, per-proc series, and the window Go measures past a
 * series' end; and the percentile sketch, exact and then within 0.1 %. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"
#include "trace_text.h"
#include "trace/trace-analysis.h"

#define NOM "18446744073709551615"

/* Two procs; GC pauses 210-260 and 500-600; G1 assists 300-350 on P0; the
 * trace ends with the sync at 601. */
static const char text[] =
	"Trace Go1.22\n"
	"EventBatch gen=1 m=0 time=100\n"
	"ProcStatus dt=0 p=0 pstatus=1\n"
	"GoStatus dt=1 g=1 m=0 gstatus=2\n"
	"ProcsChange dt=1 procs_value=2 stack=0\n"
	"GCBegin dt=98 gc_seq=1 stack=0\n"
	"STWBegin dt=10 kind_string=1 stack=0\n"
	"STWEnd dt=50\n"
	"GCMarkAssistBegin dt=40 stack=0\n"
	"GCMarkAssistEnd dt=50\n"
	"STWBegin dt=150 kind_string=2 stack=0\n"
	"GCEnd dt=10 gc_seq=2\n"
	"STWEnd dt=90\n"
	"EventBatch gen=1 m=" NOM " time=0\nFrequency freq=1000000000\n"
	"EventBatch gen=1 m=" NOM " time=0\nStrings\n"
	"String id=1\ndata=\"GC sweep termination\"\nString id=2\ndata=\"GC mark termination\"\n";

static double mmu_of(const char *t, unsigned flags, int64_t window)
{
	gomem_trace_options o = GOMEM_TRACE_OPTIONS_INIT;
	gomem_trace_analysis *a;
	char err[512];
	double v;

	o.util_flags = flags;
	o.mmu_windows = &window;
	o.nmmu_windows = 1;
	a = trace_text_analyze(t, &o, err, sizeof(err));
	ck_assert_msg(a != NULL, "%s", err);
	ck_assert_uint_eq(gomem_trace_mmu_count(a), 1);
	ck_assert_int_eq(gomem_trace_mmu_at(a, 0)->window, window);
	v = gomem_trace_mmu_at(a, 0)->mmu;
	gomem_trace_analysis_free(a);
	return v;
}

START_TEST(test_windows)
{
	unsigned d = GOMEM_TRACE_UTIL_DEFAULT;

	ck_assert_double_eq(mmu_of(text, d, 50), 0);
	ck_assert_double_eq(mmu_of(text, d, 100), 0);
	/* 50 ns at 1 then the 100 ns pause */
	ck_assert_double_eq_tol(mmu_of(text, d, 150), 50.0 / 150, 1e-15);
	/* [201, 601]: 9 + 40 + 25 (the assist takes half) + 150 + 1 */
	ck_assert_double_eq_tol(mmu_of(text, d, 400), 225.0 / 400, 1e-15);
	/* longer than the trace: the trace's own mean over [102, 601] */
	ck_assert_double_eq_tol(mmu_of(text, d, 1000000000), 324.0 / 499, 1e-15);
	/* without assists the 50 ns window there is whole */
	ck_assert_double_eq_tol(mmu_of(text, GOMEM_TRACE_UTIL_STW, 400), 250.0 / 400, 1e-15);
	/* per proc: P0's series has the pauses and the assist */
	ck_assert_double_eq(mmu_of(text, d | GOMEM_TRACE_UTIL_PERPROC, 50), 0);
	ck_assert_double_eq_tol(mmu_of(text, d | GOMEM_TRACE_UTIL_PERPROC, 400), 200.0 / 400, 1e-15);
	/* nothing counted: all mutator */
	ck_assert_double_eq(mmu_of(text, GOMEM_TRACE_UTIL_SWEEP, 100), 1);
}
END_TEST

/* Eight steps over 499 ns make eight bands of 63 ns; for a 1 ns window the
 * last band Go looks at starts at 606, past the end (601), where the
 * utilization is 0: Go's MMU is 0 although no 1 ns window inside the trace
 * is below 0.5. */
START_TEST(test_past_the_end)
{
	static const char t[] =
		"Trace Go1.22\n"
		"EventBatch gen=1 m=0 time=100\n"
		"ProcStatus dt=0 p=0 pstatus=1\n"
		"GoStatus dt=1 g=1 m=0 gstatus=2\n"
		"ProcsChange dt=1 procs_value=2 stack=0\n"
		"GCMarkAssistBegin dt=198 stack=0\n"
		"GCMarkAssistEnd dt=300\n"
		"EventBatch gen=1 m=" NOM " time=0\nFrequency freq=1000000000\n";

	ck_assert_double_eq(mmu_of(t, GOMEM_TRACE_UTIL_DEFAULT, 1), 0);
	ck_assert_double_eq(mmu_of(t, GOMEM_TRACE_UTIL_DEFAULT, 2), 0.5);
}
END_TEST

START_TEST(test_flags)
{
	unsigned f;

	ck_assert_int_eq(gomem_trace_util_flags_parse(&f, "stw|background|assist"), GOMEM_OK);
	ck_assert_uint_eq(f, GOMEM_TRACE_UTIL_DEFAULT);
	ck_assert_int_eq(gomem_trace_util_flags_parse(&f, "perProc,sweep"), GOMEM_OK);
	ck_assert_uint_eq(f, GOMEM_TRACE_UTIL_PERPROC | GOMEM_TRACE_UTIL_SWEEP);
	ck_assert_int_eq(gomem_trace_util_flags_parse(&f, "stw|mut"), GOMEM_E_INVALID);
}
END_TEST

START_TEST(test_pct_exact)
{
	gomem_sketch *p;
	gomem_trace_dist d;

	ck_assert_int_eq(ag_sketch_new(&p, 100), GOMEM_OK);
	for (int i = 10; i >= 1; i--)
		ck_assert_int_eq(ag_sketch_add(p, i * 1000), GOMEM_OK);
	ag_sketch_dist(p, &d);
	ck_assert_uint_eq(d.count, 10);
	ck_assert_double_eq(d.p50, 5e-6);
	ck_assert_double_eq(d.p90, 9e-6);
	ck_assert_double_eq(d.p99, 10e-6);
	ck_assert_double_eq(d.max, 10e-6);
	ck_assert_double_eq_tol(d.total, 55e-6, 1e-18);
	gomem_sketch_clear(p);
	ag_sketch_dist(p, &d);
	ck_assert_uint_eq(d.count, 0);
	ck_assert(isnan(d.p50) && isnan(d.max));
	gomem_sketch_free(p);
}
END_TEST

/* Past its exact capacity the trace's sketch holds buckets, not values,
 * within 0.05 % (as the log-linear histogram it replaced), in far fewer
 * bytes than the values. */
START_TEST(test_pct_folded)
{
	gomem_sketch *p;
	double v;
	int rc = GOMEM_OK;

	ck_assert_int_eq(ag_sketch_new(&p, 1000), GOMEM_OK);
	for (int64_t ns = 1; ns <= 1000000; ns++)
		rc |= ag_sketch_add(p, ns); /* one check after: Check's per-call cost is high */
	ck_assert_int_eq(rc, GOMEM_OK);
	ck_assert(!gomem_sketch_exact(p));
	ck_assert_uint_le(gomem_sketch_bytes(p), 2u * 14000 * 8); /* 13816 buckets, grown by doubling */
	ck_assert_int_eq(gomem_sketch_quantile(p, 0.5, &v), GOMEM_OK);
	ck_assert_double_eq_tol(v, 500000, 250);
	ck_assert_int_eq(gomem_sketch_quantile(p, 0.99, &v), GOMEM_OK);
	ck_assert_double_eq_tol(v, 990000, 495);
	ck_assert_int_eq(gomem_sketch_quantile(p, 1, &v), GOMEM_OK);
	ck_assert_double_eq(v, 1000000);
	ck_assert_int_eq(gomem_sketch_quantile(p, 0.0005, &v), GOMEM_OK);
	ck_assert_double_eq_tol(v, 500, 0.25);
	/* a negative duration (a clock stepped back) is a zero wait */
	ck_assert_int_eq(ag_sketch_add(p, -5), GOMEM_OK);
	ck_assert_double_eq(gomem_sketch_min(p), 0);
	gomem_sketch_free(p);
}
END_TEST

Suite *suite_trace_mmu(void)
{
	Suite *s = suite_create("trace_mmu");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_windows);
	tcase_add_test(tc, test_past_the_end);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_pct_exact);
	tcase_add_test(tc, test_pct_folded);
	suite_add_tcase(s, tc);
	return s;
}
