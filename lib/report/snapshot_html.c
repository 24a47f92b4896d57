/* SPDX-License-Identifier: Apache-2.0 */
/* snapshot_html.c — the snapshot as one self-contained HTML page: every
 * number from the library's own analyses (heap explain, heapdiff, the
 * goroutine summary and diff, gctrace), every picture an inline SVG from
 * the drawing layer, one style sheet, nothing loaded from the network (the
 * only links are to the page's own sections). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/svg-internal.h"
#include "gomem/snapshot.h"
#include "snapshot-internal.h"

#define TOP_ROWS 20

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1240px;padding:0 16px 40px;"
	"color:#222;background:#fcfcfa}"
	"h1{font-size:24px;margin:20px 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd}"
	"nav a{margin-right:14px}p.note{color:#555;margin:4px 0 10px}"
	"table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}"
	"th,td{padding:3px 10px;border-bottom:1px solid #e8e8e8;text-align:left;vertical-align:top}"
	"th{background:#f0f0ec}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"td.name{font-family:monospace;word-break:break-all}"
	"tr.grew td.d{color:#c00}tr.shrank td.d{color:#00c}"
	"svg{display:block;max-width:100%;height:auto;margin:8px 0}";

/* ---- HTML pieces ----------------------------------------------------------------- */

static void text(FILE *fp, const char *s)
{
	gomem_svg_text(fp, s, s ? strlen(s) : 0);
}

static void section(FILE *fp, const char *id, const char *title)
{
	fprintf(fp, "<section id=\"%s\">\n<h2>", id);
	text(fp, title);
	fputs("</h2>\n", fp);
}

static void note(FILE *fp, const char *s)
{
	fputs("<p class=\"note\">", fp);
	text(fp, s);
	fputs("</p>\n", fp);
}

/* A header row of N titles, numeric ones (a 1 in NUMERIC) right-aligned. */
static void table_head(FILE *fp, const char *const *titles, size_t n)
{
	fputs("<table>\n<tr>", fp);
	for (size_t i = 0; i < n; i++) {
		fputs("<th>", fp);
		text(fp, titles[i]);
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
}

/* A cell: CLS "n" for numbers, "name" for symbols, "d" for a change. */
static void cell(FILE *fp, const char *cls, const char *s)
{
	if (cls)
		fprintf(fp, "<td class=\"%s\">", cls);
	else
		fputs("<td>", fp);
	text(fp, s);
	fputs("</td>", fp);
}

/* A number for people, with its exact value in data-v for scripts. */
static void num_cell(FILE *fp, const char *cls, const char *s, int64_t raw)
{
	fprintf(fp, "<td class=\"%s\" data-v=\"%lld\">", cls ? cls : "n", (long long)raw);
	text(fp, s);
	fputs("</td>", fp);
}

static void bytes_cell(FILE *fp, int64_t v, int sign, const char *cls)
{
	char buf[GOMEM_UNITS_BUFSIZE];

	gomem_format_bytes(buf, sizeof(buf), v, sign);
	num_cell(fp, cls, buf, v);
}

static void count_cell(FILE *fp, double v, int sign)
{
	char buf[64];

	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_COUNT, v, sign);
	num_cell(fp, "n", buf, (int64_t)llround(v));
}

static void pct_cell(FILE *fp, double v, int sign)
{
	char buf[64];

	gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_PERCENT, v, sign);
	cell(fp, "n", isfinite(v) ? buf : "-");
}

/* A value of a profile's unit: bytes, or a count. */
static void value_cell(FILE *fp, int bytes, int64_t v, int sign, const char *cls)
{
	char buf[64];

	if (bytes)
		gomem_format_bytes(buf, sizeof(buf), v, sign);
	else
		gomem_svg_format(buf, sizeof(buf), GOMEM_SVG_COUNT, (double)v, sign);
	num_cell(fp, cls, buf, v);
}

/* ---- the header and the summary ------------------------------------------------------ */

static void duration_text(char *buf, size_t size, double secs)
{
	if (gomem_format_duration(buf, size, secs) < 0)
		snprintf(buf, size, "-");
}

static void put_header(const struct gomem_snapshot *s, FILE *fp)
{
	char when[64], iv[GOMEM_UNITS_BUFSIZE];
	time_t t = (time_t)s->taken;
	struct tm tm;

	if (s->taken > 0 && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(when, sizeof(when), "(time unknown)");
	duration_text(iv, sizeof(iv), s->interval);
	/* Polyglot markup: HTML5 that is well-formed XML too (an XML parser
	 * reads it whole, the inline SVG included). */
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"generator\" content=\"gomem ", fp);
	text(fp, gomem_version());
	fputs("\"/>\n<title>Memory snapshot: ", fp);
	text(fp, s->name);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>Memory snapshot: ", style);
	text(fp, s->name);
	fputs("</h1>\n<p class=\"note\">Taken ", fp);
	text(fp, when);
	fputs("; the heap profiles and goroutine dumps ", fp);
	text(fp, iv);
	fputs(" apart. Made by gomem ", fp);
	text(fp, gomem_version());
	fputs("; this page loads nothing from the network.</p>\n<nav><a href=\"#summary\">summary</a>"
	      "<a href=\"#heap-explain\">heap</a><a href=\"#heap-diff\">heap diff</a>"
	      "<a href=\"#allocs\">allocations</a><a href=\"#goroutines\">goroutines</a>"
	      "<a href=\"#leak-suspects\">leak suspects</a>", fp);
	if (s->timeline)
		fputs("<a href=\"#gc-timeline\">GC timeline</a>", fp);
	fputs("<a href=\"#memstats\">MemStats</a></nav>\n</header>\n", fp);
}

struct figures {
	const gomem_heapdiff_row *inuse, *alloc;
	int inuse_bytes;
	uint64_t g_before, g_after;
};

static void put_summary(const struct gomem_snapshot *s, const struct figures *f, FILE *fp)
{
	static const char *const head[] = {"figure", "value", "note"};
	const gomem_memstats *m = gomem_profile_memstats(s->newp);
	char buf[160], a[GOMEM_UNITS_BUFSIZE], b[GOMEM_UNITS_BUFSIZE], u[GOMEM_UNITS_BUFSIZE];

	section(fp, "summary", "Summary");
	table_head(fp, head, 3);
	if (f->inuse) {
		fputs("<tr><td>heap in use, change</td>", fp);
		value_cell(fp, f->inuse_bytes, f->inuse->delta, 1, NULL);
		gomem_format_bytes(a, sizeof(a), f->inuse->base, 0);
		gomem_format_bytes(b, sizeof(b), f->inuse->new_, 0);
		gomem_format_bytes(u, sizeof(u), (int64_t)llround(f->inuse->uncertainty), 0);
		if (f->inuse->uncertainty > 0)
			snprintf(buf, sizeof(buf), "%s \xe2\x86\x92 %s as profiled, \xc2\xb1%s from sampling", a, b, u);
		else
			snprintf(buf, sizeof(buf), "%s \xe2\x86\x92 %s as profiled (every allocation recorded: exact)",
				 a, b);
		cell(fp, NULL, buf);
		fputs("</tr>\n", fp);
	}
	if (f->alloc) {
		fputs("<tr><td>allocated in the interval</td>", fp);
		value_cell(fp, 1, f->alloc->delta, 0, NULL);
		gomem_format_bytes(a, sizeof(a), s->interval > 0 ? (int64_t)((double)f->alloc->delta / s->interval) : 0, 0);
		snprintf(buf, sizeof(buf), "%s per second", a);
		cell(fp, NULL, buf);
		fputs("</tr>\n", fp);
	}
	fputs("<tr><td>goroutines</td>", fp);
	count_cell(fp, (double)f->g_after, 0);
	snprintf(buf, sizeof(buf), "%llu before", (unsigned long long)f->g_before);
	cell(fp, NULL, buf);
	fputs("</tr>\n", fp);
	if (m) {
		fputs("<tr><td>HeapAlloc</td>", fp);
		bytes_cell(fp, (int64_t)m->heap_alloc, 0, NULL);
		cell(fp, NULL, "reachable and not yet swept objects (MemStats)");
		fputs("</tr>\n<tr><td>HeapSys</td>", fp);
		bytes_cell(fp, (int64_t)m->heap_sys, 0, NULL);
		cell(fp, NULL, "the heap's address space from the OS");
		fputs("</tr>\n<tr><td>Sys</td>", fp);
		bytes_cell(fp, (int64_t)m->sys, 0, NULL);
		cell(fp, NULL, "all the runtime took from the OS");
		fputs("</tr>\n<tr><td>NumGC</td>", fp);
		count_cell(fp, m->num_gc, 0);
		snprintf(buf, sizeof(buf), "%u forced", m->num_forced_gc);
		cell(fp, NULL, buf);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n</section>\n", fp);
}

/* ---- the heap ----------------------------------------------------------------------- */

static int put_heap_explain(const struct gomem_snapshot *s, FILE *fp)
{
	static const char *const head[] = {"part", "bytes", "% of heap", "where it comes from"};
	gomem_heapexplain_options xo = GOMEM_HEAPEXPLAIN_OPTIONS_INIT;
	gomem_heapexplain *x = NULL;
	gomem_error e = {0};

	section(fp, "heap-explain", "Where the heap goes");
	xo.go_minor = s->opts.go_minor;
	if (gomem_heapexplain_new(&x, s->newp, &xo, &e) != GOMEM_OK) {
		note(fp, e.message);
		fputs("</section>\n", fp);
		return GOMEM_OK;
	}
	note(fp, "The heap (HeapSys) of the second profile broken down, as gomem heap explain does: what the "
		 "program asked for, size-class round-up, span tails, partly empty spans, free and released "
		 "pages.");
	table_head(fp, head, 4);
	for (int i = 0; i < GOMEM_HEAPEXPLAIN_PART_COUNT; i++) {
		const gomem_heapexplain_row *r = gomem_heapexplain_row_at(x, (gomem_heapexplain_part)i);

		fputs("<tr><td>", fp);
		text(fp, r->title);
		fputs("</td>", fp);
		if (r->known)
			bytes_cell(fp, r->bytes, 0, NULL);
		else
			cell(fp, "n", "-");
		pct_cell(fp, r->heap_pct, 0);
		cell(fp, NULL, r->note);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n</section>\n", fp);
	gomem_heapexplain_free(x);
	return GOMEM_OK;
}

/* The rows of a diff (largest growth first) and its flame graph. */
static int put_diff(const gomem_heapdiff *d, const char *id, const char *subtitle, FILE *fp,
		    gomem_error *err)
{
	static const char *const head[] = {"change", "change %", "\xc2\xb1", "before", "after", "function"};
	gomem_flame_options look = GOMEM_FLAME_OPTIONS_INIT;
	const char *unit;
	int bytes;

	gomem_heapdiff_sample_type(d, &unit);
	bytes = unit && strcmp(unit, "bytes") == 0;
	table_head(fp, head, 6);
	for (size_t i = 0; i < gomem_heapdiff_row_count(d) && i < TOP_ROWS; i++) {
		const gomem_heapdiff_row *r = gomem_heapdiff_row_at(d, i);

		fprintf(fp, "<tr class=\"%s\">", r->delta > 0 ? "grew" : r->delta < 0 ? "shrank" : "same");
		value_cell(fp, bytes, r->delta, 1, "n d");
		pct_cell(fp, r->delta_pct, 1);
		value_cell(fp, bytes, (int64_t)llround(r->uncertainty), 0, NULL);
		value_cell(fp, bytes, r->base, 0, NULL);
		value_cell(fp, bytes, r->new_, 0, NULL);
		cell(fp, "name", r->name);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
	look.embed = 1;
	look.id = id;
	look.subtitle = subtitle;
	return gomem_heapdiff_write_svg(d, fp, &look, err);
}

static int compute(gomem_heapdiff **out, const gomem_profile *base, const gomem_profile *newp,
		   const char *sample, gomem_error *err)
{
	gomem_heapdiff_options o = GOMEM_HEAPDIFF_OPTIONS_INIT;

	o.sample = sample;
	o.top = TOP_ROWS;
	return gomem_heapdiff_compute(out, base, newp, &o, err);
}

static int put_heap_diff(const gomem_heapdiff *d, FILE *fp, gomem_error *err)
{
	int rc;

	section(fp, "heap-diff", "What grew: the heap in use, first profile to second");
	note(fp, "By function, flat (what each allocated itself), largest growth first, with the sampling "
		 "uncertainty of each change (\xc2\xb1: two standard deviations); the flame graph is as wide as "
		 "the second profile, red grew, blue shrank, grey within the uncertainty.");
	rc = put_diff(d, "heap-diff-flame", "inuse_space: widths from the second profile", fp, err);
	fputs("</section>\n", fp);
	return rc;
}

static int put_allocs(const struct gomem_snapshot *s, const gomem_heapdiff *d, FILE *fp, gomem_error *err)
{
	char buf[256], total[GOMEM_UNITS_BUFSIZE];
	int rc;

	section(fp, "allocs", "Allocated in the interval");
	if (s->allocs) {
		int i = gomem_profile_sample_type_index(s->allocs, "alloc_space");
		int64_t sum = 0;

		for (size_t k = 0; i >= 0 && k < gomem_profile_sample_count(s->allocs); k++)
			sum += gomem_profile_sample_values(s->allocs, k)[i];
		gomem_format_bytes(total, sizeof(total), sum, 0);
		snprintf(buf, sizeof(buf), "The allocs profile says %s allocated since the program started "
			 "(sampled, scaled). In the interval, by function:", total);
		note(fp, buf);
	}
	rc = put_diff(d, "allocs-flame", "alloc_space: allocated since start (widths), in the interval (colour)",
		      fp, err);
	fputs("</section>\n", fp);
	return rc;
}

/* ---- goroutines ------------------------------------------------------------------------ */

/* "a < b < c": the leafmost functions of STACK in D. */
static void stack_text(char *buf, size_t size, const gomem_dump *d, uint32_t stack)
{
	gomem_goroutine_stack st;
	size_t len = 0;

	buf[0] = '\0';
	if (gomem_dump_stack(&st, d, stack) != GOMEM_OK)
		return;
	for (size_t i = 0; i < st.nframes && i < 3 && len < size; i++) {
		gomem_goroutine_frame f;

		if (gomem_dump_frame(&f, d, st.frames[i]) == GOMEM_OK)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " < " : "", f.function);
	}
}

static int put_goroutines(const struct gomem_snapshot *s, FILE *fp, gomem_error *err)
{
	static const char *const shead[] = {"state", "goroutines", "%"};
	static const char *const bhead[] = {"goroutines", "state", "where (innermost first)"};
	gomem_flame_options look = GOMEM_FLAME_OPTIONS_INIT;
	gomem_summary *sum = NULL;
	const gomem_buckets *bs;
	char where[1024];
	int rc;

	section(fp, "goroutines", "Goroutines");
	if ((rc = gomem_summary_new(&sum, s->after, NULL, err)) != GOMEM_OK)
		return rc;
	table_head(fp, shead, 3);
	for (size_t i = 0; i < gomem_summary_state_count(sum); i++) {
		const gomem_summary_state *st = gomem_summary_state_get(sum, i);

		fputs("<tr>", fp);
		cell(fp, NULL, st->state[0] ? st->state : "(none printed)");
		count_cell(fp, (double)st->count, 0);
		pct_cell(fp, 100.0 * (double)st->count / (double)(gomem_summary_total(sum) ? gomem_summary_total(sum) : 1), 0);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
	bs = gomem_summary_buckets(sum);
	table_head(fp, bhead, 3);
	for (size_t i = 0; i < gomem_buckets_count(bs) && i < TOP_ROWS; i++) {
		gomem_bucket b;

		if (gomem_buckets_get(&b, bs, i) != GOMEM_OK)
			continue;
		stack_text(where, sizeof(where), s->after, b.stack);
		fputs("<tr>", fp);
		count_cell(fp, (double)b.count, 0);
		cell(fp, NULL, b.state);
		cell(fp, "name", where);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
	look.embed = 1;
	look.id = "goroutines-flame";
	look.subtitle = "the second dump: colour by state, darker the longer the wait";
	rc = gomem_buckets_write_svg(bs, fp, &look, err);
	fputs("</section>\n", fp);
	gomem_summary_free(sum);
	return rc;
}

static int put_leaks(const struct gomem_snapshot *s, const gomem_dump_diff *df, FILE *fp, gomem_error *err)
{
	static const char *const head[] = {"before", "after", "change", "state", "where (innermost first)"};
	gomem_flame_options look = GOMEM_FLAME_OPTIONS_INIT;
	const gomem_buckets *after = gomem_dump_diff_after(df);
	char where[1024];
	size_t n = 0;
	int rc = GOMEM_OK;

	section(fp, "leak-suspects", "Leak suspects");
	note(fp, "Goroutine groups that grew between the dumps and sit blocked (channel, select, IO, sync), "
		 "as gomem goroutines --diff finds them.");
	for (size_t i = 0; i < gomem_dump_diff_count(df); i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);
		gomem_bucket b;

		if (!e->leak_suspect || gomem_buckets_get(&b, after, e->after_bucket) != GOMEM_OK)
			continue;
		if (n++ == 0)
			table_head(fp, head, 5);
		stack_text(where, sizeof(where), s->after, b.stack);
		fputs("<tr class=\"grew\">", fp);
		count_cell(fp, (double)e->before, 0);
		count_cell(fp, (double)e->after, 0);
		fprintf(fp, "<td class=\"n d\" data-v=\"%lld\">%+lld</td>", (long long)e->delta,
			(long long)e->delta);
		cell(fp, NULL, e->state);
		cell(fp, "name", where);
		fputs("</tr>\n", fp);
	}
	if (n > 0)
		fputs("</table>\n", fp);
	else
		note(fp, "None: no group of goroutines grew while blocked.");
	if (gomem_dump_diff_total_after(df) > 0) {
		look.embed = 1;
		look.id = "goroutine-growth-flame";
		look.subtitle = "the second dump, colour by growth since the first";
		rc = gomem_dump_diff_write_svg(df, fp, &look, err);
	}
	fputs("</section>\n", fp);
	return rc;
}

/* ---- gctrace and MemStats ------------------------------------------------------------------ */

static int put_gctrace(const struct gomem_snapshot *s, FILE *fp, gomem_error *err)
{
	int rc;

	section(fp, "gc-timeline", "GC timeline");
	rc = gomem_gctimeline_write_svg(s->timeline, fp, err);
	fputs("</section>\n", fp);
	return rc;
}

static void memstat_row(FILE *fp, const char *name, uint64_t v, int bytes)
{
	char raw[32];

	fputs("<tr><td>", fp);
	text(fp, name);
	fputs("</td>", fp);
	if (bytes)
		bytes_cell(fp, (int64_t)v, 0, NULL);
	else
		count_cell(fp, (double)v, 0);
	snprintf(raw, sizeof(raw), "%llu", (unsigned long long)v);
	cell(fp, "n", raw);
	fputs("</tr>\n", fp);
}

static void put_memstats(const struct gomem_snapshot *s, FILE *fp)
{
	static const char *const head[] = {"field", "value", "as printed"};
	const gomem_memstats *m = gomem_profile_memstats(s->newp);
	const struct { const char *name; size_t off; int bytes; } fields[] = {
#define F(n, f, b) {n, offsetof(gomem_memstats, f), b}
		F("Alloc", alloc, 1), F("TotalAlloc", total_alloc, 1), F("Sys", sys, 1),
		F("Lookups", lookups, 0), F("Mallocs", mallocs, 0), F("Frees", frees, 0),
		F("HeapAlloc", heap_alloc, 1), F("HeapSys", heap_sys, 1), F("HeapIdle", heap_idle, 1),
		F("HeapInuse", heap_inuse, 1), F("HeapReleased", heap_released, 1),
		F("HeapObjects", heap_objects, 0), F("Stack", stack_inuse, 1), F("StackSys", stack_sys, 1),
		F("MSpan", mspan_inuse, 1), F("MSpanSys", mspan_sys, 1), F("MCache", mcache_inuse, 1),
		F("MCacheSys", mcache_sys, 1), F("BuckHashSys", buck_hash_sys, 1), F("GCSys", gc_sys, 1),
		F("OtherSys", other_sys, 1), F("NextGC", next_gc, 1), F("PauseTotalNs", pause_total_ns, 0),
		F("MaxRSS", max_rss, 1),
#undef F
	};

	section(fp, "memstats", "MemStats");
	if (m == NULL) {
		note(fp, "The second heap profile carried no MemStats trailer.");
		fputs("</section>\n", fp);
		return;
	}
	note(fp, "runtime.MemStats of the second heap profile (its debug=1 trailer).");
	table_head(fp, head, 3);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		memstat_row(fp, fields[i].name, *(const uint64_t *)((const char *)m + fields[i].off),
			    fields[i].bytes);
	memstat_row(fp, "NumGC", m->num_gc, 0);
	memstat_row(fp, "NumForcedGC", m->num_forced_gc, 0);
	fputs("</table>\n</section>\n", fp);
}

/* ---- the page ------------------------------------------------------------------------------ */

int gomem_snapshot_html(const struct gomem_snapshot *s, FILE *fp, gomem_error *err)
{
	gomem_heapdiff *inuse = NULL, *alloc = NULL;
	gomem_dump_diff *df = NULL;
	struct figures f = {NULL, NULL, 0, 0, 0};
	const char *unit;
	int rc;

	if ((rc = compute(&inuse, s->base, s->newp, NULL, err)) != GOMEM_OK ||
	    (rc = gomem_dump_diff_new(&df, s->before, s->after, NULL, err)) != GOMEM_OK)
		goto done;
	/* allocations: a profile without alloc_space has none to show */
	if (compute(&alloc, s->base, s->newp, "alloc_space", NULL) != GOMEM_OK)
		alloc = NULL;
	f.inuse = gomem_heapdiff_totals(inuse);
	gomem_heapdiff_sample_type(inuse, &unit);
	f.inuse_bytes = unit && strcmp(unit, "bytes") == 0;
	f.alloc = alloc ? gomem_heapdiff_totals(alloc) : NULL;
	f.g_before = gomem_dump_diff_total_before(df);
	f.g_after = gomem_dump_diff_total_after(df);
	put_header(s, fp);
	put_summary(s, &f, fp);
	if ((rc = put_heap_explain(s, fp)) != GOMEM_OK || (rc = put_heap_diff(inuse, fp, err)) != GOMEM_OK)
		goto done;
	if (alloc && (rc = put_allocs(s, alloc, fp, err)) != GOMEM_OK)
		goto done;
	if ((rc = put_goroutines(s, fp, err)) != GOMEM_OK || (rc = put_leaks(s, df, fp, err)) != GOMEM_OK)
		goto done;
	if (s->timeline && (rc = put_gctrace(s, fp, err)) != GOMEM_OK)
		goto done;
	put_memstats(s, fp);
	fputs("</body>\n</html>\n", fp);
	if (fflush(fp) != 0 || ferror(fp))
		rc = gomem_error_set(err, GOMEM_E_IO, "writing the page failed");
done:
	gomem_heapdiff_free(inuse);
	gomem_heapdiff_free(alloc);
	gomem_dump_diff_free(df);
	return rc;
}
