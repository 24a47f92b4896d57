/* SPDX-License-Identifier: Apache-2.0 */
/* gomem/openmetrics.h — metrics as text for Prometheus and what reads its
 * formats, in either flavour:
 *
 *   OpenMetrics 1.0 (application/openmetrics-text; version=1.0.0): what a
 *   scraper negotiates with Accept. A counter family is named without
 *   _total and its samples with it; # TYPE, # UNIT and # HELP per family;
 *   the text ends with # EOF.
 *
 *   The Prometheus text format 0.0.4 (text/plain; version=0.0.4): what
 *   node_exporter's textfile collector, the Pushgateway and `promtool check
 *   metrics` read. # HELP then # TYPE per family, both on the name of the
 *   samples (a counter's TYPE is on name_total, or its samples lose their
 *   type), no # UNIT, no # EOF.
 *
 * A writer takes families one after another and their samples after each:
 * every family's samples stay together, as both formats require. Names and
 * label names are checked; label values and help texts are escaped. */
#ifndef GOMEM_OPENMETRICS_H
#define GOMEM_OPENMETRICS_H

#include <stddef.h>
#include <stdio.h>

#include "gomem/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	GOMEM_METRICS_OPENMETRICS = 0, /* OpenMetrics 1.0 */
	GOMEM_METRICS_PROMETHEUS       /* the Prometheus text format 0.0.4 */
} gomem_metrics_flavor;

typedef enum {
	GOMEM_METRIC_COUNTER = 0, /* samples get _total */
	GOMEM_METRIC_GAUGE,
	GOMEM_METRIC_SUMMARY      /* samples: quantile-labelled, _sum, _count */
} gomem_metric_type;

typedef struct gomem_metric_label {
	const char *name;
	const char *value;
} gomem_metric_label;

typedef struct gomem_metrics_writer gomem_metrics_writer;

/* A writer on FP (not closed by it). GOMEM_E_INVALID for a flavour not known. */
GOMEM_API int gomem_metrics_writer_new(gomem_metrics_writer **out, FILE *fp,
				       gomem_metrics_flavor flavor);
/* Starts a family. NAME is the OpenMetrics family name: a counter's without
 * _total; with a UNIT (may be NULL) it ends in _UNIT. HELP is one line of
 * text. GOMEM_E_INVALID for a name that is not [a-zA-Z_:][a-zA-Z0-9_:]*, a
 * counter name ending in _total, or a name that does not end in _UNIT. */
GOMEM_API int gomem_metrics_family(gomem_metrics_writer *w, const char *name, gomem_metric_type type,
				   const char *unit, const char *help);
/* A sample of the current family: the family's name, plus _total for a
 * counter, plus SUFFIX (NULL or "" for none; "_sum" or "_count" of a
 * summary), with N labels in order and VALUE (NaN and infinities as the
 * formats spell them). GOMEM_E_INVALID before any family, for a label name
 * that is not [a-zA-Z_][a-zA-Z0-9_]* or a NULL label value. */
GOMEM_API int gomem_metrics_sample(gomem_metrics_writer *w, const char *suffix,
				   const gomem_metric_label *labels, size_t n, double value);
/* Ends the text (# EOF in OpenMetrics) and flushes. GOMEM_E_IO when any
 * write failed (errno tells: EPIPE when the reader went away). */
GOMEM_API int gomem_metrics_end(gomem_metrics_writer *w);
GOMEM_API void gomem_metrics_writer_free(gomem_metrics_writer *w);
/* The Content-Type a server answers with for FLAVOR; NULL for one not known. */
GOMEM_API const char *gomem_metrics_content_type(gomem_metrics_flavor flavor);

#ifdef __cplusplus
}
#endif
#endif
