/* SPDX-License-Identifier: Apache-2.0 */
/* monitor_metrics.c — the monitor's rows as OpenMetrics or Prometheus text
 * (the one metrics writer), what gomem top --listen serves: a family per
 * figure, a series per source labelled with its spec. A source reports its
 * figures only while it is live; once it is gone (a pipe closed, a child
 * exited, an endpoint failing, a log silent for the whole window) only
 * gomem_source_up remains, 0, and Prometheus marks the rest stale. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "monitor-internal.h"

/* ftype: the shared letters (gomem_metric_field_value), and 'U' for
 * gomem_source_up, 'S' for the pause summary, computed here. */

#define F(m) offsetof(gomem_monitor_row, m)

static const gomem_metric_field row_metrics[] = {
	{"gomem_source_up", GOMEM_METRIC_GAUGE, NULL, "1 while the source is live (read or polled, "
	 "and a gctrace stream has had a gc line within the window), 0 once it is gone.", 0, 'U'},
	{"gomem_gc_cycles", GOMEM_METRIC_COUNTER, NULL, "The runtime's GC number: gctrace's gc N, or "
	 "MemStats NumGC.", F(gcs), 'i'},
	{"gomem_gc_rate_per_second", GOMEM_METRIC_GAUGE, NULL, "GC cycles per second over the window.",
	 F(gc_per_s), 'd'},
	{"gomem_gc_pause_seconds", GOMEM_METRIC_SUMMARY, "seconds", "Stop-the-world pause per GC "
	 "(sweep termination plus mark termination) over the window.", 0, 'S'},
	{"gomem_gc_cpu_ratio", GOMEM_METRIC_GAUGE, "ratio", "Share of the CPU the GC took: gctrace's "
	 "N% or MemStats GCCPUFraction.", F(gc_cpu_pct), 'q'},
	{"gomem_gc_heap_live_bytes", GOMEM_METRIC_GAUGE, "bytes", "Heap the last GC marked (gctrace's "
	 "third heap figure), or an endpoint's HeapAlloc.", F(heap_live), 'i'},
	{"gomem_gc_heap_goal_bytes", GOMEM_METRIC_GAUGE, "bytes", "Heap goal of the next GC.",
	 F(heap_goal), 'i'},
	{"gomem_gc_heap_live_slope_bytes_per_second", GOMEM_METRIC_GAUGE, "bytes_per_second", "Leak trend: "
	 "least-squares slope of the marked heap after each GC over the window.", F(heap_slope),
	 'd'},
	{"gomem_goroutines", GOMEM_METRIC_GAUGE, NULL, "Goroutines of an endpoint (its goroutine "
	 "profile's total).", F(goroutines), 'i'},
	{"gomem_sched_runnable", GOMEM_METRIC_GAUGE, NULL, "Runnable goroutines waiting in the last "
	 "schedtrace snapshot: the global run queue plus every P's.", F(runq), 'i'},
	{"gomem_sched_runnable_p99", GOMEM_METRIC_GAUGE, NULL, "p99 of the runnable backlog over the "
	 "last 512 schedtrace snapshots.", F(runq_p99), 'd'},
	{"gomem_sched_threads", GOMEM_METRIC_GAUGE, NULL, "Threads (Ms) in the last schedtrace "
	 "snapshot.", F(threads), 'i'},
	{"gomem_sched_gomaxprocs", GOMEM_METRIC_GAUGE, NULL, "GOMAXPROCS of the last schedtrace "
	 "snapshot.", F(gomaxprocs), 'i'},
};

/* Live: the figures of the row still describe the program now. */
static int row_live(const gomem_monitor_row *r, double window)
{
	if (r->state != GOMEM_MONITOR_RUNNING)
		return 0;
	return r->kind == GOMEM_MONITOR_URL || (!isnan(r->age) && r->age <= window);
}

static int pause_samples(gomem_metrics_writer *w, const gomem_monitor_row *r,
			 gomem_metric_label *labels)
{
	static const char *const qs[3] = {"0.5", "0.99", "1.0"};
	const double q[3] = {r->pause_p50, r->pause_p99, r->pause_max};
	int rc = GOMEM_OK;

	labels[1].name = "quantile";
	for (int k = 0; k < 3 && rc == GOMEM_OK; k++) {
		labels[1].value = qs[k];
		if (!isnan(q[k]))
			rc = gomem_metrics_sample(w, NULL, labels, 2, q[k]);
	}
	return rc;
}

/* The first row of the order whose spec is SPEC is the one reported: two
 * series with one label set would make the whole text invalid. */
static int first_with_spec(const gomem_monitor *m, size_t i)
{
	const char *spec = gomem_monitor_row_at(m, i)->spec;

	for (size_t j = 0; j < i; j++)
		if (strcmp(gomem_monitor_row_at(m, j)->spec, spec) == 0)
			return 0;
	return 1;
}

static int family_samples(gomem_metrics_writer *w, const gomem_monitor *m,
			  const gomem_metric_field *rm)
{
	int rc = GOMEM_OK;

	for (size_t i = 0; i < gomem_monitor_row_count(m) && rc == GOMEM_OK; i++) {
		const gomem_monitor_row *r = gomem_monitor_row_at(m, i);
		gomem_metric_label labels[2] = {{"source", r->spec}, {NULL, NULL}};
		int live = row_live(r, m->opts.window);
		double v;

		if (r->spec == NULL || !first_with_spec(m, i))
			continue;
		if (rm->ftype == 'U')
			rc = gomem_metrics_sample(w, NULL, labels, 1, live);
		else if (live && rm->ftype == 'S')
			rc = pause_samples(w, r, labels);
		else if (live && !isnan(v = gomem_metric_field_value(r, rm)))
			rc = gomem_metrics_sample(w, NULL, labels, 1, v);
	}
	return rc;
}

int gomem_monitor_write_metrics(const gomem_monitor *m, FILE *fp, gomem_metrics_flavor flavor)
{
	gomem_metrics_writer *w;
	int rc;

	if (m == NULL || fp == NULL)
		return GOMEM_E_INVALID;
	if ((rc = gomem_metrics_writer_new(&w, fp, flavor)) != GOMEM_OK)
		return rc;
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(row_metrics) && rc == GOMEM_OK; k++) {
		const gomem_metric_field *rm = &row_metrics[k];

		if ((rc = gomem_metrics_family(w, rm->name, rm->type, rm->unit, rm->help)) == GOMEM_OK)
			rc = family_samples(w, m, rm);
	}
	if (rc == GOMEM_OK)
		rc = gomem_metrics_end(w);
	gomem_metrics_writer_free(w);
	return rc;
}
