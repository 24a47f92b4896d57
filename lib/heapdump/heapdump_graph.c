/* SPDX-License-Identifier: Apache-2.0 */
/* heapdump_graph.c — the records into a graph: objects sorted by address
 * (the runtime writes them span by span, each span in address order, so the
 * ascending runs are sorted as wholes), overlaps and duplicates refused,
 * every pointer slot resolved to the object holding its target through a
 * page index, roots grouped, allocation samples attached to their objects. */
#include <stdlib.h>
#include <string.h>

#include "heapdump-internal.h"

#define PAGE_SHIFT 9 /* granules of the page index: a few objects each */

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

/* The order of the objects by address: runs of adjacent objects (each
 * starting where the one before ends, as in a span) sorted by their first
 * address, or, when runs interleave (only a broken dump), every object. */
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

/* Applies PERM to the objects' addresses and sizes (one array at a time)
 * and keeps PERM as the map to the slots, which stay in read order. */
static int permute(gomem_heapdump *d, uint32_t *perm)
{
	size_t n = d->nobj;
	bool identity = true;
	for (size_t i = 0; i < n && identity; i++)
		identity = perm[i] == i;
	if (identity) {
		free(perm);
		return GOMEM_OK;
	}
	uint64_t *arrays[2] = {d->addr, d->size};
	for (int a = 0; a < 2; a++) {
		uint64_t *to = malloc((n + 1) * sizeof(*to));
		if (!to) {
			free(perm);
			return GOMEM_E_NOMEM;
		}
		for (size_t i = 0; i < n; i++)
			to[i] = arrays[a][perm[i]];
		free(arrays[a]);
		arrays[a] = to;
	}
	d->addr = arrays[0], d->size = arrays[1];
	d->read_index = perm;
	return GOMEM_OK;
}

static uint32_t search(const gomem_heapdump *d, size_t lo, size_t hi, uint64_t addr)
{
	/* the last object starting at or before ADDR in [lo, hi) */
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

uint32_t hd_find(const gomem_heapdump *d, uint64_t addr)
{
	if (d->nobj == 0 || addr < d->heap_lo || addr >= d->heap_hi)
		return HD_NONE;
	if (!d->page_first)
		return search(d, 0, d->nobj, addr);
	size_t pg = (size_t)((addr - d->heap_lo) >> PAGE_SHIFT);
	/* the candidates are few and adjacent: a forward scan reads two cache
	 * lines where a binary search misses more */
	size_t o = d->page_first[pg];
	while (o < d->nobj && d->addr[o] + d->size[o] <= addr)
		o++;
	return o < d->nobj && d->addr[o] <= addr ? (uint32_t)o : HD_NONE;
}

/* page_first[p]: the first object that ends after granule p starts; a
 * granule's candidates are page_first[p] .. page_first[p+1] (inclusive).
 * Only when the heap's span of addresses is within a few granules per
 * object (4 bytes each). */
static int build_page_index(gomem_heapdump *d)
{
	d->heap_lo = d->addr[0] & ~(((uint64_t)1 << PAGE_SHIFT) - 1);
	d->heap_hi = d->addr[d->nobj - 1] + d->size[d->nobj - 1];
	uint64_t npages = ((d->heap_hi - d->heap_lo) >> PAGE_SHIFT) + 1;
	if (npages > 4 * (uint64_t)d->nobj + 65536)
		return GOMEM_OK; /* a sparse heap: binary search */
	d->page_first = malloc((size_t)(npages + 1) * sizeof(*d->page_first));
	if (!d->page_first)
		return GOMEM_E_NOMEM;
	d->npages = (size_t)npages;
	size_t o = 0;
	for (uint64_t p = 0; p <= npages; p++) {
		uint64_t at = d->heap_lo + (p << PAGE_SHIFT);
		while (o < d->nobj && d->addr[o] + d->size[o] <= at)
			o++;
		d->page_first[p] = (uint32_t)(o < d->nobj ? o : d->nobj - 1);
	}
	return GOMEM_OK;
}

/* Resolves every slot of S (owner ranges in START, NOWNERS of them, or one
 * flat list when START is NULL); without keep_outside, slots leading
 * nowhere are dropped and START is rewritten. */
static int resolve(gomem_heapdump *d, struct hd_slots *s, uint64_t *start, size_t nowners, bool compact)
{
	s->target = malloc((s->n + 1) * sizeof(*s->target));
	if (!s->target)
		return GOMEM_E_NOMEM;
	size_t w = 0;
	for (size_t o = 0, i = 0; o < (start ? nowners : 1); o++) {
		size_t end = start ? start[o + 1] : s->n;
		if (start)
			start[o] = w;
		for (; i < end; i++) {
			uint32_t t = s->word[i] & GOMEM_HEAPDUMP_AUX_WORD ? HD_NONE : hd_find(d, s->value[i]);
			if (compact && t == HD_NONE) {
				d->counts.dropped_slots++;
				continue;
			}
			s->target[w] = t;
			s->word[w] = s->word[i];
			s->value[w] = s->value[i];
			w++;
		}
	}
	if (start)
		start[nowners] = w;
	s->n = w;
	if (compact) {
		free(s->value);
		s->value = NULL;
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
	hd_slots_free(s);
	*s = out;
	return GOMEM_OK;
}

/* A finalizer's root reaches what its object reaches: those slots are
 * appended to the root (once the object slots are resolved). */
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
		uint32_t *perm = malloc(d->nobj * sizeof(*perm));
		if (!perm)
			return gomem_error_set(err, GOMEM_E_NOMEM, "sorting %zu objects: %s", d->nobj,
					       gomem_strerror(GOMEM_E_NOMEM));
		if ((rc = sort_order(d, perm)) != GOMEM_OK) {
			free(perm);
			return gomem_error_set(err, rc, "sorting objects: %s", gomem_strerror(rc));
		}
		for (size_t i = 1; i < d->nobj; i++)
			if (d->addr[perm[i - 1]] + d->size[perm[i - 1]] > d->addr[perm[i]]) {
				rc = overlap_error(d, perm, i, rec_off, err);
				free(perm);
				return rc;
			}
		rc = permute(d, perm); /* takes PERM */
		if (rc == GOMEM_OK)
			rc = build_page_index(d);
	}
	if (rc == GOMEM_OK)
		rc = hd_group_globals(d, err);
	if (rc == GOMEM_OK)
		rc = finalizer_slots(d);
	if (rc == GOMEM_OK)
		rc = attach_sites(d);
	if (rc == GOMEM_OK && d->nobj > 0)
		rc = resolve(d, &d->slots, d->edge_start, d->nobj, compact);
	if (rc == GOMEM_OK)
		rc = resolve_roots(d, compact);
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "building the object graph: %s", gomem_strerror(rc));
	d->counts.edges = d->slots.n;
	for (size_t i = 0; i < d->nroots; i++)
		d->roots[i].pub.name = gomem_strpool_get(&d->strings, d->roots[i].name_id);
	return GOMEM_OK;
}
