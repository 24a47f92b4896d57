/* SPDX-License-Identifier: Apache-2.0 */
/* goroutine.c — the goroutine-dump parser and model. One line-driven state
 * machine reads every text form Go prints; frames, stacks and statuses are
 * interned by hash as they arrive, so a goroutine costs one flat record and
 * memory follows the number of distinct code paths. Pointer-looking
 * arguments are masked before interning for the same reason (their exact
 * values survive only as a per-record hash). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goroutine-internal.h"

#define DEFAULT_MAX_FRAMES 4096
#define DEFAULT_MAX_LINE (64 * 1024)
#define DEFAULT_MAX_GOROUTINES ((uint64_t)1 << 28)
/* Records kept one per goroutine; past this many, a goroutine equal to one
 * recorded since (same stack, state, creator, labels) is counted on it, so
 * that memory grows with distinct stacks, not with goroutines: a hostile
 * endless body, or a dump of millions, is read in bounded memory. */
#define MERGE_AFTER ((size_t)1 << 20)
#define GO_STACK_LIMIT ((uint64_t)64 << 20) /* runtime/pprof's debug=2 cap */
#define FOLDED_MAX (1u << 20)
#define POINTER_MIN 0x100000u

/* ---- hashing and interning ------------------------------------------------ */

/* memmem is not POSIX. */
static const char *find(const char *s, size_t n, const char *lit, size_t m)
{
	for (const char *e = s + n; m <= (size_t)(e - s); s++) {
		s = memchr(s, lit[0], (size_t)(e - s) - m + 1);
		if (s == NULL)
			return NULL;
		if (memcmp(s, lit, m) == 0)
			return s;
	}
	return NULL;
}

/* Eight bytes a step: the strpool's FNV walks a byte at a time, and hashing
 * is most of what the hot path does. */
uint64_t gr_hash(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *s = data;
	uint64_t h = seed ^ (len * UINT64_C(0x9e3779b97f4a7c15)), v;

	while (len >= 8) {
		memcpy(&v, s, 8);
		h = (h ^ v) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 32;
		s += 8;
		len -= 8;
	}
	v = 0;
	if (len)
		memcpy(&v, s, len);
	h = (h ^ v ^ ((uint64_t)len << 56)) * UINT64_C(0xc4ceb9fe1a85ec53);
	return h ^ (h >> 29);
}

static int slots_grow(uint32_t **slots, size_t *cap, size_t count, const uint32_t *hashes,
		      size_t stride)
{
	size_t ncap = *cap ? *cap * 2 : 256, mask = ncap - 1;
	uint32_t *ns;

	if ((count + 1) * 2 <= *cap)
		return GOMEM_OK;
	ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL)
		return GOMEM_E_NOMEM;
	for (size_t id = 0; id < count; id++) {
		size_t i = *(const uint32_t *)((const char *)hashes + id * stride) & mask;

		while (ns[i])
			i = (i + 1) & mask;
		ns[i] = (uint32_t)id + 1;
	}
	free(*slots);
	*slots = ns;
	*cap = ncap;
	return GOMEM_OK;
}

int gr_intern(struct gr_strtab *t, const char *s, size_t len, uint32_t *id)
{
	uint32_t h = (uint32_t)gr_hash(s, len, 1);
	size_t mask, i;
	int rc;

	if (len > UINT32_MAX / 2)
		return GOMEM_E_LIMIT;
	rc = slots_grow(&t->slots, &t->slots_cap, t->pool.count, t->hashes, sizeof(uint32_t));
	if (rc)
		return rc;
	mask = t->slots_cap - 1;
	for (i = h & mask; t->slots[i]; i = (i + 1) & mask) {
		uint32_t c = t->slots[i] - 1;

		if (t->hashes[c] == h && t->pool.strs[c].len == len &&
		    memcmp(t->pool.strs[c].s, s, len) == 0) {
			*id = c;
			return GOMEM_OK;
		}
	}
	rc = GOMEM_GROW(t->hashes, t->hashes_cap, t->pool.count + 1, (size_t)UINT32_MAX - 1);
	if (rc == GOMEM_OK)
		rc = gomem_strpool_add(&t->pool, s, len, id);
	if (rc)
		return rc;
	t->hashes[*id] = h;
	t->slots[i] = *id + 1;
	return GOMEM_OK;
}

static void strtab_free(struct gr_strtab *t)
{
	gomem_strpool_free(&t->pool);
	free(t->hashes);
	free(t->slots);
}

/* ---- the model ------------------------------------------------------------ */

static int dump_new(gomem_dump **out, const char *name)
{
	gomem_dump *d = calloc(1, sizeof(*d));
	uint32_t empty;

	*out = NULL;
	if (d == NULL)
		return GOMEM_E_NOMEM;
	d->name = strdup(name ? name : "");
	if (d->name == NULL || gr_intern(&d->str, "", 0, &empty) != GOMEM_OK) {
		gomem_dump_free(d);
		return GOMEM_E_NOMEM;
	}
	d->reason = empty; /* id 0 is "" */
	*out = d;
	return GOMEM_OK;
}

void gomem_dump_free(gomem_dump *d)
{
	if (d == NULL)
		return;
	free(d->name);
	strtab_free(&d->str);
	free(d->frames);
	free(d->frame_slots);
	free(d->stack_frames);
	free(d->stacks);
	free(d->stack_slots);
	free(d->statuses);
	free(d->records);
	free(d->warnings);
	free(d);
}

/* The import path part of a Go symbol: up to the first '.' after the last
 * '/' (generic brackets may hold slashes of their own). */
static size_t package_len(const char *s, size_t n)
{
	const char *br = memchr(s, '[', n);
	size_t lim = br ? (size_t)(br - s) : n, slash = 0;

	for (size_t i = 0; i < lim; i++)
		if (s[i] == '/')
			slash = i + 1;
	for (size_t i = slash; i < lim; i++)
		if (s[i] == '.')
			return i;
	return 0;
}

struct frame_key {
	const char *fn, *args, *file;
	size_t fnlen, argslen, filelen;
	int64_t line, pc_offset;
	uint32_t flags;
};

static uint32_t frame_hash(const struct frame_key *k)
{
	uint64_t h = gr_hash(k->fn, k->fnlen, 7);

	h = gr_hash(k->args, k->argslen, h);
	h = gr_hash(k->file, k->filelen, h);
	h ^= (uint64_t)k->line * UINT64_C(0x9e3779b97f4a7c15);
	h ^= (uint64_t)k->pc_offset * UINT64_C(0xc2b2ae3d27d4eb4f) + k->flags;
	return (uint32_t)(h ^ (h >> 32));
}

static bool str_eq(const gomem_dump *d, uint32_t id, const char *s, size_t n)
{
	return gr_strlen(d, id) == n && memcmp(gr_str(d, id), s, n) == 0;
}

static bool frame_eq(const gomem_dump *d, const struct gr_frame *f, const struct frame_key *k)
{
	return f->line == k->line && f->pc_offset == k->pc_offset && f->flags == k->flags &&
	       str_eq(d, f->function, k->fn, k->fnlen) && str_eq(d, f->args, k->args, k->argslen) &&
	       str_eq(d, f->file, k->file, k->filelen);
}

static int frame_add(gomem_dump *d, const struct frame_key *k, uint32_t h, uint32_t *id)
{
	struct gr_frame f = {0};
	int rc;

	f.line = k->line;
	f.pc_offset = k->pc_offset;
	f.flags = k->flags;
	f.hash = h;
	if ((rc = gr_intern(&d->str, k->fn, k->fnlen, &f.function)) ||
	    (rc = gr_intern(&d->str, k->fn, package_len(k->fn, k->fnlen), &f.package)) ||
	    (rc = gr_intern(&d->str, k->args, k->argslen, &f.args)) ||
	    (rc = gr_intern(&d->str, k->file, k->filelen, &f.file)))
		return rc;
	rc = GOMEM_GROW(d->frames, d->frames_cap, d->nframes + 1, (size_t)UINT32_MAX - 1);
	if (rc)
		return rc;
	*id = (uint32_t)d->nframes;
	d->frames[d->nframes++] = f;
	return GOMEM_OK;
}

static int frame_intern(gomem_dump *d, const struct frame_key *k, uint32_t *id)
{
	uint32_t h = frame_hash(k);
	size_t mask, i;
	int rc = slots_grow(&d->frame_slots, &d->frame_slots_cap, d->nframes,
			    d->frames ? &d->frames[0].hash : NULL, sizeof(struct gr_frame));

	if (rc)
		return rc;
	mask = d->frame_slots_cap - 1;
	for (i = h & mask; d->frame_slots[i]; i = (i + 1) & mask) {
		const struct gr_frame *f = &d->frames[d->frame_slots[i] - 1];

		if (f->hash == h && frame_eq(d, f, k)) {
			*id = d->frame_slots[i] - 1;
			return GOMEM_OK;
		}
	}
	rc = frame_add(d, k, h, id);
	if (rc == GOMEM_OK)
		d->frame_slots[i] = *id + 1;
	return rc;
}

static bool is_runtime_fn(const gomem_dump *d, uint32_t fn)
{
	const char *s = gr_str(d, fn);

	return strncmp(s, "runtime.", 8) == 0 || strncmp(s, "runtime/internal/", 17) == 0 ||
	       strncmp(s, "internal/", 9) == 0;
}

static int stack_add(gomem_dump *d, const uint32_t *fr, size_t n, uint32_t elided_at,
		     int64_t elided_count, uint32_t h, uint32_t *id)
{
	struct gr_stack s = {0};
	int rc = GOMEM_GROW(d->stack_frames, d->stack_frames_cap, d->nstack_frames + n,
			    (size_t)UINT32_MAX - 1);

	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(d->stacks, d->stacks_cap, d->nstacks + 1, (size_t)UINT32_MAX - 1);
	if (rc)
		return rc;
	s.off = (uint32_t)d->nstack_frames;
	s.n = (uint32_t)n;
	s.elided_at = elided_at;
	s.elided_count = elided_count;
	s.hash = h;
	s.all_runtime = n > 0;
	for (size_t i = 0; i < n; i++) {
		d->stack_frames[d->nstack_frames++] = fr[i];
		if (!is_runtime_fn(d, d->frames[fr[i]].function))
			s.all_runtime = false;
	}
	*id = (uint32_t)d->nstacks;
	d->stacks[d->nstacks++] = s;
	return GOMEM_OK;
}

static int stack_intern(gomem_dump *d, const uint32_t *fr, size_t n, uint32_t elided_at,
			int64_t elided_count, uint32_t *id)
{
	uint64_t h64 = gr_hash(fr, n * sizeof(*fr), (uint64_t)elided_at ^ ((uint64_t)elided_count << 32));
	uint32_t h = (uint32_t)(h64 ^ (h64 >> 32));
	size_t mask, i;
	int rc = slots_grow(&d->stack_slots, &d->stack_slots_cap, d->nstacks,
			    d->stacks ? &d->stacks[0].hash : NULL, sizeof(struct gr_stack));

	if (rc)
		return rc;
	mask = d->stack_slots_cap - 1;
	for (i = h & mask; d->stack_slots[i]; i = (i + 1) & mask) {
		const struct gr_stack *s = &d->stacks[d->stack_slots[i] - 1];

		if (s->hash == h && s->n == n && s->elided_at == elided_at &&
		    s->elided_count == elided_count &&
		    (n == 0 || memcmp(d->stack_frames + s->off, fr, n * sizeof(*fr)) == 0)) {
			*id = d->stack_slots[i] - 1;
			return GOMEM_OK;
		}
	}
	rc = stack_add(d, fr, n, elided_at, elided_count, h, id);
	if (rc == GOMEM_OK)
		d->stack_slots[i] = *id + 1;
	return rc;
}

/* "chan receive, 5 minutes, locked to thread": state up to the first comma,
 * then the annotations Go appends. */
static int status_parse(gomem_dump *d, uint32_t text, struct gr_status *st)
{
	const char *s = gr_str(d, text), *e = s + gr_strlen(d, text);
	const char *comma = memchr(s, ',', (size_t)(e - s)), *se = comma ? comma : e;

	st->text = text;
	st->wait = -1;
	st->flags = 0;
	while (se > s && se[-1] == ' ')
		se--;
	if (find(s, (size_t)(se - s), "(durable)", 9))
		st->flags |= GOMEM_GOROUTINE_DURABLE;
	if (find(s, (size_t)(se - s), "(synctest)", 10))
		st->flags |= GOMEM_GOROUTINE_BUBBLE;
	while (comma) {
		const char *p = comma + 1, *q;

		while (p < e && *p == ' ')
			p++;
		comma = p < e ? memchr(p, ',', (size_t)(e - p)) : NULL;
		q = comma ? comma : e;
		if (p < q && isdigit((unsigned char)*p) && find(p, (size_t)(q - p), " minute", 7))
			st->wait = strtoll(p, NULL, 10);
		else if ((size_t)(q - p) >= 16 && memcmp(p, "locked to thread", 16) == 0)
			st->flags |= GOMEM_GOROUTINE_LOCKED;
		else if ((size_t)(q - p) >= 8 && memcmp(p, "synctest", 8) == 0)
			st->flags |= GOMEM_GOROUTINE_BUBBLE;
	}
	return gr_intern(&d->str, s, (size_t)(se - s), &st->state);
}

static int warn(gomem_dump *d, uint64_t line, uint64_t offset, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int warn(gomem_dump *d, uint64_t line, uint64_t offset, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int rc;

	if (d->nwarnings >= 1000)
		return GOMEM_OK; /* the first thousand tell the story */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rc = GOMEM_GROW(d->warnings, d->warnings_cap, d->nwarnings + 1, 1000);
	if (rc)
		return rc;
	d->warnings[d->nwarnings].line = line;
	d->warnings[d->nwarnings].offset = offset;
	rc = gr_intern(&d->str, msg, strlen(msg), &d->warnings[d->nwarnings].message);
	if (rc == GOMEM_OK)
		d->nwarnings++;
	return rc;
}

/* Root first, ';' between: what flame-graph tools read. Capped, since a
 * hostile stack of long names could otherwise ask for gigabytes. */
static int stacks_fold(gomem_dump *d)
{
	gomem_buf b;
	int rc = GOMEM_OK;

	gomem_buf_init(&b, FOLDED_MAX + 1);
	for (size_t i = 0; i < d->nstacks && rc == GOMEM_OK; i++) {
		struct gr_stack *s = &d->stacks[i];

		b.len = 0;
		for (size_t j = s->n; j-- > 0;) {
			uint32_t fn = d->frames[d->stack_frames[s->off + j]].function;
			size_t n = gr_strlen(d, fn);

			if (b.len + n + 1 > FOLDED_MAX)
				break;
			if (b.len)
				gomem_buf_append(&b, ";", 1);
			gomem_buf_append(&b, gr_str(d, fn), n);
		}
		rc = gomem_strpool_add(&d->str.pool, b.data ? b.data : "", b.len, &s->folded);
		if (rc == GOMEM_OK)
			rc = GOMEM_GROW(d->str.hashes, d->str.hashes_cap, d->str.pool.count,
					(size_t)UINT32_MAX - 1);
		if (rc == GOMEM_OK)
			d->str.hashes[s->folded] = 0; /* not interned: never looked up */
	}
	gomem_buf_free(&b);
	return rc;
}

/* ---- accessors ------------------------------------------------------------ */

gomem_dump_format gomem_dump_format_of(const gomem_dump *d)
{
	return d ? d->format : GOMEM_DUMP_UNKNOWN;
}

const char *gomem_dump_format_name(gomem_dump_format f)
{
	static const char *const names[] = {"unknown", "debug=2", "debug=1", "debug=0", "traceback"};

	return (unsigned)f < GOMEM_ARRAY_SIZE(names) ? names[f] : "unknown";
}

const char *gomem_dump_name(const gomem_dump *d)
{
	return d ? d->name : "";
}

const char *gomem_dump_reason(const gomem_dump *d)
{
	return d ? gr_str(d, d->reason) : "";
}

bool gomem_dump_has_states(const gomem_dump *d)
{
	if (d == NULL)
		return false;
	for (size_t i = 0; i < d->nrecords; i++)
		if (gr_strlen(d, d->statuses[d->records[i].status].text) > 0)
			return true;
	return false;
}

size_t gomem_dump_count(const gomem_dump *d)
{
	return d ? d->nrecords : 0;
}

uint64_t gomem_dump_total(const gomem_dump *d)
{
	return d ? d->total : 0;
}

int gomem_dump_goroutine(gomem_goroutine *out, const gomem_dump *d, size_t i)
{
	const struct gr_record *r;
	const struct gr_status *st;

	if (out == NULL || d == NULL || i >= d->nrecords)
		return GOMEM_E_INVALID;
	r = &d->records[i];
	st = &d->statuses[r->status];
	out->id = r->id;
	out->count = r->count;
	out->state = gr_str(d, st->state);
	out->status = gr_str(d, st->text);
	out->wait_minutes = st->wait;
	out->flags = r->flags | st->flags;
	out->stack = r->stack;
	out->created_by = r->created_by;
	out->parent_id = r->parent;
	out->origin_id = r->origin;
	out->labels = gr_str(d, r->labels);
	out->line = r->line;
	out->offset = r->offset;
	return GOMEM_OK;
}

size_t gomem_dump_stack_count(const gomem_dump *d)
{
	return d ? d->nstacks : 0;
}

int gomem_dump_stack(gomem_goroutine_stack *out, const gomem_dump *d, uint32_t stack)
{
	const struct gr_stack *s;

	if (out == NULL || d == NULL || stack >= d->nstacks)
		return GOMEM_E_INVALID;
	s = &d->stacks[stack];
	out->frames = s->n ? d->stack_frames + s->off : NULL;
	out->nframes = s->n;
	out->elided_at = s->elided_at;
	out->elided_count = s->elided_count;
	out->folded = gr_str(d, s->folded);
	return GOMEM_OK;
}

size_t gomem_dump_frame_count(const gomem_dump *d)
{
	return d ? d->nframes : 0;
}

int gomem_dump_frame(gomem_goroutine_frame *out, const gomem_dump *d, uint32_t frame)
{
	const struct gr_frame *f;

	if (out == NULL || d == NULL || frame >= d->nframes)
		return GOMEM_E_INVALID;
	f = &d->frames[frame];
	out->function = gr_str(d, f->function);
	out->package = gr_str(d, f->package);
	out->args = gr_str(d, f->args);
	out->file = gr_str(d, f->file);
	out->line = f->line;
	out->pc_offset = f->pc_offset;
	out->flags = f->flags;
	return GOMEM_OK;
}

size_t gomem_dump_warning_count(const gomem_dump *d)
{
	return d ? d->nwarnings : 0;
}

int gomem_dump_warning_get(gomem_dump_warning *out, const gomem_dump *d, size_t i)
{
	if (out == NULL || d == NULL || i >= d->nwarnings)
		return GOMEM_E_INVALID;
	out->message = gr_str(d, d->warnings[i].message);
	out->line = d->warnings[i].line;
	out->offset = d->warnings[i].offset;
	return GOMEM_OK;
}

/* ---- the parser ----------------------------------------------------------- */

enum mode { M_OUT, M_G, M_D1, M_RACE };

struct gomem_goroutine_parser {
	gomem_dump *d;
	gomem_error err;
	size_t max_frames, max_line;
	uint64_t max_goroutines;

	gomem_buf carry;       /* a line split across chunks */
	size_t carry_dropped;  /* bytes of it beyond max_line */
	gomem_buf json;        /* a docker JSON line, decoded */
	gomem_buf args;        /* masked arguments */
	gomem_buf pend;        /* a function or created-by line awaiting its file line */
	uint64_t offset;       /* of the next line */
	uint64_t lineno;
	uint64_t line_off;     /* of the line being handled */

	enum mode mode;
	bool pend_fn, pend_created, skip_frames, reason_armed;
	bool line_prefixed;    /* the line being handled had a log prefix */
	bool plain_record;     /* the open record's header had none */
	bool base_known;       /* the first frame line's indentation is known */
	size_t base_indent;    /* and is this many blanks */
	uint64_t pend_parent;

	/* the record being read */
	bool open, running_elsewhere;
	struct gr_record rec;
	uint32_t *fr;
	size_t nfr, ring;      /* ring: next slot of the tail half when over max_frames */
	uint64_t dropped;
	uint32_t elided_at;
	int64_t elided_count;

	uint32_t *status_slots; /* string id + 1 -> status, open addressing by id */
	uint32_t *status_keys;
	size_t status_cap;
	uint32_t empty_status;

	uint32_t *merge_slots;  /* past MERGE_AFTER: record index + 1, open addressing */
	size_t merge_cap, merge_used;

	uint64_t garbage, garbage_line, garbage_off;     /* since the last record */
	uint64_t skipped, skipped_line, skipped_off;     /* reported */
	uint64_t cut_lines, cut_line;
	bool this_cut;         /* the line being handled was cut at max_line */
	bool recognised;
	bool finished;
};

static int perr(gomem_goroutine_parser *p, int code, const char *fmt, const char *arg)
{
	return gomem_error_at_line(&p->err, code, p->lineno, 1, fmt, arg);
}

static int status_intern(gomem_goroutine_parser *p, const char *s, size_t n, uint32_t *out)
{
	gomem_dump *d = p->d;
	uint32_t text;
	size_t mask, i;
	int rc = gr_intern(&d->str, s, n, &text);

	if (rc)
		return rc;
	if ((d->nstatuses + 1) * 2 > p->status_cap) {
		size_t ncap = p->status_cap ? p->status_cap * 2 : 64;
		uint32_t *nk = calloc(ncap, sizeof(*nk));

		if (nk == NULL)
			return GOMEM_E_NOMEM;
		for (size_t k = 0; k < d->nstatuses; k++) {
			size_t j = d->statuses[k].text & (ncap - 1);

			while (nk[j])
				j = (j + 1) & (ncap - 1);
			nk[j] = (uint32_t)k + 1;
		}
		free(p->status_slots);
		p->status_slots = nk;
		p->status_cap = ncap;
	}
	mask = p->status_cap - 1;
	for (i = text & mask; p->status_slots[i]; i = (i + 1) & mask)
		if (d->statuses[p->status_slots[i] - 1].text == text) {
			*out = p->status_slots[i] - 1;
			return GOMEM_OK;
		}
	rc = GOMEM_GROW(d->statuses, d->statuses_cap, d->nstatuses + 1, (size_t)1 << 24);
	if (rc == GOMEM_OK)
		rc = status_parse(d, text, &d->statuses[d->nstatuses]);
	if (rc)
		return rc;
	*out = (uint32_t)d->nstatuses++;
	p->status_slots[i] = *out + 1;
	return GOMEM_OK;
}

int gomem_goroutine_parser_new(gomem_goroutine_parser **out, const char *name,
			       const gomem_goroutine_parser_options *opts)
{
	gomem_goroutine_parser *p;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if (opts && opts->version != GOMEM_GOROUTINE_PARSER_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return GOMEM_E_NOMEM;
	p->max_frames = opts && opts->max_frames ? opts->max_frames : DEFAULT_MAX_FRAMES;
	if (p->max_frames < 2)
		p->max_frames = 2;
	p->max_line = opts && opts->max_line ? opts->max_line : DEFAULT_MAX_LINE;
	p->max_goroutines = opts && opts->max_goroutines ? opts->max_goroutines : DEFAULT_MAX_GOROUTINES;
	gomem_buf_init(&p->carry, p->max_line);
	gomem_buf_init(&p->json, p->max_line);
	gomem_buf_init(&p->args, gomem_size_add(gomem_size_mul(p->max_line, 2), 16));
	gomem_buf_init(&p->pend, p->max_line);
	gomem_error_clear(&p->err);
	gomem_error_set_source(&p->err, name ? name : "<input>");
	p->fr = p->max_frames > SIZE_MAX / sizeof(*p->fr) ? NULL : malloc(p->max_frames * sizeof(*p->fr));
	if (p->fr == NULL || dump_new(&p->d, name ? name : "<input>") ||
	    status_intern(p, "", 0, &p->empty_status)) {
		gomem_goroutine_parser_free(p);
		return GOMEM_E_NOMEM;
	}
	*out = p;
	return GOMEM_OK;
}

void gomem_goroutine_parser_free(gomem_goroutine_parser *p)
{
	if (p == NULL)
		return;
	gomem_dump_free(p->d);
	gomem_buf_free(&p->carry);
	gomem_buf_free(&p->json);
	gomem_buf_free(&p->args);
	gomem_buf_free(&p->pend);
	free(p->fr);
	free(p->status_slots);
	free(p->merge_slots);
	free(p);
}

const gomem_error *gomem_goroutine_parser_error(const gomem_goroutine_parser *p)
{
	return p && p->err.code ? &p->err : NULL;
}

/* ---- small scanners ------------------------------------------------------- */

/* ASCII classes, not <ctype.h>'s: no locale lookup on the hot path. */
static inline bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Copies N bytes of S into B, which a caller sized beforehand; B stays a
 * C string. */
static inline void buf_put(gomem_buf *b, const char *s, size_t n)
{
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_sp(const char *s, const char *e)
{
	while (s < e && is_sp(*s))
		s++;
	return s;
}

static bool starts(const char *s, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - s) >= n && memcmp(s, lit, n) == 0;
}

static bool parse_u64(const char **ps, const char *e, uint64_t *v)
{
	const char *s = *ps;
	uint64_t x = 0;

	if (s >= e || !isdigit((unsigned char)*s))
		return false;
	for (; s < e && isdigit((unsigned char)*s); s++) {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*ps = s;
	*v = x;
	return true;
}

static int64_t parse_hex(const char *s, const char *e)
{
	uint64_t x = 0;

	for (; s < e && is_hex(*s) && x < (UINT64_C(1) << 59); s++)
		x = x * 16 + (uint64_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	return (int64_t)x;
}

/* ---- log prefixes --------------------------------------------------------- */

static void json_utf8(gomem_buf *b, unsigned int c)
{
	char u[3];

	if (c < 0x80) {
		u[0] = (char)c;
		gomem_buf_append(b, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		gomem_buf_append(b, u, 2);
	} else {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		gomem_buf_append(b, u, 3);
	}
}

/* Docker's json-file driver: {"log":"goroutine 1 [running]:\n","stream":...}. */
static bool decode_docker(gomem_goroutine_parser *p, const char **ps, const char **pe)
{
	const char *s = *ps + 8, *e = *pe;
	gomem_buf *b = &p->json;

	b->len = 0;
	gomem_buf_append(b, "", 0);
	for (; s < e && *s != '"'; s++) {
		char c = *s;

		if (c == '\\' && s + 1 < e) {
			c = *++s;
			if (c == 'n' || c == 'r')
				continue; /* the line's own end */
			if (c == 't')
				c = '\t';
			else if (c == 'u' && e - s > 4) {
				json_utf8(b, (unsigned int)parse_hex(s + 1, s + 5));
				s += 4;
				continue;
			}
		}
		gomem_buf_append(b, &c, 1);
	}
	*ps = b->data;
	*pe = b->data + b->len;
	return true;
}

/* Docker's JSON lines decoded, then the prefixes of every text reader
 * (gomem_line_skip_prefix) taken off. */
static void strip_prefix(gomem_goroutine_parser *p, const char **s, const char **e)
{
	if (**s == '{' && starts(*s, *e, "{\"log\":\""))
		decode_docker(p, s, e);
	if (*s < *e)
		*s = gomem_line_skip_prefix(*s, *e);
}

/* ---- records -------------------------------------------------------------- */

static void frame_push(gomem_goroutine_parser *p, uint32_t id)
{
	size_t half = p->max_frames / 2;

	if (p->nfr < p->max_frames) {
		p->fr[p->nfr++] = id;
		return;
	}
	/* Over the cap: keep the head and a ring of the tail, as Go does
	 * itself for deep stacks. */
	p->fr[half + p->ring] = id;
	p->ring = (p->ring + 1) % (p->max_frames - half);
	p->dropped++;
}

static int set_runtime_flag(const gomem_dump *d, struct gr_record *r)
{
	const struct gr_stack *st = &d->stacks[r->stack];

	if ((st->all_runtime && (r->created_by == GOMEM_GOROUTINE_NONE ||
				 is_runtime_fn(d, d->frames[r->created_by].function))) ||
	    ((r->flags & GOMEM_GOROUTINE_HAS_ID) && r->id == 0))
		r->flags |= GOMEM_GOROUTINE_RUNTIME;
	return GOMEM_OK;
}

/* What makes two goroutines count as one past MERGE_AFTER: all but their
 * ids, positions and raw arguments. */
static uint64_t merge_hash(const struct gr_record *r)
{
	uint64_t k[5] = {r->status, r->stack, r->created_by, r->labels,
			 (uint64_t)r->flags << 32 ^ r->parent};

	return gr_hash(k, sizeof(k), 0x6d657267);
}

static bool merge_equal(const struct gr_record *a, const struct gr_record *b)
{
	return a->status == b->status && a->stack == b->stack && a->created_by == b->created_by &&
	       a->labels == b->labels && a->flags == b->flags && a->parent == b->parent;
}

static int merge_grow(gomem_goroutine_parser *p)
{
	size_t cap = p->merge_cap ? p->merge_cap * 2 : 1024;
	uint32_t *slots = calloc(cap, sizeof(*slots));

	if (slots == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < p->merge_cap; i++) {
		size_t j;

		if (p->merge_slots[i] == 0)
			continue;
		j = merge_hash(&p->d->records[p->merge_slots[i] - 1]) & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = p->merge_slots[i];
	}
	free(p->merge_slots);
	p->merge_slots = slots;
	p->merge_cap = cap;
	return GOMEM_OK;
}

/* Past MERGE_AFTER records: counts R on an equal record kept since (*merged
 * true), or notes where R will go. */
static int merge_record(gomem_goroutine_parser *p, const struct gr_record *r, bool *merged)
{
	gomem_dump *d = p->d;
	size_t j;
	int rc;

	*merged = false;
	if (d->nrecords < MERGE_AFTER || r->count != 1)
		return GOMEM_OK;
	if (p->merge_used == 0 &&
	    (rc = warn(d, r->line, r->offset, "more than %zu goroutines: the rest are counted with "
		       "the first of the same stack and state (their ids, and for --similarity exact "
		       "their arguments, not told apart)", MERGE_AFTER)) != GOMEM_OK)
		return rc;
	if ((p->merge_used + 1) * 2 > p->merge_cap && (rc = merge_grow(p)) != GOMEM_OK)
		return rc;
	for (j = merge_hash(r) & (p->merge_cap - 1); p->merge_slots[j];
	     j = (j + 1) & (p->merge_cap - 1)) {
		struct gr_record *o = &d->records[p->merge_slots[j] - 1];

		if (merge_equal(o, r)) {
			o->count++;
			d->total++;
			*merged = true;
			return GOMEM_OK;
		}
	}
	p->merge_slots[j] = (uint32_t)d->nrecords + 1; /* the record about to be added */
	p->merge_used++;
	return GOMEM_OK;
}

static int record_close(gomem_goroutine_parser *p)
{
	gomem_dump *d = p->d;
	struct gr_record *r = &p->rec;
	bool merged;
	int rc;

	p->open = p->pend_fn = p->pend_created = p->skip_frames = false;
	if (p->dropped) {
		size_t half = p->max_frames / 2, tail = p->max_frames - half;
		uint32_t *tmp = malloc(tail * sizeof(*tmp));

		if (tmp == NULL)
			return GOMEM_E_NOMEM;
		for (size_t i = 0; i < tail; i++)
			tmp[i] = p->fr[half + (p->ring + i) % tail];
		memcpy(p->fr + half, tmp, tail * sizeof(*tmp));
		free(tmp);
		if (p->elided_at == GOMEM_GOROUTINE_NONE || p->elided_at > half) {
			p->elided_at = (uint32_t)half;
			p->elided_count = (int64_t)p->dropped;
		} else if (p->elided_count >= 0) {
			p->elided_count += (int64_t)p->dropped;
		}
		rc = warn(d, r->line, r->offset, "goroutine %" PRIu64 ": %" PRIu64
			  " frames past the %zu-frame cap not kept", r->id, p->dropped, p->max_frames);
		if (rc)
			return rc;
	}
	rc = stack_intern(d, p->fr, p->nfr, p->elided_at, p->elided_count, &r->stack);
	if (rc == GOMEM_OK)
		rc = set_runtime_flag(d, r);
	if (rc == GOMEM_OK && (rc = merge_record(p, r, &merged)) == GOMEM_OK && merged)
		return GOMEM_OK;
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(d->records, d->records_cap, d->nrecords + 1, (size_t)p->max_goroutines);
	if (rc)
		return rc == GOMEM_E_LIMIT ? perr(p, rc, "more than the %s goroutine records allowed", "maximum") : rc;
	d->records[d->nrecords++] = *r;
	d->total += r->count;
	return GOMEM_OK;
}

static int record_open(gomem_goroutine_parser *p, uint64_t id, uint64_t count, uint32_t status,
		       uint32_t flags)
{
	int rc = p->open ? record_close(p) : GOMEM_OK;

	if (rc)
		return rc;
	if (p->garbage && p->d->nrecords) {
		if (p->skipped == 0) {
			p->skipped_line = p->garbage_line;
			p->skipped_off = p->garbage_off;
		}
		p->skipped += p->garbage;
	}
	p->garbage = 0;
	memset(&p->rec, 0, sizeof(p->rec));
	p->rec.id = id;
	p->rec.count = count;
	p->rec.status = status;
	p->rec.flags = flags;
	p->rec.created_by = GOMEM_GOROUTINE_NONE;
	p->rec.line = p->lineno;
	p->rec.offset = p->line_off;
	p->rec.exact = 0;
	if (p->reason_armed) {
		p->rec.flags |= GOMEM_GOROUTINE_CRASHED;
		p->reason_armed = false;
	}
	p->nfr = p->ring = 0;
	p->dropped = 0;
	p->elided_at = GOMEM_GOROUTINE_NONE;
	p->elided_count = 0;
	p->open = true;
	p->running_elsewhere = false;
	p->base_known = false;
	p->plain_record = !p->line_prefixed;
	p->recognised = true;
	return GOMEM_OK;
}

/* "goroutine 18 [chan receive, 2 minutes]:" and the crash form
 * "goroutine 1 gp=0xc000002380 m=0 mp=0x5a3f20 [running]:". */
static bool parse_header(gomem_goroutine_parser *p, const char *s, const char *e, int *rc)
{
	const char *q = s + 10, *lb, *rb;
	uint64_t id;
	uint32_t status;

	if (!parse_u64(&q, e, &id) || q >= e || *q != ' ')
		return false;
	while (e > q && is_sp(e[-1]))
		e--;
	if (e - q < 3 || e[-1] != ':' || e[-2] != ']')
		return false;
	lb = memchr(q, '[', (size_t)(e - q));
	rb = e - 2;
	if (lb == NULL || lb > rb)
		return false;
	*rc = status_intern(p, lb + 1, (size_t)(rb - lb - 1), &status);
	if (*rc == GOMEM_OK)
		*rc = record_open(p, id, 1, status, GOMEM_GOROUTINE_HAS_ID);
	p->mode = M_G;
	if (p->d->format == GOMEM_DUMP_UNKNOWN)
		p->d->format = GOMEM_DUMP_DEBUG2;
	return true;
}

/* Masks pointer-looking hex words ("0xc000012345" -> "0xPTR") and the
 * words Go marks as possibly inaccurate ("0x0?" -> "0x?"), and folds
 * the exact text into the record's hash. The arguments S[0, N) become
 * *OUT[0, *OUTLEN): S itself when nothing was masked. */
static int mask_args(gomem_goroutine_parser *p, const char *s, size_t n, const char **out,
		     size_t *outlen, uint32_t *flags)
{
	gomem_buf *b = &p->args;
	const char *e = s + n, *w = s;
	bool any = false;
	int rc;

	*out = s;
	*outlen = n;
	/* A mask is never longer than what it replaces ("0x?" for "0x..?",
	 * "0xPTR" for eight characters or more): N bytes are room enough. */
	if ((rc = GOMEM_GROW(b->data, b->cap, n + 1, b->max + 1)) != GOMEM_OK)
		return rc;
	b->len = 0;
	for (const char *c = s; c + 2 < e; c++) {
		const char *h;

		if ((c = memchr(c, '0', (size_t)(e - c) - 2)) == NULL)
			break;
		if (c[1] != 'x' || (c > s && is_alnum(c[-1])))
			continue;
		for (h = c + 2; h < e && is_hex(*h); h++)
			;
		if (h < e && *h == '?') {
			/* Go may print stale stack words here: never identity */
			buf_put(b, w, (size_t)(c - w));
			buf_put(b, "0x?", 3);
			w = h + 1;
		} else if (h - c - 2 >= 6 && (uint64_t)parse_hex(c + 2, h) >= POINTER_MIN) {
			buf_put(b, w, (size_t)(c - w));
			buf_put(b, "0xPTR", 5);
			*flags |= GOMEM_FRAME_HAS_POINTER;
			w = h;
		} else {
			c = h - 1;
			continue;
		}
		c = w - 1;
		any = true;
	}
	if (!any)
		return GOMEM_OK;
	buf_put(b, w, (size_t)(e - w));
	p->rec.exact = gr_hash(s, n, p->rec.exact + 1);
	*out = b->data;
	*outlen = b->len;
	return GOMEM_OK;
}

/* Splits "pkg.(*T).f(0x1, {0x2, 0x3}, ...)" into name and arguments. */
static void split_call(const char *s, const char *e, struct frame_key *k)
{
	const char *lp = NULL;
	int depth = 0;

	memset(k, 0, sizeof(*k));
	k->fn = s;
	k->fnlen = (size_t)(e - s);
	k->args = k->file = "";
	k->pc_offset = -1;
	if (e == s || e[-1] != ')')
		return;
	for (const char *c = e - 1; c >= s; c--) {
		if (*c == ')')
			depth++;
		else if (*c == '(' && --depth == 0) {
			lp = c;
			break;
		}
	}
	if (lp == NULL || lp == s)
		return;
	k->fnlen = (size_t)(lp - s);
	k->args = lp + 1;
	k->argslen = (size_t)(e - 1 - (lp + 1));
	if (k->argslen == 3 && memcmp(k->args, "...", 3) == 0)
		k->flags |= GOMEM_FRAME_INLINED;
	else if (k->argslen > 3 && memcmp(k->args + k->argslen - 3, "...", 3) == 0)
		k->flags |= GOMEM_FRAME_ARGS_ELIDED;
}

/* Where a frame's code is: the file line under its function line. */
struct fileline {
	const char *file;
	size_t filelen;
	int64_t line, pc_offset;
};

/* "\t/src/x.go:12 +0x1d fp=0x.. sp=0x.. pc=0x..": file, line, pc offset
 * (-1 when not printed). The file may hold spaces: the line number ends at
 * the space before one of Go's own suffixes, or at the end. */
static bool parse_fileline(const char *s, const char *e, struct fileline *fl)
{
	const char *t = e, *colon = NULL, *q;
	uint64_t line;

	for (const char *c = s; (c = memchr(c, ' ', (size_t)(e - c))) != NULL; c++)
		if (starts(c, e, " +0x") || starts(c, e, " fp=") || starts(c, e, " pc=")) {
			t = c;
			break;
		}
	for (const char *c = t; c-- > s;)
		if (*c == ':') {
			colon = c;
			break;
		}
	if (colon == NULL || colon == s || colon + 1 == t)
		return false;
	for (q = colon + 1; q < t && isdigit((unsigned char)*q); q++)
		;
	if (q != t)
		return false;
	/* A number past int64 is no line Go wrote: the frame keeps its file and
	 * reads as line unknown (0) rather than being lost with its goroutine. */
	q = colon + 1;
	if (!parse_u64(&q, t, &line) || line > INT64_MAX)
		line = 0;
	fl->file = s;
	fl->filelen = (size_t)(colon - s);
	fl->line = (int64_t)line;
	fl->pc_offset = starts(t, e, " +0x") ? parse_hex(t + 4, e) : -1;
	return true;
}

/* The pending function (or created-by) line becomes a frame, with FL its
 * file line (NULL: it had none). */
static int pending_commit(gomem_goroutine_parser *p, const struct fileline *fl)
{
	struct frame_key k;
	const char *args;
	uint32_t id;
	int rc;

	split_call(p->pend.data, p->pend.data + p->pend.len, &k);
	if (fl) {
		k.file = fl->file;
		k.filelen = fl->filelen;
		k.line = fl->line;
		k.pc_offset = fl->pc_offset;
	}
	if (p->pend_created) {
		k.args = "";
		k.argslen = 0;
		k.flags = 0;
		rc = frame_intern(p->d, &k, &id);
		p->rec.created_by = id;
		p->rec.parent = p->pend_parent;
		return rc;
	}
	if ((rc = mask_args(p, k.args, k.argslen, &args, &k.argslen, &k.flags)) != GOMEM_OK)
		return rc;
	k.args = args;
	rc = frame_intern(p->d, &k, &id);
	if (rc == GOMEM_OK)
		frame_push(p, id);
	return rc;
}

static int pend_set(gomem_goroutine_parser *p, const char *s, const char *e, bool created)
{
	int rc = GOMEM_OK;

	if (p->pend_fn || p->pend_created)
		rc = pending_commit(p, NULL); /* a frame without its file line */
	p->pend.len = 0;
	if (rc == GOMEM_OK && (size_t)(e - s) < p->pend.cap)
		buf_put(&p->pend, s, (size_t)(e - s));
	else if (rc == GOMEM_OK)
		rc = gomem_buf_append(&p->pend, s, (size_t)(e - s));
	p->pend_fn = !created;
	p->pend_created = created;
	return rc;
}

/* "created by main.run in goroutine 7" (Go 1.21+) or "created by main.run". */
static int created_by(gomem_goroutine_parser *p, const char *s, const char *e)
{
	const char *in;

	s += 11;
	p->pend_parent = 0;
	in = find(s, (size_t)(e - s), " in goroutine ", 14);
	if (in) {
		const char *q = in + 14;

		parse_u64(&q, e, &p->pend_parent);
		e = in;
	}
	return pend_set(p, s, e, true);
}

static bool elided_marker(gomem_goroutine_parser *p, const char *s, const char *e)
{
	const char *q = s + 3;
	uint64_t n;

	if (!starts(s, e, "..."))
		return false;
	if (starts(s, e, "...additional frames elided...")) {
		p->elided_at = (uint32_t)p->nfr;
		p->elided_count = -1;
		return true;
	}
	if (parse_u64(&q, e, &n) && starts(q, e, " frames elided...")) {
		p->elided_at = (uint32_t)p->nfr;
		p->elided_count = n > INT64_MAX ? -1 : (int64_t)n;
		return true;
	}
	return false;
}

static void garbage_line(gomem_goroutine_parser *p)
{
	if (p->garbage++ == 0) {
		p->garbage_line = p->lineno;
		p->garbage_off = p->line_off;
	}
}

/* ---- debug=1 -------------------------------------------------------------- */

static bool d1_header(gomem_goroutine_parser *p, const char *s, const char *e, int *rc)
{
	const char *q = s;
	uint64_t n;

	if (!parse_u64(&q, e, &n) || !starts(q, e, " @ 0x"))
		return false;
	*rc = record_open(p, 0, n, p->empty_status, 0);
	p->mode = M_D1;
	if (p->d->format == GOMEM_DUMP_UNKNOWN)
		p->d->format = GOMEM_DUMP_DEBUG1;
	return true;
}

/* "#\t0x4621d4\ttime.Sleep+0x134\t/usr/lib/go/src/runtime/time.go:195". */
static int d1_frame(gomem_goroutine_parser *p, const char *s, const char *e)
{
	const char *f, *fe, *plus = NULL;
	struct fileline fl;
	struct frame_key k;
	uint32_t id;

	s = skip_sp(s + 1, e);
	if (starts(s, e, "labels:")) {
		s = skip_sp(s + 7, e);
		return gr_intern(&p->d->str, s, (size_t)(e - s), &p->rec.labels);
	}
	while (s < e && !is_sp(*s))
		s++; /* the pc */
	f = skip_sp(s, e);
	for (fe = f; fe < e && !is_sp(*fe); fe++)
		if (*fe == '+')
			plus = fe;
	if (f == fe)
		return GOMEM_OK;
	memset(&k, 0, sizeof(k));
	k.fn = f;
	k.fnlen = (size_t)((plus ? plus : fe) - f);
	k.args = k.file = "";
	k.pc_offset = plus && starts(plus, fe, "+0x") ? parse_hex(plus + 3, fe) : -1;
	s = skip_sp(fe, e);
	while (e > s && is_sp(e[-1]))
		e--;
	if (s < e && parse_fileline(s, e, &fl)) { /* the pc offset is the function's "+0x" */
		k.file = fl.file;
		k.filelen = fl.filelen;
		k.line = fl.line;
	}
	if (frame_intern(p->d, &k, &id) == GOMEM_OK)
		frame_push(p, id);
	return GOMEM_OK;
}

/* ---- the line dispatcher -------------------------------------------------- */

static bool is_register_line(const char *s, const char *e)
{
	const char *q = s;

	while (q < e && (islower((unsigned char)*q) || isdigit((unsigned char)*q)))
		q++;
	if (q == s || q == e || *q != ' ')
		return false;
	q = skip_sp(q, e);
	return starts(q, e, "0x");
}

static int set_reason(gomem_goroutine_parser *p, const char *s, const char *e)
{
	if (p->d->reason == 0) {
		int rc = gr_intern(&p->d->str, s, (size_t)(e - s), &p->d->reason);

		if (rc)
			return rc;
	}
	p->d->format = GOMEM_DUMP_CRASH;
	p->reason_armed = true;
	p->recognised = true;
	return GOMEM_OK;
}

static bool is_reason(const char *s, const char *e)
{
	return starts(s, e, "panic: ") || starts(s, e, "fatal error: ") ||
	       starts(s, e, "SIGQUIT: quit") || starts(s, e, "WARNING: DATA RACE") ||
	       starts(s, e, "fatal: morestack") ||
	       (starts(s, e, "SIG") && find(s, (size_t)(e - s), ": ", 2) && e - s < 80);
}

static int line_outside(gomem_goroutine_parser *p, const char *s, const char *e)
{
	int rc = GOMEM_OK;

	s = skip_sp(s, e); /* an indented dump */
	if (s == e)
		return GOMEM_OK;
	if (starts(s, e, "goroutine ") && parse_header(p, s, e, &rc))
		return rc;
	if (isdigit((unsigned char)*s) && d1_header(p, s, e, &rc))
		return rc;
	if (starts(s, e, "goroutine profile: total ")) {
		p->d->format = GOMEM_DUMP_DEBUG1;
		p->recognised = true;
		return GOMEM_OK;
	}
	if (starts(s, e, "WARNING: DATA RACE")) {
		p->mode = M_RACE;
		return set_reason(p, s, e);
	}
	if (is_reason(s, e))
		return set_reason(p, s, e);
	if (is_register_line(s, e) || starts(s, e, "PC=") || starts(s, e, "[signal ") ||
	    starts(s, e, "exit status ") || starts(s, e, "-----") || starts(s, e, "=========="))
		return GOMEM_OK;
	garbage_line(p);
	return GOMEM_OK;
}

/* Indentation inside a goroutine is measured against its first frame line:
 * deeper lines are file lines (Go's tab), the others frames. A dump pasted
 * into a test log or a report may be indented as a whole, or with spaces
 * before its frames and spaces and a tab before its file lines (t.Log's
 * continuation lines): the same rule reads them all. */
static bool deeper(gomem_goroutine_parser *p, size_t indent)
{
	if (!p->base_known) {
		p->base_indent = indent;
		p->base_known = true;
	}
	return indent > p->base_indent;
}

static int line_goroutine(gomem_goroutine_parser *p, const char *s, const char *e)
{
	const char *t = skip_sp(s, e);
	struct fileline fl;
	int rc;

	if (t == e) {
		p->mode = M_OUT;
		return p->pend_fn || p->pend_created ? pending_commit(p, NULL) : GOMEM_OK;
	}
	if ((p->pend_fn || p->pend_created) && parse_fileline(t, e, &fl)) {
		rc = pending_commit(p, &fl);
		p->pend_fn = p->pend_created = false;
		return rc;
	}
	if (deeper(p, (size_t)(t - s))) {
		/* Go's own note, or an indented line with no function before it */
		if (starts(t, e, "goroutine running on other thread"))
			p->running_elsewhere = true;
		else if (!p->skip_frames)
			garbage_line(p);
		return GOMEM_OK;
	}
	if (p->skip_frames && !starts(t, e, "goroutine "))
		return GOMEM_OK;
	if (starts(t, e, "goroutine running on other thread")) {
		p->running_elsewhere = true;
		return GOMEM_OK;
	}
	if (starts(t, e, "created by "))
		return created_by(p, t, e);
	if (elided_marker(p, t, e))
		return GOMEM_OK;
	if (starts(t, e, "[originating from goroutine ")) {
		const char *q = t + 28;

		parse_u64(&q, e, &p->rec.origin);
		p->skip_frames = true; /* the ancestor's stack: not this goroutine's */
		return GOMEM_OK;
	}
	if (starts(t, e, "goroutine ") && parse_header(p, t, e, &rc))
		return rc;
	while (e > t && is_sp(e[-1]))
		e--;
	if (p->this_cut || (e[-1] == ')' && memchr(t, '(', (size_t)(e - t))))
		return pend_set(p, t, e, false);
	/* Anything else ends the goroutine: log noise, a register dump. */
	rc = p->pend_fn || p->pend_created ? pending_commit(p, NULL) : GOMEM_OK;
	p->pend_fn = p->pend_created = false;
	p->mode = M_OUT;
	if (rc == GOMEM_OK)
		rc = record_close(p);
	return rc ? rc : line_outside(p, t, e);
}

static int line_debug1(gomem_goroutine_parser *p, const char *s, const char *e)
{
	int rc = GOMEM_OK;

	s = skip_sp(s, e); /* an indented dump */
	if (s == e) {
		p->mode = M_OUT;
		return record_close(p);
	}
	if (*s == '#')
		return d1_frame(p, s, e);
	if (isdigit((unsigned char)*s) && d1_header(p, s, e, &rc))
		return rc;
	p->mode = M_OUT;
	rc = record_close(p);
	return rc ? rc : line_outside(p, s, e);
}

static int dispatch(gomem_goroutine_parser *p, const char *s, const char *e)
{
	switch (p->mode) {
	case M_G:
		return line_goroutine(p, s, e);
	case M_D1:
		return line_debug1(p, s, e);
	case M_RACE:
		if (starts(s, e, "=================="))
			p->mode = M_OUT;
		return GOMEM_OK;
	default:
		return line_outside(p, s, e);
	}
}

static int handle_line(gomem_goroutine_parser *p, const char *s, size_t n)
{
	const char *e = s + n;
	int rc;

	p->lineno++;
	if (n && e[-1] == '\r')
		e--;
	/* The lines of a goroutine come from one writer: when its header had
	 * no prefix, neither have they (most of a dump: no prefix looked for). */
	p->line_prefixed = false;
	if (s < e && !(p->open && p->plain_record && (p->mode == M_G || p->mode == M_D1))) {
		const char *s0 = s;

		strip_prefix(p, &s, &e);
		p->line_prefixed = s != s0;
	}
	rc = dispatch(p, s, e);
	p->this_cut = false;
	return rc;
}

static int cut_line(gomem_goroutine_parser *p)
{
	p->this_cut = true;
	if (p->cut_lines++ == 0)
		p->cut_line = p->lineno + 1;
	return GOMEM_OK;
}

/* A line inside one chunk is handled in place; one split across chunks is
 * assembled in carry, capped at max_line (the rest is dropped, with a
 * warning at the end). */
int gomem_goroutine_parser_feed(gomem_goroutine_parser *p, const void *data, size_t len)
{
	const char *s = data, *end = s + len;
	int rc = GOMEM_OK;

	if (p == NULL || (data == NULL && len))
		return GOMEM_E_INVALID;
	if (p->err.code || p->finished)
		return p->err.code ? p->err.code : GOMEM_E_INVALID;
	while (s < end && rc == GOMEM_OK) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - s);

		if (p->carry.len || p->carry_dropped || nl == NULL) {
			size_t room = p->max_line - p->carry.len;

			gomem_buf_append(&p->carry, s, n < room ? n : room);
			p->carry_dropped += n < room ? 0 : n - room;
			if (nl == NULL)
				break;
			if (p->carry_dropped)
				cut_line(p);
			p->line_off = p->offset;
			rc = handle_line(p, p->carry.data ? p->carry.data : "", p->carry.len);
			p->offset += p->carry.len + p->carry_dropped + 1;
			p->carry.len = p->carry_dropped = 0;
		} else {
			if (n > p->max_line) {
				cut_line(p);
				n = p->max_line;
			}
			p->line_off = p->offset;
			rc = handle_line(p, s, n);
			p->offset += (size_t)(le - s) + 1;
		}
		s = nl + 1;
	}
	if (rc && p->err.code == 0)
		gomem_error_at_line(&p->err, rc, p->lineno, 1, "%s", gomem_strerror(rc));
	return p->err.code;
}

/* Whether the open record lacks what a whole one has: a frame line whose
 * file line never came, or no frame at all. */
static bool record_incomplete(const gomem_goroutine_parser *p)
{
	if (p->mode == M_G)
		return p->pend_fn || (p->nfr == 0 && !p->running_elsewhere && !p->pend_created);
	return p->mode == M_D1 && p->nfr == 0;
}

static int finish_warnings(gomem_goroutine_parser *p)
{
	int rc = GOMEM_OK;

	if (p->skipped)
		rc = warn(p->d, p->skipped_line, p->skipped_off, "%" PRIu64 " lines of garbage skipped",
			  p->skipped);
	if (rc == GOMEM_OK && p->cut_lines)
		rc = warn(p->d, p->cut_line, 0, "%" PRIu64 " lines longer than %zu bytes cut short",
			  p->cut_lines, p->max_line);
	return rc;
}

/* The end of the input. A goroutine whose header was read counts, whatever
 * follows it: a dump pasted without its last newline, cut by head -c or at
 * Go's 64 MiB limit, or a panic cut off after its header keeps its last
 * goroutine, with the frames read whole, and a warning when its stack may
 * be incomplete. */
static int parser_end(gomem_goroutine_parser *p)
{
	bool cut = p->offset == GO_STACK_LIMIT;
	int rc = GOMEM_OK;

	if (p->carry.len || p->carry_dropped) {
		bool was_open = p->open;

		p->line_off = p->offset;
		rc = handle_line(p, p->carry.data ? p->carry.data : "", p->carry.len);
		p->offset += p->carry.len + p->carry_dropped;
		cut |= was_open; /* its last line, with no newline after it, may be cut short */
	}
	if (rc == GOMEM_OK && p->open) {
		cut |= record_incomplete(p);
		if (p->pend_fn || p->pend_created)
			rc = pending_commit(p, NULL);
		if (rc == GOMEM_OK)
			rc = record_close(p);
	}
	if (rc == GOMEM_OK && cut && p->d->nrecords > 0) {
		const struct gr_record *r = &p->d->records[p->d->nrecords - 1];

		rc = warn(p->d, r->line, r->offset, p->offset == GO_STACK_LIMIT
			  ? "dump cut off at Go's 64 MiB limit: the last goroutine's stack may be incomplete"
			  : "dump cut off: the last goroutine's stack may be incomplete");
	}
	if (rc == GOMEM_OK)
		rc = finish_warnings(p);
	if (rc == GOMEM_OK)
		rc = stacks_fold(p->d);
	return rc;
}

int gomem_goroutine_parser_finish(gomem_dump **out, gomem_goroutine_parser *p)
{
	int rc;

	if (out == NULL || p == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if (p->err.code || p->finished)
		return p->err.code ? p->err.code : GOMEM_E_INVALID;
	p->finished = true;
	rc = parser_end(p);
	if (rc)
		return gomem_error_at_line(&p->err, rc, p->lineno, 1, "%s", gomem_strerror(rc));
	if (p->offset > 0 && !p->recognised)
		return gomem_error_at_line(&p->err, GOMEM_E_FORMAT, 1, 1,
					   "no goroutine found: not a goroutine dump");
	*out = p->d;
	p->d = NULL;
	return GOMEM_OK;
}

/* ---- debug=0: a profile.proto of goroutine stacks ------------------------- */

static int labels_render(gomem_dump *d, const gomem_profile *prof, size_t i, uint32_t *id)
{
	size_t n = gomem_profile_sample_label_count(prof, i);
	gomem_buf b;
	int rc;

	*id = 0;
	if (n == 0)
		return GOMEM_OK;
	gomem_buf_init(&b, 1 << 20);
	gomem_buf_append(&b, "{", 1);
	for (size_t j = 0; j < n; j++) {
		const char *str, *unit;
		int64_t num;
		const char *key = gomem_profile_sample_label(prof, i, j, &str, &num, &unit);

		if (unit == NULL)
			gomem_buf_printf(&b, "%s\"%s\":\"%s\"", j ? ", " : "", key, str ? str : "");
		else
			gomem_buf_printf(&b, "%s\"%s\":%" PRId64, j ? ", " : "", key, num);
	}
	gomem_buf_append(&b, "}", 1);
	rc = gr_intern(&d->str, b.data, b.len, id);
	gomem_buf_free(&b);
	return rc;
}

static int sample_frames(gomem_goroutine_parser *p, const gomem_profile *prof, size_t i)
{
	size_t nloc;
	const uint32_t *locs = gomem_profile_sample_locations(prof, i, &nloc);

	for (size_t j = 0; j < nloc; j++) {
		size_t nl = gomem_profile_location_line_count(prof, locs[j]);

		for (size_t l = 0; l < nl; l++) {
			struct frame_key k = {0};
			int64_t line, fn = gomem_profile_location_line(prof, locs[j], l, &line);
			uint32_t id;
			int rc;

			k.fn = fn >= 0 ? gomem_profile_function_name(prof, (size_t)fn) : "?";
			k.file = fn >= 0 ? gomem_profile_function_file(prof, (size_t)fn) : "";
			k.fnlen = strlen(k.fn);
			k.filelen = strlen(k.file);
			k.args = "";
			k.line = line;
			k.pc_offset = -1;
			k.flags = l + 1 < nl ? GOMEM_FRAME_INLINED : 0;
			rc = frame_intern(p->d, &k, &id);
			if (rc)
				return rc;
			frame_push(p, id);
		}
	}
	return GOMEM_OK;
}

/* Which value of a sample counts goroutines: the "goroutine" sample type
 * (count) Go's goroutine profile has; -1 for a profile without sample
 * types (each sample then is one goroutine). GOMEM_E_FORMAT for any other
 * profile — a heap or CPU profile's values are bytes or nanoseconds, not
 * goroutines. */
static int goroutine_value(int *idx, const gomem_profile *prof, const char *name, gomem_error *err)
{
	size_t n = gomem_profile_sample_type_count(prof);
	char types[256];
	size_t len = 0;

	*idx = -1;
	if (n == 0)
		return GOMEM_OK;
	if ((*idx = gomem_profile_sample_type_index(prof, "goroutine")) >= 0)
		return GOMEM_OK;
	types[0] = '\0';
	for (size_t i = 0; i < n && len < sizeof(types); i++) {
		const char *unit, *type = gomem_profile_sample_type(prof, i, &unit);

		len += (size_t)snprintf(types + len, sizeof(types) - len, "%s%s/%s", i ? ", " : "",
					type ? type : "", unit ? unit : "");
	}
	gomem_error_set_source(err, name);
	return gomem_error_set(err, GOMEM_E_FORMAT,
			       "not a goroutine profile: its samples are %s, where those of "
			       "/debug/pprof/goroutine are goroutine/count", types);
}

static int dump_from_profile(gomem_dump **out, const gomem_profile *prof, const char *name,
			     gomem_error *err)
{
	gomem_goroutine_parser *p;
	size_t n = gomem_profile_sample_count(prof);
	int idx, rc = goroutine_value(&idx, prof, name, err);

	if (rc)
		return rc;
	rc = gomem_goroutine_parser_new(&p, name, NULL);
	for (size_t i = 0; rc == GOMEM_OK && i < n; i++) {
		const int64_t *v = gomem_profile_sample_values(prof, i);
		uint64_t count = idx >= 0 && v[idx] > 0 ? (uint64_t)v[idx] : 1;

		rc = record_open(p, 0, count, p->empty_status, 0);
		if (rc == GOMEM_OK)
			rc = labels_render(p->d, prof, i, &p->rec.labels);
		if (rc == GOMEM_OK)
			rc = sample_frames(p, prof, i);
		if (rc == GOMEM_OK)
			rc = record_close(p);
	}
	if (rc == GOMEM_OK) {
		p->d->format = GOMEM_DUMP_PROTO;
		p->recognised = true;
		p->finished = true;
		rc = stacks_fold(p->d);
	}
	if (rc == GOMEM_OK) {
		*out = p->d;
		p->d = NULL;
	} else {
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	}
	gomem_goroutine_parser_free(p);
	return rc;
}

/* ---- whole inputs --------------------------------------------------------- */

/* Text dumps have no control bytes but tabs and line ends; profile.proto
 * has varint tags and lengths that nearly always are. */
/* A profile.proto shows control bytes from its first field on (tag, then a
 * length); text with a stray control byte further in is still text, whose
 * reader skips and reports garbage lines by position. */
static bool looks_binary(const uint8_t *s, size_t n)
{
	if (n > 16)
		n = 16;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != 0x1b)
			return true;
	return false;
}

static int read_text(gomem_dump **out, gomem_source *src, gomem_error *err)
{
	gomem_goroutine_parser *p;
	int rc = gomem_goroutine_parser_new(&p, gomem_source_name(src), NULL);

	while (rc == GOMEM_OK) {
		const uint8_t *data;
		size_t len;

		rc = gomem_source_read(src, &data, &len);
		if (rc) {
			gomem_error_copy(err, gomem_source_error(src));
			break;
		}
		if (len == 0) {
			rc = gomem_goroutine_parser_finish(out, p);
			break;
		}
		rc = gomem_goroutine_parser_feed(p, data, len);
	}
	if (rc && p)
		gomem_error_copy(err, &p->err);
	gomem_goroutine_parser_free(p);
	return rc;
}

int gomem_dump_read(gomem_dump **out, gomem_source *src, gomem_error *err)
{
	const uint8_t *head;
	size_t n;
	int rc;

	if (out == NULL || src == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	rc = gomem_source_peek(src, &head, &n, 512);
	if (rc) {
		gomem_error_copy(err, gomem_source_error(src));
		return rc;
	}
	if (n > 0 && looks_binary(head, n)) {
		gomem_profile *prof;

		rc = gomem_profile_read(&prof, src, err);
		if (rc)
			return rc;
		rc = dump_from_profile(out, prof, gomem_source_name(src), err);
		gomem_profile_free(prof);
		return rc;
	}
	return read_text(out, src, err);
}

int gomem_dump_from_buffer(gomem_dump **out, const void *data, size_t len, const char *name,
			   gomem_error *err)
{
	gomem_source *src;
	int rc;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	rc = gomem_source_open_memory(&src, data, len, name ? name : "<buffer>", NULL, err);
	if (rc)
		return rc;
	rc = gomem_dump_read(out, src, err);
	gomem_source_free(src);
	return rc;
}
