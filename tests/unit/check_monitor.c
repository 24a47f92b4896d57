/* SPDX-License-Identifier: Apache-2.0 */
/* The model of gomem top: sources, rows, order, history, endpoints. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gomem-internal.h"
#include "live/monitor-internal.h"
#include "suites.h"

/* Real Go 1.19 lines (corpus gogc50.r1.log), and one that is not gctrace. */
static const char three_gcs[] =
	"gc 1 @0.008s 8%: 0.013+6.8+0.004 ms clock, 0.026+0.43/2.2/2.6+0.009 ms cpu, "
	"3->5->4 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	"hello from the program\n"
	"gc 2 @0.021s 12%: 0.016+23+0.23 ms clock, 0.033+6.7/1.3/0.18+0.46 ms cpu, "
	"8->16->16 MB, 10 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	"gc 3 @0.064s 12%: 0.017+39+1.2 ms clock, 0.035+1.2/11/1.0+2.4 ms cpu, "
	"27->34->34 MB, 32 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";

static const char one_gc[] =
	"gc 7 @1.500s 3%: 0.010+2.0+0.020 ms clock, 0.02+0.1/1.0/2.0+0.04 ms cpu, "
	"100->110->90 MB, 200 MB goal, 0 MB stacks, 0 MB globals, 4 P\n";

static gomem_monitor *new_monitor(void)
{
	gomem_monitor *m;

	ck_assert_int_eq(gomem_monitor_new(&m, NULL), GOMEM_OK);
	return m;
}

START_TEST(buffer_source_row)
{
	gomem_monitor *m = new_monitor();
	const gomem_monitor_row *r;
	const gomem_monitor_point *p;

	ck_assert_int_eq(gomem_monitor_add_buffer(m, "/var/log/app.log", three_gcs, strlen(three_gcs)),
			 GOMEM_OK);
	ck_assert_uint_eq(gomem_monitor_row_count(m), 1);
	ck_assert_int_eq(gomem_monitor_tick(m, 100.0), GOMEM_OK);
	r = gomem_monitor_row_at(m, 0);
	ck_assert_str_eq(r->name, "app.log");
	ck_assert_str_eq(r->spec, "/var/log/app.log");
	ck_assert_int_eq(r->kind, GOMEM_MONITOR_FILE);
	ck_assert_int_eq(r->state, GOMEM_MONITOR_ENDED);
	ck_assert_int_eq(r->gcs, 3);
	ck_assert_int_eq(r->heap_live, (int64_t)34 << 20);
	ck_assert_int_eq(r->heap_goal, (int64_t)32 << 20);
	ck_assert_double_eq_tol(r->pause_last, (0.017 + 1.2) / 1e3, 1e-12);
	ck_assert_double_eq_tol(r->pause_p99, (0.017 + 1.2) / 1e3, 1e-12); /* nearest rank of 3 */
	ck_assert(!isnan(r->gc_per_s) && r->gc_per_s > 0);
	ck_assert(!isnan(r->heap_slope) && r->heap_slope > 0); /* 4 -> 16 -> 34 MiB */
	ck_assert_int_eq(r->goroutines, -1);
	ck_assert_uint_eq(r->lines, 4);
	ck_assert_uint_eq(r->skipped, 1);
	ck_assert_double_eq_tol(r->age, 0, 1e-9);
	ck_assert_str_eq(r->message, "");

	ck_assert_uint_eq(gomem_monitor_history_count(m, 0), 3);
	p = gomem_monitor_history_at(m, 0, 0);
	ck_assert_int_eq(p->gc, 1);
	ck_assert_double_eq_tol(p->t, 0.008, 1e-12);
	ck_assert_int_eq(p->heap_start, (int64_t)3 << 20);
	ck_assert_int_eq(p->heap_end, (int64_t)5 << 20);
	ck_assert_int_eq(p->heap_live, (int64_t)4 << 20);
	ck_assert_int_eq(p->goal, (int64_t)4 << 20);
	ck_assert_int_eq(p->procs, 2);
	ck_assert_double_eq_tol(p->cpu_pct, 8, 1e-12);
	ck_assert_double_eq_tol(p->when, 100.0, 1e-12);
	ck_assert_ptr_null(gomem_monitor_history_at(m, 0, 3));
	ck_assert(gomem_monitor_all_ended(m));

	/* Time passes: the age grows, nothing else moves. */
	ck_assert_int_eq(gomem_monitor_tick(m, 107.5), GOMEM_OK);
	r = gomem_monitor_row_at(m, 0);
	ck_assert_double_eq_tol(r->age, 7.5, 1e-9);
	ck_assert_int_eq(r->gcs, 3);
	gomem_monitor_free(m);
}
END_TEST

START_TEST(empty_source_is_unknown)
{
	gomem_monitor *m = new_monitor();
	const gomem_monitor_row *r;

	ck_assert_int_eq(gomem_monitor_add_buffer(m, "quiet.log", "no gc here\n", 11), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 1.0), GOMEM_OK);
	r = gomem_monitor_row_at(m, 0);
	ck_assert_int_eq(r->gcs, -1);
	ck_assert(isnan(r->gc_per_s) && isnan(r->pause_last) && isnan(r->age));
	ck_assert_int_eq(r->heap_live, -1);
	ck_assert_uint_eq(r->skipped, 1);
	ck_assert_uint_eq(gomem_monitor_history_count(m, 0), 0);
	gomem_monitor_free(m);
}
END_TEST

START_TEST(history_ring_keeps_the_last)
{
	gomem_monitor_options o = GOMEM_MONITOR_OPTIONS_INIT;
	gomem_monitor *m;
	gomem_buf text;

	o.history = 4;
	ck_assert_int_eq(gomem_monitor_new(&m, &o), GOMEM_OK);
	gomem_buf_init(&text, 1 << 20);
	for (int i = 1; i <= 10; i++)
		ck_assert_int_eq(gomem_buf_printf(&text,
						  "gc %d @%d.000s 1%%: 0.01+1.0+0.02 ms clock, "
						  "0.02+0.1/1.0/2.0+0.04 ms cpu, %d->%d->%d MB, %d MB goal, "
						  "0 MB stacks, 0 MB globals, 2 P\n",
						  i, i, i, i + 1, i, 2 * i), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add_buffer(m, "ring.log", text.data, text.len), GOMEM_OK);
	gomem_buf_free(&text);
	ck_assert_int_eq(gomem_monitor_tick(m, 0), GOMEM_OK);
	ck_assert_uint_eq(gomem_monitor_history_count(m, 0), 4);
	ck_assert_int_eq(gomem_monitor_history_at(m, 0, 0)->gc, 7);
	ck_assert_int_eq(gomem_monitor_history_at(m, 0, 3)->gc, 10);
	ck_assert_int_eq(gomem_monitor_row_at(m, 0)->gcs, 10);
	ck_assert_double_eq_tol(gomem_monitor_row_at(m, 0)->gc_per_s, 1.0, 1e-9);
	/* 1 MiB per second, as the lines say */
	ck_assert_double_eq_tol(gomem_monitor_row_at(m, 0)->heap_slope, 1 << 20, 1e-3);
	gomem_monitor_free(m);
}
END_TEST

START_TEST(sort_orders_rows)
{
	gomem_monitor *m = new_monitor();
	gomem_monitor_totals t;

	ck_assert_int_eq(gomem_monitor_add_buffer(m, "b.log", three_gcs, strlen(three_gcs)), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add_buffer(m, "a.log", one_gc, strlen(one_gc)), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add_buffer(m, "c.log", "", 0), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 5), GOMEM_OK);

	ck_assert_str_eq(gomem_monitor_row_at(m, 0)->name, "b.log"); /* order given */
	gomem_monitor_sort(m, GOMEM_MONITOR_SORT_NAME, 0);
	ck_assert_str_eq(gomem_monitor_row_at(m, 0)->name, "a.log");
	ck_assert_str_eq(gomem_monitor_row_at(m, 2)->name, "c.log");
	gomem_monitor_sort(m, GOMEM_MONITOR_SORT_HEAP, 1);
	ck_assert_str_eq(gomem_monitor_row_at(m, 0)->name, "a.log"); /* 90 MiB */
	ck_assert_str_eq(gomem_monitor_row_at(m, 1)->name, "b.log"); /* 34 MiB */
	ck_assert_str_eq(gomem_monitor_row_at(m, 2)->name, "c.log"); /* unknown: last */
	gomem_monitor_sort(m, GOMEM_MONITOR_SORT_HEAP, 0);
	ck_assert_str_eq(gomem_monitor_row_at(m, 0)->name, "b.log");
	ck_assert_str_eq(gomem_monitor_row_at(m, 2)->name, "c.log"); /* still last */
	ck_assert_uint_eq(gomem_monitor_history_count(m, 0), 3);    /* follows the order */
	/* the order survives a tick */
	ck_assert_int_eq(gomem_monitor_tick(m, 6), GOMEM_OK);
	ck_assert_str_eq(gomem_monitor_row_at(m, 0)->name, "b.log");
	ck_assert_uint_eq(gomem_monitor_row_at(m, 0)->index, 0);

	gomem_monitor_get_totals(m, &t);
	ck_assert_uint_eq(t.sources, 3);
	ck_assert_uint_eq(t.ended, 3);
	ck_assert_int_eq(t.gcs, 10);
	ck_assert_int_eq(t.heap_live, (int64_t)(34 + 90) << 20);
	ck_assert_int_eq(t.heap_goal, (int64_t)(32 + 200) << 20);
	gomem_monitor_free(m);
}
END_TEST

static const struct {
	const char *name;
	gomem_monitor_sort_key key;
} sort_keys[] = {
	{"none", GOMEM_MONITOR_SORT_NONE}, {"name", GOMEM_MONITOR_SORT_NAME},
	{"gcs", GOMEM_MONITOR_SORT_GC_RATE}, {"pause", GOMEM_MONITOR_SORT_PAUSE},
	{"p99", GOMEM_MONITOR_SORT_P99}, {"cpu", GOMEM_MONITOR_SORT_CPU},
	{"heap", GOMEM_MONITOR_SORT_HEAP}, {"slope", GOMEM_MONITOR_SORT_SLOPE},
	{"goroutines", GOMEM_MONITOR_SORT_GOROUTINES}, {"age", GOMEM_MONITOR_SORT_AGE},
};

START_TEST(sort_names_round_trip)
{
	gomem_monitor_sort_key k = GOMEM_MONITOR_SORT_AGE;

	ck_assert_int_eq(gomem_monitor_sort_parse(&k, sort_keys[_i].name), GOMEM_OK);
	ck_assert_int_eq(k, sort_keys[_i].key);
	ck_assert_str_eq(gomem_monitor_sort_name(k), sort_keys[_i].name);
}
END_TEST

START_TEST(sort_parse_rejects)
{
	gomem_monitor_sort_key k = GOMEM_MONITOR_SORT_AGE;

	ck_assert_int_eq(gomem_monitor_sort_parse(&k, "size"), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_monitor_sort_parse(&k, ""), GOMEM_E_INVALID);
	ck_assert_int_eq(k, GOMEM_MONITOR_SORT_AGE);
	ck_assert_str_eq(gomem_monitor_sort_name((gomem_monitor_sort_key)99), "?");
}
END_TEST

/* An endpoint is named by its host and port; a base URL is as good as the
 * URL of its /debug/pprof/. */
START_TEST(url_source_names)
{
	gomem_monitor *m = new_monitor();

	ck_assert_int_eq(gomem_monitor_add(m, "http://127.0.0.1:6060"), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, "https://u:pw@svc.example:443/app/debug/pprof/heap"),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, "http://[::1]:6060/debug/pprof/"), GOMEM_OK);
	gomem_monitor_sort(m, GOMEM_MONITOR_SORT_NONE, 0);
	ck_assert_str_eq(gomem_monitor_row_at(m, 0)->name, "127.0.0.1:6060");
	ck_assert_str_eq(gomem_monitor_row_at(m, 1)->name, "svc.example:443");
	ck_assert_str_eq(gomem_monitor_row_at(m, 2)->name, "[::1]:6060");
	ck_assert_str_eq(m->src[0]->heap_url, "http://127.0.0.1:6060/debug/pprof/heap?debug=1");
	ck_assert_str_eq(m->src[0]->goroutine_url, "http://127.0.0.1:6060/debug/pprof/goroutine?debug=1");
	ck_assert_str_eq(m->src[1]->goroutine_url,
			 "https://u:pw@svc.example:443/app/debug/pprof/goroutine?debug=1");
	gomem_monitor_free(m);
}
END_TEST

START_TEST(goroutine_total)
{
	int64_t n;

	ck_assert_int_eq(gomem_monitor_goroutine_total(&n, "goroutine profile: total 7\n1 @ 0x1\n", 35),
			 GOMEM_OK);
	ck_assert_int_eq(n, 7);
	ck_assert_int_eq(gomem_monitor_goroutine_total(&n, "goroutine profile: total 12345", 30), GOMEM_OK);
	ck_assert_int_eq(n, 12345);
	ck_assert_int_eq(gomem_monitor_goroutine_total(&n, "goroutine profile: total x\n", 27),
			 GOMEM_E_FORMAT);
	ck_assert_int_eq(n, -1);
	ck_assert_int_eq(gomem_monitor_goroutine_total(&n, "goroutine profile: total 9z\n", 28),
			 GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_monitor_goroutine_total(&n, "<html>404</html>", 16), GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_monitor_goroutine_total(&n, "goroutine profile: total 99999999999999999999\n",
						       46), GOMEM_E_FORMAT);
}
END_TEST

/* Ticks (and reads, as the loop of gomem top does) until the endpoint's
 * poll in flight has finished: its result is on the row. */
static void settle(gomem_monitor *m, double now)
{
	for (int i = 0; i < 200 && m->src[0]->poll != NULL; i++) {
		ck_assert_int_eq(gomem_monitor_wait(m, NULL, 0, 0.05), GOMEM_OK);
		ck_assert_int_eq(gomem_monitor_read(m, now), GOMEM_OK);
	}
	ck_assert_ptr_null(m->src[0]->poll);
	ck_assert_int_eq(gomem_monitor_tick(m, now), GOMEM_OK);
}

/* A port nothing listens on: the row says so, and the endpoint is not
 * fetched again before its interval is up, however often we tick. */
START_TEST(url_error_and_gentle_polling)
{
	gomem_monitor_options o = GOMEM_MONITOR_OPTIONS_INIT;
	gomem_monitor *m;
	const gomem_monitor_row *r;

	o.url_interval = 10;
	o.url_timeout_ms = 2000;
	ck_assert_int_eq(gomem_monitor_new(&m, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_add(m, "http://127.0.0.1:1/debug/pprof/"), GOMEM_OK);
	ck_assert(!gomem_monitor_all_ended(m));
	ck_assert_double_eq_tol(gomem_monitor_next_poll(m, 50, 3), 0, 1e-12); /* due now */
	ck_assert_int_eq(gomem_monitor_tick(m, 50), GOMEM_OK);
	settle(m, 50);
	r = gomem_monitor_row_at(m, 0);
	ck_assert_str_eq(r->name, "127.0.0.1:1");
	ck_assert_int_eq(r->kind, GOMEM_MONITOR_URL);
	ck_assert_int_eq(r->state, GOMEM_MONITOR_ERROR);
	ck_assert_str_ne(r->message, "");
	ck_assert_uint_eq(r->polls, 1);
	ck_assert_uint_eq(r->poll_errors, 1);
	ck_assert_double_eq_tol(gomem_monitor_next_poll(m, 51, 30), 9, 1e-9);
	ck_assert_double_eq_tol(gomem_monitor_next_poll(m, 51, 2), 2, 1e-9);
	for (double t = 51; t < 60; t += 0.5)
		ck_assert_int_eq(gomem_monitor_tick(m, t), GOMEM_OK);
	ck_assert_uint_eq(gomem_monitor_row_at(m, 0)->polls, 1);
	ck_assert_int_eq(gomem_monitor_tick(m, 60), GOMEM_OK);
	ck_assert_uint_eq(gomem_monitor_row_at(m, 0)->polls, 2);
	gomem_monitor_free(m);
}
END_TEST

/* A Go 1.22 /debug/pprof/heap?debug=1 body: records (MemProfileRate=1, so
 * none is scaled) whose in-use bytes add up to MARKED, and the MemStats
 * trailer with HEAP_ALLOC and NUM_GC. */
static char *heap_body(int64_t marked, int64_t heap_alloc, unsigned num_gc)
{
	gomem_buf b;

	gomem_buf_init(&b, 1 << 20);
	ck_assert_int_eq(gomem_buf_printf(&b, "heap profile: 2: %lld [9: 9999] @ heap/2\n"
					  "1: %lld [1: %lld] @ 0x1 0x2\n"
					  "#\t0x1\tmain.leak+0x1\t/x.go:1\n\n"
					  "1: 4096 [8: 32768] @ 0x3\n\n"
					  "# runtime.MemStats\n# Alloc = %lld\n# HeapAlloc = %lld\n"
					  "# NextGC = %lld\n# NumGC = %u\n# GCCPUFraction = 0.01\n",
					  (long long)marked, (long long)(marked - 4096),
					  (long long)(marked - 4096), (long long)heap_alloc,
					  (long long)heap_alloc, (long long)(2 * marked), num_gc),
			 GOMEM_OK);
	return b.data;
}

static void poll_at(gomem_monitor *m, double when, int64_t marked, int64_t heap_alloc,
		    unsigned num_gc)
{
	char *heap = heap_body(marked, heap_alloc, num_gc);

	ck_assert_int_eq(gomem_monitor_feed_poll(m, 0, heap, strlen(heap),
						 "goroutine profile: total 12\n", 28, when), GOMEM_OK);
	gomem_free(heap);
}

/* No leak: the marked heap holds at 100 MiB while HeapAlloc saws between
 * it and twice it, and the polls catch the saw at rising phases (as they
 * did in the field: +26.9 MiB/min from a flat service). The slope is that
 * of the marked heap, one reading per GC: flat. */
START_TEST(url_slope_ignores_sawtooth)
{
	gomem_monitor *m = new_monitor();
	const gomem_monitor_row *r;
	const int64_t mib = (int64_t)1 << 20;

	ck_assert_int_eq(gomem_monitor_add(m, "http://127.0.0.1:1/"), GOMEM_OK);
	for (int i = 0; i < 12; i++)
		poll_at(m, 5.0 * i, 100 * mib, 100 * mib + (i % 6) * 16 * mib, 10 + (unsigned)i);
	ck_assert_int_eq(gomem_monitor_tick(m, 60), GOMEM_OK);
	r = gomem_monitor_row_at(m, 0);
	ck_assert_int_eq(r->state, GOMEM_MONITOR_RUNNING);
	ck_assert_int_eq(r->gcs, 21);
	ck_assert_int_eq(r->goroutines, 12);
	ck_assert_int_eq(r->heap_live, 100 * mib + 5 * 16 * mib);
	ck_assert(!isnan(r->heap_slope));
	ck_assert_double_eq_tol(r->heap_slope, 0, 1);
	ck_assert_int_eq(gomem_monitor_history_at(m, 0, 0)->heap_marked, 100 * mib);
	gomem_monitor_free(m);
}
END_TEST

/* A leak of 1 MiB per GC, a GC between two polls 5 s apart: 0.2 MiB/s.
 * Polls that saw no new GC add nothing; below three GCs there is no slope. */
START_TEST(url_slope_follows_marked_heap)
{
	gomem_monitor *m = new_monitor();
	const int64_t mib = (int64_t)1 << 20;

	ck_assert_int_eq(gomem_monitor_add(m, "http://127.0.0.1:1/"), GOMEM_OK);
	poll_at(m, 0, 50 * mib, 70 * mib, 1);
	poll_at(m, 5, 51 * mib, 60 * mib, 2);
	poll_at(m, 6, 51 * mib, 90 * mib, 2); /* no GC since: left out */
	ck_assert_int_eq(gomem_monitor_tick(m, 7), GOMEM_OK);
	ck_assert(isnan(gomem_monitor_row_at(m, 0)->heap_slope));
	for (int i = 2; i < 10; i++)
		poll_at(m, 5.0 * i, (50 + i) * mib, (60 + 7 * (i % 3)) * mib, 1 + (unsigned)i);
	ck_assert_int_eq(gomem_monitor_tick(m, 50), GOMEM_OK);
	ck_assert_double_eq_tol(gomem_monitor_row_at(m, 0)->heap_slope, (double)mib / 5, 1);
	gomem_monitor_free(m);
}
END_TEST

/* A body that is not a text heap profile is an error on the row. */
START_TEST(url_poll_not_a_profile)
{
	gomem_monitor *m = new_monitor();
	const gomem_monitor_row *r;

	ck_assert_int_eq(gomem_monitor_add(m, "http://127.0.0.1:1/"), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_feed_poll(m, 0, "<html>404</html>\n", 17, NULL, 0, 1), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 1), GOMEM_OK);
	r = gomem_monitor_row_at(m, 0);
	ck_assert_int_eq(r->state, GOMEM_MONITOR_ERROR);
	ck_assert(strstr(r->message, "heap profile") != NULL);
	ck_assert_uint_eq(r->poll_errors, 1);
	gomem_monitor_free(m);
}
END_TEST

START_TEST(add_rejects)
{
	gomem_monitor_options o = GOMEM_MONITOR_OPTIONS_INIT;
	gomem_monitor *m = new_monitor();
	char *empty_argv[] = {NULL};

	ck_assert_int_eq(gomem_monitor_add(m, ""), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_monitor_add(m, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_monitor_add(m, "http:///x"), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_monitor_add_command(m, empty_argv, 1), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_monitor_add_buffer(m, "x", NULL, 3), GOMEM_E_INVALID);
	ck_assert_uint_eq(gomem_monitor_row_count(m), 0);
	ck_assert_ptr_null(gomem_monitor_row_at(m, 0));
	gomem_monitor_free(m);

	o.version = 99;
	ck_assert_int_eq(gomem_monitor_new(&m, &o), GOMEM_E_INVALID);
	ck_assert_ptr_null(m);
	gomem_monitor_free(NULL);
}
END_TEST

/* A log that grows between ticks, read from a real file. */
START_TEST(followed_file_grows)
{
	char path[] = "/tmp/gomem-monitor-XXXXXX";
	int fd = mkstemp(path);
	gomem_monitor *m = new_monitor();
	const char *second = strchr(three_gcs, '\n') + 1;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, three_gcs, (size_t)(second - three_gcs)), second - three_gcs);
	ck_assert_int_eq(gomem_monitor_add(m, path), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_tick(m, 1), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_row_at(m, 0)->gcs, 1);
	ck_assert_int_eq(gomem_monitor_row_at(m, 0)->state, GOMEM_MONITOR_RUNNING);
	ck_assert_int_eq(write(fd, second, strlen(second)), (ssize_t)strlen(second));
	ck_assert_int_eq(gomem_monitor_tick(m, 2), GOMEM_OK);
	ck_assert_int_eq(gomem_monitor_row_at(m, 0)->gcs, 3);
	ck_assert_double_eq_tol(gomem_monitor_row_at(m, 0)->age, 0, 1e-9);
	ck_assert(!gomem_monitor_all_ended(m)); /* a followed file never ends */
	close(fd);
	unlink(path);
	gomem_monitor_free(m);
}
END_TEST

Suite *suite_monitor(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, buffer_source_row);
	tcase_add_test(tc, empty_source_is_unknown);
	tcase_add_test(tc, history_ring_keeps_the_last);
	tcase_add_test(tc, sort_orders_rows);
	tcase_add_loop_test(tc, sort_names_round_trip, 0, (int)GOMEM_ARRAY_SIZE(sort_keys));
	tcase_add_test(tc, sort_parse_rejects);
	tcase_add_test(tc, url_source_names);
	tcase_add_test(tc, goroutine_total);
	tcase_add_test(tc, add_rejects);
	tcase_add_test(tc, followed_file_grows);
	suite_add_tcase(s, tc);
	tc = tcase_create("endpoint");
	tcase_add_test(tc, url_error_and_gentle_polling);
	tcase_add_test(tc, url_slope_ignores_sawtooth);
	tcase_add_test(tc, url_slope_follows_marked_heap);
	tcase_add_test(tc, url_poll_not_a_profile);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
