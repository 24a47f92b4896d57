/* SPDX-License-Identifier: Apache-2.0 */
/* check_pacer.c — the pacer's formulas against values worked out by hand from
 * runtime/mgcpacer.go (Go 1.19 and 1.22) and against goals the runtime
 * printed; the what-if setting strings; the CPU limiter's bucket; the replay
 * model on a steady synthetic trace (whose answers are known) and on recorded
 * runs (tests/data/gctrace/whatif, and the shared corpus when present): what
 * it infers and what it predicts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

#define MiB(x) ((uint64_t)(x) << 20)

static gomem_pacer_config config(int gogc, int64_t limit, int go_minor)
{
	gomem_pacer_config c = GOMEM_PACER_CONFIG_INIT;

	c.gogc = gogc;
	c.memory_limit = limit;
	c.go_minor = go_minor;
	c.procs = 2;
	return c;
}

/* ---- formulas --------------------------------------------------------------------- */

START_TEST(test_heap_minimum)
{
	gomem_pacer_config c = config(100, GOMEM_PACER_NO_LIMIT, 19);

	ck_assert_uint_eq(gomem_pacer_heap_minimum(&c), MiB(4));
	c.gogc = 50;
	ck_assert_uint_eq(gomem_pacer_heap_minimum(&c), MiB(2));
	c.gogc = GOMEM_PACER_GOGC_OFF;
	ck_assert_uint_eq(gomem_pacer_heap_minimum(&c), 0);
}
END_TEST

START_TEST(test_gogc_goal)
{
	gomem_pacer_config c = config(100, GOMEM_PACER_NO_LIMIT, 19);

	/* marked + (marked + stacks + globals) * GOGC/100 */
	ck_assert_uint_eq(gomem_pacer_gogc_goal(&c, MiB(96), 0, 0), MiB(192));
	ck_assert_uint_eq(gomem_pacer_gogc_goal(&c, MiB(96), MiB(1), MiB(2)), MiB(195));
	c.gogc = 50;
	ck_assert_uint_eq(gomem_pacer_gogc_goal(&c, MiB(96), MiB(2), 0), MiB(145));
	/* the minimum heap */
	ck_assert_uint_eq(gomem_pacer_gogc_goal(&c, 1000, 0, 0), MiB(2));
	/* integer arithmetic as the runtime's: (3 * 33) / 100 */
	c.gogc = 33;
	ck_assert_uint_eq(gomem_pacer_gogc_goal(&c, MiB(100) + 3, 0, 0),
			  MiB(100) + 3 + (MiB(100) + 3) * 33 / 100);
	c.gogc = GOMEM_PACER_GOGC_OFF;
	ck_assert_uint_eq(gomem_pacer_gogc_goal(&c, MiB(96), 0, 0), UINT64_MAX);
}
END_TEST

START_TEST(test_limit_goal)
{
	gomem_pacer_config c = config(100, (int64_t)MiB(160), 19);
	uint64_t g0 = MiB(143);

	/* 1.19: limit - nonheap - 1 MiB; the corpus's lim160 runs printed 142 MB */
	ck_assert_uint_eq(gomem_pacer_limit_goal(&c, MiB(80), MiB(17), 0), MiB(142));
	/* 1.21+: 3 % of the goal as headroom, integer division first */
	c.go_minor = 22;
	ck_assert_uint_eq(gomem_pacer_limit_goal(&c, MiB(80), MiB(17), 0), g0 - g0 / 100 * 3);
	/* and at least 1 MiB */
	c.memory_limit = (int64_t)MiB(20);
	ck_assert_uint_eq(gomem_pacer_limit_goal(&c, 0, MiB(1), 0), MiB(18));
	/* overage: mapped past the limit comes off the goal too */
	c.go_minor = 19;
	c.memory_limit = (int64_t)MiB(160);
	ck_assert_uint_eq(gomem_pacer_limit_goal(&c, 0, MiB(17), MiB(170)), MiB(132));
	/* never below the marked heap; non-heap alone over the limit: marked */
	ck_assert_uint_eq(gomem_pacer_limit_goal(&c, MiB(150), MiB(17), 0), MiB(150));
	ck_assert_uint_eq(gomem_pacer_limit_goal(&c, MiB(50), MiB(170), 0), MiB(50));
	c.memory_limit = GOMEM_PACER_NO_LIMIT;
	ck_assert_uint_eq(gomem_pacer_limit_goal(&c, MiB(50), MiB(17), 0), UINT64_MAX);
}
END_TEST

START_TEST(test_goal)
{
	gomem_pacer_config c = config(100, (int64_t)MiB(160), 19);
	int limited = -1;

	ck_assert_uint_eq(gomem_pacer_goal(&c, MiB(60), 0, 0, MiB(17), 0, UINT64_MAX, &limited), MiB(120));
	ck_assert_int_eq(limited, 0);
	ck_assert_uint_eq(gomem_pacer_goal(&c, MiB(90), 0, 0, MiB(17), 0, UINT64_MAX, &limited), MiB(142));
	ck_assert_int_eq(limited, 1);
	/* not limited: the sweep distance and 64 KiB past the trigger raise it */
	ck_assert_uint_eq(gomem_pacer_goal(&c, MiB(60), 0, 0, MiB(17), MiB(125), UINT64_MAX, NULL),
			  MiB(125));
	ck_assert_uint_eq(gomem_pacer_goal(&c, MiB(60), 0, 0, MiB(17), 0, MiB(120), NULL),
			  MiB(120) + 65536);
	/* limited: neither may push the goal up */
	ck_assert_uint_eq(gomem_pacer_goal(&c, MiB(90), 0, 0, MiB(17), MiB(150), MiB(150), NULL),
			  MiB(142));
}
END_TEST

START_TEST(test_trigger)
{
	uint64_t goal = MiB(185), marked = MiB(92);
	uint64_t low = (goal - marked) / 64 * 45 + marked;

	/* no runway: the upper bound, here goal - 4 MiB (past 61/64 of the way) */
	ck_assert_uint_eq(gomem_pacer_trigger(goal, marked, 0, 0), goal - MiB(4));
	/* small heaps: 61/64 of the way */
	ck_assert_uint_eq(gomem_pacer_trigger(MiB(8), MiB(4), 0, 0), MiB(4) / 64 * 61 + MiB(4));
	/* a runway inside the bounds */
	ck_assert_uint_eq(gomem_pacer_trigger(goal, marked, MiB(20), 0), goal - MiB(20));
	/* too long a runway: 45/64 of the way */
	ck_assert_uint_eq(gomem_pacer_trigger(goal, marked, MiB(80), 0), low);
	ck_assert_uint_eq(gomem_pacer_trigger(goal, marked, MiB(500), 0), low);
	/* a minimum trigger (the sweep distance) above the low bound */
	ck_assert_uint_eq(gomem_pacer_trigger(goal, marked, MiB(80), MiB(170)), MiB(170));
	/* at or past the goal: the goal */
	ck_assert_uint_eq(gomem_pacer_trigger(MiB(90), MiB(90), MiB(1), 0), MiB(90));
	ck_assert_uint_eq(gomem_pacer_trigger(MiB(90), MiB(95), MiB(1), 0), MiB(90));
}
END_TEST

START_TEST(test_runway)
{
	/* consMark * (1-0.25)/0.25 * scan work */
	ck_assert(fabs(gomem_pacer_runway(0.5, MiB(10), MiB(1), MiB(1)) - 1.5 * (double)MiB(12)) < 1);
	ck_assert(gomem_pacer_runway(0, MiB(10), 0, 0) == 0);
}
END_TEST

START_TEST(test_workers)
{
	static const struct {
		int procs, dedicated;
		double fractional;
	} cases[] = {
		{1, 0, 0.25}, {2, 0, 0.25}, {3, 0, 0.25}, {4, 1, 0}, {6, 1, 0.5 / 6}, {8, 2, 0}, {32, 8, 0},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++) {
		int d;
		double f;

		gomem_pacer_workers(cases[i].procs, &d, &f);
		ck_assert_msg(d == cases[i].dedicated && fabs(f - cases[i].fractional) < 1e-12,
			      "procs %d: %d + %g", cases[i].procs, d, f);
	}
}
END_TEST

START_TEST(test_limiter)
{
	gomem_pacer_limiter l;

	gomem_pacer_limiter_init(&l, 2);
	ck_assert(l.capacity == 2.0);
	ck_assert_int_eq(gomem_pacer_limiter_update(&l, 0.5, 0.1), 0);
	ck_assert(fabs(l.fill - 0.4) < 1e-12);
	ck_assert_int_eq(gomem_pacer_limiter_update(&l, 2.0, 0), 1);
	ck_assert(fabs(l.overflow - 0.4) < 1e-12);
	/* mutator time drains it, never below empty */
	ck_assert_int_eq(gomem_pacer_limiter_update(&l, 0, 0.5), 0);
	ck_assert_int_eq(gomem_pacer_limiter_update(&l, 0, 10), 0);
	ck_assert(l.fill == 0);
}
END_TEST

/* ---- settings ----------------------------------------------------------------------- */

START_TEST(test_settings)
{
	gomem_pacer_setting *s;
	gomem_error err = {0};
	size_t n;

	ck_assert_int_eq(gomem_pacer_settings_parse(&s, &n, "GOGC=50;GOGC=200;GOMEMLIMIT=1GiB", &err),
			 GOMEM_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(s[0].label, "GOGC=50");
	ck_assert(s[0].set_gogc && s[0].gogc == 50 && !s[0].set_limit);
	ck_assert(s[1].gogc == 200);
	ck_assert(s[2].set_limit && !s[2].set_gogc && s[2].memory_limit == (int64_t)1 << 30);
	gomem_free(s);
	ck_assert_int_eq(gomem_pacer_settings_parse(&s, &n, " GOGC=off, GOMEMLIMIT=256MiB ;GOMEMLIMIT=off",
						    &err), GOMEM_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(s[0].label, "GOGC=off, GOMEMLIMIT=256MiB");
	ck_assert(s[0].gogc == GOMEM_PACER_GOGC_OFF && s[0].memory_limit == (int64_t)MiB(256));
	ck_assert(s[1].set_limit && s[1].memory_limit == GOMEM_PACER_NO_LIMIT);
	gomem_free(s);
}
END_TEST

START_TEST(test_settings_errors)
{
	static const char *bad[] = {
		"", "GOGC=50;", "GOGC=abc", "GOGC=-5", "GOGC=", "FOO=1", "GOGC", "GOMEMLIMIT=lots",
		"GOMEMLIMIT=0", "GOGC=50 GOMAXPROCS=4",
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(bad); i++) {
		gomem_pacer_setting *s = (gomem_pacer_setting *)&s;
		gomem_error err = {0};
		size_t n = 9;

		ck_assert_msg(gomem_pacer_settings_parse(&s, &n, bad[i], &err) == GOMEM_E_INVALID,
			      "'%s' accepted", bad[i]);
		ck_assert(s == NULL && n == 0);
		ck_assert_msg(err.message[0] != '\0', "'%s': no message", bad[i]);
	}
}
END_TEST

/* ---- the model -------------------------------------------------------------------------- */

/* A steady Go 1.19 trace: live LIVE MiB, RATE MiB/s, the pacer at GOGC=100
 * with no runway (the trigger on its upper bound), a 10 ms mark. It starts
 * at gc 100, as a service's log taken in the middle of its life does. */
static gomem_gctrace_event *steady_trace(size_t *n, double live, double rate, double secs)
{
	gomem_gctrace_event *ev = calloc(1024, sizeof(*ev));
	double t = 0.1, marked = live;
	size_t k = 0;

	while (t < secs && k < 1024) {
		double goal = 2 * marked, trig = goal - 4, h1 = trig + rate * 0.010;
		char line[512];

		t += (trig - marked) / rate;
		snprintf(line, sizeof(line),
			 "gc %zu @%.3fs 1%%: 0.05+10+0.05 ms clock, 0.1+0.5/5/5+0.1 ms cpu, %d->%d->%d MB, "
			 "%d MB goal, 0 MB stacks, 0 MB globals, 2 P",
			 k + 100, t, (int)trig, (int)h1, (int)(live + rate * 0.010), (int)goal);
		ck_assert_int_eq(gomem_gctrace_parse_line(&ev[k], line, strlen(line)), 1);
		marked = live + rate * 0.010;
		t += 0.0101;
		k++;
	}
	*n = k;
	return ev;
}

START_TEST(test_model_steady)
{
	gomem_pacer_config cfg = config(100, GOMEM_PACER_NO_LIMIT, 19);
	gomem_pacer_outcome obs, o;
	gomem_pacer_model *m;
	gomem_pacer_fit fit;
	gomem_error err = {0};
	size_t n;
	gomem_gctrace_event *ev = steady_trace(&n, 64, 100, 20);

	ck_assert_int_eq(gomem_pacer_model_fit(&m, ev, n, &cfg, &err), GOMEM_OK);
	gomem_pacer_model_get_fit(m, &fit);
	gomem_pacer_model_observed(m, &obs);
	ck_assert_int_eq(fit.gogc, 100);
	ck_assert(fit.memory_limit == GOMEM_PACER_NO_LIMIT);
	ck_assert_int_eq(fit.procs, 2);
	ck_assert_msg(fabs(fit.alloc_rate / (double)MiB(100) - 1) < 0.05, "rate %g", fit.alloc_rate);
	ck_assert_uint_eq((size_t)obs.gc_count, n);
	/* its own settings again: the log */
	cfg = config(100, GOMEM_PACER_NO_LIMIT, 19);
	ck_assert_int_eq(gomem_pacer_model_predict(m, &cfg, &o), GOMEM_OK);
	ck_assert_msg(fabs(o.gc_count - obs.gc_count) <= 1, "%g vs %g", o.gc_count, obs.gc_count);
	ck_assert_msg(fabs(o.peak_heap / obs.peak_heap - 1) < 0.02, "%g vs %g", o.peak_heap, obs.peak_heap);
	/* GOGC=300: the heap grows by three live heaps, not one: a third of the GCs */
	cfg.gogc = 300;
	ck_assert_int_eq(gomem_pacer_model_predict(m, &cfg, &o), GOMEM_OK);
	ck_assert_msg(fabs(o.gc_count / (obs.gc_count / 3) - 1) < 0.1, "%g vs %g", o.gc_count, obs.gc_count);
	ck_assert(o.error_pct > 0 && o.error_pct < 50);
	ck_assert(!o.limit_binds && !o.thrash);
	/* a limit above the GOGC goal changes nothing; one below it binds */
	cfg.gogc = 100;
	cfg.memory_limit = (int64_t)MiB(1024);
	ck_assert_int_eq(gomem_pacer_model_predict(m, &cfg, &o), GOMEM_OK);
	ck_assert_msg(fabs(o.gc_count - obs.gc_count) <= 1 && !o.limit_binds, "%g", o.gc_count);
	cfg.memory_limit = (int64_t)MiB(120);
	ck_assert_int_eq(gomem_pacer_model_predict(m, &cfg, &o), GOMEM_OK);
	ck_assert(o.limit_binds);
	ck_assert_msg(o.gc_count > obs.gc_count * 1.5, "%g", o.gc_count);
	ck_assert_msg(o.peak_heap < obs.peak_heap, "%g", o.peak_heap);
	/* a limit under the live heap: the GC runs back to back */
	cfg.memory_limit = (int64_t)MiB(60);
	ck_assert_int_eq(gomem_pacer_model_predict(m, &cfg, &o), GOMEM_OK);
	ck_assert(o.thrash && o.limiter_on && o.error_pct >= 60);
	gomem_pacer_model_free(m);
	free(ev);
}
END_TEST

START_TEST(test_model_too_short)
{
	gomem_pacer_config cfg = config(100, GOMEM_PACER_NO_LIMIT, 19);
	gomem_pacer_model *m = (gomem_pacer_model *)&m;
	gomem_error err = {0};
	size_t n;
	gomem_gctrace_event *ev = steady_trace(&n, 64, 100, 20);

	ck_assert_int_eq(gomem_pacer_model_fit(&m, ev, 3, &cfg, &err), GOMEM_E_FORMAT);
	ck_assert_ptr_null(m);
	ck_assert(strstr(err.message, "3 usable gc lines") != NULL);
	free(ev);
}
END_TEST

static gomem_pacer_model *read_model(const char *path, int go_minor)
{
	gomem_pacer_config cfg = config(100, GOMEM_PACER_NO_LIMIT, go_minor);
	gomem_pacer_model *m;
	gomem_error err = {0};

	ck_assert_msg(gomem_pacer_model_read(&m, path, NULL, &cfg, &err) == GOMEM_OK, "%s: %s", path,
		      err.message);
	return m;
}

/* A recorded run: pacerload workload A under Go 1.19 (MANIFEST: GOGC=200
 * runs had 10 to 12 GCs, 10.8 on average; tests/whatif-check.sh has all). */
START_TEST(test_model_recorded)
{
	gomem_pacer_model *m = read_model(test_path("tests/data/gctrace/whatif/go1.19/A.gogc100.r1.log.gz"), 19);
	gomem_pacer_setting s = {"GOGC=200", 1, 200, 0, 0};
	gomem_pacer_outcome obs, o;
	gomem_pacer_fit fit;

	gomem_pacer_model_get_fit(m, &fit);
	gomem_pacer_model_observed(m, &obs);
	ck_assert_int_eq(fit.gogc, 100);
	ck_assert(fit.memory_limit == GOMEM_PACER_NO_LIMIT);
	ck_assert_int_eq((int)obs.gc_count, 23);
	ck_assert(obs.peak_heap == (double)MiB(196));
	ck_assert_int_eq(gomem_pacer_model_whatif(m, &s, &o), GOMEM_OK);
	ck_assert_msg(o.gc_count >= 10 && o.gc_count <= 12, "%g", o.gc_count);
	ck_assert_msg(fabs(o.peak_heap / (double)MiB(290) - 1) < 0.1, "%g", o.peak_heap);
	gomem_pacer_model_free(m);
}
END_TEST

/* The corpus's limited runs: the limit and GOGC=off are read back. */
START_TEST(test_model_infers_limit)
{
	char lim[4096], off[4096];
	gomem_pacer_model *m;
	gomem_pacer_fit fit;

	/* test_corpus gives a static buffer: copy */
	if (test_corpus("gctrace/go1.19-runs/gogc100_lim160.r1.log") == NULL)
		return;
	snprintf(lim, sizeof(lim), "%s", test_corpus("gctrace/go1.19-runs/gogc100_lim160.r1.log"));
	snprintf(off, sizeof(off), "%s", test_corpus("gctrace/go1.19-runs/off_lim256.r1.log"));
	m = read_model(lim, 19);
	gomem_pacer_model_get_fit(m, &fit);
	ck_assert_int_eq(fit.gogc, 100);
	ck_assert_msg(fit.memory_limit != GOMEM_PACER_NO_LIMIT &&
		      fabs((double)fit.memory_limit / (double)MiB(160) - 1) < 0.1, "%lld",
		      (long long)fit.memory_limit);
	gomem_pacer_model_free(m);
	m = read_model(off, 19);
	gomem_pacer_model_get_fit(m, &fit);
	ck_assert_int_eq(fit.gogc, GOMEM_PACER_GOGC_OFF);
	ck_assert_msg(fabs((double)fit.memory_limit / (double)MiB(256) - 1) < 0.1, "%lld",
		      (long long)fit.memory_limit);
	gomem_pacer_model_free(m);
}
END_TEST

/* GOGC and GOMEMLIMIT read back from recorded runs (tests/data/gctrace/
 * whatif, TRUTH.ndjson has what each ran with): small heaps, where the MiB
 * truncation blurs each goal's ratio to the marked heap by some 25 % and
 * the 4 MiB x GOGC/100 minimum holds the goal flat (no limit there), and
 * limits that bind (the goal flat under a ceiling: named within 15 %),
 * with GOGC=100 shown only by the build-up or not at all, or GOGC=off. */
static const struct {
	const char *log;
	int go_minor, gogc;
	int limit_mib; /* 0: none */
} inferred[] = {
	{"go1.19/S.gogc100.r1", 19, 100, 0},  /* was GOGC=110 */
	{"go1.19/S.gogc200.r2", 19, 200, 0},  /* was GOGC=245 GOMEMLIMIT=29MiB */
	{"go1.22/S.gogc200.r2", 22, 200, 0},  /* was GOGC=245 GOMEMLIMIT=24MiB */
	{"go1.21/S.gogc50.r1", 21, 50, 0},    /* was GOGC=45 */
	{"go1.23/T.gogc200.r1", 23, 200, 0},  /* at the minimum: was GOGC=100 */
	{"go1.21/T.gogc50.r1", 21, 50, 0},    /* was GOGC=100 */
	{"go1.19/E.tight.r1", 19, 100, 90},   /* was GOGC=35, no limit */
	{"go1.22/B.tight.r1", 22, 100, 48},   /* was GOGC=45, no limit */
	{"go1.19/A.tight.r2", 19, 100, 160},  /* was GOGC=35, no limit */
	{"go1.19/B.off.r1", 19, GOMEM_PACER_GOGC_OFF, 96},  /* was GOGC=195, no limit */
	{"go1.22/C.off.r1", 22, GOMEM_PACER_GOGC_OFF, 320}, /* was GOGC=165, no limit */
	{"go1.22/D.off.r1", 22, GOMEM_PACER_GOGC_OFF, 256},
	{"go1.19/C.loose.r4", 19, 100, 0},    /* a limit that never binds shows none */
};

START_TEST(test_model_infers_recorded)
{
	char rel[128];
	gomem_pacer_model *m;
	gomem_pacer_fit fit;

	snprintf(rel, sizeof(rel), "tests/data/gctrace/whatif/%s.log.gz", inferred[_i].log);
	m = read_model(test_path(rel), inferred[_i].go_minor);
	gomem_pacer_model_get_fit(m, &fit);
	ck_assert_msg(fit.gogc == inferred[_i].gogc, "%s: GOGC %d, ran with %d", inferred[_i].log, fit.gogc,
		      inferred[_i].gogc);
	if (inferred[_i].limit_mib == 0)
		ck_assert_msg(fit.memory_limit == GOMEM_PACER_NO_LIMIT, "%s: a limit of %lld inferred",
			      inferred[_i].log, (long long)fit.memory_limit);
	else
		ck_assert_msg(fit.memory_limit != GOMEM_PACER_NO_LIMIT &&
			      fabs((double)fit.memory_limit / (double)MiB(inferred[_i].limit_mib) - 1) < 0.15,
			      "%s: limit %lld, ran with %d MiB", inferred[_i].log, (long long)fit.memory_limit,
			      inferred[_i].limit_mib);
	gomem_pacer_model_free(m);
}
END_TEST

/* ---- the report --------------------------------------------------------------------------- */

START_TEST(test_whatif_json)
{
	static const char head[] = "{\"schema\":\"gomem.whatif/1\",\"input\":\"b.log\",\"observed\":{"
				   "\"setting\":\"GOGC=100\",\"gc_count\":70.0,\"peak_heap_bytes\":57671680,";
	gomem_pacer_model *m = read_model(test_path("tests/data/gctrace/whatif/go1.19/B.gogc100.r1.log.gz"), 19);
	gomem_pacer_setting *s;
	gomem_error err = {0};
	char *buf = NULL;
	size_t len = 0, n;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_int_eq(gomem_pacer_settings_parse(&s, &n, "GOGC=50;GOGC=off,GOMEMLIMIT=96MiB", &err),
			 GOMEM_OK);
	ck_assert_int_eq(gomem_whatif_write(fp, "b.log", m, s, n, GOMEM_FORMAT_JSON, &err), GOMEM_OK);
	fclose(fp);

	ck_assert_msg(strncmp(buf, head, sizeof(head) - 1) == 0, "%s", buf);
	ck_assert(strstr(buf, "\"scenarios\":[\n{\"setting\":\"GOGC=50\",\"gc_count\":") != NULL);
	ck_assert(strstr(buf, "{\"setting\":\"GOGC=off,GOMEMLIMIT=96MiB\",") != NULL);
	ck_assert(strstr(buf, "\"error_pct\":") != NULL && strstr(buf, "\"gc_cpu_pct\":") != NULL);
	ck_assert(strcmp(buf + len - 3, "]}\n") == 0);
	free(buf);
	gomem_free(s);
	gomem_pacer_model_free(m);
}
END_TEST

Suite *suite_pacer(void)
{
	Suite *s = suite_create("pacer");
	TCase *f = tcase_create("formulas");
	TCase *t = tcase_create("settings");
	TCase *m = tcase_create("model");

	tcase_add_test(f, test_heap_minimum);
	tcase_add_test(f, test_gogc_goal);
	tcase_add_test(f, test_limit_goal);
	tcase_add_test(f, test_goal);
	tcase_add_test(f, test_trigger);
	tcase_add_test(f, test_runway);
	tcase_add_test(f, test_workers);
	tcase_add_test(f, test_limiter);
	suite_add_tcase(s, f);
	tcase_add_test(t, test_settings);
	tcase_add_test(t, test_settings_errors);
	suite_add_tcase(s, t);
	tcase_add_test(m, test_model_steady);
	tcase_add_test(m, test_model_too_short);
	tcase_add_test(m, test_model_recorded);
	tcase_add_test(m, test_model_infers_limit);
	tcase_add_loop_test(m, test_model_infers_recorded, 0, (int)GOMEM_ARRAY_SIZE(inferred));
	tcase_add_test(m, test_whatif_json);
	suite_add_tcase(s, m);
	return s;
}
