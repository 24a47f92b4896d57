/* SPDX-License-Identifier: Apache-2.0 */
/* check_follow.c — following files (append, truncate, rotate, a path that
 * appears later), pipes to EOF, and children: GODEBUG merged, exit and
 * signal statuses, stderr copied through. Every wait is bounded. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gomem-internal.h"
#include "suites.h"

static char dir[256];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "%s/gomem-follow.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *path_in(const char *name)
{
	static char buf[2][512];
	static int which;

	which ^= 1;
	snprintf(buf[which], sizeof(buf[which]), "%s/%s", dir, name);
	return buf[which];
}

static void write_file(const char *path, const char *mode, const char *text)
{
	FILE *fp = fopen(path, mode);

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static void nap(void)
{
	struct timespec ts = {0, 10 * 1000000L};

	nanosleep(&ts, NULL);
}

/* Reads until WANT has arrived in full (appending to GOT), for at most ~5 s;
 * returns the events seen on the way. */
static unsigned read_until(gomem_follow *f, gomem_buf *got, const char *want)
{
	unsigned ev = 0;

	for (int i = 0; i < 500; i++) {
		const uint8_t *data;
		size_t len;

		ck_assert_int_eq(gomem_follow_read(f, &data, &len), GOMEM_OK);
		ev |= gomem_follow_events(f);
		if (len > 0)
			ck_assert_int_eq(gomem_buf_append(got, data, len), GOMEM_OK);
		if (got->len >= strlen(want) && memcmp(got->data, want, strlen(want)) == 0)
			return ev;
		if (len == 0) {
			if (ev & GOMEM_FOLLOW_EOF)
				break;
			nap();
		}
	}
	ck_assert_msg(0, "wanted '%s', got '%.*s'", want, (int)got->len, got->data ? got->data : "");
	return ev;
}

/* Reads until EOF (~5 s at most); returns everything. */
static void read_to_eof(gomem_follow *f, gomem_buf *got)
{
	for (int i = 0; i < 500; i++) {
		const uint8_t *data;
		size_t len;

		ck_assert_int_eq(gomem_follow_read(f, &data, &len), GOMEM_OK);
		if (len > 0)
			ck_assert_int_eq(gomem_buf_append(got, data, len), GOMEM_OK);
		if (gomem_follow_events(f) & GOMEM_FOLLOW_EOF)
			return;
		if (len == 0)
			nap();
	}
	ck_abort_msg("no EOF");
}

static int wait_status(gomem_follow *f)
{
	int st;

	for (int i = 0; i < 500; i++) {
		if ((st = gomem_follow_exit_status(f)) >= 0)
			return st;
		nap();
	}
	return -1;
}

static void reset(gomem_buf *b)
{
	b->len = 0;
}

START_TEST(test_append_from_start_and_end)
{
	const char *p;
	gomem_follow *f, *g;
	gomem_buf got;

	make_dir();
	p = path_in("a.log");
	write_file(p, "w", "old line\n");
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_open(&f, p, 1, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_open(&g, p, 0, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_fd(f), -1);
	ck_assert_str_eq(gomem_follow_name(f), p);
	read_until(f, &got, "old line\n");
	write_file(p, "a", "new line\n");
	read_until(f, &got, "old line\nnew line\n");
	reset(&got);
	/* From the end: only what came after the open. */
	ck_assert_uint_eq(read_until(g, &got, "new line\n"), 0);
	ck_assert_uint_eq(got.len, strlen("new line\n"));
	gomem_follow_free(f);
	gomem_follow_free(g);
	gomem_buf_free(&got);
	remove_dir();
}
END_TEST

START_TEST(test_truncate)
{
	const char *p;
	gomem_follow *f;
	gomem_buf got;

	make_dir();
	p = path_in("t.log");
	write_file(p, "w", "a long first line\n");
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_open(&f, p, 1, NULL), GOMEM_OK);
	read_until(f, &got, "a long first line\n");
	write_file(p, "w", "short\n");
	reset(&got);
	ck_assert(read_until(f, &got, "short\n") & GOMEM_FOLLOW_TRUNCATED);
	gomem_follow_free(f);
	gomem_buf_free(&got);
	remove_dir();
}
END_TEST

START_TEST(test_rotate)
{
	const char *p, *old;
	gomem_follow *f;
	gomem_buf got;
	unsigned ev;

	make_dir();
	p = path_in("r.log");
	old = path_in("r.log.1");
	write_file(p, "w", "one\n");
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_open(&f, p, 1, NULL), GOMEM_OK);
	read_until(f, &got, "one\n");
	ck_assert_int_eq(rename(p, old), 0);
	/* Written to the old file after the rename: still read, before the switch. */
	write_file(old, "a", "two\n");
	write_file(p, "w", "three\n");
	ev = read_until(f, &got, "one\ntwo\nthree\n");
	ck_assert(ev & GOMEM_FOLLOW_ROTATED);
	ck_assert(!(ev & GOMEM_FOLLOW_TRUNCATED));
	gomem_follow_free(f);
	gomem_buf_free(&got);
	remove_dir();
}
END_TEST

START_TEST(test_deleted_then_replaced)
{
	const char *p;
	gomem_follow *f;
	gomem_buf got;
	int fd;

	make_dir();
	p = path_in("d.log");
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x\n", 2), 2);
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_open(&f, p, 1, NULL), GOMEM_OK);
	read_until(f, &got, "x\n");
	/* Deleted while its writer still writes: keep reading it. */
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(write(fd, "y\n", 2), 2);
	read_until(f, &got, "x\ny\n");
	close(fd);
	write_file(p, "w", "z\n");
	ck_assert(read_until(f, &got, "x\ny\nz\n") & GOMEM_FOLLOW_ROTATED);
	gomem_follow_free(f);
	gomem_buf_free(&got);
	remove_dir();
}
END_TEST

START_TEST(test_not_yet_existing)
{
	const char *p;
	gomem_follow *f;
	gomem_buf got;
	const uint8_t *data;
	size_t len;

	make_dir();
	p = path_in("later.log");
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_open(&f, p, 0, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_read(f, &data, &len), GOMEM_OK);
	ck_assert_uint_eq(len, 0);
	/* A file that appears later is read from its start, even "from the end". */
	write_file(p, "w", "hello\n");
	read_until(f, &got, "hello\n");
	gomem_follow_free(f);
	gomem_buf_free(&got);
	remove_dir();
}
END_TEST

START_TEST(test_open_errors)
{
	gomem_follow *f = NULL;
	gomem_error err = {0};

	make_dir();
	ck_assert_int_eq(gomem_follow_open(&f, dir, 1, &err), GOMEM_E_IO);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(err.source, dir);
	remove_dir();
}
END_TEST

START_TEST(test_pipe_eof)
{
	int fds[2], saved = dup(STDIN_FILENO), flags;
	gomem_follow *f;
	gomem_buf got;
	const uint8_t *data;
	size_t len;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	flags = fcntl(STDIN_FILENO, F_GETFL);
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_open(&f, "-", 1, NULL), GOMEM_OK);
	ck_assert_str_eq(gomem_follow_name(f), "<stdin>");
	ck_assert_int_ge(gomem_follow_fd(f), 0);
	/* Nothing yet: the read must not block. */
	ck_assert_int_eq(gomem_follow_read(f, &data, &len), GOMEM_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(write(fds[1], "abc\n", 4), 4);
	close(fds[1]);
	read_to_eof(f, &got);
	ck_assert_uint_eq(got.len, 4);
	ck_assert_int_eq(gomem_follow_fd(f), -1);
	gomem_follow_free(f);
	/* stdin gets its flags back (no O_NONBLOCK left behind). */
	ck_assert_int_eq(fcntl(STDIN_FILENO, F_GETFL), flags);
	dup2(saved, STDIN_FILENO);
	close(saved);
	gomem_buf_free(&got);
}
END_TEST

START_TEST(test_spawn_godebug)
{
	char *argv[] = {"sh", "-c", "echo \"$GODEBUG\" >&2", NULL};
	gomem_follow *f;
	gomem_buf got;

	setenv("GODEBUG", "madvdontneed=1,gctrace=0", 1);
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_spawn(&f, argv, "gctrace=1", 0, 1, NULL), GOMEM_OK);
	ck_assert_int_gt(gomem_follow_pid(f), 0);
	ck_assert_int_ge(gomem_follow_fd(f), 0);
	read_to_eof(f, &got);
	ck_assert_int_eq(gomem_buf_append(&got, "", 1), GOMEM_OK);
	ck_assert_str_eq(got.data, "madvdontneed=1,gctrace=1\n");
	ck_assert_int_eq(wait_status(f), 0);
	ck_assert_int_eq(gomem_follow_pid(f), -1);
	unsetenv("GODEBUG");
	gomem_follow_free(f);
	gomem_buf_free(&got);
}
END_TEST

START_TEST(test_spawn_status)
{
	char *exit3[] = {"sh", "-c", "exit 3", NULL};
	char *killed[] = {"sh", "-c", "kill -9 $$", NULL};
	char *missing[] = {"gomem-no-such-command-here", NULL};
	gomem_follow *f;
	gomem_buf got;
	gomem_error err = {0};

	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_spawn(&f, exit3, NULL, 0, 1, NULL), GOMEM_OK);
	read_to_eof(f, &got);
	ck_assert_int_eq(wait_status(f), 3);
	gomem_follow_free(f);
	ck_assert_int_eq(gomem_follow_spawn(&f, killed, NULL, 0, 1, NULL), GOMEM_OK);
	read_to_eof(f, &got);
	ck_assert_int_eq(wait_status(f), 128 + 9);
	gomem_follow_free(f);
	ck_assert_int_eq(gomem_follow_spawn(&f, missing, NULL, 0, 1, &err), GOMEM_E_NOTFOUND);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(err.source, "gomem-no-such-command-here");
	gomem_buf_free(&got);
}
END_TEST

/* free() of a running child: SIGTERM, reaped, no zombie left. */
START_TEST(test_free_kills)
{
	char *argv[] = {"sleep", "30", NULL};
	gomem_follow *f;
	pid_t pid;
	time_t t0 = time(NULL);

	ck_assert_int_eq(gomem_follow_spawn(&f, argv, NULL, 0, 1, NULL), GOMEM_OK);
	pid = gomem_follow_pid(f);
	ck_assert_int_eq(gomem_follow_exit_status(f), -1);
	gomem_follow_free(f);
	ck_assert_int_lt(time(NULL) - t0, 5);
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), -1); /* already reaped */
}
END_TEST

/* With tee, the child's stderr reaches ours byte for byte (here a pipe
 * standing in for our stderr), and is still handed to the reader. */
START_TEST(test_tee)
{
	char *argv[] = {"sh", "-c", "printf 'a\\nb' >&2; printf 'c\\n' >&2", NULL};
	int fds[2], saved = dup(STDERR_FILENO);
	gomem_follow *f;
	gomem_buf got;
	char copy[64];
	ssize_t n;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(dup2(fds[1], STDERR_FILENO), STDERR_FILENO);
	close(fds[1]);
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_spawn(&f, argv, "gctrace=1", 1, 1, NULL), GOMEM_OK);
	read_to_eof(f, &got);
	gomem_follow_free(f);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = read(fds[0], copy, sizeof(copy));
	close(fds[0]);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(memcmp(copy, "a\nbc\n", 5), 0);
	ck_assert_uint_eq(got.len, 5);
	ck_assert_int_eq(memcmp(got.data, "a\nbc\n", 5), 0);
	gomem_buf_free(&got);
}
END_TEST

/* Our stderr's reader gone: the copy stops, nothing kills us, reading goes on. */
START_TEST(test_tee_epipe)
{
	char *argv[] = {"sh", "-c", "echo one >&2; echo two >&2", NULL};
	int fds[2], saved = dup(STDERR_FILENO);
	gomem_follow *f;
	gomem_buf got;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(dup2(fds[1], STDERR_FILENO), STDERR_FILENO);
	close(fds[1]);
	close(fds[0]);
	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_spawn(&f, argv, NULL, 1, 1, NULL), GOMEM_OK);
	read_to_eof(f, &got);
	ck_assert_uint_eq(got.len, 8);
	gomem_follow_free(f);
	dup2(saved, STDERR_FILENO);
	close(saved);
	gomem_buf_free(&got);
}
END_TEST

static const struct {
	const char *existing, *add, *want;
} merges[] = {
	{NULL, "gctrace=1", "gctrace=1"},
	{"", "gctrace=1", "gctrace=1"},
	{"madvdontneed=1", "gctrace=1", "madvdontneed=1,gctrace=1"},
	{"madvdontneed=1,gctrace=0", "gctrace=1", "madvdontneed=1,gctrace=1"},
	{"gctrace=0,madvdontneed=1", "gctrace=1", "gctrace=1,madvdontneed=1"},
	{"gctrace=0,x=1,gctrace=2", "gctrace=1", "gctrace=1,x=1"},
	{"a=1,,b=2,", "c=3", "a=1,b=2,c=3"},
	{"a=1", "", "a=1"},
	{"a=1,b=2", "b=3,c=4,a=5", "a=5,b=3,c=4"},
	{"gctraceX=0", "gctrace=1", "gctraceX=0,gctrace=1"},
	{"gctrace", "gctrace=1", "gctrace=1"},
	{NULL, "a=1,a=2", "a=1"},
};

START_TEST(test_godebug_merge)
{
	char *out = NULL;

	ck_assert_int_eq(gomem_godebug_merge(&out, merges[_i].existing, merges[_i].add), GOMEM_OK);
	ck_assert_str_eq(out, merges[_i].want);
	gomem_free(out);
}
END_TEST


/* SIGCHLD ignored, as a supervisor may leave it: the child is still ours to
 * wait for (spawn sets SIGCHLD back to its default action first). */
START_TEST(test_sigchld_ignored)
{
	char *exit3[] = {"sh", "-c", "exit 3", NULL};
	struct sigaction old, now;
	gomem_follow *f;
	gomem_buf got;

	gomem_buf_init(&got, 1 << 20);
	signal(SIGCHLD, SIG_IGN);
	ck_assert_int_eq(gomem_follow_spawn(&f, exit3, NULL, 0, 1, NULL), GOMEM_OK);
	ck_assert_int_eq(sigaction(SIGCHLD, NULL, &now), 0);
	ck_assert(now.sa_handler == SIG_DFL);
	read_to_eof(f, &got);
	ck_assert_int_eq(wait_status(f), 3);
	/* Reaped: never signalled again, whatever its pid became. */
	ck_assert_int_eq(gomem_follow_kill(f, SIGTERM), GOMEM_E_INVALID);
	ck_assert_int_eq(gomem_follow_pid(f), -1);
	gomem_follow_free(f);
	memset(&old, 0, sizeof(old));
	old.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &old, NULL);
	gomem_buf_free(&got);
}
END_TEST

/* The child exits, leaving a process that holds its stderr: its stream
 * ends at the exit, with everything written before it. */
START_TEST(test_exit_while_stderr_held)
{
	char *argv[] = {"sh", "-c", "echo before >&2; sleep 30 & echo $! >&2; exit 4", NULL};
	gomem_follow *f, *file;
	gomem_buf got;
	time_t t0 = time(NULL);
	long sleeper;

	gomem_buf_init(&got, 1 << 20);
	ck_assert_int_eq(gomem_follow_spawn(&f, argv, NULL, 0, 1, NULL), GOMEM_OK);
	read_to_eof(f, &got);
	ck_assert_int_lt(time(NULL) - t0, 5);
	ck_assert_int_eq(gomem_follow_exit_status(f), 4);
	ck_assert_int_eq(sscanf(got.data, "before\n%ld\n", &sleeper), 1);
	kill((pid_t)sleeper, SIGKILL);
	gomem_follow_free(f);
	/* Only children are signalled. */
	make_dir();
	write_file(path_in("x.log"), "w", "x\n");
	ck_assert_int_eq(gomem_follow_open(&file, path_in("x.log"), 1, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_kill(file, SIGTERM), GOMEM_E_INVALID);
	gomem_follow_free(file);
	remove_dir();
	gomem_buf_free(&got);
}
END_TEST

/* ---- the follow loop ------------------------------------------------------ */

struct loop_seen {
	gomem_buf text[2];
	int eof[2], ticks;
	int raise_on_tick;
};

static int loop_input(void *payload, size_t i, const uint8_t *data, size_t len, unsigned events)
{
	struct loop_seen *v = payload;

	ck_assert_uint_lt(i, 2);
	if (events & GOMEM_FOLLOW_EOF)
		v->eof[i]++;
	return gomem_buf_append(&v->text[i], data, len);
}

static int loop_tick(void *payload, double now)
{
	struct loop_seen *v = payload;

	(void)now;
	if (v->ticks++ == 0 && v->raise_on_tick)
		raise(v->raise_on_tick);
	return GOMEM_OK;
}

static gomem_follow_loop *loop_new(struct loop_seen *v, double tick)
{
	gomem_follow_loop_options o = GOMEM_FOLLOW_LOOP_OPTIONS_INIT;
	gomem_follow_loop *l;

	memset(v, 0, sizeof(*v));
	gomem_buf_init(&v->text[0], 1 << 20);
	gomem_buf_init(&v->text[1], 1 << 20);
	o.tick = tick;
	o.on_input = loop_input;
	o.on_tick = loop_tick;
	o.payload = v;
	ck_assert_int_eq(gomem_follow_loop_new(&l, &o), GOMEM_OK);
	return l;
}

/* A child and a file: the child's text and its end, the file's text (a
 * file never ends); with no child left, a quit signal ends the run. */
START_TEST(test_loop_inputs_and_ticks)
{
	char *argv[] = {"sh", "-c", "echo one >&2; echo two >&2", NULL};
	struct loop_seen v;
	gomem_follow_loop *l = loop_new(&v, 0.02);
	gomem_follow *child, *file;
	size_t idx;

	make_dir();
	write_file(path_in("a.log"), "w", "file text\n");
	ck_assert_int_eq(gomem_follow_spawn(&child, argv, NULL, 0, 1, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_loop_add(l, child, &idx), GOMEM_OK);
	ck_assert_uint_eq(idx, 0);
	ck_assert_int_eq(gomem_follow_open(&file, path_in("a.log"), 1, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_loop_add(l, file, &idx), GOMEM_OK);
	ck_assert_uint_eq(idx, 1);
	for (int i = 0; i < 500 && v.eof[0] == 0; i++)
		ck_assert_int_eq(gomem_follow_loop_step(l, 0.01), GOMEM_OK);
	ck_assert_str_eq(v.text[0].data, "one\ntwo\n");
	ck_assert_int_eq(v.eof[0], 1);
	ck_assert_str_eq(v.text[1].data, "file text\n");
	ck_assert_int_eq(v.eof[1], 0);
	ck_assert_uint_eq(gomem_follow_loop_open(l), 1);
	ck_assert_int_eq(gomem_follow_exit_status(gomem_follow_loop_input(l, 0)), 0);
	for (int i = 0; i < 500 && v.ticks == 0; i++)
		ck_assert_int_eq(gomem_follow_loop_step(l, 0.01), GOMEM_OK);
	ck_assert_int_ge(v.ticks, 1);
	/* No child left: a quit signal ends the run. */
	ck_assert_int_eq(gomem_signals_catch(), GOMEM_OK);
	v.ticks = 0;
	v.raise_on_tick = SIGTERM;
	ck_assert_int_eq(gomem_follow_loop_run(l), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_loop_signal(l), SIGTERM);
	gomem_follow_loop_free(l);
	gomem_buf_free(&v.text[0]);
	gomem_buf_free(&v.text[1]);
	remove_dir();
}
END_TEST

/* With a child running, SIGTERM is passed on to it and the loop goes on
 * until it ends: the child's status, not ours. */
START_TEST(test_loop_passes_signals_on)
{
	char *argv[] = {"sleep", "30", NULL};
	struct loop_seen v;
	gomem_follow_loop *l = loop_new(&v, 0.05);
	gomem_follow *child;
	time_t t0 = time(NULL);

	ck_assert_int_eq(gomem_signals_catch(), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_spawn(&child, argv, NULL, 0, 1, NULL), GOMEM_OK);
	ck_assert_int_eq(gomem_follow_loop_add(l, child, NULL), GOMEM_OK);
	v.raise_on_tick = SIGTERM;
	ck_assert_int_eq(gomem_follow_loop_run(l), GOMEM_OK);
	ck_assert_int_lt(time(NULL) - t0, 5);
	ck_assert_int_eq(gomem_follow_loop_signal(l), 0);
	ck_assert_int_eq(v.eof[0], 1);
	ck_assert_int_eq(gomem_follow_exit_status(child), 128 + SIGTERM);
	gomem_follow_loop_free(l);
	gomem_buf_free(&v.text[0]);
	gomem_buf_free(&v.text[1]);
}
END_TEST

Suite *suite_follow(void)
{
	Suite *s = suite_create("follow");
	TCase *files = tcase_create("files");
	TCase *procs = tcase_create("processes");
	TCase *merge = tcase_create("godebug");

	tcase_set_timeout(files, 30);
	tcase_add_test(files, test_append_from_start_and_end);
	tcase_add_test(files, test_truncate);
	tcase_add_test(files, test_rotate);
	tcase_add_test(files, test_deleted_then_replaced);
	tcase_add_test(files, test_not_yet_existing);
	tcase_add_test(files, test_open_errors);
	tcase_add_test(files, test_pipe_eof);
	tcase_set_timeout(procs, 30);
	tcase_add_test(procs, test_spawn_godebug);
	tcase_add_test(procs, test_spawn_status);
	tcase_add_test(procs, test_free_kills);
	tcase_add_test(procs, test_tee);
	tcase_add_test(procs, test_tee_epipe);
	tcase_add_test(procs, test_sigchld_ignored);
	tcase_add_test(procs, test_exit_while_stderr_held);
	tcase_add_test(procs, test_loop_inputs_and_ticks);
	tcase_add_test(procs, test_loop_passes_signals_on);
	tcase_add_loop_test(merge, test_godebug_merge, 0, (int)GOMEM_ARRAY_SIZE(merges));
	suite_add_tcase(s, files);
	suite_add_tcase(s, procs);
	suite_add_tcase(s, merge);
	return s;
}
