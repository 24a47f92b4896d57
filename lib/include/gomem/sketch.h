/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/sketch.h — percentiles of a stream in bounded memory. Values are
 * kept as they are up to a cap, so small runs get exact percentiles
 * (nearest rank); past it they go into a log-bucketed histogram (the
 * DDSketch idea: bucket k holds (gamma^(k-1), gamma^k], gamma = (1+a)/(1-a))
 * whose every percentile is within the relative error a of the exact one,
 * whatever the distribution and the order the values came in. Two sketches
 * of the same a merge without loss (bucket counts add): per-file or
 * per-worker sketches give the same figures as one over everything.
 *
 * Why this and not a t-digest: a t-digest bounds the error in rank (the
 * 99th percentile may be the 98.9th), which for a long-tailed latency is an
 * unbounded error in value; its result depends on insertion order and its
 * merges are lossy. GC pauses, mark times and scheduling latencies span
 * microseconds to seconds, and what a reader compares is the value: a
 * bound on the relative value error is the one to state. Count, sum,
 * minimum and maximum stay exact. */
#ifndef GOMEM_SKETCH_H
#define GOMEM_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_sketch gomem_sketch;

typedef struct gomem_sketch_options {
	unsigned int version;  /* GOMEM_SKETCH_OPTIONS_VERSION */
	double relative_error; /* a, in [0.0001, 0.5): past the cap every percentile is
				* within a of the exact one (0.01: 1 %) */
	size_t exact_cap;      /* values kept as they are (8 bytes each) before the buckets;
				* 0: buckets from the first value */
	size_t max_buckets;    /* 8 bytes each, held only for the range of keys seen so far
				* (a few values: a few buckets); at a = 1 % 4096 of them span
				* 35 decades (a nanosecond to 10^26 seconds, a byte to 10^35);
				* past that the lowest buckets fold into one, and the
				* guarantee holds for percentiles above it only */
} gomem_sketch_options;

#define GOMEM_SKETCH_OPTIONS_VERSION 1
#define GOMEM_SKETCH_OPTIONS_INIT {GOMEM_SKETCH_OPTIONS_VERSION, 0.01, 65536, 4096}

/* OPTS NULL means GOMEM_SKETCH_OPTIONS_INIT. GOMEM_E_INVALID for a relative
 * error outside [0.0001, 0.5), fewer than 16 or more than 2^20 buckets, an
 * exact cap past 2^28 values or an unknown version. */
GOMEM_API int gomem_sketch_new(gomem_sketch **out, const gomem_sketch_options *opts);
/* Adds V: finite and not negative (GOMEM_E_INVALID otherwise, nothing added). */
GOMEM_API int gomem_sketch_add(gomem_sketch *s, double v);
/* Adds everything SRC holds to DST; SRC is unchanged. GOMEM_E_INVALID when
 * their relative errors differ. */
GOMEM_API int gomem_sketch_merge(gomem_sketch *dst, const gomem_sketch *src);
/* The nearest-rank Q quantile (Q in [0, 1]: the smallest value with at least
 * Q of the values at or below it; Q 0 is the minimum) -> *out; NAN when
 * empty. Exact while gomem_sketch_exact(), within gomem_sketch_error() of
 * it otherwise, and never outside [min, max]. Sorts the kept values the
 * first time after an add: not safe to call from two threads at once. */
GOMEM_API int gomem_sketch_quantile(gomem_sketch *s, double q, double *out);
GOMEM_API uint64_t gomem_sketch_count(const gomem_sketch *s);
/* Exact figures: the sum (0 when empty), the minimum and maximum (NAN when empty). */
GOMEM_API double gomem_sketch_sum(const gomem_sketch *s);
GOMEM_API double gomem_sketch_min(const gomem_sketch *s);
GOMEM_API double gomem_sketch_max(const gomem_sketch *s);
/* The bytes S holds: the handle, the kept values and the buckets. */
GOMEM_API size_t gomem_sketch_bytes(const gomem_sketch *s);
/* 1 while every value is kept (percentiles exact), 0 once in buckets. */
GOMEM_API int gomem_sketch_exact(const gomem_sketch *s);
/* The relative error of a percentile: 0 while exact, the options' a after. */
GOMEM_API double gomem_sketch_error(const gomem_sketch *s);
/* Forgets every value (the options stay). */
GOMEM_API void gomem_sketch_clear(gomem_sketch *s);
GOMEM_API void gomem_sketch_free(gomem_sketch *s);

#ifdef __cplusplus
}
#endif
#endif
