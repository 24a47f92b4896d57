/* SPDX-License-Identifier: Apache-2.0 */
/* snapshot-internal.h — a snapshot's data, shared by snapshot.c (taking it)
 * and snapshot_html.c (the page). */
#ifndef GOMEM_SNAPSHOT_INTERNAL_H
#define GOMEM_SNAPSHOT_INTERNAL_H

#include "gomem-internal.h"

struct gomem_snapshot {
	gomem_snapshot_options opts;
	char *name;              /* the service: host:port */
	char *gctrace;           /* opts.gctrace, copied */
	double taken;            /* Unix seconds of the second take */
	double interval;         /* seconds between the takes */
	gomem_profile *base, *newp, *allocs;
	gomem_dump *before, *after;
	gomem_gctimeline *timeline; /* of opts.gctrace, read first; NULL: none */
	gomem_source_options source;
};

/* Writes S's page (snapshot_html.c). */
int gomem_snapshot_html(const struct gomem_snapshot *s, FILE *fp, gomem_error *err);

#endif
