/* SPDX-License-Identifier: Apache-2.0 */
/* check_sizeclass.c — the size-class tables and what one object costs per
 * release: the class table against the runtime's comment table, the malloc
 * header of Go 1.22+, the small/large border, tiny packing, zero size, Go
 * version strings; then every size the Go runtime was measured at (the CSVs
 * in tests/data/sizeclass/, written by contrib/gen/allocmeasure). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

static gomem_alloc_cost cost(int minor, uint64_t size, bool scan)
{
	gomem_alloc_cost c;
	const gomem_sizeclass_table *t = gomem_sizeclass_for(minor);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(gomem_sizeclass_cost(t, size, scan, &c), GOMEM_OK);
	return c;
}

START_TEST(test_releases)
{
	ck_assert_ptr_null(gomem_sizeclass_for(18));
	ck_assert_str_eq(gomem_sizeclass_release(gomem_sizeclass_for(19)), "go1.19");
	ck_assert_str_eq(gomem_sizeclass_release(gomem_sizeclass_for(20)), "go1.20");
	ck_assert_str_eq(gomem_sizeclass_release(gomem_sizeclass_for(22)), "go1.22");
	ck_assert_int_eq(gomem_sizeclass_newest(), 23);
	ck_assert_str_eq(gomem_sizeclass_release(gomem_sizeclass_for(99)), "go1.23");
	ck_assert_int_eq(gomem_sizeclass_minor(gomem_sizeclass_for(21)), 21);
	ck_assert_uint_eq(gomem_sizeclass_max_small(gomem_sizeclass_for(21)), 32768);
	ck_assert_uint_eq(gomem_sizeclass_max_small(gomem_sizeclass_for(22)), 32760);
}
END_TEST

/* Rows of the table at the top of runtime/sizeclasses.go. */
static const struct {
	int cls;
	uint32_t bytes, span, objects, tail;
} class_rows[] = {
	{ 1, 8, 8192, 1024, 0 },     { 3, 24, 8192, 341, 8 },    { 5, 48, 8192, 170, 32 },
	{ 26, 512, 8192, 16, 0 },    { 35, 1408, 16384, 11, 896 }, { 41, 3072, 24576, 8, 0 },
	{ 49, 6784, 40960, 6, 256 }, { 60, 18432, 73728, 4, 0 }, { 65, 27264, 81920, 3, 128 },
	{ 67, 32768, 32768, 1, 0 },
};

START_TEST(test_classes)
{
	const gomem_sizeclass_table *t = gomem_sizeclass_for(_i % 2 ? 19 : 23);
	uint32_t bytes, pages, objects;
	ck_assert_int_eq(gomem_sizeclass_count(t), 68);
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(class_rows); k++) {
		ck_assert_int_eq(gomem_sizeclass_class(t, class_rows[k].cls, &bytes, &pages, &objects), GOMEM_OK);
		ck_assert_uint_eq(bytes, class_rows[k].bytes);
		ck_assert_uint_eq(pages * GOMEM_PAGE_SIZE, class_rows[k].span);
		ck_assert_uint_eq(objects, class_rows[k].objects);
		ck_assert_uint_eq(pages * GOMEM_PAGE_SIZE - objects * bytes, class_rows[k].tail);
	}
	ck_assert_int_eq(gomem_sizeclass_class(t, 0, &bytes, &pages, &objects), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_sizeclass_class(t, 68, &bytes, &pages, &objects), GOMEM_E_INVALID);
}
END_TEST

START_TEST(test_small)
{
	gomem_alloc_cost c = cost(19, 33, false);
	ck_assert_int_eq(c.path, GOMEM_ALLOC_SMALL);
	ck_assert_int_eq(c.size_class, 5);
	ck_assert_int_eq(c.span_class, 11);
	ck_assert_uint_eq(c.rounded, 48);
	ck_assert_uint_eq(c.waste, 15);
	ck_assert_uint_eq(c.objects_per_span, 170);
	ck_assert_uint_eq(c.tail_waste, 32);
	c = cost(19, 33, true);
	ck_assert_int_eq(c.span_class, 10);
	ck_assert_uint_eq(c.rounded, 48);
	/* Exactly at a class, and one byte over. */
	ck_assert_uint_eq(cost(23, 1024, false).rounded, 1024);
	ck_assert_uint_eq(cost(23, 1025, false).rounded, 1152);
	/* scan objects under 16 B are not tiny. */
	c = cost(23, 8, true);
	ck_assert_int_eq(c.path, GOMEM_ALLOC_SMALL);
	ck_assert_uint_eq(c.rounded, 8);
}
END_TEST

/* Go 1.22 put an 8-byte type pointer in front of pointerful objects over
 * 512 bytes; 1.21 did not, and pointer-free objects never have it. */
START_TEST(test_malloc_header)
{
	ck_assert_uint_eq(cost(21, 1024, true).rounded, 1024);
	ck_assert_uint_eq(cost(21, 1024, true).header, 0);
	gomem_alloc_cost c = cost(22, 1024, true);
	ck_assert_uint_eq(c.header, 8);
	ck_assert_uint_eq(c.rounded, 1152);
	ck_assert_uint_eq(c.waste, 128);
	ck_assert_uint_eq(cost(22, 1024, false).rounded, 1024);
	/* 512 is the last size without a header (heapBitsInSpan is <=). */
	ck_assert_uint_eq(cost(23, 512, true).header, 0);
	ck_assert_uint_eq(cost(23, 512, true).rounded, 512);
	ck_assert_uint_eq(cost(23, 520, true).rounded, 576);
	ck_assert_uint_eq(cost(23, 568, true).rounded, 576);
	ck_assert_uint_eq(cost(23, 576, true).rounded, 640);
	ck_assert_uint_eq(cost(21, 576, true).rounded, 576);
	/* A header that pushes 32760 into the last class. */
	c = cost(22, 32760, true);
	ck_assert_int_eq(c.path, GOMEM_ALLOC_SMALL);
	ck_assert_int_eq(c.size_class, 67);
	ck_assert_uint_eq(c.rounded, 32768);
}
END_TEST

/* The border: 1.21 serves 32768 from class 67; 1.22 sends everything over
 * 32760 to a large span, pointerful or not, and large objects carry no header. */
START_TEST(test_large)
{
	gomem_alloc_cost c = cost(21, 32768, false);
	ck_assert_int_eq(c.path, GOMEM_ALLOC_SMALL);
	ck_assert_int_eq(c.size_class, 67);
	c = cost(22, 32761, false);
	ck_assert_int_eq(c.path, GOMEM_ALLOC_LARGE);
	ck_assert_uint_eq(c.rounded, 32768);
	ck_assert_int_eq(c.size_class, 0);
	ck_assert_int_eq(c.span_class, 1);
	c = cost(22, 32768, true);
	ck_assert_int_eq(c.path, GOMEM_ALLOC_LARGE);
	ck_assert_uint_eq(c.header, 0);
	ck_assert_int_eq(c.span_class, 0);
	c = cost(19, 32769, true);
	ck_assert_int_eq(c.path, GOMEM_ALLOC_LARGE);
	ck_assert_uint_eq(c.rounded, 40960);
	ck_assert_uint_eq(c.waste, 40960 - 32769);
	ck_assert_uint_eq(c.span_bytes, 40960);
	ck_assert_uint_eq(c.objects_per_span, 1);
	ck_assert_uint_eq(c.tail_waste, 0);
	ck_assert_uint_eq(cost(23, (uint64_t)1 << 30, false).rounded, (uint64_t)1 << 30);
	gomem_alloc_cost big;
	ck_assert_int_eq(gomem_sizeclass_cost(gomem_sizeclass_for(23), UINT64_MAX, false, &big),
			 GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_sizeclass_cost(gomem_sizeclass_for(23), UINT64_MAX - 100, true, &big),
			 GOMEM_E_INVALID);
}
END_TEST

START_TEST(test_tiny_and_zero)
{
	static const uint32_t per_block[16] = { 0, 16, 8, 5, 4, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1 };
	for (uint64_t size = 1; size < 16; size++) {
		gomem_alloc_cost c = cost(19 + (int)size % 5, size, false);
		ck_assert_int_eq(c.path, GOMEM_ALLOC_TINY);
		ck_assert_int_eq(c.size_class, 2);
		ck_assert_int_eq(c.span_class, 5);
		ck_assert_uint_eq(c.rounded, size);
		ck_assert_uint_eq(c.waste, 0);
		ck_assert_uint_eq(c.span_bytes, 8192);
		ck_assert_uint_eq(c.tiny_per_block, per_block[size]);
	}
	ck_assert_int_eq(cost(23, 16, false).path, GOMEM_ALLOC_SMALL);
	ck_assert_uint_eq(cost(23, 16, false).tiny_per_block, 0);
	gomem_alloc_cost z = cost(23, 0, true);
	ck_assert_int_eq(z.path, GOMEM_ALLOC_ZERO);
	ck_assert_uint_eq(z.rounded, 0);
	ck_assert_uint_eq(z.span_bytes, 0);
}
END_TEST

START_TEST(test_version)
{
	static const struct {
		const char *s;
		int rc, minor;
	} cases[] = {
		{ "1.22", GOMEM_OK, 22 },        { "go1.22.3", GOMEM_OK, 22 },
		{ "go1.23rc1", GOMEM_OK, 23 },   { "devel go1.24-abc", GOMEM_OK, 24 },
		{ "go1.19beta1", GOMEM_OK, 19 }, { "go version go1.21.9 linux/amd64", GOMEM_OK, 21 },
		{ "1.", GOMEM_E_INVALID, 0 },    { "2.1", GOMEM_E_INVALID, 0 },
		{ "go1.x", GOMEM_E_INVALID, 0 }, { "1.22x", GOMEM_E_INVALID, 0 },
		{ "", GOMEM_E_INVALID, 0 },      { "go1.99999999999", GOMEM_E_INVALID, 0 },
	};
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(cases); k++) {
		int minor = -1;
		ck_assert_msg(gomem_go_version_minor(cases[k].s, &minor) == cases[k].rc, "%s", cases[k].s);
		if (cases[k].rc == GOMEM_OK)
			ck_assert_int_eq(minor, cases[k].minor);
	}
}
END_TEST

/* Every row of tests/data/sizeclass/go1.XX.csv.gz: the HeapAlloc growth the
 * runtime measured for OBJECTS objects of SIZE must be OBJECTS * rounded,
 * or for tiny sizes one 16-byte block per tiny_per_block objects. */
static const int measured_minors[] = { 19, 21, 22, 23 };

static void check_measured_row(const gomem_sizeclass_table *t, const char *line, size_t len,
			       uint64_t lineno, size_t *rows)
{
	char buf[128], kind[16];
	unsigned long long size, objects, bytes;
	gomem_alloc_cost c;

	if (len == 0 || line[0] == '#' || line[0] == 's' || len >= sizeof(buf))
		return;
	memcpy(buf, line, len);
	buf[len] = '\0';
	ck_assert_msg(sscanf(buf, "%llu,%15[a-z],%llu,%llu", &size, kind, &objects, &bytes) == 4,
		      "line %llu: %s", (unsigned long long)lineno, buf);
	ck_assert_int_eq(gomem_sizeclass_cost(t, size, strcmp(kind, "scan") == 0, &c), GOMEM_OK);
	uint64_t want = c.path == GOMEM_ALLOC_TINY ? objects / c.tiny_per_block * GOMEM_TINY_SIZE
						   : objects * c.rounded;
	ck_assert_msg(objects % (c.tiny_per_block ? c.tiny_per_block : 1) == 0, "line %llu",
		      (unsigned long long)lineno);
	ck_assert_msg(want == bytes, "%s size %llu %s: runtime charged %llu for %llu objects, we say %llu",
		      gomem_sizeclass_release(t), size, kind, bytes, objects, (unsigned long long)want);
	(*rows)++;
}

START_TEST(test_measured)
{
	char rel[64];
	int minor = measured_minors[_i];
	const gomem_sizeclass_table *t = gomem_sizeclass_for(minor);
	gomem_source *src;
	gomem_error err = { 0 };
	gomem_linebuf lb;
	size_t rows = 0;

	snprintf(rel, sizeof(rel), "tests/data/sizeclass/go1.%d.csv.gz", minor);
	ck_assert_int_eq(gomem_source_open_path(&src, test_path(rel), NULL, &err), GOMEM_OK);
	gomem_linebuf_init(&lb, 4096);
	for (;;) {
		const uint8_t *chunk;
		size_t n;
		const char *line;
		size_t len;
		ck_assert_int_eq(gomem_source_read(src, &chunk, &n), GOMEM_OK);
		if (n == 0)
			gomem_linebuf_finish(&lb);
		else
			gomem_linebuf_feed(&lb, (const char *)chunk, n);
		while (gomem_linebuf_next(&lb, &line, &len) == 1)
			check_measured_row(t, line, len, lb.lineno, &rows);
		if (n == 0)
			break;
	}
	gomem_linebuf_free(&lb);
	gomem_source_free(src);
	/* 34000 pointer-free sizes and 4250 pointerful ones. */
	ck_assert_uint_eq(rows, 34000 + 4250);
}
END_TEST

Suite *suite_sizeclass(void)
{
	Suite *s = suite_create("sizeclass");
	TCase *tc = tcase_create("tables");
	tcase_add_test(tc, test_releases);
	tcase_add_loop_test(tc, test_classes, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("cost");
	tcase_add_test(tc, test_small);
	tcase_add_test(tc, test_malloc_header);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_tiny_and_zero);
	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	tc = tcase_create("measured");
	tcase_add_loop_test(tc, test_measured, 0, (int)GOMEM_ARRAY_SIZE(measured_minors));
	suite_add_tcase(s, tc);
	return s;
}
