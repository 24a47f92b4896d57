/* SPDX-License-Identifier: Apache-2.0 */
/* trace_old.c — execution traces of Go 1.11 to 1.21 ("go 1.11 trace",
 * "go 1.19 trace", "go 1.21 trace"), read as Go's internal/trace/internal/
 * oldtrace reads them and converted to the Go 1.22 events as Go 1.23's
 * oldtrace.go converts them, so the analysis sees one event model.
 *
 * This format has per-P batches with no generations and timestamps that
 * only a global merge puts in order, so the trace is read whole: a first
 * pass finds the batches, a second merges them (each P's next event goes
 * when its goroutine's sequence number allows, the earliest first), then
 * the ticks become nanoseconds, the merged stream is checked (postprocess)
 * and the converter turns each old event into zero, one or more new ones. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace-internal.h"

/* Old event types (runtime/trace.go before 1.22). */
enum {
	O_NONE = 0, O_BATCH, O_FREQUENCY, O_STACK, O_GOMAXPROCS, O_PROC_START, O_PROC_STOP, O_GC_START,
	O_GC_DONE, O_STW_START, O_STW_DONE, O_GC_SWEEP_START, O_GC_SWEEP_DONE, O_GO_CREATE, O_GO_START,
	O_GO_END, O_GO_STOP, O_GO_SCHED, O_GO_PREEMPT, O_GO_SLEEP, O_GO_BLOCK, O_GO_UNBLOCK,
	O_GO_BLOCK_SEND, O_GO_BLOCK_RECV, O_GO_BLOCK_SELECT, O_GO_BLOCK_SYNC, O_GO_BLOCK_COND,
	O_GO_BLOCK_NET, O_GO_SYSCALL, O_GO_SYSEXIT, O_GO_SYSBLOCK, O_GO_WAITING, O_GO_IN_SYSCALL,
	O_HEAP_ALLOC, O_HEAP_GOAL, O_TIMER_GOROUTINE, O_FUTILE_WAKEUP, O_STRING, O_GO_START_LOCAL,
	O_GO_UNBLOCK_LOCAL, O_GO_SYSEXIT_LOCAL, O_GO_START_LABEL, O_GO_BLOCK_GC, O_GC_MARK_ASSIST_START,
	O_GC_MARK_ASSIST_DONE, O_USER_TASK_CREATE, O_USER_TASK_END, O_USER_REGION, O_USER_LOG,
	O_CPU_SAMPLE, O_COUNT
};

struct odesc {
	const char *name;
	uint8_t min_version, stack, nargs;
};

/* Go's oldtrace.EventDescriptions: name, first version, has a stack, args. */
static const struct odesc odescs[O_COUNT] = {
	[O_NONE] = {"None", 5, 0, 0}, [O_BATCH] = {"Batch", 5, 0, 2}, [O_FREQUENCY] = {"Frequency", 5, 0, 1},
	[O_STACK] = {"Stack", 5, 0, 2}, [O_GOMAXPROCS] = {"Gomaxprocs", 5, 1, 1},
	[O_PROC_START] = {"ProcStart", 5, 0, 1}, [O_PROC_STOP] = {"ProcStop", 5, 0, 0},
	[O_GC_START] = {"GCStart", 5, 1, 1}, [O_GC_DONE] = {"GCDone", 5, 0, 0},
	[O_STW_START] = {"GCSTWStart", 5, 0, 1}, [O_STW_DONE] = {"GCSTWDone", 5, 0, 0},
	[O_GC_SWEEP_START] = {"GCSweepStart", 5, 1, 0}, [O_GC_SWEEP_DONE] = {"GCSweepDone", 5, 0, 2},
	[O_GO_CREATE] = {"GoCreate", 5, 1, 2}, [O_GO_START] = {"GoStart", 5, 0, 2},
	[O_GO_END] = {"GoEnd", 5, 0, 0}, [O_GO_STOP] = {"GoStop", 5, 1, 0}, [O_GO_SCHED] = {"GoSched", 5, 1, 0},
	[O_GO_PREEMPT] = {"GoPreempt", 5, 1, 0}, [O_GO_SLEEP] = {"GoSleep", 5, 1, 0},
	[O_GO_BLOCK] = {"GoBlock", 5, 1, 0}, [O_GO_UNBLOCK] = {"GoUnblock", 5, 1, 2},
	[O_GO_BLOCK_SEND] = {"GoBlockSend", 5, 1, 0}, [O_GO_BLOCK_RECV] = {"GoBlockRecv", 5, 1, 0},
	[O_GO_BLOCK_SELECT] = {"GoBlockSelect", 5, 1, 0}, [O_GO_BLOCK_SYNC] = {"GoBlockSync", 5, 1, 0},
	[O_GO_BLOCK_COND] = {"GoBlockCond", 5, 1, 0}, [O_GO_BLOCK_NET] = {"GoBlockNet", 5, 1, 0},
	[O_GO_SYSCALL] = {"GoSysCall", 5, 1, 0}, [O_GO_SYSEXIT] = {"GoSysExit", 5, 0, 3},
	[O_GO_SYSBLOCK] = {"GoSysBlock", 5, 0, 0}, [O_GO_WAITING] = {"GoWaiting", 5, 0, 1},
	[O_GO_IN_SYSCALL] = {"GoInSyscall", 5, 0, 1}, [O_HEAP_ALLOC] = {"HeapAlloc", 5, 0, 1},
	[O_HEAP_GOAL] = {"HeapGoal", 5, 0, 1}, [O_TIMER_GOROUTINE] = {"TimerGoroutine", 5, 0, 1},
	[O_FUTILE_WAKEUP] = {"FutileWakeup", 5, 0, 0}, [O_STRING] = {"String", 7, 0, 0},
	[O_GO_START_LOCAL] = {"GoStartLocal", 7, 0, 1}, [O_GO_UNBLOCK_LOCAL] = {"GoUnblockLocal", 7, 1, 1},
	[O_GO_SYSEXIT_LOCAL] = {"GoSysExitLocal", 7, 0, 2}, [O_GO_START_LABEL] = {"GoStartLabel", 8, 0, 3},
	[O_GO_BLOCK_GC] = {"GoBlockGC", 8, 1, 0}, [O_GC_MARK_ASSIST_START] = {"GCMarkAssistStart", 9, 1, 0},
	[O_GC_MARK_ASSIST_DONE] = {"GCMarkAssistDone", 9, 0, 0},
	[O_USER_TASK_CREATE] = {"UserTaskCreate", 11, 1, 3}, [O_USER_TASK_END] = {"UserTaskEnd", 11, 1, 1},
	[O_USER_REGION] = {"UserRegion", 11, 1, 3}, [O_USER_LOG] = {"UserLog", 11, 1, 2},
	[O_CPU_SAMPLE] = {"CPUSample", 19, 1, 3},
};

/* Fake Ps the merge moves events to. */
#define TIMER_P 1000001
#define NETPOLL_P 1000002
#define SYSCALL_P 1000003
#define GC_P 1000004
#define PROFILE_P 1000005

struct oev {
	int64_t ts;
	uint64_t g;
	uint64_t args[4];
	uint64_t off;
	uint32_t stk;
	int32_t p;
	uint8_t typ;
};

struct raw {
	uint8_t typ;
	uint64_t args[2 + 4 * 1000]; /* a stack of up to 1000 frames is the longest */
	size_t nargs;
	const char *sarg;            /* EvUserLog's value */
	size_t sarg_len;
	int32_t batch_pid;
	size_t batch_off;
	uint64_t off;
};

struct batch_off { size_t off; size_t nevents; };

struct proc {
	int32_t pid;
	struct batch_off *batches;
	size_t nbatches, cap, next;
	struct oev *evs;         /* the batch being merged */
	size_t nevs, evs_cap, pos;
	int done;
};

struct gst { uint64_t seq; int status; };

enum { G_DEAD = 0, G_RUNNABLE, G_RUNNING, G_WAITING };
#define UNORDERED UINT64_MAX
#define GARBAGE (UINT64_MAX - 1)
#define NOSEQ UINT64_MAX
#define SEQINC (UINT64_MAX - 1)

/* Built-in strings of the converter (oldtrace.go's s* constants). */
enum {
	S_FOREVER, S_PREEMPTED, S_GOSCHED, S_SLEEP, S_CHAN_SEND, S_CHAN_RECV, S_NETWORK, S_SYNC, S_SYNC_COND,
	S_SELECT, S_EMPTY, S_MARK_ASSIST_WAIT, S_STW_UNKNOWN, S_STW_MARK_TERM, S_STW_SWEEP_TERM,
	S_STW_HEAP_DUMP, S_STW_GOROUTINE_PROFILE, S_STW_GOROUTINE_PROFILE_CLEANUP, S_STW_ALL_STACKS,
	S_STW_READ_MEMSTATS, S_STW_ALL_THREADS_SYSCALL, S_STW_GOMAXPROCS, S_STW_START_TRACE,
	S_STW_STOP_TRACE, S_STW_COUNT_PAGES, S_STW_READ_METRICS_SLOW, S_STW_READ_MEMSTATS_SLOW,
	S_STW_PAGE_CACHE_LEAKED, S_STW_RESET_DEBUG_LOG, S_LAST
};

static const char *const builtin_names[S_LAST] = {
	"forever", "preempted", "runtime.Gosched", "sleep", "chan send", "chan receive", "network", "sync",
	"sync.(*Cond).Wait", "select", "", "GC mark assist wait for work", "", "GC mark termination",
	"GC sweep termination", "write heap dump", "goroutine profile", "goroutine profile cleanup",
	"all goroutine stack trace", "read mem stats", "AllThreadsSyscall", "GOMAXPROCS", "start trace",
	"stop trace", "CountPagesInUse (test)", "ReadMetricsSlow (test)", "ReadMemStatsSlow (test)",
	"PageCachePagesLeaked (test)", "ResetDebugLog (test)"
};

struct tr_old {
	gomem_error *err;
	int ver;
	const uint8_t *d;
	size_t n, off;
	uint64_t base;
	size_t max_bytes;

	/* strings: old id -> index in strs (the text lives in the input) */
	struct tr_map str_ids;
	struct ostr { const char *s; size_t len; uint64_t id; } *strs;
	size_t nstrs, strs_cap;
	/* inline strings of UserLog (interned) */
	gomem_strpool inl;
	/* stacks and frames */
	struct tr_map stack_ids;  /* stack id -> index in stacks */
	struct ostack { uint32_t id; size_t off; uint32_t n; } *stacks;
	size_t nstacks, stacks_cap;
	uint64_t *pcs;
	size_t npcs, pcs_cap;
	struct tr_map frame_ids;  /* pc -> frames */
	struct tr_frame *frames;
	size_t nframes, frames_cap;
	int64_t ticks_per_sec;
	struct tr_map timer_goids;

	struct tr_map proc_ids;   /* pid -> procs */
	struct proc *procs;
	size_t nprocs, procs_cap;
	struct oev *cpu;
	size_t ncpu, cpu_cap;

	/* parseEvent state */
	int64_t last_ts;
	uint64_t last_g;
	int32_t last_p;
	struct tr_map last_gs;    /* pid (as uint32) -> g, in last_g_vals */
	uint64_t *last_g_vals;
	size_t nlast, last_cap;

	struct raw raw;
	struct oev *evs;          /* the merged trace */
	size_t nevs, evs_cap;

	/* the converter */
	struct tr_table table;
	uint64_t *inline_ids;
	uint64_t builtin[S_LAST];
	size_t next;              /* next old event */
	int pre_init;
	struct tr_map created_pre_init;
	struct tr_map seen_procs;
	struct tr_map proc_ms;    /* pid -> thread */
	uint64_t *proc_m_vals;
	size_t nproc_m, proc_m_cap;
	struct tr_map tasks;      /* task id -> index in task_vals */
	struct otask { uint64_t parent; uint32_t name; int live; } *task_vals;
	size_t ntasks, tasks_cap;
	gomem_strpool task_names;
	uint64_t last_stw_reason;
	struct tr_queue extra;    /* events the last old event made beyond the first */
	int64_t last_time;
};

static int ofail(struct tr_old *o, uint64_t off, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int ofail(struct tr_old *o, uint64_t off, int code, const char *fmt, ...)
{
	char msg[220];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gomem_error_at_byte(o->err, code, off, "%s", msg);
}

static int onomem(struct tr_old *o, int rc)
{
	return ofail(o, o->base + o->off, rc, "reading the trace: %s (old-format traces are read whole)",
		     gomem_strerror(rc));
}

#define OMAX(o, type) ((o)->max_bytes / sizeof(type) + 16)

/* ---- raw events ------------------------------------------------------------- */

static int read_val(struct tr_old *o, uint64_t *v)
{
	int k = tr_uvarint(o->d + o->off, o->n - o->off, v);

	if (k <= 0)
		return ofail(o, o->base + o->off, k == 0 ? GOMEM_E_TRUNCATED : GOMEM_E_FORMAT,
			     k == 0 ? "the trace ends inside a number" : "malformed base-128 varint");
	o->off += (size_t)k;
	return GOMEM_OK;
}

static int discard(struct tr_old *o, uint64_t n)
{
	if (n > o->n - o->off)
		return ofail(o, o->base + o->n, GOMEM_E_TRUNCATED,
			     "failed to read trace: the trace ends %llu bytes short",
			     (unsigned long long)(n - (o->n - o->off)));
	o->off += (size_t)n;
	return GOMEM_OK;
}

static int add_arg(struct tr_old *o, struct raw *ev, uint64_t v)
{
	if (ev->nargs >= GOMEM_ARRAY_SIZE(ev->args))
		return ofail(o, ev->off, GOMEM_E_FORMAT, "event %d has too many arguments", ev->typ);
	ev->args[ev->nargs++] = v;
	return GOMEM_OK;
}

enum { SKIP_ARGS = 1, SKIP_STRINGS = 2 };

static int read_string_event(struct tr_old *o, int flags, struct raw *ev)
{
	uint64_t id, len;
	uint32_t have;
	int rc;

	if ((rc = read_val(o, &id)) || (rc = read_val(o, &len)))
		return rc;
	if (flags & SKIP_STRINGS)
		return discard(o, len);
	if (id == 0)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "string has invalid id 0");
	if (tr_map_get(&o->str_ids, id, &have) && o->strs[have].len != 0)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "string has duplicate id %llu", (unsigned long long)id);
	if (len == 0)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "string has invalid length 0");
	if (len > 1000000)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "string has too large length %llu", (unsigned long long)len);
	if (len > o->n - o->off)
		return ofail(o, o->base + o->n, GOMEM_E_TRUNCATED, "failed to read trace: a string runs past its end");
	if ((rc = GOMEM_GROW(o->strs, o->strs_cap, o->nstrs + 1, OMAX(o, struct ostr))) ||
	    (rc = tr_map_put(&o->str_ids, id, (uint32_t)o->nstrs)))
		return onomem(o, rc);
	o->strs[o->nstrs].s = (const char *)o->d + o->off;
	o->strs[o->nstrs].len = (size_t)len;
	o->strs[o->nstrs++].id = id;
	o->off += (size_t)len;
	return GOMEM_OK;
}

/* Go's readRawEvent: 1 and an event, 0 at the end of the data, <0 on error. */
static int read_raw(struct tr_old *o, int flags, struct raw *ev)
{
	uint8_t b, typ, narg;
	uint64_t v;
	int rc;

	if (o->off >= o->n)
		return 0;
	ev->off = o->base + o->off;
	b = o->d[o->off++];
	typ = (uint8_t)(b & 0x3f);
	narg = (uint8_t)((b >> 6) + 1);
	ev->nargs = 0;
	ev->sarg = NULL;
	ev->sarg_len = 0;
	if (typ == O_NONE || typ >= O_COUNT || odescs[typ].min_version > o->ver)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "unknown event type %d", typ);
	if (typ == O_STRING) {
		if ((rc = read_string_event(o, flags, ev)) != GOMEM_OK)
			return rc;
		ev->typ = O_NONE;
		return 1;
	}
	ev->typ = typ;
	if (typ == O_BATCH) {
		uint64_t pid;

		if (narg != 2)
			return ofail(o, ev->off, GOMEM_E_FORMAT,
				     "EvBatch has wrong number of arguments: got %d, want 2", narg);
		ev->batch_off = o->off - 1;
		if ((rc = read_val(o, &pid)) || (rc = read_val(o, &v)))
			return rc;
		if (pid != UINT64_MAX && pid > INT32_MAX)
			return ofail(o, ev->off, GOMEM_E_FORMAT, "processor ID %llu is larger than maximum of %d",
				     (unsigned long long)pid, INT32_MAX);
		ev->batch_pid = pid == UINT64_MAX ? -1 : (int32_t)pid;
		ev->args[0] = pid;
		ev->args[1] = v;
		ev->nargs = 2;
		return 1;
	}
	if (narg <= 3) {
		for (int i = 0; i < narg; i++) {
			if ((rc = read_val(o, &v)))
				return rc;
			if (!(flags & SKIP_ARGS) && (rc = add_arg(o, ev, v)))
				return rc;
		}
		return 1;
	}
	/* more arguments: their length in bytes first */
	if ((rc = read_val(o, &v)))
		return rc;
	if (v > 2048)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "failed to read event %d argument: length-prefixed "
			     "argument too big: %llu bytes, limit is 2048", typ, (unsigned long long)v);
	if (!(flags & SKIP_ARGS) || typ == O_CPU_SAMPLE) {
		size_t end;

		if (v > o->n - o->off)
			return ofail(o, o->base + o->n, GOMEM_E_TRUNCATED,
				     "failed to read trace: an event's arguments run past its end");
		end = o->off + (size_t)v;
		while (o->off < end) {
			int k = tr_uvarint(o->d + o->off, end - o->off, &v);

			if (k <= 0)
				return ofail(o, o->base + o->off, GOMEM_E_FORMAT, "malformed base-128 varint");
			o->off += (size_t)k;
			if ((rc = add_arg(o, ev, v)))
				return rc;
		}
	} else if ((rc = discard(o, v))) {
		return rc;
	}
	if (typ == O_USER_LOG) {
		if ((rc = read_val(o, &v)))
			return rc;
		if (!(flags & SKIP_ARGS) && v > 1000000)
			return ofail(o, ev->off, GOMEM_E_FORMAT, "string is too large (len=%llu)", (unsigned long long)v);
		if (v > o->n - o->off)
			return ofail(o, o->base + o->n, GOMEM_E_TRUNCATED, "failed to read trace: a string runs past its end");
		ev->sarg = (const char *)o->d + o->off;
		ev->sarg_len = (size_t)v;
		o->off += (size_t)v;
	}
	return 1;
}

/* Go's rawEvent.argNum. */
static size_t arg_num(const struct raw *ev)
{
	const struct odesc *d = &odescs[ev->typ];
	size_t n = d->nargs + (d->stack ? 1 : 0);

	if (ev->typ == O_STACK)
		return ev->nargs;
	if (ev->typ == O_BATCH || ev->typ == O_FREQUENCY || ev->typ == O_TIMER_GOROUTINE)
		return n;
	return n + 1;
}

/* ---- pass 1: where each P's batches are, and the CPU samples -------------- */

static struct proc *proc_of(struct tr_old *o, int32_t pid, int create)
{
	uint32_t i;
	int rc;

	if (tr_map_get(&o->proc_ids, (uint64_t)(uint32_t)pid, &i))
		return &o->procs[i];
	if (!create)
		return NULL;
	if ((rc = GOMEM_GROW(o->procs, o->procs_cap, o->nprocs + 1, 1u << 20)) ||
	    (rc = tr_map_put(&o->proc_ids, (uint64_t)(uint32_t)pid, (uint32_t)o->nprocs))) {
		onomem(o, rc);
		return NULL;
	}
	memset(&o->procs[o->nprocs], 0, sizeof(o->procs[0]));
	o->procs[o->nprocs].pid = pid;
	return &o->procs[o->nprocs++];
}

static int collect_batches(struct tr_old *o)
{
	struct raw *ev = &o->raw;
	struct proc *cur = NULL;
	int rc;

	o->off = 0;
	while ((rc = read_raw(o, SKIP_ARGS | SKIP_STRINGS, ev)) == 1) {
		if (ev->typ == O_NONE)
			continue;
		if (ev->typ == O_BATCH) {
			if ((cur = proc_of(o, ev->batch_pid, 1)) == NULL)
				return o->err->code;
			if ((rc = GOMEM_GROW(cur->batches, cur->cap, cur->nbatches + 1, OMAX(o, struct batch_off))))
				return onomem(o, rc);
			cur->batches[cur->nbatches].off = ev->batch_off;
			cur->batches[cur->nbatches++].nevents = 0;
		}
		if (cur == NULL || cur->nbatches == 0)
			return ofail(o, ev->off, GOMEM_E_FORMAT,
				     "read event %d before any batch: a trace starts with a batch", ev->typ);
		cur->batches[cur->nbatches - 1].nevents++;
		if (ev->typ == O_CPU_SAMPLE) {
			struct oev *c;
			size_t narg = arg_num(ev);

			if (ev->nargs != narg)
				return ofail(o, ev->off, GOMEM_E_FORMAT, "CPU sample has wrong number of arguments: "
					     "want %zu, got %zu", narg, ev->nargs);
			if ((rc = GOMEM_GROW(o->cpu, o->cpu_cap, o->ncpu + 1, OMAX(o, struct oev))))
				return onomem(o, rc);
			c = &o->cpu[o->ncpu++];
			memset(c, 0, sizeof(*c));
			c->typ = O_CPU_SAMPLE;
			c->off = ev->off;
			for (size_t i = 1; i < narg; i++) {
				if (i == narg - 1)
					c->stk = (uint32_t)ev->args[i];
				else
					c->args[i - 1] = ev->args[i];
			}
			c->ts = (int64_t)c->args[0];
			c->p = (int32_t)c->args[1];
			c->g = c->args[2];
			c->args[0] = 0;
		}
	}
	return rc < 0 ? rc : GOMEM_OK;
}

/* ---- pass 2: events of a batch (Go's parseEvent) ---------------------------- */

static int last_g_swap(struct tr_old *o, int32_t newp)
{
	uint32_t i;
	int rc;

	/* lastGs[lastP] = lastG; lastG = lastGs[newP] */
	if (tr_map_get(&o->last_gs, (uint64_t)(uint32_t)o->last_p, &i)) {
		o->last_g_vals[i] = o->last_g;
	} else {
		if ((rc = GOMEM_GROW(o->last_g_vals, o->last_cap, o->nlast + 1, 1u << 20)) ||
		    (rc = tr_map_put(&o->last_gs, (uint64_t)(uint32_t)o->last_p, (uint32_t)o->nlast)))
			return onomem(o, rc);
		o->last_g_vals[o->nlast++] = o->last_g;
	}
	o->last_p = newp;
	o->last_g = tr_map_get(&o->last_gs, (uint64_t)(uint32_t)newp, &i) ? o->last_g_vals[i] : 0;
	return GOMEM_OK;
}

static int parse_stack(struct tr_old *o, const struct raw *ev)
{
	uint64_t size;
	uint32_t id, have;
	int rc;

	if (ev->nargs < 2)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "EvStack has wrong number of arguments: want at least 2, "
			     "got %zu", ev->nargs);
	size = ev->args[1];
	if (size > 1000)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "EvStack has bad number of frames: %llu",
			     (unsigned long long)size);
	if (ev->nargs != 2 + 4 * size)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "EvStack has wrong number of arguments: want %llu, got %zu",
			     (unsigned long long)(2 + 4 * size), ev->nargs);
	id = (uint32_t)ev->args[0];
	if (id == 0 || size == 0)
		return GOMEM_OK;
	if ((rc = GOMEM_GROW(o->pcs, o->pcs_cap, o->npcs + size, OMAX(o, uint64_t))))
		return onomem(o, rc);
	for (uint64_t i = 0; i < size; i++) {
		struct tr_frame f = {ev->args[2 + i * 4], ev->args[3 + i * 4], ev->args[4 + i * 4],
				     ev->args[5 + i * 4]};

		o->pcs[o->npcs + i] = f.pc;
		if (!tr_map_get(&o->frame_ids, f.pc, &have)) {
			if ((rc = GOMEM_GROW(o->frames, o->frames_cap, o->nframes + 1, OMAX(o, struct tr_frame))) ||
			    (rc = tr_map_put(&o->frame_ids, f.pc, (uint32_t)o->nframes)))
				return onomem(o, rc);
			/* Go keeps the line as an int */
			f.line = (uint64_t)(int64_t)f.line;
			o->frames[o->nframes++] = f;
		}
	}
	/* a later stack with the same id replaces it, as Go's map assignment does */
	if (tr_map_get(&o->stack_ids, id, &have)) {
		o->stacks[have].off = o->npcs;
		o->stacks[have].n = (uint32_t)size;
	} else {
		if ((rc = GOMEM_GROW(o->stacks, o->stacks_cap, o->nstacks + 1, OMAX(o, struct ostack))) ||
		    (rc = tr_map_put(&o->stack_ids, id, (uint32_t)o->nstacks)))
			return onomem(o, rc);
		o->stacks[o->nstacks].id = id;
		o->stacks[o->nstacks].off = o->npcs;
		o->stacks[o->nstacks++].n = (uint32_t)size;
	}
	o->npcs += size;
	return GOMEM_OK;
}

/* Go's parseEvent: 1 with *out for an event, 0 for one that only sets state. */
static int parse_event(struct tr_old *o, const struct raw *ev, struct oev *out)
{
	const struct odesc *d = &odescs[ev->typ];
	size_t narg = arg_num(ev);
	uint32_t id;
	int rc;

	if (ev->nargs != narg)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "%s has wrong number of arguments: want %zu, got %zu",
			     d->name, narg, ev->nargs);
	switch (ev->typ) {
	case O_BATCH:
		if ((rc = last_g_swap(o, ev->args[0] == UINT64_MAX ? -1 : (int32_t)ev->args[0])))
			return rc;
		o->last_ts = (int64_t)ev->args[1];
		return 0;
	case O_FREQUENCY:
		o->ticks_per_sec = (int64_t)ev->args[0];
		if (o->ticks_per_sec <= 0)
			return ofail(o, ev->off, GOMEM_E_FORMAT, "time stamps out of order (frequency %lld)",
				     (long long)o->ticks_per_sec);
		return 0;
	case O_TIMER_GOROUTINE:
		if ((rc = tr_map_put(&o->timer_goids, ev->args[0], 1)))
			return onomem(o, rc);
		return 0;
	case O_STACK:
		return (rc = parse_stack(o, ev)) < 0 ? rc : 0;
	case O_CPU_SAMPLE:
		return 0;
	}
	memset(out, 0, sizeof(*out));
	out->typ = ev->typ;
	out->p = o->last_p;
	out->g = o->last_g;
	out->off = ev->off;
	out->ts = (int64_t)((uint64_t)o->last_ts + ev->args[0]);
	o->last_ts = out->ts;
	for (size_t i = 1; i < narg; i++) {
		if (i == narg - 1 && d->stack)
			out->stk = (uint32_t)ev->args[i];
		else
			out->args[i - 1] = ev->args[i];
	}
	switch (ev->typ) {
	case O_GO_START: case O_GO_START_LOCAL: case O_GO_START_LABEL:
		o->last_g = out->args[0];
		out->g = o->last_g;
		break;
	case O_GO_END: case O_GO_STOP: case O_GO_SCHED: case O_GO_PREEMPT: case O_GO_SLEEP: case O_GO_BLOCK:
	case O_GO_BLOCK_SEND: case O_GO_BLOCK_RECV: case O_GO_BLOCK_SELECT: case O_GO_BLOCK_SYNC:
	case O_GO_BLOCK_COND: case O_GO_BLOCK_NET: case O_GO_SYSBLOCK: case O_GO_BLOCK_GC:
		o->last_g = 0;
		break;
	case O_GO_SYSEXIT: case O_GO_WAITING: case O_GO_IN_SYSCALL:
		out->g = out->args[0];
		break;
	case O_USER_LOG:
		if ((rc = gomem_strpool_intern(&o->inl, ev->sarg ? ev->sarg : "", ev->sarg_len, &id)))
			return onomem(o, rc);
		out->args[3] = id;
		break;
	}
	return 1;
}

/* Go's loadBatch: the next batch of P into p->evs. */
static int load_batch(struct tr_old *o, struct proc *p)
{
	struct raw *ev = &o->raw;
	int got_header = 0, rc;

	p->nevs = p->pos = 0;
	if (p->next >= p->nbatches)
		return 0;
	o->off = p->batches[p->next++].off;
	while ((rc = read_raw(o, 0, ev)) == 1) {
		struct oev e;

		if (ev->typ == O_NONE || ev->typ == O_CPU_SAMPLE)
			continue;
		if (ev->typ == O_BATCH) {
			if (got_header)
				break;
			got_header = 1;
		}
		if ((rc = parse_event(o, ev, &e)) < 0)
			return rc;
		if (rc == 0)
			continue;
		if ((rc = GOMEM_GROW(p->evs, p->evs_cap, p->nevs + 1, OMAX(o, struct oev))))
			return onomem(o, rc);
		p->evs[p->nevs++] = e;
	}
	return rc < 0 ? rc : 1;
}

/* ---- the merge (Go's parseEventBatches and order.go) -------------------------- */

static void transition_of(const struct oev *ev, uint64_t *g, struct gst *init, struct gst *next)
{
	*g = UNORDERED;
	*init = *next = (struct gst){0, G_DEAD};
	switch (ev->typ) {
	case O_GO_CREATE:
		*g = ev->args[0];
		*init = (struct gst){0, G_DEAD};
		*next = (struct gst){1, G_RUNNABLE};
		break;
	case O_GO_WAITING: case O_GO_IN_SYSCALL:
		*g = ev->g;
		*init = (struct gst){1, G_RUNNABLE};
		*next = (struct gst){2, G_WAITING};
		break;
	case O_GO_START: case O_GO_START_LABEL:
		*g = ev->g;
		*init = (struct gst){ev->args[1], G_RUNNABLE};
		*next = (struct gst){ev->args[1] + 1, G_RUNNING};
		break;
	case O_GO_START_LOCAL:
		*g = ev->g;
		*init = (struct gst){NOSEQ, G_RUNNABLE};
		*next = (struct gst){SEQINC, G_RUNNING};
		break;
	case O_GO_BLOCK: case O_GO_BLOCK_SEND: case O_GO_BLOCK_RECV: case O_GO_BLOCK_SELECT:
	case O_GO_BLOCK_SYNC: case O_GO_BLOCK_COND: case O_GO_BLOCK_NET: case O_GO_SLEEP:
	case O_GO_SYSBLOCK: case O_GO_BLOCK_GC:
		*g = ev->g;
		*init = (struct gst){NOSEQ, G_RUNNING};
		*next = (struct gst){NOSEQ, G_WAITING};
		break;
	case O_GO_SCHED: case O_GO_PREEMPT:
		*g = ev->g;
		*init = (struct gst){NOSEQ, G_RUNNING};
		*next = (struct gst){NOSEQ, G_RUNNABLE};
		break;
	case O_GO_UNBLOCK: case O_GO_SYSEXIT:
		*g = ev->args[0];
		*init = (struct gst){ev->args[1], G_WAITING};
		*next = (struct gst){ev->args[1] + 1, G_RUNNABLE};
		break;
	case O_GO_UNBLOCK_LOCAL: case O_GO_SYSEXIT_LOCAL:
		*g = ev->args[0];
		*init = (struct gst){NOSEQ, G_WAITING};
		*next = (struct gst){SEQINC, G_RUNNABLE};
		break;
	case O_GC_START:
		*g = GARBAGE;
		*init = (struct gst){ev->args[0], G_DEAD};
		*next = (struct gst){ev->args[0] + 1, G_DEAD};
		break;
	}
}

struct gtab {
	struct tr_map ids;
	struct gst *vals;
	size_t n, cap;
};

static struct gst gtab_get(const struct gtab *t, uint64_t g)
{
	uint32_t i;

	return tr_map_get(&t->ids, g, &i) ? t->vals[i] : (struct gst){0, G_DEAD};
}

static int gtab_set(struct gtab *t, uint64_t g, struct gst v)
{
	uint32_t i;
	int rc = TR_MAP_INDEX(&t->ids, g, t->vals, t->cap, t->n, (size_t)1 << 28, &i);

	if (rc < 0)
		return rc;
	t->vals[i] = v;
	return GOMEM_OK;
}

static int ready(uint64_t g, struct gst cur, struct gst init)
{
	return g == UNORDERED || ((init.seq == NOSEQ || init.seq == cur.seq) && init.status == cur.status);
}

/* The frontier: a min-heap by time of each P's head event (Go's orderEventList). */
struct fent { struct oev ev; size_t proc; };

static void fheap_up(struct fent *h, size_t j)
{
	while (j > 0) {
		size_t i = (j - 1) / 2;
		struct fent t;

		if (!(h[j].ev.ts < h[i].ev.ts))
			break;
		t = h[i];
		h[i] = h[j];
		h[j] = t;
		j = i;
	}
}

static void fheap_down(struct fent *h, size_t i, size_t n)
{
	for (;;) {
		size_t j = 2 * i + 1;
		struct fent t;

		if (j >= n)
			break;
		if (j + 1 < n && h[j + 1].ev.ts < h[j].ev.ts)
			j++;
		if (!(h[j].ev.ts < h[i].ev.ts))
			break;
		t = h[i];
		h[i] = h[j];
		h[j] = t;
		i = j;
	}
}

static int cmp_ts(const void *a, const void *b, void *ctx)
{
	const struct oev *x = a, *y = b;

	(void)ctx;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static int push_event(struct tr_old *o, const struct oev *ev)
{
	int rc = GOMEM_GROW(o->evs, o->evs_cap, o->nevs + 1, OMAX(o, struct oev) * 4);

	if (rc)
		return onomem(o, rc);
	o->evs[o->nevs++] = *ev;
	return GOMEM_OK;
}

static int merge_batches(struct tr_old *o)
{
	struct gtab gs;
	struct fent *front = NULL;
	size_t nfront = 0, *avail = NULL, navail, profile;
	int rc = GOMEM_OK;

	memset(&gs, 0, sizeof(gs));
	tr_map_init(&gs.ids);
	if (gomem_sort(o->cpu, o->ncpu, sizeof(*o->cpu), cmp_ts, NULL))
		return onomem(o, GOMEM_E_NOMEM);
	/* the CPU samples are one more "P", already loaded */
	{
		struct proc *pp = proc_of(o, PROFILE_P, 1);

		if (pp == NULL)
			return o->err->code;
		profile = (size_t)(pp - o->procs);
		pp->evs = o->cpu;
		pp->nevs = o->ncpu;
		pp->evs_cap = o->cpu_cap;
		o->cpu = NULL;
		o->ncpu = o->cpu_cap = 0;
	}
	(void)profile;
	if ((avail = malloc(o->nprocs * sizeof(*avail))) == NULL ||
	    (front = malloc((o->nprocs + 1) * sizeof(*front))) == NULL) {
		free(avail);
		return onomem(o, GOMEM_E_NOMEM);
	}
	for (size_t i = 0; i < o->nprocs; i++)
		avail[i] = i;
	navail = o->nprocs;
	for (;;) {
		for (size_t i = 0; i < navail; i++) {
			struct proc *p = &o->procs[avail[i]];
			struct gst init, next;
			uint64_t g;

			while (p->pos == p->nevs) {
				if ((rc = load_batch(o, p)) < 0)
					goto out;
				if (rc == 0) {
					p->done = 1;
					break;
				}
			}
			if (p->done && p->pos == p->nevs) {
				avail[i] = avail[--navail];
				i--;
				continue;
			}
			transition_of(&p->evs[p->pos], &g, &init, &next);
			if (!ready(g, gtab_get(&gs, g), init))
				continue;
			front[nfront].ev = p->evs[p->pos++];
			front[nfront].proc = avail[i];
			fheap_up(front, nfront++);
			avail[i] = avail[--navail];
			i--;
		}
		if (nfront == 0) {
			for (size_t i = 0; i < o->nprocs; i++) {
				if (!o->procs[i].done) {
					rc = ofail(o, o->procs[i].pos < o->procs[i].nevs ? o->procs[i].evs[o->procs[i].pos].off
											 : o->base,
						   GOMEM_E_FORMAT, "no consistent ordering of events possible");
					goto out;
				}
			}
			break;
		}
		{
			struct fent f = front[0];
			struct gst init, next, cur;
			uint64_t g;

			front[0] = front[--nfront];
			fheap_down(front, 0, nfront);
			transition_of(&f.ev, &g, &init, &next);
			if (f.ev.typ == O_GO_START_LOCAL)
				f.ev.typ = O_GO_START;
			else if (f.ev.typ == O_GO_UNBLOCK_LOCAL)
				f.ev.typ = O_GO_UNBLOCK;
			else if (f.ev.typ == O_GO_SYSEXIT_LOCAL)
				f.ev.typ = O_GO_SYSEXIT;
			if ((rc = push_event(o, &f.ev)) < 0)
				goto out;
			if (g != UNORDERED) {
				cur = gtab_get(&gs, g);
				if (!ready(g, cur, init)) {
					rc = ofail(o, f.ev.off, GOMEM_E_FORMAT,
						   "encountered impossible goroutine state transition");
					goto out;
				}
				if (next.seq == NOSEQ)
					next.seq = cur.seq;
				else if (next.seq == SEQINC)
					next.seq = cur.seq + 1;
				if ((rc = gtab_set(&gs, g, next)) != GOMEM_OK) {
					rc = onomem(o, rc);
					goto out;
				}
			}
			avail[navail++] = f.proc;
		}
	}
	rc = GOMEM_OK;
out:
	free(avail);
	free(front);
	free(gs.vals);
	tr_map_free(&gs.ids);
	return rc;
}

/* After the merge: sorted times, then the syscall exits take their real
 * time (Go's parseEventBatches tail). */
static int fix_times(struct tr_old *o)
{
	struct gtab block;
	int rc = GOMEM_OK;

	for (size_t i = 1; i < o->nevs; i++)
		if (o->evs[i].ts < o->evs[i - 1].ts)
			return ofail(o, o->evs[i].off, GOMEM_E_FORMAT, "time stamps out of order");
	memset(&block, 0, sizeof(block));
	tr_map_init(&block.ids);
	for (size_t i = 0; i < o->nevs && rc == GOMEM_OK; i++) {
		struct oev *ev = &o->evs[i];

		if (ev->typ == O_GO_SYSBLOCK || ev->typ == O_GO_IN_SYSCALL) {
			if ((rc = gtab_set(&block, ev->g, (struct gst){(uint64_t)ev->ts, 0})))
				rc = onomem(o, rc);
		} else if (ev->typ == O_GO_SYSEXIT && ev->args[2] != 0) {
			int64_t ts = (int64_t)ev->args[2], b = (int64_t)gtab_get(&block, ev->g).seq;

			if (b == 0)
				rc = ofail(o, ev->off, GOMEM_E_FORMAT, "stray syscall exit");
			else if (ts < b)
				rc = ofail(o, ev->off, GOMEM_E_FORMAT, "time stamps out of order");
			else
				ev->ts = ts;
		}
	}
	free(block.vals);
	tr_map_free(&block.ids);
	if (rc == GOMEM_OK && gomem_sort(o->evs, o->nevs, sizeof(*o->evs), cmp_ts, NULL))
		rc = onomem(o, GOMEM_E_NOMEM);
	return rc;
}

static int to_nanoseconds(struct tr_old *o)
{
	double freq;
	int64_t min;
	uint32_t v;

	if (o->ticks_per_sec == 0)
		return ofail(o, o->base + o->n, GOMEM_E_FORMAT, "no EvFrequency event");
	if (o->nevs == 0)
		return GOMEM_OK;
	min = o->evs[0].ts;
	freq = 1e9 / (double)o->ticks_per_sec;
	for (size_t i = 0; i < o->nevs; i++) {
		struct oev *ev = &o->evs[i];
		double t = (double)(int64_t)((uint64_t)ev->ts - (uint64_t)min) * freq;

		ev->ts = t > -9223372036854775808.0 && t < 9223372036854775808.0 ? (int64_t)t : INT64_MIN;
		if (ev->typ == O_GO_UNBLOCK && tr_map_get(&o->timer_goids, ev->g, &v))
			ev->p = TIMER_P;
		if (ev->typ == O_GO_SYSEXIT)
			ev->p = SYSCALL_P;
	}
	return GOMEM_OK;
}

/* ---- postprocess: Go's postProcessTrace checks --------------------------------- */

struct pdesc { int running; uint64_t g; int64_t sweep; };
struct gdesc { int state; int64_t ev, start, create, assist; };

struct post {
	struct tr_map gids, pids, tasks;
	struct gdesc *gs;
	size_t ng, gcap;
	struct pdesc *ps;
	size_t np, pcap;
	struct tr_map regions;    /* g -> index in rstack lists */
	struct rlist { int64_t *ev; size_t n, cap; } *rl;
	size_t nrl, rlcap;
};

static struct gdesc *post_g(struct post *s, uint64_t g, int *rc)
{
	uint32_t i;
	int added = TR_MAP_INDEX(&s->gids, g, s->gs, s->gcap, s->ng, (size_t)1 << 28, &i);

	if (added < 0) {
		*rc = added;
		return NULL;
	}
	if (added)
		s->gs[i] = (struct gdesc){G_DEAD, -1, -1, -1, -1};
	return &s->gs[i];
}

static struct pdesc *post_p(struct post *s, int32_t p, int *rc)
{
	uint32_t i;
	int added = TR_MAP_INDEX(&s->pids, (uint64_t)(uint32_t)p, s->ps, s->pcap, s->np, (size_t)1 << 24, &i);

	if (added < 0) {
		*rc = added;
		return NULL;
	}
	if (added)
		s->ps[i] = (struct pdesc){0, 0, -1};
	return &s->ps[i];
}

static int check_running(struct tr_old *o, const struct pdesc *p, const struct gdesc *g,
			 const struct oev *ev, int allow_g0)
{
	const char *name = odescs[ev->typ].name;

	if (g->state != G_RUNNING)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "g %llu is not running while %s (time %lld)",
			     (unsigned long long)ev->g, name, (long long)ev->ts);
	if (p->g != ev->g)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "p %d is not running g %llu while %s (time %lld)", ev->p,
			     (unsigned long long)ev->g, name, (long long)ev->ts);
	if (!allow_g0 && ev->g == 0)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "g 0 did %s (time %lld)", name, (long long)ev->ts);
	return GOMEM_OK;
}

static struct rlist *regions_of(struct post *s, uint64_t g, int *rc)
{
	uint32_t i;
	int added = TR_MAP_INDEX(&s->regions, g, s->rl, s->rlcap, s->nrl, (size_t)1 << 26, &i);

	if (added < 0) {
		*rc = added;
		return NULL;
	}
	return &s->rl[i];
}

/* One event of postProcessTrace; *bad set to a message on a violation. */
static int post_event(struct tr_old *o, struct post *s, size_t idx, int64_t *gc, int64_t *stw)
{
	struct oev *ev = &o->evs[idx];
	struct gdesc *g = NULL, *g1;
	struct pdesc *p = NULL;
	int rc = GOMEM_OK;
	int64_t t = ev->ts;
	uint32_t v;

#define NEED(x) do { if ((x) == NULL) return onomem(o, rc); } while (0)
#define BAD(...) return ofail(o, ev->off, GOMEM_E_FORMAT, __VA_ARGS__)
	switch (ev->typ) {
	case O_PROC_START:
		NEED(p = post_p(s, ev->p, &rc));
		if (p->running)
			BAD("p %d is running before start (time %lld)", ev->p, (long long)t);
		p->running = 1;
		break;
	case O_PROC_STOP:
		NEED(p = post_p(s, ev->p, &rc));
		if (!p->running)
			BAD("p %d is not running before stop (time %lld)", ev->p, (long long)t);
		if (p->g != 0)
			BAD("p %d is running a goroutine %llu during stop (time %lld)", ev->p,
			    (unsigned long long)p->g, (long long)t);
		p->running = 0;
		break;
	case O_GC_START:
		if (*gc >= 0)
			BAD("previous GC is not ended before a new one (time %lld)", (long long)t);
		*gc = (int64_t)idx;
		ev->p = GC_P;
		break;
	case O_GC_DONE:
		if (*gc < 0)
			BAD("bogus GC end (time %lld)", (long long)t);
		*gc = -1;
		break;
	case O_STW_START:
		if (*stw >= 0)
			BAD("previous STW is not ended before a new one (time %lld)", (long long)t);
		*stw = (int64_t)idx;
		break;
	case O_STW_DONE:
		if (*stw < 0)
			BAD("bogus STW end (time %lld)", (long long)t);
		*stw = -1;
		break;
	case O_GC_SWEEP_START:
		NEED(p = post_p(s, ev->p, &rc));
		if (p->sweep >= 0)
			BAD("previous sweeping is not ended before a new one (time %lld)", (long long)t);
		p->sweep = (int64_t)idx;
		break;
	case O_GC_MARK_ASSIST_START:
		NEED(g = post_g(s, ev->g, &rc));
		if (g->assist >= 0)
			BAD("previous mark assist is not ended before a new one (time %lld)", (long long)t);
		g->assist = (int64_t)idx;
		break;
	case O_GC_MARK_ASSIST_DONE:
		NEED(g = post_g(s, ev->g, &rc));
		g->assist = -1;
		break;
	case O_GC_SWEEP_DONE:
		NEED(p = post_p(s, ev->p, &rc));
		if (p->sweep < 0)
			BAD("bogus sweeping end (time %lld)", (long long)t);
		p->sweep = -1;
		break;
	case O_GO_WAITING:
	case O_GO_IN_SYSCALL:
		NEED(g = post_g(s, ev->g, &rc));
		if (g->state != G_RUNNABLE)
			BAD("g %llu is not runnable before %s (time %lld)", (unsigned long long)ev->g,
			    ev->typ == O_GO_WAITING ? "EvGoWaiting" : "EvGoInSyscall", (long long)t);
		g->state = G_WAITING;
		g->ev = (int64_t)idx;
		break;
	case O_GO_CREATE:
		NEED(g = post_g(s, ev->g, &rc));
		NEED(p = post_p(s, ev->p, &rc));
		if ((rc = check_running(o, p, g, ev, 1)))
			return rc;
		if (tr_map_get(&s->gids, ev->args[0], &v))
			BAD("g %llu already exists (time %lld)", (unsigned long long)ev->args[0], (long long)t);
		NEED(g1 = post_g(s, ev->args[0], &rc));
		*g1 = (struct gdesc){G_RUNNABLE, (int64_t)idx, -1, (int64_t)idx, -1};
		break;
	case O_GO_START:
	case O_GO_START_LABEL:
		NEED(g = post_g(s, ev->g, &rc));
		NEED(p = post_p(s, ev->p, &rc));
		if (g->state != G_RUNNABLE)
			BAD("g %llu is not runnable before start (time %lld)", (unsigned long long)ev->g, (long long)t);
		if (p->g != 0)
			BAD("p %d is already running g %llu while start g %llu (time %lld)", ev->p,
			    (unsigned long long)p->g, (unsigned long long)ev->g, (long long)t);
		g->state = G_RUNNING;
		g->start = (int64_t)idx;
		p->g = ev->g;
		if (g->create >= 0) {
			ev->stk = (uint32_t)o->evs[g->create].args[1];
			g->create = -1;
		}
		g->ev = -1;
		break;
	case O_GO_END:
	case O_GO_STOP:
		NEED(g = post_g(s, ev->g, &rc));
		NEED(p = post_p(s, ev->p, &rc));
		if ((rc = check_running(o, p, g, ev, 0)))
			return rc;
		g->start = -1;
		g->state = G_DEAD;
		p->g = 0;
		if (ev->typ == O_GO_END && tr_map_get(&s->regions, ev->g, &v))
			s->rl[v].n = 0;
		break;
	case O_GO_SCHED:
	case O_GO_PREEMPT:
		NEED(g = post_g(s, ev->g, &rc));
		NEED(p = post_p(s, ev->p, &rc));
		if ((rc = check_running(o, p, g, ev, 0)))
			return rc;
		g->state = G_RUNNABLE;
		g->start = -1;
		p->g = 0;
		g->ev = (int64_t)idx;
		break;
	case O_GO_UNBLOCK:
		NEED(g = post_g(s, ev->g, &rc));
		NEED(p = post_p(s, ev->p, &rc));
		if (g->state != G_RUNNING)
			BAD("g %llu is not running while unpark (time %lld)", (unsigned long long)ev->g, (long long)t);
		if (ev->p != TIMER_P && p->g != ev->g)
			BAD("p %d is not running g %llu while unpark (time %lld)", ev->p, (unsigned long long)ev->g,
			    (long long)t);
		NEED(g1 = post_g(s, ev->args[0], &rc));
		if (g1->state != G_WAITING)
			BAD("g %llu is not waiting before unpark (time %lld)", (unsigned long long)ev->args[0],
			    (long long)t);
		if (g1->ev >= 0 && o->evs[g1->ev].typ == O_GO_BLOCK_NET)
			ev->p = NETPOLL_P;
		g1->state = G_RUNNABLE;
		g1->ev = (int64_t)idx;
		break;
	case O_GO_SYSCALL:
		NEED(g = post_g(s, ev->g, &rc));
		NEED(p = post_p(s, ev->p, &rc));
		if ((rc = check_running(o, p, g, ev, 0)))
			return rc;
		g->ev = (int64_t)idx;
		break;
	case O_GO_SYSBLOCK:
		NEED(g = post_g(s, ev->g, &rc));
		NEED(p = post_p(s, ev->p, &rc));
		if ((rc = check_running(o, p, g, ev, 0)))
			return rc;
		g->state = G_WAITING;
		g->start = -1;
		p->g = 0;
		break;
	case O_GO_SYSEXIT:
		NEED(g = post_g(s, ev->g, &rc));
		if (g->state != G_WAITING)
			BAD("g %llu is not waiting during syscall exit (time %lld)", (unsigned long long)ev->g,
			    (long long)t);
		g->state = G_RUNNABLE;
		g->ev = (int64_t)idx;
		break;
	case O_GO_SLEEP: case O_GO_BLOCK: case O_GO_BLOCK_SEND: case O_GO_BLOCK_RECV: case O_GO_BLOCK_SELECT:
	case O_GO_BLOCK_SYNC: case O_GO_BLOCK_COND: case O_GO_BLOCK_NET: case O_GO_BLOCK_GC:
		NEED(g = post_g(s, ev->g, &rc));
		NEED(p = post_p(s, ev->p, &rc));
		if ((rc = check_running(o, p, g, ev, 0)))
			return rc;
		g->state = G_WAITING;
		g->ev = (int64_t)idx;
		g->start = -1;
		p->g = 0;
		break;
	case O_USER_TASK_CREATE:
		if (tr_map_get(&s->tasks, ev->args[0], &v))
			BAD("task id conflicts (id:%llu)", (unsigned long long)ev->args[0]);
		if ((rc = tr_map_put(&s->tasks, ev->args[0], 1)))
			return onomem(o, rc);
		break;
	case O_USER_TASK_END:
		tr_map_del(&s->tasks, ev->args[0]);
		break;
	case O_USER_REGION: {
		struct rlist *r;

		NEED(r = regions_of(s, ev->g, &rc));
		if (ev->args[1] == 0) {
			if ((rc = GOMEM_GROW(r->ev, r->cap, r->n + 1, (size_t)1 << 26)))
				return onomem(o, rc);
			r->ev[r->n++] = (int64_t)idx;
		} else if (ev->args[1] == 1) {
			if (r->n > 0) {
				const struct oev *st = &o->evs[r->ev[r->n - 1]];

				if (st->args[0] != ev->args[0] || st->args[2] != ev->args[2])
					BAD("misuse of region in goroutine %llu: span end when the inner-most active "
					    "span start event is another (time %lld)", (unsigned long long)ev->g,
					    (long long)t);
				r->n--;
			}
		} else {
			BAD("invalid user region mode: %llu", (unsigned long long)ev->args[1]);
		}
		break;
	}
	}
#undef NEED
#undef BAD
	if (ev->stk != 0) {
		if (!tr_map_get(&o->stack_ids, ev->stk, &v) || o->stacks[v].n == 0)
			ev->stk = 0;
	}
	return GOMEM_OK;
}

static int postprocess(struct tr_old *o)
{
	struct post s;
	int64_t gc = -1, stw = -1;
	int rc = GOMEM_OK;
	struct gdesc *g0;

	memset(&s, 0, sizeof(s));
	tr_map_init(&s.gids);
	tr_map_init(&s.pids);
	tr_map_init(&s.tasks);
	tr_map_init(&s.regions);
	if ((g0 = post_g(&s, 0, &rc)) != NULL)
		g0->state = G_RUNNING;
	else
		rc = onomem(o, rc);
	for (size_t i = 0; i < o->nevs && rc == GOMEM_OK; i++)
		rc = post_event(o, &s, i, &gc, &stw);
	for (size_t i = 0; i < s.nrl; i++)
		free(s.rl[i].ev);
	free(s.rl);
	free(s.gs);
	free(s.ps);
	tr_map_free(&s.gids);
	tr_map_free(&s.pids);
	tr_map_free(&s.tasks);
	tr_map_free(&s.regions);
	return rc;
}

/* ---- the converter's tables -------------------------------------------------- */

static int build_table(struct tr_old *o)
{
	uint64_t max = 0;
	int rc;

	for (size_t i = 0; i < o->nstrs; i++) {
		if ((rc = tr_table_add_string(&o->table, o->strs[i].id, o->strs[i].s, o->strs[i].len, o->err,
					      o->base)))
			return rc;
		if (o->strs[i].id > max)
			max = o->strs[i].id;
	}
	if (max + o->inl.count + S_LAST < max)
		return ofail(o, o->base, GOMEM_E_FORMAT, "trace contains too many strings");
	if ((o->inline_ids = malloc((o->inl.count + 1) * sizeof(*o->inline_ids))) == NULL)
		return onomem(o, GOMEM_E_NOMEM);
	for (size_t i = 0; i < o->inl.count; i++) {
		o->inline_ids[i] = max + 1 + i;
		if ((rc = tr_table_add_string(&o->table, max + 1 + i, gomem_strpool_get(&o->inl, (uint32_t)i),
					      gomem_strpool_len(&o->inl, (uint32_t)i), o->err, o->base)))
			return rc;
	}
	max += o->inl.count;
	for (int c = 0; c < S_LAST; c++) {
		o->builtin[c] = max + 1 + (uint64_t)c;
		if ((rc = tr_table_add_string(&o->table, o->builtin[c], builtin_names[c], strlen(builtin_names[c]),
					      o->err, o->base)))
			return rc;
	}
	for (size_t i = 0; i < o->nstacks; i++)
		if ((rc = tr_table_add_stack(&o->table, o->stacks[i].id, o->pcs + o->stacks[i].off,
					     o->stacks[i].n, o->err, o->base)))
			return rc;
	for (size_t i = 0; i < o->nframes; i++)
		if ((rc = tr_table_add_frame(&o->table, &o->frames[i])))
			return onomem(o, rc);
	return GOMEM_OK;
}

/* Go's Trace.STWReason. */
static int stw_reason(int ver, uint64_t kind)
{
	if (ver < 21)
		return kind == 0 || kind == 1 ? (int)kind + 1 : 0;
	return kind < 17 ? (int)kind : 0;
}

/* ---- the converter (oldtrace.go) ----------------------------------------------- */

static int add_extra(struct tr_old *o, const struct tr_ev *ev)
{
	int rc = tr_queue_push(&o->extra, ev);

	return rc == GOMEM_OK ? rc : onomem(o, rc);
}

static int64_t thread_of(struct tr_old *o, int32_t p)
{
	uint32_t i;

	return tr_map_get(&o->proc_ms, (uint64_t)(uint32_t)p, &i) ? (int64_t)o->proc_m_vals[i] : TR_NONE;
}

/* Go's it.procMs[p] read directly: 0 when the proc has no thread. */
static int64_t thread_or_zero(struct tr_old *o, int32_t p)
{
	int64_t m = thread_of(o, p);

	return m == TR_NONE && !tr_map_get(&o->proc_ms, (uint64_t)(uint32_t)p, &(uint32_t){0}) ? 0 : m;
}

static int set_thread(struct tr_old *o, int32_t p, uint64_t m)
{
	uint32_t i;
	int rc = TR_MAP_INDEX(&o->proc_ms, (uint64_t)(uint32_t)p, o->proc_m_vals, o->proc_m_cap, o->nproc_m,
			      1u << 24, &i);

	if (rc < 0)
		return onomem(o, rc);
	o->proc_m_vals[i] = m;
	return GOMEM_OK;
}

static int cmp_u64(const void *a, const void *b, void *ctx)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	(void)ctx;
	return x < y ? -1 : x > y;
}

/* The first Gomaxprocs ends the trace's start: goroutines created before
 * it that neither started nor waited are runnable. */
static int end_pre_init(struct tr_old *o, const struct oev *ev)
{
	uint64_t *ids = malloc((o->created_pre_init.count + 1) * sizeof(*ids));
	size_t n = 0;
	int rc = GOMEM_OK;

	if (ids == NULL)
		return onomem(o, GOMEM_E_NOMEM);
	for (size_t i = 0; i < o->created_pre_init.cap; i++)
		if (tr_map_slot(&o->created_pre_init, i, &ids[n]))
			n++;
	gomem_sort(ids, n, sizeof(*ids), cmp_u64, NULL); /* Go's map order is random; ours is by id */
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		struct tr_ev e;

		memset(&e, 0, sizeof(e));
		e.typ = TR_EV_GO_STATUS;
		e.time = ev->ts;
		e.g = e.p = e.m = TR_NONE;
		e.off = ev->off;
		e.args[0] = ids[i];
		e.args[1] = UINT64_MAX;
		e.args[2] = TR_GO_RUNNABLE;
		rc = add_extra(o, &e);
	}
	free(ids);
	tr_map_clear(&o->created_pre_init);
	o->pre_init = 0;
	return rc;
}

static int task_note(struct tr_old *o, const struct oev *ev)
{
	const char *name = tr_table_string(&o->table, ev->args[2]);
	uint32_t i, nm;
	int rc;

	if ((rc = gomem_strpool_intern(&o->task_names, name ? name : "", name ? strlen(name) : 0, &nm)))
		return onomem(o, rc);
	if ((rc = TR_MAP_INDEX(&o->tasks, ev->args[0], o->task_vals, o->tasks_cap, o->ntasks, (size_t)1 << 26,
			       &i)) < 0)
		return onomem(o, rc);
	o->task_vals[i].parent = ev->args[1];
	o->task_vals[i].name = nm;
	o->task_vals[i].live = 1;
	return GOMEM_OK;
}

static uint64_t block_reason(struct tr_old *o, int typ)
{
	switch (typ) {
	case O_GO_STOP: return o->builtin[S_FOREVER];
	case O_GO_SCHED: return o->builtin[S_GOSCHED];
	case O_GO_PREEMPT: return o->builtin[S_PREEMPTED];
	case O_GO_SLEEP: return o->builtin[S_SLEEP];
	case O_GO_BLOCK: return o->builtin[S_EMPTY];
	case O_GO_BLOCK_SEND: return o->builtin[S_CHAN_SEND];
	case O_GO_BLOCK_RECV: return o->builtin[S_CHAN_RECV];
	case O_GO_BLOCK_SELECT: return o->builtin[S_SELECT];
	case O_GO_BLOCK_SYNC: return o->builtin[S_SYNC];
	case O_GO_BLOCK_COND: return o->builtin[S_SYNC_COND];
	case O_GO_BLOCK_NET: return o->builtin[S_NETWORK];
	default: return o->builtin[S_MARK_ASSIST_WAIT];
	}
}

/* Did the goroutine's syscall block? Its next event says (GoSysBlock). */
static int syscall_blocked(const struct tr_old *o, size_t idx)
{
	const struct oev *ev = &o->evs[idx];

	for (size_t j = idx + 1; j < o->nevs; j++)
		if (o->evs[j].g == ev->g)
			return o->evs[j].typ == O_GO_SYSBLOCK;
	return 0;
}

/* Go's convertEvent: 1 with OUT, 0 to skip the old event, <0 on error. */
static int convert(struct tr_old *o, size_t idx, struct tr_ev *out)
{
	const struct oev *ev = &o->evs[idx];
	uint64_t a[TR_MAX_ARGS] = {ev->args[0], ev->args[1], ev->args[2], ev->args[3], 0};
	int typ = TR_EV_NONE, rc;
	uint32_t v;
	const struct tr_spec *s;

	switch (ev->typ) {
	case O_GOMAXPROCS:
		typ = TR_EV_PROCS_CHANGE;
		if (o->pre_init)
			return (rc = end_pre_init(o, ev)) < 0 ? rc : 0;
		break;
	case O_PROC_START:
		if ((rc = set_thread(o, ev->p, ev->args[0])))
			return rc;
		if (tr_map_get(&o->seen_procs, (uint64_t)(uint32_t)ev->p, &v)) {
			typ = TR_EV_PROC_START;
			memset(a, 0, sizeof(a));
			a[0] = (uint64_t)(int64_t)ev->p;
		} else {
			if ((rc = tr_map_put(&o->seen_procs, (uint64_t)(uint32_t)ev->p, 1)))
				return onomem(o, rc);
			typ = TR_EV_PROC_STATUS;
			memset(a, 0, sizeof(a));
			a[0] = (uint64_t)(int64_t)ev->p;
			a[1] = TR_P_RUNNING;
		}
		break;
	case O_PROC_STOP:
		memset(a, 0, sizeof(a));
		a[0] = (uint64_t)(int64_t)ev->p;
		if (tr_map_get(&o->seen_procs, (uint64_t)(uint32_t)ev->p, &v)) {
			typ = TR_EV_PROC_STOP;
		} else {
			if ((rc = tr_map_put(&o->seen_procs, (uint64_t)(uint32_t)ev->p, 1)))
				return onomem(o, rc);
			typ = TR_EV_PROC_STATUS;
			a[1] = TR_P_IDLE;
		}
		break;
	case O_GC_START: typ = TR_EV_GC_BEGIN; break;
	case O_GC_DONE: typ = TR_EV_GC_END; break;
	case O_STW_START:
		typ = TR_EV_STW_BEGIN;
		o->last_stw_reason = o->builtin[S_STW_UNKNOWN + stw_reason(o->ver, ev->args[0])];
		memset(a, 0, sizeof(a));
		a[0] = o->last_stw_reason;
		break;
	case O_STW_DONE:
		typ = TR_EV_STW_END;
		memset(a, 0, sizeof(a));
		a[0] = o->last_stw_reason;
		break;
	case O_GC_SWEEP_START: typ = TR_EV_GC_SWEEP_BEGIN; break;
	case O_GC_SWEEP_DONE: typ = TR_EV_GC_SWEEP_END; break;
	case O_GO_CREATE:
		if (o->pre_init) {
			if ((rc = tr_map_put(&o->created_pre_init, ev->args[0], 1)))
				return onomem(o, rc);
			return 0;
		}
		typ = TR_EV_GO_CREATE;
		break;
	case O_GO_START:
		if (o->pre_init) {
			typ = TR_EV_GO_STATUS;
			memset(a, 0, sizeof(a));
			a[0] = ev->args[0];
			a[1] = UINT64_MAX;
			a[2] = TR_GO_RUNNING;
			tr_map_del(&o->created_pre_init, ev->args[0]);
		} else {
			typ = TR_EV_GO_START;
		}
		break;
	case O_GO_START_LABEL: {
		struct tr_ev lbl;

		memset(out, 0, sizeof(*out));
		out->typ = TR_EV_GO_START;
		out->time = ev->ts;
		out->g = (int64_t)ev->g;
		out->p = ev->p;
		out->m = thread_or_zero(o, ev->p);
		out->off = ev->off;
		memcpy(out->args, a, sizeof(a));
		lbl = *out;
		lbl.typ = TR_EV_GO_LABEL;
		memset(lbl.args, 0, sizeof(lbl.args));
		lbl.args[0] = ev->args[2];
		return (rc = add_extra(o, &lbl)) < 0 ? rc : 1;
	}
	case O_GO_END: typ = TR_EV_GO_DESTROY; break;
	case O_GO_STOP: case O_GO_SCHED: case O_GO_PREEMPT: case O_GO_SLEEP: case O_GO_BLOCK:
	case O_GO_BLOCK_SEND: case O_GO_BLOCK_RECV: case O_GO_BLOCK_SELECT: case O_GO_BLOCK_SYNC:
	case O_GO_BLOCK_COND: case O_GO_BLOCK_NET: case O_GO_BLOCK_GC:
		typ = ev->typ == O_GO_SCHED || ev->typ == O_GO_PREEMPT ? TR_EV_GO_STOP : TR_EV_GO_BLOCK;
		memset(a, 0, sizeof(a));
		a[0] = block_reason(o, ev->typ);
		a[1] = ev->stk;
		break;
	case O_GO_UNBLOCK: typ = TR_EV_GO_UNBLOCK; break;
	case O_GO_SYSCALL:
		memset(a, 0, sizeof(a));
		a[1] = ev->stk;
		if (syscall_blocked(o, idx)) {
			typ = TR_EV_GO_SYSCALL_BEGIN;
			break;
		}
		/* an instantaneous syscall: a begin and an end 1 ns apart */
		memset(out, 0, sizeof(*out));
		out->typ = TR_EV_GO_SYSCALL_BEGIN;
		out->time = ev->ts;
		out->g = (int64_t)ev->g;
		out->p = ev->p;
		out->m = thread_or_zero(o, ev->p);
		out->off = ev->off;
		memcpy(out->args, a, sizeof(a));
		{
			struct tr_ev end = *out;

			end.typ = TR_EV_GO_SYSCALL_END;
			end.time = (int64_t)((uint64_t)ev->ts + 1);
			memset(end.args, 0, sizeof(end.args));
			if ((rc = add_extra(o, &end)) < 0)
				return rc;
		}
		return 1;
	case O_GO_SYSEXIT: typ = TR_EV_GO_SYSCALL_END_BLOCKED; break;
	case O_GO_SYSBLOCK: return 0;
	case O_GO_WAITING:
	case O_GO_IN_SYSCALL:
		typ = TR_EV_GO_STATUS;
		memset(a, 0, sizeof(a));
		a[0] = ev->args[0];
		a[1] = UINT64_MAX;
		a[2] = ev->typ == O_GO_WAITING ? TR_GO_WAITING : TR_GO_SYSCALL;
		tr_map_del(&o->created_pre_init, ev->args[0]);
		break;
	case O_HEAP_ALLOC: typ = TR_EV_HEAP_ALLOC; break;
	case O_HEAP_GOAL: typ = TR_EV_HEAP_GOAL; break;
	case O_GC_MARK_ASSIST_START: typ = TR_EV_GC_MARK_ASSIST_BEGIN; break;
	case O_GC_MARK_ASSIST_DONE: typ = TR_EV_GC_MARK_ASSIST_END; break;
	case O_USER_TASK_CREATE:
		typ = TR_EV_USER_TASK_BEGIN;
		memset(a, 0, sizeof(a));
		a[0] = ev->args[0];
		a[1] = ev->args[1] == 0 ? GOMEM_TRACE_NO_TASK : ev->args[1];
		a[2] = ev->args[2];
		a[3] = ev->stk;
		if ((rc = task_note(o, ev)) < 0)
			return rc;
		break;
	case O_USER_TASK_END:
		typ = TR_EV_USER_TASK_END;
		memset(a, 0, sizeof(a));
		a[0] = ev->args[0];
		a[1] = ev->args[1];
		if (tr_map_get(&o->tasks, ev->args[0], &v) && o->task_vals[v].live) {
			o->task_vals[v].live = 0;
			tr_map_del(&o->tasks, ev->args[0]);
			a[2] = o->task_vals[v].parent;
			a[3] = tr_table_extra(&o->table, gomem_strpool_get(&o->task_names, o->task_vals[v].name), &rc);
		} else {
			a[2] = GOMEM_TRACE_NO_TASK;
			a[3] = 0;
			rc = GOMEM_OK;
		}
		if (rc < 0)
			return onomem(o, rc);
		break;
	case O_USER_REGION:
		typ = ev->args[1] == 0 ? TR_EV_USER_REGION_BEGIN : ev->args[1] == 1 ? TR_EV_USER_REGION_END
										   : TR_EV_NONE;
		memset(a, 0, sizeof(a));
		a[0] = ev->args[0];
		a[1] = ev->args[2];
		a[2] = ev->stk;
		break;
	case O_USER_LOG:
		typ = TR_EV_USER_LOG;
		memset(a, 0, sizeof(a));
		a[0] = ev->args[0];
		a[1] = ev->args[1];
		a[2] = ev->args[3] < o->inl.count ? o->inline_ids[ev->args[3]] : 0;
		a[3] = ev->stk;
		break;
	case O_CPU_SAMPLE:
		typ = TR_EV_CPU_SAMPLE;
		memset(a, 0, sizeof(a));
		a[0] = ev->stk;
		a[1] = UINT64_MAX;
		a[2] = (uint64_t)(int64_t)ev->p;
		a[3] = ev->g;
		break;
	default:
		return ofail(o, ev->off, GOMEM_E_FORMAT, "unexpected event type %s",
			     ev->typ < O_COUNT ? odescs[ev->typ].name : "?");
	}
	if (typ == TR_EV_NONE)
		return ofail(o, ev->off, GOMEM_E_FORMAT, "invalid user region mode: %llu",
			     (unsigned long long)ev->args[1]);
	s = tr_spec(typ, 23);
	if (odescs[ev->typ].stack && s && s->stack_arg > 0)
		a[s->stack_arg - 1] = ev->stk;
	memset(out, 0, sizeof(*out));
	out->typ = (uint8_t)typ;
	out->time = ev->ts;
	out->off = ev->off;
	memcpy(out->args, a, sizeof(a));
	out->m = ev->p != -1 && ev->typ != O_CPU_SAMPLE ? thread_of(o, ev->p) : TR_NONE;
	if (ev->typ == O_PROC_STOP)
		tr_map_del(&o->proc_ms, (uint64_t)(uint32_t)ev->p);
	out->g = ev->g == 0 ? TR_NONE : (int64_t)ev->g;
	out->p = ev->p;
	return 1;
}

int tr_old_next(struct tr_old *o, struct tr_ev *ev)
{
	int rc;

	for (;;) {
		if (tr_queue_pop(&o->extra, ev))
			break;
		if (o->next >= o->nevs)
			return 0;
		rc = convert(o, o->next++, ev);
		if (rc < 0)
			return rc;
		if (rc == 1)
			break;
	}
	/* two events may not share a time in the new model */
	if (ev->time <= o->last_time)
		ev->time = o->last_time + 1;
	o->last_time = ev->time;
	return 1;
}

struct tr_table *tr_old_table(struct tr_old *o)
{
	return &o->table;
}

/* ---- setup -------------------------------------------------------------------- */

void tr_old_free(struct tr_old *o)
{
	if (o == NULL)
		return;
	tr_map_free(&o->str_ids);
	free(o->strs);
	gomem_strpool_free(&o->inl);
	tr_map_free(&o->stack_ids);
	free(o->stacks);
	free(o->pcs);
	tr_map_free(&o->frame_ids);
	free(o->frames);
	tr_map_free(&o->timer_goids);
	tr_map_free(&o->proc_ids);
	for (size_t i = 0; i < o->nprocs; i++) {
		free(o->procs[i].batches);
		free(o->procs[i].evs);
	}
	free(o->procs);
	free(o->cpu);
	tr_map_free(&o->last_gs);
	free(o->last_g_vals);
	free(o->evs);
	tr_table_free(&o->table);
	free(o->inline_ids);
	tr_map_free(&o->created_pre_init);
	tr_map_free(&o->seen_procs);
	tr_map_free(&o->proc_ms);
	free(o->proc_m_vals);
	tr_map_free(&o->tasks);
	free(o->task_vals);
	gomem_strpool_free(&o->task_names);
	tr_queue_free(&o->extra);
	free(o);
}

int tr_old_parse(struct tr_old **out, const uint8_t *data, size_t len, uint64_t base, int minor,
		 size_t max_bytes, gomem_error *err)
{
	struct tr_old *o = calloc(1, sizeof(*o));
	int rc;

	*out = NULL;
	if (o == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "%s", gomem_strerror(GOMEM_E_NOMEM));
	o->err = err;
	o->ver = minor;
	o->d = data;
	o->n = len;
	o->base = base;
	o->max_bytes = max_bytes;
	o->pre_init = 1;
	o->last_time = -1;
	gomem_strpool_init(&o->inl);
	gomem_strpool_init(&o->task_names);
	tr_table_init(&o->table, max_bytes);
	rc = collect_batches(o);
	if (rc == GOMEM_OK)
		rc = merge_batches(o);
	if (rc == GOMEM_OK && o->ticks_per_sec == 0)
		rc = ofail(o, base + len, GOMEM_E_FORMAT, "no EvFrequency event");
	if (rc == GOMEM_OK)
		rc = fix_times(o);
	if (rc == GOMEM_OK)
		rc = to_nanoseconds(o);
	if (rc == GOMEM_OK)
		rc = postprocess(o);
	if (rc == GOMEM_OK)
		rc = build_table(o);
	/* the input goes away after this: strings now live in the table */
	o->d = NULL;
	if (rc != GOMEM_OK) {
		tr_old_free(o);
		return rc;
	}
	*out = o;
	return GOMEM_OK;
}
