/* SPDX-License-Identifier: Apache-2.0 */
/* heapdiff-internal.h — the diff's state, shared by heapdiff.c (numbers) and
 * heapdiff_export.c (folded stacks and the pprof diff profile). */
#ifndef GOMEM_HEAPDIFF_INTERNAL_H
#define GOMEM_HEAPDIFF_INTERNAL_H

#include <regex.h>

#include "gomem-internal.h"

/* One of the two profiles, bound to the sample type compared. */
struct hd_side {
	const gomem_profile *p;
	int value;          /* index of the compared sample type */
	int pair;           /* its object-count (or space) partner, -1 if none */
	bool is_space;      /* unit is bytes */
	int64_t rate;       /* sampling period (MemProfileRate); <= 1 means exact */
	double scale;       /* -normalize factor (1 for base) */
	size_t *frame_off;  /* per location: first frame in frame_nodes; nloc+1 entries */
	uint32_t *frame_nodes; /* node id of every frame */
	unsigned char *loc_match; /* per location: 1 focus matched, 2 ignore matched */
};

struct hd_node {
	int64_t value[2];   /* base, new */
	double var;         /* sampling variance of the delta */
	size_t stamp;       /* last stack counted (cum counts a node once per stack) */
};

/* Sampling noise of one stack (node ids and object size), over both sides. */
struct hd_stack {
	double objects[2];  /* estimated objects in base, new */
	double per_object;  /* variance each estimated object carries */
};

struct gomem_heapdiff {
	gomem_heapdiff_options opts;
	struct hd_side side[2];
	const char *type, *unit;
	regex_t focus, ignore;
	bool has_focus, has_ignore;
	gomem_strpool names;      /* node id -> name */
	struct hd_node *nodes;
	size_t nnodes, nodes_cap;
	size_t serial;
	gomem_buf scratch;        /* a stack's name (--by stack) */
	gomem_buf ids;            /* the node ids of the current sample */
	gomem_buf key;            /* the noise key of the current sample */
	gomem_strpool stack_keys; /* stack id -> node ids + object size */
	struct hd_stack *stacks;
	size_t nstacks, stacks_cap;
	int64_t totals_value[2];
	double totals_var;
	gomem_heapdiff_row *rows;
	size_t nrows, rows_cap, nrows_before_trim;
	gomem_heapdiff_row totals;
};

size_t gomem_go_package_len(const char *name);
int gomem_hd_node(gomem_heapdiff *d, const char *name, size_t len, uint32_t *out);
bool gomem_hd_sample_kept(const gomem_heapdiff *d, const struct hd_side *side, size_t s);
int64_t gomem_hd_value(const struct hd_side *side, const int64_t *v);
/* The sampling noise of sample S: the variance each of its estimated
 * objects carries (*per_object) and their count (*objects); 0 when exact. */
void gomem_hd_sample_noise(const struct hd_side *side, size_t s, const int64_t *v,
			   double *per_object, double *objects);

#endif
