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
	bool is_space;      /* in a memory unit */
	int64_t factor;     /* bytes per unit of the compared type; 1 for counts */
	int64_t space_factor; /* the same for the space type of the pair */
	int64_t rate;       /* sampling period (MemProfileRate); <= 1 means exact */
	double scale;       /* -normalize factor (1 for base) */
	/* drop_frames/keep_frames (heapdiff_prune.c; NULL when NEW has none):
	 * per location the first line kept, per sample the first location. */
	uint32_t *line_start;
	uint32_t *sample_start;
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
	regex_t drop, keep;       /* NEW's drop_frames and keep_frames */
	bool has_drop, has_keep;
	char note[256];           /* what the user should know ("" none) */
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
/* Value V[T] of a sample of SIDE in bytes (memory units) and after
 * --normalize (SCALE), as pprof's ScaleN rounds it; saturating. */
int64_t gomem_hd_scaled(int64_t v, int64_t factor, double scale);
int64_t gomem_hd_value(const struct hd_side *side, const int64_t *v);
/* Sample S's stack as pprof shows it after drop_frames: leaf first. */
static inline const uint32_t *gomem_hd_stack(const struct hd_side *side, size_t s, size_t *n)
{
	const uint32_t *locs = gomem_profile_sample_locations(side->p, s, n);
	uint32_t start = side->sample_start ? side->sample_start[s] : 0;

	*n -= start;
	return locs + start;
}
/* The first line of location LOC kept after drop_frames, and how many. */
static inline size_t gomem_hd_lines(const struct hd_side *side, size_t loc, size_t *first)
{
	*first = side->line_start ? side->line_start[loc] : 0;
	return gomem_profile_location_line_count(side->p, loc) - *first;
}
/* Binds D's two sides (heapdiff_bind.c): refuses what is not a heap
 * profile, picks the sample type and units, prunes with NEW's drop_frames. */
int gomem_hd_bind(gomem_heapdiff *d, const gomem_profile *base, const gomem_profile *newp,
		  gomem_error *err);
/* Computes SIDE's line_start and sample_start for DROP and KEEP (may be NULL). */
int gomem_hd_prune(struct hd_side *side, const regex_t *drop, const regex_t *keep);
/* The sampling noise of sample S: the variance each of its estimated
 * objects carries (*per_object) and their count (*objects); 0 when exact. */
void gomem_hd_sample_noise(const struct hd_side *side, size_t s, const int64_t *v,
			   double *per_object, double *objects);

#endif
