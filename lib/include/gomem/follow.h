/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/follow.h — reading inputs that grow: a log file followed like
 * `tail -F` (it survives rotation and truncation, and may not exist yet), a
 * pipe or stdin read without blocking, and a child process whose stderr
 * (where the Go runtime writes gctrace) is captured. All are polled: a read
 * returns what arrived since the last one, or nothing, never blocks. */
#ifndef GOMEM_FOLLOW_H
#define GOMEM_FOLLOW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gomem/common.h"
#include "gomem/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_follow gomem_follow;

enum {
	GOMEM_FOLLOW_TRUNCATED = 1 << 0, /* the file shrank: reading went back to its start */
	GOMEM_FOLLOW_ROTATED = 1 << 1,   /* a new file took the path: the old one was finished first */
	GOMEM_FOLLOW_EOF = 1 << 2,       /* a pipe closed, a child ended: nothing more will come */
	GOMEM_FOLLOW_ERROR = 1 << 3      /* (the loop's, with EOF) reading failed: gomem_follow_error */
};

/* PATH "-" is stdin. A regular file is read from its start when FROM_START,
 * else from its current end; one that does not exist yet is waited for. */
GOMEM_API int gomem_follow_open(gomem_follow **out, const char *path, int from_start,
				gomem_error *err);
/* Starts ARGV[0] (searched in PATH) with ADD_GODEBUG (e.g. "gctrace=1") merged
 * into its GODEBUG, keeping the other settings there; the child's stderr is
 * captured (and copied to our stderr, byte for byte, when TEE_STDERR), its
 * stdout and stdin are inherited unless QUIET (then /dev/null).
 * SIGCHLD is set back to its default action first when it was ignored (or
 * had SA_NOCLDWAIT): a child the kernel reaps for us could neither be
 * waited for nor safely signalled. Its stream ends (GOMEM_FOLLOW_EOF) when
 * the child has exited and what its stderr pipe held is read, not when the
 * pipe closes: a process it left behind may keep that open. */
GOMEM_API int gomem_follow_spawn(gomem_follow **out, char *const argv[], const char *add_godebug,
				 int tee_stderr, int quiet, gomem_error *err);
/* What arrived since the last read: *len 0 when nothing did. Valid until the
 * next call. */
GOMEM_API int gomem_follow_read(gomem_follow *f, const uint8_t **data, size_t *len);
/* GOMEM_FOLLOW_* bits seen since the last call (and cleared). */
GOMEM_API unsigned gomem_follow_events(gomem_follow *f);
/* A descriptor to poll(2) for input, or -1 (regular files are polled by time;
 * a pipe or child is -1 once it has ended, so a poll loop cannot spin on it). */
GOMEM_API int gomem_follow_fd(const gomem_follow *f);
/* Child sources: its pid (-1 once reaped), and its exit status once it has
 * ended (0-255, or 128 + signal; GOMEM_FOLLOW_STATUS_LOST when something
 * else reaped it first); -1 while it runs. Reaps without blocking. */
#define GOMEM_FOLLOW_STATUS_LOST 256
GOMEM_API pid_t gomem_follow_pid(const gomem_follow *f);
GOMEM_API int gomem_follow_exit_status(gomem_follow *f);
/* Sends SIG to the child while it is ours to signal: started by F, and not
 * yet reaped (so its pid is no one else's). GOMEM_E_INVALID, and nothing
 * sent, for anything else: never a pid <= 0. */
GOMEM_API int gomem_follow_kill(gomem_follow *f, int sig);
GOMEM_API const char *gomem_follow_name(const gomem_follow *f);
GOMEM_API const gomem_error *gomem_follow_error(const gomem_follow *f);
/* Closes; a child still running is sent SIGTERM and reaped. */
GOMEM_API void gomem_follow_free(gomem_follow *f);

/* ---- the follow loop -------------------------------------------------------------- */

/* What `gomem gctrace --follow` and `-- COMMAND` run, and the tools with the
 * same options reuse: inputs read as they grow (pipes and children waited
 * on, files polled by time, a child's exit noticed while something it left
 * behind still holds its stderr), a tick at a fixed rate, other descriptors
 * served in the same wait (a listen socket), and the quit signals. */
typedef struct gomem_follow_loop gomem_follow_loop;

/* LEN bytes of input INDEX, after EVENTS (GOMEM_FOLLOW_TRUNCATED or
 * ROTATED: the text starts over, end any line the old text left open).
 * At its end, once, LEN 0 and GOMEM_FOLLOW_EOF (| GOMEM_FOLLOW_ERROR when
 * reading failed). A return other than GOMEM_OK ends the loop with it. */
typedef int (*gomem_follow_input_fn)(void *payload, size_t index, const uint8_t *data, size_t len,
				     unsigned events);
typedef int (*gomem_follow_tick_fn)(void *payload, double now);
typedef int (*gomem_follow_fd_fn)(void *payload, int fd, short revents);

typedef struct gomem_follow_loop_options {
	unsigned int version;            /* GOMEM_FOLLOW_LOOP_OPTIONS_VERSION */
	double tick;                     /* seconds between on_tick calls; 0: none */
	gomem_follow_input_fn on_input;  /* required */
	gomem_follow_tick_fn on_tick;    /* may be NULL; NOW is CLOCK_MONOTONIC seconds */
	void *payload;
} gomem_follow_loop_options;

#define GOMEM_FOLLOW_LOOP_OPTIONS_VERSION 1
#define GOMEM_FOLLOW_LOOP_OPTIONS_INIT {GOMEM_FOLLOW_LOOP_OPTIONS_VERSION, 0, NULL, NULL, NULL}

GOMEM_API int gomem_follow_loop_new(gomem_follow_loop **out, const gomem_follow_loop_options *opts);
/* Frees the inputs too (children still running are stopped, see
 * gomem_follow_free). */
GOMEM_API void gomem_follow_loop_free(gomem_follow_loop *l);
/* Adds F, which the loop then owns; *INDEX (may be NULL) is the number the
 * callbacks know it by (0, 1, ... in order). */
GOMEM_API int gomem_follow_loop_add(gomem_follow_loop *l, gomem_follow *f, size_t *index);
/* Also waits for FD (poll(2) EVENTS): FN is called when it is ready. */
GOMEM_API int gomem_follow_loop_add_fd(gomem_follow_loop *l, int fd, short events,
				       gomem_follow_fd_fn fn, void *payload);
GOMEM_API gomem_follow *gomem_follow_loop_input(const gomem_follow_loop *l, size_t index);
/* Inputs that have not ended yet. */
GOMEM_API size_t gomem_follow_loop_open(const gomem_follow_loop *l);
/* Runs until every input has ended, a callback ends it (its code is
 * returned), or a quit signal caught by gomem_signals_catch arrives. With a
 * child running, SIGTERM and SIGHUP are passed on to it (SIGINT it had from
 * the terminal) and the loop goes on until it ends; without, the signal
 * ends the loop (gomem_follow_loop_signal says which). */
GOMEM_API int gomem_follow_loop_run(gomem_follow_loop *l);
/* One round of run: waits at most MAX_WAIT seconds, reads every input
 * (a bounded amount each, so one busy log cannot starve the others),
 * serves the descriptors and ticks when due. No signal handling. */
GOMEM_API int gomem_follow_loop_step(gomem_follow_loop *l, double max_wait);
/* Calls on_tick now (a last summary at the end). */
GOMEM_API int gomem_follow_loop_tick(gomem_follow_loop *l);
/* The quit signal that ended run; 0 when it ended otherwise. */
GOMEM_API int gomem_follow_loop_signal(const gomem_follow_loop *l);

/* ---- quit signals ------------------------------------------------------------------- */

/* Catches SIGINT, SIGTERM and SIGHUP into a flag, without SA_RESTART so
 * that a wait is cut short. */
GOMEM_API int gomem_signals_catch(void);
/* The last quit signal caught, cleared; 0 when none. */
GOMEM_API int gomem_signals_take(void);
/* Dies of SIG as its default action would (after the terminal and the
 * children are dealt with), so a shell sees 128+SIG; nothing for SIG <= 0. */
GOMEM_API void gomem_signals_reraise(int sig);

/* GODEBUG with ADD merged in: settings of ADD replace the same keys of
 * EXISTING ("madvdontneed=1,gctrace=0" + "gctrace=1" -> "madvdontneed=1,gctrace=1").
 * *out is freed with gomem_free. */
GOMEM_API int gomem_godebug_merge(char **out, const char *existing, const char *add);

#ifdef __cplusplus
}
#endif
#endif
