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

/* Function-level frames, root first, whatever the --by granularity. */
static int stack_string(gomem_buf *b, const struct hd_side *side, size_t s)
{
	const gomem_profile *p = side->p;
	size_t n;
	const uint32_t *locs = gomem_profile_sample_locations(p, s, &n);
	int rc = GOMEM_OK;

	b->len = 0;
	for (size_t i = n; i-- > 0 && rc == GOMEM_OK;) {
		size_t nl = gomem_profile_location_line_count(p, locs[i]);

		for (size_t j = nl ? nl : 1; j-- > 0 && rc == GOMEM_OK;) {
			int64_t line, fn = nl ? gomem_profile_location_line(p, locs[i], j, &line) : -1;

			if (b->len)
				rc = gomem_buf_append(b, ";", 1);
			if (rc)
				break;
			if (fn >= 0 && gomem_profile_function_name(p, (size_t)fn)[0])
				rc = gomem_buf_printf(b, "%s", gomem_profile_function_name(p, (size_t)fn));
			else
				rc = gomem_buf_printf(b, "0x%llx", (unsigned long long)
						      gomem_profile_location_address(p, locs[i]));
		}
	}
	return rc;
}

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
		if ((rc = stack_string(&f->line, side, s)) != GOMEM_OK)
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
			f->value[id][is_new] += w;
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
		else if (v[1] - v[0] > 0)
			rc = gomem_text_printf(fp, "%s %lld\n", stack, (long long)(v[1] - v[0]));
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

/* Building one profile out of two: strings and functions are interned into
 * the output, locations copied on first use. References are written as
 * file ids (index + 1), and the result is resolved like any profile read. */
struct merge {
	gomem_profile *out;
	gomem_strpool fkeys;    /* "name\nfile" -> function index in out */
	uint32_t *loc_map[2];   /* per side: location index -> out index + 1 */
	gomem_buf key;
	uint32_t base_key, base_val, bytes_key;
};

static int str(struct merge *m, const char *s, uint32_t *id)
{
	return gomem_profile_intern(m->out, s, id);
}

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

static int copy_location(struct merge *m, int side, const gomem_profile *p, uint32_t loc,
			 uint32_t *out)
{
	gomem_profile *o = m->out;
	size_t nl = gomem_profile_location_line_count(p, loc);
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
	l->address = gomem_profile_location_address(p, loc);
	l->line_off = (uint32_t)o->nlines;
	for (size_t j = 0; j < nl; j++) {
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
static int copy_sample(struct merge *m, const gomem_heapdiff *d, int side, size_t s,
		       const int *type_map, const double *scale)
{
	const gomem_profile *p = d->side[side].p;
	gomem_profile *o = m->out;
	const int64_t *v = gomem_profile_sample_values(p, s);
	size_t nloc, nt = o->nsample_types;
	const uint32_t *locs = gomem_profile_sample_locations(p, s, &nloc);
	struct gomem_sample *sm;
	int rc;

	rc = GOMEM_GROW(o->samples, o->samples_cap, o->nsamples + 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(o->sample_locs, o->sample_locs_cap, o->nsample_locs + nloc, SIZE_MAX / 16);
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(o->values, o->values_cap, o->nvalues + nt, SIZE_MAX / 16);
	if (rc)
		return rc;
	sm = &o->samples[o->nsamples];
	memset(sm, 0, sizeof(*sm));
	sm->loc_off = o->nsample_locs;
	sm->nlocs = (uint32_t)nloc;
	sm->value_off = o->nvalues;
	sm->nvalues = (uint32_t)nt;
	sm->label_off = (uint32_t)o->nlabels;
	for (size_t i = 0; i < nloc; i++) {
		uint32_t idx;

		if ((rc = copy_location(m, side, p, locs[i], &idx)) != GOMEM_OK)
			return rc;
		o->sample_locs[o->nsample_locs++] = (uint64_t)idx + 1; /* the id */
	}
	for (size_t t = 0; t < nt; t++) {
		int64_t x = type_map[t] >= 0 ? v[type_map[t]] : 0;

		if (scale[t] != 1.0)
			x = (int64_t)((double)x * scale[t]);
		o->values[o->nvalues++] = side == 0 ? -x : x;
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

static int merge_side(struct merge *m, const gomem_heapdiff *d, int side)
{
	const gomem_profile *p = d->side[side].p;
	const gomem_profile *np = d->side[1].p;
	size_t nt = m->out->nsample_types, ns = gomem_profile_sample_count(p);
	int type_map[64];
	double scale[64];
	int rc = GOMEM_OK;

	for (size_t t = 0; t < nt; t++) {
		const char *name = gomem_profile_sample_type(np, t, NULL);

		/* NEW's types, found in BASE by name (a legacy base may lack some) */
		type_map[t] = gomem_profile_sample_type_index(p, name);
		if (type_map[t] < 0 && strchr(name, '_'))
			type_map[t] = gomem_profile_sample_type_index(p, strchr(name, '_') + 1);
		scale[t] = 1.0;
		if (side == 1 && d->opts.normalize) {
			int64_t tb = 0, tn = 0;
			int bt = type_map[t];

			for (size_t s = 0; bt >= 0 && s < gomem_profile_sample_count(d->side[0].p); s++)
				tb += gomem_profile_sample_values(d->side[0].p, s)[bt];
			for (size_t s = 0; s < ns; s++)
				tn += gomem_profile_sample_values(p, s)[t];
			if (tn != 0)
				scale[t] = (double)tb / (double)tn;
		}
	}
	m->loc_map[side] = calloc(gomem_profile_location_count(p) + 1, sizeof(uint32_t));
	if (m->loc_map[side] == NULL)
		return GOMEM_E_NOMEM;
	for (size_t s = 0; s < ns && rc == GOMEM_OK; s++)
		if (gomem_hd_sample_kept(d, &d->side[side], s))
			rc = copy_sample(m, d, side, s, type_map, scale);
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

		if ((rc = str(m, name, &a)) == GOMEM_OK && (rc = str(m, unit, &b)) == GOMEM_OK)
			rc = gomem_profile_add_sample_type(o, a, b);
	}
	if (rc)
		return rc;
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
	free(m.loc_map[0]);
	free(m.loc_map[1]);
	return rc;
}
