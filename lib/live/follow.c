/* SPDX-License-Identifier: Apache-2.0 */
/* follow.c — inputs that grow, read by polling: a file followed like
 * `tail -F`, a pipe or stdin read without blocking, and a child process
 * whose stderr is captured (and optionally copied through to ours). Every
 * read goes through one fixed buffer, so following costs the same memory
 * whatever the input's size. POSIX only: files are polled by time (no
 * inotify), a rotation is a new inode at the path. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gomem-internal.h"

extern char **environ;

#define FOLLOW_BUF ((size_t)64 * 1024)
#define TERM_GRACE_MS 1000 /* SIGTERM, then SIGKILL after this */
#define TEE_STALL_MS 5000  /* at the end, wait this long for a stuck stderr */
/* After the child exits, what its stderr pipe still holds is read, up to
 * this much: a pipe holds at most 1 MiB, and a process the child left
 * behind, still writing to it, must not keep us reading for ever. */
#define EXIT_DRAIN_MAX ((size_t)4 << 20)

enum follow_kind { KIND_FILE, KIND_PIPE, KIND_CHILD };

struct gomem_follow {
	enum follow_kind kind;
	char *name;
	gomem_error err;
	unsigned events;
	uint8_t buf[FOLLOW_BUF];

	/* files */
	char *path;
	int fd;              /* -1: the path does not exist (yet) */
	dev_t dev;
	ino_t ino;
	off_t pos;

	/* pipes and children */
	int eof;
	int restore_flags;   /* stdin: the file status flags to put back */
	int saved_flags;

	/* children */
	pid_t pid;           /* -1 once reaped: never signalled then */
	int status;          /* -1 until reaped */
	int exited;          /* reaped: the pipe is drained, then ends */
	size_t drained;      /* bytes read from the pipe since */
	int tee;
	uint8_t tee_buf[FOLLOW_BUF]; /* bytes read but not yet written to our stderr */
	size_t tee_len;
};

static int follow_new(gomem_follow **out, enum follow_kind kind, const char *name)
{
	gomem_follow *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (f == NULL || (f->name = strdup(name)) == NULL) {
		free(f);
		return GOMEM_E_NOMEM;
	}
	f->kind = kind;
	f->fd = -1;
	f->pid = -1;
	f->status = -1;
	gomem_error_set_source(&f->err, name);
	*out = f;
	return GOMEM_OK;
}

static int set_flag(int fd, int cmd_get, int cmd_set, int flag)
{
	int flags = fcntl(fd, cmd_get);

	return flags < 0 ? -1 : fcntl(fd, cmd_set, flags | flag);
}

/* ---- files ----------------------------------------------------------------- */

/* Opens the file at the path, if there is one: 1 opened, 0 not there. */
static int file_attach(gomem_follow *f)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return 0;
	}
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->pos = 0;
	return 1;
}

static int file_open(gomem_follow *f, int from_start)
{
	struct stat st;

	if (!file_attach(f)) {
		/* Waiting for a path that does not exist yet is the point of
		 * -F; a path we may never read is an error now. */
		if (errno == ENOENT)
			return GOMEM_OK;
		return gomem_error_set(&f->err, GOMEM_E_IO, "%s", strerror(errno));
	}
	if (fstat(f->fd, &st) == 0 && S_ISDIR(st.st_mode))
		return gomem_error_set(&f->err, GOMEM_E_IO, "%s", strerror(EISDIR));
	if (!from_start && S_ISREG(st.st_mode)) {
		f->pos = lseek(f->fd, 0, SEEK_END);
		if (f->pos < 0)
			f->pos = 0;
	}
	return GOMEM_OK;
}

/* A new inode at the path means the file was rotated; a path gone means
 * it was deleted, and the open file is read on until something replaces it. */
static int path_replaced(const gomem_follow *f)
{
	struct stat st;

	if (stat(f->path, &st) != 0)
		return 0;
	return st.st_dev != f->dev || st.st_ino != f->ino;
}

static int file_read_fd(gomem_follow *f, size_t *len)
{
	ssize_t n;

	do
		n = read(f->fd, f->buf, sizeof(f->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		n = 0;
	if (n < 0)
		return gomem_error_set(&f->err, GOMEM_E_IO, "read: %s", strerror(errno));
	f->pos += n;
	*len = (size_t)n;
	return GOMEM_OK;
}

static int file_read(gomem_follow *f, size_t *len)
{
	struct stat st;
	int rc;

	if (f->fd < 0 && !file_attach(f))
		return GOMEM_OK;
	if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < f->pos) {
		lseek(f->fd, 0, SEEK_SET);
		f->pos = 0;
		f->events |= GOMEM_FOLLOW_TRUNCATED;
	}
	if ((rc = file_read_fd(f, len)) != GOMEM_OK || *len > 0 || !path_replaced(f))
		return rc;
	/* The old file is at its end, but a writer may have added to it
	 * between that read and the stat: read once more before letting go. */
	if ((rc = file_read_fd(f, len)) != GOMEM_OK || *len > 0)
		return rc;
	close(f->fd);
	f->fd = -1;
	f->events |= GOMEM_FOLLOW_ROTATED;
	if (!file_attach(f))
		return GOMEM_OK;
	return file_read_fd(f, len);
}

GOMEM_API int gomem_follow_open(gomem_follow **out, const char *path, int from_start,
				gomem_error *err)
{
	int stdin_ = strcmp(path, "-") == 0;
	gomem_follow *f;
	int rc;

	if (out == NULL || path == NULL)
		return gomem_error_set(err, GOMEM_E_INVALID, "gomem_follow_open: no path");
	if ((rc = follow_new(&f, stdin_ ? KIND_PIPE : KIND_FILE, stdin_ ? "<stdin>" : path)) != GOMEM_OK)
		return gomem_error_set(err, rc, "out of memory");
	if (stdin_) {
		/* O_NONBLOCK lands on the open file description that fd 0
		 * shares: note the flags to put them back in free. */
		f->saved_flags = fcntl(STDIN_FILENO, F_GETFL);
		f->fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
		if (f->fd < 0 || f->saved_flags < 0 ||
		    fcntl(f->fd, F_SETFL, f->saved_flags | O_NONBLOCK) < 0)
			rc = gomem_error_set(&f->err, GOMEM_E_IO, "%s", strerror(errno));
		else
			f->restore_flags = 1;
	} else if ((f->path = strdup(path)) == NULL) {
		rc = gomem_error_set(&f->err, GOMEM_E_NOMEM, "out of memory");
	} else {
		rc = file_open(f, from_start);
	}
	if (rc != GOMEM_OK) {
		gomem_error_copy(err, &f->err);
		gomem_follow_free(f);
		return rc;
	}
	*out = f;
	return GOMEM_OK;
}

/* ---- pipes and children ------------------------------------------------------ */

static int pipe_read(gomem_follow *f, size_t *len)
{
	ssize_t n;

	if (f->fd < 0)
		return GOMEM_OK;
	do
		n = read(f->fd, f->buf, sizeof(f->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return GOMEM_OK;
	if (n < 0)
		return gomem_error_set(&f->err, GOMEM_E_IO, "read: %s", strerror(errno));
	if (n == 0) {
		/* Closed for good: nothing to poll any more. */
		close(f->fd);
		f->fd = -1;
		f->eof = 1;
		f->events |= GOMEM_FOLLOW_EOF;
	}
	*len = (size_t)n;
	return GOMEM_OK;
}

/* One write to our stderr with SIGPIPE held back: a reader of our stderr
 * that went away must cost the copy, not the process. */
static ssize_t write_nosigpipe(const void *data, size_t len)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = {0, 0};
	int was_pending, saved;
	ssize_t n;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	n = write(STDERR_FILENO, data, len);
	saved = errno;
	if (n < 0 && saved == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return n;
}

/* Writes what the tee holds. WAIT_MS > 0 waits that long for a stderr
 * that would block (the end, where nothing may be left behind); 0 gives up
 * at once and keeps the rest for next time. */
static void tee_flush(gomem_follow *f, int wait_ms)
{
	size_t done = 0;

	while (done < f->tee_len) {
		ssize_t n = write_nosigpipe(f->tee_buf + done, f->tee_len - done);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = {STDERR_FILENO, POLLOUT, 0};

			if (wait_ms > 0 && poll(&p, 1, wait_ms) > 0)
				continue;
			break;
		}
		/* EPIPE or worse: nobody reads our stderr any more. */
		f->tee = 0;
		done = f->tee_len;
	}
	memmove(f->tee_buf, f->tee_buf + done, f->tee_len - done);
	f->tee_len -= done;
}

static int reap(gomem_follow *f, int options);

/* The child's stream ends when the child does, not when its stderr pipe
 * closes (a process it left in the background may hold that open for
 * hours): once it is reaped, what the pipe holds is read, then EOF. */
static int child_pipe_read(gomem_follow *f, size_t *len)
{
	int rc;

	if (!f->exited) {
		if ((rc = pipe_read(f, len)) != GOMEM_OK || *len > 0)
			return rc;
		/* A closed pipe is not the end of the child: it may run on
		 * with its stderr closed (then it is polled by time). */
		f->eof = 0;
		f->events &= ~(unsigned)GOMEM_FOLLOW_EOF;
		if (!reap(f, WNOHANG))
			return GOMEM_OK;
		f->exited = 1;
	}
	if (f->fd >= 0 && f->drained < EXIT_DRAIN_MAX) {
		if ((rc = pipe_read(f, len)) != GOMEM_OK)
			return rc;
		f->drained += *len;
		if (*len > 0)
			return GOMEM_OK;
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->eof = 1;
	f->events |= GOMEM_FOLLOW_EOF;
	return GOMEM_OK;
}

static int child_read(gomem_follow *f, size_t *len)
{
	int rc;

	if (f->tee && f->tee_len > 0) {
		tee_flush(f, 0);
		/* Our stderr is slow: leave the child's bytes in its pipe
		 * (it waits, as it would writing to a slow terminal) rather
		 * than hold more of them here. */
		if (f->tee_len > 0 && !f->exited)
			return GOMEM_OK;
		if (f->tee_len > 0)
			tee_flush(f, TEE_STALL_MS);
	}
	if ((rc = child_pipe_read(f, len)) != GOMEM_OK || !f->tee)
		return rc;
	memcpy(f->tee_buf, f->buf, *len);
	f->tee_len = *len;
	tee_flush(f, f->eof || f->exited ? TEE_STALL_MS : 0);
	return GOMEM_OK;
}

GOMEM_API int gomem_follow_read(gomem_follow *f, const uint8_t **data, size_t *len)
{
	int rc;

	if (data)
		*data = NULL;
	if (len)
		*len = 0;
	if (f == NULL || data == NULL || len == NULL)
		return GOMEM_E_INVALID;
	if (f->err.code != GOMEM_OK)
		return f->err.code;
	switch (f->kind) {
	case KIND_FILE: rc = file_read(f, len); break;
	case KIND_PIPE: rc = pipe_read(f, len); break;
	default: rc = child_read(f, len); break;
	}
	*data = f->buf;
	return rc;
}

/* ---- spawning ------------------------------------------------------------------ */

static int godebug_key_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *ea = memchr(a, '=', alen), *eb = memchr(b, '=', blen);
	size_t ka = ea ? (size_t)(ea - a) : alen, kb = eb ? (size_t)(eb - b) : blen;

	return ka == kb && memcmp(a, b, ka) == 0;
}

/* The item of LIST (comma-separated) with the key of ITEM, or NULL. */
static const char *godebug_find(const char *list, const char *item, size_t ilen, size_t *flen)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n > 0 && godebug_key_eq(p, n, item, ilen)) {
			*flen = n;
			return p;
		}
		p += n + (p[n] == ',');
	}
	return NULL;
}

static int godebug_append(gomem_buf *b, const char *item, size_t len)
{
	if (b->len > 0 && gomem_buf_append(b, ",", 1) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	return gomem_buf_append(b, item, len);
}

/* EXISTING's settings in their order, each key ADD also sets taking ADD's
 * value (its later repeats dropped: the runtime reads the last one), then
 * ADD's new keys in ADD's order. */
GOMEM_API int gomem_godebug_merge(char **out, const char *existing, const char *add)
{
	gomem_buf b;
	int rc = GOMEM_OK;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	existing = existing ? existing : "";
	add = add ? add : "";
	gomem_buf_init(&b, (size_t)1 << 20);
	for (const char *p = existing; *p && rc == GOMEM_OK;) {
		size_t n = strcspn(p, ","), alen, dlen;
		const char *a = n ? godebug_find(add, p, n, &alen) : NULL;

		if (n > 0 && a == NULL)
			rc = godebug_append(&b, p, n);
		else if (n > 0 && godebug_find(existing, p, n, &dlen) == p)
			rc = godebug_append(&b, a, alen);
		p += n + (p[n] == ',');
	}
	for (const char *p = add; *p && rc == GOMEM_OK;) {
		size_t n = strcspn(p, ","), dlen;

		if (n > 0 && godebug_find(existing, p, n, &dlen) == NULL &&
		    godebug_find(add, p, n, &dlen) == p)
			rc = godebug_append(&b, p, n);
		p += n + (p[n] == ',');
	}
	if (rc == GOMEM_OK)
		rc = gomem_buf_append(&b, "", 1);
	if (rc != GOMEM_OK) {
		gomem_buf_free(&b);
		return GOMEM_E_NOMEM;
	}
	*out = b.data;
	return GOMEM_OK;
}

/* The environment for the child: ours with GODEBUG replaced, built before
 * the fork so the child only assigns pointers. *ENTRY holds the new
 * "GODEBUG=..." string. */
static int child_environ(char ***envp, char **entry, const char *add)
{
	size_t n = 0, j = 0;
	char *merged;
	char **env;

	*envp = NULL;
	*entry = NULL;
	if (gomem_godebug_merge(&merged, getenv("GODEBUG"), add) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	*entry = malloc(strlen(merged) + sizeof("GODEBUG="));
	while (environ && environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (*entry == NULL || env == NULL) {
		free(merged);
		free(env);
		return GOMEM_E_NOMEM;
	}
	strcpy(*entry, "GODEBUG=");
	strcat(*entry, merged);
	free(merged);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GODEBUG=", 8) != 0)
			env[j++] = environ[i];
	env[j] = *entry;
	*envp = env;
	return GOMEM_OK;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child_exec(char *const argv[], char **envp, int err_w, int report_w, int quiet)
{
	struct sigaction dfl;
	sigset_t none;
	int e, null;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (quiet && (null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	if (err_w != STDERR_FILENO) {
		dup2(err_w, STDERR_FILENO);
		close(err_w);
	}
	environ = envp;
	execvp(argv[0], argv);
	e = errno;
	while (write(report_w, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}

/* What the child said about its exec: 0 it ran, else the errno. */
static int exec_result(int report_r)
{
	int e = 0;
	ssize_t n;

	do
		n = read(report_r, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(e) ? e : 0;
}

static int make_pipe(int fds[2])
{
	if (pipe(fds) != 0)
		return -1;
	set_flag(fds[0], F_GETFD, F_SETFD, FD_CLOEXEC);
	set_flag(fds[1], F_GETFD, F_SETFD, FD_CLOEXEC);
	return 0;
}

/* A child must be ours to wait for: with SIGCHLD ignored (or
 * SA_NOCLDWAIT) the kernel reaps it, waitpid fails, and its exit could be
 * neither seen nor told from a pid reused by a stranger. */
static void wait_for_children(void)
{
	struct sigaction sa;

	if (sigaction(SIGCHLD, NULL, &sa) != 0)
		return;
	if (sa.sa_handler == SIG_IGN) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
	} else if (sa.sa_flags & SA_NOCLDWAIT) {
		sa.sa_flags &= ~SA_NOCLDWAIT;
	} else {
		return;
	}
	sigaction(SIGCHLD, &sa, NULL);
}

static int spawn(gomem_follow *f, char *const argv[], const char *add, int quiet)
{
	int errp[2], report[2], e, status;
	char **envp, *entry;
	pid_t pid;

	if (child_environ(&envp, &entry, add) != GOMEM_OK)
		return gomem_error_set(&f->err, GOMEM_E_NOMEM, "out of memory");
	if (make_pipe(errp) != 0) {
		free(envp);
		free(entry);
		return gomem_error_set(&f->err, GOMEM_E_IO, "pipe: %s", strerror(errno));
	}
	if (make_pipe(report) != 0) {
		e = errno;
		close(errp[0]);
		close(errp[1]);
		free(envp);
		free(entry);
		return gomem_error_set(&f->err, GOMEM_E_IO, "pipe: %s", strerror(e));
	}
	wait_for_children();
	pid = fork();
	if (pid == 0)
		child_exec(argv, envp, errp[1], report[1], quiet);
	e = errno;
	free(envp);
	free(entry);
	close(errp[1]);
	close(report[1]);
	if (pid < 0) {
		close(errp[0]);
		close(report[0]);
		return gomem_error_set(&f->err, GOMEM_E_IO, "fork: %s", strerror(e));
	}
	f->fd = errp[0];
	f->pid = pid;
	set_flag(f->fd, F_GETFL, F_SETFL, O_NONBLOCK);
	e = exec_result(report[0]);
	close(report[0]);
	if (e != 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		f->pid = -1;
		return gomem_error_set(&f->err, e == ENOENT ? GOMEM_E_NOTFOUND : GOMEM_E_IO,
				       "%s", strerror(e));
	}
	return GOMEM_OK;
}

GOMEM_API int gomem_follow_spawn(gomem_follow **out, char *const argv[], const char *add_godebug,
				 int tee_stderr, int quiet, gomem_error *err)
{
	gomem_follow *f;
	int rc;

	if (out)
		*out = NULL;
	if (out == NULL || argv == NULL || argv[0] == NULL)
		return gomem_error_set(err, GOMEM_E_INVALID, "gomem_follow_spawn: no command");
	if ((rc = follow_new(&f, KIND_CHILD, argv[0])) != GOMEM_OK)
		return gomem_error_set(err, rc, "out of memory");
	f->tee = tee_stderr;
	if ((rc = spawn(f, argv, add_godebug ? add_godebug : "", quiet)) != GOMEM_OK) {
		gomem_error_copy(err, &f->err);
		gomem_follow_free(f);
		return rc;
	}
	*out = f;
	return GOMEM_OK;
}

/* ---- state ------------------------------------------------------------------------ */

GOMEM_API unsigned gomem_follow_events(gomem_follow *f)
{
	unsigned ev;

	if (f == NULL)
		return 0;
	ev = f->events;
	f->events = 0;
	return ev;
}

GOMEM_API int gomem_follow_fd(const gomem_follow *f)
{
	return f && f->kind != KIND_FILE ? f->fd : -1;
}

GOMEM_API pid_t gomem_follow_pid(const gomem_follow *f)
{
	return f && f->kind == KIND_CHILD ? f->pid : -1;
}

static int decode_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/* 1 reaped (status recorded), 0 still running. */
static int reap(gomem_follow *f, int options)
{
	int status;
	pid_t r;

	if (f->pid < 0)
		return 1;
	do
		r = waitpid(f->pid, &status, options);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 0;
	/* ECHILD: someone reaped it before us (SIGCHLD was ignored when it
	 * ended): it is gone, with its status. */
	f->status = r == f->pid ? decode_status(status) : GOMEM_FOLLOW_STATUS_LOST;
	f->pid = -1;
	return 1;
}

GOMEM_API int gomem_follow_kill(gomem_follow *f, int sig)
{
	/* Only a child we still hold: before it is reaped its pid cannot be
	 * anyone else's; after, or for -1, kill(2) would reach strangers. */
	if (f == NULL || f->kind != KIND_CHILD || f->pid <= 0 || reap(f, WNOHANG))
		return GOMEM_E_INVALID;
	return kill(f->pid, sig) == 0 ? GOMEM_OK : GOMEM_E_IO;
}

GOMEM_API int gomem_follow_exit_status(gomem_follow *f)
{
	if (f == NULL || f->kind != KIND_CHILD)
		return -1;
	reap(f, WNOHANG);
	return f->status;
}

GOMEM_API const char *gomem_follow_name(const gomem_follow *f)
{
	return f ? f->name : NULL;
}

GOMEM_API const gomem_error *gomem_follow_error(const gomem_follow *f)
{
	return f ? &f->err : NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* SIGTERM, a short grace to exit cleanly, then SIGKILL; always reaped. */
static void stop_child(gomem_follow *f)
{
	if (gomem_follow_kill(f, SIGTERM) != GOMEM_OK)
		return;
	for (int waited = 0; waited < TERM_GRACE_MS; waited += 10) {
		if (reap(f, WNOHANG))
			return;
		sleep_ms(10);
	}
	if (gomem_follow_kill(f, SIGKILL) == GOMEM_OK)
		reap(f, 0);
}

GOMEM_API void gomem_follow_free(gomem_follow *f)
{
	if (f == NULL)
		return;
	if (f->kind == KIND_CHILD) {
		if (f->tee)
			tee_flush(f, TEE_STALL_MS);
		stop_child(f);
	}
	if (f->restore_flags)
		fcntl(STDIN_FILENO, F_SETFL, f->saved_flags);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->name);
	free(f);
}
