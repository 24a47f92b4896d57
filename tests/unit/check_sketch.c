/* SPDX-License-Identifier: Apache-2.0 */
/* check_sketch.c — percentiles in bounded memory: exact (nearest rank) up
 * to the cap; past it every percentile within the stated relative error of
 * the exact one, on distributions shaped like GC pauses (log-normal, a
 * heavy Pareto tail, many zeros, a constant, values over 30 decades), in
 * any order; merges that equal one sketch of everything (disjoint ranges
 * too); the memory bound, and a store that grows only with the range seen. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

/* xorshift64*: the same numbers on every machine */
static uint64_t rng_state;

static double uniform01(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static double normal(void)
{
	double u = uniform01(), v = uniform01();

	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

enum dist { LOGNORMAL, PARETO, ZEROS, CONSTANT, WIDE, UNIFORM, NDIST };

static double draw(enum dist d, size_t i)
{
	switch (d) {
	case LOGNORMAL: return 1e-3 * exp(1.5 * normal());            /* pauses around 1 ms */
	case PARETO: return 1e-4 / pow(1 - uniform01(), 1 / 1.1);      /* a tail past seconds */
	case ZEROS: return uniform01() < 0.6 ? 0 : uniform01() * 1e-3; /* "0" times of gctrace */
	case CONSTANT: return 0.25;
	case WIDE: return pow(10, -12 + 30 * uniform01());             /* 1e-12 .. 1e18 */
	default: return (double)(i % 1000) * 1e-6;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest rank on a sorted array, written out plainly (the definition). */
static double exact_rank(const double *v, size_t n, double q)
{
	size_t r = 1;

	while ((double)r < q * (double)n - 1e-9)
		r++;
	return v[(r > n ? n : r) - 1];
}

static const double qs[] = {0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1};

static gomem_sketch *new_sketch(double alpha, size_t cap)
{
	gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;
	gomem_sketch *s;

	o.relative_error = alpha;
	o.exact_cap = cap;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_OK);
	return s;
}

/* Every percentile of S within ALPHA of the exact one of V[0..N) (sorted). */
static void assert_within(gomem_sketch *s, const double *v, size_t n, double alpha, const char *what)
{
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(qs); i++) {
		double want = exact_rank(v, n, qs[i]), got;

		ck_assert_int_eq(gomem_sketch_quantile(s, qs[i], &got), GOMEM_OK);
		ck_assert_msg(fabs(got - want) <= alpha * want * (1 + 1e-9),
			      "%s: q %g: got %.17g, exact %.17g (error %.3g %%, bound %g %%)", what, qs[i],
			      got, want, want > 0 ? 100 * fabs(got - want) / want : 0, 100 * alpha);
	}
}

/* The error bound against the exact percentiles, past the cap. */
START_TEST(test_error_bound)
{
	static const double alphas[] = {0.01, 0.002, 0.05};
	size_t n = 200000;
	double *v = malloc(n * sizeof(*v));

	ck_assert_ptr_nonnull(v);
	for (size_t a = 0; a < GOMEM_ARRAY_SIZE(alphas); a++) {
		for (int d = 0; d < NDIST; d++) {
			gomem_sketch *s;
			double decades = 4096 * log((1 + alphas[a]) / (1 - alphas[a])) / log(10);
			char what[64];

			/* 30 decades need 4096 buckets of at least 1.7 % */
			if (d == WIDE && decades < 30)
				continue;
			s = new_sketch(alphas[a], 1000);
			double sum = 0;

			rng_state = 0x9e3779b97f4a7c15ULL + (uint64_t)d;
			for (size_t i = 0; i < n; i++) {
				v[i] = draw((enum dist)d, i);
				sum += v[i];
				ck_assert_int_eq(gomem_sketch_add(s, v[i]), GOMEM_OK);
			}
			ck_assert(!gomem_sketch_exact(s));
			ck_assert(gomem_sketch_error(s) == alphas[a]);
			ck_assert_uint_eq(gomem_sketch_count(s), n);
			ck_assert(fabs(gomem_sketch_sum(s) - sum) <= 1e-9 * sum);
			qsort(v, n, sizeof(*v), cmp_double);
			ck_assert(gomem_sketch_min(s) == v[0]);
			ck_assert(gomem_sketch_max(s) == v[n - 1]);
			snprintf(what, sizeof(what), "dist %d, a %g", d, alphas[a]);
			assert_within(s, v, n, alphas[a], what);
			gomem_sketch_free(s);
		}
	}
	free(v);
}
END_TEST

/* Up to the cap the figures are the nearest-rank ones, exactly. */
START_TEST(test_exact_below_cap)
{
	gomem_sketch *s = new_sketch(0.01, 1000);
	double v[1000], got;

	rng_state = 42;
	for (size_t i = 0; i < 1000; i++) {
		v[i] = draw(LOGNORMAL, i);
		ck_assert_int_eq(gomem_sketch_add(s, v[i]), GOMEM_OK);
	}
	ck_assert(gomem_sketch_exact(s));
	ck_assert(gomem_sketch_error(s) == 0);
	qsort(v, 1000, sizeof(*v), cmp_double);
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(qs); i++) {
		ck_assert_int_eq(gomem_sketch_quantile(s, qs[i], &got), GOMEM_OK);
		ck_assert(got == exact_rank(v, 1000, qs[i]));
	}
	/* one more and it is a sketch */
	ck_assert_int_eq(gomem_sketch_add(s, 1), GOMEM_OK);
	ck_assert(!gomem_sketch_exact(s));
	gomem_sketch_free(s);

	/* nearest rank on 1..100: p90 is 90, p99 99 (0.29 * 100 rounds above 29) */
	s = new_sketch(0.01, 100);
	for (int i = 100; i >= 1; i--)
		gomem_sketch_add(s, i);
	gomem_sketch_quantile(s, 0.9, &got);
	ck_assert(got == 90);
	gomem_sketch_quantile(s, 0.29, &got);
	ck_assert(got == 29);
	gomem_sketch_quantile(s, 0.5, &got);
	ck_assert(got == 50);
	gomem_sketch_free(s);
}
END_TEST

/* Per-part sketches merged give the figures of one sketch of everything,
 * exact parts and bucketed parts alike, in any order. */
START_TEST(test_merge)
{
	size_t n = 50000, parts = 7;
	gomem_sketch *whole = new_sketch(0.01, 4000), *merged = new_sketch(0.01, 4000);
	gomem_sketch *part[7];

	for (size_t p = 0; p < parts; p++)
		part[p] = new_sketch(0.01, 4000);
	rng_state = 7;
	for (size_t i = 0; i < n; i++) {
		/* part 0 stays small (exact), the others pass the cap */
		size_t p = i < 100 ? 0 : 1 + i % (parts - 1);
		double x = draw(i % 2 ? PARETO : ZEROS, i);

		gomem_sketch_add(whole, x);
		if (p == 0 || i >= 100)
			gomem_sketch_add(part[p], x);
	}
	ck_assert(gomem_sketch_exact(part[0]));
	for (size_t p = parts; p-- > 0;)
		ck_assert_int_eq(gomem_sketch_merge(merged, part[p]), GOMEM_OK);
	ck_assert_uint_eq(gomem_sketch_count(merged), n);
	ck_assert(gomem_sketch_min(merged) == gomem_sketch_min(whole));
	ck_assert(gomem_sketch_max(merged) == gomem_sketch_max(whole));
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(qs); i++) {
		double a, b;

		gomem_sketch_quantile(whole, qs[i], &a);
		gomem_sketch_quantile(merged, qs[i], &b);
		ck_assert_msg(a == b, "q %g: whole %.17g, merged %.17g", qs[i], a, b);
	}
	/* exact + exact under the cap stays exact */
	{
		gomem_sketch *x = new_sketch(0.01, 10), *y = new_sketch(0.01, 10), *z = new_sketch(0.02, 10);
		double got;

		gomem_sketch_add(x, 3);
		gomem_sketch_add(y, 1);
		gomem_sketch_add(y, 2);
		ck_assert_int_eq(gomem_sketch_merge(x, y), GOMEM_OK);
		ck_assert(gomem_sketch_exact(x));
		gomem_sketch_quantile(x, 0.5, &got);
		ck_assert(got == 2);
		ck_assert_int_eq(gomem_sketch_merge(x, z), GOMEM_E_INVALID);
		gomem_sketch_free(x);
		gomem_sketch_free(y);
		gomem_sketch_free(z);
	}
	for (size_t p = 0; p < parts; p++)
		gomem_sketch_free(part[p]);
	gomem_sketch_free(whole);
	gomem_sketch_free(merged);
}
END_TEST

/* The buckets cover only the keys seen: a sketch of three close values
 * holds a few counts, not max_buckets of them (4096 at the defaults, 32
 * KiB, before the store grew on demand). */
START_TEST(test_small_is_small)
{
	gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;
	gomem_sketch *s;
	size_t empty;
	double got;

	o.exact_cap = 0;
	o.relative_error = 0.0005; /* the trace's */
	o.max_buckets = (size_t)1 << 16;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_OK);
	empty = gomem_sketch_bytes(s);
	ck_assert_int_eq(gomem_sketch_add(s, 1000), GOMEM_OK);
	ck_assert_int_eq(gomem_sketch_add(s, 1001), GOMEM_OK);
	ck_assert_int_eq(gomem_sketch_add(s, 1002), GOMEM_OK);
	ck_assert(!gomem_sketch_exact(s));
	ck_assert_uint_le(gomem_sketch_bytes(s) - empty, 8 * sizeof(uint64_t));
	ck_assert_int_eq(gomem_sketch_quantile(s, 0.5, &got), GOMEM_OK);
	ck_assert(fabs(got - 1001) <= 0.0005 * 1001);
	gomem_sketch_free(s);
	/* with an exact cap, three kept values and no buckets */
	s = new_sketch(0.01, 1000);
	empty = gomem_sketch_bytes(s);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(gomem_sketch_add(s, 1e-3 * (i + 1)), GOMEM_OK);
	ck_assert_uint_le(gomem_sketch_bytes(s) - empty, 64 * sizeof(double));
	gomem_sketch_free(s);
}
END_TEST

/* The trace's setting: a = 0.05 %, nanoseconds as integers from 0 (zeros
 * counted apart) to a second; the bound holds at every rank, small values
 * included, and 0 is 0. */
START_TEST(test_small_error_integers)
{
	gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;
	size_t n = 20000;
	double *v = malloc(n * sizeof(*v)), got;
	gomem_sketch *s;

	ck_assert_ptr_nonnull(v);
	o.exact_cap = 0;
	o.relative_error = 0.0005;
	o.max_buckets = (size_t)1 << 16;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_OK);
	for (size_t i = 0; i < n; i++) {
		/* a tenth zeros, then 1, 2, 3 ... ns up to about a second */
		v[i] = i < n / 10 ? 0 : floor(pow(1e9, (double)(i - n / 10) / (double)(n - n / 10)));
		ck_assert_int_eq(gomem_sketch_add(s, v[i]), GOMEM_OK);
	}
	ck_assert_int_eq(gomem_sketch_quantile(s, 0.05, &got), GOMEM_OK);
	ck_assert(got == 0);
	for (size_t r = 1; r <= n; r += 7) {
		double want = v[r - 1];

		ck_assert_int_eq(gomem_sketch_quantile(s, (double)r / (double)n, &got), GOMEM_OK);
		ck_assert_msg(fabs(got - want) <= 0.0005 * want * (1 + 1e-9), "rank %zu: got %.17g, exact %.17g",
			      r, got, want);
	}
	gomem_sketch_free(s);
	free(v);
}
END_TEST

/* New extremes in both directions, alternately: the store grows and
 * shifts, holds about the range (never max_buckets), and the figures equal
 * those of the same values in order. */
START_TEST(test_grows_both_ways)
{
	gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;
	gomem_sketch *s, *t;
	double v[400], ln_gamma = log(1.01 / 0.99), span;
	size_t empty;

	o.exact_cap = 0;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_OK);
	ck_assert_int_eq(gomem_sketch_new(&t, &o), GOMEM_OK);
	empty = gomem_sketch_bytes(s);
	for (int i = 0; i < 200; i++) {
		v[2 * i] = 1.0 * pow(1.05, i);      /* up */
		v[2 * i + 1] = 0.999 / pow(1.05, i); /* down */
		ck_assert_int_eq(gomem_sketch_add(s, v[2 * i]), GOMEM_OK);
		ck_assert_int_eq(gomem_sketch_add(s, v[2 * i + 1]), GOMEM_OK);
	}
	qsort(v, 400, sizeof(*v), cmp_double);
	for (int i = 0; i < 400; i++)
		ck_assert_int_eq(gomem_sketch_add(t, v[i]), GOMEM_OK);
	assert_within(s, v, 400, 0.01, "both ways");
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(qs); i++) {
		double a, b;

		gomem_sketch_quantile(s, qs[i], &a);
		gomem_sketch_quantile(t, qs[i], &b);
		ck_assert(a == b);
	}
	/* the keys in use, and half as many again at most for the growth */
	span = log(v[399] / v[0]) / ln_gamma + 2;
	ck_assert_uint_lt(gomem_sketch_bytes(s) - empty, (size_t)(1.5 * span + 8) * sizeof(uint64_t));
	ck_assert_uint_lt(gomem_sketch_bytes(s) - empty, 4096 * sizeof(uint64_t) / 2);
	gomem_sketch_free(s);
	gomem_sketch_free(t);
}
END_TEST

/* Two sketches whose values share no bucket (microseconds and hours)
 * merge into the figures of one sketch of both, either way round; and so
 * with a store too small for both ranges, where the lowest fold. */
START_TEST(test_merge_disjoint)
{
	for (int small = 0; small < 2; small++) {
		gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;
		gomem_sketch *lo, *hi, *all, *ab, *ba;
		double v[2000];

		o.exact_cap = 0;
		o.max_buckets = small ? 64 : 4096;
		ck_assert_int_eq(gomem_sketch_new(&lo, &o), GOMEM_OK);
		ck_assert_int_eq(gomem_sketch_new(&hi, &o), GOMEM_OK);
		ck_assert_int_eq(gomem_sketch_new(&all, &o), GOMEM_OK);
		ck_assert_int_eq(gomem_sketch_new(&ab, &o), GOMEM_OK);
		ck_assert_int_eq(gomem_sketch_new(&ba, &o), GOMEM_OK);
		rng_state = 42;
		for (int i = 0; i < 1000; i++) {
			v[i] = 1e-6 * (1 + 9 * uniform01());
			v[1000 + i] = 3600 * (1 + uniform01());
			ck_assert_int_eq(gomem_sketch_add(lo, v[i]), GOMEM_OK);
			ck_assert_int_eq(gomem_sketch_add(hi, v[1000 + i]), GOMEM_OK);
			ck_assert_int_eq(gomem_sketch_add(all, v[i]), GOMEM_OK);
			ck_assert_int_eq(gomem_sketch_add(all, v[1000 + i]), GOMEM_OK);
		}
		ck_assert_int_eq(gomem_sketch_merge(ab, lo), GOMEM_OK);
		ck_assert_int_eq(gomem_sketch_merge(ab, hi), GOMEM_OK);
		ck_assert_int_eq(gomem_sketch_merge(ba, hi), GOMEM_OK);
		ck_assert_int_eq(gomem_sketch_merge(ba, lo), GOMEM_OK);
		ck_assert_uint_eq(gomem_sketch_count(ab), 2000);
		ck_assert_uint_le(gomem_sketch_bytes(ab), gomem_sketch_bytes(lo) + o.max_buckets * sizeof(uint64_t));
		for (size_t i = 0; i < GOMEM_ARRAY_SIZE(qs); i++) {
			double want, a, b;

			gomem_sketch_quantile(all, qs[i], &want);
			gomem_sketch_quantile(ab, qs[i], &a);
			gomem_sketch_quantile(ba, qs[i], &b);
			ck_assert_msg(a == want && b == want, "max_buckets %zu, q %g: %.17g %.17g, one sketch %.17g",
				      o.max_buckets, qs[i], a, b, want);
		}
		if (!small) {
			qsort(v, 2000, sizeof(*v), cmp_double);
			assert_within(ab, v, 2000, 0.01, "disjoint merge");
		}
		gomem_sketch_free(lo);
		gomem_sketch_free(hi);
		gomem_sketch_free(all);
		gomem_sketch_free(ab);
		gomem_sketch_free(ba);
	}
}
END_TEST

/* Values over more decades than the buckets span: the lowest fold, the
 * memory stays the same, the high percentiles keep the bound. */
START_TEST(test_bounded)
{
	gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;
	gomem_sketch *s;
	double got, v[4000];

	size_t empty;

	o.exact_cap = 0;
	o.max_buckets = 64;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_OK);
	empty = gomem_sketch_bytes(s);
	/* 64 buckets of 2 %: about 0.55 decades; the values span 300 */
	for (int i = 0; i < 4000; i++) {
		v[i] = pow(10, -150 + 300.0 * ((i * 7919) % 4000) / 4000);
		ck_assert_int_eq(gomem_sketch_add(s, v[i]), GOMEM_OK);
	}
	ck_assert_uint_eq(gomem_sketch_bytes(s) - empty, 64 * sizeof(uint64_t));
	qsort(v, 4000, sizeof(*v), cmp_double);
	gomem_sketch_quantile(s, 1, &got);
	ck_assert(got == v[3999]);
	gomem_sketch_quantile(s, 0.999, &got);
	ck_assert(fabs(got - exact_rank(v, 4000, 0.999)) <= 0.01 * got * (1 + 1e-9));
	gomem_sketch_quantile(s, 0, &got);
	ck_assert(got == v[0]); /* the minimum is exact */
	gomem_sketch_clear(s);
	ck_assert_uint_eq(gomem_sketch_count(s), 0);
	gomem_sketch_quantile(s, 0.5, &got);
	ck_assert(isnan(got));
	gomem_sketch_free(s);
}
END_TEST

START_TEST(test_invalid)
{
	gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;
	gomem_sketch *s;
	double got;

	o.relative_error = 0;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_E_INVALID);
	o.relative_error = 0.5;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_E_INVALID);
	o.relative_error = NAN;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_E_INVALID);
	o = (gomem_sketch_options)GOMEM_SKETCH_OPTIONS_INIT;
	o.max_buckets = 4;
	ck_assert_int_eq(gomem_sketch_new(&s, &o), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_sketch_new(NULL, NULL), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_sketch_new(&s, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_sketch_add(s, -1), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_sketch_add(s, NAN), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_sketch_add(s, INFINITY), GOMEM_E_INVALID);
	ck_assert_uint_eq(gomem_sketch_count(s), 0);
	ck_assert_int_eq(gomem_sketch_quantile(s, 0.5, &got), GOMEM_OK);
	ck_assert(isnan(got));
	ck_assert(isnan(gomem_sketch_min(s)));
	ck_assert_int_eq(gomem_sketch_quantile(s, 1.5, &got), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_sketch_add(s, 0), GOMEM_OK);
	ck_assert_int_eq(gomem_sketch_quantile(s, 0.5, &got), GOMEM_OK);
	ck_assert(got == 0);
	gomem_sketch_free(s);
	gomem_sketch_free(NULL);
}
END_TEST

Suite *suite_sketch(void)
{
	Suite *s = suite_create("sketch");
	TCase *tc = tcase_create("sketch");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_error_bound);
	tcase_add_test(tc, test_exact_below_cap);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_small_is_small);
	tcase_add_test(tc, test_small_error_integers);
	tcase_add_test(tc, test_grows_both_ways);
	tcase_add_test(tc, test_merge_disjoint);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_invalid);
	suite_add_tcase(s, tc);
	return s;
}
