/* SPDX-License-Identifier: Apache-2.0 */
/* escape.c — Go escape-analysis diagnostics: the -m/-m=2 text parser, the
 * -json=0 directory reader, normalisation of expressions and the identity
 * that lets two builds be compared. Aggregation, diff and baseline live in
 * escape_report.c, on the public view only. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gomem-internal.h"

#define DEFAULT_MAX_LINE ((size_t)1 << 20)
#define DEFAULT_MAX_RECORDS ((size_t)1 << 26)
#define MAX_DIAGNOSTICS 10000
#define MAX_SOURCE_FILE ((long)64 << 20)

struct rec {
	uint32_t package, variant, path, file, message, expression, normalized;
	uint32_t detail, function, compiler_function, identity;
	uint32_t line, column, occurrence;
	uint32_t flow_off, nflow;
	uint8_t kind;
	uint8_t flags;
	uint64_t hash, input_line;
};

struct flowrec {
	uint32_t text, dst, src, where, reason, file;
	uint32_t line, column;
	bool is_flow;
};

struct diag {
	uint32_t package, source, message;
	uint64_t line, column;
	bool is_compile_error;
};

struct gomem_escape_set {
	gomem_strpool sp;
	struct rec *recs;
	size_t nrecs, recs_cap, max_records;
	struct flowrec *flows;
	size_t nflows, flows_cap;
	struct diag *diags;
	size_t ndiags, diags_cap;
	uint64_t dropped_diags, duplicates;
	uint32_t *dedup;        /* open addressing over record index+1, while building */
	size_t dedup_cap;
	uint32_t *byhash;       /* identity lookup over index+1, after finish */
	size_t byhash_cap;
	gomem_escape_flow *fviews; /* views of flows, built by finish */
	uint32_t empty;         /* id of "" */
	bool finished;
};

/* ---- small helpers -------------------------------------------------------- */

static int intern(gomem_escape_set *s, const char *p, size_t len, uint32_t *id)
{
	return gomem_strpool_intern(&s->sp, p, len, id);
}

static const char *str(const gomem_escape_set *s, uint32_t id)
{
	return gomem_strpool_get(&s->sp, id);
}

static bool has_prefix(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(p, lit, n) == 0;
}

static bool has_suffix(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(p + len - n, lit, n) == 0;
}

static const char *find(const char *p, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	for (size_t i = 0; i + n <= len; i++) {
		const char *q = memchr(p + i, lit[0], len - n + 1 - i);

		if (!q)
			return NULL;
		if (memcmp(q, lit, n) == 0)
			return q;
		i = (size_t)(q - p);
	}
	return NULL;
}

static bool is_ident(unsigned char c)
{
	return c == '_' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80;
}

static int set_new(gomem_escape_set **out)
{
	gomem_escape_set *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return GOMEM_E_NOMEM;
	gomem_strpool_init(&s->sp);
	s->max_records = DEFAULT_MAX_RECORDS;
	if (intern(s, "", 0, &s->empty) < 0) {
		free(s);
		return GOMEM_E_NOMEM;
	}
	*out = s;
	return GOMEM_OK;
}

void gomem_escape_set_free(gomem_escape_set *s)
{
	if (!s)
		return;
	gomem_strpool_free(&s->sp);
	free(s->recs);
	free(s->flows);
	free(s->fviews);
	free(s->diags);
	free(s->dedup);
	free(s->byhash);
	free(s);
}

static int add_diag(gomem_escape_set *s, const char *pkg, size_t pkglen, const char *source,
		    const char *msg, size_t msglen, uint64_t line, uint64_t col, bool compile_error)
{
	struct diag *d;
	int rc;

	if (s->ndiags >= MAX_DIAGNOSTICS) {
		s->dropped_diags++;
		return GOMEM_OK;
	}
	if ((rc = GOMEM_GROW(s->diags, s->diags_cap, s->ndiags + 1, MAX_DIAGNOSTICS)) < 0)
		return rc;
	d = &s->diags[s->ndiags];
	memset(d, 0, sizeof(*d));
	if ((rc = intern(s, pkg, pkglen, &d->package)) < 0 ||
	    (rc = intern(s, source, strlen(source), &d->source)) < 0 ||
	    (rc = intern(s, msg, msglen > 512 ? 512 : msglen, &d->message)) < 0)
		return rc;
	d->line = line;
	d->column = col;
	d->is_compile_error = compile_error;
	s->ndiags++;
	return GOMEM_OK;
}

/* ---- kinds ------------------------------------------------------------------ */

const char *gomem_escape_kind_name(gomem_escape_kind kind)
{
	switch (kind) {
	case GOMEM_ESCAPE_MOVED_TO_HEAP: return "moved";
	case GOMEM_ESCAPE_ESCAPES: return "escapes";
	case GOMEM_ESCAPE_LEAKING_PARAM: return "leak";
	case GOMEM_ESCAPE_LEAKING_CONTENT: return "leak-content";
	case GOMEM_ESCAPE_LEAKING_RESULT: return "leak-result";
	case GOMEM_ESCAPE_DOES_NOT_ESCAPE: return "no-escape";
	case GOMEM_ESCAPE_CAN_INLINE: return "can-inline";
	case GOMEM_ESCAPE_CANNOT_INLINE: return "cannot-inline";
	case GOMEM_ESCAPE_INLINING_CALL: return "inline-call";
	case GOMEM_ESCAPE_DEVIRTUALIZING: return "devirtualize";
	case GOMEM_ESCAPE_CAPTURING: return "capture";
	case GOMEM_ESCAPE_OTHER: return "other";
	default: return "unknown";
	}
}

bool gomem_escape_kind_is_heap(gomem_escape_kind kind)
{
	return kind == GOMEM_ESCAPE_MOVED_TO_HEAP || kind == GOMEM_ESCAPE_ESCAPES;
}

bool gomem_escape_kind_is_escape(gomem_escape_kind kind)
{
	return kind >= GOMEM_ESCAPE_MOVED_TO_HEAP && kind <= GOMEM_ESCAPE_DOES_NOT_ESCAPE;
}

/* ---- normalisation ---------------------------------------------------------- */

struct nbuf {
	char *out;
	size_t size, len;
};

static void nput(struct nbuf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++, b->len++)
		if (b->len + 1 < b->size)
			b->out[b->len] = p[i];
}

/* Index just past a quoted literal starting at I (quote Q). */
static size_t skip_literal(const char *e, size_t len, size_t i)
{
	char q = e[i++];

	while (i < len && e[i] != q) {
		if (q != '`' && e[i] == '\\' && i + 1 < len)
			i++;
		i++;
	}
	return i < len ? i + 1 : len;
}

/* Index of the bracket closing the one at I, or LEN. */
static size_t match_close(const char *e, size_t len, size_t i)
{
	int depth = 0;

	while (i < len) {
		char c = e[i];

		if (c == '"' || c == '`' || c == '\'') {
			i = skip_literal(e, len, i);
			continue;
		}
		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && --depth == 0)
			return i;
		i++;
	}
	return len;
}

/* Where the callee that ends at OUT[len] starts: identifiers, dots and
 * balanced brackets ("fmt.Sprint", "([]byte)", "Generic[int]"). */
static size_t callee_start(const struct nbuf *b)
{
	size_t i = b->len < b->size ? b->len : b->size - 1;

	while (i > 0) {
		char c = b->out[i - 1];

		if (is_ident((unsigned char)c) || c == '.') {
			i--;
		} else if (c == ')' || c == ']') {
			char open = c == ')' ? '(' : '[';
			int depth = 0;

			while (i > 0) {
				char d = b->out[--i];

				if (d == c)
					depth++;
				else if (d == open && --depth == 0)
					break;
			}
		} else {
			break;
		}
	}
	return i;
}

static bool temp_at(const char *e, size_t len, size_t i, size_t *end)
{
	size_t j = i + 1;

	if (e[i] == '~' && j < len && is_ident((unsigned char)e[j])) {
		while (j < len && is_ident((unsigned char)e[j]))
			j++;
		*end = j;
		return true;
	}
	if (e[i] == '.' && (i == 0 || !is_ident((unsigned char)e[i - 1]))) {
		if (has_prefix(e + i, len - i, ".this") || has_prefix(e + i, len - i, ".autotmp_")) {
			while (j < len && is_ident((unsigned char)e[j]))
				j++;
			*end = j;
			return true;
		}
	}
	if (e[i] == '<' && j < len && e[j] >= '0' && e[j] <= '9') {
		while (j < len && e[j] >= '0' && e[j] <= '9')
			j++;
		if (j < len && e[j] == '>') {
			*end = j + 1;
			return true;
		}
	}
	return false;
}

size_t gomem_escape_normalize(char *out, size_t size, const char *e, size_t len)
{
	struct nbuf b = {out, size, 0};
	size_t i = 0, end;

	while (i < len) {
		char c = e[i];

		if (c == '"' || c == '`' || c == '\'') {
			end = skip_literal(e, len, i);
			nput(&b, e + i, end - i);
			i = end;
		} else if (temp_at(e, len, i, &end)) {
			nput(&b, "~", 1);
			i = end;
		} else if (c == '(' && b.len > 0 && b.len <= b.size &&
			   (is_ident((unsigned char)out[b.len - 1]) || out[b.len - 1] == ')' ||
			    out[b.len - 1] == ']')) {
			size_t close = match_close(e, len, i), start = callee_start(&b);

			if (start == 0 && close + 1 >= len) {
				nput(&b, "(~)", 3);
			} else {
				b.len = start;
				nput(&b, "~", 1);
			}
			i = close + 1;
		} else if (has_prefix(e + i, len - i, "go.shape.")) {
			/* go1.19 prints shape types with a _N suffix that newer toolchains drop */
			size_t j = i + 9;

			while (j < len && (is_ident((unsigned char)e[j]) || e[j] == '.'))
				j++;
			end = j;
			while (end > i + 9 && e[end - 1] >= '0' && e[end - 1] <= '9')
				end--;
			if (end < j && e[end - 1] == '_')
				end--;
			else
				end = j;
			nput(&b, e + i, end - i);
			i = j;
		} else {
			nput(&b, &c, 1);
			i++;
		}
	}
	if (size)
		out[b.len < size ? b.len : size - 1] = '\0';
	return b.len;
}

/* ---- records and deduplication ---------------------------------------------- */

/* Moved and escapes share a key: -m=2 headers say "escapes" before the
 * verdict says "moved", and -json never says "moved". */
static unsigned kind_class(unsigned kind)
{
	return kind == GOMEM_ESCAPE_MOVED_TO_HEAP ? GOMEM_ESCAPE_ESCAPES : kind;
}

static uint64_t rec_key_hash(const struct rec *r)
{
	uint32_t k[7] = {r->package, r->file, r->line, r->column, kind_class(r->kind), r->normalized,
			 r->detail};

	return gomem_hash_bytes(k, sizeof(k));
}

static bool rec_key_eq(const struct rec *a, const struct rec *b)
{
	return a->package == b->package && a->file == b->file && a->line == b->line &&
	       a->column == b->column && kind_class(a->kind) == kind_class(b->kind) &&
	       a->normalized == b->normalized && a->detail == b->detail;
}

static int dedup_grow(gomem_escape_set *s)
{
	size_t cap = s->dedup_cap ? s->dedup_cap * 2 : 1024;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < s->nrecs; i++) {
		size_t h = (size_t)rec_key_hash(&s->recs[i]) & (cap - 1);

		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = (uint32_t)i + 1;
	}
	free(s->dedup);
	s->dedup = t;
	s->dedup_cap = cap;
	return GOMEM_OK;
}

/* Adds R, or finds the equal record already there: *idx is its index and
 * the return value 1 when it existed. */
static int rec_add(gomem_escape_set *s, const struct rec *r, size_t *idx)
{
	size_t h;
	int rc;

	if ((s->nrecs + 1) * 2 > s->dedup_cap && (rc = dedup_grow(s)) < 0)
		return rc;
	h = (size_t)rec_key_hash(r) & (s->dedup_cap - 1);
	while (s->dedup[h]) {
		if (rec_key_eq(&s->recs[s->dedup[h] - 1], r)) {
			*idx = s->dedup[h] - 1;
			return 1;
		}
		h = (h + 1) & (s->dedup_cap - 1);
	}
	if (s->nrecs >= s->max_records)
		return GOMEM_E_LIMIT;
	if ((rc = GOMEM_GROW(s->recs, s->recs_cap, s->nrecs + 1, s->max_records)) < 0)
		return rc;
	s->recs[s->nrecs] = *r;
	s->dedup[h] = (uint32_t)s->nrecs + 1;
	*idx = s->nrecs++;
	return 0;
}

/* Merges a sighting of R into the set: a verdict completes a header record,
 * a non-test sighting clears the test flag; an exact repeat is counted. */
static int rec_merge(gomem_escape_set *s, const struct rec *r, bool verdict, size_t *idx)
{
	int rc = rec_add(s, r, idx);
	struct rec *e;

	if (rc <= 0)
		return rc;
	e = &s->recs[*idx];
	if (!(r->flags & GOMEM_ESCAPE_F_TEST))
		e->flags &= (uint8_t)~GOMEM_ESCAPE_F_TEST;
	if (verdict && (e->flags & GOMEM_ESCAPE_F_NO_VERDICT)) {
		e->flags &= (uint8_t)~GOMEM_ESCAPE_F_NO_VERDICT;
		e->kind = r->kind;
		e->message = r->message;
		e->expression = r->expression; /* the verdict's spelling is -m's */
	} else {
		s->duplicates++;
	}
	if (!e->compiler_function)
		e->compiler_function = r->compiler_function;
	return 1;
}

/* ---- paths --------------------------------------------------------------- */

/* The normalised file of PATH in package PKG (see escape.h). */
static int normalize_path(gomem_escape_set *s, const char *pkg, size_t pkglen, const char *path,
			  size_t plen, uint32_t *id)
{
	const char *base = path + plen, *dir = path, *t;
	size_t dlen, k;
	char buf[4096];
	int n;

	while (base > path && base[-1] != '/')
		base--;
	dlen = base > path ? (size_t)(base - path) - 1 : 0;
	if (path[0] == '<' || plen + pkglen + 2 >= sizeof(buf))
		return intern(s, path, plen, id);
	if ((t = find(path, plen, "/go-build")) && has_prefix(path, plen, "/")) {
		n = snprintf(buf, sizeof(buf), "$WORK/%.*s", (int)(path + plen - base), base);
		return intern(s, buf, (size_t)n, id);
	}
	if (has_prefix(path, plen, "./")) {
		/* cmd/go rewrote the package dir to ".": the rest is package-relative,
		 * and a stale cache replay keeps that meaning */
		n = snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)pkglen, pkg, (int)(plen - 2), path + 2);
		return intern(s, buf, (size_t)n, id);
	}
	if (dlen == 0) {
		n = snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)pkglen, pkg, (int)plen, path);
		return intern(s, buf, (size_t)n, id);
	}
	/* the longest tail of the package path that the directory ends with */
	for (k = 0; k < pkglen; k++) {
		const char *tail = pkg + k;
		size_t tlen = pkglen - k;

		if (k > 0 && pkg[k - 1] != '/')
			continue;
		if (dlen >= tlen && memcmp(dir + dlen - tlen, tail, tlen) == 0 &&
		    (dlen == tlen || dir[dlen - tlen - 1] == '/')) {
			n = snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)pkglen, pkg,
				     (int)(path + plen - base), base);
			return intern(s, buf, (size_t)n, id);
		}
	}
	if (path[0] == '/' && (t = find(path, plen, "/src/"))) {
		const char *last = t;

		while ((t = find(last + 1, plen - (size_t)(last + 1 - path), "/src/")))
			last = t;
		return intern(s, last + 5, plen - (size_t)(last + 5 - path), id);
	}
	return intern(s, path, plen, id);
}

/* ---- the text parser ------------------------------------------------------- */

struct gomem_escape_parser {
	gomem_escape_set *set;
	gomem_escape_options opts;
	gomem_linebuf lb;
	gomem_error err;
	char *name;
	uint32_t pkg, variant;   /* current section */
	bool test;
	/* cache of the last position prefix's path */
	char last_path[512];
	size_t last_path_len;
	uint32_t last_path_id, last_file_id, last_pkg;
	/* the open explanation block (-m=2) */
	size_t block;            /* record index + 1, 0 none */
	uint32_t block_path, block_line, block_col;
	/* a message with an unbalanced raw string: the record to append to */
	size_t open_rec;         /* record index + 1 */
	gomem_buf msg;           /* the growing message */
	char *norm;              /* scratch for normalisation */
	size_t norm_cap;
};

struct pos {
	const char *path;
	size_t plen;
	uint32_t line, col;
	const char *msg;
	size_t mlen;
};

static bool parse_uint(const char **p, const char *end, uint32_t *v)
{
	uint64_t x = 0;
	const char *q = *p;

	while (q < end && *q >= '0' && *q <= '9' && x < UINT32_MAX)
		x = x * 10 + (uint64_t)(*q++ - '0');
	if (q == *p || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	*p = q;
	return true;
}

/* "path:line:col: msg" or "path:line: msg". */
static bool parse_pos(const char *l, size_t len, struct pos *ps)
{
	const char *end = l + len, *c = l;

	while ((c = memchr(c, ':', (size_t)(end - c)))) {
		const char *q = c + 1;

		if (c > l && parse_uint(&q, end, &ps->line)) {
			ps->col = 0;
			if (q < end && *q == ':' && q + 1 < end && q[1] >= '0' && q[1] <= '9') {
				q++;
				if (!parse_uint(&q, end, &ps->col))
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

static int normalized_id(gomem_escape_parser *p, const char *e, size_t len, uint32_t *id)
{
	size_t need = len + 4;

	if (need > p->norm_cap) {
		char *n = realloc(p->norm, need);

		if (!n)
			return GOMEM_E_NOMEM;
		p->norm = n;
		p->norm_cap = need;
	}
	len = gomem_escape_normalize(p->norm, p->norm_cap, e, len);
	return intern(p->set, p->norm, len, id);
}

struct verdict {
	unsigned kind;
	const char *expr, *detail, *func;
	size_t elen, dlen, flen;
	bool header;      /* an -m=2 explanation header (ends in ':') */
};

#define LIT(s) s, sizeof(s) - 1

static bool strip_suffix(const char *m, size_t *len, const char *lit)
{
	if (!has_suffix(m, *len, lit))
		return false;
	*len -= strlen(lit);
	return true;
}

/* "parameter p leaks to DST with derefs=N:" (and tip's "... for F with"). */
static bool classify_leak_header(const char *m, size_t len, struct verdict *v)
{
	const char *to = find(m, len, " leaks to "), *w, *d;
	const char *end = m + len;

	if (!has_prefix(m, len, "parameter ") || !to || !(w = find(to, (size_t)(end - to), " with derefs=")))
		return false;
	v->expr = m + 10;
	v->elen = (size_t)(to - v->expr);
	d = to + 10;
	if ((v->func = find(d, (size_t)(w - d), " for "))) {
		v->flen = (size_t)(w - v->func - 5);
		v->func += 5;
		w = v->func - 5;
	}
	v->detail = d;
	v->dlen = (size_t)(w - d);
	d = find(to, (size_t)(end - to), " with derefs=") + 13;
	if (v->dlen == 6 && memcmp(v->detail, "{heap}", 6) == 0) {
		v->kind = *d == '0' ? GOMEM_ESCAPE_LEAKING_PARAM : GOMEM_ESCAPE_LEAKING_CONTENT;
		v->dlen = 0;
	} else {
		/* the -m=1 verdict says "~r0 level=N": keep one spelling */
		v->kind = GOMEM_ESCAPE_LEAKING_RESULT;
		v->dlen = (size_t)(end - v->detail) - (*(end - 1) == ':');
	}
	v->header = true;
	return true;
}

static void classify_escape(const char *m, size_t len, struct verdict *v)
{
	size_t n = len;
	const char *t;

	if (has_prefix(m, len, "moved to heap: ")) {
		v->kind = GOMEM_ESCAPE_MOVED_TO_HEAP;
		v->expr = m + 15;
		v->elen = len - 15;
	} else if (has_prefix(m, len, "leaking param content: ")) {
		v->kind = GOMEM_ESCAPE_LEAKING_CONTENT;
		v->expr = m + 23;
		v->elen = len - 23;
	} else if (has_prefix(m, len, "leaking param: ")) {
		v->expr = m + 15;
		v->elen = len - 15;
		v->kind = GOMEM_ESCAPE_LEAKING_PARAM;
		if ((t = find(v->expr, v->elen, " to result "))) {
			v->kind = GOMEM_ESCAPE_LEAKING_RESULT;
			v->detail = t + 11;
			v->dlen = (size_t)(m + len - v->detail);
			v->elen = (size_t)(t - v->expr);
		}
	} else if (strip_suffix(m, &n, " escapes to heap:") || strip_suffix(m, &n, " escapes to heap")) {
		v->kind = GOMEM_ESCAPE_ESCAPES;
		v->header = m[len - 1] == ':';
		v->expr = m;
		v->elen = n;
	} else if (strip_suffix(m, &n, ":") && (t = find(m, n, " escapes to heap in "))) {
		v->kind = GOMEM_ESCAPE_ESCAPES; /* tip: "X escapes to heap in F:" */
		v->header = true;
		v->expr = m;
		v->elen = (size_t)(t - m);
		v->func = t + 20;
		v->flen = (size_t)(m + n - v->func);
	} else if (strip_suffix(m, &n, " does not escape")) {
		v->kind = GOMEM_ESCAPE_DOES_NOT_ESCAPE;
		v->expr = m;
		v->elen = n;
	} else {
		classify_leak_header(m, len, v);
	}
}

static void classify_other(const char *m, size_t len, struct verdict *v)
{
	static const struct { const char *lit; unsigned kind; } tab[] = {
		{"can inline ", GOMEM_ESCAPE_CAN_INLINE},
		{"cannot inline ", GOMEM_ESCAPE_CANNOT_INLINE},
		{"inlining call to ", GOMEM_ESCAPE_INLINING_CALL},
		{"devirtualizing ", GOMEM_ESCAPE_DEVIRTUALIZING},
		{"partially devirtualizing ", GOMEM_ESCAPE_DEVIRTUALIZING},
		{"PGO devirtualizing ", GOMEM_ESCAPE_DEVIRTUALIZING},
		{"failed to devirtualize ", GOMEM_ESCAPE_DEVIRTUALIZING},
		{"cannot devirtualize ", GOMEM_ESCAPE_DEVIRTUALIZING},
		{"should not PGO devirtualize ", GOMEM_ESCAPE_DEVIRTUALIZING},
		{"index bounds check elided", GOMEM_ESCAPE_OTHER},
		{"assuming ", GOMEM_ESCAPE_OTHER},
		{"marking ", GOMEM_ESCAPE_OTHER},
		{"zero-copy string->[]byte conversion", GOMEM_ESCAPE_OTHER},
		{"imprecise interface call", GOMEM_ESCAPE_OTHER},
		{"function ", GOMEM_ESCAPE_OTHER},
		{"unreferenced closure ", GOMEM_ESCAPE_OTHER},
		{"mutates param: ", GOMEM_ESCAPE_OTHER},
		{"calls param: ", GOMEM_ESCAPE_OTHER},
		{"Found Is", GOMEM_ESCAPE_OTHER},
	};
	const char *t;

	for (size_t i = 0; i < GOMEM_ARRAY_SIZE(tab); i++) {
		size_t n = strlen(tab[i].lit);

		if (has_prefix(m, len, tab[i].lit)) {
			v->kind = tab[i].kind;
			v->expr = m + n;
			v->elen = len - n;
			break;
		}
	}
	if (v->kind == GOMEM_ESCAPE_CAN_INLINE && (t = find(v->expr, v->elen, " with cost "))) {
		v->detail = t + 1;
		v->dlen = (size_t)(v->expr + v->elen - v->detail);
		v->elen = (size_t)(t - v->expr);
	} else if (v->kind == GOMEM_ESCAPE_CANNOT_INLINE && (t = find(v->expr, v->elen, ": "))) {
		v->detail = t + 2;
		v->dlen = (size_t)(v->expr + v->elen - v->detail);
		v->elen = (size_t)(t - v->expr);
	} else if (!v->kind && ((t = find(m, len, " capturing by value: ")) ||
				(t = find(m, len, " capturing by ref: ")))) {
		v->kind = GOMEM_ESCAPE_CAPTURING;
		v->expr = m;
		v->elen = (size_t)(t - m);
		v->detail = t + 1;
		v->dlen = (size_t)(m + len - v->detail);
	} else if (!v->kind && (find(m, len, " ignoring self-assignment in ") ||
				has_suffix(m, len, " does not escape, mutate, or call"))) {
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

static int path_ids(gomem_escape_parser *p, const struct pos *ps, uint32_t *path, uint32_t *file)
{
	gomem_escape_set *s = p->set;
	const char *pkg = str(s, p->pkg);
	int rc;

	if (ps->plen == p->last_path_len && p->last_pkg == p->pkg && ps->plen < sizeof(p->last_path) &&
	    memcmp(ps->path, p->last_path, ps->plen) == 0) {
		*path = p->last_path_id;
		*file = p->last_file_id;
		return GOMEM_OK;
	}
	if ((rc = intern(s, ps->path, ps->plen, path)) < 0 ||
	    (rc = normalize_path(s, pkg, strlen(pkg), ps->path, ps->plen, file)) < 0)
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

static bool is_test_file(const char *path, size_t len)
{
	return has_suffix(path, len, "_test.go") || has_suffix(path, len, "_testmain.go");
}

static int add_verdict(gomem_escape_parser *p, const struct pos *ps, const struct verdict *v,
		       size_t *idx, bool *existed)
{
	gomem_escape_set *s = p->set;
	struct rec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.package = p->pkg;
	r.variant = p->variant;
	if ((rc = path_ids(p, ps, &r.path, &r.file)) < 0 ||
	    (rc = intern(s, ps->msg, ps->mlen - (v->header ? 1 : 0), &r.message)) < 0 ||
	    (rc = intern(s, v->expr, v->elen, &r.expression)) < 0 ||
	    (rc = normalized_id(p, v->expr, v->elen, &r.normalized)) < 0 ||
	    (rc = intern(s, v->detail ? v->detail : "", v->dlen, &r.detail)) < 0 ||
	    (rc = intern(s, v->func ? v->func : "", v->flen, &r.compiler_function)) < 0)
		return rc;
	r.function = s->empty;
	r.identity = s->empty;
	r.line = ps->line;
	r.column = ps->col;
	r.kind = (uint8_t)v->kind;
	r.input_line = p->lb.lineno;
	if (p->test || is_test_file(ps->path, ps->plen))
		r.flags |= GOMEM_ESCAPE_F_TEST;
	if (ps->path[0] == '<')
		r.flags |= GOMEM_ESCAPE_F_AUTOGEN;
	if (v->header)
		r.flags |= GOMEM_ESCAPE_F_NO_VERDICT;
	if ((rc = rec_merge(s, &r, !v->header, idx)) < 0)
		return rc;
	*existed = rc == 1;
	return GOMEM_OK;
}

/* "flow: DST = SRC:" or "from WHERE (WHY) at POS" after the prefix. */
static int add_flow(gomem_escape_parser *p, const char *m, size_t len)
{
	gomem_escape_set *s = p->set;
	struct rec *r = &s->recs[p->block - 1];
	struct flowrec f;
	const char *end, *t;
	int rc;

	/* Without --all only heap escapes are reported: their chains are the
	 * ones worth the memory. */
	if (p->opts.no_flows || (!p->opts.keep_non_escape && !gomem_escape_kind_is_heap(r->kind)))
		return GOMEM_OK;
	while (len && *m == ' ')
		m++, len--;
	memset(&f, 0, sizeof(f));
	f.dst = f.src = f.where = f.reason = f.file = s->empty;
	if ((rc = GOMEM_GROW(s->flows, s->flows_cap, s->nflows + 1, (size_t)UINT32_MAX)) < 0 ||
	    (rc = intern(s, m, len, &f.text)) < 0)
		return rc;
	end = m + len;
	/* "flow: DST = SRC:" through Go 1.23; newer compilers print U+2190,
	 * "flow: DST ← SRC:" */
	if (has_prefix(m, len, "flow: ") && ((t = find(m + 6, len - 6, " = ")) != NULL ||
					     (t = find(m + 6, len - 6, " \xe2\x86\x90 ")) != NULL)) {
		size_t arrow = t[1] == '=' ? 3 : 5;

		f.is_flow = true;
		if ((rc = intern(s, m + 6, (size_t)(t - m - 6), &f.dst)) < 0 ||
		    (rc = intern(s, t + arrow, (size_t)(end - t - arrow) - (end[-1] == ':'), &f.src)) < 0)
			return rc;
	} else if (has_prefix(m, len, "from ")) {
		const char *at = NULL, *q, *open;
		struct pos ps;

		for (q = m; (q = find(q, (size_t)(end - q), ") at ")); q++)
			at = q;
		q = at ? at : end;
		if (q > m && q[-1] == ')' && at == NULL)
			q--;
		else if (!at)
			q = end;
		for (open = q; open > m + 5 && *open != '('; open--)
			;
		if (open > m + 5 && q > open) {
			if ((rc = intern(s, m + 5, (size_t)(open - m - 6), &f.where)) < 0 ||
			    (rc = intern(s, open + 1, (size_t)(q - open - 1), &f.reason)) < 0)
				return rc;
		}
		if (at && parse_pos(at + 5, (size_t)(end - at - 5), &ps) == false) {
			/* "f.go:23:9" has no ": msg" after it: parse it by hand */
			const char *c = end, *ln;
			uint32_t a = 0, b = 0;

			while (c > at + 5 && c[-1] != ':')
				c--;
			ln = c;
			if (parse_uint(&ln, end, &b) && c - 1 > at + 5) {
				const char *c2 = c - 1;

				while (c2 > at + 5 && c2[-1] != ':')
					c2--;
				ln = c2;
				if (parse_uint(&ln, c - 1, &a) && c2 - 1 > at + 5) {
					f.line = a;
					f.column = b;
					rc = intern(s, at + 5, (size_t)(c2 - 1 - at - 5), &f.file);
				} else {
					f.line = b;
					rc = intern(s, at + 5, (size_t)(c - 1 - at - 5), &f.file);
				}
				if (rc < 0)
					return rc;
			}
		}
	}
	if (r->nflow == 0)
		r->flow_off = (uint32_t)s->nflows;
	else if (r->flow_off + r->nflow != s->nflows)
		return GOMEM_OK; /* a repeated block far from the first: keep the first */
	s->flows[s->nflows++] = f;
	r->nflow++;
	return GOMEM_OK;
}

static int section_header(gomem_escape_parser *p, const char *l, size_t len)
{
	const char *br = memchr(l, ' ', len);
	size_t n = br ? (size_t)(br - l) : len;
	int rc;

	p->test = br != NULL || has_suffix(l, n, ".test") || has_suffix(l, n, "_test");
	if (has_suffix(l, n, ".test"))
		n -= 5;
	if ((rc = intern(p->set, l, n, &p->pkg)) < 0 || (rc = intern(p->set, l, len, &p->variant)) < 0)
		return rc;
	p->block = 0;
	return GOMEM_OK;
}

static int append_open(gomem_escape_parser *p, const char *l, size_t len)
{
	gomem_escape_set *s = p->set;
	struct rec *r = &s->recs[p->open_rec - 1];
	const char *m;
	size_t n;
	struct verdict v;
	struct pos ps;
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
	classify_escape(m, n, &v);
	if (!v.kind)
		classify_other(m, n, &v);
	if (!v.kind)
		return GOMEM_OK;
	memset(&ps, 0, sizeof(ps));
	if ((rc = intern(s, m, n, &r->message)) < 0 || (rc = intern(s, v.expr, v.elen, &r->expression)) < 0 ||
	    (rc = normalized_id(p, v.expr, v.elen, &r->normalized)) < 0)
		return rc;
	r->kind = (uint8_t)v.kind;
	if (v.header)
		r->flags |= GOMEM_ESCAPE_F_NO_VERDICT;
	return GOMEM_OK;
}

static int positioned_line(gomem_escape_parser *p, struct pos *ps)
{
	const char *m = ps->msg;
	size_t len = ps->mlen, idx;
	struct verdict v;
	bool existed;
	int rc;

	if (has_prefix(m, len, "  ") && p->block) {
		/* explanation lines carry the header's position */
		if (ps->line == p->block_line && ps->col == p->block_col)
			return add_flow(p, m, len);
		return GOMEM_OK;
	}
	if (has_prefix(m, len, "  "))
		return GOMEM_OK;
	memset(&v, 0, sizeof(v));
	classify_escape(m, len, &v);
	if (v.kind && !gomem_escape_kind_is_escape(v.kind) && !p->opts.keep_non_escape)
		return GOMEM_OK;
	if (!v.kind) {
		classify_other(m, len, &v);
		if (!v.kind) {
			if (raw_unbalanced(m, len)) {
				/* a raw string spills onto the next lines: keep it as
				 * a record and finish it when the backquotes balance */
				v.kind = GOMEM_ESCAPE_OTHER;
				v.expr = m;
				v.elen = len;
			} else {
				return add_diag(p->set, str(p->set, p->pkg), strlen(str(p->set, p->pkg)),
						p->name, ps->path, (size_t)(m + len - ps->path),
						p->lb.lineno, 0, true);
			}
		} else if (!p->opts.keep_non_escape && !raw_unbalanced(m, len)) {
			return GOMEM_OK;
		}
	}
	if ((rc = add_verdict(p, ps, &v, &idx, &existed)) < 0)
		return rc;
	if (raw_unbalanced(m, len)) {
		p->open_rec = idx + 1;
		p->msg.len = 0;
		return gomem_buf_append(&p->msg, m, len);
	}
	if (v.header) {
		p->block = existed ? 0 : idx + 1;
		if (existed && p->set->recs[idx].nflow == 0)
			p->block = idx + 1;
		p->block_line = ps->line;
		p->block_col = ps->col;
	} else {
		p->block = 0;
	}
	return GOMEM_OK;
}

static int handle_line(gomem_escape_parser *p, const char *l, size_t len)
{
	struct pos ps;

	if (p->open_rec)
		return append_open(p, l, len);
	if (len == 0)
		return GOMEM_OK;
	if (parse_pos(l, len, &ps))
		return positioned_line(p, &ps);
	if (len > 2 && l[0] == '#' && l[1] == ' ')
		return section_header(p, l + 2, len - 2);
	return add_diag(p->set, str(p->set, p->pkg), strlen(str(p->set, p->pkg)), p->name, l, len,
			p->lb.lineno, 0, false);
}

int gomem_escape_parser_new(gomem_escape_parser **out, const char *name,
			    const gomem_escape_options *opts)
{
	gomem_escape_parser *p;
	const char *pkg;
	int rc;

	*out = NULL;
	if (opts && opts->version != GOMEM_ESCAPE_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	if (!(p = calloc(1, sizeof(*p))))
		return GOMEM_E_NOMEM;
	if (opts)
		p->opts = *opts;
	else
		p->opts = (gomem_escape_options)GOMEM_ESCAPE_OPTIONS_INIT;
	if (!p->opts.max_line)
		p->opts.max_line = DEFAULT_MAX_LINE;
	gomem_linebuf_init(&p->lb, p->opts.max_line);
	gomem_buf_init(&p->msg, gomem_size_mul(p->opts.max_line, 4));
	p->name = strdup(name ? name : "<input>");
	if (!p->name || (rc = set_new(&p->set)) < 0) {
		gomem_escape_parser_free(p);
		return GOMEM_E_NOMEM;
	}
	if (p->opts.max_records)
		p->set->max_records = p->opts.max_records;
	gomem_error_set_source(&p->err, p->name);
	pkg = p->opts.package ? p->opts.package : "";
	if ((rc = intern(p->set, pkg, strlen(pkg), &p->pkg)) < 0) {
		gomem_escape_parser_free(p);
		return rc;
	}
	p->variant = p->set->empty;
	*out = p;
	return GOMEM_OK;
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
					   rc == GOMEM_E_LIMIT ? "line or record limit reached"
							       : gomem_strerror(rc));
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

void gomem_escape_parser_free(gomem_escape_parser *p)
{
	if (!p)
		return;
	gomem_linebuf_free(&p->lb);
	gomem_buf_free(&p->msg);
	gomem_escape_set_free(p->set);
	free(p->norm);
	free(p->name);
	free(p);
}

/* ---- functions from source ----------------------------------------------- */

struct fdecl {
	uint32_t line, name;
};

/* "func (r *T[K]) Name[T any](" -> "(*T).Name"; "func Name(" -> "Name". */
static int func_name(gomem_escape_set *s, const char *l, size_t len, uint32_t *id)
{
	const char *e = l + len, *q = l + 5, *n;
	char buf[512];
	int k = 0;

	if (q < e && *q == '(') {
		const char *close = memchr(q, ')', (size_t)(e - q)), *t;
		bool ptr;

		if (!close)
			return 1;
		t = close;
		while (t > q && (t[-1] == ' ' || t[-1] == ']')) {
			if (t[-1] == ']')
				while (t > q && *t != '[')
					t--;
			else
				t--;
		}
		n = t;
		while (n > q && is_ident((unsigned char)n[-1]))
			n--;
		ptr = n > q && n[-1] == '*';
		k = snprintf(buf, sizeof(buf), ptr ? "(*%.*s)." : "%.*s.", (int)(t - n), n);
		q = close + 1;
		while (q < e && *q == ' ')
			q++;
	}
	n = q;
	while (q < e && is_ident((unsigned char)*q))
		q++;
	if (q == n || k < 0 || (size_t)k + (size_t)(q - n) >= sizeof(buf))
		return 1;
	memcpy(buf + k, n, (size_t)(q - n));
	return intern(s, buf, (size_t)k + (size_t)(q - n), id);
}

static int scan_funcs(gomem_escape_set *s, FILE *fp, struct fdecl **out, size_t *n)
{
	char line[4096];
	uint32_t lineno = 0;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while (fgets(line, sizeof(line), fp)) {
		struct fdecl d;

		lineno++;
		if (strncmp(line, "func ", 5) != 0)
			continue;
		if ((rc = func_name(s, line, strcspn(line, "\n"), &d.name)) < 0)
			return rc;
		if (rc > 0)
			continue;
		d.line = lineno;
		if ((rc = GOMEM_GROW(*out, cap, *n + 1, (size_t)1 << 24)) < 0)
			return rc;
		(*out)[(*n)++] = d;
	}
	return GOMEM_OK;
}

/* Opens the source of PATH: as is, under DIR, or by ever shorter tails under
 * DIR (a -json path from another machine, a stale cached relative path); the
 * path opened goes to FOUND. */
FILE *gomem_escape_open_source(const char *dir, const char *path, char *found, size_t size)
{
	const char *t = path;
	FILE *fp;

	if (path[0] == '<')
		return NULL;
	if (has_prefix(path, strlen(path), "./"))
		t = path += 2;
	if (path[0] == '/' && (size_t)snprintf(found, size, "%s", path) < size &&
	    (fp = fopen(found, "r")))
		return fp;
	for (; t; t = strchr(t, '/')) {
		while (*t == '/')
			t++;
		if (!*t)
			break;
		if ((size_t)snprintf(found, size, "%s/%s", dir ? dir : ".", t) >= size)
			return NULL;
		if ((fp = fopen(found, "r")))
			return fp;
	}
	return NULL;
}

static FILE *open_source(const char *dir, const char *path)
{
	char buf[4096];

	return gomem_escape_open_source(dir, path, buf, sizeof(buf));
}

static int cmp_by_path(const void *a, const void *b, void *ctx)
{
	const struct rec *r = ctx;
	uint32_t x = r[*(const uint32_t *)a].path, y = r[*(const uint32_t *)b].path;

	return (x > y) - (x < y);
}

static uint32_t func_at(const struct fdecl *f, size_t n, uint32_t line, uint32_t none)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f[mid].line <= line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? f[lo - 1].name : none;
}

static int resolve_functions(gomem_escape_set *s, const gomem_escape_options *o)
{
	uint32_t *ix = malloc((s->nrecs + 1) * sizeof(*ix));
	size_t i, j;
	int rc = GOMEM_OK;

	if (!ix)
		return GOMEM_E_NOMEM;
	for (i = 0; i < s->nrecs; i++)
		ix[i] = (uint32_t)i;
	if ((rc = gomem_sort(ix, s->nrecs, sizeof(*ix), cmp_by_path, s->recs)) < 0)
		goto out;
	for (i = 0; i < s->nrecs; i = j) {
		struct fdecl *f = NULL;
		size_t nf = 0;
		FILE *fp = NULL;

		for (j = i; j < s->nrecs && s->recs[ix[j]].path == s->recs[ix[i]].path; j++)
			;
		if (!o->no_source && (fp = open_source(o->source_dir, str(s, s->recs[ix[i]].path)))) {
			rc = scan_funcs(s, fp, &f, &nf);
			fclose(fp);
		}
		for (size_t k = i; rc >= 0 && k < j; k++) {
			struct rec *r = &s->recs[ix[k]];

			r->function = func_at(f, nf, r->line, r->compiler_function);
		}
		free(f);
		if (rc < 0)
			goto out;
	}
out:
	free(ix);
	return rc;
}

/* ---- identity --------------------------------------------------------------- */

static int cmp_identity_order(const void *a, const void *b, void *ctx)
{
	const gomem_escape_set *s = ctx;
	const struct rec *x = &s->recs[*(const uint32_t *)a], *y = &s->recs[*(const uint32_t *)b];
	int c;

	if (x->package != y->package)
		return strcmp(str(s, x->package), str(s, y->package));
	if (x->file != y->file)
		return strcmp(str(s, x->file), str(s, y->file));
	if (x->function != y->function)
		return strcmp(str(s, x->function), str(s, y->function));
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->normalized != y->normalized && (c = strcmp(str(s, x->normalized), str(s, y->normalized))))
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->column > y->column) - (x->column < y->column);
}

static int put_escaped(gomem_buf *b, const char *t)
{
	int rc = GOMEM_OK;

	for (; *t && rc >= 0; t++) {
		if (*t == '\\')
			rc = gomem_buf_append(b, "\\\\", 2);
		else if (*t == '\t')
			rc = gomem_buf_append(b, "\\t", 2);
		else if (*t == '\n')
			rc = gomem_buf_append(b, "\\n", 2);
		else
			rc = gomem_buf_append(b, t, 1);
	}
	if (rc >= 0)
		rc = gomem_buf_append(b, "\t", 1);
	return rc;
}

static int make_identity(gomem_escape_set *s, struct rec *r, gomem_buf *b)
{
	int rc;

	b->len = 0;
	if ((rc = put_escaped(b, str(s, r->package))) < 0 || (rc = put_escaped(b, str(s, r->file))) < 0 ||
	    (rc = put_escaped(b, str(s, r->function))) < 0 ||
	    (rc = put_escaped(b, gomem_escape_kind_name(r->kind))) < 0 ||
	    (rc = put_escaped(b, str(s, r->normalized))) < 0 ||
	    (rc = gomem_buf_printf(b, "%u", (unsigned)r->occurrence)) < 0)
		return rc;
	r->hash = gomem_hash_bytes(b->data, b->len);
	return intern(s, b->data, b->len, &r->identity);
}

static int number_occurrences(gomem_escape_set *s)
{
	uint32_t *ix = malloc((s->nrecs + 1) * sizeof(*ix));
	gomem_buf b;
	int rc;

	if (!ix)
		return GOMEM_E_NOMEM;
	gomem_buf_init(&b, (size_t)1 << 26);
	for (size_t i = 0; i < s->nrecs; i++)
		ix[i] = (uint32_t)i;
	rc = gomem_sort(ix, s->nrecs, sizeof(*ix), cmp_identity_order, s);
	for (size_t i = 0; rc >= 0 && i < s->nrecs; i++) {
		struct rec *r = &s->recs[ix[i]], *q = i ? &s->recs[ix[i - 1]] : NULL;

		r->occurrence = q && q->package == r->package && q->file == r->file &&
				q->function == r->function && q->kind == r->kind &&
				q->normalized == r->normalized ? q->occurrence + 1 : 0;
		rc = make_identity(s, r, &b);
	}
	gomem_buf_free(&b);
	free(ix);
	return rc;
}

static int cmp_present(const void *a, const void *b, void *ctx)
{
	const gomem_escape_set *s = ctx;
	const struct rec *x = a, *y = b;
	int c;

	if (x->package != y->package)
		return strcmp(str(s, x->package), str(s, y->package));
	if (x->file != y->file && (c = strcmp(str(s, x->file), str(s, y->file))))
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return strcmp(str(s, x->expression), str(s, y->expression));
}

static int index_identities(gomem_escape_set *s)
{
	size_t cap = 16;

	while (cap < s->nrecs * 2 + 2)
		cap *= 2;
	free(s->dedup);
	s->dedup = NULL;
	s->dedup_cap = 0;
	if (!(s->byhash = calloc(cap, sizeof(*s->byhash))))
		return GOMEM_E_NOMEM;
	s->byhash_cap = cap;
	for (size_t i = 0; i < s->nrecs; i++) {
		size_t h = (size_t)s->recs[i].hash & (cap - 1);

		while (s->byhash[h])
			h = (h + 1) & (cap - 1);
		s->byhash[h] = (uint32_t)i + 1;
	}
	return GOMEM_OK;
}

static void flow_view(gomem_escape_flow *v, const gomem_escape_set *s, const struct flowrec *f)
{
	v->is_flow = f->is_flow;
	v->text = str(s, f->text);
	v->dst = str(s, f->dst);
	v->src = str(s, f->src);
	v->where = str(s, f->where);
	v->reason = str(s, f->reason);
	v->file = str(s, f->file);
	v->line = f->line;
	v->column = f->column;
}

/* ---- main packages of -json output ------------------------------------------ */

/* The module path declared in DIR/go.mod, into MOD; false when there is none. */
static bool read_module(const char *dir, char *mod, size_t size)
{
	char path[4096], line[1024];
	FILE *fp;
	bool found = false;

	if ((size_t)snprintf(path, sizeof(path), "%s/go.mod", dir) >= sizeof(path) ||
	    (fp = fopen(path, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), fp)) {
		char *p = line;

		if (strncmp(p, "module", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
			continue;
		for (p += 6; *p == ' ' || *p == '\t' || *p == '"'; p++)
			;
		p[strcspn(p, " \t\r\n\"")] = '\0';
		found = *p != '\0' && snprintf(mod, size, "%s", p) < (int)size;
	}
	fclose(fp);
	return found;
}

/* The import path of the package in directory DIR: the module path of the
 * nearest go.mod above it, plus DIR's path below that go.mod. */
static bool import_path_of(const char *dir, char *out, size_t size)
{
	char d[4096], mod[1024];
	size_t len;

	if (snprintf(d, sizeof(d), "%s", dir) >= (int)sizeof(d))
		return false;
	for (len = strlen(d); len > 0; ) {
		d[len] = '\0';
		if (read_module(d, mod, sizeof(mod))) {
			const char *rest = dir + len;

			return snprintf(out, size, "%s%s", mod, rest) < (int)size;
		}
		while (len > 0 && d[len - 1] != '/')
			len--;
		if (len > 0)
			len--; /* drop the '/' */
	}
	return false;
}

/* The compiler's -json output names a command's package "main" and its
 * files by absolute path, where -m says the import path: so that both give
 * one identity, such records get the import path from the go.mod above
 * their source file (found as it is, or by its tail under source_dir). */
static int qualify_main(gomem_escape_set *s, const gomem_escape_options *o)
{
	char found[4096], dir[4096], pkg[2048], file[4096];
	uint32_t last_path = UINT32_MAX, qpkg = 0, qfile = 0;
	bool ok = false;
	int rc;

	for (size_t i = 0; i < s->nrecs; i++) {
		struct rec *r = &s->recs[i];
		const char *path = str(s, r->path), *slash;

		if (strcmp(str(s, r->package), "main") != 0 || path[0] != '/')
			continue;
		if (r->path != last_path) {
			FILE *fp;

			last_path = r->path;
			ok = false;
			if (o->no_source || !(fp = gomem_escape_open_source(o->source_dir, path, found, sizeof(found))))
				continue;
			fclose(fp);
			if ((slash = strrchr(found, '/')) == NULL ||
			    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - found), found) >= (int)sizeof(dir) ||
			    !import_path_of(dir, pkg, sizeof(pkg)) ||
			    snprintf(file, sizeof(file), "%s/%s", pkg, slash + 1) >= (int)sizeof(file))
				continue;
			if ((rc = intern(s, pkg, strlen(pkg), &qpkg)) < 0 ||
			    (rc = intern(s, file, strlen(file), &qfile)) < 0)
				return rc;
			ok = true;
		}
		if (ok) {
			r->package = r->variant = qpkg;
			r->file = qfile;
		}
	}
	return GOMEM_OK;
}

/* Functions, occurrences, identities, presentation order. */
static int set_finish(gomem_escape_set *s, const gomem_escape_options *o)
{
	int rc;

	if ((rc = qualify_main(s, o)) < 0 || (rc = resolve_functions(s, o)) < 0 ||
	    (rc = number_occurrences(s)) < 0 ||
	    (rc = gomem_sort(s->recs, s->nrecs, sizeof(*s->recs), cmp_present, s)) < 0)
		return rc;
	if (s->nflows && !(s->fviews = calloc(s->nflows, sizeof(*s->fviews))))
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < s->nflows; i++)
		flow_view(&s->fviews[i], s, &s->flows[i]);
	s->finished = true;
	return index_identities(s);
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
		add_diag(p->set, "", 0, p->name, LIT("input ended inside a multi-line message"),
			 p->lb.lineno, 0, false);
	if ((rc = set_finish(p->set, &p->opts)) < 0)
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

/* ---- the set's view ------------------------------------------------------- */

size_t gomem_escape_set_count(const gomem_escape_set *s)
{
	return s ? s->nrecs : 0;
}

int gomem_escape_set_get(gomem_escape_record *out, const gomem_escape_set *s, size_t i)
{
	const struct rec *r;

	if (!s || i >= s->nrecs)
		return GOMEM_E_INVALID;
	r = &s->recs[i];
	out->package = str(s, r->package);
	out->variant = str(s, r->variant);
	out->path = str(s, r->path);
	out->file = str(s, r->file);
	out->line = r->line;
	out->column = r->column;
	out->kind = (gomem_escape_kind)r->kind;
	out->message = str(s, r->message);
	out->expression = str(s, r->expression);
	out->normalized = str(s, r->normalized);
	out->detail = str(s, r->detail);
	out->function = str(s, r->function);
	out->occurrence = r->occurrence;
	out->identity = str(s, r->identity);
	out->hash = r->hash;
	out->flags = r->flags;
	out->flow = r->nflow ? s->fviews + r->flow_off : NULL;
	out->nflow = r->nflow;
	out->input_line = r->input_line;
	return GOMEM_OK;
}

size_t gomem_escape_set_find(const gomem_escape_set *s, const char *identity)
{
	uint64_t h = gomem_hash_bytes(identity, strlen(identity));
	size_t k;

	if (!s || !s->byhash_cap)
		return SIZE_MAX;
	for (k = (size_t)h & (s->byhash_cap - 1); s->byhash[k]; k = (k + 1) & (s->byhash_cap - 1)) {
		const struct rec *r = &s->recs[s->byhash[k] - 1];

		if (r->hash == h && strcmp(str(s, r->identity), identity) == 0)
			return s->byhash[k] - 1;
	}
	return SIZE_MAX;
}

size_t gomem_escape_set_diagnostic_count(const gomem_escape_set *s)
{
	return s ? s->ndiags : 0;
}

int gomem_escape_set_diagnostic(gomem_escape_diagnostic *out, const gomem_escape_set *s, size_t i)
{
	const struct diag *d;

	if (!s || i >= s->ndiags)
		return GOMEM_E_INVALID;
	d = &s->diags[i];
	out->is_compile_error = d->is_compile_error;
	out->package = str(s, d->package);
	out->source = str(s, d->source);
	out->message = str(s, d->message);
	out->line = d->line;
	out->column = d->column;
	return GOMEM_OK;
}

uint64_t gomem_escape_set_duplicates(const gomem_escape_set *s)
{
	return s ? s->duplicates : 0;
}

/* ---- the -json=0 reader ---------------------------------------------------- */

/* Decodes the JSON string whose opening quote is at Q into B; returns the
 * index past the closing quote, or NULL when it is broken. */
static const char *json_string(gomem_buf *b, const char *q, const char *end)
{
	b->len = 0;
	for (q++; q < end && *q != '"'; q++) {
		char c = *q;
		int rc = GOMEM_OK;

		if (c == '\\' && q + 1 < end) {
			c = *++q;
			if (c == 'u' && end - q > 4) {
				unsigned v = 0;

				for (int i = 1; i <= 4; i++) {
					char h = q[i];

					v = v * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
				}
				q += 4;
				if (v < 0x80) {
					c = (char)v;
				} else {
					char u[3];
					size_t n = v < 0x800 ? 2 : 3;

					if (n == 2) {
						u[0] = (char)(0xc0 | (v >> 6));
						u[1] = (char)(0x80 | (v & 0x3f));
					} else {
						u[0] = (char)(0xe0 | (v >> 12));
						u[1] = (char)(0x80 | ((v >> 6) & 0x3f));
						u[2] = (char)(0x80 | (v & 0x3f));
					}
					if ((rc = gomem_buf_append(b, u, n)) < 0)
						return NULL;
					continue;
				}
			} else {
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b' :
				    c == 'f' ? '\f' : c;
			}
		}
		if ((rc = gomem_buf_append(b, &c, 1)) < 0)
			return NULL;
	}
	return q < end ? q + 1 : NULL;
}

/* The string value of "KEY": in [p, end) into B. */
static bool json_str_field(gomem_buf *b, const char *p, const char *end, const char *key)
{
	const char *k = find(p, (size_t)(end - p), key);

	if (!k)
		return false;
	k += strlen(key);
	while (k < end && *k == ' ')
		k++;
	return k < end && *k == '"' && json_string(b, k, end) != NULL;
}

static bool json_uint_field(const char *p, const char *end, const char *key, uint32_t *v)
{
	const char *k = find(p, (size_t)(end - p), key);

	if (!k)
		return false;
	k += strlen(key);
	return parse_uint(&k, end, v);
}

struct jfile {
	gomem_escape_parser *p;
	uint32_t pkg, path, file;
	bool have_header, test;
	gomem_buf s1, s2;
	struct { uint32_t line, col; } *empties;
	size_t nempties, empties_cap, first_rec;
};

static int json_flow(struct jfile *j, size_t idx, const char *p, const char *end)
{
	gomem_escape_parser *P = j->p;
	gomem_escape_set *s = P->set;
	const char *e;
	int rc;

	for (; (p = find(p, (size_t)(end - p), "{\"location\":")); p = e) {
		struct rec *r = &s->recs[idx];
		const char *m;
		uint32_t line = 0, col = 0, before;

		e = find(p + 1, (size_t)(end - p - 1), "{\"location\":");
		e = e ? e : end;
		if (!json_str_field(&j->s1, p, e, "\"message\":") || !has_prefix(j->s1.data, j->s1.len, "escflow:"))
			continue;
		if (r->nflow && r->flow_off + r->nflow != s->nflows)
			return GOMEM_OK;
		json_uint_field(p, e, "\"line\":", &line);
		json_uint_field(p, e, "\"character\":", &col);
		m = j->s1.data + 8;
		P->block = idx + 1;
		before = (uint32_t)s->nflows;
		if ((rc = add_flow(P, m, j->s1.len - 8)) < 0)
			return rc;
		if (s->nflows > before && !s->flows[before].is_flow) {
			s->flows[before].line = line;
			s->flows[before].column = col;
			if (json_str_field(&j->s2, p, e, "\"uri\":")) {
				const char *u = j->s2.data;
				size_t n = j->s2.len;

				if (has_prefix(u, n, "file://"))
					u += 7, n -= 7;
				if ((rc = intern(s, u, n, &s->flows[before].file)) < 0)
					return rc;
			}
		}
	}
	return GOMEM_OK;
}

static int json_header(struct jfile *j, const char *l, const char *end)
{
	gomem_escape_parser *p = j->p;
	int rc;

	if (!json_str_field(&j->s1, l, end, "\"package\":") || !json_str_field(&j->s2, l, end, "\"file\":"))
		return add_diag(p->set, "", 0, p->name, LIT("not a -json=0 header line"), p->lb.lineno, 0, false);
	j->test = has_suffix(j->s1.data, j->s1.len, "_test") || is_test_file(j->s2.data, j->s2.len);
	if ((rc = intern(p->set, j->s1.data, j->s1.len, &p->pkg)) < 0)
		return rc;
	p->variant = p->pkg;
	j->have_header = true;
	memcpy(p->last_path, "", 1);
	p->last_path_len = SIZE_MAX;
	if ((rc = gomem_buf_append(&j->s2, "", 1)) < 0)
		return rc;
	j->s2.len--;
	return intern(p->set, j->s2.data, j->s2.len, &j->path);
}

static int json_record(struct jfile *j, const char *l, const char *end)
{
	gomem_escape_parser *p = j->p;
	const char *rel = find(l, (size_t)(end - l), "\"relatedInformation\":");
	const char *mend = rel ? rel : end;
	struct verdict v;
	struct pos ps;
	size_t idx;
	bool existed;
	int rc;

	memset(&ps, 0, sizeof(ps));
	if (!json_uint_field(l, mend, "\"line\":", &ps.line) ||
	    !json_uint_field(l, mend, "\"character\":", &ps.col) ||
	    !json_str_field(&j->s1, l, mend, "\"code\":"))
		return add_diag(p->set, str(p->set, p->pkg), strlen(str(p->set, p->pkg)), p->name,
				LIT("broken -json record"), p->lb.lineno, 0, false);
	if (!(j->s1.len == 6 && memcmp(j->s1.data, "escape", 6) == 0) &&
	    !(j->s1.len == 7 && memcmp(j->s1.data, "escapes", 7) == 0) &&
	    !(j->s1.len == 4 && memcmp(j->s1.data, "leak", 4) == 0))
		return GOMEM_OK;
	if (!json_str_field(&j->s1, l, mend, "\"message\":"))
		return GOMEM_OK;
	if (j->s1.len == 0) {
		/* finish()'s twin record: the escape at this position is an
		 * expression, not a named variable */
		if ((rc = GOMEM_GROW(j->empties, j->empties_cap, j->nempties + 1, (size_t)1 << 24)) < 0)
			return rc;
		j->empties[j->nempties].line = ps.line;
		j->empties[j->nempties++].col = ps.col;
		return GOMEM_OK;
	}
	memset(&v, 0, sizeof(v));
	classify_escape(j->s1.data, j->s1.len, &v);
	if (!v.kind)
		return GOMEM_OK;
	v.header = false;
	ps.path = str(p->set, j->path);
	ps.plen = strlen(ps.path);
	ps.msg = j->s1.data;
	ps.mlen = j->s1.len;
	p->test = j->test;
	if (v.kind == GOMEM_ESCAPE_ESCAPES)
		v.kind = GOMEM_ESCAPE_MOVED_TO_HEAP; /* until an empty twin says otherwise */
	if ((rc = add_verdict(p, &ps, &v, &idx, &existed)) < 0)
		return rc;
	p->set->recs[idx].flags |= GOMEM_ESCAPE_F_JSON;
	if (existed && p->set->recs[idx].nflow)
		return GOMEM_OK;
	return rel ? json_flow(j, idx, rel, end) : GOMEM_OK;
}

static bool plain_name(const char *e)
{
	for (; *e; e++)
		if (!is_ident((unsigned char)*e) && *e != '.')
			return false;
	return true;
}

/* Positions of one -json file, sorted, so that counting the records at a
 * position is a binary search (a 30 MB file has ~100 000 records). */
struct jpos {
	uint32_t file, line, col;
};

static int cmp_jpos(const void *a, const void *b, void *ctx)
{
	const struct jpos *x = a, *y = b;

	(void)ctx;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* How many of the N sorted positions equal KEY. */
static size_t count_at(const struct jpos *v, size_t n, const struct jpos *key)
{
	size_t lo = 0, hi = n, first;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_jpos(&v[mid], key, NULL) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < n && cmp_jpos(&v[lo], key, NULL) == 0)
		lo++;
	return lo - first;
}

/* An empty twin record at a position marks one expression escaping there;
 * a named variable at the same position stays "moved" when the twins are
 * fewer than the heap records there. */
static int json_twins(struct jfile *j)
{
	gomem_escape_set *s = j->p->set;
	struct jpos *heap = NULL, *twin = NULL;
	size_t nheap = 0;
	int rc = GOMEM_E_NOMEM;

	if (j->nempties == 0)
		return GOMEM_OK;
	if ((heap = malloc((s->nrecs - j->first_rec + 1) * sizeof(*heap))) == NULL ||
	    (twin = malloc(j->nempties * sizeof(*twin))) == NULL)
		goto out;
	for (size_t i = j->first_rec; i < s->nrecs; i++)
		if (gomem_escape_kind_is_heap(s->recs[i].kind))
			heap[nheap++] = (struct jpos){s->recs[i].file, s->recs[i].line, s->recs[i].column};
	for (size_t k = 0; k < j->nempties; k++)
		twin[k] = (struct jpos){0, j->empties[k].line, j->empties[k].col};
	if ((rc = gomem_sort(heap, nheap, sizeof(*heap), cmp_jpos, NULL)) < 0 ||
	    (rc = gomem_sort(twin, j->nempties, sizeof(*twin), cmp_jpos, NULL)) < 0)
		goto out;
	for (size_t i = j->first_rec; i < s->nrecs; i++) {
		struct rec *r = &s->recs[i];
		struct jpos at = {r->file, r->line, r->column}, tat = {0, r->line, r->column};
		size_t twins;

		if (r->kind != GOMEM_ESCAPE_MOVED_TO_HEAP || !(r->flags & GOMEM_ESCAPE_F_JSON))
			continue;
		if ((twins = count_at(twin, j->nempties, &tat)) == 0)
			continue;
		if (count_at(heap, nheap, &at) <= twins || !plain_name(str(s, r->expression)))
			r->kind = GOMEM_ESCAPE_ESCAPES;
	}
	rc = GOMEM_OK;
out:
	free(heap);
	free(twin);
	return rc;
}

/* Parses the lines the line splitter has; 0 when it wants more input. */
static int json_lines(struct jfile *j)
{
	const char *l;
	size_t n;
	int rc;

	while ((rc = gomem_linebuf_next(&j->p->lb, &l, &n)) > 0)
		if (n && (rc = j->have_header ? json_record(j, l, l + n) : json_header(j, l, l + n)) < 0)
			return rc;
	return rc;
}

/* One -json file, from FP in chunks (a file of the standard library can be
 * 30 MB: it is never held whole) or, when FP is NULL, from DATA. */
static int json_file(gomem_escape_parser *p, FILE *fp, const char *data, size_t len, const char *name)
{
	enum { CHUNK = 65536 };
	char *chunk = NULL;
	struct jfile j;
	int rc = GOMEM_OK;

	if (fp && (chunk = malloc(CHUNK)) == NULL)
		return GOMEM_E_NOMEM;
	memset(&j, 0, sizeof(j));
	j.p = p;
	free(p->name);
	if ((p->name = strdup(name)) == NULL) {
		free(chunk);
		return GOMEM_E_NOMEM;
	}
	gomem_buf_init(&j.s1, p->opts.max_line);
	gomem_buf_init(&j.s2, p->opts.max_line);
	j.first_rec = p->set->nrecs;
	gomem_linebuf_free(&p->lb);
	gomem_linebuf_init(&p->lb, p->opts.max_line);
	if (fp) {
		while (rc >= 0 && (len = fread(chunk, 1, CHUNK, fp)) > 0) {
			gomem_linebuf_feed(&p->lb, chunk, len);
			rc = json_lines(&j);
		}
		if (rc >= 0 && ferror(fp))
			rc = gomem_error_set(&p->err, GOMEM_E_IO, "%s: read error", name);
	} else {
		gomem_linebuf_feed(&p->lb, data, len);
		rc = json_lines(&j);
	}
	if (rc >= 0) {
		/* the last line without '\n' only comes out after finish */
		gomem_linebuf_finish(&p->lb);
		rc = json_lines(&j);
	}
	if (rc == GOMEM_E_LIMIT)
		rc = add_diag(p->set, "", 0, name, LIT("line too long"), p->lb.lineno + 1, 0, false);
	if (rc >= 0)
		rc = json_twins(&j);
	gomem_buf_free(&j.s1);
	gomem_buf_free(&j.s2);
	free(j.empties);
	free(chunk);
	p->block = 0;
	return rc < 0 ? rc : GOMEM_OK;
}

int gomem_escape_json_from_buffer(gomem_escape_set **out, const void *data, size_t len,
				  const char *name, const gomem_escape_options *opts, gomem_error *err)
{
	gomem_escape_parser *p;
	int rc;

	*out = NULL;
	if ((rc = gomem_escape_parser_new(&p, name, opts)) < 0)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	if ((rc = json_file(p, NULL, data, len, name ? name : "<input>")) >= 0 &&
	    (rc = set_finish(p->set, &p->opts)) >= 0) {
		*out = p->set;
		p->set = NULL;
	} else {
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	}
	gomem_escape_parser_free(p);
	return rc;
}

static int walk_json(gomem_escape_parser *p, const char *dir, size_t *files, gomem_error *err, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = GOMEM_OK;

	if (!d) {
		gomem_error_set_source(err, dir);
		return gomem_error_set(err, GOMEM_E_IO, "%s", strerror(errno));
	}
	while (rc >= 0 && (de = readdir(d))) {
		char path[4096];
		struct stat st;
		size_t nl = strlen(de->d_name);

		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path) ||
		    stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 8) {
			rc = walk_json(p, path, files, err, depth + 1);
		} else if (S_ISREG(st.st_mode) && has_suffix(de->d_name, nl, ".json")) {
			FILE *fp = fopen(path, "rb");

			if (fp == NULL) {
				gomem_error_set_source(err, path);
				rc = gomem_error_set(err, GOMEM_E_IO, "%s", strerror(errno));
				break;
			}
			rc = json_file(p, fp, NULL, 0, path);
			fclose(fp);
			(*files)++;
		}
	}
	closedir(d);
	return rc;
}

int gomem_escape_read_json_dir(gomem_escape_set **out, const char *dir,
			       const gomem_escape_options *opts, gomem_error *err)
{
	gomem_escape_parser *p;
	size_t files = 0;
	int rc;

	*out = NULL;
	if ((rc = gomem_escape_parser_new(&p, dir, opts)) < 0)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	if ((rc = walk_json(p, dir, &files, err, 0)) >= 0 && files == 0) {
		gomem_error_set_source(err, dir);
		rc = gomem_error_set(err, GOMEM_E_FORMAT, "no .json file in the directory");
	}
	if (rc >= 0 && (rc = set_finish(p->set, &p->opts)) >= 0) {
		*out = p->set;
		p->set = NULL;
	} else {
		gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	}
	gomem_escape_parser_free(p);
	return rc;
}

int gomem_escape_read(gomem_escape_set **out, const char *path, const gomem_escape_options *opts,
		      gomem_error *err)
{
	struct stat st;
	gomem_escape_parser *p;
	gomem_source *src;
	const uint8_t *data;
	size_t len;
	int rc;

	*out = NULL;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return gomem_escape_read_json_dir(out, path, opts, err);
	if ((rc = gomem_source_open(&src, path, NULL, err)) < 0)
		return rc;
	if ((rc = gomem_escape_parser_new(&p, gomem_source_name(src), opts)) < 0) {
		gomem_source_free(src);
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	}
	while ((rc = gomem_source_read(src, &data, &len)) >= 0 && len > 0)
		if ((rc = gomem_escape_parser_feed(p, data, len)) < 0)
			break;
	if (rc < 0 && gomem_source_error(src))
		gomem_error_copy(err, gomem_source_error(src));
	if (rc >= 0)
		rc = gomem_escape_parser_finish(out, p);
	if (rc < 0)
		gomem_error_copy(err, &p->err);
	gomem_escape_parser_free(p);
	gomem_source_free(src);
	return rc;
}
