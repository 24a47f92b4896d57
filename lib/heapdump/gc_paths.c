/* SPDX-License-Identifier: Apache-2.0 */
/* gc_paths.c — the shortest path from a root to an object: the mark is
 * breadth-first, so following each node's first parent back leads to a
 * root along a shortest chain. Each step names the slot the pointer sits
 * in (byte offset, and the field name where types are known). And the
 * objects a path is asked for: those whose type or site matches. */
#include <regex.h>
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

struct match {
	uint32_t obj;
	uint64_t retained;
};

static int cmp_match(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const struct match *x = a, *y = b;
	if (x->retained != y->retained)
		return x->retained > y->retained ? -1 : 1;
	return (x->obj > y->obj) - (x->obj < y->obj);
}

static bool key_matches(const gomem_gc *g, const regex_t *re, uint32_t o)
{
	char buf[1024];
	return regexec(re, gomem_gc_object_key(g, o, GOMEM_GC_BY_TYPE, buf, sizeof(buf)), 0, NULL, 0) == 0 ||
	       regexec(re, gomem_gc_object_key(g, o, GOMEM_GC_BY_SITE, buf, sizeof(buf)), 0, NULL, 0) == 0;
}

int gomem_gc_match(const gomem_gc *g, const char *regex, uint64_t min_retained, uint32_t **objs, size_t *n)
{
	regex_t re;
	size_t nobj = g->d->nobj, nm = 0;
	*objs = NULL;
	*n = 0;
	if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) != 0)
		return GOMEM_E_INVALID;
	struct match *m = malloc((nobj + 1) * sizeof(*m));
	for (uint32_t o = 0; m && o < nobj; o++) {
		uint64_t r = gomem_gc_retained_bytes(g, gomem_gc_object_node(g, o));
		if (gomem_gc_reachable(g, o) && r >= min_retained && key_matches(g, &re, o))
			m[nm++] = (struct match){o, r};
	}
	regfree(&re);
	uint32_t *out = m ? malloc((nm + 1) * sizeof(*out)) : NULL;
	int rc = out ? gomem_sort(m, nm, sizeof(*m), cmp_match, NULL) : GOMEM_E_NOMEM;
	for (size_t i = 0; rc == GOMEM_OK && i < nm; i++)
		out[i] = m[i].obj;
	free(m);
	if (rc != GOMEM_OK) {
		free(out);
		return rc;
	}
	*objs = out;
	*n = nm;
	return GOMEM_OK;
}
