/* SPDX-License-Identifier: Apache-2.0 */
/* check_layout.c — the layout module: Go's placement rules and
 * fieldalignment's order on hand-made field lists; the recorded probes of
 * tests/data/layout read back field by field against what the Go compiler
 * printed (go1.XX-ARCH.tsv); size classes of the binary's release; and the
 * malformed inputs, each with its error. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

/* ---- placement and the better order ------------------------------------------------ */

static gomem_layout_field fld(uint64_t size, uint64_t align, uint64_t ptrdata)
{
	gomem_layout_field f;

	memset(&f, 0, sizeof(f));
	f.size = size;
	f.align = align;
	f.ptrdata = ptrdata;
	return f;
}

START_TEST(test_place_padded)
{
	/* struct { A bool; B int64; C bool; D int32; E bool } */
	gomem_layout_field f[] = {fld(1, 1, 0), fld(8, 8, 0), fld(1, 1, 0), fld(4, 4, 0), fld(1, 1, 0)};
	size_t order[5];
	uint64_t size, align, ptrdata;

	ck_assert_int_eq(gomem_layout_place(f, 5, NULL, &size, &align, &ptrdata), GOMEM_OK);
	ck_assert_uint_eq(size, 32);
	ck_assert_uint_eq(align, 8);
	ck_assert_uint_eq(ptrdata, 0);
	ck_assert_int_eq(gomem_layout_optimize(f, 5, order, &size, &align, &ptrdata), GOMEM_OK);
	/* B (8), D (4), then the bools in their order. */
	ck_assert_uint_eq(order[0], 1);
	ck_assert_uint_eq(order[1], 3);
	ck_assert_uint_eq(order[2], 0);
	ck_assert_uint_eq(order[3], 2);
	ck_assert_uint_eq(order[4], 4);
	ck_assert_uint_eq(size, 16);
	ck_assert_uint_eq(align, 8);
}
END_TEST

START_TEST(test_place_zero_size)
{
	gomem_layout_field tail[] = {fld(8, 8, 0), fld(0, 1, 0)};
	gomem_layout_field all_zero[] = {fld(0, 1, 0), fld(0, 8, 0)};
	gomem_layout_field middle[] = {fld(1, 1, 0), fld(0, 1, 0), fld(1, 1, 0)};
	size_t order[2];
	uint64_t size, align;

	/* A final zero-size field takes a byte: 8 + 1 rounded to 16. */
	ck_assert_int_eq(gomem_layout_place(tail, 2, NULL, &size, NULL, NULL), GOMEM_OK);
	ck_assert_uint_eq(size, 16);
	/* ... which the better order avoids by putting it first. */
	ck_assert_int_eq(gomem_layout_optimize(tail, 2, order, &size, NULL, NULL), GOMEM_OK);
	ck_assert_uint_eq(order[0], 1);
	ck_assert_uint_eq(size, 8);
	/* Nothing but zero-size fields: no byte, but the alignment. */
	ck_assert_int_eq(gomem_layout_place(all_zero, 2, NULL, &size, &align, NULL), GOMEM_OK);
	ck_assert_uint_eq(size, 0);
	ck_assert_uint_eq(align, 8);
	ck_assert_int_eq(gomem_layout_place(middle, 3, NULL, &size, NULL, NULL), GOMEM_OK);
	ck_assert_uint_eq(size, 2);
	ck_assert_int_eq(gomem_layout_place(NULL, 0, NULL, &size, &align, NULL), GOMEM_OK);
	ck_assert_uint_eq(size, 0);
	ck_assert_uint_eq(align, 1);
}
END_TEST

START_TEST(test_optimize_pointers_first)
{
	/* { N int64; S string; Sl []int; P *T; I interface{} } on amd64 */
	gomem_layout_field f[] = {fld(8, 8, 0), fld(16, 8, 8), fld(24, 8, 8), fld(8, 8, 8),
				  fld(16, 8, 16)};
	size_t order[5];
	uint64_t size, ptrdata;

	ck_assert_int_eq(gomem_layout_place(f, 5, NULL, &size, NULL, &ptrdata), GOMEM_OK);
	ck_assert_uint_eq(size, 72);
	ck_assert_uint_eq(ptrdata, 72);
	ck_assert_int_eq(gomem_layout_optimize(f, 5, order, &size, NULL, &ptrdata), GOMEM_OK);
	/* No trailing scalars first (I before P: larger), then S (8), Sl (16),
	 * then the pointer-free N. */
	ck_assert_uint_eq(order[0], 4);
	ck_assert_uint_eq(order[1], 3);
	ck_assert_uint_eq(order[2], 1);
	ck_assert_uint_eq(order[3], 2);
	ck_assert_uint_eq(order[4], 0);
	ck_assert_uint_eq(size, 72);
	ck_assert_uint_eq(ptrdata, 16 + 8 + 16 + 8);
}
END_TEST

START_TEST(test_optimize_errors)
{
	gomem_layout_field bad_align[] = {fld(4, 3, 0)};
	gomem_layout_field bad_ptr[] = {fld(4, 4, 8)};
	gomem_layout_field huge[] = {fld(UINT64_MAX - 2, 1, 0), fld(8, 8, 0)};
	size_t order[2];
	uint64_t size;

	ck_assert_int_eq(gomem_layout_optimize(bad_align, 1, order, &size, NULL, NULL),
			 GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_layout_place(bad_ptr, 1, NULL, &size, NULL, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_layout_place(huge, 2, NULL, &size, NULL, NULL), GOMEM_E_LIMIT);
}
END_TEST

/* ---- the recorded probes ----------------------------------------------------------- */

static gomem_layout *read_layout(const char *rel, const char *go_version)
{
	gomem_layout_options opts = GOMEM_LAYOUT_OPTIONS_INIT;
	gomem_binary *bin = NULL;
	gomem_layout *l = NULL;
	gomem_error err = {0};

	opts.go_version = go_version;
	ck_assert_int_eq(gomem_binary_open(test_path(rel), &bin, &err), GOMEM_OK);
	ck_assert_msg(gomem_layout_read(&l, bin, &opts, &err) == GOMEM_OK, "%s: %s", rel, err.message);
	gomem_binary_free(bin); /* the layout keeps its own copies */
	return l;
}

static const gomem_layout_struct *must_find(const gomem_layout *l, const char *name)
{
	const gomem_layout_struct *s = gomem_layout_find(l, name);

	ck_assert_msg(s != NULL, "no %s", name);
	return s;
}

START_TEST(test_probe_padded)
{
	gomem_layout *l = read_layout("tests/data/layout/go1.23-amd64.debug", NULL);
	const gomem_layout_struct *s = must_find(l, "main.Padded");
	static const uint64_t offsets[] = {0, 8, 16, 20, 24}, pads[] = {7, 0, 3, 0, 7};

	ck_assert_str_eq(gomem_layout_go_version(l), "go1.23.5");
	ck_assert_str_eq(gomem_layout_class_release(l), "go1.23");
	ck_assert_uint_eq(s->size, 32);
	ck_assert_uint_eq(s->align, 8);
	ck_assert_uint_eq(s->padding, 17);
	ck_assert_uint_eq(s->nfields, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_uint_eq(s->fields[i].offset, offsets[i]);
		ck_assert_uint_eq(s->fields[i].padding, pads[i]);
	}
	ck_assert_str_eq(s->fields[3].name, "D");
	ck_assert_str_eq(s->fields[3].type_name, "int32");
	ck_assert_uint_eq(s->optimal_size, 16);
	ck_assert_str_eq(s->fields[s->optimal_order[0]].name, "B");
	ck_assert_uint_eq(s->class_size, 32);
	ck_assert_uint_eq(s->waste, 17);
	ck_assert_uint_eq(s->optimal_class_size, 16);
	/* 40024 bytes are a large object of 5 pages: 936 more, and 14 of padding. */
	ck_assert_uint_eq(must_find(l, "main.Big")->class_size, 40960);
	ck_assert_uint_eq(must_find(l, "main.Big")->waste, 950);
	/* The .debug fixture keeps no runtime type records. */
	ck_assert(!s->runtime_checked);
	ck_assert_ptr_null(gomem_layout_find(l, "main.NoSuchType"));
	ck_assert_ptr_null(gomem_layout_get(l, gomem_layout_count(l)));
	gomem_layout_free(l);
}
END_TEST

START_TEST(test_probe_kinds)
{
	gomem_layout *l = read_layout("tests/data/layout/go1.21-amd64.debug", NULL);
	const gomem_layout_struct *k = must_find(l, "main.Kinds");
	const gomem_layout_struct *e = must_find(l, "main.Embedding");
	const gomem_layout_struct *z = must_find(l, "main.ZeroTail");

	ck_assert_uint_eq(k->size, 224);
	ck_assert_uint_eq(k->ptrdata, 216);
	ck_assert_uint_eq(k->optimal_size, 216);
	ck_assert_uint_eq(k->optimal_ptrdata, 112);
	/* Pointerful, so a scan class; 224 is a class of its own. */
	ck_assert_uint_eq(k->class_size, 224);
	ck_assert(e->fields[0].embedded);
	ck_assert_str_eq(e->fields[0].name, "Inner");
	ck_assert_str_eq(e->fields[1].type_name, "*main.Padded");
	ck_assert(!e->fields[2].embedded);
	ck_assert_uint_eq(z->size, 16);
	ck_assert_uint_eq(z->optimal_size, 8);
	ck_assert_ptr_nonnull(must_find(l, "main.Pair[int64,*main.Inner]"));
	gomem_layout_free(l);
}
END_TEST

START_TEST(test_probe_386)
{
	gomem_layout *l = read_layout("tests/data/layout/go1.23-386.debug", "1.19");
	const gomem_layout_struct *s = must_find(l, "main.Sixty4");
	const gomem_layout_struct *a = must_find(l, "main.Atomics");

	/* int64, float64 and complex128 are 4-aligned on 386 ... */
	ck_assert_uint_eq(s->align, 4);
	ck_assert_uint_eq(s->fields[1].offset, 4);
	ck_assert_uint_eq(s->size, 56);
	ck_assert_uint_eq(s->optimal_size, 44);
	/* ... but atomic.Int64 is 8-aligned (align64). */
	ck_assert_uint_eq(a->fields[1].offset, 8);
	ck_assert_uint_eq(a->fields[1].align, 8);
	ck_assert_str_eq(gomem_layout_class_release(l), "go1.19");
	gomem_layout_free(l);
}
END_TEST

static const char *const probes[] = {"go1.21-amd64", "go1.22-amd64", "go1.23-amd64", "go1.23-386"};

/* Every S and F line of the probe's TSV, against the layout read back. */
START_TEST(test_probe_truth)
{
	char rel[128], line[512];
	gomem_layout *l;
	FILE *fp;
	size_t structs = 0, fields = 0;

	snprintf(rel, sizeof(rel), "tests/data/layout/%s.debug", probes[_i]);
	l = read_layout(rel, NULL);
	snprintf(rel, sizeof(rel), "tests/data/layout/%s.tsv", probes[_i]);
	ck_assert_ptr_nonnull(fp = fopen(test_path(rel), "r"));
	while (fgets(line, sizeof(line), fp)) {
		char name[256], fname[64];
		unsigned long long a, b, c, d, e, f;
		const gomem_layout_struct *s;

		if (sscanf(line, "S\t%255[^\t]\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu", name, &a, &b, &c, &d,
			   &e, &f) == 7) {
			s = must_find(l, name);
			ck_assert_msg(s->size == a && s->align == b && s->ptrdata == c &&
					      s->optimal_size == d && s->optimal_ptrdata == e && s->nfields == f,
				      "%s %s", probes[_i], line);
			structs++;
		} else if (sscanf(line, "F\t%255[^\t]\t%llu\t%63[^\t]\t%llu\t%llu\t%llu", name, &a, fname,
				  &b, &c, &d) == 6) {
			s = must_find(l, name);
			ck_assert_uint_lt(a, s->nfields);
			ck_assert_msg(strcmp(s->fields[a].name, fname) == 0 && s->fields[a].offset == b &&
					      s->fields[a].size == c && s->fields[a].align == d,
				      "%s %s", probes[_i], line);
			fields++;
		}
	}
	fclose(fp);
	ck_assert_uint_eq(structs, 22);
	ck_assert_uint_ge(fields, 140);
	gomem_layout_free(l);
}
END_TEST

/* ---- bad input ---------------------------------------------------------------------- */

static const struct {
	const char *file;
	int open_code, read_code;
	const char *message;
} bad[] = {
	{"not-elf.txt", GOMEM_E_FORMAT, GOMEM_OK, "not an ELF file"},
	{"truncated.elf", GOMEM_E_TRUNCATED, GOMEM_OK, "truncated"},
	{"no-go.elf", GOMEM_OK, GOMEM_E_NOTFOUND, "not a Go binary"},
	{"c-dwarf.elf", GOMEM_OK, GOMEM_E_NOTFOUND, "no Go DWARF"},
	{"dwarf-garbage.elf", GOMEM_OK, GOMEM_E_FORMAT, "corrupt DWARF"},
	{"dwarf-cycle.elf", GOMEM_OK, GOMEM_E_FORMAT, "contains itself"},
	{"dwarf-past-end.elf", GOMEM_OK, GOMEM_E_FORMAT, "past the struct's end"},
	{"dwarf-bad-ref.elf", GOMEM_OK, GOMEM_E_FORMAT, "without a usable type"},
	{"dwarf-bad-base.elf", GOMEM_OK, GOMEM_E_FORMAT, "impossible size"},
	{"dwarf-overlap.elf", GOMEM_OK, GOMEM_E_FORMAT, "overlaps"},
	{"dwarf-zlib-bad.elf", GOMEM_OK, GOMEM_E_FORMAT, "corrupt DWARF"},
};

START_TEST(test_malformed)
{
	char rel[128];
	gomem_binary *bin = NULL;
	gomem_layout *l = NULL;
	gomem_error err = {0};
	int rc;

	snprintf(rel, sizeof(rel), "tests/data/layout/malformed/%s", bad[_i].file);
	rc = gomem_binary_open(test_path(rel), &bin, &err);
	ck_assert_int_eq(rc, bad[_i].open_code);
	if (rc == GOMEM_OK) {
		ck_assert_int_eq(gomem_layout_read(&l, bin, NULL, &err), bad[_i].read_code);
		ck_assert_ptr_null(l);
	}
	ck_assert_msg(strstr(err.message, bad[_i].message) != NULL, "%s: %s", bad[_i].file,
		      err.message);
	ck_assert_msg(strstr(err.source, bad[_i].file) != NULL, "source %s", err.source);
	gomem_binary_free(bin);
}
END_TEST

START_TEST(test_small_dwarf)
{
	const char *files[] = {"tests/data/layout/malformed/good.elf",
			       "tests/data/layout/malformed/dwarf-zlib-good.elf"};

	for (size_t i = 0; i < 2; i++) {
		gomem_layout *l = read_layout(files[i], NULL);
		const gomem_layout_struct *n = must_find(l, "main.N");

		ck_assert_uint_eq(gomem_layout_count(l), 2);
		ck_assert_str_eq(gomem_layout_go_version(l), "go1.21.13");
		ck_assert_uint_eq(n->size, 24);
		ck_assert_uint_eq(n->ptrdata, 8);
		ck_assert_str_eq(n->fields[0].type_name, "*main.N");
		ck_assert_uint_eq(n->class_size, 24);
		gomem_layout_free(l);
	}
}
END_TEST

START_TEST(test_options)
{
	gomem_layout_options opts = GOMEM_LAYOUT_OPTIONS_INIT;
	gomem_binary *bin = NULL;
	gomem_layout *l = NULL;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_binary_open(test_path("tests/data/layout/malformed/good.elf"), &bin,
					   &err), GOMEM_OK);
	opts.go_version = "rust 1.70";
	ck_assert_int_eq(gomem_layout_read(&l, bin, &opts, &err), GOMEM_E_INVALID);
	ck_assert_ptr_null(l);
	gomem_error_clear(&err);
	opts.version = 99;
	ck_assert_int_eq(gomem_layout_read(&l, bin, &opts, &err), GOMEM_E_INVALID);
	gomem_binary_free(bin);
	ck_assert_uint_eq(gomem_layout_count(NULL), 0);
	ck_assert_str_eq(gomem_layout_go_version(NULL), "");
	gomem_layout_free(NULL);
}
END_TEST

Suite *suite_layout(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("order");

	tcase_add_test(tc, test_place_padded);
	tcase_add_test(tc, test_place_zero_size);
	tcase_add_test(tc, test_optimize_pointers_first);
	tcase_add_test(tc, test_optimize_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("probe");
	tcase_add_test(tc, test_probe_padded);
	tcase_add_test(tc, test_probe_kinds);
	tcase_add_test(tc, test_probe_386);
	tcase_add_loop_test(tc, test_probe_truth, 0, (int)GOMEM_ARRAY_SIZE(probes));
	suite_add_tcase(s, tc);
	tc = tcase_create("bad");
	tcase_add_loop_test(tc, test_malformed, 0, (int)GOMEM_ARRAY_SIZE(bad));
	tcase_add_test(tc, test_small_dwarf);
	tcase_add_test(tc, test_options);
	suite_add_tcase(s, tc);
	return s;
}
