/* SPDX-License-Identifier: Apache-2.0 */
/* gomem — the dispatcher: `gomem TOOL ARGS...` runs gomem-TOOL, as git does.
 * Tools are looked up in GOMEM_EXEC_PATH (a colon-separated list, so it can
 * override), then beside this program (a build tree works uninstalled), then
 * in the install directory and PATH. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

static const struct {
	const char *name;
	const char *summary;
} tools[] = {
	{"heapdiff", "diff two Go heap profiles: which allocation sites grew"},
	{"gctrace", "GODEBUG=gctrace=1 logs: per-run GC statistics, events as CSV/JSON"},
	{"top", "live GC monitor over logs, pipes, child processes and pprof endpoints"},
	{"goroutines", "goroutine dumps: what they all do, grouped; what grew between two dumps"},
	{"escape", "compiler escape analysis: what moves to the heap, why, and what a change added"},
	{"sizeclass", "Go's size classes: what an object of N bytes really costs, per Go release"},
	{"allocsim", "replay an allocation stream through the allocator model: runtime/metrics heap classes"},
	{"heap", "heap explain: where a heap's bytes go beyond what the profile shows"},
	{"buildinfo", "a Go binary's Go version, modules and build settings, without Go installed"},
	{"addr2line", "symbolize PCs of a Go binary: function, file:line and inline chain"},
	{"layout", "struct layouts from a Go binary: padding, size-class waste, a better field order"},
	{"heapdump", "heap dumps marked as the GC marks: what retains the heap, paths from roots"},
	{"trace", "execution traces: what GC and the scheduler cost (pauses, MMU, latency), streamed"},
	{"snapshot", "one HTML page of a live service's memory: heap, diff, goroutines, leaks"},
	{"sched", "schedtrace/scheddetail logs: runnable backlog, busy Ps, threads, goroutines"},
	{"limits", "container memory limits, GOMEMLIMIT/GOGC advice, OOM-kill post-mortems"},
};

static void usage(FILE *fp)
{
	fprintf(fp, "Usage: gomem [--version] [--help] TOOL [ARGS...]\n"
		    "       gomem help TOOL\n\n"
		    "Memory diagnostics for Go programs.\n\nTools:\n");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		fprintf(fp, "  %-12s %s\n", tools[i].name, tools[i].summary);
	fprintf(fp, "\n'gomem TOOL --help' lists a tool's options; 'gomem help TOOL' shows its manual.\n"
		    "Exit status: 0 success, 1 a gate tripped (e.g. heapdiff --fail-above), 2 trouble.\n");
}

/* The directory this program runs from; a libtool build keeps the real
 * binary in .libs/, and the tool wrappers sit one level up. */
static int self_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	if ((slash = strrchr(buf, '/')) != NULL && strcmp(slash, "/.libs") == 0)
		*slash = '\0';
	return 0;
}

static void try_exec_in(const char *dir, const char *prog, char **argv)
{
	char path[PATH_MAX];

	if (dir == NULL || dir[0] == '\0')
		return;
	if (snprintf(path, sizeof(path), "%s/%s", dir, prog) >= (int)sizeof(path))
		return;
	if (access(path, X_OK) == 0)
		execv(path, argv);
}

static void try_exec_in_list(const char *list, const char *prog, char **argv)
{
	char dir[PATH_MAX];

	while (list && *list) {
		size_t n = strcspn(list, ":");

		if (n > 0 && n < sizeof(dir)) {
			memcpy(dir, list, n);
			dir[n] = '\0';
			try_exec_in(dir, prog, argv);
		}
		list += n + (list[n] == ':');
	}
}

static int valid_tool_name(const char *tool)
{
	if (tool[0] == '\0' || tool[0] == '-' || strchr(tool, '/') || strlen(tool) > 64) {
		cli_errorf("'%s' is not a gomem tool", tool);
		cli_hintf("see 'gomem --help' for the list");
		return 0;
	}
	return 1;
}

static int run_tool(const char *tool, char **argv)
{
	char prog[256], dir[PATH_MAX];

	if (!valid_tool_name(tool))
		return EXIT_TROUBLE;
	snprintf(prog, sizeof(prog), "gomem-%s", tool);
	argv[0] = prog;
	try_exec_in_list(getenv("GOMEM_EXEC_PATH"), prog, argv);
	if (self_dir(dir, sizeof(dir)) == 0)
		try_exec_in(dir, prog, argv);
	try_exec_in(GOMEM_LIBEXECDIR, prog, argv);
	execvp(prog, argv);
	if (errno == ENOENT) {
		cli_errorf("'%s' is not a gomem tool", tool);
		cli_hintf("see 'gomem --help' for the list");
	} else {
		cli_errorf("cannot run %s: %s", prog, strerror(errno));
	}
	return EXIT_TROUBLE;
}

/* gomem help TOOL: the man page — from the source tree when this gomem runs
 * uninstalled from its build tree — else the tool's --help when there is no
 * man. */
static int help(const char *tool)
{
	char page[256], local[PATH_MAX], dir[PATH_MAX];
	char *man_argv[] = {"man", page, NULL};
	char *help_argv[] = {NULL, "--help", NULL};

	if (!valid_tool_name(tool))
		return EXIT_TROUBLE;
	snprintf(page, sizeof(page), "gomem-%s", tool);
	if (self_dir(dir, sizeof(dir)) == 0 && strcmp(dir, GOMEM_LIBEXECDIR) != 0 &&
	    snprintf(local, sizeof(local), "%s/%s.1", GOMEM_SRC_MANDIR, page) < (int)sizeof(local) &&
	    access(local, R_OK) == 0) {
		char *local_argv[] = {"man", "-l", local, NULL};

		execvp("man", local_argv);
	}
	execvp("man", man_argv);
	return run_tool(tool, help_argv);
}

int main(int argc, char **argv)
{
	cli_set_name("gomem");
	if (argc < 2) {
		usage(stderr);
		return EXIT_TROUBLE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("gomem %s\n", gomem_version());
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return EXIT_OK;
		}
		return help(argv[2]);
	}
	if (argv[1][0] == '-') {
		cli_errorf("unknown option %s", argv[1]);
		cli_hintf("try 'gomem --help'");
		return EXIT_TROUBLE;
	}
	return run_tool(argv[1], argv + 1);
}
