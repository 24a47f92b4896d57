/* SPDX-License-Identifier: Apache-2.0 */
/* escape_output.c — escape records for other tools: a SARIF 2.1.0 log for
 * code-scanning dashboards, and the source annotated with its escapes, as
 * an editor shows them. */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "escape/escape-internal.h"

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
