/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-layout — the struct layouts of a compiled Go binary: each field's
 * offset, size, alignment and padding, what one object costs in its size
 * class, and the better field order fieldalignment would propose; or every
 * struct of the binary ranked by the bytes that order saves. The reading and
 * the arithmetic are libgomem's; this file selects, sorts and prints. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

enum { OPT_ALL = OPT_TOOL_BASE, OPT_GO_VERSION };

static const cli_option options[] = {
	{"all", 'a', NULL, OPT_ALL, "rank every struct (or every one TYPE-REGEX matches) by the\n"
				    "bytes the better field order saves"},
	{"go-version", 0, "VERSION", OPT_GO_VERSION, "size classes of this Go release (1.19 .. 1.23)\n"
						     "instead of the binary's own"},
	CLI_OPTION_DEBUG_DIR,
	CLI_OPTION_BINARY_MAX_INPUT,
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"layout", "[OPTION]... BINARY [TYPE-REGEX]\n       gomem layout --all [OPTION]... BINARY [TYPE-REGEX]",
	"Show the memory layout of the struct types of a Go binary, read from its DWARF\n"
	"(no source, no Go toolchain): each field's offset, size, alignment and the\n"
	"padding after it; the struct's size and the bytes its size class costs; and\n"
	"a better field order (fieldalignment's) with its size, size class and GC\n"
	"pointer bytes. DWARF split off the binary is found by build ID or\n"
	".gnu_debuglink. TYPE-REGEX is a POSIX extended regular expression matched\n"
	"against package-qualified names (net/http.Request); anchor it with ^...$.",
	options,
	"Exit status: 0 success, 2 trouble (not ELF, no Go DWARF, corrupt DWARF, a\n"
	"section over --max-input, no struct matches, bad usage).\n"
	"Example: gomem layout ./server '^main\\.'\n"
	"See gomem-layout(1) for the columns and the JSON schema.\n"
};

struct config {
	int all, no_color;
	gomem_format format;
	gomem_binary_options bin;
	const char *go_version, *output, *binary, *pattern;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;

	switch (id) {
	case OPT_ALL: c->all = 1; break;
	case OPT_GO_VERSION: {
		int minor;

		if (gomem_go_version_minor(arg, &minor) != GOMEM_OK || gomem_sizeclass_for(minor) == NULL)
			return usage_error("--go-version: '%s' is not a Go release from 1.19 on", arg);
		c->go_version = arg;
		break;
	}
	case OPT_FORMAT:
		if (gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return usage_error("--format: '%s' is not table, csv, tsv, json or ndjson", arg);
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

static int parse_args(struct config *c, int argc, char **argv)
{
	int rc = cli_parse(&tool, argc, argv, parse_option, c);

	if (rc != EXIT_OK)
		return rc;
	if (argc - optind < 1)
		return usage_error("%s", "a BINARY is needed");
	if (argc - optind > 2)
		return usage_error("%s", "too many operands: BINARY [TYPE-REGEX]");
	c->binary = argv[optind];
	c->pattern = argc - optind == 2 ? argv[optind + 1] : NULL;
	if (!c->pattern && !c->all)
		return usage_error("%s", "give a TYPE-REGEX, or --all for every struct");
	return EXIT_OK;
}

/* ---- which structs, in which order ------------------------------------------------- */

static uint64_t saved(const gomem_layout_struct *s)
{
	return s->size - s->optimal_size;
}

static uint64_t class_saved(const gomem_layout_struct *s)
{
	return s->class_size > s->optimal_class_size ? s->class_size - s->optimal_class_size : 0;
}

/* --all: most bytes saved first, then most size-class bytes, then by name. */
static int by_savings(const void *a, const void *b)
{
	const gomem_layout_struct *x = *(const gomem_layout_struct *const *)a;
	const gomem_layout_struct *y = *(const gomem_layout_struct *const *)b;

	if (saved(x) != saved(y))
		return saved(x) > saved(y) ? -1 : 1;
	if (class_saved(x) != class_saved(y))
		return class_saved(x) > class_saved(y) ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The structs to print: those PATTERN matches (all without one), in DWARF
 * order, or ranked with --all. */
static int select_structs(const gomem_layout_struct ***out, size_t *n, const gomem_layout *l,
			  const struct config *c)
{
	const gomem_layout_struct **v;
	regex_t re;
	int rc;

	*n = 0;
	if (c->pattern && (rc = regcomp(&re, c->pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
		char msg[128];

		regerror(rc, &re, msg, sizeof(msg));
		return usage_error("TYPE-REGEX '%s': %s", c->pattern, msg);
	}
	if ((v = calloc(gomem_layout_count(l) + 1, sizeof(*v))) == NULL) {
		if (c->pattern)
			regfree(&re);
		cli_errorf("out of memory");
		return EXIT_TROUBLE;
	}
	for (size_t i = 0; i < gomem_layout_count(l); i++) {
		const gomem_layout_struct *s = gomem_layout_get(l, i);

		if (!c->pattern || regexec(&re, s->name, 0, NULL, 0) == 0)
			v[(*n)++] = s;
	}
	if (c->pattern)
		regfree(&re);
	if (c->all)
		qsort(v, *n, sizeof(*v), by_savings);
	*out = v;
	return EXIT_OK;
}

/* ---- JSON: the nested document ------------------------------------------------------ */

static void json_class(FILE *fp, const char *key, uint64_t v, const gomem_layout *l)
{
	if (gomem_layout_class_release(l)[0])
		fprintf(fp, ",\"%s\":%llu", key, (unsigned long long)v);
	else
		fprintf(fp, ",\"%s\":null", key);
}

static void json_field(FILE *fp, const gomem_layout_field *f)
{
	fputs("{\"name\":", fp);
	gomem_json_write_string(fp, f->name);
	fputs(",\"type\":", fp);
	gomem_json_write_string(fp, f->type_name);
	fprintf(fp, ",\"offset\":%llu,\"size\":%llu,\"align\":%llu,\"padding\":%llu,"
		    "\"ptr_bytes\":%llu,\"embedded\":%s}",
		(unsigned long long)f->offset, (unsigned long long)f->size,
		(unsigned long long)f->align, (unsigned long long)f->padding,
		(unsigned long long)f->ptrdata, f->embedded ? "true" : "false");
}

static void json_struct(FILE *fp, const gomem_layout_struct *s, const gomem_layout *l)
{
	fputs("{\"type\":", fp);
	gomem_json_write_string(fp, s->name);
	fprintf(fp, ",\"size\":%llu,\"align\":%llu,\"padding\":%llu,\"ptr_bytes\":%llu",
		(unsigned long long)s->size, (unsigned long long)s->align,
		(unsigned long long)s->padding, (unsigned long long)s->ptrdata);
	json_class(fp, "class_size", s->class_size, l);
	fprintf(fp, ",\"waste\":%llu", (unsigned long long)s->waste);
	fprintf(fp, ",\"optimal_size\":%llu,\"optimal_ptr_bytes\":%llu",
		(unsigned long long)s->optimal_size, (unsigned long long)s->optimal_ptrdata);
	json_class(fp, "optimal_class_size", s->optimal_class_size, l);
	fprintf(fp, ",\"runtime_checked\":%s,\"optimal_order\":[", s->runtime_checked ? "true" : "false");
	for (size_t i = 0; i < s->nfields; i++) {
		if (i)
			fputc(',', fp);
		gomem_json_write_string(fp, s->fields[s->optimal_order[i]].name);
	}
	fputs("],\"fields\":[", fp);
	for (size_t i = 0; i < s->nfields; i++) {
		if (i)
			fputc(',', fp);
		json_field(fp, &s->fields[i]);
	}
	fputs("]}", fp);
}

static int print_json(FILE *fp, const gomem_layout_struct **v, size_t n, const gomem_layout *l,
		      const struct config *c)
{
	fputs("{\"schema\":\"gomem.layout/1\",\"binary\":", fp);
	gomem_json_write_string(fp, c->binary);
	fputs(",\"go_version\":", fp);
	gomem_json_write_string(fp, gomem_layout_go_version(l));
	fputs(",\"size_classes\":", fp);
	if (gomem_layout_class_release(l)[0])
		gomem_json_write_string(fp, gomem_layout_class_release(l));
	else
		fputs("null", fp);
	fputs(",\n\"rows\":[", fp);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", fp);
		json_struct(fp, v[i], l);
	}
	fputs("\n]}\n", fp);
	return ferror(fp) ? EXIT_TROUBLE : EXIT_OK;
}

/* ---- tables ------------------------------------------------------------------------ */

static gomem_cell count_cell(uint64_t v)
{
	gomem_cell cell = {0};

	cell.i = (int64_t)v;
	return cell;
}

static gomem_cell text_cell(const char *s)
{
	gomem_cell cell = {0};

	cell.s = s;
	return cell;
}

static gomem_cell class_cell(uint64_t v, const gomem_layout *l)
{
	gomem_cell cell = count_cell(v);

	cell.null = gomem_layout_class_release(l)[0] == '\0';
	return cell;
}

static const gomem_column rank_columns[] = {
	{"type", NULL, GOMEM_COL_TEXT, 0},
	{"size", NULL, GOMEM_COL_COUNT, 0},
	{"align", NULL, GOMEM_COL_COUNT, 0},
	{"fields", NULL, GOMEM_COL_COUNT, 0},
	{"optimal_size", "optimal", GOMEM_COL_COUNT, 0},
	{"saved", NULL, GOMEM_COL_COUNT, 0},
	{"class_size", "class", GOMEM_COL_COUNT, 0},
	{"optimal_class_size", "opt.class", GOMEM_COL_COUNT, 0},
	{"class_saved", "class saved", GOMEM_COL_COUNT, 0},
	{"ptr_bytes", "ptr bytes", GOMEM_COL_COUNT, 0},
	{"optimal_ptr_bytes", "opt.ptr", GOMEM_COL_COUNT, 0},
};

/* The text table shows at most this many bytes of a name: anonymous
 * structs are named by their whole definition. */
#define TEXT_NAME_MAX 60

/* NAME, cut to TEXT_NAME_MAX bytes (on a UTF-8 boundary) with "..." when it
 * is longer and the output is the text table. */
static const char *shown_name(char *buf, size_t size, const char *name, gomem_format format)
{
	size_t n = strlen(name);

	if (format != GOMEM_FORMAT_TABLE || n <= TEXT_NAME_MAX || size < TEXT_NAME_MAX + 4)
		return name;
	n = TEXT_NAME_MAX - 3;
	while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, name, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

static int rank_row(gomem_table *t, const gomem_layout_struct *s, const gomem_layout *l,
		    gomem_format format)
{
	char buf[TEXT_NAME_MAX + 4];
	gomem_cell cells[] = {
		text_cell(shown_name(buf, sizeof(buf), s->name, format)), count_cell(s->size), count_cell(s->align),
		count_cell(s->nfields), count_cell(s->optimal_size),
		count_cell(saved(s)), class_cell(s->class_size, l),
		class_cell(s->optimal_class_size, l), class_cell(class_saved(s), l),
		count_cell(s->ptrdata), count_cell(s->optimal_ptrdata),
	};

	return gomem_table_row(t, cells);
}

/* One row per field for CSV, TSV and NDJSON; the text table has its own. */
static const gomem_column field_columns[] = {
	{"type", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
	{"offset", NULL, GOMEM_COL_COUNT, 0},
	{"size", NULL, GOMEM_COL_COUNT, 0},
	{"align", NULL, GOMEM_COL_COUNT, 0},
	{"padding", NULL, GOMEM_COL_COUNT, 0},
	{"ptr_bytes", "ptr bytes", GOMEM_COL_COUNT, 0},
	{"field", NULL, GOMEM_COL_TEXT, 0},
	{"field_type", "type", GOMEM_COL_TEXT, 0},
	{"optimal_position", "better", GOMEM_COL_COUNT, 0},
};

/* Where each field goes in the better order (1-based), for the table. */
static size_t optimal_position(const gomem_layout_struct *s, size_t field)
{
	for (size_t k = 0; k < s->nfields; k++)
		if (s->optimal_order[k] == field)
			return k + 1;
	return 0;
}

static int field_rows(gomem_table *t, const gomem_layout_struct *s)
{
	int rc = GOMEM_OK;

	for (size_t i = 0; i < s->nfields && rc == GOMEM_OK; i++) {
		const gomem_layout_field *f = &s->fields[i];
		gomem_cell cells[] = {
			text_cell(s->name), count_cell(f->offset), count_cell(f->size),
			count_cell(f->align), count_cell(f->padding), count_cell(f->ptrdata),
			text_cell(f->name), text_cell(f->type_name),
			count_cell(optimal_position(s, i)),
		};

		rc = gomem_table_row(t, cells);
	}
	return rc;
}

static void print_class(FILE *fp, uint64_t v, const gomem_layout *l, bool scan)
{
	if (gomem_layout_class_release(l)[0])
		fprintf(fp, "class %llu %s", (unsigned long long)v, scan ? "scan" : "noscan");
	else
		fputs("class unknown", fp);
}

/* The text form of one struct: a summary line, its fields, the better order. */
static int print_struct_text(FILE *fp, const gomem_layout_struct *s, const gomem_layout *l,
			     const gomem_table_options *to)
{
	gomem_table *t = NULL;
	int rc;

	gomem_text_printf(fp, "%s: size %llu, align %llu, padding %llu, ", s->name,
		(unsigned long long)s->size, (unsigned long long)s->align,
		(unsigned long long)s->padding);
	print_class(fp, s->class_size, l, s->ptrdata > 0);
	fprintf(fp, ", waste %llu, pointer bytes %llu\n", (unsigned long long)s->waste,
		(unsigned long long)s->ptrdata);
	if (s->nfields > 0) {
		if ((rc = gomem_table_new(&t, field_columns, NCOLS(field_columns), fp, to)) !=
			    GOMEM_OK ||
		    (rc = field_rows(t, s)) != GOMEM_OK || (rc = gomem_table_end(t)) != GOMEM_OK) {
			if (t)
				cli_error_detail(gomem_table_error(t));
			else
				cli_errorf("out of memory");
			gomem_table_free(t);
			return EXIT_TROUBLE;
		}
		gomem_table_free(t);
	}
	if (s->optimal_size < s->size || s->optimal_ptrdata < s->ptrdata) {
		fprintf(fp, "better order: size %llu (saves %llu), ", (unsigned long long)s->optimal_size,
			(unsigned long long)saved(s));
		print_class(fp, s->optimal_class_size, l, s->optimal_ptrdata > 0);
		fprintf(fp, ", pointer bytes %llu:", (unsigned long long)s->optimal_ptrdata);
		for (size_t k = 0; k < s->nfields; k++)
			gomem_text_printf(fp, " %s", s->fields[s->optimal_order[k]].name);
		fputc('\n', fp);
	} else {
		fputs("already optimal\n", fp);
	}
	return EXIT_OK;
}

static int print_tables(FILE *fp, const gomem_layout_struct **v, size_t n, const gomem_layout *l,
			const struct config *c)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	gomem_table *t = NULL;
	int rc = GOMEM_OK;

	to.format = c->format;
	to.color = c->format == GOMEM_FORMAT_TABLE && cli_use_color(fp, c->no_color);
	if (c->format == GOMEM_FORMAT_TABLE && !c->all) {
		for (size_t i = 0; i < n; i++) {
			if (i)
				fputc('\n', fp);
			if (print_struct_text(fp, v[i], l, &to) != EXIT_OK)
				return EXIT_TROUBLE;
		}
		return EXIT_OK;
	}
	if (c->all)
		rc = gomem_table_new(&t, rank_columns, NCOLS(rank_columns), fp, &to);
	else
		rc = gomem_table_new(&t, field_columns, NCOLS(field_columns), fp, &to);
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++)
		rc = c->all ? rank_row(t, v[i], l, c->format) : field_rows(t, v[i]);
	if (rc == GOMEM_OK)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK) {
		if (t)
			cli_error_detail(gomem_table_error(t));
		else
			cli_errorf("out of memory");
		gomem_table_free(t);
		return EXIT_TROUBLE;
	}
	gomem_table_free(t);
	return EXIT_OK;
}

/* ---- main -------------------------------------------------------------------------- */

static int load(gomem_binary **bin, gomem_layout **l, const struct config *c)
{
	gomem_layout_options opts = GOMEM_LAYOUT_OPTIONS_INIT;
	gomem_error err = {0};

	opts.go_version = c->go_version;
	if (gomem_binary_open_ext(bin, c->binary, &c->bin, &err) != GOMEM_OK ||
	    gomem_layout_read(l, *bin, &opts, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		if (*bin != NULL && gomem_binary_debug_places(*bin)[0] && err.code == GOMEM_E_NOTFOUND)
			cli_hintf("looked for a separate debug file at: %s", gomem_binary_debug_places(*bin));
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct config c;
	gomem_binary *bin = NULL;
	gomem_layout *l = NULL;
	const gomem_layout_struct **v = NULL;
	size_t n = 0;
	int status;
	FILE *fp;
	gomem_binary_options bdefaults = GOMEM_BINARY_OPTIONS_INIT;

	cli_set_name("gomem layout");
	memset(&c, 0, sizeof(c));
	c.format = GOMEM_FORMAT_TABLE;
	c.bin = bdefaults;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	if ((status = load(&bin, &l, &c)) != EXIT_OK ||
	    (status = select_structs(&v, &n, l, &c)) != EXIT_OK)
		goto done;
	if (n == 0 && c.pattern) {
		cli_errorf("%s: no struct type matches '%s'", c.binary, c.pattern);
		status = EXIT_TROUBLE;
		goto done;
	}
	fp = cli_open_output(c.output);
	if (c.format == GOMEM_FORMAT_JSON)
		status = print_json(fp, v, n, l, &c);
	else
		status = print_tables(fp, v, n, l, &c);
	if (cli_close_output(fp, c.output) != 0)
		status = EXIT_TROUBLE;
done:
	free(v);
	gomem_layout_free(l);
	gomem_binary_free(bin);
	return status;
}
