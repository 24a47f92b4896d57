/* SPDX-License-Identifier: Apache-2.0 */
/* sketch.c — percentiles in bounded memory: the values as they are up to a
 * cap, then a log-bucketed histogram with a relative error bound (see
 * gomem/sketch.h for the choice). Bucket k counts the values in
 * (gamma^(k-1), gamma^k] and answers with 2 gamma^k / (gamma + 1), which is
 * within (gamma - 1)/(gamma + 1) = a of every value in the bucket. Zeros
 * have their own count. The buckets are one dense array covering only the
 * keys seen so far (and half as many again), grown as new extremes
 * arrive, so a sketch of a few values holds a few counts; it never grows
 * past max_buckets, and when the keys in use span more than that, the
 * lowest fold into the first bucket (the high percentiles are what a
 * reader looks at). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

#define MAX_EXACT_CAP ((size_t)1 << 28)
#define MAX_BUCKETS ((size_t)1 << 20)

struct gomem_sketch {
	gomem_sketch_options opts;
	double ln_gamma;
	/* exact part: every value, while there are at most exact_cap */
	double *vals;
	size_t nvals, vals_cap;
	bool sorted;
	bool exact;
	/* bucket part */
	uint64_t *counts;         /* ncounts (<= max_buckets), NULL until a value is bucketed */
	size_t ncounts;
	int64_t lo;               /* key of counts[0] */
	int64_t klo, khi;         /* keys in use (when counts is not NULL) */
	uint64_t nbucketed, zeros;
	/* exact figures */
	uint64_t n;
	double sum, min, max;
};

int gomem_sketch_new(gomem_sketch **out, const gomem_sketch_options *opts)
{
	gomem_sketch_options o = GOMEM_SKETCH_OPTIONS_INIT;
	gomem_sketch *s;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if (opts != NULL)
		o = *opts;
	if (o.version != GOMEM_SKETCH_OPTIONS_VERSION || !(o.relative_error >= 1e-4) ||
	    !(o.relative_error < 0.5) || o.max_buckets < 16 || o.max_buckets > MAX_BUCKETS ||
	    o.exact_cap > MAX_EXACT_CAP)
		return GOMEM_E_INVALID;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return GOMEM_E_NOMEM;
	s->opts = o;
	s->ln_gamma = log((1 + o.relative_error) / (1 - o.relative_error));
	gomem_sketch_clear(s);
	*out = s;
	return GOMEM_OK;
}

void gomem_sketch_clear(gomem_sketch *s)
{
	free(s->vals);
	free(s->counts);
	s->vals = NULL;
	s->counts = NULL;
	s->ncounts = 0;
	s->nvals = s->vals_cap = 0;
	s->sorted = true;
	s->exact = s->opts.exact_cap > 0;
	s->lo = s->klo = s->khi = 0;
	s->nbucketed = s->zeros = s->n = 0;
	s->sum = 0;
	s->min = s->max = NAN;
}

void gomem_sketch_free(gomem_sketch *s)
{
	if (s == NULL)
		return;
	free(s->vals);
	free(s->counts);
	free(s);
}

/* ---- buckets ---------------------------------------------------------------------- */

/* The key of V > 0: gamma^(k-1) < V <= gamma^k. */
static int64_t key_of(const gomem_sketch *s, double v)
{
	return (int64_t)ceil(log(v) / s->ln_gamma);
}

/* The value bucket K answers with: within a of every value in it. */
static double value_of(const gomem_sketch *s, int64_t k)
{
	double gamma = exp(s->ln_gamma);

	return exp((double)k * s->ln_gamma) * 2 / (gamma + 1);
}

/* Moves the window to start at LO; keys below LO fold into its first bucket.
 * Moving down never drops a key in use (the caller sees to it). */
static void move_window(gomem_sketch *s, int64_t lo)
{
	size_t m = s->ncounts, shift;
	uint64_t *c = s->counts, folded = 0;

	if (lo > s->lo) {
		shift = lo - s->lo < (int64_t)m ? (size_t)(lo - s->lo) : m;
		for (size_t i = 0; i < shift; i++)
			folded += c[i];
		memmove(c, c + shift, (m - shift) * sizeof(*c));
		memset(c + (m - shift), 0, shift * sizeof(*c));
		c[0] += folded;
	} else if (lo < s->lo) {
		shift = s->lo - lo < (int64_t)m ? (size_t)(s->lo - lo) : m;
		memmove(c + shift, c, (m - shift) * sizeof(*c));
		memset(c, 0, shift * sizeof(*c));
	}
	s->lo = lo;
}

/* The first counts: keys KLO..KHI (the highest max_buckets of them) and
 * a few around a lone key. */
static int first_buckets(gomem_sketch *s, int64_t klo, int64_t khi)
{
	int64_t m = (int64_t)s->opts.max_buckets, n;

	if (khi - klo >= m)
		klo = khi - m + 1;
	n = khi - klo + 1 < 8 ? 8 : khi - klo + 1;
	if (n > m)
		n = m;
	if ((s->counts = calloc((size_t)n, sizeof(*s->counts))) == NULL)
		return GOMEM_E_NOMEM;
	s->ncounts = (size_t)n;
	s->lo = klo - (n - (khi - klo + 1)) / 2;
	s->klo = klo; /* the callers add values of both keys */
	s->khi = khi;
	return GOMEM_OK;
}

/* Makes room for key *K: the keys in use and K, centred in the array,
 * which grows to half as much again as they span once they fill three
 * quarters of it (so a new extreme on either side moves or grows it only
 * after many others: each copy is paid for), up to max_buckets; past that
 * the highest keys stay and *K, if lower, becomes the first bucket's. */
static int cover(gomem_sketch *s, int64_t *k)
{
	int64_t m = (int64_t)s->opts.max_buckets, n = (int64_t)s->ncounts;
	int64_t nlo = *k < s->klo ? *k : s->klo, nhi = *k > s->khi ? *k : s->khi, span, grown = n;

	if (nhi - nlo >= m)
		nlo = nhi - m + 1; /* the lowest fold */
	span = nhi - nlo + 1;
	if (4 * span > 3 * n)
		grown = span + span / 2 < m ? span + span / 2 : m;
	if (grown > n) {
		uint64_t *c = realloc(s->counts, (size_t)grown * sizeof(*c));

		if (c == NULL)
			return GOMEM_E_NOMEM;
		memset(c + n, 0, (size_t)(grown - n) * sizeof(*c));
		s->counts = c;
		s->ncounts = (size_t)grown;
	}
	move_window(s, nlo - (grown - span) / 2);
	if (*k < s->lo)
		*k = s->lo;
	if (s->klo < s->lo)
		s->klo = s->lo;
	return GOMEM_OK;
}

/* COUNT values of key K. */
static int bucket_add(gomem_sketch *s, int64_t k, uint64_t count)
{
	int rc;

	if (s->counts == NULL) {
		if ((rc = first_buckets(s, k, k)) != GOMEM_OK)
			return rc;
	} else if ((k < s->lo || k >= s->lo + (int64_t)s->ncounts) && (rc = cover(s, &k)) != GOMEM_OK) {
		return rc;
	}
	s->counts[k - s->lo] += count;
	s->nbucketed += count;
	if (k < s->klo)
		s->klo = k;
	if (k > s->khi)
		s->khi = k;
	return GOMEM_OK;
}

static int bucket_value(gomem_sketch *s, double v)
{
	if (v == 0) {
		s->zeros++;
		return GOMEM_OK;
	}
	return bucket_add(s, key_of(s, v), 1);
}

/* The kept values into buckets: the cap is reached. The counts are sized
 * once, for the keys from the least value above 0 to the greatest. */
static int to_buckets(gomem_sketch *s)
{
	double least = 0;
	int rc;

	for (size_t i = 0; i < s->nvals; i++)
		if (s->vals[i] > 0 && (least == 0 || s->vals[i] < least))
			least = s->vals[i];
	if (least > 0 && s->counts == NULL &&
	    (rc = first_buckets(s, key_of(s, least), key_of(s, s->max))) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < s->nvals; i++)
		if ((rc = bucket_value(s, s->vals[i])) != GOMEM_OK)
			return rc;
	free(s->vals);
	s->vals = NULL;
	s->nvals = s->vals_cap = 0;
	s->exact = false;
	return GOMEM_OK;
}

/* ---- adding ------------------------------------------------------------------------ */

static void account(gomem_sketch *s, double v)
{
	s->n++;
	s->sum += v;
	if (!(v >= s->min))
		s->min = v;
	if (!(v <= s->max))
		s->max = v;
}

int gomem_sketch_add(gomem_sketch *s, double v)
{
	int rc;

	if (s == NULL || !isfinite(v) || v < 0)
		return GOMEM_E_INVALID;
	if (s->exact && s->nvals == s->opts.exact_cap && (rc = to_buckets(s)) != GOMEM_OK)
		return rc;
	if (s->exact) {
		if ((rc = GOMEM_GROW(s->vals, s->vals_cap, s->nvals + 1, s->opts.exact_cap)) != GOMEM_OK)
			return rc;
		/* values that come in order (a monotone series) need no sort */
		s->sorted = s->sorted && (s->nvals == 0 || v >= s->vals[s->nvals - 1]);
		s->vals[s->nvals++] = v;
	} else if ((rc = bucket_value(s, v)) != GOMEM_OK) {
		return rc;
	}
	account(s, v);
	return GOMEM_OK;
}

int gomem_sketch_merge(gomem_sketch *dst, const gomem_sketch *src)
{
	int rc;

	if (dst == NULL || src == NULL || dst->opts.relative_error != src->opts.relative_error)
		return GOMEM_E_INVALID;
	if (src->exact) {
		for (size_t i = 0; i < src->nvals; i++)
			if ((rc = gomem_sketch_add(dst, src->vals[i])) != GOMEM_OK)
				return rc;
		return GOMEM_OK;
	}
	if (dst->exact && (rc = to_buckets(dst)) != GOMEM_OK)
		return rc;
	for (int64_t k = src->klo; src->nbucketed > 0 && k <= src->khi; k++) {
		uint64_t c = src->counts[k - src->lo];

		if (c && (rc = bucket_add(dst, k, c)) != GOMEM_OK)
			return rc;
	}
	dst->zeros += src->zeros;
	dst->n += src->n;
	dst->sum += src->sum;
	if (src->n > 0 && !(src->min >= dst->min))
		dst->min = src->min;
	if (src->n > 0 && !(src->max <= dst->max))
		dst->max = src->max;
	return GOMEM_OK;
}

/* ---- reading ----------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The value of rank R (1-based) among the buckets. */
static double bucket_rank(const gomem_sketch *s, uint64_t r)
{
	uint64_t seen = s->zeros;

	if (seen >= r)
		return 0;
	for (int64_t k = s->klo; k <= s->khi; k++) {
		seen += s->counts[k - s->lo];
		if (seen >= r)
			return value_of(s, k);
	}
	return s->max;
}

int gomem_sketch_quantile(gomem_sketch *s, double q, double *out)
{
	uint64_t r;
	double v;

	if (s == NULL || out == NULL || !(q >= 0 && q <= 1))
		return GOMEM_E_INVALID;
	if (s->n == 0) {
		*out = NAN;
		return GOMEM_OK;
	}
	/* nearest rank, ceil(q n); q n a hair over an integer from rounding
	 * (0.29 * 100 = 29.000000000000004) is that integer */
	v = q * (double)s->n;
	r = (uint64_t)ceil(v - v * 1e-12);
	if (r < 1)
		r = 1;
	if (r > s->n)
		r = s->n;
	if (s->exact) {
		if (!s->sorted) {
			qsort(s->vals, s->nvals, sizeof(*s->vals), cmp_double);
			s->sorted = true;
		}
		*out = s->vals[r - 1];
		return GOMEM_OK;
	}
	/* the ends are exact, even where the lowest buckets folded */
	if (r == 1)
		v = s->min;
	else if (r == s->n)
		v = s->max;
	else
		v = bucket_rank(s, r);
	*out = v < s->min ? s->min : v > s->max ? s->max : v;
	return GOMEM_OK;
}

uint64_t gomem_sketch_count(const gomem_sketch *s)
{
	return s ? s->n : 0;
}

double gomem_sketch_sum(const gomem_sketch *s)
{
	return s ? s->sum : 0;
}

double gomem_sketch_min(const gomem_sketch *s)
{
	return s ? s->min : NAN;
}

double gomem_sketch_max(const gomem_sketch *s)
{
	return s ? s->max : NAN;
}

size_t gomem_sketch_bytes(const gomem_sketch *s)
{
	if (s == NULL)
		return 0;
	return sizeof(*s) + s->vals_cap * sizeof(*s->vals) + s->ncounts * sizeof(*s->counts);
}

int gomem_sketch_exact(const gomem_sketch *s)
{
	return s == NULL || s->exact;
}

double gomem_sketch_error(const gomem_sketch *s)
{
	return s == NULL || s->exact ? 0 : s->opts.relative_error;
}
