/* SPDX-License-Identifier: Apache-2.0 */
/* pacer_infer.c — the GOGC and GOMEMLIMIT a gctrace log ran under, which the
 * trace does not print. Each gc line's goal was set when the cycle before
 * ended (runtime/mgcpacer.go commit and heapGoal):
 *
 *   goal = max(marked + (marked + stacks + globals) * GOGC/100,
 *              4 MiB * GOGC/100,                 the minimum heap
 *              marked + 1 MiB, triggered + 64 KiB)  the sweep distance, runway
 *   or, where the memory limit's goal is lower, that goal (then unraised).
 *
 * Every size is printed truncated to a MiB: at a 4 MiB heap a goal's ratio
 * to the marked heap is only known to some 25 %. So each cycle is not read
 * as one GOGC value but as the range of GOGC values that can give its
 * printed goal from its printed sizes. A GOGC below the range is impossible
 * for that cycle (the goal would be lower than printed: no rule raises it
 * that far); one above it is what a memory limit does (the goal held under
 * GOGC's). The GOGC inferred is the one that no cycle rules out and most
 * cycles agree with, the roundest of those (settings are people's: 100, 50,
 * 200...); a limit is inferred only from cycles whose goals sit under that
 * GOGC's, when they are many and their goals flat under one ceiling. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pacer-internal.h"

#define MIB 1048576.0
#define HEAP_MINIMUM (4 * MIB)  /* defaultHeapMinimum */
#define MAX_GOGC 10000          /* the values tried: 1 .. MAX_GOGC */

/* Non-heap memory the memory limit counts and no trace shows (fragmentation
 * of partly free spans, heap metadata, the runtime's own structures): a
 * share of the heap plus a fixed part, calibrated once on the limit - goal
 * of the first recorded runs of tests/data/gctrace/whatif (workloads A-D,
 * tight and off limits, per Go version; 1.23 agreed with 1.22). Go 1.22
 * put the heap bitmap of larger objects in headers, which shows as less
 * overhead. */
#define NONHEAP_RATIO_119 0.05
#define NONHEAP_FIXED_119 (11 * MIB)
#define NONHEAP_RATIO_122 0.03
#define NONHEAP_FIXED_122 (6 * MIB)

double pacer_nonheap_ratio(int go_minor)
{
	return go_minor >= 22 ? NONHEAP_RATIO_122 : NONHEAP_RATIO_119;
}

double pacer_nonheap(int go_minor, double heap, double stacks, double scale)
{
	double fixed = go_minor >= 22 ? NONHEAP_FIXED_122 : NONHEAP_FIXED_119;

	return (pacer_nonheap_ratio(go_minor) * heap + fixed) * scale + stacks;
}

/* The limit a limited goal plus the non-heap memory G came from: the
 * headroom back (1 MiB before Go 1.21; 3 % of the limit's goal, at least
 * 1 MiB, from 1.21). */
static double limit_of(int go_minor, double g)
{
	double headroom = go_minor >= 21 ? g * 3 / 97 : MIB;

	return g + (headroom > MIB ? headroom : MIB);
}

/* For one cycle C (its goal) after P: GOGC values below A would give a goal
 * under the printed one, which nothing raises that far (impossible); values
 * at B and above a goal over it (the memory limit held it lower). Printed
 * sizes are the lower ends of MiB-wide ranges; stacks and globals, small
 * and steady, are taken as printed plus one remainder DELTA shared by the
 * run (give or take a quarter MiB), so that goals which stay put while the
 * marked heap moves cannot all be one GOGC's. */
struct range {
	double a, b;
};

static struct range gogc_range(const struct pacer_obs *p, const struct pacer_obs *c, double delta)
{
	double mlo = p->h2, mhi = p->h2 + MIB;
	double slo = c->has_scan ? fmax(p->scan + delta - MIB / 4, 0) : 0;
	double shi = c->has_scan ? p->scan + delta + MIB / 4 : 0;
	double glo = c->goal, ghi = c->goal + MIB;
	/* the sweep distance and the least runway past the trigger */
	double raise_lo = fmax(mlo + MIB, c->h0 + 65536), raise_hi = fmax(mhi + MIB, c->h0 + MIB + 65536);
	struct range r;

	/* raised at least to that: any GOGC could give the goal... */
	r.a = raise_hi >= glo ? 0 : fmin(100 * glo / HEAP_MINIMUM, 100 * (glo - mhi) / (mhi + shi));
	/* ...and a goal under the raise is only the limit's */
	if (raise_lo >= ghi)
		r.b = 0;
	else if (mlo + slo > 0)
		r.b = fmin(100 * ghi / HEAP_MINIMUM, 100 * (ghi - mlo) / (mlo + slo));
	else
		r.b = 100 * ghi / HEAP_MINIMUM;
	r.a = fmin(fmax(r.a, 0), MAX_GOGC + 1);
	r.b = fmin(fmax(r.b, 0), MAX_GOGC + 1);
	return r;
}

/* Cycles whose goal can be read: the one before is in the log, neither
 * forced. */
static bool informative(const struct pacer_obs *o, size_t i)
{
	return i > 0 && o[i].gc == o[i - 1].gc + 1 && !o[i].forced && o[i - 1].h2 >= 0 && o[i].goal >= 0;
}

/* Settings are people's: the roundest value wins among those that fit. */
static int roundness(int g)
{
	return g == 100 ? 6 : g % 100 == 0 ? 5 : g % 50 == 0 ? 4 : g % 25 == 0 ? 3 : g % 10 == 0 ? 2
	       : g % 5 == 0 ? 1 : 0;
}

#define NDELTA 8 /* the shared remainder of stacks and globals: 0 to 2 MiB */

/* Per GOGC value g and remainder: cycles that rule g out (above) and that
 * agree with it (agree), from difference arrays over the ranges. */
struct tally {
	int32_t *above, *agree; /* NDELTA rows of MAX_GOGC + 2 */
	size_t n;               /* informative cycles */
	int32_t allow;          /* cycles that may rule a value out: a hundredth */
};

#define AT(t, arr, d, g) ((t)->arr[(size_t)(d) * (MAX_GOGC + 2) + (size_t)(g)])

static double delta_of(int d)
{
	return (d + 0.5) * 2 * MIB / NDELTA;
}

static int tally_ranges(const struct pacer_obs *o, size_t n, struct tally *t)
{
	t->n = 0;
	t->above = calloc(NDELTA * (MAX_GOGC + 2), sizeof(*t->above));
	t->agree = calloc(NDELTA * (MAX_GOGC + 2), sizeof(*t->agree));
	if (t->above == NULL || t->agree == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!informative(o, i))
			continue;
		for (int d = 0; d < NDELTA; d++) {
			struct range r = gogc_range(&o[i - 1], &o[i], delta_of(d));
			size_t a = (size_t)ceil(r.a), b = (size_t)ceil(r.b);

			AT(t, above, d, 0)++;
			AT(t, above, d, a)--;
			if (a < b) {
				AT(t, agree, d, a)++;
				AT(t, agree, d, b)--;
			}
		}
		t->n++;
	}
	for (int d = 0; d < NDELTA; d++)
		for (size_t g = 1; g <= MAX_GOGC + 1; g++) {
			AT(t, above, d, g) += AT(t, above, d, g - 1);
			AT(t, agree, d, g) += AT(t, agree, d, g - 1);
		}
	t->allow = (int32_t)(t->n / 100);
	return GOMEM_OK;
}

/* How many cycles agree with G under its best remainder (*D); -1 when more
 * than a hundredth rule it out under every remainder. */
static int32_t agreeing(const struct tally *t, int g, int *d)
{
	int32_t most = -1;

	for (int k = 0; k < NDELTA; k++)
		if (AT(t, above, k, g) <= t->allow && AT(t, agree, k, g) > most) {
			most = AT(t, agree, k, g);
			*d = k;
		}
	return most;
}

/* The GOGC most cycles agree with and few rule out (the roundest within 2 %
 * of the most); -1 when every value is ruled out. */
static int best_gogc(const struct tally *t, int32_t *agree)
{
	int32_t most = -1, slack;
	int best = -1, d;

	for (int g = 1; g <= MAX_GOGC; g++) {
		int32_t a = agreeing(t, g, &d);

		if (a > most)
			most = a;
	}
	if (most < 0)
		return -1;
	slack = most / 50;
	for (int g = 1; g <= MAX_GOGC; g++) {
		int32_t a = agreeing(t, g, &d);

		if (a < 0 || a < most - slack)
			continue;
		if (best < 0 || roundness(g) > roundness(best) ||
		    (roundness(g) == roundness(best) && a > *agree))
			best = g, *agree = a;
	}
	return best;
}

static int cmp_double(const void *a, const void *b, void *ctx)
{
	double x = *(const double *)a, y = *(const double *)b;

	(void)ctx;
	return (x > y) - (x < y);
}

/* A memory limit under GOGC G (GOMEM_PACER_GOGC_OFF: every goal is the
 * limit's): the limit each cycle whose goal lies under G's implies (goal
 * plus non-heap memory plus headroom), their median, and how many cycles
 * it explains: those within 6 % of it (the non-heap memory moves), and
 * those G explains. */
struct limit_fit {
	int gogc;
	double limit;
	size_t at_limit;
	int32_t agree;
	size_t explained;
	size_t nfit;             /* at-limit cycles where a GOGC goal would follow the heap */
	double sm, sg, smm, smg; /* their marked heap (before) and goal, MiB: sums */
};

/* Whether the goals of the at-limit cycles stay put while the marked heap
 * before them moves, as a limit's do, where GOGC's (slope 1 + GOGC/100)
 * follow it: the least-squares slope of goal on marked heap, against half
 * what GOGC=G would give through the truncation's noise. No spread in the
 * marked heap, nothing to tell. */
static bool goals_flat(const struct limit_fit *f, int g)
{
	double n = (double)f->nfit, vm, slope, k;

	if (f->nfit < 3)
		return false;
	vm = f->smm / n - (f->sm / n) * (f->sm / n);
	if (vm < 0.05)
		return false;
	slope = (f->smg / n - (f->sm / n) * (f->sg / n)) / vm;
	k = (1 + g / 100.0) * vm / (vm + 1.0 / 12);
	return slope < k / 2;
}

static int fit_limit(const struct pacer_obs *o, size_t n, int go_minor, const struct tally *t,
		     int gogc, int ref, double *v, struct limit_fit *out)
{
	int d = 0;
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	out->gogc = gogc;
	out->agree = gogc == GOMEM_PACER_GOGC_OFF ? 0 : agreeing(t, gogc, &d);
	if (out->agree < 0)
		return 0; /* G is ruled out */
	for (size_t i = 0; i < n; i++) {
		if (!informative(o, i))
			continue;
		if (gogc != GOMEM_PACER_GOGC_OFF && gogc < gogc_range(&o[i - 1], &o[i], delta_of(d)).b)
			continue;
		/* the goal, half a MiB over its truncation, and what the
		 * limit counts beside the heap then */
		v[k++] = limit_of(go_minor, o[i].goal + MIB / 2 +
					    pacer_nonheap(go_minor, o[i - 1].h1 + MIB / 2, o[i - 1].stacks, 1));
	}
	if (k == 0 || gomem_sort(v, k, sizeof(*v), cmp_double, NULL) != GOMEM_OK)
		return 0;
	out->limit = v[k / 2];
	for (size_t i = 0; i < n; i++) {
		double m, g;

		if (!informative(o, i))
			continue;
		if (gogc != GOMEM_PACER_GOGC_OFF && gogc < gogc_range(&o[i - 1], &o[i], delta_of(d)).b)
			continue;
		if (fabs(limit_of(go_minor, o[i].goal + MIB / 2 +
					    pacer_nonheap(go_minor, o[i - 1].h1 + MIB / 2, o[i - 1].stacks, 1)) /
			 out->limit - 1) > 0.06)
			continue;
		out->at_limit++;
		/* the slope test: where GOGC=REF's goal would be clear of the
		 * minimum heap (which stays put too) */
		m = o[i - 1].h2 / MIB + 0.5;
		g = o[i].goal / MIB;
		if (m + (m + o[i - 1].scan / MIB) * ref / 100 < HEAP_MINIMUM / MIB * ref / 100 + 1)
			continue;
		out->nfit++;
		out->sm += m, out->sg += g, out->smm += m * m, out->smg += m * g;
	}
	out->explained = out->at_limit + (size_t)out->agree;
	return 1;
}

/* Of the limits under 100, under GOGC=off and under BEST, the one that
 * explains the most cycles; near ties go to the default GOGC, then to off
 * (BEST has to beat off clearly: goals that stay put and the rest of the
 * build-up are what off looks like too). */
static int best_limit(const struct pacer_obs *o, size_t n, int go_minor, const struct tally *t, int best,
		      struct limit_fit *out)
{
	double *v = calloc(n ? n : 1, sizeof(*v));
	struct limit_fit f[3];
	int ok[3], pick = -1, ref = best > 0 ? best : 100;
	size_t near = t->n / 50 > 1 ? t->n / 50 : 1, clear = t->n / 20 > 2 ? t->n / 20 : 2;

	if (v == NULL)
		return GOMEM_E_NOMEM;
	ok[0] = fit_limit(o, n, go_minor, t, 100, ref, v, &f[0]);
	ok[1] = fit_limit(o, n, go_minor, t, GOMEM_PACER_GOGC_OFF, ref, v, &f[1]);
	ok[2] = best > 0 && best != 100 && fit_limit(o, n, go_minor, t, best, ref, v, &f[2]);
	free(v);
	if (ok[0])
		pick = 0;
	if (ok[1] && (pick < 0 || f[1].explained > f[pick].explained + near))
		pick = 1;
	if (ok[2] && (pick < 0 || f[2].explained > f[pick].explained + (pick == 1 ? clear : near)))
		pick = 2;
	if (pick < 0)
		memset(out, 0, sizeof(*out));
	else
		*out = f[pick];
	return GOMEM_OK;
}

int pacer_infer(const struct pacer_obs *o, size_t n, int go_minor, struct pacer_inferred *out)
{
	struct tally t = {NULL, NULL, 0, 0};
	struct limit_fit lim;
	int32_t agree = 0;
	int g, rc;

	memset(out, 0, sizeof(*out));
	out->gogc = 100;
	out->memory_limit = GOMEM_PACER_NO_LIMIT;
	if ((rc = tally_ranges(o, n, &t)) != GOMEM_OK || t.n == 0)
		goto done;
	out->informative = t.n;
	g = best_gogc(&t, &agree);
	if ((rc = best_limit(o, n, go_minor, &t, g, &lim)) != GOMEM_OK)
		goto done;
	/* A limit only when it holds a tenth of the goals under one ceiling
	 * and explains clearly more than GOGC alone, or as much while its
	 * goals stay put where GOGC's would follow the marked heap: a run
	 * whose heap and goal both stay put shows no limit. */
	if (lim.at_limit >= 3 && lim.at_limit * 10 >= t.n &&
	    (lim.explained >= (size_t)(agree > 0 ? agree : 0) + (t.n / 10 > 2 ? t.n / 10 : 2) ||
	     (lim.explained >= (size_t)(agree > 0 ? agree : 0) && goals_flat(&lim, g > 0 ? g : 100)))) {
		out->gogc = lim.gogc;
		out->memory_limit = (int64_t)lim.limit;
		out->consistent = (size_t)lim.agree;
		out->limited = lim.at_limit;
	} else if (g > 0) {
		out->gogc = g;
		out->consistent = (size_t)agree;
	}
done:
	free(t.above);
	free(t.agree);
	return rc;
}
