/* SPDX-License-Identifier: Apache-2.0 */
/* standalone_driver.c — replays the fuzz corpus through every harness
 * without libFuzzer (libgit2's fuzzers/standalone_driver.c idea), so
 * `make check` runs each input that ever found a bug, under the sanitizers
 * when CI builds with them. `replay TARGET FILE...` runs given files. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pprof_fuzz_one(const uint8_t *data, size_t size);
int heapprof_fuzz_one(const uint8_t *data, size_t size);
int gctrace_fuzz_one(const uint8_t *data, size_t size);
int goroutine_fuzz_one(const uint8_t *data, size_t size);
int escape_fuzz_one(const uint8_t *data, size_t size);
int allocsim_fuzz_one(const uint8_t *data, size_t size);
int buildinfo_fuzz_one(const uint8_t *data, size_t size);
int pclntab_fuzz_one(const uint8_t *data, size_t size);
int layout_fuzz_one(const uint8_t *data, size_t size);
int whatif_fuzz_one(const uint8_t *data, size_t size);
int heapdump_fuzz_one(const uint8_t *data, size_t size);
int trace_fuzz_one(const uint8_t *data, size_t size);
int svg_fuzz_one(const uint8_t *data, size_t size);
int sched_fuzz_one(const uint8_t *data, size_t size);
int oom_fuzz_one(const uint8_t *data, size_t size);

static const struct {
	const char *name;
	int (*run)(const uint8_t *, size_t);
} targets[] = {
	{"pprof", pprof_fuzz_one},
	{"heapprof", heapprof_fuzz_one},
	{"gctrace", gctrace_fuzz_one},
	{"goroutine", goroutine_fuzz_one},
	{"escape", escape_fuzz_one},
	{"allocsim", allocsim_fuzz_one},
	{"buildinfo", buildinfo_fuzz_one},
	{"pclntab", pclntab_fuzz_one},
	{"layout", layout_fuzz_one},
	{"whatif", whatif_fuzz_one},
	{"heapdump", heapdump_fuzz_one},
	{"trace", trace_fuzz_one},
	{"svg", svg_fuzz_one},
	{"sched", sched_fuzz_one},
	{"oom", oom_fuzz_one},
};

static int run_file(int (*run)(const uint8_t *, size_t), const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (nb == NULL) {
				free(buf);
				fclose(fp);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	run(buf, len);
	free(buf);
	return 0;
}

static int run_dir(int (*run)(const uint8_t *, size_t), const char *dir, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (d == NULL) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (run_file(run, path) != 0) {
			closedir(d);
			return -1;
		}
		(*count)++;
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	int total = 0, failed = 0;

	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		char dir[4096];
		int count = 0;

		if (argc > 1 && strcmp(argv[1], targets[t].name) != 0)
			continue;
		if (argc > 2) {
			for (int i = 2; i < argc; i++)
				failed |= run_file(targets[t].run, argv[i]) != 0;
			count = argc - 2;
		} else {
			snprintf(dir, sizeof(dir), "%s/%s", FUZZ_CORPUS_DIR, targets[t].name);
			failed |= run_dir(targets[t].run, dir, &count) != 0;
		}
		printf("%s: replayed %d inputs\n", targets[t].name, count);
		total += count;
	}
	if (total == 0)
		failed = 1;
	printf("%d passed, %d failed\n", failed ? 0 : total, failed ? 1 : 0);
	return failed ? 1 : 0;
}
