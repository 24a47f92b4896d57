/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup.c — the memory and CPU limits a process lives under, cgroup v2 or
 * v1. The process's cgroup comes from proc/PID/cgroup, where its hierarchy
 * is mounted from proc/PID/mountinfo (a container's mount root hides the
 * part of the path above it), and every ancestor up to the hierarchy's root
 * is read: a limit set on a pod's or a slice's cgroup binds the container
 * below it even when the container's own file says "max" — which readers
 * that look at the leaf alone (older automemlimit; GOMAXPROCS logic that
 * stops at the first level) get wrong. Everything is read under a root
 * directory, so a copied tree reads exactly as the live system. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gomem-internal.h"

#define CG_FILE_MAX 65536

/* ---- files ------------------------------------------------------------------------ */

/* The first CAP-1 bytes of a small file, NUL-terminated; its length or -1. */
static long read_small(const char *path, char *buf, size_t cap)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return -1;
	n = fread(buf, 1, cap - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return (long)n;
}

static int join(char *out, size_t size, const char *a, const char *b, const char *c)
{
	int n = snprintf(out, size, "%s%s%s", a, b, c ? c : "");

	return n < 0 || (size_t)n >= size ? GOMEM_E_LIMIT : GOMEM_OK;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* A control file's value: a number of bytes, "max" (none), or v1's
 * "no limit" (PAGE_COUNTER_MAX pages, 9223372036854771712 on 4 KiB pages). */
static int64_t limit_value(const char *dir, const char *file)
{
	char path[1024], buf[64], *end;
	unsigned long long v;

	if (join(path, sizeof(path), dir, "/", file) != GOMEM_OK || read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	if (strncmp(buf, "max", 3) == 0)
		return GOMEM_LIMITS_NONE;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (end == buf || errno != 0)
		return -1;
	return v >= (1ULL << 62) ? GOMEM_LIMITS_NONE : (int64_t)v;
}

/* "KEY VALUE" lines (memory.stat, memory.events, oom_control): the value of KEY, -1 absent. */
static int64_t keyed(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ')
			return (int64_t)strtoll(p + kl + 1, NULL, 10);
	return -1;
}

/* ---- where the hierarchies are ------------------------------------------------------ */

struct mount {
	char point[512]; /* where it is mounted */
	char root[512];  /* the hierarchy path it shows (a container's own cgroup) */
	bool found;
};

/* Whether the comma-separated OPTS holds OPT ("rw,cpu,cpuacct" holds "cpu"). */
static bool has_option(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = opts; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (strncmp(p, opt, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* One mountinfo line: ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAGS] - FSTYPE SOURCE SUPER. */
static void mount_line(char *line, struct mount *v2, struct mount *mem, struct mount *cpu)
{
	char *f[6] = {0}, *sep = strstr(line, " - "), *save = NULL, *fstype, *super;
	int k = 0;

	if (sep == NULL)
		return;
	*sep = '\0';
	fstype = strtok_r(sep + 3, " ", &save);
	(void)strtok_r(NULL, " ", &save);
	super = strtok_r(NULL, " \n", &save);
	for (char *t = strtok_r(line, " ", &save); t && k < 6; t = strtok_r(NULL, " ", &save))
		f[k++] = t;
	if (k < 5 || fstype == NULL)
		return;
	struct mount *m = NULL;

	if (strcmp(fstype, "cgroup2") == 0)
		m = v2;
	else if (strcmp(fstype, "cgroup") == 0 && has_option(super, "memory"))
		m = mem;
	else if (strcmp(fstype, "cgroup") == 0 && has_option(super, "cpu"))
		m = cpu;
	if (m == NULL || m->found)
		return;
	snprintf(m->root, sizeof(m->root), "%s", f[3]);
	snprintf(m->point, sizeof(m->point), "%s", f[4]);
	m->found = true;
}

static void read_mounts(const char *root, const char *proc, struct mount *v2, struct mount *mem,
			struct mount *cpu)
{
	char path[1024], *text = malloc(CG_FILE_MAX);

	if (text && join(path, sizeof(path), root, proc, "/mountinfo") == GOMEM_OK &&
	    read_small(path, text, CG_FILE_MAX) >= 0) {
		char *save = NULL;

		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			mount_line(l, v2, mem, cpu);
	}
	free(text);
	/* A copied tree without mountinfo: the usual places. */
	if (!v2->found && !mem->found) {
		snprintf(v2->point, sizeof(v2->point), "/sys/fs/cgroup");
		snprintf(v2->root, sizeof(v2->root), "/");
		v2->found = true;
		snprintf(mem->point, sizeof(mem->point), "/sys/fs/cgroup/memory");
		snprintf(mem->root, sizeof(mem->root), "/");
		mem->found = true;
	}
	if (!cpu->found) {
		snprintf(cpu->point, sizeof(cpu->point), "/sys/fs/cgroup/cpu");
		snprintf(cpu->root, sizeof(cpu->root), "/");
		cpu->found = true;
	}
}

/* The path of the process's cgroup of the v1 controller CTL ("memory"), or of
 * the v2 line (CTL ""), from proc/PID/cgroup; false when it has none. */
static bool proc_cgroup(const char *text, const char *ctl, char *out, size_t size)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		const char *end = strchr(p, '\n');
		size_t clen;
		bool match = false;

		if (c2 == NULL || (end && c2 > end))
			continue;
		if (end == NULL)
			end = p + strlen(p);
		clen = (size_t)(c2 - c1 - 1);
		if (*ctl == '\0') {
			match = clen == 0 && strncmp(p, "0:", 2) == 0;
		} else {
			for (const char *t = c1 + 1; t < c2;) {
				const char *comma = memchr(t, ',', (size_t)(c2 - t));
				size_t tl = (size_t)((comma ? comma : c2) - t);

				match |= tl == strlen(ctl) && memcmp(t, ctl, tl) == 0;
				t = comma ? comma + 1 : c2;
			}
		}
		if (match && (size_t)(end - c2 - 1) < size) {
			memcpy(out, c2 + 1, (size_t)(end - c2 - 1));
			out[end - c2 - 1] = '\0';
			return true;
		}
	}
	return false;
}

/* ROOT + the mount point + PATH less the mount's own root. */
static int cgroup_dir(char *out, size_t size, const char *root, const struct mount *m, const char *path)
{
	size_t rl = strlen(m->root);

	if (strcmp(m->root, "/") != 0 && strncmp(path, m->root, rl) == 0 &&
	    (path[rl] == '/' || path[rl] == '\0'))
		path += rl;
	if (strcmp(path, "/") == 0)
		path = "";
	return join(out, size, root, m->point, path);
}

/* ---- one level ------------------------------------------------------------------------ */

static double cpu_quota_v2(const char *dir)
{
	char path[1024], buf[64];
	double quota, period;

	if (join(path, sizeof(path), dir, "/cpu.max", NULL) != GOMEM_OK || read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	if (strncmp(buf, "max", 3) == 0)
		return 0;
	if (sscanf(buf, "%lf %lf", &quota, &period) != 2 || !(period > 0))
		return -1;
	return quota / period;
}

static double cpu_quota_v1(const char *dir)
{
	int64_t quota = limit_value(dir, "cpu.cfs_quota_us"), period = limit_value(dir, "cpu.cfs_period_us");
	char path[1024], buf[32];

	/* -1 means none: limit_value cannot read a negative */
	if (join(path, sizeof(path), dir, "/cpu.cfs_quota_us", NULL) == GOMEM_OK &&
	    read_small(path, buf, sizeof(buf)) >= 0 && buf[0] == '-')
		return 0;
	if (quota < 0 || period <= 0)
		return -1;
	return (double)quota / (double)period;
}

static void read_level(gomem_cgroup_level *l, const char *dir, int version)
{
	if (version == 2) {
		l->memory_max = limit_value(dir, "memory.max");
		l->memory_high = limit_value(dir, "memory.high");
		l->swap_max = limit_value(dir, "memory.swap.max");
		l->current = limit_value(dir, "memory.current");
		l->peak = limit_value(dir, "memory.peak");
		l->cpu_quota = cpu_quota_v2(dir);
	} else {
		l->memory_max = limit_value(dir, "memory.limit_in_bytes");
		l->memory_high = -1;
		l->swap_max = limit_value(dir, "memory.memsw.limit_in_bytes");
		l->current = limit_value(dir, "memory.usage_in_bytes");
		l->peak = limit_value(dir, "memory.max_usage_in_bytes");
		l->cpu_quota = -1;
	}
}

/* The leaf's memory.stat, memory.events and their v1 counterparts. */
static void read_stats(gomem_cgroup_info *o, const char *dir)
{
	char path[1024], *text = malloc(CG_FILE_MAX);

	if (text == NULL)
		return;
	if (join(path, sizeof(path), dir, "/memory.stat", NULL) == GOMEM_OK &&
	    read_small(path, text, CG_FILE_MAX) >= 0) {
		if (o->version == 2) {
			o->anon = keyed(text, "anon");
			o->file = keyed(text, "file");
			o->kernel = keyed(text, "kernel");
			if (o->kernel < 0 && keyed(text, "kernel_stack") >= 0) /* before 5.18 */
				o->kernel = keyed(text, "kernel_stack") + (keyed(text, "pagetables") > 0 ?
					keyed(text, "pagetables") : 0) + (keyed(text, "slab") > 0 ? keyed(text, "slab") : 0) +
					(keyed(text, "percpu") > 0 ? keyed(text, "percpu") : 0);
			o->sock = keyed(text, "sock");
			o->shmem = keyed(text, "shmem");
			o->file_mapped = keyed(text, "file_mapped");
		} else {
			o->anon = keyed(text, "total_rss") >= 0 ? keyed(text, "total_rss") : keyed(text, "rss");
			o->file = keyed(text, "total_cache") >= 0 ? keyed(text, "total_cache") : keyed(text, "cache");
			o->shmem = keyed(text, "total_shmem") >= 0 ? keyed(text, "total_shmem") : keyed(text, "shmem");
			o->file_mapped = keyed(text, "total_mapped_file") >= 0 ? keyed(text, "total_mapped_file")
									   : keyed(text, "mapped_file");
		}
	}
	if (o->version == 1) {
		o->kernel = limit_value(dir, "memory.kmem.usage_in_bytes");
		o->sock = limit_value(dir, "memory.kmem.tcp.usage_in_bytes");
		o->ev_max = limit_value(dir, "memory.failcnt");
		if (join(path, sizeof(path), dir, "/memory.oom_control", NULL) == GOMEM_OK &&
		    read_small(path, text, CG_FILE_MAX) >= 0) {
			o->ev_oom_kill = keyed(text, "oom_kill");
			o->ev_oom = keyed(text, "under_oom");
		}
	} else if (join(path, sizeof(path), dir, "/memory.events", NULL) == GOMEM_OK &&
		   read_small(path, text, CG_FILE_MAX) >= 0) {
		o->ev_low = keyed(text, "low");
		o->ev_high = keyed(text, "high");
		o->ev_max = keyed(text, "max");
		o->ev_oom = keyed(text, "oom");
		o->ev_oom_kill = keyed(text, "oom_kill");
	}
	free(text);
}

/* A cgroup directory has cgroup.procs; the mount's parent does not. */
static bool is_cgroup(const char *dir)
{
	char path[1024];

	return join(path, sizeof(path), dir, "/cgroup.procs", NULL) == GOMEM_OK && exists(path);
}

/* Walks from DIR (the leaf) up to the hierarchy's root: MOUNT_DIR is where
 * the walk must stop (the mount point under ROOT). */
static void walk(gomem_cgroup_info *o, char *dir, const char *mount_dir, const char *leaf_path)
{
	char path[512];
	size_t ml = strlen(mount_dir);

	snprintf(path, sizeof(path), "%s", leaf_path);
	for (o->nlevels = 0; o->nlevels < GOMEM_LIMITS_MAX_LEVELS;) {
		gomem_cgroup_level *l = &o->levels[o->nlevels++];
		char *slash;

		snprintf(l->path, sizeof(l->path), "%s", path[0] ? path : "/");
		read_level(l, dir, o->version);
		if (strlen(dir) <= ml || (slash = strrchr(dir, '/')) == NULL || !is_cgroup(dir))
			break;
		*slash = '\0';
		if (strlen(dir) < ml || !is_cgroup(dir))
			break;
		if ((slash = strrchr(path, '/')) != NULL)
			*slash = '\0';
	}
}

static void tightest(gomem_cgroup_info *o)
{
	o->limit = o->high = GOMEM_LIMITS_NONE;
	for (size_t i = 0; i < o->nlevels; i++) {
		const gomem_cgroup_level *l = &o->levels[i];

		if (l->memory_max >= 0 && l->memory_max < o->limit) {
			o->limit = l->memory_max;
			o->limit_level = i;
		}
		if (l->memory_high >= 0 && l->memory_high < o->high)
			o->high = l->memory_high;
		if (l->cpu_quota > 0 && (o->cpu_limit == 0 || l->cpu_quota < o->cpu_limit)) {
			o->cpu_limit = l->cpu_quota;
			o->cpu_level = i;
		}
	}
	if (o->nlevels > 0) {
		o->usage = o->levels[0].current;
		o->peak = o->levels[0].peak;
	}
}

/* v1: the CPU quota lives in its own hierarchy; the tightest of its walk. */
static void cpu_v1(gomem_cgroup_info *o, const char *root, const struct mount *cpu, const char *path)
{
	char dir[1024], mount_dir[1024];
	bool same_path = strcmp(path, o->leaf) == 0;

	if (cgroup_dir(dir, sizeof(dir), root, cpu, path) != GOMEM_OK ||
	    join(mount_dir, sizeof(mount_dir), root, cpu->point, NULL) != GOMEM_OK)
		return;
	for (int depth = 0; depth < GOMEM_LIMITS_MAX_LEVELS && is_cgroup(dir); depth++) {
		double q = cpu_quota_v1(dir);
		char *slash;

		if (q > 0 && (o->cpu_limit == 0 || q < o->cpu_limit)) {
			o->cpu_limit = q;
			o->cpu_level = (size_t)depth;
		}
		if (same_path && depth < (int)o->nlevels) /* the levels are the memory walk's */
			o->levels[depth].cpu_quota = q;
		if (strlen(dir) <= strlen(mount_dir) || (slash = strrchr(dir, '/')) == NULL)
			break;
		*slash = '\0';
	}
}

static void host_memory(gomem_cgroup_info *o, const char *root)
{
	char path[1024], buf[4096];
	const char *p;

	o->host_memory = -1;
	if (join(path, sizeof(path), root, "/proc/meminfo", NULL) == GOMEM_OK &&
	    read_small(path, buf, sizeof(buf)) >= 0 && (p = strstr(buf, "MemTotal:")) != NULL)
		o->host_memory = (int64_t)strtoll(p + 9, NULL, 10) * 1024;
}

static void info_init(gomem_cgroup_info *o)
{
	memset(o, 0, sizeof(*o));
	o->usage = o->peak = o->anon = o->file = o->kernel = o->sock = o->shmem = o->file_mapped = -1;
	o->ev_low = o->ev_high = o->ev_max = o->ev_oom = o->ev_oom_kill = -1;
	o->limit = o->high = GOMEM_LIMITS_NONE;
}

/* A directory given as is: its version from its files, the walk up to the
 * last directory that is still a cgroup. */
static int read_dir(gomem_cgroup_info *o, const char *root, const char *cgdir, gomem_error *err)
{
	char dir[1024], probe[1100], mount_dir[1024];

	if (join(dir, sizeof(dir), root, cgdir, NULL) != GOMEM_OK || !is_cgroup(dir))
		return gomem_error_set(err, GOMEM_E_NOTFOUND, "%s: not a cgroup directory (no cgroup.procs)",
				       dir);
	snprintf(probe, sizeof(probe), "%s/memory.limit_in_bytes", dir);
	o->version = exists(probe) ? 1 : 2;
	snprintf(o->leaf, sizeof(o->leaf), "%s", cgdir);
	/* the hierarchy's root: the highest ancestor that is still a cgroup */
	snprintf(mount_dir, sizeof(mount_dir), "%s", dir);
	for (char *slash; (slash = strrchr(mount_dir, '/')) != NULL && slash != mount_dir;) {
		*slash = '\0';
		if (!is_cgroup(mount_dir)) {
			*slash = '/';
			break;
		}
	}
	walk(o, dir, mount_dir, cgdir + (strlen(mount_dir) - strlen(root)));
	join(dir, sizeof(dir), root, cgdir, NULL);
	read_stats(o, dir);
	return GOMEM_OK;
}

int gomem_cgroup_read(gomem_cgroup_info *o, const gomem_cgroup_options *opts, gomem_error *err)
{
	struct mount v2 = {0}, mem = {0}, cpu = {0};
	const char *root = opts && opts->root ? opts->root : "";
	char proc[64], path[1024], dir[1024], mount_dir[1024], cgpath[512], cpupath[512], *text;
	int rc = GOMEM_OK;

	if (opts == NULL || opts->version != GOMEM_CGROUP_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "%s", "unknown cgroup options version");
	info_init(o);
	host_memory(o, root);
	if (opts->cgroup_dir) {
		if ((rc = read_dir(o, root, opts->cgroup_dir, err)) == GOMEM_OK)
			tightest(o);
		return rc;
	}
	if (opts->pid > 0)
		snprintf(proc, sizeof(proc), "/proc/%ld", opts->pid);
	else
		snprintf(proc, sizeof(proc), "/proc/self");
	if ((text = malloc(CG_FILE_MAX)) == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "%s", "out of memory");
	if (join(path, sizeof(path), root, proc, "/cgroup") != GOMEM_OK || read_small(path, text, CG_FILE_MAX) < 0) {
		free(text);
		return gomem_error_set(err, GOMEM_E_NOTFOUND, "%s: %s", path, strerror(errno));
	}
	read_mounts(root, proc, &v2, &mem, &cpu);
	if (mem.found && proc_cgroup(text, "memory", cgpath, sizeof(cgpath))) {
		o->version = 1;
		rc = cgroup_dir(dir, sizeof(dir), root, &mem, cgpath);
		join(mount_dir, sizeof(mount_dir), root, mem.point, NULL);
	} else if (v2.found && proc_cgroup(text, "", cgpath, sizeof(cgpath))) {
		o->version = 2;
		rc = cgroup_dir(dir, sizeof(dir), root, &v2, cgpath);
		join(mount_dir, sizeof(mount_dir), root, v2.point, NULL);
	} else {
		rc = gomem_error_set(err, GOMEM_E_NOTFOUND, "%s: no memory cgroup (v1 memory or v2 line)", path);
	}
	if (rc == GOMEM_OK && !is_cgroup(dir) && !is_cgroup(mount_dir))
		rc = gomem_error_set(err, GOMEM_E_NOTFOUND,
				     "%s: no cgroup filesystem is mounted there (a chroot or a container without "
				     "/sys?), so the limits of cgroup %s cannot be read", mount_dir, cgpath);
	else if (rc == GOMEM_OK && !is_cgroup(dir))
		rc = gomem_error_set(err, GOMEM_E_NOTFOUND, "%s: the process's cgroup is not there", dir);
	if (rc == GOMEM_OK) {
		snprintf(o->leaf, sizeof(o->leaf), "%s", cgpath);
		walk(o, dir, mount_dir, cgpath);
		if (o->version == 1 && proc_cgroup(text, "cpu", cpupath, sizeof(cpupath)))
			cpu_v1(o, root, &cpu, cpupath);
		tightest(o);
		if (cgroup_dir(dir, sizeof(dir), root, o->version == 1 ? &mem : &v2, cgpath) == GOMEM_OK)
			read_stats(o, dir);
	}
	free(text);
	return rc;
}
