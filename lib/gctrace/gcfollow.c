/* SPDX-License-Identifier: Apache-2.0 */
/* gcfollow.c — a gomem_gcreport fed by a gomem_follow_loop: followed logs
 * or a child, a summary at every tick and a last one at the end. The first
 * failure (an input that cannot be read, the event table that cannot be
 * written, a summary) is the one reported, once; after it a followed log
 * ends the loop, a child is read on, unparsed, to its end. */
#include <stdlib.h>

#include "gomem-internal.h"

struct gomem_gcfollow {
	gomem_gcreport *r;
	gomem_follow_loop *loop;
	gomem_gcfollow_options o;
	bool ticked;  /* on_tick was called */
	int failed;   /* GOMEM_OK, or the first failure's code */
};

/* The first failure: said through on_error (WRITE: the event table's). */
static void failed(gomem_gcfollow *g, const gomem_error *e, bool write)
{
	if (g->failed != GOMEM_OK)
		return;
	g->failed = e && e->code != GOMEM_OK ? e->code : GOMEM_E_IO;
	if (g->o.on_error)
		g->o.on_error(g->o.payload, e, write);
}

static int on_input(void *payload, size_t i, const uint8_t *data, size_t len, unsigned events)
{
	gomem_gcfollow *g = payload;
	int go_on = g->o.read_on ? GOMEM_OK : GOMEM_E_IO, rc;
	gomem_error err = {0};

	if (g->failed != GOMEM_OK)
		return go_on;
	rc = gomem_gcreport_input(g->r, i, data, len, events, &err);
	if (gomem_gcreport_error(g->r)->code != GOMEM_OK)
		failed(g, gomem_gcreport_error(g->r), true);
	else if (rc != GOMEM_OK && (events & GOMEM_FOLLOW_ERROR))
		failed(g, gomem_follow_error(gomem_follow_loop_input(g->loop, i)), false);
	else if (rc != GOMEM_OK)
		failed(g, &err, false);
	return g->failed == GOMEM_OK || (events & GOMEM_FOLLOW_EOF) ? GOMEM_OK : go_on;
}

static int on_tick(void *payload, double now)
{
	gomem_gcfollow *g = payload;
	int rc = g->o.on_tick(g->o.payload, !g->ticked);

	(void)now;
	g->ticked = true;
	if (rc != GOMEM_OK && g->failed == GOMEM_OK)
		g->failed = rc; /* on_tick has said why */
	return rc == GOMEM_OK ? GOMEM_OK : GOMEM_E_IO;
}

int gomem_gcfollow_new(gomem_gcfollow **out, gomem_gcreport *r, const gomem_gcfollow_options *opts)
{
	gomem_follow_loop_options lo = GOMEM_FOLLOW_LOOP_OPTIONS_INIT;
	gomem_gcfollow *g;
	int rc;

	*out = NULL;
	if (r == NULL || opts == NULL || opts->version != GOMEM_GCFOLLOW_OPTIONS_VERSION ||
	    !(opts->every >= 0) || (opts->every > 0 && opts->on_tick == NULL))
		return GOMEM_E_INVALID;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return GOMEM_E_NOMEM;
	g->r = r;
	g->o = *opts;
	lo.tick = opts->every;
	lo.on_input = on_input;
	lo.on_tick = opts->every > 0 ? on_tick : NULL;
	lo.payload = g;
	if ((rc = gomem_follow_loop_new(&g->loop, &lo)) != GOMEM_OK) {
		free(g);
		return rc;
	}
	*out = g;
	return GOMEM_OK;
}

int gomem_gcfollow_add(gomem_gcfollow *g, gomem_follow *f, const char *name)
{
	int rc = gomem_gcreport_add(g->r, name, NULL);

	if (rc == GOMEM_OK && (rc = gomem_follow_loop_add(g->loop, f, NULL)) == GOMEM_OK)
		return GOMEM_OK;
	gomem_follow_free(f);
	return rc;
}

int gomem_gcfollow_run(gomem_gcfollow *g)
{
	gomem_follow_loop_run(g->loop);
	/* Interrupted or every input ended: a last summary. */
	if (g->failed == GOMEM_OK && g->o.every > 0)
		gomem_follow_loop_tick(g->loop);
	return g->failed;
}

void gomem_gcfollow_free(gomem_gcfollow *g)
{
	if (g == NULL)
		return;
	gomem_follow_loop_free(g->loop); /* a child still running is stopped here */
	free(g);
}
