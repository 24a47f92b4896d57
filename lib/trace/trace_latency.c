/* SPDX-License-Identifier: Apache-2.0 */
/* trace_latency.c — scheduling latency: the time each goroutine spent
 * runnable before it ran, summed by the stack where it waited (where it
 * stopped, blocked or entered the syscall it came back from; a new
 * goroutine waits at its start), by the stack of the go statement that
 * created it, or by the function it started in. A wait that began before
 * the trace is not counted: its start is not known.
 *
 * Latency and assist time by stack also go out as collapsed stacks and as a
 * profile.proto (the lib/pprof model and writer). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace-analysis.h"

int ag_latency_runnable(gomem_trace_analysis *a, struct ag_g *g, int64_t t)
{
	(void)a;
	(void)g;
	(void)t;
	return GOMEM_OK; /* the key is where it stopped: g->where, set then */
}

int ag_latency_running(gomem_trace_analysis *a, struct ag_g *g, int64_t t)
{
	int64_t wait;
	uint32_t key;
	int rc;

	if (g->runnable_since < 0 || t < g->runnable_since)
		return GOMEM_OK;
	wait = t - g->runnable_since;
	key = a->opts.by == GOMEM_TRACE_BY_CREATOR ? g->creator
	      : a->opts.by == GOMEM_TRACE_BY_FUNCTION ? g->func : g->where;
	if ((rc = ag_sketch_add(a->latency, wait)) != GOMEM_OK || (rc = ag_keys_add(&a->lat_stack, g->where, wait)) ||
	    (rc = ag_keys_add(&a->lat_by, key, wait)))
		return ag_fail(a, rc);
	return GOMEM_OK;
}

/* ---- rows --------------------------------------------------------------------- */

/* The text of a key, in B's storage or a constant. */
static int key_text(gomem_trace_analysis *a, uint32_t key, gomem_buf *b, const char **out)
{
	int rc;

	if (a->opts.by == GOMEM_TRACE_BY_FUNCTION) {
		*out = key ? gomem_strpool_get(&a->stacks.names, key - 1) : "(unknown)";
		return GOMEM_OK;
	}
	if ((rc = tr_stacks_folded(&a->stacks, key, b)) != GOMEM_OK)
		return rc;
	*out = b->len ? b->data : "(unknown)";
	return GOMEM_OK;
}

static int cmp_row(const void *x, const void *y, void *ctx)
{
	const gomem_trace_latency_row *a = x, *b = y;

	(void)ctx;
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* One row per key text: stacks that differ only in lines fold together,
 * as they do in the folded output. */
int ag_latency_finish(gomem_trace_analysis *a)
{
	struct ag_keys rows;
	gomem_buf b;
	int rc = GOMEM_OK;

	memset(&rows, 0, sizeof(rows));
	tr_map_init(&rows.ids);
	gomem_buf_init(&b, (size_t)64 << 20);
	for (size_t i = 0; i < a->lat_by.n && rc == GOMEM_OK; i++) {
		const char *text;
		uint32_t id, at;

		if ((rc = key_text(a, a->lat_by.rows[i].key, &b, &text)) != GOMEM_OK ||
		    (rc = gomem_strpool_intern(&a->lat_strings, text, strlen(text), &id)) != GOMEM_OK)
			break;
		if (!tr_map_get(&rows.ids, id, &at)) {
			if ((rc = GOMEM_GROW(rows.rows, rows.cap, rows.n + 1, (size_t)1 << 24)) != GOMEM_OK ||
			    (rc = tr_map_put(&rows.ids, id, (uint32_t)rows.n)) != GOMEM_OK)
				break;
			/* the first key of this text: its sketch moves, no copy */
			at = (uint32_t)rows.n++;
			memset(&rows.rows[at], 0, sizeof(rows.rows[at]));
			rows.rows[at].key = id;
			rows.rows[at].pct = a->lat_by.rows[i].pct;
			a->lat_by.rows[i].pct = NULL;
			continue;
		}
		rc = gomem_sketch_merge(rows.rows[at].pct, a->lat_by.rows[i].pct);
	}
	gomem_buf_free(&b);
	if (rc == GOMEM_OK && (a->lat_rows = calloc(rows.n + 1, sizeof(*a->lat_rows))) == NULL)
		rc = GOMEM_E_NOMEM;
	for (size_t i = 0; i < rows.n && rc == GOMEM_OK; i++) {
		gomem_trace_latency_row *row = &a->lat_rows[i];
		gomem_trace_dist d;

		row->key = gomem_strpool_get(&a->lat_strings, rows.rows[i].key);
		ag_sketch_dist(rows.rows[i].pct, &d);
		row->count = d.count;
		row->total = d.total;
		row->p50 = d.p50;
		row->p99 = d.p99;
		row->max = d.max;
	}
	a->nlat_rows = rows.n;
	ag_keys_free(&rows);
	if (rc != GOMEM_OK)
		return ag_fail(a, rc);
	if (gomem_sort(a->lat_rows, a->nlat_rows, sizeof(*a->lat_rows), cmp_row, NULL) != GOMEM_OK)
		return ag_fail(a, GOMEM_E_NOMEM);
	return GOMEM_OK;
}

void ag_latency_free(gomem_trace_analysis *a)
{
	ag_keys_free(&a->lat_by);
	ag_keys_free(&a->lat_stack);
	free(a->lat_rows);
}

size_t gomem_trace_latency_count(const gomem_trace_analysis *a)
{
	return a->finished ? a->nlat_rows : 0;
}

const gomem_trace_latency_row *gomem_trace_latency_at(const gomem_trace_analysis *a, size_t i)
{
	return i < gomem_trace_latency_count(a) ? &a->lat_rows[i] : NULL;
}

/* ---- as a profile ---------------------------------------------------------------- */

struct builder {
	gomem_profile *p;
	const struct tr_stacks *stacks;
	uint32_t *loc_of;      /* frame id -> location id, 0 not yet */
	size_t nframes;
	gomem_strpool fkeys;   /* "func\nfile" -> function index */
	gomem_buf key;
};

static int function_id(struct builder *b, const char *func, const char *file, uint64_t *out)
{
	gomem_profile *p = b->p;
	struct gomem_function *f;
	uint32_t id;
	int rc;

	b->key.len = 0;
	if ((rc = gomem_buf_printf(&b->key, "%.*s\n%.*s", (int)strcspn(func, "\n"), func,
				   (int)strcspn(file, "\n"), file)) ||
	    (rc = gomem_strpool_intern(&b->fkeys, b->key.data, b->key.len, &id)))
		return rc;
	*out = (uint64_t)id + 1;
	if (id < p->nfunctions)
		return GOMEM_OK;
	if ((rc = GOMEM_GROW(p->functions, p->functions_cap, p->nfunctions + 1, GOMEM_PROFILE_MAX_ITEMS)))
		return rc;
	f = &p->functions[p->nfunctions];
	memset(f, 0, sizeof(*f));
	f->id = (uint64_t)id + 1;
	b->key.data[strcspn(b->key.data, "\n")] = '\0';
	if ((rc = gomem_profile_intern(p, b->key.data, &f->name)) ||
	    (rc = gomem_profile_intern(p, b->key.data + strlen(b->key.data) + 1, &f->filename)))
		return rc;
	f->system_name = f->name;
	p->nfunctions++;
	return GOMEM_OK;
}

/* The location of frame I of stack KEY (one per distinct frame). */
static int location_id(struct builder *b, uint32_t key, size_t i, uint64_t *out)
{
	gomem_profile *p = b->p;
	const char *raw = gomem_strpool_get(&b->stacks->stacks, key - 1);
	const char *func, *file;
	struct gomem_location *l;
	uint32_t frame;
	int64_t line;
	uint64_t fn;
	int rc;

	memcpy(&frame, raw + i * sizeof(frame), sizeof(frame));
	if (frame < b->nframes && b->loc_of[frame]) {
		*out = b->loc_of[frame];
		return GOMEM_OK;
	}
	tr_stacks_frame(b->stacks, key, i, &func, &file, &line);
	if ((rc = function_id(b, func, file, &fn)) ||
	    (rc = GOMEM_GROW(p->locations, p->locations_cap, p->nlocations + 1, GOMEM_PROFILE_MAX_ITEMS)) ||
	    (rc = GOMEM_GROW(p->lines, p->lines_cap, p->nlines + 1, GOMEM_PROFILE_MAX_ITEMS)))
		return rc;
	l = &p->locations[p->nlocations];
	memset(l, 0, sizeof(*l));
	l->id = (uint64_t)p->nlocations + 1;
	l->line_off = (uint32_t)p->nlines;
	l->nlines = 1;
	p->lines[p->nlines].function = fn;
	p->lines[p->nlines].line = line;
	p->lines[p->nlines].column = 0;
	p->nlines++;
	p->nlocations++;
	if (frame < b->nframes)
		b->loc_of[frame] = (uint32_t)l->id;
	*out = l->id;
	return GOMEM_OK;
}

static int add_sample(struct builder *b, uint32_t key, int64_t count, int64_t ns)
{
	gomem_profile *p = b->p;
	size_t n = tr_stacks_depth(b->stacks, key);
	struct gomem_sample *s;
	int rc;

	if ((rc = GOMEM_GROW(p->samples, p->samples_cap, p->nsamples + 1, GOMEM_PROFILE_MAX_ITEMS)) ||
	    (rc = GOMEM_GROW(p->sample_locs, p->sample_locs_cap, p->nsample_locs + n, SIZE_MAX / 16)) ||
	    (rc = GOMEM_GROW(p->values, p->values_cap, p->nvalues + 2, SIZE_MAX / 16)))
		return rc;
	s = &p->samples[p->nsamples];
	memset(s, 0, sizeof(*s));
	s->loc_off = p->nsample_locs;
	s->value_off = p->nvalues;
	s->nvalues = 2;
	for (size_t i = 0; i < n; i++) {
		uint64_t id;

		if ((rc = location_id(b, key, i, &id)) != GOMEM_OK)
			return rc;
		p->sample_locs[p->nsample_locs++] = id;
		s->nlocs++;
	}
	p->values[p->nvalues++] = count;
	p->values[p->nvalues++] = ns;
	p->nsamples++;
	return GOMEM_OK;
}

/* The keys of KIND as a resolved profile (*out the caller's). */
static int build_profile(const gomem_trace_analysis *a, gomem_trace_profile_kind kind, gomem_profile **out,
			 gomem_error *err)
{
	const struct ag_keys *k = kind == GOMEM_TRACE_PROFILE_ASSIST ? &a->assist_stack : &a->lat_stack;
	struct builder b;
	uint32_t t1, u1, t2, u2;
	int rc;

	memset(&b, 0, sizeof(b));
	b.stacks = &a->stacks;
	b.nframes = a->stacks.frames.count;
	gomem_strpool_init(&b.fkeys);
	gomem_buf_init(&b.key, (size_t)1 << 20);
	rc = gomem_profile_new(&b.p);
	if (rc == GOMEM_OK && (b.loc_of = calloc(b.nframes + 1, sizeof(*b.loc_of))) == NULL)
		rc = GOMEM_E_NOMEM;
	if (rc == GOMEM_OK && !((rc = gomem_profile_intern(b.p, "count", &t1)) ||
				(rc = gomem_profile_intern(b.p, "count", &u1)) ||
				(rc = gomem_profile_intern(b.p, kind == GOMEM_TRACE_PROFILE_ASSIST ? "assist" : "delay",
							   &t2)) ||
				(rc = gomem_profile_intern(b.p, "nanoseconds", &u2))))
		if ((rc = gomem_profile_add_sample_type(b.p, t1, u1)) == GOMEM_OK)
			rc = gomem_profile_add_sample_type(b.p, t2, u2);
	if (rc == GOMEM_OK)
		b.p->default_sample_type = t2;
	for (size_t i = 0; i < k->n && rc == GOMEM_OK; i++) {
		const struct ag_key *row = &k->rows[i];

		rc = add_sample(&b, row->key, (int64_t)row->count, (int64_t)llround(row->total));
	}
	if (rc == GOMEM_OK)
		rc = gomem_profile_resolve(b.p, NULL, NULL, err);
	else
		gomem_error_set(err, rc, "building the profile: %s", gomem_strerror(rc));
	free(b.loc_of);
	gomem_strpool_free(&b.fkeys);
	gomem_buf_free(&b.key);
	if (rc != GOMEM_OK) {
		gomem_profile_free(b.p);
		return rc;
	}
	*out = b.p;
	return GOMEM_OK;
}

int gomem_trace_write_pprof(const gomem_trace_analysis *a, gomem_trace_profile_kind kind, FILE *fp,
			    gomem_error *err)
{
	gomem_profile *p;
	int rc = build_profile(a, kind, &p, err);

	if (rc == GOMEM_OK)
		rc = gomem_pprof_write(p, fp, 1, err);
	gomem_profile_free(p);
	return rc;
}

int gomem_trace_write_folded(const gomem_trace_analysis *a, gomem_trace_profile_kind kind, FILE *fp,
			     gomem_error *err)
{
	gomem_profile *p;
	int rc = build_profile(a, kind, &p, err);

	if (rc == GOMEM_OK)
		rc = gomem_profile_write_folded(p, 1, fp, err);
	gomem_profile_free(p);
	return rc;
}
