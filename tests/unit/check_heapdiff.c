/* SPDX-License-Identifier: Apache-2.0 */
/* Diff semantics on small legacy profiles at MemProfileRate=1 (heap/2), where
 * every number is exact and can be worked out by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "pprof/heapdiff-internal.h"
#include "suites.h"

static const char base_txt[] =
	"heap profile: 3: 300 [3: 300] @ heap/2\n"
	"2: 200 [2: 200] @ 0x1001 0x2001\n"
	"#\t0x1000\tmain.a+0x10\t\t/src/a.go:10\n"
	"#\t0x2000\tmain.main+0x20\t/src/main.go:5\n"
	"\n"
	"1: 100 [1: 100] @ 0x3001 0x2001\n"
	"#\t0x3000\tnet/http.(*conn).serve+0x30\t/go/net/http/server.go:99\n"
	"#\t0x2000\tmain.main+0x20\t\t\t/src/main.go:5\n";

static const char new_txt[] =
	"heap profile: 10: 1000 [10: 1000] @ heap/2\n"
	"5: 500 [5: 500] @ 0x1001 0x2001\n"
	"#\t0x1000\tmain.a+0x10\t\t/src/a.go:10\n"
	"#\t0x2000\tmain.main+0x20\t/src/main.go:5\n"
	"\n"
	"5: 500 [5: 500] @ 0x4001 0x2001\n"
	"#\t0x4000\tmain.b+0x10\t\t/src/b.go:7\n"
	"#\t0x2000\tmain.main+0x20\t/src/main.go:5\n";

static gomem_profile *base, *newp;

static void load(void)
{
	gomem_error err = {0};

	ck_assert_int_eq(gomem_heapprof_from_buffer(&base, base_txt, strlen(base_txt), "base", &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_heapprof_from_buffer(&newp, new_txt, strlen(new_txt), "new", &err),
			 GOMEM_OK);
}

static void unload(void)
{
	gomem_profile_free(base);
	gomem_profile_free(newp);
}

static gomem_heapdiff *diff(const gomem_heapdiff_options *o)
{
	gomem_heapdiff *d;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_heapdiff_compute(&d, base, newp, o, &err), GOMEM_OK);
	return d;
}

static const gomem_heapdiff_row *find(const gomem_heapdiff *d, const char *name)
{
	for (size_t i = 0; i < gomem_heapdiff_row_count(d); i++)
		if (strcmp(gomem_heapdiff_row_at(d, i)->name, name) == 0)
			return gomem_heapdiff_row_at(d, i);
	return NULL;
}

static void expect(const gomem_heapdiff *d, const char *name, int64_t b, int64_t n)
{
	const gomem_heapdiff_row *r = find(d, name);

	ck_assert_msg(r != NULL, "no row %s", name);
	ck_assert_int_eq(r->base, b);
	ck_assert_int_eq(r->new_, n);
	ck_assert_int_eq(r->delta, n - b);
}

START_TEST(flat_by_function)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d = diff(&o);
	const gomem_heapdiff_row *t = gomem_heapdiff_totals(d);

	ck_assert_uint_eq(gomem_heapdiff_row_count(d), 3);
	ck_assert_str_eq(gomem_heapdiff_row_at(d, 0)->name, "main.b"); /* largest growth first */
	expect(d, "main.b", 0, 500);
	expect(d, "main.a", 200, 500);
	expect(d, "net/http.(*conn).serve", 100, 0);
	ck_assert(isnan(find(d, "main.b")->delta_pct));
	ck_assert_double_eq_tol(find(d, "main.a")->delta_pct, 150.0, 1e-9);
	ck_assert_ptr_null(find(d, "main.main")); /* flat: main.main allocated nothing itself */
	ck_assert_int_eq(t->base, 300);
	ck_assert_int_eq(t->new_, 1000);
	ck_assert_double_eq(t->uncertainty, 0); /* rate 1: exact */
	gomem_heapdiff_free(d);
}
END_TEST

START_TEST(cumulative_and_granularity)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d;

	o.cum = 1;
	d = diff(&o);
	expect(d, "main.main", 300, 1000);
	expect(d, "main.a", 200, 500);
	gomem_heapdiff_free(d);

	o.cum = 0;
	o.by = GOMEM_BY_PACKAGE;
	d = diff(&o);
	expect(d, "main", 200, 1000);
	expect(d, "net/http", 100, 0);
	gomem_heapdiff_free(d);

	o.by = GOMEM_BY_LINE;
	d = diff(&o);
	expect(d, "main.a /src/a.go:10", 200, 500);
	gomem_heapdiff_free(d);

	o.by = GOMEM_BY_FILE;
	d = diff(&o);
	expect(d, "/go/net/http/server.go", 100, 0);
	gomem_heapdiff_free(d);

	o.by = GOMEM_BY_STACK;
	d = diff(&o);
	expect(d, "main.main;main.b", 0, 500);
	expect(d, "main.main;net/http.(*conn).serve", 100, 0);
	gomem_heapdiff_free(d);
}
END_TEST

START_TEST(filters_sort_trim)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d;

	o.focus = "main\\.b";
	d = diff(&o);
	ck_assert_uint_eq(gomem_heapdiff_row_count(d), 1);
	ck_assert_int_eq(gomem_heapdiff_totals(d)->base, 0);
	ck_assert_int_eq(gomem_heapdiff_totals(d)->new_, 500);
	gomem_heapdiff_free(d);

	o.focus = NULL;
	o.ignore = "net/http"; /* matches the file too */
	d = diff(&o);
	ck_assert_int_eq(gomem_heapdiff_totals(d)->base, 200);
	ck_assert_ptr_null(find(d, "net/http.(*conn).serve"));
	gomem_heapdiff_free(d);

	o.ignore = NULL;
	o.sort = GOMEM_SORT_ABS_DELTA;
	o.top = 2;
	d = diff(&o);
	ck_assert_uint_eq(gomem_heapdiff_row_count(d), 2);
	ck_assert_uint_eq(gomem_heapdiff_rows_before_trim(d), 3);
	ck_assert_str_eq(gomem_heapdiff_row_at(d, 1)->name, "main.a");
	gomem_heapdiff_free(d);

	o.top = 0;
	o.min_delta = 200;
	d = diff(&o);
	ck_assert_uint_eq(gomem_heapdiff_row_count(d), 2);
	gomem_heapdiff_free(d);

	o.min_delta = 0;
	o.sort = GOMEM_SORT_SIZE;
	d = diff(&o);
	ck_assert_int_eq(gomem_heapdiff_row_at(d, 2)->new_, 0);
	gomem_heapdiff_free(d);
}
END_TEST

START_TEST(normalize_and_bad_options)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d;
	gomem_error err = {0};

	o.normalize = 1; /* NEW scaled by 300/1000, rounded per sample as pprof's ScaleN */
	d = diff(&o);
	expect(d, "main.a", 200, 150);
	expect(d, "main.b", 0, 150);
	gomem_heapdiff_free(d);

	o.normalize = 0;
	o.focus = "([unclosed";
	ck_assert_int_eq(gomem_heapdiff_compute(&d, base, newp, &o, &err), GOMEM_E_INVALID);
	ck_assert_ptr_null(d);
	ck_assert(strstr(err.message, "--focus") != NULL);

	gomem_error_clear(&err);
	o.focus = NULL;
	o.sample = "goroutines";
	ck_assert_int_eq(gomem_heapdiff_compute(&d, base, newp, &o, &err), GOMEM_E_NOTFOUND);
	ck_assert(strstr(err.message, "no sample type 'goroutines'") != NULL);
}
END_TEST

/* One sampled 4096-byte object at the default rate: the runtime's estimate
 * is 128 objects (pprof's gobench.heap shows the same 128 / 526338), and
 * the uncertainty is 2 * 4096 * sqrt(128 * (1-q)/q), q = 1 - exp(-4096/524288). */
START_TEST(sampling_uncertainty)
{
	static const char one[] = "heap profile: 1: 4096 [1: 4096] @ heap/1048576\n"
				  "1: 4096 [1: 4096] @ 0x1001\n"
				  "#\t0x1000\tmain.leak+0x10\t/src/l.go:3\n";
	static const char none[] = "heap profile: 0: 0 [0: 0] @ heap/1048576\n";
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_profile *a, *b;
	gomem_heapdiff *d;
	gomem_error err = {0};
	double q = 1 - exp(-4096.0 / 524288.0);

	ck_assert_int_eq(gomem_heapprof_from_buffer(&a, none, strlen(none), "a", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapprof_from_buffer(&b, one, strlen(one), "b", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_compute(&d, a, b, &o, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_totals(d)->delta, 526338);
	ck_assert_double_eq_tol(gomem_heapdiff_totals(d)->uncertainty,
				2 * 4096 * sqrt(128 * (1 - q) / q), 1.0);
	gomem_heapdiff_free(d);
	gomem_profile_free(a);
	gomem_profile_free(b);
}
END_TEST

START_TEST(package_names)
{
	static const struct {
		const char *fn, *pkg;
	} cases[] = {
		{"main.main", "main"},
		{"net/http.(*conn).serve", "net/http"},
		{"github.com/a/b.c.D", "github.com/a/b"},
		{"example.com/x/y.F[example.com/z.T]", "example.com/x/y"},
		{"runtime", "runtime"},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++)
		ck_assert_uint_eq(gomem_go_package_len(cases[i].fn), strlen(cases[i].pkg));
}
END_TEST

START_TEST(heap_url_adds_gc)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"http://h:6060/debug/pprof/heap", "http://h:6060/debug/pprof/heap?gc=1"},
		{"http://h/debug/pprof/heap?seconds=30", "http://h/debug/pprof/heap?seconds=30&gc=1"},
		{"http://h/debug/pprof/heap?gc=0", "http://h/debug/pprof/heap?gc=0"},
		{"http://h/debug/pprof/heap?a=1&gc=1", "http://h/debug/pprof/heap?a=1&gc=1"},
		{"http://h/heap#x", "http://h/heap?gc=1#x"},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++) {
		char *out;

		ck_assert_int_eq(gomem_heap_url(&out, cases[i].in), GOMEM_OK);
		ck_assert_str_eq(out, cases[i].out);
		gomem_free(out);
	}
}
END_TEST

START_TEST(folded_output)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d = diff(&o);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_int_eq(gomem_heapdiff_write_folded(d, fp, 0, NULL), GOMEM_OK);
	fflush(fp);
	ck_assert_str_eq(buf, "main.main;main.a 300\nmain.main;main.b 500\n");
	rewind(fp);
	len = 0;
	ck_assert_int_eq(gomem_heapdiff_write_folded(d, fp, 1, NULL), GOMEM_OK);
	fflush(fp);
	ck_assert_str_eq(buf, "main.main;main.a 200 500\nmain.main;main.b 0 500\n"
			      "main.main;net/http.(*conn).serve 100 0\n");
	fclose(fp);
	free(buf);
	gomem_heapdiff_free(d);
}
END_TEST

/* The pprof export reads back with the same per-function deltas. */
START_TEST(pprof_roundtrip)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d = diff(&o), *d2;
	gomem_profile *merged, *empty;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	gomem_error err = {0};
	static const char none[] = "heap profile: 0: 0 [0: 0] @ heap/2\n";

	ck_assert_int_eq(gomem_heapdiff_write_pprof(d, fp, &err), GOMEM_OK);
	fclose(fp);
	ck_assert_int_eq(gomem_profile_from_buffer(&merged, buf, len, "diff.pb.gz", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapprof_from_buffer(&empty, none, strlen(none), "e", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_compute(&d2, empty, merged, &o, &err), GOMEM_OK);
	for (size_t i = 0; i < gomem_heapdiff_row_count(d); i++) {
		const gomem_heapdiff_row *r = gomem_heapdiff_row_at(d, i);
		const gomem_heapdiff_row *r2 = find(d2, r->name);

		ck_assert_msg(r2 != NULL, "%s missing after round trip", r->name);
		ck_assert_int_eq(r2->new_, r->delta);
	}
	gomem_heapdiff_free(d2);
	gomem_heapdiff_free(d);
	gomem_profile_free(merged);
	gomem_profile_free(empty);
	free(buf);
}
END_TEST

/* --format pprof carries the profiles' mappings (issue 12 item 5): without
 * them pprof says "Main binary filename not available". Two profiles the
 * runtime wrote for one binary: the diff has NEW's mappings, main first. */
START_TEST(pprof_export_keeps_mappings)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_profile *b, *n, *merged;
	gomem_heapdiff *d;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	gomem_error err = {0};
	uint64_t start, limit, off, start2, limit2, off2;

	ck_assert_int_eq(gomem_profile_load(&b, test_path("tests/data/pprof-kinds/heap.before.pb.gz"), NULL,
					    &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_load(&n, test_path("tests/data/pprof-kinds/heap.after.pb.gz"), NULL,
					    &err), GOMEM_OK);
	ck_assert_uint_gt(gomem_profile_mapping_count(n), 0);
	ck_assert_int_eq(gomem_heapdiff_compute(&d, b, n, &o, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_write_pprof(d, fp, &err), GOMEM_OK);
	fclose(fp);
	ck_assert_int_eq(gomem_profile_from_buffer(&merged, buf, len, "diff.pb.gz", &err), GOMEM_OK);
	ck_assert_uint_eq(gomem_profile_mapping_count(merged), gomem_profile_mapping_count(n));
	for (size_t m = 0; m < gomem_profile_mapping_count(n); m++) {
		const char *want = gomem_profile_mapping_file(n, m, &start, &limit, &off);
		const char *got = gomem_profile_mapping_file(merged, m, &start2, &limit2, &off2);

		ck_assert_str_eq(got, want);
		ck_assert_uint_eq(start2, start);
		ck_assert_uint_eq(limit2, limit);
		ck_assert_uint_eq(off2, off);
	}
	ck_assert_str_ne(gomem_profile_mapping_file(merged, 0, &start, &limit, &off), "");
	gomem_heapdiff_free(d);
	gomem_profile_free(merged);
	gomem_profile_free(b);
	gomem_profile_free(n);
	free(buf);
}
END_TEST

/* ---- what pprof makes of a profile's header -------------------------------- */

/* Sets a string field of P (a string id) to S. */
static void set_str(gomem_profile *p, uint32_t *field, const char *s)
{
	ck_assert_int_eq(gomem_profile_intern(p, s, field), GOMEM_OK);
}

/* NEW's drop_frames prune both sides, as pprof prunes its merged profile:
 * main.a's bytes go to its caller. Names are matched as pprof's
 * simplifyFunc cuts them: "net/http.(*conn).serve" is "net/http.". */
START_TEST(drop_and_keep_frames)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d;

	set_str(newp, &newp->drop_frames, "main\\.a|net/http\\.");
	d = diff(&o);
	ck_assert_ptr_null(find(d, "main.a"));
	ck_assert_ptr_null(find(d, "net/http.(*conn).serve"));
	expect(d, "main.main", 300, 500);
	expect(d, "main.b", 0, 500);
	ck_assert_ptr_null(gomem_heapdiff_note(d));
	gomem_heapdiff_free(d);

	set_str(newp, &newp->keep_frames, "main\\.a");
	d = diff(&o);
	expect(d, "main.a", 200, 500);
	expect(d, "main.main", 100, 0);
	gomem_heapdiff_free(d);

	/* not POSIX ERE: nothing pruned, and the user is told */
	set_str(newp, &newp->keep_frames, "");
	set_str(newp, &newp->drop_frames, "main\\.(a");
	d = diff(&o);
	expect(d, "main.a", 200, 500);
	ck_assert_ptr_nonnull(gomem_heapdiff_note(d));
	gomem_heapdiff_free(d);

	/* BASE's own drop_frames play no part (pprof keeps NEW's) */
	set_str(newp, &newp->drop_frames, "");
	set_str(base, &base->drop_frames, "main\\.a");
	d = diff(&o);
	expect(d, "main.a", 200, 500);
	gomem_heapdiff_free(d);
}
END_TEST

/* Without --sample: NEW's default_sample_type, else BASE's, else NEW's
 * last type; an index names one of NEW's. */
START_TEST(default_sample_type)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d;
	gomem_error err = {0};

	d = diff(&o);
	ck_assert_str_eq(gomem_heapdiff_sample_type(d, NULL), "inuse_space");
	gomem_heapdiff_free(d);
	set_str(base, &base->default_sample_type, "alloc_objects");
	d = diff(&o);
	ck_assert_str_eq(gomem_heapdiff_sample_type(d, NULL), "alloc_objects");
	gomem_heapdiff_free(d);
	set_str(newp, &newp->default_sample_type, "alloc_space");
	d = diff(&o);
	ck_assert_str_eq(gomem_heapdiff_sample_type(d, NULL), "alloc_space");
	gomem_heapdiff_free(d);
	o.sample = "2";
	d = diff(&o);
	ck_assert_str_eq(gomem_heapdiff_sample_type(d, NULL), "inuse_objects");
	gomem_heapdiff_free(d);
	o.sample = "4";
	ck_assert_int_eq(gomem_heapdiff_compute(&d, base, newp, &o, &err), GOMEM_E_NOTFOUND);
	ck_assert_str_eq(err.message, "sample type index 4 is outside 0..3");
}
END_TEST

/* A kilobytes profile against a bytes one: compared in bytes, as pprof
 * scales both to the finer unit. */
START_TEST(units_normalised)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	const char *unit;
	gomem_heapdiff *d;
	gomem_error err = {0};

	set_str(newp, &newp->sample_types[3].unit, "kilobytes");
	d = diff(&o);
	expect(d, "main.a", 200, 500 * 1024);
	ck_assert_str_eq(gomem_heapdiff_sample_type(d, &unit), "inuse_space");
	ck_assert_str_eq(unit, "bytes");
	gomem_heapdiff_free(d);
	set_str(base, &base->sample_types[3].unit, "MB");
	d = diff(&o);
	expect(d, "main.a", 200 << 20, 500 * 1024);
	gomem_heapdiff_free(d);
	set_str(base, &base->sample_types[3].unit, "count");
	ck_assert_int_eq(gomem_heapdiff_compute(&d, base, newp, &o, &err), GOMEM_E_INVALID);
	ck_assert_str_eq(err.message, "BASE's inuse_space is in count, NEW's in kilobytes: the units "
				      "cannot be compared");
}
END_TEST

START_TEST(refuses_other_profiles)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d;
	gomem_error err = {0};

	set_str(newp, &newp->period_type.type, "cpu");
	ck_assert_int_eq(gomem_heapdiff_accepts(newp, &err), GOMEM_E_INVALID);
	ck_assert(strncmp(err.message, "a CPU profile (sample types alloc_objects/count", 47) == 0);
	gomem_error_clear(&err);
	ck_assert_int_eq(gomem_heapdiff_compute(&d, base, newp, &o, &err), GOMEM_E_INVALID);
	ck_assert(strncmp(err.message, "NEW is a CPU profile", 20) == 0);
	ck_assert_int_eq(gomem_heapdiff_accepts(base, NULL), GOMEM_OK);
}
END_TEST

/* Totals that pass the int64 range (a BASE total near INT64_MAX that
 * --normalize spreads over NEW, a kilobytes total in bytes) saturate: a
 * sum never wraps to a negative growth that would let a gate pass. */
START_TEST(sums_saturate)
{
	static const char huge[] = "heap profile: 1: 9223372036854775806 [1: 9223372036854775806] @ heap/2\n"
				   "1: 9223372036854775806 [1: 9223372036854775806] @ 0x1001\n"
				   "#\t0x1000\tmain.a+0x10\t/src/a.go:10\n";
	/* 2^63 - 2 is 2^63 as a double: each of these scales to 2^62 */
	static const char small[] = "heap profile: 2: 2 [2: 2] @ heap/2\n"
				    "1: 1 [1: 1] @ 0x1001\n"
				    "#\t0x1000\tmain.a+0x10\t/src/a.go:10\n"
				    "1: 1 [1: 1] @ 0x2001\n"
				    "#\t0x2000\tmain.b+0x10\t/src/b.go:10\n";
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_profile *h, *sm;
	gomem_heapdiff *d;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_heapprof_from_buffer(&h, huge, strlen(huge), "h", &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapprof_from_buffer(&sm, small, strlen(small), "s", &err), GOMEM_OK);
	o.normalize = 1;
	ck_assert_int_eq(gomem_heapdiff_compute(&d, h, sm, &o, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_totals(d)->new_, INT64_MAX);
	ck_assert_int_eq(find(d, "main.b")->new_, INT64_C(1) << 62);
	ck_assert_str_eq(gomem_heapdiff_note(d), "a total reached the int64 range (8 EiB) and is shown "
						 "clamped there");
	gomem_heapdiff_free(d);
	o.normalize = 0;
	set_str(h, &h->sample_types[3].unit, "kilobytes");
	ck_assert_int_eq(gomem_heapdiff_compute(&d, sm, h, &o, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_totals(d)->new_, INT64_MAX);
	ck_assert_int_eq(gomem_heapdiff_totals(d)->delta, INT64_MAX - 2);
	gomem_heapdiff_free(d);
	ck_assert_int_eq(gomem_heapdiff_compute(&d, h, sm, &o, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_totals(d)->delta, 2 - INT64_MAX);
	gomem_heapdiff_free(d);
	gomem_profile_free(h);
	gomem_profile_free(sm);
}
END_TEST

/* The gate clears the limit beyond the uncertainty; a limit past any
 * int64 (15EiB, 1e30%) is never reached, and never converted out of range. */
START_TEST(gate)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;
	gomem_heapdiff *d = diff(&o);
	double limit;
	int pct;
	char msg[256];

	ck_assert_int_eq(gomem_heapdiff_parse_limit(&limit, &pct, "600"), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_gate(d, limit, pct, "--fail-above 600", msg, sizeof(msg)), 1);
	ck_assert_str_eq(msg, "total grew by +700B (\xc2\xb1" "0B), above --fail-above 600");
	ck_assert_int_eq(gomem_heapdiff_parse_limit(&limit, &pct, "200%"), GOMEM_OK);
	ck_assert_int_eq(pct, 1);
	ck_assert_int_eq(gomem_heapdiff_gate(d, limit, pct, "x", msg, sizeof(msg)), 1);
	ck_assert_str_eq(msg, "total grew by +700B (\xc2\xb1" "0B), above x (600B)");
	ck_assert_int_eq(gomem_heapdiff_gate(d, 700, 0, "x", msg, sizeof(msg)), 0);
	ck_assert_int_eq(gomem_heapdiff_parse_limit(&limit, &pct, "15EiB"), GOMEM_OK);
	ck_assert_int_eq(gomem_heapdiff_gate(d, limit, pct, "x", msg, sizeof(msg)), 0);
	ck_assert_int_eq(gomem_heapdiff_gate(d, 1e30, 1, "x", msg, sizeof(msg)), 0);
	ck_assert_int_eq(gomem_heapdiff_gate(d, -1e30, 0, "x", msg, sizeof(msg)), 1);
	ck_assert_int_eq(gomem_heapdiff_parse_limit(&limit, &pct, "5 %"), GOMEM_E_INVALID);
	gomem_heapdiff_free(d);
}
END_TEST

Suite *suite_heapdiff(void)
{
	Suite *s = suite_create("heapdiff");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, load, unload);
	tcase_add_test(tc, flat_by_function);
	tcase_add_test(tc, cumulative_and_granularity);
	tcase_add_test(tc, filters_sort_trim);
	tcase_add_test(tc, normalize_and_bad_options);
	tcase_add_test(tc, sampling_uncertainty);
	tcase_add_test(tc, package_names);
	tcase_add_test(tc, heap_url_adds_gc);
	tcase_add_test(tc, folded_output);
	tcase_add_test(tc, pprof_roundtrip);
	tcase_add_test(tc, pprof_export_keeps_mappings);
	tcase_add_test(tc, drop_and_keep_frames);
	tcase_add_test(tc, default_sample_type);
	tcase_add_test(tc, units_normalised);
	tcase_add_test(tc, refuses_other_profiles);
	tcase_add_test(tc, sums_saturate);
	tcase_add_test(tc, gate);
	suite_add_tcase(s, tc);
	return s;
}
