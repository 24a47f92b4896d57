/* SPDX-License-Identifier: Apache-2.0 */
/* gc.c — the gc module's public face: the analysis in order (types, mark,
 * dominators) and the accessors of nodes. */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

int gomem_gc_analyze(gomem_gc **out, const gomem_heapdump *d, const gomem_gc_options *opts, gomem_error *err)
{
	*out = NULL;
	if (!d || (opts && opts->version != GOMEM_GC_OPTIONS_VERSION))
		return gomem_error_set(err, GOMEM_E_INVALID, "gomem_gc_analyze: no dump, or options of another version");
	size_t nobj = gomem_heapdump_object_count(d), nroots = gomem_heapdump_root_count(d);
	if (nobj + nroots + 1 >= GC_NONE)
		return gomem_error_set(err, GOMEM_E_LIMIT, "%zu objects and %zu roots: more than 2^32 nodes", nobj,
				       nroots);
	gomem_gc *g = calloc(1, sizeof(*g));
	if (!g)
		return gomem_error_set(err, GOMEM_E_NOMEM, "%s", gomem_strerror(GOMEM_E_NOMEM));
	g->d = d;
	g->opts = opts ? *opts : (gomem_gc_options)GOMEM_GC_OPTIONS_INIT;
	g->obj_base = (uint32_t)(1 + nroots);
	g->nnodes = 1 + nroots + nobj;
	gomem_strpool_init(&g->keys);
	gomem_strpool_init(&g->types.names);
	/* the breadth-first mark for the paths; the dominator pass's search
	 * marks as well, so without paths it is the mark */
	bool bfs = g->opts.paths || !g->opts.dominators;
	int rc = bfs ? gc_mark(g) : GOMEM_OK;
	if (rc == GOMEM_OK && !bfs && !(g->color = calloc(nobj + 1, 1)))
		rc = GOMEM_E_NOMEM;
	if (rc == GOMEM_OK && g->opts.dominators)
		rc = gc_dominators(g, !bfs);
	if (rc == GOMEM_OK)
		gc_sum_marked(g);
	if (rc == GOMEM_OK && g->opts.binary)
		rc = gc_types_infer(g, err);
	if (rc != GOMEM_OK) {
		gomem_error_set(err, rc, "%s: %s", gomem_heapdump_name(d), gomem_strerror(rc));
		gomem_gc_free(g);
		return rc;
	}
	*out = g;
	return GOMEM_OK;
}

void gomem_gc_free(gomem_gc *g)
{
	if (!g)
		return;
	free(g->color), free(g->parent), free(g->dom);
	if (g->kids)
		free(g->kids->start), free(g->kids->list);
	free(g->kids);
	gc_types_free(&g->types);
	gomem_strpool_free(&g->keys);
	free(g);
}

const gomem_gc_summary *gomem_gc_get_summary(const gomem_gc *g) { return &g->sum; }
const gomem_heapdump *gomem_gc_dump(const gomem_gc *g) { return g->d; }
size_t gomem_gc_node_count(const gomem_gc *g) { return g->nnodes; }

uint32_t gomem_gc_root_node(const gomem_gc *g, uint32_t root)
{
	return root < g->obj_base - 1 ? 1 + root : GC_NONE;
}

uint32_t gomem_gc_object_node(const gomem_gc *g, uint32_t obj)
{
	return obj < g->nnodes - g->obj_base ? g->obj_base + obj : GC_NONE;
}

uint32_t gomem_gc_node_object(const gomem_gc *g, uint32_t node)
{
	return node >= g->obj_base && node < g->nnodes ? node - g->obj_base : GC_NONE;
}

uint32_t gomem_gc_node_root(const gomem_gc *g, uint32_t node)
{
	return node >= 1 && node < g->obj_base ? node - 1 : GC_NONE;
}

uint64_t gomem_gc_shallow_bytes(const gomem_gc *g, uint32_t node)
{
	uint32_t o = gomem_gc_node_object(g, node);
	return o == GC_NONE ? 0 : gomem_heapdump_object_size(g->d, o);
}

const char *gomem_gc_node_name(const gomem_gc *g, uint32_t node, char *buf, size_t size)
{
	if (node == GOMEM_GC_SUPERROOT)
		return "<all roots>";
	uint32_t r = gomem_gc_node_root(g, node);
	if (r != GC_NONE)
		return gomem_heapdump_root_get(g->d, r)->name;
	uint32_t o = gomem_gc_node_object(g, node);
	if (o == GC_NONE)
		return "";
	char key[512];
	snprintf(buf, size, "%s @ 0x%llx", gomem_gc_object_key(g, o, GOMEM_GC_BY_TYPE, key, sizeof(key)),
		 (unsigned long long)gomem_heapdump_object_addr(g->d, o));
	return buf;
}

uint32_t gomem_gc_idom(const gomem_gc *g, uint32_t node)
{
	return g->dom && node < g->nnodes ? g->dom[node].idom : GC_NONE;
}

uint64_t gomem_gc_retained_bytes(const gomem_gc *g, uint32_t node)
{
	return g->dom && node < g->nnodes ? g->dom[node].ret_bytes : 0;
}

uint64_t gomem_gc_retained_objects(const gomem_gc *g, uint32_t node)
{
	return g->dom && node < g->nnodes ? g->dom[node].ret_objects : 0;
}

static int cmp_retained(const void *a, const void *b, void *ctx)
{
	const gomem_gc *g = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (g->dom[x].ret_bytes != g->dom[y].ret_bytes)
		return g->dom[x].ret_bytes > g->dom[y].ret_bytes ? -1 : 1;
	return x < y ? -1 : x > y;
}

size_t gomem_gc_children(const gomem_gc *g, uint32_t node, const uint32_t **children)
{
	*children = NULL;
	if (node >= g->nnodes || gc_children_ready(g) != GOMEM_OK)
		return 0;
	uint32_t b = g->kids->start[node], e = g->kids->start[node + 1];
	/* sorted on first use: only the nodes a report looks at pay for it */
	uint32_t *c = g->kids->list + b;
	bool sorted = true;
	for (uint32_t i = 1; i < e - b && sorted; i++)
		sorted = cmp_retained(&c[i - 1], &c[i], (void *)g) <= 0;
	if (!sorted && gomem_sort(c, e - b, sizeof(*c), cmp_retained, (void *)g) != GOMEM_OK)
		return 0;
	*children = c;
	return e - b;
}
