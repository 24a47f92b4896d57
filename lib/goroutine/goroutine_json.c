/* SPDX-License-Identifier: Apache-2.0 */
/* goroutine_json.c — the summary as one JSON document (schema
 * gomem.goroutines/1): the table layer writes flat rows, and the summary
 * nests (states per bucket, frames, creators). Strings go through the
 * table's escaper, so the document parses whatever the dump held. What a
 * format does not carry is null, not empty: a debug=1 or debug=0 dump has
 * no states, wait times or creators ("has_states": false). */
#include <inttypes.h>
#include <stdio.h>

#include "goroutine-internal.h"

static const char *const wait_names[GOMEM_WAIT_CLASSES] = {
	"wait_none", "wait_1m", "wait_5m", "wait_15m", "wait_60m"};

struct jw {
	FILE *fp;
	bool first; /* no member written yet in the current object */
};

static void key(struct jw *w, const char *k)
{
	fputs(w->first ? "" : ",", w->fp);
	w->first = false;
	gomem_json_write_string(w->fp, k);
	fputc(':', w->fp);
}

static void member_str(struct jw *w, const char *k, const char *v)
{
	key(w, k);
	if (v)
		gomem_json_write_string(w->fp, v);
	else
		fputs("null", w->fp);
}

static void member_u64(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	fprintf(w->fp, "%" PRIu64, v);
}

/* Minutes as seconds; null when not printed (or not in the format). */
static void member_minutes(struct jw *w, const char *k, int64_t minutes)
{
	key(w, k);
	if (minutes < 0)
		fputs("null", w->fp);
	else
		fprintf(w->fp, "%" PRId64, minutes * 60);
}

static void open_object(struct jw *w, const char *before)
{
	fputs(before, w->fp);
	fputc('{', w->fp);
	w->first = true;
}

static void frame(struct jw *w, const gomem_goroutine_frame *f)
{
	open_object(w, "");
	member_str(w, "function", f->function);
	member_str(w, "args", f->args);
	member_str(w, "file", f->file);
	key(w, "line");
	fprintf(w->fp, "%" PRId64 "}", f->line);
}

/* "states":{"select":3,...}, from the summary's or a bucket's list. */
static void states_object(struct jw *w, const gomem_summary *s, const gomem_bucket *b)
{
	size_t n = b ? b->nstates : gomem_summary_state_count(s);
	struct jw in = {w->fp, true};

	fputc('{', w->fp);
	for (size_t i = 0; i < n; i++) {
		const char *name = b ? b->states[i].state : gomem_summary_state_get(s, i)->state;
		uint64_t count = b ? b->states[i].count : gomem_summary_state_get(s, i)->count;

		member_u64(&in, name, count);
	}
	fputc('}', w->fp);
}

static void waits(struct jw *w, const gomem_summary *s)
{
	for (size_t i = 0; i < gomem_summary_state_count(s); i++) {
		const gomem_summary_state *ss = gomem_summary_state_get(s, i);

		open_object(w, i ? ",\n" : "\n");
		member_str(w, "state", ss->state);
		for (int k = 0; k < GOMEM_WAIT_CLASSES; k++)
			member_u64(w, wait_names[k], ss->wait[k]);
		member_minutes(w, "wait_max", ss->wait_max);
		fputc('}', w->fp);
	}
}

static void bucket(struct jw *w, const gomem_dump *d, const gomem_bucket *b, bool states)
{
	gomem_goroutine_stack st;
	gomem_goroutine_frame f;

	member_u64(w, "count", b->count);
	member_str(w, "state", states ? b->state : NULL);
	key(w, "states");
	if (states)
		states_object(w, NULL, b);
	else
		fputs("null", w->fp);
	member_minutes(w, "wait_min", states ? b->wait_min : -1);
	member_minutes(w, "wait_max", states ? b->wait_max : -1);
	key(w, "locked");
	fputs(b->flags & GOMEM_GOROUTINE_LOCKED ? "true" : "false", w->fp);
	member_str(w, "stack", b->folded);
	key(w, "created_by");
	if (b->created_by != GOMEM_GOROUTINE_NONE && gomem_dump_frame(&f, d, b->created_by) == GOMEM_OK)
		frame(w, &f);
	else
		fputs("null", w->fp);
	key(w, "frames");
	fputc('[', w->fp);
	if (gomem_dump_stack(&st, d, b->stack) == GOMEM_OK)
		for (size_t k = 0; k < st.nframes; k++)
			if (gomem_dump_frame(&f, d, st.frames[k]) == GOMEM_OK) {
				fputs(k ? "," : "", w->fp);
				frame(w, &f);
			}
	fputc(']', w->fp);
}

static void groups(struct jw *w, const gomem_summary *s, bool creators)
{
	size_t n = creators ? gomem_summary_creator_count(s) : gomem_summary_package_count(s);

	for (size_t i = 0; i < n; i++) {
		const gomem_summary_group *g = creators ? gomem_summary_creator_get(s, i)
							: gomem_summary_package_get(s, i);

		open_object(w, i ? (creators ? ",\n" : ",") : (creators ? "\n" : ""));
		if (creators) {
			member_str(w, "function", g->name);
			member_str(w, "file", g->file);
			key(w, "line");
			fprintf(w->fp, "%" PRId64, g->line);
		} else {
			member_str(w, "package", g->name);
		}
		member_u64(w, "count", g->count);
		fputc('}', w->fp);
	}
}

static void longest_waiting(struct jw *w, const gomem_summary *s, const gomem_dump *d)
{
	size_t n;
	const uint32_t *idx = gomem_summary_longest_waiting(s, &n);

	for (size_t i = 0; i < n; i++) {
		gomem_goroutine g;
		gomem_goroutine_stack st;
		gomem_goroutine_frame f;

		if (gomem_dump_goroutine(&g, d, idx[i]) != GOMEM_OK)
			continue;
		open_object(w, i ? ",\n" : "\n");
		member_u64(w, "id", g.id);
		member_str(w, "state", g.state);
		member_minutes(w, "wait", g.wait_minutes);
		member_str(w, "function", gomem_dump_stack(&st, d, g.stack) == GOMEM_OK && st.nframes &&
						  gomem_dump_frame(&f, d, st.frames[0]) == GOMEM_OK
					  ? f.function : NULL);
		fputc('}', w->fp);
	}
}

/* An array member written by FN, or null when the format lacks it. */
static void array(struct jw *w, const char *name, bool present, void (*fn)(struct jw *, const void *),
		  const void *arg)
{
	struct jw in = {w->fp, true};

	fputs(",\n", w->fp);
	w->first = true;
	key(w, name);
	w->first = false;
	if (!present) {
		fputs("null", w->fp);
		return;
	}
	fputc('[', w->fp);
	fn(&in, arg);
	fputc(']', w->fp);
}

struct args {
	const gomem_summary *s;
	const gomem_dump *d;
	bool states;
};

static void waits_fn(struct jw *w, const void *a)
{
	waits(w, ((const struct args *)a)->s);
}

static void buckets_fn(struct jw *w, const void *arg)
{
	const struct args *a = arg;
	const gomem_buckets *bs = gomem_summary_buckets(a->s);
	gomem_bucket b;

	for (size_t i = 0; i < gomem_buckets_count(bs); i++) {
		if (gomem_buckets_get(&b, bs, i) != GOMEM_OK)
			continue;
		open_object(w, i ? ",\n" : "\n");
		bucket(w, a->d, &b, a->states);
		fputc('}', w->fp);
	}
}

static void packages_fn(struct jw *w, const void *a)
{
	groups(w, ((const struct args *)a)->s, false);
}

static void creators_fn(struct jw *w, const void *a)
{
	groups(w, ((const struct args *)a)->s, true);
}

static void waiting_fn(struct jw *w, const void *arg)
{
	const struct args *a = arg;

	longest_waiting(w, a->s, a->d);
}

int gomem_summary_write_json(FILE *fp, const gomem_summary *s, const gomem_dump *d,
			     gomem_similarity similarity)
{
	struct args a = {s, d, gomem_dump_has_states(d)};
	struct jw w = {fp, true};

	if (fp == NULL || s == NULL || d == NULL)
		return GOMEM_E_INVALID;
	fputc('{', fp);
	member_str(&w, "schema", "gomem.goroutines/1");
	member_str(&w, "input", gomem_dump_name(d));
	member_str(&w, "format", gomem_dump_format_name(gomem_dump_format_of(d)));
	member_str(&w, "reason", gomem_dump_reason(d));
	member_str(&w, "similarity", gomem_similarity_name(similarity));
	member_u64(&w, "total", gomem_summary_total(s));
	key(&w, "has_states");
	fputs(a.states ? "true" : "false", fp);
	key(&w, "states");
	if (a.states)
		states_object(&w, s, NULL);
	else
		fputs("null", fp);
	array(&w, "waits", a.states, waits_fn, &a);
	array(&w, "buckets", true, buckets_fn, &a);
	array(&w, "packages", true, packages_fn, &a);
	array(&w, "creators", a.states, creators_fn, &a);
	array(&w, "longest_waiting", a.states, waiting_fn, &a);
	fputs("}\n", fp);
	return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
}
