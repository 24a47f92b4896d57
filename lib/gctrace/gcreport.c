/* SPDX-License-Identifier: Apache-2.0 */
/* gcreport.c — the inputs of one `gomem gctrace` report (files, followed
 * logs, a child), each read by its gomem_gcruns, and what is reported on
 * them: every event as a row as it is read, or the statistics of each run
 * that ended and of each input's open run, as a table or as metrics. The
 * frontend opens the inputs and the tables; this keeps the runs. */
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* One input: its name and its reader (NULL once closed). */
struct gcinput {
	gomem_gcreport *r;
	const char *name;
	gomem_gcruns *runs;
};

struct gomem_gcreport {
	gomem_gcreport_options o;
	gomem_table_options to;       /* the tables' options, copied */
	gomem_table *events;          /* with o.events, until ended */
	gomem_column cols[GOMEM_GCTRACE_EVENT_COLUMNS_MAX]; /* the event table's */
	struct gcinput **in;          /* each allocated alone: the runs' callbacks point at it */
	size_t nin, capin;
	gomem_gcstats_summary *done;  /* runs that ended, in the order they did ... */
	const char **done_names;      /* ... and the name of each one's input */
	size_t ndone, capdone;
	gomem_gctrace_counts closed;  /* the line counts of closed inputs */
};

int gomem_gcreport_new(gomem_gcreport **out, const gomem_gcreport_options *opts)
{
	gomem_gcreport *r;

	*out = NULL;
	if (opts == NULL || opts->version != GOMEM_GCREPORT_OPTIONS_VERSION || !(opts->window >= 0))
		return GOMEM_E_INVALID;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return GOMEM_E_NOMEM;
	r->o = *opts;
	if (opts->table) {
		r->to = *opts->table;
	} else {
		gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;

		r->to = to;
	}
	if (opts->events) {
		size_t n = gomem_gctrace_event_columns(r->cols, opts->rows);
		gomem_table_options to = r->to;
		int rc;

		to.header = 1;
		if ((rc = gomem_table_new(&r->events, r->cols, n, opts->fp, &to)) != GOMEM_OK) {
			gomem_gcreport_free(r);
			return rc;
		}
	}
	*out = r;
	return GOMEM_OK;
}

const gomem_error *gomem_gcreport_error(const gomem_gcreport *r)
{
	static const gomem_error none = {0};

	return r->events ? gomem_table_error(r->events) : &none;
}

int gomem_gcreport_end(gomem_gcreport *r, gomem_error *err)
{
	int rc;

	if (r->events == NULL)
		return GOMEM_OK;
	rc = gomem_table_end(r->events);
	if (rc != GOMEM_OK && err)
		gomem_error_copy(err, gomem_table_error(r->events));
	gomem_table_free(r->events);
	r->events = NULL;
	return rc;
}

void gomem_gcreport_free(gomem_gcreport *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nin; i++) {
		gomem_gcruns_free(r->in[i]->runs);
		free(r->in[i]);
	}
	free(r->in);
	gomem_table_free(r->events);
	free(r->done);
	free(r->done_names);
	free(r);
}

static int done_add(gomem_gcreport *r, const char *name, const gomem_gcstats_summary *s)
{
	if (r->ndone == r->capdone) {
		size_t cap = r->capdone ? r->capdone * 2 : 16;
		gomem_gcstats_summary *v = realloc(r->done, cap * sizeof(*v));
		const char **names;

		if (v == NULL)
			return GOMEM_E_NOMEM;
		r->done = v;
		if ((names = realloc(r->done_names, cap * sizeof(*names))) == NULL)
			return GOMEM_E_NOMEM;
		r->done_names = names;
		r->capdone = cap;
	}
	r->done[r->ndone] = *s;
	r->done_names[r->ndone] = name;
	r->ndone++;
	return GOMEM_OK;
}

static int on_event(void *payload, const gomem_gctrace_event *ev)
{
	struct gcinput *in = payload;
	gomem_cell cells[GOMEM_GCTRACE_EVENT_COLUMNS_MAX];
	unsigned scav = in->r->o.rows & GOMEM_GCTRACE_ROWS_SCAV;

	if (in->r->o.timeline)
		return gomem_gctimeline_add(in->r->o.timeline, in->name, ev);
	if (ev->kind != GOMEM_GCTRACE_GC && !scav)
		return GOMEM_OK;
	gomem_gctrace_event_cells(cells, ev, in->name, scav);
	return gomem_table_row(in->r->events, cells);
}

static int on_run(void *payload, const gomem_gcstats_summary *run)
{
	struct gcinput *in = payload;

	return done_add(in->r, in->name, run);
}

/* Event rows need no statistics: without them memory stays constant
 * whatever the input. */
int gomem_gcreport_add(gomem_gcreport *r, const char *name, size_t *index)
{
	gomem_gcruns_options o = GOMEM_GCRUNS_OPTIONS_INIT;
	struct gcinput *in;
	int rc;

	if (r->nin == r->capin) {
		size_t cap = r->capin ? r->capin * 2 : 4;
		struct gcinput **v = realloc(r->in, cap * sizeof(*v));

		if (v == NULL)
			return GOMEM_E_NOMEM;
		r->in = v;
		r->capin = cap;
	}
	if ((in = calloc(1, sizeof(*in))) == NULL)
		return GOMEM_E_NOMEM;
	in->r = r;
	in->name = name;
	o.stats = !r->o.events && r->o.timeline == NULL;
	o.window = r->o.window;
	o.max_events = r->o.max_events;
	o.on_event = r->events || r->o.timeline ? on_event : NULL;
	o.on_run = on_run;
	o.payload = in;
	if ((rc = gomem_gcruns_new(&in->runs, name, &o)) != GOMEM_OK) {
		free(in);
		return rc;
	}
	if (index)
		*index = r->nin;
	r->in[r->nin++] = in;
	return GOMEM_OK;
}

gomem_gcruns *gomem_gcreport_runs(const gomem_gcreport *r, size_t i)
{
	return i < r->nin ? r->in[i]->runs : NULL;
}

void gomem_gcreport_close(gomem_gcreport *r, size_t i)
{
	if (i >= r->nin || r->in[i]->runs == NULL)
		return;
	gomem_gctrace_counts_add(&r->closed, gomem_gcruns_parser(r->in[i]->runs));
	gomem_gcruns_free(r->in[i]->runs);
	r->in[i]->runs = NULL;
}

void gomem_gcreport_counts(const gomem_gcreport *r, gomem_gctrace_counts *out)
{
	*out = r->closed;
	for (size_t i = 0; i < r->nin; i++)
		if (r->in[i]->runs)
			gomem_gctrace_counts_add(out, gomem_gcruns_parser(r->in[i]->runs));
}

/* Runs that ended, then (CURRENT) the open run of each input still read,
 * in one pair of arrays (*runs and *names freed by the caller). */
static int rows_collect(const gomem_gcreport *r, bool current, gomem_gcstats_summary **runs,
			const char ***names, size_t *n)
{
	size_t cap = r->ndone + (current ? r->nin : 0);

	*n = 0;
	*runs = calloc(cap ? cap : 1, sizeof(**runs));
	*names = calloc(cap ? cap : 1, sizeof(**names));
	if (*runs == NULL || *names == NULL)
		return GOMEM_E_NOMEM;
	for (; *n < r->ndone; (*n)++) {
		(*runs)[*n] = r->done[*n];
		(*names)[*n] = r->done_names[*n];
	}
	for (size_t i = 0; current && i < r->nin; i++) {
		if (r->in[i]->runs && gomem_gcruns_current(r->in[i]->runs, &(*runs)[*n]))
			(*names)[(*n)++] = r->in[i]->name;
	}
	return GOMEM_OK;
}

/* The counts, then the rows (as rows_collect's, without the copy). */
static int write_table(const gomem_gcreport *r, gomem_table *t, bool current)
{
	gomem_cell cells[GOMEM_GCTRACE_SUMMARY_COLUMNS];
	gomem_gctrace_counts counts;
	gomem_gcstats_summary open;
	char quantiles[32];
	int rc = GOMEM_OK;

	gomem_gcreport_counts(r, &counts);
	gomem_gctrace_counts_meta(t, &counts);
	for (size_t i = 0; i < r->ndone && rc == GOMEM_OK; i++) {
		gomem_gctrace_summary_cells(cells, &r->done[i], r->done_names[i], quantiles, sizeof(quantiles));
		rc = gomem_table_row(t, cells);
	}
	for (size_t i = 0; current && i < r->nin && rc == GOMEM_OK; i++) {
		if (!r->in[i]->runs || !gomem_gcruns_current(r->in[i]->runs, &open))
			continue;
		gomem_gctrace_summary_cells(cells, &open, r->in[i]->name, quantiles, sizeof(quantiles));
		rc = gomem_table_row(t, cells);
	}
	return rc == GOMEM_OK ? gomem_table_end(t) : rc;
}

int gomem_gcreport_write_summary(const gomem_gcreport *r, bool current, bool header, gomem_error *err)
{
	size_t ncols;
	const gomem_column *cols = gomem_gctrace_summary_columns(&ncols);
	gomem_table_options to = r->to;
	gomem_table *t;
	int rc;

	to.header = header;
	if ((rc = gomem_table_new(&t, cols, ncols, r->o.fp, &to)) != GOMEM_OK)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	if ((rc = write_table(r, t, current)) != GOMEM_OK)
		gomem_error_copy(err, gomem_table_error(t));
	gomem_table_free(t);
	return rc;
}

int gomem_gcreport_write_metrics(const gomem_gcreport *r, FILE *fp, gomem_metrics_flavor flavor,
				 bool current)
{
	gomem_gcstats_summary *runs;
	const char **names;
	size_t n;
	int rc = rows_collect(r, current, &runs, &names, &n);

	if (rc == GOMEM_OK)
		rc = gomem_gcstats_write_metrics(fp, runs, names, n, flavor);
	free(runs);
	free(names);
	return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

static const char *input_name(const gomem_gcreport *r, size_t i)
{
	return i < r->nin ? r->in[i]->name : NULL;
}

/* Why input I's RUNS failed with RC into ERR: its parser's error, or RC's. */
static int input_failed(const gomem_gcreport *r, size_t i, const gomem_gcruns *runs, int rc,
			gomem_error *err)
{
	const gomem_error *e = runs ? gomem_gctrace_parser_error(gomem_gcruns_parser(runs)) : NULL;

	if (err == NULL || err->code != GOMEM_OK)
		return rc;
	if (e && e->code != GOMEM_OK) {
		gomem_error_copy(err, e);
	} else {
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
		gomem_error_set_source(err, input_name(r, i));
	}
	return rc;
}

int gomem_gcreport_read(gomem_gcreport *r, const char *name, gomem_source *src, gomem_error *err)
{
	gomem_gcruns *runs = NULL;
	const uint8_t *data;
	size_t len, i = (size_t)-1;
	int rc;

	if ((rc = gomem_gcreport_add(r, name, &i)) != GOMEM_OK) {
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
		gomem_error_set_source(err, name);
		return rc;
	}
	runs = gomem_gcreport_runs(r, i);
	while (rc == GOMEM_OK && (rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
		rc = gomem_gcruns_feed(runs, data, len);
	if (rc == GOMEM_OK)
		rc = gomem_gcruns_finish(runs);
	if (rc != GOMEM_OK)
		input_failed(r, i, runs, rc, err);
	gomem_gcreport_close(r, i);
	return rc;
}

int gomem_gcreport_read_path(gomem_gcreport *r, const char *path, const gomem_source_options *so,
			     gomem_error *err)
{
	gomem_source *src = NULL;
	gomem_error e = {0};
	int rc;

	if ((rc = gomem_source_open(&src, path, so, err)) != GOMEM_OK)
		return rc;
	rc = gomem_gcreport_read(r, strcmp(path, "-") == 0 ? "<stdin>" : path, src, &e);
	if (rc != GOMEM_OK)
		gomem_error_copy(err, gomem_source_error(src)->code != GOMEM_OK ? gomem_source_error(src) : &e);
	gomem_source_free(src);
	return rc;
}

int gomem_gcreport_input(gomem_gcreport *r, size_t i, const uint8_t *data, size_t len, unsigned events,
			 gomem_error *err)
{
	gomem_gcruns *runs = gomem_gcreport_runs(r, i);

	if (runs == NULL)
		return GOMEM_E_INVALID;
	/* A truncated or replaced log starts over: end the line the old
	 * content left unfinished. */
	if (events & (GOMEM_FOLLOW_TRUNCATED | GOMEM_FOLLOW_ROTATED))
		gomem_gcruns_restart(runs);
	if (events & GOMEM_FOLLOW_ERROR)
		return GOMEM_E_IO;
	if ((len > 0 && gomem_gcruns_feed(runs, data, len) != GOMEM_OK) ||
	    ((events & GOMEM_FOLLOW_EOF) && gomem_gcruns_finish(runs) != GOMEM_OK))
		return input_failed(r, i, runs, GOMEM_E_IO, err);
	return GOMEM_OK;
}
