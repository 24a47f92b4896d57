/* SPDX-License-Identifier: Apache-2.0 */
/* runner.c — runs every module's Check suite. `runner SUITE...` runs only the
 * named suites; CK_FORK=no is honoured (use it under valgrind). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"

static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
	{"error", suite_error},     {"util", suite_util},       {"source", suite_source},
	{"sketch", suite_sketch},   {"openmetrics", suite_openmetrics},
	{"table", suite_table},     {"pprof", suite_pprof},     {"heapprof", suite_heapprof},
	{"heapdiff", suite_heapdiff}, {"nomem", suite_nomem},     {"gctrace", suite_gctrace},
	{"gcstats", suite_gcstats},   {"gcruns", suite_gcruns},   {"follow", suite_follow},   {"monitor", suite_monitor},
	{"goroutine", suite_goroutine}, {"escape", suite_escape}, {"svg", suite_svg}, {"snapshot", suite_snapshot},
	{"sizeclass", suite_sizeclass}, {"alloc", suite_alloc},   {"pacer", suite_pacer},
	{"heapexplain", suite_heapexplain}, {"binary", suite_binary}, {"layout", suite_layout},
	{"heapdump", suite_heapdump}, {"gc", suite_gc},
	{"lineprefix", suite_lineprefix},
	{"trace_reader", suite_trace_reader}, {"trace_order", suite_trace_order}, {"trace_old", suite_trace_old},
	{"trace_state", suite_trace_state}, {"trace_gc", suite_trace_gc}, {"trace_mmu", suite_trace_mmu},
	{"sched", suite_sched}, {"limits", suite_limits},
	{"exporter", suite_exporter},
};

const char *test_path(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", TOP_SRCDIR, rel);
	return buf;
}

/* The shared corpus sits beside the project (../shared); SHARED_DIR overrides. */
const char *test_corpus(const char *rel)
{
	static char buf[4096];
	const char *dir = getenv("GOMEM_SHARED_DIR");

	if (dir)
		snprintf(buf, sizeof(buf), "%s/corpus/%s", dir, rel);
	else
		snprintf(buf, sizeof(buf), "%s/../shared/corpus/%s", TOP_SRCDIR, rel);
	return access(buf, R_OK) == 0 ? buf : NULL;
}

static int wanted(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	SRunner *sr = NULL;
	int failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!wanted(argc, argv, suites[i].name))
			continue;
		if (sr == NULL)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (sr == NULL) {
		fprintf(stderr, "runner: no such suite\n");
		return 2;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
