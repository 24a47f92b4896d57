/* SPDX-License-Identifier: Apache-2.0 */
/* heapdiff_svg.c — the diff as a differential flame graph: every kept sample
 * of both profiles on its stack (frames at the diff's granularity, inlined
 * calls included), widths from NEW (or BASE), coloured by the change, and
 * each change weighed against its sampling noise, kept per stack and object
 * size as the table keeps it, so a frame whose change the sampling cannot
 * tell from noise is drawn neutral. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heapdiff-internal.h"

struct build {
	const gomem_heapdiff *d;
	gomem_flame *f;
	uint32_t *name_of;        /* diff node id -> flame name id + 1 (0: not yet) */
	gomem_strpool noise_keys; /* leaf frame + object variance -> noise id */
	struct { double objects[2], per_object; uint32_t leaf; } *noise;
	size_t nnoise, noise_cap;
};

static int flame_name(struct build *b, uint32_t node, uint32_t *out)
{
	if (b->name_of[node] == 0) {
		const char *name = gomem_strpool_get(&b->d->names, node);
		uint32_t id;
		int rc = gomem_flame_intern(b->f, name, gomem_strpool_len(&b->d->names, node), &id);

		if (rc != GOMEM_OK)
			return rc;
		b->name_of[node] = id + 1;
	}
	*out = b->name_of[node] - 1;
	return GOMEM_OK;
}

/* The frame of sample S's stack, root first, in *leaf. */
static int sample_path(struct build *b, const struct hd_side *side, size_t s, uint32_t *leaf)
{
	size_t n;
	const uint32_t *locs = gomem_profile_sample_locations(side->p, s, &n);
	uint32_t at = GOMEM_FLAME_ROOT, name;
	int rc = GOMEM_OK;

	for (size_t i = n; i-- > 0 && rc == GOMEM_OK;) {
		size_t off = side->frame_off[locs[i]], end = side->frame_off[locs[i] + 1];

		for (size_t k = end; k-- > off && rc == GOMEM_OK;)
			if ((rc = flame_name(b, side->frame_nodes[k], &name)) == GOMEM_OK)
				rc = gomem_flame_child_named(b->f, at, name, &at);
	}
	*leaf = at;
	return rc;
}

/* The noise of the sample: its estimated objects under (leaf, object
 * variance), as heapdiff.c keeps them per stack. */
static int note_noise(struct build *b, const struct hd_side *side, int is_new, size_t s,
		      const int64_t *v, uint32_t leaf)
{
	double per_object, objects;
	char key[sizeof(uint32_t) + sizeof(double)];
	uint32_t id;
	int rc;

	gomem_hd_sample_noise(side, s, v, &per_object, &objects);
	if (per_object == 0)
		return GOMEM_OK;
	memcpy(key, &leaf, sizeof(leaf));
	memcpy(key + sizeof(leaf), &per_object, sizeof(per_object));
	if ((rc = gomem_strpool_intern(&b->noise_keys, key, sizeof(key), &id)) != GOMEM_OK)
		return rc;
	if (id >= b->nnoise) {
		if ((rc = GOMEM_GROW(b->noise, b->noise_cap, (size_t)id + 1, GOMEM_PROFILE_MAX_ITEMS)))
			return rc;
		memset(&b->noise[id], 0, sizeof(b->noise[id]));
		b->nnoise = (size_t)id + 1;
		b->noise[id].per_object = per_object;
		b->noise[id].leaf = leaf;
	}
	b->noise[id].objects[is_new] += objects;
	return GOMEM_OK;
}

static int add_side(struct build *b, int is_new)
{
	const struct hd_side *side = &b->d->side[is_new];
	size_t ns = gomem_profile_sample_count(side->p);
	int rc = GOMEM_OK;

	for (size_t s = 0; s < ns && rc == GOMEM_OK; s++) {
		const int64_t *v = gomem_profile_sample_values(side->p, s);
		int64_t w = gomem_hd_value(side, v);
		uint32_t leaf;

		if (w == 0 || !gomem_hd_sample_kept(b->d, side, s))
			continue;
		if ((rc = sample_path(b, side, s, &leaf)) != GOMEM_OK)
			break;
		rc = gomem_flame_add(b->f, leaf, is_new ? 0 : w, is_new ? w : 0, 0);
		if (rc == GOMEM_OK)
			rc = note_noise(b, side, is_new, s, v, leaf);
	}
	return rc;
}

static int build_tree(struct build *b)
{
	int rc = add_side(b, 0);

	if (rc == GOMEM_OK)
		rc = add_side(b, 1);
	for (size_t i = 0; i < b->nnoise && rc == GOMEM_OK; i++)
		rc = gomem_flame_add(b->f, b->noise[i].leaf, 0, 0,
				     fabs(b->noise[i].objects[1] - b->noise[i].objects[0]) *
					     b->noise[i].per_object);
	return rc;
}

/* What the frames count: bytes, or objects for an object type. */
static void set_unit(gomem_flame_options *o, const gomem_heapdiff *d)
{
	int bytes = d->unit && strcmp(d->unit, "bytes") == 0;

	o->unit = bytes ? GOMEM_SVG_BYTES : GOMEM_SVG_COUNT;
	if (!bytes && o->noun == NULL)
		o->noun = d->type && strstr(d->type, "objects") ? "objects" : "samples";
}

int gomem_heapdiff_write_svg(const gomem_heapdiff *d, FILE *fp, const gomem_flame_options *look,
			     gomem_error *err)
{
	gomem_flame_options o = GOMEM_FLAME_OPTIONS_INIT;
	char title[160];
	struct build b;
	int rc;

	if (look)
		o = *look;
	memset(&b, 0, sizeof(b));
	b.d = d;
	gomem_strpool_init(&b.noise_keys);
	b.name_of = calloc(d->nnodes ? d->nnodes : 1, sizeof(*b.name_of));
	rc = b.name_of ? gomem_flame_new(&b.f, "all") : GOMEM_E_NOMEM;
	if (rc == GOMEM_OK)
		rc = build_tree(&b);
	if (rc == GOMEM_OK) {
		snprintf(title, sizeof(title), "Heap diff: %s", d->type ? d->type : "");
		if (o.title == NULL)
			o.title = title;
		set_unit(&o, d);
		o.color = GOMEM_FLAME_COLOR_DELTA;
		o.cum_delta = d->opts.cum;
		o.two_values = 1;
		o.base_label = "base";
		o.new_label = "new";
		rc = gomem_flame_write_svg(b.f, fp, &o, err);
	} else {
		gomem_error_set(err, rc, "drawing the diff: %s", gomem_strerror(rc));
	}
	gomem_flame_free(b.f);
	gomem_strpool_free(&b.noise_keys);
	free(b.noise);
	free(b.name_of);
	return rc;
}
