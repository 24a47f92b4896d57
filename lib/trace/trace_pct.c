/* SPDX-License-Identifier: Apache-2.0 */
/* trace_pct.c — distributions of durations in bounded memory: the values
 * themselves while there are at most exact_cap of them (percentiles are then
 * exact, nearest rank as gctrace's), then a log-linear histogram with 1024
 * sub-buckets per power of two (within 0.05 %), stored sparsely so a
 * distribution of a few values stays a few bytes. Kept behind this small
 * interface until a shared sketch lands in lib/core. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trace-analysis.h"

#define SUB_BITS 10
#define SUB (1u << SUB_BITS)

void tr_pct_init(struct tr_pct *p, size_t exact_cap)
{
	memset(p, 0, sizeof(*p));
	p->exact_cap = exact_cap;
}

void tr_pct_free(struct tr_pct *p)
{
	free(p->vals);
	free(p->hist);
	free(p->dense);
	tr_map_free(&p->hidx);
	tr_pct_init(p, p->exact_cap);
}

/* Values below 1024 ns have a bucket each; above, 10 significant bits. */
static uint32_t bucket_of(int64_t v)
{
	uint64_t u = v < 0 ? 0 : (uint64_t)v;
	int e;

	if (u < SUB)
		return (uint32_t)u;
	e = 63 - __builtin_clzll(u);
	return (uint32_t)((e - SUB_BITS + 1) << SUB_BITS) | (uint32_t)((u >> (e - SUB_BITS)) & (SUB - 1));
}

static double bucket_value(uint32_t b)
{
	uint32_t e = (b >> SUB_BITS) + SUB_BITS - 1, m = b & (SUB - 1);
	double lo, width;

	if (b < SUB)
		return b;
	lo = ldexp((double)(SUB | m), (int)e - SUB_BITS);
	width = ldexp(1.0, (int)e - SUB_BITS);
	return lo + width / 2;
}

/* Buckets: 1024 exact ones, then 1024 per power of two up to 2^63. */
#define NBUCKETS ((size_t)(64 - SUB_BITS + 1) << SUB_BITS)

static int hist_add(struct tr_pct *p, uint32_t b, uint64_t count)
{
	uint32_t i;
	int rc;

	if (p->dense) {
		p->dense[b] += count;
		return GOMEM_OK;
	}
	if (tr_map_get(&p->hidx, b, &i)) {
		p->hist[i].count += count;
		return GOMEM_OK;
	}
	if ((rc = GOMEM_GROW(p->hist, p->hcap, p->nh + 1, (size_t)64 * SUB)) != GOMEM_OK ||
	    (rc = tr_map_put(&p->hidx, b, (uint32_t)p->nh)) != GOMEM_OK)
		return rc;
	p->hist[p->nh].b = b;
	p->hist[p->nh].count = count;
	p->nh++;
	return GOMEM_OK;
}

static int cmp_bucket(const void *a, const void *b)
{
	uint32_t x = ((const struct tr_bucket *)a)->b, y = ((const struct tr_bucket *)b)->b;

	return (x > y) - (x < y);
}

static int fold(struct tr_pct *p)
{
	int rc = GOMEM_OK;

	/* a distribution allowed a million exact values is one of a few:
	 * a count per bucket (half a megabyte) beats a map per value */
	if (p->exact_cap >= ((size_t)1 << 16) && (p->dense = calloc(NBUCKETS, sizeof(*p->dense))) == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < p->n && rc == GOMEM_OK; i++)
		rc = hist_add(p, bucket_of(p->vals[i]), 1);
	free(p->vals);
	p->vals = NULL;
	p->n = p->cap = 0;
	p->folded = 1;
	return rc;
}

int tr_pct_add(struct tr_pct *p, int64_t ns)
{
	int rc;

	p->count++;
	p->total += (double)ns;
	if (p->count == 1 || ns > p->max)
		p->max = ns;
	if (p->sums_only)
		return GOMEM_OK;
	if (p->folded)
		return hist_add(p, bucket_of(ns), 1);
	if (p->n == p->exact_cap)
		return (rc = fold(p)) != GOMEM_OK ? rc : hist_add(p, bucket_of(ns), 1);
	if ((rc = GOMEM_GROW(p->vals, p->cap, p->n + 1, p->exact_cap)) != GOMEM_OK)
		return rc;
	p->vals[p->n++] = ns;
	return GOMEM_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

double tr_pct_quantile(struct tr_pct *p, double q)
{
	uint64_t r, seen = 0;

	if (p->count == 0 || p->sums_only)
		return NAN;
	r = (uint64_t)ceil(q * (double)p->count);
	if (r < 1)
		r = 1;
	if (r > p->count)
		r = p->count;
	if (!p->folded) {
		qsort(p->vals, p->n, sizeof(*p->vals), cmp_i64);
		return (double)p->vals[r - 1];
	}
	if (p->dense) {
		for (size_t b = 0; b < NBUCKETS; b++) {
			seen += p->dense[b];
			if (seen >= r) {
				double v = bucket_value((uint32_t)b);

				return v > (double)p->max ? (double)p->max : v;
			}
		}
		return (double)p->max;
	}
	/* buckets in order; the index is rebuilt since the order changes */
	qsort(p->hist, p->nh, sizeof(*p->hist), cmp_bucket);
	tr_map_clear(&p->hidx);
	for (size_t i = 0; i < p->nh; i++)
		if (tr_map_put(&p->hidx, p->hist[i].b, (uint32_t)i) != GOMEM_OK)
			return NAN;
	for (size_t i = 0; i < p->nh; i++) {
		seen += p->hist[i].count;
		if (seen >= r) {
			double v = bucket_value(p->hist[i].b);

			return v > (double)p->max ? (double)p->max : v;
		}
	}
	return (double)p->max;
}

void tr_pct_dist(struct tr_pct *p, gomem_trace_dist *out)
{
	out->count = p->count;
	out->total = p->count ? p->total / 1e9 : 0;
	out->p50 = tr_pct_quantile(p, 0.50) / 1e9;
	out->p90 = tr_pct_quantile(p, 0.90) / 1e9;
	out->p99 = tr_pct_quantile(p, 0.99) / 1e9;
	out->max = p->count ? (double)p->max / 1e9 : NAN;
}

int tr_pct_merge(struct tr_pct *dst, const struct tr_pct *src)
{
	int rc = GOMEM_OK;

	if (!src->folded) {
		for (size_t i = 0; i < src->n && rc == GOMEM_OK; i++)
			rc = tr_pct_add(dst, src->vals[i]);
		return rc;
	}
	if (!dst->folded && (rc = fold(dst)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < src->nh && rc == GOMEM_OK; i++)
		rc = hist_add(dst, src->hist[i].b, src->hist[i].count);
	for (size_t b = 0; src->dense && b < NBUCKETS && rc == GOMEM_OK; b++)
		if (src->dense[b])
			rc = hist_add(dst, (uint32_t)b, src->dense[b]);
	dst->count += src->count;
	dst->total += src->total;
	if (src->max > dst->max)
		dst->max = src->max;
	return rc;
}
