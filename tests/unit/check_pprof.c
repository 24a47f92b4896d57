/* SPDX-License-Identifier: Apache-2.0 */
/* check_pprof.c — the profile.proto reader and writer, and the profile model
 * they fill. Inputs are built field by field with a tiny encoder so each
 * case says what it holds; malformed cases name the exact error, code and
 * byte offset, and every case is also fed in 1-byte and odd-size chunks. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gomem-internal.h"
#include "suites.h"

/* ---- a tiny protobuf encoder ---------------------------------------------- */

struct pb {
	uint8_t d[2048];
	size_t n;
};

static void pb_raw(struct pb *b, const void *data, size_t len)
{
	ck_assert_uint_le(b->n + len, sizeof(b->d));
	memcpy(b->d + b->n, data, len);
	b->n += len;
}

static void pb_varint(struct pb *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	while (v >= 0x80) {
		tmp[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (uint8_t)v;
	pb_raw(b, tmp, n);
}

static void pb_key(struct pb *b, uint32_t field, unsigned int wt)
{
	pb_varint(b, (uint64_t)field << 3 | wt);
}

static void pb_uint(struct pb *b, uint32_t field, uint64_t v)
{
	pb_key(b, field, 0);
	pb_varint(b, v);
}

static void pb_bytes(struct pb *b, uint32_t field, const void *data, size_t len)
{
	pb_key(b, field, 2);
	pb_varint(b, len);
	pb_raw(b, data, len);
}

static void pb_msg(struct pb *b, uint32_t field, const struct pb *m)
{
	pb_bytes(b, field, m->d, m->n);
}

static void pb_packed(struct pb *b, uint32_t field, const int64_t *v, size_t n)
{
	struct pb m = {.n = 0};

	for (size_t i = 0; i < n; i++)
		pb_varint(&m, (uint64_t)v[i]);
	pb_msg(b, field, &m);
}

static void pb_strings(struct pb *b, const char *const *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pb_bytes(b, 6, s[i], strlen(s[i]));
}

static void pb_value_type(struct pb *b, uint32_t field, uint64_t type, uint64_t unit)
{
	struct pb m = {.n = 0};

	pb_uint(&m, 1, type);
	pb_uint(&m, 2, unit);
	pb_msg(b, field, &m);
}

static void pb_function(struct pb *b, uint64_t id, uint64_t name, uint64_t file)
{
	struct pb m = {.n = 0};

	pb_uint(&m, 1, id);
	pb_uint(&m, 2, name);
	pb_uint(&m, 3, name);
	pb_uint(&m, 4, file);
	pb_msg(b, 5, &m);
}

/* A location with one line per (function, line) pair, leaf first. */
static void pb_location(struct pb *b, uint64_t id, uint64_t mapping, uint64_t addr,
			const uint64_t (*lines)[2], size_t nlines)
{
	struct pb m = {.n = 0};

	pb_uint(&m, 1, id);
	if (mapping)
		pb_uint(&m, 2, mapping);
	pb_uint(&m, 3, addr);
	for (size_t i = 0; i < nlines; i++) {
		struct pb ln = {.n = 0};

		pb_uint(&ln, 1, lines[i][0]);
		pb_uint(&ln, 2, lines[i][1]);
		pb_msg(&m, 4, &ln);
	}
	pb_msg(b, 4, &m);
}

static const char *const strtab[] = {
	"", "alloc_space", "bytes", "inuse_space", "main.leak", "/src/main.go", "main.main",
	"space", "size", "note",
};
#define S_ALLOC 1
#define S_BYTES 2
#define S_INUSE 3
#define S_LEAK 4
#define S_FILE 5
#define S_MAIN 6
#define S_SPACE 7
#define S_SIZE 8
#define S_NOTE 9

/* Two sample types, two functions, two locations: the common part. */
static void pb_header(struct pb *b)
{
	static const uint64_t leaf[][2] = {{1, 10}};
	static const uint64_t root[][2] = {{2, 20}};

	pb_value_type(b, 11, S_SPACE, S_BYTES);
	pb_uint(b, 12, 524288);
	pb_value_type(b, 1, S_ALLOC, S_BYTES);
	pb_value_type(b, 1, S_INUSE, S_BYTES);
	pb_location(b, 1, 0, 0x1000, leaf, 1);
	pb_function(b, 1, S_LEAK, S_FILE);
	pb_location(b, 2, 0, 0x2000, root, 1);
	pb_function(b, 2, S_MAIN, S_FILE);
}

static void pb_sample(struct pb *b, const int64_t *locs, size_t nlocs, const int64_t *vals,
		      size_t nvals)
{
	struct pb m = {.n = 0};

	pb_packed(&m, 1, locs, nlocs);
	pb_packed(&m, 2, vals, nvals);
	pb_msg(b, 2, &m);
}

/* A whole valid profile: header, one sample, strings last (as Go writes). */
static void pb_profile(struct pb *b)
{
	static const int64_t locs[] = {1, 2}, vals[] = {4096, 1024};

	pb_header(b);
	pb_sample(b, locs, 2, vals, 2);
	pb_uint(b, 9, 1700000000000000000);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

/* ---- reading helpers ------------------------------------------------------ */

/* Feeds DATA in chunks of CHUNK bytes (0: all at once). */
static int read_chunked(const void *data, size_t len, size_t chunk, gomem_profile **out,
			gomem_error *err)
{
	gomem_pprof_reader *r;
	const uint8_t *d = data;
	int rc;

	ck_assert_int_eq(gomem_pprof_reader_new(&r, "test.pb"), GOMEM_OK);
	rc = GOMEM_OK;
	for (size_t off = 0; off < len && rc == GOMEM_OK;) {
		size_t n = chunk == 0 || len - off < chunk ? len - off : chunk;

		rc = gomem_pprof_reader_feed(r, d + off, n);
		off += n;
	}
	if (rc == GOMEM_OK)
		rc = gomem_pprof_reader_finish(out, r);
	else
		*out = NULL;
	*err = *gomem_pprof_reader_error(r);
	ck_assert_int_eq(err->code, rc);
	gomem_pprof_reader_free(r);
	return rc;
}

static gomem_profile *read_ok(const struct pb *b)
{
	gomem_profile *p;
	gomem_error err;
	int rc = read_chunked(b->d, b->n, 0, &p, &err);

	ck_assert_msg(rc == GOMEM_OK, "read failed: %s", err.message);
	return p;
}

/* The profile serialized, for comparing two reads byte for byte. */
static char *serialize(const gomem_profile *p, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gomem_pprof_write(p, fp, 0, NULL), GOMEM_OK);
	fclose(fp);
	return buf;
}

/* Field by field: everything the model holds, ids included. */
static void assert_same_tables(const gomem_profile *a, const gomem_profile *b)
{
	ck_assert_uint_eq(a->nmappings, b->nmappings);
	for (size_t i = 0; i < a->nmappings; i++) {
		const struct gomem_mapping *x = &a->mappings[i], *y = &b->mappings[i];

		ck_assert(x->id == y->id && x->memory_start == y->memory_start &&
			  x->memory_limit == y->memory_limit && x->file_offset == y->file_offset &&
			  x->filename == y->filename && x->build_id == y->build_id &&
			  x->has_functions == y->has_functions &&
			  x->has_filenames == y->has_filenames &&
			  x->has_line_numbers == y->has_line_numbers &&
			  x->has_inline_frames == y->has_inline_frames);
	}
	ck_assert_uint_eq(a->nlocations, b->nlocations);
	for (size_t i = 0; i < a->nlocations; i++) {
		const struct gomem_location *x = &a->locations[i], *y = &b->locations[i];

		ck_assert(x->id == y->id && x->mapping == y->mapping && x->address == y->address &&
			  x->line_off == y->line_off && x->nlines == y->nlines &&
			  x->is_folded == y->is_folded);
	}
	ck_assert_uint_eq(a->nlines, b->nlines);
	for (size_t i = 0; i < a->nlines; i++)
		ck_assert(a->lines[i].function == b->lines[i].function &&
			  a->lines[i].line == b->lines[i].line &&
			  a->lines[i].column == b->lines[i].column);
	ck_assert_uint_eq(a->nfunctions, b->nfunctions);
	for (size_t i = 0; i < a->nfunctions; i++) {
		const struct gomem_function *x = &a->functions[i], *y = &b->functions[i];

		ck_assert(x->id == y->id && x->name == y->name && x->system_name == y->system_name &&
			  x->filename == y->filename && x->start_line == y->start_line);
	}
}

static void assert_same_samples(const gomem_profile *a, const gomem_profile *b)
{
	ck_assert_uint_eq(a->nsamples, b->nsamples);
	for (size_t i = 0; i < a->nsamples; i++) {
		const struct gomem_sample *x = &a->samples[i], *y = &b->samples[i];

		ck_assert(x->loc_off == y->loc_off && x->nlocs == y->nlocs &&
			  x->value_off == y->value_off && x->nvalues == y->nvalues &&
			  x->label_off == y->label_off && x->nlabels == y->nlabels);
	}
	ck_assert_uint_eq(a->nsample_locs, b->nsample_locs);
	for (size_t i = 0; i < a->nsample_locs; i++)
		ck_assert_uint_eq(a->loc_index[i], b->loc_index[i]);
	ck_assert_uint_eq(a->nvalues, b->nvalues);
	for (size_t i = 0; i < a->nvalues; i++)
		ck_assert_int_eq(a->values[i], b->values[i]);
	ck_assert_uint_eq(a->nlabels, b->nlabels);
	for (size_t i = 0; i < a->nlabels; i++)
		ck_assert(a->labels[i].key == b->labels[i].key &&
			  a->labels[i].str == b->labels[i].str &&
			  a->labels[i].num == b->labels[i].num &&
			  a->labels[i].num_unit == b->labels[i].num_unit);
}

static void assert_same_model(const gomem_profile *a, const gomem_profile *b)
{
	ck_assert_uint_eq(a->strings.count, b->strings.count);
	for (uint32_t i = 0; i < a->strings.count; i++)
		ck_assert_str_eq(gomem_strpool_get(&a->strings, i), gomem_strpool_get(&b->strings, i));
	ck_assert_uint_eq(a->nsample_types, b->nsample_types);
	for (size_t i = 0; i < a->nsample_types; i++)
		ck_assert(a->sample_types[i].type == b->sample_types[i].type &&
			  a->sample_types[i].unit == b->sample_types[i].unit);
	ck_assert(a->period_type.type == b->period_type.type &&
		  a->period_type.unit == b->period_type.unit);
	ck_assert(a->period == b->period && a->time_nanos == b->time_nanos &&
		  a->duration_nanos == b->duration_nanos);
	ck_assert(a->drop_frames == b->drop_frames && a->keep_frames == b->keep_frames &&
		  a->default_sample_type == b->default_sample_type && a->doc_url == b->doc_url);
	ck_assert_uint_eq(a->ncomments, b->ncomments);
	for (size_t i = 0; i < a->ncomments; i++)
		ck_assert_uint_eq(a->comments[i], b->comments[i]);
	assert_same_tables(a, b);
	assert_same_samples(a, b);
}

/* ---- well-formed input ---------------------------------------------------- */

START_TEST(test_minimal_profile)
{
	struct pb b = {.n = 0};
	gomem_profile *p;
	const char *unit, *type;
	const uint32_t *locs;
	int64_t line;
	size_t n;

	pb_profile(&b);
	p = read_ok(&b);
	ck_assert_int_eq(gomem_profile_source_format(p), GOMEM_PROFILE_PROTO);
	ck_assert_uint_eq(gomem_profile_sample_type_count(p), 2);
	ck_assert_str_eq(gomem_profile_sample_type(p, 0, &unit), "alloc_space");
	ck_assert_str_eq(unit, "bytes");
	ck_assert_str_eq(gomem_profile_sample_type(p, 1, NULL), "inuse_space");
	ck_assert_ptr_null(gomem_profile_sample_type(p, 2, &unit));
	ck_assert_int_eq(gomem_profile_sample_type_index(p, "inuse_space"), 1);
	ck_assert_int_eq(gomem_profile_sample_type_index(p, "nope"), -1);
	ck_assert_uint_eq(gomem_profile_default_sample_type(p), 1); /* the last */
	ck_assert_int_eq(gomem_profile_period(p, &type, &unit), 524288);
	ck_assert_str_eq(type, "space");
	ck_assert_str_eq(unit, "bytes");
	ck_assert_int_eq(gomem_profile_time_nanos(p), 1700000000000000000);
	ck_assert_int_eq(gomem_profile_duration_nanos(p), 0);

	ck_assert_uint_eq(gomem_profile_sample_count(p), 1);
	ck_assert_int_eq(gomem_profile_sample_values(p, 0)[0], 4096);
	ck_assert_int_eq(gomem_profile_sample_values(p, 0)[1], 1024);
	ck_assert_ptr_null(gomem_profile_sample_values(p, 1));
	locs = gomem_profile_sample_locations(p, 0, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(locs[0], 0);
	ck_assert_uint_eq(locs[1], 1);
	ck_assert_uint_eq(p->loc_index[1], 1); /* internal view: indices too */

	ck_assert_uint_eq(gomem_profile_location_count(p), 2);
	ck_assert_uint_eq(gomem_profile_location_address(p, 1), 0x2000);
	ck_assert_uint_eq(gomem_profile_location_line_count(p, 0), 1);
	ck_assert_int_eq(gomem_profile_location_line(p, 1, 0, &line), 1);
	ck_assert_int_eq(line, 20);
	ck_assert_int_eq(gomem_profile_location_line(p, 1, 1, &line), -1);
	ck_assert_uint_eq(gomem_profile_function_count(p), 2);
	ck_assert_str_eq(gomem_profile_function_name(p, 0), "main.leak");
	ck_assert_str_eq(gomem_profile_function_file(p, 1), "/src/main.go");
	ck_assert_ptr_null(gomem_profile_function_name(p, 2));
	ck_assert_uint_eq(gomem_profile_mapping_count(p), 0);
	ck_assert_ptr_null(gomem_profile_memstats(p));
	gomem_profile_free(p);
}
END_TEST

/* The same values packed, unpacked, and mixed, and location ids likewise:
 * pprof accepts all of them (Go itself writes stacks of 1-2 unpacked). */
static void encode_values(struct pb *m, int how, uint32_t field, const int64_t *v, size_t n)
{
	switch (how) {
	case 0:
		pb_packed(m, field, v, n);
		break;
	case 1:
		for (size_t i = 0; i < n; i++)
			pb_uint(m, field, (uint64_t)v[i]);
		break;
	default:
		pb_uint(m, field, (uint64_t)v[0]);
		pb_packed(m, field, v + 1, 1);
		pb_packed(m, field, v + 2, n - 2);
		break;
	}
}

START_TEST(test_packed_unpacked_mixed)
{
	static const int64_t vals[] = {1, -1, INT64_MAX, 300}, locs[] = {2, 1, 2};
	struct pb b = {.n = 0}, m = {.n = 0};
	int how = _i;
	gomem_profile *p;
	const uint32_t *l;
	size_t n;

	pb_value_type(&b, 1, S_ALLOC, S_BYTES);
	pb_value_type(&b, 1, S_INUSE, S_BYTES);
	pb_value_type(&b, 1, S_SIZE, S_BYTES);
	pb_value_type(&b, 1, S_SPACE, S_BYTES);
	/* values before locations, interleaved: order within a Sample is free */
	encode_values(&m, how, 2, vals, 4);
	encode_values(&m, (how + 1) % 3, 1, locs, 3);
	pb_msg(&b, 2, &m);
	pb_header(&b);
	pb_strings(&b, strtab, GOMEM_ARRAY_SIZE(strtab));
	/* pb_header added two more sample types: the sample needs 6 values */
	{
		gomem_error err;

		ck_assert_int_eq(read_chunked(b.d, b.n, 0, &p, &err), GOMEM_E_FORMAT);
		ck_assert_str_eq(err.message, "sample has 4 values, expected 6 (one per sample type)");
		/* its locations came later, so the reader kept its offset */
		ck_assert_int_eq(err.has_offset, 1);
		ck_assert_uint_eq(err.offset, 4 * 6);
	}
	/* Now a consistent profile: four types only. */
	b.n = 0;
	pb_value_type(&b, 1, S_ALLOC, S_BYTES);
	pb_value_type(&b, 1, S_INUSE, S_BYTES);
	pb_value_type(&b, 1, S_SIZE, S_BYTES);
	pb_value_type(&b, 1, S_SPACE, S_BYTES);
	pb_msg(&b, 2, &m);
	pb_function(&b, 1, S_LEAK, S_FILE);
	pb_function(&b, 2, S_MAIN, S_FILE);
	{
		static const uint64_t l1[][2] = {{1, 1}}, l2[][2] = {{2, 2}};

		pb_location(&b, 1, 0, 0x10, l1, 1);
		pb_location(&b, 2, 0, 0x20, l2, 1);
	}
	pb_strings(&b, strtab, GOMEM_ARRAY_SIZE(strtab));
	p = read_ok(&b);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(gomem_profile_sample_values(p, 0)[i], vals[i]);
	l = gomem_profile_sample_locations(p, 0, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(l[0], 1);
	ck_assert_uint_eq(l[1], 0);
	ck_assert_uint_eq(l[2], 1);
	gomem_profile_free(p);
}
END_TEST

/* The string table may come anywhere: first, last, or split around the rest. */
START_TEST(test_string_table_position)
{
	static const int64_t locs[] = {1, 2}, vals[] = {7, 8};
	struct pb first = {.n = 0}, last = {.n = 0}, split = {.n = 0};
	gomem_profile *a, *b, *c;

	pb_strings(&first, strtab, GOMEM_ARRAY_SIZE(strtab));
	pb_header(&first);
	pb_sample(&first, locs, 2, vals, 2);

	pb_header(&last);
	pb_sample(&last, locs, 2, vals, 2);
	pb_strings(&last, strtab, GOMEM_ARRAY_SIZE(strtab));

	pb_strings(&split, strtab, 3);
	pb_header(&split);
	pb_sample(&split, locs, 2, vals, 2);
	pb_strings(&split, strtab + 3, GOMEM_ARRAY_SIZE(strtab) - 3);

	a = read_ok(&first);
	b = read_ok(&last);
	c = read_ok(&split);
	assert_same_model(a, b);
	assert_same_model(a, c);
	ck_assert_str_eq(gomem_profile_function_name(c, 1), "main.main");
	gomem_profile_free(a);
	gomem_profile_free(b);
	gomem_profile_free(c);
}
END_TEST

/* One Location, three lines: two calls inlined into the last. Columns
 * (profile.proto HEAD) are kept. */
START_TEST(test_inlined_lines)
{
	struct pb b = {.n = 0}, loc = {.n = 0};
	static const int64_t locs[] = {5}, vals[] = {1, 2};
	static const uint64_t lines[][3] = {{3, 11, 4}, {2, 22, 0}, {1, 33, 9}};
	gomem_profile *p;
	int64_t line;

	pb_value_type(&b, 1, S_ALLOC, S_BYTES);
	pb_value_type(&b, 1, S_INUSE, S_BYTES);
	pb_uint(&loc, 1, 5);
	pb_uint(&loc, 3, 0x4000);
	for (size_t i = 0; i < 3; i++) {
		struct pb ln = {.n = 0};

		pb_uint(&ln, 1, lines[i][0]);
		pb_uint(&ln, 2, lines[i][1]);
		if (lines[i][2])
			pb_uint(&ln, 3, lines[i][2]);
		pb_msg(&loc, 4, &ln);
	}
	pb_uint(&loc, 5, 1); /* is_folded */
	pb_msg(&b, 4, &loc);
	pb_function(&b, 1, S_MAIN, S_FILE);
	pb_function(&b, 2, S_LEAK, S_FILE);
	pb_function(&b, 3, S_NOTE, S_FILE);
	pb_sample(&b, locs, 1, vals, 2);
	pb_strings(&b, strtab, GOMEM_ARRAY_SIZE(strtab));
	p = read_ok(&b);
	ck_assert_uint_eq(gomem_profile_location_line_count(p, 0), 3);
	ck_assert_int_eq(gomem_profile_location_line(p, 0, 0, &line), 2);
	ck_assert_int_eq(line, 11);
	ck_assert_str_eq(gomem_profile_function_name(p, 2), "note");
	ck_assert_int_eq(gomem_profile_location_line(p, 0, 1, &line), 1);
	ck_assert_int_eq(line, 22);
	ck_assert_int_eq(gomem_profile_location_line(p, 0, 2, &line), 0);
	ck_assert_int_eq(line, 33);
	ck_assert_int_eq(p->lines[p->locations[0].line_off].column, 4);
	ck_assert_int_eq(p->lines[p->locations[0].line_off + 2].column, 9);
	ck_assert(p->locations[0].is_folded);
	gomem_profile_free(p);
}
END_TEST

START_TEST(test_labels)
{
	struct pb b = {.n = 0}, s = {.n = 0}, l1 = {.n = 0}, l2 = {.n = 0}, l3 = {.n = 0};
	static const int64_t locs[] = {1}, vals[] = {1, 2};
	gomem_profile *p;
	const char *str, *unit;
	int64_t num;

	pb_header(&b);
	pb_packed(&s, 1, locs, 1);
	pb_packed(&s, 2, vals, 2);
	pb_uint(&l1, 1, S_SIZE);
	pb_uint(&l1, 3, 64);           /* num, no unit (as Go writes "bytes") */
	pb_uint(&l2, 1, S_NOTE);
	pb_uint(&l2, 2, S_LEAK);       /* str */
	pb_uint(&l3, 1, S_SIZE);
	pb_uint(&l3, 3, (uint64_t)-5); /* num with a unit */
	pb_uint(&l3, 4, S_BYTES);
	pb_msg(&s, 3, &l1);
	pb_msg(&s, 3, &l2);
	pb_msg(&s, 3, &l3);
	pb_msg(&b, 2, &s);
	pb_strings(&b, strtab, GOMEM_ARRAY_SIZE(strtab));
	p = read_ok(&b);
	ck_assert_uint_eq(gomem_profile_sample_label_count(p, 0), 3);
	ck_assert_str_eq(gomem_profile_sample_label(p, 0, 0, &str, &num, &unit), "size");
	ck_assert_ptr_null(str);
	ck_assert_int_eq(num, 64);
	ck_assert_str_eq(unit, "");
	ck_assert_str_eq(gomem_profile_sample_label(p, 0, 1, &str, &num, &unit), "note");
	ck_assert_str_eq(str, "main.leak");
	ck_assert_ptr_null(unit);
	ck_assert_str_eq(gomem_profile_sample_label(p, 0, 2, &str, &num, &unit), "size");
	ck_assert_int_eq(num, -5);
	ck_assert_str_eq(unit, "bytes");
	ck_assert_ptr_null(gomem_profile_sample_label(p, 0, 3, &str, &num, &unit));
	ck_assert_uint_eq(gomem_profile_sample_label_count(p, 1), 0);
	gomem_profile_free(p);
}
END_TEST

/* Unknown fields of every wire type, at the top level and inside each
 * message, are skipped. */
static void pb_unknowns(struct pb *m, uint32_t field)
{
	static const uint8_t f64[8] = {1, 2, 3, 4, 5, 6, 7, 8}, f32[4] = {9, 9, 9, 9};

	pb_uint(m, field, 12345);
	pb_key(m, field + 1, 1);
	pb_raw(m, f64, 8);
	pb_bytes(m, field + 2, "junk", 4);
	pb_key(m, field + 3, 5);
	pb_raw(m, f32, 4);
}

START_TEST(test_unknown_fields)
{
	struct pb b = {.n = 0}, plain = {.n = 0}, m;
	static const int64_t locs[] = {1, 2}, vals[] = {3, 4};
	gomem_profile *p, *q;

	pb_unknowns(&b, 100);
	pb_value_type(&b, 11, S_SPACE, S_BYTES);
	pb_uint(&b, 12, 524288);
	m.n = 0;
	pb_uint(&m, 1, S_ALLOC);
	pb_unknowns(&m, 20);
	pb_uint(&m, 2, S_BYTES);
	pb_msg(&b, 1, &m);
	pb_value_type(&b, 1, S_INUSE, S_BYTES);
	m.n = 0;
	pb_unknowns(&m, 6);
	pb_uint(&m, 1, 1);
	pb_uint(&m, 3, 0x1000);
	{
		struct pb ln = {.n = 0};

		pb_uint(&ln, 1, 1);
		pb_unknowns(&ln, 4);
		pb_uint(&ln, 2, 10);
		pb_msg(&m, 4, &ln);
	}
	pb_msg(&b, 4, &m);
	m.n = 0;
	pb_uint(&m, 1, 1);
	pb_uint(&m, 2, S_LEAK);
	pb_uint(&m, 3, S_LEAK);
	pb_unknowns(&m, 6);
	pb_uint(&m, 4, S_FILE);
	pb_msg(&b, 5, &m);
	pb_location(&b, 2, 0, 0x2000, (const uint64_t[][2]){{2, 20}}, 1);
	pb_function(&b, 2, S_MAIN, S_FILE);
	m.n = 0;
	pb_packed(&m, 1, locs, 2);
	pb_unknowns(&m, 4);
	pb_packed(&m, 2, vals, 2);
	{
		struct pb l = {.n = 0};

		pb_uint(&l, 1, S_SIZE);
		pb_unknowns(&l, 5);
		pb_uint(&l, 3, 1);
		pb_msg(&m, 3, &l);
	}
	pb_msg(&b, 2, &m);
	pb_unknowns(&b, 16);
	pb_strings(&b, strtab, GOMEM_ARRAY_SIZE(strtab));
	pb_unknowns(&b, 1000);
	p = read_ok(&b);

	/* The same profile without the unknown fields. */
	pb_header(&plain);
	m.n = 0;
	pb_packed(&m, 1, locs, 2);
	pb_packed(&m, 2, vals, 2);
	{
		struct pb l = {.n = 0};

		pb_uint(&l, 1, S_SIZE);
		pb_uint(&l, 3, 1);
		pb_msg(&m, 3, &l);
	}
	pb_msg(&plain, 2, &m);
	pb_strings(&plain, strtab, GOMEM_ARRAY_SIZE(strtab));
	q = read_ok(&plain);
	assert_same_model(p, q);
	gomem_profile_free(p);
	gomem_profile_free(q);
}
END_TEST

/* Every top-level scalar and a mapping with every field, read and written
 * back unchanged. */
static void pb_mapping(struct pb *b, uint64_t id, unsigned int flags)
{
	struct pb m = {.n = 0};

	pb_uint(&m, 1, id);
	pb_uint(&m, 2, 0x400000 * id);
	pb_uint(&m, 3, 0x800000 * id);
	pb_uint(&m, 4, 0x1000 * id);
	pb_uint(&m, 5, S_FILE);
	pb_uint(&m, 6, S_NOTE);
	for (uint32_t f = 7; f <= 10; f++)
		if (flags & 1u << (f - 7))
			pb_uint(&m, f, 1);
	pb_msg(b, 3, &m);
}

/* Every field of every message, with values that differ from each other so
 * a field read into the wrong place shows. */
static void pb_everything(struct pb *b)
{
	struct pb m = {.n = 0}, ln = {.n = 0}, l = {.n = 0};
	static const int64_t comments[] = {S_NOTE, S_LEAK, S_MAIN};
	static const int64_t locs[] = {1, 2, 3}, vals[] = {10, 20};

	pb_value_type(b, 11, S_SPACE, S_BYTES);
	pb_uint(b, 12, 3);
	pb_value_type(b, 1, S_ALLOC, S_BYTES);
	pb_value_type(b, 1, S_INUSE, S_BYTES);
	pb_mapping(b, 7, 0x5);
	pb_mapping(b, 8, 0xa);
	pb_location(b, 1, 7, 0x401000, (const uint64_t[][2]){{1, 10}}, 1);
	pb_location(b, 2, 8, 0x402000, (const uint64_t[][2]){{2, 20}}, 1);
	/* location 3: function 2 inlined into 1, with columns, folded */
	pb_uint(&m, 1, 3);
	pb_uint(&m, 3, 0x403000);
	pb_uint(&ln, 1, 2);
	pb_uint(&ln, 2, 31);
	pb_uint(&ln, 3, 5);
	pb_msg(&m, 4, &ln);
	ln.n = 0;
	pb_uint(&ln, 1, 1);
	pb_uint(&ln, 2, 32);
	pb_uint(&ln, 3, 6);
	pb_msg(&m, 4, &ln);
	pb_uint(&m, 5, 1);
	pb_msg(b, 4, &m);
	pb_function(b, 1, S_LEAK, S_FILE);
	m.n = 0;
	pb_uint(&m, 1, 2);
	pb_uint(&m, 2, S_MAIN);
	pb_uint(&m, 3, S_NOTE);
	pb_uint(&m, 4, S_FILE);
	pb_uint(&m, 5, 42); /* start_line */
	pb_msg(b, 5, &m);
	m.n = 0;
	pb_packed(&m, 1, locs, 3);
	pb_packed(&m, 2, vals, 2);
	pb_uint(&l, 1, S_SIZE);
	pb_uint(&l, 3, 64);
	pb_uint(&l, 4, S_BYTES);
	pb_msg(&m, 3, &l);
	l.n = 0;
	pb_uint(&l, 1, S_NOTE);
	pb_uint(&l, 2, S_LEAK);
	pb_msg(&m, 3, &l);
	pb_msg(b, 2, &m);
	pb_sample(b, locs + 1, 1, vals, 2);
	pb_uint(b, 7, S_LEAK);     /* drop_frames */
	pb_uint(b, 8, S_MAIN);     /* keep_frames */
	pb_uint(b, 9, 123456789);  /* time_nanos */
	pb_uint(b, 10, 987654321); /* duration_nanos */
	pb_uint(b, 13, S_NOTE);    /* one comment unpacked... */
	pb_packed(b, 13, comments + 1, 2); /* ...two packed */
	pb_uint(b, 14, S_ALLOC);   /* default_sample_type */
	pb_uint(b, 15, S_FILE);    /* doc_url */
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

START_TEST(test_everything)
{
	struct pb b = {.n = 0};
	gomem_profile *p;
	uint64_t start, limit, offset;
	const struct gomem_mapping *m;
	int64_t line;

	pb_everything(&b);
	p = read_ok(&b);
	ck_assert_uint_eq(gomem_profile_mapping_count(p), 2);
	ck_assert_str_eq(gomem_profile_mapping_file(p, 1, &start, &limit, &offset), "/src/main.go");
	ck_assert_uint_eq(start, 0x400000 * 8);
	ck_assert_uint_eq(limit, 0x800000 * 8);
	ck_assert_uint_eq(offset, 0x1000 * 8);
	ck_assert_ptr_null(gomem_profile_mapping_file(p, 2, &start, NULL, NULL));
	ck_assert_uint_eq(start, 0);
	m = &p->mappings[0];
	ck_assert_uint_eq(m->id, 7);
	ck_assert_str_eq(gomem_strpool_get(&p->strings, m->build_id), "note");
	ck_assert(m->has_functions && !m->has_filenames && m->has_line_numbers &&
		  !m->has_inline_frames);
	m = &p->mappings[1];
	ck_assert(!m->has_functions && m->has_filenames && !m->has_line_numbers &&
		  m->has_inline_frames);
	ck_assert_uint_eq(p->locations[0].mapping, 1); /* index + 1 */
	ck_assert_uint_eq(p->locations[1].mapping, 2);
	ck_assert_uint_eq(p->locations[2].mapping, 0);
	ck_assert(p->locations[2].is_folded && !p->locations[1].is_folded);
	ck_assert_int_eq(gomem_profile_location_line(p, 2, 0, &line), 1);
	ck_assert_int_eq(line, 31);
	ck_assert_int_eq(p->lines[p->locations[2].line_off].column, 5);
	ck_assert_int_eq(gomem_profile_location_line(p, 2, 1, &line), 0);
	ck_assert_int_eq(line, 32);
	ck_assert_int_eq(p->functions[1].start_line, 42);
	ck_assert_str_eq(gomem_strpool_get(&p->strings, p->functions[1].system_name), "note");
	ck_assert_uint_eq(gomem_profile_sample_label_count(p, 0), 2);
	ck_assert_uint_eq(gomem_profile_sample_label_count(p, 1), 0);
	ck_assert_int_eq(gomem_profile_period(p, NULL, NULL), 3);
	ck_assert_int_eq(gomem_profile_time_nanos(p), 123456789);
	ck_assert_int_eq(gomem_profile_duration_nanos(p), 987654321);
	ck_assert_uint_eq(gomem_profile_comment_count(p), 3);
	ck_assert_str_eq(gomem_profile_comment(p, 0), "note");
	ck_assert_str_eq(gomem_profile_comment(p, 1), "main.leak");
	ck_assert_str_eq(gomem_profile_comment(p, 2), "main.main");
	ck_assert_ptr_null(gomem_profile_comment(p, 3));
	ck_assert_uint_eq(gomem_profile_default_sample_type(p), 0);
	ck_assert_str_eq(gomem_strpool_get(&p->strings, p->drop_frames), "main.leak");
	ck_assert_str_eq(gomem_strpool_get(&p->strings, p->keep_frames), "main.main");
	ck_assert_str_eq(gomem_strpool_get(&p->strings, p->doc_url), "/src/main.go");
	gomem_profile_free(p);
}
END_TEST

/* Ids far apart take the hash path of resolve, not the dense array. */
START_TEST(test_sparse_ids)
{
	struct pb b = {.n = 0};
	static const uint64_t big1 = UINT64_C(0xfedcba9876543210), big2 = 1u << 31;
	const int64_t locs[] = {(int64_t)big1, (int64_t)big2, (int64_t)big1}, vals[] = {1, 2};
	gomem_profile *p;
	const uint32_t *l;
	size_t n;

	pb_value_type(&b, 1, S_ALLOC, S_BYTES);
	pb_value_type(&b, 1, S_INUSE, S_BYTES);
	pb_sample(&b, locs, 3, vals, 2);
	pb_location(&b, big2, 0, 0x2, (const uint64_t[][2]){{99999999999, 2}}, 1);
	pb_location(&b, big1, 0, 0x1, (const uint64_t[][2]){{5, 1}}, 1);
	pb_function(&b, 5, S_LEAK, S_FILE);
	pb_function(&b, 99999999999, S_MAIN, S_FILE);
	pb_strings(&b, strtab, GOMEM_ARRAY_SIZE(strtab));
	p = read_ok(&b);
	l = gomem_profile_sample_locations(p, 0, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(l[0], 1);
	ck_assert_uint_eq(l[1], 0);
	ck_assert_uint_eq(l[2], 1);
	ck_assert_int_eq(gomem_profile_location_line(p, 0, 0, NULL), 1);
	ck_assert_int_eq(gomem_profile_location_line(p, 1, 0, NULL), 0);
	gomem_profile_free(p);
}
END_TEST

/* ---- malformed input: exact code, message and offset ---------------------- */

struct bad_case {
	const char *name;
	void (*build)(struct pb *b, uint64_t *off); /* sets the bytes and the offset */
	int code;
	const char *message;
	int has_offset;
};

static void bad_empty(struct pb *b, uint64_t *off)
{
	b->n = 0;
	*off = 0;
}

static void bad_varint_too_long(struct pb *b, uint64_t *off)
{
	static const uint8_t eleven[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0x01};

	pb_header(b);
	*off = b->n;
	pb_key(b, 12, 0);
	pb_raw(b, eleven, sizeof(eleven));
}

static void bad_varint_wide(struct pb *b, uint64_t *off)
{
	/* ten bytes, but the last carries more than bit 63 */
	static const uint8_t wide[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02};

	pb_header(b);
	*off = b->n;
	pb_key(b, 9, 0);
	pb_raw(b, wide, sizeof(wide));
}

static void bad_packed_varint(struct pb *b, uint64_t *off)
{
	static const uint8_t cut[] = {0x12, 0x03, 0x01, 0x85, 0x80}; /* value: 1, then cut */
	struct pb s = {.n = 0};

	pb_header(b);
	pb_uint(&s, 1, 1);
	pb_raw(&s, cut, sizeof(cut));
	pb_key(b, 2, 2);
	pb_varint(b, s.n);
	*off = b->n + 2 + 3; /* at the varint that runs off the packed run */
	pb_raw(b, s.d, s.n);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_wire_type(struct pb *b, uint64_t *off, unsigned int wt)
{
	pb_header(b);
	*off = b->n;
	pb_key(b, 2, wt);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_wire_type3(struct pb *b, uint64_t *off) { bad_wire_type(b, off, 3); }
static void bad_wire_type4(struct pb *b, uint64_t *off) { bad_wire_type(b, off, 4); }
static void bad_wire_type7(struct pb *b, uint64_t *off) { bad_wire_type(b, off, 7); }

static void bad_nested_wire_type(struct pb *b, uint64_t *off)
{
	struct pb m = {.n = 0};

	pb_header(b);
	pb_uint(&m, 1, 9);
	pb_key(&m, 4, 6);
	*off = b->n + 2 + 2;
	pb_msg(b, 4, &m);
}

static void bad_field_zero(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_uint(b, 0, 0);
}

static void bad_nested_field_zero(struct pb *b, uint64_t *off)
{
	struct pb m = {.n = 0};

	pb_header(b);
	pb_uint(&m, 0, 1);
	*off = b->n + 2;
	pb_msg(b, 5, &m);
}

static void bad_length_overrun(struct pb *b, uint64_t *off)
{
	struct pb s = {.n = 0};

	pb_header(b);
	pb_uint(&s, 1, 1);
	pb_key(&s, 3, 2);
	pb_varint(&s, 4096); /* a Label longer than its Sample */
	pb_uint(&s, 1, 1);
	pb_uint(&s, 1, 1);
	*off = b->n + 2 + 2;
	pb_msg(b, 2, &s);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_truncated_field(struct pb *b, uint64_t *off)
{
	pb_profile(b);
	*off = b->n;
	pb_key(b, 2, 2);
	pb_varint(b, 4096);
	pb_raw(b, "twelve bytes", 12);
}

static void bad_truncated_key(struct pb *b, uint64_t *off)
{
	pb_profile(b);
	*off = b->n;
	pb_raw(b, "\x80\x80", 2);
}

static void bad_truncated_varint(struct pb *b, uint64_t *off)
{
	pb_profile(b);
	*off = b->n;
	pb_raw(b, "\x60\x80\x80", 3); /* period, value cut */
}

static void bad_truncated_fixed(struct pb *b, uint64_t *off)
{
	pb_profile(b);
	*off = b->n;
	pb_raw(b, "\xa1\x06\x01\x02", 4); /* field 100, fixed64 with 2 of 8 bytes */
}

static void bad_nested_fixed(struct pb *b, uint64_t *off)
{
	struct pb m = {.n = 0};

	pb_header(b);
	pb_uint(&m, 1, 3);
	pb_key(&m, 9, 1);
	pb_raw(&m, "\x01\x02\x03", 3);
	*off = b->n + 2 + 2;
	pb_msg(b, 5, &m);
}

static void bad_string_index(struct pb *b, uint64_t *off)
{
	struct pb m = {.n = 0};

	pb_header(b);
	pb_uint(&m, 1, 9);
	*off = b->n;
	pb_uint(&m, 2, 93);
	pb_msg(b, 5, &m);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
	*off += 2 + 2; /* the field inside the Function */
}

static void bad_negative_string(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_uint(b, 14, (uint64_t)-2);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_label_string(struct pb *b, uint64_t *off)
{
	struct pb s = {.n = 0}, l = {.n = 0};

	pb_header(b);
	pb_uint(&s, 1, 1);
	pb_uint(&l, 1, 10); /* one past the table */
	*off = b->n + 2 + 2 + 2;
	pb_msg(&s, 3, &l);
	pb_msg(b, 2, &s);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_first_string(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_strings(b, strtab + 1, 2);
}

static void bad_no_strings(struct pb *b, uint64_t *off)
{
	pb_uint(b, 12, 1);
	*off = b->n;
}

static void bad_dangling_location(struct pb *b, uint64_t *off)
{
	static const int64_t locs[] = {1, 7}, vals[] = {1, 1};

	pb_header(b);
	*off = b->n;
	pb_sample(b, locs, 2, vals, 2);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

/* The sample comes before its locations: checked only at the end, still
 * with its offset. */
static void bad_dangling_location_late(struct pb *b, uint64_t *off)
{
	static const int64_t locs[] = {1, 7, 2}, vals[] = {1, 1};
	static const int64_t ok_locs[] = {1}, ok_vals[] = {5, 5};

	pb_value_type(b, 1, S_ALLOC, S_BYTES);
	pb_value_type(b, 1, S_INUSE, S_BYTES);
	pb_sample(b, ok_locs, 1, ok_vals, 2);
	*off = b->n;
	pb_sample(b, locs, 3, vals, 2);
	pb_location(b, 1, 0, 0x1000, (const uint64_t[][2]){{1, 10}}, 1);
	pb_location(b, 2, 0, 0x2000, (const uint64_t[][2]){{1, 20}}, 1);
	pb_function(b, 1, S_LEAK, S_FILE);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_dangling_function(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_location(b, 3, 0, 0x3000, (const uint64_t[][2]){{1, 1}, {8, 2}}, 2);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_line_without_function(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_location(b, 3, 0, 0x3000, (const uint64_t[][2]){{0, 1}}, 1);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_dangling_mapping(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_location(b, 3, 4, 0x3000, (const uint64_t[][2]){{1, 1}}, 1);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_duplicate_location(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_location(b, 2, 0, 0x3000, (const uint64_t[][2]){{1, 1}}, 1);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_duplicate_function(struct pb *b, uint64_t *off)
{
	pb_header(b);
	pb_function(b, 2, S_NOTE, S_FILE);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
	*off = 0;
}

static void bad_location_id_zero(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_location(b, 0, 0, 0x3000, (const uint64_t[][2]){{1, 1}}, 1);
}

static void bad_mapping_id_zero(struct pb *b, uint64_t *off)
{
	struct pb m = {.n = 0};

	pb_header(b);
	*off = b->n;
	pb_uint(&m, 2, 0x1000);
	pb_msg(b, 3, &m);
}

static void bad_value_count(struct pb *b, uint64_t *off)
{
	static const int64_t locs[] = {1}, vals[] = {1, 2, 3};

	pb_header(b);
	*off = b->n;
	pb_sample(b, locs, 1, vals, 3);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
}

static void bad_no_sample_types(struct pb *b, uint64_t *off)
{
	static const int64_t locs[] = {1}, vals[] = {1};

	pb_sample(b, locs, 1, vals, 1);
	pb_location(b, 1, 0, 0x1000, (const uint64_t[][2]){{1, 10}}, 1);
	pb_function(b, 1, S_LEAK, S_FILE);
	pb_strings(b, strtab, GOMEM_ARRAY_SIZE(strtab));
	*off = 0;
}

static void bad_wrong_wire_type(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_uint(b, 2, 5); /* a Sample as a varint */
}

static void bad_nested_wrong_wire_type(struct pb *b, uint64_t *off)
{
	struct pb m = {.n = 0};

	pb_header(b);
	pb_bytes(&m, 1, "x", 1); /* Location.id as bytes */
	*off = b->n + 2;
	pb_msg(b, 4, &m);
}

static void bad_concatenated(struct pb *b, uint64_t *off)
{
	pb_profile(b);
	*off = b->n;
	pb_uint(b, 9, 5);
}

static void bad_field_too_big(struct pb *b, uint64_t *off)
{
	pb_header(b);
	*off = b->n;
	pb_key(b, 2, 2);
	pb_varint(b, ((uint64_t)256 << 20) + 1);
}

static const struct bad_case bad_cases[] = {
	{"empty", bad_empty, GOMEM_E_FORMAT, "empty input", 1},
	{"varint-too-long", bad_varint_too_long, GOMEM_E_FORMAT, "corrupt varint in Profile.period",
	 1},
	{"varint-wide", bad_varint_wide, GOMEM_E_FORMAT, "corrupt varint in Profile.time_nanos", 1},
	{"packed-varint", bad_packed_varint, GOMEM_E_FORMAT, "corrupt varint in Sample.value", 1},
	{"wire-type-3", bad_wire_type3, GOMEM_E_FORMAT, "invalid wire type 3 for Profile.sample", 1},
	{"wire-type-4", bad_wire_type4, GOMEM_E_FORMAT, "invalid wire type 4 for Profile.sample", 1},
	{"wire-type-7", bad_wire_type7, GOMEM_E_FORMAT, "invalid wire type 7 for Profile.sample", 1},
	{"nested-wire-type", bad_nested_wire_type, GOMEM_E_FORMAT,
	 "invalid wire type 6 for Location.line", 1},
	{"field-zero", bad_field_zero, GOMEM_E_FORMAT, "invalid field number 0 in Profile", 1},
	{"nested-field-zero", bad_nested_field_zero, GOMEM_E_FORMAT,
	 "invalid field number 0 in Function", 1},
	{"length-overrun", bad_length_overrun, GOMEM_E_FORMAT,
	 "length 4096 exceeds remaining 4 bytes in Sample.label", 1},
	{"truncated-field", bad_truncated_field, GOMEM_E_TRUNCATED,
	 "length 4096 exceeds remaining 12 bytes", 1},
	{"truncated-key", bad_truncated_key, GOMEM_E_TRUNCATED, "input ends inside a field", 1},
	{"truncated-varint", bad_truncated_varint, GOMEM_E_TRUNCATED, "input ends inside a field", 1},
	{"truncated-fixed", bad_truncated_fixed, GOMEM_E_TRUNCATED,
	 "input ends inside a field (4 of 10 bytes)", 1},
	{"nested-fixed", bad_nested_fixed, GOMEM_E_FORMAT,
	 "Function field 9 needs 8 bytes, 3 remain", 1},
	{"string-index", bad_string_index, GOMEM_E_FORMAT,
	 "string index 93 out of range (string table has 10) in Function", 1},
	{"negative-string", bad_negative_string, GOMEM_E_FORMAT,
	 "string index -2 out of range in Profile.default_sample_type", 1},
	{"label-string", bad_label_string, GOMEM_E_FORMAT,
	 "string index 10 out of range (string table has 10) in Label", 1},
	{"first-string", bad_first_string, GOMEM_E_FORMAT, "string_table[0] must be \"\"", 1},
	{"no-strings", bad_no_strings, GOMEM_E_FORMAT, "no string table", 1},
	{"dangling-location", bad_dangling_location, GOMEM_E_FORMAT,
	 "sample references missing location id 7", 1},
	{"dangling-location-late", bad_dangling_location_late, GOMEM_E_FORMAT,
	 "sample references missing location id 7", 1},
	{"dangling-function", bad_dangling_function, GOMEM_E_FORMAT,
	 "location id 3 references missing function id 8", 1},
	{"line-without-function", bad_line_without_function, GOMEM_E_FORMAT,
	 "location id 3 references missing function id 0", 1},
	{"dangling-mapping", bad_dangling_mapping, GOMEM_E_FORMAT,
	 "location id 3 references missing mapping id 4", 1},
	{"duplicate-location", bad_duplicate_location, GOMEM_E_FORMAT, "duplicate location id 2", 1},
	{"duplicate-function", bad_duplicate_function, GOMEM_E_FORMAT, "duplicate function id 2", 0},
	{"location-id-zero", bad_location_id_zero, GOMEM_E_FORMAT,
	 "location with the reserved id 0", 1},
	{"mapping-id-zero", bad_mapping_id_zero, GOMEM_E_FORMAT, "mapping with the reserved id 0", 1},
	{"value-count", bad_value_count, GOMEM_E_FORMAT,
	 "sample has 3 values, expected 2 (one per sample type)", 1},
	{"no-sample-types", bad_no_sample_types, GOMEM_E_FORMAT, "missing sample type information", 0},
	{"wrong-wire-type", bad_wrong_wire_type, GOMEM_E_FORMAT,
	 "wrong wire type 0 for Profile.sample", 1},
	{"nested-wrong-wire-type", bad_nested_wrong_wire_type, GOMEM_E_FORMAT,
	 "wrong wire type 2 for Location.id", 1},
	{"concatenated", bad_concatenated, GOMEM_E_FORMAT,
	 "concatenated profiles detected (second time_nanos)", 1},
	{"field-too-big", bad_field_too_big, GOMEM_E_LIMIT,
	 "field of 268435457 bytes exceeds the 256 MiB limit", 1},
};

static const size_t chunk_sizes[] = {0, 1, 2, 3, 7, 13, 64};

START_TEST(test_malformed)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct pb b = {.n = 0};
	uint64_t off = 0;

	bc->build(&b, &off);
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(chunk_sizes); k++) {
		gomem_profile *p = (gomem_profile *)&b; /* must be reset to NULL */
		gomem_error err;
		int rc = read_chunked(b.d, b.n, chunk_sizes[k], &p, &err);

		ck_assert_msg(rc == bc->code, "%s (chunk %zu): code %d, want %d (%s)", bc->name,
			      chunk_sizes[k], rc, bc->code, err.message);
		ck_assert_ptr_null(p);
		ck_assert_str_eq(err.message, bc->message);
		ck_assert_str_eq(err.source, "test.pb");
		ck_assert_int_eq(err.has_offset, bc->has_offset);
		if (bc->has_offset)
			ck_assert_msg(err.offset == off, "%s (chunk %zu): offset %llu, want %llu",
				      bc->name, chunk_sizes[k], (unsigned long long)err.offset,
				      (unsigned long long)off);
	}
}
END_TEST

/* Every malformed case, cut at every length, never crashes and never
 * hands out a profile without an error being set. */
START_TEST(test_every_prefix)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct pb b = {.n = 0};
	uint64_t off;

	bc->build(&b, &off);
	for (size_t len = 0; len <= b.n; len++) {
		gomem_profile *p;
		gomem_error err;
		int rc = read_chunked(b.d, len, 5, &p, &err);

		if (rc == GOMEM_OK)
			gomem_profile_free(p);
		else
			ck_assert_ptr_null(p);
	}
}
END_TEST

/* Valid input in any chunking gives the same profile. */
typedef void (*builder)(struct pb *b);

static void build_unknowns(struct pb *b)
{
	pb_unknowns(b, 200);
	pb_profile(b);
	pb_unknowns(b, 300);
}

static const builder good_builders[] = {pb_profile, pb_everything, build_unknowns};

START_TEST(test_chunking)
{
	struct pb b = {.n = 0};
	gomem_profile *whole;

	good_builders[_i](&b);
	whole = read_ok(&b);
	for (size_t k = 1; k < GOMEM_ARRAY_SIZE(chunk_sizes); k++) {
		gomem_profile *p;
		gomem_error err;

		ck_assert_int_eq(read_chunked(b.d, b.n, chunk_sizes[k], &p, &err), GOMEM_OK);
		assert_same_model(whole, p);
		gomem_profile_free(p);
	}
	gomem_profile_free(whole);
}
END_TEST

START_TEST(test_reader_misuse)
{
	struct pb b = {.n = 0};
	gomem_pprof_reader *r;
	gomem_profile *p, *again;

	pb_profile(&b);
	ck_assert_int_eq(gomem_pprof_reader_new(&r, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_pprof_reader_feed(r, NULL, 0), GOMEM_OK);
	ck_assert_int_eq(gomem_pprof_reader_feed(r, b.d, b.n), GOMEM_OK);
	ck_assert_int_eq(gomem_pprof_reader_finish(&p, r), GOMEM_OK);
	ck_assert_int_eq(gomem_pprof_reader_finish(&again, r), GOMEM_E_INVALID);
	ck_assert_ptr_null(again);
	ck_assert_int_eq(gomem_pprof_reader_feed(r, b.d, 1), GOMEM_E_INVALID);
	gomem_pprof_reader_free(r);
	gomem_profile_free(p);
	gomem_pprof_reader_free(NULL);
	gomem_profile_free(NULL);

	/* After an error, feeding more keeps the first error. */
	ck_assert_int_eq(gomem_pprof_reader_new(&r, "x"), GOMEM_OK);
	ck_assert_int_eq(gomem_pprof_reader_feed(r, "\x00", 1), GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_pprof_reader_feed(r, b.d, b.n), GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_pprof_reader_finish(&p, r), GOMEM_E_FORMAT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(gomem_pprof_reader_error(r)->message, "invalid field number 0 in Profile");
	gomem_pprof_reader_free(r);
}
END_TEST

/* ---- whole-buffer entry points, gzip, sniffing ------------------------------ */

static uint8_t *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
	uLongf n = compressBound(len) + 64;
	uint8_t *out = malloc(n);
	z_stream z;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)n;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

START_TEST(test_from_buffer)
{
	struct pb b = {.n = 0};
	gomem_profile *p, *q, *r;
	gomem_error err = {0};
	uint8_t *gz;
	size_t gzlen;

	pb_profile(&b);
	ck_assert_int_eq(gomem_pprof_from_buffer(&p, b.d, b.n, "raw", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_from_buffer(&q, b.d, b.n, "raw", &err), GOMEM_OK);
	gz = gzip_bytes(b.d, b.n, &gzlen);
	ck_assert_int_eq(gomem_profile_from_buffer(&r, gz, gzlen, "gz", &err), GOMEM_OK);
	assert_same_model(p, q);
	assert_same_model(p, r);
	gomem_profile_free(p);
	gomem_profile_free(q);
	gomem_profile_free(r);

	/* gzip cut short: the source's error, named after the input */
	ck_assert_int_eq(gomem_profile_from_buffer(&p, gz, gzlen - 10, "cut.pb.gz", &err),
			 GOMEM_E_TRUNCATED);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.source, "cut.pb.gz");
	free(gz);

	/* whole-buffer errors keep the offset and the name */
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(gomem_pprof_from_buffer(&p, b.d, b.n - 1, "short.pb", &err),
			 GOMEM_E_TRUNCATED);
	ck_assert_str_eq(err.source, "short.pb");
	ck_assert_int_eq(err.has_offset, 1);
	{
		char msg[512];

		gomem_error_format(msg, sizeof(msg), &err);
		ck_assert_msg(strncmp(msg, "short.pb: byte ", 15) == 0, "%s", msg);
	}
	/* NULL err is fine */
	ck_assert_int_eq(gomem_pprof_from_buffer(&p, "\x00", 1, NULL, NULL), GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_profile_from_buffer(&p, "\x00", 1, NULL, NULL), GOMEM_E_FORMAT);
}
END_TEST

/* Text heap profiles go to the legacy reader, after leading blank space;
 * binary data that happens to start with "heap" does not. */
START_TEST(test_sniff_legacy)
{
	static const char text[] =
		"heap profile: 1: 16 [1: 16] @ heap/2\n"
		"1: 16 [1: 16] @ 0x401001\n"
		"#\t0x401000\tmain.leak+0x10\t/src/main.go:10\n"
		"\n";
	static const char blank_first[] = "\n \theap profile: 1: 16 [1: 16] @ heap/2\n";
	gomem_profile *p;
	gomem_error err = {0};
	int rc;

	rc = gomem_profile_from_buffer(&p, text, sizeof(text) - 1, "heap.txt", &err);
	ck_assert_msg(rc == GOMEM_OK, "%s", err.message);
	ck_assert_int_eq(gomem_profile_source_format(p), GOMEM_PROFILE_LEGACY);
	ck_assert_uint_eq(gomem_profile_sample_count(p), 1);
	gomem_profile_free(p);

	/* blank space first: still the legacy reader's (whatever it decides,
	 * its errors are text positions, never protobuf byte offsets) */
	memset(&err, 0, sizeof(err));
	rc = gomem_profile_from_buffer(&p, blank_first, sizeof(blank_first) - 1, "blank.txt", &err);
	if (rc == GOMEM_OK) {
		ck_assert_int_eq(gomem_profile_source_format(p), GOMEM_PROFILE_LEGACY);
		gomem_profile_free(p);
	} else {
		ck_assert_int_eq(err.has_offset, 0);
		ck_assert_uint_gt(err.line, 0);
	}

	/* another runtime's heapz: the legacy reader's verdict, not protobuf's */
	memset(&err, 0, sizeof(err));
	rc = gomem_profile_from_buffer(&p, "--- heapz 1 ---\nformat = java\n", 30, "java.heap", &err);
	ck_assert_int_ne(rc, GOMEM_OK);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err.message, "Profile") == NULL, "went to protobuf: %s", err.message);

	/* other text is the text reader's too: a line:col error, not a
	 * protobuf wire-type complaint about a file that never was protobuf */
	memset(&err, 0, sizeof(err));
	rc = gomem_profile_from_buffer(&p, "heapx", 5, "x", &err);
	ck_assert_int_eq(rc, GOMEM_E_FORMAT);
	ck_assert_int_eq(err.has_offset, 0);
	ck_assert_uint_eq(err.line, 1);

	/* binary that is not gzip: protobuf, which refuses it by byte offset */
	memset(&err, 0, sizeof(err));
	rc = gomem_profile_from_buffer(&p, "\x0a\x7f\x01", 3, "x.pb", &err);
	ck_assert_int_eq(rc, GOMEM_E_TRUNCATED);
	ck_assert_int_eq(err.has_offset, 1);
	ck_assert_uint_eq(err.line, 0);
}
END_TEST

/* The decompressed size cap of the source stops a long input. */
START_TEST(test_input_limit)
{
	gomem_source_options opts = GOMEM_SOURCE_OPTIONS_INIT;
	size_t n = 1 << 20, gzlen;
	uint8_t *big = malloc(n), *gz;
	gomem_source *src;
	gomem_profile *p;
	gomem_error err = {0};

	/* a valid stream of unknown varint fields (field 100 = 0), 1 MiB long */
	for (size_t i = 0; i < n; i += 3)
		memcpy(big + i, "\xa0\x06\x00", 3 < n - i ? 3 : n - i);
	gz = gzip_bytes(big, n - n % 3, &gzlen);
	opts.max_input = 64 * 1024;
	ck_assert_int_eq(gomem_source_open_memory(&src, gz, gzlen, "big.pb.gz", &opts, &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_profile_read(&p, src, &err), GOMEM_E_LIMIT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.source, "big.pb.gz");
	gomem_source_free(src);
	free(gz);
	free(big);
}
END_TEST

/* ---- writing ---------------------------------------------------------------- */

START_TEST(test_round_trip)
{
	struct pb b = {.n = 0};
	gomem_profile *p, *q;
	gomem_error err = {0};
	char *once, *twice;
	size_t n1, n2;

	good_builders[_i](&b);
	p = read_ok(&b);
	once = serialize(p, &n1);
	ck_assert_int_eq(gomem_pprof_from_buffer(&q, once, n1, "once", &err), GOMEM_OK);
	twice = serialize(q, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(once, twice, n1), 0);
	/* the model survives whole */
	assert_same_model(p, q);
	free(once);
	free(twice);
	gomem_profile_free(p);
	gomem_profile_free(q);
}
END_TEST

/* Gzipped output reads back through the sniffing path; ids of a model
 * built without them are numbered 1..N. */
START_TEST(test_write_gzip_and_renumber)
{
	struct pb b = {.n = 0};
	gomem_profile *p, *q;
	gomem_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	pb_everything(&b);
	p = read_ok(&b);
	p->functions[0].id = 0; /* as a builder that never set ids */
	p->locations[1].id = 0;
	p->mappings[0].id = 0;
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(gomem_pprof_write(p, fp, 1, &err), GOMEM_OK);
	fclose(fp);
	ck_assert_uint_ge(len, 2);
	ck_assert_int_eq((uint8_t)buf[0], 0x1f);
	ck_assert_int_eq((uint8_t)buf[1], 0x8b);
	ck_assert_int_eq(gomem_profile_from_buffer(&q, buf, len, "w.pb.gz", &err), GOMEM_OK);
	ck_assert_uint_eq(q->functions[0].id, 1);
	ck_assert_uint_eq(q->functions[1].id, 2);
	ck_assert_uint_eq(q->locations[1].id, 2);
	ck_assert_uint_eq(q->mappings[0].id, 1);
	ck_assert_uint_eq(q->locations[0].mapping, 1);
	ck_assert_str_eq(gomem_profile_function_name(q, 1), "main.main");
	ck_assert_int_eq(gomem_profile_sample_values(q, 0)[1], 20);
	free(buf);
	gomem_profile_free(p);
	gomem_profile_free(q);
}
END_TEST

START_TEST(test_write_errors)
{
	struct pb b = {.n = 0};
	gomem_profile *p;
	gomem_error err = {0};
	FILE *fp;

	pb_profile(&b);
	p = read_ok(&b);
	ck_assert_int_eq(gomem_pprof_write(NULL, stdout, 0, &err), GOMEM_E_INVALID);
	fp = fopen("/dev/full", "w");
	if (fp != NULL) {
		memset(&err, 0, sizeof(err));
		ck_assert_int_eq(gomem_pprof_write(p, fp, _i, &err), GOMEM_E_IO);
		ck_assert_ptr_nonnull(strstr(err.message, "write failed"));
		fclose(fp);
	}
	gomem_profile_free(p);
}
END_TEST

/* ---- real profiles (../shared, when present) -------------------------------- */

static gomem_profile *read_path(const char *path)
{
	gomem_source *src;
	gomem_profile *p;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open_path(&src, path, NULL, &err), GOMEM_OK);
	ck_assert_msg(gomem_profile_read(&p, src, &err) == GOMEM_OK, "%s", err.message);
	gomem_source_free(src);
	return p;
}

/* Counts checked by hand with `go tool pprof -raw` / `-top` (totals per
 * sample type) and a separate Python protobuf walk. */
START_TEST(test_corpus_small_rate1)
{
	static const char *const types[] = {"alloc_objects", "alloc_space", "inuse_objects",
					    "inuse_space"};
	static const int64_t totals[] = {149121, 22903704, 142949, 20401792};
	const char *path = test_corpus("heap/small-rate1/after.pb.gz");
	int64_t sum[4] = {0, 0, 0, 0};
	size_t zero = 0, n;
	gomem_profile *p, *q;
	gomem_error err = {0};
	const char *unit;
	char *buf;

	if (path == NULL)
		return; /* ../shared is not there: nothing to compare with */
	p = read_path(path);
	ck_assert_uint_eq(gomem_profile_sample_count(p), 210);
	ck_assert_uint_eq(gomem_profile_location_count(p), 240);
	ck_assert_uint_eq(gomem_profile_function_count(p), 123);
	ck_assert_uint_eq(gomem_profile_mapping_count(p), 3);
	ck_assert_uint_eq(p->strings.count, 174);
	ck_assert_uint_eq(p->nlabels, 204);
	ck_assert_uint_eq(p->nlines, 323);
	ck_assert_uint_eq(gomem_profile_sample_type_count(p), 4);
	for (size_t t = 0; t < 4; t++)
		ck_assert_str_eq(gomem_profile_sample_type(p, t, &unit), types[t]);
	ck_assert_uint_eq(gomem_profile_default_sample_type(p), 3);
	ck_assert_int_eq(gomem_profile_period(p, NULL, NULL), 1);
	for (size_t s = 0; s < gomem_profile_sample_count(p); s++) {
		const int64_t *v = gomem_profile_sample_values(p, s);

		for (size_t t = 0; t < 4; t++)
			sum[t] += v[t];
		zero += v[0] == 0 && v[1] == 0 && v[2] == 0 && v[3] == 0;
	}
	for (size_t t = 0; t < 4; t++)
		ck_assert_int_eq(sum[t], totals[t]);
	ck_assert_uint_eq(zero, 6);
	/* sample 200 has a one-frame stack, written unpacked by Go */
	gomem_profile_sample_locations(p, 200, &n);
	ck_assert_uint_eq(n, 1);

	/* write it back (gzipped) and read that: the same profile */
	{
		FILE *fp;
		size_t len = 0;

		buf = NULL;
		fp = open_memstream(&buf, &len);
		ck_assert_int_eq(gomem_pprof_write(p, fp, 1, &err), GOMEM_OK);
		fclose(fp);
		ck_assert_int_eq(gomem_profile_from_buffer(&q, buf, len, "rt", &err), GOMEM_OK);
		assert_same_model(p, q);
		free(buf);
		gomem_profile_free(q);
	}
	gomem_profile_free(p);
}
END_TEST

/* The raw bytes in 1-byte and odd chunks decode to the same profile. */
START_TEST(test_corpus_chunked)
{
	const char *path = test_corpus("heap/small-rate1/before.pb.gz");
	static const size_t sizes[] = {1, 3, 1000, 4093};
	gomem_source *src;
	gomem_profile *whole, *p;
	gomem_error err = {0};
	gomem_buf raw;
	const uint8_t *d;
	size_t n;

	if (path == NULL)
		return;
	gomem_buf_init(&raw, 1 << 24);
	ck_assert_int_eq(gomem_source_open_path(&src, path, NULL, &err), GOMEM_OK);
	while (gomem_source_read(src, &d, &n) == GOMEM_OK && n > 0)
		ck_assert_int_eq(gomem_buf_append(&raw, d, n), GOMEM_OK);
	gomem_source_free(src);
	ck_assert_uint_eq(raw.len, 3232);
	ck_assert_int_eq(read_chunked(raw.data, raw.len, 0, &whole, &err), GOMEM_OK);
	ck_assert_uint_eq(gomem_profile_sample_count(whole), 18);
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(sizes); k++) {
		ck_assert_int_eq(read_chunked(raw.data, raw.len, sizes[k], &p, &err), GOMEM_OK);
		assert_same_model(whole, p);
		gomem_profile_free(p);
	}
	gomem_profile_free(whole);
	gomem_buf_free(&raw);
}
END_TEST

START_TEST(test_corpus_large)
{
	const char *path = test_corpus("heap/large-rate1/after.pb.gz");
	gomem_profile *a, *b;

	if (path == NULL)
		return;
	a = read_path(path);
	ck_assert_uint_eq(gomem_profile_sample_count(a), 176251);
	ck_assert_uint_eq(gomem_profile_location_count(a), 1068);
	ck_assert_uint_eq(a->nsample_locs, 881947);
	gomem_profile_free(a);
	if ((path = test_corpus("heap/large-rate1/before.pb.gz")) == NULL)
		return;
	b = read_path(path);
	ck_assert_uint_eq(gomem_profile_sample_count(b), 160023);
	ck_assert_uint_eq(gomem_profile_function_count(b), 851);
	ck_assert_uint_eq(b->nsample_locs, 800108);
	gomem_profile_free(b);
}
END_TEST

/* ---- the malformed fixtures in tests/data/malformed ------------------------- */

struct fixture {
	const char *file;
	int code;
	const char *message;
	uint64_t offset;
};

/* The table in tests/data/malformed/README-pprof.md. */
static const struct fixture fixtures[] = {
	{"pprof-empty.pb", GOMEM_E_FORMAT, "empty input", 0},
	{"pprof-wrong-magic.pb.gz", GOMEM_E_FORMAT,
	 "not a heap profile: neither gzip, profile.proto nor legacy text "
	 "(invalid wire type 7 for Profile.mapping)", 0},
	{"pprof-truncated.pb.gz", GOMEM_E_TRUNCATED, "gzip stream is truncated", 82},
	{"pprof-corrupt-varint.pb", GOMEM_E_FORMAT, "corrupt varint in Sample.value", 79},
	{"pprof-string-index.pb", GOMEM_E_FORMAT,
	 "string index 93 out of range (string table has 8) in Function", 76},
	{"pprof-dangling-location.pb", GOMEM_E_FORMAT, "sample references missing location id 7", 72},
	{"pprof-dangling-function.pb", GOMEM_E_FORMAT,
	 "location id 1 references missing function id 9", 12},
	{"pprof-value-count.pb", GOMEM_E_FORMAT,
	 "sample has 3 values, expected 2 (one per sample type)", 72},
	{"pprof-length-overrun.pb", GOMEM_E_TRUNCATED, "length 4096 exceeds remaining 12 bytes", 172},
	{"pprof-nested-overrun.pb", GOMEM_E_FORMAT,
	 "length 200 exceeds remaining 2 bytes in Sample.label", 77},
	{"pprof-concatenated.pb", GOMEM_E_FORMAT,
	 "concatenated profiles detected (second time_nanos)", 256},
	{"pprof-negative-period.pb", GOMEM_E_FORMAT,
	 "negative period -1: a sampling period counts events and cannot be below zero", 6},
	{"pprof-period-zero.pb", GOMEM_E_FORMAT,
	 "period 0: the heap profile was written with runtime.MemProfileRate=0 (profiling off), "
	 "so its samples cannot be unsampled", 0},
	{"pprof-negative-inuse.pb", GOMEM_E_FORMAT,
	 "negative inuse_space -1024 in a heap profile (a snapshot holds nothing below zero)", 84},
	{"pprof-values-overflow.pb", GOMEM_E_FORMAT,
	 "the values of alloc_space add up past 9223372036854775807 here: no total of them could "
	 "be represented", 109},
};

START_TEST(test_fixture)
{
	const struct fixture *f = &fixtures[_i];
	char rel[256];
	const char *path;
	gomem_profile *p;
	gomem_error err = {0};
	gomem_source *src;
	char line[600];

	snprintf(rel, sizeof(rel), "tests/data/malformed/%s", f->file);
	path = test_path(rel);
	if (access(path, R_OK) != 0)
		ck_abort_msg("missing fixture %s", path);
	ck_assert_int_eq(gomem_source_open_path(&src, path, NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_read(&p, src, &err), f->code);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.message, f->message);
	ck_assert_str_eq(err.source, path);
	ck_assert_int_eq(err.has_offset, 1);
	ck_assert_uint_eq(err.offset, f->offset);
	gomem_error_format(line, sizeof(line), &err);
	ck_assert_ptr_nonnull(strstr(line, ": byte "));
	gomem_source_free(src);

	/* by name (a gzip file is inflated whole): the very same error */
	{
		gomem_error err2 = {0};

		ck_assert_int_eq(gomem_profile_load(&p, path, NULL, &err2), f->code);
		ck_assert_str_eq(err2.message, err.message);
		ck_assert_str_eq(err2.source, err.source);
		ck_assert_uint_eq(err2.offset, err.offset);
	}
}
END_TEST

/* ---- reading fast and slow, whole and streamed ---------------------------- */

static char *read_serialized(const char *path, bool whole, bool slow, size_t *len)
{
	gomem_source *src = NULL;
	gomem_profile *p;
	gomem_error err = {0};
	char *out;

	gomem_pprof_slow_only = slow;
	if (whole) {
		ck_assert_msg(gomem_profile_load(&p, path, NULL, &err) == GOMEM_OK, "%s: %s", path,
			      err.message);
	} else {
		ck_assert_int_eq(gomem_source_open_path(&src, path, NULL, &err), GOMEM_OK);
		ck_assert_msg(gomem_profile_read(&p, src, &err) == GOMEM_OK, "%s: %s", path, err.message);
		gomem_source_free(src);
	}
	gomem_pprof_slow_only = false;
	out = serialize(p, len);
	gomem_profile_free(p);
	return out;
}

static const char *const agree_files[] = {
	"contrib/examples/before.pb.gz", "contrib/examples/after.pb.gz",
	"tests/data/heap/go1.19/rate1/after.pb.gz", "tests/data/heap/go1.23/default/after.pb.gz",
	"tests/data/pprof-kinds/heap.after.drop.pb.gz", "tests/data/pprof-kinds/cpu.pb.gz",
	"tests/data/pprof-kinds/goroutine.pb.gz", "tests/fuzz/corpus/pprof/everything.pb",
	"tests/fuzz/corpus/pprof/unknown-fields.pb", "tests/fuzz/corpus/pprof/sparse-ids.pb",
};

/* The fast paths (Samples, Locations, Functions straight into the model)
 * and the general decoder give the same profile; so do a file inflated
 * whole with libdeflate and the same file streamed through zlib. */
START_TEST(test_paths_agree)
{
	const char *path = test_path(agree_files[_i]);
	size_t n1, n2, n3;
	char *fast = read_serialized(path, false, false, &n1);
	char *slow = read_serialized(path, false, true, &n2);
	char *whole = read_serialized(path, true, false, &n3);

	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(fast, slow, n1), 0);
	ck_assert_uint_eq(n1, n3);
	ck_assert_int_eq(memcmp(fast, whole, n1), 0);
	free(fast);
	free(slow);
	free(whole);
}
END_TEST

/* What the whole way does not take streams, with the stream's answer: two
 * gzip members, a trailer claiming more than --max-input, a file cut short. */
START_TEST(test_load_falls_back)
{
	const char *one = test_path("contrib/examples/after.pb.gz");
	char tmp[] = "/tmp/gomem-load-XXXXXX";
	int fd = mkstemp(tmp);
	size_t len, n1, n2;
	char *gz, *a, *b;
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_profile *p;
	gomem_error err = {0};
	FILE *fp = fopen(one, "rb");

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(fp);
	gz = malloc(1 << 20);
	len = fread(gz, 1, 1 << 20, fp);
	fclose(fp);
	/* the profile, then an empty second member: gzip -d reads both */
	ck_assert_int_eq(write(fd, gz, len), (ssize_t)len);
	ck_assert_int_eq(write(fd, "\x1f\x8b\x08\0\0\0\0\0\0\xff\x03\0\0\0\0\0\0\0\0\0", 20), 20);
	close(fd);
	a = read_serialized(one, true, false, &n1);
	b = read_serialized(tmp, true, false, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_int_eq(memcmp(a, b, n1), 0);
	free(a);
	free(b);
	/* a cap below the inflated size: the source's error */
	so.max_input = 1000;
	ck_assert_int_eq(gomem_profile_load(&p, one, &so, &err), GOMEM_E_LIMIT);
	ck_assert_ptr_nonnull(strstr(err.message, "--max-input"));
	/* cut short */
	fd = open(tmp, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, gz, len - 9), (ssize_t)len - 9);
	close(fd);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(gomem_profile_load(&p, tmp, NULL, &err), GOMEM_E_TRUNCATED);
	ck_assert_str_eq(err.message, "gzip stream is truncated");
	unlink(tmp);
	free(gz);
}
END_TEST

/* The bomb is 1200 MiB of valid fields: only the cap stops it, and nothing
 * past the cap is handed out (the CLI test runs it at the default 1 GiB). */
START_TEST(test_gzip_bomb_capped)
{
	gomem_source_options opts = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_profile *p;
	gomem_error err = {0};
	gomem_source *src;

	opts.max_input = (uint64_t)8 << 20;
	ck_assert_int_eq(gomem_source_open_path(&src, test_path("tests/data/malformed/pprof-gzip-bomb.pb.gz"),
						&opts, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_read(&p, src, &err), GOMEM_E_LIMIT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.message,
			 "input exceeds the limit of 8388608 bytes after decompression (--max-input)");
	ck_assert_uint_le(gomem_source_offset(src), (uint64_t)8 << 20);
	gomem_source_free(src);
}
END_TEST

Suite *suite_pprof(void)
{
	Suite *s = suite_create("pprof");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, test_minimal_profile);
	tcase_add_loop_test(tc, test_packed_unpacked_mixed, 0, 3);
	tcase_add_test(tc, test_string_table_position);
	tcase_add_test(tc, test_inlined_lines);
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_unknown_fields);
	tcase_add_test(tc, test_everything);
	tcase_add_test(tc, test_sparse_ids);
	tcase_add_loop_test(tc, test_chunking, 0, (int)GOMEM_ARRAY_SIZE(good_builders));
	tcase_add_test(tc, test_reader_misuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_malformed, 0, (int)GOMEM_ARRAY_SIZE(bad_cases));
	tcase_add_loop_test(tc, test_every_prefix, 0, (int)GOMEM_ARRAY_SIZE(bad_cases));
	tcase_add_loop_test(tc, test_fixture, 0, (int)GOMEM_ARRAY_SIZE(fixtures));
	tcase_add_test(tc, test_gzip_bomb_capped);
	tcase_add_loop_test(tc, test_paths_agree, 0, (int)GOMEM_ARRAY_SIZE(agree_files));
	tcase_add_test(tc, test_load_falls_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("buffer");
	tcase_add_test(tc, test_from_buffer);
	tcase_add_test(tc, test_sniff_legacy);
	tcase_add_test(tc, test_input_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_loop_test(tc, test_round_trip, 0, (int)GOMEM_ARRAY_SIZE(good_builders));
	tcase_add_test(tc, test_write_gzip_and_renumber);
	tcase_add_loop_test(tc, test_write_errors, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_corpus_small_rate1);
	tcase_add_test(tc, test_corpus_chunked);
	tcase_add_test(tc, test_corpus_large);
	suite_add_tcase(s, tc);
	return s;
}
