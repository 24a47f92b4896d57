/* SPDX-License-Identifier: Apache-2.0 */
/* gcruns.c — gctrace text read into what the tools show: the statistics of
 * each run (a run ends where the gc counter goes back: the program
 * restarted), with the sliding window a log that never ends needs, and
 * every event as a row of the one output layer. `gomem gctrace` (files,
 * --follow, -- COMMAND) and `gomem top` share it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* ---- runs -------------------------------------------------------------------------- */

struct gomem_gcruns {
	gomem_gcruns_options o;
	gomem_gctrace_parser *parser;
	gomem_gcstats *stats;  /* the open run's; NULL without statistics */
	uint64_t run;
	int have_run;
};

static int stats_new(gomem_gcruns *r)
{
	gomem_gcstats_free(r->stats);
	r->stats = NULL;
	if (!r->o.stats)
		return GOMEM_OK;
	if (gomem_gcstats_new(&r->stats) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	if (r->o.window > 0 || r->o.max_events > 0)
		gomem_gcstats_set_window(r->stats, r->o.window, r->o.max_events);
	return GOMEM_OK;
}

int gomem_gcruns_new(gomem_gcruns **out, const char *name, const gomem_gcruns_options *opts)
{
	gomem_gcruns *r;

	*out = NULL;
	if (opts == NULL || opts->version != GOMEM_GCRUNS_OPTIONS_VERSION || !(opts->window >= 0))
		return GOMEM_E_INVALID;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return GOMEM_E_NOMEM;
	r->o = *opts;
	if (gomem_gctrace_parser_new(&r->parser, name) != GOMEM_OK || stats_new(r) != GOMEM_OK) {
		gomem_gcruns_free(r);
		return GOMEM_E_NOMEM;
	}
	*out = r;
	return GOMEM_OK;
}

void gomem_gcruns_free(gomem_gcruns *r)
{
	if (r == NULL)
		return;
	gomem_gctrace_parser_free(r->parser);
	gomem_gcstats_free(r->stats);
	free(r);
}

int gomem_gcruns_current(const gomem_gcruns *r, gomem_gcstats_summary *out)
{
	if (!r->have_run || r->stats == NULL)
		return 0;
	return gomem_gcstats_get(r->stats, out) == GOMEM_OK;
}

/* The open run ends: its statistics go to on_run. */
static int end_run(gomem_gcruns *r)
{
	gomem_gcstats_summary s;
	int rc = GOMEM_OK;

	if (r->o.on_run && gomem_gcruns_current(r, &s))
		rc = r->o.on_run(r->o.payload, &s);
	r->have_run = 0;
	return rc;
}

/* Every event the parser has: a new run closes the last. */
static int take_events(gomem_gcruns *r)
{
	const gomem_gctrace_event *ev;
	int rc;

	while ((rc = gomem_gctrace_next(r->parser, &ev)) == 1) {
		if (r->have_run && ev->run != r->run &&
		    ((rc = end_run(r)) != GOMEM_OK || (rc = stats_new(r)) != GOMEM_OK))
			return rc;
		r->run = ev->run;
		r->have_run = 1;
		if (r->stats && (rc = gomem_gcstats_add(r->stats, ev)) != GOMEM_OK)
			return rc;
		if (r->o.on_event && (rc = r->o.on_event(r->o.payload, ev)) != GOMEM_OK)
			return rc;
	}
	return rc;
}

int gomem_gcruns_feed(gomem_gcruns *r, const void *data, size_t len)
{
	int rc = gomem_gctrace_feed(r->parser, data, len);

	return rc == GOMEM_OK ? take_events(r) : rc;
}

int gomem_gcruns_restart(gomem_gcruns *r)
{
	return gomem_gcruns_feed(r, "\n", 1);
}

int gomem_gcruns_finish(gomem_gcruns *r)
{
	int rc = gomem_gctrace_finish(r->parser);

	if (rc == GOMEM_OK)
		rc = take_events(r);
	return rc == GOMEM_OK ? end_run(r) : rc;
}

const gomem_gctrace_parser *gomem_gcruns_parser(const gomem_gcruns *r)
{
	return r->parser;
}

/* ---- rows ------------------------------------------------------------------------------ */

/* The CSV header starts with the columns scripts key on (the issue's
 * contract), then where the event came from, then every other field. */
enum {
	EC_GC, EC_T, EC_HEAP_START, EC_HEAP_END, EC_HEAP_LIVE, EC_GOAL, EC_PROCS, EC_FORCED, EC_LINE,
	EC_FILE, EC_RUN, EC_KIND, EC_LAYOUT, EC_CPU_PCT, EC_STW_SWEEP, EC_MARK, EC_STW_MARK_TERM,
	EC_CPU_SWEEP, EC_CPU_ASSIST, EC_CPU_BG, EC_CPU_IDLE, EC_CPU_MARK_TERM, EC_STACKS,
	EC_GLOBALS, EC_REASSEMBLED,
	EC_SCVG_GEN, EC_RELEASED, EC_INUSE, EC_IDLE, EC_SYS, EC_CONSUMED, EC_WORK, EC_TOTAL,
	EC_WORK_BG, EC_WORK_EAGER, EC_NOW, EC_UTIL, EC_SCAV_FORCED, EC_CONTROLLER_RESET,
	EC_COUNT
};

#define MO GOMEM_COL_MACHINE_ONLY

static const gomem_column event_columns[EC_COUNT] = {
	{"gc", NULL, GOMEM_COL_COUNT, 0},
	{"t_s", "t", GOMEM_COL_DURATION, 0},
	{"heap_start_bytes", "heap0", GOMEM_COL_BYTES, 0},
	{"heap_end_bytes", "heap1", GOMEM_COL_BYTES, 0},
	{"heap_live_bytes", "live", GOMEM_COL_BYTES, 0},
	{"goal_bytes", "goal", GOMEM_COL_BYTES, 0},
	{"procs", "P", GOMEM_COL_COUNT, 0},
	{"forced", NULL, GOMEM_COL_COUNT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"run", NULL, GOMEM_COL_COUNT, 0},
	{"kind", NULL, GOMEM_COL_TEXT, 0},
	{"layout", NULL, GOMEM_COL_TEXT, MO},
	{"runtime_cpu_pct", "rt cpu", GOMEM_COL_COUNT, 0},
	{"stw_sweep_term_s", "sweep-term", GOMEM_COL_DURATION, 0},
	{"concurrent_mark_s", "mark", GOMEM_COL_DURATION, 0},
	{"stw_mark_term_s", "mark-term", GOMEM_COL_DURATION, 0},
	{"cpu_sweep_term_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_assist_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_background_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_idle_s", NULL, GOMEM_COL_DURATION, MO},
	{"cpu_mark_term_s", NULL, GOMEM_COL_DURATION, MO},
	{"stacks_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"globals_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"reassembled", NULL, GOMEM_COL_COUNT, MO},
	{"scvg_gen", NULL, GOMEM_COL_COUNT, MO},
	{"released_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"inuse_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"idle_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"sys_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"consumed_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"work_bytes", "scav-work", GOMEM_COL_BYTES, 0},
	{"total_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"work_bg_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"work_eager_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"now_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"util_pct", NULL, GOMEM_COL_COUNT, MO},
	{"scav_forced", NULL, GOMEM_COL_COUNT, MO},
	{"controller_reset", NULL, GOMEM_COL_COUNT, MO},
};

static int shown(size_t i, unsigned flags)
{
	/* Without the scavenger, its kind and fields would always be empty. */
	return (flags & GOMEM_GCTRACE_ROWS_SCAV) || (i != EC_KIND && i < EC_SCVG_GEN);
}

size_t gomem_gctrace_event_columns(gomem_column *cols, unsigned flags)
{
	size_t n = 0;

	for (size_t i = 0; i < EC_COUNT; i++) {
		if (!shown(i, flags))
			continue;
		cols[n] = event_columns[i];
		/* The text table names the file only when there are several. */
		if (i == EC_FILE && (flags & GOMEM_GCTRACE_ROWS_ONE_FILE))
			cols[n].flags |= MO;
		n++;
	}
	return n;
}

static const char *layout_name(gomem_gctrace_layout l)
{
	static const char *const names[] = {
		"", "go1.4", "go1.5", "go1.6", "go1.18", "scvg_released", "scvg_stats", "scav_gen",
		"scav_total", "scav_eager"
	};

	return (size_t)l < sizeof(names) / sizeof(names[0]) ? names[l] : "";
}

static void cell_int(gomem_cell *c, int64_t v)
{
	c->i = v;
	c->null = v < 0;
}

static void cell_real(gomem_cell *c, double v)
{
	c->d = v;
	c->null = isnan(v);
}

static void gc_cells(gomem_cell *c, const gomem_gctrace_event *ev)
{
	cell_int(&c[EC_GC], ev->gc);
	cell_real(&c[EC_T], ev->t);
	cell_int(&c[EC_HEAP_START], ev->heap_start);
	cell_int(&c[EC_HEAP_END], ev->heap_end);
	cell_int(&c[EC_HEAP_LIVE], ev->heap_live);
	cell_int(&c[EC_GOAL], ev->goal);
	cell_int(&c[EC_PROCS], ev->procs);
	cell_int(&c[EC_FORCED], ev->forced);
	cell_int(&c[EC_CPU_PCT], ev->cpu_pct);
	cell_real(&c[EC_STW_SWEEP], ev->stw_sweep_term);
	cell_real(&c[EC_MARK], ev->concurrent_mark);
	cell_real(&c[EC_STW_MARK_TERM], ev->stw_mark_term);
	cell_real(&c[EC_CPU_SWEEP], ev->cpu_sweep_term);
	cell_real(&c[EC_CPU_ASSIST], ev->cpu_assist);
	cell_real(&c[EC_CPU_BG], ev->cpu_background);
	cell_real(&c[EC_CPU_IDLE], ev->cpu_idle);
	cell_real(&c[EC_CPU_MARK_TERM], ev->cpu_mark_term);
	cell_int(&c[EC_STACKS], ev->stacks);
	cell_int(&c[EC_GLOBALS], ev->globals);
}

static void scav_cells(gomem_cell *c, const gomem_gctrace_event *ev)
{
	cell_int(&c[EC_SCVG_GEN], ev->scvg_gen);
	cell_int(&c[EC_RELEASED], ev->released);
	cell_int(&c[EC_INUSE], ev->inuse);
	cell_int(&c[EC_IDLE], ev->idle);
	cell_int(&c[EC_SYS], ev->sys);
	cell_int(&c[EC_CONSUMED], ev->consumed);
	cell_int(&c[EC_WORK], ev->work);
	cell_int(&c[EC_TOTAL], ev->total);
	cell_int(&c[EC_WORK_BG], ev->work_bg);
	cell_int(&c[EC_WORK_EAGER], ev->work_eager);
	cell_int(&c[EC_NOW], ev->now);
	cell_int(&c[EC_UTIL], ev->util_pct);
	cell_int(&c[EC_SCAV_FORCED], ev->scav_forced);
	cell_int(&c[EC_CONTROLLER_RESET], ev->controller_reset);
}

size_t gomem_gctrace_event_cells(gomem_cell *cells, const gomem_gctrace_event *ev, const char *name,
				 unsigned flags)
{
	gomem_cell all[EC_COUNT];
	size_t n = 0;

	for (size_t i = 0; i < EC_COUNT; i++)
		all[i] = (gomem_cell){1, 0, NAN, NULL};
	if (ev->kind == GOMEM_GCTRACE_GC)
		gc_cells(all, ev);
	else
		scav_cells(all, ev);
	cell_int(&all[EC_LINE], (int64_t)ev->line);
	all[EC_FILE] = (gomem_cell){0, 0, 0, name};
	cell_int(&all[EC_RUN], (int64_t)ev->run);
	all[EC_KIND] = (gomem_cell){0, 0, 0, ev->kind == GOMEM_GCTRACE_GC ? "gc" : "scav"};
	all[EC_LAYOUT] = (gomem_cell){0, 0, 0, layout_name(ev->layout)};
	cell_int(&all[EC_REASSEMBLED], ev->reassembled);
	for (size_t i = 0; i < EC_COUNT; i++)
		if (shown(i, flags))
			cells[n++] = all[i];
	return n;
}

