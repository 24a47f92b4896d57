/* SPDX-License-Identifier: Apache-2.0 */
/* trace-internal.h — what the files of the execution-trace module share: the
 * event table, a uint64 map, the per-generation tables, the ordering state
 * machine (Go's internal/trace order.go), the old-format reader and the
 * analysis parts. Never installed. */
#ifndef GOMEM_TRACE_INTERNAL_H
#define GOMEM_TRACE_INTERNAL_H

#include "gomem-internal.h"

/* ---- the wire event types (Go 1.22 numbering, internal/trace/event/go122) - */

enum {
	TR_EV_NONE = 0,
	TR_EV_EVENT_BATCH, TR_EV_STACKS, TR_EV_STACK, TR_EV_STRINGS, TR_EV_STRING,
	TR_EV_CPU_SAMPLES, TR_EV_CPU_SAMPLE, TR_EV_FREQUENCY,
	TR_EV_PROCS_CHANGE, TR_EV_PROC_START, TR_EV_PROC_STOP, TR_EV_PROC_STEAL, TR_EV_PROC_STATUS,
	TR_EV_GO_CREATE, TR_EV_GO_CREATE_SYSCALL, TR_EV_GO_START, TR_EV_GO_DESTROY,
	TR_EV_GO_DESTROY_SYSCALL, TR_EV_GO_STOP, TR_EV_GO_BLOCK, TR_EV_GO_UNBLOCK,
	TR_EV_GO_SYSCALL_BEGIN, TR_EV_GO_SYSCALL_END, TR_EV_GO_SYSCALL_END_BLOCKED, TR_EV_GO_STATUS,
	TR_EV_STW_BEGIN, TR_EV_STW_END,
	TR_EV_GC_ACTIVE, TR_EV_GC_BEGIN, TR_EV_GC_END, TR_EV_GC_SWEEP_ACTIVE, TR_EV_GC_SWEEP_BEGIN,
	TR_EV_GC_SWEEP_END, TR_EV_GC_MARK_ASSIST_ACTIVE, TR_EV_GC_MARK_ASSIST_BEGIN,
	TR_EV_GC_MARK_ASSIST_END, TR_EV_HEAP_ALLOC, TR_EV_HEAP_GOAL,
	TR_EV_GO_LABEL, TR_EV_USER_TASK_BEGIN, TR_EV_USER_TASK_END, TR_EV_USER_REGION_BEGIN,
	TR_EV_USER_REGION_END, TR_EV_USER_LOG,
	/* Go 1.23 */
	TR_EV_GO_SWITCH, TR_EV_GO_SWITCH_DESTROY, TR_EV_GO_CREATE_BLOCKED, TR_EV_GO_STATUS_STACK,
	TR_EV_EXPERIMENTAL_BATCH,
	/* Go 1.23 experimental (AllocFree) */
	TR_EV_SPAN = 128, TR_EV_SPAN_ALLOC, TR_EV_SPAN_FREE, TR_EV_HEAP_OBJECT, TR_EV_HEAP_OBJECT_ALLOC,
	TR_EV_HEAP_OBJECT_FREE, TR_EV_GOROUTINE_STACK, TR_EV_GOROUTINE_STACK_ALLOC,
	TR_EV_GOROUTINE_STACK_FREE,
	TR_EV_SYNC = 255 /* the reader's own sync event */
};

/* go122.GoStatus and go122.ProcStatus, as on the wire. */
enum { TR_GO_BAD = 0, TR_GO_RUNNABLE, TR_GO_RUNNING, TR_GO_SYSCALL, TR_GO_WAITING };
enum { TR_P_BAD = 0, TR_P_RUNNING, TR_P_IDLE, TR_P_SYSCALL, TR_P_SYSCALL_ABANDONED };

#define TR_MAX_ARGS 5              /* arguments after the time (Go's maxArgs-1) */
#define TR_MAX_BATCH (64u << 10)   /* go122.MaxBatchSize */
#define TR_MAX_FRAMES 128          /* go122.MaxFramesPerStack */
#define TR_MAX_STRING 1024         /* go122.MaxStringSize */
#define TR_NONE ((int64_t)-1)

struct tr_spec {
	const char *name;      /* NULL: not an event */
	const char *args[5];   /* argument names (the first is the time: "dt" or "time") */
	uint8_t nargs;         /* arguments on the wire, the time included */
	uint8_t timed;         /* in the M batches, with a time delta first */
	uint8_t has_data;
	uint8_t is_stack;
	uint8_t start_ev;      /* the Begin of this End/Active, TR_EV_NONE if none */
	int8_t stack_arg;      /* index into args (the time counted) of the event's stack, -1 */
	int8_t stack_arg2;     /* a second stack argument (GoCreate's new stack), -1 */
	int8_t string_arg;     /* string-ID arguments, -1 */
	int8_t string_arg2;
	uint8_t experiment;    /* 1: AllocFree */
	uint8_t since;         /* the first trace version (minor) with it */
};

/* The spec of TYPE in a trace of Go 1.MINOR, or NULL if the type is not an
 * event there. */
extern const struct tr_spec tr_specs[256];
static inline const struct tr_spec *tr_spec(int type, int minor)
{
	const struct tr_spec *s;

	if (type < 0 || type > 255)
		return NULL;
	s = &tr_specs[type];
	return s->name && s->since <= minor ? s : NULL;
}

/* Unsigned LEB128 as Go's binary.Uvarint reads it (redundant 0x80 padding
 * accepted, as the runtime writes batch lengths): bytes used, 0 when the
 * data ends first, -1 past ten bytes or 64 bits. */
int tr_uvarint(const uint8_t *p, size_t n, uint64_t *v);

/* Go's float64(t) * f -> int64 conversion (truncation; out of range is
 * INT64_MIN as on amd64, never undefined behaviour in C). */
int64_t tr_ticks_to_ns(uint64_t ticks, double ns_per_tick);

/* ---- a map from uint64 to uint32 (linear probing, backward-shift delete) -- */

struct tr_map_slot {
	uint64_t key;
	uint32_t val;
	uint32_t used;     /* one slot, one cache line access */
};

struct tr_map {
	struct tr_map_slot *slots;
	size_t cap, count; /* cap a power of two or 0 */
};

void tr_map_init(struct tr_map *m);
void tr_map_free(struct tr_map *m);
void tr_map_clear(struct tr_map *m);
/* 1 and *val when KEY is there, else 0. */
int tr_map_get(const struct tr_map *m, uint64_t key, uint32_t *val);
int tr_map_put(struct tr_map *m, uint64_t key, uint32_t val);
void tr_map_del(struct tr_map *m, uint64_t key);
/* Records kept in a dense array and found by key (goroutines, procs, tasks):
 * *idx is KEY's record. A new key gets a zeroed record appended to *arr (n
 * records of SIZE bytes, grown up to MAX) and returns 1; a known key 0; else a
 * negative GOMEM_E_*. */
int tr_map_index(struct tr_map *m, uint64_t key, void **arr, size_t *cap, size_t *n, size_t size,
		 size_t max, uint32_t *idx);
#define TR_MAP_INDEX(m, key, arr, cap, n, max, idx) \
	tr_map_index((m), (key), (void **)&(arr), &(cap), &(n), sizeof(*(arr)), (max), (idx))
/* Slot I (0..cap-1) holds a key: for walking every entry. */
static inline int tr_map_slot(const struct tr_map *m, size_t i, uint64_t *key)
{
	if (!m->slots[i].used)
		return 0;
	*key = m->slots[i].key;
	return 1;
}

/* ---- per-generation tables (strings, stacks, frames) --------------------- */

struct tr_frame {
	uint64_t pc, func, file, line; /* func and file: string ids */
};

struct tr_table {
	/* strings: id -> (offset, length) in strdata */
	gomem_buf strdata;
	struct tr_strref { uint32_t off, len; } *strs;
	size_t nstrs, strs_cap;
	struct tr_map str_ids;
	/* stacks: id -> a run of pcs */
	uint64_t *pcs;
	size_t npcs, pcs_cap;
	struct tr_stackref { size_t off; uint32_t n; } *stacks;
	size_t nstacks, stacks_cap;
	struct tr_map stack_ids;
	/* frames: pc -> frame (the first seen wins, as in Go) */
	struct tr_frame *frames;
	size_t nframes, frames_cap;
	struct tr_map frame_ids;
	/* strings the reader makes up (task names carried over generations) */
	gomem_strpool extra;  /* extra id k is string k-1 */
	size_t max_bytes;     /* ceiling on strdata and the arrays */
};

void tr_table_init(struct tr_table *t, size_t max_bytes);
void tr_table_reset(struct tr_table *t);
void tr_table_free(struct tr_table *t);
/* GOMEM_E_FORMAT (with a message in ERR at OFF) for a duplicate id. */
int tr_table_add_string(struct tr_table *t, uint64_t id, const char *s, size_t len,
			gomem_error *err, uint64_t off);
int tr_table_add_stack(struct tr_table *t, uint64_t id, const uint64_t *pcs, uint32_t n,
		       gomem_error *err, uint64_t off);
int tr_table_add_frame(struct tr_table *t, const struct tr_frame *f);
/* The string ID (id 0 is ""); NULL when unknown. */
const char *tr_table_string(const struct tr_table *t, uint64_t id);
/* 1 when the stack is known (id 0 always is, with no frames). */
int tr_table_stack(const struct tr_table *t, uint64_t id, const uint64_t **pcs, uint32_t *n);
const struct tr_frame *tr_table_frame(const struct tr_table *t, uint64_t pc);
/* An extra string's id (0 for ""), or 0 on failure with *rc set. */
uint64_t tr_table_extra(struct tr_table *t, const char *s, int *rc);
const char *tr_table_extra_string(const struct tr_table *t, uint64_t id);

/* ---- events inside the reader -------------------------------------------- */

struct tr_ev {
	uint8_t typ;
	int64_t time;
	uint64_t args[TR_MAX_ARGS];
	int64_t g, p, m;     /* the context (Go's schedCtx) */
	uint64_t off;        /* where it was read */
};

/* A FIFO of events (Go's queue[Event]). */
struct tr_queue {
	struct tr_ev *buf;
	size_t cap, start, len;
};

int tr_queue_push(struct tr_queue *q, const struct tr_ev *ev);
int tr_queue_pop(struct tr_queue *q, struct tr_ev *out);
void tr_queue_free(struct tr_queue *q);

/* ---- ordering: Go's ordering (internal/trace/order.go) -------------------- */

struct tr_range { uint8_t typ; uint64_t desc; };
struct tr_region { uint64_t task; uint32_t name; /* interned in names */ };

struct tr_gstate {
	int64_t id;
	uint8_t status;
	uint64_t seq_gen, seq;
	struct tr_region *regions;
	size_t nregions, regions_cap;
	struct tr_range *ranges;
	size_t nranges, ranges_cap;
};

struct tr_pstate {
	int64_t id;
	uint8_t status;
	uint64_t seq_gen, seq;
	struct tr_range *ranges;
	size_t nranges, ranges_cap;
};

struct tr_mstate { int64_t id, g, p; };

struct tr_order {
	struct tr_gstate *gs;      /* slots, reused through free_gs */
	size_t ngs, gs_cap;
	uint32_t *free_gs;
	size_t nfree_gs, free_gs_cap;
	struct tr_map gmap;        /* goroutine id -> slot */
	struct tr_pstate *ps;
	size_t nps, ps_cap;
	struct tr_map pmap;
	struct tr_mstate *ms;
	size_t nms, ms_cap;
	struct tr_map mmap;
	int64_t last_m;            /* the thread looked up last and its slot: events come */
	uint32_t last_m_slot;      /* in runs from one thread */
	struct tr_task { uint64_t id, parent; uint32_t name; int live; } *tasks;
	size_t ntasks, tasks_cap;
	uint32_t *free_tasks;
	size_t nfree_tasks, free_tasks_cap;
	struct tr_map taskmap;
	gomem_strpool names;       /* region and task names, resolved (they cross generations) */
	uint64_t gc_seq;
	int gc_state;              /* 0 undetermined, 1 not running, 2 running */
	uint64_t initial_gen;
	int minor;
	struct tr_queue queue;
	gomem_error *err;
	size_t max_items;
};

void tr_order_init(struct tr_order *o, gomem_error *err, int minor);
void tr_order_free(struct tr_order *o);
/* Go's ordering.Advance: 1 when EV (from thread M, generation GEN) advanced
 * and events were queued, 0 when it cannot advance yet, <0 on an error (in
 * o->err, positioned at the event). */
int tr_order_advance(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t m,
		     uint64_t gen);

/* ---- the old format (Go 1.11-1.21) ---------------------------------------- */

struct tr_old;

/* Parses a whole old-format trace (DATA after the 16-byte header, BASE its
 * input offset) into converted events; errors in ERR. */
int tr_old_parse(struct tr_old **out, const uint8_t *data, size_t len, uint64_t base, int minor,
		 size_t max_bytes, gomem_error *err);
/* The next converted event: 1, 0 at the end, <0 on an error. */
int tr_old_next(struct tr_old *o, struct tr_ev *ev);
struct tr_table *tr_old_table(struct tr_old *o);
void tr_old_free(struct tr_old *o);

/* ---- turning reader events into public events ----------------------------- */

/* Fills OUT from EV (strings resolved through T; a stop-the-world range
 * name is written into NAMEBUF); GOMEM_E_FORMAT when a string the event
 * names is not in the table. */
#define TR_NAMEBUF (TR_MAX_STRING + 32)
int tr_event_public(gomem_trace_event *out, const struct tr_ev *ev, const struct tr_table *t,
		    int minor, gomem_error *err, char *namebuf, size_t namebuf_size);

#endif
