/* SPDX-License-Identifier: Apache-2.0 */
/* check_snapshot.c — the snapshot page from profiles and dumps already
 * read (the examples): every section, its numbers as the analyses give
 * them, the pictures inline, nothing loaded from outside; and what a
 * snapshot refuses. Taking one from a live service: tests/snapshot-check.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

static gomem_profile *profile(const char *rel)
{
	gomem_source *src;
	gomem_profile *p;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open(&src, test_path(rel), NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_read(&p, src, &err), GOMEM_OK);
	gomem_source_free(src);
	return p;
}

static gomem_dump *dump(const char *rel)
{
	gomem_source *src;
	gomem_dump *d;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open(&src, test_path(rel), NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_dump_read(&d, src, &err), GOMEM_OK);
	gomem_source_free(src);
	return d;
}

static gomem_snapshot *example(const gomem_snapshot_options *o)
{
	gomem_snapshot *s;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_snapshot_from(&s, "svc:6060", profile("contrib/examples/before.txt"),
					     profile("contrib/examples/after.txt"),
					     dump("contrib/examples/goroutines.before.txt"),
					     dump("contrib/examples/goroutines.after.txt"),
					     profile("contrib/examples/after.pb.gz"), 1.8e9, 30, o, &err),
			 GOMEM_OK);
	return s;
}

static char *page(gomem_snapshot *s)
{
	gomem_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_int_eq(gomem_snapshot_write_html(s, fp, &err), GOMEM_OK);
	fclose(fp);
	return buf;
}

START_TEST(test_page)
{
	gomem_snapshot *s = example(NULL);
	char *p = page(s);
	static const char *const ids[] = {"summary", "heap-explain", "heap-diff", "allocs", "goroutines",
					  "leak-suspects", "memstats"};
	char want[128];

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(want, sizeof(want), "<section id=\"%s\">", ids[i]);
		ck_assert_msg(strstr(p, want) != NULL, "no %s", want);
	}
	ck_assert_ptr_null(strstr(p, "id=\"gc-timeline\""));
	ck_assert_ptr_nonnull(strstr(p, "<title>Memory snapshot: svc:6060</title>"));
	ck_assert_ptr_nonnull(strstr(p, "Taken 2027-01-15 08:00:00 UTC; the heap profiles and goroutine dumps 30.0s apart."));
	/* the heap diff's first row and flame graph */
	ck_assert_ptr_nonnull(strstr(p, "<td class=\"name\">main.(*responseCache).store</td>"));
	ck_assert_ptr_nonnull(strstr(p, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"1200\""));
	ck_assert_ptr_nonnull(strstr(p, " id=\"heap-diff-flame\" class=\"gomem-flame\""));
	ck_assert_ptr_nonnull(strstr(p, " id=\"goroutines-flame\" class=\"gomem-flame\""));
	ck_assert_ptr_nonnull(strstr(p, " id=\"goroutine-growth-flame\" class=\"gomem-flame\""));
	/* a leak suspect of the example: main.leakyFetch, 1 -> 26 */
	ck_assert_ptr_nonnull(strstr(p, "<td class=\"n d\" data-v=\"25\">+25</td><td>chan send</td>"
					"<td class=\"name\">main.leakyFetch</td>"));
	/* MemStats of the second profile, exact in data-v */
	ck_assert_ptr_nonnull(strstr(p, "<tr><td>HeapSys</td><td class=\"n\" data-v=\""));
	ck_assert_ptr_null(strstr(p, "<?xml"));
	ck_assert_ptr_null(strstr(p, " src="));
	ck_assert_ptr_null(strstr(p, "href=\"http"));
	free(p);
	gomem_snapshot_free(s);
}
END_TEST

START_TEST(test_gctrace)
{
	gomem_snapshot_options o = GOMEM_SNAPSHOT_OPTIONS_INIT;
	gomem_snapshot *s;
	gomem_error err = {0};
	char *p, *log = strdup(test_path("contrib/examples/gctrace.log")); /* test_path's buffer is reused */

	o.gctrace = log;
	s = example(&o);
	p = page(s);
	ck_assert_ptr_nonnull(strstr(p, "<section id=\"gc-timeline\">"));
	ck_assert_ptr_nonnull(strstr(p, " id=\"gc-timeline-chart\" class=\"gomem-chart\""));
	ck_assert_ptr_nonnull(strstr(p, "<a href=\"#gc-timeline\">"));
	free(p);
	gomem_snapshot_free(s);
	/* a log that cannot be read stops the snapshot before anything is taken */
	o.gctrace = "/nonexistent/gctrace.log";
	ck_assert_int_ne(gomem_snapshot_from(&s, "x", profile("contrib/examples/before.txt"),
					     profile("contrib/examples/after.txt"),
					     dump("contrib/examples/goroutines.before.txt"),
					     dump("contrib/examples/goroutines.after.txt"), NULL, 0, 1, &o, &err),
			 GOMEM_OK);
	ck_assert_ptr_nonnull(strstr(err.message, "No such file"));
	free(log);
}
END_TEST

START_TEST(test_refused)
{
	gomem_snapshot *s;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_snapshot_take(&s, "contrib/examples/after.txt", NULL, &err), GOMEM_E_INVALID);
	ck_assert_ptr_null(s);
	gomem_error_clear(&err);
	ck_assert_int_eq(gomem_snapshot_from(&s, "x", profile("contrib/examples/before.txt"), NULL, NULL, NULL,
					     NULL, 0, 1, NULL, &err),
			 GOMEM_E_INVALID);
}
END_TEST

Suite *suite_snapshot(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("page");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_page);
	tcase_add_test(tc, test_gctrace);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}
