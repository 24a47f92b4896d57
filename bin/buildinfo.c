/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-buildinfo — what `go version -m` prints about a Go binary (Go
 * version, main package and module, dependencies, build settings), without
 * Go installed; or the same as rows or JSON. The reading is libgomem's. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

static const cli_option options[] = {
	{"format", 0, "FMT", OPT_FORMAT, "text (default: the layout of `go version -m`), table,\n"
					 "csv, tsv, json or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	CLI_OPTION_BINARY_MAX_INPUT,
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"buildinfo", "[OPTION]... BINARY...",
	"Print the build information embedded in Go binaries: the Go version, the main\n"
	"package and module, the dependencies and the build settings, as `go version -m`\n"
	"prints them, or as rows (kind, name, value, sum, replacement) or JSON.",
	options,
	"Exit status: 0 success, 2 trouble (a file that is not a Go binary, a file or\n"
	"section over --max-input, bad usage).\n"
	"Example: gomem buildinfo --format json ./server\n"
	"See gomem-buildinfo(1).\n"
};

struct config {
	int text, no_color;
	gomem_format format;
	const char *output;
	gomem_binary_options bin;
};

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;

	switch (id) {
	case OPT_FORMAT:
		c->text = strcmp(arg, "text") == 0;
		if (!c->text && gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return cli_usage_error(&tool, "--format: '%s' is not text, table, csv, tsv, json "
						      "or ndjson", arg);
		break;
	case OPT_OUTPUT: c->output = arg; break;
	case OPT_NO_COLOR: c->no_color = 1; break;
	default: {
		int st = cli_binary_option(&tool, &c->bin, id, arg);

		return st == CLI_NOT_INPUT_OPTION ? EXIT_TROUBLE : st;
	}
	}
	return EXIT_OK;
}

/* ---- JSON: the nested document (gomem.buildinfo/1) ------------------------ */

static void json_member(FILE *fp, const char *key, const char *value, int comma)
{
	fprintf(fp, "%s\"%s\":", comma ? "," : "", key);
	gomem_json_write_string(fp, value);
}

static void json_module(FILE *fp, const gomem_buildinfo_module *m)
{
	fputc('{', fp);
	json_member(fp, "path", m->path, 0);
	json_member(fp, "version", m->version, 1);
	json_member(fp, "sum", m->sum, 1);
	if (m->replace) {
		fputs(",\"replace\":", fp);
		json_module(fp, m->replace);
	}
	fputc('}', fp);
}

static void write_json(FILE *fp, const char *file, const gomem_buildinfo *bi)
{
	fputs("{\"schema\":\"gomem.buildinfo/1\"", fp);
	json_member(fp, "file", file, 1);
	json_member(fp, "go_version", bi->go_version, 1);
	json_member(fp, "path", bi->path, 1);
	fputs(",\"main\":", fp);
	if (bi->has_main)
		json_module(fp, &bi->main);
	else
		fputs("null", fp);
	fputs(",\"deps\":[", fp);
	for (size_t i = 0; i < bi->ndeps; i++) {
		if (i)
			fputc(',', fp);
		json_module(fp, &bi->deps[i]);
	}
	fputs("],\"settings\":{", fp);
	for (size_t i = 0; i < bi->nsettings; i++) {
		if (i)
			fputc(',', fp);
		gomem_json_write_string(fp, bi->settings[i].key);
		fputc(':', fp);
		gomem_json_write_string(fp, bi->settings[i].value);
	}
	fputs("}}\n", fp);
}

/* ---- rows ----------------------------------------------------------------- */

static const gomem_column columns[] = {
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"kind", NULL, GOMEM_COL_TEXT, 0},
	{"name", NULL, GOMEM_COL_TEXT, 0},
	{"value", NULL, GOMEM_COL_TEXT, 0},
	{"sum", NULL, GOMEM_COL_TEXT, 0},
	{"replace_path", "replaced by", GOMEM_COL_TEXT, 0},
	{"replace_version", "version", GOMEM_COL_TEXT, 0},
};

static int row(gomem_table *t, const char *file, const char *kind, const char *name,
	       const char *value, const gomem_buildinfo_module *m)
{
	gomem_cell cells[7] = {{0}};

	cells[0].s = file;
	cells[1].s = kind;
	cells[2].s = name;
	cells[3].s = value;
	cells[4].s = m ? m->sum : NULL;
	cells[4].null = cells[4].s == NULL;
	cells[5].s = m && m->replace ? m->replace->path : NULL;
	cells[5].null = cells[5].s == NULL;
	cells[6].s = m && m->replace ? m->replace->version : NULL;
	cells[6].null = cells[6].s == NULL;
	return gomem_table_row(t, cells);
}

static int write_rows(gomem_table *t, const char *file, const gomem_buildinfo *bi)
{
	int rc = row(t, file, "go", "go", bi->go_version, NULL);

	if (rc == GOMEM_OK && bi->path[0])
		rc = row(t, file, "path", "path", bi->path, NULL);
	if (rc == GOMEM_OK && bi->has_main)
		rc = row(t, file, "mod", bi->main.path, bi->main.version, &bi->main);
	for (size_t i = 0; rc == GOMEM_OK && i < bi->ndeps; i++)
		rc = row(t, file, "dep", bi->deps[i].path, bi->deps[i].version, &bi->deps[i]);
	for (size_t i = 0; rc == GOMEM_OK && i < bi->nsettings; i++)
		rc = row(t, file, "build", bi->settings[i].key, bi->settings[i].value, NULL);
	return rc;
}

/* ---- main ----------------------------------------------------------------- */

/* Build info needs no DWARF: none is read, however big it is. */
static int load(gomem_buildinfo **bi, const char *path, const gomem_binary_options *opts)
{
	gomem_binary *bin = NULL;
	gomem_error err = {0};

	if (gomem_binary_open_ext(&bin, path, opts, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	if (gomem_buildinfo_read(bi, bin) != GOMEM_OK) {
		cli_error_detail(gomem_binary_error(bin));
		gomem_binary_free(bin);
		return EXIT_TROUBLE;
	}
	gomem_binary_free(bin);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct config c = {1, 0, GOMEM_FORMAT_TABLE, NULL, GOMEM_BINARY_OPTIONS_INIT};
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t = NULL;
	int status = EXIT_OK;
	FILE *fp;

	cli_set_name("gomem buildinfo");
	if ((status = cli_parse(&tool, argc, argv, parse_option, &c)) != EXIT_OK)
		return status;
	if (optind >= argc)
		return cli_usage_error(&tool, "%s", "no BINARY given");
	fp = cli_open_output(c.output);
	to.format = c.format;
	to.color = cli_use_color(fp, c.no_color);
	to.schema = "gomem.buildinfo/1";
	if (!c.text && c.format != GOMEM_FORMAT_JSON &&
	    gomem_table_new(&t, columns, sizeof(columns) / sizeof(columns[0]), fp, &to) != GOMEM_OK) {
		cli_errorf("%s", "out of memory");
		return EXIT_TROUBLE;
	}
	for (int i = optind; i < argc; i++) {
		gomem_buildinfo *bi = NULL;

		if (load(&bi, argv[i], &c.bin) != EXIT_OK) {
			status = EXIT_TROUBLE;
			continue;
		}
		if (c.text)
			gomem_buildinfo_write_text(bi, argv[i], fp);
		else if (c.format == GOMEM_FORMAT_JSON)
			write_json(fp, argv[i], bi);
		else if (write_rows(t, argv[i], bi) != GOMEM_OK)
			status = EXIT_TROUBLE;
		gomem_buildinfo_free(bi);
	}
	if (t != NULL) {
		if (gomem_table_end(t) != GOMEM_OK) {
			cli_error_detail(gomem_table_error(t));
			status = EXIT_TROUBLE;
		}
		gomem_table_free(t);
	}
	if (cli_close_output(fp, c.output) != EXIT_OK)
		status = EXIT_TROUBLE;
	return status;
}
