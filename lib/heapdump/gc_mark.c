/* SPDX-License-Identifier: Apache-2.0 */
/* gc_mark.c — the tri-color mark, as the runtime's gcDrain does it: roots
 * shade what they point at grey, a grey object taken from the work queue is
 * scanned (its pointees shaded) and turns black; never recursion, so a
 * chain of millions of objects is fine. The queue is FIFO, which makes the
 * first node an object is reached from its parent on a shortest path from
 * the roots. What stays white is garbage the runtime has not swept. */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

enum { WHITE = 0, GREY = 1, BLACK = 2 };

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
	if (t == GC_NONE || g->color[t] != WHITE)
		return;
	g->color[t] = GREY;
	if (g->parent)
		g->parent[gc_obj_node(g, t)] = from;
	queue[(*tail)++] = t;
}

int gc_mark(gomem_gc *g)
{
	const gomem_heapdump *d = g->d;
	size_t nobj = gomem_heapdump_object_count(d), nroots = gomem_heapdump_root_count(d);
	g->color = calloc(nobj + 1, 1);
	g->parent = g->opts.paths ? malloc(g->nnodes * sizeof(*g->parent)) : NULL;
	/* every object is queued at most once: the queue never wraps */
	uint32_t *queue = malloc((nobj + 1) * sizeof(*queue));
	uint32_t *depth = calloc(nobj + 1, sizeof(*depth));
	if (!g->color || (g->opts.paths && !g->parent) || !queue || !depth) {
		free(queue);
		free(depth);
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
		g->sum.root_edges += n;
		for (size_t k = 0; k < n; k++)
			shade(g, queue, &tail, t[k], 1 + r);
	}
	g->sum.roots = nroots;
	while (head < tail) {
		uint32_t o = queue[head++];
		const uint32_t *t;
		size_t n = gomem_heapdump_object_edges(d, o, &t, NULL, NULL);
		for (size_t k = 0; k < n; k++) {
			if (t[k] != GC_NONE && g->color[t[k]] == WHITE)
				depth[t[k]] = depth[o] + 1;
			shade(g, queue, &tail, t[k], gc_obj_node(g, o));
		}
		g->color[o] = BLACK;
		if (depth[o] + 1 > g->sum.max_depth)
			g->sum.max_depth = depth[o] + 1;
	}
	free(queue);
	free(depth);
	for (uint32_t o = 0; o < nobj; o++) {
		uint64_t size = gomem_heapdump_object_size(d, o);
		g->sum.objects++;
		g->sum.bytes += size;
		if (g->color[o] == BLACK) {
			g->sum.reachable_objects++;
			g->sum.reachable_bytes += size;
		} else {
			g->sum.unreached_objects++;
			g->sum.unreached_bytes += size;
		}
	}
	return GOMEM_OK;
}

bool gomem_gc_reachable(const gomem_gc *g, uint32_t obj)
{
	return obj < gomem_heapdump_object_count(g->d) && g->color[obj] == BLACK;
}
