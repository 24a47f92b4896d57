/* SPDX-License-Identifier: Apache-2.0 */
/* trace_reader.c — the push reader of execution traces. Go 1.22+ traces
 * come in generations: every batch of a generation is read (the string,
 * stack, CPU-sample and frequency batches into tables, the per-M event
 * batches kept raw), then the events are merged as Go's Reader.ReadEvent
 * merges them: a min-heap of per-M cursors by time, each head advanced
 * through the ordering state machine, the others tried in time order when
 * the head cannot go yet. Only one generation is held: the next one is not
 * read before this one is drained. Older traces go to trace_old.c. */
#include <stdlib.h>
#include <string.h>

#include "trace-internal.h"

enum { MODE_HEADER = 0, MODE_NEW, MODE_OLD };
enum { FILL_NEED_MORE = 0, FILL_READY = 1, FILL_END = 2 };
#define HEADER_LEN 16

struct tr_batch {
	uint64_t m, time;
	size_t off;       /* payload in gen.data */
	uint32_t len;
	uint64_t in_off;  /* payload offset in the input */
};

struct tr_cpu {
	int64_t time;
	int64_t m, p, g;
	uint64_t stack, off;
};

struct tr_cursor {
	uint64_t m;
	size_t first, nbatches; /* a run of r->bidx */
	size_t idx, data_off;
	int64_t last_ts;
	struct tr_ev ev;
};

struct tr_gen {
	uint64_t num;
	int started;
	double freq;      /* nanoseconds per tick, 0 until the frequency batch */
	gomem_buf data;
	struct tr_batch *batches;
	size_t nbatches, batches_cap;
	struct tr_cpu *cpu;
	size_t ncpu, cpu_cap;
	struct tr_table table;
};

struct gomem_trace_reader {
	gomem_error err;
	uint64_t max_gen;
	int mode, minor, finished, failed, done;
	gomem_buf in;          /* unread input from in_pos */
	size_t in_pos;
	uint64_t in_base;      /* input offset of in.data[0] */

	struct tr_gen gen;
	int draining;          /* gen is sealed and its events are going out */
	gomem_error pending;   /* an error after the generation being drained (Go's spillErr) */
	int pending_explains;  /* it cut the generation itself short: it explains what fails in it */
	struct tr_cursor *cursors;
	size_t ncursors, cursors_cap;
	size_t *bidx;
	size_t bidx_cap;
	struct tr_cursor **frontier;
	size_t nfrontier, frontier_cap;
	size_t cpu_pos;
	struct tr_order order;
	int emitted_sync;
	int64_t last_ts;
	uint64_t ngens;

	struct tr_old *old;

	struct tr_ev cur;
	const struct tr_table *cur_table;
	gomem_trace_event out;
	char namebuf[TR_NAMEBUF];
};

/* ---- setup ----------------------------------------------------------------- */

int gomem_trace_reader_new(gomem_trace_reader **out, const char *name,
			   const gomem_trace_reader_options *opts)
{
	gomem_trace_reader *r;

	*out = NULL;
	if (opts && opts->version != GOMEM_TRACE_READER_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return GOMEM_E_NOMEM;
	gomem_error_set_source(&r->err, name ? name : "<trace>");
	r->max_gen = opts && opts->max_generation ? opts->max_generation : GOMEM_TRACE_DEFAULT_MAX_GENERATION;
	if (r->max_gen > SIZE_MAX / 4)
		r->max_gen = SIZE_MAX / 4;
	gomem_buf_init(&r->in, (size_t)r->max_gen + TR_MAX_BATCH);
	gomem_buf_init(&r->gen.data, (size_t)r->max_gen);
	tr_table_init(&r->gen.table, (size_t)r->max_gen);
	r->emitted_sync = 1; /* no sync before the first generation */
	*out = r;
	return GOMEM_OK;
}

void gomem_trace_reader_free(gomem_trace_reader *r)
{
	if (r == NULL)
		return;
	gomem_buf_free(&r->in);
	gomem_buf_free(&r->gen.data);
	free(r->gen.batches);
	free(r->gen.cpu);
	tr_table_free(&r->gen.table);
	free(r->cursors);
	free(r->bidx);
	free(r->frontier);
	if (r->mode == MODE_NEW)
		tr_order_free(&r->order);
	tr_old_free(r->old);
	free(r);
}

const gomem_error *gomem_trace_reader_error(const gomem_trace_reader *r)
{
	return &r->err;
}

int gomem_trace_reader_go_minor(const gomem_trace_reader *r)
{
	return r->minor;
}

uint64_t gomem_trace_reader_generations(const gomem_trace_reader *r)
{
	return r->ngens;
}

static int failed(gomem_trace_reader *r, int code)
{
	r->failed = code;
	return code;
}

int gomem_trace_reader_feed(gomem_trace_reader *r, const void *data, size_t len)
{
	int rc;

	if (r->failed)
		return r->failed;
	if (r->finished)
		return gomem_error_set(&r->err, GOMEM_E_INVALID, "feed after finish");
	/* drop what was read before growing (old traces are kept whole) */
	if (r->mode != MODE_OLD && r->in_pos > 0 && (r->in_pos >= (1u << 20) || r->in_pos * 2 >= r->in.len)) {
		memmove(r->in.data, r->in.data + r->in_pos, r->in.len - r->in_pos);
		r->in.len -= r->in_pos;
		r->in_base += r->in_pos;
		r->in_pos = 0;
	}
	if ((rc = gomem_buf_append(&r->in, data, len)) != GOMEM_OK) {
		if (rc == GOMEM_E_LIMIT)
			gomem_error_at_byte(&r->err, rc, r->in_base + r->in.len,
					    "more than %llu bytes held in one generation (raise the limit: --max-input)",
					    (unsigned long long)r->max_gen);
		else
			gomem_error_set(&r->err, rc, "%s", gomem_strerror(rc));
		return failed(r, rc);
	}
	return GOMEM_OK;
}

int gomem_trace_reader_finish(gomem_trace_reader *r)
{
	r->finished = 1;
	return r->failed;
}

/* ---- the header -------------------------------------------------------------- */

static int read_header(gomem_trace_reader *r)
{
	/* nothing fed yet: no buffer at all */
	const uint8_t *p = r->in.data ? (const uint8_t *)r->in.data + r->in_pos : (const uint8_t *)"";
	size_t n = r->in.len - r->in_pos, i = 5;
	unsigned minor = 0;

	if (n < HEADER_LEN && !r->finished)
		return 0;
	if (n < 5 || memcmp(p, "go 1.", 5) != 0)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, r->in_base + r->in_pos,
					   "bad file format: not a Go execution trace (no \"go 1.N trace\" header)");
	while (i < n && i < 9 && p[i] >= '0' && p[i] <= '9')
		minor = minor * 10 + (p[i++] - '0');
	if (i == 5 || n < i + 9 || memcmp(p + i, " trace\0\0\0", 9) != 0)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, r->in_base + r->in_pos,
					   "bad file format: not a Go execution trace (no \"go 1.N trace\" header)");
	if (minor != 11 && minor != 19 && minor != 21 && minor != 22 && minor != 23)
		return gomem_error_at_byte(&r->err, GOMEM_E_UNSUPPORTED, r->in_base + r->in_pos,
					   "unknown or unsupported trace version go 1.%u (gomem reads the "
					   "trace formats of Go 1.11 to 1.23)", minor);
	r->minor = (int)minor;
	r->in_pos += i + 9;
	if (minor >= 22) {
		r->mode = MODE_NEW;
		tr_order_init(&r->order, &r->err, r->minor);
	} else {
		r->mode = MODE_OLD;
	}
	return 1;
}

/* ---- one batch ------------------------------------------------------------- */

struct batch_hdr {
	int exp;
	uint64_t gen, m, time, size;
	size_t hdr_len;
};

/* 1 and HDR for a whole batch at the read position, 0 when the input ends
 * inside it, <0 (error set) when it is malformed. */
static int peek_batch(gomem_trace_reader *r, struct batch_hdr *h)
{
	const uint8_t *p = (const uint8_t *)r->in.data + r->in_pos;
	size_t n = r->in.len - r->in_pos, at = 1;
	uint64_t off = r->in_base + r->in_pos;
	uint64_t *fields[4] = {&h->gen, &h->m, &h->time, &h->size};
	static const char *const names[4] = {"gen", "M ID", "timestamp", "size"};

	h->hdr_len = 0;
	if (n == 0)
		return 0;
	h->exp = 0;
	if (p[0] != TR_EV_EVENT_BATCH && !(p[0] == TR_EV_EXPERIMENTAL_BATCH && r->minor >= 23)) {
		const char *nm = gomem_trace_type_name(p[0]);

		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, off, "expected batch event, got %s",
					   nm && p[0] != TR_EV_SYNC ? nm : "an invalid event type");
	}
	if (p[0] == TR_EV_EXPERIMENTAL_BATCH) {
		if (n < 2)
			return 0;
		h->exp = p[1];
		at = 2;
	}
	for (int i = 0; i < 4; i++) {
		int k = tr_uvarint(p + at, n - at, fields[i]);

		if (k == 0)
			return 0;
		if (k < 0)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, off + at,
						   "error reading batch %s: varint overflows 64 bits", names[i]);
		at += (size_t)k;
	}
	if (h->size > TR_MAX_BATCH)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, off, "invalid batch size %llu, maximum is %u",
					   (unsigned long long)h->size, TR_MAX_BATCH);
	h->hdr_len = at;
	return n - at >= h->size ? 1 : 0;
}

/* Reads a varint of a table batch; the error names WHAT. */
static int table_varint(gomem_trace_reader *r, const uint8_t *d, size_t n, size_t *at, uint64_t base,
			uint64_t *v, const char *what)
{
	int k = tr_uvarint(d + *at, n - *at, v);

	if (k <= 0)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, base + *at, "%s: %s", what,
					   k == 0 ? "batch ends inside it" : "varint overflows 64 bits");
	*at += (size_t)k;
	return GOMEM_OK;
}

static int add_strings(gomem_trace_reader *r, const uint8_t *d, size_t n, uint64_t base)
{
	size_t at = 1;

	while (at < n) {
		uint64_t id, len, ev_off = base + at;
		int rc;

		if (d[at] != TR_EV_STRING)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev_off, "expected string event, got %d",
						   d[at]);
		at++;
		if ((rc = table_varint(r, d, n, &at, base, &id, "string ID")) ||
		    (rc = table_varint(r, d, n, &at, base, &len, "string length")))
			return rc;
		if (len > TR_MAX_STRING)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev_off,
						   "invalid string size %llu, maximum is %d",
						   (unsigned long long)len, TR_MAX_STRING);
		if (len > n - at)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev_off,
						   "failed to read full string: read %zu but wanted %llu", n - at,
						   (unsigned long long)len);
		if ((rc = tr_table_add_string(&r->gen.table, id, (const char *)d + at, (size_t)len, &r->err,
					      ev_off)) != GOMEM_OK)
			return rc;
		at += (size_t)len;
	}
	return GOMEM_OK;
}

static int add_stacks(gomem_trace_reader *r, const uint8_t *d, size_t n, uint64_t base)
{
	uint64_t pcs[TR_MAX_FRAMES];
	size_t at = 1;

	while (at < n) {
		uint64_t id, nframes, ev_off = base + at;
		int rc;

		if (d[at] != TR_EV_STACK)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev_off, "expected stack event, got %d",
						   d[at]);
		at++;
		if ((rc = table_varint(r, d, n, &at, base, &id, "stack ID")) ||
		    (rc = table_varint(r, d, n, &at, base, &nframes, "stack depth")))
			return rc;
		if (nframes > TR_MAX_FRAMES)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev_off,
						   "invalid stack size %llu, maximum is %d",
						   (unsigned long long)nframes, TR_MAX_FRAMES);
		for (uint64_t i = 0; i < nframes; i++) {
			struct tr_frame f;

			if ((rc = table_varint(r, d, n, &at, base, &f.pc, "frame PC")) ||
			    (rc = table_varint(r, d, n, &at, base, &f.func, "frame function")) ||
			    (rc = table_varint(r, d, n, &at, base, &f.file, "frame file")) ||
			    (rc = table_varint(r, d, n, &at, base, &f.line, "frame line")))
				return rc;
			pcs[i] = f.pc;
			if ((rc = tr_table_add_frame(&r->gen.table, &f)) != GOMEM_OK)
				return gomem_error_at_byte(&r->err, rc, ev_off, "stack table: %s",
							   gomem_strerror(rc));
		}
		if ((rc = tr_table_add_stack(&r->gen.table, id, pcs, (uint32_t)nframes, &r->err, ev_off)))
			return rc;
	}
	return GOMEM_OK;
}

static int add_cpu_samples(gomem_trace_reader *r, const uint8_t *d, size_t n, uint64_t base)
{
	size_t at = 1;

	while (at < n) {
		uint64_t v[5], ev_off = base + at;
		struct tr_cpu *c;
		int rc;

		if (d[at] != TR_EV_CPU_SAMPLE)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev_off,
						   "expected CPU sample event, got %d", d[at]);
		at++;
		for (int i = 0; i < 5; i++)
			if ((rc = table_varint(r, d, n, &at, base, &v[i], "CPU sample")))
				return rc;
		if ((rc = GOMEM_GROW(r->gen.cpu, r->gen.cpu_cap, r->gen.ncpu + 1, r->max_gen / sizeof(*c))))
			return gomem_error_at_byte(&r->err, rc, ev_off, "CPU samples: %s", gomem_strerror(rc));
		c = &r->gen.cpu[r->gen.ncpu++];
		c->time = (int64_t)v[0]; /* ticks until the generation is sealed */
		c->m = (int64_t)v[1];
		c->p = (int64_t)v[2];
		c->g = v[3] == 0 ? TR_NONE : (int64_t)v[3];
		c->stack = v[4];
		c->off = ev_off;
	}
	return GOMEM_OK;
}

static int add_frequency(gomem_trace_reader *r, const uint8_t *d, size_t n, uint64_t base)
{
	size_t at = 1;
	uint64_t f;
	int rc;

	if ((rc = table_varint(r, d, n, &at, base, &f, "frequency")))
		return rc;
	if (r->gen.freq != 0)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, base, "found multiple frequency events");
	if (f == 0)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, base, "invalid frequency 0 ticks per second");
	/* nanoseconds per tick, computed as Go computes it */
	r->gen.freq = 1.0 / ((double)f / 1e9);
	return GOMEM_OK;
}

static int keep_event_batch(gomem_trace_reader *r, const struct batch_hdr *h, const uint8_t *d,
			    uint64_t base)
{
	struct tr_batch *b;
	int rc;

	if ((rc = GOMEM_GROW(r->gen.batches, r->gen.batches_cap, r->gen.nbatches + 1,
			     r->max_gen / sizeof(*b))) != GOMEM_OK ||
	    (rc = gomem_buf_append(&r->gen.data, d, (size_t)h->size)) != GOMEM_OK)
		return gomem_error_at_byte(&r->err, rc, base,
					   rc == GOMEM_E_LIMIT ? "generation %llu holds more than %llu bytes "
					   "(raise the limit: --max-input)" : "generation %llu: out of memory (%llu)",
					   (unsigned long long)r->gen.num, (unsigned long long)r->max_gen);
	b = &r->gen.batches[r->gen.nbatches++];
	b->m = h->m;
	b->time = h->time;
	b->off = r->gen.data.len - (size_t)h->size;
	b->len = (uint32_t)h->size;
	b->in_off = base;
	return GOMEM_OK;
}

/* Go's processBatch. */
static int process_batch(gomem_trace_reader *r, const struct batch_hdr *h)
{
	const uint8_t *d = (const uint8_t *)r->in.data + r->in_pos + h->hdr_len;
	size_t n = (size_t)h->size;
	uint64_t base = r->in_base + r->in_pos + h->hdr_len;

	if (h->exp != 0)
		return GOMEM_OK; /* experimental side data: nothing here reads it */
	if (n > 0 && d[0] == TR_EV_STRINGS)
		return add_strings(r, d, n, base);
	if (n > 0 && d[0] == TR_EV_STACKS)
		return add_stacks(r, d, n, base);
	if (n > 0 && d[0] == TR_EV_CPU_SAMPLES)
		return add_cpu_samples(r, d, n, base);
	if (n > 0 && d[0] == TR_EV_FREQUENCY)
		return add_frequency(r, d, n, base);
	return keep_event_batch(r, h, d, base);
}

/* ---- a generation ------------------------------------------------------------- */

static void reset_generation(gomem_trace_reader *r)
{
	struct tr_gen *g = &r->gen;

	g->num = 0;
	g->started = 0;
	g->freq = 0;
	g->data.len = 0;
	g->nbatches = g->ncpu = 0;
	tr_table_reset(&g->table);
	r->ncursors = r->nfrontier = r->cpu_pos = 0;
}

static int cmp_cpu(const void *a, const void *b, void *ctx)
{
	const struct tr_cpu *x = a, *y = b;

	(void)ctx;
	return x->time < y->time ? -1 : x->time > y->time;
}

/* Every frame's strings are in the table (checked when the generation is
 * whole: the table may come after the stacks; the error is placed at the
 * generation's end). */
static int validate_stacks(gomem_trace_reader *r)
{
	const struct tr_table *t = &r->gen.table;
	uint64_t end = r->in_base + r->in_pos;

	for (size_t i = 0; i < t->nframes; i++) {
		const struct tr_frame *f = &t->frames[i];

		if (!tr_table_string(t, f->func))
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, end,
						   "generation %llu: found invalid func string ID %llu for frame 0x%llx",
						   (unsigned long long)r->gen.num, (unsigned long long)f->func,
						   (unsigned long long)f->pc);
		if (!tr_table_string(t, f->file))
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, end,
						   "generation %llu: found invalid file string ID %llu for frame 0x%llx",
						   (unsigned long long)r->gen.num, (unsigned long long)f->file,
						   (unsigned long long)f->pc);
	}
	return GOMEM_OK;
}

static int read_event(gomem_trace_reader *r, struct tr_cursor *c, const struct tr_batch *b);

/* Go's batchCursor.nextEvent: 1 with c->ev, 0 at the end of the M's batches. */
static int cursor_next(gomem_trace_reader *r, struct tr_cursor *c)
{
	const struct tr_batch *b;

	while (c->idx < c->nbatches && r->gen.batches[r->bidx[c->first + c->idx]].len == c->data_off) {
		c->idx++;
		c->data_off = 0;
		c->last_ts = 0;
	}
	if (c->idx == c->nbatches)
		return 0;
	b = &r->gen.batches[r->bidx[c->first + c->idx]];
	if (c->last_ts == 0)
		c->last_ts = tr_ticks_to_ns(b->time, r->gen.freq);
	return read_event(r, c, b);
}

/* Go's readTimedBaseEvent, then the time from the cursor's last. */
static int read_event(gomem_trace_reader *r, struct tr_cursor *c, const struct tr_batch *b)
{
	const uint8_t *p = (const uint8_t *)r->gen.data.data + b->off + c->data_off;
	size_t n = b->len - c->data_off, at = 1;
	uint64_t off = b->in_off + c->data_off, dt;
	const struct tr_spec *s = tr_spec(p[0], r->minor);
	int k;

	if (s == NULL)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, off, "found invalid event type: %d", p[0]);
	if (!s->timed || s->nargs == 0)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, off,
					   "found event without a timestamp: type=%d", p[0]);
	memset(&c->ev, 0, sizeof(c->ev));
	c->ev.typ = p[0];
	c->ev.off = off;
	if ((k = tr_uvarint(p + at, n - at, &dt)) <= 0)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, off + at,
					   "found invalid uvarint for timestamp");
	at += (size_t)k;
	for (int i = 0; i < s->nargs - 1; i++) {
		if ((k = tr_uvarint(p + at, n - at, &c->ev.args[i])) <= 0)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, off + at, "found invalid uvarint");
		at += (size_t)k;
	}
	/* int64 wraps in Go; unsigned arithmetic keeps C defined */
	c->ev.time = (int64_t)((uint64_t)tr_ticks_to_ns(dt, r->gen.freq) + (uint64_t)c->last_ts);
	c->last_ts = c->ev.time;
	c->data_off += at;
	return 1;
}

/* ---- the frontier: Go's min-heap of cursors by their next event's time ----- */

static void heap_swap(struct tr_cursor **h, size_t i, size_t j)
{
	struct tr_cursor *t = h[i];

	h[i] = h[j];
	h[j] = t;
}

static size_t sift_up(struct tr_cursor **h, size_t i)
{
	while (i > 0 && h[(i - 1) / 2]->ev.time > h[i]->ev.time) {
		heap_swap(h, (i - 1) / 2, i);
		i = (i - 1) / 2;
	}
	return i;
}

static void sift_down(struct tr_cursor **h, size_t n, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, rr = 2 * i + 2;
		int64_t mt = INT64_MAX;

		if (i < n)
			mt = h[i]->ev.time;
		if (l < n && h[l]->ev.time < mt) {
			mt = h[l]->ev.time;
			m = l;
		}
		if (rr < n && h[rr]->ev.time < mt)
			m = rr;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
}

static void heap_update(gomem_trace_reader *r, size_t i)
{
	if (sift_up(r->frontier, i) != i)
		return;
	sift_down(r->frontier, r->nfrontier, i);
}

static void heap_remove(gomem_trace_reader *r, size_t i)
{
	while (i > 0) {
		heap_swap(r->frontier, (i - 1) / 2, i);
		i = (i - 1) / 2;
	}
	heap_swap(r->frontier, 0, r->nfrontier - 1);
	r->nfrontier--;
	sift_down(r->frontier, r->nfrontier, 0);
}

static int cmp_cursor(const void *a, const void *b, void *ctx)
{
	const struct tr_cursor *x = *(struct tr_cursor *const *)a, *y = *(struct tr_cursor *const *)b;

	(void)ctx;
	return x->ev.time < y->ev.time ? -1 : x->ev.time > y->ev.time;
}

/* Groups the event batches by M (in the order each M first appears) and
 * puts each M's first event on the frontier. */
static int build_frontier(gomem_trace_reader *r)
{
	struct tr_map ms;
	size_t *fill = NULL;
	int rc = GOMEM_OK;

	tr_map_init(&ms);
	r->ncursors = 0;
	for (size_t i = 0; i < r->gen.nbatches && rc == GOMEM_OK; i++) {
		uint32_t c;

		if (tr_map_get(&ms, r->gen.batches[i].m, &c)) {
			r->cursors[c].nbatches++;
			continue;
		}
		if ((rc = GOMEM_GROW(r->cursors, r->cursors_cap, r->ncursors + 1, SIZE_MAX / 128)) == GOMEM_OK &&
		    (rc = tr_map_put(&ms, r->gen.batches[i].m, (uint32_t)r->ncursors)) == GOMEM_OK) {
			memset(&r->cursors[r->ncursors], 0, sizeof(r->cursors[0]));
			r->cursors[r->ncursors].m = r->gen.batches[i].m;
			r->cursors[r->ncursors++].nbatches = 1;
		}
	}
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(r->bidx, r->bidx_cap, r->gen.nbatches + 1, SIZE_MAX / 16);
	if (rc == GOMEM_OK)
		rc = GOMEM_GROW(r->frontier, r->frontier_cap, r->ncursors + 1, SIZE_MAX / 16);
	if (rc == GOMEM_OK && (fill = calloc(r->ncursors + 1, sizeof(*fill))) == NULL)
		rc = GOMEM_E_NOMEM;
	if (rc != GOMEM_OK) {
		tr_map_free(&ms);
		free(fill);
		return gomem_error_set(&r->err, rc, "generation %llu: %s", (unsigned long long)r->gen.num,
				       gomem_strerror(rc));
	}
	for (size_t c = 1; c < r->ncursors; c++)
		r->cursors[c].first = r->cursors[c - 1].first + r->cursors[c - 1].nbatches;
	for (size_t i = 0; i < r->gen.nbatches; i++) {
		uint32_t c;

		tr_map_get(&ms, r->gen.batches[i].m, &c);
		r->bidx[r->cursors[c].first + fill[c]++] = i;
	}
	free(fill);
	tr_map_free(&ms);
	r->nfrontier = 0;
	for (size_t c = 0; c < r->ncursors; c++) {
		int ok = cursor_next(r, &r->cursors[c]);

		if (ok < 0)
			return ok;
		if (ok == 0)
			continue;
		r->frontier[r->nfrontier++] = &r->cursors[c];
		sift_up(r->frontier, r->nfrontier - 1);
	}
	return GOMEM_OK;
}

/* Everything of the generation is in: check and index it (the end of Go's
 * readGeneration), then start its events. */
static int seal_generation(gomem_trace_reader *r)
{
	int rc;

	if (r->gen.freq == 0)
		return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, r->in_base + r->in_pos,
					   "generation %llu: no frequency event found", (unsigned long long)r->gen.num);
	if ((rc = validate_stacks(r)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < r->gen.ncpu; i++)
		r->gen.cpu[i].time = tr_ticks_to_ns((uint64_t)r->gen.cpu[i].time, r->gen.freq);
	if (gomem_sort(r->gen.cpu, r->gen.ncpu, sizeof(*r->gen.cpu), cmp_cpu, NULL) != GOMEM_OK)
		return gomem_error_set(&r->err, GOMEM_E_NOMEM, "%s", gomem_strerror(GOMEM_E_NOMEM));
	if ((rc = build_frontier(r)) != GOMEM_OK)
		return rc;
	r->ngens++;
	r->draining = 1;
	r->emitted_sync = 0;
	return FILL_READY;
}

/* An error reading a batch once the generation has begun ends the
 * generation: Go hands out its events first and the error after. */
static int batch_error(gomem_trace_reader *r, const struct batch_hdr *h)
{
	int rc;

	if (!r->gen.started)
		return r->err.code;
	/* Cut inside the next generation's first batch, this one is whole and
	 * its own failures stand, as in Go; cut inside this one (or where the
	 * batch's generation cannot be read), the cut explains what fails. */
	r->pending_explains = !(h->hdr_len > 0 && h->gen == r->gen.num + 1);
	r->pending = r->err;
	gomem_error_clear(&r->err);
	gomem_error_set_source(&r->err, r->pending.source);
	if ((rc = seal_generation(r)) < 0 && r->pending_explains) {
		/* the generation is unusable without the rest: name the cause */
		r->err = r->pending;
		gomem_error_clear(&r->pending);
		return r->err.code;
	}
	return rc;
}

/* Reads batches until the generation is whole (Go's readGeneration). */
static int fill_generation(gomem_trace_reader *r)
{
	struct batch_hdr h;
	int rc;

	for (;;) {
		rc = peek_batch(r, &h);
		if (rc < 0)
			return batch_error(r, &h);
		if (rc == 0) {
			size_t left = r->in.len - r->in_pos;

			if (!r->finished)
				return FILL_NEED_MORE;
			if (left == 0) {
				if (r->gen.started)
					return seal_generation(r);
				if (r->ngens == 0)
					return gomem_error_at_byte(&r->err, GOMEM_E_TRUNCATED, r->in_base + r->in_pos,
								   "no generation in the trace: it ends after "
								   "the header");
				return FILL_END;
			}
			gomem_error_at_byte(&r->err, GOMEM_E_TRUNCATED, r->in_base + r->in_pos,
					    "truncated batch: the trace ends at byte %llu, inside it",
					    (unsigned long long)(r->in_base + r->in.len));
			return batch_error(r, &h);
		}
		if (h.gen == 0)
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, r->in_base + r->in_pos,
						   "invalid generation number 0");
		if (!r->gen.started) {
			r->gen.num = h.gen;
			r->gen.started = 1;
		} else if (h.gen == r->gen.num + 1) {
			return seal_generation(r); /* the batch stays for the next one */
		} else if (h.gen != r->gen.num) {
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, r->in_base + r->in_pos,
						   "generations out of order: batch of generation %llu in "
						   "generation %llu", (unsigned long long)h.gen,
						   (unsigned long long)r->gen.num);
		}
		if ((rc = process_batch(r, &h)) != GOMEM_OK)
			return rc;
		r->in_pos += h.hdr_len + (size_t)h.size;
	}
}

/* ---- events out -------------------------------------------------------------------- */

/* Go's Event.validateTableIDs. */
static int validate_ids(gomem_trace_reader *r, const struct tr_ev *ev)
{
	const struct tr_spec *s = tr_spec(ev->typ, r->minor);
	const struct tr_table *t = &r->gen.table;
	const uint64_t *pcs;
	uint32_t n;
	int8_t stacks[2], strs[2];

	if (ev->typ == TR_EV_SYNC)
		return GOMEM_OK;
	if (ev->typ == TR_EV_CPU_SAMPLE) {
		if (!tr_table_stack(t, ev->args[0], &pcs, &n))
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev->off,
						   "found invalid stack ID %llu for event CPUSample",
						   (unsigned long long)ev->args[0]);
		return GOMEM_OK;
	}
	stacks[0] = s->stack_arg;
	stacks[1] = s->stack_arg2;
	strs[0] = s->string_arg;
	strs[1] = s->string_arg2;
	for (int i = 0; i < 2; i++) {
		if (stacks[i] > 0 && !tr_table_stack(t, ev->args[stacks[i] - 1], &pcs, &n))
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev->off,
						   "found invalid stack ID %llu for event %s",
						   (unsigned long long)ev->args[stacks[i] - 1], s->name);
		if (strs[i] > 0 && !tr_table_string(t, ev->args[strs[i] - 1]))
			return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, ev->off,
						   "found invalid string ID %llu for event %s",
						   (unsigned long long)ev->args[strs[i] - 1], s->name);
	}
	return GOMEM_OK;
}

static int emit(gomem_trace_reader *r, const gomem_trace_event **out, const struct tr_table *t, int fix)
{
	int rc;

	if (fix) {
		if ((rc = validate_ids(r, &r->cur)) != GOMEM_OK)
			return failed(r, rc);
		if (r->cur.time <= r->last_ts)
			r->cur.time = r->last_ts + 1;
		r->last_ts = r->cur.time;
	}
	r->cur_table = t;
	if ((rc = tr_event_public(&r->out, &r->cur, t, r->minor, &r->err, r->namebuf, sizeof(r->namebuf))))
		return failed(r, rc);
	*out = &r->out;
	return 1;
}

static int try_advance(gomem_trace_reader *r, size_t i)
{
	struct tr_cursor *c = r->frontier[i];
	int ok = tr_order_advance(&r->order, &c->ev, &r->gen.table, c->m, r->gen.num);

	if (ok <= 0)
		return ok;
	ok = cursor_next(r, c);
	if (ok < 0)
		return ok;
	if (ok)
		heap_update(r, i);
	else
		heap_remove(r, i);
	return 1;
}

static int advance_frontier(gomem_trace_reader *r)
{
	int ok = try_advance(r, 0);

	if (ok != 0)
		return ok;
	/* rare: the earliest M must wait for another; try them in time order */
	if (gomem_sort(r->frontier, r->nfrontier, sizeof(*r->frontier), cmp_cursor, NULL) != GOMEM_OK)
		return gomem_error_set(&r->err, GOMEM_E_NOMEM, "%s", gomem_strerror(GOMEM_E_NOMEM));
	for (size_t i = 1; i < r->nfrontier; i++)
		if ((ok = try_advance(r, i)) != 0)
			return ok;
	return gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, r->frontier[0]->ev.off,
				   "broken trace: failed to advance: no thread's next event can happen "
				   "(generation %llu, %s on thread %lld at %lld ns)",
				   (unsigned long long)r->gen.num, gomem_trace_type_name(r->frontier[0]->ev.typ),
				   (long long)r->frontier[0]->m, (long long)r->frontier[0]->ev.time);
}

static int next_new(gomem_trace_reader *r, const gomem_trace_event **out)
{
	int rc;

	for (;;) {
		if (tr_queue_pop(&r->order.queue, &r->cur))
			return emit(r, out, &r->gen.table, 1);
		if (!r->draining || (r->nfrontier == 0 && r->cpu_pos == r->gen.ncpu)) {
			if (r->draining) {
				if (!r->emitted_sync) {
					r->emitted_sync = 1;
					memset(&r->cur, 0, sizeof(r->cur));
					r->cur.typ = TR_EV_SYNC;
					r->cur.time = r->last_ts;
					r->cur.g = r->cur.p = r->cur.m = TR_NONE;
					r->cur.off = r->in_base + r->in_pos;
					return emit(r, out, &r->gen.table, 1);
				}
				r->draining = 0;
				reset_generation(r);
				if (r->pending.code != GOMEM_OK) {
					r->err = r->pending;
					return failed(r, r->err.code);
				}
			}
			if (r->done)
				return 0;
			rc = fill_generation(r);
			if (rc == FILL_NEED_MORE)
				return 0;
			if (rc == FILL_END) {
				r->done = 1;
				return 0;
			}
			if (rc < 0)
				return failed(r, rc);
			if (r->nfrontier == 0 && r->gen.ncpu == 0)
				return failed(r, gomem_error_at_byte(&r->err, GOMEM_E_FORMAT, r->in_base + r->in_pos,
								     "broken trace: generation %llu has no events",
								     (unsigned long long)r->gen.num));
			continue;
		}
		if (r->cpu_pos < r->gen.ncpu &&
		    (r->nfrontier == 0 || r->gen.cpu[r->cpu_pos].time < r->frontier[0]->ev.time)) {
			const struct tr_cpu *c = &r->gen.cpu[r->cpu_pos++];

			memset(&r->cur, 0, sizeof(r->cur));
			r->cur.typ = TR_EV_CPU_SAMPLE;
			r->cur.time = c->time;
			r->cur.g = c->g;
			r->cur.p = c->p;
			r->cur.m = c->m;
			r->cur.args[0] = c->stack;
			r->cur.off = c->off;
			return emit(r, out, &r->gen.table, 1);
		}
		if ((rc = advance_frontier(r)) < 0)
			return failed(r, rc);
	}
}

static int next_old(gomem_trace_reader *r, const gomem_trace_event **out)
{
	int rc;

	if (r->old == NULL) {
		if (!r->finished)
			return 0;
		rc = tr_old_parse(&r->old, (const uint8_t *)r->in.data + r->in_pos, r->in.len - r->in_pos,
				  r->in_base + r->in_pos, r->minor, (size_t)r->max_gen, &r->err);
		if (rc != GOMEM_OK)
			return failed(r, rc);
		gomem_buf_free(&r->in);
		r->in_pos = 0;
		r->ngens = 1;
	}
	if (r->done)
		return 0;
	rc = tr_old_next(r->old, &r->cur);
	if (rc < 0)
		return failed(r, rc);
	if (rc == 0) {
		r->done = 1;
		return 0;
	}
	return emit(r, out, tr_old_table(r->old), 0);
}

int gomem_trace_reader_next(gomem_trace_reader *r, const gomem_trace_event **out)
{
	int rc;

	*out = NULL;
	if (r->failed)
		return r->failed;
	if (r->mode == MODE_HEADER) {
		if ((rc = read_header(r)) <= 0)
			return rc < 0 ? failed(r, rc) : 0;
	}
	if (r->mode == MODE_OLD)
		return next_old(r, out);
	rc = next_new(r, out);
	if (rc < 0 && r->pending.code != GOMEM_OK && r->pending_explains) {
		/* a generation cut short fails in many ways: name the cut */
		r->err = r->pending;
		gomem_error_clear(&r->pending);
		r->failed = r->err.code;
		return r->failed;
	}
	return rc;
}

/* ---- stacks -------------------------------------------------------------------- */

size_t gomem_trace_stack_depth(const gomem_trace_reader *r, uint64_t stack)
{
	const uint64_t *pcs;
	uint32_t n;

	if (r->cur_table == NULL || !tr_table_stack(r->cur_table, stack, &pcs, &n))
		return 0;
	return n;
}

int gomem_trace_stack_frame(const gomem_trace_reader *r, uint64_t stack, size_t i, gomem_trace_frame *out)
{
	const struct tr_frame *f;
	const uint64_t *pcs;
	const char *s;
	uint32_t n;

	memset(out, 0, sizeof(*out));
	out->func = out->file = "";
	if (r->cur_table == NULL || !tr_table_stack(r->cur_table, stack, &pcs, &n) || i >= n)
		return GOMEM_E_NOTFOUND;
	out->pc = pcs[i];
	if ((f = tr_table_frame(r->cur_table, pcs[i])) == NULL)
		return GOMEM_OK;
	out->line = f->line;
	if ((s = tr_table_string(r->cur_table, f->func)) != NULL)
		out->func = s;
	if ((s = tr_table_string(r->cur_table, f->file)) != NULL)
		out->file = s;
	return GOMEM_OK;
}
