/* SPDX-License-Identifier: Apache-2.0 */
/* whatif.c — the report of gomem gctrace --whatif: what the log shows and
 * what the pacer model predicts per setting. Rows go through the table layer
 * (text, CSV, TSV, NDJSON); JSON is its own document (schema gomem.whatif/1)
 * because it nests the observed run beside the scenarios. Numbers are
 * rounded to what the model can tell: a tenth of a GC, a tenth of a percent,
 * whole bytes. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

enum { W_SETTING, W_GC, W_GC_ERR, W_PEAK, W_PEAK_ERR, W_CPU, W_CPU_ERR, W_LIMIT, W_LIMITER, W_COUNT };

static const gomem_column columns[W_COUNT] = {
	{"setting", NULL, GOMEM_COL_TEXT, 0},
	{"gc_count", "GCs", GOMEM_COL_NUMBER, 0},
	{"error_pct", "err", GOMEM_COL_PERCENT, GOMEM_COL_PLUSMINUS},
	{"peak_heap_bytes", "peak heap", GOMEM_COL_BYTES, 0},
	{"peak_heap_error_pct", "err", GOMEM_COL_PERCENT, GOMEM_COL_PLUSMINUS},
	{"gc_cpu_pct", "gc cpu", GOMEM_COL_PERCENT, 0},
	{"gc_cpu_error_pct", "err", GOMEM_COL_PERCENT, GOMEM_COL_PLUSMINUS},
	{"limit_binds", "limit binds", GOMEM_COL_TEXT, 0},
	{"cpu_limiter", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
};

/* Whole bytes; a wild log's figure past int64 is held there. */
static int64_t whole_bytes(double v)
{
	if (!(v > 0))
		return 0;
	return v < 9.2e18 ? (int64_t)(v + 0.5) : INT64_MAX;
}

static double tenths(double v)
{
	return isfinite(v) ? floor(v * 10 + 0.5) / 10 : NAN;
}

/* "GOGC=100", "GOGC=off GOMEMLIMIT=160MiB": the settings as text. */
static void config_text(char *buf, size_t size, const gomem_pacer_config *c)
{
	int n;

	if (c->gogc < 0)
		n = snprintf(buf, size, "GOGC=off");
	else
		n = snprintf(buf, size, "GOGC=%d", c->gogc);
	if (n > 0 && (size_t)n < size && c->memory_limit != GOMEM_PACER_NO_LIMIT)
		snprintf(buf + n, size - (size_t)n, " GOMEMLIMIT=%" PRId64 "MiB",
			 (c->memory_limit >> 20) + ((c->memory_limit >> 19) & 1)); /* rounded, no overflow */
}

static void outcome_cells(gomem_cell *c, const char *label, const gomem_pacer_outcome *o, int predicted)
{
	memset(c, 0, W_COUNT * sizeof(*c));
	c[W_SETTING].s = label;
	c[W_GC].d = tenths(o->gc_count);
	c[W_GC_ERR].d = tenths(o->error_pct);
	c[W_PEAK].i = whole_bytes(o->peak_heap);
	c[W_PEAK_ERR].d = tenths(o->peak_error_pct);
	c[W_CPU].d = tenths(o->gc_cpu_pct);
	c[W_CPU_ERR].d = tenths(o->cpu_error_pct);
	c[W_LIMIT].s = o->thrash ? "thrash" : o->limit_binds ? "yes" : "no";
	c[W_LIMITER].s = o->limiter_on ? "yes" : "no";
	if (!predicted)
		c[W_GC_ERR].null = c[W_PEAK_ERR].null = c[W_CPU_ERR].null = c[W_LIMITER].null = 1;
}

static int write_rows(FILE *fp, const gomem_pacer_model *m, const gomem_pacer_setting *s, size_t n,
		      gomem_format format, gomem_error *err)
{
	gomem_table_options opts = GOMEM_TABLE_OPTIONS_INIT;
	gomem_pacer_outcome o;
	gomem_cell cells[W_COUNT];
	gomem_table *t;
	int rc;

	opts.format = format;
	if ((rc = gomem_table_new(&t, columns, W_COUNT, fp, &opts)) != GOMEM_OK)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	gomem_pacer_model_observed(m, &o);
	outcome_cells(cells, "observed", &o, 0);
	rc = gomem_table_row(t, cells);
	for (size_t i = 0; rc == GOMEM_OK && i < n; i++) {
		if ((rc = gomem_pacer_model_whatif(m, &s[i], &o)) != GOMEM_OK)
			break;
		outcome_cells(cells, s[i].label, &o, 1);
		rc = gomem_table_row(t, cells);
	}
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		gomem_error_copy(err, gomem_table_error(t));
	gomem_table_free(t);
	return rc;
}

/* ---- JSON -------------------------------------------------------------------------- */

/* A real with one decimal, whatever the locale. */
static void json_tenths(FILE *fp, double v)
{
	long long x;

	if (!isfinite(v)) {
		fputs("null", fp);
		return;
	}
	x = llround(v * 10);
	fprintf(fp, "%s%lld.%lld", x < 0 ? "-" : "", llabs(x) / 10, llabs(x) % 10);
}

static void json_key(FILE *fp, const char *key)
{
	fprintf(fp, ",\"%s\":", key);
}

static void json_outcome(FILE *fp, const char *label, const gomem_pacer_outcome *o, int predicted)
{
	fputs("{\"setting\":", fp);
	gomem_json_write_string(fp, label);
	json_key(fp, "gc_count");
	json_tenths(fp, o->gc_count);
	json_key(fp, "peak_heap_bytes");
	fprintf(fp, "%" PRId64, whole_bytes(o->peak_heap));
	json_key(fp, "gc_cpu_pct");
	json_tenths(fp, o->gc_cpu_pct);
	if (predicted) {
		json_key(fp, "error_pct");
		json_tenths(fp, o->error_pct);
		json_key(fp, "peak_heap_error_pct");
		json_tenths(fp, o->peak_error_pct);
		json_key(fp, "gc_cpu_error_pct");
		json_tenths(fp, o->cpu_error_pct);
		fprintf(fp, ",\"limit_binds\":%s,\"cpu_limiter\":%s,\"thrash\":%s",
			o->limit_binds ? "true" : "false", o->limiter_on ? "true" : "false",
			o->thrash ? "true" : "false");
	}
}

static void json_observed(FILE *fp, const gomem_pacer_model *m)
{
	gomem_pacer_outcome o;
	gomem_pacer_config c;
	gomem_pacer_fit f;
	char settings[96];

	gomem_pacer_model_observed(m, &o);
	gomem_pacer_model_config(m, &c);
	gomem_pacer_model_get_fit(m, &f);
	config_text(settings, sizeof(settings), &c);
	json_outcome(fp, settings, &o, 0);
	json_key(fp, "span_s");
	json_tenths(fp, f.span);
	fprintf(fp, ",\"gomaxprocs\":%d,\"forced\":%zu", f.procs, f.forced);
	json_key(fp, "gogc");
	if (f.gogc < 0)
		fputs("\"off\"", fp);
	else
		fprintf(fp, "%d", f.gogc);
	json_key(fp, "gomemlimit_bytes");
	if (f.memory_limit == GOMEM_PACER_NO_LIMIT)
		fputs("null", fp);
	else
		fprintf(fp, "%" PRId64, f.memory_limit);
	fprintf(fp, ",\"alloc_rate_bytes_per_s\":%.0f,\"live_start_bytes\":%.0f,\"live_end_bytes\":%.0f",
		f.alloc_rate, f.live_start, f.live_end);
	json_key(fp, "self_error_pct");
	json_tenths(fp, f.self_error_pct);
	fputc('}', fp);
}

static int write_json(FILE *fp, const char *name, const gomem_pacer_model *m,
		      const gomem_pacer_setting *s, size_t n, gomem_error *err)
{
	gomem_pacer_outcome o;
	int rc;

	fputs("{\"schema\":\"gomem.whatif/1\",\"input\":", fp);
	gomem_json_write_string(fp, name);
	fputs(",\"observed\":", fp);
	json_observed(fp, m);
	fputs(",\"scenarios\":[", fp);
	for (size_t i = 0; i < n; i++) {
		if ((rc = gomem_pacer_model_whatif(m, &s[i], &o)) != GOMEM_OK)
			return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
		fputs(i ? ",\n" : "\n", fp);
		json_outcome(fp, s[i].label, &o, 1);
		fputc('}', fp);
	}
	fputs("]}\n", fp);
	if (fflush(fp) != 0 || ferror(fp))
		return gomem_error_set(err, GOMEM_E_IO, "%s", "write error");
	return GOMEM_OK;
}

int gomem_whatif_write(FILE *fp, const char *name, const gomem_pacer_model *m,
		       const gomem_pacer_setting *s, size_t n, gomem_format format, gomem_error *err)
{
	if (format == GOMEM_FORMAT_JSON)
		return write_json(fp, name, m, s, n, err);
	return write_rows(fp, m, s, n, format, err);
}
