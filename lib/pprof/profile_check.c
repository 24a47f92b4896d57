/* SPDX-License-Identifier: Apache-2.0 */
/* profile_check.c — what a profile cannot hold, refused where it sits in the
 * input. The readers note every sample's values as they read them (the
 * audit: cheap, and done while the sample's position is known); the checks
 * run at the end, once the string table is in (it comes last in Go's files)
 * and the sample types have names:
 *
 *  - a negative period; a heap profile with period 0, which Go writes when
 *    runtime.MemProfileRate was 0: its samples were taken at a rate the
 *    file does not record, so nothing can unsample them;
 *  - a sample type whose values add up, in absolute value, past the int64
 *    range: every total and difference a report takes must be representable;
 *  - a negative value of a heap type where there can be none: allocation
 *    counts never go down, in-use counts only between two snapshots (a
 *    delta profile, net/http/pprof's ?seconds=N, which sets duration_nanos),
 *    and the negated base samples of a diff profile carry the label
 *    pprof::base (pprof -diff_base -proto and gomem heapdiff --format pprof).
 *
 * And the relations between MemStats fields the runtime always keeps
 * (runtime.TestMemStats checks most of them): a trailer that breaks one was
 * not written by Go, and the breakdowns built on it would be nonsense. */
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

/* ---- the audit -------------------------------------------------------------- */

void gomem_value_audit_free(struct gomem_value_audit *a)
{
	free(a->cols);
	free(a->neg);
	memset(a, 0, sizeof(*a));
}

static int audit_columns(struct gomem_value_audit *a, size_t n)
{
	size_t old = a->cols_cap;
	int rc = GOMEM_GROW(a->cols, a->cols_cap, n, GOMEM_PROFILE_MAX_ITEMS);

	if (rc)
		return rc;
	memset(a->cols + old, 0, (a->cols_cap - old) * sizeof(*a->cols));
	if (n > a->ncols)
		a->ncols = n;
	return GOMEM_OK;
}

/* The rare cases of gomem_value_audit_sample: a new column, a negative
 * value, a sum past INT64_MAX. */
int gomem_value_audit_slow(struct gomem_value_audit *a, size_t sample, const int64_t *v, size_t n,
			   const struct gomem_pos *at)
{
	bool negative = false;
	int rc;

	if (n > a->ncols && (rc = audit_columns(a, n)) != GOMEM_OK)
		return rc;
	for (size_t j = 0; j < n; j++) {
		struct gomem_audit_col *c = &a->cols[j];
		uint64_t m = v[j] < 0 ? 0 - (uint64_t)v[j] : (uint64_t)v[j];

		negative |= v[j] < 0;
		c->sum = c->sum > UINT64_MAX - m ? UINT64_MAX : c->sum + m;
		if (c->sum > (uint64_t)INT64_MAX && !c->over) {
			c->over = true;
			c->at = *at;
		}
	}
	if (!negative)
		return GOMEM_OK;
	if ((rc = GOMEM_GROW(a->neg, a->neg_cap, a->nneg + 1, GOMEM_PROFILE_MAX_ITEMS)) != GOMEM_OK)
		return rc;
	a->neg[a->nneg].sample = sample;
	a->neg[a->nneg].at = *at;
	a->nneg++;
	return GOMEM_OK;
}

/* ---- what a heap profile is ------------------------------------------------- */

/* pprof's memory units (internal/measurement): the name lowercased, a
 * plural 's' dropped when longer than two letters. */
uint64_t gomem_memory_unit_factor(const char *unit)
{
	static const struct {
		const char *alias;
		unsigned int shift;
	} units[] = {
		{"b", 0}, {"byte", 0}, {"kb", 10}, {"kbyte", 10}, {"kilobyte", 10},
		{"mb", 20}, {"mbyte", 20}, {"megabyte", 20}, {"gb", 30}, {"gbyte", 30},
		{"gigabyte", 30}, {"tb", 40}, {"tbyte", 40}, {"terabyte", 40}, {"pb", 50},
		{"pbyte", 50}, {"petabyte", 50},
	};
	char low[16];
	size_t n = unit ? strlen(unit) : 0;

	if (n == 0 || n >= sizeof(low))
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(unit[i] >= 'A' && unit[i] <= 'Z' ? unit[i] - 'A' + 'a' : unit[i]);
	if (n > 2 && low[n - 1] == 's')
		n--;
	low[n] = '\0';
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(units); i++)
		if (strcmp(low, units[i].alias) == 0)
			return UINT64_C(1) << units[i].shift;
	return 0;
}

static const char *pstr(const gomem_profile *p, uint32_t id)
{
	return gomem_strpool_get(&p->strings, id);
}

/* Go's heap and allocs profiles, the legacy text and what pprof makes of
 * C++ heapz files all have the period type "space": only those are judged
 * by the value checks below, which know what their types mean. */
static bool space_period(const gomem_profile *p)
{
	return strcmp(pstr(p, p->period_type.type), "space") == 0;
}

/* A producer that writes no period type is known by an in-use or allocated
 * space type in a memory unit. */
bool gomem_profile_is_heap(const gomem_profile *p)
{
	if (space_period(p))
		return true;
	if (p->period_type.type != 0)
		return false;
	for (size_t i = 0; i < p->nsample_types; i++) {
		const char *t = pstr(p, p->sample_types[i].type);

		if ((strcmp(t, "inuse_space") == 0 || strcmp(t, "alloc_space") == 0 ||
		     strcmp(t, "space") == 0) &&
		    gomem_memory_unit_factor(pstr(p, p->sample_types[i].unit)) != 0)
			return true;
	}
	return false;
}

/* Whether a heap sample type may hold a negative value: never for what was
 * allocated (a count that only grows), for what is in use only in a delta
 * profile. Other types are not judged. */
static bool negative_allowed(const gomem_profile *p, const char *type)
{
	static const char *const cumulative[] = {"alloc_objects", "alloc_space", "allocations",
						 "size"};
	static const char *const inuse[] = {"inuse_objects", "inuse_space", "objects", "space"};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cumulative); i++)
		if (strcmp(type, cumulative[i]) == 0)
			return false;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(inuse); i++)
		if (strcmp(type, inuse[i]) == 0)
			return p->duration_nanos > 0;
	return true;
}

static bool diff_base_sample(const gomem_profile *p, size_t s)
{
	const struct gomem_sample *sm = &p->samples[s];

	for (uint32_t j = 0; j < sm->nlabels; j++)
		if (strcmp(pstr(p, p->labels[sm->label_off + j].key), "pprof::base") == 0)
			return true;
	return false;
}

/* ---- the checks ---------------------------------------------------------------- */

static int fail_pos(gomem_error *err, const struct gomem_pos *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_pos(gomem_error *err, const struct gomem_pos *at, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (at->is_text)
		return gomem_error_at_line(err, GOMEM_E_FORMAT, at->line, at->col, "%s", msg);
	return gomem_error_at_byte(err, GOMEM_E_FORMAT, at->offset, "%s", msg);
}

static bool before(const struct gomem_pos *a, const struct gomem_pos *b)
{
	if (a->is_text)
		return a->line < b->line || (a->line == b->line && a->col < b->col);
	return a->offset < b->offset;
}

static int check_period(const gomem_profile *p, const struct gomem_pos *at, gomem_error *err)
{
	if (p->period < 0)
		return fail_pos(err, at, "negative period %lld: a sampling period counts events "
				"and cannot be below zero", (long long)p->period);
	if (p->period == 0 && p->nsamples > 0 && space_period(p))
		return fail_pos(err, at, "period 0: the heap profile was written with "
				"runtime.MemProfileRate=0 (profiling off), so its samples cannot "
				"be unsampled");
	return GOMEM_OK;
}

/* The column whose sum passed INT64_MAX first in the input. */
static int check_sums(const gomem_profile *p, const struct gomem_value_audit *a, gomem_error *err)
{
	const struct gomem_audit_col *first = NULL;
	size_t n = a->ncols < p->nsample_types ? a->ncols : p->nsample_types, col = 0;

	for (size_t j = 0; j < n; j++)
		if (a->cols[j].over && (first == NULL || before(&a->cols[j].at, &first->at))) {
			first = &a->cols[j];
			col = j;
		}
	if (first == NULL)
		return GOMEM_OK;
	return fail_pos(err, &first->at, "the values of %s add up past %lld here: no total of "
			"them could be represented", pstr(p, p->sample_types[col].type),
			(long long)INT64_MAX);
}

static int check_negatives(const gomem_profile *p, const struct gomem_value_audit *a,
			   gomem_error *err)
{
	if (a->nneg == 0 || !space_period(p))
		return GOMEM_OK;
	for (size_t k = 0; k < a->nneg; k++) {
		size_t s = a->neg[k].sample;
		const int64_t *v;

		if (s >= p->nsamples || diff_base_sample(p, s))
			continue;
		v = p->values + p->samples[s].value_off;
		for (size_t j = 0; j < p->nsample_types && j < p->samples[s].nvalues; j++) {
			const char *type = pstr(p, p->sample_types[j].type);

			if (v[j] < 0 && !negative_allowed(p, type))
				return fail_pos(err, &a->neg[k].at,
						"negative %s %lld in a heap profile (%s)", type,
						(long long)v[j],
						p->duration_nanos > 0 || strncmp(type, "alloc", 5) == 0
							? "what was allocated never shrinks"
							: "a snapshot holds nothing below zero");
		}
	}
	return GOMEM_OK;
}

int gomem_profile_check(const gomem_profile *p, const struct gomem_value_audit *a,
			const struct gomem_pos *period_at, gomem_error *err)
{
	int rc = check_period(p, period_at, err);

	if (rc == GOMEM_OK)
		rc = check_sums(p, a, err);
	if (rc == GOMEM_OK)
		rc = check_negatives(p, a, err);
	return rc;
}

/* ---- MemStats ------------------------------------------------------------------ */

struct ms_check {
	const gomem_memstats *ms;
	bool (*has)(const char *name, const void *ctx);
	const void *ctx;
	char *msg;
	size_t size;
};

static bool has_all(const struct ms_check *c, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c->has && !c->has(names[i], c->ctx))
			return false;
	return true;
}

#define HAS(c, ...) has_all((c), (const char *const[]){__VA_ARGS__}, \
			    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* Sum of N values, or UINT64_MAX if it overflows (then it equals nothing
 * the runtime prints). */
static uint64_t sum_u64(const uint64_t *v, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++) {
		if (s > UINT64_MAX - v[i])
			return UINT64_MAX;
		s += v[i];
	}
	return s;
}

static const char *heap_problem(const struct ms_check *c)
{
	const gomem_memstats *ms = c->ms;
	uint64_t parts[2] = {ms->heap_inuse, ms->heap_idle};

	if (HAS(c, "HeapSys") && ms->heap_sys == 0) {
		snprintf(c->msg, c->size, "HeapSys = 0: a Go program's heap is never empty");
		return "HeapSys";
	}
	if (HAS(c, "HeapInuse") && ms->heap_inuse == 0) {
		snprintf(c->msg, c->size, "HeapInuse = 0: a Go program always has spans in use");
		return "HeapInuse";
	}
	if (HAS(c, "HeapSys", "HeapInuse", "HeapIdle") && sum_u64(parts, 2) != ms->heap_sys) {
		snprintf(c->msg, c->size, "HeapSys %llu is not HeapInuse + HeapIdle (%llu + %llu)",
			 (unsigned long long)ms->heap_sys, (unsigned long long)ms->heap_inuse,
			 (unsigned long long)ms->heap_idle);
		return "HeapSys";
	}
	if (HAS(c, "HeapReleased", "HeapIdle") && ms->heap_released > ms->heap_idle) {
		snprintf(c->msg, c->size, "HeapReleased %llu exceeds HeapIdle %llu (released pages "
			 "are idle pages)", (unsigned long long)ms->heap_released,
			 (unsigned long long)ms->heap_idle);
		return "HeapReleased";
	}
	if (HAS(c, "HeapAlloc", "HeapInuse") && ms->heap_alloc > ms->heap_inuse) {
		snprintf(c->msg, c->size, "HeapAlloc %llu exceeds HeapInuse %llu (objects live in "
			 "spans in use)", (unsigned long long)ms->heap_alloc,
			 (unsigned long long)ms->heap_inuse);
		return "HeapAlloc";
	}
	return NULL;
}

static const char *other_problem(const struct ms_check *c)
{
	const gomem_memstats *ms = c->ms;
	uint64_t sys[] = {ms->heap_sys, ms->stack_sys, ms->mspan_sys, ms->mcache_sys,
			  ms->buck_hash_sys, ms->gc_sys, ms->other_sys};

	if (HAS(c, "Alloc", "HeapAlloc") && ms->alloc != ms->heap_alloc) {
		snprintf(c->msg, c->size, "Alloc %llu is not HeapAlloc %llu (the same number)",
			 (unsigned long long)ms->alloc, (unsigned long long)ms->heap_alloc);
		return "Alloc";
	}
	if (HAS(c, "Mallocs", "Frees", "HeapObjects") &&
	    (ms->frees > ms->mallocs || ms->mallocs - ms->frees != ms->heap_objects)) {
		snprintf(c->msg, c->size, "HeapObjects %llu is not Mallocs - Frees (%llu - %llu)",
			 (unsigned long long)ms->heap_objects, (unsigned long long)ms->mallocs,
			 (unsigned long long)ms->frees);
		return "HeapObjects";
	}
	if (HAS(c, "TotalAlloc", "HeapAlloc") && ms->total_alloc < ms->heap_alloc) {
		snprintf(c->msg, c->size, "TotalAlloc %llu is below HeapAlloc %llu (what is "
			 "allocated was allocated)", (unsigned long long)ms->total_alloc,
			 (unsigned long long)ms->heap_alloc);
		return "TotalAlloc";
	}
	if (HAS(c, "Sys", "HeapSys", "Stack", "MSpan", "MCache", "BuckHashSys", "GCSys",
		"OtherSys") && sum_u64(sys, GOMEM_ARRAY_SIZE(sys)) != ms->sys) {
		snprintf(c->msg, c->size, "Sys %llu is not the sum of the *Sys fields (%llu)",
			 (unsigned long long)ms->sys,
			 (unsigned long long)sum_u64(sys, GOMEM_ARRAY_SIZE(sys)));
		return "Sys";
	}
	if (HAS(c, "NumGC", "NumForcedGC") && ms->num_forced_gc > ms->num_gc) {
		snprintf(c->msg, c->size, "NumForcedGC %u exceeds NumGC %u", ms->num_forced_gc,
			 ms->num_gc);
		return "NumForcedGC";
	}
	return NULL;
}

const char *gomem_memstats_problem(const gomem_memstats *ms,
				   bool (*has)(const char *name, const void *ctx),
				   const void *ctx, char *msg, size_t size)
{
	struct ms_check c = {ms, has, ctx, msg, size};
	const char *blame = heap_problem(&c);

	return blame ? blame : other_problem(&c);
}
