/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-addr2line — program counters of a Go binary into their inline
 * chains, innermost first, one "function file:line" per frame as the Go
 * runtime prints them; from DWARF, or from .gopclntab when the binary is
 * stripped. The symbolization is libgomem's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum { OPT_SOURCE = OPT_TOOL_BASE, OPT_BIAS, OPT_ANNOTATE, OPT_RETURN = 'r', OPT_ADDRESSES = 'a' };

static const cli_option options[] = {
	{"return-addresses", 'r', NULL, OPT_RETURN, "the PCs are return addresses (a stack, as in profiles):\n"
						    "look up pc-1 as the runtime does"},
	{"addresses", 'a', NULL, OPT_ADDRESSES, "text: print each PC on a line of its own before its frames"},
	{"annotate", 0, "FILE", OPT_ANNOTATE, "read a debug=1 goroutine or heap profile FILE ('-':\n"
					      "standard input) and write it with the `#' lines the\n"
					      "runtime prints, for records that carry only addresses"},
	{"source", 0, "SRC", OPT_SOURCE, "auto (default: DWARF if present, else .gopclntab; and\n"
					 ".gopclntab for a PC DWARF has no line for), dwarf\n"
					 "or pclntab"},
	{"load-bias", 0, "ADDR", OPT_BIAS, "subtract ADDR (hex) from every PC: where a PIE was loaded"},
	CLI_OPTION_DEBUG_DIR,
	CLI_OPTION_BINARY_MAX_INPUT,
	{"format", 0, "FMT", OPT_FORMAT, "text (default), table, csv, tsv, json or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"no-color", 0, NULL, OPT_NO_COLOR, "no colour even on a terminal (so does NO_COLOR)"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"addr2line", "[OPTION]... BINARY [PC...]",
	"Print, for each PC (hex; read from standard input when none is given), the\n"
	"chain of inlined calls at it, innermost first, one \"function file:line\" line\n"
	"per frame as the Go runtime prints them. DWARF is used when the binary has it\n"
	"(or a separate debug file found by build ID or .gnu_debuglink), else the\n"
	"runtime's own table (.gopclntab), which stripped binaries keep.",
	options,
	"Exit status: 0 success (a PC in no function prints \"?? ?:0\"), 2 trouble (not a\n"
	"Go binary, no DWARF with --source dwarf, a section over --max-input, a PC\n"
	"that is not hex, bad usage).\n"
	"Example: gomem addr2line -r ./server 0x4a1b2c 0x4a0f11\n"
	"         gomem addr2line --annotate goroutines.txt ./server\n"
	"See gomem-addr2line(1).\n"
};

struct config {
	int text, no_color, return_addresses, addresses;
	gomem_format format;
	gomem_symbolizer_options sym;
	gomem_binary_options bin;
	const char *output;
	const char *annotate;
};

static int parse_hex(const char *s, uint64_t *out)
{
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 16);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;

	switch (id) {
	case OPT_RETURN: c->return_addresses = 1; break;
	case OPT_ADDRESSES: c->addresses = 1; break;
	case OPT_ANNOTATE: c->annotate = arg; break;
	case OPT_SOURCE:
		if (strcmp(arg, "auto") == 0)
			c->sym.source = GOMEM_SYMSRC_AUTO;
		else if (strcmp(arg, "dwarf") == 0)
			c->sym.source = GOMEM_SYMSRC_DWARF;
		else if (strcmp(arg, "pclntab") == 0)
			c->sym.source = GOMEM_SYMSRC_PCLNTAB;
		else
			return cli_usage_error(&tool, "--source: '%s' is not auto, dwarf or pclntab", arg);
		break;
	case OPT_BIAS:
		if (parse_hex(arg, &c->sym.load_bias) != 0)
			return cli_usage_error(&tool, "--load-bias: '%s' is not a hex address", arg);
		break;
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

static const gomem_column columns[] = {
	{"pc", NULL, GOMEM_COL_TEXT, 0},
	{"depth", NULL, GOMEM_COL_COUNT, 0},
	{"function", NULL, GOMEM_COL_TEXT, 0},
	{"file", NULL, GOMEM_COL_TEXT, 0},
	{"line", NULL, GOMEM_COL_COUNT, 0},
	{"inlined", NULL, GOMEM_COL_TEXT, 0},
};

/* Where the frames go: the text lines or the table. */
struct out {
	const struct config *c;
	FILE *fp;
	gomem_table *t;
	char pc[24];
	int depth;
};

static int put_frame(struct out *o, const char *function, const char *file, int64_t line, bool inlined)
{
	gomem_cell cells[6] = {{0}};

	if (o->t == NULL) {
		gomem_text_printf(o->fp, "%s %s:%lld\n", function, file, (long long)line);
		return GOMEM_OK;
	}
	cells[0].s = o->pc;
	cells[1].i = o->depth++;
	cells[2].s = function;
	cells[3].s = file;
	cells[4].i = line;
	cells[5].s = inlined ? "true" : "false";
	return gomem_table_row(o->t, cells);
}

static int on_frame(void *payload, size_t pc_index, const gomem_sym_frame *f)
{
	(void)pc_index;
	if (f->function[0] == '\0')
		return put_frame(payload, "??", "?", 0, false);
	return put_frame(payload, f->function, f->file, f->line, f->inlined);
}

/* One PC: its chain (exact PC), or with -r the frames the runtime gives a
 * return address. */
static int symbolize_one(gomem_symbolizer *s, struct out *o, const char *arg)
{
	uint64_t pc;
	const gomem_sym_frame *frames;
	size_t n;
	int rc;

	if (parse_hex(arg, &pc) != 0) {
		cli_errorf("'%s' is not a hex address", arg);
		return GOMEM_E_INVALID;
	}
	snprintf(o->pc, sizeof(o->pc), "0x%llx", (unsigned long long)pc);
	o->depth = 0;
	if (o->t == NULL && o->c->addresses)
		fprintf(o->fp, "%s\n", o->pc);
	if (o->c->return_addresses) {
		/* Alone, a return address expands to its whole inline chain. */
		return gomem_symbolize_stack(s, &pc, 1, on_frame, o);
	}
	if ((rc = gomem_symbolize_pc(s, pc, &frames, &n)) != GOMEM_OK)
		return rc;
	if (n == 0)
		return put_frame(o, "??", "?", 0, false);
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++)
		rc = on_frame(o, 0, &frames[i]);
	return rc;
}

static int symbolize_stdin(gomem_symbolizer *s, struct out *o)
{
	char line[256];
	int rc = GOMEM_OK;

	while (rc == GOMEM_OK && fgets(line, sizeof(line), stdin) != NULL) {
		char *tok, *save = NULL;

		for (tok = strtok_r(line, " \t\r\n", &save); tok && rc == GOMEM_OK;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			rc = symbolize_one(s, o, tok);
	}
	return rc;
}

/* --annotate: a debug=1 text with the runtime's `#' lines added. */
static int annotate(gomem_symbolizer *s, const char *spec, FILE *fp)
{
	gomem_source *src = NULL;
	gomem_error err = {0};
	const uint8_t *data;
	size_t len, n = 0, cap = 0, outlen;
	char *text = NULL, *out = NULL;
	int rc = gomem_source_open(&src, spec, NULL, &err);

	while (rc == GOMEM_OK && (rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0) {
		if (n + len > cap) {
			char *t = realloc(text, cap = (n + len) * 2);

			if (t == NULL) {
				rc = GOMEM_E_NOMEM;
				break;
			}
			text = t;
		}
		memcpy(text + n, data, len);
		n += len;
	}
	if (rc != GOMEM_OK)
		cli_error_detail(err.code ? &err : gomem_source_error(src));
	else if ((rc = gomem_symbolize_debug1_text(s, text ? text : "", n, &out, &outlen)) != GOMEM_OK)
		cli_errorf("%s: %s", spec, gomem_strerror(rc));
	else
		gomem_text_write(fp, out, outlen); /* names from the binary, lines from the dump */
	gomem_free(out);
	free(text);
	gomem_source_free(src);
	return rc;
}

static int open_symbolizer(gomem_binary **bin, gomem_symbolizer **s, const char *path,
			   const struct config *c)
{
	gomem_error err = {0};

	if (gomem_binary_open_ext(bin, path, &c->bin, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	if (gomem_symbolizer_new(s, *bin, &c->sym) != GOMEM_OK) {
		cli_error_detail(gomem_binary_error(*bin));
		if (c->sym.source == GOMEM_SYMSRC_DWARF && gomem_binary_debug_places(*bin)[0] &&
		    gomem_binary_error(*bin)->code == GOMEM_E_NOTFOUND)
			cli_hintf("looked for a separate debug file at: %s", gomem_binary_debug_places(*bin));
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	gomem_symbolizer_options sdefaults = GOMEM_SYMBOLIZER_OPTIONS_INIT;
	gomem_binary_options bdefaults = GOMEM_BINARY_OPTIONS_INIT;
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	struct config c = {0};
	gomem_binary *bin = NULL;
	gomem_symbolizer *s = NULL;
	struct out o = {0};
	int status, rc = GOMEM_OK;

	cli_set_name("gomem addr2line");
	c.text = 1;
	c.sym = sdefaults;
	c.bin = bdefaults;
	if ((status = cli_parse(&tool, argc, argv, parse_option, &c)) != EXIT_OK)
		return status;
	if (optind >= argc)
		return cli_usage_error(&tool, "%s", "no BINARY given");
	if ((status = open_symbolizer(&bin, &s, argv[optind], &c)) != EXIT_OK) {
		gomem_binary_free(bin);
		return status;
	}
	o.c = &c;
	o.fp = cli_open_output(c.output);
	to.format = c.format;
	to.color = cli_use_color(o.fp, c.no_color);
	to.schema = "gomem.addr2line/1";
	if (!c.text && !c.annotate && gomem_table_new(&o.t, columns, sizeof(columns) / sizeof(columns[0]), o.fp, &to) !=
			       GOMEM_OK)
		rc = GOMEM_E_NOMEM;
	if (c.annotate && optind + 1 < argc) {
		cli_usage_error(&tool, "%s", "--annotate takes no PC");
		rc = GOMEM_E_INVALID;
	} else if (c.annotate)
		rc = annotate(s, c.annotate, o.fp) == GOMEM_OK ? GOMEM_OK : GOMEM_E_INVALID;
	else if (rc == GOMEM_OK && optind + 1 < argc)
		for (int i = optind + 1; i < argc && rc == GOMEM_OK; i++)
			rc = symbolize_one(s, &o, argv[i]);
	else if (rc == GOMEM_OK)
		rc = symbolize_stdin(s, &o);
	if (rc != GOMEM_OK && rc != GOMEM_E_INVALID)
		cli_error_detail(o.t && gomem_table_error(o.t)->code ? gomem_table_error(o.t)
								     : gomem_binary_error(bin));
	status = rc == GOMEM_OK ? EXIT_OK : EXIT_TROUBLE;
	if (o.t != NULL && gomem_table_end(o.t) != GOMEM_OK && status == EXIT_OK) {
		cli_error_detail(gomem_table_error(o.t));
		status = EXIT_TROUBLE;
	}
	gomem_table_free(o.t);
	if (cli_close_output(o.fp, c.output) != EXIT_OK)
		status = EXIT_TROUBLE;
	gomem_symbolizer_free(s);
	gomem_binary_free(bin);
	return status;
}
