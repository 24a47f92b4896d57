/* SPDX-License-Identifier: Apache-2.0 */
/* check_limits.c — gomem/limits.h: the cgroup walk on the fixture trees of
 * tests/data/limits/cgroup (v1 nested and unlimited from a real machine, v2
 * pod layouts), every wording of the kernel's OOM report field by field,
 * the verdict's arithmetic, and the advice's shape on a recorded workload. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

static void read_tree(gomem_cgroup_info *o, const char *tree, long pid)
{
	gomem_cgroup_options opts = GOMEM_CGROUP_OPTIONS_INIT;
	gomem_error err = {0};
	char root[4096];

	snprintf(root, sizeof(root), "%s/%s", test_path("tests/data/limits/cgroup"), tree);
	opts.root = root;
	opts.pid = pid;
	ck_assert_msg(gomem_cgroup_read(o, &opts, &err) == GOMEM_OK, "%s", err.message);
}

/* Real v1 trees: the parent's 256MiB binds the child's 512MiB; the cpu
 * quota comes from its own hierarchy. */
START_TEST(test_v1_nested)
{
	gomem_cgroup_info o;

	read_tree(&o, "v1-nested", 14575);
	ck_assert_int_eq(o.version, 1);
	ck_assert_int_eq(o.limit, 256 << 20);
	ck_assert_str_eq(o.levels[o.limit_level].path,
			 "/process_api/1eb57981ea65a607ac4835a31280b65e/gomem-parent");
	ck_assert_int_eq(o.levels[0].memory_max, 512 << 20);
	ck_assert_uint_eq(o.nlevels, 5);
	ck_assert_double_eq(o.cpu_limit, 1.5);
	ck_assert_int_gt(o.host_memory, 0);
	ck_assert_int_eq(o.ev_oom_kill, 0);
}
END_TEST

START_TEST(test_v1_unlimited)
{
	gomem_cgroup_info o;

	read_tree(&o, "v1-unlimited", 14745);
	ck_assert_int_eq(o.limit, GOMEM_LIMITS_NONE);
	ck_assert_uint_eq(o.nlevels, 3);
	ck_assert_double_eq(o.cpu_limit, 0);
	ck_assert_int_ge(o.anon, 0);
	ck_assert_int_ge(o.kernel, 0);
}
END_TEST

/* v2: the pod's limit binds a container whose memory.max is "max". */
START_TEST(test_v2_pod)
{
	gomem_cgroup_info o;

	read_tree(&o, "v2-pod-limit-above", 4242);
	ck_assert_int_eq(o.version, 2);
	ck_assert_int_eq(o.levels[0].memory_max, GOMEM_LIMITS_NONE);
	ck_assert_int_eq(o.limit, 256 << 20);
	ck_assert_uint_eq(o.limit_level, 1);
	ck_assert_int_eq(o.anon, 180355072);
	ck_assert_int_eq(o.kernel, 4194304);
	ck_assert_int_eq(o.sock, 131072);
	ck_assert_int_eq(o.ev_oom_kill, 1);
	ck_assert_int_eq(o.ev_max, 12);
	read_tree(&o, "v2-pod", 4242);
	ck_assert_int_eq(o.limit, 512 << 20);
	ck_assert_uint_eq(o.limit_level, 0);
	ck_assert_double_eq(o.cpu_limit, 1.5);
}
END_TEST

START_TEST(test_missing)
{
	gomem_cgroup_options opts = GOMEM_CGROUP_OPTIONS_INIT;
	gomem_cgroup_info o;
	gomem_error err = {0};

	opts.root = test_path("tests/data/limits/cgroup/v2-pod");
	opts.pid = 1;
	ck_assert_int_eq(gomem_cgroup_read(&o, &opts, &err), GOMEM_E_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "proc/1/cgroup"));
}
END_TEST

/* ---- OOM reports -------------------------------------------------------------------- */

struct kills {
	gomem_oom_kill v[8];
	size_t n;
	uint64_t lines, unfinished;
};

static struct kills parse(const char *text, size_t chunk)
{
	struct kills r;
	gomem_oom_parser *p;
	const gomem_oom_kill *k;
	size_t len = strlen(text);
	uint64_t kills;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(gomem_oom_parser_new(&p, "k.log"), GOMEM_OK);
	for (size_t off = 0; off < len; off += chunk)
		ck_assert_int_eq(gomem_oom_feed(p, text + off, len - off < chunk ? len - off : chunk), GOMEM_OK);
	ck_assert_int_eq(gomem_oom_finish(p), GOMEM_OK);
	while (gomem_oom_next(p, &k) == 1 && r.n < 8)
		r.v[r.n++] = *k;
	gomem_oom_get_counts(p, &r.lines, &kills, &r.unfinished);
	ck_assert_uint_eq(kills, r.n);
	gomem_oom_parser_free(p);
	return r;
}

/* Linux 6.18 on cgroup v1 (tests/data/limits/oom), cut to the lines read. */
START_TEST(test_oom_v1_modern)
{
	struct kills r = parse(
		"[10584.270210] oomload invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"[10584.270435] memory: usage 98304kB, limit 98304kB, failcnt 244\n"
		"[10584.270442] memory+swap: usage 98304kB, limit 9007199254740988kB, failcnt 0\n"
		"[10584.270445] Memory cgroup stats for /process_api/x/gomem-oom:\n"
		"[10584.270480] cache 4096\n"
		"[10584.270482] rss 100077568\n"
		"[10584.270484] shmem 0\n"
		"[10584.270547] Tasks state (memory values in pages):\n"
		"[10584.270551] [  19303]     0 19303   212165    24818    24420      398         0   483328        0             0 oomload\n"
		"[10584.270564] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/process_api/x/gomem-oom,task_memcg=/process_api/x/gomem-oom,task=oomload,pid=19303,uid=0\n"
		"[10584.270581] Memory cgroup out of memory: Killed process 19303 (oomload) total-vm:848660kB, anon-rss:97680kB, file-rss:1592kB, shmem-rss:0kB, UID:0 pgtables:472kB oom_score_adj:0\n",
		7);
	const gomem_oom_kill *k = &r.v[0];

	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(k->first_line, 1);
	ck_assert_uint_eq(k->line, 11);
	ck_assert_str_eq(k->invoker, "oomload");
	ck_assert_str_eq(k->stamp, "10584.270581");
	ck_assert_int_eq(k->pid, 19303);
	ck_assert_str_eq(k->comm, "oomload");
	ck_assert_int_eq(k->memcg, 1);
	ck_assert_str_eq(k->memcg_path, "/process_api/x/gomem-oom");
	ck_assert_int_eq(k->usage, 98304 * 1024);
	ck_assert_int_eq(k->limit, 98304 * 1024);
	ck_assert_int_eq(k->failcnt, 244);
	ck_assert_int_eq(k->swap_limit, 9007199254740988LL * 1024);
	ck_assert_int_eq(k->total_vm, 848660 * 1024);
	ck_assert_int_eq(k->anon_rss, 97680 * 1024);
	ck_assert_int_eq(k->file_rss, 1592 * 1024);
	ck_assert_int_eq(k->shmem_rss, 0);
	ck_assert_int_eq(k->pgtables, 472 * 1024);
	ck_assert_int_eq(k->uid, 0);
	ck_assert_int_eq(k->oom_score_adj, 0);
	ck_assert_int_eq(k->cgroup_version, 1);
	ck_assert_int_eq(k->stat_anon, 100077568);
	ck_assert_int_eq(k->stat_file, 4096);
}
END_TEST

/* v2's statistics block: one record, later lines without a stamp; a comm
 * with spaces and brackets; a negative oom_score_adj; journalctl's prefix. */
START_TEST(test_oom_v2_journal)
{
	struct kills r = parse(
		"Aug 13 07:00:11 host kernel: runc:[1:CHILD] invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=-999\n"
		"Aug 13 07:00:11 host kernel: memory: usage 1048576kB, limit 1048576kB, failcnt 153\n"
		"Aug 13 07:00:11 host kernel: swap: usage 0kB, limit 0kB, failcnt 0\n"
		"Aug 13 07:00:11 host kernel: Memory cgroup stats for /kubepods/pod200f:\n"
		"Aug 13 07:00:11 host kernel: anon 1062739968\n"
		"                           file 0\n"
		"                           kernel 2801664\n"
		"                           sock 4096\n"
		"Aug 13 07:00:11 host kernel: Tasks state (memory values in pages):\n"
		"Aug 13 07:00:11 host kernel: Memory cgroup out of memory: Killed process 7148 (runc:[1:CHILD]) total-vm:1000kB, anon-rss:500kB, file-rss:0kB, shmem-rss:8kB, UID:0 pgtables:44kB oom_score_adj:-999\n",
		3);
	const gomem_oom_kill *k = &r.v[0];

	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(k->invoker, "runc:[1:CHILD]");
	ck_assert_str_eq(k->comm, "runc:[1:CHILD]");
	ck_assert_int_eq(k->oom_score_adj, -999);
	ck_assert_int_eq(k->cgroup_version, 2);
	ck_assert_int_eq(k->stat_anon, 1062739968);
	ck_assert_int_eq(k->stat_file, 0);
	ck_assert_int_eq(k->stat_kernel, 2801664);
	ck_assert_int_eq(k->stat_sock, 4096);
	ck_assert_int_eq(k->swap_limit, 0);
	ck_assert_str_eq(k->memcg_path, "/kubepods/pod200f");
	ck_assert_str_eq(k->stamp, "Aug 13 07:00:11");
}
END_TEST

/* 3.10: "Kill process N ... or sacrifice child" names the victim's parent,
 * "Killed process M (c), UID 0, ..." the one killed; the old one-line v1
 * statistics; a global kill. */
START_TEST(test_oom_old)
{
	struct kills r = parse(
		"[Thu Dec  7 00:05:14 2017] Memory cgroup stats for /kubepods/pod9/6895: cache:32KB rss:524188KB rss_huge:370688KB mapped_file:0KB\n"
		"[Thu Dec  7 00:05:15 2017] Memory cgroup out of memory: Kill process 24572 (java) score 0 or sacrifice child\n"
		"[Thu Dec  7 00:05:15 2017] Killed process 28438 (java), UID 0, total-vm:20255636kB, anon-rss:466160kB, file-rss:13684kB\n"
		"Out of memory: Kill process 812 (mysqld) score 900 or sacrifice child\n"
		"Killed process 812 (mysqld) total-vm:2000kB, anon-rss:1000kB, file-rss:4kB\n"
		"[  1.0] oom_reaper: reaped process 812 (mysqld), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n",
		1);

	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.v[0].pid, 28438);
	ck_assert_int_eq(r.v[0].memcg, 1);
	ck_assert_int_eq(r.v[0].uid, 0);
	ck_assert_int_eq(r.v[0].shmem_rss, -1);
	ck_assert_int_eq(r.v[0].stat_anon, 524188 * 1024);
	ck_assert_int_eq(r.v[0].stat_file, 32 * 1024);
	ck_assert_str_eq(r.v[0].stamp, "Thu Dec  7 00:05:15 2017");
	ck_assert_int_eq(r.v[1].pid, 812);
	ck_assert_int_eq(r.v[1].memcg, 0);
	ck_assert_int_eq(r.v[1].anon_rss, 1000 * 1024);
	ck_assert_str_eq(r.v[1].stamp, "");
}
END_TEST

/* ---- the verdict ---------------------------------------------------------------------- */

START_TEST(test_verdict)
{
	gomem_oom_kill k;
	gomem_oom_verdict v;
	gomem_memstats ms;
	gomem_gctrace_event ev[2];

	memset(&k, 0, sizeof(k));
	k.anon_rss = 100 << 20;
	k.shmem_rss = 0;
	/* gctrace: 32 then 64 MiB marked, goal 64 -> the next goal 128 covers it all */
	memset(ev, 0, sizeof(ev));
	ev[0].kind = ev[1].kind = GOMEM_GCTRACE_GC;
	ev[0].heap_live = 32 << 20;
	ev[1].heap_live = ev[1].heap_end = 64 << 20;
	ev[1].goal = 64 << 20;
	ev[0].stacks = ev[1].stacks = -1;
	gomem_oom_judge(&v, &k, ev, 2, NULL);
	ck_assert_int_eq(v.cause, GOMEM_OOM_GO_HEAP);
	ck_assert_int_eq(v.go_heap, 100 << 20);
	/* no gc line: the heap stayed under 4 MiB; gctrace cannot tell the rest */
	gomem_oom_judge(&v, &k, ev, 0, NULL);
	ck_assert_int_eq(v.cause, GOMEM_OOM_OUTSIDE_HEAP);
	ck_assert_int_eq(v.go_heap, 4 << 20);
	ck_assert_int_eq(v.outside, 96 << 20);
	/* MemStats: stacks reserved past what was resident are capped by it */
	memset(&ms, 0, sizeof(ms));
	ms.heap_inuse = 2 << 20;
	ms.stack_inuse = 180 << 20;
	gomem_oom_judge(&v, &k, NULL, 0, &ms);
	ck_assert_int_eq(v.cause, GOMEM_OOM_GO_NONHEAP);
	ck_assert_int_eq(v.go_nonheap, 98 << 20);
	ck_assert_int_eq(v.outside, 0);
	ms.stack_inuse = 1 << 20;
	gomem_oom_judge(&v, &k, NULL, 0, &ms);
	ck_assert_int_eq(v.cause, GOMEM_OOM_OUTSIDE_GO);
	gomem_oom_judge(&v, &k, NULL, 0, NULL);
	ck_assert_int_eq(v.cause, GOMEM_OOM_UNKNOWN);
}
END_TEST

/* ---- the advice ------------------------------------------------------------------------ */

START_TEST(test_advice)
{
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_pacer_config cfg = GOMEM_PACER_CONFIG_INIT;
	gomem_pacer_model *m = NULL;
	gomem_limits_advice a;
	gomem_error err = {0};

	ck_assert_int_eq(gomem_pacer_model_read(&m, test_path("tests/data/limits/advice/baseline.log.gz"), &so,
						&cfg, &err), GOMEM_OK);
	ck_assert_int_eq(gomem_limits_advise(&a, m, 144 << 20, 4 << 20, &err), GOMEM_OK);
	ck_assert_uint_eq(a.ncandidates, 5);
	ck_assert_str_eq(a.candidates[0].label, "gomem");
	ck_assert_int_eq(a.candidates[0].fits, 1);
	ck_assert_int_le(a.candidates[0].gomemlimit, (int64_t)((144 - 4) << 20));
	ck_assert_int_eq(a.candidates[3].gomemlimit, (int64_t)(144 * 0.9) << 20);
	/* without GOMEMLIMIT the defaults do not fit: the run at them was killed */
	ck_assert_int_eq(a.candidates[4].fits, 0);
	/* a limit under the live heap: every setting spirals or does not fit */
	ck_assert_int_eq(gomem_limits_advise(&a, m, 64 << 20, 4 << 20, &err), GOMEM_OK);
	ck_assert_int_eq(a.candidates[0].fits, 0);
	ck_assert_int_eq(a.candidates[0].death_spiral, 1);
	ck_assert_int_eq(gomem_limits_advise(&a, m, GOMEM_LIMITS_NONE, 0, &err), GOMEM_E_INVALID);
	gomem_pacer_model_free(m);
}
END_TEST

Suite *suite_limits(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("limits");

	tcase_add_test(tc, test_v1_nested);
	tcase_add_test(tc, test_v1_unlimited);
	tcase_add_test(tc, test_v2_pod);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_oom_v1_modern);
	tcase_add_test(tc, test_oom_v2_journal);
	tcase_add_test(tc, test_oom_old);
	tcase_add_test(tc, test_verdict);
	tcase_add_test(tc, test_advice);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
