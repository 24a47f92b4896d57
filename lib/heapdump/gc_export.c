/* SPDX-License-Identifier: Apache-2.0 */
/* gc_export.c — the dominator tree in other tools' formats (collapsed
 * stacks, profile.proto) and the comparison of two dumps. A chain is the
 * path of dominators from a root down to an object, each object named by
 * its type key; chains are interned (as strings of frame ids) so a heap of
 * millions of objects yields as many lines as it has distinct shapes. */
#include <stdlib.h>
#include <string.h>

#include "gc-internal.h"
#include "gomem/pprof.h"

struct chains {
	gomem_strpool frames;     /* frame name -> id */
	gomem_strpool stacks;     /* chain (frame ids, 4 bytes each) -> id */
	int64_t (*value)[2];      /* per chain: objects, bytes */
	size_t nvalues, cap;
};

struct cwalk {
	uint32_t node, depth;
};

static int frame_id(const gomem_gc *g, struct chains *c, uint32_t node, uint32_t *id)
{
	char buf[1024], clean[1024];
	const char *name;
	uint32_t o = gomem_gc_node_object(g, node);
	name = o == GC_NONE ? gomem_gc_node_name(g, node, buf, sizeof(buf))
			    : gomem_gc_object_key(g, o, GOMEM_GC_BY_TYPE, buf, sizeof(buf));
	size_t n = strlen(name);
	if (n >= sizeof(clean))
		n = sizeof(clean) - 1;
	for (size_t i = 0; i < n; i++) /* ';' separates frames in folded stacks */
		clean[i] = name[i] == ';' ? ':' : name[i];
	return gomem_strpool_intern(&c->frames, clean, n, id);
}

/* Every reachable object's shallow size under its chain. */
static int collect(const gomem_gc *g, struct chains *c, uint32_t max_depth)
{
	int rc = gc_children_ready(g);
	if (rc != GOMEM_OK)
		return rc;
	const uint32_t *start = g->kids->start, *list = g->kids->list;
	if (max_depth == 0)
		max_depth = 64;
	uint32_t *path = malloc((size_t)max_depth * sizeof(*path));
	struct cwalk *st = malloc((g->nnodes + 1) * sizeof(*st));
	rc = path && st ? GOMEM_OK : GOMEM_E_NOMEM;
	size_t sp = 0;
	for (uint32_t k = start[0]; rc == GOMEM_OK && k < start[1]; k++)
		st[sp++] = (struct cwalk){list[k], 0};
	while (rc == GOMEM_OK && sp > 0) {
		struct cwalk it = st[--sp];
		uint32_t d = it.depth < max_depth ? it.depth : max_depth - 1, id;
		if (it.depth < max_depth && (rc = frame_id(g, c, it.node, &path[d])) != GOMEM_OK)
			break;
		uint32_t o = gomem_gc_node_object(g, it.node);
		if (o != GC_NONE) {
			rc = gomem_strpool_intern(&c->stacks, (const char *)path, (size_t)(d + 1) * sizeof(*path), &id);
			if (rc == GOMEM_OK && id >= c->nvalues) {
				rc = GOMEM_GROW(c->value, c->cap, (size_t)id + 1, SIZE_MAX / 32);
				for (; rc == GOMEM_OK && c->nvalues <= id; c->nvalues++)
					c->value[c->nvalues][0] = c->value[c->nvalues][1] = 0;
			}
			if (rc == GOMEM_OK) {
				c->value[id][0]++;
				c->value[id][1] += (int64_t)gomem_heapdump_object_size(g->d, o);
			}
		}
		for (uint32_t k = start[it.node]; rc == GOMEM_OK && k < start[it.node + 1]; k++)
			st[sp++] = (struct cwalk){list[k], it.depth + 1};
	}
	free(path), free(st);
	return rc;
}

static void chains_free(struct chains *c)
{
	gomem_strpool_free(&c->frames);
	gomem_strpool_free(&c->stacks);
	free(c->value);
}

static size_t chain_frames(const struct chains *c, uint32_t id, const uint32_t **frames)
{
	*frames = (const uint32_t *)(const void *)gomem_strpool_get(&c->stacks, id);
	return gomem_strpool_len(&c->stacks, id) / sizeof(uint32_t);
}

static int chain_text(const struct chains *c, uint32_t id, gomem_buf *b)
{
	const uint32_t *f;
	size_t n = chain_frames(c, id, &f);
	int rc = GOMEM_OK;
	b->len = 0;
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		uint32_t fid;
		memcpy(&fid, f + i, sizeof(fid));
		rc = gomem_buf_printf(b, "%s%s", i ? ";" : "", gomem_strpool_get(&c->frames, fid));
	}
	return rc;
}

static int cmp_text(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int gomem_gc_write_folded(const gomem_gc *g, FILE *fp, uint32_t max_depth, gomem_error *err)
{
	struct chains c = {0};
	gomem_strpool lines;
	gomem_buf b;
	gomem_strpool_init(&c.frames);
	gomem_strpool_init(&c.stacks);
	gomem_strpool_init(&lines);
	gomem_buf_init(&b, (size_t)1 << 24);
	int rc = collect(g, &c, max_depth);
	char **text = rc == GOMEM_OK ? calloc(c.nvalues + 1, sizeof(*text)) : NULL;
	if (rc == GOMEM_OK && !text)
		rc = GOMEM_E_NOMEM;
	for (size_t i = 0; rc == GOMEM_OK && i < c.nvalues; i++) {
		if ((rc = chain_text(&c, (uint32_t)i, &b)) == GOMEM_OK &&
		    (rc = gomem_buf_printf(&b, " %lld", (long long)c.value[i][1])) == GOMEM_OK &&
		    !(text[i] = strdup(b.data)))
			rc = GOMEM_E_NOMEM;
	}
	if (rc == GOMEM_OK)
		rc = gomem_sort(text, c.nvalues, sizeof(*text), cmp_text, NULL);
	for (size_t i = 0; rc == GOMEM_OK && i < c.nvalues; i++)
		fprintf(fp, "%s\n", text[i]);
	if (rc == GOMEM_OK && (fflush(fp) != 0 || ferror(fp)))
		rc = GOMEM_E_IO;
	for (size_t i = 0; text && i < c.nvalues; i++)
		free(text[i]);
	free(text);
	gomem_buf_free(&b);
	gomem_strpool_free(&lines);
	chains_free(&c);
	if (rc != GOMEM_OK)
		return gomem_error_set(err, rc, "writing folded stacks: %s", gomem_strerror(rc));
	return GOMEM_OK;
}

/* One function and one location per frame name (ids = index + 1). */
static int profile_frames(gomem_profile *p, const struct chains *c)
{
	size_t n = c->frames.count;
	int rc = GOMEM_GROW(p->functions, p->functions_cap, n + 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(p->locations, p->locations_cap, n + 1, GOMEM_PROFILE_MAX_ITEMS);
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(p->lines, p->lines_cap, n + 1, GOMEM_PROFILE_MAX_ITEMS);
	for (size_t i = 0; rc == GOMEM_OK && i < n; i++) {
		uint32_t name;
		if ((rc = gomem_profile_intern(p, gomem_strpool_get(&c->frames, (uint32_t)i), &name)) != GOMEM_OK)
			break;
		p->functions[i] = (struct gomem_function){.id = i + 1, .name = name, .system_name = name};
		p->lines[i] = (struct gomem_line){.function = i + 1};
		p->locations[i] = (struct gomem_location){.id = i + 1, .line_off = (uint32_t)i, .nlines = 1};
	}
	p->nfunctions = p->nlocations = p->nlines = n;
	return rc;
}

static int profile_samples(gomem_profile *p, const struct chains *c)
{
	int rc = GOMEM_OK;
	for (size_t i = 0; rc == GOMEM_OK && i < c->nvalues; i++) {
		const uint32_t *f;
		size_t n = chain_frames(c, (uint32_t)i, &f);
		if ((rc = GOMEM_GROW(p->samples, p->samples_cap, p->nsamples + 1, GOMEM_PROFILE_MAX_ITEMS)) ||
		    (rc = GOMEM_GROW(p->sample_locs, p->sample_locs_cap, p->nsample_locs + n, SIZE_MAX / 16)) ||
		    (rc = GOMEM_GROW(p->values, p->values_cap, p->nvalues + 2, SIZE_MAX / 16)))
			break;
		p->samples[p->nsamples++] = (struct gomem_sample){.loc_off = p->nsample_locs, .nlocs = (uint32_t)n,
								  .value_off = p->nvalues, .nvalues = 2};
		for (size_t k = n; k-- > 0;) { /* leaf first */
			uint32_t fid;
			memcpy(&fid, f + k, sizeof(fid));
			p->sample_locs[p->nsample_locs++] = (uint64_t)fid + 1;
		}
		p->values[p->nvalues++] = c->value[i][0];
		p->values[p->nvalues++] = c->value[i][1];
	}
	return rc;
}

int gomem_gc_write_pprof(const gomem_gc *g, FILE *fp, uint32_t max_depth, gomem_error *err)
{
	struct chains c = {0};
	gomem_profile *p = NULL;
	uint32_t a, b, cm;
	gomem_strpool_init(&c.frames);
	gomem_strpool_init(&c.stacks);
	int rc = collect(g, &c, max_depth);
	if (rc == GOMEM_OK)
		rc = gomem_profile_new(&p);
	if (rc == GOMEM_OK && (rc = gomem_profile_intern(p, "inuse_objects", &a)) == GOMEM_OK &&
	    (rc = gomem_profile_intern(p, "count", &b)) == GOMEM_OK)
		rc = gomem_profile_add_sample_type(p, a, b);
	if (rc == GOMEM_OK && (rc = gomem_profile_intern(p, "inuse_space", &a)) == GOMEM_OK &&
	    (rc = gomem_profile_intern(p, "bytes", &b)) == GOMEM_OK)
		rc = gomem_profile_add_sample_type(p, a, b);
	if (rc == GOMEM_OK) {
		p->default_sample_type = a;
		p->period_type = (struct gomem_value_type){a, b};
		p->period = 1;
		rc = gomem_profile_intern(p, "gomem heapdump: dominator tree; a frame's cumulative value is "
					     "what it retains", &cm);
	}
	if (rc == GOMEM_OK && (rc = GOMEM_GROW(p->comments, p->comments_cap, 1, 1)) == GOMEM_OK)
		p->comments[p->ncomments++] = cm;
	if (rc == GOMEM_OK)
		rc = profile_frames(p, &c);
	if (rc == GOMEM_OK)
		rc = profile_samples(p, &c);
	chains_free(&c);
	if (rc == GOMEM_OK)
		rc = gomem_profile_resolve(p, NULL, NULL, err);
	if (rc == GOMEM_OK)
		rc = gomem_pprof_write(p, fp, 1, err);
	else
		gomem_error_set(err, rc, "building the retention profile: %s", gomem_strerror(rc));
	gomem_profile_free(p);
	return rc;
}

/* ---- two dumps ---------------------------------------------------------------- */

/* "goroutine 7 [chan receive]: main.worker" -> "goroutine [chan receive]: main.worker" */
static const char *diff_key(const char *key, char *buf, size_t size)
{
	if (strncmp(key, "goroutine ", 10) != 0)
		return key;
	const char *p = key + 10;
	while (*p >= '0' && *p <= '9')
		p++;
	snprintf(buf, size, "goroutine%s", p);
	return buf;
}

static int diff_side(gomem_strpool *keys, gomem_gc_diff_row **rows, size_t *cap, size_t *n,
		     const gomem_gc_group *gr, size_t ng, int side)
{
	char buf[1024];
	for (size_t i = 0; i < ng; i++) {
		uint32_t id;
		const char *k = diff_key(gr[i].key, buf, sizeof(buf));
		int rc = gomem_strpool_intern(keys, k, strlen(k), &id);
		if (rc == GOMEM_OK && id >= *n) {
			rc = GOMEM_GROW(*rows, *cap, (size_t)id + 1, SIZE_MAX / sizeof(**rows));
			for (; rc == GOMEM_OK && *n <= id; (*n)++)
				memset(&(*rows)[*n], 0, sizeof(**rows));
		}
		if (rc != GOMEM_OK)
			return rc;
		gomem_gc_diff_row *r = &(*rows)[id];
		int64_t b = (int64_t)gr[i].retained_bytes, o = (int64_t)gr[i].retained_objects;
		if (side == 0)
			r->old_bytes += b, r->old_objects += o;
		else
			r->new_bytes += b, r->new_objects += o;
	}
	return GOMEM_OK;
}

static int cmp_diff(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const gomem_gc_diff_row *x = a, *y = b;
	if (x->delta_bytes != y->delta_bytes)
		return x->delta_bytes > y->delta_bytes ? -1 : 1;
	return strcmp(x->key, y->key);
}

int gomem_gc_diff(const gomem_gc *old, const gomem_gc *new_, gomem_gc_by by, gomem_gc_diff_row **out, size_t *n)
{
	gomem_gc_group *go = NULL, *gn = NULL;
	size_t no = 0, nn = 0, cap = 0;
	gomem_gc_diff_row *rows = NULL;
	gomem_strpool *keys = (gomem_strpool *)&new_->keys;
	*out = NULL;
	*n = 0;
	/* the pool holds the groups' keys too: rows index a separate id space */
	gomem_strpool dk;
	gomem_strpool_init(&dk);
	int rc = gomem_gc_group_by(old, by, &go, &no);
	if (rc == GOMEM_OK)
		rc = gomem_gc_group_by(new_, by, &gn, &nn);
	size_t nrows = 0;
	if (rc == GOMEM_OK)
		rc = diff_side(&dk, &rows, &cap, &nrows, go, no, 0);
	if (rc == GOMEM_OK)
		rc = diff_side(&dk, &rows, &cap, &nrows, gn, nn, 1);
	for (size_t i = 0; rc == GOMEM_OK && i < nrows; i++) {
		uint32_t id;
		const char *k = gomem_strpool_get(&dk, (uint32_t)i);
		if ((rc = gomem_strpool_intern(keys, k, strlen(k), &id)) != GOMEM_OK)
			break;
		rows[i].key = gomem_strpool_get(keys, id);
		rows[i].delta_bytes = rows[i].new_bytes - rows[i].old_bytes;
		rows[i].delta_objects = rows[i].new_objects - rows[i].old_objects;
	}
	if (rc == GOMEM_OK)
		rc = gomem_sort(rows, nrows, sizeof(*rows), cmp_diff, NULL);
	free(go), free(gn);
	gomem_strpool_free(&dk);
	if (rc != GOMEM_OK) {
		free(rows);
		return rc;
	}
	*out = rows;
	*n = nrows;
	return GOMEM_OK;
}
