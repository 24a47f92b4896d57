/* SPDX-License-Identifier: Apache-2.0 */
/* monitor_poll.c — polling a Go program's pprof endpoint for gomem top,
 * without ever making the caller wait: the two GETs of a poll (the legacy
 * heap profile, whose "# runtime.MemStats" block carries the GC figures, and
 * the first line of the goroutine profile) run in the monitor's multi
 * handle and are moved on by gomem_monitor_read, so the screen and the keys
 * stay live while an endpoint is slow or hangs.
 *
 * A poll keeps a few kilobytes whatever the profile's size: the heap profile
 * is scanned line by line as it arrives, its records only summed (their in-use
 * bytes, unsampled: the heap the last GC marked), their stacks never kept;
 * only the MemStats lines go to the heap profile reader. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor-internal.h"

#define SCAN_LINE_MAX ((size_t)16 * 1024) /* MemStats' PauseEnd line is ~5 KiB */
#define GOROUTINE_LINE_MAX 4096

/* The heap profile, as it streams by. */
struct heap_scan {
	char line[SCAN_LINE_MAX];
	size_t len;
	int overlong, header, memstats, marked_known;
	int64_t rate;             /* MemProfileRate, from "@ heap/2R" */
	double inuse;             /* in-use bytes of the records, unsampled */
	gomem_heapprof_reader *ms;/* fed the header and the MemStats block only */
	gomem_error err;
};

struct url_poll {
	gomem_http_get *heap, *goroutine;
	struct heap_scan scan;
	char gline[GOROUTINE_LINE_MAX];
	size_t glen;
};

/* ---- the goroutine count ----------------------------------------------------- */

int gomem_monitor_goroutine_total(int64_t *out, const char *text, size_t len)
{
	static const char prefix[] = "goroutine profile: total ";
	size_t plen = sizeof(prefix) - 1, i;
	int64_t n = 0;

	*out = -1;
	if (len <= plen || memcmp(text, prefix, plen) != 0)
		return GOMEM_E_FORMAT;
	for (i = plen; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
		if (n > (INT64_MAX - 9) / 10)
			return GOMEM_E_FORMAT;
		n = n * 10 + (text[i] - '0');
	}
	if (i == plen || (i < len && text[i] != '\n' && text[i] != '\r'))
		return GOMEM_E_FORMAT;
	*out = n;
	return GOMEM_OK;
}

/* The first line is all we want: the GET ends there. */
static int on_goroutine_body(void *payload, const uint8_t *data, size_t len)
{
	struct url_poll *p = payload;
	const uint8_t *nl = memchr(data, '\n', len);
	size_t take = nl ? (size_t)(nl - data) + 1 : len;

	if (take > sizeof(p->gline) - p->glen)
		take = sizeof(p->gline) - p->glen;
	memcpy(p->gline + p->glen, data, take);
	p->glen += take;
	return nl || p->glen == sizeof(p->gline) ? GOMEM_HTTP_ENOUGH : GOMEM_OK;
}

/* ---- the heap profile, scanned --------------------------------------------------- */

static int scan_init(struct heap_scan *h, const char *name)
{
	memset(h, 0, sizeof(*h));
	gomem_error_set_source(&h->err, name);
	return gomem_heapprof_reader_new(&h->ms, name);
}

static int feed_reader(struct heap_scan *h, const char *line, size_t len)
{
	if (gomem_heapprof_reader_feed(h->ms, line, len) != GOMEM_OK ||
	    gomem_heapprof_reader_feed(h->ms, "\n", 1) != GOMEM_OK) {
		gomem_error_copy(&h->err, gomem_heapprof_reader_error(h->ms));
		return h->err.code ? h->err.code : GOMEM_E_FORMAT;
	}
	return GOMEM_OK;
}

/* A decimal at *P, at most INT64_MAX; -1 when there is none. */
static int64_t take_number(const char **p, const char *end)
{
	int64_t v = 0;
	const char *s = *p;

	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (**p - '0');
	}
	return *p == s ? -1 : v;
}

/* "heap profile: N: M [A: B] @ heap/2R": Go's form, whose records are
 * unsampled with MemProfileRate R; any other kind leaves the marked heap
 * unknown (its records are not Go's in-use bytes). */
static int scan_header(struct heap_scan *h, const char *line, size_t len)
{
	const char *at = memchr(line, '@', len), *end = line + len, *p;
	int64_t r;

	if (len < 13 || memcmp(line, "heap profile:", 13) != 0)
		return gomem_error_set(&h->err, GOMEM_E_FORMAT,
				       "not a text heap profile (debug=1): no 'heap profile:' header");
	h->header = 1;
	if (at && (size_t)(end - at) > 7 && memcmp(at, "@ heap/", 7) == 0) {
		p = at + 7;
		if ((r = take_number(&p, end)) > 0) {
			h->rate = r / 2;
			h->marked_known = 1;
		}
	}
	return feed_reader(h, line, len);
}

/* "N: M [A: B] @ ...": the record's in-use pair, unsampled, added up. */
static void scan_record(struct heap_scan *h, const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	int64_t count = take_number(&p, end), size;

	if (count < 0 || p + 2 > end || p[0] != ':' || p[1] != ' ')
		return;
	p += 2;
	if ((size = take_number(&p, end)) < 0)
		return;
	if (count > 0 && size > 0)
		gomem_heapprof_unsample(&count, &size, h->rate);
	if (size > 0)
		h->inuse += (double)size;
}

static int scan_line(struct heap_scan *h, const char *line, size_t len)
{
	static const char memstats[] = "# runtime.MemStats";

	if (!h->header)
		return scan_header(h, line, len);
	if (!h->memstats && len >= sizeof(memstats) - 1 &&
	    memcmp(line, memstats, sizeof(memstats) - 1) == 0)
		h->memstats = 1;
	if (h->memstats)
		return feed_reader(h, line, len);
	if (len > 0 && line[0] >= '0' && line[0] <= '9')
		scan_record(h, line, len);
	return GOMEM_OK; /* a symbol line, a blank line */
}

/* Lines cut from the chunks; a line longer than the buffer (a long symbol
 * name) is none the scan needs, and is skipped. */
static int scan_feed(struct heap_scan *h, const uint8_t *data, size_t len)
{
	int rc;

	for (size_t i = 0; i < len;) {
		const uint8_t *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) : len - i;

		if (!h->overlong && n > sizeof(h->line) - h->len)
			h->overlong = 1;
		if (!h->overlong) {
			memcpy(h->line + h->len, data + i, n);
			h->len += n;
		}
		i += n;
		if (nl == NULL)
			break;
		i++;
		if (!h->overlong && h->len > 0 && h->line[h->len - 1] == '\r')
			h->len--;
		if (!h->overlong && (rc = scan_line(h, h->line, h->len)) != GOMEM_OK)
			return rc;
		h->len = 0;
		h->overlong = 0;
	}
	return GOMEM_OK;
}

static int on_heap_body(void *payload, const uint8_t *data, size_t len)
{
	return scan_feed(&((struct url_poll *)payload)->scan, data, len);
}

/* The end of the body: the MemStats the reader found, into *OUT. */
static int scan_finish(struct heap_scan *h, gomem_memstats *out)
{
	gomem_profile *p = NULL;
	const gomem_memstats *ms;
	int rc = GOMEM_OK;

	if (!h->overlong && h->len > 0)
		rc = scan_line(h, h->line, h->len);
	if (rc == GOMEM_OK && !h->header)
		rc = gomem_error_set(&h->err, GOMEM_E_FORMAT, "empty heap profile");
	if (rc == GOMEM_OK && gomem_heapprof_reader_finish(&p, h->ms) != GOMEM_OK) {
		gomem_error_copy(&h->err, gomem_heapprof_reader_error(h->ms));
		rc = h->err.code ? h->err.code : GOMEM_E_FORMAT;
	}
	if (rc == GOMEM_OK && ((ms = gomem_profile_memstats(p)) == NULL || ms->fields_seen == 0))
		rc = gomem_error_set(&h->err, GOMEM_E_FORMAT,
				     "no '# runtime.MemStats' block in the heap profile");
	if (rc == GOMEM_OK)
		*out = *ms;
	gomem_profile_free(p);
	return rc;
}

static void scan_free(struct heap_scan *h)
{
	gomem_heapprof_reader_free(h->ms);
	h->ms = NULL;
}

/* ---- a reading ------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One MemStats reading into S: the PauseNs ring gives the last pause, the
 * p99 of the last 256 and the longest since the previous poll; MARKED is
 * the heap the last GC marked (-1 unknown). */
static void take_memstats(struct source *s, const gomem_memstats *ms, int64_t marked, double now)
{
	gomem_monitor_point p;
	uint32_t n = ms->num_gc, fresh;
	double pauses[256], longest = NAN;
	size_t np = n < 256 ? n : 256;

	pauses[0] = NAN;
	fresh = s->polled && n >= (uint32_t)s->gcs ? n - (uint32_t)s->gcs : n;
	for (size_t k = 0; k < np; k++) {
		/* the pause of GC g (1-based) sits at [(g + 255) % 256] */
		uint32_t g = n - (uint32_t)k;

		pauses[k] = (double)ms->pause_ns[(g + 255) % 256] / 1e9;
		if (k < fresh && (isnan(longest) || pauses[k] > longest))
			longest = pauses[k];
	}
	s->pause_last = np ? pauses[0] : NAN;
	if (np) {
		size_t rank = (size_t)ceil(0.99 * (double)np);

		qsort(pauses, np, sizeof(pauses[0]), cmp_double);
		s->pause_p99 = pauses[(rank ? rank : 1) - 1];
		s->age_base = (double)ms->pause_end[(n + 255) % 256] / 1e9;
	} else {
		s->pause_p99 = NAN;
		s->age_base = NAN;
	}
	s->gcs = n;
	s->heap_live = (int64_t)ms->heap_alloc;
	s->goal = (int64_t)ms->next_gc;
	s->inuse = (int64_t)ms->heap_inuse;
	s->idle = (int64_t)ms->heap_idle;
	s->released = (int64_t)ms->heap_released;
	s->sys = (int64_t)ms->sys;
	s->cpu_pct = ms->gc_cpu_fraction * 100.0;
	memset(&p, 0, sizeof(p));
	p.when = now;
	p.t = NAN;
	p.gc = n;
	p.heap_start = p.heap_end = -1;
	p.heap_live = s->heap_live;
	p.heap_marked = marked;
	p.goal = s->goal;
	p.pause = longest;
	p.mark = NAN;
	p.cpu_pct = s->cpu_pct;
	p.procs = -1;
	gomem_monitor_push_point(s, &p);
	s->polled = 1;
}

/* What a poll read, into S's row and history: FETCH_ERR (may be NULL) is
 * the heap GET's failure; the goroutine count is optional. */
static int take_poll(gomem_monitor *m, struct source *s, struct heap_scan *scan,
		     const gomem_error *fetch_err, const char *gline, size_t glen, double now)
{
	gomem_memstats *ms = malloc(sizeof(*ms));
	const gomem_error *why = scan->err.code ? &scan->err : fetch_err;
	int rc = why && why->code ? why->code : GOMEM_OK;

	if (ms == NULL)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	if (rc == GOMEM_OK && (rc = scan_finish(scan, ms)) != GOMEM_OK)
		why = &scan->err;
	if (rc == GOMEM_OK) {
		take_memstats(s, ms, scan->marked_known ? (int64_t)llround(scan->inuse) : -1, now);
		if (gline == NULL || gomem_monitor_goroutine_total(&s->goroutines, gline, glen) != GOMEM_OK)
			s->goroutines = -1; /* the heap is what matters; the row runs on */
		s->row.state = GOMEM_MONITOR_RUNNING;
		s->message[0] = '\0';
	} else {
		s->row.poll_errors++;
		s->row.state = GOMEM_MONITOR_ERROR;
		gomem_monitor_set_message(s, why, gomem_strerror(rc));
	}
	free(ms);
	return rc == GOMEM_E_NOMEM ? gomem_error_set(&m->err, rc, "out of memory") : GOMEM_OK;
}

int gomem_monitor_feed_poll(gomem_monitor *m, size_t index, const char *heap, size_t heap_len,
			    const char *goroutine, size_t goroutine_len, double now)
{
	struct heap_scan *scan;
	struct source *s;
	int rc;

	if (m == NULL || index >= m->nsrc || m->src[index]->kind != GOMEM_MONITOR_URL)
		return GOMEM_E_INVALID;
	s = m->src[index];
	if ((scan = malloc(sizeof(*scan))) == NULL || scan_init(scan, s->heap_url) != GOMEM_OK) {
		free(scan);
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	}
	s->row.polls++;
	scan_feed(scan, (const uint8_t *)heap, heap_len); /* a failure is in scan->err */
	rc = take_poll(m, s, scan, NULL, goroutine, goroutine_len, now);
	scan_free(scan);
	free(scan);
	return rc;
}

/* ---- polls in flight -------------------------------------------------------------- */

void gomem_monitor_poll_free(struct url_poll *p)
{
	if (p == NULL)
		return;
	gomem_http_get_free(p->heap);
	gomem_http_get_free(p->goroutine);
	scan_free(&p->scan);
	free(p);
}

static long fetch_timeout(const gomem_monitor *m)
{
	return m->opts.url_timeout_ms < 0 ? 0 : m->opts.url_timeout_ms;
}

int gomem_monitor_poll_start(gomem_monitor *m, struct source *s, double now)
{
	gomem_http_request req = {0};
	struct url_poll *p;

	if (s->poll != NULL || now < s->next_poll)
		return GOMEM_OK;
	/* Never more often than the interval: each poll stops the world. */
	s->next_poll = now + m->opts.url_interval;
	s->row.polls++;
	if ((m->http == NULL && gomem_http_new(&m->http) != GOMEM_OK) ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	s->poll = p;
	if (scan_init(&p->scan, s->heap_url) != GOMEM_OK)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	req.timeout_ms = fetch_timeout(m);
	req.payload = p;
	req.url = s->heap_url;
	req.on_body = on_heap_body;
	if (gomem_http_start(m->http, &p->heap, &req) != GOMEM_OK)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	if (s->goroutine_url == NULL)
		return GOMEM_OK;
	req.url = s->goroutine_url;
	req.on_body = on_goroutine_body;
	if (gomem_http_start(m->http, &p->goroutine, &req) != GOMEM_OK)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	return GOMEM_OK;
}

size_t gomem_monitor_polls_running(const gomem_monitor *m)
{
	size_t n = 0;

	for (size_t i = 0; m && i < m->nsrc; i++)
		n += m->src[i]->poll != NULL;
	return n;
}

int gomem_monitor_poll_progress(gomem_monitor *m, double now)
{
	int rc = GOMEM_OK;

	if (m->http == NULL)
		return GOMEM_OK;
	if (gomem_http_perform(m->http) != GOMEM_OK)
		return gomem_error_set(&m->err, GOMEM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < m->nsrc && rc == GOMEM_OK; i++) {
		struct source *s = m->src[i];
		struct url_poll *p = s->poll;
		const gomem_error *ge;
		int gok;

		if (p == NULL || !gomem_http_get_done(p->heap) || !gomem_http_get_done(p->goroutine))
			continue;
		ge = p->goroutine ? gomem_http_get_error(p->goroutine) : NULL;
		gok = ge != NULL && ge->code == GOMEM_OK;
		rc = take_poll(m, s, &p->scan, gomem_http_get_error(p->heap), gok ? p->gline : NULL,
			       p->glen, now);
		gomem_monitor_poll_free(p);
		s->poll = NULL;
	}
	return rc;
}
