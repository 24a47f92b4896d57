/* SPDX-License-Identifier: Apache-2.0 */
/* schedruns.c — schedtrace text read into what the tools show: each
 * snapshot as it comes, and the statistics of each run (a run ends where T
 * goes back: the program restarted), bounded by a window when the input
 * never ends. `gomem sched` (files, --follow, -- COMMAND) and `gomem top`
 * share it, as they share gcruns for gctrace. */
#include <stdlib.h>
#include <string.h>

#include "sched-internal.h"

struct gomem_schedruns {
	gomem_schedruns_options o;
	gomem_sched_parser *parser;
	gomem_schedstats *stats;
	gomem_sched_snapshot last;  /* the last snapshot's fixed fields (no arrays) */
	uint64_t run;
	int have_run, have_last;
};

static int stats_new(gomem_schedruns *r)
{
	gomem_schedstats_free(r->stats);
	r->stats = NULL;
	if (!r->o.stats)
		return GOMEM_OK;
	if (gomem_schedstats_new(&r->stats) != GOMEM_OK)
		return GOMEM_E_NOMEM;
	gomem_schedstats_set_window(r->stats, r->o.window);
	return GOMEM_OK;
}

int gomem_schedruns_new(gomem_schedruns **out, const char *name, const gomem_schedruns_options *opts)
{
	gomem_schedruns *r;

	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if (opts == NULL || opts->version != GOMEM_SCHEDRUNS_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return GOMEM_E_NOMEM;
	r->o = *opts;
	if (gomem_sched_parser_new(&r->parser, name) != GOMEM_OK || stats_new(r) != GOMEM_OK) {
		gomem_schedruns_free(r);
		return GOMEM_E_NOMEM;
	}
	*out = r;
	return GOMEM_OK;
}

void gomem_schedruns_free(gomem_schedruns *r)
{
	if (r == NULL)
		return;
	gomem_sched_parser_free(r->parser);
	gomem_schedstats_free(r->stats);
	free(r);
}

int gomem_schedruns_current(const gomem_schedruns *r, gomem_schedstats_summary *out)
{
	if (!r->have_run || r->stats == NULL)
		return 0;
	return gomem_schedstats_get(r->stats, out) == GOMEM_OK;
}

const gomem_sched_snapshot *gomem_schedruns_last(const gomem_schedruns *r)
{
	return r->have_last ? &r->last : NULL;
}

const gomem_sched_parser *gomem_schedruns_parser(const gomem_schedruns *r)
{
	return r->parser;
}

static int end_run(gomem_schedruns *r)
{
	gomem_schedstats_summary s;
	int rc = GOMEM_OK;

	if (r->o.on_run && gomem_schedruns_current(r, &s))
		rc = r->o.on_run(r->o.payload, &s);
	r->have_run = 0;
	return rc;
}

static int take(gomem_schedruns *r, const gomem_sched_snapshot *s)
{
	int rc;

	if (r->have_run && s->run != r->run) {
		if ((rc = end_run(r)) != GOMEM_OK || (rc = stats_new(r)) != GOMEM_OK)
			return rc;
	}
	r->have_run = 1;
	r->run = s->run;
	r->last = *s;
	r->last.runq = NULL;
	r->last.nrunq = r->last.nprocs = r->last.nthreads_detail = r->last.nwaits = 0;
	r->last.procs = NULL;
	r->last.threads_detail = NULL;
	r->last.waits = NULL;
	r->have_last = 1;
	if (r->stats && (rc = gomem_schedstats_add(r->stats, s)) != GOMEM_OK)
		return rc;
	return r->o.on_snapshot ? r->o.on_snapshot(r->o.payload, s) : GOMEM_OK;
}

static int drain(gomem_schedruns *r)
{
	const gomem_sched_snapshot *s;
	int rc;

	while ((rc = gomem_sched_next(r->parser, &s)) == 1)
		if ((rc = take(r, s)) != GOMEM_OK)
			return rc;
	return rc;
}

int gomem_schedruns_feed(gomem_schedruns *r, const void *data, size_t len)
{
	int rc = gomem_sched_feed(r->parser, data, len);

	return rc == GOMEM_OK ? drain(r) : rc;
}

int gomem_schedruns_restart(gomem_schedruns *r)
{
	int rc = gomem_sched_restart(r->parser);

	return rc == GOMEM_OK ? drain(r) : rc;
}

int gomem_schedruns_finish(gomem_schedruns *r)
{
	int rc = gomem_sched_finish(r->parser);

	if (rc == GOMEM_OK)
		rc = drain(r);
	return rc == GOMEM_OK ? end_run(r) : rc;
}
