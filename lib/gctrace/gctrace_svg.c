/* SPDX-License-Identifier: Apache-2.0 */
/* gctrace_svg.c — a GC timeline per run of a gctrace log: the heap (live
 * after each mark, at mark termination, the goal, forced GCs marked), the
 * stop-the-world pauses as bars and the GC CPU (the runtime's cumulative
 * percent and each cycle's own share), on one time axis per run. Events
 * stream in; the chart layer decimates them to the pixel width, keeping
 * every pause maximum, so a log of any length fits in bounded memory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

enum { S_LIVE, S_PEAK, S_GOAL, S_FORCED, S_PAUSE, S_CPU_RUN, S_CPU_CYCLE, S_COUNT };

struct gomem_gctimeline {
	gomem_chart *chart;
	char *name;               /* input of the section being filled */
	uint64_t run;
	int open;                 /* a section is being filled */
	uint32_t series[S_COUNT];
	double last_t;            /* the previous gc's @t, for each cycle's CPU share */
	size_t sections;
};

int gomem_gctimeline_new(gomem_gctimeline **out, const gomem_chart_options *look)
{
	gomem_chart_options o = GOMEM_CHART_OPTIONS_INIT;
	gomem_gctimeline *t;
	int rc;

	*out = NULL;
	if (look)
		o = *look;
	if (o.title == NULL)
		o.title = "GC timeline";
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return GOMEM_E_NOMEM;
	if ((rc = gomem_chart_new(&t->chart, &o)) != GOMEM_OK) {
		free(t);
		return rc;
	}
	*out = t;
	return GOMEM_OK;
}

void gomem_gctimeline_free(gomem_gctimeline *t)
{
	if (t == NULL)
		return;
	gomem_chart_free(t->chart);
	free(t->name);
	free(t);
}

/* A section of three panels for run RUN of NAME. */
static int open_section(gomem_gctimeline *t, const char *name, uint64_t run)
{
	static const struct {
		int panel;
		const char *name;
		gomem_series_kind kind;
		unsigned style;
	} layout[S_COUNT] = {
		{0, "live heap (marked)", GOMEM_SERIES_LINE, 0},
		{0, "heap at mark end", GOMEM_SERIES_LINE, 5 | GOMEM_SERIES_THIN},
		{0, "heap goal", GOMEM_SERIES_STEP, 2 | GOMEM_SERIES_DASHED},
		{0, "forced GC", GOMEM_SERIES_MARKS, 3},
		{1, "STW pause (sweep + mark termination)", GOMEM_SERIES_BARS, 8},
		{2, "GC CPU since start", GOMEM_SERIES_LINE, 0},
		{2, "GC CPU of the cycle", GOMEM_SERIES_LINE, 1 | GOMEM_SERIES_THIN},
	};
	static const char *const panel_titles[3] = {"Heap", "Stop-the-world pauses", "GC CPU"};
	static const gomem_svg_unit units[3] = {GOMEM_SVG_BYTES, GOMEM_SVG_SECONDS, GOMEM_SVG_PERCENT};
	uint32_t section, panels[3];
	char title[512];
	int rc;

	if (run > 0)
		snprintf(title, sizeof(title), "%s, run %llu (the gc counter went back: a restart)", name,
			 (unsigned long long)run + 1);
	else
		snprintf(title, sizeof(title), "%s", name);
	if ((rc = gomem_chart_section(t->chart, title, &section)) != GOMEM_OK)
		return rc;
	for (int p = 0; p < 3 && rc == GOMEM_OK; p++)
		rc = gomem_chart_panel(t->chart, section, panel_titles[p], units[p], &panels[p]);
	for (int s = 0; s < S_COUNT && rc == GOMEM_OK; s++)
		rc = gomem_chart_series(t->chart, panels[layout[s].panel], layout[s].name, layout[s].kind,
					layout[s].style, &t->series[s]);
	if (rc != GOMEM_OK)
		return rc;
	free(t->name);
	if ((t->name = strdup(name)) == NULL)
		return GOMEM_E_NOMEM;
	t->run = run;
	t->open = 1;
	t->last_t = NAN;
	t->sections++;
	return GOMEM_OK;
}

static int point(gomem_gctimeline *t, int s, double x, double y)
{
	return gomem_chart_point(t->chart, t->series[s], x, y);
}

static double bytes_or_nan(int64_t v)
{
	return v >= 0 ? (double)v : NAN;
}

static double finite_or0(double v)
{
	return isfinite(v) ? v : 0;
}

/* GC CPU of one cycle: its CPU time (idle marking left out, as the runtime
 * counts it) over the wall time since the last GC started, on every P. */
static double cycle_cpu_pct(const gomem_gctrace_event *ev, double since)
{
	double cpu = finite_or0(ev->cpu_sweep_term) + finite_or0(ev->cpu_assist) +
		     finite_or0(ev->cpu_background) + finite_or0(ev->cpu_mark_term);

	if (!(since > 0) || ev->procs <= 0 || !isfinite(ev->cpu_background))
		return NAN;
	return 100 * cpu / (since * ev->procs);
}

int gomem_gctimeline_add(gomem_gctimeline *t, const char *name, const gomem_gctrace_event *ev)
{
	double x = ev->t, pause;
	int rc;

	if (ev->kind != GOMEM_GCTRACE_GC)
		return GOMEM_OK;
	if (!t->open || ev->run != t->run || strcmp(name, t->name) != 0)
		if ((rc = open_section(t, name, ev->run)) != GOMEM_OK)
			return rc;
	pause = finite_or0(ev->stw_sweep_term) + finite_or0(ev->stw_mark_term);
	if ((rc = point(t, S_LIVE, x, bytes_or_nan(ev->heap_live))) != GOMEM_OK ||
	    (rc = point(t, S_PEAK, x, bytes_or_nan(ev->heap_end))) != GOMEM_OK ||
	    (rc = point(t, S_GOAL, x, bytes_or_nan(ev->goal))) != GOMEM_OK ||
	    (rc = point(t, S_PAUSE, x, pause)) != GOMEM_OK ||
	    (rc = point(t, S_CPU_RUN, x, ev->cpu_pct >= 0 ? (double)ev->cpu_pct : NAN)) != GOMEM_OK ||
	    (rc = point(t, S_CPU_CYCLE, x, cycle_cpu_pct(ev, x - t->last_t))) != GOMEM_OK)
		return rc;
	if (ev->forced && (rc = point(t, S_FORCED, x, 1)) != GOMEM_OK)
		return rc;
	t->last_t = x;
	return GOMEM_OK;
}

int gomem_gctimeline_write_svg(gomem_gctimeline *t, FILE *fp, gomem_error *err)
{
	if (t->sections == 0)
		return gomem_error_set(err, GOMEM_E_FORMAT, "no gc lines to draw");
	return gomem_chart_write_svg(t->chart, fp, err);
}
