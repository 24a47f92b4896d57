/* SPDX-License-Identifier: Apache-2.0 */
/* check_heapdump.c — the heap dump reader: records into a graph (objects
 * sorted, interior pointers resolved, nil and outside pointers dropped,
 * roots grouped, frames named), and bad input — a wrong header, every
 * truncation, over-long varints, lengths past the end or of 2^60, pointer
 * offsets outside their object, overlapping and duplicate objects, frames
 * without goroutines — each an error with its byte offset. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "heapdump_builder.h"
#include "suites.h"

#define A(i) (HB_ARENA + 0x1000 * (i))

/* Three objects written out of order: B (at A(2)) points into the middle of
 * A (at A(1)); A points at C (A(3)) and at nothing; a global points at B. */
static void small_dump(hb *b)
{
	uint64_t wa[] = {0, 1, 2}, va[] = {A(3), 0, 0x4000}; /* C, nil, outside the heap */
	uint64_t wb[] = {1}, vb[] = {A(1) + 24};             /* interior pointer into A */
	uint64_t wg[] = {2}, vg[] = {A(2)};
	hb_start(b);
	hb_object(b, A(2), 32, wb, vb, 1);
	hb_object(b, A(1), 48, wa, va, 3);
	hb_object(b, A(3), 16, NULL, NULL, 0);
	hb_goroutine(b, 7, "chan receive");
	uint64_t wf[] = {0}, vf[] = {A(3) + 8};
	hb_frame(b, "main.worker", 16, wf, vf, 1);
	hb_bss(b, 64, wg, vg, 1);
	hb_end(b);
}

static gomem_heapdump *read_ok(const hb *b)
{
	gomem_heapdump *d;
	gomem_error err = {0};
	int rc = gomem_heapdump_read_buffer(&d, b->p, b->len, "t.dump", NULL, &err);
	ck_assert_msg(rc == GOMEM_OK, "%s", err.message);
	return d;
}

START_TEST(test_graph)
{
	hb b;
	small_dump(&b);
	gomem_heapdump *d = read_ok(&b);
	ck_assert_uint_eq(gomem_heapdump_object_count(d), 3);
	for (uint32_t i = 0; i < 3; i++)
		ck_assert_uint_eq(gomem_heapdump_object_addr(d, i), A(i + 1)); /* sorted */
	const uint32_t *t, *w;
	ck_assert_uint_eq(gomem_heapdump_object_edges(d, 0, &t, &w, NULL), 1); /* nil and outside dropped */
	ck_assert_uint_eq(t[0], 2);
	ck_assert_uint_eq(gomem_heapdump_object_edges(d, 1, &t, &w, NULL), 1);
	ck_assert_uint_eq(t[0], 0); /* interior pointer: the object holding it */
	ck_assert_uint_eq(w[0], 1);
	ck_assert_uint_eq(gomem_heapdump_find_object(d, A(1) + 47), 0);
	ck_assert_uint_eq(gomem_heapdump_find_object(d, A(1) + 48), GOMEM_HEAPDUMP_NONE);
	ck_assert_uint_eq(gomem_heapdump_root_count(d), 2);
	ck_assert_str_eq(gomem_heapdump_root_get(d, 0)->name, "goroutine 7 [chan receive]: main.worker");
	ck_assert_str_eq(gomem_heapdump_root_get(d, 1)->name, "bss+0x10");
	ck_assert_uint_eq(gomem_heapdump_root_edges(d, 1, &t, &w, NULL), 1);
	ck_assert_uint_eq(t[0], 1);
	ck_assert_str_eq(gomem_heapdump_get_params(d)->go_version, "go1.23.0");
	ck_assert_uint_eq(gomem_heapdump_get_counts(d)->pointer_slots, 6);
	gomem_heapdump_free(d);
	free(b.p);
}
END_TEST

/* Globals without a binary: one root per run of adjacent pointer words,
 * named by its first, however the dump is read. The bss holds pointers at
 * words 0, 1, 2 and 4; word 3 holds an address outside the heap (an
 * interface's type word, kept before word 4 with keep_outside). */
static void runs_dump(hb *b)
{
	uint64_t words[5] = {A(1), A(1) + 8, A(2), 0x4000, A(2)};
	hb_start(b);
	hb_object(b, A(1), 16, NULL, NULL, 0);
	hb_object(b, A(2), 16, NULL, NULL, 0);
	hb_uint(b, 13); /* bss */
	hb_uint(b, 0x500000);
	hb_uint(b, sizeof(words));
	hb_bytes(b, words, sizeof(words));
	for (uint64_t w = 0; w < 5; w++)
		if (w != 3) {
			hb_uint(b, 1);
			hb_uint(b, w * 8);
		}
	hb_uint(b, 0);
	hb_end(b);
}

START_TEST(test_global_runs)
{
	hb b;
	runs_dump(&b);
	for (int keep = 0; keep < 2; keep++) {
		gomem_heapdump *d;
		gomem_error err = {0};
		gomem_heapdump_options o = GOMEM_HEAPDUMP_OPTIONS_INIT;
		o.keep_outside = keep;
		ck_assert_int_eq(gomem_heapdump_read_buffer(&d, b.p, b.len, "t.dump", &o, &err), GOMEM_OK);
		ck_assert_uint_eq(gomem_heapdump_root_count(d), 2);
		const gomem_heapdump_root *r = gomem_heapdump_root_get(d, 0);
		const uint32_t *t, *w;
		ck_assert_str_eq(r->name, "bss+0x0");
		ck_assert_uint_eq(r->size, 24);
		ck_assert_uint_eq(gomem_heapdump_root_edges(d, 0, &t, &w, NULL), 3);
		ck_assert_uint_eq(t[0], 0);
		ck_assert_uint_eq(t[1], 0);
		ck_assert_uint_eq(t[2], 1);
		ck_assert_uint_eq(w[2], 2);
		r = gomem_heapdump_root_get(d, 1);
		ck_assert_str_eq(r->name, "bss+0x20"); /* not +0x18: the type word does not name it */
		size_t n = gomem_heapdump_root_edges(d, 1, &t, &w, NULL);
		ck_assert_uint_eq(n, keep ? 2 : 1);
		ck_assert_uint_eq(t[n - 1], 1);
		gomem_heapdump_free(d);
	}
	free(b.p);
}
END_TEST

/* A bad dump: the error code and the byte offset it names. */
static void read_bad(const hb *b, int code, uint64_t offset, const char *what)
{
	gomem_heapdump *d;
	gomem_error err = {0};
	char msg[600];
	int rc = gomem_heapdump_read_buffer(&d, b->p, b->len, "bad.dump", NULL, &err);
	gomem_error_format(msg, sizeof(msg), &err);
	ck_assert_msg(rc == code, "%s: got %d (%s)", what, rc, msg);
	ck_assert_ptr_null(d);
	ck_assert_msg(err.has_offset && err.offset == offset, "%s: offset %llu, want %llu (%s)", what,
		      (unsigned long long)err.offset, (unsigned long long)offset, msg);
	ck_assert_msg(strncmp(msg, "bad.dump: byte ", 15) == 0, "%s", msg);
}

START_TEST(test_truncated_everywhere)
{
	hb b;
	small_dump(&b);
	for (size_t n = 0; n < b.len; n++) {
		gomem_heapdump *d;
		gomem_error err = {0};
		int rc = gomem_heapdump_read_buffer(&d, b.p, n, "cut.dump", NULL, &err);
		ck_assert_msg(rc == (n < 16 ? GOMEM_E_FORMAT : GOMEM_E_TRUNCATED), "cut at %zu: %d %s", n, rc,
			      err.message);
		ck_assert_ptr_null(d);
	}
	free(b.p);
}
END_TEST

START_TEST(test_bad_records)
{
	hb b;
	/* wrong header */
	hb_start(&b);
	b.p[3] = '8';
	read_bad(&b, GOMEM_E_FORMAT, 0, "header");
	free(b.p);
	/* an over-long varint as a tag */
	hb_start(&b);
	size_t at = b.len;
	hb_bytes(&b, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10);
	read_bad(&b, GOMEM_E_FORMAT, at, "varint");
	free(b.p);
	/* an object claiming 2^60 bytes */
	hb_start(&b);
	hb_uint(&b, 1);
	hb_uint(&b, A(1));
	hb_uint(&b, (uint64_t)1 << 60);
	hb_bytes(&b, "abcdefgh", 8);
	read_bad(&b, GOMEM_E_TRUNCATED, b.len, "2^60");
	free(b.p);
	/* a pointer offset outside its object */
	hb_start(&b);
	at = b.len;
	hb_uint(&b, 1);
	hb_uint(&b, A(1));
	hb_uint(&b, 16);
	hb_bytes(&b, "0123456789abcdef", 16);
	size_t field = b.len;
	hb_uint(&b, 1);
	hb_uint(&b, 16);
	hb_uint(&b, 0);
	hb_end(&b);
	read_bad(&b, GOMEM_E_FORMAT, field, "offset");
	free(b.p);
	/* overlapping objects: the later record is named */
	uint64_t none[1] = {0};
	hb_start(&b);
	hb_object(&b, A(1), 64, none, none, 0);
	at = b.len;
	hb_object(&b, A(1) + 32, 64, none, none, 0);
	hb_end(&b);
	read_bad(&b, GOMEM_E_FORMAT, at, "overlap");
	free(b.p);
	/* duplicate */
	hb_start(&b);
	hb_object(&b, A(1), 64, none, none, 0);
	at = b.len;
	hb_object(&b, A(1), 64, none, none, 0);
	hb_end(&b);
	read_bad(&b, GOMEM_E_FORMAT, at, "duplicate");
	free(b.p);
	/* a frame before any goroutine */
	hb_start(&b);
	at = b.len;
	hb_frame(&b, "main.f", 8, none, none, 0);
	hb_end(&b);
	read_bad(&b, GOMEM_E_FORMAT, at, "frame");
	free(b.p);
	/* an unknown tag */
	hb_start(&b);
	at = b.len;
	hb_uint(&b, 99);
	read_bad(&b, GOMEM_E_FORMAT, at, "tag");
	free(b.p);
}
END_TEST

/* A dump the Go runtime wrote (contrib/gen/heapdumpgen -scale 1, Go 1.23). */
START_TEST(test_real_dump)
{
	gomem_source *src;
	gomem_heapdump *d;
	gomem_error err = {0};
	ck_assert_int_eq(gomem_source_open_path(&src, test_path("tests/data/heapdump/go1.23.dump.gz"), NULL, &err),
			 GOMEM_OK);
	ck_assert_msg(gomem_heapdump_read(&d, src, NULL, &err) == GOMEM_OK, "%s", err.message);
	const gomem_heapdump_memstats *m = gomem_heapdump_get_memstats(d);
	ck_assert(m->present);
	/* every object the runtime counts is dumped (plus a few freed slots) */
	ck_assert_uint_ge(gomem_heapdump_object_count(d), m->heap_objects);
	ck_assert_uint_gt(gomem_heapdump_goroutine_count(d), 2);
	ck_assert_str_eq(gomem_heapdump_get_params(d)->goarch, "amd64");
	ck_assert(gomem_heapdump_site_count(d) > 0);
	gomem_heapdump_free(d);
	gomem_source_free(src);
}
END_TEST

Suite *suite_heapdump(void)
{
	Suite *s = suite_create("heapdump");
	TCase *tc = tcase_create("reader");
	tcase_add_test(tc, test_graph);
	tcase_add_test(tc, test_global_runs);
	tcase_add_test(tc, test_truncated_everywhere);
	tcase_add_test(tc, test_bad_records);
	tcase_add_test(tc, test_real_dump);
	suite_add_tcase(s, tc);
	return s;
}
