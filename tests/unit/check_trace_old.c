/* SPDX-License-Identifier: Apache-2.0 */
/* check_trace_old.c — traces of every format gomem reads, from the Go
 * runtimes themselves (tests/data/trace): each read with the event counts
 * go tool trace -d=1 of Go 1.23 gives (README.md there), in any chunking;
 * the Go 1.11-1.21 format cut anywhere or malformed is refused at a byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"
#include "trace_text.h"

static uint8_t *slurp(const char *rel, size_t *len)
{
	FILE *fp = fopen(test_path(rel), "rb");
	uint8_t *d;
	long n;

	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	d = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(d, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return d;
}

/* "Kind count ..." of a -d=1 dump, sorted by kind. */
static void kinds(const char *dump, char *out, size_t size)
{
	static const char *const names[] = {"Label", "Log", "Metric", "RangeBegin", "RangeEnd", "RegionBegin",
					    "RegionEnd", "StateTransition", "Sync", "TaskBegin", "TaskEnd"};
	size_t used = 0;

	out[0] = '\0';
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(names); k++) {
		char pat[64];
		int n = 0;

		snprintf(pat, sizeof(pat), " %s Time=", names[k]);
		for (const char *p = dump; (p = strstr(p, pat)) != NULL; p++)
			n++;
		if (n)
			used += (size_t)snprintf(out + used, size - used, "%s%d %s", used ? ", " : "", n, names[k]);
	}
}

static const struct { const char *file, *kinds; } fixtures[] = {
	{"tests/data/trace/go1.19-tasks.trace",
	 "9 Log, 19 Metric, 16 RegionBegin, 16 RegionEnd, 71 StateTransition, 9 TaskBegin, 9 TaskEnd"},
	{"tests/data/trace/go1.21-tasks.trace",
	 "9 Log, 20 Metric, 16 RegionBegin, 16 RegionEnd, 73 StateTransition, 9 TaskBegin, 9 TaskEnd"},
	{"tests/data/trace/go1.22-tasks.trace", "9 Log, 28 Metric, 1 RangeBegin, 1 RangeEnd, 16 RegionBegin, "
	 "16 RegionEnd, 73 StateTransition, 1 Sync, 9 TaskBegin, 9 TaskEnd"},
	{"tests/data/trace/go1.23-tasks.trace", "9 Log, 36 Metric, 1 RangeBegin, 1 RangeEnd, 16 RegionBegin, "
	 "16 RegionEnd, 79 StateTransition, 1 Sync, 9 TaskBegin, 9 TaskEnd"},
	{"tests/data/trace/go1.22-alloc.trace", "3 Label, 1636 Metric, 509 RangeBegin, 509 RangeEnd, "
	 "181 StateTransition, 1 Sync"},
	{"tests/data/trace/go1.21-alloc.trace", "5 Label, 4425 Metric, 1955 RangeBegin, 1955 RangeEnd, "
	 "515 StateTransition"},
	{"tests/data/trace/go1.23-loop.trace", "28 Metric, 4 RangeBegin, 4 RangeEnd, 84 StateTransition, 1 Sync"},
};

START_TEST(test_fixture_counts)
{
	size_t len;
	uint8_t *d = slurp(fixtures[_i].file, &len);
	char *dump, *again, err[512], got[512];

	ck_assert_int_eq(trace_read_all(d, len, 4096, &dump, err, sizeof(err)), GOMEM_OK);
	kinds(dump, got, sizeof(got));
	ck_assert_str_eq(got, fixtures[_i].kinds);
	/* chunking changes nothing */
	ck_assert_int_eq(trace_read_all(d, len, 1, &again, err, sizeof(err)), GOMEM_OK);
	ck_assert_str_eq(again, dump);
	free(again);
	free(dump);
	free(d);
}
END_TEST

/* The old format cut anywhere: a byte offset, never a crash; a cut between
 * two batches may still be a whole trace (Go reads it too), never one
 * with more events. */
START_TEST(test_old_truncated)
{
	size_t len;
	uint8_t *d = slurp("tests/data/trace/go1.19-tasks.trace", &len);
	char *full, err[512];

	ck_assert_int_eq(trace_read_all(d, len, len, &full, err, sizeof(err)), GOMEM_OK);
	for (size_t cut = 0; cut < len; cut++) {
		char *dump = NULL;
		int rc = trace_read_all(d, cut, 1000, &dump, err, sizeof(err));

		if (rc == GOMEM_OK) {
			ck_assert_msg(strlen(dump) < strlen(full), "cut %zu: more events than the whole trace", cut);
		} else {
			ck_assert_msg(strncmp(err, "t: byte ", 8) == 0, "cut %zu: %s", cut, err);
			ck_assert_msg(strtoull(err + 8, NULL, 10) <= cut, "cut %zu: %s", cut, err);
		}
		free(dump);
	}
	free(full);
	free(d);
}
END_TEST

START_TEST(test_old_malformed)
{
	static const struct { const char *bytes; size_t len; const char *message; } cases[] = {
		/* a batch header with one argument */
		{"go 1.19 trace\0\0\0\x01\x00", 18, "byte 16: EvBatch has wrong number of arguments: got 1, want 2"},
		/* an event before any batch */
		{"go 1.19 trace\0\0\0\x05\x00\x00", 19, "read event 5 before any batch"},
		/* type 63 is none of the events */
		{"go 1.21 trace\0\0\0\x3f", 17, "byte 16: unknown event type 63"},
		/* a batch, then no frequency */
		{"go 1.21 trace\0\0\0\x41\x00\x00", 19, "no EvFrequency event"},
		/* a string of length 0 */
		{"go 1.11 trace\0\0\0\x41\x00\x00\x25\x01\x00", 22, "string has invalid length 0"},
		{"go 1.20 trace\0\0\0", 16, "unknown or unsupported trace version go 1.20"},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++) {
		char err[512];
		int rc = trace_read_all((const uint8_t *)cases[i].bytes, cases[i].len, 5, NULL, err, sizeof(err));

		ck_assert_int_lt(rc, 0);
		ck_assert_msg(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
	}
}
END_TEST

Suite *suite_trace_old(void)
{
	Suite *s = suite_create("trace_old");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_fixture_counts, 0, (int)GOMEM_ARRAY_SIZE(fixtures));
	tcase_add_test(tc, test_old_truncated);
	tcase_add_test(tc, test_old_malformed);
	suite_add_tcase(s, tc);
	return s;
}
