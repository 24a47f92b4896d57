/* SPDX-License-Identifier: Apache-2.0 */
/* suites.h — one Check suite per library module, run by runner.c. */
#ifndef GOMEM_TEST_SUITES_H
#define GOMEM_TEST_SUITES_H

#include <check.h>

Suite *suite_error(void);
Suite *suite_util(void);
Suite *suite_sketch(void);
Suite *suite_openmetrics(void);
Suite *suite_source(void);
Suite *suite_table(void);
Suite *suite_pprof(void);
Suite *suite_heapprof(void);
Suite *suite_heapdiff(void);
Suite *suite_nomem(void);
Suite *suite_sizeclass(void);
Suite *suite_alloc(void);
Suite *suite_pacer(void);
Suite *suite_heapexplain(void);
Suite *suite_binary(void);
Suite *suite_layout(void);
Suite *suite_heapdump(void);
Suite *suite_gc(void);
Suite *suite_gctrace(void);
Suite *suite_gcstats(void);
Suite *suite_gcruns(void);
Suite *suite_follow(void);
Suite *suite_monitor(void);
Suite *suite_goroutine(void);
Suite *suite_escape(void);
Suite *suite_lineprefix(void);
Suite *suite_trace_reader(void);
Suite *suite_trace_order(void);
Suite *suite_trace_old(void);
Suite *suite_trace_state(void);
Suite *suite_trace_gc(void);
Suite *suite_trace_mmu(void);
Suite *suite_svg(void);
Suite *suite_snapshot(void);
Suite *suite_sched(void);
Suite *suite_limits(void);
Suite *suite_exporter(void);

/* Path of a file under the source tree (tests/data/...), in a static buffer. */
const char *test_path(const char *rel);
/* Path under ../shared/corpus when present, else NULL (tests then skip). */
const char *test_corpus(const char *rel);

#endif
