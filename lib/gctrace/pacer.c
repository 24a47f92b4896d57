/* SPDX-License-Identifier: Apache-2.0 */
/* pacer.c — the Go 1.19+ pacer's formulas, read in runtime/mgcpacer.go and
 * mgclimit.go of Go 1.19 and 1.21-1.23 (the same code but for the
 * memory-limit headroom, which became 3 % in 1.21), and the what-if setting
 * strings. Integer arithmetic follows the runtime's, divisions included, so
 * a goal computed here is the goal the runtime prints. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

#define MIB ((uint64_t)1 << 20)
#define DEFAULT_HEAP_MINIMUM (4 * MIB)   /* defaultHeapMinimum */
#define SWEEP_MIN_HEAP_DISTANCE MIB      /* only a comment here: callers pass heapLive + it */
#define MIN_RUNWAY ((uint64_t)64 << 10)  /* heapGoalInternal's minRunway */
#define TRIGGER_RATIO_DEN 64
#define MIN_TRIGGER_RATIO_NUM 45         /* ~0.7 */
#define MAX_TRIGGER_RATIO_NUM 61         /* ~0.95 */
#define GC_GOAL_UTILIZATION 0.25         /* gcGoalUtilization = gcBackgroundUtilization */
#define MAX_UTIL_ERROR 0.3

uint64_t gomem_pacer_heap_minimum(const gomem_pacer_config *cfg)
{
	if (cfg->gogc < 0)
		return 0;
	return DEFAULT_HEAP_MINIMUM * (uint64_t)cfg->gogc / 100;
}

uint64_t gomem_pacer_gogc_goal(const gomem_pacer_config *cfg, uint64_t marked, uint64_t stacks,
			       uint64_t globals)
{
	uint64_t goal, min;

	if (cfg->gogc < 0)
		return UINT64_MAX;
	goal = marked + (marked + stacks + globals) * (uint64_t)cfg->gogc / 100;
	min = gomem_pacer_heap_minimum(cfg);
	return goal < min ? min : goal;
}

/* The limit's headroom: a fixed 1 MiB until Go 1.20; from 1.21, 3 % of the
 * goal with 1 MiB as the least (memoryLimitHeapGoalHeadroomPercent). */
static uint64_t limit_headroom(const gomem_pacer_config *cfg, uint64_t goal)
{
	uint64_t h;

	if (cfg->go_minor < 21)
		return MIB;
	h = goal / 100 * 3;
	return h < MIB ? MIB : h;
}

uint64_t gomem_pacer_limit_goal(const gomem_pacer_config *cfg, uint64_t marked, uint64_t nonheap,
				uint64_t mapped)
{
	uint64_t limit, overage = 0, goal, headroom;

	if (cfg->memory_limit == GOMEM_PACER_NO_LIMIT || cfg->memory_limit < 0)
		return UINT64_MAX;
	limit = (uint64_t)cfg->memory_limit;
	if (mapped > limit)
		overage = mapped - limit;
	if (nonheap >= limit || overage >= limit - nonheap)
		return marked;
	goal = limit - (nonheap + overage);
	headroom = limit_headroom(cfg, goal);
	if (goal < headroom || goal - headroom < headroom)
		goal = headroom;
	else
		goal -= headroom;
	return goal < marked ? marked : goal;
}

uint64_t gomem_pacer_goal(const gomem_pacer_config *cfg, uint64_t marked, uint64_t stacks,
			  uint64_t globals, uint64_t nonheap, uint64_t sweep_min_trigger,
			  uint64_t triggered, int *limited)
{
	uint64_t goal = gomem_pacer_gogc_goal(cfg, marked, stacks, globals);
	uint64_t lim = gomem_pacer_limit_goal(cfg, marked, nonheap, 0);

	if (limited)
		*limited = lim < goal;
	if (lim < goal)
		return lim;
	/* Not limited: keep a sweep distance and a least runway past the
	 * trigger (never in the limit regime: they could push the goal up). */
	if (sweep_min_trigger > goal)
		goal = sweep_min_trigger;
	if (triggered != UINT64_MAX && goal < triggered + MIN_RUNWAY)
		goal = triggered + MIN_RUNWAY;
	return goal;
}

double gomem_pacer_runway(double cons_mark, uint64_t heap_scan, uint64_t stack_scan,
			  uint64_t globals_scan)
{
	return cons_mark * (1 - GC_GOAL_UTILIZATION) / GC_GOAL_UTILIZATION *
	       (double)(heap_scan + stack_scan + globals_scan);
}

uint64_t gomem_pacer_trigger(uint64_t goal, uint64_t marked, uint64_t runway, uint64_t min_trigger)
{
	uint64_t low, max, trigger;

	if (marked >= goal)
		return goal;
	if (min_trigger < marked)
		min_trigger = marked;
	low = (goal - marked) / TRIGGER_RATIO_DEN * MIN_TRIGGER_RATIO_NUM + marked;
	if (min_trigger < low)
		min_trigger = low;
	/* Small heaps keep 3/64 of the way as headroom; large ones the minimum
	 * heap's worth, the runway a GC with no work to do needs. */
	max = (goal - marked) / TRIGGER_RATIO_DEN * MAX_TRIGGER_RATIO_NUM + marked;
	if (goal > DEFAULT_HEAP_MINIMUM && goal - DEFAULT_HEAP_MINIMUM > max)
		max = goal - DEFAULT_HEAP_MINIMUM;
	if (max < min_trigger)
		max = min_trigger;
	trigger = runway > goal ? min_trigger : goal - runway;
	if (trigger < min_trigger)
		trigger = min_trigger;
	if (trigger > max)
		trigger = max;
	return trigger;
}

void gomem_pacer_workers(int procs, int *dedicated, double *fractional)
{
	double total = procs * GC_GOAL_UTILIZATION;
	int d = (int)(total + 0.5);
	double err = total > 0 ? d / total - 1 : 0;

	*fractional = 0;
	if (err < -MAX_UTIL_ERROR || err > MAX_UTIL_ERROR) {
		if (d > total)
			d--;
		*fractional = (total - d) / procs;
	}
	*dedicated = d;
}

void gomem_pacer_limiter_init(gomem_pacer_limiter *l, int procs)
{
	memset(l, 0, sizeof(*l));
	l->capacity = (procs > 0 ? procs : 1) * 1.0;
}

int gomem_pacer_limiter_update(gomem_pacer_limiter *l, double gc_cpu, double mutator_cpu)
{
	double fill = l->fill + gc_cpu - mutator_cpu;

	if (fill > l->capacity) {
		l->overflow += fill - l->capacity;
		fill = l->capacity;
	}
	l->fill = fill < 0 ? 0 : fill;
	l->limiting = l->fill >= l->capacity;
	return l->limiting;
}

/* ---- what-if settings ------------------------------------------------------------ */

static int is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

static int word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && strncmp(s, w, len) == 0;
}

/* VALUE of GOGC: a percent (0 and up, as the runtime takes it) or off. */
static int parse_gogc(gomem_pacer_setting *st, const char *v, size_t len)
{
	char buf[16];
	char *end;
	long pct;

	if (word_is(v, len, "off")) {
		st->gogc = GOMEM_PACER_GOGC_OFF;
		return GOMEM_OK;
	}
	if (len == 0 || len >= sizeof(buf) || !isdigit((unsigned char)v[0]))
		return GOMEM_E_INVALID;
	memcpy(buf, v, len);
	buf[len] = '\0';
	pct = strtol(buf, &end, 10);
	if (*end != '\0' || pct > 1000000)
		return GOMEM_E_INVALID;
	st->gogc = (int)pct;
	return GOMEM_OK;
}

static int parse_limit(gomem_pacer_setting *st, const char *v, size_t len)
{
	char buf[64];
	uint64_t bytes;

	if (word_is(v, len, "off") || word_is(v, len, "max")) {
		st->memory_limit = GOMEM_PACER_NO_LIMIT;
		return GOMEM_OK;
	}
	if (len == 0 || len >= sizeof(buf))
		return GOMEM_E_INVALID;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (gomem_parse_size(&bytes, buf) != GOMEM_OK || bytes == 0 || bytes > (uint64_t)INT64_MAX)
		return GOMEM_E_INVALID;
	st->memory_limit = (int64_t)bytes;
	return GOMEM_OK;
}

/* One KEY=VALUE of a scenario. */
static int parse_pair(gomem_pacer_setting *st, const char *s, size_t len, gomem_error *err)
{
	const char *eq = memchr(s, '=', len);
	size_t klen = eq ? (size_t)(eq - s) : len;
	const char *v = eq ? eq + 1 : s + len;
	size_t vlen = len - klen - (eq ? 1 : 0);

	if (eq && word_is(s, klen, "GOGC")) {
		if (parse_gogc(st, v, vlen) != GOMEM_OK)
			return gomem_error_set(err, GOMEM_E_INVALID,
					       "scenario '%s': GOGC '%.*s' is not a percent or off",
					       st->label, (int)vlen, v);
		st->set_gogc = 1;
		return GOMEM_OK;
	}
	if (eq && word_is(s, klen, "GOMEMLIMIT")) {
		if (parse_limit(st, v, vlen) != GOMEM_OK)
			return gomem_error_set(err, GOMEM_E_INVALID,
					       "scenario '%s': GOMEMLIMIT '%.*s' is not a size or off",
					       st->label, (int)vlen, v);
		st->set_limit = 1;
		return GOMEM_OK;
	}
	return gomem_error_set(err, GOMEM_E_INVALID,
			       "scenario '%s': '%.*s' is not GOGC=VALUE or GOMEMLIMIT=VALUE",
			       st->label, (int)len, s);
}

/* One scenario S[0..LEN): its label, then its pairs. */
static int parse_scenario(gomem_pacer_setting *st, const char *s, size_t len, gomem_error *err)
{
	size_t i = 0;
	int rc;

	while (len > 0 && isspace((unsigned char)s[0]))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	memset(st, 0, sizeof(*st));
	if (len == 0)
		return gomem_error_set(err, GOMEM_E_INVALID, "%s", "an empty scenario");
	if (len >= sizeof(st->label))
		return gomem_error_set(err, GOMEM_E_INVALID, "scenario '%.40s...' is too long", s);
	memcpy(st->label, s, len);
	while (i < len) {
		size_t start;

		while (i < len && is_sep(s[i]))
			i++;
		start = i;
		while (i < len && !is_sep(s[i]))
			i++;
		if (i > start && (rc = parse_pair(st, s + start, i - start, err)) != GOMEM_OK)
			return rc;
	}
	return GOMEM_OK;
}

#define MAX_SCENARIOS 64

int gomem_pacer_settings_parse(gomem_pacer_setting **out, size_t *n, const char *text,
			       gomem_error *err)
{
	gomem_pacer_setting *v;
	size_t count = 1, k = 0;
	const char *s = text;
	int rc;

	*out = NULL;
	*n = 0;
	for (const char *p = text; *p; p++)
		count += *p == ';';
	if (count > MAX_SCENARIOS)
		return gomem_error_set(err, GOMEM_E_INVALID, "more than %d scenarios", MAX_SCENARIOS);
	if ((v = calloc(count, sizeof(*v))) == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "%s", "out of memory");
	for (;;) {
		const char *end = strchr(s, ';');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if ((rc = parse_scenario(&v[k], s, len, err)) != GOMEM_OK) {
			free(v);
			return rc;
		}
		k++;
		if (!end)
			break;
		s = end + 1;
	}
	*out = v;
	*n = k;
	return GOMEM_OK;
}
