/* SPDX-License-Identifier: Apache-2.0 */
/* verdict.c — what filled the memory an OOM kill freed: the kill's
 * anon-rss (and shmem) split into the Go heap, Go's other memory (goroutine
 * stacks, the runtime's metadata) and the rest (cgo, mmap, anything the Go
 * runtime does not manage). A heap profile's MemStats (debug=1) say it
 * directly (HeapInuse; StackInuse and the runtime's *Sys figures); gctrace
 * only bounds the heap: at the kill it sat between the last marked heap and
 * the goal of the next cycle, and since Go 1.18 its lines give the stacks.
 * The runtime's figures can exceed what was resident (stacks reserved but
 * not touched), so each part is capped by what is left of the rss. */
#include <math.h>
#include <string.h>

#include "gomem-internal.h"

#define MIB ((int64_t)1 << 20)

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* The heap the next cycle aimed at: the last marked heap grown as the last
 * goal grew from the marked heap before it (GOGC, whatever it was). No gc
 * line at all: the heap never reached the first goal, 4 MiB at GOGC=100. */
static int64_t heap_bound(const gomem_gctrace_event *ev, size_t n)
{
	const gomem_gctrace_event *last = NULL, *prev = NULL;
	double growth = 2;

	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == GOMEM_GCTRACE_GC && ev[i].heap_live >= 0) {
			prev = last;
			last = &ev[i];
		}
	if (last == NULL)
		return 4 * MIB;
	if (prev && prev->heap_live > 0 && last->goal > prev->heap_live)
		growth = (double)last->goal / (double)prev->heap_live;
	double next = (double)last->heap_live * growth;

	if (last->heap_end > next)
		next = (double)last->heap_end;
	return next > 9e18 ? INT64_MAX : (int64_t)next;
}

static int64_t last_stacks(const gomem_gctrace_event *ev, size_t n)
{
	for (size_t i = n; i > 0; i--)
		if (ev[i - 1].kind == GOMEM_GCTRACE_GC)
			return ev[i - 1].stacks;
	return -1;
}

static const char *cause_text(gomem_oom_cause c)
{
	switch (c) {
	case GOMEM_OOM_GO_HEAP: return "Go heap";
	case GOMEM_OOM_GO_NONHEAP: return "Go non-heap (goroutine stacks, runtime)";
	case GOMEM_OOM_OUTSIDE_GO: return "outside Go (cgo, mmap, memory the runtime does not manage)";
	case GOMEM_OOM_OUTSIDE_HEAP: return "outside the Go heap (stacks or non-Go memory: a heap "
					   "profile tells them apart)";
	default: return "unknown (no gctrace or heap profile of the process)";
	}
}

void gomem_oom_judge(gomem_oom_verdict *out, const gomem_oom_kill *kill, const gomem_gctrace_event *ev,
		     size_t nev, const gomem_memstats *ms)
{
	int64_t rss = kill->anon_rss > 0 ? kill->anon_rss : kill->usage;
	bool stacks_known = false;

	memset(out, 0, sizeof(*out));
	if (rss > 0 && kill->shmem_rss > 0)
		rss += kill->shmem_rss;
	out->rss = rss > 0 ? rss : 0;
	if (ms != NULL) {
		out->go_heap = (int64_t)ms->heap_inuse;
		out->go_nonheap = (int64_t)(ms->stack_inuse + ms->mspan_inuse + ms->mcache_inuse +
					    ms->buck_hash_sys + ms->gc_sys + ms->other_sys);
		stacks_known = true;
		snprintf(out->basis, sizeof(out->basis), "heap profile");
	} else if (ev != NULL) {
		int64_t st = last_stacks(ev, nev);

		out->go_heap = heap_bound(ev, nev);
		out->go_nonheap = st > 0 ? st : 0;
		stacks_known = st >= 0 && out->go_nonheap * 2 >= out->rss;
		snprintf(out->basis, sizeof(out->basis), "gctrace");
	} else {
		out->cause = GOMEM_OOM_UNKNOWN;
		out->what = cause_text(out->cause);
		out->outside = out->rss;
		out->heap_share = out->nonheap_share = out->outside_share = NAN;
		return;
	}
	out->go_heap = min64(out->go_heap, out->rss);
	out->go_nonheap = min64(out->go_nonheap, out->rss - out->go_heap);
	out->outside = out->rss - out->go_heap - out->go_nonheap;
	if (out->rss > 0) {
		out->heap_share = (double)out->go_heap / (double)out->rss;
		out->nonheap_share = (double)out->go_nonheap / (double)out->rss;
		out->outside_share = (double)out->outside / (double)out->rss;
	}
	if (out->go_heap >= out->go_nonheap && out->go_heap >= out->outside)
		out->cause = GOMEM_OOM_GO_HEAP;
	else if (out->go_nonheap >= out->outside)
		out->cause = GOMEM_OOM_GO_NONHEAP;
	else
		out->cause = stacks_known || ms ? GOMEM_OOM_OUTSIDE_GO : GOMEM_OOM_OUTSIDE_HEAP;
	out->what = cause_text(out->cause);
}
