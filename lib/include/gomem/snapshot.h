/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/snapshot.h — one HTML page of a live Go service's memory, for an
 * incident ticket: taken from its pprof endpoint (no restart, no code
 * change) — the heap profile twice an interval apart, the goroutine dump at
 * both moments and the allocs profile — and written as a single
 * self-contained page (nothing loaded from the network, so it opens offline
 * years later): the heap's breakdown (heap explain), the heap diff as a
 * table and a flame graph, what was allocated in the interval, goroutine
 * groups and their flame graph, leak suspects, the MemStats trailer, and
 * with a gctrace log its GC timeline. Sections carry ids (summary,
 * heap-explain, heap-diff, allocs, goroutines, leak-suspects, gc-timeline,
 * memstats) for scripts and tests. */
#ifndef GOMEM_SNAPSHOT_H
#define GOMEM_SNAPSHOT_H

#include <stdio.h>

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/goroutine.h"
#include "gomem/profile.h"
#include "gomem/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gomem_snapshot gomem_snapshot;

typedef struct gomem_snapshot_options {
	unsigned int version;                 /* GOMEM_SNAPSHOT_OPTIONS_VERSION */
	double interval;                      /* seconds between the two takes; 0 = 10 */
	const gomem_source_options *source;   /* HTTP headers, timeout, size cap; NULL: defaults */
	const char *gctrace;                  /* a gctrace log (path, '-' or URL) drawn as the GC
					       * timeline; NULL: none */
	int go_minor;                         /* size classes of Go 1.GO_MINOR for the heap's
					       * breakdown; 0 = the newest known */
	/* Told before each step ("heap profile", "waiting 10s", ...); NULL: nothing. */
	void (*progress)(void *payload, const char *step);
	void *payload;
} gomem_snapshot_options;

#define GOMEM_SNAPSHOT_OPTIONS_VERSION 1
#define GOMEM_SNAPSHOT_OPTIONS_INIT {GOMEM_SNAPSHOT_OPTIONS_VERSION, 0, NULL, NULL, 0, NULL, NULL}

/* Takes a snapshot of the Go program serving net/http/pprof at URL: a base
 * URL ("http://host:6060") or any URL under /debug/pprof/, the others found
 * by gomem_pprof_url's rule. The heap profile (debug=1, after a GC, so it
 * carries MemStats) and the goroutine dump (debug=2) are taken, then again
 * OPTS->interval later with the allocs profile. Blocks for the interval.
 * ERR names the URL that failed. */
GOMEM_API int gomem_snapshot_take(gomem_snapshot **out, const char *url,
				  const gomem_snapshot_options *opts, gomem_error *err);
/* The same from what was already read, taken over by the snapshot (freed
 * with it, also on failure): heap profiles BASE and NEW (a heap explain
 * needs NEW's MemStats: a debug=1 profile), goroutine dumps BEFORE and
 * AFTER, the allocs profile ALLOCS (NULL: none); NAME names the service;
 * TAKEN and INTERVAL_S say when (Unix seconds of NEW, and its distance from
 * BASE). */
GOMEM_API int gomem_snapshot_from(gomem_snapshot **out, const char *name, gomem_profile *base,
				  gomem_profile *newp, gomem_dump *before, gomem_dump *after,
				  gomem_profile *allocs, double taken, double interval_s,
				  const gomem_snapshot_options *opts, gomem_error *err);
/* Writes the page (UTF-8 HTML5, every picture inline SVG). */
GOMEM_API int gomem_snapshot_write_html(gomem_snapshot *s, FILE *fp, gomem_error *err);
GOMEM_API void gomem_snapshot_free(gomem_snapshot *s);

#ifdef __cplusplus
}
#endif
#endif
