/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

START_TEST(grow_respects_ceiling)
{
	int *a = NULL;
	size_t cap = 0;

	ck_assert_int_eq(GOMEM_GROW(a, cap, 10, 100), GOMEM_OK);
	ck_assert_uint_ge(cap, 10);
	ck_assert_int_eq(GOMEM_GROW(a, cap, 101, 100), GOMEM_E_LIMIT);
	ck_assert_int_eq(GOMEM_GROW(a, cap, SIZE_MAX / 2, SIZE_MAX), GOMEM_E_LIMIT);
	free(a);
}
END_TEST

START_TEST(buf_ceiling_and_printf)
{
	gomem_buf b;

	gomem_buf_init(&b, 8);
	ck_assert_int_eq(gomem_buf_append(&b, "abcd", 4), GOMEM_OK);
	ck_assert_int_eq(gomem_buf_printf(&b, "%d", 1234), GOMEM_OK);
	ck_assert_str_eq(b.data, "abcd1234");
	ck_assert_int_eq(gomem_buf_append(&b, "x", 1), GOMEM_E_LIMIT);
	gomem_buf_free(&b);
}
END_TEST

START_TEST(strpool_interns)
{
	gomem_strpool sp;
	uint32_t a, b, c, d;
	char name[32];

	gomem_strpool_init(&sp);
	ck_assert_int_eq(gomem_strpool_add(&sp, "", 0, &a), GOMEM_OK);
	ck_assert_int_eq(gomem_strpool_intern(&sp, "main.leak", 9, &b), GOMEM_OK);
	ck_assert_int_eq(gomem_strpool_intern(&sp, "main.leakX", 9, &c), GOMEM_OK);
	ck_assert_uint_eq(b, c);
	ck_assert_int_eq(gomem_strpool_add(&sp, "dup", 3, &c), GOMEM_OK);
	ck_assert_int_eq(gomem_strpool_intern(&sp, "dup", 3, &d), GOMEM_OK);
	ck_assert_uint_eq(c, d); /* added strings are found by intern */
	ck_assert_uint_eq(a, 0);
	ck_assert_str_eq(gomem_strpool_get(&sp, b), "main.leak");
	for (int i = 0; i < 100000; i++) { /* many blocks, many rehashes */
		snprintf(name, sizeof(name), "f%d", i);
		ck_assert_int_eq(gomem_strpool_intern(&sp, name, strlen(name), &d), GOMEM_OK);
	}
	ck_assert_int_eq(gomem_strpool_intern(&sp, "f777", 4, &d), GOMEM_OK);
	ck_assert_str_eq(gomem_strpool_get(&sp, d), "f777");
	ck_assert_uint_eq(sp.count, 100003);
	ck_assert_str_eq(gomem_strpool_get(&sp, 999999999), "");
	gomem_strpool_free(&sp);
}
END_TEST

/* Feeding in chunks of every size gives the same lines and line numbers. */
START_TEST(linebuf_chunks)
{
	const char *text = "one\r\ntwo\n\nfour without newline";
	const char *want[] = {"one", "two", "", "four without newline"};
	size_t chunk = (size_t)_i + 1, total = strlen(text);
	gomem_linebuf lb;
	const char *line;
	size_t len, n = 0;
	int rc;

	gomem_linebuf_init(&lb, 1024);
	for (size_t off = 0; off < total; off += chunk) {
		gomem_linebuf_feed(&lb, text + off, off + chunk > total ? total - off : chunk);
		while ((rc = gomem_linebuf_next(&lb, &line, &len)) == 1) {
			ck_assert_uint_lt(n, 4);
			ck_assert_uint_eq(len, strlen(want[n]));
			ck_assert(memcmp(line, want[n], len) == 0);
			n++;
			ck_assert_uint_eq(lb.lineno, n);
		}
		ck_assert_int_eq(rc, 0);
	}
	gomem_linebuf_finish(&lb);
	while (gomem_linebuf_next(&lb, &line, &len) == 1) {
		ck_assert_uint_eq(len, strlen(want[n]));
		ck_assert(memcmp(line, want[n], len) == 0);
		ck_assert_uint_eq(lb.line_offset, 10);
		n++;
	}
	ck_assert_uint_eq(n, 4);
	gomem_linebuf_free(&lb);
}
END_TEST

START_TEST(linebuf_long_line_capped)
{
	gomem_linebuf lb;
	const char *line;
	size_t len;
	char big[100];

	memset(big, 'x', sizeof(big));
	gomem_linebuf_init(&lb, 50);
	gomem_linebuf_feed(&lb, big, sizeof(big));
	ck_assert_int_eq(gomem_linebuf_next(&lb, &line, &len), GOMEM_E_LIMIT);
	gomem_linebuf_free(&lb);
}
END_TEST

Suite *suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, grow_respects_ceiling);
	tcase_add_test(tc, buf_ceiling_and_printf);
	tcase_add_test(tc, strpool_interns);
	tcase_add_loop_test(tc, linebuf_chunks, 0, 33);
	tcase_add_test(tc, linebuf_long_line_capped);
	suite_add_tcase(s, tc);
	return s;
}
