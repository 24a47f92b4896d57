/* SPDX-License-Identifier: Apache-2.0 */
/* goroutine_report.c — what `gomem goroutines` prints: a summary of one
 * dump as sections for people (states, the largest buckets with their
 * stacks, packages, creators, the longest waiting), as rows or folded
 * stacks; the diff of two dumps as sections (leak suspects, grew, new,
 * shrank, vanished) or rows. The JSON summary is goroutine_json.c's. */
#include <stdio.h>
#include <string.h>

#include "goroutine-internal.h"

typedef gomem_goroutine_report_options report_opts;

/* ---- helpers ------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* "file:line" of a frame into BUF (the base name of the file unless FULL). */
static const char *site(char *buf, size_t size, const gomem_goroutine_frame *f, int full)
{
	if (f->file[0] == '\0')
		snprintf(buf, size, "?");
	else if (f->line > 0)
		snprintf(buf, size, "%s:%lld", full ? f->file : base_name(f->file), (long long)f->line);
	else
		snprintf(buf, size, "%s", full ? f->file : base_name(f->file));
	return buf;
}

static gomem_cell wait_cell(int64_t minutes)
{
	gomem_cell cell = {0};

	cell.null = minutes < 0;
	cell.d = minutes < 0 ? 0 : (double)minutes * 60;
	return cell;
}

static int open_table(gomem_table **t, const gomem_column *cols, size_t n, FILE *fp,
		      gomem_format fmt, const report_opts *o, const char *schema, gomem_error *err)
{
	gomem_table_options to = GOMEM_TABLE_OPTIONS_INIT;
	int rc;

	to.format = fmt;
	to.color = fmt == GOMEM_FORMAT_TABLE && o->color;
	to.schema = schema;
	*t = NULL;
	rc = gomem_table_new(t, cols, n, fp, &to);
	if (rc != GOMEM_OK)
		gomem_error_set(err, rc, "output: %s", gomem_strerror(rc));
	return rc;
}

/* ---- the summary ----------------------------------------------------------- */

static const char *const wait_names[GOMEM_WAIT_CLASSES] = {
	"wait_none", "wait_1m", "wait_5m", "wait_15m", "wait_60m"}; /* as in the JSON */
static const char *const wait_titles[GOMEM_WAIT_CLASSES] = {
	"no wait", "1-4m", "5-14m", "15-59m", "60m+"};

static int print_states(const gomem_summary *s, FILE *fp, const report_opts *o, gomem_error *err)
{
	gomem_column cols[4 + GOMEM_WAIT_CLASSES];
	gomem_cell cells[4 + GOMEM_WAIT_CLASSES];
	uint64_t total = gomem_summary_total(s);
	gomem_table *t;
	int rc;

	cols[0] = (gomem_column){"state", NULL, GOMEM_COL_TEXT, 0};
	cols[1] = (gomem_column){"count", NULL, GOMEM_COL_COUNT, 0};
	cols[2] = (gomem_column){"pct", "%", GOMEM_COL_PERCENT, 0};
	for (int k = 0; k < GOMEM_WAIT_CLASSES; k++)
		cols[3 + k] = (gomem_column){wait_names[k], wait_titles[k], GOMEM_COL_COUNT, 0};
	cols[3 + GOMEM_WAIT_CLASSES] = (gomem_column){"wait_max", "max wait", GOMEM_COL_DURATION, 0};
	fprintf(fp, "\nBy state:\n");
	if ((rc = open_table(&t, cols, 4 + GOMEM_WAIT_CLASSES, fp, GOMEM_FORMAT_TABLE, o, NULL, err)))
		return rc;
	for (size_t i = 0; i < gomem_summary_state_count(s) && rc == GOMEM_OK; i++) {
		const gomem_summary_state *st = gomem_summary_state_get(s, i);

		memset(cells, 0, sizeof(cells));
		cells[0].s = st->state[0] ? st->state : "(none)";
		cells[1].i = (int64_t)st->count;
		cells[2].d = total ? 100.0 * (double)st->count / (double)total : 0;
		for (int k = 0; k < GOMEM_WAIT_CLASSES; k++)
			cells[3 + k].i = (int64_t)st->wait[k];
		cells[3 + GOMEM_WAIT_CLASSES] = wait_cell(st->wait_max);
		rc = gomem_table_row(t, cells);
	}
	return gomem_table_close(t, rc, err);
}

/* "chan receive" or "select 3, chan receive 2", with the wait range. */
static void bucket_states(char *buf, size_t size, const gomem_bucket *b)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < b->nstates && len < size; i++) {
		const char *st = b->states[i].state[0] ? b->states[i].state : "?";

		if (b->nstates == 1)
			len += (size_t)snprintf(buf + len, size - len, "%s", st);
		else
			len += (size_t)snprintf(buf + len, size - len, "%s%s %llu", i ? ", " : "", st,
						(unsigned long long)b->states[i].count);
	}
	if (len < size && b->wait_max >= 0) {
		if (b->wait_min == b->wait_max)
			snprintf(buf + len, size - len, ", %lld min", (long long)b->wait_max);
		else
			snprintf(buf + len, size - len, ", %lld-%lld min", (long long)b->wait_min,
				 (long long)b->wait_max);
	}
}

/* One bucket as a block: count and states, frames (leaf first), created by. */
static void print_bucket(const gomem_dump *d, const gomem_bucket *b, size_t max_frames, int full,
			 bool has_states, FILE *fp, int color)
{
	gomem_goroutine_stack st;
	gomem_goroutine_frame f;
	char states[512], where[4096];
	size_t shown;

	fprintf(fp, "%s%7llu%s", color ? "\033[1m" : "", (unsigned long long)b->count, color ? "\033[0m" : "");
	if (has_states) {
		bucket_states(states, sizeof(states), b);
		gomem_text_printf(fp, "  [%s]%s", states, b->flags & GOMEM_GOROUTINE_LOCKED ? " locked to thread" : "");
	}
	fputc('\n', fp);
	if (gomem_dump_stack(&st, d, b->stack) != GOMEM_OK)
		return;
	if (st.nframes == 0)
		fprintf(fp, "         (no stack recorded)\n");
	shown = max_frames && st.nframes > max_frames ? max_frames : st.nframes;
	for (size_t i = 0; i < shown; i++) {
		if (st.elided_at == i && full) {
			if (st.elided_count >= 0)
				fprintf(fp, "         ...%lld frames elided...\n", (long long)st.elided_count);
			else
				fprintf(fp, "         ...additional frames elided...\n");
		}
		if (gomem_dump_frame(&f, d, st.frames[i]) != GOMEM_OK)
			continue;
		if (full)
			gomem_text_printf(fp, "         %s(%s)\n             %s\n", f.function, f.args,
				site(where, sizeof(where), &f, 1));
		else
			gomem_text_printf(fp, "         %-40s %s\n", f.function, site(where, sizeof(where), &f, 0));
	}
	if (full && st.elided_at == st.nframes)
		fprintf(fp, "         ...additional frames elided...\n");
	if (shown < st.nframes)
		fprintf(fp, "         ... %zu more frames\n", st.nframes - shown);
	if (b->created_by != GOMEM_GOROUTINE_NONE && gomem_dump_frame(&f, d, b->created_by) == GOMEM_OK)
		gomem_text_printf(fp, "         created by %s at %s\n", f.function, site(where, sizeof(where), &f, full));
}

static int print_groups(const gomem_summary *s, int creators, FILE *fp, const report_opts *o,
			gomem_error *err)
{
	static const gomem_column cols[] = {
		{"name", NULL, GOMEM_COL_TEXT, 0},
		{"site", NULL, GOMEM_COL_TEXT, 0},
		{"count", NULL, GOMEM_COL_COUNT, 0},
		{"pct", "%", GOMEM_COL_PERCENT, 0},
	};
	gomem_column cl[4];
	size_t n = creators ? gomem_summary_creator_count(s) : gomem_summary_package_count(s);
	size_t shown = o->top && n > o->top ? o->top : n;
	uint64_t total = gomem_summary_total(s);
	gomem_table *t;
	gomem_cell cells[4];
	char where[4096];
	int rc;

	memcpy(cl, cols, sizeof(cl));
	cl[0].name = creators ? "created_by" : "package";
	if (!creators)
		cl[1].flags = GOMEM_COL_MACHINE_ONLY;
	fprintf(fp, "\nBy %s:\n", creators ? "created-by site" : "package (topmost non-runtime frame)");
	if ((rc = open_table(&t, cl, 4, fp, GOMEM_FORMAT_TABLE, o, NULL, err)))
		return rc;
	for (size_t i = 0; i < shown && rc == GOMEM_OK; i++) {
		const gomem_summary_group *g = creators ? gomem_summary_creator_get(s, i)
						       : gomem_summary_package_get(s, i);
		gomem_goroutine_frame f = {0};

		memset(cells, 0, sizeof(cells));
		cells[0].s = g->name[0] ? g->name : creators ? "(none)" : "(no stack)";
		f.file = g->file;
		f.line = g->line;
		cells[1].s = g->file[0] ? site(where, sizeof(where), &f, 0) : "";
		cells[2].i = (int64_t)g->count;
		cells[3].d = total ? 100.0 * (double)g->count / (double)total : 0;
		rc = gomem_table_row(t, cells);
	}
	rc = gomem_table_close(t, rc, err);
	if (rc == GOMEM_OK && shown < n)
		fprintf(fp, "(%zu of %zu; --top 0 shows all)\n", shown, n);
	return rc;
}

static int print_waiting(const gomem_summary *s, const gomem_dump *d, FILE *fp,
			 const report_opts *o, gomem_error *err)
{
	static const gomem_column cols[] = {
		{"id", "goroutine", GOMEM_COL_COUNT, 0},
		{"state", NULL, GOMEM_COL_TEXT, 0},
		{"wait", NULL, GOMEM_COL_DURATION, 0},
		{"function", "top frame", GOMEM_COL_TEXT, 0},
		{"created_by", "created by", GOMEM_COL_TEXT, 0},
	};
	size_t n = 0;
	const uint32_t *idx = gomem_summary_longest_waiting(s, &n);
	gomem_table *t;
	gomem_cell cells[5];
	int rc;

	fprintf(fp, "\nLongest waiting:\n");
	if (n == 0) {
		fprintf(fp, "(no goroutine printed a wait time: Go shows one after a minute blocked)\n");
		return GOMEM_OK;
	}
	if ((rc = open_table(&t, cols, 5, fp, GOMEM_FORMAT_TABLE, o, NULL, err)))
		return rc;
	for (size_t i = 0; i < n && rc == GOMEM_OK; i++) {
		gomem_goroutine g;
		gomem_goroutine_stack st;
		gomem_goroutine_frame top = {0}, by = {0};

		if (gomem_dump_goroutine(&g, d, idx[i]) != GOMEM_OK)
			continue;
		top.function = by.function = "";
		if (gomem_dump_stack(&st, d, g.stack) == GOMEM_OK && st.nframes)
			gomem_dump_frame(&top, d, st.frames[0]);
		if (g.created_by != GOMEM_GOROUTINE_NONE)
			gomem_dump_frame(&by, d, g.created_by);
		memset(cells, 0, sizeof(cells));
		cells[0].i = (int64_t)g.id;
		cells[0].null = !(g.flags & GOMEM_GOROUTINE_HAS_ID);
		cells[1].s = g.state;
		cells[2] = wait_cell(g.wait_minutes);
		cells[3].s = top.function;
		cells[4].s = by.function;
		rc = gomem_table_row(t, cells);
	}
	return gomem_table_close(t, rc, err);
}

static int summary_table(const gomem_summary *s, const gomem_dump *d, FILE *fp,
			 const report_opts *o, gomem_error *err)
{
	const gomem_buckets *bs = gomem_summary_buckets(s);
	size_t nb = gomem_buckets_count(bs);
	size_t shown = o->full || o->top == 0 || nb < o->top ? nb : o->top;
	int color = o->color;
	bool states = gomem_dump_has_states(d);
	gomem_bucket b;
	int rc;

	gomem_text_printf(fp, "%s: %llu goroutines in %zu buckets (%s, similarity %s)\n", gomem_dump_name(d),
		(unsigned long long)gomem_summary_total(s), nb, gomem_dump_format_name(gomem_dump_format_of(d)),
		gomem_similarity_name(o->similarity));
	if (gomem_dump_reason(d)[0])
		gomem_text_printf(fp, "%s\n", gomem_dump_reason(d));
	if (gomem_dump_total(d) != gomem_summary_total(s))
		fprintf(fp, "(%llu of %llu goroutines pass the filters)\n",
			(unsigned long long)gomem_summary_total(s), (unsigned long long)gomem_dump_total(d));
	if (!states)
		fprintf(fp, "A %s dump carries no goroutine states, wait times or creators: none are shown.\n",
			gomem_dump_format_name(gomem_dump_format_of(d)));
	if (!o->full && states && (rc = print_states(s, fp, o, err)) != GOMEM_OK)
		return rc;
	if (o->full)
		fprintf(fp, "\nEvery bucket, whole stacks (leaf first):\n");
	else
		fprintf(fp, "\nLargest buckets (%zu of %zu%s):\n", shown, nb, shown < nb ? "; --full shows all" : "");
	for (size_t i = 0; i < shown; i++) {
		if (gomem_buckets_get(&b, bs, i) != GOMEM_OK)
			continue;
		print_bucket(d, &b, o->full ? 0 : 5, o->full, states, fp, color);
	}
	if (o->full)
		return GOMEM_OK;
	if ((rc = print_groups(s, 0, fp, o, err)) != GOMEM_OK || !states)
		return rc;
	if ((rc = print_groups(s, 1, fp, o, err)) != GOMEM_OK)
		return rc;
	return print_waiting(s, d, fp, o, err);
}

/* Buckets as rows (csv, tsv, ndjson) or folded stacks. */
static int summary_rows(const gomem_summary *s, const gomem_dump *d, FILE *fp, const report_opts *o,
			gomem_error *err)
{
	static const gomem_column cols[] = {
		{"count", NULL, GOMEM_COL_COUNT, 0},
		{"state", NULL, GOMEM_COL_TEXT, 0},
		{"states", NULL, GOMEM_COL_TEXT, 0},
		{"wait_min", NULL, GOMEM_COL_DURATION, 0},
		{"wait_max", NULL, GOMEM_COL_DURATION, 0},
		{"created_by", NULL, GOMEM_COL_TEXT, 0},
		{"created_at", NULL, GOMEM_COL_TEXT, 0},
		{"stack", NULL, GOMEM_COL_TEXT, 0},
	};
	const gomem_buckets *bs = gomem_summary_buckets(s);
	gomem_table *t = NULL;
	gomem_cell cells[8];
	gomem_bucket b;
	char states[512], where[4096];
	bool has_states = gomem_dump_has_states(d);
	int rc = GOMEM_OK;

	if (!o->folded && (rc = open_table(&t, cols, 8, fp, o->format, o, "gomem.goroutines/1", err)))
		return rc;
	for (size_t i = 0; i < gomem_buckets_count(bs) && rc == GOMEM_OK; i++) {
		gomem_goroutine_frame f = {0};
		size_t len = 0;

		if (gomem_buckets_get(&b, bs, i) != GOMEM_OK)
			continue;
		if (o->folded) {
			gomem_text_printf(fp, "%s %llu\n", b.folded, (unsigned long long)b.count);
			continue;
		}
		states[0] = '\0';
		for (size_t k = 0; k < b.nstates && len < sizeof(states); k++)
			len += (size_t)snprintf(states + len, sizeof(states) - len, "%s%s:%llu", k ? ";" : "",
						b.states[k].state, (unsigned long long)b.states[k].count);
		f.function = f.file = "";
		if (b.created_by != GOMEM_GOROUTINE_NONE)
			gomem_dump_frame(&f, d, b.created_by);
		memset(cells, 0, sizeof(cells));
		cells[0].i = (int64_t)b.count;
		cells[1].s = has_states ? b.state : NULL; /* null: not in the format */
		cells[2].s = has_states ? states : NULL;
		cells[3] = wait_cell(b.wait_min);
		cells[4] = wait_cell(b.wait_max);
		cells[5].s = f.function;
		cells[6].s = f.file[0] ? site(where, sizeof(where), &f, 1) : "";
		cells[7].s = b.folded;
		rc = gomem_table_row(t, cells);
	}
	if (o->folded)
		return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
	return gomem_table_close(t, rc, err);
}

/* ---- the diff ---------------------------------------------------------------- */

/* The leafmost frames of a diff entry's bucket, "a < b < c", and its creator. */
static void entry_where(char *buf, size_t size, const char **by, const gomem_dump_diff *df,
			const gomem_diff_entry *e)
{
	int after = e->after_bucket != (size_t)-1;
	const gomem_buckets *bs = after ? gomem_dump_diff_after(df) : gomem_dump_diff_before(df);
	const gomem_dump *d = gomem_buckets_dump(bs);
	gomem_goroutine_stack st;
	gomem_goroutine_frame f;
	gomem_bucket b;
	size_t len = 0;

	buf[0] = '\0';
	*by = "";
	if (gomem_buckets_get(&b, bs, after ? e->after_bucket : e->before_bucket) != GOMEM_OK)
		return;
	if (b.created_by != GOMEM_GOROUTINE_NONE && gomem_dump_frame(&f, d, b.created_by) == GOMEM_OK)
		*by = f.function;
	if (gomem_dump_stack(&st, d, b.stack) != GOMEM_OK)
		return;
	for (size_t i = 0; i < st.nframes && i < 3 && len < size; i++)
		if (gomem_dump_frame(&f, d, st.frames[i]) == GOMEM_OK)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " < " : "", f.function);
	if (st.nframes > 3 && len < size)
		snprintf(buf + len, size - len, " < ...");
}

static const gomem_column diff_cols[] = {
	{"before", NULL, GOMEM_COL_COUNT, 0},
	{"after", NULL, GOMEM_COL_COUNT, 0},
	{"delta", NULL, GOMEM_COL_COUNT, GOMEM_COL_SIGNED | GOMEM_COL_COLOR_SIGN},
	{"kind", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
	{"leak_suspect", NULL, GOMEM_COL_COUNT, GOMEM_COL_MACHINE_ONLY},
	{"state", NULL, GOMEM_COL_TEXT, 0},
	{"wait_max", "max wait", GOMEM_COL_DURATION, 0},
	{"top_frames", "top frames", GOMEM_COL_TEXT, GOMEM_COL_TEXT_ONLY},
	{"created_by", "created by", GOMEM_COL_TEXT, 0},
	{"stack", NULL, GOMEM_COL_TEXT, GOMEM_COL_MACHINE_ONLY},
};
#define NDIFF_COLS (sizeof(diff_cols) / sizeof(diff_cols[0]))

static void diff_cells(gomem_cell *cells, const gomem_dump_diff *df, const gomem_diff_entry *e,
		       char *where, size_t size)
{
	const char *by;

	entry_where(where, size, &by, df, e);
	memset(cells, 0, NDIFF_COLS * sizeof(*cells));
	cells[0].i = (int64_t)e->before;
	cells[1].i = (int64_t)e->after;
	cells[2].i = e->delta;
	cells[3].s = gomem_diff_kind_name(e->kind);
	cells[4].i = e->leak_suspect;
	cells[5].s = e->state[0] ? e->state : NULL; /* null: not in the format */
	cells[6] = wait_cell(e->wait_max);
	cells[7].s = where;
	cells[8].s = by;
	cells[9].s = e->folded;
}

/* One section of the table: the entries SELECT picks, at most --top. */
static int diff_section(const gomem_dump_diff *df, FILE *fp, const report_opts *o, bool states,
			const char *title, int (*select)(const gomem_diff_entry *),
			gomem_error *err)
{
	gomem_column cols[NDIFF_COLS];
	size_t n = 0, shown = 0;
	gomem_cell cells[NDIFF_COLS];
	char where[2048];
	gomem_table *t;
	int rc;

	for (size_t i = 0; i < gomem_dump_diff_count(df); i++)
		n += select(gomem_dump_diff_get(df, i)) != 0;
	if (n == 0)
		return GOMEM_OK;
	fprintf(fp, "\n%s (%zu):\n", title, n);
	memcpy(cols, diff_cols, sizeof(cols));
	if (!states) /* neither dump has them: no empty columns */
		cols[5].flags = cols[6].flags = cols[8].flags = GOMEM_COL_MACHINE_ONLY;
	if ((rc = open_table(&t, cols, NDIFF_COLS, fp, GOMEM_FORMAT_TABLE, o, NULL, err)))
		return rc;
	for (size_t i = 0; i < gomem_dump_diff_count(df) && rc == GOMEM_OK; i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);

		if (!select(e) || (o->top && shown == o->top))
			continue;
		diff_cells(cells, df, e, where, sizeof(where));
		rc = gomem_table_row(t, cells);
		shown++;
	}
	rc = gomem_table_close(t, rc, err);
	if (rc == GOMEM_OK && shown < n)
		fprintf(fp, "(%zu of %zu; --top 0 shows all)\n", shown, n);
	return rc;
}

static int sel_leak(const gomem_diff_entry *e) { return e->leak_suspect; }
static int sel_grew(const gomem_diff_entry *e) { return !e->leak_suspect && e->kind == GOMEM_DIFF_GREW; }
static int sel_new(const gomem_diff_entry *e) { return !e->leak_suspect && e->kind == GOMEM_DIFF_NEW; }
static int sel_shrank(const gomem_diff_entry *e) { return e->kind == GOMEM_DIFF_SHRANK; }
static int sel_vanished(const gomem_diff_entry *e) { return e->kind == GOMEM_DIFF_VANISHED; }

static int diff_table(const gomem_dump_diff *df, FILE *fp, const report_opts *o, gomem_error *err)
{
	uint64_t tb = gomem_dump_diff_total_before(df), ta = gomem_dump_diff_total_after(df);
	bool st = gomem_dump_has_states(gomem_buckets_dump(gomem_dump_diff_before(df))) ||
		  gomem_dump_has_states(gomem_buckets_dump(gomem_dump_diff_after(df)));
	size_t same = 0;
	uint64_t same_n = 0;
	int rc;

	gomem_text_printf(fp, "%s -> %s: %llu -> %llu goroutines (%+lld), similarity %s\n",
		o->before, o->after, (unsigned long long)tb, (unsigned long long)ta,
		(long long)ta - (long long)tb, gomem_similarity_name(o->similarity));
	if (st)
		fprintf(fp, "leak suspects grew by %llu goroutines\n",
			(unsigned long long)gomem_dump_diff_leak_growth(df));
	else
		fprintf(fp, "These dumps carry no goroutine states, wait times or creators: leak suspects\n"
			    "(grown and blocked) cannot be told; debug=2 dumps have them.\n");
	if ((rc = diff_section(df, fp, o, st, "Leak suspects: grew and blocked", sel_leak, err)) ||
	    (rc = diff_section(df, fp, o, st, "Grew", sel_grew, err)) ||
	    (rc = diff_section(df, fp, o, st, "New", sel_new, err)) ||
	    (rc = diff_section(df, fp, o, st, "Shrank", sel_shrank, err)) ||
	    (rc = diff_section(df, fp, o, st, "Vanished", sel_vanished, err)))
		return rc;
	for (size_t i = 0; i < gomem_dump_diff_count(df); i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);

		if (e->kind == GOMEM_DIFF_SAME) {
			same++;
			same_n += e->after;
		}
	}
	fprintf(fp, "\n%zu buckets unchanged (%llu goroutines)\n", same, (unsigned long long)same_n);
	return GOMEM_OK;
}

static int diff_rows(const gomem_dump_diff *df, FILE *fp, const report_opts *o, gomem_error *err)
{
	gomem_cell cells[NDIFF_COLS];
	char where[2048];
	gomem_table *t = NULL;
	int rc = GOMEM_OK;

	if (!o->folded) {
		if ((rc = open_table(&t, diff_cols, NDIFF_COLS, fp, o->format, o, "gomem.goroutines-diff/1", err)))
			return rc;
		gomem_table_meta_string(t, "before", o->before);
		gomem_table_meta_string(t, "after", o->after);
		gomem_table_meta_string(t, "similarity", gomem_similarity_name(o->similarity));
		gomem_table_meta_int(t, "total_before", (int64_t)gomem_dump_diff_total_before(df));
		gomem_table_meta_int(t, "total_after", (int64_t)gomem_dump_diff_total_after(df));
		gomem_table_meta_int(t, "leak_growth", (int64_t)gomem_dump_diff_leak_growth(df));
	}
	for (size_t i = 0; i < gomem_dump_diff_count(df) && rc == GOMEM_OK; i++) {
		const gomem_diff_entry *e = gomem_dump_diff_get(df, i);

		if (o->folded) {
			/* flamegraph.pl's two-column form: before and after counts. */
			gomem_text_printf(fp, "%s %llu %llu\n", e->folded, (unsigned long long)e->before,
				(unsigned long long)e->after);
			continue;
		}
		diff_cells(cells, df, e, where, sizeof(where));
		rc = gomem_table_row(t, cells);
	}
	if (o->folded)
		return ferror(fp) ? GOMEM_E_IO : GOMEM_OK;
	return gomem_table_close(t, rc, err);
}

/* ---- the public calls ---------------------------------------------------------- */

int gomem_summary_write(FILE *fp, const gomem_summary *s, const gomem_dump *d,
			const gomem_goroutine_report_options *o, gomem_error *err)
{
	if (o == NULL || o->version != GOMEM_GOROUTINE_REPORT_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	if (o->folded)
		return summary_rows(s, d, fp, o, err);
	if (o->format == GOMEM_FORMAT_TABLE)
		return summary_table(s, d, fp, o, err);
	if (o->format == GOMEM_FORMAT_JSON)
		return gomem_summary_write_json(fp, s, d, o->similarity);
	return summary_rows(s, d, fp, o, err);
}

int gomem_dump_diff_write(FILE *fp, const gomem_dump_diff *df, const gomem_goroutine_report_options *o,
			  gomem_error *err)
{
	if (o == NULL || o->version != GOMEM_GOROUTINE_REPORT_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	if (!o->folded && o->format == GOMEM_FORMAT_TABLE)
		return diff_table(df, fp, o, err);
	return diff_rows(df, fp, o, err);
}
