/* SPDX-License-Identifier: Apache-2.0 */
/* goroutine_svg.c — goroutines as a flame graph: each bucket's stack (the
 * outermost call at the root), as wide as its goroutines. One dump is
 * coloured by what its goroutines wait on (a class per kind of state, darker
 * the longer they have waited); a diff of two is as wide as AFTER and
 * coloured by each frame's growth, so a leak is one red tower from the
 * root to the blocked call. */
#include <stdlib.h>
#include <string.h>

#include "goroutine-internal.h"

/* ---- state classes ------------------------------------------------------------ */

enum {
	C_CHANNEL, C_IO, C_RUNNING, C_SELECT, C_SYSCALL, C_SYNC, C_SLEEP, C_RUNTIME, C_UNKNOWN,
	C_OTHER, C_COUNT
};

/* In palette order (gomem_svg_palette): blue, orange, green, ... */
static const unsigned class_palette[C_COUNT] = {0, 4, 2, 3, 9, 5, 6, 7, 8, 1};

static const char *const class_names[C_COUNT] = {
	"channel send/receive", "IO wait", "running, runnable", "select", "syscall",
	"sync: mutex, WaitGroup, Cond, semaphore", "sleep", "runtime: GC, finalizers, ...",
	"no state in the dump", "other states",
};

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static unsigned state_class(const char *state)
{
	if (state[0] == '\0')
		return C_UNKNOWN;
	if (starts(state, "chan "))
		return C_CHANNEL;
	if (starts(state, "select"))
		return C_SELECT;
	if (strcmp(state, "IO wait") == 0)
		return C_IO;
	if (strcmp(state, "running") == 0 || strcmp(state, "runnable") == 0)
		return C_RUNNING;
	if (starts(state, "syscall"))
		return C_SYSCALL;
	if (starts(state, "sync.") || starts(state, "semacquire"))
		return C_SYNC;
	if (strcmp(state, "sleep") == 0)
		return C_SLEEP;
	if (starts(state, "GC ") || strstr(state, "gc") || strstr(state, "finalizer") ||
	    strstr(state, "trace") || starts(state, "preempted") || strstr(state, "scavenge"))
		return C_RUNTIME;
	return C_OTHER;
}

/* The shade: darker the longer the goroutines waited (minutes). */
static unsigned wait_shade(int64_t minutes)
{
	return minutes >= 15 ? 3 : minutes >= 5 ? 2 : minutes >= 1 ? 1 : 0;
}

/* ---- stacks -------------------------------------------------------------------- */

struct build {
	const gomem_dump *d;
	gomem_flame *f;
	uint32_t *name_of;      /* frame index -> flame name id + 1 */
	uint32_t elided;        /* the name id of the elision marker + 1 */
};

static int frame_name(struct build *b, uint32_t frame, uint32_t *out)
{
	if (b->name_of[frame] == 0) {
		gomem_goroutine_frame fr;
		uint32_t id;
		int rc = gomem_dump_frame(&fr, b->d, frame);

		if (rc == GOMEM_OK)
			rc = gomem_flame_intern(b->f, fr.function, strlen(fr.function), &id);
		if (rc != GOMEM_OK)
			return rc;
		b->name_of[frame] = id + 1;
	}
	*out = b->name_of[frame] - 1;
	return GOMEM_OK;
}

/* The frame of STACK's leaf, root first; Go's "frames elided" marker is a
 * frame of its own where it sat. */
static int stack_leaf(struct build *b, uint32_t stack, uint32_t *leaf)
{
	gomem_goroutine_stack st;
	uint32_t at = GOMEM_FLAME_ROOT, name;
	int rc = gomem_dump_stack(&st, b->d, stack);

	for (size_t i = st.nframes; i-- > 0 && rc == GOMEM_OK;) {
		if (st.elided_at == i + 1 && b->elided)
			rc = gomem_flame_child_named(b->f, at, b->elided - 1, &at);
		if (rc == GOMEM_OK && (rc = frame_name(b, st.frames[i], &name)) == GOMEM_OK)
			rc = gomem_flame_child_named(b->f, at, name, &at);
	}
	*leaf = at;
	return rc;
}

/* A tree for the goroutines of D (and the elision marker's name). */
static int build_init(struct build *b, const gomem_dump *d, gomem_flame *shared)
{
	static const char marker[] = "...frames elided...";
	uint32_t id;
	int rc;

	memset(b, 0, sizeof(*b));
	b->d = d;
	b->name_of = calloc(gomem_dump_frame_count(d) + 1, sizeof(*b->name_of));
	if (b->name_of == NULL)
		return GOMEM_E_NOMEM;
	b->f = shared;
	if (shared == NULL && (rc = gomem_flame_new(&b->f, "all goroutines")) != GOMEM_OK)
		return rc;
	if ((rc = gomem_flame_intern(b->f, marker, sizeof(marker) - 1, &id)) != GOMEM_OK)
		return rc;
	b->elided = id + 1;
	return GOMEM_OK;
}

/* SHARED: the tree is another build's. */
static void build_free(struct build *b, int shared)
{
	if (!shared)
		gomem_flame_free(b->f);
	free(b->name_of);
}

/* ---- one dump ------------------------------------------------------------------- */

/* Every member of bucket I at its stack's leaf, by state class. */
static int add_bucket(struct build *b, const gomem_buckets *bs, size_t i)
{
	gomem_bucket bk;
	uint32_t leaf;
	int rc = gomem_buckets_get(&bk, bs, i);

	if (rc == GOMEM_OK)
		rc = stack_leaf(b, bk.stack, &leaf);
	for (size_t r = 0; r < bk.nrecords && rc == GOMEM_OK; r++) {
		gomem_goroutine g;

		if ((rc = gomem_dump_goroutine(&g, b->d, bk.records[r])) != GOMEM_OK)
			break;
		rc = gomem_flame_add(b->f, leaf, 0, (int64_t)g.count, 0);
		if (rc == GOMEM_OK)
			rc = gomem_flame_categorize(b->f, leaf, class_palette[state_class(g.state)],
						    (int64_t)g.count, wait_shade(g.wait_minutes));
	}
	return rc;
}

/* Category names in palette order, for the legend. */
static void legend_names(const char **names)
{
	for (int k = 0; k < C_COUNT; k++)
		names[class_palette[k]] = class_names[k];
}

int gomem_buckets_write_svg(const gomem_buckets *bs, FILE *fp, const gomem_flame_options *look,
			    gomem_error *err)
{
	gomem_flame_options o = GOMEM_FLAME_OPTIONS_INIT;
	const char *names[C_COUNT];
	struct build b;
	int rc = build_init(&b, gomem_buckets_dump(bs), NULL);

	for (size_t i = 0; i < gomem_buckets_count(bs) && rc == GOMEM_OK; i++)
		rc = add_bucket(&b, bs, i);
	if (rc != GOMEM_OK) {
		build_free(&b, 0);
		return gomem_error_set(err, rc, "drawing the goroutines: %s", gomem_strerror(rc));
	}
	if (look)
		o = *look;
	if (o.title == NULL)
		o.title = "Goroutines by stack";
	legend_names(names);
	o.unit = GOMEM_SVG_COUNT;
	o.noun = "goroutines";
	o.color = GOMEM_FLAME_COLOR_CATEGORY;
	o.categories = names;
	o.ncategories = C_COUNT;
	o.two_values = 0;
	rc = gomem_flame_write_svg(b.f, fp, &o, err);
	build_free(&b, 0);
	return rc;
}

/* ---- a diff -------------------------------------------------------------------- */

static int add_entry(struct build *b, const gomem_dump_diff *df, const gomem_diff_entry *e)
{
	int after = e->after_bucket != (size_t)-1;
	const gomem_buckets *bs = after ? gomem_dump_diff_after(df) : gomem_dump_diff_before(df);
	gomem_bucket bk;
	uint32_t leaf;
	int rc = gomem_buckets_get(&bk, bs, after ? e->after_bucket : e->before_bucket);

	b->d = gomem_buckets_dump(bs);
	if (rc == GOMEM_OK)
		rc = stack_leaf(b, bk.stack, &leaf);
	if (rc == GOMEM_OK)
		rc = gomem_flame_add(b->f, leaf, (int64_t)e->before, (int64_t)e->after, 0);
	return rc;
}

int gomem_dump_diff_write_svg(const gomem_dump_diff *df, FILE *fp, const gomem_flame_options *look,
			      gomem_error *err)
{
	const gomem_buckets *before = gomem_dump_diff_before(df), *after = gomem_dump_diff_after(df);
	gomem_flame_options o = GOMEM_FLAME_OPTIONS_INIT;
	struct build b, bb;
	int rc;

	/* Frame indices are per dump: a name cache for each, one tree. */
	memset(&bb, 0, sizeof(bb));
	rc = build_init(&b, gomem_buckets_dump(after), NULL);
	if (rc == GOMEM_OK)
		rc = build_init(&bb, gomem_buckets_dump(before), b.f);
	for (size_t i = 0; i < gomem_dump_diff_count(df) && rc == GOMEM_OK; i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);

		rc = add_entry(e->after_bucket != (size_t)-1 ? &b : &bb, df, e);
	}
	build_free(&bb, 1);
	if (rc != GOMEM_OK) {
		build_free(&b, 0);
		return gomem_error_set(err, rc, "drawing the goroutine diff: %s", gomem_strerror(rc));
	}
	if (look)
		o = *look;
	if (o.title == NULL)
		o.title = "Goroutines: growth by stack";
	o.unit = GOMEM_SVG_COUNT;
	o.noun = "goroutines";
	o.color = GOMEM_FLAME_COLOR_DELTA;
	o.cum_delta = 1;
	o.two_values = 1;
	o.base_label = "before";
	o.new_label = "after";
	rc = gomem_flame_write_svg(b.f, fp, &o, err);
	build_free(&b, 0);
	return rc;
}
