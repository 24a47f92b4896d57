/* SPDX-License-Identifier: Apache-2.0 */
/* limits_report.c — gomem limits' three reports through the one output
 * layer: the cgroup walk (one row per level, the effective figures as JSON
 * members or a few lines above the table), the advice (one row per
 * setting, the observed run first), and the OOM post-mortem (one row per
 * kill with its verdict). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gomem-internal.h"

#define MO GOMEM_COL_MACHINE_ONLY

static void cell_bytes(gomem_cell *c, int64_t v)
{
	memset(c, 0, sizeof(*c));
	c->i = v;
	c->null = v < 0 || v == GOMEM_LIMITS_NONE;
}

static void cell_real(gomem_cell *c, double v)
{
	memset(c, 0, sizeof(*c));
	c->d = v;
	c->null = !isfinite(v);
}

static void cell_text(gomem_cell *c, const char *s)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->null = s == NULL;
}

static int finish(gomem_table *t, int rc, gomem_error *err)
{
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		gomem_error_copy(err, gomem_table_error(t));
	gomem_table_free(t);
	return rc;
}

static int open_table(gomem_table **t, const gomem_column *cols, size_t n, FILE *fp, gomem_format format,
		      const char *schema, gomem_error *err)
{
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	int rc;

	o.format = format;
	o.schema = schema;
	if ((rc = gomem_table_new(t, cols, n, fp, &o)) != GOMEM_OK)
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	return rc;
}

/* ---- the cgroup walk -------------------------------------------------------------- */

enum { LC_PATH, LC_MAX, LC_HIGH, LC_SWAP, LC_CURRENT, LC_PEAK, LC_CPU, LC_BINDS, LC_N };

static const gomem_column level_columns[LC_N] = {
	{"cgroup", NULL, GOMEM_COL_TEXT, 0},
	{"memory_max_bytes", "max", GOMEM_COL_BYTES, 0},
	{"memory_high_bytes", "high", GOMEM_COL_BYTES, 0},
	{"swap_max_bytes", "swap max", GOMEM_COL_BYTES, MO},
	{"current_bytes", "current", GOMEM_COL_BYTES, 0},
	{"peak_bytes", "peak", GOMEM_COL_BYTES, 0},
	{"cpu_quota", "cpus", GOMEM_COL_NUMBER, 0},
	{"binds", NULL, GOMEM_COL_TEXT, 0},
};

static void meta_bytes(gomem_table *t, const char *key, int64_t v)
{
	if (v < 0 || v == GOMEM_LIMITS_NONE)
		gomem_table_meta_string(t, key, NULL);
	else
		gomem_table_meta_int(t, key, v);
}

static void cgroup_meta(gomem_table *t, const gomem_cgroup_info *o)
{
	gomem_table_meta_int(t, "cgroup_version", o->version);
	gomem_table_meta_string(t, "leaf", o->leaf);
	meta_bytes(t, "limit_bytes", o->limit);
	gomem_table_meta_string(t, "limit_set_at", o->limit == GOMEM_LIMITS_NONE ? NULL
							: o->levels[o->limit_level].path);
	meta_bytes(t, "high_bytes", o->high);
	gomem_table_meta_number(t, "cpu_limit", o->cpu_limit > 0 ? o->cpu_limit : NAN);
	meta_bytes(t, "host_memory_bytes", o->host_memory);
	meta_bytes(t, "usage_bytes", o->usage);
	meta_bytes(t, "peak_bytes", o->peak);
	meta_bytes(t, "anon_bytes", o->anon);
	meta_bytes(t, "file_bytes", o->file);
	meta_bytes(t, "kernel_bytes", o->kernel);
	meta_bytes(t, "sock_bytes", o->sock);
	meta_bytes(t, "shmem_bytes", o->shmem);
	meta_bytes(t, "events_max", o->ev_max);
	meta_bytes(t, "events_oom", o->ev_oom);
	meta_bytes(t, "events_oom_kill", o->ev_oom_kill);
}

static void human(char *buf, size_t size, int64_t v)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else if (v == GOMEM_LIMITS_NONE)
		snprintf(buf, size, "none");
	else
		gomem_format_bytes(buf, size, v, 0);
}

/* The people's format: the effective figures in a few lines. */
static void cgroup_lines(FILE *fp, const gomem_cgroup_info *o)
{
	char a[GOMEM_UNITS_BUFSIZE], b[GOMEM_UNITS_BUFSIZE], c[GOMEM_UNITS_BUFSIZE], d[GOMEM_UNITS_BUFSIZE];

	human(a, sizeof(a), o->limit);
	fprintf(fp, "cgroup v%d %s\nmemory limit: %s", o->version, o->leaf, a);
	if (o->limit != GOMEM_LIMITS_NONE)
		fprintf(fp, " (set at %s)", o->levels[o->limit_level].path);
	human(a, sizeof(a), o->usage);
	human(b, sizeof(b), o->peak);
	fprintf(fp, "\nusage: %s, peak %s\n", a, b);
	human(a, sizeof(a), o->anon);
	human(b, sizeof(b), o->file);
	human(c, sizeof(c), o->kernel);
	human(d, sizeof(d), o->sock);
	fprintf(fp, "memory.stat: anon %s, file %s, kernel %s, sock %s\n", a, b, c, d);
	fprintf(fp, "events: max %" PRId64 ", oom %" PRId64 ", oom_kill %" PRId64 "\n", o->ev_max, o->ev_oom,
		o->ev_oom_kill);
	if (o->cpu_limit > 0)
		fprintf(fp, "cpu limit: %.2f CPUs\n", o->cpu_limit);
	else
		fprintf(fp, "cpu limit: none\n");
	if (o->host_memory > 0) {
		human(a, sizeof(a), o->host_memory);
		fprintf(fp, "host memory: %s\n", a);
	}
	fputc('\n', fp);
}

int gomem_cgroup_write(FILE *fp, const gomem_cgroup_info *o, gomem_format format, gomem_error *err)
{
	gomem_cell c[LC_N];
	gomem_table *t;
	int rc;

	if ((rc = open_table(&t, level_columns, LC_N, fp, format, "gomem.limits/1", err)) != GOMEM_OK)
		return rc;
	cgroup_meta(t, o);
	if (format == GOMEM_FORMAT_TABLE)
		cgroup_lines(fp, o);
	for (size_t i = 0; i < o->nlevels && rc == GOMEM_OK; i++) {
		const gomem_cgroup_level *l = &o->levels[i];

		cell_text(&c[LC_PATH], l->path);
		cell_bytes(&c[LC_MAX], l->memory_max);
		cell_bytes(&c[LC_HIGH], l->memory_high);
		cell_bytes(&c[LC_SWAP], l->swap_max);
		cell_bytes(&c[LC_CURRENT], l->current);
		cell_bytes(&c[LC_PEAK], l->peak);
		cell_real(&c[LC_CPU], l->cpu_quota > 0 ? l->cpu_quota : NAN);
		cell_text(&c[LC_BINDS], o->limit != GOMEM_LIMITS_NONE && i == o->limit_level ? "memory"
				       : o->cpu_limit > 0 && i == o->cpu_level && o->version == 2 ? "cpu" : "");
		rc = gomem_table_row(t, c);
	}
	return finish(t, rc, err);
}

/* ---- the advice --------------------------------------------------------------------- */

enum { AC_SETTING, AC_GOMEMLIMIT, AC_GOGC, AC_GCS, AC_GCS_ERR, AC_CPU, AC_CPU_ERR, AC_PEAK,
       AC_PEAK_ERR, AC_RSS, AC_HEADROOM, AC_SPIRAL, AC_FITS, AC_N };

static const gomem_column advice_columns[AC_N] = {
	{"setting", NULL, GOMEM_COL_TEXT, 0},
	{"gomemlimit_bytes", "GOMEMLIMIT", GOMEM_COL_BYTES, 0},
	{"gogc", "GOGC", GOMEM_COL_TEXT, 0},
	{"gc_count", "GCs", GOMEM_COL_NUMBER, 0},
	{"gc_count_error_pct", "err", GOMEM_COL_PERCENT, GOMEM_COL_PLUSMINUS},
	{"gc_cpu_pct", "GC CPU", GOMEM_COL_PERCENT, 0},
	{"gc_cpu_error_pct", "err", GOMEM_COL_PERCENT, GOMEM_COL_PLUSMINUS | MO},
	{"peak_heap_bytes", "peak heap", GOMEM_COL_BYTES, 0},
	{"peak_heap_error_pct", "err", GOMEM_COL_PERCENT, GOMEM_COL_PLUSMINUS | MO},
	{"peak_rss_bytes", "peak RSS", GOMEM_COL_BYTES, 0},
	{"headroom_bytes", "headroom", GOMEM_COL_BYTES, GOMEM_COL_SIGNED},
	{"death_spiral", "spiral", GOMEM_COL_TEXT, 0},
	{"fits", NULL, GOMEM_COL_TEXT, 0},
};

static double tenths(double v)
{
	return isfinite(v) ? round(v * 10) / 10 : NAN;
}

static void advice_cells(gomem_cell *c, const gomem_limits_candidate *k, char *gogc, size_t gsize)
{
	if (k->gogc < 0)
		snprintf(gogc, gsize, "off");
	else
		snprintf(gogc, gsize, "%d", k->gogc);
	cell_text(&c[AC_SETTING], k->label);
	cell_bytes(&c[AC_GOMEMLIMIT], k->gomemlimit);
	cell_text(&c[AC_GOGC], gogc);
	cell_real(&c[AC_GCS], tenths(k->predicted.gc_count));
	cell_real(&c[AC_GCS_ERR], tenths(k->predicted.error_pct));
	cell_real(&c[AC_CPU], tenths(k->predicted.gc_cpu_pct));
	cell_real(&c[AC_CPU_ERR], tenths(k->predicted.cpu_error_pct));
	cell_bytes(&c[AC_PEAK], (int64_t)k->predicted.peak_heap);
	cell_real(&c[AC_PEAK_ERR], tenths(k->predicted.peak_error_pct));
	cell_bytes(&c[AC_RSS], (int64_t)k->peak_rss);
	memset(&c[AC_HEADROOM], 0, sizeof(c[AC_HEADROOM]));
	c[AC_HEADROOM].i = (int64_t)k->headroom;
	cell_text(&c[AC_SPIRAL], k->death_spiral ? "yes" : "no");
	cell_text(&c[AC_FITS], k->fits ? "yes" : "no");
}

int gomem_limits_advice_write(FILE *fp, const gomem_limits_advice *a, gomem_format format, gomem_error *err)
{
	gomem_cell c[AC_N];
	gomem_limits_candidate observed;
	const gomem_limits_candidate *best = &a->candidates[0];
	char gogc[16], line[256];
	gomem_table *t;
	int rc;

	if ((rc = open_table(&t, advice_columns, AC_N, fp, format, "gomem.limits.advice/1", err)) != GOMEM_OK)
		return rc;
	gomem_table_meta_int(t, "limit_bytes", a->limit);
	gomem_table_meta_int(t, "reserve_bytes", a->reserve);
	gomem_table_meta_number(t, "nonheap_ratio", a->nonheap_ratio);
	gomem_table_meta_int(t, "live_max_bytes", (int64_t)a->live_max);
	gomem_table_meta_int(t, "recommended_gomemlimit_bytes", best->gomemlimit);
	gomem_table_meta_string(t, "recommended_gogc", best->gogc < 0 ? "off" : NULL);
	if (best->gogc >= 0)
		gomem_table_meta_int(t, "recommended_gogc_percent", best->gogc);
	gomem_table_meta_string(t, "recommendation_fits", best->fits ? "yes" : "no");
	if (format == GOMEM_FORMAT_TABLE) {
		char l[GOMEM_UNITS_BUFSIZE], r[GOMEM_UNITS_BUFSIZE];

		gomem_format_bytes(l, sizeof(l), a->limit, 0);
		gomem_format_bytes(r, sizeof(r), a->reserve, 0);
		snprintf(line, sizeof(line), best->gogc < 0 ? "off" : "%d", best->gogc);
		fprintf(fp, "limit %s, %s of it not Go's (kernel, sock, shmem); Go's non-heap %.0f%% of the heap\n"
			"recommended: GOMEMLIMIT=%" PRId64 "MiB GOGC=%s%s\n\n", l, r, a->nonheap_ratio * 100,
			best->gomemlimit >> 20, line,
			best->fits ? "" : " (does not fit: the limit is too small for this workload)");
	}
	memset(&observed, 0, sizeof(observed));
	snprintf(observed.label, sizeof(observed.label), "observed");
	observed.gomemlimit = -1;
	observed.predicted = a->observed;
	observed.gogc = -2;
	advice_cells(c, &observed, gogc, sizeof(gogc));
	c[AC_GOGC].null = c[AC_GCS_ERR].null = c[AC_CPU_ERR].null = c[AC_PEAK_ERR].null = 1;
	c[AC_RSS].null = c[AC_HEADROOM].null = c[AC_SPIRAL].null = c[AC_FITS].null = 1;
	rc = gomem_table_row(t, c);
	for (size_t i = 0; i < a->ncandidates && rc == GOMEM_OK; i++) {
		advice_cells(c, &a->candidates[i], gogc, sizeof(gogc));
		rc = gomem_table_row(t, c);
	}
	return finish(t, rc, err);
}

/* ---- the post-mortem ------------------------------------------------------------------ */

enum { OC_LINE, OC_STAMP, OC_PID, OC_COMM, OC_SCOPE, OC_CGROUP, OC_LIMIT, OC_USAGE, OC_ANON, OC_FILE,
       OC_SHMEM, OC_VERDICT, OC_HEAP, OC_NONHEAP, OC_OUTSIDE, OC_BASIS, OC_N };

static const gomem_column oom_columns[OC_N] = {
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"time", NULL, GOMEM_COL_TEXT, MO},
	{"pid", NULL, GOMEM_COL_COUNT, 0},
	{"comm", NULL, GOMEM_COL_TEXT, 0},
	{"scope", NULL, GOMEM_COL_TEXT, 0},
	{"cgroup", NULL, GOMEM_COL_TEXT, MO},
	{"limit_bytes", "limit", GOMEM_COL_BYTES, 0},
	{"usage_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"anon_rss_bytes", "anon-rss", GOMEM_COL_BYTES, 0},
	{"file_rss_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"shmem_rss_bytes", NULL, GOMEM_COL_BYTES, MO},
	{"verdict", NULL, GOMEM_COL_TEXT, 0},
	{"go_heap_bytes", "heap", GOMEM_COL_BYTES, 0},
	{"go_nonheap_bytes", "non-heap", GOMEM_COL_BYTES, 0},
	{"outside_go_bytes", "outside", GOMEM_COL_BYTES, 0},
	{"basis", NULL, GOMEM_COL_TEXT, 0},
};

static const char *cause_key(gomem_oom_cause c)
{
	static const char *const keys[] = {"unknown", "go-heap", "go-nonheap", "outside-go", "outside-heap"};

	return (size_t)c < GOMEM_ARRAY_SIZE(keys) ? keys[c] : "unknown";
}

int gomem_oom_rows_new(gomem_table **t, FILE *fp, gomem_format format, gomem_error *err)
{
	return open_table(t, oom_columns, OC_N, fp, format, "gomem.limits.oom/1", err);
}

int gomem_oom_row(gomem_table *t, const gomem_oom_kill *k, const gomem_oom_verdict *v)
{
	gomem_cell c[OC_N];
	bool known = v->cause != GOMEM_OOM_UNKNOWN;

	memset(c, 0, sizeof(c));
	c[OC_LINE].i = (int64_t)k->line;
	cell_text(&c[OC_STAMP], k->stamp[0] ? k->stamp : NULL);
	c[OC_PID].i = k->pid;
	cell_text(&c[OC_COMM], k->comm);
	cell_text(&c[OC_SCOPE], k->memcg ? "cgroup" : "system");
	cell_text(&c[OC_CGROUP], k->memcg_path[0] ? k->memcg_path : NULL);
	cell_bytes(&c[OC_LIMIT], k->limit);
	cell_bytes(&c[OC_USAGE], k->usage);
	cell_bytes(&c[OC_ANON], k->anon_rss);
	cell_bytes(&c[OC_FILE], k->file_rss);
	cell_bytes(&c[OC_SHMEM], k->shmem_rss);
	cell_text(&c[OC_VERDICT], cause_key(v->cause));
	cell_bytes(&c[OC_HEAP], known ? v->go_heap : -1);
	cell_bytes(&c[OC_NONHEAP], known ? v->go_nonheap : -1);
	cell_bytes(&c[OC_OUTSIDE], known ? v->outside : -1);
	cell_text(&c[OC_BASIS], v->basis[0] ? v->basis : NULL);
	return gomem_table_row(t, c);
}
