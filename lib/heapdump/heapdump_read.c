/* SPDX-License-Identifier: Apache-2.0 */
/* heapdump_read.c — the records of a `go1.7 heap dump`, as
 * runtime/heapdump.go writes them: uvarints (encoding/binary's, at most ten
 * bytes), strings and memory ranges as a uvarint length and the bytes, and
 * field lists of (kind, offset) pairs ended by kind 0. The input is pulled
 * from a gomem_source chunk by chunk; only the record being read is held
 * (an object's contents until its pointer offsets, which follow them, have
 * been read), so a dump is never held whole. */
#include <stdlib.h>
#include <string.h>

#include "heapdump-internal.h"

enum {
	TAG_EOF = 0, TAG_OBJECT = 1, TAG_OTHER_ROOT = 2, TAG_TYPE = 3, TAG_GOROUTINE = 4,
	TAG_STACK_FRAME = 5, TAG_PARAMS = 6, TAG_FINALIZER = 7, TAG_ITAB = 8, TAG_OS_THREAD = 9,
	TAG_MEMSTATS = 10, TAG_QUEUED_FINALIZER = 11, TAG_DATA = 12, TAG_BSS = 13, TAG_DEFER = 14,
	TAG_PANIC = 15, TAG_MEMPROF = 16, TAG_ALLOC_SAMPLE = 17
};
enum { FIELD_EOL = 0, FIELD_PTR = 1, FIELD_IFACE = 2, FIELD_EFACE = 3 };

static const char header[] = "go1.7 heap dump\n";
#define HEADER_LEN (sizeof(header) - 1)
/* A memprof record's stack depth: the runtime keeps at most 32 frames
 * (maxStack 32, 128 from Go 1.23's tunable profstackdepth... capped here). */
#define MAX_STACK 1024
#define MAX_STRING ((uint64_t)1 << 20)

struct rd {
	gomem_heapdump *d;
	gomem_source *src;
	gomem_error *err;
	const uint8_t *p, *end;
	uint64_t off;          /* offset of p in the input */
	uint64_t rec;          /* offset of the record being read */
	gomem_buf scratch;     /* the contents of the record being read, when copied */
	/* The contents of the record being read: borrowed from the current
	 * chunk while they fit in it (copied into scratch before the chunk is
	 * replaced), else scratch's. */
	const uint8_t *data;
	size_t dlen;
	bool borrowed;
	uint64_t cur_goroutine;/* goid of the last goroutine record; frames belong to it */
	bool have_goroutine, have_params;
	uint32_t cur_g;        /* its index */
	uint64_t *rec_off;     /* per object: its record's offset (for overlap errors) */
	bool fast;             /* 8-byte little-endian pointers on a little-endian host */
};

static int truncated(struct rd *r)
{
	return gomem_error_at_byte(r->err, GOMEM_E_TRUNCATED, r->off,
				   "the dump ends inside a record (tag at byte %llu)",
				   (unsigned long long)r->rec);
}

static int refill(struct rd *r)
{
	const uint8_t *data;
	size_t len;
	int rc;
	if (r->borrowed) { /* the chunk goes: keep the record's contents */
		r->scratch.len = 0;
		if ((rc = gomem_buf_append(&r->scratch, r->data, r->dlen)) != GOMEM_OK)
			return gomem_error_at_byte(r->err, rc, r->off, "record contents: %s", gomem_strerror(rc));
		r->data = (const uint8_t *)r->scratch.data;
		r->borrowed = false;
	}
	rc = gomem_source_read(r->src, &data, &len);
	if (rc != GOMEM_OK) {
		gomem_error_copy(r->err, gomem_source_error(r->src));
		return rc;
	}
	if (len == 0)
		return truncated(r);
	r->p = data;
	r->end = data + len;
	return GOMEM_OK;
}

static int rd_byte(struct rd *r, uint8_t *b)
{
	int rc;
	if (r->p == r->end && (rc = refill(r)) != GOMEM_OK)
		return rc;
	*b = *r->p++;
	r->off++;
	return GOMEM_OK;
}

/* encoding/binary's uvarint: at most ten bytes, the tenth at most 1. */
static int rd_uint_slow(struct rd *r, uint64_t *v)
{
	uint64_t x = 0;
	uint64_t start = r->off;
	for (unsigned shift = 0, i = 0;; shift += 7, i++) {
		uint8_t b;
		int rc = rd_byte(r, &b);
		if (rc != GOMEM_OK)
			return rc;
		if (i == 9 && b > 1)
			return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, start,
						   "varint overflows 64 bits");
		x |= (uint64_t)(b & 0x7f) << shift;
		if (b < 0x80)
			break;
		if (i == 9)
			return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, start,
						   "varint longer than ten bytes");
	}
	*v = x;
	return GOMEM_OK;
}

/* The same without a call per byte when ten bytes are in the chunk. */
static inline int rd_uint(struct rd *r, uint64_t *v)
{
	if (r->end - r->p < 10)
		return rd_uint_slow(r, v);
	const uint8_t *p = r->p;
	uint64_t x = 0;
	for (unsigned i = 0; i < 9; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (p[i] < 0x80) {
			r->p += i + 1;
			r->off += i + 1;
			*v = x;
			return GOMEM_OK;
		}
	}
	return rd_uint_slow(r, v); /* a tenth byte: the checks */
}

static int rd_bool(struct rd *r, bool *v)
{
	uint64_t x;
	int rc = rd_uint(r, &x);
	if (rc == GOMEM_OK && x > 1)
		return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, r->off - 1,
					   "boolean is %llu, not 0 or 1", (unsigned long long)x);
	*v = x == 1;
	return rc;
}

/* A length and that many bytes into the scratch buffer (grown only as the
 * bytes arrive, so a length of 2^60 ends at the end of the input). */
static int rd_range(struct rd *r, uint64_t max)
{
	uint64_t len, at = r->off;
	int rc = rd_uint(r, &len);
	if (rc != GOMEM_OK)
		return rc;
	if (len > max)
		return gomem_error_at_byte(r->err, GOMEM_E_LIMIT, at, "length %llu is past the limit of %llu bytes",
					   (unsigned long long)len, (unsigned long long)max);
	r->scratch.len = 0;
	r->borrowed = false;
	if ((uint64_t)(r->end - r->p) >= len) { /* in the chunk: no copy */
		r->data = r->p;
		r->dlen = (size_t)len;
		r->borrowed = true;
		r->p += len;
		r->off += len;
		return GOMEM_OK;
	}
	r->dlen = (size_t)len;
	while (len > 0) {
		if (r->p == r->end && (rc = refill(r)) != GOMEM_OK)
			return rc;
		size_t n = (size_t)(r->end - r->p) < len ? (size_t)(r->end - r->p) : (size_t)len;
		if ((rc = gomem_buf_append(&r->scratch, r->p, n)) != GOMEM_OK)
			return gomem_error_at_byte(r->err, rc, at, "record of %llu bytes: %s",
						   (unsigned long long)len, gomem_strerror(rc));
		r->p += n;
		r->off += n;
		len -= n;
	}
	r->data = (const uint8_t *)r->scratch.data;
	return GOMEM_OK;
}

static int rd_string(struct rd *r, uint32_t *id)
{
	int rc = rd_range(r, MAX_STRING);
	if (rc == GOMEM_OK && (rc = gomem_strpool_intern(&r->d->strings, r->dlen ? (const char *)r->data : "",
							  r->dlen, id)) != GOMEM_OK)
		return gomem_error_set(r->err, rc, "%s", gomem_strerror(rc));
	return rc;
}

static int rd_uints(struct rd *r, uint64_t *v, size_t n)
{
	int rc = GOMEM_OK;
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++)
		rc = rd_uint(r, &v[i]);
	return rc;
}

int hd_slots_grow(struct hd_slots *s, size_t need)
{
	size_t cap = s->cap;
	int rc = GOMEM_GROW(s->value, cap, need, s->max);
	if (rc != GOMEM_OK)
		return rc;
	cap = s->cap;
	if ((rc = GOMEM_GROW(s->word, cap, need, s->max)) != GOMEM_OK)
		return rc;
	s->cap = cap;
	return GOMEM_OK;
}

void hd_slots_free(struct hd_slots *s)
{
	free(s->value);
	free(s->word);
	free(s->target);
	s->value = NULL;
	s->word = NULL;
	s->target = NULL;
	s->n = s->cap = 0;
}

static uint64_t load_ptr(const gomem_heapdump *d, const uint8_t *p)
{
	static const union { uint16_t u; uint8_t b[2]; } host = {1};
	if (d->params.ptr_size == 8 && host.b[0] == 1 && !d->params.big_endian) {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	uint64_t v = 0;
	unsigned n = d->params.ptr_size;
	for (unsigned i = 0; i < n; i++) {
		unsigned shift = d->params.big_endian ? 8 * (n - 1 - i) : 8 * i;
		v |= (uint64_t)p[i] << shift;
	}
	return v;
}

/* With keep_outside: the word before pointer slot WORD when it is no
 * pointer slot itself and holds a value outside the arena — an interface's
 * type word, which the pointer maps leave out. */
static int aux_word(struct rd *r, struct hd_slots *slots, uint64_t word, uint64_t last_ptr)
{
	const gomem_heapdump *d = r->d;
	if (!d->opts.keep_outside || word == 0 || last_ptr == word - 1)
		return GOMEM_OK;
	uint64_t v = load_ptr(d, r->data + (word - 1) * d->params.ptr_size);
	if (v == 0 || (v >= d->params.arena_start && v < d->params.arena_end))
		return GOMEM_OK;
	int rc = hd_slots_push(slots, v, (word - 1) | GOMEM_HEAPDUMP_AUX_WORD);
	if (rc != GOMEM_OK)
		return gomem_error_at_byte(r->err, rc, r->off, "pointer slots: %s", gomem_strerror(rc));
	return GOMEM_OK;
}

/* The field list after the contents in the scratch buffer: every pointer
 * slot's value into SLOTS (nil ones dropped). */
static int rd_fields(struct rd *r, struct hd_slots *slots)
{
	uint64_t ps = r->d->params.ptr_size, len = r->dlen;
	uint64_t last_ptr = UINT64_MAX; /* word of the last pointer slot */
	for (;;) {
		uint64_t kind, off, at = r->off;
		int rc = rd_uint(r, &kind);
		if (rc != GOMEM_OK)
			return rc;
		if (kind == FIELD_EOL)
			return GOMEM_OK;
		if (kind > FIELD_EFACE)
			return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, at, "unknown field kind %llu",
						   (unsigned long long)kind);
		if ((rc = rd_uint(r, &off)) != GOMEM_OK)
			return rc;
		uint64_t words = kind == FIELD_PTR ? 1 : 2; /* an interface: type word and data */
		if (off > len || len - off < words * ps)
			return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, at,
						   "pointer offset %llu outside its %llu bytes",
						   (unsigned long long)off, (unsigned long long)len);
		if (off % ps != 0)
			return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, at,
						   "pointer offset %llu is not word-aligned",
						   (unsigned long long)off);
		if (off / ps >= GOMEM_HEAPDUMP_AUX_WORD / 2)
			return gomem_error_at_byte(r->err, GOMEM_E_LIMIT, at, "pointer offset %llu too large",
						   (unsigned long long)off);
		if ((rc = aux_word(r, slots, off / ps, last_ptr)) != GOMEM_OK)
			return rc;
		last_ptr = off / ps + words - 1;
		for (uint64_t w = 0; w < words; w++) {
			uint64_t v = load_ptr(r->d, r->data + off + w * ps);
			r->d->counts.pointer_slots++;
			if (v == 0) {
				r->d->counts.dropped_slots++;
				continue;
			}
			if ((rc = hd_slots_push(slots, v, off / ps + w)) != GOMEM_OK)
				return gomem_error_at_byte(r->err, rc, at, "pointer slots: %s", gomem_strerror(rc));
		}
	}
}

static int need_params(struct rd *r, const char *what)
{
	if (r->have_params)
		return GOMEM_OK;
	return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, r->rec, "%s record before the params record", what);
}

static int read_params(struct rd *r)
{
	gomem_heapdump *d = r->d;
	uint64_t ps, at;
	int rc;
	if (r->have_params)
		return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, r->rec, "a second params record");
	if ((rc = rd_bool(r, &d->params.big_endian)) != GOMEM_OK)
		return rc;
	at = r->off;
	if ((rc = rd_uint(r, &ps)) != GOMEM_OK)
		return rc;
	if (ps != 4 && ps != 8)
		return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, at, "pointer size %llu is not 4 or 8",
					   (unsigned long long)ps);
	d->params.ptr_size = (uint32_t)ps;
	if ((rc = rd_uint(r, &d->params.arena_start)) != GOMEM_OK ||
	    (rc = rd_uint(r, &d->params.arena_end)) != GOMEM_OK || (rc = rd_string(r, &d->goarch)) != GOMEM_OK ||
	    (rc = rd_string(r, &d->go_version)) != GOMEM_OK || (rc = rd_uint(r, &d->params.ncpu)) != GOMEM_OK)
		return rc;
	r->have_params = true;
	static const union { uint16_t u; uint8_t b[2]; } host = {1};
	r->fast = ps == 8 && !d->params.big_endian && host.b[0] == 1;
	return GOMEM_OK;
}

static int read_object(struct rd *r)
{
	gomem_heapdump *d = r->d;
	uint64_t addr;
	int rc;
	if ((rc = need_params(r, "an object")) != GOMEM_OK || (rc = rd_uint(r, &addr)) != GOMEM_OK ||
	    (rc = rd_range(r, UINT64_MAX)) != GOMEM_OK)
		return rc;
	if (d->nobj >= d->opts.max_objects)
		return gomem_error_at_byte(r->err, GOMEM_E_LIMIT, r->rec, "more than %llu objects",
					   (unsigned long long)d->opts.max_objects);
	if (d->nobj + 2 > d->obj_cap) { /* edge_start takes nobj + 1 entries */
		size_t cap = d->obj_cap;
		if ((rc = GOMEM_GROW(d->addr, cap, d->nobj + 2, SIZE_MAX / 16)) != GOMEM_OK)
			return gomem_error_set(r->err, rc, "objects: %s", gomem_strerror(rc));
		cap = d->obj_cap;
		if ((rc = GOMEM_GROW(d->size, cap, d->nobj + 2, SIZE_MAX / 16)) != GOMEM_OK)
			return gomem_error_set(r->err, rc, "objects: %s", gomem_strerror(rc));
		cap = d->obj_cap;
		if ((rc = GOMEM_GROW(d->edge_start, cap, d->nobj + 2, SIZE_MAX / 16)) != GOMEM_OK)
			return gomem_error_set(r->err, rc, "objects: %s", gomem_strerror(rc));
		cap = d->obj_cap;
		if ((rc = GOMEM_GROW(r->rec_off, cap, d->nobj + 2, SIZE_MAX / 16)) != GOMEM_OK)
			return gomem_error_set(r->err, rc, "objects: %s", gomem_strerror(rc));
		d->obj_cap = cap;
	}
	if (r->dlen == 0 || addr + r->dlen < addr)
		return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, r->rec, "object at 0x%llx of %zu bytes",
					   (unsigned long long)addr, r->dlen);
	d->addr[d->nobj] = addr;
	d->size[d->nobj] = r->dlen;
	d->edge_start[d->nobj] = d->slots.n;
	r->rec_off[d->nobj] = r->rec;
	d->counts.objects++;
	d->counts.object_bytes += r->dlen;
	if ((rc = rd_fields(r, &d->slots)) != GOMEM_OK)
		return rc;
	d->nobj++;
	d->edge_start[d->nobj] = d->slots.n;
	return GOMEM_OK;
}

/* A uvarint wholly inside [*P, END), as rd_uint reads it; false when it is
 * not (cut by the end, or malformed: read_object words that). */
static inline bool varint_in(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t x = 0;
	if (q < end && *q < 0x80) { /* most: kinds, offsets, lengths */
		*v = *q;
		*p = q + 1;
		return true;
	}
	for (unsigned i = 0; i < 10 && q < end; i++) {
		uint8_t b = *q++;
		if (i == 9 && b > 1)
			return false;
		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (b < 0x80) {
			*p = q;
			*v = x;
			return true;
		}
	}
	return false;
}

/* An object record wholly inside the chunk, of a dump with 8-byte
 * little-endian pointers read on a little-endian host (amd64, arm64: nearly
 * every dump) — most of a dump's bytes — without a call per value. Only
 * well-formed records, with room in the arrays already there: for anything
 * else it returns false having changed nothing, and read_object, which
 * grows the arrays and words the errors, reads the record again. */
static bool read_object_fast(struct rd *r)
{
	gomem_heapdump *d = r->d;
	struct hd_slots *s = &d->slots;
	const uint8_t *p = r->p, *end = r->end;
	uint64_t addr, len;
	if (!r->fast || d->nobj + 2 > d->obj_cap || d->nobj >= d->opts.max_objects || !varint_in(&p, end, &addr) ||
	    !varint_in(&p, end, &len) || len == 0 || len > (uint64_t)(end - p) || addr + len < addr)
		return false;
	const uint8_t *contents = p;
	uint64_t nwords = len >> 3, arena_lo = d->params.arena_start, arena_hi = d->params.arena_end;
	uint64_t last_ptr = UINT64_MAX, nslots = 0, nnil = 0;
	size_t room = s->cap - s->n, k = 0;
	uint64_t *value = GOMEM_AT(s->value, s->n); /* NULL before the first slot */
	uint32_t *word = GOMEM_AT(s->word, s->n);
	bool aux = d->opts.keep_outside;
	p += len;
	for (;;) {
		uint64_t kind, off, v;
		if (p == end)
			return false;
		if ((kind = *p++) == FIELD_EOL)
			break;
		if (kind > FIELD_EFACE || !varint_in(&p, end, &off) || (off & 7) ||
		    (off >> 3) >= GOMEM_HEAPDUMP_AUX_WORD / 2)
			return false;
		uint64_t w = off >> 3, words = kind == FIELD_PTR ? 1 : 2;
		if (w > nwords || nwords - w < words)
			return false;
		if (aux && w > 0 && last_ptr != w - 1) { /* as aux_word */
			memcpy(&v, contents + (w - 1) * 8, 8);
			if (v != 0 && (v < arena_lo || v >= arena_hi)) {
				if (k == room)
					return false;
				value[k] = v, word[k++] = (uint32_t)(w - 1) | GOMEM_HEAPDUMP_AUX_WORD;
			}
		}
		last_ptr = w + words - 1;
		for (uint64_t i = 0; i < words; i++) {
			memcpy(&v, contents + (w + i) * 8, 8);
			nslots++;
			if (v == 0) {
				nnil++;
				continue;
			}
			if (k == room)
				return false;
			value[k] = v, word[k++] = (uint32_t)(w + i);
		}
	}
	d->addr[d->nobj] = addr;
	d->size[d->nobj] = len;
	d->edge_start[d->nobj] = s->n;
	r->rec_off[d->nobj] = r->rec;
	s->n += k;
	d->edge_start[++d->nobj] = s->n;
	d->counts.objects++;
	d->counts.object_bytes += len;
	d->counts.pointer_slots += nslots;
	d->counts.dropped_slots += nnil;
	r->off += (uint64_t)(p - r->p);
	r->p = p;
	return true;
}

static int read_type(struct rd *r)
{
	gomem_heapdump *d = r->d;
	struct hd_type t = {0};
	int rc;
	if ((rc = rd_uint(r, &t.pub.addr)) != GOMEM_OK || (rc = rd_uint(r, &t.pub.size)) != GOMEM_OK ||
	    (rc = rd_string(r, &t.name)) != GOMEM_OK || (rc = rd_bool(r, &t.pub.indirect)) != GOMEM_OK)
		return rc;
	if ((rc = GOMEM_GROW(d->types, d->types_cap, d->ntypes + 1, (size_t)1 << 24)) != GOMEM_OK)
		return gomem_error_at_byte(r->err, rc, r->rec, "types: %s", gomem_strerror(rc));
	d->types[d->ntypes++] = t;
	d->counts.types++;
	return GOMEM_OK;
}

static int read_itab(struct rd *r)
{
	gomem_heapdump *d = r->d;
	struct hd_itab it;
	int rc;
	if ((rc = rd_uint(r, &it.addr)) != GOMEM_OK || (rc = rd_uint(r, &it.type)) != GOMEM_OK)
		return rc;
	if ((rc = GOMEM_GROW(d->itabs, d->itabs_cap, d->nitabs + 1, (size_t)1 << 24)) != GOMEM_OK)
		return gomem_error_at_byte(r->err, rc, r->rec, "itabs: %s", gomem_strerror(rc));
	d->itabs[d->nitabs++] = it;
	d->counts.itabs++;
	return GOMEM_OK;
}

static int read_goroutine(struct rd *r)
{
	gomem_heapdump *d = r->d;
	struct hd_goroutine g = {0};
	uint64_t sp, ctxt, m, dfr, pnc;
	bool background;
	int rc;
	if ((rc = rd_uint(r, &g.pub.addr)) != GOMEM_OK || (rc = rd_uint(r, &sp)) != GOMEM_OK ||
	    (rc = rd_uint(r, &g.pub.goid)) != GOMEM_OK || (rc = rd_uint(r, &g.pub.gopc)) != GOMEM_OK ||
	    (rc = rd_uint(r, &g.pub.status)) != GOMEM_OK || (rc = rd_bool(r, &g.pub.system)) != GOMEM_OK ||
	    (rc = rd_bool(r, &background)) != GOMEM_OK || (rc = rd_uint(r, &g.pub.wait_since)) != GOMEM_OK ||
	    (rc = rd_string(r, &g.wait_reason)) != GOMEM_OK || (rc = rd_uint(r, &ctxt)) != GOMEM_OK ||
	    (rc = rd_uint(r, &m)) != GOMEM_OK || (rc = rd_uint(r, &dfr)) != GOMEM_OK ||
	    (rc = rd_uint(r, &pnc)) != GOMEM_OK)
		return rc;
	g.top_function = HD_NONE;
	if ((rc = GOMEM_GROW(d->gs, d->gs_cap, d->ngs + 1, (size_t)1 << 26)) != GOMEM_OK)
		return gomem_error_at_byte(r->err, rc, r->rec, "goroutines: %s", gomem_strerror(rc));
	r->cur_g = (uint32_t)d->ngs;
	d->gs[d->ngs++] = g;
	r->cur_goroutine = g.pub.goid;
	r->have_goroutine = true;
	d->counts.goroutines++;
	return GOMEM_OK;
}

/* "running", "runnable"... for a goroutine without a wait reason. */
static const char *status_name(uint64_t status)
{
	switch (status & ~(uint64_t)0x1000) { /* _Gscan */
	case 1: return "runnable";
	case 2: return "running";
	case 3: return "syscall";
	case 4: return "waiting";
	default: return "unknown";
	}
}

static int read_frame(struct rd *r)
{
	gomem_heapdump *d = r->d;
	uint64_t sp, depth, childsp, entry, pc, contpc;
	uint32_t fname;
	struct hd_root *root;
	int rc;
	if ((rc = need_params(r, "a stack frame")) != GOMEM_OK)
		return rc;
	if (!r->have_goroutine)
		return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, r->rec, "stack frame before any goroutine");
	if ((rc = rd_uint(r, &sp)) != GOMEM_OK || (rc = rd_uint(r, &depth)) != GOMEM_OK ||
	    (rc = rd_uint(r, &childsp)) != GOMEM_OK || (rc = rd_range(r, UINT64_MAX)) != GOMEM_OK)
		return rc;
	uint64_t size = r->dlen;
	if ((rc = rd_uint(r, &entry)) != GOMEM_OK || (rc = rd_uint(r, &pc)) != GOMEM_OK ||
	    (rc = rd_uint(r, &contpc)) != GOMEM_OK)
		return rc;
	/* The name comes after the contents: keep a copy of them meanwhile. */
	gomem_buf contents;
	gomem_buf_init(&contents, SIZE_MAX / 2);
	if ((rc = gomem_buf_append(&contents, r->data, r->dlen)) != GOMEM_OK)
		return gomem_error_at_byte(r->err, rc, r->rec, "frame: %s", gomem_strerror(rc));
	rc = rd_string(r, &fname);
	r->data = (const uint8_t *)contents.data;
	r->dlen = (size_t)size;
	r->borrowed = false;
	if (rc != GOMEM_OK) {
		gomem_buf_free(&contents);
		return rc;
	}
	struct hd_goroutine *g = &d->gs[r->cur_g];
	if (g->top_function == HD_NONE)
		g->top_function = fname;
	g->pub.nframes++;
	const char *wr = gomem_strpool_get(&d->strings, g->wait_reason);
	gomem_buf name;
	gomem_buf_init(&name, 4096);
	rc = gomem_buf_printf(&name, "goroutine %llu [%s]: %s", (unsigned long long)g->pub.goid,
			      *wr ? wr : status_name(g->pub.status), gomem_strpool_get(&d->strings, fname));
	if (rc == GOMEM_OK)
		rc = hd_add_root(d, GOMEM_ROOT_FRAME, name.data, name.len, sp, size, &root);
	gomem_buf_free(&name);
	if (rc != GOMEM_OK) {
		gomem_buf_free(&contents);
		return gomem_error_at_byte(r->err, rc, r->rec, "roots: %s", gomem_strerror(rc));
	}
	root->pub.goroutine = g->pub.goid;
	root->pub.depth = depth > UINT32_MAX ? UINT32_MAX : (uint32_t)depth;
	root->pub.pc = pc;
	root->first = d->root_slots.n;
	d->counts.frames++;
	rc = rd_fields(r, &d->root_slots);
	gomem_buf_free(&contents);
	if (rc != GOMEM_OK)
		return rc;
	root = &d->roots[d->nroots - 1];
	root->n = d->root_slots.n - root->first;
	return GOMEM_OK;
}

/* A root record with a fixed list of pointers (finalizers, defers, panics,
 * other roots): NAME, and the non-nil ones of PTRS as its slots. */
static int simple_root(struct rd *r, gomem_root_kind kind, const char *name, uint64_t addr,
		       const uint64_t *ptrs, size_t n, uint64_t goid, struct hd_root **out)
{
	gomem_heapdump *d = r->d;
	struct hd_root *root;
	int rc = hd_add_root(d, kind, name, strlen(name), addr, 0, &root);
	if (rc != GOMEM_OK)
		return gomem_error_at_byte(r->err, rc, r->rec, "roots: %s", gomem_strerror(rc));
	root->pub.goroutine = goid;
	root->first = d->root_slots.n;
	for (size_t i = 0; i < n; i++)
		if (ptrs[i] && (rc = hd_slots_push(&d->root_slots, ptrs[i], i)) != GOMEM_OK)
			return gomem_error_at_byte(r->err, rc, r->rec, "roots: %s", gomem_strerror(rc));
	root = &d->roots[d->nroots - 1];
	root->n = d->root_slots.n - root->first;
	if (out)
		*out = root;
	return GOMEM_OK;
}

static int read_finalizer(struct rd *r, bool queued)
{
	uint64_t v[5]; /* obj, fn, fn.fn, fint, ot */
	char name[64];
	struct hd_root *root;
	int rc = rd_uints(r, v, 5);
	if (rc != GOMEM_OK)
		return rc;
	snprintf(name, sizeof(name), "%s 0x%llx", queued ? "queued finalizer" : "finalizer",
		 (unsigned long long)v[0]);
	/* A finalizer keeps what its object reaches and its closure, not the
	 * object itself (markrootSpans); a queued one keeps the object too. */
	uint64_t ptrs[2] = {queued ? v[0] : 0, v[1]};
	if ((rc = simple_root(r, queued ? GOMEM_ROOT_QUEUED_FINALIZER : GOMEM_ROOT_FINALIZER, name, v[0], ptrs, 2, 0,
			      &root)) != GOMEM_OK)
		return rc;
	root->obj = queued ? 0 : v[0];
	if (queued)
		r->d->counts.queued_finalizers++;
	else
		r->d->counts.finalizers++;
	return GOMEM_OK;
}

static int read_defer(struct rd *r)
{
	uint64_t v[7]; /* addr, gp, sp, pc, fn, fn.fn, link */
	char name[64];
	int rc = rd_uints(r, v, 7);
	if (rc != GOMEM_OK)
		return rc;
	snprintf(name, sizeof(name), "defer 0x%llx", (unsigned long long)v[0]);
	uint64_t ptrs[3] = {v[0], v[4], v[6]};
	r->d->counts.defers++;
	return simple_root(r, GOMEM_ROOT_DEFER, name, v[0], ptrs, 3, r->have_goroutine ? r->cur_goroutine : 0, NULL);
}

static int read_panic(struct rd *r)
{
	uint64_t v[6]; /* addr, gp, eface type, eface data, 0, link */
	char name[64];
	int rc = rd_uints(r, v, 6);
	if (rc != GOMEM_OK)
		return rc;
	snprintf(name, sizeof(name), "panic 0x%llx", (unsigned long long)v[0]);
	uint64_t ptrs[4] = {v[0], v[2], v[3], v[5]};
	r->d->counts.panics++;
	return simple_root(r, GOMEM_ROOT_PANIC, name, v[0], ptrs, 4, r->have_goroutine ? r->cur_goroutine : 0, NULL);
}

static int read_other_root(struct rd *r)
{
	uint32_t desc;
	uint64_t to;
	gomem_buf name;
	int rc;
	if ((rc = rd_string(r, &desc)) != GOMEM_OK || (rc = rd_uint(r, &to)) != GOMEM_OK)
		return rc;
	gomem_buf_init(&name, 4096);
	rc = gomem_buf_printf(&name, "other: %s", gomem_strpool_get(&r->d->strings, desc));
	if (rc == GOMEM_OK)
		rc = simple_root(r, GOMEM_ROOT_OTHER, name.data, to, &to, 1, 0, NULL);
	else
		rc = gomem_error_set(r->err, rc, "%s", gomem_strerror(rc));
	gomem_buf_free(&name);
	r->d->counts.other_roots++;
	return rc;
}

static int read_segment(struct rd *r, struct hd_segment *seg, const char *what)
{
	int rc;
	if ((rc = need_params(r, what)) != GOMEM_OK)
		return rc;
	if (seg->present)
		return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, r->rec, "a second %s record", what);
	if ((rc = rd_uint(r, &seg->addr)) != GOMEM_OK || (rc = rd_range(r, UINT64_MAX)) != GOMEM_OK)
		return rc;
	seg->size = r->dlen;
	seg->present = true;
	seg->slots.max = r->d->slots.max;
	return rd_fields(r, &seg->slots);
}

static int read_memstats(struct rd *r)
{
	gomem_heapdump_memstats *m = &r->d->memstats;
	uint64_t *fields[] = {&m->alloc, &m->total_alloc, &m->sys, &m->lookups, &m->mallocs, &m->frees,
			      &m->heap_alloc, &m->heap_sys, &m->heap_idle, &m->heap_inuse, &m->heap_released,
			      &m->heap_objects, &m->stack_inuse, &m->stack_sys, &m->mspan_inuse, &m->mspan_sys,
			      &m->mcache_inuse, &m->mcache_sys, &m->buck_hash_sys, &m->gc_sys, &m->other_sys,
			      &m->next_gc, &m->last_gc, &m->pause_total_ns};
	uint64_t pause;
	int rc = GOMEM_OK;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(fields) && rc == GOMEM_OK; i++)
		rc = rd_uint(r, fields[i]);
	for (int i = 0; i < 256 && rc == GOMEM_OK; i++)
		rc = rd_uint(r, &pause);
	if (rc == GOMEM_OK && (rc = rd_uint(r, &m->num_gc)) == GOMEM_OK)
		m->present = true;
	return rc;
}

static int read_memprof(struct rd *r)
{
	gomem_heapdump *d = r->d;
	struct hd_site s = {0};
	uint64_t nstk, at;
	int rc;
	if ((rc = rd_uint(r, &s.pub.bucket)) != GOMEM_OK || (rc = rd_uint(r, &s.pub.size)) != GOMEM_OK)
		return rc;
	at = r->off;
	if ((rc = rd_uint(r, &nstk)) != GOMEM_OK)
		return rc;
	if (nstk > MAX_STACK)
		return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, at, "memprof stack of %llu frames",
					   (unsigned long long)nstk);
	s.frame_off = d->nframes;
	s.pub.nframes = (size_t)nstk;
	for (uint64_t i = 0; i < nstk; i++) {
		if ((rc = GOMEM_GROW(d->raw_frames, d->frames_cap, d->nframes + 1, (size_t)1 << 28)) != GOMEM_OK)
			return gomem_error_at_byte(r->err, rc, r->rec, "frames: %s", gomem_strerror(rc));
		if ((rc = rd_string(r, &d->raw_frames[d->nframes].function)) != GOMEM_OK ||
		    (rc = rd_string(r, &d->raw_frames[d->nframes].file)) != GOMEM_OK ||
		    (rc = rd_uint(r, &d->raw_frames[d->nframes].line)) != GOMEM_OK)
			return rc;
		d->nframes++;
	}
	if ((rc = rd_uint(r, &s.pub.allocs)) != GOMEM_OK || (rc = rd_uint(r, &s.pub.frees)) != GOMEM_OK)
		return rc;
	if ((rc = GOMEM_GROW(d->sites, d->sites_cap, d->nsites + 1, (size_t)1 << 26)) != GOMEM_OK)
		return gomem_error_at_byte(r->err, rc, r->rec, "sites: %s", gomem_strerror(rc));
	d->sites[d->nsites++] = s;
	d->counts.memprof_buckets++;
	return GOMEM_OK;
}

static int read_alloc_sample(struct rd *r)
{
	gomem_heapdump *d = r->d;
	struct hd_sample s;
	int rc;
	if ((rc = rd_uint(r, &s.addr)) != GOMEM_OK || (rc = rd_uint(r, &s.bucket)) != GOMEM_OK)
		return rc;
	if ((rc = GOMEM_GROW(d->samples, d->samples_cap, d->nsamples + 1, SIZE_MAX / 32)) != GOMEM_OK)
		return gomem_error_at_byte(r->err, rc, r->rec, "samples: %s", gomem_strerror(rc));
	d->samples[d->nsamples++] = s;
	d->counts.alloc_samples++;
	return GOMEM_OK;
}

static int read_thread(struct rd *r)
{
	uint64_t v[3];
	r->d->counts.threads++;
	return rd_uints(r, v, 3);
}

static int read_record(struct rd *r, uint64_t tag)
{
	switch (tag) {
	case TAG_OBJECT: return read_object(r);
	case TAG_OTHER_ROOT: return read_other_root(r);
	case TAG_TYPE: return read_type(r);
	case TAG_GOROUTINE: return read_goroutine(r);
	case TAG_STACK_FRAME: return read_frame(r);
	case TAG_PARAMS: return read_params(r);
	case TAG_FINALIZER: return read_finalizer(r, false);
	case TAG_ITAB: return read_itab(r);
	case TAG_OS_THREAD: return read_thread(r);
	case TAG_MEMSTATS: return read_memstats(r);
	case TAG_QUEUED_FINALIZER: return read_finalizer(r, true);
	case TAG_DATA: return read_segment(r, &r->d->data, "data");
	case TAG_BSS: return read_segment(r, &r->d->bss, "bss");
	case TAG_DEFER: return read_defer(r);
	case TAG_PANIC: return read_panic(r);
	case TAG_MEMPROF: return read_memprof(r);
	case TAG_ALLOC_SAMPLE: return read_alloc_sample(r);
	default:
		return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, r->rec, "unknown record tag %llu",
					   (unsigned long long)tag);
	}
}

static int read_header(struct rd *r)
{
	for (size_t i = 0; i < HEADER_LEN; i++) {
		uint8_t b;
		int rc = rd_byte(r, &b);
		if (rc == GOMEM_E_TRUNCATED || (rc == GOMEM_OK && b != (uint8_t)header[i])) {
			r->err->code = GOMEM_OK;
			return gomem_error_at_byte(r->err, GOMEM_E_FORMAT, 0,
						   "not a Go heap dump (no \"go1.7 heap dump\" header)");
		}
		if (rc != GOMEM_OK)
			return rc;
	}
	return GOMEM_OK;
}

int hd_read_records(gomem_heapdump *d, gomem_source *src, gomem_error *err)
{
	struct rd r = {.d = d, .src = src, .err = err};
	int rc;
	gomem_buf_init(&r.scratch, SIZE_MAX / 2);
	rc = read_header(&r);
	while (rc == GOMEM_OK) {
		uint64_t tag;
		r.rec = r.off;
		if ((rc = rd_uint(&r, &tag)) != GOMEM_OK)
			break;
		if (tag == TAG_EOF)
			break;
		if (tag == TAG_OBJECT && read_object_fast(&r))
			continue;
		rc = read_record(&r, tag);
	}
	if (rc == GOMEM_OK && !r.have_params)
		rc = gomem_error_at_byte(err, GOMEM_E_FORMAT, r.off, "no params record");
	gomem_buf_free(&r.scratch);
	if (rc == GOMEM_OK)
		rc = hd_build_graph(d, r.rec_off, err);
	free(r.rec_off);
	return rc;
}
