/* SPDX-License-Identifier: Apache-2.0 */
/* escape_text.c — the push parser of `go build -gcflags=-m` and -m=2 text:
 * `# pkg` sections, verdict lines (records), -m=2 explanation headers and
 * their flow lines (blocks, attached to their verdicts at finish), messages
 * that span lines (raw strings), and everything else as diagnostics. The
 * hot path is a -m=2 log of the whole standard library (220 MB, 90 % of it
 * explanations): a line costs one scan for its position and a few prefix
 * tests; only verdicts are interned. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "escape/escape-internal.h"

/* ---- lines and messages ---------------------------------------------------- */

bool esc_parse_pos(const char *l, size_t len, struct esc_pos *ps)
{
	const char *end = l + len, *c = l;

	while ((c = memchr(c, ':', (size_t)(end - c)))) {
		const char *q = c + 1;

		if (c > l && esc_parse_uint(&q, end, &ps->line)) {
			ps->col = 0;
			if (q < end && *q == ':' && q + 1 < end && q[1] >= '0' && q[1] <= '9') {
				q++;
				if (!esc_parse_uint(&q, end, &ps->col))
					return false;
			}
			if (q + 1 < end && q[0] == ':' && q[1] == ' ') {
				ps->path = l;
				ps->plen = (size_t)(c - l);
				ps->msg = q + 2;
				ps->mlen = (size_t)(end - q - 2);
				return true;
			}
		}
		c++;
	}
	return false;
}

static bool strip_suffix(const char *m, size_t *len, const char *lit, size_t n)
{
	if (!esc_has_suffix(m, *len, lit, n))
		return false;
	*len -= n;
	return true;
}

bool esc_classify_leak(const char *m, size_t len, struct esc_verdict *v)
{
	const char *end = m + len, *to, *w, *d, *f;

	if (!esc_has_prefix(m, len, ESC_LIT("parameter ")) || !(to = esc_find(m, len, ESC_LIT(" leaks to "))) ||
	    !(w = esc_find(to, (size_t)(end - to), ESC_LIT(" with derefs="))))
		return false;
	v->kind = GOMEM_ESCAPE_LEAKING_PARAM;
	v->header = true;
	v->expr = m + 10;
	v->elen = (size_t)(to - v->expr);
	v->root = to + 10;
	v->rlen = (size_t)(w - v->root);
	if ((f = esc_find(v->root, v->rlen, ESC_LIT(" for "))) != NULL) {
		v->func = f + 5;
		v->flen = (size_t)(w - v->func);
		v->rlen = (size_t)(f - v->root);
	}
	d = w + 13;
	v->derefs = 0;
	esc_parse_uint(&d, end, &v->derefs);
	return true;
}

void esc_classify_escape(const char *m, size_t len, struct esc_verdict *v)
{
	size_t n = len;
	const char *t;

	if (len == 0)
		return;
	if (esc_has_prefix(m, len, ESC_LIT("moved to heap: "))) {
		v->kind = GOMEM_ESCAPE_MOVED_TO_HEAP;
		v->expr = m + 15;
		v->elen = len - 15;
	} else if (esc_has_prefix(m, len, ESC_LIT("leaking param content: "))) {
		v->kind = GOMEM_ESCAPE_LEAKING_CONTENT;
		v->expr = m + 23;
		v->elen = len - 23;
	} else if (esc_has_prefix(m, len, ESC_LIT("leaking param: "))) {
		v->expr = m + 15;
		v->elen = len - 15;
		v->kind = GOMEM_ESCAPE_LEAKING_PARAM;
		if ((t = esc_find(v->expr, v->elen, ESC_LIT(" to result "))) != NULL) {
			const char *lv;

			v->kind = GOMEM_ESCAPE_LEAKING_RESULT;
			v->detail = t + 11;
			v->dlen = (size_t)(m + len - v->detail);
			v->elen = (size_t)(t - v->expr);
			/* the result's name is what tells two such verdicts apart */
			lv = esc_find(v->detail, v->dlen, ESC_LIT(" level="));
			v->root = v->detail;
			v->rlen = lv ? (size_t)(lv - v->detail) : v->dlen;
		}
	} else if (m[len - 1] == ':') {
		n--;
		if (strip_suffix(m, &n, ESC_LIT(" escapes to heap"))) {
			v->kind = GOMEM_ESCAPE_ESCAPES;
			v->header = true;
			v->expr = m;
			v->elen = n;
		} else if ((t = esc_find(m, n, ESC_LIT(" escapes to heap in "))) != NULL) {
			v->kind = GOMEM_ESCAPE_ESCAPES; /* tip: "X escapes to heap in F:" */
			v->header = true;
			v->expr = m;
			v->elen = (size_t)(t - m);
			v->func = t + 20;
			v->flen = (size_t)(m + n - v->func);
		} else {
			esc_classify_leak(m, len, v);
		}
	} else if (strip_suffix(m, &n, ESC_LIT(" escapes to heap"))) {
		v->kind = GOMEM_ESCAPE_ESCAPES;
		v->expr = m;
		v->elen = n;
	} else if (strip_suffix(m, &n, ESC_LIT(" does not escape"))) {
		v->kind = GOMEM_ESCAPE_DOES_NOT_ESCAPE;
		v->expr = m;
		v->elen = n;
	}
}

/* The compiler's other positioned notes: -m's inlining and devirtualisation,
 * -m=2's reasons, and what -live (liveness), -d=wb (write barriers, with -+
 * for the runtime), -d=nil and check_bce print: none is a compile error. */
static void classify_other(const char *m, size_t len, struct esc_verdict *v)
{
	static const struct { const char *lit; size_t n; unsigned kind; } tab[] = {
#define E(s, k) {s, sizeof(s) - 1, k}
		E("can inline ", GOMEM_ESCAPE_CAN_INLINE),
		E("cannot inline ", GOMEM_ESCAPE_CANNOT_INLINE),
		E("inlining call to ", GOMEM_ESCAPE_INLINING_CALL),
		E("devirtualizing ", GOMEM_ESCAPE_DEVIRTUALIZING),
		E("partially devirtualizing ", GOMEM_ESCAPE_DEVIRTUALIZING),
		E("PGO devirtualizing ", GOMEM_ESCAPE_DEVIRTUALIZING),
		E("failed to devirtualize ", GOMEM_ESCAPE_DEVIRTUALIZING),
		E("cannot devirtualize ", GOMEM_ESCAPE_DEVIRTUALIZING),
		E("should not PGO devirtualize ", GOMEM_ESCAPE_DEVIRTUALIZING),
		E("index bounds check elided", GOMEM_ESCAPE_OTHER),
		E("assuming ", GOMEM_ESCAPE_OTHER),
		E("marking ", GOMEM_ESCAPE_OTHER),
		E("zero-copy string->[]byte conversion", GOMEM_ESCAPE_OTHER),
		E("imprecise interface call", GOMEM_ESCAPE_OTHER),
		E("function ", GOMEM_ESCAPE_OTHER),
		E("unreferenced closure ", GOMEM_ESCAPE_OTHER),
		E("mutates param: ", GOMEM_ESCAPE_OTHER),
		E("calls param: ", GOMEM_ESCAPE_OTHER),
		E("Found Is", GOMEM_ESCAPE_OTHER),
		E("live at ", GOMEM_ESCAPE_OTHER),
		E("stack object ", GOMEM_ESCAPE_OTHER),
		E("write barrier", GOMEM_ESCAPE_OTHER),
		E("removed nil check", GOMEM_ESCAPE_OTHER),
		E("generated nil check", GOMEM_ESCAPE_OTHER),
		E("hoisted nil check", GOMEM_ESCAPE_OTHER),
		E("loop variable ", GOMEM_ESCAPE_OTHER),
		E("range loop variable ", GOMEM_ESCAPE_OTHER),
#undef E
	};
	const char *t;

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(tab); i++) {
		if (esc_has_prefix(m, len, tab[i].lit, tab[i].n)) {
			v->kind = tab[i].kind;
			v->expr = m + tab[i].n;
			v->elen = len - tab[i].n;
			break;
		}
	}
	if (v->kind == GOMEM_ESCAPE_CAN_INLINE && (t = esc_find(v->expr, v->elen, ESC_LIT(" with cost ")))) {
		v->detail = t + 1;
		v->dlen = (size_t)(v->expr + v->elen - v->detail);
		v->elen = (size_t)(t - v->expr);
	} else if (v->kind == GOMEM_ESCAPE_CANNOT_INLINE && (t = esc_find(v->expr, v->elen, ESC_LIT(": ")))) {
		v->detail = t + 2;
		v->dlen = (size_t)(v->expr + v->elen - v->detail);
		v->elen = (size_t)(t - v->expr);
	} else if (!v->kind && ((t = esc_find(m, len, ESC_LIT(" capturing by value: "))) ||
				(t = esc_find(m, len, ESC_LIT(" capturing by ref: "))))) {
		v->kind = GOMEM_ESCAPE_CAPTURING;
		v->expr = m;
		v->elen = (size_t)(t - m);
		v->detail = t + 1;
		v->dlen = (size_t)(m + len - v->detail);
	} else if (!v->kind && (esc_find(m, len, ESC_LIT(" ignoring self-assignment in ")) ||
				esc_has_suffix(m, len, ESC_LIT(" does not escape, mutate, or call")))) {
		v->kind = GOMEM_ESCAPE_OTHER;
		v->expr = m;
		v->elen = len;
	}
}

static int raw_unbalanced(const char *m, size_t len)
{
	size_t n = 0;

	for (const char *q = m; (q = memchr(q, '`', (size_t)(m + len - q))); q++)
		n++;
	return (int)(n & 1);
}

bool esc_is_test_file(const char *path, size_t len)
{
	return esc_has_suffix(path, len, ESC_LIT("_test.go")) || esc_has_suffix(path, len, ESC_LIT("_testmain.go"));
}

/* ---- records and blocks ------------------------------------------------------ */

static int path_ids(gomem_escape_parser *p, const struct esc_pos *ps, uint32_t *path, uint32_t *file)
{
	gomem_escape_set *s = p->set;
	int rc;

	if (ps->plen == p->last_path_len && p->last_pkg == p->pkg && ps->plen < sizeof(p->last_path) &&
	    memcmp(ps->path, p->last_path, ps->plen) == 0) {
		*path = p->last_path_id;
		*file = p->last_file_id;
		return GOMEM_OK;
	}
	if ((rc = esc_intern(s, ps->path, ps->plen, path)) < 0 ||
	    (rc = esc_normalize_path(s, esc_str(s, p->pkg), gomem_strpool_len(&s->sp, p->pkg), ps->path,
				     ps->plen, file)) < 0)
		return rc;
	if (ps->plen < sizeof(p->last_path)) {
		memcpy(p->last_path, ps->path, ps->plen);
		p->last_path_len = ps->plen;
		p->last_path_id = *path;
		p->last_file_id = *file;
		p->last_pkg = p->pkg;
	}
	return GOMEM_OK;
}

/* The normalised expression of V, whose expression has id EXPR: most are
 * their own normal form (a name, "&T{...}"), and then no second lookup. */
static int normalized_of(gomem_escape_parser *p, const struct esc_verdict *v, uint32_t expr, uint32_t *id)
{
	size_t n;

	if (v->elen + 4 > p->norm_cap)
		return esc_normalized_id(p, v->expr, v->elen, id);
	n = gomem_escape_normalize(p->norm, p->norm_cap, v->expr, v->elen);
	if (n == v->elen && memcmp(p->norm, v->expr, n) == 0) {
		*id = expr;
		return GOMEM_OK;
	}
	return esc_intern(p->set, p->norm, n, id);
}

int esc_add_verdict(gomem_escape_parser *p, const struct esc_pos *ps, const struct esc_verdict *v, size_t *idx)
{
	gomem_escape_set *s = p->set;
	struct esc_rec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.package = p->pkg;
	r.variant = p->variant;
	r.detail = r.compiler_function = s->empty;
	if ((rc = path_ids(p, ps, &r.path, &r.file)) < 0 || (rc = esc_intern(s, ps->msg, ps->mlen, &r.message)) < 0 ||
	    (rc = esc_intern(s, v->expr, v->elen, &r.expression)) < 0 ||
	    (rc = normalized_of(p, v, r.expression, &r.normalized)) < 0 ||
	    (v->dlen && (rc = esc_intern(s, v->detail, v->dlen, &r.detail)) < 0) ||
	    (v->flen && (rc = esc_intern(s, v->func, v->flen, &r.compiler_function)) < 0))
		return rc;
	r.key_detail = r.detail;
	if (v->kind == GOMEM_ESCAPE_LEAKING_RESULT && (rc = esc_intern(s, v->root, v->rlen, &r.key_detail)) < 0)
		return rc;
	r.function = s->empty;
	r.identity = s->empty;
	r.line = ps->line;
	r.column = ps->col;
	r.kind = (uint8_t)v->kind;
	r.input_line = p->lb.lineno;
	if (p->test || esc_is_test_file(ps->path, ps->plen))
		r.flags |= GOMEM_ESCAPE_F_TEST;
	if (ps->plen && ps->path[0] == '<')
		r.flags |= GOMEM_ESCAPE_F_AUTOGEN;
	rc = esc_rec_merge(s, &r, idx);
	return rc < 0 ? rc : GOMEM_OK;
}

int esc_add_block(gomem_escape_parser *p, const struct esc_pos *ps, const struct esc_verdict *v, size_t *idx)
{
	gomem_escape_set *s = p->set;
	struct esc_block *b;
	uint32_t path;
	int rc;

	if ((rc = GOMEM_GROW(s->blocks, s->blocks_cap, s->nblocks + 1, (size_t)UINT32_MAX)) < 0)
		return rc;
	b = &s->blocks[s->nblocks];
	memset(b, 0, sizeof(*b));
	b->package = p->pkg;
	b->line = ps->line;
	b->column = ps->col;
	b->cls = v->kind == GOMEM_ESCAPE_ESCAPES ? ESC_BLOCK_ESCAPE : ESC_BLOCK_LEAK;
	b->derefs = v->derefs;
	b->flow_off = (uint32_t)s->nflows;
	if ((rc = path_ids(p, ps, &path, &b->file)) < 0 ||
	    (rc = esc_intern(s, v->expr, v->elen, &b->expression)) < 0 ||
	    (rc = esc_intern(s, v->root ? v->root : "", v->rlen, &b->root)) < 0 ||
	    (rc = esc_intern(s, v->func ? v->func : "", v->flen, &b->function)) < 0)
		return rc;
	*idx = s->nblocks++;
	return GOMEM_OK;
}

/* "from WHERE (WHY) at POS": WHERE, WHY and the position after " at ". */
static int parse_from(gomem_escape_set *s, struct esc_flow *f, const char *m, size_t len)
{
	const char *end = m + len, *at = NULL, *q, *open;
	int rc;

	for (q = m; (q = esc_find(q, (size_t)(end - q), ESC_LIT(") at "))); q++)
		at = q;
	q = at ? at : end;
	if (!at && q > m && q[-1] == ')')
		q--;
	for (open = q; open > m + 5 && *open != '('; open--)
		;
	if (open > m + 5 && q > open) {
		if ((rc = esc_intern(s, m + 5, (size_t)(open - m - 6), &f->where)) < 0 ||
		    (rc = esc_intern(s, open + 1, (size_t)(q - open - 1), &f->reason)) < 0)
			return rc;
	}
	if (at) {
		/* "f.go:23:9" (or "f.go:23") has no ": msg" after it: from the end */
		const char *c = end, *ln;
		uint32_t a = 0, b = 0;

		while (c > at + 5 && c[-1] != ':')
			c--;
		ln = c;
		if (esc_parse_uint(&ln, end, &b) && ln == end && c - 1 > at + 5) {
			const char *c2 = c - 1;

			while (c2 > at + 5 && c2[-1] != ':')
				c2--;
			ln = c2;
			if (esc_parse_uint(&ln, c - 1, &a) && ln == c - 1 && c2 - 1 > at + 5) {
				f->line = a;
				f->column = b;
				return esc_intern(s, at + 5, (size_t)(c2 - 1 - at - 5), &f->file);
			}
			f->line = b;
			return esc_intern(s, at + 5, (size_t)(c - 1 - at - 5), &f->file);
		}
	}
	return GOMEM_OK;
}

int esc_add_flow(gomem_escape_parser *p, size_t idx, const char *m, size_t len, struct esc_flow **out)
{
	gomem_escape_set *s = p->set;
	struct esc_block *b = &s->blocks[idx];
	struct esc_flow f;
	const char *t;
	int rc;

	*out = NULL;
	if (b->flow_off + b->nflow != s->nflows)
		return GOMEM_OK; /* another block came in between: this one is closed */
	while (len && *m == ' ')
		m++, len--;
	memset(&f, 0, sizeof(f));
	f.dst = f.src = f.where = f.reason = f.file = s->empty;
	if ((rc = GOMEM_GROW(s->flows, s->flows_cap, s->nflows + 1, (size_t)UINT32_MAX)) < 0 ||
	    (rc = esc_intern(s, m, len, &f.text)) < 0)
		return rc;
	/* "flow: DST = SRC:" through Go 1.23; newer compilers print U+2190,
	 * "flow: DST ← SRC:" */
	if (esc_has_prefix(m, len, ESC_LIT("flow: ")) &&
	    ((t = esc_find(m + 6, len - 6, ESC_LIT(" = "))) != NULL ||
	     (t = esc_find(m + 6, len - 6, ESC_LIT(" \xe2\x86\x90 "))) != NULL)) {
		size_t arrow = t[1] == '=' ? 3 : 5;
		const char *end = m + len;

		f.is_flow = true;
		if ((rc = esc_intern(s, m + 6, (size_t)(t - m - 6), &f.dst)) < 0 ||
		    (rc = esc_intern(s, t + arrow, (size_t)(end - t - arrow) - (end[-1] == ':'), &f.src)) < 0)
			return rc;
	} else if (esc_has_prefix(m, len, ESC_LIT("from ")) && (rc = parse_from(s, &f, m, len)) < 0) {
		return rc;
	}
	s->flows[s->nflows] = f;
	*out = &s->flows[s->nflows++];
	s->blocks[idx].nflow++;
	return GOMEM_OK;
}

/* ---- the line handler ------------------------------------------------------- */

static int section_header(gomem_escape_parser *p, const char *l, size_t len)
{
	const char *br = memchr(l, ' ', len);
	size_t n = br ? (size_t)(br - l) : len;
	int rc;

	p->test = br != NULL || esc_has_suffix(l, n, ESC_LIT(".test")) || esc_has_suffix(l, n, ESC_LIT("_test"));
	if (esc_has_suffix(l, n, ESC_LIT(".test")))
		n -= 5;
	if ((rc = esc_intern(p->set, l, n, &p->pkg)) < 0 || (rc = esc_intern(p->set, l, len, &p->variant)) < 0)
		return rc;
	p->block = 0;
	p->skip_block = false;
	return GOMEM_OK;
}

static int append_open(gomem_escape_parser *p, const char *l, size_t len)
{
	gomem_escape_set *s = p->set;
	struct esc_rec *r = &s->recs[p->open_rec - 1];
	struct esc_verdict v;
	const char *m;
	size_t n;
	int rc;

	if ((rc = gomem_buf_append(&p->msg, "\n", 1)) < 0 || (rc = gomem_buf_append(&p->msg, l, len)) < 0)
		return rc;
	m = p->msg.data;
	n = p->msg.len;
	if (raw_unbalanced(m, n))
		return GOMEM_OK;
	p->open_rec = 0;
	/* the message is whole now: classify it again and rewrite the record */
	memset(&v, 0, sizeof(v));
	esc_classify_escape(m, n, &v);
	if (!v.kind)
		classify_other(m, n, &v);
	if (v.header) {
		r->kind = GOMEM_ESCAPE_UNKNOWN; /* an explanation header: no record */
		return GOMEM_OK;
	}
	if (!v.kind)
		return GOMEM_OK;
	if ((rc = esc_intern(s, m, n, &r->message)) < 0 || (rc = esc_intern(s, v.expr, v.elen, &r->expression)) < 0 ||
	    (rc = esc_normalized_id(p, v.expr, v.elen, &r->normalized)) < 0)
		return rc;
	r->kind = (uint8_t)v.kind;
	return GOMEM_OK;
}

/* Whether the explanation of header V is worth keeping: its flows (when
 * chains are kept, and for a leak only with keep_non_escape) or the
 * function the compiler named in it. */
static bool block_wanted(const gomem_escape_parser *p, const struct esc_verdict *v)
{
	bool flows = !p->opts.no_flows && (v->kind == GOMEM_ESCAPE_ESCAPES || p->opts.keep_non_escape);

	return flows || v->flen > 0;
}

static int explanation_line(gomem_escape_parser *p, const struct esc_pos *ps)
{
	struct esc_flow *f;

	if (!p->block || p->skip_block || ps->line != p->block_line || ps->col != p->block_col)
		return GOMEM_OK;
	if (p->opts.no_flows || (!p->opts.keep_non_escape && p->set->blocks[p->block - 1].cls != ESC_BLOCK_ESCAPE))
		return GOMEM_OK;
	return esc_add_flow(p, p->block - 1, ps->msg, ps->mlen, &f);
}

static int header_line(gomem_escape_parser *p, const struct esc_pos *ps, const struct esc_verdict *v)
{
	size_t idx;
	int rc;

	p->block = 0;
	p->skip_block = true;
	p->block_line = ps->line;
	p->block_col = ps->col;
	if (!block_wanted(p, v))
		return GOMEM_OK;
	if ((rc = esc_add_block(p, ps, v, &idx)) < 0)
		return rc;
	p->block = idx + 1;
	p->skip_block = false;
	return GOMEM_OK;
}

static int unknown_line(gomem_escape_parser *p, const struct esc_pos *ps, struct esc_verdict *v)
{
	const char *m = ps->msg;
	size_t len = ps->mlen;

	if (!raw_unbalanced(m, len))
		return esc_add_diag(p->set, p->pkg, p->name, ps->path, (size_t)(m + len - ps->path), p->lb.lineno, 0,
				    true);
	/* a raw string spills onto the next lines: keep it as a record and
	 * finish it when the backquotes balance */
	v->kind = GOMEM_ESCAPE_OTHER;
	v->expr = m;
	v->elen = len;
	return 1;
}

static int positioned_line(gomem_escape_parser *p, struct esc_pos *ps)
{
	const char *m = ps->msg;
	size_t len = ps->mlen, idx;
	struct esc_verdict v;
	int rc;

	if (len >= 2 && m[0] == ' ' && m[1] == ' ')
		return explanation_line(p, ps);
	memset(&v, 0, sizeof(v));
	esc_classify_escape(m, len, &v);
	if (v.header)
		return header_line(p, ps, &v);
	p->block = 0;
	if (v.kind && !p->opts.keep_non_escape &&
	    (!gomem_escape_kind_is_escape(v.kind) || (p->opts.heap_only && !gomem_escape_kind_is_heap(v.kind))))
		return GOMEM_OK;
	if (!v.kind) {
		classify_other(m, len, &v);
		if (!v.kind) {
			if ((rc = unknown_line(p, ps, &v)) <= 0)
				return rc;
		} else if (!p->opts.keep_non_escape && !raw_unbalanced(m, len)) {
			return GOMEM_OK;
		}
	}
	if ((rc = esc_add_verdict(p, ps, &v, &idx)) < 0)
		return rc;
	if (raw_unbalanced(m, len)) {
		p->open_rec = idx + 1;
		p->msg.len = 0;
		return gomem_buf_append(&p->msg, m, len);
	}
	return GOMEM_OK;
}

/* Whether L is an explanation line of the last position (most of an -m=2
 * log): then PS is that position, without parsing it again. */
static bool same_position_explanation(gomem_escape_parser *p, const char *l, size_t len, struct esc_pos *ps)
{
	size_t n = p->prefix_len;

	if (!n || len < n + 2 || l[n] != ' ' || l[n + 1] != ' ' || memcmp(l, p->prefix, n) != 0)
		return false;
	ps->path = l;
	ps->plen = p->prefix_plen;
	ps->line = p->prefix_line;
	ps->col = p->prefix_col;
	ps->msg = l + n;
	ps->mlen = len - n;
	return true;
}

static int handle_line(gomem_escape_parser *p, const char *l, size_t len)
{
	struct esc_pos ps;

	if (p->open_rec)
		return append_open(p, l, len);
	if (len == 0)
		return GOMEM_OK;
	if (same_position_explanation(p, l, len, &ps))
		return explanation_line(p, &ps);
	if (esc_parse_pos(l, len, &ps)) {
		size_t n = (size_t)(ps.msg - l);

		p->prefix_len = n < sizeof(p->prefix) ? n : 0;
		if (p->prefix_len) {
			memcpy(p->prefix, l, n);
			p->prefix_plen = ps.plen;
			p->prefix_line = ps.line;
			p->prefix_col = ps.col;
		}
		return positioned_line(p, &ps);
	}
	if (len > 2 && l[0] == '#' && l[1] == ' ')
		return section_header(p, l + 2, len - 2);
	return esc_add_diag(p->set, p->pkg, p->name, l, len, p->lb.lineno, 0, false);
}

/* ---- the push API ------------------------------------------------------------ */

int gomem_escape_parser_new(gomem_escape_parser **out, const char *name, const gomem_escape_options *opts)
{
	return esc_parser_init(out, name, opts);
}

static int drain(gomem_escape_parser *p)
{
	const char *l;
	size_t len;
	int rc;

	while ((rc = gomem_linebuf_next(&p->lb, &l, &len)) > 0)
		if ((rc = handle_line(p, l, len)) < 0)
			break;
	if (rc < 0)
		return gomem_error_at_line(&p->err, rc, p->lb.lineno + 1, 0, "%s",
					   rc == GOMEM_E_LIMIT ? "line or record limit reached" : gomem_strerror(rc));
	return GOMEM_OK;
}

int gomem_escape_parser_feed(gomem_escape_parser *p, const void *data, size_t len)
{
	if (p->err.code)
		return p->err.code;
	gomem_linebuf_feed(&p->lb, data, len);
	return drain(p);
}

const gomem_error *gomem_escape_parser_error(const gomem_escape_parser *p)
{
	return p && p->err.code ? &p->err : NULL;
}

int gomem_escape_parser_finish(gomem_escape_set **out, gomem_escape_parser *p)
{
	int rc;

	*out = NULL;
	if (p->err.code)
		return p->err.code;
	gomem_linebuf_finish(&p->lb);
	if ((rc = drain(p)) < 0)
		return rc;
	if (p->open_rec)
		esc_add_diag(p->set, p->set->empty, p->name, ESC_LIT("input ended inside a multi-line message"),
			     p->lb.lineno, 0, false);
	if ((rc = esc_set_finish(p->set, &p->opts)) < 0)
		return gomem_error_set(&p->err, rc, "%s", gomem_strerror(rc));
	*out = p->set;
	p->set = NULL;
	return GOMEM_OK;
}

int gomem_escape_from_buffer(gomem_escape_set **out, const void *data, size_t len, const char *name,
			     const gomem_escape_options *opts, gomem_error *err)
{
	gomem_escape_parser *p;
	int rc;

	*out = NULL;
	if ((rc = gomem_escape_parser_new(&p, name, opts)) < 0)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	if ((rc = gomem_escape_parser_feed(p, data, len)) >= 0)
		rc = gomem_escape_parser_finish(out, p);
	if (rc < 0)
		gomem_error_copy(err, &p->err);
	gomem_escape_parser_free(p);
	return rc;
}
