/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/limits.h — the memory a container gives a Go program, and what
 * happened when it ran out:
 *
 *   cgroup     the effective limits of a process or a cgroup directory,
 *              cgroup v2 or v1, every ancestor walked (the tightest limit
 *              wins), with usage, memory.stat, memory.events and the CPU
 *              quota; read from / or from a copied tree (a ROOT holding
 *              sys/fs/cgroup and proc).
 *   oom        kernel OOM-kill reports in dmesg or journalctl -k text, every
 *              wording since Linux 3.10 (Kill process ... or sacrifice
 *              child, Killed process, oom-kill:constraint=), cgroup v1 and
 *              v2 statistics, with or without timestamps: a push parser.
 *   verdict    one kill joined with the process's last gctrace lines or its
 *              heap profile's MemStats: Go heap, Go non-heap, or memory
 *              outside Go.
 *   advice     GOMEMLIMIT and GOGC for a limit, each run through the pacer
 *              model (gomem/pacer.h) fitted to the workload's gctrace. */
#ifndef GOMEM_LIMITS_H
#define GOMEM_LIMITS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/pacer.h"
#include "gomem/profile.h"
#include "gomem/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- cgroup ------------------------------------------------------------------------ */

#define GOMEM_LIMITS_MAX_LEVELS 32
#define GOMEM_LIMITS_NONE INT64_MAX /* no limit at a level ("max", v1's huge value) */

/* One cgroup of the walk, the process's own first. Figures a level lacks are -1. */
typedef struct gomem_cgroup_level {
	char path[512];       /* the cgroup's path in its hierarchy ("/kubepods.slice/...") */
	int64_t memory_max;   /* v2 memory.max, v1 memory.limit_in_bytes; GOMEM_LIMITS_NONE */
	int64_t memory_high;  /* v2 memory.high; GOMEM_LIMITS_NONE */
	int64_t swap_max;     /* v2 memory.swap.max, v1 memory.memsw.limit_in_bytes */
	int64_t current;      /* v2 memory.current, v1 memory.usage_in_bytes */
	int64_t peak;         /* v2 memory.peak (5.19+), v1 memory.max_usage_in_bytes */
	double cpu_quota;     /* CPUs: v2 cpu.max, v1 cpu.cfs_quota_us / period; 0 none, -1 not read */
} gomem_cgroup_level;

typedef struct gomem_cgroup_info {
	int version;          /* 2 or 1 (of the memory controller); 0 when none was found */
	char leaf[512];       /* the process's (or the directory's) cgroup path */
	size_t nlevels;
	gomem_cgroup_level levels[GOMEM_LIMITS_MAX_LEVELS]; /* leaf first, up to the hierarchy's root */
	int64_t limit;        /* the effective memory limit: the tightest of every level;
			       * GOMEM_LIMITS_NONE when none */
	size_t limit_level;   /* the level that set it */
	int64_t high;         /* the tightest memory.high (v2) */
	double cpu_limit;     /* the tightest CPU quota, CPUs; 0 none */
	size_t cpu_level;
	int64_t host_memory;  /* MemTotal of proc/meminfo, -1 when not read */
	/* The leaf's usage and statistics, bytes (-1 when not read). */
	int64_t usage, peak;
	int64_t anon, file, kernel, sock, shmem, file_mapped;
	/* memory.events (v2; v1: under_oom/oom_kill of memory.oom_control and failcnt) */
	int64_t ev_low, ev_high, ev_max, ev_oom, ev_oom_kill;
} gomem_cgroup_info;

/* Where to read: ROOT "" (or NULL) is the live system, else a directory
 * holding a copy (ROOT/proc/PID/cgroup, ROOT/proc/PID/mountinfo when the
 * mounts are not the usual ones, ROOT/sys/fs/cgroup/...). PID 0 is "self".
 * CGROUP_DIR (NULL for none), when given, is read instead of a process's
 * cgroup: a directory under ROOT/sys/fs/cgroup. */
typedef struct gomem_cgroup_options {
	unsigned int version;  /* GOMEM_CGROUP_OPTIONS_VERSION */
	const char *root;
	long pid;
	const char *cgroup_dir;
} gomem_cgroup_options;

#define GOMEM_CGROUP_OPTIONS_VERSION 1
#define GOMEM_CGROUP_OPTIONS_INIT {GOMEM_CGROUP_OPTIONS_VERSION, NULL, 0, NULL}

/* Reads the limits into OUT. GOMEM_E_NOTFOUND (ERR says what is missing)
 * when the process or the cgroup is not there, GOMEM_E_FORMAT for a control
 * file that does not read as the kernel writes it. */
GOMEM_API int gomem_cgroup_read(gomem_cgroup_info *out, const gomem_cgroup_options *opts,
				gomem_error *err);

/* ---- kernel OOM reports --------------------------------------------------------------- */

typedef struct gomem_oom_kill {
	uint64_t line;         /* the "Killed process" line */
	uint64_t first_line;   /* where its report starts ("invoked oom-killer"), or LINE */
	char stamp[64];        /* the line's time as printed ("10584.270581", "Thu Dec  7
				* 00:05:15 2017", "Aug 13 07:00:11"); "" when none */
	int64_t pid;
	char comm[64];
	char invoker[64];      /* the task that invoked the killer; "" when not in the log */
	int memcg;             /* 1: a cgroup's limit (Memory cgroup out of memory), 0: the
				* machine's memory (Out of memory) */
	char memcg_path[256];  /* the cgroup that hit its limit (oom_memcg=, or the stats line) */
	int64_t total_vm, anon_rss, file_rss, shmem_rss, pgtables; /* bytes; -1 absent */
	int64_t uid, oom_score_adj;
	int64_t usage, limit, failcnt;     /* "memory: usage NkB, limit NkB, failcnt N" */
	int64_t swap_usage, swap_limit;    /* "memory+swap:" (v1) or "swap:" (v2) */
	int cgroup_version;    /* of the statistics block: 1, 2, or 0 when none */
	int64_t stat_anon, stat_file, stat_kernel, stat_sock, stat_shmem; /* bytes; -1 absent
				* (v1's rss and cache are anon and file) */
} gomem_oom_kill;

typedef struct gomem_oom_parser gomem_oom_parser;

GOMEM_API int gomem_oom_parser_new(gomem_oom_parser **out, const char *name);
GOMEM_API int gomem_oom_feed(gomem_oom_parser *p, const void *data, size_t len);
GOMEM_API int gomem_oom_finish(gomem_oom_parser *p);
/* 1 and the next kill (borrowed, valid until the next call), 0 when none
 * is ready, or a negative error. */
GOMEM_API int gomem_oom_next(gomem_oom_parser *p, const gomem_oom_kill **kill);
/* Lines read, and reports begun that never came to a kill. */
GOMEM_API void gomem_oom_get_counts(const gomem_oom_parser *p, uint64_t *lines, uint64_t *kills,
				    uint64_t *unfinished);
GOMEM_API const gomem_error *gomem_oom_parser_error(const gomem_oom_parser *p);
GOMEM_API void gomem_oom_parser_free(gomem_oom_parser *p);

/* ---- the verdict ------------------------------------------------------------------------ */

typedef enum {
	GOMEM_OOM_UNKNOWN = 0,   /* nothing of the process's own to join with */
	GOMEM_OOM_GO_HEAP,       /* the Go heap explains the memory */
	GOMEM_OOM_GO_NONHEAP,    /* goroutine stacks and the runtime's own memory do */
	GOMEM_OOM_OUTSIDE_GO,    /* neither: cgo, mmap, memory the runtime does not manage */
	GOMEM_OOM_OUTSIDE_HEAP   /* not the heap; gctrace cannot tell stacks from non-Go memory */
} gomem_oom_cause;

typedef struct gomem_oom_verdict {
	gomem_oom_cause cause;
	const char *what;       /* "Go heap", "Go non-heap (stacks, runtime)", ... (static) */
	int64_t rss;            /* anon-rss + shmem-rss of the kill (what the runtime could hold) */
	int64_t go_heap;        /* the heap at the kill: the profile's HeapInuse, or gctrace's
				 * bound (the heap the next GC aimed at, at most the rss) */
	int64_t go_nonheap;     /* stacks and runtime metadata (profile), or stacks (gctrace) */
	int64_t outside;        /* rss - go_heap - go_nonheap, at least 0 */
	double heap_share, nonheap_share, outside_share; /* of rss */
	char basis[32];         /* "heap profile", "gctrace", "" */
} gomem_oom_verdict;

/* Joins KILL with what the process told: its gctrace events EV[0..NEV)
 * (the last run's, in order; EV NULL for no gctrace, EV with NEV 0 for a
 * gctrace without gc lines: the heap never reached its first goal) and/or
 * MEMSTATS of its last heap profile (NULL for none; the profile's wins). */
GOMEM_API void gomem_oom_judge(gomem_oom_verdict *out, const gomem_oom_kill *kill,
			       const gomem_gctrace_event *ev, size_t nev,
			       const gomem_memstats *memstats);

/* ---- advice -------------------------------------------------------------------------------- */

typedef struct gomem_limits_candidate {
	char label[64];        /* "gomem", "70% (seeds)", "85% (seeds)", "90% (automemlimit)" */
	int64_t gomemlimit;    /* bytes */
	int gogc;              /* GOMEM_PACER_GOGC_OFF for off */
	gomem_pacer_outcome predicted;
	double peak_rss;       /* predicted peak heap * (1 + non-heap share) + the reserve, bytes */
	double headroom;       /* limit - peak_rss, bytes (negative: over the limit) */
	int death_spiral;      /* the live heap reaches the goal the limit allows: the GC runs back
				* to back and the runtime spends its 50 % CPU cap */
	int fits;              /* peak_rss under the limit and no death spiral */
} gomem_limits_candidate;

typedef struct gomem_limits_advice {
	int64_t limit;          /* the container limit the advice is for */
	int64_t reserve;        /* memory the limit holds beside Go's: kernel + sock + shmem of
				 * memory.stat (the page cache is reclaimed first) */
	double nonheap_ratio;   /* Go's own memory beside the heap (stacks, metadata), of the heap */
	double live_max;        /* the largest live heap of the log, bytes */
	gomem_pacer_outcome observed;
	size_t ncandidates;
	gomem_limits_candidate candidates[8]; /* [0] is the recommendation */
} gomem_limits_advice;

/* The advice for LIMIT bytes with RESERVE bytes of non-Go memory charged to
 * the cgroup, from model M (fitted to the workload's gctrace). */
GOMEM_API int gomem_limits_advise(gomem_limits_advice *out, const gomem_pacer_model *m, int64_t limit,
				  int64_t reserve, gomem_error *err);

/* ---- reports (the one output layer) -------------------------------------------------- */

/* The walk, one row per level (cgroup, memory_max_bytes, memory_high_bytes,
 * swap_max_bytes, current_bytes, peak_bytes, cpu_quota, binds), the
 * effective figures as JSON members (schema gomem.limits/1) or, in the
 * table format, a few lines above the table. */
GOMEM_API int gomem_cgroup_write(FILE *fp, const gomem_cgroup_info *info, gomem_format format,
				 gomem_error *err);
/* The advice: the observed run, then one row per candidate (the
 * recommendation first); schema gomem.limits.advice/1. */
GOMEM_API int gomem_limits_advice_write(FILE *fp, const gomem_limits_advice *a, gomem_format format,
					gomem_error *err);
/* The post-mortem table (schema gomem.limits.oom/1) and one row per kill. */
GOMEM_API int gomem_oom_rows_new(gomem_table **out, FILE *fp, gomem_format format, gomem_error *err);
GOMEM_API int gomem_oom_row(gomem_table *t, const gomem_oom_kill *kill, const gomem_oom_verdict *v);

#ifdef __cplusplus
}
#endif
#endif
