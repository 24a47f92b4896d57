/* SPDX-License-Identifier: Apache-2.0 */
/* check_trace_state.c — goroutines through their states: runnable to
 * running as scheduling latency, keyed by the stack the goroutine waited
 * at, the go statement that made it or the function it started in; the
 * counts by state; latency as collapsed stacks and as a profile.proto. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"
#include "trace_text.h"

#define NOM "18446744073709551615"

/* G1 (in main.f, called by main.main) makes G2 (main.worker) at 110 and
 * blocks at 120; G2 runs at 150 (waited 40 ns at its start), wakes G1 at
 * 200 and blocks at 250; G1 runs at 260 (waited 60 ns where it blocked). */
static const char text[] =
	"Trace Go1.22\n"
	"EventBatch gen=1 m=0 time=100\n"
	"ProcStatus dt=0 p=0 pstatus=1\n"
	"GoStatus dt=1 g=1 m=0 gstatus=2\n"
	"GoCreate dt=9 new_g=2 new_stack=2 stack=1\n"
	"GoBlock dt=10 reason_string=1 stack=1\n"
	"GoStart dt=30 g=2 g_seq=1\n"
	"GoUnblock dt=50 g=1 g_seq=1 stack=3\n"
	"GoBlock dt=50 reason_string=1 stack=3\n"
	"GoStart dt=10 g=1 g_seq=2\n"
	"GoDestroy dt=40\n"
	"EventBatch gen=1 m=" NOM " time=0\nFrequency freq=1000000000\n"
	"EventBatch gen=1 m=" NOM " time=0\nStacks\n"
	"Stack id=1 nframes=2\npc=4096 func=3 file=4 line=10\npc=8192 func=5 file=4 line=20\n"
	"Stack id=2 nframes=1\npc=12288 func=6 file=4 line=30\n"
	"Stack id=3 nframes=1\npc=16384 func=6 file=4 line=31\n"
	"EventBatch gen=1 m=" NOM " time=0\nStrings\n"
	"String id=1\ndata=\"chan receive\"\nString id=3\ndata=\"main.f\"\nString id=4\ndata=\"main.go\"\n"
	"String id=5\ndata=\"main.main\"\nString id=6\ndata=\"main.worker\"\n";

static gomem_trace_analysis *analyze(gomem_trace_by by)
{
	gomem_trace_options o = GOMEM_TRACE_OPTIONS_INIT;
	gomem_trace_analysis *a;
	char err[512];

	o.by = by;
	a = trace_text_analyze(text, &o, err, sizeof(err));
	ck_assert_msg(a != NULL, "%s", err);
	return a;
}

static void assert_row(const gomem_trace_analysis *a, size_t i, const char *key, double total)
{
	const gomem_trace_latency_row *r = gomem_trace_latency_at(a, i);

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->key, key);
	ck_assert_uint_eq(r->count, 1);
	ck_assert_double_eq_tol(r->total, total, 1e-15);
	ck_assert_double_eq_tol(r->max, total, 1e-15);
}

START_TEST(test_latency_by_stack)
{
	gomem_trace_analysis *a = analyze(GOMEM_TRACE_BY_STACK);
	const gomem_trace_summary *s = gomem_trace_analysis_summary(a);

	ck_assert_uint_eq(gomem_trace_latency_count(a), 2);
	assert_row(a, 0, "main.main;main.f", 60e-9);
	assert_row(a, 1, "main.worker", 40e-9);
	ck_assert_uint_eq(s->latency.count, 2);
	ck_assert_double_eq_tol(s->latency.p50, 40e-9, 1e-15);
	ck_assert_double_eq_tol(s->latency.p99, 60e-9, 1e-15);
	ck_assert_double_eq_tol(s->latency.max, 60e-9, 1e-15);
	gomem_trace_analysis_free(a);
}
END_TEST

START_TEST(test_latency_by_creator_and_function)
{
	gomem_trace_analysis *a = analyze(GOMEM_TRACE_BY_CREATOR);

	/* G1 existed before the trace: who made it is not known */
	assert_row(a, 0, "(unknown)", 60e-9);
	assert_row(a, 1, "main.main;main.f", 40e-9);
	gomem_trace_analysis_free(a);
	a = analyze(GOMEM_TRACE_BY_FUNCTION);
	assert_row(a, 0, "(unknown)", 60e-9);
	assert_row(a, 1, "main.worker", 40e-9);
	gomem_trace_analysis_free(a);
}
END_TEST

/* Counts by state: G1 and G2 over [100, 301]. */
START_TEST(test_states)
{
	gomem_trace_analysis *a = analyze(GOMEM_TRACE_BY_STACK);
	const gomem_trace_summary *s = gomem_trace_analysis_summary(a);
	double dur = 201;

	ck_assert_uint_eq(s->goroutines, 2);
	ck_assert_uint_eq(s->goroutines_created, 1);
	ck_assert_uint_eq(s->state_max[GOMEM_TRACE_GO_RUNNING], 1);
	ck_assert_uint_eq(s->state_max[GOMEM_TRACE_GO_WAITING], 1);
	ck_assert_uint_eq(s->state_max[GOMEM_TRACE_GO_RUNNABLE], 1);
	/* running: G1 101-120, G2 150-250, G1 260-300 */
	ck_assert_double_eq_tol(s->state_mean[GOMEM_TRACE_GO_RUNNING], (19.0 + 100 + 40) / dur, 1e-12);
	/* runnable: G2 110-150, G1 200-260 */
	ck_assert_double_eq_tol(s->state_mean[GOMEM_TRACE_GO_RUNNABLE], 100.0 / dur, 1e-12);
	ck_assert_uint_eq(s->events, 10);
	ck_assert_double_eq_tol(s->duration, 201e-9, 1e-18);
	gomem_trace_analysis_free(a);
}
END_TEST

START_TEST(test_folded)
{
	gomem_trace_analysis *a = analyze(GOMEM_TRACE_BY_FUNCTION);
	gomem_error err = {0};
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	/* folded is by stack whatever --by says */
	ck_assert_int_eq(gomem_trace_write_folded(a, GOMEM_TRACE_PROFILE_LATENCY, fp, &err), GOMEM_OK);
	fclose(fp);
	ck_assert_str_eq(buf, "main.main;main.f 60\nmain.worker 40\n");
	free(buf);
	gomem_trace_analysis_free(a);
}
END_TEST

START_TEST(test_pprof)
{
	gomem_trace_analysis *a = analyze(GOMEM_TRACE_BY_STACK);
	gomem_error err = {0};
	gomem_profile *p;
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	int64_t total = 0, count = 0;
	const char *unit;

	ck_assert_int_eq(gomem_trace_write_pprof(a, GOMEM_TRACE_PROFILE_LATENCY, fp, &err), GOMEM_OK);
	fclose(fp);
	ck_assert_int_eq(gomem_profile_from_buffer(&p, buf, size, "t", &err), GOMEM_OK);
	ck_assert_uint_eq(gomem_profile_sample_type_count(p), 2);
	ck_assert_str_eq(gomem_profile_sample_type(p, 1, &unit), "delay");
	ck_assert_str_eq(unit, "nanoseconds");
	for (size_t i = 0; i < gomem_profile_sample_count(p); i++) {
		count += gomem_profile_sample_values(p, i)[0];
		total += gomem_profile_sample_values(p, i)[1];
	}
	ck_assert_int_eq(count, 2);
	ck_assert_int_eq(total, 100);
	ck_assert_uint_eq(gomem_profile_function_count(p), 3);
	gomem_profile_free(p);
	free(buf);
	gomem_trace_analysis_free(a);
}
END_TEST

/* Intervals as they close, for timelines. */
static void collect(const gomem_trace_interval *iv, void *payload)
{
	char *s = payload;

	if (iv->kind == GOMEM_TRACE_IV_PROC_RUN)
		snprintf(s + strlen(s), 256 - strlen(s), "p%lld:g%lld:%lld-%lld ", (long long)iv->id,
			 (long long)iv->g, (long long)iv->start, (long long)iv->end);
}

START_TEST(test_intervals)
{
	gomem_trace_options o = GOMEM_TRACE_OPTIONS_INIT;
	gomem_trace_analysis *a;
	char runs[256] = "", err[512];

	o.on_interval = collect;
	o.payload = runs;
	a = trace_text_analyze(text, &o, err, sizeof(err));
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(runs, "p0:g1:1-20 p0:g2:50-150 p0:g1:160-200 ");
	gomem_trace_analysis_free(a);
}
END_TEST

Suite *suite_trace_state(void)
{
	Suite *s = suite_create("trace_state");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_latency_by_stack);
	tcase_add_test(tc, test_latency_by_creator_and_function);
	tcase_add_test(tc, test_states);
	tcase_add_test(tc, test_folded);
	tcase_add_test(tc, test_pprof);
	tcase_add_test(tc, test_intervals);
	suite_add_tcase(s, tc);
	return s;
}
