/* SPDX-License-Identifier: Apache-2.0 */
/* check_heapprof.c — the legacy text heap profile reader: headers, the
 * unsampling (against values Go 1.19's scaleHeapSample printed), frames and
 * inlining as the runtime's protobuf writer groups them, the MemStats
 * trailer, chunked feeding, every error with its position, and the shared
 * corpus (skipped when ../shared is absent). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

/* ---- helpers -------------------------------------------------------------- */

/* Parses TEXT fed in CHUNK-byte pieces (0: all at once). */
static int parse_chunked(const char *text, size_t len, size_t chunk, gomem_profile **out,
			 gomem_error *err)
{
	gomem_heapprof_reader *r;
	int rc;

	*out = NULL;
	ck_assert_int_eq(gomem_heapprof_reader_new(&r, "t.txt"), GOMEM_OK);
	if (chunk == 0)
		chunk = len ? len : 1;
	rc = GOMEM_OK;
	for (size_t off = 0; off < len && rc == GOMEM_OK; off += chunk)
		rc = gomem_heapprof_reader_feed(r, text + off, len - off < chunk ? len - off : chunk);
	if (rc == GOMEM_OK)
		rc = gomem_heapprof_reader_finish(out, r);
	*err = *gomem_heapprof_reader_error(r);
	gomem_heapprof_reader_free(r);
	return rc;
}

static gomem_profile *parse_ok(const char *text)
{
	gomem_profile *p;
	gomem_error err;
	int rc = parse_chunked(text, strlen(text), 0, &p, &err);

	ck_assert_msg(rc == GOMEM_OK, "rc %d: %llu:%llu: %s", rc, (unsigned long long)err.line,
		      (unsigned long long)err.column, err.message);
	return p;
}

static const int64_t *values(const gomem_profile *p, size_t s)
{
	ck_assert_uint_lt(s, gomem_profile_sample_count(p));
	return gomem_profile_sample_values(p, s);
}

static void assert_values(const gomem_profile *p, size_t s, int64_t ao, int64_t as, int64_t io,
			  int64_t is)
{
	const int64_t *v = values(p, s);

	ck_assert_int_eq(v[0], ao);
	ck_assert_int_eq(v[1], as);
	ck_assert_int_eq(v[2], io);
	ck_assert_int_eq(v[3], is);
}

/* The "bytes" label of sample S, or -1 when it has none. */
static int64_t bytes_label(const gomem_profile *p, size_t s)
{
	int64_t num = -1;
	const char *str, *unit;

	if (gomem_profile_sample_label_count(p, s) == 0)
		return -1;
	ck_assert_uint_eq(gomem_profile_sample_label_count(p, s), 1);
	ck_assert_str_eq(gomem_profile_sample_label(p, s, 0, &str, &num, &unit), "bytes");
	ck_assert_ptr_null(str);
	return num;
}

/* "name:line|name:line" for a location, innermost first. */
static const char *loc_text(const gomem_profile *p, size_t loc)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t j = 0; j < gomem_profile_location_line_count(p, loc); j++) {
		int64_t line;
		int64_t fn = gomem_profile_location_line(p, loc, j, &line);

		ck_assert_int_ge(fn, 0);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s:%lld", j ? "|" : "",
				      gomem_profile_function_name(p, (size_t)fn), (long long)line);
	}
	return buf;
}

/* The stack of sample S as loc_text()s joined by " ; ", leaf first. */
static const char *stack_text(const gomem_profile *p, size_t s)
{
	static char buf[4096];
	size_t n = 0, nl;
	const uint32_t *locs = gomem_profile_sample_locations(p, s, &nl);

	buf[0] = '\0';
	for (size_t i = 0; i < nl; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " ; " : "",
				      loc_text(p, locs[i]));
	return buf;
}

static bool has_comment(const gomem_profile *p, const char *needle)
{
	for (size_t i = 0; i < gomem_profile_comment_count(p); i++)
		if (strstr(gomem_profile_comment(p, i), needle))
			return true;
	return false;
}

/* Everything a reader fills, compared item by item. */
static void assert_same_profile(const gomem_profile *a, const gomem_profile *b)
{
	ck_assert_int_eq(gomem_profile_period(a, NULL, NULL), gomem_profile_period(b, NULL, NULL));
	ck_assert_uint_eq(gomem_profile_sample_type_count(a), gomem_profile_sample_type_count(b));
	ck_assert_uint_eq(gomem_profile_comment_count(a), gomem_profile_comment_count(b));
	ck_assert_uint_eq(gomem_profile_sample_count(a), gomem_profile_sample_count(b));
	ck_assert_uint_eq(gomem_profile_location_count(a), gomem_profile_location_count(b));
	ck_assert_uint_eq(gomem_profile_function_count(a), gomem_profile_function_count(b));
	ck_assert_uint_eq(gomem_profile_mapping_count(a), gomem_profile_mapping_count(b));
	for (size_t s = 0; s < gomem_profile_sample_count(a); s++) {
		size_t na, nb;
		const uint32_t *la = gomem_profile_sample_locations(a, s, &na);
		const uint32_t *lb = gomem_profile_sample_locations(b, s, &nb);

		ck_assert_mem_eq(values(a, s), values(b, s), 4 * sizeof(int64_t));
		ck_assert_int_eq(bytes_label(a, s), bytes_label(b, s));
		ck_assert_uint_eq(na, nb);
		ck_assert(na == 0 || memcmp(la, lb, na * sizeof(*la)) == 0);
	}
	for (size_t l = 0; l < gomem_profile_location_count(a); l++) {
		char text[1024];

		ck_assert_uint_eq(gomem_profile_location_address(a, l),
				  gomem_profile_location_address(b, l));
		snprintf(text, sizeof(text), "%s", loc_text(a, l));
		ck_assert_str_eq(text, loc_text(b, l));
	}
	for (size_t f = 0; f < gomem_profile_function_count(a); f++) {
		ck_assert_str_eq(gomem_profile_function_name(a, f), gomem_profile_function_name(b, f));
		ck_assert_str_eq(gomem_profile_function_file(a, f), gomem_profile_function_file(b, f));
	}
	ck_assert_int_eq(gomem_profile_memstats(a) == NULL, gomem_profile_memstats(b) == NULL);
	if (gomem_profile_memstats(a))
		ck_assert_mem_eq(gomem_profile_memstats(a), gomem_profile_memstats(b),
				 sizeof(gomem_memstats));
}

/* ---- fixtures -------------------------------------------------------------- */

/* Go 1.19 output shape: inlined calls with their own PCs (leaf, mid
 * inlined into outer: one entry 0x4b3be0), a recursion through one call
 * site, hidden leading runtime frames and runtime.goexit in the '@' list. */
static const char go_text[] =
	"heap profile: 3: 3072 [5: 5120] @ heap/1048576\n"
	"2: 2048 [3: 3072] @ 0x40d5ab 0x44e2c7 0x4b3c10 0x4b3bfe 0x4b3bf9 0x4b3e36 0x437452 0x461121\n"
	"#\t0x4b3c0f\tmain.leaf+0x2f\t\t/src/main.go:11\n"
	"#\t0x4b3bfd\tmain.mid+0x1d\t\t/src/main.go:13\n"
	"#\t0x4b3bf8\tmain.outer+0x18\t\t/src/main.go:16\n"
	"#\t0x4b3e35\tmain.main+0x35\t\t/src/main.go:30\n"
	"#\t0x437451\truntime.main+0x211\t/usr/lib/go/src/runtime/proc.go:250\n"
	"\n"
	"1: 1024 [2: 2048] @ 0x40d5ab 0x4b3d1d 0x4b3dcd 0x4b3dcd 0x4b3dcd 0x4b3e50 0x437452 0x461121\n"
	"#\t0x4b3d1c\tmain.rec+0x3c\t\t/src/main.go:21\n"
	"#\t0x4b3dcc\tmain.rec+0xec\t\t/src/main.go:24\n"
	"#\t0x4b3dcc\tmain.rec+0xec\t\t/src/main.go:24\n"
	"#\t0x4b3dcc\tmain.rec+0xec\t\t/src/main.go:24\n"
	"#\t0x4b3e4f\tmain.main+0x4f\t\t/src/main.go:32\n"
	"#\t0x437451\truntime.main+0x211\t/usr/lib/go/src/runtime/proc.go:250\n"
	"\n"
	"0: 0 [0: 0] @ 0x4b3c10 0x4b3bfe 0x4b3bf9 0x4b3e36 0x437452 0x461121\n"
	"#\t0x4b3c0f\tmain.leaf+0x2f\t\t/src/main.go:11\n"
	"#\t0x4b3bfd\tmain.mid+0x1d\t\t/src/main.go:13\n"
	"#\t0x4b3bf8\tmain.outer+0x18\t\t/src/main.go:16\n"
	"#\t0x4b3e35\tmain.main+0x35\t\t/src/main.go:30\n"
	"#\t0x437451\truntime.main+0x211\t/usr/lib/go/src/runtime/proc.go:250\n"
	"\n"
	"0: 0 [0: 0] @ 0x44e2c7 0x44e3c8 0x461121\n"
	"#\t0x44e2c6\truntime.malg+0x27\t/usr/lib/go/src/runtime/proc.go:4076\n"
	"#\t0x44e3c7\truntime.newproc1+0x7d\t/usr/lib/go/src/runtime/proc.go:4123\n"
	"\n"
	"\n"
	"# runtime.MemStats\n"
	"# Alloc = 21726008\n"
	"# TotalAlloc = 24036664\n"
	"# Sys = 35763464\n"
	"# Lookups = 0\n"
	"# Mallocs = 144887\n"
	"# Frees = 1512\n"
	"# HeapAlloc = 21726008\n"
	"# HeapSys = 24936448\n"
	"# HeapIdle = 2703360\n"
	"# HeapInuse = 22233088\n"
	"# HeapReleased = 2088960\n"
	"# HeapObjects = 143375\n"
	"# Stack = 229376 / 229376\n"
	"# MSpan = 285696 / 309168\n"
	"# MCache = 2400 / 15600\n"
	"# BuckHashSys = 1446000\n"
	"# GCSys = 8383920\n"
	"# OtherSys = 442952\n"
	"# NextGC = 41137720\n"
	"# LastGC = 1795321387534054193\n"
	"# PauseNs = [2043087 83414 420616 16244 23856 54481 38657 0 0 0 0]\n"
	"# PauseEnd = [1795321387450589593 1795321387453228587 0 0]\n"
	"# NumGC = 7\n"
	"# NumForcedGC = 4\n"
	"# GCCPUFraction = 0.060491267730295596\n"
	"# DebugGC = false\n"
	"# MaxRSS = 19939328\n";

/* gobench.heap's shape: no '#' lines at all, and one empty stack. */
static const char raw_text[] =
	"heap profile: 3: 2336 [5: 3368] @ heap/1048576\n"
	"1: 1024 [2: 2048] @ 0x420cef 0x422151\n"
	"1: 1024 [1: 1024] @ 0x420cef 0x4221da\n"
	"1: 288 [2: 296] @\n"
	"0: 0 [0: 0] @ 0x420cef\n";

/* ---- headers, sample types ------------------------------------------------ */

static const struct header_case {
	const char *header;
	int64_t period;
	bool two_types; /* pprof would give [objects, space] */
	int64_t v[4];   /* of the record "1: 1024 [2: 2048] @ 0x1001" */
} header_cases[] = {
	/* the runtime writes 2*MemProfileRate: period = 524288, scaled */
	{"heap profile: 1: 1024 [2: 2048] @ heap/1048576", 524288, false, {1025, 1049600, 512, 524800}},
	/* MemProfileRate=1: heap/2, nothing to scale */
	{"heap profile: 1: 1024 [2: 2048] @ heap/2", 1, false, {2, 2048, 1, 1024}},
	{"heap profile: 1: 1024 [2: 2048] @ heap_v2/524288", 524288, false,
	 {1025, 1049600, 512, 524800}},
	{"heap profile:    1:  1024 [   2:  2048] @ heapz_v2/524288", 524288, false,
	 {1025, 1049600, 512, 524800}},
	{"heap profile: 1: 1024 [2: 2048] @ heapprofile", 1, false, {2, 2048, 1, 1024}},
	/* growthz/fragmentationz: never scaled, pprof never looks at [C: D] */
	{"heap profile: 1: 1024 [2: 2048] @ growthz", 1, true, {1, 1024, 1, 1024}},
	{"heap profile: 1: 1024 [2: 2048] @ fragmentationz", 1, true, {1, 1024, 1, 1024}},
	/* header alloc == inuse: two types for pprof; alloc columns = inuse */
	{"heap profile: 1: 1024 [1: 1024] @ heap/1048576", 524288, true, {512, 524800, 512, 524800}},
	/* C++ "[0: 0]": allocations not tracked */
	{"heap profile: 1: 1024 [0: 0] @ heap/1048576", 524288, true, {512, 524800, 512, 524800}},
	/* no rate: no scaling (pprof's period 0), period 1; "heap/0" is refused */
	{"heap profile: 1: 1024 [2: 2048] @ heap", 1, false, {2, 2048, 1, 1024}},
	{"  heap profile: 1: 1024 [2: 2048] @ heap/2   ", 1, false, {2, 2048, 1, 1024}},
};

START_TEST(test_header)
{
	const struct header_case *c = &header_cases[_i];
	static const char *const names[] = {"alloc_objects", "alloc_space", "inuse_objects",
					    "inuse_space"};
	static const char *const units[] = {"count", "bytes", "count", "bytes"};
	char text[256];
	gomem_profile *p;
	const char *type, *unit;

	snprintf(text, sizeof(text), "%s\n1: 1024 [2: 2048] @ 0x1001\n", c->header);
	p = parse_ok(text);
	ck_assert_int_eq(gomem_profile_source_format(p), GOMEM_PROFILE_LEGACY);
	ck_assert_int_eq(gomem_profile_period(p, &type, &unit), c->period);
	ck_assert_str_eq(type, "space");
	ck_assert_str_eq(unit, "bytes");
	/* always the four types, so a two-type file diffs against a four-type one */
	ck_assert_uint_eq(gomem_profile_sample_type_count(p), 4);
	for (size_t t = 0; t < 4; t++) {
		ck_assert_str_eq(gomem_profile_sample_type(p, t, &unit), names[t]);
		ck_assert_str_eq(unit, units[t]);
	}
	ck_assert_uint_eq(gomem_profile_default_sample_type(p), 3);
	ck_assert_int_eq(has_comment(p, "without separate allocation counts"), c->two_types);
	ck_assert_uint_eq(gomem_profile_sample_count(p), 1);
	assert_values(p, 0, c->v[0], c->v[1], c->v[2], c->v[3]);
	ck_assert_int_eq(bytes_label(p, 0), 1024);
	gomem_profile_free(p);
}
END_TEST

/* small-default/before.txt has "[20: 593280]" equal to its in-use totals:
 * pprof reads it with 2 types and then refuses to diff it with after.txt
 * (google/pprof#432). Ours have the same four types and alloc == inuse. */
START_TEST(test_two_vs_four_types)
{
	gomem_profile *before = parse_ok("heap profile: 2: 2048 [2: 2048] @ heap/2\n"
					 "2: 2048 [2: 2048] @ 0x1001\n");
	gomem_profile *after = parse_ok("heap profile: 1: 1024 [3: 3072] @ heap/2\n"
					"1: 1024 [3: 3072] @ 0x1001\n");

	ck_assert_uint_eq(gomem_profile_sample_type_count(before),
			  gomem_profile_sample_type_count(after));
	for (size_t t = 0; t < 4; t++)
		ck_assert_str_eq(gomem_profile_sample_type(before, t, NULL),
				 gomem_profile_sample_type(after, t, NULL));
	assert_values(before, 0, 2, 2048, 2, 2048);
	assert_values(after, 0, 3, 3072, 1, 1024);
	ck_assert(has_comment(before, "alloc_* equal inuse_*"));
	ck_assert_uint_eq(gomem_profile_comment_count(after), 0);
	gomem_profile_free(before);
	gomem_profile_free(after);
}
END_TEST

/* ---- unsampling ------------------------------------------------------------ */

/* Expected values printed by Go 1.19's scaleHeapSample (the runtime's and
 * pprof's, math.Exp on amd64) for each (count, size, rate). */
static const struct scale_case {
	int64_t count, size, rate, want_count, want_size;
} scale_cases[] = {
	{1, 1024, 524288, 512, 524800},
	{2, 2048, 524288, 1025, 1049600},
	{9, 589824, 524288, 76, 5019646},
	{1, 96, 524288, 5461, 524336},
	{3, 1572864, 524288, 4, 2488234},
	{642, 6574080, 524288, 33192, 339890635},
	{2, 296, 524288, 7085, 1048724},
	{7, 896, 512, 31, 4050},
	{1, 16, 2, 1, 16},
	/* glibc's exp() is one bit off Go's here, and the size then truncates
	 * to 45682603464 / 101904942652 */
	{43202, 761910472, 1048576, 2590304, 45682603463},
	{97114, 147030596, 1048576, 67308416, 101904942653},
	/* a count without bytes scales to nothing */
	{5, 0, 524288, 0, 0},
	/* out of the int64 range, where Go's int64(float64) on amd64 gives
	 * 0x8000000000000000 (pprof shows that negative number): refused, at
	 * the pair (want_count 0 marks those) */
	{1, INT64_MAX, 524288, 0, 0},
	{4611686018427387904, 4611686018427387904, 2, 0, 0},
	{1000000, 1000000, INT64_MAX, 0, 0},
};

START_TEST(test_unsample)
{
	const struct scale_case *c = &scale_cases[_i];
	char text[512];
	gomem_profile *p;

	/* heap_v2 takes the rate as it is; a second record checks "heap" halves it */
	snprintf(text, sizeof(text),
		 "heap profile: 1: 1 [2: 2] @ heap_v2/%lld\n%lld: %lld [%lld: %lld] @ 0x1001\n",
		 (long long)c->rate, (long long)c->count, (long long)c->size, (long long)c->count,
		 (long long)c->size);
	if (c->want_count == 0 && c->size != 0) {
		gomem_error err = {0};

		ck_assert_int_eq(gomem_heapprof_from_buffer(&p, text, strlen(text), "x", &err),
				 GOMEM_E_FORMAT);
		ck_assert_uint_eq(err.line, 2);
		ck_assert_msg(strstr(err.message, "leave the int64 range") != NULL, "%s", err.message);
		return;
	}
	p = parse_ok(text);
	assert_values(p, 0, c->want_count, c->want_size, c->want_count, c->want_size);
	ck_assert_int_eq(bytes_label(p, 0), c->size / c->count);
	gomem_profile_free(p);
	if (c->rate > INT64_MAX / 2)
		return;
	snprintf(text, sizeof(text),
		 "heap profile: 1: 1 [2: 2] @ heap/%lld\n1: 1 [%lld: %lld] @ 0x1001\n",
		 (long long)c->rate * 2, (long long)c->count, (long long)c->size);
	p = parse_ok(text);
	ck_assert_int_eq(values(p, 0)[0], c->want_count);
	ck_assert_int_eq(values(p, 0)[1], c->want_size);
	gomem_profile_free(p);
}
END_TEST

/* Which pair the "bytes" label and the zero rule come from, as pprof's
 * parseHeapSample: in-use when its count is nonzero, else allocation; no
 * label when neither (the runtime's proto writes none then either). */
START_TEST(test_blocksize_label)
{
	gomem_profile *p = parse_ok("heap profile: 1: 288 [5: 1320] @ heap/2\n"
				    "1: 288 [2: 296] @\n"
				    "0: 0 [3: 1024] @ 0x1001\n"
				    "0: 0 [0: 0] @ 0x1001\n");
	gomem_error err = {0};

	ck_assert_int_eq(bytes_label(p, 0), 288);
	ck_assert_int_eq(bytes_label(p, 1), 341);
	ck_assert_int_eq(bytes_label(p, 2), -1);
	gomem_profile_free(p);
	/* pprof's sample regexp allows a negative in-use pair; a snapshot
	 * cannot hold one, and it is refused where it is */
	ck_assert_int_eq(gomem_heapprof_from_buffer(&p, "heap profile: 1: 64 [1: 64] @ heap/2\n"
						    "-1: -64 [0: 0] @ 0x1001\n", 61, "n", &err),
			 GOMEM_E_FORMAT);
	ck_assert_uint_eq(err.line, 2);
}
END_TEST

/* ---- frames ---------------------------------------------------------------- */

START_TEST(test_go_frames)
{
	gomem_profile *p = parse_ok(go_text);
	size_t n;

	ck_assert_uint_eq(gomem_profile_sample_count(p), 4);
	/* leaf and mid were inlined into outer: one location, innermost first,
	 * at the first frame's address; hidden runtime frames and goexit gone */
	ck_assert_str_eq(stack_text(p, 0), "main.leaf:11|main.mid:13|main.outer:16 ; "
					   "main.main:30 ; runtime.main:250");
	ck_assert_uint_eq(gomem_profile_location_address(p, gomem_profile_sample_locations(p, 0, &n)[0]),
			  0x4b3c0f);
	ck_assert_uint_eq(n, 3);
	/* a recursion through one call site: one location, three times */
	ck_assert_str_eq(stack_text(p, 1), "main.rec:21 ; main.rec:24 ; main.rec:24 ; main.rec:24 ; "
					   "main.main:32 ; runtime.main:250");
	{
		const uint32_t *l = gomem_profile_sample_locations(p, 1, &n);

		ck_assert_uint_eq(n, 6);
		ck_assert_uint_eq(l[1], l[2]);
		ck_assert_uint_eq(l[2], l[3]);
		ck_assert_uint_ne(l[0], l[1]);
	}
	/* the same stack again reuses the locations */
	{
		size_t n0, n2;
		const uint32_t *a = gomem_profile_sample_locations(p, 0, &n0);
		const uint32_t *b = gomem_profile_sample_locations(p, 2, &n2);

		ck_assert_uint_eq(n0, n2);
		ck_assert_mem_eq(a, b, n0 * sizeof(*a));
	}
	/* an all-runtime stack is shown whole (goexit still hidden) */
	ck_assert_str_eq(stack_text(p, 3), "runtime.malg:4076 ; runtime.newproc1:4123");
	/* 3 + 4 (rec:21, rec:24, main:32; runtime.main shared) + 2; nothing for
	 * the hidden 0x40d5ab, 0x44e2c7 (as a leaf), goexit */
	ck_assert_uint_eq(gomem_profile_location_count(p), 8);
	ck_assert_uint_eq(gomem_profile_function_count(p), 8);
	for (size_t l = 0; l < gomem_profile_location_count(p); l++) {
		uint64_t a = gomem_profile_location_address(p, l);

		ck_assert(a != 0x40d5aa && a != 0x461120);
	}
	ck_assert_str_eq(gomem_profile_function_file(p, 0), "/src/main.go");
	/* 3: 3072 [5: 5120] at rate 524288 */
	assert_values(p, 0, 1537, 1574400, 1025, 1049600);
	assert_values(p, 1, 1025, 1049600, 512, 524800);
	assert_values(p, 2, 0, 0, 0, 0);
	ck_assert_int_eq(bytes_label(p, 0), 1024);
	ck_assert_int_eq(bytes_label(p, 2), -1);
	gomem_profile_free(p);
}
END_TEST

static const struct frames_case {
	const char *what, *records, *want;
	size_t nlocations;
} frames_cases[] = {
	/* older writers print every inlined call at one PC */
	{"same-pc inlining",
	 "1: 64 [1: 64] @ 0x1001 0x2001\n"
	 "#\t0x1000\tmain.inner+0x10\t\t/a.go:5\n"
	 "#\t0x1000\tmain.outer+0x20\t\t/a.go:9\n"
	 "#\t0x2000\tmain.main+0x30\t\t/a.go:20\n"
	 "1: 64 [1: 64] @ 0x1001 0x3001\n"
	 "#\t0x1000\tmain.inner+0x10\t\t/a.go:5\n"
	 "#\t0x1000\tmain.outer+0x20\t\t/a.go:9\n"
	 "#\t0x3000\tmain.other+0x30\t\t/a.go:30\n",
	 "main.inner:5|main.outer:9 ; main.other:30", 3},
	/* f calls itself through g inlined into f: [f] [g f], not [f g f] */
	{"recursion through an inlined call",
	 "1: 64 [1: 64] @ 0x1101 0x1201 0x1301 0x5001\n"
	 "#\t0x1100\tmain.f+0x100\t\t/a.go:5\n"
	 "#\t0x1200\tmain.g+0x200\t\t/a.go:50\n"
	 "#\t0x1300\tmain.f+0x300\t\t/a.go:7\n"
	 "#\t0x5000\tmain.main+0x10\t\t/a.go:99\n",
	 "main.f:5 ; main.g:50|main.f:7 ; main.main:99", 3},
	/* a frame without a name keeps its address, with no line */
	{"unnamed frame",
	 "1: 64 [1: 64] @ 0x1001 0x2001\n"
	 "#\t0x1000\n"
	 "#\t0x2000\tmain.main+0x30\t\t/a.go:20\n",
	 " ; main.main:20", 2},
	/* no offset: the entry is unknown, nothing is merged */
	{"no offsets",
	 "1: 64 [1: 64] @ 0x1001 0x2001\n"
	 "#\t0x1000\tmain.a\t/a.go:1\n"
	 "#\t0x2000\tmain.b\t/a.go:2\n",
	 "main.a:1 ; main.b:2", 2},
	/* a PC at a function's entry is printed as is, not minus one */
	{"entry pc",
	 "1: 64 [1: 64] @ 0x1000 0x2001\n"
	 "#\t0x1000\tmain.a+0x0\t/a.go:1\n"
	 "#\t0x2000\tmain.b+0x10\t/a.go:2\n",
	 "main.a:1 ; main.b:2", 2},
	/* CRLF line ends and spaces in a path */
	{"crlf",
	 "1: 64 [1: 64] @ 0x1001\r\n"
	 "#\t0x1000\tmain.(*T).m+0x10\t\tC:/my dir/a.go:7\r\n",
	 "main.(*T).m:7", 1},
	/* a function seen at two PCs is one function */
	{"one function",
	 "1: 64 [1: 64] @ 0x1001 0x2001\n"
	 "#\t0x1000\tmain.a+0x10\t/a.go:1\n"
	 "#\t0x2000\tmain.main+0x10\t/a.go:2\n"
	 "1: 64 [1: 64] @ 0x1021 0x2001\n"
	 "#\t0x1020\tmain.a+0x30\t/a.go:3\n"
	 "#\t0x2000\tmain.main+0x10\t/a.go:2\n",
	 "main.a:3 ; main.main:2", 3},
};

START_TEST(test_frames)
{
	const struct frames_case *c = &frames_cases[_i];
	char text[2048];
	gomem_profile *p;
	size_t last;

	snprintf(text, sizeof(text), "heap profile: 2: 128 [2: 128] @ heap/2\n%s", c->records);
	p = parse_ok(text);
	last = gomem_profile_sample_count(p) - 1;
	ck_assert_msg(strcmp(stack_text(p, last), c->want) == 0, "%s: got '%s'", c->what,
		      stack_text(p, last));
	ck_assert_uint_eq(gomem_profile_location_count(p), c->nlocations);
	gomem_profile_free(p);
}
END_TEST

START_TEST(test_one_function_per_name_and_file)
{
	gomem_profile *p = parse_ok("heap profile: 2: 128 [2: 128] @ heap/2\n"
				    "1: 64 [1: 64] @ 0x1001 0x2001\n"
				    "#\t0x1000\tmain.a+0x10\t/a.go:1\n"
				    "#\t0x2000\tmain.main+0x10\t/a.go:2\n"
				    "1: 64 [1: 64] @ 0x1021 0x3001\n"
				    "#\t0x1020\tmain.a+0x30\t/a.go:3\n"
				    "#\t0x3000\tmain.a+0x10\t/b.go:2\n");

	/* main.a in a.go, main.main, main.a in b.go */
	ck_assert_uint_eq(gomem_profile_function_count(p), 3);
	ck_assert_str_eq(gomem_profile_function_name(p, 2), "main.a");
	ck_assert_str_eq(gomem_profile_function_file(p, 2), "/b.go");
	gomem_profile_free(p);
}
END_TEST

START_TEST(test_unsymbolized)
{
	gomem_profile *p = parse_ok(raw_text);
	size_t n;
	const uint32_t *l;

	ck_assert_uint_eq(gomem_profile_sample_count(p), 4);
	ck_assert_uint_eq(gomem_profile_function_count(p), 0);
	ck_assert_uint_eq(gomem_profile_location_count(p), 3);
	l = gomem_profile_sample_locations(p, 0, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(gomem_profile_location_address(p, l[0]), 0x420cee);
	ck_assert_uint_eq(gomem_profile_location_address(p, l[1]), 0x422150);
	ck_assert_uint_eq(gomem_profile_location_line_count(p, l[0]), 0);
	l = gomem_profile_sample_locations(p, 1, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(gomem_profile_location_address(p, l[1]), 0x4221d9);
	gomem_profile_sample_locations(p, 2, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(bytes_label(p, 2), 288);
	/* gobench.heap's empty-stack record, as pprof unsamples it */
	assert_values(p, 2, 7085, 1048724, 1820, 524432);
	ck_assert_ptr_null(gomem_profile_memstats(p));
	gomem_profile_free(p);
}
END_TEST

/* ---- MemStats -------------------------------------------------------------- */

START_TEST(test_memstats)
{
	gomem_profile *p = parse_ok(go_text);
	const gomem_memstats *ms = gomem_profile_memstats(p);

	ck_assert_ptr_nonnull(ms);
	ck_assert_uint_eq(ms->alloc, 21726008);
	ck_assert_uint_eq(ms->total_alloc, 24036664);
	ck_assert_uint_eq(ms->sys, 35763464);
	ck_assert_uint_eq(ms->lookups, 0);
	ck_assert_uint_eq(ms->mallocs, 144887);
	ck_assert_uint_eq(ms->frees, 1512);
	ck_assert_uint_eq(ms->heap_alloc, 21726008);
	ck_assert_uint_eq(ms->heap_sys, 24936448);
	ck_assert_uint_eq(ms->heap_idle, 2703360);
	ck_assert_uint_eq(ms->heap_inuse, 22233088);
	ck_assert_uint_eq(ms->heap_released, 2088960);
	ck_assert_uint_eq(ms->heap_objects, 143375);
	ck_assert_uint_eq(ms->stack_inuse, 229376);
	ck_assert_uint_eq(ms->stack_sys, 229376);
	ck_assert_uint_eq(ms->mspan_inuse, 285696);
	ck_assert_uint_eq(ms->mspan_sys, 309168);
	ck_assert_uint_eq(ms->mcache_inuse, 2400);
	ck_assert_uint_eq(ms->mcache_sys, 15600);
	ck_assert_uint_eq(ms->buck_hash_sys, 1446000);
	ck_assert_uint_eq(ms->gc_sys, 8383920);
	ck_assert_uint_eq(ms->other_sys, 442952);
	ck_assert_uint_eq(ms->next_gc, 41137720);
	ck_assert_uint_eq(ms->last_gc, 1795321387534054193ULL);
	ck_assert_uint_eq(ms->pause_total_ns, 2043087 + 83414 + 420616 + 16244 + 23856 + 54481 + 38657);
	/* the ring itself: GC n's pause at [(n + 255) % 256] */
	ck_assert_uint_eq(ms->pause_ns[0], 2043087);
	ck_assert_uint_eq(ms->pause_ns[6], 38657);
	ck_assert_uint_eq(ms->pause_ns[7], 0);
	ck_assert_uint_eq(ms->pause_end[1], 1795321387453228587ULL);
	ck_assert_uint_eq(ms->pause_end[2], 0);
	ck_assert_uint_eq(ms->num_gc, 7);
	ck_assert_uint_eq(ms->num_forced_gc, 4);
	ck_assert_double_eq(ms->gc_cpu_fraction, 0.060491267730295596);
	ck_assert_int_eq(ms->debug_gc, 0);
	ck_assert_uint_eq(ms->max_rss, 19939328);
	ck_assert_uint_eq(ms->fields_seen, 27);
	gomem_profile_free(p);
}
END_TEST

static const struct float_case {
	const char *text;
	double want;
} float_cases[] = {
	{"0", 0},         {"1", 1},       {"0.5", 0.5},          {"1e-05", 1e-05},
	{"1.5e+02", 150}, {"2.5E3", 2500}, {"0.0001234", 0.0001234},
	{"6.103515625e-05", 6.103515625e-05},
	{"0.12345678901234567890123", 0.12345678901234568},
};

START_TEST(test_memstats_float)
{
	char text[256];
	gomem_profile *p;

	snprintf(text, sizeof(text),
		 "heap profile: 0: 0 [0: 0] @ heap/2\n# runtime.MemStats\n# GCCPUFraction = %s\n"
		 "# DebugGC = true\n# Stack = 1 / 2\n# Unknown = 5\n",
		 float_cases[_i].text);
	p = parse_ok(text);
	ck_assert_double_eq(gomem_profile_memstats(p)->gc_cpu_fraction, float_cases[_i].want);
	ck_assert_int_eq(gomem_profile_memstats(p)->debug_gc, 1);
	ck_assert_uint_eq(gomem_profile_memstats(p)->fields_seen, 3);
	gomem_profile_free(p);
}
END_TEST

/* "# Name = value" lines before the trailer are ordinary comments. */
START_TEST(test_comments_before_trailer)
{
	gomem_profile *p = parse_ok("heap profile: 1: 64 [1: 64] @ heap/2\n"
				    "# Alloc = 5\n"
				    "# a comment pprof skips\n"
				    "1: 64 [1: 64] @ 0x1001\n"
				    "\t\n"
				    "   # indented comment\n");

	ck_assert_ptr_null(gomem_profile_memstats(p));
	ck_assert_uint_eq(gomem_profile_sample_count(p), 1);
	gomem_profile_free(p);
}
END_TEST

/* ---- chunked feeding -------------------------------------------------------- */

static const size_t chunk_sizes[] = {1, 2, 3, 7, 64, 4093};

START_TEST(test_chunked)
{
	static const char *const texts[] = {go_text, raw_text};
	gomem_profile *whole, *p;
	gomem_error err;

	for (size_t t = 0; t < GOMEM_ARRAY_SIZE(texts); t++) {
		size_t len = strlen(texts[t]);

		ck_assert_int_eq(parse_chunked(texts[t], len, 0, &whole, &err), GOMEM_OK);
		ck_assert_int_eq(parse_chunked(texts[t], len, chunk_sizes[_i], &p, &err), GOMEM_OK);
		assert_same_profile(whole, p);
		gomem_profile_free(p);
		/* and without the last newline */
		ck_assert_int_eq(parse_chunked(texts[t], len - 1, chunk_sizes[_i], &p, &err),
				 GOMEM_OK);
		assert_same_profile(whole, p);
		gomem_profile_free(p);
		gomem_profile_free(whole);
	}
}
END_TEST

START_TEST(test_truncated_record_line)
{
	/* the last record loses its last frame but is still a whole record */
	gomem_profile *p = parse_ok("heap profile: 1: 64 [1: 64] @ heap/2\n1: 64 [1: 64] @ 0x1001 0x20");

	ck_assert_uint_eq(gomem_profile_location_count(p), 2);
	ck_assert_uint_eq(gomem_profile_location_address(p, 1), 0x1f);
	gomem_profile_free(p);
}
END_TEST

/* ---- errors ----------------------------------------------------------------- */

#define H "heap profile: 1: 64 [2: 128] @ heap/2\n"

static const struct bad_case {
	const char *text;
	int code;
	uint64_t line, col;
	const char *message;
} bad_cases[] = {
	{"", GOMEM_E_FORMAT, 1, 1, "empty input: expected 'heap profile:' header"},
	{"hello\n", GOMEM_E_FORMAT, 1, 1, "expected 'heap profile:' header"},
	{"\nheap profile: 1: 2 [1: 2] @ heap/2\n", GOMEM_E_FORMAT, 1, 1,
	 "expected 'heap profile:' header"},
	{"1: 64 [1: 64] @ 0x1001\n", GOMEM_E_FORMAT, 1, 1, "record before the 'heap profile:' header"},
	{"--- heapz 1 ---\nformat = java\n", GOMEM_E_UNSUPPORTED, 1, 1,
	 "Java heap profile ('--- heapz') is not supported"},
	{"heap profile: 1 64 [1: 64] @ heap/2\n", GOMEM_E_FORMAT, 1, 16,
	 "expected ':' after object count"},
	{"heap profile: x\n", GOMEM_E_FORMAT, 1, 15, "expected in-use object count"},
	{"heap profile: 1: [1: 64] @ heap/2\n", GOMEM_E_FORMAT, 1, 18, "expected in-use byte count"},
	{"heap profile: 1: 64 1: 64] @ heap/2\n", GOMEM_E_FORMAT, 1, 21,
	 "expected '[' after byte count"},
	{"heap profile: 1: 64 [-1: 64] @ heap/2\n", GOMEM_E_FORMAT, 1, 22,
	 "expected allocation object count"},
	{"heap profile: 1: 64 [1 64] @ heap/2\n", GOMEM_E_FORMAT, 1, 23,
	 "expected ':' after allocation object count"},
	{"heap profile: 1: 64 [1: ] @ heap/2\n", GOMEM_E_FORMAT, 1, 25,
	 "expected allocation byte count"},
	{"heap profile: 1: 64 [1: 64 @ heap/2\n", GOMEM_E_FORMAT, 1, 28,
	 "expected ']' after allocation byte count"},
	{"heap profile: 1: 64 [1: 64] heap/2\n", GOMEM_E_FORMAT, 1, 29,
	 "expected '@' before the profile kind"},
	{"heap profile: 1: 64 [1: 64] @ heapz/2\n", GOMEM_E_FORMAT, 1, 31,
	 "unknown heap profile kind 'heapz'"},
	{"heap profile: 1: 64 [1: 64] @ cpu\n", GOMEM_E_FORMAT, 1, 31, "unknown heap profile kind 'cpu'"},
	{"heap profile: 1: 64 [1: 64] @ heap/2 x\n", GOMEM_E_FORMAT, 1, 38,
	 "unexpected text after the header"},
	{"heap profile: 9223372036854775808: 64 [1: 64] @ heap/2\n", GOMEM_E_FORMAT, 1, 15,
	 "number overflows int64"},
	{"heap profile: 1: 64 [1: 64] @ heap/99999999999999999999\n", GOMEM_E_FORMAT, 1, 36,
	 "sampling rate overflows int64"},
	/* records */
	{H "0: 4096 [1: 4096] @ 0x1001\n", GOMEM_E_FORMAT, 2, 1, "inuse count is 0 but size is 4096"},
	{H "1: 64 [0: 4096] @ 0x1001\n", GOMEM_E_FORMAT, 2, 8,
	 "allocation count is 0 but size is 4096"},
	{H "1: 64 [2: 128] 0x1001\n", GOMEM_E_FORMAT, 2, 16, "expected '@' before the stack"},
	{H "1: 64 [2: 128] @ 0x1001 0xzz\n", GOMEM_E_FORMAT, 2, 25, "expected a hex address (0x...)"},
	{H "1: 64 [2: 128] @ 0x1001x\n", GOMEM_E_FORMAT, 2, 24, "expected a hex address (0x...)"},
	{H "1: 64 [2: 128] @ 1001\n", GOMEM_E_FORMAT, 2, 18, "expected a hex address (0x...)"},
	{H "1: 64 [2: 128] @ 0x10000000000000000\n", GOMEM_E_FORMAT, 2, 18,
	 "address overflows 64 bits"},
	{H "1 64 [2: 128] @ 0x1001\n", GOMEM_E_FORMAT, 2, 2, "expected ':' after object count"},
	{H "1: 99999999999999999999 [2: 128] @ 0x1001\n", GOMEM_E_FORMAT, 2, 4,
	 "number overflows int64"},
	{H "1: 64 [2: -128] @ 0x1001\n", GOMEM_E_FORMAT, 2, 11, "expected allocation byte count"},
	{H "1: 64 [2: 128] @ 0x1001\nfoo\n", GOMEM_E_FORMAT, 3, 1,
	 "expected a record 'N: B [N: B] @ 0x...'"},
	{H "1: 64 [2: 128] @ 0x1001\n  - 5\n", GOMEM_E_FORMAT, 3, 3,
	 "expected a record 'N: B [N: B] @ 0x...'"},
	/* symbol lines */
	{H "#\t0x1000\tmain.f+0x10\t\t/a.go:1\n", GOMEM_E_FORMAT, 2, 1, "symbol line outside a record"},
	{H "1: 64 [2: 128] @ 0x1001\n#\t0x2000\tmain.f+0x10\t\t/a.go:1\n", GOMEM_E_FORMAT, 3, 3,
	 "symbol line for 0x2000 does not match the record's stack"},
	{H "1: 64 [2: 128] @ 0x1001\n#\t0x\tmain.f\t/a.go:1\n", GOMEM_E_FORMAT, 3, 5,
	 "expected hex digits and a tab after '0x'"},
	{H "1: 64 [2: 128] @ 0x1001\n#\t0x1000main.f\t/a.go:1\n", GOMEM_E_FORMAT, 3, 9,
	 "expected hex digits and a tab after '0x'"},
	{H "1: 64 [2: 128] @ 0x1001\n#\t0x10000000000000000\tmain.f\t/a.go:1\n", GOMEM_E_FORMAT, 3,
	 3, "address overflows 64 bits"},
	{H "1: 64 [2: 128] @ 0x1001\n#\t0x1000\tmain.f+0x10\n", GOMEM_E_FORMAT, 3, 21,
	 "expected a tab and file:line after the function name"},
	{H "1: 64 [2: 128] @ 0x1001\n#\t0x1000\tmain.f+0x10\t\t/a.go\n", GOMEM_E_FORMAT, 3, 23,
	 "expected file:line after the function name"},
	{H "1: 64 [2: 128] @ 0x1001\n#\t0x1000\tmain.f+0x10\t\t/a.go:x1\n", GOMEM_E_FORMAT, 3, 29,
	 "expected a line number after ':'"},
	{H "1: 64 [2: 128] @ 0x1001\n#\t0x1000\tmain.f+0x10\t\t:1\n", GOMEM_E_FORMAT, 3, 23,
	 "expected file:line after the function name"},
	{H "1: 64 [2: 128] @ 0x1001\n# runtime.MemStats\n#\t0x1000\tmain.f+0x10\t\t/a.go:1\n",
	 GOMEM_E_FORMAT, 4, 1, "symbol line outside a record"},
	/* the MemStats trailer */
	{H "# runtime.MemStats\n# Alloc = x\n", GOMEM_E_FORMAT, 3, 11, "expected a number after '='"},
	{H "# runtime.MemStats\n# Alloc = 5 6\n", GOMEM_E_FORMAT, 3, 13,
	 "unexpected text after the value"},
	{H "# runtime.MemStats\n# Alloc = 18446744073709551616\n", GOMEM_E_FORMAT, 3, 11,
	 "Alloc overflows"},
	{H "# runtime.MemStats\n# NumGC = 4294967296\n", GOMEM_E_FORMAT, 3, 11, "NumGC overflows"},
	{H "# runtime.MemStats\n# Stack = 1 2\n", GOMEM_E_FORMAT, 3, 13,
	 "expected '/' after the in-use size"},
	{H "# runtime.MemStats\n# Stack = x / 2\n", GOMEM_E_FORMAT, 3, 11, "expected 'inuse / sys'"},
	{H "# runtime.MemStats\n# MSpan = 1 / \n", GOMEM_E_FORMAT, 3, 15,
	 "expected a number after '/'"},
	{H "# runtime.MemStats\n# PauseNs = 1 2\n", GOMEM_E_FORMAT, 3, 13,
	 "expected '[' before the list"},
	{H "# runtime.MemStats\n# PauseNs = [1 2\n", GOMEM_E_FORMAT, 3, 17,
	 "expected ']' after the list"},
	{H "# runtime.MemStats\n# PauseEnd = [1 x]\n", GOMEM_E_FORMAT, 3, 17,
	 "expected a number in the list"},
	{H "# runtime.MemStats\n# DebugGC = maybe\n", GOMEM_E_FORMAT, 3, 13, "expected true or false"},
	{H "# runtime.MemStats\n# GCCPUFraction = .\n", GOMEM_E_FORMAT, 3, 19,
	 "expected a number after '='"},
	{H "# runtime.MemStats\n# GCCPUFraction = 1e\n", GOMEM_E_FORMAT, 3, 19,
	 "expected a number after '='"},
};

#undef H

static void assert_error(const struct bad_case *c, size_t chunk)
{
	gomem_profile *p;
	gomem_error err;
	int rc = parse_chunked(c->text, strlen(c->text), chunk, &p, &err);

	ck_assert_msg(rc == c->code, "'%s' (chunk %zu): rc %d, want %d (%s)", c->text, chunk, rc,
		      c->code, err.message);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(err.code, c->code);
	ck_assert_str_eq(err.message, c->message);
	ck_assert_msg(err.line == c->line && err.column == c->col, "'%s': at %llu:%llu, want %llu:%llu",
		      c->message, (unsigned long long)err.line, (unsigned long long)err.column,
		      (unsigned long long)c->line, (unsigned long long)c->col);
	ck_assert_str_eq(err.source, "t.txt");
}

START_TEST(test_malformed)
{
	assert_error(&bad_cases[_i], 0);
	/* the same error at the same place however the text is split */
	assert_error(&bad_cases[_i], 1);
	assert_error(&bad_cases[_i], 5);
}
END_TEST

/* tests/data/malformed/legacy-*.txt, as their README lists them. */
static const struct fixture_case {
	const char *file;
	int code;
	const char *error;
} fixture_cases[] = {
	{"legacy-bad-header.txt", GOMEM_E_FORMAT, "1:16: expected ':' after object count"},
	{"legacy-unknown-kind.txt", GOMEM_E_FORMAT, "1:31: unknown heap profile kind 'heapz'"},
	{"legacy-missing-header.txt", GOMEM_E_FORMAT, "1:1: expected 'heap profile:' header"},
	{"legacy-record-before-header.txt", GOMEM_E_FORMAT,
	 "1:1: record before the 'heap profile:' header"},
	{"legacy-count-zero.txt", GOMEM_E_FORMAT, "2:1: inuse count is 0 but size is 4096"},
	{"legacy-alloc-count-zero.txt", GOMEM_E_FORMAT, "2:8: allocation count is 0 but size is 4096"},
	{"legacy-overflow.txt", GOMEM_E_FORMAT, "2:4: number overflows int64"},
	{"legacy-address-overflow.txt", GOMEM_E_FORMAT, "2:26: address overflows 64 bits"},
	{"legacy-garbage-record.txt", GOMEM_E_FORMAT, "3:1: expected a record 'N: B [N: B] @ 0x...'"},
	{"legacy-symbol-mismatch.txt", GOMEM_E_FORMAT,
	 "4:3: symbol line for 0x500000 does not match the record's stack"},
	{"legacy-symbol-no-line.txt", GOMEM_E_FORMAT, "3:29: expected file:line after the function name"},
	{"legacy-symbol-outside-record.txt", GOMEM_E_FORMAT, "2:1: symbol line outside a record"},
	{"legacy-memstats-bad-value.txt", GOMEM_E_FORMAT, "6:18: expected '/' after the in-use size"},
	{"legacy-java.txt", GOMEM_E_UNSUPPORTED, "1:1: Java heap profile ('--- heapz') is not supported"},
	{"legacy-values-overflow.txt", GOMEM_E_FORMAT,
	 "5:1: the values of alloc_space add up past 9223372036854775807 here: no total of them "
	 "could be represented"},
	{"legacy-unsample-overflow.txt", GOMEM_E_FORMAT,
	 "2:1: inuse count 100000000000000000 and size 1600000000000000000 unsampled at period "
	 "524288 leave the int64 range"},
	{"legacy-negative.txt", GOMEM_E_FORMAT,
	 "2:1: negative inuse_objects -1 in a heap profile (a snapshot holds nothing below zero)"},
	{"legacy-rate-zero.txt", GOMEM_E_FORMAT,
	 "1:39: period 0: the heap profile was written with runtime.MemProfileRate=0 (profiling "
	 "off), so its samples cannot be unsampled"},
	{"legacy-memstats-heapsys-zero.txt", GOMEM_E_FORMAT,
	 "38:1: impossible MemStats: HeapSys = 0: a Go program's heap is never empty"},
};

static char *slurp(const char *path, size_t *len);

START_TEST(test_malformed_fixture)
{
	const struct fixture_case *c = &fixture_cases[_i];
	char rel[256], want[512], got[512];
	gomem_profile *p;
	gomem_error err = {0};
	size_t len;
	char *text;

	snprintf(rel, sizeof(rel), "tests/data/malformed/%s", c->file);
	text = slurp(test_path(rel), &len);
	ck_assert_int_eq(gomem_heapprof_from_buffer(&p, text, len, c->file, &err), c->code);
	ck_assert_ptr_null(p);
	snprintf(want, sizeof(want), "%s:%s", c->file, c->error);
	gomem_error_format(got, sizeof(got), &err);
	ck_assert_str_eq(got, want);
	free(text);
}
END_TEST

START_TEST(test_error_format)
{
	gomem_profile *p;
	gomem_error err = {0};
	char msg[512];
	static const char text[] = "heap profile: 1: 64 [1: 64] @ heap/2\n0: 4096 [1: 4096] @ 0x1\n";

	ck_assert_int_eq(gomem_heapprof_from_buffer(&p, text, sizeof(text) - 1, "before.txt", &err),
			 GOMEM_E_FORMAT);
	ck_assert_ptr_null(p);
	gomem_error_format(msg, sizeof(msg), &err);
	ck_assert_str_eq(msg, "before.txt:2:1: inuse count is 0 but size is 4096");
}
END_TEST

START_TEST(test_line_too_long)
{
	size_t n = ((size_t)4 << 20) + 4096;
	char *text = malloc(n + 64);
	gomem_profile *p;
	gomem_error err;
	size_t len;

	ck_assert_ptr_nonnull(text);
	len = (size_t)sprintf(text, "heap profile: 1: 64 [1: 64] @ heap/2\n1: 64 [1: 64] @");
	while (len + 7 < n) {
		memcpy(text + len, " 0x1001", 7);
		len += 7;
	}
	text[len++] = '\n';
	ck_assert_int_eq(parse_chunked(text, len, 65536, &p, &err), GOMEM_E_LIMIT);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_str_eq(err.message, "line longer than 4194304 bytes");
	free(text);
}
END_TEST

/* The first error sticks; the API refuses misuse without crashing. */
START_TEST(test_api)
{
	gomem_heapprof_reader *r;
	gomem_profile *p = (gomem_profile *)1;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_heapprof_reader_new(NULL, "x"), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_heapprof_reader_new(&r, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_heapprof_reader_feed(r, "garbage\n", 8), GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_heapprof_reader_feed(r, "heap profile: 1: 1 [1: 1] @ heap/2\n", 35),
			 GOMEM_E_FORMAT);
	ck_assert_int_eq(gomem_heapprof_reader_finish(&p, r), GOMEM_E_FORMAT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(gomem_heapprof_reader_error(r)->message, "expected 'heap profile:' header");
	gomem_heapprof_reader_free(r);

	ck_assert_int_eq(gomem_heapprof_reader_new(&r, "ok"), GOMEM_OK);
	ck_assert_int_eq(gomem_heapprof_reader_feed(r, raw_text, strlen(raw_text)), GOMEM_OK);
	ck_assert_int_eq(gomem_heapprof_reader_feed(r, NULL, 0), GOMEM_OK);
	ck_assert_int_eq(gomem_heapprof_reader_finish(&p, r), GOMEM_OK);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(gomem_heapprof_reader_feed(r, "x", 1), GOMEM_E_INVALID);
	gomem_profile_free(p);
	ck_assert_int_eq(gomem_heapprof_reader_finish(&p, r), GOMEM_E_INVALID);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(gomem_heapprof_reader_feed(r, NULL, 1), GOMEM_E_INVALID);
	gomem_heapprof_reader_free(r);
	gomem_heapprof_reader_free(NULL);
	ck_assert_ptr_null(gomem_heapprof_reader_error(NULL));

	/* no error record wanted */
	ck_assert_int_eq(gomem_heapprof_from_buffer(&p, "x", 1, "n", NULL), GOMEM_E_FORMAT);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(gomem_heapprof_from_buffer(&p, raw_text, strlen(raw_text), "n", &err),
			 GOMEM_OK);
	ck_assert_int_eq(err.code, GOMEM_OK);
	gomem_profile_free(p);
	/* and through the sniffing front door */
	ck_assert_int_eq(gomem_profile_from_buffer(&p, go_text, strlen(go_text), "g.txt", &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_profile_source_format(p), GOMEM_PROFILE_LEGACY);
	ck_assert_uint_eq(gomem_profile_sample_count(p), 4);
	gomem_profile_free(p);
}
END_TEST

/* ---- the shared corpus -------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_ge(n, 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static gomem_profile *read_file(const char *path)
{
	gomem_source *src;
	gomem_profile *p;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_source_open_path(&src, path, NULL, &err), GOMEM_OK);
	ck_assert_msg(gomem_profile_read(&p, src, &err) == GOMEM_OK, "%s: %s", path, err.message);
	gomem_source_free(src);
	return p;
}

struct fsum {
	const char *name;
	int64_t flat[4], cum[4];
};

/* Flat and cumulative values per function name, as pprof's -top counts
 * them (each function once per stack for cum). Returns the count. */
static size_t function_sums(const gomem_profile *p, struct fsum **out)
{
	size_t nf = gomem_profile_function_count(p), n = 0;
	struct fsum *sums = calloc(nf + 1, sizeof(*sums));
	size_t *slot = calloc(nf + 1, sizeof(*slot));
	size_t *seen = calloc(nf + 1, sizeof(*seen));

	ck_assert(sums && slot && seen);
	for (size_t f = 0; f < nf; f++) {
		const char *name = gomem_profile_function_name(p, f);
		size_t k;

		for (k = 0; k < n && strcmp(sums[k].name, name) != 0; k++)
			;
		if (k == n)
			sums[n++].name = name;
		slot[f] = k;
	}
	for (size_t s = 0; s < gomem_profile_sample_count(p); s++) {
		const int64_t *v = values(p, s);
		size_t nl;
		const uint32_t *locs = gomem_profile_sample_locations(p, s, &nl);
		bool leaf = true;

		for (size_t i = 0; i < nl; i++) {
			for (size_t j = 0; j < gomem_profile_location_line_count(p, locs[i]); j++) {
				int64_t line;
				size_t k = slot[gomem_profile_location_line(p, locs[i], j, &line)];

				for (int t = 0; t < 4; t++) {
					if (leaf)
						sums[k].flat[t] += v[t];
					if (seen[k] != s + 1)
						sums[k].cum[t] += v[t];
				}
				seen[k] = s + 1;
				leaf = false;
			}
		}
	}
	free(slot);
	free(seen);
	*out = sums;
	return n;
}

static bool all_zero(const struct fsum *f)
{
	for (int t = 0; t < 4; t++)
		if (f->flat[t] || f->cum[t])
			return false;
	return true;
}

/* Every function with a nonzero value in one has the same flat and cum,
 * for all four sample types, in the other. */
static void assert_same_sums(const gomem_profile *txt, const gomem_profile *pb, const char *what)
{
	struct fsum *a, *b;
	size_t na = function_sums(txt, &a), nb = function_sums(pb, &b), checked = 0;

	for (size_t i = 0; i < na; i++) {
		const struct fsum *other = NULL;

		for (size_t k = 0; k < nb && other == NULL; k++)
			if (strcmp(a[i].name, b[k].name) == 0)
				other = &b[k];
		if (other == NULL) {
			ck_assert_msg(all_zero(&a[i]), "%s: %s only in the text", what, a[i].name);
			continue;
		}
		for (int t = 0; t < 4; t++) {
			ck_assert_msg(a[i].flat[t] == other->flat[t] && a[i].cum[t] == other->cum[t],
				      "%s: %s type %d: text %lld/%lld proto %lld/%lld", what, a[i].name, t,
				      (long long)a[i].flat[t], (long long)a[i].cum[t],
				      (long long)other->flat[t], (long long)other->cum[t]);
		}
		checked++;
	}
	for (size_t k = 0; k < nb; k++) {
		bool found = false;

		for (size_t i = 0; i < na && !found; i++)
			found = strcmp(a[i].name, b[k].name) == 0;
		ck_assert_msg(found || all_zero(&b[k]), "%s: %s only in the proto", what, b[k].name);
	}
	ck_assert_uint_gt(checked, 5);
	free(a);
	free(b);
}

static const char *const corpus_pairs[] = {
	"heap/small-rate1/before",          "heap/small-rate1/after",
	"heap/small-default/before",        "heap/small-default/after",
	"heap/small-default-seeds/run1/before", "heap/small-default-seeds/run1/after",
	"heap/small-default-seeds/run2/before", "heap/small-default-seeds/run2/after",
	"heap/small-default-seeds/run3/before", "heap/small-default-seeds/run3/after",
	"heap/small-default-seeds/run4/before", "heap/small-default-seeds/run4/after",
	"heap/small-default-seeds/run5/before", "heap/small-default-seeds/run5/after",
};

/* The .txt and .pb.gz of one snapshot: per-function numbers agree exactly
 * (the text holds a few more all-zero records written after the proto). */
START_TEST(test_corpus_text_vs_proto)
{
	char rel[256];
	const char *path;
	gomem_profile *txt, *pb;

	snprintf(rel, sizeof(rel), "%s.txt", corpus_pairs[_i]);
	if ((path = test_corpus(rel)) == NULL)
		return; /* ../shared is not there */
	txt = read_file(path);
	snprintf(rel, sizeof(rel), "%s.pb.gz", corpus_pairs[_i]);
	if ((path = test_corpus(rel)) == NULL) {
		gomem_profile_free(txt);
		return;
	}
	pb = read_file(path);
	assert_same_sums(txt, pb, corpus_pairs[_i]);
	gomem_profile_free(txt);
	gomem_profile_free(pb);
}
END_TEST

START_TEST(test_corpus_small_rate1)
{
	const char *path = test_corpus("heap/small-rate1/after.txt");
	int64_t sum[4] = {0, 0, 0, 0};
	gomem_profile *p;

	if (path == NULL)
		return;
	p = read_file(path);
	/* rate 1: nothing scaled, sums are the header's totals */
	for (size_t s = 0; s < gomem_profile_sample_count(p); s++)
		for (int t = 0; t < 4; t++)
			sum[t] += values(p, s)[t];
	ck_assert_int_eq(sum[0], 149121);
	ck_assert_int_eq(sum[1], 22903704);
	ck_assert_int_eq(sum[2], 142949);
	ck_assert_int_eq(sum[3], 20401792);
	ck_assert_uint_eq(gomem_profile_sample_count(p), 336);
	ck_assert_ptr_nonnull(gomem_profile_memstats(p));
	ck_assert_uint_eq(gomem_profile_memstats(p)->fields_seen, 27);
	ck_assert_uint_eq(gomem_profile_memstats(p)->num_gc, 7);
	gomem_profile_free(p);
}
END_TEST

/* The corpus text in odd chunks reads the same as whole. */
START_TEST(test_corpus_chunked)
{
	const char *path = test_corpus("heap/small-rate1/before.txt");
	gomem_profile *whole, *p;
	gomem_error err;
	size_t len;
	char *text;

	if (path == NULL)
		return;
	text = slurp(path, &len);
	ck_assert_int_eq(parse_chunked(text, len, 0, &whole, &err), GOMEM_OK);
	ck_assert_int_eq(parse_chunked(text, len, 1, &p, &err), GOMEM_OK);
	assert_same_profile(whole, p);
	gomem_profile_free(p);
	ck_assert_int_eq(parse_chunked(text, len, 4093, &p, &err), GOMEM_OK);
	assert_same_profile(whole, p);
	gomem_profile_free(p);
	gomem_profile_free(whole);
	free(text);
}
END_TEST

/* pprof's own parse of its test data (the .string beside each file): the
 * sample values, stacks and "bytes" labels, location addresses and their
 * mappings. For a two-type file the in-use columns are compared, and the
 * allocation ones must equal them. */
static void assert_like_pprof_string(const gomem_profile *p, const char *string_path, bool two)
{
	size_t len, s = 0, loc = 0;
	char *text = slurp(string_path, &len), *line, *save = NULL;
	enum { NONE, SAMPLES, LOCATIONS, MAPPINGS } sec = NONE;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "Samples:", 8) == 0 || strncmp(line, "Locations", 9) == 0 ||
		    strncmp(line, "Mappings", 8) == 0) {
			sec = line[0] == 'S' ? SAMPLES : line[0] == 'L' ? LOCATIONS : MAPPINGS;
			continue;
		}
		if (sec == SAMPLES && strchr(line, ':') && strstr(line, "bytes:[") == NULL &&
		    strchr(line, '/') == NULL) {
			char *colon = strchr(line, ':'), *q = line;
			int64_t want[4];
			int nv = 0;
			size_t nl, k = 0;
			const uint32_t *locs = gomem_profile_sample_locations(p, s, &nl);

			while (q < colon && nv < 4)
				want[nv++] = strtoll(q, &q, 10);
			ck_assert_int_eq(nv, two ? 2 : 4);
			for (int t = 0; t < 4; t++)
				ck_assert_int_eq(values(p, s)[t], want[two ? t % 2 : t]);
			for (q = colon + 1; *q; k++) {
				long id = strtol(q, &q, 10);

				if (id == 0)
					break;
				ck_assert_uint_lt(k, nl);
				ck_assert_uint_eq(locs[k] + 1, (unsigned long)id);
			}
			ck_assert_uint_eq(k, nl);
			s++;
		} else if (sec == SAMPLES && strstr(line, "bytes:[")) {
			ck_assert_int_eq(bytes_label(p, s - 1), strtoll(strstr(line, "[") + 1, NULL, 10));
		} else if (sec == LOCATIONS && strstr(line, " M=")) {
			unsigned long long addr = strtoull(strchr(line, ':') + 2, NULL, 16);
			unsigned long m = strtoul(strstr(line, " M=") + 3, NULL, 10);

			ck_assert_uint_eq(gomem_profile_location_address(p, loc), addr);
			/* pprof invents mapping 1 for a file that has none */
			if (gomem_profile_mapping_count(p) > 0)
				ck_assert_uint_eq(p->locations[loc].mapping, m);
			loc++;
		}
	}
	ck_assert_uint_eq(s, gomem_profile_sample_count(p));
	ck_assert_uint_eq(loc, gomem_profile_location_count(p));
	free(text);
}

static const struct peer_case {
	const char *file;
	bool two;
	size_t mappings;
	const char *first_mapping;
} peer_cases[] = {
	{"gobench.heap", false, 0, NULL},
	{"cppbench.heap", true, 12, "/home/cppbench_server_main"},
	{"cppbench.growth", true, 12, "cppbench_server_main"},
};

START_TEST(test_corpus_peer_pprof)
{
	const struct peer_case *c = &peer_cases[_i];
	char rel[256];
	const char *path;
	gomem_profile *p;
	uint64_t start, limit, off;

	snprintf(rel, sizeof(rel), "heap/peer-pprof/%s", c->file);
	if ((path = test_corpus(rel)) == NULL)
		return;
	p = read_file(path);
	snprintf(rel, sizeof(rel), "heap/peer-pprof/%s.string", c->file);
	if ((path = test_corpus(rel)) != NULL)
		assert_like_pprof_string(p, path, c->two);
	ck_assert_uint_eq(gomem_profile_mapping_count(p), c->mappings);
	if (c->first_mapping) {
		ck_assert_str_eq(gomem_profile_mapping_file(p, 0, &start, &limit, &off),
				 c->first_mapping);
		ck_assert_uint_eq(start, 0x400000);
		ck_assert_uint_eq(limit, 0xfcb000);
		ck_assert_uint_eq(off, 0);
	}
	ck_assert_int_eq(has_comment(p, "without separate allocation counts"), c->two);
	gomem_profile_free(p);
}
END_TEST

START_TEST(test_corpus_java_refused)
{
	const char *path = test_corpus("heap/peer-pprof/java.heap");
	gomem_source *src;
	gomem_profile *p;
	gomem_error err = {0};

	if (path == NULL)
		return;
	ck_assert_int_eq(gomem_source_open_path(&src, path, NULL, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_profile_read(&p, src, &err), GOMEM_E_UNSUPPORTED);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err.message, "Java heap profile ('--- heapz') is not supported");
	ck_assert_uint_eq(err.line, 1);
	gomem_source_free(src);
}
END_TEST

/* The memory map of a C++ profile: brief and /proc/self/maps lines,
 * "$name" from an earlier "name=value", non-executable regions skipped,
 * split regions merged, the main binary first, locations placed. */
START_TEST(test_memory_map)
{
	gomem_profile *p = parse_ok(
		"heap profile: 2: 128 [2: 128] @ heapz_v2/524288\n"
		"1: 64 [1: 64] @ 0x7f0000001001 0x400101\n"
		"1: 64 [1: 64] @ 0x500001 0x10\n"
		"--- Memory map: ---\n"
		"\tsource=/opt\n"
		"  7f0000000000-7f0000010000: /lib/libc.so.6\n"
		"00400000-00500000 r-xp 00000000 08:01 1234 $source/server\n"
		"00500000-00600000 r-xp 00100000 08:01 1234 $source/server\n"
		"00600000-00700000 rw-p 00200000 08:01 1234 $source/server\n"
		"garbage line\n"
		"0x800000-0x900000 /bin/tool (@1000) abc123\n");
	uint64_t start, limit, off;

	ck_assert_uint_eq(gomem_profile_mapping_count(p), 3);
	ck_assert_str_eq(gomem_profile_mapping_file(p, 0, &start, &limit, &off), "/opt/server");
	ck_assert_uint_eq(start, 0x400000);
	ck_assert_uint_eq(limit, 0x600000);
	ck_assert_str_eq(gomem_profile_mapping_file(p, 1, &start, &limit, &off), "/lib/libc.so.6");
	ck_assert_uint_eq(start, 0x7f0000000000);
	ck_assert_str_eq(gomem_profile_mapping_file(p, 2, &start, &limit, &off), "/bin/tool");
	ck_assert_uint_eq(off, 0x1000);
	ck_assert_str_eq(gomem_strpool_get(&p->strings, p->mappings[2].build_id), "abc123");
	/* locations: 0x7f0000001000 libc, 0x400100 and 0x500000 server, 0xf none */
	ck_assert_uint_eq(gomem_profile_location_count(p), 4);
	ck_assert_uint_eq(p->locations[0].mapping, 2);
	ck_assert_uint_eq(p->locations[1].mapping, 1);
	ck_assert_uint_eq(p->locations[2].mapping, 1);
	ck_assert_uint_eq(p->locations[3].mapping, 0);
	gomem_profile_free(p);
}
END_TEST

Suite *suite_heapprof(void)
{
	Suite *s = suite_create("heapprof");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, test_header, 0, (int)GOMEM_ARRAY_SIZE(header_cases));
	tcase_add_test(tc, test_two_vs_four_types);
	tcase_add_loop_test(tc, test_unsample, 0, (int)GOMEM_ARRAY_SIZE(scale_cases));
	tcase_add_test(tc, test_blocksize_label);
	tcase_add_test(tc, test_go_frames);
	tcase_add_loop_test(tc, test_frames, 0, (int)GOMEM_ARRAY_SIZE(frames_cases));
	tcase_add_test(tc, test_one_function_per_name_and_file);
	tcase_add_test(tc, test_unsymbolized);
	tcase_add_test(tc, test_memstats);
	tcase_add_loop_test(tc, test_memstats_float, 0, (int)GOMEM_ARRAY_SIZE(float_cases));
	tcase_add_test(tc, test_comments_before_trailer);
	tcase_add_test(tc, test_memory_map);
	suite_add_tcase(s, tc);

	tc = tcase_create("feeding");
	tcase_add_loop_test(tc, test_chunked, 0, (int)GOMEM_ARRAY_SIZE(chunk_sizes));
	tcase_add_test(tc, test_truncated_record_line);
	tcase_add_test(tc, test_api);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_malformed, 0, (int)GOMEM_ARRAY_SIZE(bad_cases));
	tcase_add_loop_test(tc, test_malformed_fixture, 0, (int)GOMEM_ARRAY_SIZE(fixture_cases));
	tcase_add_test(tc, test_error_format);
	tcase_add_test(tc, test_line_too_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_corpus_text_vs_proto, 0, (int)GOMEM_ARRAY_SIZE(corpus_pairs));
	tcase_add_test(tc, test_corpus_small_rate1);
	tcase_add_test(tc, test_corpus_chunked);
	tcase_add_loop_test(tc, test_corpus_peer_pprof, 0, (int)GOMEM_ARRAY_SIZE(peer_cases));
	tcase_add_test(tc, test_corpus_java_refused);
	suite_add_tcase(s, tc);
	return s;
}
