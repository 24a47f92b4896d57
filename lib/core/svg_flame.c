/* SPDX-License-Identifier: Apache-2.0 */
/* svg_flame.c — the weighted tree a flame graph is drawn from: nodes found
 * by (parent, name) in one hash table, values added to a node's own, then
 * summed up the tree, then folded: children too narrow to see become one
 * "other" frame per parent, whose children are theirs merged by name. All
 * of it iterative: a hostile profile's stack a million frames deep must not
 * exhaust the C stack. */
#include <stdlib.h>
#include <string.h>

#include "svg-internal.h"

#define OTHER_NAME "other"

/* ---- nodes ------------------------------------------------------------------- */

static size_t key_slot(const gomem_flame *f, uint32_t parent, uint32_t name)
{
	/* splitmix64's finalizer: every bit of both ids reaches the slot */
	uint64_t k = (uint64_t)parent << 32 | name;

	k = (k ^ (k >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	k = (k ^ (k >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (size_t)(k ^ (k >> 31)) & (f->hash_cap - 1);
}

static int is_keyed(const struct flame_node *n, uint32_t parent, uint32_t name)
{
	return n->parent == parent && n->name == name && !(n->flags & FLAME_DEAD);
}

static uint32_t lookup(const gomem_flame *f, uint32_t parent, uint32_t name)
{
	size_t i = key_slot(f, parent, name);

	for (; f->hash[i]; i = (i + 1) & (f->hash_cap - 1))
		if (is_keyed(&f->n[f->hash[i] - 1], parent, name))
			return f->hash[i] - 1;
	return FLAME_NONE;
}

static void hash_put(gomem_flame *f, uint32_t id)
{
	size_t i = key_slot(f, f->n[id].parent, f->n[id].name);

	while (f->hash[i])
		i = (i + 1) & (f->hash_cap - 1);
	f->hash[i] = id + 1;
	f->hash_used++;
}

/* Room for one more entry, at most half full. Entries of nodes that moved
 * (folding relinks them) stay until the next rebuild: a lookup checks the
 * node's present parent and name, so they never match. */
static int hash_reserve(gomem_flame *f)
{
	size_t cap = f->hash_cap ? f->hash_cap : 1024;

	if (f->hash && (f->hash_used + 1) * 2 <= f->hash_cap)
		return GOMEM_OK;
	while ((f->count + 1) * 2 > cap)
		cap *= 2;
	free(f->hash);
	f->hash = calloc(cap, sizeof(*f->hash));
	if (f->hash == NULL) {
		f->hash_cap = 0;
		return GOMEM_E_NOMEM;
	}
	f->hash_cap = cap;
	f->hash_used = 0;
	for (uint32_t id = 1; id < f->count; id++)
		if (f->n[id].parent != FLAME_NONE)
			hash_put(f, id);
	return GOMEM_OK;
}

static int new_node(gomem_flame *f, uint32_t parent, uint32_t name, uint32_t *out)
{
	struct flame_node *n;
	int rc;

	if ((rc = GOMEM_GROW(f->n, f->cap, f->count + 1, FLAME_MAX_NODES)) != GOMEM_OK)
		return rc;
	if (f->cats && f->cats_cap < f->cap) {
		int64_t *c = realloc(f->cats, f->cap * GOMEM_FLAME_MAX_CATEGORIES * sizeof(*c));

		if (c == NULL)
			return GOMEM_E_NOMEM;
		f->cats = c;
		f->cats_cap = f->cap;
	}
	if (f->cats)
		memset(f->cats + f->count * GOMEM_FLAME_MAX_CATEGORIES, 0,
		       GOMEM_FLAME_MAX_CATEGORIES * sizeof(*f->cats));
	n = &f->n[f->count];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->parent = parent;
	n->child = n->next = FLAME_NONE;
	if (parent != FLAME_NONE) {
		n->next = f->n[parent].child;
		f->n[parent].child = (uint32_t)f->count;
	}
	*out = (uint32_t)f->count++;
	return GOMEM_OK;
}

int gomem_flame_new(gomem_flame **out, const char *root_name)
{
	gomem_flame *f = calloc(1, sizeof(*f));
	const char *root = root_name ? root_name : "all";
	uint32_t name, id;
	int rc;

	*out = NULL;
	if (f == NULL)
		return GOMEM_E_NOMEM;
	gomem_strpool_init(&f->names);
	rc = gomem_strpool_intern(&f->names, root, strlen(root), &name);
	if (rc == GOMEM_OK)
		rc = gomem_strpool_intern(&f->names, OTHER_NAME, strlen(OTHER_NAME), &f->other_name);
	if (rc == GOMEM_OK)
		rc = new_node(f, FLAME_NONE, name, &id);
	if (rc != GOMEM_OK) {
		gomem_flame_free(f);
		return rc;
	}
	*out = f;
	return GOMEM_OK;
}

void gomem_flame_free(gomem_flame *f)
{
	if (f == NULL)
		return;
	gomem_strpool_free(&f->names);
	free(f->n);
	free(f->hash);
	free(f->cats);
	free(f);
}

size_t gomem_flame_node_count(const gomem_flame *f)
{
	return f->count;
}

int gomem_flame_intern(gomem_flame *f, const char *name, size_t len, uint32_t *name_id)
{
	return gomem_strpool_intern(&f->names, name ? name : "", name ? len : 0, name_id);
}

int gomem_flame_child_named(gomem_flame *f, uint32_t parent, uint32_t name_id, uint32_t *out)
{
	uint32_t id;
	int rc;

	if (parent >= f->count || name_id >= f->names.count || f->folded)
		return GOMEM_E_INVALID;
	if ((rc = hash_reserve(f)) != GOMEM_OK)
		return rc;
	if ((id = lookup(f, parent, name_id)) == FLAME_NONE) {
		if ((rc = new_node(f, parent, name_id, &id)) != GOMEM_OK)
			return rc;
		hash_put(f, id);
	}
	*out = id;
	return GOMEM_OK;
}

int gomem_flame_child(gomem_flame *f, uint32_t parent, const char *name, size_t len, uint32_t *out)
{
	uint32_t nm;
	int rc;

	if (parent >= f->count || f->folded)
		return GOMEM_E_INVALID;
	if ((rc = gomem_flame_intern(f, name, len, &nm)) != GOMEM_OK)
		return rc;
	return gomem_flame_child_named(f, parent, nm, out);
}

int gomem_flame_path(gomem_flame *f, const char *const *frames, size_t n, uint32_t *out)
{
	uint32_t at = GOMEM_FLAME_ROOT;
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = gomem_flame_child(f, at, frames[i], strlen(frames[i]), &at)) != GOMEM_OK)
			return rc;
	*out = at;
	return GOMEM_OK;
}

int gomem_flame_add(gomem_flame *f, uint32_t node, int64_t base, int64_t newv, double variance)
{
	struct flame_node *n;

	if (node >= f->count || f->totalled)
		return GOMEM_E_INVALID;
	n = &f->n[node];
	n->self[0] += base;
	n->self[1] += newv;
	if (variance > 0)
		n->self_var += variance;
	return GOMEM_OK;
}

int gomem_flame_categorize(gomem_flame *f, uint32_t node, unsigned int cat, int64_t value,
			   unsigned int shade)
{
	if (node >= f->count || cat >= GOMEM_FLAME_MAX_CATEGORIES || f->totalled)
		return GOMEM_E_INVALID;
	if (f->cats == NULL) {
		f->cats = calloc(f->cap * GOMEM_FLAME_MAX_CATEGORIES, sizeof(*f->cats));
		if (f->cats == NULL)
			return GOMEM_E_NOMEM;
		f->cats_cap = f->cap;
	}
	f->cats[(size_t)node * GOMEM_FLAME_MAX_CATEGORIES + cat] += value;
	if (shade > f->n[node].shade)
		f->n[node].shade = (uint8_t)(shade > 3 ? 3 : shade);
	return GOMEM_OK;
}

/* ---- totals -------------------------------------------------------------------- */

static void add_cats(gomem_flame *f, uint32_t dst, uint32_t src)
{
	int64_t *d, *s;

	if (f->cats == NULL)
		return;
	d = f->cats + (size_t)dst * GOMEM_FLAME_MAX_CATEGORIES;
	s = f->cats + (size_t)src * GOMEM_FLAME_MAX_CATEGORIES;
	for (size_t k = 0; k < GOMEM_FLAME_MAX_CATEGORIES; k++)
		d[k] += s[k];
}

/* A child is always made after its parent, so one pass from the last node
 * back sums every subtree. A shade stays where it was given (where the
 * goroutines wait), not on every caller above. */
void gomem_flame_totals(gomem_flame *f)
{
	if (f->totalled)
		return;
	for (size_t i = 0; i < f->count; i++) {
		struct flame_node *n = &f->n[i];

		n->total[0] = n->self[0];
		n->total[1] = n->self[1];
		n->var = n->self_var;
	}
	for (size_t i = f->count; i-- > 1;) {
		struct flame_node *n = &f->n[i], *p = &f->n[n->parent];

		p->total[0] += n->total[0];
		p->total[1] += n->total[1];
		p->var += n->var;
		add_cats(f, n->parent, (uint32_t)i);
	}
	f->totalled = 1;
}

/* ---- folding ----------------------------------------------------------------- */

/* SRC's own and cumulative values into DST; SRC is dead after. */
static void absorb(gomem_flame *f, uint32_t dst, uint32_t src)
{
	struct flame_node *d = &f->n[dst], *s = &f->n[src];

	for (int k = 0; k < 2; k++) {
		d->self[k] += s->self[k];
		d->total[k] += s->total[k];
	}
	d->self_var += s->self_var;
	d->var += s->var;
	if (s->shade > d->shade)
		d->shade = s->shade;
	d->folded += s->folded ? s->folded : 1;
	add_cats(f, dst, src);
	s->flags |= FLAME_DEAD;
	s->parent = FLAME_NONE;
	s->child = FLAME_NONE;
}

static void link_child(gomem_flame *f, uint32_t parent, uint32_t id)
{
	f->n[id].parent = parent;
	f->n[id].next = f->n[parent].child;
	f->n[parent].child = id;
}

/* A growable stack of node ids (or pairs of them). */
struct ids {
	uint32_t *v;
	size_t n, cap;
};

static int push(struct ids *s, uint32_t a)
{
	int rc = GOMEM_GROW(s->v, s->cap, s->n + 1, (size_t)4 * FLAME_MAX_NODES);

	if (rc == GOMEM_OK)
		s->v[s->n++] = a;
	return rc;
}

/* Moves the children of SRC under DST: a child whose name DST has already
 * is merged into that one, recursively (a stack of pairs, no recursion). */
static int merge_children(gomem_flame *f, uint32_t dst, uint32_t src, struct ids *pairs)
{
	int rc = GOMEM_OK;

	pairs->n = 0;
	if ((rc = push(pairs, dst)) != GOMEM_OK || (rc = push(pairs, src)) != GOMEM_OK)
		return rc;
	while (pairs->n > 0 && rc == GOMEM_OK) {
		uint32_t s = pairs->v[--pairs->n], d = pairs->v[--pairs->n];
		uint32_t c = f->n[s].child;

		f->n[s].child = FLAME_NONE;
		while (c != FLAME_NONE && rc == GOMEM_OK) {
			uint32_t next = f->n[c].next, same;

			if ((rc = hash_reserve(f)) != GOMEM_OK)
				break;
			same = lookup(f, d, f->n[c].name);
			if (same == FLAME_NONE) {
				link_child(f, d, c);
				hash_put(f, c);
			} else {
				uint32_t grand = f->n[c].child;

				absorb(f, same, c);
				f->n[same].folded = 0; /* merged by name: still that function */
				f->n[c].child = grand;
				if ((rc = push(pairs, same)) == GOMEM_OK)
					rc = push(pairs, c);
			}
			c = next;
		}
	}
	return rc;
}

/* The children of P narrower than THRESHOLD (two or more) become one
 * "other" child. */
static int fold_children(gomem_flame *f, uint32_t p, int w, double threshold, struct ids *kids,
			 struct ids *pairs)
{
	uint32_t other = FLAME_NONE, keep = FLAME_NONE;
	size_t narrow = 0;
	int rc;

	kids->n = 0;
	for (uint32_t c = f->n[p].child; c != FLAME_NONE; c = f->n[c].next) {
		if (f->n[c].total[w] <= 0)
			continue; /* nothing to draw: not even a hairline */
		if ((rc = push(kids, c)) != GOMEM_OK)
			return rc;
		narrow += (double)f->n[c].total[w] < threshold;
	}
	/* relink the drawn children, the narrow ones into "other" */
	f->n[p].child = FLAME_NONE;
	if (narrow >= 2) {
		if ((rc = new_node(f, p, f->other_name, &other)) != GOMEM_OK)
			return rc;
		f->n[other].flags |= FLAME_OTHER;
		f->n[p].child = FLAME_NONE;
	}
	for (size_t i = 0; i < kids->n; i++) {
		uint32_t c = kids->v[i];

		if (other == FLAME_NONE || (double)f->n[c].total[w] >= threshold) {
			f->n[c].next = keep;
			keep = c;
			continue;
		}
		{
			uint32_t grand = f->n[c].child;

			absorb(f, other, c);
			f->n[c].child = grand;
			if ((rc = merge_children(f, other, c, pairs)) != GOMEM_OK)
				return rc;
		}
	}
	if (other != FLAME_NONE) {
		f->n[other].next = keep;
		keep = other;
	}
	f->n[p].child = keep;
	return GOMEM_OK;
}

int gomem_flame_fold(gomem_flame *f, int w, double threshold)
{
	struct ids todo = {0}, kids = {0}, pairs = {0};
	int rc;

	gomem_flame_totals(f);
	f->folded = 1;
	rc = push(&todo, GOMEM_FLAME_ROOT);
	while (todo.n > 0 && rc == GOMEM_OK) {
		uint32_t p = todo.v[--todo.n];

		if ((rc = fold_children(f, p, w, threshold, &kids, &pairs)) != GOMEM_OK)
			break;
		for (uint32_t c = f->n[p].child; c != FLAME_NONE && rc == GOMEM_OK; c = f->n[c].next) {
			if ((double)f->n[c].total[w] < threshold)
				f->n[c].flags |= FLAME_CUT;
			else
				rc = push(&todo, c);
		}
	}
	free(todo.v);
	free(kids.v);
	free(pairs.v);
	return rc;
}
