/* SPDX-License-Identifier: Apache-2.0 */
/* gcstats_metrics.c — GC statistics as OpenMetrics or Prometheus text, for
 * node_exporter's textfile collector, a Pushgateway or a scrape: how a
 * fleet feeds gctrace numbers into the monitoring it already runs. One
 * family per figure, labelled by run and source; pauses and mark times as
 * summaries with quantiles. The text itself is the openmetrics writer's. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "gomem-internal.h"

#define F(m) offsetof(gomem_gcstats_summary, m)

static const gomem_metric_field gc_metrics[] = {
	{"gomem_gc_cycles", GOMEM_METRIC_COUNTER, NULL, "GC cycles in the run.", F(gcs), 'u'},
	{"gomem_gc_forced_cycles", GOMEM_METRIC_COUNTER, NULL, "GC cycles forced by runtime.GC or "
	 "debug.FreeOSMemory.", F(forced), 'u'},
	{"gomem_gc_scavenger_events", GOMEM_METRIC_COUNTER, NULL, "Scavenger lines in the run.",
	 F(scav_events), 'u'},
	{"gomem_gc_pause_seconds", GOMEM_METRIC_SUMMARY, "seconds", "Stop-the-world pause per GC cycle "
	 "(sweep termination plus mark termination); quantiles exact up to 65536 cycles, then within "
	 "1 %.", F(pause_p50), 'd'},
	{"gomem_gc_mark_seconds", GOMEM_METRIC_SUMMARY, "seconds", "Concurrent mark wall time per GC "
	 "cycle; quantiles exact up to 65536 cycles, then within 1 %.", F(mark_p50), 'd'},
	{"gomem_gc_last_cycle_start_seconds", GOMEM_METRIC_GAUGE, "seconds", "Start of the last GC "
	 "cycle, seconds since the process started.", F(last_t), 'd'},
	{"gomem_gc_rate_per_second", GOMEM_METRIC_GAUGE, NULL, "GC cycles per second over the run.",
	 F(gc_per_s), 'd'},
	{"gomem_gc_cpu_ratio", GOMEM_METRIC_GAUGE, "ratio", "GC CPU share over the run computed by "
	 "gomem from the cpu fields (idle marking left out).", F(cpu_pct_window), 'q'},
	{"gomem_gc_runtime_cpu_ratio", GOMEM_METRIC_GAUGE, "ratio", "GC CPU share since the process "
	 "started as the runtime printed it on the last gctrace line: a whole percent, truncated "
	 "(idle marking left out).", F(cpu_pct_last), 'p'},
	{"gomem_gc_heap_live_bytes", GOMEM_METRIC_GAUGE, "bytes", "Marked (live) heap after the last "
	 "GC cycle.", F(heap_live_last), 'i'},
	{"gomem_gc_heap_live_max_bytes", GOMEM_METRIC_GAUGE, "bytes", "Largest marked heap in the run.",
	 F(heap_live_max), 'i'},
	{"gomem_gc_heap_start_max_bytes", GOMEM_METRIC_GAUGE, "bytes", "Largest heap at the start of a "
	 "GC cycle.", F(heap_start_max), 'i'},
	{"gomem_gc_heap_end_max_bytes", GOMEM_METRIC_GAUGE, "bytes", "Largest heap at the end of a GC "
	 "cycle.", F(heap_end_max), 'i'},
	{"gomem_gc_heap_goal_bytes", GOMEM_METRIC_GAUGE, "bytes", "Heap goal of the last GC cycle.",
	 F(goal_last), 'i'},
	{"gomem_gc_heap_goal_max_bytes", GOMEM_METRIC_GAUGE, "bytes", "Largest heap goal in the run.",
	 F(goal_max), 'i'},
	{"gomem_gc_stacks_max_bytes", GOMEM_METRIC_GAUGE, "bytes", "Largest scannable stack size "
	 "(Go 1.18+).", F(stacks_max), 'i'},
	{"gomem_gc_globals_max_bytes", GOMEM_METRIC_GAUGE, "bytes", "Largest scannable globals size "
	 "(Go 1.18+).", F(globals_max), 'i'},
	{"gomem_gc_procs", GOMEM_METRIC_GAUGE, NULL, "GOMAXPROCS of the last GC cycle.", F(procs_last),
	 'n'},
	{"gomem_gc_heap_live_slope_bytes_per_second", GOMEM_METRIC_GAUGE, "bytes_per_second",
	 "Trend of the marked heap (least squares): a steady rise is the leak signal.",
	 F(live_slope), 'd'},
	{"gomem_gc_heap_live_slope_r2", GOMEM_METRIC_GAUGE, NULL, "Fit quality of the marked heap "
	 "trend, 0 to 1.", F(live_slope_r2), 'd'},
};

/* The quantiles (the maximum as 1.0), _sum and _count of a summary family. */
static int summary_samples(gomem_metrics_writer *w, const gomem_metric_field *m,
			   const gomem_gcstats_summary *s, gomem_metric_label *labels)
{
	int pause = m->field == F(pause_p50);
	double q[4] = {pause ? s->pause_p50 : s->mark_p50, pause ? s->pause_p90 : s->mark_p90,
		       pause ? s->pause_p99 : s->mark_p99, pause ? s->pause_max : s->mark_max};
	static const char *const qs[4] = {"0.5", "0.9", "0.99", "1.0"};
	int rc = GOMEM_OK;

	if (s->gcs == 0)
		return GOMEM_OK;
	labels[2].name = "quantile";
	for (int k = 0; k < 4 && rc == GOMEM_OK; k++) {
		labels[2].value = qs[k];
		if (!isnan(q[k]))
			rc = gomem_metrics_sample(w, NULL, labels, 3, q[k]);
	}
	if (rc == GOMEM_OK)
		rc = gomem_metrics_sample(w, "_sum", labels, 2, pause ? s->pause_total : s->mark_total);
	if (rc == GOMEM_OK)
		rc = gomem_metrics_sample(w, "_count", labels, 2, (double)s->gcs);
	return rc;
}

static int family_samples(gomem_metrics_writer *w, const gomem_metric_field *m,
			  const gomem_gcstats_summary *runs, const char *const *sources, size_t n)
{
	int rc = GOMEM_OK;

	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		char run[24];
		gomem_metric_label labels[3] = {{"run", run}, {"source", sources[i]}, {NULL, NULL}};
		double v = gomem_metric_field_value(&runs[i], m);

		snprintf(run, sizeof(run), "%llu", (unsigned long long)runs[i].run);
		if (m->type == GOMEM_METRIC_SUMMARY)
			rc = summary_samples(w, m, &runs[i], labels);
		else if (m->type == GOMEM_METRIC_COUNTER ||
			 (!isnan(v) && (runs[i].gcs > 0 || m->ftype == 'u')))
			rc = gomem_metrics_sample(w, NULL, labels, 2, v);
	}
	return rc;
}

int gomem_gcstats_write_metrics(FILE *fp, const gomem_gcstats_summary *runs, const char *const *sources,
				size_t n, gomem_metrics_flavor flavor)
{
	gomem_metrics_writer *w;
	int rc;

	if ((rc = gomem_metrics_writer_new(&w, fp, flavor)) != GOMEM_OK)
		return rc;
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(gc_metrics) && rc == GOMEM_OK; k++) {
		const gomem_metric_field *m = &gc_metrics[k];

		rc = gomem_metrics_family(w, m->name, m->type, m->unit, m->help);
		if (rc == GOMEM_OK)
			rc = family_samples(w, m, runs, sources, n);
	}
	if (rc == GOMEM_OK)
		rc = gomem_metrics_end(w);
	gomem_metrics_writer_free(w);
	return rc;
}

int gomem_gcstats_write_openmetrics(FILE *fp, const gomem_gcstats_summary *runs,
				    const char *const *sources, size_t n)
{
	return gomem_gcstats_write_metrics(fp, runs, sources, n, GOMEM_METRICS_OPENMETRICS);
}
