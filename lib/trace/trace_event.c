/* SPDX-License-Identifier: Apache-2.0 */
/* trace_event.c — what an event means: its kind, range name, state
 * transition, metric, task or region, derived from the wire event as Go's
 * trace.Event methods derive them (Kind, Range, StateTransition, Metric,
 * Task, Region, Log, Stack), and the event written as Event.String() writes
 * it, which `go tool trace -d=1` prints. */
#include <stdio.h>
#include <string.h>

#include "trace-internal.h"

enum { GS_UNDETERMINED = 0, GS_NOTEXIST, GS_RUNNABLE, GS_RUNNING, GS_WAITING, GS_SYSCALL };
enum { PS_UNDETERMINED = 0, PS_NOTEXIST, PS_RUNNING, PS_IDLE };

static gomem_trace_kind kind_of(int typ)
{
	switch (typ) {
	case TR_EV_SYNC: return GOMEM_TRACE_SYNC;
	case TR_EV_CPU_SAMPLE: return GOMEM_TRACE_STACK_SAMPLE;
	case TR_EV_PROCS_CHANGE: case TR_EV_HEAP_ALLOC: case TR_EV_HEAP_GOAL: return GOMEM_TRACE_METRIC;
	case TR_EV_PROC_START: case TR_EV_PROC_STOP: case TR_EV_PROC_STEAL: case TR_EV_PROC_STATUS:
	case TR_EV_GO_CREATE: case TR_EV_GO_CREATE_SYSCALL: case TR_EV_GO_START: case TR_EV_GO_DESTROY:
	case TR_EV_GO_DESTROY_SYSCALL: case TR_EV_GO_STOP: case TR_EV_GO_BLOCK: case TR_EV_GO_UNBLOCK:
	case TR_EV_GO_SYSCALL_BEGIN: case TR_EV_GO_SYSCALL_END: case TR_EV_GO_SYSCALL_END_BLOCKED:
	case TR_EV_GO_STATUS: case TR_EV_GO_SWITCH: case TR_EV_GO_SWITCH_DESTROY: case TR_EV_GO_CREATE_BLOCKED:
	case TR_EV_GO_STATUS_STACK:
		return GOMEM_TRACE_STATE_TRANSITION;
	case TR_EV_STW_BEGIN: case TR_EV_GC_BEGIN: case TR_EV_GC_SWEEP_BEGIN: case TR_EV_GC_MARK_ASSIST_BEGIN:
		return GOMEM_TRACE_RANGE_BEGIN;
	case TR_EV_GC_ACTIVE: case TR_EV_GC_SWEEP_ACTIVE: case TR_EV_GC_MARK_ASSIST_ACTIVE:
		return GOMEM_TRACE_RANGE_ACTIVE;
	case TR_EV_STW_END: case TR_EV_GC_END: case TR_EV_GC_SWEEP_END: case TR_EV_GC_MARK_ASSIST_END:
		return GOMEM_TRACE_RANGE_END;
	case TR_EV_GO_LABEL: return GOMEM_TRACE_LABEL;
	case TR_EV_USER_TASK_BEGIN: return GOMEM_TRACE_TASK_BEGIN;
	case TR_EV_USER_TASK_END: return GOMEM_TRACE_TASK_END;
	case TR_EV_USER_REGION_BEGIN: return GOMEM_TRACE_REGION_BEGIN;
	case TR_EV_USER_REGION_END: return GOMEM_TRACE_REGION_END;
	case TR_EV_USER_LOG: return GOMEM_TRACE_LOG;
	default:
		if (typ >= TR_EV_SPAN && typ <= TR_EV_GOROUTINE_STACK_FREE)
			return GOMEM_TRACE_EXPERIMENTAL;
		return GOMEM_TRACE_BAD;
	}
}

struct ctx_err {
	gomem_error *err;
	const struct tr_ev *ev;
	int rc;
};

/* A string the event names: known, or an error (Go would panic). */
static const char *str(struct ctx_err *c, const struct tr_table *t, uint64_t id)
{
	const char *s = tr_table_string(t, id);

	if (s == NULL) {
		if (c->rc == GOMEM_OK)
			c->rc = gomem_error_at_byte(c->err, GOMEM_E_FORMAT, c->ev->off,
						    "found invalid string ID %llu for event %s",
						    (unsigned long long)id, gomem_trace_type_name(c->ev->typ));
		return "";
	}
	return s;
}

static uint64_t event_stack(const struct tr_ev *ev, int minor)
{
	const struct tr_spec *s;

	if (ev->typ == TR_EV_SYNC)
		return 0;
	if (ev->typ == TR_EV_CPU_SAMPLE)
		return ev->args[0];
	s = tr_spec(ev->typ, minor < 22 ? 23 : minor);
	if (s == NULL || s->stack_arg <= 0)
		return 0;
	return ev->args[s->stack_arg - 1];
}

static const uint8_t go_state_of[] = {GS_UNDETERMINED, GS_RUNNABLE, GS_RUNNING, GS_SYSCALL, GS_WAITING};
static const uint8_t p_state_of[] = {PS_UNDETERMINED, PS_RUNNING, PS_IDLE, PS_RUNNING, PS_IDLE};

static uint8_t go_state(uint64_t status)
{
	return status < sizeof(go_state_of) ? go_state_of[status] : GS_UNDETERMINED;
}

static void go_transition(gomem_trace_event *o, int64_t id, int from, int to)
{
	o->resource = GOMEM_TRACE_RESOURCE_GOROUTINE;
	o->resource_id = id;
	o->old_state = from;
	o->new_state = to;
}

static void proc_transition(gomem_trace_event *o, int64_t id, int from, int to)
{
	o->resource = GOMEM_TRACE_RESOURCE_PROC;
	o->resource_id = id;
	o->old_state = from;
	o->new_state = to;
}

/* Go's Event.StateTransition. */
static void state_transition(gomem_trace_event *o, const struct tr_ev *ev, const struct tr_table *t,
			     struct ctx_err *c)
{
	switch (ev->typ) {
	case TR_EV_PROC_START:
		proc_transition(o, (int64_t)ev->args[0], PS_IDLE, PS_RUNNING);
		break;
	case TR_EV_PROC_STOP:
		proc_transition(o, ev->p, PS_RUNNING, PS_IDLE);
		break;
	case TR_EV_PROC_STEAL:
		proc_transition(o, (int64_t)ev->args[0],
				ev->args[3] == TR_P_SYSCALL_ABANDONED ? PS_IDLE : PS_RUNNING, PS_IDLE);
		break;
	case TR_EV_PROC_STATUS:
		proc_transition(o, (int64_t)ev->args[0], (int)ev->args[2],
				ev->args[1] < sizeof(p_state_of) ? p_state_of[ev->args[1]] : PS_UNDETERMINED);
		break;
	case TR_EV_GO_CREATE:
	case TR_EV_GO_CREATE_BLOCKED:
		go_transition(o, (int64_t)ev->args[0], GS_NOTEXIST,
			      ev->typ == TR_EV_GO_CREATE_BLOCKED ? GS_WAITING : GS_RUNNABLE);
		o->transition_stack = ev->args[1];
		break;
	case TR_EV_GO_CREATE_SYSCALL:
		go_transition(o, (int64_t)ev->args[0], GS_NOTEXIST, GS_SYSCALL);
		break;
	case TR_EV_GO_START:
		go_transition(o, (int64_t)ev->args[0], GS_RUNNABLE, GS_RUNNING);
		break;
	case TR_EV_GO_DESTROY:
		go_transition(o, ev->g, GS_RUNNING, GS_NOTEXIST);
		o->transition_stack = o->stack;
		break;
	case TR_EV_GO_DESTROY_SYSCALL:
		go_transition(o, ev->g, GS_SYSCALL, GS_NOTEXIST);
		break;
	case TR_EV_GO_STOP:
	case TR_EV_GO_BLOCK:
		go_transition(o, ev->g, GS_RUNNING, ev->typ == TR_EV_GO_STOP ? GS_RUNNABLE : GS_WAITING);
		o->detail = str(c, t, ev->args[0]);
		o->transition_stack = o->stack;
		break;
	case TR_EV_GO_UNBLOCK:
	case TR_EV_GO_SWITCH:
	case TR_EV_GO_SWITCH_DESTROY:
		go_transition(o, (int64_t)ev->args[0], GS_WAITING, GS_RUNNABLE);
		break;
	case TR_EV_GO_SYSCALL_BEGIN:
		go_transition(o, ev->g, GS_RUNNING, GS_SYSCALL);
		o->transition_stack = o->stack;
		break;
	case TR_EV_GO_SYSCALL_END:
		go_transition(o, ev->g, GS_SYSCALL, GS_RUNNING);
		o->transition_stack = o->stack;
		break;
	case TR_EV_GO_SYSCALL_END_BLOCKED:
		go_transition(o, ev->g, GS_SYSCALL, GS_RUNNABLE);
		o->transition_stack = o->stack;
		break;
	case TR_EV_GO_STATUS:
		go_transition(o, (int64_t)ev->args[0], (int)ev->args[3], go_state(ev->args[2]));
		break;
	case TR_EV_GO_STATUS_STACK:
		go_transition(o, (int64_t)ev->args[0], (int)ev->args[4], go_state(ev->args[2]));
		break;
	}
}

/* Go's Event.Range (the sweep scope is the current proc, as Go has it). */
static void range_detail(gomem_trace_event *o, const struct tr_ev *ev, const struct tr_table *t,
			 struct ctx_err *c)
{
	switch (ev->typ) {
	case TR_EV_STW_BEGIN:
	case TR_EV_STW_END:
		o->detail = str(c, t, ev->args[0]);
		o->name = "stop-the-world";
		o->resource = GOMEM_TRACE_RESOURCE_GOROUTINE;
		o->resource_id = ev->g;
		break;
	case TR_EV_GC_BEGIN:
	case TR_EV_GC_ACTIVE:
	case TR_EV_GC_END:
		o->name = "GC concurrent mark phase";
		o->resource = GOMEM_TRACE_RESOURCE_NONE;
		break;
	case TR_EV_GC_SWEEP_BEGIN:
	case TR_EV_GC_SWEEP_ACTIVE:
	case TR_EV_GC_SWEEP_END:
		o->name = "GC incremental sweep";
		o->resource = GOMEM_TRACE_RESOURCE_PROC;
		o->resource_id = ev->p;
		if (ev->typ == TR_EV_GC_SWEEP_END) {
			o->has_sweep_attrs = 1;
			o->swept = ev->args[0];
			o->reclaimed = ev->args[1];
		}
		break;
	default:
		o->name = "GC mark assist";
		o->resource = GOMEM_TRACE_RESOURCE_GOROUTINE;
		o->resource_id = ev->typ == TR_EV_GC_MARK_ASSIST_ACTIVE ? (int64_t)ev->args[0] : ev->g;
		break;
	}
}

int tr_event_public(gomem_trace_event *o, const struct tr_ev *ev, const struct tr_table *t, int minor,
		    gomem_error *err, char *namebuf, size_t namebuf_size)
{
	struct ctx_err c = {err, ev, GOMEM_OK};
	const struct tr_spec *s;

	memset(o, 0, sizeof(*o));
	o->kind = kind_of(ev->typ);
	o->type = ev->typ;
	o->time = ev->time;
	o->g = ev->g;
	o->p = ev->p;
	o->m = ev->m;
	o->offset = ev->off;
	o->name = o->detail = "";
	o->resource_id = TR_NONE;
	memcpy(o->args, ev->args, sizeof(o->args));
	s = tr_spec(ev->typ, 23);
	o->nargs = s ? s->nargs - (s->timed ? 1 : 0) : 0;
	o->stack = event_stack(ev, minor);
	switch (o->kind) {
	case GOMEM_TRACE_METRIC:
		o->name = ev->typ == TR_EV_PROCS_CHANGE ? "/sched/gomaxprocs:threads"
			: ev->typ == TR_EV_HEAP_ALLOC ? "/memory/classes/heap/objects:bytes"
						      : "/gc/heap/goal:bytes";
		o->value = ev->args[0];
		break;
	case GOMEM_TRACE_LABEL:
		o->name = str(&c, t, ev->args[0]);
		o->resource = GOMEM_TRACE_RESOURCE_GOROUTINE;
		o->resource_id = ev->g;
		break;
	case GOMEM_TRACE_RANGE_BEGIN:
	case GOMEM_TRACE_RANGE_ACTIVE:
	case GOMEM_TRACE_RANGE_END:
		range_detail(o, ev, t, &c);
		if (strcmp(o->name, "stop-the-world") == 0) {
			snprintf(namebuf, namebuf_size, "stop-the-world (%s)", o->detail);
			o->name = namebuf;
		}
		break;
	case GOMEM_TRACE_TASK_BEGIN:
		o->task = ev->args[0];
		o->parent = ev->args[1];
		o->name = str(&c, t, ev->args[2]);
		break;
	case GOMEM_TRACE_TASK_END:
		o->task = ev->args[0];
		o->parent = ev->args[2];
		o->name = tr_table_extra_string(t, ev->args[3]);
		break;
	case GOMEM_TRACE_REGION_BEGIN:
	case GOMEM_TRACE_REGION_END:
		o->task = ev->args[0];
		o->name = str(&c, t, ev->args[1]);
		break;
	case GOMEM_TRACE_LOG:
		o->task = ev->args[0];
		o->name = str(&c, t, ev->args[1]);
		o->detail = str(&c, t, ev->args[2]);
		break;
	case GOMEM_TRACE_STATE_TRANSITION:
		state_transition(o, ev, t, &c);
		break;
	case GOMEM_TRACE_EXPERIMENTAL:
		o->name = s ? s->name : "";
		break;
	default:
		break;
	}
	return c.rc;
}

/* ---- Event.String() ---------------------------------------------------------------- */

/* Go's %q for the strings a trace holds: ASCII escapes as strconv.Quote
 * writes them; valid UTF-8 passes through; a stray byte is \xNN. */
static void put_quoted(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', fp);
	while (*p) {
		unsigned char ch = *p;
		size_t n = ch < 0x80 ? 1 : (ch >> 5) == 6 ? 2 : (ch >> 4) == 14 ? 3 : (ch >> 3) == 30 ? 4 : 0;
		size_t k;

		if (n == 1) {
			switch (ch) {
			case '"': fputs("\\\"", fp); break;
			case '\\': fputs("\\\\", fp); break;
			case '\a': fputs("\\a", fp); break;
			case '\b': fputs("\\b", fp); break;
			case '\f': fputs("\\f", fp); break;
			case '\n': fputs("\\n", fp); break;
			case '\r': fputs("\\r", fp); break;
			case '\t': fputs("\\t", fp); break;
			case '\v': fputs("\\v", fp); break;
			default:
				if (ch < 0x20 || ch == 0x7f)
					fprintf(fp, "\\x%02x", ch);
				else
					fputc(ch, fp);
			}
			p++;
			continue;
		}
		for (k = 1; n && k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				break;
		if (n == 0 || k < n) {
			fprintf(fp, "\\x%02x", ch);
			p++;
			continue;
		}
		fwrite(p, 1, n, fp);
		p += n;
	}
	fputc('"', fp);
}

static void put_resource(FILE *fp, gomem_trace_resource kind, int64_t id)
{
	static const char *const names[] = {"None", "Goroutine", "Proc", "Thread"};

	if (kind == GOMEM_TRACE_RESOURCE_NONE)
		fputs("None", fp);
	else
		fprintf(fp, "%s(%lld)", names[kind], (long long)id);
}

static void put_stack(FILE *fp, const gomem_trace_reader *r, uint64_t stack)
{
	size_t n = gomem_trace_stack_depth(r, stack);

	for (size_t i = 0; i < n; i++) {
		gomem_trace_frame f;

		gomem_trace_stack_frame(r, stack, i, &f);
		fprintf(fp, "\t%s @ 0x%llx\n\t\t%s:%llu\n", f.func, (unsigned long long)f.pc, f.file,
			(unsigned long long)f.line);
	}
}

static void put_kind_fields(FILE *fp, const gomem_trace_reader *r, const gomem_trace_event *e)
{
	const struct tr_spec *s;

	switch (e->kind) {
	case GOMEM_TRACE_METRIC:
		fputs(" Name=", fp);
		put_quoted(fp, e->name);
		fprintf(fp, " Value=Uint64(%llu)", (unsigned long long)e->value);
		break;
	case GOMEM_TRACE_LABEL:
		fputs(" Label=", fp);
		put_quoted(fp, e->name);
		fputs(" Resource=", fp);
		put_resource(fp, e->resource, e->resource_id);
		break;
	case GOMEM_TRACE_RANGE_BEGIN:
	case GOMEM_TRACE_RANGE_ACTIVE:
	case GOMEM_TRACE_RANGE_END:
		fputs(" Name=", fp);
		put_quoted(fp, e->name);
		fputs(" Scope=", fp);
		put_resource(fp, e->resource, e->resource_id);
		if (e->kind == GOMEM_TRACE_RANGE_END) {
			fputs(" Attributes=[", fp);
			if (e->has_sweep_attrs)
				fprintf(fp, "\"bytes swept\"=Uint64(%llu) \"bytes reclaimed\"=Uint64(%llu)",
					(unsigned long long)e->swept, (unsigned long long)e->reclaimed);
			fputc(']', fp);
		}
		break;
	case GOMEM_TRACE_TASK_BEGIN:
	case GOMEM_TRACE_TASK_END:
		fprintf(fp, " ID=%llu Parent=%llu Type=", (unsigned long long)e->task,
			(unsigned long long)e->parent);
		put_quoted(fp, e->name);
		break;
	case GOMEM_TRACE_REGION_BEGIN:
	case GOMEM_TRACE_REGION_END:
		fprintf(fp, " Task=%llu Type=", (unsigned long long)e->task);
		put_quoted(fp, e->name);
		break;
	case GOMEM_TRACE_LOG:
		fprintf(fp, " Task=%llu Category=", (unsigned long long)e->task);
		put_quoted(fp, e->name);
		fputs(" Message=", fp);
		put_quoted(fp, e->detail);
		break;
	case GOMEM_TRACE_STATE_TRANSITION:
		fputs(" Resource=", fp);
		put_resource(fp, e->resource, e->resource_id);
		fputs(" Reason=", fp);
		put_quoted(fp, e->detail);
		if (e->resource == GOMEM_TRACE_RESOURCE_GOROUTINE)
			fprintf(fp, " GoID=%lld %s->%s", (long long)e->resource_id,
				gomem_trace_go_state_name(e->old_state), gomem_trace_go_state_name(e->new_state));
		else
			fprintf(fp, " ProcID=%lld %s->%s", (long long)e->resource_id,
				gomem_trace_proc_state_name(e->old_state),
				gomem_trace_proc_state_name(e->new_state));
		/* Go prints a created goroutine's stack even when it has none */
		if (e->transition_stack != 0 || e->type == TR_EV_GO_CREATE ||
		    e->type == TR_EV_GO_CREATE_BLOCKED) {
			fputs("\nTransitionStack=\n", fp);
			put_stack(fp, r, e->transition_stack);
		}
		break;
	case GOMEM_TRACE_EXPERIMENTAL:
		s = tr_spec(e->type, 23);
		fprintf(fp, " Name=%s ArgNames=[", e->name);
		for (int i = 1; s && i < s->nargs; i++)
			fprintf(fp, "%s%s", i > 1 ? " " : "", s->args[i]);
		fputs("] Args=[", fp);
		for (int i = 0; i < e->nargs; i++)
			fprintf(fp, "%s%llu", i ? " " : "", (unsigned long long)e->args[i]);
		fputc(']', fp);
		break;
	default:
		break;
	}
}

int gomem_trace_event_write(FILE *fp, const gomem_trace_reader *r, const gomem_trace_event *e)
{
	fprintf(fp, "M=%lld P=%lld G=%lld %s Time=%lld", (long long)e->m, (long long)e->p, (long long)e->g,
		gomem_trace_kind_name(e->kind), (long long)e->time);
	put_kind_fields(fp, r, e);
	if (e->stack != 0) {
		fputs("\nStack=\n", fp);
		put_stack(fp, r, e->stack);
	}
	fputc('\n', fp);
	return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
}
