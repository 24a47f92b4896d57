/* SPDX-License-Identifier: Apache-2.0 */
/* heapdiff.c — the difference of two profiles, the way `go tool pprof
 * -diff_base` computes it (graph.newGraph): a sample's value goes to its leaf
 * frame (flat) and once to every distinct frame on its stack (cum); the base
 * profile counts negatively. Frames are the lines of each location, inlined
 * calls included. Each delta carries the uncertainty of the runtime's
 * sampling, so a gate on the total does not flap on noise. */
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "heapdiff-internal.h"

static const char *const by_names[] = {"function", "line", "file", "package", "stack"};
static const char *const sort_names[] = {"delta", "abs", "percent", "size"};

int gomem_heapdiff_by_parse(gomem_heapdiff_by *out, const char *name)
{
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(by_names); i++)
		if (strcmp(name, by_names[i]) == 0) {
			*out = (gomem_heapdiff_by)i;
			return GOMEM_OK;
		}
	return GOMEM_E_INVALID;
}

int gomem_heapdiff_sort_parse(gomem_heapdiff_sort *out, const char *name)
{
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(sort_names); i++)
		if (strcmp(name, sort_names[i]) == 0) {
			*out = (gomem_heapdiff_sort)i;
			return GOMEM_OK;
		}
	return GOMEM_E_INVALID;
}

/* ---- sample types --------------------------------------------------------- */

/* The index of NAME in P. A legacy profile whose header showed nothing freed
 * has pprof's two types "objects" and "space": inuse_space finds "space". */
static int find_type(const gomem_profile *p, const char *name)
{
	int i = gomem_profile_sample_type_index(p, name);
	const char *us = strchr(name, '_');

	if (i < 0 && us != NULL)
		i = gomem_profile_sample_type_index(p, us + 1);
	return i;
}

/* The type that pairs with NAME: the object count for a space type and the
 * other way round; the uncertainty needs both a count and a size. */
static void pair_name(char *buf, size_t size, const char *name)
{
	size_t n = strlen(name);

	if (n >= 6 && strcmp(name + n - 6, "_space") == 0)
		snprintf(buf, size, "%.*s_objects", (int)(n - 6), name);
	else if (n >= 8 && strcmp(name + n - 8, "_objects") == 0)
		snprintf(buf, size, "%.*s_space", (int)(n - 8), name);
	else if (strcmp(name, "space") == 0)
		snprintf(buf, size, "objects");
	else if (strcmp(name, "objects") == 0)
		snprintf(buf, size, "space");
	else
		buf[0] = '\0';
}

static void list_types(char *buf, size_t size, const gomem_profile *p)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < gomem_profile_sample_type_count(p) && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					gomem_profile_sample_type(p, i, NULL));
}

static int bind_side(struct hd_side *side, const gomem_profile *p, const char *label,
		     const char *type, gomem_error *err)
{
	char pair[128], have[512];
	const char *unit;

	side->p = p;
	side->value = find_type(p, type);
	if (side->value < 0) {
		list_types(have, sizeof(have), p);
		return gomem_error_set(err, GOMEM_E_NOTFOUND,
				       "%s profile has no sample type '%s' (it has: %s)", label,
				       type, have[0] ? have : "none");
	}
	gomem_profile_sample_type(p, (size_t)side->value, &unit);
	side->is_space = unit && strcmp(unit, "bytes") == 0;
	pair_name(pair, sizeof(pair), gomem_profile_sample_type(p, (size_t)side->value, NULL));
	side->pair = pair[0] ? find_type(p, pair) : -1;
	side->rate = gomem_profile_period(p, NULL, NULL);
	side->scale = 1.0;
	return GOMEM_OK;
}

/* ---- frames and nodes ---------------------------------------------------- */

/* The Go package of a function name: up to the first '.' after the last
 * '/' ("net/http.(*conn).serve" -> "net/http"). Type parameters can hold
 * slashes ("pkg.F[example.com/x.T]"), so look only before the first '['. */
size_t gomem_go_package_len(const char *name)
{
	const char *bracket = strchr(name, '[');
	size_t limit = bracket ? (size_t)(bracket - name) : strlen(name);
	size_t start = 0, i;

	for (i = 0; i < limit; i++)
		if (name[i] == '/')
			start = i + 1;
	for (i = start; i < limit; i++)
		if (name[i] == '.')
			return i;
	return limit;
}

/* The node name of frame J of location LOC, per the granularity. */
static int frame_name(gomem_buf *b, const gomem_profile *p, size_t loc, size_t j,
		      gomem_heapdiff_by by)
{
	int64_t line = 0;
	/* a location without lines (unsymbolized) is named by its address */
	int64_t fn = gomem_profile_location_line_count(p, loc) > 0
			     ? gomem_profile_location_line(p, loc, j, &line) : -1;
	const char *name = fn >= 0 ? gomem_profile_function_name(p, (size_t)fn) : "";
	const char *file = fn >= 0 ? gomem_profile_function_file(p, (size_t)fn) : "";
	const char *file_or_name = file[0] ? file : name;

	b->len = 0;
	if (name[0] == '\0' && (by != GOMEM_BY_FILE || file[0] == '\0'))
		return gomem_buf_printf(b, "0x%llx",
					(unsigned long long)gomem_profile_location_address(p, loc));
	switch (by) {
	case GOMEM_BY_LINE:
		return gomem_buf_printf(b, "%s %s:%lld", name, file, (long long)line);
	case GOMEM_BY_FILE:
		return gomem_buf_append(b, file_or_name, strlen(file_or_name));
	case GOMEM_BY_PACKAGE:
		return gomem_buf_append(b, name, gomem_go_package_len(name));
	default:
		return gomem_buf_append(b, name, strlen(name));
	}
}

int gomem_hd_node(gomem_heapdiff *d, const char *name, size_t len, uint32_t *out)
{
	int rc = gomem_strpool_intern(&d->names, name, len, out);

	if (rc == GOMEM_OK && *out >= d->nnodes) {
		rc = GOMEM_GROW(d->nodes, d->nodes_cap, (size_t)*out + 1, GOMEM_PROFILE_MAX_ITEMS);
		if (rc)
			return rc;
		for (; d->nnodes <= *out; d->nnodes++) {
			memset(&d->nodes[d->nnodes], 0, sizeof(d->nodes[0]));
			d->nodes[d->nnodes].stamp = SIZE_MAX;
		}
	}
	return rc;
}

/* Node ids of every frame of every location of one profile: frames of
 * location L are frame_nodes[frame_off[L] .. frame_off[L+1]); a location
 * without lines (unsymbolized) is one frame named by its address. */
static int map_frames(gomem_heapdiff *d, struct hd_side *side)
{
	const gomem_profile *p = side->p;
	size_t nloc = gomem_profile_location_count(p), total = 0;
	gomem_buf name;
	int rc = GOMEM_OK;

	side->frame_off = malloc((nloc + 1) * sizeof(*side->frame_off));
	if (side->frame_off == NULL)
		return GOMEM_E_NOMEM;
	for (size_t l = 0; l < nloc; l++) {
		size_t n = gomem_profile_location_line_count(p, l);

		side->frame_off[l] = total;
		total += n ? n : 1;
	}
	side->frame_off[nloc] = total;
	side->frame_nodes = malloc((total ? total : 1) * sizeof(*side->frame_nodes));
	if (side->frame_nodes == NULL)
		return GOMEM_E_NOMEM;
	gomem_buf_init(&name, 1 << 20);
	for (size_t l = 0; l < nloc && rc == GOMEM_OK; l++) {
		size_t n = side->frame_off[l + 1] - side->frame_off[l];

		for (size_t j = 0; j < n && rc == GOMEM_OK; j++) {
			rc = frame_name(&name, p, l, j, d->opts.by);
			if (rc == GOMEM_OK)
				rc = gomem_hd_node(d, name.data ? name.data : "", name.len,
						   &side->frame_nodes[side->frame_off[l] + j]);
		}
	}
	gomem_buf_free(&name);
	return rc;
}

/* ---- focus and ignore ---------------------------------------------------- */

static int compile_filter(regex_t *re, bool *set, const char *pattern, const char *what,
			  gomem_error *err)
{
	char msg[128];
	int rc;

	*set = false;
	if (pattern == NULL || pattern[0] == '\0')
		return GOMEM_OK;
	rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, re, msg, sizeof(msg));
		return gomem_error_set(err, GOMEM_E_INVALID, "%s regex '%s': %s", what, pattern, msg);
	}
	*set = true;
	return GOMEM_OK;
}

/* pprof's FilterSamplesByName: a frame matches when its function name or
 * its file matches. Cached per frame: each is tested once per profile. */
static bool frame_matches(const struct hd_side *side, regex_t *re, size_t loc, size_t j)
{
	const gomem_profile *p = side->p;
	int64_t line, fn;
	char addr[32];

	if (gomem_profile_location_line_count(p, loc) == 0) {
		snprintf(addr, sizeof(addr), "0x%llx",
			 (unsigned long long)gomem_profile_location_address(p, loc));
		return regexec(re, addr, 0, NULL, 0) == 0;
	}
	fn = gomem_profile_location_line(p, loc, j, &line);
	if (fn < 0)
		return false;
	return regexec(re, gomem_profile_function_name(p, (size_t)fn), 0, NULL, 0) == 0 ||
	       regexec(re, gomem_profile_function_file(p, (size_t)fn), 0, NULL, 0) == 0;
}

/* Per location: bit 0 matches focus, bit 1 matches ignore. */
static int match_locations(gomem_heapdiff *d, struct hd_side *side)
{
	size_t nloc = gomem_profile_location_count(side->p);

	if (!d->has_focus && !d->has_ignore)
		return GOMEM_OK;
	side->loc_match = calloc(nloc ? nloc : 1, 1);
	if (side->loc_match == NULL)
		return GOMEM_E_NOMEM;
	for (size_t l = 0; l < nloc; l++) {
		size_t n = side->frame_off[l + 1] - side->frame_off[l];

		for (size_t j = 0; j < n; j++) {
			if (d->has_focus && frame_matches(side, &d->focus, l, j))
				side->loc_match[l] |= 1;
			if (d->has_ignore && frame_matches(side, &d->ignore, l, j))
				side->loc_match[l] |= 2;
		}
	}
	return GOMEM_OK;
}

bool gomem_hd_sample_kept(const gomem_heapdiff *d, const struct hd_side *side, size_t s)
{
	const uint32_t *locs;
	size_t n;
	unsigned seen = 0;

	if (side->loc_match == NULL)
		return true;
	locs = gomem_profile_sample_locations(side->p, s, &n);
	for (size_t i = 0; i < n; i++)
		seen |= side->loc_match[locs[i]];
	if (d->has_ignore && (seen & 2))
		return false;
	return !d->has_focus || (seen & 1);
}

/* ---- values and their uncertainty ---------------------------------------- */

/* The object size of sample S: its "bytes" label (Go writes one), else the
 * average of the space and object counts. */
static double object_size(const struct hd_side *side, size_t s, const int64_t *v)
{
	size_t nl = gomem_profile_sample_label_count(side->p, s);
	int space = side->is_space ? side->value : side->pair;
	int objects = side->is_space ? side->pair : side->value;

	for (size_t j = 0; j < nl; j++) {
		const char *str;
		int64_t num;
		const char *key = gomem_profile_sample_label(side->p, s, j, &str, &num, NULL);

		if (strcmp(key, "bytes") == 0 && num > 0)
			return (double)num;
	}
	if (space >= 0 && objects >= 0 && v[objects] != 0)
		return (double)v[space] / (double)v[objects];
	return 0;
}

/* The sampling noise of one sample. An object of size s is sampled with
 * probability q = 1 - exp(-s/rate) and a sampled one stands for 1/q objects,
 * so each estimated object carries variance (1-q)/q (s^2 times that in
 * bytes): *per_object gets that, *objects the estimated object count. At
 * rate 1 every object is recorded and both are 0. */
static void sample_noise(const struct hd_side *side, size_t s, const int64_t *v,
			 double *per_object, double *objects)
{
	int count = side->is_space ? side->pair : side->value;
	double size, q;

	*per_object = *objects = 0;
	if (side->rate <= 1 || count < 0)
		return;
	size = object_size(side, s, v);
	q = size > 0 ? -expm1(-size / (double)side->rate) : 0;
	if (q <= 0)
		return;
	*per_object = (side->is_space ? size * size : 1.0) * (1 - q) / q;
	*objects = (double)v[count] * side->scale;
}

/* The value of sample S as pprof sees it after -normalize: each value is
 * scaled and truncated to an integer (profile.ScaleN). */
int64_t gomem_hd_value(const struct hd_side *side, const int64_t *v)
{
	int64_t x = v[side->value];

	return side->scale == 1.0 ? x : (int64_t)((double)x * side->scale);
}

static int64_t side_total(const struct hd_side *side)
{
	size_t ns = gomem_profile_sample_count(side->p);
	int64_t total = 0;

	for (size_t s = 0; s < ns; s++)
		total += gomem_profile_sample_values(side->p, s)[side->value];
	return total;
}

/* ---- accumulation -------------------------------------------------------- */

static int stack_node(gomem_heapdiff *d, const struct hd_side *side, size_t s, uint32_t *out)
{
	const uint32_t *locs;
	size_t n;
	int rc = GOMEM_OK;

	d->scratch.len = 0;
	locs = gomem_profile_sample_locations(side->p, s, &n);
	for (size_t i = n; i-- > 0 && rc == GOMEM_OK;) {
		size_t off = side->frame_off[locs[i]], end = side->frame_off[locs[i] + 1];

		for (size_t f = end; f-- > off && rc == GOMEM_OK;) {
			const char *nm = gomem_strpool_get(&d->names, side->frame_nodes[f]);

			if (d->scratch.len)
				rc = gomem_buf_append(&d->scratch, ";", 1);
			if (rc == GOMEM_OK)
				rc = gomem_buf_append(&d->scratch, nm, strlen(nm));
		}
	}
	if (rc)
		return rc;
	return gomem_hd_node(d, d->scratch.data ? d->scratch.data : "", d->scratch.len, out);
}

/* Sampling noise is kept per stack, not per sample: two snapshots of one
 * process share every sampled record that lived through both, so only the
 * change of a stack's sampled objects is uncertain. The key is the stack's
 * node ids and the object size; its noise is |objects NEW - objects BASE|
 * times the per-object variance (exact when a site only grew or only
 * shrank, an underestimate when it did both at once). */
static int note_noise(gomem_heapdiff *d, const struct hd_side *side, int is_new, size_t s,
		      const int64_t *v, const uint32_t *ids, size_t nids)
{
	double per_object, objects;
	uint32_t id;
	int rc;

	sample_noise(side, s, v, &per_object, &objects);
	if (per_object == 0)
		return GOMEM_OK;
	d->key.len = 0;
	if ((rc = gomem_buf_append(&d->key, ids, nids * sizeof(*ids))) != GOMEM_OK ||
	    (rc = gomem_buf_append(&d->key, &per_object, sizeof(per_object))) != GOMEM_OK ||
	    (rc = gomem_strpool_intern(&d->stack_keys, d->key.data, d->key.len, &id)) != GOMEM_OK)
		return rc;
	if (id >= d->nstacks) {
		rc = GOMEM_GROW(d->stacks, d->stacks_cap, (size_t)id + 1, GOMEM_PROFILE_MAX_ITEMS);
		if (rc)
			return rc;
		memset(&d->stacks[d->nstacks], 0, sizeof(d->stacks[0]) * (id + 1 - d->nstacks));
		d->nstacks = (size_t)id + 1;
	}
	d->stacks[id].objects[is_new] += objects;
	d->stacks[id].per_object = per_object;
	return GOMEM_OK;
}

/* The node ids of a sample's stack, leaf first (or the one --by stack
 * node): they identify the stack for its noise, and say where its value
 * goes (see attributed). */
static int sample_nodes(gomem_heapdiff *d, const struct hd_side *side, size_t s)
{
	const uint32_t *locs;
	size_t n;
	int rc;

	d->ids.len = 0;
	locs = gomem_profile_sample_locations(side->p, s, &n);
	if (d->opts.by == GOMEM_BY_STACK) {
		uint32_t node;

		if ((rc = stack_node(d, side, s, &node)) != GOMEM_OK)
			return rc;
		return gomem_buf_append(&d->ids, &node, sizeof(node));
	}
	for (size_t i = 0; i < n; i++) {
		size_t off = side->frame_off[locs[i]], end = side->frame_off[locs[i] + 1];

		if ((rc = gomem_buf_append(&d->ids, &side->frame_nodes[off],
					   (end - off) * sizeof(uint32_t))) != GOMEM_OK)
			return rc;
	}
	return GOMEM_OK;
}

/* How many of a stack's ids its value goes to: the leaf alone when flat,
 * every frame when cumulative (recursion counted once), the stack node. */
static size_t attributed(const gomem_heapdiff *d, size_t nids)
{
	return d->opts.cum || d->opts.by == GOMEM_BY_STACK || nids == 0 ? nids : 1;
}

/* Adds W to one side (or VAR) of each node of IDS not yet counted for the
 * current stack (d->serial). */
static void add_ids(gomem_heapdiff *d, const uint32_t *ids, size_t nids, int is_new, int64_t w,
		    double var)
{
	for (size_t i = 0; i < nids; i++) {
		struct hd_node *nd = &d->nodes[ids[i]];

		if (nd->stamp == d->serial)
			continue;
		nd->stamp = d->serial;
		if (is_new >= 0)
			nd->value[is_new] += w;
		nd->var += var;
	}
}

static void add_to_nodes(gomem_heapdiff *d, const uint32_t *ids, size_t nids, int is_new,
			 int64_t w, double var)
{
	d->serial++;
	add_ids(d, ids, nids, is_new, w, var);
}

static int accumulate_sample(gomem_heapdiff *d, struct hd_side *side, int is_new, size_t s)
{
	const int64_t *v = gomem_profile_sample_values(side->p, s);
	int64_t w = gomem_hd_value(side, v);
	const uint32_t *locs;
	size_t n;
	int rc;

	d->totals_value[is_new] += w;
	locs = gomem_profile_sample_locations(side->p, s, &n);
	if (w == 0 || n == 0)
		return GOMEM_OK;
	if (side->rate <= 1 && !d->opts.cum && d->opts.by != GOMEM_BY_STACK) {
		/* exact and flat (the common large case): the leaf is all it takes */
		d->nodes[side->frame_nodes[side->frame_off[locs[0]]]].value[is_new] += w;
		return GOMEM_OK;
	}
	if ((rc = sample_nodes(d, side, s)) != GOMEM_OK)
		return rc;
	add_to_nodes(d, (const uint32_t *)d->ids.data,
		     attributed(d, d->ids.len / sizeof(uint32_t)), is_new, w, 0);
	return note_noise(d, side, is_new, s, v, (const uint32_t *)d->ids.data,
			  d->ids.len / sizeof(uint32_t));
}

/* Spreads each stack's noise over its nodes, and into the total. */
static void settle_noise(gomem_heapdiff *d)
{
	for (size_t i = 0; i < d->nstacks; i++) {
		const struct hd_stack *st = &d->stacks[i];
		const char *key = gomem_strpool_get(&d->stack_keys, (uint32_t)i);
		size_t nids = (gomem_strpool_len(&d->stack_keys, (uint32_t)i) - sizeof(double)) /
			      sizeof(uint32_t);
		double var = fabs(st->objects[1] - st->objects[0]) * st->per_object;
		uint32_t ids[256];

		d->totals_var += var;
		nids = attributed(d, nids);
		d->serial++;
		while (nids > 0) { /* keys are not aligned: copy the ids out in runs */
			size_t k = nids < 256 ? nids : 256;

			memcpy(ids, key, k * sizeof(uint32_t));
			add_ids(d, ids, k, -1, 0, var);
			key += k * sizeof(uint32_t);
			nids -= k;
		}
	}
}

static int accumulate(gomem_heapdiff *d, struct hd_side *side, int is_new)
{
	size_t ns = gomem_profile_sample_count(side->p);
	int rc = GOMEM_OK;

	for (size_t s = 0; s < ns && rc == GOMEM_OK; s++)
		if (gomem_hd_sample_kept(d, side, s))
			rc = accumulate_sample(d, side, is_new, s);
	return rc;
}

/* ---- rows ---------------------------------------------------------------- */

static void fill_row(gomem_heapdiff_row *r, int64_t base, int64_t newv, double var)
{
	r->base = base;
	r->new_ = newv;
	r->delta = newv - base;
	r->delta_pct = base != 0 ? (double)r->delta * 100.0 / fabs((double)base) : NAN;
	r->uncertainty = 2 * sqrt(var);
}

static int64_t abs64(int64_t x)
{
	return x < 0 ? -x : x;
}

static int cmp_int(int64_t a, int64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int cmp_rows(const void *pa, const void *pb, void *ctx)
{
	const gomem_heapdiff_row *a = pa, *b = pb;
	gomem_heapdiff_sort key = *(const gomem_heapdiff_sort *)ctx;
	int c = 0;

	switch (key) {
	case GOMEM_SORT_DELTA:
		c = cmp_int(a->delta, b->delta);
		break;
	case GOMEM_SORT_ABS_DELTA:
		c = cmp_int(abs64(a->delta), abs64(b->delta));
		break;
	case GOMEM_SORT_PERCENT: {
		/* New sites (no base) rank above any finite growth. */
		int na = isnan(a->delta_pct) && a->delta > 0, nb = isnan(b->delta_pct) && b->delta > 0;
		double pa_ = isnan(a->delta_pct) ? (a->delta > 0 ? INFINITY : -INFINITY) : a->delta_pct;
		double pb_ = isnan(b->delta_pct) ? (b->delta > 0 ? INFINITY : -INFINITY) : b->delta_pct;

		c = na != nb ? nb - na : pa_ > pb_ ? -1 : pa_ < pb_ ? 1 : cmp_int(a->delta, b->delta);
		break;
	}
	case GOMEM_SORT_SIZE:
		c = cmp_int(a->new_, b->new_);
		break;
	}
	if (c == 0)
		c = cmp_int(abs64(a->delta), abs64(b->delta));
	return c ? c : strcmp(a->name, b->name);
}

static int build_rows(gomem_heapdiff *d)
{
	size_t n = 0;
	int rc;

	rc = GOMEM_GROW(d->rows, d->rows_cap, d->nnodes ? d->nnodes : 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc)
		return rc;
	for (size_t i = 0; i < d->nnodes; i++) {
		struct hd_node *nd = &d->nodes[i];
		gomem_heapdiff_row *r = &d->rows[n];

		/* Unchanged sites are not part of a diff (pprof drops them too). */
		if (nd->value[0] == nd->value[1])
			continue;
		fill_row(r, nd->value[0], nd->value[1], nd->var);
		if ((uint64_t)abs64(r->delta) < d->opts.min_delta)
			continue;
		r->name = gomem_strpool_get(&d->names, (uint32_t)i);
		n++;
	}
	if ((rc = gomem_sort(d->rows, n, sizeof(*d->rows), cmp_rows, &d->opts.sort)) != GOMEM_OK)
		return rc;
	d->nrows_before_trim = n;
	d->nrows = d->opts.top && d->opts.top < n ? d->opts.top : n;
	fill_row(&d->totals, d->totals_value[0], d->totals_value[1], d->totals_var);
	d->totals.name = "total";
	return GOMEM_OK;
}

/* ---- the public entry ---------------------------------------------------- */

static int setup(gomem_heapdiff *d, const gomem_profile *base, const gomem_profile *newp,
		 gomem_error *err)
{
	const char *type = d->opts.sample;
	int rc;

	if (type == NULL) {
		type = gomem_profile_sample_type_index(newp, "inuse_space") >= 0
			       ? "inuse_space"
			       : gomem_profile_sample_type(newp, gomem_profile_default_sample_type(newp), NULL);
		if (type == NULL)
			return gomem_error_set(err, GOMEM_E_NOTFOUND, "NEW profile has no sample types");
	}
	if ((rc = bind_side(&d->side[0], base, "BASE", type, err)) != GOMEM_OK ||
	    (rc = bind_side(&d->side[1], newp, "NEW", type, err)) != GOMEM_OK)
		return rc;
	gomem_profile_sample_type(newp, (size_t)d->side[1].value, &d->unit);
	d->type = gomem_profile_sample_type(newp, (size_t)d->side[1].value, NULL);
	if ((rc = compile_filter(&d->focus, &d->has_focus, d->opts.focus, "--focus", err)) ||
	    (rc = compile_filter(&d->ignore, &d->has_ignore, d->opts.ignore, "--ignore", err)))
		return rc;
	if (d->opts.normalize) {
		int64_t tb = side_total(&d->side[0]), tn = side_total(&d->side[1]);

		if (tn != 0)
			d->side[1].scale = (double)tb / (double)tn;
	}
	return GOMEM_OK;
}

int gomem_heapdiff_compute(gomem_heapdiff **out, const gomem_profile *base,
			   const gomem_profile *newp, const gomem_heapdiff_options *opts,
			   gomem_error *err)
{
	gomem_heapdiff_options defaults = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d;
	int rc;

	*out = NULL;
	if (opts && opts->version != GOMEM_HEAPDIFF_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "heapdiff options version %u not supported",
				       opts->version);
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	d->opts = opts ? *opts : defaults;
	gomem_strpool_init(&d->names);
	gomem_strpool_init(&d->stack_keys);
	gomem_buf_init(&d->scratch, (size_t)64 << 20);
	gomem_buf_init(&d->ids, (size_t)64 << 20);
	gomem_buf_init(&d->key, (size_t)64 << 20);
	rc = setup(d, base, newp, err);
	for (int i = 0; i < 2 && rc == GOMEM_OK; i++) {
		rc = map_frames(d, &d->side[i]);
		if (rc == GOMEM_OK)
			rc = match_locations(d, &d->side[i]);
		if (rc == GOMEM_OK)
			rc = accumulate(d, &d->side[i], i);
	}
	if (rc == GOMEM_OK) {
		settle_noise(d);
		rc = build_rows(d);
	}
	if (rc) {
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
		gomem_heapdiff_free(d);
		return rc;
	}
	*out = d;
	return GOMEM_OK;
}

void gomem_heapdiff_free(gomem_heapdiff *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		free(d->side[i].frame_off);
		free(d->side[i].frame_nodes);
		free(d->side[i].loc_match);
	}
	if (d->has_focus)
		regfree(&d->focus);
	if (d->has_ignore)
		regfree(&d->ignore);
	gomem_strpool_free(&d->names);
	gomem_strpool_free(&d->stack_keys);
	gomem_buf_free(&d->scratch);
	gomem_buf_free(&d->ids);
	gomem_buf_free(&d->key);
	free(d->stacks);
	free(d->nodes);
	free(d->rows);
	free(d);
}

size_t gomem_heapdiff_row_count(const gomem_heapdiff *d)
{
	return d->nrows;
}

const gomem_heapdiff_row *gomem_heapdiff_row_at(const gomem_heapdiff *d, size_t i)
{
	return i < d->nrows ? &d->rows[i] : NULL;
}

const gomem_heapdiff_row *gomem_heapdiff_totals(const gomem_heapdiff *d)
{
	return &d->totals;
}

const char *gomem_heapdiff_sample_type(const gomem_heapdiff *d, const char **unit)
{
	if (unit)
		*unit = d->unit;
	return d->type;
}

size_t gomem_heapdiff_rows_before_trim(const gomem_heapdiff *d)
{
	return d->nrows_before_trim;
}

int gomem_heap_url(char **out, const char *url)
{
	/* The one URL rule (source.h), with a GC first: the in-use numbers are
	 * then those of the moment, not of the last GC the program ran. */
	return gomem_pprof_url(out, url, "heap", "gc=1", 0);
}
