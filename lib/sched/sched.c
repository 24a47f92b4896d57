/* SPDX-License-Identifier: Apache-2.0 */
/* sched.c — the schedtrace reader: lines (sched_scan.c) into snapshots.
 *
 * A header without scheddetail is a snapshot by itself. A header with it
 * opens a block that the P, M and G lines below fill; the next header, or
 * the end, closes it. Lines of other writers (gctrace, the program) may sit
 * anywhere in a block: they are skipped, not an end. A line cut short by
 * another writer's text is kept pending and the starts of the lines after it
 * are tried as its next pieces (the gctrace reader's rule). G lines are not
 * kept: a block holds counts by status and by wait reason, so a dump of a
 * million goroutines costs a few counters. */
#include <stdlib.h>
#include <string.h>

#include "sched-internal.h"

#define SCH_MAX_LINE ((size_t)1 << 20)
#define SCH_PEND_MAX ((size_t)16 << 10) /* a header of 4096 Ps, a detail line */
#define SCH_PEND_IDLE 64
#define SCH_MAX_PROCS ((size_t)1 << 16)
#define SCH_MAX_THREADS ((size_t)1 << 17) /* Go's default thread limit is 10000 */
#define SCH_MAX_REASONS 256
#define SCH_QUEUE_MAX ((size_t)1 << 16)

/* ---- snapshots waiting for next() ------------------------------------------------------ */

/* A queued snapshot: its fixed fields, and where its arrays are. */
struct rec {
	gomem_sched_snapshot s;
	size_t runq_off, procs_off, threads_off, waits_off;
};

/* The block being read: a header and what the detail lines added. */
struct block {
	bool open;        /* a detailed header (or one pending) owns the lines below */
	bool have_header;
	gomem_sched_snapshot s;
	int64_t *runq;
	size_t nrunq;
	gomem_sched_proc *procs;
	size_t nprocs, procs_cap;
	gomem_sched_thread *threads;
	size_t nthreads, threads_cap;
	int64_t reason_count[SCH_MAX_REASONS]; /* waiting Gs per interned reason id */
	uint32_t reason_ids[SCH_MAX_REASONS];  /* the ids counted, in first-seen order */
	size_t nreasons;
	uint64_t lines;   /* detail lines taken */
};

struct pending {
	bool active;
	enum sched_kind kind;
	uint64_t line;
	unsigned idle;
	size_t len;
	char text[SCH_PEND_MAX];
};

struct gomem_sched_parser {
	gomem_error err;
	gomem_linebuf lb;
	int rc;
	bool finished, discarding;
	gomem_sched_counts counts;
	uint64_t run;
	int64_t last_t;     /* ms of the last header, -1 before */
	struct block b;
	struct pending pend;
	struct sched_line line;
	int64_t scan_runq[SCHED_MAX_RUNQ];
	gomem_strpool reasons;          /* wait reasons, interned across blocks */
	int64_t *rt_ids;                /* the run's runtime goroutines seen parked, sorted */
	size_t nrt, rt_cap;

	struct rec *q;
	size_t qhead, qlen, qcap;
	int64_t *qrunq;
	size_t nqrunq, qrunq_cap;
	gomem_sched_proc *qprocs;
	size_t nqprocs, qprocs_cap;
	gomem_sched_thread *qthreads;
	size_t nqthreads, qthreads_cap;
	gomem_sched_wait *qwaits;
	size_t nqwaits, qwaits_cap;
	gomem_sched_snapshot cur;
};

static int fail(gomem_sched_parser *p, int code, const char *what)
{
	if (p->rc == GOMEM_OK)
		p->rc = gomem_error_at_line(&p->err, code, p->lb.lineno, 0, "%s", what);
	return p->rc;
}

int gomem_sched_parser_new(gomem_sched_parser **out, const char *name)
{
	gomem_sched_parser *p;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return GOMEM_E_NOMEM;
	if ((p->b.runq = malloc(SCHED_MAX_RUNQ * sizeof(*p->b.runq))) == NULL) {
		free(p);
		return GOMEM_E_NOMEM;
	}
	gomem_error_set_source(&p->err, name ? name : "");
	gomem_linebuf_init(&p->lb, SCH_MAX_LINE);
	gomem_strpool_init(&p->reasons);
	p->last_t = -1;
	*out = p;
	return GOMEM_OK;
}

void gomem_sched_parser_free(gomem_sched_parser *p)
{
	if (p == NULL)
		return;
	gomem_linebuf_free(&p->lb);
	gomem_strpool_free(&p->reasons);
	free(p->b.runq);
	free(p->b.procs);
	free(p->b.threads);
	free(p->q);
	free(p->qrunq);
	free(p->qprocs);
	free(p->qthreads);
	free(p->qwaits);
	free(p->rt_ids);
	free(p);
}

const gomem_error *gomem_sched_parser_error(const gomem_sched_parser *p)
{
	return &p->err;
}

void gomem_sched_get_counts(const gomem_sched_parser *p, gomem_sched_counts *out)
{
	*out = p->counts;
}

/* ---- the queue ---------------------------------------------------------------------- */

static int cmp_wait(const void *a, const void *b, void *ctx)
{
	const gomem_sched_wait *x = a, *y = b;

	(void)ctx;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

/* Copies the block's waits into the queue's, most first. */
static int queue_waits(gomem_sched_parser *p, const struct block *b)
{
	size_t first = p->nqwaits;

	if (b->nreasons == 0)
		return GOMEM_OK;
	if (GOMEM_GROW(p->qwaits, p->qwaits_cap, p->nqwaits + b->nreasons, SIZE_MAX / 2))
		return GOMEM_E_NOMEM;
	for (size_t k = 0; k < b->nreasons; k++) {
		uint32_t id = b->reason_ids[k];
		gomem_sched_wait *w;

		if (b->reason_count[k] == 0)
			continue;
		w = &p->qwaits[p->nqwaits++];
		w->reason = gomem_strpool_get(&p->reasons, id);
		w->count = b->reason_count[k];
		w->runtime_owned = sched_runtime_reason(w->reason, gomem_strpool_len(&p->reasons, id));
	}
	return gomem_sort(p->qwaits + first, p->nqwaits - first, sizeof(*p->qwaits), cmp_wait, NULL);
}

static int queue_arrays(gomem_sched_parser *p, const struct block *b, struct rec *r)
{
	if (GOMEM_GROW(p->qrunq, p->qrunq_cap, p->nqrunq + b->nrunq, SIZE_MAX / 16) ||
	    GOMEM_GROW(p->qprocs, p->qprocs_cap, p->nqprocs + b->nprocs, SIZE_MAX / 128) ||
	    GOMEM_GROW(p->qthreads, p->qthreads_cap, p->nqthreads + b->nthreads, SIZE_MAX / 128))
		return GOMEM_E_NOMEM;
	r->runq_off = p->nqrunq;
	r->procs_off = p->nqprocs;
	r->threads_off = p->nqthreads;
	r->waits_off = p->nqwaits;
	if (b->nrunq)
		memcpy(p->qrunq + p->nqrunq, b->runq, b->nrunq * sizeof(*b->runq));
	if (b->nprocs)
		memcpy(p->qprocs + p->nqprocs, b->procs, b->nprocs * sizeof(*b->procs));
	if (b->nthreads)
		memcpy(p->qthreads + p->nqthreads, b->threads, b->nthreads * sizeof(*b->threads));
	p->nqrunq += b->nrunq;
	p->nqprocs += b->nprocs;
	p->nqthreads += b->nthreads;
	return queue_waits(p, b);
}

/* The figures a block adds up once it is closed. */
static void block_totals(struct block *b)
{
	gomem_sched_snapshot *s = &b->s;

	s->nrunq = b->nrunq;
	s->nprocs = b->nprocs;
	s->nthreads_detail = b->nthreads;
	if (b->nrunq == 0 && b->nprocs > 0) /* scheddetail: the queues are the Ps' runqsize */
		for (size_t k = 0; k < b->nprocs && k < SCHED_MAX_RUNQ; k++)
			b->runq[b->nrunq++] = b->procs[k].runqsize < 0 ? 0 : b->procs[k].runqsize;
	s->nrunq = b->nrunq;
	if (b->nrunq > 0) {
		s->local = 0;
		s->local_max = s->local_min = b->runq[0];
		for (size_t k = 0; k < b->nrunq; k++) {
			s->local += b->runq[k];
			if (b->runq[k] > s->local_max)
				s->local_max = b->runq[k];
			if (b->runq[k] < s->local_min)
				s->local_min = b->runq[k];
		}
	}
	if (s->detailed) {
		s->goroutines = s->g_runnable + s->g_running + s->g_syscall + s->g_waiting + s->g_dead +
				s->g_other;
		s->goroutines_live = s->goroutines - s->g_dead - s->goroutines_runtime;
	}
}

static int push(gomem_sched_parser *p, struct block *b)
{
	struct rec *r;
	int rc;

	if (p->qhead == p->qlen)
		p->qhead = p->qlen = p->nqrunq = p->nqprocs = p->nqthreads = p->nqwaits = 0;
	if (GOMEM_GROW(p->q, p->qcap, p->qlen + 1, SCH_QUEUE_MAX))
		return fail(p, GOMEM_E_LIMIT, "too many snapshots waiting: call next() between feeds");
	block_totals(b);
	r = &p->q[p->qlen];
	r->s = b->s;
	if ((rc = queue_arrays(p, b, r)) != GOMEM_OK)
		return fail(p, rc, "out of memory queueing a snapshot");
	p->qlen++;
	p->counts.snapshots++;
	p->counts.runs = p->run + 1;
	p->counts.reassembled += b->s.reassembled != 0;
	return GOMEM_OK;
}

/* ---- blocks ------------------------------------------------------------------------- */

static void block_clear(struct block *b)
{
	b->open = b->have_header = false;
	b->nrunq = b->nprocs = b->nthreads = b->nreasons = 0;
	b->lines = 0;
}

/* Closes the open block: a snapshot when its header came, else its lines
 * were never a snapshot's. */
static int close_block(gomem_sched_parser *p)
{
	int rc = GOMEM_OK;

	if (!p->b.open)
		return GOMEM_OK;
	if (p->b.have_header)
		rc = push(p, &p->b);
	else
		p->counts.unparsed += p->b.lines;
	block_clear(&p->b);
	return rc;
}

static int64_t hv(const struct sched_line *l, int k)
{
	return (l->seen & (1u << k)) ? l->v[k] : -1;
}

/* The header's fields into the block's snapshot; a T that goes back is a
 * new run (the process restarted; the first T of a run is 0). */
static void take_header(gomem_sched_parser *p, const struct sched_line *l, uint64_t line,
			int reassembled)
{
	gomem_sched_snapshot *s = &p->b.s;

	if (p->last_t >= 0 && l->id < p->last_t) {
		p->run++;
		p->nrt = 0; /* another process: its goroutine ids are its own */
	}
	p->last_t = l->id;
	memset(s, 0, sizeof(*s));
	s->run = p->run;
	s->line = line;
	s->reassembled = reassembled;
	s->layout = (l->seen & (1u << HK_NEEDSPINNING)) ? GOMEM_SCHED_GO121 : GOMEM_SCHED_GO119;
	s->detailed = !l->has_runq;
	s->t = (double)l->id / 1000.0;
	s->gomaxprocs = hv(l, HK_GOMAXPROCS);
	s->idleprocs = hv(l, HK_IDLEPROCS);
	s->threads = hv(l, HK_THREADS);
	s->spinningthreads = hv(l, HK_SPINNING);
	s->needspinning = hv(l, HK_NEEDSPINNING);
	s->idlethreads = hv(l, HK_IDLETHREADS);
	s->runqueue = hv(l, HK_RUNQUEUE);
	s->gcwaiting = hv(l, HK_GCWAITING);
	s->nmidlelocked = hv(l, HK_NMIDLELOCKED);
	s->stopwait = hv(l, HK_STOPWAIT);
	s->sysmonwait = hv(l, HK_SYSMONWAIT);
	s->local = s->local_max = s->local_min = -1;
	s->goroutines = s->goroutines_live = s->goroutines_runtime = -1;
	if (s->detailed)
		s->goroutines_runtime = 0;
	p->b.nrunq = 0;
	if (l->has_runq) {
		memcpy(p->b.runq, l->runq, l->nrunq * sizeof(*l->runq));
		p->b.nrunq = l->nrunq;
	}
	p->b.have_header = true;
}

static int on_header(gomem_sched_parser *p, const struct sched_line *l, uint64_t line,
		     int reassembled)
{
	int rc;

	/* A pending header's block already holds the lines read since. */
	if (!(reassembled && p->b.open && !p->b.have_header) && (rc = close_block(p)) != GOMEM_OK)
		return rc;
	take_header(p, l, line, reassembled);
	if (!p->b.s.detailed) {
		rc = push(p, &p->b);
		block_clear(&p->b);
		return rc;
	}
	p->b.open = true;
	return GOMEM_OK;
}

static int add_proc(gomem_sched_parser *p, const struct sched_line *l)
{
	struct block *b = &p->b;
	gomem_sched_proc *pp;

	if (GOMEM_GROW(b->procs, b->procs_cap, b->nprocs + 1, SCH_MAX_PROCS))
		return GOMEM_E_LIMIT;
	pp = &b->procs[b->nprocs++];
	pp->id = l->id;
	pp->status = l->v[PK_STATUS];
	pp->schedtick = l->v[PK_SCHEDTICK];
	pp->syscalltick = l->v[PK_SYSCALLTICK];
	pp->m = l->v[PK_M];
	pp->runqsize = l->v[PK_RUNQSIZE];
	pp->gfreecnt = l->v[PK_GFREECNT];
	pp->timerslen = l->v[PK_TIMERSLEN];
	return GOMEM_OK;
}

static int add_thread(gomem_sched_parser *p, const struct sched_line *l)
{
	struct block *b = &p->b;
	gomem_sched_thread *t;

	if (GOMEM_GROW(b->threads, b->threads_cap, b->nthreads + 1, SCH_MAX_THREADS))
		return GOMEM_E_LIMIT;
	t = &b->threads[b->nthreads++];
	t->id = l->id;
	t->p = l->v[MK_P];
	t->curg = l->v[MK_CURG];
	t->mallocing = l->v[MK_MALLOCING];
	t->throwing = l->v[MK_THROWING];
	t->locks = l->v[MK_LOCKS];
	t->dying = l->v[MK_DYING];
	t->lockedg = l->v[MK_LOCKEDG];
	t->spinning = (int)l->v[MK_SPINNING];
	t->blocked = (int)l->v[MK_BLOCKED];
	t->preempt_off = l->v[MK_PREEMPTOFF] > 0;
	return GOMEM_OK;
}

/* A waiting goroutine's reason into the block's counts. */
static int count_reason(gomem_sched_parser *p, const char *reason, size_t len)
{
	struct block *b = &p->b;
	uint32_t id;
	size_t k;
	int rc;

	if (b->nreasons >= SCH_MAX_REASONS) { /* not the runtime's: hundreds of reasons */
		reason = "other";
		len = 5;
	}
	if ((rc = gomem_strpool_intern(&p->reasons, reason, len, &id)) != GOMEM_OK)
		return rc;
	for (k = 0; k < b->nreasons && b->reason_ids[k] != id; k++)
		;
	if (k == b->nreasons) {
		if (k >= SCH_MAX_REASONS)
			k = SCH_MAX_REASONS - 1;
		else
			b->nreasons++;
		b->reason_ids[k] = id;
		b->reason_count[k] = 0;
	}
	b->reason_count[k]++;
	return GOMEM_OK;
}

/* Where ID is in the sorted set of runtime goroutines (or would go). */
static size_t rt_find(const gomem_sched_parser *p, int64_t id)
{
	size_t lo = 0, hi = p->nrt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->rt_ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A goroutine seen parked in a runtime loop stays the runtime's: a GC
 * worker marking, or the finalizer goroutine woken, no longer says so by
 * its wait reason (goroutine ids are never reused). */
static void rt_remember(gomem_sched_parser *p, int64_t id)
{
	size_t k = rt_find(p, id);

	if (k < p->nrt && p->rt_ids[k] == id)
		return;
	if (GOMEM_GROW(p->rt_ids, p->rt_cap, p->nrt + 1, 4096))
		return; /* past 4096 runtime goroutines: the reasons still tell */
	memmove(p->rt_ids + k + 1, p->rt_ids + k, (p->nrt - k) * sizeof(*p->rt_ids));
	p->rt_ids[k] = id;
	p->nrt++;
}

/* The runtime's own goroutines (forcegchelper, bgsweep, bgscavenge, the
 * finalizer goroutine, the GC workers) are told by the reason they wait in,
 * or by having waited in it before: the scavenger sleeps in "sleep" as a
 * user goroutine would, a GC worker marks with no reason at all. Their ids
 * are not fixed (ids come from per-P batches, so forcegchelper may be G17). */
static bool runtime_goroutine(gomem_sched_parser *p, const struct sched_line *l, int64_t status)
{
	size_t k;

	if (status == 6)
		return false;
	if (status == 4 && sched_runtime_reason(l->reason, l->reason_len)) {
		rt_remember(p, l->id);
		return true;
	}
	k = rt_find(p, l->id);
	return k < p->nrt && p->rt_ids[k] == l->id;
}

static int add_g(gomem_sched_parser *p, const struct sched_line *l)
{
	gomem_sched_snapshot *s = &p->b.s;
	int64_t status = l->v[GK_STATUS] & ~(int64_t)0x1000; /* _Gscan: being scanned */

	s->goroutines_runtime += runtime_goroutine(p, l, status);
	switch (status) {
	case 1: s->g_runnable++; break;
	case 2: s->g_running++; break;
	case 3: s->g_syscall++; break;
	case 6: s->g_dead++; break;
	case 4:
		s->g_waiting++;
		return count_reason(p, l->reason, l->reason_len);
	default: s->g_other++; break; /* idle, copystack, preempted */
	}
	return GOMEM_OK;
}

/* A P, M or G line: into the open block, or not a snapshot's at all. */
static int on_detail(gomem_sched_parser *p, const struct sched_line *l)
{
	int rc;

	if (!p->b.open) {
		p->counts.unparsed++;
		return GOMEM_OK;
	}
	p->b.lines++;
	p->counts.detail_lines++;
	switch (l->kind) {
	case SK_PROC: rc = add_proc(p, l); break;
	case SK_THREAD: rc = add_thread(p, l); break;
	default: rc = add_g(p, l); break;
	}
	if (rc == GOMEM_E_LIMIT) { /* past the caps: counted, not kept */
		p->counts.unparsed++;
		return GOMEM_OK;
	}
	return rc ? fail(p, rc, "out of memory reading a scheddetail block") : GOMEM_OK;
}

static int on_line(gomem_sched_parser *p, const struct sched_line *l, uint64_t line, int reassembled)
{
	if (l->kind == SK_HEADER)
		return on_header(p, l, line, reassembled);
	return on_detail(p, l);
}

/* ---- shredded lines ----------------------------------------------------------------- */

static void abandon(gomem_sched_parser *p)
{
	if (!p->pend.active)
		return;
	p->counts.unparsed++;
	p->pend.active = false;
	/* A header that never came whole: the lines read for its block go too. */
	if (p->pend.kind == SK_HEADER && p->b.open && !p->b.have_header)
		close_block(p);
}

static int start_pending(gomem_sched_parser *p, const char *s, const struct sched_line *l)
{
	size_t len = l->stop - l->start;
	int rc;

	abandon(p);
	if (len > SCH_PEND_MAX) {
		p->counts.unparsed++;
		return GOMEM_OK;
	}
	memcpy(p->pend.text, s + l->start, len);
	p->pend.len = len;
	p->pend.kind = l->kind;
	p->pend.line = p->lb.lineno;
	p->pend.idle = 0;
	p->pend.active = true;
	if (l->kind == SK_HEADER) { /* its block starts here: the lines below are its own */
		if ((rc = close_block(p)) != GOMEM_OK)
			return rc;
		p->b.open = true;
	}
	return GOMEM_OK;
}

/* Takes the start of S as the pending line's next piece when it keeps the
 * text valid; 1 when it did. */
static int continue_pending(gomem_sched_parser *p, const char *s, size_t n)
{
	struct pending *pd = &p->pend;
	size_t room = SCH_PEND_MAX - pd->len, take = n < room ? n : room;
	struct sched_line *l = &p->line;
	size_t piece;

	memcpy(pd->text + pd->len, s, take);
	sched_scan_kind(l, pd->kind, pd->text, pd->len + take, p->scan_runq);
	piece = l->done_at ? l->done_at : l->stop;
	if (piece <= pd->len)
		return 0;
	pd->len = piece;
	pd->idle = 0;
	if (l->done_at) {
		pd->active = false;
		p->counts.reassembled += l->kind != SK_HEADER;
		return on_line(p, l, pd->line, 1) ? -1 : 1;
	}
	if (pd->len >= SCH_PEND_MAX)
		abandon(p);
	return 1;
}

/* ---- lines -------------------------------------------------------------------------- */

/* The one place a line's text is found: the log prefixes every text reader
 * takes off (gomem_line_skip_prefix), then a JSON log line's message. */
static const char *line_text(const char *s, size_t *n, char *buf)
{
	const char *t = gomem_line_skip_prefix(s, s + *n);

	*n -= (size_t)(t - s);
	s = t;
	if (gomem_json_log_line(s, *n)) {
		long m = gomem_json_log_message(s, *n, buf);

		if (m >= 0) {
			*n = (size_t)m;
			return buf;
		}
	}
	return s;
}

static int process_line(gomem_sched_parser *p, const char *s, size_t n)
{
	char buf[GOMEM_JSON_LOG_MAX];
	struct sched_line *l = &p->line;
	const char *t;
	int rc;

	p->counts.lines++;
	if (n > SCH_MAX_LINE) {
		p->counts.skipped++;
		return GOMEM_OK;
	}
	t = line_text(s, &n, buf);
	sched_scan_line(l, t, n, p->scan_runq);
	if (l->done_at) {
		abandon(p);
		return on_line(p, l, p->lb.lineno, 0);
	}
	if (p->pend.active) {
		rc = continue_pending(p, t, n);
		if (rc)
			return rc < 0 ? p->rc : GOMEM_OK;
		if (++p->pend.idle > SCH_PEND_IDLE)
			abandon(p);
		sched_scan_line(l, t, n, p->scan_runq); /* continue_pending used the scan */
	}
	if (l->kind != SK_NONE && l->eof)
		return start_pending(p, t, l);
	if (l->kind != SK_NONE && l->trace_text)
		p->counts.unparsed++;
	else
		p->counts.skipped++;
	return GOMEM_OK;
}

static void start_discarding(gomem_sched_parser *p)
{
	gomem_linebuf *lb = &p->lb;

	lb->partial.len = 0;
	p->counts.lines++;
	p->counts.skipped++;
	lb->lineno++;
	p->discarding = !(lb->pos > 0 && lb->chunk[lb->pos - 1] == '\n');
}

static void discard(gomem_sched_parser *p)
{
	gomem_linebuf *lb = &p->lb;
	const char *start = lb->chunk + lb->pos, *nl;

	if (lb->pos >= lb->chunk_len)
		return;
	nl = memchr(start, '\n', lb->chunk_len - lb->pos);
	if (nl == NULL) {
		lb->pos = lb->chunk_len;
		return;
	}
	lb->pos += (size_t)(nl - start) + 1;
	p->discarding = false;
}

/* Reads every line of the chunk (the chunk goes away after feed returns). */
static int pump(gomem_sched_parser *p)
{
	while (p->rc == GOMEM_OK) {
		const char *line;
		size_t len;
		int rc;

		if (p->discarding) {
			discard(p);
			if (p->discarding)
				return GOMEM_OK;
		}
		rc = gomem_linebuf_next(&p->lb, &line, &len);
		if (rc == 0)
			return GOMEM_OK;
		if (rc == GOMEM_E_LIMIT) {
			start_discarding(p);
			continue;
		}
		if (rc < 0)
			return fail(p, rc, "out of memory assembling a line");
		if ((rc = process_line(p, line, len)) != GOMEM_OK)
			return rc;
	}
	return p->rc;
}

int gomem_sched_feed(gomem_sched_parser *p, const void *data, size_t len)
{
	if (p->rc)
		return p->rc;
	if (p->finished)
		return fail(p, GOMEM_E_INVALID, "feed after finish");
	if (len == 0)
		return GOMEM_OK;
	gomem_linebuf_feed(&p->lb, data, len);
	return pump(p);
}

int gomem_sched_restart(gomem_sched_parser *p)
{
	return gomem_sched_feed(p, "\n", 1);
}

int gomem_sched_finish(gomem_sched_parser *p)
{
	int rc;

	if (p->rc)
		return p->rc;
	if (p->finished)
		return GOMEM_OK;
	p->finished = true;
	gomem_linebuf_finish(&p->lb);
	if ((rc = pump(p)) != GOMEM_OK)
		return rc;
	abandon(p);
	return close_block(p) ? p->rc : GOMEM_OK;
}

int gomem_sched_next(gomem_sched_parser *p, const gomem_sched_snapshot **snap)
{
	const struct rec *r;

	if (snap == NULL)
		return GOMEM_E_INVALID;
	*snap = NULL;
	if (p->rc)
		return p->rc;
	if (p->qhead == p->qlen)
		return 0;
	r = &p->q[p->qhead++];
	p->cur = r->s;
	p->cur.runq = p->cur.nrunq ? p->qrunq + r->runq_off : NULL;
	p->cur.procs = p->cur.nprocs ? p->qprocs + r->procs_off : NULL;
	p->cur.threads_detail = p->cur.nthreads_detail ? p->qthreads + r->threads_off : NULL;
	p->cur.nwaits = (p->qhead < p->qlen ? p->q[p->qhead].waits_off : p->nqwaits) - r->waits_off;
	p->cur.waits = p->cur.nwaits ? p->qwaits + r->waits_off : NULL;
	*snap = &p->cur;
	return 1;
}
