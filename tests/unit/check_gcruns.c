/* SPDX-License-Identifier: Apache-2.0 */
/* gctrace text into runs (statistics, one per program run) and rows. */
#include <math.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

/* Two runs: the gc counter goes back to 1 (the program restarted), with a
 * line that is not gctrace between. */
static const char two_runs[] =
	"gc 1 @0.010s 1%: 0.040+1.1+0.004 ms clock, 0.080+0.2/0.5/0.1+0.008 ms cpu, "
	"3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	"gc 2 @0.020s 1%: 0.040+1.1+0.004 ms clock, 0.080+0.2/0.5/0.1+0.008 ms cpu, "
	"3->4->2 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	"the program says hello\n"
	"gc 1 @0.005s 0%: 0.040+1.1+0.004 ms clock, 0.080+0.2/0.5/0.1+0.008 ms cpu, "
	"3->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n";

struct seen {
	int events, runs;
	gomem_gcstats_summary last;
};

static int count_event(void *payload, const gomem_gctrace_event *ev)
{
	struct seen *v = payload;

	ck_assert_int_eq(ev->kind, GOMEM_GCTRACE_GC);
	v->events++;
	return GOMEM_OK;
}

static int count_run(void *payload, const gomem_gcstats_summary *run)
{
	struct seen *v = payload;

	v->runs++;
	v->last = *run;
	return GOMEM_OK;
}

START_TEST(runs_split_and_end)
{
	gomem_gcruns_options o = GOMEM_GCRUNS_OPTIONS_INIT;
	gomem_gcstats_summary cur;
	gomem_gctrace_counts counts;
	struct seen v = {0};
	gomem_gcruns *r;
	size_t half = 60; /* a line cut across two feeds */

	o.on_event = count_event;
	o.on_run = count_run;
	o.payload = &v;
	ck_assert_int_eq(gomem_gcruns_new(&r, "two.log", &o), GOMEM_OK);
	ck_assert_int_eq(gomem_gcruns_current(r, &cur), 0);
	ck_assert_int_eq(gomem_gcruns_feed(r, two_runs, half), GOMEM_OK);
	ck_assert_int_eq(gomem_gcruns_feed(r, two_runs + half, strlen(two_runs) - half), GOMEM_OK);
	/* The second run is open: the first ended when it began. */
	ck_assert_int_eq(v.runs, 1);
	ck_assert_uint_eq(v.last.gcs, 2);
	ck_assert_int_eq(v.last.heap_live_last, (int64_t)2 << 20);
	ck_assert_int_eq(gomem_gcruns_current(r, &cur), 1);
	ck_assert_uint_eq(cur.gcs, 1);
	ck_assert_uint_eq(cur.run, 1);
	ck_assert_int_eq(cur.procs_last, 4);
	ck_assert_int_eq(gomem_gcruns_finish(r), GOMEM_OK);
	ck_assert_int_eq(v.runs, 2);
	ck_assert_int_eq(v.events, 3);
	ck_assert_int_eq(gomem_gcruns_current(r, &cur), 0);
	gomem_gctrace_get_counts(gomem_gcruns_parser(r), &counts);
	ck_assert_uint_eq(counts.skipped, 1);
	gomem_gcruns_free(r);
}
END_TEST

/* Events only: no statistics are kept, the runs still end. A truncated log
 * starts over: the line it left unfinished is not glued to the next. */
START_TEST(events_only_and_restart)
{
	gomem_gcruns_options o = GOMEM_GCRUNS_OPTIONS_INIT;
	gomem_gcstats_summary cur;
	struct seen v = {0};
	gomem_gcruns *r;

	o.stats = 0;
	o.on_event = count_event;
	o.on_run = count_run;
	o.payload = &v;
	ck_assert_int_eq(gomem_gcruns_new(&r, "x", &o), GOMEM_OK);
	ck_assert_int_eq(gomem_gcruns_feed(r, two_runs, 30), GOMEM_OK);
	ck_assert_int_eq(gomem_gcruns_restart(r), GOMEM_OK);
	ck_assert_int_eq(gomem_gcruns_feed(r, two_runs, strlen(two_runs)), GOMEM_OK);
	ck_assert_int_eq(gomem_gcruns_finish(r), GOMEM_OK);
	ck_assert_int_eq(v.events, 3);
	ck_assert_int_eq(v.runs, 0); /* no statistics, nothing to hand on */
	ck_assert_int_eq(gomem_gcruns_current(r, &cur), 0);
	gomem_gcruns_free(r);
	o.version = 99;
	ck_assert_int_eq(gomem_gcruns_new(&r, "x", &o), GOMEM_E_INVALID);
	ck_assert_ptr_null(r);
}
END_TEST

/* The --events columns: scripts key on the first ones; the scavenger's
 * only when asked for; one cell per column. */
START_TEST(event_rows)
{
	gomem_column cols[GOMEM_GCTRACE_EVENT_COLUMNS_MAX];
	gomem_cell cells[GOMEM_GCTRACE_EVENT_COLUMNS_MAX];
	gomem_gctrace_parser *p;
	const gomem_gctrace_event *ev;
	static const char *const first[] = {"gc", "t_s", "heap_start_bytes", "heap_end_bytes",
					    "heap_live_bytes", "goal_bytes", "procs", "forced",
					    "line", "file", "run"};
	size_t n = gomem_gctrace_event_columns(cols, 0), nscav;

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(first); i++)
		ck_assert_str_eq(cols[i].name, first[i]);
	nscav = gomem_gctrace_event_columns(cols, GOMEM_GCTRACE_ROWS_SCAV);
	ck_assert_uint_gt(nscav, n);
	ck_assert_uint_le(nscav, GOMEM_GCTRACE_EVENT_COLUMNS_MAX);
	ck_assert_int_eq(gomem_gctrace_parser_new(&p, "x"), GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_feed(p, two_runs, strlen(two_runs)), GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_next(p, &ev), 1);
	ck_assert_uint_eq(gomem_gctrace_event_cells(cells, ev, "x.log", 0), n);
	ck_assert_int_eq(cells[0].i, 1);
	ck_assert_int_eq(cells[4].i, (int64_t)1 << 20);
	ck_assert_str_eq(cells[9].s, "x.log");
	gomem_gctrace_parser_free(p);
}
END_TEST

Suite *suite_gcruns(void)
{
	Suite *s = suite_create("gcruns");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, runs_split_and_end);
	tcase_add_test(tc, events_only_and_restart);
	tcase_add_test(tc, event_rows);
	suite_add_tcase(s, tc);
	return s;
}
