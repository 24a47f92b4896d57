/* SPDX-License-Identifier: Apache-2.0 */
/* gomem-limits — the memory a container gives a Go program: the effective
 * cgroup limits (every ancestor), GOMEMLIMIT and GOGC advice for them
 * checked by the pacer model, and OOM-kill post-mortems. The work is
 * libgomem's (gomem/limits.h); this file reads the options and the inputs. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/msg.h"
#include "common/opt.h"
#include "gomem.h"

enum { OPT_PID = OPT_TOOL_BASE, OPT_CGROUP, OPT_ROOT, OPT_GCTRACE, OPT_LIMIT, OPT_RESERVE, OPT_OOM,
       OPT_HEAP, OPT_GO };

static const cli_option options[] = {
	{"pid", 0, "PID", OPT_PID, "the limits of process PID (default: this process)"},
	{"cgroup", 0, "DIR", OPT_CGROUP, "the limits of the cgroup directory DIR"},
	{"root", 0, "DIR", OPT_ROOT, "read proc/ and sys/fs/cgroup/ under DIR (a copied tree)"},
	{"gctrace", 0, "LOG", OPT_GCTRACE, "advise GOMEMLIMIT and GOGC for the limit from the\n"
					   "workload's gctrace (with --oom: the killed process's)"},
	{"limit", 0, "SIZE", OPT_LIMIT, "with --gctrace: advise for SIZE instead of the cgroup's"},
	{"reserve", 0, "SIZE", OPT_RESERVE, "with --gctrace: memory the limit holds beside Go's\n"
					    "(default: kernel + sock + shmem of memory.stat)"},
	{"go", 0, "VERSION", OPT_GO, "with --gctrace: the pacer of Go VERSION (default 1.21)"},
	{"oom", 0, "LOG", OPT_OOM, "post-mortem of the OOM kills in a kernel log (dmesg,\n"
				   "journalctl -k), joined with --gctrace or --heap"},
	{"heap", 0, "PROFILE", OPT_HEAP, "with --oom: the process's last heap profile (debug=1,\n"
					 "its MemStats)"},
	{"format", 0, "FMT", OPT_FORMAT, "table (default), csv, tsv, json or ndjson"},
	{"output", 'o', "FILE", OPT_OUTPUT, "write to FILE instead of standard output"},
	{"help", 'h', NULL, OPT_HELP, "show this help and exit"},
	{"version", 'V', NULL, OPT_VERSION, "show the version and exit"},
	CLI_OPTIONS_END
};

static const cli_tool tool = {
	"limits", "[OPTION]...",
	"Show the memory and CPU limits a process (or a cgroup) lives under, cgroup v2\n"
	"or v1, every ancestor walked; advise GOMEMLIMIT and GOGC for the limit from\n"
	"a gctrace log, each checked by the pacer model; or read the OOM kills of a\n"
	"kernel log and say what filled the memory.",
	options,
	"Exit status: 0 success, 1 no setting fits the limit (advice), 2 trouble.\n"
	"Example: gomem limits --gctrace app.log        (advice for this container)\n"
	"See gomem-limits(1).\n"
};

struct config {
	gomem_cgroup_options cg;
	const char *gctrace, *oom, *heap, *output;
	int64_t limit, reserve;
	int go_minor, format_set;
	gomem_format format;
};

#define usage_error(...) cli_usage_error(&tool, __VA_ARGS__)

static int size_option(int64_t *out, const char *name, const char *arg)
{
	uint64_t v;

	if (gomem_parse_size(&v, arg) != GOMEM_OK || v == 0 || v > INT64_MAX / 2)
		return usage_error("%s: '%s' is not a size", name, arg);
	*out = (int64_t)v;
	return EXIT_OK;
}

static int parse_option(void *ctx, int id, const char *arg)
{
	struct config *c = ctx;
	char *end;

	switch (id) {
	case OPT_PID:
		errno = 0;
		c->cg.pid = strtol(arg, &end, 10);
		if (errno || *end || c->cg.pid <= 0)
			return usage_error("--pid: '%s' is not a process id", arg);
		break;
	case OPT_CGROUP: c->cg.cgroup_dir = arg; break;
	case OPT_ROOT: c->cg.root = arg; break;
	case OPT_GCTRACE: c->gctrace = arg; break;
	case OPT_OOM: c->oom = arg; break;
	case OPT_HEAP: c->heap = arg; break;
	case OPT_LIMIT: return size_option(&c->limit, "--limit", arg);
	case OPT_RESERVE: return size_option(&c->reserve, "--reserve", arg);
	case OPT_GO: return cli_go_option(&tool, arg, &c->go_minor);
	case OPT_FORMAT:
		if (gomem_format_parse(&c->format, arg) != GOMEM_OK)
			return usage_error("--format: '%s' is not table, csv, tsv, json or ndjson", arg);
		c->format_set = 1;
		break;
	case OPT_OUTPUT: c->output = arg; break;
	default: return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static int parse_args(struct config *c, int argc, char **argv)
{
	int rc = cli_parse(&tool, argc, argv, parse_option, c);

	if (rc != EXIT_OK)
		return rc;
	if (optind < argc)
		return usage_error("unexpected operand '%s' (inputs are options: --gctrace, --oom)", argv[optind]);
	if (c->cg.pid && c->cg.cgroup_dir)
		return usage_error("%s", "--pid and --cgroup: one or the other");
	if ((c->limit || c->reserve || c->go_minor) && !c->gctrace)
		return usage_error("%s", "--limit, --reserve and --go go with --gctrace");
	if (c->heap && !c->oom)
		return usage_error("%s", "--heap goes with --oom");
	return EXIT_OK;
}

/* ---- the reports -------------------------------------------------------------------- */

static int write_failed(const gomem_error *err)
{
	if (err->code == GOMEM_E_IO && errno == EPIPE)
		return EXIT_TROUBLE;
	cli_error_detail(err);
	return EXIT_TROUBLE;
}

static int show_limits(const struct config *c, FILE *fp)
{
	gomem_cgroup_info info;
	gomem_error err = {0};

	if (gomem_cgroup_read(&info, &c->cg, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	if (gomem_cgroup_write(fp, &info, c->format, &err) != GOMEM_OK)
		return write_failed(&err);
	return EXIT_OK;
}

/* The limit and the reserve: the options', else the cgroup's. */
static int limit_and_reserve(const struct config *c, int64_t *limit, int64_t *reserve)
{
	gomem_cgroup_info info;
	gomem_error err = {0};
	int have = c->limit == 0 || c->reserve == 0 ? gomem_cgroup_read(&info, &c->cg, &err) == GOMEM_OK : 0;

	*limit = c->limit ? c->limit : have ? info.limit : 0;
	*reserve = c->reserve;
	if (!c->reserve && have)
		*reserve = (info.kernel > 0 ? info.kernel : 0) + (info.sock > 0 ? info.sock : 0) +
			   (info.shmem > 0 ? info.shmem : 0);
	if (*limit == 0 || *limit == GOMEM_LIMITS_NONE) {
		if (!have && err.code)
			cli_error_detail(&err);
		cli_errorf("no memory limit to advise for: the cgroup sets none (give --limit SIZE)");
		return EXIT_TROUBLE;
	}
	return EXIT_OK;
}

static int advise(const struct config *c, FILE *fp)
{
	gomem_pacer_config cfg = GOMEM_PACER_CONFIG_INIT;
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_pacer_model *m = NULL;
	gomem_limits_advice a;
	gomem_error err = {0};
	int64_t limit, reserve;
	int status;

	if ((status = limit_and_reserve(c, &limit, &reserve)) != EXIT_OK)
		return status;
	if (c->go_minor)
		cfg.go_minor = c->go_minor;
	so.max_input = UINT64_MAX;
	if (gomem_pacer_model_read(&m, c->gctrace, &so, &cfg, &err) != GOMEM_OK ||
	    gomem_limits_advise(&a, m, limit, reserve, &err) != GOMEM_OK) {
		cli_error_detail(&err);
		gomem_pacer_model_free(m);
		return EXIT_TROUBLE;
	}
	gomem_pacer_model_free(m);
	if (gomem_limits_advice_write(fp, &a, c->format, &err) != GOMEM_OK)
		return write_failed(&err);
	return a.candidates[0].fits ? EXIT_OK : EXIT_GATE;
}

/* ---- the post-mortem ------------------------------------------------------------------- */

struct events {
	gomem_gctrace_event *v;
	size_t n, cap;
};

static int keep_event(struct events *out, const gomem_gctrace_event *ev)
{
	if (ev->kind != GOMEM_GCTRACE_GC)
		return GOMEM_OK;
	if (out->n > 0 && ev->run != out->v[out->n - 1].run)
		out->n = 0; /* a restart: only the last run counts */
	if (out->n == out->cap) {
		gomem_gctrace_event *v = realloc(out->v, (out->cap * 2 + 64) * sizeof(*v));

		if (v == NULL)
			return GOMEM_E_NOMEM;
		out->v = v;
		out->cap = out->cap * 2 + 64;
	}
	out->v[out->n++] = *ev;
	return GOMEM_OK;
}

/* The last run's gc events of the gctrace log (what the process said last). */
static int read_gctrace(const char *spec, struct events *out)
{
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_gctrace_parser *p = NULL;
	const gomem_gctrace_event *ev;
	gomem_source *src = NULL;
	gomem_error err = {0};
	const uint8_t *data;
	size_t len;
	int rc;

	so.max_input = UINT64_MAX;
	if ((rc = gomem_source_open(&src, spec, &so, &err)) != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	rc = gomem_gctrace_parser_new(&p, spec);
	for (bool end = false; rc == GOMEM_OK && !end;) {
		if ((rc = gomem_source_read(src, &data, &len)) != GOMEM_OK)
			break;
		end = len == 0;
		rc = end ? gomem_gctrace_finish(p) : gomem_gctrace_feed(p, data, len);
		while (rc == GOMEM_OK && (rc = gomem_gctrace_next(p, &ev)) == 1)
			rc = keep_event(out, ev);
	}
	if (rc < 0)
		cli_error_detail(gomem_source_error(src)->code ? gomem_source_error(src)
							       : gomem_gctrace_parser_error(p));
	gomem_gctrace_parser_free(p);
	gomem_source_free(src);
	return rc < 0 ? EXIT_TROUBLE : EXIT_OK;
}

static int read_heap(const char *spec, gomem_profile **out)
{
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	gomem_source *src = NULL;
	gomem_error err = {0};
	int rc;

	if ((rc = gomem_source_open(&src, spec, &so, &err)) == GOMEM_OK)
		rc = gomem_profile_read(out, src, &err);
	gomem_source_free(src);
	if (rc != GOMEM_OK) {
		cli_error_detail(&err);
		return EXIT_TROUBLE;
	}
	if (gomem_profile_memstats(*out) == NULL)
		cli_warnf("%s: no MemStats in the profile (take it with debug=1): the heap profile "
			  "says nothing of the runtime's other memory", spec);
	return EXIT_OK;
}

static int oom_rows(const struct config *c, gomem_oom_parser *p, const struct events *ev,
		    const gomem_profile *heap, FILE *fp)
{
	const gomem_oom_kill *k;
	gomem_oom_verdict v;
	gomem_table *t;
	gomem_error err = {0};
	int rc;

	if (gomem_oom_rows_new(&t, fp, c->format, &err) != GOMEM_OK)
		return write_failed(&err);
	while ((rc = gomem_oom_next(p, &k)) == 1) {
		static const gomem_gctrace_event none;

		/* a gctrace without gc lines still says the heap stayed small */
		gomem_oom_judge(&v, k, c->gctrace ? (ev->v ? ev->v : &none) : NULL, ev->n,
				heap ? gomem_profile_memstats(heap) : NULL);
		if ((rc = gomem_oom_row(t, k, &v)) != GOMEM_OK)
			break;
	}
	if (rc == 0)
		rc = gomem_table_end(t);
	if (rc != GOMEM_OK)
		err = *gomem_table_error(t);
	gomem_table_free(t);
	return rc == GOMEM_OK ? EXIT_OK : write_failed(&err);
}

static int post_mortem(const struct config *c, FILE *fp)
{
	gomem_source_options so = GOMEM_SOURCE_OPTIONS_INIT;
	struct events ev = {NULL, 0, 0};
	gomem_profile *heap = NULL;
	gomem_oom_parser *p = NULL;
	gomem_source *src = NULL;
	gomem_error err = {0};
	const uint8_t *data;
	uint64_t lines, kills, unfinished;
	size_t len;
	int rc, status = EXIT_OK;

	so.max_input = UINT64_MAX;
	if ((c->gctrace && read_gctrace(c->gctrace, &ev) != EXIT_OK) ||
	    (c->heap && read_heap(c->heap, &heap) != EXIT_OK)) {
		free(ev.v);
		gomem_profile_free(heap);
		return EXIT_TROUBLE;
	}
	if ((rc = gomem_source_open(&src, c->oom, &so, &err)) != GOMEM_OK)
		cli_error_detail(&err);
	else if ((rc = gomem_oom_parser_new(&p, c->oom)) == GOMEM_OK) {
		while ((rc = gomem_source_read(src, &data, &len)) == GOMEM_OK && len > 0)
			if ((rc = gomem_oom_feed(p, data, len)) != GOMEM_OK)
				break;
		if (rc == GOMEM_OK)
			rc = gomem_oom_finish(p);
		if (rc != GOMEM_OK)
			cli_error_detail(gomem_source_error(src)->code ? gomem_source_error(src)
								       : gomem_oom_parser_error(p));
	}
	status = rc == GOMEM_OK ? oom_rows(c, p, &ev, heap, fp) : EXIT_TROUBLE;
	if (p && status == EXIT_OK && c->format == GOMEM_FORMAT_TABLE) {
		gomem_oom_get_counts(p, &lines, &kills, &unfinished);
		if (kills == 0)
			cli_warnf("no OOM kill in %llu lines of %s", (unsigned long long)lines, c->oom);
	}
	gomem_oom_parser_free(p);
	gomem_source_free(src);
	gomem_profile_free(heap);
	free(ev.v);
	return status;
}

int main(int argc, char **argv)
{
	struct config c;
	gomem_cgroup_options cg = GOMEM_CGROUP_OPTIONS_INIT;
	int status;
	FILE *fp;

	cli_set_name("gomem limits");
	memset(&c, 0, sizeof(c));
	c.cg = cg;
	c.format = GOMEM_FORMAT_TABLE;
	if ((status = parse_args(&c, argc, argv)) != EXIT_OK)
		return status;
	fp = cli_open_output(c.output);
	if (c.oom)
		status = post_mortem(&c, fp);
	else if (c.gctrace)
		status = advise(&c, fp);
	else
		status = show_limits(&c, fp);
	if (cli_close_output(fp, c.output) != 0)
		status = EXIT_TROUBLE;
	return status;
}
