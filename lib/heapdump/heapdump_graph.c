/* SPDX-License-Identifier: Apache-2.0 */
/* heapdump_graph.c — the records into a graph: objects put in address
 * order, overlaps and duplicates refused, every pointer slot resolved to
 * the object holding its target, roots grouped, allocation samples attached
 * to their objects.
 *
 * The order and the address lookup come from one bitmap over the heap, two
 * bits per word (an object starts here; a word inside an object) with a
 * running count per 1536 bytes: an object's rank among the starts is its
 * index, and any address finds its object in one look at a cache line
 * (hd_find). Only a heap too sparse for that, or objects not word-aligned
 * (a broken dump), are sorted and searched instead. The slots are then
 * resolved in place, in the order they were read (one sequential pass; the
 * objects point at theirs through read_at), each while the lines of the
 * slots a little ahead are on their way into the cache. */
#include <stdlib.h>
#include <string.h>

#include "heapdump-internal.h"

/* slots ahead whose lines are asked for while resolving */
#define PREFETCH_AHEAD 64

struct run {
	size_t first, n;
	uint64_t start;
};

static int cmp_run(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const struct run *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_perm(const void *a, const void *b, void *ctx)
{
	const uint64_t *addr = ctx;
	uint64_t x = addr[*(const uint32_t *)a], y = addr[*(const uint32_t *)b];
	return x < y ? -1 : x > y;
}

/* The order of the objects by address when the bitmap cannot be had: runs
 * of adjacent objects (each starting where the one before ends, as in a
 * span) sorted by their first address, or, when runs interleave (only a
 * broken dump), every object. */
static int sort_order(gomem_heapdump *d, uint32_t *perm)
{
	struct run *runs = NULL;
	size_t nruns = 0, cap = 0;
	int rc = GOMEM_OK;
	for (size_t i = 0; i < d->nobj; i++) {
		if (i == 0 || d->addr[i] != d->addr[i - 1] + d->size[i - 1]) {
			if ((rc = GOMEM_GROW(runs, cap, nruns + 1, SIZE_MAX / sizeof(*runs))) != GOMEM_OK)
				goto out;
			runs[nruns++] = (struct run){i, 0, d->addr[i]};
		}
		runs[nruns - 1].n++;
	}
	if ((rc = gomem_sort(runs, nruns, sizeof(*runs), cmp_run, NULL)) != GOMEM_OK)
		goto out;
	size_t k = 0;
	bool sorted = true;
	for (size_t r = 0; r < nruns; r++)
		for (size_t j = 0; j < runs[r].n; j++, k++) {
			perm[k] = (uint32_t)(runs[r].first + j);
			if (k > 0 && d->addr[perm[k]] < d->addr[perm[k - 1]])
				sorted = false;
		}
	if (!sorted)
		rc = gomem_sort(perm, d->nobj, sizeof(*perm), cmp_perm, d->addr);
out:
	free(runs);
	return rc;
}

static int overlap_error(gomem_heapdump *d, const uint32_t *perm, size_t i, const uint64_t *rec_off,
			 gomem_error *err)
{
	uint32_t a = perm[i - 1], b = perm[i];
	uint32_t later = rec_off[a] > rec_off[b] ? a : b, other = later == a ? b : a;
	if (d->addr[a] == d->addr[b])
		return gomem_error_at_byte(err, GOMEM_E_FORMAT, rec_off[later],
					   "object at 0x%llx dumped twice (first at byte %llu)",
					   (unsigned long long)d->addr[later], (unsigned long long)rec_off[other]);
	return gomem_error_at_byte(err, GOMEM_E_FORMAT, rec_off[later],
				   "object at 0x%llx (%llu bytes) overlaps the object at 0x%llx (%llu bytes, byte %llu)",
				   (unsigned long long)d->addr[later], (unsigned long long)d->size[later],
				   (unsigned long long)d->addr[other], (unsigned long long)d->size[other],
				   (unsigned long long)rec_off[other]);
}

/* Applies PERM (address order -> read order) to the objects' addresses and
 * sizes; the sizes go into the block the addresses leave (fresh memory
 * costs a page fault and the kernel's zeroing of each page). */
static int permute(gomem_heapdump *d, const uint32_t *perm)
{
	size_t n = d->nobj;
	uint64_t *addr = malloc((n + 1) * sizeof(*addr)), *size = d->addr;
	if (!addr)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		addr[i] = d->addr[perm[i]];
	for (size_t i = 0; i < n; i++)
		size[i] = d->size[perm[i]];
	free(d->size);
	d->addr = addr;
	d->size = size;
	return GOMEM_OK;
}

uint32_t hd_find_search(const gomem_heapdump *d, uint64_t addr)
{
	/* the last object starting at or before ADDR */
	size_t lo = 0, hi = d->nobj;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->addr[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return HD_NONE;
	lo--;
	return addr - d->addr[lo] < d->size[lo] ? (uint32_t)lo : HD_NONE;
}

/* The bitmap word holding word W's bit: START or COVER. */
static inline uint64_t *bits_of(struct hd_gline *l, uint64_t w, bool start)
{
	uint64_t c = w >> 6;
	return start ? &l[c / 3].start[c % 3] : &l[c / 3].cover[c % 3];
}

/* Sets the cover bits of words [W0, W1); false when one was set already
 * (objects overlap). */
static bool cover(struct hd_gline *l, uint64_t w0, uint64_t w1)
{
	bool clear = true;
	while (w0 < w1) {
		unsigned b = (unsigned)(w0 & 63);
		uint64_t n = w1 - w0 < 64 - b ? w1 - w0 : 64 - b;
		uint64_t mask = (n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1)) << b;
		uint64_t *word = bits_of(l, w0, false);
		clear &= !(*word & mask);
		*word |= mask;
		w0 += n;
	}
	return clear;
}

/* The bitmap over the heap from the objects in read order, and in *PERM
 * their address order (index -> read index; NULL when read in address
 * order already). GOMEM_E_INVALID when it does not apply: objects not
 * word-aligned, a heap of more than two granules per object (sparse), or
 * objects that overlap (the sorting path words that error). */
static int index_objects(gomem_heapdump *d, uint32_t **perm)
{
	size_t n = d->nobj;
	uint64_t lo = UINT64_MAX, hi = 0, bits = 0;
	*perm = NULL;
	for (size_t i = 0; i < n; i++) {
		bits |= d->addr[i] | d->size[i];
		lo = d->addr[i] < lo ? d->addr[i] : lo;
		hi = d->addr[i] + d->size[i] > hi ? d->addr[i] + d->size[i] : hi;
	}
	uint64_t nlines = ((hi - lo) >> 3) / HD_GLINE_WORDS + 1;
	if ((bits & 7) || nlines > (2 * (uint64_t)n + 65536) / 3)
		return GOMEM_E_INVALID;
	if (!(d->gline = hd_alloc((size_t)nlines, sizeof(*d->gline), true)))
		return GOMEM_E_NOMEM;
	d->nglines = (size_t)nlines;
	d->heap_lo = lo;
	d->heap_span = hi - lo;
	bool ordered = true;
	for (size_t i = 0; i < n; i++) {
		uint64_t w0 = (d->addr[i] - lo) >> 3, w1 = w0 + (d->size[i] >> 3);
		*bits_of(d->gline, w0, true) |= (uint64_t)1 << (w0 & 63);
		if (!cover(d->gline, w0, w1))
			goto not_applicable;
		ordered &= i == 0 || d->addr[i] > d->addr[i - 1];
	}
	uint32_t count = 0;
	for (size_t i = 0; i < d->nglines; i++) {
		struct hd_gline *l = &d->gline[i];
		l->base = count;
		l->before[0] = 0;
		l->before[1] = (uint8_t)HD_POPCOUNT64(l->start[0]);
		l->before[2] = (uint8_t)(l->before[1] + HD_POPCOUNT64(l->start[1]));
		count += l->before[2] + HD_POPCOUNT64(l->start[2]);
	}
	if (ordered)
		return GOMEM_OK;
	uint32_t *p = malloc((n + 1) * sizeof(*p));
	if (!p)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		p[hd_find(d, d->addr[i])] = (uint32_t)i;
	*perm = p;
	return permute(d, p);
not_applicable:
	free(d->gline);
	d->gline = NULL;
	d->nglines = 0;
	return GOMEM_E_INVALID;
}

/* The same order by sorting, with the overlap error; the lookup is then a
 * binary search. */
static int sort_objects(gomem_heapdump *d, uint32_t **perm, const uint64_t *rec_off, gomem_error *err)
{
	uint32_t *p = malloc((d->nobj + 1) * sizeof(*p));
	int rc = p ? sort_order(d, p) : GOMEM_E_NOMEM;
	*perm = NULL;
	if (rc != GOMEM_OK) {
		free(p);
		return gomem_error_set(err, rc, "sorting objects: %s", gomem_strerror(rc));
	}
	for (size_t i = 1; i < d->nobj; i++)
		if (d->addr[p[i - 1]] + d->size[p[i - 1]] > d->addr[p[i]]) {
			rc = overlap_error(d, p, i, rec_off, err);
			free(p);
			return rc;
		}
	bool identity = true;
	for (size_t i = 0; i < d->nobj && identity; i++)
		identity = p[i] == i;
	if (identity) {
		free(p);
		p = NULL;
	} else if ((rc = permute(d, p)) != GOMEM_OK) {
		free(p);
		return gomem_error_set(err, rc, "sorting objects: %s", gomem_strerror(rc));
	}
	*perm = p;
	d->heap_lo = d->addr[0];
	d->heap_span = d->addr[d->nobj - 1] + d->size[d->nobj - 1] - d->heap_lo;
	return GOMEM_OK;
}

/* Resolves every object slot to the object holding its target, in place
 * and in read order; without keep_outside, slots leading nowhere are
 * dropped, and the targets (4 bytes) are written over the raw values (8
 * bytes), always behind the value being read, which are then dropped. */
static int resolve_objects(gomem_heapdump *d, bool compact)
{
	struct hd_slots *s = &d->slots;
	size_t n = s->n, out = 0, k = 0;
	uint64_t *value = s->value, *es = d->edge_start;
	uint32_t *word = s->word;
	uint32_t *target = compact && value ? (uint32_t *)(void *)value : malloc((n + 1) * sizeof(*target));
	if (!target)
		return GOMEM_E_NOMEM;
	for (size_t r = 0; r < d->nobj; r++) {
		uint64_t end = es[r + 1];
		es[r] = out;
		for (; k < end; k++) {
			if (k + PREFETCH_AHEAD < n)
				HD_PREFETCH(hd_find_line(d, value[k + PREFETCH_AHEAD]));
			uint64_t v = value[k];
			uint32_t w = word[k], t = w & GOMEM_HEAPDUMP_AUX_WORD ? HD_NONE : hd_find(d, v);
			if (compact && t == HD_NONE) {
				d->counts.dropped_slots++;
				continue;
			}
			target[out] = t;
			word[out] = w;
			if (!compact)
				value[out] = v;
			out++;
		}
	}
	es[d->nobj] = out;
	s->n = s->cap = out;
	if (compact && value) { /* give back the tails */
		uint32_t *t = realloc(target, (out + 1) * sizeof(*t));
		uint32_t *w = word ? realloc(word, (out + 1) * sizeof(*w)) : NULL;
		s->target = t ? t : target;
		s->word = w ? w : word;
		s->value = NULL;
	} else {
		s->target = target;
	}
	return GOMEM_OK;
}

/* Root slots are resolved root by root into new arrays (a finalizer's
 * range was moved to the end, so ranges are not in root order). */
static int resolve_roots(gomem_heapdump *d, bool compact)
{
	struct hd_slots *s = &d->root_slots, out = {0};
	size_t n = s->n + 1;
	out.target = malloc(n * sizeof(*out.target));
	out.word = malloc(n * sizeof(*out.word));
	out.value = compact ? NULL : malloc(n * sizeof(*out.value));
	if (!out.target || !out.word || (!compact && !out.value)) {
		hd_slots_free(&out);
		return GOMEM_E_NOMEM;
	}
	for (size_t i = 0; i < d->nroots; i++) {
		struct hd_root *r = &d->roots[i];
		uint64_t first = out.n;
		for (uint64_t k = r->first; k < r->first + r->n; k++) {
			uint32_t t = s->word[k] & GOMEM_HEAPDUMP_AUX_WORD ? HD_NONE : hd_find(d, s->value[k]);
			if (compact && t == HD_NONE) {
				d->counts.dropped_slots++;
				continue;
			}
			out.target[out.n] = t;
			out.word[out.n] = s->word[k];
			if (!compact)
				out.value[out.n] = s->value[k];
			out.n++;
		}
		r->first = first;
		r->n = out.n - first;
	}
	out.cap = n;
	out.max = s->max;
	hd_slots_free(s);
	*s = out;
	return GOMEM_OK;
}

/* A finalizer's root reaches what its object reaches: those slots are
 * appended to the root (before the object slots are rewritten). */
static int finalizer_slots(gomem_heapdump *d)
{
	for (size_t i = 0; i < d->nroots; i++) {
		struct hd_root *r = &d->roots[i];
		if (r->pub.kind != GOMEM_ROOT_FINALIZER || !r->obj)
			continue;
		uint32_t o = hd_find(d, r->obj);
		if (o == HD_NONE)
			continue;
		/* roots' slots are contiguous per root: only the last root can grow
		 * in place, so copy this root's slots to the end first */
		size_t first = d->root_slots.n;
		for (uint64_t k = r->first; k < r->first + r->n; k++) {
			int rc = hd_slots_push(&d->root_slots, d->root_slots.value[k], d->root_slots.word[k]);
			if (rc != GOMEM_OK)
				return rc;
		}
		uint64_t first_slot, end_slot;
		hd_object_range(d, o, &first_slot, &end_slot);
		for (uint64_t k = first_slot; k < end_slot; k++) {
			int rc = hd_slots_push(&d->root_slots, d->slots.value[k], d->slots.word[k]);
			if (rc != GOMEM_OK)
				return rc;
		}
		r->first = first;
		r->n = d->root_slots.n - first;
	}
	return GOMEM_OK;
}

static int cmp_sample(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const struct hd_site *x = a, *y = b;
	return x->pub.bucket < y->pub.bucket ? -1 : x->pub.bucket > y->pub.bucket;
}

static uint32_t find_site(const gomem_heapdump *d, uint64_t bucket)
{
	size_t lo = 0, hi = d->nsites;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->sites[mid].pub.bucket < bucket)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->nsites && d->sites[lo].pub.bucket == bucket ? (uint32_t)lo : HD_NONE;
}

static bool runtime_frame(const char *f)
{
	return strncmp(f, "runtime.", 8) == 0 || strncmp(f, "internal/", 9) == 0 || strcmp(f, "?") == 0;
}

/* Frames as public records, each site's name, and each object's site. */
static int attach_sites(gomem_heapdump *d)
{
	int rc;
	if (d->nframes) {
		d->frames = malloc(d->nframes * sizeof(*d->frames));
		if (!d->frames)
			return GOMEM_E_NOMEM;
	}
	for (size_t i = 0; i < d->nframes; i++)
		d->frames[i] = (gomem_heapdump_frame){gomem_strpool_get(&d->strings, d->raw_frames[i].function),
						      gomem_strpool_get(&d->strings, d->raw_frames[i].file),
						      d->raw_frames[i].line};
	if ((rc = gomem_sort(d->sites, d->nsites, sizeof(*d->sites), cmp_sample, NULL)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < d->nsites; i++) {
		struct hd_site *s = &d->sites[i];
		s->pub.frames = s->pub.nframes ? d->frames + s->frame_off : NULL;
		const gomem_heapdump_frame *f = NULL;
		for (size_t k = 0; k < s->pub.nframes && !f; k++)
			if (!runtime_frame(s->pub.frames[k].function))
				f = &s->pub.frames[k];
		if (!f && s->pub.nframes)
			f = &s->pub.frames[0];
		char buf[1024];
		snprintf(buf, sizeof(buf), "%s:%llu", f ? f->function : "?", f ? (unsigned long long)f->line : 0ULL);
		if ((rc = gomem_strpool_intern(&d->strings, buf, strlen(buf), &s->name)) != GOMEM_OK)
			return rc;
		s->pub.name = gomem_strpool_get(&d->strings, s->name);
	}
	if (d->nsamples == 0)
		return GOMEM_OK; /* no object has a site: obj_site stays NULL */
	d->obj_site = malloc((d->nobj + 1) * sizeof(*d->obj_site));
	if (!d->obj_site)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < d->nobj; i++)
		d->obj_site[i] = HD_NONE;
	size_t with = 0;
	for (size_t i = 0; i < d->nsamples; i++) {
		uint32_t o = hd_find(d, d->samples[i].addr);
		if (o == HD_NONE || d->obj_site[o] != HD_NONE)
			continue;
		d->obj_site[o] = find_site(d, d->samples[i].bucket);
		with += d->obj_site[o] != HD_NONE;
	}
	/* At a rate of R bytes a sampled small object is rare (size/R): half
	 * of all objects sampled means MemProfileRate was 1 (the objects
	 * without one were allocated before the program set it). */
	d->sites_exact = d->nobj > 0 && with * 2 >= d->nobj;
	free(d->samples);
	d->samples = NULL;
	return GOMEM_OK;
}

int hd_build_graph(gomem_heapdump *d, const uint64_t *rec_off, gomem_error *err)
{
	int rc = GOMEM_OK;
	bool compact = !d->opts.keep_outside;
	if (d->nobj > 0) {
		rc = index_objects(d, &d->read_at);
		if (rc == GOMEM_E_INVALID)
			rc = sort_objects(d, &d->read_at, rec_off, err);
		else if (rc != GOMEM_OK)
			rc = gomem_error_set(err, rc, "indexing %zu objects: %s", d->nobj, gomem_strerror(rc));
		if (rc != GOMEM_OK)
			return rc;
	}
	if (rc == GOMEM_OK)
		rc = hd_group_globals(d, err);
	if (rc == GOMEM_OK)
		rc = finalizer_slots(d);
	if (rc == GOMEM_OK)
		rc = attach_sites(d);
	if (rc == GOMEM_OK && d->nobj > 0)
		rc = resolve_objects(d, compact);
	if (rc == GOMEM_OK)
		rc = resolve_roots(d, compact);
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "building the object graph: %s", gomem_strerror(rc));
	d->counts.edges = d->slots.n;
	for (size_t i = 0; i < d->nroots; i++)
		d->roots[i].pub.name = gomem_strpool_get(&d->strings, d->roots[i].name_id);
	return GOMEM_OK;
}
