/* SPDX-License-Identifier: Apache-2.0 */
/* openmetrics.c — metrics as OpenMetrics or Prometheus text (see
 * gomem/openmetrics.h for how the two differ): the one writer every tool
 * exporting numbers to a fleet's monitoring uses (gctrace's summaries, the
 * schedtrace reader, gomem top --listen). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

struct gomem_metrics_writer {
	FILE *fp;
	gomem_metrics_flavor flavor;
	char name[256];          /* the current family's name; "" before the first */
	gomem_metric_type type;
	int write_errno;         /* the first write error's errno */
	bool failed;
};

int gomem_metrics_writer_new(gomem_metrics_writer **out, FILE *fp, gomem_metrics_flavor flavor)
{
	if (out == NULL)
		return GOMEM_E_INVALID;
	*out = NULL;
	if (fp == NULL || (flavor != GOMEM_METRICS_OPENMETRICS && flavor != GOMEM_METRICS_PROMETHEUS))
		return GOMEM_E_INVALID;
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return GOMEM_E_NOMEM;
	(*out)->fp = fp;
	(*out)->flavor = flavor;
	return GOMEM_OK;
}

void gomem_metrics_writer_free(gomem_metrics_writer *w)
{
	free(w);
}

const char *gomem_metrics_content_type(gomem_metrics_flavor flavor)
{
	switch (flavor) {
	case GOMEM_METRICS_OPENMETRICS: return "application/openmetrics-text; version=1.0.0; charset=utf-8";
	case GOMEM_METRICS_PROMETHEUS: return "text/plain; version=0.0.4; charset=utf-8";
	default: return NULL;
	}
}

/* ---- names and text ----------------------------------------------------------------- */

/* [a-zA-Z_:][a-zA-Z0-9_:]* for metric names, without ':' for label names. */
static bool valid_name(const char *s, bool colon)
{
	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || (colon && *s == ':')))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

static void put(gomem_metrics_writer *w, const char *s)
{
	if (fputs(s, w->fp) == EOF && !w->failed) {
		w->failed = true;
		w->write_errno = errno;
	}
}

static void putch(gomem_metrics_writer *w, char c)
{
	char s[2] = {c, '\0'};

	put(w, s);
}

/* Label values escape backslash, double quote and newline (both formats);
 * HELP texts backslash and newline, and in OpenMetrics the double quote. */
static void put_escaped(gomem_metrics_writer *w, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			put(w, "\\\\");
		else if (*s == '\n')
			put(w, "\\n");
		else if (*s == '"' && quote)
			put(w, "\\\"");
		else
			putch(w, *s);
	}
}

/* A value: '.' whatever the locale (%.15g, or %.17g when that does not read
 * back), NaN and infinities as both formats spell them. */
static void put_value(gomem_metrics_writer *w, double v)
{
	char buf[64];

	if (isnan(v)) {
		put(w, "NaN");
		return;
	}
	if (isinf(v)) {
		put(w, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '.';
	put(w, buf);
}

static const char *type_name(gomem_metric_type t)
{
	return t == GOMEM_METRIC_COUNTER ? "counter" : t == GOMEM_METRIC_GAUGE ? "gauge" : "summary";
}

/* ---- families and samples ------------------------------------------------------------ */

/* "# KIND NAME": the family's name, or in the Prometheus format a
 * counter's sample name (name_total), which its parser types by. */
static void put_meta(gomem_metrics_writer *w, const char *kind)
{
	put(w, kind);
	put(w, w->name);
	if (w->flavor == GOMEM_METRICS_PROMETHEUS && w->type == GOMEM_METRIC_COUNTER)
		put(w, "_total");
	putch(w, ' ');
}

int gomem_metrics_family(gomem_metrics_writer *w, const char *name, gomem_metric_type type,
			 const char *unit, const char *help)
{
	size_t len;

	if (w == NULL || !valid_name(name, true) || (unit && !valid_name(unit, false)) ||
	    type > GOMEM_METRIC_SUMMARY || (len = strlen(name)) + sizeof("_total") > sizeof(w->name))
		return GOMEM_E_INVALID;
	if (type == GOMEM_METRIC_COUNTER && ends_with(name, "_total"))
		return GOMEM_E_INVALID;
	if (unit && (len <= strlen(unit) || !ends_with(name, unit) || name[len - strlen(unit) - 1] != '_'))
		return GOMEM_E_INVALID;
	memcpy(w->name, name, len + 1);
	w->type = type;
	if (w->flavor == GOMEM_METRICS_PROMETHEUS) {
		/* HELP first, as the format's own exposition does */
		put_meta(w, "# HELP ");
		put_escaped(w, help ? help : "", false);
		putch(w, '\n');
		put_meta(w, "# TYPE ");
		put(w, type_name(type));
		putch(w, '\n');
		return GOMEM_OK;
	}
	put_meta(w, "# TYPE ");
	put(w, type_name(type));
	putch(w, '\n');
	if (unit) {
		put_meta(w, "# UNIT ");
		put(w, unit);
		putch(w, '\n');
	}
	put_meta(w, "# HELP ");
	put_escaped(w, help ? help : "", true);
	putch(w, '\n');
	return GOMEM_OK;
}

int gomem_metrics_sample(gomem_metrics_writer *w, const char *suffix, const gomem_metric_label *labels,
			 size_t n, double value)
{
	if (w == NULL || w->name[0] == '\0' || (n > 0 && labels == NULL))
		return GOMEM_E_INVALID;
	for (size_t i = 0; i < n; i++)
		if (!valid_name(labels[i].name, false) || labels[i].value == NULL)
			return GOMEM_E_INVALID;
	put(w, w->name);
	if (w->type == GOMEM_METRIC_COUNTER)
		put(w, "_total");
	if (suffix)
		put(w, suffix);
	for (size_t i = 0; i < n; i++) {
		putch(w, i == 0 ? '{' : ',');
		put(w, labels[i].name);
		put(w, "=\"");
		put_escaped(w, labels[i].value, true);
		putch(w, '"');
	}
	put(w, n > 0 ? "} " : " ");
	put_value(w, value);
	putch(w, '\n');
	return GOMEM_OK;
}

int gomem_metrics_end(gomem_metrics_writer *w)
{
	if (w == NULL)
		return GOMEM_E_INVALID;
	if (w->flavor == GOMEM_METRICS_OPENMETRICS)
		put(w, "# EOF\n");
	if (fflush(w->fp) != 0 && !w->failed) {
		w->failed = true;
		w->write_errno = errno;
	}
	if (ferror(w->fp) && !w->failed) {
		w->failed = true;
		w->write_errno = errno;
	}
	if (w->failed) {
		errno = w->write_errno;
		return GOMEM_E_IO;
	}
	return GOMEM_OK;
}

double gomem_metric_field_value(const void *base, const gomem_metric_field *f)
{
	const char *p = (const char *)base + f->field;
	uint64_t u;
	int64_t i;
	int n;
	double d;

	switch (f->ftype) {
	case 'u': memcpy(&u, p, sizeof(u)); return (double)u;
	case 'i': memcpy(&i, p, sizeof(i)); return i < 0 ? NAN : (double)i;
	case 'n': memcpy(&n, p, sizeof(n)); return n < 0 ? NAN : n;
	case 'p': memcpy(&n, p, sizeof(n)); return n < 0 ? NAN : n / 100.0;
	case 'q': memcpy(&d, p, sizeof(d)); return d / 100.0;
	case 'd': memcpy(&d, p, sizeof(d)); return d;
	default: return NAN;
	}
}
