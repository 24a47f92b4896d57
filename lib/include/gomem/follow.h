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
	GOMEM_FOLLOW_EOF = 1 << 2        /* a pipe or child closed: nothing more will come */
};

/* PATH "-" is stdin. A regular file is read from its start when FROM_START,
 * else from its current end; one that does not exist yet is waited for. */
GOMEM_API int gomem_follow_open(gomem_follow **out, const char *path, int from_start,
				gomem_error *err);
/* Starts ARGV[0] (searched in PATH) with ADD_GODEBUG (e.g. "gctrace=1") merged
 * into its GODEBUG, keeping the other settings there; the child's stderr is
 * captured (and copied to our stderr, byte for byte, when TEE_STDERR), its
 * stdout and stdin are inherited unless QUIET (then /dev/null). */
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
/* Child sources: its pid, and after EOF its exit status (0-255, or 128 +
 * signal) once it has ended; -1 while it runs. Reaps without blocking. */
GOMEM_API pid_t gomem_follow_pid(const gomem_follow *f);
GOMEM_API int gomem_follow_exit_status(gomem_follow *f);
GOMEM_API const char *gomem_follow_name(const gomem_follow *f);
GOMEM_API const gomem_error *gomem_follow_error(const gomem_follow *f);
/* Closes; a child still running is sent SIGTERM and reaped. */
GOMEM_API void gomem_follow_free(gomem_follow *f);

/* GODEBUG with ADD merged in: settings of ADD replace the same keys of
 * EXISTING ("madvdontneed=1,gctrace=0" + "gctrace=1" -> "madvdontneed=1,gctrace=1").
 * *out is freed with gomem_free. */
GOMEM_API int gomem_godebug_merge(char **out, const char *existing, const char *add);

#ifdef __cplusplus
}
#endif
#endif
