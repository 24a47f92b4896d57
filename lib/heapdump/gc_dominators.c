/* SPDX-License-Identifier: Apache-2.0 */
/* gc_dominators.c — the dominator tree of the object graph seen from the
 * super-root (which points at every root), by semi-NCA (Georgiadis,
 * Tarjan, Werneck): semidominators by Lengauer–Tarjan's simple link-eval
 * in reverse DFS preorder, then each immediate dominator as the nearest
 * common ancestor walk. Everything iterative: a depth-first search with an
 * explicit stack, path compression with an explicit stack. Then retained
 * bytes and objects bottom-up in reverse preorder, and the tree's
 * children lists. Arrays are indexed by preorder number (1-based). */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

struct dom {
	gomem_gc *g;
	uint32_t n;          /* reachable nodes */
	uint32_t *num;       /* node -> preorder number, 0: unreached */
	uint32_t *vertex;    /* number -> node */
	uint32_t *par, *idom;
	/* what path compression touches together, in one cache line */
	struct sn { uint32_t semi, label, anc; } *sn;
	uint32_t *pred_start;     /* 4 bytes: GOMEM_E_LIMIT past 2^32 reachable edges */
	uint32_t *preds;
	uint32_t *stack;
};

static uint32_t succ_node(const gomem_gc *g, uint32_t node, const uint32_t *t, size_t k)
{
	if (node == GOMEM_GC_SUPERROOT)
		return (uint32_t)(1 + k);
	return t[k] == GC_NONE ? GC_NONE : gc_obj_node(g, t[k]);
}

/* Preorder numbers and DFS-tree parents, iteratively. */
static int dfs(struct dom *m)
{
	gomem_gc *g = m->g;
	struct frame { uint32_t node, next; } *st; /* 8 bytes: the stack can be as deep as the heap */
	size_t cap = 1024, sp = 0;
	if (!(st = malloc(cap * sizeof(*st))))
		return GOMEM_E_NOMEM;
	m->n = 1;
	m->num[GOMEM_GC_SUPERROOT] = 1;
	m->vertex[1] = GOMEM_GC_SUPERROOT;
	m->par[1] = 0;
	st[sp++] = (struct frame){GOMEM_GC_SUPERROOT, 0};
	while (sp > 0) {
		struct frame *f = &st[sp - 1];
		const uint32_t *t;
		size_t n = gc_successors(g, f->node, &t, NULL);
		uint32_t next = GC_NONE;
		while (f->next < n && next == GC_NONE) {
			uint32_t v = succ_node(g, f->node, t, f->next++);
			if (v != GC_NONE && m->num[v] == 0)
				next = v;
		}
		if (next == GC_NONE) {
			sp--;
			continue;
		}
		uint32_t pnum = m->num[f->node];
		m->n++;
		m->num[next] = m->n;
		m->vertex[m->n] = next;
		m->par[m->n] = pnum;
		if (sp == cap) {
			struct frame *ns = realloc(st, 2 * cap * sizeof(*st));
			if (!ns) {
				free(st);
				return GOMEM_E_NOMEM;
			}
			st = ns;
			cap *= 2;
		}
		st[sp++] = (struct frame){next, 0};
	}
	free(st);
	return GOMEM_OK;
}

/* Predecessors of every reached node, as preorder numbers (CSR). */
static int predecessors(struct dom *m)
{
	gomem_gc *g = m->g;
	m->pred_start = calloc((size_t)m->n + 2, sizeof(*m->pred_start));
	if (!m->pred_start)
		return GOMEM_E_NOMEM;
	for (uint32_t i = 1; i <= m->n; i++) {
		uint32_t u = m->vertex[i];
		const uint32_t *t;
		size_t n = gc_successors(g, u, &t, NULL);
		for (size_t k = 0; k < n; k++) {
			uint32_t v = succ_node(g, u, t, k);
			if (v != GC_NONE && m->num[v])
				m->pred_start[m->num[v] + 1]++;
		}
	}
	uint64_t total = 0;
	for (uint32_t i = 1; i <= m->n + 1; i++) {
		total += m->pred_start[i];
		if (total >= UINT32_MAX)
			return GOMEM_E_LIMIT;
		m->pred_start[i] = (uint32_t)total;
	}
	if (!(m->preds = malloc((size_t)(total + 1) * sizeof(*m->preds))))
		return GOMEM_E_NOMEM;
	for (uint32_t i = 1; i <= m->n; i++) {
		uint32_t u = m->vertex[i];
		const uint32_t *t;
		size_t n = gc_successors(g, u, &t, NULL);
		for (size_t k = 0; k < n; k++) {
			uint32_t v = succ_node(g, u, t, k);
			if (v != GC_NONE && m->num[v])
				m->preds[m->pred_start[m->num[v]]++] = i;
		}
	}
	/* the fill advanced each start to the next one's: shift back */
	for (uint32_t i = m->n + 1; i > 0; i--)
		m->pred_start[i] = m->pred_start[i - 1];
	m->pred_start[0] = 0;
	return GOMEM_OK;
}

/* Path compression from V up to the root of its linked forest. */
static void compress(struct dom *m, uint32_t v)
{
	struct sn *sn = m->sn;
	size_t sp = 0;
	while (sn[sn[v].anc].anc != 0) {
		m->stack[sp++] = v;
		v = sn[v].anc;
	}
	while (sp > 0) {
		uint32_t u = m->stack[--sp];
		uint32_t a = sn[u].anc;
		if (sn[sn[a].label].semi < sn[sn[u].label].semi)
			sn[u].label = sn[a].label;
		sn[u].anc = sn[a].anc;
	}
}

static uint32_t eval(struct dom *m, uint32_t v)
{
	if (m->sn[v].anc == 0)
		return v;
	compress(m, v);
	return m->sn[v].label;
}

static void semi_nca(struct dom *m)
{
	struct sn *sn = m->sn;
	for (uint32_t i = 1; i <= m->n; i++)
		sn[i] = (struct sn){i, i, 0};
	for (uint32_t w = m->n; w >= 2; w--) {
		for (uint32_t k = m->pred_start[w]; k < m->pred_start[w + 1]; k++) {
			uint32_t u = eval(m, m->preds[k]);
			if (sn[u].semi < sn[w].semi)
				sn[w].semi = sn[u].semi;
		}
		sn[w].anc = m->par[w];
	}
	/* In place over the DFS parents: par[d] of every d < w already holds
	 * d's immediate dominator when w is reached. */
	m->par[1] = 0;
	for (uint32_t w = 2; w <= m->n; w++) {
		uint32_t d = m->par[w];
		while (d > sn[w].semi)
			d = m->par[d];
		m->par[w] = d;
	}
	m->idom = m->par;
}

/* Retained sizes bottom-up, then the children lists. */
static int retained_and_children(struct dom *m)
{
	gomem_gc *g = m->g;
	size_t nn = g->nnodes;
	g->idom = malloc(nn * sizeof(*g->idom));
	g->ret_bytes = calloc(nn, sizeof(*g->ret_bytes));
	g->ret_objects = calloc(nn, sizeof(*g->ret_objects));
	g->child_start = calloc(nn + 2, sizeof(*g->child_start));
	g->children = malloc(((size_t)m->n + 1) * sizeof(*g->children));
	if (!g->idom || !g->ret_bytes || !g->ret_objects || !g->child_start || !g->children)
		return GOMEM_E_NOMEM;
	for (size_t v = 0; v < nn; v++)
		g->idom[v] = GC_NONE;
	for (uint32_t w = m->n; w >= 1; w--) {
		uint32_t v = m->vertex[w];
		if (v >= g->obj_base) {
			g->ret_bytes[v] += gomem_heapdump_object_size(g->d, v - g->obj_base);
			g->ret_objects[v]++;
		}
		if (w == 1)
			break;
		uint32_t p = m->vertex[m->idom[w]];
		g->idom[v] = p;
		g->ret_bytes[p] += g->ret_bytes[v];
		g->ret_objects[p] += g->ret_objects[v];
		g->child_start[p + 2]++;
	}
	for (size_t v = 2; v < nn + 2; v++)
		g->child_start[v] += g->child_start[v - 1];
	for (uint32_t w = 2; w <= m->n; w++) {
		uint32_t v = m->vertex[w], p = g->idom[v];
		g->children[g->child_start[p + 1]++] = v;
	}
	return GOMEM_OK;
}

int gc_dominators(gomem_gc *g)
{
	struct dom m = {.g = g};
	size_t nn = g->nnodes;
	int rc = GOMEM_E_NOMEM;
	m.num = calloc(nn, sizeof(*m.num));
	m.vertex = malloc((nn + 1) * sizeof(*m.vertex));
	m.par = malloc((nn + 1) * sizeof(*m.par));
	if (!m.num || !m.vertex || !m.par)
		goto out;
	if ((rc = dfs(&m)) != GOMEM_OK || (rc = predecessors(&m)) != GOMEM_OK)
		goto out;
	free(m.num);
	m.num = NULL;
	rc = GOMEM_E_NOMEM;
	m.sn = malloc(((size_t)m.n + 1) * sizeof(*m.sn));
	m.stack = malloc(((size_t)m.n + 1) * sizeof(*m.stack));
	if (!m.sn || !m.stack)
		goto out;
	semi_nca(&m);
	free(m.preds), free(m.pred_start), free(m.sn), free(m.stack);
	m.preds = m.stack = NULL;
	m.sn = NULL;
	m.pred_start = NULL;
	rc = GOMEM_OK;
out:
	free(m.num), free(m.preds), free(m.pred_start), free(m.sn), free(m.stack);
	if (rc != GOMEM_OK) {
		free(m.vertex), free(m.par);
		return rc;
	}
	rc = retained_and_children(&m);
	free(m.vertex), free(m.par);
	return rc;
}
