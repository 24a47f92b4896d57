/* SPDX-License-Identifier: Apache-2.0 */
/* snapshot.c — taking a snapshot of a live service: the heap profile and
 * the goroutine dump, an interval later both again and the allocs profile,
 * each from the pprof endpoint the URL names (gomem_pprof_url's rule). The
 * page is snapshot_html.c's. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gomem/snapshot.h"
#include "snapshot-internal.h"

static char *copy(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void progress(const struct gomem_snapshot *s, const char *step)
{
	if (s->opts.progress)
		s->opts.progress(s->opts.payload, step);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(double secs)
{
	struct timespec ts = {(time_t)secs, (long)((secs - floor(secs)) * 1e9)};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Opens the pprof endpoint KIND of URL (DEFAULTS added to its query). */
static int open_kind(gomem_source **src, const struct gomem_snapshot *s, const char *url,
		     const char *kind, const char *defaults, gomem_error *err)
{
	gomem_source_options so = s->source;
	char *u = NULL;
	long timeout;
	int rc = gomem_pprof_url(&u, url, kind, defaults, GOMEM_PPROF_URL_SIBLING);

	if (rc != GOMEM_OK) {
		gomem_free(u);
		return gomem_error_set(err, rc, "%s: not an http(s) URL of a pprof endpoint", url);
	}
	if ((rc = gomem_url_timeout_ms(&timeout, u, so.timeout_ms, err)) == GOMEM_OK) {
		so.timeout_ms = timeout;
		rc = gomem_source_open(src, u, &so, err);
	}
	gomem_free(u);
	return rc;
}

static int take_profile(gomem_profile **out, const struct gomem_snapshot *s, const char *url,
			const char *kind, const char *defaults, gomem_error *err)
{
	gomem_source *src = NULL;
	int rc;

	progress(s, kind);
	if ((rc = open_kind(&src, s, url, kind, defaults, err)) == GOMEM_OK)
		rc = gomem_profile_read(out, src, err);
	gomem_source_free(src);
	return rc;
}

static int take_dump(gomem_dump **out, const struct gomem_snapshot *s, const char *url, gomem_error *err)
{
	gomem_source *src = NULL;
	int rc;

	progress(s, "goroutine");
	if ((rc = open_kind(&src, s, url, "goroutine", "debug=2", err)) == GOMEM_OK)
		rc = gomem_dump_read(out, src, err);
	gomem_source_free(src);
	return rc;
}

/* The GC timeline of the gctrace log SPEC, read whole (events drawn as they
 * come: bounded memory whatever its length). */
static int load_gctrace(struct gomem_snapshot *s, const char *spec, gomem_error *err)
{
	gomem_chart_options look = GOMEM_CHART_OPTIONS_INIT;
	gomem_gctrace_parser *p = NULL;
	gomem_source *src = NULL;
	const gomem_gctrace_event *ev;
	const uint8_t *data;
	size_t len;
	int rc;

	look.embed = 1;
	look.id = "gc-timeline-chart";
	if ((rc = gomem_source_open(&src, spec, &s->source, err)) != GOMEM_OK)
		return rc;
	if ((rc = gomem_gctrace_parser_new(&p, gomem_source_name(src))) == GOMEM_OK)
		rc = gomem_gctimeline_new(&s->timeline, &look);
	while (rc == GOMEM_OK && (rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0) {
		rc = gomem_gctrace_feed(p, data, len);
		while (rc == GOMEM_OK && gomem_gctrace_next(p, &ev) == 1)
			rc = gomem_gctimeline_add(s->timeline, gomem_source_name(src), ev);
	}
	if (rc == GOMEM_OK && (rc = gomem_gctrace_finish(p)) == GOMEM_OK)
		while (rc == GOMEM_OK && gomem_gctrace_next(p, &ev) == 1)
			rc = gomem_gctimeline_add(s->timeline, gomem_source_name(src), ev);
	if (rc != GOMEM_OK && gomem_source_error(src)->code != GOMEM_OK)
		gomem_error_copy(err, gomem_source_error(src));
	else if (rc != GOMEM_OK && p && gomem_gctrace_parser_error(p)->code != GOMEM_OK)
		gomem_error_copy(err, gomem_gctrace_parser_error(p));
	else if (rc != GOMEM_OK)
		gomem_error_set(err, rc, "%s: %s", spec, gomem_strerror(rc));
	gomem_gctrace_parser_free(p);
	gomem_source_free(src);
	return rc;
}

static int snapshot_new(gomem_snapshot **out, const char *name, const gomem_snapshot_options *opts,
			gomem_error *err)
{
	gomem_snapshot_options defaults = GOMEM_SNAPSHOT_OPTIONS_INIT;
	gomem_source_options sdefaults = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_snapshot *s;

	*out = NULL;
	if (opts && opts->version != GOMEM_SNAPSHOT_OPTIONS_VERSION)
		return gomem_error_set(err, GOMEM_E_INVALID, "snapshot options version %u not supported",
				       opts->version);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	s->opts = opts ? *opts : defaults;
	s->source = s->opts.source ? *s->opts.source : sdefaults;
	s->opts.source = NULL;
	s->interval = s->opts.interval > 0 ? s->opts.interval : 10;
	s->name = copy(name);
	s->gctrace = copy(s->opts.gctrace);
	s->opts.gctrace = s->gctrace;
	if (s->name == NULL || (s->opts.gctrace == NULL && opts && opts->gctrace)) {
		gomem_snapshot_free(s);
		return gomem_error_set(err, GOMEM_E_NOMEM, "out of memory");
	}
	if (s->gctrace) {
		int rc = load_gctrace(s, s->gctrace, err);

		if (rc != GOMEM_OK) {
			gomem_snapshot_free(s);
			return rc;
		}
	}
	*out = s;
	return GOMEM_OK;
}

int gomem_snapshot_take(gomem_snapshot **out, const char *url, const gomem_snapshot_options *opts,
			gomem_error *err)
{
	gomem_snapshot *s;
	char *name = NULL, wait[64];
	double t0;
	int rc;

	*out = NULL;
	if (!gomem_url_is_http(url) || gomem_url_name(&name, url) != GOMEM_OK) {
		gomem_free(name);
		return gomem_error_set(err, GOMEM_E_INVALID, "%s: not an http(s) URL", url);
	}
	rc = snapshot_new(&s, name, opts, err);
	gomem_free(name);
	if (rc != GOMEM_OK)
		return rc;
	t0 = now();
	if ((rc = take_profile(&s->base, s, url, "heap", "debug=1&gc=1", err)) == GOMEM_OK &&
	    (rc = take_dump(&s->before, s, url, err)) == GOMEM_OK) {
		snprintf(wait, sizeof(wait), "waiting %gs", s->interval);
		progress(s, wait);
		sleep_seconds(s->interval);
		s->taken = now();
		s->interval = s->taken - t0;
		if ((rc = take_profile(&s->newp, s, url, "heap", "debug=1&gc=1", err)) == GOMEM_OK &&
		    (rc = take_dump(&s->after, s, url, err)) == GOMEM_OK)
			rc = take_profile(&s->allocs, s, url, "allocs", NULL, err);
	}
	if (rc != GOMEM_OK) {
		gomem_snapshot_free(s);
		return rc;
	}
	*out = s;
	return GOMEM_OK;
}

int gomem_snapshot_from(gomem_snapshot **out, const char *name, gomem_profile *base, gomem_profile *newp,
			gomem_dump *before, gomem_dump *after, gomem_profile *allocs, double taken,
			double interval_s, const gomem_snapshot_options *opts, gomem_error *err)
{
	gomem_snapshot *s;
	int rc = snapshot_new(&s, name ? name : "", opts, err);

	if (rc != GOMEM_OK || base == NULL || newp == NULL || before == NULL || after == NULL) {
		gomem_profile_free(base);
		gomem_profile_free(newp);
		gomem_profile_free(allocs);
		gomem_dump_free(before);
		gomem_dump_free(after);
		if (rc == GOMEM_OK) {
			gomem_snapshot_free(s);
			rc = gomem_error_set(err, GOMEM_E_INVALID, "a snapshot needs two heap profiles and two dumps");
		}
		return rc;
	}
	s->base = base;
	s->newp = newp;
	s->allocs = allocs;
	s->before = before;
	s->after = after;
	s->taken = taken;
	s->interval = interval_s;
	*out = s;
	return GOMEM_OK;
}

int gomem_snapshot_write_html(gomem_snapshot *s, FILE *fp, gomem_error *err)
{
	return gomem_snapshot_html(s, fp, err);
}

void gomem_snapshot_free(gomem_snapshot *s)
{
	if (s == NULL)
		return;
	gomem_profile_free(s->base);
	gomem_profile_free(s->newp);
	gomem_profile_free(s->allocs);
	gomem_dump_free(s->before);
	gomem_dump_free(s->after);
	gomem_gctimeline_free(s->timeline);
	free(s->name);
	free(s->gctrace);
	free(s);
}
