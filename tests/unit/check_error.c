/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

START_TEST(first_error_wins)
{
	gomem_error err = {0};

	ck_assert_int_eq(gomem_error_set(&err, GOMEM_E_FORMAT, "first %d", 1), GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_error_set(&err, GOMEM_E_IO, "second"), GOMEM_E_IO);
	ck_assert_int_eq(err.code, GOMEM_E_FORMAT);
	ck_assert_str_eq(err.message, "first 1");
}
END_TEST

START_TEST(format_positions)
{
	gomem_error err = {0};
	char buf[256];

	gomem_error_set_source(&err, "a.txt");
	gomem_error_at_line(&err, GOMEM_E_FORMAT, 12, 7, "expected ':'");
	gomem_error_format(buf, sizeof(buf), &err);
	ck_assert_str_eq(buf, "a.txt:12:7: expected ':'");

	gomem_error_clear(&err);
	gomem_error_set_source(&err, "b.pb");
	gomem_error_at_byte(&err, GOMEM_E_TRUNCATED, 0, "cut short");
	gomem_error_format(buf, sizeof(buf), &err);
	ck_assert_str_eq(buf, "b.pb: byte 0: cut short");

	gomem_error_clear(&err);
	gomem_error_set(&err, GOMEM_E_NOMEM, "%s", "");
	gomem_error_format(buf, sizeof(buf), &err);
	ck_assert_str_eq(buf, "out of memory");
}
END_TEST

START_TEST(strerror_known_and_unknown)
{
	ck_assert_str_eq(gomem_strerror(GOMEM_OK), "success");
	ck_assert_str_eq(gomem_strerror(GOMEM_E_LIMIT), "size limit exceeded");
	ck_assert_str_eq(gomem_strerror(-999), "unknown error");
	/* Codes are an ABI: they must never be renumbered. */
	ck_assert_int_eq(GOMEM_E_FORMAT, -3);
	ck_assert_int_eq(GOMEM_E_UNSUPPORTED, -9);
}
END_TEST

START_TEST(copy_keeps_first)
{
	gomem_error a = {0}, b = {0};

	gomem_error_set(&b, GOMEM_E_IO, "disk");
	gomem_error_copy(&a, &b);
	ck_assert_int_eq(a.code, GOMEM_E_IO);
	gomem_error_clear(&b);
	gomem_error_set(&b, GOMEM_E_FORMAT, "later");
	gomem_error_copy(&a, &b);
	ck_assert_str_eq(a.message, "disk");
}
END_TEST

Suite *suite_error(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, first_error_wins);
	tcase_add_test(tc, format_positions);
	tcase_add_test(tc, strerror_known_and_unknown);
	tcase_add_test(tc, copy_keeps_first);
	suite_add_tcase(s, tc);
	return s;
}
