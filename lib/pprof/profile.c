/* SPDX-License-Identifier: Apache-2.0 */
/* profile.c — the profile model every reader fills, its accessors, and the
 * resolve step that turns the file's ids into dense indices and refuses what
 * pprof's CheckValid refuses. Reading sniffs the format and hands the bytes
 * to the protobuf or the legacy text reader. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

int gomem_profile_new(gomem_profile **out)
{
	gomem_profile *p = calloc(1, sizeof(*p));
	uint32_t id;

	*out = NULL;
	if (p == NULL)
		return GOMEM_E_NOMEM;
	p->format = GOMEM_PROFILE_PROTO;
	gomem_strpool_init(&p->strings);
	/* String id 0 is "" in every profile, as string_table[0] is in pprof. */
	if (gomem_strpool_add(&p->strings, "", 0, &id) != GOMEM_OK) {
		gomem_profile_free(p);
		return GOMEM_E_NOMEM;
	}
	*out = p;
	return GOMEM_OK;
}

void gomem_profile_free(gomem_profile *p)
{
	if (p == NULL)
		return;
	gomem_strpool_free(&p->strings);
	free(p->sample_types);
	free(p->comments);
	free(p->mappings);
	free(p->locations);
	free(p->lines);
	free(p->functions);
	free(p->samples);
	free(p->sample_locs);
	free(p->loc_index);
	free(p->values);
	free(p->labels);
	free(p->memstats);
	free(p);
}

int gomem_profile_add_sample_type(gomem_profile *p, uint32_t type, uint32_t unit)
{
	int rc = GOMEM_GROW(p->sample_types, p->sample_types_cap, p->nsample_types + 1,
			    GOMEM_PROFILE_MAX_ITEMS);

	if (rc)
		return rc;
	p->sample_types[p->nsample_types].type = type;
	p->sample_types[p->nsample_types].unit = unit;
	p->nsample_types++;
	return GOMEM_OK;
}

int gomem_profile_intern(gomem_profile *p, const char *s, uint32_t *id)
{
	return gomem_strpool_intern(&p->strings, s, strlen(s), id);
}

/* ---- resolve: ids to indices, and pprof's validity rules ------------------- */

/* Records an error about item I, at its byte offset when OFFSETS has one
 * (UINT64_MAX: not recorded). */
static int fail_item(gomem_error *err, const uint64_t *offsets, size_t i, int code,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail_item(gomem_error *err, const uint64_t *offsets, size_t i, int code,
		     const char *fmt, ...)
{
	bool fresh = err != NULL && err->code == GOMEM_OK;
	va_list ap;

	va_start(ap, fmt);
	gomem_error_setv(err, code, fmt, ap);
	va_end(ap);
	if (fresh && offsets != NULL && offsets[i] != UINT64_MAX) {
		err->offset = offsets[i];
		err->has_offset = 1;
	}
	return code;
}

/* File id -> dense index. Go numbers ids 1..N, so a flat array is the usual
 * case; arbitrary ids (other producers) fall back to open addressing. */
struct id_index {
	uint32_t *dense;  /* dense[id] = index or GOMEM_NONE */
	size_t ndense;
	uint64_t *keys;   /* hash: 0 marks an empty slot (ids are nonzero) */
	uint32_t *vals;
	size_t mask;
};

static void idx_free(struct id_index *ix)
{
	free(ix->dense);
	free(ix->keys);
	free(ix->vals);
}

static size_t idx_slot(const struct id_index *ix, uint64_t id)
{
	return (size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> 17) & ix->mask;
}

static inline uint32_t idx_find(const struct id_index *ix, uint64_t id)
{
	size_t i;

	if (ix->dense != NULL)
		return id < ix->ndense ? ix->dense[id] : GOMEM_NONE;
	if (ix->keys == NULL || id == 0)
		return GOMEM_NONE;
	for (i = idx_slot(ix, id); ix->keys[i] != 0; i = (i + 1) & ix->mask)
		if (ix->keys[i] == id)
			return ix->vals[i];
	return GOMEM_NONE;
}

/* Inserts ID -> INDEX; returns the index already there for a duplicate. */
static uint32_t idx_insert(struct id_index *ix, uint64_t id, uint32_t index)
{
	size_t i;

	if (ix->dense != NULL) {
		if (ix->dense[id] != GOMEM_NONE)
			return ix->dense[id];
		ix->dense[id] = index;
		return GOMEM_NONE;
	}
	for (i = idx_slot(ix, id); ix->keys[i] != 0; i = (i + 1) & ix->mask)
		if (ix->keys[i] == id)
			return ix->vals[i];
	ix->keys[i] = id;
	ix->vals[i] = index;
	return GOMEM_NONE;
}

/* Every table's element starts with its uint64_t id: read it by stride. */
#define ID_AT(base, stride, i) (*(const uint64_t *)((const char *)(base) + (i) * (stride)))

/* Indexes the N ids of a table; KIND names it in errors ("function"). */
static int idx_build(struct id_index *ix, const void *base, size_t stride, size_t n,
		     const char *kind, const uint64_t *offsets, gomem_error *err)
{
	uint64_t max_id = 0;
	size_t i;

	memset(ix, 0, sizeof(*ix));
	for (i = 0; i < n; i++) {
		uint64_t id = ID_AT(base, stride, i);

		if (id == 0)
			return fail_item(err, offsets, i, GOMEM_E_FORMAT,
					 "%s #%zu has the reserved id 0", kind, i + 1);
		if (id > max_id)
			max_id = id;
	}
	if (max_id < 2 * (uint64_t)n + 64) {
		ix->ndense = (size_t)max_id + 1;
		ix->dense = malloc(ix->ndense * sizeof(*ix->dense));
		if (ix->dense == NULL)
			return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
		memset(ix->dense, 0xff, ix->ndense * sizeof(*ix->dense));
	} else {
		size_t cap = 64;

		while (cap < 2 * n)
			cap *= 2;
		ix->keys = calloc(cap, sizeof(*ix->keys));
		ix->vals = malloc(cap * sizeof(*ix->vals));
		ix->mask = cap - 1;
		if (ix->keys == NULL || ix->vals == NULL)
			return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		uint64_t id = ID_AT(base, stride, i);

		if (idx_insert(ix, id, (uint32_t)i) != GOMEM_NONE)
			return fail_item(err, offsets, i, GOMEM_E_FORMAT,
					 "duplicate %s id %llu", kind, (unsigned long long)id);
	}
	return GOMEM_OK;
}

struct str_check {
	const gomem_profile *p;
	gomem_error *err;
};

static int bad_string(const struct str_check *sc, uint32_t s, const char *where,
		      const uint64_t *offsets, size_t i)
{
	return fail_item(sc->err, offsets, i, GOMEM_E_FORMAT,
			 "string index %u out of range (string table has %zu) in %s", s,
			 sc->p->strings.count, where);
}

#define STR_OK(sc, s) ((s) < (sc)->p->strings.count)

static int check_profile_strings(const struct str_check *sc)
{
	const gomem_profile *p = sc->p;
	const uint32_t top[] = {p->period_type.type, p->period_type.unit, p->drop_frames,
				p->keep_frames, p->default_sample_type, p->doc_url};
	size_t i;

	for (i = 0; i < GOMEM_ARRAY_SIZE(top); i++)
		if (!STR_OK(sc, top[i]))
			return bad_string(sc, top[i], "Profile", NULL, 0);
	for (i = 0; i < p->nsample_types; i++)
		if (!STR_OK(sc, p->sample_types[i].type) || !STR_OK(sc, p->sample_types[i].unit))
			return bad_string(sc, STR_OK(sc, p->sample_types[i].type) ?
					  p->sample_types[i].unit : p->sample_types[i].type,
					  "sample_type", NULL, 0);
	for (i = 0; i < p->ncomments; i++)
		if (!STR_OK(sc, p->comments[i]))
			return bad_string(sc, p->comments[i], "comment", NULL, 0);
	return GOMEM_OK;
}

static int check_table_strings(const struct str_check *sc)
{
	const gomem_profile *p = sc->p;
	size_t i;

	for (i = 0; i < p->nfunctions; i++) {
		const struct gomem_function *f = &p->functions[i];
		uint32_t bad = !STR_OK(sc, f->name) ? f->name :
			       !STR_OK(sc, f->system_name) ? f->system_name :
			       !STR_OK(sc, f->filename) ? f->filename : 0;

		if (bad)
			return bad_string(sc, bad, "Function", NULL, 0);
	}
	for (i = 0; i < p->nmappings; i++) {
		const struct gomem_mapping *m = &p->mappings[i];
		uint32_t bad = !STR_OK(sc, m->filename) ? m->filename :
			       !STR_OK(sc, m->build_id) ? m->build_id : 0;

		if (bad)
			return bad_string(sc, bad, "Mapping", NULL, 0);
	}
	return GOMEM_OK;
}

static int check_labels(const struct str_check *sc, const struct gomem_sample *s,
			const uint64_t *offsets, size_t i)
{
	for (uint32_t j = 0; j < s->nlabels; j++) {
		const struct gomem_label *l = &sc->p->labels[s->label_off + j];
		uint32_t bad = !STR_OK(sc, l->key) ? l->key :
			       !STR_OK(sc, l->str) ? l->str :
			       !STR_OK(sc, l->num_unit) ? l->num_unit : 0;

		if (bad)
			return bad_string(sc, bad, "Label", offsets, i);
	}
	return GOMEM_OK;
}

/* Location mapping ids become index+1 (0 stays "none"); line function ids
 * become indices. pprof refuses a line without a function, and so do we. */
static int resolve_locations(gomem_profile *p, const struct id_index *maps,
			     const struct id_index *funcs, const uint64_t *offsets,
			     gomem_error *err)
{
	for (size_t i = 0; i < p->nlocations; i++) {
		struct gomem_location *loc = &p->locations[i];

		if (loc->mapping != 0) {
			uint32_t m = idx_find(maps, loc->mapping);

			if (m == GOMEM_NONE)
				return fail_item(err, offsets, i, GOMEM_E_FORMAT,
						 "location id %llu references missing mapping id %llu",
						 (unsigned long long)loc->id,
						 (unsigned long long)loc->mapping);
			loc->mapping = (uint64_t)m + 1;
		}
		if ((uint64_t)loc->line_off + loc->nlines > p->nlines)
			return fail_item(err, offsets, i, GOMEM_E_INVALID,
					 "location id %llu: lines out of range",
					 (unsigned long long)loc->id);
		for (uint32_t j = 0; j < loc->nlines; j++) {
			struct gomem_line *ln = &p->lines[loc->line_off + j];
			uint32_t f = idx_find(funcs, ln->function);

			if (f == GOMEM_NONE)
				return fail_item(err, offsets, i, GOMEM_E_FORMAT,
						 "location id %llu references missing function id %llu",
						 (unsigned long long)loc->id,
						 (unsigned long long)ln->function);
			ln->function = f;
		}
	}
	return GOMEM_OK;
}

/* Location references become uint32_t indices in loc_index. They are most
 * of a profile's memory (one per frame of every sample), so when the samples'
 * runs lie in order, as every reader appends them, the 8-byte ids are
 * rewritten as 4-byte indices in the same allocation, which then shrinks:
 * index k lands in bytes an id before k held, and ids are read before they
 * are overwritten. */
static int make_location_view(gomem_profile *p, uint32_t **view, gomem_error *err)
{
	uint64_t end = 0;
	bool in_order = true;

	for (size_t i = 0; i < p->nsamples && in_order; i++) {
		in_order = p->samples[i].loc_off >= end;
		end = p->samples[i].loc_off + p->samples[i].nlocs;
	}
	free(p->loc_index);
	p->loc_index = NULL;
	if (in_order && p->sample_locs != NULL) {
		*view = (uint32_t *)p->sample_locs;
		return GOMEM_OK;
	}
	*view = malloc((p->nsample_locs ? p->nsample_locs : 1) * sizeof(**view));
	if (*view == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	return GOMEM_OK;
}

/* Hands the finished view to loc_index and drops the ids. */
static void keep_location_view(gomem_profile *p, uint32_t *view)
{
	if (view == (uint32_t *)p->sample_locs) {
		uint32_t *shrunk = realloc(view, (p->nsample_locs ? p->nsample_locs : 1) * sizeof(*view));

		p->loc_index = shrunk ? shrunk : view;
	} else {
		free(p->sample_locs);
		p->loc_index = view;
	}
	p->sample_locs = NULL;
	p->sample_locs_cap = 0;
}

static int resolve_sample(gomem_profile *p, size_t i, const struct id_index *locs,
			  uint32_t *view, const uint64_t *offsets, gomem_error *err)
{
	const struct gomem_sample *s = &p->samples[i];
	uint64_t *ids = GOMEM_AT(p->sample_locs, s->loc_off);

	if (s->nvalues != p->nsample_types)
		return fail_item(err, offsets, i, GOMEM_E_FORMAT,
				 "sample has %u values, expected %zu (one per sample type)",
				 s->nvalues, p->nsample_types);
	for (uint32_t j = 0; j < s->nlocs; j++) {
		uint32_t idx = idx_find(locs, ids[j]);

		if (idx == GOMEM_NONE)
			return fail_item(err, offsets, i, GOMEM_E_FORMAT,
					 "sample references missing location id %llu",
					 (unsigned long long)ids[j]);
		view[s->loc_off + j] = idx;
	}
	return GOMEM_OK;
}

/* One pass over the samples (they are most of the memory): runs in range,
 * one value per sample type, label strings, location ids. */
static int resolve_samples(gomem_profile *p, const struct id_index *locs,
			   const uint64_t *offsets, gomem_error *err)
{
	struct str_check sc = {p, err};
	uint32_t *view = NULL;
	int rc;

	if (p->nsample_types == 0 && p->nsamples > 0)
		return gomem_error_set(err, GOMEM_E_FORMAT, "missing sample type information");
	if ((rc = make_location_view(p, &view, err)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct gomem_sample *s = &p->samples[i];

		if (s->loc_off + s->nlocs > p->nsample_locs ||
		    s->value_off + s->nvalues > p->nvalues ||
		    (uint64_t)s->label_off + s->nlabels > p->nlabels) {
			rc = fail_item(err, offsets, i, GOMEM_E_INVALID,
				       "sample #%zu: runs out of range", i + 1);
			break;
		}
		if ((rc = check_labels(&sc, s, offsets, i)) != GOMEM_OK ||
		    (rc = resolve_sample(p, i, locs, view, offsets, err)) != GOMEM_OK)
			break;
	}
	if (rc == GOMEM_OK)
		keep_location_view(p, view);
	else if (view != (uint32_t *)p->sample_locs)
		free(view);
	return rc;
}

static int check_strings(gomem_profile *p, gomem_error *err)
{
	struct str_check sc = {p, err};
	int rc;

	if (p->strings.count == 0 || gomem_strpool_len(&p->strings, 0) != 0)
		return gomem_error_set(err, GOMEM_E_FORMAT, "string_table[0] must be \"\"");
	if ((rc = check_profile_strings(&sc)) != GOMEM_OK)
		return rc;
	return check_table_strings(&sc);
}

int gomem_profile_resolve(gomem_profile *p, const uint64_t *sample_offsets,
			  const uint64_t *location_offsets, gomem_error *err)
{
	struct id_index maps, funcs, locs;
	int rc;

	if ((rc = check_strings(p, err)) != GOMEM_OK)
		return rc;
	memset(&funcs, 0, sizeof(funcs));
	memset(&locs, 0, sizeof(locs));
	rc = idx_build(&maps, p->mappings, sizeof(*p->mappings), p->nmappings, "mapping",
		       NULL, err);
	if (rc == GOMEM_OK)
		rc = idx_build(&funcs, p->functions, sizeof(*p->functions), p->nfunctions,
			       "function", NULL, err);
	if (rc == GOMEM_OK)
		rc = idx_build(&locs, p->locations, sizeof(*p->locations), p->nlocations,
			       "location", location_offsets, err);
	if (rc == GOMEM_OK)
		rc = resolve_locations(p, &maps, &funcs, location_offsets, err);
	if (rc == GOMEM_OK)
		rc = resolve_samples(p, &locs, sample_offsets, err);
	idx_free(&maps);
	idx_free(&funcs);
	idx_free(&locs);
	return rc;
}

/* ---- reading: sniff the format, pull the source, feed a reader ------------ */

/* Text heap formats, Go's and other runtimes': the legacy reader parses or
 * refuses them with a message that names the format. */
static const char *const text_heap_magic[] = {
	"heap profile:", "heap_v2/", "heapz_v2/", "--- heapz", "--- heap ",
};

/* A profile.proto starts with a field tag and a varint or length, bytes
 * below 0x20 within its first few bytes; text has none but tab, CR and LF.
 * Text that names no heap format still goes to the text reader, so the
 * user hears "line 1: expected 'heap profile:'" rather than a wire-type
 * error about a file that was never protobuf. */
static bool looks_like_text(const uint8_t *d, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n && i < 512; i++)
		if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r') || d[i] == 0x7f)
			return false;
	return true;
}

static bool looks_like_text_heap(const uint8_t *d, size_t n)
{
	if (looks_like_text(d, n))
		return true;
	while (n > 0 && (*d == ' ' || *d == '\t' || *d == '\n' || *d == '\r')) {
		d++;
		n--;
	}
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(text_heap_magic); i++) {
		size_t len = strlen(text_heap_magic[i]);

		if (n >= len && memcmp(d, text_heap_magic[i], len) == 0)
			return true;
	}
	return false;
}

/* Binary input whose very first field does not decode was never a
 * profile: say so, rather than only "invalid wire type 7". */
static void explain_first_field(gomem_error *err, int gzipped)
{
	char detail[sizeof(err->message)];

	if (err == NULL || err->code != GOMEM_E_FORMAT || !err->has_offset || err->offset != 0)
		return;
	memcpy(detail, err->message, sizeof(detail));
	snprintf(err->message, sizeof(err->message), "not a heap profile: %s (%.150s)",
		 gzipped ? "gzip data that is not profile.proto"
			 : "neither gzip, profile.proto nor legacy text",
		 detail);
}

/* Pulls SRC's chunks (or takes DATA whole) through one push reader. */
int gomem_read_profile(gomem_profile **out, const struct gomem_reader_ops *ops, gomem_source *src,
		       const void *data, size_t len, const char *name, gomem_error *err)
{
	void *r;
	int rc;

	*out = NULL;
	if ((rc = ops->create(&r, src ? gomem_source_name(src) : name)) != GOMEM_OK)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	if (src == NULL) {
		rc = ops->feed(r, data, len);
	} else {
		const uint8_t *chunk;
		size_t n;

		while ((rc = gomem_source_read(src, &chunk, &n)) == GOMEM_OK && n > 0)
			if ((rc = ops->feed(r, chunk, n)) != GOMEM_OK)
				break;
	}
	if (rc == GOMEM_OK)
		rc = ops->finish(out, r);
	if (rc != GOMEM_OK) {
		if (src)
			gomem_error_copy(err, gomem_source_error(src));
		gomem_error_copy(err, ops->error(r));
	}
	ops->destroy(r);
	return rc;
}

int gomem_profile_read(gomem_profile **out, gomem_source *src, gomem_error *err)
{
	const uint8_t *head;
	size_t n;
	int rc;

	*out = NULL;
	rc = gomem_source_peek(src, &head, &n, 4096);
	if (rc != GOMEM_OK) {
		gomem_error_copy(err, gomem_source_error(src));
	} else if (looks_like_text_heap(head, n)) {
		rc = gomem_read_profile(out, &gomem_heapprof_reader_ops, src, NULL, 0, NULL, err);
	} else {
		rc = gomem_read_profile(out, &gomem_pprof_reader_ops, src, NULL, 0, NULL, err);
		/* "empty input" needs no explaining */
		if (rc != GOMEM_OK && gomem_source_offset(src) > 0)
			explain_first_field(err, gomem_source_is_gzip(src));
	}
	if (rc != GOMEM_OK) {
		if (err != NULL && err->source[0] == '\0')
			gomem_error_set_source(err, gomem_source_name(src));
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
		gomem_profile_free(*out);
		*out = NULL;
	}
	return rc;
}

int gomem_profile_from_buffer(gomem_profile **out, const void *data, size_t len,
			      const char *name, gomem_error *err)
{
	gomem_source *src;
	int rc;

	*out = NULL;
	rc = gomem_source_open_memory(&src, data, len, name ? name : "<memory>", NULL, err);
	if (rc)
		return rc;
	rc = gomem_profile_read(out, src, err);
	gomem_source_free(src);
	return rc;
}

/* ---- accessors ------------------------------------------------------------ */

static const char *str(const gomem_profile *p, uint32_t id)
{
	return gomem_strpool_get(&p->strings, id);
}

gomem_profile_format gomem_profile_source_format(const gomem_profile *p)
{
	return p->format;
}

size_t gomem_profile_sample_type_count(const gomem_profile *p)
{
	return p->nsample_types;
}

const char *gomem_profile_sample_type(const gomem_profile *p, size_t i, const char **unit)
{
	if (i >= p->nsample_types) {
		if (unit)
			*unit = NULL;
		return NULL;
	}
	if (unit)
		*unit = str(p, p->sample_types[i].unit);
	return str(p, p->sample_types[i].type);
}

int gomem_profile_sample_type_index(const gomem_profile *p, const char *name)
{
	for (size_t i = 0; i < p->nsample_types; i++)
		if (strcmp(str(p, p->sample_types[i].type), name) == 0)
			return (int)i;
	return -1;
}

/* pprof: default_sample_type names the type; unset or unknown, the last. */
size_t gomem_profile_default_sample_type(const gomem_profile *p)
{
	int i = -1;

	if (p->default_sample_type != 0)
		i = gomem_profile_sample_type_index(p, str(p, p->default_sample_type));
	if (i >= 0)
		return (size_t)i;
	return p->nsample_types ? p->nsample_types - 1 : 0;
}

int64_t gomem_profile_period(const gomem_profile *p, const char **type, const char **unit)
{
	if (type)
		*type = str(p, p->period_type.type);
	if (unit)
		*unit = str(p, p->period_type.unit);
	return p->period;
}

int64_t gomem_profile_time_nanos(const gomem_profile *p)
{
	return p->time_nanos;
}

int64_t gomem_profile_duration_nanos(const gomem_profile *p)
{
	return p->duration_nanos;
}

size_t gomem_profile_comment_count(const gomem_profile *p)
{
	return p->ncomments;
}

const char *gomem_profile_comment(const gomem_profile *p, size_t i)
{
	return i < p->ncomments ? str(p, p->comments[i]) : NULL;
}

size_t gomem_profile_sample_count(const gomem_profile *p)
{
	return p->nsamples;
}

const int64_t *gomem_profile_sample_values(const gomem_profile *p, size_t i)
{
	return i < p->nsamples ? p->values + p->samples[i].value_off : NULL;
}

const uint32_t *gomem_profile_sample_locations(const gomem_profile *p, size_t i, size_t *n)
{
	const uint32_t *view;

	if (i >= p->nsamples) {
		if (n)
			*n = 0;
		return NULL;
	}
	if (n)
		*n = p->samples[i].nlocs;
	view = p->loc_index;
	return view + p->samples[i].loc_off;
}

size_t gomem_profile_sample_label_count(const gomem_profile *p, size_t i)
{
	return i < p->nsamples ? p->samples[i].nlabels : 0;
}

/* A label with a str is a string label; otherwise it is numeric (pprof). */
const char *gomem_profile_sample_label(const gomem_profile *p, size_t i, size_t j,
				       const char **strv, int64_t *num, const char **num_unit)
{
	const struct gomem_label *l;

	if (i >= p->nsamples || j >= p->samples[i].nlabels)
		return NULL;
	l = &p->labels[p->samples[i].label_off + j];
	if (strv)
		*strv = l->str ? str(p, l->str) : NULL;
	if (num)
		*num = l->num;
	if (num_unit)
		*num_unit = l->str ? NULL : str(p, l->num_unit);
	return str(p, l->key);
}

size_t gomem_profile_location_count(const gomem_profile *p)
{
	return p->nlocations;
}

uint64_t gomem_profile_location_address(const gomem_profile *p, size_t loc)
{
	return loc < p->nlocations ? p->locations[loc].address : 0;
}

size_t gomem_profile_location_line_count(const gomem_profile *p, size_t loc)
{
	return loc < p->nlocations ? p->locations[loc].nlines : 0;
}

int64_t gomem_profile_location_line(const gomem_profile *p, size_t loc, size_t j, int64_t *line)
{
	const struct gomem_line *ln;

	if (line)
		*line = 0;
	if (loc >= p->nlocations || j >= p->locations[loc].nlines)
		return -1;
	ln = &p->lines[p->locations[loc].line_off + j];
	if (line)
		*line = ln->line;
	return ln->function == GOMEM_NONE ? -1 : (int64_t)ln->function;
}

size_t gomem_profile_function_count(const gomem_profile *p)
{
	return p->nfunctions;
}

const char *gomem_profile_function_name(const gomem_profile *p, size_t fn)
{
	return fn < p->nfunctions ? str(p, p->functions[fn].name) : NULL;
}

const char *gomem_profile_function_file(const gomem_profile *p, size_t fn)
{
	return fn < p->nfunctions ? str(p, p->functions[fn].filename) : NULL;
}

size_t gomem_profile_mapping_count(const gomem_profile *p)
{
	return p->nmappings;
}

const char *gomem_profile_mapping_file(const gomem_profile *p, size_t m, uint64_t *start,
				       uint64_t *limit, uint64_t *offset)
{
	const struct gomem_mapping *mp = m < p->nmappings ? &p->mappings[m] : NULL;

	if (start)
		*start = mp ? mp->memory_start : 0;
	if (limit)
		*limit = mp ? mp->memory_limit : 0;
	if (offset)
		*offset = mp ? mp->file_offset : 0;
	return mp ? str(p, mp->filename) : NULL;
}

const gomem_memstats *gomem_profile_memstats(const gomem_profile *p)
{
	return p->memstats;
}
