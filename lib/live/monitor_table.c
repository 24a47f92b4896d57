/* SPDX-License-Identifier: Apache-2.0 */
/* monitor_table.c — the monitor's rows as people and scripts read them: the
 * batch output of gomem top (a table per tick, or one CSV/TSV/NDJSON
 * stream for the whole run, through the one output layer) and the text of
 * a row's cells the screen draws. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

enum {
	C_TICK, C_ELAPSED, C_NAME, C_KIND, C_STATE, C_EXIT, C_GCS, C_RATE, C_PAUSE, C_P99, C_CPU,
	C_LIVE, C_GOAL, C_SLOPE, C_SLOPE_MIN, C_GOROUTINES, C_AGE, C_RUNQ_TEXT, C_THREADS_TEXT,
	C_NOTE, C_SPEC, C_RUNQ, C_THREADS, NCOLS
};

#define MO GOMEM_COL_MACHINE_ONLY

static const gomem_column columns[NCOLS] = {
	{"tick", NULL, GOMEM_COL_COUNT, MO},
	{"elapsed_s", NULL, GOMEM_COL_DURATION, MO},
	{"name", "NAME", GOMEM_COL_TEXT, 0},
	{"kind", NULL, GOMEM_COL_TEXT, MO},
	{"state", "STATE", GOMEM_COL_TEXT, 0},
	{"exit_status", NULL, GOMEM_COL_COUNT, MO},
	{"gcs", "GCS", GOMEM_COL_COUNT, 0},
	{"gc_per_s", "GC/S", GOMEM_COL_NUMBER, 0},
	{"pause_last_s", "PAUSE", GOMEM_COL_DURATION, 0},
	{"pause_p99_s", "P99", GOMEM_COL_DURATION, 0},
	{"gc_cpu_pct", "GC CPU", GOMEM_COL_PERCENT, 0},
	{"heap_live_bytes", "LIVE", GOMEM_COL_BYTES, 0},
	{"goal_bytes", "GOAL", GOMEM_COL_BYTES, 0},
	{"heap_slope_bytes_per_s", NULL, GOMEM_COL_NUMBER, MO},
	{"slope", "SLOPE/m", GOMEM_COL_BYTES, GOMEM_COL_TEXT_ONLY | GOMEM_COL_SIGNED},
	{"goroutines", "GOROUTINES", GOMEM_COL_COUNT, 0},
	{"age_s", "AGE", GOMEM_COL_DURATION, 0},
	/* schedtrace in the stream: in the text table before NOTE, and only
	 * when a source carries it; in the machine formats always, last */
	{"runq", "RUNQ", GOMEM_COL_COUNT, GOMEM_COL_TEXT_ONLY},
	{"threads", "THREADS", GOMEM_COL_COUNT, GOMEM_COL_TEXT_ONLY},
	{"message", "NOTE", GOMEM_COL_TEXT, 0},
	{"spec", NULL, GOMEM_COL_TEXT, MO},
	{"runq", NULL, GOMEM_COL_COUNT, MO},
	{"threads", NULL, GOMEM_COL_COUNT, MO},
};

const char *gomem_monitor_kind_name(gomem_monitor_kind kind)
{
	switch (kind) {
	case GOMEM_MONITOR_FILE: return "file";
	case GOMEM_MONITOR_PIPE: return "pipe";
	case GOMEM_MONITOR_CHILD: return "command";
	case GOMEM_MONITOR_URL: return "url";
	}
	return "?";
}

static void cell_i(gomem_cell *c, int64_t v, int known)
{
	c->i = v;
	c->null = !known;
}

static void cell_d(gomem_cell *c, double v)
{
	c->d = v;
	c->null = isnan(v);
}

/* NOTE: the error message, or how a command ended (NOTE holds it). */
static void row_cells(gomem_cell *cl, const gomem_monitor_row *r, long tick, double elapsed,
		      char *note, size_t note_size)
{
	memset(cl, 0, NCOLS * sizeof(*cl));
	cl[C_TICK].i = tick;
	cl[C_ELAPSED].d = elapsed;
	cl[C_NAME].s = r->name;
	cl[C_KIND].s = gomem_monitor_kind_name(r->kind);
	cl[C_STATE].s = gomem_monitor_state_name(r->state);
	cell_i(&cl[C_EXIT], r->exit_status, r->state == GOMEM_MONITOR_EXITED);
	cell_i(&cl[C_GCS], r->gcs, r->gcs >= 0);
	cell_d(&cl[C_RATE], r->gc_per_s);
	cell_d(&cl[C_PAUSE], r->pause_last);
	cell_d(&cl[C_P99], r->pause_p99);
	cell_d(&cl[C_CPU], r->gc_cpu_pct);
	cell_i(&cl[C_LIVE], r->heap_live, r->heap_live >= 0);
	cell_i(&cl[C_GOAL], r->heap_goal, r->heap_goal >= 0);
	cell_d(&cl[C_SLOPE], r->heap_slope);
	cell_i(&cl[C_SLOPE_MIN], isnan(r->heap_slope) ? 0 : (int64_t)llround(r->heap_slope * 60),
	       !isnan(r->heap_slope));
	cell_i(&cl[C_GOROUTINES], r->goroutines, r->goroutines >= 0);
	cell_d(&cl[C_AGE], r->age);
	cell_i(&cl[C_RUNQ], r->runq, r->runq >= 0);
	cell_i(&cl[C_THREADS], r->threads, r->threads >= 0);
	cl[C_RUNQ_TEXT] = cl[C_RUNQ];
	cl[C_THREADS_TEXT] = cl[C_THREADS];
	if (r->state == GOMEM_MONITOR_EXITED && (r->message == NULL || r->message[0] == '\0'))
		snprintf(note, note_size, "exit %d", r->exit_status);
	else
		snprintf(note, note_size, "%s", r->message ? r->message : "");
	cl[C_NOTE].s = note;
	cl[C_NOTE].null = note[0] == '\0';
	cl[C_SPEC].s = r->spec;
}

/* ---- batch output ---------------------------------------------------------- */

struct gomem_monitor_batch {
	FILE *fp;
	gomem_table_options to;
	gomem_table *stream;  /* csv, tsv, ndjson: one table for the whole run */
	gomem_error err;
};

int gomem_monitor_batch_new(gomem_monitor_batch **out, FILE *fp, gomem_format format)
{
	gomem_table_options defaults = GOMEM_TABLE_OPTIONS_INIT;
	gomem_monitor_batch *b;

	*out = NULL;
	if (format == GOMEM_FORMAT_JSON || fp == NULL)
		return GOMEM_E_INVALID; /* a document, not a stream of ticks */
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return GOMEM_E_NOMEM;
	b->fp = fp;
	b->to = defaults;
	b->to.format = format;
	b->to.color = 0;
	b->to.flush = 1;
	if (format != GOMEM_FORMAT_TABLE && gomem_table_new(&b->stream, columns, NCOLS, fp, &b->to) !=
						     GOMEM_OK) {
		free(b);
		return GOMEM_E_NOMEM;
	}
	*out = b;
	return GOMEM_OK;
}

static int table_failed(gomem_monitor_batch *b, gomem_table *t, int rc)
{
	gomem_error_copy(&b->err, gomem_table_error(t));
	return b->err.code ? b->err.code : rc;
}

int gomem_monitor_batch_tick(gomem_monitor_batch *b, const gomem_monitor *m, long tick,
			     double elapsed)
{
	gomem_cell cells[NCOLS];
	gomem_column cols[NCOLS]; /* the text table's, kept while it is used */
	char note[300];
	gomem_table *t = b->stream;
	int rc = GOMEM_OK;

	if (b->err.code)
		return b->err.code;
	if (t == NULL) { /* the text table: one per tick, a blank line between */
		memcpy(cols, columns, sizeof(cols));
		if (!gomem_monitor_has_schedtrace(m))
			cols[C_RUNQ_TEXT].flags |= MO, cols[C_THREADS_TEXT].flags |= MO; /* hidden */
		if (tick > 1 && fputc('\n', b->fp) == EOF)
			return gomem_error_set(&b->err, GOMEM_E_IO, "%s", strerror(errno));
		if ((rc = gomem_table_new(&t, cols, NCOLS, b->fp, &b->to)) != GOMEM_OK)
			return gomem_error_set(&b->err, rc, "out of memory");
	}
	for (size_t i = 0; i < gomem_monitor_row_count(m) && rc == GOMEM_OK; i++) {
		row_cells(cells, gomem_monitor_row_at(m, i), tick, elapsed, note, sizeof(note));
		rc = gomem_table_row(t, cells);
	}
	if (t != b->stream) {
		if (rc == GOMEM_OK)
			rc = gomem_table_end(t);
		if (rc != GOMEM_OK)
			rc = table_failed(b, t, rc);
		gomem_table_free(t);
	} else if (rc != GOMEM_OK) {
		rc = table_failed(b, t, rc);
	} else if (fflush(b->fp) != 0) {
		rc = gomem_error_set(&b->err, GOMEM_E_IO, "%s", strerror(errno));
	}
	return rc;
}

int gomem_monitor_batch_end(gomem_monitor_batch *b)
{
	int rc;

	if (b->err.code || b->stream == NULL)
		return b->err.code;
	if ((rc = gomem_table_end(b->stream)) != GOMEM_OK)
		rc = table_failed(b, b->stream, rc);
	return rc;
}

const gomem_error *gomem_monitor_batch_error(const gomem_monitor_batch *b)
{
	return &b->err;
}

void gomem_monitor_batch_free(gomem_monitor_batch *b)
{
	if (b == NULL)
		return;
	gomem_table_free(b->stream);
	free(b);
}

/* ---- the text of a row, for the screen ------------------------------------- */

void gomem_monitor_text_bytes(char *buf, size_t size, int64_t v)
{
	if (v < 0 || gomem_format_bytes(buf, size, v, 0) < 0)
		snprintf(buf, size, "-");
}

void gomem_monitor_text_duration(char *buf, size_t size, double v)
{
	if (isnan(v) || gomem_format_duration(buf, size, v) < 0)
		snprintf(buf, size, "-");
}

/* Whole seconds under a minute ("0s", "42s"), then "2m30s", "1h2m". */
static void text_age(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (v < 60)
		snprintf(buf, size, "%.0fs", floor(v));
	else
		gomem_monitor_text_duration(buf, size, floor(v));
}

static void text_slope(char *buf, size_t size, double bytes_per_s)
{
	char b[GOMEM_UNITS_BUFSIZE];

	if (isnan(bytes_per_s)) {
		snprintf(buf, size, "-");
		return;
	}
	gomem_format_bytes(b, sizeof(b), (int64_t)llround(bytes_per_s * 60), 1);
	snprintf(buf, size, "%s/m", b);
}

void gomem_monitor_row_text(gomem_monitor_text *t, const gomem_monitor_row *r)
{
	if (r->state == GOMEM_MONITOR_EXITED)
		snprintf(t->state, sizeof(t->state), "exit %d", r->exit_status);
	else
		snprintf(t->state, sizeof(t->state), "%s", gomem_monitor_state_name(r->state));
	snprintf(t->gcs, sizeof(t->gcs), r->gcs < 0 ? "-" : "%lld", (long long)r->gcs);
	if (isnan(r->gc_per_s))
		snprintf(t->gc_per_s, sizeof(t->gc_per_s), "-");
	else
		snprintf(t->gc_per_s, sizeof(t->gc_per_s), "%.3g", r->gc_per_s);
	gomem_monitor_text_duration(t->pause, sizeof(t->pause), r->pause_last);
	gomem_monitor_text_duration(t->p99, sizeof(t->p99), r->pause_p99);
	if (isnan(r->gc_cpu_pct))
		snprintf(t->cpu, sizeof(t->cpu), "-");
	else
		snprintf(t->cpu, sizeof(t->cpu), "%.1f%%", r->gc_cpu_pct);
	gomem_monitor_text_bytes(t->live, sizeof(t->live), r->heap_live);
	gomem_monitor_text_bytes(t->goal, sizeof(t->goal), r->heap_goal);
	text_slope(t->slope, sizeof(t->slope), r->heap_slope);
	snprintf(t->goroutines, sizeof(t->goroutines), r->goroutines < 0 ? "-" : "%lld",
		 (long long)r->goroutines);
	text_age(t->age, sizeof(t->age), r->age);
	snprintf(t->runq, sizeof(t->runq), r->runq < 0 ? "-" : "%lld", (long long)r->runq);
	snprintf(t->threads, sizeof(t->threads), r->threads < 0 ? "-" : "%lld", (long long)r->threads);
}

int gomem_monitor_has_schedtrace(const gomem_monitor *m)
{
	for (size_t i = 0; i < gomem_monitor_row_count(m); i++)
		if (gomem_monitor_row_at(m, i)->threads >= 0)
			return 1;
	return 0;
}
