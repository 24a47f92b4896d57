/* SPDX-License-Identifier: Apache-2.0 */
/* heapdiff_export.c — the diff in other tools' formats: collapsed stacks for
 * flame graphs, and a profile.proto that pprof, Pyroscope or Parca read. */
#include <stdlib.h>
#include <string.h>

#include "heapdiff-internal.h"

/* ---- folded stacks ------------------------------------------------------- */

struct folded {
	gomem_strpool stacks; /* stack id -> "root;...;leaf" */
	int64_t (*value)[2];  /* per stack: base, new */
	size_t nvalues, cap;
	gomem_buf line;
};

static int fold_side(struct folded *f, const gomem_heapdiff *d, int is_new)
{
	const struct hd_side *side = &d->side[is_new];
	size_t ns = gomem_profile_sample_count(side->p);
	int rc = GOMEM_OK;

	for (size_t s = 0; s < ns && rc == GOMEM_OK; s++) {
		int64_t w = gomem_hd_value(side, gomem_profile_sample_values(side->p, s));
		uint32_t id;

		if (w == 0 || !gomem_hd_sample_kept(d, side, s))
			continue;
		if ((rc = gomem_profile_fold_sample(&f->line, side->p, s)) != GOMEM_OK)
			break;
		if (f->line.len == 0)
			continue; /* no stack: nothing a flame graph could draw */
		rc = gomem_strpool_intern(&f->stacks, f->line.data, f->line.len, &id);
		if (rc == GOMEM_OK && id >= f->nvalues) {
			rc = GOMEM_GROW(f->value, f->cap, (size_t)id + 1, GOMEM_PROFILE_MAX_ITEMS);
			for (; rc == GOMEM_OK && f->nvalues <= id; f->nvalues++)
				f->value[f->nvalues][0] = f->value[f->nvalues][1] = 0;
		}
		if (rc == GOMEM_OK)
			f->value[id][is_new] = gomem_sat_add(f->value[id][is_new], w);
	}
	return rc;
}

static int cmp_stack(const void *a, const void *b, void *pool)
{
	return strcmp(gomem_strpool_get(pool, *(const uint32_t *)a),
		      gomem_strpool_get(pool, *(const uint32_t *)b));
}

static int print_folded(const struct folded *f, FILE *fp, int two_column)
{
	uint32_t *order = malloc((f->nvalues ? f->nvalues : 1) * sizeof(*order));
	int rc = GOMEM_OK;

	if (order == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < f->nvalues; i++)
		order[i] = (uint32_t)i;
	if (gomem_sort(order, f->nvalues, sizeof(*order), cmp_stack, (void *)&f->stacks)) {
		free(order);
		return GOMEM_E_NOMEM;
	}
	for (size_t k = 0; k < f->nvalues && rc == GOMEM_OK; k++) {
		const int64_t *v = f->value[order[k]];
		const char *stack = gomem_strpool_get(&f->stacks, order[k]);

		/* folded text has no escapes: names pass the people's text rule */
		if (two_column)
			rc = gomem_text_printf(fp, "%s %lld %lld\n", stack, (long long)v[0], (long long)v[1]);
		else if (gomem_sat_sub(v[1], v[0]) > 0)
			rc = gomem_text_printf(fp, "%s %lld\n", stack, (long long)gomem_sat_sub(v[1], v[0]));
	}
	free(order);
	if (rc == GOMEM_OK && ferror(fp))
		rc = GOMEM_E_IO;
	return rc;
}

int gomem_heapdiff_write_folded(const gomem_heapdiff *d, FILE *fp, int two_column, gomem_error *err)
{
	struct folded f;
	int rc;

	memset(&f, 0, sizeof(f));
	gomem_strpool_init(&f.stacks);
	gomem_buf_init(&f.line, (size_t)64 << 20);
	rc = fold_side(&f, d, 0);
	if (rc == GOMEM_OK)
		rc = fold_side(&f, d, 1);
	if (rc == GOMEM_OK)
		rc = print_folded(&f, fp, two_column);
	gomem_strpool_free(&f.stacks);
	gomem_buf_free(&f.line);
	free(f.value);
	if (rc)
		return gomem_error_set(err, rc, "writing folded stacks: %s", gomem_strerror(rc));
	return GOMEM_OK;
}

/* ---- the diff as a profile.proto ----------------------------------------- */

/* Building one profile out of two, the way pprof's Merge does for
 * -diff_base -proto: strings and functions are interned into the output,
 * locations copied on first use, mappings merged by pprof's key (size
 * rounded up to 4 KiB, file offset, build ID or else file name: the same
 * binary at another address after ASLR) with NEW's first one, the main
 * binary, first. References are written as file ids (index + 1), and the
 * result is resolved like any profile read. Stacks are the pruned ones
 * (drop_frames), values in bytes for memory units, as the tables show. */
struct merge {
	gomem_profile *out;
	gomem_strpool fkeys;    /* "name\nfile" -> function index in out */
	uint32_t *loc_map[2];   /* per side: location index -> out index + 1 */
	uint32_t *map_map[2];   /* per side: mapping index -> out mapping index */
	gomem_buf key;
	uint32_t base_key, base_val, bytes_key;
	int type_map[2][64];    /* per side: NEW's type t -> the side's index, -1 none */
	int64_t factor[2][64];  /* per side and type: bytes per unit (1: a count) */
	double scale[2][64];    /* per side and type: -normalize */
};

static int str(struct merge *m, const char *s, uint32_t *id)
{
	return gomem_profile_intern(m->out, s, id);
}

/* ---- mappings ---- */

static bool same_mapping(const gomem_profile *a, const struct gomem_mapping *x,
			 const gomem_profile *b, const struct gomem_mapping *y)
{
	const char *bx = gomem_strpool_get(&a->strings, x->build_id);
	const char *by = gomem_strpool_get(&b->strings, y->build_id);
	const char *kx = bx[0] ? bx : gomem_strpool_get(&a->strings, x->filename);
	const char *ky = by[0] ? by : gomem_strpool_get(&b->strings, y->filename);
	uint64_t sx = x->memory_limit - x->memory_start, sy = y->memory_limit - y->memory_start;

	sx = (sx + 0xfff) & ~(uint64_t)0xfff;
	sy = (sy + 0xfff) & ~(uint64_t)0xfff;
	return sx == sy && x->file_offset == y->file_offset && (bx[0] != 0) == (by[0] != 0) &&
	       strcmp(kx, ky) == 0;
}

static int add_mapping(struct merge *m, const gomem_profile *p, const struct gomem_mapping *src)
{
	gomem_profile *o = m->out;
	struct gomem_mapping *dst;
	int rc = GOMEM_GROW(o->mappings, o->mappings_cap, o->nmappings + 1, GOMEM_PROFILE_MAX_ITEMS);

	if (rc)
		return rc;
	dst = &o->mappings[o->nmappings];
	*dst = *src;
	dst->id = (uint64_t)o->nmappings + 1;
	if ((rc = str(m, gomem_strpool_get(&p->strings, src->filename), &dst->filename)) != GOMEM_OK ||
	    (rc = str(m, gomem_strpool_get(&p->strings, src->build_id), &dst->build_id)) != GOMEM_OK)
		return rc;
	o->nmappings++;
	return GOMEM_OK;
}

/* Every mapping of SIDE, found among those already out or added. */
static int merge_mappings(struct merge *m, const gomem_profile *p, int side)
{
	gomem_profile *o = m->out;
	int rc = GOMEM_OK;

	m->map_map[side] = malloc((p->nmappings ? p->nmappings : 1) * sizeof(uint32_t));
	if (m->map_map[side] == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < p->nmappings && rc == GOMEM_OK; i++) {
		size_t k = 0;

		while (k < o->nmappings && !same_mapping(o, &o->mappings[k], p, &p->mappings[i]))
			k++;
		if (k == o->nmappings)
			rc = add_mapping(m, p, &p->mappings[i]);
		m->map_map[side][i] = (uint32_t)k;
	}
	return rc;
}

/* ---- functions, locations, samples ---- */

static int copy_function(struct merge *m, const gomem_profile *p, int64_t fn, uint64_t *out)
{
	const char *name = gomem_profile_function_name(p, (size_t)fn);
	const char *file = gomem_profile_function_file(p, (size_t)fn);
	gomem_profile *o = m->out;
	uint32_t id;
	int rc;

	m->key.len = 0;
	if ((rc = gomem_buf_printf(&m->key, "%s\n%s", name, file)) != GOMEM_OK)
		return rc;
	if ((rc = gomem_strpool_intern(&m->fkeys, m->key.data, m->key.len, &id)) != GOMEM_OK)
		return rc;
	*out = id;
	if (id < o->nfunctions)
		return GOMEM_OK;
	rc = GOMEM_GROW(o->functions, o->functions_cap, o->nfunctions + 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc)
		return rc;
	memset(&o->functions[id], 0, sizeof(o->functions[id]));
	o->functions[id].id = (uint64_t)id + 1;
	if ((rc = str(m, name, &o->functions[id].name)) != GOMEM_OK ||
	    (rc = str(m, file, &o->functions[id].filename)) != GOMEM_OK)
		return rc;
	o->functions[id].system_name = o->functions[id].name;
	o->nfunctions++;
	return GOMEM_OK;
}

/* Location LOC's mapping in the output (its id, 0 for none) and its
 * address there: a mapping merged with one at another start moves its
 * addresses along, as pprof's merger does. */
static uint64_t place_location(const struct merge *m, int side, const gomem_profile *p,
			       const struct gomem_location *l, uint64_t *address)
{
	const struct gomem_mapping *src, *dst;
	uint32_t k;

	*address = l->address;
	if (l->mapping == 0 || l->mapping > p->nmappings)
		return 0;
	src = &p->mappings[l->mapping - 1];
	k = m->map_map[side][l->mapping - 1];
	dst = &m->out->mappings[k];
	*address = l->address + (dst->memory_start - src->memory_start);
	return (uint64_t)k + 1;
}

static int copy_location(struct merge *m, const struct hd_side *hs, int side, uint32_t loc,
			 uint32_t *out)
{
	const gomem_profile *p = hs->p;
	gomem_profile *o = m->out;
	size_t first, nl = gomem_hd_lines(hs, loc, &first);
	struct gomem_location *l;
	int rc;

	if (m->loc_map[side][loc]) {
		*out = m->loc_map[side][loc] - 1;
		return GOMEM_OK;
	}
	rc = GOMEM_GROW(o->locations, o->locations_cap, o->nlocations + 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(o->lines, o->lines_cap, o->nlines + nl, GOMEM_PROFILE_MAX_ITEMS);
	if (rc)
		return rc;
	l = &o->locations[o->nlocations];
	memset(l, 0, sizeof(*l));
	l->id = (uint64_t)o->nlocations + 1;
	l->mapping = place_location(m, side, p, &p->locations[loc], &l->address);
	l->is_folded = p->locations[loc].is_folded;
	l->line_off = (uint32_t)o->nlines;
	for (size_t j = first; j < first + nl; j++) {
		struct gomem_line *ln = &o->lines[o->nlines];
		int64_t fn = gomem_profile_location_line(p, loc, j, &ln->line);

		ln->column = 0;
		ln->function = 0;
		if (fn >= 0 && (rc = copy_function(m, p, fn, &ln->function)) != GOMEM_OK)
			return rc;
		if (fn >= 0)
			ln->function++; /* the id */
		o->nlines++;
		o->locations[o->nlocations].nlines++;
	}
	*out = (uint32_t)o->nlocations++;
	m->loc_map[side][loc] = *out + 1;
	return GOMEM_OK;
}

static int add_label(struct merge *m, uint32_t key, uint32_t strv, int64_t num)
{
	gomem_profile *o = m->out;
	int rc = GOMEM_GROW(o->labels, o->labels_cap, o->nlabels + 1, GOMEM_PROFILE_MAX_ITEMS);

	if (rc)
		return rc;
	o->labels[o->nlabels].key = key;
	o->labels[o->nlabels].str = strv;
	o->labels[o->nlabels].num = num;
	o->labels[o->nlabels].num_unit = 0;
	o->nlabels++;
	return GOMEM_OK;
}

/* Base samples are negated and labelled pprof::base=true, exactly as pprof
 * -diff_base marks them, so pprof keeps them apart and takes its percentages
 * from the base total. */
static int copy_sample(struct merge *m, const gomem_heapdiff *d, int side, size_t s)
{
	const struct hd_side *hs = &d->side[side];
	const gomem_profile *p = hs->p;
	gomem_profile *o = m->out;
	const int64_t *v = gomem_profile_sample_values(p, s);
	size_t nloc, nt = o->nsample_types;
	const uint32_t *locs = gomem_hd_stack(hs, s, &nloc);
	struct gomem_sample *sm;
	int rc;

	rc = GOMEM_GROW(o->samples, o->samples_cap, o->nsamples + 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(o->sample_locs, o->sample_locs_cap, o->nsample_locs + nloc, GOMEM_PROFILE_MAX_ITEMS * 8);
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(o->values, o->values_cap, o->nvalues + nt, GOMEM_PROFILE_MAX_ITEMS * 8);
	if (rc)
		return rc;
	sm = &o->samples[o->nsamples];
	memset(sm, 0, sizeof(*sm));
	sm->loc_off = (uint32_t)o->nsample_locs;
	sm->nlocs = (uint32_t)nloc;
	sm->value_off = (uint32_t)o->nvalues;
	sm->nvalues = (uint32_t)nt;
	sm->label_off = (uint32_t)o->nlabels;
	for (size_t i = 0; i < nloc; i++) {
		uint32_t idx;

		if ((rc = copy_location(m, hs, side, locs[i], &idx)) != GOMEM_OK)
			return rc;
		o->sample_locs[o->nsample_locs++] = (uint64_t)idx + 1; /* the id */
	}
	for (size_t t = 0; t < nt; t++) {
		int bt = m->type_map[side][t];
		int64_t x = bt >= 0 ? gomem_hd_scaled(v[bt], m->factor[side][t], m->scale[side][t]) : 0;

		o->values[o->nvalues++] = side == 0 ? gomem_sat_sub(0, x) : x;
	}
	for (size_t j = 0; j < gomem_profile_sample_label_count(p, s); j++) {
		const char *sv, *unit;
		int64_t num;
		const char *key = gomem_profile_sample_label(p, s, j, &sv, &num, &unit);

		if (strcmp(key, "bytes") == 0 && (rc = add_label(m, m->bytes_key, 0, num)) != GOMEM_OK)
			return rc;
	}
	if (side == 0 && (rc = add_label(m, m->base_key, m->base_val, 0)) != GOMEM_OK)
		return rc;
	sm->nlabels = (uint32_t)(o->nlabels - sm->label_off);
	o->nsamples++;
	return GOMEM_OK;
}

/* NEW's types, found in each side by name (a legacy base may lack some),
 * with each side's bytes per unit. */
static void map_types(struct merge *m, const gomem_heapdiff *d)
{
	const gomem_profile *np = d->side[1].p;

	for (int side = 0; side < 2; side++)
		for (size_t t = 0; t < m->out->nsample_types; t++) {
			const gomem_profile *p = d->side[side].p;
			const char *unit, *name = gomem_profile_sample_type(np, t, NULL);
			int i = gomem_profile_sample_type_index(p, name);
			uint64_t f;

			if (i < 0 && strchr(name, '_'))
				i = gomem_profile_sample_type_index(p, strchr(name, '_') + 1);
			m->type_map[side][t] = i;
			gomem_profile_sample_type(p, i < 0 ? 0 : (size_t)i, &unit);
			f = i < 0 ? 0 : gomem_memory_unit_factor(unit);
			m->factor[side][t] = f ? (int64_t)f : 1;
			m->scale[side][t] = 1.0;
		}
}

/* -normalize: NEW scaled, per type, to BASE's total (pprof's Normalize). */
static void normalize(struct merge *m, const gomem_heapdiff *d)
{
	for (size_t t = 0; t < m->out->nsample_types; t++) {
		int64_t total[2] = {0, 0};

		for (int side = 0; side < 2; side++) {
			const gomem_profile *p = d->side[side].p;
			int i = m->type_map[side][t];

			for (size_t s = 0; i >= 0 && s < gomem_profile_sample_count(p); s++)
				total[side] = gomem_sat_add(total[side],
					gomem_hd_scaled(gomem_profile_sample_values(p, s)[i],
							m->factor[side][t], 1.0));
		}
		if (total[1] != 0)
			m->scale[1][t] = (double)total[0] / (double)total[1];
	}
}

static int merge_side(struct merge *m, const gomem_heapdiff *d, int side)
{
	const gomem_profile *p = d->side[side].p;
	size_t ns = gomem_profile_sample_count(p);
	int rc = merge_mappings(m, p, side);

	m->loc_map[side] = calloc(gomem_profile_location_count(p) + 1, sizeof(uint32_t));
	if (m->loc_map[side] == NULL)
		return GOMEM_E_NOMEM;
	for (size_t s = 0; s < ns && rc == GOMEM_OK; s++)
		if (gomem_hd_sample_kept(d, &d->side[side], s))
			rc = copy_sample(m, d, side, s);
	return rc;
}

static int merge_header(struct merge *m, const gomem_heapdiff *d)
{
	const gomem_profile *np = d->side[1].p, *bp = d->side[0].p;
	gomem_profile *o = m->out;
	const char *ptype, *punit;
	uint32_t a, b;
	int rc = GOMEM_OK;

	if (gomem_profile_sample_type_count(np) > 64)
		return GOMEM_E_LIMIT;
	for (size_t t = 0; t < gomem_profile_sample_type_count(np) && rc == GOMEM_OK; t++) {
		const char *unit, *name = gomem_profile_sample_type(np, t, &unit);

		if (gomem_memory_unit_factor(unit) != 0)
			unit = "bytes"; /* values are converted */
		if ((rc = str(m, name, &a)) == GOMEM_OK && (rc = str(m, unit, &b)) == GOMEM_OK)
			rc = gomem_profile_add_sample_type(o, a, b);
	}
	if (rc)
		return rc;
	map_types(m, d);
	if (d->opts.normalize)
		normalize(m, d);
	o->period = gomem_profile_period(np, &ptype, &punit);
	if ((rc = str(m, ptype ? ptype : "", &o->period_type.type)) ||
	    (rc = str(m, punit ? punit : "", &o->period_type.unit)) ||
	    (rc = str(m, d->type, &o->default_sample_type)) ||
	    (rc = str(m, "pprof::base", &m->base_key)) || (rc = str(m, "true", &m->base_val)) ||
	    (rc = str(m, "bytes", &m->bytes_key)))
		return rc;
	o->time_nanos = gomem_profile_time_nanos(np);
	if (gomem_profile_time_nanos(bp) && o->time_nanos > gomem_profile_time_nanos(bp))
		o->duration_nanos = o->time_nanos - gomem_profile_time_nanos(bp);
	rc = GOMEM_GROW(o->comments, o->comments_cap, 1, 1);
	if (rc == GOMEM_OK && (rc = str(m, "gomem heapdiff: NEW minus BASE (base samples negated, "
					   "labelled pprof::base)", &a)) == GOMEM_OK)
		o->comments[o->ncomments++] = a;
	return rc;
}

int gomem_heapdiff_write_pprof(const gomem_heapdiff *d, FILE *fp, gomem_error *err)
{
	struct merge m;
	int rc;

	memset(&m, 0, sizeof(m));
	gomem_strpool_init(&m.fkeys);
	gomem_buf_init(&m.key, (size_t)16 << 20);
	rc = gomem_profile_new(&m.out);
	if (rc == GOMEM_OK)
		rc = merge_header(&m, d);
	if (rc == GOMEM_OK)
		rc = merge_side(&m, d, 1);
	if (rc == GOMEM_OK)
		rc = merge_side(&m, d, 0);
	if (rc == GOMEM_OK)
		rc = gomem_profile_resolve(m.out, NULL, NULL, err);
	if (rc == GOMEM_OK)
		rc = gomem_pprof_write(m.out, fp, 1, err);
	else
		gomem_error_set(err, rc, "building the diff profile: %s", gomem_strerror(rc));
	gomem_profile_free(m.out);
	gomem_strpool_free(&m.fkeys);
	gomem_buf_free(&m.key);
	for (int i = 0; i < 2; i++) {
		free(m.loc_map[i]);
		free(m.map_map[i]);
	}
	return rc;
}
