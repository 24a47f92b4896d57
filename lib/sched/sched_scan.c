/* SPDX-License-Identifier: Apache-2.0 */
/* sched_scan.c — one schedtrace line, scanned token by token (runtime/proc.go
 * schedtrace). Like the gctrace scanner it reports both what it read and how
 * far the text is a valid start of a line of its kind: that one answer tells
 * a whole line from program text that merely starts like one, and lets the
 * reader put a line shredded by concurrent writes back together (every
 * print() argument is its own write(2), so pieces break between tokens).
 *
 * Fields are key=value pairs in any order; a key no release we read printed
 * is skipped (a newer runtime's field), its value read as any other. Values:
 * an integer (-1 for a missing id before Go 1.21), nil (a missing id from
 * 1.21), true or false (Go 1.21's atomic.Bool fields). Two values are text:
 * an M's preemptoff= (a reason, maybe with spaces, up to " locks=") and a G's
 * status=N(wait reason). */
#include <string.h>

#include "sched-internal.h"

#define BIT(k) (1u << (k))

static const char *const header_keys[HK_COUNT] = {
	"gomaxprocs", "idleprocs", "threads", "spinningthreads", "needspinning", "idlethreads",
	"runqueue", "gcwaiting", "nmidlelocked", "stopwait", "sysmonwait",
};
static const char *const proc_keys[PK_COUNT] = {
	"status", "schedtick", "syscalltick", "m", "runqsize", "gfreecnt", "timerslen",
};
static const char *const thread_keys[MK_COUNT] = {
	"p", "curg", "mallocing", "throwing", "preemptoff", "locks", "dying", "spinning", "blocked",
	"lockedg",
};
static const char *const g_keys[GK_COUNT] = {"status", "m", "lockedm"};

/* Every wait reason Go 1.19-1.23 print (runtime2.go waitReasonStrings),
 * and the timer goroutine's of older releases: a G line cut inside its
 * reason is a piece only while the text is the start of one of these. */
static const char *const wait_reasons[] = {
	"", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
	"dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
	"select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
	"chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
	"sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "trace reader (blocked)",
	"wait for GC cycle", "GC worker (idle)", "GC worker (active)", "preempted", "debug call",
	"GC mark termination", "stopping the world", "flushing proc caches",
	"trace goroutine status", "trace proc status", "page trace flush", "coroutine",
	"GC weak to strong wait", "timer goroutine (idle)",
};

/* The reasons of the runtime's own goroutines parked in their loops:
 * forcegchelper, bgsweep, bgscavenge, runfinq (system while it runs no
 * finalizer), the GC mark workers, and the old timer goroutine. */
static const char *const runtime_reasons[] = {
	"force gc (idle)", "GC sweep wait", "GC scavenge wait", "finalizer wait",
	"GC worker (idle)", "GC worker (active)", "timer goroutine (idle)",
};

bool sched_runtime_reason(const char *reason, size_t len)
{
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(runtime_reasons); k++)
		if (strlen(runtime_reasons[k]) == len && memcmp(runtime_reasons[k], reason, len) == 0)
			return true;
	return false;
}

/* ---- tokens ------------------------------------------------------------------------- */

struct sc {
	const char *s;
	size_t n, i;
	struct sched_line *l;
};

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool fail_at(struct sc *c, size_t at)
{
	c->l->stop = at;
	return false;
}

static bool at_end(struct sc *c)
{
	c->l->eof = true;
	return fail_at(c, c->n);
}

static bool done(struct sc *c)
{
	c->l->done_at = c->l->stop = c->i;
	return true;
}

/* The literal W; a partial match up to the end is a valid prefix. */
static bool lit(struct sc *c, const char *w)
{
	for (size_t k = 0; w[k]; k++) {
		if (c->i + k >= c->n)
			return at_end(c);
		if (c->s[c->i + k] != w[k])
			return fail_at(c, c->i + k);
	}
	c->i += strlen(w);
	return true;
}

static bool uint_tok(struct sc *c, int64_t *out)
{
	int64_t v = 0;
	size_t start = c->i;

	while (c->i < c->n && is_digit(c->s[c->i])) {
		if (c->i - start >= 18) /* no field is this long */
			return fail_at(c, c->i);
		v = v * 10 + (c->s[c->i] - '0');
		c->i++;
	}
	if (c->i == start)
		return c->i >= c->n ? at_end(c) : fail_at(c, c->i);
	*out = v;
	return true;
}

/* nil, true or false: -1, 1, 0. */
static bool word_value(struct sc *c, int64_t *out)
{
	static const struct {
		const char *w;
		int64_t v;
	} words[] = {{"nil", -1}, {"true", 1}, {"false", 0}};
	size_t len = 0;

	while (c->i + len < c->n && is_lower(c->s[c->i + len]))
		len++;
	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(words); k++) {
		size_t wl = strlen(words[k].w);

		if (len == wl && memcmp(c->s + c->i, words[k].w, wl) == 0) {
			c->i += wl;
			*out = words[k].v;
			if (k == 0)
				c->l->nils = true;
			else
				c->l->bools = true;
			return true;
		}
		if (c->i + len == c->n && len < wl && memcmp(c->s + c->i, words[k].w, len) == 0)
			return at_end(c);
	}
	return fail_at(c, c->i);
}

static bool value_tok(struct sc *c, int64_t *out)
{
	if (c->i >= c->n)
		return at_end(c);
	if (c->s[c->i] == '-') {
		c->i++;
		if (!uint_tok(c, out))
			return false;
		*out = -*out;
		return true;
	}
	if (is_digit(c->s[c->i]))
		return uint_tok(c, out);
	return word_value(c, out);
}

/* KEY= from TABLE: its index, or -2 for a key not in it (skipped); -1 on failure. */
static int key_tok(struct sc *c, const char *const *table, int nkeys)
{
	size_t start = c->i;

	while (c->i < c->n && (is_lower(c->s[c->i]) || c->s[c->i] == '_' ||
			       (c->i > start && is_digit(c->s[c->i]))))
		c->i++;
	if (c->i >= c->n)
		return at_end(c), -1;
	if (c->i == start || c->s[c->i] != '=')
		return fail_at(c, c->i), -1;
	for (int k = 0; k < nkeys; k++)
		if (strlen(table[k]) == c->i - start && memcmp(table[k], c->s + start, c->i - start) == 0) {
			c->i++;
			return k;
		}
	c->i++;
	return -2;
}

/* ---- the text values ---------------------------------------------------------------- */

/* preemptoff=REASON up to " locks=" (the next field in every release). */
static bool preemptoff_value(struct sc *c, int64_t *out)
{
	static const char next[] = " locks=";
	size_t k = c->i;

	for (; k < c->n && k - c->i <= SCHED_MAX_REASON; k++)
		if (c->s[k] == ' ' && c->n - k >= sizeof(next) - 1 &&
		    memcmp(c->s + k, next, sizeof(next) - 1) == 0)
			break;
	if (k - c->i > SCHED_MAX_REASON)
		return fail_at(c, k);
	if (k >= c->n)
		return at_end(c);
	*out = k > c->i;
	c->i = k;
	return true;
}

/* Whether TEXT[0, N) starts "REASON) m=" for a known wait reason. */
static bool reason_prefix(const char *text, size_t n)
{
	static const char tail[] = ") m=";

	for (size_t k = 0; k < GOMEM_ARRAY_SIZE(wait_reasons); k++) {
		size_t rl = strlen(wait_reasons[k]);
		size_t a = n < rl ? n : rl;

		if (memcmp(text, wait_reasons[k], a) != 0)
			continue;
		if (n <= rl)
			return true;
		if (n - rl <= sizeof(tail) - 1 && memcmp(text + rl, tail, n - rl) == 0)
			return true;
	}
	return false;
}

/* status=N(REASON): the reason runs to the last ") m=" (reasons hold
 * parentheses: "force gc (idle)"). */
static bool g_status_value(struct sc *c, int64_t *out)
{
	struct sched_line *l = c->l;
	size_t k, end = 0;

	if (!uint_tok(c, out) || !lit(c, "("))
		return false;
	for (k = c->i; k + 4 <= c->n && k - c->i <= SCHED_MAX_REASON; k++)
		if (memcmp(c->s + k, ") m=", 4) == 0)
			end = k + 1;
	if (end == 0) {
		if (c->n - c->i <= SCHED_MAX_REASON + 4 && reason_prefix(c->s + c->i, c->n - c->i))
			return at_end(c);
		return fail_at(c, c->i);
	}
	l->reason = c->s + c->i;
	l->reason_len = end - 1 - c->i;
	c->i = end;
	return true;
}

/* ---- lines -------------------------------------------------------------------------- */

/* " [q0 q1 ...]": the per-P run queues of a header without scheddetail. */
static bool runq_list(struct sc *c)
{
	struct sched_line *l = c->l;

	if (!lit(c, "["))
		return false;
	for (;;) {
		int64_t v;

		if (!uint_tok(c, &v))
			return false;
		if (l->nrunq >= SCHED_MAX_RUNQ)
			return fail_at(c, c->i);
		l->runq[l->nrunq++] = v;
		if (c->i >= c->n)
			return at_end(c);
		if (c->s[c->i] == ']') {
			c->i++;
			l->has_runq = true;
			return true;
		}
		if (!lit(c, " "))
			return false;
	}
}

static bool whole(const struct sched_line *l, unsigned required)
{
	if ((l->seen & required) != required)
		return false;
	return l->kind != SK_HEADER || l->has_runq || (l->seen & BIT(HK_SYSMONWAIT));
}

static bool kv_value(struct sc *c, int key, int64_t *v)
{
	if (c->l->kind == SK_THREAD && key == MK_PREEMPTOFF)
		return preemptoff_value(c, v);
	if (c->l->kind == SK_G && key == GK_STATUS)
		return g_status_value(c, v);
	return value_tok(c, v);
}

/* " key=value" pairs until the line is whole and ends (text after a whole
 * line is another writer's, left out). */
static bool kv_pairs(struct sc *c, const char *const *keys, int nkeys, unsigned required)
{
	struct sched_line *l = c->l;

	for (;;) {
		int64_t v;
		int k;

		if (c->i >= c->n || c->s[c->i] != ' ') {
			if (whole(l, required))
				return done(c);
			return c->i >= c->n ? at_end(c) : fail_at(c, c->i);
		}
		c->i++;
		if (l->kind == SK_HEADER && c->i < c->n && c->s[c->i] == '[') {
			if (!runq_list(c))
				return false;
			continue;
		}
		if ((k = key_tok(c, keys, nkeys)) == -1)
			return false;
		if (!kv_value(c, k, &v))
			return false;
		if (k >= 0) {
			l->v[k] = v;
			l->seen |= BIT(k);
			l->trace_text = true;
		}
	}
}

static bool scan_header(struct sc *c)
{
	if (!lit(c, "SCHED ") || !uint_tok(c, &c->l->id) || !lit(c, "ms:"))
		return false;
	c->l->trace_text = true;
	return kv_pairs(c, header_keys, HK_COUNT,
			BIT(HK_GOMAXPROCS) | BIT(HK_IDLEPROCS) | BIT(HK_THREADS) | BIT(HK_SPINNING) |
				BIT(HK_IDLETHREADS) | BIT(HK_RUNQUEUE));
}

/* "P0: ", "M3: ", "G17: " and the pairs. */
static bool scan_detail(struct sc *c)
{
	struct sched_line *l = c->l;
	char tag[2] = {c->s[c->i], '\0'};

	if (!lit(c, tag) || !uint_tok(c, &l->id) || !lit(c, ":"))
		return false;
	switch (l->kind) {
	case SK_PROC: return kv_pairs(c, proc_keys, PK_COUNT, (1u << PK_COUNT) - 1);
	case SK_THREAD: return kv_pairs(c, thread_keys, MK_COUNT, (1u << MK_COUNT) - 1);
	default: return kv_pairs(c, g_keys, GK_COUNT, (1u << GK_COUNT) - 1);
	}
}

static void reset(struct sched_line *l, enum sched_kind kind, int64_t *runq)
{
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->runq = runq;
	for (int k = 0; k < SCHED_MAX_KEYS; k++)
		l->v[k] = -1;
}

void sched_scan_kind(struct sched_line *l, enum sched_kind kind, const char *text, size_t n,
		     int64_t *runq)
{
	struct sc c = {text, n, 0, l};
	bool ok;

	reset(l, kind, runq);
	ok = kind == SK_HEADER ? scan_header(&c) : scan_detail(&c);
	if (!ok)
		l->done_at = 0;
}

static enum sched_kind detail_kind(char c)
{
	return c == 'P' ? SK_PROC : c == 'M' ? SK_THREAD : c == 'G' ? SK_G : SK_NONE;
}

static bool word_start(const char *s, size_t at)
{
	char b = at ? s[at - 1] : ' ';

	return !(is_digit(b) || is_lower(b) || (b >= 'A' && b <= 'Z') || b == '_');
}

/* A scan of the text from AT on, as positions in the whole line. */
static void at_offset(struct sched_line *l, size_t at)
{
	l->start = at;
	l->stop += at;
	if (l->done_at)
		l->done_at += at;
}

void sched_scan_line(struct sched_line *l, const char *text, size_t n, int64_t *runq)
{
	size_t i = 0;
	const char *p = text, *end = text + n;

	while (i < n && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i + 1 < n && detail_kind(text[i]) != SK_NONE && is_digit(text[i + 1])) {
		sched_scan_kind(l, detail_kind(text[i]), text + i, n - i, runq);
		at_offset(l, i);
		return;
	}
	/* A header after any prefix the prefix rule did not know. */
	while (p < end && (p = memchr(p, 'S', (size_t)(end - p))) != NULL) {
		size_t at = (size_t)(p - text);

		if (n - at >= 6 && memcmp(p, "SCHED ", 6) == 0 && word_start(text, at)) {
			sched_scan_kind(l, SK_HEADER, p, n - at, runq);
			at_offset(l, at);
			return;
		}
		p++;
	}
	reset(l, SK_NONE, runq);
}
