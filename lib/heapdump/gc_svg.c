/* SPDX-License-Identifier: Apache-2.0 */
/* gc_svg.c — the dominator tree as an icicle: the roots at the top, under
 * each node what it alone keeps alive, as wide as its retained bytes. The
 * tree is the collapsed stacks' (gc_export.c): objects named by type key,
 * siblings of one name merged, at most MAX_DEPTH levels (deeper objects
 * counted in the last), so a frame's width is the retained size of what it
 * stands for and a heap of millions of objects draws as its shapes. */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"

struct step {
	uint32_t node;   /* dominator tree node */
	uint32_t frame;  /* its flame frame (or, past the depth, the deepest one) */
	uint32_t depth;
};

/* The frame of NODE under PARENT: the root's name or the object's type key. */
static int frame_of(const gomem_gc *g, gomem_flame *f, uint32_t parent, uint32_t node, uint32_t *out)
{
	char buf[1024];
	uint32_t o = gomem_gc_node_object(g, node);
	const char *name = o == GOMEM_GC_NONE ? gomem_gc_node_name(g, node, buf, sizeof(buf))
					      : gomem_gc_object_key(g, o, GOMEM_GC_BY_TYPE, buf, sizeof(buf));

	return gomem_flame_child(f, parent, name, strlen(name), out);
}

/* The dominator tree's children as built (unsorted: the icicle sorts its
 * frames by name). */
static int push_children(const gomem_gc *g, struct step **st, size_t *n, size_t *cap, struct step s)
{
	uint32_t b = g->kids->start[s.node], e = g->kids->start[s.node + 1];
	int rc = GOMEM_GROW(*st, *cap, *n + (e - b), (size_t)1 << 32);

	for (uint32_t k = b; k < e && rc == GOMEM_OK; k++) {
		(*st)[*n].node = g->kids->list[k];
		(*st)[*n].frame = s.frame;
		(*st)[*n].depth = s.depth + 1;
		(*n)++;
	}
	return rc;
}

/* Every reachable object's shallow bytes on its frame, depth first. */
static int build(const gomem_gc *g, gomem_flame *f, uint32_t max_depth)
{
	struct step *st = NULL, root = {GOMEM_GC_SUPERROOT, GOMEM_FLAME_ROOT, 0};
	size_t n = 0, cap = 0;
	int rc = push_children(g, &st, &n, &cap, root);

	while (n > 0 && rc == GOMEM_OK) {
		struct step s = st[--n];

		if (s.depth < max_depth && (rc = frame_of(g, f, s.frame, s.node, &s.frame)) != GOMEM_OK)
			break;
		if (gomem_gc_node_object(g, s.node) != GOMEM_GC_NONE)
			rc = gomem_flame_add(f, s.frame, 0, (int64_t)gomem_gc_shallow_bytes(g, s.node), 0);
		if (rc == GOMEM_OK)
			rc = push_children(g, &st, &n, &cap, s);
	}
	free(st);
	return rc;
}

int gomem_gc_write_svg(const gomem_gc *g, FILE *fp, uint32_t max_depth, const gomem_flame_options *look,
		       gomem_error *err)
{
	gomem_flame_options o = GOMEM_FLAME_OPTIONS_INIT;
	gomem_flame *f = NULL;
	int rc;

	/* the tree's children lists, made now if no report needed them yet */
	if ((rc = gc_children_ready(g)) != GOMEM_OK)
		return gomem_error_set(err, rc, "the icicle needs the dominator tree: %s", gomem_strerror(rc));
	if ((rc = gomem_flame_new(&f, "reachable heap")) == GOMEM_OK)
		rc = build(g, f, max_depth ? max_depth : 64);
	if (rc != GOMEM_OK) {
		gomem_flame_free(f);
		return gomem_error_set(err, rc, "drawing the dominator tree: %s", gomem_strerror(rc));
	}
	if (look)
		o = *look;
	if (o.title == NULL)
		o.title = "Heap dump: what each root and object keeps alive (retained bytes)";
	o.unit = GOMEM_SVG_BYTES;
	o.color = GOMEM_FLAME_COLOR_NAME;
	o.two_values = 0;
	o.icicle = 1;
	rc = gomem_flame_write_svg(f, fp, &o, err);
	gomem_flame_free(f);
	return rc;
}
