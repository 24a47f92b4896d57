/* SPDX-License-Identifier: Apache-2.0 */
/* pacer-internal.h — shared by pacer_replay.c (the fit and the simulation)
 * and pacer_infer.c (the GC settings a log ran under). */
#ifndef GOMEM_PACER_INTERNAL_H
#define GOMEM_PACER_INTERNAL_H

#include "gomem-internal.h"

/* One gc line as printed: sizes in bytes, whole MiB as gctrace truncates
 * them (the true value is up to a MiB more). */
struct pacer_obs {
	int64_t gc;        /* its number: the cycle before it is gc - 1 */
	double h0, h1, h2; /* heap at the start, at mark termination, marked heap */
	double goal;       /* the goal of this cycle, set when the cycle before ended */
	double stacks;     /* scannable stacks (Go 1.18+), 0 before */
	double scan;       /* stacks + globals (Go 1.18+), 0 before */
	int has_scan;      /* the line has MB stacks and MB globals */
	int forced;
};

/* What a log says about its settings. */
struct pacer_inferred {
	int gogc;                 /* GOMEM_PACER_GOGC_OFF for off */
	int64_t memory_limit;     /* GOMEM_PACER_NO_LIMIT when no limit shows */
	size_t informative;       /* cycles whose goal could be read */
	size_t consistent;        /* of those, goals GOGC explains */
	size_t limited;           /* of those, goals under GOGC's: the limit's */
};

/* Non-heap memory a memory limit counts beside a heap of HEAP bytes and
 * STACKS of scannable stacks, as assumed under Go 1.GO_MINOR (the trace does
 * not show it), times SCALE (the error estimate turns it). */
double pacer_nonheap(int go_minor, double heap, double stacks, double scale);
/* The share of the heap in pacer_nonheap. */
double pacer_nonheap_ratio(int go_minor);
/* GOGC and GOMEMLIMIT from the goals of O[0..N) (in the order of the log);
 * GOMEM_E_NOMEM. */
int pacer_infer(const struct pacer_obs *o, size_t n, int go_minor, struct pacer_inferred *out);

#endif
