/* SPDX-License-Identifier: Apache-2.0 */
/* gc_search.c — the depth-first search under the dominator tree: preorder
 * numbers, DFS parents, and every edge that is not a tree edge as a pair
 * (target's number, source's number). It reaches exactly what the mark
 * reaches and so can be the mark itself: a tri-color search whose grey
 * nodes are those on its explicit stack (never recursion: chains of
 * millions of objects exist).
 *
 * On a heap of millions of objects every step of a search is a cache miss,
 * so the graph is first laid out for it in one array of 32-bit words, a
 * record per root and object:
 *
 *     [number, count, node, successor record, successor record, ...]
 *
 * with successors named by their record's offset: looking at a successor
 * (is it numbered yet?) and going into it read the same line, which the
 * search asks for as soon as it enters the node that points there. Roots
 * come first, then the objects in address order; a table of each object's
 * record (4 bytes an object, read at random while the layout is written)
 * is dropped as soon as the layout is done. */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

#define HDR 3    /* number, count, node */
#define AHEAD 8  /* objects ahead whose successors' records the layout asks for */

struct layout {
	uint32_t *w;
	size_t len;
	uint32_t *rec;        /* object o's record */
	uint32_t *root_rec;   /* root r's record */
};

/* Where each record goes; GOMEM_E_LIMIT past 2^32 words. */
static int place_records(const gomem_gc *g, struct layout *l)
{
	const gomem_heapdump *d = g->d;
	size_t nroots = g->obj_base - 1, nobj = d->nobj;
	uint64_t at = 0, b, e;
	l->root_rec = malloc((nroots + 1) * sizeof(*l->root_rec));
	l->rec = hd_alloc(nobj + 1, sizeof(*l->rec), false);
	if (!l->root_rec || !l->rec)
		return GOMEM_E_NOMEM;
	for (size_t r = 0; r < nroots && at < UINT32_MAX; r++) {
		l->root_rec[r] = (uint32_t)at;
		at += HDR + d->roots[r].n;
	}
	for (size_t o = 0; o < nobj && at < UINT32_MAX; o++) {
		l->rec[o] = (uint32_t)at;
		hd_object_range(d, (uint32_t)o, &b, &e);
		at += HDR + (e - b);
	}
	if (at >= UINT32_MAX)
		return GOMEM_E_LIMIT;
	l->len = (size_t)at;
	return GOMEM_OK;
}

/* The records. */
static int lay_out(const gomem_gc *g, struct layout *l)
{
	const gomem_heapdump *d = g->d;
	size_t nroots = g->obj_base - 1, nobj = d->nobj;
	const uint32_t *target = d->slots.target;
	int rc = place_records(g, l);
	if (rc != GOMEM_OK)
		return rc;
	l->w = hd_alloc(l->len + 2 * HDR + 1, sizeof(*l->w), false); /* enter's prefetch reach */
	if (!l->w)
		return GOMEM_E_NOMEM;
	for (size_t r = 0; r < nroots; r++) {
		const uint32_t *t = d->root_slots.target + d->roots[r].first;
		uint32_t at = l->root_rec[r], c = 0;
		for (uint64_t k = 0; k < d->roots[r].n; k++)
			if (t[k] != GC_NONE)
				l->w[at + HDR + c++] = l->rec[t[k]];
		l->w[at] = 0, l->w[at + 1] = c, l->w[at + 2] = (uint32_t)(1 + r);
	}
	/* object by object, slot by slot: the targets' records are read at
	 * random, asked for AHEAD objects before */
	uint64_t b, e;
	for (size_t o = 0; o < nobj; o++) {
		if (o + AHEAD < nobj) {
			hd_object_range(d, (uint32_t)(o + AHEAD), &b, &e);
			for (; b < e; b++)
				if (target[b] != GC_NONE)
					HD_PREFETCH(&l->rec[target[b]]);
		}
		uint32_t rec = l->rec[o], c = 0;
		hd_object_range(d, (uint32_t)o, &b, &e);
		for (; b < e; b++)
			if (target[b] != GC_NONE)
				l->w[rec + HDR + c++] = l->rec[target[b]];
		l->w[rec] = 0, l->w[rec + 1] = c, l->w[rec + 2] = g->obj_base + (uint32_t)o;
	}
	free(l->rec); /* the search goes by the records alone */
	l->rec = NULL;
	return GOMEM_OK;
}

/* One node being searched: its successors still to look at. */
struct frame {
	uint32_t next, end;   /* word offsets into the layout */
	uint32_t num;         /* the node's preorder number */
};

struct search {
	const gomem_gc *g;
	struct gc_dfs *out;
	uint32_t *w;
	struct frame *st;
	size_t sp, cap;
	size_t pairs_cap;
};

/* Numbers the node of record REC, reached from the node numbered FROM,
 * pushes its frame and asks for its successors' records. */
static int enter(struct search *s, uint32_t rec, uint32_t from)
{
	struct gc_dfs *o = s->out;
	uint32_t *w = s->w;
	uint32_t num = ++o->n, first = rec + HDR, end = first + w[rec + 1];
	w[rec] = num;
	o->vertex[num] = w[rec + 2];
	o->par[num] = from;
	if (s->sp == s->cap) {
		size_t cap = s->cap * 2;
		struct frame *ns = realloc(s->st, cap * sizeof(*ns));
		if (!ns)
			return GOMEM_E_NOMEM;
		s->st = ns;
		s->cap = cap;
	}
	s->st[s->sp++] = (struct frame){first, end, num};
	for (uint32_t k = first; k < end && k < first + 8; k++)
		/* the successor's record: its line and the next (a record may
		 * straddle two) */
		HD_PREFETCH(&w[w[k]]), HD_PREFETCH(&w[w[k] + 2 * HDR]);
	return GOMEM_OK;
}

static int add_pair(struct search *s, uint32_t target, uint32_t source)
{
	struct gc_dfs *o = s->out;
	if (o->npairs == s->pairs_cap) {
		int rc = GOMEM_GROW(o->pairs, s->pairs_cap, o->npairs + 1, SIZE_MAX / sizeof(*o->pairs));
		if (rc != GOMEM_OK)
			return rc;
	}
	o->pairs[o->npairs++] = (uint64_t)target << 32 | source;
	return GOMEM_OK;
}

/* Searches from the frame on top until the stack is empty. */
static int run(struct search *s)
{
	uint32_t *w = s->w;
	int rc = GOMEM_OK;
	while (s->sp > 0 && rc == GOMEM_OK) {
		struct frame *f = &s->st[s->sp - 1];
		if (f->next == f->end) {
			s->sp--;
			continue;
		}
		uint32_t rec = w[f->next++], from = f->num, p = w[rec];
		if (p == 0)
			rc = enter(s, rec, from);
		else if (p != from)
			rc = add_pair(s, p, from);
	}
	return rc;
}

/* What the search reached, as the mark's colours (all white before). */
static void mark_reached(gomem_gc *g, const struct gc_dfs *out)
{
	for (uint32_t num = 2; num <= out->n; num++)
		if (out->vertex[num] >= g->obj_base)
			g->color[out->vertex[num] - g->obj_base] = GC_BLACK;
}

int gc_search(gomem_gc *g, struct gc_dfs *out, bool mark)
{
	struct layout l = {0};
	struct search s = {.g = g, .out = out, .cap = 1024};
	size_t nn = g->nnodes;
	memset(out, 0, sizeof(*out));
	out->vertex = malloc((nn + 1) * sizeof(*out->vertex));
	out->par = malloc((nn + 1) * sizeof(*out->par));
	s.st = malloc(s.cap * sizeof(*s.st));
	int rc = out->vertex && out->par && s.st ? lay_out(g, &l) : GOMEM_E_NOMEM;
	s.w = l.w;
	if (rc == GOMEM_OK) {
		out->n = 1; /* the super-root; each root is searched from it */
		out->vertex[1] = GOMEM_GC_SUPERROOT;
		out->par[1] = 0;
		for (uint32_t r = 0; r + 1 < g->obj_base && rc == GOMEM_OK; r++)
			if ((rc = enter(&s, l.root_rec[r], 1)) == GOMEM_OK)
				rc = run(&s);
	}
	if (rc == GOMEM_OK && mark)
		mark_reached(g, out);
	out->spare = l.w;
	out->spare_bytes = l.w ? (l.len + 2 * HDR + 1) * sizeof(*l.w) : 0;
	free(l.root_rec), free(l.rec), free(s.st);
	if (rc != GOMEM_OK)
		gc_dfs_free(out);
	return rc;
}

void gc_dfs_free(struct gc_dfs *out)
{
	free(out->vertex), free(out->par), free(out->pairs), free(out->spare);
	memset(out, 0, sizeof(*out));
}
