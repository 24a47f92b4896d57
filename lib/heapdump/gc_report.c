/* SPDX-License-Identifier: Apache-2.0 */
/* gc_report.c — what the reports read off the model: objects grouped by
 * root, type, allocation site or size class with their shallow and retained
 * sizes (a group's retained size counts every object once: a depth-first
 * walk of the dominator tree adds a member's retained size only when no
 * member of the same group is above it), and the dominator tree as a plain
 * weighted tree for printing and drawing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

const char *gomem_gc_object_type(const gomem_gc *g, uint32_t obj)
{
	if (!g->types.obj_type || obj >= g->nnodes - g->obj_base || g->types.obj_type[obj] == GC_NONE)
		return NULL;
	return gomem_strpool_get(&g->types.names, g->types.obj_type[obj]);
}

const char *gomem_gc_object_key(const gomem_gc *g, uint32_t obj, gomem_gc_by by, char *buf, size_t size)
{
	uint64_t bytes = gomem_heapdump_object_size(g->d, obj);
	uint32_t s = gomem_heapdump_object_site(g->d, obj);
	const gomem_heapdump_site *site = s == GC_NONE ? NULL : gomem_heapdump_site_get(g->d, s);
	switch (by) {
	case GOMEM_GC_BY_TYPE: {
		const char *t = gomem_gc_object_type(g, obj);
		if (t)
			return t;
		if (site)
			snprintf(buf, size, "untyped %lluB from %s", (unsigned long long)bytes, site->name);
		else
			snprintf(buf, size, "untyped %lluB", (unsigned long long)bytes);
		return buf;
	}
	case GOMEM_GC_BY_SITE:
		return site ? site->name : "(unknown site)";
	case GOMEM_GC_BY_CLASS:
	default:
		snprintf(buf, size, "%lluB", (unsigned long long)bytes);
		return buf;
	}
}

struct grouping {
	const gomem_gc *g;
	gomem_gc_by by;
	gomem_strpool *keys;
	gomem_gc_group *groups;   /* indexed by key id */
	size_t ngroups, cap;
	uint32_t *node_group;     /* per node: its group, GC_NONE */
};

static int group_of(struct grouping *gr, const char *key, uint32_t *out)
{
	uint32_t id;
	int rc = gomem_strpool_intern(gr->keys, key, strlen(key), &id);
	if (rc != GOMEM_OK)
		return rc;
	if (id >= gr->ngroups) {
		if ((rc = GOMEM_GROW(gr->groups, gr->cap, (size_t)id + 1, SIZE_MAX / sizeof(*gr->groups))) != GOMEM_OK)
			return rc;
		memset(gr->groups + gr->ngroups, 0, ((size_t)id + 1 - gr->ngroups) * sizeof(*gr->groups));
		for (size_t i = gr->ngroups; i <= id; i++)
			gr->groups[i].example = GC_NONE;
		gr->ngroups = (size_t)id + 1;
	}
	*out = id;
	return GOMEM_OK;
}

/* How many objects a sampled object stands for: pprof's scaleHeapSample
 * for one allocation of its site's size at the program's MemProfileRate; 1
 * when every object has its site, or this one has none (not a sample). */
static double sample_scale(const gomem_gc *g, uint32_t o)
{
	uint32_t s = gomem_heapdump_object_site(g->d, o);
	if ((gomem_heapdump_sites_exact(g->d) && !g->opts.memprofile_rate) || s == GC_NONE)
		return 1;
	double rate = g->opts.memprofile_rate ? (double)g->opts.memprofile_rate : 512.0 * 1024;
	double size = (double)gomem_heapdump_site_get(g->d, s)->size;
	if (rate <= 1 || size <= 0)
		return 1;
	return 1 / (1 - exp(-size / rate));
}

/* Every member node's group (nodes below NN), and the shallow sums. */
static int assign(struct grouping *gr, size_t nn)
{
	const gomem_gc *g = gr->g;
	char buf[1024];
	int rc = GOMEM_OK;
	for (uint32_t v = 1; v < nn && rc == GOMEM_OK; v++) {
		uint32_t r = gomem_gc_node_root(g, v), o = gomem_gc_node_object(g, v), id;
		const char *key = NULL;
		gr->node_group[v] = GC_NONE;
		if (gr->by == GOMEM_GC_BY_ROOT || gr->by == GOMEM_GC_BY_KIND) {
			if (r == GC_NONE)
				break; /* objects follow the roots */
			const gomem_heapdump_root *root = gomem_heapdump_root_get(g->d, r);
			key = gr->by == GOMEM_GC_BY_ROOT ? root->name : gomem_root_kind_name(root->kind);
			if ((rc = group_of(gr, key, &id)) != GOMEM_OK)
				break;
			gr->groups[id].roots++;
			gr->groups[id].bytes += root->size;
		} else {
			if (o == GC_NONE || !gomem_gc_reachable(g, o))
				continue;
			key = gomem_gc_object_key(g, o, gr->by, buf, sizeof(buf));
			if ((rc = group_of(gr, key, &id)) != GOMEM_OK)
				break;
			uint64_t size = gomem_heapdump_object_size(g->d, o);
			double scale = sample_scale(g, o);
			gr->groups[id].objects++;
			gr->groups[id].bytes += size;
			gr->groups[id].scaled_objects += scale;
			gr->groups[id].scaled_bytes += scale * (double)size;
		}
		gr->node_group[v] = id;
		gomem_gc_group *grp = &gr->groups[id];
		if (grp->example == GC_NONE || gomem_gc_retained_bytes(g, v) > gomem_gc_retained_bytes(g, grp->example))
			grp->example = v;
	}
	return rc;
}

/* Roots are the super-root's children in the dominator tree, so no root
 * is above another: a group of roots retains the sum of what each does. */
static void retained_of_roots(struct grouping *gr)
{
	const gomem_gc *g = gr->g;
	for (uint32_t v = 1; g->dom && v < g->obj_base; v++) {
		uint32_t id = gr->node_group[v];
		gr->groups[id].retained_bytes += g->dom[v].ret_bytes;
		gr->groups[id].retained_objects += g->dom[v].ret_objects;
	}
}

struct visit {
	uint32_t node;
	bool exit;
};

/* The union of the members' retained sets: depth-first over the dominator
 * tree, counting a member only when no member of its group is above it. */
static int retained_union(struct grouping *gr)
{
	const gomem_gc *g = gr->g;
	int rc = gc_children_ready(g);
	if (rc != GOMEM_OK)
		return rc == GOMEM_E_INVALID ? GOMEM_OK : rc;
	const uint32_t *start = g->kids->start, *list = g->kids->list;
	uint32_t *active = calloc(gr->ngroups + 1, sizeof(*active));
	struct visit *st = malloc((g->nnodes + 1) * 2 * sizeof(*st));
	if (!active || !st) {
		free(active), free(st);
		return GOMEM_E_NOMEM;
	}
	size_t sp = 0;
	st[sp++] = (struct visit){GOMEM_GC_SUPERROOT, false};
	while (sp > 0) {
		uint32_t v = st[sp - 1].node;
		bool exit = st[--sp].exit;
		uint32_t id = v == GOMEM_GC_SUPERROOT ? GC_NONE : gr->node_group[v];
		if (exit) {
			active[id]--;
			continue;
		}
		if (id != GC_NONE) {
			if (active[id] == 0) {
				gr->groups[id].retained_bytes += g->dom[v].ret_bytes;
				gr->groups[id].retained_objects += g->dom[v].ret_objects;
			}
			active[id]++;
			st[sp++] = (struct visit){v, true};
		}
		for (uint32_t k = start[v]; k < start[v + 1]; k++)
			st[sp++] = (struct visit){list[k], false};
	}
	free(active), free(st);
	return GOMEM_OK;
}

static int cmp_group(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const gomem_gc_group *x = a, *y = b;
	if (x->retained_bytes != y->retained_bytes)
		return x->retained_bytes > y->retained_bytes ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->key, y->key);
}

int gomem_gc_group_by(const gomem_gc *g, gomem_gc_by by, gomem_gc_group **out, size_t *n)
{
	struct grouping gr = {.g = g, .by = by, .keys = (gomem_strpool *)&g->keys};
	*out = NULL;
	*n = 0;
	/* roots only: nodes 1 .. nroots, the super-root's children */
	bool roots = by == GOMEM_GC_BY_ROOT || by == GOMEM_GC_BY_KIND;
	size_t nn = roots ? g->obj_base : g->nnodes;
	gr.node_group = malloc(nn * sizeof(*gr.node_group));
	if (!gr.node_group)
		return GOMEM_E_NOMEM;
	for (size_t v = 0; v < nn; v++)
		gr.node_group[v] = GC_NONE;
	int rc = assign(&gr, nn);
	if (rc == GOMEM_OK && roots)
		retained_of_roots(&gr);
	else if (rc == GOMEM_OK)
		rc = retained_union(&gr);
	free(gr.node_group);
	/* keep the groups that have members (the pool holds other tools' keys too) */
	size_t k = 0;
	for (size_t i = 0; rc == GOMEM_OK && i < gr.ngroups; i++)
		if (gr.groups[i].example != GC_NONE) {
			gr.groups[i].key = gomem_strpool_get(gr.keys, (uint32_t)i);
			gr.groups[k++] = gr.groups[i];
		}
	if (rc == GOMEM_OK)
		rc = gomem_sort(gr.groups, k, sizeof(*gr.groups), cmp_group, NULL);
	if (rc != GOMEM_OK) {
		free(gr.groups);
		return rc;
	}
	*out = gr.groups;
	*n = k;
	return GOMEM_OK;
}

struct walk_item {
	uint32_t node, depth;
	uint32_t folded;          /* a folded entry: how many children it stands for */
	uint64_t bytes, objects;  /* a folded entry's sums */
};

int gomem_gc_tree_walk(const gomem_gc *g, uint32_t node, uint64_t min_bytes, uint32_t max_depth,
		       int (*visit)(void *payload, const gomem_gc_tree_entry *e), void *payload)
{
	if (node >= g->nnodes)
		return GOMEM_E_INVALID;
	int rc = gc_children_ready(g);
	if (rc != GOMEM_OK)
		return rc;
	size_t cap = 1024, sp = 0;
	struct walk_item *st = malloc(cap * sizeof(*st));
	if (!st)
		return GOMEM_E_NOMEM;
	st[sp++] = (struct walk_item){node, 0, 0, 0, 0};
	char buf[1024], fold[64];
	while (sp > 0 && rc == 0) {
		struct walk_item it = st[--sp];
		gomem_gc_tree_entry e = {.node = it.node, .depth = it.depth};
		if (it.folded) {
			snprintf(fold, sizeof(fold), "(%u smaller)", it.folded);
			e.node = GC_NONE;
			e.name = fold;
			e.retained_bytes = it.bytes;
			e.retained_objects = it.objects;
			rc = visit(payload, &e);
			continue;
		}
		const uint32_t *c;
		size_t nc = gomem_gc_children(g, it.node, &c), keep = 0;
		while (keep < nc && g->dom[c[keep]].ret_bytes >= min_bytes)
			keep++;
		struct walk_item f = {GC_NONE, it.depth + 1, (uint32_t)(nc - keep), 0, 0};
		for (size_t k = keep; k < nc; k++) {
			f.bytes += g->dom[c[k]].ret_bytes;
			f.objects += g->dom[c[k]].ret_objects;
		}
		bool descend = it.depth < max_depth;
		e.name = gomem_gc_node_name(g, it.node, buf, sizeof(buf));
		e.retained_bytes = g->dom[it.node].ret_bytes;
		e.retained_objects = g->dom[it.node].ret_objects;
		e.shallow_bytes = gomem_gc_shallow_bytes(g, it.node);
		e.nchildren = descend ? keep + (f.folded > 0) : 0;
		if ((rc = visit(payload, &e)) != 0 || !descend)
			continue;
		if (sp + keep + 1 > cap) {
			size_t ncap = (sp + keep + 1) * 2;
			struct walk_item *ns = realloc(st, ncap * sizeof(*st));
			if (!ns) {
				rc = GOMEM_E_NOMEM;
				break;
			}
			st = ns;
			cap = ncap;
		}
		if (f.folded)
			st[sp++] = f;
		for (size_t k = keep; k-- > 0;)
			st[sp++] = (struct walk_item){c[k], it.depth + 1, 0, 0, 0};
	}
	free(st);
	return rc;
}

/* ---- names, order and table metadata of the groupings --------------------------- */

static const char *const by_names[] = {"root", "type", "site", "class", "kind"};

int gomem_gc_by_parse(const char *name, gomem_gc_by *by)
{
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(by_names); i++)
		if (strcmp(name, by_names[i]) == 0) {
			*by = (gomem_gc_by)i;
			return GOMEM_OK;
		}
	return GOMEM_E_INVALID;
}

const char *gomem_gc_by_name(gomem_gc_by by)
{
	return (unsigned)by < GOMEM_ARRAY_SIZE(by_names) ? by_names[by] : "unknown";
}

int gomem_gc_sort_parse(const char *name, gomem_gc_sort *key)
{
	static const char *const names[] = {"retained", "objects", "bytes", "name"};
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0) {
			*key = (gomem_gc_sort)i;
			return GOMEM_OK;
		}
	return GOMEM_E_INVALID;
}

static int cmp_sorted(const void *a, const void *b, void *ctx)
{
	const gomem_gc_group *x = a, *y = b;
	uint64_t u = 0, v = 0;
	switch (*(const gomem_gc_sort *)ctx) {
	case GOMEM_GC_SORT_NAME: return strcmp(x->key, y->key);
	case GOMEM_GC_SORT_OBJECTS: u = x->objects, v = y->objects; break;
	case GOMEM_GC_SORT_BYTES: u = x->bytes, v = y->bytes; break;
	case GOMEM_GC_SORT_RETAINED: u = x->retained_bytes, v = y->retained_bytes; break;
	}
	return u != v ? (u > v ? -1 : 1) : strcmp(x->key, y->key);
}

int gomem_gc_group_sort(gomem_gc_group *rows, size_t n, gomem_gc_sort key)
{
	return gomem_sort(rows, n, sizeof(*rows), cmp_sorted, &key);
}

int gomem_gc_table_meta(const gomem_gc *g, gomem_table *t)
{
	const gomem_gc_summary *s = &g->sum;
	const gomem_heapdump_memstats *m = gomem_heapdump_get_memstats(g->d);
	const struct {
		const char *key;
		uint64_t value;
	} ints[] = {
		{"objects", s->objects}, {"bytes", s->bytes},
		{"reachable_objects", s->reachable_objects}, {"reachable_bytes", s->reachable_bytes},
		{"unreached_objects", s->unreached_objects}, {"unreached_bytes", s->unreached_bytes},
		{"typed_bytes", s->typed_bytes}, {"memstats_heap_objects", m->heap_objects},
		{"memstats_heap_alloc", m->heap_alloc},
	};
	int rc = gomem_table_meta_string(t, "go", gomem_heapdump_get_params(g->d)->go_version);
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(ints) && rc == GOMEM_OK; i++)
		rc = gomem_table_meta_int(t, ints[i].key, (int64_t)ints[i].value);
	if (rc == GOMEM_OK)
		rc = gomem_table_meta_string(t, "sites", gomem_heapdump_sites_exact(g->d) ? "exact" : "sampled");
	return rc;
}

int gomem_gc_write_summary(const gomem_gc *g, FILE *fp)
{
	const gomem_gc_summary *s = &g->sum;
	const gomem_heapdump *d = g->d;
	const gomem_heapdump_params *p = gomem_heapdump_get_params(d);
	const gomem_heapdump_memstats *m = gomem_heapdump_get_memstats(d);
	char a[GOMEM_UNITS_BUFSIZE], b[GOMEM_UNITS_BUFSIZE], e[GOMEM_UNITS_BUFSIZE];
	fprintf(fp, "%s: %s %s, %llu CPUs, %zu goroutines, %zu roots\n", gomem_heapdump_name(d), p->go_version,
		p->goarch, (unsigned long long)p->ncpu, gomem_heapdump_goroutine_count(d),
		gomem_heapdump_root_count(d));
	gomem_format_bytes(a, sizeof(a), (int64_t)s->bytes, 0);
	gomem_format_bytes(b, sizeof(b), (int64_t)s->reachable_bytes, 0);
	gomem_format_bytes(e, sizeof(e), (int64_t)s->unreached_bytes, 0);
	fprintf(fp, "dumped     %10llu objects  %9s\n", (unsigned long long)s->objects, a);
	fprintf(fp, "reachable  %10llu objects  %9s", (unsigned long long)s->reachable_objects, b);
	if (m->present) {
		gomem_format_bytes(a, sizeof(a), (int64_t)m->heap_alloc, 0);
		fprintf(fp, "  (MemStats: %llu objects, %s)", (unsigned long long)m->heap_objects, a);
	}
	fprintf(fp, "\nunreached  %10llu objects  %9s  garbage not yet swept\n", (unsigned long long)s->unreached_objects,
		e);
	if (s->typed_bytes) {
		gomem_format_bytes(a, sizeof(a), (int64_t)s->typed_bytes, 0);
		fprintf(fp, "typed      %10llu objects  %9s  %.1f%% of reachable bytes\n",
			(unsigned long long)s->typed_objects, a,
			s->reachable_bytes ? 100.0 * (double)s->typed_bytes / (double)s->reachable_bytes : 0.0);
	}
	return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
}
