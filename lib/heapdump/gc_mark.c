/* SPDX-License-Identifier: Apache-2.0 */
/* gc_mark.c — the tri-color mark, as the runtime's gcDrain does it: roots
 * shade what they point at grey, a grey object taken from the work queue is
 * scanned (its pointees shaded) and turns black; never recursion, so a
 * chain of millions of objects is fine. The queue is FIFO, which makes the
 * first node an object is reached from its parent on a shortest path from
 * the roots. What stays white is garbage the runtime has not swept.
 *
 * Only paths need the breadth-first order: without them the dominator
 * pass's depth-first search (gc_search.c) marks on its own. */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

/* queue places ahead that the mark asks the cache for, in three stages:
 * an object's slot range, then its slots, then its targets' colours */
#define AHEAD 24

size_t gc_successors(const gomem_gc *g, uint32_t node, const uint32_t **targets, const uint32_t **words)
{
	if (node == GOMEM_GC_SUPERROOT) {
		*targets = NULL;
		if (words)
			*words = NULL;
		return g->obj_base - 1;
	}
	if (node < g->obj_base)
		return gomem_heapdump_root_edges(g->d, node - 1, targets, words, NULL);
	return gomem_heapdump_object_edges(g->d, node - g->obj_base, targets, words, NULL);
}

/* Shades object T grey (queued) when white; PARENT is who reached it. */
static inline void shade(gomem_gc *g, uint32_t *queue, size_t *tail, uint32_t t, uint32_t from)
{
	if (t == GC_NONE || g->color[t] != GC_WHITE)
		return;
	g->color[t] = GC_GREY;
	if (g->parent)
		g->parent[gc_obj_node(g, t)] = from;
	queue[(*tail)++] = t;
}

int gc_mark(gomem_gc *g)
{
	const gomem_heapdump *d = g->d;
	size_t nobj = d->nobj, nroots = d->nroots;
	g->color = hd_alloc(nobj + 1, 1, true);
	g->parent = g->opts.paths ? hd_alloc(g->nnodes, sizeof(*g->parent), false) : NULL;
	/* every object is queued at most once: the queue never wraps */
	uint32_t *queue = hd_alloc(nobj + 1, sizeof(*queue), false);
	if (!g->color || (g->opts.paths && !g->parent) || !queue) {
		free(queue);
		return GOMEM_E_NOMEM;
	}
	for (size_t i = 0; g->parent && i < g->nnodes; i++)
		g->parent[i] = GC_NONE;
	size_t head = 0, tail = 0;
	for (uint32_t r = 0; r < nroots; r++) {
		const uint32_t *t;
		size_t n = gomem_heapdump_root_edges(d, r, &t, NULL, NULL);
		if (g->parent)
			g->parent[1 + r] = GOMEM_GC_SUPERROOT;
		for (size_t k = 0; k < n; k++)
			shade(g, queue, &tail, t[k], 1 + r);
	}
	/* breadth-first: the queue holds one level after another; the depth
	 * is the number of levels */
	size_t level_end = tail;
	uint64_t depth = tail > 0;
	while (head < tail) {
		if (head == level_end) {
			depth++;
			level_end = tail;
		}
		/* what scanning the objects queued ahead will read, asked for
		 * here (the queue is known that far, the heap's order is not):
		 * GCC drops a function that only prefetches */
		uint64_t b, e;
		if (head + AHEAD < tail)
			HD_PREFETCH(d->read_at ? (const void *)&d->read_at[queue[head + AHEAD]]
					       : (const void *)&d->edge_start[queue[head + AHEAD]]);
		if (d->read_at && head + 3 * AHEAD / 4 < tail)
			HD_PREFETCH(&d->edge_start[d->read_at[queue[head + 3 * AHEAD / 4]]]);
		if (head + AHEAD / 2 < tail) {
			hd_object_range(d, queue[head + AHEAD / 2], &b, &e);
			HD_PREFETCH(&d->slots.target[b]);
		}
		if (head + AHEAD / 4 < tail) {
			hd_object_range(d, queue[head + AHEAD / 4], &b, &e);
			for (uint64_t k = b; k < e && k < b + 8; k++)
				if (d->slots.target[k] != GC_NONE)
					HD_PREFETCH(&g->color[d->slots.target[k]]);
		}
		uint32_t o = queue[head++];
		hd_object_range(d, o, &b, &e);
		for (uint64_t k = b; k < e; k++)
			shade(g, queue, &tail, d->slots.target[k], gc_obj_node(g, o));
		g->color[o] = GC_BLACK;
	}
	g->sum.max_depth = depth;
	free(queue);
	return GOMEM_OK;
}

void gc_sum_marked(gomem_gc *g)
{
	const gomem_heapdump *d = g->d;
	for (uint32_t r = 0; r < d->nroots; r++)
		g->sum.root_edges += d->roots[r].n;
	g->sum.roots = d->nroots;
	for (uint32_t o = 0; o < d->nobj; o++) {
		uint64_t size = d->size[o];
		g->sum.objects++;
		g->sum.bytes += size;
		if (g->color[o] == GC_BLACK) {
			g->sum.reachable_objects++;
			g->sum.reachable_bytes += size;
		} else {
			g->sum.unreached_objects++;
			g->sum.unreached_bytes += size;
		}
	}
}

bool gomem_gc_reachable(const gomem_gc *g, uint32_t obj)
{
	return obj < gomem_heapdump_object_count(g->d) && g->color[obj] == GC_BLACK;
}
