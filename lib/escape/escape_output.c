/* SPDX-License-Identifier: Apache-2.0 */
/* escape_output.c — escape records written out: what `gomem escape` prints
 * (the report with its group tables, a diff, the gate's offenders, as a
 * table for people or rows), a SARIF 2.1.0 log for code-scanning
 * dashboards, and the source annotated with its escapes, as an editor
 * shows them. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "escape/escape-internal.h"

typedef gomem_escape_report_options report_opts;

/* ---- SARIF ----------------------------------------------------------------- */

static const gomem_escape_kind sarif_kinds[] = {
	GOMEM_ESCAPE_MOVED_TO_HEAP, GOMEM_ESCAPE_ESCAPES, GOMEM_ESCAPE_LEAKING_PARAM,
	GOMEM_ESCAPE_LEAKING_CONTENT, GOMEM_ESCAPE_LEAKING_RESULT, GOMEM_ESCAPE_DOES_NOT_ESCAPE,
	GOMEM_ESCAPE_CAN_INLINE, GOMEM_ESCAPE_CANNOT_INLINE, GOMEM_ESCAPE_INLINING_CALL,
	GOMEM_ESCAPE_DEVIRTUALIZING, GOMEM_ESCAPE_CAPTURING, GOMEM_ESCAPE_OTHER, GOMEM_ESCAPE_UNKNOWN
};

struct gomem_escape_sarif {
	FILE *fp;
	bool first;
};

static const char *kind_description(gomem_escape_kind k)
{
	switch (k) {
	case GOMEM_ESCAPE_MOVED_TO_HEAP: return "A variable is moved to the heap.";
	case GOMEM_ESCAPE_ESCAPES: return "A value escapes to the heap (a heap allocation).";
	case GOMEM_ESCAPE_LEAKING_PARAM: return "A parameter leaks to the heap.";
	case GOMEM_ESCAPE_LEAKING_CONTENT: return "What a parameter points to leaks to the heap.";
	case GOMEM_ESCAPE_LEAKING_RESULT: return "A parameter leaks to a result.";
	case GOMEM_ESCAPE_DOES_NOT_ESCAPE: return "A value does not escape.";
	case GOMEM_ESCAPE_CAN_INLINE: return "A function can be inlined.";
	case GOMEM_ESCAPE_CANNOT_INLINE: return "A function cannot be inlined.";
	case GOMEM_ESCAPE_INLINING_CALL: return "A call is inlined.";
	case GOMEM_ESCAPE_DEVIRTUALIZING: return "An interface call is devirtualized.";
	case GOMEM_ESCAPE_CAPTURING: return "A closure captures a variable.";
	default: return "Another compiler diagnostic.";
	}
}

static const char *level(gomem_escape_kind k)
{
	return gomem_escape_kind_is_heap(k) ? "warning" : "note";
}

/* A relative URI reference: "./" dropped, bytes outside the unreserved and
 * path characters percent-encoded; absolute paths become file:// URIs. */
static void write_uri(FILE *fp, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[8192];
	size_t n = 0;

	if (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/')
		n = (size_t)snprintf(buf, sizeof(buf), "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p && n + 4 < sizeof(buf); p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/!$&'()*+,;=:@", *p)) {
			buf[n++] = (char)*p;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		}
	}
	buf[n] = '\0';
	gomem_json_write_string(fp, buf);
}

static size_t rule_index(gomem_escape_kind k)
{
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(sarif_kinds); i++)
		if (sarif_kinds[i] == k)
			return i;
	return GOMEM_ARRAY_SIZE(sarif_kinds) - 1;
}

int gomem_escape_sarif_begin(gomem_escape_sarif **out, FILE *fp)
{
	gomem_escape_sarif *w;

	if ((*out = w = calloc(1, sizeof(*w))) == NULL)
		return GOMEM_E_NOMEM;
	w->fp = fp;
	w->first = true;
	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\n"
	      "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"gomem escape\",\"version\":", fp);
	gomem_json_write_string(fp, gomem_version());
	fputs(",\"informationUri\":\"https://github.com/gomem/gomem\",\"rules\":[\n", fp);
	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(sarif_kinds); i++) {
		fprintf(fp, "%s{\"id\":", i ? ",\n" : "");
		gomem_json_write_string(fp, gomem_escape_kind_name(sarif_kinds[i]));
		fputs(",\"shortDescription\":{\"text\":", fp);
		gomem_json_write_string(fp, kind_description(sarif_kinds[i]));
		fprintf(fp, "},\"defaultConfiguration\":{\"level\":\"%s\"}}", level(sarif_kinds[i]));
	}
	fputs("]}},\n\"results\":[", fp);
	return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
}

static void write_location(FILE *fp, const gomem_escape_record *r)
{
	fputs(",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", fp);
	write_uri(fp, r->path);
	fprintf(fp, "},\"region\":{\"startLine\":%u", r->line ? r->line : 1);
	if (r->column)
		fprintf(fp, ",\"startColumn\":%u", r->column);
	fputs("}}", fp);
	if (*r->function) {
		fputs(",\"logicalLocations\":[{\"name\":", fp);
		gomem_json_write_string(fp, r->function);
		fputs(",\"kind\":\"function\"}]", fp);
	}
	fputs("}]", fp);
}

int gomem_escape_sarif_add(gomem_escape_sarif *w, const gomem_escape_record *r, int change)
{
	FILE *fp = w->fp;

	if (change == GOMEM_ESCAPE_REMOVED)
		return GOMEM_OK;
	fprintf(fp, "%s\n{\"ruleId\":", w->first ? "" : ",");
	w->first = false;
	gomem_json_write_string(fp, gomem_escape_kind_name(r->kind));
	fprintf(fp, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":", rule_index(r->kind),
		level(r->kind));
	gomem_json_write_string(fp, r->message);
	fputc('}', fp);
	write_location(fp, r);
	fprintf(fp, ",\"partialFingerprints\":{\"gomemEscapeIdentity/v2\":\"%016llx\"}",
		(unsigned long long)r->hash);
	if (change == GOMEM_ESCAPE_NEW)
		fputs(",\"baselineState\":\"new\"", fp);
	fputs(",\"properties\":{\"package\":", fp);
	gomem_json_write_string(fp, r->package);
	fputs(",\"expression\":", fp);
	gomem_json_write_string(fp, r->expression);
	fputs("}}", fp);
	return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
}

int gomem_escape_sarif_end(gomem_escape_sarif *w)
{
	int rc;

	if (w == NULL)
		return GOMEM_OK;
	fputs("]}]}\n", w->fp);
	rc = ferror(w->fp) ? GOMEM_E_IO : GOMEM_OK;
	free(w);
	return rc;
}

/* ---- annotated source ------------------------------------------------------ */

/* Every byte of annotate's output that comes from the input (paths, source
 * lines, compiler messages) goes through here: the people's text rule
 * (gomem_text_write) shows control characters as U+FFFD. */
static void annotate_text(FILE *fp, const char *s, size_t n)
{
	gomem_text_write(fp, s, n);
}

static void annotate_str(FILE *fp, const char *s)
{
	annotate_text(fp, s, strlen(s));
}

/* LEAD "// kind: message" after a source line (then "; kind: message"). */
static void annotate_note(FILE *fp, const gomem_escape_record *q, const char *lead, bool color)
{
	fprintf(fp, "%s%s%s: ", lead, color ? "\033[33m" : "", gomem_escape_kind_name(q->kind));
	annotate_str(fp, q->message);
	fputs(color ? "\033[0m" : "", fp);
}

/* Prints the lines of the source TEXT, each followed by the records
 * idx[i..j) on it; records past its last line come after it. */
static void annotate_file(FILE *fp, const char *text, size_t size, const gomem_escape_set *s, const size_t *idx,
			  size_t i, size_t j, bool color)
{
	const char *l = text, *end = text + size;
	gomem_escape_record q;
	size_t lineno = 0;

	while (l < end) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t len = nl ? (size_t)(nl - l) : (size_t)(end - l);
		bool first = true;

		lineno++;
		while (len && l[len - 1] == '\r')
			len--;
		fprintf(fp, "%6zu  ", lineno);
		/* tabs as one space each: the notes stay in one column */
		for (size_t k = 0, run; k < len; k += run) {
			const char *tab = memchr(l + k, '\t', len - k);

			run = tab ? (size_t)(tab - l - k) : len - k;
			annotate_text(fp, l + k, run);
			if (tab) {
				fputc(' ', fp);
				run++;
			}
		}
		while (i < j && gomem_escape_set_get(&q, s, idx[i]) == GOMEM_OK && q.line <= lineno) {
			annotate_note(fp, &q, first ? "    // " : "; ", color);
			first = false;
			i++;
		}
		fputc('\n', fp);
		l = nl ? nl + 1 : end;
	}
	for (; i < j && gomem_escape_set_get(&q, s, idx[i]) == GOMEM_OK; i++) {
		fprintf(fp, "%6u  ", q.line);
		annotate_note(fp, &q, "// ", color);
		fputc('\n', fp);
	}
}

/* The records idx[i..j) without their source. */
static void list_records(FILE *fp, const gomem_escape_set *s, const size_t *idx, size_t i, size_t j)
{
	gomem_escape_record q;

	for (; i < j; i++) {
		gomem_escape_set_get(&q, s, idx[i]);
		fprintf(fp, "%6u  ", q.line);
		annotate_note(fp, &q, "// ", false);
		fputc('\n', fp);
	}
}

int gomem_escape_annotate(FILE *fp, const gomem_escape_set *s, const gomem_escape_filter *f,
			  const gomem_escape_source_options *source, bool color,
			  void (*missing)(const char *path, const char *why, void *ctx), void *ctx)
{
	size_t total = gomem_escape_set_count(s), n = 0;
	size_t *idx = malloc((total ? total : 1) * sizeof(*idx));

	if (idx == NULL)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < total; i++)
		if (gomem_escape_filter_match(f, s, i))
			idx[n++] = i;
	/* the records are in path, line order: one run per file */
	for (size_t i = 0, j; i < n; i = j) {
		struct esc_source_file src;
		gomem_escape_record r, q;
		const char *why;
		int rc;

		gomem_escape_set_get(&r, s, idx[i]);
		for (j = i + 1; j < n && gomem_escape_set_get(&q, s, idx[j]) == GOMEM_OK && strcmp(q.path, r.path) == 0;)
			j++;
		fputs("==> ", fp);
		annotate_str(fp, r.path);
		fputs(" <==\n", fp);
		if ((rc = esc_source_load(&src, source, r.path, &why)) != GOMEM_OK) {
			if (rc == GOMEM_E_NOMEM) {
				free(idx);
				return rc;
			}
			if (missing)
				missing(r.path, why, ctx);
			list_records(fp, s, idx, i, j);
			continue;
		}
		annotate_file(fp, src.data, src.len, s, idx, i, j, color);
		esc_source_free(&src);
	}
	free(idx);
	return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
}

/* ---- reports: records as rows --------------------------------------------- */

/* Columns of one escape in machine formats; the text table shows a
 * location column instead. CHANGE (last) only for --diff. */
static const gomem_column record_columns[] = {
	{"kind", NULL, GOMEM_COL_TEXT, 0},
	{"package", NULL, GOMEM_COL_TEXT, 0},
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"function", NULL, GOMEM_COL_TEXT, 0},
	{"expression", NULL, GOMEM_COL_TEXT, 0},
	{"column", NULL, GOMEM_COL_COUNT, 0},
	{"path", NULL, GOMEM_COL_TEXT, 0},
	{"message", NULL, GOMEM_COL_TEXT, 0},
	{"test", NULL, GOMEM_COL_COUNT, 0},
	{"identity", NULL, GOMEM_COL_TEXT, 0},
	{"why", NULL, GOMEM_COL_TEXT, 0},
	{"change", NULL, GOMEM_COL_TEXT, 0},
};
#define NREC_COLS 13

static const gomem_column text_columns[] = {
	{"change", "", GOMEM_COL_TEXT, 0},
	{"location", NULL, GOMEM_COL_TEXT, 0},
	{"kind", NULL, GOMEM_COL_TEXT, 0},
	{"function", NULL, GOMEM_COL_TEXT, 0},
	{"expression", NULL, GOMEM_COL_TEXT, 0},
};

/* R's flow chain, a line a step, in B (reused record to record). */
static const char *why_text(gomem_buf *b, const gomem_escape_record *r)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
	for (size_t i = 0; i < r->nflow; i++) {
		if (i)
			gomem_buf_append(b, "\n", 1);
		gomem_buf_append(b, r->flow[i].text, strlen(r->flow[i].text));
	}
	return b->data ? b->data : "";
}

static const char *change_name(gomem_escape_change ch)
{
	return ch == GOMEM_ESCAPE_NEW ? "new" : ch == GOMEM_ESCAPE_REMOVED ? "removed" : "";
}

/* One list of records: the escapes of a report, the entries of a diff or the
 * offenders of the gate. */
struct list {
	const gomem_escape_set *set;   /* report/gate */
	const size_t *index;           /* indices into set */
	size_t n;
	const gomem_escape_diff *diff; /* diff entries instead */
	const char *mode;              /* the JSON member: "report", "gate" or "diff" */
};

static size_t list_count(const struct list *l)
{
	return l->n;
}

static int list_get(gomem_escape_record *r, gomem_escape_change *ch, const struct list *l, size_t i)
{
	*ch = 0;
	if (l->diff)
		return gomem_escape_diff_get(r, ch, l->diff, i);
	return gomem_escape_set_get(r, l->set, l->index[i]);
}

static int write_records(const struct list *l, const report_opts *o, FILE *fp, const char *title,
			 gomem_error *err)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	int text = o->format == GOMEM_FORMAT_TABLE;
	gomem_cell cells[NREC_COLS];
	gomem_buf why;
	char loc[4096];
	gomem_escape_record r;
	gomem_escape_change ch;
	gomem_table *t;
	size_t off = l->diff ? 0 : 1; /* the text table has no change column without --diff */
	int rc;

	gomem_buf_init(&why, SIZE_MAX);
	to.format = (gomem_format)o->format;
	to.color = text && o->color;
	to.schema = "gomem.escape/1";
	to.header = 1;
	if (text) {
		if (title)
			gomem_text_printf(fp, "%s\n", title); /* may name input files */
		if (list_count(l) == 0) {
			fprintf(fp, "  (none)\n");
			return GOMEM_OK;
		}
		rc = gomem_table_new(&t, l->diff ? text_columns : text_columns + 1, l->diff ? 5 : 4, fp, &to);
	} else {
		rc = gomem_table_new(&t, record_columns, NREC_COLS - (l->diff ? 0 : 1), fp, &to);
	}
	if (rc != GOMEM_OK)
		return rc;
	if (!text) {
		gomem_table_meta_string(t, "mode", l->mode);
		gomem_table_meta_int(t, "count", (int64_t)list_count(l));
		if (l->diff)
			gomem_table_meta_int(t, "unchanged", (int64_t)gomem_escape_diff_unchanged(l->diff));
	}
	for (size_t i = 0; i < list_count(l) && rc == GOMEM_OK; i++) {
		if ((rc = list_get(&r, &ch, l, i)) != GOMEM_OK)
			break;
		memset(cells, 0, sizeof(cells));
		if (text) {
			if (r.column)
				snprintf(loc, sizeof(loc), "%s:%u:%u", r.path, r.line, r.column);
			else
				snprintf(loc, sizeof(loc), "%s:%u", r.path, r.line);
			if (l->diff)
				cells[0 - off].s = ch == GOMEM_ESCAPE_NEW ? "+" : "-";
			cells[1 - off].s = loc;
			cells[2 - off].s = gomem_escape_kind_name(r.kind);
			cells[3 - off].s = r.function;
			cells[3 - off].null = !*r.function;
			cells[4 - off].s = r.expression;
			rc = gomem_table_row(t, cells);
			if (rc == GOMEM_OK && o->why && r.nflow) {
				/* the text table buffers rows: flow lines go in rows of their own */
				for (size_t k = 0; k < r.nflow && rc == GOMEM_OK; k++) {
					memset(cells, 0, sizeof(cells));
					snprintf(loc, sizeof(loc), "    %s", r.flow[k].text);
					cells[1 - off].s = loc;
					for (size_t j = 2; j < 5; j++)
						cells[j - off].s = "";
					if (l->diff)
						cells[0 - off].s = "";
					rc = gomem_table_row(t, cells);
				}
			}
			continue;
		}
		cells[0].s = gomem_escape_kind_name(r.kind);
		cells[1].s = r.package;
		cells[2].s = r.file;
		cells[3].i = r.line;
		cells[4].s = r.function;
		cells[4].null = !*r.function;
		cells[5].s = r.expression;
		cells[6].i = r.column;
		cells[6].null = r.column == 0;
		cells[7].s = r.path;
		cells[8].s = r.message;
		cells[9].i = (r.flags & GOMEM_ESCAPE_F_TEST) != 0;
		cells[10].s = r.identity;
		cells[11].s = why_text(&why, &r);
		cells[11].null = r.nflow == 0;
		cells[12].s = change_name(ch);
		rc = gomem_table_row(t, cells);
	}
	rc = gomem_table_close(t, rc, err);
	gomem_buf_free(&why);
	return rc;
}

/* ---- SARIF of a list -------------------------------------------------------- */

static int write_sarif(const struct list *l, FILE *fp)
{
	gomem_escape_sarif *w;
	gomem_escape_record r;
	gomem_escape_change ch;
	int rc;

	if ((rc = gomem_escape_sarif_begin(&w, fp)) != GOMEM_OK) {
		gomem_escape_sarif_end(w);
		return rc;
	}
	for (size_t i = 0; i < list_count(l) && rc == GOMEM_OK; i++)
		if ((rc = list_get(&r, &ch, l, i)) == GOMEM_OK)
			rc = gomem_escape_sarif_add(w, &r, (int)ch);
	if (gomem_escape_sarif_end(w) != GOMEM_OK && rc == GOMEM_OK)
		rc = GOMEM_E_IO;
	return rc;
}

static int write_list(const struct list *l, const report_opts *o, FILE *fp, const char *title,
		      gomem_error *err)
{
	if (o->format == GOMEM_ESCAPE_FORMAT_SARIF)
		return write_sarif(l, fp);
	return write_records(l, o, fp, title, err);
}

/* ---- the report ---------------------------------------------------------- */

static bool any_function(const gomem_escape_group *gr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (*gr[i].function)
			return true;
	return false;
}

static int write_groups(const gomem_escape_set *s, const report_opts *o, FILE *fp, gomem_error *err)
{
	static const struct {
		gomem_escape_group_by by;
		const char *title, *col;
	} groups[] = {
		{GOMEM_ESCAPE_BY_KIND, "By kind", "kind"},
		{GOMEM_ESCAPE_BY_PACKAGE, "By package", "package"},
		{GOMEM_ESCAPE_BY_FILE, "By file", "file"},
		{GOMEM_ESCAPE_BY_FUNCTION, "Top functions", "function"},
	};
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	int rc = GOMEM_OK;

	to.color = o->color;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]) && rc == GOMEM_OK; g++) {
		gomem_column cols[3] = {
			{groups[g].col, NULL, GOMEM_COL_TEXT, 0},
			{"count", NULL, GOMEM_COL_COUNT, 0},
			{"heap", NULL, GOMEM_COL_COUNT, 0},
		};
		gomem_escape_group *gr = NULL;
		gomem_cell cells[3];
		gomem_table *t;
		size_t n = 0, shown;

		if ((rc = gomem_escape_groups(&gr, &n, s, groups[g].by, o->filter)) != GOMEM_OK) {
			gomem_error_set(err, rc, "grouping: %s", gomem_strerror(rc));
			break;
		}
		shown = o->top && o->top < n ? o->top : n;
		if (!o->all)
			cols[2].flags |= GOMEM_COL_MACHINE_ONLY;
		fprintf(fp, "%s%s\n", g ? "\n" : "", groups[g].title);
		rc = gomem_table_new(&t, cols, 3, fp, &to);
		for (size_t i = 0; i < shown && rc == GOMEM_OK; i++) {
			memset(cells, 0, sizeof(cells));
			cells[0].s = gr[i].key;
			cells[1].i = (int64_t)gr[i].count;
			cells[2].i = (int64_t)gr[i].heap;
			rc = gomem_table_row(t, cells);
		}
		rc = gomem_table_close(t, rc, err);
		if (rc == GOMEM_OK && shown < n)
			fprintf(fp, "(%zu of %zu rows; --top 0 shows all)\n", shown, n);
		if (rc == GOMEM_OK && groups[g].by == GOMEM_ESCAPE_BY_FUNCTION && n && !any_function(gr, n))
			fputs("(no function names: the compiler does not print them; --source-dir reads them\n"
			      "from the sources the input was built from)\n", fp);
		gomem_escape_groups_free(gr);
	}
	return rc;
}

/* ---- the public calls ---------------------------------------------------- */

static bool options_ok(const report_opts *o)
{
	return o && o->version == GOMEM_ESCAPE_REPORT_OPTIONS_VERSION;
}

int gomem_escape_set_write(FILE *fp, const gomem_escape_set *s, const char *name, const report_opts *o,
			   gomem_error *err)
{
	struct list l = {s, NULL, 0, NULL, "report"};
	size_t *idx;
	int rc;

	if (!options_ok(o))
		return GOMEM_E_INVALID;
	if ((rc = gomem_escape_filter_indices(&idx, &l.n, s, o->filter)) != GOMEM_OK)
		return rc;
	l.index = idx;
	if (o->format == GOMEM_FORMAT_TABLE) {
		gomem_text_printf(fp, "%zu %s in %s", l.n, o->all ? "diagnostics" : "heap escapes", name ? name : "go build");
		if (gomem_escape_set_duplicates(s))
			fprintf(fp, " (%llu duplicate lines dropped)",
				(unsigned long long)gomem_escape_set_duplicates(s));
		fputs("\n\n", fp);
		rc = write_groups(s, o, fp, err);
		if (rc == GOMEM_OK) {
			fputc('\n', fp);
			rc = write_records(&l, o, fp, o->all ? "Diagnostics" : "Escapes", err);
		}
	} else {
		rc = write_list(&l, o, fp, NULL, err);
	}
	free(idx);
	return rc;
}

int gomem_escape_diff_write(FILE *fp, const gomem_escape_diff *d, const char *old_name,
			    const char *new_name, const report_opts *o, gomem_error *err)
{
	struct list l = {NULL, NULL, gomem_escape_diff_count(d), d, "diff"};
	char title[512];

	if (!options_ok(o))
		return GOMEM_E_INVALID;
	snprintf(title, sizeof(title), "%zu changed (%zu unchanged): %s -> %s",
		 l.n, gomem_escape_diff_unchanged(d), old_name, new_name);
	return write_list(&l, o, fp, title, err);
}

int gomem_escape_gate_write(FILE *fp, const gomem_escape_set *s, const size_t *offenders, size_t n,
			    const gomem_escape_baseline *b, const char *baseline_name, const report_opts *o,
			    gomem_error *err)
{
	/* With no offender (OFFENDERS NULL) the JSON "mode" has always read
	 * "report"; the output is kept as `gomem escape` wrote it before. */
	struct list l = {s, offenders, n, NULL, offenders ? "gate" : "report"};
	char title[PATH_MAX + 128];

	if (!options_ok(o))
		return GOMEM_E_INVALID;
	snprintf(title, sizeof(title), "%zu heap escapes not in the baseline %s (%zu in it)",
		 n, baseline_name, gomem_escape_baseline_count(b));
	return write_list(&l, o, fp, title, err);
}
