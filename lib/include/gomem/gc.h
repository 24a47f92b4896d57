/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/gc.h — the GC model over a heap dump's object graph: a tri-color
 * mark from the roots with an explicit grey queue (as the runtime's gcWork;
 * no recursion), which gives reachability and, being breadth-first, the
 * shortest path from a root to every object (without opts.paths the
 * dominator pass's depth-first search, its grey nodes on an explicit
 * stack, is the mark: it reaches the same objects); a dominator tree over
 * super-root -> roots -> objects (semi-NCA, iterative) with the retained
 * bytes and objects of every node — what the GC would free if that node
 * went; groupings by root, type, allocation site and size class; and, with
 * the binary's DWARF, the type of objects inferred from typed roots through
 * pointer fields, slices, strings, maps, channels and interfaces.
 *
 * Nodes: 0 is the super-root, 1 + r the root r of the dump, 1 + nroots + o
 * the object o. A gomem_gc borrows its dump: free it first. */
#ifndef GOMEM_GC_H
#define GOMEM_GC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/binary.h"
#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/heapdump.h"
#include "gomem/svg.h"
#include "gomem/table.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GOMEM_GC_SUPERROOT 0u
#define GOMEM_GC_NONE UINT32_MAX

typedef struct gomem_gc gomem_gc;

typedef struct gomem_gc_options {
	unsigned int version;   /* GOMEM_GC_OPTIONS_VERSION */
	bool dominators;        /* build the dominator tree and retained sizes */
	/* Infers types from this binary's DWARF (borrowed; NULL: untyped).
	 * The dump must have been read with keep_outside for interfaces. */
	gomem_binary *binary;
	/* keep every object's breadth-first parent for gomem_gc_path (4
	 * bytes an object) */
	bool paths;
	/* runtime.MemProfileRate of the program (0: 1 when the sites are
	 * exact, else the default, 512 KiB); see gomem_gc_group. */
	uint64_t memprofile_rate;
} gomem_gc_options;

#define GOMEM_GC_OPTIONS_VERSION 1
#define GOMEM_GC_OPTIONS_INIT {GOMEM_GC_OPTIONS_VERSION, true, NULL, true, 0}

typedef struct gomem_gc_summary {
	uint64_t objects, bytes;                     /* dumped */
	uint64_t reachable_objects, reachable_bytes; /* marked from the roots */
	uint64_t unreached_objects, unreached_bytes; /* garbage not yet swept */
	uint64_t typed_objects, typed_bytes;         /* reachable and typed */
	uint64_t roots, root_edges;
	uint64_t max_depth;                          /* longest shortest path, in edges
						      * (breadth-first mark: with opts.paths
						      * or without opts.dominators; else 0) */
} gomem_gc_summary;

/* Marks D (and builds what OPTS asks for). GOMEM_E_NOMEM, GOMEM_E_FORMAT
 * (DWARF that cannot be used), GOMEM_E_INVALID. */
GOMEM_API int gomem_gc_analyze(gomem_gc **out, const gomem_heapdump *d, const gomem_gc_options *opts,
			       gomem_error *err);
GOMEM_API void gomem_gc_free(gomem_gc *g);
GOMEM_API const gomem_gc_summary *gomem_gc_get_summary(const gomem_gc *g);
GOMEM_API const gomem_heapdump *gomem_gc_dump(const gomem_gc *g);

/* ---- nodes ------------------------------------------------------------------ */
GOMEM_API size_t gomem_gc_node_count(const gomem_gc *g);
GOMEM_API uint32_t gomem_gc_root_node(const gomem_gc *g, uint32_t root);
GOMEM_API uint32_t gomem_gc_object_node(const gomem_gc *g, uint32_t obj);
/* The object a node stands for, GOMEM_GC_NONE for the super-root and roots. */
GOMEM_API uint32_t gomem_gc_node_object(const gomem_gc *g, uint32_t node);
/* The root a node stands for, GOMEM_GC_NONE otherwise. */
GOMEM_API uint32_t gomem_gc_node_root(const gomem_gc *g, uint32_t node);
/* A name for NODE: "<all roots>", the root's name, or the object's type
 * (or "untyped 48B") and address: "main.Entry @ 0xc000010000". */
GOMEM_API const char *gomem_gc_node_name(const gomem_gc *g, uint32_t node, char *buf, size_t size);
GOMEM_API bool gomem_gc_reachable(const gomem_gc *g, uint32_t obj);
GOMEM_API uint64_t gomem_gc_shallow_bytes(const gomem_gc *g, uint32_t node);

/* ---- the dominator tree (needs opts.dominators) ------------------------------ */
/* The immediate dominator of NODE; GOMEM_GC_NONE for the super-root and
 * unreachable objects. */
GOMEM_API uint32_t gomem_gc_idom(const gomem_gc *g, uint32_t node);
GOMEM_API uint64_t gomem_gc_retained_bytes(const gomem_gc *g, uint32_t node);
GOMEM_API uint64_t gomem_gc_retained_objects(const gomem_gc *g, uint32_t node);
/* The children of NODE in the dominator tree, largest retained first. */
GOMEM_API size_t gomem_gc_children(const gomem_gc *g, uint32_t node, const uint32_t **children);

/* The plain weighted tree, for drawing (icicles, flame graphs): a pre-order
 * walk from NODE, depth 0 at NODE; children with fewer than MIN_BYTES
 * retained are folded into one entry (node GOMEM_GC_NONE, name "(N
 * smaller)") per parent. VISIT's nonzero return stops the walk and is
 * returned. Iterative: any depth. */
typedef struct gomem_gc_tree_entry {
	uint32_t node;            /* GOMEM_GC_NONE for a folded entry */
	uint32_t depth;
	const char *name;         /* valid during the call */
	uint64_t retained_bytes, retained_objects, shallow_bytes;
	size_t nchildren;         /* entries that follow at depth + 1 */
} gomem_gc_tree_entry;

GOMEM_API int gomem_gc_tree_walk(const gomem_gc *g, uint32_t node, uint64_t min_bytes, uint32_t max_depth,
				 int (*visit)(void *payload, const gomem_gc_tree_entry *e), void *payload);

/* ---- paths ------------------------------------------------------------------ */
typedef struct gomem_gc_step {
	uint32_t node;            /* the root first, then objects down to the target */
	uint64_t offset;          /* byte offset of the pointer in the previous node
				   * (its slot; for a root, in the global or frame) */
	uint64_t target_offset;   /* byte offset into this node the pointer points at */
	const char *field;        /* field name from DWARF ("Next", "[3]", "buckets"), or NULL */
} gomem_gc_step;

/* The shortest path from a root to OBJ (breadth-first parents) into *STEPS
 * (malloc'd; free with gomem_free), *N steps. GOMEM_E_NOTFOUND when OBJ is
 * unreachable, GOMEM_E_INVALID without opts.paths. */
GOMEM_API int gomem_gc_path(const gomem_gc *g, uint32_t obj, gomem_gc_step **steps, size_t *n);

/* ---- groupings --------------------------------------------------------------- */
typedef enum {
	GOMEM_GC_BY_ROOT = 0, /* root name (frames of one name together) */
	GOMEM_GC_BY_TYPE,     /* inferred type, or "untyped <class>B <site>" */
	GOMEM_GC_BY_SITE,     /* allocation site (memprof), "(unknown)" */
	GOMEM_GC_BY_CLASS,    /* object size ("48B") */
	GOMEM_GC_BY_KIND      /* root kind */
} gomem_gc_by;

typedef struct gomem_gc_group {
	const char *key;               /* borrowed from the gomem_gc */
	uint64_t objects, bytes;       /* shallow: reachable objects of the group
					* (for roots: the objects the root points at) */
	uint64_t retained_objects, retained_bytes; /* the union of what its members dominate */
	uint64_t roots;                /* members that are roots (BY_ROOT, BY_KIND) */
	uint32_t example;              /* the member retaining most (a node) */
	/* BY_SITE: objects and bytes scaled as pprof scales a heap sample
	 * (each sampled object of a site allocating SIZE bytes stands for
	 * 1/(1-exp(-SIZE/rate)) objects); equal to objects and bytes when
	 * every object has its site (gomem_heapdump_sites_exact). */
	double scaled_objects, scaled_bytes;
} gomem_gc_group;

/* The groups of BY, largest retained first (ties by key), in *OUT
 * (malloc'd; free with gomem_free). Retained of a group counts each object
 * once: a member dominated by another member adds nothing. */
GOMEM_API int gomem_gc_group_by(const gomem_gc *g, gomem_gc_by by, gomem_gc_group **out, size_t *n);
/* The grouping called NAME ("root", "type", "site", "class" or "kind"):
 * GOMEM_OK, or GOMEM_E_INVALID; and the name of BY. */
GOMEM_API int gomem_gc_by_parse(const char *name, gomem_gc_by *by);
GOMEM_API const char *gomem_gc_by_name(gomem_gc_by by);

typedef enum {
	GOMEM_GC_SORT_RETAINED = 0, /* retained bytes, largest first */
	GOMEM_GC_SORT_OBJECTS,      /* shallow objects, most first */
	GOMEM_GC_SORT_BYTES,        /* shallow bytes, largest first */
	GOMEM_GC_SORT_NAME          /* the key */
} gomem_gc_sort;

/* The order called NAME ("retained", "objects", "bytes" or "name"):
 * GOMEM_OK, or GOMEM_E_INVALID. */
GOMEM_API int gomem_gc_sort_parse(const char *name, gomem_gc_sort *key);
/* Sorts N groups by KEY, ties by their key. GOMEM_E_NOMEM. */
GOMEM_API int gomem_gc_group_sort(gomem_gc_group *rows, size_t n, gomem_gc_sort key);

/* The reachable objects whose type or allocation site (as --by type and
 * --by site name them) matches the POSIX extended regular expression REGEX
 * and that retain at least MIN_RETAINED bytes, largest retained first
 * (then by index): *OBJS (free with gomem_free), *N. GOMEM_E_INVALID when
 * REGEX does not compile, GOMEM_E_NOMEM. */
GOMEM_API int gomem_gc_match(const gomem_gc *g, const char *regex, uint64_t min_retained, uint32_t **objs,
			     size_t *n);

/* Puts the dump's totals on table T as its metadata (the top-level fields
 * of the gomem.heapdump/1 JSON): go, objects, bytes, reachable_objects,
 * reachable_bytes, unreached_objects, unreached_bytes, typed_bytes,
 * memstats_heap_objects, memstats_heap_alloc, sites ("exact" or
 * "sampled"). GOMEM_E_NOMEM. */
GOMEM_API int gomem_gc_table_meta(const gomem_gc *g, gomem_table *t);
/* Writes the summary's head to FP: the dump (Go release, CPUs, goroutines,
 * roots), the objects and bytes dumped, reachable (with the dump's own
 * MemStats), unreached and typed. GOMEM_E_IO. */
GOMEM_API int gomem_gc_write_summary(const gomem_gc *g, FILE *fp);

/* ---- types ------------------------------------------------------------------ */
/* The inferred type of OBJ ("main.Entry", "[12]*main.Item", "string bytes"),
 * NULL when untyped. */
GOMEM_API const char *gomem_gc_object_type(const gomem_gc *g, uint32_t obj);
/* The group key BY gives OBJ (borrowed, or in BUF). */
GOMEM_API const char *gomem_gc_object_key(const gomem_gc *g, uint32_t obj, gomem_gc_by by, char *buf,
					  size_t size);

/* ---- two dumps ---------------------------------------------------------------- */
typedef struct gomem_gc_diff_row {
	const char *key;               /* borrowed from NEW's or OLD's gomem_gc */
	int64_t old_bytes, new_bytes, delta_bytes;       /* retained */
	int64_t old_objects, new_objects, delta_objects; /* retained */
} gomem_gc_diff_row;

/* The groups of BY in OLD and NEW joined by key (goroutine ids dropped from
 * frame roots: "goroutine [chan receive]: main.worker"), largest growth
 * first, in *OUT (malloc'd; gomem_free). */
GOMEM_API int gomem_gc_diff(const gomem_gc *old, const gomem_gc *new_, gomem_gc_by by,
			    gomem_gc_diff_row **out, size_t *n);

/* ---- export --------------------------------------------------------------------- */
/* The dominator tree as collapsed stacks for flame graphs: one line per
 * distinct chain root;type;type... (object frames named by type, at most
 * MAX_DEPTH frames, deeper ones counted in the last) and its shallow bytes,
 * so a frame's total is its retained size. Sorted. */
GOMEM_API int gomem_gc_write_folded(const gomem_gc *g, FILE *fp, uint32_t max_depth, gomem_error *err);
/* The same chains as a gzipped profile.proto (sample types inuse_objects
 * and inuse_space; a frame's cumulative value is its retained size), for
 * pprof, Pyroscope and Parca. */
GOMEM_API int gomem_gc_write_pprof(const gomem_gc *g, FILE *fp, uint32_t max_depth, gomem_error *err);
/* The same tree as an icicle (SVG): the roots at the top, each frame as
 * wide as the bytes its chain retains, coloured by name; LOOK (may be NULL)
 * gives the title, subtitle, width, embedding and id. GOMEM_E_INVALID
 * without the dominator tree. */
GOMEM_API int gomem_gc_write_svg(const gomem_gc *g, FILE *fp, uint32_t max_depth,
				 const gomem_flame_options *look, gomem_error *err);

#ifdef __cplusplus
}
#endif
#endif
