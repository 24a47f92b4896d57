/* SPDX-License-Identifier: Apache-2.0 */
/* sched_metrics.c — scheduler statistics as OpenMetrics or Prometheus text
 * (the one metrics writer, gomem/openmetrics.h): families gomem_sched_*,
 * one series per run and source, for a textfile collector, a Pushgateway
 * or gomem top --listen. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sched-internal.h"

#define F(m) offsetof(gomem_schedstats_summary, m)

static const gomem_metric_field sched_metrics[] = {
	{"gomem_sched_snapshots", GOMEM_METRIC_COUNTER, NULL, "schedtrace snapshots read in the run.",
	 F(snapshots), 'u'},
	{"gomem_sched_gomaxprocs", GOMEM_METRIC_GAUGE, NULL, "GOMAXPROCS of the last snapshot.",
	 F(gomaxprocs_last), 'i'},
	{"gomem_sched_runnable_backlog", GOMEM_METRIC_SUMMARY, NULL, "Runnable goroutines waiting "
	 "per snapshot: the global run queue plus every P's.", F(backlog_p50), 'b'},
	{"gomem_sched_global_queue_max", GOMEM_METRIC_GAUGE, NULL, "Longest global run queue seen.",
	 F(global_max), 'd'},
	{"gomem_sched_busy_procs_ratio", GOMEM_METRIC_GAUGE, "ratio", "Share of Ps not idle, mean over "
	 "snapshots.", F(busy_share), 'd'},
	{"gomem_sched_queue_imbalance", GOMEM_METRIC_GAUGE, NULL, "Longest minus shortest per-P run "
	 "queue, mean over snapshots.", F(imbalance_mean), 'd'},
	{"gomem_sched_spinning_threads", GOMEM_METRIC_GAUGE, NULL, "Spinning threads (Ms looking for "
	 "work), mean over snapshots.", F(spinning_mean), 'd'},
	{"gomem_sched_idle_threads", GOMEM_METRIC_GAUGE, NULL, "Idle threads, mean over snapshots.",
	 F(idle_threads_mean), 'd'},
	{"gomem_sched_threads", GOMEM_METRIC_GAUGE, NULL, "Threads (Ms) in the last snapshot.",
	 F(threads_last), 'i'},
	{"gomem_sched_threads_max", GOMEM_METRIC_GAUGE, NULL, "Most threads in a snapshot.",
	 F(threads_max), 'i'},
	{"gomem_sched_thread_growth_per_minute", GOMEM_METRIC_GAUGE, NULL, "Trend of the thread count "
	 "(least squares), threads per minute.", F(threads_per_min), 'd'},
	{"gomem_sched_goroutines", GOMEM_METRIC_GAUGE, NULL, "Goroutines as runtime.NumGoroutine "
	 "counts them, in the last scheddetail snapshot.", F(goroutines_last), 'i'},
	{"gomem_sched_goroutines_max", GOMEM_METRIC_GAUGE, NULL, "Most goroutines in a scheddetail "
	 "snapshot.", F(goroutines_max), 'i'},
};

static int backlog_samples(gomem_metrics_writer *w, const gomem_schedstats_summary *s,
			   gomem_metric_label *labels)
{
	static const char *const qs[3] = {"0.5", "0.99", "1.0"};
	double q[3] = {s->backlog_p50, s->backlog_p99, s->backlog_max};
	int rc = GOMEM_OK;

	if (s->snapshots == 0)
		return GOMEM_OK;
	labels[2].name = "quantile";
	for (int k = 0; k < 3 && rc == GOMEM_OK; k++) {
		labels[2].value = qs[k];
		if (!isnan(q[k]))
			rc = gomem_metrics_sample(w, NULL, labels, 3, q[k]);
	}
	if (rc == GOMEM_OK)
		rc = gomem_metrics_sample(w, "_sum", labels, 2, s->backlog_mean * (double)s->snapshots);
	if (rc == GOMEM_OK)
		rc = gomem_metrics_sample(w, "_count", labels, 2, (double)s->snapshots);
	return rc;
}

int gomem_schedstats_write_metrics(FILE *fp, const gomem_schedstats_summary *runs,
				   const char *const *sources, size_t n, gomem_metrics_flavor flavor)
{
	gomem_metrics_writer *w;
	int rc;

	if ((rc = gomem_metrics_writer_new(&w, fp, flavor)) != GOMEM_OK)
		return rc;
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(sched_metrics) && rc == GOMEM_OK; k++) {
		const gomem_metric_field *m = &sched_metrics[k];

		rc = gomem_metrics_family(w, m->name, m->type, m->unit, m->help);
		for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
			char run[24];
			gomem_metric_label labels[3] = {{"run", run}, {"source", sources[i]}, {NULL, NULL}};
			double v = gomem_metric_field_value(&runs[i], m);

			snprintf(run, sizeof(run), "%llu", (unsigned long long)runs[i].run);
			if (m->ftype == 'b')
				rc = backlog_samples(w, &runs[i], labels);
			else if (!isnan(v))
				rc = gomem_metrics_sample(w, NULL, labels, 2, v);
		}
	}
	if (rc == GOMEM_OK)
		rc = gomem_metrics_end(w);
	gomem_metrics_writer_free(w);
	return rc;
}
