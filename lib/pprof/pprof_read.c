/* SPDX-License-Identifier: Apache-2.0 */
/* pprof_read.c — a push reader for profile.proto. It is fed the gunzipped
 * bytes in chunks of any size and decodes each top-level Profile field as
 * soon as its bytes are complete, so only one unfinished field is ever
 * buffered. String indices are stored raw (the string table comes last in
 * Go's files) and checked when the input ends, where ids are resolved too.
 * Decoding follows pprof's own (profile/proto.go): wire types 0, 1, 2 and 5,
 * unknown fields skipped, repeated scalars packed or not or both. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* One top-level field (a Sample, a string...) may not be larger than this. */
#define MAX_FIELD ((uint64_t)256 << 20)
/* A field key and a length: two varints of at most 10 bytes each. */
#define MAX_HEADER 20

struct gomem_pprof_reader {
	gomem_profile *p;
	gomem_error err;
	uint64_t consumed;     /* stream offset of the next byte fed */
	bool any_input;

	gomem_buf pend;        /* a top-level field the input has not finished */
	uint64_t pend_off;     /* its stream offset */
	uint64_t pend_need;    /* its whole size, 0 while its header is incomplete */

	uint64_t nstrings;     /* string_table entries read */
	uint64_t max_str;      /* largest string index referenced, and where */
	uint64_t max_str_off;
	const char *max_str_what;

	/* Byte offsets for resolve's errors. Every Location's; a Sample's only
	 * when it could not be checked as it was read (its sample types or
	 * locations had not arrived yet): Go's files never need those, which
	 * spares 8 bytes a sample. UINT64_MAX marks "not recorded". */
	uint64_t *loc_offs;
	size_t loc_offs_cap;
	uint64_t *sample_offs;   /* NULL until a sample needs it */
	size_t sample_offs_cap;
	uint8_t *loc_seen;       /* loc_seen[id]: a Location with that id was read */
	size_t loc_seen_cap;

	struct gomem_value_audit audit; /* sample values, for gomem_profile_check */
	struct gomem_pos period_at;     /* the period field, else period_type, else 0 */
	bool period_seen;
};

/* Location ids tracked for the early check; Go numbers them 1..N. */
#define LOC_SEEN_SLACK 4096

/* Decoding context: the top-level field being decoded and where it sits in
 * the stream, so any pointer into it converts to a stream offset. */
struct ctx {
	gomem_pprof_reader *r;
	gomem_profile *p;
	const uint8_t *start;
	uint64_t off;
};

#define OFF(c, ptr) ((c)->off + (uint64_t)((ptr) - (c)->start))

/* One decoded field of a message. */
struct field {
	uint32_t num;
	unsigned int wt;
	uint64_t v;                /* wire types 0, 1 and 5 */
	const uint8_t *data, *end; /* wire type 2 */
	const uint8_t *at;         /* the field's first byte */
};

/* A message's name and field names, for errors ("Sample.value"). */
struct msgdesc {
	const char *name;
	const char *const *fields;
	size_t nfields;
};

#define MSGDESC(name, ...) \
	static const char *const name##_fields[] = {NULL, __VA_ARGS__}; \
	static const struct msgdesc name##_desc = {#name, name##_fields, \
						   GOMEM_ARRAY_SIZE(name##_fields)}

MSGDESC(Profile, "sample_type", "sample", "mapping", "location", "function", "string_table",
	"drop_frames", "keep_frames", "time_nanos", "duration_nanos", "period_type", "period",
	"comment", "default_sample_type", "doc_url");
MSGDESC(ValueType, "type", "unit");
MSGDESC(Sample, "location_id", "value", "label");
MSGDESC(Label, "key", "str", "num", "num_unit");
MSGDESC(Mapping, "id", "memory_start", "memory_limit", "file_offset", "filename", "build_id",
	"has_functions", "has_filenames", "has_line_numbers", "has_inline_frames");
MSGDESC(Location, "id", "mapping_id", "address", "line", "is_folded");
MSGDESC(Line, "function_id", "line", "column");
MSGDESC(Function, "id", "name", "system_name", "filename", "start_line");

static int fail_atv(gomem_pprof_reader *r, int code, uint64_t off, const char *fmt, va_list ap)
{
	bool fresh = r->err.code == GOMEM_OK;

	gomem_error_setv(&r->err, code, fmt, ap);
	if (fresh) {
		r->err.offset = off;
		r->err.has_offset = 1;
	}
	return r->err.code;
}

/* Records an error at stream offset OFF (the first error wins). */
static int fail_at(gomem_pprof_reader *r, int code, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(gomem_pprof_reader *r, int code, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_atv(r, code, off, fmt, ap);
	va_end(ap);
	return r->err.code;
}

static const char *field_name(char *buf, size_t size, const struct msgdesc *d, uint32_t num)
{
	if (num < d->nfields)
		snprintf(buf, size, "%s.%s", d->name, d->fields[num]);
	else
		snprintf(buf, size, "%s field %u", d->name, num);
	return buf;
}

/* ---- varints --------------------------------------------------------------- */

/* At most 10 bytes, and the tenth may only carry bit 63: anything longer or
 * wider is corrupt. Returns the byte after the varint, NULL if corrupt or
 * cut off by END. */
static const uint8_t *varint_slow(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned int shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (p >= end)
			return NULL;
		b = *p++;
		if (shift == 63 && b > 1)
			return NULL;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (b < 0x80) {
			*v = x;
			return p;
		}
	}
	return NULL;
}

/* Ids, values, lengths and string indices are one to three bytes in a
 * profile of tens of thousands of functions: decode those inline. */
static inline const uint8_t *varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	if (p < end && p[0] < 0x80) {
		*v = p[0];
		return p + 1;
	}
	if (end - p >= 2 && p[1] < 0x80) {
		*v = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
		return p + 2;
	}
	if (end - p >= 3 && p[2] < 0x80) {
		*v = (uint64_t)(p[0] & 0x7f) | (uint64_t)(p[1] & 0x7f) << 7 | (uint64_t)p[2] << 14;
		return p + 3;
	}
	return varint_slow(p, end, v);
}

/* Like varint(), but tells "cut off" (0) from "corrupt" (-1) for the
 * top-level framing, where more input may still come. */
static int varint_status(const uint8_t *p, const uint8_t *end, uint64_t *v, const uint8_t **next)
{
	*next = varint(p, end, v);
	if (*next != NULL)
		return 1;
	return end - p >= 10 ? -1 : 0;
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* ---- fields ---------------------------------------------------------------- */

/* Reads the field at *PP (not past END) of message D into F. */
static int next_field_slow(struct ctx *c, const uint8_t **pp, const uint8_t *end,
			   const struct msgdesc *d, struct field *f)
{
	const uint8_t *p = *pp;
	char name[64];
	uint64_t key, len;

	f->at = p;
	if ((p = varint(p, end, &key)) == NULL)
		return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, f->at), "corrupt field key in %s",
			       d->name);
	if (key >> 3 == 0 || key >> 3 > UINT32_MAX)
		return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, f->at), "invalid field number %llu in %s",
			       (unsigned long long)(key >> 3), d->name);
	f->num = (uint32_t)(key >> 3);
	f->wt = (unsigned int)(key & 7);
	switch (f->wt) {
	case 0:
		if ((p = varint(p, end, &f->v)) == NULL)
			return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, f->at), "corrupt varint in %s",
				       field_name(name, sizeof(name), d, f->num));
		break;
	case 1:
	case 5:
		len = f->wt == 1 ? 8 : 4;
		if ((uint64_t)(end - p) < len)
			return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, f->at),
				       "%s needs %llu bytes, %zu remain",
				       field_name(name, sizeof(name), d, f->num),
				       (unsigned long long)len, (size_t)(end - p));
		f->v = le(p, (int)len);
		p += len;
		break;
	case 2:
		if ((p = varint(p, end, &len)) == NULL)
			return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, f->at),
				       "corrupt length of %s", field_name(name, sizeof(name), d, f->num));
		if (len > (uint64_t)(end - p))
			return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, f->at),
				       "length %llu exceeds remaining %zu bytes in %s",
				       (unsigned long long)len, (size_t)(end - p),
				       field_name(name, sizeof(name), d, f->num));
		f->data = p;
		f->end = p + len;
		p += len;
		break;
	default:
		return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, f->at), "invalid wire type %u for %s",
			       f->wt, field_name(name, sizeof(name), d, f->num));
	}
	*pp = p;
	return GOMEM_OK;
}

/* The common shapes inline: a one-byte key with a one-byte varint, or with
 * a one-byte length that fits. Anything else, and every error, goes the
 * slow way. */
static inline int next_field(struct ctx *c, const uint8_t **pp, const uint8_t *end,
			     const struct msgdesc *d, struct field *f)
{
	const uint8_t *p = *pp;

	if (end - p >= 2 && p[0] < 0x80 && p[0] >= 8 && p[1] < 0x80) {
		f->at = p;
		f->num = p[0] >> 3;
		f->wt = p[0] & 7;
		if (f->wt == 0) {
			f->v = p[1];
			*pp = p + 2;
			return GOMEM_OK;
		}
		if (f->wt == 2 && p[1] <= end - p - 2) {
			f->data = p + 2;
			f->end = p + 2 + p[1];
			*pp = f->end;
			return GOMEM_OK;
		}
	}
	return next_field_slow(c, pp, end, d, f);
}

/* pprof refuses a known field with the wrong wire type ("type mismatch"). */
static int want_wt(struct ctx *c, const struct field *f, unsigned int wt,
		   const struct msgdesc *d)
{
	char name[64];

	if (f->wt == wt)
		return GOMEM_OK;
	return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, f->at), "wrong wire type %u for %s", f->wt,
		       field_name(name, sizeof(name), d, f->num));
}

/* A string index: kept raw, range-checked once the table is complete. An
 * index past any possible table size is refused now. */
static int str_index(struct ctx *c, const struct field *f, const struct msgdesc *d,
		     uint32_t *out)
{
	gomem_pprof_reader *r = c->r;
	int64_t v = (int64_t)f->v;
	char name[64];
	int rc;

	if ((rc = want_wt(c, f, 0, d)) != GOMEM_OK)
		return rc;
	if (v < 0 || (uint64_t)v >= GOMEM_PROFILE_MAX_ITEMS)
		return fail_at(r, GOMEM_E_FORMAT, OFF(c, f->at), "string index %lld out of range in %s",
			       (long long)v, field_name(name, sizeof(name), d, f->num));
	if ((uint64_t)v > r->max_str) {
		r->max_str = (uint64_t)v;
		r->max_str_off = OFF(c, f->at);
		r->max_str_what = d->name;
	}
	*out = (uint32_t)v;
	return GOMEM_OK;
}

static int scalar(struct ctx *c, const struct field *f, const struct msgdesc *d, uint64_t *out)
{
	int rc = want_wt(c, f, 0, d);

	if (rc == GOMEM_OK)
		*out = f->v;
	return rc;
}

static int flag(struct ctx *c, const struct field *f, const struct msgdesc *d, bool *out)
{
	int rc = want_wt(c, f, 0, d);

	if (rc == GOMEM_OK)
		*out = f->v != 0;
	return rc;
}

/* An array could not grow for the item at AT. */
static int grow_failed(struct ctx *c, int rc, const uint8_t *at)
{
	return fail_at(c->r, rc, OFF(c, at), "%s", rc == GOMEM_E_LIMIT ?
		       "profile exceeds the item limit" : "out of memory");
}

#define RESERVE(arr, n, cap, k) \
	((n) + (k) <= (cap) ? GOMEM_OK : GOMEM_GROW(arr, cap, (n) + (k), GOMEM_PROFILE_MAX_ITEMS))

/* Appends the packed varints in [Q, END) to an array of uint64_t or int64_t
 * (*ARR, *N, *CAP). Inline: it carries Go's samples. */
static inline int append_packed(struct ctx *c, const uint8_t *q, const uint8_t *end,
				const struct msgdesc *d, uint32_t num, void **arr, size_t *n,
				size_t *cap)
{
	size_t most = (size_t)(end - q);
	uint64_t *dst;
	char name[64];
	int rc;

	if (most == 0)
		return GOMEM_OK; /* an empty packed run: *arr may still be NULL */
	if (*n + most > *cap &&
	    (rc = gomem_grow(arr, cap, *n + most, sizeof(uint64_t), GOMEM_PROFILE_MAX_ITEMS)) != 0)
		return grow_failed(c, rc, q);
	dst = (uint64_t *)*arr + *n;
	while (q < end) {
		if (*q < 0x80) {
			*dst++ = *q++;
			continue;
		}
		const uint8_t *next = varint_slow(q, end, dst++);

		if (next == NULL)
			return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, q), "corrupt varint in %s",
				       field_name(name, sizeof(name), d, num));
		q = next;
	}
	*n = (size_t)(dst - (uint64_t *)*arr);
	return GOMEM_OK;
}

/* A repeated 64-bit scalar: one unpacked varint or a packed run. */
static int repeated(struct ctx *c, const struct field *f, const struct msgdesc *d,
		    void **arr, size_t *n, size_t *cap)
{
	int rc;

	if (f->wt == 2)
		return append_packed(c, f->data, f->end, d, f->num, arr, n, cap);
	if ((rc = want_wt(c, f, 0, d)) != GOMEM_OK)
		return rc;
	if (*n + 1 > *cap &&
	    (rc = gomem_grow(arr, cap, *n + 1, sizeof(uint64_t), GOMEM_PROFILE_MAX_ITEMS)) != 0)
		return grow_failed(c, rc, f->at);
	((uint64_t *)*arr)[(*n)++] = f->v;
	return GOMEM_OK;
}

/* ---- fast paths: the three messages that are most of a profile ------------ */

/* Samples, Locations and Functions are decoded straight into the model by
 * the functions below, for any well-formed encoding (packed or not, fields
 * in any order). Anything they do not expect (an unknown field, a wire type
 * pprof refuses, a varint cut short, an index past any table) makes them
 * return false having kept nothing, and the general decoder above reads the
 * message again and says what is wrong with it. gomem_pprof_slow_only
 * turns them off, so a test can check both ways give the same model. */
bool gomem_pprof_slow_only;

/* A string index read at AT, as str_index keeps it. */
static inline bool fast_str(struct ctx *c, uint64_t v, const uint8_t *at, const struct msgdesc *d,
			    uint32_t *out)
{
	gomem_pprof_reader *r = c->r;

	if (v >= GOMEM_PROFILE_MAX_ITEMS)
		return false;
	if (v > r->max_str) {
		r->max_str = v;
		r->max_str_off = OFF(c, at);
		r->max_str_what = d->name;
	}
	*out = (uint32_t)v;
	return true;
}

/* Packed varints in [Q, Q+LEN) into DST; the count in *N. */
static inline bool fast_packed(const uint8_t *q, const uint8_t *end, uint64_t *dst, size_t *n)
{
	uint64_t *d = dst;

	while (q < end)
		if ((q = varint(q, end, d++)) == NULL)
			return false;
	*n = (size_t)(d - dst);
	return true;
}

/* A Label (its bytes in [Q, END)) into *L. */
static bool fast_label(struct ctx *c, const uint8_t *q, const uint8_t *end, struct gomem_label *l)
{
	memset(l, 0, sizeof(*l));
	while (q < end) {
		const uint8_t *at = q;
		uint8_t key = *q++;
		uint64_t v;

		if ((q = varint(q, end, &v)) == NULL)
			return false;
		switch (key) {
		case 0x08: if (!fast_str(c, v, at, &Label_desc, &l->key)) return false; break;
		case 0x10: if (!fast_str(c, v, at, &Label_desc, &l->str)) return false; break;
		case 0x18: l->num = (int64_t)v; break;
		case 0x20: if (!fast_str(c, v, at, &Label_desc, &l->num_unit)) return false; break;
		default: return false;
		}
	}
	return true;
}

/* Room for the most a message of N bytes can add to the runs: a location
 * id or a value takes at least a byte, a label or a line two. Done before
 * a fast path, so that running out of memory is an error, not a reason
 * to try the general decoder. */
static int reserve_sample(struct ctx *c, size_t n)
{
	gomem_profile *p = c->p;
	int rc;

	if ((rc = RESERVE(p->sample_locs, p->nsample_locs, p->sample_locs_cap, n)) != GOMEM_OK ||
	    (rc = RESERVE(p->values, p->nvalues, p->values_cap, n)) != GOMEM_OK ||
	    (rc = RESERVE(p->labels, p->nlabels, p->labels_cap, n / 2)) != GOMEM_OK)
		return grow_failed(c, rc, c->start);
	return GOMEM_OK;
}

/* The fields of a Sample appended to the model's runs (room made by
 * reserve_sample); false leaves the runs as they were. */
static bool fast_sample_fields(struct ctx *c, const uint8_t *q, const uint8_t *end)
{
	gomem_profile *p = c->p;
	size_t nl = p->nsample_locs, nv = p->nvalues, nb = p->nlabels;
	size_t k;

	if (gomem_pprof_slow_only)
		return false;
	while (q < end) {
		uint8_t key = *q++;
		uint64_t v;

		if ((q = varint(q, end, &v)) == NULL)
			return false;
		if (key == 0x08) {
			p->sample_locs[nl++] = v;
		} else if (key == 0x10) {
			p->values[nv++] = (int64_t)v;
		} else if ((key != 0x0a && key != 0x12 && key != 0x1a) || v > (uint64_t)(end - q)) {
			return false;
		} else if (key == 0x0a) {
			if (!fast_packed(q, q + v, p->sample_locs + nl, &k))
				return false;
			nl += k;
			q += v;
		} else if (key == 0x12) {
			if (!fast_packed(q, q + v, (uint64_t *)(p->values + nv), &k))
				return false;
			nv += k;
			q += v;
		} else {
			if (!fast_label(c, q, q + v, &p->labels[nb++]))
				return false;
			q += v;
		}
	}
	p->nsample_locs = nl;
	p->nvalues = nv;
	p->nlabels = nb;
	return true;
}

/* A Line of a Location into *LN. */
static bool fast_line(const uint8_t *q, const uint8_t *end, struct gomem_line *ln)
{
	memset(ln, 0, sizeof(*ln));
	while (q < end) {
		uint8_t key = *q++;
		uint64_t v;

		if ((q = varint(q, end, &v)) == NULL)
			return false;
		switch (key) {
		case 0x08: ln->function = v; break;
		case 0x10: ln->line = (int64_t)v; break;
		case 0x18: ln->column = (int64_t)v; break;
		default: return false;
		}
	}
	return true;
}

/* A Location's fields into *LOC, its lines appended to the model's (room
 * made by the caller). */
static bool fast_location(struct ctx *c, const uint8_t *q, const uint8_t *end,
			  struct gomem_location *loc)
{
	gomem_profile *p = c->p;
	size_t n = p->nlines;

	if (gomem_pprof_slow_only)
		return false;
	while (q < end) {
		uint8_t key = *q++;
		uint64_t v;

		if ((q = varint(q, end, &v)) == NULL)
			return false;
		switch (key) {
		case 0x08: loc->id = v; break;
		case 0x10: loc->mapping = v; break;
		case 0x18: loc->address = v; break;
		case 0x28: loc->is_folded = v != 0; break;
		case 0x22:
			if (v > (uint64_t)(end - q) || !fast_line(q, q + v, &p->lines[n++]))
				return false;
			q += v;
			break;
		default:
			return false;
		}
	}
	p->nlines = n;
	return true;
}

static bool fast_function(struct ctx *c, const uint8_t *q, const uint8_t *end,
			  struct gomem_function *fn)
{
	if (gomem_pprof_slow_only)
		return false;
	while (q < end) {
		const uint8_t *at = q;
		uint8_t key = *q++;
		uint64_t v;

		if ((q = varint(q, end, &v)) == NULL)
			return false;
		switch (key) {
		case 0x08: fn->id = v; break;
		case 0x10: if (!fast_str(c, v, at, &Function_desc, &fn->name)) return false; break;
		case 0x18: if (!fast_str(c, v, at, &Function_desc, &fn->system_name)) return false; break;
		case 0x20: if (!fast_str(c, v, at, &Function_desc, &fn->filename)) return false; break;
		case 0x28: fn->start_line = (int64_t)v; break;
		default: return false;
		}
	}
	return true;
}

/* ---- messages -------------------------------------------------------------- */

static int decode_value_type(struct ctx *c, const uint8_t *p, const uint8_t *end,
			     struct gomem_value_type *vt)
{
	struct field f = {0};
	int rc = GOMEM_OK;

	vt->type = vt->unit = 0;
	while (p < end && rc == GOMEM_OK) {
		if ((rc = next_field(c, &p, end, &ValueType_desc, &f)) != GOMEM_OK)
			break;
		if (f.num == 1)
			rc = str_index(c, &f, &ValueType_desc, &vt->type);
		else if (f.num == 2)
			rc = str_index(c, &f, &ValueType_desc, &vt->unit);
	}
	return rc;
}

static int decode_label(struct ctx *c, const struct field *lf)
{
	gomem_profile *p = c->p;
	struct gomem_label *l;
	const uint8_t *q = lf->data;
	uint64_t num = 0;
	struct field f = {0};
	int rc;

	if ((rc = want_wt(c, lf, 2, &Sample_desc)) != GOMEM_OK)
		return rc;
	if ((rc = RESERVE(p->labels, p->nlabels, p->labels_cap, 1)) != GOMEM_OK)
		return grow_failed(c, rc, lf->at);
	l = &p->labels[p->nlabels];
	memset(l, 0, sizeof(*l));
	while (q < lf->end && rc == GOMEM_OK) {
		if ((rc = next_field(c, &q, lf->end, &Label_desc, &f)) != GOMEM_OK)
			break;
		switch (f.num) {
		case 1: rc = str_index(c, &f, &Label_desc, &l->key); break;
		case 2: rc = str_index(c, &f, &Label_desc, &l->str); break;
		case 3: rc = scalar(c, &f, &Label_desc, &num); l->num = (int64_t)num; break;
		case 4: rc = str_index(c, &f, &Label_desc, &l->num_unit); break;
		}
	}
	if (rc == GOMEM_OK)
		p->nlabels++;
	return rc;
}

static int decode_sample_field(struct ctx *c, const struct field *f)
{
	gomem_profile *p = c->p;

	switch (f->num) {
	case 1:
		return repeated(c, f, &Sample_desc, (void **)&p->sample_locs, &p->nsample_locs,
				&p->sample_locs_cap);
	case 2:
		return repeated(c, f, &Sample_desc, (void **)&p->values, &p->nvalues,
				&p->values_cap);
	case 3:
		return decode_label(c, f);
	}
	return GOMEM_OK;
}

/* Packed location ids and values under a one-byte length, as Go writes
 * them, are taken straight; everything else goes through next_field. */
static inline bool short_packed(const uint8_t *q, const uint8_t *end)
{
	return end - q >= 2 && q[1] < 0x80 && q[1] <= end - q - 2;
}

static int decode_sample_fields(struct ctx *c, const uint8_t *q, const uint8_t *end)
{
	gomem_profile *p = c->p;
	struct field f = {0};
	int rc = GOMEM_OK;

	while (q < end && rc == GOMEM_OK) {
		if (*q == 0x0a && short_packed(q, end)) {
			rc = append_packed(c, q + 2, q + 2 + q[1], &Sample_desc, 1,
					   (void **)&p->sample_locs, &p->nsample_locs,
					   &p->sample_locs_cap);
			q += 2 + q[1];
		} else if (*q == 0x12 && short_packed(q, end)) {
			rc = append_packed(c, q + 2, q + 2 + q[1], &Sample_desc, 2,
					   (void **)&p->values, &p->nvalues, &p->values_cap);
			q += 2 + q[1];
		} else if ((rc = next_field(c, &q, end, &Sample_desc, &f)) == GOMEM_OK) {
			rc = decode_sample_field(c, &f);
		}
	}
	return rc;
}

/* Whether resolve cannot fail on sample S: one value per sample type and
 * every location already read. (Label strings are checked at the end with
 * their own offsets.) */
static bool sample_checked(const gomem_pprof_reader *r, const struct gomem_sample *s)
{
	const gomem_profile *p = r->p;
	const uint64_t *ids;

	if (s->nvalues != p->nsample_types)
		return false;
	if (s->nlocs == 0)
		return true;
	ids = p->sample_locs + s->loc_off; /* NULL while no sample had a location */
	for (uint32_t j = 0; j < s->nlocs; j++)
		if (ids[j] >= r->loc_seen_cap || !r->loc_seen[ids[j]])
			return false;
	return true;
}

/* Records the offset of the sample being added; the first time, earlier
 * samples (all checked) get "not recorded". */
static int record_sample_offset(gomem_pprof_reader *r, uint64_t off)
{
	size_t n = r->p->nsamples, had = r->sample_offs ? n : 0;
	int rc = RESERVE(r->sample_offs, n, r->sample_offs_cap, 1);

	if (rc != GOMEM_OK)
		return fail_at(r, rc, off, "%s", gomem_strerror(rc));
	for (size_t i = had; i < n; i++)
		r->sample_offs[i] = UINT64_MAX;
	r->sample_offs[n] = off;
	return GOMEM_OK;
}

static int decode_sample(struct ctx *c, const uint8_t *q, const uint8_t *end)
{
	gomem_pprof_reader *r = c->r;
	gomem_profile *p = c->p;
	struct gomem_sample s = {(uint32_t)p->nsample_locs, 0, (uint32_t)p->nvalues, 0,
				 (uint32_t)p->nlabels, 0};
	struct gomem_pos at = {0, 0, 0, false};
	int rc = reserve_sample(c, (size_t)(end - q));

	if (rc == GOMEM_OK && !fast_sample_fields(c, q, end))
		rc = decode_sample_fields(c, q, end);

	if (rc != GOMEM_OK)
		return rc;
	if ((rc = RESERVE(p->samples, p->nsamples, p->samples_cap, 1)) != GOMEM_OK)
		return fail_at(r, rc, c->off, "%s", gomem_strerror(rc));
	/* Every run is below GOMEM_PROFILE_MAX_ITEMS, so the counts fit. */
	s.nlocs = (uint32_t)(p->nsample_locs - s.loc_off);
	s.nvalues = (uint32_t)(p->nvalues - s.value_off);
	s.nlabels = (uint32_t)(p->nlabels - s.label_off);
	if ((r->sample_offs != NULL || !sample_checked(r, &s)) &&
	    (rc = record_sample_offset(r, c->off)) != GOMEM_OK)
		return rc;
	at.offset = c->off;
	/* (values is NULL while no sample had one) */
	if (s.nvalues > 0 &&
	    (rc = gomem_value_audit_sample(&r->audit, p->nsamples, p->values + s.value_off,
					   s.nvalues, &at)) != GOMEM_OK)
		return fail_at(r, rc, c->off, "%s", gomem_strerror(rc));
	p->samples[p->nsamples++] = s;
	return GOMEM_OK;
}

static int decode_line(struct ctx *c, const struct field *lf)
{
	gomem_profile *p = c->p;
	struct gomem_line *ln;
	const uint8_t *q = lf->data;
	uint64_t v = 0;
	struct field f = {0};
	int rc;

	if ((rc = want_wt(c, lf, 2, &Location_desc)) != GOMEM_OK)
		return rc;
	if ((rc = RESERVE(p->lines, p->nlines, p->lines_cap, 1)) != GOMEM_OK)
		return grow_failed(c, rc, lf->at);
	ln = &p->lines[p->nlines];
	memset(ln, 0, sizeof(*ln));
	while (q < lf->end && rc == GOMEM_OK) {
		if ((rc = next_field(c, &q, lf->end, &Line_desc, &f)) != GOMEM_OK)
			break;
		switch (f.num) {
		case 1: rc = scalar(c, &f, &Line_desc, &ln->function); break;
		case 2: rc = scalar(c, &f, &Line_desc, &v); ln->line = (int64_t)v; break;
		case 3: rc = scalar(c, &f, &Line_desc, &v); ln->column = (int64_t)v; break;
		}
	}
	if (rc == GOMEM_OK)
		p->nlines++;
	return rc;
}

static int decode_location_field(struct ctx *c, const struct field *f,
				 struct gomem_location *loc)
{
	switch (f->num) {
	case 1: return scalar(c, f, &Location_desc, &loc->id);
	case 2: return scalar(c, f, &Location_desc, &loc->mapping);
	case 3: return scalar(c, f, &Location_desc, &loc->address);
	case 4: return decode_line(c, f);
	case 5: return flag(c, f, &Location_desc, &loc->is_folded);
	}
	return GOMEM_OK;
}

/* Notes location id ID as read, when it is small enough to track. */
static int mark_location(gomem_pprof_reader *r, uint64_t id)
{
	size_t old = r->loc_seen_cap;
	int rc;

	if (id >= 4 * (uint64_t)r->p->nlocations + LOC_SEEN_SLACK)
		return GOMEM_OK;
	if (id >= old) {
		if ((rc = GOMEM_GROW(r->loc_seen, r->loc_seen_cap, (size_t)id + 1,
				     GOMEM_PROFILE_MAX_ITEMS * 4 + LOC_SEEN_SLACK)) != GOMEM_OK)
			return rc;
		memset(r->loc_seen + old, 0, r->loc_seen_cap - old);
	}
	r->loc_seen[id] = 1;
	return GOMEM_OK;
}

static int decode_location(struct ctx *c, const uint8_t *q, const uint8_t *end)
{
	gomem_pprof_reader *r = c->r;
	gomem_profile *p = c->p;
	struct gomem_location loc;
	struct field f = {0};
	int rc = GOMEM_OK;

	memset(&loc, 0, sizeof(loc));
	loc.line_off = (uint32_t)p->nlines;
	if ((rc = RESERVE(p->lines, p->nlines, p->lines_cap, (size_t)(end - q) / 2)) != GOMEM_OK)
		return grow_failed(c, rc, c->start);
	if (!fast_location(c, q, end, &loc)) {
		memset(&loc, 0, sizeof(loc));
		loc.line_off = (uint32_t)p->nlines;
		while (q < end && rc == GOMEM_OK)
			if ((rc = next_field(c, &q, end, &Location_desc, &f)) == GOMEM_OK)
				rc = decode_location_field(c, &f, &loc);
	}
	if (rc != GOMEM_OK)
		return rc;
	if (loc.id == 0)
		return fail_at(r, GOMEM_E_FORMAT, c->off, "location with the reserved id 0");
	if ((rc = RESERVE(p->locations, p->nlocations, p->locations_cap, 1)) != GOMEM_OK ||
	    (rc = RESERVE(r->loc_offs, p->nlocations, r->loc_offs_cap, 1)) != GOMEM_OK ||
	    (rc = mark_location(r, loc.id)) != GOMEM_OK)
		return fail_at(r, rc, c->off, "%s", gomem_strerror(rc));
	loc.nlines = (uint32_t)(p->nlines - loc.line_off);
	r->loc_offs[p->nlocations] = c->off;
	p->locations[p->nlocations++] = loc;
	return GOMEM_OK;
}

static int decode_function_field(struct ctx *c, const struct field *f, struct gomem_function *fn)
{
	uint64_t v;
	int rc;

	switch (f->num) {
	case 1: return scalar(c, f, &Function_desc, &fn->id);
	case 2: return str_index(c, f, &Function_desc, &fn->name);
	case 3: return str_index(c, f, &Function_desc, &fn->system_name);
	case 4: return str_index(c, f, &Function_desc, &fn->filename);
	case 5:
		if ((rc = scalar(c, f, &Function_desc, &v)) == GOMEM_OK)
			fn->start_line = (int64_t)v;
		return rc;
	}
	return GOMEM_OK;
}

static int decode_function(struct ctx *c, const uint8_t *q, const uint8_t *end)
{
	gomem_profile *p = c->p;
	struct gomem_function fn;
	struct field f = {0};
	int rc = GOMEM_OK;

	memset(&fn, 0, sizeof(fn));
	if (!fast_function(c, q, end, &fn)) {
		memset(&fn, 0, sizeof(fn));
		while (q < end && rc == GOMEM_OK)
			if ((rc = next_field(c, &q, end, &Function_desc, &f)) == GOMEM_OK)
				rc = decode_function_field(c, &f, &fn);
	}
	if (rc != GOMEM_OK)
		return rc;
	if (fn.id == 0)
		return fail_at(c->r, GOMEM_E_FORMAT, c->off, "function with the reserved id 0");
	if ((rc = RESERVE(p->functions, p->nfunctions, p->functions_cap, 1)) != GOMEM_OK)
		return fail_at(c->r, rc, c->off, "%s", gomem_strerror(rc));
	p->functions[p->nfunctions++] = fn;
	return GOMEM_OK;
}

static int decode_mapping_field(struct ctx *c, const struct field *f, struct gomem_mapping *m)
{
	switch (f->num) {
	case 1: return scalar(c, f, &Mapping_desc, &m->id);
	case 2: return scalar(c, f, &Mapping_desc, &m->memory_start);
	case 3: return scalar(c, f, &Mapping_desc, &m->memory_limit);
	case 4: return scalar(c, f, &Mapping_desc, &m->file_offset);
	case 5: return str_index(c, f, &Mapping_desc, &m->filename);
	case 6: return str_index(c, f, &Mapping_desc, &m->build_id);
	case 7: return flag(c, f, &Mapping_desc, &m->has_functions);
	case 8: return flag(c, f, &Mapping_desc, &m->has_filenames);
	case 9: return flag(c, f, &Mapping_desc, &m->has_line_numbers);
	case 10: return flag(c, f, &Mapping_desc, &m->has_inline_frames);
	}
	return GOMEM_OK;
}

static int decode_mapping(struct ctx *c, const uint8_t *q, const uint8_t *end)
{
	gomem_profile *p = c->p;
	struct gomem_mapping m;
	struct field f = {0};
	int rc = GOMEM_OK;

	memset(&m, 0, sizeof(m));
	while (q < end && rc == GOMEM_OK)
		if ((rc = next_field(c, &q, end, &Mapping_desc, &f)) == GOMEM_OK)
			rc = decode_mapping_field(c, &f, &m);
	if (rc != GOMEM_OK)
		return rc;
	if (m.id == 0)
		return fail_at(c->r, GOMEM_E_FORMAT, c->off, "mapping with the reserved id 0");
	if ((rc = RESERVE(p->mappings, p->nmappings, p->mappings_cap, 1)) != GOMEM_OK)
		return fail_at(c->r, rc, c->off, "%s", gomem_strerror(rc));
	p->mappings[p->nmappings++] = m;
	return GOMEM_OK;
}

/* string_table[0] must be "" (pprof); the model already has "" as id 0, so
 * file index i stays string id i. */
static int decode_string(struct ctx *c, const struct field *f)
{
	gomem_pprof_reader *r = c->r;
	size_t len;
	uint32_t id;
	int rc;

	if ((rc = want_wt(c, f, 2, &Profile_desc)) != GOMEM_OK)
		return rc;
	len = (size_t)(f->end - f->data);
	if (r->nstrings++ == 0) {
		if (len != 0)
			return fail_at(r, GOMEM_E_FORMAT, c->off, "string_table[0] must be \"\"");
		return GOMEM_OK;
	}
	if (c->p->strings.count >= GOMEM_PROFILE_MAX_ITEMS)
		return fail_at(r, GOMEM_E_LIMIT, c->off, "too many strings");
	if ((rc = gomem_strpool_add(&c->p->strings, (const char *)f->data, len, &id)) != GOMEM_OK)
		return fail_at(r, rc, c->off, "%s", gomem_strerror(rc));
	return GOMEM_OK;
}

static int decode_comments(struct ctx *c, const struct field *f)
{
	gomem_profile *p = c->p;
	struct field one = *f;
	const uint8_t *q;
	int rc;

	if (f->wt == 0) {
		if ((rc = RESERVE(p->comments, p->ncomments, p->comments_cap, 1)) != GOMEM_OK)
			return grow_failed(c, rc, f->at);
		if ((rc = str_index(c, f, &Profile_desc, &p->comments[p->ncomments])) == GOMEM_OK)
			p->ncomments++;
		return rc;
	}
	if ((rc = want_wt(c, f, 2, &Profile_desc)) != GOMEM_OK)
		return rc;
	one.wt = 0;
	for (q = f->data; q < f->end && rc == GOMEM_OK;) {
		one.at = q;
		if ((q = varint(q, f->end, &one.v)) == NULL)
			return fail_at(c->r, GOMEM_E_FORMAT, OFF(c, one.at),
				       "corrupt varint in Profile.comment");
		rc = decode_comments(c, &one);
	}
	return rc;
}

static int decode_time(struct ctx *c, const struct field *f)
{
	uint64_t v;
	int rc = scalar(c, f, &Profile_desc, &v);

	if (rc != GOMEM_OK)
		return rc;
	/* pprof's rule: a second time_nanos means two profiles were concatenated. */
	if (c->p->time_nanos != 0)
		return fail_at(c->r, GOMEM_E_FORMAT, c->off,
			       "concatenated profiles detected (second time_nanos)");
	c->p->time_nanos = (int64_t)v;
	return GOMEM_OK;
}

static int decode_int64(struct ctx *c, const struct field *f, int64_t *out)
{
	uint64_t v;
	int rc = scalar(c, f, &Profile_desc, &v);

	if (rc == GOMEM_OK)
		*out = (int64_t)v;
	return rc;
}

static int decode_message(struct ctx *c, const struct field *f,
			  int (*decode)(struct ctx *, const uint8_t *, const uint8_t *))
{
	int rc = want_wt(c, f, 2, &Profile_desc);

	return rc == GOMEM_OK ? decode(c, f->data, f->end) : rc;
}

static int decode_profile_field(struct ctx *c, const struct field *f)
{
	gomem_profile *p = c->p;
	struct gomem_value_type vt;
	int rc;

	switch (f->num) {
	case 1:
		if ((rc = want_wt(c, f, 2, &Profile_desc)) != GOMEM_OK ||
		    (rc = decode_value_type(c, f->data, f->end, &vt)) != GOMEM_OK)
			return rc;
		if ((rc = gomem_profile_add_sample_type(p, vt.type, vt.unit)) != GOMEM_OK)
			return grow_failed(c, rc, f->at);
		return GOMEM_OK;
	case 2: return decode_message(c, f, decode_sample);
	case 3: return decode_message(c, f, decode_mapping);
	case 4: return decode_message(c, f, decode_location);
	case 5: return decode_message(c, f, decode_function);
	case 6: return decode_string(c, f);
	case 7: return str_index(c, f, &Profile_desc, &p->drop_frames);
	case 8: return str_index(c, f, &Profile_desc, &p->keep_frames);
	case 9: return decode_time(c, f);
	case 10: return decode_int64(c, f, &p->duration_nanos);
	case 11:
		if ((rc = want_wt(c, f, 2, &Profile_desc)) != GOMEM_OK)
			return rc;
		if (!c->r->period_seen)
			c->r->period_at.offset = c->off;
		return decode_value_type(c, f->data, f->end, &p->period_type);
	case 12:
		c->r->period_seen = true;
		c->r->period_at.offset = c->off;
		return decode_int64(c, f, &p->period);
	case 13: return decode_comments(c, f);
	case 14: return str_index(c, f, &Profile_desc, &p->default_sample_type);
	case 15: return str_index(c, f, &Profile_desc, &p->doc_url);
	}
	return GOMEM_OK; /* unknown: skipped, as pprof does */
}

/* Decodes one complete top-level field of N bytes at stream offset OFF. */
static int decode_top(gomem_pprof_reader *r, const uint8_t *data, size_t n, uint64_t off)
{
	struct ctx c = {r, r->p, data, off};
	const uint8_t *q = data;
	struct field f = {0};
	uint64_t len;
	int rc;

	/* Samples are most of a profile: skip the generic path (framing has
	 * already checked the header). */
	if (data[0] == 0x12 && (q = varint(data + 1, data + n, &len)) != NULL &&
	    len == (uint64_t)(data + n - q))
		return decode_sample(&c, q, data + n);
	q = data;
	rc = next_field(&c, &q, data + n, &Profile_desc, &f);
	return rc == GOMEM_OK ? decode_profile_field(&c, &f) : rc;
}

/* ---- framing: where does the next top-level field end? -------------------- */

enum { FRAME_MORE = 0, FRAME_DONE = 1, FRAME_ERROR = -1 };

static int frame_fail(gomem_pprof_reader *r, int code, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int frame_fail(gomem_pprof_reader *r, int code, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_atv(r, code, off, fmt, ap);
	va_end(ap);
	return FRAME_ERROR;
}

/* Sizes the top-level field at D (N bytes available): FRAME_DONE with its
 * size in *TOTAL, FRAME_MORE when more input is needed (*TOTAL = the size if
 * the header says it already, else 0), or FRAME_ERROR, recorded at OFF. */
static int frame(gomem_pprof_reader *r, const uint8_t *d, size_t n, uint64_t off, uint64_t *total)
{
	const uint8_t *end = d + n, *p;
	uint64_t key, len;
	char name[64];
	int st;

	*total = 0;
	if ((st = varint_status(d, end, &key, &p)) == 0)
		return FRAME_MORE;
	if (st < 0)
		return frame_fail(r, GOMEM_E_FORMAT, off, "corrupt field key in Profile");
	if (key >> 3 == 0 || key >> 3 > UINT32_MAX)
		return frame_fail(r, GOMEM_E_FORMAT, off, "invalid field number %llu in Profile",
			       (unsigned long long)(key >> 3));
	/* Names are formatted on the error paths only: this runs per field. */
#define NAME field_name(name, sizeof(name), &Profile_desc, (uint32_t)(key >> 3))
	switch (key & 7) {
	case 0:
		if ((st = varint_status(p, end, &len, &p)) < 0)
			return frame_fail(r, GOMEM_E_FORMAT, off, "corrupt varint in %s", NAME);
		if (st == 0)
			return FRAME_MORE;
		*total = (uint64_t)(p - d);
		return FRAME_DONE;
	case 1:
	case 5:
		*total = (uint64_t)(p - d) + ((key & 7) == 1 ? 8 : 4);
		return *total <= n ? FRAME_DONE : FRAME_MORE;
	case 2:
		if ((st = varint_status(p, end, &len, &p)) < 0)
			return frame_fail(r, GOMEM_E_FORMAT, off, "corrupt length of %s", NAME);
		if (st == 0)
			return FRAME_MORE;
		if (len > MAX_FIELD)
			return frame_fail(r, GOMEM_E_LIMIT, off,
				       "field of %llu bytes exceeds the %llu MiB limit",
				       (unsigned long long)len,
				       (unsigned long long)(MAX_FIELD >> 20));
		*total = (uint64_t)(p - d) + len;
		return *total <= n ? FRAME_DONE : FRAME_MORE;
	}
	return frame_fail(r, GOMEM_E_FORMAT, off, "invalid wire type %u for %s",
		       (unsigned int)(key & 7), NAME);
#undef NAME
}

static int pend_append(gomem_pprof_reader *r, const uint8_t *d, size_t n)
{
	int rc = gomem_buf_append(&r->pend, d, n);

	return rc ? fail_at(r, rc, r->pend_off, "%s", gomem_strerror(rc)) : GOMEM_OK;
}

/* Completes the buffered field with the first bytes of D; *USED says how
 * many were taken. The header is taken a byte at a time: it is short. */
static int pend_continue(gomem_pprof_reader *r, const uint8_t *d, size_t n, size_t *used)
{
	size_t take;
	int st, rc;

	*used = 0;
	while (r->pend_need == 0 && *used < n) {
		if ((rc = pend_append(r, d + (*used)++, 1)) != GOMEM_OK)
			return rc;
		st = frame(r, (const uint8_t *)r->pend.data, r->pend.len, r->pend_off, &r->pend_need);
		if (st == FRAME_ERROR)
			return r->err.code;
	}
	if (r->pend_need == 0)
		return GOMEM_OK;
	take = r->pend_need - r->pend.len < n - *used ? (size_t)(r->pend_need - r->pend.len)
						      : n - *used;
	if ((rc = pend_append(r, d + *used, take)) != GOMEM_OK)
		return rc;
	*used += take;
	if (r->pend.len < r->pend_need)
		return GOMEM_OK;
	rc = decode_top(r, (const uint8_t *)r->pend.data, r->pend.len, r->pend_off);
	r->pend.len = 0;
	r->pend_need = 0;
	return rc;
}

/* Decodes the whole fields in D in place; keeps the unfinished tail. */
/* A whole length-delimited message at P with a one-byte key: its size in
 * *TOTAL and its body, the way Samples, Locations and Functions come. */
static inline bool whole_message(const uint8_t *p, const uint8_t *end, uint64_t *total,
				 const uint8_t **body)
{
	uint64_t len;
	const uint8_t *q;

	if ((p[0] & 7) != 2 || p[0] < 0x10 || p[0] >= 0x80 ||
	    (q = varint(p + 1, end, &len)) == NULL || len > (uint64_t)(end - q) || len > MAX_FIELD)
		return false;
	*total = (uint64_t)(q - p) + len;
	*body = q;
	return true;
}

static int decode_run(gomem_pprof_reader *r, const uint8_t *d, size_t n)
{
	const uint8_t *p = d, *end = d + n, *body;
	uint64_t total;
	int rc;

	while (p < end) {
		uint64_t off = r->consumed + (uint64_t)(p - d);
		int st;

		/* Samples, Locations and Functions whole in the input, most of it,
		 * go straight to their decoders: framing them is done here. */
		if ((p[0] == 0x12 || p[0] == 0x22 || p[0] == 0x2a) && whole_message(p, end, &total, &body)) {
			struct ctx c = {r, r->p, p, off};

			rc = p[0] == 0x12 ? decode_sample(&c, body, p + total)
			   : p[0] == 0x22 ? decode_location(&c, body, p + total)
					  : decode_function(&c, body, p + total);
			if (rc != GOMEM_OK)
				return rc;
			p += total;
			continue;
		}
		st = frame(r, p, (size_t)(end - p), off, &total);

		if (st == FRAME_ERROR)
			return r->err.code;
		if (st == FRAME_MORE) {
			r->pend.len = 0;
			r->pend_off = off;
			r->pend_need = total;
			return pend_append(r, p, (size_t)(end - p));
		}
		if ((rc = decode_top(r, p, (size_t)total, off)) != GOMEM_OK)
			return rc;
		p += total;
	}
	return GOMEM_OK;
}

/* ---- the public reader ----------------------------------------------------- */

int gomem_pprof_reader_new(gomem_pprof_reader **out, const char *name)
{
	gomem_pprof_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return GOMEM_E_NOMEM;
	if (gomem_profile_new(&r->p) != GOMEM_OK) {
		free(r);
		return GOMEM_E_NOMEM;
	}
	r->p->format = GOMEM_PROFILE_PROTO;
	gomem_buf_init(&r->pend, (size_t)(MAX_FIELD + MAX_HEADER));
	gomem_error_set_source(&r->err, name ? name : "<memory>");
	*out = r;
	return GOMEM_OK;
}

int gomem_pprof_reader_feed(gomem_pprof_reader *r, const void *data, size_t len)
{
	const uint8_t *d = data;
	size_t used = 0;
	int rc;

	if (r->err.code != GOMEM_OK)
		return r->err.code;
	if (r->p == NULL)
		return gomem_error_set(&r->err, GOMEM_E_INVALID, "feed after finish");
	if (len == 0)
		return GOMEM_OK;
	r->any_input = true;
	if (r->pend.len > 0) {
		rc = pend_continue(r, d, len, &used);
		r->consumed += used;
		if (rc != GOMEM_OK || r->pend.len > 0)
			return rc;
	}
	rc = decode_run(r, d + used, len - used);
	r->consumed += len - used;
	return rc;
}

/* The input ended inside a field: say how much was missing. */
static int truncated(gomem_pprof_reader *r)
{
	const uint8_t *d = (const uint8_t *)r->pend.data, *p;
	uint64_t key, len;

	if (r->pend_need == 0)
		return fail_at(r, GOMEM_E_TRUNCATED, r->pend_off, "input ends inside a field");
	if (varint_status(d, d + r->pend.len, &key, &p) == 1 && (key & 7) == 2 &&
	    varint_status(p, d + r->pend.len, &len, &p) == 1)
		return fail_at(r, GOMEM_E_TRUNCATED, r->pend_off,
			       "length %llu exceeds remaining %zu bytes", (unsigned long long)len,
			       (size_t)(d + r->pend.len - p));
	return fail_at(r, GOMEM_E_TRUNCATED, r->pend_off, "input ends inside a field (%llu of %llu bytes)",
		       (unsigned long long)r->pend.len, (unsigned long long)r->pend_need);
}

static int check_complete(gomem_pprof_reader *r)
{
	size_t count = r->p->strings.count;

	if (r->pend.len > 0)
		return truncated(r);
	if (!r->any_input)
		return fail_at(r, GOMEM_E_FORMAT, 0, "empty input");
	if (r->nstrings == 0)
		return fail_at(r, GOMEM_E_FORMAT, r->consumed, "no string table");
	if (r->max_str >= count)
		return fail_at(r, GOMEM_E_FORMAT, r->max_str_off,
			       "string index %llu out of range (string table has %zu) in %s",
			       (unsigned long long)r->max_str, count, r->max_str_what);
	return GOMEM_OK;
}

int gomem_pprof_reader_finish(gomem_profile **out, gomem_pprof_reader *r)
{
	int rc;

	*out = NULL;
	if (r->err.code != GOMEM_OK)
		return r->err.code;
	if (r->p == NULL)
		return gomem_error_set(&r->err, GOMEM_E_INVALID, "finish called twice");
	if ((rc = check_complete(r)) != GOMEM_OK)
		return rc;
	rc = gomem_profile_resolve(r->p, r->sample_offs, r->loc_offs, &r->err);
	if (rc == GOMEM_OK)
		rc = gomem_profile_check(r->p, &r->audit, &r->period_at, &r->err);
	if (rc != GOMEM_OK)
		return rc;
	*out = r->p;
	r->p = NULL;
	return GOMEM_OK;
}

const gomem_error *gomem_pprof_reader_error(const gomem_pprof_reader *r)
{
	return &r->err;
}

void gomem_pprof_reader_free(gomem_pprof_reader *r)
{
	if (r == NULL)
		return;
	gomem_profile_free(r->p);
	gomem_buf_free(&r->pend);
	free(r->sample_offs);
	free(r->loc_offs);
	free(r->loc_seen);
	gomem_value_audit_free(&r->audit);
	free(r);
}

int gomem_pprof_from_buffer(gomem_profile **out, const void *data, size_t len,
			    const char *name, gomem_error *err)
{
	return gomem_read_profile(out, &gomem_pprof_reader_ops, NULL, data, len, name, err);
}

/* ---- the reader as gomem_reader_ops ----------------------------------------- */

static int ops_create(void **reader, const char *name)
{
	gomem_pprof_reader *r;
	int rc = gomem_pprof_reader_new(&r, name);

	*reader = r;
	return rc;
}

static int ops_feed(void *reader, const void *data, size_t len)
{
	return gomem_pprof_reader_feed(reader, data, len);
}

static int ops_finish(gomem_profile **out, void *reader)
{
	return gomem_pprof_reader_finish(out, reader);
}

static const gomem_error *ops_error(const void *reader)
{
	return gomem_pprof_reader_error(reader);
}

static void ops_destroy(void *reader)
{
	gomem_pprof_reader_free(reader);
}

const struct gomem_reader_ops gomem_pprof_reader_ops = {
	ops_create, ops_feed, ops_finish, ops_error, ops_destroy,
};
