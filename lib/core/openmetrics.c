/* SPDX-License-Identifier: Apache-2.0 */
/* openmetrics.c — GC statistics as OpenMetrics text, for node_exporter's
 * textfile collector or a Pushgateway: how a fleet feeds gctrace numbers
 * into the monitoring it already runs. One family per figure, labelled by
 * run and source; pauses and mark times as summaries with quantiles. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* One summary row and the source it came from. */
struct om_row {
	const gomem_gcstats_summary *s;
	const char *source;
};

/* A value as OpenMetrics wants it: '.' whatever the locale (units.c keeps
 * C numerics; %.17g only when %.15g does not read back). */
static void om_value(FILE *fp, double v)
{
	char buf[64];

	if (isinf(v)) {
		fputs(v > 0 ? "+Inf" : "-Inf", fp);
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
	fputs(buf, fp);
}

/* Label values escape backslash, double quote and newline. */
static void om_escape(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', fp), fputc(*s, fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

static void om_sample(FILE *fp, const char *name, const char *suffix, const struct om_row *row,
		      const char *quantile, double v)
{
	fprintf(fp, "%s%s{run=\"%llu\",source=\"", name, suffix, (unsigned long long)row->s->run);
	om_escape(fp, row->source);
	fputc('"', fp);
	if (quantile)
		fprintf(fp, ",quantile=\"%s\"", quantile);
	fputs("} ", fp);
	om_value(fp, v);
	fputc('\n', fp);
}

static void om_family(FILE *fp, const char *name, const char *type, const char *unit,
		      const char *help)
{
	fprintf(fp, "# TYPE %s %s\n", name, type);
	if (unit)
		fprintf(fp, "# UNIT %s %s\n", name, unit);
	fprintf(fp, "# HELP %s %s\n", name, help);
}

enum om_kind { OM_COUNTER, OM_GAUGE, OM_SUMMARY };

/* A family: its name (ending in its unit, as OpenMetrics requires), and
 * where its value sits in the summary. */
struct om_metric {
	const char *name;
	enum om_kind kind;
	const char *unit;
	const char *help;
	size_t field;    /* offsetof into gomem_gcstats_summary */
	char ftype;      /* 'u' uint64_t, 'i' int64_t, 'n' int, 'd' double, 'p' percent int -> ratio */
};

#define F(m) offsetof(gomem_gcstats_summary, m)

static const struct om_metric om_metrics[] = {
	{"gomem_gc_cycles", OM_COUNTER, NULL, "GC cycles in the run.", F(gcs), 'u'},
	{"gomem_gc_forced_cycles", OM_COUNTER, NULL, "GC cycles forced by runtime.GC or "
	 "debug.FreeOSMemory.", F(forced), 'u'},
	{"gomem_gc_scavenger_events", OM_COUNTER, NULL, "Scavenger lines in the run.",
	 F(scav_events), 'u'},
	{"gomem_gc_pause_seconds", OM_SUMMARY, "seconds", "Stop-the-world pause per GC cycle "
	 "(sweep termination plus mark termination).", F(pause_p50), 'd'},
	{"gomem_gc_mark_seconds", OM_SUMMARY, "seconds", "Concurrent mark wall time per GC cycle.",
	 F(mark_p50), 'd'},
	{"gomem_gc_last_cycle_start_seconds", OM_GAUGE, "seconds", "Start of the last GC cycle, "
	 "seconds since the process started.", F(last_t), 'd'},
	{"gomem_gc_rate_per_second", OM_GAUGE, NULL, "GC cycles per second over the run.",
	 F(gc_per_s), 'd'},
	{"gomem_gc_cpu_ratio", OM_GAUGE, "ratio", "GC CPU share since the process started, as "
	 "the last gctrace line prints it (idle marking left out).", F(cpu_pct_last), 'p'},
	{"gomem_gc_cpu_window_ratio", OM_GAUGE, "ratio", "GC CPU share over the run from the cpu "
	 "fields (idle marking left out).", F(cpu_pct_window), 'q'},
	{"gomem_gc_heap_live_bytes", OM_GAUGE, "bytes", "Marked (live) heap after the last GC "
	 "cycle.", F(heap_live_last), 'i'},
	{"gomem_gc_heap_live_max_bytes", OM_GAUGE, "bytes", "Largest marked heap in the run.",
	 F(heap_live_max), 'i'},
	{"gomem_gc_heap_start_max_bytes", OM_GAUGE, "bytes", "Largest heap at the start of a GC "
	 "cycle.", F(heap_start_max), 'i'},
	{"gomem_gc_heap_end_max_bytes", OM_GAUGE, "bytes", "Largest heap at the end of a GC "
	 "cycle.", F(heap_end_max), 'i'},
	{"gomem_gc_heap_goal_bytes", OM_GAUGE, "bytes", "Heap goal of the last GC cycle.",
	 F(goal_last), 'i'},
	{"gomem_gc_heap_goal_max_bytes", OM_GAUGE, "bytes", "Largest heap goal in the run.",
	 F(goal_max), 'i'},
	{"gomem_gc_stacks_max_bytes", OM_GAUGE, "bytes", "Largest scannable stack size (Go 1.18+).",
	 F(stacks_max), 'i'},
	{"gomem_gc_globals_max_bytes", OM_GAUGE, "bytes", "Largest scannable globals size "
	 "(Go 1.18+).", F(globals_max), 'i'},
	{"gomem_gc_procs", OM_GAUGE, NULL, "GOMAXPROCS of the last GC cycle.", F(procs_last), 'n'},
	{"gomem_gc_heap_live_slope_bytes_per_second", OM_GAUGE, "bytes_per_second",
	 "Trend of the marked heap (least squares): a steady rise is the leak signal.",
	 F(live_slope), 'd'},
	{"gomem_gc_heap_live_slope_r2", OM_GAUGE, NULL, "Fit quality of the marked heap trend, "
	 "0 to 1.", F(live_slope_r2), 'd'},
};

/* The field as a double; NAN when the run lacks it. */
static double om_field(const struct om_metric *m, const gomem_gcstats_summary *s)
{
	const char *p = (const char *)s + m->field;
	uint64_t u;
	int64_t i;
	int n;
	double d;

	switch (m->ftype) {
	case 'u': memcpy(&u, p, sizeof(u)); return (double)u;
	case 'i': memcpy(&i, p, sizeof(i)); return i < 0 ? NAN : (double)i;
	case 'n': memcpy(&n, p, sizeof(n)); return n < 0 ? NAN : n;
	case 'p': memcpy(&n, p, sizeof(n)); return n < 0 ? NAN : n / 100.0;
	case 'q': memcpy(&d, p, sizeof(d)); return d / 100.0;
	default: memcpy(&d, p, sizeof(d)); return d;
	}
}

static void om_summary(FILE *fp, const struct om_metric *m, const struct om_row *row)
{
	const gomem_gcstats_summary *s = row->s;
	int pause = m->field == F(pause_p50);
	double q[4] = {pause ? s->pause_p50 : s->mark_p50, pause ? s->pause_p90 : s->mark_p90,
		       pause ? s->pause_p99 : s->mark_p99, pause ? s->pause_max : s->mark_max};
	static const char *const qs[4] = {"0.5", "0.9", "0.99", "1.0"};

	if (s->gcs == 0)
		return;
	for (int k = 0; k < 4; k++)
		if (!isnan(q[k]))
			om_sample(fp, m->name, "", row, qs[k], q[k]);
	om_sample(fp, m->name, "_sum", row, NULL, pause ? s->pause_total : s->mark_total);
	om_sample(fp, m->name, "_count", row, NULL, (double)s->gcs);
}

int gomem_gcstats_write_openmetrics(FILE *fp, const gomem_gcstats_summary *runs,
				    const char *const *sources, size_t n)
{
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(om_metrics); k++) {
		const struct om_metric *m = &om_metrics[k];

		om_family(fp, m->name, m->kind == OM_COUNTER ? "counter"
				       : m->kind == OM_GAUGE ? "gauge" : "summary", m->unit, m->help);
		for (size_t i = 0; i < n; i++) {
			struct om_row row = {&runs[i], sources[i]};
			double v = om_field(m, &runs[i]);

			if (m->kind == OM_SUMMARY)
				om_summary(fp, m, &row);
			else if (m->kind == OM_COUNTER)
				om_sample(fp, m->name, "_total", &row, NULL, v);
			else if (!isnan(v) && (runs[i].gcs > 0 || m->ftype == 'u'))
				om_sample(fp, m->name, "", &row, NULL, v);
		}
	}
	fputs("# EOF\n", fp);
	return fflush(fp) != 0 || ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
}
