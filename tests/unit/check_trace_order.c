/* SPDX-License-Identifier: Apache-2.0 */
/* check_trace_order.c — the ordering state machine (Go's order.go): events
 * of different threads put in the order their sequence numbers allow, not
 * their times; a proc stolen from a syscall; a goroutine created and gone
 * in a cgo callback; ranges and tasks that cross a generation; and each
 * impossible history refused at the event's byte with Go's message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"
#include "trace_text.h"
#include "trace/trace-internal.h"

#define NOM "18446744073709551615"
#define FREQ(gen) "EventBatch gen=" #gen " m=" NOM " time=0\nFrequency freq=1000000000\n"
#define STRINGS "EventBatch gen=1 m=" NOM " time=0\nStrings\nString id=1\ndata=\"GC sweep termination\"\n" \
	"String id=2\ndata=\"job\"\nString id=3\ndata=\"other\"\n"
#define HDR "Trace Go1.22\nEventBatch gen=1 m=0 time=100\nProcStatus dt=0 p=0 pstatus=1\n" \
	"GoStatus dt=0 g=1 m=0 gstatus=2\n"

static char *read_ok(const char *text)
{
	char *dump, err[512];
	int rc = trace_text_read(text, &dump, err, sizeof(err));

	ck_assert_msg(rc == GOMEM_OK, "%s", err);
	return dump;
}

/* The line of DUMP that contains WHAT (its first), for order checks. */
static const char *line_of(const char *dump, const char *what)
{
	const char *p = strstr(dump, what);

	ck_assert_msg(p != NULL, "no '%s' in:\n%s", what, dump);
	return p;
}

/* G2 runs on M1 "before" M0 unblocks it by the clocks; the sequence
 * numbers say otherwise, and the start gets the next nanosecond. */
START_TEST(test_sequence_beats_time)
{
	char *dump = read_ok(HDR "GoStatus dt=0 g=2 m=" NOM " gstatus=4\n"
			     "GoUnblock dt=50 g=2 g_seq=1 stack=0\n"
			     "EventBatch gen=1 m=1 time=120\nProcStatus dt=0 p=1 pstatus=1\nGoStart dt=1 g=2 g_seq=2\n"
			     FREQ(1));
	const char *unblock = line_of(dump, "GoID=2 Waiting->Runnable");
	const char *start = line_of(dump, "GoID=2 Runnable->Running");

	ck_assert(unblock < start);
	ck_assert_ptr_nonnull(strstr(dump, "M=1 P=1 G=-1 StateTransition Time=151 Resource=Goroutine(2)"));
	free(dump);
}
END_TEST

/* M1 steals P0 while G1 sits in a syscall on M0; G1 comes back without it. */
START_TEST(test_syscall_steal)
{
	char *dump = read_ok(HDR "GoSyscallBegin dt=10 p_seq=1 stack=0\nGoSyscallEndBlocked dt=100\n"
			     "EventBatch gen=1 m=1 time=150\nProcSteal dt=0 p=0 p_seq=2 m=0\n" FREQ(1));
	const char *begin = line_of(dump, "GoID=1 Running->Syscall");
	const char *steal = line_of(dump, "M=1 P=-1 G=-1 StateTransition Time=150 Resource=Proc(0) Reason=\"\" "
				    "ProcID=0 Running->Idle");
	const char *end = line_of(dump, "M=0 P=-1 G=1 StateTransition Time=210 Resource=Goroutine(1) Reason=\"\" "
				  "GoID=1 Syscall->Runnable");

	ck_assert(begin < steal);
	ck_assert(steal < end);
	free(dump);
}
END_TEST

/* A cgo callback's goroutine ends holding a proc: the proc is dropped by
 * an extra self-steal that comes first. */
START_TEST(test_destroy_in_syscall)
{
	char *dump = read_ok("Trace Go1.22\nEventBatch gen=1 m=0 time=100\nProcStatus dt=0 p=0 pstatus=3\n"
			     "GoCreateSyscall dt=1 new_g=5\nGoDestroySyscall dt=1\n" FREQ(1));
	const char *steal = line_of(dump, "Resource=Proc(0) Reason=\"\" ProcID=0 Running->Idle");
	const char *gone = line_of(dump, "GoID=5 Syscall->NotExist");

	ck_assert(steal < gone);
	free(dump);
}
END_TEST

/* The end of a range carries what its begin had: the STW reason, a task's
 * name from an earlier generation. */
START_TEST(test_ranges_and_tasks)
{
	char *dump = read_ok(HDR "STWBegin dt=1 kind_string=1 stack=0\nSTWEnd dt=5\n"
			     "UserTaskBegin dt=1 task=7 parent_task=0 name_string=2 stack=0\n" FREQ(1) STRINGS
			     "EventBatch gen=2 m=0 time=300\nProcStatus dt=0 p=0 pstatus=1\n"
			     "GoStatus dt=0 g=1 m=0 gstatus=2\nUserTaskEnd dt=1 task=7 stack=0\n" FREQ(2));

	line_of(dump, "RangeBegin Time=102 Name=\"stop-the-world (GC sweep termination)\" Scope=Goroutine(1)");
	line_of(dump, "RangeEnd Time=106 Name=\"stop-the-world (GC sweep termination)\" Scope=Goroutine(1) "
		"Attributes=[]");
	line_of(dump, "TaskBegin Time=107 ID=7 Parent=18446744073709551615 Type=\"job\"");
	line_of(dump, "TaskEnd Time=302 ID=7 Parent=18446744073709551615 Type=\"job\"");
	free(dump);
}
END_TEST

struct bad_history {
	const char *text;
	const char *message;
};

static const struct bad_history bad[] = {
	{"Trace Go1.22\nEventBatch gen=1 m=0 time=1\nProcStatus dt=0 p=0 pstatus=1\n"
	 "GoStop dt=1 reason_string=0 stack=0\n" FREQ(1), "expected a goroutine but didn't have one"},
	{HDR "GoCreate dt=1 new_g=1 new_stack=0 stack=0\n" FREQ(1), "tried to create goroutine (1) that already exists"},
	{HDR FREQ(1) "EventBatch gen=2 m=0 time=300\nProcStatus dt=0 p=0 pstatus=1\nGoStatus dt=0 g=1 m=0 gstatus=4\n"
	 FREQ(2), "inconsistent status for goroutine 1: old Running vs. new Waiting"},
	{HDR FREQ(1) "EventBatch gen=2 m=0 time=300\nProcStatus dt=0 p=0 pstatus=1\nGoStatus dt=0 g=1 m=0 gstatus=2\n"
	 "GoStatus dt=0 g=9 m=" NOM " gstatus=4\n" FREQ(2),
	 "found goroutine status for new goroutine after the first generation: id=9"},
	{HDR "UserRegionBegin dt=1 task=0 name_string=2 stack=0\nUserRegionEnd dt=1 task=0 name_string=3 stack=0\n"
	 FREQ(1) STRINGS, "misuse of region in goroutine 1: region end {0 other} when the inner-most active region "
	 "start event is {0 job}"},
	{HDR "EventBatch gen=1 m=1 time=200\nGoStart dt=1 g=1 g_seq=1\n" FREQ(1),
	 "broken trace: failed to advance"},
	{HDR "GCMarkAssistEnd dt=1\n" FREQ(1), "tried to end event GCMarkAssistBegin, but not in-flight"},
	{HDR "GCEnd dt=1 gc_seq=1\n" FREQ(1), "encountered GCEnd when GC was in an undetermined state"},
	{"Trace Go1.22\nEventBatch gen=1 m=0 time=1\nProcStatus dt=0 p=0 pstatus=9\n" FREQ(1),
	 "invalid status for proc 0: 9"},
	{HDR "GoSyscallBegin dt=1 p_seq=5 stack=0\n" FREQ(1), "failed to advance GoSyscallBegin: can't make sequence"},
};

START_TEST(test_impossible_histories)
{
	char err[512];
	int rc = trace_text_read(bad[_i].text, NULL, err, sizeof(err));

	ck_assert_int_eq(rc, GOMEM_E_FORMAT);
	ck_assert_msg(strncmp(err, "t: byte ", 8) == 0, "case %d: %s", _i, err);
	ck_assert_msg(strstr(err, bad[_i].message) != NULL, "case %d: %s", _i, err);
}
END_TEST

/* The map behind the states: ids anywhere in 64 bits, deletions that
 * move the rest of a probe run back. */
START_TEST(test_map)
{
	struct tr_map m;
	uint32_t v;

	tr_map_init(&m);
	for (uint64_t k = 0; k < 5000; k++)
		ck_assert_int_eq(tr_map_put(&m, k * 0x9e3779b97f4a7c15ull, (uint32_t)k), GOMEM_OK);
	ck_assert_int_eq(tr_map_put(&m, UINT64_MAX, 7), GOMEM_OK);
	for (uint64_t k = 0; k < 5000; k += 2)
		tr_map_del(&m, k * 0x9e3779b97f4a7c15ull);
	for (uint64_t k = 0; k < 5000; k++) {
		int have = tr_map_get(&m, k * 0x9e3779b97f4a7c15ull, &v);

		ck_assert_int_eq(have, (int)(k % 2));
		if (have)
			ck_assert_uint_eq(v, k);
	}
	ck_assert_int_eq(tr_map_get(&m, UINT64_MAX, &v), 1);
	ck_assert_uint_eq(v, 7);
	ck_assert_uint_eq(m.count, 2501);
	tr_map_free(&m);
}
END_TEST

Suite *suite_trace_order(void)
{
	Suite *s = suite_create("trace_order");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sequence_beats_time);
	tcase_add_test(tc, test_syscall_steal);
	tcase_add_test(tc, test_destroy_in_syscall);
	tcase_add_test(tc, test_ranges_and_tasks);
	tcase_add_loop_test(tc, test_impossible_histories, 0, (int)GOMEM_ARRAY_SIZE(bad));
	tcase_add_test(tc, test_map);
	suite_add_tcase(s, tc);
	return s;
}
