/* SPDX-License-Identifier: Apache-2.0 */
/* escape.c — the escape set: records and their deduplication, the
 * normalisation of expressions and paths, the explanations attached to
 * their verdicts, the identity that lets two builds be compared, and the
 * set's public view. The -m/-m=2 text parser is escape_text.c, the -json=0
 * reader escape_json.c, source files escape_source.c; aggregation, diff and
 * baseline (on the public view only) escape_report.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "escape/escape-internal.h"

#define MAX_DIAGNOSTICS 10000

/* ---- small helpers -------------------------------------------------------- */

const char *esc_find(const char *p, size_t len, const char *lit, size_t n)
{
	const char *end = p + len, *q = p;

	if (n == 0 || len < n)
		return n == 0 ? p : NULL;
	while ((q = memchr(q, lit[0], (size_t)(end - q) - n + 1)) != NULL) {
		if (memcmp(q, lit, n) == 0)
			return q;
		if ((size_t)(end - ++q) < n)
			break;
	}
	return NULL;
}

bool esc_parse_uint(const char **p, const char *end, uint32_t *v)
{
	uint64_t x = 0;
	const char *q = *p;

	while (q < end && *q >= '0' && *q <= '9' && x <= UINT32_MAX)
		x = x * 10 + (uint64_t)(*q++ - '0');
	if (q == *p || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	*p = q;
	return true;
}

int esc_set_new(gomem_escape_set **out)
{
	gomem_escape_set *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return GOMEM_E_NOMEM;
	gomem_strpool_init(&s->sp);
	s->max_records = ESC_DEFAULT_MAX_RECORDS;
	if (esc_intern(s, "", 0, &s->empty) < 0) {
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
	free(s->blocks);
	free(s->fviews);
	free(s->diags);
	free(s->dedup);
	free(s->byhash);
	free(s);
}

int esc_add_diag(gomem_escape_set *s, uint32_t pkg, const char *source, const char *msg, size_t msglen,
		 uint64_t line, uint64_t col, bool compile_error)
{
	struct esc_diag *d;
	int rc;

	if (s->ndiags >= MAX_DIAGNOSTICS) {
		s->dropped_diags++;
		return GOMEM_OK;
	}
	if ((rc = GOMEM_GROW(s->diags, s->diags_cap, s->ndiags + 1, MAX_DIAGNOSTICS)) < 0)
		return rc;
	d = &s->diags[s->ndiags];
	memset(d, 0, sizeof(*d));
	d->package = pkg;
	if ((rc = esc_intern(s, source, strlen(source), &d->source)) < 0 ||
	    (rc = esc_intern(s, msg, msglen > 512 ? 512 : msglen, &d->message)) < 0)
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

		if (esc_is_ident((unsigned char)c) || c == '.') {
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

	if (e[i] == '~' && j < len && esc_is_ident((unsigned char)e[j])) {
		while (j < len && esc_is_ident((unsigned char)e[j]))
			j++;
		*end = j;
		return true;
	}
	if (e[i] == '.' && (i == 0 || !esc_is_ident((unsigned char)e[i - 1]))) {
		if (esc_has_prefix(e + i, len - i, ESC_LIT(".this")) || esc_has_prefix(e + i, len - i, ESC_LIT(".autotmp_"))) {
			while (j < len && esc_is_ident((unsigned char)e[j]))
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
			   (esc_is_ident((unsigned char)out[b.len - 1]) || out[b.len - 1] == ')' ||
			    out[b.len - 1] == ']')) {
			size_t close = match_close(e, len, i), start = callee_start(&b);

			if (start == 0 && close + 1 >= len) {
				nput(&b, "(~)", 3);
			} else {
				b.len = start;
				nput(&b, "~", 1);
			}
			i = close + 1;
		} else if (esc_has_prefix(e + i, len - i, ESC_LIT("go.shape."))) {
			/* go1.19 prints shape types with a _N suffix that newer toolchains drop */
			size_t j = i + 9;

			while (j < len && (esc_is_ident((unsigned char)e[j]) || e[j] == '.'))
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

unsigned esc_kind_class(unsigned kind)
{
	if (kind == GOMEM_ESCAPE_MOVED_TO_HEAP)
		return GOMEM_ESCAPE_ESCAPES;
	if (kind == GOMEM_ESCAPE_LEAKING_CONTENT)
		return GOMEM_ESCAPE_LEAKING_PARAM;
	return kind;
}

static uint64_t rec_key_hash(const struct esc_rec *r)
{
	uint32_t k[7] = {r->package, r->file, r->line, r->column, esc_kind_class(r->kind), r->expression,
			 r->key_detail};

	return gomem_hash_bytes(k, sizeof(k));
}

static bool rec_key_eq(const struct esc_rec *a, const struct esc_rec *b)
{
	return a->package == b->package && a->file == b->file && a->line == b->line &&
	       a->column == b->column && esc_kind_class(a->kind) == esc_kind_class(b->kind) &&
	       a->expression == b->expression && a->key_detail == b->key_detail;
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

/* The dedup slot of R: its record's, or the empty one where it would go. */
static size_t rec_slot(const gomem_escape_set *s, const struct esc_rec *r)
{
	size_t h = (size_t)rec_key_hash(r) & (s->dedup_cap - 1);

	while (s->dedup[h] && !rec_key_eq(&s->recs[s->dedup[h] - 1], r))
		h = (h + 1) & (s->dedup_cap - 1);
	return h;
}

size_t esc_rec_find(const gomem_escape_set *s, const struct esc_rec *r)
{
	size_t h;

	if (!s->dedup_cap)
		return SIZE_MAX;
	h = rec_slot(s, r);
	return s->dedup[h] ? s->dedup[h] - 1 : SIZE_MAX;
}

/* Merges a sighting of R into the set: a non-test sighting clears the test
 * flag, an exact repeat is counted. 1 (and *idx) when it was there. */
int esc_rec_merge(gomem_escape_set *s, const struct esc_rec *r, size_t *idx)
{
	struct esc_rec *e;
	size_t h;
	int rc;

	if ((s->nrecs + 1) * 2 > s->dedup_cap && (rc = dedup_grow(s)) < 0)
		return rc;
	h = rec_slot(s, r);
	if (!s->dedup[h]) {
		if (s->nrecs >= s->max_records)
			return GOMEM_E_LIMIT;
		if ((rc = GOMEM_GROW(s->recs, s->recs_cap, s->nrecs + 1, s->max_records)) < 0)
			return rc;
		s->recs[s->nrecs] = *r;
		s->dedup[h] = (uint32_t)s->nrecs + 1;
		*idx = s->nrecs++;
		return 0;
	}
	*idx = s->dedup[h] - 1;
	e = &s->recs[*idx];
	if (!(r->flags & GOMEM_ESCAPE_F_TEST))
		e->flags &= (uint8_t)~GOMEM_ESCAPE_F_TEST;
	if (e->compiler_function == s->empty)
		e->compiler_function = r->compiler_function;
	s->duplicates++;
	return 1;
}

int esc_normalized_id(gomem_escape_parser *p, const char *e, size_t len, uint32_t *id)
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
	return esc_intern(p->set, p->norm, len, id);
}

/* ---- paths --------------------------------------------------------------- */

/* The normalised file of PATH in package PKG (see escape.h). */
int esc_normalize_path(gomem_escape_set *s, const char *pkg, size_t pkglen, const char *path, size_t plen,
		       uint32_t *id)
{
	const char *base = path + plen, *dir = path, *t;
	size_t dlen, k;
	char buf[4096];
	int n;

	while (base > path && base[-1] != '/')
		base--;
	dlen = base > path ? (size_t)(base - path) - 1 : 0;
	if (plen == 0 || path[0] == '<' || plen + pkglen + 2 >= sizeof(buf))
		return esc_intern(s, path, plen, id);
	if (path[0] == '/' && esc_find(path, plen, ESC_LIT("/go-build"))) {
		n = snprintf(buf, sizeof(buf), "$WORK/%.*s", (int)(path + plen - base), base);
		return esc_intern(s, buf, (size_t)n, id);
	}
	if (pkglen == 4 && memcmp(pkg, "main", 4) == 0 && path[0] == '/') {
		/* -json names a command's package "main" and its files by
		 * absolute path: without its go.mod (see escape_source.c) the
		 * base name, so that two checkouts of it compare */
		n = snprintf(buf, sizeof(buf), "main/%.*s", (int)(path + plen - base), base);
		return esc_intern(s, buf, (size_t)n, id);
	}
	if (esc_has_prefix(path, plen, ESC_LIT("./"))) {
		/* cmd/go rewrote the package dir to ".": the rest is package-relative,
		 * and a stale cache replay keeps that meaning */
		n = snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)pkglen, pkg, (int)(plen - 2), path + 2);
		return esc_intern(s, buf, (size_t)n, id);
	}
	if (dlen == 0) {
		n = snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)pkglen, pkg, (int)plen, path);
		return esc_intern(s, buf, (size_t)n, id);
	}
	/* the longest tail of the package path that the directory ends with */
	for (k = 0; k < pkglen; k++) {
		const char *tail = pkg + k;
		size_t tlen = pkglen - k;

		if (k > 0 && pkg[k - 1] != '/')
			continue;
		if (dlen >= tlen && memcmp(dir + dlen - tlen, tail, tlen) == 0 &&
		    (dlen == tlen || dir[dlen - tlen - 1] == '/')) {
			n = snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)pkglen, pkg, (int)(path + plen - base),
				     base);
			return esc_intern(s, buf, (size_t)n, id);
		}
	}
	if (path[0] == '/' && (t = esc_find(path, plen, ESC_LIT("/src/")))) {
		const char *last = t;

		while ((t = esc_find(last + 1, plen - (size_t)(last + 1 - path), ESC_LIT("/src/"))))
			last = t;
		return esc_intern(s, last + 5, plen - (size_t)(last + 5 - path), id);
	}
	return esc_intern(s, path, plen, id);
}

/* ---- explanations ------------------------------------------------------------ */

bool esc_root_is_result(const char *root)
{
	return root[0] == '~' && root[1] == 'r' && root[2] >= '0' && root[2] <= '9';
}

/* The record block B explains, or SIZE_MAX: the verdict at its position on
 * its subject; a leak's result verdict when its root is that result, else
 * (a root on the heap, or a named root that is no result) the heap leak. */
void esc_block_key(struct esc_rec *key, const gomem_escape_set *s, const struct esc_block *b, unsigned kind)
{
	memset(key, 0, sizeof(*key));
	key->package = b->package;
	key->file = b->file;
	key->line = b->line;
	key->column = b->column;
	key->expression = b->expression;
	key->key_detail = s->empty;
	key->kind = (uint8_t)kind;
}

static size_t block_owner(const gomem_escape_set *s, const struct esc_block *b)
{
	struct esc_rec key;
	size_t i;

	if (b->cls == ESC_BLOCK_ESCAPE) {
		esc_block_key(&key, s, b, GOMEM_ESCAPE_ESCAPES);
		return esc_rec_find(s, &key);
	}
	esc_block_key(&key, s, b, GOMEM_ESCAPE_LEAKING_RESULT);
	key.key_detail = b->root;
	if ((i = esc_rec_find(s, &key)) != SIZE_MAX)
		return i;
	if (esc_root_is_result(esc_str(s, b->root)))
		return SIZE_MAX; /* a result leak that a shorter heap leak made moot */
	key.kind = GOMEM_ESCAPE_LEAKING_PARAM;
	key.key_detail = s->empty;
	return esc_rec_find(s, &key);
}

/* Gives every block to its record and lays the flows out record by record
 * (a record's blocks in the order they came: a variable explained twice
 * keeps both). Blocks without a verdict are dropped. */
static int attach_blocks(gomem_escape_set *s)
{
	uint32_t *owner = NULL, *at = NULL;
	struct esc_flow *flows = NULL;
	size_t total = 0;
	int rc = GOMEM_E_NOMEM;

	if (s->nblocks == 0)
		return GOMEM_OK;
	if (!(owner = malloc(s->nblocks * sizeof(*owner))) || !(at = calloc(s->nrecs + 1, sizeof(*at))))
		goto out;
	for (size_t i = 0; i < s->nrecs; i++)
		s->recs[i].nflow = 0;
	for (size_t k = 0; k < s->nblocks; k++) {
		const struct esc_block *b = &s->blocks[k];
		size_t i = block_owner(s, b);

		owner[k] = i == SIZE_MAX ? UINT32_MAX : (uint32_t)i;
		if (i == SIZE_MAX)
			continue;
		if (s->recs[i].compiler_function == s->empty)
			s->recs[i].compiler_function = b->function;
		s->recs[i].nflow += b->nflow;
		total += b->nflow;
	}
	if (total && !(flows = malloc(total * sizeof(*flows))))
		goto out;
	for (size_t i = 0, off = 0; i < s->nrecs; off += s->recs[i++].nflow) {
		s->recs[i].flow_off = (uint32_t)off;
		at[i] = (uint32_t)off;
	}
	for (size_t k = 0; k < s->nblocks; k++) {
		const struct esc_block *b = &s->blocks[k];

		if (owner[k] == UINT32_MAX || b->nflow == 0)
			continue;
		memcpy(flows + at[owner[k]], s->flows + b->flow_off, b->nflow * sizeof(*flows));
		at[owner[k]] += b->nflow;
	}
	free(s->flows);
	s->flows = flows;
	s->nflows = s->flows_cap = total;
	flows = NULL;
	rc = GOMEM_OK;
out:
	free(flows);
	free(owner);
	free(at);
	free(s->blocks);
	s->blocks = NULL;
	s->nblocks = s->blocks_cap = 0;
	return rc;
}

/* Drops the records that turned out to be none (a header whose message
 * spanned lines); the dedup table is stale after. */
static void drop_unknown(gomem_escape_set *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->nrecs; i++)
		if (s->recs[i].kind != GOMEM_ESCAPE_UNKNOWN)
			s->recs[k++] = s->recs[i];
	s->nrecs = k;
}

/* ---- identity --------------------------------------------------------------- */

/* Records of one identity group together (package, file, kind, normalised
 * expression: equal strings have equal ids, and the groups' order does not
 * matter), in line and column order within. */
static int cmp_identity_order(const void *a, const void *b, void *ctx)
{
	const gomem_escape_set *s = ctx;
	const struct esc_rec *x = &s->recs[*(const uint32_t *)a], *y = &s->recs[*(const uint32_t *)b];

	if (x->package != y->package)
		return x->package < y->package ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->normalized != y->normalized)
		return x->normalized < y->normalized ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->column > y->column) - (x->column < y->column);
}

/* T with '\\', '\t', '\n' escaped, then a tab. */
static int put_escaped(gomem_buf *b, const char *t)
{
	int rc = GOMEM_OK;

	while (*t && rc >= 0) {
		size_t n = strcspn(t, "\\\t\n");

		if (n)
			rc = gomem_buf_append(b, t, n);
		t += n;
		if (*t && rc >= 0) {
			rc = gomem_buf_append(b, *t == '\\' ? "\\\\" : *t == '\t' ? "\\t" : "\\n", 2);
			t++;
		}
	}
	return rc >= 0 ? gomem_buf_append(b, "\t", 1) : rc;
}

static int make_identity(gomem_escape_set *s, struct esc_rec *r, gomem_buf *b)
{
	char occ[16], *d = occ + sizeof(occ);
	uint32_t v = r->occurrence;
	int rc;

	b->len = 0;
	do
		*--d = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if ((rc = put_escaped(b, esc_str(s, r->package))) < 0 || (rc = put_escaped(b, esc_str(s, r->file))) < 0 ||
	    (rc = put_escaped(b, gomem_escape_kind_name(r->kind))) < 0 ||
	    (rc = put_escaped(b, esc_str(s, r->normalized))) < 0 ||
	    (rc = gomem_buf_append(b, d, (size_t)(occ + sizeof(occ) - d))) < 0)
		return rc;
	r->hash = gomem_hash_bytes(b->data, b->len);
	return esc_intern(s, b->data, b->len, &r->identity);
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
		struct esc_rec *r = &s->recs[ix[i]], *q = i ? &s->recs[ix[i - 1]] : NULL;

		r->occurrence = q && q->package == r->package && q->file == r->file && q->kind == r->kind &&
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
	const struct esc_rec *x = a, *y = b;
	int c;

	if (x->package != y->package)
		return strcmp(esc_str(s, x->package), esc_str(s, y->package));
	if (x->file != y->file && (c = strcmp(esc_str(s, x->file), esc_str(s, y->file))))
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return strcmp(esc_str(s, x->expression), esc_str(s, y->expression));
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

static void flow_view(gomem_escape_flow *v, const gomem_escape_set *s, const struct esc_flow *f)
{
	v->is_flow = f->is_flow;
	v->text = esc_str(s, f->text);
	v->dst = esc_str(s, f->dst);
	v->src = esc_str(s, f->src);
	v->where = esc_str(s, f->where);
	v->reason = esc_str(s, f->reason);
	v->file = esc_str(s, f->file);
	v->line = f->line;
	v->column = f->column;
}

/* Explanations, functions, occurrences, identities, presentation order. */
int esc_set_finish(gomem_escape_set *s, const gomem_escape_options *o)
{
	int rc;

	if ((rc = attach_blocks(s)) < 0)
		return rc;
	drop_unknown(s);
	if ((rc = esc_qualify_main(s, o)) < 0 ||
	    (rc = esc_resolve_functions(s, o)) < 0 || (rc = number_occurrences(s)) < 0 ||
	    (rc = gomem_sort(s->recs, s->nrecs, sizeof(*s->recs), cmp_present, s)) < 0)
		return rc;
	if (s->nflows && !(s->fviews = calloc(s->nflows, sizeof(*s->fviews))))
		return GOMEM_E_NOMEM;
	for (size_t i = 0; i < s->nflows; i++)
		flow_view(&s->fviews[i], s, &s->flows[i]);
	s->finished = true;
	return index_identities(s);
}

/* ---- the parser's shared state -------------------------------------------- */

int esc_parser_init(gomem_escape_parser **out, const char *name, const gomem_escape_options *opts)
{
	gomem_escape_parser *p;
	const char *pkg;
	int rc;

	*out = NULL;
	if (opts && opts->version != GOMEM_ESCAPE_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	if (opts && opts->source && opts->source->version != GOMEM_ESCAPE_SOURCE_OPTIONS_VERSION)
		return GOMEM_E_INVALID;
	if (!(p = calloc(1, sizeof(*p))))
		return GOMEM_E_NOMEM;
	if (opts)
		p->opts = *opts;
	else
		p->opts = (gomem_escape_options)GOMEM_ESCAPE_OPTIONS_INIT;
	if (p->opts.source) {
		p->source = *p->opts.source;
		p->opts.source = &p->source;
	}
	if (!p->opts.max_line)
		p->opts.max_line = ESC_DEFAULT_MAX_LINE;
	gomem_linebuf_init(&p->lb, p->opts.max_line);
	gomem_buf_init(&p->msg, gomem_size_mul(p->opts.max_line, 4));
	p->name = strdup(name ? name : "<input>");
	if (!p->name || (rc = esc_set_new(&p->set)) < 0) {
		gomem_escape_parser_free(p);
		return GOMEM_E_NOMEM;
	}
	if (p->opts.max_records)
		p->set->max_records = p->opts.max_records;
	gomem_error_set_source(&p->err, p->name);
	pkg = p->opts.package ? p->opts.package : "";
	if ((rc = esc_intern(p->set, pkg, strlen(pkg), &p->pkg)) < 0) {
		gomem_escape_parser_free(p);
		return rc;
	}
	p->variant = p->set->empty;
	*out = p;
	return GOMEM_OK;
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

/* ---- the set's view ------------------------------------------------------- */

size_t gomem_escape_set_count(const gomem_escape_set *s)
{
	return s ? s->nrecs : 0;
}

int gomem_escape_set_get(gomem_escape_record *out, const gomem_escape_set *s, size_t i)
{
	const struct esc_rec *r;

	if (!s || i >= s->nrecs)
		return GOMEM_E_INVALID;
	r = &s->recs[i];
	out->package = esc_str(s, r->package);
	out->variant = esc_str(s, r->variant);
	out->path = esc_str(s, r->path);
	out->file = esc_str(s, r->file);
	out->line = r->line;
	out->column = r->column;
	out->kind = (gomem_escape_kind)r->kind;
	out->message = esc_str(s, r->message);
	out->expression = esc_str(s, r->expression);
	out->normalized = esc_str(s, r->normalized);
	out->detail = esc_str(s, r->detail);
	out->function = esc_str(s, r->function);
	out->occurrence = r->occurrence;
	out->identity = esc_str(s, r->identity);
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
		const struct esc_rec *r = &s->recs[s->byhash[k] - 1];

		if (r->hash == h && strcmp(esc_str(s, r->identity), identity) == 0)
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
	const struct esc_diag *d;

	if (!s || i >= s->ndiags)
		return GOMEM_E_INVALID;
	d = &s->diags[i];
	out->is_compile_error = d->is_compile_error;
	out->package = esc_str(s, d->package);
	out->source = esc_str(s, d->source);
	out->message = esc_str(s, d->message);
	out->line = d->line;
	out->column = d->column;
	return GOMEM_OK;
}

uint64_t gomem_escape_set_duplicates(const gomem_escape_set *s)
{
	return s ? s->duplicates : 0;
}

/* ---- reading a path ------------------------------------------------------- */

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
