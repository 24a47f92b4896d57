/* SPDX-License-Identifier: Apache-2.0 */
/* check_gc.c — the GC model: the mark (reachability, garbage left white, a
 * chain of a million objects without recursion), the dominator tree and
 * retained sizes checked against brute force on small random graphs (v's
 * dominators are the nodes whose removal cuts v off the roots), group
 * retained sizes counting each object once, and shortest paths. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "heapdump_builder.h"
#include "suites.h"

#define A(i) (HB_ARENA + 0x100 * (uint64_t)(i))
#define MAXN 24

struct graph {
	int n;           /* objects */
	bool edge[MAXN][MAXN];
	bool root[MAXN]; /* pointed at by the one global */
};

/* Objects of 16 << (i % 3) bytes at A(i); a global whose words point at
 * the roots. Without PATHS the dominator pass's depth-first search is the
 * mark, with them the breadth-first mark is. */
static gomem_gc *analyze_paths(const struct graph *g, gomem_heapdump **dump, bool paths)
{
	hb b;
	uint64_t w[MAXN], v[MAXN];
	hb_start(&b);
	for (int i = 0; i < g->n; i++) {
		size_t k = 0;
		for (int j = 0; j < g->n; j++)
			if (g->edge[i][j])
				w[k] = k, v[k] = A(j), k++;
		hb_object(&b, A(i), 16u << (i % 3) > 8 * k ? 16u << (i % 3) : 8 * k, w, v, k);
	}
	size_t k = 0;
	for (int j = 0; j < g->n; j++) /* every other word: a root per word */
		if (g->root[j])
			w[k] = 2 * k, v[k] = A(j), k++;
	hb_bss(&b, 16 * MAXN, w, v, k);
	hb_end(&b);
	gomem_error err = {0};
	gomem_gc *gc;
	ck_assert_msg(gomem_heapdump_read_buffer(dump, b.p, b.len, "g", NULL, &err) == GOMEM_OK, "%s", err.message);
	gomem_gc_options o = GOMEM_GC_OPTIONS_INIT;
	o.paths = paths;
	ck_assert_int_eq(gomem_gc_analyze(&gc, *dump, &o, &err), GOMEM_OK);
	free(b.p);
	return gc;
}

static gomem_gc *analyze(const struct graph *g, gomem_heapdump **dump)
{
	return analyze_paths(g, dump, true);
}

#define MAXNODES (2 * MAXN + 2)

/* The node graph through the public API: the super-root, roots, objects. */
static size_t successors(const gomem_gc *gc, uint32_t v, uint32_t *out)
{
	const gomem_heapdump *d = gomem_gc_dump(gc);
	const uint32_t *t;
	size_t n, k = 0;
	if (v == GOMEM_GC_SUPERROOT) {
		for (uint32_t r = 0; r < gomem_heapdump_root_count(d); r++)
			out[k++] = gomem_gc_root_node(gc, r);
		return k;
	}
	uint32_t r = gomem_gc_node_root(gc, v);
	n = r != GOMEM_GC_NONE ? gomem_heapdump_root_edges(d, r, &t, NULL, NULL)
			       : gomem_heapdump_object_edges(d, gomem_gc_node_object(gc, v), &t, NULL, NULL);
	for (size_t i = 0; i < n; i++)
		if (t[i] != GOMEM_HEAPDUMP_NONE)
			out[k++] = gomem_gc_object_node(gc, t[i]);
	return k;
}

/* Reachable from the super-root with node SKIP removed (0: none). */
static void reach(const gomem_gc *gc, uint32_t skip, bool *out)
{
	uint32_t q[MAXNODES], succ[MAXNODES];
	size_t h = 0, t = 0, nn = gomem_gc_node_count(gc);
	memset(out, 0, sizeof(bool) * nn);
	out[0] = true;
	q[t++] = 0;
	while (h < t) {
		uint32_t u = q[h++];
		size_t n = successors(gc, u, succ);
		for (size_t k = 0; k < n; k++)
			if (succ[k] != skip && !out[succ[k]])
				out[succ[k]] = true, q[t++] = succ[k];
	}
}

START_TEST(test_dominators_brute_force)
{
	srand(12345u + (unsigned)_i);
	for (int round = 0; round < 40; round++) {
		struct graph g = {.n = 2 + rand() % (MAXN - 2)};
		for (int i = 0; i < g.n; i++) {
			g.root[i] = rand() % 5 == 0;
			for (int j = 0; j < g.n; j++)
				g.edge[i][j] = rand() % 6 == 0;
		}
		gomem_heapdump *d;
		gomem_gc *gc = analyze_paths(&g, &d, _i < 10);
		uint32_t nn = (uint32_t)gomem_gc_node_count(gc);
		ck_assert_uint_le(nn, MAXNODES);
		bool base[MAXNODES], cut[MAXNODES][MAXNODES];
		reach(gc, 0, base);
		for (uint32_t u = 1; u < nn; u++)
			reach(gc, u, cut[u]);
		for (uint32_t v = 1; v < nn; v++) {
			uint32_t o = gomem_gc_node_object(gc, v);
			if (o != GOMEM_GC_NONE)
				ck_assert_int_eq(gomem_gc_reachable(gc, o), base[v]);
			if (!base[v]) {
				ck_assert_uint_eq(gomem_gc_idom(gc, v), GOMEM_GC_NONE);
				continue;
			}
			/* strict dominators of v: u != v whose removal cuts v off; the
			 * immediate one is dominated by all the others, so it cuts off
			 * the fewest nodes; none: the super-root */
			uint32_t idom = GOMEM_GC_SUPERROOT;
			int best = -1;
			for (uint32_t u = 1; u < nn; u++) {
				if (u == v || !base[u] || cut[u][v])
					continue;
				int size = 0;
				for (uint32_t x = 0; x < nn; x++)
					size += base[x] && !cut[u][x];
				if (best < 0 || size < best)
					idom = u, best = size;
			}
			ck_assert_msg(gomem_gc_idom(gc, v) == idom, "round %d: idom of node %u is %u, want %u", round, v,
				      gomem_gc_idom(gc, v), idom);
			/* retained: the objects that go when v goes */
			uint64_t bytes = 0, objects = 0;
			for (uint32_t x = 1; x < nn; x++) {
				uint32_t xo = gomem_gc_node_object(gc, x);
				if (xo != GOMEM_GC_NONE && base[x] && !cut[v][x])
					objects++, bytes += gomem_heapdump_object_size(d, xo);
			}
			ck_assert_uint_eq(gomem_gc_retained_objects(gc, v), objects);
			ck_assert_uint_eq(gomem_gc_retained_bytes(gc, v), bytes);
		}
		gomem_gc_free(gc);
		gomem_heapdump_free(d);
	}
}
END_TEST

/* 0 -> 1 -> 2, 0 -> 2; 3 unreachable; group by class: 16B {0, 3}, 32B {1}, 64B {2}. */
START_TEST(test_mark_groups_paths)
{
	struct graph g = {.n = 4};
	g.root[0] = true;
	g.edge[0][1] = g.edge[1][2] = g.edge[0][2] = true;
	gomem_heapdump *d;
	gomem_gc *gc = analyze(&g, &d);
	const gomem_gc_summary *s = gomem_gc_get_summary(gc);
	ck_assert_uint_eq(s->reachable_objects, 3);
	ck_assert_uint_eq(s->unreached_objects, 1);
	ck_assert_uint_eq(s->unreached_bytes, 16);
	ck_assert_uint_eq(gomem_gc_retained_bytes(gc, GOMEM_GC_SUPERROOT), s->reachable_bytes);
	gomem_gc_group *gr;
	size_t n;
	ck_assert_int_eq(gomem_gc_group_by(gc, GOMEM_GC_BY_CLASS, &gr, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(gr[0].key, "16B"); /* object 0 retains everything */
	ck_assert_uint_eq(gr[0].retained_bytes, 16 + 32 + 64);
	ck_assert_uint_eq(gr[0].objects, 1);
	free(gr);
	gomem_gc_step *st;
	ck_assert_int_eq(gomem_gc_path(gc, 2, &st, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 3); /* root, 0, 2: the shortest way */
	ck_assert_uint_eq(st[1].node, gomem_gc_object_node(gc, 0));
	ck_assert_uint_eq(st[2].node, gomem_gc_object_node(gc, 2));
	ck_assert_uint_eq(st[2].offset, 8);
	free(st);
	ck_assert_int_eq(gomem_gc_path(gc, 3, &st, &n), GOMEM_E_NOTFOUND);
	gomem_gc_free(gc);
	gomem_heapdump_free(d);
}
END_TEST

/* Without a binary a run of adjacent pointer words is one root: an object
 * that only its words reach (two of them here) is retained by it, not
 * left to the super-root; the word after a gap is a root of its own. */
START_TEST(test_run_retains)
{
	hb b;
	uint64_t w[] = {0, 1, 3}, v[] = {A(0), A(0) + 8, A(1)};
	hb_start(&b);
	hb_object(&b, A(0), 16, NULL, NULL, 0);
	hb_object(&b, A(1), 32, NULL, NULL, 0);
	hb_bss(&b, 32, w, v, 3);
	hb_end(&b);
	gomem_heapdump *d;
	gomem_gc *gc;
	gomem_error err = {0};
	ck_assert_int_eq(gomem_heapdump_read_buffer(&d, b.p, b.len, "g", NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_gc_analyze(&gc, d, NULL, &err), GOMEM_OK);
	ck_assert_uint_eq(gomem_heapdump_root_count(d), 2);
	ck_assert_uint_eq(gomem_gc_retained_objects(gc, gomem_gc_root_node(gc, 0)), 1);
	ck_assert_uint_eq(gomem_gc_retained_bytes(gc, gomem_gc_root_node(gc, 0)), 16);
	ck_assert_uint_eq(gomem_gc_retained_bytes(gc, gomem_gc_root_node(gc, 1)), 32);
	gomem_gc_group *gr;
	size_t n;
	ck_assert_int_eq(gomem_gc_group_by(gc, GOMEM_GC_BY_ROOT, &gr, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(gr[0].key, "bss+0x18");
	ck_assert_str_eq(gr[1].key, "bss+0x0");
	ck_assert_uint_eq(gr[1].roots, 1);
	ck_assert_uint_eq(gr[1].retained_bytes, 16);
	free(gr);
	gomem_gc_free(gc);
	gomem_heapdump_free(d);
	free(b.p);
}
END_TEST

/* The names of groupings and orders; the objects --path-to matches: by
 * type (here "untyped 16B" and so on), reachable, largest retained first,
 * at least the minimum. Graph: 0 -> 1 -> 2, 0 -> 2 (0: 16 B, 1: 32 B,
 * 2: 64 B, dominated by 0), 3 (16 B) unreachable. */
START_TEST(test_names_and_matches)
{
	gomem_gc_by by;
	gomem_gc_sort key;
	ck_assert_int_eq(gomem_gc_by_parse("site", &by), GOMEM_OK);
	ck_assert_int_eq(by, GOMEM_GC_BY_SITE);
	ck_assert_int_eq(gomem_gc_by_parse("shape", &by), GOMEM_E_INVALID);
	ck_assert_str_eq(gomem_gc_by_name(GOMEM_GC_BY_CLASS), "class");
	ck_assert_int_eq(gomem_gc_sort_parse("bytes", &key), GOMEM_OK);
	ck_assert_int_eq(key, GOMEM_GC_SORT_BYTES);
	ck_assert_int_eq(gomem_gc_sort_parse("size", &key), GOMEM_E_INVALID);
	struct graph g = {.n = 4};
	g.root[0] = true;
	g.edge[0][1] = g.edge[1][2] = g.edge[0][2] = true;
	gomem_heapdump *d;
	gomem_gc *gc = analyze(&g, &d);
	uint32_t *o;
	size_t n;
	ck_assert_int_eq(gomem_gc_match(gc, "16B", 0, &o, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 1); /* not the unreachable one */
	ck_assert_uint_eq(o[0], 0);
	free(o);
	ck_assert_int_eq(gomem_gc_match(gc, "^untyped", 0, &o, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(o[0], 0); /* 112 B retained */
	ck_assert_uint_eq(o[1], 2); /* 64 */
	ck_assert_uint_eq(o[2], 1); /* 32 */
	free(o);
	ck_assert_int_eq(gomem_gc_match(gc, "^untyped", 64, &o, &n), GOMEM_OK);
	ck_assert_uint_eq(n, 2);
	free(o);
	ck_assert_int_eq(gomem_gc_match(gc, "(", 0, &o, &n), GOMEM_E_INVALID);
	gomem_gc_group *gr;
	ck_assert_int_eq(gomem_gc_group_by(gc, GOMEM_GC_BY_CLASS, &gr, &n), GOMEM_OK);
	ck_assert_int_eq(gomem_gc_group_sort(gr, n, GOMEM_GC_SORT_BYTES), GOMEM_OK);
	ck_assert_str_eq(gr[0].key, "64B");
	ck_assert_int_eq(gomem_gc_group_sort(gr, n, GOMEM_GC_SORT_NAME), GOMEM_OK);
	ck_assert_str_eq(gr[0].key, "16B");
	ck_assert_str_eq(gr[2].key, "64B");
	free(gr);
	gomem_gc_free(gc);
	gomem_heapdump_free(d);
}
END_TEST

static int count_entries(void *payload, const gomem_gc_tree_entry *e)
{
	(void)e;
	(*(size_t *)payload)++;
	return 0;
}

/* A chain of a million objects: the mark, the DFS and the walks are
 * iterative, so this neither overflows the stack nor takes long. */
START_TEST(test_long_chain)
{
	enum { N = 1000000 };
	hb b;
	uint64_t w = 0, v;
	hb_start(&b);
	for (uint64_t i = 0; i < N; i++) {
		v = HB_ARENA + 16 * (i + 1);
		hb_object(&b, HB_ARENA + 16 * i, 16, &w, &v, i + 1 < N);
	}
	v = HB_ARENA;
	hb_bss(&b, 8, &w, &v, 1);
	hb_end(&b);
	gomem_heapdump *d;
	gomem_gc *gc;
	ck_assert_int_eq(gomem_heapdump_read_buffer(&d, b.p, b.len, "chain", NULL, NULL), GOMEM_OK);
	free(b.p);
	ck_assert_int_eq(gomem_gc_analyze(&gc, d, NULL, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_gc_get_summary(gc)->reachable_objects, N);
	ck_assert_uint_eq(gomem_gc_get_summary(gc)->max_depth, N);
	ck_assert_uint_eq(gomem_gc_retained_objects(gc, gomem_gc_object_node(gc, 0)), N);
	ck_assert_uint_eq(gomem_gc_retained_objects(gc, gomem_gc_object_node(gc, N / 2)), N / 2);
	size_t entries = 0;
	ck_assert_int_eq(gomem_gc_tree_walk(gc, GOMEM_GC_SUPERROOT, 0, UINT32_MAX, count_entries, &entries), 0);
	ck_assert_uint_eq(entries, N + 2);
	gomem_gc_free(gc);
	/* without paths the depth-first search marks */
	gomem_gc_options o = GOMEM_GC_OPTIONS_INIT;
	o.paths = false;
	ck_assert_int_eq(gomem_gc_analyze(&gc, d, &o, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_gc_get_summary(gc)->reachable_objects, N);
	ck_assert_uint_eq(gomem_gc_retained_objects(gc, gomem_gc_object_node(gc, 0)), N);
	ck_assert_uint_eq(gomem_gc_retained_objects(gc, gomem_gc_object_node(gc, N / 2)), N / 2);
	gomem_gc_free(gc);
	gomem_heapdump_free(d);
}
END_TEST

Suite *suite_gc(void)
{
	Suite *s = suite_create("gc");
	TCase *tc = tcase_create("gc");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_dominators_brute_force, 0, 20); /* 10 .. 19: no paths */
	tcase_add_test(tc, test_mark_groups_paths);
	tcase_add_test(tc, test_long_chain);
	tcase_add_test(tc, test_run_retains);
	tcase_add_test(tc, test_names_and_matches);
	suite_add_tcase(s, tc);
	return s;
}
