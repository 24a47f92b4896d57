/* SPDX-License-Identifier: Apache-2.0 */
/* gc-internal.h — the GC model's state, shared by the mark (gc_mark.c),
 * the dominator tree (gc_dominators.c), paths (gc_paths.c), groupings and
 * the tree walk (gc_report.c) and type inference (gc_types.c). */
#ifndef GOMEM_GC_INTERNAL_H
#define GOMEM_GC_INTERNAL_H

#include "heapdump-internal.h"
#include "gomem/gc.h"

#define GC_NONE GOMEM_GC_NONE

/* An object's colour in the mark. */
enum { GC_WHITE = 0, GC_GREY = 1, GC_BLACK = 2 };

/* Inferred types (gc_types.c): an object's type is an index into names
 * (a DWARF type, or an array of it: "[]main.T"); obj_skip is the bytes
 * before its first value (a Go 1.22+ malloc header). */
struct gc_types {
	gomem_strpool names;
	uint32_t *obj_type;       /* per object, GC_NONE when untyped */
	uint8_t *obj_skip;
	void *impl;               /* the DWARF side, while inferring and for field names */
};

/* A node of the dominator tree: what a look at one reads together. */
struct gc_node {
	uint64_t ret_bytes;
	uint32_t ret_objects;     /* at most 2^32 objects */
	uint32_t idom;            /* GC_NONE: the super-root, or unreached */
};

struct gomem_gc {
	const gomem_heapdump *d;
	gomem_gc_options opts;
	gomem_gc_summary sum;
	size_t nnodes;            /* 1 + nroots + nobj */
	uint32_t obj_base;        /* 1 + nroots */

	/* mark: colours of objects (0 white, 1 grey, 2 black) and BFS parents */
	uint8_t *color;
	uint32_t *parent;         /* per node: the node it was first reached from */

	/* dominators */
	struct gc_node *dom;      /* per node; NULL without dominators */
	/* the tree's children lists, made on first use (gc_children_ready):
	 * the summary and --by root never need them */
	struct gc_kids {
		uint32_t *start;  /* nnodes + 1: children of node v at list[start[v] ..] */
		uint32_t *list;
	} *kids;

	struct gc_types types;
	gomem_strpool keys;       /* group keys handed out */
};

/* The successors of NODE: object indices in *TARGETS (GC_NONE possible),
 * or, for the super-root, *N roots (TARGETS NULL). */
size_t gc_successors(const gomem_gc *g, uint32_t node, const uint32_t **targets, const uint32_t **words);
static inline uint32_t gc_obj_node(const gomem_gc *g, uint32_t obj) { return g->obj_base + obj; }

/* gc_mark.c: the breadth-first mark (colours, parents, max_depth); the
 * summary's sums from the colours, whichever search set them. */
int gc_mark(gomem_gc *g);
void gc_sum_marked(gomem_gc *g);

/* gc_search.c: the depth-first search of the dominator pass, from the
 * super-root (number 1) through every root. With MARK it sets the colours
 * as well (g->color allocated by the caller). */
struct gc_dfs {
	uint32_t n;        /* reached nodes, numbered 1 .. n in preorder */
	uint32_t *vertex;  /* number -> node */
	uint32_t *par;     /* number -> its DFS parent's number */
	uint64_t *pairs;   /* the other edges: target's number << 32 | source's */
	size_t npairs;
	/* the search's own graph, done with: a block for the next steps */
	void *spare;
	size_t spare_bytes;
};
int gc_search(gomem_gc *g, struct gc_dfs *out, bool mark);
void gc_dfs_free(struct gc_dfs *out);

/* gc_dominators.c: idom, retained sizes and children of every node (and
 * the colours when MARK: no breadth-first mark ran). */
int gc_dominators(gomem_gc *g, bool mark);
/* Makes the children lists once (they live behind g->kids, so a const G
 * can have them made); GOMEM_E_INVALID without dominators. */
int gc_children_ready(const gomem_gc *g);
int gc_types_infer(gomem_gc *g, gomem_error *err);
void gc_types_free(struct gc_types *t);
/* The field name of the pointer at WORD of OBJ (its inferred type), or NULL;
 * in BUF when it is an array element ("[3].Next"). */
const char *gc_field_name(const gomem_gc *g, uint32_t obj, uint32_t word, char *buf, size_t size);

#endif
