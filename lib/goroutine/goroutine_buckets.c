/* SPDX-License-Identifier: Apache-2.0 */
/* goroutine_buckets.c — grouping a dump's goroutines by signature, the
 * summary, filters and the diff of two dumps. Identity is computed bottom
 * up at the chosen level (frame class, then stack class, then bucket key),
 * each interned once, so grouping a million records is a few hash lookups
 * apiece and a bucket's signature text is built once per bucket. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goroutine-internal.h"

#define SIGNATURE_MAX (1u << 20)

/* ---- sequences of uint32 interned by content ------------------------------ */

struct seqtab {
	uint32_t *data;
	size_t len, cap;
	struct seq { uint32_t off, n, hash; } *ent;
	size_t nent, ent_cap;
	uint32_t *slots;
	size_t slots_cap;
};

static void seqtab_free(struct seqtab *t)
{
	free(t->data);
	free(t->ent);
	free(t->slots);
}

static int seqtab_rehash(struct seqtab *t)
{
	size_t ncap = t->slots_cap ? t->slots_cap * 2 : 256, mask = ncap - 1;
	uint32_t *ns = calloc(ncap, sizeof(*ns));

	if (ns == NULL)
		return GOMEM_E_NOMEM;
	for (size_t id = 0; id < t->nent; id++) {
		size_t i = t->ent[id].hash & mask;

		while (ns[i])
			i = (i + 1) & mask;
		ns[i] = (uint32_t)id + 1;
	}
	free(t->slots);
	t->slots = ns;
	t->slots_cap = ncap;
	return GOMEM_OK;
}

static int seqtab_intern(struct seqtab *t, const uint32_t *seq, size_t n, uint32_t *id)
{
	uint64_t h64 = gr_hash(seq, n * sizeof(*seq), 3);
	uint32_t h = (uint32_t)(h64 ^ (h64 >> 32));
	size_t mask, i;
	int rc;

	if ((t->nent + 1) * 2 > t->slots_cap && (rc = seqtab_rehash(t)))
		return rc;
	mask = t->slots_cap - 1;
	for (i = h & mask; t->slots[i]; i = (i + 1) & mask) {
		const struct seq *e = &t->ent[t->slots[i] - 1];

		if (e->hash == h && e->n == n && memcmp(t->data + e->off, seq, n * sizeof(*seq)) == 0) {
			*id = t->slots[i] - 1;
			return GOMEM_OK;
		}
	}
	if ((rc = GOMEM_GROW(t->data, t->cap, t->len + n + 1, (size_t)UINT32_MAX - 1)) ||
	    (rc = GOMEM_GROW(t->ent, t->ent_cap, t->nent + 1, (size_t)UINT32_MAX - 1)))
		return rc;
	if (n)
		memcpy(t->data + t->len, seq, n * sizeof(*seq));
	t->ent[t->nent] = (struct seq){(uint32_t)t->len, (uint32_t)n, h};
	t->len += n;
	*id = (uint32_t)t->nent++;
	t->slots[i] = *id + 1;
	return GOMEM_OK;
}

/* ---- filters -------------------------------------------------------------- */

struct filt {
	const gomem_goroutine_filter *f;
	regex_t match, exclude;
	bool has_match, has_exclude;
	uint8_t *frame_m, *frame_x;  /* per frame: 0 not yet, 1 no, 2 yes */
	uint8_t *stack_m, *stack_x;  /* per stack, the same */
	uint8_t *status_ok;          /* per status */
	gomem_buf text;
};

static void filt_free(struct filt *fl)
{
	if (fl->has_match)
		regfree(&fl->match);
	if (fl->has_exclude)
		regfree(&fl->exclude);
	free(fl->frame_m);
	free(fl->frame_x);
	free(fl->stack_m);
	free(fl->stack_x);
	free(fl->status_ok);
	gomem_buf_free(&fl->text);
}

static int compile(regex_t *re, bool *has, const char *pat, gomem_error *err)
{
	int rc;

	if (pat == NULL || *pat == '\0')
		return GOMEM_OK;
	rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[128];

		regerror(rc, re, msg, sizeof(msg));
		return gomem_error_set(err, GOMEM_E_INVALID, "bad regular expression '%s': %s", pat, msg);
	}
	*has = true;
	return GOMEM_OK;
}

static bool state_listed(const gomem_goroutine_filter *f, const char *state)
{
	for (size_t i = 0; i < f->nstates; i++)
		if (f->states[i] && strcmp(f->states[i], state) == 0)
			return true;
	return false;
}

static int filt_init(struct filt *fl, const gomem_dump *d, const gomem_goroutine_filter *f,
		     gomem_error *err)
{
	int rc;

	memset(fl, 0, sizeof(*fl));
	gomem_buf_init(&fl->text, (size_t)1 << 24);
	fl->f = f;
	if (f == NULL)
		return GOMEM_OK;
	if (f->version != GOMEM_GOROUTINE_FILTER_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "unknown filter version %u", f->version);
	if ((rc = compile(&fl->match, &fl->has_match, f->match, err)) ||
	    (rc = compile(&fl->exclude, &fl->has_exclude, f->exclude, err)))
		return rc;
	fl->frame_m = calloc(d->nframes + 1, 1);
	fl->frame_x = calloc(d->nframes + 1, 1);
	fl->stack_m = calloc(d->nstacks + 1, 1);
	fl->stack_x = calloc(d->nstacks + 1, 1);
	fl->status_ok = calloc(d->nstatuses + 1, 1);
	if (!fl->frame_m || !fl->frame_x || !fl->stack_m || !fl->stack_x || !fl->status_ok)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < d->nstatuses; i++)
		fl->status_ok[i] = f->nstates == 0 || state_listed(f, gr_str(d, d->statuses[i].state));
	return GOMEM_OK;
}

static bool frame_matches(struct filt *fl, const gomem_dump *d, regex_t *re, uint8_t *cache,
			  uint32_t fr)
{
	const struct gr_frame *f = &d->frames[fr];

	if (cache[fr] == 0) {
		bool hit = regexec(re, gr_str(d, f->function), 0, NULL, 0) == 0;

		if (!hit && f->line > 0) {
			fl->text.len = 0;
			if (gomem_buf_printf(&fl->text, "%s:%" PRId64, gr_str(d, f->file), f->line) == 0)
				hit = regexec(re, fl->text.data, 0, NULL, 0) == 0;
		}
		cache[fr] = hit ? 2 : 1;
	}
	return cache[fr] == 2;
}

static bool stack_matches(struct filt *fl, const gomem_dump *d, regex_t *re, uint8_t *fcache,
			  uint8_t *scache, uint32_t st)
{
	if (scache[st] == 0) {
		const struct gr_stack *s = &d->stacks[st];
		bool hit = false;

		for (size_t i = 0; i < s->n && !hit; i++)
			hit = frame_matches(fl, d, re, fcache, d->stack_frames[s->off + i]);
		scache[st] = hit ? 2 : 1;
	}
	return scache[st] == 2;
}

static bool record_hits(struct filt *fl, const gomem_dump *d, const struct gr_record *r, bool exclude)
{
	regex_t *re = exclude ? &fl->exclude : &fl->match;
	uint8_t *fc = exclude ? fl->frame_x : fl->frame_m, *sc = exclude ? fl->stack_x : fl->stack_m;

	return stack_matches(fl, d, re, fc, sc, r->stack) ||
	       (r->created_by != GOMEM_GOROUTINE_NONE && frame_matches(fl, d, re, fc, r->created_by));
}

static bool filt_pass(struct filt *fl, const gomem_dump *d, const struct gr_record *r)
{
	const gomem_goroutine_filter *f = fl->f;

	if (f == NULL)
		return true;
	if (!fl->status_ok[r->status])
		return false;
	if (f->min_wait > 0 && d->statuses[r->status].wait < f->min_wait)
		return false;
	if (fl->has_match && !record_hits(fl, d, r, false))
		return false;
	return !(fl->has_exclude && record_hits(fl, d, r, true));
}

/* ---- buckets -------------------------------------------------------------- */

struct bk {
	uint64_t count;
	uint32_t rec_off, nrec, state_off, nstates;
	int64_t wait_min, wait_max;
	uint32_t first, sig;
	uint32_t flags;
};

struct gomem_buckets {
	const gomem_dump *d;
	gomem_similarity sim;
	struct bk *b;
	size_t n;
	uint32_t *recs;
	gomem_bucket_state *states;
	size_t nstates;
	gomem_strpool sigs;
	uint64_t total;
};

static const char *const similarity_names[] = {"exact", "pointers", "args", "functions"};

int gomem_similarity_parse(gomem_similarity *out, const char *word)
{
	if (out == NULL || word == NULL)
		return GOMEM_E_INVALID;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(similarity_names); i++)
		if (strcmp(word, similarity_names[i]) == 0) {
			*out = (gomem_similarity)i;
			return GOMEM_OK;
		}
	if (strcmp(word, "default") == 0) {
		*out = GOMEM_SIMILARITY_POINTERS;
		return GOMEM_OK;
	}
	return GOMEM_E_INVALID;
}

const char *gomem_similarity_name(gomem_similarity s)
{
	return (unsigned)s < GOMEM_ARRAY_SIZE(similarity_names) ? similarity_names[s] : "?";
}

/* The keys at a level, built bottom up. */
struct keys {
	struct seqtab frames, stacks, buckets;
	uint32_t *frame_class;  /* per frame, UINT32_MAX until computed */
	uint32_t *stack_class;  /* per stack, the same */
	gomem_similarity sim;
};

static void keys_free(struct keys *k)
{
	seqtab_free(&k->frames);
	seqtab_free(&k->stacks);
	seqtab_free(&k->buckets);
	free(k->frame_class);
	free(k->stack_class);
}

/* The runtime's own frames (and the runtime_* functions it links into sync
 * and internal/poll) carry bookkeeping arguments — wait tickets, semaphore
 * addresses — that differ between goroutines parked at the same place. */
static bool runtime_plumbing(const gomem_dump *d, const struct gr_frame *f)
{
	const char *fn = gr_str(d, f->function);

	return strncmp(fn, "runtime.", 8) == 0 || strncmp(fn, "internal/", 9) == 0 ||
	       strncmp(fn, "runtime/internal/", 17) == 0 || strstr(fn, ".runtime_") != NULL;
}

static int frame_class(struct keys *k, const gomem_dump *d, uint32_t fr, uint32_t *out)
{
	const struct gr_frame *f = &d->frames[fr];
	uint32_t key[5] = {f->function, GOMEM_GOROUTINE_NONE, GOMEM_GOROUTINE_NONE, 0, 0};
	int rc;

	if (k->frame_class[fr] != UINT32_MAX) {
		*out = k->frame_class[fr];
		return GOMEM_OK;
	}
	if (k->sim == GOMEM_SIMILARITY_EXACT || (k->sim == GOMEM_SIMILARITY_POINTERS && !runtime_plumbing(d, f)))
		key[1] = f->args;
	if (k->sim <= GOMEM_SIMILARITY_ARGS) {
		key[2] = f->file;
		key[3] = (uint32_t)f->line;
		key[4] = (uint32_t)((uint64_t)f->line >> 32);
	}
	rc = seqtab_intern(&k->frames, key, 5, out);
	if (rc == GOMEM_OK)
		k->frame_class[fr] = *out;
	return rc;
}

static int stack_class(struct keys *k, const gomem_dump *d, uint32_t st, uint32_t *out)
{
	const struct gr_stack *s = &d->stacks[st];
	uint32_t *seq;
	int rc = GOMEM_OK;

	if (k->stack_class[st] != UINT32_MAX) {
		*out = k->stack_class[st];
		return GOMEM_OK;
	}
	seq = malloc(((size_t)s->n + 2) * sizeof(*seq));
	if (seq == NULL)
		return GOMEM_E_NOMEM;
	seq[0] = s->elided_at;
	seq[1] = (uint32_t)s->elided_count;
	for (size_t i = 0; i < s->n && rc == GOMEM_OK; i++)
		rc = frame_class(k, d, d->stack_frames[s->off + i], &seq[i + 2]);
	if (rc == GOMEM_OK)
		rc = seqtab_intern(&k->stacks, seq, (size_t)s->n + 2, out);
	free(seq);
	if (rc == GOMEM_OK)
		k->stack_class[st] = *out;
	return rc;
}

static int record_key(struct keys *k, const gomem_dump *d, const struct gr_record *r, uint32_t *out)
{
	uint32_t key[5] = {0, GOMEM_GOROUTINE_NONE, GOMEM_GOROUTINE_NONE, 0, 0};
	int rc = stack_class(k, d, r->stack, &key[0]);

	if (rc)
		return rc;
	if (r->created_by != GOMEM_GOROUTINE_NONE) {
		const struct gr_frame *c = &d->frames[r->created_by];

		key[1] = c->function;
		if (k->sim == GOMEM_SIMILARITY_EXACT) {
			key[2] = c->file;
			key[3] = (uint32_t)c->line;
		}
	}
	if (k->sim == GOMEM_SIMILARITY_EXACT) {
		key[3] ^= (uint32_t)r->exact;
		key[4] = (uint32_t)(r->exact >> 32);
	}
	return seqtab_intern(&k->buckets, key, 5, out);
}

static void sig_frame(gomem_buf *b, const gomem_dump *d, const struct gr_frame *f,
		      gomem_similarity sim)
{
	gomem_buf_append(b, gr_str(d, f->function), gr_strlen(d, f->function));
	if (sim == GOMEM_SIMILARITY_EXACT || (sim == GOMEM_SIMILARITY_POINTERS && !runtime_plumbing(d, f))) {
		gomem_buf_append(b, "(", 1);
		gomem_buf_append(b, gr_str(d, f->args), gr_strlen(d, f->args));
		gomem_buf_append(b, ")", 1);
	}
	if (sim <= GOMEM_SIMILARITY_ARGS)
		gomem_buf_printf(b, " %s:%" PRId64, gr_str(d, f->file), f->line);
	gomem_buf_append(b, "\n", 1);
}

/* Leaf first, one frame a line, then the created-by site: readable, and
 * equal across dumps exactly when the bucket keys are. */
static int signature(gomem_buckets *bs, const struct gr_record *r, uint32_t *out)
{
	const gomem_dump *d = bs->d;
	const struct gr_stack *s = &d->stacks[r->stack];
	gomem_buf b;
	int rc;

	gomem_buf_init(&b, SIGNATURE_MAX);
	for (size_t i = 0; i < s->n; i++) {
		if (i == s->elided_at)
			gomem_buf_printf(&b, "...%" PRId64 " frames elided...\n", s->elided_count);
		sig_frame(&b, d, &d->frames[d->stack_frames[s->off + i]], bs->sim);
	}
	if (s->elided_at == s->n)
		gomem_buf_printf(&b, "...%" PRId64 " frames elided...\n", s->elided_count);
	if (r->created_by != GOMEM_GOROUTINE_NONE) {
		const struct gr_frame *c = &d->frames[r->created_by];

		gomem_buf_printf(&b, "created by %s", gr_str(d, c->function));
		if (bs->sim == GOMEM_SIMILARITY_EXACT)
			gomem_buf_printf(&b, " %s:%" PRId64, gr_str(d, c->file), c->line);
		gomem_buf_append(&b, "\n", 1);
	}
	if (bs->sim == GOMEM_SIMILARITY_EXACT && r->exact)
		gomem_buf_printf(&b, "args %016" PRIx64 "\n", r->exact);
	rc = gomem_strpool_add(&bs->sigs, b.data ? b.data : "", b.len, out);
	gomem_buf_free(&b);
	return rc;
}

static int cmp_state(const void *a, const void *b, void *ctx)
{
	const gomem_bucket_state *x = a, *y = b;

	(void)ctx;
	return x->count != y->count ? (x->count < y->count ? 1 : -1) : 0;
}

/* A bucket's states, wait range and flags, from its member records. */
static int bucket_details(gomem_buckets *bs, struct bk *k, size_t *states_cap)
{
	const gomem_dump *d = bs->d;
	int rc;

	k->state_off = (uint32_t)bs->nstates;
	k->nstates = 0;
	k->wait_min = k->wait_max = -1;
	for (size_t j = 0; j < k->nrec; j++) {
		const struct gr_record *r = &d->records[bs->recs[k->rec_off + j]];
		const struct gr_status *st = &d->statuses[r->status];
		const char *name = gr_str(d, st->state);
		size_t i;

		k->flags |= r->flags | st->flags;
		if (st->wait >= 0) {
			k->wait_min = k->wait_min < 0 || st->wait < k->wait_min ? st->wait : k->wait_min;
			k->wait_max = st->wait > k->wait_max ? st->wait : k->wait_max;
		}
		for (i = k->state_off; i < bs->nstates; i++)
			if (bs->states[i].state == name)
				break;
		if (i == bs->nstates) {
			rc = GOMEM_GROW(bs->states, *states_cap, bs->nstates + 1, (size_t)UINT32_MAX);
			if (rc)
				return rc;
			bs->states[bs->nstates++] = (gomem_bucket_state){name, 0};
			k->nstates++;
		}
		bs->states[i].count += r->count;
	}
	return gomem_sort(bs->states + k->state_off, k->nstates, sizeof(*bs->states), cmp_state, NULL);
}

static int cmp_bucket(const void *a, const void *b, void *ctx)
{
	const struct bk *x = a, *y = b;
	const gomem_buckets *bs = ctx;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(gomem_strpool_get(&bs->sigs, x->sig), gomem_strpool_get(&bs->sigs, y->sig));
}

/* Groups the records that pass FL: keys first, then counting sort into
 * contiguous member lists (one allocation, not one per bucket). */
static int group(gomem_buckets *bs, struct filt *fl, uint64_t min_count)
{
	const gomem_dump *d = bs->d;
	struct keys k = {0};
	uint32_t *of = malloc((d->nrecords + 1) * sizeof(*of));
	size_t nb, states_cap = 0, kept = 0;
	int rc = GOMEM_OK;

	k.sim = bs->sim;
	k.frame_class = malloc((d->nframes + 1) * sizeof(uint32_t));
	k.stack_class = malloc((d->nstacks + 1) * sizeof(uint32_t));
	if (of == NULL || k.frame_class == NULL || k.stack_class == NULL) {
		rc = GOMEM_E_NOMEM;
		goto out;
	}
	memset(k.frame_class, 0xff, (d->nframes + 1) * sizeof(uint32_t));
	memset(k.stack_class, 0xff, (d->nstacks + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < d->nrecords && rc == GOMEM_OK; i++)
		if (filt_pass(fl, d, &d->records[i]))
			rc = record_key(&k, d, &d->records[i], &of[i]);
		else
			of[i] = UINT32_MAX;
	nb = k.buckets.nent;
	if (rc || (rc = GOMEM_E_NOMEM, (bs->b = calloc(nb + 1, sizeof(*bs->b))) == NULL) ||
	    (bs->recs = malloc((d->nrecords + 1) * sizeof(*bs->recs))) == NULL)
		goto out;
	rc = GOMEM_OK;
	for (size_t i = 0; i < d->nrecords; i++)
		if (of[i] != UINT32_MAX) {
			bs->b[of[i]].nrec++;
			bs->b[of[i]].count += d->records[i].count;
		}
	for (size_t j = 0, off = 0; j < nb; j++) {
		bs->b[j].rec_off = (uint32_t)off;
		off += bs->b[j].nrec;
		bs->b[j].nrec = 0;
	}
	for (size_t i = 0; i < d->nrecords; i++)
		if (of[i] != UINT32_MAX) {
			struct bk *b = &bs->b[of[i]];

			bs->recs[b->rec_off + b->nrec++] = (uint32_t)i;
		}
	for (size_t j = 0; j < nb && rc == GOMEM_OK; j++) {
		struct bk *b = &bs->b[j];

		if (b->count < min_count || b->nrec == 0)
			continue;
		b->first = bs->recs[b->rec_off];
		rc = signature(bs, &d->records[b->first], &b->sig);
		if (rc == GOMEM_OK)
			rc = bucket_details(bs, b, &states_cap);
		bs->total += b->count;
		bs->b[kept++] = *b;
	}
	bs->n = kept;
	if (rc == GOMEM_OK)
		rc = gomem_sort(bs->b, bs->n, sizeof(*bs->b), cmp_bucket, bs);
out:
	free(of);
	keys_free(&k);
	return rc;
}

int gomem_buckets_new(gomem_buckets **out, const gomem_dump *d, const gomem_bucket_options *opts,
		      gomem_error *err)
{
	gomem_buckets *bs;
	struct filt fl;
	int rc;

	if (out == NULL || d == NULL)
		return gomem_error_set(err, GOMEM_E_INVALID, "no dump to group");
	*out = NULL;
	if (opts && opts->version != GOMEM_BUCKET_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "unknown bucket options version %u", opts->version);
	if (opts && (unsigned)opts->similarity > GOMEM_SIMILARITY_FUNCTIONS)
		return gomem_error_set(err, GOMEM_E_INVALID, "unknown similarity %d", (int)opts->similarity);
	bs = calloc(1, sizeof(*bs));
	if (bs == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	bs->d = d;
	bs->sim = opts ? opts->similarity : GOMEM_SIMILARITY_POINTERS;
	rc = filt_init(&fl, d, opts ? opts->filter : NULL, err);
	if (rc == GOMEM_OK) {
		rc = group(bs, &fl, opts && opts->filter ? opts->filter->min_count : 0);
		if (rc)
			gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	}
	filt_free(&fl);
	if (rc) {
		gomem_buckets_free(bs);
		return rc;
	}
	*out = bs;
	return GOMEM_OK;
}

size_t gomem_buckets_count(const gomem_buckets *b)
{
	return b ? b->n : 0;
}

uint64_t gomem_buckets_total(const gomem_buckets *b)
{
	return b ? b->total : 0;
}

const gomem_dump *gomem_buckets_dump(const gomem_buckets *b)
{
	return b ? b->d : NULL;
}

int gomem_buckets_get(gomem_bucket *out, const gomem_buckets *bs, size_t i)
{
	const struct bk *k;
	const struct gr_record *r;

	if (out == NULL || bs == NULL || i >= bs->n)
		return GOMEM_E_INVALID;
	k = &bs->b[i];
	r = &bs->d->records[k->first];
	out->count = k->count;
	out->nrecords = k->nrec;
	out->records = bs->recs + k->rec_off;
	out->states = bs->states + k->state_off;
	out->nstates = k->nstates;
	out->state = k->nstates ? out->states[0].state : "";
	out->wait_min = k->wait_min;
	out->wait_max = k->wait_max;
	out->stack = r->stack;
	out->created_by = r->created_by;
	out->folded = gr_str(bs->d, bs->d->stacks[r->stack].folded);
	out->signature = gomem_strpool_get(&bs->sigs, k->sig);
	out->flags = k->flags;
	return GOMEM_OK;
}

void gomem_buckets_free(gomem_buckets *b)
{
	if (b == NULL)
		return;
	free(b->b);
	free(b->recs);
	free(b->states);
	gomem_strpool_free(&b->sigs);
	free(b);
}

/* ---- summary -------------------------------------------------------------- */

struct gomem_summary {
	uint64_t total;
	gomem_summary_state *states;
	size_t nstates;
	gomem_buckets *buckets;
	gomem_summary_group *packages, *creators;
	size_t npackages, ncreators;
	uint32_t *waiting;
	size_t nwaiting;
};

int64_t gomem_wait_class_min(gomem_wait_class c)
{
	static const int64_t mins[GOMEM_WAIT_CLASSES] = {0, 1, 5, 15, 60};

	return (unsigned)c < GOMEM_WAIT_CLASSES ? mins[c] : 0;
}

static gomem_wait_class wait_class(int64_t w)
{
	if (w < 1)
		return GOMEM_WAIT_NONE;
	return w < 5 ? GOMEM_WAIT_1_4 : w < 15 ? GOMEM_WAIT_5_14 : w < 60 ? GOMEM_WAIT_15_59
									   : GOMEM_WAIT_60_PLUS;
}

static int cmp_sstate(const void *a, const void *b, void *ctx)
{
	const gomem_summary_state *x = a, *y = b;

	(void)ctx;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->state, y->state);
}

static int cmp_group(const void *a, const void *b, void *ctx)
{
	const gomem_summary_group *x = a, *y = b;
	int c;

	(void)ctx;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	c = strcmp(x->name, y->name);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Adds COUNT to the group keyed by KEY (via T), creating it from PROTO. */
static int group_add(struct seqtab *t, gomem_summary_group **arr, size_t *n, size_t *cap,
		     const uint32_t *key, size_t klen, const gomem_summary_group *proto, uint64_t count)
{
	uint32_t id;
	int rc = seqtab_intern(t, key, klen, &id);

	if (rc)
		return rc;
	if (id == *n) {
		rc = GOMEM_GROW(*arr, *cap, *n + 1, (size_t)UINT32_MAX);
		if (rc)
			return rc;
		(*arr)[(*n)++] = *proto;
	}
	(*arr)[id].count += count;
	return GOMEM_OK;
}

/* The package of the leafmost frame that is not the runtime's plumbing;
 * the id of "" (0) for no stack at all, NONE for the runtime's alone. */
static uint32_t stack_package(const gomem_dump *d, uint32_t st)
{
	const struct gr_stack *s = &d->stacks[st];

	if (s->n == 0)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct gr_frame *f = &d->frames[d->stack_frames[s->off + i]];
		const char *pkg = gr_str(d, f->package);

		if (strcmp(pkg, "runtime") != 0 && strncmp(pkg, "runtime/internal/", 17) != 0 &&
		    strncmp(pkg, "internal/", 9) != 0 && *pkg)
			return f->package;
	}
	return GOMEM_GOROUTINE_NONE;
}

struct sum_build {
	struct seqtab pk, cr;
	size_t pcap, ccap, scap;
	size_t top;
};

static int sum_states(gomem_summary *s, const gomem_dump *d, const struct gr_record *r, size_t *cap)
{
	const struct gr_status *st = &d->statuses[r->status];
	const char *name = gr_str(d, st->state);
	size_t i;

	for (i = 0; i < s->nstates; i++)
		if (s->states[i].state == name)
			break;
	if (i == s->nstates) {
		int rc = GOMEM_GROW(s->states, *cap, s->nstates + 1, (size_t)UINT32_MAX);

		if (rc)
			return rc;
		s->states[s->nstates++] = (gomem_summary_state){.state = name, .wait_max = -1};
	}
	s->states[i].count += r->count;
	s->states[i].wait[wait_class(st->wait)] += r->count;
	if (st->wait > s->states[i].wait_max)
		s->states[i].wait_max = st->wait;
	return GOMEM_OK;
}

static void sum_waiting(gomem_summary *s, const gomem_dump *d, uint32_t ri, size_t top)
{
	int64_t w = d->statuses[d->records[ri].status].wait;
	size_t i;

	if (w < 0)
		return;
	for (i = s->nwaiting; i > 0 && d->statuses[d->records[s->waiting[i - 1]].status].wait < w; i--)
		if (i < top)
			s->waiting[i] = s->waiting[i - 1];
	if (i < top) {
		s->waiting[i] = ri;
		if (s->nwaiting < top)
			s->nwaiting++;
	}
}

static int sum_record(gomem_summary *s, struct sum_build *sb, const gomem_dump *d, uint32_t ri)
{
	const struct gr_record *r = &d->records[ri];
	uint32_t pkg = stack_package(d, r->stack);
	gomem_summary_group g = {0};
	int rc = sum_states(s, d, r, &sb->scap);

	if (rc)
		return rc;
	g.name = pkg == GOMEM_GOROUTINE_NONE ? "runtime" : gr_str(d, pkg);
	g.file = "";
	rc = group_add(&sb->pk, &s->packages, &s->npackages, &sb->pcap, &pkg, 1, &g, r->count);
	if (rc)
		return rc;
	if (r->created_by != GOMEM_GOROUTINE_NONE) {
		const struct gr_frame *c = &d->frames[r->created_by];
		uint32_t key[3] = {c->function, c->file, (uint32_t)c->line};

		g = (gomem_summary_group){gr_str(d, c->function), gr_str(d, c->file), c->line, 0};
		rc = group_add(&sb->cr, &s->creators, &s->ncreators, &sb->ccap, key, 3, &g, r->count);
	} else {
		uint32_t key[3] = {GOMEM_GOROUTINE_NONE, 0, 0};

		g = (gomem_summary_group){"", "", 0, 0};
		rc = group_add(&sb->cr, &s->creators, &s->ncreators, &sb->ccap, key, 3, &g, r->count);
	}
	sum_waiting(s, d, ri, sb->top);
	return rc;
}

static int summarise(gomem_summary *s, const gomem_dump *d, size_t top)
{
	const gomem_buckets *bs = s->buckets;
	struct sum_build sb = {0};
	int rc = GOMEM_OK;

	sb.top = top;
	s->waiting = malloc(top * sizeof(*s->waiting));
	if (s->waiting == NULL)
		return GOMEM_E_NOMEM;
	/* The buckets already hold exactly the filtered records. */
	for (size_t b = 0; b < bs->n && rc == GOMEM_OK; b++)
		for (size_t j = 0; j < bs->b[b].nrec && rc == GOMEM_OK; j++)
			rc = sum_record(s, &sb, d, bs->recs[bs->b[b].rec_off + j]);
	s->total = bs->total;
	if (rc == GOMEM_OK)
		rc = gomem_sort(s->states, s->nstates, sizeof(*s->states), cmp_sstate, NULL);
	if (rc == GOMEM_OK)
		rc = gomem_sort(s->packages, s->npackages, sizeof(*s->packages), cmp_group, NULL);
	if (rc == GOMEM_OK)
		rc = gomem_sort(s->creators, s->ncreators, sizeof(*s->creators), cmp_group, NULL);
	seqtab_free(&sb.pk);
	seqtab_free(&sb.cr);
	return rc;
}

int gomem_summary_new(gomem_summary **out, const gomem_dump *d, const gomem_summary_options *opts,
		      gomem_error *err)
{
	gomem_bucket_options bo = GOMEM_BUCKET_OPTIONS_INIT;
	gomem_goroutine_filter nomin;
	gomem_summary *s;
	int rc;

	if (out == NULL || d == NULL)
		return gomem_error_set(err, GOMEM_E_INVALID, "no dump to summarise");
	*out = NULL;
	if (opts && opts->version != GOMEM_SUMMARY_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "unknown summary options version %u", opts->version);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	if (opts) {
		bo.similarity = opts->similarity;
		bo.filter = opts->filter;
	}
	/* min_count is about buckets: the totals still count every goroutine. */
	if (bo.filter && bo.filter->min_count) {
		nomin = *bo.filter;
		nomin.min_count = 0;
		bo.filter = &nomin;
	}
	rc = gomem_buckets_new(&s->buckets, d, &bo, err);
	if (rc == GOMEM_OK) {
		rc = summarise(s, d, opts && opts->top_waiting ? opts->top_waiting : 10);
		if (rc)
			gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	}
	if (rc == GOMEM_OK && opts && opts->filter && opts->filter->min_count) {
		gomem_buckets_free(s->buckets);
		bo.filter = opts->filter;
		rc = gomem_buckets_new(&s->buckets, d, &bo, err);
	}
	if (rc) {
		gomem_summary_free(s);
		return rc;
	}
	*out = s;
	return GOMEM_OK;
}

uint64_t gomem_summary_total(const gomem_summary *s)
{
	return s ? s->total : 0;
}

size_t gomem_summary_state_count(const gomem_summary *s)
{
	return s ? s->nstates : 0;
}

const gomem_summary_state *gomem_summary_state_get(const gomem_summary *s, size_t i)
{
	return s && i < s->nstates ? &s->states[i] : NULL;
}

const gomem_buckets *gomem_summary_buckets(const gomem_summary *s)
{
	return s ? s->buckets : NULL;
}

size_t gomem_summary_package_count(const gomem_summary *s)
{
	return s ? s->npackages : 0;
}

const gomem_summary_group *gomem_summary_package_get(const gomem_summary *s, size_t i)
{
	return s && i < s->npackages ? &s->packages[i] : NULL;
}

size_t gomem_summary_creator_count(const gomem_summary *s)
{
	return s ? s->ncreators : 0;
}

const gomem_summary_group *gomem_summary_creator_get(const gomem_summary *s, size_t i)
{
	return s && i < s->ncreators ? &s->creators[i] : NULL;
}

const uint32_t *gomem_summary_longest_waiting(const gomem_summary *s, size_t *n)
{
	if (n)
		*n = s ? s->nwaiting : 0;
	return s ? s->waiting : NULL;
}

void gomem_summary_free(gomem_summary *s)
{
	if (s == NULL)
		return;
	free(s->states);
	gomem_buckets_free(s->buckets);
	free(s->packages);
	free(s->creators);
	free(s->waiting);
	free(s);
}

/* ---- diff ----------------------------------------------------------------- */

struct gomem_dump_diff {
	gomem_buckets *before, *after;
	gomem_diff_entry *e;
	size_t n;
	uint64_t leak_growth;
};

bool gomem_goroutine_state_is_blocked(const char *state)
{
	static const char *const parks[] = {
		"chan receive", "chan send", "select", "IO wait", "semacquire", "sync.Cond.Wait",
		"sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
		"sleep on a nil chan", "chan receive (nil chan)", "chan send (nil chan)",
	};

	if (state == NULL)
		return false;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(parks); i++) {
		size_t n = strlen(parks[i]);

		/* "(durable)", "(synctest)", "(no cases)" suffixes still park */
		if (strncmp(state, parks[i], n) == 0 && (state[n] == '\0' || state[n] == ' '))
			return true;
	}
	return false;
}

const char *gomem_diff_kind_name(gomem_diff_kind k)
{
	static const char *const names[] = {"same", "grew", "shrank", "new", "vanished"};

	return (unsigned)k < GOMEM_ARRAY_SIZE(names) ? names[k] : "?";
}

static int cmp_entry(const void *a, const void *b, void *ctx)
{
	const gomem_diff_entry *x = a, *y = b;

	(void)ctx;
	if (x->delta != y->delta)
		return x->delta < y->delta ? 1 : -1;
	return strcmp(x->signature, y->signature);
}

static void entry_fill(gomem_diff_entry *e, const gomem_bucket *bb, const gomem_bucket *ab,
		       int64_t leak_min_wait)
{
	const gomem_bucket *main = ab ? ab : bb;

	e->before = bb ? bb->count : 0;
	e->after = ab ? ab->count : 0;
	e->delta = (int64_t)e->after - (int64_t)e->before;
	e->kind = !bb ? GOMEM_DIFF_NEW : !ab ? GOMEM_DIFF_VANISHED : e->delta > 0 ? GOMEM_DIFF_GREW
		: e->delta < 0 ? GOMEM_DIFF_SHRANK : GOMEM_DIFF_SAME;
	e->state = main->state;
	e->folded = main->folded;
	e->signature = main->signature;
	e->wait_max = main->wait_max;
	e->leak_suspect = e->delta > 0 && ab && gomem_goroutine_state_is_blocked(ab->state) &&
			  (ab->wait_max < 0 || ab->wait_max >= leak_min_wait);
}

/* Matches AFTER's buckets to BEFORE's by signature through one hash index. */
static int match(gomem_dump_diff *df, const gomem_diff_options *o, uint64_t min_count)
{
	size_t na = df->after->n, nb = df->before->n, cap = 0, mask;
	uint32_t *slots;
	uint8_t *used = calloc(na + 1, 1);
	int rc = GOMEM_OK;

	for (mask = 1; mask < na * 2 + 2; mask <<= 1)
		;
	slots = calloc(mask, sizeof(*slots));
	mask--;
	if (slots == NULL || used == NULL) {
		rc = GOMEM_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < na; i++) {
		const char *sig = gomem_strpool_get(&df->after->sigs, df->after->b[i].sig);
		size_t h = (size_t)gr_hash(sig, strlen(sig), 5) & mask;

		while (slots[h])
			h = (h + 1) & mask;
		slots[h] = (uint32_t)i + 1;
	}
	for (size_t i = 0; i < nb + na && rc == GOMEM_OK; i++) {
		gomem_bucket bb, ab;
		const gomem_bucket *pb = NULL, *pa = NULL;
		size_t ai = (size_t)-1, bi = (size_t)-1;

		if (i < nb) {
			const char *sig;
			size_t h;

			gomem_buckets_get(&bb, df->before, i);
			pb = &bb;
			bi = i;
			sig = bb.signature;
			for (h = (size_t)gr_hash(sig, strlen(sig), 5) & mask; slots[h]; h = (h + 1) & mask)
				if (!used[slots[h] - 1] &&
				    strcmp(gomem_strpool_get(&df->after->sigs, df->after->b[slots[h] - 1].sig), sig) == 0) {
					ai = slots[h] - 1;
					used[ai] = 1;
					gomem_buckets_get(&ab, df->after, ai);
					pa = &ab;
					break;
				}
		} else if (!used[i - nb]) {
			ai = i - nb;
			gomem_buckets_get(&ab, df->after, ai);
			pa = &ab;
		} else {
			continue;
		}
		if ((pb ? pb->count : 0) < min_count && (pa ? pa->count : 0) < min_count)
			continue;
		rc = GOMEM_GROW(df->e, cap, df->n + 1, (size_t)UINT32_MAX);
		if (rc)
			break;
		entry_fill(&df->e[df->n], pb, pa, o->leak_min_wait);
		df->e[df->n].before_bucket = bi;
		df->e[df->n].after_bucket = ai;
		if (df->e[df->n].leak_suspect)
			df->leak_growth += (uint64_t)df->e[df->n].delta;
		df->n++;
	}
	if (rc == GOMEM_OK)
		rc = gomem_sort(df->e, df->n, sizeof(*df->e), cmp_entry, NULL);
out:
	free(slots);
	free(used);
	return rc;
}

int gomem_dump_diff_new(gomem_dump_diff **out, const gomem_dump *before, const gomem_dump *after,
			const gomem_diff_options *opts, gomem_error *err)
{
	gomem_diff_options o = GOMEM_DIFF_OPTIONS_INIT;
	gomem_bucket_options bo = GOMEM_BUCKET_OPTIONS_INIT;
	gomem_goroutine_filter nomin;
	gomem_dump_diff *df;
	int rc;

	if (out == NULL || before == NULL || after == NULL)
		return gomem_error_set(err, GOMEM_E_INVALID, "a diff needs two dumps");
	*out = NULL;
	if (opts && opts->version != GOMEM_DIFF_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "unknown diff options version %u", opts->version);
	if (opts)
		o = *opts;
	bo.similarity = o.similarity;
	if (o.filter) {
		nomin = *o.filter;
		nomin.min_count = 0;
		bo.filter = &nomin;
	}
	df = calloc(1, sizeof(*df));
	if (df == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	rc = gomem_buckets_new(&df->before, before, &bo, err);
	if (rc == GOMEM_OK)
		rc = gomem_buckets_new(&df->after, after, &bo, err);
	if (rc == GOMEM_OK) {
		rc = match(df, &o, o.filter ? o.filter->min_count : 0);
		if (rc)
			gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	}
	if (rc) {
		gomem_dump_diff_free(df);
		return rc;
	}
	*out = df;
	return GOMEM_OK;
}

size_t gomem_dump_diff_count(const gomem_dump_diff *df)
{
	return df ? df->n : 0;
}

const gomem_diff_entry *gomem_dump_diff_get(const gomem_dump_diff *df, size_t i)
{
	return df && i < df->n ? &df->e[i] : NULL;
}

uint64_t gomem_dump_diff_total_before(const gomem_dump_diff *df)
{
	return df ? df->before->total : 0;
}

uint64_t gomem_dump_diff_total_after(const gomem_dump_diff *df)
{
	return df ? df->after->total : 0;
}

uint64_t gomem_dump_diff_leak_growth(const gomem_dump_diff *df)
{
	return df ? df->leak_growth : 0;
}

const gomem_buckets *gomem_dump_diff_before(const gomem_dump_diff *df)
{
	return df ? df->before : NULL;
}

const gomem_buckets *gomem_dump_diff_after(const gomem_dump_diff *df)
{
	return df ? df->after : NULL;
}

void gomem_dump_diff_free(gomem_dump_diff *df)
{
	if (df == NULL)
		return;
	gomem_buckets_free(df->before);
	gomem_buckets_free(df->after);
	free(df->e);
	free(df);
}
