/* SPDX-License-Identifier: Apache-2.0 */
/* trace_spec.c — the event table of the Go 1.22+ trace format (Go's
 * internal/trace/event/go122 specs, with the release each event appeared
 * in), the names the API prints, and the two number conversions every part
 * of the reader shares: varints and ticks to nanoseconds. */
#include <math.h>
#include <string.h>

#include "trace-internal.h"

#define A(...) {__VA_ARGS__}
/* name, args, nargs, timed, has_data, is_stack, start_ev, stack, stack2, string, string2, exp, since */
#define TIMED(name, args, n, start, st, st2, s, s2) \
	{name, args, n, 1, 0, 0, start, st, st2, s, s2, 0, 22}
#define TIMED23(name, args, n, st, st2) {name, args, n, 1, 0, 0, TR_EV_NONE, st, st2, -1, -1, 0, 23}
#define EXP(name, args, n) {name, args, n, 1, 0, 0, TR_EV_NONE, -1, -1, -1, -1, 1, 23}

const struct tr_spec tr_specs[256] = {
	[TR_EV_EVENT_BATCH] = {"EventBatch", A("gen", "m", "time", "size"), 4, 0, 0, 0, 0, -1, -1, -1, -1, 0, 22},
	[TR_EV_STACKS] = {"Stacks", A(NULL), 0, 0, 0, 0, 0, -1, -1, -1, -1, 0, 22},
	[TR_EV_STACK] = {"Stack", A("id", "nframes"), 2, 0, 0, 1, 0, -1, -1, -1, -1, 0, 22},
	[TR_EV_STRINGS] = {"Strings", A(NULL), 0, 0, 0, 0, 0, -1, -1, -1, -1, 0, 22},
	[TR_EV_STRING] = {"String", A("id"), 1, 0, 1, 0, 0, -1, -1, -1, -1, 0, 22},
	[TR_EV_CPU_SAMPLES] = {"CPUSamples", A(NULL), 0, 0, 0, 0, 0, -1, -1, -1, -1, 0, 22},
	[TR_EV_CPU_SAMPLE] = {"CPUSample", A("time", "m", "p", "g", "stack"), 5, 0, 0, 0, 0, -1, -1, -1, -1, 0, 22},
	[TR_EV_FREQUENCY] = {"Frequency", A("freq"), 1, 0, 0, 0, 0, -1, -1, -1, -1, 0, 22},
	[TR_EV_EXPERIMENTAL_BATCH] = {"ExperimentalBatch", A("exp", "gen", "m", "time"), 4, 0, 1, 0, 0,
				      -1, -1, -1, -1, 0, 23},

	[TR_EV_PROCS_CHANGE] = TIMED("ProcsChange", A("dt", "procs_value", "stack"), 3, 0, 2, -1, -1, -1),
	[TR_EV_PROC_START] = TIMED("ProcStart", A("dt", "p", "p_seq"), 3, 0, -1, -1, -1, -1),
	[TR_EV_PROC_STOP] = TIMED("ProcStop", A("dt"), 1, 0, -1, -1, -1, -1),
	[TR_EV_PROC_STEAL] = TIMED("ProcSteal", A("dt", "p", "p_seq", "m"), 4, 0, -1, -1, -1, -1),
	[TR_EV_PROC_STATUS] = TIMED("ProcStatus", A("dt", "p", "pstatus"), 3, 0, -1, -1, -1, -1),
	[TR_EV_GO_CREATE] = TIMED("GoCreate", A("dt", "new_g", "new_stack", "stack"), 4, 0, 3, 2, -1, -1),
	[TR_EV_GO_CREATE_SYSCALL] = TIMED("GoCreateSyscall", A("dt", "new_g"), 2, 0, -1, -1, -1, -1),
	[TR_EV_GO_START] = TIMED("GoStart", A("dt", "g", "g_seq"), 3, 0, -1, -1, -1, -1),
	[TR_EV_GO_DESTROY] = TIMED("GoDestroy", A("dt"), 1, 0, -1, -1, -1, -1),
	[TR_EV_GO_DESTROY_SYSCALL] = TIMED("GoDestroySyscall", A("dt"), 1, 0, -1, -1, -1, -1),
	[TR_EV_GO_STOP] = TIMED("GoStop", A("dt", "reason_string", "stack"), 3, 0, 2, -1, 1, -1),
	[TR_EV_GO_BLOCK] = TIMED("GoBlock", A("dt", "reason_string", "stack"), 3, 0, 2, -1, 1, -1),
	[TR_EV_GO_UNBLOCK] = TIMED("GoUnblock", A("dt", "g", "g_seq", "stack"), 4, 0, 3, -1, -1, -1),
	[TR_EV_GO_SYSCALL_BEGIN] = TIMED("GoSyscallBegin", A("dt", "p_seq", "stack"), 3, 0, 2, -1, -1, -1),
	[TR_EV_GO_SYSCALL_END] = TIMED("GoSyscallEnd", A("dt"), 1, TR_EV_GO_SYSCALL_BEGIN, -1, -1, -1, -1),
	[TR_EV_GO_SYSCALL_END_BLOCKED] = TIMED("GoSyscallEndBlocked", A("dt"), 1, TR_EV_GO_SYSCALL_BEGIN,
					       -1, -1, -1, -1),
	[TR_EV_GO_STATUS] = TIMED("GoStatus", A("dt", "g", "m", "gstatus"), 4, 0, -1, -1, -1, -1),
	[TR_EV_STW_BEGIN] = TIMED("STWBegin", A("dt", "kind_string", "stack"), 3, 0, 2, -1, 1, -1),
	[TR_EV_STW_END] = TIMED("STWEnd", A("dt"), 1, TR_EV_STW_BEGIN, -1, -1, -1, -1),
	[TR_EV_GC_ACTIVE] = TIMED("GCActive", A("dt", "gc_seq"), 2, TR_EV_GC_BEGIN, -1, -1, -1, -1),
	[TR_EV_GC_BEGIN] = TIMED("GCBegin", A("dt", "gc_seq", "stack"), 3, 0, 2, -1, -1, -1),
	[TR_EV_GC_END] = TIMED("GCEnd", A("dt", "gc_seq"), 2, TR_EV_GC_BEGIN, -1, -1, -1, -1),
	[TR_EV_GC_SWEEP_ACTIVE] = TIMED("GCSweepActive", A("dt", "p"), 2, TR_EV_GC_SWEEP_BEGIN, -1, -1, -1, -1),
	[TR_EV_GC_SWEEP_BEGIN] = TIMED("GCSweepBegin", A("dt", "stack"), 2, 0, 1, -1, -1, -1),
	[TR_EV_GC_SWEEP_END] = TIMED("GCSweepEnd", A("dt", "swept_value", "reclaimed_value"), 3,
				     TR_EV_GC_SWEEP_BEGIN, -1, -1, -1, -1),
	[TR_EV_GC_MARK_ASSIST_ACTIVE] = TIMED("GCMarkAssistActive", A("dt", "g"), 2,
					      TR_EV_GC_MARK_ASSIST_BEGIN, -1, -1, -1, -1),
	[TR_EV_GC_MARK_ASSIST_BEGIN] = TIMED("GCMarkAssistBegin", A("dt", "stack"), 2, 0, 1, -1, -1, -1),
	[TR_EV_GC_MARK_ASSIST_END] = TIMED("GCMarkAssistEnd", A("dt"), 1, TR_EV_GC_MARK_ASSIST_BEGIN,
					   -1, -1, -1, -1),
	[TR_EV_HEAP_ALLOC] = TIMED("HeapAlloc", A("dt", "heapalloc_value"), 2, 0, -1, -1, -1, -1),
	[TR_EV_HEAP_GOAL] = TIMED("HeapGoal", A("dt", "heapgoal_value"), 2, 0, -1, -1, -1, -1),
	[TR_EV_GO_LABEL] = TIMED("GoLabel", A("dt", "label_string"), 2, 0, -1, -1, 1, -1),
	[TR_EV_USER_TASK_BEGIN] = TIMED("UserTaskBegin", A("dt", "task", "parent_task", "name_string", "stack"),
					5, 0, 4, -1, 3, -1),
	[TR_EV_USER_TASK_END] = TIMED("UserTaskEnd", A("dt", "task", "stack"), 3, 0, 2, -1, -1, -1),
	[TR_EV_USER_REGION_BEGIN] = TIMED("UserRegionBegin", A("dt", "task", "name_string", "stack"), 4, 0,
					  3, -1, 2, -1),
	[TR_EV_USER_REGION_END] = TIMED("UserRegionEnd", A("dt", "task", "name_string", "stack"), 4,
					TR_EV_USER_REGION_BEGIN, 3, -1, 2, -1),
	[TR_EV_USER_LOG] = TIMED("UserLog", A("dt", "task", "key_string", "value_string", "stack"), 5, 0,
				 4, -1, 2, 3),
	[TR_EV_GO_SWITCH] = TIMED23("GoSwitch", A("dt", "g", "g_seq"), 3, -1, -1),
	[TR_EV_GO_SWITCH_DESTROY] = TIMED23("GoSwitchDestroy", A("dt", "g", "g_seq"), 3, -1, -1),
	[TR_EV_GO_CREATE_BLOCKED] = TIMED23("GoCreateBlocked", A("dt", "new_g", "new_stack", "stack"), 4, 3, 2),
	[TR_EV_GO_STATUS_STACK] = TIMED23("GoStatusStack", A("dt", "g", "m", "gstatus", "stack"), 5, 4, -1),

	[TR_EV_SPAN] = EXP("Span", A("dt", "id", "npages_value", "kindclass"), 4),
	[TR_EV_SPAN_ALLOC] = EXP("SpanAlloc", A("dt", "id", "npages_value", "kindclass"), 4),
	[TR_EV_SPAN_FREE] = EXP("SpanFree", A("dt", "id"), 2),
	[TR_EV_HEAP_OBJECT] = EXP("HeapObject", A("dt", "id", "type"), 3),
	[TR_EV_HEAP_OBJECT_ALLOC] = EXP("HeapObjectAlloc", A("dt", "id", "type"), 3),
	[TR_EV_HEAP_OBJECT_FREE] = EXP("HeapObjectFree", A("dt", "id"), 2),
	[TR_EV_GOROUTINE_STACK] = EXP("GoroutineStack", A("dt", "id", "order"), 3),
	[TR_EV_GOROUTINE_STACK_ALLOC] = EXP("GoroutineStackAlloc", A("dt", "id", "order"), 3),
	[TR_EV_GOROUTINE_STACK_FREE] = EXP("GoroutineStackFree", A("dt", "id"), 2),
};

const char *gomem_trace_type_name(int type)
{
	if (type == TR_EV_SYNC)
		return "Sync";
	return type >= 0 && type < 256 ? tr_specs[type].name : NULL;
}

const char *gomem_trace_kind_name(gomem_trace_kind kind)
{
	static const char *const names[] = {
		"Bad", "Sync", "Metric", "Label", "StackSample", "RangeBegin", "RangeActive", "RangeEnd",
		"TaskBegin", "TaskEnd", "RegionBegin", "RegionEnd", "Log", "StateTransition",
		"Experimental"
	};

	return (unsigned)kind < GOMEM_ARRAY_SIZE(names) ? names[kind] : names[0];
}

const char *gomem_trace_go_state_name(int state)
{
	static const char *const names[] = {"Undetermined", "NotExist", "Runnable", "Running", "Waiting",
					    "Syscall"};

	return state >= 0 && (size_t)state < GOMEM_ARRAY_SIZE(names) ? names[state] : "Bad";
}

const char *gomem_trace_proc_state_name(int state)
{
	static const char *const names[] = {"Undetermined", "NotExist", "Running", "Idle"};

	return state >= 0 && (size_t)state < GOMEM_ARRAY_SIZE(names) ? names[state] : "Bad";
}

int tr_uvarint(const uint8_t *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (i == 9 && b > 1)
			return -1; /* past 64 bits, as binary.Uvarint says */
		if (b < 0x80) {
			*v = x | (uint64_t)b << shift;
			return (int)i + 1;
		}
		if (i == 9)
			return -1;
		x |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	}
	return 0;
}

int64_t tr_ticks_to_ns(uint64_t ticks, double ns_per_tick)
{
	double t = (double)ticks * ns_per_tick;

	/* Go converts with CVTTSD2SQ: NaN and out-of-range give INT64_MIN. */
	if (!(t > -9223372036854775808.0 && t < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)t;
}
