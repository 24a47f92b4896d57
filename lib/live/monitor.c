/* SPDX-License-Identifier: Apache-2.0 */
/* monitor.c — the model of `gomem top`: sources, their rows and histories.
 *
 * A stream source (file, pipe, child) is a gomem_follow feeding a gctrace
 * parser; its events go into a gcstats with a sliding window (the row's
 * statistics) and a ring of points (the charts). An endpoint source is
 * polled: each poll reads the "# runtime.MemStats" block of the legacy heap
 * profile and the first line of the goroutine profile, and becomes a point.
 * Polling costs the watched program a stop-the-world (ReadMemStats), so an
 * endpoint is never fetched more often than the interval asked for, and the
 * request does not ask for gc=1 (which would force a GC and skew what we
 * watch). */
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor-internal.h"

#define DEFAULT_WINDOW 300.0
#define DEFAULT_HISTORY 512
#define DEFAULT_URL_INTERVAL 5.0
#define DEFAULT_URL_TIMEOUT_MS 5000
#define DEFAULT_MAX_READ ((uint64_t)16 << 20)
#define MAX_HISTORY ((size_t)1 << 20)
#define MAX_WINDOW_EVENTS ((size_t)1 << 16) /* 65 s of a 1000 GC/s flood */
#define MAX_SOURCES ((size_t)4096)
#define MAX_WAIT_FDS 256
#define SCHED_WINDOW 512 /* snapshots behind the backlog p99: 8.5 min of schedtrace=1000 */

static const char *const sort_names[GOMEM_MONITOR_SORT_COUNT_] = {
	"none", "name", "gcs", "pause", "p99", "cpu", "heap", "slope", "goroutines", "age"
};

const char *gomem_monitor_sort_name(gomem_monitor_sort_key key)
{
	return (unsigned)key < GOMEM_MONITOR_SORT_COUNT_ ? sort_names[key] : "?";
}

int gomem_monitor_sort_parse(gomem_monitor_sort_key *out, const char *name)
{
	for (int k = 0; k < GOMEM_MONITOR_SORT_COUNT_; k++) {
		if (strcmp(name, sort_names[k]) == 0) {
			*out = (gomem_monitor_sort_key)k;
			return GOMEM_OK;
		}
	}
	return GOMEM_E_INVALID;
}

const char *gomem_monitor_state_name(gomem_monitor_state state)
{
	switch (state) {
	case GOMEM_MONITOR_WAITING: return "waiting";
	case GOMEM_MONITOR_RUNNING: return "running";
	case GOMEM_MONITOR_ENDED: return "ended";
	case GOMEM_MONITOR_EXITED: return "exited";
	case GOMEM_MONITOR_ERROR: return "error";
	}
	return "?";
}

/* ---- construction -------------------------------------------------------- */

int gomem_monitor_new(gomem_monitor **out, const gomem_monitor_options *opts)
{
	gomem_monitor_options defaults = GOMEM_MONITOR_OPTIONS_INIT;
	gomem_monitor *m;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != GOMEM_MONITOR_OPTIONS_VERSION || opts->window < 0 ||
	    opts->url_interval < 0 || opts->history > MAX_HISTORY)
		return GOMEM_E_INVALID;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return GOMEM_E_NOMEM;
	m->opts = *opts;
	if (m->opts.window == 0)
		m->opts.window = DEFAULT_WINDOW;
	if (m->opts.history == 0)
		m->opts.history = DEFAULT_HISTORY;
	if (m->opts.url_interval == 0)
		m->opts.url_interval = DEFAULT_URL_INTERVAL;
	if (m->opts.url_timeout_ms == 0)
		m->opts.url_timeout_ms = DEFAULT_URL_TIMEOUT_MS;
	if (m->opts.max_read == 0)
		m->opts.max_read = DEFAULT_MAX_READ;
	*out = m;
	return GOMEM_OK;
}

static void source_free(struct source *s)
{
	if (s == NULL)
		return;
	gomem_follow_free(s->follow);
	gomem_gcruns_free(s->runs);
	gomem_schedruns_free(s->sched);
	free(s->buf);
	gomem_monitor_poll_free(s->poll);
	free(s->name);
	free(s->spec);
	free(s->heap_url);
	free(s->goroutine_url);
	free(s->ring);
	free(s);
}

void gomem_monitor_free(gomem_monitor *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nsrc; i++)
		source_free(m->src[i]); /* polls in flight are cancelled */
	gomem_http_free(m->http);
	gomem_exporter_free(m->exporter);
	free(m->src);
	free(m->order);
	free(m);
}

const gomem_error *gomem_monitor_error(const gomem_monitor *m)
{
	return m ? &m->err : NULL;
}

static char *dup_range(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

static char *dup_str(const char *s)
{
	return dup_range(s, strlen(s));
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static int stream_new(gomem_monitor *m, struct source *s, const char *label);

/* A new source, its name and spec taken over; appended to the order. */
static int source_new(gomem_monitor *m, struct source **out, gomem_monitor_kind kind,
		      const char *name, const char *spec)
{
	struct source *s;
	size_t order_cap;

	*out = NULL;
	if (m->nsrc == MAX_SOURCES)
		return gomem_error_set(&m->err, GOMEM_E_LIMIT, "more than %zu sources", MAX_SOURCES);
	if (GOMEM_GROW(m->src, m->src_cap, m->nsrc + 1, MAX_SOURCES) != GOMEM_OK)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	order_cap = m->nsrc;
	{
		size_t *o = realloc(m->order, (order_cap + 1) * sizeof(*o));

		if (o == NULL)
			return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
		m->order = o;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	s->kind = kind;
	s->name = dup_str(name);
	s->spec = dup_str(spec);
	s->ring_cap = m->opts.history;
	s->ring = calloc(s->ring_cap, sizeof(*s->ring));
	if (s->name == NULL || s->spec == NULL || s->ring == NULL) {
		source_free(s);
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	}
	s->last_event = NAN;
	s->last_pause = NAN;
	s->next_poll = -INFINITY;
	s->gcs = s->goroutines = s->heap_live = s->goal = -1;
	s->inuse = s->idle = s->released = s->sys = -1;
	s->pause_last = s->pause_p99 = s->cpu_pct = s->age_base = NAN;
	s->row.index = m->nsrc;
	s->row.exit_status = -1;
	if (kind != GOMEM_MONITOR_URL) {
		char label[300];

		snprintf(label, sizeof(label), "%s", spec);
		if (stream_new(m, s, label) != GOMEM_OK) {
			source_free(s);
			return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
		}
	}
	m->order[m->nsrc] = m->nsrc;
	m->src[m->nsrc++] = s;
	*out = s;
	return GOMEM_OK;
}

void gomem_monitor_set_message(struct source *s, const gomem_error *err, const char *fallback)
{
	if (err && err->code != GOMEM_OK && err->message[0])
		snprintf(s->message, sizeof(s->message), "%s", err->message);
	else
		snprintf(s->message, sizeof(s->message), "%s", fallback);
}

/* An endpoint's two URLs, by the one rule every tool follows: a base URL
 * (http://host:6060) names /debug/pprof/heap and /debug/pprof/goroutine, a
 * URL of one of the profiles names the other. Neither asks for gc=1: a
 * forced GC would be a GC we caused and then counted. */
static int endpoint_urls(struct source *s, const char *spec)
{
	int rc = gomem_pprof_url(&s->heap_url, spec, "heap", "debug=1", GOMEM_PPROF_URL_SIBLING);

	if (rc == GOMEM_OK)
		rc = gomem_pprof_url(&s->goroutine_url, spec, "goroutine", "debug=1",
				     GOMEM_PPROF_URL_SIBLING);
	if (rc == GOMEM_OK && strcmp(s->heap_url, s->goroutine_url) == 0) {
		gomem_free(s->goroutine_url); /* a path of the user's: no sibling to it */
		s->goroutine_url = NULL;
	}
	return rc;
}

int gomem_monitor_add(gomem_monitor *m, const char *spec)
{
	struct source *s;
	gomem_error err = {0};
	int rc;

	if (m == NULL || spec == NULL || *spec == '\0')
		return GOMEM_E_INVALID;
	if (gomem_url_is_http(spec)) {
		char *name;

		if ((rc = gomem_url_name(&name, spec)) != GOMEM_OK)
			return gomem_error_set(&m->err, rc, "%s: not an http(s) URL with a host", spec);
		rc = source_new(m, &s, GOMEM_MONITOR_URL, name, spec);
		free(name);
		if (rc == GOMEM_OK && endpoint_urls(s, spec) != GOMEM_OK)
			rc = gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
		return rc;
	}
	if (strcmp(spec, "-") == 0)
		rc = source_new(m, &s, GOMEM_MONITOR_PIPE, "<stdin>", spec);
	else
		rc = source_new(m, &s, GOMEM_MONITOR_FILE, base_name(spec), spec);
	if (rc != GOMEM_OK)
		return rc;
	if ((rc = gomem_follow_open(&s->follow, spec, m->opts.from_start, &err)) != GOMEM_OK) {
		/* Kept as a row in error: the screen says what went wrong. */
		s->row.state = GOMEM_MONITOR_ERROR;
		s->eof = 1;
		gomem_monitor_set_message(s, &err, gomem_strerror(rc));
		if (rc == GOMEM_E_NOMEM)
			return gomem_error_set(&m->err, rc, "out of memory");
	}
	return GOMEM_OK;
}

int gomem_monitor_add_command(gomem_monitor *m, char *const argv[], int quiet)
{
	struct source *s;
	gomem_buf cmd;
	gomem_error err = {0};
	int rc;

	if (m == NULL || argv == NULL || argv[0] == NULL)
		return GOMEM_E_INVALID;
	gomem_buf_init(&cmd, 4096);
	for (size_t i = 0; argv[i]; i++)
		if (gomem_buf_printf(&cmd, "%s%s", i ? " " : "", argv[i]) != GOMEM_OK)
			break; /* a long command line is shown cut */
	rc = source_new(m, &s, GOMEM_MONITOR_CHILD, base_name(argv[0]), cmd.data ? cmd.data : argv[0]);
	gomem_buf_free(&cmd);
	if (rc != GOMEM_OK)
		return rc;
	if ((rc = gomem_follow_spawn(&s->follow, argv, "gctrace=1", 0, quiet, &err)) != GOMEM_OK) {
		s->row.state = GOMEM_MONITOR_ERROR;
		s->eof = 1;
		gomem_monitor_set_message(s, &err, gomem_strerror(rc));
		gomem_error_copy(&m->err, &err);
		return rc;
	}
	return GOMEM_OK;
}

int gomem_monitor_add_buffer(gomem_monitor *m, const char *name, const void *data, size_t len)
{
	struct source *s;
	int rc;

	if (m == NULL || name == NULL || (data == NULL && len > 0))
		return GOMEM_E_INVALID;
	if ((rc = source_new(m, &s, GOMEM_MONITOR_FILE, base_name(name), name)) != GOMEM_OK)
		return rc;
	if ((s->buf = malloc(len ? len : 1)) == NULL)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	if (len)
		memcpy(s->buf, data, len);
	s->buflen = len;
	return GOMEM_OK;
}

/* ---- history ------------------------------------------------------------- */

void gomem_monitor_push_point(struct source *s, const gomem_monitor_point *p)
{
	size_t at;

	if (s->ring_len < s->ring_cap) {
		at = (s->ring_start + s->ring_len++) % s->ring_cap;
	} else {
		at = s->ring_start;
		s->ring_start = (s->ring_start + 1) % s->ring_cap;
	}
	s->ring[at] = *p;
}

static const gomem_monitor_point *point_at(const struct source *s, size_t j)
{
	return &s->ring[(s->ring_start + j) % s->ring_cap];
}

/* ---- streams ------------------------------------------------------------- */

static double stw_pause(const gomem_gctrace_event *ev)
{
	double a = ev->stw_sweep_term, b = ev->stw_mark_term;

	if (isnan(a) && isnan(b))
		return NAN;
	return (isnan(a) ? 0 : a) + (isnan(b) ? 0 : b);
}

/* A gc line: a point of the history (the statistics are the runs'). */
static int take_event(void *payload, const gomem_gctrace_event *ev)
{
	struct source *s = payload;
	gomem_monitor_point p;

	if (ev->kind != GOMEM_GCTRACE_GC)
		return GOMEM_OK;
	memset(&p, 0, sizeof(p));
	p.when = s->feed_now;
	p.t = ev->t;
	p.gc = ev->gc;
	p.heap_start = ev->heap_start;
	p.heap_end = ev->heap_end;
	p.heap_live = ev->heap_live >= 0 ? ev->heap_live : ev->heap_end;
	p.heap_marked = ev->heap_live;
	p.goal = ev->goal;
	p.pause = stw_pause(ev);
	p.mark = ev->concurrent_mark;
	p.cpu_pct = ev->cpu_pct >= 0 ? (double)ev->cpu_pct : NAN;
	p.procs = ev->procs;
	p.forced = ev->forced;
	gomem_monitor_push_point(s, &p);
	s->last_event = s->feed_now;
	s->last_pause = p.pause;
	if (s->row.state == GOMEM_MONITOR_WAITING)
		s->row.state = GOMEM_MONITOR_RUNNING;
	return GOMEM_OK;
}

/* A run ended: a new one began (the program restarted: statistics start
 * over, the chart goes on), or the input did, and its row keeps showing it. */
static int take_run(void *payload, const gomem_gcstats_summary *run)
{
	struct source *s = payload;

	s->ended = *run;
	s->have_ended = 1;
	return GOMEM_OK;
}

static int stream_new(gomem_monitor *m, struct source *s, const char *label)
{
	gomem_gcruns_options o = GOMEM_GCRUNS_OPTIONS_INIT;
	gomem_schedruns_options so = GOMEM_SCHEDRUNS_OPTIONS_INIT;

	o.window = m->opts.window;
	o.max_events = MAX_WINDOW_EVENTS;
	o.on_event = take_event;
	o.on_run = take_run;
	o.payload = s;
	if (gomem_gcruns_new(&s->runs, label, &o) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	so.window = SCHED_WINDOW;
	return gomem_schedruns_new(&s->sched, label, &so);
}

/* schedtrace lines ride in the same stream as gctrace (GODEBUG takes both);
 * a stream without them costs a scan per line. Its trouble only ends the
 * sched columns: the gctrace row goes on. */
static void feed_sched(struct source *s, const void *data, size_t len, int end)
{
	int rc;

	if (s->sched == NULL)
		return;
	rc = end ? gomem_schedruns_finish(s->sched) : gomem_schedruns_feed(s->sched, data, len);
	if (rc != GOMEM_OK) {
		gomem_schedruns_free(s->sched);
		s->sched = NULL;
	}
}

/* A feed that failed: the row says why, the source is read no more. */
static int stream_failed(gomem_monitor *m, struct source *s, int rc)
{
	s->row.state = GOMEM_MONITOR_ERROR;
	gomem_monitor_set_message(s, gomem_gctrace_parser_error(gomem_gcruns_parser(s->runs)),
				  gomem_strerror(rc));
	s->eof = 1;
	return rc == GOMEM_E_NOMEM ? gomem_error_set(&m->err, rc, "out of memory") : GOMEM_OK;
}

static int feed(gomem_monitor *m, struct source *s, const void *data, size_t len, double now)
{
	int rc;

	s->feed_now = now;
	feed_sched(s, data, len, 0);
	rc = gomem_gcruns_feed(s->runs, data, len);
	return rc == GOMEM_OK ? GOMEM_OK : stream_failed(m, s, rc);
}

static int finish(gomem_monitor *m, struct source *s, double now)
{
	int rc;

	s->eof = 1;
	s->feed_now = now;
	feed_sched(s, NULL, 0, 1);
	if ((rc = gomem_gcruns_finish(s->runs)) != GOMEM_OK)
		return stream_failed(m, s, rc);
	if (s->row.state != GOMEM_MONITOR_ERROR)
		s->row.state = s->kind == GOMEM_MONITOR_CHILD ? GOMEM_MONITOR_RUNNING
							      : GOMEM_MONITOR_ENDED;
	return GOMEM_OK;
}

static int read_stream(gomem_monitor *m, struct source *s, double now)
{
	uint64_t budget = m->opts.max_read;
	const uint8_t *data;
	size_t len;
	int rc;

	if (s->eof)
		return GOMEM_OK;
	if (s->follow == NULL) { /* a buffer */
		if ((rc = feed(m, s, s->buf, s->buflen, now)) != GOMEM_OK)
			return rc;
		return s->eof ? GOMEM_OK : finish(m, s, now);
	}
	while (budget > 0) {
		if ((rc = gomem_follow_read(s->follow, &data, &len)) != GOMEM_OK) {
			s->row.state = GOMEM_MONITOR_ERROR;
			gomem_monitor_set_message(s, gomem_follow_error(s->follow), gomem_strerror(rc));
			s->eof = 1;
			return rc == GOMEM_E_NOMEM ? gomem_error_set(&m->err, rc, "out of memory")
						   : GOMEM_OK;
		}
		if (len == 0)
			break;
		if ((rc = feed(m, s, data, len, now)) != GOMEM_OK || s->eof)
			return rc;
		budget -= len < budget ? len : budget;
	}
	if (budget > 0 && (gomem_follow_events(s->follow) & GOMEM_FOLLOW_EOF))
		return finish(m, s, now);
	return GOMEM_OK;
}

int gomem_monitor_read(gomem_monitor *m, double now)
{
	int rc;

	for (size_t i = 0; i < m->nsrc; i++)
		if (m->src[i]->kind != GOMEM_MONITOR_URL &&
		    (rc = read_stream(m, m->src[i], now)) != GOMEM_OK)
			return rc;
	if ((rc = gomem_exporter_serve(m->exporter, m, now)) != GOMEM_OK)
		return gomem_error_set(&m->err, rc, "out of memory");
	return gomem_monitor_poll_progress(m, now);
}

int gomem_monitor_wait(gomem_monitor *m, struct pollfd *extra, size_t nextra, double timeout)
{
	struct pollfd pf[MAX_WAIT_FDS];
	int fds[MAX_WAIT_FDS];
	size_t n = 0, nfds;
	int rc;

	if (m == NULL || nextra > MAX_WAIT_FDS / 2)
		return GOMEM_E_INVALID;
	for (size_t i = 0; i < nextra; i++)
		pf[n++] = extra[i];
	if (m->exporter)
		n += gomem_exporter_pollfds(m->exporter, pf + n, MAX_WAIT_FDS / 4);
	nfds = gomem_monitor_fds(m, fds, MAX_WAIT_FDS - n);
	for (size_t i = 0; i < nfds; i++)
		pf[n++] = (struct pollfd){fds[i], POLLIN, 0};
	/* An endpoint's fetches are waited on in the same call. */
	rc = gomem_http_wait(m->http, pf, n, (int)gomem_duration_ms(timeout, INT_MAX));
	for (size_t i = 0; i < nextra; i++)
		extra[i].revents = pf[i].revents;
	return rc;
}

int gomem_monitor_listen(gomem_monitor *m, const char *addr)
{
	if (m == NULL || addr == NULL)
		return GOMEM_E_INVALID;
	if (m->exporter)
		return gomem_error_set(&m->err, GOMEM_E_INVALID, "already listening on %s",
				       gomem_exporter_address(m->exporter));
	return gomem_exporter_new(&m->exporter, addr, &m->err);
}

const char *gomem_monitor_listen_address(const gomem_monitor *m)
{
	return m ? gomem_exporter_address(m->exporter) : NULL;
}

size_t gomem_monitor_fds(const gomem_monitor *m, int *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nsrc && n < max; i++) {
		const struct source *s = m->src[i];
		int fd;

		if (s->follow && !s->eof && (fd = gomem_follow_fd(s->follow)) >= 0)
			fds[n++] = fd;
	}
	return n;
}

/* ---- endpoints (polled in monitor_poll.c) ------------------------------------ */

static double realtime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double gomem_monitor_next_poll(const gomem_monitor *m, double now, double cap)
{
	double wait = cap;

	for (size_t i = 0; i < m->nsrc; i++) {
		const struct source *s = m->src[i];

		if (s->kind == GOMEM_MONITOR_URL && s->next_poll - now < wait)
			wait = s->next_poll - now;
	}
	return wait < 0 ? 0 : wait;
}

/* ---- rows ---------------------------------------------------------------- */

/* The leak trend of an endpoint: the least-squares slope of the heap the
 * last GC marked (the heap profile's in-use bytes), over the points of the
 * last WINDOW seconds, one per GC: a poll that saw no new GC repeats the
 * last one's reading and is left out. HeapAlloc is never fitted: it is a
 * sawtooth between GCs and its slope, whatever the polls catch of it, is a
 * false leak. NAN until three GCs have been seen. */
static double marked_slope(const struct source *s, double now, double window)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0, x0 = NAN;
	int64_t last_gc = -1;

	for (size_t j = 0; j < s->ring_len; j++) {
		const gomem_monitor_point *p = point_at(s, j);
		int fresh = p->gc != last_gc;
		double x, y;

		last_gc = p->gc;
		if (!fresh || p->when < now - window || p->heap_marked < 0)
			continue;
		if (isnan(x0))
			x0 = p->when;
		x = p->when - x0;
		y = (double)p->heap_marked;
		sx += x, sy += y, sxx += x * x, sxy += x * y, n++;
	}
	if (n < 3 || n * sxx - sx * sx <= 0)
		return NAN;
	return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* GCs per second from the points of the last WINDOW seconds (endpoints). */
static double history_rate(const struct source *s, double now, double window)
{
	const gomem_monitor_point *first = NULL, *last;

	if (s->ring_len < 2)
		return NAN;
	last = point_at(s, s->ring_len - 1);
	for (size_t j = 0; j + 1 < s->ring_len; j++) {
		const gomem_monitor_point *p = point_at(s, j);

		if (p->when >= now - window) {
			first = p;
			break;
		}
	}
	if (first == NULL || last->when <= first->when || last->gc < first->gc)
		return NAN;
	return (double)(last->gc - first->gc) / (last->when - first->when);
}

/* The sched columns, from the last snapshot and the open (or last) run. */
static void update_sched_row(struct source *s)
{
	const gomem_sched_snapshot *snap = s->sched ? gomem_schedruns_last(s->sched) : NULL;
	gomem_schedstats_summary sum;
	gomem_monitor_row *r = &s->row;

	if (snap == NULL)
		return;
	r->runq = snap->runqueue < 0 ? -1 : snap->runqueue + (snap->local > 0 ? snap->local : 0);
	r->threads = snap->threads;
	r->gomaxprocs = snap->gomaxprocs;
	if (gomem_schedruns_current(s->sched, &sum))
		r->runq_p99 = sum.backlog_p99;
}

static void update_stream_row(struct source *s, double now)
{
	gomem_monitor_row *r = &s->row;
	gomem_gcstats_summary sum;
	gomem_gctrace_counts counts;

	memset(&sum, 0, sizeof(sum));
	update_sched_row(s);
	gomem_gctrace_get_counts(gomem_gcruns_parser(s->runs), &counts);
	r->lines = counts.lines;
	r->skipped = counts.skipped;
	if (s->kind == GOMEM_MONITOR_CHILD && s->follow && r->state != GOMEM_MONITOR_ERROR) {
		int st = gomem_follow_exit_status(s->follow);

		if (st == GOMEM_FOLLOW_STATUS_LOST)
			snprintf(s->message, sizeof(s->message), "its exit status was lost");
		if (st >= 0) {
			r->exit_status = st == GOMEM_FOLLOW_STATUS_LOST ? -1 : st;
			r->state = GOMEM_MONITOR_EXITED;
		}
	}
	if (!gomem_gcruns_current(s->runs, &sum) && s->have_ended)
		sum = s->ended;
	if (s->ring_len == 0 || sum.gcs == 0) {
		r->gcs = s->ring_len ? point_at(s, s->ring_len - 1)->gc : -1;
		r->gc_per_s = r->pause_last = r->pause_p99 = r->gc_cpu_pct = r->heap_slope = NAN;
		r->heap_live = r->heap_goal = -1;
		r->age = isnan(s->last_event) ? NAN : now - s->last_event;
		return;
	}
	r->gcs = (int64_t)sum.last_gc;
	r->pause_p50 = sum.pause_p50;
	r->pause_max = sum.pause_max;
	r->gc_per_s = sum.gc_per_s;
	r->pause_last = s->last_pause;
	r->pause_p99 = sum.pause_p99;
	r->gc_cpu_pct = !isnan(sum.cpu_pct_window) ? sum.cpu_pct_window
			: sum.cpu_pct_last >= 0 ? (double)sum.cpu_pct_last : NAN;
	r->heap_live = sum.heap_live_last;
	r->heap_goal = sum.goal_last;
	r->heap_slope = sum.gcs >= 3 ? sum.live_slope : NAN;
	r->age = isnan(s->last_event) ? NAN : now - s->last_event;
}

static void update_url_row(gomem_monitor *m, struct source *s, double now)
{
	gomem_monitor_row *r = &s->row;

	r->gcs = s->gcs;
	r->gc_per_s = history_rate(s, now, m->opts.window);
	r->pause_last = s->pause_last;
	r->pause_p99 = s->pause_p99;
	r->gc_cpu_pct = s->cpu_pct;
	r->heap_live = s->heap_live;
	r->heap_goal = s->goal;
	r->heap_slope = marked_slope(s, now, m->opts.window);
	r->goroutines = s->goroutines;
	r->heap_inuse = s->inuse;
	r->heap_idle = s->idle;
	r->heap_released = s->released;
	r->sys = s->sys;
	if (!isnan(s->age_base) && s->age_base > 0) {
		double age = realtime_now() - s->age_base;

		r->age = age < 0 ? 0 : age;
	} else {
		r->age = NAN;
	}
}

static void refresh_row(gomem_monitor *m, struct source *s, double now)
{
	gomem_monitor_row *r = &s->row;

	r->name = s->name;
	r->spec = s->spec;
	r->kind = s->kind;
	r->message = s->message;
	r->goroutines = -1;
	r->heap_inuse = r->heap_idle = r->heap_released = r->sys = -1;
	r->pause_p50 = r->pause_max = r->runq_p99 = NAN;
	r->runq = r->threads = r->gomaxprocs = -1;
	if (s->kind == GOMEM_MONITOR_URL)
		update_url_row(m, s, now);
	else
		update_stream_row(s, now);
}

int gomem_monitor_tick(gomem_monitor *m, double now)
{
	int rc;

	if ((rc = gomem_monitor_read(m, now)) != GOMEM_OK)
		return rc;
	/* A poll started now is moved on at once: a refused connection is
	 * known before the rows are. */
	for (size_t i = 0; i < m->nsrc; i++)
		if (m->src[i]->kind == GOMEM_MONITOR_URL &&
		    (rc = gomem_monitor_poll_start(m, m->src[i], now)) != GOMEM_OK)
			return rc;
	if ((rc = gomem_monitor_poll_progress(m, now)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < m->nsrc; i++) {
		struct source *s = m->src[i];

		refresh_row(m, s, now);
	}
	gomem_monitor_sort(m, m->sort_key, m->descending);
	return m->err.code;
}

/* ---- order --------------------------------------------------------------- */

static double sort_value(const gomem_monitor_row *r, gomem_monitor_sort_key key)
{
	switch (key) {
	case GOMEM_MONITOR_SORT_GC_RATE: return r->gc_per_s;
	case GOMEM_MONITOR_SORT_PAUSE: return r->pause_last;
	case GOMEM_MONITOR_SORT_P99: return r->pause_p99;
	case GOMEM_MONITOR_SORT_CPU: return r->gc_cpu_pct;
	case GOMEM_MONITOR_SORT_HEAP: return r->heap_live < 0 ? NAN : (double)r->heap_live;
	case GOMEM_MONITOR_SORT_SLOPE: return r->heap_slope;
	case GOMEM_MONITOR_SORT_GOROUTINES: return r->goroutines < 0 ? NAN : (double)r->goroutines;
	case GOMEM_MONITOR_SORT_AGE: return r->age;
	default: return NAN;
	}
}

static int compare_rows(const void *a, const void *b, void *ctx)
{
	const gomem_monitor *m = ctx;
	const gomem_monitor_row *x = &m->src[*(const size_t *)a]->row;
	const gomem_monitor_row *y = &m->src[*(const size_t *)b]->row;
	int c = 0;

	if (m->sort_key == GOMEM_MONITOR_SORT_NONE)
		return (x->index > y->index) - (x->index < y->index);
	if (m->sort_key == GOMEM_MONITOR_SORT_NAME) {
		c = strcmp(m->src[x->index]->name, m->src[y->index]->name);
		c = m->descending ? -c : c;
	} else {
		double u = sort_value(x, m->sort_key), v = sort_value(y, m->sort_key);

		if (isnan(u) != isnan(v))
			return isnan(u) ? 1 : -1; /* unknown last, either way */
		if (!isnan(u))
			c = m->descending ? (u < v) - (u > v) : (u > v) - (u < v);
	}
	if (c == 0)
		c = strcmp(m->src[x->index]->name, m->src[y->index]->name);
	if (c == 0)
		c = (x->index > y->index) - (x->index < y->index);
	return c;
}

void gomem_monitor_sort(gomem_monitor *m, gomem_monitor_sort_key key, int descending)
{
	if ((unsigned)key >= GOMEM_MONITOR_SORT_COUNT_)
		key = GOMEM_MONITOR_SORT_NONE;
	m->sort_key = key;
	m->descending = descending;
	for (size_t i = 0; i < m->nsrc; i++)
		m->src[i]->row.name = m->src[i]->name;
	/* gomem_sort is stable and fails only without memory: the order then
	 * stays as it was, which is still a valid order. */
	(void)gomem_sort(m->order, m->nsrc, sizeof(m->order[0]), compare_rows, m);
}

size_t gomem_monitor_row_count(const gomem_monitor *m)
{
	return m->nsrc;
}

const gomem_monitor_row *gomem_monitor_row_at(const gomem_monitor *m, size_t i)
{
	return i < m->nsrc ? &m->src[m->order[i]]->row : NULL;
}

size_t gomem_monitor_history_count(const gomem_monitor *m, size_t i)
{
	return i < m->nsrc ? m->src[m->order[i]]->ring_len : 0;
}

const gomem_monitor_point *gomem_monitor_history_at(const gomem_monitor *m, size_t i, size_t j)
{
	const struct source *s;

	if (i >= m->nsrc)
		return NULL;
	s = m->src[m->order[i]];
	return j < s->ring_len ? point_at(s, j) : NULL;
}

void gomem_monitor_get_totals(const gomem_monitor *m, gomem_monitor_totals *out)
{
	memset(out, 0, sizeof(*out));
	out->pause_max = NAN;
	out->sources = m->nsrc;
	for (size_t i = 0; i < m->nsrc; i++) {
		const gomem_monitor_row *r = &m->src[i]->row;

		switch (r->state) {
		case GOMEM_MONITOR_RUNNING: out->running++; break;
		case GOMEM_MONITOR_ENDED:
		case GOMEM_MONITOR_EXITED: out->ended++; break;
		case GOMEM_MONITOR_ERROR: out->errors++; break;
		default: break;
		}
		if (!isnan(r->gc_per_s))
			out->gc_per_s += r->gc_per_s;
		if (r->heap_live > 0)
			out->heap_live += r->heap_live;
		if (r->heap_goal > 0)
			out->heap_goal += r->heap_goal;
		if (r->gcs > 0)
			out->gcs += r->gcs;
		if (!isnan(r->pause_last) && (isnan(out->pause_max) || r->pause_last > out->pause_max))
			out->pause_max = r->pause_last;
	}
}

int gomem_monitor_all_ended(const gomem_monitor *m)
{
	for (size_t i = 0; i < m->nsrc; i++) {
		const struct source *s = m->src[i];

		/* a followed file and an endpoint never end */
		if (s->kind == GOMEM_MONITOR_URL || (s->kind == GOMEM_MONITOR_FILE && s->follow))
			return 0;
		if (!s->eof)
			return 0;
		if (s->kind == GOMEM_MONITOR_CHILD && s->row.state != GOMEM_MONITOR_EXITED &&
		    s->row.state != GOMEM_MONITOR_ERROR)
			return 0;
	}
	return 1;
}
