/* SPDX-License-Identifier: Apache-2.0 */
/* escape_run.c — `gomem escape --run`: the compiler run in the current
 * directory with -gcflags=-m=2, its output into a temporary file that the
 * text parser then reads. The user's build cache is used unless a cold one
 * is asked for: -gcflags is part of each compile action's key, so a cache
 * hit replays the text of the same compile (cmd/go stores it as printed,
 * paths relative to where that build ran; identities do not depend on it,
 * see escape.h). The cold cache is a new directory, removed afterwards. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "escape/escape-internal.h"

extern char **environ;

#define MAX_ARGS 256

/* Removes the tree at PATH; go marks cache files read-only, so directories
 * are made writable first. Depth-bounded; never follows symbolic links. */
static void remove_tree(const char *path, int depth)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode) || depth > 32) {
		unlink(path);
		return;
	}
	chmod(path, st.st_mode | S_IWUSR | S_IXUSR | S_IRUSR);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char sub[PATH_MAX];

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    (size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub))
				continue;
			remove_tree(sub, depth + 1);
		}
		closedir(d);
	}
	rmdir(path);
}

/* The go command's arguments: build (or test) with -gcflags=-m=2. */
static size_t build_argv(char **argv, const char *go, const gomem_escape_run_options *ro)
{
	static char build[] = "build", test[] = "test", count[] = "-count=1", run[] = "-run=^$",
		    o[] = "-o", null[] = "/dev/null", gcflags[] = "-gcflags=-m=2", all[] = "./...";
	size_t n = 0;

	argv[n++] = (char *)go;
	if (ro->tests) {
		argv[n++] = test;
		argv[n++] = count;
		argv[n++] = run;
	} else {
		argv[n++] = build;
		argv[n++] = o;
		argv[n++] = null;
	}
	argv[n++] = gcflags;
	if (ro->args)
		for (char *const *a = ro->args; *a && n < MAX_ARGS - 1; a++)
			argv[n++] = *a;
	else
		argv[n++] = all;
	argv[n] = NULL;
	return n;
}

/* The environment with GOCACHE=CACHE in place of any GOCACHE (malloc'd
 * array of borrowed strings but the new one, which is ENTRY). */
static char **env_with_cache(const char *cache, char *entry, size_t size)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	if (!(env = malloc((n + 2) * sizeof(*env))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GOCACHE=", 8) != 0)
			env[k++] = environ[i];
	snprintf(entry, size, "GOCACHE=%s", cache);
	env[k++] = entry;
	env[k] = NULL;
	return env;
}

/* Runs ARGV with its stdout and stderr into LOG and GOCACHE set to CACHE
 * (NULL: as it is); *status its exit status. */
static int spawn_go(char **argv, const char *log, const char *cache, int *status, gomem_error *err)
{
	posix_spawn_file_actions_t fa;
	char entry[PATH_MAX + 16], **env = environ;
	pid_t pid;
	int fd, rc;

	if (cache && !(env = env_with_cache(cache, entry, sizeof(entry))))
		return gomem_error_set(err, GOMEM_E_NOMEM, "%s", gomem_strerror(GOMEM_E_NOMEM));
	if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		rc = gomem_error_set(err, GOMEM_E_IO, "%s: %s", log, strerror(errno));
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(fd);
		rc = gomem_error_set(err, GOMEM_E_NOMEM, "%s", gomem_strerror(GOMEM_E_NOMEM));
		goto out;
	}
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fd, STDERR_FILENO);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	close(fd);
	if (rc != 0) {
		rc = gomem_error_set(err, GOMEM_E_IO, "cannot run %s: %s", argv[0], strerror(rc));
		goto out;
	}
	while ((rc = waitpid(pid, status, 0)) < 0 && errno == EINTR)
		;
	rc = rc < 0 ? gomem_error_set(err, GOMEM_E_IO, "waiting for %s: %s", argv[0], strerror(errno)) : GOMEM_OK;
out:
	if (env != environ)
		free(env);
	return rc;
}

int gomem_escape_run(gomem_escape_set **out, int *status, const gomem_escape_run_options *ro,
		     const gomem_escape_options *opts, gomem_error *err)
{
	static const gomem_escape_run_options defaults = GOMEM_ESCAPE_RUN_OPTIONS_INIT;
	const char *go, *tmpdir;
	char dir[PATH_MAX], cache[PATH_MAX], log[PATH_MAX];
	char *argv[MAX_ARGS];
	int rc;

	*out = NULL;
	*status = 0;
	ro = ro ? ro : &defaults;
	if (ro->version != GOMEM_ESCAPE_RUN_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "%s", gomem_strerror(GOMEM_E_INVALID));
	go = ro->go && *ro->go ? ro->go : getenv("GO") && *getenv("GO") ? getenv("GO") : "go";
	tmpdir = ro->tmpdir && *ro->tmpdir ? ro->tmpdir : getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	if ((size_t)snprintf(dir, sizeof(dir), "%s/gomem-escape.XXXXXX", tmpdir) >= sizeof(dir) || !mkdtemp(dir))
		return gomem_error_set(err, GOMEM_E_IO, "cannot make a temporary directory in %s: %s", tmpdir,
				       strerror(errno));
	if ((size_t)snprintf(cache, sizeof(cache), "%.*s/gocache", PATH_MAX - 16, dir) >= sizeof(cache) ||
	    (size_t)snprintf(log, sizeof(log), "%.*s/m2.txt", PATH_MAX - 16, dir) >= sizeof(log)) {
		remove_tree(dir, 0);
		return gomem_error_set(err, GOMEM_E_INVALID, "%s: path too long", dir);
	}
	build_argv(argv, go, ro);
	if ((rc = spawn_go(argv, log, ro->cold_cache ? cache : NULL, status, err)) >= 0) {
		*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
		rc = gomem_escape_read(out, log, opts, err);
	}
	remove_tree(dir, 0);
	return rc;
}
