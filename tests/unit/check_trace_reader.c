/* SPDX-License-Identifier: Apache-2.0 */
/* check_trace_reader.c — the Go 1.22+ wire format: the header, batches and
 * generations, the string, stack and frequency tables, events as Go prints
 * them; chunk boundaries anywhere give the same events; a trace cut
 * anywhere and each malformed part is refused at a byte offset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"
#include "trace_text.h"

/* Two generations: G1 runs on P0, creates G2, blocks; G2 runs on M1. */
static const char two_gens[] =
	"Trace Go1.22\n"
	"EventBatch gen=1 m=0 time=100\n"
	"ProcStatus dt=0 p=0 pstatus=1\n"
	"GoStatus dt=1 g=1 m=0 gstatus=2\n"
	"GoCreate dt=10 new_g=2 new_stack=2 stack=1\n"
	"GoBlock dt=10 reason_string=1 stack=1\n"
	"ProcStop dt=5\n"
	"EventBatch gen=1 m=1 time=150\n"
	"ProcStart dt=0 p=0 p_seq=1\n"
	"GoStart dt=1 g=2 g_seq=1\n"
	"EventBatch gen=1 m=18446744073709551615 time=0\n"
	"Frequency freq=1000000000\n"
	"EventBatch gen=1 m=18446744073709551615 time=0\n"
	"Stacks\n"
	"Stack id=1 nframes=2\n"
	"  pc=4096 func=3 file=4 line=10\n"
	"  pc=8192 func=5 file=4 line=20\n"
	"Stack id=2 nframes=1\n"
	"  pc=12288 func=6 file=4 line=30\n"
	"EventBatch gen=1 m=18446744073709551615 time=0\n"
	"Strings\n"
	"String id=1\n  data=\"chan receive\"\n"
	"String id=3\n  data=\"main.f\"\n"
	"String id=4\n  data=\"main.go\"\n"
	"String id=5\n  data=\"main.main\"\n"
	"String id=6\n  data=\"main.worker\"\n"
	"EventBatch gen=2 m=1 time=300\n"
	"ProcStatus dt=0 p=0 pstatus=1\n"
	"GoStatus dt=0 g=2 m=1 gstatus=2\n"
	"GoStatus dt=0 g=1 m=18446744073709551615 gstatus=4\n"
	"GoDestroy dt=5\n"
	"EventBatch gen=2 m=18446744073709551615 time=0\n"
	"Frequency freq=1000000000\n";

/* as go tool trace -d=1 of Go 1.22 and 1.23 prints it */
static const char two_gens_dump[] =
	"M=0 P=-1 G=-1 StateTransition Time=100 Resource=Proc(0) Reason=\"\" ProcID=0 Undetermined->Running\n"
	"M=0 P=0 G=-1 StateTransition Time=101 Resource=Goroutine(1) Reason=\"\" GoID=1 Undetermined->Running\n"
	"M=0 P=0 G=1 StateTransition Time=111 Resource=Goroutine(2) Reason=\"\" GoID=2 NotExist->Runnable\n"
	"TransitionStack=\n"
	"\tmain.worker @ 0x3000\n"
	"\t\tmain.go:30\n"
	"\n"
	"Stack=\n"
	"\tmain.f @ 0x1000\n"
	"\t\tmain.go:10\n"
	"\tmain.main @ 0x2000\n"
	"\t\tmain.go:20\n"
	"\n"
	"M=0 P=0 G=1 StateTransition Time=121 Resource=Goroutine(1) Reason=\"chan receive\" GoID=1 Running->Waiting\n"
	"TransitionStack=\n"
	"\tmain.f @ 0x1000\n"
	"\t\tmain.go:10\n"
	"\tmain.main @ 0x2000\n"
	"\t\tmain.go:20\n"
	"\n"
	"Stack=\n"
	"\tmain.f @ 0x1000\n"
	"\t\tmain.go:10\n"
	"\tmain.main @ 0x2000\n"
	"\t\tmain.go:20\n"
	"\n"
	"M=0 P=0 G=-1 StateTransition Time=126 Resource=Proc(0) Reason=\"\" ProcID=0 Running->Idle\n"
	"M=1 P=-1 G=-1 StateTransition Time=150 Resource=Proc(0) Reason=\"\" ProcID=0 Idle->Running\n"
	"M=1 P=0 G=-1 StateTransition Time=151 Resource=Goroutine(2) Reason=\"\" GoID=2 Runnable->Running\n"
	"M=-1 P=-1 G=-1 Sync Time=152\n"
	"M=1 P=0 G=2 StateTransition Time=300 Resource=Proc(0) Reason=\"\" ProcID=0 Running->Running\n"
	"M=1 P=0 G=2 StateTransition Time=301 Resource=Goroutine(2) Reason=\"\" GoID=2 Running->Running\n"
	"M=1 P=0 G=2 StateTransition Time=302 Resource=Goroutine(1) Reason=\"\" GoID=1 Waiting->Waiting\n"
	"M=1 P=0 G=2 StateTransition Time=305 Resource=Goroutine(2) Reason=\"\" GoID=2 Running->NotExist\n"
	"M=-1 P=-1 G=-1 Sync Time=306\n";

static uint8_t *encode(const char *text, size_t *len)
{
	uint8_t *d;

	ck_assert_int_eq(trace_text_encode(text, &d, len), 0);
	return d;
}

START_TEST(test_events_as_go_prints_them)
{
	char *dump, err[512];

	ck_assert_int_eq(trace_text_read(two_gens, &dump, err, sizeof(err)), GOMEM_OK);
	ck_assert_str_eq(dump, two_gens_dump);
	free(dump);
}
END_TEST

/* Every chunk size gives the same events: batches, varints and the
 * header split anywhere. */
START_TEST(test_chunks_anywhere)
{
	size_t len;
	uint8_t *d = encode(two_gens, &len);

	for (size_t chunk = 1; chunk <= len; chunk++) {
		char *dump, err[512];

		ck_assert_int_eq(trace_read_all(d, len, chunk, &dump, err, sizeof(err)), GOMEM_OK);
		ck_assert_str_eq(dump, two_gens_dump);
		free(dump);
	}
	free(d);
}
END_TEST

/* Cut at every byte: refused at a byte offset inside the input, never a
 * crash; only a cut between two generations reads (the format has no end
 * marker, Go reads it so too), and gives the first generation's events. */
START_TEST(test_truncated_anywhere)
{
	size_t len, whole = 0;
	uint8_t *d = encode(two_gens, &len);

	for (size_t cut = 0; cut < len; cut++) {
		char err[512], *dump = NULL;
		int rc = trace_read_all(d, cut, 7, &dump, err, sizeof(err));

		if (rc == GOMEM_OK) {
			whole++;
			ck_assert_msg(strncmp(dump, two_gens_dump, strlen(dump)) == 0, "cut %zu: %s", cut, dump);
			ck_assert_ptr_nonnull(strstr(dump, "Sync Time=152"));
		} else {
			ck_assert_msg(rc == GOMEM_E_TRUNCATED || rc == GOMEM_E_FORMAT, "cut %zu: rc %d", cut, rc);
			ck_assert_msg(strstr(err, "t: byte ") == err, "cut %zu: %s", cut, err);
			ck_assert_msg(strtoull(err + 8, NULL, 10) <= cut, "cut %zu: offset past the end: %s", cut, err);
		}
		free(dump);
	}
	ck_assert_uint_eq(whole, 1);
	free(d);
}
END_TEST

struct bad_case {
	const char *text;
	int code;
	const char *message;
};

#define FREQ "EventBatch gen=1 m=18446744073709551615 time=0\nFrequency freq=1000000000\n"
#define RUN "EventBatch gen=1 m=0 time=1\nProcStatus dt=0 p=0 pstatus=1\nGoStatus dt=0 g=1 m=0 gstatus=2\n"

static const struct bad_case bad[] = {
	{"Trace Go1.22\n", GOMEM_E_TRUNCATED, "t: byte 16: no generation in the trace"},
	{"Trace Go1.24\n" RUN FREQ, GOMEM_E_UNSUPPORTED, "t: byte 0: unknown or unsupported trace version go 1.24"},
	{"Trace Go1.22\n" RUN, GOMEM_E_FORMAT, "generation 1: no frequency event found"},
	{"Trace Go1.22\n" RUN FREQ FREQ, GOMEM_E_FORMAT, "found multiple frequency events"},
	{"Trace Go1.22\n" RUN FREQ "EventBatch gen=1 m=18446744073709551615 time=0\nStrings\n"
	 "String id=1\ndata=\"a\"\nString id=1\ndata=\"b\"\n", GOMEM_E_FORMAT, "multiple strings with the same ID: id=1"},
	{"Trace Go1.22\n" RUN FREQ "EventBatch gen=1 m=18446744073709551615 time=0\nStacks\n"
	 "Stack id=1 nframes=129\n", GOMEM_E_FORMAT, "invalid stack size 129, maximum is 128"},
	{"Trace Go1.22\n" RUN FREQ "EventBatch gen=1 m=18446744073709551615 time=0\nStacks\n"
	 "Stack id=1 nframes=1\npc=1 func=7 file=7 line=1\n", GOMEM_E_FORMAT, "found invalid func string ID 7"},
	{"Trace Go1.22\n" RUN FREQ "EventBatch gen=3 m=0 time=5\nProcStop dt=1\n", GOMEM_E_FORMAT,
	 "generations out of order"},
	{"Trace Go1.22\nEventBatch gen=0 m=0 time=5\nProcStop dt=1\n", GOMEM_E_FORMAT, "byte 16: invalid generation number 0"},
	{"Trace Go1.22\n" RUN "GoBlock dt=1 reason_string=9 stack=0\n" FREQ, GOMEM_E_FORMAT,
	 "found invalid string ID 9 for event GoBlock"},
	{"Trace Go1.22\n" RUN "GoBlock dt=1 reason_string=0 stack=5\n" FREQ, GOMEM_E_FORMAT,
	 "found invalid stack ID 5 for event GoBlock"},
	{"Trace Go1.22\n" FREQ, GOMEM_E_FORMAT, "generation 1 has no events"},
	{"Trace Go1.22\nEventBatch gen=1 m=0 time=1\nStack id=1 nframes=0\n" FREQ, GOMEM_E_FORMAT,
	 "found event without a timestamp"},
	{"Trace Go1.22\n" RUN "GoSwitch dt=1 g=2 g_seq=1\n" FREQ, GOMEM_E_FORMAT, "found invalid event type: 45"},
};

START_TEST(test_refused)
{
	char err[512];
	int rc = trace_text_read(bad[_i].text, NULL, err, sizeof(err));

	ck_assert_int_eq(rc, bad[_i].code);
	ck_assert_msg(strstr(err, bad[_i].message) != NULL, "case %d: %s", _i, err);
	ck_assert_msg(strncmp(err, "t: byte ", 8) == 0 || strstr(err, "generation"), "case %d: %s", _i, err);
}
END_TEST

/* A trace cut inside the next generation's first batch: this generation is
 * whole, so its own failure is what Go 1.23 reports (its testdata's
 * go122-fail-first-gen-first); cut inside one of its own batches, the cut
 * is named, since it explains whatever fails after it. */
START_TEST(test_cut_whose_generation)
{
	static const char gen1[] = "Trace Go1.22\n" FREQ "EventBatch gen=1 m=0 time=1\n"
				   "GoCreate dt=0 new_g=1 new_stack=0 stack=0\n";
	static const struct { const char *last, *message; } cases[] = {
		{"EventBatch gen=2 m=0 time=5\nProcStop dt=1\n", "expected a proc but didn't have one"},
		{"EventBatch gen=1 m=1 time=5\nProcStop dt=1\n", "truncated batch: the trace ends at byte"},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(cases); i++) {
		char text[512], err[512];
		size_t len;
		uint8_t *d;

		snprintf(text, sizeof(text), "%s%s", gen1, cases[i].last);
		d = encode(text, &len);
		ck_assert_int_lt(trace_read_all(d, len - 1, len, NULL, err, sizeof(err)), 0);
		ck_assert_msg(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
		free(d);
	}
}
END_TEST

/* Raw bytes the text form cannot say. */
START_TEST(test_refused_bytes)
{
	static const struct { const char *bytes; size_t len; const char *message; } raw[] = {
		{"hello, world\n\n\n\n", 16, "byte 0: bad file format: not a Go execution trace"},
		{"go 1.22 trace\0\0\0\x07", 17, "byte 16: expected batch event, got CPUSample"},
		/* a batch of 65537 bytes */
		{"go 1.22 trace\0\0\0\x01\x01\x00\x00\x81\x80\x04", 23, "byte 16: invalid batch size 65537, maximum is 65536"},
		/* an M id past 64 bits */
		{"go 1.22 trace\0\0\0\x01\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 28,
		 "byte 18: error reading batch M ID: varint overflows 64 bits"},
		{"go 1.5 trace\0\0\0\0", 16, "byte 0: unknown or unsupported trace version go 1.5 "},
	};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(raw); i++) {
		char err[512];
		int rc = trace_read_all((const uint8_t *)raw[i].bytes, raw[i].len, 3, NULL, err, sizeof(err));

		ck_assert_int_lt(rc, 0);
		ck_assert_msg(strstr(err, raw[i].message) != NULL, "case %zu: %s", i, err);
	}
}
END_TEST

/* Ids are keys, not sizes: a string id of 2^40 costs one entry. */
START_TEST(test_huge_ids)
{
	static const char text[] = "Trace Go1.22\n" RUN "GoBlock dt=1 reason_string=1099511627776 stack=0\n" FREQ
				   "EventBatch gen=1 m=18446744073709551615 time=0\nStrings\n"
				   "String id=1099511627776\ndata=\"big\"\n";
	char *dump, err[512];

	ck_assert_int_eq(trace_text_read(text, &dump, err, sizeof(err)), GOMEM_OK);
	ck_assert_ptr_nonnull(strstr(dump, "Reason=\"big\""));
	free(dump);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(gomem_trace_type_name(14), "GoCreate");
	ck_assert_str_eq(gomem_trace_type_name(255), "Sync");
	ck_assert_ptr_null(gomem_trace_type_name(100));
	ck_assert_str_eq(gomem_trace_kind_name(GOMEM_TRACE_RANGE_ACTIVE), "RangeActive");
	ck_assert_str_eq(gomem_trace_go_state_name(GOMEM_TRACE_GO_SYSCALL), "Syscall");
	ck_assert_str_eq(gomem_trace_proc_state_name(9), "Bad");
}
END_TEST

START_TEST(test_stack_access)
{
	size_t len;
	uint8_t *d = encode(two_gens, &len);
	gomem_trace_reader *r;
	const gomem_trace_event *ev;
	gomem_trace_frame f;
	int found = 0;

	ck_assert_int_eq(gomem_trace_reader_new(&r, "t", NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_trace_reader_feed(r, d, len), GOMEM_OK);
	ck_assert_int_eq(gomem_trace_reader_finish(r), GOMEM_OK);
	while (gomem_trace_reader_next(r, &ev) == 1) {
		if (ev->type != 14)
			continue;
		found = 1;
		ck_assert_int_eq(gomem_trace_reader_go_minor(r), 22);
		ck_assert_uint_eq(gomem_trace_stack_depth(r, ev->stack), 2);
		ck_assert_int_eq(gomem_trace_stack_frame(r, ev->stack, 1, &f), GOMEM_OK);
		ck_assert_str_eq(f.func, "main.main");
		ck_assert_str_eq(f.file, "main.go");
		ck_assert_uint_eq(f.line, 20);
		ck_assert_int_eq(gomem_trace_stack_frame(r, ev->stack, 2, &f), GOMEM_E_NOTFOUND);
		ck_assert_uint_eq(ev->transition_stack, 2);
	}
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(gomem_trace_reader_generations(r), 2);
	gomem_trace_reader_free(r);
	free(d);
}
END_TEST

Suite *suite_trace_reader(void)
{
	Suite *s = suite_create("trace_reader");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_events_as_go_prints_them);
	tcase_add_test(tc, test_chunks_anywhere);
	tcase_add_test(tc, test_truncated_anywhere);
	tcase_add_test(tc, test_cut_whose_generation);
	tcase_add_loop_test(tc, test_refused, 0, (int)GOMEM_ARRAY_SIZE(bad));
	tcase_add_test(tc, test_refused_bytes);
	tcase_add_test(tc, test_huge_ids);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_stack_access);
	suite_add_tcase(s, tc);
	return s;
}
