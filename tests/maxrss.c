/* SPDX-License-Identifier: Apache-2.0 */
/* maxrss.c — runs a command and prints its peak resident set size in KiB
 * on standard error ("maxrss N"), with the command's exit status (128+N
 * when a signal ended it): the check scripts' memory ceilings, without
 * depending on GNU time. Built by the scripts with $CC. */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: maxrss COMMAND [ARG...]\n", stderr);
		return 2;
	}
	if ((pid = fork()) < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("wait4");
			return 2;
		}
	}
	fprintf(stderr, "maxrss %ld\n", ru.ru_maxrss);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
