/* SPDX-License-Identifier: Apache-2.0 */
/* trace_stacks.c — stacks that outlive their generation. A trace's stack ids
 * mean something only inside one generation, yet latency and assist time
 * are summed by stack over the whole trace: each stack is interned by its
 * frames (function, file, line) into a key that holds across generations.
 * A per-generation cache from the trace's id to the key keeps that to one
 * map lookup per event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace-analysis.h"

#define STACKS_MAX_BYTES ((size_t)256 << 20)

void tr_stacks_init(struct tr_stacks *s)
{
	memset(s, 0, sizeof(*s));
	gomem_strpool_init(&s->frames);
	gomem_strpool_init(&s->stacks);
	gomem_strpool_init(&s->names);
	tr_map_init(&s->cache);
	gomem_buf_init(&s->buf, STACKS_MAX_BYTES);
}

void tr_stacks_free(struct tr_stacks *s)
{
	gomem_strpool_free(&s->frames);
	gomem_strpool_free(&s->stacks);
	gomem_strpool_free(&s->names);
	tr_map_free(&s->cache);
	free(s->ids);
	gomem_buf_free(&s->buf);
	memset(s, 0, sizeof(*s));
}

void tr_stacks_new_generation(struct tr_stacks *s)
{
	tr_map_clear(&s->cache);
}

int tr_stacks_intern(struct tr_stacks *s, const gomem_trace_reader *r, uint64_t stack, uint32_t *key)
{
	size_t n;
	uint32_t id;
	int rc;

	*key = 0;
	if (stack == 0)
		return GOMEM_OK;
	if (tr_map_get(&s->cache, stack, key))
		return GOMEM_OK;
	n = gomem_trace_stack_depth(r, stack);
	if ((rc = GOMEM_GROW(s->ids, s->ids_cap, n + 1, (size_t)1 << 20)) != GOMEM_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		gomem_trace_frame f;

		gomem_trace_stack_frame(r, stack, i, &f);
		s->buf.len = 0;
		if ((rc = gomem_buf_printf(&s->buf, "%s\n%s\n%llu", f.func, f.file, (unsigned long long)f.line)) ||
		    (rc = gomem_strpool_intern(&s->frames, s->buf.data, s->buf.len, &s->ids[i])))
			return rc;
	}
	if (s->stacks.count >= ((size_t)1 << 24))
		return GOMEM_E_LIMIT; /* sixteen million distinct stacks: not a Go program's */
	if ((rc = gomem_strpool_intern(&s->stacks, (const char *)s->ids, n * sizeof(*s->ids), &id)))
		return rc;
	*key = id + 1;
	return tr_map_put(&s->cache, stack, *key);
}

size_t tr_stacks_depth(const struct tr_stacks *s, uint32_t key)
{
	if (key == 0 || key > s->stacks.count)
		return 0;
	return gomem_strpool_len(&s->stacks, key - 1) / sizeof(uint32_t);
}

void tr_stacks_frame(const struct tr_stacks *s, uint32_t key, size_t i, const char **func,
		     const char **file, int64_t *line)
{
	const char *raw, *f, *nl;
	uint32_t id;

	*func = *file = "";
	*line = 0;
	if (i >= tr_stacks_depth(s, key))
		return;
	raw = gomem_strpool_get(&s->stacks, key - 1);
	memcpy(&id, raw + i * sizeof(id), sizeof(id));
	f = gomem_strpool_get(&s->frames, id);
	/* "func\nfile\nline": the pool keeps the text NUL-terminated */
	*func = f;
	if ((nl = strchr(f, '\n')) == NULL)
		return;
	*file = nl + 1;
	if ((nl = strchr(nl + 1, '\n')) != NULL)
		*line = strtoll(nl + 1, NULL, 10);
}

int tr_stacks_folded(const struct tr_stacks *s, uint32_t key, gomem_buf *out)
{
	size_t n = tr_stacks_depth(s, key);
	int rc = GOMEM_OK;

	out->len = 0;
	if (out->data)
		out->data[0] = '\0';
	for (size_t i = n; i-- > 0 && rc == GOMEM_OK;) {
		const char *func, *file;
		int64_t line;

		tr_stacks_frame(s, key, i, &func, &file, &line);
		if ((rc = gomem_buf_append(out, func, strcspn(func, "\n"))) == GOMEM_OK && i > 0)
			rc = gomem_buf_append(out, ";", 1);
	}
	if (rc == GOMEM_OK && out->data == NULL)
		rc = gomem_buf_append(out, "", 0);
	return rc;
}

int tr_stacks_name(struct tr_stacks *s, const char *name, uint32_t *id)
{
	int rc = gomem_strpool_intern(&s->names, name, strlen(name), id);

	if (rc == GOMEM_OK)
		(*id)++;
	return rc;
}
