/* SPDX-License-Identifier: Apache-2.0 */
/* check_openmetrics.c — the metrics writer in both flavours, byte for byte:
 * OpenMetrics (counter family without _total, # UNIT, # EOF) and the
 * Prometheus text format (# HELP then # TYPE on the sample name, so a
 * counter is typed on name_total; no # UNIT, no # EOF); escaping; the names
 * it refuses; a write error. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

/* Writes the same three families in FLAVOR; the text in a static buffer. */
static const char *render(gomem_metrics_flavor flavor)
{
	static char buf[4096];
	FILE *fp = fmemopen(buf, sizeof(buf), "w");
	gomem_metrics_writer *w;
	gomem_metric_label l[3] = {{"source", "a\"b\\c\nd"}, {"run", "0"}, {"quantile", "0.5"}};

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gomem_metrics_writer_new(&w, fp, flavor), GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_family(w, "x_cycles", GOMEM_METRIC_COUNTER, NULL, "Cycles \\ \"n\"."),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_sample(w, NULL, l, 2, 3), GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_family(w, "x_heap_bytes", GOMEM_METRIC_GAUGE, "bytes", "Heap."),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_sample(w, "", NULL, 0, 1.5), GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_sample(w, NULL, NULL, 0, NAN), GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_family(w, "x_pause_seconds", GOMEM_METRIC_SUMMARY, "seconds", "P."),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_sample(w, NULL, l + 1, 2, 0.25), GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_sample(w, "_sum", l + 1, 1, INFINITY), GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_sample(w, "_count", l + 1, 1, 2), GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_end(w), GOMEM_OK);
	gomem_metrics_writer_free(w);
	fclose(fp);
	return buf;
}

START_TEST(test_openmetrics)
{
	ck_assert_str_eq(render(GOMEM_METRICS_OPENMETRICS),
			 "# TYPE x_cycles counter\n"
			 "# HELP x_cycles Cycles \\\\ \\\"n\\\".\n"
			 "x_cycles_total{source=\"a\\\"b\\\\c\\nd\",run=\"0\"} 3\n"
			 "# TYPE x_heap_bytes gauge\n"
			 "# UNIT x_heap_bytes bytes\n"
			 "# HELP x_heap_bytes Heap.\n"
			 "x_heap_bytes 1.5\n"
			 "x_heap_bytes NaN\n"
			 "# TYPE x_pause_seconds summary\n"
			 "# UNIT x_pause_seconds seconds\n"
			 "# HELP x_pause_seconds P.\n"
			 "x_pause_seconds{run=\"0\",quantile=\"0.5\"} 0.25\n"
			 "x_pause_seconds_sum{run=\"0\"} +Inf\n"
			 "x_pause_seconds_count{run=\"0\"} 2\n"
			 "# EOF\n");
}
END_TEST

START_TEST(test_prometheus)
{
	ck_assert_str_eq(render(GOMEM_METRICS_PROMETHEUS),
			 "# HELP x_cycles_total Cycles \\\\ \"n\".\n"
			 "# TYPE x_cycles_total counter\n"
			 "x_cycles_total{source=\"a\\\"b\\\\c\\nd\",run=\"0\"} 3\n"
			 "# HELP x_heap_bytes Heap.\n"
			 "# TYPE x_heap_bytes gauge\n"
			 "x_heap_bytes 1.5\n"
			 "x_heap_bytes NaN\n"
			 "# HELP x_pause_seconds P.\n"
			 "# TYPE x_pause_seconds summary\n"
			 "x_pause_seconds{run=\"0\",quantile=\"0.5\"} 0.25\n"
			 "x_pause_seconds_sum{run=\"0\"} +Inf\n"
			 "x_pause_seconds_count{run=\"0\"} 2\n");
	ck_assert_str_eq(gomem_metrics_content_type(GOMEM_METRICS_PROMETHEUS),
			 "text/plain; version=0.0.4; charset=utf-8");
	ck_assert_str_eq(gomem_metrics_content_type(GOMEM_METRICS_OPENMETRICS),
			 "application/openmetrics-text; version=1.0.0; charset=utf-8");
}
END_TEST

START_TEST(test_refused)
{
	gomem_metrics_writer *w;
	gomem_metric_label bad = {"0bad", "v"}, null_value = {"ok", NULL};
	FILE *fp = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gomem_metrics_writer_new(&w, fp, (gomem_metrics_flavor)7), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_writer_new(&w, fp, GOMEM_METRICS_PROMETHEUS), GOMEM_OK);
	/* a sample before any family */
	ck_assert_int_eq(gomem_metrics_sample(w, NULL, NULL, 0, 1), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_family(w, "1x", GOMEM_METRIC_GAUGE, NULL, ""), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_family(w, "x-y", GOMEM_METRIC_GAUGE, NULL, ""), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_family(w, "x_total", GOMEM_METRIC_COUNTER, NULL, ""), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_family(w, "x_seconds", GOMEM_METRIC_GAUGE, "bytes", ""),
			 GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_family(w, "bytes", GOMEM_METRIC_GAUGE, "bytes", ""), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_family(w, "x:y_bytes", GOMEM_METRIC_GAUGE, "bytes", NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_metrics_sample(w, NULL, &bad, 1, 1), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_sample(w, NULL, &null_value, 1, 1), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_metrics_end(w), GOMEM_OK);
	gomem_metrics_writer_free(w);
	gomem_metrics_writer_free(NULL);
	fclose(fp);
}
END_TEST

/* A full disk is an error the caller hears of, with errno. */
START_TEST(test_write_error)
{
	gomem_metrics_writer *w;
	FILE *fp = fopen("/dev/full", "w");

	if (fp == NULL)
		ck_abort_msg("no /dev/full");
	setvbuf(fp, NULL, _IONBF, 0);
	ck_assert_int_eq(gomem_metrics_writer_new(&w, fp, GOMEM_METRICS_OPENMETRICS), GOMEM_OK);
	gomem_metrics_family(w, "x", GOMEM_METRIC_GAUGE, NULL, "x");
	gomem_metrics_sample(w, NULL, NULL, 0, 1);
	ck_assert_int_eq(gomem_metrics_end(w), GOMEM_E_IO);
	ck_assert_int_eq(errno, ENOSPC);
	gomem_metrics_writer_free(w);
	fclose(fp);
}
END_TEST

Suite *suite_openmetrics(void)
{
	Suite *s = suite_create("openmetrics");
	TCase *tc = tcase_create("writer");

	tcase_add_test(tc, test_openmetrics);
	tcase_add_test(tc, test_prometheus);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	return s;
}
