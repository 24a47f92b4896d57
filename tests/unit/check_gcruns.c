/* SPDX-License-Identifier: Apache-2.0 */
/* gctrace text into runs (statistics, one per program run) and rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The summary row of a run: its columns (names scripts key on), the cells
 * in them, an empty run's statistics as nulls, and the quantiles' text. */
START_TEST(summary_rows)
{
	gomem_gcruns_options o = GOMEM_GCRUNS_OPTIONS_INIT;
	gomem_cell cells[GOMEM_GCTRACE_SUMMARY_COLUMNS];
	gomem_gcstats_summary s, none = {0};
	char buf[32];
	size_t n;
	const gomem_column *cols = gomem_gctrace_summary_columns(&n);
	gomem_gcruns *r;

	ck_assert_uint_eq(n, GOMEM_GCTRACE_SUMMARY_COLUMNS);
	ck_assert_str_eq(cols[0].name, "file");
	ck_assert_str_eq(cols[2].name, "gcs");
	ck_assert_str_eq(cols[7].name, "pause_p50_s");
	ck_assert_str_eq(cols[n - 1].name, "last_line");
	ck_assert_int_eq(gomem_gcruns_new(&r, "two.log", &o), GOMEM_OK);
	ck_assert_int_eq(gomem_gcruns_feed(r, two_runs, (size_t)(strstr(two_runs, "the") - two_runs)), GOMEM_OK);
	ck_assert_int_eq(gomem_gcruns_current(r, &s), 1);
	ck_assert_uint_eq(gomem_gctrace_summary_cells(cells, &s, "two.log", buf, sizeof(buf)), n);
	ck_assert_str_eq(cells[0].s, "two.log");
	ck_assert_int_eq(cells[2].i, 2);                    /* gcs */
	ck_assert(!cells[7].null);                          /* pause p50 */
	ck_assert_str_eq(cells[18].s, "exact");             /* quantiles */
	ck_assert_int_eq(cells[22].i, (int64_t)2 << 20);    /* live, last */
	ck_assert_int_eq(gomem_gctrace_summary_cells(cells, &none, "e", buf, sizeof(buf)), (int)n);
	ck_assert(cells[7].null);
	ck_assert_ptr_null(cells[18].s);
	ck_assert(cells[22].null);
	gomem_gcruns_free(r);
}
END_TEST

/* Counts of several inputs add up, and become the JSON members. */
START_TEST(counts_of_inputs)
{
	gomem_gctrace_parser *p;
	gomem_gctrace_counts sum = {0};
	gomem_table *t;
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_column col = {"x", NULL, GOMEM_COL_COUNT, 0};
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	ck_assert_int_eq(gomem_gctrace_parser_new(&p, "x"), GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_feed(p, two_runs, strlen(two_runs)), GOMEM_OK);
	ck_assert_int_eq(gomem_gctrace_finish(p), GOMEM_OK);
	gomem_gctrace_counts_add(&sum, p);
	gomem_gctrace_counts_add(&sum, p);
	ck_assert_uint_eq(sum.lines, 8);
	ck_assert_uint_eq(sum.gc_events, 6);
	ck_assert_uint_eq(sum.skipped, 2);
	ck_assert_uint_eq(sum.runs, 4);
	to.format = GOMEM_FORMAT_JSON;
	to.schema = "gomem.test/1";
	ck_assert_int_eq(gomem_table_new(&t, &col, 1, fp, &to), GOMEM_OK);
	gomem_gctrace_counts_meta(t, &sum);
	ck_assert_int_eq(gomem_table_end(t), GOMEM_OK);
	gomem_table_free(t);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(out, "\"lines\":8,\"gc_events\":6,\"scav_events\":0,"
					  "\"skipped_lines\":2,\"unparsed_lines\":0,\"reassembled\":0"));
	free(out);
	gomem_gctrace_parser_free(p);
}
END_TEST

/* ---- the report of several inputs ------------------------------------------------------ */

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A report to a memory stream in FMT; *fp and *out are the caller's. */
static gomem_gcreport *report_new(FILE **fp, char **out, size_t *len, gomem_format fmt, bool events)
{
	gomem_gcreport_options o = GOMEM_GCREPORT_OPTIONS_INIT;
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_gcreport *r;

	*fp = open_memstream(out, len);
	to.format = fmt;
	to.max_cells = 30; /* a text table of events overflows on its second row */
	o.fp = *fp;
	o.table = &to;
	o.events = events;
	ck_assert_int_eq(gomem_gcreport_new(&r, &o), GOMEM_OK);
	return r;
}

/* OUT is the stream's: it moves until FP is closed. */
static void report_free(gomem_gcreport *r, FILE *fp, char **out)
{
	gomem_gcreport_free(r);
	fclose(fp);
	free(*out);
}

static int read_text(gomem_gcreport *r, const char *name, const char *text, gomem_error *err)
{
	gomem_source *src;
	int rc;

	ck_assert_int_eq(gomem_source_open_memory(&src, text, strlen(text), name, NULL, NULL), GOMEM_OK);
	rc = gomem_gcreport_read(r, name, src, err);
	gomem_source_free(src);
	return rc;
}

/* Files: each read whole and closed; its runs stay, in the order they
 * ended, with their input's name; the counts of all are summed. */
START_TEST(report_of_files)
{
	gomem_gctrace_counts n;
	gomem_error err = {0};
	char *out = NULL;
	size_t len = 0;
	FILE *fp;
	gomem_gcreport *r = report_new(&fp, &out, &len, GOMEM_FORMAT_CSV, false);

	ck_assert_int_eq(read_text(r, "a.log", two_runs, &err), GOMEM_OK);
	ck_assert_int_eq(read_text(r, "b.log", two_runs + strlen(two_runs) - 129, &err), GOMEM_OK);
	ck_assert_ptr_null(gomem_gcreport_runs(r, 0)); /* closed */
	gomem_gcreport_counts(r, &n);
	ck_assert_uint_eq(n.gc_events, 4);
	ck_assert_uint_eq(n.lines, 5);
	ck_assert_int_eq(gomem_gcreport_write_summary(r, true, true, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_gcreport_write_summary(r, false, false, &err), GOMEM_OK);
	fflush(fp);
	ck_assert_int_eq(count_lines(out), 1 + 3 + 3); /* a header once, three runs twice */
	ck_assert_ptr_nonnull(strstr(out, "file,run,gcs,"));
	ck_assert_ptr_nonnull(strstr(out, "\na.log,0,2,"));
	ck_assert_ptr_nonnull(strstr(out, "\na.log,1,1,"));
	ck_assert_ptr_nonnull(strstr(out, "\nb.log,0,1,"));
	ck_assert(strstr(out, "\nb.log,0,1,") > strstr(out, "\na.log,1,1,"));
	ck_assert_int_eq(gomem_gcreport_end(r, &err), GOMEM_OK); /* no event table: nothing */
	report_free(r, fp, &out);
}
END_TEST

/* Followed inputs: the open run shows only when asked for (--every); a
 * truncated log ends the line it left unfinished; the end of the input ends
 * its run; a failed read says so. */
START_TEST(report_of_followed_inputs)
{
	gomem_error err = {0};
	char *out = NULL;
	size_t len = 0, i, line = 129;
	FILE *fp;
	gomem_gcreport *r = report_new(&fp, &out, &len, GOMEM_FORMAT_CSV, false);
	const uint8_t *text = (const uint8_t *)two_runs;
	char *json = NULL;
	size_t jlen = 0;
	FILE *jf = open_memstream(&json, &jlen);

	ck_assert_int_eq(gomem_gcreport_add(r, "f.log", &i), GOMEM_OK);
	ck_assert_uint_eq(i, 0);
	ck_assert_ptr_nonnull(gomem_gcreport_runs(r, 0));
	ck_assert_int_eq(gomem_gcreport_input(r, 0, text, line, 0, &err), GOMEM_OK);
	/* half a line, then the file starts over: that half is a line of its own */
	ck_assert_int_eq(gomem_gcreport_input(r, 0, text + line, 20, 0, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_gcreport_input(r, 0, text + line, line, GOMEM_FOLLOW_TRUNCATED, &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_gcreport_write_summary(r, false, true, &err), GOMEM_OK);
	fflush(fp);
	ck_assert_int_eq(count_lines(out), 1); /* nothing ended yet */
	ck_assert_int_eq(gomem_gcreport_write_summary(r, true, false, &err), GOMEM_OK);
	fflush(fp);
	ck_assert_int_eq(count_lines(out), 2);
	ck_assert_ptr_nonnull(strstr(out, "\nf.log,0,2,"));
	ck_assert_int_eq(gomem_gcreport_write_metrics(r, jf, GOMEM_METRICS_PROMETHEUS, true), GOMEM_OK);
	fflush(jf);
	ck_assert_ptr_nonnull(strstr(json, "gomem_gc_cycles"));
	ck_assert_int_eq(gomem_gcreport_input(r, 0, NULL, 0, GOMEM_FOLLOW_EOF, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_gcreport_write_summary(r, false, false, &err), GOMEM_OK);
	fflush(fp);
	ck_assert_int_eq(count_lines(out), 3);
	ck_assert_int_eq(gomem_gcreport_add(r, "g.log", &i), GOMEM_OK);
	ck_assert_int_eq(gomem_gcreport_input(r, 1, NULL, 0, GOMEM_FOLLOW_EOF | GOMEM_FOLLOW_ERROR, &err),
			 GOMEM_E_IO);
	ck_assert_int_eq(err.code, GOMEM_OK); /* the follow's error says why */
	report_free(r, fp, &out);
	fclose(jf);
	free(json);
}
END_TEST

/* --events: a row per event, no statistics; a row the table cannot take
 * stops the read, and the table's error and the input's say why. */
START_TEST(report_of_events)
{
	gomem_error err = {0};
	char *out = NULL;
	size_t len = 0;
	FILE *fp;
	gomem_gcreport *r = report_new(&fp, &out, &len, GOMEM_FORMAT_CSV, true);

	ck_assert_int_eq(read_text(r, "a.log", two_runs, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_gcreport_error(r)->code, GOMEM_OK);
	ck_assert_int_eq(gomem_gcreport_end(r, &err), GOMEM_OK);
	fflush(fp);
	ck_assert_int_eq(count_lines(out), 1 + 3);
	ck_assert_ptr_nonnull(strstr(out, "gc,t_s,heap_start_bytes,"));
	ck_assert_ptr_null(strstr(out, "kind")); /* no scavenger columns without ROWS_SCAV */
	report_free(r, fp, &out);

	r = report_new(&fp, &out, &len, GOMEM_FORMAT_TABLE, true);
	ck_assert_int_ne(read_text(r, "a.log", two_runs, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_gcreport_error(r)->code, GOMEM_E_LIMIT);
	ck_assert_str_eq(err.source, "a.log");
	report_free(r, fp, &out);
}
END_TEST

/* What was left out, said to people: the skipped lines only when asked
 * for; singular and plural. */
START_TEST(counts_notes)
{
	gomem_gctrace_counts n = {0};
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	n.lines = 7;
	gomem_gctrace_counts_notes(fp, "t", &n, true);
	n.gc_events = 3;
	n.skipped = 1;
	n.unparsed = 2;
	gomem_gctrace_counts_notes(fp, "t", &n, false);
	gomem_gctrace_counts_notes(fp, "t", &n, true);
	n.skipped = 2;
	n.unparsed = 1;
	gomem_gctrace_counts_notes(fp, "t", &n, true);
	fclose(fp);
	ck_assert_str_eq(out, "t: no gctrace lines in 7 lines of input\n"
			      "t: 2 lines looked like gctrace but could not be read\n"
			      "t: skipped 1 line that is not gctrace\n"
			      "t: 2 lines looked like gctrace but could not be read\n"
			      "t: skipped 2 lines that are not gctrace\n"
			      "t: 1 line looked like gctrace but could not be read\n");
	free(out);
}
END_TEST

/* A path: read whole and closed; one that cannot be opened names itself. */
START_TEST(report_of_a_path)
{
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	char path[] = "/tmp/gomem-gcrunsXXXXXX";
	gomem_gctrace_counts n;
	gomem_error err = {0};
	char *out = NULL;
	size_t len = 0;
	FILE *fp, *f;
	gomem_gcreport *r = report_new(&fp, &out, &len, GOMEM_FORMAT_CSV, false);
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	fputs(two_runs, f);
	fclose(f);
	ck_assert_int_eq(gomem_gcreport_read_path(r, path, &so, &err), GOMEM_OK);
	ck_assert_ptr_null(gomem_gcreport_runs(r, 0));
	gomem_gcreport_counts(r, &n);
	ck_assert_uint_eq(n.gc_events, 3);
	ck_assert_int_eq(gomem_gcreport_write_summary(r, false, false, &err), GOMEM_OK);
	fflush(fp);
	ck_assert_ptr_nonnull(strstr(out, path));
	unlink(path);
	ck_assert_int_ne(gomem_gcreport_read_path(r, path, &so, &err), GOMEM_OK);
	ck_assert_int_ne(err.code, GOMEM_OK);
	ck_assert_str_eq(err.source, path);
	report_free(r, fp, &out);
}
END_TEST

/* ---- followed inputs -------------------------------------------------------------------- */

struct follow_seen {
	int ticks, first_ticks, errors, error_code;
	bool write;
};

static int seen_tick(void *payload, bool first)
{
	struct follow_seen *v = payload;

	v->ticks++;
	v->first_ticks += first;
	return GOMEM_OK;
}

static void seen_error(void *payload, const gomem_error *err, bool write)
{
	struct follow_seen *v = payload;

	v->errors++;
	v->error_code = err->code;
	v->write = write;
}

/* A child writing TWO_RUNS to its stderr, followed into R with O, what
 * happened seen in V; *RC what run returned; the exit status. */
static int follow_child(gomem_gcreport *r, gomem_gcfollow_options *o, struct follow_seen *v, int *rc)
{
	char *argv[] = {"sh", "-c", "printf '%s' \"$1\" >&2", "sh", (char *)two_runs, NULL};
	gomem_gcfollow *g;
	gomem_follow *f;
	int status;

	o->on_tick = seen_tick;
	o->on_error = seen_error;
	o->payload = v;
	ck_assert_int_eq(gomem_gcfollow_new(&g, r, o), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_spawn(&f, argv, "gctrace=1", 0, 1, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_gcfollow_add(g, f, "child"), GOMEM_OK);
	*rc = gomem_gcfollow_run(g);
	status = gomem_follow_exit_status(f);
	gomem_gcfollow_free(g);
	return status;
}

/* A child read to its end: every run ended, and with EVERY a last summary
 * at the end, the first one. */
START_TEST(follow_a_child)
{
	gomem_gcfollow_options o = GOMEM_GCFOLLOW_OPTIONS_INIT;
	struct follow_seen v = {0};
	gomem_gctrace_counts n;
	gomem_gcfollow *g;
	gomem_error err = {0};
	char *out = NULL;
	size_t len = 0;
	FILE *fp;
	gomem_gcreport *r = report_new(&fp, &out, &len, GOMEM_FORMAT_CSV, false);
	int rc;

	o.every = 3600;
	ck_assert_int_eq(gomem_gcfollow_new(&g, r, &o), GOMEM_E_INVALID); /* EVERY without on_tick */
	ck_assert_int_eq(follow_child(r, &o, &v, &rc), 0);
	ck_assert_int_eq(rc, GOMEM_OK);
	ck_assert_int_eq(v.errors, 0);
	ck_assert_int_eq(v.ticks, 1);
	ck_assert_int_eq(v.first_ticks, 1);
	gomem_gcreport_counts(r, &n);
	ck_assert_uint_eq(n.gc_events, 3);
	ck_assert_int_eq(gomem_gcreport_write_summary(r, false, false, &err), GOMEM_OK);
	fflush(fp);
	ck_assert_int_eq(count_lines(out), 2);
	report_free(r, fp, &out);
}
END_TEST

/* An event table that cannot take a row: the failure is said once, with
 * WRITE, and the child is read on to its end (read_on). */
START_TEST(follow_failure_once)
{
	gomem_gcfollow_options o = GOMEM_GCFOLLOW_OPTIONS_INIT;
	struct follow_seen v = {0};
	char *out = NULL;
	size_t len = 0;
	FILE *fp;
	gomem_gcreport *r = report_new(&fp, &out, &len, GOMEM_FORMAT_TABLE, true);
	int rc;

	o.read_on = true;
	ck_assert_int_eq(follow_child(r, &o, &v, &rc), 0);
	ck_assert_int_eq(rc, GOMEM_E_LIMIT);
	ck_assert_int_eq(v.errors, 1);
	ck_assert_int_eq(v.error_code, GOMEM_E_LIMIT);
	ck_assert(v.write);
	ck_assert_int_eq(v.ticks, 0);
	report_free(r, fp, &out);
}
END_TEST

Suite *suite_gcruns(void)
{
	Suite *s = suite_create("gcruns");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, runs_split_and_end);
	tcase_add_test(tc, events_only_and_restart);
	tcase_add_test(tc, event_rows);
	tcase_add_test(tc, summary_rows);
	tcase_add_test(tc, counts_of_inputs);
	tcase_add_test(tc, report_of_files);
	tcase_add_test(tc, report_of_followed_inputs);
	tcase_add_test(tc, report_of_events);
	tcase_add_test(tc, counts_notes);
	tcase_add_test(tc, report_of_a_path);
	tcase_add_test(tc, follow_a_child);
	tcase_add_test(tc, follow_failure_once);
	suite_add_tcase(s, tc);
	return s;
}
