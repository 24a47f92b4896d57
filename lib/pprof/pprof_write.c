/* SPDX-License-Identifier: Apache-2.0 */
/* pprof_write.c — serializes the profile model as profile.proto, in the
 * field order pprof's own encoder uses, repeated scalars packed, optionally
 * gzipped (one member). Each message is built in a scratch
 * buffer and copied out behind its length; output leaves in 64 KiB chunks,
 * so memory stays flat however large the profile. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gomem-internal.h"

#define CHUNK ((size_t)64 * 1024)
#define MAX_MESSAGE ((size_t)1 << 31)

struct bytes {
	uint8_t *d;
	size_t len, cap;
};

struct writer {
	const gomem_profile *p;
	FILE *fp;
	bool gzip;
	z_stream z;
	uint8_t *zout;
	struct bytes out;       /* encoded bytes not yet written */
	struct bytes msg;       /* the top-level message being built */
	gomem_error *err;
	int rc;                 /* first failure; later writes are skipped */
	bool loc_ids, fn_ids, map_ids; /* the model's ids are usable as they are */
};

/* Room for N more bytes in B, or NULL once anything has failed. */
static uint8_t *room(struct writer *w, struct bytes *b, size_t n)
{
	int rc;

	if (w->rc != GOMEM_OK)
		return NULL;
	if (b->len + n > b->cap &&
	    (rc = GOMEM_GROW(b->d, b->cap, b->len + n, MAX_MESSAGE)) != GOMEM_OK) {
		w->rc = gomem_error_set(w->err, rc, "cannot encode profile: %s",
					gomem_strerror(rc));
		return NULL;
	}
	return b->d + b->len;
}

static size_t encode_varint(uint8_t *dst, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		dst[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	dst[n++] = (uint8_t)v;
	return n;
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void put_varint(struct writer *w, struct bytes *b, uint64_t v)
{
	uint8_t *d = room(w, b, 10);

	if (d != NULL)
		b->len += encode_varint(d, v);
}

/* A varint field, omitted when zero (proto3: absent == 0). */
static void put_uint(struct writer *w, struct bytes *b, uint32_t field, uint64_t v)
{
	if (v == 0)
		return;
	put_varint(w, b, (uint64_t)field << 3);
	put_varint(w, b, v);
}

static void put_bytes(struct writer *w, struct bytes *b, uint32_t field, const void *data,
		      size_t len)
{
	uint8_t *d;

	put_varint(w, b, (uint64_t)field << 3 | 2);
	put_varint(w, b, len);
	if ((d = room(w, b, len)) != NULL && len > 0) {
		memcpy(d, data, len);
		b->len += len;
	}
}

/* A packed repeated scalar; GET(i) gives element I. Skipped when empty. */
#define PUT_PACKED(w, b, field, n, GET) do { \
	size_t size_ = 0; \
	uint8_t *d_; \
	for (size_t i = 0; i < (n); i++) \
		size_ += varint_size(GET); \
	if ((n) == 0) \
		break; \
	put_varint(w, b, (uint64_t)(field) << 3 | 2); \
	put_varint(w, b, size_); \
	if ((d_ = room(w, b, size_)) == NULL) \
		break; \
	for (size_t i = 0; i < (n); i++) \
		d_ += encode_varint(d_, GET); \
	(b)->len += size_; \
} while (0)

/* ---- output ---------------------------------------------------------------- */

static void write_out(struct writer *w, const void *data, size_t len)
{
	if (w->rc == GOMEM_OK && len > 0 && fwrite(data, 1, len, w->fp) != len)
		w->rc = gomem_error_set(w->err, GOMEM_E_IO, "write failed: %s", strerror(errno));
}

static void deflate_out(struct writer *w, const uint8_t *data, size_t len, int flush)
{
	int zrc;

	w->z.next_in = (Bytef *)data;
	w->z.avail_in = (uInt)len;
	do {
		w->z.next_out = w->zout;
		w->z.avail_out = (uInt)CHUNK;
		zrc = deflate(&w->z, flush);
		if (zrc == Z_STREAM_ERROR) {
			w->rc = gomem_error_set(w->err, GOMEM_E_NOMEM, "gzip: deflate failed");
			return;
		}
		write_out(w, w->zout, CHUNK - w->z.avail_out);
	} while (w->rc == GOMEM_OK && (w->z.avail_out == 0 || (flush == Z_FINISH && zrc != Z_STREAM_END)));
}

static void flush_out(struct writer *w, bool last)
{
	if (w->rc != GOMEM_OK)
		return;
	if (w->gzip)
		deflate_out(w, w->out.d, w->out.len, last ? Z_FINISH : Z_NO_FLUSH);
	else
		write_out(w, w->out.d, w->out.len);
	w->out.len = 0;
}

/* Copies the built message out as top-level field FIELD. */
static void emit_msg(struct writer *w, uint32_t field)
{
	put_bytes(w, &w->out, field, w->msg.d, w->msg.len);
	w->msg.len = 0;
	if (w->out.len >= CHUNK)
		flush_out(w, false);
}

/* ---- ids: the file's when the model has them, else position + 1 ----------- */

#define IDS_USABLE(arr, n) ids_usable((arr), sizeof(*(arr)), (n))

static bool ids_usable(const void *base, size_t stride, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (*(const uint64_t *)((const char *)base + i * stride) == 0)
			return false;
	return true;
}

static uint64_t loc_id(const struct writer *w, uint64_t idx)
{
	return w->loc_ids && idx < w->p->nlocations ? w->p->locations[idx].id : idx + 1;
}

static uint64_t fn_id(const struct writer *w, uint64_t idx)
{
	if (idx == GOMEM_NONE || idx >= w->p->nfunctions)
		return 0;
	return w->fn_ids ? w->p->functions[idx].id : idx + 1;
}

/* Locations hold mapping index + 1, 0 for none. */
static uint64_t map_id(const struct writer *w, uint64_t ref)
{
	if (ref == 0 || ref > w->p->nmappings)
		return 0;
	return w->map_ids ? w->p->mappings[ref - 1].id : ref;
}

/* ---- messages -------------------------------------------------------------- */

static void put_value_type(struct writer *w, uint32_t field, const struct gomem_value_type *vt)
{
	put_uint(w, &w->msg, 1, vt->type);
	put_uint(w, &w->msg, 2, vt->unit);
	emit_msg(w, field);
}

static void put_label(struct writer *w, const struct gomem_label *l)
{
	uint8_t tmp[48];
	struct bytes b = {tmp, 0, sizeof(tmp)};

	/* At most four 11-byte fields: TMP never grows. */
	put_uint(w, &b, 1, l->key);
	put_uint(w, &b, 2, l->str);
	put_uint(w, &b, 3, (uint64_t)l->num);
	put_uint(w, &b, 4, l->num_unit);
	put_bytes(w, &w->msg, 3, tmp, b.len);
}

static void put_sample(struct writer *w, const struct gomem_sample *s)
{
	const gomem_profile *p = w->p;
	const uint32_t *locs = GOMEM_AT(p->loc_index, s->loc_off);
	const int64_t *vals = GOMEM_AT(p->values, s->value_off);

	PUT_PACKED(w, &w->msg, 1, s->nlocs, loc_id(w, locs[i]));
	PUT_PACKED(w, &w->msg, 2, s->nvalues, (uint64_t)vals[i]);
	for (uint32_t j = 0; j < s->nlabels; j++)
		put_label(w, &p->labels[s->label_off + j]);
	emit_msg(w, 2);
}

static void put_mapping(struct writer *w, size_t i)
{
	const struct gomem_mapping *m = &w->p->mappings[i];

	put_uint(w, &w->msg, 1, w->map_ids ? m->id : i + 1);
	put_uint(w, &w->msg, 2, m->memory_start);
	put_uint(w, &w->msg, 3, m->memory_limit);
	put_uint(w, &w->msg, 4, m->file_offset);
	put_uint(w, &w->msg, 5, m->filename);
	put_uint(w, &w->msg, 6, m->build_id);
	put_uint(w, &w->msg, 7, m->has_functions);
	put_uint(w, &w->msg, 8, m->has_filenames);
	put_uint(w, &w->msg, 9, m->has_line_numbers);
	put_uint(w, &w->msg, 10, m->has_inline_frames);
	emit_msg(w, 3);
}

static void put_line(struct writer *w, const struct gomem_line *ln)
{
	uint8_t tmp[40];
	struct bytes b = {tmp, 0, sizeof(tmp)};

	put_uint(w, &b, 1, fn_id(w, ln->function));
	put_uint(w, &b, 2, (uint64_t)ln->line);
	put_uint(w, &b, 3, (uint64_t)ln->column);
	put_bytes(w, &w->msg, 4, tmp, b.len);
}

static void put_location(struct writer *w, size_t i)
{
	const struct gomem_location *loc = &w->p->locations[i];

	put_uint(w, &w->msg, 1, loc_id(w, i));
	put_uint(w, &w->msg, 2, map_id(w, loc->mapping));
	put_uint(w, &w->msg, 3, loc->address);
	for (uint32_t j = 0; j < loc->nlines; j++)
		put_line(w, &w->p->lines[loc->line_off + j]);
	put_uint(w, &w->msg, 5, loc->is_folded);
	emit_msg(w, 4);
}

static void put_function(struct writer *w, size_t i)
{
	const struct gomem_function *f = &w->p->functions[i];

	put_uint(w, &w->msg, 1, w->fn_ids ? f->id : i + 1);
	put_uint(w, &w->msg, 2, f->name);
	put_uint(w, &w->msg, 3, f->system_name);
	put_uint(w, &w->msg, 4, f->filename);
	put_uint(w, &w->msg, 5, (uint64_t)f->start_line);
	emit_msg(w, 5);
}

static void put_strings(struct writer *w)
{
	const gomem_strpool *sp = &w->p->strings;

	for (uint32_t i = 0; i < sp->count; i++) {
		put_bytes(w, &w->out, 6, gomem_strpool_get(sp, i), gomem_strpool_len(sp, i));
		if (w->out.len >= CHUNK)
			flush_out(w, false);
	}
}

static void put_trailer(struct writer *w)
{
	const gomem_profile *p = w->p;
	struct bytes *o = &w->out;

	put_uint(w, o, 7, p->drop_frames);
	put_uint(w, o, 8, p->keep_frames);
	put_uint(w, o, 9, (uint64_t)p->time_nanos);
	put_uint(w, o, 10, (uint64_t)p->duration_nanos);
	if (p->period_type.type != 0 || p->period_type.unit != 0)
		put_value_type(w, 11, &p->period_type);
	put_uint(w, o, 12, (uint64_t)p->period);
	PUT_PACKED(w, o, 13, p->ncomments, p->comments[i]);
	put_uint(w, o, 14, p->default_sample_type);
	put_uint(w, o, 15, p->doc_url);
}

static void put_profile(struct writer *w)
{
	const gomem_profile *p = w->p;
	size_t i;

	for (i = 0; i < p->nsample_types; i++)
		put_value_type(w, 1, &p->sample_types[i]);
	for (i = 0; i < p->nsamples && w->rc == GOMEM_OK; i++)
		put_sample(w, &p->samples[i]);
	for (i = 0; i < p->nmappings; i++)
		put_mapping(w, i);
	for (i = 0; i < p->nlocations && w->rc == GOMEM_OK; i++)
		put_location(w, i);
	for (i = 0; i < p->nfunctions; i++)
		put_function(w, i);
	put_strings(w);
	put_trailer(w);
	flush_out(w, true);
}

static int writer_init(struct writer *w, const gomem_profile *p, FILE *fp, int gzip,
		       gomem_error *err)
{
	memset(w, 0, sizeof(*w));
	w->p = p;
	w->fp = fp;
	w->gzip = gzip != 0;
	w->err = err;
	w->loc_ids = IDS_USABLE(p->locations, p->nlocations);
	w->fn_ids = IDS_USABLE(p->functions, p->nfunctions);
	w->map_ids = IDS_USABLE(p->mappings, p->nmappings);
	if (!w->gzip)
		return GOMEM_OK;
	/* The default level, as pprof's own -proto output: half the size of
	 * Go's BestSpeed for a diff profile, for about 1.5x the time. */
	if (deflateInit2(&w->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return gomem_error_set(err, GOMEM_E_NOMEM, "gzip: cannot start compression");
	if ((w->zout = malloc(CHUNK)) == NULL) {
		deflateEnd(&w->z);
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	}
	return GOMEM_OK;
}

int gomem_pprof_write(const gomem_profile *p, FILE *fp, int gzip, gomem_error *err)
{
	struct writer w;
	int rc;

	if (p == NULL || fp == NULL)
		return gomem_error_set(err, GOMEM_E_INVALID, "no profile or no output");
	if ((rc = writer_init(&w, p, fp, gzip, err)) != GOMEM_OK)
		return rc;
	put_profile(&w);
	if (w.rc == GOMEM_OK && fflush(fp) != 0)
		w.rc = gomem_error_set(err, GOMEM_E_IO, "write failed: %s", strerror(errno));
	if (w.gzip) {
		deflateEnd(&w.z);
		free(w.zout);
	}
	free(w.out.d);
	free(w.msg.d);
	return w.rc;
}
