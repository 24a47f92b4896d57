/* SPDX-License-Identifier: Apache-2.0 */
/* alloc_stream.c — the allocation-stream parser (fed buffers, events out,
 * errors at line:column) and the replay loop that drives the model with it. */
#include <stdlib.h>
#include <string.h>

#include "gomem-internal.h"

#define MAX_LINE 4096

struct gomem_alloc_stream {
	gomem_linebuf lb;
	gomem_error err;
	int rc; /* the first error, sticky */
};

int gomem_alloc_stream_new(gomem_alloc_stream **out, const char *name)
{
	if (!out)
		return GOMEM_E_INVALID;
	gomem_alloc_stream *s = calloc(1, sizeof(*s));
	if (!s) {
		*out = NULL;
		return GOMEM_E_NOMEM;
	}
	gomem_linebuf_init(&s->lb, MAX_LINE);
	gomem_error_set_source(&s->err, name ? name : "<stream>");
	*out = s;
	return GOMEM_OK;
}

void gomem_alloc_stream_free(gomem_alloc_stream *s)
{
	if (!s)
		return;
	gomem_linebuf_free(&s->lb);
	free(s);
}

void gomem_alloc_stream_feed(gomem_alloc_stream *s, const void *data, size_t len)
{
	if (s)
		gomem_linebuf_feed(&s->lb, data, len);
}

void gomem_alloc_stream_finish(gomem_alloc_stream *s)
{
	if (s)
		gomem_linebuf_finish(&s->lb);
}

const gomem_error *gomem_alloc_stream_error(const gomem_alloc_stream *s)
{
	return s ? &s->err : NULL;
}

/* A cursor over one line: the token it stands on and its column. */
struct cursor {
	const char *p, *end, *line;
};

static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* The next token (NULL at the end of the line or at a '#' comment). */
static const char *next_token(struct cursor *c, size_t *len)
{
	skip_blanks(c);
	if (c->p == c->end || *c->p == '#')
		return NULL;
	const char *tok = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		c->p++;
	*len = (size_t)(c->p - tok);
	return tok;
}

static int fail(gomem_alloc_stream *s, const struct cursor *c, const char *at, const char *fmt,
		const char *what)
{
	uint64_t col = (uint64_t)((at ? at : c->p) - c->line) + 1;
	s->rc = gomem_error_at_line(&s->err, GOMEM_E_FORMAT, s->lb.lineno, col, fmt, what);
	return s->rc;
}

/* A decimal number below 2^64 -> *out; false for anything else. */
static bool parse_u64(const char *tok, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '9')
			return false;
		unsigned d = (unsigned)(tok[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool token_is(const char *tok, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(tok, word, len) == 0;
}

/* One number argument named WHAT: its value and where it stood. */
static int number_arg(gomem_alloc_stream *s, struct cursor *c, const char *what, uint64_t *out,
		      uint64_t *col)
{
	size_t len;
	const char *tok = next_token(c, &len);
	if (!tok)
		return fail(s, c, NULL, "missing %s", what);
	if (!parse_u64(tok, len, out))
		return fail(s, c, tok, "%s is not a decimal number below 2^64", what);
	if (col)
		*col = (uint64_t)(tok - c->line) + 1;
	return GOMEM_OK;
}

/* Digits up to the next ' ' or END -> *out; NULL when anything else
 * stands there or the value passes 2^64 (the slow path says why). */
static const char *fast_number(const char *p, const char *end, uint64_t *out)
{
	const char *start = p;
	uint64_t v = 0;
	for (; p < end && *p != ' '; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (d > 9 || p - start >= 19)
			return NULL; /* 19 digits always fit; longer ones go the slow way */
		v = v * 10 + d;
	}
	if (p == start)
		return NULL;
	*out = v;
	return p;
}

/* The lines the generators write, single spaces and nothing else, without
 * the tokenizer: 1 with an event, 0 when the line is not of that shape. */
static int parse_fast(const char *line, size_t len, gomem_alloc_event *ev)
{
	const char *p = line, *end = line + len;
	if (len == 2 && p[0] == 'g' && p[1] == 'c') {
		ev->op = GOMEM_ALLOC_OP_GC;
		return 1;
	}
	if (len < 3 || p[1] != ' ' || (p[0] != 'a' && p[0] != 'f'))
		return 0;
	ev->id_col = 3;
	p = fast_number(p + 2, end, &ev->id);
	if (!p)
		return 0;
	if (line[0] == 'f') {
		ev->op = GOMEM_ALLOC_OP_FREE;
		return p == end;
	}
	if (p == end)
		return 0;
	ev->size_col = (uint64_t)(p + 1 - line) + 1;
	p = fast_number(p + 1, end, &ev->size);
	if (!p || p == end)
		return 0;
	p++;
	if (end - p == 4 && memcmp(p, "scan", 4) == 0)
		ev->scan = true;
	else if (!(end - p == 6 && memcmp(p, "noscan", 6) == 0))
		return 0;
	ev->op = GOMEM_ALLOC_OP_ALLOC;
	return 1;
}

/* Parses one non-empty line; 1 with an event, 0 for a comment line. */
static int parse_line(gomem_alloc_stream *s, const char *line, size_t len, gomem_alloc_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->line = s->lb.lineno;
	if (parse_fast(line, len, ev))
		return 1;
	struct cursor c = { line, line + len, line };
	size_t tlen;
	const char *op = next_token(&c, &tlen);
	if (!op)
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->line = s->lb.lineno;
	int rc;
	if (token_is(op, tlen, "a")) {
		ev->op = GOMEM_ALLOC_OP_ALLOC;
		if ((rc = number_arg(s, &c, "object id", &ev->id, &ev->id_col)) < 0 ||
		    (rc = number_arg(s, &c, "size", &ev->size, &ev->size_col)) < 0)
			return rc;
		const char *kind = next_token(&c, &tlen);
		if (!kind)
			return fail(s, &c, NULL, "missing %s", "scan or noscan");
		if (token_is(kind, tlen, "scan"))
			ev->scan = true;
		else if (!token_is(kind, tlen, "noscan"))
			return fail(s, &c, kind, "expected %s", "scan or noscan");
	} else if (token_is(op, tlen, "f")) {
		ev->op = GOMEM_ALLOC_OP_FREE;
		if ((rc = number_arg(s, &c, "object id", &ev->id, &ev->id_col)) < 0)
			return rc;
	} else if (token_is(op, tlen, "gc")) {
		ev->op = GOMEM_ALLOC_OP_GC;
	} else {
		return fail(s, &c, op, "unknown event (expected %s)", "a, f or gc");
	}
	const char *extra = next_token(&c, &tlen);
	if (extra)
		return fail(s, &c, extra, "unexpected %s after the event", "text");
	return 1;
}

int gomem_alloc_stream_next(gomem_alloc_stream *s, gomem_alloc_event *ev)
{
	if (!s || !ev)
		return GOMEM_E_INVALID;
	if (s->rc < 0)
		return s->rc;
	for (;;) {
		const char *line;
		size_t len;
		int rc = gomem_linebuf_next(&s->lb, &line, &len);
		if (rc == GOMEM_E_LIMIT) {
			s->rc = gomem_error_at_line(&s->err, GOMEM_E_LIMIT, s->lb.lineno + 1, 1,
						    "line longer than %d bytes", MAX_LINE);
			return s->rc;
		}
		if (rc <= 0)
			return rc;
		rc = parse_line(s, line, len, ev);
		if (rc != 0)
			return rc;
	}
}

/* ---- replay -------------------------------------------------------------- */

static int apply(gomem_alloc_model *m, const gomem_alloc_event *ev, gomem_error *err)
{
	int rc;
	switch (ev->op) {
	case GOMEM_ALLOC_OP_ALLOC:
		rc = gomem_alloc_model_alloc(m, ev->id, ev->size, ev->scan);
		if (rc == GOMEM_E_INVALID && gomem_sizeclass_cost(gomem_alloc_model_table(m), ev->size,
								  ev->scan, &(gomem_alloc_cost){ 0 }) < 0)
			return gomem_error_at_line(err, GOMEM_E_FORMAT, ev->line, ev->size_col,
						   "size %llu is more than Go can allocate",
						   (unsigned long long)ev->size);
		if (rc == GOMEM_E_INVALID)
			return gomem_error_at_line(err, GOMEM_E_FORMAT, ev->line, ev->id_col,
						   "object %llu is already live", (unsigned long long)ev->id);
		break;
	case GOMEM_ALLOC_OP_FREE:
		rc = gomem_alloc_model_drop(m, ev->id);
		if (rc == GOMEM_E_NOTFOUND)
			return gomem_error_at_line(err, GOMEM_E_FORMAT, ev->line, ev->id_col,
						   "object %llu is not live", (unsigned long long)ev->id);
		break;
	default:
		rc = gomem_alloc_model_gc(m);
		break;
	}
	if (rc == GOMEM_E_LIMIT)
		return gomem_error_at_line(err, rc, ev->line, 1, "the model's limits are reached "
					   "(2^31 live objects, a 512 GiB heap)");
	if (rc < 0)
		return gomem_error_at_line(err, rc, ev->line, 1, "%s", gomem_strerror(rc));
	return GOMEM_OK;
}

/* Takes every event the fed data holds and applies it. */
static int drain(gomem_alloc_stream *s, gomem_alloc_model *m, gomem_error *err)
{
	gomem_alloc_event ev;
	int rc;
	while ((rc = gomem_alloc_stream_next(s, &ev)) == 1) {
		rc = apply(m, &ev, &s->err);
		if (rc < 0) {
			gomem_error_copy(err, &s->err);
			return rc;
		}
	}
	if (rc < 0)
		gomem_error_copy(err, &s->err);
	return rc;
}

int gomem_alloc_replay(gomem_alloc_model *m, gomem_source *src, const void *data, size_t len,
		       const char *name, gomem_error *err)
{
	if (!m || (!src && !data && len))
		return GOMEM_E_INVALID;
	gomem_alloc_stream *s;
	int rc = gomem_alloc_stream_new(&s, src ? gomem_source_name(src) : name);
	if (rc < 0)
		return gomem_error_set(err, rc, "%s", gomem_strerror(rc));
	if (src) {
		for (;;) {
			const uint8_t *chunk;
			size_t n;
			rc = gomem_source_read(src, &chunk, &n);
			if (rc < 0) {
				gomem_error_copy(err, gomem_source_error(src));
				break;
			}
			if (n == 0)
				break;
			gomem_alloc_stream_feed(s, chunk, n);
			if ((rc = drain(s, m, err)) < 0)
				break;
		}
	} else {
		gomem_alloc_stream_feed(s, data, len);
		rc = drain(s, m, err);
	}
	if (rc >= 0) {
		gomem_alloc_stream_finish(s);
		rc = drain(s, m, err);
	}
	gomem_alloc_stream_free(s);
	return rc < 0 ? rc : GOMEM_OK;
}
