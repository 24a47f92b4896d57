/* SPDX-License-Identifier: Apache-2.0 */
/* check_goroutine.c — the goroutine-dump parser and its analyses: every text
 * form field by field (samples written from the Go 1.19-1.25 runtime's
 * traceback.go and pprof.go), log prefixes, chunked feeding, cut-off and
 * hostile input, the four similarity levels, filters, the diff; and the
 * shared corpus (skipped when ../shared is absent): manifests, the leak pair
 * against leak.truth.json, and the peer-panicparse files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"
#include "suites.h"

/* ---- helpers -------------------------------------------------------------- */

static gomem_dump *parse_chunked(const char *text, size_t len, size_t chunk)
{
	gomem_goroutine_parser *p;
	gomem_dump *d = NULL;
	int rc = GOMEM_OK;

	ck_assert_int_eq(gomem_goroutine_parser_new(&p, "t.txt", NULL), GOMEM_OK);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len && rc == GOMEM_OK; off += chunk)
		rc = gomem_goroutine_parser_feed(p, text + off, len - off < chunk ? len - off : chunk);
	ck_assert_int_eq(rc, GOMEM_OK);
	rc = gomem_goroutine_parser_finish(&d, p);
	if (rc) {
		char msg[600];

		gomem_error_format(msg, sizeof(msg), gomem_goroutine_parser_error(p));
		ck_abort_msg("parse failed: %s", msg);
	}
	gomem_goroutine_parser_free(p);
	return d;
}

static gomem_dump *parse(const char *text)
{
	return parse_chunked(text, strlen(text), 0);
}

static gomem_goroutine g_at(const gomem_dump *d, size_t i)
{
	gomem_goroutine g;

	ck_assert_int_eq(gomem_dump_goroutine(&g, d, i), GOMEM_OK);
	return g;
}

static gomem_goroutine_frame f_at(const gomem_dump *d, size_t gi, size_t fi)
{
	gomem_goroutine g = g_at(d, gi);
	gomem_goroutine_stack s;
	gomem_goroutine_frame f;

	ck_assert_int_eq(gomem_dump_stack(&s, d, g.stack), GOMEM_OK);
	ck_assert_uint_lt(fi, s.nframes);
	ck_assert_int_eq(gomem_dump_frame(&f, d, s.frames[fi]), GOMEM_OK);
	return f;
}

static size_t nframes(const gomem_dump *d, size_t gi)
{
	gomem_goroutine_stack s;

	ck_assert_int_eq(gomem_dump_stack(&s, d, g_at(d, gi).stack), GOMEM_OK);
	return s.nframes;
}

static const char *folded(const gomem_dump *d, size_t gi)
{
	gomem_goroutine_stack s;

	ck_assert_int_eq(gomem_dump_stack(&s, d, g_at(d, gi).stack), GOMEM_OK);
	return s.folded;
}

static bool has_warning(const gomem_dump *d, const char *needle)
{
	for (size_t i = 0; i < gomem_dump_warning_count(d); i++) {
		gomem_dump_warning w;

		gomem_dump_warning_get(&w, d, i);
		if (strstr(w.message, needle))
			return true;
	}
	return false;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static gomem_dump *read_path(const char *path)
{
	gomem_source *src;
	gomem_dump *d;
	gomem_error err = {0};
	char msg[600];

	ck_assert_int_eq(gomem_source_open(&src, path, NULL, &err), GOMEM_OK);
	if (gomem_dump_read(&d, src, &err)) {
		gomem_error_format(msg, sizeof(msg), &err);
		ck_abort_msg("%s", msg);
	}
	gomem_source_free(src);
	return d;
}

/* ---- samples (written from the runtime's traceback printers) -------------- */

static const char debug2_121[] =
	"goroutine 1 [running]:\n"
	"main.main()\n"
	"\t/src/main.go:10 +0x1d\n"
	"\n"
	"goroutine 18 [chan receive, 5 minutes, locked to thread]:\n"
	"main.worker(0xc000012345, 0x2a, {0x54a0d8?, 0xc000092238?}, ...)\n"
	"\t/src/w.go:42 +0x6a\n"
	"sync.(*Mutex).Lock(...)\n"
	"\t/usr/lib/go/src/sync/mutex.go:90\n"
	"created by main.start in goroutine 1\n"
	"\t/src/main.go:7 +0x3f8\n"
	"\n"
	"goroutine 33 [select (no cases)]:\n"
	"github.com/acme/svc/pkg.(*T).Run[...](0x0?)\n"
	"\t/src/pkg/t.go:5 +0x1\n"
	"...1 frames elided...\n"
	"main.root()\n"
	"\t/src/main.go:3 +0x2\n"
	"created by main.start\n"
	"\t/src/main.go:8 +0x10\n";

START_TEST(test_debug2_fields)
{
	gomem_dump *d = parse(debug2_121);
	gomem_goroutine g;
	gomem_goroutine_frame f, c;
	gomem_goroutine_stack s;

	ck_assert_int_eq(gomem_dump_format_of(d), GOMEM_DUMP_DEBUG2);
	ck_assert_uint_eq(gomem_dump_count(d), 3);
	ck_assert_uint_eq(gomem_dump_total(d), 3);
	g = g_at(d, 0);
	ck_assert_uint_eq(g.id, 1);
	ck_assert_str_eq(g.state, "running");
	ck_assert_int_eq(g.wait_minutes, -1);
	ck_assert_uint_eq(g.created_by, GOMEM_GOROUTINE_NONE);
	ck_assert_uint_eq(g.line, 1);
	ck_assert(g.flags & GOMEM_GOROUTINE_HAS_ID);

	g = g_at(d, 1);
	ck_assert_uint_eq(g.id, 18);
	ck_assert_str_eq(g.state, "chan receive");
	ck_assert_str_eq(g.status, "chan receive, 5 minutes, locked to thread");
	ck_assert_int_eq(g.wait_minutes, 5);
	ck_assert(g.flags & GOMEM_GOROUTINE_LOCKED);
	ck_assert_uint_eq(g.parent_id, 1);
	ck_assert_uint_eq(g.line, 5);
	ck_assert_int_eq(gomem_dump_frame(&c, d, g.created_by), GOMEM_OK);
	ck_assert_str_eq(c.function, "main.start");
	ck_assert_str_eq(c.file, "/src/main.go");
	ck_assert_int_eq(c.line, 7);
	ck_assert_int_eq(c.pc_offset, 0x3f8);
	ck_assert_uint_eq(nframes(d, 1), 2);
	f = f_at(d, 1, 0);
	ck_assert_str_eq(f.function, "main.worker");
	ck_assert_str_eq(f.package, "main");
	ck_assert_str_eq(f.args, "0xPTR, 0x2a, {0x?, 0x?}, ...");
	ck_assert(f.flags & GOMEM_FRAME_HAS_POINTER);
	ck_assert(f.flags & GOMEM_FRAME_ARGS_ELIDED);
	ck_assert_str_eq(f.file, "/src/w.go");
	ck_assert_int_eq(f.line, 42);
	ck_assert_int_eq(f.pc_offset, 0x6a);
	f = f_at(d, 1, 1);
	ck_assert_str_eq(f.function, "sync.(*Mutex).Lock");
	ck_assert_str_eq(f.package, "sync");
	ck_assert(f.flags & GOMEM_FRAME_INLINED);
	ck_assert_int_eq(f.pc_offset, -1);
	ck_assert_str_eq(folded(d, 1), "sync.(*Mutex).Lock;main.worker");

	g = g_at(d, 2);
	ck_assert_str_eq(g.state, "select (no cases)");
	ck_assert_uint_eq(g.parent_id, 0);
	ck_assert_int_eq(gomem_dump_stack(&s, d, g.stack), GOMEM_OK);
	ck_assert_uint_eq(s.nframes, 2);
	ck_assert_uint_eq(s.elided_at, 1);
	ck_assert_int_eq(s.elided_count, 1);
	f = f_at(d, 2, 0);
	ck_assert_str_eq(f.function, "github.com/acme/svc/pkg.(*T).Run[...]");
	ck_assert_str_eq(f.package, "github.com/acme/svc/pkg");
	ck_assert_uint_eq(gomem_dump_warning_count(d), 0);
	gomem_dump_free(d);
}
END_TEST

/* Go 1.23 crash output (GOTRACEBACK=crash): gp/m/mp headers, fp/sp/pc,
 * goroutine 0, a register dump; Go 1.24/1.25 synctest annotations. */
static const char crash_123[] =
	"SIGQUIT: quit\n"
	"PC=0x477f6e m=0 sigcode=0\n"
	"\n"
	"goroutine 0 gp=0x5e4a40 m=0 mp=0x5e5280 [idle]:\n"
	"runtime.futex(0x5e53c0, 0x80, 0x0, 0x0, 0x0, 0x0)\n"
	"\t/go/src/runtime/sys_linux_amd64.s:557 +0x21 fp=0x7ffc sp=0x7ffb pc=0x46b1a1\n"
	"\n"
	"goroutine 1 gp=0xc0000061c0 m=0 mp=0x65e640 [running]:\n"
	"main.main()\n"
	"\t/src/main.go:119 +0x10b fp=0xc00005bf50 sp=0xc00005bdd8 pc=0x50deab\n"
	"\n"
	"goroutine 7 gp=0xc000007180 m=nil [chan receive (durable), 3 minutes, synctest bubble 2]:\n"
	"main.waiter(0xc000100000)\n"
	"\t/src/w.go:9 +0x2 fp=0xc1 sp=0xc0 pc=0x1\n"
	"created by main.main in goroutine 1\n"
	"\t/src/main.go:100 +0x20\n"
	"[originating from goroutine 1]:\n"
	"main.main()\n"
	"\t/src/main.go:99 +0x1\n"
	"\n"
	"goroutine 9 [running]:\n"
	"\tgoroutine running on other thread; stack unavailable\n"
	"\n"
	"rax    0x0\n"
	"rbx    0x5eb0\n"
	"rip    0x40392e\n"
	"rflags 0x206\n";

START_TEST(test_crash_fields)
{
	gomem_dump *d = parse(crash_123);
	gomem_goroutine g;
	gomem_goroutine_frame f;

	ck_assert_int_eq(gomem_dump_format_of(d), GOMEM_DUMP_CRASH);
	ck_assert_str_eq(gomem_dump_reason(d), "SIGQUIT: quit");
	ck_assert_uint_eq(gomem_dump_count(d), 4);
	g = g_at(d, 0);
	ck_assert_uint_eq(g.id, 0);
	ck_assert_str_eq(g.state, "idle");
	ck_assert(g.flags & GOMEM_GOROUTINE_RUNTIME);
	ck_assert(g.flags & GOMEM_GOROUTINE_CRASHED);
	f = f_at(d, 1, 0);
	ck_assert_str_eq(f.function, "main.main");
	ck_assert_int_eq(f.line, 119);
	ck_assert_int_eq(f.pc_offset, 0x10b);
	ck_assert(!(g_at(d, 1).flags & GOMEM_GOROUTINE_RUNTIME));
	g = g_at(d, 2);
	ck_assert_uint_eq(g.id, 7);
	ck_assert_str_eq(g.state, "chan receive (durable)");
	ck_assert_int_eq(g.wait_minutes, 3);
	ck_assert(g.flags & GOMEM_GOROUTINE_DURABLE);
	ck_assert(g.flags & GOMEM_GOROUTINE_BUBBLE);
	ck_assert_uint_eq(g.origin_id, 1);
	ck_assert_uint_eq(g.parent_id, 1);
	ck_assert_uint_eq(nframes(d, 2), 1); /* the ancestor's stack is not its own */
	ck_assert_uint_eq(nframes(d, 3), 0);
	ck_assert_str_eq(g_at(d, 3).state, "running");
	ck_assert_uint_eq(gomem_dump_warning_count(d), 0);
	gomem_dump_free(d);
}
END_TEST

static const char debug1_sample[] =
	"goroutine profile: total 7\n"
	"5 @ 0x439136 0x4621d5 0x4e8225 0x465301\n"
	"# labels: {\"handler\":\"api\"}\n"
	"#\t0x4621d4\ttime.Sleep+0x134\t/usr/lib/go/src/runtime/time.go:195\n"
	"#\t0x4e8224\tmain.blockSleep+0x24\t/src/main.go:601\n"
	"\n"
	"2 @ 0x439136 0x465301\n"
	"#\t0x4e7c9a\tmain.entry+0x1a\t\t/src/main.go:509\n"
	"\n";

START_TEST(test_debug1_fields)
{
	gomem_dump *d = parse(debug1_sample);
	gomem_goroutine g;
	gomem_goroutine_frame f;

	ck_assert_int_eq(gomem_dump_format_of(d), GOMEM_DUMP_DEBUG1);
	ck_assert_uint_eq(gomem_dump_count(d), 2);
	ck_assert_uint_eq(gomem_dump_total(d), 7);
	g = g_at(d, 0);
	ck_assert_uint_eq(g.count, 5);
	ck_assert(!(g.flags & GOMEM_GOROUTINE_HAS_ID));
	ck_assert_str_eq(g.state, "");
	ck_assert_str_eq(g.labels, "{\"handler\":\"api\"}");
	f = f_at(d, 0, 0);
	ck_assert_str_eq(f.function, "time.Sleep");
	ck_assert_int_eq(f.pc_offset, 0x134);
	ck_assert_str_eq(f.file, "/usr/lib/go/src/runtime/time.go");
	ck_assert_int_eq(f.line, 195);
	ck_assert_str_eq(folded(d, 0), "main.blockSleep;time.Sleep");
	ck_assert_uint_eq(g_at(d, 1).count, 2);
	gomem_dump_free(d);
}
END_TEST

/* ---- prefixes, tabs, chunking --------------------------------------------- */

static char *prefixed(const char *text, const char *kind)
{
	gomem_buf b;
	const char *s = text;

	gomem_buf_init(&b, 1 << 20);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (strcmp(kind, "journald") == 0)
			gomem_buf_printf(&b, "Oct 21 17:57:00 host prog[1234]: %.*s\n", (int)n, s);
		else if (strcmp(kind, "kubectl") == 0)
			gomem_buf_printf(&b, "2024-10-21T17:57:00.123456789Z %.*s\n", (int)n, s);
		else if (strcmp(kind, "docker") == 0) {
			gomem_buf_append(&b, "{\"log\":\"", 8);
			for (size_t i = 0; i < n; i++)
				if (s[i] == '\t')
					gomem_buf_append(&b, "\\t", 2);
				else if (s[i] == '"')
					gomem_buf_append(&b, "\\\"", 2);
				else
					gomem_buf_append(&b, &s[i], 1);
			gomem_buf_printf(&b, "\\n\",\"stream\":\"stderr\",\"time\":\"2024-10-21T17:57:00Z\"}\n");
		} else if (strcmp(kind, "cri") == 0) {
			gomem_buf_printf(&b, "2024-10-21T17:57:00.123456789Z stderr F %.*s\n", (int)n, s);
		} else if (strcmp(kind, "golog") == 0) {
			gomem_buf_printf(&b, "2024/01/01 00:00:00 %.*s\n", (int)n, s);
		} else if (strcmp(kind, "kubectl-prefix") == 0) {
			gomem_buf_printf(&b, "[pod/web-5d9c-xk2/app] %.*s\n", (int)n, s);
		} else if (strcmp(kind, "compose") == 0) {
			gomem_buf_printf(&b, "app_1  | %.*s\n", (int)n, s);
		} else if (strcmp(kind, "indent2") == 0 || strcmp(kind, "indent4") == 0 ||
			   strcmp(kind, "indent-tab") == 0) {
			gomem_buf_printf(&b, "%s%.*s\n", kind[6] == '2' ? "  " : kind[6] == '4' ? "    " : "\t",
					 (int)n, s);
		} else if (strcmp(kind, "mixed") == 0) {
			/* spaces before frames, a space and a tab before file lines */
			gomem_buf_printf(&b, "%s%.*s\n", n && s[0] == '\t' ? " " : "  ", (int)n, s);
		} else if (strcmp(kind, "testlog") == 0) {
			/* t.Log(string(debug.Stack())): the first line after the test's
			 * location, the others indented by eight */
			gomem_buf_printf(&b, "%s%.*s\n", s == text ? "    x_test.go:12: " : "        ",
					 (int)n, s);
		} else { /* tabs pasted as spaces */
			for (size_t i = 0; i < n; i++)
				gomem_buf_append(&b, s[i] == '\t' ? "        " : &s[i], s[i] == '\t' ? 8 : 1);
			gomem_buf_append(&b, "\n", 1);
		}
		s += n + (nl != NULL);
	}
	return b.data;
}

static const char *const prefix_kinds[] = {
	"journald", "kubectl", "docker", "spaces", "cri", "golog", "kubectl-prefix", "compose",
	"indent2", "indent4", "indent-tab", "mixed", "testlog",
};

static void assert_same_dump(const gomem_dump *a, const gomem_dump *b)
{
	ck_assert_uint_eq(gomem_dump_count(a), gomem_dump_count(b));
	ck_assert_uint_eq(gomem_dump_total(a), gomem_dump_total(b));
	ck_assert_uint_eq(gomem_dump_stack_count(a), gomem_dump_stack_count(b));
	ck_assert_uint_eq(gomem_dump_frame_count(a), gomem_dump_frame_count(b));
	for (size_t i = 0; i < gomem_dump_count(a); i++) {
		gomem_goroutine x = g_at(a, i), y = g_at(b, i);

		ck_assert_uint_eq(x.id, y.id);
		ck_assert_uint_eq(x.count, y.count);
		ck_assert_str_eq(x.status, y.status);
		ck_assert_str_eq(x.labels, y.labels);
		ck_assert_uint_eq(x.parent_id, y.parent_id);
		ck_assert_str_eq(folded(a, i), folded(b, i));
		for (size_t j = 0; j < nframes(a, i); j++) {
			gomem_goroutine_frame fx = f_at(a, i, j), fy = f_at(b, i, j);

			ck_assert_str_eq(fx.args, fy.args);
			ck_assert_str_eq(fx.file, fy.file);
			ck_assert_int_eq(fx.line, fy.line);
			ck_assert_int_eq(fx.pc_offset, fy.pc_offset);
		}
	}
}

/* Each form of prefix and indentation, on each form of dump, reads as the
 * plain dump does. */
START_TEST(test_prefixes)
{
	const char *const inputs[] = {debug2_121, debug1_sample, crash_123};

	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(inputs); k++) {
		char *text = prefixed(inputs[k], prefix_kinds[_i]);
		gomem_dump *plain = parse(inputs[k]), *d = parse(text);

		assert_same_dump(plain, d);
		ck_assert_uint_eq(gomem_dump_warning_count(d), gomem_dump_warning_count(plain));
		gomem_dump_free(plain);
		gomem_dump_free(d);
		free(text);
	}
}
END_TEST

static const char *const chunk_inputs[] = {debug2_121, crash_123, debug1_sample};

START_TEST(test_chunked)
{
	const char *text = chunk_inputs[_i];
	gomem_dump *whole = parse(text);
	static const size_t sizes[] = {1, 2, 3, 7, 64};

	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(sizes); k++) {
		gomem_dump *d = parse_chunked(text, strlen(text), sizes[k]);

		assert_same_dump(whole, d);
		ck_assert_uint_eq(gomem_dump_warning_count(whole), gomem_dump_warning_count(d));
		gomem_dump_free(d);
	}
	gomem_dump_free(whole);
}
END_TEST

/* ---- bad input ------------------------------------------------------------ */

START_TEST(test_cut_off)
{
	size_t n = strlen(debug2_121) - 20; /* inside goroutine 33's last frame */
	gomem_dump *d = parse_chunked(debug2_121, n, 0);

	ck_assert_uint_eq(gomem_dump_count(d), 3); /* goroutine 33 counts, its stack is cut */
	ck_assert(has_warning(d, "dump cut off"));
	gomem_dump_free(d);
}
END_TEST

/* Goroutine headers wholly inside TEXT[0, N): what a dump cut there holds. */
static size_t headers_before(const char *text, size_t n)
{
	size_t count = 0;

	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		const char *e = nl ? nl : s + strlen(s);

		if (strncmp(s, "goroutine ", 10) == 0 && e[-1] == ':' && (size_t)(e - text) <= n)
			count++;
		s = nl ? nl + 1 : e;
	}
	return count;
}

static const char *const cut_inputs[] = {debug2_121, crash_123};

/* head -c at every byte: every goroutine whose header line is there counts
 * (issue 12: a dump without its last newline lost its last goroutine, and a
 * one-goroutine dump read as none). */
START_TEST(test_cut_anywhere)
{
	const char *text = cut_inputs[_i];
	size_t len = strlen(text);

	for (size_t n = 0; n <= len; n++) {
		gomem_goroutine_parser *p;
		gomem_dump *d = NULL;
		size_t want = headers_before(text, n);

		ck_assert_int_eq(gomem_goroutine_parser_new(&p, "t.txt", NULL), GOMEM_OK);
		ck_assert_int_eq(gomem_goroutine_parser_feed(p, text, n), GOMEM_OK);
		if (gomem_goroutine_parser_finish(&d, p) == GOMEM_OK)
			ck_assert_msg(gomem_dump_count(d) == want, "cut at %zu of %zu: %zu goroutines, want %zu",
				      n, len, gomem_dump_count(d), want);
		else
			ck_assert_msg(want == 0, "cut at %zu: refused with %zu headers", n, want);
		gomem_dump_free(d);
		gomem_goroutine_parser_free(p);
	}
}
END_TEST

/* Without its final newline a whole dump is the same dump (with a warning:
 * its last line may be cut); a one-goroutine dump too. */
START_TEST(test_no_final_newline)
{
	static const char one[] = "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x1d";
	size_t n = strlen(debug2_121);
	gomem_dump *whole = parse(debug2_121), *d;

	while (n > 0 && debug2_121[n - 1] == '\n')
		n--;
	d = parse_chunked(debug2_121, n, 0);
	assert_same_dump(whole, d);
	ck_assert_uint_eq(gomem_dump_warning_count(d), gomem_dump_warning_count(whole) + 1);
	ck_assert(has_warning(d, "dump cut off"));
	gomem_dump_free(d);
	gomem_dump_free(whole);

	d = parse(one);
	ck_assert_uint_eq(gomem_dump_total(d), 1);
	ck_assert_str_eq(f_at(d, 0, 0).file, "/src/main.go");
	ck_assert_int_eq(f_at(d, 0, 0).line, 5);
	gomem_dump_free(d);
}
END_TEST

/* A panic cut off after its header: one goroutine, with a warning. A line
 * number past int64 keeps the goroutine and its file. */
START_TEST(test_header_only_and_overflow)
{
	gomem_dump *d = parse("panic: boom\n\ngoroutine 1 [running]:\n");

	ck_assert_uint_eq(gomem_dump_total(d), 1);
	ck_assert_uint_eq(nframes(d, 0), 0);
	ck_assert(has_warning(d, "dump cut off"));
	gomem_dump_free(d);

	d = parse("goroutine 1 [running]:\nmain.main()\n\t/src/stack.go:12345678901234567890 +0x1d\n");
	ck_assert_uint_eq(gomem_dump_total(d), 1);
	ck_assert_str_eq(f_at(d, 0, 0).function, "main.main");
	ck_assert_str_eq(f_at(d, 0, 0).file, "/src/stack.go");
	ck_assert_int_eq(f_at(d, 0, 0).line, 0);
	ck_assert_int_eq(f_at(d, 0, 0).pc_offset, 0x1d);
	gomem_dump_free(d);
}
END_TEST

START_TEST(test_garbage_between)
{
	const char text[] =
		"log: starting\n"
		"goroutine 1 [running]:\nmain.main()\n\t/m.go:1 +0x1\n\n"
		"INFO something else\nWARN more\n"
		"goroutine 2 [sleep]:\ntime.Sleep(0x1)\n\t/t.go:2 +0x1\n\n"
		"trailing log line\n";
	gomem_dump *d = parse(text);

	ck_assert_uint_eq(gomem_dump_count(d), 2);
	ck_assert(has_warning(d, "2 lines of garbage skipped"));
	gomem_dump_free(d);
}
END_TEST

START_TEST(test_not_a_dump)
{
	gomem_goroutine_parser *p;
	gomem_dump *d = (gomem_dump *)1;
	const char junk[] = "hello\nworld\n\x01\x02\xff\n";

	ck_assert_int_eq(gomem_goroutine_parser_new(&p, "junk", NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_goroutine_parser_feed(p, junk, sizeof(junk) - 1), GOMEM_OK);
	ck_assert_int_eq(gomem_goroutine_parser_finish(&d, p), GOMEM_E_FORMAT);
	ck_assert_ptr_null(d);
	ck_assert_uint_eq(gomem_goroutine_parser_error(p)->line, 1);
	gomem_goroutine_parser_free(p);
	/* empty input: an empty dump, no error */
	d = parse("");
	ck_assert_uint_eq(gomem_dump_count(d), 0);
	gomem_dump_free(d);
}
END_TEST

START_TEST(test_huge_name_and_deep_stack)
{
	size_t big = 10u << 20, depth = 100000;
	gomem_buf b;
	gomem_dump *d;

	gomem_buf_init(&b, (size_t)64 << 20);
	gomem_buf_append(&b, "goroutine 5 [select]:\n", 22);
	for (size_t i = 0; i < big / 64; i++)
		gomem_buf_append(&b, "abcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefghabcdefgh", 64);
	gomem_buf_append(&b, "()\n\t/x.go:1 +0x1\n", 17);
	for (size_t i = 0; i < depth; i++)
		gomem_buf_printf(&b, "main.f%zu(0x1)\n\t/r.go:%zu +0x1\n", i % 7, i % 7 + 1);
	gomem_buf_append(&b, "\n", 1);
	d = parse_chunked(b.data, b.len, 65536);
	ck_assert_uint_eq(gomem_dump_count(d), 1);
	ck_assert_uint_le(nframes(d, 0), 4096);
	ck_assert(has_warning(d, "frames past the"));
	ck_assert(has_warning(d, "cut short"));
	gomem_dump_free(d);
	gomem_buf_free(&b);
}
END_TEST

/* ---- buckets, filters, diff ----------------------------------------------- */

static const char similar[] =
	"goroutine 1 [chan receive]:\nmain.w(0xc000010000, 0x1)\n\t/w.go:5 +0x1\n"
	"created by main.a\n\t/m.go:10 +0x1\n\n"
	"goroutine 2 [chan receive, 7 minutes]:\nmain.w(0xc000020000, 0x1)\n\t/w.go:5 +0x1\n"
	"created by main.a\n\t/m.go:10 +0x1\n\n"
	"goroutine 3 [chan receive]:\nmain.w(0xc000020000, 0x2)\n\t/w.go:5 +0x1\n"
	"created by main.a\n\t/m.go:12 +0x1\n\n"
	"goroutine 4 [select]:\nmain.w(0xc000020000, 0x2)\n\t/w.go:6 +0x1\n"
	"created by main.a\n\t/m.go:12 +0x1\n\n";

START_TEST(test_similarity)
{
	/* exact: 4 (pointer values differ); pointers: {1,2} {3} {4};
	 * args: {1,2,3} {4}; functions: {1,2,3,4} */
	static const size_t want[] = {4, 3, 2, 1};
	gomem_dump *d = parse(similar);
	gomem_bucket_options o = GOMEM_BUCKET_OPTIONS_INIT;
	gomem_buckets *b;
	gomem_bucket k;

	o.similarity = (gomem_similarity)_i;
	ck_assert_int_eq(gomem_buckets_new(&b, d, &o, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_buckets_count(b), want[_i]);
	ck_assert_uint_eq(gomem_buckets_total(b), 4);
	ck_assert_int_eq(gomem_buckets_get(&k, b, 0), GOMEM_OK);
	ck_assert_str_eq(k.folded, "main.w");
	if (_i == GOMEM_SIMILARITY_POINTERS) {
		ck_assert_uint_eq(k.count, 2);
		ck_assert_int_eq(k.wait_min, 7);
		ck_assert_int_eq(k.wait_max, 7);
	}
	if (_i == GOMEM_SIMILARITY_FUNCTIONS) {
		ck_assert_uint_eq(k.nstates, 2);
		ck_assert_str_eq(k.state, "chan receive");
		ck_assert_uint_eq(k.states[0].count, 3);
	}
	gomem_buckets_free(b);
	gomem_dump_free(d);
}
END_TEST

START_TEST(test_similarity_words)
{
	gomem_similarity s;

	ck_assert_int_eq(gomem_similarity_parse(&s, "default"), GOMEM_OK);
	ck_assert_int_eq(s, GOMEM_SIMILARITY_POINTERS);
	ck_assert_int_eq(gomem_similarity_parse(&s, "functions"), GOMEM_OK);
	ck_assert_int_eq(s, GOMEM_SIMILARITY_FUNCTIONS);
	ck_assert_int_eq(gomem_similarity_parse(&s, "nope"), GOMEM_E_INVALID);
	ck_assert_str_eq(gomem_similarity_name(GOMEM_SIMILARITY_EXACT), "exact");
}
END_TEST

START_TEST(test_filters)
{
	gomem_dump *d = parse(similar);
	gomem_goroutine_filter f = GOMEM_GOROUTINE_FILTER_INIT;
	gomem_summary_options so = GOMEM_SUMMARY_OPTIONS_INIT;
	gomem_summary *s;
	const char *states[] = {"select"};
	gomem_error err = {0};

	so.filter = &f;
	f.states = states;
	f.nstates = 1;
	ck_assert_int_eq(gomem_summary_new(&s, d, &so, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_summary_total(s), 1);
	gomem_summary_free(s);

	f.nstates = 0;
	f.min_wait = 5;
	ck_assert_int_eq(gomem_summary_new(&s, d, &so, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_summary_total(s), 1);
	gomem_summary_free(s);

	f.min_wait = 0;
	f.match = "w\\.go:6";
	ck_assert_int_eq(gomem_summary_new(&s, d, &so, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_summary_total(s), 1);
	gomem_summary_free(s);

	f.match = "main\\.a";   /* the created-by frame counts */
	f.exclude = "w\\.go:6";
	ck_assert_int_eq(gomem_summary_new(&s, d, &so, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_summary_total(s), 3);
	gomem_summary_free(s);

	f.match = f.exclude = NULL;
	f.min_count = 2;        /* buckets only: the total still counts all */
	ck_assert_int_eq(gomem_summary_new(&s, d, &so, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_summary_total(s), 4);
	ck_assert_uint_eq(gomem_buckets_count(gomem_summary_buckets(s)), 1);
	gomem_summary_free(s);

	f.match = "(";
	ck_assert_int_eq(gomem_summary_new(&s, d, &so, &err), GOMEM_E_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "regular expression"));
	gomem_dump_free(d);
}
END_TEST

START_TEST(test_summary)
{
	gomem_dump *d = parse(similar);
	gomem_summary *s;
	const gomem_summary_state *st;
	const gomem_summary_group *g;
	const uint32_t *w;
	size_t nw;

	ck_assert_int_eq(gomem_summary_new(&s, d, NULL, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_summary_total(s), 4);
	ck_assert_uint_eq(gomem_summary_state_count(s), 2);
	st = gomem_summary_state_get(s, 0);
	ck_assert_str_eq(st->state, "chan receive");
	ck_assert_uint_eq(st->count, 3);
	ck_assert_uint_eq(st->wait[GOMEM_WAIT_5_14], 1);
	ck_assert_uint_eq(st->wait[GOMEM_WAIT_NONE], 2);
	ck_assert_int_eq(st->wait_max, 7);
	g = gomem_summary_package_get(s, 0);
	ck_assert_str_eq(g->name, "main");
	ck_assert_uint_eq(g->count, 4);
	ck_assert_uint_eq(gomem_summary_creator_count(s), 2);
	g = gomem_summary_creator_get(s, 0);
	ck_assert_str_eq(g->name, "main.a");
	ck_assert_uint_eq(g->count, 2);
	w = gomem_summary_longest_waiting(s, &nw);
	ck_assert_uint_eq(nw, 1);
	ck_assert_uint_eq(g_at(d, w[0]).id, 2);
	gomem_summary_free(s);
	gomem_dump_free(d);
}
END_TEST

START_TEST(test_diff)
{
	const char before[] =
		"goroutine 1 [chan send]:\nmain.leak(0x0?)\n\t/l.go:3 +0x1\ncreated by main.run\n\t/m.go:9 +0x1\n\n"
		"goroutine 2 [sleep]:\nmain.gone()\n\t/g.go:3 +0x1\n\n";
	const char after[] =
		"goroutine 11 [chan send, 2 minutes]:\nmain.leak(0x0?)\n\t/l.go:3 +0x1\ncreated by main.run\n\t/m.go:9 +0x1\n\n"
		"goroutine 12 [chan send]:\nmain.leak(0x0?)\n\t/l.go:3 +0x1\ncreated by main.run\n\t/m.go:9 +0x1\n\n"
		"goroutine 13 [running]:\nmain.busy()\n\t/b.go:3 +0x1\n\n";
	gomem_dump *b = parse(before), *a = parse(after);
	gomem_dump_diff *df;
	const gomem_diff_entry *e;

	ck_assert_int_eq(gomem_dump_diff_new(&df, b, a, NULL, NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_dump_diff_count(df), 3);
	/* equal growth: ties go by signature, so main.busy's comes first */
	e = gomem_dump_diff_get(df, 1);
	ck_assert_int_eq(e->kind, GOMEM_DIFF_GREW);
	ck_assert_int_eq(e->delta, 1);
	ck_assert(e->leak_suspect);
	ck_assert_str_eq(e->state, "chan send");
	ck_assert_int_eq(e->wait_max, 2);
	e = gomem_dump_diff_get(df, 0);
	ck_assert_int_eq(e->kind, GOMEM_DIFF_NEW);
	ck_assert(!e->leak_suspect); /* running is not parked */
	e = gomem_dump_diff_get(df, 2);
	ck_assert_int_eq(e->kind, GOMEM_DIFF_VANISHED);
	ck_assert_int_eq(e->delta, -1);
	ck_assert_uint_eq(gomem_dump_diff_leak_growth(df), 1);
	ck_assert_uint_eq(gomem_dump_diff_total_before(df), 2);
	ck_assert_uint_eq(gomem_dump_diff_total_after(df), 3);
	gomem_dump_diff_free(df);
	gomem_dump_free(b);
	gomem_dump_free(a);
}
END_TEST

/* ---- debug=0: profile.proto, encoded field by field -------------------- */

static void pb_varint(gomem_buf *b, uint64_t v)
{
	unsigned char c;

	for (; v >= 0x80; v >>= 7) {
		c = (unsigned char)(v | 0x80);
		gomem_buf_append(b, &c, 1);
	}
	c = (unsigned char)v;
	gomem_buf_append(b, &c, 1);
}

static void pb_uint(gomem_buf *b, unsigned field, uint64_t v)
{
	pb_varint(b, (uint64_t)field << 3);
	pb_varint(b, v);
}

static void pb_bytes(gomem_buf *b, unsigned field, const void *data, size_t len)
{
	pb_varint(b, (uint64_t)field << 3 | 2);
	pb_varint(b, len);
	gomem_buf_append(b, data, len);
}

/* A message built in M, appended to B as FIELD, M emptied. */
static void pb_msg(gomem_buf *b, unsigned field, gomem_buf *m)
{
	pb_bytes(b, field, m->data ? m->data : "", m->len);
	m->len = 0;
}

/* A goroutine profile as runtime/pprof writes it (sample type goroutine/
 * count, one location per frame), or with the sample types of a heap
 * profile: 3 goroutines in main.leaf < main.root, and, when EMPTY, 2 in a
 * sample with no location at all. */
static gomem_buf goroutine_proto(bool heap, bool empty)
{
	static const char *const strs[] = {"", "goroutine", "count", "main.leaf", "/l.go", "main.root",
					   "/r.go", "inuse_space", "bytes"};
	gomem_buf b, m, sub;

	gomem_buf_init(&b, 1 << 20);
	gomem_buf_init(&m, 1 << 20);
	gomem_buf_init(&sub, 1 << 20);
	pb_uint(&m, 1, heap ? 7 : 1);
	pb_uint(&m, 2, heap ? 8 : 2);
	pb_msg(&b, 1, &m); /* sample_type */
	pb_uint(&m, 1, 1);
	pb_uint(&m, 1, 2); /* location ids, unpacked */
	pb_uint(&m, 2, 3);
	pb_msg(&b, 2, &m);
	if (empty) {
		pb_uint(&m, 2, 2);
		pb_msg(&b, 2, &m);
	}
	for (unsigned id = 1; id <= 2; id++) {
		pb_uint(&m, 1, id);
		pb_uint(&sub, 1, id); /* line: function id, line */
		pb_uint(&sub, 2, id == 1 ? 3 : 9);
		pb_msg(&m, 4, &sub);
		pb_msg(&b, 4, &m); /* location */
		pb_uint(&m, 1, id);
		pb_uint(&m, 2, id == 1 ? 3 : 5);
		pb_uint(&m, 4, id == 1 ? 4 : 6);
		pb_msg(&b, 5, &m); /* function */
	}
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(strs); i++)
		pb_bytes(&b, 6, strs[i], strlen(strs[i]));
	gomem_buf_free(&m);
	gomem_buf_free(&sub);
	return b;
}

START_TEST(test_proto)
{
	gomem_buf pb = goroutine_proto(false, false);
	gomem_dump *d;

	ck_assert_int_eq(gomem_dump_from_buffer(&d, pb.data, pb.len, "g.pb", NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_dump_format_of(d), GOMEM_DUMP_PROTO);
	ck_assert_uint_eq(gomem_dump_count(d), 1);
	ck_assert_uint_eq(gomem_dump_total(d), 3);
	ck_assert(!gomem_dump_has_states(d));
	ck_assert_str_eq(folded(d, 0), "main.root;main.leaf");
	ck_assert_int_eq(f_at(d, 0, 1).line, 9);
	gomem_dump_free(d);
	gomem_buf_free(&pb);
}
END_TEST

/* Issue 11: a heap profile is no goroutine dump ("22731 goroutines"). */
START_TEST(test_proto_not_goroutines)
{
	gomem_buf pb = goroutine_proto(true, false);
	gomem_dump *d;
	gomem_error err = {0};
	char msg[600];

	ck_assert_int_eq(gomem_dump_from_buffer(&d, pb.data, pb.len, "heap.pb", &err), GOMEM_E_FORMAT);
	ck_assert_ptr_null(d);
	gomem_error_format(msg, sizeof(msg), &err);
	ck_assert_str_eq(msg, "heap.pb: not a goroutine profile: its samples are inuse_space/bytes, "
			      "where those of /debug/pprof/goroutine are goroutine/count");
	gomem_buf_free(&pb);
}
END_TEST

/* Issue 12: a sample without a stack is no runtime goroutine: its package
 * is "" (no stack), not "runtime". */
START_TEST(test_proto_empty_stack)
{
	gomem_buf pb = goroutine_proto(false, true);
	gomem_summary *s;
	gomem_dump *d;
	bool seen = false;

	ck_assert_int_eq(gomem_dump_from_buffer(&d, pb.data, pb.len, "g.pb", NULL), GOMEM_OK);
	ck_assert_uint_eq(gomem_dump_total(d), 5);
	ck_assert_int_eq(gomem_summary_new(&s, d, NULL, NULL), GOMEM_OK);
	for (size_t i = 0; i < gomem_summary_package_count(s); i++) {
		const gomem_summary_group *g = gomem_summary_package_get(s, i);

		ck_assert_str_ne(g->name, "runtime");
		if (g->name[0] == '\0') {
			ck_assert_uint_eq(g->count, 2);
			seen = true;
		}
	}
	ck_assert(seen);
	gomem_summary_free(s);
	gomem_dump_free(d);
	gomem_buf_free(&pb);
}
END_TEST

/* ---- the shared corpus ---------------------------------------------------- */

/* Per code path of the generator: state, depth and pattern of the
 * main.levelA/levelB chain (bit i, root first, set for levelB), creator. */
struct pathkey {
	char state[64], creator[96];
	int depth, pattern;
	uint64_t count;
};

static void key_add(struct pathkey *keys, size_t *n, const struct pathkey *k)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(keys[i].state, k->state) == 0 && strcmp(keys[i].creator, k->creator) == 0 &&
		    keys[i].depth == k->depth && keys[i].pattern == k->pattern) {
			keys[i].count += k->count;
			return;
		}
	ck_assert_uint_lt(*n, 4096);
	keys[(*n)++] = *k;
}

static const char *json_str(const char *obj, const char *field, char *out, size_t cap)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\": \"", field);
	p = strstr(obj, pat);
	ck_assert_ptr_nonnull(p);
	p += strlen(pat);
	e = strchr(p, '"');
	snprintf(out, cap, "%.*s", (int)(e - p), p);
	return out;
}

static long json_num(const char *obj, const char *field)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", field);
	p = strstr(obj, pat);
	ck_assert_ptr_nonnull(p);
	return strtol(p + strlen(pat), NULL, 10);
}

static size_t manifest_keys(const char *path, struct pathkey *keys, bool with_state)
{
	size_t len, n = 0;
	char *m = slurp(path, &len), *p = strstr(m, "\"paths\"");

	ck_assert_ptr_nonnull(p);
	while ((p = strchr(p, '{')) != NULL) {
		char *end = strchr(p, '}'), *sp;
		struct pathkey k = {0};

		*end = '\0';
		if (with_state) {
			json_str(p, "state", k.state, sizeof(k.state));
		}
		json_str(p, "creator", k.creator, sizeof(k.creator));
		sp = strchr(k.creator, ' ');
		if (sp)
			*sp = '\0';
		if (!with_state)
			k.creator[0] = '\0';
		k.depth = (int)json_num(p, "depth");
		k.pattern = (int)json_num(p, "pattern");
		k.count = (uint64_t)json_num(p, "count");
		key_add(keys, &n, &k);
		p = end + 1;
	}
	free(m);
	return n;
}

/* The manifest names a path by what its leaf main.block* function does; the
 * runtime's state for it varies by Go version (1.19 says semacquire where
 * 1.21 says sync.Mutex.Lock): check the state against that, return the label. */
static const char *path_label(const gomem_dump *d, size_t gi, const char *state)
{
	static const char *const map[][3] = {
		{"main.blockChanRecv", "chan receive", "chan receive"},
		{"main.blockChanSend", "chan send", "chan send"},
		{"main.blockCond", "sync.Cond.Wait", "sync.Cond.Wait"},
		{"main.blockMutex", "sync.Mutex.Lock", "semacquire"},
		{"main.blockNetPipeRead", "net.Pipe read", "select"},
		{"main.blockNilChan", "chan receive (nil chan)", "chan receive (nil chan)"},
		{"main.blockRLock", "sync.RWMutex.RLock", "semacquire"},
		{"main.blockSelect", "select", "select"},
		{"main.blockSelectNoCases", "select (no cases)", "select (no cases)"},
		{"main.blockSleep", "time.Sleep", "sleep"},
		{"main.blockWG", "sync.WaitGroup.Wait", "semacquire"},
	};

	for (size_t j = 0; j < nframes(d, gi); j++) {
		gomem_goroutine_frame f = f_at(d, gi, j);

		for (size_t m = 0; m < GOMEM_ARRAY_SIZE(map); m++)
			if (strcmp(f.function, map[m][0]) == 0) {
				if (strcmp(state, map[m][1]) != 0 && strcmp(state, map[m][2]) != 0)
					ck_abort_msg("%s in state %s", f.function, state);
				return map[m][1];
			}
	}
	return state;
}

static size_t dump_keys(const gomem_dump *d, struct pathkey *keys, bool with_state)
{
	size_t n = 0;

	for (size_t i = 0; i < gomem_dump_count(d); i++) {
		gomem_goroutine g = g_at(d, i);
		gomem_goroutine_frame c;
		struct pathkey k = {0};
		bool entry = false;
		size_t nf = nframes(d, i);

		for (size_t j = nf; j-- > 0;) { /* root first */
			gomem_goroutine_frame f = f_at(d, i, j);

			if (strcmp(f.function, "main.entry") == 0)
				entry = true;
			else if (entry && strcmp(f.function, "main.levelB") == 0)
				k.pattern |= 1 << k.depth++;
			else if (entry && strcmp(f.function, "main.levelA") == 0)
				k.depth++;
		}
		if (!entry)
			continue;
		if (with_state) {
			snprintf(k.state, sizeof(k.state), "%s", path_label(d, i, g.state));
			ck_assert_int_eq(gomem_dump_frame(&c, d, g.created_by), GOMEM_OK);
			snprintf(k.creator, sizeof(k.creator), "%s", c.function);
		}
		k.count = g.count;
		key_add(keys, &n, &k);
	}
	return n;
}

static int cmp_key(const void *a, const void *b)
{
	const struct pathkey *x = a, *y = b;
	int c = strcmp(x->state, y->state);

	if (c == 0)
		c = strcmp(x->creator, y->creator);
	if (c == 0)
		c = x->depth - y->depth;
	return c ? c : x->pattern - y->pattern;
}

static const char *const manifest_cases[][2] = {
	{"goroutines/go1.19-g1k/g1k.manifest.json", "goroutines/go1.19-g1k/g1k.debug2.txt"},
	{"goroutines/go1.19-g1k/g1k.manifest.json", "goroutines/go1.19-g1k/g1k.stack-all.txt"},
	{"goroutines/go1.19-g1k/g1k.manifest.json", "goroutines/go1.19-g1k/g1k.sigquit-all.txt"},
	{"goroutines/go1.19-g1k/g1k.manifest.json", "goroutines/go1.19-g1k/g1k.sigquit-system.txt"},
	{"goroutines/go1.19-g1k/g1k.manifest.json", "goroutines/go1.19-g1k/g1k.debug1.txt"},
	{"goroutines/go1.21-g1k/g1k.manifest.json", "goroutines/go1.21-g1k/g1k.debug2.txt"},
	{"goroutines/go1.21-g1k/g1k.manifest.json", "goroutines/go1.21-g1k/g1k.stack-all.txt"},
	{"goroutines/go1.21-g1k/g1k.manifest.json", "goroutines/go1.21-g1k/g1k.sigquit-all.txt"},
	{"goroutines/go1.21-g1k/g1k.manifest.json", "goroutines/go1.21-g1k/g1k.debug1.txt"},
	{"goroutines/go1.23-g1k/g1k.manifest.json", "goroutines/go1.23-g1k/g1k.debug2.txt"},
	{"goroutines/go1.23-g1k/g1k.manifest.json", "goroutines/go1.23-g1k/g1k.sigquit-all.txt"},
	{"goroutines/go1.23-g1k/g1k.manifest.json", "goroutines/go1.23-g1k/g1k.sigquit-system.txt"},
	{"goroutines/go1.23-g1k/g1k.manifest.json", "goroutines/go1.23-g1k/g1k.debug1.txt"},
	{"goroutines/go1.23-aged/g1k-aged.manifest.json", "goroutines/go1.23-aged/g1k-aged.debug2.txt"},
	{"goroutines/leak-go1.19/leak.manifest.json", "goroutines/leak-go1.19/leak.before.debug2.txt"},
};

START_TEST(test_corpus_manifest)
{
	const char *mp = test_corpus(manifest_cases[_i][0]);
	char mpath[4096];
	const char *dp;
	struct pathkey *want, *got;
	size_t nwant, ngot;
	bool with_state = strstr(manifest_cases[_i][1], "debug1") == NULL;
	gomem_dump *d;

	if (mp == NULL)
		return; /* no shared corpus here */
	snprintf(mpath, sizeof(mpath), "%s", mp);
	dp = test_corpus(manifest_cases[_i][1]);
	ck_assert_ptr_nonnull(dp);
	d = read_path(dp);
	want = calloc(4096, sizeof(*want));
	got = calloc(4096, sizeof(*got));
	nwant = manifest_keys(mpath, want, with_state);
	ngot = dump_keys(d, got, with_state);
	qsort(want, nwant, sizeof(*want), cmp_key);
	qsort(got, ngot, sizeof(*got), cmp_key);
	ck_assert_uint_eq(ngot, nwant);
	for (size_t i = 0; i < nwant; i++) {
		ck_assert_str_eq(got[i].state, want[i].state);
		ck_assert_str_eq(got[i].creator, want[i].creator);
		ck_assert_int_eq(got[i].depth, want[i].depth);
		ck_assert_int_eq(got[i].pattern, want[i].pattern);
		ck_assert_uint_eq(got[i].count, want[i].count);
	}
	free(want);
	free(got);
	gomem_dump_free(d);
}
END_TEST

/* Goroutines per file: `grep -c '^goroutine '` (debug=1: the total line). */
static const struct { const char *rel; uint64_t records, total; } count_cases[] = {
	{"goroutines/go1.19-g1k/g1k.debug2.txt", 1037, 1037},
	{"goroutines/go1.19-g1k/g1k.debug1.txt", 47, 1037},
	{"goroutines/go1.19-g1k/g1k.panic-all.txt", 1038, 1038},
	{"goroutines/go1.19-g1k/g1k.panic.txt", 1, 1},
	{"goroutines/go1.19-g1k/g1k.sigquit-all.txt", 1041, 1041},
	{"goroutines/go1.21-g1k/g1k.sigquit-system.txt", 1041, 1041},
	{"goroutines/go1.23-g1k/g1k.sigquit-all.txt", 1042, 1042},
	{"goroutines/go1.23-g1k/g1k.sigquit-system.txt", 1043, 1043},
	{"goroutines/go1.23-aged/g1k-aged.debug2.txt", 1035, 1035},
	{"goroutines/leak-go1.19/leak.before.debug2.txt", 2202, 2202},
	{"goroutines/leak-go1.19/leak.after.debug2.txt", 2517, 2517},
	{"goroutines/leak-go1.19/leak.after.debug1.txt", 72, 2517},
};

START_TEST(test_corpus_counts)
{
	const char *p = test_corpus(count_cases[_i].rel);
	gomem_dump *d;

	if (p == NULL)
		return;
	d = read_path(p);
	ck_assert_uint_eq(gomem_dump_count(d), count_cases[_i].records);
	ck_assert_uint_eq(gomem_dump_total(d), count_cases[_i].total);
	gomem_dump_free(d);
}
END_TEST

/* leak.truth.json: the changed stacks, by their leaf-most main.* function. */
static const struct { const char *fn; int64_t delta; uint64_t before, after; bool suspect; } leak_truth[] = {
	{"main.leakyFetch", 250, 10, 260, true},
	{"main.leakyWorker", 75, 0, 75, true},
	{"main.leakySubscriber", 40, 0, 40, true},
	{"main.churnWorker", 0, 100, 100, false},
	{"main.transientWaiter", -50, 50, 0, false},
};

static void leak_pair(const char *b, const char *a)
{
	const char *pb = test_corpus(b);
	char before[4096];
	gomem_dump *db, *da;
	gomem_dump_diff *df;
	int64_t others = 0;

	if (pb == NULL)
		return;
	snprintf(before, sizeof(before), "%s", pb);
	db = read_path(before);
	da = read_path(test_corpus(a));
	ck_assert_int_eq(gomem_dump_diff_new(&df, db, da, NULL, NULL), GOMEM_OK);
	for (size_t t = 0; t < GOMEM_ARRAY_SIZE(leak_truth); t++) {
		size_t hits = 0;

		for (size_t i = 0; i < gomem_dump_diff_count(df); i++) {
			const gomem_diff_entry *e = gomem_dump_diff_get(df, i);
			const char *leaf = strrchr(e->folded, ';');

			leaf = leaf ? leaf + 1 : e->folded;
			if (strstr(e->folded, leak_truth[t].fn) == NULL)
				continue;
			hits++;
			ck_assert_int_eq(e->delta, leak_truth[t].delta);
			ck_assert_uint_eq(e->before, leak_truth[t].before);
			ck_assert_uint_eq(e->after, leak_truth[t].after);
			ck_assert_int_eq(e->leak_suspect, leak_truth[t].suspect);
		}
		ck_assert_uint_eq(hits, 1);
	}
	for (size_t i = 0; i < gomem_dump_diff_count(df); i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);

		if (!strstr(e->folded, "main.leaky") && !strstr(e->folded, "main.transientWaiter") &&
		    !strstr(e->folded, "main.churnWorker") && e->delta != 0 &&
		    strcmp(e->state, "running") != 0)
			others++;
	}
	/* every other stack is unchanged but the dumping goroutine's own */
	ck_assert_int_eq(others, 0);
	ck_assert_uint_eq(gomem_dump_diff_leak_growth(df), 365);
	gomem_dump_diff_free(df);
	gomem_dump_free(db);
	gomem_dump_free(da);
}

START_TEST(test_corpus_leak)
{
	leak_pair("goroutines/leak-go1.19/leak.before.debug2.txt", "goroutines/leak-go1.19/leak.after.debug2.txt");
}
END_TEST

static const struct { const char *rel; uint64_t goroutines; } peer_cases[] = {
	{"goroutines/peer-panicparse/cmd-panic-go1.19/args_elided.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/asleep.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/chan_receive.GOTRACEBACK-all.txt", 2},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/chan_send.GOTRACEBACK-all.txt", 2},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/chan_struct.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/float.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/goroutine_1.GOTRACEBACK-all.txt", 2},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/goroutine_100.GOTRACEBACK-all.txt", 101},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/goroutine_dedupe_pointers.GOTRACEBACK-all.txt", 101},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/int.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/locked.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/mismatched.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/other.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/simple.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/slice_str.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/stack_cut_off.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/stack_cut_off_named.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/stdlib.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/stdlib_and_other.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/str.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.19/utf8.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/args_elided.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/asleep.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/chan_receive.GOTRACEBACK-all.txt", 2},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/chan_send.GOTRACEBACK-all.txt", 2},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/chan_struct.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/float.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/goroutine_1.GOTRACEBACK-all.txt", 2},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/goroutine_100.GOTRACEBACK-all.txt", 101},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/goroutine_dedupe_pointers.GOTRACEBACK-all.txt", 101},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/int.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/locked.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/mismatched.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/other.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/simple.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/slice_str.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/stack_cut_off.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/stack_cut_off_named.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/stdlib.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/stdlib_and_other.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/str.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-go1.23/utf8.GOTRACEBACK-all.txt", 1},
	{"goroutines/peer-panicparse/cmd-panic-race-go1.19/race.GOTRACEBACK-all.txt", 0},
	{"goroutines/peer-panicparse/embedded/static_panic_race.txt", 0},
	{"goroutines/peer-panicparse/embedded/static_panicweb.debug2.txt", 71},
};

START_TEST(test_corpus_peer)
{
	const char *p = test_corpus(peer_cases[_i].rel);
	gomem_dump *d;

	if (p == NULL)
		return;
	d = read_path(p);
	ck_assert_uint_eq(gomem_dump_count(d), peer_cases[_i].goroutines);
	gomem_dump_free(d);
}
END_TEST

Suite *suite_goroutine(void)
{
	Suite *s = suite_create("goroutine");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_debug2_fields);
	tcase_add_test(tc, test_crash_fields);
	tcase_add_test(tc, test_debug1_fields);
	tcase_add_loop_test(tc, test_prefixes, 0, (int)GOMEM_ARRAY_SIZE(prefix_kinds));
	tcase_add_loop_test(tc, test_chunked, 0, (int)GOMEM_ARRAY_SIZE(chunk_inputs));
	tcase_add_test(tc, test_cut_off);
	tcase_add_loop_test(tc, test_cut_anywhere, 0, (int)GOMEM_ARRAY_SIZE(cut_inputs));
	tcase_add_test(tc, test_no_final_newline);
	tcase_add_test(tc, test_header_only_and_overflow);
	tcase_add_test(tc, test_garbage_between);
	tcase_add_test(tc, test_not_a_dump);
	tcase_add_test(tc, test_huge_name_and_deep_stack);
	tcase_add_test(tc, test_proto);
	tcase_add_test(tc, test_proto_not_goroutines);
	tcase_add_test(tc, test_proto_empty_stack);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("analysis");
	tcase_add_loop_test(tc, test_similarity, 0, 4);
	tcase_add_test(tc, test_similarity_words);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_summary);
	tcase_add_test(tc, test_diff);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_loop_test(tc, test_corpus_manifest, 0, (int)GOMEM_ARRAY_SIZE(manifest_cases));
	tcase_add_loop_test(tc, test_corpus_counts, 0, (int)GOMEM_ARRAY_SIZE(count_cases));
	tcase_add_test(tc, test_corpus_leak);
	tcase_add_loop_test(tc, test_corpus_peer, 0, (int)GOMEM_ARRAY_SIZE(peer_cases));
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
