/* SPDX-License-Identifier: Apache-2.0 */
/* sched_rows.c — snapshots and run summaries as rows of the one output
 * layer: the columns of `gomem sched --events` and of its summary, declared
 * once here so the tool, `gomem top` and scripts agree on them. The first
 * columns of an event row are the contract scripts key on. */
#include <math.h>
#include <string.h>

#include "sched-internal.h"

#define MO GOMEM_COL_MACHINE_ONLY

enum {
	EC_T, EC_GOMAXPROCS, EC_IDLEPROCS, EC_THREADS, EC_SPINNING, EC_IDLETHREADS, EC_RUNQUEUE,
	EC_LOCAL, EC_GOROUTINES, EC_LIVE, EC_LINE, EC_FILE, EC_RUN, EC_LAYOUT, EC_NEEDSPINNING,
	EC_LOCAL_MAX, EC_LOCAL_MIN, EC_GCWAITING, EC_NMIDLELOCKED, EC_STOPWAIT, EC_SYSMONWAIT,
	EC_RUNTIME, EC_RUNNABLE, EC_RUNNING, EC_SYSCALL, EC_WAITING, EC_DEAD, EC_REASSEMBLED,
	EC_COUNT
};

static const gomem_column event_columns[EC_COUNT] = {
	{"t_s", "t", GOMEM_COL_DURATION, 0},
	{"gomaxprocs", "P", GOMEM_COL_COUNT, 0},
	{"idleprocs", "idleP", GOMEM_COL_COUNT, 0},
	{"threads", "M", GOMEM_COL_COUNT, 0},
	{"spinningthreads", "spin", GOMEM_COL_COUNT, 0},
	{"idlethreads", "idleM", GOMEM_COL_COUNT, 0},
	{"runqueue", "runq", GOMEM_COL_COUNT, 0},
	{"local", NULL, GOMEM_COL_COUNT, 0},
	{"goroutines", "G", GOMEM_COL_COUNT, 0},
	{"goroutines_live", "live", GOMEM_COL_COUNT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"file", NULL, GOMEM_COL_TEXT, MO},
	{"run", NULL, GOMEM_COL_COUNT, MO},
	{"layout", NULL, GOMEM_COL_TEXT, MO},
	{"needspinning", NULL, GOMEM_COL_COUNT, MO},
	{"local_max", "maxq", GOMEM_COL_COUNT, 0},
	{"local_min", NULL, GOMEM_COL_COUNT, MO},
	{"gcwaiting", NULL, GOMEM_COL_COUNT, MO},
	{"nmidlelocked", NULL, GOMEM_COL_COUNT, MO},
	{"stopwait", NULL, GOMEM_COL_COUNT, MO},
	{"sysmonwait", NULL, GOMEM_COL_COUNT, MO},
	{"goroutines_runtime", "rtG", GOMEM_COL_COUNT, 0},
	{"g_runnable", NULL, GOMEM_COL_COUNT, MO},
	{"g_running", NULL, GOMEM_COL_COUNT, MO},
	{"g_syscall", NULL, GOMEM_COL_COUNT, MO},
	{"g_waiting", NULL, GOMEM_COL_COUNT, MO},
	{"g_dead", "dead", GOMEM_COL_COUNT, 0},
	{"reassembled", NULL, GOMEM_COL_COUNT, MO},
};

_Static_assert(EC_COUNT == GOMEM_SCHED_EVENT_COLUMNS, "event columns");

const gomem_column *gomem_sched_event_columns(size_t *n_cols)
{
	*n_cols = EC_COUNT;
	return event_columns;
}

static void cell_int(gomem_cell *c, int64_t v)
{
	memset(c, 0, sizeof(*c));
	c->i = v;
	c->null = v < 0;
}

static void cell_real(gomem_cell *c, double v)
{
	memset(c, 0, sizeof(*c));
	c->d = v;
	c->null = !isfinite(v);
}

static void cell_text(gomem_cell *c, const char *s)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->null = s == NULL;
}

void gomem_sched_event_cells(gomem_cell *c, const gomem_sched_snapshot *s, const char *file)
{
	cell_real(&c[EC_T], s->t);
	cell_int(&c[EC_GOMAXPROCS], s->gomaxprocs);
	cell_int(&c[EC_IDLEPROCS], s->idleprocs);
	cell_int(&c[EC_THREADS], s->threads);
	cell_int(&c[EC_SPINNING], s->spinningthreads);
	cell_int(&c[EC_IDLETHREADS], s->idlethreads);
	cell_int(&c[EC_RUNQUEUE], s->runqueue);
	cell_int(&c[EC_LOCAL], s->local);
	cell_int(&c[EC_GOROUTINES], s->goroutines);
	cell_int(&c[EC_LIVE], s->goroutines_live);
	cell_int(&c[EC_LINE], (int64_t)s->line);
	cell_text(&c[EC_FILE], file);
	cell_int(&c[EC_RUN], (int64_t)s->run);
	cell_text(&c[EC_LAYOUT], s->layout == GOMEM_SCHED_GO121 ? "go1.21" : "go1.19");
	cell_int(&c[EC_NEEDSPINNING], s->needspinning);
	cell_int(&c[EC_LOCAL_MAX], s->local_max);
	cell_int(&c[EC_LOCAL_MIN], s->local_min);
	cell_int(&c[EC_GCWAITING], s->gcwaiting);
	cell_int(&c[EC_NMIDLELOCKED], s->nmidlelocked);
	cell_int(&c[EC_STOPWAIT], s->stopwait);
	cell_int(&c[EC_SYSMONWAIT], s->sysmonwait);
	cell_int(&c[EC_RUNTIME], s->goroutines_runtime);
	cell_int(&c[EC_RUNNABLE], s->detailed ? s->g_runnable : -1);
	cell_int(&c[EC_RUNNING], s->detailed ? s->g_running : -1);
	cell_int(&c[EC_SYSCALL], s->detailed ? s->g_syscall : -1);
	cell_int(&c[EC_WAITING], s->detailed ? s->g_waiting : -1);
	cell_int(&c[EC_DEAD], s->detailed ? s->g_dead : -1);
	cell_int(&c[EC_REASSEMBLED], s->reassembled);
}

/* ---- waiting goroutines ------------------------------------------------------------ */

enum { WC_T, WC_REASON, WC_COUNT, WC_RUNTIME, WC_LINE, WC_FILE, WC_RUN, WC_N };

static const gomem_column wait_columns[WC_N] = {
	{"t_s", "t", GOMEM_COL_DURATION, 0},
	{"reason", NULL, GOMEM_COL_TEXT, 0},
	{"count", NULL, GOMEM_COL_COUNT, 0},
	{"runtime", NULL, GOMEM_COL_COUNT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"file", NULL, GOMEM_COL_TEXT, MO},
	{"run", NULL, GOMEM_COL_COUNT, MO},
};

_Static_assert(WC_N <= GOMEM_SCHED_EVENT_COLUMNS, "wait rows fit an event row's cells");

const gomem_column *gomem_sched_wait_columns(size_t *n_cols)
{
	*n_cols = WC_N;
	return wait_columns;
}

void gomem_sched_wait_cells(gomem_cell *c, const gomem_sched_snapshot *s, size_t k, const char *file)
{
	cell_real(&c[WC_T], s->t);
	cell_text(&c[WC_REASON], s->waits[k].reason);
	cell_int(&c[WC_COUNT], s->waits[k].count);
	cell_int(&c[WC_RUNTIME], s->waits[k].runtime_owned);
	cell_int(&c[WC_LINE], (int64_t)s->line);
	cell_text(&c[WC_FILE], file);
	cell_int(&c[WC_RUN], (int64_t)s->run);
}

/* ---- summaries ---------------------------------------------------------------------- */

enum {
	SC_FILE, SC_RUN, SC_SNAPSHOTS, SC_DETAILED, SC_DURATION, SC_PERIOD, SC_GOMAXPROCS,
	SC_BACKLOG_P50, SC_BACKLOG_P99, SC_BACKLOG_MAX, SC_BACKLOG_MEAN, SC_GLOBAL_MAX, SC_BUSY,
	SC_IMBALANCE_MEAN, SC_IMBALANCE_MAX, SC_SPINNING_MEAN, SC_SPINNING_MAX, SC_IDLE_MEAN,
	SC_IDLE_MAX, SC_THREADS_FIRST, SC_THREADS_LAST, SC_THREADS_MAX, SC_THREADS_PER_MIN,
	SC_G_FIRST, SC_G_LAST, SC_G_MAX, SC_TOP_WAIT, SC_TOP_WAIT_COUNT, SC_FIRST_LINE, SC_LAST_LINE,
	SC_COUNT
};

static const gomem_column summary_columns[SC_COUNT] = {
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"run", NULL, GOMEM_COL_COUNT, 0},
	{"snapshots", "snaps", GOMEM_COL_COUNT, 0},
	{"detailed", NULL, GOMEM_COL_COUNT, MO},
	{"duration_s", "span", GOMEM_COL_DURATION, 0},
	{"period_s", "period", GOMEM_COL_DURATION, MO},
	{"gomaxprocs", "P", GOMEM_COL_COUNT, 0},
	{"backlog_p50", "runq p50", GOMEM_COL_NUMBER, 0},
	{"backlog_p99", "p99", GOMEM_COL_NUMBER, 0},
	{"backlog_max", "max", GOMEM_COL_NUMBER, 0},
	{"backlog_mean", NULL, GOMEM_COL_NUMBER, MO},
	{"global_max", NULL, GOMEM_COL_NUMBER, MO},
	{"busy_pct", "busy", GOMEM_COL_PERCENT, 0},
	{"imbalance_mean", "imbal", GOMEM_COL_NUMBER, 0},
	{"imbalance_max", NULL, GOMEM_COL_NUMBER, MO},
	{"spinning_mean", "spin", GOMEM_COL_NUMBER, 0},
	{"spinning_max", NULL, GOMEM_COL_NUMBER, MO},
	{"idle_threads_mean", "idleM", GOMEM_COL_NUMBER, 0},
	{"idle_threads_max", NULL, GOMEM_COL_NUMBER, MO},
	{"threads_first", NULL, GOMEM_COL_COUNT, MO},
	{"threads_last", "M", GOMEM_COL_COUNT, 0},
	{"threads_max", NULL, GOMEM_COL_COUNT, MO},
	{"threads_per_min", "M/min", GOMEM_COL_NUMBER, 0},
	{"goroutines_first", NULL, GOMEM_COL_COUNT, MO},
	{"goroutines_last", "G", GOMEM_COL_COUNT, 0},
	{"goroutines_max", "Gmax", GOMEM_COL_COUNT, 0},
	{"top_wait", "top wait", GOMEM_COL_TEXT, 0},
	{"top_wait_count", NULL, GOMEM_COL_COUNT, MO},
	{"first_line", NULL, GOMEM_COL_COUNT, MO},
	{"last_line", NULL, GOMEM_COL_COUNT, MO},
};

_Static_assert(SC_COUNT == GOMEM_SCHED_SUMMARY_COLUMNS, "summary columns");

const gomem_column *gomem_sched_summary_columns(size_t *n_cols)
{
	*n_cols = SC_COUNT;
	return summary_columns;
}

/* Means to the hundredth: a count of threads or goroutines needs no more. */
static double hundredths(double v)
{
	return isfinite(v) ? round(v * 100) / 100 : NAN;
}

void gomem_sched_summary_cells(gomem_cell *c, const gomem_schedstats_summary *s, const char *file)
{
	cell_text(&c[SC_FILE], file);
	cell_int(&c[SC_RUN], (int64_t)s->run);
	cell_int(&c[SC_SNAPSHOTS], (int64_t)s->snapshots);
	cell_int(&c[SC_DETAILED], (int64_t)s->detailed);
	cell_real(&c[SC_DURATION], s->last_t - s->first_t);
	cell_real(&c[SC_PERIOD], s->period);
	cell_int(&c[SC_GOMAXPROCS], s->gomaxprocs_last);
	cell_real(&c[SC_BACKLOG_P50], s->backlog_p50);
	cell_real(&c[SC_BACKLOG_P99], s->backlog_p99);
	cell_real(&c[SC_BACKLOG_MAX], s->backlog_max);
	cell_real(&c[SC_BACKLOG_MEAN], hundredths(s->backlog_mean));
	cell_real(&c[SC_GLOBAL_MAX], s->global_max);
	cell_real(&c[SC_BUSY], hundredths(s->busy_share * 100));
	cell_real(&c[SC_IMBALANCE_MEAN], hundredths(s->imbalance_mean));
	cell_real(&c[SC_IMBALANCE_MAX], s->imbalance_max);
	cell_real(&c[SC_SPINNING_MEAN], hundredths(s->spinning_mean));
	cell_real(&c[SC_SPINNING_MAX], s->spinning_max);
	cell_real(&c[SC_IDLE_MEAN], hundredths(s->idle_threads_mean));
	cell_real(&c[SC_IDLE_MAX], s->idle_threads_max);
	cell_int(&c[SC_THREADS_FIRST], s->threads_first);
	cell_int(&c[SC_THREADS_LAST], s->threads_last);
	cell_int(&c[SC_THREADS_MAX], s->threads_max);
	cell_real(&c[SC_THREADS_PER_MIN], hundredths(s->threads_per_min));
	cell_int(&c[SC_G_FIRST], s->goroutines_first);
	cell_int(&c[SC_G_LAST], s->goroutines_last);
	cell_int(&c[SC_G_MAX], s->goroutines_max);
	cell_text(&c[SC_TOP_WAIT], s->top_wait);
	cell_int(&c[SC_TOP_WAIT_COUNT], s->top_wait_count);
	cell_int(&c[SC_FIRST_LINE], (int64_t)s->first_line);
	cell_int(&c[SC_LAST_LINE], (int64_t)s->last_line);
}
