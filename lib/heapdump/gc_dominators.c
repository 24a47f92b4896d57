/* SPDX-License-Identifier: Apache-2.0 */
/* gc_dominators.c — the dominator tree of the object graph seen from the
 * super-root (which points at every root), by semi-NCA (Georgiadis,
 * Tarjan, Werneck): semidominators by Lengauer–Tarjan's simple link-eval in
 * reverse DFS preorder, then each immediate dominator as the nearest common
 * ancestor walk; then retained bytes and objects bottom-up. The tree's
 * children lists are made from the idoms when a report first walks down
 * the tree.
 *
 * A heap is too big for its arrays to stay in the cache, so the work is
 * laid out for the memory: everything after the depth-first search
 * (gc_search.c) is indexed by preorder number and walked in order. The
 * search hands every edge that is not a tree edge over as a pair (target's
 * number, source's number); sorted by target with a radix sort (sequential
 * passes), the pairs are the predecessor lists that the semidominator pass
 * reads in reverse preorder. A predecessor numbered below its target (a
 * forward edge, from an ancestor) is a candidate as it is; only one
 * numbered above (a cross or back edge) needs eval. The passes ask the
 * cache for what they will read a few steps ahead. */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

/* steps ahead that the passes ask the cache for */
#define AHEAD 16

/* The part of the spare block at OFFSET bytes (64-byte aligned) for N
 * elements of SIZE bytes, or NULL when it does not fit. Fresh memory costs
 * a page fault and the kernel's zeroing of each page — on a busy virtual
 * machine about as much as the work done on it — so each step takes what
 * the step before is done with. */
static void *spare_at(const struct gc_dfs *m, size_t offset, size_t n, size_t size)
{
	offset = (offset + 63) & ~(size_t)63;
	if (!m->spare || offset > m->spare_bytes || n > (m->spare_bytes - offset) / size)
		return NULL;
	return (char *)m->spare + offset;
}

/* Sorts the pairs by target number: LSD radix sort on the bits a number
 * can have, digits of at most 12 bits (a pass streams into 4096 buckets),
 * an even number of passes so that the result ends where it started. */
static int sort_pairs(struct gc_dfs *m)
{
	unsigned bits = 0;
	while (bits < 32 && ((uint64_t)1 << bits) <= m->n)
		bits++;
	unsigned passes = (bits + 11) / 12;
	passes += passes & 1;
	unsigned digit = (bits + passes - 1) / passes;
	if (m->npairs < 2)
		return GOMEM_OK;
	uint64_t *tmp = spare_at(m, 0, m->npairs, sizeof(*tmp));
	bool own = !tmp;
	if (own)
		tmp = hd_alloc(m->npairs, sizeof(*tmp), false);
	size_t buckets = (size_t)1 << digit;
	size_t *count = malloc(buckets * sizeof(*count));
	if (!tmp || !count) {
		if (own)
			free(tmp);
		free(count);
		return GOMEM_E_NOMEM;
	}
	uint64_t *from = m->pairs, *to = tmp;
	for (unsigned p = 0; p < passes; p++) {
		unsigned shift = 32 + p * digit;
		memset(count, 0, buckets * sizeof(*count));
		for (size_t i = 0; i < m->npairs; i++)
			count[(from[i] >> shift) & (buckets - 1)]++;
		size_t sum = 0;
		for (size_t b = 0; b < buckets; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < m->npairs; i++)
			to[count[(from[i] >> shift) & (buckets - 1)]++] = from[i];
		uint64_t *t = from;
		from = to, to = t;
	}
	free(count);
	if (own)
		free(tmp);
	return GOMEM_OK;
}

/* The linked forest of the semidominator pass, 8 bytes a node: its
 * ancestor link (0: a root of the forest, not processed yet) and the least
 * semidominator on the path from it up to that ancestor, the ancestor
 * excluded. Semi-NCA needs no more of Lengauer–Tarjan's labels than that
 * value. */
struct link {
	uint32_t best, anc;
};

/* The least semidominator on the path from V (processed, so linked) up to
 * the root of its tree, the root excluded; halves the path on the way (each
 * node visited links to its grandparent, its best taking in its parent's),
 * which keeps every node's best true to its new link: one pass, no stack. */
static uint32_t eval(struct link *f, uint32_t v)
{
	uint32_t best = f[v].best;
	for (;;) {
		uint32_t a = f[v].anc;
		if (f[a].anc == 0)
			return best;
		if (f[a].best < f[v].best)
			f[v].best = f[a].best;
		f[v].anc = f[a].anc;
		best = f[v].best < best ? f[v].best : best;
		v = f[v].anc;
		if (f[v].anc == 0) /* V was the root's child's child: done */
			return best;
		best = f[v].best < best ? f[v].best : best;
	}
}

/* Semidominators in reverse preorder from the sorted pairs, then the
 * immediate dominators in preorder, in place over the DFS parents: par[d]
 * of every d < w already holds d's immediate dominator when w is reached. */
static int semi_nca(struct gc_dfs *m)
{
	size_t n = (size_t)m->n + 1;
	struct link *f = spare_at(m, 0, n, sizeof(*f));
	uint32_t *semi = f ? spare_at(m, n * sizeof(*f), n, sizeof(*semi)) : NULL;
	bool own = !semi;
	if (own) {
		f = hd_alloc(n, sizeof(*f), false);
		semi = hd_alloc(n, sizeof(*semi), false);
	}
	if (!f || !semi) {
		if (own)
			free(f), free(semi);
		return GOMEM_E_NOMEM;
	}
	for (uint32_t i = 0; i <= m->n; i++)
		f[i] = (struct link){i, 0};
	size_t k = m->npairs;
	for (uint32_t w = m->n; w >= 2; w--) {
		uint32_t s = m->par[w]; /* the tree edge */
		for (; k > 0 && (uint32_t)(m->pairs[k - 1] >> 32) == w; k--) {
			/* a source's link AHEAD pairs on, then what it links to */
			if (k > AHEAD)
				HD_PREFETCH(&f[(uint32_t)m->pairs[k - 1 - AHEAD]]);
			if (k > AHEAD / 2)
				HD_PREFETCH(&f[f[(uint32_t)m->pairs[k - 1 - AHEAD / 2]].anc]);
			uint32_t v = (uint32_t)m->pairs[k - 1];
			/* numbered below W: a forward edge from an ancestor, itself the
			 * candidate; above: the least on its path */
			uint32_t c = v < w ? v : eval(f, v);
			s = c < s ? c : s;
		}
		semi[w] = s;
		f[w].best = s;
		f[w].anc = m->par[w];
	}
	m->par[1] = 0;
	for (uint32_t w = 2; w <= m->n; w++) {
		uint32_t d = m->par[w];
		while (d > semi[w])
			d = m->par[d];
		m->par[w] = d;
	}
	if (own)
		free(f), free(semi);
	return GOMEM_OK;
}

/* Retained sizes bottom-up (reverse preorder: every node after its
 * dominator) and the idom of every node. */
static int retained(gomem_gc *g, struct gc_dfs *m)
{
	size_t nn = g->nnodes;
	const uint64_t *size = g->d->size;
	const uint32_t *idom = m->par, *vertex = m->vertex;
	if (spare_at(m, 0, nn, sizeof(*g->dom))) { /* the whole block becomes g->dom */
		g->dom = m->spare;
		m->spare = NULL;
	} else {
		g->dom = hd_alloc(nn, sizeof(*g->dom), false);
	}
	struct gc_node *dom = g->dom;
	if (!dom)
		return GOMEM_E_NOMEM;
	for (size_t v = 0; v < nn; v++)
		dom[v] = (struct gc_node){0, 0, GC_NONE};
	for (uint32_t w = m->n; w >= 1; w--) {
		/* this node's record and size, its dominator's number, then
		 * its dominator's record: each asked for a few steps before */
		if (w > AHEAD) {
			uint32_t a = vertex[w - AHEAD];
			HD_PREFETCH(&dom[a]);
			if (a >= g->obj_base)
				HD_PREFETCH(&size[a - g->obj_base]);
			HD_PREFETCH(&vertex[idom[w - AHEAD]]);
		}
		if (w > AHEAD / 2 + 1) /* numbers from 2 have a dominator */
			HD_PREFETCH(&dom[vertex[idom[w - AHEAD / 2]]]);
		uint32_t v = vertex[w];
		if (v >= g->obj_base) {
			dom[v].ret_bytes += size[v - g->obj_base];
			dom[v].ret_objects++;
		}
		if (w == 1)
			break;
		uint32_t p = vertex[idom[w]];
		dom[v].idom = p;
		dom[p].ret_bytes += dom[v].ret_bytes;
		dom[p].ret_objects += dom[v].ret_objects;
	}
	return GOMEM_OK;
}

int gc_children_ready(const gomem_gc *g)
{
	struct gc_kids *k = g->kids;
	if (!g->dom || !k)
		return GOMEM_E_INVALID;
	if (k->start)
		return GOMEM_OK;
	size_t nn = g->nnodes, nkids = 0;
	uint32_t *start = calloc(nn + 2, sizeof(*start));
	if (!start)
		return GOMEM_E_NOMEM;
	for (size_t v = 0; v < nn; v++)
		if (g->dom[v].idom != GC_NONE) {
			start[g->dom[v].idom + 2]++;
			nkids++;
		}
	uint32_t *list = malloc((nkids + 1) * sizeof(*list));
	if (!list) {
		free(start);
		return GOMEM_E_NOMEM;
	}
	for (size_t v = 2; v < nn + 2; v++)
		start[v] += start[v - 1];
	for (size_t v = 0; v < nn; v++)
		if (g->dom[v].idom != GC_NONE)
			list[start[g->dom[v].idom + 1]++] = (uint32_t)v;
	k->list = list;
	k->start = start;
	return GOMEM_OK;
}

int gc_dominators(gomem_gc *g, bool mark)
{
	struct gc_dfs m;
	if (!(g->kids = calloc(1, sizeof(*g->kids))))
		return GOMEM_E_NOMEM;
	int rc = gc_search(g, &m, mark);
	if (rc == GOMEM_OK)
		rc = sort_pairs(&m);
	if (rc == GOMEM_OK)
		rc = semi_nca(&m);
	free(m.pairs);
	m.pairs = NULL;
	if (rc == GOMEM_OK)
		rc = retained(g, &m);
	gc_dfs_free(&m);
	return rc;
}
