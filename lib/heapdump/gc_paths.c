/* SPDX-License-Identifier: Apache-2.0 */
/* gc_paths.c — the shortest path from a root to an object: the mark is
 * breadth-first, so following each node's first parent back leads to a
 * root along a shortest chain. Each step names the slot the pointer sits
 * in (byte offset, and the field name where types are known). */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

/* The slot of node P pointing at object O: its byte offset, and the
 * offset into O it points at (0 when the raw values were not kept). */
static void find_slot(const gomem_gc *g, uint32_t p, uint32_t o, uint64_t *offset, uint64_t *into, uint32_t *word)
{
	const uint32_t *t, *w;
	const uint64_t *v = NULL;
	size_t n;
	uint32_t ps = gomem_heapdump_get_params(g->d)->ptr_size;
	if (p < g->obj_base)
		n = gomem_heapdump_root_edges(g->d, p - 1, &t, &w, &v);
	else
		n = gomem_heapdump_object_edges(g->d, p - g->obj_base, &t, &w, &v);
	for (size_t k = 0; k < n; k++)
		if (t[k] == o) {
			*word = w[k];
			*offset = (uint64_t)w[k] * ps;
			*into = v ? v[k] - gomem_heapdump_object_addr(g->d, o) : 0;
			return;
		}
	*word = 0;
	*offset = *into = 0;
}

int gomem_gc_path(const gomem_gc *g, uint32_t obj, gomem_gc_step **steps, size_t *n)
{
	*steps = NULL;
	*n = 0;
	if (!g->parent)
		return GOMEM_E_INVALID;
	if (!gomem_gc_reachable(g, obj))
		return GOMEM_E_NOTFOUND;
	size_t len = 0;
	for (uint32_t v = gc_obj_node(g, obj); v != GOMEM_GC_SUPERROOT; v = g->parent[v])
		len++;
	gomem_gc_step *s = calloc(len, sizeof(*s));
	if (!s)
		return GOMEM_E_NOMEM;
	size_t i = len;
	for (uint32_t v = gc_obj_node(g, obj); v != GOMEM_GC_SUPERROOT; v = g->parent[v]) {
		s[--i].node = v;
		uint32_t p = g->parent[v];
		if (p == GOMEM_GC_SUPERROOT)
			continue;
		uint32_t word;
		find_slot(g, p, v - g->obj_base, &s[i].offset, &s[i].target_offset, &word);
		if (p >= g->obj_base)
			s[i].field = gc_field_name(g, p - g->obj_base, word, NULL, 0);
	}
	*steps = s;
	*n = len;
	return GOMEM_OK;
}
