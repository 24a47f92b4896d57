/* SPDX-License-Identifier: Apache-2.0 */
/* trace_order.c — the ordering state machine of Go's internal/trace
 * (order.go), event for event: it emulates the scheduler's goroutine, proc
 * and thread states and their sequence numbers, so that events from the
 * per-M batches come out in an order the runtime could have produced them
 * in, and a trace that no scheduler could have produced is refused. Each
 * handler answers "advance", "not yet" (another M must go first) or an
 * error, and queues the event (sometimes more than one) with its context.
 * The messages are Go's, positioned at the event's byte. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace-internal.h"

enum { MUST_NOT = 0, MAY, MUST };
enum { GC_UNDETERMINED = 0, GC_NOT_RUNNING, GC_RUNNING };

/* The resolved go states Go smuggles into ProcStatus/GoStatus (trace.GoState). */
enum { GS_UNDETERMINED = 0, GS_NOTEXIST, GS_RUNNABLE, GS_RUNNING, GS_WAITING, GS_SYSCALL };
enum { PS_UNDETERMINED = 0, PS_NOTEXIST, PS_RUNNING, PS_IDLE };

struct ctx { int64_t g, p, m; };

#define ITEMS_MAX ((size_t)1 << 26)

static int fail(struct tr_order *o, const struct tr_ev *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct tr_order *o, const struct tr_ev *ev, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gomem_error_at_byte(o->err, GOMEM_E_FORMAT, ev->off, "%s", msg);
}

static int nomem(struct tr_order *o, const struct tr_ev *ev, int rc)
{
	return gomem_error_at_byte(o->err, rc, ev->off, "ordering: %s", gomem_strerror(rc));
}

static const char *evname(int typ)
{
	const char *n = gomem_trace_type_name(typ);

	return n ? n : "?";
}

static const char *go_status_name(int s)
{
	static const char *const n[] = {"Bad", "Runnable", "Running", "Syscall", "Waiting"};

	return s >= 0 && s < 5 ? n[s] : "Bad";
}

static const char *p_status_name(int s)
{
	/* go122.ProcStatus.String(): SyscallAbandoned prints as Bad */
	static const char *const n[] = {"Bad", "Running", "Idle", "Syscall", "Bad"};

	return s >= 0 && s < 5 ? n[s] : "Bad";
}

void tr_order_init(struct tr_order *o, gomem_error *err, int minor)
{
	memset(o, 0, sizeof(*o));
	tr_map_init(&o->gmap);
	tr_map_init(&o->pmap);
	tr_map_init(&o->mmap);
	tr_map_init(&o->taskmap);
	gomem_strpool_init(&o->names);
	o->err = err;
	o->minor = minor;
	o->max_items = ITEMS_MAX;
	o->last_m = INT64_MIN; /* no thread has that id */
}

void tr_order_free(struct tr_order *o)
{
	for (size_t i = 0; i < o->ngs; i++) {
		free(o->gs[i].regions);
		free(o->gs[i].ranges);
	}
	for (size_t i = 0; i < o->nps; i++)
		free(o->ps[i].ranges);
	free(o->gs);
	free(o->free_gs);
	free(o->ps);
	free(o->ms);
	free(o->tasks);
	free(o->free_tasks);
	tr_map_free(&o->gmap);
	tr_map_free(&o->pmap);
	tr_map_free(&o->mmap);
	tr_map_free(&o->taskmap);
	gomem_strpool_free(&o->names);
	tr_queue_free(&o->queue);
	memset(o, 0, sizeof(*o));
}

/* ---- resource states -------------------------------------------------------- */

static struct tr_gstate *gstate(struct tr_order *o, int64_t id)
{
	uint32_t i;

	return tr_map_get(&o->gmap, (uint64_t)id, &i) ? &o->gs[i] : NULL;
}

static int gstate_new(struct tr_order *o, int64_t id, uint8_t status, uint64_t gen)
{
	struct tr_gstate *g;
	uint32_t i;
	int rc;

	if (o->nfree_gs) {
		i = o->free_gs[--o->nfree_gs];
	} else {
		if ((rc = GOMEM_GROW(o->gs, o->gs_cap, o->ngs + 1, o->max_items)) != GOMEM_OK)
			return rc;
		i = (uint32_t)o->ngs++;
		memset(&o->gs[i], 0, sizeof(o->gs[i]));
	}
	g = &o->gs[i];
	g->id = id;
	g->status = status;
	g->seq_gen = gen;
	g->seq = 0;
	g->nregions = g->nranges = 0; /* keep the arrays of the slot's last goroutine */
	return tr_map_put(&o->gmap, (uint64_t)id, i);
}

static int gstate_del(struct tr_order *o, int64_t id)
{
	uint32_t i;
	int rc;

	if (!tr_map_get(&o->gmap, (uint64_t)id, &i))
		return GOMEM_OK;
	tr_map_del(&o->gmap, (uint64_t)id);
	if ((rc = GOMEM_GROW(o->free_gs, o->free_gs_cap, o->nfree_gs + 1, o->max_items)) != GOMEM_OK)
		return rc;
	o->free_gs[o->nfree_gs++] = i;
	return GOMEM_OK;
}

static struct tr_pstate *pstate(struct tr_order *o, int64_t id)
{
	uint32_t i;

	return tr_map_get(&o->pmap, (uint64_t)id, &i) ? &o->ps[i] : NULL;
}

static int pstate_new(struct tr_order *o, int64_t id, uint8_t status, uint64_t gen)
{
	int rc;

	if ((rc = GOMEM_GROW(o->ps, o->ps_cap, o->nps + 1, o->max_items)) != GOMEM_OK)
		return rc;
	memset(&o->ps[o->nps], 0, sizeof(o->ps[0]));
	o->ps[o->nps].id = id;
	o->ps[o->nps].status = status;
	o->ps[o->nps].seq_gen = gen;
	if ((rc = tr_map_put(&o->pmap, (uint64_t)id, (uint32_t)o->nps)) != GOMEM_OK)
		return rc;
	o->nps++;
	return GOMEM_OK;
}

static struct tr_mstate *mstate(struct tr_order *o, int64_t id)
{
	uint32_t i;

	if (o->nms && id == o->last_m)
		return &o->ms[o->last_m_slot];
	if (!tr_map_get(&o->mmap, (uint64_t)id, &i))
		return NULL;
	o->last_m = id;
	o->last_m_slot = i;
	return &o->ms[i];
}

static int mstate_new(struct tr_order *o, int64_t id, int64_t g, int64_t p, struct tr_mstate **out)
{
	int rc;

	if ((rc = GOMEM_GROW(o->ms, o->ms_cap, o->nms + 1, o->max_items)) != GOMEM_OK)
		return rc;
	o->ms[o->nms].id = id;
	o->ms[o->nms].g = g;
	o->ms[o->nms].p = p;
	if ((rc = tr_map_put(&o->mmap, (uint64_t)id, (uint32_t)o->nms)) != GOMEM_OK)
		return rc;
	*out = &o->ms[o->nms++];
	return GOMEM_OK;
}

/* seqCounter.succeeds */
static int succeeds(uint64_t gen, uint64_t seq, uint64_t bgen, uint64_t bseq)
{
	return gen == bgen && seq == bseq + 1;
}

/* ---- special ranges (rangeState) -------------------------------------------- */

static uint8_t range_type(int typ)
{
	const struct tr_spec *s = tr_spec(typ, 99);

	return s && s->start_ev != TR_EV_NONE ? s->start_ev : (uint8_t)typ;
}

static int has_range(const struct tr_range *r, size_t n, uint8_t typ, uint64_t desc)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].typ == typ && r[i].desc == desc)
			return 1;
	return 0;
}

static int push_range(struct tr_order *o, struct tr_range **r, size_t *n, size_t *cap, uint8_t typ,
		      uint64_t desc)
{
	int rc = GOMEM_GROW(*r, *cap, *n + 1, 1024);

	(void)o;
	if (rc != GOMEM_OK)
		return rc;
	(*r)[*n].typ = typ;
	(*r)[*n].desc = desc;
	(*n)++;
	return GOMEM_OK;
}

static int begin_range(struct tr_order *o, const struct tr_ev *ev, struct tr_range **r, size_t *n,
		       size_t *cap, uint8_t typ, uint64_t desc)
{
	int rc;

	if (has_range(*r, *n, typ, desc))
		return fail(o, ev, "discovered event already in-flight for when starting event %s",
			    evname(typ));
	if ((rc = push_range(o, r, n, cap, typ, desc)) != GOMEM_OK)
		return nomem(o, ev, rc);
	return GOMEM_OK;
}

static int active_range(struct tr_order *o, const struct tr_ev *ev, struct tr_range **r, size_t *n,
			size_t *cap, uint8_t typ, int initial_gen)
{
	int rc;

	if (initial_gen) {
		if (has_range(*r, *n, typ, 0))
			return fail(o, ev, "found named active range already in first gen: %s", evname(typ));
		if ((rc = push_range(o, r, n, cap, typ, 0)) != GOMEM_OK)
			return nomem(o, ev, rc);
	} else if (!has_range(*r, *n, typ, 0)) {
		return fail(o, ev, "resource is missing active range: %s", evname(typ));
	}
	return GOMEM_OK;
}

/* Ends the first in-flight range begun by TYP's start event: its desc in *desc. */
static int end_range(struct tr_order *o, const struct tr_ev *ev, struct tr_range *r, size_t *n,
		     int typ, uint64_t *desc)
{
	uint8_t st = range_type(typ);

	for (size_t i = 0; i < *n; i++) {
		if (r[i].typ == st) {
			*desc = r[i].desc;
			r[i] = r[*n - 1];
			(*n)--;
			return GOMEM_OK;
		}
	}
	return fail(o, ev, "tried to end event %s, but not in-flight", evname(st));
}

/* ---- helpers ------------------------------------------------------------------ */

static int validate_ctx(struct tr_order *o, const struct tr_ev *ev, const struct ctx *c, int thread,
			int proc, int goroutine)
{
	if (thread == MUST && c->m == TR_NONE)
		return fail(o, ev, "expected a thread but didn't have one");
	if (thread == MUST_NOT && c->m != TR_NONE)
		return fail(o, ev, "expected no thread but had one");
	if (proc == MUST && c->p == TR_NONE)
		return fail(o, ev, "expected a proc but didn't have one");
	if (proc == MUST_NOT && c->p != TR_NONE)
		return fail(o, ev, "expected no proc but had one");
	if (goroutine == MUST && c->g == TR_NONE)
		return fail(o, ev, "expected a goroutine but didn't have one");
	if (goroutine == MUST_NOT && c->g != TR_NONE)
		return fail(o, ev, "expected no goroutine but had one");
	return GOMEM_OK;
}

#define USER_GO(o, ev, c) validate_ctx(o, ev, c, MUST, MUST, MUST)

static int queue(struct tr_order *o, const struct tr_ev *ev, const struct ctx *c)
{
	struct tr_ev q = *ev;
	int rc;

	q.g = c->g;
	q.p = c->p;
	q.m = c->m;
	if ((rc = tr_queue_push(&o->queue, &q)) != GOMEM_OK)
		return nomem(o, ev, rc);
	return GOMEM_OK;
}

/* A made-up event (Go's makeEvent): TYP at EV's time and offset. */
static int queue_made(struct tr_order *o, const struct tr_ev *ev, const struct ctx *c, int typ,
		      uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct tr_ev q;

	memset(&q, 0, sizeof(q));
	q.typ = (uint8_t)typ;
	q.time = ev->time;
	q.off = ev->off;
	q.args[0] = a0;
	q.args[1] = a1;
	q.args[2] = a2;
	q.args[3] = a3;
	return queue(o, &q, c);
}

/* The argument after the last one the spec lists (Go's baseEvent.extra). */
static uint64_t *extra(struct tr_ev *ev, int i)
{
	const struct tr_spec *s = tr_spec(ev->typ, 99);

	return &ev->args[s->nargs - 1 + i];
}

#define RET_ERR(x) do { int rc_ = (x); if (rc_ < 0) return rc_; } while (0)

/* ---- procs ---------------------------------------------------------------------- */

static const uint8_t p_status_to_state[] = {0, PS_RUNNING, PS_IDLE, PS_RUNNING, PS_IDLE};

static int adv_proc_status(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			   struct ctx *cur, struct ctx *nc)
{
	int64_t pid = (int64_t)ev->args[0];
	uint64_t status = ev->args[1];
	struct tr_pstate *s;
	uint8_t old;
	int rc;

	(void)t;
	if (status >= GOMEM_ARRAY_SIZE(p_status_to_state))
		return fail(o, ev, "invalid status for proc %lld: %llu", (long long)pid,
			    (unsigned long long)status);
	old = p_status_to_state[status];
	if ((s = pstate(o, pid)) != NULL) {
		if (status == TR_P_SYSCALL_ABANDONED && s->status == TR_P_SYSCALL) {
			old = PS_RUNNING;
			ev->args[1] = TR_P_SYSCALL;
		} else if (status == TR_P_SYSCALL_ABANDONED && s->status == TR_P_SYSCALL_ABANDONED) {
			old = PS_IDLE;
			ev->args[1] = TR_P_SYSCALL_ABANDONED;
		} else if (s->status != status) {
			return fail(o, ev, "inconsistent status for proc %lld: old %s vs. new %s",
				    (long long)pid, p_status_name(s->status), p_status_name((int)status));
		}
		s->seq_gen = gen;
		s->seq = 0;
	} else {
		if ((rc = pstate_new(o, pid, (uint8_t)status, gen)) != GOMEM_OK)
			return nomem(o, ev, rc);
		old = gen == o->initial_gen ? PS_UNDETERMINED : PS_NOTEXIST;
	}
	*extra(ev, 0) = old;
	*nc = *cur;
	if (status == TR_P_RUNNING || status == TR_P_SYSCALL)
		nc->p = pid;
	/* A proc about to be stolen from a syscall: emit the transition in
	 * the context it is bound to. */
	if (status == TR_P_SYSCALL_ABANDONED && old == PS_RUNNING) {
		int found = 0;

		for (size_t i = 0; i < o->nms; i++) {
			if (o->ms[i].p == pid) {
				cur->m = o->ms[i].id;
				cur->p = pid;
				cur->g = o->ms[i].g;
				found = 1;
			}
		}
		if (!found)
			return fail(o, ev, "failed to find sched context for proc %lld that's about to be stolen",
				    (long long)pid);
	}
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_proc_start(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			  struct ctx *cur, struct ctx *nc)
{
	int64_t pid = (int64_t)ev->args[0];
	struct tr_pstate *s = pstate(o, pid);

	(void)t;
	if (!s || s->status != TR_P_IDLE || !succeeds(gen, ev->args[1], s->seq_gen, s->seq) ||
	    cur->p != TR_NONE)
		return 0;
	RET_ERR(validate_ctx(o, ev, cur, MUST, MUST_NOT, MAY));
	s->status = TR_P_RUNNING;
	s->seq_gen = gen;
	s->seq = ev->args[1];
	*nc = *cur;
	nc->p = pid;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_proc_stop(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			 struct ctx *cur, struct ctx *nc)
{
	struct tr_pstate *s = pstate(o, cur->p);

	(void)t;
	(void)gen;
	if (!s)
		return fail(o, ev, "event %s for proc (%lld) that doesn't exist", evname(ev->typ),
			    (long long)cur->p);
	if (s->status != TR_P_RUNNING && s->status != TR_P_SYSCALL)
		return fail(o, ev, "%s event for proc that's not Running or Syscall", evname(ev->typ));
	RET_ERR(validate_ctx(o, ev, cur, MUST, MUST, MAY));
	s->status = TR_P_IDLE;
	*nc = *cur;
	nc->p = TR_NONE;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_proc_steal(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			  struct ctx *cur, struct ctx *nc)
{
	int64_t pid = (int64_t)ev->args[0], mid;
	struct tr_pstate *s = pstate(o, pid);
	struct tr_mstate *ms;
	uint8_t old;

	(void)t;
	if (!s || (s->status != TR_P_SYSCALL && s->status != TR_P_SYSCALL_ABANDONED) ||
	    !succeeds(gen, ev->args[1], s->seq_gen, s->seq))
		return 0;
	RET_ERR(validate_ctx(o, ev, cur, MUST, MAY, MAY));
	old = s->status;
	*extra(ev, 0) = old;
	s->status = TR_P_IDLE;
	s->seq_gen = gen;
	s->seq = ev->args[1];
	*nc = *cur;
	if (old == TR_P_SYSCALL_ABANDONED) {
		RET_ERR(queue(o, ev, cur));
		return 1;
	}
	mid = (int64_t)ev->args[2];
	if (mid == cur->m) {
		if (cur->p != pid)
			return fail(o, ev, "tried to self-steal proc %lld (thread %lld), but got proc %lld instead",
				    (long long)pid, (long long)mid, (long long)cur->p);
		nc->p = TR_NONE;
		RET_ERR(queue(o, ev, cur));
		return 1;
	}
	if ((ms = mstate(o, mid)) == NULL)
		return fail(o, ev, "stole proc from non-existent thread %lld", (long long)mid);
	if (ms->p != pid)
		return fail(o, ev, "tried to steal proc %lld from thread %lld, but got proc %lld instead",
			    (long long)pid, (long long)mid, (long long)ms->p);
	ms->p = TR_NONE;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

/* ---- goroutines ----------------------------------------------------------------- */

static const uint8_t go_status_to_state[] = {0, GS_RUNNABLE, GS_RUNNING, GS_SYSCALL, GS_WAITING};

static int adv_go_status(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			 struct ctx *cur, struct ctx *nc)
{
	int64_t gid = (int64_t)ev->args[0], mid = (int64_t)ev->args[1];
	uint64_t status = ev->args[2];
	struct tr_gstate *s;
	struct tr_mstate *ms;
	uint8_t old;
	int rc;

	(void)t;
	if (status >= GOMEM_ARRAY_SIZE(go_status_to_state))
		return fail(o, ev, "invalid status for goroutine %lld: %llu", (long long)gid,
			    (unsigned long long)status);
	old = go_status_to_state[status];
	if ((s = gstate(o, gid)) != NULL) {
		if (s->status != status)
			return fail(o, ev, "inconsistent status for goroutine %lld: old %s vs. new %s",
				    (long long)gid, go_status_name(s->status), go_status_name((int)status));
		s->seq_gen = gen;
		s->seq = 0;
	} else if (gen == o->initial_gen) {
		if ((rc = gstate_new(o, gid, (uint8_t)status, gen)) != GOMEM_OK)
			return nomem(o, ev, rc);
		old = GS_UNDETERMINED;
	} else {
		return fail(o, ev, "found goroutine status for new goroutine after the first generation: "
			    "id=%lld status=%s", (long long)gid, go_status_name((int)status));
	}
	*extra(ev, 0) = old;
	*nc = *cur;
	if (status == TR_GO_RUNNING) {
		nc->g = gid;
	} else if (status == TR_GO_SYSCALL) {
		if (mid == TR_NONE)
			return fail(o, ev, "found goroutine %lld in syscall without a thread", (long long)gid);
		if (mid == cur->m) {
			if (gen != o->initial_gen && cur->g != gid)
				return fail(o, ev, "inconsistent thread for syscalling goroutine %lld: thread has "
					    "goroutine %lld", (long long)gid, (long long)cur->g);
			nc->g = gid;
		} else {
			if ((ms = mstate(o, mid)) != NULL) {
				if (ms->g != gid)
					return fail(o, ev, "inconsistent thread for syscalling goroutine %lld: "
						    "thread has goroutine %lld", (long long)gid, (long long)ms->g);
				cur->g = ms->g;
			} else if ((rc = mstate_new(o, mid, gid, TR_NONE, &ms)) != GOMEM_OK) {
				return nomem(o, ev, rc);
			}
			cur->m = mid;
		}
	}
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_go_create(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			 struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s;
	int64_t newg = (int64_t)ev->args[0];
	int rc;

	(void)t;
	RET_ERR(validate_ctx(o, ev, cur, MUST, MUST, MAY));
	if ((s = gstate(o, cur->g)) != NULL && s->status != TR_GO_RUNNING)
		return fail(o, ev, "%s event for goroutine that's not Running", evname(ev->typ));
	if (gstate(o, newg))
		return fail(o, ev, "tried to create goroutine (%lld) that already exists", (long long)newg);
	rc = gstate_new(o, newg, ev->typ == TR_EV_GO_CREATE_BLOCKED ? TR_GO_WAITING : TR_GO_RUNNABLE, gen);
	if (rc != GOMEM_OK)
		return nomem(o, ev, rc);
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static struct tr_gstate *running_g(struct tr_order *o, const struct tr_ev *ev, const struct ctx *cur,
				   int *rc)
{
	struct tr_gstate *s;

	if ((*rc = USER_GO(o, ev, cur)) < 0)
		return NULL;
	if ((s = gstate(o, cur->g)) == NULL) {
		*rc = fail(o, ev, "event %s for goroutine (%lld) that doesn't exist", evname(ev->typ),
			   (long long)cur->g);
		return NULL;
	}
	if (s->status != TR_GO_RUNNING) {
		*rc = fail(o, ev, "%s event for goroutine that's not Running", evname(ev->typ));
		return NULL;
	}
	return s;
}

static int adv_go_stop_exec(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			    struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s;
	int rc;

	(void)t;
	(void)gen;
	if ((s = running_g(o, ev, cur, &rc)) == NULL)
		return rc;
	*nc = *cur;
	switch (ev->typ) {
	case TR_EV_GO_DESTROY:
		if ((rc = gstate_del(o, cur->g)) != GOMEM_OK)
			return nomem(o, ev, rc);
		nc->g = TR_NONE;
		break;
	case TR_EV_GO_STOP:
		s->status = TR_GO_RUNNABLE;
		nc->g = TR_NONE;
		break;
	case TR_EV_GO_BLOCK:
		s->status = TR_GO_WAITING;
		nc->g = TR_NONE;
		break;
	}
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_go_start(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			struct ctx *cur, struct ctx *nc)
{
	int64_t gid = (int64_t)ev->args[0];
	struct tr_gstate *s = gstate(o, gid);

	(void)t;
	if (!s || s->status != TR_GO_RUNNABLE || !succeeds(gen, ev->args[1], s->seq_gen, s->seq))
		return 0;
	RET_ERR(validate_ctx(o, ev, cur, MUST, MUST, MUST_NOT));
	s->status = TR_GO_RUNNING;
	s->seq_gen = gen;
	s->seq = ev->args[1];
	*nc = *cur;
	nc->g = gid;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_go_unblock(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			  struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s = gstate(o, (int64_t)ev->args[0]);

	(void)t;
	if (!s || s->status != TR_GO_WAITING || !succeeds(gen, ev->args[1], s->seq_gen, s->seq))
		return 0;
	s->status = TR_GO_RUNNABLE;
	s->seq_gen = gen;
	s->seq = ev->args[1];
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_go_switch(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			 struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s, *next;
	int64_t nextg = (int64_t)ev->args[0];
	struct ctx start;
	int rc;

	(void)t;
	if ((s = running_g(o, ev, cur, &rc)) == NULL)
		return rc;
	next = gstate(o, nextg);
	if (!next || next->status != TR_GO_WAITING || !succeeds(gen, ev->args[1], next->seq_gen, next->seq))
		return 0;
	RET_ERR(queue(o, ev, cur));
	if (ev->typ == TR_EV_GO_SWITCH) {
		s->status = TR_GO_WAITING;
		RET_ERR(queue_made(o, ev, cur, TR_EV_GO_BLOCK, 0, 0, 0, 0));
	} else {
		int64_t self = cur->g;

		RET_ERR(queue_made(o, ev, cur, TR_EV_GO_DESTROY, 0, 0, 0, 0));
		if ((rc = gstate_del(o, self)) != GOMEM_OK)
			return nomem(o, ev, rc);
		next = gstate(o, nextg); /* the slot array is stable; look again all the same */
	}
	next->status = TR_GO_RUNNING;
	next->seq_gen = gen;
	next->seq = ev->args[1];
	*nc = *cur;
	nc->g = nextg;
	start = *cur;
	start.g = TR_NONE;
	RET_ERR(queue_made(o, ev, &start, TR_EV_GO_START, (uint64_t)nextg, ev->args[1], 0, 0));
	return 1;
}

static int adv_go_syscall_begin(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
				struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s;
	struct tr_pstate *p;
	int rc;

	(void)t;
	if ((s = running_g(o, ev, cur, &rc)) == NULL)
		return rc;
	s->status = TR_GO_SYSCALL;
	if ((p = pstate(o, cur->p)) == NULL)
		return fail(o, ev, "uninitialized proc %lld found during %s", (long long)cur->p,
			    evname(ev->typ));
	p->status = TR_P_SYSCALL;
	if (!succeeds(gen, ev->args[0], p->seq_gen, p->seq))
		return fail(o, ev, "failed to advance %s: can't make sequence: %llu (gen=%llu) -> %llu (gen=%llu)",
			    evname(ev->typ), (unsigned long long)p->seq, (unsigned long long)p->seq_gen,
			    (unsigned long long)ev->args[0], (unsigned long long)gen);
	p->seq_gen = gen;
	p->seq = ev->args[0];
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_go_syscall_end(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			      struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s;
	struct tr_pstate *p;

	(void)t;
	(void)gen;
	RET_ERR(USER_GO(o, ev, cur));
	if ((s = gstate(o, cur->g)) == NULL)
		return fail(o, ev, "event %s for goroutine (%lld) that doesn't exist", evname(ev->typ),
			    (long long)cur->g);
	if (s->status != TR_GO_SYSCALL)
		return fail(o, ev, "%s event for goroutine that's not Running", evname(ev->typ));
	s->status = TR_GO_RUNNING;
	if ((p = pstate(o, cur->p)) == NULL)
		return fail(o, ev, "uninitialized proc %lld found during %s", (long long)cur->p,
			    evname(ev->typ));
	if (p->status != TR_P_SYSCALL)
		return fail(o, ev, "expected proc %lld in state Syscall, but got %s instead",
			    (long long)cur->p, p_status_name(p->status));
	p->status = TR_P_RUNNING;
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_go_syscall_end_blocked(struct tr_order *o, struct tr_ev *ev, struct tr_table *t,
				      uint64_t gen, struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s;
	struct tr_pstate *p;

	(void)t;
	(void)gen;
	if (cur->p != TR_NONE) {
		if ((p = pstate(o, cur->p)) == NULL)
			return fail(o, ev, "uninitialized proc %lld found during %s", (long long)cur->p,
				    evname(ev->typ));
		if (p->status == TR_P_SYSCALL)
			return 0;
	}
	RET_ERR(validate_ctx(o, ev, cur, MUST, MAY, MUST));
	if ((s = gstate(o, cur->g)) == NULL)
		return fail(o, ev, "event %s for goroutine (%lld) that doesn't exist", evname(ev->typ),
			    (long long)cur->g);
	if (s->status != TR_GO_SYSCALL)
		return fail(o, ev, "%s event for goroutine that's not Running", evname(ev->typ));
	*nc = *cur;
	nc->g = TR_NONE;
	s->status = TR_GO_RUNNABLE;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_go_create_syscall(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
				 struct ctx *cur, struct ctx *nc)
{
	int64_t newg = (int64_t)ev->args[0];
	int rc;

	(void)t;
	RET_ERR(validate_ctx(o, ev, cur, MUST, MAY, MUST_NOT));
	if (gstate(o, newg))
		return fail(o, ev, "tried to create goroutine (%lld) in syscall that already exists",
			    (long long)newg);
	if ((rc = gstate_new(o, newg, TR_GO_SYSCALL, gen)) != GOMEM_OK)
		return nomem(o, ev, rc);
	*nc = *cur;
	nc->g = newg;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_go_destroy_syscall(struct tr_order *o, struct tr_ev *ev, struct tr_table *t,
				  uint64_t gen, struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s;
	struct tr_pstate *p;
	int rc;

	(void)t;
	(void)gen;
	RET_ERR(validate_ctx(o, ev, cur, MUST, MAY, MUST));
	if ((s = gstate(o, cur->g)) == NULL)
		return fail(o, ev, "event %s for goroutine (%lld) that doesn't exist", evname(ev->typ),
			    (long long)cur->g);
	if (s->status != TR_GO_SYSCALL)
		return fail(o, ev, "%s event for goroutine that's not Syscall", evname(ev->typ));
	if ((rc = gstate_del(o, cur->g)) != GOMEM_OK)
		return nomem(o, ev, rc);
	*nc = *cur;
	nc->g = TR_NONE;
	if (cur->p != TR_NONE) {
		if ((p = pstate(o, cur->p)) == NULL)
			return fail(o, ev, "found invalid proc %lld during %s", (long long)cur->p,
				    evname(ev->typ));
		if (p->status != TR_P_SYSCALL)
			return fail(o, ev, "proc %lld in unexpected state %s during %s", (long long)cur->p,
				    p_status_name(p->status), evname(ev->typ));
		p->status = TR_P_SYSCALL_ABANDONED;
		nc->p = TR_NONE;
		/* an extra self-ProcSteal, its old status Syscall in the extra argument */
		RET_ERR(queue_made(o, ev, cur, TR_EV_PROC_STEAL, (uint64_t)cur->p, 0, 0, TR_P_SYSCALL));
	}
	RET_ERR(queue(o, ev, cur));
	return 1;
}

/* ---- annotations -------------------------------------------------------------- */

static int intern_name(struct tr_order *o, const struct tr_ev *ev, const char *s, uint32_t *id)
{
	int rc = gomem_strpool_intern(&o->names, s, strlen(s), id);

	return rc == GOMEM_OK ? GOMEM_OK : nomem(o, ev, rc);
}

static int adv_task_begin(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			  struct ctx *cur, struct ctx *nc)
{
	uint64_t id = ev->args[0], parent = ev->args[1];
	const char *name;
	uint32_t slot, nm;
	int rc;

	(void)gen;
	if (tr_map_get(&o->taskmap, id, &slot))
		return fail(o, ev, "task ID conflict: %llu", (unsigned long long)id);
	if (parent == 0) { /* no parent (0 is the background task only for regions) */
		parent = GOMEM_TRACE_NO_TASK;
		ev->args[1] = GOMEM_TRACE_NO_TASK;
	}
	if ((name = tr_table_string(t, ev->args[2])) == NULL)
		return fail(o, ev, "invalid string ID %llu for %s event", (unsigned long long)ev->args[2],
			    evname(ev->typ));
	RET_ERR(intern_name(o, ev, name, &nm));
	if (o->nfree_tasks) {
		slot = o->free_tasks[--o->nfree_tasks];
	} else {
		if ((rc = GOMEM_GROW(o->tasks, o->tasks_cap, o->ntasks + 1, o->max_items)) != GOMEM_OK)
			return nomem(o, ev, rc);
		slot = (uint32_t)o->ntasks++;
	}
	o->tasks[slot].id = id;
	o->tasks[slot].parent = parent;
	o->tasks[slot].name = nm;
	if ((rc = tr_map_put(&o->taskmap, id, slot)) != GOMEM_OK)
		return nomem(o, ev, rc);
	RET_ERR(USER_GO(o, ev, cur));
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_task_end(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			struct ctx *cur, struct ctx *nc)
{
	uint32_t slot;
	int rc;

	(void)gen;
	if (tr_map_get(&o->taskmap, ev->args[0], &slot)) {
		*extra(ev, 0) = o->tasks[slot].parent;
		*extra(ev, 1) = tr_table_extra(t, gomem_strpool_get(&o->names, o->tasks[slot].name), &rc);
		if (rc != GOMEM_OK)
			return nomem(o, ev, rc);
		tr_map_del(&o->taskmap, ev->args[0]);
		if ((rc = GOMEM_GROW(o->free_tasks, o->free_tasks_cap, o->nfree_tasks + 1, o->max_items)))
			return nomem(o, ev, rc);
		o->free_tasks[o->nfree_tasks++] = slot;
	} else {
		*extra(ev, 0) = GOMEM_TRACE_NO_TASK;
		*extra(ev, 1) = 0;
	}
	RET_ERR(USER_GO(o, ev, cur));
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_region(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
		      struct ctx *cur, struct ctx *nc)
{
	const char *name;
	struct tr_gstate *s;
	uint32_t nm;
	int rc;

	(void)gen;
	RET_ERR(USER_GO(o, ev, cur));
	if ((name = tr_table_string(t, ev->args[1])) == NULL)
		return fail(o, ev, "invalid string ID %llu for %s event", (unsigned long long)ev->args[1],
			    evname(ev->typ));
	if ((s = gstate(o, cur->g)) == NULL)
		return fail(o, ev, "encountered Ev%s without known state for current goroutine %lld",
			    evname(ev->typ), (long long)cur->g);
	RET_ERR(intern_name(o, ev, name, &nm));
	if (ev->typ == TR_EV_USER_REGION_BEGIN) {
		if ((rc = GOMEM_GROW(s->regions, s->regions_cap, s->nregions + 1, o->max_items)) != GOMEM_OK)
			return nomem(o, ev, rc);
		s->regions[s->nregions].task = ev->args[0];
		s->regions[s->nregions].name = nm;
		s->nregions++;
	} else if (s->nregions > 0) { /* regions begun before the trace are not known */
		const struct tr_region *top = &s->regions[s->nregions - 1];

		if (top->task != ev->args[0] || top->name != nm)
			return fail(o, ev, "misuse of region in goroutine %lld: region end {%llu %s} when the "
				    "inner-most active region start event is {%llu %s}", (long long)s->id,
				    (unsigned long long)ev->args[0], name, (unsigned long long)top->task,
				    gomem_strpool_get(&o->names, top->name));
		s->nregions--;
	}
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_annotation(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			  struct ctx *cur, struct ctx *nc)
{
	(void)t;
	(void)gen;
	RET_ERR(USER_GO(o, ev, cur));
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

/* ---- GC -------------------------------------------------------------------------- */

static int adv_gc_active(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			 struct ctx *cur, struct ctx *nc)
{
	uint64_t seq = ev->args[0];

	(void)t;
	*nc = *cur;
	if (gen == o->initial_gen) {
		if (o->gc_state != GC_UNDETERMINED)
			return fail(o, ev, "GCActive in the first generation isn't first GC event");
		o->gc_seq = seq;
		o->gc_state = GC_RUNNING;
		RET_ERR(queue(o, ev, cur));
		return 1;
	}
	if (seq != o->gc_seq + 1)
		return 0;
	if (o->gc_state != GC_RUNNING)
		return fail(o, ev, "encountered GCActive while GC was not in progress");
	o->gc_seq = seq;
	RET_ERR(USER_GO(o, ev, cur));
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_gc_begin(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			struct ctx *cur, struct ctx *nc)
{
	uint64_t seq = ev->args[0];

	(void)t;
	(void)gen;
	*nc = *cur;
	if (o->gc_state == GC_UNDETERMINED) {
		o->gc_seq = seq;
		o->gc_state = GC_RUNNING;
		RET_ERR(queue(o, ev, cur));
		return 1;
	}
	if (seq != o->gc_seq + 1)
		return 0;
	if (o->gc_state == GC_RUNNING)
		return fail(o, ev, "encountered GCBegin while GC was already in progress");
	o->gc_seq = seq;
	o->gc_state = GC_RUNNING;
	RET_ERR(USER_GO(o, ev, cur));
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_gc_end(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
		      struct ctx *cur, struct ctx *nc)
{
	uint64_t seq = ev->args[0];

	(void)t;
	(void)gen;
	if (seq != o->gc_seq + 1)
		return 0;
	if (o->gc_state == GC_NOT_RUNNING)
		return fail(o, ev, "encountered GCEnd when GC was not in progress");
	if (o->gc_state == GC_UNDETERMINED)
		return fail(o, ev, "encountered GCEnd when GC was in an undetermined state");
	o->gc_seq = seq;
	o->gc_state = GC_NOT_RUNNING;
	RET_ERR(USER_GO(o, ev, cur));
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_heap_metric(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			   struct ctx *cur, struct ctx *nc)
{
	(void)t;
	(void)gen;
	RET_ERR(validate_ctx(o, ev, cur, MUST, MUST, MAY));
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_sweep(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
		     struct ctx *cur, struct ctx *nc)
{
	struct tr_pstate *p;
	uint64_t desc;

	(void)t;
	if (ev->typ == TR_EV_GC_SWEEP_ACTIVE) {
		int64_t pid = (int64_t)ev->args[0];

		if ((p = pstate(o, pid)) == NULL)
			return fail(o, ev, "encountered GCSweepActive for unknown proc %lld", (long long)pid);
		RET_ERR(active_range(o, ev, &p->ranges, &p->nranges, &p->ranges_cap,
				     range_type(ev->typ), gen == o->initial_gen));
	} else {
		RET_ERR(validate_ctx(o, ev, cur, MUST, MUST, MAY));
		if ((p = pstate(o, cur->p)) == NULL)
			return fail(o, ev, "event %s for proc (%lld) that doesn't exist", evname(ev->typ),
				    (long long)cur->p);
		if (ev->typ == TR_EV_GC_SWEEP_BEGIN)
			RET_ERR(begin_range(o, ev, &p->ranges, &p->nranges, &p->ranges_cap,
					    range_type(ev->typ), 0));
		else
			RET_ERR(end_range(o, ev, p->ranges, &p->nranges, ev->typ, &desc));
	}
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

/* STW and mark assists: ranges on the running goroutine. */
static int adv_go_range(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			struct ctx *cur, struct ctx *nc)
{
	struct tr_gstate *s;
	uint64_t desc = 0;

	(void)t;
	if (ev->typ == TR_EV_GC_MARK_ASSIST_ACTIVE) {
		int64_t gid = (int64_t)ev->args[0];

		if ((s = gstate(o, gid)) == NULL)
			return fail(o, ev, "uninitialized goroutine %lld found during %s", (long long)gid,
				    evname(ev->typ));
		RET_ERR(active_range(o, ev, &s->ranges, &s->nranges, &s->ranges_cap, range_type(ev->typ),
				     gen == o->initial_gen));
	} else {
		RET_ERR(USER_GO(o, ev, cur));
		if ((s = gstate(o, cur->g)) == NULL)
			return fail(o, ev, "encountered event of type %d without known state for current "
				    "goroutine %lld", ev->typ, (long long)cur->g);
		if (ev->typ == TR_EV_STW_BEGIN || ev->typ == TR_EV_GC_MARK_ASSIST_BEGIN) {
			if (ev->typ == TR_EV_STW_BEGIN)
				desc = ev->args[0];
			RET_ERR(begin_range(o, ev, &s->ranges, &s->nranges, &s->ranges_cap,
					    range_type(ev->typ), desc));
		} else {
			RET_ERR(end_range(o, ev, s->ranges, &s->nranges, ev->typ, &desc));
			if (ev->typ == TR_EV_STW_END)
				ev->args[0] = desc; /* the kind, as STWBegin has it */
		}
	}
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

static int adv_alloc_free(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
			  struct ctx *cur, struct ctx *nc)
{
	(void)t;
	(void)gen;
	RET_ERR(validate_ctx(o, ev, cur, MUST, MAY, MAY));
	*nc = *cur;
	RET_ERR(queue(o, ev, cur));
	return 1;
}

typedef int (*handler)(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t gen,
		       struct ctx *cur, struct ctx *nc);

static handler handler_of(int typ)
{
	switch (typ) {
	case TR_EV_PROCS_CHANGE: return adv_annotation;
	case TR_EV_PROC_START: return adv_proc_start;
	case TR_EV_PROC_STOP: return adv_proc_stop;
	case TR_EV_PROC_STEAL: return adv_proc_steal;
	case TR_EV_PROC_STATUS: return adv_proc_status;
	case TR_EV_GO_CREATE: case TR_EV_GO_CREATE_BLOCKED: return adv_go_create;
	case TR_EV_GO_CREATE_SYSCALL: return adv_go_create_syscall;
	case TR_EV_GO_START: return adv_go_start;
	case TR_EV_GO_DESTROY: case TR_EV_GO_STOP: case TR_EV_GO_BLOCK: return adv_go_stop_exec;
	case TR_EV_GO_DESTROY_SYSCALL: return adv_go_destroy_syscall;
	case TR_EV_GO_UNBLOCK: return adv_go_unblock;
	case TR_EV_GO_SYSCALL_BEGIN: return adv_go_syscall_begin;
	case TR_EV_GO_SYSCALL_END: return adv_go_syscall_end;
	case TR_EV_GO_SYSCALL_END_BLOCKED: return adv_go_syscall_end_blocked;
	case TR_EV_GO_STATUS: case TR_EV_GO_STATUS_STACK: return adv_go_status;
	case TR_EV_STW_BEGIN: case TR_EV_STW_END: return adv_go_range;
	case TR_EV_GC_ACTIVE: return adv_gc_active;
	case TR_EV_GC_BEGIN: return adv_gc_begin;
	case TR_EV_GC_END: return adv_gc_end;
	case TR_EV_GC_SWEEP_ACTIVE: case TR_EV_GC_SWEEP_BEGIN: case TR_EV_GC_SWEEP_END: return adv_sweep;
	case TR_EV_GC_MARK_ASSIST_ACTIVE: case TR_EV_GC_MARK_ASSIST_BEGIN: case TR_EV_GC_MARK_ASSIST_END:
		return adv_go_range;
	case TR_EV_HEAP_ALLOC: case TR_EV_HEAP_GOAL: return adv_heap_metric;
	case TR_EV_GO_LABEL: case TR_EV_USER_LOG: return adv_annotation;
	case TR_EV_USER_TASK_BEGIN: return adv_task_begin;
	case TR_EV_USER_TASK_END: return adv_task_end;
	case TR_EV_USER_REGION_BEGIN: case TR_EV_USER_REGION_END: return adv_region;
	case TR_EV_GO_SWITCH: case TR_EV_GO_SWITCH_DESTROY: return adv_go_switch;
	default:
		if (typ >= TR_EV_SPAN && typ <= TR_EV_GOROUTINE_STACK_FREE)
			return adv_alloc_free;
		return NULL;
	}
}

int tr_order_advance(struct tr_order *o, struct tr_ev *ev, struct tr_table *t, uint64_t m, uint64_t gen)
{
	struct ctx cur, nc;
	struct tr_mstate *ms = NULL;
	handler h;
	int rc;

	if (o->initial_gen == 0)
		o->initial_gen = gen;
	cur.m = (int64_t)m;
	cur.p = cur.g = TR_NONE;
	if (cur.m != TR_NONE) {
		if ((ms = mstate(o, cur.m)) == NULL && (rc = mstate_new(o, cur.m, TR_NONE, TR_NONE, &ms)))
			return nomem(o, ev, rc);
		cur.p = ms->p;
		cur.g = ms->g;
	}
	nc = cur;
	if ((h = handler_of(ev->typ)) == NULL)
		return fail(o, ev, "bad event type found while ordering: %d", ev->typ);
	rc = h(o, ev, t, gen, &cur, &nc);
	if (rc == 1 && (int64_t)m != TR_NONE && (ms = mstate(o, (int64_t)m)) != NULL) {
		/* look the thread up again: a handler may have grown the array */
		ms->p = nc.p;
		ms->g = nc.g;
	}
	return rc;
}
