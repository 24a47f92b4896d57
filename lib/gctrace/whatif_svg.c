/* SPDX-License-Identifier: Apache-2.0 */
/* whatif_svg.c — gctrace --whatif as a picture: the recorded run (the heap at
 * each mark termination, the live heap, the goal, forced GCs, the pauses)
 * with, beside it on the same time axis, what the pacer model predicts for
 * each setting: its heap at mark termination, cycle by cycle, its memory
 * limit, and how many GCs it would have run by each moment against the
 * log's own count. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gomem-internal.h"

/* Palette entries of the scenarios (the recorded series take 0, 5, 8). */
static const unsigned scenario_palette[] = {1, 2, 3, 4, 6, 9, 7};

struct panels {
	uint32_t heap, gcs, pauses;
};

struct replay {
	gomem_chart *c;
	uint32_t peak, count;
	double n;
};

static int on_cycle(void *payload, const gomem_pacer_cycle *cy)
{
	struct replay *r = payload;
	int rc = gomem_chart_point(r->c, r->peak, cy->end, cy->peak);

	if (rc == GOMEM_OK)
		rc = gomem_chart_point(r->c, r->count, cy->start, ++r->n);
	return rc;
}

static int add_series(gomem_chart *c, uint32_t panel, const char *name, gomem_series_kind kind,
		      unsigned style, uint32_t *out)
{
	return gomem_chart_series(c, panel, name, kind, style, out);
}

/* The recorded run, cycle by cycle. */
static int recorded(gomem_chart *c, const struct panels *p, const gomem_pacer_model *m)
{
	uint32_t peak, live, goal, forced, count, pause;
	gomem_pacer_cycle cy;
	int rc;

	if ((rc = add_series(c, p->heap, "heap at mark end (recorded)", GOMEM_SERIES_LINE, 5, &peak)) ||
	    (rc = add_series(c, p->heap, "live heap (recorded)", GOMEM_SERIES_LINE, 0 | GOMEM_SERIES_THIN, &live)) ||
	    (rc = add_series(c, p->heap, "goal (recorded)", GOMEM_SERIES_STEP, 7 | GOMEM_SERIES_THIN, &goal)) ||
	    (rc = add_series(c, p->heap, "forced GC", GOMEM_SERIES_MARKS, 3, &forced)) ||
	    (rc = add_series(c, p->gcs, "recorded", GOMEM_SERIES_STEP, 5, &count)) ||
	    (rc = add_series(c, p->pauses, "STW pause (recorded)", GOMEM_SERIES_BARS, 8, &pause)))
		return rc;
	for (size_t i = 0; i < gomem_pacer_model_cycle_count(m) && rc == GOMEM_OK; i++) {
		gomem_pacer_model_cycle(m, i, &cy);
		if ((rc = gomem_chart_point(c, peak, cy.end, cy.peak)) == GOMEM_OK &&
		    (rc = gomem_chart_point(c, live, cy.end, cy.marked)) == GOMEM_OK &&
		    (rc = gomem_chart_point(c, goal, cy.start, cy.goal)) == GOMEM_OK &&
		    (rc = gomem_chart_point(c, count, cy.start, (double)(i + 1))) == GOMEM_OK &&
		    (rc = gomem_chart_point(c, pause, cy.start, cy.pause)) == GOMEM_OK && cy.forced)
			rc = gomem_chart_point(c, forced, cy.start, 1);
	}
	return rc;
}

/* One setting: its label, the model's outcome, its replay and its limit. */
static int scenario(gomem_chart *c, const struct panels *p, const gomem_pacer_model *m,
		    const gomem_pacer_setting *s, size_t i)
{
	unsigned color = scenario_palette[i % GOMEM_ARRAY_SIZE(scenario_palette)];
	struct replay r = {c, 0, 0, 0};
	gomem_pacer_outcome o;
	char name[256], peak[GOMEM_UNITS_BUFSIZE], gcs[32];
	uint32_t level;
	long long tenths;
	int rc;

	if ((rc = gomem_pacer_model_whatif(m, s, &o)) != GOMEM_OK)
		return rc;
	gomem_format_bytes(peak, sizeof(peak), (int64_t)llround(fmax(0, o.peak_heap)), 0);
	tenths = llround(fmax(0, o.gc_count) * 10);
	snprintf(gcs, sizeof(gcs), "%lld.%lld", tenths / 10, tenths % 10);
	snprintf(name, sizeof(name), "%s: %s GCs, peak %s%s", s->label, gcs, peak,
		 o.thrash ? ", thrashing" : "");
	r.c = c;
	if ((rc = add_series(c, p->heap, name, GOMEM_SERIES_LINE, color | GOMEM_SERIES_DASHED, &r.peak)) ||
	    (rc = add_series(c, p->gcs, s->label, GOMEM_SERIES_STEP, color | GOMEM_SERIES_DASHED, &r.count)))
		return rc;
	if (s->set_limit && s->memory_limit != GOMEM_PACER_NO_LIMIT) {
		snprintf(name, sizeof(name), "limit of %s", s->label);
		if ((rc = add_series(c, p->heap, name, GOMEM_SERIES_LEVEL, color | GOMEM_SERIES_DASHED, &level)) ||
		    (rc = gomem_chart_point(c, level, 0, (double)s->memory_limit)))
			return rc;
	}
	return gomem_pacer_model_replay(m, s, on_cycle, &r);
}

int gomem_whatif_write_svg(FILE *fp, const char *name, const gomem_pacer_model *m,
			   const gomem_pacer_setting *s, size_t n, const gomem_chart_options *look,
			   gomem_error *err)
{
	gomem_chart_options o = GOMEM_CHART_OPTIONS_INIT;
	gomem_pacer_fit fit;
	struct panels p;
	gomem_chart *c = NULL;
	char title[512], gogc[16];
	uint32_t section, level;
	int rc;

	if (look)
		o = *look;
	if (o.title == NULL)
		o.title = "GC timeline: recorded and predicted";
	gomem_pacer_model_get_fit(m, &fit);
	if (fit.gogc < 0)
		snprintf(gogc, sizeof(gogc), "off");
	else
		snprintf(gogc, sizeof(gogc), "%d", fit.gogc);
	snprintf(title, sizeof(title), "%s: %zu GCs recorded (GOGC=%s inferred), predicted per setting",
		 name, fit.cycles, gogc);
	if ((rc = gomem_chart_new(&c, &o)) == GOMEM_OK &&
	    (rc = gomem_chart_section(c, title, &section)) == GOMEM_OK &&
	    (rc = gomem_chart_panel(c, section, "Heap", GOMEM_SVG_BYTES, &p.heap)) == GOMEM_OK &&
	    (rc = gomem_chart_panel(c, section, "GCs so far", GOMEM_SVG_COUNT, &p.gcs)) == GOMEM_OK &&
	    (rc = gomem_chart_panel(c, section, "Stop-the-world pauses", GOMEM_SVG_SECONDS, &p.pauses)) == GOMEM_OK)
		rc = recorded(c, &p, m);
	if (rc == GOMEM_OK && fit.memory_limit != GOMEM_PACER_NO_LIMIT) {
		if ((rc = add_series(c, p.heap, "GOMEMLIMIT (inferred)", GOMEM_SERIES_LEVEL, 5, &level)) == GOMEM_OK)
			rc = gomem_chart_point(c, level, 0, (double)fit.memory_limit);
	}
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++)
		rc = scenario(c, &p, m, &s[i], i);
	if (rc == GOMEM_OK)
		rc = gomem_chart_write_svg(c, fp, err);
	else
		gomem_error_set(err, rc, "drawing the what-if timeline: %s", gomem_strerror(rc));
	gomem_chart_free(c);
	return rc;
}
