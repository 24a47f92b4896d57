/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-allocsim — replays an allocation stream through libgomem's model of
 * the Go allocator and prints what runtime/metrics would say about the heap
 * and how many spans each size class holds. The model is alloc.c; this file
 * parses options, opens the stream and prints. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum { OPT_GO = OPT_TOOL_BASE };

static const cli_option options[] = {
	{"go", 0, "VERSION", OPT_GO, "the Go release to model (1.19 or later), or a Go binary\n"
				     "built with it (default: the newest known)"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"max-input", 0, "SIZE", OPT_MAX_INPUT, "refuse a stream larger than SIZE decompressed\n"
					       "(default: no limit; the stream is not held)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"allocsim", "[OPTION]... [STREAM]",
	"Replay an allocation stream through a model of the Go allocator (mheap, spans,\n"
	"mcentral lists, one P's mcache, the tiny allocator, large spans, sweeping) and\n"
	"print what runtime/metrics' /memory/classes/heap metrics would read and the\n"
	"spans per size class. STREAM may be gzip; '-' or none is standard input. One\n"
	"event a line: 'a ID SIZE scan|noscan', 'f ID' (now garbage), 'gc'; '#' comments.",
	options,
	"Exit status: 0 success, 2 trouble (a stream that cannot be read or has a bad\n"
	"line, bad usage).\n"
	"Example: gomem allocsim --go 1.22 tests/data/alloc/mixed.stream.gz\n"
	"See gomem-allocsim(1) for what the model knows and what it cannot.\n"
};

struct config {
	const gomem_sizeclass_table *t;
	gomem_format format;
	const char *output;
	int no_color;
	gomem_source_options source;
	const char *stream;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	int minor, st;
	uint64_t size;

	switch (id) {
	case OPT_GO:
		if ((st = cli_go_option(&tool, arg, &minor)) != EXIT_OK)
			return st;
		c->t = gomem_sizeclass_for(minor);
		if (!c->t)
			return usage_error("--go: %s is older than Go 1.19, which the tables start at", arg);
		break;
	case OPT_FORMAT:
		if (gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return usage_error("--format: '%s' is not table, csv, tsv, json or ndjson", arg);
		break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	case OPT_MAX_INPUT:
		if (gomem_parse_size(&size, arg) || size == 0)
			return usage_error("--max-input: '%s' is not a size", arg);
		c->source.max_input = size;
		break;
	default: return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static int replay(gomem_alloc_model *m, const struct config *c)
{
	gomem_source *src = NULL;
	gomem_error err = {0};
	int rc = gomem_source_open(&src, c->stream, &c->source, &err);
	if (rc == GOMEM_OK)
		rc = gomem_alloc_replay(m, src, NULL, 0, NULL, &err);
	gomem_source_free(src);
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

/* ---- JSON: the whole result in one document ------------------------------ */

static void json_u64(FILE *fp, const char *key, uint64_t v, int *first)
{
	fprintf(fp, "%s\n\"%s\":%" PRIu64, *first ? "" : ",", key, v);
	*first = 0;
}

static int print_json(const gomem_alloc_model *m, FILE *fp)
{
	gomem_alloc_stats st;
	int first = 0;
	gomem_alloc_model_stats(m, &st);
	fputs("{\"schema\":\"gomem.allocsim/1\",\"go\":", fp);
	gomem_json_write_string(fp, gomem_sizeclass_release(gomem_alloc_model_table(m)));
	json_u64(fp, "events", st.allocs + st.frees + st.gcs, &first);
	json_u64(fp, "allocs", st.allocs, &first);
	json_u64(fp, "frees", st.frees, &first);
	json_u64(fp, "gcs", st.gcs, &first);
	json_u64(fp, "live_objects", st.live_objects, &first);
	json_u64(fp, "heap_objects", st.heap_objects, &first);
	json_u64(fp, "heap_objects_bytes", st.heap_objects_bytes, &first);
	json_u64(fp, "heap_unused_bytes", st.heap_unused_bytes, &first);
	json_u64(fp, "heap_free_bytes", st.heap_free_bytes, &first);
	json_u64(fp, "heap_released_bytes", st.heap_released_bytes, &first);
	json_u64(fp, "heap_inuse_bytes", st.heap_inuse_bytes, &first);
	json_u64(fp, "heap_mapped_bytes", st.heap_mapped_bytes, &first);
	fputs(",\n\"spans\":{", fp);
	int n = gomem_sizeclass_count(gomem_alloc_model_table(m)), any = 0;
	for (int cls = 0; cls < n; cls++) {
		gomem_alloc_class_stats cs;
		gomem_alloc_model_class_stats(m, cls, &cs);
		if (!cs.spans)
			continue;
		fprintf(fp, "%s\"%d\":%" PRIu64, any ? "," : "", cls, cs.spans);
		any = 1;
	}
	fputs("},\n\"classes\":[", fp);
	any = 0;
	for (int cls = 0; cls < n; cls++) {
		gomem_alloc_class_stats cs;
		gomem_alloc_model_class_stats(m, cls, &cs);
		if (!cs.spans)
			continue;
		fprintf(fp, "%s\n{\"class\":%d,\"bytes\":%" PRIu32 ",\"spans\":%" PRIu64
			",\"span_bytes\":%" PRIu64 ",\"objects\":%" PRIu64 ",\"object_bytes\":%" PRIu64 "}",
			any ? "," : "", cls, cs.elem_size, cs.spans, cs.span_bytes, cs.objects, cs.object_bytes);
		any = 1;
	}
	fputs("\n]}\n", fp);
	return ferror(fp) ? EXIT_TROUBLE : EXIT_OK;
}

/* ---- the tables: the heap figures, then the classes ---------------------- */

static const gomem_column metric_cols[] = {
	{"metric", NULL, GOMEM_COL_TEXT, 0},
	{"value", NULL, GOMEM_COL_BYTES, 0},
	{"bytes", NULL, GOMEM_COL_COUNT, 0},
};

static const gomem_column class_cols[] = {
	{"class", NULL, GOMEM_COL_COUNT, 0},
	{"bytes", "size", GOMEM_COL_COUNT, 0},
	{"spans", NULL, GOMEM_COL_COUNT, 0},
	{"span_bytes", "span bytes", GOMEM_COL_BYTES, 0},
	{"objects", NULL, GOMEM_COL_COUNT, 0},
	{"object_bytes", "object bytes", GOMEM_COL_BYTES, 0},
	{"unused_bytes", "unused", GOMEM_COL_BYTES, 0},
};

static int table_finish(gomem_table *tb, int rc)
{
	if (rc == GOMEM_OK)
		rc = gomem_table_end(tb);
	if (rc != GOMEM_OK)
		cli_error_detail(gomem_table_error(tb));
	gomem_table_free(tb);
	return rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
}

static int print_metrics(const gomem_alloc_model *m, FILE *fp, const gomem_table_options *o)
{
	gomem_alloc_stats st;
	gomem_table *tb;
	gomem_alloc_model_stats(m, &st);
	if (gomem_table_new(&tb, metric_cols, sizeof(metric_cols) / sizeof(metric_cols[0]), fp, o))
		return EXIT_TROUBLE;
	const struct {
		const char *name;
		uint64_t v;
	} rows[] = {
		{"/memory/classes/heap/objects:bytes", st.heap_objects_bytes},
		{"/memory/classes/heap/unused:bytes", st.heap_unused_bytes},
		{"/memory/classes/heap/free:bytes", st.heap_free_bytes},
		{"/memory/classes/heap/released:bytes", st.heap_released_bytes},
		{"HeapInuse (objects + unused)", st.heap_inuse_bytes},
	};
	int rc = GOMEM_OK;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && rc == GOMEM_OK; i++) {
		gomem_cell cells[] = {{.s = rows[i].name}, {.i = (int64_t)rows[i].v}, {.i = (int64_t)rows[i].v}};
		rc = gomem_table_row(tb, cells);
	}
	return table_finish(tb, rc);
}

static int print_classes(const gomem_alloc_model *m, FILE *fp, const gomem_table_options *o)
{
	gomem_table *tb;
	if (gomem_table_new(&tb, class_cols, sizeof(class_cols) / sizeof(class_cols[0]), fp, o))
		return EXIT_TROUBLE;
	int rc = GOMEM_OK, n = gomem_sizeclass_count(gomem_alloc_model_table(m));
	for (int cls = 0; cls < n && rc == GOMEM_OK; cls++) {
		gomem_alloc_class_stats cs;
		gomem_alloc_model_class_stats(m, cls, &cs);
		if (!cs.spans)
			continue;
		gomem_cell cells[] = {
			{.i = cls}, {.i = cs.elem_size, .null = cls == 0}, {.i = (int64_t)cs.spans},
			{.i = (int64_t)cs.span_bytes}, {.i = (int64_t)cs.objects},
			{.i = (int64_t)cs.object_bytes}, {.i = (int64_t)(cs.span_bytes - cs.object_bytes)},
		};
		rc = gomem_table_row(tb, cells);
	}
	return table_finish(tb, rc);
}

static int print_result(const gomem_alloc_model *m, const struct config *c, FILE *fp)
{
	if (c->format == GOMEM_FORMAT_JSON)
		return print_json(m, fp);
	gomem_table_options o = GOMEM_TABLE_OPTIONS_INIT;
	o.format = c->format;
	o.color = cli_use_color(fp, c->no_color);
	if (c->format != GOMEM_FORMAT_TABLE) /* the machine formats: one row per class */
		return print_classes(m, fp, &o);
	fprintf(fp, "%s, %s\n\n", gomem_sizeclass_release(gomem_alloc_model_table(m)),
		c->stream);
	int status = print_metrics(m, fp, &o);
	if (status == EXIT_OK) {
		fputc('\n', fp);
		status = print_classes(m, fp, &o);
	}
	return status;
}

int main(int argc, char **argv)
{
	struct config c = {0};
	gomem_source_options sdefaults = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_alloc_model *m = NULL;
	int status;

	cli_set_name("gomem allocsim");
	c.t = gomem_sizeclass_for(gomem_sizeclass_newest());
	c.source = sdefaults;
	c.source.max_input = UINT64_MAX; /* a stream is replayed as it comes, never held */
	if ((status = cli_parse(&tool, argc, argv, parse_option, &c)) != EXIT_OK)
		return status;
	if (argc - optind > 1)
		return usage_error("%s", "too many operands: one STREAM");
	c.stream = optind < argc ? argv[optind] : "-";
	if (gomem_alloc_model_new(&m, c.t) != GOMEM_OK) {
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	status = replay(m, &c);
	if (status == EXIT_OK) {
		FILE *fp = cli_open_output(c.output);
		status = print_result(m, &c, fp);
		if (cli_close_output(fp, c.output) != 0)
			status = EXIT_TROUBLE;
	}
	gomem_alloc_model_free(m);
	return status;
}
