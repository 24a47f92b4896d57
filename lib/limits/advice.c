/* SPDX-License-Identifier: Apache-2.0 */
/* advice.c — GOMEMLIMIT and GOGC for a container limit, each setting run
 * through the pacer model fitted to the workload's gctrace (the replay of
 * gomem gctrace --whatif): the GC count, GC CPU and peak heap it predicts,
 * the memory left for what is not Go's (the kernel's, socket buffers,
 * shared memory: the reserve measured from memory.stat), and whether the
 * live heap sits so close to the limit that the collector would run back
 * to back and spend the runtime's 50 % GC CPU cap (the death spiral).
 *
 * The recommendation: GOMEMLIMIT is the limit less the reserve and a 5 %
 * margin (Go's own non-heap memory is inside what GOMEMLIMIT counts, so it
 * needs no room of its own); GOGC is the value, among the observed one,
 * 100, 200, 400 and off, with the least GC CPU whose predicted peak still
 * fits. The rules of thumb users apply (GOMEMLIMIT at 70 % or 85 % of the
 * limit, automemlimit's 90 %) are predicted beside it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gomem-internal.h"

#define MIB ((int64_t)1 << 20)

static int64_t round_mib(double v)
{
	return v > 0 ? (int64_t)floor(v / (double)MIB) * MIB : MIB;
}

static int predict(gomem_limits_candidate *c, const gomem_pacer_model *m, const gomem_limits_advice *a)
{
	gomem_pacer_config cfg;
	double go_peak, limit_goal;
	int rc;

	gomem_pacer_model_config(m, &cfg);
	cfg.gogc = c->gogc;
	cfg.memory_limit = c->gomemlimit;
	if ((rc = gomem_pacer_model_predict(m, &cfg, &c->predicted)) != GOMEM_OK)
		return rc;
	go_peak = c->predicted.peak_heap * (1 + a->nonheap_ratio);
	if (c->gomemlimit != GOMEM_PACER_NO_LIMIT && go_peak > (double)c->gomemlimit &&
	    !c->predicted.thrash)
		go_peak = (double)c->gomemlimit; /* the runtime holds Go's memory at the limit */
	c->peak_rss = go_peak + (double)a->reserve;
	c->headroom = (double)a->limit - c->peak_rss;
	limit_goal = c->gomemlimit == GOMEM_PACER_NO_LIMIT ? INFINITY
							   : (double)c->gomemlimit / (1 + a->nonheap_ratio);
	c->death_spiral = c->predicted.thrash || c->predicted.limiter_on ||
			  a->live_max >= 0.95 * limit_goal;
	c->fits = c->headroom > 0 && !c->death_spiral;
	return GOMEM_OK;
}

static int candidate(gomem_limits_advice *a, const gomem_pacer_model *m, const char *label,
		     int64_t gomemlimit, int gogc)
{
	gomem_limits_candidate *c;

	if (a->ncandidates >= GOMEM_ARRAY_SIZE(a->candidates))
		return GOMEM_E_LIMIT;
	c = &a->candidates[a->ncandidates++];
	memset(c, 0, sizeof(*c));
	snprintf(c->label, sizeof(c->label), "%s", label);
	c->gomemlimit = gomemlimit;
	c->gogc = gogc;
	return predict(c, m, a);
}

/* Better: fits before not; then less GC CPU; then the smaller peak. */
static bool better(const gomem_limits_candidate *x, const gomem_limits_candidate *y)
{
	if (x->fits != y->fits)
		return x->fits;
	if (!x->fits)
		return x->peak_rss < y->peak_rss;
	if (fabs(x->predicted.gc_cpu_pct - y->predicted.gc_cpu_pct) > 0.05)
		return x->predicted.gc_cpu_pct < y->predicted.gc_cpu_pct;
	return x->peak_rss < y->peak_rss;
}

/* The recommendation into candidates[0]: the limit less reserve and margin,
 * with the GOGC that does best. */
static int recommend(gomem_limits_advice *a, const gomem_pacer_model *m, int observed_gogc)
{
	const int gogcs[] = {observed_gogc, 100, 200, 400, GOMEM_PACER_GOGC_OFF};
	int64_t gomemlimit = round_mib(((double)a->limit - (double)a->reserve) * 0.95);
	gomem_limits_candidate best, c;
	int rc;

	memset(&best, 0, sizeof(best));
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(gogcs); i++) {
		if (i > 0 && gogcs[i] == observed_gogc)
			continue;
		memset(&c, 0, sizeof(c));
		snprintf(c.label, sizeof(c.label), "gomem");
		c.gomemlimit = gomemlimit;
		c.gogc = gogcs[i];
		if ((rc = predict(&c, m, a)) != GOMEM_OK)
			return rc;
		if (i == 0 || better(&c, &best))
			best = c;
	}
	a->candidates[0] = best;
	a->ncandidates = 1;
	return GOMEM_OK;
}

int gomem_limits_advise(gomem_limits_advice *a, const gomem_pacer_model *m, int64_t limit, int64_t reserve,
			gomem_error *err)
{
	static const struct {
		const char *label;
		double share;
	} rules[] = {{"70% (seeds)", 0.70}, {"85% (seeds)", 0.85}, {"90% (automemlimit)", 0.90}};
	gomem_pacer_fit fit;
	int gogc, rc;

	memset(a, 0, sizeof(*a));
	if (m == NULL || limit <= 0 || limit == GOMEM_LIMITS_NONE)
		return gomem_error_set(err, GOMEM_E_INVALID, "%s", "no memory limit to advise for "
				       "(the cgroup has none: give --limit SIZE)");
	gomem_pacer_model_get_fit(m, &fit);
	a->limit = limit;
	a->reserve = reserve > 0 ? reserve : 0;
	a->nonheap_ratio = fit.nonheap_ratio > 0 ? fit.nonheap_ratio : 0;
	a->live_max = fit.live_end > fit.live_start ? fit.live_end : fit.live_start;
	gomem_pacer_model_observed(m, &a->observed);
	gogc = fit.gogc;
	if ((rc = recommend(a, m, gogc)) != GOMEM_OK)
		return gomem_error_set(err, rc, "%s", "the pacer model could not replay the workload");
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(rules); i++)
		if ((rc = candidate(a, m, rules[i].label, round_mib((double)limit * rules[i].share), gogc)) != GOMEM_OK)
			return gomem_error_set(err, rc, "%s", "the pacer model could not replay the workload");
	return candidate(a, m, "no GOMEMLIMIT", GOMEM_PACER_NO_LIMIT, gogc);
}
