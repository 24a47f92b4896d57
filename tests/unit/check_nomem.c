/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation failure injection (jq's inject_errors, curl's per-test memory
 * limits): the runner is linked with --wrap=malloc/calloc/realloc, and each
 * scenario is run again and again with its Nth allocation failing, N = 1, 2,
 * ... until it runs through. Every failure must come back as an error code:
 * no crash, no half-built result (and no leak, which the sanitizer build
 * checks). */
#include <malloc.h> /* malloc_usable_size: glibc, and the sanitizers */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gomem-internal.h"
#include "suites.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

static long countdown; /* 0: off; else the allocation that fails */
static int injected;

static int fail_now(void)
{
	if (countdown == 0 || --countdown > 0)
		return 0;
	injected = 1;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

/* A shrinking realloc is left alone: its failure is harmless by design
 * (the caller keeps the larger block), so it is no failure to test. */
void *__wrap_realloc(void *p, size_t n)
{
	if (p != NULL && n <= malloc_usable_size(p))
		return __real_realloc(p, n);
	return fail_now() ? NULL : __real_realloc(p, n);
}

static const char base_txt[] =
	"heap profile: 3: 300 [3: 300] @ heap/1048576\n"
	"2: 200 [2: 200] @ 0x1001 0x2001\n"
	"#\t0x1000\tmain.a+0x10\t\t/src/a.go:10\n"
	"#\t0x2000\tmain.main+0x20\t/src/main.go:5\n"
	"\n"
	"1: 100 [1: 100] @ 0x3001 0x2001\n"
	"#\t0x3000\tnet/http.(*conn).serve+0x30\t/go/net/http/server.go:99\n"
	"#\t0x2000\tmain.main+0x20\t\t\t/src/main.go:5\n"
	"\n# runtime.MemStats\n# Alloc = 1\n";

static const char new_txt[] =
	"heap profile: 10: 1000 [12: 1200] @ heap/1048576\n"
	"5: 500 [5: 500] @ 0x1001 0x2001\n"
	"#\t0x1000\tmain.a+0x10\t\t/src/a.go:10\n"
	"#\t0x2000\tmain.main+0x20\t/src/main.go:5\n"
	"\n"
	"5: 500 [7: 700] @ 0x4001 0x2001\n"
	"#\t0x4000\tmain.b+0x10\t\t/src/b.go:7\n"
	"#\t0x2000\tmain.main+0x20\t/src/main.go:5\n";

/* Reads both, diffs them every way, writes every output; returns the first
 * error. Everything it made is freed whatever happened. */
static int scenario(void)
{
	gomem_profile *a = NULL, *b = NULL, *c = NULL;
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d = NULL;
	gomem_error err = {0};
	char buf[1 << 16];
	FILE *fp = fmemopen(buf, sizeof(buf), "w");
	int rc;

	if (fp == NULL)
		return GOMEM_E_NOMEM;
	o.cum = 1;
	o.focus = "main";
	rc = gomem_heapprof_from_buffer(&a, base_txt, strlen(base_txt), "a", &err);
	if (rc == GOMEM_OK)
		rc = gomem_heapprof_from_buffer(&b, new_txt, strlen(new_txt), "b", &err);
	if (rc == GOMEM_OK)
		rc = gomem_heapdiff_compute(&d, a, b, &o, &err);
	if (rc == GOMEM_OK)
		rc = gomem_heapdiff_write_folded(d, fp, 1, &err);
	if (rc == GOMEM_OK) {
		/* the pprof export, read back through the gzip source */
		char *pb = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&pb, &len);

		rc = mem ? gomem_heapdiff_write_pprof(d, mem, &err) : GOMEM_E_NOMEM;
		if (mem)
			fclose(mem);
		if (rc == GOMEM_OK)
			rc = gomem_profile_from_buffer(&c, pb, len, "c", &err);
		free(pb);
	}
	if (rc == GOMEM_OK) {
		static const gomem_column cols[] = {{"name", NULL, GOMEM_COL_TEXT, 0},
						    {"delta", NULL, GOMEM_COL_BYTES, GOMEM_COL_SIGNED}};
		gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
		gomem_table *t = NULL;
		gomem_cell cells[2] = {{0, 0, 0, "x"}, {0, 5, 0, NULL}};

		rc = gomem_table_new(&t, cols, 2, fp, &to);
		if (rc == GOMEM_OK)
			rc = gomem_table_row(t, cells);
		if (rc == GOMEM_OK)
			rc = gomem_table_end(t);
		gomem_table_free(t);
	}
	fclose(fp);
	gomem_heapdiff_free(d);
	gomem_profile_free(a);
	gomem_profile_free(b);
	gomem_profile_free(c);
	return rc;
}

START_TEST(every_allocation_can_fail)
{
	long n;
	int rc;

	for (n = 1; n < 100000; n++) {
		injected = 0;
		countdown = n;
		rc = scenario();
		countdown = 0;
		if (!injected)
			break;
		ck_assert_msg(rc != GOMEM_OK, "allocation %ld failed, yet the scenario succeeded", n);
	}
	ck_assert_int_eq(rc, GOMEM_OK);
	ck_assert_int_gt(n, 20); /* the wrapping works: there were allocations to fail */
}
END_TEST

/* The source layer: a gzip stream read with its Nth allocation failing. */
START_TEST(source_allocations_can_fail)
{
	static const char text[] = "heap profile: 0: 0 [0: 0] @ heap/2\n";
	uint8_t gz[256];
	z_stream z;
	long n;
	int rc = GOMEM_OK;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = sizeof(text) - 1;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	for (n = 1; n < 1000; n++) {
		gomem_source *src = NULL;
		gomem_profile *p = NULL;
		gomem_error err = {0};

		injected = 0;
		countdown = n;
		rc = gomem_source_open_memory(&src, gz, z.total_out, "gz", NULL, &err);
		if (rc == GOMEM_OK)
			rc = gomem_profile_read(&p, src, &err);
		countdown = 0;
		gomem_source_free(src);
		gomem_profile_free(p);
		if (!injected)
			break;
		ck_assert_msg(rc != GOMEM_OK, "allocation %ld failed, yet reading succeeded", n);
	}
	ck_assert_int_eq(rc, GOMEM_OK);
}
END_TEST

Suite *suite_nomem(void)
{
	Suite *s = suite_create("nomem");
	TCase *tc = tcase_create("failures");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_allocation_can_fail);
	tcase_add_test(tc, source_allocations_can_fail);
	suite_add_tcase(s, tc);
	return s;
}
