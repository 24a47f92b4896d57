/* SPDX-License-Identifier: Apache-2.0 */
/* oom.c — the kernel's OOM-kill reports (mm/oom_kill.c, mm/memcontrol.c) in
 * dmesg, dmesg -T/-t, journalctl -k or syslog text. One report is the lines
 * from "X invoked oom-killer" to "Killed process N (comm) ...": the
 * cgroup's usage and limit, its statistics (v1's "cache 4096" lines or its
 * older one-line "cache:0KB rss:...", v2's "anon ..." block, printed as one
 * record whose later lines carry no timestamp), "oom-kill:constraint=..."
 * (4.19+), and the kill itself in every wording:
 *
 *   3.10-4.18   Memory cgroup out of memory: Kill process N (c) score S or sacrifice child
 *               Killed process M (c)[, UID u], total-vm:.., anon-rss:.., file-rss:..[, shmem-rss:..]
 *   4.19+       Memory cgroup out of memory: Killed process N (c) total-vm:...kB,
 *               anon-rss:...kB, file-rss:...kB, shmem-rss:...kB, UID:0 pgtables:...kB
 *               oom_score_adj:0
 *   global      Out of memory: Kill process / Killed process ...
 *
 * Lines of other writers are skipped; a marker is found after any prefix
 * (the one prefix rule, a loglevel <N>, a [stamp], "kernel:"), so a report
 * quoted from another log still reads. */
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

#define OOM_MAX_LINE ((size_t)1 << 16)
#define OOM_QUEUE_MAX 4096

struct report {
	bool open;
	bool in_stats;
	gomem_oom_kill k;
};

struct gomem_oom_parser {
	gomem_error err;
	gomem_linebuf lb;
	int rc;
	bool finished;
	uint64_t lines, kills, unfinished;
	struct report r;
	gomem_oom_kill *q;
	size_t qhead, qlen, qcap;
	gomem_oom_kill cur;
};

static void kill_init(gomem_oom_kill *k)
{
	memset(k, 0, sizeof(*k));
	k->pid = k->total_vm = k->anon_rss = k->file_rss = k->shmem_rss = k->pgtables = -1;
	k->uid = k->oom_score_adj = -1;
	k->usage = k->limit = k->failcnt = k->swap_usage = k->swap_limit = -1;
	k->stat_anon = k->stat_file = k->stat_kernel = k->stat_sock = k->stat_shmem = -1;
	k->oom_score_adj = INT64_MIN;
}

int gomem_oom_parser_new(gomem_oom_parser **out, const char *name)
{
	gomem_oom_parser *p;

	if (out == NULL)
		return GOMEM_E_INVALID;
	if ((*out = p = calloc(1, sizeof(*p))) == NULL)
		return GOMEM_E_NOMEM;
	gomem_error_set_source(&p->err, name ? name : "");
	gomem_linebuf_init(&p->lb, OOM_MAX_LINE);
	kill_init(&p->r.k);
	return GOMEM_OK;
}

void gomem_oom_parser_free(gomem_oom_parser *p)
{
	if (p == NULL)
		return;
	gomem_linebuf_free(&p->lb);
	free(p->q);
	free(p);
}

const gomem_error *gomem_oom_parser_error(const gomem_oom_parser *p)
{
	return &p->err;
}

void gomem_oom_get_counts(const gomem_oom_parser *p, uint64_t *lines, uint64_t *kills,
			  uint64_t *unfinished)
{
	*lines = p->lines;
	*kills = p->kills;
	*unfinished = p->unfinished + (p->r.open ? 1 : 0);
}

/* ---- text ------------------------------------------------------------------------------ */

/* The value after KEY in [S, E) (digits, optional kB/KB: bytes); -1 when absent. */
static int64_t field(const char *s, const char *e, const char *key, bool kib)
{
	size_t kl = strlen(key);
	int64_t v = 0;
	const char *p;

	for (p = s; p + kl <= e; p++)
		if (memcmp(p, key, kl) == 0)
			break;
	if (p + kl > e)
		return -1;
	p += kl;
	bool neg = p < e && *p == '-';

	p += neg;
	if (p >= e || *p < '0' || *p > '9')
		return -1;
	for (; p < e && *p >= '0' && *p <= '9'; p++)
		if (v < INT64_MAX / 10 - 10)
			v = v * 10 + (*p - '0');
	if (kib)
		v = v < INT64_MAX / 1024 ? v * 1024 : INT64_MAX;
	return neg ? -v : v;
}

static const char *find(const char *s, const char *e, const char *what)
{
	size_t n = strlen(what);

	for (const char *p = s; p + n <= e; p++)
		if (*p == *what && memcmp(p, what, n) == 0)
			return p;
	return NULL;
}

static void copy_text(char *dst, size_t size, const char *s, const char *e)
{
	size_t n = (size_t)(e - s) < size - 1 ? (size_t)(e - s) : size - 1;

	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Takes the prefixes off: the prefix rule's, a loglevel "<6>", a "[stamp]"
 * (kept in STAMP), "kernel: ". */
static const char *strip(const char *s, const char *e, char *stamp, size_t size)
{
	for (int round = 0; round < 6; round++) {
		const char *t = gomem_line_skip_prefix(s, e);

		if (t > s && stamp[0] == '\0') {
			const char *end = t;

			while (end > s && (end[-1] == ' ' || end[-1] == ':'))
				end--;
			copy_text(stamp, size, s, end - s > 15 ? s + 15 : end);
		}
		s = t;
		if (e - s > 2 && s[0] == '<' && s[1] >= '0' && s[1] <= '9') {
			const char *gt = memchr(s, '>', (size_t)(e - s) < 6 ? (size_t)(e - s) : 6);

			if (gt) {
				s = gt + 1;
				continue;
			}
		}
		if (s < e && s[0] == '[') {
			const char *rb = memchr(s, ']', (size_t)(e - s) < 48 ? (size_t)(e - s) : 48);

			if (rb) {
				const char *a = s + 1;

				while (a < rb && *a == ' ')
					a++;
				copy_text(stamp, size, a, rb);
				for (s = rb + 1; s < e && *s == ' ';)
					s++;
				continue;
			}
		}
		if (e - s >= 8 && memcmp(s, "kernel: ", 8) == 0) {
			s += 8;
			continue;
		}
		break;
	}
	return s;
}

/* ---- the lines of a report --------------------------------------------------------------- */

static void start_report(gomem_oom_parser *p, const char *s, const char *marker, const char *stamp)
{
	const char *w = marker;

	if (p->r.open)
		p->unfinished++;
	kill_init(&p->r.k);
	p->r.open = true;
	p->r.in_stats = false;
	p->r.k.first_line = p->lb.lineno;
	snprintf(p->r.k.stamp, sizeof(p->r.k.stamp), "%s", stamp);
	while (w > s && w[-1] == ' ')
		w--;
	copy_text(p->r.k.invoker, sizeof(p->r.k.invoker), s, w);
}

/* "memory: usage 98304kB, limit 98304kB, failcnt 244" and the swap line. */
static void usage_line(gomem_oom_kill *k, const char *s, const char *e, bool swap)
{
	if (swap) {
		k->swap_usage = field(s, e, "usage ", true);
		k->swap_limit = field(s, e, "limit ", true);
		return;
	}
	k->usage = field(s, e, "usage ", true);
	k->limit = field(s, e, "limit ", true);
	k->failcnt = field(s, e, "failcnt ", false);
}

/* One "key value" line of a statistics block (v1 or v2), or v1's older
 * one-line "cache:0KB rss:613460KB ..." after the path. */
static void stat_pairs(gomem_oom_kill *k, const char *s, const char *e)
{
	static const struct {
		const char *key;
		int version;
		size_t off;
	} keys[] = {
		{"anon", 2, offsetof(gomem_oom_kill, stat_anon)},
		{"file", 2, offsetof(gomem_oom_kill, stat_file)},
		{"kernel", 2, offsetof(gomem_oom_kill, stat_kernel)},
		{"sock", 2, offsetof(gomem_oom_kill, stat_sock)},
		{"shmem", 0, offsetof(gomem_oom_kill, stat_shmem)},
		{"rss", 1, offsetof(gomem_oom_kill, stat_anon)},
		{"cache", 1, offsetof(gomem_oom_kill, stat_file)},
	};
	const char *sp;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	for (sp = s; sp < e && ((*sp >= 'a' && *sp <= 'z') || *sp == '_'); sp++)
		;
	if (sp == s || sp >= e || (*sp != ' ' && *sp != ':'))
		return;
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(keys); i++) {
		if (strlen(keys[i].key) != (size_t)(sp - s) || memcmp(s, keys[i].key, (size_t)(sp - s)) != 0)
			continue;
		int64_t v = field(sp, e, *sp == ':' ? ":" : " ", *sp == ':');

		if (v >= 0) {
			memcpy((char *)k + keys[i].off, &v, sizeof(v));
			if (keys[i].version)
				k->cgroup_version = keys[i].version;
		}
	}
}

static void old_stats(gomem_oom_kill *k, const char *s, const char *e)
{
	for (const char *p = s; p < e;) {
		const char *sp = memchr(p, ' ', (size_t)(e - p));

		stat_pairs(k, p, sp ? sp : e);
		p = sp ? sp + 1 : e;
	}
}

static void stats_header(struct report *r, const char *s, const char *e)
{
	const char *path = s + strlen("Memory cgroup stats for "), *colon = find(path, e, ":");

	if (colon == NULL)
		return;
	if (r->k.memcg_path[0] == '\0')
		copy_text(r->k.memcg_path, sizeof(r->k.memcg_path), path, colon);
	r->in_stats = true;
	if (colon + 1 < e)
		old_stats(&r->k, colon + 1, e);
}

/* "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=...,oom_memcg=/x,task_memcg=/x/y,task=c,pid=N,uid=U" */
static void constraint_line(gomem_oom_kill *k, const char *s, const char *e)
{
	const char *m = find(s, e, "oom_memcg=");

	k->memcg = find(s, e, "CONSTRAINT_MEMCG") != NULL;
	if (m) {
		const char *end = find(m, e, ",");

		copy_text(k->memcg_path, sizeof(k->memcg_path), m + 10, end ? end : e);
	}
	if (k->uid < 0)
		k->uid = field(s, e, ",uid=", false);
}

/* "... Kill(ed) process N (comm)...": the pid and the name, which may hold
 * spaces and parentheses ("runc:[1:CHILD]", "npm start"). */
static const char *pid_comm(gomem_oom_kill *k, const char *s, const char *e)
{
	const char *p = s, *open, *close = NULL;

	k->pid = field(s, e, "process ", false);
	if ((open = find(p, e, " (")) == NULL)
		return e;
	static const char *const ends[] = {") total-vm", "), UID", "), total-vm", ") score", "), now",
					   ")"};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(ends) && close == NULL; i++)
		close = find(open + 2, e, ends[i]);
	if (close == NULL)
		return e;
	copy_text(k->comm, sizeof(k->comm), open + 2, close);
	return close;
}

static int push(gomem_oom_parser *p, const gomem_oom_kill *k)
{
	if (p->qhead == p->qlen)
		p->qhead = p->qlen = 0;
	if (GOMEM_GROW(p->q, p->qcap, p->qlen + 1, OOM_QUEUE_MAX)) {
		if (p->rc == GOMEM_OK)
			p->rc = gomem_error_at_line(&p->err, GOMEM_E_LIMIT, p->lb.lineno, 0, "%s",
						    "too many kills waiting: call next() between feeds");
		return p->rc;
	}
	p->q[p->qlen++] = *k;
	p->kills++;
	return GOMEM_OK;
}

static int killed_line(gomem_oom_parser *p, const char *line_start, const char *s, const char *e,
		       const char *stamp)
{
	gomem_oom_kill *k = &p->r.k;
	const char *rest;
	int rc;

	if (!p->r.open) {
		kill_init(k);
		k->first_line = p->lb.lineno;
	}
	if (find(line_start, s, "Memory cgroup out of memory") != NULL)
		k->memcg = 1;
	rest = pid_comm(k, s, e);
	k->line = p->lb.lineno;
	if (stamp[0])
		snprintf(k->stamp, sizeof(k->stamp), "%s", stamp);
	k->total_vm = field(rest, e, "total-vm:", true);
	k->anon_rss = field(rest, e, "anon-rss:", true);
	k->file_rss = field(rest, e, "file-rss:", true);
	k->shmem_rss = field(rest, e, "shmem-rss:", true);
	k->pgtables = field(rest, e, "pgtables:", true);
	if (field(rest, e, "UID:", false) >= 0)
		k->uid = field(rest, e, "UID:", false);
	else if (field(rest, e, "UID ", false) >= 0)
		k->uid = field(rest, e, "UID ", false);
	if (find(rest, e, "oom_score_adj:") != NULL)
		k->oom_score_adj = field(rest, e, "oom_score_adj:", false);
	rc = push(p, k);
	p->r.open = false;
	p->r.in_stats = false;
	kill_init(k);
	return rc;
}

/* A line that belongs to a report whose start the log may have lost. */
static bool report_line(const char *s, const char *e)
{
	static const char *const markers[] = {"Memory cgroup stats for ", "memory: usage ",
					      "oom-kill:constraint=", "out of memory: Kill process ",
					      "Out of memory: Kill process "};

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(markers); i++)
		if (find(s, e, markers[i]) != NULL)
			return true;
	return false;
}

static int process_line(gomem_oom_parser *p, const char *line, size_t n)
{
	const char *e = line + n, *s, *m;
	char stamp[64] = "";
	struct report *r = &p->r;

	p->lines++;
	s = strip(line, e, stamp, sizeof(stamp));
	if ((m = find(s, e, "invoked oom-killer:")) != NULL) {
		start_report(p, s, m, stamp);
		return GOMEM_OK;
	}
	if ((m = find(line, e, "Killed process ")) != NULL && find(line, e, "oom_reaper") == NULL)
		return killed_line(p, line, m, e, stamp);
	if (!r->open && !report_line(s, e))
		return GOMEM_OK;
	if (!r->open) /* a report quoted from its middle */
		start_report(p, s, s, stamp);
	if ((m = find(s, e, "Memory cgroup stats for ")) != NULL) {
		stats_header(r, m, e);
	} else if ((m = find(s, e, "memory+swap: usage ")) != NULL || (m = find(s, e, "swap: usage ")) != NULL) {
		usage_line(&r->k, m, e, true);
	} else if ((m = find(s, e, "memory: usage ")) != NULL) {
		usage_line(&r->k, m, e, false);
	} else if ((m = find(s, e, "oom-kill:constraint=")) != NULL) {
		r->in_stats = false;
		constraint_line(&r->k, m, e);
	} else if (find(s, e, "Kill process ") != NULL && find(s, e, "Memory cgroup out of memory") != NULL) {
		r->k.memcg = 1;
	} else if (find(s, e, "Tasks state") != NULL || find(s, e, "[  pid  ]") != NULL ||
		   find(s, e, "[ pid ]") != NULL) {
		r->in_stats = false;
	} else if (r->in_stats) {
		stat_pairs(&r->k, s, e);
	}
	return GOMEM_OK;
}

static int pump(gomem_oom_parser *p)
{
	while (p->rc == GOMEM_OK) {
		const char *line;
		size_t len;
		int rc = gomem_linebuf_next(&p->lb, &line, &len);

		if (rc == 0)
			return GOMEM_OK;
		if (rc == GOMEM_E_LIMIT) { /* a line past 64 KiB is no kernel line: dropped */
			p->lb.partial.len = 0;
			continue;
		}
		if (rc < 0) {
			p->rc = gomem_error_at_line(&p->err, rc, p->lb.lineno, 0, "%s", "out of memory");
			return p->rc;
		}
		if ((rc = process_line(p, line, len)) != GOMEM_OK)
			return rc;
	}
	return p->rc;
}

int gomem_oom_feed(gomem_oom_parser *p, const void *data, size_t len)
{
	if (p->rc)
		return p->rc;
	if (p->finished)
		return GOMEM_E_INVALID;
	if (len == 0)
		return GOMEM_OK;
	gomem_linebuf_feed(&p->lb, data, len);
	return pump(p);
}

int gomem_oom_finish(gomem_oom_parser *p)
{
	if (p->rc || p->finished)
		return p->rc;
	p->finished = true;
	gomem_linebuf_finish(&p->lb);
	return pump(p);
}

int gomem_oom_next(gomem_oom_parser *p, const gomem_oom_kill **kill)
{
	if (kill == NULL)
		return GOMEM_E_INVALID;
	*kill = NULL;
	if (p->rc)
		return p->rc;
	if (p->qhead == p->qlen)
		return 0;
	p->cur = p->q[p->qhead++];
	*kill = &p->cur;
	return 1;
}
