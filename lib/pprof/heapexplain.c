/* SPDX-License-Identifier: Apache-2.0 */
/* heapexplain.c — the heap beyond the profile: each site's objects through
 * the size classes (what was asked for, what is charged), then MemStats for
 * the rest of HeapSys. Layout and accounting as in the runtime's mheap.go,
 * mstats.go and malloc.go: a span of a size class holds objects_per_span
 * elements and a tail too short for one more; HeapInuse - HeapAlloc is the
 * free room in spans in use; HeapIdle - HeapReleased are free pages kept. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

#define MAX_SITES ((size_t)1 << 24)

struct gomem_heapexplain {
	const gomem_sizeclass_table *table;
	int scan;
	int has_memstats;
	int64_t period;
	gomem_heapexplain_row rows[GOMEM_HEAPEXPLAIN_PART_COUNT];
	gomem_heapexplain_site *sites;
	size_t nsites, sites_cap;
	int64_t class_objects[128]; /* live objects per size class, for the span tails */
};

static const struct {
	const char *name, *title, *note;
} part_text[GOMEM_HEAPEXPLAIN_PART_COUNT] = {
	{"profiled", "profiled (in use)", "the profile's inuse_space, as the runtime charges it"},
	{"requested", "  requested (est.)", "what the program asked for: each recorded size's range of requests"},
	{"round_up", "  size-class round-up (est.)",
	 "charged - requested: size classes, whole pages, malloc headers"},
	{"unprofiled", "not in the profile", "HeapAlloc - profiled: allocated since the last GC, sampling error"},
	{"span_tails", "span tails (est.)", "per class, the span end too short for an object (spans counted full)"},
	{"partly_empty", "partly empty spans", "HeapInuse - HeapAlloc - span tails: free slots in spans in use"},
	{"free", "free pages", "HeapIdle - HeapReleased: kept by the runtime for reuse"},
	{"released", "released to the OS", "HeapReleased"},
	{"heap", "heap (HeapSys)", "HeapInuse + HeapIdle"},
};

/* ---- arithmetic that cannot overflow ------------------------------------- */

/* A profile is untrusted: its values may be anything an int64 holds. The
 * sums and products saturate rather than overflow (which is undefined). */
static int64_t sat_add(int64_t a, int64_t b)
{
	int64_t r;

	if (!__builtin_add_overflow(a, b, &r))
		return r;
	return b > 0 ? INT64_MAX : INT64_MIN;
}

static int64_t sat_sub(int64_t a, int64_t b)
{
	int64_t r;

	if (!__builtin_sub_overflow(a, b, &r))
		return r;
	return b < 0 ? INT64_MAX : INT64_MIN;
}

static int64_t sat_mul(int64_t a, int64_t b)
{
	int64_t r;

	if (!__builtin_mul_overflow(a, b, &r))
		return r;
	return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
}

/* MemStats are uint64: past INT64_MAX they are not a real heap anyway. */
static int64_t memstat_bytes(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* ---- the size of one site's objects -------------------------------------- */

static uint64_t charged_of(const gomem_sizeclass_table *t, uint64_t size, int scan)
{
	gomem_alloc_cost c;

	if (gomem_sizeclass_cost(t, size, scan != 0, &c) != GOMEM_OK)
		return 0;
	return c.rounded;
}

/* The requests the runtime charges exactly E bytes for: [*lo, *hi]. The
 * charge grows with the request, so both ends are binary searches over
 * 1..E. Returns 0 when no request is charged E (E is then a request). */
static int request_range(const gomem_sizeclass_table *t, uint64_t e, int scan, uint64_t *lo,
			 uint64_t *hi)
{
	uint64_t a = 1, b = e;

	while (a < b) { /* smallest request charged at least E */
		uint64_t m = a + (b - a) / 2;

		if (charged_of(t, m, scan) >= e)
			b = m;
		else
			a = m + 1;
	}
	if (charged_of(t, a, scan) != e)
		return 0;
	*lo = a;
	b = e;
	while (a < b) { /* largest request charged at most E */
		uint64_t m = a + (b - a + 1) / 2;

		if (charged_of(t, m, scan) <= e)
			a = m;
		else
			b = m - 1;
	}
	*hi = a;
	return 1;
}

/* Bytes times a ratio, rounded: the range of requests scales the profile's
 * in-use bytes, which at a sampling rate above 1 are an estimate anyway. */
static int64_t scale(int64_t bytes, uint64_t num, uint64_t den)
{
	double v = den ? (double)bytes * (double)num / (double)den : 0;

	if (v >= 9.2e18)
		return INT64_MAX;
	return (int64_t)llround(v);
}

/* Fills the size fields of S from its recorded size and in-use bytes. */
static int size_site(gomem_heapexplain *x, gomem_heapexplain_site *s, int64_t space, gomem_error *err)
{
	gomem_alloc_cost c;
	uint64_t lo, hi;

	if (gomem_sizeclass_cost(x->table, s->recorded_size, x->scan != 0, &c) != GOMEM_OK)
		return gomem_error_set(err, GOMEM_E_INVALID, "object size %llu is beyond what Go can allocate",
				       (unsigned long long)s->recorded_size);
	if (request_range(x->table, s->recorded_size, x->scan, &lo, &hi)) {
		/* The runtime recorded the charge: requests lie in [lo, hi]. */
		s->recorded_charged = 1;
		s->charged_size = s->recorded_size;
		s->request_low = lo;
		s->request_high = hi;
		s->charged = space;
		s->requested_low = scale(space, lo, s->charged_size);
		s->requested_high = scale(space, hi, s->charged_size);
	} else {
		s->recorded_charged = 0;
		s->charged_size = c.rounded;
		s->request_low = s->request_high = s->recorded_size;
		s->charged = scale(space, c.rounded, s->recorded_size);
		s->requested_low = s->requested_high = space;
	}
	/* The class of the charged size: the element size is the class's own,
	 * so a malloc header must not be added to it again. */
	if (gomem_sizeclass_cost(x->table, s->charged_size, x->scan != 0, &c) == GOMEM_OK && c.header &&
	    s->recorded_charged)
		gomem_sizeclass_cost(x->table, s->charged_size, false, &c);
	s->size_class = c.path == GOMEM_ALLOC_LARGE ? 0 : c.size_class;
	/* the middle of the range, without the overflow of low + high */
	s->requested = s->requested_low / 2 + s->requested_high / 2 +
		       (s->requested_low % 2 + s->requested_high % 2) / 2;
	s->roundup = sat_sub(s->charged, s->requested);
	s->roundup_low = sat_sub(s->charged, s->requested_high);
	s->roundup_high = sat_sub(s->charged, s->requested_low);
	return GOMEM_OK;
}

/* ---- sites from the profile ----------------------------------------------- */

struct sample_view {
	int objects_idx, space_idx;
};

static uint64_t bytes_label(const gomem_profile *p, size_t i)
{
	size_t n = gomem_profile_sample_label_count(p, i);

	for (size_t j = 0; j < n; j++) {
		const char *str = NULL, *unit = NULL;
		int64_t num = 0;
		const char *key = gomem_profile_sample_label(p, i, j, &str, &num, &unit);

		if (key && strcmp(key, "bytes") == 0 && unit && num > 0)
			return (uint64_t)num;
	}
	return 0;
}

/* The leaf frame of sample I: function, file and line of its first location's
 * innermost line. */
static void leaf_frame(const gomem_profile *p, size_t i, const char **fn, const char **file, int64_t *line)
{
	size_t n = 0;
	const uint32_t *locs = gomem_profile_sample_locations(p, i, &n);

	*fn = *file = "";
	*line = 0;
	if (n == 0 || gomem_profile_location_line_count(p, locs[0]) == 0)
		return;
	int64_t f = gomem_profile_location_line(p, locs[0], 0, line);
	if (f >= 0) {
		*fn = gomem_profile_function_name(p, (size_t)f);
		*file = gomem_profile_function_file(p, (size_t)f);
	}
}

static gomem_heapexplain_site *find_site(gomem_heapexplain *x, const char *fn, const char *file,
					 int64_t line, uint64_t size)
{
	/* Sites are few (one per leaf line and size): a linear scan from the
	 * end finds the common case, consecutive samples of one site, at once. */
	for (size_t k = x->nsites; k-- > 0;) {
		gomem_heapexplain_site *s = &x->sites[k];

		if (s->recorded_size == size && s->line == line && strcmp(s->function, fn) == 0 &&
		    strcmp(s->file, file) == 0)
			return s;
	}
	return NULL;
}

static int add_sample(gomem_heapexplain *x, const gomem_profile *p, size_t i, const struct sample_view *v,
		      int64_t *space_of_site, gomem_error *err)
{
	const int64_t *vals = gomem_profile_sample_values(p, i);
	int64_t objects = vals[v->objects_idx], space = vals[v->space_idx];
	uint64_t size = bytes_label(p, i);
	const char *fn, *file;
	int64_t line;
	gomem_heapexplain_site *s;
	int rc;

	if (objects <= 0 || space <= 0)
		return GOMEM_OK; /* nothing of this site is live */
	if (size == 0)
		size = (uint64_t)llround((double)space / (double)objects);
	leaf_frame(p, i, &fn, &file, &line);
	if ((s = find_site(x, fn, file, line, size)) == NULL) {
		if ((rc = GOMEM_GROW(x->sites, x->sites_cap, x->nsites + 1, MAX_SITES)) != GOMEM_OK)
			return gomem_error_set(err, rc, "too many allocation sites");
		s = &x->sites[x->nsites];
		memset(s, 0, sizeof(*s));
		s->function = fn;
		s->file = file;
		s->line = line;
		s->recorded_size = size;
		space_of_site[x->nsites++] = 0;
	}
	s->objects = sat_add(s->objects, objects);
	space_of_site[s - x->sites] = sat_add(space_of_site[s - x->sites], space);
	return GOMEM_OK;
}

static int by_roundup(const void *a, const void *b, void *ctx)
{
	const gomem_heapexplain_site *s = a, *t = b;
	int c;

	(void)ctx;
	if (s->roundup != t->roundup)
		return s->roundup > t->roundup ? -1 : 1;
	if (s->charged != t->charged)
		return s->charged > t->charged ? -1 : 1;
	if ((c = strcmp(s->function, t->function)) != 0)
		return c;
	if (s->line != t->line)
		return s->line < t->line ? -1 : 1;
	return s->recorded_size < t->recorded_size ? -1 : s->recorded_size > t->recorded_size;
}

static int collect_sites(gomem_heapexplain *x, const gomem_profile *p, const struct sample_view *v,
			 gomem_error *err)
{
	size_t n = gomem_profile_sample_count(p);
	int64_t *space = calloc(n ? n : 1, sizeof(*space));
	int rc = space ? GOMEM_OK : gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");

	for (size_t i = 0; i < n && rc == GOMEM_OK; i++)
		rc = add_sample(x, p, i, v, space, err);
	for (size_t k = 0; k < x->nsites && rc == GOMEM_OK; k++) {
		gomem_heapexplain_site *s = &x->sites[k];

		if ((rc = size_site(x, s, space[k], err)) == GOMEM_OK && s->size_class > 0 &&
		    (size_t)s->size_class < GOMEM_ARRAY_SIZE(x->class_objects))
			x->class_objects[s->size_class] = sat_add(x->class_objects[s->size_class], s->objects);
	}
	free(space);
	if (rc == GOMEM_OK && x->nsites > 1 &&
	    gomem_sort(x->sites, x->nsites, sizeof(*x->sites), by_roundup, NULL) != GOMEM_OK)
		rc = gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	return rc;
}

/* ---- the breakdown -------------------------------------------------------- */

static void set_row(gomem_heapexplain *x, gomem_heapexplain_part part, int64_t low, int64_t bytes,
		    int64_t high)
{
	gomem_heapexplain_row *r = &x->rows[part];

	r->known = 1;
	r->low = low;
	r->bytes = bytes;
	r->high = high;
}

/* The fewest spans that hold each class's live objects, times the class's
 * tail: a lower bound (partly empty spans have tails too). Tiny blocks and
 * large objects have none. */
static int64_t span_tails(const gomem_heapexplain *x)
{
	int n = gomem_sizeclass_count(x->table);
	int64_t total = 0;

	for (int cls = 1; cls < n && (size_t)cls < GOMEM_ARRAY_SIZE(x->class_objects); cls++) {
		uint32_t elem, pages, per_span;
		int64_t objects = x->class_objects[cls];

		if (objects <= 0 || gomem_sizeclass_class(x->table, cls, &elem, &pages, &per_span) != GOMEM_OK)
			continue;
		int64_t spans = objects / per_span + (objects % per_span != 0);
		total = sat_add(total, sat_mul(spans, (int64_t)((uint64_t)pages * GOMEM_PAGE_SIZE -
								 (uint64_t)per_span * elem)));
	}
	return total;
}

static void profile_rows(gomem_heapexplain *x)
{
	int64_t charged = 0, req = 0, req_lo = 0, req_hi = 0;

	for (size_t k = 0; k < x->nsites; k++) {
		charged = sat_add(charged, x->sites[k].charged);
		req = sat_add(req, x->sites[k].requested);
		req_lo = sat_add(req_lo, x->sites[k].requested_low);
		req_hi = sat_add(req_hi, x->sites[k].requested_high);
	}
	set_row(x, GOMEM_HEAPEXPLAIN_PROFILED, charged, charged, charged);
	set_row(x, GOMEM_HEAPEXPLAIN_REQUESTED, req_lo, req, req_hi);
	set_row(x, GOMEM_HEAPEXPLAIN_ROUNDUP, sat_sub(charged, req_hi), sat_sub(charged, req),
		sat_sub(charged, req_lo));
	int64_t tails = span_tails(x);
	set_row(x, GOMEM_HEAPEXPLAIN_SPAN_TAILS, tails, tails, tails);
}

static void memstats_rows(gomem_heapexplain *x, const gomem_memstats *ms)
{
	int64_t alloc = memstat_bytes(ms->heap_alloc), inuse = memstat_bytes(ms->heap_inuse);
	int64_t idle = memstat_bytes(ms->heap_idle), released = memstat_bytes(ms->heap_released);
	int64_t profiled = x->rows[GOMEM_HEAPEXPLAIN_PROFILED].bytes;
	int64_t tails = x->rows[GOMEM_HEAPEXPLAIN_SPAN_TAILS].bytes;
	int64_t unprof = sat_sub(alloc, profiled), partly = sat_sub(sat_sub(inuse, alloc), tails);
	int64_t free_ = sat_sub(idle, released), heap = sat_add(inuse, idle);

	set_row(x, GOMEM_HEAPEXPLAIN_UNPROFILED, unprof, unprof, unprof);
	set_row(x, GOMEM_HEAPEXPLAIN_PARTLY_EMPTY, partly, partly, partly);
	set_row(x, GOMEM_HEAPEXPLAIN_FREE, free_, free_, free_);
	set_row(x, GOMEM_HEAPEXPLAIN_RELEASED, released, released, released);
	set_row(x, GOMEM_HEAPEXPLAIN_HEAP, heap, heap, heap);
}

static void percents(gomem_heapexplain *x)
{
	const gomem_heapexplain_row *heap = &x->rows[GOMEM_HEAPEXPLAIN_HEAP];

	for (int i = 0; i < GOMEM_HEAPEXPLAIN_PART_COUNT; i++) {
		gomem_heapexplain_row *r = &x->rows[i];

		r->heap_pct = heap->known && heap->bytes > 0 && r->known
				      ? 100.0 * (double)r->bytes / (double)heap->bytes
				      : NAN;
	}
}

static int find_types(struct sample_view *v, const gomem_profile *p, gomem_error *err)
{
	v->objects_idx = gomem_profile_sample_type_index(p, "inuse_objects");
	v->space_idx = gomem_profile_sample_type_index(p, "inuse_space");
	if (v->objects_idx < 0 || v->space_idx < 0)
		return gomem_error_set(err, GOMEM_E_INVALID,
				       "not a heap profile: no inuse_objects and inuse_space sample types");
	return GOMEM_OK;
}

int gomem_heapexplain_new(gomem_heapexplain **out, const gomem_profile *p,
			  const gomem_heapexplain_options *opts, gomem_error *err)
{
	gomem_heapexplain_options defaults = GOMEM_HEAPEXPLAIN_OPTIONS_INIT;
	const gomem_memstats *ms;
	struct sample_view v;
	gomem_heapexplain *x;
	int rc;

	if (!out)
		return gomem_error_set(err, GOMEM_E_INVALID, "no place for the result");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (!p || opts->version != GOMEM_HEAPEXPLAIN_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "no profile or an unknown options version");
	if ((rc = find_types(&v, p, err)) != GOMEM_OK)
		return rc;
	if (!(x = calloc(1, sizeof(*x))))
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	x->table = gomem_sizeclass_for(opts->go_minor ? opts->go_minor : gomem_sizeclass_newest());
	if (!x->table) {
		free(x);
		return gomem_error_set(err, GOMEM_E_INVALID, "no size classes for Go 1.%d (1.19 and later)",
				       opts->go_minor);
	}
	x->scan = opts->scan;
	x->period = gomem_profile_period(p, NULL, NULL);
	for (int i = 0; i < GOMEM_HEAPEXPLAIN_PART_COUNT; i++) {
		x->rows[i].part = (gomem_heapexplain_part)i;
		x->rows[i].name = part_text[i].name;
		x->rows[i].title = part_text[i].title;
		x->rows[i].note = part_text[i].note;
	}
	if ((rc = collect_sites(x, p, &v, err)) != GOMEM_OK) {
		gomem_heapexplain_free(x);
		return rc;
	}
	profile_rows(x);
	ms = opts->memstats ? opts->memstats : gomem_profile_memstats(p);
	if (ms) {
		x->has_memstats = 1;
		memstats_rows(x, ms);
	}
	percents(x);
	*out = x;
	return GOMEM_OK;
}

void gomem_heapexplain_free(gomem_heapexplain *x)
{
	if (!x)
		return;
	free(x->sites);
	free(x);
}

const gomem_heapexplain_row *gomem_heapexplain_row_at(const gomem_heapexplain *x,
						      gomem_heapexplain_part part)
{
	if (!x || (int)part < 0 || part >= GOMEM_HEAPEXPLAIN_PART_COUNT)
		return NULL;
	return &x->rows[part];
}

int gomem_heapexplain_has_memstats(const gomem_heapexplain *x)
{
	return x && x->has_memstats;
}

int64_t gomem_heapexplain_sample_period(const gomem_heapexplain *x)
{
	return x ? x->period : 0;
}

const char *gomem_heapexplain_release(const gomem_heapexplain *x)
{
	return x ? gomem_sizeclass_release(x->table) : "";
}

size_t gomem_heapexplain_site_count(const gomem_heapexplain *x)
{
	return x ? x->nsites : 0;
}

const gomem_heapexplain_site *gomem_heapexplain_site_at(const gomem_heapexplain *x, size_t i)
{
	return x && i < x->nsites ? &x->sites[i] : NULL;
}

/* ---- live endpoints ------------------------------------------------------- */

int gomem_heapexplain_url(char **out, const char *url)
{
	if (!out || !url)
		return GOMEM_E_INVALID;
	/* The one URL rule (source.h): the text form, which carries MemStats. */
	return gomem_pprof_url(out, url, "heap", "debug=1&gc=1", 0);
}
