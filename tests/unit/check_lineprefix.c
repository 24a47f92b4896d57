/* SPDX-License-Identifier: Apache-2.0 */
/* check_lineprefix.c — the one prefix rule of the text readers: each form a
 * logging stack writes is taken off, nested ones too, and the runtime's own
 * lines (goroutine dumps, gctrace, crash output) are left alone. */
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

static const char *skip(const char *line)
{
	return gomem_line_skip_prefix(line, line + strlen(line));
}

static const struct {
	const char *line, *rest;
} stripped[] = {
	/* CRI log files (containerd, CRI-O), full and partial lines */
	{"2024-01-01T00:00:00.123456789Z stderr F goroutine 1 [running]:", "goroutine 1 [running]:"},
	{"2024-01-01T00:00:00.123456789+00:00 stdout P main.main()", "main.main()"},
	{"2024-01-01T00:00:00Z stderr F \t/src/main.go:12 +0x1d", "\t/src/main.go:12 +0x1d"},
	{"2024-01-01T00:00:00Z stderr F ", ""},
	/* kubectl logs --timestamps, docker logs -t */
	{"2024-10-21T17:57:00.123456789Z gc 1 @0.010s 0%: x", "gc 1 @0.010s 0%: x"},
	/* journald -o short-iso */
	{"2024-10-21T17:57:00+0000 web1 app[812]: goroutine 7 [select]:", "goroutine 7 [select]:"},
	/* syslog, journald */
	{"Oct 21 17:57:00 host prog[1234]: main.main()", "main.main()"},
	{"Oct  1 07:57:00 host prog: created by main.run", "created by main.run"},
	/* Go's log package: LstdFlags, Lmicroseconds, Ltime, Lshortfile, Llongfile */
	{"2024/01/01 00:00:00 goroutine 1 [running]:", "goroutine 1 [running]:"},
	{"2024/01/01 00:00:00.123456 main.go:42: panic: boom", "panic: boom"},
	{"2024/01/01 00:00:00 /src/cmd/app/main.go:42: gc 3 @1s", "gc 3 @1s"},
	{"00:00:00.123456 main.(*T).f(0x1)", "main.(*T).f(0x1)"},
	{"main.go:42: goroutine 1 [running]:", "goroutine 1 [running]:"},
	/* go test's t.Log (the location line; continuation lines are only indented) */
	{"    x_test.go:12: goroutine 6 [running]:", "goroutine 6 [running]:"},
	/* kubectl logs --prefix */
	{"[pod/web-5d9c-xk2/app] goroutine 1 [running]:", "goroutine 1 [running]:"},
	{"[pod/web-5d9c-xk2/app] \t/src/main.go:12 +0x1d", "\t/src/main.go:12 +0x1d"},
	/* docker compose v1 and v2, and a blank line */
	{"app_1  | goroutine 1 [running]:", "goroutine 1 [running]:"},
	{"web-1       | \t/src/main.go:12 +0x1d", "\t/src/main.go:12 +0x1d"},
	{"app_1  |", ""},
	/* nested: a CRI line carrying a Go log line */
	{"2024-01-01T00:00:00Z stderr F 2024/01/01 00:00:00 main.go:3: goroutine 9 [chan send]:",
	 "goroutine 9 [chan send]:"},
	{"[pod/a/b] 2024-01-01T00:00:00Z app_1  | main.f()", "main.f()"},
};

START_TEST(test_stripped)
{
	ck_assert_str_eq(skip(stripped[_i].line), stripped[_i].rest);
}
END_TEST

/* The runtime's own lines start with no prefix. */
static const char *const kept[] = {
	"goroutine 1 [running]:",
	"goroutine 18 gp=0xc000002380 m=0 mp=0x5a3f20 [chan receive, 2 minutes]:",
	"main.main()",
	"runtime.gopark(0x4a2b30?, 0xc0000a6f38?, 0x0?, 0x0?, 0x0?)",
	"\t/usr/lib/go/src/runtime/proc.go:398 +0xce fp=0xc0000a6f18 sp=0xc0000a6ef8 pc=0x43e0ce",
	"\truntime/proc.go:398 +0xce",
	"\tmain.go:12 +0x1d",
	"        /src/main.go:12 +0x1d",
	"created by main.run in goroutine 1",
	"...additional frames elided...",
	"[originating from goroutine 7]:",
	"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f1d2]",
	"panic: runtime error: index out of range [5] with length 3",
	"fatal error: all goroutines are asleep - deadlock!",
	"SIGQUIT: quit",
	"PC=0x46c7a1 m=0 sigcode=0",
	"rax    0x0",
	"WARNING: DATA RACE",
	"Previous write at 0x00c000012345 by goroutine 7:",
	"goroutine profile: total 7",
	"3 @ 0x468f4e 0x4065fc 0x4061d2",
	"#\t0x4ced4c\tmain.recv+0x4c\t\t/src/main.go:29",
	"gc 1 @0.010s 3%: 0.040+1.1+0.004 ms clock, 0.080+0.2/0.5/0.1+0.008 ms cpu, 3->4->1 MB",
	"gc12(1): 1+2+3+4 us, 5 -> 6 MB, 21 (22-1) objects",
	"scvg0: inuse: 3, idle: 0, sys: 3, released: 0, consumed: 3 (MB)",
	"12 @ 0x1",
	"2024 was a year",
	"[pod]: not kubectl",
	"a|b",
	"",
};

START_TEST(test_kept)
{
	ck_assert_str_eq(skip(kept[_i]), kept[_i]);
}
END_TEST

/* A cut line never reads past its end. */
START_TEST(test_cut)
{
	const char *full = stripped[_i].line;
	size_t n = strlen(full);

	for (size_t k = 0; k <= n; k++) {
		char *copy = malloc(k ? k : 1);
		const char *r;

		memcpy(copy, full, k);
		r = gomem_line_skip_prefix(copy, copy + k);
		ck_assert(r >= copy && r <= copy + k);
		free(copy);
	}
}
END_TEST

Suite *suite_lineprefix(void)
{
	Suite *s = suite_create("lineprefix");
	TCase *tc = tcase_create("forms");

	tcase_add_loop_test(tc, test_stripped, 0, (int)GOMEM_ARRAY_SIZE(stripped));
	tcase_add_loop_test(tc, test_kept, 0, (int)GOMEM_ARRAY_SIZE(kept));
	tcase_add_loop_test(tc, test_cut, 0, (int)GOMEM_ARRAY_SIZE(stripped));
	suite_add_tcase(s, tc);
	return s;
}
