/* SPDX-License-Identifier: Apache-2.0 */
/* check_sched.c — the schedtrace reader: both layouts field by field (the
 * lines of the shared corpus and of tests/data/sched, as Go 1.19 and 1.23
 * printed them), scheddetail blocks into one snapshot, what NumGoroutine
 * counts, fields a newer runtime may add, lines of other writers inside a
 * block, shredded headers and G lines, JSON log lines, restarts, chunked
 * feeding, and the run statistics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

/* A snapshot kept with copies of what it points at. */
struct snap {
	gomem_sched_snapshot s;
	gomem_sched_wait waits[16];
	char reasons[16][64];
	int64_t runq[16];
	gomem_sched_proc procs[8];
	gomem_sched_thread threads[16];
};

struct parsed {
	struct snap *v;
	size_t n;
	gomem_sched_counts counts;
};

static void keep(struct parsed *out, const gomem_sched_snapshot *s)
{
	struct snap *k;

	out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
	ck_assert_ptr_nonnull(out->v);
	k = &out->v[out->n++];
	memset(k, 0, sizeof(*k));
	k->s = *s;
	for (size_t i = 0; i < s->nwaits && i < 16; i++) {
		snprintf(k->reasons[i], sizeof(k->reasons[i]), "%s", s->waits[i].reason);
		k->waits[i] = s->waits[i];
		k->waits[i].reason = k->reasons[i];
	}
	/* the arrays are NULL when empty: memcpy from NULL is undefined even for 0 bytes */
	if (s->nrunq)
		memcpy(k->runq, s->runq, (s->nrunq < 16 ? s->nrunq : 16) * sizeof(*s->runq));
	if (s->nprocs)
		memcpy(k->procs, s->procs, (s->nprocs < 8 ? s->nprocs : 8) * sizeof(*s->procs));
	if (s->nthreads_detail)
		memcpy(k->threads, s->threads_detail,
		       (s->nthreads_detail < 16 ? s->nthreads_detail : 16) * sizeof(*s->threads_detail));
}

static void drain(gomem_sched_parser *p, struct parsed *out)
{
	const gomem_sched_snapshot *s;
	int rc;

	while ((rc = gomem_sched_next(p, &s)) == 1)
		keep(out, s);
	ck_assert_int_eq(rc, 0);
}

static struct parsed parse_chunked(const char *text, size_t chunk)
{
	struct parsed out = {0};
	gomem_sched_parser *p;
	size_t len = strlen(text);

	ck_assert_int_eq(gomem_sched_parser_new(&p, "t.log"), GOMEM_OK);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len; off += chunk) {
		ck_assert_int_eq(gomem_sched_feed(p, text + off, len - off < chunk ? len - off : chunk),
				 GOMEM_OK);
		drain(p, &out);
	}
	ck_assert_int_eq(gomem_sched_finish(p), GOMEM_OK);
	drain(p, &out);
	gomem_sched_get_counts(p, &out.counts);
	gomem_sched_parser_free(p);
	return out;
}

static struct parsed parse(const char *text)
{
	return parse_chunked(text, 0);
}

/* ---- layouts -------------------------------------------------------------------------- */

/* go1.19_schedtrace.log of the shared corpus, line 1. */
START_TEST(test_go119_header)
{
	struct parsed r = parse("SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 "
				"idlethreads=1 runqueue=0 [2 0]\n");
	const gomem_sched_snapshot *s = &r.v[0].s;

	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(s->layout, GOMEM_SCHED_GO119);
	ck_assert_int_eq(s->detailed, 0);
	ck_assert_double_eq(s->t, 0);
	ck_assert_int_eq(s->gomaxprocs, 2);
	ck_assert_int_eq(s->idleprocs, 0);
	ck_assert_int_eq(s->threads, 4);
	ck_assert_int_eq(s->spinningthreads, 1);
	ck_assert_int_eq(s->needspinning, -1);
	ck_assert_int_eq(s->idlethreads, 1);
	ck_assert_int_eq(s->runqueue, 0);
	ck_assert_uint_eq(s->nrunq, 2);
	ck_assert_int_eq(r.v[0].runq[0], 2);
	ck_assert_int_eq(s->local, 2);
	ck_assert_int_eq(s->local_max, 2);
	ck_assert_int_eq(s->local_min, 0);
	ck_assert_int_eq(s->goroutines, -1);
	ck_assert_int_eq(s->goroutines_live, -1);
	ck_assert_uint_eq(s->line, 1);
	free(r.v);
}
END_TEST

/* Go 1.23 (tests/data/sched/go1.23.log). */
START_TEST(test_go121_header)
{
	struct parsed r = parse("SCHED 1432ms: gomaxprocs=3 idleprocs=1 threads=7 spinningthreads=0 "
				"needspinning=1 idlethreads=2 runqueue=5 [3 0 12]\n");
	const gomem_sched_snapshot *s = &r.v[0].s;

	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(s->layout, GOMEM_SCHED_GO121);
	ck_assert_double_eq_tol(s->t, 1.432, 1e-12);
	ck_assert_int_eq(s->needspinning, 1);
	ck_assert_int_eq(s->runqueue, 5);
	ck_assert_int_eq(s->local, 15);
	ck_assert_int_eq(s->local_max, 12);
	ck_assert_int_eq(s->local_min, 0);
	free(r.v);
}
END_TEST

/* go1.19_scheddetail.log of the shared corpus: the first block whole. */
static const char go119_detail[] =
	"SCHED 0ms: gomaxprocs=2 idleprocs=1 threads=4 spinningthreads=0 idlethreads=2 runqueue=0 "
	"gcwaiting=0 nmidlelocked=-1 stopwait=0 sysmonwait=0\n"
	"  P0: status=0 schedtick=0 syscalltick=0 m=-1 runqsize=0 gfreecnt=0 timerslen=0\n"
	"  P1: status=0 schedtick=2 syscalltick=0 m=-1 runqsize=3 gfreecnt=0 timerslen=0\n"
	"  M3: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false "
	"blocked=true lockedg=-1\n"
	"  M2: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false "
	"blocked=true lockedg=-1\n"
	"  M1: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=2 dying=0 spinning=false "
	"blocked=false lockedg=-1\n"
	"  M0: p=-1 curg=-1 mallocing=0 throwing=0 preemptoff= locks=3 dying=0 spinning=false "
	"blocked=false lockedg=1\n"
	"  G1: status=1(chan receive) m=-1 lockedm=0\n"
	"  G2: status=4(force gc (idle)) m=-1 lockedm=-1\n"
	"  G3: status=4(GC sweep wait) m=-1 lockedm=-1\n"
	"  G4: status=4(GC scavenge wait) m=-1 lockedm=-1\n";

START_TEST(test_go119_detail)
{
	struct parsed r = parse(go119_detail);
	const struct snap *k = &r.v[0];
	const gomem_sched_snapshot *s = &k->s;

	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(s->detailed, 1);
	ck_assert_int_eq(s->gcwaiting, 0);
	ck_assert_int_eq(s->nmidlelocked, -1);
	ck_assert_int_eq(s->sysmonwait, 0);
	ck_assert_uint_eq(s->nprocs, 2);
	ck_assert_int_eq(k->procs[1].id, 1);
	ck_assert_int_eq(k->procs[1].schedtick, 2);
	ck_assert_int_eq(k->procs[1].m, -1);
	ck_assert_int_eq(k->procs[1].runqsize, 3);
	/* the per-P queues come from runqsize */
	ck_assert_uint_eq(s->nrunq, 2);
	ck_assert_int_eq(s->local, 3);
	ck_assert_uint_eq(s->nthreads_detail, 4);
	ck_assert_int_eq(k->threads[0].id, 3);
	ck_assert_int_eq(k->threads[0].blocked, 1);
	ck_assert_int_eq(k->threads[0].spinning, 0);
	ck_assert_int_eq(k->threads[3].locks, 3);
	ck_assert_int_eq(k->threads[3].lockedg, 1);
	ck_assert_int_eq(s->goroutines, 4);
	ck_assert_int_eq(s->g_runnable, 1);
	ck_assert_int_eq(s->g_waiting, 3);
	ck_assert_int_eq(s->goroutines_runtime, 3);
	ck_assert_int_eq(s->goroutines_live, 1);
	ck_assert_uint_eq(s->nwaits, 3);
	ck_assert_int_eq(k->waits[0].count, 1);
	ck_assert_int_eq(k->waits[0].runtime_owned, 1);
	ck_assert_uint_eq(r.counts.detail_lines, 10);
	ck_assert_uint_eq(r.counts.unparsed, 0);
	free(r.v);
}
END_TEST

/* Go 1.21+: nil ids, true/false, a preemptoff reason with spaces, dead Gs,
 * G2-G4 whatever they wait in, GC workers, the scan bit on a status. */
START_TEST(test_go121_detail)
{
	struct parsed r = parse(
		"SCHED 984ms: gomaxprocs=2 idleprocs=2 threads=4 spinningthreads=0 needspinning=0 "
		"idlethreads=2 runqueue=0 gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=true\n"
		"  P0: status=0 schedtick=54 syscalltick=1 m=nil runqsize=0 gfreecnt=2 timerslen=0\n"
		"  P1: status=1 schedtick=0 syscalltick=1 m=3 runqsize=0 gfreecnt=0 timerslen=1\n"
		"  M3: p=1 curg=17 mallocing=1 throwing=0 preemptoff=GC worker init locks=1 dying=0 "
		"spinning=true blocked=false lockedg=nil\n"
		"  G1: status=4(sleep) m=nil lockedm=nil\n"
		"  G2: status=4(force gc (idle)) m=nil lockedm=nil\n"
		"  G3: status=2() m=3 lockedm=nil\n"
		"  G4: status=4(sleep) m=nil lockedm=nil\n"
		"  G5: status=4(finalizer wait) m=nil lockedm=nil\n"
		"  G17: status=4100(chan receive) m=nil lockedm=nil\n"
		"  G18: status=4(chan receive) m=nil lockedm=nil\n"
		"  G19: status=6() m=nil lockedm=nil\n"
		"  G20: status=4(GC worker (idle)) m=nil lockedm=nil\n");
	const struct snap *k = &r.v[0];
	const gomem_sched_snapshot *s = &k->s;

	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(s->layout, GOMEM_SCHED_GO121);
	ck_assert_int_eq(s->gcwaiting, 0);
	ck_assert_int_eq(s->sysmonwait, 1);
	ck_assert_int_eq(k->procs[0].m, -1);
	ck_assert_int_eq(k->procs[1].m, 3);
	ck_assert_int_eq(k->threads[0].p, 1);
	ck_assert_int_eq(k->threads[0].curg, 17);
	ck_assert_int_eq(k->threads[0].preempt_off, 1);
	ck_assert_int_eq(k->threads[0].locks, 1);
	ck_assert_int_eq(k->threads[0].spinning, 1);
	ck_assert_int_eq(k->threads[0].lockedg, -1);
	ck_assert_int_eq(s->goroutines, 9);
	ck_assert_int_eq(s->g_dead, 1);
	ck_assert_int_eq(s->g_running, 1);
	/* G2, G5 and G20; G3 running and G4 asleep say nothing of their own */
	ck_assert_int_eq(s->goroutines_runtime, 3);
	/* G1, G3, G4, G17 (being scanned), G18 */
	ck_assert_int_eq(s->goroutines_live, 5);
	ck_assert_str_eq(k->waits[0].reason, "chan receive");
	ck_assert_int_eq(k->waits[0].count, 2);
	ck_assert_int_eq(k->waits[0].runtime_owned, 0);
	ck_assert_str_eq(k->waits[1].reason, "sleep");
	ck_assert_int_eq(k->waits[1].count, 2);
	free(r.v);
}
END_TEST

/* A GC worker seen parked is the runtime's in the next block too, while it
 * marks (running, no wait reason): NumGoroutine never counts it. A new run
 * forgets the ids. */
START_TEST(test_runtime_ids)
{
	static const char hdr[] = "gomaxprocs=1 idleprocs=0 threads=3 spinningthreads=0 "
				  "idlethreads=1 runqueue=0 gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0\n";
	char text[1024];
	struct parsed r;

	snprintf(text, sizeof(text),
		 "SCHED 0ms: %s  G1: status=4(sleep) m=-1 lockedm=-1\n"
		 "  G18: status=4(GC worker (idle)) m=-1 lockedm=-1\n"
		 "SCHED 100ms: %s  G1: status=4(sleep) m=-1 lockedm=-1\n"
		 "  G18: status=2() m=0 lockedm=-1\n"
		 "SCHED 0ms: %s  G18: status=2() m=0 lockedm=-1\n", hdr, hdr, hdr);
	r = parse(text);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_int_eq(r.v[0].s.goroutines_live, 1);
	ck_assert_int_eq(r.v[1].s.goroutines_runtime, 1);
	ck_assert_int_eq(r.v[1].s.goroutines_live, 1);
	ck_assert_int_eq(r.v[2].s.goroutines_runtime, 0);
	ck_assert_int_eq(r.v[2].s.goroutines_live, 1);
	free(r.v);
}
END_TEST

/* A field no release we read printed is skipped, wherever it sits. */
START_TEST(test_unknown_fields)
{
	struct parsed r = parse("SCHED 10ms: gomaxprocs=4 idleprocs=1 threads=9 spinningthreads=0 "
				"needspinning=0 idlethreads=3 runqueue=2 newfield=7 flag=true [0 1 0 0]\n"
				"SCHED 20ms: gomaxprocs=4 idleprocs=1 threads=9 spinningthreads=0 "
				"idlethreads=3 runqueue=2 gcwaiting=false nmidlelocked=0 stopwait=0 "
				"sysmonwait=false extra=nil\n"
				"  P0: status=1 schedtick=1 syscalltick=0 m=0 runqsize=1 gfreecnt=0 "
				"timerslen=0 timers0=4\n");
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.v[0].s.local, 1);
	ck_assert_int_eq(r.v[0].s.runqueue, 2);
	ck_assert_int_eq(r.v[1].s.detailed, 1);
	ck_assert_uint_eq(r.v[1].s.nprocs, 1);
	ck_assert_uint_eq(r.counts.unparsed, 0);
	free(r.v);
}
END_TEST

/* ---- tolerance ---------------------------------------------------------------------- */

/* gctrace, the program's output and prefixes among the lines; a JSON log
 * line; text that starts like a header but is not one. */
START_TEST(test_interleaved)
{
	struct parsed r = parse(
		"Dec 07 08:00:00 host app[12]: SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 "
		"spinningthreads=1 idlethreads=1 runqueue=0 gcwaiting=0 nmidlelocked=-1 stopwait=0 "
		"sysmonwait=0\n"
		"  P0: status=1 schedtick=1 syscalltick=0 m=0 runqsize=4 gfreecnt=0 timerslen=0\n"
		"gc 1 @0.012s 1%: 0.010+0.5+0.002 ms clock, 0.020+0.1/0.2/0+0.004 ms cpu, 4->4->1 MB, "
		"4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
		"app: SCHED is a word we print\n"
		"  G1: status=4(select) m=nil lockedm=nil\n"
		"{\"log\":\"SCHED 500ms: gomaxprocs=2 idleprocs=2 threads=4 spinningthreads=0 "
		"idlethreads=2 runqueue=0 [0 0]\\n\",\"stream\":\"stderr\"}\n");

	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.v[0].s.local, 4);
	ck_assert_int_eq(r.v[0].s.goroutines, 1);
	ck_assert_double_eq_tol(r.v[1].s.t, 0.5, 1e-12);
	ck_assert_uint_eq(r.counts.skipped, 2);
	ck_assert_uint_eq(r.counts.unparsed, 0);
	free(r.v);
}
END_TEST

/* Every print() argument is its own write: another writer's lines between
 * the pieces of a header and of a G line. */
START_TEST(test_shredded)
{
	struct parsed r = parse(
		"SCHED 100ms: gomaxprocs=2 idleprocs=0 threads=5\n"
		"APPLOG one\n"
		" spinningthreads=1 needspinning=0 idlethreads=1 runqueue=3 gcwaiting=false\n"
		"APPLOG two\n"
		" nmidlelocked=0 stopwait=0 sysmonwait=false\n"
		"  G1: status=4(chan rec\n"
		"APPLOG three\n"
		"eive) m=nil lockedm=nil\n"
		"  G6: status=4(select) m=nil lockedm=nil\n");
	const gomem_sched_snapshot *s = &r.v[0].s;

	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(s->reassembled, 1);
	ck_assert_int_eq(s->runqueue, 3);
	ck_assert_int_eq(s->sysmonwait, 0);
	ck_assert_int_eq(s->goroutines, 2);
	ck_assert_str_eq(r.v[0].waits[0].reason, "chan receive");
	ck_assert_uint_eq(r.counts.reassembled, 2);
	ck_assert_uint_eq(r.counts.skipped, 3);
	free(r.v);
}
END_TEST

/* A detail line before any header, a header cut short for good, a broken
 * value: counted, never a snapshot. */
START_TEST(test_broken)
{
	struct parsed r = parse("  P0: status=1 schedtick=1 syscalltick=0 m=0 runqsize=0 gfreecnt=0 "
				"timerslen=0\n"
				"SCHED 5ms: gomaxprocs=x idleprocs=0\n"
				"SCHED 7ms: gomaxprocs=2 idleprocs=0 threads=4\n");

	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(r.counts.unparsed, 3);
	free(r.v);
}
END_TEST

/* T going back is a new run; chunk boundaries change nothing. */
START_TEST(test_runs_and_chunks)
{
	static const char text[] =
		"SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=1 runqueue=0 [2 0]\n"
		"SCHED 504ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=1 runqueue=0 [0 0]\n"
		"SCHED 0ms: gomaxprocs=8 idleprocs=7 threads=3 spinningthreads=0 idlethreads=1 runqueue=0 "
		"gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0\n"
		"  G1: status=4(chan receive) m=-1 lockedm=-1\n"
		"SCHED 1000ms: gomaxprocs=8 idleprocs=7 threads=3 spinningthreads=0 idlethreads=1 runqueue=0 [0 0 0 0 0 0 0 0]";
	struct parsed whole = parse(text);

	ck_assert_uint_eq(whole.n, 4);
	ck_assert_uint_eq(whole.v[1].s.run, 0);
	ck_assert_uint_eq(whole.v[2].s.run, 1);
	ck_assert_int_eq(whole.v[2].s.goroutines, 1);
	ck_assert_uint_eq(whole.v[3].s.nrunq, 8);
	ck_assert_uint_eq(whole.counts.runs, 2);
	for (size_t chunk = 1; chunk < 40; chunk += 3) {
		struct parsed c = parse_chunked(text, chunk);

		ck_assert_uint_eq(c.n, whole.n);
		for (size_t i = 0; i < c.n; i++) {
			ck_assert_double_eq(c.v[i].s.t, whole.v[i].s.t);
			ck_assert_int_eq(c.v[i].s.local, whole.v[i].s.local);
			ck_assert_int_eq(c.v[i].s.goroutines, whole.v[i].s.goroutines);
		}
		free(c.v);
	}
	free(whole.v);
}
END_TEST

/* A snapshot held while the caller feeds: its arrays stay its own. */
START_TEST(test_queue)
{
	gomem_sched_parser *p;
	const gomem_sched_snapshot *s;
	char line[160];

	ck_assert_int_eq(gomem_sched_parser_new(&p, "q"), GOMEM_OK);
	for (int i = 0; i < 100; i++) {
		int n = snprintf(line, sizeof(line), "SCHED %dms: gomaxprocs=2 idleprocs=0 threads=4 "
				 "spinningthreads=0 idlethreads=1 runqueue=0 [%d 1]\n", i * 10, i);

		ck_assert_int_eq(gomem_sched_feed(p, line, (size_t)n), GOMEM_OK);
	}
	ck_assert_int_eq(gomem_sched_finish(p), GOMEM_OK);
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(gomem_sched_next(p, &s), 1);
		ck_assert_int_eq(s->runq[0], i);
		ck_assert_int_eq(s->local, i + 1);
	}
	ck_assert_int_eq(gomem_sched_next(p, &s), 0);
	ck_assert_int_eq(gomem_sched_feed(p, "x", 1), GOMEM_E_INVALID);
	gomem_sched_parser_free(p);
}
END_TEST

/* ---- statistics ----------------------------------------------------------------------- */

START_TEST(test_stats)
{
	struct parsed r = parse(
		"SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=4 spinningthreads=1 idlethreads=1 runqueue=0 [2 0]\n"
		"SCHED 1000ms: gomaxprocs=2 idleprocs=2 threads=6 spinningthreads=0 idlethreads=2 runqueue=1 [0 0]\n"
		"SCHED 2000ms: gomaxprocs=2 idleprocs=1 threads=8 spinningthreads=0 idlethreads=3 runqueue=4 [6 0]\n");
	gomem_schedstats *st;
	gomem_schedstats_summary o;

	ck_assert_int_eq(gomem_schedstats_new(&st), GOMEM_OK);
	for (size_t i = 0; i < r.n; i++)
		ck_assert_int_eq(gomem_schedstats_add(st, &r.v[i].s), GOMEM_OK);
	ck_assert_int_eq(gomem_schedstats_get(st, &o), GOMEM_OK);
	ck_assert_uint_eq(o.snapshots, 3);
	ck_assert_double_eq(o.period, 1.0);
	/* backlogs 2, 1, 10 */
	ck_assert_double_eq(o.backlog_p50, 2);
	ck_assert_double_eq(o.backlog_p99, 10);
	ck_assert_double_eq(o.backlog_max, 10);
	ck_assert_double_eq(o.global_max, 4);
	ck_assert_double_eq_tol(o.busy_share, (1 + 0 + 0.5) / 3, 1e-12);
	ck_assert_double_eq_tol(o.imbalance_mean, 8.0 / 3, 1e-12);
	ck_assert_double_eq(o.imbalance_max, 6);
	ck_assert_int_eq(o.threads_first, 4);
	ck_assert_int_eq(o.threads_last, 8);
	ck_assert_double_eq_tol(o.threads_per_min, 120, 1e-9); /* 2 a second */
	ck_assert_int_eq(o.goroutines_last, -1);
	gomem_schedstats_set_window(st, 2);
	gomem_schedstats_free(st);
	free(r.v);
}
END_TEST

/* The fixtures of every release: the counts the program printed. */
START_TEST(test_fixtures)
{
	static const char *const files[] = {"go1.19.detail.log.gz", "go1.21.detail.log.gz",
					    "go1.22.detail.log.gz", "go1.23.detail.log.gz"};
	const char *f = files[_i];
	char cmd[4200];
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	struct parsed r;
	char want[64];

	snprintf(cmd, sizeof(cmd), "gzip -dc '%s/%s'", test_path("tests/data/sched"), f);
	fp = popen(cmd, "r");
	ck_assert_ptr_nonnull(fp);
	do {
		if (len + 4096 + 1 > cap)
			ck_assert_ptr_nonnull(buf = realloc(buf, cap = cap * 2 + 8192));
		n = fread(buf + len, 1, 4096, fp);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	pclose(fp);
	r = parse(buf);
	ck_assert_uint_ge(r.n, 8);
	ck_assert_uint_eq(r.counts.unparsed, 0);
	ck_assert_int_eq(r.v[0].s.layout, _i == 0 ? GOMEM_SCHED_GO119 : GOMEM_SCHED_GO121);
	for (size_t i = 0; i < r.n; i++) {
		ck_assert_int_eq(r.v[i].s.gomaxprocs, 2);
		ck_assert_int_eq(r.v[i].s.detailed, 1);
	}
	/* the first steady window: 50 parked goroutines and main */
	snprintf(want, sizeof(want), "schedload steady numgoroutine=51");
	ck_assert_ptr_nonnull(strstr(buf, want));
	ck_assert_int_eq(r.v[1].s.goroutines_live, 51);
	free(r.v);
	free(buf);
}
END_TEST

Suite *suite_sched(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("sched");

	tcase_add_test(tc, test_go119_header);
	tcase_add_test(tc, test_go121_header);
	tcase_add_test(tc, test_go119_detail);
	tcase_add_test(tc, test_go121_detail);
	tcase_add_test(tc, test_runtime_ids);
	tcase_add_test(tc, test_unknown_fields);
	tcase_add_test(tc, test_interleaved);
	tcase_add_test(tc, test_shredded);
	tcase_add_test(tc, test_broken);
	tcase_add_test(tc, test_runs_and_chunks);
	tcase_add_test(tc, test_queue);
	tcase_add_test(tc, test_stats);
	tcase_add_loop_test(tc, test_fixtures, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
